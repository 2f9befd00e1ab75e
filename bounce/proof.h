/*
 * proof.h - proof that a report answers mail the list sent: signed VERP.
 *
 * The whole public interface of the proof module.  A list that sends with
 * signed VERP puts a token into each return path,
 *
 *     news-bounces+alice=example.org+bayzmrxqjfa@lists.example.com
 *
 * (proof_return_path()), and a bounce that comes back to that address
 * proves that it answers mail sent to alice@example.org on list news:
 * nobody without the key can make the token (proof_token_check()).
 *
 * The token is 11 characters of lower-case base32 (RFC 4648's alphabet,
 * read caselessly, so it survives an MTA that folds case):
 *
 *     K DD MMMMMMMM
 *     K  the key's id, 0-31, so keys can be rotated
 *     DD the day it was made, days since 1970-01-01 modulo 1024, so a
 *        token expires (as BATV's do) after a validity of days
 *     M  the first 40 bits of HMAC-SHA256(key, "rebound-verp-1" NUL list
 *        NUL address NUL K DD), list and address in lower case
 *
 * docs/signed-verp.md gives test vectors, for a list manager that
 * makes the tokens itself.  Pure: the clock is passed in.
 */
#ifndef REBOUND_PROOF_H
#define REBOUND_PROOF_H

#include <stddef.h>

#define PROOF_TOKEN_LEN    11 /* characters of a token */
#define PROOF_MIN_SECRET   16 /* bytes of a key, at least */
#define PROOF_MAX_KEY_ID   31
#define PROOF_DAY_MODULUS  1024 /* the day in a token wraps after this */
#define PROOF_MAX_VALIDITY 365  /* days a token may be accepted, at most */

/* What proves that a report answers mail the list sent. */
enum proof_kind {
	PROOF_NONE = 0, /* nothing: a stranger may have written it */
	PROOF_VERP,     /* it came back to a signed return path */
	PROOF_SECRET,   /* the returned original carries the subscriber's
			   secret (members_query with proof_header) */
	PROOF_FEED,     /* a complaint from a trusted feedback loop (or
			   the subscriber's own Apple unsubscribe), DKIM
			   checked by the operator's MTA */
	PROOF_OWN_MTA,  /* a bounce the list's own outbound MTA wrote
			   (own_mta_hosts) */
};

/* proof_kind_name - "none", "verp", "secret", "feed", "own-mta" */
const char *proof_kind_name(enum proof_kind);

/* One key: the first of a list signs, the others are still accepted. */
struct proof_key {
	unsigned    id;     /* 0..PROOF_MAX_KEY_ID, in the token */
	const char *secret; /* PROOF_MIN_SECRET bytes or more */
	size_t      len;
	int         until; /* last day (days since 1970-01-01) a token of
				   this key is accepted; -1: no end */
};

/*
 * proof_token - the token for address on list, made on day with key, into
 * out[PROOF_TOKEN_LEN + 1]; list and address are read caselessly
 */
void proof_token(const struct proof_key *key, const char *list,
    const char *address, int day, char out[PROOF_TOKEN_LEN + 1]);

/*
 * proof_token_check - is token a token of one of keys[0..n) for address on
 * list, made at most validity days before today (or one day after, for
 * clocks apart)?  0 when it is; -1 with *why (static) when not: no such
 * key, the key is retired, too old, does not match, not a token.
 */
int proof_token_check(const struct proof_key *keys, size_t n, const char *list,
    const char *address, const char *token, int today, unsigned validity,
    const char **why);

/*
 * proof_return_path - the signed return path for address on list:
 * LOCAL<delim>alocal=adomain<delim>TOKEN@domain, where LOCAL is prefix
 * with "{list}" replaced by the list's name (caller g_free()s), or NULL
 * when address is not local@domain
 */
char *proof_return_path(const struct proof_key *key, const char *prefix,
    char delim, const char *domain, const char *list, const char *address,
    int day);

#endif /* REBOUND_PROOF_H */
