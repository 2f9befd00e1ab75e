/*
 * test_incident.c - bounce/incident.h: a day a domain blocks far more than
 * the seven days before it, and more than the floor, is an incident; its
 * usual noise, a slow rise, or a day under the floor is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "incident.h"

/* a week of ordinary blocks from one domain, then a spike */
static void
spike(void **state)
{
	/* clang-format off */
	static const struct incident_count c[] = {
		{ "mx.example", 100, 4 }, { "mx.example", 101, 6 },
		{ "mx.example", 102, 5 }, { "mx.example", 103, 3 },
		{ "mx.example", 104, 5 }, { "mx.example", 105, 7 },
		{ "mx.example", 106, 5 },
		{ "mx.example", 107, 60 },  /* 60 > 3 × 5: an incident */
		{ "mx.example", 108, 15 },  /* 15 = 3 × 5: not more than that */
		/* a domain that never blocked: 25 from nothing, over the floor */
		{ "new.example", 107, 25 },
		/* under the floor of 20, however sudden */
		{ "small.example", 107, 19 },
	};
	/* clang-format on */
	GArray *a;

	(void)state;
	a = incident_find(c, G_N_ELEMENTS(c), 107, 108, 20);
	assert_int_equal(a->len, 2);
	/* the day's incidents, most blocks first */
	assert_string_equal(g_array_index(a, struct incident, 0).domain,
	    "mx.example");
	assert_int_equal(g_array_index(a, struct incident, 0).blocks, 60);
	assert_true(g_array_index(a, struct incident, 0).median == 5.0);
	assert_string_equal(g_array_index(a, struct incident, 1).domain,
	    "new.example");
	assert_true(g_array_index(a, struct incident, 1).median == 0.0);
	g_array_unref(a);
}

/* a domain that blocks a lot every day is no incident on any of them; a
 * day outside [from, to] is never reported; missing days count 0 */
static void
steady_and_window(void **state)
{
	/* clang-format off */
	static const struct incident_count c[] = {
		{ "big.example", 200, 90 }, { "big.example", 201, 100 },
		{ "big.example", 202, 95 }, { "big.example", 203, 110 },
		{ "big.example", 204, 100 }, { "big.example", 205, 105 },
		{ "big.example", 206, 99 }, { "big.example", 207, 120 },
		/* two noisy days out of seven: the median is still 0 */
		{ "gaps.example", 201, 50 }, { "gaps.example", 203, 50 },
		{ "gaps.example", 207, 40 },
		/* before the window: not reported */
		{ "old.example", 150, 500 },
	};
	/* clang-format on */
	GArray *a;

	(void)state;
	a = incident_find(c, G_N_ELEMENTS(c), 207, 207, 20);
	assert_int_equal(a->len, 1);
	assert_string_equal(g_array_index(a, struct incident, 0).domain,
	    "gaps.example");
	g_array_unref(a);
	a = incident_find(c, 0, 0, 1000, 20);
	assert_int_equal(a->len, 0);
	g_array_unref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spike),
		cmocka_unit_test(steady_and_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
