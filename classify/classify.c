/*
 * classify.c - the decision for one recipient.
 *
 * How the reason is decided, in order (the first that applies wins; the
 * rule that won is reported as `rule`):
 *   1. an ARF report is a complaint, an RFC 3834 auto-reply a vacation;
 *   2. a success (Action delivered/relayed/expanded, or a 2.x.x status) is
 *      "delivered";
 *   3. a "strong" enhanced status code (codes.c: 5.1.1, 5.2.2, 5.7.26 ...)
 *      decides, because it is the receiver's own machine-readable verdict
 *      (except that quota wording beats X.1.1: qmail-ldap and vpopmail
 *      answer every refusal with #5.1.1);
 *   4. otherwise the diagnostic text (patterns.c), because generic codes
 *      (5.0.0, 5.7.1, 550) are used for many reasons and the text is where
 *      the receiver says which;
 *   5. otherwise the weak meaning of the status code, then of the reply
 *      code, then the fallback patterns (generic framing such as "Recipient
 *      address rejected:"), then the recipient's domain; failing all,
 *      "expired" for delays, "onhold" when the receiver said something of
 *      this recipient that no rule understands, else "undefined".
 * "User unknown" decided by wording alone (no X.1.x status, no known SMTP
 * stage, no provider's precise wording) becomes "filtered": see README.md,
 * "How a reason is decided".
 * A "Diagnostic-Code: X-Unix; N" is the exit status of a local delivery
 * program: no SMTP codes are read from it, and without words it is
 * "mailererror".
 * "User unknown" in words under the receiver's own X.7.x code (security
 * or policy) is "filtered" too: the words and the code disagree.
 * A verdict the sending MTA wrote into the report itself (PowerMTA's
 * X-PowerMTA-BounceCategory) decides before the codes and the text.
 * Then the SMTP command the error answered corrects the reason: "user
 * unknown" wording answered after DATA means the address was accepted at
 * RCPT and a filter refused the content (filtered), unless an X.1.1 status
 * says otherwise (pipelining returns RCPT replies after DATA); an address verdict answered to
 * MAIL FROM is about the sender (rejected).
 * When Status and the code quoted in Diagnostic-Code disagree but agree
 * on the class (4 or 5), the diagnostic's code wins: it is the receiver's
 * own word, while Status is often the reporting MTA's mapping of a bare
 * reply (Sendmail writes 5.1.1 for any 550 at RCPT).  When Status is a
 * wrapper (X.0.0, or X.4.7 "gave up") that the diagnostic repeats, the
 * code after it ("554 4.4.7 expired <421 4.4.2 timed out>") is the one.
 * A class disagreement keeps Status: the reporting MTA decided whether
 * it will retry.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "internal.h"

/* status_valid - is s an RFC 3463 code "c.sss.ddd" with c in 2, 4, 5? */
static int
status_valid(const char *s)
{
	int i, n;

	if (s == NULL || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return 0;
	s += 2;
	for (i = 0; i < 2; i++) {
		for (n = 0; isdigit((unsigned char)*s); s++)
			n++;
		if (n < 1 || n > 3)
			return 0;
		if (i == 0 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

/* generic_status - is s a wrapper code (X.0.0, or X.4.7 "delivery time
 * expired") that says less than a specific code quoted in the diagnostic? */
static int
generic_status(const char *s)
{
	return strcmp(s + 1, ".0.0") == 0 || strcmp(s + 1, ".4.7") == 0;
}

/* inner_status - the first code in text after the wrapper code `outer`
 * ("554 4.4.7 Message expired: <421 4.4.2 Connection timed out>"), into
 * out[16], with its reply code into out_reply[4], when there is one */
static void
inner_status(const char *text, const char *outer, char out_reply[4],
    char out[16])
{
	const char *p = strstr(text, outer);
	char        reply[4], status[16];

	if (p == NULL)
		return;
	classify_find_codes(p + strlen(outer), reply, status);
	if (status[0] != '\0') {
		g_strlcpy(out, status, 16);
		if (reply[0] != '\0')
			g_strlcpy(out_reply, reply, 4);
	}
}

/* address_status - does status s report on the recipient address itself
 * (X.1.x, but not X.1.7 and X.1.8, which are about the sender)? */
static int
address_status(const char *s)
{
	return s[0] != '\0' && strncmp(s + 1, ".1.", 3) == 0 &&
	    strcmp(s + 1, ".1.7") != 0 && strcmp(s + 1, ".1.8") != 0;
}

/* reply_valid - is s a three-digit reply code 2xx, 4xx or 5xx? */
static int
reply_valid(const char *s)
{
	return s != NULL && (s[0] == '2' || s[0] == '4' || s[0] == '5') &&
	    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	    s[3] == '\0';
}

/* boundary - may a code start or end between a and b? */
static int
boundary(char c)
{
	return c == '\0' ||
	    !(isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_' ||
		c == '@' || c == '/');
}

/* in_reply_context - does the code at p follow what marks a status: a
 * reply code ("550 5.1.1", "550-5.1.1", "550 #5.1.1"), a '#' (qmail,
 * Exchange) or the word "status" a few characters before ("Status:
 * 2.0.0", "status code 5.1.1")?  A success code needs it: "Mailman
 * 2.0.12" in a quoted subject is a version, not a delivery. */
static int
in_reply_context(const char *text, const char *p)
{
	const char *q = p;
	size_t      back;

	if (q > text && q[-1] == '#')
		q--;
	if (q - text >= 4 && (q[-1] == ' ' || q[-1] == '-') &&
	    isdigit((unsigned char)q[-2]) && isdigit((unsigned char)q[-3]) &&
	    isdigit((unsigned char)q[-4]) && (q - text == 4 || boundary(q[-5])))
		return 1;
	if (q != p)
		return 1;
	back = (size_t)MIN(p - text, 16);
	for (q = p - back; q + 6 <= p; q++)
		if (g_ascii_strncasecmp(q, "status", 6) == 0)
			return 1;
	return 0;
}

void
classify_find_codes(const char *text, char reply[4], char status[16])
{
	const char *p, *q;
	size_t      n;

	/* The first failure (4 or 5) of each kind, else the first success:
	 * in a transcript the RCPT's "250 2.1.5 Ok" may come before the
	 * "451 4.3.0" that DATA got, and a "220-" greeting before the
	 * "421" that closed the session. */
	reply[0] = status[0] = '\0';
	if (text == NULL)
		return;
	for (p = text; *p != '\0'; p++) {
		/* "#5.1.1" (qmail) and "552-5.2.2" (multi-line reply) */
		if (p != text && !boundary(p[-1]) && p[-1] != '#' &&
		    !(p[-1] == '-' && p - text >= 4 &&
			isdigit((unsigned char)p[-2]) &&
			isdigit((unsigned char)p[-4])))
			continue;
		if (*p != '2' && *p != '4' && *p != '5')
			continue;
		/* enhanced status: class.subject.detail, the subject one
		 * digit from 0 to 7 (RFC 3463; "Exim 4.94.2" is a version) */
		if (p[1] == '.') {
			q = p + 2;
			for (n = 0; isdigit((unsigned char)*q) && n < 4; q++)
				n++;
			if ((status[0] == '\0' || status[0] == '2') && n == 1 &&
			    p[2] <= '7' && *q == '.' &&
			    (*p != '2' || in_reply_context(text, p))) {
				const char *d = ++q;
				for (n = 0; isdigit((unsigned char)*q) && n < 4;
				     q++)
					n++;
				if (n >= 1 && n <= 3 && q - p < 16 &&
				    (boundary(*q) ||
					(*q == '.' &&
					    !isdigit((unsigned char)q[1]))) &&
				    d[0] != '\0' &&
				    (status[0] == '\0' || *p != '2')) {
					memcpy(status, p, (size_t)(q - p));
					status[q - p] = '\0';
				}
			}
			continue;
		}
		/* reply code: ddd followed by space, '-' or end */
		if ((reply[0] == '\0' || (reply[0] == '2' && *p != '2')) &&
		    isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) &&
		    (p[3] == ' ' || p[3] == '-' || p[3] == '\0' ||
			p[3] == '\n' || p[3] == '\t' || p[3] == ',' ||
			p[3] == ']' || p[3] == ')' ||
			(p[3] == ':' && p[4] == ' ')) && /* Yahoo: "554: " */
		    (p == text || p[-1] != '.') &&
		    p[1] <= '5' &&
		    !(p - text >= 3 && p[-1] == ':' &&
			isdigit((unsigned char)p[-2]))) {
			memcpy(reply, p, 3);
			reply[3] = '\0';
		}
		if (reply[0] != '\0' && reply[0] != '2' && status[0] != '\0' &&
		    status[0] != '2')
			return;
	}
}

/* pseudo_status - Sisimai-compatible X.0.9xx code for a reason */
static void
pseudo_status(const char *reason, int temporary, char out[16])
{
	const struct classify_reason *r = classify_reason_lookup(reason);

	if (r == NULL || r->pseudo == NULL) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 16, "%c.0.%s", temporary ? '4' : '5', r->pseudo);
}

/* mta_named - is name one of the space-separated words of mta? */
static int
mta_named(const char *mta, const char *name)
{
	size_t      n = strlen(name);
	const char *p;

	for (p = mta; p != NULL && (p = strstr(p, name)) != NULL; p += n)
		if ((p == mta || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* remote_said - do the words come from the receiving server itself: a
 * DSN names the Remote-MTA whose permanent SMTP reply the diagnostic is
 * (Haraka, and any MTA that does not say at which command), and no
 * status of another subject (X.2 mailbox, X.7 policy) contradicts it? */
static int
remote_said(const struct classify_input *in, const char *status)
{
	const char *d = in->diagnostic;

	if (!in->remote_reply || d == NULL)
		return 0;
	while (*d == ' ')
		d++;
	if (d[0] != '5')
		return 0;
	return status[0] == '\0' || strncmp(status + 1, ".0.", 3) == 0 ||
	    strncmp(status + 1, ".1.", 3) == 0;
}

/* own_domain - is the recipient's domain served by one of the reporting
 * hosts (mta: space-separated names): the same name, or a host of it
 * ("mx.example.org" for example.org)? */
static int
own_domain(const char *recipient, const char *mta)
{
	const char *at, *p, *e;
	size_t      n;

	if (recipient == NULL || mta == NULL ||
	    (at = strrchr(recipient, '@')) == NULL || at[1] == '\0')
		return 0;
	at++;
	n = strlen(at);
	for (p = mta; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		size_t len;
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (len >= n && g_ascii_strncasecmp(e - n, at, n) == 0 &&
		    (len == n || e[-(long)n - 1] == '.'))
			return 1;
	}
	return 0;
}

/* success_action - does a DSN Action say the message got through? */
static int
success_action(const char *a)
{
	return a != NULL &&
	    (g_ascii_strcasecmp(a, "delivered") == 0 ||
		g_ascii_strcasecmp(a, "relayed") == 0 ||
		g_ascii_strcasecmp(a, "expanded") == 0);
}

void
classify_rcpt(const struct classify_input *in, struct classify_result *out)
{
	const struct classify_status  *srow = NULL;
	const struct classify_reply   *rrow = NULL;
	const struct classify_pattern *pat = NULL, *fallback = NULL;
	const struct classify_pattern *by = NULL; /* the row that decided */
	const struct classify_reason  *why;
	const char                    *r;
	int         by_status = 0; /* the status code decided (rule "status") */
	int         unclassified = 0; /* words no rule understands */
	char        found_reply[4], found_status[16];
	const char *cmd;
	int         temporary, delayed, unix_mailer, gave_up;

	memset(out, 0, sizeof(*out));
	out->cls = CLASS_UNKNOWN;

	/* "Diagnostic-Code: X-Unix; 255" is the exit status of the local
	 * delivery program (RFC 3464 2.3.6), not an SMTP reply. */
	unix_mailer = in->diagnostic_type != NULL &&
	    g_ascii_strncasecmp(in->diagnostic_type +
		    strspn(in->diagnostic_type, " \t"),
		"x-unix", 6) == 0;
	/* The codes: the fields first, else the first found in the text. */
	classify_find_codes(unix_mailer ? NULL : in->diagnostic, found_reply,
	    found_status);
	if (status_valid(in->status) && generic_status(in->status) &&
	    strcmp(found_status, in->status) == 0)
		inner_status(in->diagnostic, in->status, found_reply,
		    found_status);
	if (status_valid(in->status) && status_valid(found_status) &&
	    !(generic_status(found_status) && !generic_status(in->status)) &&
	    (found_status[0] == in->status[0] ||
		/* a class disagreement: the side the Action agrees with */
		(found_status[0] == '5' && in->action != NULL &&
		    g_ascii_strcasecmp(in->action, "failed") == 0) ||
		/* Exim writes 5.0.0 for every failure it gives up on: the
		 * remote reply's own code ("452 4.2.2") says more */
		(strcmp(in->status + 1, ".0.0") == 0 &&
		    !generic_status(found_status))))
		g_strlcpy(out->status, found_status, sizeof(out->status));
	else if (status_valid(in->status))
		g_strlcpy(out->status, in->status, sizeof(out->status));
	else if (found_status[0] != '\0' && status_valid(found_status))
		g_strlcpy(out->status, found_status, sizeof(out->status));
	if (reply_valid(in->reply_code))
		g_strlcpy(out->reply_code, in->reply_code,
		    sizeof(out->reply_code));
	else if (reply_valid(found_reply))
		g_strlcpy(out->reply_code, found_reply,
		    sizeof(out->reply_code));

	if (in->complaint) {
		/* A feedback report is a subscriber's complaint, except the
		 * kinds that are not: a failed SPF/DKIM/DMARC check (RFC
		 * 6591) or a virus is about the sender, and "not-spam" says
		 * the opposite of a complaint (RFC 6430). */
		const char *ft =
		    in->feedback_type != NULL ? in->feedback_type : "";
		out->reason = "feedback";
		out->status[0] = '\0';
		if (g_ascii_strcasecmp(ft, "auth-failure") == 0 ||
		    g_ascii_strcasecmp(ft, "virus") == 0) {
			out->cls = CLASS_BLOCK;
			out->rule = "arf:sender";
		} else if (g_ascii_strcasecmp(ft, "not-spam") == 0) {
			out->cls = CLASS_IGNORE;
			out->rule = "arf:not-spam";
		} else {
			out->cls = CLASS_COMPLAINT;
			out->rule = "arf";
		}
		return;
	}
	if (in->autoreply) {
		out->cls = CLASS_IGNORE;
		out->reason = "vacation";
		out->rule = "rfc3834";
		out->status[0] = '\0';
		return;
	}

	delayed = in->action != NULL &&
	    g_ascii_strcasecmp(in->action, "delayed") == 0;
	if (success_action(in->action) || out->status[0] == '2') {
		out->cls = CLASS_IGNORE;
		out->reason = "delivered";
		out->rule = "success";
		return;
	}

	if (out->status[0] == '4' || out->status[0] == '5')
		temporary = out->status[0] == '4';
	else if (out->reply_code[0] == '4' || out->reply_code[0] == '5')
		temporary = out->reply_code[0] == '4';
	else
		temporary = in->temporary == 1 || delayed;

	srow = classify_status_lookup(out->status);
	if (out->reply_code[0] != '\0')
		rrow = classify_reply_lookup(atoi(out->reply_code));
	pat = classify_match(in->diagnostic, in->mta);
	/* words that say the MTA stopped trying, whatever decides the
	 * reason (a strong 4.4.7 does for OpenSMTPD's "Envelope expired") */
	gave_up = pat != NULL && (pat->flags & CLASSIFY_PAT_GAVE_UP) != 0;
	if (pat != NULL && pat->final < 0 &&
	    ((srow != NULL && srow->reason != NULL) ||
		(rrow != NULL && rrow->reason != NULL))) {
		fallback = pat;
		pat = NULL;
	}

	if (in->action != NULL &&
	    g_ascii_strcasecmp(in->action, "expired") == 0) {
		/* a non-standard Action (SendGrid) that says it all */
		out->reason = "expired";
		out->rule = "action";
	} else if ((out->reason = classify_category_reason(in->category)) !=
	    NULL) {
		out->rule = "mta-category";
		out->final = 1;
	} else if (srow != NULL && srow->strong && srow->reason != NULL &&
	    !(pat != NULL && pat->final > 0) &&
	    !(pat != NULL && strcmp(pat->reason, "mailboxfull") == 0 &&
		strcmp(srow->reason, "userunknown") == 0)) {
		out->reason = srow->reason;
		out->rule = "status";
		by_status = 1;
	} else if (pat != NULL) {
		out->reason = pat->reason;
		out->rule = pat->rule;
		out->final = pat->final;
		by = pat;
	} else if (delayed && !unix_mailer && srow != NULL &&
	    g_str_has_suffix(out->status, ".0")) {
		/* a delay notice whose code names only a subject ("4.4.0
		 * some network trouble"): what it reports is the wait */
		out->reason = "expired";
		out->rule = "delayed";
	} else if (unix_mailer) {
		/* the local delivery program (procmail, a pipe) failed with
		 * an exit status and no words: more precise than a weak
		 * status ("5.3.0 other mail system status") */
		out->reason = "mailererror";
		out->rule = "x-unix";
	} else if (srow != NULL && srow->reason != NULL) {
		out->reason = srow->reason;
		out->rule = "status";
		by_status = 1;
	} else if (rrow != NULL && rrow->reason != NULL) {
		out->reason = rrow->reason;
		out->rule = "reply";
	} else if (fallback != NULL) {
		out->reason = fallback->reason;
		out->rule = fallback->rule;
		by = fallback;
	} else if ((r = classify_domain_reason(in->recipient)) != NULL) {
		out->reason = r;
		out->rule = "domain";
	} else if (delayed) {
		out->reason = "expired";
		out->rule = "delayed";
	} else if (in->diagnostic != NULL && in->diagnostic[0] != '\0' &&
	    !in->diagnostic_shared) {
		/* the receiver said something about this recipient that no
		 * rule understands: on hold until someone reads it */
		out->reason = "onhold";
		out->rule = "unclassified";
		unclassified = 1;
	} else {
		out->reason = "undefined";
		out->rule = "none";
	}

	cmd = out->final ? NULL : in->command;
	if (!out->final && strcmp(out->reason, "userunknown") == 0 &&
	    !by_status &&
	    !(by != NULL && (by->flags & CLASSIFY_PAT_ADDRESS_REJECT)) &&
	    found_status[0] != '\0' &&
	    strncmp(found_status + 1, ".7.", 3) == 0) {
		/* "User unknown" in words while the receiver's own code is
		 * X.7.x (security or policy, RFC 3463): the evidence
		 * disagrees, so no unsubscribe on it.  Not Postfix's
		 * "Recipient address rejected: Access denied": that is an
		 * access-table REJECT of the address, which Postfix always
		 * answers with 5.7.1, so the code adds nothing to the words */
		out->reason = "filtered";
		out->rule = "userunknown:policy-status";
		by = NULL;
	}
	if (!out->final && strcmp(out->reason, "userunknown") == 0 &&
	    !by_status && !address_status(out->status) && cmd == NULL &&
	    !remote_said(in, out->status)) {
		/* "User unknown" in words only, at no known SMTP stage and
		 * without an addressing status: receivers (Japanese mobile
		 * carriers among them) say it of filter rejections too, and a
		 * wrong "hard" unsubscribes a live address.  Soft until a
		 * report corroborates it. */
		out->reason = "filtered";
		out->rule = "userunknown:unconfirmed";
		by = NULL;
	}
	if (strcmp(out->rule, "host:unrouteable-address") == 0 &&
	    own_domain(in->recipient, in->mta)) {
		/* Exim's "Unrouteable address" for an address of a domain
		 * the reporting host itself serves: no router took the local
		 * part, the domain is fine (for a remote domain it is the
		 * DNS that failed) */
		out->reason = "userunknown";
		out->rule = "host:unrouteable-local";
		by = NULL;
	}
	if (cmd != NULL && strcmp(cmd, "DATA") == 0 &&
	    strcmp(out->reason, "userunknown") == 0 && !by_status) {
		out->reason = "filtered";
		out->rule = "command:data";
		by = NULL;
	} else if (cmd != NULL && strcmp(cmd, "CONN") == 0 &&
	    (strcmp(out->reason, "undefined") == 0 || unclassified ||
		classify_reason_lookup(out->reason)->cls == CLASS_HARD)) {
		/* refused before any address was given: the sending host */
		out->reason = "blocked";
		out->rule = "command:connect";
		by = NULL;
	} else if (cmd != NULL && strcmp(cmd, "MAIL") == 0 &&
	    (strcmp(out->reason, "userunknown") == 0 ||
		strcmp(out->reason, "hostunknown") == 0 ||
		(by != NULL && (by->flags & CLASSIFY_PAT_SENDER_AT_MAIL)))) {
		/* refused at MAIL FROM, in words that do not name the
		 * sending host: the sender address */
		out->reason = "rejected";
		out->rule = "command:mail";
		by = NULL;
	}

	/* A report that gives up (Action: failed, or a text that calls it
	 * permanent) with a temporary code after the receiver could not be
	 * reached: the queue lifetime ran out, and that is what the operator
	 * needs to know; the last attempt's error stays in the diagnostic.
	 * (DNS answers and loops stay networkerror: they are about the
	 * domain, not the time.) */
	if (by != NULL && (by->flags & CLASSIFY_PAT_UNREACHED) && temporary &&
	    ((in->action != NULL &&
		 g_ascii_strcasecmp(in->action, "failed") == 0) ||
		in->temporary == 0)) {
		out->reason = "expired";
		out->rule = "failed:temporary";
	}
	if (out->status[0] == '\0') {
		/* Exim defers a full mailbox and an unreachable host, and
		 * bounces them only when the retry rules run out ("mailbox is
		 * full: retry timeout exceeded"): with no code in its notice,
		 * the failure is a transient condition that persisted, which
		 * RFC 3463 puts in class 4.  (Exim's DSN part, when there is
		 * one, says 5.0.0 whatever the cause; it is not used here.) */
		int transient = temporary ||
		    (out->reply_code[0] == '\0' && mta_named(in->mta, "exim") &&
			(strcmp(out->reason, "expired") == 0 ||
			    strcmp(out->reason, "mailboxfull") == 0));
		pseudo_status(out->reason, transient, out->status);
		out->status_derived = out->status[0] != '\0';
	}

	why = classify_reason_lookup(out->reason);
	out->cls = why != NULL ? why->cls : CLASS_UNKNOWN;
	/* A domain that does not resolve for now is DNS trouble, not a dead
	 * domain. */
	if (strcmp(out->reason, "hostunknown") == 0 && temporary) {
		out->reason = "networkerror";
		out->rule = "hostunknown:temporary";
		out->cls = CLASS_SOFT;
	}
	/* A domain that refuses mail for now may accept it later; the other
	 * hard reasons name the address itself, whatever the code says. */
	if (out->cls == CLASS_HARD && temporary &&
	    strcmp(out->reason, "notaccept") == 0)
		out->cls = CLASS_SOFT;
	/* a delay notice changes nothing, unless its words say the MTA gave
	 * up: then the message is dropped and the subscriber missed it */
	if (delayed && !gave_up)
		out->cls = CLASS_IGNORE;
}
