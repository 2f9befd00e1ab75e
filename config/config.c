/*
 * config.c - load and check the configuration file (GKeyFile).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "log.h"

struct config {
	char                  *path;
	GArray                *mailboxes; /* struct config_mailbox */
	struct config_parse    parse;
	char                  *conninfo;
	char                  *schema;        /* [database] schema, or NULL */
	struct config_timeouts timeouts;      /* [database] */
	int                 lists_configured; /* [policy] lists = configured */
	struct policy       policy;           /* [policy] */
	GHashTable         *lists;            /* [list NAME]: policy */
	GHashTable         *names;     /* every name of a list, lower case (its
				      own, aliases) -> the [list NAME] name */
	GArray             *notify;    /* struct config_notify */
	GHashTable         *addresses; /* list -> an alias with an @ */
	GPtrArray          *served;    /* [list NAME] mailboxes =: pairs of
				       group, mailbox name (g_free) */
	struct config_hooks hooks;
	GPtrArray          *owned; /* what policies point to: keys, secrets,
				      strings (g_free) */
};

/* bad_line - the number of the first line that is not blank, a comment, a
 * [group] or a key = value; 0 when none (GKeyFile reports syntax errors
 * without a line number) */
static int
bad_line(const char *path)
{
	char *text = NULL, **lines, *l;
	int   n = 0, i;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && n == 0; i++) {
		l = g_strstrip(lines[i]);
		if (l[0] == '\0' || l[0] == '#' || l[0] == ';')
			continue;
		if (l[0] == '[' ? l[strlen(l) - 1] != ']'
				: strchr(l, '=') == NULL)
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
	GHashTable *seen =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char *text = NULL, **lines, *l;
	int   n = 0, i;

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
	int   n = 0, i, in = 0;

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
		*cause = g_strdup_printf("%s:%d: [%s] %s: %s", path, line,
		    group, key, why);
	else if (key != NULL)
		*cause =
		    g_strdup_printf("%s: [%s] %s: %s", path, group, key, why);
	else
		*cause = g_strdup_printf("%s: [%s]: %s", path, group, why);
}

/* is_loopback - is host a loopback address (127.0.0.0/8, ::1, as an IP
 * literal) or a name that is always one (localhost, *.localhost: RFC
 * 6761)?  A name such as 127.mail.example.com is not. */
static int
is_loopback(const char *host)
{
	struct in_addr  v4;
	struct in6_addr v6;
	char           *h = g_strdup(host);
	size_t          n = strlen(h);
	int             yes;

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		memmove(h, h + 1, n - 2);
		h[n - 2] = '\0';
	}
	if (inet_pton(AF_INET, h, &v4) == 1)
		yes = (ntohl(v4.s_addr) >> 24) == 127;
	else if (inet_pton(AF_INET6, h, &v6) == 1)
		yes = IN6_IS_ADDR_LOOPBACK(&v6) ||
		    (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
	else
		yes = g_ascii_strcasecmp(h, "localhost") == 0 ||
		    g_ascii_strcasecmp(h, "localhost.") == 0 ||
		    (strlen(h) > 10 &&
			(g_str_has_suffix(h, ".localhost") ||
			    g_str_has_suffix(h, ".localhost.")));
	g_free(h);
	return yes;
}

/* parse_url - fill proto, user, host, port, folder from mb->url */
static int
parse_url(const char *path, const char *group, struct config_mailbox *mb,
    char **cause)
{
	/* clang-format off */
	static const struct {
		const char *scheme;
		enum config_proto proto;
		unsigned port;
	} schemes[] = {
		{ "imap", CONFIG_IMAP, 143 }, { "imaps", CONFIG_IMAPS, 993 },
		{ "pop3", CONFIG_POP3, 110 }, { "pop3s", CONFIG_POP3S, 995 },
		{ "maildir", CONFIG_MAILDIR, 0 }, { "mbox", CONFIG_MBOX, 0 },
	};
	/* clang-format on */
	GError     *err = NULL;
	GUri       *uri;
	const char *scheme, *p;
	size_t      i;

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
		fail(cause, path, group, "url",
		    "scheme must be imap, imaps, "
		    "pop3, pop3s, maildir or mbox");
		g_uri_unref(uri);
		return -1;
	}
	mb->proto = schemes[i].proto;
	p = g_uri_get_path(uri);
	if (mb->proto == CONFIG_MAILDIR || mb->proto == CONFIG_MBOX) {
		if (p == NULL || p[0] != '/') {
			fail(cause, path, group, "url",
			    "needs an absolute path "
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
		fail(cause, path, group, "url",
		    "needs user@host "
		    "(imaps://bounces@mail.example.org/INBOX)");
		g_uri_unref(uri);
		return -1;
	}
	mb->host = g_strdup(g_uri_get_host(uri));
	mb->user = g_uri_unescape_string(g_uri_get_user(uri), NULL);
	mb->port = g_uri_get_port(uri) > 0 ? (unsigned)g_uri_get_port(uri)
					   : schemes[i].port;
	while (p != NULL && *p == '/')
		p++;
	mb->folder =
	    g_uri_unescape_string(p != NULL && *p != '\0' ? p : "INBOX", NULL);
	g_uri_unref(uri);
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
	g_free(mb->review);
	g_free(mb->list);
}

static void notify_clear(struct config_notify *);

void
config_free(struct config *c)
{
	guint i;

	if (c == NULL)
		return;
	for (i = 0; i < c->mailboxes->len; i++)
		mailbox_clear(
		    &g_array_index(c->mailboxes, struct config_mailbox, i));
	g_array_free(c->mailboxes, TRUE);
	g_free(c->parse.verp_prefix);
	g_free(c->parse.verp_delimiter);
	g_free(c->parse.list_header);
	g_free(c->conninfo);
	g_free(c->schema);
	if (c->lists != NULL)
		g_hash_table_destroy(c->lists);
	if (c->names != NULL)
		g_hash_table_destroy(c->names);
	if (c->served != NULL)
		g_ptr_array_free(c->served, TRUE);
	if (c->addresses != NULL)
		g_hash_table_destroy(c->addresses);
	if (c->notify != NULL) {
		for (i = 0; i < c->notify->len; i++)
			notify_clear(
			    &g_array_index(c->notify, struct config_notify, i));
		g_array_free(c->notify, TRUE);
	}
	g_free(c->hooks.on_suppress);
	g_free(c->hooks.on_soft);
	g_free(c->hooks.on_unsuppress);
	if (c->owned != NULL)
		g_ptr_array_free(c->owned, TRUE);
	g_free(c->parse.verp_header);
	g_free(c->parse.proof_header);
	g_free(c->parse.authserv_id);
	g_free(c->parse.send_header);
	g_free(c->path);
	g_free(c);
}

/* check_utf8 - every group, key and value must be UTF-8 (GKeyFile would
 * hand back NULL for a value that is not, as if the key were absent);
 * 0, or -1 with *cause naming the first that is not */
static int
check_utf8(GKeyFile *kf, const char *path, char **cause)
{
	char **groups = g_key_file_get_groups(kf, NULL), **keys;
	size_t g, k;
	int    rc = 0;

	for (g = 0; rc == 0 && groups[g] != NULL; g++) {
		if (!g_utf8_validate(groups[g], -1, NULL)) {
			*cause =
			    g_strdup_printf("%s: a group name is not valid "
					    "UTF-8",
				path);
			rc = -1;
			break;
		}
		keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		for (k = 0; rc == 0 && keys != NULL && keys[k] != NULL; k++) {
			char *v =
			    g_key_file_get_value(kf, groups[g], keys[k], NULL);
			if (!g_utf8_validate(keys[k], -1, NULL)) {
				fail(cause, path, groups[g], NULL,
				    "a key name is "
				    "not valid UTF-8");
				rc = -1;
			} else if (v == NULL || !g_utf8_validate(v, -1, NULL)) {
				fail(cause, path, groups[g], keys[k],
				    "not valid "
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

/*
 * The keys.  One table says, for every key of every group, its type, its
 * default, its bounds and where it goes; the same rows are used to read
 * a group, to fill in what it leaves out and to refuse keys no row knows.
 * A check runs after its key is read, for what a type cannot say (a URL,
 * a file's mode, a value that depends on another key).
 */

/* The kinds of group, as bits so that one key can serve several. */
#define G_MAILBOX  0x01 /* [mailbox NAME] -> struct config_mailbox */
#define G_PARSE    0x02 /* [parse] -> struct config_parse */
#define G_DATABASE 0x04 /* [database] -> struct config */
#define G_POLICY   0x08 /* [policy] -> struct policy */
#define G_LIST     0x10 /* [list NAME] -> struct policy */
#define G_HOOKS    0x20 /* [hooks] -> struct config_hooks */
#define G_NOTIFY   0x40 /* [notify NAME] -> struct config_notify */

enum key_type {
	KEY_STRING, /* char *, spaces around it stripped */
	KEY_TEXT,   /* char *, as written (SQL) */
	KEY_BOOL,   /* int: yes/no, true/false, 1/0 */
	KEY_UINT,   /* unsigned, from min to max */
	KEY_SIZE,   /* size_t, from min to max */
};

/* What a check sees: the file, the group as written, the record. */
struct load {
	struct config *cfg; /* owns what a check allocates (owned) */
	GKeyFile      *kf;
	const char    *path;
	const char    *group;
	void          *rec;
};
typedef int (*key_check)(const struct load *, char **cause);

#define KEEP \
	(-1)                     /* KEY_UINT default: what the record holds
				   (policy_defaults(), or [policy]'s) */
#define NOWHERE     ((size_t)-1) /* the check reads the key */
#define MAX_MESSAGE (64LL * 1024 * 1024) /* mime.h's MIME_MAX_MESSAGE */

#define MB(f)    offsetof(struct config_mailbox, f)
#define PARSE(f) offsetof(struct config_parse, f)
#define POL(f)   offsetof(struct policy, f)
#define HOOK(f)  offsetof(struct config_hooks, f)
#define NOTE(f)  offsetof(struct config_notify, f)

static int   check_url(const struct load *, char **);
static int   check_starttls(const struct load *, char **);
static int   check_tls_verify(const struct load *, char **);
static int   check_cleartext(const struct load *, char **);
static int   check_ca_file(const struct load *, char **);
static int   check_password(const struct load *, char **);
static char *value(const struct load *, const char *key);
static char *secret_file(const struct load *, const char *key, const char *file,
    char **cause);
static int   check_after(const struct load *, char **);
static int   check_quarantine(const struct load *, char **);
static int   check_unrecognised(const struct load *, char **);
static int   check_delimiter(const struct load *, char **);
static int   check_conninfo(const struct load *, char **);
static int   check_schema(const struct load *, char **);
static int   check_unproven(const struct load *, char **);
static int   check_lists(const struct load *, char **);
static int   check_members_query(const struct load *, char **);
static int   check_complaint_senders(const struct load *, char **);
static int   check_own_mta_hosts(const struct load *, char **);
static int   check_verp_keys(const struct load *, char **);
static int   check_verp_domain(const struct load *, char **);
static int   check_aliases(const struct load *, char **);
static int   check_served(const struct load *, char **);
static int   check_notify(const struct load *, char **);

static const struct key {
	unsigned      groups; /* the G_* it belongs to */
	const char   *name;
	enum key_type type;
	const char   *def;           /* KEY_STRING, KEY_BOOL: the default as
					   it would be written; NULL: none */
	long long     num, min, max; /* KEY_UINT, KEY_SIZE: default (or
					   KEEP) and bounds */
	size_t        offset;        /* of its field in the record */
	key_check     check;         /* after reading it, or NULL */
} keys[] = {
	/* [mailbox NAME], read in this order */
	{ G_MAILBOX, "url", KEY_STRING, NULL, 0, 0, 0, MB(url), check_url },
	{ G_MAILBOX, "starttls", KEY_BOOL, "no", 0, 0, 0, MB(starttls),
	    check_starttls },
	{ G_MAILBOX, "tls_verify", KEY_BOOL, "yes", 0, 0, 0, MB(tls_verify),
	    check_tls_verify },
	{ G_MAILBOX, "allow_cleartext", KEY_BOOL, "no", 0, 0, 0,
	    MB(allow_cleartext), check_cleartext },
	{ G_MAILBOX, "ca_file", KEY_STRING, NULL, 0, 0, 0, MB(ca_file),
	    check_ca_file },
	{ G_MAILBOX, "password_file", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    NULL },
	{ G_MAILBOX, "password_env", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    check_password },
	{ G_MAILBOX, "after", KEY_STRING, NULL, 0, 0, 0, NOWHERE, check_after },
	{ G_MAILBOX, "keyword", KEY_STRING, "$Rebound", 0, 0, 0, MB(keyword),
	    NULL },
	{ G_MAILBOX, "quarantine", KEY_STRING, NULL, 0, 0, 0, MB(quarantine),
	    check_quarantine },
	{ G_MAILBOX, "unrecognised", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    check_unrecognised },
	{ G_MAILBOX, "list", KEY_STRING, NULL, 0, 0, 0, MB(list), NULL },
	{ G_MAILBOX, "timeout", KEY_UINT, NULL, 60, 1, 3600, MB(timeout),
	    NULL },
	{ G_MAILBOX, "max_messages", KEY_UINT, NULL, 0, 0, 100000000,
	    MB(max_messages), NULL },
	{ G_MAILBOX, "max_message_size", KEY_SIZE, NULL, MAX_MESSAGE, 1024,
	    MAX_MESSAGE, MB(max_message_size), NULL },
	{ G_MAILBOX, "batch", KEY_UINT, NULL, 200, 1, 10000, MB(batch), NULL },
	{ G_MAILBOX, "fail_after", KEY_UINT, NULL, 21600, 0, 2592000,
	    MB(fail_after), NULL },
	/* [parse]: defaults for `rebound parse` (its options win) */
	{ G_PARSE, "verp_prefix", KEY_STRING, NULL, 0, 0, 0, PARSE(verp_prefix),
	    NULL },
	{ G_PARSE, "verp_delimiter", KEY_STRING, NULL, 0, 0, 0,
	    PARSE(verp_delimiter), check_delimiter },
	{ G_PARSE, "list_header", KEY_STRING, NULL, 0, 0, 0, PARSE(list_header),
	    NULL },
	{ G_PARSE, "verp", KEY_BOOL, "yes", 0, 0, 0, PARSE(verp), NULL },
	{ G_PARSE, "original_recipient", KEY_BOOL, "yes", 0, 0, 0,
	    PARSE(original_recipient), NULL },
	{ G_PARSE, "max_message_size", KEY_SIZE, NULL, 0, 1024, MAX_MESSAGE,
	    PARSE(max_message_size), NULL }, /* 0: not set */
	{ G_PARSE, "verp_header", KEY_STRING, NULL, 0, 0, 0, PARSE(verp_header),
	    NULL },
	{ G_PARSE, "proof_header", KEY_STRING, NULL, 0, 0, 0,
	    PARSE(proof_header), NULL },
	{ G_PARSE, "send_header", KEY_STRING, NULL, 0, 0, 0, PARSE(send_header),
	    NULL },
	{ G_PARSE, "authserv_id", KEY_STRING, NULL, 0, 0, 0, PARSE(authserv_id),
	    NULL },
	/* [database] */
	{ G_DATABASE, "conninfo", KEY_STRING, NULL, 0, 0, 0,
	    offsetof(struct config, conninfo), check_conninfo },
	{ G_DATABASE, "schema", KEY_STRING, NULL, 0, 0, 0,
	    offsetof(struct config, schema), check_schema },
	{ G_DATABASE, "connect_timeout", KEY_UINT, NULL, 10, 0, 3600,
	    offsetof(struct config, timeouts.connect), NULL },
	{ G_DATABASE, "statement_timeout", KEY_UINT, NULL, 300, 0, 86400,
	    offsetof(struct config, timeouts.statement), NULL },
	{ G_DATABASE, "lock_timeout", KEY_UINT, NULL, 30, 0, 86400,
	    offsetof(struct config, timeouts.lock), NULL },
	/* [policy], and [list NAME] over it (bounce/policy.h: defaults) */
	{ G_POLICY | G_LIST, "soft_threshold", KEY_UINT, NULL, KEEP, 1, 1000,
	    POL(soft_threshold), NULL },
	{ G_POLICY | G_LIST, "soft_window", KEY_UINT, NULL, KEEP, 1, 3650,
	    POL(soft_window), NULL },
	{ G_POLICY | G_LIST, "soft_stale_after", KEY_UINT, NULL, KEEP, 1, 3650,
	    POL(soft_stale_after), NULL },
	{ G_POLICY | G_LIST, "soft_min_days", KEY_UINT, NULL, KEEP, 0, 3650,
	    POL(soft_min_days), NULL },
	{ G_POLICY | G_LIST, "soft_suppression_expires", KEY_UINT, NULL, KEEP,
	    0, 3650, POL(soft_suppression_expires), NULL },
	{ G_POLICY, "block_alert", KEY_UINT, NULL, KEEP, 0, 1000000,
	    POL(block_alert), NULL },
	{ G_POLICY, "lists", KEY_STRING, NULL, 0, 0, 0, NOWHERE, check_lists },
	{ G_POLICY | G_LIST, "max_recipients_per_report", KEY_UINT, NULL, KEEP,
	    0, 1000000, POL(max_recipients_per_report), NULL },
	{ G_POLICY | G_LIST, "max_suppressions", KEY_UINT, NULL, KEEP, 0,
	    10000000, POL(max_suppressions), NULL },
	{ G_POLICY | G_LIST, "suppression_window", KEY_UINT, NULL, KEEP, 1, 365,
	    POL(suppression_window), NULL },
	/* proof that a report answers mail the list sent (bounce/proof.h) */
	{ G_POLICY | G_LIST, "unproven", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    check_unproven },
	{ G_POLICY | G_LIST, "verp_secret_file", KEY_STRING, NULL, 0, 0, 0,
	    NOWHERE, check_verp_keys },
	{ G_POLICY | G_LIST, "verp_validity", KEY_UINT, NULL, KEEP, 1,
	    PROOF_MAX_VALIDITY, POL(verp_validity), NULL },
	{ G_POLICY | G_LIST, "verp_domain", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    check_verp_domain },
	{ G_POLICY | G_LIST, "members_query", KEY_TEXT, NULL, 0, 0, 0, NOWHERE,
	    check_members_query },
	{ G_POLICY | G_LIST, "complaint_senders", KEY_STRING, NULL, 0, 0, 0,
	    NOWHERE, check_complaint_senders },
	{ G_POLICY | G_LIST, "own_mta_hosts", KEY_STRING, NULL, 0, 0, 0,
	    NOWHERE, check_own_mta_hosts },
	/* [list NAME] only: its other names, the mailboxes that serve it */
	{ G_LIST, "aliases", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    check_aliases },
	{ G_LIST, "mailboxes", KEY_STRING, NULL, 0, 0, 0, NOWHERE,
	    check_served },
	/* [hooks]: SQL run in the batch's transaction */
	{ G_HOOKS, "on_suppress", KEY_TEXT, NULL, 0, 0, 0, HOOK(on_suppress),
	    NULL },
	{ G_HOOKS, "on_soft", KEY_TEXT, NULL, 0, 0, 0, HOOK(on_soft), NULL },
	{ G_HOOKS, "on_unsuppress", KEY_TEXT, NULL, 0, 0, 0,
	    HOOK(on_unsuppress), NULL },
	/* [notify NAME]: a connector, read by check_notify at the end */
	{ G_NOTIFY, "url", KEY_STRING, NULL, 0, 0, 0, NOTE(url), NULL },
	{ G_NOTIFY, "ca_file", KEY_STRING, NULL, 0, 0, 0, NOTE(ca_file), NULL },
	{ G_NOTIFY, "tls_verify", KEY_BOOL, "yes", 0, 0, 0, NOTE(tls_verify),
	    NULL },
	{ G_NOTIFY, "user", KEY_STRING, NULL, 0, 0, 0, NOTE(user), NULL },
	{ G_NOTIFY, "lists", KEY_STRING, NULL, 0, 0, 0, NOTE(lists), NULL },
	{ G_NOTIFY, "list_domain", KEY_STRING, NULL, 0, 0, 0, NOTE(list_domain),
	    NULL },
	{ G_NOTIFY, "action", KEY_STRING, "disable", 0, 0, 0, NOTE(action),
	    NULL },
	{ G_NOTIFY, "timeout", KEY_UINT, NULL, 30, 1, 3600, NOTE(timeout),
	    NULL },
	{ G_NOTIFY, "secret_file", KEY_STRING, NULL, 0, 0, 0, NOWHERE, NULL },
	{ G_NOTIFY, "password_file", KEY_STRING, NULL, 0, 0, 0, NOWHERE, NULL },
	{ G_NOTIFY, "command", KEY_STRING, NULL, 0, 0, 0, NOWHERE, NULL },
	{ G_NOTIFY, "events", KEY_STRING, NULL, 0, 0, 0, NOWHERE, NULL },
	{ G_NOTIFY, "allow_cleartext", KEY_BOOL, "no", 0, 0, 0, NOWHERE, NULL },
	{ G_NOTIFY, "type", KEY_STRING, NULL, 0, 0, 0, NOWHERE, check_notify },
};

/* distance - the edit distance of a and b (Levenshtein), up to 9: a typo
 * is one or two edits away */
static unsigned
distance(const char *a, const char *b)
{
	size_t   na = strlen(a), nb = strlen(b), i, j;
	unsigned row[64], prev, cur;

	if (na > 60 || nb > 60)
		return 9;
	for (j = 0; j <= nb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= na; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (j = 1; j <= nb; j++) {
			cur = MIN(MIN(row[j] + 1, row[j - 1] + 1),
			    prev +
				(g_ascii_tolower(a[i - 1]) !=
				    g_ascii_tolower(b[j - 1])));
			prev = row[j];
			row[j] = cur;
		}
	}
	return MIN(row[nb], 9);
}

/* check_unknown - every key of group must be one a row of kind knows: an
 * unknown one is an error ("did you mean ...?"), so that a typo never
 * lets a default do what the operator wrote against.  0, or -1 with
 * *cause. */
static int
check_unknown(GKeyFile *kf, const char *path, const char *group, unsigned kind,
    char **cause)
{
	char **names = g_key_file_get_keys(kf, group, NULL, NULL);
	size_t i, k;
	int    rc = 0;

	for (i = 0; names != NULL && names[i] != NULL && rc == 0; i++) {
		const char *best = NULL;
		unsigned    d, bestd = 3;
		char       *why;

		for (k = 0; k < G_N_ELEMENTS(keys); k++) {
			if ((keys[k].groups & kind) == 0)
				continue;
			if (strcmp(names[i], keys[k].name) == 0)
				break;
			if ((d = distance(names[i], keys[k].name)) < bestd) {
				bestd = d;
				best = keys[k].name;
			}
		}
		if (k < G_N_ELEMENTS(keys))
			continue;
		why = best != NULL
		    ? g_strdup_printf("unknown key (did you mean '%s'?)", best)
		    : g_strdup("unknown key");
		fail(cause, path, group, names[i], why);
		g_free(why);
		rc = -1;
	}
	g_strfreev(names);
	return rc;
}

/* get_bool - a yes/no key, def when absent; -1 (and *cause) when bad */
static int
get_bool(GKeyFile *kf, const char *path, const char *group, const char *key,
    int def, char **cause)
{
	char *v;
	int   r;

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
	char     *v, *end;
	long long n;

	if (!g_key_file_has_key(kf, group, key, NULL))
		return def;
	v = g_strstrip(g_key_file_get_string(kf, group, key, NULL));
	n = strtoll(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || n < min || n > max) {
		char *why =
		    g_strdup_printf("expected a number from %lld to %lld", min,
			max);
		fail(cause, path, group, key, why);
		g_free(why);
		n = -1;
	}
	g_free(v);
	return n;
}

/* read_key - k's value (or its default) into its field of l->rec; 0, or
 * -1 with *cause */
static int
read_key(const struct load *l, const struct key *k, char **cause)
{
	char     *field = (char *)l->rec + k->offset;
	long long n, def;
	int       b;

	if (k->offset == NOWHERE)
		return 0;
	switch (k->type) {
	case KEY_STRING:
	case KEY_TEXT:
		if (!g_key_file_has_key(l->kf, l->group, k->name, NULL)) {
			/* absent: the default, or what the record holds */
			if (k->def != NULL)
				*(char **)(void *)field = g_strdup(k->def);
			return 0;
		}
		*(char **)(void *)field =
		    g_key_file_get_string(l->kf, l->group, k->name, NULL);
		if (k->type == KEY_STRING && *(char **)(void *)field != NULL)
			g_strstrip(*(char **)(void *)field);
		return 0;
	case KEY_BOOL:
		b = get_bool(l->kf, l->path, l->group, k->name,
		    k->def != NULL && strcmp(k->def, "yes") == 0, cause);
		if (b < 0)
			return -1;
		*(int *)(void *)field = b;
		return 0;
	case KEY_UINT:
		def = k->num != KEEP ? k->num : *(unsigned *)(void *)field;
		if ((n = get_uint(l->kf, l->path, l->group, k->name, def,
			 k->min, k->max, cause)) < 0)
			return -1;
		*(unsigned *)(void *)field = (unsigned)n;
		return 0;
	case KEY_SIZE:
		if ((n = get_uint(l->kf, l->path, l->group, k->name, k->num,
			 k->min, k->max, cause)) < 0)
			return -1;
		*(size_t *)(void *)field = (size_t)n;
		return 0;
	}
	return 0;
}

/* load_group - every key of kind from group into rec (defaults for those
 * it leaves out), each followed by its check; keys no row knows are
 * an error.  0, or -1 with *cause. */
static int
load_group(struct config *c, GKeyFile *kf, const char *path, const char *group,
    unsigned kind, void *rec, char **cause)
{
	struct load l = { c, kf, path, group, rec };
	size_t      i;

	if (check_unknown(kf, path, group, kind, cause) < 0)
		return -1;
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		if ((keys[i].groups & kind) == 0)
			continue;
		if (read_key(&l, &keys[i], cause) < 0)
			return -1;
		if (keys[i].check != NULL && keys[i].check(&l, cause) < 0)
			return -1;
	}
	return 0;
}

/* is_network - does mb's URL name a server (not a Maildir or mbox)? */
static int
is_network(const struct config_mailbox *mb)
{
	return mb->proto != CONFIG_MAILDIR && mb->proto != CONFIG_MBOX;
}

/* is_imap - is mb an IMAP mailbox? */
static int
is_imap(const struct config_mailbox *mb)
{
	return mb->proto == CONFIG_IMAP || mb->proto == CONFIG_IMAPS;
}

/* check_url - url is required; its scheme, user, host, port, folder */
static int
check_url(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;

	if (mb->url == NULL) {
		fail(cause, l->path, l->group, NULL, "no url");
		return -1;
	}
	return parse_url(l->path, l->group, mb, cause);
}

/* check_starttls - only plain-text protocols upgrade */
static int
check_starttls(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;

	if (mb->starttls && mb->proto != CONFIG_IMAP &&
	    mb->proto != CONFIG_POP3) {
		fail(cause, l->path, l->group, "starttls",
		    "only for imap:// and "
		    "pop3://");
		return -1;
	}
	return 0;
}

/* check_tls_verify - say so loudly when the operator opts out */
static int
check_tls_verify(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;

	if (mb->tls_verify == 0 && is_network(mb))
		log_warn("%s: [%s] tls_verify = no: the server's certificate "
			 "and name are NOT checked",
		    l->path, l->group);
	return 0;
}

/* check_cleartext - no password in clear text to a remote host unless
 * the operator says so */
static int
check_cleartext(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;

	if ((mb->proto == CONFIG_IMAP || mb->proto == CONFIG_POP3) &&
	    !mb->starttls && !mb->allow_cleartext && !is_loopback(mb->host)) {
		fail(cause, l->path, l->group, "url",
		    "the password would go in "
		    "clear text to a remote host: use imaps://, pop3s://, "
		    "starttls = yes, or allow_cleartext = yes");
		return -1;
	}
	return 0;
}

/* check_ca_file - the CA file exists */
static int
check_ca_file(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;

	if (mb->ca_file != NULL &&
	    !g_file_test(mb->ca_file, G_FILE_TEST_IS_REGULAR)) {
		fail(cause, l->path, l->group, "ca_file", "no such file");
		return -1;
	}
	return 0;
}

/* check_password - read it: the first line of password_file (a secret
 * file: see secret_file()), or the environment variable password_env
 * names; a server needs one */
static int
check_password(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;
	char                  *file = value(l, "password_file");
	char                  *env = value(l, "password_env");
	int                    ok = 1;

	if (file != NULL) {
		mb->password = secret_file(l, "password_file", file, cause);
		if (mb->password == NULL)
			ok = 0;
		else /* the first line only, without its newline */
			mb->password[strcspn(mb->password, "\r\n")] = '\0';
	} else if (env != NULL) {
		const char *v = getenv(env);
		if (v == NULL) {
			char *why = g_strdup_printf(
			    "environment variable %s is not set", env);
			fail(cause, l->path, l->group, "password_env", why);
			g_free(why);
			ok = 0;
		} else
			mb->password = g_strdup(v);
	}
	g_free(file);
	g_free(env);
	if (ok && is_network(mb) && mb->password == NULL) {
		fail(cause, l->path, l->group, NULL,
		    "no password_file or password_env (passwords are never "
		    "taken from the command line)");
		ok = 0;
	}
	return ok ? 0 : -1;
}

/* check_after - what becomes of a message once stored: move:FOLDER,
 * delete, flag or keep, as the kind of mailbox allows; the default is
 * move:Processed for IMAP and Maildir, delete for POP3, keep for mbox */
static int
check_after(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;
	int                    imap = is_imap(mb), ok = 1;
	char *after = g_key_file_get_string(l->kf, l->group, "after", NULL);

	if (after == NULL)
		after = g_strdup(imap || mb->proto == CONFIG_MAILDIR
			? "move:Processed"
			: mb->proto == CONFIG_MBOX ? "keep"
						   : "delete");
	g_strstrip(after);
	if (g_str_has_prefix(after, "move:") && after[5] != '\0' &&
	    (imap || mb->proto == CONFIG_MAILDIR)) {
		mb->after = CONFIG_AFTER_MOVE;
		mb->after_folder = g_strdup(after + 5);
	} else if (strcmp(after, "delete") == 0 && mb->proto != CONFIG_MBOX)
		mb->after = CONFIG_AFTER_DELETE;
	else if (strcmp(after, "flag") == 0 &&
	    (imap || mb->proto == CONFIG_MAILDIR))
		mb->after = CONFIG_AFTER_FLAG;
	else if (strcmp(after, "keep") == 0)
		mb->after = CONFIG_AFTER_KEEP;
	else {
		fail(cause, l->path, l->group, "after",
		    imap ? "expected "
			   "move:FOLDER, delete, flag or keep"
			: mb->proto == CONFIG_MBOX
			? "an mbox is only read: keep"
			: "expected "
			  "delete or keep");
		ok = 0;
	}
	g_free(after);
	return ok ? 0 : -1;
}

/* check_unrecognised - where mail that is no bounce, complaint nor
 * auto-reply goes (a subscriber's "please unsubscribe me"): move:FOLDER
 * (IMAP and Maildir; move:Review by default) for a person to read, or
 * process (filed with the rest; POP3 and mbox have no folders) */
static int
check_unrecognised(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;
	int   folders = is_imap(mb) || mb->proto == CONFIG_MAILDIR, ok = 1;
	char *v = value(l, "unrecognised");

	if (v == NULL)
		v = g_strdup(folders ? "move:Review" : "process");
	if (g_str_has_prefix(v, "move:") && v[5] != '\0' && folders)
		mb->review = g_strdup(v + 5);
	else if (strcmp(v, "process") != 0) {
		fail(cause, l->path, l->group, "unrecognised",
		    folders ? "expected move:FOLDER or process"
			    : "POP3 and mbox have no folders: process");
		ok = 0;
	}
	g_free(v);
	return ok ? 0 : -1;
}

/* check_quarantine - IMAP sets unreadable messages aside in Quarantine
 * unless told another folder */
static int
check_quarantine(const struct load *l, char **cause)
{
	struct config_mailbox *mb = l->rec;

	if (mb->quarantine == NULL && is_imap(mb))
		mb->quarantine = g_strdup("Quarantine");
	return 0;
}

/* check_delimiter - the VERP delimiter is one character */
static int
check_delimiter(const struct load *l, char **cause)
{
	struct config_parse *p = l->rec;

	if (p->verp_delimiter != NULL && strlen(p->verp_delimiter) != 1) {
		fail(cause, l->path, l->group, "verp_delimiter",
		    "one character");
		return -1;
	}
	return 0;
}

/* conninfo_secret - does a libpq connection string, key=value or URI
 * (postgresql://user:SECRET@host/db?sslpassword=...), hold a password? */
static int
conninfo_secret(const char *ci)
{
	const char *p, *q;
	char       *lower;
	int         yes;

	if (g_str_has_prefix(ci, "postgresql://") ||
	    g_str_has_prefix(ci, "postgres://")) {
		p = strstr(ci, "://") + 3;
		/* user:password@ before the host */
		q = strpbrk(p, "@/?");
		if (q != NULL && *q == '@' && memchr(p, ':', (size_t)(q - p)))
			return 1;
	}
	/* password=, sslpassword=, in either form (libpq reads no other
	 * secret from the string) */
	lower = g_ascii_strdown(ci, -1);
	yes = strstr(lower, "password") != NULL;
	g_free(lower);
	return yes;
}

/* check_conninfo - a password may sit in conninfo only when the file is
 * readable by its owner alone */
static int
check_conninfo(const struct load *l, char **cause)
{
	struct config *c = l->rec;
	struct stat    st;

	if (c->conninfo != NULL && conninfo_secret(c->conninfo) &&
	    (stat(l->path, &st) != 0 || (st.st_mode & 077) != 0)) {
		fail(cause, l->path, l->group, "conninfo",
		    "holds a password but the file is readable by group or "
		    "others: chmod 600 it, or use a passfile (PGPASSFILE)");
		return -1;
	}
	return 0;
}

/* check_schema - a plain lower-case identifier, so that it needs no
 * quoting and cannot be mistaken for another (PostgreSQL folds case) */
static int
check_schema(const struct load *l, char **cause)
{
	const char *v = l->cfg->schema;
	size_t      i;

	if (v == NULL)
		return 0;
	for (i = 0; v[i] != '\0'; i++)
		if (!(g_ascii_islower(v[i]) || v[i] == '_' ||
			(i > 0 && g_ascii_isdigit(v[i]))))
			break;
	if (i == 0 || v[i] != '\0' || i > 63 || g_str_has_prefix(v, "pg_")) {
		fail(cause, l->path, l->group, "schema",
		    "expected a lower-case name: letters, digits and _, not "
		    "beginning with a digit or pg_, up to 63 characters");
		return -1;
	}
	return 0;
}

/* value - the key's value in l's group, stripped (g_free), or NULL */
static char *
value(const struct load *l, const char *key)
{
	char *v = g_key_file_get_string(l->kf, l->group, key, NULL);

	return v != NULL ? g_strstrip(v) : NULL;
}

/* own - let the configuration free p with itself; returns p */
static void *
own(const struct load *l, void *p)
{
	g_ptr_array_add(l->cfg->owned, p);
	return p;
}

/* check_unproven - what a report without proof may do */
static int
check_unproven(const struct load *l, char **cause)
{
	struct policy *p = l->rec;
	char          *v = value(l, "unproven");
	int            ok = 1;

	if (v == NULL)
		return 0;
	if (strcmp(v, "soft") == 0)
		p->unproven = POLICY_UNPROVEN_SOFT;
	else if (strcmp(v, "record") == 0)
		p->unproven = POLICY_UNPROVEN_RECORD;
	else if (strcmp(v, "act") == 0)
		p->unproven = POLICY_UNPROVEN_ACT;
	else {
		fail(cause, l->path, l->group, "unproven",
		    "expected soft, record or act");
		ok = 0;
	}
	g_free(v);
	return ok ? 0 : -1;
}

/* check_lists - which list names a report may bring: any, or only the
 * configured ones ([list NAME] groups, mailboxes' list =) */
static int
check_lists(const struct load *l, char **cause)
{
	char *v = value(l, "lists");
	int   ok = 1;

	if (v == NULL)
		return 0;
	if (strcmp(v, "configured") == 0)
		l->cfg->lists_configured = 1;
	else if (strcmp(v, "any") != 0) {
		fail(cause, l->path, l->group, "lists",
		    "expected any or configured");
		ok = 0;
	}
	g_free(v);
	return ok ? 0 : -1;
}

/* check_members_query - the SQL that says whether an address is a member
 * of the list ($1 address, $2 list, $3 the returned original's
 * proof_header or NULL): a row back means a member, and, given a secret,
 * that it matches */
static int
check_members_query(const struct load *l, char **cause)
{
	struct policy *p = l->rec;
	char *v = g_key_file_get_string(l->kf, l->group, "members_query", NULL);

	if (v != NULL)
		p->members_query = own(l, v);
	return 0;
}

/* check_complaint_senders - the feedback loops trusted for complaints */
static int
check_complaint_senders(const struct load *l, char **cause)
{
	struct policy *p = l->rec;
	char          *v = value(l, "complaint_senders");

	if (v != NULL)
		p->complaint_senders = own(l, v);
	return 0;
}

/* check_own_mta_hosts - the list's own outbound MTAs */
static int
check_own_mta_hosts(const struct load *l, char **cause)
{
	struct policy *p = l->rec;
	char          *v = value(l, "own_mta_hosts");

	if (v != NULL)
		p->own_mta_hosts = own(l, v);
	return 0;
}

/* check_verp_domain - the domain of the list's signed return paths */
static int
check_verp_domain(const struct load *l, char **cause)
{
	struct policy *p = l->rec;
	char          *v = value(l, "verp_domain");

	if (v != NULL)
		p->verp_domain = own(l, v);
	return 0;
}

/* secret_file - the text of a file that holds a secret: a regular file,
 * owned by this user or root, not readable by group or others (mode
 * 600); g_free, or NULL with *cause */
static char *
secret_file(const struct load *l, const char *key, const char *file,
    char **cause)
{
	struct stat st;
	char       *text = NULL, *why = NULL;
	GError     *err = NULL;

	if (stat(file, &st) != 0)
		why = g_strdup_printf("%s: %s", file, g_strerror(errno));
	else if (!S_ISREG(st.st_mode))
		why = g_strdup_printf("%s is not a regular file", file);
	else if (st.st_uid != getuid() && st.st_uid != 0)
		why = g_strdup_printf("%s is owned by another user", file);
	else if ((st.st_mode & 077) != 0)
		why = g_strdup_printf("%s is readable by group or others (mode "
				      "%03o); chmod 600 it",
		    file, (unsigned)(st.st_mode & 0777));
	else if (!g_file_get_contents(file, &text, NULL, &err)) {
		why = g_strdup(err->message);
		g_error_free(err);
	}
	if (why != NULL) {
		fail(cause, l->path, l->group, key, why);
		g_free(why);
		return NULL;
	}
	return text;
}

/* parse_key - one "ID SECRET [LAST-DAY]" line into *k (its secret points
 * into line); NULL, or why not (g_free) */
static char *
parse_key(char *line, struct proof_key *k)
{
	char  **f = g_strsplit_set(line, " \t", -1), **w = f, *end, *why = NULL;
	char   *word[4] = { NULL, NULL, NULL, NULL };
	guint64 id = 0;
	int     n = 0;

	for (; *w != NULL; w++)
		if ((*w)[0] != '\0' && n < 4)
			word[n++] = *w;
	if (n >= 1)
		id = g_ascii_strtoull(word[0], &end, 10);
	if (n < 2 || n > 3 || *end != '\0' || id > PROOF_MAX_KEY_ID)
		why = g_strdup_printf("expected ID (0-%d) SECRET [LAST-DAY]",
		    PROOF_MAX_KEY_ID);
	else if (strlen(word[1]) < PROOF_MIN_SECRET)
		why = g_strdup_printf("a secret of at least %d characters",
		    PROOF_MIN_SECRET);
	else if (n == 3 && policy_day(word[2]) < 0)
		why = g_strdup("the last day is YYYY-MM-DD");
	else {
		k->id = (unsigned)id;
		k->len = strlen(word[1]);
		k->secret = line + (strstr(line, word[1]) - line);
		k->until = n == 3 ? policy_day(word[2]) : -1;
	}
	g_strfreev(f);
	return why;
}

/*
 * check_verp_keys - the keys of signed VERP return paths: verp_secret_file
 * (mode 600) holds one key a line, "ID SECRET [LAST-DAY]": ID 0-31, SECRET
 * at least 16 characters, LAST-DAY (YYYY-MM-DD) for a retired key still
 * accepted until then.  The first key signs.  Blank lines and # comments
 * are skipped.
 */
static int
check_verp_keys(const struct load *l, char **cause)
{
	struct policy *p = l->rec;
	char          *file = value(l, "verp_secret_file");
	char          *text, **lines, *why = NULL;
	GArray        *found;
	guint          i, j;

	if (file == NULL)
		return 0;
	if ((text = secret_file(l, "verp_secret_file", file, cause)) == NULL) {
		g_free(file);
		return -1;
	}
	found = g_array_new(FALSE, TRUE, sizeof(struct proof_key));
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (i = 0; lines[i] != NULL && why == NULL; i++) {
		struct proof_key k;
		char            *bad;

		g_strstrip(lines[i]);
		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		if ((bad = parse_key(lines[i], &k)) != NULL) {
			why =
			    g_strdup_printf("%s line %u: %s", file, i + 1, bad);
			g_free(bad);
			break;
		}
		for (j = 0; j < found->len; j++)
			if (g_array_index(found, struct proof_key, j).id ==
			    k.id)
				why = g_strdup_printf("%s line %u: key %u "
						      "twice",
				    file, i + 1, k.id);
		g_array_append_val(found, k);
	}
	if (why == NULL && found->len == 0)
		why = g_strdup_printf("%s holds no key", file);
	if (why != NULL) {
		fail(cause, l->path, l->group, "verp_secret_file", why);
		g_free(why);
		g_strfreev(lines);
		g_array_free(found, TRUE);
		g_free(file);
		return -1;
	}
	/* the secrets point into lines: the configuration keeps them */
	for (i = 0; lines[i] != NULL; i++)
		own(l, lines[i]);
	g_free(lines);
	p->nverp_keys = found->len;
	p->verp_keys = own(l, g_array_free(found, FALSE));
	g_free(file);
	return 0;
}

/* group_name - the NAME of a "KIND NAME" group (kind "list", "mailbox",
 * "notify"), spaces skipped; "" for a bare "KIND" */
static const char *
group_name(const char *group, const char *kind)
{
	const char *name = group + strlen(kind);

	while (*name == ' ')
		name++;
	return name;
}

/* add_name - let `name` (caselessly) stand for list canon; 0, or -1 with
 * *cause when it already stands for another list */
static int
add_name(const struct load *l, const char *key, const char *name,
    const char *canon, char **cause)
{
	char       *k = g_ascii_strdown(name, -1);
	const char *had = g_hash_table_lookup(l->cfg->names, k);

	if (had != NULL && strcmp(had, canon) != 0) {
		char *why =
		    g_strdup_printf("'%s' already names list %s", name, had);
		fail(cause, l->path, l->group, key, why);
		g_free(why);
		g_free(k);
		return -1;
	}
	g_hash_table_replace(l->cfg->names, k, g_strdup(canon));
	return 0;
}

/* check_aliases - the other names a list shows up under: List-Id values
 * (news.lists.example.com), list addresses (news@lists.example.com, which
 * also stands for the List-Id news.lists.example.com), VERP names;
 * space- or comma-separated, <brackets> dropped */
static int
check_aliases(const struct load *l, char **cause)
{
	const char *canon = group_name(l->group, "list");
	char       *v = value(l, "aliases"), **names;
	size_t      i;
	int         rc = 0;

	if (v == NULL)
		return 0;
	names = g_strsplit_set(v, " ,\t", -1);
	for (i = 0; names[i] != NULL && rc == 0; i++) {
		char  *a = g_strstrip(names[i]), *at;
		size_t n;

		if (*a == '<')
			a++;
		n = strlen(a);
		if (n > 0 && a[n - 1] == '>')
			a[--n] = '\0';
		if (n == 0)
			continue;
		rc = add_name(l, "aliases", a, canon, cause);
		if (rc == 0 && strchr(a, '@') != NULL &&
		    !g_hash_table_contains(l->cfg->addresses, canon))
			g_hash_table_insert(l->cfg->addresses, g_strdup(canon),
			    g_strdup(a));
		/* RFC 2919: the list address's List-Id is local.domain */
		if (rc == 0 && (at = strchr(a, '@')) != NULL) {
			*at = '.';
			rc = add_name(l, "aliases", a, canon, cause);
		}
	}
	g_strfreev(names);
	g_free(v);
	return rc;
}

/* url_ok - may a connector's url carry what it carries: https, or http to
 * loopback, or http anywhere with allow_cleartext = yes; 0 or -1 */
static int
url_ok(const struct load *l, const char *url, char **cause)
{
	GUri *uri =
	    url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : NULL;
	int         rc = 0;

	if (uri == NULL || g_uri_get_host(uri) == NULL ||
	    (g_ascii_strcasecmp(scheme, "http") != 0 &&
		g_ascii_strcasecmp(scheme, "https") != 0)) {
		fail(cause, l->path, l->group, "url",
		    url == NULL ? "no url"
				: "expected an http:// or https:// URL");
		rc = -1;
	} else if (g_ascii_strcasecmp(scheme, "http") == 0 &&
	    !is_loopback(g_uri_get_host(uri)) &&
	    get_bool(l->kf, l->path, l->group, "allow_cleartext", 0, cause) !=
		1) {
		fail(cause, l->path, l->group, "url",
		    "http:// to a remote host sends subscribers' addresses in "
		    "clear text: use https://, or allow_cleartext = yes");
		rc = -1;
	}
	if (uri != NULL)
		g_uri_unref(uri);
	return rc;
}

/* check_notify - a [notify NAME] connector: its type, what it needs for
 * it, which events it wants */
static int
check_notify(const struct load *l, char **cause)
{
	/* clang-format off */
	static const struct { const char *name; unsigned bit; } evs[] = {
		{ "suppress", CONFIG_EVENT_SUPPRESS },
		{ "unsuppress", CONFIG_EVENT_UNSUPPRESS },
		{ "soft", CONFIG_EVENT_SOFT },
	};
	/* clang-format on */
	struct config_notify *n = l->rec;
	char   *type = value(l, "type"), *events = value(l, "events"), *file;
	char   *command = value(l, "command"), **words;
	GError *err = NULL;
	size_t  i, k;
	int     rc = -1;

	if (type == NULL ||
	    (strcmp(type, "http") != 0 && strcmp(type, "exec") != 0 &&
		strcmp(type, "mailman3") != 0)) {
		fail(cause, l->path, l->group, type != NULL ? "type" : NULL,
		    "type must be http, exec or mailman3");
		goto out;
	}
	n->type = strcmp(type, "http") == 0 ? CONFIG_NOTIFY_HTTP
	    : strcmp(type, "exec") == 0     ? CONFIG_NOTIFY_EXEC
					    : CONFIG_NOTIFY_MAILMAN3;
	/* Mailman 3 keeps no score of rebound's: it hears of decisions */
	n->events = n->type == CONFIG_NOTIFY_MAILMAN3
	    ? CONFIG_EVENT_SUPPRESS | CONFIG_EVENT_UNSUPPRESS
	    : CONFIG_EVENT_SUPPRESS | CONFIG_EVENT_UNSUPPRESS |
		CONFIG_EVENT_SOFT;
	if (events != NULL) {
		words = g_strsplit_set(events, " ,\t", -1);
		n->events = 0;
		for (i = 0; words[i] != NULL; i++) {
			if (words[i][0] == '\0')
				continue;
			for (k = 0; k < G_N_ELEMENTS(evs); k++)
				if (strcmp(words[i], evs[k].name) == 0)
					break;
			if (k < G_N_ELEMENTS(evs))
				n->events |= evs[k].bit;
			else {
				g_strfreev(words);
				fail(cause, l->path, l->group, "events",
				    "expected suppress, unsuppress and soft, "
				    "separated by spaces or commas");
				goto out;
			}
		}
		g_strfreev(words);
	}
	if (n->ca_file != NULL &&
	    !g_file_test(n->ca_file, G_FILE_TEST_IS_REGULAR)) {
		fail(cause, l->path, l->group, "ca_file", "no such file");
		goto out;
	}
	switch (n->type) {
	case CONFIG_NOTIFY_HTTP:
		if (url_ok(l, n->url, cause) < 0)
			goto out;
		if ((file = value(l, "secret_file")) == NULL) {
			fail(cause, l->path, l->group, NULL,
			    "an http connector signs what it sends: give it "
			    "a secret_file (mode 600)");
			goto out;
		}
		n->secret = secret_file(l, "secret_file", file, cause);
		g_free(file);
		if (n->secret == NULL)
			goto out;
		n->secret[strcspn(n->secret, "\r\n")] = '\0';
		if (strlen(n->secret) < 16) {
			fail(cause, l->path, l->group, "secret_file",
			    "the secret is shorter than 16 characters");
			goto out;
		}
		break;
	case CONFIG_NOTIFY_EXEC:
		/* split as a shell would, but run without one */
		if (command == NULL ||
		    !g_shell_parse_argv(command, NULL, &n->argv, &err)) {
			fail(cause, l->path, l->group, "command",
			    err != NULL ? err->message : "no command");
			g_clear_error(&err);
			goto out;
		}
		if (!g_path_is_absolute(n->argv[0]) ||
		    !g_file_test(n->argv[0], G_FILE_TEST_IS_EXECUTABLE)) {
			fail(cause, l->path, l->group, "command",
			    "the program must be an absolute path to an "
			    "executable file");
			goto out;
		}
		break;
	case CONFIG_NOTIFY_MAILMAN3:
		if (url_ok(l, n->url, cause) < 0)
			goto out;
		if (n->user == NULL ||
		    (file = value(l, "password_file")) == NULL) {
			fail(cause, l->path, l->group, NULL,
			    "a mailman3 connector needs user and "
			    "password_file (its REST admin)");
			goto out;
		}
		n->password = secret_file(l, "password_file", file, cause);
		g_free(file);
		if (n->password == NULL)
			goto out;
		n->password[strcspn(n->password, "\r\n")] = '\0';
		if (strcmp(n->action, "disable") != 0 &&
		    strcmp(n->action, "unsubscribe") != 0) {
			fail(cause, l->path, l->group, "action",
			    "expected disable or unsubscribe");
			goto out;
		}
		break;
	}
	rc = 0;
out:
	g_free(type);
	g_free(events);
	g_free(command);
	return rc;
}

/* notify_clear - free what a config_notify holds */
static void
notify_clear(struct config_notify *n)
{
	g_free(n->name);
	g_free(n->lists);
	g_free(n->url);
	if (n->secret != NULL)
		memset(n->secret, 0, strlen(n->secret));
	g_free(n->secret);
	g_free(n->user);
	if (n->password != NULL)
		memset(n->password, 0, strlen(n->password));
	g_free(n->password);
	g_free(n->ca_file);
	g_strfreev(n->argv);
	g_free(n->list_domain);
	g_free(n->action);
}

/* check_served - the mailboxes that serve a list (as if each said
 * list = NAME); checked once every mailbox is read (resolve_lists) */
static int
check_served(const struct load *l, char **cause)
{
	char  *v = value(l, "mailboxes"), **names;
	size_t i;

	(void)cause;
	if (v == NULL)
		return 0;
	names = g_strsplit_set(v, " ,\t", -1);
	for (i = 0; names[i] != NULL; i++) {
		if (*g_strstrip(names[i]) == '\0')
			continue;
		g_ptr_array_add(l->cfg->served, g_strdup(l->group));
		g_ptr_array_add(l->cfg->served, g_strdup(names[i]));
	}
	g_strfreev(names);
	g_free(v);
	return 0;
}

/* resolve_lists - once every group is read: each mailbox's list = by its
 * canonical name, and the mailboxes a [list NAME] claims; 0, or -1 with
 * *cause (a mailbox no group defines, or one claimed by two lists) */
static int
resolve_lists(struct config *c, const char *path, char **cause)
{
	guint i;

	for (i = 0; i < c->mailboxes->len; i++) {
		struct config_mailbox *mb =
		    &g_array_index(c->mailboxes, struct config_mailbox, i);
		const char *canon = config_list_name(c, mb->list);
		if (mb->list != NULL && canon != mb->list) {
			char *dup = g_strdup(canon);
			g_free(mb->list);
			mb->list = dup;
		}
	}
	for (i = 0; i + 1 < c->served->len; i += 2) {
		const char            *group = c->served->pdata[i];
		const char            *name = c->served->pdata[i + 1];
		struct config_mailbox *mb = config_mailbox_find(c, name);
		char                  *why = NULL;

		if (mb == NULL)
			why = g_strdup_printf("no [mailbox %s]", name);
		else if (mb->list != NULL &&
		    strcmp(mb->list, group_name(group, "list")) != 0)
			why = g_strdup_printf("[mailbox %s] serves list %s",
			    name, mb->list);
		if (why != NULL) {
			fail(cause, path, group, "mailboxes", why);
			g_free(why);
			return -1;
		}
		if (mb->list == NULL)
			mb->list = g_strdup(group_name(group, "list"));
	}
	return 0;
}

/* load_mailbox - one [mailbox NAME] group into mb; 0 or -1 with *cause */
static int
load_mailbox(struct config *c, GKeyFile *kf, const char *path,
    const char *group, struct config_mailbox *mb, char **cause)
{
	/* the group is "mailbox NAME", or a bare "mailbox" with no name */
	mb->name = g_strstrip(g_strdup(group_name(group, "mailbox")));
	if (mb->name[0] == '\0') {
		fail(cause, path, group, NULL, "a mailbox needs a name");
		return -1;
	}
	return load_group(c, kf, path, group, G_MAILBOX, mb, cause);
}

/* load_list - a [list NAME] group: overrides of [policy] for one list */
static int
load_list(GKeyFile *kf, const char *path, struct config *c, const char *group,
    char **cause)
{
	const char    *name = group_name(group, "list");
	struct load    l = { c, kf, path, group, NULL };
	struct policy *p;

	if (*name == '\0') {
		fail(cause, path, group, NULL,
		    "a list group needs a name: "
		    "[list NAME]");
		return -1;
	}
	if (add_name(&l, NULL, name, name, cause) < 0)
		return -1;
	p = g_new(struct policy, 1);
	*p = c->policy;
	if (load_group(c, kf, path, group, G_LIST, p, cause) < 0) {
		g_free(p);
		return -1;
	}
	g_hash_table_replace(c->lists, g_strdup(name), p);
	return 0;
}

/* load_notify - a [notify NAME] group: one connector */
static int
load_notify(struct config *c, GKeyFile *kf, const char *path, const char *group,
    char **cause)
{
	struct config_notify n;
	const char          *name = group_name(group, "notify");

	memset(&n, 0, sizeof(n));
	n.name = g_strdup(name);
	if (*name == '\0')
		fail(cause, path, group, NULL,
		    "a connector needs a name: [notify NAME]");
	if (*name == '\0' ||
	    load_group(c, kf, path, group, G_NOTIFY, &n, cause) < 0) {
		notify_clear(&n);
		return -1;
	}
	g_array_append_val(c->notify, n);
	return 0;
}

/* unknown_group - *cause for a group no key belongs to: "FILE:LINE:
 * unknown group [NAME] (did you mean [...]?)" */
static void
unknown_group(const char *path, const char *group, char **cause)
{
	/* clang-format off */
	static const char *const known[] = { "parse", "database", "policy",
	    "hooks", "list", "mailbox", "notify" };
	/* clang-format on */
	char       *text = NULL, **lines, *hdr = g_strdup_printf("[%s]", group);
	const char *best = NULL;
	unsigned    d, bestd = 3;
	size_t      k, n = strcspn(group, " ");
	char       *first = g_strndup(group, n);
	int         line = 0, i;

	for (k = 0; k < G_N_ELEMENTS(known); k++)
		if ((d = distance(first, known[k])) < bestd) {
			bestd = d;
			best = known[k];
		}
	if (g_file_get_contents(path, &text, NULL, NULL)) {
		lines = g_strsplit(text, "\n", -1);
		for (i = 0; lines[i] != NULL && line == 0; i++)
			if (strcmp(g_strstrip(lines[i]), hdr) == 0)
				line = i + 1;
		g_strfreev(lines);
	}
	g_free(*cause);
	*cause = g_strdup_printf("%s:%d: unknown group [%s]%s%s%s%s", path,
	    line, group, best != NULL ? " (did you mean [" : "",
	    best != NULL ? best : "",
	    best != NULL &&
		    (strcmp(best, "list") == 0 ||
			strcmp(best, "mailbox") == 0 ||
			strcmp(best, "notify") == 0)
		? " NAME"
		: "",
	    best != NULL ? "]?)" : "");
	g_free(first);
	g_free(hdr);
	g_free(text);
}

struct config *
config_load(const char *path, int flags, char **cause, int *status)
{
	GKeyFile      *kf = g_key_file_new();
	GError        *err = NULL;
	struct config *c = NULL;
	char         **groups = NULL;
	size_t         i;

	if (path == NULL)
		path = CONFIG_DEFAULT_PATH;
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
		int   line = repeated_group(path, &dup);
		if (line > 0) {
			*cause =
			    g_strdup_printf("%s:%d: %s appears a second time",
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
	c->owned = g_ptr_array_new_with_free_func(g_free);
	c->lists =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	c->names =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	c->served = g_ptr_array_new_with_free_func(g_free);
	c->addresses =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	c->notify = g_array_new(FALSE, TRUE, sizeof(struct config_notify));
	policy_defaults(&c->policy);
	if (load_group(c, kf, path, "parse", G_PARSE, &c->parse, cause) < 0 ||
	    load_group(c, kf, path, "database", G_DATABASE, c, cause) < 0 ||
	    load_group(c, kf, path, "policy", G_POLICY, &c->policy, cause) <
		0 ||
	    load_group(c, kf, path, "hooks", G_HOOKS, &c->hooks, cause) < 0)
		goto bad;
	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i] != NULL; i++) {
		struct config_mailbox mb;

		if (g_str_has_prefix(groups[i], "notify ") ||
		    strcmp(groups[i], "notify") == 0) {
			if (load_notify(c, kf, path, groups[i], cause) < 0)
				goto bad;
			continue;
		}
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
			    strcmp(groups[i], "hooks") != 0) {
				unknown_group(path, groups[i], cause);
				goto bad;
			}
			continue;
		}
		if ((flags & CONFIG_PARSE_ONLY) != 0)
			continue;
		memset(&mb, 0, sizeof(mb));
		if (load_mailbox(c, kf, path, groups[i], &mb, cause) < 0) {
			mailbox_clear(&mb);
			goto bad;
		}
		if (config_mailbox_find(c, mb.name) != NULL) {
			fail(cause, path, groups[i], NULL,
			    "a second mailbox with "
			    "this name");
			mailbox_clear(&mb);
			goto bad;
		}
		g_array_append_val(c->mailboxes, mb);
	}
	if ((flags & CONFIG_PARSE_ONLY) == 0 &&
	    resolve_lists(c, path, cause) < 0)
		goto bad;
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
		struct config_mailbox *mb =
		    &g_array_index(c->mailboxes, struct config_mailbox, i);
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

const char *
config_db_schema(struct config *c)
{
	return c->schema;
}

const struct config_timeouts *
config_db_timeouts(struct config *c)
{
	return &c->timeouts;
}

const char *
config_list_name(struct config *c, const char *name)
{
	char       *k;
	const char *canon;

	if (name == NULL)
		return NULL;
	k = g_ascii_strdown(name, -1);
	canon = g_hash_table_lookup(c->names, k);
	g_free(k);
	return canon != NULL ? canon : name;
}

char **
config_list_names(struct config *c)
{
	GList *names =
	    g_list_sort(g_hash_table_get_keys(c->lists), (GCompareFunc)strcmp);
	char **out = g_new0(char *, g_list_length(names) + 1);
	size_t i = 0;

	for (GList *k = names; k != NULL; k = k->next)
		out[i++] = g_strdup(k->data);
	g_list_free(names);
	return out;
}

int
config_list_declared(struct config *c, const char *name)
{
	return name != NULL &&
	    g_hash_table_contains(c->lists, config_list_name(c, name));
}

const struct policy *
config_policy(struct config *c, const char *list)
{
	const struct policy *p = list != NULL
	    ? g_hash_table_lookup(c->lists, config_list_name(c, list))
	    : NULL;

	return p != NULL ? p : &c->policy;
}

const struct config_notify *
config_notifiers(struct config *c, size_t *n)
{
	*n = c->notify->len;
	return (const struct config_notify *)(const void *)c->notify->data;
}

const char *
config_list_address(struct config *c, const char *list)
{
	return list != NULL
	    ? g_hash_table_lookup(c->addresses, config_list_name(c, list))
	    : NULL;
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

const char *
config_acting_unproven(struct config *c)
{
	GHashTableIter it;
	gpointer       k, v;

	if (c->policy.unproven == POLICY_UNPROVEN_ACT)
		return "";
	g_hash_table_iter_init(&it, c->lists);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((const struct policy *)v)->unproven == POLICY_UNPROVEN_ACT)
			return k;
	return NULL;
}

int
config_list_allowed(struct config *c, const char *name)
{
	guint i;

	if (name == NULL || !c->lists_configured ||
	    config_list_declared(c, name))
		return 1;
	name = config_list_name(c, name);
	for (i = 0; i < c->mailboxes->len; i++) {
		const struct config_mailbox *mb =
		    &g_array_index(c->mailboxes, struct config_mailbox, i);
		if (mb->list != NULL && strcmp(mb->list, name) == 0)
			return 1;
	}
	return 0;
}
