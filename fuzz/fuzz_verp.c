/*
 * fuzz_verp.c - libFuzzer target: the VERP decoder.  The first byte picks
 * the delimiter, the rest up to a NUL is the prefix, then the address.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *addr, *out, *list = NULL, *token = NULL;
	char  delim;

	if (size < 2)
		return 0;
	delim = (char)data[0];
	buf = g_strndup((const char *)data + 1, size - 1);
	addr = strchr(buf, '\n');
	if (addr != NULL)
		*addr++ = '\0';
	else
		addr = buf;
	out = mime_verp_decode(addr, buf, delim, &list, &token);
	g_free(out);
	g_free(list);
	g_free(token);
	g_free(buf);
	return 0;
}
