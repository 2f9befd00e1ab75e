/*
 * report.c - what the database says: status counts, suppression exports,
 * one subscriber's history, and manual reactivation.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "internal.h"

/* value - column c of row r, NULL for SQL NULL */
static const char *
value(const PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
}

/* json_line - write the builder's object as one line */
static void
json_line(FILE *f, JsonBuilder *b, int pretty)
{
	JsonGenerator *g = json_generator_new();
	JsonNode      *root = json_builder_get_root(b);
	char          *s;

	json_generator_set_root(g, root);
	json_generator_set_pretty(g, pretty);
	s = json_generator_to_data(g, NULL);
	fprintf(f, "%s\n", s);
	g_free(s);
	json_node_unref(root);
	g_object_unref(g);
}

/* add_column - member name: the column as a string, a number (numeric
 * columns) or null */
static void
add_column(JsonBuilder *b, const PGresult *res, int r, int c)
{
	const char *v = value(res, r, c);
	Oid         t = PQftype(res, c);

	json_builder_set_member_name(b, PQfname(res, c));
	if (v == NULL)
		json_builder_add_null_value(b);
	else if (t == 20 || t == 21 || t == 23) /* int8, int2, int4 */
		json_builder_add_int_value(b, g_ascii_strtoll(v, NULL, 10));
	else
		json_builder_add_string_value(b, v);
}

/* add_rows - the rows of res as an array of objects */
static void
add_rows(JsonBuilder *b, const char *name, const PGresult *res)
{
	int r, c;

	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (r = 0; r < PQntuples(res); r++) {
		json_builder_begin_object(b);
		for (c = 0; c < PQnfields(res); c++)
			add_column(b, res, r, c);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* add_counts - the two-column rows (key, count) of res as an object */
static void
add_counts(JsonBuilder *b, const char *name, const PGresult *res)
{
	int r;

	json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	for (r = 0; r < PQntuples(res); r++) {
		json_builder_set_member_name(b, PQgetvalue(res, r, 0));
		json_builder_add_int_value(b,
		    g_ascii_strtoll(PQgetvalue(res, r, 1), NULL, 10));
	}
	json_builder_end_object(b);
}

/* print_table - the rows of res as aligned text columns under a title */
static void
print_table(FILE *f, const char *title, const PGresult *res)
{
	int  r, c, nc = PQnfields(res);
	int *w = g_new0(int, nc);

	fprintf(f, "%s:\n", title);
	if (PQntuples(res) == 0) {
		fprintf(f, "  (none)\n");
		g_free(w);
		return;
	}
	for (c = 0; c < nc; c++) {
		w[c] = (int)g_utf8_strlen(PQfname(res, c), -1);
		for (r = 0; r < PQntuples(res); r++) {
			const char *v = value(res, r, c);
			int n = v != NULL ? (int)g_utf8_strlen(v, -1) : 1;
			if (n > w[c])
				w[c] = n;
		}
		if (w[c] > 60)
			w[c] = 60;
	}
	for (r = -1; r < PQntuples(res); r++) {
		fprintf(f, " ");
		for (c = 0; c < nc; c++) {
			const char *v = r < 0          ? PQfname(res, c)
			    : value(res, r, c) != NULL ? value(res, r, c)
						       : "-";
			int         pad = w[c] - (int)g_utf8_strlen(v, -1);
			fprintf(f, " %s%*s", v, c + 1 < nc && pad > 0 ? pad : 0,
			    "");
		}
		fprintf(f, "\n");
	}
	g_free(w);
}

/* A part of a report: title, JSON key, SQL, and how JSON shows it. */
enum shape { COUNTS, ROWS };
struct part {
	const char *title, *key, *sql;
	enum shape  shape;
};

/* report_parts - run each part's query with the n params, add it to the
 * JSON object b is building and, as text, print it as a table; then end
 * the object and, as JSON, write it.  *rows gets the rows seen.  0 or
 * -1. */
static int
report_parts(struct db *db, const struct part *parts, size_t nparts, int n,
    const char *const *params, JsonBuilder *b, FILE *f, enum db_format fmt,
    int *rows, char **cause)
{
	PGresult *res;
	size_t    i;

	*rows = 0;
	for (i = 0; i < nparts; i++) {
		res = db_exec(db, parts[i].sql, n, params, PGRES_TUPLES_OK,
		    cause);
		if (res == NULL)
			return -1;
		*rows += PQntuples(res);
		if (parts[i].shape == COUNTS)
			add_counts(b, parts[i].key, res);
		else
			add_rows(b, parts[i].key, res);
		if (fmt != DB_JSON) {
			fprintf(f, "\n");
			print_table(f, parts[i].title, res);
		}
		PQclear(res);
	}
	json_builder_end_object(b);
	if (fmt == DB_JSON)
		json_line(f, b, 0);
	return 0;
}

static const struct part status_parts[] = {
	{ "events by class", "events_by_class",
	    "SELECT class, count(*) FROM "
	    "@events GROUP BY class ORDER BY class",
	    COUNTS },
	{ "subscribers by state", "subscribers_by_state",
	    "SELECT state, "
	    "count(*) FROM @subscribers GROUP BY state ORDER BY state",
	    COUNTS },
	{ "active suppressions by cause", "suppressions_by_cause",
	    "SELECT "
	    "cause, count(*) FROM @suppressions WHERE ended_at IS NULL GROUP BY "
	    "cause ORDER BY cause",
	    COUNTS },
	{ "top recipient domains", "top_domains",
	    "SELECT domain, "
	    "sum(count)::int8 AS total, coalesce(sum(count) FILTER (WHERE class = "
	    "'hard'), 0)::int8 AS hard, coalesce(sum(count) FILTER (WHERE class = "
	    "'soft'), 0)::int8 AS soft, coalesce(sum(count) FILTER (WHERE class = "
	    "'block'), 0)::int8 AS block, coalesce(sum(count) FILTER (WHERE class "
	    "= 'complaint'), 0)::int8 AS complaint FROM @domain_daily GROUP BY "
	    "domain ORDER BY total DESC, domain LIMIT 10",
	    ROWS },
	{ "held batches (rebound run --release applies them)", "holds",
	    "SELECT coalesce(list, '(every list)') AS list, mailbox, "
	    "suppressions, cap, window_days, to_char(held_at AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS held_at FROM @holds "
	    "WHERE released_at IS NULL ORDER BY held_at",
	    ROWS },
	{ "outbox (notifications for the list manager)", "outbox",
	    "SELECT connector, count(*) FILTER (WHERE delivered_at IS NULL AND "
	    "failed_at IS NULL) AS pending, coalesce(extract(epoch FROM now() "
	    "- min(created_at) FILTER (WHERE delivered_at IS NULL AND "
	    "failed_at IS NULL))::int8, 0) AS oldest_pending_seconds, count(*) "
	    "FILTER (WHERE failed_at IS NOT NULL) AS refused, count(*) FILTER "
	    "(WHERE delivered_at IS NOT NULL) AS delivered FROM @outbox GROUP "
	    "BY connector ORDER BY connector",
	    ROWS },
	{ "mailboxes", "mailboxes",
	    "SELECT m.name AS mailbox, m.uidvalidity, "
	    "to_char(m.updated_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_stored, (SELECT count(*) "
	    "FROM @messages x WHERE x.mailbox = m.name) AS messages, "
	    "to_char(m.failing_since AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS failing_since, m.last_error "
	    "FROM @mailboxes m ORDER BY m.name",
	    ROWS },
};

int
db_status_report(struct db *db, FILE *f, enum db_format fmt, char **cause)
{
	static const char *totals[] = { "messages", "quarantined", "review",
		"events", "subscribers", "suppressed", "lists" };
	JsonBuilder       *b = json_builder_new();
	PGresult          *res;
	size_t             i;
	int                rc = -1, rows;

	res = db_exec(db,
	    "SELECT (SELECT count(*) FROM @messages), (SELECT "
	    "count(*) FROM @messages WHERE outcome = 'quarantined'), (SELECT "
	    "count(*) FROM @messages WHERE outcome = 'review'), (SELECT "
	    "count(*) FROM @events), (SELECT count(*) FROM @subscribers), (SELECT "
	    "count(DISTINCT address) FROM @suppressions WHERE ended_at IS NULL), "
	    "(SELECT count(*) FROM @lists)",
	    0, NULL, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto out;
	json_builder_begin_object(b);
	for (i = 0; i < G_N_ELEMENTS(totals); i++) {
		json_builder_set_member_name(b, totals[i]);
		json_builder_add_int_value(b,
		    g_ascii_strtoll(PQgetvalue(res, 0, (int)i), NULL, 10));
		if (fmt != DB_JSON)
			fprintf(f, "%-12s %s\n", totals[i],
			    PQgetvalue(res, 0, (int)i));
	}
	PQclear(res);
	if (report_parts(db, status_parts, G_N_ELEMENTS(status_parts), 0, NULL,
		b, f, fmt, &rows, cause) < 0)
		goto out;
	rc = 0;
out:
	g_object_unref(b);
	return rc;
}

/* csv_field - one RFC 4180 field: quoted when it holds a comma, a quote,
 * or a line break, with quotes doubled.  A value a spreadsheet would run
 * as a formula (it begins with =, +, -, @, a tab or a CR: OWASP's rule
 * on CSV injection) gets a ' before it; every value in an export comes
 * from mail anyone can send. */
static void
csv_field(FILE *f, const char *v, int last)
{
	const char *p;
	int         formula =
	    v != NULL && v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL;

	if (v != NULL && (formula || strpbrk(v, ",\"\r\n") != NULL)) {
		fputc('"', f);
		if (formula)
			fputc('\'', f);
		for (p = v; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else if (v != NULL)
		fputs(v, f);
	fputc(last ? '\n' : ',', f);
}

/* export_row - one suppression (address, list, cause, reason, status,
 * since, proof) in the export's format; txt skips an address just
 * written */
static void
export_row(FILE *f, enum db_format fmt, const PGresult *res, char **last,
    unsigned long *rows)
{
	int c, nc = PQnfields(res);

	switch (fmt) {
	case DB_TEXT:
		if (nc > 7) { /* a change: "suppressed ADDRESS LIST" */
			fprintf(f, "%s %s %s\n", PQgetvalue(res, 0, 2),
			    PQgetvalue(res, 0, 0),
			    PQgetisnull(res, 0, 1) ? "-"
						   : PQgetvalue(res, 0, 1));
			break;
		}
		if (*last != NULL && strcmp(*last, PQgetvalue(res, 0, 0)) == 0)
			return;
		g_free(*last);
		*last = g_strdup(PQgetvalue(res, 0, 0));
		fprintf(f, "%s\n", *last);
		break;
	case DB_CSV:
		for (c = 0; c < nc; c++)
			csv_field(f, value(res, 0, c), c + 1 == nc);
		break;
	case DB_JSON: {
		JsonBuilder *b = json_builder_new();
		json_builder_begin_object(b);
		for (c = 0; c < nc; c++)
			add_column(b, res, 0, c);
		json_builder_end_object(b);
		json_line(f, b, 0);
		g_object_unref(b);
		break;
	}
	}
	(*rows)++;
}

int
db_list_known(struct db *db, const char *name, char **cause)
{
	const char *params[1] = { name };
	PGresult   *res = db_exec(db,
	      "SELECT coalesce((SELECT 1 FROM @lists WHERE name = $1), 0), "
		"(SELECT string_agg(name, ', ' ORDER BY name) FROM (SELECT name "
		"FROM @lists ORDER BY name LIMIT 20) AS l)",
	      1, params, PGRES_TUPLES_OK, cause);
	int         rc = 0;

	if (res == NULL)
		return -1;
	if (strcmp(PQgetvalue(res, 0, 0), "1") != 0) {
		g_free(*cause);
		*cause = g_strdup_printf("no list named '%s' (the database "
					 "knows: %s)",
		    name,
		    PQgetisnull(res, 0, 1) ? "none" : PQgetvalue(res, 0, 1));
		db->status = EX_USAGE;
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* read_rows - the rows of the query sent, one at a time, in x's format;
 * 0, or -1 after db_fail() (read to the end always) */
static int
read_rows(struct db *db, const struct db_export *x, FILE *f,
    unsigned long *rows, char **cause)
{
	char     *last = NULL;
	PGresult *res;
	int       rc = 0;

	while ((res = PQgetResult(db->conn)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			if (rc == 0)
				export_row(f, x->format, res, &last, rows);
			PQclear(res);
			break;
		case PGRES_TUPLES_OK:
			PQclear(res);
			break;
		default:
			if (rc == 0)
				rc = db_fail(db, res, "export", cause);
			else
				PQclear(res);
			break;
		}
	}
	g_free(last);
	return rc;
}

/* export_changes - the suppressions begun or ended after the cursor
 * x->since, in the order they changed; x->cursor gets the next cursor.
 * Under the store lock, so that no writer holds a change below it. */
static int
export_changes(struct db *db, struct db_export *x, FILE *f, unsigned long *rows,
    char **cause)
{
	const char *key[1] = { DB_STORE_LOCK };
	char        top[24];
	const char *params[3] = { x->since != NULL ? x->since : "0", top,
		x->list };
	PGresult   *res;
	int         rc;

	if (db_begin(db, cause) < 0)
		return -1;
	if ((res = db_exec(db, "SELECT pg_advisory_xact_lock($1)", 1, key,
		 PGRES_TUPLES_OK, cause)) == NULL)
		goto fail;
	PQclear(res);
	if ((res = db_exec(db,
		 "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "
		 "@suppression_changes",
		 0, NULL, PGRES_TUPLES_OK, cause)) == NULL)
		goto fail;
	x->cursor = g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	g_snprintf(top, sizeof(top), "%lld", x->cursor);
	if (x->format == DB_CSV)
		fprintf(f,
		    "address,list,change,cause,reason,status,since,"
		    "ended_at,proof,change_seq\n");
	if (!PQsendQueryParams(db->conn,
		db_sql(db,
		    "SELECT s.address, l.name AS list, CASE WHEN s.ended_at IS "
		    "NULL THEN 'suppressed' ELSE 'unsuppressed' END AS change, "
		    "s.cause, s.reason, s.status, to_char(s.since AT TIME ZONE "
		    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS since, "
		    "to_char(s.ended_at AT TIME ZONE 'UTC', "
		    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS ended_at, s.proof, "
		    "s.change_seq FROM @suppressions s LEFT JOIN @lists l ON l.id "
		    "= s.list_id WHERE s.change_seq > $1::bigint AND "
		    "s.change_seq <= $2::bigint AND ($3::text IS NULL OR "
		    "s.list_id IS NULL OR l.name = $3) ORDER BY s.change_seq"),
		3, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(db->conn)) {
		db_fail(db, NULL, "export", cause);
		goto fail;
	}
	rc = read_rows(db, x, f, rows, cause);
	if (rc < 0)
		goto fail;
	return db_commit(db, cause);
fail:
	db_rollback(db);
	return -1;
}

int
db_export(struct db *db, struct db_export *x, FILE *f, unsigned long *rows,
    char **cause)
{
	static const char *scopes[] = { "all", "global", "list" };
	const char        *params[3] = { x->list, x->since, scopes[x->scope] };
	int                sent;

	*rows = 0;
	if (x->changes)
		return export_changes(db, x, f, rows, cause);
	/* a list's export includes the global suppressions: they apply to
	 * it too */
	sent = PQsendQueryParams(db->conn,
	    db_sql(db,
		"SELECT s.address, l.name AS list, "
		"s.cause, s.reason, s.status, to_char(s.since AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS since, s.proof FROM "
		"@suppressions s "
		"LEFT JOIN @lists l ON l.id = s.list_id WHERE s.ended_at IS NULL AND "
		"($1::text IS NULL OR s.list_id IS NULL OR l.name = $1) AND "
		"($2::timestamptz IS NULL OR s.since >= $2::timestamptz) AND ($3 = "
		"'all' OR ($3 = "
		"'global' AND s.list_id IS NULL) OR ($3 = 'list' AND s.list_id IS "
		"NOT NULL)) ORDER BY s.address, l.name NULLS FIRST"),
	    3, NULL, params, NULL, NULL, 0);
	if (!sent || !PQsetSingleRowMode(db->conn))
		return db_fail(db, NULL, "export", cause);
	if (x->format == DB_CSV)
		fprintf(f, "address,list,cause,reason,status,since,proof\n");
	return read_rows(db, x, f, rows, cause);
}

/* The subscriber report's queries, on $1 the address. */
static const struct part subscriber_parts[] = {
	{ "lists", "lists",
	    "SELECT l.name AS list, s.state, s.score, "
	    "s.hard_count AS hard, s.soft_count AS soft, s.block_count AS block, "
	    "s.complaint_count AS complaint, to_char(s.first_bounce_at AT TIME "
	    "ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS first_bounce, "
	    "to_char(s.last_bounce_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS "
	    "last_bounce, s.change_reason FROM @subscribers s LEFT JOIN @lists l ON "
	    "l.id = s.list_id WHERE lower(s.address) = lower($1) ORDER BY l.name "
	    "NULLS FIRST",
	    ROWS },
	{ "suppressions", "suppressions",
	    "SELECT coalesce(l.name, '(global)') "
	    "AS list, x.cause, x.reason, x.status, to_char(x.since AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD HH24:MI') AS since, to_char(x.ended_at AT TIME "
	    "ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS ended, x.proof FROM "
	    "@suppressions x LEFT "
	    "JOIN @lists l ON l.id = x.list_id WHERE lower(x.address) = lower($1) "
	    "ORDER BY x.since, x.id",
	    ROWS },
	{ "events", "events",
	    "SELECT to_char(e.created_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI') AS time, e.list, e.class, e.reason, e.status, "
	    "e.reply_code, e.mailbox, e.proof, e.proof_why, e.diagnostic FROM "
	    "@events e WHERE "
	    "lower(e.address) = lower($1) ORDER BY e.id",
	    ROWS },
};

int
db_subscriber(struct db *db, const char *address, FILE *f, enum db_format fmt,
    int *found, char **cause)
{
	JsonBuilder *b = json_builder_new();
	const char  *params[1] = { address };
	int          rc = -1;

	*found = 0;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "address");
	json_builder_add_string_value(b, address);
	if (fmt != DB_JSON)
		fprintf(f, "%s\n", address);
	if (report_parts(db, subscriber_parts, G_N_ELEMENTS(subscriber_parts),
		1, params, b, f, fmt, found, cause) < 0)
		goto out;
	*found = *found > 0;
	rc = 0;
out:
	g_object_unref(b);
	return rc;
}

int
db_sent(struct db *db, const char *list, const char *key, const char *at,
    long recipients, int *created, char **cause)
{
	char        n[24];
	const char *params[4] = { list, key, at, recipients >= 0 ? n : NULL };
	PGresult   *res;

	g_snprintf(n, sizeof(n), "%ld", recipients);
	if (db_simple(db,
		"INSERT INTO @lists (name) VALUES ($1) ON CONFLICT (name) DO "
		"NOTHING",
		1, params, cause) < 0)
		return -1;
	res = db_exec(db,
	    "INSERT INTO @sends AS s (list_id, send_key, sent_at, recipients, "
	    "source) SELECT id, $2, coalesce($3::timestamptz, now()), "
	    "$4::integer, 'sent' FROM @lists WHERE name = $1 ON CONFLICT "
	    "(list_id, send_key) DO UPDATE SET sent_at = EXCLUDED.sent_at, "
	    "recipients = coalesce(EXCLUDED.recipients, s.recipients), source "
	    "= 'sent' RETURNING (xmax = 0)",
	    4, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	*created =
	    PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

int
db_unsuppress(struct db *db, const struct db_unsuppress *u, FILE *f,
    unsigned *ended, unsigned *left, char **cause)
{
	struct db_array except;
	char           *at_domain =
            u->domain != NULL ? g_strdup_printf("@%s", u->domain) : NULL;
	const char *params[10];
	PGresult   *res = NULL;
	size_t      i;
	int         r;

	*ended = *left = 0;
	db_array_init(&except);
	for (i = 0; u->except_lists != NULL && u->except_lists[i] != NULL; i++)
		db_array_add(&except, u->except_lists[i]);
	params[0] = u->address;
	params[1] = u->list;
	params[2] = u->rule;
	params[3] = u->reason;
	params[4] = at_domain;
	params[5] = u->since;
	params[6] = u->until;
	params[7] = u->cause;
	params[8] = db_array_end(&except);
	params[9] = u->why != NULL ? u->why : "unsuppressed";
	if (db_begin(db, cause) < 0)
		goto fail;
	{
		/* a writer of suppressions: one at a time (internal.h) */
		const char *key[1] = { DB_STORE_LOCK };
		PGresult *l = db_exec(db, "SELECT pg_advisory_xact_lock($1)", 1,
		    key, PGRES_TUPLES_OK, cause);
		if (l == NULL)
			goto fail;
		PQclear(l);
	}
	/* end the suppressions that match, one manual event for each; a
	 * dry run does the same and rolls it back */
	res = db_exec(db,
	    "WITH picked AS (SELECT x.id FROM @suppressions x LEFT JOIN @lists "
	    "l ON l.id = x.list_id LEFT JOIN @events e ON e.id = "
	    "x.source_event WHERE x.ended_at IS NULL AND ($1::text IS NULL OR "
	    "lower(x.address) = lower($1)) AND ($2::text IS NULL OR l.name = "
	    "$2) AND ($3::text IS NULL OR e.rule = $3) AND ($4::text IS NULL OR "
	    "x.reason = $4) AND ($5::text IS NULL OR right(lower(x.address), "
	    "length($5)) = lower($5)) AND ($6::timestamptz IS NULL OR x.since "
	    ">= $6::timestamptz) AND ($7::timestamptz IS NULL OR x.since < "
	    "$7::timestamptz) AND "
	    "($8::text IS NULL OR x.cause = $8) AND NOT (coalesce(l.name, '') "
	    "= ANY ($9::text[])) FOR UPDATE OF x), ended AS (UPDATE "
	    "@suppressions x SET ended_at = now(), change_seq = "
	    "nextval('@suppression_changes') FROM picked p WHERE x.id = "
	    "p.id RETURNING x.address, x.list_id, x.status, x.cause, x.reason, "
	    "x.since), ev AS (INSERT INTO @events (subscriber, address, list, "
	    "class, reason, status) SELECT (SELECT s.id FROM @subscribers s "
	    "WHERE s.address = e.address AND s.list_id IS NOT DISTINCT FROM "
	    "e.list_id), e.address, l.name, 'manual', $10, e.status FROM ended "
	    "e LEFT JOIN @lists l ON l.id = e.list_id), "
	    /* active again, the soft counts forgotten (not an
	     * unsubscription): on the list, or everywhere for a global one */
	    "act AS (UPDATE @subscribers s SET state = 'active', score = 0, "
	    "last_soft_day = NULL, soft_since = NULL, soft_sends = 0, "
	    "first_send_day = NULL, last_send_id = NULL, last_send_day = NULL, "
	    "changed_at = now(), change_reason = 'unsuppressed' WHERE s.state "
	    "IN ('suppressed', 'bouncing') AND EXISTS (SELECT 1 FROM ended e "
	    "WHERE e.address = s.address AND (e.list_id IS NULL OR e.list_id = "
	    "s.list_id))) SELECT e.address, "
	    "l.name, e.status, e.cause, e.reason, to_char(e.since AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM ended e "
	    "LEFT JOIN @lists l ON l.id = e.list_id ORDER BY e.address, l.name "
	    "NULLS FIRST",
	    10, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto fail;
	for (r = 0; r < PQntuples(res); r++) {
		struct db_notice n = { "unsuppress", value(res, r, 0),
			value(res, r, 1), "active", "manual", params[9],
			value(res, r, 2), NULL, NULL, 0 };

		if (f != NULL)
			fprintf(f, "%s%s %s %s %s %s\n",
			    u->dry_run ? "would end: " : "", n.address,
			    n.list != NULL ? n.list : "(every list)",
			    value(res, r, 3),
			    value(res, r, 4) != NULL ? value(res, r, 4) : "-",
			    value(res, r, 5));
		if (u->dry_run)
			continue;
		if (db_hook(db, "on_unsuppress", n.address, n.list, "manual",
			params[9], n.status, NULL, cause) < 0 ||
		    db_note(db, &n, cause) < 0)
			goto fail;
	}
	*ended = (unsigned)PQntuples(res);
	PQclear(res);
	res = NULL;
	if (u->address != NULL) {
		res = db_exec(db,
		    "SELECT count(*) FROM @suppressions WHERE "
		    "lower(address) = lower($1) AND ended_at IS NULL",
		    1, params, PGRES_TUPLES_OK, cause);
		if (res == NULL)
			goto fail;
		*left = (unsigned)atoi(PQgetvalue(res, 0, 0));
		PQclear(res);
		res = NULL;
	}
	db_array_free(&except);
	g_free(at_domain);
	if (u->dry_run) {
		db_rollback(db);
		return 0;
	}
	return db_commit(db, cause);
fail:
	if (res != NULL)
		PQclear(res);
	db_array_free(&except);
	g_free(at_domain);
	db_rollback(db);
	return -1;
}
