#!/bin/sh
# demo.sh - the main job, end to end, on a throwaway mail and database
# server.
#
# usage: scripts/demo.sh
#
# Installs what is missing, builds rebound, starts a throwaway PostgreSQL
# and Dovecot on loopback (under /tmp) with the sample bounces of
# tests/golden in the mailbox, and two bounces to return paths signed
# with a key made here (`rebound verp`), then: `rebound db migrate`,
# `rebound run --dry-run` (what would happen), `rebound run` (store it,
# then move the messages to Processed), a second `rebound run` (nothing
# counted twice), and what the database now holds: the signed bounces
# suppress at once, the unproven samples count as soft bounces only;
# last the week's report, and the month's as one HTML page in
# build/demo-report.html.
# Everything it started is stopped at the end.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/deps.sh"
[ -f build/CMakeCache.txt ] ||
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
R=$ROOT/build/rebound
T=$(mktemp -d /tmp/rebound-demo.XXXXXX)
chmod 755 "$T"
PORT=${REBOUND_PG_PORT:-15432}
# Dovecot's ports are choosable too (tests/servers/dovecot.sh reads these)
REBOUND_IMAPS_PORT=${REBOUND_IMAPS_PORT:-14993}
export REBOUND_IMAPS_PORT
cleanup() {
	"$ROOT/tests/servers/dovecot.sh" stop "$T/dv" 2>/dev/null || true
	"$ROOT/tests/servers/postgres.sh" stop "$T/pg" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# the signed VERP key: one line "ID SECRET", readable by its owner only
umask 077
printf '1 %s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >"$T/verp.keys"
umask 022
POLICY="[parse]
verp_prefix = {list}-bounces

[policy]
verp_secret_file = $T/verp.keys
verp_domain = lists.example.com"
printf '%s\n' "$POLICY" >"$T/rebound.conf"
# signed DSN ADDRESS FILE - a hard bounce that came back to the signed
# return path of ADDRESS on list news (as the list's MTA would receive it)
signed() {
	rp=$("$R" verp --config "$T/rebound.conf" --list news "$1")
	cat >"$2" <<MSG
Delivered-To: $rp
From: MAILER-DAEMON@mx.example.net
To: $rp
Subject: Undelivered Mail Returned to Sender
Message-ID: <signed-$1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $1
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <$1>: Recipient address rejected: User unknown

--B--
MSG
}
signed ruth@example.org "$T/signed-ruth.eml"
signed sam@example.net "$T/signed-sam.eml"
echo "   signed return path: $("$R" verp --config "$T/rebound.conf" --list news ruth@example.org)"

echo "== starting PostgreSQL and Dovecot on loopback (in $T)"
"$ROOT/tests/servers/postgres.sh" start "$T/pg"
"$ROOT/tests/servers/dovecot.sh" start "$T/dv" "$ROOT"/tests/golden/*.eml \
    "$T"/signed-*.eml
cp "$T/dv/bounces.pass" "$T/bounces.pass"
chmod 600 "$T/bounces.pass"
cat >"$T/rebound.conf" <<CONF
[database]
conninfo = host=$T/pg port=$PORT dbname=rebound user=postgres

$POLICY

[mailbox bounces]
url = imaps://bounces@localhost:$REBOUND_IMAPS_PORT/INBOX
password_file = $T/bounces.pass
ca_file = $T/dv/cert.pem
after = move:Processed

# one list, whatever a bounce calls it: its VERP name, its address, its
# List-Id all become "news"
[list news]
aliases = news@lists.example.com, news.lists.example.com
mailboxes = bounces
CONF
echo "   config: $T/rebound.conf"

echo
echo "== rebound db migrate"
"$R" db migrate --config "$T/rebound.conf"

echo
echo "== rebound run --dry-run  (what the run would do with this database; change nothing)"
"$R" run --dry-run --config "$T/rebound.conf" | python3 -c '
import json, sys
print("  %-26s %-5s %-9s %-14s %-19s %s" % ("SUBSCRIBER", "LIST", "CLASS",
      "REASON", "WOULD", "WHY"))
for line in sys.stdin:
    o = json.loads(line)
    print("  %-26s %-5s %-9s %-14s %-19s %s" % ((o["subscriber"] or "-")[:26],
          o.get("effect_list") or "-", o["class"], o["reason"] or "-",
          o.get("effect") or "-", (o.get("effect_why") or "")[:60]))'

echo
echo "== rebound run  (store in PostgreSQL, then move the messages)"
"$R" run --config "$T/rebound.conf"

echo
echo "== rebound run again  (the inbox is empty; nothing is counted twice)"
"$R" run --config "$T/rebound.conf"

echo
echo "== one list, one name: a bounce that names the list only by its List-Id (news.lists.example.com)"
cat <<'MSG' | "$R" run --stdin --config "$T/rebound.conf"
From: MAILER-DAEMON@mx.example.net
To: news-bounces@lists.example.com
Subject: Delivery Status Notification (Failure)
Message-ID: <demo-listid@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; tess@example.org
Action: failed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

--B
Content-Type: text/rfc822-headers

From: news@lists.example.com
To: tess@example.org
List-Id: News <news.lists.example.com>

--B--
MSG
"$R" subscriber --config "$T/rebound.conf" tess@example.org | sed -n '1,5p'

echo
echo "== rebound status"
"$R" status --config "$T/rebound.conf"

echo
echo "== rebound export --format csv  (the suppression list for other senders)"
"$R" export --format csv --config "$T/rebound.conf"

echo
echo "== rebound subscriber ruth@example.org  (a hard bounce to a signed return path: suppressed at once)"
"$R" subscriber --config "$T/rebound.conf" ruth@example.org

echo
echo "== rebound subscriber frank@example.net  (a complaint with no proof: one soft point, not suppressed)"
"$R" subscriber --config "$T/rebound.conf" frank@example.net

echo
echo "== rebound report  (the week by the days the deliveries failed; addresses masked)"
"$R" report --config "$T/rebound.conf"
"$R" report --config "$T/rebound.conf" --since 30d --format html \
    -o "$ROOT/build/demo-report.html"
echo
echo "The deliverability report as one HTML page (no script, no request):"
echo "  $ROOT/build/demo-report.html"
