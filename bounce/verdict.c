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
		in.remote_reply = rc->remote_mta != NULL &&
		    rc->diagnostic_type != NULL &&
		    g_ascii_strcasecmp(rc->diagnostic_type, "smtp") == 0 &&
		    !rc->diagnostic_shared;
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

/* aligned - are two domains the same, or one a subdomain of the other
 * (DMARC's relaxed alignment, without the public suffix list)? */
static int
aligned(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (g_ascii_strcasecmp(a, b) == 0)
		return 1;
	if (na > nb)
		return a[na - nb - 1] == '.' &&
		    g_ascii_strcasecmp(a + na - nb, b) == 0;
	if (nb > na)
		return b[nb - na - 1] == '.' &&
		    g_ascii_strcasecmp(b + nb - na, a) == 0;
	return 0;
}

/* dkim_for - did a DKIM signature pass (r->dkim_pass) for a domain
 * aligned with domain? */
static int
dkim_for(const struct mime_report *r, const char *domain)
{
	char **d;
	int    yes = 0;
	size_t i;

	if (r->dkim_pass == NULL || domain == NULL)
		return 0;
	d = g_strsplit(r->dkim_pass, " ", -1);
	for (i = 0; d[i] != NULL && !yes; i++)
		yes = d[i][0] != '\0' && aligned(d[i], domain);
	g_strfreev(d);
	return yes;
}

/* trusted_sender - is from (an address) one of senders: an address, or a
 * domain it is in (or under)? */
static int
trusted_sender(const char *senders, const char *from)
{
	const char *at = from != NULL ? strrchr(from, '@') : NULL;
	char      **s;
	int         yes = 0;
	size_t      i;

	if (senders == NULL || at == NULL)
		return 0;
	s = g_strsplit_set(senders, " ,\t", -1);
	for (i = 0; s[i] != NULL && !yes; i++) {
		if (s[i][0] == '\0')
			continue;
		yes = strchr(s[i], '@') != NULL
		    ? g_ascii_strcasecmp(s[i], from) == 0
		    : aligned(s[i], at + 1) && strlen(at + 1) >= strlen(s[i]);
	}
	g_strfreev(s);
	return yes;
}

/* feed_proof - a complaint proven by where it came from: a configured
 * feedback loop whose DKIM signature the operator's MTA checked, or
 * Apple Mail's unsubscribe signed by the subscriber's own domain */
static enum proof_kind
feed_proof(const struct verdict_row *row, const struct policy *pol)
{
	const struct mime_report *r = row->report;
	const char *at = r->from != NULL ? strrchr(r->from, '@') : NULL;

	if (r->kind != MIME_KIND_ARF || at == NULL)
		return PROOF_NONE;
	if (r->format != NULL && strcmp(r->format, "apple-unsubscribe") == 0)
		return row->subscriber != NULL &&
			g_ascii_strcasecmp(row->subscriber, r->from) == 0 &&
			dkim_for(r, at + 1)
		    ? PROOF_FEED
		    : PROOF_NONE;
	return trusted_sender(pol->complaint_senders, r->from) &&
		dkim_for(r, at + 1)
	    ? PROOF_FEED
	    : PROOF_NONE;
}

/* own_mta - did one of the list's own outbound MTAs (hosts: addresses
 * or names, space- or comma-separated) hand this bounce to the
 * operator's MTA, by the topmost Received:?  It wrote the bounce about
 * mail it was relaying for the list: no stranger can make it do so. */
static int
own_mta(const struct mime_report *r, const char *hosts)
{
	char **h;
	int    yes = 0;
	size_t i;

	if (hosts == NULL ||
	    (r->kind != MIME_KIND_DSN && r->kind != MIME_KIND_TEXT))
		return 0;
	h = g_strsplit_set(hosts, " ,\t", -1);
	for (i = 0; h[i] != NULL && !yes; i++)
		yes = h[i][0] != '\0' &&
		    ((r->relay_ip != NULL &&
			 g_ascii_strcasecmp(h[i], r->relay_ip) == 0) ||
			(r->relay_name != NULL &&
			    g_ascii_strcasecmp(h[i], r->relay_name) == 0));
	g_strfreev(h);
	return yes;
}

enum proof_kind
verdict_proof(const struct verdict_row *row, const char *list,
    const struct policy *pol, int today, const char **why)
{
	const struct mime_report *r = row->report;

	if (feed_proof(row, pol) == PROOF_FEED) {
		*why = NULL;
		return PROOF_FEED;
	}
	if (own_mta(r, pol->own_mta_hosts)) {
		*why = NULL;
		return PROOF_OWN_MTA;
	}
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
