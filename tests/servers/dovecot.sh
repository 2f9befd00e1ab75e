#!/bin/sh
# dovecot.sh - a throwaway Dovecot for the tests, on loopback, rootless.
#
# usage: tests/servers/dovecot.sh start DIR [MESSAGE-FILE...]
#        tests/servers/dovecot.sh stop DIR
#
# start: generates a self-signed certificate (DIR/cert.pem doubles as the
# CA file; SAN localhost and 127.0.0.1) and a second, unrelated one
# (DIR/other-ca.pem) for "untrusted" tests; user "bounces", password in
# DIR/bounces.pass (mode 600); loads the given messages into the user's
# Maildir, in order, before the server starts; listens on
#   IMAP  $REBOUND_IMAP_PORT  (14143, STARTTLS available)
#   IMAPS $REBOUND_IMAPS_PORT (14993)
#   POP3  $REBOUND_POP3_PORT  (14110, STLS available)
#   POP3S $REBOUND_POP3S_PORT (14995)
# Mail is not fsynced (mail_fsync = never, for speed);
# $REBOUND_DOVECOT_FSYNC=optimized gives Dovecot's own default, for
# benchmarks.  As root the server runs as nobody (DIR must be reachable
# by it: use a directory under /tmp).  Settings and pitfalls: ../shared/notes/test-servers.md.
set -eu
cmd=$1
DIR=$2
shift 2
IMAP=${REBOUND_IMAP_PORT:-14143}
IMAPS=${REBOUND_IMAPS_PORT:-14993}
POP3=${REBOUND_POP3_PORT:-14110}
POP3S=${REBOUND_POP3S_PORT:-14995}

if [ "$(id -u)" -eq 0 ]; then
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	USER_NAME=nobody
	GROUP_NAME=nogroup
else
	RUNAS=
	USER_NAME=$(id -un)
	GROUP_NAME=$(id -gn)
fi

stop() {
	[ -f "$DIR/run/master.pid" ] || return 0
	kill -9 "$(cat "$DIR/run/master.pid")" 2>/dev/null || true
	# the master can linger as a zombie: wait for the pid file instead
	i=0
	while [ -f "$DIR/run/master.pid" ] && [ $i -lt 50 ]; do
		rm -f "$DIR/run/master.pid" 2>/dev/null || true
		sleep 0.05
		i=$((i + 1))
	done
}

case $cmd in
stop)
	stop
	exit 0
	;;
start) ;;
*)
	echo "usage: $0 start|stop DIR [MESSAGE...]" >&2
	exit 64
	;;
esac

DOVECOT=$(command -v dovecot || echo /usr/sbin/dovecot)
mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail/bounces/Maildir/cur" \
    "$DIR/mail/bounces/Maildir/new" "$DIR/mail/bounces/Maildir/tmp"

# certificates: the server's, and an unrelated one for refusal tests
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$DIR/other-key.pem" -out "$DIR/other-ca.pem" -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    2>/dev/null

umask 077
printf 'secret-%s\n' "$$" >"$DIR/bounces.pass"
printf 'bounces:{PLAIN}%s\n' "$(head -n 1 "$DIR/bounces.pass")" >"$DIR/passwd"
umask 022

# messages straight into cur/, named so that UID order is file order
i=0
for m in "$@"; do
	i=$((i + 1))
	cp "$m" "$DIR/mail/bounces/Maildir/cur/1700000000.M${i}P1.test:2,"
done

cat >"$DIR/dovecot.conf" <<CONF
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
listen = 127.0.0.1, 127.0.0.2
protocols = imap pop3
default_login_user = $USER_NAME
default_internal_user = $USER_NAME
default_internal_group = $GROUP_NAME
first_valid_uid = 1
ssl = yes
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
auth_mechanisms = plain
disable_plaintext_auth = no
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_fsync = ${REBOUND_DOVECOT_FSYNC:-never}
mail_max_userip_connections = 1000
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DIR/passwd
}
userdb {
  driver = static
  args = uid=$USER_NAME gid=$GROUP_NAME home=$DIR/mail/%u
}
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service ipc {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $IMAP
  }
  inet_listener imaps {
    port = $IMAPS
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = $POP3
  }
  inet_listener pop3s {
    port = $POP3S
    ssl = yes
  }
}
CONF

[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$DIR"
# The daemonised master keeps the caller's stderr open: detach it fully.
$RUNAS "$DOVECOT" -c "$DIR/dovecot.conf" </dev/null >/dev/null \
    2>>"$DIR/dovecot.stderr"
i=0
while [ ! -f "$DIR/run/master.pid" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "dovecot did not start; see $DIR/dovecot.log" >&2
		cat "$DIR/dovecot.stderr" "$DIR/dovecot.log" 2>/dev/null >&2
		exit 69
	fi
	sleep 0.05
done
