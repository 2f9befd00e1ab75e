/*
 * parse.c - mime_parse(): walk a message with GMime, then ask an ordered
 * table of recognisers what kind of report it is.
 *
 * GMime does the MIME parsing; the walk here decides which parts matter:
 * message/delivery-status (RFC 3464) and message/global-delivery-status
 * (RFC 6533) for DSN fields, message/feedback-report (RFC 5965) for
 * complaints, the returned original (message/rfc822, text/rfc822-headers),
 * and the first human-readable text part for bounces that are only text.
 * The recognisers (dsn.c, arf.c, json.c, text.c, and the two here) read
 * what the walk found (struct mime_found); a bounce forwarded inside
 * another message is found by analysing the attached message when the
 * outer one reports nothing.
 */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <string.h>

#include <gmime/gmime.h>

#include "internal.h"

struct walk {
	struct mime_report        *r;
	const struct mime_options *opts;
	GString                   *dsn;      /* delivery-status fields */
	GString                   *arf;      /* feedback-report fields */
	GString                   *text;     /* first text/plain */
	GString                   *html;     /* first text/html, as text */
	GMimeObject               *original; /* returned original (borrowed) */
	GString                   *orig_headers; /* text/rfc822-headers */
	GPtrArray                 *attached; /* attached messages (borrowed) */
	int                        report;   /* inside multipart/report */
	int                        depth_hit;
};

static void analyse(struct mime_report *, GMimeMessage *,
    const struct mime_options *, int depth);

void
mime_init(void)
{
	static gsize done = 0;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

/* strip_brackets - "Name <id>" or "<id>" becomes "id", in place */
static void
strip_brackets(char *s)
{
	char *lt, *gt;

	if (s == NULL || (lt = strrchr(s, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL || gt == lt + 1)
		return;
	memmove(s, lt + 1, (size_t)(gt - lt - 1));
	s[gt - lt - 1] = '\0';
}

/* walk_part - visit one MIME object, collecting what matters */
static void
walk_part(struct walk *w, GMimeObject *obj, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	int               i, n;

	if (depth > MIME_MAX_DEPTH) {
		w->depth_hit = 1;
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		int was = w->report;
		if (ct != NULL &&
		    g_mime_content_type_is_type(ct, "multipart", "report"))
			w->report = 1;
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		if (n == 0 && w->text->len == 0) {
			/* broken MIME: no boundary found, so the body
			 * stayed in the prologue */
			const char *pro =
			    g_mime_multipart_get_prologue(GMIME_MULTIPART(obj));
			if (pro != NULL)
				g_string_append_len(w->text, pro,
				    (gssize)MIN(strlen(pro), MIME_MAX_TEXT));
		}
		for (i = 0; i < n; i++)
			walk_part(w,
			    g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			    depth + 1);
		w->report = was;
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (m == NULL)
			return;
		if (w->original == NULL)
			w->original = GMIME_OBJECT(m);
		g_ptr_array_add(w->attached, m);
		return;
	}
	if (!GMIME_IS_PART(obj) || ct == NULL)
		return;
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message",
		"global-delivery-status") ||
	    (w->report &&
		g_mime_content_type_is_type(ct, "text", "delivery-status"))) {
		/* a report for many recipients is long: its own bound */
		if (w->dsn->len >= MIME_MAX_DSN ||
		    decode_part_bytes(GMIME_PART(obj), w->dsn,
			MIME_MAX_DSN - w->dsn->len))
			w->r->truncated = 1;
		g_string_append_c(w->dsn, '\n');
		return;
	}
	if (g_mime_content_type_is_type(ct, "message", "feedback-report")) {
		if (decode_part_bytes(GMIME_PART(obj), w->arf, MIME_MAX_TEXT))
			w->r->truncated = 1;
		return;
	}
	if (g_mime_content_type_is_type(ct, "text", "rfc822-headers") ||
	    g_mime_content_type_is_type(ct, "message", "rfc822-headers") ||
	    g_mime_content_type_is_type(ct, "text", "global-headers") ||
	    g_mime_content_type_is_type(ct, "message", "global-headers")) {
		/* only a few of the original's fields are read: a cut
		 * here loses nothing that counts */
		if (w->orig_headers->len == 0)
			(void)decode_part_bytes(GMIME_PART(obj),
			    w->orig_headers, MIME_MAX_TEXT);
		return;
	}
	/* An attachment is not the notification, whatever its type. */
	if (g_mime_object_get_disposition(obj) != NULL &&
	    g_ascii_strcasecmp(g_mime_object_get_disposition(obj),
		"attachment") == 0 &&
	    w->text->len > 0)
		return;
	if (GMIME_IS_TEXT_PART(obj) &&
	    g_mime_content_type_is_type(ct, "text", "plain") &&
	    w->text->len == 0) {
		char *t = decode_part_text(obj);
		if (t != NULL) {
			size_t tlen = strlen(t);
			if (tlen > MIME_MAX_TEXT)
				w->r->truncated = 1;
			g_string_append_len(w->text, t,
			    (gssize)MIN(tlen, MIME_MAX_TEXT));
		}
		g_free(t);
		return;
	}
	if (GMIME_IS_TEXT_PART(obj) &&
	    g_mime_content_type_is_type(ct, "text", "html") &&
	    w->html->len == 0) {
		char *t = decode_utf8(obj);
		if (t != NULL)
			decode_html(t, w->html);
		g_free(t);
	}
}

/* header_first - the first header of obj named name, or NULL */
static const char *
header_first(GMimeObject *obj, const char *name)
{
	return g_mime_object_get_header(obj, name);
}

/* original_from_object - fill the orig_* fields still empty from o */
static void
original_from_object(struct mime_report *r, GMimeObject *o,
    const struct mime_options *opts)
{
	const char *list_header = opts != NULL ? opts->list_header : NULL;
	const char *proof_header = opts != NULL ? opts->proof_header : NULL;
	const char *send_header = opts != NULL ? opts->send_header : NULL;
	const char *v;

	if ((v = header_first(o, "Message-ID")) != NULL &&
	    r->orig_message_id == NULL)
		report_field_set(&r->orig_message_id, v, -1);
	if ((v = header_first(o, "To")) != NULL && r->orig_to == NULL)
		report_field_set(&r->orig_to, v, -1);
	if ((v = header_first(o, "From")) != NULL && r->orig_from == NULL)
		report_field_set(&r->orig_from, v, -1);
	if ((v = header_first(o, "Subject")) != NULL && r->orig_subject == NULL)
		report_field_set(&r->orig_subject, v, -1);
	if ((v = header_first(o, "List-Id")) != NULL && r->orig_list_id == NULL)
		report_field_set(&r->orig_list_id, v, -1);
	if (list_header != NULL && (v = header_first(o, list_header)) != NULL &&
	    r->orig_list_header == NULL)
		report_field_set(&r->orig_list_header, v, -1);
	if (proof_header != NULL &&
	    (v = header_first(o, proof_header)) != NULL &&
	    r->orig_proof == NULL)
		report_field_set(&r->orig_proof, v, -1);
	if (send_header != NULL && (v = header_first(o, send_header)) != NULL &&
	    r->orig_send == NULL)
		report_field_set(&r->orig_send, v, -1);
}

/* original_from_text - parse text/rfc822-headers content as headers */
static void
original_from_text(struct mime_report *r, GString *hdrs,
    const struct mime_options *opts)
{
	GMimeStream *s;
	GMimeParser *p;
	GMimeObject *o;

	g_string_append(hdrs, "\n\n");
	s = g_mime_stream_mem_new_with_buffer(hdrs->str, hdrs->len);
	p = g_mime_parser_new_with_stream(s);
	o = g_mime_parser_construct_part(p, NULL);
	if (o != NULL) {
		original_from_object(r, o, opts);
		g_object_unref(o);
	}
	g_object_unref(p);
	g_object_unref(s);
}

/* is_autoreply - RFC 3834 and the common non-standard markers */
static int
is_autoreply(GMimeMessage *m, const char *subject)
{
	GMimeObject *o = GMIME_OBJECT(m);
	const char  *v;

	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL &&
	    g_ascii_strncasecmp(v, "no", 2) != 0)
		return 1;
	if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL ||
	    g_mime_object_get_header(o, "X-Autoresponder") != NULL ||
	    g_mime_object_get_header(o, "X-Vacation") != NULL)
		return 1;
	if ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    g_ascii_strncasecmp(v + strspn(v, " \t\n\v\f\r"), "auto_reply",
		10) == 0)
		return 1;
	if ((v = g_mime_object_get_header(o, "X-Auto-Response-Suppress")) !=
		NULL &&
	    text_autoreply_subject(subject))
		return 1;
	return text_autoreply_subject(subject);
}

/*
 * find_verp - the VERP subscriber from the header the bounce arrived by:
 * the topmost Delivered-To, X-Original-To, Envelope-To or X-Envelope-To
 * (the one the operator's own MTA added last), or the topmost of the
 * header opts names.  Never To: or a copy further down: anyone who sends
 * to the bounce address writes those.
 */
static void
find_verp(struct mime_report *r, GMimeMessage *m,
    const struct mime_options *opts)
{
	/* clang-format off */
	static const char *names[] = { "Delivered-To", "X-Original-To",
	    "Envelope-To", "X-Envelope-To" };
	/* clang-format on */
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int              i, n = g_mime_header_list_get_count(hl);
	size_t           k;

	if (opts == NULL || opts->verp_prefix == NULL)
		return;
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char  *name = g_mime_header_get_name(h);
		char        *a;
		int          hit = 0;

		if (opts->verp_header != NULL)
			hit = g_ascii_strcasecmp(name, opts->verp_header) == 0;
		else
			for (k = 0; k < G_N_ELEMENTS(names) && !hit; k++)
				hit = g_ascii_strcasecmp(name, names[k]) == 0;
		if (!hit)
			continue;
		a = report_first_address(g_mime_header_get_value(h));
		if (a == NULL)
			a = g_strdup(g_mime_header_get_value(h));
		r->verp_recipient =
		    mime_verp_decode(g_strstrip(a), opts->verp_prefix,
			opts->verp_delim, &r->verp_list, &r->verp_token);
		g_free(a);
		return; /* the topmost only */
	}
}

/*
 * find_relay - who handed m to the operator's MTA, by the topmost
 * Received: (the one that MTA added last): the address in brackets and
 * the name it looked up for it, as Postfix and Sendmail write them
 * ("from helo (name [192.0.2.5])") and as Exim does ("from name
 * ([192.0.2.5] helo=...)", "from [192.0.2.5]").  The HELO name is the
 * sender's word and is never taken.
 */
static void
find_relay(struct mime_report *r, GMimeMessage *m)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(m), "Received");
	const char *from, *lb, *rb, *lp, *q;
	char       *lower, *ip;

	if (v == NULL)
		return;
	lower = g_ascii_strdown(v, -1);
	from = strstr(lower, "from ");
	lb = from != NULL ? strchr(from, '[') : NULL;
	rb = lb != NULL ? strchr(lb, ']') : NULL;
	if (rb == NULL || rb - lb > 64) {
		g_free(lower);
		return;
	}
	ip = g_strndup(lb + 1, (gsize)(rb - lb - 1));
	if (g_str_has_prefix(ip, "ipv6:"))
		memmove(ip, ip + 5, strlen(ip + 5) + 1);
	report_field_set(&r->relay_ip, ip, -1);
	g_free(ip);
	from += 5;
	lp = lb;
	while (lp > from && lp[-1] == ' ')
		lp--;
	if (lp > from && lp[-1] != '(') {
		/* Postfix, Sendmail: "(name [ip])" */
		for (q = lp; q > from && q[-1] != '(' && q[-1] != ' '; q--)
			;
		if (q > from && q[-1] == '(')
			report_field_set(&r->relay_name, q, (long)(lp - q));
	} else if (lp > from && from[0] != '[' && from[0] != '(') {
		/* Exim: "from name ([ip] helo=...)" */
		q = strchr(from, ' ');
		if (q != NULL && q < lp)
			report_field_set(&r->relay_name, from,
			    (long)(q - from));
	}
	g_free(lower);
}

/*
 * find_dkim - the domains a DKIM signature of m passed for, by the
 * Authentication-Results (RFC 8601) of the operator's own MTA
 * (opts->authserv_id): only those above the first Received: header, which
 * that MTA added last; a sender can write any header below it.
 */
static void
find_dkim(struct mime_report *r, GMimeMessage *m,
    const struct mime_options *opts)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int              i, n = g_mime_header_list_get_count(hl);
	GString         *out = g_string_new(NULL);

	for (i = 0; opts != NULL && opts->authserv_id != NULL && i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char  *name = g_mime_header_get_name(h);
		char       **parts, *id;
		int          k;

		if (g_ascii_strcasecmp(name, "Received") == 0)
			break;
		if (g_ascii_strcasecmp(name, "Authentication-Results") != 0)
			continue;
		parts = g_strsplit(g_mime_header_get_value(h), ";", -1);
		/* "authserv-id [version]" */
		id = g_strstrip(g_strdup(parts[0]));
		id[strcspn(id, " \t")] = '\0';
		for (k = 1; parts[0] != NULL && parts[k] != NULL &&
		     g_ascii_strcasecmp(id, opts->authserv_id) == 0;
		     k++) {
			char *lower = g_ascii_strdown(parts[k], -1);
			char *p = lower + strspn(lower, " \t\r\n");
			char *d;
			if (strncmp(p, "dkim=pass", 9) == 0 &&
			    ((d = strstr(p, "header.d=")) != NULL ||
				(d = strstr(p, "header.i=")) != NULL)) {
				d += 9;
				if (*d == '@')
					d++;
				d[strcspn(d, " \t\r\n();")] = '\0';
				if (*d != '\0')
					g_string_append_printf(out, "%s%s",
					    out->len > 0 ? " " : "", d);
			}
			g_free(lower);
		}
		g_free(id);
		g_strfreev(parts);
	}
	if (out->len > 0)
		report_field_set(&r->dkim_pass, out->str, -1);
	g_string_free(out, TRUE);
}

/* written_by - who the headers of m say wrote it, for text_is_bounce():
 * 1 a mailer (Auto-Submitted, X-Failed-Recipients, an empty or
 * MAILER-DAEMON Return-Path), -1 a bulk sender and no mailer
 * (List-Unsubscribe, List-Id, Precedence: bulk or list: a newsletter
 * from "noreply" that says "if this message is undeliverable" is no
 * bounce), 0 they do not say.  A mailer's headers outweigh list
 * headers: an MTA copies them from the message it returns, and a list
 * manager adds them when it forwards a bounce to the list's owner. */
static int
written_by(GMimeMessage *m)
{
	GMimeObject *o = GMIME_OBJECT(m);
	const char  *as = g_mime_object_get_header(o, "Auto-Submitted");
	const char  *rp = g_mime_object_get_header(o, "Return-Path");
	const char  *pr = g_mime_object_get_header(o, "Precedence");

	if ((as != NULL &&
		g_ascii_strncasecmp(as + strspn(as, " \t"), "no", 2) != 0) ||
	    g_mime_object_get_header(o, "X-Failed-Recipients") != NULL ||
	    (rp != NULL &&
		(strncmp(rp + strspn(rp, " \t"), "<>", 2) == 0 ||
		    strcasestr(rp, "mailer-daemon") != NULL ||
		    strcasestr(rp, "postmaster") != NULL)))
		return 1;
	if (g_mime_object_get_header(o, "List-Unsubscribe") != NULL ||
	    g_mime_object_get_header(o, "List-Id") != NULL ||
	    (pr != NULL &&
		(strcasestr(pr, "bulk") != NULL ||
		    strcasestr(pr, "list") != NULL)))
		return -1;
	return 0;
}

/*
 * Gateways and servers that sign their reports with a header of their own.
 * Naming the writer lets classify/ read wording that only that software
 * uses in a known way (patterns.c, "[reported by ...]" rows): adding one is
 * a row here and a row there.
 */
/* clang-format off */
static const struct {
	const char *header;
	const char *contains;	/* lower-case substring of its value */
	const char *name;
} generators[] = {
	{ "X-NAI-Header", "mcafee", "mcafee" },		/* McAfee gateways */
	{ "X-Msg-Ref", "messagelabs.com", "messagelabs" }, /* Symantec.cloud */
	{ "X-Mailer", "<smtp32 v", "imail" },		/* Ipswitch IMail */
};
/* clang-format on */

/* find_generator - the writer of m, by the table above, or NULL */
static const char *
find_generator(GMimeMessage *m)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(generators); i++) {
		const char *v = g_mime_object_get_header(GMIME_OBJECT(m),
		    generators[i].header);
		char       *lower;
		int         hit;
		if (v == NULL)
			continue;
		lower = g_ascii_strdown(v, -1);
		hit = strstr(lower, generators[i].contains) != NULL;
		g_free(lower);
		if (hit)
			return generators[i].name;
	}
	return NULL;
}

/* forwarded - a bounce forwarded as an attachment: the first attached
 * message (at most three deep) that is a report gives its findings */
static int
forwarded(struct mime_report *r, struct mime_found *f)
{
	guint i;

	if (f->depth >= 3)
		return 0;
	for (i = 0; i < f->attached->len && r->nrcpts == 0; i++) {
		GMimeMessage       *inner = g_ptr_array_index(f->attached, i);
		struct mime_report *sub = g_new0(struct mime_report, 1);
		const char         *s = g_mime_message_get_subject(inner);
		const char         *from =
		    g_mime_object_get_header(GMIME_OBJECT(inner), "From");
		sub->subject = g_strdup(s);
		sub->from = from != NULL ? report_first_address(from) : NULL;
		analyse(sub, inner, f->opts, f->depth + 1);
		if (sub->nrcpts > 0 &&
		    (sub->kind == MIME_KIND_DSN || sub->kind == MIME_KIND_ARF ||
			sub->kind == MIME_KIND_TEXT)) {
			/* take the inner report's findings */
			r->kind = sub->kind;
			r->format = sub->format;
			g_free(r->rcpts); /* empty: all were dropped */
			r->rcpts = sub->rcpts;
			r->nrcpts = sub->nrcpts;
			sub->rcpts = NULL;
			sub->nrcpts = 0;
			if (r->reporting_mta == NULL) {
				r->reporting_mta = sub->reporting_mta;
				sub->reporting_mta = NULL;
			}
			if (r->generator == NULL) {
				r->generator = sub->generator;
				sub->generator = NULL;
			}
			if (sub->orig_message_id != NULL) {
				g_free(r->orig_message_id);
				r->orig_message_id = sub->orig_message_id;
				sub->orig_message_id = NULL;
			}
		}
		mime_report_free(sub);
	}
	return r->nrcpts > 0;
}

/* autoreply - an RFC 3834 auto-reply (or the usual non-standard marks)
 * that is no bounce: one row for its sender */
static int
autoreply(struct mime_report *r, struct mime_found *f)
{
	struct mime_rcpt *rc;

	if (!is_autoreply(f->msg, r->subject) || text_found_bounce(r, f))
		return 0;
	rc = report_rcpt_add(r);
	if (rc != NULL)
		report_field_set(&rc->recipient, r->from, -1);
	r->kind = MIME_KIND_AUTOREPLY;
	r->format = "rfc3834";
	return 1;
}

/*
 * The recognisers, asked in this order until one knows the message.  The
 * order is the priority: a feedback-report part beats a delivery-status
 * part, a structured part beats what an attached message reports, and
 * only then is the text read, first as JSON or DSN fields, then as words.
 */
/* clang-format off */
static const struct {
	const char		*name;
	mime_recognise_fn	 fn;
} recognisers[] = {
	{ "arf", arf_recognise },		/* RFC 5965 part (arf.c) */
	{ "dsn", dsn_recognise },		/* RFC 3464 part (dsn.c) */
	{ "forwarded", forwarded },		/* a report attached */
	{ "jmrp", arf_jmrp_recognise },		/* Microsoft's complaints */
	{ "ses", json_recognise },		/* Amazon SES JSON (json.c) */
	{ "dsn-in-text", dsn_text_recognise },	/* DSN fields as text */
	{ "text", text_recognise },		/* an MTA's words (text.c) */
	{ "apple", arf_apple_recognise },	/* Apple Mail's unsubscribe */
	{ "autoreply", autoreply },		/* RFC 3834 */
};
/* clang-format on */

/* analyse - fill r from message m; depth counts nested messages */
static void
analyse(struct mime_report *r, GMimeMessage *m, const struct mime_options *opts,
    int depth)
{
	struct walk       w;
	struct mime_found f;
	const char       *v;
	const char       *list_header = opts != NULL ? opts->list_header : NULL;
	char             *notice;
	size_t            i;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.opts = opts;
	w.dsn = g_string_new(NULL);
	w.arf = g_string_new(NULL);
	w.text = g_string_new(NULL);
	w.html = g_string_new(NULL);
	w.orig_headers = g_string_new(NULL);
	w.attached = g_ptr_array_new();

	if (r->message_id == NULL)
		report_field_set(&r->message_id,
		    g_mime_message_get_message_id(m), -1);
	if (r->subject == NULL)
		report_field_set(&r->subject, g_mime_message_get_subject(m),
		    -1);
	if (r->date == NULL)
		report_field_set(&r->date,
		    g_mime_object_get_header(GMIME_OBJECT(m), "Date"), -1);
	if (r->from == NULL &&
	    (v = g_mime_object_get_header(GMIME_OBJECT(m), "From")) != NULL) {
		char *a = report_first_address(v);
		report_field_set(&r->from, a != NULL ? a : v, -1);
		g_free(a);
	}
	find_verp(r, m, opts);
	if (depth == 0) {
		find_dkim(r, m, opts);
		find_relay(r, m);
	}
	if (r->generator == NULL)
		report_field_set(&r->generator, find_generator(m), -1);

	if (g_mime_message_get_mime_part(m) != NULL)
		walk_part(&w, g_mime_message_get_mime_part(m), 0);
	if (w.depth_hit)
		r->truncated = 1;

	if (w.original != NULL)
		original_from_object(r, w.original, opts);
	if (w.orig_headers->len > 0)
		original_from_text(r, w.orig_headers, opts);

	/* Every regex below (GRegex skips PCRE's UTF-8 check) needs valid
	 * UTF-8; a text part without a charset can be anything. */
	notice =
	    g_utf8_make_valid(w.text->len > 0 ? w.text->str : w.html->str, -1);
	if (r->text == NULL && notice[0] != '\0')
		r->text = g_strndup(notice, MIN(strlen(notice), MIME_MAX_TEXT));

	memset(&f, 0, sizeof(f));
	f.msg = m;
	f.opts = opts;
	f.list_header = list_header;
	f.depth = depth;
	f.notice = notice;
	f.dsn = w.dsn;
	f.arf = w.arf;
	f.attached = w.attached;
	f.machine = written_by(m);
	f.failed =
	    g_mime_object_get_header(GMIME_OBJECT(m), "X-Failed-Recipients");
	f.bounce = -1;
	for (i = 0; i < G_N_ELEMENTS(recognisers); i++)
		if (recognisers[i].fn(r, &f))
			break;

	g_free(notice);
	g_string_free(w.dsn, TRUE);
	g_string_free(w.arf, TRUE);
	g_string_free(w.text, TRUE);
	g_string_free(w.html, TRUE);
	g_string_free(w.orig_headers, TRUE);
	g_ptr_array_free(w.attached, TRUE);
}

/* normalise - copy buf with every line ending (LF, CRLF, CR, CR...CRLF) as
 * LF and no NUL bytes */
static GByteArray *
normalise(const char *buf, size_t len)
{
	GByteArray *ba = g_byte_array_sized_new((guint)len + 1);
	const char *p = buf, *end = buf + len, *q, *cr, *nul;

	/* the next CR and the next NUL, each found with memchr (most
	 * messages have neither, or only CRLF) */
	cr = memchr(buf, '\r', len);
	nul = memchr(buf, '\0', len);
	while (p < end) {
		if (cr != NULL && cr < p)
			cr = memchr(p, '\r', (size_t)(end - p));
		if (nul != NULL && nul < p)
			nul = memchr(p, '\0', (size_t)(end - p));
		q = cr != NULL && (nul == NULL || cr < nul) ? cr : nul;
		if (q == NULL)
			q = end;
		g_byte_array_append(ba, (const guint8 *)p, (guint)(q - p));
		if (q >= end)
			break;
		if (*q == '\0') {
			g_byte_array_append(ba, (const guint8 *)" ", 1);
			p = q + 1;
			continue;
		}
		/* CR: CRLF becomes LF, a bare CR becomes LF, and so does a
		 * run of CRs before an LF ("\r\r\n": a CRLF file converted
		 * to CRLF once more), or every line would be followed by a
		 * blank one and the header would end at its first line */
		p = q + 1;
		while (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n') {
			g_byte_array_append(ba, (const guint8 *)"\n", 1);
			p++;
		} else {
			/* bare CRs: one line ending each */
			for (; q < p; q++)
				g_byte_array_append(ba, (const guint8 *)"\n",
				    1);
		}
	}
	return ba;
}

/* starts_with_header - does buf open with a header field ("Name:") or an
 * mbox "From " line?  (mime_parse() has skipped blank lines before it) */
static int
starts_with_header(const char *buf, size_t len)
{
	size_t n;

	if (len >= 5 && memcmp(buf, "From ", 5) == 0)
		return 1;
	for (n = 0; n < len && n < 200; n++) {
		unsigned char c = (unsigned char)buf[n];
		if (c == ':')
			return n > 0;
		/* RFC 5322 allows any printable name; real ones never
		 * leave letters, digits, '-' and '_' */
		if (!(g_ascii_isalnum(c) || c == '-' || c == '_'))
			return 0;
	}
	return 0;
}

/*
 * name_subscribers - whom each failure concerns on the list.  A forward is
 * the usual reason the failed address is not the subscribed one: the
 * subscriber's mailbox forwards to a dead one.  So, in order:
 *   1. the address a VERP return path encodes, when the report names one
 *      recipient: the list wrote it there itself;
 *   2. the DSN's Original-Recipient (RFC 3464 2.3.1: the address the
 *      sender gave, from ORCPT), unless opts->final_only: a list whose own
 *      MTA expands an alias for the members would see that alias here;
 *   3. the Final-Recipient (or the text's address).
 */
static void
name_subscribers(struct mime_report *r, const struct mime_options *opts)
{
	size_t i;

	for (i = 0; i < r->nrcpts; i++) {
		struct mime_rcpt *rc = &r->rcpts[i];
		const char       *who = rc->recipient;

		if (r->verp_recipient != NULL && r->nrcpts == 1)
			who = r->verp_recipient;
		else if (rc->original_recipient != NULL &&
		    strchr(rc->original_recipient, '@') != NULL &&
		    (opts == NULL || !opts->final_only))
			who = rc->original_recipient;
		rc->subscriber = g_strdup(who);
	}
}

struct mime_report *
mime_parse(const char *buf, size_t len, const struct mime_options *opts,
    char **cause)
{
	GByteArray         *ba;
	GMimeStream        *stream;
	GMimeParser        *parser;
	GMimeMessage       *m;
	struct mime_report *r;

	*cause = NULL;
	if (len == 0) {
		*cause = g_strdup("empty message");
		return NULL;
	}
	if (len > MIME_MAX_MESSAGE) {
		*cause =
		    g_strdup_printf("message too large (%zu bytes, limit %u)",
			len, MIME_MAX_MESSAGE);
		return NULL;
	}
	/* what editors and transfers put before the header: a UTF-8 byte
	 * order mark, blank lines (GMime would take the first for the end
	 * of an empty header) */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	while (len > 0 && (*buf == '\n' || *buf == '\r')) {
		buf++;
		len--;
	}
	if (!starts_with_header(buf, len)) {
		*cause = g_strdup("not a mail message (no header block)");
		return NULL;
	}
	mime_init();
	ba = normalise(buf, len);
	stream = g_mime_stream_mem_new_with_byte_array(ba); /* owns ba */
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(parser, NULL);
	if (m == NULL) {
		*cause = g_strdup("not a mail message (no header block)");
		g_object_unref(parser);
		g_object_unref(stream);
		return NULL;
	}
	r = g_new0(struct mime_report, 1);
	analyse(r, m, opts, 0);
	if (r->kind != MIME_KIND_NONE && r->subject != NULL &&
	    (g_ascii_strncasecmp(r->subject, "Postmaster Copy:", 16) == 0 ||
		g_ascii_strncasecmp(r->subject, "Postmaster Warning:", 19) ==
		    0)) {
		/* Postfix's copy to the postmaster of a bounce it also sent
		 * to the sender (notify_classes = bounce, delay): counting it
		 * would count that failure twice */
		size_t i;
		for (i = 0; i < r->nrcpts; i++)
			report_rcpt_clear(&r->rcpts[i]);
		r->nrcpts = 0;
		r->kind = MIME_KIND_NONE;
		r->format = "postmaster-copy";
	} else if (r->kind == MIME_KIND_NONE)
		r->format = "none";
	report_forget_invalid(r);
	name_subscribers(r, opts);
	strip_brackets(r->orig_message_id);
	strip_brackets(r->orig_list_id);
	g_object_unref(m);
	g_object_unref(parser);
	g_object_unref(stream);
	return r;
}
