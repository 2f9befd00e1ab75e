#!/bin/sh
# postgres.sh - a throwaway PostgreSQL for the tests, on loopback.
#
# usage: tests/servers/postgres.sh start DIR
#        tests/servers/postgres.sh stop DIR
#
# start: initdb into DIR/data (trust authentication, UTF8, locale C), listen
# on 127.0.0.1:$REBOUND_PG_PORT (15432) and a socket in DIR, create the
# database "rebound".  As root the server runs as nobody (initdb refuses
# root), so DIR must be reachable by it: use a directory under /tmp.  Test
# settings only: fsync, synchronous commit and full pages are off.
# Settings and pitfalls: ../shared/notes/test-servers.md.
set -eu
cmd=$1
DIR=$2
PORT=${REBOUND_PG_PORT:-15432}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "postgres.sh: PostgreSQL is not installed" >&2; exit 69; }

if [ "$(id -u)" -eq 0 ]; then
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
	RUNAS=
fi

case $cmd in
stop)
	[ -d "$DIR/data" ] && $RUNAS "$BIN/pg_ctl" -D "$DIR/data" -m immediate \
	    stop >/dev/null 2>&1 || true
	exit 0
	;;
start) ;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 64
	;;
esac

mkdir -p "$DIR"
[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$DIR"
$RUNAS "$BIN/initdb" -U postgres --auth=trust -E UTF8 --locale=C -N \
    -D "$DIR/data" >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 69; }
cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
$RUNAS "$BIN/pg_ctl" -w -D "$DIR/data" -l "$DIR/pg.log" start >/dev/null ||
    { cat "$DIR/pg.log" >&2; exit 69; }
$RUNAS "$BIN/createdb" -h "$DIR" -p "$PORT" -U postgres rebound
