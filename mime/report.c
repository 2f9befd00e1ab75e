/*
 * report.c - the report record of mime.h: recipients added and found,
 * bounded copies of field values, freeing.  The bottom of mime/: every
 * other file of the folder fills a report through these.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "internal.h"

const char *
mime_kind_name(enum mime_kind k)
{
	static const char *names[] = { "none", "dsn", "arf", "autoreply",
		"text" };

	if ((unsigned)k >= G_N_ELEMENTS(names))
		return "none";
	return names[k];
}

void
report_field_set(char **dst, const char *src, long len)
{
	size_t n;
	char  *v, *p;

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

/* report_rcpt_clear - free what a recipient holds */
void
report_rcpt_clear(struct mime_rcpt *rc)
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
		report_rcpt_clear(&r->rcpts[i]);
	g_free(r->rcpts);
	g_free(r->message_id);
	g_free(r->subject);
	g_free(r->from);
	g_free(r->reporting_mta);
	g_free(r->generator);
	g_free(r->arrival_date);
	g_free(r->date);
	g_free(r->orig_message_id);
	g_free(r->orig_to);
	g_free(r->orig_from);
	g_free(r->orig_subject);
	g_free(r->orig_list_id);
	g_free(r->orig_list_header);
	g_free(r->verp_recipient);
	g_free(r->verp_list);
	g_free(r->verp_token);
	g_free(r->orig_proof);
	g_free(r->orig_send);
	g_free(r->dkim_pass);
	g_free(r->relay_ip);
	g_free(r->relay_name);
	g_free(r->text);
	g_free(r);
}

char *
report_first_address(const char *value)
{
	InternetAddressList *l;
	InternetAddress     *ia;
	char                *out = NULL;

	if (value == NULL)
		return NULL;
	l = internet_address_list_parse(NULL, value);
	if (l == NULL)
		return NULL;
	if (internet_address_list_length(l) > 0) {
		ia = internet_address_list_get_address(l, 0);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			out = g_ascii_strdown(internet_address_mailbox_get_addr(
						  INTERNET_ADDRESS_MAILBOX(ia)),
			    -1);
	}
	g_object_unref(l);
	return out;
}

/* atext - may c stand unquoted in a local part (RFC 5322 atext, a dot,
 * or a byte of UTF-8: RFC 6531)? */
static int
atext(unsigned char c)
{
	return g_ascii_isalnum(c) || c >= 0x80 ||
	    strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

int
mime_address_valid(const char *a)
{
	const char *at, *p;
	size_t      n;

	if (a == NULL || (n = strlen(a)) == 0 || n > 254 ||
	    (at = strrchr(a, '@')) == NULL || at == a || at[1] == '\0' ||
	    at - a > 64 || strlen(at + 1) > 255)
		return 0;
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	if (a[0] == '"') {
		/* a quoted local part: printable, quotes and backslashes
		 * escaped */
		if (at - a < 2 || at[-1] != '"')
			return 0;
		for (p = a + 1; p < at - 1; p++)
			if (*p == '\\' && p + 1 < at - 1)
				p++;
			else if (*p == '"' || *p == '\\')
				return 0;
	} else
		for (p = a; p < at; p++)
			if (!atext((unsigned char)*p))
				return 0;
	p = at + 1;
	if (*p == '[')
		return at[strlen(at) - 1] == ']';
	for (; *p != '\0'; p++)
		if (!(g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80 ||
			*p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* quoted_address - the first <address> in text that is a valid one
 * (g_free), or NULL: the receiver's reply names the address it refused
 * ("550 5.1.2 <kim@example.org>... Host unknown") */
static char *
quoted_address(const char *text)
{
	const char *lt, *gt;

	for (lt = text; lt != NULL && (lt = strchr(lt, '<')) != NULL; lt++) {
		char *a;
		if ((gt = strchr(lt + 1, '>')) == NULL)
			break;
		a = g_ascii_strdown(lt + 1, (gssize)(gt - lt - 1));
		if (mime_address_valid(a))
			return a;
		g_free(a);
	}
	return NULL;
}

/* report_forget_invalid - forget every address that is not valid
 * (mime_address_valid()): a recipient's (its row stays, naming the
 * address its diagnostic quotes, or no one), an original recipient's,
 * the VERP address: no row names what rebound could not act on safely */
void
report_forget_invalid(struct mime_report *r)
{
	size_t i;

	if (r->verp_recipient != NULL &&
	    !mime_address_valid(r->verp_recipient)) {
		g_free(r->verp_recipient);
		r->verp_recipient = NULL;
	}
	for (i = 0; i < r->nrcpts; i++) {
		struct mime_rcpt *rc = &r->rcpts[i];
		if (rc->original_recipient != NULL &&
		    !mime_address_valid(rc->original_recipient)) {
			g_free(rc->original_recipient);
			rc->original_recipient = NULL;
		}
		if (rc->recipient != NULL &&
		    !mime_address_valid(rc->recipient)) {
			/* a broken Final-Recipient ("@mx.example.org"): the
			 * address the reply itself names, if any */
			g_free(rc->recipient);
			rc->recipient = rc->diagnostic != NULL
			    ? quoted_address(rc->diagnostic)
			    : NULL;
			r->invalid++;
		}
	}
}

/* plausible - s as seconds since the epoch if it is an RFC 5322 date
 * within [now - 60 days, now + 1 day]; else -1 */
static gint64
plausible(const char *s, gint64 now)
{
	GDateTime *t;
	gint64     v;

	if (s == NULL || (t = g_mime_utils_header_decode_date(s)) == NULL)
		return -1;
	v = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return v >= now - 60 * 86400 && v <= now + 86400 ? v : -1;
}

gint64
mime_failed_at(const struct mime_report *r, const struct mime_rcpt *rc,
    gint64 now)
{
	gint64 v;

	if (rc != NULL && (v = plausible(rc->last_attempt, now)) >= 0)
		return v;
	if ((v = plausible(r->date, now)) >= 0)
		return v;
	return now;
}
