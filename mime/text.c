/*
 * text.c - bounces written as free text (qmail, Exim, Sendmail, Gmail,
 * Exchange, Domino, Yahoo, ... and the long tail).
 *
 * Most MTAs that send no delivery-status part still lay their text out the
 * same way: a preamble, then for each failed recipient a line that
 * introduces the address followed by the lines that explain it, then a
 * marker and a copy of the original message.  So instead of one parser per
 * MTA this file has tables:
 *   - families: wording that names the MTA (for `format` and `generator`,
 *     and for the message-wide "is this a bounce" test);
 *   - cuts: where the copy of the original begins;
 *   - intros: how a line introduces a recipient.
 * Supporting a new MTA usually means a row in one of them.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include <glib.h>

#include "internal.h"

/* Wording that identifies the MTA family (lower-case substrings), and the
 * software it names when the wording is that software's own (it becomes
 * the report's generator, which classify/ may read: see "exim" there). */
/* clang-format off */
static const struct {
	const char *name;
	const char *marker;
	const char *software;
} families[] = {
	{ "text:qmail", "this is the qmail-send program", "qmail" },
	{ "text:qmail", "i'm afraid i wasn't able to deliver your message", "qmail" },
	/* deliver.c's own line; other MTAs (GMX's) copy Exim's intro but
	 * not this, and do not follow Exim's retry semantics */
	{ "text:exim", "address(es) failed:", "exim" },
	{ "text:exim", "this message was created automatically by mail delivery software", NULL },
	{ "text:exim", "could not be delivered to one or more of its", NULL },
	{ "text:sendmail", "the following addresses had permanent fatal errors", "sendmail" },
	{ "text:sendmail", "the following addresses had delivery problems", "sendmail" },
	{ "text:sendmail", "----- transcript of session follows -----", "sendmail" },
	{ "text:postfix", "this is the mail system at host", "postfix" },
	{ "text:gmail", "delivery to the following recipient failed", NULL },
	{ "text:gmail", "delivery to the following recipients failed", NULL },
	{ "text:gmail", "delivery to the following recipient has been delayed", NULL },
	{ "text:yahoo", "sorry, we were unable to deliver your message", NULL },
	{ "text:exchange", "did not reach the following recipient", NULL },
	{ "text:domino", "was not delivered to:", NULL },
	{ "text:opensmtpd", "this is the mailer-daemon, please do not reply", "opensmtpd" },
	{ "text:interscan", "message from interscan messaging security suite", NULL },
	{ "text:mailmarshal", "could not be delivered because of", NULL },
	{ "text:courier", "this is a delivery status notification", "courier" },
	/* a list manager (fml, Mailman, ezmlm) refusing our post: the
	 * subscriber's address is itself a list */
	{ "text:listmanager", "you are not a member of this mailing list", NULL },
	{ "text:listmanager", "duplicated message-id in", NULL },
	{ "text:generic", "unable to deliver message to", NULL },
	{ "text:generic", "could not be delivered to", NULL },
	{ "text:generic", "message could not be delivered", NULL },
	{ "text:generic", "your message could not be delivered", NULL },
	{ "text:generic", "delivery has failed to these recipients", NULL },
	{ "text:generic", "undeliverable", NULL },
	{ "text:generic", "delivery failure", NULL },
	{ "text:generic", "permanent error", NULL },
	{ "text:generic", "permanent errors", NULL },
	{ "text:generic", "unknown user", NULL },
	{ "text:generic", "user unknown", NULL },
	{ "text:generic", "не может быть доставлено", NULL },
};
/* clang-format on */

/* Lines where the copy of the original message begins (regexes matched
 * at the start of a line, after blanks, caselessly; compiled into one). */
static const char *cuts[] = {
	"-+ ?this is a copy of the message",
	"-+ ?(this is a copy of|below this line is a copy of|the original message|original message|unsent message|returned message|message header|original mail|copy of the original)",
	"-*\\s*(original message follows|original message headers|below is a copy of the original message|the header of the original message)",
	"(included is a copy of the message header|original message:|original message follows|the original message headers are included|message headers follow)",
	"-+ ?(begin|start) (of )?(original|returned) message",
	"=+\\s*original message",
	"\\*+ original message",
	"-+ ?(begin message|returned mail follows|start of returned message)",
	"(old message:|here is your returned mail|text of message follows|original message attached|original mail as follows)",
};

/* Lines that introduce a recipient; group 1 is the address.  The address
 * pattern is deliberately plain: what matters is its position. */
#define ADDR \
	"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)+)"
static const char *intros[] = {
	/* the address opens the line: "<a@b>:", "a@b", "* a@b", ">>> a@b" */
	("^(?:[*>\\-]+\\s*)?(?:\"[^\"\\n]{1,64}\"\\s*)?[\"'<(]*" ADDR
	 "[\"'>)]*(?:\\s*[:.,;<]|\\s|$)"),
	/* Sendmail's transcript: "554 <a@b>... Remote protocol error"
	 * (INTRO_USRERR) */
	("^(?:<<< )?[245][0-9][0-9](?:[ -][245]\\.[0-9]{1,3}\\.[0-9]{1,3})? <" ADDR
	 ">\\.\\.\\."),
	/* a phrase then the address: "Unable to deliver message to: <a@b>" */
	("(?:deliver(?:ed|ing|y)?(?: of)?(?: (?:the|your|this))?(?: (?:message|mail|e-?mail))? to|delivered to the following|failed recipient|recipient(?:s)?(?: address)?|(?:invalid )?receiver(?: address)?|destinataire|empfänger|destinatari[oa]|destinatário|ontvanger|mottagare|modtager|odbiorca|vastaanottaja|收件人|收信人|宛先|受信者|수신자|받는 사람|получатель|адресат|unknown user|rcpt to|could not be delivered to|address(?:es)? failed|permanent errors|temporary errors|was not delivered to|delivery to|addressed to|to the following address|invalid recipient|destination|undeliverable to|undeliverable address(?:es)?|exceeds allowed size|^\\s*unknown|mailbox is full|member of (?:this|the) (?:mailing )?list|duplicated message-id in)(?:\\(s\\))?\\s*[:,：]?\\s*[\"'<(]*" ADDR),
	/* the address, then the verdict: "Your message to a@b couldn't be
	 * delivered" (Microsoft 365), "Your message to <a@b> was
	 * automatically rejected:" (Dovecot's LDA and LMTP, Sieve reject),
	 * "The following message to <a@b> was undeliverable." (Mimecast) */
	("(?:your )?message to\\s*[\"'<(]*" ADDR
	 "[\"'>)]*\\s+(?:(?:couldn't|could not|can ?not|wasn't|was not) be delivered|(?:is|was|has been) (?:automatically )?(?:bounced|rejected|returned|undeliverable))"),
};

/* How a text says which SMTP command an error answered. */
static const char *command_words =
    "(?:in\\s+reply\\s+to|after|did\\s+not\\s+like\\s+our|while\\s+sending|"
    "response\\s+to|^>>>)"
    "\\s*(?:the\\s+)?(?:end\\s+of\\s+)?(?:final\\s+)?"
    "(rcpt|mail|data|helo|ehlo|connect|initial\\s+connection|greeting)";

static GRegex *cut_re;
static GRegex *command_re;
static GRegex *rcpt_re;
static GRegex *intro_re[G_N_ELEMENTS(intros)];
#define INTRO_USRERR 1 /* intros[] row of Sendmail's verdict line */
static GRegex *autoreply_re;
static GRegex *expanded_re;
static GRegex *contact_re;

static const char *autoreply_subject =
    "^\\s*(auto(matic)?[ _-]?(reply|response|answer|antwort)|auto:|"
    "out of (the )?office|ooo\\b|away from (the )?office|vacation|"
    "abwesenheit|r[eé]ponse automatique|absence|on leave|"
    "automatische antwort|risposta automatica|respuesta autom[aá]tica|"
    "resposta autom[aá]tica|automatisch antwoord|autosvar|"
    "automatyczna odpowied|automaattinen vastaus|"
    "autoreply|autorespond)";

/* compile - compile the tables once; a bad row is a bug */
static gpointer
compile(gpointer unused)
{
	GError  *err = NULL;
	GString *alt;
	size_t   i;

	alt = g_string_new("^[ \t]*(?:");
	for (i = 0; i < G_N_ELEMENTS(cuts); i++)
		g_string_append_printf(alt, "%s(?:%s)", i > 0 ? "|" : "",
		    cuts[i]);
	g_string_append_c(alt, ')');
	if ((cut_re = g_regex_new(alt->str,
		 G_REGEX_CASELESS | G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0,
		 &err)) == NULL)
		g_error("cuts: %s", err->message);
	g_string_free(alt, TRUE);
	for (i = 0; i < G_N_ELEMENTS(intros); i++)
		if ((intro_re[i] = g_regex_new(intros[i],
			 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &err)) == NULL)
			g_error("intro %zu: %s", i, err->message);
	if ((command_re = g_regex_new(command_words,
		 G_REGEX_CASELESS | G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0,
		 &err)) == NULL)
		g_error("command: %s", err->message);
	/* Postfix names the table it looked the recipient up in */
	if ((rcpt_re = g_regex_new(
		 "does not like recipient|rcpt to "
		 "response|recipient address rejected|\\[rcpt_to\\]|smtp:rcpt|"
		 "in (?:local recipient|virtual mailbox|virtual alias|relay "
		 "recipient) table|rcpt to:<[^>]*>:? ?"
		 "(?:[245][0-9][0-9]|<<<)",
		 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &err)) == NULL)
		g_error("rcpt: %s", err->message);
	/* the address a forward or alias was expanded from: Postfix's
	 * "(expanded from <a@b>)", Exim's "(ultimately generated from a@b)",
	 * Sendmail's "(expanded from: <a@b>)" */
	if ((expanded_re = g_regex_new("\\((?:expanded|ultimately generated) "
				       "from:?\\s*<?" ADDR ">?\\)",
		 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &err)) == NULL)
		g_error("expanded: %s", err->message);
	/* a line that hands over to a contact address on the next line:
	 * "If you believe this is in error, write to" */
	if ((contact_re = g_regex_new(
		 "(?:\\b(?:write|reply)\\s+to|"
		 "\\bcontact(?:\\s+(?:us|the|your|our)\\b.*)?|"
		 "\\b(?:questions?|assistance|help|in error)\\b.*"
		 "\\b(?:to|at|contact))\\s*:?\\s*$",
		 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &err)) == NULL)
		g_error("contact: %s", err->message);
	if ((autoreply_re = g_regex_new(autoreply_subject,
		 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &err)) == NULL)
		g_error("autoreply: %s", err->message);
	return NULL;
}

static void
init(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, compile, NULL);
}

int
text_autoreply_subject(const char *subject)
{
	if (subject == NULL)
		return 0;
	init();
	return g_regex_match(autoreply_re, subject, 0, NULL);
}

/* holds_any - does lower (len bytes) hold one of the NULL-terminated
 * words?  A substring search is far cheaper than a caseless regex scan
 * of a whole notice, and most notices name no SMTP command at all. */
static int
holds_any(const char *lower, size_t len, const char *const *words)
{
	for (; *words != NULL; words++)
		if (memmem(lower, len, *words, strlen(*words)) != NULL)
			return 1;
	return 0;
}

const char *
text_command(const char *text)
{
	/* a word each match of rcpt_re, and of command_re, must contain */
	static const char *const rcpt_words[] = { "recipient", "rcpt", "table",
		NULL };
	static const char *const command_words_in[] = { "reply", "after",
		"like", "sending", "response", ">>>", NULL };
	GMatchInfo              *mi = NULL;
	const char              *cmd = NULL;
	char                    *w, *lower;
	size_t                   len;
	int                      rcpt, command;

	if (text == NULL)
		return NULL;
	init();
	/* DATA answered "no valid recipients": the refusals before it were
	 * RCPT replies returned late (PIPELINING) */
	if (strstr(text, "no valid recipients") != NULL)
		return "RCPT";
	len = strlen(text);
	lower = g_ascii_strdown(text, (gssize)len);
	rcpt = holds_any(lower, len, rcpt_words);
	command = holds_any(lower, len, command_words_in);
	g_free(lower);
	/* wording that only ever answers RCPT: qmail's "does not like
	 * recipient" and "RCPT TO response", Postfix's recipient
	 * restrictions, Yahoo's "[RCPT_TO]" */
	if (rcpt && g_regex_match(rcpt_re, text, 0, NULL))
		return "RCPT";
	if (command && g_regex_match(command_re, text, 0, &mi)) {
		w = g_match_info_fetch(mi, 1);
		switch (g_ascii_tolower(w[0])) {
		case 'r':
			cmd = "RCPT";
			break;
		case 'm':
			cmd = "MAIL";
			break;
		case 'd':
			cmd = "DATA";
			break;
		default:
			cmd = "CONN";
			break;
		}
		g_free(w);
	}
	g_match_info_free(mi);
	return cmd;
}

/* family_of - the first family whose marker appears in lower; its
 * software's name in *software (NULL when none) if software is not NULL */
static const char *
family_of(const char *lower, const char **software)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(families); i++)
		if (strstr(lower, families[i].marker) != NULL) {
			if (software != NULL)
				*software = families[i].software;
			return families[i].name;
		}
	if (software != NULL)
		*software = NULL;
	return NULL;
}

/* unquoted - a lower-cased copy of the first n bytes of text without
 * the lines a reply quotes ("> ..."); g_free it */
static char *
unquoted(const char *text, size_t n)
{
	GString    *out = g_string_sized_new(n);
	const char *p = text, *end = text + n;
	char       *lower;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl + 1 : end;
		const char *q = p;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q == e || *q != '>')
			g_string_append_len(out, p, e - p);
		p = e;
	}
	lower = decode_lower(out->str, (gssize)out->len);
	g_string_free(out, TRUE);
	return lower;
}

/* is_reply - does the subject say a person replies ("Re:", "AW:",
 * "SV:", "Antw:", "R:")? */
static int
is_reply(const char *subject)
{
	static const char *prefixes[] = { "re:", "aw:", "sv:", "antw:", "r:",
		"vs:", "odp:" };
	size_t             i;

	if (subject == NULL)
		return 0;
	while (*subject == ' ')
		subject++;
	for (i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (g_ascii_strncasecmp(subject, prefixes[i],
			strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

int
text_is_bounce(const struct mime_report *r, const char *text, int machine)
{
	/* the first ones, as the whole local part, only a mailer uses: they
	 * count even from a message with list headers (a bounce a list
	 * manager forwarded, or one that copied them; "postmaster-weekly@"
	 * is a newsletter); the others also sign newsletters */
	static const char *senders[] = { "mailer-daemon", "postmaster",
		"post-master", "mail-daemon", "mailerdaemon", "bounce",
		"noreply", "no-reply", "mail delivery", "mail-delivery",
		"mdaemon", "administrator", "microsoftexchange", "mail system",
		"mail server", "mailer" };
	const size_t       strong = 5;
	static const char *subjects[] = { "undeliver", "undelivered",
		"delivery status notification", "returned mail",
		"mail delivery", "delivery failure", "failure notice",
		"delivery failed", "not delivered", "could not be delivered",
		"delivery problem", "nondeliverable", "non-delivery", "bounce",
		"rejected", "mail system error", "delivery notification",
		"warning: message", "delayed mail", "returned to sender",
		"error sending", "failed delivery", "delivery report",
		"message delivery" };
	const char        *family = NULL;
	char              *lower;
	size_t             i;
	int                sender = 0, yes = 0;

	if (r->from != NULL) {
		/* "Mailer-Daemon", "mailer_daemon", "post.master" alike */
		char *w;
		lower = g_ascii_strdown(r->from, -1);
		for (w = lower; *w != '\0'; w++)
			if (*w == '_' || *w == '.')
				*w = '-';
		if (machine >= 0)
			for (i = 0; i < G_N_ELEMENTS(senders) && !sender; i++)
				sender = strstr(lower, senders[i]) != NULL;
		else {
			char *at = strchr(lower, '@');
			if (at != NULL)
				*at = '\0';
			for (i = 0; i < strong && !sender; i++)
				sender = strcmp(lower, senders[i]) == 0;
		}
		g_free(lower);
	}
	if (sender)
		return 1;
	if (machine > 0 && r->subject != NULL) {
		/* a mailer wrote it: its subject will do */
		lower = decode_lower(r->subject, -1);
		for (i = 0; i < G_N_ELEMENTS(subjects) && !yes; i++)
			yes = strstr(lower, subjects[i]) != NULL;
		g_free(lower);
		if (yes)
			return 1;
	}
	if (text != NULL) {
		/* from a person, a reply ("Re: ...") whose MTA words are only
		 * in the lines it quotes ("> I'm sorry to have to inform
		 * you") is about a bounce, not one; a forward that quotes
		 * the bounce it passes on still is one */
		size_t n = MIN(strlen(text), 8192);
		lower = machine <= 0 && is_reply(r->subject)
		    ? unquoted(text, n)
		    : decode_lower(text, (gssize)n);
		family = family_of(lower, NULL);
		g_free(lower);
	}
	/* From a mailer any bounce wording will do.  From a person, with no
	 * header a mailer sets, a reply that asks about "an undeliverable
	 * message" or a subject "Delivery failure question" is not a
	 * bounce: only an MTA's own wording is (a bounce a person forwards
	 * keeps it: "The following addresses had permanent fatal errors"),
	 * not the generic words. */
	return family != NULL &&
	    (machine > 0 || strcmp(family, "text:generic") != 0);
}

/* copy_header - is the line at p (n bytes) a header field typical of a
 * returned message's header ("Received:", "X-Mailer:", ...)? */
static int
copy_header(const char *p, size_t n)
{
	static const char *names[] = { "received", "return-path",
		"dkim-signature", "message-id", "mime-version",
		"authentication-results", "content-type", "delivered-to",
		"x-original-to" };
	size_t             i, len;

	for (len = 0;
	     len < n && len < 64 && (g_ascii_isalnum(p[len]) || p[len] == '-');
	     len++)
		;
	if (len == 0 || len >= n || p[len] != ':')
		return 0;
	if (len > 2 && g_ascii_strncasecmp(p, "x-", 2) == 0)
		return 1;
	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (strlen(names[i]) == len &&
		    g_ascii_strncasecmp(p, names[i], len) == 0)
			return 1;
	return 0;
}

/* cut_at - offset in text where the returned original starts, or len */
static size_t
cut_at(const char *text, size_t len)
{
	GMatchInfo *mi = NULL;
	const char *p = text, *eol, *run_start = NULL;
	size_t      cut = len;
	int         header_run = 0, start;

	if (g_regex_match_full(cut_re, text, (gssize)len, 0, 0, &mi, NULL) &&
	    g_match_info_fetch_pos(mi, 0, &start, NULL))
		cut = (size_t)start;
	g_match_info_free(mi);
	/* Two header lines in a row (Received:, Return-Path: ...) start a
	 * copy of the original even without a marker. */
	while (p < text + cut) {
		eol = memchr(p, '\n', (size_t)(text + len - p));
		if (eol == NULL)
			eol = text + len;
		if (copy_header(p, (size_t)(eol - p))) {
			if (header_run++ == 0)
				run_start = p;
			if (header_run >= 2)
				return (size_t)(run_start - text);
		} else if (*p != ' ' && *p != '\t')
			header_run = 0;
		p = eol + 1;
	}
	return cut;
}

/* struct block - one recipient's lines while scanning */
struct block {
	size_t   idx; /* index into r->rcpts (which may move) */
	GString *text;
};

/* has_code - does s contain a reply code or an enhanced status? */
static int
has_code(const char *s)
{
	GMatchInfo    *mi = NULL;
	static GRegex *re;
	static gsize   once;
	int            yes;

	if (g_once_init_enter(&once)) {
		re = g_regex_new(
		    "(^|[^0-9.])([245][0-9][0-9][ -]|[245]\\.[0-9]{1,3}\\.[0-9]{1,3})",
		    G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	yes = g_regex_match(re, s, 0, &mi);
	g_match_info_free(mi);
	return yes;
}

/* intro_address - the recipient a line introduces, or NULL; g_free() */
static char *
intro_address(const char *line)
{
	GMatchInfo *mi = NULL;
	char       *addr = NULL;
	size_t      i;

	for (i = 0; i < G_N_ELEMENTS(intro_re) && addr == NULL; i++) {
		if (g_regex_match(intro_re[i], line, 0, &mi))
			addr = g_match_info_fetch(mi, 1);
		g_match_info_free(mi);
		mi = NULL;
	}
	if (addr != NULL) {
		size_t n = strlen(addr);
		while (n > 0 && addr[n - 1] == '.')
			addr[--n] = '\0';
		for (char *c = addr; *c != '\0'; c++)
			*c = g_ascii_tolower(*c);
	}
	return addr;
}

/* intro_has_words - does the intro line say more before the address than
 * a bullet or bracket ("Unknown user: a@b" does, "<a@b>:" does not)? */
static int
intro_has_words(const char *line, const char *addr)
{
	char       *l = g_ascii_strdown(line, -1);
	const char *at = strstr(l, addr), *p;
	int         words = 0;

	for (p = l; at != NULL && p < at; p++)
		if (g_ascii_isalpha(*p))
			words++;
	g_free(l);
	return words > 3;
}

/* status_field - the code of a "Status: 5.1.1" line in text, in code[16],
 * or NULL */
static const char *
status_field(const char *text, char code[16])
{
	const char *p = text;
	size_t      n;

	while ((p = strstr(p, "Status: ")) != NULL) {
		if (p == text || p[-1] == '\n' || p[-1] == ' ') {
			p += 8;
			n = strspn(p, "0123456789.");
			if (n >= 5 && n < 16 &&
			    (p[0] == '2' || p[0] == '4' || p[0] == '5') &&
			    p[1] == '.') {
				memcpy(code, p, n);
				code[n] = '\0';
				return code;
			}
		} else
			p += 8;
	}
	return NULL;
}

/* delay_of - is this a warning that delivery is only delayed?  lower is
 * the text, lsubject the subject (or NULL), both lower-cased */
static int
delay_of(const char *lower, const char *lsubject)
{
	static const char *words[] = { "has been delayed",
		"warning message only", "not yet been delivered",
		"delivery is delayed", "will continue to try", "still trying",
		"this is a warning", "delivery has been delayed",
		"will be retried for", "will continue trying",
		/* OpenSMTPD */
		"only a temporary failure report", "is delayed for more than",
		/* German, French, Spanish, Italian, Portuguese, Dutch */
		/* (not "nouvelle tentative" nor "weiter versucht": "aucune
	     * nouvelle tentative", "nicht weiter versucht" say the opposite) */
		"wurde verzögert", "wird weiter versucht",
		"zustellung verzögert", "remise différée", "a été retardé",
		"entrega retrasada", "se ha retrasado", "consegna ritardata",
		"entrega atrasada", "is vertraagd" };
	size_t             i;

	if (lsubject != NULL &&
	    (strstr(lsubject, "(delay)") != NULL ||
		strstr(lsubject, "delayed mail") != NULL ||
		g_str_has_prefix(lsubject, "warning: message") ||
		strstr(lsubject, "delivery delayed") != NULL ||
		strstr(lsubject, "verzögert") != NULL ||
		strstr(lsubject, "différé") != NULL ||
		strstr(lsubject, "retrasad") != NULL))
		return 1;
	for (i = 0; i < G_N_ELEMENTS(words); i++)
		if (strstr(lower, words[i]) != NULL)
			return 1;
	return 0;
}

/* success_of - is this a report that the message got through (Exim's
 * "Mail delivery succeeded", Sendmail's relay and return receipts)?  Only
 * when nothing in it speaks of a failure: a report may list both. */
static int
success_of(const char *lower, const char *lsubject)
{
	static const char *words[] = { "has been delivered to the following",
		"successfully delivered", "delivery succeeded",
		"successful delivery notification",
		"expect no further notifications",
		"relayed to non-dsn-aware mailer",
		"delivery to the following recipients succeeded",
		"delivery to these recipients or groups is complete" };
	static const char *failure[] = { "permanent", "fatal", "fail",
		"undeliverable", "not delivered", "not been delivered",
		"could not be delivered", "couldn't be delivered", "unable to",
		"rejected", "error", "delay", "deferred", "unknown", "bounce" };
	size_t             i;
	int                yes = lsubject != NULL &&
	    (strstr(lsubject, "succeeded") != NULL ||
		strstr(lsubject, "(relay)") != NULL ||
		strstr(lsubject, "return receipt") != NULL);

	for (i = 0; i < G_N_ELEMENTS(words) && !yes; i++)
		yes = strstr(lower, words[i]) != NULL;
	for (i = 0; i < G_N_ELEMENTS(failure) && yes; i++)
		yes = strstr(lower, failure[i]) == NULL;
	return yes;
}

/* prefix_has_code - does the intro line carry a reply or status code
 * before the address ("<<< 550 5.1.1 <a@b>... User unknown")? */
static int
prefix_has_code(const char *line, const char *addr)
{
	char *l = g_ascii_strdown(line, -1);
	char *at = strstr(l, addr);
	int   yes = 0;

	if (at != NULL) {
		*at = '\0';
		yes = has_code(l);
	}
	g_free(l);
	return yes;
}

/* temporary_of - does the text say permanent (0), temporary (1) or not? */
static int
temporary_of(const char *lower)
{
	if (strstr(lower, "permanent") != NULL ||
	    strstr(lower, "i've given up") != NULL ||
	    strstr(lower, "failed permanently") != NULL ||
	    /* Sendmail gave up ("could not be delivered for" alone is
	     * in its delay warnings too) */
	    strstr(lower, "cannot send message for") != NULL ||
	    strstr(lower, "will be deleted from queue") != NULL)
		return 0;
	if (strstr(lower, "temporary") != NULL ||
	    strstr(lower, "will be retried") != NULL ||
	    strstr(lower, "will retry") != NULL ||
	    strstr(lower, "still trying") != NULL ||
	    strstr(lower, "will continue") != NULL ||
	    strstr(lower, "has been delayed") != NULL ||
	    strstr(lower, "not yet been delivered") != NULL ||
	    strstr(lower, "deferred") != NULL)
		return 1;
	return -1;
}

/* id_field - does the line at p (n bytes) start a header field whose
 * folded lines carry message ids or hosts rather than recipients? */
static int
id_field(const char *p, size_t n)
{
	static const char *names[] = { "references:", "in-reply-to:",
		"message-id:", "received:", "dkim-signature:", "arc-",
		"authentication-results:", "x-" };
	size_t             i;

	if (n >= 2 && g_ascii_strncasecmp(p, "x-", 2) == 0 &&
	    g_strstr_len(p, (gssize)MIN(n, 64), "ecipient") != NULL)
		return 0; /* X-Failed-Recipients: a@b,\n c@d */
	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (n >= strlen(names[i]) &&
		    g_ascii_strncasecmp(p, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

/* alone - is the line nothing but the address addr ("<a@b>.")? */
static int
alone(const char *line, const char *addr)
{
	size_t n = strlen(addr);

	line += strspn(line, "<\"' \t");
	if (g_ascii_strncasecmp(line, addr, n) != 0)
		return 0;
	return line[n + strspn(line + n, ">\"'.,;: \t")] == '\0';
}

/* add_rcpt - add or find the recipient addr */
static struct mime_rcpt *
add_rcpt(struct mime_report *r, const char *addr)
{
	struct mime_rcpt *rc = report_rcpt_find(r, addr);

	if (rc == NULL && (rc = report_rcpt_add(r)) != NULL)
		report_field_set(&rc->recipient, addr, -1);
	return rc;
}

/* is_sender - is addr the bounce's own sender, or the returned message's
 * envelope sender (Exim: "A message sent by <a@b> could not be
 * delivered") or author (the list's own address)?  None is a recipient. */
static int
is_sender(const struct mime_report *r, const char *envelope, const char *author,
    const char *addr)
{
	return (r->from != NULL && g_ascii_strcasecmp(r->from, addr) == 0) ||
	    (envelope != NULL && g_ascii_strcasecmp(envelope, addr) == 0) ||
	    (author != NULL && g_ascii_strcasecmp(author, addr) == 0);
}

/* names_sender - does the text before addr (the end of the line before,
 * prev, and line up to addr) introduce the message's sender ("Your
 * message from", "sent by", "Sender:") rather than a failed recipient? */
static int
names_sender(const char *prev, const char *line, const char *addr)
{
	/* clang-format off */
	static const char *const cues[] = { "from", "from:", "sent by",
	    "sender", "sender:", "originator", "originator:" };
	/* clang-format on */
	const char *at = g_strstr_len(line, -1, addr);
	char       *head = g_strndup(line, at != NULL ? (gsize)(at - line) : 0);
	char       *both, *lower;
	size_t      i, n;
	int         yes = 0;

	g_strstrip(head);
	/* "<" and quotes before the address are not words */
	n = strlen(head);
	while (n > 0 && strchr("<\"'(", head[n - 1]) != NULL)
		head[--n] = '\0';
	both = head[0] != '\0' ? g_strdup(head) : g_strdup(prev);
	lower = g_ascii_strdown(g_strstrip(both), -1);
	n = strlen(lower);
	for (i = 0; i < G_N_ELEMENTS(cues) && !yes; i++)
		yes = n >= strlen(cues[i]) &&
		    strcmp(lower + n - strlen(cues[i]), cues[i]) == 0;
	g_free(lower);
	g_free(both);
	g_free(head);
	return yes;
}

/* originals - fill the orig_* fields still empty from the header of the
 * copy of the original that starts at text + at; *envelope gets its
 * Return-path address (caller g_free()s), or NULL */
static void
originals(struct mime_report *r, const char *text, size_t len, size_t at,
    const char *list_header, char **envelope)
{
	const char *p, *eol, *end = text + len;
	int         seen_header = 0;

	for (p = text + at; p < end && p < text + at + 65536; p = eol + 1) {
		const char *v;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if (eol == p && seen_header)
			break; /* end of the original's header */
		v = memchr(p, ':', (size_t)(eol - p));
		if (v == NULL || v == p)
			continue;
		seen_header = 1;
#define TAKE(name, field) \
	if ((size_t)(v - p) == strlen(name) && \
	    g_ascii_strncasecmp(p, name, strlen(name)) == 0 && \
	    r->field == NULL) \
	report_field_set(&r->field, v + 1, eol - v - 1)
		TAKE("Message-ID", orig_message_id);
		TAKE("To", orig_to);
		TAKE("From", orig_from);
		TAKE("Subject", orig_subject);
		TAKE("List-Id", orig_list_id);
#undef TAKE
		if ((size_t)(v - p) == 11 &&
		    g_ascii_strncasecmp(p, "Return-path", 11) == 0 &&
		    *envelope == NULL) {
			char *val = g_strndup(v + 1, (gsize)(eol - v - 1));
			*envelope = report_first_address(val);
			g_free(val);
		}
		if (list_header != NULL &&
		    (size_t)(v - p) == strlen(list_header) &&
		    g_ascii_strncasecmp(p, list_header, strlen(list_header)) ==
			0 &&
		    r->orig_list_header == NULL)
			report_field_set(&r->orig_list_header, v + 1,
			    eol - v - 1);
	}
}

size_t
text_scan(struct mime_report *r, const char *text, const char *failed,
    const char *list_header)
{
	size_t        len = strlen(text), end, before = r->nrcpts, i;
	const char   *p, *eol;
	GString      *preamble = g_string_new(NULL);
	GPtrArray    *blocks = g_ptr_array_new();
	struct block *cur = NULL;
	char *lower, *section, *envelope = NULL, *lsubject = NULL, *author;
	char *prev = g_strdup(""); /* the last line that was not blank */
	int   in_ids = 0;          /* inside a References:-like header field */
	int   temporary, delayed, succeeded;
	const char *software;
	/* Reasons before addresses.  In Sendmail's session transcript the
	 * dialogue about an address comes before the line with its verdict
	 * ("While talking to ...: >>> DATA <<< 550 ..." then "554 <a@b>...
	 * Remote protocol error"), and Lotus Notes lists under "Failure
	 * Reasons" each reason above its address: the lines after an
	 * address are about the next one.  transcript is 1 in Sendmail's
	 * transcript, 2 under Notes' "Failure Reasons". */
	int      transcript = 0, pended;
	GString *pending = g_string_new(NULL);

	init();
	end = cut_at(text, len);
	originals(r, text, len, end, list_header, &envelope);
	author =
	    r->orig_from != NULL ? report_first_address(r->orig_from) : NULL;
	section = g_strndup(text, end);
	lower = decode_lower(section, -1);
	r->format = family_of(lower, &software);
	if (r->format == NULL)
		r->format = "text:generic";
	if (r->generator == NULL && software != NULL)
		r->generator = g_strdup(software);
	temporary = temporary_of(lower);
	if (r->subject != NULL) {
		/* Sendmail says it gave up in the subject only ("Returned
		 * mail: Cannot send message for 4 days", over a transcript
		 * that says "Deferred"): the subject's verdict wins */
		lsubject = decode_lower(r->subject, -1);
		if (temporary_of(lsubject) == 0)
			temporary = 0;
		else if (temporary == -1 &&
		    (strstr(lsubject, "delay") != NULL ||
			strstr(lsubject, "warning") != NULL))
			temporary = 1;
	}
	delayed = delay_of(lower, lsubject);
	succeeded = !delayed && success_of(lower, lsubject);

	for (p = section; p < section + end; p = eol + 1) {
		char *line, *addr;

		eol = memchr(p, '\n', (size_t)(section + end - p));
		if (eol == NULL)
			eol = section + end;
		/* the folded lines of a copied References:, In-Reply-To:,
		 * Received: ... field hold message ids and hosts, not
		 * recipients ("\t<a2@lists.example.com>") */
		if (*p == ' ' || *p == '\t') {
			if (in_ids)
				continue;
		} else
			in_ids = id_field(p, (size_t)(eol - p));
		line = g_strstrip(g_strndup(p, (gsize)MIN(eol - p, 2048)));
		/* only a line with an address can introduce a recipient */
		addr = strchr(line, '@') != NULL ? intro_address(line) : NULL;
		/* ...but not an address alone on the line after "write to" */
		if (addr != NULL && r->nrcpts > before && alone(line, addr) &&
		    g_regex_match(contact_re, prev, 0, NULL)) {
			g_free(addr);
			addr = NULL;
		}
		/* "Your message from\n<news@...>": the author as the sender
		 * the notice names, not a failed address */
		if (addr != NULL && author != NULL &&
		    g_ascii_strcasecmp(author, addr) == 0 &&
		    names_sender(prev, line, addr)) {
			g_free(addr);
			addr = NULL;
		}
		if (line[0] != '\0') {
			g_free(prev);
			prev = g_strdup(line);
		}
		if (!transcript && line[0] == '-') {
			char *ll = g_ascii_strdown(line, -1);
			if (strcmp(r->format, "text:sendmail") == 0 &&
			    strstr(ll, "transcript of session follows") != NULL)
				transcript = 1;
			else if (g_str_has_prefix(ll,
				     "------- failure reasons"))
				transcript = 2;
			g_free(ll);
		}
		/* a list manager's notice is about one post to one list;
		 * the addresses after it are its help text ("send to
		 * list-ctl@...") */
		if (addr != NULL && r->nrcpts > before &&
		    strcmp(r->format, "text:listmanager") == 0) {
			g_free(addr);
			addr = NULL;
		}
		pended = transcript && cur == NULL && addr == NULL &&
		    line[0] != '\0' && line[0] != '-' /* "--- ... ---" rules */;
		if (pended && pending->len < MIME_MAX_FIELD) {
			g_string_append(pending, line);
			g_string_append_c(pending, ' ');
		}
		/* the post's author is no reason to drop a failed address:
		 * on a discussion list the member who wrote is a recipient
		 * of the list's copy too, and that copy may bounce (the
		 * notice's mention of the sender is dropped above) */
		if (addr != NULL && !is_sender(r, envelope, NULL, addr)) {
			struct mime_rcpt *rc = add_rcpt(r, addr);
			struct block     *was = cur;
			cur = NULL;
			size_t idx = rc != NULL ? (size_t)(rc - r->rcpts) : 0;
			for (i = 0; rc != NULL && i < blocks->len; i++)
				if (((struct block *)g_ptr_array_index(blocks,
					 i))
					->idx == idx)
					cur = g_ptr_array_index(blocks, i);
			if (rc != NULL && cur == NULL) {
				cur = g_new0(struct block, 1);
				cur->idx = idx;
				cur->text = g_string_new(NULL);
				g_ptr_array_add(blocks, cur);
			}
			/* the address's verdict line, after its reasons (in
			 * Sendmail's, not the reply it quotes: "<<< 550 ...") */
			int closes = cur != NULL &&
			    (transcript == 2 ||
				(transcript == 1 &&
				    strncmp(line, "<<<", 3) != 0 &&
				    g_regex_match(intro_re[INTRO_USRERR], line,
					0, NULL)));
			if (closes && cur != was && cur->text->len == 0)
				g_string_append(cur->text, pending->str);
			/* A line naming the current recipient again explains
			 * it ("said: 550 Unknown user a@b"): keep all of it.
			 * Otherwise the rest of the intro line explains it. */
			if (cur != NULL && cur == was && cur->text->len > 0) {
				g_string_append(cur->text, line);
				g_string_append_c(cur->text, ' ');
			} else if (cur != NULL &&
			    (intro_has_words(line, addr) ||
				prefix_has_code(line, addr))) {
				g_string_append(cur->text, line);
				g_string_append_c(cur->text, ' ');
			} else if (cur != NULL) {
				char       *l2 = g_ascii_strdown(line, -1);
				const char *rest = strstr(l2, addr);
				if (rest != NULL &&
				    rest[strlen(addr)] != '\0') {
					const char *t =
					    line + (rest - l2) + strlen(addr);
					t += strspn(t, ">\"')]:;,. \t");
					g_string_append(cur->text, t);
					g_string_append_c(cur->text, ' ');
				}
				g_free(l2);
			}
			if (closes) {
				/* its verdict closes the address's lines */
				cur = NULL;
				g_string_truncate(pending, 0);
			}
		} else if (line[0] == '\0') {
			/* a blank line ends a block that already explains
			 * itself with a code */
			if (cur != NULL && has_code(cur->text->str))
				cur = NULL;
		} else if (cur != NULL) {
			if (cur->text->len < MIME_MAX_FIELD) {
				g_string_append(cur->text, line);
				g_string_append_c(cur->text, ' ');
			}
		} else if (pended && transcript == 2) {
			/* the next address's reason, not everyone's */
		} else if (blocks->len == 0 && preamble->len < MIME_MAX_FIELD) {
			g_string_append(preamble, line);
			g_string_append_c(preamble, ' ');
		} else if (blocks->len > 0 && preamble->len < MIME_MAX_FIELD &&
		    !has_code(preamble->str)) {
			/* text after the blocks (Gmail's "technical
			 * details") explains them all */
			g_string_append(preamble, line);
			g_string_append_c(preamble, ' ');
		}
		g_free(addr);
		g_free(line);
	}

	/* No line named anyone: X-Failed-Recipients, then the original. */
	if (blocks->len == 0 && r->nrcpts == before) {
		const char *who = NULL;
		char      **v = NULL;
		if (failed != NULL) {
			v = g_strsplit_set(failed, ", ", -1);
			for (i = 0; v[i] != NULL; i++)
				if (strchr(v[i], '@') != NULL)
					add_rcpt(r, g_strstrip(v[i]));
			g_strfreev(v);
		}
		if (r->nrcpts == before) {
			if (r->orig_to != NULL &&
			    strchr(r->orig_to, ',') == NULL)
				who = r->orig_to;
			else if (r->verp_recipient != NULL)
				who = r->verp_recipient;
			if (who != NULL) {
				char *a = intro_address(who);
				if (a == NULL) {
					const char *lt = strchr(who, '<');
					a = intro_address(
					    lt != NULL ? lt + 1 : who);
				}
				/* list mail is often To: the list itself */
				if (a != NULL &&
				    !is_sender(r, envelope, author, a))
					add_rcpt(r, a);
				g_free(a);
			}
		}
	}

	/* Diagnostics: the block's text, else the shared text. */
	for (i = before; i < r->nrcpts; i++) {
		struct mime_rcpt *rc = &r->rcpts[i];
		GString          *d = NULL;
		size_t            k;
		for (k = 0; k < blocks->len; k++)
			if (((struct block *)g_ptr_array_index(blocks, k))
				->idx == i)
				d = ((struct block *)g_ptr_array_index(blocks,
					 k))
					->text;
		if (d == NULL || !has_code(d->str)) {
			GString *all = g_string_new(d != NULL ? d->str : "");
			/* borrow the next block that explains itself */
			for (k = 0; k < blocks->len; k++) {
				struct block *b = g_ptr_array_index(blocks, k);
				if (b->idx > i && has_code(b->text->str)) {
					g_string_append(all, b->text->str);
					break;
				}
			}
			if (k == blocks->len || all->len == 0) {
				rc->diagnostic_shared = all->len == 0;
				g_string_append(all, preamble->str);
			}
			report_field_set(&rc->diagnostic, all->str,
			    (long)all->len);
			g_string_free(all, TRUE);
		} else
			report_field_set(&rc->diagnostic, d->str, (long)d->len);
		if (rc->command == NULL) {
			const char *c = text_command(d != NULL ? d->str : NULL);
			if (c == NULL && r->nrcpts - before == 1)
				c = text_command(section);
			if (c != NULL)
				rc->command = g_strdup(c);
		}
		if (rc->status == NULL && r->nrcpts - before == 1) {
			char code[16];
			report_field_set(&rc->status,
			    status_field(section, code), -1);
		}
		if (rc->original_recipient == NULL && d != NULL) {
			GMatchInfo *mi = NULL;
			if (g_regex_match(expanded_re, d->str, 0, &mi)) {
				char *a = g_match_info_fetch(mi, 1);
				char *l = g_ascii_strdown(a, -1);
				if (strcmp(l, rc->recipient) != 0)
					report_field_set(
					    &rc->original_recipient, l, -1);
				g_free(l);
				g_free(a);
			}
			g_match_info_free(mi);
		}
		if (rc->temporary == -1)
			rc->temporary = delayed ? 1 : temporary;
		if (delayed && rc->action == NULL)
			rc->action = g_strdup("delayed");
		if (succeeded && rc->action == NULL)
			rc->action = g_strdup("delivered");
	}

	for (i = 0; i < blocks->len; i++) {
		struct block *b = g_ptr_array_index(blocks, i);
		g_string_free(b->text, TRUE);
		g_free(b);
	}
	g_ptr_array_free(blocks, TRUE);
	g_string_free(preamble, TRUE);
	g_string_free(pending, TRUE);
	g_free(lower);
	g_free(section);
	g_free(envelope);
	g_free(author);
	g_free(lsubject);
	g_free(prev);
	return r->nrcpts - before;
}

/* text_found_bounce - does the message read as a delivery failure report
 * (text_is_bounce(), asked once per message)? */
int
text_found_bounce(const struct mime_report *r, struct mime_found *f)
{
	if (f->bounce < 0)
		f->bounce = text_is_bounce(r, f->notice, f->machine);
	return f->bounce;
}

/* text_recognise - a bounce written as free text, by a mailer or quoting
 * one: its recipients and their diagnostics */
int
text_recognise(struct mime_report *r, struct mime_found *f)
{
	if (!text_found_bounce(r, f) || f->notice[0] == '\0')
		return 0;
	if (text_scan(r, f->notice, f->failed, f->list_header) == 0)
		return 0;
	r->kind = MIME_KIND_TEXT;
	return 1;
}
