#!/bin/sh
# postfix.sh - reports written by Debian 12's own Postfix 3.7, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message of each case of truth.txt, sent through Postfix to the
# responder (found by MX in common.sh's private DNS).  Postfix gives up at
# the first temporary failure (maximal_queue_lifetime = 0) and returns its
# DSN to the list's bounce address, delivered to an mbox here; then, with
# a queue lifetime of a day and delay_warning_time = 1s, the delay cases
# bring a delay notice.
#
# usage: tests/mta/postfix.sh OUTDIR
#
# Needs root: installs postfix when missing and purges it again at the end
# (Debian's MTAs replace one another: the machine is left as it was); an
# existing main.cf is put back.  The fixtures it writes are committed;
# CI reads them (check.sh) and never runs this.
MTA=postfix
OUT=$1
. "$(dirname "$0")/common.sh"
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
mta_install postfix postfix
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
	# a mount point cannot be removed: the purge would stop half-way
	umount /var/spool/postfix/etc/resolv.conf 2>/dev/null || true
	if [ -n "$HAD_MAIN" ]; then
		cp -p "$WORK/main.cf.orig" /etc/postfix/main.cf
	else
		rm -f /etc/postfix/main.cf
	fi
	mta_finish
}
trap cleanup EXIT
mta_dns
# the smtp client runs chrooted: its copy of resolv.conf too, only here
# (a fresh install has none yet: the empty one made is purged with it)
mkdir -p /var/spool/postfix/etc
[ -f /var/spool/postfix/etc/resolv.conf ] || : >/var/spool/postfix/etc/resolv.conf
mount --bind "$WORK/resolv.conf" /var/spool/postfix/etc/resolv.conf
mta_responder

# local delivery of the list's bounces into an mbox, everything else by
# MX, one attempt only
postconf -e "myhostname = mx.lists.example.com" "mydomain = lists.example.com" \
    "myorigin = lists.example.com" "mydestination = lists.example.com, localhost" \
    "relayhost =" "maximal_queue_lifetime = 0" \
    "bounce_queue_lifetime = 0" "smtp_tls_security_level = none" \
    "alias_maps = hash:$WORK/aliases" "alias_database = hash:$WORK/aliases" \
    "inet_interfaces = loopback-only" "smtpd_banner = mx.lists.example.com ESMTP" \
    "compatibility_level = 3.6" "local_recipient_maps =" \
    "smtp_connect_timeout = 5s" "smtp_address_preference = ipv4"
printf 'news-bounces: %s/bounces.mbox\n' "$WORK" >"$WORK/aliases"
postalias "$WORK/aliases"
postfix start >/dev/null 2>&1 || postfix reload >/dev/null 2>&1

n=0
for c in $(mta_cases); do
	mta_send "$c" /usr/sbin/sendmail
	n=$((n + 1))
done
for i in $(seq 30); do
	postqueue -f >/dev/null 2>&1 || true
	mta_wait "$WORK/bounces.mbox" "$n" && break
done

# delay notices: keep trying for a day, warn after a second
postconf -e "maximal_queue_lifetime = 1d" "bounce_queue_lifetime = 1d" \
    "delay_warning_time = 1s" "minimal_backoff_time = 1s" \
    "maximal_backoff_time = 2s" "queue_run_delay = 1s"
postfix reload >/dev/null 2>&1
for c in $(mta_delays); do
	mta_send "$c" /usr/sbin/sendmail
	n=$((n + 1))
done
for i in $(seq 30); do
	sleep 2
	postqueue -f >/dev/null 2>&1 || true
	mta_wait "$WORK/bounces.mbox" "$n" && break
done
postsuper -d ALL >/dev/null 2>&1 || true
mta_split "$WORK/bounces.mbox"
