/*
 * mime.h - read one bounce message with GMime and say what it reports.
 *
 * The whole public interface of mime/.  mime_parse() takes the raw bytes of
 * one message and returns a mime_report: what kind of report it is (RFC 3464
 * DSN, RFC 5965 complaint, RFC 3834 auto-reply, free-text bounce, or not a
 * report at all), the fields it carried per message and per recipient, and
 * what it says about the returned original.  It does not classify: that is
 * classify/'s job, fed from these fields.
 *
 * A mime_report is a plain data record: the caller reads its fields and
 * frees it with mime_report_free().  Every string in it is owned by the
 * report, valid UTF-8, NUL-free and bounded in length (see MIME_MAX_*).
 */
#ifndef REBOUND_MIME_H
#define REBOUND_MIME_H

#include <stddef.h>

#include <glib.h>

/* Bounds on hostile input; exceeding one truncates (and says so) or fails. */
#define MIME_MAX_MESSAGE (64u * 1024 * 1024) /* bytes accepted at all */
#define MIME_MAX_DEPTH   32                  /* MIME nesting walked */
#define MIME_MAX_RCPTS \
	5000                              /* recipients kept per report (an MTA
					   takes 1,000 per transaction at most
					   by default: Postfix, Exim) */
#define MIME_MAX_FIELD 4096               /* bytes kept per field value */
#define MIME_MAX_TEXT  (256u * 1024)      /* notification text scanned */
#define MIME_MAX_DSN   (4u * 1024 * 1024) /* delivery-status read */

/* What to tell the operator when a report is truncated (the counts come
 * from the bounds above, so the two cannot disagree). */
#define MIME_STR_(x) #x
#define MIME_STR(x)  MIME_STR_(x)
#define MIME_TRUNCATED \
	"report truncated at a bound (" MIME_STR(MIME_MAX_RCPTS) " recipients, MIME nesting " MIME_STR( \
	    MIME_MAX_DEPTH) " deep, or the bytes read of " \
			    "its delivery status or text): the rest was ignored"

enum mime_kind {
	MIME_KIND_NONE = 0,  /* not a report: nothing found */
	MIME_KIND_DSN,       /* RFC 3464 / RFC 6533 delivery-status */
	MIME_KIND_ARF,       /* RFC 5965 feedback report */
	MIME_KIND_AUTOREPLY, /* RFC 3834 auto-reply, out of office */
	MIME_KIND_TEXT,      /* a bounce written as free text */
};

/* One recipient as the report names it.  NULL means "not given". */
struct mime_rcpt {
	char *recipient; /* Final-Recipient address, lower-cased */
	char *original_recipient;
	char *action;          /* failed, delayed, delivered, relayed, ... */
	char *status;          /* enhanced status code as found: 5.1.1 */
	char *reply_code;      /* SMTP reply code as found: 550 */
	char *diagnostic;      /* Diagnostic-Code text or the text's block */
	char *diagnostic_type; /* smtp, x-unix, ... */
	char *remote_mta;
	char *last_attempt;
	char *feedback_type; /* ARF only */
	char *command;       /* SMTP command the error answered: RCPT, DATA */
	char *subscriber;    /* whom the failure concerns on the list: see
				   mime_parse() */
	char *category;      /* the reporting MTA's own verdict, as sent
				   (X-PowerMTA-BounceCategory: bad-mailbox) */
	int   diagnostic_shared; /* 1: diagnostic is the notice's general
				   text, nothing said of this recipient */
	int   temporary; /* 1: the report says it will retry / temporary,
				   0: says permanent, -1: does not say */
};

struct mime_report {
	enum mime_kind kind;
	const char    *format;     /* rule that recognised it: "rfc3464",
					   "text:exim", "autoreply:header"... */
	char          *message_id; /* of the bounce itself */
	char          *subject;    /* of the bounce, decoded */
	char          *from;       /* of the bounce */
	char          *reporting_mta;
	char          *generator; /* the gateway or server software that
					   wrote the report, as its own headers
					   name it ("mcafee"), or NULL */
	char          *arrival_date;
	char          *date; /* the report's own Date: */
	/* From the returned original (message/rfc822, text/rfc822-headers or
	 * the copy in the text), when present. */
	char *orig_message_id;
	char *orig_to;
	char *orig_from;
	char *orig_subject;
	char *orig_list_id;
	char *orig_list_header; /* value of the configured header */
	/* The subscriber encoded in a VERP return address, when configured and
	 * found in the topmost Delivered-To, X-Original-To, Envelope-To or
	 * X-Envelope-To (or the header mime_options names); never in To:. */
	char *verp_recipient;
	char *verp_list;  /* the list it names ("{list}" prefix) */
	char *relay_ip;   /* the address that handed this message to the
			     operator's MTA, by the topmost Received:
			     ("[192.0.2.5]"), or NULL */
	char *relay_name; /* that host's name as that MTA looked it up
			     (not the HELO name), or NULL */
	char *dkim_pass;  /* domains a DKIM signature of this message
			     passed for, as Authentication-Results of
			     mime_options' authserv_id above the first
			     Received: say; space-separated, lower case;
			     NULL: none */
	char *orig_send;  /* the returned original's send_header (which
			     send, or campaign, it was), or NULL */
	char *orig_proof; /* the returned original's proof_header (a
			     subscriber's secret: mime_options), or NULL */
	char *verp_token; /* a signed return path's token (bounce/proof.h),
			     lower-cased, or NULL */
	/* Text of the notification, for the classifier's message-wide rules
	 * (bounded by MIME_MAX_TEXT). */
	char             *text;
	size_t            nrcpts;
	struct mime_rcpt *rcpts;
	int               truncated; /* a bound was hit: some input ignored
					   (callers say so: MIME_TRUNCATED) */
	unsigned          invalid;   /* recipients whose address was no
					valid address (mime_address_valid()):
					forgotten, their rows name no one */
};

struct mime_options {
	const char *verp_prefix;  /* local part before the delimiter,
					   "bounces"; NULL disables VERP */
	char        verp_delim;   /* '+' or '-' */
	const char *list_header;  /* header of the original naming the
					   list (List-Id when NULL) */
	int         final_only;   /* 1: subscribers are named by
					   Final-Recipient alone, never by
					   Original-Recipient */
	const char *verp_header;  /* the header the operator's MTA adds
				    with the envelope recipient, when not
				    one of Delivered-To, X-Original-To,
				    Envelope-To, X-Envelope-To; or NULL */
	const char *proof_header; /* the header of the returned original
				     that carries a per-subscriber secret
				     (X-Listmonk-Subscriber), or NULL */
	const char *send_header;  /* the header of the returned original
				     that names the send (campaign) it
				     belongs to (X-Listmonk-Campaign), or
				     NULL */
	const char *authserv_id;  /* the authserv-id of the operator's own
				    MTA's Authentication-Results, or NULL */
};

/* mime_init - set up GMime once per process; safe to call again */
void mime_init(void);

/*
 * mime_parse - parse one message of len bytes at buf.
 * Returns a report the caller frees with mime_report_free(), or NULL with
 * *cause set (caller g_free()s it) when the input cannot be read as a
 * message at all.  opts may be NULL.
 */
struct mime_report *mime_parse(const char *buf, size_t len,
    const struct mime_options *opts, char **cause);

/* mime_report_free - free a report; NULL is a no-op */
void mime_report_free(struct mime_report *);

/* mime_failed_at - when the delivery to rc failed, in seconds since the
 * epoch: its Last-Attempt-Date, else the report's Date:, each only if it
 * lies between 60 days before and 1 day after now (a clock gone wrong, a
 * forged date); else now.  rc may be NULL. */
gint64 mime_failed_at(const struct mime_report *r, const struct mime_rcpt *rc,
    gint64 now);

/*
 * mime_address_valid - is a an address rebound may act on: local@domain
 * with no space or control character, the local part at most 64 octets
 * (atext and dots, or a quoted string; UTF-8 allowed, RFC 6531), the
 * domain at most 255 (letters, digits, '-', '_', dots, UTF-8, or an
 * address literal), the whole at most 254?  mime_parse() forgets the
 * addresses that are not.
 */
int mime_address_valid(const char *a);

/* mime_kind_name - "dsn", "arf", ... for a kind; static string */
const char *mime_kind_name(enum mime_kind);

/*
 * mime_verp_decode - decode a VERP address prefix<delim>local=domain@host,
 * or a signed one prefix<delim>local=domain<delim>TOKEN@host.
 * Returns local@domain (lower-cased; caller g_free()s) or NULL when addr is
 * not one.  prefix "" accepts any prefix; a prefix holding "{list}"
 * ("{list}-bounces") matches any list name there and, when list is not
 * NULL, sets *list to it (lower-cased; caller g_free()s; NULL otherwise);
 * the plain return path with no subscriber part (news-bounces@host) gives
 * NULL with *list set.
 * When token is not NULL, *token gets the token, lower-cased (caller
 * g_free()s), or NULL when the address has none.
 */
char *mime_verp_decode(const char *addr, const char *prefix, char delim,
    char **list, char **token);

/*
 * mime_fields_parse - split RFC 3464 / RFC 5965 field text into groups.
 * Calls cb once per field (name lower-cased, value unfolded and trimmed)
 * with the index of its blank-line separated group; stops at limit bytes.
 * Exposed for the tests and the fuzz target.
 */
typedef void (
    *mime_field_cb)(int group, const char *name, const char *value, void *arg);
void mime_fields_parse(const char *text, size_t len, mime_field_cb cb,
    void *arg);

#endif /* REBOUND_MIME_H */
