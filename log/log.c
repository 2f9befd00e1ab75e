/*
 * log.c - a GLib log writer: the journal when stderr is connected to it,
 * else "PROG: [warning: ]MESSAGE" on stderr.  GLib's own g_warning() and
 * g_debug() (from GLib, GMime) come through the same writer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"

static int  verbosity;
static char prog[64] = "rebound";

/* writer - GLogWriterFunc: filter by verbosity, then journal or stderr */
static GLogWriterOutput
writer(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
	const char *msg = NULL, *prefix = "";
	gsize       i;

	if ((level & G_LOG_LEVEL_DEBUG) && verbosity < 1)
		return G_LOG_WRITER_HANDLED;
	if ((level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_MESSAGE)) && verbosity < 0)
		return G_LOG_WRITER_HANDLED;
	if (g_log_writer_is_journald(fileno(stderr)) &&
	    g_log_writer_journald(level, fields, n, data) ==
		G_LOG_WRITER_HANDLED)
		return G_LOG_WRITER_HANDLED;
	for (i = 0; i < n; i++)
		if (strcmp(fields[i].key, "MESSAGE") == 0)
			msg = fields[i].value;
	/* an error reads as a command's own complaint always has:
	 * "rebound parse: no PATH given" */
	if (level & G_LOG_LEVEL_WARNING)
		prefix = "warning: ";
	fprintf(stderr, "%s: %s%s\n", prog, prefix, msg != NULL ? msg : "");
	return G_LOG_WRITER_HANDLED;
}

void
log_init(const char *name)
{
	static int installed;

	g_strlcpy(prog, name, sizeof(prog));
	if (!installed)
		g_log_set_writer_func(writer, NULL, NULL);
	installed = 1;
}

void
log_verbosity(int v)
{
	verbosity = v;
}

/* escape - s with every control character written as \\n, \\r, \\t or
 * \\xHH (g_free): a line of the log is one line whatever a message, an
 * address or a mailbox's name held */
static char *
escape(const char *s)
{
	GString *out;

	if (s == NULL)
		return NULL;
	out = g_string_sized_new(strlen(s));
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			g_string_append(out, "\\n");
		else if (c == '\r')
			g_string_append(out, "\\r");
		else if (c == '\t')
			g_string_append(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\x%02x", c);
		else
			g_string_append_c(out, (char)c);
	}
	return g_string_free(out, FALSE);
}

void
log_msg(GLogLevelFlags level, const char *mailbox, const char *uid,
    const char *recipient, const char *cls, const char *fmt, ...)
{
	GLogField f[7];
	gsize     n = 0;
	va_list   ap;
	char     *raw, *msg, *mb, *u, *rc;

	va_start(ap, fmt);
	raw = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	msg = escape(raw);
	mailbox = mb = escape(mailbox);
	uid = u = escape(uid);
	recipient = rc = escape(recipient);
	f[n++] = (GLogField){ "MESSAGE", msg, -1 };
	f[n++] = (GLogField){ "GLIB_DOMAIN", "rebound", -1 };
	f[n++] = (GLogField){ "PRIORITY",
		(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) ? "3"
		    : (level & G_LOG_LEVEL_WARNING)                  ? "4"
		    : (level & G_LOG_LEVEL_DEBUG)                    ? "7"
								     : "6",
		-1 };
	if (mailbox != NULL)
		f[n++] = (GLogField){ "MAILBOX", mailbox, -1 };
	if (uid != NULL)
		f[n++] = (GLogField){ "UID", uid, -1 };
	if (recipient != NULL)
		f[n++] = (GLogField){ "RECIPIENT", recipient, -1 };
	if (cls != NULL)
		f[n++] = (GLogField){ "CLASS", cls, -1 };
	g_log_structured_array(level, f, n);
	g_free(raw);
	g_free(msg);
	g_free(mb);
	g_free(u);
	g_free(rc);
}
