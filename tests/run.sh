#!/bin/sh
# run.sh - `rebound run` end to end: Dovecot -> rebound -> PostgreSQL.
#
# usage: tests/run.sh REBOUND TESTS_DIR
#
# Checks the worker's promise: every bounce's effect is committed before
# the message leaves the mailbox; a redelivered message and a crash
# between commit and acknowledgement count nothing twice; suppressions
# follow the policy; hostile text is stored intact.
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
GOLDEN=$TESTS/golden
N=$(ls "$GOLDEN"/*.eml | wc -l)
# the run's clock: the golden fixtures' dates (November 2026) stay within
# the 60 days a report's date is believed for, whenever this runs
export REBOUND_TEST_TODAY=2026-12-06

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}

# start - a fresh Dovecot holding the given messages, and the config
start() {
	"$DV" stop "$D" 2>/dev/null
	rm -rf "$D"
	mkdir -p "$D"
	"$DV" start "$D" "$@" || exit 1
	cp "$D/bounces.pass" "$TMP/bounces.pass"
	chmod 600 "$TMP/bounces.pass"
	cat >"$TMP/rebound.conf" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

# these bounces carry no proof (tests/trust.sh tests proof): act on them
[policy]
unproven = act

[mailbox bounces]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $TMP/bounces.pass
ca_file = $D/cert.pem
list = news
# every message to Processed, the samples that are no bounce too
# (tests/review.sh tests the Review folder)
unrecognised = process

[mailbox kept]
url = pop3s://bounces@localhost:$POP3S
password_file = $TMP/bounces.pass
ca_file = $D/cert.pem
after = keep

[mailbox processed]
url = imaps://bounces@localhost:$IMAPS/Processed
password_file = $TMP/bounces.pass
ca_file = $D/cert.pem
CONF
}

# count MAILBOX - messages there, by a dry run
count() {
	"$BIN" run --dry-run --config "$TMP/rebound.conf" --mailbox "$1" \
	    2>/dev/null | sed 's/.*"uid":"\([^"]*\)".*/\1/' | sort -u | grep -c .
}

run() {
	"$BIN" run --config "$TMP/rebound.conf" --mailbox bounces >"$TMP/out" \
	    2>"$TMP/err"
	rc=$?
}

start "$GOLDEN"/*.eml
run
[ "$rc" -eq 78 ] || fail "run before migrate exited $rc, expected 78"
"$BIN" db migrate --config "$TMP/rebound.conf" >/dev/null || fail "migrate"

# first run: everything stored, then acknowledged (moved to Processed)
run
[ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$TMP/err")"
messages=$(sql "SELECT count(*) FROM messages")
events=$(sql "SELECT count(*) FROM events")
rows=$(cat "$GOLDEN"/*.jsonl | wc -l)
[ "$messages" -eq "$N" ] || fail "$messages messages stored, expected $N"
[ "$events" -eq "$rows" ] || fail "$events events stored, expected $rows"
[ "$(count bounces)" -eq 0 ] || fail "INBOX not emptied"
[ "$(count processed)" -eq "$N" ] || fail "Processed does not hold all $N"
grep -q "mailbox bounces: $N fetched, $N new" "$TMP/err" || fail "summary: $(cat "$TMP/err")"
# hard bounces and complaints suppressed; blocks never count
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'alice@example.org' AND ended_at IS NULL")" -eq 1 ] ||
    fail "hard bounce alice@example.org not suppressed"
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'frank@example.net' AND list_id IS NULL")" -eq 1 ] ||
    fail "complaint frank@example.net not suppressed globally"
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'judy@example.com'")" -eq 0 ] ||
    fail "a block suppressed judy@example.com"
[ "$(sql "SELECT state || ' ' || score FROM subscribers WHERE address = 'bob@full.example'")" = "bouncing 1" ] ||
    fail "soft bounce bob@full.example: $(sql "SELECT state, score FROM subscribers WHERE address = 'bob@full.example'")"
# counted by the day each delivery failed (Last-Attempt-Date, else the
# report's Date:), not the day of the run: the fixtures' days spread out
[ "$(sql "SELECT sum(count) FROM domain_daily WHERE domain = 'example.org' AND class = 'hard'")" = \
  "$(sql "SELECT count(*) FROM events WHERE address LIKE '%@example.org' AND class = 'hard'")" ] ||
    fail "daily counts for example.org: $(sql "SELECT day, class, count FROM domain_daily WHERE domain = 'example.org'")"
[ "$(sql "SELECT count(DISTINCT day) FROM domain_daily")" -gt 1 ] ||
    fail "one run's backlog counted on one day: $(sql "SELECT DISTINCT day FROM domain_daily")"
[ "$(sql "SELECT count(*) FROM events WHERE failed_at::date <> created_at::date")" -gt 0 ] ||
    fail "events.failed_at: every event on the day it was read"
# stored intact: UTF-8 address, the diagnostic as reported
[ "$(sql "SELECT count(*) FROM events WHERE address = 'jürgen@example.de'")" -eq 1 ] ||
    fail "UTF-8 address not stored intact"

# the same messages delivered again: acknowledged, counted nothing
start "$GOLDEN"/*.eml
run
[ "$rc" -eq 0 ] || fail "redelivery run exited $rc: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events")" -eq "$events" ] || fail "redelivery counted again"
[ "$(sql "SELECT score FROM subscribers WHERE address = 'bob@full.example'")" -eq 1 ] ||
    fail "redelivery raised a soft score"
grep -q "$N already stored" "$TMP/err" || fail "redelivery summary: $(cat "$TMP/err")"
[ "$(count bounces)" -eq 0 ] || fail "redelivered messages not acknowledged"

# a crash between COMMIT and the acknowledgement: the rerun acknowledges
# without counting again
sql "TRUNCATE domain_daily, suppressions, events, subscribers, messages, lists RESTART IDENTITY CASCADE"
start "$GOLDEN"/*.eml
REBOUND_TEST_CRASH_AFTER_COMMIT=1 "$BIN" run --config "$TMP/rebound.conf" \
    --mailbox bounces >/dev/null 2>&1
[ "$(count bounces)" -eq "$N" ] || fail "crash after commit: messages were acknowledged"
[ "$(sql "SELECT count(*) FROM events")" -eq "$events" ] || fail "crash after commit: not stored"
run
[ "$rc" -eq 0 ] || fail "rerun after crash exited $rc: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events")" -eq "$events" ] || fail "rerun after crash counted again"
[ "$(count bounces)" -eq 0 ] || fail "rerun after crash did not acknowledge"

# after = keep: messages stay, and a second run does not fetch them again
sql "TRUNCATE domain_daily, suppressions, events, subscribers, messages, lists RESTART IDENTITY CASCADE"
start "$GOLDEN"/*.eml
"$BIN" run --config "$TMP/rebound.conf" --mailbox kept >/dev/null 2>"$TMP/err" ||
    fail "keep run: $(cat "$TMP/err")"
grep -q "mailbox kept: $N fetched, $N new" "$TMP/err" || fail "keep run: $(cat "$TMP/err")"
"$BIN" run --config "$TMP/rebound.conf" --mailbox kept >/dev/null 2>"$TMP/err" ||
    fail "second keep run: $(cat "$TMP/err")"
grep -q "mailbox kept: 0 fetched" "$TMP/err" || fail "second keep run fetched again: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events")" -eq "$events" ] || fail "keep runs counted twice"

# one run per mailbox at a time: while another holds the mailbox's lock a
# run exits 75 and touches nothing; --wait waits for it.  The metrics
# file says how each run went.
sql "TRUNCATE domain_daily, suppressions, events, subscribers, messages, lists RESTART IDENTITY CASCADE"
start "$GOLDEN"/*.eml
psql -h "$S" -p "$PORT" -U postgres -d rebound -Atq \
    -c "SELECT pg_advisory_lock(1919246961, hashtext('bounces'))" \
    -c "SELECT pg_sleep(4)" >/dev/null &
holder=$!
i=0
while [ "$(sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1919246961 AND granted")" -eq 0 ] &&
    [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
mkdir "$TMP/metrics"
(umask 027 && "$BIN" run --config "$TMP/rebound.conf" --mailbox bounces \
    --metrics-file "$TMP/metrics/rebound.prom" >/dev/null 2>"$TMP/err")
rc=$?
# a new metrics file as the umask allows (a node exporter reads it)
[ "$(stat -c %a "$TMP/metrics/rebound.prom")" = 640 ] ||
    fail "new metrics file mode $(stat -c %a "$TMP/metrics/rebound.prom"), umask 027"
chmod 644 "$TMP/metrics/rebound.prom"
[ "$rc" -eq 75 ] || fail "a run while the lock is held exited $rc, expected 75: $(cat "$TMP/err")"
grep -q "lock is held" "$TMP/err" || fail "lock contention not explained: $(cat "$TMP/err")"
[ "$(count bounces)" -eq "$N" ] || fail "a locked-out run touched the mailbox"
grep -qx 'rebound_last_run_success 0' "$TMP/metrics/rebound.prom" &&
    grep -qx 'rebound_last_run_exit_status 75' "$TMP/metrics/rebound.prom" ||
    fail "metrics of a locked-out run: $(cat "$TMP/metrics/rebound.prom")"
"$BIN" run --config "$TMP/rebound.conf" --mailbox bounces --wait \
    --metrics-file "$TMP/metrics/rebound.prom" >/dev/null 2>"$TMP/err"
rc=$?
wait $holder
[ "$rc" -eq 0 ] || fail "run --wait exited $rc: $(cat "$TMP/err")"
[ "$(count bounces)" -eq 0 ] || fail "run --wait did not read the mailbox"
m=$TMP/metrics/rebound.prom
grep -qx 'rebound_last_run_success 1' "$m" || fail "metrics: no success: $(cat "$m")"
grep -qx "rebound_messages{mailbox=\"bounces\",outcome=\"new\"} $N" "$m" ||
    fail "metrics: new messages: $(cat "$m")"
grep -qx "rebound_events{mailbox=\"bounces\",class=\"hard\"} $(sql "SELECT count(*) FROM events WHERE class = 'hard'")" "$m" ||
    fail "metrics: hard events: $(grep rebound_events "$m")"
grep -q '^# TYPE rebound_blocks gauge$' "$m" || fail "metrics: no rebound_blocks"
[ "$(ls -A "$TMP/metrics")" = rebound.prom ] || fail "metrics: temporary files left: $(ls -A "$TMP/metrics")"
[ "$(stat -c %a "$m")" = 644 ] || fail "metrics file's mode not kept: $(stat -c %a "$m")"

# the database down: a temporary failure, and nothing acknowledged
start "$GOLDEN"/*.eml
"$PG" stop "$S"
run
[ "$rc" -eq 75 ] || fail "database down exited $rc, expected 75"
[ "$(count bounces)" -eq "$N" ] || fail "database down: messages were acknowledged"

finish run
