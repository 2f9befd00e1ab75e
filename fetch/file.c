/*
 * file.c - the local sources: a file, a directory, a Maildir, an mbox
 * (cut by mbox.c), standard input.
 *
 * A Maildir acknowledges messages itself: `after = move:FOLDER` renames the
 * file into the Maildir++ folder .FOLDER, `delete` unlinks it, `flag` marks
 * it seen (and seen messages are skipped), quarantine moves it to
 * .Quarantine.  The other local sources are only read.
 *
 * A file
 * that starts with a "From " line is an mbox whether named alone or found
 * in a plain directory; a Maildir's files are one message each.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib.h>

#include "source.h"

#include "internal.h"

enum source_type { SRC_LIST, SRC_MBOX, SRC_STDIN };

struct file_source {
	struct source                head;
	enum source_type             type;
	const struct config_mailbox *mb; /* Maildir with acks, or NULL */
	GPtrArray  *pending;             /* "path\tfolder-or-empty" to do */
	size_t      max_size;
	char       *path;
	GPtrArray  *files; /* SRC_LIST: paths, in order */
	guint       next;
	int         split; /* SRC_LIST: open mbox files as mboxes */
	struct mbox mbox;  /* the mbox being read (map NULL:
					   none) */
	int         done;
};

static int  file_next(struct source *, struct source_msg *, char **);
static int  file_ack(struct source *, const struct source_msg *,
     enum source_outcome, char **);
static int  file_commit(struct source *, char **);
static void file_close(struct source *);

static const struct source_ops file_ops = { "file", file_next, file_ack,
	file_commit, file_close };

static void
file_close(struct source *head)
{
	struct file_source *s = (struct file_source *)head;

	if (s->files != NULL)
		g_ptr_array_free(s->files, TRUE);
	if (s->pending != NULL)
		g_ptr_array_free(s->pending, TRUE);
	mbox_close(&s->mbox);
	g_free(s->path);
	g_free(s);
}

/* cmp_path - order two char * elements of a GPtrArray */
static gint
cmp_path(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_dir - append the regular, non-hidden files of dir, sorted.
 * readdir() rather than GDir: its d_type says which entries are regular
 * files without a stat() of each (only file systems that leave d_type
 * unknown get one) */
static void
list_dir(GPtrArray *out, const char *dir)
{
	DIR           *d = opendir(dir);
	GPtrArray     *names = g_ptr_array_new_with_free_func(g_free);
	struct dirent *e;
	guint          i;

	if (d == NULL)
		goto done;
	while ((e = readdir(d)) != NULL) {
		char *p;
		if (e->d_name[0] == '.')
			continue;
		p = g_build_filename(dir, e->d_name, NULL);
		if (e->d_type == DT_REG ||
		    ((e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) &&
			g_file_test(p, G_FILE_TEST_IS_REGULAR)))
			g_ptr_array_add(names, p);
		else
			g_free(p);
	}
	closedir(d);
	g_ptr_array_sort(names, cmp_path);
	for (i = 0; i < names->len; i++)
		g_ptr_array_add(out, g_strdup(g_ptr_array_index(names, i)));
done:
	g_ptr_array_free(names, TRUE);
}

struct source *
source_open_path(const char *path, size_t max_size, char **cause)
{
	struct file_source *s = g_new0(struct file_source, 1);
	char               *cur, *new;

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
	if (mbox_is(path)) {
		s->type = SRC_MBOX;
		if (mbox_open(&s->mbox, path, cause) < 0) {
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
	GError     *err = NULL;
	struct stat st;
	gsize       len;

	m->name = g_strdup(path);
	if (stat(path, &st) == 0 && (size_t)st.st_size > max) {
		m->error =
		    source_too_large((unsigned long long)st.st_size, max);
		return;
	}
	if (!g_file_get_contents(path, &m->data, &len, &err)) {
		m->error = g_strdup(err->message);
		g_error_free(err);
		return;
	}
	m->len = len;
}

/* load_file - the common case in one open: path, a regular file, read
 * whole into m (or, when larger than max, m->error set).  0 when split
 * and the file is an mbox (it starts with "From "), 1 when m is filled,
 * -1 when it could not be opened or read: the caller goes the long way,
 * mbox_is() and read_file(), whose error messages the rows keep. */
static int
load_file(const char *path, size_t max, int split, struct source_msg *m)
{
	struct stat st;
	char        head[5], *buf;
	size_t      got = 0;
	ssize_t     n;
	int         fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto slow;
	if ((size_t)st.st_size > max) {
		if (split && pread(fd, head, 5, 0) == 5 &&
		    memcmp(head, "From ", 5) == 0) {
			close(fd);
			return 0; /* an mbox: its messages are bounded */
		}
		m->name = g_strdup(path);
		m->error =
		    source_too_large((unsigned long long)st.st_size, max);
		close(fd);
		return 1;
	}
	buf = g_malloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_free(buf);
			goto slow;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (split && got >= 5 && memcmp(buf, "From ", 5) == 0) {
		g_free(buf);
		return 0;
	}
	m->name = g_strdup(path);
	m->data = buf;
	m->len = got;
	return 1;
slow:
	close(fd);
	return -1;
}

/* read_stdin - load standard input into m, bounded by max */
static int
read_stdin(size_t max, struct source_msg *m, char **cause)
{
	GString *buf = g_string_new(NULL);
	char     chunk[65536];
	size_t   n;

	m->name = g_strdup("-");
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (buf->len + n > max) {
			m->error =
			    g_strdup_printf("message too large (over %zu "
					    "bytes)",
				max);
			g_string_free(buf, TRUE);
			return 1;
		}
		g_string_append_len(buf, chunk, (gssize)n);
	}
	if (ferror(stdin)) {
		*cause =
		    g_strdup_printf("standard input: %s", g_strerror(errno));
		g_string_free(buf, TRUE);
		return -1;
	}
	m->len = buf->len;
	m->data = g_string_free(buf, FALSE);
	return 1;
}

/* skipped_file - does the caller's skip function say path is done? */
static int
skipped_file(struct file_source *s, const char *path)
{
	char *base;
	int   yes;

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
	const char         *path;
	int                 loaded;

	switch (s->type) {
	case SRC_STDIN:
		if (s->done)
			return 0;
		s->done = 1;
		return read_stdin(s->max_size, m, cause);
	case SRC_MBOX:
		return mbox_next(&s->mbox, s->max_size, m);
	case SRC_LIST:
		if (s->mbox.map != NULL) {
			/* inside an mbox of the directory */
			if (mbox_next(&s->mbox, s->max_size, m) == 1)
				return 1;
			mbox_close(&s->mbox);
		}
		/* with after = flag, messages already flagged are done */
		while (s->next < s->files->len &&
		    ((s->mb != NULL && s->mb->after == CONFIG_AFTER_FLAG &&
			 seen(g_ptr_array_index(s->files, s->next))) ||
			skipped_file(s, g_ptr_array_index(s->files, s->next))))
			s->next++;
		if (s->next >= s->files->len ||
		    (s->mb != NULL && s->mb->max_messages > 0 &&
			s->next >= s->mb->max_messages))
			return 0;
		path = g_ptr_array_index(s->files, s->next++);
		if ((loaded = load_file(path, s->max_size, s->split, m)) == 1) {
			m->uid = g_path_get_basename(m->name);
			return 1;
		}
		if (s->split && (loaded == 0 || mbox_is(path))) {
			char *why = NULL;
			if (mbox_open(&s->mbox, path, &why) == 0)
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
	const char         *folder = "";

	if (s->mb == NULL)
		return 0; /* plain files, mbox, stdin: read only */
	if (outcome == SOURCE_QUARANTINE)
		folder = s->mb->quarantine != NULL ? s->mb->quarantine
						   : "Quarantine";
	else if (outcome == SOURCE_REVIEW && s->mb->review != NULL)
		folder = s->mb->review;
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
	char              *base = g_strdup_printf("%s/.%s", dir, name), *d;
	size_t             i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		d = g_build_filename(base, subs[i], NULL);
		if (g_mkdir_with_parents(d, 0700) != 0) {
			*cause =
			    g_strdup_printf("%s: %s", d, g_strerror(errno));
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
	guint               i;
	int                 rc = 0;

	for (i = 0; s->pending != NULL && i < s->pending->len && rc == 0; i++) {
		char **f =
		    g_strsplit(g_ptr_array_index(s->pending, i), "\t", 3);
		const char *path = f[0];
		char       *base = g_path_get_basename(path), *to = NULL, *dir;

		if (f[1] != NULL && f[1][0] == '\0' && f[2] != NULL &&
		    strcmp(f[2], "delete") == 0) {
			if (unlink(path) != 0 && errno != ENOENT)
				rc = -1;
		} else if (f[1] != NULL && f[1][0] == '\0') {
			/* flag: seen, in cur/ */
			char *info = strstr(base, ":2,");
			char *name = info != NULL
			    ? g_strndup(base, (gsize)(info - base))
			    : g_strdup(base);
			to = g_strdup_printf("%s/cur/%s:2,S", s->path, name);
			g_free(name);
		} else if ((dir = maildir_folder(s->path, f[1], cause)) !=
		    NULL) {
			to = g_build_filename(dir, base, NULL);
			g_free(dir);
		} else
			rc = -1;
		if (to != NULL && rename(path, to) != 0 && errno != ENOENT)
			rc = -1;
		if (rc != 0 && *cause == NULL)
			*cause =
			    g_strdup_printf("%s: %s", path, g_strerror(errno));
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

struct source *
source_local_open(const struct config_mailbox *mb, char **cause, int *status)
{
	struct source *head =
	    source_open_path(mb->folder, mb->max_message_size, cause);
	struct file_source *s = (struct file_source *)head;
	char               *cur;

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
