#!/bin/sh
# dma.sh - reports written by Debian 12's own dma 0.13 (the DragonFly Mail
# Agent), for the ground-truth corpus of tests/mta/ (see README.md
# there): the list's message of each case of truth.txt, delivered in the
# foreground (-D) by MX (common.sh's private DNS) to the responder; dma
# sends its reports by SMTP to the list's domain, whose MX is the
# responder too: they arrive in its mbox.
#
# dma retries a temporary failure for days, in the process that got the
# message, and writes no delay notice: only the permanent cases are made
# (a case still running after 20 s is stopped and gives no fixture).  The
# list's domain is the responder's here: no local user to be unknown.
#
# usage: tests/mta/dma.sh OUTDIR
#
# Needs root: installs dma when missing and purges it again at the end.
# Its configuration (/etc/dma/dma.conf) is replaced in this mount
# namespace only.
MTA=dma
OUT=$1
. "$(dirname "$0")/common.sh"
echo "dma dma/mailname string mx.lists.example.com" | debconf-set-selections
echo "dma dma/relayhost string" | debconf-set-selections
mta_install dma dma
MADE=
cleanup() {
	umount /etc/dma/dma.conf 2>/dev/null || true
	[ -n "$MADE" ] && rm -f /etc/dma/dma.conf
	mta_finish
}
trap cleanup EXIT
mta_dns
mta_responder

mkdir -p /etc/dma
[ -f /etc/dma/dma.conf ] || { : >/etc/dma/dma.conf; MADE=yes; }
cat >"$WORK/dma.conf" <<CONF
MAILNAME mx.lists.example.com
CONF
mount --bind "$WORK/dma.conf" /etc/dma/dma.conf

n=0
for c in $(mta_cases localuser full4 greylist temp | grep -vxF \
    -e toomany -e ratelimit -e refused); do
	# shellcheck disable=SC2046
	mta_message "$c" | timeout 20 /usr/sbin/dma -D \
	    -f news-bounces@lists.example.com $(mta_rcpts "$c") \
	    2>>"$WORK/log" && n=$((n + 1)) || echo "dma: $c: no report ($?)" >&2
done
mta_wait "$WORK/relayed.mbox" "$n" || true
mta_split "$WORK/relayed.mbox"
