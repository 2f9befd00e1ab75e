/*
 * fuzz_fields.c - libFuzzer target: the RFC 3464 field-group parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
field(int group, const char *name, const char *value, void *arg)
{
	size_t *total = arg;

	*total += (size_t)group + strlen(name) + strlen(value);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;

	mime_fields_parse((const char *)data, size, field, &total);
	return 0;
}
