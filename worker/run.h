/*
 * run.h - shared by the files of `rebound run` (worker/): cmd_run.c, the
 * command, calls down to writer.c (a batch stored in a second thread,
 * then acknowledged), progress.c (the line on a terminal) and metrics.c
 * (the Prometheus file, peak memory).  Not used by the other commands.
 */
#ifndef REBOUND_RUN_H
#define REBOUND_RUN_H

#include <stdio.h>

#include <glib.h>

#include "config.h"
#include "db.h"
#include "mime.h"
#include "source.h"

/* One message waiting for its acknowledgement until the batch commits. */
struct pending {
	struct source_msg   msg; /* name and uid only */
	enum source_outcome outcome;
};

/* What a storing run needs, for every mailbox. */
struct run {
	struct config             *cfg;
	struct db                 *db;
	const struct mime_options *opts;
	int                        today; /* days since the epoch */
	gint64      now; /* seconds since the epoch: a report's dates are judged
		       against it (cmd_now()) */
	int         wait;       /* --wait for a mailbox's lock */
	int         verbosity;  /* -1 -q, 0, 1 -v */
	int         stats;      /* --stats: print the time split */
	int         threads;    /* --threads: parse threads, 0: one per
				   processor */
	GHashTable *blocks;     /* domain -> blocks this run */
	GHashTable *block_days; /* "DAY DOMAIN" -> blocks this run (db.h) */
	GArray     *done;       /* struct mailbox_result */
};

/* Where a mailbox's run spent its time, in microseconds. */
enum phase { PHASE_FETCH, PHASE_PARSE, PHASE_DB, PHASE_ACK, PHASES };

/* metrics_phase_name - "fetch", "parse", "database", "acknowledge" */
const char *metrics_phase_name(enum phase);

/* What one mailbox's run did, for the metrics file. */
struct mailbox_result {
	const char     *name;
	unsigned        fetched;
	struct db_tally t;
	double          seconds;
	gint64          phase[PHASES];
	int             status; /* sysexits.h */
	int             locked; /* another run held its lock */
};

/* A progress line on a terminal, for runs of thousands of messages. */
struct progress {
	int         on;
	const char *name;
	unsigned    total;
	gint64      t0, last;
};

/* progress_start - on only when stderr is a terminal (never in cron or
 * the journal), the run is not -q, and the mailbox holds thousands */
void progress_start(struct progress *, const char *name, unsigned total,
    int verbosity);

/* progress_show - "NAME: done/total, rate, time left", twice a second */
void progress_show(struct progress *, unsigned done);

/* progress_end - clear the line for the summary */
void progress_end(struct progress *);

/*
 * The writer: while the main thread reads and parses the next batch, one
 * thread stores the batch before in its transaction (the database
 * connection is used by nobody else meanwhile).  The main thread then
 * waits for that COMMIT and only then acknowledges the batch: the order
 * that makes a run exactly-once is the same as without the overlap.
 */
struct writer {
	GThread         *thread; /* NULL: nothing being written */
	struct run      *run;
	const char      *mailbox; /* its name, for messages */
	struct db_batch *b;
	GArray          *pending; /* its messages, to acknowledge */
	struct db_tally *t;
	gint64           us; /* time it took */
	int              rc, status;
	char            *cause;
};

/* writer_start - store batch b (its messages in pending) in the writer
 * thread; run's database is its own until writer_settle() */
void writer_start(struct writer *, struct run *run, const char *mailbox,
    struct db_batch *b, GArray *pending, struct db_tally *t);

/* writer_settle - wait for the batch being written, if any, and
 * acknowledge it once committed, adding the time to phase[]; 0, or -1
 * with *cause and *status */
int writer_settle(struct writer *, struct source *src, gint64 *phase,
    char **cause, int *status);

/* writer_policy - db_policy_fn: the configured policy of a list (arg: the
 * struct config); for db_batch_write(), here and in the dry run */
const struct policy *writer_policy(const char *list, void *arg);

/* writer_keep_stored - after a failure, let the acknowledgements of the
 * batches already committed take effect */
void writer_keep_stored(struct source *src);

/* metrics_peak_rss_kib - the most memory this process has held, KiB */
long metrics_peak_rss_kib(void);

/*
 * metrics_write - the run in the Prometheus text format, written
 * atomically to path (node_exporter's textfile collector reads *.prom
 * files from a directory); a warning on failure, never a failed run
 */
void metrics_write(const char *path, struct run *run, int status,
    double seconds);

#endif /* REBOUND_RUN_H */
