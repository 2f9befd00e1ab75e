/*
 * dsn.c - RFC 3464 delivery status notifications (and RFC 6533's
 * message/global-delivery-status): the per-message and per-recipient
 * fields of the delivery-status part, or of DSN fields written into the
 * notice's text, and what the human-readable part adds to them.
 */
#define _GNU_SOURCE /* strcasestr */
#include <string.h>

#include <gmime/gmime.h>

#include "internal.h"

/* dsn_state - fields of a delivery-status part, gathered by dsn_field */
struct dsn_state {
	struct mime_report *r;
	struct mime_rcpt   *cur;
	int                 group;
};

/* dsn_new_rcpt - start a recipient unless the current one is still empty */
static struct mime_rcpt *
dsn_new_rcpt(struct dsn_state *st)
{
	st->cur = report_rcpt_add(st->r);
	return st->cur;
}

/* status_comment - a Status field's comment that is a reply ("(550
 * Tried all MXs ...)") becomes the recipient's diagnostic */
static void
status_comment(struct mime_rcpt *rc, const char *rest)
{
	const char *end;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (rest[0] != '(' || !g_ascii_isdigit(rest[1]) ||
	    strchr("245", rest[1]) == NULL || !g_ascii_isdigit(rest[2]) ||
	    !g_ascii_isdigit(rest[3]) || (rest[4] != ' ' && rest[4] != '-'))
		return;
	end = strrchr(rest, ')');
	if (end == NULL)
		end = rest + strlen(rest);
	report_field_set(&rc->diagnostic_type, "smtp", -1);
	report_field_set(&rc->diagnostic, rest + 1, end - rest - 1);
}

/* dsn_field - one field of a delivery-status part (mime_field_cb) */
static void
dsn_field(int group, const char *name, const char *value, void *arg)
{
	struct dsn_state   *st = arg;
	struct mime_report *r = st->r;
	struct mime_rcpt   *rc;
	char               *a;

	if (strcmp(name, "reporting-mta") == 0) {
		const char *semi = strchr(value, ';');
		if (r->reporting_mta == NULL)
			report_field_set(&r->reporting_mta,
			    semi ? semi + 1 : value, -1);
		return;
	}
	if (strcmp(name, "arrival-date") == 0) {
		if (r->arrival_date == NULL)
			report_field_set(&r->arrival_date, value, -1);
		return;
	}
	if (strcmp(name, "final-recipient") == 0 ||
	    strcmp(name, "original-recipient") == 0 ||
	    strcmp(name, "x-actual-recipient") == 0) {
		int final = name[0] == 'f';
		a = decode_address(value);
		if (a == NULL)
			return;
		rc = st->cur;
		/* A new group, or a second recipient in one group (no blank
		 * line between them, a common fault), starts a recipient. */
		if (rc == NULL || group != st->group ||
		    (final && rc->recipient != NULL) ||
		    (!final && name[0] == 'o' &&
			rc->original_recipient != NULL))
			rc = dsn_new_rcpt(st);
		st->group = group;
		if (rc == NULL) {
			g_free(a);
			return;
		}
		if (final)
			report_field_set(&rc->recipient, a, -1);
		else if (name[0] == 'o')
			report_field_set(&rc->original_recipient, a, -1);
		else if (rc->recipient == NULL)
			report_field_set(&rc->recipient, a, -1);
		g_free(a);
		return;
	}
	if (strcmp(name, "action") != 0 && strcmp(name, "status") != 0 &&
	    strcmp(name, "diagnostic-code") != 0 &&
	    strcmp(name, "remote-mta") != 0 &&
	    strcmp(name, "last-attempt-date") != 0 &&
	    strcmp(name, "x-powermta-bouncecategory") != 0)
		return;
	rc = st->cur;
	if (rc == NULL || group != st->group) {
		/* a recipient's field before its Final-Recipient (RFC 3464
		 * sets no order): the group's recipient starts here */
		if (group == 0 || (rc = dsn_new_rcpt(st)) == NULL)
			return;
		st->group = group;
	}
	if (strcmp(name, "action") == 0) {
		char *v = g_ascii_strdown(value, -1);
		char *sp = strpbrk(v, " \t(;");
		if (sp != NULL)
			*sp = '\0';
		report_field_set(&rc->action, v, -1);
		g_free(v);
	} else if (strcmp(name, "status") == 0) {
		size_t n = strspn(value, "0123456789.");
		report_field_set(&rc->status, value, (long)n);
		/* Oracle (Sun, iPlanet) Messaging Server comments its Status:
		 * "5.0.0 (Remote SMTP server has rejected address)" is the
		 * answer to RCPT */
		if (rc->command == NULL &&
		    g_strrstr(value + n, "has rejected address") != NULL)
			rc->command = g_strdup("RCPT");
		/* Haraka comments its Status with the reply and writes no
		 * Diagnostic-Code: "5.1.2 (550 Tried all MXs example.org)" */
		if (rc->diagnostic == NULL)
			status_comment(rc, value + n);
	} else if (strcmp(name, "diagnostic-code") == 0) {
		const char *semi = strchr(value, ';');
		if (semi != NULL && semi - value < 20) {
			report_field_set(&rc->diagnostic_type, value,
			    semi - value);
			report_field_set(&rc->diagnostic, semi + 1, -1);
		} else
			report_field_set(&rc->diagnostic, value, -1);
	} else if (strcmp(name, "remote-mta") == 0) {
		const char *semi = strchr(value, ';');
		report_field_set(&rc->remote_mta, semi ? semi + 1 : value, -1);
	} else if (strcmp(name, "last-attempt-date") == 0) {
		report_field_set(&rc->last_attempt, value, -1);
	} else if (strcmp(name, "x-powermta-bouncecategory") == 0) {
		char *v = g_ascii_strdown(value, -1);
		report_field_set(&rc->category, g_strstrip(v), -1);
		g_free(v);
	}
}

/* dsn_settle - name each DSN recipient by its Original-Recipient when it
 * has no Final-Recipient, and drop those that name no one */
static void
dsn_settle(struct mime_report *r)
{
	size_t i, keep = 0;

	for (i = 0; i < r->nrcpts; i++) {
		struct mime_rcpt *rc = &r->rcpts[i];
		if (rc->recipient == NULL && rc->original_recipient != NULL)
			rc->recipient = g_strdup(rc->original_recipient);
		if (rc->recipient == NULL ||
		    strchr(rc->recipient, '@') == NULL) {
			report_rcpt_clear(rc);
			continue;
		}
		if (keep != i)
			r->rcpts[keep] = *rc;
		keep++;
	}
	r->nrcpts = keep;
}

/* wrapper - is code a wrapper that names no problem: X.0.0 "other", or
 * X.4.7 "delivery time expired"? */
static int
wrapper(const char *code)
{
	return strcmp(code + 1, ".0.0") == 0 || strcmp(code + 1, ".4.7") == 0;
}

/*
 * actual_status - the specific codes for the one recipient of a DSN whose
 * Status is a wrapper and whose Diagnostic-Code holds no other code:
 *  - X.0.0 over "X-Unix; 255": the verdict line that ends Sendmail's
 *    transcript in the notice ("554 5.3.0 unknown mailer error 255");
 *  - X.4.7: RFC 3463 asks for "the code for the actual problem found when
 *    delivery was attempted" instead, and the notice's account of the
 *    attempts has it (Exchange: "Remote Server ... returned '441 4.4.1
 *    Error encountered ...'", the first code that is not the expiry).
 */
static void
actual_status(struct mime_report *r, const char *notice)
{
	static GRegex    *line_re, *any_re, *code_re;
	static gsize      once;
	struct mime_rcpt *rc = &r->rcpts[0];
	GMatchInfo       *mi = NULL;
	char             *reply = NULL, *status = NULL;
	int               expired;

	if (r->nrcpts != 1 || rc->status == NULL || !wrapper(rc->status))
		return;
	expired = strcmp(rc->status + 1, ".4.7") == 0;
	if (!expired &&
	    strcasestr(notice, "transcript of session follows") == NULL)
		return;
	if (g_once_init_enter(&once)) {
		line_re = g_regex_new("^([245][0-9][0-9]) ([245]\\.[0-9]{1,3}"
				      "\\.[0-9]{1,3}) ",
		    G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
		any_re =
		    g_regex_new("\\b([245][0-9][0-9])[ -]([245]\\.[0-9]{1,3}"
				"\\.[0-9]{1,3})\\b",
			G_REGEX_OPTIMIZE, 0, NULL);
		code_re = g_regex_new("\\b[245]\\.[0-9]{1,3}\\.[0-9]{1,3}\\b",
		    G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	/* a code in the diagnostic wins (classify/ reads it), but one that
	 * only repeats the expiry is no code of its own */
	if (rc->diagnostic != NULL) {
		g_regex_match(code_re, rc->diagnostic, 0, &mi);
		for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
			char *c = g_match_info_fetch(mi, 0);
			int   own = !expired || !wrapper(c);
			g_free(c);
			if (own) {
				g_match_info_free(mi);
				return;
			}
		}
		g_match_info_free(mi);
		mi = NULL;
	}
	g_regex_match(expired ? any_re : line_re, notice, 0, &mi);
	for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		char *st = g_match_info_fetch(mi, 2);
		if (st[0] == rc->status[0] && !wrapper(st)) {
			g_free(status);
			g_free(reply);
			status = st;
			reply = g_match_info_fetch(mi, 1);
			if (expired)
				break; /* the first: the last attempt */
		} else
			g_free(st);
	}
	g_match_info_free(mi);
	if (status != NULL) {
		report_field_set(&rc->status, status, -1);
		if (rc->reply_code == NULL && !expired)
			report_field_set(&rc->reply_code, reply, -1);
	}
	g_free(status);
	g_free(reply);
}

/* dsn_explain - give DSN recipients without a Diagnostic-Code the
 * explanation the human-readable part has for them */
static void
dsn_explain(struct mime_report *r, const char *notice)
{
	struct mime_report *scan = NULL;
	size_t              i, k;
	int has_command = -1; /* does the notice name an SMTP command? */

	for (i = 0; i < r->nrcpts; i++) {
		struct mime_rcpt *rc = &r->rcpts[i];
		const char       *c = text_command(rc->diagnostic);
		if (c != NULL && rc->command == NULL)
			rc->command = g_strdup(c);
		if (rc->diagnostic != NULL && rc->command != NULL)
			continue;
		/* scanning the notice for a command it does not name is
		 * wasted (and the scan is most of a DSN's parse) */
		if (has_command == -1)
			has_command = text_command(notice) != NULL;
		if (rc->diagnostic != NULL && !has_command)
			continue;
		if (scan == NULL) {
			scan = g_new0(struct mime_report, 1);
			scan->from = g_strdup(r->from);
			text_scan(scan, notice, NULL, NULL);
		}
		for (k = 0; k < scan->nrcpts; k++) {
			struct mime_rcpt *t = &scan->rcpts[k];
			if (g_ascii_strcasecmp(t->recipient, rc->recipient) !=
				0 &&
			    scan->nrcpts != 1)
				continue;
			if (rc->diagnostic == NULL) {
				report_field_set(&rc->diagnostic, t->diagnostic,
				    -1);
				rc->diagnostic_shared = t->diagnostic_shared;
			}
			if (rc->command == NULL)
				report_field_set(&rc->command, t->command, -1);
		}
	}
	mime_report_free(scan);
}

/* dsn_recognise - a delivery-status part that names a recipient */
int
dsn_recognise(struct mime_report *r, struct mime_found *f)
{
	struct dsn_state st = { r, NULL, -1 };

	if (f->dsn->len == 0)
		return 0;
	mime_fields_parse(f->dsn->str, f->dsn->len, dsn_field, &st);
	dsn_settle(r);
	if (r->nrcpts == 0)
		return 0;
	dsn_explain(r, f->notice);
	actual_status(r, f->notice);
	r->kind = MIME_KIND_DSN;
	r->format = "rfc3464";
	return 1;
}

/* dsn_text_recognise - DSN fields written into the text itself (no
 * delivery-status part, or a boundary that never occurs) */
int
dsn_text_recognise(struct mime_report *r, struct mime_found *f)
{
	struct dsn_state st = { r, NULL, -1 };
	const char      *v, *from;

	if (f->dsn->len != 0 ||
	    (v = strcasestr(f->notice, "Final-Recipient:")) == NULL)
		return 0;
	from = strcasestr(f->notice, "Reporting-MTA:");
	if (from == NULL || from > v)
		from = v;
	mime_fields_parse(from, strlen(from), dsn_field, &st);
	dsn_settle(r);
	if (r->nrcpts == 0)
		return 0;
	dsn_explain(r, f->notice);
	r->kind = MIME_KIND_DSN;
	r->format = "rfc3464:text";
	return 1;
}
