#!/bin/sh
# opensmtpd.sh - reports written by Debian 12's own OpenSMTPD 6.8, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message of each case of truth.txt, routed by MX (common.sh's private
# DNS) to the responder; a temporary failure expires after 5 s (queue
# ttl), and OpenSMTPD returns its reports to the list's bounce address,
# into an mbox here; then, with a day to live and bounce warn-interval 2s,
# the delay cases bring a delay notice.  Its give-up on expiry says "delayed" and 4.4.7 while the
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
mta_dns
mta_responder

printf 'news-bounces: %s/bounces.mbox\n' "$WORK" >"$WORK/aliases"
# smtpd_start TTL WARN - (re)start smtpd with this queue lifetime and,
# when WARN is given, a delay notice after WARN
smtpd_start() {
	[ -n "$SMTPD" ] && kill "$SMTPD" 2>/dev/null && sleep 1
	{
		echo "queue ttl $1"
		[ -n "${2:-}" ] && echo "bounce warn-interval $2"
		cat <<CONF
table aliases file:$WORK/aliases
listen on lo port 10025
action "local" mbox alias <aliases>
action "relay" relay
match from local for domain "lists.example.com" action "local"
match from local for any action "relay"
CONF
	} >"$WORK/smtpd.conf"
	smtpd -n -f "$WORK/smtpd.conf" >/dev/null
	smtpd -d -f "$WORK/smtpd.conf" >>"$WORK/log" 2>&1 &
	SMTPD=$!
	sleep 2
}

smtpd_start 5s
n=0
# an unknown local user is refused at submission (sendmail says 550): no
# report is written, so no localuser case
for c in $(mta_cases localuser); do
	mta_send "$c" /usr/sbin/sendmail
	n=$((n + 1))
done
# the temporary ones come back once their 5 s are over
mta_wait "$WORK/bounces.mbox" "$n" || true

# delay notices: a day to live, a warning after 2 s
smtpd_start 1d 2s
for c in $(mta_delays); do
	mta_send "$c" /usr/sbin/sendmail
	n=$((n + 1))
done
mta_wait "$WORK/bounces.mbox" "$n" || true
mta_split "$WORK/bounces.mbox"
