/*
 * internal.h - shared between the files of mime/; not part of the module's
 * public interface (that is mime.h).
 */
#ifndef REBOUND_MIME_INTERNAL_H
#define REBOUND_MIME_INTERNAL_H

#include "mime.h"

/* report_rcpt_add - append an empty recipient; NULL when at MIME_MAX_RCPTS */
struct mime_rcpt *report_rcpt_add(struct mime_report *);

/* report_rcpt_find - the recipient with this address, or NULL */
struct mime_rcpt *report_rcpt_find(struct mime_report *, const char *addr);

/* field_set - replace *dst by a bounded, valid UTF-8 copy of src[0..len)
 * (len < 0: up to the NUL); NULL or empty src leaves *dst alone */
void	field_set(char **dst, const char *src, long len);

/* text_is_bounce - does this message look like a delivery failure report
 * (sender, subject, wording)?  Guards the free-text scanner.  machine: 1
 * when the headers say a mailer wrote it (Auto-Submitted,
 * X-Failed-Recipients, an empty Return-Path), -1 when they say it is bulk
 * mail (List-Unsubscribe): then only an MTA's own wording will do. */
int	text_is_bounce(const struct mime_report *, const char *text,
	    int machine);

/*
 * text_scan - find recipients and their diagnostics in the free text of a
 * bounce that carries no delivery-status part, and the returned original's
 * headers after the "copy of the message" marker (orig_* fields still
 * empty; list_header may be NULL).  failed is the value of an
 * X-Failed-Recipients header or NULL.  Returns the number of recipients
 * added and sets r->format to the family that matched.
 */
size_t	text_scan(struct mime_report *r, const char *text, const char *failed,
	    const char *list_header);

/* first_address - the first address of a header value, lower-cased
 * (caller g_free()s), or NULL */
char	*first_address(const char *value);

/* text_command - the SMTP command an error in text answered ("after RCPT
 * TO", "in reply to end of DATA command", ">>> DATA"): "RCPT", "MAIL",
 * "DATA", "CONN" (static strings), or NULL */
const char *text_command(const char *text);

/* json_scan - read an Amazon SES notification (bare or in an SNS
 * envelope) from text; returns the recipients added and sets r->kind */
size_t	json_scan(struct mime_report *r, const char *text);

/* text_autoreply_subject - does the subject read as an auto-reply? */
int	text_autoreply_subject(const char *subject);

#endif /* REBOUND_MIME_INTERNAL_H */
