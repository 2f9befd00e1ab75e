/*
 * log.h - messages of the rebound program, through GLib's structured
 * logging: to the journal (with fields) when stderr is connected to it,
 * as under systemd, else one line on stderr.
 *
 * The whole public interface of the log module.  Levels follow Postfix's
 * msg_info / msg_warn: info is what a run did (the summary lines), warning
 * is something an operator should look at, debug is per message (-v).
 * g_warning() and g_debug() elsewhere go through the same writer.
 */
#ifndef REBOUND_LOG_H
#define REBOUND_LOG_H

#include <glib.h>

/* log_init - install the writer; verbosity -1 (-q: warnings and errors
 * only), 0 (also info), 1 (-v: also debug) */
void	log_init(int verbosity);

/*
 * log_msg - one message at level (G_LOG_LEVEL_INFO, _WARNING, _DEBUG,
 * _CRITICAL for errors) with journal fields: MAILBOX, UID, RECIPIENT,
 * CLASS (any may be NULL)
 */
void	log_msg(GLogLevelFlags level, const char *mailbox, const char *uid,
	    const char *recipient, const char *cls, const char *fmt, ...)
	    G_GNUC_PRINTF(6, 7);

#endif /* REBOUND_LOG_H */
