#!/bin/sh
# state.sh - subscriber state in a real PostgreSQL: the policy with a
# controlled clock, two lists and a per-list override, unknown addresses,
# complaints, SQL hooks, SQL-hostile text, the status, export, subscriber
# and unsuppress commands.
#
# usage: tests/state.sh REBOUND TESTS_DIR
#
# Bounces go in through `rebound run --stdin` (the MTA pipe), each one a
# message written here; REBOUND_TEST_TODAY sets the policy's clock.
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
CONF=$TMP/rebound.conf
cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
verp_prefix = {list}-bounces

[policy]
block_alert = 2
# these bounces carry no proof (tests/trust.sh tests proof): act on them
unproven = act

[list digest]
soft_threshold = 2

[hooks]
on_suppress = INSERT INTO manager_log (address, list, class, reason, status) VALUES (\$1, \$2, 'suppress:' || \$3, \$4, \$5)
on_soft = INSERT INTO manager_log (address, list, class) VALUES (\$1, \$2, 'soft')
on_unsuppress = UPDATE manager_members SET active = true WHERE email = \$1
CONF

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}

"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"
# the list manager's own tables, which the hooks keep in step
sql "CREATE TABLE manager_log (address text, list text, class text, reason text, status text);
     CREATE TABLE manager_members (email text, active boolean);
     INSERT INTO manager_members VALUES ('dave@example.com', false)"

n=0
# dsn ADDRESS STATUS DIAGNOSTIC [TO] - a DSN for ADDRESS on standard output,
# delivered to TO (the Delivered-To our MTA adds, where VERP is read)
dsn() {
	n=$(date +%s%N)
	printf 'Delivered-To: %s\n' "${4:-bounces@list.example}"
	printf 'From: MAILER-DAEMON@mx.example.net\nTo: %s\n' "${4:-bounces@list.example}"
	printf 'Subject: Undelivered Mail Returned to Sender\n'
	printf 'Message-ID: <state-%d-%s@mx.example.net>\n' "$n" "$$"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; '
	printf 'report-type=delivery-status; boundary="B"\n\n--B\n'
	printf 'Content-Type: text/plain\n\nDelivery failed.\n\n--B\n'
	printf 'Content-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; mx.example.net\n\n'
	printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n' "$1" "$2"
	printf 'Diagnostic-Code: smtp; %s\n\n--B--\n' "$3"
}

# arf ADDRESS - an abuse complaint about mail to ADDRESS
arf() {
	n=$(date +%s%N)
	printf 'From: feedback@fbl.example.net\nTo: bounces@list.example\n'
	printf 'Subject: Abuse report\nMessage-ID: <arf-%d-%s@fbl>\n' "$n" "$$"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; '
	printf 'report-type=feedback-report; boundary="A"\n\n--A\n'
	printf 'Content-Type: text/plain\n\nA complaint.\n\n--A\n'
	printf 'Content-Type: message/feedback-report\n\n'
	printf 'Feedback-Type: abuse\nUser-Agent: test/1\nVersion: 1\n'
	printf 'Original-Rcpt-To: %s\n\n--A\nContent-Type: message/rfc822\n\n' "$1"
	printf 'From: news@list.example\nTo: %s\nSubject: news\n\nhello\n--A--\n' "$1"
}

# feed DAY [LIST] - store the message on standard input on DAY
feed() {
	REBOUND_TEST_TODAY=$1 "$BIN" run --stdin --config "$CONF" \
	    ${2:+--list "$2"} >/dev/null 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "feed on $1 exited $rc: $(cat "$TMP/err")"
}

state() {
	sql "SELECT s.state || ' ' || s.score FROM subscribers s JOIN lists l ON l.id = s.list_id WHERE s.address = '$1' AND l.name = '$2'"
}

SOFT="452 4.2.2 Mailbox full"
# policy transitions: day, class of the bounce, state and score after it
while read -r day cls want; do
	case $cls in
	soft) dsn carol@example.net 4.2.2 "$SOFT" ;;
	block) dsn carol@example.net 5.7.1 "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org" ;;
	esac | feed "$day" news
	got=$(state carol@example.net news)
	[ "$got" = "$want" ] || fail "policy: $cls on $day: got '$got', expected '$want'"
done <<'TABLE'
2026-01-01 soft bouncing 1
2026-01-01 soft bouncing 1
2026-01-02 soft bouncing 2
2026-01-03 block bouncing 2
2026-01-20 soft bouncing 1
2026-01-21 soft bouncing 2
2026-01-22 soft bouncing 3
2026-01-23 soft bouncing 4
2026-01-24 soft suppressed 5
2026-01-25 soft suppressed 6
TABLE
[ "$(sql "SELECT cause FROM suppressions WHERE address = 'carol@example.net' AND ended_at IS NULL")" = soft ] ||
    fail "soft threshold: no soft suppression"

# the window: five soft days spread over more than 30 days never suppress
# (the count starts again on 04-01, 31 days after it began)
for day in 2026-03-01 2026-03-12 2026-03-23 2026-04-01 2026-04-05; do
	dsn erin@example.net 4.2.2 "$SOFT" | feed "$day" news
done
[ "$(state erin@example.net news)" = "bouncing 2" ] ||
    fail "soft window: $(state erin@example.net news)"

# a per-list override: [list digest] soft_threshold = 2
dsn erin@example.net 4.2.2 "$SOFT" | feed 2026-04-05 digest
dsn erin@example.net 4.2.2 "$SOFT" | feed 2026-04-06 digest
[ "$(state erin@example.net digest)" = "suppressed 2" ] ||
    fail "digest threshold: $(state erin@example.net digest)"

# a hard bounce suppresses on its list only; a complaint everywhere
dsn dave@example.com 5.1.1 "550 5.1.1 <dave@example.com>: Recipient address rejected: User unknown" | feed 2026-05-01 news
[ "$(state dave@example.com news)" = "suppressed 0" ] || fail "hard: $(state dave@example.com news)"
arf frank@example.org | feed 2026-05-01 digest
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'frank@example.org' AND list_id IS NULL AND cause = 'complaint'")" -eq 1 ] ||
    fail "complaint not suppressed globally"
# an address on no known list: an event, and still a suppression
dsn nobody@example.org 5.1.1 "550 5.1.1 User unknown" | feed 2026-05-01
[ "$(sql "SELECT count(*) FROM events WHERE address = 'nobody@example.org' AND list IS NULL AND class = 'hard'")" -eq 1 ] ||
    fail "unknown address: no event"
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'nobody@example.org' AND ended_at IS NULL")" -eq 1 ] ||
    fail "unknown address: no suppression"

# an unsigned VERP address ("{list}-bounces") does not name the list:
# anyone can write one; the mailbox's list does (trust.sh: a signed one
# names it)
dsn ivan@example.org 5.1.1 "550 5.1.1 User unknown" \
    "announce-bounces+ivan=example.org@list.example" | feed 2026-05-01 news
[ "$(state ivan@example.org news)" = "suppressed 0" ] ||
    fail "VERP list: $(sql "SELECT l.name FROM subscribers s JOIN lists l ON l.id = s.list_id WHERE address = 'ivan@example.org'")"

# a forward to a dead mailbox suppresses the subscriber, not the target
feed 2026-05-02 news <"$(dirname "$0")/golden/dsn-forwarded.eml"
[ "$(sql "SELECT state FROM subscribers WHERE address = 'dana@alumni.example.edu'")" = "suppressed" ] ||
    fail "forward: subscriber not suppressed: $(sql "SELECT address, state FROM subscribers")"
[ "$(sql "SELECT count(*) FROM subscribers WHERE address = 'dana.old@isp.example.net'")" -eq 0 ] ||
    fail "forward: the forward target got a subscriber row"

# redelivery through the pipe: counted once
dsn grace@example.org 5.1.1 "550 5.1.1 User unknown" >"$TMP/grace.eml"
feed 2026-05-02 news <"$TMP/grace.eml"
before=$(sql "SELECT count(*) FROM events")
feed 2026-05-02 news <"$TMP/grace.eml"
[ "$(sql "SELECT count(*) FROM events")" -eq "$before" ] || fail "a piped redelivery counted again"

# blocks never touch the subscriber; more than block_alert per domain warns
mkdir -p "$TMP/blocks/cur" "$TMP/blocks/new" "$TMP/blocks/tmp"
for i in 1 2 3; do
	dsn "user$i@blocky.example" 5.7.1 "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org" \
	    >"$TMP/blocks/new/$i.block"
done
cat >>"$CONF" <<CONF

[mailbox blocks]
url = maildir:$TMP/blocks
list = news
CONF
"$BIN" run --config "$CONF" --mailbox blocks >/dev/null 2>"$TMP/err" || fail "block run: $(cat "$TMP/err")"
grep -q "warning: 3 blocks from blocky.example on [0-9-]* (block_alert = 2)" "$TMP/err" ||
    fail "no block alert: $(cat "$TMP/err")"
# one line per domain and day: the next run's blocks of that day (3,
# over block_alert on their own, as the old per-run count saw them) add to
# the count but say nothing again
for i in 4 5 6; do
	dsn "user$i@blocky.example" 5.7.1 "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org" \
	    >"$TMP/blocks/new/$i.block"
done
"$BIN" run --config "$CONF" --mailbox blocks >/dev/null 2>"$TMP/err" || fail "block run 2: $(cat "$TMP/err")"
grep -q "blocks from blocky.example" "$TMP/err" && fail "the block alert again: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM subscribers WHERE address LIKE '%@blocky.example' AND state = 'active' AND score = 0 AND block_count = 1")" -eq 6 ] ||
    fail "blocks changed subscribers"
[ "$(sql "SELECT count(*) FROM suppressions WHERE address LIKE '%@blocky.example'")" -eq 0 ] ||
    fail "a block suppressed"

# SQL-hostile text: quotes, backslashes, a NUL and bytes that are not
# UTF-8 are stored as the parser reports them (NUL as a space, each
# invalid sequence as U+FFFD), and the batch is not refused
{
	dsn "o'brien@example.ie" 5.1.1 "550 5.1.1 user \"o'brien\" unknown \\ '); DROP TABLE events; -- END"
} | sed 's/ END$/ \x00 \xff\xfe end/' | feed 2026-05-03 news
[ "$(sql "SELECT count(*) FROM events WHERE address = 'o''brien@example.ie'")" -eq 1 ] ||
    fail "hostile address not stored intact: $(sql "SELECT address FROM events ORDER BY id DESC LIMIT 1")"
want="550 5.1.1 user \"o'brien\" unknown \\ '); DROP TABLE events; --"
got=$(sql "SELECT diagnostic FROM events WHERE address = 'o''brien@example.ie'")
case $got in
"$want"*" end") ;;
*) fail "hostile diagnostic: '$got'" ;;
esac
[ "$(sql "SELECT count(*) FROM events WHERE diagnostic LIKE '%' || U&'\\FFFD' || '% end'")" -eq 1 ] ||
    fail "invalid UTF-8 not replaced by U+FFFD"

# the hooks ran in the same transactions
[ "$(sql "SELECT count(*) FROM manager_log WHERE address = 'dave@example.com' AND list = 'news' AND class = 'suppress:hard' AND status = '5.1.1'")" -eq 1 ] ||
    fail "on_suppress: $(sql "SELECT * FROM manager_log WHERE address = 'dave@example.com'")"
[ "$(sql "SELECT count(*) FROM manager_log WHERE address = 'frank@example.org' AND list IS NULL AND class = 'suppress:complaint'")" -eq 1 ] ||
    fail "on_suppress for a complaint"
[ "$(sql "SELECT count(*) FROM manager_log WHERE address = 'carol@example.net' AND class = 'soft'")" -eq 9 ] ||
    fail "on_soft: $(sql "SELECT count(*) FROM manager_log WHERE address = 'carol@example.net' AND class = 'soft'") calls, expected 9"

# a failing hook rolls the whole batch back: nothing stored, exit non-zero
sed 's/^on_soft = .*/on_soft = INSERT INTO no_such_table VALUES ($1)/' "$CONF" >"$TMP/badhook.conf"
dsn heidi@example.org 4.2.2 "$SOFT" >"$TMP/heidi.eml"
REBOUND_TEST_TODAY=2026-05-04 "$BIN" run --stdin --config "$TMP/badhook.conf" --list news <"$TMP/heidi.eml" >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 78 ] || fail "a bad hook exited $rc, expected 78: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events WHERE address = 'heidi@example.org'")" -eq 0 ] ||
    fail "a bad hook left events behind"

# status
"$BIN" status --json --config "$CONF" >"$TMP/status.json" 2>"$TMP/err" || fail "status: $(cat "$TMP/err")"
messages=$(sql "SELECT count(*) FROM messages")
suppressed=$(sql "SELECT count(DISTINCT address) FROM suppressions WHERE ended_at IS NULL")
grep -q "\"messages\":$messages," "$TMP/status.json" || fail "status messages: $(cat "$TMP/status.json")"
grep -q "\"suppressed\":$suppressed," "$TMP/status.json" || fail "status suppressed"
grep -q '"events_by_class":{' "$TMP/status.json" || fail "status events by class"
grep -q '"top_domains":\[{"domain":"example.net"' "$TMP/status.json" || fail "status top domains: $(cat "$TMP/status.json")"
"$BIN" status --config "$CONF" | grep -q "^messages  *$messages$" || fail "status text"

# exports
"$BIN" export --config "$CONF" -o "$TMP/all.txt" 2>/dev/null || fail "export txt"
[ "$(wc -l <"$TMP/all.txt")" -eq "$suppressed" ] || fail "txt export: $(wc -l <"$TMP/all.txt") lines, $suppressed addresses"
"$BIN" export --config "$CONF" --list digest --format txt >"$TMP/digest.txt" || fail "export --list"
# a list name with a typo is an error, not an export of the global rows
"$BIN" export --config "$CONF" --list digset >"$TMP/typo.txt" 2>"$TMP/err"
[ $? -eq 64 ] && [ ! -s "$TMP/typo.txt" ] && grep -q "no list named 'digset' (the database knows: .*digest" "$TMP/err" ||
    fail "export --list with a typo: $(cat "$TMP/err")"
grep -qx 'frank@example.org' "$TMP/digest.txt" || fail "a list's export lacks the global complaint"
grep -qx 'erin@example.net' "$TMP/digest.txt" || fail "digest export lacks erin"
grep -qx 'dave@example.com' "$TMP/digest.txt" && fail "digest export holds news's dave"
"$BIN" export --config "$CONF" --scope global >"$TMP/global.txt" || fail "export --scope global"
grep -qx 'frank@example.org' "$TMP/global.txt" && grep -qx 'nobody@example.org' "$TMP/global.txt" &&
    ! grep -qx 'dave@example.com' "$TMP/global.txt" || fail "global export: $(cat "$TMP/global.txt")"
"$BIN" export --config "$CONF" --format csv -o "$TMP/all.csv" 2>/dev/null || fail "export csv"
[ "$(head -n 1 "$TMP/all.csv")" = "address,list,cause,reason,status,since,proof" ] || fail "csv header"
grep -q "^dave@example.com,news,hard,[a-z]*,5.1.1,20[0-9-]*T[0-9:]*Z,none$" "$TMP/all.csv" || fail "csv row: $(cat "$TMP/all.csv")"
# export files: a new one is the operator's alone (addresses); an existing
# one keeps its mode; a symbolic link is never written through
rm -f "$TMP/new.txt"
(umask 022 && "$BIN" export --config "$CONF" -o "$TMP/new.txt" 2>/dev/null) || fail "export -o"
[ "$(stat -c %a "$TMP/new.txt")" = 600 ] || fail "new export mode $(stat -c %a "$TMP/new.txt")"
chmod 640 "$TMP/new.txt"
"$BIN" export --config "$CONF" -o "$TMP/new.txt" 2>/dev/null || fail "export -o again"
[ "$(stat -c %a "$TMP/new.txt")" = 640 ] || fail "export mode not kept: $(stat -c %a "$TMP/new.txt")"
echo precious >"$TMP/target"
ln -s "$TMP/target" "$TMP/link.txt"
"$BIN" export --config "$CONF" -o "$TMP/link.txt" 2>"$TMP/err"
[ $? -eq 73 ] || fail "export through a symbolic link did not fail (73)"
[ "$(cat "$TMP/target")" = precious ] && [ -L "$TMP/link.txt" ] ||
    fail "export wrote through a symbolic link"

# CSV injection: a cell a spreadsheet would run as a formula is defused
dsn "-2+3@example.org" 5.1.1 "550 5.1.1 User unknown" | feed 2026-05-04 "=HYPERLINK(1)"
"$BIN" export --config "$CONF" --format csv -o "$TMP/inj.csv" 2>/dev/null || fail "export csv"
grep -q "^\"'-2+3@example.org\",\"'=HYPERLINK(1)\",hard," "$TMP/inj.csv" ||
    fail "formula cells not defused: $(grep example.org, "$TMP/inj.csv" | grep -- -2)"
"$BIN" export --config "$CONF" --format json >"$TMP/all.json" || fail "export json"
[ "$(grep -c '^{"address":' "$TMP/all.json")" -eq "$(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL")" ] ||
    fail "json export rows"
"$BIN" export --config "$CONF" --since 2999-01-01 >"$TMP/none.txt" && [ ! -s "$TMP/none.txt" ] ||
    fail "--since in the future exported something"
"$BIN" export --config "$CONF" --since yesterday >/dev/null 2>&1
[ $? -eq 64 ] || fail "a bad --since is not a usage error"

# subscriber
"$BIN" subscriber --config "$CONF" carol@example.net >"$TMP/carol" || fail "subscriber"
grep -q "suppressed" "$TMP/carol" && grep -q "mailbox_full\|full" "$TMP/carol" || fail "subscriber output: $(cat "$TMP/carol")"
"$BIN" subscriber --config "$CONF" nobody-at-all@example.org >/dev/null 2>&1
[ $? -eq 66 ] || fail "an unknown subscriber is not 66"

# unsuppress: ends the suppression, records an event, runs the hook
"$BIN" unsuppress --config "$CONF" --list news dave@example.com >/dev/null || fail "unsuppress"
[ "$(state dave@example.com news)" = "active 0" ] || fail "unsuppressed state: $(state dave@example.com news)"
[ "$(sql "SELECT count(*) FROM events WHERE address = 'dave@example.com' AND class = 'manual'")" -eq 1 ] ||
    fail "unsuppress event"
[ "$(sql "SELECT active FROM manager_members WHERE email = 'dave@example.com'")" = t ] || fail "on_unsuppress"
"$BIN" export --config "$CONF" | grep -qx 'dave@example.com' && fail "dave still exported"
"$BIN" unsuppress --config "$CONF" dave@example.com >/dev/null 2>&1
[ $? -eq 65 ] || fail "unsuppressing an active address is not 65"

# a hook waiting on a row another session holds: the run fails after
# lock_timeout with a message that says so, instead of hanging while it
# holds the mailbox's lock
sed 's/^\[database\]$/[database]\nlock_timeout = 2/; s/^on_suppress = .*/on_suppress = UPDATE manager_members SET active = false WHERE email = $1/' \
    "$CONF" >"$TMP/lock.conf"
psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc \
    "BEGIN; SELECT * FROM manager_members FOR UPDATE; SELECT pg_sleep(30); COMMIT" \
    >/dev/null 2>&1 &
holder=$!
i=0
until [ "$(sql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'manager_members' AND l.mode = 'RowShareLock'")" -gt 0 ] ||
    [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
t0=$(date +%s)
dsn dave@example.com 5.1.1 "550 5.1.1 User unknown" |
    REBOUND_TEST_TODAY=2026-06-01 "$BIN" run --stdin --config "$TMP/lock.conf" \
    --list news >/dev/null 2>"$TMP/err"
rc=$?
t1=$(date +%s)
kill $holder 2>/dev/null
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
wait $holder 2>/dev/null
[ "$rc" -eq 75 ] || fail "a run waiting on a lock exited $rc, expected 75: $(cat "$TMP/err")"
grep -q "lock_timeout" "$TMP/err" || fail "lock wait not explained: $(cat "$TMP/err")"
[ $((t1 - t0)) -lt 15 ] || fail "the lock wait took $((t1 - t0)) s with lock_timeout = 2"

# one bad message never stops the mailbox: a hook that fails on one
# message's data (an address too long for the list manager's column)
# quarantines that message alone, with the error; the other 99 are
# stored; the next run does not try it again; moved back by a person it
# is read again
MD=$TMP/onebad
mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
i=0
while [ $i -lt 100 ]; do
	a=$(printf 'onebad%03d@example.org' $i)
	[ $i -eq 42 ] && a=a-local-part-much-longer-than-forty-characters-0123@example.org
	dsn "$a" 5.1.1 "550 5.1.1 User unknown" >"$MD/new/$i.eml"
	i=$((i + 1))
done
sql "CREATE TABLE short_log (address varchar(40))"
cat >"$TMP/onebad.conf" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[policy]
unproven = act

[hooks]
on_suppress = INSERT INTO short_log (address) VALUES (\$1)

[mailbox onebad]
url = maildir:$MD
list = onebad
CONF
REBOUND_TEST_TODAY=2026-07-01 "$BIN" run --config "$TMP/onebad.conf" -q \
    >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 65 ] || fail "one bad message: the run exited $rc, expected 65: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM short_log")" -eq 99 ] ||
    fail "one bad message: $(sql "SELECT count(*) FROM short_log") of 99 stored"
[ "$(ls "$MD/.Quarantine/cur" | wc -l)" -eq 1 ] && [ "$(ls "$MD/.Processed/cur" | wc -l)" -eq 99 ] ||
    fail "one bad message: quarantined $(ls "$MD/.Quarantine/cur" 2>/dev/null | wc -l), processed $(ls "$MD/.Processed/cur" 2>/dev/null | wc -l)"
[ "$(sql "SELECT count(*) FROM messages WHERE outcome = 'quarantined' AND error LIKE '%too long%'")" -eq 1 ] ||
    fail "one bad message: the error is not recorded"
grep -q "its effects cannot be stored" "$TMP/err" || fail "one bad message: no warning: $(cat "$TMP/err")"
REBOUND_TEST_TODAY=2026-07-02 "$BIN" run --config "$TMP/onebad.conf" -q \
    >/dev/null 2>"$TMP/err" || fail "one bad message: the next run failed"
[ "$(sql "SELECT count(*) FROM short_log")" -eq 99 ] || fail "one bad message: the next run changed something"
# a person widens the column and moves the message back
sql "ALTER TABLE short_log ALTER COLUMN address TYPE text"
mv "$MD/.Quarantine/cur/"* "$MD/new/"
REBOUND_TEST_TODAY=2026-07-03 "$BIN" run --config "$TMP/onebad.conf" -q \
    >/dev/null 2>"$TMP/err" || fail "the moved-back message: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM short_log")" -eq 100 ] ||
    fail "a quarantined message moved back is not read again"
[ "$(sql "SELECT count(*) FROM messages WHERE error LIKE '%too long%'")" -eq 0 ] ||
    fail "the moved-back message is still recorded as quarantined"

# an export failing half-way leaves the previous file alone
cp "$TMP/all.txt" "$TMP/keep.txt"
"$PG" stop "$S"
"$BIN" export --config "$CONF" -o "$TMP/all.txt" >/dev/null 2>&1
[ $? -eq 75 ] || fail "export with the database down is not 75"
cmp -s "$TMP/all.txt" "$TMP/keep.txt" || fail "a failed export replaced the file"
[ "$(ls -a "$TMP" | grep -c '^\.all\.txt\.')" -eq 0 ] || fail "a failed export left its temporary file"

finish state
