/*
 * commands.h - the subcommands of the rebound program (worker/main.c
 * dispatches to them).  Each takes the arguments after its own name,
 * argv[0] being the subcommand, and returns a sysexits.h status.
 */
#ifndef REBOUND_COMMANDS_H
#define REBOUND_COMMANDS_H

#include <glib.h>

/* cmd_parse - `rebound parse [--jsonl] [--why] PATH...` */
int cmd_parse(int argc, char **argv);

/* cmd_run - `rebound run [--dry-run] --config FILE [--mailbox NAME]` */
int cmd_run(int argc, char **argv);

/* cmd_db - `rebound db migrate --config FILE` */
int cmd_db(int argc, char **argv);

/* cmd_verp - `rebound verp --list NAME ADDRESS...`: signed return paths */
int cmd_verp(int argc, char **argv);

/* cmd_explain - `rebound explain CODE-OR-TEXT` */
int cmd_explain(int argc, char **argv);

/* cmd_status - `rebound status [--json]` */
int cmd_status(int argc, char **argv);

/* cmd_report - `rebound report [--since 7d|DATE] [--until DATE] [--list N]
 * [--format text|json|html] [-o FILE] [--show-addresses]` */
int cmd_report(int argc, char **argv);

/* cmd_export - `rebound export [--format F] [--list N] [--since D]
 * [--scope S] [-o FILE]` */
int cmd_export(int argc, char **argv);

/* cmd_subscriber - `rebound subscriber [--json] ADDRESS` */
int cmd_subscriber(int argc, char **argv);

/* cmd_sent - `rebound sent --list NAME --id ID [--count N] [--at TIME]` */
int cmd_sent(int argc, char **argv);

/* cmd_deliver - `rebound deliver [--requeue]`: the outbox, now */
int cmd_deliver(int argc, char **argv);

/* cmd_unsuppress - `rebound unsuppress [--list NAME] ADDRESS` */
int cmd_unsuppress(int argc, char **argv);

/*
 * cmd_options - parse a command's options with ctx; argc and argv keep the
 * operands.  EX_OK, or EX_USAGE after GLib's message is logged
 * (cmd_parse.c, which parse_only links without main.c).
 */
int cmd_options(GOptionContext *ctx, int *argc, char ***argv);

struct config;
struct db;

/*
 * cmd_check_list - may a command be given list `name` (--list)?  Any name
 * with [policy] lists = any (the default), as a report may bring any;
 * with lists = configured only a declared name or alias, or a mailbox's
 * list.  EX_OK, or EX_USAGE after a message naming the lists
 * (cmd_parse.c).
 */
int cmd_check_list(struct config *, const char *name);

/* cmd_today - the commands' clock, days since the epoch (UTC);
 * REBOUND_TEST_TODAY=YYYY-MM-DD sets it for tests (cmd_parse.c) */
int cmd_today(void);

/* cmd_now - the time a report's dates are judged against (seconds since
 * the epoch): now, or the end of the test clock's day */
gint64 cmd_now(int today);
struct mime_options;
struct mime_report;
struct source_msg;

/*
 * cmd_read - parse a message a source handed out (cmd_parse.c).  Returns
 * its report (caller frees with mime_report_free()), or NULL with *why
 * (caller g_free()s) when it could not be read or parsed.  A report cut at
 * a bound is logged as a warning, naming mailbox (may be NULL) and m.
 */
struct mime_report *cmd_read(const struct source_msg *m,
    const struct mime_options *opts, const char *mailbox, char **why);

/*
 * cmd_open_db - connect to the configured [database] and check that it
 * has rebound's schema; NULL after an error logged (log.h) with *status
 * set (78 without conninfo or schema, 75 when the server is down)
 */
struct db *cmd_open_db(struct config *, int *status);

/* What cmd_outbox_deliver() did. */
struct cmd_delivered {
	unsigned delivered, waiting, refused;
};

/* cmd_outbox_setup - tell db which connectors ([notify NAME]) each
 * decision is written to the outbox for (deliver.c) */
void cmd_outbox_setup(struct config *, struct db *);

/*
 * cmd_outbox_deliver - deliver what is due in the outbox, in order per
 * connector and address, unless another rebound is doing it; a connector
 * that cannot be reached waits for the next run.  EX_OK, or EX_TEMPFAIL
 * when the database failed; failed deliveries are logged and retried
 * (deliver.c).
 */
int cmd_outbox_deliver(struct config *, struct db *, struct cmd_delivered *);

#endif /* REBOUND_COMMANDS_H */
