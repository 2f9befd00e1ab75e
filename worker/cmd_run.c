/*
 * cmd_run.c - `rebound run`: read the configured mailboxes.
 *
 * With --dry-run every mailbox is fetched and parsed and the rows printed
 * as `rebound parse --jsonl` prints them (plus mailbox and uid); nothing
 * is stored and nothing on the server changes.
 *
 * Without it, each batch of messages is stored in one transaction: the
 * message (its SHA-256 and Message-ID), one event per recipient, the
 * subscriber changes the policy makes.  Only after COMMIT are the
 * messages acknowledged (`after`, quarantine).  A message already recorded
 * is acknowledged without being counted again, so a crash at any point,
 * or a redelivery, counts nothing twice and loses nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib.h>

#include "commands.h"
#include "config.h"
#include "atomic.h"
#include "db.h"
#include "html.h"
#include "log.h"
#include "mime.h"
#include "output.h"
#include "policy.h"
#include "pool.h"
#include "run.h"
#include "source.h"

/* Messages per database transaction. */
#define RUN_BATCH 500

/* worse - the status to exit with when a and b both happened */
static int
worse(int a, int b)
{
	/* a temporary failure is retried; anything else needs a person */
	if (a == EX_OK)
		return b;
	if (b == EX_OK || a == b)
		return a;
	if (a == EX_TEMPFAIL)
		return b;
	return a;
}

/* read_mailbox - fetch, parse and print one mailbox; a sysexits.h status */
static int
read_mailbox(const struct config_mailbox *mb, const struct mime_options *opts,
    struct output *out, int stats)
{
	struct source    *src;
	struct source_msg msg = { 0 };
	char             *cause = NULL;
	int               status = EX_OK, rc;
	unsigned          fetched = 0, failed = 0;
	gint64            t0 = g_get_monotonic_time();

	src = source_open_mailbox(mb, &cause, &status);
	if (src == NULL) {
		log_msg(G_LOG_LEVEL_CRITICAL, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %s", mb->name, cause);
		g_free(cause);
		return status;
	}
	while ((rc = source_next(src, &msg, &cause)) == 1) {
		char               *why = NULL;
		struct mime_report *r = cmd_read(&msg, opts, mb->name, &why);

		fetched++;
		if (r == NULL) {
			log_msg(G_LOG_LEVEL_WARNING, mb->name, msg.uid, NULL,
			    NULL, "mailbox %s: %s: %s", mb->name, msg.name,
			    why);
			output_error(out, msg.name, msg.seq, why);
			failed++;
			g_free(why);
			continue;
		}
		output_message(out, msg.name, msg.seq, r, mb->name, msg.uid);
		mime_report_free(r);
	}
	if (rc < 0) {
		log_msg(G_LOG_LEVEL_CRITICAL, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %s", mb->name, cause);
		g_free(cause);
		status =
		    source_status(src) != 0 ? source_status(src) : EX_TEMPFAIL;
	}
	source_msg_clear(&msg);
	source_close(src);
	if (stats) {
		double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
		log_info(
		    "mailbox %s: %u messages (%u "
		    "unreadable) in %.3f s, %.0f messages/s, peak RSS %ld KiB",
		    mb->name, fetched, failed, secs,
		    secs > 0 ? fetched / secs : 0.0, metrics_peak_rss_kib());
	}
	return status;
}

/* fingerprint - SHA-256 of the message bytes (or, for a message that
 * could not be read, of where it is and why) into fp[32] */
static void
fingerprint(const struct config_mailbox *mb, const struct source_msg *m,
    unsigned char fp[32])
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	gsize      n = 32;

	if (m->data != NULL)
		g_checksum_update(c, (const guchar *)m->data, (gssize)m->len);
	else {
		char *k = g_strdup_printf("unreadable\n%s\n%s\n%s", mb->name,
		    m->uid != NULL ? m->uid : m->name, m->error);
		g_checksum_update(c, (const guchar *)k, -1);
		g_free(k);
	}
	g_checksum_get_digest(c, fp, &n);
	g_checksum_free(c);
}

/* event_of - the event of one row of report r read from mailbox mb: whom
 * it concerns, on which list, and what proves it */
static void
event_of(const struct run *run, const struct config_mailbox *mb,
    const struct mime_report *r, const struct verdict_row *row,
    struct db_event *ev)
{
	const struct mime_rcpt *rc = row->rcpt;
	const char             *signed_list;
	enum proof_kind         proof;

	memset(ev, 0, sizeof(*ev));
	ev->address = row->subscriber;
	/* the list: a verified VERP address's; the mailbox's; the one the
	 * plain return path names (our MTA wrote the header it is read
	 * from); then the returned original's List-Id (anyone can write that
	 * one).  Proof is checked against the name the return path was
	 * signed for, the policy is its canonical list's. */
	signed_list = r->verp_list != NULL ? r->verp_list : mb->list;
	proof = verdict_proof(row, signed_list,
	    config_policy(run->cfg, signed_list), run->today, &ev->proof_why);
	ev->proof = proof_kind_name(proof);
	ev->list = proof == PROOF_VERP    ? signed_list
	    : mb->list != NULL            ? mb->list
	    : r->verp_list != NULL        ? r->verp_list
	    : r->orig_list_header != NULL ? r->orig_list_header
					  : r->orig_list_id;
	ev->list = config_list_name(run->cfg, ev->list);
	if (!config_list_allowed(run->cfg, ev->list))
		ev->list = NULL; /* recorded under no list */
	ev->cls = row->result.cls;
	ev->reason = row->result.reason;
	ev->status = row->result.status[0] != '\0' ? row->result.status : NULL;
	ev->reply_code =
	    row->result.reply_code[0] != '\0' ? row->result.reply_code : NULL;
	ev->rule = row->result.rule;
	ev->diagnostic = rc != NULL ? rc->diagnostic : NULL;
	ev->remote_mta = rc != NULL ? rc->remote_mta : NULL;
	ev->reporting_mta = r->reporting_mta;
	ev->feedback_type = rc != NULL ? rc->feedback_type : NULL;
	ev->proof_secret = r->orig_proof;
	ev->send = r->orig_send;
	ev->orig_message_id = r->orig_message_id;
	/* the day it failed, judged against the run's clock */
	ev->failed_at = mime_failed_at(r, rc, run->now);
}

/* too_many - the list of evs[0..n) that more of them name than its
 * max_recipients_per_report allows (*count: how many), or NULL; "" stands
 * for no list */
static const char *
too_many(const struct run *run, const struct db_event *evs, size_t n,
    unsigned *count)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct policy *p = config_policy(run->cfg, evs[i].list);
		unsigned             c = 0;
		if (p->max_recipients_per_report == 0)
			continue;
		for (j = 0; j < n; j++)
			c += g_strcmp0(evs[i].list, evs[j].list) == 0 &&
			    evs[j].address != NULL;
		if (c > p->max_recipients_per_report) {
			*count = c;
			return evs[i].list != NULL ? evs[i].list : "";
		}
	}
	return NULL;
}

/* unrecognised - is r no bounce, no complaint, no auto-reply, no copy of
 * a bounce: mail a person wrote to the bounce address? */
static int
unrecognised(const struct mime_report *r)
{
	return r->kind == MIME_KIND_NONE && r->nrcpts == 0 &&
	    g_strcmp0(r->format, "none") == 0;
}

/* What parsing one message of a mailbox came to: its report, one event
 * per recipient, and how to acknowledge it. */
struct parsed {
	struct mime_report *r; /* NULL: could not be parsed (why) */
	struct verdict_row *rows;
	struct db_event    *evs; /* pointing into r and rows */
	size_t              n;
	unsigned char       fp[32];
	char               *why;
	const char         *held; /* too many recipients of this list */
	unsigned            many;
	enum source_outcome outcome;
};

/* parse_message - parse one message of mailbox mb into *pm: its report
 * and events, and how to acknowledge it; safe on any thread (run and mb
 * are only read).  A report that names more recipients of one list than
 * its policy allows is held: quarantined for a person to look at, nothing
 * applied. */
static void
parse_message(const struct run *run, const struct config_mailbox *mb,
    const struct source_msg *m, struct parsed *pm)
{
	size_t i;

	memset(pm, 0, sizeof(*pm));
	fingerprint(mb, m, pm->fp);
	pm->r = cmd_read(m, run->opts, mb->name, &pm->why);
	if (pm->r != NULL) {
		pm->rows = verdict_rows(pm->r, &pm->n);
		pm->evs = g_new0(struct db_event, pm->n);
		for (i = 0; i < pm->n; i++)
			event_of(run, mb, pm->r, &pm->rows[i], &pm->evs[i]);
		pm->held = too_many(run, pm->evs, pm->n, &pm->many);
	}
	pm->outcome = pm->r == NULL || pm->held != NULL ? SOURCE_QUARANTINE
	    : mb->review != NULL && unrecognised(pm->r) ? SOURCE_REVIEW
							: SOURCE_DONE;
}

/* parsed_free - free what pm holds */
static void
parsed_free(struct parsed *pm)
{
	mime_report_free(pm->r);
	g_free(pm->rows);
	g_free(pm->evs);
	g_free(pm->why);
	memset(pm, 0, sizeof(*pm));
}

/* add_parsed - add a parsed message, with its events, to the batch, and
 * free what pm holds; the report goes to *keep when keep is not NULL,
 * *nev gets the number of events added */
static void
add_parsed(struct db_batch *b, const struct config_mailbox *mb,
    const struct source_msg *m, struct parsed *pm, struct mime_report **keep,
    size_t *nev)
{
	struct db_event  *evs = pm->evs;
	struct db_message dm;
	size_t            i, n = pm->n;

	if (keep != NULL)
		*keep = NULL;
	if (nev != NULL)
		*nev = 0;
	memset(&dm, 0, sizeof(dm));
	dm.fp = pm->fp;
	dm.message_id = pm->r != NULL ? pm->r->message_id : NULL;
	dm.uid = m->uid;
	dm.quarantined = pm->outcome == SOURCE_QUARANTINE;
	dm.review = pm->outcome == SOURCE_REVIEW;
	db_batch_message(b, &dm);
	if (pm->r == NULL) {
		log_msg(G_LOG_LEVEL_WARNING, mb->name, m->uid, NULL, NULL,
		    "mailbox %s: %s: %s: quarantined", mb->name, m->name,
		    pm->why);
		parsed_free(pm);
		return;
	}
	if (pm->held != NULL)
		log_msg(G_LOG_LEVEL_WARNING, mb->name, m->uid, NULL, NULL,
		    "mailbox %s: %s: names %u recipients of %s%s, more than "
		    "max_recipients_per_report: held in quarantine for a "
		    "person to look at, nothing applied",
		    mb->name, m->name, pm->many,
		    pm->held[0] != '\0' ? "list " : "no list", pm->held);
	if (nev != NULL)
		*nev = pm->held == NULL ? n : 0;
	for (i = 0; i < n && pm->held == NULL; i++) {
		db_batch_event(b, &evs[i]);
		log_msg(G_LOG_LEVEL_DEBUG, mb->name, m->uid, evs[i].address,
		    classify_class_name(evs[i].cls),
		    "mailbox %s: %s: %s: %s %s %s, proof %s%s%s", mb->name,
		    m->name,
		    evs[i].address != NULL ? evs[i].address : "(no recipient)",
		    classify_class_name(evs[i].cls),
		    evs[i].reason != NULL ? evs[i].reason : "-",
		    evs[i].status != NULL ? evs[i].status : "-", evs[i].proof,
		    evs[i].proof_why != NULL ? ": " : "",
		    evs[i].proof_why != NULL ? evs[i].proof_why : "");
	}
	if (keep != NULL) {
		*keep = pm->r;
		pm->r = NULL;
	}
	parsed_free(pm);
}

/* add_message - parse one message and add it, with one event per
 * recipient, to the batch (parse_message() then add_parsed()); *outcome
 * says how to acknowledge it */
static void
add_message(struct db_batch *b, const struct run *run,
    const struct config_mailbox *mb, const struct source_msg *m,
    enum source_outcome *outcome, struct mime_report **keep, size_t *nev)
{
	struct parsed pm;

	parse_message(run, mb, m, &pm);
	*outcome = pm.outcome;
	add_parsed(b, mb, m, &pm, keep, nev);
}

/* A message on its way through the parse pool of store_mailbox(): read
 * in order, parsed on any thread, added to the batch in order. */
struct run_job {
	struct source_msg msg; /* its bytes freed once parsed */
	struct parsed     pm;
	gint64            us; /* time it took to parse */
};

/* What the jobs of one mailbox share (read only). */
struct run_ctx {
	const struct run            *run;
	const struct config_mailbox *mb;
};

/* parse_job - pool_fn: parse one message of the mailbox */
static void
parse_job(void *data, void *arg)
{
	struct run_job       *j = data;
	const struct run_ctx *c = arg;
	gint64                t0 = g_get_monotonic_time();

	parse_message(c->run, c->mb, &j->msg, &j->pm);
	/* the report keeps what it needs: the bytes can go */
	g_free(j->msg.data);
	j->msg.data = NULL;
	j->us = g_get_monotonic_time() - t0;
}

/* recorded - source_skip_fn: with after = keep, the messages recorded in
 * an earlier run stay in the mailbox; do not fetch them again (arg: the
 * set of recorded places, from db_recorded_uids) */
static int
recorded(const char *uid, void *arg)
{
	return uid[0] != '\0' && g_hash_table_contains(arg, uid);
}

/* print_stats - --stats: one mailbox's throughput, where the time went,
 * and the peak memory so far */
static void
print_stats(const struct mailbox_result *m)
{
	GString *s = g_string_new(NULL);
	int      i;

	for (i = 0; i < PHASES; i++)
		g_string_append_printf(s, "%s%s %.3f s", i > 0 ? ", " : "",
		    metrics_phase_name((enum phase)i),
		    (double)m->phase[i] / 1e6);
	log_info("mailbox %s: %u messages in %.3f s, "
		 "%.0f messages/s (%s), peak RSS %ld KiB",
	    m->name, m->fetched, m->seconds,
	    m->seconds > 0 ? m->fetched / m->seconds : 0.0, s->str,
	    metrics_peak_rss_kib());
	g_string_free(s, TRUE);
}

/* One message of a dry run, kept until its batch is written. */
struct dry {
	char               *name, *uid;
	unsigned            seq;
	struct mime_report *r;   /* NULL: it could not be read */
	char               *why; /* and why */
	size_t              nev; /* its events in the batch */
};

/* dry_batch - write the batch in the open transaction (rolled back by
 * the caller), then print each message's rows with what storing them
 * would do; the batch and the messages are emptied */
static int
dry_batch(struct run *run, const struct config_mailbox *mb, struct db_batch *b,
    GArray *msgs, struct output *out)
{
	struct db_tally t;
	char           *cause = NULL;
	unsigned        k = 0;
	guint           i;
	int             status = EX_OK;

	memset(&t, 0, sizeof(t));
	t.blocks = run->blocks;
	t.block_days = run->block_days;
	if (db_batch_write(run->db, b, writer_policy, run->cfg, run->today, &t,
		&cause) < 0) {
		log_msg(G_LOG_LEVEL_CRITICAL, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %s", mb->name, cause);
		g_free(cause);
		status = db_status(run->db);
	}
	for (i = 0; i < msgs->len; i++) {
		struct dry           *d = &g_array_index(msgs, struct dry, i);
		struct output_effect *fx = g_new0(struct output_effect, d->nev);
		struct db_effect      e;
		size_t                j;

		for (j = 0; j < d->nev && status == EX_OK; j++, k++) {
			db_batch_effect(b, k, &e);
			fx[j] = (struct output_effect){ e.effect, e.why, NULL,
				e.state, e.score, e.sends };
			fx[j].list = db_batch_event_list(b, k);
		}
		if (d->r != NULL)
			output_effects(out, d->name, d->seq, d->r, mb->name,
			    d->uid, fx, status == EX_OK ? d->nev : 0);
		else
			output_error(out, d->name, d->seq, d->why);
		g_free(fx);
		mime_report_free(d->r);
		g_free(d->name);
		g_free(d->uid);
		g_free(d->why);
	}
	g_array_set_size(msgs, 0);
	db_batch_clear(b);
	return status;
}

/* dry_mailbox - what a run would do with one mailbox, against the same
 * database, inside a transaction rolled back at the end: no hook runs,
 * no connector hears of it, nothing is acknowledged */
static int
dry_mailbox(const struct config_mailbox *mb, struct run *run,
    struct output *out)
{
	struct source    *src;
	struct source_msg msg = { 0 };
	struct db_batch  *b = db_batch_new(mb->name);
	GArray           *msgs = g_array_new(FALSE, TRUE, sizeof(struct dry));
	char             *cause = NULL;
	int               status = EX_OK, rc, st;

	src = source_open_mailbox(mb, &cause, &status);
	if (src == NULL) {
		log_msg(G_LOG_LEVEL_CRITICAL, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %s", mb->name, cause);
		g_free(cause);
		db_batch_free(b);
		g_array_free(msgs, TRUE);
		return status;
	}
	if (db_begin(run->db, &cause) < 0) {
		log_error("%s", cause);
		g_free(cause);
		status = db_status(run->db);
		goto out;
	}
	while ((rc = source_next(src, &msg, &cause)) == 1) {
		struct dry d = { g_strdup(msg.name), g_strdup(msg.uid), msg.seq,
			NULL, NULL, 0 };
		enum source_outcome outcome;

		add_message(b, run, mb, &msg, &outcome, &d.r, &d.nev);
		if (d.r == NULL)
			d.why = g_strdup(
			    msg.error != NULL ? msg.error : "unreadable");
		g_array_append_val(msgs, d);
		if (msgs->len >= RUN_BATCH &&
		    (st = dry_batch(run, mb, b, msgs, out)) != EX_OK) {
			status = st;
			break;
		}
	}
	if (rc < 0) {
		log_msg(G_LOG_LEVEL_CRITICAL, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %s", mb->name, cause);
		g_free(cause);
		status =
		    source_status(src) != 0 ? source_status(src) : EX_TEMPFAIL;
	}
	if (msgs->len > 0 && (st = dry_batch(run, mb, b, msgs, out)) != EX_OK)
		status = worse(status, st);
	db_rollback(run->db);
out:
	source_msg_clear(&msg);
	source_close(src);
	db_batch_free(b);
	g_array_free(msgs, TRUE);
	return status;
}

/* failing - a mailbox failed with status and *cause: record it; a
 * temporary failure (75) that has lasted past the mailbox's fail_after
 * becomes 69, with *cause saying since when, so that cron and systemd
 * see what the next run will not fix by itself */
static int
failing(struct run *run, const struct config_mailbox *mb, int status,
    char **cause)
{
	unsigned seconds = 0;
	char    *ignored = NULL, *loud;

	if (db_mailbox_failed(run->db, mb->name, *cause, &seconds, &ignored) <
	    0) {
		g_free(ignored); /* the database is what failed */
		return status;
	}
	if (status != EX_TEMPFAIL || mb->fail_after == 0 ||
	    seconds <= mb->fail_after)
		return status;
	loud = g_strdup_printf("%s; it has failed for %u h %02u min, longer "
			       "than fail_after (%u s): a person must look",
	    *cause, seconds / 3600, seconds % 3600 / 60, mb->fail_after);
	g_free(*cause);
	*cause = loud;
	return EX_UNAVAILABLE;
}

/* store_mailbox - fetch, store, then acknowledge one mailbox; a sysexits.h
 * status */
static int
store_mailbox(const struct config_mailbox *mb, struct run *run)
{
	/* two batches: one read while the other is written */
	GArray *pending[2] = { g_array_new(FALSE, TRUE, sizeof(struct pending)),
		g_array_new(FALSE, TRUE, sizeof(struct pending)) };
	struct db_batch *batch[2] = { db_batch_new(mb->name),
		db_batch_new(mb->name) };
	struct writer    w = { 0 };
	GHashTable      *kept =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct source        *src;
	struct source_msg     msg = { 0 };
	struct db_tally       t;
	struct mailbox_result res;
	struct progress       prog;
	char                 *cause = NULL, *why = NULL;
	int             status = EX_OK, rc = 1, got = 0, cur = 0, st = EX_OK;
	unsigned        fetched = 0;
	gint64          t0 = g_get_monotonic_time();
	struct pool    *pool = NULL;
	struct run_ctx  ctx = { run, mb };
	struct run_job *j;

	memset(&t, 0, sizeof(t));
	memset(&res, 0, sizeof(res));
	t.blocks = run->blocks;
	t.block_days = run->block_days;
	src = NULL;
	/* one run per mailbox at a time, across machines */
	if (db_lock_mailbox(run->db, mb->name, run->wait, &got, &cause) < 0) {
		status = db_status(run->db);
		goto fail;
	}
	if (!got) {
		cause = g_strdup(
		    "another rebound run is reading this mailbox "
		    "(its lock is held); try again later, or use --wait");
		status = EX_TEMPFAIL;
		res.locked = 1;
		goto fail;
	}
	src = source_open_mailbox(mb, &cause, &status);
	if (src == NULL)
		goto fail;
	progress_start(&prog, mb->name, source_total(src), run->verbosity);
	if (mb->after == CONFIG_AFTER_KEEP) {
		/* one query for the whole mailbox, not one per message; on
		 * failure fetch everything: the fingerprint still catches it */
		if (db_recorded_uids(run->db, mb->name, kept, &cause) < 0) {
			log_msg(G_LOG_LEVEL_WARNING, mb->name, NULL, NULL, NULL,
			    "mailbox %s: %s", mb->name, cause);
			g_free(cause);
			cause = NULL;
		}
		source_set_skip(src, recorded, kept);
	}
	pool = pool_new(pool_threads(run->threads), parse_job, &ctx);
	while (rc == 1 || pool_pending(pool) > 0) {
		/* read a batch, outside any transaction, while the writer
		 * stores the one before; the pool parses the messages read
		 * ahead, on every core, and hands them back in order */
		GArray          *p = pending[cur];
		struct db_batch *b = batch[cur];

		while (p->len < RUN_BATCH) {
			gint64 t1 = g_get_monotonic_time();
			while (rc == 1 && !pool_full(pool) &&
			    (rc = source_next(src, &msg, &cause)) == 1) {
				j = g_new0(struct run_job, 1);
				j->msg = msg; /* the job's now */
				memset(&msg, 0, sizeof(msg));
				fetched++;
				progress_show(&prog, fetched);
				pool_put(pool, j, j->msg.len);
			}
			res.phase[PHASE_FETCH] += g_get_monotonic_time() - t1;
			if ((j = pool_get(pool, 1)) == NULL)
				break; /* the source is done, and the pool */
			{
				struct pending pm = { { 0 }, j->pm.outcome };
				res.phase[PHASE_PARSE] += j->us;
				add_parsed(b, mb, &j->msg, &j->pm, NULL, NULL);
				/* its name and place: the message's own */
				pm.msg.name = j->msg.name;
				pm.msg.uid = j->msg.uid;
				j->msg.name = j->msg.uid = NULL;
				g_array_append_val(p, pm);
			}
			source_msg_clear(&j->msg);
			g_free(j);
		}
		if (rc < 0) {
			/* store and acknowledge what was read; the rest is
			 * read again next run */
			status = source_status(src) != 0 ? source_status(src)
							 : EX_TEMPFAIL;
		}
		/* the batch before: its COMMIT, then its acknowledgement */
		if (writer_settle(&w, src, res.phase, &why, &st) < 0)
			goto write_failed;
		if (p->len > 0) {
			writer_start(&w, run, mb->name, b, p, &t);
			cur = !cur;
		}
	}
	if (writer_settle(&w, src, res.phase, &why, &st) < 0)
		goto write_failed;
	if (rc < 0) {
		writer_keep_stored(src);
		why =
		    g_strdup_printf("%s; what was stored is acknowledged, the "
				    "rest is read again next run",
			cause != NULL ? cause
				      : "the mailbox failed while reading");
		g_free(cause);
		cause = why;
		goto fail;
	}
	progress_end(&prog);
	{
		gint64 t1 = g_get_monotonic_time();
		if (source_commit(src, &cause) < 0) {
			status = source_status(src);
			goto fail;
		}
		res.phase[PHASE_ACK] += g_get_monotonic_time() - t1;
	}
	log_msg(G_LOG_LEVEL_INFO, mb->name, NULL, NULL, NULL,
	    "mailbox %s: %u fetched, %u new, %u "
	    "already stored; events: %u hard, %u soft, %u block, %u complaint, "
	    "%u ignore, %u unknown; %u suppressed, %u quarantined, %u for "
	    "review; %.3f s",
	    mb->name, fetched, fetched - t.duplicates, t.duplicates,
	    t.cls[CLASS_HARD], t.cls[CLASS_SOFT], t.cls[CLASS_BLOCK],
	    t.cls[CLASS_COMPLAINT], t.cls[CLASS_IGNORE], t.cls[CLASS_UNKNOWN],
	    t.suppressed, t.quarantined, t.review,
	    (double)(g_get_monotonic_time() - t0) / 1e6);
	if (t.hooks_idle > 0)
		log_msg(G_LOG_LEVEL_WARNING, mb->name, NULL, NULL, NULL,
		    "mailbox %s: a hook changed no row %u time%s: the list "
		    "manager may know these lists or addresses by other names "
		    "([list NAME] aliases; rebound -v names each)",
		    mb->name, t.hooks_idle, t.hooks_idle == 1 ? "" : "s");
	if (t.review > 0)
		log_msg(G_LOG_LEVEL_WARNING, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %u message%s that %s no bounce, complaint "
		    "nor auto-reply moved to %s: a person should read %s",
		    mb->name, t.review, t.review == 1 ? "" : "s",
		    t.review == 1 ? "is" : "are", mb->review,
		    t.review == 1 ? "it" : "them");
	if (t.quarantined > 0) {
		/* the others are stored; a person should look at these */
		log_msg(G_LOG_LEVEL_WARNING, mb->name, NULL, NULL, NULL,
		    "mailbox %s: %u message%s quarantined (unreadable, held, "
		    "or its effects could not be stored): see the quarantine "
		    "folder and messages.error",
		    mb->name, t.quarantined, t.quarantined == 1 ? "" : "s");
		status = EX_DATAERR;
	}
	goto out;
write_failed:
	writer_keep_stored(src);
	g_free(cause);
	cause = why;
	status = st;
fail:
	if (src != NULL)
		progress_end(&prog);
	if (status == EX_OK)
		status = EX_SOFTWARE;
	if (!res.locked)
		status = failing(run, mb, status, &cause);
	log_msg(status == EX_TEMPFAIL ? G_LOG_LEVEL_WARNING
				      : G_LOG_LEVEL_CRITICAL,
	    mb->name, NULL, NULL, NULL, "mailbox %s: %s", mb->name, cause);
	g_free(cause);
	goto done;
out:
	if (status == EX_OK || status == EX_DATAERR) {
		/* the mailbox was read: whatever failed before is over */
		char *ignored = NULL;
		if (db_mailbox_ok(run->db, mb->name, &ignored) < 0)
			g_free(ignored);
	}
done:
	/* what is left was not committed: free it, never acknowledge it */
	while (pool != NULL && (j = pool_get(pool, 1)) != NULL) {
		parsed_free(&j->pm);
		source_msg_clear(&j->msg);
		g_free(j);
	}
	pool_free(pool);
	for (cur = 0; cur < 2; cur++) {
		guint i;
		for (i = 0; i < pending[cur]->len; i++)
			source_msg_clear(
			    &g_array_index(pending[cur], struct pending, i)
				 .msg);
		g_array_free(pending[cur], TRUE);
		db_batch_free(batch[cur]);
	}
	g_hash_table_destroy(kept);
	source_msg_clear(&msg);
	source_close(src);
	if (got)
		db_unlock_mailbox(run->db, mb->name);
	res.name = mb->name;
	res.fetched = fetched;
	res.t = t;
	res.seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
	res.status = status;
	if (run->stats)
		print_stats(&res);
	g_array_append_val(run->done, res);
	return status;
}

/* block_alerts - warn once of each recipient domain and day whose blocks
 * crossed block_alert with this run (the day the deliveries failed, as
 * domain_daily counts them): one line per domain and day whatever the
 * timer's interval; the sender's reputation, not dead addresses */
static void
block_alerts(struct run *run)
{
	unsigned       limit = config_policy(run->cfg, NULL)->block_alert;
	GHashTableIter it;
	gpointer       k, v;

	if (limit == 0 || run->db == NULL)
		return;
	g_hash_table_iter_init(&it, run->block_days);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *domain = strchr(k, ' ') + 1;
		int         day = atoi(k);
		unsigned    now = 0, here = GPOINTER_TO_UINT(v);
		char       *cause = NULL;
		char        date[11];

		if (db_day_blocks(run->db, domain, day, &now, &cause) < 0) {
			log_warn("block_alert: %s", cause);
			g_free(cause);
			return;
		}
		if (now <= limit || now - here > limit)
			continue; /* under it, or said by an earlier run */
		log_msg(G_LOG_LEVEL_WARNING, NULL, NULL, NULL, "block",
		    "%u blocks from %s on %s (block_alert = %u): the receiver "
		    "refuses the sender (reputation, policy, blocklist), not "
		    "dead addresses; nobody was suppressed for it",
		    now, domain, policy_date(day, date), limit);
	}
}

/* expire_one - end list's (or, with except, the other lists') soft
 * suppressions older than days; logged */
static void
expire_one(struct run *run, const char *list, const char *const *except,
    unsigned days)
{
	struct db_unsuppress u;
	char                 until[32], date[11], *cause = NULL;
	unsigned             ended = 0, left = 0;

	g_snprintf(until, sizeof(until), "%sT00:00:00Z",
	    policy_date(run->today - (int)days, date));
	memset(&u, 0, sizeof(u));
	u.list = list;
	u.except_lists = except;
	u.cause = "soft";
	u.until = until;
	u.why = "expired";
	if (db_unsuppress(run->db, &u, NULL, &ended, &left, &cause) < 0) {
		log_warn("soft_suppression_expires: %s", cause);
		g_free(cause);
	} else if (ended > 0)
		log_info("%u soft suppression%s of %s ended, older than "
			 "soft_suppression_expires (%u days)",
		    ended, ended == 1 ? "" : "s",
		    list != NULL ? list : "lists with no [list NAME]", days);
}

/* expire_soft - soft suppressions end by themselves after their list's
 * soft_suppression_expires days (0: never), recorded as events */
static void
expire_soft(struct run *run)
{
	char   **names = config_list_names(run->cfg);
	size_t   i;
	unsigned days;

	for (i = 0; names[i] != NULL; i++)
		if ((days = config_policy(run->cfg, names[i])
				->soft_suppression_expires) > 0)
			expire_one(run, names[i], NULL, days);
	if ((days = config_policy(run->cfg, NULL)->soft_suppression_expires) >
	    0)
		expire_one(run, NULL, (const char *const *)names, days);
	g_strfreev(names);
}

/* report_page - --report-html: the report of the last 30 days, every
 * list, addresses masked, as one page written atomically for a web
 * server to serve (the umask decides who may read it); a failure is a
 * warning, the run's status stays */
static void
report_page(const char *path, struct run *run)
{
	struct db_report_query q = { run->today - 29, run->today, NULL, 0, 20 };
	char                  *tmp = NULL, *cause = NULL;
	FILE                  *f = atomic_open(path, ATOMIC_UMASK, &tmp);
	int                    rc;

	if (f == NULL) {
		log_warn("report page %s: %s", path, g_strerror(errno));
		return;
	}
	rc = html_write(run->db, &q, f, &cause);
	if (atomic_close(f, path, tmp, rc == 0) < 0 && rc == 0)
		log_warn("report page %s: %s", path, g_strerror(errno));
	if (rc < 0)
		log_warn("report page %s: %s", path, cause);
	g_free(cause);
}

/* store_all - the worker's run: every mailbox (or only one) into the
 * database; a sysexits.h status */
static int
store_all(struct config *cfg, struct config_mailbox *mbs, size_t n,
    const char *only, const struct mime_options *opts, int wait, int verbosity,
    int stats, const char *metrics, int release, const char *report_html,
    int threads)
{
	const struct config_hooks *h = config_hooks(cfg);
	struct db_hooks            hooks = { h->on_suppress, h->on_soft,
			   h->on_unsuppress };
	struct run                 run;
	char                      *cause = NULL;
	int                        status = EX_OK;
	gint64                     t0 = g_get_monotonic_time();
	size_t                     i;
	const char                *acting;

	if ((acting = config_acting_unproven(cfg)) != NULL)
		log_warn(
		    "%s%s: unproven = act: a report without proof that it "
		    "answers mail the list sent suppresses at once; anyone "
		    "who can mail the bounce address can remove subscribers",
		    acting[0] != '\0' ? "list " : "[policy]", acting);
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.opts = opts;
	run.today = cmd_today();
	run.now = cmd_now(run.today);
	run.wait = wait;
	run.verbosity = verbosity;
	run.stats = stats;
	run.threads = threads;
	run.blocks =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	run.block_days =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	run.done = g_array_new(FALSE, TRUE, sizeof(struct mailbox_result));
	if ((run.db = cmd_open_db(cfg, &status)) == NULL)
		goto out;
	db_release(run.db, release);
	if (db_set_hooks(run.db, &hooks, &cause) < 0) {
		log_error("%s", cause);
		g_free(cause);
		status = db_status(run.db);
		goto out;
	}
	cmd_outbox_setup(cfg, run.db);
	expire_soft(&run);
	for (i = 0; i < n; i++) {
		if (only != NULL && strcmp(mbs[i].name, only) != 0)
			continue;
		int   st = store_mailbox(&mbs[i], &run);
		char *ignored = NULL;

		/* --release stored what was held: the holds are over */
		if (release && (st == EX_OK || st == EX_DATAERR) &&
		    db_release_holds(run.db, mbs[i].name, &ignored) < 0)
			log_warn("%s", ignored);
		g_free(ignored);
		status = worse(status, st);
	}
	block_alerts(&run);
	/* after every COMMIT: what the list manager must hear of */
	{
		struct cmd_delivered d;
		status = worse(status, cmd_outbox_deliver(cfg, run.db, &d));
	}
out:
	if (metrics != NULL)
		metrics_write(metrics, &run, status,
		    (double)(g_get_monotonic_time() - t0) / 1e6);
	if (report_html != NULL && run.db != NULL)
		report_page(report_html, &run);
	g_hash_table_destroy(run.blocks);
	g_hash_table_destroy(run.block_days);
	g_array_free(run.done, TRUE);
	db_close(run.db);
	return status;
}

int
cmd_run(int argc, char **argv)
{
	gboolean dry_run = FALSE, stats = FALSE, from_stdin = FALSE;
	char *config_path = NULL, *only = NULL, *list = NULL, *metrics = NULL;
	char *report_html = NULL;
	gboolean wait = FALSE, verbose = FALSE, quiet = FALSE, release = FALSE;
	gint     threads = 0;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  "configuration file (default /etc/rebound/rebound.conf)",
		  "FILE" },
		{ "mailbox", 'm', 0, G_OPTION_ARG_STRING, &only,
		  "read only this [mailbox NAME]", "NAME" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "fetch and parse, print JSON Lines, change nothing", NULL },
		{ "stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin,
		  "read one message from standard input (an MTA pipe) "
		  "instead of the mailboxes", NULL },
		{ "list", 'l', 0, G_OPTION_ARG_STRING, &list,
		  "with --stdin: the list the bounce concerns, when neither "
		  "VERP nor the original's header says", "NAME" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		  "also log every recipient's class and reason", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		  "log warnings and errors only (no summary lines)", NULL },
		{ "wait", 'w', 0, G_OPTION_ARG_NONE, &wait,
		  "wait for a mailbox another run is reading, instead of "
		  "exiting 75", NULL },
		{ "metrics-file", 0, 0, G_OPTION_ARG_FILENAME, &metrics,
		  "write Prometheus metrics of the run to FILE (atomically)",
		  "FILE" },
		{ "report-html", 0, 0, G_OPTION_ARG_FILENAME, &report_html,
		  "after the run, write the report of the last 30 days to "
		  "FILE (one HTML page, atomically)", "FILE" },
		{ "release", 0, 0, G_OPTION_ARG_NONE, &release,
		  "apply suppressions held over max_suppressions (after a "
		  "person has reviewed them with --dry-run)", NULL },
		{ "stats", 0, 0, G_OPTION_ARG_NONE, &stats,
		  "print messages/s, where the time went and peak memory per "
		  "mailbox on stderr",
		  NULL },
		{ "threads", 't', 0, G_OPTION_ARG_INT, &threads,
		  "parse on N threads (default: one per processor); messages "
		  "are stored in the mailbox's order", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	GOptionContext                  *ctx;
	struct config                   *cfg = NULL;
	struct config_mailbox           *mbs, stdin_mb = { 0 };
	static const struct config_parse no_config = { .verp = 1,
		.original_recipient = 1 };
	const struct config_parse       *p;
	struct mime_options              opts;
	struct output                   *out = NULL;
	struct run                       dry = { 0 };
	char                            *cause = NULL;
	size_t                           n, i;
	int                              status = EX_OK, s;

	ctx = g_option_context_new("- read the configured mailboxes");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if ((status = cmd_options(ctx, &argc, &argv)) != EX_OK)
		goto out;
	if (threads < 0) {
		log_error("--threads must be 0 (one per processor) or more");
		status = EX_USAGE;
		goto out;
	}
	log_verbosity(quiet ? -1 : verbose ? 1 : 0);
	/* piped input needs no configuration to print; [parse] applies when
	 * given, and storing needs its [database] */
	if (!from_stdin || config_path != NULL || !dry_run) {
		cfg = config_load(config_path,
		    from_stdin ? CONFIG_PARSE_ONLY : 0, &cause, &status);
		if (cfg == NULL) {
			log_error("%s", cause);
			g_free(cause);
			goto out;
		}
	}
	if (from_stdin && cfg != NULL &&
	    (status = cmd_check_list(cfg, list)) != EX_OK)
		goto out;
	if (from_stdin) {
		/* one message piped in: a read-only source of its own */
		stdin_mb.name = "stdin";
		stdin_mb.proto = CONFIG_MBOX;
		stdin_mb.folder = "-";
		stdin_mb.after = CONFIG_AFTER_KEEP;
		stdin_mb.list =
		    cfg != NULL ? (char *)config_list_name(cfg, list) : list;
		stdin_mb.max_message_size = MIME_MAX_MESSAGE;
		mbs = &stdin_mb;
		n = 1;
		goto read;
	}
	mbs = config_mailboxes(cfg, &n);
	if (only != NULL && config_mailbox_find(cfg, only) == NULL) {
		log_error("no [mailbox %s] in the "
			  "configuration",
		    only);
		status = EX_CONFIG;
		goto out;
	}
	if (n == 0) {
		log_error("no [mailbox NAME] in the "
			  "configuration");
		status = EX_CONFIG;
		goto out;
	}
read:
	p = cfg != NULL ? config_parse_options(cfg) : &no_config;
	memset(&opts, 0, sizeof(opts));
	opts.verp_prefix = !p->verp  ? NULL
	    : p->verp_prefix != NULL ? p->verp_prefix
				     : "bounces";
	opts.verp_delim =
	    p->verp_delimiter != NULL ? p->verp_delimiter[0] : '+';
	opts.list_header = p->list_header;
	opts.final_only = !p->original_recipient;
	opts.verp_header = p->verp_header;
	opts.proof_header = p->proof_header;
	opts.send_header = p->send_header;
	opts.authserv_id = p->authserv_id;
	mime_init();
	if (!dry_run) {
		status = store_all(cfg, mbs, n, only, &opts, wait,
		    quiet         ? -1
			: verbose ? 1
				  : 0,
		    stats, metrics, release, report_html, threads);
		goto out;
	}
	/* a table for a person at a terminal, JSON Lines for a program */
	out = output_new(stdout,
	    isatty(STDOUT_FILENO) ? OUTPUT_TABLE : OUTPUT_JSONL, 0);
	if (cfg != NULL && config_conninfo(cfg) != NULL) {
		/* with the database: what the run would do, not only what
		 * the mail says */
		memset(&dry, 0, sizeof(dry));
		dry.cfg = cfg;
		dry.opts = &opts;
		dry.today = cmd_today();
		dry.now = cmd_now(dry.today);
		dry.blocks = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, NULL);
		if ((dry.db = cmd_open_db(cfg, &s)) == NULL)
			log_warn("the dry run goes on without the database: "
				 "what storing would do is not shown");
	}
	for (i = 0; i < n; i++) {
		if (only != NULL && strcmp(mbs[i].name, only) != 0)
			continue;
		s = dry.db != NULL ? dry_mailbox(&mbs[i], &dry, out)
				   : read_mailbox(&mbs[i], &opts, out, stats);
		status = worse(status, s);
	}
	db_close(dry.db);
	if (dry.blocks != NULL)
		g_hash_table_destroy(dry.blocks);
out:
	output_free(out);
	config_free(cfg);
	g_option_context_free(ctx);
	g_free(config_path);
	g_free(only);
	g_free(list);
	g_free(metrics);
	g_free(report_html);
	return status;
}
