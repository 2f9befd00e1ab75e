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

#include "run.h"

/* policy_for - db_policy_fn: the configured policy of a list */
static const struct policy *
policy_for(const char *list, void *arg)
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

/* write_main - the writer thread: one batch, one transaction */
static gpointer
write_main(gpointer arg)
{
	struct writer *w = arg;
	struct run    *run = w->run;
	gint64         t0 = g_get_monotonic_time();

	w->rc = -1;
	if (db_begin(run->db, &w->cause) < 0)
		w->status = db_status(run->db);
	else if (db_batch_write(run->db, w->b, policy_for, run->cfg, run->today,
		     w->t, &w->cause) < 0) {
		w->status = db_status(run->db);
		db_rollback(run->db);
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
writer_start(struct writer *w, struct run *run, struct db_batch *b,
    GArray *pending, struct db_tally *t)
{
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
