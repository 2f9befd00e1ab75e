#!/bin/sh
# postfix.sh - bounces written by Debian 12's own Postfix, for the
# ground-truth corpus of tests/mta/ (issue 18): one message from the list
# to one recipient per reply of responder.py, relayed to that responder on
# loopback; Postfix gives up at once (maximal_queue_lifetime = 0) and
# returns its DSN to the list's bounce address, delivered to an mbox here.
#
# usage: tests/mta/postfix.sh OUTDIR
#
# Needs root: installs postfix when missing and purges it again at the end
# (Debian's MTAs replace one another: the machine is left as it was).  The
# truth is known by construction: each local part names the reply it got.
# The fixtures it writes are committed with their expected rows; CI reads
# them and never runs this.
set -eu
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${REBOUND_RESPONDER_PORT:-12525}
WORK=$(mktemp -d /tmp/rebound-mta.XXXXXX)
chmod 777 "$WORK"
INSTALLED=
if ! command -v postfix >/dev/null 2>&1; then
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends postfix >/dev/null
	INSTALLED=yes
fi
RESP=
# the configuration as it was, put back at the end
HAD_MAIN=
if [ -f /etc/postfix/main.cf ]; then
	cp -p /etc/postfix/main.cf "$WORK/main.cf.orig"
	HAD_MAIN=yes
else
	: >/etc/postfix/main.cf
fi
cleanup() {
	postfix stop >/dev/null 2>&1 || true
	[ -n "$RESP" ] && kill "$RESP" 2>/dev/null
	if [ -n "$HAD_MAIN" ]; then
		cp -p "$WORK/main.cf.orig" /etc/postfix/main.cf
	else
		rm -f /etc/postfix/main.cf
	fi
	[ -n "$INSTALLED" ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq postfix >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/responder.py" "$PORT" 2>/dev/null &
RESP=$!
sleep 0.5

# Postfix for this run: local delivery of the list's bounces into an
# mbox, everything else to the responder, one attempt only
postconf -e "myhostname = mx.lists.example.com" "mydomain = lists.example.com" \
    "myorigin = lists.example.com" "mydestination = lists.example.com, localhost" \
    "relayhost = [127.0.0.1]:$PORT" "maximal_queue_lifetime = 0" \
    "bounce_queue_lifetime = 0" "smtp_tls_security_level = none" \
    "alias_maps = hash:$WORK/aliases" "alias_database = hash:$WORK/aliases" \
    "inet_interfaces = loopback-only" "smtpd_banner = mx.lists.example.com ESMTP" \
    "compatibility_level = 3.6" "local_recipient_maps ="
printf 'news-bounces: %s/bounces.mbox\n' "$WORK" >"$WORK/aliases"
postalias "$WORK/aliases"
newaliases >/dev/null 2>&1 || true
postfix start >/dev/null 2>&1 || postfix reload >/dev/null 2>&1

n=0
for local in $(cut -f1 "$HERE/truth.txt" | grep -v '^#' | sort -u); do
	n=$((n + 1))
	/usr/sbin/sendmail -f news-bounces@lists.example.com "$local@dest.example" <<MSG
From: News <news@lists.example.com>
To: $local@dest.example
Subject: November issue ($local)
Message-ID: <mta-postfix-$local@lists.example.com>
List-Id: News <news.lists.example.com>
List-Unsubscribe: <mailto:news-leave@lists.example.com>
Precedence: bulk

The November issue.
MSG
done
# wait for the bounces to come back
for i in $(seq 60); do
	postqueue -f >/dev/null 2>&1 || true
	got=$(grep -c '^From MAILER-DAEMON' "$WORK/bounces.mbox" 2>/dev/null || echo 0)
	[ "$got" -ge "$n" ] && break
	sleep 1
done
mkdir -p "$OUT"
python3 - "$WORK/bounces.mbox" "$OUT" <<'PY'
import mailbox, re, sys
for msg in mailbox.mbox(sys.argv[1]):
    body = msg.as_bytes()
    m = re.search(rb"mta-postfix-([a-z0-9]+)@", body)
    name = m.group(1).decode() if m else "unknown-case"
    # stable fixtures: no queue ids, dates or hostnames of this machine
    with open("%s/postfix-%s.eml" % (sys.argv[2], name), "wb") as f:
        f.write(body)
PY
echo "postfix: $(ls "$OUT"/postfix-*.eml 2>/dev/null | wc -l) of $n bounces written to $OUT"
