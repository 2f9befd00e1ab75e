/*
 * source_driver.c - drive a configured mailbox through the source
 * interface the way the worker will once results are stored: for the
 * integration tests (tests/integration.sh).
 *
 * usage: source_driver CONFIG MAILBOX count
 *        source_driver CONFIG MAILBOX ack N      ack all, every Nth as
 *                                                quarantined (0: none),
 *                                                then commit
 *        source_driver CONFIG MAILBOX nocommit   ack all, exit without
 *                                                committing (a crash)
 * Prints the number of messages read; exits with the source's sysexits.h
 * status on failure.  With REBOUND_TEST_DROP_AFTER=N[,M...] in the
 * environment it kills the server's IMAP (or POP3) processes after N
 * (and M...) messages: a connection dropped mid-fetch.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "log.h"
#include "source.h"

/* drop_now - is n in the REBOUND_TEST_DROP_AFTER list ("500" or "5,9")? */
static int
drop_now(unsigned n)
{
	const char *v = getenv("REBOUND_TEST_DROP_AFTER");
	char      **list;
	int         yes = 0, i;

	if (v == NULL)
		return 0;
	list = g_strsplit(v, ",", -1);
	for (i = 0; list[i] != NULL; i++)
		if ((unsigned)atoi(list[i]) == n)
			yes = 1;
	g_strfreev(list);
	return yes;
}

int
main(int argc, char **argv)
{
	struct config         *cfg;
	struct config_mailbox *mb;
	struct source         *src;
	struct source_msg      m = { 0 };
	char                  *cause = NULL;
	unsigned               n = 0, every = 0;
	int                    status, rc, ack, commit;

	signal(SIGPIPE, SIG_IGN);  /* as rebound does */
	log_init("source_driver"); /* and its messages on stderr */
	if (argc < 4) {
		fprintf(stderr,
		    "usage: %s CONFIG MAILBOX count|ack N|nocommit\n", argv[0]);
		return EX_USAGE;
	}
	ack = strcmp(argv[3], "count") != 0;
	commit = strcmp(argv[3], "ack") == 0;
	if (commit && argc > 4)
		every = (unsigned)atoi(argv[4]);
	if ((cfg = config_load(argv[1], 0, &cause, &status)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		g_free(cause);
		return status;
	}
	if ((mb = config_mailbox_find(cfg, argv[2])) == NULL) {
		config_free(cfg);
		return EX_CONFIG;
	}
	if ((src = source_open_mailbox(mb, &cause, &status)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		g_free(cause);
		config_free(cfg);
		return status;
	}
	while ((rc = source_next(src, &m, &cause)) == 1) {
		n++;
		/* REBOUND_TEST_DROP_AFTER=N: after N messages, kill the
		 * server's IMAP processes so the connection drops mid-fetch */
		if (drop_now(n) &&
		    system(strcmp(mb->url, "pop3") > 0 &&
				g_str_has_prefix(mb->url, "pop3")
			    ? "pkill -x pop3"
			    : "pkill -x imap") != 0)
			fprintf(stderr, "could not drop the connection\n");
		if (ack &&
		    source_ack(src, &m,
			every > 0 && n % every == 0 ? SOURCE_QUARANTINE
						    : SOURCE_DONE,
			&cause) < 0)
			break;
	}
	status = EX_OK;
	if (rc < 0 || cause != NULL)
		status =
		    source_status(src) != 0 ? source_status(src) : EX_SOFTWARE;
	else if (commit && source_commit(src, &cause) < 0)
		status = source_status(src);
	if (status != EX_OK)
		fprintf(stderr, "%s\n", cause);
	else
		printf("%u\n", n);
	fflush(stdout);
	if (status == EX_OK && strcmp(argv[3], "nocommit") == 0)
		_exit(0); /* as if killed: no QUIT, no LOGOUT */
	g_free(cause);
	source_msg_clear(&m);
	source_close(src);
	config_free(cfg);
	return status;
}
