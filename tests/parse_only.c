/*
 * parse_only.c - `rebound parse` built from its own code alone: this
 * program links worker/cmd_parse.c and worker/output.c with the libraries
 * below fetch/ (no rebound_fetch, no rebound_db), so it builds only while
 * the parse path needs neither libetpan nor libpq.  tests/parse-only.sh
 * checks that it parses as rebound does and loads neither library.
 *
 * usage: parse_only [OPTION...] PATH...   (those of `rebound parse`)
 */
#include <signal.h>

#include "commands.h"
#include "log.h"

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	log_init("rebound parse");
	return cmd_parse(argc, argv);
}
