/*
 * patterns.c - the generic diagnostic-text rows, grouped by reason: words
 * any MTA may use ("user unknown", "mailbox full", "blocked using").
 * A provider's own wording is in providers.c.
 *
 * A row is a lower-case substring, or a PCRE2 regular expression (matched
 * caselessly) when it starts with "re:".  The first row that matches wins,
 * in the order of the priority (the first field) across this file and
 * providers.c together, so the grouping here says nothing of the order.
 * The priorities come in bands:
 *   1xxxx  a provider's own wording: precise and stable (providers.c)
 *   2xxxx  verdicts on the sender that outrank anything said about the
 *          address: authentication, reverse DNS, reputation, block lists,
 *          spam and malware
 *   3xxxx  the address and its mailbox: size, quota, disabled, moved,
 *          relaying, the sender address, unknown user, unknown domain
 *   4xxxx  generic refusals of the sending host: below band 3 because
 *          "access denied" or "rejected" next to "user unknown" is about
 *          the user
 *   5xxxx  policy, filters, rates, time, network, system, content
 *   6xxxx  the last resort
 * Inside a band a phrase that contains another reason's phrase ("not
 * listed in the address book" contains "listed in") goes first.  A new
 * row takes a free number between its neighbours in the match order; the
 * unit tests check that priorities and rule names are unique and that
 * every row has a fixture (tests/unit/pattern-fixtures.txt) that it wins.
 *
 * final (the fifth field): 0 an ordinary row; -1 a fallback, used only
 * when the status and reply codes say nothing.  flags: CLASSIFY_PAT_*.
 */
#include <stddef.h>

#include "internal.h"

/* clang-format off */
static const struct classify_pattern rows[] = {
	/* userunknown */
	{ 30380, "user:unknown", "userunknown",
	  "re:\\b(user|recipient|receiver|mailbox|address|account|addressee|local part|local-part|destination)( name| address)? (is )?(unknown|not found|not known|do(es)? ?n[o']t exist|not exist|invalid|not valid|unavailable|not available)", 0, 0 },
	{ 30390, "user:unknown2", "userunknown",
	  "re:\\b(unknown|invalid|bad|non-?existent|nonexisting|no such|not a valid) (local )?(user|recipient|receiver|mailbox|address|e-?mail address|account|addressee|destination)", 0, 0 },
	{ 30400, "user:nosuch", "userunknown",
	  "re:\\bno such (user|mailbox|account|recipient|address|person)", 0, 0 },
	{ 30410, "user:notlisted", "userunknown",
	  "re:not (listed|found) in (the )?(directory|address book|recipient list)", 0, 0 },
	{ 30420, "user:rejected", "userunknown",
	  "re:\\b(recipient|rcpt)( address)? rejected(\\W*$|\\W+access denied)", 0, CLASSIFY_PAT_ADDRESS_REJECT },
	{ 30430, "user:addressrejected", "userunknown",
	  "re:^\\W*([245]\\d\\d\\W+)?(#?[245]\\.\\d+\\.\\d+\\W+)?address rejected\\b", 0, 0 },
	{ 30440, "user:notknown", "userunknown",
	  "re:\\bnot (a |an )?(known|valid|active|local) (user|address|mailbox|recipient|account)|\\brecipient (is )?not (local|ok)\\b|\\bcan'?t accept (user|recipient)|\\b(mailbox|user|recipient) not present\\b|\\b(e-?mail (address|name)|address) (is |was )?(could not be |cannot be |can't be |not )found|missing home directory|unknown virtual user|addresses were unknown", 0, 0 },
	{ 30450, "user:nosuchname", "userunknown",
	  "re:\\bno (account|mailbox|mail box) (by that name|available for)", 0, 0 },
	{ 30460, "user:addrnotexist", "userunknown",
	  "re:\\b(mailbox|user|recipient|address|account) <?[^ @<>]+@[^ >]+>? (does not exist|doesn't exist|not found|is unknown|unknown)", 0, 0 },
	{ 30470, "user:bracketnotfound", "userunknown",
	  "re:<[^<>@ ]+@[^<> ]+>:? (not found|unknown)\\b", 0, 0 },
	{ 30480, "user:notourcustomer", "userunknown", "not our customer", 0, 0 },
	{ 30490, "user:unknownlocal", "userunknown", "unknown local part", 0, 0 },
	{ 30510, "user:nomailbox", "userunknown", "re:\\bno mailbox\\b", 0, 0 },
	{ 30530, "user:doesnothave", "userunknown",
	  "re:there is no (one|user|mailbox)", 0, 0 },
	{ 30540, "user:ja-notfound", "userunknown", "見つかりません", 0, 0 },
	/* the same in German, French, Spanish, Italian, Portuguese, Dutch */
	{ 30550, "user:unknown-intl", "userunknown",
	  "re:\\b(empfänger|benutzer|adresse|postfach)(adresse)? (ist )?unbekannt|\\bunbekannte[rn]? (empfänger|benutzer)|utilisateur inconnu|destinataire inconnu|adresse (e-?mail )?inconnue|usuario desconocido|destinatario desconocido|no existe (el|la) (usuario|buzón|cuenta|dirección)|utente sconosciuto|destinatario sconosciuto|usuário desconhecido|destinatário desconhecido|onbekende (gebruiker|ontvanger)|(gebruiker|ontvanger) (is )?onbekend", 0, 0 },
	{ 30560, "user:ja-notexist", "userunknown", "存在しません", 0, 0 },
	{ 30570, "user:notavalid", "userunknown", "is not a valid", 0, 0 },
	{ 30720, "user:doesnotexist", "userunknown",
	  "re:\\b(does not|doesn't|did not|no longer) exists?\\b", 0, 0 },
	/* last resort (band 6): Postfix frames every recipient restriction
	 * as "Recipient address rejected: <reason>"; only when no row
	 * understood the reason is it about the address */
	{ 60010, "user:novalid-generic", "userunknown",
	  "re:\\bno valid recipients?\\b", -1, 0 },
	{ 60020, "user:rejected-generic", "userunknown",
	  "re:\\b(recipient|rcpt)( address)? rejected\\b", -1, 0 },

	/* hostunknown */
	{ 30370, "host:mustexist", "hostunknown",
	  "re:\\bdomain must exist\\b|\\bdomain is not reachable\\b|\\bmail domain mentioned in (the )?e-?mail address is unknown|\\bunknown domain name\\b", 0, 0 },
	{ 30620, "host:unknown", "hostunknown",
	  "re:\\b(host|domain|hostname|domain name|recipient domain)( name)? (is )?(unknown|not found|not known|does ?n[o']t exist|invalid|not valid|unresolvable|could not be (found|resolved))", 0, 0 },
	{ 30630, "host:unknown2", "hostunknown",
	  "re:\\b(unknown|invalid|no such|non-?existent|unresolvable) (host|domain)", 0, 0 },
	{ 30640, "host:nxdomain", "hostunknown", "re:\\bnxdomain\\b", 0, 0 },
	/* Exim's router: "DNS lookup failure: host x not found" */
	{ 30645, "host:dnsnotfound", "hostunknown",
	  "re:\\bdns lookup failure\\W+host \\S+ not found", 0, 0 },

	{ 30660, "host:nodns", "hostunknown",
	  "re:\\bno (dns|a) (record|entry|entries|host)", 0, 0 },
	{ 30670, "host:unrouteable", "hostunknown",
	  "unrouteable mail domain", 0, 0 },
	{ 30690, "host:domainnotexist", "hostunknown",
	  "re:(?<![@\\w.-])[a-z0-9-]+(\\.[a-z0-9-]+)+ does not exist\\b", 0, 0 },
	{ 30700, "host:nameservice", "hostunknown",
	  "name or service not known", 0, 0 },
	{ 30710, "host:unrouteable-address", "hostunknown",
	  "unrouteable address", 0, 0 },

	/* hasmoved */
	{ 30220, "mailbox:moved", "hasmoved",
	  "re:\\b(has moved|moved to|no longer (with|at|employed|in use|available|valid)|address (has )?changed|not here anymore|new address)", 0, 0 },

	/* notaccept */
	/* RFC 7505: the domain says it takes no mail at all */
	{ 30580, "host:nullmx", "notaccept",
	  "re:\\bnull mx\\b|doesn't receive email according to the administrator", 0, 0 },
	{ 30600, "host:notaccept", "notaccept",
	  "re:\\b(host|domain|server)s?(/domain)?( \\S+)? does not accept (any )?(e-?mail|mail|messages)\\b", 0, 0 },
	/* no mail exchanger: the domain exists but takes no mail (a dead
	 * domain is unknown) */
	{ 30650, "host:nomx", "notaccept",
	  "re:\\bno mx (record|entry|entries|host)|\\bno mx (found )?for (the )?(domain|host)\\b|\\b(find|no|any) (a )?mail exchanger", 0, 0 },
	{ 30680, "host:nosmtp", "notaccept", "indicated no smtp service", 0, 0 },
	{ 50420, "system:notaccept", "notaccept",
	  "re:\\bnull mx\\b|\\baccepts no mail\\b", 0, 0 },

	/* mailboxfull */
	/* a full mailbox in German, French, Spanish, Italian, Portuguese */
	{ 30020, "mailbox:full-intl", "mailboxfull",
	  "re:\\b(postfach|mailbox) (ist )?(voll|überfüllt)|bo[iî]te (aux lettres|de réception|mail|du destinataire) (est )?pleine|buzón.{0,40}(lleno|completo)|casella( di posta)? (è )?piena|caixa (postal|de correio|de entrada) (está )?(cheia|lotada)", 0, 0 },
	/* the mailbox's size, not the message's */
	{ 30030, "mailbox:size", "mailboxfull",
	  "re:\\b(mailbox|mail box|inbox|account) (size )?(exceeds|has exceeded|is over) (the |its )?(allowed |maximum |storage )?(size|limit|storage|quota)", 0, 0 },
	{ 30040, "mailbox:mailfile", "mailboxfull",
	  "mail file size exceeds", 0, 0 },
	{ 30100, "mailbox:full", "mailboxfull",
	  "re:\\b(mailbox|mail box|inbox|mail ?folder|account|mailfolder|mail directory|user|recipient|disk|storage)( is| has)? (full|over ?quota|out of (storage|space))", 0, 0 },
	{ 30110, "mailbox:quota", "mailboxfull",
	  "re:\\b(over|exceed(s|ed)?|exceeding|reached|beyond|above)( (the|its|his|her|their|your|allowed|disk|mailbox|storage|size))* quota", 0, 0 },
	{ 30120, "mailbox:quota2", "mailboxfull",
	  "re:\\bquota (exceed(s|ed)?|full|violation|reached|limit)", 0, 0 },
	{ 30130, "mailbox:insufficient", "mailboxfull",
	  "re:(not enough|insufficient|no) (disk |storage )?space", 0, 0 },
	{ 30140, "mailbox:storage", "mailboxfull",
	  "re:\\b(storage|disk) (allocation|limit|space)\\b", 0, 0 },
	{ 30150, "mailbox:toomanymessages", "mailboxfull",
	  "re:too many messages (in|on)\\b", 0, 0 },
	{ 30160, "mailbox:full2", "mailboxfull",
	  "re:\\b(is|are|mailbox) full\\b", 0, 0 },
	{ 30170, "mailbox:exceeded", "mailboxfull",
	  "re:\\b(mailbox|mail box)( \\S+)? (has )?exceeded\\b", 0, 0 },

	/* exceedlimit */
	{ 30180, "mailbox:exceedlimit", "exceedlimit",
	  "re:exceeds? (the )?(administrative|per-mailbox) limit", 0, 0 },

	/* mesgtoobig */
	{ 30050, "size:toobig", "mesgtoobig",
	  "re:\\b(message|mail|email|e-mail)s? (size |length )?(is |was )?(too (large|big|long)|exceeds?\\b(?! \\d+ hops)|exceeded (the |its )?(max|size|length|limit)|larger than)", 0, 0 },
	{ 30060, "size:limit", "mesgtoobig",
	  "re:\\b(message |mail |e-?mail )?size (limit|exceeds|exceeded|too)", 0, 0 },
	{ 30070, "size:maxsize", "mesgtoobig",
	  "re:\\bmax(imum)? (inbound |outbound )?(message |allowed )?size\\b|\\btaille limite\\b", 0, 0 },
	{ 30080, "size:toolarge", "mesgtoobig", "re:\\btoo (large|big)\\b", 0, 0 },
	{ 30090, "size:linelimit", "mesgtoobig",
	  "re:\\bline (length )?limit exceeded\\b", 0, 0 },

	/* suspend */
	{ 30190, "mailbox:disabled", "suspend",
	  "re:\\b(account|mailbox|user|address|recipient)( \\S+){0,2} (is |has been |was |temporarily |currently )*(disabled|suspended|deactivated|inactive|frozen|locked|blocked|closed|not active|on hold|expired)", 0, 0 },
	{ 30200, "mailbox:suspended", "suspend",
	  "re:\\b(disabled|suspended|inactive|deactivated|expired) (account|mailbox|user)\\b", 0, 0 },
	{ 30210, "mailbox:suspended2", "suspend",
	  "re:\\b(is|has been|was) (currently |temporarily )?(suspended|deactivated|terminated)\\b|\\buser is terminated\\b|suspend the service|\\barchived recipient\\b|boite du destinataire archivee|temporar(il)?y locked", 0, 0 },

	/* expired */
	{ 50230, "time:expired", "expired",
	  "re:\\b(retry time|delivery time|time|timeout) (expired|exceeded|has been exceeded)", 0, CLASSIFY_PAT_GAVE_UP },
	{ 50240, "time:expired2", "expired",
	  "re:\\b(message|mail|envelope) (has )?expired\\b", 0, CLASSIFY_PAT_GAVE_UP },
	{ 50250, "time:giveup", "expired",
	  "re:(could not be delivered|was not delivered|undeliverable|not been delivered|unable to deliver).{0,40}\\b(for|within|after) (the last )?\\d+ ?(days|hours|minutes)", 0, 0 },
	{ 50260, "time:failing", "expired",
	  "have been failing for a long time", 0, 0 },
	{ 50280, "time:willretry", "expired",
	  "re:\\bwill be retried for\\b", 0, 0 },
	{ 50290, "time:lastseconds", "expired",
	  "re:could not deliver for the last \\d+", 0, 0 },
	{ 50300, "time:giveup2", "expired",
	  "re:\\bgiving up on\\b|\\bafter (multiple|many|repeated) (retries|attempts)\\b|\\bwithin the allowed queue period\\b|\\b(could not be delivered|failed to deliver).{0,60}\\b(for more than|within) \\d+|\\bafter a long failure period\\b|\\bmessage timed out\\b|\\bserver did not respond\\b|could not find a gateway for", 0, 0 },
	{ 50310, "time:queuetoolong", "expired",
	  "re:\\b(queue too long|in the queue too long|too long in (the )?queue)\\b", -1, 0 },
	{ 50320, "time:toolong", "expired",
	  "re:\\btoo long\\b.*\\bqueue\\b", 0, 0 },
	{ 50330, "time:queued", "expired",
	  "re:\\b(has been|was) (in the )?queued? for\\b", 0, 0 },

	/* networkerror */
	{ 30590, "host:nameserver", "networkerror",
	  "re:\\b(malformed or unexpected name server reply|name server (failure|error|timeout)|dns (error|failure))\\b", 0, 0 },
	{ 30610, "host:tryagain", "networkerror",
	  "re:host not found, try again|temporary failure in name resolution|\\bservfail\\b|name server timeout|dns (lookup )?time(d)? ?out", 0, 0 },
	/* the queue gave up because DNS failed: the domain's trouble, as
	 * with failed:temporary in classify.c */
	{ 50220, "net:dnsquery", "networkerror",
	  "re:\\bdns (query|lookup) failed\\b", 0, 0 },
	{ 50340, "net:loop", "networkerror",
	  "re:\\b(mail|routing|delivery|message) loop|loops? back|too many hops|hop count exceeded|\\bexceeded \\d+ hops\\b", 0, 0 },
	{ 50350, "net:refused", "networkerror",
	  "re:\\bconnection (refused|timed out|reset|lost|dropped|closed)", 0, CLASSIFY_PAT_UNREACHED },
	{ 50360, "net:unreachable", "networkerror",
	  "re:\\b(network|host) (is )?(unreachable|not reachable)|no route to host", 0, CLASSIFY_PAT_UNREACHED },
	{ 50370, "net:error", "networkerror",
	  "re:\\bnetwork (error|failure)\\b", 0, 0 },
	{ 50380, "net:dns", "networkerror",
	  "re:\\bdns (error|failure|lookup failed|timeout|problem)", 0, 0 },
	{ 50390, "net:lost", "networkerror",
	  "lost connection", 0, CLASSIFY_PAT_UNREACHED },
	{ 50400, "net:loop2", "networkerror",
	  "re:\\bforwarding loop\\b|\\bmessage looping\\b|\\bhost name lookup failure\\b|\\bunable to resolve route\\b|\\bdns records for the destination\\b|\\bcould not connect and send\\b", 0, 0 },

	/* systemerror */
	{ 50440, "system:unavailable", "systemerror",
	  "re:\\bservice (is )?(currently |temporarily )?(unavailable|not available)\\b|\\bserver (is )?(too )?busy\\b", 0, 0 },
	{ 50450, "system:error", "systemerror",
	  "re:\\b(system|internal|server|local|configuration) (error|failure|problem)", 0, 0 },
	{ 50460, "system:io", "systemerror",
	  "re:\\b(queue file|disk|i/o) (write |read )?(error|full|failure)", 0, 0 },
	{ 50470, "system:misconfig", "systemerror", "re:\\bmis-?configur", 0, 0 },
	{ 50480, "system:local", "systemerror",
	  "re:\\b(interrupted system call|local error in processing|temporary local problem|can't create (user )?output file|error while being processed|could not load drd|loop broken|duplicated message-id)\\b", 0, 0 },

	/* systemfull */
	{ 50410, "system:full", "systemfull",
	  "re:\\b(system|disk|server|queue) (is )?full|insufficient system storage|out of disk", 0, 0 },

	/* toomanyconn */
	/* Tencent (QQ): "Ip frequency limited", "Connection frequency limited" */
	{ 20460, "rate:connfrequency", "toomanyconn",
	  "re:\\bconnection frequency limited\\b", 0, 0 },
	{ 20480, "rate:toomanyfrom", "toomanyconn",
	  "re:\\btoo many (connections|errors|sessions|concurrent \\w+) from\\b", 0, 0 },
	{ 50150, "rate:toomanyconn", "toomanyconn",
	  "re:too many (connections|concurrent|sessions|simultaneous|recipients|smtp sessions)|trop de connexions|\\bmaximum connection limit\\b|\\bper-domain connection limit\\b", 0, 0 },
	{ 50160, "rate:connlimit", "toomanyconn",
	  "re:connection (limit|rate limit)", 0, 0 },
	{ 50190, "rate:perconnection", "toomanyconn",
	  "re:\\bmax(imum)? (number of )?messages? per (connection|session)\\b", 0, 0 },

	/* ratelimited */
	{ 20470, "rate:frequency", "ratelimited",
	  "re:\\bfrequency limited\\b", 0, 0 },
	{ 50170, "rate:ratelimit", "ratelimited",
	  "re:\\b(rate[- ]limit|rate limited|throttl|too many (messages|emails|mails|requests|e-mails)|sending rate|exceeded the rate)", 0, 0 },
	{ 50180, "rate:recipient", "ratelimited",
	  "re:\\breceiving mail (too quickly|too fast|at a rate)\\b|\\bdeferred due to excessive volume\\b|\\bper hour message receive limit\\b|\\bexceeded permitted limits\\b", 0, 0 },

	/* speeding */
	{ 50200, "rate:speeding", "speeding",
	  "re:\\b(too fast|slow down|sending too quickly)\\b", 0, 0 },

	/* mailererror */
	{ 50430, "system:mailer", "mailererror",
	  "re:\\b(mailer error|unknown mailer|program failed|command died|procmail|exit status|pipe to \\|)", 0, 0 },

	/* onhold */
	{ 50210, "rate:greylist", "onhold", "re:\\b(grey|gray)[- ]?list", 0, 0 },

	/* filtered */
	{ 50090, "filter:content", "filtered",
	  "re:\\b(content |message )?filter(ed|ing)?\\b", 0, 0 },
	{ 50100, "filter:notauthorized", "filtered",
	  "re:\\bnot (authori[sz]ed|allowed|permitted) to (receive|accept|send)", 0, 0 },
	{ 50110, "filter:recipientrefused", "filtered",
	  "re:\\b(rejected|refused|declined) by (the )?(recipient|user|destination)", 0, 0 },
	/* the recipient's own rules refuse the mail */
	{ 50120, "filter:recipientrules", "filtered",
	  "re:\\b(is|are) (currently )?not accepting (any )?(mail|e-?mail|messages)\\b(?! (with|containing|from))|\\bonly accepting (mail|e-?mail|messages) from\\b|\\bnot currently being accepted for this mailbox\\b|\\bdue to user rules\\b|\\bblocked by the recipient\\b(?!'s)|\\brefuses? to receive (mail|e-?mail|messages)\\b|\\brestricted sms\\b|\\baccount is protected by\\b|\\buser reject", 0, 0 },
	{ 50130, "filter:deliverynotauthorized", "filtered",
	  "delivery not authorized", 0, 0 },
	{ 50140, "filter:doesnotaccept", "filtered",
	  "re:does not (accept|wish to receive) (mail|messages|e-?mail)", 0, 0 },

	/* rejected */
	{ 20380, "sender:listed", "rejected",
	  "re:\\b(sender|sender address|sender's address|envelope sender|your (e-?mail )?address|from address)( \\S+)? (is |has been |was )?(in my |on (our|the) )?(black|block|deny|ban)[- ]?list", 0, 0 },
	{ 20390, "sender:blacklisted", "rejected",
	  "re:\\bsender blacklisted\\b|\\bsending (to/)?from an address that (is|has been) (black|block)listed", 0, 0 },
	{ 30270, "sender:senderid", "rejected",
	  "re:\\bpurported\\s+responsible\\s+address", 0, 0 },
	{ 30280, "sender:batv", "rejected",
	  "re:\\bbatv\\b|\\bbackscatter\\b|\\b(no third-party|unsigned) dsns?\\b|\\b(null|empty)( envelope)? senders? (is )?not allowed|\\bbogus mail from\\b|\\breturned mail not accepted\\b", 0, 0 },
	/* the sender's own mail setup: Gmail's "Send mail as" alias */
	{ 30290, "sender:sendmailas", "rejected",
	  "re:sending this from a different address or alias|\\bsend mail as\\b", 0, 0 },
	{ 30300, "sender:notallowed", "rejected",
	  "re:\\bnot (pre-?approved|owned by user|on the recipient's list of senders)|isn't on the recipient's list of senders|\\bnot allowed to post\\b|\\bnot a member of (this|the) (mailing )?list\\b|\\bemail address is not verified\\b|\\bfully qualified (e-?mail )?address required\\b|\\bempty email address\\b|\\bbouncedeny\\b|\\badministrative prohibition\\b|\\bunroutable sender\\b|\\bdoes not accept (e-?mail|mail|messages) from\\b", 0, 0 },
	{ 30310, "sender:rejected", "rejected",
	  "re:\\b(sender|from|envelope|return-path|return path|originator)( e-?mail)?( address)? (\\S+ )?(rejected|refused|denied|not (allowed|accepted|permitted)|invalid|unknown|blocked)", 0, 0 },
	{ 30320, "sender:fromdomain", "rejected",
	  "re:\\bfrom:? (domain|address) (is )?(invalid|unknown|not valid|does not exist)", 0, 0 },
	{ 30330, "sender:domain", "rejected",
	  "re:\\b(domain of sender|sender domain|sender's domain|sender address)\\b", 0, 0 },
	{ 30340, "sender:verify", "rejected",
	  "re:\\bsender verif(y|ication)\\b", 0, 0 },
	{ 30350, "sender:invalid", "rejected",
	  "re:\\b(invalid|bad|unknown) sender\\b", 0, 0 },
	{ 30360, "sender:mailfrom", "rejected",
	  "re:\\bmail from\\b.*\\b(rejected|refused|denied|invalid)", 0, 0 },

	/* blocked */
	/* the sending host tripped a threshold: bad commands, or mail to
	 * too many addresses that do not exist (a harvest or a stale list) */
	{ 20190, "block:threshold", "blocked",
	  "re:\\btoo many (bad commands|invalid recipients|unknown recipients)\\b", 0, 0 },
	{ 20300, "block:invalidip", "blocked",
	  "re:\\b(invalid|bad|unauthori[sz]ed|not permitted) (sender |sending |client )?ip\\b", 0, 0 },
	{ 20310, "block:myname", "blocked", "my name was rejected", 0, 0 },
	{ 20320, "block:blockedusing", "blocked", "blocked using", 0, 0 },
	{ 20330, "block:spamhaus", "blocked", "spamhaus", 0, 0 },
	{ 20340, "block:spamcop", "blocked", "spamcop", 0, 0 },
	{ 20350, "block:sorbs", "blocked", "sorbs", 0, 0 },
	{ 20360, "block:barracuda", "blocked", "barracuda reputation", 0, 0 },
	{ 20370, "block:dnsbl", "blocked",
	  "re:\\b(dnsbl|rbl|rhsbl|dnsrbl|uribl)\\b", 0, 0 },
	{ 20410, "block:blacklist", "blocked",
	  "re:\\b(black|block|deny|ban)[- ]?list(ed)?\\b", 0, 0 },
	{ 20420, "block:listedin", "blocked",
	  "re:\\b(is|are|was|been|currently) listed (in|on|at|by)\\b", 0, 0 },
	{ 20430, "block:listed", "blocked",
	  "re:\\blisted (in|on|at|by) (the )?\\S*(bl|list|spam)", 0, 0 },
	{ 20450, "block:iplisted", "blocked",
	  "re:\\b(ip|ip address|host|server ip|mail server at|access from ip address) \\[?\\d{1,3}(\\.\\d{1,3}){3}\\]?( \\S+)? (is |has been |was )?(blocked|banned|rejected|refused|denied|blacklisted|listed as)", 0, 0 },
	{ 20490, "block:fromyourip", "blocked",
	  "re:\\b(from|by) (your|the following|this) ip( address)?\\b|\\b(forbidden|denied|refused|rejected) (by|for) your (ip|host|server)\\b", 0, 0 },
	{ 20500, "block:seehttp", "blocked",
	  "re:\\b(blocked|refused) - see http", 0, 0 },
	{ 20510, "block:openproxy", "blocked",
	  "re:\\bopen (proxy|relay)\\b", 0, 0 },
	{ 20520, "block:spammerhost", "blocked",
	  "re:remote ?host looks suspiciously like|\\bsending spam\\b", 0, 0 },
	{ 20530, "block:noaccess", "blocked",
	  "re:\\bno access from (mail )?server\\b", 0, 0 },
	{ 40010, "block:ipblocked", "blocked",
	  "re:\\b(ip|ip address|client|client host|host|network|sender ip|sending ip)( \\S+)? (is |has been |was )?(blocked|banned|rejected|refused|denied|not allowed|prohibited)|\\bconnection( \\S+)? (is |has been |was )?(blocked|banned|rejected|denied|not allowed|prohibited)", 0, 0 },
	{ 40020, "block:yourip", "blocked",
	  "re:\\byour (ip|host|server|network|mail server)\\b.*\\b(block|blocked|listed|rejected|refused|denied|banned|not allowed)\\b", 0, 0 },
	{ 40040, "block:clientdenied", "blocked",
	  "re:(connection|access) (refused|denied|rejected) (by|from|for) ", 0, 0 },
	{ 40050, "block:accessdenied", "blocked",
	  "re:\\baccess denied\\b", 0, CLASSIFY_PAT_SENDER_AT_MAIL },
	{ 40060, "block:useisp", "blocked",
	  "re:\\buse (the )?(smtp|mail|outgoing) (server|relay) of your (isp|provider)\\b|\\buse your (isp|provider)'?s? (smtp|mail|outgoing|relay)", 0, 0 },
	{ 40070, "block:notaccepting", "blocked",
	  "not accepting connections", 0, 0 },
	/* AOL's refusal of the connection */
	{ 40080, "block:willnotaccept", "blocked",
	  "will not accept delivery of this message", 0, 0 },
	/* Postfix: the greeting was a refusal, before any address */
	{ 40090, "block:refusedtotalk", "blocked", "refused to talk to me", 0, 0 },
	{ 40100, "block:notallowedconnect", "blocked",
	  "not allowed to connect", 0, 0 },
	{ 40110, "block:heloreject", "blocked",
	  "re:\\b(helo|ehlo)\\b.*\\b(rejected|invalid|denied|refused)", 0, 0 },
	{ 40120, "block:blocked", "blocked",
	  "re:\\b(has been|have been|was|were|are|is|temporarily|permanently) (blocked|banned)\\b(?! by the (recipient|user|addressee)\\b(?!'s))", 0, 0 },
	{ 40130, "block:refused", "blocked",
	  "re:\\bmail (from .* )?(refused|rejected)\\b", 0, 0 },

	/* spamdetected */
	{ 20400, "content:badurl", "spamdetected",
	  "re:\\b(black|block)listed (url|link|domain in (the )?(body|message))|\\burl (is )?(black|block)listed", 0, 0 },
	{ 20540, "content:rejected", "spamdetected",
	  "re:\\bmessage content rejected|content rejected\\b|\\bube\\b", 0, 0 },
	{ 20570, "content:spam", "spamdetected",
	  "re:\\b(spam|junk|bulk|unsolicited)( (mail|e-?mail|message|content|score|detected|filter))?\\b", 0, 0 },
	{ 20580, "content:spamlike", "spamdetected",
	  "re:(looks like|identified as|classified as|considered|detected as|scored as|rejected as|appears to be|suspected) (spam|junk|unsolicited)", 0, 0 },
	{ 20590, "content:spam2", "spamdetected",
	  "re:\\bspam(assassin|profiler|bouncer|ming)\\b|\\banti-?spam\\b|\\bmass mailer\\b|\\bblacklisted url\\b|\\b(banned|unacceptable|mail) content\\b|\\bcontent (filter )?rejection\\b|\\bcontent denied\\b", 0, 0 },
	{ 20600, "content:uce", "spamdetected", "re:\\buce\\b", 0, 0 },

	/* virusdetected */
	{ 20550, "content:virus", "virusdetected",
	  "re:(?<!spam or )(?<!spam and )\\b(virus|malware|trojan|worm|infected|phishing)\\b", 0, 0 },

	/* policyviolation */
	{ 50010, "policy:deniedby", "policyviolation",
	  "re:\\b(denied|rejected|refused|blocked|not allowed) (by|due to) (local |our |site |security |content )?polic(y|ies)\\b", 0, 0 },
	{ 50020, "policy:violation", "policyviolation",
	  "re:polic(y|ies) (violation|reasons|restriction|rejection)", 0, 0 },
	{ 50030, "policy:violates", "policyviolation",
	  "re:\\bviolat(es|ed|ion of|ing)\\b", 0, 0 },
	{ 50040, "policy:prohibited", "policyviolation",
	  "re:\\b(content|message|attachment|file type|extension)s? (is |are )?(prohibited|not allowed|forbidden)", 0, 0 },
	{ 50050, "policy:violation2", "policyviolation",
	  "re:\\bviolation\\b", 0, 0 },
	/* the address is itself a list or group that takes no posts from us */
	{ 50060, "policy:listpost", "policyviolation",
	  "re:\\bnon-?members?\\b|\\bmembers[- ]only\\b|\\bclosed (mailing )?list\\b|\\bnot subscribed to this (group|list)\\b|\\bsolving a captcha\\b|\\borganizational settings\\b", 0, 0 },
	{ 50070, "policy:attachment", "policyviolation",
	  "re:\\b(illegal|prohibited|forbidden|banned|unacceptable|dangerous) (attachment|file)s?\\b|\\b(not accept(ing)?|do not accept|does not accept) (mail|messages|e-?mail)s? (with|containing)\\b|\\b(attachment|executable file)s? (is |are )?not (allowed|accepted|permitted)\\b", 0, 0 },
	{ 50080, "policy:localpolicy", "policyviolation",
	  "re:\\b(local|our|site|security|organization|company) polic(y|ies)\\b", 0, 0 },

	/* badreputation */
	{ 20260, "reputation:complaints", "badreputation",
	  "re:\\b(unexpected volume or user complaints|user complaints|complaint rate)\\b", 0, 0 },
	{ 20270, "reputation:bad", "badreputation",
	  "re:\\b(bad|poor|low|negative) (ip |sender |domain )?reputation", 0, 0 },
	{ 20280, "reputation:ip", "badreputation",
	  "re:\\breputation of (the|your) (ip|sending|sender|domain)", 0, 0 },
	{ 20290, "reputation:prevent", "badreputation",
	  "to protect our users from spam, mail sent from your ip", 0, 0 },

	/* requireptr */
	{ 20120, "ptr:reversedns", "requireptr",
	  "re:reverse (dns|lookup|hostname|name)", 0, 0 },
	{ 20130, "ptr:ptr", "requireptr",
	  "re:\\bptr\\b.*\\b(record|lookup|missing|required|no|not)\\b", 0, 0 },
	{ 20140, "ptr:unverifiable", "requireptr",
	  "re:\\bunverif(y|i)able sending ips?\\b", 0, 0 },
	{ 20150, "ptr:noptr", "requireptr", "re:\\bno ptr\\b", 0, 0 },
	{ 20160, "ptr:rdns", "requireptr", "re:\\brdns\\b", 0, 0 },
	{ 20170, "ptr:cannotfindhostname", "requireptr",
	  "cannot find your hostname", 0, 0 },
	{ 20180, "ptr:dnscheck", "requireptr", "dns check failure", 0, 0 },
	{ 20210, "ptr:namelookup", "requireptr", "ip name lookup failed", 0, 0 },
	{ 20220, "ptr:nohostname", "requireptr",
	  "re:client host .* has no (ptr|hostname)", 0, 0 },
	{ 20230, "ptr:unresolvable-client", "requireptr",
	  "re:(unresolvable|cannot resolve|could not resolve) (client|your|the) (ip|host|address)", 0, 0 },
	{ 20240, "ptr:mismatch", "requireptr",
	  "re:\\bmismatch(es|ed)? (the )?client ip|does not match (the )?(client|connecting|sending) ip", 0, 0 },
	{ 20250, "ptr:dynamic", "requireptr",
	  "re:\\b(dynamic|dial-?up|residential|generic) (ip|address|host|range|pool)", 0, 0 },

	/* authfailure */
	{ 20010, "auth:dmarc", "authfailure",
	  "re:\\bdmarc\\b.*\\b(fail|reject|polic|verif|check)", 0, 0 },
	{ 20020, "auth:dmarc2", "authfailure",
	  "re:\\b(fail|not pass|did not pass|rejected)\\w*\\b.*\\bdmarc\\b", 0, 0 },
	{ 20030, "auth:spf", "authfailure",
	  "re:\\bspf\\b.*\\b(fail|softfail|hardfail|reject|check|validation|record|not designate|error)", 0, 0 },
	{ 20040, "auth:spf2", "authfailure",
	  "re:\\b(fail|failed|did not pass)\\w*\\b.*\\bspf\\b", 0, 0 },
	{ 20050, "auth:dkim", "authfailure",
	  "re:\\bdkim\\b.*\\b(fail|invalid|bad|missing|required|verif)", 0, 0 },
	{ 20060, "auth:designate", "authfailure", "does not designate", 0, 0 },
	{ 20070, "auth:notpermittedsend", "authfailure",
	  "is not allowed to send mail from", 0, 0 },
	{ 20080, "auth:senderauth", "authfailure",
	  "sender authentication failed", 0, 0 },
	{ 20090, "auth:unauthenticated", "authfailure",
	  "re:\\bunauthenticated email\\b|\\bsender is unauthenticated\\b|\\brequires all senders to authenticate\\b", 0, 0 },
	{ 20100, "auth:senderid", "authfailure", "sender id (pra)", 0, 0 },

	/* norelaying */
	{ 30230, "relay:denied", "norelaying",
	  "re:\\b(relay(ing)?|relay access) (is )?(denied|not (permitted|allowed)|prohibited|refused)|\\bno relaying\\b", 0, 0 },
	{ 30240, "relay:unable", "norelaying",
	  "re:\\b(unable|not permitted|not allowed|cannot|can't|do not|we do not|don't) (to )?relay\\b", 0, 0 },
	{ 30250, "relay:notgateway", "norelaying", "not a gateway", 0, 0 },
	{ 30260, "relay:rcpthosts", "norelaying",
	  "list of allowed rcpthosts", 0, 0 },

	/* securityerror */
	{ 20110, "security:smtpauth", "securityerror",
	  "re:\\b(smtp authentication|without authentication|unauthenticated (senders?|users?|relay)|authentication (is )?required|must authenticate|auth(entication)? needed)\\b", 0, 0 },
	{ 50520, "security:tls", "securityerror",
	  "re:\\b(tls|starttls|encryption|ssl) (is )?(required|needed|must)|must (issue a )?starttls|authentication required|must authenticate", 0, 0 },

	/* syntaxerror */
	{ 50510, "syntax:error", "syntaxerror",
	  "re:\\bsyntax error|command unrecogni[sz]ed|unrecogni[sz]ed command|bad sequence of commands", 0, 0 },

	/* notcompliantrfc */
	{ 20560, "content:notrfc", "notcompliantrfc",
	  "re:\\bnot rfc ?(5322|2822|822) compliant\\b|\\bmultiple addresses in from\\b|\\bmultiple (subject|from|date|to|message-id|sender) headers\\b", 0, 0 },
	{ 50500, "content:rfc", "notcompliantrfc",
	  "re:\\b(not (compliant|complying|conform)|non-?compliant|violates) (with )?(rfc|the rfc|standards?)|\\brfc ?(5322|2822|822)\\b(?!;)|\\bmissing a valid (address in the from:|message-id:) header|\\bencoded-word syntax is not permitted|\\bmultiple addresses in from: header|\\bmail message is malformed|\\bunicode character in a disallowed header", 0, 0 },

	/* contenterror */
	{ 30010, "content:header", "contenterror",
	  "re:\\b(duplicate header|headers? (is |are )?too (long|large|big)|too many headers|header (line )?too long|malformed header|invalid header)", 0, 0 },
	{ 50490, "content:mime", "contenterror",
	  "re:\\b(mime|encoding|charset|header|8bit|8-bit|binary|attachment)s? (is |are )?(invalid|not (supported|permitted|allowed)|error|malformed|rejected)", 0, 0 },
};
/* clang-format on */

const struct classify_pattern *
classify_generic_rows(size_t *n)
{
	*n = sizeof(rows) / sizeof(rows[0]);
	return rows;
}
