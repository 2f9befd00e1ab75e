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
	g_free(r->orig_message_id);
	g_free(r->orig_to);
	g_free(r->orig_from);
	g_free(r->orig_subject);
	g_free(r->orig_list_id);
	g_free(r->orig_list_header);
	g_free(r->verp_recipient);
	g_free(r->verp_list);
	g_free(r->verp_token);
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
