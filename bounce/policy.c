/*
 * policy.c - the bounce policy: classified event in, subscriber state out.
 */
#include <stddef.h>
#include <stdio.h>

#include <glib.h>

#include "policy.h"

void
policy_defaults(struct policy *p)
{
	p->soft_threshold = 5;
	p->soft_window = 30;
	p->soft_stale_after = 14;
	p->soft_min_days = 14;
	p->soft_suppression_expires = 0;
	p->block_alert = 10;
	p->unproven = POLICY_UNPROVEN_SOFT;
	p->verp_validity = 60;
	p->verp_keys = NULL;
	p->nverp_keys = 0;
	p->verp_domain = NULL;
	p->max_recipients_per_report = 50;
	p->max_suppressions = 1000;
	p->suppression_window = 1;
}

const char *
policy_unproven_name(enum policy_unproven u)
{
	static const char *const names[] = { "soft", "record", "act" };

	return (unsigned)u < sizeof(names) / sizeof(names[0]) ? names[u]
							      : "soft";
}

enum classify_class
policy_counted_as(const struct policy *p, enum classify_class cls, unsigned how)
{
	if (how & POLICY_PROVEN)
		return cls;
	if ((how & POLICY_NONMEMBER) &&
	    (cls == CLASS_HARD || cls == CLASS_SOFT || cls == CLASS_COMPLAINT))
		return CLASS_IGNORE;
	if ((how & POLICY_GLOBAL) && p->unproven != POLICY_UNPROVEN_ACT &&
	    (cls == CLASS_HARD || cls == CLASS_SOFT || cls == CLASS_COMPLAINT))
		return CLASS_IGNORE;
	if (cls != CLASS_HARD && cls != CLASS_COMPLAINT)
		return cls;
	switch (p->unproven) {
	case POLICY_UNPROVEN_SOFT:
		return CLASS_SOFT;
	case POLICY_UNPROVEN_RECORD:
		return CLASS_IGNORE;
	case POLICY_UNPROVEN_ACT:
		return cls;
	}
	return CLASS_SOFT;
}

void
policy_state_init(struct policy_state *st)
{
	st->state = POLICY_ACTIVE;
	st->score = 0;
	st->last_soft_day = -1;
	st->window_start = -1;
	st->sends = 0;
	st->first_send_day = -1;
	st->last_send_id = 0;
	st->last_send_day = -1;
}

const char *
policy_state_name(enum policy_state_name s)
{
	static const char *names[] = { "active", "bouncing", "suppressed",
		"unsubscribed" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s]
							      : "active";
}

/* expire - forget a soft count that went stale or left its window */
static void
expire(const struct policy *p, struct policy_state *st, int today)
{
	if (st->score == 0)
		return;
	if ((st->last_soft_day >= 0 &&
		today - st->last_soft_day > (int)p->soft_stale_after) ||
	    (st->window_start >= 0 &&
		today - st->window_start >= (int)p->soft_window)) {
		st->score = 0;
		st->window_start = -1;
		if (st->state == POLICY_BOUNCING && st->sends == 0)
			st->state = POLICY_ACTIVE;
	}
}

/* soft_send - a soft bounce on send s: the run of bounced sends grows,
 * or starts again after a send the subscriber did not bounce on */
static enum policy_effect
soft_send(const struct policy *p, struct policy_state *st,
    const struct policy_send *s, const char **why)
{
	if (s->id == st->last_send_id)
		return POLICY_NOTHING; /* one point a send */
	if (st->sends > 0 && s->day < st->last_send_day) {
		*why = "a soft bounce on a send before the last counted one";
		return POLICY_NOTHING;
	}
	if (st->sends == 0 || s->between > 0) {
		st->sends = 1;
		st->first_send_day = s->day;
	} else
		st->sends++;
	st->last_send_id = s->id;
	st->last_send_day = s->day;
	if (st->state == POLICY_SUPPRESSED)
		return POLICY_NOTHING;
	if (st->sends >= p->soft_threshold &&
	    s->day - st->first_send_day >= (int)p->soft_min_days) {
		*why = "soft bounces on soft_threshold sends in a row, "
		       "soft_min_days apart or more";
		st->state = POLICY_SUPPRESSED;
		return POLICY_SUPPRESS;
	}
	st->state = POLICY_BOUNCING;
	*why = "soft bounce on a send: towards soft_threshold sends in a row";
	return POLICY_NOTHING;
}

enum policy_effect
policy_apply(const struct policy *p, struct policy_state *st,
    enum classify_class cls, unsigned how, const struct policy_send *send,
    int today, const char **why)
{
	*why = NULL;
	/* the list manager's unsubscription is final here */
	if (st->state == POLICY_UNSUBSCRIBED)
		return POLICY_NOTHING;
	expire(p, st, today);
	if (policy_counted_as(p, cls, how) != cls) {
		cls = policy_counted_as(p, cls, how);
		if (cls == CLASS_IGNORE) {
			*why = (how & POLICY_NONMEMBER)
			    ? "no member of the list (members_query) and no "
			      "proof: recorded only"
			    : (how & POLICY_GLOBAL)
			    ? "no list and no proof: a suppression on every "
			      "list needs proof: recorded only"
			    : "no proof that the report answers mail the list "
			      "sent: recorded only";
			return POLICY_NOTHING;
		}
		*why = "no proof that the report answers mail the list sent: "
		       "counted as a soft bounce";
	}
	switch (cls) {
	case CLASS_HARD:
		*why = "hard bounce: the address is dead";
		if (st->state == POLICY_SUPPRESSED)
			return POLICY_NOTHING;
		st->state = POLICY_SUPPRESSED;
		return POLICY_SUPPRESS;
	case CLASS_COMPLAINT:
		/* about the sender, not one list: always suppress globally,
		 * even when this list already suppressed the address */
		*why = "complaint: suppressed on every list";
		st->state = POLICY_SUPPRESSED;
		return POLICY_SUPPRESS_GLOBAL;
	case CLASS_SOFT:
		if (send != NULL)
			return soft_send(p, st, send, why);
		if (st->last_soft_day == today)
			return POLICY_NOTHING; /* one point a day at most */
		if (st->score == 0)
			st->window_start = today;
		st->score++;
		st->last_soft_day = today;
		if (st->state == POLICY_SUPPRESSED)
			return POLICY_NOTHING;
		if (st->score >= p->soft_threshold) {
			*why = "soft bounces reached the threshold within the "
			       "window";
			st->state = POLICY_SUPPRESSED;
			return POLICY_SUPPRESS;
		}
		st->state = POLICY_BOUNCING;
		if (*why == NULL)
			*why = "soft bounce: one point a day, towards "
			       "soft_threshold within soft_window";
		return POLICY_NOTHING;
	case CLASS_BLOCK: /* the receiver refused the sender */
	case CLASS_IGNORE:
	case CLASS_UNKNOWN:
		return POLICY_NOTHING;
	}
	return POLICY_NOTHING;
}

/* the Julian day (GDate's count) of 1970-01-01 */
#define POLICY_JULIAN_EPOCH 719163

int
policy_day(const char *s)
{
	int    y, m, d, n;
	char   end;
	GDate *g;

	if (s == NULL)
		return (int)(g_get_real_time() / G_USEC_PER_SEC / 86400);
	if (sscanf(s, "%d-%d-%d%c", &y, &m, &d, &end) != 3 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return -1;
	g = g_date_new_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
	n = (int)g_date_get_julian(g) - POLICY_JULIAN_EPOCH;
	g_date_free(g);
	return n;
}

const char *
policy_date(int day, char buf[11])
{
	GDate d;

	g_date_clear(&d, 1);
	g_date_set_julian(&d, (guint32)(day + POLICY_JULIAN_EPOCH));
	g_snprintf(buf, 11, "%04d-%02d-%02d", g_date_get_year(&d),
	    g_date_get_month(&d), g_date_get_day(&d));
	return buf;
}
