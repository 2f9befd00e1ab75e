#!/bin/sh
# outbox-bench.sh - how fast decisions reach the list manager: N hard
# bounces from a Maildir into a throwaway PostgreSQL, each a suppression
# with one notification per connector, delivered to a local HTTP receiver
# (tests/servers/webhook.py, which checks every signature) and to an exec
# program.
#
# usage: bench/outbox-bench.sh [REBOUND] [N]
#   REBOUND  the binary (default: build/rebound)
#   N        how many bounces (default: 2000)
#
# Measured:
#   1. `rebound run` with the receiver up: the outbox delay, from the
#      COMMIT that wrote a notification to its delivery (p50, p95, max);
#   2. `rebound deliver` of N notifications per connector that waited
#      (the receiver was down during the run): notifications/s, for http
#      and for exec.
# Prints numbers and the machine; fails only when a run fails or a
# notification is lost, never on timing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/rebound}")
N=${2:-2000}
PG=$ROOT/tests/servers/postgres.sh
PORT=${REBOUND_PG_PORT:-15432}
HTTP_PORT=${REBOUND_HTTP_PORT:-18080}
TMP=$(mktemp -d /tmp/rebound-outbox.XXXXXX)
chmod 755 "$TMP"
WEB=
trap '[ -n "$WEB" ] && kill "$WEB" 2>/dev/null; "$PG" stop "$TMP/pg" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sql() {
	psql -h "$TMP/pg" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}
web() { # start the receiver
	mkdir -p "$TMP/web"
	rm -f "$TMP/web/port"
	python3 "$ROOT/tests/servers/webhook.py" "$HTTP_PORT" "$TMP/web" \
	    bench-secret-0123456789 &
	WEB=$!
	while [ ! -f "$TMP/web/port" ]; do sleep 0.1; done
}

"$PG" start "$TMP/pg" >/dev/null
mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
i=0
while [ "$i" -lt "$N" ]; do
	printf 'From: MAILER-DAEMON@mx.example.net\nTo: news-bounces@lists.example.com\nSubject: Undelivered\nMessage-ID: <ob-%d@mx.example.net>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; user%d@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--B--\n' "$i" "$i" \
	    >"$TMP/md/new/$i.bench"
	i=$((i + 1))
done
printf 'bench-secret-0123456789\n' >"$TMP/secret"
chmod 600 "$TMP/secret"
printf '#!/bin/sh\ncat >/dev/null\n' >"$TMP/hook"
chmod 755 "$TMP/hook"
cat >"$TMP/rebound.conf" <<CONF
[database]
conninfo = host=$TMP/pg port=$PORT dbname=rebound user=postgres
[policy]
unproven = act
max_suppressions = 0
max_recipients_per_report = 0
[list news]
mailboxes = md
[mailbox md]
url = maildir:$TMP/md
after = keep
[notify web]
type = http
url = http://127.0.0.1:$HTTP_PORT/rebound
secret_file = $TMP/secret
[notify script]
type = exec
command = $TMP/hook
CONF
"$BIN" db migrate --config "$TMP/rebound.conf" >/dev/null

echo "== outbox: $N suppressions, one notification each to http and to exec"
echo "   $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"

# 1. the receiver up: delay from COMMIT to delivery
web
t0=$(date +%s.%N)
"$BIN" run -q --config "$TMP/rebound.conf"
t1=$(date +%s.%N)
for c in web script; do
	sql "SELECT '   ' || '$c' || ': delivered ' || count(*) || ', delay p50 ' ||
	    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at))::numeric, 2) || ' s, p95 ' ||
	    round(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at))::numeric, 2) || ' s, max ' ||
	    round(max(extract(epoch FROM delivered_at - created_at))::numeric, 2) || ' s'
	    FROM outbox WHERE connector = '$c'"
done
echo "   run (store $N, then deliver $((2 * N))): $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
[ "$(sql "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")" -eq 0 ] || {
	echo "outbox-bench: notifications left pending" >&2
	exit 1
}
bad=$(grep -c '"signature_ok": false' "$TMP/web/received.jsonl" || true)
[ "$bad" -eq 0 ] || { echo "outbox-bench: $bad bad signatures" >&2; exit 1; }

# 2. the same notifications again, waiting for one connector at a time:
# deliver throughput
for c in web script; do
	sql "UPDATE outbox SET delivered_at = NULL, attempts = 0, next_at = now() WHERE connector = '$c'" >/dev/null
	t0=$(date +%s.%N)
	"$BIN" deliver --config "$TMP/rebound.conf" >/dev/null
	t1=$(date +%s.%N)
	s=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
	echo "   deliver $N to $c: $s s, $(awk "BEGIN { printf \"%d\", $N / $s }") notifications/s"
done
[ "$(sql "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")" -eq 0 ] || {
	echo "outbox-bench: notifications left pending" >&2
	exit 1
}
