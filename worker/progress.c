/*
 * progress.c - a progress line on a terminal, for runs of thousands of
 * messages.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "run.h"

void
progress_start(struct progress *p, const char *name, unsigned total,
    int verbosity)
{
	memset(p, 0, sizeof(*p));
	p->on = total >= 1000 && verbosity >= 0 && isatty(STDERR_FILENO);
	p->name = name;
	p->total = total;
	p->t0 = p->last = g_get_monotonic_time();
}

void
progress_show(struct progress *p, unsigned done)
{
	gint64 now = g_get_monotonic_time();
	double secs, rate;

	if (!p->on || now - p->last < G_USEC_PER_SEC / 2)
		return;
	p->last = now;
	secs = (double)(now - p->t0) / 1e6;
	rate = secs > 0 ? done / secs : 0;
	fprintf(stderr, "\r%s: %u/%u messages, %.0f/s, %.0f s left\033[K",
	    p->name, done, p->total, rate,
	    rate > 0 && p->total > done ? (p->total - done) / rate : 0.0);
}

void
progress_end(struct progress *p)
{
	if (p->on)
		fprintf(stderr, "\r\033[K");
}
