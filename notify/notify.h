/*
 * notify.h - tell the list manager: the connectors of [notify NAME].
 *
 * The whole public interface of the notify module.  A connector takes one
 * notification at a time (a JSON document from db's outbox, which says
 * the state to set and carries its own key) and says how it went.  The
 * kinds, one file each, behind one table of operations (as isync's
 * drivers): http.c (POST, HMAC-signed, libcurl), exec.c (a program with
 * the JSON on standard input, no shell) and mailman3.c (Mailman 3 core's
 * REST API).  Nothing here touches the database: worker/deliver.c reads
 * the outbox, calls notify_send() and records the outcome.
 */
#ifndef REBOUND_NOTIFY_H
#define REBOUND_NOTIFY_H

#include "config.h"

/* How a delivery went. */
enum notify_result {
	NOTIFY_DELIVERED,
	NOTIFY_RETRY,   /* the next attempt may succeed (down, timeout) */
	NOTIFY_REFUSED, /* the receiver said no for good (HTTP 4xx, exit
			   status other than 0 and 75): a person looks */
};

/* One notification, as the outbox holds it. */
struct notify_msg {
	const char *key;          /* idempotency key, unique per notification */
	const char *event;        /* "suppress", "unsuppress", "soft" */
	const char *address;      /* the subscriber */
	const char *list;         /* canonical name; NULL: every list */
	const char *list_address; /* the list's posting address, when known
				     (mailman3 names lists by it); NULL */
	const char *body;         /* the JSON document (README.md) */
};

struct notify;

/* notify_open - a connector for c (borrowed: c outlives it); NULL with
 * *cause when it cannot be set up */
struct notify *notify_open(const struct config_notify *c, char **cause);

/* notify_send - deliver m once; *error gets, unless delivered, what
 * happened and the likely fix (g_free), and may get a warning when
 * delivered (a member Mailman does not know) */
enum notify_result notify_send(struct notify *, const struct notify_msg *m,
    char **error);

/* notify_close - NULL is a no-op */
void notify_close(struct notify *);

/* notify_signature - the value of the X-Rebound-Signature header for
 * body sent at timestamp (seconds) with secret: "sha256=" and the hex
 * HMAC-SHA256 of "TIMESTAMP.BODY" (g_free); exposed for the tests */
char *notify_signature(const char *secret, long long timestamp,
    const char *body);

#endif /* REBOUND_NOTIFY_H */
