/*
 * test_output.c - worker/output.c's JSON rows are what json-glib writes
 * for the same object, byte for byte, whatever the bytes of the strings
 * (except 0x1f, which json-glib leaves raw and output.c escapes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-glib/json-glib.h>

#include "output.h"

/* reference - the error row json-glib writes for file and cause */
static char *
reference(const char *file, const char *cause)
{
	JsonBuilder   *b = json_builder_new();
	JsonGenerator *g = json_generator_new();
	JsonNode      *root;
	char          *s, *line;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, file);
	json_builder_set_member_name(b, "recipient");
	json_builder_add_null_value(b);
	json_builder_set_member_name(b, "class");
	json_builder_add_string_value(b, "unknown");
	json_builder_set_member_name(b, "error");
	json_builder_add_string_value(b, cause);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(g, root);
	s = json_generator_to_data(g, NULL);
	line = g_strconcat(s, "\n", NULL);
	g_free(s);
	json_node_unref(root);
	g_object_unref(g);
	g_object_unref(b);
	return line;
}

/* ours - the error row output.c writes */
static char *
ours(const char *file, const char *cause)
{
	struct output *o = output_new_buffer(OUTPUT_JSONL, 0);
	unsigned       rows;
	char          *s;

	output_error(o, file, 0, cause);
	s = output_take(o, &rows);
	output_free(o);
	return s;
}

/* every byte but NUL and 0x1f, in a value and in a file name */
static void
every_byte_as_json_glib(void **state)
{
	char text[300], *a, *b;
	int  c, k = 0;

	for (c = 1; c < 256; c++)
		if (c != 0x1f)
			text[k++] = (char)c;
	text[k] = '\0';
	a = reference(text, text);
	b = ours(text, text);
	assert_string_equal(a, b);
	g_free(a);
	g_free(b);
	a = reference("plain.eml", "550 5.1.1 <a@b>: \"quoted\" \\ back");
	b = ours("plain.eml", "550 5.1.1 <a@b>: \"quoted\" \\ back");
	assert_string_equal(a, b);
	g_free(a);
	g_free(b);
}

/* 0x1f is escaped: the row stays valid JSON */
static void
unit_separator_escaped(void **state)
{
	char *b = ours("f",
	    "a\x1f"
	    "b");

	assert_non_null(strstr(b, "\"error\":\"a\\u001fb\""));
	g_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_as_json_glib),
		cmocka_unit_test(unit_separator_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
