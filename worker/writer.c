/*
 * writer.c - the writer: while the main thread reads and parses the next
 * batch, one thread stores the batch before in its transaction (the
 * database connection is used by nobody else meanwhile).  The main
 * thread then waits for that COMMIT and only then acknowledges the batch:
 * the order that makes a run exactly-once is the same as without the
 * overlap.
 */
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "run.h"

const struct policy *
writer_policy(const char *list, void *arg)
{
	return config_policy(arg, list);
}

/* ack_all - acknowledge the committed batch; 0 or -1 */
static int
ack_all(struct source *src, GArray *batch, char **cause)
{
	guint i;
	int   rc = 0;

	for (i = 0; i < batch->len; i++) {
		struct pending *p = &g_array_index(batch, struct pending, i);
		if (rc == 0 && source_ack(src, &p->msg, p->outcome, cause) < 0)
			rc = -1;
		source_msg_clear(&p->msg);
	}
	g_array_set_size(batch, 0);
	return rc;
}

/* store_one - message i of the batch alone, in its own transaction; 0,
 * or -1 with *cause, the database's error; *data says whether it was a
 * data error (that message's fault) */
static int
store_one(struct writer *w, struct db_batch *one, char **cause, int *data)
{
	struct run     *run = w->run;
	struct db_tally before = *w->t;

	*data = 0;
	if (db_begin(run->db, cause) < 0)
		return -1;
	if (db_batch_write(run->db, one, writer_policy, run->cfg, run->today,
		w->t, cause) < 0) {
		*data = db_data_error(run->db);
		db_rollback(run->db);
		*w->t = before;
		return -1;
	}
	return db_commit(run->db, cause);
}

/* one_by_one - after a data error in a batch, store its messages one at a
 * time: a message whose effects fail with a data error is quarantined
 * alone, with the error recorded, and the others stored; any other error
 * stops as before.  0, or -1 with w->cause and w->status */
static int
one_by_one(struct writer *w)
{
	unsigned i, n = db_batch_size(w->b);

	for (i = 0; i < n; i++) {
		struct db_batch *one = db_batch_one(w->b, i);
		struct pending  *p =
		    &g_array_index(w->pending, struct pending, i);
		char *why = NULL;
		int   data, rc = store_one(w, one, &why, &data);

		if (rc < 0 && data) {
			log_msg(G_LOG_LEVEL_WARNING, w->mailbox, p->msg.uid,
			    NULL, NULL,
			    "mailbox %s: %s: its effects cannot be stored (%s): "
			    "quarantined, the others stored",
			    w->mailbox, p->msg.name, why);
			db_batch_quarantine(one, why);
			g_free(why);
			why = NULL;
			p->outcome = SOURCE_QUARANTINE;
			rc = store_one(w, one, &why, &data);
		}
		db_batch_free(one);
		if (rc < 0) {
			w->cause = why;
			w->status = db_status(w->run->db);
			return -1;
		}
		g_free(why);
	}
	return 0;
}

/* write_main - the writer thread: one batch, one transaction */
static gpointer
write_main(gpointer arg)
{
	struct writer *w = arg;
	struct run    *run = w->run;
	gint64         t0 = g_get_monotonic_time();

	struct db_tally before = *w->t;

	w->rc = -1;
	if (db_begin(run->db, &w->cause) < 0)
		w->status = db_status(run->db);
	else if (db_batch_write(run->db, w->b, writer_policy, run->cfg,
		     run->today, w->t, &w->cause) < 0) {
		w->status = db_status(run->db);
		db_rollback(run->db);
		*w->t = before; /* nothing of it was stored */
		/* held over max_suppressions: say so where `rebound
		 * status` shows it (its own statement, after the rollback) */
		{
			char *ignored = NULL;
			if (db_note_hold(run->db, w->mailbox, &ignored) < 0)
				log_warn("%s", ignored);
			g_free(ignored);
		}
		/* one message's data (a hook's column too short, a
		 * constraint) must not stop every message behind it */
		if (db_data_error(run->db)) {
			g_free(w->cause);
			w->cause = NULL;
			w->rc = one_by_one(w);
		}
	} else if (db_commit(run->db, &w->cause) < 0)
		w->status = db_status(run->db);
	else
		w->rc = 0;
	if (w->rc == 0 && g_getenv("REBOUND_TEST_CRASH_AFTER_COMMIT") != NULL)
		_exit(70); /* tests: die between commit and ack */
	w->us = g_get_monotonic_time() - t0;
	return NULL;
}

void
writer_start(struct writer *w, struct run *run, const char *mailbox,
    struct db_batch *b, GArray *pending, struct db_tally *t)
{
	w->mailbox = mailbox;
	w->run = run;
	w->b = b;
	w->pending = pending;
	w->t = t;
	w->cause = NULL;
	w->thread = g_thread_new("rebound-writer", write_main, w);
}

void
writer_keep_stored(struct source *src)
{
	char *ignored = NULL;

	source_commit(src, &ignored);
	g_free(ignored);
}

int
writer_settle(struct writer *w, struct source *src, gint64 *phase, char **cause,
    int *status)
{
	gint64 t1;

	if (w->thread == NULL)
		return 0;
	g_thread_join(w->thread);
	w->thread = NULL;
	phase[PHASE_DB] += w->us;
	if (w->rc < 0) {
		*cause = w->cause;
		*status = w->status;
		return -1; /* its messages are never acknowledged */
	}
	db_batch_clear(w->b);
	t1 = g_get_monotonic_time();
	if (ack_all(src, w->pending, cause) < 0) {
		*status = source_status(src);
		return -1;
	}
	phase[PHASE_ACK] += g_get_monotonic_time() - t1;
	return 0;
}
