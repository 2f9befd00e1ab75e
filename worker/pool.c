/*
 * pool.c - the ordered parallel map of pool.h, on a GThreadPool.
 *
 * GThreadPool runs jobs on its threads but hands back nothing; the order
 * is kept here: every job gets a slot, the slots wait in a queue in the
 * order of submission (touched only by the submitting thread), and a pool
 * thread marks its slot done under one mutex.  pool_get() takes the head
 * slot once it is done.
 */
#include <glib.h>

#include "log.h"
#include "pool.h"

/* the most threads a pool starts */
#define POOL_MAX_THREADS 64
/* jobs in flight per thread before the submitter waits for the oldest */
#define POOL_JOBS_PER_THREAD 8
/* bytes of input in flight before the submitter waits for the oldest */
#define POOL_BYTES (32 * 1024 * 1024)

/* One job on its way through the pool. */
struct slot {
	void  *job;
	size_t bytes;
	int    done; /* under the pool's lock */
};

struct pool {
	GThreadPool *threads; /* NULL: jobs run in pool_put() */
	unsigned     nthreads;
	pool_fn      fn;
	void        *arg;
	GQueue       order; /* struct slot *, oldest first */
	size_t       bytes; /* of the pending jobs */
	GMutex       lock;
	GCond        finished;
};

unsigned
pool_threads(int n)
{
	unsigned want = n > 0 ? (unsigned)n : (unsigned)g_get_num_processors();

	return want < 1 ? 1 : want > POOL_MAX_THREADS ? POOL_MAX_THREADS : want;
}

/* run - GFunc of the thread pool: do one slot's job, mark it done */
static void
run(gpointer data, gpointer user)
{
	struct slot *s = data;
	struct pool *p = user;

	p->fn(s->job, p->arg);
	g_mutex_lock(&p->lock);
	s->done = 1;
	g_cond_broadcast(&p->finished);
	g_mutex_unlock(&p->lock);
}

struct pool *
pool_new(unsigned threads, pool_fn fn, void *arg)
{
	struct pool *p = g_new0(struct pool, 1);
	GError      *err = NULL;

	p->fn = fn;
	p->arg = arg;
	p->nthreads = threads < 1 ? 1 : threads;
	g_queue_init(&p->order);
	g_mutex_init(&p->lock);
	g_cond_init(&p->finished);
	if (p->nthreads > 1) {
		p->threads =
		    g_thread_pool_new(run, p, (gint)p->nthreads, TRUE, &err);
		if (p->threads == NULL) {
			/* cannot start threads: work in the caller's */
			log_warn("parsing on one thread: %s", err->message);
			g_error_free(err);
			p->nthreads = 1;
		}
	}
	return p;
}

void
pool_put(struct pool *p, void *job, size_t bytes)
{
	struct slot *s = g_new0(struct slot, 1);

	s->job = job;
	s->bytes = bytes;
	p->bytes += bytes;
	g_queue_push_tail(&p->order, s);
	if (p->threads != NULL) {
		/* an exclusive pool starts all its threads in pool_new(),
		 * so the push starts none and cannot fail; and when a push
		 * does fail to start a thread, GLib's documentation says
		 * the job is queued all the same: never run it here too */
		(void)g_thread_pool_push(p->threads, s, NULL);
		return;
	}
	p->fn(job, p->arg);
	s->done = 1; /* no thread holds this slot */
}

unsigned
pool_pending(const struct pool *p)
{
	return p->order.length;
}

int
pool_full(const struct pool *p)
{
	return p->order.length >= p->nthreads * POOL_JOBS_PER_THREAD ||
	    p->bytes >= POOL_BYTES;
}

void *
pool_get(struct pool *p, int wait)
{
	struct slot *s = g_queue_peek_head(&p->order);
	void        *job;
	int          done;

	if (s == NULL)
		return NULL;
	g_mutex_lock(&p->lock);
	while (!(done = s->done) && wait)
		g_cond_wait(&p->finished, &p->lock);
	g_mutex_unlock(&p->lock);
	if (!done)
		return NULL;
	g_queue_pop_head(&p->order);
	p->bytes -= s->bytes;
	job = s->job;
	g_free(s);
	return job;
}

void
pool_free(struct pool *p)
{
	struct slot *s;

	if (p == NULL)
		return;
	if (p->threads != NULL)
		g_thread_pool_free(p->threads, FALSE, TRUE);
	while ((s = g_queue_pop_head(&p->order)) != NULL)
		g_free(s);
	g_mutex_clear(&p->lock);
	g_cond_clear(&p->finished);
	g_free(p);
}
