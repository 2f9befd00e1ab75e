/*
 * parse.c - walk a message with GMime and collect what it reports.
 *
 * GMime does the MIME parsing; this file decides which parts matter:
 * message/delivery-status (RFC 3464) and message/global-delivery-status
 * (RFC 6533) for DSN fields, message/feedback-report (RFC 5965) for
 * complaints, the returned original (message/rfc822, text/rfc822-headers),
 * and the first human-readable text part for bounces that are only text.
 * A bounce forwarded inside another message is found by analysing the
 * attached message when the outer one reports nothing.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <ctype.h>
#include <string.h>

#include <gmime/gmime.h>

#include "internal.h"

struct walk {
	struct mime_report	*r;
	const struct mime_options *opts;
	GString			*dsn;		/* delivery-status fields */
	GString			*arf;		/* feedback-report fields */
	GString			*text;		/* first text/plain */
	GString			*html;		/* first text/html, as text */
	GMimeObject		*original;	/* returned original (borrowed) */
	GString			*orig_headers;	/* text/rfc822-headers */
	GPtrArray		*attached;	/* attached messages (borrowed) */
	int			 report;	/* inside multipart/report */
	int			 depth_hit;
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

const char *
mime_kind_name(enum mime_kind k)
{
	static const char *names[] = { "none", "dsn", "arf", "autoreply", "text" };

	if ((unsigned)k >= G_N_ELEMENTS(names))
		return "none";
	return names[k];
}

void
field_set(char **dst, const char *src, long len)
{
	size_t n;
	char *v, *p;

	if (src == NULL)
		return;
	n = len < 0 ? strlen(src) : (size_t)len;
	if (n > MIME_MAX_FIELD)
		n = MIME_MAX_FIELD;
	v = g_utf8_make_valid(src, (gssize)n);
	/* g_utf8_make_valid keeps NULs; a NUL would cut the value short in C
	 * and in PostgreSQL, so it becomes a space. */
	for (p = v; p < v + n && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			*p = ' ';
	g_strstrip(v);
	if (*v == '\0') {
		g_free(v);
		return;
	}
	g_free(*dst);
	*dst = v;
}

struct mime_rcpt *
report_rcpt_add(struct mime_report *r)
{
	struct mime_rcpt *rc;

	if (r->nrcpts >= MIME_MAX_RCPTS) {
		r->truncated = 1;
		return NULL;
	}
	r->rcpts = g_renew(struct mime_rcpt, r->rcpts, r->nrcpts + 1);
	rc = &r->rcpts[r->nrcpts++];
	memset(rc, 0, sizeof(*rc));
	rc->temporary = -1;
	return rc;
}

struct mime_rcpt *
report_rcpt_find(struct mime_report *r, const char *addr)
{
	size_t i;

	for (i = 0; i < r->nrcpts; i++)
		if (r->rcpts[i].recipient != NULL &&
		    g_ascii_strcasecmp(r->rcpts[i].recipient, addr) == 0)
			return &r->rcpts[i];
	return NULL;
}

static void
rcpt_clear(struct mime_rcpt *rc)
{
	g_free(rc->recipient);
	g_free(rc->original_recipient);
	g_free(rc->action);
	g_free(rc->status);
	g_free(rc->reply_code);
	g_free(rc->diagnostic);
	g_free(rc->diagnostic_type);
	g_free(rc->remote_mta);
	g_free(rc->last_attempt);
	g_free(rc->feedback_type);
	g_free(rc->command);
	g_free(rc->category);
	g_free(rc->subscriber);
}

void
mime_report_free(struct mime_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrcpts; i++)
		rcpt_clear(&r->rcpts[i]);
	g_free(r->rcpts);
	g_free(r->message_id);
	g_free(r->subject);
	g_free(r->from);
	g_free(r->reporting_mta);
	g_free(r->generator);
	g_free(r->arrival_date);
	g_free(r->orig_message_id);
	g_free(r->orig_to);
	g_free(r->orig_from);
	g_free(r->orig_subject);
	g_free(r->orig_list_id);
	g_free(r->orig_list_header);
	g_free(r->verp_recipient);
	g_free(r->verp_list);
	g_free(r->text);
	g_free(r);
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

/* unicode_decode - undo RFC 6533 \x{HHHH} escapes (code points) in place;
 * the UTF-8 form is never longer than the escape */
static void
unicode_decode(char *s)
{
	char *w = s;

	while (*s != '\0') {
		char *end;
		gunichar c;

		if (s[0] == '\\' && (s[1] == 'x' || s[1] == 'X') && s[2] == '{' &&
		    (end = strchr(s, '}')) != NULL && end - s <= 9 &&
		    end - s >= 4) {
			c = (gunichar)strtoul(s + 3, NULL, 16);
			if (g_unichar_validate(c) && c != 0) {
				w += g_unichar_to_utf8(c, w);
				s = end + 1;
				continue;
			}
		}
		*w++ = *s++;
	}
	*w = '\0';
}

/* address_value - the address in "rfc822; <a@b>" style values; g_free() */
static char *
address_value(const char *v)
{
	const char *semi = strchr(v, ';');
	char *a, *p;
	int utf8;

	/* Only RFC 6533 "utf-8" addresses are decoded: RFC 3461 xtext
	 * (+HH) is not undone, as real reports carry plain addresses whose
	 * '+' (VERP, subaddresses) it would corrupt. */
	utf8 = semi != NULL && g_ascii_strncasecmp(v, "utf-8", 5) == 0;
	a = g_strdup(semi != NULL ? semi + 1 : v);
	g_strstrip(a);
	if (utf8)
		unicode_decode(a);
	/* a display name before the address: '"Dana" <dana@example.net>' */
	if ((p = strchr(a, '<')) != NULL && p != a && strchr(p, '@') != NULL &&
	    strchr(p, '>') != NULL)
		memmove(a, p, strlen(p) + 1);
	/* strip <> and anything after the address (comments, spaces) */
	p = a;
	while (*p == '<' || *p == '"' || *p == ' ')
		p++;
	memmove(a, p, strlen(p) + 1);
	p = strpbrk(a, "> \t()");
	if (p != NULL)
		*p = '\0';
	if (strchr(a, '@') == NULL && a[0] == '\0') {
		g_free(a);
		return NULL;
	}
	p = g_utf8_strdown(a, -1);
	g_free(a);
	return p;
}

/* dsn_state - fields of a delivery-status part, gathered by dsn_field */
struct dsn_state {
	struct mime_report *r;
	struct mime_rcpt *cur;
	int		  group;
};

/* dsn_new_rcpt - start a recipient unless the current one is still empty */
static struct mime_rcpt *
dsn_new_rcpt(struct dsn_state *st)
{
	st->cur = report_rcpt_add(st->r);
	return st->cur;
}

/* dsn_field - one field of a delivery-status part (mime_field_cb) */
static void
dsn_field(int group, const char *name, const char *value, void *arg)
{
	struct dsn_state *st = arg;
	struct mime_report *r = st->r;
	struct mime_rcpt *rc;
	char *a;

	if (strcmp(name, "reporting-mta") == 0) {
		const char *semi = strchr(value, ';');
		if (r->reporting_mta == NULL)
			field_set(&r->reporting_mta, semi ? semi + 1 : value, -1);
		return;
	}
	if (strcmp(name, "arrival-date") == 0) {
		if (r->arrival_date == NULL)
			field_set(&r->arrival_date, value, -1);
		return;
	}
	if (strcmp(name, "final-recipient") == 0 ||
	    strcmp(name, "original-recipient") == 0 ||
	    strcmp(name, "x-actual-recipient") == 0) {
		int final = name[0] == 'f';
		a = address_value(value);
		if (a == NULL)
			return;
		rc = st->cur;
		/* A new group, or a second recipient in one group (no blank
		 * line between them, a common fault), starts a recipient. */
		if (rc == NULL || group != st->group ||
		    (final && rc->recipient != NULL) ||
		    (!final && name[0] == 'o' && rc->original_recipient != NULL))
			rc = dsn_new_rcpt(st);
		st->group = group;
		if (rc == NULL) {
			g_free(a);
			return;
		}
		if (final)
			field_set(&rc->recipient, a, -1);
		else if (name[0] == 'o')
			field_set(&rc->original_recipient, a, -1);
		else if (rc->recipient == NULL)
			field_set(&rc->recipient, a, -1);
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
		field_set(&rc->action, v, -1);
		g_free(v);
	} else if (strcmp(name, "status") == 0) {
		size_t n = strspn(value, "0123456789.");
		field_set(&rc->status, value, (long)n);
		/* Oracle (Sun, iPlanet) Messaging Server comments its Status:
		 * "5.0.0 (Remote SMTP server has rejected address)" is the
		 * answer to RCPT */
		if (rc->command == NULL &&
		    g_strrstr(value + n, "has rejected address") != NULL)
			rc->command = g_strdup("RCPT");
	} else if (strcmp(name, "diagnostic-code") == 0) {
		const char *semi = strchr(value, ';');
		if (semi != NULL && semi - value < 20) {
			field_set(&rc->diagnostic_type, value, semi - value);
			field_set(&rc->diagnostic, semi + 1, -1);
		} else
			field_set(&rc->diagnostic, value, -1);
	} else if (strcmp(name, "remote-mta") == 0) {
		const char *semi = strchr(value, ';');
		field_set(&rc->remote_mta, semi ? semi + 1 : value, -1);
	} else if (strcmp(name, "last-attempt-date") == 0) {
		field_set(&rc->last_attempt, value, -1);
	} else if (strcmp(name, "x-powermta-bouncecategory") == 0) {
		char *v = g_ascii_strdown(value, -1);
		field_set(&rc->category, g_strstrip(v), -1);
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
		if (rc->recipient == NULL || strchr(rc->recipient, '@') == NULL) {
			rcpt_clear(rc);
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
	static GRegex *line_re, *any_re, *code_re;
	static gsize once;
	struct mime_rcpt *rc = &r->rcpts[0];
	GMatchInfo *mi = NULL;
	char *reply = NULL, *status = NULL;
	int expired;

	if (r->nrcpts != 1 || rc->status == NULL || !wrapper(rc->status))
		return;
	expired = strcmp(rc->status + 1, ".4.7") == 0;
	if (!expired && strcasestr(notice, "transcript of session follows") ==
	    NULL)
		return;
	if (g_once_init_enter(&once)) {
		line_re = g_regex_new("^([245][0-9][0-9]) ([245]\\.[0-9]{1,3}"
		    "\\.[0-9]{1,3}) ", G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0,
		    NULL);
		any_re = g_regex_new("\\b([245][0-9][0-9])[ -]([245]\\.[0-9]{1,3}"
		    "\\.[0-9]{1,3})\\b", G_REGEX_OPTIMIZE, 0, NULL);
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
			int own = !expired || !wrapper(c);
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
				break;	/* the first: the last attempt */
		} else
			g_free(st);
	}
	g_match_info_free(mi);
	if (status != NULL) {
		field_set(&rc->status, status, -1);
		if (rc->reply_code == NULL && !expired)
			field_set(&rc->reply_code, reply, -1);
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
	size_t i, k;
	int has_command = -1;	/* does the notice name an SMTP command? */

	for (i = 0; i < r->nrcpts; i++) {
		struct mime_rcpt *rc = &r->rcpts[i];
		const char *c = text_command(rc->diagnostic);
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
			if (g_ascii_strcasecmp(t->recipient, rc->recipient) != 0 &&
			    scan->nrcpts != 1)
				continue;
			if (rc->diagnostic == NULL) {
				field_set(&rc->diagnostic, t->diagnostic, -1);
				rc->diagnostic_shared = t->diagnostic_shared;
			}
			if (rc->command == NULL)
				field_set(&rc->command, t->command, -1);
		}
	}
	mime_report_free(scan);
}

/* arf_state - fields of a feedback-report part */
struct arf_state {
	struct mime_report *r;
	char		  *feedback_type;
	GPtrArray	  *rcpt_to;
};

static void
arf_field(int group, const char *name, const char *value, void *arg)
{
	struct arf_state *st = arg;

	if (strcmp(name, "feedback-type") == 0 && st->feedback_type == NULL)
		field_set(&st->feedback_type, value, -1);
	else if (strcmp(name, "original-rcpt-to") == 0 ||
	    strcmp(name, "removal-recipient") == 0) {
		char *a = address_value(value);
		if (a != NULL)
			g_ptr_array_add(st->rcpt_to, a);
	} else if (strcmp(name, "reporting-mta") == 0 &&
	    st->r->reporting_mta == NULL) {
		const char *semi = strchr(value, ';');
		field_set(&st->r->reporting_mta, semi ? semi + 1 : value, -1);
	} else if (strcmp(name, "arrival-date") == 0 &&
	    st->r->arrival_date == NULL)
		field_set(&st->r->arrival_date, value, -1);
}

/* jis_decode - convert text holding ISO-2022-JP escapes to UTF-8 (Japanese
 * MTAs send it without, or with a wrong, charset parameter, and put it in
 * delivery-status fields too); takes and returns a g_malloc()ed string */
static char *
jis_decode(char *t)
{
	char *u;

	if (t == NULL || strstr(t, "\033$B") == NULL)
		return t;
	u = g_convert(t, -1, "UTF-8", "ISO-2022-JP", NULL, NULL, NULL);
	if (u == NULL)
		return t;
	g_free(t);
	return u;
}

/* part_bytes - append the decoded content of a leaf part, at most max
 * bytes of it; returns 1 when the part was longer (and so was cut) */
static int
part_bytes(GMimePart *part, GString *out, size_t max)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *ba;
	int cut;

	if (w == NULL)
		return 0;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	cut = ba->len > max;
	if (ba->len > 0 && memchr(ba->data, '\033', ba->len) != NULL) {
		char *t = jis_decode(g_strndup((const char *)ba->data,
		    MIN(ba->len, max)));
		g_string_append(out, t);
		g_free(t);
	} else
		g_string_append_len(out, (const char *)ba->data,
		    (gssize)MIN(ba->len, max));
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_object_unref(mem);
	return cut;
}

/* part_text - the text of a text part in UTF-8.  A part that declares
 * US-ASCII (or nothing) yet carries 8-bit bytes is common in bounces
 * (an MTA pastes the receiver's reply in whatever it got); GMime would drop
 * those bytes, so such a part is read as UTF-8 when it is valid UTF-8 and
 * as Windows-1252 (a superset of Latin-1) otherwise. */
static char *
part_text(GMimeObject *obj)
{
	const char *cs = g_mime_object_get_content_type_parameter(obj,
	    "charset");
	GString *raw;
	char *t;

	if (cs != NULL && g_ascii_strcasecmp(cs, "us-ascii") != 0 &&
	    g_ascii_strcasecmp(cs, "ascii") != 0)
		return jis_decode(g_mime_text_part_get_text(
		    GMIME_TEXT_PART(obj)));
	raw = g_string_new(NULL);
	(void)part_bytes(GMIME_PART(obj), raw, MIME_MAX_TEXT + 1);
	if (g_utf8_validate(raw->str, (gssize)raw->len, NULL))
		return g_string_free(raw, FALSE);
	t = g_convert(raw->str, (gssize)raw->len, "UTF-8", "WINDOWS-1252",
	    NULL, NULL, NULL);
	if (t == NULL)
		t = g_utf8_make_valid(raw->str, (gssize)raw->len);
	g_string_free(raw, TRUE);
	return t;
}

/* html_to_text - crude tag strip for HTML-only notifications */
static void
html_to_text(const char *html, GString *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&nbsp;", ' ' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	const char *p = html;
	size_t i;
	int intag = 0;

	while (*p != '\0' && out->len < MIME_MAX_TEXT) {
		if (intag) {
			if (*p == '>')
				intag = 0;
			p++;
			continue;
		}
		if (*p == '<') {
			if (g_ascii_strncasecmp(p, "<br", 3) == 0 ||
			    g_ascii_strncasecmp(p, "<p", 2) == 0 ||
			    g_ascii_strncasecmp(p, "</p", 3) == 0 ||
			    g_ascii_strncasecmp(p, "<div", 4) == 0 ||
			    g_ascii_strncasecmp(p, "<tr", 3) == 0 ||
			    g_ascii_strncasecmp(p, "</td", 4) == 0)
				g_string_append_c(out, '\n');
			intag = 1;
			p++;
			continue;
		}
		if (*p == '&') {
			for (i = 0; i < G_N_ELEMENTS(ents); i++)
				if (strncmp(p, ents[i].ent, strlen(ents[i].ent)) == 0)
					break;
			if (i < G_N_ELEMENTS(ents)) {
				g_string_append_c(out, ents[i].c);
				p += strlen(ents[i].ent);
				continue;
			}
		}
		g_string_append_c(out, *p++);
	}
	g_string_append_c(out, '\n');
}

/* walk_part - visit one MIME object, collecting what matters */
static void
walk_part(struct walk *w, GMimeObject *obj, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	int i, n;

	if (depth > MIME_MAX_DEPTH) {
		w->depth_hit = 1;
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		int was = w->report;
		if (ct != NULL && g_mime_content_type_is_type(ct, "multipart",
		    "report"))
			w->report = 1;
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		if (n == 0 && w->text->len == 0) {
			/* broken MIME: no boundary found, so the body
			 * stayed in the prologue */
			const char *pro = g_mime_multipart_get_prologue(
			    GMIME_MULTIPART(obj));
			if (pro != NULL)
				g_string_append_len(w->text, pro, (gssize)MIN(
				    strlen(pro), MIME_MAX_TEXT));
		}
		for (i = 0; i < n; i++)
			walk_part(w, g_mime_multipart_get_part(GMIME_MULTIPART(obj),
			    i), depth + 1);
		w->report = was;
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
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
	    (w->report && g_mime_content_type_is_type(ct, "text",
	    "delivery-status"))) {
		/* a report for many recipients is long: its own bound */
		if (w->dsn->len >= MIME_MAX_DSN ||
		    part_bytes(GMIME_PART(obj), w->dsn, MIME_MAX_DSN -
		    w->dsn->len))
			w->r->truncated = 1;
		g_string_append_c(w->dsn, '\n');
		return;
	}
	if (g_mime_content_type_is_type(ct, "message", "feedback-report")) {
		if (part_bytes(GMIME_PART(obj), w->arf, MIME_MAX_TEXT))
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
			(void)part_bytes(GMIME_PART(obj), w->orig_headers,
			    MIME_MAX_TEXT);
		return;
	}
	/* An attachment is not the notification, whatever its type. */
	if (g_mime_object_get_disposition(obj) != NULL &&
	    g_ascii_strcasecmp(g_mime_object_get_disposition(obj),
	    "attachment") == 0 && w->text->len > 0)
		return;
	if (GMIME_IS_TEXT_PART(obj) && g_mime_content_type_is_type(ct, "text",
	    "plain") && w->text->len == 0) {
		char *t = part_text(obj);
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
	if (GMIME_IS_TEXT_PART(obj) && g_mime_content_type_is_type(ct, "text",
	    "html") && w->html->len == 0) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
		if (t != NULL)
			html_to_text(t, w->html);
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
    const char *list_header)
{
	const char *v;

	if ((v = header_first(o, "Message-ID")) != NULL &&
	    r->orig_message_id == NULL)
		field_set(&r->orig_message_id, v, -1);
	if ((v = header_first(o, "To")) != NULL && r->orig_to == NULL)
		field_set(&r->orig_to, v, -1);
	if ((v = header_first(o, "From")) != NULL && r->orig_from == NULL)
		field_set(&r->orig_from, v, -1);
	if ((v = header_first(o, "Subject")) != NULL && r->orig_subject == NULL)
		field_set(&r->orig_subject, v, -1);
	if ((v = header_first(o, "List-Id")) != NULL && r->orig_list_id == NULL)
		field_set(&r->orig_list_id, v, -1);
	if (list_header != NULL && (v = header_first(o, list_header)) != NULL &&
	    r->orig_list_header == NULL)
		field_set(&r->orig_list_header, v, -1);
}

/* original_from_text - parse text/rfc822-headers content as headers */
static void
original_from_text(struct mime_report *r, GString *hdrs,
    const char *list_header)
{
	GMimeStream *s;
	GMimeParser *p;
	GMimeObject *o;

	g_string_append(hdrs, "\n\n");
	s = g_mime_stream_mem_new_with_buffer(hdrs->str, hdrs->len);
	p = g_mime_parser_new_with_stream(s);
	o = g_mime_parser_construct_part(p, NULL);
	if (o != NULL) {
		original_from_object(r, o, list_header);
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
	const char *v;

	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL &&
	    g_ascii_strncasecmp(v, "no", 2) != 0)
		return 1;
	if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL ||
	    g_mime_object_get_header(o, "X-Autoresponder") != NULL ||
	    g_mime_object_get_header(o, "X-Vacation") != NULL)
		return 1;
	if ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    g_ascii_strncasecmp(g_strchug((char *)v), "auto_reply", 10) == 0)
		return 1;
	if ((v = g_mime_object_get_header(o, "X-Auto-Response-Suppress")) != NULL
	    && text_autoreply_subject(subject))
		return 1;
	return text_autoreply_subject(subject);
}

char *
first_address(const char *value)
{
	InternetAddressList *l;
	InternetAddress *ia;
	char *out = NULL;

	if (value == NULL)
		return NULL;
	l = internet_address_list_parse(NULL, value);
	if (l == NULL)
		return NULL;
	if (internet_address_list_length(l) > 0) {
		ia = internet_address_list_get_address(l, 0);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			out = g_ascii_strdown(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)), -1);
	}
	g_object_unref(l);
	return out;
}

/* find_verp - the VERP subscriber from the headers the bounce arrived by */
static void
find_verp(struct mime_report *r, GMimeMessage *m,
    const struct mime_options *opts)
{
	static const char *names[] = { "Delivered-To", "X-Original-To",
	    "Envelope-To", "X-Envelope-To", "To", "Return-Path" };
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int i, n = g_mime_header_list_get_count(hl);
	size_t k;

	if (opts == NULL || opts->verp_prefix == NULL)
		return;
	for (k = 0; k < G_N_ELEMENTS(names) && r->verp_recipient == NULL; k++) {
		for (i = 0; i < n && r->verp_recipient == NULL; i++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
			char *a;
			if (g_ascii_strcasecmp(g_mime_header_get_name(h),
			    names[k]) != 0)
				continue;
			a = first_address(g_mime_header_get_value(h));
			if (a == NULL)
				a = g_strdup(g_mime_header_get_value(h));
			r->verp_recipient = mime_verp_decode(g_strstrip(a),
			    opts->verp_prefix, opts->verp_delim, &r->verp_list);
			g_free(a);
		}
	}
}

/* written_by - who the headers of m say wrote it, for text_is_bounce():
 * 1 a mailer (Auto-Submitted, X-Failed-Recipients, an empty or
 * MAILER-DAEMON Return-Path), -1 a bulk sender (List-Unsubscribe: a
 * newsletter from "noreply" that says "if this message is undeliverable"
 * is no bounce), 0 they do not say */
static int
written_by(GMimeMessage *m)
{
	GMimeObject *o = GMIME_OBJECT(m);
	const char *as = g_mime_object_get_header(o, "Auto-Submitted");
	const char *rp = g_mime_object_get_header(o, "Return-Path");

	if (g_mime_object_get_header(o, "List-Unsubscribe") != NULL)
		return -1;
	return (as != NULL && g_ascii_strncasecmp(as + strspn(as, " \t"), "no",
	    2) != 0) ||
	    g_mime_object_get_header(o, "X-Failed-Recipients") != NULL ||
	    (rp != NULL && (strncmp(rp + strspn(rp, " \t"), "<>", 2) == 0 ||
	    strcasestr(rp, "mailer-daemon") != NULL ||
	    strcasestr(rp, "postmaster") != NULL));
}

/*
 * Gateways and servers that sign their reports with a header of their own.
 * Naming the writer lets classify/ read wording that only that software
 * uses in a known way (patterns.c, "[reported by ...]" rows): adding one is
 * a row here and a row there.
 */
static const struct {
	const char *header;
	const char *contains;	/* lower-case substring of its value */
	const char *name;
} generators[] = {
	{ "X-NAI-Header", "mcafee", "mcafee" },		/* McAfee gateways */
	{ "X-Msg-Ref", "messagelabs.com", "messagelabs" }, /* Symantec.cloud */
	{ "X-Mailer", "<smtp32 v", "imail" },		/* Ipswitch IMail */
};

/* find_generator - the writer of m, by the table above, or NULL */
static const char *
find_generator(GMimeMessage *m)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(generators); i++) {
		const char *v = g_mime_object_get_header(GMIME_OBJECT(m),
		    generators[i].header);
		char *lower;
		int hit;
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

/* analyse - fill r from message m; depth counts nested messages */
static void
analyse(struct mime_report *r, GMimeMessage *m,
    const struct mime_options *opts, int depth)
{
	struct walk w;
	const char *v;
	const char *list_header = opts != NULL ? opts->list_header : NULL;
	const char *notice;
	char *valid = NULL;
	int bounce;
	guint i;

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
		field_set(&r->message_id, g_mime_message_get_message_id(m), -1);
	if (r->subject == NULL)
		field_set(&r->subject, g_mime_message_get_subject(m), -1);
	if (r->from == NULL && (v = g_mime_object_get_header(GMIME_OBJECT(m),
	    "From")) != NULL) {
		char *a = first_address(v);
		field_set(&r->from, a != NULL ? a : v, -1);
		g_free(a);
	}
	find_verp(r, m, opts);
	if (r->generator == NULL)
		field_set(&r->generator, find_generator(m), -1);

	if (g_mime_message_get_mime_part(m) != NULL)
		walk_part(&w, g_mime_message_get_mime_part(m), 0);
	if (w.depth_hit)
		r->truncated = 1;

	if (w.original != NULL)
		original_from_object(r, w.original, list_header);
	if (w.orig_headers->len > 0)
		original_from_text(r, w.orig_headers, list_header);

	/* Every regex below (GRegex skips PCRE's UTF-8 check) needs valid
	 * UTF-8; a text part without a charset can be anything. */
	notice = valid = g_utf8_make_valid(w.text->len > 0 ? w.text->str :
	    w.html->str, -1);
	if (r->text == NULL && notice[0] != '\0')
		r->text = g_strndup(notice, MIN(strlen(notice), MIME_MAX_TEXT));

	if (w.arf->len > 0) {
		struct arf_state st = { r, NULL, g_ptr_array_new_with_free_func(
		    g_free) };
		mime_fields_parse(w.arf->str, w.arf->len, arf_field, &st);
		if (st.rcpt_to->len == 0 && r->orig_to != NULL) {
			char *a = first_address(r->orig_to);
			if (a != NULL)
				g_ptr_array_add(st.rcpt_to, a);
		}
		if (st.rcpt_to->len == 0 && r->verp_recipient != NULL)
			g_ptr_array_add(st.rcpt_to, g_strdup(r->verp_recipient));
		if (st.rcpt_to->len == 0)
			g_ptr_array_add(st.rcpt_to, NULL);
		for (i = 0; i < st.rcpt_to->len; i++) {
			struct mime_rcpt *rc = report_rcpt_add(r);
			if (rc == NULL)
				break;
			field_set(&rc->recipient, g_ptr_array_index(st.rcpt_to,
			    i), -1);
			field_set(&rc->feedback_type, st.feedback_type != NULL ?
			    st.feedback_type : "abuse", -1);
			for (char *c = rc->feedback_type; c != NULL && *c != '\0';
			    c++)
				*c = g_ascii_tolower(*c);
		}
		g_free(st.feedback_type);
		g_ptr_array_free(st.rcpt_to, TRUE);
		r->kind = MIME_KIND_ARF;
		r->format = "rfc5965";
		goto out;
	}

	if (w.dsn->len > 0) {
		struct dsn_state st = { r, NULL, -1 };
		mime_fields_parse(w.dsn->str, w.dsn->len, dsn_field, &st);
		dsn_settle(r);
		if (r->nrcpts > 0) {
			dsn_explain(r, notice);
			actual_status(r, notice);
			r->kind = MIME_KIND_DSN;
			r->format = "rfc3464";
			goto out;
		}
	}

	/* A bounce forwarded as an attachment: analyse the attached one. */
	if (depth < 3) {
		for (i = 0; i < w.attached->len && r->nrcpts == 0; i++) {
			GMimeMessage *inner = g_ptr_array_index(w.attached, i);
			struct mime_report *sub = g_new0(struct mime_report, 1);
			const char *s = g_mime_message_get_subject(inner);
			const char *f = g_mime_object_get_header(
			    GMIME_OBJECT(inner), "From");
			sub->subject = g_strdup(s);
			sub->from = f != NULL ? first_address(f) : NULL;
			analyse(sub, inner, opts, depth + 1);
			if (sub->nrcpts > 0 && (sub->kind == MIME_KIND_DSN ||
			    sub->kind == MIME_KIND_ARF ||
			    sub->kind == MIME_KIND_TEXT)) {
				/* take the inner report's findings */
				r->kind = sub->kind;
				r->format = sub->format;
				g_free(r->rcpts);	/* empty: all were dropped */
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
		if (r->nrcpts > 0)
			goto out;
	}

	/* Microsoft's JMRP complaints: the reported message attached, no
	 * feedback-report part; the subject says what it is. */
	if (w.attached->len > 0 && r->subject != NULL &&
	    g_ascii_strncasecmp(r->subject, "complaint about message from",
	    28) == 0) {
		GMimeObject *o = g_ptr_array_index(w.attached, 0);
		char *a = first_address(g_mime_object_get_header(o,
		    "X-HmXmrOriginalRecipient"));
		struct mime_rcpt *rc;
		if (a == NULL)
			a = first_address(g_mime_object_get_header(o, "To"));
		if (a != NULL && (rc = report_rcpt_add(r)) != NULL) {
			field_set(&rc->recipient, a, -1);
			field_set(&rc->feedback_type, "abuse", -1);
			r->kind = MIME_KIND_ARF;
			r->format = "jmrp";
		}
		g_free(a);
		if (r->nrcpts > 0)
			goto out;
	}

	/* Amazon SES notifications come as JSON. */
	if (notice[0] == '{' || (notice[0] != '\0' && notice[strspn(notice,
	    " \t\n")] == '{')) {
		if (json_scan(r, notice) > 0)
			goto out;
	}

	/* DSN fields written into the text itself (no delivery-status part,
	 * or a boundary that never occurs). */
	if (w.dsn->len == 0 && (v = strcasestr(notice, "Final-Recipient:"))
	    != NULL) {
		struct dsn_state st = { r, NULL, -1 };
		const char *from = strcasestr(notice, "Reporting-MTA:");
		if (from == NULL || from > v)
			from = v;
		mime_fields_parse(from, strlen(from), dsn_field, &st);
		dsn_settle(r);
		if (r->nrcpts > 0) {
			dsn_explain(r, notice);
			r->kind = MIME_KIND_DSN;
			r->format = "rfc3464:text";
			goto out;
		}
	}

	bounce = text_is_bounce(r, notice, written_by(m));
	if (bounce && notice[0] != '\0') {
		v = g_mime_object_get_header(GMIME_OBJECT(m),
		    "X-Failed-Recipients");
		if (text_scan(r, notice, v, list_header) > 0) {
			r->kind = MIME_KIND_TEXT;
			goto out;
		}
	}

	/* Apple Mail's "Unsubscribe" button mails the list's
	 * List-Unsubscribe address from the subscriber: an opt-out, which
	 * counts as a complaint would (the subscriber asked to stop). */
	if ((v = g_mime_object_get_header(GMIME_OBJECT(m),
	    "X-Apple-Unsubscribe")) != NULL &&
	    g_ascii_strncasecmp(v + strspn(v, " \t"), "true", 4) == 0 &&
	    r->from != NULL && !bounce) {
		struct mime_rcpt *rc = report_rcpt_add(r);
		if (rc != NULL) {
			field_set(&rc->recipient, r->from, -1);
			field_set(&rc->feedback_type, "opt-out", -1);
		}
		r->kind = MIME_KIND_ARF;
		r->format = "apple-unsubscribe";
		goto out;
	}
	if (is_autoreply(m, r->subject) && !bounce) {
		struct mime_rcpt *rc = report_rcpt_add(r);
		if (rc != NULL)
			field_set(&rc->recipient, r->from, -1);
		r->kind = MIME_KIND_AUTOREPLY;
		r->format = "rfc3834";
		goto out;
	}
out:
	g_free(valid);
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
		const char *who = rc->recipient;

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
	GByteArray *ba;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *m;
	struct mime_report *r;

	*cause = NULL;
	if (len == 0) {
		*cause = g_strdup("empty message");
		return NULL;
	}
	if (len > MIME_MAX_MESSAGE) {
		*cause = g_strdup_printf("message too large (%zu bytes, limit %u)",
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
	stream = g_mime_stream_mem_new_with_byte_array(ba);	/* owns ba */
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
	    g_ascii_strncasecmp(r->subject, "Postmaster Warning:", 19) == 0)) {
		/* Postfix's copy to the postmaster of a bounce it also sent
		 * to the sender (notify_classes = bounce, delay): counting it
		 * would count that failure twice */
		size_t i;
		for (i = 0; i < r->nrcpts; i++)
			rcpt_clear(&r->rcpts[i]);
		r->nrcpts = 0;
		r->kind = MIME_KIND_NONE;
		r->format = "postmaster-copy";
	} else if (r->kind == MIME_KIND_NONE)
		r->format = "none";
	name_subscribers(r, opts);
	strip_brackets(r->orig_message_id);
	strip_brackets(r->orig_list_id);
	g_object_unref(m);
	g_object_unref(parser);
	g_object_unref(stream);
	return r;
}
