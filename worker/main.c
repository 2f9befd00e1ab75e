/*
 * main.c - the rebound program: dispatch to a subcommand.
 */
#include <signal.h>
#include <sysexits.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "log.h"

/* clang-format off */
static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "parse", cmd_parse, "parse bounce messages and print what they say" },
	{ "run", cmd_run, "read the configured mailboxes (--dry-run: print, "
	  "change nothing)" },
	{ "db", cmd_db, "db migrate: bring the database schema up to date" },
	{ "status", cmd_status, "what the database holds: counts, top domains" },
	{ "report", cmd_report, "the deliverability report of a period (text, "
	  "json)" },
	{ "export", cmd_export, "write the suppressed addresses (txt, csv, "
	  "json)" },
	{ "subscriber", cmd_subscriber, "an address's state and history" },
	{ "sent", cmd_sent, "record a send of a list (soft bounces count per "
	  "send)" },
	{ "deliver", cmd_deliver, "deliver the outbox to the list manager "
	  "([notify NAME]) now" },
	{ "unsuppress", cmd_unsuppress, "reactivate a suppressed address "
	  "(recorded)" },
	{ "verp", cmd_verp, "the signed VERP return path for an address on a "
	  "list" },
	{ "explain", cmd_explain, "explain a status code, reply code or "
	  "diagnostic text" },
};
/* clang-format on */

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: rebound COMMAND [OPTION...] [ARG...]\n\ncommands:\n");
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(f,
	    "\n`rebound COMMAND --help` describes a command's options.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	/* A server that closes the connection must be an error to handle
	 * (reconnect, exit 75), not a signal that kills the run. */
	signal(SIGPIPE, SIG_IGN);
	log_init("rebound");
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EX_OK;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("rebound %s\n", REBOUND_VERSION);
		return EX_OK;
	}
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			char *prog = g_strconcat("rebound ", argv[1], NULL);
			log_init(prog); /* "rebound parse: ..." */
			g_free(prog);
			return commands[i].fn(argc - 1, argv + 1);
		}
	log_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return EX_USAGE;
}
