#!/bin/sh
# lists.sh - one list, one name (issue 17, first slice): a list that shows
# up as a VERP name, a plain {list}-bounces return path, a List-Id, a list
# address and a mailbox's list becomes one subscriber row under its
# canonical name, and hooks see that name; an unknown list given to a
# command is an error that names the known ones.  Real PostgreSQL and
# Dovecot.
#
# usage: tests/lists.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
CONF=$TMP/rebound.conf

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}

mkdir -p "$D"
"$DV" start "$D" || exit 1
cp "$D/bounces.pass" "$TMP/bounces.pass"
chmod 600 "$TMP/bounces.pass"
MAILDIR=$D/mail/bounces/Maildir
OWNER=$(stat -c %u:%g "$MAILDIR")

cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
verp_prefix = {list}-bounces

[policy]
soft_threshold = 4
# only the lists declared here: a typo in --list is an error
lists = configured

# one list, every way it shows up
[list News]
aliases = news@lists.example.com, <weekly.example.com>
mailboxes = bounces

[list digest]

[hooks]
on_soft = UPDATE lm_members SET soft = soft + 1 WHERE list_name = \$2 AND email = \$1

[mailbox bounces]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $TMP/bounces.pass
ca_file = $D/cert.pem
CONF

"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"
sql "CREATE TABLE lm_members (list_name text, email text, soft int DEFAULT 0);
     INSERT INTO lm_members VALUES ('News', 'alice@example.org');" ||
    fail "list manager's table"

# full ADDRESS [DELIVERED-TO] [LIST-ID] - a mailbox-full DSN for ADDRESS
# (soft: counted once a day); our MTA adds the Delivered-To (topmost); the
# returned original may carry a List-Id
full() {
	dsn_msg "$1" 4.2.2 "452 4.2.2 Mailbox full" "${2:-}" \
	    "From: news@lists.example.com\nTo: $1\nSubject: Issue${3:+\nList-Id: News <$3>}"
}

# stdin DAY - store the message on standard input on DAY, no mailbox
stdin() {
	REBOUND_TEST_TODAY=$1 "$BIN" run --stdin --config "$CONF" \
	    >/dev/null 2>"$TMP/err" ||
	    fail "run --stdin on $1: $(cat "$TMP/err")"
}

# 1. an unsigned VERP return path names the list by its VERP name, "news"
full alice@example.org news-bounces+alice=example.org@lists.example.com | stdin 2026-02-01
# 2. a plain return path with no VERP part (Mailman 3, unpersonalised)
full alice@example.org news-bounces@lists.example.com | stdin 2026-02-02
# 3. no return path of ours: the returned original's List-Id, an alias
full alice@example.org "" weekly.example.com | stdin 2026-02-03
# 4. read from the mailbox [list News] claims, through Dovecot; its List-Id
# is the list address's RFC 2919 form
full alice@example.org "" news.lists.example.com >"$TMP/m4"
chown "$OWNER" "$TMP/m4"
mv "$TMP/m4" "$MAILDIR/new/1800000000.M1P1.lists"
REBOUND_TEST_TODAY=2026-02-04 "$BIN" run --config "$CONF" >/dev/null 2>"$TMP/err" ||
    fail "run from Dovecot: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events")" -eq 4 ] ||
    fail "expected 4 events, got $(sql "SELECT count(*) FROM events")"

rows=$(sql "SELECT l.name || ' ' || s.state || ' ' || s.score FROM subscribers s JOIN lists l ON l.id = s.list_id WHERE s.address = 'alice@example.org'")
[ "$rows" = "News suppressed 4" ] ||
    fail "four names of one list: expected one row 'News suppressed 4', got '$rows'"
[ "$(sql "SELECT string_agg(name, ',') FROM lists")" = "News" ] ||
    fail "lists table holds $(sql "SELECT string_agg(name, ',') FROM lists")"
[ "$(sql "SELECT soft FROM lm_members WHERE email = 'alice@example.org'")" -eq 4 ] ||
    fail "the on_soft hook matched $(sql "SELECT soft FROM lm_members") times, expected 4"

# commands take any name of a list; an unknown one is EX_USAGE naming the
# known lists
"$BIN" export --config "$CONF" --list news.lists.example.com >"$TMP/out" 2>&1 ||
    fail "export --list by an alias: $(cat "$TMP/out")"
grep -qx alice@example.org "$TMP/out" || fail "export by alias: $(cat "$TMP/out")"
"$BIN" export --config "$CONF" --list digest >"$TMP/out" 2>&1 ||
    fail "export --list of a declared list with no rows yet: $(cat "$TMP/out")"
"$BIN" export --config "$CONF" --list nwes >"$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 64 ] || fail "export --list nwes exited $rc, expected 64"
grep -q "no list named 'nwes'.*News.*declares: News, digest" "$TMP/out" ||
    fail "export --list nwes says: $(cat "$TMP/out")"
"$BIN" unsuppress --config "$CONF" --list nwes alice@example.org >"$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 64 ] || fail "unsuppress --list nwes exited $rc, expected 64"
"$BIN" unsuppress --config "$CONF" --list NEWS alice@example.org >"$TMP/out" 2>&1 ||
    fail "unsuppress --list NEWS: $(cat "$TMP/out")"

printf 'Subject: x\n\nx\n' | "$BIN" run --stdin --config "$CONF" --list nwes >"$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 64 ] || fail "run --stdin --list nwes exited $rc, expected 64"
grep -q "no list named 'nwes' (\[policy\] lists = configured; the configuration declares: News, digest)" "$TMP/out" ||
    fail "run --stdin --list nwes says: $(cat "$TMP/out")"
"$BIN" verp --config "$CONF" --list nwes a@example.org >/dev/null 2>&1
rc=$?
[ "$rc" -eq 64 ] || fail "verp --list nwes exited $rc, expected 64"

# the configuration: an alias may name one list only; a mailbox claimed by
# a list must exist and serve no other list
bad() { # bad WHAT EXPECTED-PATTERN - the config on stdin is refused
	cat >"$TMP/bad.conf"
	"$BIN" run --dry-run --config "$TMP/bad.conf" >"$TMP/out" 2>&1
	rc=$?
	[ "$rc" -eq 78 ] || fail "$1: exited $rc, expected 78"
	grep -q "$2" "$TMP/out" || fail "$1: says $(cat "$TMP/out")"
}
printf '[list a]\naliases = x.example.com\n[list b]\naliases = X.example.com\n' |
    bad "one alias, two lists" "already names list a"
printf '[list a]\n[list b]\naliases = A\n' |
    bad "an alias that is another list's name" "already names list a"
printf '[list a]\nmailboxes = nosuch\n' |
    bad "a mailbox no group defines" "no \[mailbox nosuch\]"
printf '[list a]\nmailboxes = m\n[mailbox m]\nurl = maildir:/tmp\nlist = b\n' |
    bad "a mailbox of another list" "serves list b"

finish lists
