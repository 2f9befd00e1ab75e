/*
 * db.c - the connection, schema migrations, hooks and the helpers the
 * other files of db/ share.
 */
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>
#include <libpq-fe.h>

#include "internal.h"
#include "policy.h"
#include "log.h"

/* Key of the advisory lock held while migrating ("rebo"). */
#define DB_MIGRATE_LOCK "1919246959"
/* First half of the key of a mailbox's lock; the second is its name's
 * hash. */
#define DB_MAILBOX_LOCK "1919246961"

int
db_fail(struct db *db, PGresult *res, const char *what, char **cause)
{
	const char *state =
	    res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL && PQresultErrorMessage(res)[0] != '\0'
	    ? PQresultErrorMessage(res)
	    : PQerrorMessage(db->conn);
	char       *m = g_strstrip(g_strdup(msg));

	g_free(*cause);
	g_strlcpy(db->sqlstate, state != NULL ? state : "",
	    sizeof(db->sqlstate));
	if (state != NULL && strcmp(state, "55P03") == 0)
		*cause =
		    g_strdup_printf("%s: a lock was not granted within "
				    "lock_timeout: another session holds "
				    "the rows it needs (a hook's table, or "
				    "the list manager's own transaction): %s",
			what, m);
	else if (state != NULL && strcmp(state, "57014") == 0)
		*cause = g_strdup_printf("%s: it ran longer than "
					 "statement_timeout: %s",
		    what, m);
	else
		*cause = g_strdup_printf("%s: %s", what, m);
	g_free(m);
	if (PQstatus(db->conn) != CONNECTION_OK || state == NULL)
		db->status = EX_TEMPFAIL; /* no SQLSTATE: libpq's own
						   error, the connection (a
						   failed send leaves the
						   status OK until a read) */
	else if (strncmp(state, "28", 2) == 0 ||
	    strncmp(state, "42501", 5) == 0)
		db->status = EX_NOPERM;
	else if (strncmp(state, "08", 2) == 0 || strncmp(state, "40", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strcmp(state, "55P03") == 0)
		db->status = EX_TEMPFAIL; /* connection, serialization,
						   resources, shutdown */
	else
		db->status = EX_SOFTWARE;
	if (res != NULL)
		PQclear(res);
	return -1;
}

const char *
db_sql(struct db *db, const char *sql)
{
	const char *done = g_hash_table_lookup(db->sql, sql);
	GString    *s;
	const char *p;

	if (done != NULL)
		return done;
	s = g_string_sized_new(strlen(sql) + 64);
	for (p = sql; *p != '\0'; p++)
		if (*p != '@')
			g_string_append_c(s, *p);
		else {
			/* @name, always: an at sign in a string literal would
			 * vanish here without a word (write chr(64)); the SQL is
			 * the program's own, so this is a programmer's error */
			g_assert(g_ascii_isalpha(p[1]) || p[1] == '_');
			if (db->schema != NULL)
				g_string_append_printf(s, "\"%s\".",
				    db->schema);
		}
	done = g_string_free(s, FALSE);
	g_hash_table_insert(db->sql, g_strdup(sql), (char *)done);
	return done;
}

PGresult *
db_exec(struct db *db, const char *sql, int n, const char *const *params,
    ExecStatusType want, char **cause)
{
	return db_exec_typed(db, sql, n, NULL, params, want, cause);
}

PGresult *
db_exec_typed(struct db *db, const char *sql, int n, const Oid *types,
    const char *const *params, ExecStatusType want, char **cause)
{
	PGresult *res;

	sql = db_sql(db, sql);
	res = PQexecParams(db->conn, sql, n, types, params, NULL, NULL, 0);
	if (PQresultStatus(res) != want) {
		db_fail(db, res, sql, cause);
		return NULL;
	}
	return res;
}

/* quiet - libpq notice processor: server NOTICEs are for debugging */
static void
quiet(void *arg, const char *message)
{
	log_debug("postgresql: %s", message);
}

struct db *
db_open(const char *conninfo, const struct db_settings *t, char **cause,
    int *status)
{
	struct db  *db = g_new0(struct db, 1);
	PGresult   *res;
	char        ct[16], st[16], lt[16];
	const char *keys[3], *values[3], *params[2];
	int         n = 0;

	*cause = NULL;
	db->sql =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	db->schema = t != NULL ? g_strdup(t->schema) : NULL;
	/* connect_timeout unless the conninfo sets its own (the expanded
	 * dbname, last, wins over what comes before it) */
	g_snprintf(ct, sizeof(ct), "%u", t != NULL ? t->connect : 0);
	if (t != NULL && t->connect > 0) {
		keys[n] = "connect_timeout";
		values[n++] = ct;
	}
	keys[n] = "dbname";
	values[n++] = conninfo;
	keys[n] = NULL;
	values[n] = NULL;
	db->conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		const char *m = PQerrorMessage(db->conn);
		char       *msg = g_strstrip(g_strdup(m));
		*cause =
		    g_strdup_printf("cannot connect to PostgreSQL: %s", msg);
		/* refused credentials need a person; anything else may pass */
		*status = strstr(m, "authentication failed") != NULL ||
			strstr(m, "password") != NULL ||
			strstr(m, "does not exist") != NULL
		    ? EX_NOPERM
		    : EX_TEMPFAIL;
		g_free(msg);
		db_close(db);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	/* names and diagnostics are UTF-8 whatever the server's locale */
	PQsetClientEncoding(db->conn, "UTF8");
	/* a mailbox is acknowledged once its COMMIT returns: that commit
	 * must be on disk, whatever the server's default says ("local" and
	 * the remote levels already are) */
	res = PQexec(db->conn,
	    "SELECT set_config('synchronous_commit', 'on', "
	    "false) WHERE current_setting('synchronous_commit') = 'off'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_fail(db, res, "synchronous_commit", cause);
		*status = db->status;
		db_close(db);
		return NULL;
	}
	PQclear(res);
	/* a statement or a lock wait that would hang the run while it holds
	 * the mailbox's lock ends in an error instead (db_fail says which) */
	g_snprintf(st, sizeof(st), "%us", t != NULL ? t->statement : 0);
	g_snprintf(lt, sizeof(lt), "%us", t != NULL ? t->lock : 0);
	params[0] = st;
	params[1] = lt;
	if (t != NULL &&
	    (res = db_exec(db,
		 "SELECT set_config('statement_timeout', $1, false), "
		 "set_config('lock_timeout', $2, false)",
		 2, params, PGRES_TUPLES_OK, cause)) == NULL) {
		*status = db->status;
		db_close(db);
		return NULL;
	}
	if (t != NULL)
		PQclear(res);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	g_free(db->held_list);
	g_free(db->schema);
	for (int k = 0; k < 3; k++)
		g_free(db->notify[k]);
	if (db->sql != NULL)
		g_hash_table_destroy(db->sql);
	g_free(db);
}

int
db_status(const struct db *db)
{
	return db->status;
}

int
db_simple(struct db *db, const char *sql, int n, const char *const *params,
    char **cause)
{
	PGresult *res = db_exec(db, sql, n, params, PGRES_COMMAND_OK, cause);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* query_bool - a one-row, one-column boolean query; 0 or -1 */
static int
query_bool(struct db *db, const char *sql, int n, const char *const *params,
    int *yes, char **cause)
{
	PGresult *res = db_exec(db, sql, n, params, PGRES_TUPLES_OK, cause);

	if (res == NULL)
		return -1;
	*yes = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

int
db_begin(struct db *db, char **cause)
{
	return db_simple(db, "BEGIN", 0, NULL, cause);
}

int
db_commit(struct db *db, char **cause)
{
	return db_simple(db, "COMMIT", 0, NULL, cause);
}

void
db_rollback(struct db *db)
{
	PQclear(PQexec(db->conn, "ROLLBACK"));
}

/* ensure_schema_table - the table that records applied migrations */
static int
ensure_schema_table(struct db *db, char **cause)
{
	return db_simple(db,
	    "CREATE TABLE IF NOT EXISTS @rebound_schema ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())",
	    0, NULL, cause);
}

int
db_schema_version(struct db *db, int *version, char **cause)
{
	PGresult *res;
	int       exists;

	*version = 0;
	if (query_bool(db, "SELECT to_regclass('@rebound_schema') IS NOT NULL",
		0, NULL, &exists, cause) < 0)
		return -1;
	if (!exists)
		return 0;
	res =
	    db_exec(db, "SELECT coalesce(max(version), 0) FROM @rebound_schema",
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
	GError     *err = NULL;
	PGresult   *res;
	char       *sql = NULL, *v = g_strdup_printf("%d", version);
	const char *params[2] = { v, name };
	int         rc = -1;

	if (!g_file_get_contents(path, &sql, NULL, &err)) {
		*cause = g_strdup_printf("%s: %s", path, err->message);
		g_error_free(err);
		db->status = EX_NOINPUT;
		goto out;
	}
	if (db_begin(db, cause) < 0)
		goto out;
	/* the migration's tables go into the schema: its unqualified names
	 * resolve there and nowhere else (pg_catalog aside) */
	if (db->schema != NULL) {
		const char *p[1] = { db->schema };
		if ((res = db_exec(db,
			 "SELECT set_config('search_path', $1, true)", 1, p,
			 PGRES_TUPLES_OK, cause)) == NULL) {
			db_rollback(db);
			goto out;
		}
		PQclear(res);
	}
	/* A migration is trusted DDL from rebound's own sql/ folder, several
	 * statements and no values: the one place PQexec is right. */
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/* 42P07: a table of that name is there already: another
		 * application's (listmonk has lists and subscribers) */
		char *what = g_strdup_printf("migration %s%s", name,
		    db->schema == NULL && g_strcmp0(state, "42P07") == 0
			? " (to share a database with another application, "
			  "give rebound a schema of its own: [database] "
			  "schema = rebound)"
			: "");
		db_fail(db, res, what, cause);
		g_free(what);
		db_rollback(db);
		goto out;
	}
	PQclear(res);
	if (db_simple(db,
		"INSERT INTO @rebound_schema (version, name) VALUES "
		"($1, $2)",
		2, params, cause) < 0) {
		db_rollback(db);
		goto out;
	}
	if (db_commit(db, cause) < 0)
		goto out;
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
	GPtrArray  *files = g_ptr_array_new_with_free_func(g_free);
	GDir       *dir;
	GError     *err = NULL;
	PGresult   *res;
	const char *n;
	const char *key[1] = { DB_MIGRATE_LOCK };
	int         newest = 0, current = 0, rc = -1, locked = 0;
	guint       i;

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
		newest =
		    migration_version(g_ptr_array_index(files, files->len - 1));

	/* one migrator at a time; the others wait, then find nothing to do */
	if ((res = db_exec(db, "SELECT pg_advisory_lock($1)", 1, key,
		 PGRES_TUPLES_OK, cause)) == NULL)
		goto out;
	PQclear(res);
	locked = 1;
	if (db->schema != NULL) {
		/* made by the database's owner beforehand, when rebound's role
		 * may not create schemas (CREATE SCHEMA ... AUTHORIZATION) */
		const char *p[1] = { db->schema };
		char       *create =
		    g_strdup_printf("CREATE SCHEMA \"%s\"", db->schema);
		int there = 0, r;

		r = query_bool(db,
		    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = "
		    "$1)",
		    1, p, &there, cause);
		if (r == 0 && !there)
			r = db_simple(db, create, 0, NULL, cause);
		g_free(create);
		if (r < 0)
			goto out;
	}
	if (ensure_schema_table(db, cause) < 0 ||
	    db_schema_version(db, &current, cause) < 0)
		goto out;
	if (current > newest) {
		*cause = g_strdup_printf(
		    "the database schema is version %d, "
		    "newer than this rebound knows (%d): upgrade rebound",
		    current, newest);
		db->status = EX_CONFIG;
		goto out;
	}
	for (i = 0; i < files->len; i++) {
		const char *name = g_ptr_array_index(files, i);
		int         v = migration_version(name);
		char       *path;

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
		PQclear(PQexecParams(db->conn, "SELECT pg_advisory_unlock($1)",
		    1, NULL, key, NULL, NULL, 0));
	g_ptr_array_free(files, TRUE);
	return rc;
}

int
db_lock_mailbox(struct db *db, const char *mailbox, int wait, int *got,
    char **cause)
{
	const char *params[2] = { DB_MAILBOX_LOCK, mailbox };
	PGresult   *res;

	*got = 0;
	res = db_exec(db,
	    wait ? "SELECT pg_advisory_lock($1::int4, "
		   "hashtext($2)) IS NOT NULL"
		 : "SELECT pg_try_advisory_lock($1::int4, "
		   "hashtext($2))",
	    2, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	*got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

void
db_unlock_mailbox(struct db *db, const char *mailbox)
{
	const char *params[2] = { DB_MAILBOX_LOCK, mailbox };

	PQclear(PQexecParams(db->conn,
	    "SELECT pg_advisory_unlock($1::int4, "
	    "hashtext($2))",
	    2, NULL, params, NULL, NULL, 0));
}

int
db_recorded_uids(struct db *db, const char *mailbox, GHashTable *set,
    char **cause)
{
	const char *params[1] = { mailbox };
	PGresult   *res;
	int         r;

	res = db_exec(db,
	    "SELECT coalesce(uidvalidity || '/' || uid, uidl) "
	    "FROM @messages WHERE mailbox = $1 AND (uid IS NOT NULL OR uidl IS "
	    "NOT NULL)",
	    1, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	for (r = 0; r < PQntuples(res); r++)
		g_hash_table_add(set, g_strdup(PQgetvalue(res, r, 0)));
	PQclear(res);
	return 0;
}

int
db_mailbox_failed(struct db *db, const char *mailbox, const char *error,
    unsigned *seconds, char **cause)
{
	const char *params[2] = { mailbox, error };
	PGresult   *res = db_exec(db,
	      "INSERT INTO @mailboxes AS m (name, failing_since, last_error) "
		"VALUES ($1, now(), $2) ON CONFLICT (name) DO UPDATE SET "
		"failing_since = coalesce(m.failing_since, now()), last_error = $2 "
		"RETURNING extract(epoch FROM now() - failing_since)::int8",
	      2, params, PGRES_TUPLES_OK, cause);

	if (res == NULL)
		return -1;
	*seconds = (unsigned)g_ascii_strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int
db_mailbox_ok(struct db *db, const char *mailbox, char **cause)
{
	const char *params[1] = { mailbox };

	return db_simple(db,
	    "UPDATE @mailboxes SET failing_since = NULL, last_error = NULL "
	    "WHERE name = $1 AND failing_since IS NOT NULL",
	    1, params, cause);
}

/* hook_fail - db_fail() for hook `name`: an SQL error in it is the
 * operator's configuration (EX_CONFIG), not rebound's */
static int
hook_fail(struct db *db, PGresult *res, const char *name, char **cause)
{
	char *what = g_strdup_printf("[hooks] %s", name);

	db_fail(db, res, what, cause);
	g_free(what);
	if (db->status == EX_SOFTWARE)
		db->status = EX_CONFIG;
	return -1;
}

int
db_set_hooks(struct db *db, const struct db_hooks *h, char **cause)
{
	/* every parameter is text, so a hook may use any of them or none */
	static const Oid types[6] = { 25, 25, 25, 25, 25, 25 }; /* TEXTOID */
	const struct {
		const char  *name, *sql;
		const char **slot;
	} hooks[] = {
		{ "on_suppress", h->on_suppress, &db->hooks.on_suppress },
		{ "on_soft", h->on_soft, &db->hooks.on_soft },
		{ "on_unsuppress", h->on_unsuppress, &db->hooks.on_unsuppress },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(hooks); i++) {
		PGresult *res;

		*hooks[i].slot = NULL;
		if (hooks[i].sql == NULL)
			continue;
		res =
		    PQprepare(db->conn, hooks[i].name, hooks[i].sql, 6, types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return hook_fail(db, res, hooks[i].name, cause);
		PQclear(res);
		*hooks[i].slot = hooks[i].name;
	}
	return 0;
}

int
db_hook(struct db *db, const char *name, const char *address, const char *list,
    const char *cls, const char *reason, const char *status, const char *send,
    char **cause)
{
	const char    *params[6] = { address, list, cls, reason, status, send };
	const char    *prepared = strcmp(name, "on_suppress") == 0
	       ? db->hooks.on_suppress
	       : strcmp(name, "on_soft") == 0 ? db->hooks.on_soft
					      : db->hooks.on_unsuppress;
	PGresult      *res;
	ExecStatusType st;

	if (prepared == NULL)
		return 0;
	res = PQexecPrepared(db->conn, prepared, 6, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return hook_fail(db, res, name, cause);
	/* UPDATE 0, INSERT 0 0, a SELECT of no row: the list manager did not
	 * hear of it (db_tally's hooks_idle) */
	if (strcmp(PQcmdTuples(res), "0") == 0 ||
	    (st == PGRES_TUPLES_OK && PQntuples(res) == 0)) {
		db->hooks_idle++;
		log_debug("[hooks] %s changed no row for %s on %s", name,
		    address != NULL ? address : "(no address)",
		    list != NULL ? list : "no list");
	}
	PQclear(res);
	return 0;
}

void
db_array_init(struct db_array *a)
{
	a->s = g_string_new("{");
	a->n = 0;
}

void
db_array_add(struct db_array *a, const char *v)
{
	const char *p, *end;
	char       *valid = NULL;

	if (a->n++ > 0)
		g_string_append_c(a->s, ',');
	if (v == NULL) {
		g_string_append(a->s, "NULL");
		return;
	}
	/* the parser hands over valid UTF-8; anything else (a config value, a
	 * file name) is made valid rather than failing the whole batch */
	if (!g_utf8_validate(v, -1, &end))
		v = valid = g_utf8_make_valid(v, -1);
	g_string_append_c(a->s, '"');
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(a->s, '\\');
		g_string_append_c(a->s, *p);
	}
	g_string_append_c(a->s, '"');
	g_free(valid);
}

void
db_array_addf(struct db_array *a, const char *fmt, ...)
{
	va_list ap;
	char   *v;

	va_start(ap, fmt);
	v = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	db_array_add(a, v);
	g_free(v);
}

const char *
db_array_end(struct db_array *a)
{
	if (a->s->str[a->s->len - 1] != '}')
		g_string_append_c(a->s, '}');
	return a->s->str;
}

void
db_array_free(struct db_array *a)
{
	if (a->s != NULL)
		g_string_free(a->s, TRUE);
	a->s = NULL;
}

int
db_date_days(const char *s)
{
	return s != NULL && s[0] != '\0' ? policy_day(s) : -1;
}

char *
db_days_date(int n)
{
	char buf[11];

	return n < 0 ? NULL : g_strdup(policy_date(n, buf));
}

int
db_data_error(const struct db *db)
{
	return strncmp(db->sqlstate, "22", 2) == 0 ||
	    strncmp(db->sqlstate, "23", 2) == 0;
}

void
db_release(struct db *db, int yes)
{
	db->release = yes;
}

int
db_note_hold(struct db *db, const char *mailbox, char **cause)
{
	char        n[16], c[16], d[16];
	const char *params[5] = { mailbox, db->held_list, n, c, d };
	int         rc;

	if (!db->held)
		return 0;
	g_snprintf(n, sizeof(n), "%u", db->held_count);
	g_snprintf(c, sizeof(c), "%u", db->held_cap);
	g_snprintf(d, sizeof(d), "%u", db->held_days);
	rc = db_simple(db,
	    "INSERT INTO @holds (mailbox, list, suppressions, cap, "
	    "window_days) VALUES ($1, $2, $3::integer, $4::integer, "
	    "$5::integer)",
	    5, params, cause);
	db->held = 0;
	g_free(db->held_list);
	db->held_list = NULL;
	return rc;
}

int
db_release_holds(struct db *db, const char *mailbox, char **cause)
{
	const char *params[1] = { mailbox };

	return db_simple(db,
	    "UPDATE @holds SET released_at = now() WHERE mailbox = $1 AND "
	    "released_at IS NULL",
	    1, params, cause);
}
