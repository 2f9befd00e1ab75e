/*
 * cmd_verp.c - `rebound verp`: the signed return path to send a list's
 * mail to an address with (bounce/proof.h), for a list manager that lets
 * rebound make them.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "commands.h"
#include "config.h"
#include "log.h"
#include "policy.h"
#include "proof.h"

int
cmd_verp(int argc, char **argv)
{
	char                      *config = NULL, *list = NULL, *date = NULL;
	char                      *cause = NULL;
	GOptionContext            *ctx;
	struct config             *cfg = NULL;
	const struct policy       *pol;
	const struct config_parse *p;
	int                        status = EX_OK, day, i;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
		  "configuration file (default /etc/rebound/rebound.conf)",
		  "FILE" },
		{ "list", 'l', 0, G_OPTION_ARG_STRING, &list,
		  "the list the mail is sent for", "NAME" },
		{ "date", 0, 0, G_OPTION_ARG_STRING, &date,
		  "the day it is sent (default today)", "YYYY-MM-DD" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */

	ctx = g_option_context_new("ADDRESS... - the signed return path for "
				   "each address");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if ((status = cmd_options(ctx, &argc, &argv)) != EX_OK)
		goto out;
	if (argc < 2) {
		log_error("give one address or more");
		status = EX_USAGE;
		goto out;
	}
	if ((day = policy_day(date)) < 0) {
		log_error("--date wants YYYY-MM-DD");
		status = EX_USAGE;
		goto out;
	}
	cfg = config_load(config, CONFIG_PARSE_ONLY, &cause, &status);
	if (cfg == NULL) {
		log_error("%s", cause);
		goto out;
	}
	if ((status = cmd_check_list(cfg, list)) != EX_OK)
		goto out;
	pol = config_policy(cfg, list);
	p = config_parse_options(cfg);
	if (pol->nverp_keys == 0 || pol->verp_domain == NULL) {
		log_error("no %s for %s%s%s: set it in [policy] or [list NAME]",
		    pol->nverp_keys == 0 ? "verp_secret_file" : "verp_domain",
		    list != NULL ? "list " : "mail without a list",
		    list != NULL ? list : "", "");
		status = EX_CONFIG;
		goto out;
	}
	for (i = 1; i < argc; i++) {
		char *rp = proof_return_path(&pol->verp_keys[0],
		    p->verp_prefix != NULL ? p->verp_prefix : "bounces",
		    p->verp_delimiter != NULL ? p->verp_delimiter[0] : '+',
		    pol->verp_domain, list, argv[i], day);

		if (rp == NULL || strpbrk(argv[i], " \t\r\n<>") != NULL) {
			log_error("%s: not an address (local@domain)", argv[i]);
			status = EX_DATAERR;
		} else
			printf("%s\n", rp);
		g_free(rp);
	}
out:
	g_free(cause);
	config_free(cfg);
	g_option_context_free(ctx);
	g_free(config);
	g_free(list);
	g_free(date);
	return status;
}
