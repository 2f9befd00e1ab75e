/*
 * internal.h - shared between the files of mime/; not part of the module's
 * public interface (that is mime.h).
 *
 * The files call down this list, never up:
 *   parse.c   mime_parse(): the MIME walk and the ordered recognisers
 *   dsn.c, arf.c, json.c
 *             the structured reports (DSN, feedback, SES JSON)
 *   text.c    bounces written as free text; dsn.c asks it too
 *   decode.c  part bytes, charsets, HTML, RFC 6533 addresses
 *   fields.c, verp.c
 *             RFC 3464 field groups, VERP addresses (public: mime.h)
 *   report.c  the report record: recipients, bounded field copies
 */
#ifndef REBOUND_MIME_INTERNAL_H
#define REBOUND_MIME_INTERNAL_H

#include <gmime/gmime.h>

#include "mime.h"

/* report.c */

/* report_rcpt_add - append an empty recipient; NULL when at MIME_MAX_RCPTS */
struct mime_rcpt *report_rcpt_add(struct mime_report *);

/* report_rcpt_find - the recipient with this address, or NULL */
struct mime_rcpt *report_rcpt_find(struct mime_report *, const char *addr);

/* report_rcpt_clear - free what a recipient holds (not the recipient) */
void report_rcpt_clear(struct mime_rcpt *);

/* report_forget_invalid - forget addresses that are not valid
 * (mime_address_valid()): a recipient's (counted in r->invalid; its row
 * stays), an original recipient's, the VERP address */
void report_forget_invalid(struct mime_report *);

/* report_field_set - replace *dst by a bounded, valid UTF-8 copy of
 * src[0..len) (len < 0: up to the NUL); NULL or empty src leaves *dst
 * alone */
void report_field_set(char **dst, const char *src, long len);

/* report_first_address - the first address of a header value,
 * lower-cased (caller g_free()s), or NULL */
char *report_first_address(const char *value);

/* decode.c */

/* decode_address - the address of an "rfc822; <a@b>" or "utf-8; ..."
 * field value, lower-cased (caller g_free()s), or NULL */
char *decode_address(const char *value);

/* decode_part_bytes - append the decoded content of a leaf part, at most
 * max bytes of it; 1 when the part was longer (and so was cut) */
int decode_part_bytes(GMimePart *part, GString *out, size_t max);

/* decode_lower - s (n bytes, or -1: up to its NUL) in lower case, as
 * g_utf8_strdown() gives it; g_free() */
char *decode_lower(const char *s, gssize n);

/* decode_utf8 - g_mime_text_part_get_text(obj) (a GMimeTextPart), without
 * a converter when the part is UTF-8 already; g_free() */
char *decode_utf8(GMimeObject *obj);

/* decode_part_text - the text of a text part in UTF-8, whatever charset it
 * declares or forgot to (caller g_free()s), or NULL */
char *decode_part_text(GMimeObject *obj);

/* decode_html - append the text of an HTML notification, tags stripped */
void decode_html(const char *html, GString *out);

/* What the walk of one message found, for the recognisers (parse.c). */
struct mime_found {
	GMimeMessage              *msg;         /* the message (borrowed) */
	const struct mime_options *opts;        /* may be NULL */
	const char                *list_header; /* opts's, or NULL */
	int                        depth;       /* of msg inside forwards */
	const char                *notice;   /* the notification's text, valid
						   UTF-8; "" when none */
	const GString             *dsn;      /* delivery-status fields */
	const GString             *arf;      /* feedback-report fields */
	GPtrArray                 *attached; /* attached messages (borrowed) */
	int                        machine;  /* who the headers say wrote it
						   (text_is_bounce()) */
	const char                *failed;   /* X-Failed-Recipients, or NULL */
	int                        bounce;   /* text_found_bounce(); -1: not
						   asked yet */
};

/* A recogniser: 1 when the message is the kind of report it knows (r
 * filled, r->kind and r->format set), 0 when it is not (r may hold what
 * it tried: the next recogniser takes it from there) */
typedef int (*mime_recognise_fn)(struct mime_report *r, struct mime_found *f);

/* The recognisers, in the files named; parse.c asks them in order. */
int arf_recognise(struct mime_report *, struct mime_found *);
int arf_jmrp_recognise(struct mime_report *, struct mime_found *);
int arf_apple_recognise(struct mime_report *, struct mime_found *);
int dsn_recognise(struct mime_report *, struct mime_found *);
int dsn_text_recognise(struct mime_report *, struct mime_found *);
int json_recognise(struct mime_report *, struct mime_found *);
int text_recognise(struct mime_report *, struct mime_found *);

/* text.c */

/* text_is_bounce - does this message look like a delivery failure report
 * (sender, subject, wording)?  Guards the free-text scanner.  machine: 1
 * when the headers say a mailer wrote it (Auto-Submitted,
 * X-Failed-Recipients, an empty Return-Path), -1 when they say it is bulk
 * mail (List-Unsubscribe): then only an MTA's own wording will do. */
int text_is_bounce(const struct mime_report *, const char *text, int machine);

/* text_found_bounce - text_is_bounce() for the message of f, asked once */
int text_found_bounce(const struct mime_report *, struct mime_found *f);

/*
 * text_scan - find recipients and their diagnostics in the free text of a
 * bounce that carries no delivery-status part, and the returned original's
 * headers after the "copy of the message" marker (orig_* fields still
 * empty; list_header may be NULL).  failed is the value of an
 * X-Failed-Recipients header or NULL.  Returns the number of recipients
 * added and sets r->format to the family that matched.
 */
size_t text_scan(struct mime_report *r, const char *text, const char *failed,
    const char *list_header);

/* text_command - the SMTP command an error in text answered ("after RCPT
 * TO", "in reply to end of DATA command", ">>> DATA"): "RCPT", "MAIL",
 * "DATA", "CONN" (static strings), or NULL */
const char *text_command(const char *text);

/* text_autoreply_subject - does the subject read as an auto-reply? */
int text_autoreply_subject(const char *subject);

#endif /* REBOUND_MIME_INTERNAL_H */
