/*
 * deliver.c - the outbox after COMMIT: what the list manager must hear of
 * goes to each [notify NAME] connector, oldest first and in order per
 * address, one deliverer at a time; `rebound run` ends with it, `rebound
 * deliver` does only this.
 */
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "commands.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "notify.h"

/* How many notifications one query hands out. */
#define DELIVER_BATCH 200
/* The longest wait between two attempts, in seconds (6 hours). */
#define DELIVER_MAX_WAIT 21600

void
cmd_outbox_setup(struct config *cfg, struct db *db)
{
	size_t                      n, i;
	const struct config_notify *c = config_notifiers(cfg, &n);
	struct db_notifier         *w = g_new0(struct db_notifier, n + 1);
	GPtrArray *own = g_ptr_array_new_with_free_func(g_free);

	for (i = 0; i < n; i++) {
		w[i].name = c[i].name;
		w[i].events = c[i].events;
		if (c[i].lists != NULL) {
			/* by canonical name, as the outbox stores lists */
			char   **names = g_strsplit_set(c[i].lists, " ,\t", -1);
			GString *s = g_string_new(NULL);
			for (char **p = names; *p != NULL; p++)
				if (**p != '\0')
					g_string_append_printf(s, "%s%s",
					    s->len > 0 ? "," : "",
					    config_list_name(cfg, *p));
			g_strfreev(names);
			w[i].lists = g_string_free(s, FALSE);
			g_ptr_array_add(own, (char *)w[i].lists);
		}
	}
	db_set_notifiers(db, w, n);
	g_ptr_array_free(own, TRUE);
	g_free(w);
}

/* backoff - seconds before attempt number `attempts` + 1: a minute,
 * doubling, at most DELIVER_MAX_WAIT */
static unsigned
backoff(unsigned attempts)
{
	return attempts >= 9 ? DELIVER_MAX_WAIT
			     : MIN(60u << attempts, DELIVER_MAX_WAIT);
}

int
cmd_outbox_deliver(struct config *cfg, struct db *db, struct cmd_delivered *t)
{
	size_t                      nc, i;
	const struct config_notify *conf = config_notifiers(cfg, &nc);
	struct notify             **conn;
	GHashTable                 *down, *seen;
	char                       *cause = NULL;
	int                         got = 0, status = EX_OK, more = 1;

	memset(t, 0, sizeof(*t));
	if (nc == 0)
		return EX_OK;
	if (db_outbox_lock(db, &got, &cause) < 0) {
		log_warn("outbox: %s; its notifications wait for the next "
			 "run",
		    cause);
		g_free(cause);
		return EX_TEMPFAIL;
	}
	if (!got) {
		log_info("outbox: another rebound is delivering");
		return EX_OK;
	}
	conn = g_new0(struct notify *, nc);
	down = g_hash_table_new(g_str_hash, g_str_equal);
	/* what was counted as waiting: a later query hands it out again */
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < nc; i++)
		if ((conn[i] = notify_open(&conf[i], &cause)) == NULL) {
			log_warn("[notify %s]: %s", conf[i].name, cause);
			g_free(cause);
			cause = NULL;
			g_hash_table_add(down, conf[i].name);
		}
	while (more) {
		GArray *notes = NULL;
		guint   k;

		if (db_outbox_due(db, DELIVER_BATCH, &notes, &cause) < 0) {
			log_warn("outbox: %s", cause);
			g_free(cause);
			status = EX_TEMPFAIL;
			break;
		}
		more = 0;
		for (k = 0; k < notes->len; k++) {
			struct db_note *n =
			    &g_array_index(notes, struct db_note, k);
			struct notify_msg  m = { n->key, n->event, n->address,
				 n->list, config_list_address(cfg, n->list),
				 n->body };
			enum notify_result r;
			enum db_delivery   how;
			char              *error = NULL;

			for (i = 0; i < nc; i++)
				if (strcmp(conf[i].name, n->connector) == 0)
					break;
			if (i == nc ||
			    g_hash_table_contains(down, conf[i].name)) {
				/* a connector no longer configured (kept for
				 * when it is again), or one that failed */
				if (g_hash_table_add(seen, g_strdup(n->id)))
					t->waiting++;
				continue;
			}
			r = notify_send(conn[i], &m, &error);
			how = r == NOTIFY_DELIVERED ? DB_DELIVERED
			    : r == NOTIFY_RETRY     ? DB_RETRY
						    : DB_REFUSED;
			if (db_outbox_mark(db, n->id, how, error,
				backoff(n->attempts), &cause) < 0) {
				log_warn("outbox: %s", cause);
				g_free(cause);
				cause = NULL;
				g_free(error);
				status = EX_TEMPFAIL;
				more = 0;
				break;
			}
			if (r == NOTIFY_DELIVERED) {
				t->delivered++;
				more = 1; /* the address's next one is due */
				if (error != NULL)
					log_msg(G_LOG_LEVEL_WARNING, NULL, NULL,
					    n->address, NULL,
					    "[notify %s] %s %s: %s",
					    conf[i].name, n->event, n->address,
					    error);
				else
					log_debug("[notify %s] %s %s%s%s: "
						  "delivered",
					    conf[i].name, n->event, n->address,
					    n->list != NULL ? " on " : "",
					    n->list != NULL ? n->list : "");
			} else if (r == NOTIFY_RETRY) {
				/* the rest of this connector waits for the
				 * next run: one timeout, not hundreds */
				t->waiting++;
				g_hash_table_add(down, conf[i].name);
				log_msg(G_LOG_LEVEL_WARNING, NULL, NULL,
				    n->address, NULL,
				    "[notify %s] %s %s: %s; tried again in "
				    "%u s",
				    conf[i].name, n->event, n->address, error,
				    backoff(n->attempts));
			} else {
				t->refused++;
				more = 1;
				log_msg(G_LOG_LEVEL_WARNING, NULL, NULL,
				    n->address, NULL,
				    "[notify %s] %s %s: refused for good: %s "
				    "(rebound deliver --requeue sends it "
				    "again once that is fixed)",
				    conf[i].name, n->event, n->address, error);
			}
			g_free(error);
		}
		db_notes_free(notes);
	}
	for (i = 0; i < nc; i++)
		notify_close(conn[i]);
	g_free(conn);
	g_hash_table_destroy(down);
	g_hash_table_destroy(seen);
	db_outbox_unlock(db);
	if (t->delivered + t->waiting + t->refused > 0)
		log_info("outbox: %u delivered, %u waiting, %u refused",
		    t->delivered, t->waiting, t->refused);
	return status;
}
