/*
 * db.h - rebound's PostgreSQL database (libpq).
 *
 * The whole public interface of db/.  A db is one connection; every
 * statement is sent with parameters (PQexecParams), never with values
 * pasted into SQL.  Functions return 0, or -1 with *cause set (caller
 * g_free()s) and the connection's status a sysexits.h code: EX_TEMPFAIL
 * when the server is down or the connection broke (retry later),
 * EX_NOPERM when it refuses us, EX_CONFIG for a schema this rebound does
 * not know.
 */
#ifndef REBOUND_DB_H
#define REBOUND_DB_H

#include <stdio.h>

#include <glib.h>

#include "classify.h"

struct db;

/* How long a connection, a statement and a lock wait may take, in seconds
 * (0: as the server says), and the schema rebound's tables live in. */
struct db_settings {
	unsigned    connect, statement, lock;
	const char *schema; /* NULL: unqualified, the session's search_path;
			       else a plain identifier ([a-z_][a-z0-9_]*),
			       which db_migrate() creates */
};

/* db_open - connect with a libpq conninfo string; NULL with *cause and
 * *status on failure */
struct db *db_open(const char *conninfo, const struct db_settings *,
    char **cause, int *status);

/* db_close - NULL is a no-op */
void db_close(struct db *);

/* db_status - sysexits.h status of the last failure */
int db_status(const struct db *);

/*
 * db_migrate - apply the numbered migrations NNN_name.sql of sqldir that
 * the database lacks, in order, each in one transaction with its row in
 * rebound_schema; under an advisory lock, so concurrent runs wait.
 * Refuses a database whose schema is newer than the newest file.
 * *applied gets the number of migrations applied, *version the schema
 * version after.
 */
int db_migrate(struct db *, const char *sqldir, int *applied, int *version,
    char **cause);

/* The schema version this rebound writes: sql/'s newest migration. */
#define DB_SCHEMA_VERSION 8

/* db_release - lift the suppression caps (max_suppressions) of the
 * policies for what this connection writes from now on: a person has
 * reviewed what was held */
void db_release(struct db *, int yes);

/* db_note_hold - after a batch was held over max_suppressions (and rolled
 * back), record the hold (table holds) for `rebound status`; 0 when
 * there was none, or -1 with *cause */
int db_note_hold(struct db *, const char *mailbox, char **cause);

/* db_release_holds - mark the holds of mailbox released (after a run with
 * db_release() that stored its batches); 0 or -1 with *cause */
int db_release_holds(struct db *, const char *mailbox, char **cause);

/* db_data_error - was the last failure about the data (SQLSTATE class 22
 * or 23: a value too long for a hook's column, a constraint), which one
 * message alone can cause, rather than the connection, privileges, the
 * schema or a lock? */
int db_data_error(const struct db *);

/* db_schema_version - the applied schema version (0: none) */
int db_schema_version(struct db *, int *version, char **cause);

/* db_begin, db_commit, db_rollback - one transaction */
int  db_begin(struct db *, char **cause);
int  db_commit(struct db *, char **cause);
void db_rollback(struct db *);

/*
 * db_lock_mailbox - take the advisory lock that lets one `rebound run` at
 * a time read mailbox (across machines: it lives in PostgreSQL, for the
 * session); wait for it when wait is set, else *got 0 when another holds
 * it.  db_unlock_mailbox releases it.
 */
int  db_lock_mailbox(struct db *, const char *mailbox, int wait, int *got,
     char **cause);
void db_unlock_mailbox(struct db *, const char *mailbox);

/* db_mailbox_failed - record that mailbox failed with error (the time of
 * its first failure in a row is kept); *seconds gets how long it has been
 * failing.  db_mailbox_ok - it worked: forget the failure. */
int db_mailbox_failed(struct db *, const char *mailbox, const char *error,
    unsigned *seconds, char **cause);
int db_mailbox_ok(struct db *, const char *mailbox, char **cause);

/* db_recorded_uids - add to set (a GHashTable of strings it owns, made
 * with g_free as key destructor) the place of every message recorded from
 * mailbox: "UIDVALIDITY/UID", a UIDL or a file name */
int db_recorded_uids(struct db *, const char *mailbox, GHashTable *set,
    char **cause);

/*
 * SQL hooks: the operator's statements, run in the batch's transaction
 * with the parameters $1 address, $2 list, $3 class, $4 reason, $5 status,
 * $6 the send (campaign) the returned original names (all text; NULL when
 * unknown).  Any of them may be NULL.
 */
struct db_hooks {
	const char *on_suppress;   /* a suppression began */
	const char *on_soft;       /* a soft bounce was counted */
	const char *on_unsuppress; /* `rebound unsuppress` ended one */
};

/* db_set_hooks - prepare the hooks (a syntax or schema error is found
 * here, status EX_CONFIG); 0 or -1 */
int db_set_hooks(struct db *, const struct db_hooks *, char **cause);

/* A processed message, as recorded. */
struct db_message {
	const unsigned char *fp;          /* SHA-256 of its bytes, 32 bytes */
	const char          *message_id;  /* may be NULL */
	const char          *uid;         /* "UIDVALIDITY/UID", UIDL or name */
	int                  quarantined; /* could not be parsed */
	int                  review; /* no bounce: moved to the review folder */
};

/* One classified recipient of a message. */
struct db_event {
	const char *address; /* may be NULL: recorded, no subscriber */
	const char *list;    /* may be NULL */
	int         cls;     /* enum classify_class */
	const char *reason, *status, *reply_code, *rule, *diagnostic;
	const char *remote_mta, *reporting_mta, *feedback_type;
	const char *proof;        /* "verp", ...; NULL or "none": no proof */
	const char *proof_why;    /* why none, or NULL */
	const char *proof_secret; /* the returned original's per-subscriber
				     secret, for members_query; NULL */
	const char *send;         /* the send (campaign) the returned original
			     names ([parse] send_header), or NULL */
	const char *orig_message_id; /* the returned original's Message-ID:
					names a send recorded under it */
	long long   failed_at; /* when the delivery failed, seconds since the
				  epoch (mime_failed_at()); 0: now */
};

/*
 * A batch: the messages read from one mailbox and their events, written
 * by db_batch_write() in a handful of multi-row statements.  Everything
 * added is copied.
 */
struct db_batch;

struct db_batch *db_batch_new(const char *mailbox);
void             db_batch_free(struct db_batch *);

/* db_batch_clear - empty it for the next batch */
void db_batch_clear(struct db_batch *);

/* db_batch_message - add a message; its events follow */
void db_batch_message(struct db_batch *, const struct db_message *);

/* db_batch_event - add an event of the message added last */
void db_batch_event(struct db_batch *, const struct db_event *);

/* What db_batch_write() did to one event's subscriber: run --dry-run
 * shows it, then rolls the batch back. */
struct db_effect {
	const char *effect;       /* "suppress", "suppress everywhere", "count",
			       "nothing", "already stored" */
	const char *why;          /* the policy's words, or NULL */
	const char *state;        /* the subscriber's state after, or NULL */
	unsigned    score, sends; /* its soft points by day, sends in a row */
};

/* db_batch_effect - event i's (in the order added) after db_batch_write() */
void db_batch_effect(const struct db_batch *, unsigned i, struct db_effect *);

/* db_batch_event_list - the list event i counts on (as added), or NULL */
const char *db_batch_event_list(const struct db_batch *, unsigned i);

/* db_batch_events - how many events the batch holds */
unsigned db_batch_events(const struct db_batch *);

/* db_batch_size - how many messages the batch holds */
unsigned db_batch_size(const struct db_batch *);

/* db_batch_one - a new batch of message i of b and its events, as they
 * were added (caller frees with db_batch_free()) */
struct db_batch *db_batch_one(const struct db_batch *b, unsigned i);

/* db_batch_quarantine - every message of b quarantined, with error (the
 * database's word on why its effects could not be stored); its events
 * are dropped */
void db_batch_quarantine(struct db_batch *b, const char *error);

/* The policy of a list (NULL: no list); never NULL. */
struct policy;
typedef const struct policy *(*db_policy_fn)(const char *list, void *arg);

/* What db_batch_write() did, added to the caller's counts. */
struct db_tally {
	unsigned    duplicates, quarantined, suppressed;
	unsigned    review;     /* messages for a person: no bounce */
	unsigned    hooks_idle; /* hook runs that changed no row: usually a
				   list or address the list manager does not
				   know by that name */
	unsigned    cls[CLASSIFY_NCLASSES]; /* events by enum classify_class */
	GHashTable *blocks;     /* recipient domain -> blocks (guint) */
	GHashTable *block_days; /* "DAY DOMAIN" (DAY: days since the epoch
				   the deliveries failed) -> blocks (guint) */
};

/* db_day_blocks - *n: the blocks from domain on day (days since the
 * epoch) domain_daily holds.  0, or -1 with *cause. */
int db_day_blocks(struct db *, const char *domain, int day, unsigned *n,
    char **cause);

/*
 * db_batch_write - inside the caller's transaction: skip the messages
 * recorded before (same bytes or same Message-ID, also within the batch);
 * record the others, their events, the subscribers' new state under the
 * policy for their list, the suppressions it makes, the daily counts per
 * recipient domain, the mailbox's UIDVALIDITY; run the hooks.  Writers
 * serialise on an advisory lock for the rest of the transaction, so two
 * workers never count one message twice.  today is days since the epoch.
 */
int db_batch_write(struct db *, struct db_batch *, db_policy_fn, void *arg,
    int today, struct db_tally *, char **cause);

/*
 * Reports, for the status, export and subscriber commands.  Each writes
 * what it reads to f, one row at a time (single-row mode: an export of
 * millions needs no memory).
 */
enum db_format { DB_TEXT, DB_JSON, DB_CSV };

/* db_status_report - counts: messages, events, suppressed addresses, by
 * class, state and cause, the top recipient domains, the mailboxes */
int db_status_report(struct db *, FILE *f, enum db_format, char **cause);

/* What `rebound report` covers. */
struct db_report_query {
	int         since, until;   /* days since the epoch, both included */
	const char *list;           /* NULL: every list */
	int         show_addresses; /* 0: masked ("a***@example.org") */
	unsigned    incident_floor; /* blocks a day must reach to count */
};

/* db_report - the deliverability report of the period to f: per day and
 * list the events by class, suppressions and unsuppressions (by the day
 * each delivery failed); rates per send where its size is known; block
 * incidents; what rebound suppressed and who is closest; the top
 * domains, reasons and rules.  Text or JSON (docs/report.md). */
int db_report(struct db *, const struct db_report_query *, FILE *f,
    enum db_format, char **cause);

/* db_totals - the counters of the metrics file, from the database (they
 * only grow: events are never deleted, an ended suppression keeps its
 * row): every event by class and list, every suppression made by cause
 * and list.  cb gets what ("events" or "suppressions"), the class or
 * cause, the list ("" for none), the count.  0, or -1 with *cause. */
typedef void (*db_total_cb)(const char *what, const char *key, const char *list,
    long long n, void *arg);
int db_totals(struct db *, db_total_cb cb, void *arg, char **cause);

/* Which suppressions db_export() writes. */
struct db_export {
	enum db_format format; /* DB_TEXT: one address per line */
	const char    *list;   /* NULL: every list */
	const char    *since;  /* a time ("YYYY-MM-DD", ISO 8601) or NULL;
				  with changes: the cursor */
	int            scope;  /* DB_SCOPE_* */
	int       changes; /* suppressions begun and ended after the cursor, in
			order, each saying suppressed or unsuppressed */
	long long cursor;  /* out, with changes: the cursor to give next */
};
#define DB_SCOPE_ALL    0 /* global and per-list */
#define DB_SCOPE_GLOBAL 1 /* list_id NULL: complaints, list unknown */
#define DB_SCOPE_LIST   2 /* per list only */

/* db_export - the active suppressions; *rows gets how many */
int db_export(struct db *, struct db_export *, FILE *f, unsigned long *rows,
    char **cause);

/* db_list_known - does the database know list name?  0 when it does; -1
 * with *cause (naming the lists it knows) and db_status() EX_USAGE when
 * it does not, or on a failure: a typo must not export only the global
 * suppressions as if the list had none */
int db_list_known(struct db *, const char *name, char **cause);

/* db_sent - record (or correct) send key of list, made at `at` (an ISO
 * 8601 time, or NULL: now) to recipients addresses (-1: not known); the
 * list is created when new.  *created gets 1 for a new send. */
int db_sent(struct db *, const char *list, const char *key, const char *at,
    long recipients, int *created, char **cause);

/* db_subscriber - an address's state on each list, its suppressions and
 * its events; *found gets 0 when rebound never saw it */
int db_subscriber(struct db *, const char *address, FILE *f, enum db_format,
    int *found, char **cause);

/* Which active suppressions db_unsuppress() ends: those that match every
 * field given (NULL: any). */
struct db_unsuppress {
	const char *address;       /* caselessly */
	const char *list;          /* by name; its own, not the global ones */
	const char *rule;          /* the rule that decided the source event */
	const char *reason;        /* userunknown, mailboxfull, ... */
	const char *domain;        /* the address's domain, caselessly */
	const char *since, *until; /* begun on or after since, before until
				     ("YYYY-MM-DD") */
	const char *cause;         /* hard, soft, complaint, manual */
	const char *const *except_lists; /* not on these lists (NULL-
					    terminated; "" is no list) */
	const char        *why; /* the events' reason: "unsuppressed" (NULL), or
			    "expired" */
	int                dry_run; /* say what would end, change nothing */
};

/*
 * db_unsuppress - end the matching suppressions, make their subscribers
 * active with the soft counts forgotten, record a `manual` event each,
 * run on_unsuppress and tell the connectors (outbox); one transaction (a
 * dry run rolls it back before hooks and connectors).  Each one is
 * listed on f (unless NULL): "[would end: ]ADDRESS LIST CAUSE REASON
 * SINCE".  *ended gets how many; *left, with an address, how many of its
 * suppressions are still active (a global one, when a list was given).
 */
int db_unsuppress(struct db *, const struct db_unsuppress *, FILE *f,
    unsigned *ended, unsigned *left, char **cause);

/*
 * The outbox: each suppression, unsuppression and counted soft bounce
 * writes, in its own transaction, one notification per connector that
 * wants it; after COMMIT they are delivered (worker/deliver.c), in order
 * per connector and address, retried with backoff until delivered or
 * refused for good.
 */

/* A connector the outbox writes for. */
struct db_notifier {
	const char *name;
	unsigned    events; /* CONFIG_EVENT_* bits: 1 suppress, 2
			       unsuppress, 4 soft */
	const char *lists;  /* "news,digest", or NULL: every list */
};

/* db_set_notifiers - the connectors from now on (copied) */
void db_set_notifiers(struct db *, const struct db_notifier *, size_t n);

/* A notification due for delivery. */
struct db_note {
	char    *id, *connector, *key, *address, *list, *event, *body;
	unsigned attempts; /* before this one */
};

/* db_outbox_due - up to max notifications due now, oldest first, none
 * with an earlier one of the same connector and address still pending;
 * *notes gets a GArray of struct db_note (db_notes_free()) */
int  db_outbox_due(struct db *, unsigned max, GArray **notes, char **cause);
void db_notes_free(GArray *);

/* How a delivery went. */
enum db_delivery {
	DB_DELIVERED,
	DB_RETRY,  /* again after retry_after seconds */
	DB_REFUSED /* for good: failed_at set, a person looks */
};

/* db_outbox_mark - record an attempt at notification id */
int db_outbox_mark(struct db *, const char *id, enum db_delivery,
    const char *error, unsigned retry_after, char **cause);

/* db_outbox_requeue - make the refused notifications due again (after a
 * person fixed what refused them); *n gets how many */
int db_outbox_requeue(struct db *, unsigned *n, char **cause);

/* db_outbox_lock - try to become the one deliverer (*got 1), until
 * db_outbox_unlock() or the connection ends */
int  db_outbox_lock(struct db *, int *got, char **cause);
void db_outbox_unlock(struct db *);

#endif /* REBOUND_DB_H */
