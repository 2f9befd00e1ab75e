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

/* output_new_buffer - write into memory, taken out by output_take(): for
 * a pool thread rendering one message while another writes them in
 * order; no table header (output_put() writes it) */
struct output *output_new_buffer(enum output_format, int why);

/* output_take - what a buffer output holds (g_free), then empty; *rows:
 * how many table rows it holds */
char *output_take(struct output *, unsigned *rows);

/* output_put - write text taken from a buffer output, after the table
 * header when it holds rows and the header is not written yet */
void output_put(struct output *, const char *text, unsigned rows);

/* output_message - classify r and write its rows; file names the input
 * (a source_msg's name), seq is its place in an mbox (0: not in one: see
 * source_msg), mailbox and uid may be NULL */
void output_message(struct output *, const char *file, unsigned seq,
    const struct mime_report *r, const char *mailbox, const char *uid);

/* What storing a row would do (run --dry-run with the database). */
struct output_effect {
	const char *effect; /* "suppress", "count", "nothing", ... */
	const char *why;    /* or NULL */
	const char *list;   /* the canonical list it would count on, or NULL */
	const char *state;  /* the subscriber's state after, or NULL */
	unsigned    score, sends;
};

/* output_effects - output_message() with each row's effect: fx[i] for
 * row i (rows past nfx: held, nothing applied); a table shows the
 * subscriber, list, class, reason, effect and why */
void output_effects(struct output *, const char *file, unsigned seq,
    const struct mime_report *r, const char *mailbox, const char *uid,
    const struct output_effect *fx, size_t nfx);

/* output_error - write a row saying file could not be parsed, and why */
void output_error(struct output *, const char *file, unsigned seq,
    const char *cause);

/* output_free - flush and free; NULL is a no-op */
void output_free(struct output *);

#endif /* REBOUND_OUTPUT_H */
