/*
 * reasons.c - the reasons a failure can have, in Sisimai's vocabulary:
 * the class each puts a permanent failure in, what it means, what a list
 * operator does about it, and the X.0.9xx pseudo status used when a
 * bounce carried no code.
 */
#include <string.h>

#include "internal.h"

/* clang-format off */
static const struct classify_reason reason_table[] = {
	/* hard: the address is dead */
	{ "userunknown", CLASS_HARD, "The mailbox does not exist.",
	  "Suppress the address; it will never accept mail.", "911" },
	{ "hostunknown", CLASS_HARD, "The recipient's domain does not exist or "
	  "has no mail server.", "Suppress the address; check for a typo in the "
	  "domain first.", "912" },
	{ "hasmoved", CLASS_HARD, "The mailbox has moved and leaves no "
	  "forwarding address.", "Suppress; ask the subscriber for a new "
	  "address through another channel.", "916" },
	{ "notaccept", CLASS_HARD, "The recipient's domain accepts no mail "
	  "(null MX, or the host refuses all mail).", "Suppress when permanent "
	  "(5xx); a temporary refusal is retried.", "932" },
	/* soft: the address may recover */
	{ "mailboxfull", CLASS_SOFT, "The mailbox is over its quota.",
	  "Keep sending; suppress after repeated bounces over days.", "922" },
	{ "exceedlimit", CLASS_SOFT, "The message exceeds a limit of the "
	  "recipient's mailbox.", "Check the message size; keep the "
	  "subscriber.", "923" },
	{ "mesgtoobig", CLASS_SOFT, "The message is too big for the receiving "
	  "system.", "Send smaller messages (link attachments).", "934" },
	{ "suspend", CLASS_SOFT, "The mailbox is disabled or suspended for "
	  "now.", "Count it; suppress if it stays disabled.", "921" },
	{ "expired", CLASS_SOFT, "Delivery was retried until the queue "
	  "lifetime ran out.", "Count it; a dead host shows up as repeats.",
	  "947" },
	{ "networkerror", CLASS_SOFT, "A network or DNS failure on the way to "
	  "the recipient.", "Retry; count it as soft.", "944" },
	{ "systemerror", CLASS_SOFT, "The receiving system failed.",
	  "Retry; count it as soft.", "930" },
	{ "systemfull", CLASS_SOFT, "The receiving system is out of storage.",
	  "Retry later.", "931" },
	{ "toomanyconn", CLASS_SOFT, "Too many connections or recipients at "
	  "once.", "Lower the concurrency towards that domain.", "945" },
	{ "ratelimited", CLASS_BLOCK, "The receiver rate-limits the sender.",
	  "Slow down towards that domain; not the subscriber's fault.", "946" },
	{ "speeding", CLASS_BLOCK, "The sender sends faster than the receiver "
	  "allows.", "Slow down towards that domain; not the subscriber's "
	  "fault.", "946" },
	{ "mailererror", CLASS_SOFT, "The recipient's local delivery program "
	  "failed.", "Retry; count it as soft.", "939" },
	{ "onhold", CLASS_SOFT, "Delivery is deferred (greylisting), or the "
	  "receiver gave a reason no rule understands; the outcome is not "
	  "known.", "Count it as soft; read the diagnostic if it repeats.",
	  "901" },
	{ "undefined", CLASS_SOFT, "The report gives no reason for this "
	  "recipient.",
	  "Count it as soft; read the diagnostic if it repeats.", "900" },
	{ "filtered", CLASS_SOFT, "The recipient's own filter or settings "
	  "refused the message.", "Count it as soft; the subscriber may have "
	  "blocked the list.", "910" },
	/* block: the receiver refused the sender, not the address */
	{ "rejected", CLASS_BLOCK, "The sender address (envelope from) was "
	  "refused.", "Fix the sender address or its domain; do not count it "
	  "against the subscriber.", "918" },
	{ "blocked", CLASS_BLOCK, "The sending host or IP address is refused "
	  "(block list, firewall).", "Check block lists for your sending IPs "
	  "and request delisting.", "971" },
	{ "spamdetected", CLASS_BLOCK, "The message was judged to be spam.",
	  "Review content and sending practice; not the subscriber's fault.",
	  "980" },
	{ "virusdetected", CLASS_BLOCK, "The message was judged to carry "
	  "malware.", "Check the message and attachments.", "980" },
	{ "policyviolation", CLASS_BLOCK, "The message violates the receiver's "
	  "policy.", "Read the diagnostic; adjust content or sending.", "972" },
	{ "badreputation", CLASS_BLOCK, "The sender's IP or domain has a poor "
	  "reputation.", "Warm up IPs, fix complaints and authentication.",
	  "974" },
	{ "requireptr", CLASS_BLOCK, "The sending host has no valid reverse "
	  "DNS (PTR).", "Give every sending IP a PTR record that resolves "
	  "back.", "973" },
	{ "authfailure", CLASS_BLOCK, "SPF, DKIM or DMARC failed for the "
	  "sender.", "Fix SPF, DKIM signing and DMARC alignment.", "976" },
	{ "norelaying", CLASS_BLOCK, "The receiving host refuses to relay for "
	  "the sender.", "Check the route and MX of the domain.", "909" },
	{ "securityerror", CLASS_BLOCK, "A security requirement failed (TLS, "
	  "authentication).", "Check TLS and SMTP authentication settings.",
	  "970" },
	{ "syntaxerror", CLASS_BLOCK, "The sending MTA made an SMTP protocol "
	  "error.", "Check the sending MTA; not the subscriber's fault.",
	  "902" },
	{ "notcompliantrfc", CLASS_BLOCK, "The message does not comply with the "
	  "RFCs.", "Fix the message headers.", "974" },
	{ "contenterror", CLASS_BLOCK, "The message content or encoding was "
	  "refused.", "Check MIME structure and encodings.", "960" },
	/* the rest */
	{ "feedback", CLASS_COMPLAINT, "The subscriber reported the message "
	  "(abuse report, ARF).", "Suppress the address globally at once.",
	  NULL },
	{ "vacation", CLASS_IGNORE, "An automatic reply (out of office).",
	  "Nothing; the address works.", NULL },
	{ "delivered", CLASS_IGNORE, "A report of successful delivery.",
	  "Nothing.", NULL },
};
/* clang-format on */

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

const struct classify_reason *
classify_reason_table(size_t *n)
{
	*n = NITEMS(reason_table);
	return reason_table;
}

const struct classify_reason *
classify_reason_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NITEMS(reason_table); i++)
		if (strcmp(reason_table[i].name, name) == 0)
			return &reason_table[i];
	return NULL;
}

const char *
classify_class_name(enum classify_class c)
{
	static const char *const names[CLASSIFY_NCLASSES] = { "unknown", "hard",
		"soft", "block", "complaint", "ignore" };

	if ((unsigned)c >= NITEMS(names))
		return "unknown";
	return names[c];
}
