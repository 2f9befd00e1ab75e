/*
 * verp.c - decode VERP return addresses.
 *
 * A list that sends with VERP puts the subscriber into the envelope sender:
 * bounces+alice=example.org@lists.example.com for alice@example.org.  The
 * bounce comes back to that address, so it names the subscriber even when
 * the report itself names no one.  A prefix with "{list}" in it
 * ("{list}-bounces", as Mailman sends) also names the list:
 * news-bounces+alice=example.org@lists.example.com is alice@example.org
 * on list news.  A signed return path carries a token after the domain,
 * news-bounces+alice=example.org+b7gxybma2zh@lists.example.com, which
 * bounce/proof.h checks.
 */
#include <string.h>

#include <glib.h>

#include "mime.h"

/* list_prefix - match the local part before the first delim against a
 * "{list}" prefix template; the start of the subscriber part, *list set
 * (g_free), or NULL */
static const char *
list_prefix(const char *addr, const char *at, const char *tmpl, char delim,
    char **list)
{
	const char *mark = strstr(tmpl, "{list}");
	const char *after = mark + strlen("{list}");
	const char *d = memchr(addr, delim, (size_t)(at - addr));
	size_t      before = (size_t)(mark - tmpl), alen = strlen(after), n;

	if (d == NULL)
		return NULL;
	n = (size_t)(d - addr);
	if (n <= before + alen ||
	    g_ascii_strncasecmp(addr, tmpl, before) != 0 ||
	    g_ascii_strncasecmp(d - alen, after, alen) != 0)
		return NULL;
	*list = g_ascii_strdown(addr + before, (gssize)(n - before - alen));
	return d + 1;
}

/* plain_list - is the whole local part [addr, at) the "{list}" template
 * with a list name in it and no subscriber part (news-bounces@..., as
 * Mailman 3 sends without personalisation)?  *list set (g_free) then. */
static int
plain_list(const char *addr, const char *at, const char *tmpl, char **list)
{
	const char *mark = strstr(tmpl, "{list}");
	const char *after = mark + strlen("{list}");
	size_t      before = (size_t)(mark - tmpl), alen = strlen(after),
	       n = (size_t)(at - addr);

	if (n <= before + alen ||
	    g_ascii_strncasecmp(addr, tmpl, before) != 0 ||
	    g_ascii_strncasecmp(at - alen, after, alen) != 0)
		return 0;
	for (const char *p = addr + before; p < at - alen; p++)
		if (!(g_ascii_isalnum(*p) || *p == '.' || *p == '-' ||
			*p == '_'))
			return 0;
	*list = g_ascii_strdown(addr + before, (gssize)(n - before - alen));
	return 1;
}

/* token_at - is [p, end) a signed VERP token: PROOF_TOKEN_LEN (11)
 * base32 characters, any case? (bounce/proof.h checks what it says) */
static int
token_at(const char *p, const char *end)
{
	if (end - p != 11)
		return 0;
	for (; p < end; p++)
		if (!g_ascii_isalpha(*p) && !(*p >= '2' && *p <= '7'))
			return 0;
	return 1;
}

char *
mime_verp_decode(const char *addr, const char *prefix, char delim, char **list,
    char **token)
{
	const char *at, *start, *eq, *d;
	char       *name = NULL;
	size_t      plen;

	if (list != NULL)
		*list = NULL;
	if (token != NULL)
		*token = NULL;
	if (addr == NULL || prefix == NULL)
		return NULL;
	while (*addr == '<' || *addr == ' ')
		addr++;
	at = strrchr(addr, '@');
	if (at == NULL || at == addr)
		return NULL;
	plen = strlen(prefix);
	if (strstr(prefix, "{list}") != NULL) {
		if ((start = list_prefix(addr, at, prefix, delim, &name)) ==
		    NULL) {
			if (list != NULL)
				plain_list(addr, at, prefix, list);
			return NULL;
		}
	} else if (plen > 0) {
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
	if (eq == NULL || eq == start || eq + 1 == at) {
		g_free(name);
		return NULL;
	}
	/* a signed return path ends in <delim>TOKEN after the domain */
	d = NULL;
	for (const char *p = eq + 1; p < at; p++)
		if (*p == delim)
			d = p;
	if (d != NULL && d > eq + 1 && token_at(d + 1, at)) {
		if (token != NULL)
			*token = g_ascii_strdown(d + 1, (gssize)(at - d - 1));
		at = d;
	}
	for (const char *p = eq + 1; p < at; p++)
		if (!(g_ascii_isalnum(*p) || *p == '.' || *p == '-')) {
			g_free(name);
			if (token != NULL) {
				g_free(*token);
				*token = NULL;
			}
			return NULL;
		}
	{
		char *local = g_strndup(start, (gsize)(eq - start));
		char *domain = g_strndup(eq + 1, (gsize)(at - eq - 1));
		char *out = g_strdup_printf("%s@%s", local, domain);
		char *lower = g_ascii_strdown(out, -1);

		g_free(local);
		g_free(domain);
		g_free(out);
		if (list != NULL)
			*list = name;
		else
			g_free(name);
		return lower;
	}
}
