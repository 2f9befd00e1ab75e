/*
 * arf.c - complaints and opt-outs: RFC 5965 feedback reports, Microsoft's
 * JMRP (the reported message attached, no feedback-report part), and
 * Apple Mail's unsubscribe button.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "internal.h"

/* arf_state - fields of a feedback-report part */
struct arf_state {
	struct mime_report *r;
	char               *feedback_type;
	GPtrArray          *rcpt_to;
};

/* arf_field - one field of a feedback-report part (mime_field_cb) */
static void
arf_field(int group, const char *name, const char *value, void *arg)
{
	struct arf_state *st = arg;

	if (strcmp(name, "feedback-type") == 0 && st->feedback_type == NULL)
		report_field_set(&st->feedback_type, value, -1);
	else if (strcmp(name, "original-rcpt-to") == 0 ||
	    strcmp(name, "removal-recipient") == 0) {
		char *a = decode_address(value);
		if (a != NULL)
			g_ptr_array_add(st->rcpt_to, a);
	} else if (strcmp(name, "reporting-mta") == 0 &&
	    st->r->reporting_mta == NULL) {
		const char *semi = strchr(value, ';');
		report_field_set(&st->r->reporting_mta, semi ? semi + 1 : value,
		    -1);
	} else if (strcmp(name, "arrival-date") == 0 &&
	    st->r->arrival_date == NULL)
		report_field_set(&st->r->arrival_date, value, -1);
}

/* arf_recognise - a message/feedback-report part: one recipient per
 * Original-Rcpt-To (else the original's To:, else VERP's, else none) */
int
arf_recognise(struct mime_report *r, struct mime_found *f)
{
	struct arf_state st;
	guint            i;

	if (f->arf->len == 0)
		return 0;
	st.r = r;
	st.feedback_type = NULL;
	st.rcpt_to = g_ptr_array_new_with_free_func(g_free);
	mime_fields_parse(f->arf->str, f->arf->len, arf_field, &st);
	if (st.rcpt_to->len == 0 && r->orig_to != NULL) {
		char *a = report_first_address(r->orig_to);
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
		report_field_set(&rc->recipient,
		    g_ptr_array_index(st.rcpt_to, i), -1);
		report_field_set(&rc->feedback_type,
		    st.feedback_type != NULL ? st.feedback_type : "abuse", -1);
		for (char *c = rc->feedback_type; c != NULL && *c != '\0'; c++)
			*c = g_ascii_tolower(*c);
	}
	g_free(st.feedback_type);
	g_ptr_array_free(st.rcpt_to, TRUE);
	r->kind = MIME_KIND_ARF;
	r->format = "rfc5965";
	return 1;
}

/* arf_jmrp_recognise - Microsoft's JMRP complaints: the reported message
 * attached, no feedback-report part; the subject says what it is */
int
arf_jmrp_recognise(struct mime_report *r, struct mime_found *f)
{
	GMimeObject      *o;
	struct mime_rcpt *rc;
	char             *a;

	if (f->attached->len == 0 || r->subject == NULL ||
	    g_ascii_strncasecmp(r->subject, "complaint about message from",
		28) != 0)
		return 0;
	o = g_ptr_array_index(f->attached, 0);
	a = report_first_address(
	    g_mime_object_get_header(o, "X-HmXmrOriginalRecipient"));
	if (a == NULL)
		a = report_first_address(g_mime_object_get_header(o, "To"));
	if (a != NULL && (rc = report_rcpt_add(r)) != NULL) {
		report_field_set(&rc->recipient, a, -1);
		report_field_set(&rc->feedback_type, "abuse", -1);
		r->kind = MIME_KIND_ARF;
		r->format = "jmrp";
	}
	g_free(a);
	return r->nrcpts > 0;
}

/* arf_apple_recognise - Apple Mail's "Unsubscribe" button mails the
 * list's List-Unsubscribe address from the subscriber: an opt-out, which
 * counts as a complaint would (the subscriber asked to stop) */
int
arf_apple_recognise(struct mime_report *r, struct mime_found *f)
{
	const char       *v = g_mime_object_get_header(GMIME_OBJECT(f->msg),
		  "X-Apple-Unsubscribe");
	struct mime_rcpt *rc;

	if (v == NULL ||
	    g_ascii_strncasecmp(v + strspn(v, " \t"), "true", 4) != 0 ||
	    r->from == NULL || text_found_bounce(r, f))
		return 0;
	rc = report_rcpt_add(r);
	if (rc != NULL) {
		report_field_set(&rc->recipient, r->from, -1);
		report_field_set(&rc->feedback_type, "opt-out", -1);
	}
	r->kind = MIME_KIND_ARF;
	r->format = "apple-unsubscribe";
	return 1;
}
