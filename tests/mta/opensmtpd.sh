#!/bin/sh
# opensmtpd.sh - bounces written by Debian 12's own OpenSMTPD 6.8, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message to one recipient per case of truth.txt, relayed to responder.py
# on loopback; a temporary failure expires after 5 s (queue ttl), and
# OpenSMTPD returns its reports to the list's bounce address, into an
# mbox here.  Its give-up on expiry says "delayed" and 4.4.7 while the
# message is gone: the case issue 18 calls final failures that look like
# delays.
#
# usage: tests/mta/opensmtpd.sh OUTDIR
#
# Needs root: installs opensmtpd when missing and purges it again at the
# end.  smtpd runs in the foreground with a configuration of its own (-f),
# listening on loopback port 10025 only; /etc/smtpd.conf is never read or
# changed.
MTA=opensmtpd
OUT=$1
. "$(dirname "$0")/common.sh"
mta_install smtpd opensmtpd
SMTPD=
cleanup() {
	[ -n "$SMTPD" ] && kill "$SMTPD" 2>/dev/null
	mta_finish
}
trap cleanup EXIT
mta_responder

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

for c in $(mta_cases); do
	mta_message "$c" | /usr/sbin/sendmail -f news-bounces@lists.example.com "$c@dest.example"
done
# the temporary ones come back once their 5 s are over
mta_wait "$WORK/bounces.mbox" "$(mta_cases | wc -l)" || true
mta_split "$WORK/bounces.mbox"
