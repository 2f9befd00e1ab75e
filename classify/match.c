/*
 * match.c - find the first row of providers.c and patterns.c that matches
 * a diagnostic text.
 *
 * At first use the two tables are merged into one array in the order of
 * their priorities (classify_pattern_table() hands it out), each provider
 * row remembering its table's gate.  A row is then tried only when its
 * gate is open: the text holds one of the gate's substrings.
 *
 * Before any row is tried, one Aho-Corasick scan of the text finds which
 * of the rows' required strings (literals.c) and the gates' substrings it
 * holds: a gate is open when one of its substrings is there, and a row
 * whose strings are all absent cannot match and is skipped (of 327 rows,
 * most texts leave some 10 to try).
 *
 * The rows are matched with PCRE2 directly rather than through GRegex
 * (which wraps the same library): every row is tried against every
 * diagnostic, and GRegex allocates match state on each call, which cost
 * more than the matching itself.  Here one match-data block serves all
 * rows of a call.  Compiled once, JIT where the platform has it; the text
 * is lower-cased before matching, so rows are written in lower case and
 * compiled case-sensitively, as bytes (no UTF-8 checks on hostile input).
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <glib.h>

#include "internal.h"

/* the most provider tables a text is matched against (a bug if more) */
#define MATCH_MAX_GATES 64

static struct classify_pattern *merged; /* all rows, by priority */
static size_t                   nmerged;
static pcre2_code             **compiled; /* per merged row; NULL: substring */
static int        *gate_of; /* per merged row: block + 1, 0: none */
static const char *gates[MATCH_MAX_GATES];
/* the prefilter: every required string and gate substring once */
static struct classify_ac *ac;
static guint               nstrings;
static GArray **row_strings; /* per merged row: guint ids, NULL: none */
static GArray  *gate_strings[MATCH_MAX_GATES];

/* A row and the provider table it came from, while merging. */
struct entry {
	struct classify_pattern row;
	int                     gate; /* block + 1 when it has a gate, or 0 */
};

/* by_prio - order two entries by their rows' priority (qsort) */
static int
by_prio(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->row.prio < y->row.prio ? -1 : x->row.prio > y->row.prio;
}

/* string_id - the id of s among all (added when new) */
static guint
string_id(GPtrArray *all, GHashTable *ids, const char *s)
{
	gpointer id;

	if (g_hash_table_lookup_extended(ids, s, NULL, &id))
		return GPOINTER_TO_UINT(id);
	g_ptr_array_add(all, g_strdup(s));
	g_hash_table_insert(ids, g_ptr_array_index(all, all->len - 1),
	    GUINT_TO_POINTER(all->len - 1));
	return all->len - 1;
}

/* prefilter - the required strings of every merged row and the
 * substrings of every gate, in one automaton */
static void
prefilter(size_t nblocks)
{
	GPtrArray  *all = g_ptr_array_new_with_free_func(g_free);
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
	size_t      i, b;
	guint       k;

	row_strings = g_new0(GArray *, nmerged);
	for (i = 0; i < nmerged; i++) {
		GPtrArray *need = classify_literals(merged[i].text);
		if (need == NULL)
			continue;
		row_strings[i] = g_array_new(FALSE, FALSE, sizeof(guint));
		for (k = 0; k < need->len; k++) {
			guint id =
			    string_id(all, ids, g_ptr_array_index(need, k));
			g_array_append_val(row_strings[i], id);
		}
		g_ptr_array_unref(need);
	}
	for (b = 0; b < nblocks; b++) {
		char **alts;
		if (gates[b] == NULL)
			continue;
		alts = g_strsplit(gates[b], "|", -1);
		gate_strings[b] = g_array_new(FALSE, FALSE, sizeof(guint));
		for (k = 0; alts[k] != NULL; k++) {
			guint id;
			if (alts[k][0] == '\0')
				g_error("gate %s: an empty alternative",
				    gates[b]);
			id = string_id(all, ids, alts[k]);
			g_array_append_val(gate_strings[b], id);
		}
		g_strfreev(alts);
	}
	nstrings = all->len;
	ac = classify_ac_new(all);
	g_hash_table_destroy(ids);
	g_ptr_array_unref(all);
}

/* merge - the two tables in one array by priority, then compiled; a
 * duplicate priority or a bad row aborts (a bug) */
static gpointer
merge(gpointer unused)
{
	const struct classify_block   *blocks;
	const struct classify_pattern *generic;
	struct entry                  *all;
	PCRE2_UCHAR                    msg[256];
	PCRE2_SIZE                     off;
	size_t                         nblocks, ngeneric, b, i, k = 0;
	int                            err;

	blocks = classify_provider_blocks(&nblocks);
	generic = classify_generic_rows(&ngeneric);
	if (nblocks > MATCH_MAX_GATES)
		g_error("%zu provider tables, MATCH_MAX_GATES %d", nblocks,
		    MATCH_MAX_GATES);
	nmerged = ngeneric;
	for (b = 0; b < nblocks; b++)
		nmerged += blocks[b].nrows;
	all = g_new0(struct entry, nmerged);
	for (b = 0; b < nblocks; b++) {
		gates[b] = blocks[b].gate;
		for (i = 0; i < blocks[b].nrows; i++) {
			all[k].row = blocks[b].rows[i];
			all[k++].gate = blocks[b].gate != NULL ? (int)b + 1 : 0;
		}
	}
	for (i = 0; i < ngeneric; i++)
		all[k++].row = generic[i];
	qsort(all, nmerged, sizeof(*all), by_prio);
	merged = g_new0(struct classify_pattern, nmerged);
	compiled = g_new0(pcre2_code *, nmerged);
	gate_of = g_new0(int, nmerged);
	for (i = 0; i < nmerged; i++) {
		merged[i] = all[i].row;
		gate_of[i] = all[i].gate;
		if (i > 0 && merged[i].prio == merged[i - 1].prio)
			g_error("patterns %s and %s share priority %u",
			    merged[i - 1].rule, merged[i].rule, merged[i].prio);
		if (strncmp(merged[i].text, "re:", 3) != 0)
			continue;
		compiled[i] = pcre2_compile((PCRE2_SPTR)merged[i].text + 3,
		    PCRE2_ZERO_TERMINATED, PCRE2_DOTALL, &err, &off, NULL);
		if (compiled[i] == NULL) {
			pcre2_get_error_message(err, msg, sizeof(msg));
			g_error("pattern %s: %s at %zu", merged[i].rule,
			    (const char *)msg, (size_t)off);
		}
		/* without JIT (some platforms) the interpreter is used */
		(void)pcre2_jit_compile(compiled[i], PCRE2_JIT_COMPLETE);
	}
	g_free(all);
	prefilter(nblocks);
	return NULL;
}

/* init - merge and compile once per process */
static void
init(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, merge, NULL);
}

const struct classify_pattern *
classify_pattern_table(size_t *n)
{
	init();
	*n = nmerged;
	return merged;
}

/* any_seen - does seen[] have bit for one of the strings ids? */
static int
any_seen(const GArray *ids, const guint8 *seen, guint8 bit)
{
	guint k;

	for (k = 0; k < ids->len; k++)
		if (seen[g_array_index(ids, guint, k)] & bit)
			return 1;
	return 0;
}

/* row_matches - does row i match the lower-cased text t of len bytes?
 * seen[]: the prefilter's scan, bit: 1 for the plain text, 2 the wide */
static int
row_matches(size_t i, const char *t, size_t len, pcre2_match_data *md,
    const guint8 *seen, guint8 bit)
{
	int g = gate_of[i] - 1;

	if (g >= 0 && !any_seen(gate_strings[g], seen, bit))
		return 0;
	if (row_strings[i] != NULL && !any_seen(row_strings[i], seen, bit))
		return 0; /* it could not match */
	if (compiled[i] != NULL)
		return pcre2_match(compiled[i], (PCRE2_SPTR)t, len, 0, 0, md,
			   NULL) >= 0;
	return strstr(t, merged[i].text) != NULL;
}

const struct classify_pattern *
classify_match(const char *text, const char *context)
{
	char                          *lower, *wide = NULL;
	const struct classify_pattern *hit = NULL;
	pcre2_match_data              *md;
	guint8                         stack[4096], *seen;
	size_t                         i, nlower, nwide = 0;

	if (text == NULL || text[0] == '\0')
		return NULL;
	init();
	lower = g_ascii_strdown(text, -1);
	nlower = strlen(lower);
	if (context != NULL && context[0] != '\0') {
		char *c = g_ascii_strdown(context, -1);
		wide = g_strconcat(lower, " [reported by ", c, "]", NULL);
		nwide = strlen(wide);
		g_free(c);
	}
	md = pcre2_match_data_create(1, NULL);
	seen = nstrings <= sizeof(stack) ? stack : g_malloc(nstrings);
	if (md == NULL)
		g_error("out of memory");
	/* one scan of the wide text finds the strings of both: those ending
	 * before its suffix are in the plain one */
	memset(seen, 0, nstrings);
	classify_ac_scan(ac, wide != NULL ? wide : lower,
	    wide != NULL ? nwide : nlower, nlower, seen);
	for (i = 0; i < nmerged && hit == NULL; i++) {
		int w = merged[i].final > 0 && wide != NULL;
		if (row_matches(i, w ? wide : lower, w ? nwide : nlower, md,
			seen, w ? 2 : 1))
			hit = &merged[i];
	}
	if (seen != stack)
		g_free(seen);
	pcre2_match_data_free(md);
	g_free(wide);
	g_free(lower);
	return hit;
}

const struct classify_pattern *
classify_match_text(const char *text)
{
	return classify_match(text, NULL);
}
