/*
 * pop3.c - read bounces from a POP3 maildrop (libetpan).
 *
 * Connect (TLS, or STLS), verify the certificate (tls.c), log in, LIST
 * (libetpan adds UIDL), RETR one message at a time; a message larger than
 * max_message_size is reported without being retrieved.  DELE is sent only
 * for messages acknowledged after their effect is stored, and takes effect
 * at QUIT (source_commit): a dropped connection undoes it, so nothing is
 * lost.  POP3 has no folders: quarantined messages are left on the server.
 */
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
	size_t   control; /* bytes an answer may have, see
					   pop3_connect */
	char    *tripped; /* why the guard cut the connection */
};

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

static int
pop3_next(struct source *head, struct source_msg *m, char **cause)
{
	struct pop3_source       *s = (struct pop3_source *)head;
	struct mailpop3_msg_info *info;
	char                     *text = NULL;
	size_t                    len = 0;
	int                       r;

	if (s->quit || s->msgs == NULL)
		return 0;
	for (;;) {
		if (s->next >= carray_count(s->msgs) ||
		    (s->mb->max_messages > 0 &&
			s->given >= s->mb->max_messages))
			return 0;
		info = carray_get(s->msgs, s->next++);
		if (info != NULL && !info->msg_deleted &&
		    !source_skipped(head, info->msg_uidl))
			break;
	}
	s->given++;
	m->name = g_strdup_printf("%s:%u", s->mb->name, info->msg_index);
	m->uid = g_strdup(info->msg_uidl != NULL ? info->msg_uidl : "");
	if (info->msg_size > s->mb->max_message_size) {
		m->error = g_strdup_printf("message too large (%u bytes, limit "
					   "%zu)",
		    info->msg_size, s->mb->max_message_size);
		return 1;
	}
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
	m->data = g_malloc(len + 1);
	memcpy(m->data, text, len);
	m->data[len] = '\0';
	m->len = len;
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

static int
pop3_ack(struct source *head, const struct source_msg *m,
    enum source_outcome outcome, char **cause)
{
	struct pop3_source *s = (struct pop3_source *)head;
	int                 r;

	/* no folders: a quarantined message stays on the server */
	if (outcome != SOURCE_DONE || s->mb->after != CONFIG_AFTER_DELETE)
		return 0;
	r = mailpop3_dele(s->pop3, index_of(m));
	if (r != MAILPOP3_NO_ERROR && s->tripped == NULL && m->uid != NULL &&
	    m->uid[0] != '\0' && !s->reconnected) {
		/* a dead connection answers DELE with an error of its own:
		 * a new session, then DELE the message where it is now */
		int i = reconnect_at(s, m->uid, cause);
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
		head->status = dropped(s, r) ? EX_TEMPFAIL : EX_PROTOCOL;
		return -1;
	}
	return 0;
}

static int
pop3_commit(struct source *head, char **cause)
{
	struct pop3_source *s = (struct pop3_source *)head;
	int                 r;

	if (s->quit || s->pop3 == NULL)
		return 0;
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

	/* without QUIT, the server undoes every DELE of this session */
	if (s->pop3 != NULL)
		mailpop3_free(s->pop3);
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
	if (pop3_connect(s, cause) < 0) {
		*status = s->head.status != 0 ? s->head.status : EX_TEMPFAIL;
		pop3_close(&s->head);
		return NULL;
	}
	return &s->head;
}
