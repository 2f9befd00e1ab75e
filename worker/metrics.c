/*
 * metrics.c - what a run did, for Prometheus (the --metrics-file), and
 * the memory it took.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "atomic.h"
#include "log.h"
#include "run.h"

const char *
metrics_phase_name(enum phase p)
{
	static const char *const names[PHASES] = { "fetch", "parse", "database",
		"acknowledge" };

	return (unsigned)p < PHASES ? names[p] : "?";
}

long
metrics_peak_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* metric_label - name="value", the value escaped as the Prometheus text
 * format wants (backslash, quote, line feed) */
static void
metric_label(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%s=\"", name);
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fprintf(f, "\\n");
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

/* metric_head - the HELP and TYPE lines of a gauge */
static void
metric_head(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* Where total_row() writes, and which metrics have their HELP already. */
struct total_out {
	FILE *f;
	int   seen_events, seen_suppressions;
};

/* total_row - one db_totals() row as a counter sample; the HELP and TYPE
 * lines before the first of each metric */
static void
total_row(const char *what, const char *key, const char *list, long long n,
    void *arg)
{
	struct total_out *t = arg;
	FILE             *f = t->f;
	int               ev = strcmp(what, "events") == 0;
	const char       *name =
            ev ? "rebound_events_total" : "rebound_suppressions_total";
	int *seen = ev ? &t->seen_events : &t->seen_suppressions;

	if (!*seen) {
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name,
		    ev ? "Events stored, by class and list, since the database "
			 "began."
		       : "Suppressions made, by cause and list, since the "
			 "database began (ended ones included).",
		    name);
		*seen = 1;
	}
	fprintf(f, "%s{", name);
	metric_label(f, ev ? "class" : "cause", key);
	fprintf(f, ",");
	metric_label(f, "list", list);
	fprintf(f, "} %lld\n", n);
}

/* totals - the database's counters (db_totals()), so that rates can be
 * graphed whatever the timer's interval; nothing without a database */
static void
totals(FILE *f, struct run *run)
{
	struct total_out t = { f, 0, 0 };
	char            *cause = NULL;

	if (run->db == NULL)
		return;
	if (db_totals(run->db, total_row, &t, &cause) < 0) {
		log_msg(G_LOG_LEVEL_WARNING, NULL, NULL, NULL, NULL,
		    "metrics: %s", cause);
		g_free(cause);
	}
}

void
metrics_write(const char *path, struct run *run, int status, double seconds)
{
	static const char *classes[] = { "hard", "soft", "block", "complaint",
		"ignore", "unknown" };
	static const int   cls[] = { CLASS_HARD, CLASS_SOFT, CLASS_BLOCK,
		  CLASS_COMPLAINT, CLASS_IGNORE, CLASS_UNKNOWN };
	char              *tmp = NULL;
	/* a node exporter must read it: the umask decides */
	FILE          *f = atomic_open(path, ATOMIC_UMASK, &tmp);
	GHashTableIter it;
	gpointer       k, v;
	guint          i;
	size_t         c;

	if (f == NULL || tmp == NULL) {
		log_msg(G_LOG_LEVEL_WARNING, NULL, NULL, NULL, NULL,
		    "metrics file %s: %s", path,
		    f == NULL ? g_strerror(errno) : "not a file");
		return;
	}
	metric_head(f, "rebound_last_run_timestamp_seconds",
	    "When the last rebound run ended, Unix time.");
	fprintf(f, "rebound_last_run_timestamp_seconds %lld\n",
	    (long long)(g_get_real_time() / G_USEC_PER_SEC));
	metric_head(f, "rebound_last_run_success",
	    "1 when the last run exited 0.");
	fprintf(f, "rebound_last_run_success %d\n", status == EX_OK);
	metric_head(f, "rebound_last_run_exit_status",
	    "The last run's exit status (sysexits.h).");
	fprintf(f, "rebound_last_run_exit_status %d\n", status);
	metric_head(f, "rebound_last_run_duration_seconds",
	    "How long the last run took.");
	fprintf(f, "rebound_last_run_duration_seconds %.3f\n", seconds);
	metric_head(f, "rebound_mailbox_success",
	    "1 when the mailbox was read without failure in the last run.");
	for (i = 0; run->done != NULL && i < run->done->len; i++) {
		struct mailbox_result *m =
		    &g_array_index(run->done, struct mailbox_result, i);
		fprintf(f, "rebound_mailbox_success{");
		metric_label(f, "mailbox", m->name);
		fprintf(f, "} %d\n", m->status == EX_OK);
	}
	metric_head(f, "rebound_messages",
	    "Messages of the last run per mailbox: fetched, new (stored), "
	    "duplicate (stored before), quarantined.");
	for (i = 0; run->done != NULL && i < run->done->len; i++) {
		struct mailbox_result *m =
		    &g_array_index(run->done, struct mailbox_result, i);
		const struct {
			const char *outcome;
			unsigned    n;
		} rows[] = {
			{ "fetched", m->fetched },
			{ "new", m->fetched - m->t.duplicates },
			{ "duplicate", m->t.duplicates },
			{ "quarantined", m->t.quarantined },
		};
		for (c = 0; c < G_N_ELEMENTS(rows); c++) {
			fprintf(f, "rebound_messages{");
			metric_label(f, "mailbox", m->name);
			fprintf(f, ",");
			metric_label(f, "outcome", rows[c].outcome);
			fprintf(f, "} %u\n", rows[c].n);
		}
	}
	metric_head(f, "rebound_events",
	    "Events stored by the last run per mailbox and class.");
	for (i = 0; run->done != NULL && i < run->done->len; i++) {
		struct mailbox_result *m =
		    &g_array_index(run->done, struct mailbox_result, i);
		for (c = 0; c < G_N_ELEMENTS(classes); c++) {
			fprintf(f, "rebound_events{");
			metric_label(f, "mailbox", m->name);
			fprintf(f, ",");
			metric_label(f, "class", classes[c]);
			fprintf(f, "} %u\n", m->t.cls[cls[c]]);
		}
	}
	metric_head(f, "rebound_suppressions",
	    "Suppressions begun by the last run per mailbox.");
	for (i = 0; run->done != NULL && i < run->done->len; i++) {
		struct mailbox_result *m =
		    &g_array_index(run->done, struct mailbox_result, i);
		fprintf(f, "rebound_suppressions{");
		metric_label(f, "mailbox", m->name);
		fprintf(f, "} %u\n", m->t.suppressed);
	}
	metric_head(f, "rebound_hooks_idle",
	    "Hook runs of the last run per mailbox that changed no row (a "
	    "list or address the list manager knows by another name).");
	for (i = 0; run->done != NULL && i < run->done->len; i++) {
		struct mailbox_result *m =
		    &g_array_index(run->done, struct mailbox_result, i);
		fprintf(f, "rebound_hooks_idle{");
		metric_label(f, "mailbox", m->name);
		fprintf(f, "} %u\n", m->t.hooks_idle);
	}
	metric_head(f, "rebound_phase_seconds",
	    "Time of the last run per mailbox and phase: fetch (the server), "
	    "parse (MIME and classification), database, acknowledge.");
	for (i = 0; run->done != NULL && i < run->done->len; i++) {
		struct mailbox_result *m =
		    &g_array_index(run->done, struct mailbox_result, i);
		for (c = 0; c < PHASES; c++) {
			fprintf(f, "rebound_phase_seconds{");
			metric_label(f, "mailbox", m->name);
			fprintf(f, ",");
			metric_label(f, "phase",
			    metrics_phase_name((enum phase)c));
			fprintf(f, "} %.3f\n", (double)m->phase[c] / 1e6);
		}
	}
	metric_head(f, "rebound_peak_rss_bytes",
	    "The most memory the last run held (resident set).");
	fprintf(f, "rebound_peak_rss_bytes %lld\n",
	    (long long)metrics_peak_rss_kib() * 1024);
	metric_head(f, "rebound_blocks",
	    "Blocks in the last run per recipient domain (the sender refused).");
	if (run->blocks != NULL) {
		g_hash_table_iter_init(&it, run->blocks);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			fprintf(f, "rebound_blocks{");
			metric_label(f, "domain", k);
			fprintf(f, "} %u\n", GPOINTER_TO_UINT(v));
		}
	}
	totals(f, run);
	if (atomic_close(f, path, tmp, 1) < 0)
		log_msg(G_LOG_LEVEL_WARNING, NULL, NULL, NULL, NULL,
		    "metrics file %s: %s", path, g_strerror(errno));
}
