/*
 * pool.h - an ordered parallel map: jobs go in one at a time, threads
 * work on several at once, and the finished jobs come out in the order
 * they went in (a reorder buffer keyed by the order of submission).
 *
 * `rebound parse` and `rebound run` parse and classify messages on every
 * core this way, while their output (lines, a database batch) stays in
 * input order, byte for byte what one thread writes.
 */
#ifndef REBOUND_POOL_H
#define REBOUND_POOL_H

#include <stddef.h>

/* pool_fn - do the work of job (in a pool thread); arg is pool_new's */
typedef void (*pool_fn)(void *job, void *arg);

struct pool;

/* pool_threads - how many threads to use when asked for n: n when n > 0,
 * else one per processor; capped at 64 */
unsigned pool_threads(int n);

/* pool_new - a pool of threads running fn; with threads <= 1 no thread is
 * started and pool_put() runs fn itself */
struct pool *pool_new(unsigned threads, pool_fn fn, void *arg);

/* pool_put - hand job, holding bytes of input, to the pool (it is the
 * pool's until pool_get() returns it) */
void pool_put(struct pool *, void *job, size_t bytes);

/* pool_pending - how many jobs went in and have not come out */
unsigned pool_pending(const struct pool *);

/* pool_full - should the caller take a job out before putting more in?
 * Enough jobs are pending to keep every thread busy, or enough bytes to
 * bound memory whatever the jobs' size (32 MiB) */
int pool_full(const struct pool *);

/* pool_get - the oldest job, once it is finished: wait for it when wait,
 * else NULL while it is not; NULL when no job is pending */
void *pool_get(struct pool *, int wait);

/* pool_free - wait for the threads and free the pool; jobs still pending
 * are dropped (the caller frees them first, by draining); NULL: no-op */
void pool_free(struct pool *);

#endif /* REBOUND_POOL_H */
