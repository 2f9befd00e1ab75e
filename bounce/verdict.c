/*
 * verdict.c - a parsed report -> classified rows: the step between
 * mime_parse() and what `rebound parse` prints and `rebound run` stores.
 */
#include <string.h>

#include <glib.h>

#include "verdict.h"

/* list_of - the list a report concerns: VERP's, the configured header,
 * List-Id */
static const char *
list_of(const struct mime_report *r)
{
	if (r->verp_list != NULL)
		return r->verp_list;
	if (r->orig_list_header != NULL)
		return r->orig_list_header;
	return r->orig_list_id;
}

/* classify_one - feed one recipient (or none) of r to the classifier */
static void
classify_one(const struct mime_report *r, const struct mime_rcpt *rc,
    struct classify_result *out)
{
	struct classify_input in;
	char                 *mta;

	memset(&in, 0, sizeof(in));
	in.temporary = -1;
	in.text = r->text;
	in.complaint = r->kind == MIME_KIND_ARF;
	in.autoreply = r->kind == MIME_KIND_AUTOREPLY;
	if (rc != NULL) {
		in.status = rc->status;
		in.reply_code = rc->reply_code;
		in.diagnostic = rc->diagnostic;
		in.diagnostic_shared = rc->diagnostic_shared;
		in.diagnostic_type = rc->diagnostic_type;
		in.action = rc->action;
		in.feedback_type = rc->feedback_type;
		in.command = rc->command;
		in.category = rc->category;
		in.recipient = rc->recipient;
		in.temporary = rc->temporary;
	}
	/* who wrote the report, for the provider rows of patterns.c */
	mta = g_strjoin(" ",
	    rc != NULL && rc->remote_mta != NULL ? rc->remote_mta : "",
	    r->reporting_mta != NULL ? r->reporting_mta : "",
	    r->generator != NULL ? r->generator : "", NULL);
	in.mta = mta;
	classify_rcpt(&in, out);
	g_free(mta);
	if (rc == NULL && r->kind == MIME_KIND_NONE) {
		/* not a report at all: nothing to count */
		out->cls = CLASS_IGNORE;
		out->reason = NULL;
		out->rule = strcmp(r->format, "postmaster-copy") == 0
		    ? "postmaster-copy"
		    : "not-a-report";
		out->status[0] = '\0';
		out->status_derived = 0;
	}
}

struct verdict_row *
verdict_rows(const struct mime_report *r, size_t *n)
{
	struct verdict_row *rows;
	size_t              i, count = r->nrcpts > 0 ? r->nrcpts : 1;

	rows = g_new0(struct verdict_row, count);
	for (i = 0; i < count; i++) {
		struct verdict_row *row = &rows[i];
		row->report = r;
		row->rcpt = r->nrcpts > 0 ? &r->rcpts[i] : NULL;
		row->recipient =
		    row->rcpt != NULL && row->rcpt->recipient != NULL
		    ? row->rcpt->recipient
		    : r->verp_recipient;
		row->subscriber =
		    row->rcpt != NULL && row->rcpt->subscriber != NULL
		    ? row->rcpt->subscriber
		    : row->recipient;
		row->list = list_of(r);
		classify_one(r, row->rcpt, &row->result);
	}
	*n = count;
	return rows;
}

enum proof_kind
verdict_proof(const struct verdict_row *row, const char *list,
    const struct policy *pol, int today, const char **why)
{
	const struct mime_report *r = row->report;

	if (r->verp_recipient == NULL) {
		*why = "no VERP return path";
		return PROOF_NONE;
	}
	if (r->verp_token == NULL) {
		*why = "the return path is not signed";
		return PROOF_NONE;
	}
	if (pol->nverp_keys == 0) {
		*why = "no verp_secret_file for this list";
		return PROOF_NONE;
	}
	if (row->subscriber == NULL ||
	    g_ascii_strcasecmp(row->subscriber, r->verp_recipient) != 0) {
		*why = "the report names another address than its return path";
		return PROOF_NONE;
	}
	if (proof_token_check(pol->verp_keys, pol->nverp_keys, list,
		r->verp_recipient, r->verp_token, today, pol->verp_validity,
		why) < 0)
		return PROOF_NONE;
	*why = NULL;
	return PROOF_VERP;
}
