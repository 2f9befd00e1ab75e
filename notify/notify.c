/*
 * notify.c - a connector: its kind's operations, chosen by type.
 */
#include <curl/curl.h>
#include <glib.h>

#include "internal.h"

struct notify {
	const struct config_notify *c;
	const struct notify_ops    *ops;
	void                       *state;
};

/* global_init - libcurl once per process, before any thread uses it */
static gpointer
global_init(gpointer arg)
{
	(void)arg;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return NULL;
}

struct notify *
notify_open(const struct config_notify *c, char **cause)
{
	static GOnce   once = G_ONCE_INIT;
	struct notify *n = g_new0(struct notify, 1);

	g_once(&once, global_init, NULL);
	n->c = c;
	n->ops = c->type == CONFIG_NOTIFY_HTTP ? &notify_http_ops
	    : c->type == CONFIG_NOTIFY_EXEC    ? &notify_exec_ops
					       : &notify_mailman3_ops;
	if (n->ops->open(c, &n->state, cause) < 0) {
		g_free(n);
		return NULL;
	}
	return n;
}

enum notify_result
notify_send(struct notify *n, const struct notify_msg *m, char **error)
{
	return n->ops->send(n->state, n->c, m, error);
}

void
notify_close(struct notify *n)
{
	if (n == NULL)
		return;
	n->ops->close(n->state);
	g_free(n);
}
