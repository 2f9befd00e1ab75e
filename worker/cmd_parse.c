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

/* bad_line - the number of the first line of a config file that is not
 * blank, a comment, a [group] or a key = value; 0 when none (GKeyFile
 * reports syntax errors without a line number) */
static int
bad_line(const char *path)
{
	char *text = NULL, **lines, *l;
	int n = 0, i;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && n == 0; i++) {
		l = g_strstrip(lines[i]);
		if (l[0] == '\0' || l[0] == '#' || l[0] == ';')
			continue;
		if (l[0] == '[' ? l[strlen(l) - 1] != ']' : strchr(l, '=') ==
		    NULL)
			n = i + 1;
	}
	g_strfreev(lines);
	g_free(text);
	return n;
}

/*
 * read_config - take the [parse] keys of a GKeyFile config as defaults for
 * the options the command line did not give.  Returns EX_OK, EX_CONFIG on
 * a syntax error or a bad value (the message names file and line), or
 * EX_NOINPUT when the file cannot be read.
 */
static int
read_config(const char *path, char **verp_prefix, char **verp_delim,
    char **list_header, gboolean *no_verp, gint64 *max_size)
{
	static const char *known[] = { "verp_prefix", "verp_delimiter",
	    "verp", "list_header", "max_message_size" };
	GKeyFile *kf = g_key_file_new();
	GError *err = NULL;
	char **keys = NULL;
	int status = EX_OK;
	size_t i, k;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		int line = err->domain == G_KEY_FILE_ERROR ? bad_line(path) : 0;
		if (line > 0)
			fprintf(stderr, "rebound parse: %s:%d: %s\n", path, line,
			    err->message);
		else
			fprintf(stderr, "rebound parse: %s: %s\n", path,
			    err->message);
		status = err->domain == G_FILE_ERROR ? EX_NOINPUT : EX_CONFIG;
		goto out;
	}
	if (!g_key_file_has_group(kf, "parse"))
		goto out;
	keys = g_key_file_get_keys(kf, "parse", NULL, NULL);
	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		for (k = 0; k < G_N_ELEMENTS(known); k++)
			if (strcmp(keys[i], known[k]) == 0)
				break;
		if (k == G_N_ELEMENTS(known))
			fprintf(stderr, "rebound parse: %s: [parse] unknown key "
			    "'%s' (ignored)\n", path, keys[i]);
	}
#define STR(key, var) \
	if (*(var) == NULL && g_key_file_has_key(kf, "parse", key, NULL)) \
		*(var) = g_key_file_get_string(kf, "parse", key, NULL)
	STR("verp_prefix", verp_prefix);
	STR("verp_delimiter", verp_delim);
	STR("list_header", list_header);
#undef STR
	if (g_key_file_has_key(kf, "parse", "verp", NULL)) {
		gboolean on = g_key_file_get_boolean(kf, "parse", "verp", &err);
		if (err != NULL) {
			fprintf(stderr, "rebound parse: %s: [parse] verp: %s\n",
			    path, err->message);
			status = EX_CONFIG;
			goto out;
		}
		if (!on)
			*no_verp = TRUE;
	}
	if (g_key_file_has_key(kf, "parse", "max_message_size", NULL) &&
	    *max_size == (gint64)MIME_MAX_MESSAGE) {
		*max_size = g_key_file_get_int64(kf, "parse", "max_message_size",
		    &err);
		if (err != NULL) {
			fprintf(stderr, "rebound parse: %s: [parse] "
			    "max_message_size: %s\n", path, err->message);
			status = EX_CONFIG;
		}
	}
out:
	g_strfreev(keys);
	g_clear_error(&err);
	g_key_file_free(kf);
	return status;
}

int
cmd_parse(int argc, char **argv)
{
	gboolean jsonl = FALSE, why = FALSE, no_verp = FALSE;
	char *verp_prefix = NULL, *verp_delim = NULL, *list_header = NULL;
	char *config = NULL;
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
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
		  "read defaults from the [parse] group of FILE", "FILE" },
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
	if (config != NULL && (status = read_config(config, &verp_prefix,
	    &verp_delim, &list_header, &no_verp, &max_size)) != EX_OK)
		goto out;
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
	g_free(config);
	return status;
}
