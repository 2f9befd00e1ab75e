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

#include "incident.h"
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
			const char *p;
			/* from a stranger's mail: no control character
			 * reaches the terminal */
			fputc(' ', f);
			for (p = v; *p != '\0'; p++)
				fputc((unsigned char)*p < 0x20 || *p == 0x7f
					? '?'
					: *p,
				    f);
			fprintf(f, "%*s", c + 1 < nc && pad > 0 ? pad : 0, "");
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
    const Oid *types, const char *const *params, JsonBuilder *b, FILE *f,
    enum db_format fmt, int *rows, char **cause)
{
	PGresult *res;
	size_t    i;

	*rows = 0;
	for (i = 0; i < nparts; i++) {
		res = db_exec_typed(db, parts[i].sql, n, types, params,
		    PGRES_TUPLES_OK, cause);
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
		NULL, b, f, fmt, &rows, cause) < 0)
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
		1, NULL, params, b, f, fmt, found, cause) < 0)
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

/* (db_sql() reads @name as a table: an at sign in the SQL is chr(64).) */
/* The address columns of a report: masked unless $4 (--show-addresses);
 * every one of them came from a stranger's mail. */
#define MASKED(col) \
	"CASE WHEN $4::bool THEN " col " ELSE left(" col \
	", 1) || '***' || chr(64) || " \
	"split_part(" col ", chr(64), 2) END"
/* The day a delivery failed, in UTC. */
#define FAILDAY "(e.failed_at AT TIME ZONE 'UTC')::date"
/* An event of the period and list ($1 .. $2 inclusive, $3 or any). */
#define INPERIOD \
	FAILDAY " BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR " \
		"e.list = $3) AND e.class <> 'manual'"

/* Published thresholds the rates are held against. */
static const struct {
	const char *name, *rate;
	double      limit;
	const char *source, *url;
} thresholds[] = {
	{ "hard bounces", "hard_pct", 5.0,
	    "Amazon SES places an account under review at a bounce rate of "
	    "5%",
	    "https://docs.aws.amazon.com/ses/latest/dg/faqs-enforcement.html" },
	{ "complaints", "complaint_pct", 0.1,
	    "Amazon SES places an account under review at a complaint rate "
	    "of 0.1%",
	    "https://docs.aws.amazon.com/ses/latest/dg/faqs-enforcement.html" },
	{ "complaints", "complaint_pct", 0.3,
	    "Gmail asks bulk senders to keep the spam rate its users report "
	    "below 0.3% (Postmaster Tools; Gmail sends no feedback loop "
	    "reports, so complaints counted here are other providers')",
	    "https://support.google.com/a/answer/81126" },
};

/* The parameters of period_parts and the incidents: $1 since, $2 until
 * (dates), $3 the list (text, NULL: every list), $4 --show-addresses
 * (bool); declared, so that a part may leave some unused. */
static const Oid period_types[4] = { 1082, 1082, 25, 16 };

static const struct part period_parts[] = {
	{ "per day the deliveries failed (sup_*: suppressed, by cause; "
	  "unsup: ended)",
	    "days",
	    "SELECT to_char(day, 'YYYY-MM-DD') AS day, list, "
	    "count(*) FILTER (WHERE k = 'hard') AS hard, "
	    "count(*) FILTER (WHERE k = 'soft') AS soft, "
	    "count(*) FILTER (WHERE k = 'block') AS block, "
	    "count(*) FILTER (WHERE k = 'complaint') AS compl, "
	    "count(*) FILTER (WHERE k IN ('ignore', 'unknown')) AS ign, "
	    "count(*) FILTER (WHERE k = 's:hard') AS sup_h, "
	    "count(*) FILTER (WHERE k = 's:soft') AS sup_s, "
	    "count(*) FILTER (WHERE k = 's:complaint') AS sup_c, "
	    "count(*) FILTER (WHERE k = 's:manual') AS sup_m, "
	    "count(*) FILTER (WHERE k = 'u') AS unsup FROM ("
	    "SELECT " FAILDAY " AS day, coalesce(e.list, '-') AS list, "
	    "e.class AS k FROM @events e WHERE " INPERIOD
	    " UNION ALL SELECT (x.since AT TIME ZONE 'UTC')::date, "
	    "coalesce(l.name, '(all)'), 's:' || x.cause FROM @suppressions x "
	    "LEFT JOIN @lists l ON l.id = x.list_id WHERE (x.since AT TIME "
	    "ZONE 'UTC')::date BETWEEN $1::date AND $2::date AND ($3::text IS "
	    "NULL OR l.name = $3 OR x.list_id IS NULL)"
	    " UNION ALL SELECT (x.ended_at AT TIME ZONE 'UTC')::date, "
	    "coalesce(l.name, '(all)'), 'u' FROM @suppressions x LEFT JOIN "
	    "@lists l ON l.id = x.list_id WHERE (x.ended_at AT TIME ZONE "
	    "'UTC')::date BETWEEN $1::date AND $2::date AND ($3::text IS NULL "
	    "OR l.name = $3 OR x.list_id IS NULL)) t GROUP BY day, list ORDER BY day, list",
	    ROWS },
	{ "rates per send of known size (the events that answer it)", "rates",
	    "SELECT l.name AS list, s.send_key AS send, to_char(s.sent_at AT "
	    "TIME ZONE 'UTC', 'YYYY-MM-DD') AS sent, s.recipients AS sent_to, "
	    "count(e.id) FILTER (WHERE e.class = 'hard') AS hard, count(e.id) "
	    "FILTER (WHERE e.class = 'complaint') AS compl, to_char(100.0 * "
	    "count(e.id) FILTER (WHERE e.class = 'hard') / s.recipients, "
	    "'FM990.00') AS hard_pct, to_char(100.0 * count(e.id) FILTER "
	    "(WHERE e.class = 'complaint') / s.recipients, 'FM990.000') AS "
	    "complaint_pct, CASE WHEN 100.0 * count(e.id) FILTER (WHERE "
	    "e.class = 'hard') / s.recipients >= 5 THEN 'hard >= 5%' WHEN "
	    "100.0 * count(e.id) FILTER (WHERE e.class = 'complaint') / "
	    "s.recipients >= 0.3 THEN 'complaints >= 0.3%' WHEN 100.0 * "
	    "count(e.id) FILTER (WHERE e.class = 'complaint') / s.recipients "
	    ">= 0.1 THEN 'complaints >= 0.1%' END AS flag FROM @sends s JOIN "
	    "@lists l ON l.id = s.list_id LEFT JOIN @events e ON e.send_id = "
	    "s.id WHERE s.recipients > 0 AND (s.sent_at AT TIME ZONE "
	    "'UTC')::date BETWEEN $1::date AND $2::date AND ($3::text IS NULL "
	    "OR l.name = $3) GROUP BY l.name, s.id "
	    "ORDER BY s.sent_at, s.id",
	    ROWS },
	{ "suppressed in the period", "suppressions",
	    "SELECT to_char(x.since AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, "
	    "coalesce(l.name, '(all)') AS list, " MASKED(
		"x.address") " AS "
			     "address, x.cause, x.reason, e.rule, e.proof FROM @suppressions x "
			     "LEFT JOIN @lists l ON l.id = x.list_id LEFT JOIN @events e ON "
			     "e.id = x.source_event WHERE (x.since AT TIME ZONE 'UTC')::date "
			     "BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR l.name = "
			     "$3 OR x.list_id IS NULL) ORDER BY x.since, x.id LIMIT 200",
	    ROWS },
	{ "closest to suppression (soft bounces counted)", "near_threshold",
	    "SELECT coalesce(l.name, '-') AS list, " MASKED(
		"s.address") " AS "
			     "address, s.score AS days, s.soft_sends AS sends, to_char("
			     "s.last_bounce_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS last FROM "
			     "@subscribers s LEFT JOIN @lists l ON l.id = s.list_id WHERE "
			     "s.state = 'bouncing' AND ($3::text IS NULL OR l.name = $3) "
			     "ORDER BY "
			     "greatest(s.score, s.soft_sends) DESC, s.last_bounce_at DESC, "
			     "s.address LIMIT 10",
	    ROWS },
	{ "top receiving domains", "top_domains",
	    "SELECT split_part(e.address, chr(64), 2) AS domain, count(*) AS "
	    "total, count(*) FILTER (WHERE e.class = 'hard') AS hard, count(*) "
	    "FILTER (WHERE e.class = 'soft') AS soft, count(*) FILTER (WHERE "
	    "e.class = 'block') AS block FROM @events e WHERE " INPERIOD
	    " AND e.class IN ('hard', 'soft', 'block', 'complaint') AND "
	    "e.address LIKE '%' || chr(64) || '%' GROUP BY 1 ORDER "
	    "BY total DESC, domain LIMIT 10",
	    ROWS },
	{ "top reasons", "top_reasons",
	    "SELECT e.class, coalesce(e.reason, '-') AS reason, count(*) AS "
	    "events FROM @events e WHERE " INPERIOD
	    " AND e.class <> 'ignore' GROUP BY 1, 2 "
	    "ORDER BY events DESC, 1, 2 LIMIT 10",
	    ROWS },
	{ "top rules", "top_rules",
	    "SELECT coalesce(e.rule, '-') AS rule, count(*) AS events FROM "
	    "@events e WHERE " INPERIOD " AND e.class <> 'ignore' GROUP BY 1 "
	    "ORDER BY events DESC, 1 LIMIT 10",
	    ROWS },
};

/* report_incidents - the period's block incidents (bounce/incident.h) as
 * the JSON member "incidents" and, as text, a table.  0 or -1. */
static int
report_incidents(struct db *db, const struct db_report_query *q,
    const char *const *params, JsonBuilder *b, FILE *f, enum db_format fmt,
    char **cause)
{
	PGresult              *res, *top;
	struct incident_count *c;
	GArray                *inc;
	guint                  i;
	int                    r, n;

	/* the period and the seven days before it */
	res = db_exec_typed(db,
	    "SELECT split_part(e.address, chr(64), 2), " FAILDAY
	    " - DATE '1970-01-01', count(*) FROM @events e WHERE " FAILDAY
	    " BETWEEN $1::date - 7 AND $2::date AND ($3::text IS NULL OR "
	    "e.list = $3) AND e.class = 'block' AND e.address LIKE '%' || chr(64) || '%' "
	    "GROUP BY 1, 2",
	    4, period_types, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	c = g_new0(struct incident_count, n + 1);
	for (r = 0; r < n; r++) {
		c[r].domain = PQgetvalue(res, r, 0);
		c[r].day = atoi(PQgetvalue(res, r, 1));
		c[r].blocks = (unsigned)atoi(PQgetvalue(res, r, 2));
	}
	inc =
	    incident_find(c, (size_t)n, q->since, q->until, q->incident_floor);
	json_builder_set_member_name(b, "incidents");
	json_builder_begin_array(b);
	if (fmt != DB_JSON)
		fprintf(f,
		    "\nblock incidents (blocks over 3x the median of the "
		    "7 days before, at least %u):\n",
		    q->incident_floor);
	if (inc->len == 0 && fmt != DB_JSON)
		fprintf(f, "  (none)\n");
	for (i = 0; i < inc->len; i++) {
		const struct incident *x =
		    &g_array_index(inc, struct incident, i);
		char       *day = db_days_date(x->day);
		const char *p[4] = { x->domain, day, params[2], NULL };
		const char *reason = NULL, *status = NULL, *diag = NULL;

		top = db_exec(db,
		    "SELECT e.reason, e.status, left(e.diagnostic, 300) FROM "
		    "@events e WHERE e.class = 'block' AND split_part(e.address, "
		    "chr(64), 2) = $1 AND " FAILDAY
		    " = $2::date AND ($3::text IS "
		    "NULL OR e.list = $3) GROUP BY 1, 2, 3 ORDER BY count(*) DESC, "
		    "1, 2, 3 LIMIT 1",
		    3, p, PGRES_TUPLES_OK, cause);
		if (top == NULL) {
			g_free(day);
			g_array_unref(inc);
			g_free(c);
			PQclear(res);
			return -1;
		}
		if (PQntuples(top) > 0) {
			reason = value(top, 0, 0);
			status = value(top, 0, 1);
			diag = value(top, 0, 2);
		}
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "day");
		json_builder_add_string_value(b, day);
		json_builder_set_member_name(b, "domain");
		json_builder_add_string_value(b, x->domain);
		json_builder_set_member_name(b, "blocks");
		json_builder_add_int_value(b, x->blocks);
		json_builder_set_member_name(b, "median_7_days");
		json_builder_add_double_value(b, x->median);
		json_builder_set_member_name(b, "reason");
		json_builder_add_string_value(b, reason);
		json_builder_set_member_name(b, "status");
		json_builder_add_string_value(b, status);
		json_builder_set_member_name(b, "diagnostic");
		json_builder_add_string_value(b, diag);
		json_builder_end_object(b);
		if (fmt != DB_JSON) {
			char *safe = diag != NULL ? g_strescape(diag, NULL)
						  : g_strdup("-");
			fprintf(f,
			    "  %s %-24.24s %5u (usual %g) %s %s\n    %.72s\n",
			    day, x->domain, x->blocks, x->median,
			    reason != NULL ? reason : "-",
			    status != NULL ? status : "-", safe);
			g_free(safe);
		}
		PQclear(top);
		g_free(day);
	}
	json_builder_end_array(b);
	g_array_unref(inc);
	g_free(c);
	PQclear(res);
	return 0;
}

/* wrap - text as lines of at most width columns (a word longer than a
 * line gets one of its own), each indented by indent spaces: the text
 * report fits an 80-column terminal.  No library call does this. */
static void
wrap(FILE *f, const char *text, int indent, int width)
{
	const char *p = text;

	while (*p != '\0') {
		const char *end = p, *cut = NULL;
		int         col = indent;

		while (*end != '\0' && col < width) {
			if (*end == ' ')
				cut = end;
			end = g_utf8_next_char(end);
			col++;
		}
		if (*end != '\0' && cut != NULL)
			end = cut;
		fprintf(f, "%*s%.*s\n", indent, "", (int)(end - p), p);
		p = end;
		while (*p == ' ')
			p++;
	}
}

int
db_report(struct db *db, const struct db_report_query *q, FILE *f,
    enum db_format fmt, char **cause)
{
	JsonBuilder *b = json_builder_new();
	char *since = db_days_date(q->since), *until = db_days_date(q->until);
	const char *params[4] = { since, until, q->list,
		q->show_addresses ? "t" : "f" };
	size_t      i;
	int         rc = -1, rows;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "report");
	json_builder_add_string_value(b, "rebound-report/1");
	json_builder_set_member_name(b, "since");
	json_builder_add_string_value(b, since);
	json_builder_set_member_name(b, "until");
	json_builder_add_string_value(b, until);
	json_builder_set_member_name(b, "list");
	json_builder_add_string_value(b, q->list);
	json_builder_set_member_name(b, "addresses_masked");
	json_builder_add_boolean_value(b, !q->show_addresses);
	json_builder_set_member_name(b, "thresholds");
	json_builder_begin_array(b);
	for (i = 0; i < G_N_ELEMENTS(thresholds); i++) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "rate");
		json_builder_add_string_value(b, thresholds[i].rate);
		json_builder_set_member_name(b, "limit_pct");
		json_builder_add_double_value(b, thresholds[i].limit);
		json_builder_set_member_name(b, "source");
		json_builder_add_string_value(b, thresholds[i].source);
		json_builder_set_member_name(b, "url");
		json_builder_add_string_value(b, thresholds[i].url);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	if (fmt != DB_JSON)
		fprintf(f, "rebound report %s .. %s, %s%s\n", since, until,
		    q->list != NULL ? "list " : "every list",
		    q->list != NULL ? q->list : "");
	if (report_incidents(db, q, params, b, f, fmt, cause) < 0)
		goto out;
	if (report_parts(db, period_parts, G_N_ELEMENTS(period_parts), 4,
		period_types, params, b, f, fmt, &rows, cause) < 0)
		goto out;
	if (fmt != DB_JSON) {
		fprintf(f, "\nthresholds the rates are held against:\n");
		for (i = 0; i < G_N_ELEMENTS(thresholds); i++) {
			fprintf(f, "  %s %g%%:\n", thresholds[i].name,
			    thresholds[i].limit);
			wrap(f, thresholds[i].source, 4, 78);
			fprintf(f, "    %s\n", thresholds[i].url);
		}
		wrap(f,
		    "A rate needs the size of the send: `rebound sent --count "
		    "N`, or a connector. Without it, counts only.",
		    2, 78);
	}
	rc = 0;
out:
	g_object_unref(b);
	g_free(since);
	g_free(until);
	return rc;
}

int
db_totals(struct db *db, db_total_cb cb, void *arg, char **cause)
{
	PGresult *res;
	int       r;

	res = db_exec(db,
	    "SELECT 'events', class, coalesce(list, ''), count(*) FROM "
	    "@events WHERE class <> 'manual' GROUP BY 2, 3 UNION ALL SELECT "
	    "'suppressions', x.cause, coalesce(l.name, ''), count(*) FROM "
	    "@suppressions x LEFT JOIN @lists l ON l.id = x.list_id GROUP BY "
	    "2, 3 ORDER BY 1, 2, 3",
	    0, NULL, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	for (r = 0; r < PQntuples(res); r++)
		cb(PQgetvalue(res, r, 0), PQgetvalue(res, r, 1),
		    PQgetvalue(res, r, 2),
		    g_ascii_strtoll(PQgetvalue(res, r, 3), NULL, 10), arg);
	PQclear(res);
	return 0;
}

int
db_day_blocks(struct db *db, const char *domain, int day, unsigned *n,
    char **cause)
{
	char       *d = db_days_date(day);
	const char *params[2] = { domain, d };
	PGresult   *res;

	res = db_exec(db,
	    "SELECT coalesce(sum(count), 0) FROM @domain_daily WHERE domain "
	    "= $1 AND day = $2::date AND class = 'block'",
	    2, params, PGRES_TUPLES_OK, cause);
	g_free(d);
	if (res == NULL)
		return -1;
	*n = (unsigned)g_ascii_strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}
