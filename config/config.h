/*
 * config.h - the configuration file: mailboxes to read, the database, the
 * policy (globally and per list), SQL hooks.
 *
 * The whole public interface of the config module.  The file is a GKeyFile
 * (INI); each [mailbox NAME] group describes one mailbox:
 *
 *   [mailbox bounces]
 *   url = imaps://bounces@mail.example.org:993/INBOX
 *   password_file = /etc/rebound/bounces.pass
 *   ca_file = /etc/ssl/certs/my-ca.pem
 *   after = move:Processed
 *
 * config_load() checks everything it can without the network: URL syntax,
 * known keys, the password file's permissions, clear-text passwords to
 * remote hosts.  A config_mailbox is a plain data record owned by the
 * config.
 */
#ifndef REBOUND_CONFIG_H
#define REBOUND_CONFIG_H

#include <stddef.h>

#include "policy.h"

enum config_proto {
	CONFIG_IMAP, /* imap:// (starttls = yes upgrades) */
	CONFIG_IMAPS,
	CONFIG_POP3,
	CONFIG_POP3S,
	CONFIG_MAILDIR, /* maildir:/path */
	CONFIG_MBOX,    /* mbox:/path */
};

enum config_after {
	CONFIG_AFTER_MOVE,   /* move to after_folder (IMAP default) */
	CONFIG_AFTER_DELETE, /* POP3 default */
	CONFIG_AFTER_FLAG,   /* keyword + \Seen; flagged ones skipped */
	CONFIG_AFTER_KEEP,
};

struct config_mailbox {
	char             *name;
	char             *url;
	enum config_proto proto;
	char             *user;
	char             *host;
	unsigned          port;
	char             *folder;   /* IMAP folder (INBOX), or the path */
	char             *password; /* read from password_file/_env */
	char             *ca_file;  /* NULL: the system trust store */
	int               starttls;
	int               tls_verify; /* 0 only on explicit opt-out */
	int               allow_cleartext;
	enum config_after after;
	char             *after_folder;
	char             *keyword;    /* for after = flag ($Rebound) */
	char             *quarantine; /* folder for unparseable messages */
	char    *review;  /* folder for mail that is no bounce, complaint nor
			 auto-reply (unrecognised = move:Review, IMAP and
			 Maildir); NULL: processed like the rest */
	char    *list;    /* list this mailbox serves, or NULL */
	unsigned timeout; /* seconds, every network step */
	unsigned max_messages; /* 0: no limit */
	size_t   max_message_size;
	unsigned batch;      /* messages per IMAP fetch */
	unsigned fail_after; /* seconds a mailbox may fail in a row before a
				run says so loudly and exits 69, not 75 (0:
				never) */
};

/* The [parse] group: defaults for parsing (command-line options win). */
struct config_parse {
	char  *verp_prefix; /* NULL: not set */
	char  *verp_delimiter;
	int    verp;               /* 0: VERP decoding switched off */
	int    original_recipient; /* 0: subscribers are named by
					   Final-Recipient only */
	char  *list_header;
	size_t max_message_size; /* 0: not set */
	char  *verp_header;      /* the header naming the envelope recipient,
				    when not Delivered-To, X-Original-To,
				    Envelope-To or X-Envelope-To; NULL */
	char  *proof_header;     /* the returned original's header that carries
			       a per-subscriber secret; NULL */
	char  *send_header;      /* the returned original's header that names
				    the send (campaign); NULL */
	char  *authserv_id;      /* the authserv-id of this site's own
			      Authentication-Results; NULL */
};

/* The [hooks] group: SQL run in the batch's transaction (NULL: none). */
struct config_hooks {
	char *on_suppress;
	char *on_soft;
	char *on_unsuppress;
};

/* The kinds of [notify NAME] connector. */
enum config_notify_type {
	CONFIG_NOTIFY_HTTP,     /* POST the JSON to url, HMAC-signed */
	CONFIG_NOTIFY_EXEC,     /* run command with the JSON on stdin */
	CONFIG_NOTIFY_MAILMAN3, /* Mailman 3 core's REST API */
};

/* What a [notify NAME] event set may hold (events =). */
#define CONFIG_EVENT_SUPPRESS   0x1
#define CONFIG_EVENT_UNSUPPRESS 0x2
#define CONFIG_EVENT_SOFT       0x4

/* A [notify NAME] group: where decisions are delivered after they are
 * committed (db's outbox), each as one JSON document. */
struct config_notify {
	char                   *name;
	enum config_notify_type type;
	unsigned                events;   /* CONFIG_EVENT_* it wants */
	char                   *lists;    /* "news,digest" (canonical names),
					   or NULL: every list */
	char                   *url;      /* http, mailman3 */
	char                   *secret;   /* http: the HMAC key (secret_file) */
	char                   *user;     /* mailman3: the REST user */
	char                   *password; /* mailman3: password_file */
	char                   *ca_file;  /* NULL: the system trust store */
	int                     tls_verify;
	char                  **argv;        /* exec: command, split; NULL */
	char                   *list_domain; /* mailman3: news -> news@DOMAIN
						when the list has no alias
						with an @ */
	char                   *action;      /* mailman3: disable (delivery
						 off, by_bounces) or
						 unsubscribe */
	unsigned                timeout;     /* seconds per delivery, 30 */
};

struct config;

/* config_load flags */
#define CONFIG_PARSE_ONLY 0x1 /* read [parse] only; skip mailboxes */

/* the file config_load() reads when given no path */
#define CONFIG_DEFAULT_PATH "/etc/rebound/rebound.conf"

/*
 * config_load - read and check a configuration file (path NULL: the
 * default, CONFIG_DEFAULT_PATH).
 * Returns NULL with *cause set (caller g_free()s; "FILE:LINE: ..." where
 * a line is known) and *status the sysexits.h code: EX_CONFIG for a bad
 * file, EX_NOINPUT when it cannot be read.
 */
struct config *config_load(const char *path, int flags, char **cause,
    int *status);

/* config_free - NULL is a no-op */
void config_free(struct config *);

/* config_mailboxes - the mailboxes in file order; *n gets the count */
struct config_mailbox *config_mailboxes(struct config *, size_t *n);

/* config_mailbox_find - the mailbox called name, or NULL */
struct config_mailbox *config_mailbox_find(struct config *, const char *name);

/* config_conninfo - [database] conninfo (libpq), or NULL (borrowed) */
const char *config_conninfo(struct config *);

/* [database] timeouts, in seconds (0: none). */
struct config_timeouts {
	unsigned connect;   /* 10: a server that does not answer */
	unsigned statement; /* 300: a statement that never ends */
	unsigned lock;      /* 30: a row another session holds */
};

/* config_db_schema - [database] schema: the PostgreSQL schema rebound's
 * tables live in, or NULL (borrowed) */
const char *config_db_schema(struct config *);

/* config_db_timeouts - the [database] timeouts (borrowed) */
const struct config_timeouts *config_db_timeouts(struct config *);

/* config_policy - the policy of list (its [list NAME] group over
 * [policy] over the defaults); list may be NULL (borrowed) */
const struct policy *config_policy(struct config *, const char *list);

/* config_list_name - the canonical name of the list `name` stands for: a
 * [list NAME]'s NAME when name is it or one of its aliases (caselessly),
 * else name itself; NULL for NULL (borrowed) */
const char *config_list_name(struct config *, const char *name);

/* config_list_declared - does a [list NAME] group claim name (its NAME or
 * an alias)? */
int config_list_declared(struct config *, const char *name);

/* config_list_names - the [list NAME] names, sorted, NULL-terminated
 * (caller g_strfreev()s) */
char **config_list_names(struct config *);

/* config_acting_unproven - the list whose policy acts on reports without
 * proof (unproven = act), "" for [policy] itself, or NULL when none does
 * (borrowed) */
const char *config_acting_unproven(struct config *);

/* config_list_allowed - may a report name list `name`: any list when
 * [policy] lists = any (the default), else only a [list NAME] group's or
 * a mailbox's list =; NULL is always allowed */
int config_list_allowed(struct config *, const char *name);

/* config_notifiers - the [notify NAME] groups in file order; *n gets the
 * count (borrowed) */
const struct config_notify *config_notifiers(struct config *, size_t *n);

/* config_list_address - the list's address (an alias of its [list NAME]
 * with an @ in it), or NULL (borrowed) */
const char *config_list_address(struct config *, const char *list);

/* config_hooks - the [hooks] group (borrowed) */
const struct config_hooks *config_hooks(struct config *);

/* config_parse_options - the [parse] group (borrowed) */
const struct config_parse *config_parse_options(struct config *);

#endif /* REBOUND_CONFIG_H */
