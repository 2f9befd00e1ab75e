/*
 * test_classify.c - diagnostic patterns and the decision for a recipient.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "classify.h"

/* every pattern names a known reason and compiles (matching compiles) */
static void
patterns_are_consistent(void **state)
{
	const struct classify_pattern *t;
	size_t                         n, i;

	t = classify_pattern_table(&n);
	assert_true(n > 100);
	for (i = 0; i < n; i++) {
		assert_non_null(classify_reason_lookup(t[i].reason));
		assert_non_null(t[i].rule);
	}
	assert_null(classify_match_text("nothing of interest here"));
}

/* diagnostic wording -> reason */
static void
patterns_match(void **state)
{
	/* clang-format off */
	static const struct {
		const char *text, *reason;
	} cases[] = {
		{ "550 5.1.1 <a@b>... User unknown", "userunknown" },
		{ "No such user here", "userunknown" },
		{ "The email account that you tried to reach does not exist.",
		  "userunknown" },
		{ "Recipient address rejected: User unknown in local recipient "
		  "table", "userunknown" },
		{ "552 Mailbox full", "mailboxfull" },
		{ "user is over quota", "mailboxfull" },
		{ "Disk quota exceeded", "mailboxfull" },
		{ "Host or domain name not found. Name service error",
		  "hostunknown" },
		{ "554 Service unavailable; Client host [192.0.2.1] blocked using "
		  "zen.spamhaus.org", "blocked" },
		{ "Your IP 192.0.2.1 is listed in the SORBS DNSBL", "blocked" },
		{ "Message rejected as spam by Content Filtering", "spamdetected" },
		{ "Virus found in message", "virusdetected" },
		{ "SPF check failed for example.com", "authfailure" },
		{ "Unauthenticated email from example.com is not accepted due to "
		  "domain's DMARC policy", "authfailure" },
		{ "Client host rejected: cannot find your reverse hostname",
		  "requireptr" },
		{ "Relay access denied", "norelaying" },
		{ "Sender address rejected: Domain not found", "rejected" },
		{ "Message size exceeds fixed limit", "mesgtoobig" },
		{ "Account disabled", "suspend" },
		{ "Greylisted, please try again in 5 minutes", "onhold" },
		{ "Too many connections from your host", "toomanyconn" },
		{ "rate limited, slow down", "ratelimited" },
		{ "retry timeout exceeded", "expired" },
		{ "Connection timed out", "networkerror" },
		{ "User has moved; no forwarding address", "hasmoved" },
		{ "Mail for that domain is not accepted: null MX", "notaccept" },
		{ "Recipient address rejected: Access denied", "userunknown" },
		{ "Recipient address rejected: Mailbox full", "mailboxfull" },
		/* wording of the long tail, one per row family */
		{ "550 alice is not a known user", "userunknown" },
		{ "550 No account by that name here", "userunknown" },
		{ "550 Mailbox alice@example.com does not exist", "userunknown" },
		{ "550 <alice@example.com> not found", "userunknown" },
		{ "553 sorry, your envelope recipient is in my badrcptto list",
		  "userunknown" },
		{ "550 alice has been suspended", "suspend" },
		{ "552 user has too many messages on the server", "mailboxfull" },
		{ "552 mail file size exceeds the maximum size allowed",
		  "mailboxfull" },
		{ "550 access from ip address 192.0.2.1 blocked", "blocked" },
		{ "554 server access forbidden by your ip 192.0.2.1", "blocked" },
		{ "554 rejecting open proxy", "blocked" },
		{ "421 too many errors from your ip", "toomanyconn" },
		{ "550 sender is in my black list", "rejected" },
		{ "550 BATV validation failure", "rejected" },
		{ "550 null sender is not allowed", "rejected" },
		{ "550 blacklisted URL in message", "spamdetected" },
		{ "550 rejected: SpamAssassin score 12.3", "spamdetected" },
		{ "550 recipient domain must exist", "hostunknown" },
		{ "550 giving up on 192.0.2.1", "expired" },
		{ "554 mail forwarding loop for alice@example.com",
		  "networkerror" },
		{ "451 temporary local problem - please try later",
		  "systemerror" },
		{ "550 posting by non-member to a members-only list",
		  "policyviolation" },
		/* a content rule is no "domain accepts no mail" (hard) */
		{ "550 we do not accept messages containing images",
		  "policyviolation" },
		{ "550 alice is not accepting any mail", "filtered" },
		{ "550 you have been blocked by the recipient", "filtered" },
		{ "552 exceeded maximum inbound message size", "mesgtoobig" },
		{ "Sorry, you are sending to/from an address that has been "
		  "blacklisted", "rejected" },
		{ "You're sending this from a different address or alias using "
		  "the 'Send mail as' feature", "rejected" },
		{ "550 5.4.312 Message expired, DNS query failed",
		  "networkerror" },
		{ "550 Ip frequency limited", "ratelimited" },
		{ "554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster "
		  "for help.) (BL)", "blocked" },
		{ "550-Requested action not taken: mailbox unavailable 550 "
		  "invalid DNS MX or A/AAAA resource record", "rejected" },
		{ "521 5.2.1 :  AOL will not accept delivery of this message.",
		  "blocked" },
		{ "550 5.7.1 Policy rejection on the target address",
		  "policyviolation" },
		{ "550 Connection frequency limited", "toomanyconn" },
		/* the recipient's domain policy is about our host */
		{ "554 192.0.2.1 has been blocked by the recipient's domain "
		  "policy", "blocked" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct classify_pattern *p =
		    classify_match_text(cases[i].text);
		if (p == NULL)
			fail_msg("no pattern for \"%s\"", cases[i].text);
		if (strcmp(p->reason, cases[i].reason) != 0)
			fail_msg("\"%s\": %s (rule %s), expected %s",
			    cases[i].text, p->reason, p->rule, cases[i].reason);
	}
}

/* the MTAs that wrote a report identify a provider's wording, and only
 * provider rows look at them */
static void
provider_context(void **state)
{
	/* text, context -> the rule or reason of the row that matches
	 * (expect NULL: no row), and whether it is final */
	/* clang-format off */
	static const struct {
		const char *text, *context, *expect;
		int final;
	} cases[] = {
		{ "550 Requested action not taken: mailbox unavailable",
		  "BAY004-MC1.hotmail.com", "microsoft:mailboxunavailable", 1 },
		{ "550 Requested action not taken: mailbox unavailable", NULL,
		  "userunknown", 0 },
		/* a host name never feeds a generic row */
		{ "550 try later", "spamfilter.example.com", NULL, 0 },
		/* a recipient-validating gateway's "no such user" is a
		 * lookup; the same words from anyone else are not decided
		 * here */
		{ "550 a@b.example... No such user", "192.0.2.1 mcafee",
		  "mcafee:nosuchuser", 1 },
		{ "542 a@b.example Rejected", "server-1.tower-2.messagelabs.com",
		  "messagelabs:nosuchuser", 1 },
		{ "542 a@b.example Rejected", "mx.example.com", NULL, 0 },
		{ "Unknown user: a@b.example", "imail", "imail:nosuchuser", 1 },
		{ "550 a@b.example... No such user", "mx.example.com",
		  "userunknown", 0 },
		/* Amazon SES receiving: a receipt rule's template */
		{ "550 5.1.1 Mailbox does not exist",
		  " inbound-smtp.eu-west-1.amazonaws.com", "filtered", 1 },
		{ "550 5.1.1 Mailbox does not exist", "mx.example.com",
		  "userunknown", 0 },
		/* Gmail's sentence is Google's lookup only when Google says
		 * it */
		{ "550-5.1.1 The email account that you tried to reach does "
		  "not exist. Learn more at https://support.google.com/mail/"
		  "?p=NoSuchUser", NULL, "google:nosuchuser", 1 },
		{ "The email account that you tried to reach does not exist.",
		  "gmail-smtp-in.l.google.com", "google:nosuchuser", 1 },
		{ "The email account that you tried to reach does not exist.",
		  "10.9.37.234", "userunknown", 0 },
		/* Exchange Online: DBEB is a directory lookup, RST a
		 * restriction, and its other documented refusals */
		{ "550 5.4.1 Recipient address rejected: Access denied. For "
		  "more information see https://aka.ms/EXOSmtpErrors", NULL,
		  "microsoft:dbeb", 1 },
		{ "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required",
		  NULL, "filtered", 1 },
		{ "550 5.7.124 Sender not in allowed-senders list", NULL,
		  "filtered", 1 },
		{ "452 4.2.122 Recipient's per hour message receive limit "
		  "exceeded", NULL, "ratelimited", 0 },
		/* published numbered codes: Cox, Spectrum, Orange, GoDaddy,
		 * i.ua */
		{ "554 5.7.1 AUP#CXSNDR", NULL, "authfailure", 1 },
		{ "554 5.7.1 - ERROR: Mail refused - AUP#I-1100", NULL,
		  "requireptr", 1 },
		{ "452 4.5.3 - ERROR: slow down - AUP#1490", NULL, "speeding", 1 },
		{ "550 5.5.0 Le compte du destinataire est bloque. The "
		  "recipient account isblocked. LPN007_426", NULL, "suspend", 1 },
		{ "421 4.2.0 Service refuse. Veuillez essayer plus tard. "
		  "OFR005_505 [505]", NULL, "systemerror", 1 },
		{ "421 Temporarily rejected. Reverse DNS for this IP failed. "
		  "IB108", NULL, "godaddy:ib-rdns", 1 },
		{ "550 Mailbox is frozen. See http://mail.i.ua/err/3/", NULL,
		  "suspend", 1 },
		{ "550 See http://mail.i.ua/err/10/", NULL, "filtered", 1 },
		/* Mimecast's published refusals; its generic ones need its
		 * MTA */
		{ "550 Envelope blocked - User Entry - https://community."
		  "mimecast.com/docs/DOC-1369#550", NULL, "mimecast:senders", 1 },
		{ "550 Invalid Recipient", "us-smtp-inbound-1.mimecast.com",
		  "mimecast:nosuchuser", 1 },
		/* Tencent's wording counts when QQ says it */
		{ "550 Mailbox not found. https://service.mail.qq.com/detail/"
		  "122/169", NULL, "tencent:nosuchuser", 1 },
		{ "550 Mailbox unavailable or access denied", "mx3.qq.com",
		  "tencent:rate", 1 },
		/* Yandex refuses an unknown address with 5.7.1 */
		{ "550 5.7.1 No such user!", NULL, "yandex:nosuchuser", 1 },
		/* "550 : User unknown", no address where the reply names one */
		{ "550 : User unknown", NULL, "filtered", 1 },
		{ "550 <a@b.example>: User unknown", NULL, "userunknown", 0 },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct classify_pattern *p =
		    classify_match(cases[i].text, cases[i].context);
		if (cases[i].expect == NULL) {
			if (p != NULL)
				fail_msg("case %zu: rule %s, expected none", i,
				    p->rule);
			continue;
		}
		if (p == NULL ||
		    (strcmp(p->rule, cases[i].expect) != 0 &&
			strcmp(p->reason, cases[i].expect) != 0) ||
		    (p->final > 0) != cases[i].final)
			fail_msg("case %zu: got %s/%s final %d, expected %s "
				 "final %d",
			    i, p ? p->rule : "none", p ? p->reason : "-",
			    p ? p->final : 0, cases[i].expect, cases[i].final);
	}
}

/* failed - in: a failed recipient with status and diagnostic */
static void
failed(struct classify_input *in, const char *status, const char *diagnostic)
{
	memset(in, 0, sizeof(*in));
	in->temporary = -1;
	in->status = status;
	in->diagnostic = diagnostic;
	in->action = "failed";
}

/* the sending MTA's own category decides, and unknown ones say nothing */
static void
mta_category(void **state)
{
	struct classify_input  in;
	struct classify_result out;

	failed(&in, "5.0.0", "550 Sorry, she is not here any more");
	in.category = "bad-mailbox";
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_HARD);
	assert_string_equal(out.reason, "userunknown");
	assert_string_equal(out.rule, "mta-category");
	in.category = "Spam-Related";
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_BLOCK);
	assert_string_equal(out.reason, "spamdetected");
	in.category = "other";
	classify_rcpt(&in, &out);
	assert_string_not_equal(out.rule, "mta-category");
}

/* the notice's general text says nothing of one recipient: undefined,
 * while the same words as that recipient's own would be on hold */
static void
shared_diagnostic(void **state)
{
	struct classify_input  in;
	struct classify_result out;

	failed(&in, NULL,
	    "Your message could not be delivered to one or "
	    "more recipients.");
	in.diagnostic_shared = 1;
	classify_rcpt(&in, &out);
	assert_string_equal(out.reason, "undefined");
	assert_string_equal(out.status, "5.0.900");
	in.diagnostic_shared = 0;
	classify_rcpt(&in, &out);
	assert_string_equal(out.reason, "onhold");
	assert_string_equal(out.rule, "unclassified");
	assert_string_equal(out.status, "5.0.901");
}

/* "X-Unix; 255" is a local program's exit status: no reply code 255, and
 * without words the reason is mailererror */
static void
unix_mailer(void **state)
{
	struct classify_input  in;
	struct classify_result out;

	failed(&in, "5.0.0", "255");
	in.diagnostic_type = "X-Unix";
	classify_rcpt(&in, &out);
	assert_string_equal(out.reply_code, "");
	assert_string_equal(out.reason, "mailererror");
	assert_int_equal(out.cls, CLASS_SOFT);
	/* words still count: a full maildir is a full mailbox */
	in.diagnostic = "maildrop: maildir over quota";
	classify_rcpt(&in, &out);
	assert_string_equal(out.reason, "mailboxfull");
}

/* Exim bounces a full mailbox or an unreachable host only after retrying
 * it: with no code, the pseudo status is class 4 (RFC 3463), and only for
 * Exim, only for those reasons, and only when no reply code says 5 */
static void
exim_transient(void **state)
{
	struct classify_input  in;
	struct classify_result out;

	failed(&in, NULL, "mailbox is full: retry timeout exceeded");
	in.temporary = 0;
	in.mta = "  exim";
	classify_rcpt(&in, &out);
	assert_string_equal(out.reason, "mailboxfull");
	assert_string_equal(out.status, "4.0.922");
	assert_int_equal(out.cls, CLASS_SOFT);
	in.diagnostic = "all hosts have been failing for a long time";
	classify_rcpt(&in, &out);
	assert_string_equal(out.reason, "expired");
	assert_string_equal(out.status, "4.0.947");
	/* another writer, or a word that only contains the name */
	in.mta = "mx.example.net eximious";
	classify_rcpt(&in, &out);
	assert_string_equal(out.status, "5.0.947");
	/* a permanent reply code decides the class */
	in.mta = "exim";
	in.diagnostic = "550 mailbox is full";
	classify_rcpt(&in, &out);
	assert_string_equal(out.status, "5.0.922");
	/* other reasons keep the permanent class */
	in.diagnostic = "Unrouteable address";
	classify_rcpt(&in, &out);
	assert_int_equal(out.status[0], '5');
}

/* the decision, table-driven: inputs -> class, reason, status */
/* "550 User unknown" at no known stage: soft, unless a DSN names the
 * Remote-MTA whose reply it is and no X.2/X.7 status contradicts it */
static void
remote_reply(void **state)
{
	/* clang-format off */
	static const struct {
		int         remote;
		const char *status, *diag, *reason;
	} cases[] = {
		{ 1, "5.0.0", "550 User unknown", "userunknown" },
		{ 1, NULL, "550 User unknown", "userunknown" },
		{ 0, "5.0.0", "550 User unknown", "filtered" },
		{ 1, "5.7.1", "550 5.7.1 User unknown", "filtered" },
		{ 1, "5.0.0", "User unknown", "filtered" },
	};
	/* clang-format on */
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct classify_input  in = { 0 };
		struct classify_result out;

		in.status = cases[i].status;
		in.diagnostic = cases[i].diag;
		in.diagnostic_type = "smtp";
		in.remote_reply = cases[i].remote;
		in.action = "failed";
		in.recipient = "a@example.org";
		in.temporary = -1;
		classify_rcpt(&in, &out);
		if (strcmp(out.reason, cases[i].reason) != 0)
			fail_msg("case %zu (%s): %s, want %s", i, cases[i].diag,
			    out.reason, cases[i].reason);
	}
}

/* Exim's "Unrouteable address": no such local user where the reporting
 * host serves the recipient's domain, a DNS failure elsewhere */
static void
unrouteable_local(void **state)
{
	/* clang-format off */
	static const struct {
		const char *recipient, *mta, *reason;
	} cases[] = {
		{ "a@example.org", "mx.example.org", "userunknown" },
		{ "a@example.org", "relay.other.net example.org", "userunknown" },
		{ "a@EXAMPLE.org", "MX.example.ORG", "userunknown" },
		{ "a@example.org", "mx.notexample.org", "hostunknown" },
		{ "a@example.org", "mx.other.net", "hostunknown" },
		{ "a@example.org", NULL, "hostunknown" },
	};
	/* clang-format on */
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct classify_input  in = { 0 };
		struct classify_result out;

		in.status = "5.0.0";
		in.diagnostic = "Unrouteable address";
		in.action = "failed";
		in.recipient = cases[i].recipient;
		in.mta = cases[i].mta;
		in.temporary = -1;
		classify_rcpt(&in, &out);
		if (strcmp(out.reason, cases[i].reason) != 0)
			fail_msg("%s via %s: %s, want %s", cases[i].recipient,
			    cases[i].mta ? cases[i].mta : "-", out.reason,
			    cases[i].reason);
		assert_int_equal(out.cls, CLASS_HARD);
	}
}

static void
decisions(void **state)
{
	/* clang-format off */
	static const struct {
		const char *status, *reply, *diag, *action, *command;
		int temporary;
		enum classify_class cls;
		const char *reason, *out_status;
	} cases[] = {
		/* a strong status decides */
		{ "5.1.1", NULL, "550 5.1.1 user unknown", "failed", NULL, -1,
		  CLASS_HARD, "userunknown", "5.1.1" },
		/* a weak status yields to the text */
		{ "5.7.1", NULL, "550 5.7.1 blocked using zen.spamhaus.org",
		  "failed", NULL, -1, CLASS_BLOCK, "blocked", "5.7.1" },
		/* a generic Status yields to the diagnostic's specific code */
		{ "5.0.0", NULL, "550 5.1.1 <a@b>: no such user", "failed", NULL,
		  -1, CLASS_HARD, "userunknown", "5.1.1" },
		/* 5.2.2 mailbox full is soft */
		{ "5.2.2", "552", "Mailbox full", "failed", NULL, -1, CLASS_SOFT,
		  "mailboxfull", "5.2.2" },
		/* user unknown answered after DATA is a filter */
		{ NULL, NULL, "550 User unknown (in reply to end of DATA command)",
		  NULL, "DATA", 0, CLASS_SOFT, "filtered", "5.0.910" },
		/* but an X.1.1 status after DATA is a pipelined RCPT reply */
		{ "5.1.1", "550", "550 5.1.1 User unknown", "failed", "DATA", -1,
		  CLASS_HARD, "userunknown", "5.1.1" },
		/* precise provider wording is final, whatever the command */
		{ NULL, "554", "554 delivery error: dd This user doesn't have a "
		  "yahoo.com account", NULL, "DATA", 0, CLASS_HARD, "userunknown",
		  "5.0.911" },
		/* address verdict at MAIL FROM is about the sender */
		{ NULL, NULL, "553 domain does not exist", NULL, "MAIL", 0,
		  CLASS_BLOCK, "rejected", "5.0.918" },
		/* refused at connection time: the sending host */
		{ NULL, "554", "554 no such user here", NULL, "CONN", 0,
		  CLASS_BLOCK, "blocked", "5.0.971" },
		/* no code at all: a Sisimai-compatible pseudo status; "user
		 * unknown" in words alone is not proof of a dead address... */
		{ NULL, NULL, "Sorry, no mailbox here by that name", NULL, NULL, 0,
		  CLASS_SOFT, "filtered", "5.0.910" },
		/* ...and the receiver's own X.7.x code (policy) contradicts it
		 * even at RCPT */
		{ NULL, "550", "550 5.7.1 <a@b>: Recipient address rejected: "
		  "User unknown", "failed", "RCPT", -1, CLASS_SOFT, "filtered",
		  "5.7.1" },
		/* ...until the SMTP stage (RCPT) or an X.1.x status backs it */
		{ NULL, NULL, "Sorry, no mailbox here by that name", NULL, "RCPT",
		  0, CLASS_HARD, "userunknown", "5.0.911" },
		{ NULL, "550", "550 5.1.0 Address rejected: no such user", NULL,
		  NULL, 0, CLASS_HARD, "userunknown", "5.1.0" },
		{ NULL, NULL, "mailbox is full", NULL, NULL, 1, CLASS_SOFT,
		  "mailboxfull", "4.0.922" },
		/* delays and successes are ignored */
		{ "4.4.1", NULL, "421 Connection timed out", "delayed", NULL, -1,
		  CLASS_IGNORE, "networkerror", "4.4.1" },
		{ "2.0.0", NULL, NULL, "delivered", NULL, -1, CLASS_IGNORE,
		  "delivered", "2.0.0" },
		/* a temporary refusal by the domain is not proof of death */
		{ "4.3.2", "421", "mail not accepted: null MX", "failed", NULL, -1,
		  CLASS_SOFT, "notaccept", "4.3.2" },
		/* words about the recipient that no rule understands */
		{ "5.0.0", NULL, "554 Transaction refused, reference ZX-77",
		  "failed", NULL, -1, CLASS_SOFT, "onhold", "5.0.0" },
		/* a delay whose code names only the subject: the wait */
		{ "4.4.0", NULL, NULL, "delayed", NULL, -1, CLASS_IGNORE,
		  "expired", "4.4.0" },
		/* pseudo codes are Sisimai's: systemerror is X.0.930 */
		{ NULL, NULL, "local error in processing", NULL, NULL, 0,
		  CLASS_SOFT, "systemerror", "5.0.930" },
		/* nothing to go on */
		{ NULL, NULL, NULL, "failed", NULL, -1, CLASS_SOFT, "undefined",
		  "5.0.900" },
		/* a transcript: the failure DATA got, not the RCPT's 250 */
		{ NULL, NULL, "RCPT TO:<a@b> ORCPT=rfc822;a@b Out: 250 2.1.5 Ok "
		  "In: DATA Out: 451 4.3.0 Error: queue file write error", NULL,
		  NULL, -1, CLASS_SOFT, "systemerror", "4.3.0" },
		/* a failed report that gave up after timeouts: expired */
		{ "4.4.1", NULL, "connect to mx.example[192.0.2.1]:25: Connection "
		  "timed out", "failed", NULL, -1, CLASS_SOFT, "expired", "4.4.1" },
		/* ...but a DNS failure stays a network error */
		{ "4.4.3", NULL, "DNS error: lookup of example.invalid failed",
		  "failed", NULL, -1, CLASS_SOFT, "networkerror", "4.4.3" },
		/* Status and diagnostic disagree on the class: with Action
		 * failed the receiver's permanent code wins... */
		{ "4.2.0", "550", "550 5.1.1 <a@b>: user unknown", "failed", NULL,
		  -1, CLASS_HARD, "userunknown", "5.1.1" },
		/* ...otherwise Status stays */
		{ "4.2.0", NULL, "550 5.1.1 <a@b>: user unknown", "delayed",
		  NULL, -1, CLASS_IGNORE, "filtered", "4.2.0" },
		/* Postfix's access-table REJECT of the address: always
		 * 5.7.1, so the code does not contradict the words */
		{ NULL, NULL, "554 5.7.1 <a@b>: Recipient address rejected: "
		  "Access denied", "failed", "RCPT", -1, CLASS_HARD,
		  "userunknown", "5.7.1" },
		/* a wrapper code in the diagnostic does not override the
		 * specific Status found for the last attempt */
		{ "4.4.1", NULL, "550 4.4.7 QUEUE.Expired; message expired",
		  "failed", NULL, -1, CLASS_SOFT, "expired", "4.4.1" },
		/* Yahoo's unknown mailbox, answered after DATA */
		{ NULL, "552", "552 1 Requested mail action aborted, mailbox "
		  "not found", "failed", "DATA", -1, CLASS_HARD, "userunknown",
		  "5.0.911" },
		/* TSS09: the sending IP, for good */
		{ "5.7.2", "553", "553 5.7.2 [TSS09] All messages from "
		  "192.0.2.25 will be permanently deferred", "failed", NULL, -1,
		  CLASS_BLOCK, "blocked", "5.7.2" },
		/* Gmail's own X.7.2x codes: its words decide, not RFC 7505 */
		{ "4.7.27", "421", "421 4.7.27 Your email has been rate limited "
		  "because SPF authentication didn't pass for this message. "
		  "Gmail requires all bulk email senders to authenticate their "
		  "email with SPF.", "failed", NULL, -1, CLASS_BLOCK,
		  "authfailure", "4.7.27" },
		/* a loop's hop count is no size */
		{ "5.4.6", "554", "554 5.4.6 Message exceeded 50 hops, this may "
		  "indicate a mail loop.", "failed", NULL, -1, CLASS_SOFT,
		  "networkerror", "5.4.6" },
		/* access denied at MAIL FROM: the sender */
		{ "5.7.1", "550", "550 5.7.1 Access denied", "failed", "MAIL", -1,
		  CLASS_BLOCK, "rejected", "5.7.1" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct classify_input  in;
		struct classify_result out;

		memset(&in, 0, sizeof(in));
		in.status = cases[i].status;
		in.reply_code = cases[i].reply;
		in.diagnostic = cases[i].diag;
		in.action = cases[i].action;
		in.command = cases[i].command;
		in.temporary = cases[i].temporary;
		classify_rcpt(&in, &out);
		if (out.cls != cases[i].cls ||
		    strcmp(out.reason, cases[i].reason) != 0 ||
		    strcmp(out.status, cases[i].out_status) != 0)
			fail_msg("case %zu: got %s/%s/%s (rule %s), expected "
				 "%s/%s/%s",
			    i, classify_class_name(out.cls), out.reason,
			    out.status, out.rule,
			    classify_class_name(cases[i].cls), cases[i].reason,
			    cases[i].out_status);
	}
}

/* complaints and auto-replies */
static void
complaint_and_autoreply(void **state)
{
	struct classify_input  in;
	struct classify_result out;

	memset(&in, 0, sizeof(in));
	in.complaint = 1;
	in.feedback_type = "abuse";
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_COMPLAINT);
	assert_string_equal(out.reason, "feedback");
	assert_string_equal(out.status, "");

	/* not every feedback report is the subscriber's complaint */
	in.feedback_type = "opt-out";
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_COMPLAINT);
	in.feedback_type = "auth-failure"; /* our DKIM/SPF/DMARC */
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_BLOCK);
	assert_string_equal(out.reason, "feedback");
	in.feedback_type = "not-spam";
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_IGNORE);

	memset(&in, 0, sizeof(in));
	in.autoreply = 1;
	classify_rcpt(&in, &out);
	assert_int_equal(out.cls, CLASS_IGNORE);
	assert_string_equal(out.reason, "vacation");
}

int
main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patterns_are_consistent),
		cmocka_unit_test(patterns_match),
		cmocka_unit_test(provider_context),
		cmocka_unit_test(mta_category),
		cmocka_unit_test(unix_mailer),
		cmocka_unit_test(shared_diagnostic),
		cmocka_unit_test(exim_transient),
		cmocka_unit_test(remote_reply),
		cmocka_unit_test(unrouteable_local),
		cmocka_unit_test(decisions),
		cmocka_unit_test(complaint_and_autoreply),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
