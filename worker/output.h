/*
 * output.h - classify a parsed report and write one row per recipient.
 *
 * Rows go out as JSON Lines (written with json-glib) or as a table for a
 * person.  The JSON keys are the contract documented in README.md
 * ("Output schema").
 */
#ifndef REBOUND_OUTPUT_H
#define REBOUND_OUTPUT_H

#include <stdio.h>

#include "classify.h"
#include "mime.h"

struct output;

enum output_format { OUTPUT_JSONL, OUTPUT_TABLE };

/* One classified row: a report and one of its recipients (or none). */
struct output_row {
	const struct mime_report *report;
	const struct mime_rcpt	 *rcpt;		/* NULL: no recipient found */
	const char		 *recipient;	/* rcpt's, else VERP's, or NULL */
	const char		 *subscriber;	/* whom it concerns on the list
					   (mime_rcpt.subscriber), else
					   VERP's, or NULL */
	struct classify_result	  result;
	const char		 *list;		/* list it concerns, or NULL */
};

/* output_new - write to f (borrowed); why adds the deciding rule to tables */
struct output *output_new(FILE *f, enum output_format, int why);

/* output_classify - the rows of report r: one per recipient, or a single
 * row without recipient.  Caller g_free()s the array; *n gets the count. */
struct output_row *output_classify(const struct mime_report *r, size_t *n);

/* output_message - classify r and write its rows; file names the input
 * (a source_msg's name), seq is its place in an mbox (0: not in one: see
 * source_msg), mailbox and uid may be NULL */
void	output_message(struct output *, const char *file, unsigned seq,
	    const struct mime_report *r, const char *mailbox, const char *uid);

/* output_error - write a row saying file could not be parsed, and why */
void	output_error(struct output *, const char *file, unsigned seq,
	    const char *cause);

/* output_free - flush and free; NULL is a no-op */
void	output_free(struct output *);

#endif /* REBOUND_OUTPUT_H */
