/*
 * guard.c - bound what an IMAP or POP3 server may send.
 *
 * libetpan reads a server's answer until it is complete, however long:
 * an endless line, a literal of any announced size, or untagged responses
 * that never stop would make rebound read forever and grow without limit.
 * So every stream goes through a guard, a libetpan stream layer (there is
 * no such limit in the library) under the protocol parser and over the
 * socket or TLS layer.  The guard counts the bytes of each answer (from
 * one command written to the next) and cuts the connection when an answer
 * is larger than allowed or takes longer than its deadline.  The sources
 * raise the allowance for the answers that carry messages.
 *
 * The connection itself is opened here too (GIO's GSocketClient, with the
 * configured timeout), so that the guard is in place before the greeting.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>
#include <libetpan/libetpan.h>

#include "internal.h"

struct guard {
	mailstream_low *inner;   /* the socket or TLS layer */
	size_t          limit;   /* bytes one answer may have */
	size_t          used;    /* bytes of the current answer */
	gint64          started; /* when the current answer began, us */
	time_t          timeout; /* seconds, the configured timeout */
	char          **tripped; /* the source's: why the guard cut the
					   stream (it outlives the stream) */
};

static mailstream_low_driver guard_driver;

/* deadline - how long one answer of g->limit bytes may take, us: the
 * timeout, and the timeout again for each MiB allowed */
static gint64
deadline(const struct guard *g)
{
	return (gint64)g->timeout * G_USEC_PER_SEC *
	    (gint64)(2 + g->limit / GUARD_MIB);
}

static ssize_t
guard_read(mailstream_low *s, void *buf, size_t n)
{
	struct guard *g = s->data;
	ssize_t       r;

	if (*g->tripped != NULL)
		return -1;
	if (g->used >= g->limit) {
		*g->tripped = g_strdup_printf("the server sent more than %zu "
					      "bytes in answer to one command",
		    g->limit);
		return -1;
	}
	if (g_get_monotonic_time() - g->started > deadline(g)) {
		*g->tripped =
		    g_strdup_printf("the server took more than %lld s "
				    "to answer one command",
			(long long)(deadline(g) / G_USEC_PER_SEC));
		return -1;
	}
	if (n > g->limit - g->used)
		n = g->limit - g->used;
	r = g->inner->driver->mailstream_read(g->inner, buf, n);
	if (r > 0)
		g->used += (size_t)r;
	return r;
}

static ssize_t
guard_write(mailstream_low *s, const void *buf, size_t n)
{
	struct guard *g = s->data;

	if (*g->tripped != NULL)
		return -1;
	g->used = 0; /* a command: its answer starts now */
	g->started = g_get_monotonic_time();
	return g->inner->driver->mailstream_write(g->inner, buf, n);
}

static int
guard_close(mailstream_low *s)
{
	struct guard *g = s->data;

	return mailstream_low_close(g->inner);
}

static int
guard_get_fd(mailstream_low *s)
{
	struct guard *g = s->data;

	return mailstream_low_get_fd(g->inner);
}

/* guard_free - also when STARTTLS replaces the layer: the inner socket
 * layer is freed without closing its descriptor, which TLS goes on with */
static void
guard_free(mailstream_low *s)
{
	struct guard *g = s->data;

	mailstream_low_free(g->inner);
	g_free(g);
	free(s);
}

static void
guard_cancel(mailstream_low *s)
{
	struct guard *g = s->data;

	mailstream_low_cancel(g->inner);
}

static struct mailstream_cancel *
guard_get_cancel(mailstream_low *s)
{
	struct guard *g = s->data;

	return mailstream_low_get_cancel(g->inner);
}

static carray *
guard_get_chain(mailstream_low *s)
{
	struct guard *g = s->data;

	if (g->inner->driver->mailstream_get_certificate_chain == NULL)
		return NULL;
	return g->inner->driver->mailstream_get_certificate_chain(g->inner);
}

static mailstream_low_driver guard_driver = {
	.mailstream_read = guard_read,
	.mailstream_write = guard_write,
	.mailstream_close = guard_close,
	.mailstream_get_fd = guard_get_fd,
	.mailstream_free = guard_free,
	.mailstream_cancel = guard_cancel,
	.mailstream_get_cancel = guard_get_cancel,
	.mailstream_get_certificate_chain = guard_get_chain,
};

/* wrap - a guard over inner (out of memory aborts, as in GLib) */
static mailstream_low *
wrap(mailstream_low *inner, time_t timeout, char **tripped)
{
	struct guard   *g = g_new0(struct guard, 1);
	mailstream_low *low;

	g->inner = inner;
	g->limit = GUARD_MIB;
	g->started = g_get_monotonic_time();
	g->timeout = timeout;
	g->tripped = tripped;
	mailstream_low_set_timeout(inner, timeout);
	if ((low = mailstream_low_new(g, &guard_driver)) == NULL)
		g_error("out of memory");
	return low;
}

/* guard_of - the guard of a stream, or NULL */
static struct guard *
guard_of(mailstream *stream)
{
	mailstream_low *low =
	    stream != NULL ? mailstream_get_low(stream) : NULL;

	return low != NULL && low->driver == &guard_driver ? low->data : NULL;
}

/* plain_greeting - does host:port greet in plain text ("* OK", "+OK")
 * within a few seconds?  Asked after a TLS handshake failed, on a
 * connection of its own, so that the message can say what to change */
static int
plain_greeting(const char *host, unsigned port, time_t timeout)
{
	GSocketClient     *client = g_socket_client_new();
	GSocketConnection *conn;
	char               buf[8] = "";
	gssize             n = 0;

	g_socket_client_set_timeout(client, (guint)MIN(timeout, 5));
	conn = g_socket_client_connect_to_host(client, host, (guint16)port,
	    NULL, NULL);
	g_object_unref(client);
	if (conn == NULL)
		return 0;
	n = g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(conn)),
	    buf, sizeof(buf) - 1, NULL, NULL);
	g_object_unref(conn);
	return n >= 3 &&
	    (strncmp(buf, "* ", 2) == 0 || strncmp(buf, "+OK", 3) == 0);
}

/* connect_failed - *cause and the status for a connection that failed */
static int
connect_failed(const char *host, unsigned port, const GError *err, char **cause)
{
	if (g_error_matches(err, G_RESOLVER_ERROR,
		G_RESOLVER_ERROR_NOT_FOUND)) {
		*cause = g_strdup_printf("%s: the host name does not resolve "
					 "(%s): check the host in url",
		    host, err->message);
		return EX_NOHOST;
	}
	if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
		*cause = g_strdup_printf("%s:%u: nothing listens there: the "
					 "server is down, or the port is "
					 "wrong (IMAPS 993, IMAP 143, POP3S "
					 "995, POP3 110)",
		    host, port);
	else if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
		*cause = g_strdup_printf("%s:%u: no answer to the connection "
					 "within the timeout: the server or "
					 "a firewall drops it",
		    host, port);
	else
		*cause = g_strdup_printf("%s:%u: cannot connect: %s", host,
		    port, err->message);
	return EX_TEMPFAIL;
}

mailstream *
guard_connect(const char *host, unsigned port, int tls, time_t timeout,
    char **tripped, char **cause, int *status)
{
	GSocketClient     *client = g_socket_client_new();
	GSocketConnection *conn;
	GError            *err = NULL;
	mailstream_low    *low;
	mailstream        *stream;
	int                fd;

	g_socket_client_set_timeout(client, (guint)timeout);
	conn = g_socket_client_connect_to_host(client, host, (guint16)port,
	    NULL, &err);
	g_object_unref(client);
	*status = EX_TEMPFAIL;
	if (conn == NULL) {
		*status = connect_failed(host, port, err, cause);
		g_error_free(err);
		return NULL;
	}
	/* libetpan owns the descriptor from here: a blocking copy of it */
	fd = dup(g_socket_get_fd(g_socket_connection_get_socket(conn)));
	g_object_unref(conn);
	if (fd < 0) {
		*cause =
		    g_strdup_printf("%s:%u: %s", host, port, g_strerror(errno));
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (tls)
		low = mailstream_low_ssl_open_with_callback_timeout(fd, timeout,
		    tls_sni, (void *)host);
	else
		low = mailstream_low_socket_open(fd);
	if (low == NULL && tls && plain_greeting(host, port, timeout)) {
		int pop = port == 110 || port == 995;
		*cause = g_strdup_printf("%s:%u: the server did not speak TLS "
					 "there, it greets in plain text: use "
					 "%s with starttls = yes, or the TLS "
					 "port (%s)",
		    host, port, pop ? "pop3://" : "imap://",
		    pop ? "995" : "993");
		*status = EX_PROTOCOL;
		close(fd);
		return NULL;
	}
	if (low == NULL) {
		*cause = g_strdup_printf("%s:%u: %s", host, port,
		    tls ? "the TLS handshake failed" : "out of memory");
		close(fd);
		return NULL;
	}
	if ((stream = mailstream_new(wrap(low, timeout, tripped), 8192)) ==
	    NULL)
		g_error("out of memory");
	return stream;
}

void
guard_rewrap(mailstream *stream, time_t timeout, char **tripped)
{
	mailstream_low *low = mailstream_get_low(stream);

	if (low != NULL && low->driver != &guard_driver)
		mailstream_set_low(stream, wrap(low, timeout, tripped));
}

void
guard_allow(mailstream *stream, size_t bytes)
{
	struct guard *g = guard_of(stream);

	if (g != NULL)
		g->limit = bytes;
}
