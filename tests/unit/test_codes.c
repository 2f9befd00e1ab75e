/*
 * test_codes.c - the code tables: well-formed, consistent, and looked up
 * as documented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify.h"

/* every status row is "X.s.d" or "c.s.d", has a meaning, and names only
 * reasons the reason table knows */
static void
status_table_is_consistent(void **state)
{
	const struct classify_status *t;
	size_t                        n, i, j;

	t = classify_status_table(&n);
	assert_true(n > 70);
	for (i = 0; i < n; i++) {
		assert_true(t[i].code[0] == 'X' || t[i].code[0] == '2' ||
		    t[i].code[0] == '4' || t[i].code[0] == '5');
		assert_int_equal(t[i].code[1], '.');
		assert_non_null(t[i].meaning);
		if (t[i].reason != NULL)
			assert_non_null(classify_reason_lookup(t[i].reason));
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(t[i].code, t[j].code);
	}
}

/* the codes of the seed documents and the IANA registry are all known */
static void
status_lookup(void **state)
{
	/* clang-format off */
	static const struct {
		const char *code;
		const char *reason;	/* NULL: the row has none */
	} cases[] = {
		{ "5.1.1", "userunknown" }, { "4.1.1", "userunknown" },
		{ "5.1.2", "hostunknown" }, { "5.1.6", "hasmoved" },
		{ "5.1.10", "notaccept" }, { "5.2.2", "mailboxfull" },
		{ "5.2.1", "suspend" }, { "5.3.4", "mesgtoobig" },
		{ "4.4.7", "expired" }, { "5.4.4", "hostunknown" },
		{ "5.5.1", "syntaxerror" }, { "5.6.1", "contenterror" },
		{ "5.7.1", "blocked" }, { "5.7.25", "requireptr" },
		{ "5.7.26", "authfailure" }, { "5.7.13", "suspend" },
		{ "5.7.509", "authfailure" }, { "2.0.0", "delivered" },
		{ "5.0.0", NULL }, { "5.5.0", NULL },
		/* unregistered detail: the subject's X.s.0 row */
		{ "5.1.99", NULL }, { "4.4.99", "networkerror" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct classify_status *s =
		    classify_status_lookup(cases[i].code);
		assert_non_null(s);
		if (cases[i].reason == NULL)
			assert_null(s->reason);
		else
			assert_string_equal(s->reason, cases[i].reason);
	}
	assert_null(classify_status_lookup("9.9.9"));
	assert_null(classify_status_lookup(""));
	assert_null(classify_status_lookup(NULL));
}

/* every reply code the seeds list from 101 to 554 has a row */
static void
reply_lookup(void **state)
{
	static const int seeds[] = { 101, 111, 211, 214, 220, 221, 250, 251,
		252, 354, 420, 421, 422, 431, 432, 441, 442, 446, 447, 449, 450,
		451, 452, 471, 500, 501, 502, 503, 504, 510, 512, 513, 521, 523,
		530, 535, 541, 550, 551, 552, 553, 554 };
	const struct classify_reply *t;
	size_t                       n, i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		assert_non_null(classify_reply_lookup(seeds[i]));
	assert_null(classify_reply_lookup(999));
	t = classify_reply_table(&n);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].meaning);
		if (t[i].reason != NULL)
			assert_non_null(classify_reason_lookup(t[i].reason));
		if (i > 0)
			assert_true(t[i - 1].code < t[i].code);
	}
}

/* codes found in free text */
static void
find_codes(void **state)
{
	/* clang-format off */
	static const struct {
		const char *text, *reply, *status;
	} cases[] = {
		{ "550 5.1.1 <a@b.example> User unknown", "550", "5.1.1" },
		{ "Sorry, no mailbox here by that name. (#5.1.1)", "", "5.1.1" },
		{ "host said: 552-5.2.2 over quota", "552", "5.2.2" },
		{ "smtp;550 5.7.509 Access denied", "550", "5.7.509" },
		{ "421 try again later", "421", "" },
		{ "192.0.2.5 said 550 for RCPT", "550", "" },
		{ "version 10.5.1.2 at 12:550", "", "" },
		{ "id=550.4.1.1x and 1234 5.1.1.1", "", "" },
		{ "", "", "" },
	};
	/* clang-format on */
	char   reply[4], status[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		classify_find_codes(cases[i].text, reply, status);
		assert_string_equal(reply, cases[i].reply);
		assert_string_equal(status, cases[i].status);
	}
}

/* every reason has a class, a meaning and advice; hard ones are few */
static void
reason_table(void **state)
{
	static const char *hard[] = { "userunknown", "hostunknown", "hasmoved",
		"notaccept" };
	const struct classify_reason *t;
	size_t                        n, i, nhard = 0;

	t = classify_reason_table(&n);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].meaning);
		assert_non_null(t[i].action);
		if (t[i].cls == CLASS_HARD)
			nhard++;
	}
	assert_int_equal(nhard, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(classify_reason_lookup(hard[i])->cls,
		    CLASS_HARD);
	assert_null(classify_reason_lookup("nosuchreason"));
}

int
main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_table_is_consistent),
		cmocka_unit_test(status_lookup),
		cmocka_unit_test(reply_lookup),
		cmocka_unit_test(find_codes),
		cmocka_unit_test(reason_table),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
