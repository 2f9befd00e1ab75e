/*
 * mbox.c - cut an mbox file (mboxo or mboxrd) into messages.
 *
 * Written here rather than with GMime's mbox mode because the worker
 * needs each message's raw bytes (for its fingerprint and for quarantine),
 * which GMime's mbox parser does not hand back.  Both mboxo and mboxrd
 * quoting are undone (">From " at a line start loses one '>').
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "internal.h"

/* mbox_is - does the file start with an mbox "From " line? */
int
mbox_is(const char *path)
{
	char  buf[5];
	FILE *f = fopen(path, "rb");
	int   yes;

	if (f == NULL)
		return 0;
	yes = fread(buf, 1, 5, f) == 5 && memcmp(buf, "From ", 5) == 0;
	fclose(f);
	return yes;
}

/* mbox_open - map the mbox at path (s zeroed or closed first); 0 or -1
 * with *cause set */
int
mbox_open(struct mbox *s, const char *path, char **cause)
{
	GError *err = NULL;

	s->map = g_mapped_file_new(path, FALSE, &err);
	if (s->map == NULL) {
		*cause = g_strdup_printf("%s: %s", path, err->message);
		g_error_free(err);
		return -1;
	}
	g_free(s->path);
	s->path = g_strdup(path);
	s->count = 0;
	s->pos = g_mapped_file_get_contents(s->map);
	s->end = s->pos + g_mapped_file_get_length(s->map);
	/* old Mac files end lines with a lone CR: no LF in the first
	 * 64 KiB but a CR */
	{
		size_t n = MIN((size_t)(s->end - s->pos), 65536);
		s->eol = memchr(s->pos, '\n', n) == NULL &&
			memchr(s->pos, '\r', n) != NULL
		    ? '\r'
		    : '\n';
	}
	return 0;
}

/* mbox_close - unmap; s can be opened again */
void
mbox_close(struct mbox *s)
{
	if (s->map != NULL)
		g_mapped_file_unref(s->map);
	g_free(s->path);
	memset(s, 0, sizeof(*s));
}

/* from_line - does the line at p (before end) separate two messages of an
 * mbox: "From SENDER DATE", the date in ctime form ("Mon Nov  2 ...") or
 * starting with a digit?  A body line that merely starts with "From " (an
 * unquoted "From the desk of ...", as in a saved .eml) does not. */
static int
from_line(const char *p, const char *end)
{
	static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
		"Sun" };
	size_t             i;

	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	p += 5;
	while (p < end && *p != ' ' && *p != '\n' && *p != '\r') /* sender */
		p++;
	while (p < end && *p == ' ')
		p++;
	if (p < end && g_ascii_isdigit(*p))
		return 1;
	for (i = 0; i < G_N_ELEMENTS(days); i++)
		if (end - p > 3 && memcmp(p, days[i], 3) == 0 &&
		    (p[3] == ' ' || p[3] == ','))
			return 1;
	return 0;
}

/* mbox_next - cut the next message out of the mapped mbox */
int
mbox_next(struct mbox *s, size_t max_size, struct source_msg *m)
{
	const char *start, *p, *stop;
	GString    *body;

	if (s->pos >= s->end)
		return 0;
	/* skip the "From " separator line */
	start = memchr(s->pos, s->eol, (size_t)(s->end - s->pos));
	start = start != NULL ? start + 1 : s->end;
	/* the message runs to the next separator line */
	for (p = start; p < s->end; p++) {
		p = memchr(p, s->eol, (size_t)(s->end - p));
		if (p == NULL) {
			p = s->end;
			break;
		}
		if (from_line(p + 1, s->end)) {
			p++;
			break;
		}
	}
	stop = p > s->end ? s->end : p;
	s->pos = stop;
	s->count++;
	m->name = g_strdup_printf("%s:%u", s->path, s->count);
	m->seq = s->count;
	if ((size_t)(stop - start) > max_size) {
		m->error = source_too_large((size_t)(stop - start), max_size);
		return 1;
	}
	body = g_string_sized_new((gsize)(stop - start) + 1);
	for (p = start; p < stop;) {
		const char *eol = memchr(p, s->eol, (size_t)(stop - p));
		const char *q = p;
		eol = eol != NULL ? eol + 1 : stop;
		while (q < eol && *q == '>')
			q++;
		if (q > p && eol - q >= 5 && memcmp(q, "From ", 5) == 0)
			p++; /* unquote one level */
		g_string_append_len(body, p, eol - p);
		p = eol;
	}
	m->len = body->len;
	m->data = g_string_free(body, FALSE);
	return 1;
}
