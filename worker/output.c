/*
 * output.c - classified rows as JSON Lines or as a table.
 *
 * The JSON is written straight into the output, not built as a json-glib
 * tree and then serialised: for rows of flat strings the tree cost more
 * than the parsing of a small bounce.  The escaping is json-glib's
 * (tests/unit/test_output.c compares the two byte for byte), except that
 * 0x1f is escaped too (json-glib writes it raw: invalid JSON).
 */
#include <stdarg.h>
#include <string.h>

#include "output.h"

struct output {
	FILE              *f;    /* or NULL: into buf */
	GString           *buf;  /* output_new_buffer()'s */
	unsigned           rows; /* table rows in buf */
	enum output_format format;
	int                why;
	int                header_done;
	int                effect_header_done;
	GString           *line; /* the JSON row being written */
};

/* put - s to the output */
static void
put(struct output *o, const char *s)
{
	if (o->buf != NULL)
		g_string_append(o->buf, s);
	else
		fputs(s, o->f);
}

/* putf - a printf format to the output */
G_GNUC_PRINTF(2, 3)
static void
putf(struct output *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (o->buf != NULL)
		g_string_append_vprintf(o->buf, fmt, ap);
	else
		vfprintf(o->f, fmt, ap);
	va_end(ap);
}

/* table_header - the header line of a table, once */
static void
table_header(struct output *o)
{
	if (o->header_done)
		return;
	putf(o, "%-24s %-32s %-9s %-15s %-9s %-5s %s\n", "FILE", "RECIPIENT",
	    "CLASS", "REASON", "STATUS", "REPLY",
	    o->why ? "RULE / DIAGNOSTIC" : "DIAGNOSTIC");
	o->header_done = 1;
}

/* fit - s in exactly width characters (UTF-8): cut with an ellipsis when
 * longer, padded with spaces when shorter (g_free) */
static char *
fit(const char *s, unsigned width)
{
	GString *out = g_string_new(NULL);
	glong    n;

	if (s == NULL || *s == '\0')
		s = "-";
	if (!g_utf8_validate(s, -1, NULL))
		s = "?";
	n = g_utf8_strlen(s, -1);
	if (n > (glong)width) {
		g_string_append_len(out, s,
		    g_utf8_offset_to_pointer(s, (glong)width - 1) - s);
		g_string_append(out, "\u2026");
		n = width;
	} else
		g_string_append(out, s);
	for (; n < (glong)width; n++)
		g_string_append_c(out, ' ');
	return g_string_free(out, FALSE);
}

struct output *
output_new(FILE *f, enum output_format format, int why)
{
	struct output *o = g_new0(struct output, 1);

	o->f = f;
	o->format = format;
	o->why = why;
	o->line = g_string_new(NULL);
	return o;
}

struct output *
output_new_buffer(enum output_format format, int why)
{
	struct output *o = output_new(NULL, format, why);

	o->buf = g_string_new(NULL);
	o->header_done = 1; /* output_put() writes it where it belongs */
	return o;
}

char *
output_take(struct output *o, unsigned *rows)
{
	char *s = g_strndup(o->buf->str, o->buf->len);

	*rows = o->rows;
	o->rows = 0;
	g_string_truncate(o->buf, 0);
	return s;
}

void
output_put(struct output *o, const char *text, unsigned rows)
{
	if (rows > 0 && o->format == OUTPUT_TABLE)
		table_header(o);
	put(o, text);
}

void
output_free(struct output *o)
{
	if (o == NULL)
		return;
	if (o->f != NULL)
		fflush(o->f);
	if (o->buf != NULL)
		g_string_free(o->buf, TRUE);
	g_string_free(o->line, TRUE);
	g_free(o);
}

/* json_string - s as a JSON string, escaped as json-glib escapes */
static void
json_string(GString *out, const char *s)
{
	const unsigned char *p;

	g_string_append_c(out, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
		case '\\':
			g_string_append_c(out, '\\');
			g_string_append_c(out, (char)*p);
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
	g_string_append_c(out, '"');
}

/* member - start member name of the object in out */
static void
member(GString *out, const char *name)
{
	if (out->len > 1)
		g_string_append_c(out, ',');
	json_string(out, name);
	g_string_append_c(out, ':');
}

/* add_str - member name: value, or null */
static void
add_str(GString *out, const char *name, const char *value)
{
	member(out, name);
	if (value != NULL && value[0] != '\0')
		json_string(out, value);
	else
		g_string_append(out, "null");
}

/* add_file - "file": the input's path (for a message inside an mbox, the
 * mbox's, name without its ":seq"), and "mbox_message": seq when in one */
static void
add_file(GString *out, const char *file, unsigned seq)
{
	char *path = g_strdup(file);
	char *colon = strrchr(path, ':');

	if (seq > 0 && colon != NULL)
		*colon = '\0';
	add_str(out, "file", path);
	g_free(path);
	if (seq > 0) {
		member(out, "mbox_message");
		g_string_append_printf(out, "%u", seq);
	}
}

/* write_json - one row as one JSON line */
static void
write_json(struct output *o, const char *file, unsigned seq,
    const struct verdict_row *row, const char *mailbox, const char *uid,
    const struct output_effect *fx)
{
	const struct mime_report *r = row->report;
	const struct mime_rcpt   *rc = row->rcpt;
	GString                  *b = o->line;

	g_string_assign(b, "{");
	add_file(b, file, seq);
	if (mailbox != NULL) {
		add_str(b, "mailbox", mailbox);
		add_str(b, "uid", uid);
	}
	add_str(b, "message_id", r->message_id);
	add_str(b, "original_message_id", r->orig_message_id);
	add_str(b, "recipient", row->recipient);
	add_str(b, "original_recipient", rc ? rc->original_recipient : NULL);
	add_str(b, "subscriber", row->subscriber);
	add_str(b, "action", rc ? rc->action : NULL);
	add_str(b, "status", row->result.status);
	member(b, "status_derived");
	g_string_append(b, row->result.status_derived ? "true" : "false");
	add_str(b, "reply_code", row->result.reply_code);
	add_str(b, "class", classify_class_name(row->result.cls));
	add_str(b, "reason", row->result.reason);
	add_str(b, "rule", row->result.rule);
	add_str(b, "diagnostic", rc ? rc->diagnostic : NULL);
	add_str(b, "diagnostic_type", rc ? rc->diagnostic_type : NULL);
	add_str(b, "command", rc ? rc->command : NULL);
	add_str(b, "category", rc ? rc->category : NULL);
	add_str(b, "remote_mta", rc ? rc->remote_mta : NULL);
	add_str(b, "reporting_mta", r->reporting_mta);
	add_str(b, "generator", r->generator);
	add_str(b, "arrival_date", r->arrival_date);
	add_str(b, "last_attempt_date", rc ? rc->last_attempt : NULL);
	add_str(b, "original_to", r->orig_to);
	add_str(b, "feedback_type", rc ? rc->feedback_type : NULL);
	add_str(b, "list", row->list);
	add_str(b, "verp_recipient", r->verp_recipient);
	add_str(b, "kind", mime_kind_name(r->kind));
	add_str(b, "format", r->format);
	if (fx != NULL) {
		add_str(b, "effect", fx->effect);
		add_str(b, "effect_why", fx->why);
		add_str(b, "effect_list", fx->list);
		add_str(b, "state_after", fx->state);
	}
	g_string_append(b, "}\n");
	put(o, b->str);
}

/* write_table - one row for a person */
static void
write_table(struct output *o, const char *file, const struct verdict_row *row)
{
	const struct mime_rcpt *rc = row->rcpt;
	const char             *base = strrchr(file, '/');
	char                    diag[61], *name, *rcpt;

	table_header(o);
	o->rows++;
	g_strlcpy(diag,
	    rc != NULL && rc->diagnostic != NULL ? rc->diagnostic : "",
	    sizeof(diag));
	name = fit(base != NULL ? base + 1 : file, 24);
	rcpt = fit(row->recipient, 32);
	putf(o, "%s %s %-9s %-15s %-9s %-5s %s%s%s\n", name, rcpt,
	    classify_class_name(row->result.cls),
	    row->result.reason != NULL ? row->result.reason : "-",
	    row->result.status[0] != '\0' ? row->result.status : "-",
	    row->result.reply_code[0] != '\0' ? row->result.reply_code : "-",
	    o->why ? row->result.rule : "", o->why ? " " : "", diag);
	g_free(name);
	g_free(rcpt);
}

/* write_effect - one row of a dry run for a person: what storing it
 * would do */
static void
write_effect(struct output *o, const struct verdict_row *row,
    const struct output_effect *fx)
{
	char *rcpt, *list, *what;

	if (!o->effect_header_done) {
		putf(o, "%-32s %-12s %-9s %-15s %-20s %s\n", "SUBSCRIBER",
		    "LIST", "CLASS", "REASON", "WOULD", "WHY");
		o->effect_header_done = 1;
	}
	rcpt =
	    fit(row->subscriber != NULL ? row->subscriber : row->recipient, 32);
	list = fit(fx->list, 12);
	what = fx->state != NULL && strcmp(fx->effect, "count") == 0
	    ? g_strdup_printf("count (%s %u)",
		  fx->sends > 0 ? "sends" : "score",
		  fx->sends > 0 ? fx->sends : fx->score)
	    : g_strdup(fx->effect);
	putf(o, "%s %s %-9s %-15s %-20s %s\n", rcpt, list,
	    classify_class_name(row->result.cls),
	    row->result.reason != NULL ? row->result.reason : "-", what,
	    fx->why != NULL ? fx->why : "");
	g_free(rcpt);
	g_free(list);
	g_free(what);
}

void
output_message(struct output *o, const char *file, unsigned seq,
    const struct mime_report *r, const char *mailbox, const char *uid)
{
	struct verdict_row *rows;
	size_t              i, n;

	rows = verdict_rows(r, &n);
	for (i = 0; i < n; i++) {
		if (o->format == OUTPUT_JSONL)
			write_json(o, file, seq, &rows[i], mailbox, uid, NULL);
		else
			write_table(o, file, &rows[i]);
	}
	g_free(rows);
}

void
output_effects(struct output *o, const char *file, unsigned seq,
    const struct mime_report *r, const char *mailbox, const char *uid,
    const struct output_effect *fx, size_t nfx)
{
	struct verdict_row *rows;
	size_t              i, n;

	rows = verdict_rows(r, &n);
	for (i = 0; i < n; i++) {
		const struct output_effect  held = { "nothing",
			 "held: the report names too many recipients of one list "
			  "(max_recipients_per_report)",
			 NULL, NULL, 0, 0 };
		const struct output_effect *e = i < nfx ? &fx[i] : &held;

		if (o->format == OUTPUT_TABLE)
			write_effect(o, &rows[i], e);
		else
			write_json(o, file, seq, &rows[i], mailbox, uid, e);
	}
	g_free(rows);
}

void
output_error(struct output *o, const char *file, unsigned seq,
    const char *cause)
{
	if (o->format == OUTPUT_JSONL) {
		GString *b = o->line;

		g_string_assign(b, "{");
		add_file(b, file, seq);
		add_str(b, "recipient", NULL);
		add_str(b, "class", "unknown");
		add_str(b, "error", cause);
		g_string_append(b, "}\n");
		put(o, b->str);
	} else
		putf(o, "%-24.24s error: %s\n", file, cause);
}
