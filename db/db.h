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

struct db;

/* db_open - connect with a libpq conninfo string; NULL with *cause and
 * *status on failure */
struct db *db_open(const char *conninfo, char **cause, int *status);

/* db_close - NULL is a no-op */
void	db_close(struct db *);

/* db_status - sysexits.h status of the last failure */
int	db_status(const struct db *);

/*
 * db_migrate - apply the numbered migrations NNN_name.sql of sqldir that
 * the database lacks, in order, each in one transaction with its row in
 * rebound_schema; under an advisory lock, so concurrent runs wait.
 * Refuses a database whose schema is newer than the newest file.
 * *applied gets the number of migrations applied, *version the schema
 * version after.
 */
int	db_migrate(struct db *, const char *sqldir, int *applied, int *version,
	    char **cause);

/* db_schema_version - the applied schema version (0: none) */
int	db_schema_version(struct db *, int *version, char **cause);

/* db_begin, db_commit, db_rollback - one transaction */
int	db_begin(struct db *, char **cause);
int	db_commit(struct db *, char **cause);
void	db_rollback(struct db *);

/*
 * db_seen - has a message with these bytes (SHA-256 fingerprint, 32
 * bytes) or this Message-ID (may be NULL) been recorded?  *seen gets 1/0.
 */
int	db_seen(struct db *, const unsigned char fp[32], const char *message_id,
	    int *seen, char **cause);

/* db_uid_recorded - was the message at uid ("UIDVALIDITY/UID", a UIDL or
 * a file name) of mailbox recorded?  *yes gets 1/0. */
int	db_uid_recorded(struct db *, const char *mailbox, const char *uid,
	    int *yes, char **cause);

/* A processed message, as recorded. */
struct db_message {
	const unsigned char *fp;	/* 32 bytes */
	const char	*message_id;	/* may be NULL */
	const char	*mailbox;
	const char	*uid;		/* "UIDVALIDITY/UID", UIDL or name */
	int		 quarantined;
};

/* db_record_message - insert it; *id gets its row id */
int	db_record_message(struct db *, const struct db_message *, long long *id,
	    char **cause);

/* One classified recipient of a message, to apply. */
struct db_event {
	long long	 message;	/* db_record_message id */
	const char	*address;	/* may be NULL: recorded, no subscriber */
	const char	*list;		/* may be NULL */
	int		 cls;		/* enum classify_class */
	const char	*reason, *status, *reply_code, *rule, *diagnostic;
	const char	*remote_mta, *reporting_mta, *feedback_type, *mailbox;
};

struct policy;

/*
 * db_apply_event - record the event and apply the policy to the
 * subscriber (created when new, locked while changed): state, score,
 * counts, suppression (per list, or global for complaints), the daily
 * count of its domain.  today is days since the epoch.  *suppressed gets
 * 1 when this event suppressed the address.
 */
int	db_apply_event(struct db *, const struct db_event *,
	    const struct policy *, int today, int *suppressed, char **cause);

#endif /* REBOUND_DB_H */
