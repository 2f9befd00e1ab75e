/*
 * config.c - load and check the configuration file (GKeyFile).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "config.h"
#include "log.h"

struct config {
	char			*path;
	GArray			*mailboxes;	/* struct config_mailbox */
	struct config_parse	 parse;
	char			*conninfo;
	struct policy		 policy;	/* [policy] */
	GHashTable		*lists;		/* [list NAME]: policy */
	struct config_hooks	 hooks;
};

/* Keys each group accepts; anything else is reported. */
static const char *mailbox_keys[] = { "url", "password_file", "password_env",
    "ca_file", "starttls", "tls_verify", "allow_cleartext", "after",
    "keyword", "quarantine", "list", "timeout", "max_messages",
    "max_message_size", "batch" };
static const char *database_keys[] = { "conninfo" };
static const char *policy_keys[] = { "soft_threshold", "soft_window",
    "soft_stale_after", "block_alert" };
static const char *list_keys[] = { "soft_threshold", "soft_window",
    "soft_stale_after" };
static const char *hooks_keys[] = { "on_suppress", "on_soft",
    "on_unsuppress" };
static const char *parse_keys[] = { "verp_prefix", "verp_delimiter", "verp",
    "list_header", "max_message_size", "original_recipient" };

/* bad_line - the number of the first line that is not blank, a comment, a
 * [group] or a key = value; 0 when none (GKeyFile reports syntax errors
 * without a line number) */
static int
bad_line(const char *path)
{
	char *text = NULL, **lines, *l;
	int n = 0, i;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && n == 0; i++) {
		l = g_strstrip(lines[i]);
		if (l[0] == '\0' || l[0] == '#' || l[0] == ';')
			continue;
		if (l[0] == '[' ? l[strlen(l) - 1] != ']' : strchr(l, '=') ==
		    NULL)
			n = i + 1;
	}
	g_strfreev(lines);
	g_free(text);
	return n;
}

/* repeated_group - the line of a [group] header seen before in the file
 * (GKeyFile merges repeated groups silently), or 0; *name gets the group
 * (g_free) */
static int
repeated_group(const char *path, char **name)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	char *text = NULL, **lines, *l;
	int n = 0, i;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		g_hash_table_destroy(seen);
		return 0;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && n == 0; i++) {
		l = g_strstrip(lines[i]);
		if (l[0] != '[')
			continue;
		if (g_hash_table_contains(seen, l)) {
			n = i + 1;
			*name = g_strdup(l);
		} else
			g_hash_table_add(seen, g_strdup(l));
	}
	g_strfreev(lines);
	g_free(text);
	g_hash_table_destroy(seen);
	return n;
}

/* key_line - the line number of "key =" inside [group], or 0 */
static int
key_line(const char *path, const char *group, const char *key)
{
	char *text = NULL, **lines, *l, *hdr;
	int n = 0, i, in = 0;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	hdr = g_strdup_printf("[%s]", group);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && n == 0; i++) {
		l = g_strstrip(lines[i]);
		if (l[0] == '[')
			in = strcmp(l, hdr) == 0;
		else if (in && g_str_has_prefix(l, key) &&
		    (l[strlen(key)] == '=' || l[strlen(key)] == ' ' ||
		    l[strlen(key)] == '\t'))
			n = i + 1;
	}
	g_strfreev(lines);
	g_free(hdr);
	g_free(text);
	return n;
}

/* fail - set *cause to "PATH[:LINE]: [GROUP] KEY: why" */
static void
fail(char **cause, const char *path, const char *group, const char *key,
    const char *why)
{
	int line = key != NULL ? key_line(path, group, key) : 0;

	g_free(*cause);
	if (line > 0)
		*cause = g_strdup_printf("%s:%d: [%s] %s: %s", path, line, group,
		    key, why);
	else if (key != NULL)
		*cause = g_strdup_printf("%s: [%s] %s: %s", path, group, key, why);
	else
		*cause = g_strdup_printf("%s: [%s]: %s", path, group, why);
}

/* warn_unknown - report keys of group that are not in known[] */
static void
warn_unknown(GKeyFile *kf, const char *path, const char *group,
    const char **known, size_t nknown)
{
	char **keys = g_key_file_get_keys(kf, group, NULL, NULL);
	size_t i, k;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		for (k = 0; k < nknown; k++)
			if (strcmp(keys[i], known[k]) == 0)
				break;
		if (k == nknown)
			log_warn("%s:%d: [%s] unknown key '%s' (ignored)", path,
			    key_line(path, group, keys[i]), group, keys[i]);
	}
	g_strfreev(keys);
}

/* get_bool - a yes/no key, def when absent; -1 (and *cause) when bad */
static int
get_bool(GKeyFile *kf, const char *path, const char *group, const char *key,
    int def, char **cause)
{
	char *v;
	int r;

	if (!g_key_file_has_key(kf, group, key, NULL))
		return def;
	v = g_strstrip(g_key_file_get_string(kf, group, key, NULL));
	if (g_ascii_strcasecmp(v, "yes") == 0 ||
	    g_ascii_strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		r = 1;
	else if (g_ascii_strcasecmp(v, "no") == 0 ||
	    g_ascii_strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		r = 0;
	else {
		fail(cause, path, group, key, "expected yes or no");
		r = -1;
	}
	g_free(v);
	return r;
}

/* get_uint - an unsigned key within [min, max], def when absent; -1 when
 * bad (*cause set) */
static long long
get_uint(GKeyFile *kf, const char *path, const char *group, const char *key,
    long long def, long long min, long long max, char **cause)
{
	char *v, *end;
	long long n;

	if (!g_key_file_has_key(kf, group, key, NULL))
		return def;
	v = g_strstrip(g_key_file_get_string(kf, group, key, NULL));
	n = strtoll(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || n < min || n > max) {
		char *why = g_strdup_printf("expected a number from %lld to %lld",
		    min, max);
		fail(cause, path, group, key, why);
		g_free(why);
		n = -1;
	}
	g_free(v);
	return n;
}

/* read_password - from password_file (not group/world-readable) or the
 * environment variable named by password_env; 0 or -1 with *cause */
static int
read_password(GKeyFile *kf, const char *path, const char *group,
    struct config_mailbox *mb, char **cause)
{
	char *file = g_key_file_get_string(kf, group, "password_file", NULL);
	char *env = g_key_file_get_string(kf, group, "password_env", NULL);
	GError *err = NULL;
	struct stat st;
	int ok = 0;

	if (file != NULL) {
		g_strstrip(file);
		if (stat(file, &st) != 0) {
			fail(cause, path, group, "password_file", "cannot read "
			    "the file");
			ok = -1;
		} else if ((st.st_mode & 077) != 0) {
			char *why = g_strdup_printf("%s is readable by group or "
			    "others (mode %03o); chmod 600 it", file,
			    (unsigned)(st.st_mode & 0777));
			fail(cause, path, group, "password_file", why);
			g_free(why);
			ok = -1;
		} else if (!g_file_get_contents(file, &mb->password, NULL, &err)) {
			fail(cause, path, group, "password_file", err->message);
			g_error_free(err);
			ok = -1;
		} else {
			/* the first line only, without its newline */
			mb->password[strcspn(mb->password, "\r\n")] = '\0';
		}
	} else if (env != NULL) {
		const char *v = getenv(g_strstrip(env));
		if (v == NULL) {
			char *why = g_strdup_printf("environment variable %s is "
			    "not set", env);
			fail(cause, path, group, "password_env", why);
			g_free(why);
			ok = -1;
		} else
			mb->password = g_strdup(v);
	}
	g_free(file);
	g_free(env);
	return ok;
}

/* is_loopback - is host a loopback name or address? */
static int
is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || g_str_has_prefix(host, "127.")
	    || strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0;
}

/* parse_url - fill proto, user, host, port, folder from mb->url */
static int
parse_url(const char *path, const char *group, struct config_mailbox *mb,
    char **cause)
{
	static const struct {
		const char *scheme;
		enum config_proto proto;
		unsigned port;
	} schemes[] = {
		{ "imap", CONFIG_IMAP, 143 }, { "imaps", CONFIG_IMAPS, 993 },
		{ "pop3", CONFIG_POP3, 110 }, { "pop3s", CONFIG_POP3S, 995 },
		{ "maildir", CONFIG_MAILDIR, 0 }, { "mbox", CONFIG_MBOX, 0 },
	};
	GError *err = NULL;
	GUri *uri;
	const char *scheme, *p;
	size_t i;

	uri = g_uri_parse(mb->url, G_URI_FLAGS_NONE, &err);
	if (uri == NULL) {
		fail(cause, path, group, "url", err->message);
		g_error_free(err);
		return -1;
	}
	scheme = g_uri_get_scheme(uri);
	for (i = 0; i < G_N_ELEMENTS(schemes); i++)
		if (g_ascii_strcasecmp(scheme, schemes[i].scheme) == 0)
			break;
	if (i == G_N_ELEMENTS(schemes)) {
		fail(cause, path, group, "url", "scheme must be imap, imaps, "
		    "pop3, pop3s, maildir or mbox");
		g_uri_unref(uri);
		return -1;
	}
	mb->proto = schemes[i].proto;
	p = g_uri_get_path(uri);
	if (mb->proto == CONFIG_MAILDIR || mb->proto == CONFIG_MBOX) {
		if (p == NULL || p[0] != '/') {
			fail(cause, path, group, "url", "needs an absolute path "
			    "(maildir:/var/mail/bounces)");
			g_uri_unref(uri);
			return -1;
		}
		mb->folder = g_strdup(p);
		g_uri_unref(uri);
		return 0;
	}
	if (g_uri_get_host(uri) == NULL || g_uri_get_host(uri)[0] == '\0' ||
	    g_uri_get_user(uri) == NULL) {
		fail(cause, path, group, "url", "needs user@host "
		    "(imaps://bounces@mail.example.org/INBOX)");
		g_uri_unref(uri);
		return -1;
	}
	mb->host = g_strdup(g_uri_get_host(uri));
	mb->user = g_uri_unescape_string(g_uri_get_user(uri), NULL);
	mb->port = g_uri_get_port(uri) > 0 ? (unsigned)g_uri_get_port(uri) :
	    schemes[i].port;
	while (p != NULL && *p == '/')
		p++;
	mb->folder = g_uri_unescape_string(p != NULL && *p != '\0' ? p : "INBOX",
	    NULL);
	g_uri_unref(uri);
	return 0;
}

/* load_mailbox - one [mailbox NAME] group into mb; 0 or -1 with *cause */
static int
load_mailbox(GKeyFile *kf, const char *path, const char *group,
    struct config_mailbox *mb, char **cause)
{
	int imap, network, b;
	long long n;
	char *after;

	/* the group is "mailbox NAME", or a bare "mailbox" with no name */
	mb->name = g_strdup(strlen(group) > strlen("mailbox") ?
	    group + strlen("mailbox ") : "");
	g_strstrip(mb->name);
	if (mb->name[0] == '\0') {
		fail(cause, path, group, NULL, "a mailbox needs a name");
		return -1;
	}
	mb->url = g_key_file_get_string(kf, group, "url", NULL);
	if (mb->url == NULL) {
		fail(cause, path, group, NULL, "no url");
		return -1;
	}
	g_strstrip(mb->url);
	if (parse_url(path, group, mb, cause) < 0)
		return -1;
	imap = mb->proto == CONFIG_IMAP || mb->proto == CONFIG_IMAPS;
	network = mb->proto != CONFIG_MAILDIR && mb->proto != CONFIG_MBOX;

	if ((b = get_bool(kf, path, group, "starttls", 0, cause)) < 0)
		return -1;
	mb->starttls = b;
	if ((b = get_bool(kf, path, group, "tls_verify", 1, cause)) < 0)
		return -1;
	mb->tls_verify = b;
	if ((b = get_bool(kf, path, group, "allow_cleartext", 0, cause)) < 0)
		return -1;
	mb->allow_cleartext = b;
	if (mb->starttls && mb->proto != CONFIG_IMAP && mb->proto != CONFIG_POP3) {
		fail(cause, path, group, "starttls", "only for imap:// and pop3://");
		return -1;
	}
	if (network && (mb->proto == CONFIG_IMAP || mb->proto == CONFIG_POP3) &&
	    !mb->starttls && !mb->allow_cleartext && !is_loopback(mb->host)) {
		fail(cause, path, group, "url", "the password would go in clear "
		    "text to a remote host: use imaps://, pop3s://, starttls = "
		    "yes, or allow_cleartext = yes");
		return -1;
	}
	mb->ca_file = g_key_file_get_string(kf, group, "ca_file", NULL);
	if (mb->ca_file != NULL) {
		g_strstrip(mb->ca_file);
		if (!g_file_test(mb->ca_file, G_FILE_TEST_IS_REGULAR)) {
			fail(cause, path, group, "ca_file", "no such file");
			return -1;
		}
	}
	if (read_password(kf, path, group, mb, cause) < 0)
		return -1;
	if (network && mb->password == NULL) {
		fail(cause, path, group, NULL, "no password_file or password_env "
		    "(passwords are never taken from the command line)");
		return -1;
	}

	after = g_key_file_get_string(kf, group, "after", NULL);
	if (after == NULL)
		after = g_strdup(imap || mb->proto == CONFIG_MAILDIR ?
		    "move:Processed" : mb->proto == CONFIG_MBOX ? "keep" :
		    "delete");
	g_strstrip(after);
	if (g_str_has_prefix(after, "move:") && after[5] != '\0' &&
	    (imap || mb->proto == CONFIG_MAILDIR)) {
		mb->after = CONFIG_AFTER_MOVE;
		mb->after_folder = g_strdup(after + 5);
	} else if (strcmp(after, "delete") == 0 && mb->proto != CONFIG_MBOX)
		mb->after = CONFIG_AFTER_DELETE;
	else if (strcmp(after, "flag") == 0 && (imap ||
	    mb->proto == CONFIG_MAILDIR))
		mb->after = CONFIG_AFTER_FLAG;
	else if (strcmp(after, "keep") == 0)
		mb->after = CONFIG_AFTER_KEEP;
	else {
		fail(cause, path, group, "after", imap ? "expected move:FOLDER, "
		    "delete, flag or keep" : mb->proto == CONFIG_MBOX ?
		    "an mbox is only read: keep" : "expected delete or keep");
		g_free(after);
		return -1;
	}
	g_free(after);
	mb->keyword = g_key_file_get_string(kf, group, "keyword", NULL);
	if (mb->keyword == NULL)
		mb->keyword = g_strdup("$Rebound");
	mb->quarantine = g_key_file_get_string(kf, group, "quarantine", NULL);
	if (mb->quarantine == NULL && imap)
		mb->quarantine = g_strdup("Quarantine");
	mb->list = g_key_file_get_string(kf, group, "list", NULL);

	if ((n = get_uint(kf, path, group, "timeout", 60, 1, 3600, cause)) < 0)
		return -1;
	mb->timeout = (unsigned)n;
	if ((n = get_uint(kf, path, group, "max_messages", 0, 0, 100000000,
	    cause)) < 0)
		return -1;
	mb->max_messages = (unsigned)n;
	if ((n = get_uint(kf, path, group, "max_message_size", 64 << 20, 1024,
	    64 << 20, cause)) < 0)
		return -1;
	mb->max_message_size = (size_t)n;
	if ((n = get_uint(kf, path, group, "batch", 200, 1, 10000, cause)) < 0)
		return -1;
	mb->batch = (unsigned)n;
	if (mb->tls_verify == 0 && network)
		log_warn("%s: [%s] tls_verify = no: the server's certificate "
		    "and name are NOT checked", path, group);
	return 0;
}

static void
mailbox_clear(struct config_mailbox *mb)
{
	g_free(mb->name);
	g_free(mb->url);
	g_free(mb->user);
	g_free(mb->host);
	g_free(mb->folder);
	if (mb->password != NULL) {
		memset(mb->password, 0, strlen(mb->password));
		g_free(mb->password);
	}
	g_free(mb->ca_file);
	g_free(mb->after_folder);
	g_free(mb->keyword);
	g_free(mb->quarantine);
	g_free(mb->list);
}

void
config_free(struct config *c)
{
	guint i;

	if (c == NULL)
		return;
	for (i = 0; i < c->mailboxes->len; i++)
		mailbox_clear(&g_array_index(c->mailboxes, struct config_mailbox,
		    i));
	g_array_free(c->mailboxes, TRUE);
	g_free(c->parse.verp_prefix);
	g_free(c->parse.verp_delimiter);
	g_free(c->parse.list_header);
	g_free(c->conninfo);
	if (c->lists != NULL)
		g_hash_table_destroy(c->lists);
	g_free(c->hooks.on_suppress);
	g_free(c->hooks.on_soft);
	g_free(c->hooks.on_unsuppress);
	g_free(c->path);
	g_free(c);
}

/* load_parse - the [parse] group; 0 or -1 with *cause */
static int
load_parse(GKeyFile *kf, const char *path, struct config_parse *p,
    char **cause)
{
	long long n;
	int b;

	p->verp = 1;
	p->original_recipient = 1;
	p->max_message_size = 0;
	if (!g_key_file_has_group(kf, "parse"))
		return 0;
	warn_unknown(kf, path, "parse", parse_keys, G_N_ELEMENTS(parse_keys));
	p->verp_prefix = g_key_file_get_string(kf, "parse", "verp_prefix", NULL);
	p->verp_delimiter = g_key_file_get_string(kf, "parse", "verp_delimiter",
	    NULL);
	if (p->verp_delimiter != NULL && strlen(g_strstrip(p->verp_delimiter))
	    != 1) {
		fail(cause, path, "parse", "verp_delimiter", "one character");
		return -1;
	}
	p->list_header = g_key_file_get_string(kf, "parse", "list_header", NULL);
	if ((b = get_bool(kf, path, "parse", "verp", 1, cause)) < 0)
		return -1;
	p->verp = b;
	if ((b = get_bool(kf, path, "parse", "original_recipient", 1,
	    cause)) < 0)
		return -1;
	p->original_recipient = b;
	if ((n = get_uint(kf, path, "parse", "max_message_size", 0, 1024,
	    64 << 20, cause)) < 0)
		return -1;
	p->max_message_size = (size_t)n;
	return 0;
}

/* load_database - the [database] group; a password may sit in conninfo
 * only when the file is readable by its owner alone.  0 or -1. */
static int
load_database(GKeyFile *kf, const char *path, struct config *c,
    char **cause)
{
	struct stat st;

	if (!g_key_file_has_group(kf, "database"))
		return 0;
	warn_unknown(kf, path, "database", database_keys,
	    G_N_ELEMENTS(database_keys));
	c->conninfo = g_key_file_get_string(kf, "database", "conninfo", NULL);
	if (c->conninfo == NULL)
		return 0;
	g_strstrip(c->conninfo);
	if (strstr(c->conninfo, "password") != NULL &&
	    (stat(path, &st) != 0 || (st.st_mode & 077) != 0)) {
		fail(cause, path, "database", "conninfo", "holds a password but "
		    "the file is readable by group or others: chmod 600 it, or "
		    "use a passfile (PGPASSFILE)");
		return -1;
	}
	return 0;
}

/* check_utf8 - every group, key and value must be UTF-8 (GKeyFile would
 * hand back NULL for a value that is not, as if the key were absent);
 * 0, or -1 with *cause naming the first that is not */
static int
check_utf8(GKeyFile *kf, const char *path, char **cause)
{
	char **groups = g_key_file_get_groups(kf, NULL), **keys;
	size_t g, k;
	int rc = 0;

	for (g = 0; rc == 0 && groups[g] != NULL; g++) {
		if (!g_utf8_validate(groups[g], -1, NULL)) {
			*cause = g_strdup_printf("%s: a group name is not valid "
			    "UTF-8", path);
			rc = -1;
			break;
		}
		keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		for (k = 0; rc == 0 && keys != NULL && keys[k] != NULL; k++) {
			char *v = g_key_file_get_value(kf, groups[g], keys[k],
			    NULL);
			if (!g_utf8_validate(keys[k], -1, NULL)) {
				fail(cause, path, groups[g], NULL, "a key name is "
				    "not valid UTF-8");
				rc = -1;
			} else if (v == NULL || !g_utf8_validate(v, -1, NULL)) {
				fail(cause, path, groups[g], keys[k], "not valid "
				    "UTF-8");
				rc = -1;
			}
			g_free(v);
		}
		g_strfreev(keys);
	}
	g_strfreev(groups);
	return rc;
}

/* load_policy - the policy keys of group over *p; 0 or -1 with *cause */
static int
load_policy(GKeyFile *kf, const char *path, const char *group,
    struct policy *p, char **cause)
{
	const struct {
		const char	*key;
		unsigned	*v;
		long long	 min, max;
	} keys[] = {
		{ "soft_threshold", &p->soft_threshold, 1, 1000 },
		{ "soft_window", &p->soft_window, 1, 3650 },
		{ "soft_stale_after", &p->soft_stale_after, 1, 3650 },
		{ "block_alert", &p->block_alert, 0, 1000000 },
	};
	size_t i;
	long long n;

	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		if ((n = get_uint(kf, path, group, keys[i].key, *keys[i].v,
		    keys[i].min, keys[i].max, cause)) < 0)
			return -1;
		*keys[i].v = (unsigned)n;
	}
	return 0;
}

/* load_hooks - the [hooks] group: SQL statements, kept as written */
static void
load_hooks(GKeyFile *kf, const char *path, struct config_hooks *h)
{
	if (!g_key_file_has_group(kf, "hooks"))
		return;
	warn_unknown(kf, path, "hooks", hooks_keys, G_N_ELEMENTS(hooks_keys));
	h->on_suppress = g_key_file_get_string(kf, "hooks", "on_suppress", NULL);
	h->on_soft = g_key_file_get_string(kf, "hooks", "on_soft", NULL);
	h->on_unsuppress = g_key_file_get_string(kf, "hooks", "on_unsuppress",
	    NULL);
}

/* load_list - a [list NAME] group: overrides of [policy] for one list */
static int
load_list(GKeyFile *kf, const char *path, struct config *c,
    const char *group, char **cause)
{
	const char *name = group + strlen("list");
	struct policy *p;

	while (*name == ' ')
		name++;
	if (*name == '\0') {
		fail(cause, path, group, NULL, "a list group needs a name: "
		    "[list NAME]");
		return -1;
	}
	warn_unknown(kf, path, group, list_keys, G_N_ELEMENTS(list_keys));
	p = g_new(struct policy, 1);
	*p = c->policy;
	if (load_policy(kf, path, group, p, cause) < 0) {
		g_free(p);
		return -1;
	}
	g_hash_table_replace(c->lists, g_strdup(name), p);
	return 0;
}

struct config *
config_load(const char *path, int flags, char **cause, int *status)
{
	GKeyFile *kf = g_key_file_new();
	GError *err = NULL;
	struct config *c = NULL;
	char **groups = NULL;
	size_t i;

	*cause = NULL;
	*status = EX_CONFIG;
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		int line = err->domain == G_KEY_FILE_ERROR ? bad_line(path) : 0;
		if (line > 0)
			*cause = g_strdup_printf("%s:%d: %s", path, line,
			    err->message);
		else
			*cause = g_strdup_printf("%s: %s", path, err->message);
		if (err->domain == G_FILE_ERROR)
			*status = EX_NOINPUT;
		g_error_free(err);
		goto out;
	}
	{
		char *dup = NULL;
		int line = repeated_group(path, &dup);
		if (line > 0) {
			*cause = g_strdup_printf("%s:%d: %s appears a second time",
			    path, line, dup);
			g_free(dup);
			goto out;
		}
	}
	if (check_utf8(kf, path, cause) < 0)
		goto out;
	c = g_new0(struct config, 1);
	c->path = g_strdup(path);
	c->mailboxes = g_array_new(FALSE, TRUE, sizeof(struct config_mailbox));
	if (load_parse(kf, path, &c->parse, cause) < 0)
		goto bad;
	if (load_database(kf, path, c, cause) < 0)
		goto bad;
	policy_defaults(&c->policy);
	c->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	if (g_key_file_has_group(kf, "policy")) {
		warn_unknown(kf, path, "policy", policy_keys,
		    G_N_ELEMENTS(policy_keys));
		if (load_policy(kf, path, "policy", &c->policy, cause) < 0)
			goto bad;
	}
	load_hooks(kf, path, &c->hooks);
	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i] != NULL; i++) {
		struct config_mailbox mb;

		if (g_str_has_prefix(groups[i], "list ") ||
		    strcmp(groups[i], "list") == 0) {
			if (load_list(kf, path, c, groups[i], cause) < 0)
				goto bad;
			continue;
		}
		if (!g_str_has_prefix(groups[i], "mailbox ") &&
		    strcmp(groups[i], "mailbox") != 0) {
			if (strcmp(groups[i], "parse") != 0 &&
			    strcmp(groups[i], "database") != 0 &&
			    strcmp(groups[i], "policy") != 0 &&
			    strcmp(groups[i], "hooks") != 0)
				log_warn("%s: unknown group [%s] (ignored)", path,
				    groups[i]);
			continue;
		}
		if ((flags & CONFIG_PARSE_ONLY) != 0)
			continue;
		memset(&mb, 0, sizeof(mb));
		warn_unknown(kf, path, groups[i], mailbox_keys,
		    G_N_ELEMENTS(mailbox_keys));
		if (load_mailbox(kf, path, groups[i], &mb, cause) < 0) {
			mailbox_clear(&mb);
			goto bad;
		}
		if (config_mailbox_find(c, mb.name) != NULL) {
			fail(cause, path, groups[i], NULL, "a second mailbox with "
			    "this name");
			mailbox_clear(&mb);
			goto bad;
		}
		g_array_append_val(c->mailboxes, mb);
	}
	*status = 0;
	goto out;
bad:
	config_free(c);
	c = NULL;
out:
	g_strfreev(groups);
	g_key_file_free(kf);
	return c;
}

struct config_mailbox *
config_mailboxes(struct config *c, size_t *n)
{
	*n = c->mailboxes->len;
	return (struct config_mailbox *)(void *)c->mailboxes->data;
}

struct config_mailbox *
config_mailbox_find(struct config *c, const char *name)
{
	guint i;

	for (i = 0; i < c->mailboxes->len; i++) {
		struct config_mailbox *mb = &g_array_index(c->mailboxes,
		    struct config_mailbox, i);
		if (strcmp(mb->name, name) == 0)
			return mb;
	}
	return NULL;
}

const char *
config_conninfo(struct config *c)
{
	return c->conninfo;
}

const struct policy *
config_policy(struct config *c, const char *list)
{
	const struct policy *p = list != NULL ?
	    g_hash_table_lookup(c->lists, list) : NULL;

	return p != NULL ? p : &c->policy;
}

const struct config_hooks *
config_hooks(struct config *c)
{
	return &c->hooks;
}

const struct config_parse *
config_parse_options(struct config *c)
{
	return &c->parse;
}
