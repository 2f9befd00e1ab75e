#!/bin/sh
# exim.sh - bounces written by Debian 12's own Exim 4.96, for the
# ground-truth corpus of tests/mta/ (see README.md there): one message from
# the list to one recipient per case of truth.txt, relayed to
# responder.py on loopback; with no retry rules Exim gives up at once and
# returns its report to the list's bounce address, into an mbox here.
#
# usage: tests/mta/exim.sh OUTDIR
#
# Needs root: installs exim4-daemon-light when missing and purges it again
# at the end.  Exim runs with a configuration of its own (-C), so
# /etc/exim4 is never read or changed.
set -eu
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${REBOUND_RESPONDER_PORT:-12525}
WORK=$(mktemp -d /tmp/rebound-mta.XXXXXX)
chmod 777 "$WORK"
INSTALLED=
if ! command -v exim4 >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends exim4-daemon-light >/dev/null
	INSTALLED=yes
fi
RESP=
cleanup() {
	[ -n "$RESP" ] && kill "$RESP" 2>/dev/null
	[ -n "$INSTALLED" ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq 'exim4*' >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/responder.py" "$PORT" 2>/dev/null &
RESP=$!
sleep 0.5

mkdir -p "$WORK/spool" "$WORK/out"
chown Debian-exim:Debian-exim "$WORK/spool"
chmod 777 "$WORK/out"
cat >"$WORK/exim.conf" <<CONF
keep_environment =
primary_hostname = mx.lists.example.com
qualify_domain = lists.example.com
domainlist local_domains = lists.example.com
spool_directory = $WORK/spool
log_file_path = $WORK/spool/%slog
exim_user = Debian-exim
exim_group = Debian-exim
never_users =
begin routers
bounces:
  driver = redirect
  domains = +local_domains
  local_parts = news-bounces
  data = $WORK/out/bounces.mbox
  file_transport = mbox
smart:
  driver = manualroute
  domains = ! +local_domains
  transport = remote
  route_list = * 127.0.0.1
  self = send
begin transports
remote:
  driver = smtp
  port = $PORT
  hosts_avoid_tls = *
mbox:
  driver = appendfile
  user = Debian-exim
  mode = 0666
# no retry rules: a temporary failure is given up at once
begin retry
CONF

n=0
for local in $(cut -f1 "$HERE/truth.txt" | grep -v '^#' | sort -u); do
	n=$((n + 1))
	exim4 -C "$WORK/exim.conf" -odi -f news-bounces@lists.example.com \
	    "$local@dest.example" <<MSG 2>/dev/null
From: News <news@lists.example.com>
To: $local@dest.example
Subject: November issue ($local)
Message-ID: <mta-exim-$local@lists.example.com>
List-Id: News <news.lists.example.com>
List-Unsubscribe: <mailto:news-leave@lists.example.com>
Precedence: bulk

The November issue.
MSG
done
mkdir -p "$OUT"
python3 - "$WORK/out/bounces.mbox" "$OUT" <<'PY'
import mailbox, re, sys
for msg in mailbox.mbox(sys.argv[1]):
    body = msg.as_bytes()
    m = re.search(rb"mta-exim-([a-z0-9]+)@", body)
    name = m.group(1).decode() if m else "unknown-case"
    with open("%s/exim-%s.eml" % (sys.argv[2], name), "wb") as f:
        f.write(body)
PY
echo "exim: $(ls "$OUT"/exim-*.eml 2>/dev/null | wc -l) of $n bounces written to $OUT"
