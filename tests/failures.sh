#!/bin/sh
# failures.sh - a mailbox that cannot be read says why, with the likely
# fix, and exits with a status that tells what the next run may fix (75)
# from what it will not: a host name that does not resolve (68), TLS
# spoken to a plain-text port (76), a certificate refused (69), a login
# refused (77); and a temporary failure that lasts past fail_after becomes
# 69 with a loud message, then is forgotten once the mailbox is read.
# Real Dovecot and PostgreSQL.
#
# usage: tests/failures.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
mkdir -p "$D"
"$DV" start "$D" || exit 1
cp "$D/bounces.pass" "$TMP/bounces.pass"
chmod 600 "$TMP/bounces.pass"
printf 'wrong\n' >"$TMP/wrong.pass"
chmod 600 "$TMP/wrong.pass"
CONF=$TMP/rebound.conf

# conf URL [KEY = VALUE...] - one mailbox "m"
conf() {
	url=$1
	shift
	{
		printf '[database]\nconninfo = host=%s port=%s dbname=rebound user=postgres\n\n' "$S" "$PORT"
		printf '[mailbox m]\nurl = %s\nca_file = %s/cert.pem\n' "$url" "$D"
		for kv in "$@"; do printf '%s\n' "$kv"; done
		case " $* " in
		*password_file*) ;;
		*) printf 'password_file = %s\n' "$TMP/bounces.pass" ;;
		esac
	} >"$CONF"
}
# expect STATUS PATTERN WHAT - a run exits STATUS and says PATTERN
expect() {
	"$BIN" run --config "$CONF" >"$TMP/out" 2>&1
	rc=$?
	[ "$rc" -eq "$1" ] || fail "$3: exited $rc, expected $1: $(cat "$TMP/out")"
	grep -q "$2" "$TMP/out" || fail "$3: says $(cat "$TMP/out")"
}
conf "imaps://bounces@localhost:$IMAPS/INBOX"
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"
expect 0 "mailbox m: 0 fetched" "a mailbox that works"

# a host name that does not resolve (RFC 2606 .invalid)
conf "imaps://bounces@no-such-host.invalid/INBOX"
"$BIN" run --config "$CONF" >"$TMP/out" 2>&1
rc=$?
if [ "$rc" -eq 75 ] && grep -q "Temporary failure in name resolution" "$TMP/out"; then
	echo "failures: no resolver here: the NXDOMAIN case not checked"
else
	[ "$rc" -eq 68 ] || fail "unknown host: exited $rc: $(cat "$TMP/out")"
	grep -q "mailbox m: no-such-host.invalid: the host name does not resolve.*check the host in url" "$TMP/out" ||
	    fail "unknown host says: $(cat "$TMP/out")"
fi

# TLS spoken to the plain-text IMAP port
conf "imaps://bounces@localhost:$IMAP/INBOX"
expect 76 "localhost:$IMAP: the server did not speak TLS there, it greets in plain text: use imap:// with starttls = yes, or the TLS port (993)" \
    "TLS to a plain port"

# a certificate no configured CA signed
conf "imaps://bounces@localhost:$IMAPS/INBOX"
sed -i "s|^ca_file = .*|ca_file = $D/other-ca.pem|" "$CONF"
expect 69 "certificate not trusted" "untrusted certificate"

# a refused login
conf "imaps://bounces@localhost:$IMAPS/INBOX" "password_file = $TMP/wrong.pass"
expect 77 "login as bounces refused" "wrong password"

# nothing listens: temporary, until it has lasted past fail_after
conf "imaps://bounces@127.0.0.1:1/INBOX" "fail_after = 1"
expect 75 "127.0.0.1:1: nothing listens there: the server is down, or the port is wrong" \
    "nothing listening"
sleep 2
expect 69 "nothing listens there.*it has failed for 0 h 00 min, longer than fail_after (1 s): a person must look" \
    "failing past fail_after"
"$BIN" status --config "$CONF" | grep -q "^  m .*T.*Z .*nothing listens" ||
    fail "status does not show the failing mailbox: $("$BIN" status --config "$CONF")"
# the mailbox works again: the failure is forgotten
conf "imaps://bounces@localhost:$IMAPS/INBOX" "fail_after = 1"
expect 0 "fetched" "the mailbox back"
[ "$(psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "SELECT count(*) FROM mailboxes WHERE failing_since IS NOT NULL")" -eq 0 ] ||
    fail "the failure is still recorded after a good run"

finish failures
