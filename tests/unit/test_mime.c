/*
 * test_mime.c - the field parser, VERP decoding, and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "mime.h"

struct seen {
	GString *log;
};

static void
record(int group, const char *name, const char *value, void *arg)
{
	struct seen *s = arg;

	g_string_append_printf(s->log, "%d|%s|%s\n", group, name, value);
}

/* fields_parse - run the parser over text, return "group|name|value" lines */
static char *
fields(const char *text)
{
	struct seen s = { g_string_new(NULL) };

	mime_fields_parse(text, strlen(text), record, &s);
	return g_string_free(s.log, FALSE);
}

static void
field_groups(void **state)
{
	/* clang-format off */
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; x@y\n"
		  "Status: 5.1.1\n",
		  "0|reporting-mta|dns; a\n1|final-recipient|rfc822; x@y\n"
		  "1|status|5.1.1\n" },
		/* folding, CRLF, bare CR, blank lines with spaces */
		{ "Diagnostic-Code: smtp; 550 a\r\n   b\r\n \r\nAction: failed\r",
		  "0|diagnostic-code|smtp; 550 a b\n1|action|failed\n" },
		{ "A: 1\rB: 2\r\rC: 3",
		  "0|a|1\n0|b|2\n1|c|3\n" },
		/* junk lines are skipped, indented field names accepted */
		{ "no colon here\n  Status: 4.4.7\n:empty name\n",
		  "0|status|4.4.7\n" },
		{ "", "" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = fields(cases[i].in);
		assert_string_equal(got, cases[i].out);
		g_free(got);
	}
}

/* a field value longer than MIME_MAX_FIELD is cut, not grown unbounded */
static void
field_bounded(void **state)
{
	GString *in = g_string_new("Diagnostic-Code: ");
	char    *got;

	while (in->len < 200000)
		g_string_append(in, "x ");
	got = fields(in->str);
	assert_true(strlen(got) < MIME_MAX_FIELD + 64);
	g_free(got);
	g_string_free(in, TRUE);
}

static void
verp(void **state)
{
	/* clang-format off */
	static const struct {
		const char *addr, *prefix;
		char delim;
		const char *out, *list;
	} cases[] = {
		{ "bounces+alice=example.org@lists.example.com", "bounces", '+',
		  "alice@example.org", NULL },
		{ "<Bounces+Bob.Smith=Example.NET@lists.example.com>", "bounces",
		  '+', "bob.smith@example.net", NULL },
		{ "owner-news-carol=mail.example.de@lists.example.com",
		  "owner-news", '-', "carol@mail.example.de", NULL },
		{ "x+a=b=c.example@l.example", "", '+', "a=b@c.example", NULL },
		{ "bounces@lists.example.com", "bounces", '+', NULL, NULL },
		{ "bounces+nodomain@lists.example.com", "bounces", '+', NULL, NULL },
		{ "other+alice=example.org@lists.example.com", "bounces", '+',
		  NULL, NULL },
		{ "bounces+alice=exa mple.org@l.example", "bounces", '+', NULL, NULL },
		{ "", "bounces", '+', NULL, NULL },
		{ "news-bounces+dave=example.org@lists.example.com",
		  "{list}-bounces", '+', "dave@example.org", "news" },
		{ "News-Digest-bounces+erin=example.org@l.example",
		  "{list}-bounces", '+', "erin@example.org", "news-digest" },
		{ "-bounces+dave=example.org@l.example", "{list}-bounces", '+',
		  NULL, NULL },
		{ "news-owner+dave=example.org@l.example", "{list}-bounces", '+',
		  NULL, NULL },
		{ "bounce-news+dave=example.org@l.example", "bounce-{list}", '+',
		  "dave@example.org", "news" },
		/* the plain return path names the list, no subscriber */
		{ "News-bounces@lists.example.com", "{list}-bounces", '+', NULL,
		  "news" },
		{ "news-bounces@lists.example.com", "{list}-bounces", '-', NULL,
		  "news" },
		{ "-bounces@lists.example.com", "{list}-bounces", '+', NULL, NULL },
		{ "news-owner@lists.example.com", "{list}-bounces", '+', NULL,
		  NULL },
		{ "a/b-bounces@lists.example.com", "{list}-bounces", '+', NULL,
		  NULL },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *list = NULL;
		char *got = mime_verp_decode(cases[i].addr, cases[i].prefix,
		    cases[i].delim, &list, NULL);
		if (cases[i].out == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].out);
		if (cases[i].list == NULL)
			assert_null(list);
		else
			assert_string_equal(list, cases[i].list);
		g_free(got);
		g_free(list);
	}
	assert_null(mime_verp_decode(NULL, "bounces", '+', NULL, NULL));
	assert_null(mime_verp_decode("a+b=c@d", NULL, '+', NULL, NULL));
}

/* addresses rebound may act on, and the rest (RFC 5321 with RFC 6531's
 * UTF-8; no control characters; 64/255/254 octets) */
static void
addresses(void **state)
{
	/* clang-format off */
	static const struct {
		const char *a;
		int         ok;
	} cases[] = {
		{ "alice@example.org", 1 },
		{ "o'brien+news@example.ie", 1 },
		{ "-2+3@example.org", 1 },
		{ "\"john doe\"@example.org", 1 },
		{ "jos\xc3\xa9@example.fr", 1 },
		{ "user@[192.0.2.1]", 1 },
		{ "a..b@docomo.ne.jp", 1 },		/* seen in real mail */
		{ "evil\nx@example.org", 0 },		/* splits a txt export */
		{ "evil@example.org\r\nBcc: x", 0 },
		{ "two words@example.org", 0 },
		{ "@smtp.example.net:kijitora@server", 0 },
		{ "noat.example.org", 0 },
		{ "@example.org", 0 },
		{ "alice@", 0 },
		{ "back\\slash@example.org", 0 },
		{ "<alice@example.org>", 0 },
		{ "alice@exa mple.org", 0 },
		{ "alice@exa(mple).org", 0 },
		{ "", 0 },
	};
	/* clang-format on */
	char  *local, *domain, *a;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		if (mime_address_valid(cases[i].a) != cases[i].ok)
			fail_msg("\"%s\": %d, expected %d", cases[i].a,
			    !cases[i].ok, cases[i].ok);
	assert_false(mime_address_valid(NULL));
	/* the lengths: 64 octets of local part, 254 in all */
	local = g_strnfill(64, 'a');
	a = g_strdup_printf("%s@x.example", local);
	assert_true(mime_address_valid(a));
	g_free(a);
	a = g_strdup_printf("%sa@x.example", local);
	assert_false(mime_address_valid(a));
	g_free(a);
	g_free(local);
	local = g_strnfill(60, 'a');
	domain = g_strnfill(200, 'b');
	a = g_strdup_printf("%s@%s.example", local, domain); /* 269 */
	assert_false(mime_address_valid(a));
	g_free(a);
	g_free(local);
	g_free(domain);
}

/* who handed the message to our MTA, by the topmost Received: the
 * address and the name it looked up, never the HELO name */
static void
relay(void **state)
{
	/* clang-format off */
	static const struct {
		const char *received, *ip, *name;
	} cases[] = {
		{ "from fake.example (mta1.lists.example.com [192.0.2.5]) by mx.lists.example.com", "192.0.2.5", "mta1.lists.example.com" },
		{ "from mta1.lists.example.com ([192.0.2.5] helo=fake.example) by mx.lists.example.com", "192.0.2.5", "mta1.lists.example.com" },
		{ "from [192.0.2.6] (helo=fake.example) by mx.lists.example.com", "192.0.2.6", NULL },
		{ "from fake (unknown [IPv6:2001:db8::1]) by mx", "2001:db8::1", "unknown" },
		{ "by mx.lists.example.com with LMTP", NULL, NULL },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *msg = g_strdup_printf("Received: %s\nReceived: from "
					    "other ([198.51.100.1])\nFrom: "
					    "a@b.example\nSubject: x\n\nx\n",
		    cases[i].received);
		char *cause = NULL;
		struct mime_report *r =
		    mime_parse(msg, strlen(msg), NULL, &cause);

		assert_non_null(r);
		if (cases[i].ip == NULL)
			assert_null(r->relay_ip);
		else
			assert_string_equal(r->relay_ip, cases[i].ip);
		if (cases[i].name == NULL)
			assert_null(r->relay_name);
		else
			assert_string_equal(r->relay_name, cases[i].name);
		mime_report_free(r);
		g_free(msg);
	}
}

/* a recipient whose address is no address names no one; the row stays */
static void
invalid_recipient(void **state)
{
	static const char msg[] =
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "Subject: Undelivered\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=B\n\n--B\nContent-Type: text/plain\n\nfailed\n--B\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.net\n\n"
	    "Final-Recipient: rfc822; [x]@example.org\n"
	    "Action: failed\nStatus: 5.1.1\n\n"
	    "Final-Recipient: rfc822; @relay.example:kim@example.org\n"
	    "Action: failed\nStatus: 5.1.1\n\n--B--\n";
	char               *cause = NULL;
	struct mime_report *r = mime_parse(msg, sizeof(msg) - 1, NULL, &cause);

	assert_non_null(r);
	assert_int_equal(r->nrcpts, 2);
	assert_null(r->rcpts[0].recipient);
	assert_null(r->rcpts[0].subscriber);
	assert_string_equal(r->rcpts[0].status, "5.1.1");
	assert_int_equal(r->invalid, 1);
	/* a source route is ignored (RFC 5321 4.1.1.3) */
	assert_string_equal(r->rcpts[1].recipient, "kim@example.org");
	mime_report_free(r);
}

/* parse - mime_parse on a string; fails the test on a NULL report */
static struct mime_report *
parse_ok(const char *buf, size_t len)
{
	char               *cause = NULL;
	struct mime_report *r = mime_parse(buf, len, NULL, &cause);

	if (r == NULL)
		fail_msg("mime_parse failed: %s", cause);
	return r;
}

/* MIME nested 1000 deep: bounded walk, no crash, marked truncated */
static void
deep_nesting(void **state)
{
	GString *m =
	    g_string_new("From: MAILER-DAEMON@x.example\n"
			 "Subject: Undelivered Mail\nMIME-Version: 1.0\n");
	struct mime_report *r;
	int                 i;

	for (i = 0; i < 1000; i++)
		g_string_append_printf(m,
		    "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\n\n--b%d\n",
		    i, i);
	g_string_append(m,
	    "Content-Type: text/plain\n\n<a@b.example>: 550 5.1.1"
	    " user unknown\n");
	for (i = 999; i >= 0; i--)
		g_string_append_printf(m, "--b%d--\n", i);
	r = parse_ok(m->str, m->len);
	assert_true(r->truncated);
	mime_report_free(r);
	g_string_free(m, TRUE);
}

/* a 1 MB header line and a 1 MB body line */
static void
long_lines(void **state)
{
	GString *m = g_string_new("From: MAILER-DAEMON@x.example\nX-Long: ");
	struct mime_report *r;

	g_string_append_len(m, "", 0);
	while (m->len < 1024 * 1024)
		g_string_append(m, "abcdefgh");
	g_string_append(m, "\nSubject: Undelivered\n\n<z@y.example>: ");
	while (m->len < 2 * 1024 * 1024)
		g_string_append(m, "550 x ");
	g_string_append_c(m, '\n');
	r = parse_ok(m->str, m->len);
	assert_int_equal(r->nrcpts, 1);
	assert_string_equal(r->rcpts[0].recipient, "z@y.example");
	assert_true(strlen(r->rcpts[0].diagnostic) <= MIME_MAX_FIELD);
	mime_report_free(r);
	g_string_free(m, TRUE);
}

/* binary garbage, NUL bytes, truncated input: a report or a clean error */
static void
garbage(void **state)
{
	GRand *rnd = g_rand_new_with_seed(42);
	char   buf[8192];
	char  *cause = NULL;
	size_t i;
	int    round;

	for (round = 0; round < 50; round++) {
		size_t len =
		    1 + (size_t)g_rand_int_range(rnd, 0, sizeof(buf) - 1);
		struct mime_report *r;
		for (i = 0; i < len; i++)
			buf[i] = (char)g_rand_int_range(rnd, 0, 256);
		if (round % 2 == 0) {
			static const char head[] =
			    "From: x\nContent-Type: "
			    "multipart/report; boundary=q\n\n--q\n";
			memcpy(buf, head, MIN(len, sizeof(head) - 1));
		}
		r = mime_parse(buf, len, NULL, &cause);
		if (r == NULL) {
			assert_non_null(cause);
			g_free(cause);
			cause = NULL;
			continue;
		}
		for (i = 0; i < r->nrcpts; i++)
			if (r->rcpts[i].recipient != NULL)
				assert_true(
				    g_utf8_validate(r->rcpts[i].recipient, -1,
					NULL));
		mime_report_free(r);
	}
	assert_null(mime_parse("", 0, NULL, &cause));
	assert_non_null(cause);
	g_free(cause);
	g_rand_free(rnd);
}

/* 50 MB: parsed (the limit is 64 MiB); over the limit: a clear error */
static void
huge(void **state)
{
	size_t      big = 50u * 1024 * 1024;
	char       *buf = g_malloc(MIME_MAX_MESSAGE + 2);
	const char *head =
	    "From: MAILER-DAEMON@x.example\nSubject: Undelivered"
	    "\nContent-Type: text/plain\n\n<h@u.example>: 552 5.2.2 mailbox "
	    "full\n\n";
	char               *cause = NULL;
	struct mime_report *r;
	size_t              i;

	memcpy(buf, head, strlen(head));
	for (i = strlen(head); i < MIME_MAX_MESSAGE + 2; i++)
		buf[i] = (i % 73 == 0) ? '\n' : 'q';
	r = mime_parse(buf, big, NULL, &cause);
	assert_non_null(r);
	assert_int_equal(r->nrcpts, 1);
	mime_report_free(r);
	assert_null(mime_parse(buf, MIME_MAX_MESSAGE + 1, NULL, &cause));
	assert_non_null(strstr(cause, "too large"));
	g_free(cause);
	g_free(buf);
}

/* mime_failed_at: the recipient's Last-Attempt-Date, else the report's
 * Date:, each only when plausible against the time it is read; else then.
 * A backlog read on one day still lands on the days the bounces happened. */
static void
failed_at(void **state)
{
	/* 2026-12-06 12:00:00 UTC, the clock the report is read by */
	const gint64 now = 1796558400;
	/* clang-format off */
	static const struct {
		const char *date, *last_attempt;
		gint64      want;
	} cases[] = {
		/* the last attempt wins over the report's date */
		{ "Thu, 03 Dec 2026 10:00:00 +0000",
		  "Wed, 02 Dec 2026 23:30:00 -0500", 1796272200 },
		/* no last attempt: the report's date */
		{ "Thu, 03 Dec 2026 10:00:00 +0000", NULL, 1796292000 },
		/* a last attempt in the future (a clock gone wrong) */
		{ "Thu, 03 Dec 2026 10:00:00 +0000",
		  "Fri, 01 Jan 2027 00:00:00 +0000", 1796292000 },
		/* both implausible (a year old, garbage): when it is read */
		{ "Sat, 06 Dec 2025 12:00:00 +0000", "yesterday", 1796558400 },
		{ NULL, NULL, 1796558400 },
	};
	/* clang-format on */
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *m =
		    g_string_new("From: MAILER-DAEMON@mx.example.net\n");
		char               *cause = NULL;
		struct mime_report *r;

		if (cases[i].date != NULL)
			g_string_append_printf(m, "Date: %s\n", cases[i].date);
		g_string_append(m,
		    "Subject: Undelivered Mail\nMIME-Version: "
		    "1.0\nContent-Type: multipart/report; "
		    "report-type=delivery-status; boundary=B\n\n"
		    "--B\nContent-Type: message/delivery-status"
		    "\n\nReporting-MTA: dns; mx.example.net\n\n"
		    "Final-Recipient: rfc822; a@example.org\n"
		    "Action: failed\nStatus: 5.1.1\n");
		if (cases[i].last_attempt != NULL)
			g_string_append_printf(m, "Last-Attempt-Date: %s\n",
			    cases[i].last_attempt);
		g_string_append(m, "\n--B--\n");
		r = mime_parse(m->str, m->len, NULL, &cause);
		assert_non_null(r);
		assert_int_equal(r->nrcpts, 1);
		if (mime_failed_at(r, &r->rcpts[0], now) != cases[i].want)
			fail_msg("case %zu: %lld, want %lld", i,
			    (long long)mime_failed_at(r, &r->rcpts[0], now),
			    (long long)cases[i].want);
		mime_report_free(r);
		g_string_free(m, TRUE);
	}
}

int
main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_groups),
		cmocka_unit_test(field_bounded),
		cmocka_unit_test(verp),
		cmocka_unit_test(addresses),
		cmocka_unit_test(relay),
		cmocka_unit_test(invalid_recipient),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(garbage),
		cmocka_unit_test(huge),
		cmocka_unit_test(failed_at),
	};
	/* clang-format on */

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
