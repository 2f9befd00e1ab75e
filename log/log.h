/*
 * log.h - every message of rebound that a person may read, through GLib's
 * structured logging: to the journal (with fields) when stderr is
 * connected to it, as under systemd, else one line on stderr:
 *
 *     rebound run: mailbox bounces: 12 messages stored
 *     rebound run: warning: 3 blocks from blocky.example
 *
 * The whole public interface of log/, the lowest folder: every other one
 * may call it.  Levels follow Postfix's msg_info / msg_warn / msg_error:
 * error is why a command or a mailbox failed, warning is something an
 * operator should look at, info is what a run did (the summary lines),
 * debug is per message (-v).  A command's usage text and the progress
 * line on a terminal are not messages: they are printed as they are.
 */
#ifndef REBOUND_LOG_H
#define REBOUND_LOG_H

#include <glib.h>

/* log_init - install the writer; prog names the program in every line
 * ("rebound parse"; copied); may be called again to rename it */
void log_init(const char *prog);

/* log_verbosity - -1 (-q: warnings and errors only), 0 (also info, the
 * default), 1 (-v: also debug) */
void log_verbosity(int verbosity);

/*
 * log_msg - one message at level (G_LOG_LEVEL_INFO, _WARNING, _DEBUG,
 * _CRITICAL for errors) with journal fields: MAILBOX, UID, RECIPIENT,
 * CLASS (any may be NULL)
 */
void log_msg(GLogLevelFlags level, const char *mailbox, const char *uid,
    const char *recipient, const char *cls, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

/* log_error, log_warn, log_info, log_debug - log_msg() without fields */
#define log_error(...) \
	log_msg(G_LOG_LEVEL_CRITICAL, NULL, NULL, NULL, NULL, __VA_ARGS__)
#define log_warn(...) \
	log_msg(G_LOG_LEVEL_WARNING, NULL, NULL, NULL, NULL, __VA_ARGS__)
#define log_info(...) \
	log_msg(G_LOG_LEVEL_INFO, NULL, NULL, NULL, NULL, __VA_ARGS__)
#define log_debug(...) \
	log_msg(G_LOG_LEVEL_DEBUG, NULL, NULL, NULL, NULL, __VA_ARGS__)

#endif /* REBOUND_LOG_H */
