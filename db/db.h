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

#endif /* REBOUND_DB_H */
