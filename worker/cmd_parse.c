/*
 * cmd_parse.c - `rebound parse`: read messages from files, directories,
 * Maildirs, mbox files or standard input, and print what each reports.
 */
#include <sysexits.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "config.h"
#include "log.h"
#include "mime.h"
#include "output.h"
#include "policy.h"
#include "pool.h"
#include "source.h"

/* messages per job: handing each to a thread by itself costs more in
 * locks and wake-ups than a small message takes to parse; a job closes
 * at PARSE_JOB_BYTES too */
#define PARSE_BATCH     32
#define PARSE_JOB_BYTES (1024 * 1024)

/* Messages on their way through the pool: read in order, parsed and
 * rendered on any thread, written in order. */
struct parse_job {
	struct source_msg msg[PARSE_BATCH];
	unsigned          n;
	size_t            bytes;              /* of the messages */
	char             *text[PARSE_BATCH];  /* each one's rows, rendered */
	unsigned          rows[PARSE_BATCH];  /* table rows in text */
	char             *error[PARSE_BATCH]; /* why it could not be parsed */
};

/* What every job of one `rebound parse` shares (read only). */
struct parse_ctx {
	const struct mime_options *opts;
	enum output_format         format;
	int                        why;
};

/* parse_one - pool_fn: parse, classify and render a job's messages */
static void
parse_one(void *data, void *arg)
{
	struct parse_job       *j = data;
	const struct parse_ctx *c = arg;
	struct output          *o = output_new_buffer(c->format, c->why);
	unsigned                i;

	for (i = 0; i < j->n; i++) {
		struct source_msg  *m = &j->msg[i];
		struct mime_report *r =
		    cmd_read(m, c->opts, NULL, &j->error[i]);

		if (r == NULL)
			output_error(o, m->name, m->seq, j->error[i]);
		else {
			output_message(o, m->name, m->seq, r, NULL, NULL);
			mime_report_free(r);
		}
		j->text[i] = output_take(o, &j->rows[i]);
	}
	output_free(o);
}

/* parse_done - write a parsed job in its turn and free it; a sysexits.h
 * status */
static int
parse_done(struct parse_job *j, struct output *out)
{
	int      status = EX_OK;
	unsigned i;

	for (i = 0; i < j->n; i++) {
		if (j->error[i] != NULL) {
			log_error("%s: %s", j->msg[i].name, j->error[i]);
			status = EX_DATAERR;
		}
		output_put(out, j->text[i], j->rows[i]);
		source_msg_clear(&j->msg[i]);
		g_free(j->text[i]);
		g_free(j->error[i]);
	}
	g_free(j);
	return status;
}

/* parse_drain - write the finished jobs, in order, waiting for the
 * oldest while the pool is full, or for all of them when all; a
 * sysexits.h status */
static int
parse_drain(struct pool *pool, struct output *out, int all, int status)
{
	struct parse_job *j;

	while ((j = pool_get(pool, all || pool_full(pool))) != NULL)
		if (parse_done(j, out) != EX_OK && status == EX_OK)
			status = EX_DATAERR;
	return status;
}

/* apply_config - take the [parse] group of a config file as defaults for
 * the options the command line did not give; a sysexits.h status */
static int
apply_config(const char *path, char **verp_prefix, char **verp_delim,
    char **list_header, char **verp_header, gboolean *no_verp,
    gboolean *final_only, gint64 *max_size)
{
	struct config             *c;
	const struct config_parse *p;
	char                      *cause = NULL;
	int                        status;

	c = config_load(path, CONFIG_PARSE_ONLY, &cause, &status);
	if (c == NULL) {
		log_error("%s", cause);
		g_free(cause);
		return status;
	}
	p = config_parse_options(c);
	if (*verp_prefix == NULL && p->verp_prefix != NULL)
		*verp_prefix = g_strdup(p->verp_prefix);
	if (*verp_delim == NULL && p->verp_delimiter != NULL)
		*verp_delim = g_strdup(p->verp_delimiter);
	if (*list_header == NULL && p->list_header != NULL)
		*list_header = g_strdup(p->list_header);
	if (p->verp_header != NULL)
		*verp_header = g_strdup(p->verp_header);
	if (!p->verp)
		*no_verp = TRUE;
	if (!p->original_recipient)
		*final_only = TRUE;
	if (*max_size == (gint64)MIME_MAX_MESSAGE && p->max_message_size > 0)
		*max_size = (gint64)p->max_message_size;
	config_free(c);
	return EX_OK;
}

int
cmd_options(GOptionContext *ctx, int *argc, char ***argv)
{
	GError *err = NULL;

	if (g_option_context_parse(ctx, argc, argv, &err))
		return EX_OK;
	log_error("%s", err->message);
	g_error_free(err);
	return EX_USAGE;
}

int
cmd_today(void)
{
	const char *t = g_getenv("REBOUND_TEST_TODAY");
	int         n = t != NULL ? policy_day(t) : -1;

	return n >= 0 ? n : policy_day(NULL);
}

gint64
cmd_now(int today)
{
	return g_getenv("REBOUND_TEST_TODAY") != NULL
	    ? (gint64)today * 86400 + 86399
	    : g_get_real_time() / G_USEC_PER_SEC;
}

int
cmd_check_list(struct config *cfg, const char *name)
{
	char **names;
	char  *known;

	if (config_list_allowed(cfg, name))
		return EX_OK;
	names = config_list_names(cfg);
	known = g_strjoinv(", ", names);
	log_error("no list named '%s' ([policy] lists = configured; the "
		  "configuration declares: %s)",
	    name, names[0] != NULL ? known : "none");
	g_free(known);
	g_strfreev(names);
	return EX_USAGE;
}

struct mime_report *
cmd_read(const struct source_msg *m, const struct mime_options *opts,
    const char *mailbox, char **why)
{
	struct mime_report *r;

	*why = NULL;
	if (m->error != NULL || m->data == NULL) {
		*why = g_strdup(m->error != NULL ? m->error : "no message");
		return NULL;
	}
	if ((r = mime_parse(m->data, m->len, opts, why)) == NULL)
		return NULL;
	if (r->truncated)
		log_msg(G_LOG_LEVEL_WARNING, mailbox, m->uid, NULL, NULL,
		    "%s%s%s%s: %s", mailbox != NULL ? "mailbox " : "",
		    mailbox != NULL ? mailbox : "", mailbox != NULL ? ": " : "",
		    m->name, MIME_TRUNCATED);
	return r;
}

int
cmd_parse(int argc, char **argv)
{
	gboolean jsonl = FALSE, why = FALSE, no_verp = FALSE,
		 final_only = FALSE;
	char  *verp_prefix = NULL, *verp_delim = NULL, *list_header = NULL;
	char  *verp_header = NULL;
	char  *config = NULL;
	gint64 max_size = MIME_MAX_MESSAGE;
	gint   threads = 0;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "jsonl", 'j', 0, G_OPTION_ARG_NONE, &jsonl,
		  "JSON Lines output, one object per message and recipient", NULL },
		{ "why", 'w', 0, G_OPTION_ARG_NONE, &why,
		  "show the rule that decided each reason (always in JSON)", NULL },
		{ "verp-prefix", 0, 0, G_OPTION_ARG_STRING, &verp_prefix,
		  "local part of VERP return addresses (default: bounces)",
		  "PREFIX" },
		{ "verp-delimiter", 0, 0, G_OPTION_ARG_STRING, &verp_delim,
		  "character after the VERP prefix (default: +)", "CHAR" },
		{ "no-verp", 0, 0, G_OPTION_ARG_NONE, &no_verp,
		  "do not decode VERP return addresses", NULL },
		{ "final-recipient", 0, 0, G_OPTION_ARG_NONE, &final_only,
		  "name subscribers by Final-Recipient, never by "
		  "Original-Recipient", NULL },
		{ "list-header", 0, 0, G_OPTION_ARG_STRING, &list_header,
		  "header of the returned original naming the list "
		  "(default: List-Id)", "NAME" },
		{ "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size,
		  "largest message read, in bytes (default: 64 MiB)", "BYTES" },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
		  "read defaults from the [parse] group of FILE", "FILE" },
		{ "threads", 't', 0, G_OPTION_ARG_INT, &threads,
		  "parse on N threads (default: one per processor); the "
		  "output keeps the input's order", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	GOptionContext     *ctx;
	struct mime_options opts;
	struct output      *out = NULL;
	struct source_msg   msg = { 0 };
	struct parse_ctx    ctx_job;
	struct pool        *pool = NULL;
	struct parse_job   *j = NULL;
	int                 i, status = EX_OK;

	ctx = g_option_context_new("PATH... - parse bounce messages");
	g_option_context_set_summary(ctx,
	    "PATH is a message file, a directory "
	    "of message files, a Maildir, an mbox file, or - for standard "
	    "input.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if ((status = cmd_options(ctx, &argc, &argv)) != EX_OK)
		goto out;
	if (config != NULL &&
	    (status = apply_config(config, &verp_prefix, &verp_delim,
		 &list_header, &verp_header, &no_verp, &final_only,
		 &max_size)) != EX_OK)
		goto out;
	if (argc < 2) {
		log_error("no PATH given (use - for "
			  "standard input)");
		status = EX_USAGE;
		goto out;
	}
	if (verp_delim != NULL && strlen(verp_delim) != 1) {
		log_error("--verp-delimiter takes one "
			  "character");
		status = EX_USAGE;
		goto out;
	}
	if (max_size <= 0 || max_size > (gint64)MIME_MAX_MESSAGE) {
		log_error("--max-size must be 1 to %u", MIME_MAX_MESSAGE);
		status = EX_USAGE;
		goto out;
	}
	memset(&opts, 0, sizeof(opts));
	opts.verp_prefix = no_verp ? NULL
	    : verp_prefix != NULL  ? verp_prefix
				   : "bounces";
	opts.verp_delim = verp_delim != NULL ? verp_delim[0] : '+';
	opts.list_header = list_header;
	opts.verp_header = verp_header;
	opts.final_only = final_only;

	if (threads < 0) {
		log_error("--threads must be 0 (one per processor) or more");
		status = EX_USAGE;
		goto out;
	}
	mime_init();
	out = output_new(stdout, jsonl ? OUTPUT_JSONL : OUTPUT_TABLE, why);
	ctx_job.opts = &opts;
	ctx_job.format = jsonl ? OUTPUT_JSONL : OUTPUT_TABLE;
	ctx_job.why = why;
	pool = pool_new(pool_threads(threads), parse_one, &ctx_job);
	for (i = 1; i < argc; i++) {
		char          *cause = NULL;
		struct source *src =
		    source_open_path(argv[i], (size_t)max_size, &cause);
		int rc;

		if (src == NULL) {
			log_error("%s", cause);
			g_free(cause);
			status = EX_NOINPUT;
			continue;
		}
		while ((rc = source_next(src, &msg, &cause)) == 1) {
			if (j == NULL)
				j = g_new0(struct parse_job, 1);
			j->bytes += msg.len;
			j->msg[j->n++] = msg; /* the job's now */
			memset(&msg, 0, sizeof(msg));
			if (j->n < PARSE_BATCH && j->bytes < PARSE_JOB_BYTES)
				continue;
			pool_put(pool, j, j->bytes);
			j = NULL;
			/* write what is finished, in order; wait for the
			 * oldest while the pool is full */
			status = parse_drain(pool, out, 0, status);
		}
		if (rc < 0) {
			log_error("%s", cause);
			g_free(cause);
			status = EX_IOERR;
		}
		source_msg_clear(&msg);
		source_close(src);
	}
	if (j != NULL)
		pool_put(pool, j, j->bytes);
	if (pool != NULL)
		status = parse_drain(pool, out, 1, status);
out:
	pool_free(pool);
	output_free(out);
	g_option_context_free(ctx);
	g_free(verp_prefix);
	g_free(verp_delim);
	g_free(list_header);
	g_free(verp_header);
	g_free(config);
	return status;
}
