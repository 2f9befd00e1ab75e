/*
 * gmime-ref.c - the GMime-only reference of the parse benchmark: what
 * reading a message and letting GMime parse it, decode every part and
 * free it costs, with no analysis at all.  rebound's parse is measured
 * against it (bench/parse-bench.sh).
 *
 * usage: gmime-ref PATH...   (files, or directories of files)
 * Prints the number of messages and decoded bytes.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

/* decode - write every leaf part's decoded content to a null stream */
static void
decode(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	gint64      *bytes = data;
	GMimeStream *null;

	if (!GMIME_IS_PART(part))
		return;
	null = g_mime_stream_null_new();
	if (g_mime_part_get_content(GMIME_PART(part)) != NULL)
		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(
							GMIME_PART(part)),
		    null);
	*bytes += (gint64)GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
}

/* one - parse one file; 1 when it was a message */
static int
one(const char *path, gint64 *bytes)
{
	char         *buf;
	gsize         len;
	GMimeStream  *s;
	GMimeParser  *p;
	GMimeMessage *m;

	if (!g_file_get_contents(path, &buf, &len, NULL))
		return 0;
	s = g_mime_stream_mem_new_with_buffer(buf, len);
	p = g_mime_parser_new_with_stream(s);
	m = g_mime_parser_construct_message(p, NULL);
	if (m != NULL) {
		g_mime_message_foreach(m, decode, bytes);
		g_object_unref(m);
	}
	g_object_unref(p);
	g_object_unref(s);
	g_free(buf);
	return m != NULL;
}

int
main(int argc, char **argv)
{
	gint64 bytes = 0;
	long   n = 0;
	int    i;

	g_mime_init();
	for (i = 1; i < argc; i++) {
		GDir       *d = g_dir_open(argv[i], 0, NULL);
		const char *name;

		if (d == NULL) {
			n += one(argv[i], &bytes);
			continue;
		}
		while ((name = g_dir_read_name(d)) != NULL) {
			char *p = g_build_filename(argv[i], name, NULL);
			n += one(p, &bytes);
			g_free(p);
		}
		g_dir_close(d);
	}
	printf("%ld messages, %lld bytes decoded\n", n, (long long)bytes);
	return 0;
}
