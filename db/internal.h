/*
 * internal.h - shared between the files of db/; not part of the module's
 * public interface (that is db.h).
 */
#ifndef REBOUND_DB_INTERNAL_H
#define REBOUND_DB_INTERNAL_H

#include <glib.h>
#include <libpq-fe.h>

#include "db.h"

/* Key of the advisory lock a writer of subscriber state holds until its
 * COMMIT ("rebo" + 0): one writer at a time, and `export --changes`
 * waits for it so that no change is behind its cursor. */
#define DB_STORE_LOCK "1919246960"

struct db {
	PGconn         *conn;
	int             status;      /* sysexits.h code of the last failure */
	char            sqlstate[6]; /* of the last failure, or "" */
	int             release;     /* db_release(): no suppression cap */
	int             held;        /* check_caps() held the last batch: */
	char           *held_list;   /* its list (NULL: every list), */
	unsigned        held_count, held_cap, held_days; /* and why */
	struct db_hooks hooks;      /* which are prepared (non-NULL) */
	char           *schema;     /* db_settings' schema, or NULL */
	unsigned        hooks_idle; /* db_hook() runs that changed no row */
	char           *notify[3];  /* the connectors as arrays: names,
				       events, lists (db_set_notifiers) */
	GHashTable     *sql; /* statement as written -> as sent (db_sql) */
};

/*
 * db_sql - a statement of rebound's as it is sent.  Rebound's own tables
 * are written "@name" in its SQL ("SELECT count(*) FROM @events"); each
 * becomes "schema".name with a [database] schema, or name without one, so
 * that rebound's statements never resolve to a list manager's table of
 * the same name (listmonk has lists and subscribers too).  The operator's
 * SQL (hooks, members_query) never goes through here: it runs with the
 * session's search_path.  The text lives as long as db.
 */
const char *db_sql(struct db *, const char *sql);

/* db_fail - set *cause ("what: message") and db->status from the result
 * or the connection; PQclear()s res; returns -1 */
int db_fail(struct db *, PGresult *res, const char *what, char **cause);

/* db_exec - one parameterised statement expecting `want`; the result
 * (caller PQclear()s) or NULL after db_fail() */
PGresult *db_exec(struct db *, const char *sql, int n,
    const char *const *params, ExecStatusType want, char **cause);

/* db_exec_typed - db_exec() with the parameters' types declared (OIDs),
 * so that a statement may leave some of them unused */
PGresult *db_exec_typed(struct db *, const char *sql, int n, const Oid *types,
    const char *const *params, ExecStatusType want, char **cause);

/* db_simple - a statement without results; 0 or -1 */
int db_simple(struct db *, const char *sql, int n, const char *const *params,
    char **cause);

/* db_hook - run hook `name` ("on_soft", ...) if configured, with the six
 * hook parameters; 0 or -1 (status EX_CONFIG: the operator's SQL) */
int db_hook(struct db *, const char *name, const char *address,
    const char *list, const char *cls, const char *reason, const char *status,
    const char *send, char **cause);

/* A decision the list manager must hear of (db_note). */
struct db_notice {
	const char *event;   /* "suppress", "unsuppress", "soft" */
	const char *address; /* as stored */
	const char *list;    /* canonical; NULL: every list */
	const char *state;   /* the state to set: suppressed, active, ... */
	const char *cause, *reason, *status, *proof, *send;
	int         score; /* soft points; -1: none */
};

/* db_note - write n to the outbox for every connector that wants it, in
 * the caller's transaction; 0 or -1 */
int db_note(struct db *, const struct db_notice *n, char **cause);

/*
 * A PostgreSQL array literal built one element at a time, for sending many
 * rows as one parameter ("{...}" with every element quoted; NULL as NULL).
 * Hand-written because libpq has no array encoder; the text goes out as a
 * parameter, never into SQL.
 */
struct db_array {
	GString *s;
	unsigned n;
};

void db_array_init(struct db_array *);
void db_array_add(struct db_array *, const char *v); /* NULL: NULL */
void db_array_addf(struct db_array *, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* db_array_end - the literal (owned by the array until db_array_free) */
const char *db_array_end(struct db_array *);
void        db_array_free(struct db_array *);

/* db_days_date - days since the epoch as "YYYY-MM-DD" (g_free), NULL
 * for -1; db_date_days - the reverse, -1 for NULL or "" */
char *db_days_date(int days);
int   db_date_days(const char *s);

#endif /* REBOUND_DB_INTERNAL_H */
