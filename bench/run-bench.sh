#!/bin/sh
# run-bench.sh - `rebound run` end to end: N bounces from Dovecot into
# PostgreSQL, both throwaway servers started here on loopback.
#
# usage: bench/run-bench.sh [REBOUND] [N]
#   REBOUND  the binary (default: build/rebound)
#   N        how many bounces (default: 10000; try 100000)
#   REBOUND_BENCH_WORKERS  worker counts (default "1 2")
#
# The bounces are the golden test messages, each copy with its own
# Message-ID and its own recipients (alice@example.org becomes
# alice17@example.org), so every one is new work: a new message, new
# subscribers, new events.  Measured, each on a fresh database and a
# fresh Dovecot:
#   1. `rebound parse` of the same N messages from a directory on disk;
#   2. `rebound run`, whole process, for IMAPS with the default
#      after = move:Processed, IMAPS with after = delete, and POP3S with
#      its default, delete; each with W workers (processes) at once, each
#      on its own mailbox of N/W messages (IMAP: a folder each; POP3: a
#      user each), all into one database.  The mailboxes hold the same
#      recipients under different Message-IDs, so the workers update the
#      same subscribers: afterwards every subscriber's counters must
#      equal its events.
# Prints each run's messages/s, its time split and peak RSS (--stats),
# how busy the machine's cores were, and a table of all.  Fails only when
# a run fails or a message or an update is lost, never on timing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/rebound}")
N=${2:-10000}
WORKERS=${REBOUND_BENCH_WORKERS:-1 2}
TESTS=$ROOT/tests
DV=$TESTS/servers/dovecot.sh
PG=$TESTS/servers/postgres.sh
PORT=${REBOUND_PG_PORT:-15432}
IMAPS=${REBOUND_IMAPS_PORT:-14993}
POP3S=${REBOUND_POP3S_PORT:-14995}
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
# busy - centiseconds the cores have worked since boot (user, nice,
# system, irq, softirq): the machine's, servers included
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

"$PG" start "$TMP/pg" >/dev/null
MAIL=$TMP/dv/mail

# the messages, once, on disk, for the parse figure
mkdir -p "$TMP/disk/cur" "$TMP/disk/new" "$TMP/disk/tmp"
t0=$(now)
"$TESTS/servers/make-bounces.sh" "$N" "$TMP/disk/cur"
t1=$(now)
MB=$(du -sm "$TMP/disk" | cut -f1)

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "machine: $cpu, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB"
echo "bounces: $N, $MB MiB ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s to make)"

# config AFTER NAME URL... - a config with one [mailbox] per "NAME URL"
# pair, each with after = AFTER (its protocol's default when "default")
config() {
	after=$1
	shift
	{
		echo "[database]"
		echo "conninfo = host=$TMP/pg port=$PORT dbname=rebound user=postgres"
		while [ $# -ge 2 ]; do
			echo
			echo "[mailbox $1]"
			echo "url = $2"
			echo "password_file = $TMP/pass"
			echo "ca_file = $TMP/dv/cert.pem"
			[ "$after" = default ] || echo "after = $after"
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

# restart - a fresh Dovecot over what is in $MAIL now (a server that has
# seen the folders before would keep stale indexes of them); users
# w1..w4 share bounces' password (POP3 has one mailbox per user)
restart() {
	"$DV" stop "$TMP/dv"
	rm -rf "$TMP/dv/run"
	find "$MAIL" -name 'dovecot*' -exec rm -rf {} + 2>/dev/null || true
	"$DV" start "$TMP/dv" >/dev/null
	cp "$TMP/dv/bounces.pass" "$TMP/pass"
	chmod 600 "$TMP/pass"
	pw=$(head -n 1 "$TMP/pass")
	for k in 1 2 3 4; do
		printf 'w%s:{PLAIN}%s\n' "$k" "$pw" >>"$TMP/dv/passwd"
	done
}

# maildir DIR - an empty Maildir
maildir() { rm -rf "$1"; mkdir -p "$1/cur" "$1/new" "$1/tmp"; }

# 1. parse from disk
t0=$(now)
"$BIN" parse "$TMP/disk" >/dev/null 2>&1 || true
t1=$(now)
PARSE=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
echo "rebound parse (from disk, one process, every core): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, $PARSE messages/s"

# 2. measure PROTO AFTER W - W workers at once, each on its own mailbox
# of N/W messages; prints the run and adds a line to $TMP/table
measure() {
	proto=$1 after=$2 w=$3
	per=$((N / w))
	args=
	rm -rf "$MAIL"
	maildir "$MAIL/bounces/Maildir"
	for k in $(seq 1 "$w"); do
		if [ "$proto" = imaps ]; then
			dir=$MAIL/bounces/Maildir/.w$k
			args="$args w$k imaps://bounces@localhost:$IMAPS/w$k"
		else
			dir=$MAIL/w$k/Maildir
			args="$args w$k pop3s://w$k@localhost:$POP3S"
		fi
		maildir "$dir"
		if [ "$w" -eq 1 ]; then
			cp -r "$TMP/disk/cur/." "$dir/cur/"
		else
			REBOUND_BOUNCE_ID=w$k "$TESTS/servers/make-bounces.sh" "$per" "$dir/cur"
		fi
	done
	# shellcheck disable=SC2086
	config "$after" $args
	restart
	fresh_db
	b0=$(busy)
	t0=$(now)
	pids=
	for k in $(seq 1 "$w"); do
		"$BIN" run --stats --config "$TMP/rebound.conf" --mailbox "w$k" \
		    >/dev/null 2>"$TMP/err.w$k" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || { cat "$TMP"/err.w* >&2; fail "$proto, $w workers: a run failed"; }
	done
	t1=$(now)
	b1=$(busy)
	total=$((per * w))
	[ "$(sql "SELECT count(*) FROM messages")" -eq "$total" ] ||
	    fail "$proto, $w workers: $(sql "SELECT count(*) FROM messages") messages stored of $total"
	left=$(find "$MAIL" -path '*/cur/*' -o -path '*/new/*' | grep -v -e '/.Processed/' -e '/.Review/' | grep -c '/[0-9][^/]*$' || true)
	[ "$left" -eq 0 ] || fail "$proto, $w workers: $left messages left in the mailboxes"
	# each recipient got the same events from every mailbox: a multiple of w
	odd=$(sql "SELECT count(*) FROM (SELECT address, class, count(*) AS c
	    FROM events GROUP BY 1, 2) x WHERE c % $w <> 0")
	lost=$(sql "SELECT count(*) FROM subscribers s WHERE
	    (s.hard_count, s.soft_count, s.block_count, s.complaint_count) <>
	    (SELECT count(*) FILTER (WHERE class = 'hard'),
	        count(*) FILTER (WHERE class = 'soft'),
	        count(*) FILTER (WHERE class = 'block'),
	        count(*) FILTER (WHERE class = 'complaint')
	     FROM events e WHERE e.subscriber = s.id)")
	[ "$odd" -eq 0 ] || fail "$proto, $w workers: $odd recipients whose events are not a multiple of $w"
	[ "$lost" -eq 0 ] || fail "$proto, $w workers: $lost subscribers lost an update"
	label="$(echo "$proto" | tr a-z A-Z), after = $after"
	[ "$after" = default ] && label="$(echo "$proto" | tr a-z A-Z), default after ($( [ "$proto" = imaps ] && echo move:Processed || echo delete))"
	awk -v l="$label" -v w="$w" -v n="$total" -v a="$t0" -v b="$t1" \
	    -v c="$((b1 - b0))" -v cores="$(nproc)" 'BEGIN {
		printf "%s, %d worker%s: %d messages in %.2f s, %.0f messages/s; " \
		    "cores %.0f%% busy (servers included)\n", l, w, (w > 1 ? "s" : ""),
		    n, b - a, n / (b - a), c / 100 / (b - a) / cores * 100
	}'
	for k in $(seq 1 "$w"); do
		sed -n 's/^rebound run: mailbox \([^:]*: [0-9]* messages in\)/    \1/p' "$TMP/err.w$k"
	done
	awk -v l="$label" -v w="$w" -v n="$total" -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%s\t%d\t%.0f\n", l, w, n / (b - a) }' >>"$TMP/table"
}

: >"$TMP/table"
for run in "imaps default" "imaps delete" "pop3s default"; do
	for w in $WORKERS; do
		# shellcheck disable=SC2086
		measure $run "$w"
	done
done

echo
echo "end to end, $N messages, whole processes, messages/s:"
awk -F '\t' -v ws="$WORKERS" '
	BEGIN { n = split(ws, W, " ") }
	{ v[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
	END {
		printf "%-44s", ""
		for (i = 1; i <= n; i++) printf " %9s", W[i] " worker" (W[i] > 1 ? "s" : "")
		printf "\n"
		for (j = 1; j <= k; j++) {
			printf "%-44s", order[j]
			for (i = 1; i <= n; i++) printf " %10s", v[order[j], W[i]]
			printf "\n"
		}
	}' "$TMP/table"
