/*
 * open.c - which kind of source serves a configured mailbox: the one
 * place that knows every kind (source.h's source_open_mailbox).
 */
#include <sysexits.h>

#include <glib.h>

#include "internal.h"

struct source *
source_open_mailbox(const struct config_mailbox *mb, char **cause, int *status)
{
	*cause = NULL;
	*status = 0;
	switch (mb->proto) {
	case CONFIG_IMAP:
	case CONFIG_IMAPS:
		return source_imap_open(mb, cause, status);
	case CONFIG_POP3:
	case CONFIG_POP3S:
		return source_pop3_open(mb, cause, status);
	case CONFIG_MAILDIR:
	case CONFIG_MBOX:
		return source_local_open(mb, cause, status);
	}
	*status = EX_SOFTWARE;
	*cause = g_strdup("unknown mailbox kind");
	return NULL;
}
