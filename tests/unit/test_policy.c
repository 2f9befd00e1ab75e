/*
 * test_policy.c - the bounce policy, table-driven with a controllable
 * clock: each case is a sequence of (day, class) events and what must
 * follow each one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

struct step {
	int                    day;
	enum classify_class    cls;
	enum policy_effect     effect;
	enum policy_state_name state;
	unsigned               score;
};

#define END \
	{ \
		-1, CLASS_UNKNOWN, POLICY_NOTHING, POLICY_ACTIVE, 0 \
	}
#define H   CLASS_HARD
#define S   CLASS_SOFT
#define B   CLASS_BLOCK
#define C   CLASS_COMPLAINT
#define I   CLASS_IGNORE
#define N   POLICY_NOTHING
#define SUP POLICY_SUPPRESS
#define GLO POLICY_SUPPRESS_GLOBAL
#define ACT POLICY_ACTIVE
#define BNC POLICY_BOUNCING
#define SPR POLICY_SUPPRESSED

/* clang-format off */
static const struct {
	const char	*name;
	struct step	 steps[12];
} cases[] = {
	{ "hard suppresses at once", {
		{ 100, H, SUP, SPR, 0 }, { 101, H, N, SPR, 0 }, END } },
	{ "complaint suppresses globally, even when suppressed", {
		{ 100, H, SUP, SPR, 0 }, { 100, C, GLO, SPR, 0 }, END } },
	{ "block and ignore never count", {
		{ 100, B, N, ACT, 0 }, { 101, B, N, ACT, 0 },
		{ 102, I, N, ACT, 0 }, END } },
	{ "soft: one point a day at most", {
		{ 100, S, N, BNC, 1 }, { 100, S, N, BNC, 1 },
		{ 100, S, N, BNC, 1 }, { 101, S, N, BNC, 2 }, END } },
	{ "soft: the threshold within the window suppresses", {
		{ 100, S, N, BNC, 1 }, { 103, S, N, BNC, 2 },
		{ 106, S, N, BNC, 3 }, { 109, S, N, BNC, 4 },
		{ 112, S, SUP, SPR, 5 }, { 113, S, N, SPR, 6 }, END } },
	{ "soft: stale after 14 quiet days, counting starts over", {
		{ 100, S, N, BNC, 1 }, { 101, S, N, BNC, 2 },
		{ 116, S, N, BNC, 1 }, END } },
	{ "soft: exactly 14 quiet days is not stale", {
		{ 100, S, N, BNC, 1 }, { 114, S, N, BNC, 2 }, END } },
	{ "soft: the 30-day window restarts the count", {
		{ 100, S, N, BNC, 1 }, { 110, S, N, BNC, 2 },
		{ 120, S, N, BNC, 3 }, { 129, S, N, BNC, 4 },
		{ 130, S, N, BNC, 1 }, END } },
	{ "soft then quiet: back to active on the next event", {
		{ 100, S, N, BNC, 1 }, { 120, B, N, ACT, 0 }, END } },
	{ "soft then hard", {
		{ 100, S, N, BNC, 1 }, { 101, H, SUP, SPR, 1 }, END } },
};
/* clang-format on */

static void
transitions(void **state)
{
	struct policy p;
	size_t        i, k;

	policy_defaults(&p);
	assert_int_equal(p.soft_threshold, 5);
	assert_int_equal(p.soft_window, 30);
	assert_int_equal(p.soft_stale_after, 14);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_state st;

		policy_state_init(&st);
		for (k = 0; cases[i].steps[k].day >= 0; k++) {
			const struct step *s = &cases[i].steps[k];
			const char        *why;
			enum policy_effect e = policy_apply(&p, &st, s->cls, 1,
			    NULL, s->day, &why);

			if (e != s->effect || st.state != s->state ||
			    st.score != s->score)
				fail_msg(
				    "%s, step %zu (day %d): effect %d state %s "
				    "score %u; expected %d %s %u",
				    cases[i].name, k, s->day, e,
				    policy_state_name(st.state), st.score,
				    s->effect, policy_state_name(s->state),
				    s->score);
			if (e != POLICY_NOTHING && why == NULL)
				fail_msg("%s: an effect without a reason",
				    cases[i].name);
		}
	}
}

/* the list manager's unsubscription is never changed by bounces */
static void
unsubscribed(void **state)
{
	struct policy       p;
	struct policy_state st;
	const char         *why;

	policy_defaults(&p);
	policy_state_init(&st);
	st.state = POLICY_UNSUBSCRIBED;
	assert_int_equal(policy_apply(&p, &st, CLASS_HARD, 1, NULL, 1, &why),
	    POLICY_NOTHING);
	assert_int_equal(st.state, POLICY_UNSUBSCRIBED);
}

/* a threshold of 1 suppresses on the first soft bounce */
static void
custom_policy(void **state)
{
	struct policy       p;
	struct policy_state st;
	const char         *why;

	policy_defaults(&p);
	p.soft_threshold = 1;
	policy_state_init(&st);
	assert_int_equal(policy_apply(&p, &st, CLASS_SOFT, 1, NULL, 5, &why),
	    POLICY_SUPPRESS);
}

/* a hard bounce or complaint without proof does what unproven says:
 * counted as soft (one point a day), recorded only, or acted on */
static void
unproven(void **state)
{
	struct policy       p;
	struct policy_state st;
	const char         *why = NULL;
	int                 day;

	policy_defaults(&p);
	assert_int_equal(p.unproven, POLICY_UNPROVEN_SOFT);
	policy_state_init(&st);
	/* one forged hard bounce: one soft point, nothing more */
	assert_int_equal(policy_apply(&p, &st, CLASS_HARD, 0, NULL, 100, &why),
	    POLICY_NOTHING);
	assert_int_equal(st.state, POLICY_BOUNCING);
	assert_int_equal(st.score, 1);
	assert_non_null(why);
	/* the same forgery many times a day still counts one point */
	assert_int_equal(policy_apply(&p, &st, CLASS_COMPLAINT, 0, NULL, 100,
			     &why),
	    POLICY_NOTHING);
	assert_int_equal(st.score, 1);
	/* a real dead address bouncing every day ends suppressed */
	for (day = 101; day < 104; day++)
		assert_int_equal(policy_apply(&p, &st, CLASS_HARD, 0, NULL, day,
				     &why),
		    POLICY_NOTHING);
	assert_int_equal(policy_apply(&p, &st, CLASS_HARD, 0, NULL, 104, &why),
	    POLICY_SUPPRESS);
	assert_int_equal(policy_counted_as(&p, CLASS_HARD, 0), CLASS_SOFT);
	assert_int_equal(policy_counted_as(&p, CLASS_HARD, 1), CLASS_HARD);
	assert_int_equal(policy_counted_as(&p, CLASS_BLOCK, 0), CLASS_BLOCK);

	p.unproven = POLICY_UNPROVEN_RECORD;
	policy_state_init(&st);
	assert_int_equal(policy_apply(&p, &st, CLASS_COMPLAINT, 0, NULL, 100,
			     &why),
	    POLICY_NOTHING);
	assert_int_equal(st.state, POLICY_ACTIVE);
	assert_int_equal(st.score, 0);
	/* with proof it acts at once */
	assert_int_equal(policy_apply(&p, &st, CLASS_COMPLAINT, 1, NULL, 100,
			     &why),
	    POLICY_SUPPRESS_GLOBAL);

	p.unproven = POLICY_UNPROVEN_ACT;
	policy_state_init(&st);
	assert_int_equal(policy_apply(&p, &st, CLASS_HARD, 0, NULL, 100, &why),
	    POLICY_SUPPRESS);
	assert_string_equal(policy_unproven_name(POLICY_UNPROVEN_ACT), "act");
}

/* soft bounces per send: a monthly list suppresses a dead mailbox after
 * soft_threshold issues; a daily list whose full mailbox empties after a
 * week does not; a send not bounced on starts the run again */
static void
per_send(void **state)
{
	struct policy       p;
	struct policy_state st;
	struct policy_send  s;
	const char         *why;
	int                 i;

	policy_defaults(&p);
	p.soft_threshold = 3;
	p.soft_min_days = 14;
	/* monthly: days 0, 31, 59; the day-based count would have gone stale
	 * (soft_stale_after 14) between any two of them */
	policy_state_init(&st);
	for (i = 0; i < 3; i++) {
		s = (struct policy_send){ 100 + i,
			1000 +
			    (i == 0          ? 0
				    : i == 1 ? 31
					     : 59),
			0 };
		assert_int_equal(policy_apply(&p, &st, CLASS_SOFT, 1, &s,
				     s.day + 1, &why),
		    i < 2 ? POLICY_NOTHING : POLICY_SUPPRESS);
	}
	assert_int_equal(st.state, POLICY_SUPPRESSED);
	assert_int_equal(st.sends, 3);
	/* the same send reported twice counts once */
	policy_state_init(&st);
	s = (struct policy_send){ 7, 50, 0 };
	policy_apply(&p, &st, CLASS_SOFT, 1, &s, 50, &why);
	policy_apply(&p, &st, CLASS_SOFT, 1, &s, 51, &why);
	assert_int_equal(st.sends, 1);
	/* daily: seven sends in a row bounced, only six days apart: not
	 * suppressed; then a send it did not bounce on starts it again */
	policy_state_init(&st);
	for (i = 0; i < 7; i++) {
		s = (struct policy_send){ 200 + i, 2000 + i, 0 };
		assert_int_equal(policy_apply(&p, &st, CLASS_SOFT, 1, &s,
				     2000 + i, &why),
		    POLICY_NOTHING);
	}
	assert_int_equal(st.sends, 7);
	assert_int_equal(st.state, POLICY_BOUNCING);
	s = (struct policy_send){ 220, 2020, 12 };
	assert_int_equal(policy_apply(&p, &st, CLASS_SOFT, 1, &s, 2020, &why),
	    POLICY_NOTHING);
	assert_int_equal(st.sends, 1);
	assert_int_equal(st.first_send_day, 2020);
	/* a late bounce on an earlier send changes nothing */
	s = (struct policy_send){ 210, 2010, 0 };
	policy_apply(&p, &st, CLASS_SOFT, 1, &s, 2021, &why);
	assert_int_equal(st.sends, 1);
	assert_int_equal(st.last_send_id, 220);
	/* the day-based count going stale leaves a run of sends alone */
	s = (struct policy_send){ 221, 2040, 0 };
	policy_apply(&p, &st, CLASS_SOFT, 1, &s, 2040, &why);
	assert_int_equal(st.sends, 2);
	assert_int_equal(st.state, POLICY_BOUNCING);
}

int
main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transitions),
		cmocka_unit_test(unsubscribed),
		cmocka_unit_test(custom_policy),
		cmocka_unit_test(per_send),
		cmocka_unit_test(unproven),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
