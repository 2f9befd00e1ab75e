/*
 * test_patterns.c - the pattern rows as tables: names and priorities
 * unique, and every row with a fixture it wins (pattern-fixtures.txt);
 * the prefilter (literals.c) never skips a row that matches.
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
#include "internal.h" /* the prefilter, tested against the rows */

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

/* holds - does t hold one of the strings of need? */
static int
holds(const char *t, const GPtrArray *need)
{
	guint k;

	for (k = 0; k < need->len; k++)
		if (strstr(t, g_ptr_array_index(need, k)) != NULL)
			return 1;
	return 0;
}

/* every row that matches a fixture's text (any fixture's, not only its
 * own) finds one of its required strings there: the prefilter cannot
 * skip a row that would have matched */
static void
prefilter_never_skips_a_match(void **state)
{
	GPtrArray                     *fx = load();
	const struct classify_pattern *t;
	size_t                         n, i;
	guint                          j, bad = 0, rows = 0, matched = 0;

	t = classify_pattern_table(&n);
	for (i = 0; i < n; i++) {
		GPtrArray *need = classify_literals(t[i].text);
		GRegex    *re = NULL;
		if (need == NULL)
			continue;
		rows++;
		if (strncmp(t[i].text, "re:", 3) == 0)
			re = g_regex_new(t[i].text + 3,
			    G_REGEX_RAW | G_REGEX_DOTALL, 0, NULL);
		for (j = 0; j < fx->len; j++) {
			const struct fixture *f = g_ptr_array_index(fx, j);
			char       *lower = g_ascii_strdown(f->text, -1);
			char       *wide = f->context == NULL
				  ? g_strdup(lower)
				  : g_strconcat(lower, " [reported by ", f->context,
					"]", NULL);
			const char *text = t[i].final > 0 ? wide : lower;
			int hit = re != NULL ? g_regex_match(re, text, 0, NULL)
					     : strstr(text, t[i].text) != NULL;
			if (hit && !holds(text, need)) {
				print_error("%s matches \"%s\" but the "
					    "prefilter would skip it\n",
				    t[i].rule, text);
				bad++;
			}
			matched += hit;
			g_free(lower);
			g_free(wide);
		}
		if (re != NULL)
			g_regex_unref(re);
		g_ptr_array_unref(need);
	}
	unload(fx);
	/* nearly every row has strings to look for */
	if (rows < n * 9 / 10)
		fail_msg("only %u of %zu rows have a prefilter", rows, n);
	assert_true(matched >= fx->len / 2);
	if (bad > 0)
		fail_msg("%u matches the prefilter would miss", bad);
}

/* expect - classify_literals(re) is exactly the strings of want, in any
 * order ("|"-separated; NULL: no requirement) */
static void
expect(const char *re, const char *want)
{
	GPtrArray *got = classify_literals(re);
	char     **w;
	guint      k;

	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s: a requirement where none was expected",
			    re);
		return;
	}
	if (got == NULL)
		fail_msg("%s: no requirement, expected %s", re, want);
	w = g_strsplit(want, "|", -1);
	if (g_strv_length(w) != got->len)
		fail_msg("%s: %u strings, expected %s", re, got->len, want);
	for (k = 0; k < got->len; k++)
		if (!g_strv_contains((const char *const *)w,
			g_ptr_array_index(got, k)))
			fail_msg("%s: unexpected \"%s\" (expected %s)", re,
			    (const char *)g_ptr_array_index(got, k), want);
	g_strfreev(w);
	g_ptr_array_unref(got);
}

/* the reader of regular expressions, part by part */
static void
literals_of_expressions(void **state)
{
	/* strings are cut to their first 10 bytes (LIT_KEEP) */
	expect("user unknown", "user unkno");
	expect("re:\\bno such (user|mailbox)\\b", "no such us|no such ma");
	expect("re:(a|b)c?d", "ad|acd|bd|bcd");
	/* the more selective side of a concatenation */
	expect("re:\\d+ mailbox \\S+ full", " mailbox ");
	expect("re:[245]\\.\\d\\.\\d quota", " quota");
	expect("re:x(?!y)z", "xz");
	/* an optional or repeated part requires nothing */
	expect("re:(user unknown)?", NULL);
	expect("re:(abc)*", NULL);
	expect("re:abc|.*", NULL);
	/* syntax the reader does not know: always tried */
	expect("re:(?<name>abc)", NULL);
	expect("re:(a)\\1", NULL);
	expect("re:[[:alpha:]]x", NULL);
}

/* the automaton finds every string, overlapping ones too, and tells the
 * plain text's hits from those in the suffix */
static void
automaton_finds_all(void **state)
{
	GPtrArray          *s = g_ptr_array_new_with_free_func(g_free);
	struct classify_ac *ac;
	guint8              seen[5] = { 0 };
	const char         *t = "ushers say she is here";

	g_ptr_array_add(s, g_strdup("he"));
	g_ptr_array_add(s, g_strdup("she"));
	g_ptr_array_add(s, g_strdup("his"));
	g_ptr_array_add(s, g_strdup("hers"));
	g_ptr_array_add(s, g_strdup("here"));
	ac = classify_ac_new(s);
	classify_ac_scan(ac, t, strlen(t), 6, seen); /* "ushers" plain */
	assert_int_equal(seen[0], 3);                /* he: in "ushers" */
	assert_int_equal(seen[1], 3);                /* she */
	assert_int_equal(seen[2], 0);                /* his: nowhere */
	assert_int_equal(seen[3], 3);                /* hers */
	assert_int_equal(seen[4], 2); /* here: only past the split */
	classify_ac_free(ac);
	g_ptr_array_unref(s);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_priorities_unique),
		cmocka_unit_test(fixtures_fire_their_row),
		cmocka_unit_test(every_row_has_a_fixture),
		cmocka_unit_test(prefilter_never_skips_a_match),
		cmocka_unit_test(literals_of_expressions),
		cmocka_unit_test(automaton_finds_all),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_patterns FIXTURES\n");
		return 64;
	}
	fixtures_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
