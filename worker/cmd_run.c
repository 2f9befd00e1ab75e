/*
 * cmd_run.c - `rebound run`: read the configured mailboxes.
 *
 * With --dry-run every mailbox is fetched and parsed and the rows printed
 * as `rebound parse --jsonl` prints them (plus mailbox and uid); nothing
 * is stored and nothing on the server changes.  Storing the effect in
 * PostgreSQL, and only then acknowledging messages, is the worker's job
 * proper and needs the database module.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "commands.h"
#include "config.h"
#include "mime.h"
#include "output.h"
#include "source.h"

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
	struct source *src;
	struct source_msg msg = { 0 };
	char *cause = NULL;
	int status = EX_OK, rc;
	unsigned fetched = 0, failed = 0;
	gint64 t0 = g_get_monotonic_time();

	src = source_open_mailbox(mb, &cause, &status);
	if (src == NULL) {
		fprintf(stderr, "rebound run: mailbox %s: %s\n", mb->name, cause);
		g_free(cause);
		return status;
	}
	while ((rc = source_next(src, &msg, &cause)) == 1) {
		struct mime_report *r = NULL;
		char *why = NULL;

		fetched++;
		if (msg.error == NULL)
			r = mime_parse(msg.data, msg.len, opts, &why);
		if (r == NULL) {
			const char *e = msg.error != NULL ? msg.error : why;
			fprintf(stderr, "rebound run: mailbox %s: %s: %s\n",
			    mb->name, msg.name, e);
			output_error(out, msg.name, e);
			failed++;
			g_free(why);
			continue;
		}
		output_message(out, msg.name, r, mb->name, msg.uid);
		mime_report_free(r);
	}
	if (rc < 0) {
		fprintf(stderr, "rebound run: mailbox %s: %s\n", mb->name, cause);
		g_free(cause);
		status = source_status(src) != 0 ? source_status(src) :
		    EX_TEMPFAIL;
	}
	source_msg_clear(&msg);
	source_close(src);
	if (stats) {
		struct rusage ru;
		double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "rebound run: mailbox %s: %u messages (%u "
		    "unreadable) in %.3f s, %.0f messages/s, peak RSS %ld KiB\n",
		    mb->name, fetched, failed, secs, secs > 0 ? fetched / secs :
		    0.0, ru.ru_maxrss);
	}
	return status;
}

int
cmd_run(int argc, char **argv)
{
	gboolean dry_run = FALSE, stats = FALSE, from_stdin = FALSE;
	char *config_path = NULL, *only = NULL;
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
		{ "stats", 0, 0, G_OPTION_ARG_NONE, &stats,
		  "print messages/s and peak memory per mailbox on stderr",
		  NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx;
	GError *err = NULL;
	struct config *cfg = NULL;
	struct config_mailbox *mbs, stdin_mb = { 0 };
	static const struct config_parse no_config = { NULL, NULL, 1, NULL, 0 };
	const struct config_parse *p;
	struct mime_options opts;
	struct output *out = NULL;
	char *cause = NULL;
	size_t n, i;
	int status = EX_OK, s;

	ctx = g_option_context_new("- read the configured mailboxes");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "rebound run: %s\n", err->message);
		g_error_free(err);
		status = EX_USAGE;
		goto out;
	}
	if (!dry_run) {
		fprintf(stderr, "rebound run: this version reads mailboxes with "
		    "--dry-run only; storing results in PostgreSQL comes with "
		    "the database worker\n");
		status = EX_USAGE;
		goto out;
	}
	/* piped input needs no configuration; [parse] applies when given */
	if (!from_stdin || config_path != NULL) {
		cfg = config_load(config_path != NULL ? config_path :
		    "/etc/rebound/rebound.conf", from_stdin ? CONFIG_PARSE_ONLY :
		    0, &cause, &status);
		if (cfg == NULL) {
			fprintf(stderr, "rebound run: %s\n", cause);
			g_free(cause);
			goto out;
		}
	}
	if (from_stdin) {
		/* one message piped in: a read-only source of its own */
		stdin_mb.name = "stdin";
		stdin_mb.proto = CONFIG_MBOX;
		stdin_mb.folder = "-";
		stdin_mb.after = CONFIG_AFTER_KEEP;
		stdin_mb.max_message_size = MIME_MAX_MESSAGE;
		mbs = &stdin_mb;
		n = 1;
		goto read;
	}
	mbs = config_mailboxes(cfg, &n);
	if (only != NULL && config_mailbox_find(cfg, only) == NULL) {
		fprintf(stderr, "rebound run: no [mailbox %s] in the "
		    "configuration\n", only);
		status = EX_CONFIG;
		goto out;
	}
	if (n == 0) {
		fprintf(stderr, "rebound run: no [mailbox NAME] in the "
		    "configuration\n");
		status = EX_CONFIG;
		goto out;
	}
read:
	p = cfg != NULL ? config_parse_options(cfg) : &no_config;
	memset(&opts, 0, sizeof(opts));
	opts.verp_prefix = !p->verp ? NULL : p->verp_prefix != NULL ?
	    p->verp_prefix : "bounces";
	opts.verp_delim = p->verp_delimiter != NULL ? p->verp_delimiter[0] : '+';
	opts.list_header = p->list_header;
	mime_init();
	out = output_new(stdout, OUTPUT_JSONL, 0);
	for (i = 0; i < n; i++) {
		if (only != NULL && strcmp(mbs[i].name, only) != 0)
			continue;
		s = read_mailbox(&mbs[i], &opts, out, stats);
		status = worse(status, s);
	}
out:
	output_free(out);
	config_free(cfg);
	g_option_context_free(ctx);
	g_free(config_path);
	g_free(only);
	return status;
}
