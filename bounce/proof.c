/*
 * proof.c - signed VERP tokens: made with GLib's HMAC-SHA256, written in
 * RFC 4648 base32 (lower case), checked caselessly.
 */
#include <string.h>

#include <glib.h>

#include "proof.h"

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* b32_value - the value of a base32 character (any case), or -1 */
static int
b32_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b32, g_ascii_tolower(c));
	return p != NULL ? (int)(p - b32) : -1;
}

/* stamp - the key id and day characters of a token into out[3] */
static void
stamp(unsigned id, int day, char out[3])
{
	unsigned d =
	    (unsigned)(((day % PROOF_DAY_MODULUS) + PROOF_DAY_MODULUS) %
		PROOF_DAY_MODULUS);

	out[0] = b32[id & 31];
	out[1] = b32[(d >> 5) & 31];
	out[2] = b32[d & 31];
}

/* mac - the eight MAC characters for list, address and the three stamp
 * characters head, into out[8] */
static void
mac(const struct proof_key *key, const char *list, const char *address,
    const char head[3], char out[8])
{
	GHmac  *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)key->secret,
	     key->len);
	char   *l = g_ascii_strdown(list != NULL ? list : "", -1);
	char   *a = g_ascii_strdown(address, -1);
	guint8  digest[32];
	gsize   n = sizeof(digest);
	guint64 bits = 0;
	int     i;

	g_hmac_update(h, (const guchar *)"rebound-verp-1", 15); /* with NUL */
	g_hmac_update(h, (const guchar *)l, (gssize)strlen(l) + 1);
	g_hmac_update(h, (const guchar *)a, (gssize)strlen(a) + 1);
	g_hmac_update(h, (const guchar *)head, 3);
	g_hmac_get_digest(h, digest, &n);
	g_hmac_unref(h);
	for (i = 0; i < 5; i++)
		bits = bits << 8 | digest[i];
	for (i = 0; i < 8; i++)
		out[i] = b32[(bits >> (35 - 5 * i)) & 31];
	g_free(l);
	g_free(a);
}

const char *
proof_kind_name(enum proof_kind k)
{
	return k == PROOF_VERP   ? "verp"
	    : k == PROOF_SECRET  ? "secret"
	    : k == PROOF_FEED    ? "feed"
	    : k == PROOF_OWN_MTA ? "own-mta"
				 : "none";
}

void
proof_token(const struct proof_key *key, const char *list, const char *address,
    int day, char out[PROOF_TOKEN_LEN + 1])
{
	stamp(key->id, day, out);
	mac(key, list, address, out, out + 3);
	out[PROOF_TOKEN_LEN] = '\0';
}

int
proof_token_check(const struct proof_key *keys, size_t n, const char *list,
    const char *address, const char *token, int today, unsigned validity,
    const char **why)
{
	const struct proof_key *key = NULL;
	char                    head[3], want[8];
	int                     id, hi, lo, age;
	size_t                  i;

	*why = NULL;
	if (token == NULL || address == NULL ||
	    strlen(token) != PROOF_TOKEN_LEN) {
		*why = "no token";
		return -1;
	}
	for (i = 0; i < PROOF_TOKEN_LEN; i++)
		if (b32_value(token[i]) < 0) {
			*why = "not a token";
			return -1;
		}
	id = b32_value(token[0]);
	hi = b32_value(token[1]);
	lo = b32_value(token[2]);
	for (i = 0; i < n && key == NULL; i++)
		if (keys[i].id == (unsigned)id)
			key = &keys[i];
	if (key == NULL) {
		*why = "signed with a key not configured";
		return -1;
	}
	if (key->until >= 0 && today > key->until) {
		*why = "signed with a retired key";
		return -1;
	}
	/* the day it was made, as an age in days modulo the wrap */
	age =
	    ((today - (hi * 32 + lo)) % PROOF_DAY_MODULUS + PROOF_DAY_MODULUS) %
	    PROOF_DAY_MODULUS;
	if (age > (int)validity && age < PROOF_DAY_MODULUS - 1) {
		*why = "expired: older than its validity";
		return -1;
	}
	for (i = 0; i < 3; i++)
		head[i] = g_ascii_tolower(token[i]);
	mac(key, list, address, head, want);
	for (i = 0; i < 8; i++)
		if (g_ascii_tolower(token[3 + i]) != want[i]) {
			*why = "does not match the list and address";
			return -1;
		}
	return 0;
}

char *
proof_return_path(const struct proof_key *key, const char *prefix, char delim,
    const char *domain, const char *list, const char *address, int day)
{
	const char *at = strrchr(address, '@');
	char        token[PROOF_TOKEN_LEN + 1], *local, *lower, *out;
	GString    *p;

	if (at == NULL || at == address || at[1] == '\0')
		return NULL;
	proof_token(key, list, address, day, token);
	p = g_string_new(prefix);
	if (list != NULL)
		g_string_replace(p, "{list}", list, 0);
	lower = g_ascii_strdown(address, -1);
	local = g_strndup(lower, (gsize)(at - address));
	out = g_strdup_printf("%s%c%s=%s%c%s@%s", p->str, delim, local,
	    lower + (at - address) + 1, delim, token, domain);
	g_free(local);
	g_free(lower);
	g_string_free(p, TRUE);
	return out;
}
