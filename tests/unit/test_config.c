/*
 * test_config.c - the configuration file: mailbox URLs, defaults, and
 * refusals with FILE:LINE, table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "config.h"

static char *dir;

/* put_file - a file in the test directory; its path (g_free) */
static char *
put_file(const char *name, const char *text, int mode)
{
	char *p = g_build_filename(dir, name, NULL);

	g_assert(g_file_set_contents(p, text, -1, NULL));
	chmod(p, (mode_t)mode);
	return p;
}

/* load - config_load on text; *cause kept for the caller (g_free) */
static struct config *
load(const char *text, char **cause, int *status)
{
	char          *p = put_file("t.conf", text, 0644);
	struct config *c = config_load(p, 0, cause, status);

	g_free(p);
	return c;
}

static int
setup(void **state)
{
	char *pw;

	dir = g_dir_make_tmp("rebound-config-XXXXXX", NULL);
	pw = put_file("pw", "secret\nignored\n", 0600);
	g_free(pw);
	g_free(put_file("pw-open", "secret\n", 0644));
	/* a FIFO would block the read for ever */
	pw = g_build_filename(dir, "pw-fifo", NULL);
	if (mkfifo(pw, 0600) != 0)
		return -1;
	g_free(pw);
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		return -1;
	g_free(cmd);
	g_free(dir);
	return 0;
}

/* URLs and defaults */
static void
mailboxes(void **state)
{
	/* clang-format off */
	static const struct {
		const char *url, *extra;
		enum config_proto proto;
		const char *user, *host, *folder;
		unsigned port;
		enum config_after after;
	} cases[] = {
		{ "imaps://bounces@mail.example.org/INBOX", "", CONFIG_IMAPS,
		  "bounces", "mail.example.org", "INBOX", 993, CONFIG_AFTER_MOVE },
		{ "imap://b%40x@127.0.0.1:1143/Lists/Bounces", "", CONFIG_IMAP,
		  "b@x", "127.0.0.1", "Lists/Bounces", 1143, CONFIG_AFTER_MOVE },
		{ "imap://u@mail.example.org", "starttls = yes\n", CONFIG_IMAP,
		  "u", "mail.example.org", "INBOX", 143, CONFIG_AFTER_MOVE },
		{ "pop3s://u@pop.example.org", "", CONFIG_POP3S, "u",
		  "pop.example.org", "INBOX", 995, CONFIG_AFTER_DELETE },
		{ "pop3://u@localhost:11110", "after = keep\n", CONFIG_POP3, "u",
		  "localhost", "INBOX", 11110, CONFIG_AFTER_KEEP },
		{ "imap://u@[::1]:1143", "", CONFIG_IMAP, "u", "::1", "INBOX",
		  1143, CONFIG_AFTER_MOVE },
		{ "imap://u@127.8.9.10", "", CONFIG_IMAP, "u", "127.8.9.10",
		  "INBOX", 143, CONFIG_AFTER_MOVE },
		{ "imaps://u@h.example/INBOX", "after = flag\n", CONFIG_IMAPS,
		  "u", "h.example", "INBOX", 993, CONFIG_AFTER_FLAG },
	};
	/* clang-format on */
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char          *text = g_strdup_printf("[mailbox m]\nurl = %s\n"
							       "password_file = %s/pw\n%s",
			     cases[i].url, dir, cases[i].extra);
		char          *cause = NULL;
		int            status;
		struct config *c = load(text, &cause, &status);
		struct config_mailbox *mb;

		if (c == NULL)
			fail_msg("%s: %s", cases[i].url, cause);
		mb = config_mailboxes(c, &n);
		assert_int_equal(n, 1);
		assert_int_equal(mb->proto, cases[i].proto);
		assert_string_equal(mb->user, cases[i].user);
		assert_string_equal(mb->host, cases[i].host);
		assert_string_equal(mb->folder, cases[i].folder);
		assert_int_equal(mb->port, cases[i].port);
		assert_int_equal(mb->after, cases[i].after);
		assert_string_equal(mb->password, "secret");
		assert_int_equal(mb->tls_verify, 1);
		config_free(c);
		g_free(text);
	}
}

/* refusals: the status, and where the message points */
static void
refusals(void **state)
{
	/* clang-format off */
	static const struct {
		const char *text;	/* %s: the test directory */
		int status;
		const char *in_cause;
	} cases[] = {
		{ "[mailbox m]\nurl = imaps://u@h.example\n", EX_CONFIG,
		  "no password_file" },
		{ "[mailbox m]\nurl = imaps://u@h.example\npassword_file = "
		  "%s/pw-open\n", EX_CONFIG, "t.conf:3: [mailbox m] password_file"
		  ": " },
		{ "[mailbox m]\nurl = imap://u@mail.example.org\npassword_file = "
		  "%s/pw\n", EX_CONFIG, "clear text" },
		{ "[mailbox m]\nurl = gopher://u@h.example\npassword_file = "
		  "%s/pw\n", EX_CONFIG, "t.conf:2: [mailbox m] url: scheme" },
		{ "[mailbox m]\nurl = imaps://u@h.example\npassword_file = %s/pw\n"
		  "timeout = forever\n", EX_CONFIG, "t.conf:4: [mailbox m] timeout" },
		{ "[mailbox m]\nurl = imaps://u@h.example\npassword_file = %s/pw\n"
		  "after = shred\n", EX_CONFIG, "t.conf:4: [mailbox m] after" },
		{ "[mailbox m]\nurl = imaps://u@h.example\npassword_file = %s/pw\n"
		  "starttls = yes\n", EX_CONFIG, "only for imap:// and pop3://" },
		{ "[mailbox m]\nurl = mbox:/var/mail/b\nafter = delete\n",
		  EX_CONFIG, "keep" },
		{ "[parse]\nverp = perhaps\n", EX_CONFIG, "t.conf:2: [parse] verp" },
		{ "[mailbox m]\nurl = maildir:/tmp/x\n[mailbox m]\n", EX_CONFIG,
		  "t.conf:3: [mailbox m] appears a second time" },
		{ "[mailbox m\nurl = x\n", EX_CONFIG, "t.conf:1: " },
		{ "[policy]\nsoft_threshold = 0\n", EX_CONFIG,
		  "t.conf:2: [policy] soft_threshold: expected a number from 1" },
		{ "[list news]\nsoft_window = a month\n", EX_CONFIG,
		  "t.conf:2: [list news] soft_window" },
		{ "[list]\nsoft_window = 3\n", EX_CONFIG, "[list NAME]" },
		{ "[mailbox]\nurl = maildir:/tmp/x\n", EX_CONFIG,
		  "a mailbox needs a name" },
		{ "[list a]\nsoft_window = \xff\xfe\n", EX_CONFIG,
		  "t.conf:2: [list a] soft_window: not valid UTF-8" },
		{ "[hooks]\non_soft = SELECT '\xc3'\n", EX_CONFIG,
		  "t.conf:2: [hooks] on_soft: not valid UTF-8" },
		/* a password in a URI conninfo, in a file others can read */
		{ "[database]\nconninfo = postgresql://u:SECRET@db.example/x\n",
		  EX_CONFIG, "t.conf:2: [database] conninfo: holds a password" },
		{ "[database]\nconninfo = host=db.example sslpassword=x\n",
		  EX_CONFIG, "t.conf:2: [database] conninfo: holds a password" },
		/* a name that starts like a loopback address is no loopback */
		{ "[mailbox m]\nurl = imap://u@127.mail.example.com\n"
		  "password_file = %s/pw\n", EX_CONFIG, "clear text" },
		{ "[mailbox m]\nurl = imap://u@localhost.example.com\n"
		  "password_file = %s/pw\n", EX_CONFIG, "clear text" },
		/* a typo is an error, not a warning: a default would do what
		 * the operator wrote against */
		{ "[mailbox m]\nurl = maildir:/tmp/x\nafetr = keep\n", EX_CONFIG,
		  "t.conf:3: [mailbox m] afetr: unknown key (did you mean "
		  "'after'?)" },
		{ "[policy]\nsoft_treshold = 3\n", EX_CONFIG,
		  "t.conf:2: [policy] soft_treshold: unknown key (did you mean "
		  "'soft_threshold'?)" },
		{ "[database]\nflavour = x\n", EX_CONFIG,
		  "t.conf:2: [database] flavour: unknown key" },
		{ "[polcy]\nsoft_threshold = 3\n", EX_CONFIG,
		  "t.conf:1: unknown group [polcy] (did you mean [policy]?)" },
		{ "[parse]\n[mailbx news]\nurl = maildir:/tmp/x\n", EX_CONFIG,
		  "t.conf:2: unknown group [mailbx news] (did you mean [mailbox "
		  "NAME]?)" },
		/* a FIFO, not a file */
		{ "[mailbox m]\nurl = imaps://u@h.example\npassword_file = "
		  "%s/pw-fifo\n", EX_CONFIG, "is not a regular file" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char         **parts = g_strsplit(cases[i].text, "%s", -1);
		char          *text = g_strjoinv(dir, parts);
		char          *cause = NULL;
		int            status = 0;
		struct config *c = load(text, &cause, &status);

		if (c != NULL)
			fail_msg("case %zu accepted: %s", i, text);
		assert_int_equal(status, cases[i].status);
		if (strstr(cause, cases[i].in_cause) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, cause,
			    cases[i].in_cause);
		g_free(cause);
		g_free(text);
		g_strfreev(parts);
	}
}

/* the password from the environment; parse-only loading skips mailboxes */
static void
env_and_parse_only(void **state)
{
	char          *p, *cause = NULL;
	int            status;
	struct config *c;
	size_t         n;

	setenv("REBOUND_TEST_PW", "from-env", 1);
	c = load("[mailbox m]\nurl = pop3s://u@h.example\n"
		 "password_env = REBOUND_TEST_PW\n",
	    &cause, &status);
	assert_non_null(c);
	assert_string_equal(config_mailboxes(c, &n)->password, "from-env");
	config_free(c);
	p = put_file("p.conf",
	    "[parse]\nlist_header = X-List\n[mailbox m]\n"
	    "url = imaps://u@h.example\n",
	    0644);
	c = config_load(p, CONFIG_PARSE_ONLY, &cause, &status);
	assert_non_null(c);
	assert_string_equal(config_parse_options(c)->list_header, "X-List");
	config_mailboxes(c, &n);
	assert_int_equal(n, 0);
	config_free(c);
	g_free(p);
}

/* [policy] over the defaults, [list NAME] over [policy], [hooks] */
static void
policy_and_hooks(void **state)
{
	char                *cause = NULL;
	int                  status;
	const struct policy *p;
	struct config       *c;

	c = load("[parse]\n", &cause, &status);
	assert_non_null(c);
	p = config_policy(c, NULL);
	assert_int_equal(p->soft_threshold, 5);
	assert_int_equal(p->soft_window, 30);
	assert_int_equal(p->soft_stale_after, 14);
	assert_int_equal(p->block_alert, 10);
	assert_null(config_hooks(c)->on_soft);
	config_free(c);
	c = load(
	    "[policy]\nsoft_threshold = 3\nblock_alert = 0\n"
	    "[list digest]\nsoft_window = 7\n"
	    "[hooks]\non_suppress = UPDATE m SET on = false WHERE e = $1\n",
	    &cause, &status);
	assert_non_null(c);
	p = config_policy(c, NULL);
	assert_int_equal(p->soft_threshold, 3);
	assert_int_equal(p->soft_window, 30);
	assert_int_equal(p->block_alert, 0);
	p = config_policy(c, "digest");
	assert_int_equal(p->soft_threshold, 3); /* from [policy] */
	assert_int_equal(p->soft_window, 7);
	assert_ptr_equal(config_policy(c, "other"), config_policy(c, NULL));
	assert_string_equal(config_hooks(c)->on_suppress,
	    "UPDATE m SET on = false WHERE e = $1");
	assert_null(config_hooks(c)->on_unsuppress);
	config_free(c);
}

/* [list NAME] aliases and mailboxes: every name of a list leads to it */
static void
list_names(void **state)
{
	char          *cause = NULL, **names;
	int            status;
	struct config *c;
	size_t         n;

	c = load("[list News]\naliases = news@lists.example.com, "
		 "<Weekly.example.com> old-news\nsoft_threshold = 2\n"
		 "mailboxes = b\n[list digest]\n"
		 "[mailbox b]\nurl = maildir:/tmp\n"
		 "[mailbox c]\nurl = maildir:/tmp\nlist = OLD-NEWS\n",
	    &cause, &status);
	assert_non_null(c);
	assert_string_equal(config_list_name(c, "news"), "News");
	assert_string_equal(config_list_name(c, "NEWS@lists.example.com"),
	    "News");
	assert_string_equal(config_list_name(c, "news.lists.example.com"),
	    "News");
	assert_string_equal(config_list_name(c, "weekly.example.com"), "News");
	assert_string_equal(config_list_name(c, "other"), "other");
	assert_null(config_list_name(c, NULL));
	assert_true(config_list_declared(c, "old-news"));
	assert_false(config_list_declared(c, "other"));
	assert_int_equal(config_policy(c, "weekly.example.com")->soft_threshold,
	    2);
	assert_string_equal(config_mailboxes(c, &n)[0].list, "News");
	assert_string_equal(config_mailboxes(c, &n)[1].list, "News");
	names = config_list_names(c);
	assert_string_equal(names[0], "News");
	assert_string_equal(names[1], "digest");
	assert_null(names[2]);
	g_strfreev(names);
	config_free(c);
}

int
main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mailboxes),
		cmocka_unit_test(refusals),
		cmocka_unit_test(env_and_parse_only),
		cmocka_unit_test(policy_and_hooks),
		cmocka_unit_test(list_names),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, setup, teardown);
}
