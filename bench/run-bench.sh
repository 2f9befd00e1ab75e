#!/bin/sh
# run-bench.sh - `rebound run` end to end: N bounces from Dovecot (IMAPS)
# into PostgreSQL, both throwaway servers started here on loopback.
#
# usage: bench/run-bench.sh [REBOUND] [N]
#   REBOUND  the binary (default: build/rebound)
#   N        how many bounces (default: 10000)
#
# The bounces are the golden test messages, each copy with its own
# Message-ID and its own recipients (alice@example.org becomes
# alice17@example.org), so every one is new work: a new message, new
# subscribers, new events.  Prints the time of a dry run (fetch and parse
# only) and of the storing run, messages/s, and the machine.  Never fails
# on timing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/rebound}")
N=${2:-10000}
TESTS=$ROOT/tests
DV=$TESTS/servers/dovecot.sh
PG=$TESTS/servers/postgres.sh
PORT=${REBOUND_PG_PORT:-15432}
TMP=$(mktemp -d /tmp/rebound-bench.XXXXXX)
chmod 755 "$TMP"
trap '"$DV" stop "$TMP/dv" 2>/dev/null; "$PG" stop "$TMP/pg" 2>/dev/null; rm -rf "$TMP"' EXIT

"$PG" start "$TMP/pg" >/dev/null
mkdir -p "$TMP/dv"
"$DV" start "$TMP/dv" >/dev/null
CUR=$TMP/dv/mail/bounces/Maildir/cur

"$TESTS/servers/make-bounces.sh" "$N" "$CUR"

cp "$TMP/dv/bounces.pass" "$TMP/pass"
chmod 600 "$TMP/pass"
cat >"$TMP/rebound.conf" <<CONF
[database]
conninfo = host=$TMP/pg port=$PORT dbname=rebound user=postgres

[mailbox bounces]
url = imaps://bounces@localhost:14993/INBOX
password_file = $TMP/pass
ca_file = $TMP/dv/cert.pem
list = bench
CONF
"$BIN" db migrate --config "$TMP/rebound.conf" >/dev/null

now() { date +%s.%N; }
t0=$(now)
"$BIN" run --dry-run --config "$TMP/rebound.conf" >/dev/null 2>&1
t1=$(now)
"$BIN" run --config "$TMP/rebound.conf" 2>"$TMP/err" >/dev/null || {
	cat "$TMP/err" >&2
	exit 1
}
t2=$(now)
events=$(psql -h "$TMP/pg" -p "$PORT" -U postgres -d rebound -Atqc \
    "SELECT count(*) FROM events")
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v e="$events" \
    -v cpu="$cpu" -v cores="$(nproc)" 'BEGIN {
	printf "machine: %s, %d cores\n", cpu, cores
	printf "dry run (IMAPS fetch + parse): %d messages in %.2f s, %.0f/s\n",
	    n, b - a, n / (b - a)
	printf "run (fetch + parse + PostgreSQL + move): %d messages, %d " \
	    "events in %.2f s, %.0f messages/s\n", n, e, c - b, n / (c - b)
}'
cat "$TMP/err"
