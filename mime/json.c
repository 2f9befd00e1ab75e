/*
 * json.c - bounce notifications that arrive as JSON: Amazon SES event
 * notifications (Bounce, Complaint, Delivery), bare or inside an Amazon SNS
 * envelope whose "Message" is the notification as a string.
 *
 * Parsed with json-glib; every value is optional and type-checked, so a
 * hostile or truncated document yields nothing rather than a crash.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "internal.h"

/* member - the member `name` of o, or NULL when o or the member is absent */
static JsonNode *
member(JsonObject *o, const char *name)
{
	if (o == NULL || !json_object_has_member(o, name))
		return NULL;
	return json_object_get_member(o, name);
}

/* member_str - a string member of o, or NULL */
static const char *
member_str(JsonObject *o, const char *name)
{
	JsonNode *n = member(o, name);

	return n != NULL && JSON_NODE_TYPE(n) == JSON_NODE_VALUE &&
		json_node_get_value_type(n) == G_TYPE_STRING
	    ? json_node_get_string(n)
	    : NULL;
}

/* member_obj - an object member of o, or NULL */
static JsonObject *
member_obj(JsonObject *o, const char *name)
{
	JsonNode *n = member(o, name);

	return n != NULL && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n)
						      : NULL;
}

/* member_arr - an array member of o, or NULL */
static JsonArray *
member_arr(JsonObject *o, const char *name)
{
	JsonNode *n = member(o, name);

	return n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n)
						     : NULL;
}

/* lower_addr - the address, lower-cased and without <>; g_free() */
static char *
lower_addr(const char *a)
{
	char *s, *lt, *gt;

	if (a == NULL)
		return NULL;
	s = decode_lower(a, -1);
	if ((lt = strchr(s, '<')) != NULL && (gt = strchr(lt, '>')) != NULL) {
		memmove(s, lt + 1, (size_t)(gt - lt - 1));
		s[gt - lt - 1] = '\0';
	}
	return g_strstrip(s);
}

/* add - a recipient with the given fields */
static void
add(struct mime_report *r, const char *addr, const char *action,
    const char *status, const char *diag, int temporary)
{
	struct mime_rcpt *rc;
	char             *a = lower_addr(addr);

	if (a == NULL || strchr(a, '@') == NULL ||
	    (rc = report_rcpt_add(r)) == NULL) {
		g_free(a);
		return;
	}
	report_field_set(&rc->recipient, a, -1);
	report_field_set(&rc->action, action, -1);
	if (status != NULL)
		report_field_set(&rc->status, status,
		    (long)strspn(status, "0123456789."));
	report_field_set(&rc->diagnostic, diag, -1);
	if (diag != NULL && g_ascii_strncasecmp(diag, "smtp;", 5) == 0)
		report_field_set(&rc->diagnostic, diag + 5, -1);
	rc->temporary = temporary;
	g_free(a);
}

/* ses - read one SES notification object into r */
static void
ses(struct mime_report *r, JsonObject *n)
{
	const char *type = member_str(n, "notificationType");
	JsonObject *mail = member_obj(n, "mail"), *o;
	JsonArray  *a;
	guint       i;

	if (type == NULL)
		type = member_str(n, "eventType");
	if (type == NULL)
		return;
	o = member_obj(mail, "commonHeaders");
	if (o != NULL && r->orig_message_id == NULL)
		report_field_set(&r->orig_message_id,
		    member_str(o, "messageId"), -1);

	if (g_ascii_strcasecmp(type, "Bounce") == 0) {
		JsonObject *b = member_obj(n, "bounce");
		const char *bt = member_str(b, "bounceType");
		int         temporary =
		    bt != NULL && g_ascii_strcasecmp(bt, "Transient") == 0;
		report_field_set(&r->reporting_mta,
		    member_str(b, "reportingMTA"), -1);
		a = member_arr(b, "bouncedRecipients");
		for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
			JsonNode   *e = json_array_get_element(a, i);
			JsonObject *x = JSON_NODE_HOLDS_OBJECT(e)
			    ? json_node_get_object(e)
			    : NULL;
			add(r, member_str(x, "emailAddress"),
			    member_str(x, "action"), member_str(x, "status"),
			    member_str(x, "diagnosticCode"), temporary);
		}
		r->kind = MIME_KIND_DSN;
		r->format = "json:ses";
	} else if (g_ascii_strcasecmp(type, "Complaint") == 0) {
		JsonObject *c = member_obj(n, "complaint");
		const char *ft = member_str(c, "complaintFeedbackType");
		a = member_arr(c, "complainedRecipients");
		for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
			JsonNode   *e = json_array_get_element(a, i);
			JsonObject *x = JSON_NODE_HOLDS_OBJECT(e)
			    ? json_node_get_object(e)
			    : NULL;
			size_t      before = r->nrcpts;
			add(r, member_str(x, "emailAddress"), NULL, NULL, NULL,
			    -1);
			if (r->nrcpts > before)
				report_field_set(&r->rcpts[before]
						      .feedback_type,
				    ft != NULL ? ft : "abuse", -1);
		}
		r->kind = MIME_KIND_ARF;
		r->format = "json:ses";
	} else if (g_ascii_strcasecmp(type, "Delivery") == 0) {
		JsonObject *d = member_obj(n, "delivery");
		const char *resp = member_str(d, "smtpResponse");
		a = member_arr(d, "recipients");
		for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
			JsonNode *e = json_array_get_element(a, i);
			if (JSON_NODE_TYPE(e) == JSON_NODE_VALUE &&
			    json_node_get_value_type(e) == G_TYPE_STRING)
				add(r, json_node_get_string(e), "delivered",
				    NULL, resp, 0);
		}
		r->kind = MIME_KIND_DSN;
		r->format = "json:ses";
	}
}

/* unwrap - the JSON document at text: up to its last '}' before a "--"
 * signature line, with the "!" + newline + space that mail transports
 * insert into over-long lines removed; g_free() */
static char *
unwrap(const char *text)
{
	const char *sig = strstr(text, "\n--\n");
	size_t      len = sig != NULL ? (size_t)(sig - text) : strlen(text);
	GString    *out = g_string_sized_new(len);
	size_t      i;

	while (len > 0 && text[len - 1] != '}')
		len--;
	for (i = 0; i < len; i++) {
		if (text[i] == '!' && i + 2 < len && text[i + 1] == '\n' &&
		    text[i + 2] == ' ') {
			i += 2;
			continue;
		}
		g_string_append_c(out, text[i]);
	}
	return g_string_free(out, FALSE);
}

/* json_scan - read an Amazon SES notification (bare or in an SNS
 * envelope) from text; returns the recipients added and sets r->kind */
static size_t
json_scan(struct mime_report *r, const char *text)
{
	JsonParser *p;
	JsonObject *root;
	const char *inner;
	char       *doc;
	size_t      before = r->nrcpts;

	while (*text == ' ' || *text == '\n' || *text == '\t')
		text++;
	if (*text != '{')
		return 0;
	doc = unwrap(text);
	p = json_parser_new();
	if (!json_parser_load_from_data(p, doc, -1, NULL) ||
	    json_parser_get_root(p) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
		g_object_unref(p);
		g_free(doc);
		return 0;
	}
	g_free(doc);
	root = json_node_get_object(json_parser_get_root(p));
	inner = member_str(root, "Message");
	if (inner != NULL && member_str(root, "Type") != NULL) {
		/* the SNS envelope: the notification is a string inside */
		JsonParser *q = json_parser_new();
		if (json_parser_load_from_data(q, inner, -1, NULL) &&
		    json_parser_get_root(q) != NULL &&
		    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(q)))
			ses(r, json_node_get_object(json_parser_get_root(q)));
		g_object_unref(q);
	} else
		ses(r, root);
	g_object_unref(p);
	return r->nrcpts - before;
}

/* json_recognise - an Amazon SES notification as the notice's text */
int
json_recognise(struct mime_report *r, struct mime_found *f)
{
	const char *n = f->notice;

	if (n[0] != '{' && (n[0] == '\0' || n[strspn(n, " \t\n")] != '{'))
		return 0;
	return json_scan(r, n) > 0;
}
