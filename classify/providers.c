/*
 * providers.c - what one provider's words mean: a mailbox provider
 * (Google, Microsoft, Yahoo...), a gateway (Mimecast, McAfee) or an MTA
 * whose wording is its own (Domino, qmail).  One table per provider,
 * and the list of them at the end with each one's gate.
 *
 * These rows are final: the provider's words are precise and stable, so
 * the SMTP command they answered does not correct them.  They see the text
 * with "[reported by MTA NAMES]" after it (the Remote-MTA and
 * Reporting-MTA host names, and the generator that wrote the report), so
 * a row can require that the provider itself said it.  A gate is a
 * '|'-separated list of substrings, one of which the text must hold before
 * any row of that table is tried: one memmem() instead of a regex per row
 * for mail from everyone else.
 *
 * Priorities (the first field) place each row in the match order shared
 * with patterns.c; see there.  Also here: the sending MTA's own verdicts
 * (PowerMTA's categories) and the recipient domains that decide alone.
 */
#include <stddef.h>

#include <glib.h>

#include "internal.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
/* Gmail's reply ends with a support.google.com link, or comes from
 * Google's MTAs: the same sentence from anyone else is a copy, not
 * Google's lookup.  Source: "Gmail SMTP errors and codes",
 * https://support.google.com/a/answer/3726730 */
static const struct classify_pattern google[] = {
	{ 10010, "google:nosuchuser", "userunknown",
	  "re:the email account that you tried to reach does not exist.*\\b(google|gmail)", 1, 0 },
	{ 10020, "google:overquota", "mailboxfull",
	  "the email account that you tried to reach is over quota", 1, 0 },
	{ 10030, "google:overquota-inbox", "mailboxfull",
	  "inbox is out of storage space", 1, 0 },
	{ 10040, "google:disabled", "suspend",
	  "the email account that you tried to reach is disabled", 1, 0 },
	{ 10050, "google:inactive", "suspend",
	  "the email account that you tried to reach is inactive", 1, 0 },
	{ 10060, "google:ratelimit", "ratelimited",
	  "receiving mail at a rate that", 1, 0 },
	{ 10070, "google:securityissue", "policyviolation",
	  "because its content presents a potential", 1, 0 },
	{ 10080, "google:unsolicited", "spamdetected",
	  "has been blocked. for more information, review", 1, 0 },
	{ 10090, "google:authfail", "authfailure",
	  "this message does not have authentication information", 1, 0 },
	{ 10100, "google:dmarc", "authfailure",
	  "unauthenticated email from", 1, 0 },
	{ 10110, "google:ptr", "requireptr",
	  "does not meet ipv6 sending guidelines regarding ptr", 1, 0 },
	{ 10120, "google:groups", "rejected",
	  "you may not have permission to post messages to the group", 1, 0 },
	{ 10130, "google:groups2", "rejected",
	  "group you tried to contact", 1, 0 },
	{ 10140, "google:groupspam", "spamdetected",
	  "was rejected due to spam classification", 1, 0 },
	{ 10150, "google:noconnect", "expired",
	  "did not accept our requests to connect", 1, 0 },
	/* Gmail's sender requirements: its X.7.2x codes are its own (4.7.27
	 * is SPF there, not RFC 7505's null MX; 4.7.23 is the PTR record),
	 * so its words decide */
	{ 10160, "google:senderauth", "authfailure",
	  "re:\\bsenders to authenticate (their email )?with (either )?(spf|dkim)|\\baligned with either the authenticated (spf|dkim)|\\bspf record of the sending domain has one or more suspicious entries", 1, 0 },
	{ 10170, "google:noptr", "requireptr",
	  "re:\\b(doesn't|does not) have a ptr record\\b", 1, 0 },
	{ 10180, "google:tls", "securityerror",
	  "re:\\bsenders to use tls/ssl\\b|\\btls required for rcpt domain\\b", 1, 0 },
	{ 10190, "google:allowlist", "blocked",
	  "ip not in whitelist for rcpt domain", 1, 0 },
	{ 10200, "google:policy", "policyviolation",
	  "has a policy that prohibited the mail that you sent", 1, 0 },
	{ 10800, "google:addressnotfound", "userunknown",
	  "re:the address couldn.{1,3}t be found|\\*\\* address not found \\*\\*", 1, 0 },
};

/* Microsoft (Outlook.com, Hotmail, Exchange Online).  Source: "Email
 * non-delivery reports and SMTP errors in Exchange Online",
 * https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online
 * (5.1.10 RecipientNotFound, 5.4.1 Directory Based Edge Blocking) */
static const struct classify_pattern microsoft[] = {
	{ 10210, "microsoft:messagesfromip", "blocked",
	  "re:\\bmessages from \\[?\\d{1,3}(\\.\\d{1,3}){3}\\]? weren't sent", 1, 0 },
	{ 10850, "microsoft:mailboxunavailable", "userunknown",
	  "re:requested action not taken: mailbox unavailable.*\\b(outlook|hotmail|office365|exchangelabs|protection\\.outlook)\\b", 1, 0 },
	{ 10860, "microsoft:addressnotfound", "userunknown",
	  "re:the email address wasn.{1,3}t found at the destination domain|recipientnotfound", 1, 0 },
	{ 10870, "microsoft:dmarc", "authfailure",
	  "sending domain does not pass dmarc", 1, 0 },
	{ 10880, "microsoft:banned", "blocked", "banned sending ip", 1, 0 },
	{ 10890, "microsoft:blocklist", "blocked", "is on our block list", 1, 0 },
	{ 10900, "microsoft:recipnotfound", "userunknown",
	  "recipient not found by smtp address lookup", 1, 0 },
	{ 10920, "microsoft:recipsize", "exceedlimit",
	  "resolver.rst.recipsizelimit", 1, 0 },
	/* the group or mailbox takes mail only from its organization, or
	 * from listed senders */
	{ 10940, "microsoft:senderrestriction", "filtered",
	  "re:\\bsender was not authenticated (by organization|for (group|mailbox|public folder))\\b|\\bsender not in allowed-senders list\\b", 1, 0 },
	{ 10950, "microsoft:bannedrecipient", "suspend",
	  "access denied, banned recipient", 1, 0 },
	{ 10960, "microsoft:limits", "ratelimited",
	  "has exceeded permitted limits within", 1, 0 },
	{ 10970, "microsoft:rfc5322", "notcompliantrfc",
	  "must be rfc 5322 section 3.6.2 compliant", 1, 0 },
	/* Exchange Online's directory-based edge blocking: the address is
	 * not in the tenant's directory */
	{ 10980, "microsoft:dbeb", "userunknown",
	  "re:\\b5\\.4\\.1 recipient address rejected: access denied", 1, 0 },
	{ 10990, "microsoft:access-denied", "filtered",
	  "access denied, pre-authentication", 1, 0 },
	{ 11000, "microsoft:quota", "mailboxfull",
	  "mailbox size limit exceeded", 1, 0 },
};

/* Microsoft's RESOLVER.* codes (Exchange's recipient resolution) */
static const struct classify_pattern microsoft_resolver[] = {
	/* RESOLVER.RST.*: a restriction the recipient (a group that takes
	 * mail only from some senders) placed on who may write to it */
	{ 10930, "microsoft:resolver-rst", "filtered",
	  "re:\\bresolver\\.rst\\.[a-z]+", 1, 0 },
};

/* Facebook's RCP-P2/P3: the recipient's preferences or privacy
 * settings refuse the mail; the address exists */
static const struct classify_pattern facebook[] = {
	{ 10220, "facebook:preferences", "filtered",
	  "re:\\brcp-p[23]\\b|refused due to recipient preferences", 1, 0 },
};

/* Tencent (QQ mail) links each refusal to a help page
 * (service.mail.qq.com/detail/122/NN); its MTAs are *.qq.com */
static const struct classify_pattern tencent[] = {
	{ 10230, "tencent:nosuchuser", "userunknown",
	  "re:\\bmailbox not found\\b.*\\bqq\\.com\\b", 1, 0 },
	{ 10240, "tencent:rate", "ratelimited",
	  "re:\\bmailbox unavailable or access deni?ed\\b.*\\bqq\\.com\\b", 1, 0 },
	{ 10250, "tencent:syntax", "syntaxerror",
	  "re:\\bbad address syntax\\b.*\\bqq\\.com\\b", 1, 0 },
	{ 10260, "tencent:blocked", "blocked",
	  "re:\\bsuspected (bounce attacks|spam ip)\\b.*\\bqq\\.com\\b", 1, 0 },
};

/* i.ua (Ukraine) links each refusal to mail.i.ua/err/N */
static const struct classify_pattern iua[] = {
	{ 10270, "iua:relay", "norelaying", "re:\\.i\\.ua/err/[16]\\b", 1, 0 },
	{ 10280, "iua:nosuchuser", "userunknown", "re:\\.i\\.ua/err/2\\b", 1, 0 },
	{ 10290, "iua:frozen", "suspend", "re:\\.i\\.ua/err/3\\b", 1, 0 },
	{ 10300, "iua:full", "mailboxfull", "re:\\.i\\.ua/err/4\\b", 1, 0 },
	{ 10310, "iua:limit", "ratelimited", "re:\\.i\\.ua/err/5\\b", 1, 0 },
	{ 10320, "iua:blocked", "blocked", "re:\\.i\\.ua/err/[79]\\b", 1, 0 },
	{ 10330, "iua:sender", "rejected", "re:\\.i\\.ua/err/8\\b", 1, 0 },
	{ 10340, "iua:filter", "filtered", "re:\\.i\\.ua/err/10\\b", 1, 0 },
};

/* Mimecast's published refusals: "Mimecast SMTP Error Codes",
 * https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754
 * (now https://mimecastsupport.zendesk.com/hc/en-us/articles/34000709564691) */
static const struct classify_pattern mimecast[] = {
	{ 10350, "mimecast:signature", "virusdetected",
	  "email rejected due to security policies", 1, 0 },
	{ 10360, "mimecast:reputation", "badreputation",
	  "local ct ip reputation", 1, 0 },
	{ 10370, "mimecast:ipblock", "blocked",
	  "ip temporarily blacklisted", 1, 0 },
	{ 10380, "mimecast:senders", "rejected",
	  "re:\\benvelope blocked\\b|\\bblocked senders\\b|\\bblock policy for (header|envelope) from\\b", 1, 0 },
	{ 10390, "mimecast:spoofing", "policyviolation",
	  "re:\\banti-spoofing policy\\b|\\bcontent examination policy\\b|\\bhost network not allowed\\b", 1, 0 },
	{ 10400, "mimecast:tls", "securityerror",
	  "re:\\bthis route requires (encryption|tls|high-strength)", 1, 0 },
	{ 10410, "mimecast:size", "mesgtoobig",
	  "maximum email size exceeded", 1, 0 },
};

/* Mimecast's "invalid recipient", when Mimecast reported it */
static const struct classify_pattern mimecast_reported[] = {
	{ 10420, "mimecast:nosuchuser", "userunknown",
	  "re:\\binvalid recipient\\b.*\\[reported by [^]]*\\bmimecast\\b", 1, 0 },
};

/* Cox ends a refusal with "AUP#" and a code from its published
 * list (cox.com, "email error codes"): block lists of the sending
 * IP (CXBL, CDRBL, IPBLnnnn), its reverse DNS, its SPF/DKIM, its
 * connection count and sending rate, block-listed URLs */
static const struct classify_pattern cox[] = {
	{ 10430, "cox:blocklist", "blocked",
	  "re:\\baup#(cxbl|cdrbl|ipbl[01]+)\\b", 1, 0 },
	{ 10440, "cox:rdns", "requireptr", "re:\\baup#cxdns\\b", 1, 0 },
	{ 10450, "cox:sender", "authfailure", "re:\\baup#cxsndr\\b", 1, 0 },
	{ 10460, "cox:smtp", "rejected", "re:\\baup#cxsmtp\\b", 1, 0 },
	{ 10470, "cox:connections", "toomanyconn", "re:\\baup#cxcnct\\b", 1, 0 },
	{ 10480, "cox:rate", "ratelimited", "re:\\baup#cxmxrt\\b", 1, 0 },
	{ 10490, "cox:url", "spamdetected", "re:\\baup#urlbl[01]+\\b", 1, 0 },
};

/* Spectrum (Charter, rr.com) numbers its refusals "AUP#1000" or
 * "AUP#I-1000" (spectrum.net, "understanding email error codes") */
static const struct classify_pattern spectrum[] = {
	{ 10500, "spectrum:ip", "blocked",
	  "re:\\baup#[a-z-]*(1000|12[0-4][0-9]|1250)\\b", 1, 0 },
	{ 10510, "spectrum:sender", "rejected",
	  "re:\\baup#[a-z-]*(10[1-7][0-9]|1080|1500|1520)\\b", 1, 0 },
	{ 10520, "spectrum:system", "systemerror",
	  "re:\\baup#[a-z-]*1090\\b", 1, 0 },
	{ 10530, "spectrum:rdns", "requireptr",
	  "re:\\baup#[a-z-]*(11[0-4][0-9]|1150)\\b", 1, 0 },
	{ 10540, "spectrum:policy", "policyviolation",
	  "re:\\baup#[a-z-]*(11[6-8][0-9]|1190|1560)\\b", 1, 0 },
	{ 10550, "spectrum:ipv6", "networkerror",
	  "re:\\baup#[a-z-]*1260\\b", 1, 0 },
	{ 10560, "spectrum:connections", "toomanyconn",
	  "re:\\baup#[a-z-]*(13[0-3][0-9]|1340)\\b", 1, 0 },
	{ 10570, "spectrum:rate", "speeding",
	  "re:\\baup#[a-z-]*(13[5-9][0-9]|14[0-8][0-9]|1490|1540|1550|1580)\\b", 1, 0 },
	{ 10580, "spectrum:size", "mesgtoobig", "re:\\baup#[a-z-]*1530\\b", 1, 0 },
};

/* Orange / Wanadoo and La Poste (France) end their refusals with a
 * numbered code ("OFR_416", "LPN007_426", "OFR005_505"); the last
 * three digits say why.  The "please try later" codes say nothing. */
static const struct classify_pattern orange[] = {
	{ 10590, "orange:spam", "spamdetected",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])506\\b", 1, 0 },
	{ 10600, "orange:blocked", "blocked",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(102|103|510|999)\\b", 1, 0 },
	{ 10610, "orange:connections", "toomanyconn",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])104\\b", 1, 0 },
	{ 10620, "orange:auth", "securityerror",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(305|402)\\b", 1, 0 },
	{ 10630, "orange:sender", "rejected",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(403|405|415|421)\\b", 1, 0 },
	{ 10640, "orange:nosuchuser", "userunknown",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(416|418)\\b", 1, 0 },
	{ 10650, "orange:full", "mailboxfull",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])417\\b", 1, 0 },
	{ 10660, "orange:disabled", "suspend",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(420|426)\\b", 1, 0 },
	{ 10670, "orange:system", "systemerror",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])505\\b", 1, 0 },
	{ 10680, "orange:size", "mesgtoobig",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])514\\b", 1, 0 },
	{ 10690, "orange:tryagain", "undefined",
	  "re:\\b(ofr|lpn|ouk)(_|[0-9]{3}[-_])(105|107|108|109|201|423|424|513)\\b", 1, 0 },
};

/* Deutsche Telekom (T-Online) ends its refusals with a category
 * in brackets: BL is its block list */
static const struct classify_pattern tonline[] = {
	{ 10700, "t-online:blocklist", "blocked",
	  "re:a problem occurred\\..*\\(bl[0-9]*\\)", 1, 0 },
};

/* GMX and web.de: the sender's domain has no usable DNS, whatever
 * "mailbox unavailable" before it says */
static const struct classify_pattern gmx[] = {
	{ 10710, "gmx:senderdns", "rejected",
	  "invalid dns mx or a/aaaa resource record", 1, 0 },
};

/* McAfee's gateways check each address against the customer's
 * directory: their "no such user" is a lookup, not a filter's pretext */
static const struct classify_pattern mcafee[] = {
	{ 10720, "mcafee:nosuchuser", "userunknown",
	  "re:\\b(no such user|user not exist|unknown user|user unknown)\\b.*\\[reported by [^]]*\\bmcafee\\b", 1, 0 },
};

/* Symantec.cloud (MessageLabs) checks each address against the
 * customer's directory, and refuses one it does not know with a bare
 * "542 <address> Rejected" */
static const struct classify_pattern messagelabs[] = {
	{ 10730, "messagelabs:nosuchuser", "userunknown",
	  "re:(\\bno such user\\b|^542 \\S+ rejected\\b).*\\[reported by [^]]*\\bmessagelabs\\b", 1, 0 },
};

/* Ipswitch IMail checks each address against its own users */
static const struct classify_pattern imail[] = {
	{ 10740, "imail:nosuchuser", "userunknown",
	  "re:\\b(unknown user|invalid final delivery userid):.*\\[reported by [^]]*\\bimail\\b", 1, 0 },
};

/* Amazon SES receiving keeps no mailboxes: its bounces are the
 * fixed templates of a receipt rule the domain's owner wrote, and
 * "Mailbox does not exist" is whatever that rule was for */
static const struct classify_pattern ses_inbound[] = {
	{ 10750, "ses-inbound:rule", "filtered",
	  "re:\\bmailbox does not exist\\b.*\\[reported by [^]]*\\binbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com\\b", 1, 0 },
	{ 10760, "ses-inbound:content", "contenterror",
	  "re:\\bmessage content rejected\\b.*\\[reported by [^]]*\\binbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com\\b", 1, 0 },
};

/* "550 : User unknown", the address left out where the reply
 * names it: KDDI (au, ezweb) answers so after DATA, when the
 * subscriber's own reception filter refused the message */
static const struct classify_pattern kddi[] = {
	{ 10770, "user:noaddress", "filtered",
	  "re:\\b[45]\\d\\d:? : user unknown\\b", 1, 0 },
};

/* cPanel's Exim says this when its router cannot route the
 * address (cannot_route_message): the domain did not resolve, the
 * receiver was never reached, whatever "blacklisted" suggests */
static const struct classify_pattern cpanel[] = {
	{ 10780, "cpanel:cannotroute", "hostunknown",
	  "the account or domain may not exist, they may be blacklisted, or missing the proper dns entries", 1, 0 },
};

/* Yandex answers an unknown address with 5.7.1 */
static const struct classify_pattern yandex[] = {
	{ 10790, "yandex:nosuchuser", "userunknown",
	  "re:\\b5\\.7\\.1 no such user!", 1, 0 },
};

/* Microsoft Exchange (on premises) */
static const struct classify_pattern exchange[] = {
	{ 10810, "exchange:notrecognized", "userunknown",
	  "the recipient name is not recognized", 1, 0 },
};

/* IBM (Lotus) Domino and Notes */
static const struct classify_pattern domino[] = {
	{ 10820, "domino:ja-notindirectory", "userunknown",
	  "domino ディレクトリには見つかりません", 1, 0 },
	{ 10830, "notes:ja-notindirectory", "userunknown",
	  "ディレクトリのリストにありません", 1, 0 },
	{ 11280, "domino:nosuchuser", "userunknown",
	  "not listed in public name & address book", 1, 0 },
	{ 11290, "domino:nosuchuser2", "userunknown",
	  "not listed in domino directory", 1, 0 },
	{ 11300, "domino:nosuchuser3", "userunknown",
	  "not listed in the domino directory", 1, 0 },
};

/* Trend Micro InterScan */
static const struct classify_pattern interscan[] = {
	{ 10840, "interscan:checkaddress", "userunknown",
	  "(and other recipients in the same domain). please check if address is correct", 1, 0 },
};

/* Yahoo.  Sources: Yahoo Sender Hub, "SMTP Error Codes",
 * https://senders.yahooinc.com/smtp-error-codes/ ; and "Email sent to
 * Yahoo Mail addresses is rejected", https://help.yahoo.com/kb/SLN3444.html
 * ("554 delivery error: dd This user doesn't have a ... account": the
 * user ID does not exist, do not retry) */
static const struct classify_pattern yahoo[] = {
	{ 11010, "yahoo:nosuchuser", "userunknown",
	  "doesn't have a yahoo.com account", 1, 0 },
	{ 11020, "yahoo:nosuchuser2", "userunknown",
	  "this user doesn't have a", 1, 0 },
	{ 11030, "yahoo:notvalid", "userunknown",
	  "delivery error: dd not a valid recipient", 1, 0 },
	{ 11040, "yahoo:disabled", "suspend",
	  "user account is unavailable", 1, 0 },
	{ 11050, "yahoo:deferred", "blocked", "messages from [", 1, 0 },
	{ 11060, "yahoo:blocked", "blocked",
	  "temporarily deferred due to user complaints", 1, 0 },
	/* Yahoo answers an unknown mailbox only after DATA, in these words */
	{ 11070, "yahoo:mailboxnotfound", "userunknown",
	  "requested mail action aborted, mailbox not found", 1, 0 },
	/* "dd a@b is no longer valid": an account Yahoo deactivated */
	{ 11080, "yahoo:novalid", "suspend",
	  "re:\\bdelivery error: dd \\S+ is no longer valid", 1, 0 },
	/* TSS09, TSS11: the sending IP is refused for good */
	{ 11090, "yahoo:permanent", "blocked",
	  "will be permanently deferred", 1, 0 },
	{ 11100, "yahoo:fromdomain", "rejected",
	  "re:\\bunresolvable rfc\\.?5321 (from )?domain", 1, 0 },
};

/* AOL (now Yahoo's) old notice lists each screen name with this */
static const struct classify_pattern aol[] = {
	{ 11110, "aol:notmember", "userunknown", "not an aol member", 1, 0 },
};

/* Apple (iCloud) */
static const struct classify_pattern apple[] = {
	{ 11120, "apple:nosuchuser", "userunknown",
	  "no such recipient here", 1, 0 },
	{ 11130, "apple:disabled", "suspend", "user account disabled", 1, 0 },
};

/* GoDaddy (secureserver.net) */
static const struct classify_pattern godaddy[] = {
	{ 11140, "godaddy:ipblock", "blocked",
	  "ip address is listed in the", 1, 0 },
	{ 11260, "godaddy:nosuchuser", "userunknown",
	  "invalid recipient -", 1, 0 },
};

/* GoDaddy (secureserver.net) ends its refusals with a code from its
 * published list ("what does my email bounceback mean") */
static const struct classify_pattern godaddy_ib[] = {
	{ 11150, "godaddy:ib-blocked", "blocked",
	  "re:\\bib(10[4-6]|11[0-3])\\b", 1, 0 },
	{ 11160, "godaddy:ib-reputation", "badreputation",
	  "re:\\bib103\\b", 1, 0 },
	{ 11170, "godaddy:ib-rdns", "requireptr", "re:\\bib108\\b", 1, 0 },
	{ 11180, "godaddy:ib-rate", "speeding",
	  "re:\\bib(101|504|510|607)\\b", 1, 0 },
	{ 11190, "godaddy:ib-connections", "toomanyconn",
	  "re:\\bib(007|605)\\b", 1, 0 },
	{ 11200, "godaddy:ib-spam", "spamdetected", "re:\\bib212\\b", 1, 0 },
	{ 11210, "godaddy:ib-virus", "virusdetected", "re:\\bib705\\b", 1, 0 },
	{ 11220, "godaddy:ib-sender", "rejected", "re:\\bib506\\b", 1, 0 },
	{ 11230, "godaddy:ib-spf", "authfailure", "re:\\bib508\\b", 1, 0 },
	{ 11240, "godaddy:ib-from", "notcompliantrfc", "re:\\bib50[12]\\b", 1, 0 },
	{ 11250, "godaddy:ib-auth", "securityerror", "re:\\bib401\\b", 1, 0 },
};

/* qmail's badrcptto list answers with #5.7.1, but it lists
 * addresses that do not exist */
static const struct classify_pattern qmail[] = {
	{ 11270, "qmail:badrcptto", "userunknown", "re:\\bbadrcptto\\b", 1, 0 },
};

/* The local delivery agent of the receiving host itself (mail.local,
 * Dovecot's LDA, procmail) found no such user: it looks the
 * user up in the system's own accounts, no filter speaks for it */
static const struct classify_pattern lda[] = {
	{ 11275, "lda:nosuchuser", "userunknown",
	  "re:\\b(mail\\.local|local delivery( agent)?|dovecot-lda|procmail)\\b[^.\\n]{0,20}\\b(unknown user|user unknown|no such user)\\b", 1, 0 },
};

/* Haraka gives up on a domain none of whose MXs it could reach ("Tried
 * all MXs", a temporary failure in its outbound/hmail.js, retried until
 * temp_fail_intervals run out) but writes 5.1.2 "bad destination
 * system": the domain exists, the recipient is not known to be dead */
static const struct classify_pattern haraka[] = {
	{ 11276, "haraka:triedallmxs", "expired", "tried all mxs", 1, 0 },
};

/* Barracuda Email Security Service accepts every RCPT and answers the
 * end of DATA for all recipients at once: "550 permanent failure for one
 * or more recipients (ADDRESS:RESULT)".  RESULT "blocked" is a policy,
 * reputation or content verdict of the gateway on the message (the
 * reasons of https://campus.barracuda.com/doc/167976683, "Message
 * Reasons and Actions"); a reply code and text is the downstream
 * server's answer to the gateway's recipient verification (RCPT) */
static const struct classify_pattern barracuda[] = {
	{ 11277, "barracuda:blocked", "blocked",
	  "re:permanent failure for one or more recipients \\([^)]*:\\s*blocked\\)", 1, 0 },
	{ 11278, "barracuda:nosuchuser", "userunknown",
	  "re:permanent failure for one or more recipients \\([^)]*:\\s*5[0-9][0-9][ -][^)]*\\b(no such user|user unknown|unknown user|does not exist)", 1, 0 },
};

static const struct classify_block blocks[] = {
	{ "google", NULL, google, NITEMS(google) },
	{ "microsoft", NULL, microsoft, NITEMS(microsoft) },
	{ "microsoft", "resolver.", microsoft_resolver, NITEMS(microsoft_resolver) },
	{ "facebook", NULL, facebook, NITEMS(facebook) },
	{ "tencent", "qq.com", tencent, NITEMS(tencent) },
	{ "iua", "i.ua/err/", iua, NITEMS(iua) },
	{ "mimecast", NULL, mimecast, NITEMS(mimecast) },
	{ "mimecast", "mimecast", mimecast_reported, NITEMS(mimecast_reported) },
	{ "cox", "aup#", cox, NITEMS(cox) },
	{ "spectrum", "aup#", spectrum, NITEMS(spectrum) },
	{ "orange", "ofr|lpn|ouk", orange, NITEMS(orange) },
	{ "t-online", NULL, tonline, NITEMS(tonline) },
	{ "gmx", NULL, gmx, NITEMS(gmx) },
	{ "mcafee", "mcafee", mcafee, NITEMS(mcafee) },
	{ "messagelabs", "messagelabs", messagelabs, NITEMS(messagelabs) },
	{ "imail", "imail", imail, NITEMS(imail) },
	{ "ses-inbound", "amazonaws", ses_inbound, NITEMS(ses_inbound) },
	{ "kddi", NULL, kddi, NITEMS(kddi) },
	{ "cpanel", NULL, cpanel, NITEMS(cpanel) },
	{ "yandex", NULL, yandex, NITEMS(yandex) },
	{ "exchange", NULL, exchange, NITEMS(exchange) },
	{ "domino", NULL, domino, NITEMS(domino) },
	{ "interscan", NULL, interscan, NITEMS(interscan) },
	{ "yahoo", NULL, yahoo, NITEMS(yahoo) },
	{ "aol", NULL, aol, NITEMS(aol) },
	{ "apple", NULL, apple, NITEMS(apple) },
	{ "godaddy", NULL, godaddy, NITEMS(godaddy) },
	{ "godaddy", "ib", godaddy_ib, NITEMS(godaddy_ib) },
	{ "qmail", NULL, qmail, NITEMS(qmail) },
	{ "lda", NULL, lda, NITEMS(lda) },
	{ "haraka", NULL, haraka, NITEMS(haraka) },
	{ "barracuda", "permanent failure for one", barracuda, NITEMS(barracuda) },
};
/* clang-format on */

const struct classify_block *
classify_provider_blocks(size_t *n)
{
	*n = NITEMS(blocks);
	return blocks;
}

/* What the sending MTA's own classification of a failure means.  PowerMTA
 * matches every reply against its bounce-category rules and writes the
 * result into the DSN (X-PowerMTA-BounceCategory); it saw the whole SMTP
 * dialogue, so its verdict outranks our reading of the text.  "other" and
 * unknown categories say nothing. */
static const struct {
	const char *category;
	const char *reason;
} category_rules[] = {
	{ "bad-mailbox", "userunknown" },
	{ "bad-domain", "hostunknown" },
	{ "inactive-mailbox", "suspend" },
	{ "quota-issues", "mailboxfull" },
	{ "spam-related", "spamdetected" },
	{ "virus-related", "virusdetected" },
	{ "policy-related", "policyviolation" },
	{ "content-related", "contenterror" },
	{ "invalid-sender", "rejected" },
	{ "message-expired", "expired" },
	{ "no-answer-from-host", "networkerror" },
	{ "bad-connection", "networkerror" },
	{ "routing-errors", "networkerror" },
	{ "relaying-issues", "norelaying" },
	{ "protocol-errors", "syntaxerror" },
	{ "bad-configuration", "systemerror" },
};

const char *
classify_category_reason(const char *category)
{
	size_t i;

	for (i = 0; category != NULL && i < NITEMS(category_rules); i++)
		if (g_ascii_strcasecmp(category, category_rules[i].category) ==
		    0)
			return category_rules[i].reason;
	return NULL;
}

/* Recipient domains whose refusals mean one thing whatever the text says
 * (or in whichever language it says it); used only when neither the codes
 * nor the text decided. */
static const struct {
	const char *suffix;
	const char *reason;
} domain_rules[] = {
	/* a Google Group refusing a post: the poster may not post there */
	{ "@googlegroups.com", "rejected" },
};

const char *
classify_domain_reason(const char *recipient)
{
	size_t i;

	for (i = 0; recipient != NULL && i < NITEMS(domain_rules); i++)
		if (g_str_has_suffix(recipient, domain_rules[i].suffix))
			return domain_rules[i].reason;
	return NULL;
}
