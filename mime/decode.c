/*
 * decode.c - what parts and fields carry, as UTF-8 text: a leaf part's
 * bytes, a text part in its charset (or the one it should have
 * declared), ISO-2022-JP, HTML stripped to text, RFC 6533 addresses.
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "internal.h"

/* unicode_decode - undo RFC 6533 \x{HHHH} escapes (code points) in place;
 * the UTF-8 form is never longer than the escape */
static void
unicode_decode(char *s)
{
	char *w = s;

	while (*s != '\0') {
		char    *end;
		gunichar c;

		if (s[0] == '\\' && (s[1] == 'x' || s[1] == 'X') &&
		    s[2] == '{' && (end = strchr(s, '}')) != NULL &&
		    end - s <= 9 && end - s >= 4) {
			c = (gunichar)strtoul(s + 3, NULL, 16);
			if (g_unichar_validate(c) && c != 0) {
				w += g_unichar_to_utf8(c, w);
				s = end + 1;
				continue;
			}
		}
		*w++ = *s++;
	}
	*w = '\0';
}

/* decode_lower - g_utf8_strdown(s, n), without its Unicode tables for
 * the common case of plain ASCII (where the two agree byte for byte) */
char *
decode_lower(const char *s, gssize n)
{
	size_t len = n < 0 ? strlen(s) : (size_t)n, i;

	for (i = 0; i < len && s[i] != '\0'; i++)
		if ((unsigned char)s[i] >= 0x80)
			return g_utf8_strdown(s, n);
	return g_ascii_strdown(s, (gssize)i);
}

/* decode_address - the address in "rfc822; <a@b>" style values; g_free() */
char *
decode_address(const char *v)
{
	const char *semi = strchr(v, ';');
	char       *a, *p;
	int         utf8;

	/* Only RFC 6533 "utf-8" addresses are decoded: RFC 3461 xtext
	 * (+HH) is not undone, as real reports carry plain addresses whose
	 * '+' (VERP, subaddresses) it would corrupt. */
	utf8 = semi != NULL && g_ascii_strncasecmp(v, "utf-8", 5) == 0;
	a = g_strdup(semi != NULL ? semi + 1 : v);
	g_strstrip(a);
	if (utf8)
		unicode_decode(a);
	/* a display name before the address: '"Dana" <dana@example.net>' */
	if ((p = strchr(a, '<')) != NULL && p != a && strchr(p, '@') != NULL &&
	    strchr(p, '>') != NULL)
		memmove(a, p, strlen(p) + 1);
	/* strip <> and anything after the address (comments, spaces) */
	p = a;
	while (*p == '<' || *p == '"' || *p == ' ')
		p++;
	memmove(a, p, strlen(p) + 1);
	p = strpbrk(a, "> \t()");
	if (p != NULL)
		*p = '\0';
	/* a source route, "@relay,@relay2:user@host": RFC 5321 4.1.1.3
	 * says to ignore it */
	if (a[0] == '@' && (p = strchr(a, ':')) != NULL && strchr(p, '@'))
		memmove(a, p + 1, strlen(p + 1) + 1);
	if (strchr(a, '@') == NULL && a[0] == '\0') {
		g_free(a);
		return NULL;
	}
	p = decode_lower(a, -1);
	g_free(a);
	return p;
}

/* jis_decode - convert text holding ISO-2022-JP escapes to UTF-8 (Japanese
 * MTAs send it without, or with a wrong, charset parameter, and put it in
 * delivery-status fields too); takes and returns a g_malloc()ed string */
static char *
jis_decode(char *t)
{
	char *u;

	if (t == NULL || strstr(t, "\033$B") == NULL)
		return t;
	u = g_convert(t, -1, "UTF-8", "ISO-2022-JP", NULL, NULL, NULL);
	if (u == NULL)
		return t;
	g_free(t);
	return u;
}

/* content_of - the decoded content of a leaf part in a memory stream
 * (g_object_unref), or NULL when it has none */
static GMimeStream *
content_of(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream      *mem;

	if (w == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	return mem;
}

/* decode_part_bytes - append the decoded content of a leaf part, at most max
 * bytes of it; returns 1 when the part was longer (and so was cut) */
int
decode_part_bytes(GMimePart *part, GString *out, size_t max)
{
	GMimeStream *mem = content_of(part);
	GByteArray  *ba;
	int          cut;

	if (mem == NULL)
		return 0;
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	cut = ba->len > max;
	if (ba->len > 0 && memchr(ba->data, '\033', ba->len) != NULL) {
		char *t = jis_decode(
		    g_strndup((const char *)ba->data, MIN(ba->len, max)));
		g_string_append(out, t);
		g_free(t);
	} else
		g_string_append_len(out, (const char *)ba->data,
		    (gssize)MIN(ba->len, max));
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_object_unref(mem);
	return cut;
}

/* decode_utf8 - g_mime_text_part_get_text() of a part: its text converted
 * from its charset to UTF-8.  A part that says it is UTF-8 and is, the
 * common case, is copied as it is: GMime would set up an iconv converter
 * (a module lookup in glibc: 3% of all the time a bounce took) to turn
 * UTF-8 into the same bytes. */
char *
decode_utf8(GMimeObject *obj)
{
	const char *cs =
	    g_mime_object_get_content_type_parameter(obj, "charset");
	GMimeStream *mem;
	GByteArray  *ba;
	char        *t = NULL;

	if (cs == NULL ||
	    (g_ascii_strcasecmp(cs, "utf-8") != 0 &&
		g_ascii_strcasecmp(cs, "utf8") != 0))
		return g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	if ((mem = content_of(GMIME_PART(obj))) == NULL)
		return NULL;
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	/* valid, and so without a NUL: what the converter would give; the
	 * bytes are taken from the stream, NUL-terminated, as GMime does */
	if (g_utf8_validate((const char *)ba->data, (gssize)ba->len, NULL)) {
		g_byte_array_append(ba, (const guint8 *)"", 1);
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
		t = (char *)g_byte_array_free(ba, FALSE);
	}
	g_object_unref(mem);
	return t != NULL ? t : g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
}

/* decode_part_text - the text of a text part in UTF-8.  A part that declares
 * US-ASCII (or nothing) yet carries 8-bit bytes is common in bounces
 * (an MTA pastes the receiver's reply in whatever it got); GMime would drop
 * those bytes, so such a part is read as UTF-8 when it is valid UTF-8 and
 * as Windows-1252 (a superset of Latin-1) otherwise. */
char *
decode_part_text(GMimeObject *obj)
{
	const char *cs =
	    g_mime_object_get_content_type_parameter(obj, "charset");
	GString *raw;
	char    *t;

	if (cs != NULL && g_ascii_strcasecmp(cs, "us-ascii") != 0 &&
	    g_ascii_strcasecmp(cs, "ascii") != 0)
		return jis_decode(decode_utf8(obj));
	raw = g_string_new(NULL);
	(void)decode_part_bytes(GMIME_PART(obj), raw, MIME_MAX_TEXT + 1);
	if (g_utf8_validate(raw->str, (gssize)raw->len, NULL))
		return g_string_free(raw, FALSE);
	t = g_convert(raw->str, (gssize)raw->len, "UTF-8", "WINDOWS-1252", NULL,
	    NULL, NULL);
	if (t == NULL)
		t = g_utf8_make_valid(raw->str, (gssize)raw->len);
	g_string_free(raw, TRUE);
	return t;
}

/* decode_html - crude tag strip for HTML-only notifications */
void
decode_html(const char *html, GString *out)
{
	static const struct {
		const char *ent;
		char        c;
	} ents[] = {
		{ "&lt;", '<' },
		{ "&gt;", '>' },
		{ "&amp;", '&' },
		{ "&nbsp;", ' ' },
		{ "&quot;", '"' },
		{ "&#39;", '\'' },
	};
	const char *p = html;
	size_t      i;
	int         intag = 0;

	while (*p != '\0' && out->len < MIME_MAX_TEXT) {
		if (intag) {
			if (*p == '>')
				intag = 0;
			p++;
			continue;
		}
		if (*p == '<') {
			if (g_ascii_strncasecmp(p, "<br", 3) == 0 ||
			    g_ascii_strncasecmp(p, "<p", 2) == 0 ||
			    g_ascii_strncasecmp(p, "</p", 3) == 0 ||
			    g_ascii_strncasecmp(p, "<div", 4) == 0 ||
			    g_ascii_strncasecmp(p, "<tr", 3) == 0 ||
			    g_ascii_strncasecmp(p, "</td", 4) == 0)
				g_string_append_c(out, '\n');
			intag = 1;
			p++;
			continue;
		}
		if (*p == '&') {
			for (i = 0; i < G_N_ELEMENTS(ents); i++)
				if (strncmp(p, ents[i].ent,
					strlen(ents[i].ent)) == 0)
					break;
			if (i < G_N_ELEMENTS(ents)) {
				g_string_append_c(out, ents[i].c);
				p += strlen(ents[i].ent);
				continue;
			}
		}
		g_string_append_c(out, *p++);
	}
	g_string_append_c(out, '\n');
}
