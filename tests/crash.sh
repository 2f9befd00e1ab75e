#!/bin/sh
# crash.sh - `rebound run` killed with SIGKILL at random moments, many
# times, then run to the end: the database and the mailbox must equal
# those of one uninterrupted run (same events, subscribers and
# suppressions, empty inbox, nothing counted twice, nothing lost).
#
# usage: tests/crash.sh REBOUND TESTS_DIR [MESSAGES] [KILLS]
set -u
BIN=$1
TESTS=$2
M=${3:-2000}
KILLS=${4:-15}
. "$TESTS/lib.sh"
start_servers
# one clock for the reference and the killed runs: a report's date is
# judged against it (events.failed_at), so both see the same days
export REBOUND_TEST_TODAY=2026-12-06

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d "$DB" -Atqc "$1"
}

# fill - a fresh Dovecot with the same M bounces, and a config for DB
fill() {
	"$DV" stop "$D" 2>/dev/null
	rm -rf "$D"
	mkdir -p "$D"
	"$DV" start "$D" >/dev/null || exit 1
	"$TESTS/servers/make-bounces.sh" "$M" "$D/mail/bounces/Maildir/cur"
	cp "$D/bounces.pass" "$TMP/pass"
	chmod 600 "$TMP/pass"
	cat >"$TMP/$DB.conf" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=$DB user=postgres

[mailbox bounces]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $TMP/pass
ca_file = $D/cert.pem
list = news
batch = 50

[mailbox processed]
url = imaps://bounces@localhost:$IMAPS/Processed
password_file = $TMP/pass
ca_file = $D/cert.pem
CONF
	"$BIN" db migrate --config "$TMP/$DB.conf" >/dev/null || fail "migrate $DB"
}

# inbox - messages left in INBOX
inbox() {
	"$BIN" run --dry-run --config "$TMP/$DB.conf" --mailbox bounces \
	    2>/dev/null | sed 's/.*"uid":"\([^"]*\)".*/\1/' | sort -u | grep -c .
}

# snapshot - what the run left in the database, independent of row ids
# and times
snapshot() {
	sql "SELECT encode(m.fingerprint, 'hex'), e.address, e.list, e.class,
	    e.reason, e.status, e.diagnostic FROM events e JOIN messages m ON
	    m.id = e.message ORDER BY 1, 2, 3, 4, 5, 6, 7"
	sql "SELECT s.address, coalesce(l.name, '-'), s.state, s.score,
	    s.hard_count, s.soft_count, s.block_count, s.complaint_count FROM
	    subscribers s LEFT JOIN lists l ON l.id = s.list_id ORDER BY 1, 2"
	sql "SELECT s.address, coalesce(l.name, '-'), s.cause, s.reason, s.status
	    FROM suppressions s LEFT JOIN lists l ON l.id = s.list_id WHERE
	    s.ended_at IS NULL ORDER BY 1, 2"
	sql "SELECT count(*), count(DISTINCT fingerprint) FROM messages"
	# by the day each delivery failed: a domain and class have a row per
	# day, so the day is part of the order (the clock is pinned below)
	sql "SELECT day, domain, class, count FROM domain_daily ORDER BY 1, 2, 3"
}

# the reference: one uninterrupted run
DB=reference
psql -h "$S" -p "$PORT" -U postgres -d rebound -qc "CREATE DATABASE reference" >/dev/null
fill
"$BIN" run --config "$TMP/$DB.conf" --mailbox bounces -q 2>"$TMP/err" ||
    fail "reference run: $(cat "$TMP/err")"
[ "$(inbox)" -eq 0 ] || fail "reference run left messages in INBOX"
snapshot >"$TMP/reference"
[ "$(sql "SELECT count(*) FROM messages")" -eq "$M" ] || fail "reference run stored $(sql "SELECT count(*) FROM messages") of $M"

# the same bounces, the run killed at random moments
DB=crashed
psql -h "$S" -p "$PORT" -U postgres -d rebound -qc "CREATE DATABASE crashed" >/dev/null
fill
i=0
killed=0
while [ $i -lt "$KILLS" ]; do
	i=$((i + 1))
	delay=$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 0.35 }')
	"$BIN" run --config "$TMP/$DB.conf" --mailbox bounces -q 2>/dev/null &
	pid=$!
	sleep "$delay"
	if kill -KILL $pid 2>/dev/null; then
		killed=$((killed + 1))
	fi
	wait $pid 2>/dev/null
	# a killed session's advisory lock ends with its connection
done
"$BIN" run --config "$TMP/$DB.conf" --mailbox bounces --wait -q 2>"$TMP/err" ||
    fail "final run: $(cat "$TMP/err")"
[ "$(inbox)" -eq 0 ] || fail "messages left in INBOX after the final run"
snapshot >"$TMP/crashed"
if ! cmp -s "$TMP/reference" "$TMP/crashed"; then
	fail "killed runs differ from the uninterrupted run: $(diff "$TMP/reference" "$TMP/crashed" | head -20)"
fi
[ "$killed" -gt 0 ] || fail "no run was killed: the test proved nothing"
echo "crash: $killed of $KILLS runs killed with SIGKILL mid-run"
finish crash
