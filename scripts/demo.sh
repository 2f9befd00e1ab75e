#!/bin/sh
# demo.sh - the main job, end to end, on a throwaway mail and database
# server.
#
# usage: scripts/demo.sh
#
# Installs what is missing, builds rebound, starts a throwaway PostgreSQL
# and Dovecot on loopback (under /tmp) with the sample bounces of
# tests/golden in the mailbox, then: `rebound db migrate`, `rebound run
# --dry-run` (what would happen), `rebound run` (store it, then move the
# messages to Processed), a second `rebound run` (nothing counted twice),
# and what the database now holds.  Everything it started is stopped at the
# end.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/deps.sh"
if [ ! -x build/rebound ]; then
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi
R=$ROOT/build/rebound
T=$(mktemp -d /tmp/rebound-demo.XXXXXX)
chmod 755 "$T"
PORT=${REBOUND_PG_PORT:-15432}
cleanup() {
	"$ROOT/tests/servers/dovecot.sh" stop "$T/dv" 2>/dev/null || true
	"$ROOT/tests/servers/postgres.sh" stop "$T/pg" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

echo "== starting PostgreSQL and Dovecot on loopback (in $T)"
"$ROOT/tests/servers/postgres.sh" start "$T/pg"
"$ROOT/tests/servers/dovecot.sh" start "$T/dv" "$ROOT"/tests/golden/*.eml
cp "$T/dv/bounces.pass" "$T/bounces.pass"
chmod 600 "$T/bounces.pass"
cat >"$T/rebound.conf" <<CONF
[database]
conninfo = host=$T/pg port=$PORT dbname=rebound user=postgres

[mailbox bounces]
url = imaps://bounces@localhost:14993/INBOX
password_file = $T/bounces.pass
ca_file = $T/dv/cert.pem
after = move:Processed
list = news
CONF
echo "   config: $T/rebound.conf"

echo
echo "== rebound db migrate"
"$R" db migrate --config "$T/rebound.conf"

echo
echo "== rebound run --dry-run  (fetch and classify, change nothing)"
"$R" run --dry-run --config "$T/rebound.conf" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print("  %-28s %-9s %-15s %s" % (o["recipient"] or "-", o["class"],
          o["reason"] or "-", o["status"] or "-"))'

echo
echo "== rebound run  (store in PostgreSQL, then move the messages)"
"$R" run --config "$T/rebound.conf"

echo
echo "== rebound run again  (the inbox is empty; nothing is counted twice)"
"$R" run --config "$T/rebound.conf"

echo
echo "== rebound status"
"$R" status --config "$T/rebound.conf"

echo
echo "== rebound export --format csv  (the suppression list for other senders)"
"$R" export --format csv --config "$T/rebound.conf"

echo
echo "== rebound subscriber frank@example.net  (a complaint: suppressed everywhere)"
"$R" subscriber --config "$T/rebound.conf" frank@example.net
