/*
 * codes.c - RFC 3463 enhanced status codes and SMTP reply codes.
 *
 * The enhanced codes are the IANA "SMTP Enhanced Status Codes" registry
 * (RFC 3463, 3886, 4468, 4865, 4954, 5248, 6531, 6710, 7293, 7372, 7505,
 * 8098, 8617, 8689) plus the vendor codes seen in real bounces, marked as
 * such.  A row "X.s.d" stands for both 4.s.d and 5.s.d; 2.s.d success codes
 * get their own rows.  `strong` marks codes precise enough to decide the
 * reason on their own; the others only decide it when the diagnostic text
 * says nothing more specific (see classify.c).
 */
#include <stdlib.h>
#include <string.h>

#include "classify.h"

/* clang-format off */
static const struct classify_status status_table[] = {
	/* success (2.x.x): the report is not a failure */
	{ "2.0.0", "Success", "delivered", 1 },
	{ "2.1.5", "Destination address valid", "delivered", 1 },
	{ "2.6.0", "Success, message content handled", "delivered", 1 },
	{ "2.6.4", "Conversion with loss performed, delivered", "delivered", 1 },

	{ "X.0.0", "Other undefined status", NULL, 0 },

	/* X.1.x addressing */
	{ "X.1.0", "Other address status", NULL, 0 },
	{ "X.1.1", "Bad destination mailbox address: the mailbox does not exist",
	  "userunknown", 1 },
	{ "X.1.2", "Bad destination system address: the domain does not exist "
	  "or accepts no mail", "hostunknown", 1 },
	{ "X.1.3", "Bad destination mailbox address syntax", "userunknown", 0 },
	{ "X.1.4", "Destination mailbox address ambiguous", "systemerror", 0 },
	{ "X.1.5", "Destination address valid", "delivered", 0 },
	{ "X.1.6", "Destination mailbox has moved, no forwarding address",
	  "hasmoved", 1 },
	{ "X.1.7", "Bad sender's mailbox address syntax", "rejected", 0 },
	{ "X.1.8", "Bad sender's system address", "rejected", 0 },
	{ "X.1.9", "Message relayed to non-compliant mailer", NULL, 0 },
	{ "X.1.10", "Recipient address has null MX: the domain accepts no mail",
	  "notaccept", 0 },

	/* X.2.x mailbox */
	{ "X.2.0", "Other or undefined mailbox status", "filtered", 0 },
	{ "X.2.1", "Mailbox disabled, not accepting messages", "suspend", 0 },
	{ "X.2.2", "Mailbox full", "mailboxfull", 1 },
	{ "X.2.3", "Message length exceeds administrative limit", "exceedlimit", 1 },
	{ "X.2.4", "Mailing list expansion problem", "systemerror", 0 },

	/* X.3.x mail system */
	{ "X.3.0", "Other or undefined mail system status", "systemerror", 0 },
	{ "X.3.1", "Mail system full", "systemfull", 0 },
	{ "X.3.2", "System not accepting network messages", "notaccept", 0 },
	{ "X.3.3", "System not capable of selected features", "systemerror", 0 },
	{ "X.3.4", "Message too big for system", "mesgtoobig", 1 },
	{ "X.3.5", "System incorrectly configured", "systemerror", 0 },
	{ "X.3.6", "Requested priority was changed", NULL, 0 },

	/* X.4.x network and routing */
	{ "X.4.0", "Other or undefined network or routing status", "networkerror", 0 },
	{ "X.4.1", "No answer from host", "networkerror", 0 },
	{ "X.4.2", "Bad connection", "networkerror", 0 },
	{ "X.4.3", "Directory server failure", "systemerror", 0 },
	{ "X.4.4", "Unable to route: no usable host for the domain", "hostunknown", 0 },
	{ "X.4.5", "Mail system congestion", "systemfull", 0 },
	{ "X.4.6", "Routing loop detected", "networkerror", 0 },
	{ "X.4.7", "Delivery time expired", "expired", 1 },

	/* X.5.x mail delivery protocol */
	{ "X.5.0", "Other or undefined protocol status", NULL, 0 },
	{ "X.5.1", "Invalid command", "syntaxerror", 0 },
	{ "X.5.2", "Syntax error", "syntaxerror", 0 },
	{ "X.5.3", "Too many recipients", "toomanyconn", 0 },
	{ "X.5.4", "Invalid command arguments", "syntaxerror", 0 },
	{ "X.5.5", "Wrong protocol version", "syntaxerror", 0 },
	{ "X.5.6", "Authentication exchange line is too long", "syntaxerror", 0 },

	/* X.6.x message content or media */
	{ "X.6.0", "Other or undefined media error", "contenterror", 0 },
	{ "X.6.1", "Media not supported", "contenterror", 0 },
	{ "X.6.2", "Conversion required and prohibited", "contenterror", 0 },
	{ "X.6.3", "Conversion required but not supported", "contenterror", 0 },
	{ "X.6.4", "Conversion with loss performed", NULL, 0 },
	{ "X.6.5", "Conversion failed", "contenterror", 0 },
	{ "X.6.6", "Message content not available", "contenterror", 0 },
	{ "X.6.7", "Non-ASCII addresses not permitted for that sender/recipient",
	  "contenterror", 0 },
	{ "X.6.8", "UTF-8 string reply is required, but not permitted by the "
	  "SMTP client", "contenterror", 0 },
	{ "X.6.9", "UTF-8 header message cannot be transferred to one or more "
	  "recipients", "contenterror", 0 },
	{ "X.6.10", "UTF-8 header message cannot be transferred (duplicate of "
	  "X.6.8 in the registry)", "contenterror", 0 },

	/* X.7.x security or policy */
	{ "X.7.0", "Other or undefined security status", "securityerror", 0 },
	{ "X.7.1", "Delivery not authorized, message refused", "blocked", 0 },
	{ "X.7.2", "Mailing list expansion prohibited", "securityerror", 0 },
	{ "X.7.3", "Security conversion required but not possible",
	  "securityerror", 0 },
	{ "X.7.4", "Security features not supported", "securityerror", 0 },
	{ "X.7.5", "Cryptographic failure", "securityerror", 0 },
	{ "X.7.6", "Cryptographic algorithm not supported", "securityerror", 0 },
	{ "X.7.7", "Message integrity failure", "securityerror", 0 },
	{ "X.7.8", "Authentication credentials invalid", "securityerror", 0 },
	{ "X.7.9", "Authentication mechanism is too weak", "securityerror", 0 },
	{ "X.7.10", "Encryption needed", "securityerror", 0 },
	{ "X.7.11", "Encryption required for requested authentication mechanism",
	  "securityerror", 0 },
	{ "X.7.12", "A password transition is needed", "securityerror", 0 },
	{ "X.7.13", "User account disabled", "suspend", 1 },
	{ "X.7.14", "Trust relationship required", "securityerror", 0 },
	{ "X.7.15", "Priority level is too low", "policyviolation", 0 },
	{ "X.7.16", "Message is too big for the specified priority",
	  "mesgtoobig", 0 },
	{ "X.7.17", "Mailbox owner has changed", "hasmoved", 1 },
	{ "X.7.18", "Domain owner has changed", "hasmoved", 1 },
	{ "X.7.19", "RRVS test cannot be completed", "securityerror", 0 },
	{ "X.7.20", "No passing DKIM signature found", "authfailure", 1 },
	{ "X.7.21", "No acceptable DKIM signature found", "authfailure", 1 },
	{ "X.7.22", "No valid author-matched DKIM signature found",
	  "authfailure", 1 },
	{ "X.7.23", "SPF validation failed", "authfailure", 1 },
	{ "X.7.24", "SPF validation error", "authfailure", 1 },
	{ "X.7.25", "Reverse DNS validation failed", "requireptr", 1 },
	{ "X.7.26", "Multiple authentication checks failed", "authfailure", 1 },
	{ "X.7.27", "Sender address has null MX", "rejected", 1 },
	{ "X.7.28", "Mail flood detected", "spamdetected", 0 },
	{ "X.7.29", "ARC validation failure", "authfailure", 1 },
	{ "X.7.30", "REQUIRETLS support required", "securityerror", 0 },

	/* vendor codes (not in the IANA registry) */
	{ "5.1.351", "Microsoft: recipient address rejected by the directory",
	  "userunknown", 0 },
	{ "5.4.312", "Microsoft: DNS query failed for the destination",
	  "networkerror", 0 },
	{ "5.4.316", "Microsoft: message expired, connection refused",
	  "expired", 1 },
	{ "5.7.509", "Microsoft: sending domain does not pass DMARC",
	  "authfailure", 1 },
	{ "5.7.606", "Microsoft: sending IP banned (blocklist)", "blocked", 1 },
	{ "4.7.650", "Microsoft: sending IP has a bad reputation",
	  "badreputation", 1 },
};
/* clang-format on */

/* clang-format off */
static const struct classify_reply reply_table[] = {
	{ 101, "Cannot open connection to the server", "networkerror" },
	{ 111, "Connection refused", "networkerror" },
	{ 211, "System status or help reply", NULL },
	{ 214, "Help message", NULL },
	{ 220, "Service ready", NULL },
	{ 221, "Service closing transmission channel", NULL },
	{ 250, "Requested action okay, completed", "delivered" },
	{ 251, "User not local; will forward", "delivered" },
	{ 252, "Cannot verify the user, but will accept the message", "delivered" },
	{ 354, "Start mail input", NULL },
	{ 420, "Timeout connection problem", "networkerror" },
	{ 421, "Service not available, closing transmission channel",
	  "systemerror" },
	{ 422, "The recipient's mailbox has exceeded its storage limit",
	  "mailboxfull" },
	{ 431, "Not enough space on the disk, or out of memory", "systemfull" },
	{ 432, "The recipient's Exchange server incoming mail queue has been "
	  "stopped", "systemerror" },
	{ 441, "The recipient's server is not responding", "networkerror" },
	{ 442, "The connection was dropped during transmission", "networkerror" },
	{ 446, "Maximum hop count exceeded (routing loop)", "networkerror" },
	{ 447, "Outgoing message timed out", "expired" },
	{ 449, "Routing error", "networkerror" },
	{ 450, "Requested mail action not taken: mailbox unavailable (busy or "
	  "temporarily blocked)", NULL },
	{ 451, "Requested action aborted: local error in processing", "systemerror" },
	{ 452, "Requested action not taken: insufficient system storage",
	  "systemfull" },
	{ 454, "TLS not available, or temporary authentication failure",
	  "securityerror" },
	{ 455, "Server unable to accommodate parameters", "syntaxerror" },
	{ 471, "Local error or anti-spam filter at the receiving server", NULL },
	{ 500, "Syntax error, command unrecognised", "syntaxerror" },
	{ 501, "Syntax error in parameters or arguments", "syntaxerror" },
	{ 502, "Command not implemented", "syntaxerror" },
	{ 503, "Bad sequence of commands", "syntaxerror" },
	{ 504, "Command parameter not implemented", "syntaxerror" },
	{ 510, "Bad email address", "userunknown" },
	{ 511, "Bad email address", "userunknown" },
	{ 512, "Host server for the recipient's domain name cannot be found",
	  "hostunknown" },
	{ 513, "Address type is incorrect", "userunknown" },
	{ 521, "Host does not accept mail", "notaccept" },
	{ 523, "Size of the message exceeds the recipient's limits",
	  "mesgtoobig" },
	{ 525, "User account disabled", "suspend" },
	{ 530, "Authentication required, or the sender is refused", "securityerror" },
	{ 534, "Authentication mechanism is too weak", "securityerror" },
	{ 535, "Authentication credentials invalid", "securityerror" },
	{ 538, "Encryption required for requested authentication mechanism",
	  "securityerror" },
	{ 541, "The recipient address rejected the message (spam filter)",
	  "spamdetected" },
	{ 550, "Requested action not taken: mailbox unavailable", NULL },
	{ 551, "User not local; please try another path", "hasmoved" },
	{ 552, "Requested mail action aborted: exceeded storage allocation",
	  "mailboxfull" },
	{ 553, "Requested action not taken: mailbox name not allowed", NULL },
	{ 554, "Transaction failed", NULL },
	{ 555, "MAIL FROM/RCPT TO parameters not recognised or not implemented",
	  "syntaxerror" },
	{ 556, "Domain does not accept mail (null MX)", "notaccept" },
};
/* clang-format on */

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

const struct classify_status *
classify_status_table(size_t *n)
{
	*n = NITEMS(status_table);
	return status_table;
}

const struct classify_reply *
classify_reply_table(size_t *n)
{
	*n = NITEMS(reply_table);
	return reply_table;
}

/* code_matches - does table code t ("X.1.1" or "5.7.509") name status s? */
static int
code_matches(const char *t, const char *s)
{
	if (t[0] == 'X')
		return (s[0] == '4' || s[0] == '5') &&
		    strcmp(t + 1, s + 1) == 0;
	return strcmp(t, s) == 0;
}

const struct classify_status *
classify_status_lookup(const char *status)
{
	char        family[16];
	const char *dot;
	size_t      i;

	if (status == NULL || status[0] == '\0')
		return NULL;
	for (i = 0; i < NITEMS(status_table); i++)
		if (code_matches(status_table[i].code, status))
			return &status_table[i];
	/* Unregistered detail: fall back to the subject's "other" row. */
	dot = strchr(status, '.');
	if (dot == NULL || (dot = strchr(dot + 1, '.')) == NULL ||
	    (size_t)(dot - status) + 3 > sizeof(family))
		return NULL;
	memcpy(family, status, (size_t)(dot - status));
	strcpy(family + (dot - status), ".0");
	if (strcmp(family, status) == 0)
		return NULL;
	for (i = 0; i < NITEMS(status_table); i++)
		if (code_matches(status_table[i].code, family)) {
			/* A vendor detail is no stronger than its family. */
			return &status_table[i];
		}
	return NULL;
}

const struct classify_reply *
classify_reply_lookup(int code)
{
	size_t i;

	for (i = 0; i < NITEMS(reply_table); i++)
		if (reply_table[i].code == code)
			return &reply_table[i];
	return NULL;
}
