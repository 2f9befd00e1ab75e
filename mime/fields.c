/*
 * fields.c - split RFC 3464 / RFC 5965 field text into field groups.
 *
 * Written by hand rather than with GMime's header parser because real
 * delivery-status parts are often malformed in ways a header parser rejects
 * or silently merges: groups run together without a blank line, lines start
 * with spaces, values run past any sane length, line endings are CR only.
 * This parser is bounded (MIME_MAX_FIELD per value) and never fails.
 */
#include <ctype.h>
#include <string.h>

#include <glib.h>

#include "mime.h"

/* emit - trim and hand one complete field to the callback */
static void
emit(int group, GString *name, GString *value, mime_field_cb cb, void *arg)
{
	char *n, *v;

	if (name->len == 0)
		return;
	n = g_ascii_strdown(name->str, (gssize)name->len);
	v = g_strstrip(g_strdup(value->str));
	cb(group, g_strstrip(n), v, arg);
	g_free(n);
	g_free(v);
	g_string_truncate(name, 0);
	g_string_truncate(value, 0);
}

/* field_name_end - length of "Name:" at s (name chars then ':'), or 0 */
static size_t
field_name_end(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			return i > 0 ? i : 0;
		if (!(isalnum(c) || c == '-' || c == '_'))
			return 0;
	}
	return 0;
}

/* blank - is the line of l bytes at p empty or only spaces and tabs?
 * (the text is not NUL-terminated, so no strspn) */
static int
blank(const char *p, size_t l)
{
	size_t i;

	for (i = 0; i < l; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

void
mime_fields_parse(const char *text, size_t len, mime_field_cb cb, void *arg)
{
	GString    *name = g_string_new(NULL);
	GString    *value = g_string_new(NULL);
	const char *p = text, *end = text + len, *eol, *next;
	int         group = 0, group_has_fields = 0;
	size_t      n, l;

	while (p < end) {
		/* One line, whatever its ending: LF, CRLF or bare CR. */
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		next = eol;
		if (next < end && *next == '\r')
			next++;
		if (next < end && *next == '\n')
			next++;
		l = (size_t)(eol - p);

		if (blank(p, l)) {
			/* blank line: the group ends */
			emit(group, name, value, cb, arg);
			if (group_has_fields)
				group++;
			group_has_fields = 0;
		} else if ((*p == ' ' || *p == '\t') && name->len > 0) {
			/* continuation: unfold */
			while (l > 0 && (*p == ' ' || *p == '\t')) {
				p++;
				l--;
			}
			if (value->len < MIME_MAX_FIELD) {
				g_string_append_c(value, ' ');
				g_string_append_len(value, p,
				    (gssize)MIN(l,
					MIME_MAX_FIELD - value->len));
			}
		} else {
			while (l > 0 && (*p == ' ' || *p == '\t')) {
				p++;
				l--;
			}
			emit(group, name, value, cb, arg);
			n = field_name_end(p, l);
			if (n > 0) {
				g_string_append_len(name, p, (gssize)n);
				g_string_append_len(value, p + n + 1,
				    (gssize)MIN(l - n - 1, MIME_MAX_FIELD));
				group_has_fields = 1;
			}
		}
		p = next;
	}
	emit(group, name, value, cb, arg);
	g_string_free(name, TRUE);
	g_string_free(value, TRUE);
}
