#!/bin/sh
# haraka.sh - reports written by Haraka 3 (from the npm registry, run on
# Debian 12's node), for the ground-truth corpus of tests/mta/ (see
# README.md there): the list's message of each case of truth.txt,
# submitted by SMTP to Haraka on loopback, which relays it by MX
# (common.sh's private DNS) to the responder.  temp_fail_intervals = none
# makes Haraka give up at the first temporary failure; it sends its
# reports by SMTP to the list's domain, whose MX is the responder too:
# they arrive in its mbox.  Haraka writes no delay notices, and the
# list's domain is the responder's here: no localuser or delay case.
#
# usage: tests/mta/haraka.sh OUTDIR
#
# Needs root for the mount namespace, node and npm (Debian's nodejs and
# npm packages, installed when missing and purged again); Haraka, its
# relay plugin and their npm cache live in the work directory and go
# with it.
MTA=haraka
OUT=$1
. "$(dirname "$0")/common.sh"
mta_install npm nodejs npm
HARAKA=
cleanup() {
	[ -n "$HARAKA" ] && kill "$HARAKA" 2>/dev/null
	mta_finish
}
trap cleanup EXIT
mta_dns
mta_responder

npm_config_cache="$WORK/npm-cache" npm install --prefix "$WORK/npm" \
    --no-audit --no-fund --omit=optional Haraka@3 haraka-plugin-relay >"$WORK/npm.log" 2>&1 ||
    { cat "$WORK/npm.log" >&2; exit 1; }
"$WORK/npm/node_modules/.bin/haraka" -i "$WORK/hk" >/dev/null
C=$WORK/hk/config
# the bounce templates are not found in Haraka's own directory: without
# them its reports have no From, To, Subject or text
cp "$WORK"/npm/node_modules/Haraka/config/outbound.bounce_message* "$C/"
echo mx.lists.example.com >"$C/me"
printf 'relay\n' >"$C/plugins"
printf '[relay]\nacl=true\n' >"$C/relay.ini"
printf '127.0.0.1/32\n' >"$C/relay_acl_allow"
printf '[main]\nlisten=127.0.0.1:10027\nnodes=0\n' >"$C/smtp.ini"
printf 'enable_tls=false\nlocal_mx_ok=true\ntemp_fail_intervals=none\nconnect_timeout=5\n' \
    >"$C/outbound.ini"
: >"$C/host_list"
"$WORK/npm/node_modules/.bin/haraka" -c "$WORK/hk" >"$WORK/haraka.log" 2>&1 &
HARAKA=$!
for i in $(seq 30); do
	python3 -c 'import socket; socket.create_connection(("127.0.0.1", 10027), 1)' \
	    2>/dev/null && break
	sleep 1
done

n=0
for c in $(mta_cases localuser); do
	# shellcheck disable=SC2046
	mta_message "$c" | python3 -c 'import smtplib, sys
s = smtplib.SMTP("127.0.0.1", 10027)
s.sendmail(sys.argv[1], sys.argv[2:], sys.stdin.read())
s.quit()' news-bounces@lists.example.com $(mta_rcpts "$c")
	n=$((n + 1))
done
mta_wait "$WORK/relayed.mbox" "$n" || true
mta_split "$WORK/relayed.mbox"
