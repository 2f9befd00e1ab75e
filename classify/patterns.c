/*
 * patterns.c - diagnostic-text patterns mapped to a reason.
 *
 * Order matters: the first row that matches wins, so rows go from the most
 * specific wording to the most general, and a phrase that contains another
 * reason's phrase ("not listed in the address book" contains "listed in")
 * sits above it.  A pattern is a lower-case substring, or a GLib regular
 * expression (PCRE, matched caselessly) when it starts with "re:".
 *
 * Rows name the provider where the wording is one provider's own; the rule
 * name is what `rebound parse --why` prints.
 */
#include <string.h>

#include <glib.h>

#include "classify.h"

static const struct classify_pattern pattern_table[] = {
	/* Tier 1, provider wording: precise and stable. */
	{ "google:nosuchuser", "userunknown",
	  "the email account that you tried to reach does not exist" },
	{ "google:overquota", "mailboxfull",
	  "the email account that you tried to reach is over quota" },
	{ "google:overquota-inbox", "mailboxfull",
	  "inbox is out of storage space" },
	{ "google:disabled", "suspend",
	  "the email account that you tried to reach is disabled" },
	{ "google:inactive", "suspend",
	  "the email account that you tried to reach is inactive" },
	{ "google:ratelimit", "ratelimited",
	  "receiving mail at a rate that" },
	{ "google:unsolicited", "spamdetected",
	  "has been blocked. for more information, review" },
	{ "google:authfail", "authfailure",
	  "this message does not have authentication information" },
	{ "google:dmarc", "authfailure", "unauthenticated email from" },
	{ "google:ptr", "requireptr",
	  "does not meet ipv6 sending guidelines regarding ptr" },
	{ "google:groups", "rejected",
	  "you may not have permission to post messages to the group" },
	{ "google:groups2", "rejected", "group you tried to contact" },
	{ "google:noconnect", "expired",
	  "did not accept our requests to connect" },
	{ "microsoft:messagesfromip", "blocked",
	  "re:\\bmessages from \\[?\\d{1,3}(\\.\\d{1,3}){3}\\]? weren't sent" },
	{ "microsoft:dmarc", "authfailure",
	  "sending domain does not pass dmarc" },
	{ "microsoft:banned", "blocked", "banned sending ip" },
	{ "microsoft:blocklist", "blocked", "is on our block list" },
	{ "microsoft:recipnotfound", "userunknown",
	  "recipient not found by smtp address lookup" },
	{ "microsoft:mailboxunavailable", "userunknown",
	  "requested action not taken: mailbox unavailable" },
	{ "microsoft:resolver-adr", "userunknown", "resolver.adr.recipientnotfound" },
	{ "microsoft:resolver-rst", "filtered", "resolver.rst.notauthorized" },
	{ "microsoft:access-denied", "filtered",
	  "access denied, pre-authentication" },
	{ "microsoft:quota", "mailboxfull", "mailbox size limit exceeded" },
	{ "yahoo:nosuchuser", "userunknown", "doesn't have a yahoo.com account" },
	{ "yahoo:nosuchuser2", "userunknown", "this user doesn't have a" },
	{ "yahoo:disabled", "suspend", "user account is unavailable" },
	{ "yahoo:deferred", "blocked", "messages from [" },
	{ "yahoo:blocked", "blocked", "temporarily deferred due to user complaints" },
	{ "apple:nosuchuser", "userunknown", "no such recipient here" },
	{ "apple:disabled", "suspend", "user account disabled" },
	{ "godaddy:ipblock", "blocked", "ip address is listed in the" },
	{ "godaddy:nosuchuser", "userunknown", "invalid recipient -" },
	{ "domino:nosuchuser", "userunknown",
	  "not listed in public name & address book" },
	{ "domino:nosuchuser2", "userunknown", "not listed in domino directory" },
	{ "domino:nosuchuser3", "userunknown", "not listed in the domino directory" },

	/* Tier 2, verdicts on the sender that outrank anything said about the
	 * address: authentication, reverse DNS, reputation, block lists, spam
	 * and malware. */
	{ "auth:dmarc", "authfailure", "re:\\bdmarc\\b.*\\b(fail|reject|polic|verif|check)" },
	{ "auth:dmarc2", "authfailure", "re:\\b(fail|not pass|did not pass|rejected)\\w*\\b.*\\bdmarc\\b" },
	{ "auth:spf", "authfailure", "re:\\bspf\\b.*\\b(fail|softfail|hardfail|reject|check|validation|record|not designate|error)" },
	{ "auth:spf2", "authfailure", "re:\\b(fail|failed|did not pass)\\w*\\b.*\\bspf\\b" },
	{ "auth:dkim", "authfailure", "re:\\bdkim\\b.*\\b(fail|invalid|bad|missing|required|verif)" },
	{ "auth:designate", "authfailure", "does not designate" },
	{ "auth:notpermittedsend", "authfailure", "is not allowed to send mail from" },
	{ "auth:senderauth", "authfailure", "sender authentication failed" },
	{ "auth:unauthenticated", "authfailure", "unauthenticated email" },
	{ "auth:senderid", "authfailure", "sender id (pra)" },
	{ "ptr:reversedns", "requireptr", "re:reverse (dns|lookup|hostname|name)" },
	{ "ptr:ptr", "requireptr", "re:\\bptr\\b.*\\b(record|lookup|missing|required|no|not)\\b" },
	{ "ptr:noptr", "requireptr", "re:\\bno ptr\\b" },
	{ "ptr:rdns", "requireptr", "re:\\brdns\\b" },
	{ "ptr:cannotfindhostname", "requireptr", "cannot find your hostname" },
	{ "ptr:cannotfindreverse", "requireptr", "cannot find your reverse hostname" },
	{ "ptr:namelookup", "requireptr", "ip name lookup failed" },
	{ "ptr:nohostname", "requireptr", "re:client host .* has no (ptr|hostname)" },
	{ "ptr:unresolvable-client", "requireptr", "re:(unresolvable|cannot resolve|could not resolve) (client|your|the) (ip|host|address)" },
	{ "ptr:dynamic", "requireptr", "re:\\b(dynamic|dial-?up|residential|generic) (ip|address|host|range|pool)" },
	{ "reputation:bad", "badreputation", "re:\\b(bad|poor|low|negative) (ip |sender |domain )?reputation" },
	{ "reputation:ip", "badreputation", "re:\\breputation of (the|your) (ip|sending|sender|domain)" },
	{ "reputation:prevent", "badreputation", "to protect our users from spam, mail sent from your ip" },
	{ "block:blockedusing", "blocked", "blocked using" },
	{ "block:spamhaus", "blocked", "spamhaus" },
	{ "block:spamcop", "blocked", "spamcop" },
	{ "block:sorbs", "blocked", "sorbs" },
	{ "block:barracuda", "blocked", "barracuda reputation" },
	{ "block:dnsbl", "blocked", "re:\\b(dnsbl|rbl|rhsbl|dnsrbl|uribl)\\b" },
	{ "block:blacklist", "blocked", "re:\\b(black|block|deny|ban)[- ]?list(ed)?\\b" },
	{ "block:listedin", "blocked", "re:\\b(is|are|was|been|currently) listed (in|on|at|by)\\b" },
	{ "block:listed", "blocked", "re:\\blisted (in|on|at|by) (the )?\\S*(bl|list|spam)" },
	{ "block:ratelimitcomplaint", "blocked", "due to user complaints" },
	{ "content:virus", "virusdetected", "re:\\b(virus|malware|trojan|worm|infected|phishing)\\b" },
	{ "content:spam", "spamdetected", "re:\\b(spam|junk|bulk|unsolicited)( (mail|e-?mail|message|content|score|detected|filter))?\\b" },
	{ "content:spamlike", "spamdetected", "re:(looks like|identified as|classified as|considered|detected as|scored as|rejected as|appears to be|suspected) (spam|junk|unsolicited)" },
	{ "content:uce", "spamdetected", "re:\\buce\\b" },

	/* Tier 3, the address and its mailbox: size, quota, disabled, moved,
	 * relaying, the sender address, unknown user, unknown domain. */
	{ "size:toobig", "mesgtoobig", "re:\\b(message|mail|email|e-mail)s? (size |length )?(is |was )?(too (large|big|long)|exceeds?|larger than)" },
	{ "size:limit", "mesgtoobig", "re:\\b(message |mail |e-?mail )?size (limit|exceeds|exceeded|too)" },
	{ "size:maxsize", "mesgtoobig", "re:\\bmax(imum)? (message |allowed )?size\\b" },
	{ "size:toolarge", "mesgtoobig", "re:\\btoo (large|big)\\b" },
	{ "mailbox:full", "mailboxfull", "re:\\b(mailbox|mail box|inbox|mail ?folder|account|mailfolder|mail directory|user|recipient|disk|storage)( is| has)? (full|over ?quota|out of (storage|space))" },
	{ "mailbox:quota", "mailboxfull", "re:\\b(over|exceed(s|ed)?|exceeding|reached|beyond|above)( (the|its|his|her|their|your|allowed|disk|mailbox|storage|size))* quota" },
	{ "mailbox:quota2", "mailboxfull", "re:\\bquota (exceeded|full|violation|reached|limit)" },
	{ "mailbox:insufficient", "mailboxfull", "re:(not enough|insufficient|no) (disk |storage )?space" },
	{ "mailbox:storage", "mailboxfull", "re:\\b(storage|disk) (allocation|limit|space)\\b" },
	{ "mailbox:toomanymessages", "mailboxfull", "too many messages in" },
	{ "mailbox:full2", "mailboxfull", "re:\\b(is|are|mailbox) full\\b" },
	{ "mailbox:exceeded", "mailboxfull", "re:\\b(mailbox|mail box)( \\S+)? (has )?exceeded\\b" },
	{ "mailbox:exceedlimit", "exceedlimit", "re:exceeds? (the )?(administrative|per-mailbox) limit" },
	{ "mailbox:disabled", "suspend", "re:\\b(account|mailbox|user|address|recipient)( \\S+)? (is |has been |was |temporarily |currently )*(disabled|suspended|deactivated|inactive|frozen|locked|blocked|closed|not active|on hold|expired)" },
	{ "mailbox:suspended", "suspend", "re:\\b(disabled|suspended|inactive|deactivated|expired) (account|mailbox|user)\\b" },
	{ "mailbox:moved", "hasmoved", "re:\\b(has moved|moved to|no longer (with|at|employed|in use|available|valid)|address (has )?changed|not here anymore|new address)" },
	{ "relay:denied", "norelaying", "re:\\b(relay(ing)?|relay access) (is )?(denied|not (permitted|allowed)|prohibited|refused)" },
	{ "relay:unable", "norelaying", "re:\\b(unable|not permitted|not allowed|cannot|can't|do not|we do not|don't) (to )?relay\\b" },
	{ "relay:notgateway", "norelaying", "not a gateway" },
	{ "sender:rejected", "rejected", "re:\\b(sender|from|envelope|return-path|return path|originator)( address)? (\\S+ )?(rejected|refused|denied|not (allowed|accepted|permitted)|invalid|unknown|blocked)" },
	{ "sender:domain", "rejected", "re:\\b(domain of sender|sender domain|sender's domain|sender address)\\b" },
	{ "sender:verify", "rejected", "re:\\bsender verif(y|ication)\\b" },
	{ "sender:invalid", "rejected", "re:\\b(invalid|bad|unknown) sender\\b" },
	{ "sender:mailfrom", "rejected", "re:\\bmail from\\b.*\\b(rejected|refused|denied|invalid)" },
	{ "user:unknown", "userunknown", "re:\\b(user|recipient|mailbox|address|account|addressee|local part|local-part|destination)( name| address)? (is )?(unknown|not found|not known|does ?n[o']t exist|not exist|invalid|not valid|unavailable|not available)" },
	{ "user:unknown2", "userunknown", "re:\\b(unknown|invalid|bad|non-?existent|nonexisting|no such|not a valid) (local )?(user|recipient|mailbox|address|e-?mail address|account|addressee|destination)" },
	{ "user:nosuch", "userunknown", "re:\\bno (such|valid) (user|mailbox|account|recipient|address|person)" },
	{ "user:doesnotexist", "userunknown", "re:\\b(does not|doesn't|did not|no longer) exists?\\b" },
	{ "user:notlisted", "userunknown", "re:not (listed|found) in (the )?(directory|address book|recipient list)" },
	{ "user:rejected", "userunknown", "re:\\b(recipient|rcpt)( address)? rejected(\\W*$|\\W+access denied)" },
	{ "user:addressrejected", "userunknown", "re:^\\W*([245]\\d\\d\\W+)?(#?[245]\\.\\d+\\.\\d+\\W+)?address rejected\\b" },
	{ "user:unrouteable", "userunknown", "unrouteable address" },
	{ "user:notourcustomer", "userunknown", "not our customer" },
	{ "user:unknownlocal", "userunknown", "unknown local part" },
	{ "user:mailboxunavailable", "userunknown", "mailbox unavailable" },
	{ "user:nomailbox", "userunknown", "re:\\bno mailbox\\b" },
	{ "user:badrcpt", "userunknown", "bad recipient" },
	{ "user:doesnothave", "userunknown", "re:there is no (one|user|mailbox)" },
	{ "user:checkaddress", "userunknown", "re:check (if|whether|that) (the )?(e-?mail |recipient )?address is correct" },
	{ "user:ja-notindirectory", "userunknown", "ディレクトリのリストにありません" },
	{ "user:ja-notfound", "userunknown", "見つかりません" },
	{ "user:ja-notexist", "userunknown", "存在しません" },
	{ "user:notavalid", "userunknown", "is not a valid" },
	{ "host:unknown", "hostunknown", "re:\\b(host|domain|hostname|domain name|recipient domain)( name)? (is )?(unknown|not found|not known|does ?n[o']t exist|invalid|not valid|unresolvable|could not be (found|resolved))" },
	{ "host:unknown2", "hostunknown", "re:\\b(unknown|invalid|no such|non-?existent|unresolvable) (host|domain)" },
	{ "host:nxdomain", "hostunknown", "re:\\bnxdomain\\b" },
	{ "host:nomx", "hostunknown", "re:\\bno (mx|dns|a) (record|entry|entries|host)" },
	{ "host:unrouteable", "hostunknown", "unrouteable mail domain" },
	{ "host:nosmtp", "notaccept", "indicated no smtp service" },
	{ "host:nameservice", "hostunknown", "name or service not known" },

	/* Tier 4, generic refusals of the sending host; below tier 3 because
	 * "access denied" or "rejected" next to "user unknown" is about the user. */
	{ "block:ipblocked", "blocked", "re:\\b(ip|ip address|client|client host|host|network|sender ip|sending ip|connection)( \\S+)? (is |has been |was )?(blocked|banned|rejected|refused|denied|not allowed|prohibited)" },
	{ "block:yourip", "blocked", "re:\\byour (ip|host|server|network|mail server)\\b.*\\b(block|blocked|listed|rejected|refused|denied|banned|not allowed)\\b" },
	{ "block:clienthost", "blocked", "client host rejected" },
	{ "block:clientdenied", "blocked", "re:(connection|access) (refused|denied|rejected) (by|from|for) " },
	{ "block:accessdenied", "blocked", "re:\\baccess denied\\b" },
	{ "block:notallowedconnect", "blocked", "not allowed to connect" },
	{ "block:heloreject", "blocked", "re:\\b(helo|ehlo)\\b.*\\b(rejected|invalid|denied|refused)" },
	{ "block:blocked", "blocked", "re:\\b(has been|have been|was|were|are|is|temporarily|permanently) (blocked|banned)\\b" },
	{ "block:refused", "blocked", "re:\\bmail (from .* )?(refused|rejected)\\b" },

	/* Tier 5, policy, filters, rates, time, network, system, content. */
	{ "policy:violation", "policyviolation", "re:polic(y|ies) (violation|reasons|restriction)" },
	{ "policy:violates", "policyviolation", "re:\\bviolat(es|ed|ion of|ing)\\b" },
	{ "policy:prohibited", "policyviolation", "re:\\b(content|message|attachment|file type|extension)s? (is |are )?(prohibited|not allowed|forbidden)" },
	{ "policy:localpolicy", "policyviolation", "re:\\b(local|our|site|security|organization|company) polic(y|ies)\\b" },
	{ "filter:content", "filtered", "re:\\b(content |message )?filter(ed|ing)?\\b" },
	{ "filter:notauthorized", "filtered", "re:\\bnot (authori[sz]ed|allowed|permitted) to (receive|accept|send)" },
	{ "filter:recipientrefused", "filtered", "re:\\b(rejected|refused|declined) by (the )?(recipient|user|destination)" },
	{ "filter:deliverynotauthorized", "filtered", "delivery not authorized" },
	{ "filter:doesnotaccept", "filtered", "re:does not (accept|wish to receive) (mail|messages|e-?mail)" },
	{ "rate:toomanyconn", "toomanyconn", "re:too many (connections|concurrent|sessions|simultaneous|recipients|smtp sessions)" },
	{ "rate:connlimit", "toomanyconn", "re:connection (limit|rate limit)" },
	{ "rate:ratelimit", "ratelimited", "re:\\b(rate[- ]limit|rate limited|throttl|too many (messages|emails|mails|requests|e-mails)|sending rate|exceeded the rate)" },
	{ "rate:speeding", "speeding", "re:\\b(too fast|slow down|sending too quickly)\\b" },
	{ "rate:greylist", "onhold", "re:\\b(grey|gray)[- ]?list" },
	{ "time:expired", "expired", "re:\\b(retry time|delivery time|time|timeout) (expired|exceeded|has been exceeded)" },
	{ "time:expired2", "expired", "re:\\b(message|mail|envelope) (has )?expired\\b" },
	{ "time:giveup", "expired", "re:(could not be delivered|was not delivered|undeliverable|not been delivered|unable to deliver).{0,40}\\b(for|within|after) (the last )?\\d+ ?(days|hours|minutes)" },
	{ "time:failing", "expired", "have been failing for a long time" },
	{ "time:retrytimeout", "expired", "retry timeout exceeded" },
	{ "time:willretry", "expired", "re:\\bwill be retried for\\b" },
	{ "time:lastseconds", "expired", "re:could not deliver for the last \\d+" },
	{ "time:toolong", "expired", "re:\\btoo long\\b.*\\bqueue\\b" },
	{ "time:queued", "expired", "re:\\b(has been|was) (in the )?queued? for\\b" },
	{ "net:loop", "networkerror", "re:\\b(mail|routing|delivery|message) loop|loops? back|too many hops|hop count exceeded" },
	{ "net:refused", "networkerror", "re:\\bconnection (refused|timed out|reset|lost|dropped|closed)" },
	{ "net:unreachable", "networkerror", "re:\\b(network|host) (is )?unreachable|no route to host" },
	{ "net:dns", "networkerror", "re:\\bdns (error|failure|lookup failed|timeout|problem)" },
	{ "net:lost", "networkerror", "lost connection" },
	{ "system:full", "systemfull", "re:\\b(system|disk|server|queue) (is )?full|insufficient system storage|out of disk" },
	{ "system:notaccept", "notaccept", "re:\\b(does not|doesn't|not|no longer) accept(ing|s)? (any )?(e-?mail|mail|messages)\\b|null mx|accepts no mail" },
	{ "system:mailer", "mailererror", "re:\\b(mailer error|unknown mailer|program failed|command died|procmail|exit status|pipe to \\|)" },
	{ "system:error", "systemerror", "re:\\b(system|internal|server|local|temporary|configuration) (error|failure|problem)" },
	{ "system:misconfig", "systemerror", "re:\\bmis-?configur" },
	{ "content:mime", "contenterror", "re:\\b(mime|encoding|charset|header|8bit|8-bit|binary|attachment)s? (is |are )?(invalid|not (supported|permitted|allowed)|error|malformed|rejected)" },
	{ "content:rfc", "notcompliantrfc", "re:\\b(not (compliant|complying|conform)|non-?compliant|violates) (with )?(rfc|the rfc|standards?)|rfc ?5322|rfc ?2822|rfc ?822" },
	{ "syntax:error", "syntaxerror", "re:\\bsyntax error|command unrecogni[sz]ed|unrecogni[sz]ed command|bad sequence of commands" },
	{ "security:tls", "securityerror", "re:\\b(tls|starttls|encryption|ssl) (is )?(required|needed|must)|must (issue a )?starttls|authentication required|must authenticate" },

	/* Last resort: Postfix frames every recipient restriction as
	 * "Recipient address rejected: <reason>"; only when no row above
	 * understood the reason is it about the address. */
	{ "user:rejected-generic", "userunknown", "re:\\b(recipient|rcpt)( address)? rejected\\b" },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Compiled regexes, one per row (NULL for substring rows); built once. */
static GRegex *compiled[NITEMS(pattern_table)];

/* compile_patterns - compile the "re:" rows; a bad row aborts (a bug) */
static gpointer
compile_patterns(gpointer unused)
{
	GError *err = NULL;
	size_t i;

	for (i = 0; i < NITEMS(pattern_table); i++) {
		if (strncmp(pattern_table[i].text, "re:", 3) != 0)
			continue;
		compiled[i] = g_regex_new(pattern_table[i].text + 3,
		    G_REGEX_CASELESS | G_REGEX_OPTIMIZE | G_REGEX_RAW |
		    G_REGEX_DOTALL, 0, &err);
		if (compiled[i] == NULL)
			g_error("pattern %s: %s", pattern_table[i].rule,
			    err->message);
	}
	return NULL;
}

const struct classify_pattern *
classify_pattern_table(size_t *n)
{
	*n = NITEMS(pattern_table);
	return pattern_table;
}

const struct classify_pattern *
classify_match_text(const char *text)
{
	static GOnce once = G_ONCE_INIT;
	char *lower;
	const struct classify_pattern *hit = NULL;
	size_t i;

	if (text == NULL || text[0] == '\0')
		return NULL;
	g_once(&once, compile_patterns, NULL);
	lower = g_ascii_strdown(text, -1);
	for (i = 0; i < NITEMS(pattern_table) && hit == NULL; i++) {
		if (compiled[i] != NULL) {
			if (g_regex_match(compiled[i], lower, 0, NULL))
				hit = &pattern_table[i];
		} else if (strstr(lower, pattern_table[i].text) != NULL)
			hit = &pattern_table[i];
	}
	g_free(lower);
	return hit;
}
