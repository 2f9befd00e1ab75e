/*
 * mailman3.c - the mailman3 kind: Mailman 3 core's REST API (3.1).
 *
 * A suppression finds the address's memberships (GET /3.1/members/find,
 * on the list or, for a global one, on every list) and either stops
 * delivery to each (PATCH .../preferences delivery_status=by_bounces,
 * action = disable; where delivery is enabled) or unsubscribes it
 * (DELETE, action = unsubscribe).  An unsuppression sets delivery_status
 * back to enabled where it is by_bounces: a member's own by_user or a
 * moderator's by_moderator is never touched.  Soft bounces are
 * rebound's to count, not Mailman's.  Each list's process_bounces is read
 * once: Mailman counting the same bounces too is warned of.
 */
#include <string.h>

#include <curl/curl.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "internal.h"

/* What a connector keeps between notifications. */
struct mm {
	GHashTable *checked; /* list ids whose process_bounces was read */
	CURL       *h;       /* one connection for the run */
};

static int
mm_open(const struct config_notify *c, void **state, char **cause)
{
	struct mm *mm = g_new0(struct mm, 1);

	(void)c;
	mm->checked =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if ((mm->h = curl_easy_init()) == NULL) {
		g_hash_table_destroy(mm->checked);
		g_free(mm);
		*cause = g_strdup("libcurl could not start");
		return -1;
	}
	*state = mm;
	return 0;
}

static void
mm_close(void *state)
{
	struct mm *mm = state;

	if (mm == NULL)
		return;
	g_hash_table_destroy(mm->checked);
	curl_easy_cleanup(mm->h);
	g_free(mm);
}

/* call - one REST call (form-encoded body, or none); the parsed JSON
 * reply in *reply when asked (json_node_unref) */
static enum notify_result
call(struct mm *mm, const struct config_notify *c, const char *method,
    const char *url, const char *form, JsonNode **reply, char **error)
{
	struct notify_http x = { method, url,
		form != NULL ? "application/x-www-form-urlencoded" : NULL, form,
		NULL, c->user, c->password, mm->h, 0, NULL };
	enum notify_result r = notify_http_exchange(c, &x, error);

	if (reply != NULL)
		*reply = NULL;
	if (r == NOTIFY_DELIVERED && reply != NULL) {
		JsonParser *p = json_parser_new();
		if (json_parser_load_from_data(p, x.reply->str,
			(gssize)x.reply->len, NULL) &&
		    json_parser_get_root(p) != NULL &&
		    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)))
			*reply = json_node_copy(json_parser_get_root(p));
		else {
			*error = g_strdup_printf("%s %s: the reply is no JSON "
						 "object: is url Mailman's "
						 "REST API?",
			    method, url);
			r = NOTIFY_RETRY;
		}
		g_object_unref(p);
	}
	g_string_free(x.reply, TRUE);
	return r;
}

/* base - the REST root, without a trailing slash */
static char *
base(const struct config_notify *c)
{
	size_t n = strlen(c->url);

	while (n > 0 && c->url[n - 1] == '/')
		n--;
	return g_strndup(c->url, n);
}

/* warn - append a warning to *warning */
static void
warn(char **warning, const char *text)
{
	char *w = *warning == NULL ? g_strdup(text)
				   : g_strdup_printf("%s; %s", *warning, text);

	g_free(*warning);
	*warning = w;
}

/* check_processing - once per list: does Mailman process bounces too? */
static enum notify_result
check_processing(struct mm *mm, const struct config_notify *c, const char *root,
    const char *list_id, char **warning, char **error)
{
	char              *url, *esc;
	JsonNode          *reply = NULL;
	enum notify_result r;

	if (g_hash_table_contains(mm->checked, list_id))
		return NOTIFY_DELIVERED;
	esc = g_uri_escape_string(list_id, NULL, FALSE);
	url = g_strdup_printf("%s/3.1/lists/%s/config", root, esc);
	r = call(mm, c, "GET", url, NULL, &reply, error);
	g_free(esc);
	g_free(url);
	if (r != NOTIFY_DELIVERED) {
		if (r == NOTIFY_REFUSED) {
			char *more = g_strdup_printf("%s: Mailman has no list "
						     "%s: check [list NAME] "
						     "aliases or list_domain",
			    *error, list_id);
			g_free(*error);
			*error = more;
		}
		return r;
	}
	if (json_object_get_boolean_member_with_default(json_node_get_object(
							    reply),
		"process_bounces", FALSE)) {
		char *w = g_strdup_printf("Mailman processes bounces of %s "
					  "too (process_bounces): set it to "
					  "false, so that each bounce is "
					  "counted once",
		    list_id);
		warn(warning, w);
		g_free(w);
	}
	json_node_unref(reply);
	g_hash_table_add(mm->checked, g_strdup(list_id));
	return NOTIFY_DELIVERED;
}

/* set_delivery - stop delivery to the member at self because of bounces
 * (suppress), or start it again where bounces stopped it; a member's own
 * choice (by_user, by_moderator) is never touched */
static enum notify_result
set_delivery(struct mm *mm, const struct config_notify *c, const char *self,
    int suppress, char **error)
{
	char              *url = g_strdup_printf("%s/preferences", self);
	JsonNode          *pref = NULL;
	const char        *now;
	enum notify_result r = call(mm, c, "GET", url, NULL, &pref, error);

	if (r == NOTIFY_DELIVERED) {
		now = json_object_get_string_member_with_default(
		    json_node_get_object(pref), "delivery_status", "enabled");
		if (suppress && strcmp(now, "enabled") == 0)
			r = call(mm, c, "PATCH", url,
			    "delivery_status=by_bounces", NULL, error);
		else if (!suppress && strcmp(now, "by_bounces") == 0)
			r = call(mm, c, "PATCH", url, "delivery_status=enabled",
			    NULL, error);
	}
	if (pref != NULL)
		json_node_unref(pref);
	g_free(url);
	return r;
}

static enum notify_result
mm_send(void *state, const struct config_notify *c, const struct notify_msg *m,
    char **error)
{
	struct mm         *mm = state;
	char              *root = base(c), *list_id = NULL, *url, *esc;
	char              *warning = NULL;
	JsonNode          *reply = NULL;
	JsonArray         *entries;
	enum notify_result r = NOTIFY_DELIVERED;
	guint              i, n;
	int                suppress = strcmp(m->event, "suppress") == 0;

	*error = NULL;
	if (!suppress && strcmp(m->event, "unsuppress") != 0)
		goto out; /* soft: rebound's to count */
	if (m->list != NULL) {
		/* Mailman's list id: the posting address with its @ a dot */
		char *address = m->list_address != NULL
		    ? g_strdup(m->list_address)
		    : c->list_domain != NULL
		    ? g_strdup_printf("%s@%s", m->list, c->list_domain)
		    : NULL;
		if (address == NULL) {
			*error = g_strdup_printf("list %s: no address to find "
						 "it in Mailman by: give "
						 "[list %s] an alias with an "
						 "@, or the connector a "
						 "list_domain",
			    m->list, m->list);
			r = NOTIFY_REFUSED;
			goto out;
		}
		list_id = g_ascii_strdown(address, -1);
		g_free(address);
		*strchr(list_id, '@') = '.';
		if ((r = check_processing(mm, c, root, list_id, &warning,
			 error)) != NOTIFY_DELIVERED)
			goto out;
	}
	esc = g_uri_escape_string(m->address, NULL, FALSE);
	url = g_strdup_printf("%s/3.1/members/find?role=member&subscriber=%s"
			      "%s%s",
	    root, esc, list_id != NULL ? "&list_id=" : "",
	    list_id != NULL ? list_id : "");
	g_free(esc);
	r = call(mm, c, "GET", url, NULL, &reply, error);
	g_free(url);
	if (r != NOTIFY_DELIVERED)
		goto out;
	{
		JsonNode *en =
		    json_object_get_member(json_node_get_object(reply),
			"entries");
		entries = en != NULL && JSON_NODE_HOLDS_ARRAY(en)
		    ? json_node_get_array(en)
		    : NULL;
	}
	n = entries != NULL ? json_array_get_length(entries) : 0;
	if (n == 0) {
		char *w = g_strdup_printf("Mailman has no member %s%s%s: "
					  "nothing changed",
		    m->address, list_id != NULL ? " on " : "",
		    list_id != NULL ? list_id : "");
		warn(&warning, w);
		g_free(w);
	}
	for (i = 0; i < n && r == NOTIFY_DELIVERED; i++) {
		JsonNode   *e = json_array_get_element(entries, i);
		const char *id = JSON_NODE_HOLDS_OBJECT(e)
		    ? json_object_get_string_member_with_default(
			  json_node_get_object(e), "member_id", NULL)
		    : NULL;
		char       *self;

		/* the member's URL made here from its id, never taken from
		 * the reply: the credentials go to url's host only */
		if (id == NULL || strspn(id, "0123456789abcdef") != strlen(id))
			continue;
		self = g_strdup_printf("%s/3.1/members/%s", root, id);
		if (suppress && strcmp(c->action, "unsubscribe") == 0)
			r = call(mm, c, "DELETE", self, NULL, NULL, error);
		else if (!suppress && strcmp(c->action, "unsubscribe") == 0)
			warn(&warning,
			    "an unsubscribed member is not "
			    "subscribed again (action = "
			    "unsubscribe)");
		else
			r = set_delivery(mm, c, self, suppress, error);
		g_free(self);
	}
out:
	if (reply != NULL)
		json_node_unref(reply);
	if (r == NOTIFY_DELIVERED && warning != NULL)
		*error = warning; /* delivered, with something to say */
	else
		g_free(warning);
	g_free(list_id);
	g_free(root);
	return r;
}

const struct notify_ops notify_mailman3_ops = { mm_open, mm_send, mm_close };
