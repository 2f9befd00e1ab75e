/*
 * outbox.c - notifications for the list manager: written in the
 * transaction that makes a decision (db_note), read and marked by the
 * deliverer after COMMIT.  A notification says the state to set, with a
 * key of its own, so that delivering it twice (a crash between the
 * delivery and its mark) sets the same state twice and nothing more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libpq-fe.h>

#include "internal.h"

/* Key of the advisory lock the one deliverer holds ("rebo" + 3). */
#define DB_OUTBOX_LOCK "1919246962"

void
db_set_notifiers(struct db *db, const struct db_notifier *n, size_t count)
{
	struct db_array a[3];
	size_t          i;
	int             k;

	for (k = 0; k < 3; k++) {
		g_free(db->notify[k]);
		db->notify[k] = NULL;
	}
	if (count == 0)
		return;
	for (k = 0; k < 3; k++)
		db_array_init(&a[k]);
	for (i = 0; i < count; i++) {
		db_array_add(&a[0], n[i].name);
		db_array_addf(&a[1], "%u", n[i].events);
		db_array_add(&a[2], n[i].lists);
	}
	for (k = 0; k < 3; k++) {
		db->notify[k] = g_strdup(db_array_end(&a[k]));
		db_array_free(&a[k]);
	}
}

int
db_note(struct db *db, const struct db_notice *n, char **cause)
{
	unsigned    bit = strcmp(n->event, "suppress") == 0 ? 1
	       : strcmp(n->event, "unsuppress") == 0        ? 2
							    : 4;
	char        bits[4], score[16];
	const char *params[14];

	if (db->notify[0] == NULL)
		return 0;
	g_snprintf(bits, sizeof(bits), "%u", bit);
	g_snprintf(score, sizeof(score), "%d", n->score);
	params[0] = n->address;
	params[1] = n->list;
	params[2] = n->event;
	params[3] = n->state;
	params[4] = n->cause;
	params[5] = n->reason;
	params[6] = n->status;
	params[7] = n->proof;
	params[8] = n->send;
	params[9] = n->score >= 0 ? score : NULL;
	params[10] = db->notify[0];
	params[11] = db->notify[1];
	params[12] = db->notify[2];
	params[13] = bits;
	/* a global decision (list NULL) concerns every connector's lists */
	return db_simple(db,
	    "INSERT INTO @outbox (connector, key, address, list, event, body) "
	    "SELECT n, k, $1, $2, $3, jsonb_build_object('schema', "
	    "'rebound-notification/1', 'id', k, 'event', $3::text, 'address', "
	    "$1::text, 'list', $2::text, 'state', $4::text, 'cause', $5::text, "
	    "'reason', $6::text, 'status', $7::text, 'proof', $8::text, 'send', "
	    "$9::text, 'score', $10::int, 'at', to_char(now() AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) FROM (SELECT c.n, "
	    "gen_random_uuid()::text AS k FROM unnest($11::text[], "
	    "$12::int[], $13::text[]) AS c(n, ev, lists) WHERE (c.ev & "
	    "$14::int) <> 0 AND (c.lists IS NULL OR $2::text IS NULL OR $2 = "
	    "ANY (string_to_array(c.lists, ',')))) AS x",
	    14, params, cause);
}

/* take - a copy of field f of row r, or NULL */
static char *
take(PGresult *res, int r, int f)
{
	return PQgetisnull(res, r, f) ? NULL : g_strdup(PQgetvalue(res, r, f));
}

int
db_outbox_due(struct db *db, unsigned max, GArray **notes, char **cause)
{
	char        lim[16];
	const char *params[1] = { lim };
	PGresult   *res;
	int         r;

	*notes = g_array_new(FALSE, TRUE, sizeof(struct db_note));
	g_snprintf(lim, sizeof(lim), "%u", max);
	res = db_exec(db,
	    "SELECT id, connector, key, address, list, event, body::text, "
	    "attempts FROM @outbox o WHERE delivered_at IS NULL AND failed_at "
	    "IS NULL AND next_at <= now() AND NOT EXISTS (SELECT 1 FROM @outbox "
	    "p WHERE p.connector = o.connector AND p.address = o.address AND "
	    "p.id < o.id AND p.delivered_at IS NULL AND p.failed_at IS NULL) "
	    "ORDER BY id LIMIT $1",
	    1, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		return -1;
	for (r = 0; r < PQntuples(res); r++) {
		struct db_note n = { take(res, r, 0), take(res, r, 1),
			take(res, r, 2), take(res, r, 3), take(res, r, 4),
			take(res, r, 5), take(res, r, 6),
			(unsigned)atoi(PQgetvalue(res, r, 7)) };
		g_array_append_val(*notes, n);
	}
	PQclear(res);
	return 0;
}

void
db_notes_free(GArray *notes)
{
	guint i;

	if (notes == NULL)
		return;
	for (i = 0; i < notes->len; i++) {
		struct db_note *n = &g_array_index(notes, struct db_note, i);
		g_free(n->id);
		g_free(n->connector);
		g_free(n->key);
		g_free(n->address);
		g_free(n->list);
		g_free(n->event);
		g_free(n->body);
	}
	g_array_free(notes, TRUE);
}

int
db_outbox_mark(struct db *db, const char *id, enum db_delivery how,
    const char *error, unsigned retry_after, char **cause)
{
	static const char *hows[] = { "delivered", "retry", "refused" };
	char               after[16];
	const char        *params[4] = { id, hows[how], error, after };

	g_snprintf(after, sizeof(after), "%u", retry_after);
	return db_simple(db,
	    "UPDATE @outbox SET attempts = attempts + 1, last_error = $3, "
	    "delivered_at = CASE WHEN $2 = 'delivered' THEN now() END, "
	    "failed_at = CASE WHEN $2 = 'refused' THEN now() END, "
	    "next_at = now() + make_interval(secs => $4::int) WHERE id = $1",
	    4, params, cause);
}

int
db_outbox_requeue(struct db *db, unsigned *n, char **cause)
{
	PGresult *res = db_exec(db,
	    "UPDATE @outbox SET failed_at = NULL, next_at = now() WHERE "
	    "failed_at IS NOT NULL AND delivered_at IS NULL",
	    0, NULL, PGRES_COMMAND_OK, cause);

	if (res == NULL)
		return -1;
	*n = (unsigned)atoi(PQcmdTuples(res));
	PQclear(res);
	return 0;
}

int
db_outbox_lock(struct db *db, int *got, char **cause)
{
	const char *key[1] = { DB_OUTBOX_LOCK };
	PGresult   *res = db_exec(db, "SELECT pg_try_advisory_lock($1)", 1, key,
	      PGRES_TUPLES_OK, cause);

	if (res == NULL)
		return -1;
	*got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

void
db_outbox_unlock(struct db *db)
{
	const char *key[1] = { DB_OUTBOX_LOCK };

	PQclear(PQexecParams(db->conn, "SELECT pg_advisory_unlock($1)", 1, NULL,
	    key, NULL, NULL, 0));
}
