/*
 * source.c - the operations of source.h that every kind shares: each
 * hands the call to the kind's table (internal.h), as fdm's fetch.c does.
 */
#include <string.h>

#include <glib.h>

#include "internal.h"

void
source_msg_clear(struct source_msg *m)
{
	g_free(m->data);
	g_free(m->name);
	g_free(m->uid);
	g_free(m->error);
	memset(m, 0, sizeof(*m));
}

void
source_close(struct source *s)
{
	if (s != NULL)
		s->ops->close(s);
}

int
source_next(struct source *s, struct source_msg *m, char **cause)
{
	source_msg_clear(m);
	*cause = NULL;
	return s->ops->next(s, m, cause);
}

int
source_ack(struct source *s, const struct source_msg *m,
    enum source_outcome outcome, char **cause)
{
	*cause = NULL;
	return s->ops->ack(s, m, outcome, cause);
}

int
source_commit(struct source *s, char **cause)
{
	*cause = NULL;
	return s->ops->commit(s, cause);
}

unsigned
source_total(const struct source *s)
{
	return s->total;
}

void
source_set_skip(struct source *s, source_skip_fn fn, void *arg)
{
	s->skip = fn;
	s->skip_arg = arg;
}

/* source_skipped - has the caller's skip function done this uid already? */
int
source_skipped(struct source *s, const char *uid)
{
	return s->skip != NULL && uid != NULL && s->skip(uid, s->skip_arg);
}

void
source_msg_set_data(struct source_msg *m, const char *data, size_t len)
{
	m->data = g_malloc(len + 1);
	memcpy(m->data, data, len);
	m->data[len] = '\0';
	m->len = len;
}

char *
source_too_large(unsigned long long size, size_t max)
{
	return g_strdup_printf("message too large (%llu bytes, limit %zu)",
	    size, max);
}

int
source_status(const struct source *s)
{
	return s->status;
}
