/*
 * internal.h - shared by the files of fetch/; not part of the public
 * interface (that is source.h).
 *
 * The files call down this list, never up: open.c (which kind serves a
 * mailbox) -> file.c, imap.c, pop3.c (the kinds) -> mbox.c, guard.c,
 * tls.c (their helpers) -> source.c (the shared operations).
 *
 * Each kind of source is a table of operations, as fdm's fetch-*.c are:
 * next hands out one message, ack records what to do with one once its
 * effect is stored, commit carries the recorded acks out (MOVE, EXPUNGE,
 * QUIT), close frees.  Errors come back as a sysexits.h status and a
 * cause the caller logs.
 */
#ifndef REBOUND_FETCH_INTERNAL_H
#define REBOUND_FETCH_INTERNAL_H

#include <time.h>

#include <glib.h>

#include "config.h"
#include "source.h"

struct _mailstream; /* libetpan's mailstream */
struct mailstream_ssl_context;

struct source_ops {
	const char *name;
	int (*next)(struct source *, struct source_msg *, char **cause);
	int (*ack)(struct source *, const struct source_msg *,
	    enum source_outcome, char **cause);
	int (*commit)(struct source *, char **cause);
	void (*close)(struct source *);
};

/* The head every source starts with; the rest is the kind's own. */
struct source {
	const struct source_ops *ops;
	int                      status; /* sysexits.h of the last error */
	unsigned                 total;  /* messages to read; 0: not
						   known */
	source_skip_fn           skip;   /* or NULL */
	void                    *skip_arg;
};

/* source_skipped - has the caller's skip function done this uid already? */
int source_skipped(struct source *, const char *uid);

/* source_msg_set_data - m's bytes: a NUL-terminated copy of data[0..len)
 * (which may hold NULs of its own) */
void source_msg_set_data(struct source_msg *m, const char *data, size_t len);

/* source_too_large - why a message of size bytes is not read: larger
 * than max, the one wording of every source (g_free) */
char *source_too_large(unsigned long long size, size_t max);

/* source_local_open - a configured Maildir or mbox mailbox (file.c);
 * source_imap_open, source_pop3_open - connect, verify, log in; all NULL
 * with *cause and *status on failure */
struct source *source_local_open(const struct config_mailbox *, char **cause,
    int *status);
struct source *source_imap_open(const struct config_mailbox *, char **cause,
    int *status);
struct source *source_pop3_open(const struct config_mailbox *, char **cause,
    int *status);

/* tls_sni - libetpan connect callback: send the host name (data) in the
 * TLS handshake */
void tls_sni(struct mailstream_ssl_context *, void *host);

/*
 * tls_check - verify the certificate chain a TLS stream presented: chain
 * against ca_file (or the system trust store when NULL), and host name (or
 * IP address).  Returns 0, or -1 with *cause set.
 */
int tls_check(struct _mailstream *, const char *host, const char *ca_file,
    char **cause);

/*
 * The guard (guard.c) bounds what a server may send: each answer, from one
 * command to the next, at most an allowance of bytes (GUARD_MIB unless
 * raised) and a deadline (the timeout, and the timeout again per MiB
 * allowed).  When it cuts a stream it stores why in *tripped, which the
 * caller owns and frees.
 *
 * guard_connect - a libetpan stream to host:port (TLS when tls) through a
 * guard; NULL with *cause and *status: EX_NOHOST for a name that does not
 * resolve, EX_PROTOCOL for TLS asked of a server that greets in plain
 * text, EX_TEMPFAIL for what the next run may not meet (refused, timed
 * out, unreachable); each cause names the likely fix
 * guard_rewrap - put the guard back after STARTTLS replaced the layers
 * guard_allow - answers may be up to bytes long from now on
 */
#define GUARD_MIB ((size_t)1024 * 1024)
struct _mailstream *guard_connect(const char *host, unsigned port, int tls,
    time_t timeout, char **tripped, char **cause, int *status);
void guard_rewrap(struct _mailstream *, time_t timeout, char **tripped);
void guard_allow(struct _mailstream *, size_t bytes);

/* An mbox file being cut into messages (mbox.c). */
struct mbox {
	GMappedFile *map; /* NULL: none open */
	char        *path;
	const char  *pos, *end;
	char         eol;   /* its line end: '\n', or '\r' when
					   it has CR-only line endings */
	unsigned     count; /* messages handed out */
};

/* mbox_is - does the file at path start with an mbox "From " line? */
int mbox_is(const char *path);

/* mbox_open - map the mbox at path into s (zeroed or closed first);
 * 0, or -1 with *cause */
int mbox_open(struct mbox *s, const char *path, char **cause);

/* mbox_next - the next message of s into m (name "PATH:N"; error set when
 * larger than max_size); 1, or 0 at the end */
int mbox_next(struct mbox *s, size_t max_size, struct source_msg *m);

/* mbox_close - unmap and clear s; a zeroed s is a no-op */
void mbox_close(struct mbox *s);

#endif /* REBOUND_FETCH_INTERNAL_H */
