#!/bin/sh
# exim.sh - bounces written by Debian 12's own Exim 4.96, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message to one recipient per case of truth.txt, relayed to responder.py
# on loopback; with no retry rules Exim gives up at once and returns its
# report to the list's bounce address, into an mbox here.
#
# usage: tests/mta/exim.sh OUTDIR
#
# Needs root: installs exim4-daemon-light when missing and purges it again
# at the end.  Exim runs with a configuration of its own (-C), so
# /etc/exim4 is never read or changed.
MTA=exim
OUT=$1
. "$(dirname "$0")/common.sh"
mta_install exim4 exim4-daemon-light
cleanup() {
	mta_finish
	# Debian's purge keeps the system user it made: remove it too
	if [ -n "$INSTALLED" ] && getent passwd Debian-exim >/dev/null; then
		deluser --quiet --system Debian-exim >/dev/null 2>&1 || true
		delgroup --quiet --system Debian-exim >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
mta_responder

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

for c in $(mta_cases); do
	mta_message "$c" | exim4 -C "$WORK/exim.conf" -odi \
	    -f news-bounces@lists.example.com "$c@dest.example" 2>/dev/null
done
mta_wait "$WORK/out/bounces.mbox" "$(mta_cases | wc -l)" || true
mta_split "$WORK/out/bounces.mbox"
