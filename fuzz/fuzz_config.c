/*
 * fuzz_config.c - libFuzzer target: the configuration file loader.  The
 * input is written to a temporary file (config_load reads a path, and
 * reads it again for line numbers) and loaded, mailboxes included.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* quiet - the loader's warnings (tls_verify = no, ...) are expected here */
static GLogWriterOutput
quiet(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
	return G_LOG_WRITER_HANDLED;
}

static char *path; /* the configuration file each input is written to */

/* remove_path - at exit: leave no file behind in the temporary directory */
static void
remove_path(void)
{
	if (path != NULL)
		unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	char          *cause = NULL;
	int            status = 0;

	if (path == NULL) {
		int fd =
		    g_file_open_tmp("rebound-fuzz-XXXXXX.conf", &path, NULL);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_path);
		g_log_set_writer_func(quiet, NULL, NULL);
	}
	if (!g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
		return 0;
	c = config_load(path, 0, &cause, &status);
	if (c != NULL) {
		size_t n;
		config_mailboxes(c, &n);
		config_policy(c, "news");
		config_hooks(c);
	} else if (cause == NULL || status == 0)
		abort(); /* a refusal always says why, with a status */
	g_free(cause);
	config_free(c);
	return 0;
}
