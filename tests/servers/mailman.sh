#!/bin/sh
# mailman.sh - a throwaway Mailman 3 core (Debian's mailman3) for the
# tests, its REST API on loopback, no MTA.
#
# usage: tests/servers/mailman.sh start DIR [LIST-ADDRESS...]
#        tests/servers/mailman.sh stop DIR
#        tests/servers/mailman.sh mailman DIR ARGS...  (the mailman command)
#
# start: writes DIR/mailman.cfg (var_dir DIR/var, REST on 127.0.0.1 port
# $REBOUND_MAILMAN_PORT, 18001, user restadmin, password in DIR/rest.pass
# mode 600, mta NullMTA), starts it, waits for the REST API (it takes
# 5-10 s), creates the given lists.  Installs mailman3 when missing.
# Settings and pitfalls: ../shared/notes/test-servers.md.
set -eu
cmd=$1
DIR=$2
shift 2
PORT=${REBOUND_MAILMAN_PORT:-18001}
ROOT=
[ "$(id -u)" -eq 0 ] && ROOT=--run-as-root

mm() {
	mailman $ROOT -C "$DIR/mailman.cfg" "$@"
}

case $cmd in
stop)
	[ -f "$DIR/mailman.cfg" ] || exit 0
	mm stop >/dev/null 2>&1 || true
	# the master and its runners go; wait so the port is free again
	for i in $(seq 50); do
		[ -f "$DIR/var/master.pid" ] || break
		kill -0 "$(cat "$DIR/var/master.pid")" 2>/dev/null || break
		sleep 0.2
	done
	exit 0
	;;
mailman)
	mm "$@"
	exit
	;;
start) ;;
*)
	echo "usage: $0 start|stop|mailman DIR" >&2
	exit 64
	;;
esac

if ! command -v mailman >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "mailman.sh: mailman3 is not installed (run as root)" >&2
		exit 77
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends mailman3 >/dev/null
fi
mkdir -p "$DIR/var"
printf 'restpass\n' >"$DIR/rest.pass"
chmod 600 "$DIR/rest.pass"
cat >"$DIR/mailman.cfg" <<CFG
[mailman]
site_owner: admin@example.com
layout: custom

[paths.custom]
var_dir: $DIR/var
bin_dir: /usr/lib/mailman3/bin

[webservice]
hostname: 127.0.0.1
port: $PORT
admin_user: restadmin
admin_pass: restpass

[mta]
incoming: mailman.mta.null.NullMTA
CFG
mm start >"$DIR/start.log" 2>&1 </dev/null
for i in $(seq 150); do
	if curl -sf -u restadmin:restpass \
	    "http://127.0.0.1:$PORT/3.1/system/versions" >/dev/null 2>&1; then
		for list in "$@"; do
			mm create "$list" >>"$DIR/start.log" 2>&1
		done
		exit 0
	fi
	sleep 0.2
done
echo "mailman.sh: the REST API did not answer on $PORT" >&2
cat "$DIR/start.log" >&2
exit 1
