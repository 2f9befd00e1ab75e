/*
 * store.c - write a batch of messages and their events in one transaction.
 *
 * A batch costs about a dozen statements whatever its size: each kind of
 * row goes out as arrays (one parameter per column) and comes back in by
 * unnest(), instead of one round trip per row.  The policy is applied
 * here in C, between reading the subscribers (locked) and writing them
 * back, so that it stays the one tested implementation (bounce/policy.c).
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libpq-fe.h>

#include "classify.h"
#include "internal.h"
#include "policy.h"

/* Key of the advisory lock writers hold until COMMIT ("rebp"). */

/* A message of the batch. */
struct bmsg {
	char        fp[65];     /* SHA-256, hex */
	const char *message_id; /* in the batch's chunk, or NULL */
	const char *uid;
	int         quarantined;
	int         review;
	const char *error;     /* why quarantined by db_batch_quarantine */
	int         duplicate; /* set by db_batch_write */
	char       *id;        /* messages.id once inserted */
};

/* An event of the batch; strings live in the batch's chunk. */
struct bev {
	unsigned    msg; /* index in msgs */
	int         cls;
	const char *address, *list, *reason, *status, *reply_code, *rule;
	const char *diagnostic, *remote_mta, *reporting_mta;
	const char *feedback_type;
	const char *proof, *proof_why; /* proof "none" when NULL */
	int         proven;
	int         nonmember;   /* members_query knows no such member */
	const char *secret;      /* proof_secret */
	const char *send;        /* the send the original names */
	const char *msgid;       /* the original's Message-ID */
	long long   send_id;     /* the send it answers (resolve_sends); 0 */
	int         send_day;    /* that send's day */
	long long   failed_at;   /* seconds since the epoch; 0: now */
	const char *effect;      /* what the policy did (db_batch_effect) */
	const char *effect_why;  /* and why, static */
	const char *state_after; /* the subscriber's state then */
	unsigned    score_after, sends_after;
	struct sub *sub; /* NULL without an address */
	char       *id;  /* events.id once reserved */
};

struct db_batch {
	char         *mailbox;
	GArray       *msgs; /* struct bmsg */
	GArray       *evs;  /* struct bev */
	GStringChunk *strings;
};

/* A subscriber touched by the batch, its state as the policy changes it. */
struct sub {
	char                *id;
	const char          *list_id; /* NULL: the list is not known */
	const char          *list;
	const char          *address;
	const struct policy *pol;
	struct policy_state  st;
	unsigned             inc[CLASSIFY_NCLASSES]; /* events by class */
	int                  bounced;
	const char          *why; /* last change's explanation */
};

/* A suppression the policy asks for. */
struct supp {
	const char *address, *list_id, *cause;
	struct bev *ev;
};

struct db_batch *
db_batch_new(const char *mailbox)
{
	struct db_batch *b = g_new0(struct db_batch, 1);

	b->mailbox = g_strdup(mailbox);
	b->msgs = g_array_new(FALSE, TRUE, sizeof(struct bmsg));
	b->evs = g_array_new(FALSE, TRUE, sizeof(struct bev));
	b->strings = g_string_chunk_new(64 * 1024);
	return b;
}

void
db_batch_clear(struct db_batch *b)
{
	guint i;

	for (i = 0; i < b->msgs->len; i++)
		g_free(g_array_index(b->msgs, struct bmsg, i).id);
	for (i = 0; i < b->evs->len; i++)
		g_free(g_array_index(b->evs, struct bev, i).id);
	g_array_set_size(b->msgs, 0);
	g_array_set_size(b->evs, 0);
	g_string_chunk_clear(b->strings);
}

void
db_batch_free(struct db_batch *b)
{
	if (b == NULL)
		return;
	db_batch_clear(b);
	g_array_free(b->msgs, TRUE);
	g_array_free(b->evs, TRUE);
	g_string_chunk_free(b->strings);
	g_free(b->mailbox);
	g_free(b);
}

/* keep - a copy of s in the batch's chunk; NULL stays NULL */
static const char *
keep(struct db_batch *b, const char *s)
{
	return s != NULL ? g_string_chunk_insert(b->strings, s) : NULL;
}

/* keep_address - a copy of the address with its domain in lower case:
 * the domain is case-insensitive, and one subscriber must not become
 * two (the local part is the receiver's business: kept as written) */
static const char *
keep_address(struct db_batch *b, const char *a)
{
	const char *at = a != NULL ? strrchr(a, '@') : NULL;
	char       *dom, *full;
	const char *k;

	if (at == NULL)
		return keep(b, a);
	dom = g_utf8_strdown(at + 1, -1);
	full = g_strdup_printf("%.*s@%s", (int)(at - a), a, dom);
	k = keep(b, full);
	g_free(dom);
	g_free(full);
	return k;
}

void
db_batch_message(struct db_batch *b, const struct db_message *m)
{
	struct bmsg bm;
	int         i;

	memset(&bm, 0, sizeof(bm));
	for (i = 0; i < 32; i++)
		g_snprintf(bm.fp + 2 * i, 3, "%02x", m->fp[i]);
	bm.message_id = keep(b, m->message_id);
	bm.uid = keep(b, m->uid);
	bm.quarantined = m->quarantined;
	bm.review = m->review;
	g_array_append_val(b->msgs, bm);
}

void
db_batch_event(struct db_batch *b, const struct db_event *e)
{
	struct bev ev;

	g_return_if_fail(b->msgs->len > 0);
	memset(&ev, 0, sizeof(ev));
	ev.msg = b->msgs->len - 1;
	ev.cls = e->cls;
	ev.address = keep_address(b, e->address);
	ev.list = keep(b, e->list);
	ev.reason = keep(b, e->reason);
	ev.status = keep(b, e->status);
	ev.reply_code = keep(b, e->reply_code);
	ev.rule = keep(b, e->rule);
	ev.diagnostic = keep(b, e->diagnostic);
	ev.remote_mta = keep(b, e->remote_mta);
	ev.reporting_mta = keep(b, e->reporting_mta);
	ev.feedback_type = keep(b, e->feedback_type);
	ev.proven = e->proof != NULL && strcmp(e->proof, "none") != 0;
	ev.proof = keep(b, ev.proven ? e->proof : "none");
	ev.proof_why = keep(b, e->proof_why);
	ev.secret = keep(b, e->proof_secret);
	ev.send = keep(b, e->send);
	ev.msgid = keep(b, e->orig_message_id);
	ev.failed_at = e->failed_at;
	g_array_append_val(b->evs, ev);
}

void
db_batch_effect(const struct db_batch *b, unsigned i, struct db_effect *out)
{
	const struct bev *e = &g_array_index(b->evs, struct bev, i);

	out->effect = e->effect != NULL ? e->effect : "nothing";
	out->why = e->effect_why;
	out->state = e->state_after;
	out->score = e->score_after;
	out->sends = e->sends_after;
}

const char *
db_batch_event_list(const struct db_batch *b, unsigned i)
{
	return g_array_index(b->evs, struct bev, i).list;
}

unsigned
db_batch_events(const struct db_batch *b)
{
	return b->evs->len;
}

unsigned
db_batch_size(const struct db_batch *b)
{
	return b->msgs->len;
}

struct db_batch *
db_batch_one(const struct db_batch *b, unsigned i)
{
	struct db_batch   *one = db_batch_new(b->mailbox);
	const struct bmsg *m = &g_array_index(b->msgs, struct bmsg, i);
	struct bmsg        bm;
	guint              k;

	memset(&bm, 0, sizeof(bm));
	memcpy(bm.fp, m->fp, sizeof(bm.fp));
	bm.message_id = keep(one, m->message_id);
	bm.uid = keep(one, m->uid);
	bm.quarantined = m->quarantined;
	bm.review = m->review;
	bm.error = keep(one, m->error);
	g_array_append_val(one->msgs, bm);
	/* its events as they were added (db_batch_event copies them) */
	for (k = 0; k < b->evs->len; k++) {
		const struct bev *e = &g_array_index(b->evs, struct bev, k);
		struct db_event   de = { e->address, e->list, e->cls, e->reason,
			  e->status, e->reply_code, e->rule, e->diagnostic,
			  e->remote_mta, e->reporting_mta, e->feedback_type,
			  e->proof, e->proof_why, e->secret, e->send, e->msgid,
			  e->failed_at };

		if (e->msg == i)
			db_batch_event(one, &de);
	}
	return one;
}

void
db_batch_quarantine(struct db_batch *b, const char *error)
{
	guint i;

	for (i = 0; i < b->msgs->len; i++) {
		struct bmsg *m = &g_array_index(b->msgs, struct bmsg, i);
		m->quarantined = 1;
		m->error = keep(b, error);
	}
	for (i = 0; i < b->evs->len; i++)
		g_free(g_array_index(b->evs, struct bev, i).id);
	g_array_set_size(b->evs, 0);
}

#define MSG(b, i) (&g_array_index((b)->msgs, struct bmsg, (i)))
#define EV(b, i)  (&g_array_index((b)->evs, struct bev, (i)))

/* counted - does event e belong to a message recorded now? */
static int
counted(struct db_batch *b, const struct bev *e)
{
	return !MSG(b, e->msg)->duplicate;
}

/* find_duplicates - mark the messages processed before (same bytes or
 * Message-ID; a quarantined one is read again), and the second of two
 * equal ones within the batch */
static int
find_duplicates(struct db *db, struct db_batch *b, char **cause)
{
	GHashTable     *seen = g_hash_table_new(g_str_hash, g_str_equal);
	struct db_array fps, ids;
	const char     *params[2];
	PGresult       *res;
	guint           i;
	int             r, rc = -1;

	db_array_init(&fps);
	db_array_init(&ids);
	for (i = 0; i < b->msgs->len; i++) {
		db_array_add(&fps, MSG(b, i)->fp);
		if (MSG(b, i)->message_id != NULL)
			db_array_add(&ids, MSG(b, i)->message_id);
	}
	params[0] = db_array_end(&fps);
	params[1] = db_array_end(&ids);
	res = db_exec(db,
	    "SELECT encode(fingerprint, 'hex'), message_id FROM "
	    "@messages WHERE outcome IN ('processed', 'review') AND "
	    "(fingerprint IN (SELECT "
	    "decode(f, 'hex') FROM unnest($1::text[]) AS f) OR message_id = "
	    "ANY ($2::text[]))",
	    2, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto out;
	/* keys borrowed from res, which lives until the end */
	for (r = 0; r < PQntuples(res); r++) {
		g_hash_table_add(seen, PQgetvalue(res, r, 0));
		if (!PQgetisnull(res, r, 1))
			g_hash_table_add(seen, PQgetvalue(res, r, 1));
	}
	for (i = 0; i < b->msgs->len; i++) {
		struct bmsg *m = MSG(b, i);

		m->duplicate = g_hash_table_contains(seen, m->fp) ||
		    (m->message_id != NULL &&
			g_hash_table_contains(seen, m->message_id));
		g_hash_table_add(seen, m->fp);
		if (m->message_id != NULL)
			g_hash_table_add(seen, (gpointer)m->message_id);
	}
	PQclear(res);
	rc = 0;
out:
	db_array_free(&fps);
	db_array_free(&ids);
	g_hash_table_destroy(seen);
	return rc;
}

/* split_uid - "UIDVALIDITY/UID" into its numbers, else a UIDL or name */
static void
split_uid(const char *uid, struct db_array *uv, struct db_array *num,
    struct db_array *uidl)
{
	const char *slash = uid != NULL ? strchr(uid, '/') : NULL;

	if (slash == NULL) {
		db_array_add(uv, NULL);
		db_array_add(num, NULL);
		db_array_add(uidl, uid);
		return;
	}
	db_array_addf(uv, "%.*s", (int)(slash - uid), uid);
	db_array_add(num, slash + 1);
	db_array_add(uidl, NULL);
}

/* insert_messages - record the new messages; their ids into bmsg.id */
static int
insert_messages(struct db *db, struct db_batch *b, char **cause)
{
	struct db_array fp, mid, uv, uid, uidl, out, err;
	GHashTable     *byfp = g_hash_table_new(g_str_hash, g_str_equal);
	const char     *params[8];
	PGresult       *res;
	guint           i;
	int             r, rc = -1;

	db_array_init(&fp);
	db_array_init(&mid);
	db_array_init(&uv);
	db_array_init(&uid);
	db_array_init(&uidl);
	db_array_init(&out);
	db_array_init(&err);
	for (i = 0; i < b->msgs->len; i++) {
		struct bmsg *m = MSG(b, i);

		if (m->duplicate)
			continue;
		db_array_add(&fp, m->fp);
		db_array_add(&mid, m->message_id);
		split_uid(m->uid, &uv, &uid, &uidl);
		db_array_add(&out,
		    m->quarantined  ? "quarantined"
			: m->review ? "review"
				    : "processed");
		db_array_add(&err, m->error);
		g_hash_table_insert(byfp, m->fp, m);
	}
	if (fp.n == 0) {
		rc = 0;
		goto out;
	}
	params[0] = db_array_end(&fp);
	params[1] = db_array_end(&mid);
	params[2] = b->mailbox;
	params[3] = db_array_end(&uv);
	params[4] = db_array_end(&uid);
	params[5] = db_array_end(&uidl);
	params[6] = db_array_end(&out);
	params[7] = db_array_end(&err);
	res = db_exec(db,
	    "INSERT INTO @messages (fingerprint, message_id, "
	    "mailbox, uidvalidity, uid, uidl, outcome, error) SELECT "
	    "decode(f, 'hex'), m, $3, uv, u, l, o, e FROM unnest($1::text[], "
	    "$2::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], "
	    "$8::text[]) AS t(f, m, uv, u, l, o, e) "
	    /* a quarantined message a person moved back is read again */
	    "ON CONFLICT (fingerprint) DO UPDATE SET message_id = "
	    "EXCLUDED.message_id, mailbox = EXCLUDED.mailbox, uidvalidity = "
	    "EXCLUDED.uidvalidity, uid = EXCLUDED.uid, uidl = EXCLUDED.uidl, "
	    "outcome = EXCLUDED.outcome, error = EXCLUDED.error, "
	    "processed_at = now() RETURNING id, encode(fingerprint, 'hex')",
	    8, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		struct bmsg *m =
		    g_hash_table_lookup(byfp, PQgetvalue(res, r, 1));
		if (m != NULL) {
			g_free(m->id); /* a batch written again */
			m->id = g_strdup(PQgetvalue(res, r, 0));
		}
	}
	PQclear(res);
	rc = 0;
out:
	db_array_free(&err);
	db_array_free(&fp);
	db_array_free(&mid);
	db_array_free(&uv);
	db_array_free(&uid);
	db_array_free(&uidl);
	db_array_free(&out);
	g_hash_table_destroy(byfp);
	return rc;
}

/* list_ids - the id of every list the batch names, created when new:
 * name -> id (strings g_free()d by the table) */
static int
list_ids(struct db *db, struct db_batch *b, GHashTable *ids, char **cause)
{
	struct db_array names;
	const char     *params[1];
	PGresult       *res;
	guint           i;
	int             r;

	db_array_init(&names);
	for (i = 0; i < b->evs->len; i++)
		if (counted(b, EV(b, i)) && EV(b, i)->list != NULL)
			db_array_add(&names, EV(b, i)->list);
	if (names.n == 0) {
		db_array_free(&names);
		return 0;
	}
	params[0] = db_array_end(&names);
	/* the outer SELECT cannot see the CTE's rows: each name comes once */
	res = db_exec(db,
	    "WITH n AS (SELECT DISTINCT unnest($1::text[]) AS "
	    "name), ins AS (INSERT INTO @lists (name) SELECT name FROM n ORDER BY "
	    "name ON CONFLICT (name) DO NOTHING RETURNING id, name) SELECT id, "
	    "name FROM ins UNION ALL SELECT l.id, l.name FROM @lists l JOIN n "
	    "USING (name)",
	    1, params, PGRES_TUPLES_OK, cause);
	db_array_free(&names);
	if (res == NULL)
		return -1;
	for (r = 0; r < PQntuples(res); r++)
		g_hash_table_insert(ids, g_strdup(PQgetvalue(res, r, 1)),
		    g_strdup(PQgetvalue(res, r, 0)));
	PQclear(res);
	return 0;
}

static void
sub_free(gpointer p)
{
	struct sub *s = p;

	g_free(s->id);
	g_free(s);
}

/* sub_key - the table key of an address on a list (g_free) */
static char *
sub_key(const char *list_id, const char *address)
{
	return g_strdup_printf("%s\n%s", list_id != NULL ? list_id : "",
	    address);
}

/* state_of - the policy state named by the database */
static enum policy_state_name
state_of(const char *s)
{
	static const enum policy_state_name all[] = { POLICY_ACTIVE,
		POLICY_BOUNCING, POLICY_SUPPRESSED, POLICY_UNSUBSCRIBED };
	size_t                              i;

	for (i = 0; i < G_N_ELEMENTS(all); i++)
		if (strcmp(s, policy_state_name(all[i])) == 0)
			return all[i];
	return POLICY_ACTIVE;
}

/* load_subscribers - create the subscribers the batch names, then read
 * and lock them (in id order, so that writers never deadlock) into subs */
static int
load_subscribers(struct db *db, struct db_batch *b, GHashTable *lists,
    GHashTable *subs, db_policy_fn policy_for, void *arg, char **cause)
{
	struct db_array lid, addr;
	const char     *params[2];
	PGresult       *res = NULL;
	guint           i;
	int             r, rc = -1;

	db_array_init(&lid);
	db_array_init(&addr);
	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);
		struct sub *s;
		char       *k;

		if (!counted(b, e) || e->address == NULL)
			continue;
		s = g_new0(struct sub, 1);
		s->list = e->list;
		s->list_id = e->list != NULL
		    ? g_hash_table_lookup(lists, e->list)
		    : NULL;
		s->address = e->address;
		s->pol = policy_for(e->list, arg);
		k = sub_key(s->list_id, s->address);
		if ((e->sub = g_hash_table_lookup(subs, k)) != NULL) {
			g_free(k);
			sub_free(s);
			continue;
		}
		g_hash_table_insert(subs, k, s);
		e->sub = s;
		db_array_add(&lid, s->list_id);
		db_array_add(&addr, s->address);
	}
	if (addr.n == 0) {
		rc = 0;
		goto out;
	}
	params[0] = db_array_end(&lid);
	params[1] = db_array_end(&addr);
	if (db_simple(db,
		"INSERT INTO @subscribers (list_id, address) SELECT l, "
		"a FROM unnest($1::bigint[], $2::text[]) AS t(l, a) ON CONFLICT "
		"(list_id, address) DO NOTHING",
		2, params, cause) < 0)
		goto out;
	res = db_exec(db,
	    "SELECT s.id, s.list_id, s.address, s.state, s.score, "
	    "s.last_soft_day, s.soft_since, s.soft_sends, s.first_send_day, "
	    "s.last_send_id, s.last_send_day FROM @subscribers s JOIN "
	    "unnest($1::bigint[], $2::text[]) AS t(l, a) ON s.address = t.a AND "
	    "s.list_id IS NOT DISTINCT FROM t.l ORDER BY s.id FOR UPDATE OF s",
	    2, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		char *k =
		    sub_key(PQgetisnull(res, r, 1) ? NULL
						   : PQgetvalue(res, r, 1),
			PQgetvalue(res, r, 2));
		struct sub *s = g_hash_table_lookup(subs, k);

		g_free(k);
		if (s == NULL)
			continue;
		s->id = g_strdup(PQgetvalue(res, r, 0));
		s->st.state = state_of(PQgetvalue(res, r, 3));
		s->st.score = (unsigned)atoi(PQgetvalue(res, r, 4));
		s->st.last_soft_day = db_date_days(PQgetvalue(res, r, 5));
		s->st.window_start = db_date_days(PQgetvalue(res, r, 6));
		s->st.sends = (unsigned)atoi(PQgetvalue(res, r, 7));
		s->st.first_send_day = db_date_days(PQgetvalue(res, r, 8));
		s->st.last_send_id =
		    g_ascii_strtoll(PQgetvalue(res, r, 9), NULL, 10);
		s->st.last_send_day = db_date_days(PQgetvalue(res, r, 10));
	}
	PQclear(res);
	rc = 0;
out:
	db_array_free(&lid);
	db_array_free(&addr);
	return rc;
}

/* reserve_event_ids - take an id from the events sequence for each event
 * to insert, so that suppressions can name their source event */
static int
reserve_event_ids(struct db *db, struct db_batch *b, unsigned n, char **cause)
{
	char       *count = g_strdup_printf("%u", n);
	const char *params[1] = { count };
	PGresult   *res;
	guint       i;
	int         r = 0;

	res = db_exec(db,
	    "SELECT nextval(pg_get_serial_sequence('@events', "
	    "'id')) FROM generate_series(1, $1::integer)",
	    1, params, PGRES_TUPLES_OK, cause);
	g_free(count);
	if (res == NULL)
		return -1;
	for (i = 0; i < b->evs->len && r < PQntuples(res); i++)
		if (counted(b, EV(b, i))) {
			g_free(EV(b, i)->id); /* a batch written again */
			EV(b, i)->id = g_strdup(PQgetvalue(res, r++, 0));
		}
	PQclear(res);
	return 0;
}

/* insert_events - one row per event of the new messages */
static int
insert_events(struct db *db, struct db_batch *b, char **cause)
{
	struct db_array col[19];
	const char     *params[20];
	guint           i, k, n = 0;
	int             rc = -1;

	for (i = 0; i < b->evs->len; i++)
		n += counted(b, EV(b, i));
	if (n == 0)
		return 0;
	if (reserve_event_ids(db, b, n, cause) < 0)
		return -1;
	for (k = 0; k < G_N_ELEMENTS(col); k++)
		db_array_init(&col[k]);
	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);

		if (!counted(b, e))
			continue;
		db_array_add(&col[0], e->id);
		db_array_add(&col[1], MSG(b, e->msg)->id);
		db_array_add(&col[2], e->sub != NULL ? e->sub->id : NULL);
		db_array_add(&col[3], e->address);
		db_array_add(&col[4], e->list);
		db_array_add(&col[5], classify_class_name(e->cls));
		db_array_add(&col[6], e->reason);
		db_array_add(&col[7], e->status);
		db_array_add(&col[8], e->reply_code);
		db_array_add(&col[9], e->rule);
		db_array_add(&col[10], e->diagnostic);
		db_array_add(&col[11], e->remote_mta);
		db_array_add(&col[12], e->reporting_mta);
		db_array_add(&col[13], e->feedback_type);
		db_array_add(&col[14], e->proof);
		db_array_add(&col[15], e->proof_why);
		db_array_add(&col[16], e->send);
		if (e->failed_at > 0)
			db_array_addf(&col[17], "%lld", e->failed_at);
		else
			db_array_add(&col[17], NULL);
		if (e->send_id > 0)
			db_array_addf(&col[18], "%lld", e->send_id);
		else
			db_array_add(&col[18], NULL);
	}
	for (k = 0; k < G_N_ELEMENTS(col); k++)
		params[k] = db_array_end(&col[k]);
	params[19] = b->mailbox;
	rc = db_simple(db,
	    "INSERT INTO @events (id, message, subscriber, "
	    "address, list, class, reason, status, reply_code, rule, diagnostic, "
	    "remote_mta, reporting_mta, feedback_type, proof, proof_why, send, "
	    "failed_at, send_id, mailbox) SELECT i, m, s, a, l, c, r, st, rc, "
	    "ru, d, rm, rp, ft, p, pw, se, coalesce(to_timestamp(f), now()), "
	    "sid, $20 "
	    "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], "
	    "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
	    "$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], "
	    "$15::text[], $16::text[], $17::text[], $18::float8[], "
	    "$19::bigint[]) AS t(i, m, s, a, l, c, r, st, rc, ru, d, rm, rp, ft, "
	    "p, pw, se, f, sid)",
	    20, params, cause);
	for (k = 0; k < G_N_ELEMENTS(col); k++)
		db_array_free(&col[k]);
	return rc;
}

/* update_subscribers - write back state, score and counts */
static int
update_subscribers(struct db *db, GHashTable *subs, char **cause)
{
	enum {
		ID,
		STATE,
		SCORE,
		LAST,
		SINCE,
		WHY,
		HARD,
		SOFT,
		BLOCK,
		COMPL,
		BOUNCED,
		SENDS,
		FIRST,
		LASTID,
		LASTDAY,
		NCOL
	};
	struct db_array col[NCOL];
	const char     *params[NCOL];
	GHashTableIter  it;
	gpointer        v;
	int             k, rc;

	for (k = 0; k < NCOL; k++)
		db_array_init(&col[k]);
	g_hash_table_iter_init(&it, subs);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct sub *s = v;
		char       *last = db_days_date(s->st.last_soft_day);
		char       *since = db_days_date(s->st.window_start);

		if (s->id == NULL)
			continue;
		db_array_add(&col[ID], s->id);
		db_array_add(&col[STATE], policy_state_name(s->st.state));
		db_array_addf(&col[SCORE], "%u", s->st.score);
		db_array_add(&col[LAST], last);
		db_array_add(&col[SINCE], since);
		db_array_add(&col[WHY], s->why);
		db_array_addf(&col[HARD], "%u", s->inc[CLASS_HARD]);
		db_array_addf(&col[SOFT], "%u", s->inc[CLASS_SOFT]);
		db_array_addf(&col[BLOCK], "%u", s->inc[CLASS_BLOCK]);
		db_array_addf(&col[COMPL], "%u", s->inc[CLASS_COMPLAINT]);
		db_array_add(&col[BOUNCED], s->bounced ? "t" : "f");
		db_array_addf(&col[SENDS], "%u", s->st.sends);
		g_free(last);
		g_free(since);
		last = db_days_date(s->st.first_send_day);
		since = db_days_date(s->st.last_send_day);
		db_array_add(&col[FIRST], last);
		if (s->st.last_send_id > 0)
			db_array_addf(&col[LASTID], "%lld", s->st.last_send_id);
		else
			db_array_add(&col[LASTID], NULL);
		db_array_add(&col[LASTDAY], since);
		g_free(last);
		g_free(since);
	}
	for (k = 0; k < NCOL; k++)
		params[k] = db_array_end(&col[k]);
	rc = col[ID].n == 0
	    ? 0
	    : db_simple(db,
		  "UPDATE @subscribers s SET "
		  "changed_at = CASE WHEN s.state <> t.state THEN now() ELSE "
		  "s.changed_at END, state = t.state, score = t.score, last_soft_day "
		  "= t.last, soft_since = t.since, change_reason = coalesce(t.why, "
		  "s.change_reason), hard_count = s.hard_count + t.hard, soft_count = "
		  "s.soft_count + t.soft, block_count = s.block_count + t.block, "
		  "complaint_count = s.complaint_count + t.compl, first_bounce_at = "
		  "CASE WHEN t.bounced THEN coalesce(s.first_bounce_at, now()) ELSE "
		  "s.first_bounce_at END, last_bounce_at = CASE WHEN t.bounced THEN "
		  "now() ELSE s.last_bounce_at END, soft_sends = t.sends, "
		  "first_send_day = t.first, last_send_id = t.lastid, "
		  "last_send_day = t.lastday FROM unnest($1::bigint[], "
		  "$2::text[], $3::integer[], $4::date[], $5::date[], $6::text[], "
		  "$7::integer[], $8::integer[], $9::integer[], $10::integer[], "
		  "$11::boolean[], $12::integer[], $13::date[], $14::bigint[], "
		  "$15::date[]) AS t(id, state, score, last, since, why, hard, soft, "
		  "block, compl, bounced, sends, first, lastid, lastday) WHERE s.id "
		  "= t.id",
		  NCOL, params, cause);
	for (k = 0; k < NCOL; k++)
		db_array_free(&col[k]);
	return rc;
}

/* insert_suppressions - begin the suppressions the policy asked for (not
 * those already active); run on_suppress for each; count them */
static int
insert_suppressions(struct db *db, GArray *supps, GHashTable *list_names,
    struct db_tally *t, char **cause)
{
	enum { ADDR, LIST, CAUSE, REASON, STATUS, EVENT, PROOF, NCOL };
	struct db_array col[NCOL];
	const char     *params[NCOL];
	PGresult       *res = NULL;
	guint           i;
	int             k, r, rc = -1;

	if (supps->len == 0)
		return 0;
	for (k = 0; k < NCOL; k++)
		db_array_init(&col[k]);
	for (i = 0; i < supps->len; i++) {
		struct supp *s = &g_array_index(supps, struct supp, i);

		db_array_add(&col[ADDR], s->address);
		db_array_add(&col[LIST], s->list_id);
		db_array_add(&col[CAUSE], s->cause);
		db_array_add(&col[REASON], s->ev->reason);
		db_array_add(&col[STATUS], s->ev->status);
		db_array_add(&col[EVENT], s->ev->id);
		db_array_add(&col[PROOF], s->ev->proof);
	}
	for (k = 0; k < NCOL; k++)
		params[k] = db_array_end(&col[k]);
	/* the first event of the batch for each address and list wins */
	res = db_exec(db,
	    "INSERT INTO @suppressions (address, list_id, cause, "
	    "reason, status, source_event, proof) SELECT DISTINCT ON (a, "
	    "coalesce(l, 0)) a, l, c, r, s, e, p FROM unnest($1::text[], "
	    "$2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], "
	    "$7::text[]) WITH ORDINALITY "
	    "AS t(a, l, c, r, s, e, p, o) WHERE NOT EXISTS (SELECT 1 FROM "
	    "@suppressions x WHERE x.address = t.a AND coalesce(x.list_id, 0) = "
	    "coalesce(t.l, 0) AND x.ended_at IS NULL) ORDER BY a, coalesce(l, "
	    "0), o RETURNING address, list_id, cause, reason, status, (SELECT "
	    "send FROM @events WHERE id = source_event), proof",
	    NCOL, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		const char      *list = PQgetisnull(res, r, 1)
			 ? NULL
			 : g_hash_table_lookup(list_names, PQgetvalue(res, r, 1));
		const char      *v[7];
		struct db_notice n;

		for (k = 0; k < 7; k++)
			v[k] = PQgetisnull(res, r, k) ? NULL
						      : PQgetvalue(res, r, k);
		if (db_hook(db, "on_suppress", v[0], list, v[2], v[3], v[4],
			v[5], cause) < 0)
			goto out;
		n = (struct db_notice){ "suppress", v[0], list, "suppressed",
			v[2], v[3], v[4], v[6], v[5], -1 };
		if (db_note(db, &n, cause) < 0)
			goto out;
		t->suppressed++;
	}
	rc = 0;
out:
	if (res != NULL)
		PQclear(res);
	for (k = 0; k < NCOL; k++)
		db_array_free(&col[k]);
	return rc;
}

/* domain_of - the domain of address (g_free), or NULL; already in lower
 * case, as keep_address() stored it */
static char *
domain_of(const char *address)
{
	const char *at = address != NULL ? strrchr(address, '@') : NULL;

	if (at == NULL || at[1] == '\0')
		return NULL;
	return g_strdup(at + 1);
}

/* bump - add one to the count of key (given up to h, which frees its
 * keys) */
static void
bump(GHashTable *h, char *key)
{
	g_hash_table_insert(h, key,
	    GUINT_TO_POINTER(
		GPOINTER_TO_UINT(g_hash_table_lookup(h, key)) + 1));
}

/* count_domains - add the batch's events to the daily counts per
 * recipient domain and class (ignored events are not bounces) */
static int
count_domains(struct db *db, struct db_batch *b, int today, struct db_tally *t,
    char **cause)
{
	GHashTable *n =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct db_array days, dom, cls, cnt;
	GHashTableIter  it;
	gpointer        k, v;
	const char     *params[4];
	guint           i;
	int             rc;

	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);
		char       *d;
		int on = e->failed_at > 0 ? (int)(e->failed_at / 86400) : today;

		if (!counted(b, e) || e->cls == CLASS_IGNORE ||
		    (d = domain_of(e->address)) == NULL)
			continue;
		if (e->cls == CLASS_BLOCK && t->blocks != NULL)
			bump(t->blocks, g_strdup(d));
		if (e->cls == CLASS_BLOCK && t->block_days != NULL)
			bump(t->block_days, g_strdup_printf("%d %s", on, d));
		/* the day the delivery failed, not today: a backlog read at
		 * once lands on the days it happened */
		bump(n,
		    g_strdup_printf("%d\n%s\n%s", on,
			classify_class_name(e->cls), d));
		g_free(d);
	}
	db_array_init(&days);
	db_array_init(&dom);
	db_array_init(&cls);
	db_array_init(&cnt);
	g_hash_table_iter_init(&it, n);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *nl = strchr(k, '\n');
		const char *nl2 = strchr(nl + 1, '\n');
		char       *day = db_days_date(atoi(k));

		db_array_add(&days, day);
		g_free(day);
		db_array_addf(&cls, "%.*s", (int)(nl2 - nl - 1), nl + 1);
		db_array_add(&dom, nl2 + 1);
		db_array_addf(&cnt, "%u", GPOINTER_TO_UINT(v));
	}
	params[0] = db_array_end(&days);
	params[1] = db_array_end(&dom);
	params[2] = db_array_end(&cls);
	params[3] = db_array_end(&cnt);
	rc = dom.n == 0
	    ? 0
	    : db_simple(db,
		  "INSERT INTO @domain_daily (day, "
		  "domain, class, count) SELECT y, d, c, n FROM "
		  "unnest($1::date[], $2::text[], $3::text[], $4::integer[]) AS "
		  "t(y, d, c, n) ORDER BY y, d, c ON CONFLICT (day, domain, class) "
		  "DO UPDATE SET count = domain_daily.count + EXCLUDED.count",
		  4, params, cause);
	db_array_free(&days);
	db_array_free(&dom);
	db_array_free(&cls);
	db_array_free(&cnt);
	g_hash_table_destroy(n);
	return rc;
}

/* note_mailbox - remember the mailbox's UIDVALIDITY and when it was read */
static int
note_mailbox(struct db *db, struct db_batch *b, char **cause)
{
	char       *uv = NULL;
	const char *params[2];
	guint       i;
	int         rc;

	for (i = 0; i < b->msgs->len && uv == NULL; i++) {
		const char *u = MSG(b, i)->uid;
		const char *slash = u != NULL ? strchr(u, '/') : NULL;
		if (slash != NULL)
			uv = g_strndup(u, (gsize)(slash - u));
	}
	params[0] = b->mailbox;
	params[1] = uv;
	rc = db_simple(db,
	    "INSERT INTO @mailboxes (name, uidvalidity) VALUES "
	    "($1, $2::bigint) ON CONFLICT (name) DO UPDATE SET uidvalidity = "
	    "coalesce(EXCLUDED.uidvalidity, mailboxes.uidvalidity), updated_at = "
	    "now()",
	    2, params, cause);
	g_free(uv);
	return rc;
}

/* check_caps - would the suppressions of this batch take a list past its
 * max_suppressions within its suppression_window (counting those begun
 * before in the database)?  Then nothing of the batch may be applied:
 * -1 with *cause and status EX_UNAVAILABLE, the run stops, the messages
 * stay in the mailbox until a person has looked (rebound run --release).
 * 0 when within the caps, or released. */
static int
check_caps(struct db *db, GArray *supps, GHashTable *names, char **cause)
{
	GHashTable    *count = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter it;
	gpointer       k, v;
	guint          i;
	int            rc = 0;

	if (db->release || supps->len == 0) {
		g_hash_table_destroy(count);
		return 0;
	}
	/* new suppressions per list ("" for every list), and a policy */
	for (i = 0; i < supps->len; i++) {
		struct supp *s = &g_array_index(supps, struct supp, i);
		const char  *key = s->list_id != NULL ? s->list_id : "";
		g_hash_table_insert(count, (gpointer)key,
		    GUINT_TO_POINTER(
			GPOINTER_TO_UINT(g_hash_table_lookup(count, key)) + 1));
	}
	g_hash_table_iter_init(&it, count);
	while (rc == 0 && g_hash_table_iter_next(&it, &k, &v)) {
		const struct policy *pol = NULL;
		const char          *params[2];
		char                 days[16];
		PGresult            *res;
		unsigned             before;

		for (i = 0; i < supps->len && pol == NULL; i++) {
			struct supp *s = &g_array_index(supps, struct supp, i);
			if (g_strcmp0(s->list_id != NULL ? s->list_id : "",
				k) == 0)
				pol = s->ev->sub->pol;
		}
		if (pol == NULL || pol->max_suppressions == 0)
			continue;
		g_snprintf(days, sizeof(days), "%u", pol->suppression_window);
		params[0] = ((const char *)k)[0] != '\0' ? k : NULL;
		params[1] = days;
		if ((res = db_exec(db,
			 "SELECT count(*) FROM @suppressions WHERE list_id IS NOT "
			 "DISTINCT FROM $1::bigint AND since > now() - "
			 "make_interval(days => $2::integer) AND cause <> "
			 "'manual'",
			 2, params, PGRES_TUPLES_OK, cause)) == NULL) {
			rc = -1;
			break;
		}
		before = (unsigned)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		if (before + GPOINTER_TO_UINT(v) > pol->max_suppressions) {
			const char *name = ((const char *)k)[0] != '\0'
			    ? g_hash_table_lookup(names, k)
			    : NULL;
			g_free(*cause);
			*cause =
			    g_strdup_printf("%s%s: %u suppressions in %u "
					    "day%s with this batch, more than "
					    "max_suppressions (%u): held, "
					    "nothing of the batch applied, "
					    "its messages left in the "
					    "mailbox; review them (rebound "
					    "run --dry-run), then apply with "
					    "rebound run --release",
				name != NULL ? "list " : "every list",
				name != NULL ? name : "",
				before + GPOINTER_TO_UINT(v),
				pol->suppression_window,
				pol->suppression_window == 1 ? "" : "s",
				pol->max_suppressions);
			db->status = EX_UNAVAILABLE;
			db->sqlstate[0] = '\0';
			db->held = 1;
			g_free(db->held_list);
			db->held_list = g_strdup(name);
			db->held_count = before + GPOINTER_TO_UINT(v);
			db->held_cap = pol->max_suppressions;
			db->held_days = pol->suppression_window;
			rc = -1;
		}
	}
	g_hash_table_destroy(count);
	return rc;
}

/* member - run list's members_query for address with secret (or NULL):
 * 1 when a row comes back, 0 when none, -1 with *cause */
static int
member(struct db *db, const char *query, const char *address, const char *list,
    const char *secret, char **cause)
{
	/* all text, so that a query may leave any of them unused */
	static const Oid types[3] = { 25, 25, 25 };
	const char      *params[3] = { address, list, secret };
	PGresult        *res =
	    PQexecParams(db->conn, query, 3, types, params, NULL, NULL, 0);
	int yes;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return db_fail(db, res, "members_query", cause);
	yes = PQntuples(res) > 0;
	PQclear(res);
	return yes;
}

/* check_members - for each unproven event of a list with a members_query:
 * the returned original's secret, when it matches, is proof ("secret");
 * else an address the query does not know as a member is marked so (the
 * policy touches no non-member without proof).  0, or -1 with *cause. */
static int
check_members(struct db *db, struct db_batch *b, char **cause)
{
	guint i;

	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);
		const char *q;
		int         yes;

		if (!counted(b, e) || e->proven || e->sub == NULL ||
		    e->address == NULL || e->sub->pol == NULL ||
		    (q = e->sub->pol->members_query) == NULL)
			continue;
		if (e->secret != NULL) {
			if ((yes = member(db, q, e->address, e->list, e->secret,
				 cause)) < 0)
				return -1;
			if (yes) {
				e->proven = 1;
				e->proof = keep(b, "secret");
				e->proof_why = NULL;
				continue;
			}
		}
		if ((yes = member(db, q, e->address, e->list, NULL, cause)) < 0)
			return -1;
		if (!yes)
			e->nonmember = 1;
		if (e->secret != NULL)
			e->proof_why = keep(b,
			    yes ? "the secret in the returned original does "
				  "not match (members_query)"
				: "no member of the list (members_query)");
		else if (!yes)
			e->proof_why = keep(b,
			    "no member of the list "
			    "(members_query)");
	}
	return 0;
}

/*
 * The sends of the batch's lists, in order: a proven report's soft bounce
 * counts on the send it answers, and whether the subscriber's last
 * bounced send came right before it is a matter of positions.
 */
struct sends {
	GHashTable *pos;  /* "ID" -> its position in its list, from 1 */
	GHashTable *keys; /* "LIST_ID KEY" -> "ID DAY" */
};

/* sends_pos - the position of send id in its list, 0 when not loaded */
static int
sends_pos(const struct sends *s, long long id)
{
	char key[32];

	g_snprintf(key, sizeof(key), "%lld", id);
	return GPOINTER_TO_INT(g_hash_table_lookup(s->pos, key));
}

/* resolve_sends - record the sends proven reports name (send_header),
 * load the sends of their lists (the last two years), and set each
 * proven event's send_id: the send its send key or Message-ID names.  An
 * unproven report neither makes a send nor counts on one. */
static int
resolve_sends(struct db *db, struct db_batch *b, int today, struct sends *out,
    char **cause)
{
	struct db_array lid, key, lists;
	const char     *params[3];
	char           *day = db_days_date(today);
	GHashTable     *seen = g_hash_table_new(g_str_hash, g_str_equal);
	PGresult       *res = NULL;
	guint           i;
	int             r, rc = -1, pos = 0;
	const char     *prev = "";

	out->pos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	out->keys =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	db_array_init(&lid);
	db_array_init(&key);
	db_array_init(&lists);
	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);

		if (!counted(b, e) || !e->proven || e->sub == NULL ||
		    e->sub->list_id == NULL ||
		    (e->send == NULL && e->msgid == NULL))
			continue;
		if (e->send != NULL) {
			db_array_add(&lid, e->sub->list_id);
			db_array_add(&key, e->send);
		}
		if (g_hash_table_add(seen, (char *)e->sub->list_id))
			db_array_add(&lists, e->sub->list_id);
	}
	if (lists.n == 0) {
		rc = 0;
		goto out;
	}
	params[0] = db_array_end(&lid);
	params[1] = db_array_end(&key);
	params[2] = day;
	if (lid.n > 0 &&
	    db_simple(db,
		"INSERT INTO @sends (list_id, send_key, sent_at) SELECT l, k, "
		"$3::date::timestamp AT TIME ZONE 'UTC' FROM unnest($1::bigint[], "
		"$2::text[]) AS t(l, k) ON CONFLICT (list_id, send_key) DO "
		"NOTHING",
		3, params, cause) < 0)
		goto out;
	params[0] = db_array_end(&lists);
	params[1] = day;
	res = db_exec(db,
	    "SELECT id, list_id, send_key, (sent_at AT TIME ZONE 'UTC')::date "
	    "FROM @sends WHERE list_id = ANY ($1::bigint[]) AND sent_at >= "
	    "$2::date - 730 ORDER BY list_id, sent_at, id",
	    2, params, PGRES_TUPLES_OK, cause);
	if (res == NULL)
		goto out;
	for (r = 0; r < PQntuples(res); r++) {
		const char *list = PQgetvalue(res, r, 1);

		pos = strcmp(list, prev) == 0 ? pos + 1 : 1;
		prev = list;
		g_hash_table_insert(out->pos, g_strdup(PQgetvalue(res, r, 0)),
		    GINT_TO_POINTER(pos));
		g_hash_table_insert(out->keys,
		    g_strdup_printf("%s %s", list, PQgetvalue(res, r, 2)),
		    g_strdup_printf("%s %d", PQgetvalue(res, r, 0),
			db_date_days(PQgetvalue(res, r, 3))));
	}
	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);
		const char *found = NULL;
		char       *k;

		if (!counted(b, e) || !e->proven || e->sub == NULL ||
		    e->sub->list_id == NULL)
			continue;
		if (e->send != NULL) {
			k = g_strdup_printf("%s %s", e->sub->list_id, e->send);
			found = g_hash_table_lookup(out->keys, k);
			g_free(k);
		}
		if (found == NULL && e->msgid != NULL) {
			k = g_strdup_printf("%s %s", e->sub->list_id, e->msgid);
			found = g_hash_table_lookup(out->keys, k);
			g_free(k);
		}
		if (found != NULL &&
		    sscanf(found, "%lld %d", &e->send_id, &e->send_day) != 2)
			e->send_id = 0;
	}
	rc = 0;
out:
	if (res != NULL)
		PQclear(res);
	g_hash_table_destroy(seen);
	db_array_free(&lid);
	db_array_free(&key);
	db_array_free(&lists);
	g_free(day);
	return rc;
}

/* apply_policy - walk the events in order through the policy; collect the
 * suppressions it asks for */
static void
apply_policy(struct db_batch *b, int today, const struct sends *sends,
    GArray *supps, struct db_tally *t)
{
	guint i;

	for (i = 0; i < b->evs->len; i++) {
		struct bev        *e = EV(b, i);
		enum policy_effect eff;
		const char        *why = NULL;
		unsigned           how, score, run;

		e->effect_why = NULL;
		e->state_after = NULL;
		if (!counted(b, e)) {
			e->effect = "already stored";
			continue;
		}
		if ((unsigned)e->cls < G_N_ELEMENTS(t->cls))
			t->cls[e->cls]++;
		if (e->sub == NULL || e->sub->id == NULL) {
			e->effect = "nothing";
			e->effect_why = "the report names no subscriber";
			continue;
		}
		score = e->sub->st.score;
		run = e->sub->st.sends;
		if ((unsigned)e->cls < G_N_ELEMENTS(e->sub->inc))
			e->sub->inc[e->cls]++;
		if (e->cls == CLASS_HARD || e->cls == CLASS_SOFT ||
		    e->cls == CLASS_BLOCK || e->cls == CLASS_COMPLAINT)
			e->sub->bounced = 1;
		how = (e->proven ? POLICY_PROVEN : 0) |
		    (e->sub->list_id == NULL ? POLICY_GLOBAL : 0) |
		    (e->nonmember ? POLICY_NONMEMBER : 0);
		if (e->send_id > 0) {
			/* sends in between: the run goes on only after the
			 * send right before this one (or an unknown one) */
			struct policy_state *st = &e->sub->st;
			int                here = sends_pos(sends, e->send_id);
			int                last = st->last_send_id > 0
					   ? sends_pos(sends, st->last_send_id)
					   : 0;
			struct policy_send ps = { e->send_id, e->send_day,
				st->sends == 0    ? 0
				    : last == 0   ? 1
				    : here > last ? (unsigned)(here - last - 1)
						  : 0 };
			eff = policy_apply(e->sub->pol, st, e->cls, how, &ps,
			    today, &why);
		} else
			eff = policy_apply(e->sub->pol, &e->sub->st, e->cls,
			    how, NULL, today, &why);
		if (why != NULL)
			e->sub->why = why;
		e->effect = eff == POLICY_SUPPRESS_GLOBAL
		    ? "suppress everywhere"
		    : eff == POLICY_SUPPRESS ? "suppress"
		    : e->sub->st.score != score || e->sub->st.sends != run
		    ? "count"
		    : "nothing";
		/* for the dry run's reader; the subscriber keeps its reason */
		e->effect_why = why != NULL ? why
		    : e->cls == CLASS_BLOCK
		    ? "block: the receiver refused the sender, not the address"
		    : e->cls == CLASS_IGNORE
		    ? "not a failure: an auto-reply, a delay, a delivery"
		    : e->cls == CLASS_UNKNOWN ? "not understood: recorded only"
					      : NULL;
		e->state_after = policy_state_name(e->sub->st.state);
		e->score_after = e->sub->st.score;
		e->sends_after = e->sub->st.sends;
		if (eff != POLICY_NOTHING) {
			struct supp s;

			s.address = e->address;
			/* a complaint is about the sender: every list; a hard
			 * bounce whose list is unknown is dead everywhere */
			s.list_id = eff == POLICY_SUPPRESS_GLOBAL
			    ? NULL
			    : e->sub->list_id;
			switch (
			    policy_counted_as(e->sub->pol, e->cls, e->proven)) {
			case CLASS_HARD:
				s.cause = "hard";
				break;
			case CLASS_COMPLAINT:
				s.cause = "complaint";
				break;
			default:
				s.cause = "soft";
				break;
			}
			s.ev = e;
			g_array_append_val(supps, s);
		}
	}
}

int
db_batch_write(struct db *db, struct db_batch *b, db_policy_fn policy_for,
    void *arg, int today, struct db_tally *t, char **cause)
{
	GHashTable *lists =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *subs =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, sub_free);
	GArray        *supps = g_array_new(FALSE, TRUE, sizeof(struct supp));
	struct sends   sends = { NULL, NULL };
	const char    *key[1] = { DB_STORE_LOCK };
	GHashTableIter it;
	gpointer       k, v;
	PGresult      *res;
	guint          i;
	int            rc = -1;
	unsigned       idle = db->hooks_idle;

	if (b->msgs->len == 0) {
		rc = 0;
		goto out;
	}
	/* one writer at a time until COMMIT: the duplicate check is exact */
	if ((res = db_exec(db, "SELECT pg_advisory_xact_lock($1)", 1, key,
		 PGRES_TUPLES_OK, cause)) == NULL)
		goto out;
	PQclear(res);
	if (find_duplicates(db, b, cause) < 0 ||
	    insert_messages(db, b, cause) < 0 ||
	    list_ids(db, b, lists, cause) < 0)
		goto out;
	g_hash_table_iter_init(&it, lists);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_insert(names, v, k);
	if (load_subscribers(db, b, lists, subs, policy_for, arg, cause) < 0)
		goto out;
	if (check_members(db, b, cause) < 0)
		goto out;
	if (resolve_sends(db, b, today, &sends, cause) < 0)
		goto out;
	apply_policy(b, today, &sends, supps, t);
	if (check_caps(db, supps, names, cause) < 0)
		goto out;
	if (insert_events(db, b, cause) < 0 ||
	    update_subscribers(db, subs, cause) < 0 ||
	    insert_suppressions(db, supps, names, t, cause) < 0 ||
	    count_domains(db, b, today, t, cause) < 0 ||
	    note_mailbox(db, b, cause) < 0)
		goto out;
	for (i = 0; i < b->evs->len; i++) {
		struct bev *e = EV(b, i);

		struct db_notice n;

		if (!counted(b, e) || e->cls != CLASS_SOFT || e->sub == NULL)
			continue;
		if (db_hook(db, "on_soft", e->address, e->list, "soft",
			e->reason, e->status, e->send, cause) < 0)
			goto out;
		n = (struct db_notice){ "soft", e->address, e->list,
			policy_state_name(e->sub->st.state), "soft", e->reason,
			e->status, e->proof, e->send, (int)e->sub->st.score };
		if (db_note(db, &n, cause) < 0)
			goto out;
	}
	for (i = 0; i < b->msgs->len; i++) {
		struct bmsg *m = MSG(b, i);

		t->duplicates += m->duplicate;
		t->quarantined += !m->duplicate && m->quarantined;
		t->review += !m->duplicate && m->review;
	}
	t->hooks_idle += db->hooks_idle - idle;
	rc = 0;
out:
	g_array_free(supps, TRUE);
	if (sends.pos != NULL)
		g_hash_table_destroy(sends.pos);
	if (sends.keys != NULL)
		g_hash_table_destroy(sends.keys);
	g_hash_table_destroy(subs);
	g_hash_table_destroy(names);
	g_hash_table_destroy(lists);
	return rc;
}
