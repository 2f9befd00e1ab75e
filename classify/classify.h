/*
 * classify.h - what a failure means for a subscriber.
 *
 * The whole public interface of classify/.  Tables a reader can scan
 * (codes.c: RFC 3463 enhanced status codes and SMTP reply codes;
 * providers.c: each provider's own wording; patterns.c: generic wording,
 * by reason; reasons.c: the reasons) and one decision, classify_rcpt(),
 * that turns what a report said about one recipient into a class, a
 * reason and the rule that decided them.
 *
 * Reasons use Sisimai's vocabulary (userunknown, mailboxfull, ...), the de
 * facto standard among bounce parsers.  All strings handed out are static.
 */
#ifndef REBOUND_CLASSIFY_H
#define REBOUND_CLASSIFY_H

#include <stddef.h>

enum classify_class {
	CLASS_UNKNOWN = 0, /* nothing to go on */
	CLASS_HARD,        /* the address is dead: suppress */
	CLASS_SOFT,        /* may recover: count, suppress on repeats */
	CLASS_BLOCK,       /* the receiver refused the sender: never
				   counts against the subscriber */
	CLASS_COMPLAINT,   /* the subscriber complained: suppress */
	CLASS_IGNORE,      /* auto-reply, delay notice, success */
};
#define CLASSIFY_NCLASSES (CLASS_IGNORE + 1) /* for arrays by class */

/* One RFC 3463 enhanced status code (or class.subject.0 family). */
struct classify_status {
	const char *code; /* "5.1.1"; "X.1.1" rows cover 4 and 5 */
	const char *meaning;
	const char *reason; /* reason it implies, NULL: none */
	int         strong; /* 1: decides the reason even when the
					   text says otherwise */
};

/* One basic SMTP reply code. */
struct classify_reply {
	int         code; /* 550 */
	const char *meaning;
	const char *reason; /* reason it implies, NULL: none */
};

/* One reason: what it means and what a list operator does about it. */
struct classify_reason {
	const char         *name; /* "userunknown" */
	enum classify_class cls;  /* class for a permanent failure */
	const char         *meaning;
	const char         *action; /* advice for the list operator */
	const char         *pseudo; /* detail of the X.0.9xx status used when
					   the bounce carried no code ("911") */
};

/* What the decision does with a pattern's match beyond its reason. */
#define CLASSIFY_PAT_UNREACHED \
	0x1 /* the receiver could not be reached
					   (connection refused, lost): given
					   up with a temporary code, that is
					   the queue lifetime running out */
#define CLASSIFY_PAT_ADDRESS_REJECT \
	0x2 /* an access-table REJECT of the
					   address (Postfix answers it with
					   5.7.1 always): an X.7 code does not
					   make it a policy refusal */
#define CLASSIFY_PAT_SENDER_AT_MAIL \
	0x4 /* answered to MAIL FROM, the words
					   are about the sender address */
#define CLASSIFY_PAT_GAVE_UP \
	0x8 /* the MTA stopped trying: the message
					   is dropped, final whatever the
					   report's Action says (OpenSMTPD
					   sends its give-up with Action:
					   delayed and 4.4.7) */

/* One diagnostic-text pattern (providers.c, patterns.c). */
struct classify_pattern {
	unsigned    prio; /* rows are tried lowest first, the
					   first match wins (unique) */
	const char *rule; /* stable name, shown by --why
					   (unique) */
	const char *reason;
	const char *text;  /* lower-case substring, or a regex when
					   it starts with "re:" */
	int         final; /* 1: precise (provider) wording that
					   the SMTP command does not correct;
					   -1: a fallback, used only when the
					   status and reply codes say nothing */
	unsigned    flags; /* CLASSIFY_PAT_*, or 0 */
};

/* What a report said about one recipient. */
struct classify_input {
	const char *status;            /* as found, or NULL */
	const char *reply_code;        /* as found, or NULL */
	const char *diagnostic;        /* NULL when none */
	int         diagnostic_shared; /* 1: the diagnostic is the notice's
					   general text, not words about this
					   recipient */
	const char *diagnostic_type;   /* "smtp", "x-unix" (the exit
					   status of a local delivery
					   program), or NULL */
	const char *action;            /* DSN Action, or NULL */
	const char *feedback_type;     /* ARF: complaint */
	const char *recipient;         /* the failed address, or NULL */
	const char *mta;               /* Remote-MTA and Reporting-MTA names,
					   and the software that wrote the
					   report ("mcafee"), space-separated */
	int         remote_reply;      /* 1: the diagnostic is the reply of
					   the Remote-MTA a DSN names
					   (Diagnostic-Type smtp) */
	const char *command;           /* SMTP command the error answered:
					   RCPT, MAIL, DATA, CONN, or NULL */
	const char *category;          /* the sending MTA's own verdict on the
					   failure ("bad-mailbox"), or NULL */
	const char *text;              /* whole notification text, or NULL */
	int         temporary;         /* 1 / 0 / -1 unknown */
	int         autoreply;         /* 1: an RFC 3834 auto-reply */
	int         complaint;         /* 1: an ARF report */
};

struct classify_result {
	enum classify_class cls;
	const char         *reason;
	char                status[16];    /* found, or derived when none */
	char                reply_code[4]; /* found in the input, or "" */
	int         status_derived; /* 1: status is not from the bounce */
	const char *rule;           /* the rule that decided the reason */
	int         final;          /* 1: no later correction applies */
};

/* classify_rcpt - decide class, reason and status for one recipient */
void classify_rcpt(const struct classify_input *, struct classify_result *);

/* classify_class_name - "hard", "soft", ... */
const char *classify_class_name(enum classify_class);

/* classify_status_lookup - the row for an enhanced status code, the
 * class.subject.0 row as a fallback, or NULL */
const struct classify_status *classify_status_lookup(const char *status);

/* classify_reply_lookup - the row for a reply code, or NULL */
const struct classify_reply *classify_reply_lookup(int code);

/* classify_reason_lookup - the row for a reason name, or NULL */
const struct classify_reason *classify_reason_lookup(const char *name);

/* classify_match_text - first pattern matching text (any case), or NULL */
const struct classify_pattern *classify_match_text(const char *text);

/* classify_match - as classify_match_text, but provider rows (final) also
 * see context: the names of the MTAs and the software that wrote the report
 * ("hotmail.com", "mcafee"), which identify whose wording the text is */
const struct classify_pattern *classify_match(const char *text,
    const char                                           *context);

/*
 * classify_find_codes - find an SMTP reply code and an enhanced status code
 * in free text ("550 5.1.1 <a@b> User unknown", "#5.1.1", "(#4.4.7)").
 * Writes NUL-terminated codes into reply[4] and status[16] ("" when none).
 */
void classify_find_codes(const char *text, char reply[4], char status[16]);

/* Table access for tests and `rebound explain`: the rows and their count
 * (the patterns of providers.c and patterns.c in one array, by priority). */
const struct classify_status  *classify_status_table(size_t *n);
const struct classify_reply   *classify_reply_table(size_t *n);
const struct classify_reason  *classify_reason_table(size_t *n);
const struct classify_pattern *classify_pattern_table(size_t *n);

#endif /* REBOUND_CLASSIFY_H */
