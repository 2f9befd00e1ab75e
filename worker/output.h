/*
 * output.h - write the classified rows of a report (verdict.h), one per
 * recipient.
 *
 * Rows go out as JSON Lines (written with json-glib) or as a table for a
 * person.  The JSON keys are the contract documented in README.md
 * ("Output schema").
 */
#ifndef REBOUND_OUTPUT_H
#define REBOUND_OUTPUT_H

#include <stdio.h>

#include "mime.h"
#include "verdict.h"

struct output;

enum output_format { OUTPUT_JSONL, OUTPUT_TABLE };

/* output_new - write to f (borrowed); why adds the deciding rule to tables */
struct output *output_new(FILE *f, enum output_format, int why);

/* output_message - classify r and write its rows; file names the input
 * (a source_msg's name), seq is its place in an mbox (0: not in one: see
 * source_msg), mailbox and uid may be NULL */
void output_message(struct output *, const char *file, unsigned seq,
    const struct mime_report *r, const char *mailbox, const char *uid);

/* output_error - write a row saying file could not be parsed, and why */
void output_error(struct output *, const char *file, unsigned seq,
    const char *cause);

/* output_free - flush and free; NULL is a no-op */
void output_free(struct output *);

#endif /* REBOUND_OUTPUT_H */
