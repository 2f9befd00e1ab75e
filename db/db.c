/*
 * db.c - connection and schema migrations.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libpq-fe.h>

#include "db.h"

/* Key of the advisory lock held while migrating ("rebo"). */
#define DB_MIGRATE_LOCK		"1919246959"

struct db {
	PGconn	*conn;
	int	 status;
};

/* fail - set *cause from the connection or result, and db->status */
static int
fail(struct db *db, PGresult *res, const char *what, char **cause)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL && PQresultErrorMessage(res)[0] != '\0' ?
	    PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	char *m = g_strstrip(g_strdup(msg));

	g_free(*cause);
	*cause = g_strdup_printf("%s: %s", what, m);
	g_free(m);
	if (PQstatus(db->conn) != CONNECTION_OK)
		db->status = EX_TEMPFAIL;
	else if (state != NULL && (strncmp(state, "28", 2) == 0 ||
	    strncmp(state, "42501", 5) == 0))
		db->status = EX_NOPERM;
	else if (state != NULL && (strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "40", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "57", 2) == 0))
		db->status = EX_TEMPFAIL;	/* connection, serialization,
						   resources, shutdown */
	else
		db->status = EX_SOFTWARE;
	if (res != NULL)
		PQclear(res);
	return -1;
}

/* exec - run one parameterised statement expecting `want`; the result
 * (caller PQclear()s) or NULL after fail() */
static PGresult *
exec(struct db *db, const char *sql, int n, const char *const *params,
    ExecStatusType want, char **cause)
{
	PGresult *res = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL,
	    0);

	if (PQresultStatus(res) != want) {
		fail(db, res, sql, cause);
		return NULL;
	}
	return res;
}

/* quiet - libpq notice processor: server NOTICEs are for debugging */
static void
quiet(void *arg, const char *message)
{
	g_debug("postgresql: %s", message);
}

struct db *
db_open(const char *conninfo, char **cause, int *status)
{
	struct db *db = g_new0(struct db, 1);

	*cause = NULL;
	db->conn = PQconnectdb(conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		const char *m = PQerrorMessage(db->conn);
		char *msg = g_strstrip(g_strdup(m));
		*cause = g_strdup_printf("cannot connect to PostgreSQL: %s", msg);
		/* refused credentials need a person; anything else may pass */
		*status = strstr(m, "authentication failed") != NULL ||
		    strstr(m, "password") != NULL || strstr(m, "does not exist")
		    != NULL ? EX_NOPERM : EX_TEMPFAIL;
		g_free(msg);
		db_close(db);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	g_free(db);
}

int
db_status(const struct db *db)
{
	return db->status;
}

/* ensure_schema_table - the table that records applied migrations */
static int
ensure_schema_table(struct db *db, char **cause)
{
	PGresult *res = exec(db, "CREATE TABLE IF NOT EXISTS rebound_schema ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL,
	    PGRES_COMMAND_OK, cause);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
db_schema_version(struct db *db, int *version, char **cause)
{
	PGresult *res;

	*version = 0;
	res = exec(db, "SELECT to_regclass('rebound_schema') IS NOT NULL", 0,
	    NULL, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = exec(db, "SELECT coalesce(max(version), 0) FROM rebound_schema",
	    0, NULL, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* migration_version - NNN of "NNN_name.sql", or 0 when name is not one */
static int
migration_version(const char *name)
{
	if (strlen(name) < 9 || !g_ascii_isdigit(name[0]) ||
	    !g_ascii_isdigit(name[1]) || !g_ascii_isdigit(name[2]) ||
	    name[3] != '_' || !g_str_has_suffix(name, ".sql"))
		return 0;
	return atoi(name);
}

static gint
cmp_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* apply - one migration file and its rebound_schema row, in one
 * transaction */
static int
apply(struct db *db, const char *path, const char *name, int version,
    char **cause)
{
	GError *err = NULL;
	PGresult *res;
	char *sql = NULL, *v = g_strdup_printf("%d", version);
	const char *params[2] = { v, name };
	int rc = -1;

	if (!g_file_get_contents(path, &sql, NULL, &err)) {
		*cause = g_strdup_printf("%s: %s", path, err->message);
		g_error_free(err);
		db->status = EX_NOINPUT;
		goto out;
	}
	if ((res = exec(db, "BEGIN", 0, NULL, PGRES_COMMAND_OK, cause)) == NULL)
		goto out;
	PQclear(res);
	/* A migration is trusted DDL from rebound's own sql/ folder, several
	 * statements and no values: the one place PQexec is right. */
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char *what = g_strdup_printf("migration %s", name);
		fail(db, res, what, cause);
		g_free(what);
		PQclear(PQexec(db->conn, "ROLLBACK"));
		goto out;
	}
	PQclear(res);
	res = exec(db, "INSERT INTO rebound_schema (version, name) VALUES "
	    "($1, $2)", 2, params, PGRES_COMMAND_OK, cause);
	if (res == NULL) {
		PQclear(PQexec(db->conn, "ROLLBACK"));
		goto out;
	}
	PQclear(res);
	if ((res = exec(db, "COMMIT", 0, NULL, PGRES_COMMAND_OK, cause)) == NULL)
		goto out;
	PQclear(res);
	rc = 0;
out:
	g_free(sql);
	g_free(v);
	return rc;
}

int
db_migrate(struct db *db, const char *sqldir, int *applied, int *version,
    char **cause)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GDir *dir;
	GError *err = NULL;
	PGresult *res;
	const char *n;
	const char *key[1] = { DB_MIGRATE_LOCK };
	int newest = 0, current = 0, rc = -1, locked = 0;
	guint i;

	*applied = 0;
	*version = 0;
	*cause = NULL;
	if ((dir = g_dir_open(sqldir, 0, &err)) == NULL) {
		*cause = g_strdup_printf("migrations: %s", err->message);
		g_error_free(err);
		db->status = EX_NOINPUT;
		goto out;
	}
	while ((n = g_dir_read_name(dir)) != NULL)
		if (migration_version(n) > 0)
			g_ptr_array_add(files, g_strdup(n));
	g_dir_close(dir);
	g_ptr_array_sort(files, cmp_name);
	if (files->len > 0)
		newest = migration_version(g_ptr_array_index(files,
		    files->len - 1));

	/* one migrator at a time; the others wait, then find nothing to do */
	if ((res = exec(db, "SELECT pg_advisory_lock($1)", 1, key,
	    PGRES_TUPLES_OK, cause)) == NULL)
		goto out;
	PQclear(res);
	locked = 1;
	if (ensure_schema_table(db, cause) < 0 ||
	    db_schema_version(db, &current, cause) < 0)
		goto out;
	if (current > newest) {
		*cause = g_strdup_printf("the database schema is version %d, "
		    "newer than this rebound knows (%d): upgrade rebound", current,
		    newest);
		db->status = EX_CONFIG;
		goto out;
	}
	for (i = 0; i < files->len; i++) {
		const char *name = g_ptr_array_index(files, i);
		int v = migration_version(name);
		char *path;

		if (v <= current)
			continue;
		path = g_build_filename(sqldir, name, NULL);
		if (apply(db, path, name, v, cause) < 0) {
			g_free(path);
			goto out;
		}
		g_free(path);
		current = v;
		(*applied)++;
	}
	rc = 0;
out:
	*version = current;
	if (locked)
		PQclear(PQexecParams(db->conn, "SELECT pg_advisory_unlock($1)", 1,
		    NULL, key, NULL, NULL, 0));
	g_ptr_array_free(files, TRUE);
	return rc;
}
