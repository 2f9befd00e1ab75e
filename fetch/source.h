/*
 * source.h - where messages come from.
 *
 * One small interface for every place rebound reads bounces from (fdm's
 * fetch-*.c is the model): open, next message, close.  This file covers the
 * local sources: one message file, a directory of message files, a Maildir
 * (new/ and cur/), an mbox file, and standard input ("-").
 */
#ifndef REBOUND_SOURCE_H
#define REBOUND_SOURCE_H

#include <stddef.h>

struct source;
struct config_mailbox;

/* What became of a message once its effect is stored. */
enum source_outcome {
	SOURCE_DONE,       /* processed: apply the mailbox's `after` */
	SOURCE_QUARANTINE, /* could not be processed: set it aside,
				   never delete it */
	SOURCE_REVIEW,     /* no bounce, complaint nor auto-reply: to the
			      mailbox's review folder, for a person */
};

/* One message as read.  If error is set the message could not be read
 * (too large, unreadable) and data is NULL; the run goes on. */
struct source_msg {
	char    *data; /* raw bytes, NUL-terminated; owned */
	size_t   len;
	char    *name;  /* file path, or "mbox:N" inside an mbox */
	unsigned seq;   /* inside an mbox: N (from 1), else 0 */
	char    *uid;   /* in its mailbox: "UIDVALIDITY/UID" (IMAP),
				   the UIDL (POP3), the file name (Maildir) */
	char    *error; /* why it could not be read, or NULL */
};

/*
 * source_open_path - open a file, directory, Maildir, mbox or "-".
 * max_size is the largest message accepted (larger ones come back with
 * error set, without being loaded).  Returns NULL with *cause set (caller
 * g_free()s) when path cannot be opened at all.
 */
struct source *source_open_path(const char *path, size_t max_size,
    char **cause);

/*
 * source_open_mailbox - open a configured mailbox: connect, verify TLS,
 * log in, select.  Returns NULL with *cause set (caller g_free()s) and
 * *status a sysexits.h code: EX_TEMPFAIL (server down, timeout),
 * EX_NOPERM (login refused), EX_UNAVAILABLE (certificate not trusted),
 * EX_PROTOCOL, EX_NOINPUT.
 */
struct source *source_open_mailbox(const struct config_mailbox *, char **cause,
    int *status);

/*
 * source_next - the next message into *msg (cleared first).
 * Returns 1 with a message, 0 at the end, -1 with *cause set on an error
 * that ends this source.
 */
int source_next(struct source *, struct source_msg *msg, char **cause);

/*
 * source_ack - record that msg's effect is stored (or that it must be
 * quarantined); carried out by source_commit().  0, or -1 with *cause.
 */
int source_ack(struct source *, const struct source_msg *msg,
    enum source_outcome, char                          **cause);

/* source_commit - carry out the recorded acks (move, flag, delete, and
 * for POP3 the QUIT that makes DELE final).  0, or -1 with *cause. */
int source_commit(struct source *, char **cause);

/* source_status - sysexits.h status of the last failure of s */
int source_status(const struct source *);

/*
 * source_set_skip - before fetching a message, ask fn(uid, arg) whether it
 * is done already (1: skip it, unread).  For `after = keep`, where
 * processed messages stay in the mailbox.
 */
typedef int (*source_skip_fn)(const char *uid, void *arg);
void source_set_skip(struct source *, source_skip_fn fn, void *arg);

/* source_total - how many messages the source holds (before skipping),
 * once known (after opening, for IMAP, POP3 and folders); 0 when not */
unsigned source_total(const struct source *);

/* source_msg_clear - free what a message holds; it can be reused */
void source_msg_clear(struct source_msg *);

/* source_close - close and free; NULL is a no-op */
void source_close(struct source *);

#endif /* REBOUND_SOURCE_H */
