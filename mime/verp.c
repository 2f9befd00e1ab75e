/*
 * verp.c - decode VERP return addresses.
 *
 * A list that sends with VERP puts the subscriber into the envelope sender:
 * bounces+alice=example.org@lists.example.com for alice@example.org.  The
 * bounce comes back to that address, so it names the subscriber even when
 * the report itself names no one.
 */
#include <string.h>

#include <glib.h>

#include "mime.h"

char *
mime_verp_decode(const char *addr, const char *prefix, char delim)
{
	const char *at, *start, *eq;
	size_t plen;

	if (addr == NULL || prefix == NULL)
		return NULL;
	while (*addr == '<' || *addr == ' ')
		addr++;
	at = strrchr(addr, '@');
	if (at == NULL || at == addr)
		return NULL;
	plen = strlen(prefix);
	if (plen > 0) {
		if ((size_t)(at - addr) <= plen ||
		    g_ascii_strncasecmp(addr, prefix, plen) != 0 ||
		    addr[plen] != delim)
			return NULL;
		start = addr + plen + 1;
	} else {
		start = memchr(addr, delim, (size_t)(at - addr));
		if (start == NULL)
			return NULL;
		start++;
	}
	/* The subscriber's own '=' never appears in a domain, so the last
	 * '=' before the '@' separates local part and domain. */
	eq = NULL;
	for (const char *p = start; p < at; p++)
		if (*p == '=')
			eq = p;
	if (eq == NULL || eq == start || eq + 1 == at)
		return NULL;
	for (const char *p = eq + 1; p < at; p++)
		if (!(g_ascii_isalnum(*p) || *p == '.' || *p == '-'))
			return NULL;
	{
		char *local = g_strndup(start, (gsize)(eq - start));
		char *domain = g_strndup(eq + 1, (gsize)(at - eq - 1));
		char *out = g_strdup_printf("%s@%s", local, domain);
		char *lower = g_ascii_strdown(out, -1);

		g_free(local);
		g_free(domain);
		g_free(out);
		return lower;
	}
}
