/*
 * atomic.c - replace a file in one rename.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "atomic.h"

FILE *
atomic_open(const char *path, int mode, char **tmp)
{
	struct stat st;
	char       *dir, *base;
	int         fd;
	mode_t      mask;
	FILE       *f;

	*tmp = NULL;
	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			errno = ELOOP; /* never write through a link */
			return NULL;
		}
		mode = (int)(st.st_mode & 07777); /* as the operator set it */
	} else if (mode == ATOMIC_UMASK) {
		mask = umask(0);
		umask(mask);
		mode = (int)(0666 & ~mask);
	}
	dir = g_path_get_dirname(path);
	base = g_path_get_basename(path);
	/* a dot file: collectors reading *.prom or *.txt skip it */
	*tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	g_free(dir);
	g_free(base);
	if ((fd = g_mkstemp_full(*tmp, O_WRONLY, 0600)) < 0) {
		g_free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	/* the mode exactly (the umask left out of it) */
	if (fchmod(fd, (mode_t)mode) != 0) {
		int e = errno;
		close(fd);
		g_unlink(*tmp);
		g_free(*tmp);
		*tmp = NULL;
		errno = e;
		return NULL;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		int e = errno;
		close(fd);
		g_unlink(*tmp);
		g_free(*tmp);
		*tmp = NULL;
		errno = e;
	}
	return f;
}

int
atomic_close(FILE *f, const char *path, char *tmp, int ok)
{
	int rc = 0, e = 0;

	if (fflush(f) != 0 || ferror(f)) {
		rc = -1;
		e = errno != 0 ? errno : EIO;
	}
	if (tmp == NULL) {
		errno = e;
		return rc;
	}
	if (rc == 0 && fsync(fileno(f)) != 0) {
		rc = -1;
		e = errno;
	}
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && ok && rename(tmp, path) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0 || !ok)
		g_unlink(tmp);
	g_free(tmp);
	errno = e;
	return rc;
}
