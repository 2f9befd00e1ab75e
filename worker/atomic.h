/*
 * atomic.h - write a file so that readers see the old one or the whole new
 * one, never half: a temporary file beside it, synced, then renamed.
 *
 * The whole public interface of the atomic-file helper (used by export
 * and the metrics file).
 */
#ifndef REBOUND_ATOMIC_H
#define REBOUND_ATOMIC_H

#include <stdio.h>

/* atomic_open's mode for a new file: 0666 less the umask */
#define ATOMIC_UMASK (-1)

/*
 * atomic_open - a stream for path: standard output for NULL or "-", else
 * a temporary file beside path (its name in *tmp, g_free()d by
 * atomic_close).  The file gets the mode path has, or mode when path is
 * new (ATOMIC_UMASK: as the umask allows).  NULL with errno on failure,
 * ELOOP when path is a symbolic link (never written through).
 */
FILE *atomic_open(const char *path, int mode, char **tmp);

/*
 * atomic_close - flush, sync and close; rename the temporary file to path
 * when ok and everything was written, else remove it.  0, or -1 with
 * errno.
 */
int atomic_close(FILE *f, const char *path, char *tmp, int ok);

#endif /* REBOUND_ATOMIC_H */
