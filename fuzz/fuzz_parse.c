/*
 * fuzz_parse.c - libFuzzer target: the whole parse path of one message,
 * from raw bytes through GMime, the DSN and text scanners, to the
 * classifier, as `rebound parse` runs it.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "mime.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mime_options opts = { .verp_prefix = "bounces",
		.verp_delim = '+',
		.list_header = "X-List" };
	struct mime_report              *r;
	struct verdict_row              *rows;
	char                            *cause = NULL;
	size_t                           n;

	mime_init();
	r = mime_parse((const char *)data, size, &opts, &cause);
	if (r == NULL) {
		g_free(cause);
		return 0;
	}
	rows = verdict_rows(r, &n);
	g_free(rows);
	mime_report_free(r);
	return 0;
}
