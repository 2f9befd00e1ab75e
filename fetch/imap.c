/*
 * imap.c - read bounces from an IMAP folder (libetpan).
 *
 * One session per mailbox: connect (TLS, or STARTTLS), verify the
 * certificate (tls.c), log in, SELECT, remember UIDVALIDITY, list the UIDs
 * to read (all, or those without the keyword when after = flag), then
 * fetch them in UID batches: first the sizes (an oversized message is
 * never loaded), then the bodies with BODY.PEEK[] so nothing is marked
 * seen.  Acknowledged messages are moved (MOVE, or COPY + \Deleted + UID
 * EXPUNGE), flagged, deleted or kept when source_commit() runs, which the
 * worker calls only after their effect is stored.
 *
 * The acknowledgements of a large mailbox are carried out as they come,
 * in chunks, on a second session of the same folder, in a thread of
 * their own, while this session fetches on: Dovecot takes 45 ms to MOVE
 * 1,000 messages (0.7 s for 10,000), time the fetching no longer waits
 * for.  Both sessions name messages by UID only, and the second checks
 * that UIDVALIDITY is the same.  When the second session cannot be had,
 * the chunks are carried out here, in turn, as before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "internal.h"
#include "log.h"

/* Bytes of bodies fetched in one round trip at most (bounds memory). */
#define IMAP_FETCH_BYTES (16u * 1024 * 1024)
/* Messages one UID SEARCH should return, about; see list_uids. */
#define IMAP_SEARCH_UIDS 5000
/* Acknowledgements carried out together (one MOVE, STORE or EXPUNGE), at
 * least; see imap_ack. */
#define IMAP_ACK_CHUNK 1000

struct imap_source {
	struct source                head;
	const struct config_mailbox *mb;
	mailimap                    *imap;
	uint32_t                     uidvalidity;
	GArray                      *uids;  /* uint32_t, ascending */
	guint                        next;  /* index of the next UID to fetch */
	GQueue                      *ready; /* struct source_msg *, fetched */
	GArray                      *done;  /* UIDs acknowledged as done */
	GArray                      *quarantined;
	GArray                      *review; /* UIDs for mb->review */
	int                          reconnected;
	char *tripped; /* why the guard cut the connection */
	/* the acknowledgements' own session (see the top of the file) */
	struct imap_source *twin;      /* NULL until the first chunk */
	GThread            *acking;    /* a chunk being carried out there */
	int                 ack_rc;    /* the twin's: its chunk's MAILIMAP_
				       code, IMAP_TWIN_DOWN */
	int                 twin_down; /* no second session: chunks here */
};

/* ack_rc of a twin that could not connect */
#define IMAP_TWIN_DOWN (-1)

/* imap_strerror - what a MAILIMAP_ERROR_* code means */
static const char *
imap_strerror(int r)
{
	static const struct {
		int         code;
		const char *text;
	} errs[] = {
		{ MAILIMAP_ERROR_BAD_STATE, "command not valid in this state" },
		{ MAILIMAP_ERROR_STREAM, "connection lost or timed out" },
		{ MAILIMAP_ERROR_PARSE, "unreadable server response" },
		{ MAILIMAP_ERROR_CONNECTION_REFUSED, "connection refused" },
		{ MAILIMAP_ERROR_MEMORY, "out of memory" },
		{ MAILIMAP_ERROR_FATAL, "server closed the connection" },
		{ MAILIMAP_ERROR_PROTOCOL, "protocol error" },
		{ MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION,
		    "server refuses "
		    "connections" },
		{ MAILIMAP_ERROR_LOGIN, "login refused" },
		{ MAILIMAP_ERROR_SELECT, "cannot select the folder" },
		{ MAILIMAP_ERROR_FETCH, "fetch failed" },
		{ MAILIMAP_ERROR_STORE, "store failed" },
		{ MAILIMAP_ERROR_COPY, "copy failed" },
		{ MAILIMAP_ERROR_CREATE, "cannot create the folder" },
		{ MAILIMAP_ERROR_UID_SEARCH, "search failed" },
		{ MAILIMAP_ERROR_EXPUNGE, "expunge failed" },
		{ MAILIMAP_ERROR_UID_MOVE, "move failed" },
		{ MAILIMAP_ERROR_SSL, "TLS handshake failed" },
		{ MAILIMAP_ERROR_STARTTLS, "STARTTLS failed" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(errs); i++)
		if (errs[i].code == r)
			return errs[i].text;
	return "IMAP error";
}

/* why - what error r of s means: the guard's reason when it cut the
 * connection */
static const char *
why(const struct imap_source *s, int r)
{
	return s->tripped != NULL ? s->tripped : imap_strerror(r);
}

/* gone - is the connection gone after error r: dropped, or cut by the
 * guard?  (POP3's dropped() leaves the guard's cuts out) */
static int
gone(const struct imap_source *s, int r)
{
	return s->tripped != NULL || r == MAILIMAP_ERROR_STREAM ||
	    r == MAILIMAP_ERROR_PARSE || r == MAILIMAP_ERROR_FATAL ||
	    /* a command after the drop (CREATE before MOVE saw it) */
	    (r == MAILIMAP_ERROR_BAD_STATE &&
		(s->imap == NULL || s->imap->imap_stream == NULL ||
		    s->imap->imap_state == MAILIMAP_STATE_DISCONNECTED));
}

/* gone_status - the exit status once the connection is gone: try again
 * later, unless the guard cut it (the server's fault, no use retrying) */
static int
gone_status(const struct imap_source *s)
{
	return s->tripped != NULL ? EX_PROTOCOL : EX_TEMPFAIL;
}

/* server_says - the server's last response text, or "" */
static const char *
server_says(mailimap *imap)
{
	return imap != NULL && imap->imap_response != NULL ? imap->imap_response
							   : "";
}

/* control_bytes - the most an answer without message bodies may be: a
 * MiB, and 64 bytes for each message in the folder */
static size_t
control_bytes(const struct imap_source *s)
{
	if (s->imap == NULL || s->imap->imap_selection_info == NULL)
		return GUARD_MIB;
	return GUARD_MIB +
	    64 * (size_t)s->imap->imap_selection_info->sel_exists;
}

/* imap_connect - connect, TLS, verify, log in, select; 0 or -1 */
static int
imap_connect(struct imap_source *s, char **cause)
{
	const struct config_mailbox *mb = s->mb;
	mailstream                  *stream;
	int                          r, tls = mb->proto == CONFIG_IMAPS;

	s->imap = mailimap_new(0, NULL);
	if (s->imap == NULL) {
		*cause = g_strdup("out of memory");
		s->head.status = EX_OSERR;
		return -1;
	}
	mailimap_set_timeout(s->imap, mb->timeout);
	stream = guard_connect(mb->host, mb->port, tls, mb->timeout,
	    &s->tripped, cause, &s->head.status);
	if (stream == NULL)
		return -1;
	r = mailimap_connect(s->imap, stream);
	if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		*cause = g_strdup_printf("%s:%u: no IMAP greeting: %s%s",
		    mb->host, mb->port, why(s, r),
		    tls ? ""
			: " (if that port speaks TLS, as 993 does, use "
			  "imaps://)");
		s->head.status = gone_status(s);
		return -1;
	}
	if (!tls && mb->starttls) {
		r = mailimap_socket_starttls_with_callback(s->imap, tls_sni,
		    mb->host);
		if (r != MAILIMAP_NO_ERROR) {
			*cause = g_strdup_printf("%s:%u: STARTTLS failed: %s",
			    mb->host, mb->port, why(s, r));
			s->head.status = EX_PROTOCOL;
			return -1;
		}
		guard_rewrap(s->imap->imap_stream, mb->timeout, &s->tripped);
		tls = 1;
	}
	if (tls && mb->tls_verify &&
	    tls_check(s->imap->imap_stream, mb->host, mb->ca_file, cause) < 0) {
		s->head.status = EX_UNAVAILABLE;
		return -1;
	}
	r = mailimap_login(s->imap, mb->user, mb->password);
	if (r != MAILIMAP_NO_ERROR) {
		*cause = g_strdup_printf("%s: login as %s refused: %s (check "
					 "the user in url and the password "
					 "in password_file)",
		    mb->host, mb->user,
		    r == MAILIMAP_ERROR_LOGIN ? server_says(s->imap)
					      : why(s, r));
		s->head.status = gone(s, r) ? gone_status(s) : EX_NOPERM;
		return -1;
	}
	r = mailimap_select(s->imap, mb->folder);
	if (r != MAILIMAP_NO_ERROR || s->imap->imap_selection_info == NULL) {
		*cause = g_strdup_printf("%s: cannot select %s: %s", mb->host,
		    mb->folder, gone(s, r) ? why(s, r) : server_says(s->imap));
		s->head.status = gone(s, r) ? gone_status(s) : EX_NOINPUT;
		return -1;
	}
	if (s->uidvalidity != 0 &&
	    s->imap->imap_selection_info->sel_uidvalidity != s->uidvalidity) {
		*cause = g_strdup_printf("%s: UIDVALIDITY of %s changed while "
					 "reading; run again",
		    mb->host, mb->folder);
		s->head.status = EX_TEMPFAIL;
		return -1;
	}
	s->uidvalidity = s->imap->imap_selection_info->sel_uidvalidity;
	/* from now on an answer may list every message: UID SEARCH, sizes,
	 * EXPUNGE (bodies are allowed for in fetch_bodies) */
	guard_allow(s->imap->imap_stream, control_bytes(s));
	return 0;
}

/* imap_disconnect - drop the session (politely when it still works) */
static void
imap_disconnect(struct imap_source *s, int polite)
{
	if (s->imap == NULL)
		return;
	/* not when a connect failed before there was a stream (libetpan
	 * would close a NULL one), nor after the guard cut it */
	if (polite && s->imap->imap_stream != NULL && s->tripped == NULL)
		mailimap_logout(s->imap);
	mailimap_free(s->imap);
	s->imap = NULL;
}

/* reconnect - once per run, after the connection dropped */
static int
reconnect(struct imap_source *s, char **cause)
{
	if (s->reconnected || s->tripped != NULL) {
		s->head.status = gone_status(s);
		return -1;
	}
	s->reconnected = 1;
	g_free(*cause);
	*cause = NULL;
	imap_disconnect(s, 0);
	log_msg(G_LOG_LEVEL_INFO, s->mb->name, NULL, NULL, NULL,
	    "%s: connection lost, reconnecting once", s->mb->name);
	return imap_connect(s, cause);
}

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* search_key - what to read: every message, or those without the
 * keyword (after = flag); within UIDs lo:hi unless hi is 0 */
static struct mailimap_search_key *
search_key(const struct imap_source *s, uint32_t lo, uint32_t hi)
{
	struct mailimap_search_key *key, *all;

	if (s->mb->after == CONFIG_AFTER_FLAG)
		key = mailimap_search_key_new_not(
		    mailimap_search_key_new_keyword(strdup(s->mb->keyword)));
	else
		key = mailimap_search_key_new_all();
	if (hi == 0)
		return key;
	all = mailimap_search_key_new_multiple_empty();
	mailimap_search_key_multiple_add(all,
	    mailimap_search_key_new_uid(mailimap_set_new_interval(lo, hi)));
	mailimap_search_key_multiple_add(all, key);
	return all;
}

/* list_uids - the UIDs to read, ascending; 0 or -1.  libetpan makes a list
 * node and a number of each UID a SEARCH returns (some 64 bytes): a large
 * folder is searched by ranges of UIDs that each hold about
 * IMAP_SEARCH_UIDS messages, so that memory stays that of a small one. */
static int
list_uids(struct imap_source *s, char **cause)
{
	const struct mailimap_selection_info *sel =
	    s->imap->imap_selection_info;
	uint64_t next = sel->sel_uidnext, width = 0, lo = 1;
	int      r;

	/* width 0: one search of the whole folder */
	if (next > 1 && sel->sel_exists > IMAP_SEARCH_UIDS)
		width = MAX((uint64_t)IMAP_SEARCH_UIDS * (next - 1) /
			sel->sel_exists,
		    1);
	do {
		uint64_t hi = width > 0 ? MIN(lo + width - 1, next - 1) : 0;
		struct mailimap_search_key *key =
		    search_key(s, (uint32_t)lo, (uint32_t)hi);
		clist     *result = NULL;
		clistiter *it;

		r = mailimap_uid_search(s->imap, NULL, key, &result);
		mailimap_search_key_free(key);
		if (r != MAILIMAP_NO_ERROR) {
			*cause = g_strdup_printf("%s: UID SEARCH failed: %s",
			    s->mb->host, why(s, r));
			s->head.status =
			    gone(s, r) ? gone_status(s) : EX_PROTOCOL;
			return -1;
		}
		for (it = clist_begin(result); it != NULL;
		     it = clist_next(it)) {
			uint32_t uid = *(uint32_t *)clist_content(it);
			g_array_append_val(s->uids, uid);
		}
		mailimap_search_result_free(result);
	} while (width > 0 && (lo += width) < next);
	g_array_sort(s->uids, cmp_uid);
	if (s->mb->max_messages > 0 && s->uids->len > s->mb->max_messages)
		g_array_set_size(s->uids, s->mb->max_messages);
	s->head.total = s->uids->len;
	return 0;
}

/* att_of - UID, size and body of one fetched message */
static void
att_of(struct mailimap_msg_att *att, uint32_t *uid, uint32_t *size,
    const char **body, size_t *len)
{
	clistiter *it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item   *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			*uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			*size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section != NULL) {
				*body = st->att_data.att_body_section
					    ->sec_body_part;
				*len =
				    st->att_data.att_body_section->sec_length;
			}
			break;
		default:
			break;
		}
	}
}

/* fetch - UID FETCH set: the sizes, or the bodies (bytes of them, by the
 * sizes); 0 with the list in *result, or -1 */
static int
fetch(struct imap_source *s, struct mailimap_set *set, int bodies,
    uint64_t bytes, clist **result, char **cause)
{
	struct mailimap_fetch_type *type;
	int                         r;

	for (;;) {
		type = mailimap_fetch_type_new_fetch_att_list_empty();
		mailimap_fetch_type_new_fetch_att_list_add(type,
		    mailimap_fetch_att_new_uid());
		if (bodies)
			mailimap_fetch_type_new_fetch_att_list_add(type,
			    mailimap_fetch_att_new_body_peek_section(
				mailimap_section_new(NULL)));
		else
			mailimap_fetch_type_new_fetch_att_list_add(type,
			    mailimap_fetch_att_new_rfc822_size());
		/* the answer may carry the bodies, and a little per message */
		guard_allow(s->imap->imap_stream,
		    control_bytes(s) +
			(bodies ? bytes + 256 * (uint64_t)s->mb->batch : 0));
		r = mailimap_uid_fetch(s->imap, set, type, result);
		guard_allow(s->imap->imap_stream, control_bytes(s));
		mailimap_fetch_type_free(type);
		if (r == MAILIMAP_NO_ERROR)
			return 0;
		*cause = g_strdup_printf("%s: UID FETCH failed: %s",
		    s->mb->host, why(s, r));
		if (!gone(s, r) || reconnect(s, cause) < 0) {
			if (s->head.status == 0)
				s->head.status =
				    gone(s, r) ? gone_status(s) : EX_PROTOCOL;
			return -1;
		}
	}
}

/* queue_msg - put one message (or its error) on the ready queue */
static void
queue_msg(struct imap_source *s, uint32_t uid, const char *body, size_t len,
    const char *error)
{
	struct source_msg *m = g_new0(struct source_msg, 1);

	m->uid = g_strdup_printf("%u/%u", s->uidvalidity, uid);
	m->name = g_strdup_printf("%s:%u", s->mb->name, uid);
	if (error != NULL)
		m->error = g_strdup(error);
	else
		source_msg_set_data(m, body, len);
	g_queue_push_tail(s->ready, m);
}

/* set_of - a UID set of uids[from, to) (ascending), runs of consecutive
 * UIDs written as ranges ("1:500"): a command line stays short */
static struct mailimap_set *
set_of(GArray *uids, guint from, guint to)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	guint                i = from;

	while (i < to) {
		uint32_t first = g_array_index(uids, uint32_t, i), last = first;
		while (i + 1 < to &&
		    g_array_index(uids, uint32_t, i + 1) == last + 1) {
			last++;
			i++;
		}
		if (first == last)
			mailimap_set_add_single(set, first);
		else
			mailimap_set_add_interval(set, first, last);
		i++;
	}
	return set;
}

/* fill_bodies - fetch the bodies of uids onto the ready queue, in UID
 * order; 0 or -1 */
static int
fill_bodies(struct imap_source *s, GArray *uids, uint64_t bytes, char **cause)
{
	struct mailimap_set *set = set_of(uids, 0, uids->len);
	GHashTable *got = g_hash_table_new(g_direct_hash, g_direct_equal);
	clist      *res = NULL;
	clistiter  *it;
	guint       i;
	int         rc = -1;

	if (fetch(s, set, 1, bytes, &res, cause) < 0)
		goto out;
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		uint32_t    uid = 0, size = 0;
		const char *b = NULL;
		size_t      l = 0;

		att_of(clist_content(it), &uid, &size, &b, &l);
		if (uid != 0 && b != NULL)
			g_hash_table_insert(got, GUINT_TO_POINTER(uid), it);
	}
	for (i = 0; i < uids->len; i++) {
		uint32_t    uid = g_array_index(uids, uint32_t, i), size = 0;
		clistiter  *m = g_hash_table_lookup(got, GUINT_TO_POINTER(uid));
		const char *b = NULL;
		size_t      l = 0;

		if (m == NULL)
			continue; /* expunged meanwhile: gone, not lost */
		att_of(clist_content(m), &uid, &size, &b, &l);
		queue_msg(s, uid, b, l, NULL);
	}
	rc = 0;
out:
	if (res != NULL)
		mailimap_fetch_list_free(res);
	mailimap_set_free(set);
	g_hash_table_destroy(got);
	return rc;
}

/* fill - fetch the next batch of UIDs into the ready queue; 0 or -1 */
static int
fill(struct imap_source *s, char **cause)
{
	struct mailimap_set *set = NULL;
	clist               *sizes = NULL;
	clistiter           *it;
	GArray  *small = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	guint    end = MIN(s->next + s->mb->batch, s->uids->len);
	uint64_t bytes = 0;
	int      rc = -1;

	/* messages the caller has done already are not fetched again */
	if (s->head.skip != NULL) {
		guint i, keep = s->next;
		for (i = s->next; i < end; i++) {
			uint32_t uid = g_array_index(s->uids, uint32_t, i);
			char *u = g_strdup_printf("%u/%u", s->uidvalidity, uid);
			if (!source_skipped(&s->head, u))
				g_array_index(s->uids, uint32_t, keep++) = uid;
			g_free(u);
		}
		g_array_remove_range(s->uids, keep, end - keep);
		end = keep;
		if (end == s->next) {
			rc = 0;
			goto out;
		}
	}
	/* sizes first: an oversized message is never loaded */
	set = set_of(s->uids, s->next, end);
	if (fetch(s, set, 0, 0, &sizes, cause) < 0)
		goto out;
	for (it = clist_begin(sizes); it != NULL; it = clist_next(it)) {
		uint32_t    uid = 0, size = 0;
		const char *b = NULL;
		size_t      l = 0;

		att_of(clist_content(it), &uid, &size, &b, &l);
		if (uid == 0)
			continue;
		if (size > s->mb->max_message_size) {
			char *why =
			    source_too_large(size, s->mb->max_message_size);
			queue_msg(s, uid, NULL, 0, why);
			g_free(why);
			continue;
		}
		/* bodies in round trips of at most IMAP_FETCH_BYTES */
		if (small->len > 0 && bytes + size > IMAP_FETCH_BYTES) {
			if (fill_bodies(s, small, bytes, cause) < 0)
				goto out;
			g_array_set_size(small, 0);
			bytes = 0;
		}
		g_array_append_val(small, uid);
		bytes += size;
	}
	if (small->len > 0 && fill_bodies(s, small, bytes, cause) < 0)
		goto out;
	s->next = end;
	rc = 0;
out:
	if (set != NULL)
		mailimap_set_free(set);
	if (sizes != NULL)
		mailimap_fetch_list_free(sizes);
	g_array_free(small, TRUE);
	return rc;
}

static int
imap_next(struct source *head, struct source_msg *m, char **cause)
{
	struct imap_source *s = (struct imap_source *)head;
	struct source_msg  *q;

	while (g_queue_is_empty(s->ready)) {
		if (s->next >= s->uids->len)
			return 0;
		if (fill(s, cause) < 0)
			return -1;
	}
	q = g_queue_pop_head(s->ready);
	*m = *q;
	g_free(q);
	return 1;
}

/* uid_of - the UID in "UIDVALIDITY/UID" */
static uint32_t
uid_of(const struct source_msg *m)
{
	const char *slash = m->uid != NULL ? strchr(m->uid, '/') : NULL;

	return slash != NULL ? (uint32_t)strtoul(slash + 1, NULL, 10) : 0;
}

/* store_flags - add \Deleted, or the keyword and \Seen, to the set */
static int
store_flags(struct imap_source *s, struct mailimap_set *set, int deleted)
{
	struct mailimap_flag_list       *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *att;
	int                              r;

	if (deleted)
		mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	else {
		mailimap_flag_list_add(fl,
		    mailimap_flag_new_flag_keyword(strdup(s->mb->keyword)));
		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	}
	att = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(s->imap, set, att);
	mailimap_store_att_flags_free(att);
	return r;
}

/* move_to - move the set to folder (created when missing) */
static int
move_to(struct imap_source *s, struct mailimap_set *set, const char *folder)
{
	int r;

	/* CREATE fails harmlessly when the folder exists */
	mailimap_create(s->imap, folder);
	if (mailimap_has_extension(s->imap, "MOVE"))
		return mailimap_uid_move(s->imap, set, folder);
	if ((r = mailimap_uid_copy(s->imap, set, folder)) != MAILIMAP_NO_ERROR)
		return r;
	if ((r = store_flags(s, set, 1)) != MAILIMAP_NO_ERROR)
		return r;
	/* UID EXPUNGE removes only these; plain EXPUNGE would remove every
	 * \Deleted message of the folder, so without UIDPLUS they stay
	 * marked */
	if (mailimap_has_extension(s->imap, "UIDPLUS"))
		return mailimap_uid_expunge(s->imap, set);
	return MAILIMAP_NO_ERROR;
}

/* flush - carry out the acknowledgements collected so far; a MAILIMAP_
 * code */
static int
flush(struct imap_source *s)
{
	struct mailimap_set *set;
	int                  r = MAILIMAP_NO_ERROR;

	if (s->quarantined->len > 0) {
		set = set_of(s->quarantined, 0, s->quarantined->len);
		r = move_to(s, set, s->mb->quarantine);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			return r;
		g_array_set_size(s->quarantined, 0);
	}
	if (s->review->len > 0) {
		set = set_of(s->review, 0, s->review->len);
		r = move_to(s, set, s->mb->review);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			return r;
		g_array_set_size(s->review, 0);
	}
	if (s->done->len > 0) {
		set = set_of(s->done, 0, s->done->len);
		switch (s->mb->after) {
		case CONFIG_AFTER_MOVE:
			r = move_to(s, set, s->mb->after_folder);
			break;
		case CONFIG_AFTER_DELETE:
			r = store_flags(s, set, 1);
			if (r == MAILIMAP_NO_ERROR &&
			    mailimap_has_extension(s->imap, "UIDPLUS"))
				r = mailimap_uid_expunge(s->imap, set);
			break;
		case CONFIG_AFTER_FLAG:
			r = store_flags(s, set, 0);
			break;
		case CONFIG_AFTER_KEEP:
			break;
		}
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			return r;
		g_array_set_size(s->done, 0);
	}
	return MAILIMAP_NO_ERROR;
}

/* ack_failed - why flush failed on session on (s or its twin), in
 * *cause; -1 */
static int
ack_failed(struct imap_source *s, struct imap_source *on, int r, char **cause)
{
	*cause = g_strdup_printf("%s: acknowledging messages failed: %s",
	    s->mb->host, gone(on, r) ? why(on, r) : server_says(on->imap));
	s->head.status = gone(on, r) ? gone_status(on) : EX_PROTOCOL;
	return -1;
}

/* ack_thread - GThreadFunc: carry out the twin's chunk on its session,
 * connecting it first when it has none */
static gpointer
ack_thread(gpointer data)
{
	struct imap_source *t = data;
	char               *cause = NULL;

	if (t->imap == NULL && imap_connect(t, &cause) < 0) {
		g_free(cause);
		imap_disconnect(t, 0);
		t->ack_rc = IMAP_TWIN_DOWN;
		return NULL;
	}
	t->ack_rc = flush(t);
	/* a lost session is reconnected once, as the fetching one is; the
	 * chunk's commands are carried out again (a UID that is gone
	 * already is no error) */
	if (t->ack_rc != MAILIMAP_NO_ERROR && gone(t, t->ack_rc) &&
	    reconnect(t, &cause) == 0)
		t->ack_rc = flush(t);
	g_free(cause);
	return NULL;
}

/* take_back - append the UIDs of from to to, and empty from */
static void
take_back(GArray *to, GArray *from)
{
	g_array_append_vals(to, from->data, from->len);
	g_array_set_size(from, 0);
}

/* ack_wait - wait for the chunk being carried out on the twin, if any:
 * its MAILIMAP_ code (*on: the session it failed on).  A twin that could
 * not connect hands its chunk back, to be carried out here. */
static int
ack_wait(struct imap_source *s, struct imap_source **on)
{
	struct imap_source *t = s->twin;

	*on = s;
	if (s->acking == NULL)
		return MAILIMAP_NO_ERROR;
	g_thread_join(s->acking);
	s->acking = NULL;
	if (t->ack_rc == IMAP_TWIN_DOWN) {
		s->twin_down = 1;
		take_back(s->done, t->done);
		take_back(s->quarantined, t->quarantined);
		take_back(s->review, t->review);
		return MAILIMAP_NO_ERROR;
	}
	*on = t;
	return t->ack_rc;
}

/* swap - exchange two arrays */
static void
swap(GArray **a, GArray **b)
{
	GArray *x = *a;

	*a = *b;
	*b = x;
}

/* ack_chunk - carry out the acknowledgements collected so far: on the
 * twin, in its thread, once the chunk before is done there; here when
 * there is no twin.  0, or -1 with *cause */
static int
ack_chunk(struct imap_source *s, char **cause)
{
	struct imap_source *on, *t;
	int                 r = ack_wait(s, &on);

	if (r != MAILIMAP_NO_ERROR)
		return ack_failed(s, on, r, cause);
	if (s->twin_down) {
		r = flush(s);
		return r == MAILIMAP_NO_ERROR ? 0 : ack_failed(s, s, r, cause);
	}
	if ((t = s->twin) == NULL) {
		t = s->twin = g_new0(struct imap_source, 1);
		t->mb = s->mb;
		t->uidvalidity = s->uidvalidity; /* checked on connecting */
		t->done = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		t->quarantined = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		t->review = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	}
	swap(&s->done, &t->done);
	swap(&s->quarantined, &t->quarantined);
	swap(&s->review, &t->review);
	s->acking = g_thread_new("rebound-ack", ack_thread, t);
	return 0;
}

/* twin_free - wait for the twin, log it out and free it */
static void
twin_free(struct imap_source *s)
{
	struct imap_source *on, *t = s->twin;

	(void)ack_wait(s, &on);
	if (t == NULL)
		return;
	imap_disconnect(t, 1);
	g_array_free(t->done, TRUE);
	g_array_free(t->quarantined, TRUE);
	g_array_free(t->review, TRUE);
	g_free(t->tripped);
	g_free(t);
	s->twin = NULL;
}

static int
imap_ack(struct source *head, const struct source_msg *m,
    enum source_outcome outcome, char **cause)
{
	struct imap_source *s = (struct imap_source *)head;
	uint32_t            uid = uid_of(m);

	if (uid == 0) {
		*cause = g_strdup_printf("%s: not a message of this mailbox",
		    m->name);
		return -1;
	}
	g_array_append_val(outcome == SOURCE_QUARANTINE ? s->quarantined
		: outcome == SOURCE_REVIEW && s->mb->review != NULL ? s->review
								    : s->done,
	    uid);
	/* carried out as they come, so that a run that stops half-way has
	 * acknowledged what it stored: every 1,000, or every tenth of a
	 * larger mailbox (each MOVE or EXPUNGE costs the server time in
	 * proportion to the folder: 100 of them in a folder of 100,000 took
	 * Dovecot 12 s) */
	if (s->done->len + s->quarantined->len + s->review->len >=
	    MAX(IMAP_ACK_CHUNK, s->uids->len / 10))
		return ack_chunk(s, cause);
	return 0;
}

static int
imap_commit(struct source *head, char **cause)
{
	struct imap_source *s = (struct imap_source *)head, *on;
	int                 r = ack_wait(s, &on);

	if (r != MAILIMAP_NO_ERROR)
		return ack_failed(s, on, r, cause);
	/* the rest here: this session is idle now */
	r = flush(s);
	return r == MAILIMAP_NO_ERROR ? 0 : ack_failed(s, s, r, cause);
}

static void
imap_close(struct source *head)
{
	struct imap_source *s = (struct imap_source *)head;
	struct source_msg  *m;

	twin_free(s);
	imap_disconnect(s, 1);
	while ((m = g_queue_pop_head(s->ready)) != NULL) {
		source_msg_clear(m);
		g_free(m);
	}
	g_queue_free(s->ready);
	g_array_free(s->uids, TRUE);
	g_array_free(s->done, TRUE);
	g_array_free(s->quarantined, TRUE);
	g_array_free(s->review, TRUE);
	g_free(s->tripped);
	g_free(s);
}

static const struct source_ops imap_ops = { "imap", imap_next, imap_ack,
	imap_commit, imap_close };

struct source *
source_imap_open(const struct config_mailbox *mb, char **cause, int *status)
{
	struct imap_source *s = g_new0(struct imap_source, 1);

	s->head.ops = &imap_ops;
	s->mb = mb;
	s->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	s->done = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	s->quarantined = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	s->review = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	s->ready = g_queue_new();
	if (imap_connect(s, cause) < 0 || list_uids(s, cause) < 0) {
		*status = s->head.status != 0 ? s->head.status : EX_TEMPFAIL;
		imap_close(&s->head);
		return NULL;
	}
	return &s->head;
}
