#!/bin/sh
# exim.sh - reports written by Debian 12's own Exim 4.96, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message of each case of truth.txt, routed by MX (common.sh's private
# DNS) to the responder; with no retry rules Exim gives up at once and
# returns its report to the list's bounce address, into an mbox here;
# then, retrying for a day with delay_warning = 1s, the delay cases bring
# a delay notice.
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
		# and its dpkg stat overrides first: a group an override names
		# must exist, or every later dpkg run stops
		dpkg-statoverride --list | awk '$2 == "Debian-exim" { print $4 }' |
		    while read -r f; do dpkg-statoverride --remove "$f"; done
		deluser --quiet --system Debian-exim >/dev/null 2>&1 || true
		delgroup --quiet --system Debian-exim >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
mta_dns
mta_responder

mkdir -p "$WORK/spool" "$WORK/out"
chown Debian-exim:Debian-exim "$WORK/spool"
chmod 777 "$WORK/out"
# ROUTE: dnslookup, or the retry rules of the delay phase after it
write_conf() {
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
delay_warning = $1
# Exim's default condition sends no delay notice for list mail (List-Id,
# Precedence: bulk): the delay phase asks for one anyway
delay_warning_condition = $3
begin routers
bounces:
  driver = redirect
  domains = +local_domains
  local_parts = news-bounces
  data = $WORK/out/bounces.mbox
  file_transport = mbox
dns:
  driver = dnslookup
  domains = ! +local_domains
  transport = remote
  self = send
begin transports
remote:
  driver = smtp
  hosts_avoid_tls = *
  connect_timeout = 5s
mbox:
  driver = appendfile
  user = Debian-exim
  mode = 0666
begin retry
$2
CONF
}
EXIM="exim4 -C $WORK/exim.conf"

# no retry rules: a temporary failure is given up at once
write_conf 24h "" no
n=0
for c in $(mta_cases); do
	mta_send "$c" $EXIM -odi 2>/dev/null || true
	n=$((n + 1))
done
mta_wait "$WORK/out/bounces.mbox" "$n" || true

# delay notices: keep trying for a day, warn after a second
write_conf 1s "* * F,1d,1s" yes
for c in $(mta_delays); do
	mta_send "$c" $EXIM -odi 2>/dev/null || true
	n=$((n + 1))
done
sleep 2
$EXIM -qff 2>/dev/null || true
mta_wait "$WORK/out/bounces.mbox" "$n" || true
mta_split "$WORK/out/bounces.mbox"
