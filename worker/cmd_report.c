/*
 * cmd_report.c - the commands that read and mend the stored state:
 * `rebound status`, `rebound report`, `rebound export`, `rebound
 * subscriber`, `rebound unsuppress`.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "atomic.h"
#include "commands.h"
#include "config.h"
#include "db.h"
#include "html.h"
#include "log.h"
#include "policy.h"

static char *when(const char *s);

/* What every one of these commands starts with. */
struct cmd {
	char           *config_path;
	struct config  *cfg;
	struct db      *db;
	GOptionContext *ctx;
};

/*
 * setup - parse the options (entries plus --config); argc and argv keep
 * the operands.  0, or a sysexits.h status after a message on stderr.
 * connect() does the rest once the command has checked its arguments.
 */
static int
setup(struct cmd *c, const char *params, const GOptionEntry *entries, int *argc,
    char ***argv)
{
	/* clang-format off */
	GOptionEntry common[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &c->config_path,
		  "configuration file (default /etc/rebound/rebound.conf)",
		  "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	memset(c, 0, sizeof(*c));
	c->ctx = g_option_context_new(params);
	g_option_context_add_main_entries(c->ctx, common, NULL);
	g_option_context_add_main_entries(c->ctx, entries, NULL);
	return cmd_options(c->ctx, argc, argv);
}

/* connect_db - load the configuration and connect to its database; 0 or a
 * sysexits.h status after a message on stderr */
static int
connect_db(struct cmd *c)
{
	char *cause = NULL;
	int   status = EX_OK;

	c->cfg =
	    config_load(c->config_path, CONFIG_PARSE_ONLY, &cause, &status);
	if (c->cfg == NULL) {
		log_error("%s", cause);
		g_free(cause);
		return status;
	}
	if ((c->db = cmd_open_db(c->cfg, &status)) == NULL)
		return status;
	return EX_OK;
}

/* teardown - undo setup(); returns status */
static int
teardown(struct cmd *c, int status)
{
	db_close(c->db);
	config_free(c->cfg);
	if (c->ctx != NULL)
		g_option_context_free(c->ctx);
	g_free(c->config_path);
	return status;
}

/* failed - report a database failure; its status */
static int
failed(struct cmd *c, char *cause)
{
	log_error("%s", cause);
	g_free(cause);
	return db_status(c->db) != EX_OK ? db_status(c->db) : EX_SOFTWARE;
}

/* resolve_list - *list (given with --list) by its canonical name, the
 * [list NAME] whose name or alias it is; one the configuration does not
 * declare must be known to the database.  EX_OK, or EX_USAGE after a
 * message naming the lists there are (a typo is no empty result). */
static int
resolve_list(struct cmd *c, char **list)
{
	char *cause = NULL, **names, *declared;

	if (*list == NULL)
		return EX_OK;
	if (config_list_declared(c->cfg, *list)) {
		char *canon = g_strdup(config_list_name(c->cfg, *list));
		g_free(*list);
		*list = canon;
		return EX_OK;
	}
	if (db_list_known(c->db, *list, &cause) == 0)
		return EX_OK;
	names = config_list_names(c->cfg);
	declared = g_strjoinv(", ", names);
	log_error("%s%s%s", cause,
	    names[0] != NULL ? "; the configuration declares: " : "", declared);
	g_free(declared);
	g_strfreev(names);
	g_free(cause);
	return db_status(c->db) != EX_OK ? db_status(c->db) : EX_USAGE;
}

int
cmd_status(int argc, char **argv)
{
	gboolean json = FALSE;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "one JSON object instead of text", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	struct cmd c;
	char      *cause = NULL;
	int        status;

	status = setup(&c, "- what the database holds", entries, &argc, &argv);
	if (status == EX_OK && argc > 1) {
		log_error("unexpected argument '%s'", argv[1]);
		status = EX_USAGE;
	}
	if (status == EX_OK)
		status = connect_db(&c);
	if (status == EX_OK &&
	    db_status_report(c.db, stdout, json ? DB_JSON : DB_TEXT, &cause) <
		0)
		status = failed(&c, cause);
	return teardown(&c, status);
}

/* valid_date - is s a date YYYY-MM-DD? */
static int
valid_date(const char *s)
{
	int y, m, d, n = 0;

	return sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    s[n] == '\0' && strlen(s) == 10 &&
	    g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

/* report_day - *day of "YYYY-MM-DD", or for "Nd" the Nth day back from
 * until (7d: the week ending on it); 0, or -1 when s is neither */
static int
report_day(const char *s, int until, int *day)
{
	char *end;
	long  n;

	if (valid_date(s)) {
		*day = policy_day(s);
		return *day >= 0 ? 0 : -1;
	}
	n = strtol(s, &end, 10);
	if (end == s || strcmp(end, "d") != 0 || n < 1 || n > 3660)
		return -1;
	*day = until - (int)n + 1;
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	char    *since = NULL, *until = NULL, *list = NULL, *format = NULL;
	char    *out = NULL, *tmp = NULL, *cause = NULL;
	gboolean show = FALSE;
	int      floor = 20, rc, status, html = 0;
	FILE    *f;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since,
		  "first day: YYYY-MM-DD, or Nd for the N days to --until "
		  "(default 7d)", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until,
		  "last day, YYYY-MM-DD (default today, UTC)", "DATE" },
		{ "list", 0, 0, G_OPTION_ARG_STRING, &list,
		  "one list (a name or alias)", "NAME" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "text (default), json (docs/report.md) or html (one "
		  "self-contained page)", "F" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "write to FILE (replaced atomically) instead of standard "
		  "output", "FILE" },
		{ "show-addresses", 0, 0, G_OPTION_ARG_NONE, &show,
		  "print addresses whole (default: a***@example.org)", NULL },
		{ "incident-floor", 0, 0, G_OPTION_ARG_INT, &floor,
		  "blocks a domain must reach on a day to be an incident "
		  "(default 20)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	struct cmd             c;
	struct db_report_query q = { 0 };
	enum db_format         fmt = DB_TEXT;

	status = setup(&c, "- the deliverability report of a period", entries,
	    &argc, &argv);
	if (status != EX_OK)
		goto out;
	if (argc > 1) {
		log_error("unexpected argument '%s'", argv[1]);
		status = EX_USAGE;
		goto out;
	}
	if (format != NULL && strcmp(format, "json") == 0)
		fmt = DB_JSON;
	else if (format != NULL && strcmp(format, "html") == 0)
		html = 1;
	else if (format != NULL && strcmp(format, "text") != 0) {
		log_error("--format: text, json or html, not '%s'", format);
		status = EX_USAGE;
		goto out;
	}
	q.until = cmd_today();
	if (until != NULL &&
	    (!valid_date(until) || (q.until = policy_day(until)) < 0)) {
		log_error("--until: a date YYYY-MM-DD, not '%s'", until);
		status = EX_USAGE;
		goto out;
	}
	if (report_day(since != NULL ? since : "7d", q.until, &q.since) < 0 ||
	    q.since > q.until) {
		log_error("--since: a date YYYY-MM-DD up to --until, or Nd "
			  "(7d: a week), not '%s'",
		    since);
		status = EX_USAGE;
		goto out;
	}
	if (floor < 0) {
		log_error("--incident-floor: a number of blocks, not %d",
		    floor);
		status = EX_USAGE;
		goto out;
	}
	if ((status = connect_db(&c)) != EX_OK ||
	    (status = resolve_list(&c, &list)) != EX_OK)
		goto out;
	q.list = list;
	q.show_addresses = show;
	q.incident_floor = (unsigned)floor;
	/* addresses, even masked ones: the operator's alone */
	if ((f = atomic_open(out, 0600, &tmp)) == NULL) {
		log_error("%s: %s", out, g_strerror(errno));
		status = EX_CANTCREAT;
		goto out;
	}
	rc = html ? html_write(c.db, &q, f, &cause)
		  : db_report(c.db, &q, f, fmt, &cause);
	if (atomic_close(f, out, tmp, rc == 0) < 0 && rc == 0) {
		log_error("%s: %s", out != NULL ? out : "standard output",
		    g_strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	if (rc < 0)
		status = failed(&c, cause);
out:
	g_free(since);
	g_free(until);
	g_free(list);
	g_free(format);
	g_free(out);
	return teardown(&c, status);
}

int
cmd_export(int argc, char **argv)
{
	char    *format = NULL, *list = NULL, *since = NULL, *scope = NULL;
	char    *out = NULL, *tmp = NULL, *cause = NULL, *since_t = NULL;
	char    *cursor_file = NULL;
	gboolean changes = FALSE;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format,
		  "txt (one address per line, the default), csv or json "
		  "(JSON Lines)", "FORMAT" },
		{ "list", 'l', 0, G_OPTION_ARG_STRING, &list,
		  "this list's suppressions and the global ones", "NAME" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since,
		  "suppressions that began at or after TIME (a date or an ISO "
		  "8601 time); with --changes, after CURSOR", "TIME|CURSOR" },
		{ "changes", 0, 0, G_OPTION_ARG_NONE, &changes,
		  "suppressions begun and ended after a cursor, in order; the "
		  "next cursor goes to standard error", NULL },
		{ "cursor-file", 0, 0, G_OPTION_ARG_FILENAME, &cursor_file,
		  "with --changes: read the cursor from FILE, and write the "
		  "next one there once the export is written", "FILE" },
		{ "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
		  "global (complaints; list unknown), list (per list) or all "
		  "(the default)", "SCOPE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "write FILE atomically (default: standard output)", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	struct db_export x = { DB_TEXT, NULL, NULL, DB_SCOPE_ALL, 0, 0 };
	struct cmd       c;
	unsigned long    rows = 0;
	FILE            *f = NULL;
	int              status, rc;

	status = setup(&c, "- write the suppressed addresses", entries, &argc,
	    &argv);
	if (status != EX_OK)
		goto out;
	if (format == NULL || strcmp(format, "txt") == 0)
		x.format = DB_TEXT;
	else if (strcmp(format, "csv") == 0)
		x.format = DB_CSV;
	else if (strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0)
		x.format = DB_JSON;
	else {
		log_error("--format is txt, csv or json");
		status = EX_USAGE;
		goto out;
	}
	if (scope == NULL || strcmp(scope, "all") == 0)
		x.scope = DB_SCOPE_ALL;
	else if (strcmp(scope, "global") == 0)
		x.scope = DB_SCOPE_GLOBAL;
	else if (strcmp(scope, "list") == 0)
		x.scope = DB_SCOPE_LIST;
	else {
		log_error("--scope is global, list or "
			  "all");
		status = EX_USAGE;
		goto out;
	}
	if (cursor_file != NULL && !changes) {
		log_error("--cursor-file goes with --changes");
		status = EX_USAGE;
		goto out;
	}
	if (changes && since == NULL && cursor_file != NULL) {
		/* the cursor the last export left; none yet: from the start */
		char *text = NULL;
		if (g_file_get_contents(cursor_file, &text, NULL, NULL))
			since = g_strstrip(text);
		else
			since = g_strdup("0");
	}
	if (changes && since != NULL &&
	    (since[0] == '\0' ||
		strspn(since, "0123456789") != strlen(since))) {
		log_error("--changes takes a cursor (a number) with --since: "
			  "the one the last export printed");
		status = EX_USAGE;
		goto out;
	}
	if (!changes && since != NULL && (since_t = when(since)) == NULL) {
		log_error("--since takes YYYY-MM-DD or an ISO 8601 time "
			  "(2026-03-01T12:00:00Z)");
		status = EX_USAGE;
		goto out;
	}
	if (argc > 1) {
		log_error("unexpected argument '%s'", argv[1]);
		status = EX_USAGE;
		goto out;
	}
	if ((status = connect_db(&c)) != EX_OK ||
	    (status = resolve_list(&c, &list)) != EX_OK)
		goto out;
	x.list = list;
	x.since = changes ? since : since_t;
	x.changes = changes;
	/* addresses: the operator's alone unless the file says otherwise */
	if ((f = atomic_open(out, 0600, &tmp)) == NULL) {
		log_error("%s: %s", out, g_strerror(errno));
		status = EX_CANTCREAT;
		goto out;
	}
	rc = db_export(c.db, &x, f, &rows, &cause);
	if (atomic_close(f, out, tmp, rc == 0) < 0 && rc == 0) {
		log_error("%s: %s", out != NULL ? out : "standard output",
		    g_strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	if (rc < 0) {
		status = failed(&c, cause);
		goto out;
	}
	if (out != NULL)
		log_info("%lu %s%s written to %s", rows,
		    changes ? "change" : "suppression", rows == 1 ? "" : "s",
		    out);
	if (changes) {
		char *next = g_strdup_printf("%lld\n", x.cursor);
		fprintf(stderr, "cursor %lld\n", x.cursor);
		if (cursor_file != NULL) {
			/* the next export starts here, once this one is safe */
			FILE *cf = atomic_open(cursor_file, 0600, &tmp);
			int   ok = cf != NULL && fputs(next, cf) >= 0;
			if (cf == NULL ||
			    atomic_close(cf, cursor_file, tmp, ok) < 0 || !ok) {
				log_error("%s: %s", cursor_file,
				    g_strerror(errno));
				status = EX_CANTCREAT;
			}
		}
		g_free(next);
	}
out:
	g_free(format);
	g_free(list);
	g_free(since);
	g_free(since_t);
	g_free(scope);
	g_free(out);
	g_free(cursor_file);
	return teardown(&c, status);
}

int
cmd_subscriber(int argc, char **argv)
{
	gboolean json = FALSE;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "one JSON object instead of text", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	struct cmd c;
	char      *cause = NULL;
	int        status, found = 0;

	status = setup(&c,
	    "ADDRESS - an address's state and "
	    "history",
	    entries, &argc, &argv);
	if (status == EX_OK && argc != 2) {
		fprintf(stderr,
		    "usage: rebound subscriber [--json] --config FILE "
		    "ADDRESS\n");
		status = EX_USAGE;
	}
	if (status == EX_OK)
		status = connect_db(&c);
	if (status != EX_OK)
		return teardown(&c, status);
	if (db_subscriber(c.db, argv[1], stdout, json ? DB_JSON : DB_TEXT,
		&found, &cause) < 0)
		status = failed(&c, cause);
	else if (!found) {
		log_error("%s: never seen in a bounce", argv[1]);
		status = EX_NOINPUT;
	}
	return teardown(&c, status);
}

int
cmd_sent(int argc, char **argv)
{
	char  *list = NULL, *id = NULL, *at = NULL, *at_t = NULL;
	char  *cause = NULL;
	gint64 count = -1;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "list", 'l', 0, G_OPTION_ARG_STRING, &list,
		  "the list that sent it", "NAME" },
		{ "id", 0, 0, G_OPTION_ARG_STRING, &id,
		  "the send's id, as the returned original names it (the "
		  "send_header's value, or its Message-ID)", "ID" },
		{ "count", 0, 0, G_OPTION_ARG_INT64, &count,
		  "how many recipients it went to", "N" },
		{ "at", 0, 0, G_OPTION_ARG_STRING, &at,
		  "when it was sent (default: now)", "TIME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	struct cmd c;
	int        status, created = 0;

	status = setup(&c,
	    "- record a send of a list, so that soft bounces count per send",
	    entries, &argc, &argv);
	if (status == EX_OK && (list == NULL || id == NULL || argc > 1)) {
		fprintf(stderr,
		    "usage: rebound sent --list NAME --id ID [--count N] "
		    "[--at TIME] --config FILE\n");
		status = EX_USAGE;
	}
	if (status == EX_OK && at != NULL && (at_t = when(at)) == NULL) {
		log_error("--at takes YYYY-MM-DD or an ISO 8601 time");
		status = EX_USAGE;
	}
	if (status == EX_OK && id[0] == '<' && strlen(id) > 2 &&
	    id[strlen(id) - 1] == '>') {
		/* a Message-ID, as the parser keeps it: without <> */
		memmove(id, id + 1, strlen(id));
		id[strlen(id) - 1] = '\0';
	}
	if (status == EX_OK && count < -1) {
		log_error("--count takes a number of recipients");
		status = EX_USAGE;
	}
	if (status == EX_OK)
		status = connect_db(&c);
	if (status == EX_OK)
		status = resolve_list(&c, &list);
	if (status == EX_OK &&
	    db_sent(c.db, list, id, at_t, (long)count, &created, &cause) < 0)
		status = failed(&c, cause);
	else if (status == EX_OK)
		printf("%s send %s of %s\n", created ? "recorded" : "updated",
		    id, list);
	g_free(list);
	g_free(id);
	g_free(at);
	g_free(at_t);
	return teardown(&c, status);
}

int
cmd_deliver(int argc, char **argv)
{
	gboolean requeue = FALSE;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "requeue", 0, 0, G_OPTION_ARG_NONE, &requeue,
		  "first make the refused notifications due again", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	struct cmd           c;
	struct cmd_delivered d;
	char                *cause = NULL;
	unsigned             n = 0;
	int                  status;

	status = setup(&c, "- deliver the outbox to the [notify] connectors",
	    entries, &argc, &argv);
	if (status == EX_OK && argc > 1) {
		log_error("unexpected argument '%s'", argv[1]);
		status = EX_USAGE;
	}
	if (status == EX_OK)
		status = connect_db(&c);
	if (status != EX_OK)
		return teardown(&c, status);
	if (requeue) {
		if (db_outbox_requeue(c.db, &n, &cause) < 0)
			return teardown(&c, failed(&c, cause));
		printf("%u refused notification%s due again\n", n,
		    n == 1 ? "" : "s");
	}
	status = cmd_outbox_deliver(c.cfg, c.db, &d);
	printf("%u delivered, %u waiting, %u refused\n", d.delivered, d.waiting,
	    d.refused);
	if (status == EX_OK && d.waiting + d.refused > 0)
		status = EX_TEMPFAIL; /* cron and systemd see it */
	return teardown(&c, status);
}

/* when - s as a time for --since and --until: a date YYYY-MM-DD (its
 * midnight, UTC) or an ISO 8601 time with a zone; "...Z" (g_free), or
 * NULL when it is neither */
static char *
when(const char *s)
{
	GDateTime *t = NULL;
	char      *out = NULL;

	if (valid_date(s)) {
		char *iso = g_strdup_printf("%sT00:00:00Z", s);
		t = g_date_time_new_from_iso8601(iso, NULL);
		g_free(iso);
	} else
		t = g_date_time_new_from_iso8601(s, NULL);
	if (t != NULL) {
		GDateTime *u = g_date_time_to_utc(t);
		out = g_date_time_format(u, "%Y-%m-%dT%H:%M:%SZ");
		g_date_time_unref(u);
		g_date_time_unref(t);
	}
	return out;
}

int
cmd_unsuppress(int argc, char **argv)
{
	char    *list = NULL, *rule = NULL, *reason = NULL, *domain = NULL;
	char    *since = NULL, *until = NULL, *cause = NULL;
	char    *since_t = NULL, *until_t = NULL;
	gboolean dry_run = FALSE;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "list", 'l', 0, G_OPTION_ARG_STRING, &list,
		  "only on this list (default: everywhere, global included)",
		  "NAME" },
		{ "rule", 0, 0, G_OPTION_ARG_STRING, &rule,
		  "only those the rule RULE decided (rebound subscriber, "
		  "rebound parse --why name it)", "RULE" },
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
		  "only those for this reason (userunknown, ...)", "REASON" },
		{ "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
		  "only addresses at this domain", "DOMAIN" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since,
		  "only those begun at or after TIME", "TIME" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until,
		  "only those begun before TIME", "TIME" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "list what would end, change nothing", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	const struct config_hooks *h;
	struct db_hooks            hooks = { NULL, NULL, NULL };
	struct db_unsuppress       u;
	struct cmd                 c;
	unsigned                   ended = 0, left = 0;
	int                        status;

	status = setup(&c,
	    "[ADDRESS] - end suppressions: one address's, or every one the "
	    "options select (--dry-run first)",
	    entries, &argc, &argv);
	if (status == EX_OK &&
	    (argc > 2 ||
		(argc < 2 && rule == NULL && reason == NULL && domain == NULL &&
		    since == NULL && until == NULL))) {
		fprintf(stderr,
		    "usage: rebound unsuppress [--list NAME] [--dry-run] "
		    "--config FILE ADDRESS\n"
		    "       rebound unsuppress [--list NAME] [--rule RULE] "
		    "[--reason REASON] [--domain DOMAIN] [--since TIME] "
		    "[--until TIME] [--dry-run] --config FILE\n"
		    "(a bulk unsuppress needs at least one of --rule, "
		    "--reason, --domain, --since, --until)\n");
		status = EX_USAGE;
	}
	if (status == EX_OK &&
	    ((since != NULL && (since_t = when(since)) == NULL) ||
		(until != NULL && (until_t = when(until)) == NULL))) {
		log_error("--since and --until take YYYY-MM-DD or an ISO 8601 "
			  "time (2026-03-01T12:00:00Z)");
		status = EX_USAGE;
	}
	if (status == EX_OK)
		status = connect_db(&c);
	if (status == EX_OK)
		status = resolve_list(&c, &list);
	if (status != EX_OK)
		goto out;
	memset(&u, 0, sizeof(u));
	u.address = argc == 2 ? argv[1] : NULL;
	u.list = list;
	u.rule = rule;
	u.reason = reason;
	u.domain = domain;
	u.since = since_t;
	u.until = until_t;
	u.dry_run = dry_run;
	h = config_hooks(c.cfg);
	hooks.on_unsuppress = h->on_unsuppress;
	cmd_outbox_setup(c.cfg, c.db);
	if (db_set_hooks(c.db, &hooks, &cause) < 0 ||
	    db_unsuppress(c.db, &u, stdout, &ended, &left, &cause) < 0) {
		status = failed(&c, cause);
		goto out;
	}
	if (ended == 0) {
		log_error("%s%s%s", u.address != NULL ? u.address : "nothing",
		    u.address != NULL ? " is not suppressed" : " matches",
		    list != NULL ? " on that list" : "");
		status = EX_DATAERR;
		goto out;
	}
	printf("%s%u suppression%s %s\n", dry_run ? "would end " : "", ended,
	    ended == 1 ? "" : "s", dry_run ? "(nothing changed)" : "ended");
	if (!dry_run) {
		/* committed: the connectors hear of it now, or next run */
		struct cmd_delivered d;
		(void)cmd_outbox_deliver(c.cfg, c.db, &d);
	}
	if (left > 0)
		log_error(
		    "%s is still suppressed %u "
		    "time%s elsewhere (a complaint is global: unsuppress without "
		    "--list)",
		    u.address, left, left == 1 ? "" : "s");
out:
	g_free(list);
	g_free(rule);
	g_free(reason);
	g_free(domain);
	g_free(since);
	g_free(until);
	g_free(since_t);
	g_free(until_t);
	return teardown(&c, status);
}
