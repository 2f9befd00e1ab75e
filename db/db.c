/*
 * db.c - connection and schema migrations.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libpq-fe.h>

#include "classify.h"
#include "db.h"
#include "policy.h"

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

/* simple - a statement without results, parameterised; 0 or -1 */
static int
simple(struct db *db, const char *sql, int n, const char *const *params,
    char **cause)
{
	PGresult *res = exec(db, sql, n, params, PGRES_COMMAND_OK, cause);

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
	PGresult *res = exec(db, sql, n, params, PGRES_TUPLES_OK, cause);

	if (res == NULL)
		return -1;
	*yes = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

/* split_uid - "UIDVALIDITY/UID" into its two numbers (g_free), or a UIDL
 * or file name into *uidl (borrowed) */
static void
split_uid(const char *uid, char **uidvalidity, char **num, const char **uidl)
{
	const char *slash = uid != NULL ? strchr(uid, '/') : NULL;

	*uidvalidity = *num = NULL;
	*uidl = slash == NULL ? uid : NULL;
	if (slash != NULL) {
		*uidvalidity = g_strndup(uid, (gsize)(slash - uid));
		*num = g_strdup(slash + 1);
	}
}

int
db_begin(struct db *db, char **cause)
{
	return simple(db, "BEGIN", 0, NULL, cause);
}

int
db_commit(struct db *db, char **cause)
{
	return simple(db, "COMMIT", 0, NULL, cause);
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
	return simple(db, "CREATE TABLE IF NOT EXISTS rebound_schema ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL, cause);
}

int
db_schema_version(struct db *db, int *version, char **cause)
{
	PGresult *res;
	int exists;

	*version = 0;
	if (query_bool(db, "SELECT to_regclass('rebound_schema') IS NOT NULL",
	    0, NULL, &exists, cause) < 0)
		return -1;
	if (!exists)
		return 0;
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
	if (db_begin(db, cause) < 0)
		goto out;
	/* A migration is trusted DDL from rebound's own sql/ folder, several
	 * statements and no values: the one place PQexec is right. */
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char *what = g_strdup_printf("migration %s", name);
		fail(db, res, what, cause);
		g_free(what);
		db_rollback(db);
		goto out;
	}
	PQclear(res);
	if (simple(db, "INSERT INTO rebound_schema (version, name) VALUES "
	    "($1, $2)", 2, params, cause) < 0) {
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

/* hex - the fingerprint as PostgreSQL's bytea hex input "\\x..." */
static char *
hex(const unsigned char fp[32])
{
	GString *s = g_string_new("\\x");
	int i;

	for (i = 0; i < 32; i++)
		g_string_append_printf(s, "%02x", fp[i]);
	return g_string_free(s, FALSE);
}

int
db_seen(struct db *db, const unsigned char fp[32], const char *message_id,
    int *seen, char **cause)
{
	char *h = hex(fp);
	const char *params[2] = { h, message_id };
	int rc = query_bool(db, "SELECT EXISTS (SELECT 1 FROM messages WHERE "
	    "fingerprint = $1::bytea OR ($2::text IS NOT NULL AND "
	    "message_id = $2))", 2, params, seen, cause);

	g_free(h);
	return rc;
}

int
db_uid_recorded(struct db *db, const char *mailbox, const char *uid, int *yes,
    char **cause)
{
	char *uv, *num;
	const char *uidl;
	int rc;

	split_uid(uid, &uv, &num, &uidl);
	{
		const char *params[4] = { mailbox, uidl, uv, num };
		rc = query_bool(db, "SELECT EXISTS (SELECT 1 FROM messages WHERE "
		    "mailbox = $1 AND (uidl = $2 OR (uidvalidity = $3::bigint "
		    "AND uid = $4::bigint)))", 4, params, yes, cause);
	}
	g_free(uv);
	g_free(num);
	return rc;
}

int
db_record_message(struct db *db, const struct db_message *m, long long *id,
    char **cause)
{
	char *h = hex(m->fp);
	char *uv, *uid;
	const char *uidl;
	const char *params[7];
	PGresult *res;

	/* IMAP "UIDVALIDITY/UID" in its columns, anything else as UIDL */
	split_uid(m->uid, &uv, &uid, &uidl);
	params[0] = h;
	params[1] = m->message_id;
	params[2] = m->mailbox;
	params[3] = uv;
	params[4] = uid;
	params[5] = uidl;
	params[6] = m->quarantined ? "quarantined" : "processed";
	res = exec(db, "INSERT INTO messages (fingerprint, message_id, mailbox, "
	    "uidvalidity, uid, uidl, outcome) VALUES ($1::bytea, $2, $3, "
	    "$4::bigint, $5::bigint, $6, $7) RETURNING id", 7, params,
	    PGRES_TUPLES_OK, cause);
	g_free(h);
	g_free(uv);
	g_free(uid);
	if (res == NULL)
		return -1;
	*id = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* list_id - the id of list `name`, created when new; "" for NULL */
static int
list_id(struct db *db, const char *name, char **id, char **cause)
{
	const char *params[1] = { name };
	PGresult *res;

	*id = NULL;
	if (name == NULL)
		return 0;
	res = exec(db, "WITH ins AS (INSERT INTO lists (name) VALUES ($1) "
	    "ON CONFLICT (name) DO NOTHING RETURNING id) SELECT id FROM ins "
	    "UNION ALL SELECT id FROM lists WHERE name = $1", 1, params,
	    PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	*id = g_strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* date_days - "YYYY-MM-DD" as days since the epoch, -1 for "" */
static int
date_days(const char *s)
{
	int y, m, d;
	GDate *g;
	int n;

	if (s == NULL || sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
		return -1;
	g = g_date_new_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
	n = (int)g_date_get_julian(g) - 719163;	/* 1970-01-01 */
	g_date_free(g);
	return n;
}

/* days_date - days since the epoch as "YYYY-MM-DD" (g_free), NULL for -1 */
static char *
days_date(int n)
{
	GDate *g;
	char *s;

	if (n < 0)
		return NULL;
	g = g_date_new_julian((guint32)(n + 719163));
	s = g_strdup_printf("%04d-%02d-%02d", g_date_get_year(g),
	    g_date_get_month(g), g_date_get_day(g));
	g_date_free(g);
	return s;
}

int
db_apply_event(struct db *db, const struct db_event *ev,
    const struct policy *p, int today, int *suppressed, char **cause)
{
	static const char *count_col[] = { NULL, "hard_count", "soft_count",
	    "block_count", "complaint_count", NULL };
	char *lid = NULL, *sid = NULL, *eid = NULL, *last = NULL, *since = NULL;
	char *score = NULL, *day = days_date(today), *sql = NULL;
	const char *cls = classify_class_name((enum classify_class)ev->cls);
	const char *domain = ev->address != NULL ?
	    strrchr(ev->address, '@') : NULL;
	struct policy_state st;
	enum policy_effect eff = POLICY_NOTHING;
	const char *why = NULL;
	PGresult *res = NULL;
	char *msg = g_strdup_printf("%lld", ev->message);
	int rc = -1;

	*suppressed = 0;
	policy_state_init(&st);
	if (list_id(db, ev->list, &lid, cause) < 0)
		goto out;
	if (ev->address != NULL) {
		const char *params[2] = { lid, ev->address };
		/* the subscriber, created when new, locked until COMMIT */
		res = exec(db, "INSERT INTO subscribers (list_id, address) VALUES "
		    "($1::bigint, $2) ON CONFLICT (list_id, address) DO NOTHING",
		    2, params, PGRES_COMMAND_OK, cause);
		if (res == NULL)
			goto out;
		PQclear(res);
		res = exec(db, "SELECT id, state, score, last_soft_day, soft_since "
		    "FROM subscribers WHERE list_id IS NOT DISTINCT FROM "
		    "$1::bigint AND address = $2 FOR UPDATE", 2, params,
		    PGRES_TUPLES_OK, cause);
		if (res == NULL)
			goto out;
		sid = g_strdup(PQgetvalue(res, 0, 0));
		st.state = strcmp(PQgetvalue(res, 0, 1), "bouncing") == 0 ?
		    POLICY_BOUNCING : strcmp(PQgetvalue(res, 0, 1), "suppressed")
		    == 0 ? POLICY_SUPPRESSED : strcmp(PQgetvalue(res, 0, 1),
		    "unsubscribed") == 0 ? POLICY_UNSUBSCRIBED : POLICY_ACTIVE;
		st.score = (unsigned)atoi(PQgetvalue(res, 0, 2));
		st.last_soft_day = date_days(PQgetvalue(res, 0, 3));
		st.window_start = date_days(PQgetvalue(res, 0, 4));
		PQclear(res);
		res = NULL;
		eff = policy_apply(p, &st, (enum classify_class)ev->cls, today,
		    &why);
	}
	{
		const char *params[16] = { msg, sid, ev->address, ev->list, cls,
		    ev->reason, ev->status, ev->reply_code, ev->rule,
		    ev->diagnostic, ev->remote_mta, ev->reporting_mta,
		    ev->feedback_type, ev->mailbox };
		res = exec(db, "INSERT INTO events (message, subscriber, address, "
		    "list, class, reason, status, reply_code, rule, diagnostic, "
		    "remote_mta, reporting_mta, feedback_type, mailbox) VALUES "
		    "($1::bigint, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10, "
		    "$11, $12, $13, $14) RETURNING id", 14, params,
		    PGRES_TUPLES_OK, cause);
		if (res == NULL)
			goto out;
		eid = g_strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
		res = NULL;
	}
	if (sid != NULL) {
		const char *col = (unsigned)ev->cls < G_N_ELEMENTS(count_col) ?
		    count_col[ev->cls] : NULL;
		const char *params[7];
		char *inc = col != NULL ? g_strdup_printf(", %s = %s + 1", col,
		    col) : g_strdup("");

		score = g_strdup_printf("%u", st.score);
		last = days_date(st.last_soft_day);
		since = days_date(st.window_start);
		params[0] = sid;
		params[1] = policy_state_name(st.state);
		params[2] = score;
		params[3] = last;
		params[4] = since;
		params[5] = why;
		params[6] = cls;
		/* the count column comes from a fixed table, never input */
		sql = g_strdup_printf("UPDATE subscribers SET state = $2, score = "
		    "$3::integer, last_soft_day = $4::date, soft_since = $5::date, "
		    "change_reason = coalesce($6, change_reason), changed_at = "
		    "CASE WHEN state <> $2 THEN now() ELSE changed_at END%s, "
		    "first_bounce_at = CASE WHEN $7 IN ('hard', 'soft', 'block', "
		    "'complaint') THEN coalesce(first_bounce_at, now()) ELSE "
		    "first_bounce_at END, last_bounce_at = CASE WHEN $7 IN ('hard', "
		    "'soft', 'block', 'complaint') THEN now() ELSE last_bounce_at "
		    "END WHERE id = $1::bigint", inc);
		g_free(inc);
		if (simple(db, sql, 7, params, cause) < 0)
			goto out;
	}
	if (eff != POLICY_NOTHING) {
		const char *p6[6] = { ev->address, eff == POLICY_SUPPRESS ?
		    lid : NULL, ev->cls == CLASS_HARD ? "hard" : ev->cls ==
		    CLASS_COMPLAINT ? "complaint" : "soft", ev->reason,
		    ev->status, eid };
		res = exec(db, "INSERT INTO suppressions (address, list_id, cause, "
		    "reason, status, source_event) SELECT $1, $2::bigint, $3, $4, "
		    "$5, $6::bigint WHERE NOT EXISTS (SELECT 1 FROM suppressions "
		    "WHERE address = $1 AND list_id IS NOT DISTINCT FROM $2::bigint "
		    "AND ended_at IS NULL)", 6, p6, PGRES_COMMAND_OK, cause);
		if (res == NULL)
			goto out;
		*suppressed = atoi(PQcmdTuples(res)) > 0;
		PQclear(res);
		res = NULL;
	}
	if (domain != NULL && ev->cls != CLASS_IGNORE) {
		const char *params[3] = { day, domain + 1, cls };
		if (simple(db, "INSERT INTO domain_daily (day, domain, class, "
		    "count) VALUES ($1::date, lower($2), $3, 1) ON CONFLICT (day, "
		    "domain, class) DO UPDATE SET count = domain_daily.count + 1",
		    3, params, cause) < 0)
			goto out;
	}
	rc = 0;
out:
	if (res != NULL)
		PQclear(res);
	g_free(lid);
	g_free(sid);
	g_free(eid);
	g_free(last);
	g_free(since);
	g_free(score);
	g_free(day);
	g_free(sql);
	g_free(msg);
	return rc;
}
