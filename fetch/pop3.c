/*
 * pop3.c - read bounces from a POP3 maildrop (libetpan).
 *
 * Connect (TLS, or STLS), verify the certificate (tls.c), log in, LIST
 * (libetpan adds UIDL), RETR; a message larger than max_message_size is
 * reported without being retrieved.  DELE is sent only for messages
 * acknowledged after their effect is stored, and takes effect at QUIT
 * (source_commit): a dropped connection undoes it, so nothing is lost.
 * POP3 has no folders: quarantined messages are left on the server.
 *
 * A server that announces PIPELINING (RFC 2449) gets its RETRs and DELEs
 * in groups, written at once, the answers read in order: one round trip a
 * group, not one a message (10,000 RETRs one by one spent 1.7 s waiting,
 * 10,000 DELEs 1.2 s).  libetpan has no pipelined calls; the commands
 * are written on its stream and the answers read with its own line and
 * multi-line readers, as mailpop3_retr() and mailpop3_dele() read them.
 * When a group fails part-way, the rest goes one by one, where the
 * reconnect logic lives.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "internal.h"
#include "log.h"

struct pop3_source {
	struct source                head;
	const struct config_mailbox *mb;
	mailpop3                    *pop3;
	carray  *msgs; /* struct mailpop3_msg_info *, libetpan's */
	unsigned next;
	unsigned given;
	int      quit; /* QUIT sent: the session is over */
	int      reconnected;
	size_t   control;     /* bytes an answer may have, see
					   pop3_connect */
	char    *tripped;     /* why the guard cut the connection */
	int      pipelining;  /* the server announced PIPELINING */
	GQueue   ahead;       /* struct source_msg *: read, not yet given */
	char    *ahead_error; /* after them: the RETR that failed */
	int      ahead_status;
	GArray  *dele; /* struct dele: messages to DELE, not yet sent */
};

/* A message to DELE: its number in this session, and its UIDL (owned:
 * the session's list is freed when a lost connection is replaced). */
struct dele {
	guint n;
	char *uidl;
};

/* RETRs written at once, and the most bytes they may bring */
#define POP3_PIPELINE      32
#define POP3_PIPELINE_SIZE (4 * 1024 * 1024)
/* DELEs written at once */
#define POP3_DELE_GROUP 256

/* pop3_strerror - what a MAILPOP3_ERROR_* code means */
static const char *
pop3_strerror(int r)
{
	static const struct {
		int         code;
		const char *text;
	} errs[] = {
		{ MAILPOP3_ERROR_BAD_STATE, "command not valid in this state" },
		{ MAILPOP3_ERROR_UNAUTHORIZED, "not authorized" },
		{ MAILPOP3_ERROR_STREAM, "connection lost or timed out" },
		{ MAILPOP3_ERROR_DENIED, "login refused" },
		{ MAILPOP3_ERROR_BAD_USER, "user refused" },
		{ MAILPOP3_ERROR_BAD_PASSWORD, "password refused" },
		{ MAILPOP3_ERROR_CANT_LIST, "LIST failed" },
		{ MAILPOP3_ERROR_NO_SUCH_MESSAGE, "no such message" },
		{ MAILPOP3_ERROR_MEMORY, "out of memory" },
		{ MAILPOP3_ERROR_CONNECTION_REFUSED, "connection refused" },
		{ MAILPOP3_ERROR_STLS_NOT_SUPPORTED, "STLS not supported" },
		{ MAILPOP3_ERROR_SSL, "TLS handshake failed" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(errs); i++)
		if (errs[i].code == r)
			return errs[i].text;
	return "POP3 error";
}

/* why - what error r of s means: the guard's reason when it cut the
 * connection */
static const char *
why(const struct pop3_source *s, int r)
{
	return s->tripped != NULL ? s->tripped : pop3_strerror(r);
}

/* dropped - did the connection drop after error r, so that one
 * reconnect may help?  Not when the guard cut it: that is the server's
 * fault, and trying again would meet the same.  (IMAP's gone() counts
 * both.) */
static int
dropped(const struct pop3_source *s, int r)
{
	return s->tripped == NULL && r == MAILPOP3_ERROR_STREAM;
}

/* has_pipelining - does the server announce PIPELINING (CAPA, after
 * login: RFC 2449 lets the list change then)? */
static int
has_pipelining(mailpop3 *pop3)
{
	const char *off = g_getenv("REBOUND_POP3_NO_PIPELINING");
	clist      *caps = NULL;
	clistiter  *it;
	int         yes = 0;

	if (off != NULL && off[0] != '\0')
		return 0; /* the tests' way to the one-by-one path */
	if (mailpop3_capa(pop3, &caps) != MAILPOP3_NO_ERROR)
		return 0;
	for (it = clist_begin(caps); it != NULL; it = clist_next(it)) {
		struct mailpop3_capa *c = clist_content(it);
		if (c->cap_name != NULL &&
		    g_ascii_strcasecmp(c->cap_name, "PIPELINING") == 0)
			yes = 1;
	}
	mailpop3_capa_resp_free(caps);
	return yes;
}

/* pop3_connect - connect, TLS, verify, log in, LIST; 0 or -1 */
static int
pop3_connect(struct pop3_source *s, char **cause)
{
	const struct config_mailbox   *mb = s->mb;
	struct mailpop3_stat_response *st = NULL;
	mailstream                    *stream;
	int                            r, tls = mb->proto == CONFIG_POP3S;

	s->pop3 = mailpop3_new(0, NULL);
	if (s->pop3 == NULL) {
		*cause = g_strdup("out of memory");
		s->head.status = EX_OSERR;
		return -1;
	}
	mailpop3_set_timeout(s->pop3, mb->timeout);
	stream = guard_connect(mb->host, mb->port, tls, mb->timeout,
	    &s->tripped, cause, &s->head.status);
	if (stream == NULL)
		return -1;
	r = mailpop3_connect(s->pop3, stream);
	if (r != MAILPOP3_NO_ERROR) {
		*cause = g_strdup_printf("%s:%u: no POP3 greeting: %s%s",
		    mb->host, mb->port, why(s, r),
		    tls ? ""
			: " (if that port speaks TLS, as 995 does, use "
			  "pop3s://)");
		s->head.status = s->tripped != NULL ? EX_PROTOCOL : EX_TEMPFAIL;
		return -1;
	}
	if (!tls && mb->starttls) {
		r = mailpop3_socket_starttls_with_callback(s->pop3, tls_sni,
		    mb->host);
		if (r != MAILPOP3_NO_ERROR) {
			*cause = g_strdup_printf("%s:%u: STLS failed: %s",
			    mb->host, mb->port, why(s, r));
			s->head.status = EX_PROTOCOL;
			return -1;
		}
		guard_rewrap(s->pop3->pop3_stream, mb->timeout, &s->tripped);
		tls = 1;
	}
	if (tls && mb->tls_verify &&
	    tls_check(s->pop3->pop3_stream, mb->host, mb->ca_file, cause) < 0) {
		s->head.status = EX_UNAVAILABLE;
		return -1;
	}
	r = mailpop3_user(s->pop3, mb->user);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(s->pop3, mb->password);
	if (r != MAILPOP3_NO_ERROR) {
		*cause = g_strdup_printf("%s: login as %s refused: %s (check "
					 "the user in url and the password "
					 "in password_file)",
		    mb->host, mb->user,
		    s->pop3->pop3_response != NULL ? s->pop3->pop3_response
						   : why(s, r));
		s->head.status = s->tripped != NULL ? EX_PROTOCOL
		    : dropped(s, r)                 ? EX_TEMPFAIL
						    : EX_NOPERM;
		return -1;
	}
	s->pipelining = has_pipelining(s->pop3);
	/* LIST and UIDL have a line per message: STAT says how many */
	r = mailpop3_stat(s->pop3, &st);
	if (r == MAILPOP3_NO_ERROR) {
		s->control = GUARD_MIB + 128 * (size_t)st->msgs_count;
		mailpop3_stat_resp_free(st);
		guard_allow(s->pop3->pop3_stream, s->control);
		r = mailpop3_list(s->pop3, &s->msgs);
	}
	if (r != MAILPOP3_NO_ERROR) {
		*cause =
		    g_strdup_printf("%s: LIST failed: %s", mb->host, why(s, r));
		s->head.status = dropped(s, r) ? EX_TEMPFAIL : EX_PROTOCOL;
		return -1;
	}
	s->head.total = carray_count(s->msgs);
	return 0;
}

/*
 * reconnect_at - once per run, after the connection dropped: a new session
 * (the DELEs of the lost one are undone by the server, so those messages
 * are read again next run: nothing is lost), and the position of uidl in
 * its list.  Returns the index, -1 when uidl is gone, -2 on failure.
 */
static int
reconnect_at(struct pop3_source *s, const char *uidl, char **cause)
{
	unsigned i;

	if (s->reconnected) {
		s->head.status = EX_TEMPFAIL;
		return -2;
	}
	s->reconnected = 1;
	log_msg(G_LOG_LEVEL_INFO, s->mb->name, NULL, NULL, NULL,
	    "%s: connection lost, reconnecting once", s->mb->name);
	mailpop3_free(s->pop3);
	s->pop3 = NULL;
	s->msgs = NULL;
	if (pop3_connect(s, cause) < 0)
		return -2;
	for (i = 0; i < carray_count(s->msgs); i++) {
		struct mailpop3_msg_info *x = carray_get(s->msgs, i);
		if (x != NULL && x->msg_uidl != NULL &&
		    strcmp(x->msg_uidl, uidl) == 0)
			return (int)i;
	}
	return -1;
}

/* retr - RETR one message, whose answer may be twice its listed size
 * (dot-stuffing at worst doubles it) */
static int
retr(struct pop3_source *s, struct mailpop3_msg_info *info, char **text,
    size_t *len)
{
	int r;

	guard_allow(s->pop3->pop3_stream,
	    s->control + 2 * (size_t)info->msg_size);
	r = mailpop3_retr(s->pop3, info->msg_index, text, len);
	guard_allow(s->pop3->pop3_stream, s->control);
	return r;
}

/* next_info - the next message to give (its place in the list before it
 * in *pos), named in m, or NULL at the end; a message too large comes
 * with m->error set, not to be retrieved */
static struct mailpop3_msg_info *
next_info(struct pop3_source *s, struct source_msg *m, unsigned *pos)
{
	struct mailpop3_msg_info *info;

	for (;;) {
		if (s->next >= carray_count(s->msgs) ||
		    (s->mb->max_messages > 0 &&
			s->given >= s->mb->max_messages))
			return NULL;
		*pos = s->next;
		info = carray_get(s->msgs, s->next++);
		if (info != NULL && !info->msg_deleted &&
		    !source_skipped(&s->head, info->msg_uidl))
			break;
	}
	s->given++;
	m->name = g_strdup_printf("%s:%u", s->mb->name, info->msg_index);
	m->uid = g_strdup(info->msg_uidl != NULL ? info->msg_uidl : "");
	if (info->msg_size > s->mb->max_message_size)
		m->error =
		    source_too_large(info->msg_size, s->mb->max_message_size);
	return info;
}

/* One RETR of a group. */
struct ahead {
	struct source_msg        *m;
	struct mailpop3_msg_info *info;
	unsigned                  pos; /* its place in the list */
};

/* read_ahead - RETR a group of messages at once into s->ahead.  A failed
 * answer ends the group: an -ERR is kept for pop3_next() to report once
 * the messages before it are given; a lost connection sends the rest,
 * from the message it was lost on, the one-by-one way. */
static void
read_ahead(struct pop3_source *s)
{
	struct ahead a[POP3_PIPELINE];
	GString     *cmds = g_string_new(NULL);
	mailstream  *st = s->pop3->pop3_stream;
	size_t       bytes = 0;
	unsigned     n = 0, i;

	while (n < POP3_PIPELINE && bytes < POP3_PIPELINE_SIZE) {
		a[n].m = g_new0(struct source_msg, 1);
		a[n].info = next_info(s, a[n].m, &a[n].pos);
		if (a[n].info == NULL) {
			g_free(a[n].m);
			break;
		}
		if (a[n].m->error == NULL) {
			g_string_append_printf(cmds, "RETR %u\r\n",
			    a[n].info->msg_index);
			bytes += a[n].info->msg_size;
		}
		n++;
	}
	guard_allow(st, s->control + 2 * bytes);
	if (cmds->len > 0 &&
	    (mailstream_write(st, cmds->str, cmds->len) < 0 ||
		mailstream_flush(st) < 0))
		i = 0; /* lost before any answer */
	else
		for (i = 0; i < n; i++) {
			MMAPString *body;
			char       *line, *text;
			if (a[i].m->error != NULL) {
				g_queue_push_tail(&s->ahead, a[i].m);
				continue;
			}
			line = mailstream_read_line_remove_eol(st,
			    s->pop3->pop3_stream_buffer);
			if (line == NULL)
				break;
			if (strncmp(line, "+OK", 3) != 0) {
				/* as mailpop3_retr() says of an -ERR */
				s->ahead_error =
				    g_strdup_printf("%s: RETR %u failed: %s",
					s->mb->host, a[i].info->msg_index,
					why(s, MAILPOP3_ERROR_NO_SUCH_MESSAGE));
				s->ahead_status = EX_PROTOCOL;
				break; /* freed below with the rest */
			}
			body = mmap_string_new("");
			text = mailstream_read_multiline(st,
			    a[i].info->msg_size, s->pop3->pop3_stream_buffer,
			    body, 0, NULL, NULL, NULL);
			if (text == NULL) {
				mmap_string_free(body);
				break;
			}
			source_msg_set_data(a[i].m, body->str, body->len);
			mmap_string_free(body);
			g_queue_push_tail(&s->ahead, a[i].m);
		}
	guard_allow(st, s->control);
	if (i < n && s->ahead_error == NULL) {
		/* the connection was lost at a[i]: from there one by one */
		s->pipelining = 0;
		s->next = a[i].pos;
		s->given -= n - i;
	}
	for (; i < n; i++) {
		source_msg_clear(a[i].m);
		g_free(a[i].m);
	}
	g_string_free(cmds, TRUE);
}

static int
pop3_next(struct source *head, struct source_msg *m, char **cause)
{
	struct pop3_source       *s = (struct pop3_source *)head;
	struct mailpop3_msg_info *info;
	struct source_msg        *q;
	char                     *text = NULL;
	size_t                    len = 0;
	unsigned                  pos;
	int                       r;

	if (s->quit || s->msgs == NULL)
		return 0;
	if (s->pipelining && g_queue_is_empty(&s->ahead) &&
	    s->ahead_error == NULL)
		read_ahead(s);
	if ((q = g_queue_pop_head(&s->ahead)) != NULL) {
		*m = *q;
		g_free(q);
		return 1;
	}
	if (s->ahead_error != NULL) {
		*cause = s->ahead_error;
		s->ahead_error = NULL;
		head->status = s->ahead_status;
		return -1;
	}
	if ((info = next_info(s, m, &pos)) == NULL)
		return 0;
	if (m->error != NULL)
		return 1;
	r = retr(s, info, &text, &len);
	if (dropped(s, r) && info->msg_uidl != NULL) {
		/* on in a new session, at the same UIDL */
		char *uidl = g_strdup(info->msg_uidl);
		int   i = reconnect_at(s, uidl, cause);

		g_free(uidl);
		if (i == -2)
			return -1;
		if (i < 0)
			return pop3_next(head, m, cause); /* it is gone */
		info = carray_get(s->msgs, (unsigned)i);
		s->next = (unsigned)i + 1;
		g_free(m->name);
		m->name =
		    g_strdup_printf("%s:%u", s->mb->name, info->msg_index);
		r = retr(s, info, &text, &len);
	}
	if (r != MAILPOP3_NO_ERROR) {
		*cause = g_strdup_printf("%s: RETR %u failed: %s", s->mb->host,
		    info->msg_index, why(s, r));
		head->status = dropped(s, r) ? EX_TEMPFAIL : EX_PROTOCOL;
		return -1;
	}
	source_msg_set_data(m, text, len);
	mailpop3_retr_free(text);
	return 1;
}

/* index_of - the message number in "mailbox:N" */
static unsigned
index_of(const struct source_msg *m)
{
	const char *colon = m->name != NULL ? strrchr(m->name, ':') : NULL;

	return colon != NULL ? (unsigned)strtoul(colon + 1, NULL, 10) : 0;
}

/* dele_one - DELE message number n the one-by-one way: after a lost
 * connection, once, a new session and DELE of the message with uidl
 * where it is now (uidl NULL or "": not possible); 0, or -1 with *cause */
static int
dele_one(struct pop3_source *s, unsigned n, const char *uidl, char **cause)
{
	int r = mailpop3_dele(s->pop3, n);

	if (r != MAILPOP3_NO_ERROR && s->tripped == NULL && uidl != NULL &&
	    uidl[0] != '\0' && !s->reconnected) {
		/* a dead connection answers DELE with an error of its own:
		 * a new session, then DELE the message where it is now */
		int i = reconnect_at(s, uidl, cause);
		if (i == -1)
			return 0; /* gone already */
		if (i >= 0) {
			struct mailpop3_msg_info *x =
			    carray_get(s->msgs, (unsigned)i);
			r = mailpop3_dele(s->pop3, x->msg_index);
			/* the session is new: go on after this message */
			if (s->next < (unsigned)i + 1)
				s->next = (unsigned)i + 1;
		}
	}
	if (r != MAILPOP3_NO_ERROR) {
		*cause = g_strdup_printf("%s: DELE failed: %s", s->mb->host,
		    why(s, r));
		s->head.status = dropped(s, r) ? EX_TEMPFAIL : EX_PROTOCOL;
		return -1;
	}
	return 0;
}

/* dele_flush - the DELEs collected so far, written at once, the answers
 * (a line each) read in order.  From where the connection was lost, one
 * by one; an -ERR is answered as one by one it is (dele_one()).  Once a
 * new session replaced a lost one, a message is found there by its UIDL,
 * not by the number it had in the old one.  0, or -1 with *cause */
static int
dele_flush(struct pop3_source *s, char **cause)
{
	GString    *cmds = g_string_new(NULL);
	mailstream *st;
	guint       i = 0, k, failed = G_MAXUINT;
	int         rc = 0, was = s->reconnected;

	if (s->dele->len == 0)
		goto out;
	st = s->pop3->pop3_stream;
	for (k = 0; k < s->dele->len; k++)
		g_string_append_printf(cmds, "DELE %u\r\n",
		    g_array_index(s->dele, struct dele, k).n);
	if (mailstream_write(st, cmds->str, cmds->len) >= 0 &&
	    mailstream_flush(st) >= 0)
		for (; i < s->dele->len; i++) {
			char *line = mailstream_read_line_remove_eol(st,
			    s->pop3->pop3_stream_buffer);
			if (line == NULL)
				break;
			if (strncmp(line, "+OK", 3) != 0 && failed == G_MAXUINT)
				failed = i;
		}
	if (failed < i) {
		struct dele *d = &g_array_index(s->dele, struct dele, failed);
		rc = dele_one(s, d->n, d->uidl, cause);
	}
	for (; i < s->dele->len && rc == 0; i++) {
		struct dele *d = &g_array_index(s->dele, struct dele, i);
		guint        n = d->n;
		if (s->reconnected != was) {
			/* a new session: where the message is now */
			for (k = 0, n = 0; k < carray_count(s->msgs); k++) {
				struct mailpop3_msg_info *x =
				    carray_get(s->msgs, k);
				if (x != NULL && x->msg_uidl != NULL &&
				    d->uidl != NULL &&
				    strcmp(x->msg_uidl, d->uidl) == 0)
					n = x->msg_index;
			}
			if (n == 0)
				continue; /* gone already */
		}
		rc = dele_one(s, n, d->uidl, cause);
	}
out:
	for (k = 0; k < s->dele->len; k++)
		g_free(g_array_index(s->dele, struct dele, k).uidl);
	g_array_set_size(s->dele, 0);
	g_string_free(cmds, TRUE);
	return rc;
}

static int
pop3_ack(struct source *head, const struct source_msg *m,
    enum source_outcome outcome, char **cause)
{
	struct pop3_source *s = (struct pop3_source *)head;

	/* no folders: a quarantined message stays on the server */
	if (outcome != SOURCE_DONE || s->mb->after != CONFIG_AFTER_DELETE)
		return 0;
	if (s->pipelining) {
		struct dele d = { index_of(m), g_strdup(m->uid) };
		g_array_append_val(s->dele, d);
		return s->dele->len >= POP3_DELE_GROUP ? dele_flush(s, cause)
						       : 0;
	}
	return dele_one(s, index_of(m), m->uid, cause);
}

static int
pop3_commit(struct source *head, char **cause)
{
	struct pop3_source *s = (struct pop3_source *)head;
	int                 r;

	if (s->quit || s->pop3 == NULL)
		return 0;
	if (dele_flush(s, cause) < 0)
		return -1;
	/* QUIT makes the DELEs final and ends the session */
	s->quit = 1;
	r = mailpop3_quit(s->pop3);
	if (r != MAILPOP3_NO_ERROR) {
		*cause =
		    g_strdup_printf("%s: QUIT failed: %s; deletions undone",
			s->mb->host, why(s, r));
		head->status = EX_TEMPFAIL;
		return -1;
	}
	return 0;
}

static void
pop3_close(struct source *head)
{
	struct pop3_source *s = (struct pop3_source *)head;
	struct source_msg  *m;

	/* without QUIT, the server undoes every DELE of this session */
	if (s->pop3 != NULL)
		mailpop3_free(s->pop3);
	while ((m = g_queue_pop_head(&s->ahead)) != NULL) {
		source_msg_clear(m);
		g_free(m);
	}
	for (guint k = 0; k < s->dele->len; k++)
		g_free(g_array_index(s->dele, struct dele, k).uidl);
	g_array_free(s->dele, TRUE);
	g_free(s->ahead_error);
	g_free(s->tripped);
	g_free(s);
}

static const struct source_ops pop3_ops = { "pop3", pop3_next, pop3_ack,
	pop3_commit, pop3_close };

struct source *
source_pop3_open(const struct config_mailbox *mb, char **cause, int *status)
{
	struct pop3_source *s = g_new0(struct pop3_source, 1);

	s->head.ops = &pop3_ops;
	s->mb = mb;
	g_queue_init(&s->ahead);
	s->dele = g_array_new(FALSE, FALSE, sizeof(struct dele));
	if (pop3_connect(s, cause) < 0) {
		*status = s->head.status != 0 ? s->head.status : EX_TEMPFAIL;
		pop3_close(&s->head);
		return NULL;
	}
	return &s->head;
}
