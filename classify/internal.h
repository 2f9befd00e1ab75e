/*
 * internal.h - shared between the files of classify/; not part of the
 * module's public interface (that is classify.h).
 *
 * The files call down this list, never up:
 *   classify.c    the decision for one recipient
 *   match.c       the first row of providers.c and patterns.c that
 *                 matches, by priority
 *   literals.c    the prefilter: a row's required strings, and one
 *                 scan for all of them
 *   providers.c, patterns.c, reasons.c, codes.c
 *                 the tables: providers' wording, generic wording, the
 *                 reasons, status and reply codes
 */
#ifndef REBOUND_CLASSIFY_INTERNAL_H
#define REBOUND_CLASSIFY_INTERNAL_H

#include <stddef.h>

#include <glib.h>

#include "classify.h"

/* One provider's rows behind one gate (providers.c). */
struct classify_block {
	const char *provider; /* "google" */
	const char *gate;     /* '|'-separated substrings the text
					   must hold before a row is tried;
					   NULL: none */
	const struct classify_pattern *rows;
	size_t                         nrows;
};

/* classify_provider_blocks - the provider tables; *n gets the count */
const struct classify_block *classify_provider_blocks(size_t *n);

/* classify_generic_rows - the rows of patterns.c; *n gets the count */
const struct classify_pattern *classify_generic_rows(size_t *n);

/* classify_category_reason - the reason a sending MTA's own category
 * ("bad-mailbox") names, or NULL */
const char *classify_category_reason(const char *category);

/* classify_domain_reason - the reason a recipient's domain alone implies
 * ("@googlegroups.com": rejected), or NULL */
const char *classify_domain_reason(const char *recipient);

/* classify_literals - strings one of which every text that row (a
 * substring, or "re:" and a regular expression) matches contains; NULL
 * when nothing is required (the row must always be tried); g_ptr_array_unref() */
GPtrArray *classify_literals(const char *row);

/* An Aho-Corasick automaton over a set of strings. */
struct classify_ac;

/* classify_ac_new - the automaton of strings (non-empty, g_free-owned by
 * the caller; string i is reported as i) */
struct classify_ac *classify_ac_new(const GPtrArray *strings);

/* classify_ac_scan - find every string in t[0..len): seen[i] |= 2 when
 * string i occurs, and |= 1 when it occurs within t[0..split) */
void classify_ac_scan(const struct classify_ac *, const char *t, size_t len,
    size_t split, guint8 *seen);

/* classify_ac_free - free an automaton; NULL: no-op */
void classify_ac_free(struct classify_ac *);

#endif /* REBOUND_CLASSIFY_INTERNAL_H */
