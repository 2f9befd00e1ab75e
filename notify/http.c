/*
 * http.c - HTTP with libcurl (Debian's libcurl4-gnutls-dev): the exchange
 * the http and mailman3 kinds share, and the http kind itself, which POSTs
 * each notification as JSON, signed:
 *
 *   Idempotency-Key: the notification's key
 *   X-Rebound-Timestamp: seconds since the epoch
 *   X-Rebound-Signature: sha256=HEX(HMAC-SHA256(secret, TIMESTAMP "." BODY))
 *
 * so that a receiver can check who sent it, refuse a replay, and drop a
 * second delivery of the same key.
 */
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <glib.h>

#include "internal.h"

#define REPLY_MAX (64 * 1024)

char *
notify_printable(const char *s, size_t n)
{
	char  *out = g_strndup(s != NULL ? s : "", n);
	size_t i;

	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	return out;
}

char *
notify_signature(const char *secret, long long timestamp, const char *body)
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)secret,
	    strlen(secret));
	char  *t = g_strdup_printf("%lld.", timestamp), *sig;

	g_hmac_update(h, (const guchar *)t, -1);
	g_hmac_update(h, (const guchar *)body, -1);
	sig = g_strdup_printf("sha256=%s", g_hmac_get_string(h));
	g_hmac_unref(h);
	g_free(t);
	return sig;
}

/* keep - curl's write callback: the reply, up to REPLY_MAX */
static size_t
keep(char *p, size_t size, size_t n, void *arg)
{
	GString *s = arg;
	size_t   len = size * n;

	if (s->len < REPLY_MAX)
		g_string_append_len(s, p, (gssize)MIN(len, REPLY_MAX - s->len));
	return len;
}

/* transport_error - what a libcurl failure means, with the likely fix */
static char *
transport_error(CURLcode rc, const char *url, const char *detail)
{
	const char *why;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		why = "the host name does not resolve: check the url's host";
		break;
	case CURLE_COULDNT_CONNECT:
		why = "nothing answers on that host and port: is the service "
		      "running, is the port right?";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		why = "no answer within the timeout";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
	case CURLE_SSL_CACERT:
#endif
	case CURLE_SSL_CACERT_BADFILE:
		why = "its TLS certificate was refused: give ca_file the CA "
		      "that signed it, or fix the host name in url";
		break;
	case CURLE_SSL_CONNECT_ERROR:
		why = "the TLS handshake failed: is it https:// on a port that "
		      "speaks plain HTTP?";
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		why = "the connection broke off";
		break;
	default:
		why = curl_easy_strerror(rc);
	}
	return g_strdup_printf("%s: %s (%s)", url, why,
	    detail[0] != '\0' ? detail : curl_easy_strerror(rc));
}

enum notify_result
notify_http_exchange(const struct config_notify *c, struct notify_http *x,
    char **error)
{
	CURL              *h = x->handle != NULL ? x->handle : curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char               detail[CURL_ERROR_SIZE] = "";
	CURLcode           rc;
	size_t             i;
	enum notify_result r;

	*error = NULL;
	x->status = 0;
	x->reply = g_string_new(NULL);
	if (h == NULL) {
		*error = g_strdup("libcurl could not start");
		return NOTIFY_RETRY;
	}
	/* a reused handle forgets the last request's options, not its
	 * open connections */
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, x->url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)MIN(c->timeout, 30));
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	if (c->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "rebound");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x->reply);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, x->method);
	if (strcmp(x->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	if (x->body != NULL) {
		char *ct = g_strdup_printf("Content-Type: %s", x->content_type);
		hdrs = curl_slist_append(hdrs, ct);
		g_free(ct);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(x->body));
	}
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (i = 0; x->headers != NULL && x->headers[i] != NULL; i++)
		hdrs = curl_slist_append(hdrs, x->headers[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (x->user != NULL) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, x->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
		    x->password != NULL ? x->password : "");
	}
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		*error = transport_error(rc, x->url, detail);
		r = NOTIFY_RETRY;
	} else {
		char *said;

		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x->status);
		said = notify_printable(x->reply->str, 200);
		if (x->status >= 200 && x->status < 300)
			r = NOTIFY_DELIVERED;
		else if (x->status == 408 || x->status == 425 ||
		    x->status == 429 || x->status >= 500)
			r = NOTIFY_RETRY;
		else
			r = NOTIFY_REFUSED;
		if (r != NOTIFY_DELIVERED)
			*error =
			    g_strdup_printf("%s %s: HTTP %ld%s%s%s", x->method,
				x->url, x->status, said[0] != '\0' ? " (" : "",
				said, said[0] != '\0' ? ")" : "");
		if (x->status == 401 || x->status == 403) {
			char *more = g_strdup_printf("%s: the credentials or "
						     "the signature were "
						     "refused: check the "
						     "secret or password",
			    *error);
			g_free(*error);
			*error = more;
		}
		g_free(said);
	}
	curl_slist_free_all(hdrs);
	if (x->handle == NULL)
		curl_easy_cleanup(h);
	return r;
}

/* http_open - one handle per connector, so that its connection (and its
 * TLS session) serves every notification of the run */
static int
http_open(const struct config_notify *c, void **state, char **cause)
{
	(void)c;
	if ((*state = curl_easy_init()) == NULL) {
		*cause = g_strdup("libcurl could not start");
		return -1;
	}
	return 0;
}

/* http_send - POST the notification, signed */
static enum notify_result
http_send(void *state, const struct config_notify *c,
    const struct notify_msg *m, char **error)
{
	long long          now = (long long)time(NULL);
	char              *sig = notify_signature(c->secret, now, m->body);
	char              *h[4];
	struct notify_http x = { "POST", c->url, "application/json", m->body,
		(const char **)h, NULL, NULL, state, 0, NULL };
	enum notify_result r;

	h[0] = g_strdup_printf("Idempotency-Key: %s", m->key);
	h[1] = g_strdup_printf("X-Rebound-Timestamp: %lld", now);
	h[2] = g_strdup_printf("X-Rebound-Signature: %s", sig);
	h[3] = NULL;
	r = notify_http_exchange(c, &x, error);
	g_string_free(x.reply, TRUE);
	g_free(h[0]);
	g_free(h[1]);
	g_free(h[2]);
	g_free(sig);
	return r;
}

static void
http_close(void *state)
{
	if (state != NULL)
		curl_easy_cleanup(state);
}

const struct notify_ops notify_http_ops = { http_open, http_send, http_close };
