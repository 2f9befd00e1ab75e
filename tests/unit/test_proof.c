/*
 * test_proof.c - signed VERP tokens: the published test vectors (computed
 * with Python's hmac module, not with this code), expiry, key rotation,
 * case folding, forgeries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "mime.h"
#include "proof.h"

#define KEY1 "correct-horse-battery-staple"
#define KEY0 "an-older-key-still-accepted"
#define DAY  20454 /* 2026-01-01 */

static const struct proof_key keys[] = {
	{ 1, KEY1, sizeof(KEY1) - 1, -1 },
	{ 0, KEY0, sizeof(KEY0) - 1, DAY + 30 },
};

/* the vectors of README.md ("Signed VERP") */
static void
vectors(void **state)
{
	/* clang-format off */
	static const struct {
		unsigned    key;	/* index in keys[] */
		const char *list, *address;
		int         day;
		const char *token;
	} cases[] = {
		{ 0, "news", "alice@example.org", 20454, "b7gxybma2zh" },
		{ 0, "news", "Alice@Example.ORG", 20454, "b7gxybma2zh" },
		{ 0, "offers", "alice@example.org", 20454, "b7gkhwpqtnm" },
		{ 1, "news", "bob+tag@example.net", 20400, "a5qcqfjkyiv" },
		{ 0, "", "carol@example.com", 21000, "bqiquek5hxo" },
	};
	/* clang-format on */
	char   t[PROOF_TOKEN_LEN + 1];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		proof_token(&keys[cases[i].key], cases[i].list,
		    cases[i].address, cases[i].day, t);
		assert_string_equal(t, cases[i].token);
	}
}

/* check - proof_token_check against keys[] on today; its why */
static const char *
check(const char *list, const char *address, const char *token, int today)
{
	const char *why = "";

	if (proof_token_check(keys, G_N_ELEMENTS(keys), list, address, token,
		today, 60, &why) == 0)
		return "ok";
	assert_non_null(why);
	return why;
}

/* a token is accepted for its list and address for its validity */
static void
accepts(void **state)
{
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2zh",
				DAY),
	    "ok");
	/* an MTA that folds case */
	assert_string_equal(check("NEWS", "ALICE@EXAMPLE.ORG", "B7GXYBMA2ZH",
				DAY),
	    "ok");
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2zh",
				DAY + 60),
	    "ok");
	/* made "tomorrow" by a clock a little ahead */
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2zh",
				DAY - 1),
	    "ok");
	/* the previous key, until its last day */
	assert_string_equal(check("news", "bob+tag@example.net", "a5qcqfjkyiv",
				20400 + 30),
	    "ok");
}

/* forgeries, expired and retired tokens are refused, saying why */
static void
refuses(void **state)
{
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2zh",
				DAY + 61),
	    "expired: older than its validity");
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2zh",
				DAY - 2),
	    "expired: older than its validity");
	{
		char t[PROOF_TOKEN_LEN + 1];
		proof_token(&keys[1], "news", "bob+tag@example.net", DAY + 20,
		    t);
		assert_string_equal(check("news", "bob+tag@example.net", t,
					DAY + 30),
		    "ok");
		assert_string_equal(check("news", "bob+tag@example.net", t,
					DAY + 31),
		    "signed with a retired key");
	}
	/* another address, another list, one character changed */
	assert_string_equal(check("news", "mallory@example.org", "b7gxybma2zh",
				DAY),
	    "does not match the list and address");
	assert_string_equal(check("offers", "alice@example.org", "b7gxybma2zh",
				DAY),
	    "does not match the list and address");
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2zi",
				DAY),
	    "does not match the list and address");
	/* a later day put in by hand: the day is signed too */
	assert_string_equal(check("news", "alice@example.org", "b7hxybma2zh",
				DAY),
	    "does not match the list and address");
	assert_string_equal(check("news", "alice@example.org", "c7gxybma2zh",
				DAY),
	    "signed with a key not configured");
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2z",
				DAY),
	    "no token");
	assert_string_equal(check("news", "alice@example.org", "b7gxybma2z1",
				DAY),
	    "not a token");
	assert_string_equal(check("news", "alice@example.org", NULL, DAY),
	    "no token");
}

/* the day wraps every 1,024 days without breaking the age */
static void
wraps(void **state)
{
	char t[PROOF_TOKEN_LEN + 1];

	proof_token(&keys[0], "news", "dana@example.org", 1023, t);
	assert_string_equal(check("news", "dana@example.org", t, 1024 + 5),
	    "ok");
	assert_string_equal(check("news", "dana@example.org", t, 1024 + 61),
	    "expired: older than its validity");
}

/* the return path decodes back to the address, list and token */
static void
return_path(void **state)
{
	char *rp = proof_return_path(&keys[0], "{list}-bounces", '+',
	    "lists.example.com", "news", "Alice@Example.org", DAY);
	char *list = NULL, *token = NULL, *address;

	assert_string_equal(rp,
	    "news-bounces+alice=example.org+b7gxybma2zh@lists.example.com");
	address = mime_verp_decode(rp, "{list}-bounces", '+', &list, &token);
	assert_string_equal(address, "alice@example.org");
	assert_string_equal(list, "news");
	assert_string_equal(token, "b7gxybma2zh");
	g_free(address);
	g_free(token);
	/* upper case, as an MTA may fold it; '-' as the delimiter, where a
	 * domain's own '-' is no token */
	address = mime_verp_decode("BOUNCES-ALICE=MY-SITE.EXAMPLE-B7GXYBMA2ZH"
				   "@LISTS.EXAMPLE.COM",
	    "bounces", '-', NULL, &token);
	assert_string_equal(address, "alice@my-site.example");
	assert_string_equal(token, "b7gxybma2zh");
	g_free(address);
	g_free(token);
	address = mime_verp_decode("bounces-alice=my-site.example@l.example",
	    "bounces", '-', NULL, &token);
	assert_string_equal(address, "alice@my-site.example");
	assert_null(token);
	assert_null(proof_return_path(&keys[0], "bounces", '+', "x.example",
	    "news", "no-at-sign", DAY));
	g_free(rp);
	g_free(list);
	g_free(address);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(accepts),
		cmocka_unit_test(refuses),
		cmocka_unit_test(wraps),
		cmocka_unit_test(return_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
