/*
 * verdict.h - what a parsed report says of each recipient: its rows,
 * classified.
 *
 * The whole public interface of the verdict module: it feeds each
 * recipient of a mime_report, with what the report says around it (who
 * wrote it, the notice's text), to classify_rcpt(), and names the
 * subscriber and the list each row concerns.  `rebound parse` prints the
 * rows (worker/output.c), `rebound run` stores them (db/).
 */
#ifndef REBOUND_VERDICT_H
#define REBOUND_VERDICT_H

#include <stddef.h>

#include "classify.h"
#include "mime.h"
#include "policy.h"
#include "proof.h"

/* One classified row: a report and one of its recipients (or none). */
struct verdict_row {
	const struct mime_report *report;
	const struct mime_rcpt   *rcpt;       /* NULL: no recipient found */
	const char               *recipient;  /* rcpt's, else VERP's, or NULL */
	const char               *subscriber; /* whom it concerns on the list
					   (mime_rcpt.subscriber), else
					   VERP's, or NULL */
	struct classify_result    result;
	const char               *list; /* list it concerns, or NULL */
};

/* verdict_rows - the rows of report r: one per recipient, or a single
 * row without recipient.  Caller g_free()s the array; *n gets the count. */
struct verdict_row *verdict_rows(const struct mime_report *r, size_t *n);

/*
 * verdict_proof - what proves that row answers mail the list sent to its
 * subscriber on list (the row's, or the mailbox's): PROOF_VERP when the
 * report came back to a return path signed for that list and subscriber
 * with one of pol's keys, within pol's validity on day today; else
 * PROOF_NONE with *why (static)
 */
enum proof_kind verdict_proof(const struct verdict_row *row, const char *list,
    const struct policy *pol, int today, const char **why);

#endif /* REBOUND_VERDICT_H */
