/*
 * cmd_parse.c - `rebound parse`: read messages from files, directories,
 * Maildirs, mbox files or standard input, and print what each reports.
 */
#include <sysexits.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "mime.h"
#include "output.h"
#include "source.h"

int
cmd_parse(int argc, char **argv)
{
	gboolean jsonl = FALSE, why = FALSE, no_verp = FALSE;
	char *verp_prefix = NULL, *verp_delim = NULL, *list_header = NULL;
	gint64 max_size = MIME_MAX_MESSAGE;
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
		{ "list-header", 0, 0, G_OPTION_ARG_STRING, &list_header,
		  "header of the returned original naming the list "
		  "(default: List-Id)", "NAME" },
		{ "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size,
		  "largest message read, in bytes (default: 64 MiB)", "BYTES" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx;
	GError *err = NULL;
	struct mime_options opts;
	struct output *out = NULL;
	struct source_msg msg = { 0 };
	int i, status = EX_OK;

	ctx = g_option_context_new("PATH... - parse bounce messages");
	g_option_context_set_summary(ctx, "PATH is a message file, a directory "
	    "of message files, a Maildir, an mbox file, or - for standard "
	    "input.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "rebound parse: %s\n", err->message);
		g_error_free(err);
		status = EX_USAGE;
		goto out;
	}
	if (argc < 2) {
		fprintf(stderr, "rebound parse: no PATH given (use - for "
		    "standard input)\n");
		status = EX_USAGE;
		goto out;
	}
	if (verp_delim != NULL && strlen(verp_delim) != 1) {
		fprintf(stderr, "rebound parse: --verp-delimiter takes one "
		    "character\n");
		status = EX_USAGE;
		goto out;
	}
	if (max_size <= 0 || max_size > (gint64)MIME_MAX_MESSAGE) {
		fprintf(stderr, "rebound parse: --max-size must be 1 to %u\n",
		    MIME_MAX_MESSAGE);
		status = EX_USAGE;
		goto out;
	}
	memset(&opts, 0, sizeof(opts));
	opts.verp_prefix = no_verp ? NULL : verp_prefix != NULL ? verp_prefix :
	    "bounces";
	opts.verp_delim = verp_delim != NULL ? verp_delim[0] : '+';
	opts.list_header = list_header;

	mime_init();
	out = output_new(stdout, jsonl ? OUTPUT_JSONL : OUTPUT_TABLE, why);
	for (i = 1; i < argc; i++) {
		char *cause = NULL;
		struct source *src = source_open_path(argv[i], (size_t)max_size,
		    &cause);
		int rc;

		if (src == NULL) {
			fprintf(stderr, "rebound parse: %s\n", cause);
			g_free(cause);
			status = EX_NOINPUT;
			continue;
		}
		while ((rc = source_next(src, &msg, &cause)) == 1) {
			struct mime_report *r = NULL;
			if (msg.error == NULL)
				r = mime_parse(msg.data, msg.len, &opts, &cause);
			if (r == NULL) {
				const char *why_not = msg.error != NULL ?
				    msg.error : cause;
				fprintf(stderr, "rebound parse: %s: %s\n",
				    msg.name, why_not);
				output_error(out, msg.name, why_not);
				g_free(cause);
				cause = NULL;
				if (status == EX_OK)
					status = EX_DATAERR;
				continue;
			}
			output_message(out, msg.name, r, NULL, NULL);
			mime_report_free(r);
		}
		if (rc < 0) {
			fprintf(stderr, "rebound parse: %s\n", cause);
			g_free(cause);
			status = EX_IOERR;
		}
		source_msg_clear(&msg);
		source_close(src);
	}
out:
	output_free(out);
	g_option_context_free(ctx);
	g_free(verp_prefix);
	g_free(verp_delim);
	g_free(list_header);
	return status;
}
