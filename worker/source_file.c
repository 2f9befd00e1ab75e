/*
 * source_file.c - local sources: file, directory, Maildir, mbox, stdin;
 * and the public dispatch of source.h.
 *
 * A Maildir acknowledges messages itself: `after = move:FOLDER` renames the
 * file into the Maildir++ folder .FOLDER, `delete` unlinks it, `flag` marks
 * it seen (and seen messages are skipped), quarantine moves it to
 * .Quarantine.  The other local sources are only read.
 *
 * mbox is split here rather than with GMime's mbox mode because the worker
 * needs each message's raw bytes (for its fingerprint and for quarantine),
 * which GMime's mbox parser does not hand back.  Both mboxo and mboxrd
 * quoting are undone (">From " at a line start loses one '>').  A file
 * that starts with a "From " line is an mbox whether named alone or found
 * in a plain directory; a Maildir's files are one message each.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib.h>

#include "source.h"

#include "source_int.h"

enum source_type { SRC_LIST, SRC_MBOX, SRC_STDIN };

struct file_source {
	struct source	 head;
	enum source_type type;
	const struct config_mailbox *mb;	/* Maildir with acks, or NULL */
	GPtrArray	*pending;	/* "path\tfolder-or-empty" to do */
	size_t		 max_size;
	char		*path;
	GPtrArray	*files;		/* SRC_LIST: paths, in order */
	guint		 next;
	int		 split;	/* SRC_LIST: open mbox files as mboxes */
	GMappedFile	*map;		/* the mbox being read, or NULL */
	char		*mbox;		/* its path */
	const char	*pos, *end;
	char		 eol;		/* its line end: '\n', or '\r' when
					   it has CR-only line endings */
	unsigned	 count;
	int		 done;
};

static int file_next(struct source *, struct source_msg *, char **);
static int file_ack(struct source *, const struct source_msg *,
	    enum source_outcome, char **);
static int file_commit(struct source *, char **);
static void file_close(struct source *);

static const struct source_ops file_ops = {
	"file", file_next, file_ack, file_commit, file_close
};

void
source_msg_clear(struct source_msg *m)
{
	g_free(m->data);
	g_free(m->name);
	g_free(m->uid);
	g_free(m->error);
	memset(m, 0, sizeof(*m));
}

void
source_close(struct source *s)
{
	if (s != NULL)
		s->ops->close(s);
}

int
source_next(struct source *s, struct source_msg *m, char **cause)
{
	source_msg_clear(m);
	*cause = NULL;
	return s->ops->next(s, m, cause);
}

int
source_ack(struct source *s, const struct source_msg *m,
    enum source_outcome outcome, char **cause)
{
	*cause = NULL;
	return s->ops->ack(s, m, outcome, cause);
}

int
source_commit(struct source *s, char **cause)
{
	*cause = NULL;
	return s->ops->commit(s, cause);
}

unsigned
source_total(const struct source *s)
{
	return s->total;
}

void
source_set_skip(struct source *s, source_skip_fn fn, void *arg)
{
	s->skip = fn;
	s->skip_arg = arg;
}

int
source_skipped(struct source *s, const char *uid)
{
	return s->skip != NULL && uid != NULL && s->skip(uid, s->skip_arg);
}

int
source_status(const struct source *s)
{
	return s->status;
}

static void
file_close(struct source *head)
{
	struct file_source *s = (struct file_source *)head;

	if (s->files != NULL)
		g_ptr_array_free(s->files, TRUE);
	if (s->pending != NULL)
		g_ptr_array_free(s->pending, TRUE);
	if (s->map != NULL)
		g_mapped_file_unref(s->map);
	g_free(s->mbox);
	g_free(s->path);
	g_free(s);
}

/* cmp_path - order two char * elements of a GPtrArray */
static gint
cmp_path(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_dir - append the regular, non-hidden files of dir, sorted */
static void
list_dir(GPtrArray *out, const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	guint i;

	if (d == NULL)
		goto done;
	while ((n = g_dir_read_name(d)) != NULL) {
		char *p;
		if (n[0] == '.')
			continue;
		p = g_build_filename(dir, n, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			g_ptr_array_add(names, p);
		else
			g_free(p);
	}
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_path);
	for (i = 0; i < names->len; i++)
		g_ptr_array_add(out, g_strdup(g_ptr_array_index(names, i)));
done:
	g_ptr_array_free(names, TRUE);
}

/* is_mbox - does the file start with an mbox "From " line? */
static int
is_mbox(const char *path)
{
	char buf[5];
	FILE *f = fopen(path, "rb");
	int yes;

	if (f == NULL)
		return 0;
	yes = fread(buf, 1, 5, f) == 5 && memcmp(buf, "From ", 5) == 0;
	fclose(f);
	return yes;
}

/* map_mbox - read the mbox at path next; 0 or -1 with *cause set */
static int
map_mbox(struct file_source *s, const char *path, char **cause)
{
	GError *err = NULL;

	s->map = g_mapped_file_new(path, FALSE, &err);
	if (s->map == NULL) {
		*cause = g_strdup_printf("%s: %s", path, err->message);
		g_error_free(err);
		return -1;
	}
	g_free(s->mbox);
	s->mbox = g_strdup(path);
	s->count = 0;
	s->pos = g_mapped_file_get_contents(s->map);
	s->end = s->pos + g_mapped_file_get_length(s->map);
	/* old Mac files end lines with a lone CR: no LF in the first
	 * 64 KiB but a CR */
	{
		size_t n = MIN((size_t)(s->end - s->pos), 65536);
		s->eol = memchr(s->pos, '\n', n) == NULL &&
		    memchr(s->pos, '\r', n) != NULL ? '\r' : '\n';
	}
	return 0;
}

struct source *
source_open_path(const char *path, size_t max_size, char **cause)
{
	struct file_source *s = g_new0(struct file_source, 1);
	char *cur, *new;

	s->head.ops = &file_ops;
	s->max_size = max_size;
	s->path = g_strdup(path);
	*cause = NULL;
	if (strcmp(path, "-") == 0) {
		s->type = SRC_STDIN;
		return &s->head;
	}
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		s->type = SRC_LIST;
		s->files = g_ptr_array_new_with_free_func(g_free);
		new = g_build_filename(path, "new", NULL);
		cur = g_build_filename(path, "cur", NULL);
		if (g_file_test(new, G_FILE_TEST_IS_DIR) &&
		    g_file_test(cur, G_FILE_TEST_IS_DIR)) {
			list_dir(s->files, new);
			list_dir(s->files, cur);
		} else {
			list_dir(s->files, path);
			s->split = 1;
		}
		g_free(new);
		g_free(cur);
		s->head.total = s->files->len;
		return &s->head;
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		*cause = g_strdup_printf("%s: %s", path, g_strerror(ENOENT));
		file_close(&s->head);
		return NULL;
	}
	if (is_mbox(path)) {
		s->type = SRC_MBOX;
		if (map_mbox(s, path, cause) < 0) {
			file_close(&s->head);
			return NULL;
		}
		return &s->head;
	}
	s->type = SRC_LIST;
	s->files = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(s->files, g_strdup(path));
	return &s->head;
}

/* read_file - load one message file into m, bounded by max */
static void
read_file(const char *path, size_t max, struct source_msg *m)
{
	GError *err = NULL;
	struct stat st;
	gsize len;

	m->name = g_strdup(path);
	if (stat(path, &st) == 0 && (size_t)st.st_size > max) {
		m->error = g_strdup_printf("message too large (%lld bytes, "
		    "limit %zu)", (long long)st.st_size, max);
		return;
	}
	if (!g_file_get_contents(path, &m->data, &len, &err)) {
		m->error = g_strdup(err->message);
		g_error_free(err);
		return;
	}
	m->len = len;
}

/* read_stdin - load standard input into m, bounded by max */
static int
read_stdin(size_t max, struct source_msg *m, char **cause)
{
	GString *buf = g_string_new(NULL);
	char chunk[65536];
	size_t n;

	m->name = g_strdup("-");
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (buf->len + n > max) {
			m->error = g_strdup_printf("message too large (over %zu "
			    "bytes)", max);
			g_string_free(buf, TRUE);
			return 1;
		}
		g_string_append_len(buf, chunk, (gssize)n);
	}
	if (ferror(stdin)) {
		*cause = g_strdup_printf("standard input: %s", g_strerror(errno));
		g_string_free(buf, TRUE);
		return -1;
	}
	m->len = buf->len;
	m->data = g_string_free(buf, FALSE);
	return 1;
}

/* from_line - does the line at p (before end) separate two messages of an
 * mbox: "From SENDER DATE", the date in ctime form ("Mon Nov  2 ...") or
 * starting with a digit?  A body line that merely starts with "From " (an
 * unquoted "From the desk of ...", as in a saved .eml) does not. */
static int
from_line(const char *p, const char *end)
{
	static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };
	size_t i;

	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	p += 5;
	while (p < end && *p != ' ' && *p != '\n' && *p != '\r') /* sender */
		p++;
	while (p < end && *p == ' ')
		p++;
	if (p < end && g_ascii_isdigit(*p))
		return 1;
	for (i = 0; i < G_N_ELEMENTS(days); i++)
		if (end - p > 3 && memcmp(p, days[i], 3) == 0 &&
		    (p[3] == ' ' || p[3] == ','))
			return 1;
	return 0;
}

/* next_mbox - cut the next message out of the mapped mbox */
static int
next_mbox(struct file_source *s, struct source_msg *m)
{
	const char *start, *p, *stop;
	GString *body;

	if (s->pos >= s->end)
		return 0;
	/* skip the "From " separator line */
	start = memchr(s->pos, s->eol, (size_t)(s->end - s->pos));
	start = start != NULL ? start + 1 : s->end;
	/* the message runs to the next separator line */
	for (p = start; p < s->end; p++) {
		p = memchr(p, s->eol, (size_t)(s->end - p));
		if (p == NULL) {
			p = s->end;
			break;
		}
		if (from_line(p + 1, s->end)) {
			p++;
			break;
		}
	}
	stop = p > s->end ? s->end : p;
	s->pos = stop;
	s->count++;
	m->name = g_strdup_printf("%s:%u", s->mbox, s->count);
	m->seq = s->count;
	if ((size_t)(stop - start) > s->max_size) {
		m->error = g_strdup_printf("message too large (%zu bytes, limit "
		    "%zu)", (size_t)(stop - start), s->max_size);
		return 1;
	}
	body = g_string_sized_new((gsize)(stop - start) + 1);
	for (p = start; p < stop;) {
		const char *eol = memchr(p, s->eol, (size_t)(stop - p));
		const char *q = p;
		eol = eol != NULL ? eol + 1 : stop;
		while (q < eol && *q == '>')
			q++;
		if (q > p && eol - q >= 5 && memcmp(q, "From ", 5) == 0)
			p++;	/* unquote one level */
		g_string_append_len(body, p, eol - p);
		p = eol;
	}
	m->len = body->len;
	m->data = g_string_free(body, FALSE);
	return 1;
}

/* skipped_file - does the caller's skip function say path is done? */
static int
skipped_file(struct file_source *s, const char *path)
{
	char *base;
	int yes;

	if (s->head.skip == NULL)
		return 0;
	base = g_path_get_basename(path);
	yes = source_skipped(&s->head, base);
	g_free(base);
	return yes;
}

/* seen - does a Maildir file name carry the S (seen) flag? */
static int
seen(const char *path)
{
	const char *info = strstr(path, ":2,");

	return info != NULL && strchr(info + 3, 'S') != NULL;
}

static int
file_next(struct source *head, struct source_msg *m, char **cause)
{
	struct file_source *s = (struct file_source *)head;
	const char *path;

	switch (s->type) {
	case SRC_STDIN:
		if (s->done)
			return 0;
		s->done = 1;
		return read_stdin(s->max_size, m, cause);
	case SRC_MBOX:
		return next_mbox(s, m);
	case SRC_LIST:
		if (s->map != NULL) {
			/* inside an mbox of the directory */
			if (next_mbox(s, m) == 1)
				return 1;
			g_mapped_file_unref(s->map);
			s->map = NULL;
		}
		/* with after = flag, messages already flagged are done */
		while (s->next < s->files->len && ((s->mb != NULL &&
		    s->mb->after == CONFIG_AFTER_FLAG &&
		    seen(g_ptr_array_index(s->files, s->next))) ||
		    skipped_file(s, g_ptr_array_index(s->files, s->next))))
			s->next++;
		if (s->next >= s->files->len ||
		    (s->mb != NULL && s->mb->max_messages > 0 &&
		    s->next >= s->mb->max_messages))
			return 0;
		path = g_ptr_array_index(s->files, s->next++);
		if (s->split && is_mbox(path)) {
			char *why = NULL;
			if (map_mbox(s, path, &why) == 0)
				return file_next(head, m, cause);
			/* unreadable: a row that says so, as for a file */
			m->name = g_strdup(path);
			m->error = why;
			return 1;
		}
		read_file(path, s->max_size, m);
		m->uid = g_path_get_basename(m->name);
		return 1;
	}
	return 0;
}

static int
file_ack(struct source *head, const struct source_msg *m,
    enum source_outcome outcome, char **cause)
{
	struct file_source *s = (struct file_source *)head;
	const char *folder = "";

	if (s->mb == NULL)
		return 0;		/* plain files, mbox, stdin: read only */
	if (outcome == SOURCE_QUARANTINE)
		folder = s->mb->quarantine != NULL ? s->mb->quarantine :
		    "Quarantine";
	else if (s->mb->after == CONFIG_AFTER_KEEP)
		return 0;
	else if (s->mb->after == CONFIG_AFTER_MOVE)
		folder = s->mb->after_folder;
	else if (s->mb->after == CONFIG_AFTER_FLAG)
		folder = "\tflag";
	else
		folder = "\tdelete";
	g_ptr_array_add(s->pending, g_strdup_printf("%s\t%s", m->name, folder));
	return 0;
}

/* maildir_folder - make DIR/.NAME/{cur,new,tmp}; its cur/, or NULL */
static char *
maildir_folder(const char *dir, const char *name, char **cause)
{
	static const char *subs[] = { "cur", "new", "tmp" };
	char *base = g_strdup_printf("%s/.%s", dir, name), *d;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		d = g_build_filename(base, subs[i], NULL);
		if (g_mkdir_with_parents(d, 0700) != 0) {
			*cause = g_strdup_printf("%s: %s", d, g_strerror(errno));
			g_free(d);
			g_free(base);
			return NULL;
		}
		g_free(d);
	}
	d = g_build_filename(base, "cur", NULL);
	g_free(base);
	return d;
}

static int
file_commit(struct source *head, char **cause)
{
	struct file_source *s = (struct file_source *)head;
	guint i;
	int rc = 0;

	for (i = 0; s->pending != NULL && i < s->pending->len && rc == 0; i++) {
		char **f = g_strsplit(g_ptr_array_index(s->pending, i), "\t", 3);
		const char *path = f[0];
		char *base = g_path_get_basename(path), *to = NULL, *dir;

		if (f[1] != NULL && f[1][0] == '\0' && f[2] != NULL &&
		    strcmp(f[2], "delete") == 0) {
			if (unlink(path) != 0 && errno != ENOENT)
				rc = -1;
		} else if (f[1] != NULL && f[1][0] == '\0') {
			/* flag: seen, in cur/ */
			char *info = strstr(base, ":2,");
			char *name = info != NULL ? g_strndup(base, (gsize)(info -
			    base)) : g_strdup(base);
			to = g_strdup_printf("%s/cur/%s:2,S", s->path, name);
			g_free(name);
		} else if ((dir = maildir_folder(s->path, f[1], cause)) != NULL) {
			to = g_build_filename(dir, base, NULL);
			g_free(dir);
		} else
			rc = -1;
		if (to != NULL && rename(path, to) != 0 && errno != ENOENT)
			rc = -1;
		if (rc != 0 && *cause == NULL)
			*cause = g_strdup_printf("%s: %s", path, g_strerror(errno));
		g_free(to);
		g_free(base);
		g_strfreev(f);
	}
	if (s->pending != NULL)
		g_ptr_array_set_size(s->pending, 0);
	if (rc != 0)
		head->status = EX_IOERR;
	return rc;
}

/* maildir_open - a configured Maildir (or mbox) mailbox */
static struct source *
maildir_open(const struct config_mailbox *mb, char **cause, int *status)
{
	struct source *head = source_open_path(mb->folder, mb->max_message_size,
	    cause);
	struct file_source *s = (struct file_source *)head;
	char *cur;

	if (head == NULL) {
		*status = EX_NOINPUT;
		return NULL;
	}
	if (mb->proto == CONFIG_MAILDIR) {
		cur = g_build_filename(mb->folder, "cur", NULL);
		if (!g_file_test(cur, G_FILE_TEST_IS_DIR)) {
			*cause = g_strdup_printf("%s: not a Maildir (no cur/)",
			    mb->folder);
			*status = EX_NOINPUT;
			g_free(cur);
			file_close(head);
			return NULL;
		}
		g_free(cur);
		s->mb = mb;
		s->pending = g_ptr_array_new_with_free_func(g_free);
	}
	return head;
}

struct source *
source_open_mailbox(const struct config_mailbox *mb, char **cause,
    int *status)
{
	*cause = NULL;
	*status = 0;
	switch (mb->proto) {
	case CONFIG_IMAP:
	case CONFIG_IMAPS:
		return source_imap_open(mb, cause, status);
	case CONFIG_POP3:
	case CONFIG_POP3S:
		return source_pop3_open(mb, cause, status);
	case CONFIG_MAILDIR:
	case CONFIG_MBOX:
		return maildir_open(mb, cause, status);
	}
	*status = EX_SOFTWARE;
	*cause = g_strdup("unknown mailbox kind");
	return NULL;
}
