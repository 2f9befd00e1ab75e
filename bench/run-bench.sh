#!/bin/sh
# run-bench.sh - `rebound run` end to end: N bounces from Dovecot into
# PostgreSQL, both throwaway servers started here on loopback.
#
# usage: bench/run-bench.sh [REBOUND] [N]
#   REBOUND  the binary (default: build/rebound)
#   N        how many bounces (default: 10000; try 100000)
#   REBOUND_BENCH_WORKERS  worker counts to try side by side (default "2 4")
#
# The bounces are the golden test messages, each copy with its own
# Message-ID and its own recipients (alice@example.org becomes
# alice17@example.org), so every one is new work: a new message, new
# subscribers, new events.  Measured, each on a fresh database:
#   1. `rebound parse` of the same N messages from a directory on disk;
#   2. `rebound run` over IMAPS, then over POP3S: messages/s, the time split
#      (fetch, parse, database, acknowledge) and peak RSS, from --stats;
#   3. W workers at once, each on its own IMAP folder of N/W messages, all
#      into one database.  The folders hold the same recipients under
#      different Message-IDs, so the workers update the same subscribers:
#      afterwards every subscriber's counters must equal its events.
# Prints numbers and the machine; fails only when a run fails or an update
# is lost, never on timing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/rebound}")
N=${2:-10000}
WORKERS=${REBOUND_BENCH_WORKERS:-2 4}
TESTS=$ROOT/tests
DV=$TESTS/servers/dovecot.sh
PG=$TESTS/servers/postgres.sh
PORT=${REBOUND_PG_PORT:-15432}
TMP=$(mktemp -d /tmp/rebound-bench.XXXXXX)
chmod 755 "$TMP"
trap '"$DV" stop "$TMP/dv" 2>/dev/null; "$PG" stop "$TMP/pg" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT	# the EXIT trap stops the servers then
trap 'exit 143' TERM

sql() {
	psql -h "$TMP/pg" -p "$PORT" -U postgres -d "${2:-rebound}" -Atqc "$1"
}
now() { date +%s.%N; }
fail() { echo "run-bench: $*" >&2; exit 1; }

"$PG" start "$TMP/pg" >/dev/null
MD=$TMP/dv/mail/bounces/Maildir

# the messages, once, on disk; each run below gets a copy
mkdir -p "$TMP/disk/cur" "$TMP/disk/new" "$TMP/disk/tmp"
t0=$(now)
"$TESTS/servers/make-bounces.sh" "$N" "$TMP/disk/cur"
t1=$(now)
MB=$(du -sm "$TMP/disk" | cut -f1)

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "machine: $cpu, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB"
echo "bounces: $N, $MB MiB ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s to make)"

# config NAME URL... - a config with one [mailbox] per "NAME URL" pair
config() {
	{
		echo "[database]"
		echo "conninfo = host=$TMP/pg port=$PORT dbname=rebound user=postgres"
		while [ $# -ge 2 ]; do
			echo
			echo "[mailbox $1]"
			echo "url = $2"
			echo "password_file = $TMP/pass"
			echo "ca_file = $TMP/dv/cert.pem"
			echo "after = delete"
			echo "list = bench"
			shift 2
		done
	} >"$TMP/rebound.conf"
}

# fresh_db - an empty, migrated database
fresh_db() {
	sql "DROP DATABASE IF EXISTS rebound" postgres
	sql "CREATE DATABASE rebound" postgres
	"$BIN" db migrate --config "$TMP/rebound.conf" >/dev/null
}

# restart - a fresh Dovecot over what is in $MD now (a server that has
# seen the folders before would keep stale indexes of them)
restart() {
	"$DV" stop "$TMP/dv"
	rm -rf "$TMP/dv/run" "$MD"/dovecot* "$MD"/.*/dovecot*
	"$DV" start "$TMP/dv" >/dev/null
	cp "$TMP/dv/bounces.pass" "$TMP/pass"
	chmod 600 "$TMP/pass"
}

# 1. parse from disk
t0=$(now)
"$BIN" parse "$TMP/disk" >/dev/null 2>&1 || true
t1=$(now)
PARSE=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
echo "rebound parse (from disk, one process): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, $PARSE messages/s"

# 2. one worker, IMAPS and POP3S
for proto in imaps pop3s; do
	port=14993
	[ "$proto" = imaps ] || port=14995
	config "$proto" "$proto://bounces@localhost:$port/INBOX"
	rm -rf "$MD"
	mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
	find "$TMP/disk/cur" -type f -exec cp -t "$MD/cur" {} +
	restart
	fresh_db
	t0=$(now)
	"$BIN" run --stats --config "$TMP/rebound.conf" >/dev/null \
	    2>"$TMP/err" || { cat "$TMP/err" >&2; fail "$proto run failed"; }
	t1=$(now)
	events=$(sql "SELECT count(*) FROM events")
	left=$(ls "$MD/cur" "$MD/new" | grep -c '^[0-9]' || true)
	[ "$left" -eq 0 ] || { cat "$TMP/err" >&2; fail "$proto: $left messages left in the mailbox"; }
	[ "$(sql "SELECT count(*) FROM messages")" -eq "$N" ] ||
	    fail "$proto: $(sql "SELECT count(*) FROM messages") messages stored of $N"
	awk -v p="$proto" -v n="$N" -v e="$events" -v a="$t0" -v b="$t1" \
	    -v parse="$PARSE" 'BEGIN {
		printf "rebound run, %s -> PostgreSQL: %d messages, %d events " \
		    "in %.2f s, %.0f messages/s (%.2fx parse from disk)\n", p, n, e,
		    b - a, n / (b - a), parse / (n / (b - a))
	}'
	sed -n 's/^rebound run: mailbox [^:]*: /    /p' "$TMP/err"
done

# 3. W workers on W folders, one database, shared subscribers
for w in $WORKERS; do
	per=$((N / w))
	args=
	rm -rf "$MD"
	mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
	for k in $(seq 1 "$w"); do
		mkdir -p "$MD/.w$k/cur" "$MD/.w$k/new" "$MD/.w$k/tmp"
		REBOUND_BOUNCE_ID=w$k "$TESTS/servers/make-bounces.sh" "$per" \
		    "$MD/.w$k/cur"
		args="$args w$k imaps://bounces@localhost:14993/w$k"
	done
	# shellcheck disable=SC2086
	config $args
	restart
	fresh_db
	t0=$(now)
	pids=
	for k in $(seq 1 "$w"); do
		"$BIN" run --stats --config "$TMP/rebound.conf" --mailbox "w$k" \
		    >/dev/null 2>"$TMP/err.w$k" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || { cat "$TMP"/err.w* >&2; fail "$w workers: a run failed"; }
	done
	t1=$(now)
	total=$((per * w))
	[ "$(sql "SELECT count(*) FROM messages")" -eq "$total" ] ||
	    fail "$w workers: $(sql "SELECT count(*) FROM messages") messages stored of $total"
	# each recipient got the same events from every folder: a multiple of w
	odd=$(sql "SELECT count(*) FROM (SELECT address, class, count(*) AS c
	    FROM events GROUP BY 1, 2) x WHERE c % $w <> 0")
	lost=$(sql "SELECT count(*) FROM subscribers s WHERE
	    (s.hard_count, s.soft_count, s.block_count, s.complaint_count) <>
	    (SELECT count(*) FILTER (WHERE class = 'hard'),
	        count(*) FILTER (WHERE class = 'soft'),
	        count(*) FILTER (WHERE class = 'block'),
	        count(*) FILTER (WHERE class = 'complaint')
	     FROM events e WHERE e.subscriber = s.id)")
	subs=$(sql "SELECT count(*) FROM subscribers")
	[ "$odd" -eq 0 ] || fail "$w workers: $odd recipients whose events are not a multiple of $w"
	[ "$lost" -eq 0 ] || fail "$w workers: $lost subscribers lost an update"
	awk -v w="$w" -v n="$total" -v a="$t0" -v b="$t1" -v s="$subs" 'BEGIN {
		printf "%d workers, IMAPS -> one PostgreSQL: %d messages in %.2f " \
		    "s, %.0f messages/s; %d shared subscribers, no update lost\n",
		    w, n, b - a, n / (b - a), s
	}'
	for k in $(seq 1 "$w"); do
		sed -n 's/^rebound run: mailbox /    /p' "$TMP/err.w$k"
	done
done
