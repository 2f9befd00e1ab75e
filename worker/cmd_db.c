/*
 * cmd_db.c - `rebound db migrate`: bring the database schema up to date.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "commands.h"
#include "config.h"
#include "db.h"
#include "log.h"

/* sql_dir - where the migrations are: --sql-dir, $REBOUND_SQLDIR, the
 * installed copy, else the source tree this binary was built from */
static const char *
sql_dir(const char *given)
{
	if (given != NULL)
		return given;
	if (g_getenv("REBOUND_SQLDIR") != NULL)
		return g_getenv("REBOUND_SQLDIR");
	if (g_file_test(REBOUND_DATA_SQLDIR, G_FILE_TEST_IS_DIR))
		return REBOUND_DATA_SQLDIR;
	return REBOUND_SRC_SQLDIR;
}

/* settings_of - the [database] timeouts and schema of cfg, for
 * db_open() */
static struct db_settings
settings_of(struct config *cfg)
{
	const struct config_timeouts *c = config_db_timeouts(cfg);
	struct db_settings            t = { c->connect, c->statement, c->lock,
			   config_db_schema(cfg) };

	return t;
}

struct db *
cmd_open_db(struct config *cfg, int *status)
{
	struct db         *db;
	char              *cause = NULL;
	int                version = 0;
	struct db_settings t = settings_of(cfg);

	if (config_conninfo(cfg) == NULL) {
		log_error("no [database] conninfo in the "
			  "configuration");
		*status = EX_CONFIG;
		return NULL;
	}
	if ((db = db_open(config_conninfo(cfg), &t, &cause, status)) == NULL) {
		log_error("%s", cause);
		g_free(cause);
		return NULL;
	}
	if (db_schema_version(db, &version, &cause) < 0 ||
	    version < DB_SCHEMA_VERSION) {
		if (cause != NULL)
			log_error("%s", cause);
		else
			log_error("the database schema is version %d, this "
				  "rebound needs %d: run rebound db migrate",
			    version, DB_SCHEMA_VERSION);
		*status = cause != NULL ? db_status(db) : EX_CONFIG;
		g_free(cause);
		db_close(db);
		return NULL;
	}
	return db;
}

int
cmd_db(int argc, char **argv)
{
	char *config_path = NULL, *sqldir = NULL, *cause = NULL;
	/* clang-format off */
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  "configuration file (default /etc/rebound/rebound.conf)",
		  "FILE" },
		{ "sql-dir", 0, 0, G_OPTION_ARG_FILENAME, &sqldir,
		  "folder of the NNN_name.sql migrations", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	/* clang-format on */
	GOptionContext    *ctx;
	struct config     *cfg = NULL;
	struct db         *db = NULL;
	struct db_settings t;
	int                status = EX_OK, applied, version;

	ctx = g_option_context_new("migrate - bring the database schema up to "
				   "date");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if ((status = cmd_options(ctx, &argc, &argv)) != EX_OK)
		goto out;
	if (argc != 2 || strcmp(argv[1], "migrate") != 0) {
		fprintf(stderr, "usage: rebound db migrate --config FILE\n");
		status = EX_USAGE;
		goto out;
	}
	cfg = config_load(config_path, CONFIG_PARSE_ONLY, &cause, &status);
	if (cfg == NULL)
		goto fail;
	if (config_conninfo(cfg) == NULL) {
		cause = g_strdup_printf("%s: no [database] conninfo",
		    config_path != NULL ? config_path : "rebound.conf");
		status = EX_CONFIG;
		goto fail;
	}
	t = settings_of(cfg);
	t.statement = 0; /* a migration may take long: only the lock waits */
	if ((db = db_open(config_conninfo(cfg), &t, &cause, &status)) == NULL)
		goto fail;
	if (db_migrate(db, sql_dir(sqldir), &applied, &version, &cause) < 0) {
		status = db_status(db);
		goto fail;
	}
	printf("schema version %d (%d migration%s applied)\n", version, applied,
	    applied == 1 ? "" : "s");
	goto out;
fail:
	log_error("%s", cause);
	g_free(cause);
out:
	db_close(db);
	config_free(cfg);
	g_option_context_free(ctx);
	g_free(config_path);
	g_free(sqldir);
	return status;
}
