#!/bin/sh
# postfix.sh - bounces written by Debian 12's own Postfix 3.7, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message to one recipient per case of truth.txt, relayed to responder.py
# on loopback; Postfix gives up at once (maximal_queue_lifetime = 0) and
# returns its DSN to the list's bounce address, delivered to an mbox here.
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
	if [ -n "$HAD_MAIN" ]; then
		cp -p "$WORK/main.cf.orig" /etc/postfix/main.cf
	else
		rm -f /etc/postfix/main.cf
	fi
	mta_finish
}
trap cleanup EXIT
mta_responder

# local delivery of the list's bounces into an mbox, everything else to
# the responder, one attempt only
postconf -e "myhostname = mx.lists.example.com" "mydomain = lists.example.com" \
    "myorigin = lists.example.com" "mydestination = lists.example.com, localhost" \
    "relayhost = [127.0.0.1]:$PORT" "maximal_queue_lifetime = 0" \
    "bounce_queue_lifetime = 0" "smtp_tls_security_level = none" \
    "alias_maps = hash:$WORK/aliases" "alias_database = hash:$WORK/aliases" \
    "inet_interfaces = loopback-only" "smtpd_banner = mx.lists.example.com ESMTP" \
    "compatibility_level = 3.6" "local_recipient_maps ="
printf 'news-bounces: %s/bounces.mbox\n' "$WORK" >"$WORK/aliases"
postalias "$WORK/aliases"
postfix start >/dev/null 2>&1 || postfix reload >/dev/null 2>&1

for c in $(mta_cases); do
	mta_message "$c" | /usr/sbin/sendmail -f news-bounces@lists.example.com "$c@dest.example"
done
for i in $(seq 60); do
	postqueue -f >/dev/null 2>&1 || true
	mta_wait "$WORK/bounces.mbox" "$(mta_cases | wc -l)" && break
done
mta_split "$WORK/bounces.mbox"
