/*
 * cmd_explain.c - `rebound explain`: what a status code, a reply code or a
 * diagnostic text means, and what a list operator should do about it.
 */
#include <sysexits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "classify.h"
#include "commands.h"
#include "log.h"

/* is_status - does s look like an enhanced status code "5.1.1"? */
static int
is_status(const char *s)
{
	return g_regex_match_simple("^\\s*[245]\\.\\d{1,3}\\.\\d{1,3}\\s*$", s,
	    0, 0);
}

int
cmd_explain(int argc, char **argv)
{
	GOptionContext               *ctx;
	struct classify_input         in;
	struct classify_result        res;
	const struct classify_status *srow;
	const struct classify_reply  *rrow;
	const struct classify_reason *why;
	char                         *text, *mta = NULL, **mtas = NULL;
	int                           status = EX_OK;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "mta", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &mtas,
		  "who wrote the text: a Remote-MTA or Reporting-MTA host "
		  "name, or the report's generator (as in `rebound parse "
		  "--jsonl`); repeatable", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */

	ctx = g_option_context_new("CODE-OR-TEXT - explain a bounce code or "
				   "diagnostic");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx,
	    "Examples:\n  rebound explain 5.7.1\n"
	    "  rebound explain 550\n"
	    "  rebound explain \"550 5.1.1 <a@b> User unknown\"\n"
	    "  rebound explain --mta mx.hotmail.com \"550 5.5.0 Requested "
	    "action not taken: mailbox unavailable\"");
	if (cmd_options(ctx, &argc, &argv) != EX_OK) {
		g_option_context_free(ctx);
		return EX_USAGE;
	}
	if (argc < 2) {
		log_error("give a code or a diagnostic "
			  "text");
		g_option_context_free(ctx);
		return EX_USAGE;
	}
	text = g_strjoinv(" ", argv + 1);
	memset(&in, 0, sizeof(in));
	in.temporary = -1;
	/* the provider rows read whose wording it is from the MTA names,
	 * space-separated as `rebound parse` gives them */
	if (mtas != NULL) {
		mta = g_strjoinv(" ", mtas);
		in.mta = mta;
	}
	if (is_status(text))
		in.status = g_strstrip(text);
	else
		in.diagnostic = text;
	classify_rcpt(&in, &res);

	srow = classify_status_lookup(res.status_derived ? NULL : res.status);
	rrow = res.reply_code[0] != '\0'
	    ? classify_reply_lookup(atoi(res.reply_code))
	    : NULL;
	why = classify_reason_lookup(res.reason);

	if (srow == NULL && rrow == NULL &&
	    (strcmp(res.rule, "none") == 0 ||
		strcmp(res.rule, "unclassified") == 0)) {
		printf("input:   %s\n", text);
		printf(
		    "nothing recognised: no status code, reply code or known "
		    "wording\n");
		status = EX_DATAERR;
		goto out;
	}
	printf("input:   %s\n", text);
	if (srow != NULL && !res.status_derived)
		printf("status:  %s  %s%s\n", res.status, srow->meaning,
		    strchr(srow->code, '.') != NULL &&
			    strcmp(srow->code + 1, res.status + 1) != 0 &&
			    srow->code[0] == 'X'
			? " (unregistered detail; meaning of its subject)"
			: "");
	if (rrow != NULL)
		printf("reply:   %s  %s\n", res.reply_code, rrow->meaning);
	printf("class:   %s (%s)\n", classify_class_name(res.cls),
	    res.status[0] == '4' || res.reply_code[0] == '4' ? "temporary"
							     : "permanent");
	printf("reason:  %s  (decided by: %s)\n", res.reason, res.rule);
	if (srow != NULL && !srow->strong && strcmp(res.rule, "status") == 0)
		printf(
		    "note:    %s is used for many reasons; the diagnostic text "
		    "of a real bounce usually decides\n",
		    res.status);
	if (why != NULL) {
		printf("meaning: %s\n", why->meaning);
		printf("action:  %s\n", why->action);
	}
	switch (res.cls) {
	case CLASS_HARD:
		printf("effect:  the subscriber is suppressed at once\n");
		break;
	case CLASS_SOFT:
		printf("effect:  counts towards the soft-bounce threshold\n");
		break;
	case CLASS_BLOCK:
		printf("effect:  recorded, never counted against the "
		       "subscriber: the receiver refused the sender\n");
		break;
	case CLASS_COMPLAINT:
		printf("effect:  suppressed at once, on every list\n");
		break;
	default:
		printf("effect:  recorded, no change to the subscriber\n");
		break;
	}
out:
	g_free(text);
	g_free(mta);
	g_strfreev(mtas);
	g_option_context_free(ctx);
	return status;
}
