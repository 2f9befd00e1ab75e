#!/bin/sh
# faults.sh - faults in the middle of `rebound run`, against a real Dovecot
# and PostgreSQL:
#   - PostgreSQL stopped hard once the first batch is committed: the run
#     exits 75, nothing is acknowledged that was not committed, and the next
#     run (PostgreSQL back) completes with every message counted once;
#   - Dovecot killed while rebound fetches: the run exits 75 and the next
#     run (Dovecot back) completes, every message counted once;
#   - an oversized message and a corrupt one in the middle of a batch: both
#     quarantined, all the others processed, exit 65 (a person should
#     look at the quarantine).
#
# usage: tests/faults.sh REBOUND TESTS_DIR [MESSAGES]
set -u
BIN=$1
TESTS=$2
M=${3:-4000}
. "$TESTS/lib.sh"
start_servers
MD=$D/mail/bounces/Maildir
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
RUNAS=
[ "$(id -u)" -ne 0 ] || RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d "${2:-rebound}" -Atqc "$1"
}
pg_kill() {
	$RUNAS "$PGBIN/pg_ctl" -D "$S/data" -m immediate stop >/dev/null 2>&1
}
pg_back() {
	$RUNAS "$PGBIN/pg_ctl" -w -D "$S/data" -l "$S/pg.log" start >/dev/null
}

# files DIR - messages in a Maildir folder (INBOX is $MD)
files() {
	ls "$1/cur" "$1/new" 2>/dev/null | grep -c '^[0-9]'
}

# dovecot_up - (re)start Dovecot over what is in $MD, and the config
dovecot_up() {
	"$DV" start "$D" >/dev/null || exit 1
	cp "$D/bounces.pass" "$TMP/pass"
	chmod 600 "$TMP/pass"
	cat >"$TMP/rebound.conf" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres connect_timeout=5

[mailbox bounces]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $TMP/pass
ca_file = $D/cert.pem
list = news
# every message to Processed (tests/review.sh tests the Review folder)
unrecognised = process
batch = 50
timeout = 5
max_message_size = 65536
CONF
}

# fill N - a fresh database, and a fresh Dovecot holding N bounces
fill() {
	sql "DROP DATABASE IF EXISTS rebound" postgres
	sql "CREATE DATABASE rebound" postgres
	"$DV" stop "$D" 2>/dev/null
	rm -rf "$D"
	mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
	"$TESTS/servers/make-bounces.sh" "$1" "$MD/cur"
	dovecot_up
	"$BIN" db migrate --config "$TMP/rebound.conf" >/dev/null || fail "migrate"
}

# run_bg - a run in the background ($pid); wait_stored - until its first
# batch is committed
run_bg() {
	"$BIN" run --config "$TMP/rebound.conf" --mailbox bounces -q \
	    2>"$TMP/err" &
	pid=$!
}
wait_stored() {
	i=0
	while [ "$(sql "SELECT count(*) FROM messages" 2>/dev/null || echo 0)" \
	    -eq 0 ] && [ $i -lt 600 ]; do
		sleep 0.02
		i=$((i + 1))
	done
}

# finish_run WHAT - the next run completes: every message stored once,
# INBOX empty
finish_run() {
	"$BIN" run --config "$TMP/rebound.conf" --mailbox bounces --wait -q \
	    2>"$TMP/err" || fail "$1: the next run failed: $(cat "$TMP/err")"
	[ "$(files "$MD")" -eq 0 ] || fail "$1: $(files "$MD") left in INBOX"
	[ "$(files "$MD/.Processed")" -eq "$M" ] ||
	    fail "$1: $(files "$MD/.Processed") of $M in Processed"
	[ "$(sql "SELECT count(*) FROM messages")" -eq "$M" ] ||
	    fail "$1: $(sql "SELECT count(*) FROM messages") of $M stored"
	[ "$(sql "SELECT count(*) - count(DISTINCT fingerprint) FROM messages")" \
	    -eq 0 ] || fail "$1: a message was stored twice"
}

# dv_kill, dv_back - the whole Dovecot at once (the master leads its
# process group), and a new one over the same Maildir
dv_kill() {
	mpid=$(cat "$D/run/master.pid")
	/bin/kill -s KILL -- "-$mpid" 2>/dev/null	# dash: no "--"
	"$DV" stop "$D"
}
dv_back() {
	sleep 1		# its processes go with the master
	dovecot_up
}

# mid_run WHAT STOP START [EXACT] - a run whose first batch is committed
# when STOP strikes, then START: exit 75, nothing acknowledged that was not
# committed, and the next run completes.  EXACT: every message is either
# acknowledged or still in INBOX (no server-side copy was interrupted).  A
# fast machine may finish before the fault lands: up to three tries.
mid_run() {
	try=0
	while [ $try -lt 3 ]; do
		try=$((try + 1))
		fill "$M"
		run_bg
		wait_stored
		$2
		wait $pid
		rc=$?
		$3
		stored=$(sql "SELECT count(*) FROM messages")
		moved=$(files "$MD/.Processed")
		left=$(files "$MD")
		if [ "$rc" -eq 0 ] && [ "$stored" -eq "$M" ]; then
			echo "$1: try $try ended before the fault"
			continue
		fi
		[ "$rc" -eq 75 ] ||
		    fail "$1: exit $rc, expected 75: $(cat "$TMP/err")"
		[ "$moved" -le "$stored" ] ||
		    fail "$1: $moved acknowledged, only $stored committed"
		[ -z "${4:-}" ] || [ $((moved + left)) -eq "$M" ] ||
		    fail "$1: $moved moved and $left left of $M"
		echo "$1: exit $rc; $stored of $M committed, $moved" \
		    "acknowledged, $left left for the next run"
		finish_run "$1"
		return
	done
	fail "$1: every run ended before the fault"
}

mid_run "PostgreSQL stopped mid-run" pg_kill pg_back exact
mid_run "Dovecot killed mid-fetch" dv_kill dv_back

# --- an oversized and a corrupt message in the middle of a batch --------
N=100
fill $N
"$DV" stop "$D"
{
	printf 'From: someone@example.org\nSubject: far too big\n\n'
	head -c 100000 /dev/zero | tr '\0' 'x' | fold -w 76
} >"$MD/cur/1700000000.M50P2.big:2,"
printf '{"not": "mail"}\n\001\377\n' >"$MD/cur/1700000000.M60P2.corrupt:2,"
dv_back
"$BIN" run --config "$TMP/rebound.conf" --mailbox bounces -q 2>"$TMP/err"
rc=$?
[ "$rc" -eq 65 ] || fail "oversized and corrupt: exit $rc, expected 65: $(cat "$TMP/err")"
grep -q "2 messages quarantined" "$TMP/err" || fail "oversized and corrupt: no warning: $(cat "$TMP/err")"
[ "$(files "$MD")" -eq 0 ] || fail "oversized and corrupt: $(files "$MD") left in INBOX"
[ "$(files "$MD/.Quarantine")" -eq 2 ] ||
    fail "oversized and corrupt: $(files "$MD/.Quarantine") quarantined, expected 2"
[ "$(files "$MD/.Processed")" -eq $N ] ||
    fail "oversized and corrupt: $(files "$MD/.Processed") of $N processed"
q=$(sql "SELECT count(*) FROM messages WHERE outcome = 'quarantined'")
[ "$q" -eq 2 ] || fail "oversized and corrupt: $q quarantined in the database"
echo "oversized and corrupt: quarantined $(files "$MD/.Quarantine"), processed $(files "$MD/.Processed") of $N"

finish faults
