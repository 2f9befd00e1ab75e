/*
 * source_file.c - local sources: file, directory, Maildir, mbox, stdin.
 *
 * mbox is split here rather than with GMime's mbox mode because the worker
 * needs each message's raw bytes (for its fingerprint and for quarantine),
 * which GMime's mbox parser does not hand back.  Both mboxo and mboxrd
 * quoting are undone (">From " at a line start loses one '>').
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "source.h"

enum source_type { SRC_FILE, SRC_LIST, SRC_MBOX, SRC_STDIN };

struct source {
	enum source_type type;
	size_t		 max_size;
	char		*path;
	GPtrArray	*files;		/* SRC_LIST: paths, in order */
	guint		 next;
	GMappedFile	*map;		/* SRC_MBOX */
	const char	*pos, *end;
	unsigned	 count;
	int		 done;
};

void
source_msg_clear(struct source_msg *m)
{
	g_free(m->data);
	g_free(m->name);
	g_free(m->error);
	memset(m, 0, sizeof(*m));
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	if (s->files != NULL)
		g_ptr_array_free(s->files, TRUE);
	if (s->map != NULL)
		g_mapped_file_unref(s->map);
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

struct source *
source_open_path(const char *path, size_t max_size, char **cause)
{
	struct source *s = g_new0(struct source, 1);
	GError *err = NULL;
	char *cur, *new;

	s->max_size = max_size;
	s->path = g_strdup(path);
	*cause = NULL;
	if (strcmp(path, "-") == 0) {
		s->type = SRC_STDIN;
		return s;
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
		} else
			list_dir(s->files, path);
		g_free(new);
		g_free(cur);
		return s;
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		*cause = g_strdup_printf("%s: %s", path, g_strerror(ENOENT));
		source_close(s);
		return NULL;
	}
	if (is_mbox(path)) {
		s->type = SRC_MBOX;
		s->map = g_mapped_file_new(path, FALSE, &err);
		if (s->map == NULL) {
			*cause = g_strdup_printf("%s: %s", path, err->message);
			g_error_free(err);
			source_close(s);
			return NULL;
		}
		s->pos = g_mapped_file_get_contents(s->map);
		s->end = s->pos + g_mapped_file_get_length(s->map);
		return s;
	}
	s->type = SRC_LIST;
	s->files = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(s->files, g_strdup(path));
	return s;
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

/* next_mbox - cut the next message out of the mapped mbox */
static int
next_mbox(struct source *s, struct source_msg *m)
{
	const char *start, *p, *stop;
	GString *body;

	if (s->pos >= s->end)
		return 0;
	/* skip the "From " separator line */
	start = memchr(s->pos, '\n', (size_t)(s->end - s->pos));
	start = start != NULL ? start + 1 : s->end;
	/* the message runs to the next "\nFrom " */
	for (p = start; p < s->end; p++) {
		p = memchr(p, '\n', (size_t)(s->end - p));
		if (p == NULL) {
			p = s->end;
			break;
		}
		if (s->end - p > 5 && memcmp(p + 1, "From ", 5) == 0) {
			p++;
			break;
		}
	}
	stop = p > s->end ? s->end : p;
	s->pos = stop;
	s->count++;
	m->name = g_strdup_printf("%s:%u", s->path, s->count);
	if ((size_t)(stop - start) > s->max_size) {
		m->error = g_strdup_printf("message too large (%zu bytes, limit "
		    "%zu)", (size_t)(stop - start), s->max_size);
		return 1;
	}
	body = g_string_sized_new((gsize)(stop - start) + 1);
	for (p = start; p < stop;) {
		const char *eol = memchr(p, '\n', (size_t)(stop - p));
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

int
source_next(struct source *s, struct source_msg *m, char **cause)
{
	source_msg_clear(m);
	*cause = NULL;
	switch (s->type) {
	case SRC_STDIN:
		if (s->done)
			return 0;
		s->done = 1;
		return read_stdin(s->max_size, m, cause);
	case SRC_MBOX:
		return next_mbox(s, m);
	case SRC_LIST:
	case SRC_FILE:
		if (s->next >= s->files->len)
			return 0;
		read_file(g_ptr_array_index(s->files, s->next++), s->max_size, m);
		return 1;
	}
	return 0;
}
