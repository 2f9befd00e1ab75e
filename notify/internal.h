/*
 * internal.h - shared between the files of notify/; not part of the
 * module's public interface (that is notify.h).
 */
#ifndef REBOUND_NOTIFY_INTERNAL_H
#define REBOUND_NOTIFY_INTERNAL_H

#include <glib.h>

#include "notify.h"

/* A connector kind's operations (one file each). */
struct notify_ops {
	/* open - set up (state in *state); 0 or -1 with *cause */
	int (*open)(const struct config_notify *, void **state, char **cause);
	enum notify_result (*send)(void *state, const struct config_notify *,
	    const struct notify_msg *, char **error);
	void (*close)(void *state);
};

extern const struct notify_ops notify_http_ops, notify_exec_ops,
    notify_mailman3_ops;

/* An HTTP exchange (http.c), for the http and mailman3 kinds. */
struct notify_http {
	const char  *method; /* "GET", "POST", "PATCH", "DELETE" */
	const char  *url;
	const char  *content_type; /* of body; NULL: no body */
	const char  *body;
	const char **headers; /* extra "Name: value", NULL-terminated; NULL */
	const char  *user, *password; /* basic auth; NULL: none */
	void        *handle; /* a CURL easy handle to reuse (its connections are
			 kept alive between requests), or NULL: one of its
			 own */
	long         status; /* out: the HTTP status, 0: none */
	GString     *reply;  /* out: the first 64 KiB of the body */
};

/*
 * notify_http_exchange - one request under c's TLS settings and timeout,
 * redirects not followed.  NOTIFY_DELIVERED for a 2xx status, NOTIFY_RETRY
 * for no answer, 408, 425, 429 and 5xx, NOTIFY_REFUSED for the rest;
 * *error (g_free) unless 2xx: what happened, with the likely fix.
 */
enum notify_result notify_http_exchange(const struct config_notify *c,
    struct notify_http *x, char **error);

/* notify_printable - s cut to n bytes with control characters as '?', for
 * an error message (g_free) */
char *notify_printable(const char *s, size_t n);

#endif /* REBOUND_NOTIFY_INTERNAL_H */
