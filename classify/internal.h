/*
 * internal.h - shared between the files of classify/; not part of the
 * module's public interface (that is classify.h).
 *
 * The files call down this list, never up:
 *   classify.c    the decision for one recipient
 *   match.c       the first row of providers.c and patterns.c that
 *                 matches, by priority
 *   providers.c, patterns.c, reasons.c, codes.c
 *                 the tables: providers' wording, generic wording, the
 *                 reasons, status and reply codes
 */
#ifndef REBOUND_CLASSIFY_INTERNAL_H
#define REBOUND_CLASSIFY_INTERNAL_H

#include <stddef.h>

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

#endif /* REBOUND_CLASSIFY_INTERNAL_H */
