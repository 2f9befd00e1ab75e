#!/bin/sh
# opensmtpd.sh - bounces written by Debian 12's own OpenSMTPD 6.8, for the
# ground-truth corpus of tests/mta/ (see README.md there): one message from
# the list to one recipient per case of truth.txt, relayed to
# responder.py on loopback; a temporary failure expires after 5 s (queue
# ttl), and OpenSMTPD returns its reports to the list's bounce address,
# into an mbox here.  Its give-up on expiry says "delayed" and 4.4.7 while
# the message is gone: the case issue 18 calls final failures that look
# like delays.
#
# usage: tests/mta/opensmtpd.sh OUTDIR
#
# Needs root: installs opensmtpd when missing and purges it again at the
# end.  smtpd runs in the foreground with a configuration of its own
# (-f), listening on loopback port 10025 only; /etc/smtpd.conf is never
# read or changed.
set -eu
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${REBOUND_RESPONDER_PORT:-12525}
WORK=$(mktemp -d /tmp/rebound-mta.XXXXXX)
chmod 777 "$WORK"
INSTALLED=
if ! command -v smtpd >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends opensmtpd >/dev/null
	INSTALLED=yes
fi
RESP=
SMTPD=
cleanup() {
	[ -n "$SMTPD" ] && kill "$SMTPD" 2>/dev/null
	[ -n "$RESP" ] && kill "$RESP" 2>/dev/null
	[ -n "$INSTALLED" ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq opensmtpd >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/responder.py" "$PORT" 2>/dev/null &
RESP=$!
printf 'news-bounces: %s/bounces.mbox\n' "$WORK" >"$WORK/aliases"
cat >"$WORK/smtpd.conf" <<CONF
queue ttl 5s
table aliases file:$WORK/aliases
listen on lo port 10025
action "local" mbox alias <aliases>
action "relay" relay host smtp://127.0.0.1:$PORT
match from local for domain "lists.example.com" action "local"
match from local for any action "relay"
CONF
smtpd -n -f "$WORK/smtpd.conf" >/dev/null
smtpd -d -f "$WORK/smtpd.conf" >"$WORK/log" 2>&1 &
SMTPD=$!
sleep 2

n=0
for local in $(cut -f1 "$HERE/truth.txt" | grep -v '^#' | sort -u); do
	n=$((n + 1))
	/usr/sbin/sendmail -f news-bounces@lists.example.com "$local@dest.example" <<MSG
From: News <news@lists.example.com>
To: $local@dest.example
Subject: November issue ($local)
Message-ID: <mta-opensmtpd-$local@lists.example.com>
List-Id: News <news.lists.example.com>
List-Unsubscribe: <mailto:news-leave@lists.example.com>
Precedence: bulk

The November issue.
MSG
done
# the temporary ones come back once their 5 s are over
for i in $(seq 60); do
	got=$(grep -c '^From MAILER-DAEMON' "$WORK/bounces.mbox" 2>/dev/null || echo 0)
	[ "$got" -ge "$n" ] && break
	sleep 1
done
mkdir -p "$OUT"
python3 - "$WORK/bounces.mbox" "$OUT" <<'PY'
import mailbox, re, sys
for msg in mailbox.mbox(sys.argv[1]):
    body = msg.as_bytes()
    m = re.search(rb"mta-opensmtpd-([a-z0-9]+)@", body)
    name = m.group(1).decode() if m else "unknown-case"
    with open("%s/opensmtpd-%s.eml" % (sys.argv[2], name), "wb") as f:
        f.write(body)
PY
echo "opensmtpd: $(ls "$OUT"/opensmtpd-*.eml 2>/dev/null | wc -l) of $n bounces written to $OUT"
