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
 * name is what `rebound parse --why` prints.  Provider rows may have a
 * gate (below).
 */
#define _GNU_SOURCE	/* memmem */
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <glib.h>

#include "classify.h"

static const struct classify_pattern pattern_table[] = {
	/* Tier 1, provider wording: precise and stable, so final. */
	/* Gmail's reply ends with a support.google.com link, or comes from
	 * Google's MTAs: the same sentence from anyone else is a copy, not
	 * Google's lookup */
	{ "google:nosuchuser", "userunknown",
	  "re:the email account that you tried to reach does not exist.*\\b(google|gmail)", 1 },
	{ "google:overquota", "mailboxfull",
	  "the email account that you tried to reach is over quota", 1 },
	{ "google:overquota-inbox", "mailboxfull",
	  "inbox is out of storage space", 1 },
	{ "google:disabled", "suspend",
	  "the email account that you tried to reach is disabled", 1 },
	{ "google:inactive", "suspend",
	  "the email account that you tried to reach is inactive", 1 },
	{ "google:ratelimit", "ratelimited",
	  "receiving mail at a rate that", 1 },
	{ "google:securityissue", "policyviolation",
	  "because its content presents a potential", 1 },
	{ "google:unsolicited", "spamdetected",
	  "has been blocked. for more information, review", 1 },
	{ "google:authfail", "authfailure",
	  "this message does not have authentication information", 1 },
	{ "google:dmarc", "authfailure", "unauthenticated email from", 1 },
	{ "google:ptr", "requireptr",
	  "does not meet ipv6 sending guidelines regarding ptr", 1 },
	{ "google:groups", "rejected",
	  "you may not have permission to post messages to the group", 1 },
	{ "google:groups2", "rejected", "group you tried to contact", 1 },
	{ "google:groupspam", "spamdetected",
	  "was rejected due to spam classification", 1 },
	{ "google:noconnect", "expired",
	  "did not accept our requests to connect", 1 },
	/* Gmail's sender requirements: its X.7.2x codes are its own (4.7.27
	 * is SPF there, not RFC 7505's null MX; 4.7.23 is the PTR record),
	 * so its words decide */
	{ "google:senderauth", "authfailure",
	  "re:\\bsenders to authenticate (their email )?with (either )?(spf|dkim)|\\baligned with either the authenticated (spf|dkim)|\\bspf record of the sending domain has one or more suspicious entries", 1 },
	{ "google:ptr", "requireptr",
	  "re:\\b(doesn't|does not) have a ptr record\\b", 1 },
	{ "google:tls", "securityerror",
	  "re:\\bsenders to use tls/ssl\\b|\\btls required for rcpt domain\\b", 1 },
	{ "google:allowlist", "blocked", "ip not in whitelist for rcpt domain", 1 },
	{ "google:policy", "policyviolation",
	  "has a policy that prohibited the mail that you sent", 1 },
	{ "microsoft:messagesfromip", "blocked",
	  "re:\\bmessages from \\[?\\d{1,3}(\\.\\d{1,3}){3}\\]? weren't sent", 1 },
	/* Facebook's RCP-P2/P3: the recipient's preferences or privacy
	 * settings refuse the mail; the address exists */
	{ "facebook:preferences", "filtered",
	  "re:\\brcp-p[23]\\b|refused due to recipient preferences", 1 },
	/* Tencent (QQ mail) links each refusal to a help page
	 * (service.mail.qq.com/detail/122/NN); its MTAs are *.qq.com */
	{ "tencent:nosuchuser", "userunknown", "re:\\bmailbox not found\\b.*\\bqq\\.com\\b", 1 },
	{ "tencent:rate", "ratelimited", "re:\\bmailbox unavailable or access deni?ed\\b.*\\bqq\\.com\\b", 1 },
	{ "tencent:syntax", "syntaxerror", "re:\\bbad address syntax\\b.*\\bqq\\.com\\b", 1 },
	{ "tencent:blocked", "blocked", "re:\\bsuspected (bounce attacks|spam ip)\\b.*\\bqq\\.com\\b", 1 },
	/* i.ua (Ukraine) links each refusal to mail.i.ua/err/N */
	{ "iua:relay", "norelaying", "re:\\.i\\.ua/err/[16]\\b", 1 },
	{ "iua:nosuchuser", "userunknown", "re:\\.i\\.ua/err/2\\b", 1 },
	{ "iua:frozen", "suspend", "re:\\.i\\.ua/err/3\\b", 1 },
	{ "iua:full", "mailboxfull", "re:\\.i\\.ua/err/4\\b", 1 },
	{ "iua:limit", "ratelimited", "re:\\.i\\.ua/err/5\\b", 1 },
	{ "iua:blocked", "blocked", "re:\\.i\\.ua/err/[79]\\b", 1 },
	{ "iua:sender", "rejected", "re:\\.i\\.ua/err/8\\b", 1 },
	{ "iua:filter", "filtered", "re:\\.i\\.ua/err/10\\b", 1 },
	/* Mimecast's published refusals ("Mimecast SMTP error codes") */
	{ "mimecast:signature", "virusdetected",
	  "email rejected due to security policies", 1 },
	{ "mimecast:reputation", "badreputation", "local ct ip reputation", 1 },
	{ "mimecast:ipblock", "blocked", "ip temporarily blacklisted", 1 },
	{ "mimecast:senders", "rejected",
	  "re:\\benvelope blocked\\b|\\bblocked senders\\b|\\bblock policy for (header|envelope) from\\b", 1 },
	{ "mimecast:spoofing", "policyviolation",
	  "re:\\banti-spoofing policy\\b|\\bcontent examination policy\\b|\\bhost network not allowed\\b", 1 },
	{ "mimecast:tls", "securityerror",
	  "re:\\bthis route requires (encryption|tls|high-strength)", 1 },
	{ "mimecast:size", "mesgtoobig", "maximum email size exceeded", 1 },
	{ "mimecast:nosuchuser", "userunknown",
	  "re:\\binvalid recipient\\b.*\\[reported by [^]]*\\bmimecast\\b", 1 },
	/* Cox ends a refusal with "AUP#" and a code from its published
	 * list (cox.com, "email error codes"): block lists of the sending
	 * IP (CXBL, CDRBL, IPBLnnnn), its reverse DNS, its SPF/DKIM, its
	 * connection count and sending rate, block-listed URLs */
	{ "cox:blocklist", "blocked", "re:\\baup#(cxbl|cdrbl|ipbl[01]+)\\b", 1 },
	{ "cox:rdns", "requireptr", "re:\\baup#cxdns\\b", 1 },
	{ "cox:sender", "authfailure", "re:\\baup#cxsndr\\b", 1 },
	{ "cox:smtp", "rejected", "re:\\baup#cxsmtp\\b", 1 },
	{ "cox:connections", "toomanyconn", "re:\\baup#cxcnct\\b", 1 },
	{ "cox:rate", "ratelimited", "re:\\baup#cxmxrt\\b", 1 },
	{ "cox:url", "spamdetected", "re:\\baup#urlbl[01]+\\b", 1 },
	/* Spectrum (Charter, rr.com) numbers its refusals "AUP#1000" or
	 * "AUP#I-1000" (spectrum.net, "understanding email error codes") */
	{ "spectrum:ip", "blocked", "re:\\baup#[a-z-]*(1000|12[0-4][0-9]|1250)\\b", 1 },
	{ "spectrum:sender", "rejected", "re:\\baup#[a-z-]*(10[1-7][0-9]|1080|1500|1520)\\b", 1 },
	{ "spectrum:system", "systemerror", "re:\\baup#[a-z-]*1090\\b", 1 },
	{ "spectrum:rdns", "requireptr", "re:\\baup#[a-z-]*(11[0-4][0-9]|1150)\\b", 1 },
	{ "spectrum:policy", "policyviolation", "re:\\baup#[a-z-]*(11[6-8][0-9]|1190|1560)\\b", 1 },
	{ "spectrum:ipv6", "networkerror", "re:\\baup#[a-z-]*1260\\b", 1 },
	{ "spectrum:connections", "toomanyconn", "re:\\baup#[a-z-]*(13[0-3][0-9]|1340)\\b", 1 },
	{ "spectrum:rate", "speeding", "re:\\baup#[a-z-]*(13[5-9][0-9]|14[0-8][0-9]|1490|1540|1550|1580)\\b", 1 },
	{ "spectrum:size", "mesgtoobig", "re:\\baup#[a-z-]*1530\\b", 1 },
	/* Orange / Wanadoo and La Poste (France) end their refusals with a
	 * numbered code ("OFR_416", "LPN007_426", "OFR005_505"); the last
	 * three digits say why.  The "please try later" codes say nothing. */
	{ "orange:spam", "spamdetected", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])506\\b", 1 },
	{ "orange:blocked", "blocked", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(102|103|510|999)\\b", 1 },
	{ "orange:connections", "toomanyconn", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])104\\b", 1 },
	{ "orange:auth", "securityerror", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(305|402)\\b", 1 },
	{ "orange:sender", "rejected", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(403|405|415|421)\\b", 1 },
	{ "orange:nosuchuser", "userunknown", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(416|418)\\b", 1 },
	{ "orange:full", "mailboxfull", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])417\\b", 1 },
	{ "orange:disabled", "suspend", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(420|426)\\b", 1 },
	{ "orange:system", "systemerror", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])505\\b", 1 },
	{ "orange:size", "mesgtoobig", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])514\\b", 1 },
	{ "orange:tryagain", "undefined", "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(105|107|108|109|201|423|424|513)\\b", 1 },
	/* Deutsche Telekom (T-Online) ends its refusals with a category
	 * in brackets: BL is its block list */
	{ "t-online:blocklist", "blocked",
	  "re:a problem occurred\\..*\\(bl[0-9]*\\)", 1 },
	/* GMX and web.de: the sender's domain has no usable DNS, whatever
	 * "mailbox unavailable" before it says */
	{ "gmx:senderdns", "rejected",
	  "invalid dns mx or a/aaaa resource record", 1 },
	/* Recipient-validating gateways: McAfee's and Symantec.cloud's
	 * (MessageLabs) check each address against the customer's
	 * directory, and IMail against its own users, so their "no such
	 * user" is a lookup, not a filter's pretext.  MessageLabs refuses
	 * an address it does not know with a bare "542 <address> Rejected". */
	{ "mcafee:nosuchuser", "userunknown",
	  "re:\\b(no such user|user not exist|unknown user|user unknown)\\b.*\\[reported by [^]]*\\bmcafee\\b", 1 },
	{ "messagelabs:nosuchuser", "userunknown",
	  "re:(\\bno such user\\b|^542 \\S+ rejected\\b).*\\[reported by [^]]*\\bmessagelabs\\b", 1 },
	{ "imail:nosuchuser", "userunknown",
	  "re:\\b(unknown user|invalid final delivery userid):.*\\[reported by [^]]*\\bimail\\b", 1 },
	/* Amazon SES receiving keeps no mailboxes: its bounces are the
	 * fixed templates of a receipt rule the domain's owner wrote, and
	 * "Mailbox does not exist" is whatever that rule was for */
	{ "ses-inbound:rule", "filtered",
	  "re:\\bmailbox does not exist\\b.*\\[reported by [^]]*\\binbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com\\b", 1 },
	{ "ses-inbound:content", "contenterror",
	  "re:\\bmessage content rejected\\b.*\\[reported by [^]]*\\binbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com\\b", 1 },
	/* "550 : User unknown", the address left out where the reply
	 * names it: KDDI (au, ezweb) answers so after DATA, when the
	 * subscriber's own reception filter refused the message */
	{ "user:noaddress", "filtered", "re:\\b[45]\\d\\d:? : user unknown\\b", 1 },
	/* cPanel's Exim says this when its router cannot route the
	 * address (cannot_route_message): the domain did not resolve, the
	 * receiver was never reached, whatever "blacklisted" suggests */
	{ "cpanel:cannotroute", "hostunknown",
	  "the account or domain may not exist, they may be blacklisted, or missing the proper dns entries", 1 },
	/* Yandex answers an unknown address with 5.7.1 */
	{ "yandex:nosuchuser", "userunknown", "re:\\b5\\.7\\.1 no such user!", 1 },
	{ "google:addressnotfound", "userunknown",
	  "re:the address couldn.{1,3}t be found|\\*\\* address not found \\*\\*", 1 },
	{ "exchange:notrecognized", "userunknown",
	  "the recipient name is not recognized", 1 },
	{ "domino:ja-notindirectory", "userunknown", "domino ディレクトリには見つかりません", 1 },
	{ "notes:ja-notindirectory", "userunknown", "ディレクトリのリストにありません", 1 },
	{ "interscan:checkaddress", "userunknown",
	  "(and other recipients in the same domain). please check if address is correct", 1 },
	{ "microsoft:mailboxunavailable", "userunknown",
	  "re:requested action not taken: mailbox unavailable.*\\b(outlook|hotmail|office365|exchangelabs|protection\\.outlook)\\b", 1 },
	{ "microsoft:addressnotfound", "userunknown",
	  "re:the email address wasn.{1,3}t found at the destination domain|recipientnotfound", 1 },
	{ "microsoft:dmarc", "authfailure",
	  "sending domain does not pass dmarc", 1 },
	{ "microsoft:banned", "blocked", "banned sending ip", 1 },
	{ "microsoft:blocklist", "blocked", "is on our block list", 1 },
	{ "microsoft:recipnotfound", "userunknown",
	  "recipient not found by smtp address lookup", 1 },
	{ "microsoft:resolver-adr", "userunknown", "resolver.adr.recipientnotfound", 1 },
	{ "microsoft:recipsize", "exceedlimit", "resolver.rst.recipsizelimit", 1 },
	/* RESOLVER.RST.*: a restriction the recipient (a group that takes
	 * mail only from some senders) placed on who may write to it */
	{ "microsoft:resolver-rst", "filtered", "re:\\bresolver\\.rst\\.[a-z]+", 1 },
	/* the group or mailbox takes mail only from its organization, or
	 * from listed senders */
	{ "microsoft:senderrestriction", "filtered",
	  "re:\\bsender was not authenticated (by organization|for (group|mailbox|public folder))\\b|\\bsender not in allowed-senders list\\b", 1 },
	{ "microsoft:bannedrecipient", "suspend", "access denied, banned recipient", 1 },
	{ "microsoft:limits", "ratelimited", "has exceeded permitted limits within", 1 },
	{ "microsoft:rfc5322", "notcompliantrfc", "must be rfc 5322 section 3.6.2 compliant", 1 },
	/* Exchange Online's directory-based edge blocking: the address is
	 * not in the tenant's directory */
	{ "microsoft:dbeb", "userunknown",
	  "re:\\b5\\.4\\.1 recipient address rejected: access denied", 1 },
	{ "microsoft:access-denied", "filtered",
	  "access denied, pre-authentication", 1 },
	{ "microsoft:quota", "mailboxfull", "mailbox size limit exceeded", 1 },
	{ "yahoo:nosuchuser", "userunknown", "doesn't have a yahoo.com account", 1 },
	{ "yahoo:nosuchuser2", "userunknown", "this user doesn't have a", 1 },
	{ "yahoo:notvalid", "userunknown", "delivery error: dd not a valid recipient", 1 },
	{ "yahoo:disabled", "suspend", "user account is unavailable", 1 },
	{ "yahoo:deferred", "blocked", "messages from [", 1 },
	{ "yahoo:blocked", "blocked", "temporarily deferred due to user complaints", 1 },
	/* Yahoo answers an unknown mailbox only after DATA, in these words */
	{ "yahoo:mailboxnotfound", "userunknown",
	  "requested mail action aborted, mailbox not found", 1 },
	/* "dd a@b is no longer valid": an account Yahoo deactivated */
	{ "yahoo:novalid", "suspend", "re:\\bdelivery error: dd \\S+ is no longer valid", 1 },
	/* TSS09, TSS11: the sending IP is refused for good */
	{ "yahoo:permanent", "blocked", "will be permanently deferred", 1 },
	{ "yahoo:fromdomain", "rejected", "re:\\bunresolvable rfc\\.?5321 (from )?domain", 1 },
	/* AOL (now Yahoo's) old notice lists each screen name with this */
	{ "aol:notmember", "userunknown", "not an aol member", 1 },
	{ "apple:nosuchuser", "userunknown", "no such recipient here", 1 },
	{ "apple:disabled", "suspend", "user account disabled", 1 },
	{ "godaddy:ipblock", "blocked", "ip address is listed in the", 1 },
	/* GoDaddy (secureserver.net) ends its refusals with a code from its
	 * published list ("what does my email bounceback mean") */
	{ "godaddy:ib-blocked", "blocked", "re:\\bib(10[4-6]|11[0-3])\\b", 1 },
	{ "godaddy:ib-reputation", "badreputation", "re:\\bib103\\b", 1 },
	{ "godaddy:ib-rdns", "requireptr", "re:\\bib108\\b", 1 },
	{ "godaddy:ib-rate", "speeding", "re:\\bib(101|504|510|607)\\b", 1 },
	{ "godaddy:ib-connections", "toomanyconn", "re:\\bib(007|605)\\b", 1 },
	{ "godaddy:ib-spam", "spamdetected", "re:\\bib212\\b", 1 },
	{ "godaddy:ib-virus", "virusdetected", "re:\\bib705\\b", 1 },
	{ "godaddy:ib-sender", "rejected", "re:\\bib506\\b", 1 },
	{ "godaddy:ib-spf", "authfailure", "re:\\bib508\\b", 1 },
	{ "godaddy:ib-from", "notcompliantrfc", "re:\\bib50[12]\\b", 1 },
	{ "godaddy:ib-auth", "securityerror", "re:\\bib401\\b", 1 },
	{ "godaddy:nosuchuser", "userunknown", "invalid recipient -", 1 },
	/* qmail's badrcptto list answers with #5.7.1, but it lists
	 * addresses that do not exist */
	{ "qmail:badrcptto", "userunknown", "re:\\bbadrcptto\\b", 1 },
	{ "domino:nosuchuser", "userunknown",
	  "not listed in public name & address book", 1 },
	{ "domino:nosuchuser2", "userunknown", "not listed in domino directory", 1 },
	{ "domino:nosuchuser3", "userunknown", "not listed in the domino directory", 1 },

	/* Tier 2, verdicts on the sender that outrank anything said about the
	 * address: authentication, reverse DNS, reputation, block lists, spam
	 * and malware. */
	{ "auth:dmarc", "authfailure", "re:\\bdmarc\\b.*\\b(fail|reject|polic|verif|check)", 0 },
	{ "auth:dmarc2", "authfailure", "re:\\b(fail|not pass|did not pass|rejected)\\w*\\b.*\\bdmarc\\b", 0 },
	{ "auth:spf", "authfailure", "re:\\bspf\\b.*\\b(fail|softfail|hardfail|reject|check|validation|record|not designate|error)", 0 },
	{ "auth:spf2", "authfailure", "re:\\b(fail|failed|did not pass)\\w*\\b.*\\bspf\\b", 0 },
	{ "auth:dkim", "authfailure", "re:\\bdkim\\b.*\\b(fail|invalid|bad|missing|required|verif)", 0 },
	{ "auth:designate", "authfailure", "does not designate", 0 },
	{ "auth:notpermittedsend", "authfailure", "is not allowed to send mail from", 0 },
	{ "auth:senderauth", "authfailure", "sender authentication failed", 0 },
	{ "auth:unauthenticated", "authfailure", "re:\\bunauthenticated email\\b|\\bsender is unauthenticated\\b|\\brequires all senders to authenticate\\b", 0 },
	{ "auth:senderid", "authfailure", "sender id (pra)", 0 },
	{ "security:smtpauth", "securityerror", "re:\\b(smtp authentication|without authentication|unauthenticated (senders?|users?|relay)|authentication (is )?required|must authenticate|auth(entication)? needed)\\b", 0 },
	{ "ptr:reversedns", "requireptr", "re:reverse (dns|lookup|hostname|name)", 0 },
	{ "ptr:ptr", "requireptr", "re:\\bptr\\b.*\\b(record|lookup|missing|required|no|not)\\b", 0 },
	{ "ptr:unverifiable", "requireptr", "re:\\bunverif(y|i)able sending ips?\\b", 0 },
	{ "ptr:noptr", "requireptr", "re:\\bno ptr\\b", 0 },
	{ "ptr:rdns", "requireptr", "re:\\brdns\\b", 0 },
	{ "ptr:cannotfindhostname", "requireptr", "cannot find your hostname", 0 },
	{ "ptr:dnscheck", "requireptr", "dns check failure", 0 },
	/* the sending host tripped a threshold: bad commands, or mail to
	 * too many addresses that do not exist (a harvest or a stale list) */
	{ "block:threshold", "blocked", "re:\\btoo many (bad commands|invalid recipients|unknown recipients)\\b", 0 },
	{ "ptr:cannotfindreverse", "requireptr", "cannot find your reverse hostname", 0 },
	{ "ptr:namelookup", "requireptr", "ip name lookup failed", 0 },
	{ "ptr:nohostname", "requireptr", "re:client host .* has no (ptr|hostname)", 0 },
	{ "ptr:unresolvable-client", "requireptr", "re:(unresolvable|cannot resolve|could not resolve) (client|your|the) (ip|host|address)", 0 },
	{ "ptr:mismatch", "requireptr", "re:\\bmismatch(es|ed)? (the )?client ip|does not match (the )?(client|connecting|sending) ip", 0 },
	{ "ptr:dynamic", "requireptr", "re:\\b(dynamic|dial-?up|residential|generic) (ip|address|host|range|pool)", 0 },
	{ "reputation:complaints", "badreputation", "re:\\b(unexpected volume or user complaints|user complaints|complaint rate)\\b", 0 },
	{ "reputation:bad", "badreputation", "re:\\b(bad|poor|low|negative) (ip |sender |domain )?reputation", 0 },
	{ "reputation:ip", "badreputation", "re:\\breputation of (the|your) (ip|sending|sender|domain)", 0 },
	{ "reputation:prevent", "badreputation", "to protect our users from spam, mail sent from your ip", 0 },
	{ "block:invalidip", "blocked", "re:\\b(invalid|bad|unauthori[sz]ed|not permitted) (sender |sending |client )?ip\\b", 0 },
	{ "block:myname", "blocked", "my name was rejected", 0 },
	{ "block:blockedusing", "blocked", "blocked using", 0 },
	{ "block:spamhaus", "blocked", "spamhaus", 0 },
	{ "block:spamcop", "blocked", "spamcop", 0 },
	{ "block:sorbs", "blocked", "sorbs", 0 },
	{ "block:barracuda", "blocked", "barracuda reputation", 0 },
	{ "block:dnsbl", "blocked", "re:\\b(dnsbl|rbl|rhsbl|dnsrbl|uribl)\\b", 0 },
	{ "sender:listed", "rejected", "re:\\b(sender|sender address|sender's address|envelope sender|your (e-?mail )?address|from address)( \\S+)? (is |has been |was )?(in my |on (our|the) )?(black|block|deny|ban)[- ]?list", 0 },
	{ "sender:blacklisted", "rejected", "re:\\bsender blacklisted\\b|\\bsending (to/)?from an address that (is|has been) (black|block)listed", 0 },
	{ "content:badurl", "spamdetected", "re:\\b(black|block)listed (url|link|domain in (the )?(body|message))|\\burl (is )?(black|block)listed", 0 },
	{ "block:blacklist", "blocked", "re:\\b(black|block|deny|ban)[- ]?list(ed)?\\b", 0 },
	{ "block:listedin", "blocked", "re:\\b(is|are|was|been|currently) listed (in|on|at|by)\\b", 0 },
	{ "block:listed", "blocked", "re:\\blisted (in|on|at|by) (the )?\\S*(bl|list|spam)", 0 },
	{ "block:ratelimitcomplaint", "blocked", "due to user complaints", 0 },
	{ "block:iplisted", "blocked", "re:\\b(ip|ip address|host|server ip|mail server at|access from ip address) \\[?\\d{1,3}(\\.\\d{1,3}){3}\\]?( \\S+)? (is |has been |was )?(blocked|banned|rejected|refused|denied|blacklisted|listed as)", 0 },
	/* Tencent (QQ): "Ip frequency limited", "Connection frequency limited" */
	{ "rate:connfrequency", "toomanyconn", "re:\\bconnection frequency limited\\b", 0 },
	{ "rate:frequency", "ratelimited", "re:\\bfrequency limited\\b", 0 },
	{ "rate:toomanyfrom", "toomanyconn", "re:\\btoo many (connections|errors|sessions|concurrent \\w+) from\\b", 0 },
	{ "block:fromyourip", "blocked", "re:\\b(from|by) (your|the following|this) ip( address)?\\b|\\b(forbidden|denied|refused|rejected) (by|for) your (ip|host|server)\\b", 0 },
	{ "block:seehttp", "blocked", "re:\\b(blocked|refused) - see http", 0 },
	{ "block:openproxy", "blocked", "re:\\bopen (proxy|relay)\\b", 0 },
	{ "block:spammerhost", "blocked", "re:remote ?host looks suspiciously like|\\bsending spam\\b", 0 },
	{ "block:noaccess", "blocked", "re:\\bno access from (mail )?server\\b", 0 },
	{ "content:rejected", "spamdetected", "re:\\bmessage content rejected|content rejected\\b|\\bube\\b", 0 },
	{ "content:virus", "virusdetected", "re:(?<!spam or )(?<!spam and )\\b(virus|malware|trojan|worm|infected|phishing)\\b", 0 },
	{ "content:notrfc", "notcompliantrfc", "re:\\bnot rfc ?(5322|2822|822) compliant\\b|\\bmultiple addresses in from\\b|\\bmultiple (subject|from|date|to|message-id|sender) headers\\b", 0 },
	{ "content:spam", "spamdetected", "re:\\b(spam|junk|bulk|unsolicited)( (mail|e-?mail|message|content|score|detected|filter))?\\b", 0 },
	{ "content:spamlike", "spamdetected", "re:(looks like|identified as|classified as|considered|detected as|scored as|rejected as|appears to be|suspected) (spam|junk|unsolicited)", 0 },
	{ "content:spam2", "spamdetected", "re:\\bspam(assassin|profiler|bouncer|ming)\\b|\\banti-?spam\\b|\\bmass mailer\\b|\\bblacklisted url\\b|\\b(banned|unacceptable|mail) content\\b|\\bcontent (filter )?rejection\\b|\\bcontent denied\\b", 0 },
	{ "content:uce", "spamdetected", "re:\\buce\\b", 0 },

	/* Tier 3, the address and its mailbox: size, quota, disabled, moved,
	 * relaying, the sender address, unknown user, unknown domain. */
	{ "content:header", "contenterror", "re:\\b(duplicate header|headers? (is |are )?too (long|large|big)|too many headers|header (line )?too long|malformed header|invalid header)", 0 },
	/* a full mailbox in German, French, Spanish, Italian, Portuguese */
	{ "mailbox:full-intl", "mailboxfull", "re:\\b(postfach|mailbox) (ist )?(voll|überfüllt)|bo[iî]te (aux lettres|de réception|mail|du destinataire) (est )?pleine|buzón.{0,40}(lleno|completo)|casella( di posta)? (è )?piena|caixa (postal|de correio|de entrada) (está )?(cheia|lotada)", 0 },
	/* the mailbox's size, not the message's */
	{ "mailbox:size", "mailboxfull", "re:\\b(mailbox|mail box|inbox|account) (size )?(exceeds|has exceeded|is over) (the |its )?(allowed |maximum |storage )?(size|limit|storage|quota)", 0 },
	{ "mailbox:mailfile", "mailboxfull", "mail file size exceeds", 0 },
	{ "size:toobig", "mesgtoobig", "re:\\b(message|mail|email|e-mail)s? (size |length )?(is |was )?(too (large|big|long)|exceeds?\\b(?! \\d+ hops)|exceeded (the |its )?(max|size|length|limit)|larger than)", 0 },
	{ "size:limit", "mesgtoobig", "re:\\b(message |mail |e-?mail )?size (limit|exceeds|exceeded|too)", 0 },
	{ "size:maxsize", "mesgtoobig", "re:\\bmax(imum)? (inbound |outbound )?(message |allowed )?size\\b|\\btaille limite\\b", 0 },
	{ "size:toolarge", "mesgtoobig", "re:\\btoo (large|big)\\b", 0 },
	{ "size:linelimit", "mesgtoobig", "re:\\bline (length )?limit exceeded\\b", 0 },
	{ "mailbox:full", "mailboxfull", "re:\\b(mailbox|mail box|inbox|mail ?folder|account|mailfolder|mail directory|user|recipient|disk|storage)( is| has)? (full|over ?quota|out of (storage|space))", 0 },
	{ "mailbox:quota", "mailboxfull", "re:\\b(over|exceed(s|ed)?|exceeding|reached|beyond|above)( (the|its|his|her|their|your|allowed|disk|mailbox|storage|size))* quota", 0 },
	{ "mailbox:quota2", "mailboxfull", "re:\\bquota (exceed(s|ed)?|full|violation|reached|limit)", 0 },
	{ "mailbox:insufficient", "mailboxfull", "re:(not enough|insufficient|no) (disk |storage )?space", 0 },
	{ "mailbox:storage", "mailboxfull", "re:\\b(storage|disk) (allocation|limit|space)\\b", 0 },
	{ "mailbox:toomanymessages", "mailboxfull", "re:too many messages (in|on)\\b", 0 },
	{ "mailbox:full2", "mailboxfull", "re:\\b(is|are|mailbox) full\\b", 0 },
	{ "mailbox:exceeded", "mailboxfull", "re:\\b(mailbox|mail box)( \\S+)? (has )?exceeded\\b", 0 },
	{ "mailbox:exceedlimit", "exceedlimit", "re:exceeds? (the )?(administrative|per-mailbox) limit", 0 },
	{ "mailbox:disabled", "suspend", "re:\\b(account|mailbox|user|address|recipient)( \\S+){0,2} (is |has been |was |temporarily |currently )*(disabled|suspended|deactivated|inactive|frozen|locked|blocked|closed|not active|on hold|expired)", 0 },
	{ "mailbox:suspended", "suspend", "re:\\b(disabled|suspended|inactive|deactivated|expired) (account|mailbox|user)\\b", 0 },
	{ "mailbox:suspended2", "suspend", "re:\\b(is|has been|was) (currently |temporarily )?(suspended|deactivated|terminated)\\b|\\buser is terminated\\b|suspend the service|\\barchived recipient\\b|boite du destinataire archivee|temporar(il)?y locked", 0 },
	{ "mailbox:moved", "hasmoved", "re:\\b(has moved|moved to|no longer (with|at|employed|in use|available|valid)|address (has )?changed|not here anymore|new address)", 0 },
	{ "relay:denied", "norelaying", "re:\\b(relay(ing)?|relay access) (is )?(denied|not (permitted|allowed)|prohibited|refused)|\\bno relaying\\b", 0 },
	{ "relay:unable", "norelaying", "re:\\b(unable|not permitted|not allowed|cannot|can't|do not|we do not|don't) (to )?relay\\b", 0 },
	{ "relay:notgateway", "norelaying", "not a gateway", 0 },
	{ "relay:rcpthosts", "norelaying", "list of allowed rcpthosts", 0 },
	{ "sender:senderid", "rejected", "re:\\bpurported\\s+responsible\\s+address", 0 },
	{ "sender:batv", "rejected", "re:\\bbatv\\b|\\bbackscatter\\b|\\b(no third-party|unsigned) dsns?\\b|\\b(null|empty)( envelope)? senders? (is )?not allowed|\\bbogus mail from\\b|\\breturned mail not accepted\\b", 0 },
	/* the sender's own mail setup: Gmail's "Send mail as" alias */
	{ "sender:sendmailas", "rejected", "re:sending this from a different address or alias|\\bsend mail as\\b", 0 },
	{ "sender:notallowed", "rejected", "re:\\bnot (pre-?approved|owned by user|on the recipient's list of senders)|isn't on the recipient's list of senders|\\bnot allowed to post\\b|\\bnot a member of (this|the) (mailing )?list\\b|\\bemail address is not verified\\b|\\bfully qualified (e-?mail )?address required\\b|\\bempty email address\\b|\\bbouncedeny\\b|\\badministrative prohibition\\b|\\bunroutable sender\\b|\\bdoes not accept (e-?mail|mail|messages) from\\b", 0 },
	{ "sender:rejected", "rejected", "re:\\b(sender|from|envelope|return-path|return path|originator)( e-?mail)?( address)? (\\S+ )?(rejected|refused|denied|not (allowed|accepted|permitted)|invalid|unknown|blocked)", 0 },
	{ "sender:fromdomain", "rejected", "re:\\bfrom:? (domain|address) (is )?(invalid|unknown|not valid|does not exist)", 0 },
	{ "sender:domain", "rejected", "re:\\b(domain of sender|sender domain|sender's domain|sender address)\\b", 0 },
	{ "sender:verify", "rejected", "re:\\bsender verif(y|ication)\\b", 0 },
	{ "sender:invalid", "rejected", "re:\\b(invalid|bad|unknown) sender\\b", 0 },
	{ "sender:mailfrom", "rejected", "re:\\bmail from\\b.*\\b(rejected|refused|denied|invalid)", 0 },
	{ "host:mustexist", "hostunknown", "re:\\bdomain must exist\\b|\\bdomain is not reachable\\b|\\bmail domain mentioned in (the )?e-?mail address is unknown|\\bunknown domain name\\b", 0 },
	{ "user:unknown", "userunknown", "re:\\b(user|recipient|receiver|mailbox|address|account|addressee|local part|local-part|destination)( name| address)? (is )?(unknown|not found|not known|do(es)? ?n[o']t exist|not exist|invalid|not valid|unavailable|not available)", 0 },
	{ "user:unknown2", "userunknown", "re:\\b(unknown|invalid|bad|non-?existent|nonexisting|no such|not a valid) (local )?(user|recipient|receiver|mailbox|address|e-?mail address|account|addressee|destination)", 0 },
	{ "user:nosuch", "userunknown", "re:\\bno such (user|mailbox|account|recipient|address|person)", 0 },
	{ "user:notlisted", "userunknown", "re:not (listed|found) in (the )?(directory|address book|recipient list)", 0 },
	{ "user:rejected", "userunknown", "re:\\b(recipient|rcpt)( address)? rejected(\\W*$|\\W+access denied)", 0 },
	{ "user:addressrejected", "userunknown", "re:^\\W*([245]\\d\\d\\W+)?(#?[245]\\.\\d+\\.\\d+\\W+)?address rejected\\b", 0 },
	{ "user:notknown", "userunknown", "re:\\bnot (a |an )?(known|valid|active|local) (user|address|mailbox|recipient|account)|\\brecipient (is )?not (local|ok)\\b|\\bcan'?t accept (user|recipient)|\\b(mailbox|user|recipient) not present\\b|\\b(e-?mail (address|name)|address) (is |was )?(could not be |cannot be |can't be |not )found|missing home directory|unknown virtual user|addresses were unknown", 0 },
	{ "user:nosuchname", "userunknown", "re:\\bno (account|mailbox|mail box) (by that name|available for)", 0 },
	{ "user:addrnotexist", "userunknown", "re:\\b(mailbox|user|recipient|address|account) <?[^ @<>]+@[^ >]+>? (does not exist|doesn't exist|not found|is unknown|unknown)", 0 },
	{ "user:bracketnotfound", "userunknown", "re:<[^<>@ ]+@[^<> ]+>:? (not found|unknown)\\b", 0 },
	{ "user:notourcustomer", "userunknown", "not our customer", 0 },
	{ "user:unknownlocal", "userunknown", "unknown local part", 0 },
	{ "user:mailboxunavailable", "userunknown", "mailbox unavailable", 0 },
	{ "user:nomailbox", "userunknown", "re:\\bno mailbox\\b", 0 },
	{ "user:badrcpt", "userunknown", "bad recipient", 0 },
	{ "user:doesnothave", "userunknown", "re:there is no (one|user|mailbox)", 0 },
	{ "user:ja-notfound", "userunknown", "見つかりません", 0 },
	/* the same in German, French, Spanish, Italian, Portuguese, Dutch */
	{ "user:unknown-intl", "userunknown", "re:\\b(empfänger|benutzer|adresse|postfach)(adresse)? (ist )?unbekannt|\\bunbekannte[rn]? (empfänger|benutzer)|utilisateur inconnu|destinataire inconnu|adresse (e-?mail )?inconnue|usuario desconocido|destinatario desconocido|no existe (el|la) (usuario|buzón|cuenta|dirección)|utente sconosciuto|destinatario sconosciuto|usuário desconhecido|destinatário desconhecido|onbekende (gebruiker|ontvanger)|(gebruiker|ontvanger) (is )?onbekend", 0 },
	{ "user:ja-notexist", "userunknown", "存在しません", 0 },
	{ "user:notavalid", "userunknown", "is not a valid", 0 },
	/* RFC 7505: the domain says it takes no mail at all */
	{ "host:nullmx", "notaccept", "re:\\bnull mx\\b|doesn't receive email according to the administrator", 0 },
	{ "host:nameserver", "networkerror", "re:\\b(malformed or unexpected name server reply|name server (failure|error|timeout)|dns (error|failure))\\b", 0 },
	{ "host:notaccept", "notaccept", "re:\\b(host|domain|server)s?(/domain)?( \\S+)? does not accept (any )?(e-?mail|mail|messages)\\b", 0 },
	{ "host:tryagain", "networkerror", "re:host not found, try again|temporary failure in name resolution|\\bservfail\\b|name server timeout|dns (lookup )?time(d)? ?out", 0 },
	{ "host:unknown", "hostunknown", "re:\\b(host|domain|hostname|domain name|recipient domain)( name)? (is )?(unknown|not found|not known|does ?n[o']t exist|invalid|not valid|unresolvable|could not be (found|resolved))", 0 },
	{ "host:unknown2", "hostunknown", "re:\\b(unknown|invalid|no such|non-?existent|unresolvable) (host|domain)", 0 },
	{ "host:nxdomain", "hostunknown", "re:\\bnxdomain\\b", 0 },
	/* no mail exchanger: the domain exists but takes no mail (a dead
	 * domain is unknown) */
	{ "host:nomx", "notaccept", "re:\\bno mx (record|entry|entries|host)|\\b(find|no|any) (a )?mail exchanger", 0 },
	{ "host:nodns", "hostunknown", "re:\\bno (dns|a) (record|entry|entries|host)", 0 },
	{ "host:unrouteable", "hostunknown", "unrouteable mail domain", 0 },
	{ "host:nosmtp", "notaccept", "indicated no smtp service", 0 },
	{ "host:domainnotexist", "hostunknown", "re:(?<![@\\w.-])[a-z0-9-]+(\\.[a-z0-9-]+)+ does not exist\\b", 0 },
	{ "host:nameservice", "hostunknown", "name or service not known", 0 },
	{ "host:unrouteable", "hostunknown", "unrouteable address", 0 },
	{ "user:doesnotexist", "userunknown", "re:\\b(does not|doesn't|did not|no longer) exists?\\b", 0 },

	/* Tier 4, generic refusals of the sending host; below tier 3 because
	 * "access denied" or "rejected" next to "user unknown" is about the user. */
	{ "block:ipblocked", "blocked", "re:\\b(ip|ip address|client|client host|host|network|sender ip|sending ip|connection)( \\S+)? (is |has been |was )?(blocked|banned|rejected|refused|denied|not allowed|prohibited)", 0 },
	{ "block:yourip", "blocked", "re:\\byour (ip|host|server|network|mail server)\\b.*\\b(block|blocked|listed|rejected|refused|denied|banned|not allowed)\\b", 0 },
	{ "block:clienthost", "blocked", "client host rejected", 0 },
	{ "block:clientdenied", "blocked", "re:(connection|access) (refused|denied|rejected) (by|from|for) ", 0 },
	{ "block:accessdenied", "blocked", "re:\\baccess denied\\b", 0 },
	{ "block:useisp", "blocked", "re:\\buse (the )?(smtp|mail|outgoing) (server|relay) of your (isp|provider)\\b|\\buse your (isp|provider)'?s? (smtp|mail|outgoing|relay)", 0 },
	{ "block:notaccepting", "blocked", "not accepting connections", 0 },
	/* AOL's refusal of the connection */
	{ "block:willnotaccept", "blocked", "will not accept delivery of this message", 0 },
	/* Postfix: the greeting was a refusal, before any address */
	{ "block:refusedtotalk", "blocked", "refused to talk to me", 0 },
	{ "block:notallowedconnect", "blocked", "not allowed to connect", 0 },
	{ "block:heloreject", "blocked", "re:\\b(helo|ehlo)\\b.*\\b(rejected|invalid|denied|refused)", 0 },
	{ "block:blocked", "blocked", "re:\\b(has been|have been|was|were|are|is|temporarily|permanently) (blocked|banned)\\b(?! by the (recipient|user|addressee)\\b(?!'s))", 0 },
	{ "block:refused", "blocked", "re:\\bmail (from .* )?(refused|rejected)\\b", 0 },

	/* Tier 5, policy, filters, rates, time, network, system, content. */
	{ "policy:deniedby", "policyviolation", "re:\\b(denied|rejected|refused|blocked|not allowed) (by|due to) (local |our |site |security |content )?polic(y|ies)\\b", 0 },
	{ "policy:violation", "policyviolation", "re:polic(y|ies) (violation|reasons|restriction|rejection)", 0 },
	{ "policy:violates", "policyviolation", "re:\\bviolat(es|ed|ion of|ing)\\b", 0 },
	{ "policy:prohibited", "policyviolation", "re:\\b(content|message|attachment|file type|extension)s? (is |are )?(prohibited|not allowed|forbidden)", 0 },
	{ "policy:violation2", "policyviolation", "re:\\bviolation\\b", 0 },
	/* the address is itself a list or group that takes no posts from us */
	{ "policy:listpost", "policyviolation", "re:\\bnon-?members?\\b|\\bmembers[- ]only\\b|\\bclosed (mailing )?list\\b|\\bnot subscribed to this (group|list)\\b|\\bsolving a captcha\\b|\\borganizational settings\\b", 0 },
	{ "policy:attachment", "policyviolation", "re:\\b(illegal|prohibited|forbidden|banned|unacceptable|dangerous) (attachment|file)s?\\b|\\b(not accept(ing)?|do not accept|does not accept) (mail|messages|e-?mail)s? (with|containing)\\b|\\b(attachment|executable file)s? (is |are )?not (allowed|accepted|permitted)\\b", 0 },
	{ "policy:localpolicy", "policyviolation", "re:\\b(local|our|site|security|organization|company) polic(y|ies)\\b", 0 },
	{ "filter:content", "filtered", "re:\\b(content |message )?filter(ed|ing)?\\b", 0 },
	{ "filter:notauthorized", "filtered", "re:\\bnot (authori[sz]ed|allowed|permitted) to (receive|accept|send)", 0 },
	{ "filter:recipientrefused", "filtered", "re:\\b(rejected|refused|declined) by (the )?(recipient|user|destination)", 0 },
	/* the recipient's own rules refuse the mail */
	{ "filter:recipientrules", "filtered", "re:\\b(is|are) (currently )?not accepting (any )?(mail|e-?mail|messages)\\b(?! (with|containing|from))|\\bonly accepting (mail|e-?mail|messages) from\\b|\\bnot currently being accepted for this mailbox\\b|\\bdue to user rules\\b|\\bblocked by the recipient\\b(?!'s)|\\brefuses? to receive (mail|e-?mail|messages)\\b|\\brestricted sms\\b|\\baccount is protected by\\b|\\buser reject", 0 },
	{ "filter:deliverynotauthorized", "filtered", "delivery not authorized", 0 },
	{ "filter:doesnotaccept", "filtered", "re:does not (accept|wish to receive) (mail|messages|e-?mail)", 0 },
	{ "rate:toomanyconn", "toomanyconn", "re:too many (connections|concurrent|sessions|simultaneous|recipients|smtp sessions)|trop de connexions|\\bmaximum connection limit\\b|\\bper-domain connection limit\\b", 0 },
	{ "rate:connlimit", "toomanyconn", "re:connection (limit|rate limit)", 0 },
	{ "rate:ratelimit", "ratelimited", "re:\\b(rate[- ]limit|rate limited|throttl|too many (messages|emails|mails|requests|e-mails)|sending rate|exceeded the rate)", 0 },
	{ "rate:recipient", "ratelimited", "re:\\breceiving mail (too quickly|too fast|at a rate)\\b|\\bdeferred due to excessive volume\\b|\\bper hour message receive limit\\b|\\bexceeded permitted limits\\b", 0 },
	{ "rate:perconnection", "toomanyconn", "re:\\bmax(imum)? (number of )?messages? per (connection|session)\\b", 0 },
	{ "rate:speeding", "speeding", "re:\\b(too fast|slow down|sending too quickly)\\b", 0 },
	{ "rate:greylist", "onhold", "re:\\b(grey|gray)[- ]?list", 0 },
	/* the queue gave up because DNS failed: the domain's trouble, as
	 * with failed:temporary in classify.c */
	{ "net:dnsquery", "networkerror", "re:\\bdns (query|lookup) failed\\b", 0 },
	{ "time:expired", "expired", "re:\\b(retry time|delivery time|time|timeout) (expired|exceeded|has been exceeded)", 0 },
	{ "time:expired2", "expired", "re:\\b(message|mail|envelope) (has )?expired\\b", 0 },
	{ "time:giveup", "expired", "re:(could not be delivered|was not delivered|undeliverable|not been delivered|unable to deliver).{0,40}\\b(for|within|after) (the last )?\\d+ ?(days|hours|minutes)", 0 },
	{ "time:failing", "expired", "have been failing for a long time", 0 },
	{ "time:retrytimeout", "expired", "retry timeout exceeded", 0 },
	{ "time:willretry", "expired", "re:\\bwill be retried for\\b", 0 },
	{ "time:lastseconds", "expired", "re:could not deliver for the last \\d+", 0 },
	{ "time:giveup2", "expired", "re:\\bgiving up on\\b|\\bafter (multiple|many|repeated) (retries|attempts)\\b|\\bwithin the allowed queue period\\b|\\b(could not be delivered|failed to deliver).{0,60}\\b(for more than|within) \\d+|\\bafter a long failure period\\b|\\bmessage timed out\\b|\\bserver did not respond\\b|could not find a gateway for", 0 },
	{ "time:queuetoolong", "expired", "re:\\b(queue too long|in the queue too long|too long in (the )?queue)\\b", -1 },
	{ "time:toolong", "expired", "re:\\btoo long\\b.*\\bqueue\\b", 0 },
	{ "time:queued", "expired", "re:\\b(has been|was) (in the )?queued? for\\b", 0 },
	{ "net:loop", "networkerror", "re:\\b(mail|routing|delivery|message) loop|loops? back|too many hops|hop count exceeded|\\bexceeded \\d+ hops\\b", 0 },
	{ "net:refused", "networkerror", "re:\\bconnection (refused|timed out|reset|lost|dropped|closed)", 0 },
	{ "net:unreachable", "networkerror", "re:\\b(network|host) (is )?(unreachable|not reachable)|no route to host", 0 },
	{ "net:error", "networkerror", "re:\\bnetwork (error|failure)\\b", 0 },
	{ "net:dns", "networkerror", "re:\\bdns (error|failure|lookup failed|timeout|problem)", 0 },
	{ "net:lost", "networkerror", "lost connection", 0 },
	{ "net:loop2", "networkerror", "re:\\bforwarding loop\\b|\\bmessage looping\\b|\\bhost name lookup failure\\b|\\bunable to resolve route\\b|\\bdns records for the destination\\b|\\bcould not connect and send\\b", 0 },
	{ "system:full", "systemfull", "re:\\b(system|disk|server|queue) (is )?full|insufficient system storage|out of disk", 0 },
	{ "system:notaccept", "notaccept", "re:\\bnull mx\\b|\\baccepts no mail\\b", 0 },
	{ "system:mailer", "mailererror", "re:\\b(mailer error|unknown mailer|program failed|command died|procmail|exit status|pipe to \\|)", 0 },
	{ "system:unavailable", "systemerror", "re:\\bservice (is )?(currently |temporarily )?(unavailable|not available)\\b|\\bserver (is )?(too )?busy\\b", 0 },
	{ "system:error", "systemerror", "re:\\b(system|internal|server|local|configuration) (error|failure|problem)", 0 },
	{ "system:io", "systemerror", "re:\\b(queue file|disk|i/o) (write |read )?(error|full|failure)", 0 },
	{ "system:misconfig", "systemerror", "re:\\bmis-?configur", 0 },
	{ "system:local", "systemerror", "re:\\b(interrupted system call|local error in processing|temporary local problem|can't create (user )?output file|error while being processed|could not load drd|loop broken|duplicated message-id)\\b", 0 },
	{ "content:mime", "contenterror", "re:\\b(mime|encoding|charset|header|8bit|8-bit|binary|attachment)s? (is |are )?(invalid|not (supported|permitted|allowed)|error|malformed|rejected)", 0 },
	{ "content:rfc", "notcompliantrfc", "re:\\b(not (compliant|complying|conform)|non-?compliant|violates) (with )?(rfc|the rfc|standards?)|\\brfc ?(5322|2822|822)\\b(?!;)|\\bmissing a valid (address in the from:|message-id:) header|\\bencoded-word syntax is not permitted|\\bmultiple addresses in from: header|\\bmail message is malformed|\\bunicode character in a disallowed header", 0 },
	{ "syntax:error", "syntaxerror", "re:\\bsyntax error|command unrecogni[sz]ed|unrecogni[sz]ed command|bad sequence of commands", 0 },
	{ "security:tls", "securityerror", "re:\\b(tls|starttls|encryption|ssl) (is )?(required|needed|must)|must (issue a )?starttls|authentication required|must authenticate", 0 },

	/* Last resort: Postfix frames every recipient restriction as
	 * "Recipient address rejected: <reason>"; only when no row above
	 * understood the reason is it about the address. */
	{ "user:novalid-generic", "userunknown", "re:\\bno valid recipients?\\b", -1 },
	{ "user:rejected-generic", "userunknown", "re:\\b(recipient|rcpt)( address)? rejected\\b", -1 },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The rows are matched with PCRE2 directly rather than through GRegex
 * (which wraps the same library): every row is tried against every
 * diagnostic, and GRegex allocates match state on each call, which cost
 * more than the matching itself.  Here one match-data block serves all
 * rows of a call.  Compiled once, JIT where the platform has it; the text
 * is lower-cased before matching, so rows are written in lower case and
 * compiled case-sensitively, as bytes (no UTF-8 checks on hostile input).
 */
static pcre2_code *compiled[NITEMS(pattern_table)];

/*
 * Gates: a provider's rows all need a substring ("aup#"), so mail from
 * everyone else skips them with one strstr() instead of a regex each.  A
 * row whose rule starts with prefix is tried only when the text holds one
 * of the '|'-separated substrings of gate.
 */
static const struct {
	const char *prefix;
	const char *gate;
} gates[] = {
	{ "cox:", "aup#" },
	{ "spectrum:", "aup#" },
	{ "godaddy:ib-", "ib" },
	{ "orange:", "ofr|lpn|ouk" },
	{ "iua:", "i.ua/err/" },
	{ "tencent:", "qq.com" },
	{ "mimecast:nosuchuser", "mimecast" },
	{ "mcafee:", "mcafee" },
	{ "messagelabs:", "messagelabs" },
	{ "imail:", "imail" },
	{ "ses-inbound:", "amazonaws" },
	{ "microsoft:resolver", "resolver." },
};
static int gate_of[NITEMS(pattern_table)];	/* index into gates + 1, 0: none */

/* compile_patterns - compile the "re:" rows; a bad row aborts (a bug) */
static gpointer
compile_patterns(gpointer unused)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	size_t i;
	int err;

	for (i = 0; i < NITEMS(pattern_table); i++) {
		size_t g;
		for (g = 0; g < NITEMS(gates); g++)
			if (g_str_has_prefix(pattern_table[i].rule,
			    gates[g].prefix))
				gate_of[i] = (int)g + 1;
		if (strncmp(pattern_table[i].text, "re:", 3) != 0)
			continue;
		compiled[i] = pcre2_compile((PCRE2_SPTR)pattern_table[i].text +
		    3, PCRE2_ZERO_TERMINATED, PCRE2_DOTALL, &err, &off, NULL);
		if (compiled[i] == NULL) {
			pcre2_get_error_message(err, msg, sizeof(msg));
			g_error("pattern %s: %s at %zu", pattern_table[i].rule,
			    (const char *)msg, (size_t)off);
		}
		/* without JIT (some platforms) the interpreter is used */
		(void)pcre2_jit_compile(compiled[i], PCRE2_JIT_COMPLETE);
	}
	return NULL;
}

const struct classify_pattern *
classify_pattern_table(size_t *n)
{
	*n = NITEMS(pattern_table);
	return pattern_table;
}

/* gate_open - does t (len bytes) hold one of the '|'-separated substrings
 * of gate?  (a substring search is far cheaper than a regex match) */
static int
gate_open(const char *gate, const char *t, size_t len)
{
	const char *p, *bar;

	for (p = gate; p != NULL; p = bar != NULL ? bar + 1 : NULL) {
		bar = strchr(p, '|');
		if (memmem(t, len, p, bar != NULL ? (size_t)(bar - p) :
		    strlen(p)) != NULL)
			return 1;
	}
	return 0;
}

/* row_matches - does row i match the lower-cased text t of len bytes?
 * open[] remembers each gate's answer for t: -1 not asked yet */
static int
row_matches(size_t i, const char *t, size_t len, pcre2_match_data *md,
    signed char *open)
{
	int g = gate_of[i] - 1;

	if (g >= 0) {
		if (open[g] < 0)
			open[g] = (signed char)gate_open(gates[g].gate, t, len);
		if (!open[g])
			return 0;
	}
	if (compiled[i] != NULL)
		return pcre2_match(compiled[i], (PCRE2_SPTR)t, len, 0, 0, md,
		    NULL) >= 0;
	return strstr(t, pattern_table[i].text) != NULL;
}

const struct classify_pattern *
classify_match(const char *text, const char *context)
{
	static GOnce once = G_ONCE_INIT;
	char *lower, *wide = NULL;
	const struct classify_pattern *hit = NULL;
	pcre2_match_data *md;
	signed char open[2][NITEMS(gates)];
	size_t i, nlower, nwide = 0;

	if (text == NULL || text[0] == '\0')
		return NULL;
	g_once(&once, compile_patterns, NULL);
	lower = g_ascii_strdown(text, -1);
	nlower = strlen(lower);
	if (context != NULL && context[0] != '\0') {
		char *c = g_ascii_strdown(context, -1);
		wide = g_strconcat(lower, " [reported by ", c, "]", NULL);
		nwide = strlen(wide);
		g_free(c);
	}
	md = pcre2_match_data_create(1, NULL);
	if (md == NULL)
		g_error("out of memory");
	/* each gate asked once per text: [0] the plain, [1] the wide one */
	memset(open, -1, sizeof(open));
	for (i = 0; i < NITEMS(pattern_table) && hit == NULL; i++) {
		int w = pattern_table[i].final > 0 && wide != NULL;
		if (row_matches(i, w ? wide : lower, w ? nwide : nlower, md,
		    open[w]))
			hit = &pattern_table[i];
	}
	pcre2_match_data_free(md);
	g_free(wide);
	g_free(lower);
	return hit;
}

const struct classify_pattern *
classify_match_text(const char *text)
{
	return classify_match(text, NULL);
}
