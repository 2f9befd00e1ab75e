/*
 * test_patterns.c - the pattern rows as tables: names and priorities
 * unique, and every row with a fixture it wins (pattern-fixtures.txt).
 *
 * usage: test_patterns FIXTURES
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "classify.h"

static const char *fixtures_path;

/* One line of the fixtures file. */
struct fixture {
	char *rule;
	char *context; /* NULL: none ("-") */
	char *text;
	int   line;
};

/* load - the fixtures of fixtures_path; fails the test when unreadable */
static GPtrArray *
load(void)
{
	GPtrArray *out = g_ptr_array_new();
	char      *all = NULL, **lines;
	GError    *err = NULL;
	int        i;

	if (!g_file_get_contents(fixtures_path, &all, NULL, &err))
		fail_msg("%s: %s", fixtures_path, err->message);
	lines = g_strsplit(all, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char          **f;
		struct fixture *fx;
		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		f = g_strsplit(lines[i], "\t", 3);
		if (g_strv_length(f) != 3)
			fail_msg("%s:%d: not RULE<TAB>CONTEXT<TAB>TEXT",
			    fixtures_path, i + 1);
		fx = g_new0(struct fixture, 1);
		fx->rule = g_strdup(f[0]);
		fx->context = strcmp(f[1], "-") != 0 ? g_strdup(f[1]) : NULL;
		fx->text = g_strdup(f[2]);
		fx->line = i + 1;
		g_ptr_array_add(out, fx);
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_free(all);
	return out;
}

/* unload - free what load() returned */
static void
unload(GPtrArray *a)
{
	guint i;

	for (i = 0; i < a->len; i++) {
		struct fixture *fx = g_ptr_array_index(a, i);
		g_free(fx->rule);
		g_free(fx->context);
		g_free(fx->text);
		g_free(fx);
	}
	g_ptr_array_free(a, TRUE);
}

/* every rule name and every priority is used once, in ascending order */
static void
names_and_priorities_unique(void **state)
{
	const struct classify_pattern *t = NULL;
	GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
	size_t      n, i;

	t = classify_pattern_table(&n);
	for (i = 0; i < n; i++) {
		if (g_hash_table_contains(names, t[i].rule))
			fail_msg("rule name %s used twice", t[i].rule);
		g_hash_table_add(names, (gpointer)t[i].rule);
		if (i > 0 && t[i].prio <= t[i - 1].prio)
			fail_msg("%s and %s: priorities %u, %u", t[i - 1].rule,
			    t[i].rule, t[i - 1].prio, t[i].prio);
		if (t[i].final > 0 && t[i].prio >= 20000)
			fail_msg("%s: a provider's row outside band 1 (%u)",
			    t[i].rule, t[i].prio);
	}
	g_hash_table_destroy(names);
}

/* each fixture is won by the row it names: the first that matches */
static void
fixtures_fire_their_row(void **state)
{
	GPtrArray *fx = load();
	guint      i, bad = 0;

	assert_true(fx->len > 0);
	for (i = 0; i < fx->len; i++) {
		const struct fixture          *f = g_ptr_array_index(fx, i);
		const struct classify_pattern *p =
		    classify_match(f->text, f->context);
		if (p == NULL || strcmp(p->rule, f->rule) != 0) {
			print_error("%s:%d: \"%s\" is won by %s, not %s\n",
			    fixtures_path, f->line, f->text,
			    p != NULL ? p->rule : "no row", f->rule);
			bad++;
		}
	}
	unload(fx);
	if (bad > 0)
		fail_msg("%u fixture(s) not won by their row", bad);
}

/* each row has at least one fixture (and no fixture names a row that
 * does not exist) */
static void
every_row_has_a_fixture(void **state)
{
	GPtrArray  *fx = load();
	GHashTable *have = g_hash_table_new(g_str_hash, g_str_equal);
	const struct classify_pattern *t;
	size_t                         n, i;
	guint                          bad = 0;

	for (i = 0; i < fx->len; i++) {
		const struct fixture *f = g_ptr_array_index(fx, i);
		g_hash_table_add(have, f->rule);
	}
	t = classify_pattern_table(&n);
	for (i = 0; i < n; i++)
		if (!g_hash_table_remove(have, t[i].rule)) {
			print_error("row %s has no fixture\n", t[i].rule);
			bad++;
		}
	if (g_hash_table_size(have) > 0) {
		GHashTableIter it;
		gpointer       k;
		g_hash_table_iter_init(&it, have);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			print_error("fixture for %s: no such row\n",
			    (const char *)k);
			bad++;
		}
	}
	g_hash_table_destroy(have);
	unload(fx);
	if (bad > 0)
		fail_msg("%u row(s) without a fixture, or unknown", bad);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_priorities_unique),
		cmocka_unit_test(fixtures_fire_their_row),
		cmocka_unit_test(every_row_has_a_fixture),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_patterns FIXTURES\n");
		return 64;
	}
	fixtures_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
