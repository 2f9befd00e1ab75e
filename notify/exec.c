/*
 * exec.c - the exec kind: run the configured program (argv from the
 * configuration, no shell) with the notification's JSON on standard
 * input, in a bare environment, within the timeout.  Exit status 0 is
 * delivered, 75 (EX_TEMPFAIL) or no exit within the timeout is tried
 * again, anything else is refused (sysexits.h, as a mail delivery agent).
 * GLib's GSubprocess does the plumbing.
 */
#include <sysexits.h>

#include <gio/gio.h>
#include <glib.h>

#include "internal.h"

/* One run of the program, driven by a main context of its own. */
struct child {
	int     done;
	char   *err_out; /* its standard error */
	GError *error;
};

/* finished - the communicate call is over */
static void
finished(GObject *o, GAsyncResult *res, gpointer arg)
{
	struct child *ch = arg;

	g_subprocess_communicate_utf8_finish(G_SUBPROCESS(o), res, NULL,
	    &ch->err_out, &ch->error);
	ch->done = 1;
}

/* too_long - the timeout source: stop waiting */
static gboolean
too_long(gpointer arg)
{
	*(int *)arg = 1;
	return G_SOURCE_REMOVE;
}

static int
exec_open(const struct config_notify *c, void **state, char **cause)
{
	(void)c;
	(void)cause;
	*state = NULL;
	return 0;
}

static enum notify_result
exec_send(void *state, const struct config_notify *c,
    const struct notify_msg *m, char **error)
{
	/* clang-format off */
	static const char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
	    "LANG=C.UTF-8", NULL };
	/* clang-format on */
	GMainContext        *ctx = g_main_context_new();
	GSubprocessLauncher *l = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
	    G_SUBPROCESS_FLAGS_STDERR_PIPE);
	GSubprocess       *p;
	GSource           *t;
	GError            *err = NULL;
	struct child       ch = { 0, NULL, NULL };
	int                late = 0;
	enum notify_result r;
	char              *said;

	(void)state;
	*error = NULL;
	g_subprocess_launcher_set_environ(l, (char **)env);
	g_main_context_push_thread_default(ctx);
	p = g_subprocess_launcher_spawnv(l, (const char *const *)c->argv, &err);
	if (p == NULL) {
		*error = g_strdup_printf("%s: %s", c->argv[0], err->message);
		g_error_free(err);
		r = NOTIFY_RETRY;
		goto out;
	}
	g_subprocess_communicate_utf8_async(p, m->body, NULL, finished, &ch);
	t = g_timeout_source_new_seconds(c->timeout);
	g_source_set_callback(t, too_long, &late, NULL);
	g_source_attach(t, ctx);
	while (!ch.done && !late)
		g_main_context_iteration(ctx, TRUE);
	g_source_destroy(t);
	g_source_unref(t);
	if (!ch.done) {
		g_subprocess_force_exit(p);
		while (!ch.done)
			g_main_context_iteration(ctx, TRUE);
		*error = g_strdup_printf("%s: no exit within %u s: killed; "
					 "tried again later",
		    c->argv[0], c->timeout);
		r = NOTIFY_RETRY;
	} else {
		/* its exit status decides, even when it did not read all of
		 * its input (ch.error: a broken pipe) */
		g_subprocess_wait(p, NULL, NULL);
		said = notify_printable(ch.err_out, 200);
		if (g_subprocess_get_if_exited(p) &&
		    g_subprocess_get_exit_status(p) == 0)
			r = NOTIFY_DELIVERED;
		else {
			int st = g_subprocess_get_if_exited(p)
			    ? g_subprocess_get_exit_status(p)
			    : -1;
			r = st == EX_TEMPFAIL || st < 0 ? NOTIFY_RETRY
							: NOTIFY_REFUSED;
			*error = st >= 0
			    ? g_strdup_printf("%s exited %d%s%s", c->argv[0],
				  st, said[0] != '\0' ? ": " : "", said)
			    : g_strdup_printf("%s was killed by signal %d",
				  c->argv[0], g_subprocess_get_term_sig(p));
		}
		g_free(said);
	}
	g_object_unref(p);
out:
	if (ch.error != NULL)
		g_error_free(ch.error);
	g_free(ch.err_out);
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	g_object_unref(l);
	return r;
}

static void
exec_close(void *state)
{
	(void)state;
}

const struct notify_ops notify_exec_ops = { exec_open, exec_send, exec_close };
