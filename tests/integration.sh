#!/bin/sh
# integration.sh - the mailbox sources against a real Dovecot on loopback.
#
# usage: tests/integration.sh REBOUND SOURCE_DRIVER TESTS_DIR
#
# Starts tests/servers/dovecot.sh (IMAP, IMAPS, STARTTLS, POP3, POP3S, a
# self-signed CA made for the run) and checks: the same messages through
# every source give the same rows as `rebound parse`; a dry run changes
# nothing; untrusted certificates, a wrong host name and a wrong password
# are refused with their sysexits.h status; configuration refusals; acks
# (move, flag, quarantine, POP3 DELE only at QUIT); a connection dropped
# mid-fetch loses nothing; 10,000 messages are read in bounded memory.
set -u
BIN=$1
DRIVER=$2
TESTS=$3
. "$TESTS/lib.sh"
chmod 755 "$TMP"		# the server runs as nobody when we are root
DV="$TESTS/servers/dovecot.sh"
D=$TMP/dv
trap '"$DV" stop "$D" 2>/dev/null; rm -rf "$TMP"' EXIT
GOLDEN=$TESTS/golden
N=$(ls "$GOLDEN"/*.eml | wc -l)

if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
	echo "integration: dovecot is not installed (scripts/deps.sh)" >&2
	exit 1
fi

# strip - drop the keys that name where a row came from
strip() {
	sed 's/^{"file":"[^"]*",\("mailbox":"[^"]*","uid":"[^"]*",\)\{0,1\}/{/' "$@"
}

# start - a fresh server in $D holding the given messages
start() {
	"$DV" stop "$D" 2>/dev/null
	rm -rf "$D"
	mkdir -p "$D"
	"$DV" start "$D" "$@" || exit 1
	write_conf
}

# write_conf - a configuration with one mailbox per way in
write_conf() {
	cat >"$TMP/rebound.conf" <<EOF
[mailbox imap]
url = imap://bounces@127.0.0.1:$IMAP/INBOX
password_file = $D/bounces.pass

[mailbox imap-starttls]
url = imap://bounces@localhost:$IMAP/INBOX
starttls = yes
password_file = $D/bounces.pass
ca_file = $D/cert.pem

[mailbox imaps]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $D/bounces.pass
ca_file = $D/cert.pem
after = move:Processed
quarantine = Quarantine

[mailbox imaps-small]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $D/bounces.pass
ca_file = $D/cert.pem
batch = 4

[mailbox imaps-flag]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $D/bounces.pass
ca_file = $D/cert.pem
after = flag

[mailbox imaps-processed]
url = imaps://bounces@localhost:$IMAPS/Processed
password_file = $D/bounces.pass
ca_file = $D/cert.pem

[mailbox imaps-quarantine]
url = imaps://bounces@localhost:$IMAPS/Quarantine
password_file = $D/bounces.pass
ca_file = $D/cert.pem

[mailbox pop3]
url = pop3://bounces@127.0.0.1:$POP3
password_file = $D/bounces.pass

[mailbox pop3-starttls]
url = pop3://bounces@localhost:$POP3
starttls = yes
password_file = $D/bounces.pass
ca_file = $D/cert.pem

[mailbox pop3s]
url = pop3s://bounces@localhost:$POP3S
password_file = $D/bounces.pass
ca_file = $D/cert.pem

[mailbox maildir]
url = maildir:$TMP/md
after = move:Processed
EOF
	# the server's password file belongs to nobody; rebound's must be ours
	cp "$D/bounces.pass" "$TMP/bounces.pass"
	chmod 600 "$TMP/bounces.pass"
	sed -i "s#$D/bounces.pass#$TMP/bounces.pass#" "$TMP/rebound.conf"
}

# count MAILBOX - how many messages the driver reads there
count() {
	"$DRIVER" "$TMP/rebound.conf" "$1" count 2>"$TMP/driver.err"
}

# expect_count MAILBOX N WHAT
expect_count() {
	got=$(count "$1")
	[ "$got" = "$2" ] || fail "$3: $1 holds '$got' messages, expected $2 ($(cat "$TMP/driver.err"))"
}

# run_dry CONF MAILBOX - rebound run --dry-run; sets rc, output in $TMP/out
run_dry() {
	"$BIN" run --dry-run --config "$1" --mailbox "$2" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# --- the same rows through every source -------------------------------
start "$GOLDEN"/*.eml
mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
for m in "$GOLDEN"/*.eml; do
	cp "$m" "$TMP/md/cur/$(basename "$m" .eml):2,"
done
cat "$GOLDEN"/*.jsonl | strip >"$TMP/expected"
for mb in imap imap-starttls imaps pop3 pop3-starttls pop3s maildir; do
	run_dry "$TMP/rebound.conf" "$mb"
	[ "$rc" -eq 0 ] || fail "$mb: dry run exited $rc: $(cat "$TMP/err")"
	strip "$TMP/out" >"$TMP/rows.$mb"
	cmp -s "$TMP/expected" "$TMP/rows.$mb" ||
	    fail "$mb: rows differ from rebound parse of the same files"
	grep -q "\"mailbox\":\"$mb\",\"uid\":\"[^\"]" "$TMP/out" ||
	    fail "$mb: rows lack mailbox and uid"
done
# a dry run changes nothing, anywhere
expect_count imaps "$N" "after dry runs"
expect_count pop3s "$N" "after dry runs"
[ "$(ls "$TMP/md/cur" | wc -l)" -eq "$N" ] || fail "dry run touched the Maildir"

# --- TLS: untrusted chain, system store, wrong host name, opt-out --------
sed "s#ca_file = $D/cert.pem#ca_file = $D/other-ca.pem#" "$TMP/rebound.conf" \
    >"$TMP/untrusted.conf"
for mb in imaps imap-starttls pop3s pop3-starttls; do
	run_dry "$TMP/untrusted.conf" "$mb"
	[ "$rc" -eq 69 ] || fail "$mb with an untrusted CA exited $rc, expected 69"
	grep -q "certificate not trusted" "$TMP/err" || fail "$mb: no clear TLS message"
done
grep -v "^ca_file" "$TMP/rebound.conf" >"$TMP/system.conf"
run_dry "$TMP/system.conf" imaps
[ "$rc" -eq 69 ] || fail "self-signed server against the system store exited $rc"
sed "s#bounces@localhost:$IMAPS#bounces@127.0.0.2:$IMAPS#" "$TMP/rebound.conf" \
    >"$TMP/wronghost.conf"
run_dry "$TMP/wronghost.conf" imaps
[ "$rc" -eq 69 ] || fail "certificate for another host exited $rc, expected 69"
grep -q "not for this host name" "$TMP/err" || fail "no host name message"
sed "s#ca_file = $D/other-ca.pem#tls_verify = no#" "$TMP/untrusted.conf" \
    >"$TMP/noverify.conf"
run_dry "$TMP/noverify.conf" imaps
[ "$rc" -eq 0 ] || fail "tls_verify = no exited $rc"
grep -q "NOT checked" "$TMP/err" || fail "tls_verify = no without a warning"

# --- authentication and configuration refusals -------------------------
printf 'not-the-password\n' >"$TMP/wrong.pass"
chmod 600 "$TMP/wrong.pass"
sed "s#$TMP/bounces.pass#$TMP/wrong.pass#" "$TMP/rebound.conf" >"$TMP/wrong.conf"
for mb in imaps pop3s; do
	run_dry "$TMP/wrong.conf" "$mb"
	[ "$rc" -eq 77 ] || fail "$mb with a wrong password exited $rc, expected 77"
	grep -q "login as bounces refused" "$TMP/err" || fail "$mb: no clear login message"
done
chmod 644 "$TMP/wrong.pass"
run_dry "$TMP/wrong.conf" imaps
[ "$rc" -eq 78 ] || fail "group-readable password file exited $rc, expected 78"
printf '[mailbox x]\nurl = imap://u@mail.example.org/INBOX\npassword_env = HOME\n' \
    >"$TMP/clear.conf"
run_dry "$TMP/clear.conf" x
[ "$rc" -eq 78 ] || fail "clear-text password to a remote host exited $rc"
grep -q "clear" "$TMP/err" || fail "no clear-text message"
printf '[mailbox x]\nurl = imaps://u@localhost:%s/INBOX\n' "$IMAPS" >"$TMP/nopass.conf"
run_dry "$TMP/nopass.conf" x
[ "$rc" -eq 78 ] || fail "mailbox without a password exited $rc"

# --- acknowledgements ---------------------------------------------------
# POP3: DELE without QUIT (a crash) is undone by the server
"$DRIVER" "$TMP/rebound.conf" pop3s nocommit >/dev/null 2>&1
expect_count pop3s "$N" "POP3 DELE without QUIT"
# IMAP flag: flagged messages are skipped next time, nothing moves
"$DRIVER" "$TMP/rebound.conf" imaps-flag ack 0 >/dev/null 2>"$TMP/driver.err" ||
    fail "flag acks: $(cat "$TMP/driver.err")"
expect_count imaps-flag 0 "after flag"
expect_count imap "$N" "after flag"
# IMAP move, every 3rd quarantined; folders created on demand
"$DRIVER" "$TMP/rebound.conf" imaps ack 3 >/dev/null 2>"$TMP/driver.err" ||
    fail "move acks: $(cat "$TMP/driver.err")"
Q=$((N / 3))
expect_count imaps 0 "after move"
expect_count imaps-processed $((N - Q)) "after move"
expect_count imaps-quarantine "$Q" "after move"
# Maildir move and quarantine
"$DRIVER" "$TMP/rebound.conf" maildir ack 3 >/dev/null 2>"$TMP/driver.err" ||
    fail "Maildir acks: $(cat "$TMP/driver.err")"
[ "$(ls "$TMP/md/cur" | wc -l)" -eq 0 ] || fail "Maildir not emptied"
[ "$(ls "$TMP/md/.Processed/cur" | wc -l)" -eq $((N - Q)) ] || fail "Maildir .Processed"
[ "$(ls "$TMP/md/.Quarantine/cur" | wc -l)" -eq "$Q" ] || fail "Maildir .Quarantine"
# POP3 DELE, final at QUIT
start "$GOLDEN"/*.eml
"$DRIVER" "$TMP/rebound.conf" pop3s ack 0 >/dev/null 2>"$TMP/driver.err" ||
    fail "POP3 acks: $(cat "$TMP/driver.err")"
expect_count pop3s 0 "after DELE and QUIT"

# --- many messages: bounded memory, and a dropped connection -------------
BIG=10000
mkdir -p "$TMP/big"
# every message distinct: the fixtures again and again, renumbered
python3 - "$GOLDEN" "$TMP/big" "$BIG" <<'PY'
import glob, os, re, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = [open(f, 'rb').read() for f in sorted(glob.glob(src + '/*.eml'))]
for i in range(n):
    body = re.sub(rb'(?mi)^Message-ID:.*$', b'Message-ID: <big-%d@test.example>' % i,
                  files[i % len(files)], count=1)
    open(os.path.join(dst, '%05d.eml' % i), 'wb').write(body)
PY
start "$TMP/big"/*.eml
for mb in imaps pop3s; do
	"$BIN" run --dry-run --stats --config "$TMP/rebound.conf" --mailbox "$mb" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$mb: $BIG messages: exit $rc: $(head -3 "$TMP/err")"
	got=$(grep -c '"uid"' "$TMP/out")
	[ "$got" -ge "$BIG" ] || fail "$mb: $BIG messages gave $got rows"
	rss=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$TMP/err")
	# (under AddressSanitizer the shadow memory makes RSS meaningless)
	[ -n "${REBOUND_SANITIZED:-}" ] || { [ -n "$rss" ] && [ "$rss" -lt 65536 ]; } ||
	    fail "$mb: peak RSS ${rss:-?} KiB"
	sed -n 's/^rebound run: //p' "$TMP/err"
done
# the IMAP connection drops after 500 messages while the driver reads
# and acks: one reconnect carries on; nothing is lost or doubled
REBOUND_TEST_DROP_AFTER=500 "$DRIVER" "$TMP/rebound.conf" imaps ack 0 \
    >"$TMP/drop.out" 2>"$TMP/drop.err"
drc=$?
[ "$drc" -eq 0 ] || fail "dropped connection: exit $drc: $(cat "$TMP/drop.err")"
grep -q "reconnecting once" "$TMP/drop.err" || fail "the connection did not drop"
left=$(count imaps)
moved=$(count imaps-processed)
[ "$left" -eq 0 ] && [ "$moved" -eq "$BIG" ] ||
    fail "dropped connection: $left left, $moved moved of $BIG"
# the same after 1,500: the first 1,000 were acknowledged on the second
# session (the acknowledgements' own), which drops too and reconnects
start "$TMP/big"/*.eml
REBOUND_TEST_DROP_AFTER=1500 "$DRIVER" "$TMP/rebound.conf" imaps ack 0 \
    >"$TMP/drop.out" 2>"$TMP/drop.err"
drc=$?
[ "$drc" -eq 0 ] || fail "dropped both sessions: exit $drc: $(cat "$TMP/drop.err")"
left=$(count imaps)
moved=$(count imaps-processed)
[ "$left" -eq 0 ] && [ "$moved" -eq "$BIG" ] ||
    fail "dropped both sessions: $left left, $moved moved of $BIG"
# the same over POP3: the DELEs of the lost session are undone, the rest
# go; whatever was not deleted is read again next time, never lost.
# Dovecot announces PIPELINING: RETRs and DELEs go in groups; then the
# same one by one
for serial in "" 1; do
	start "$TMP/big"/*.eml
	REBOUND_POP3_NO_PIPELINING=$serial REBOUND_TEST_DROP_AFTER=500 \
	    "$DRIVER" "$TMP/rebound.conf" pop3s ack 0 \
	    >"$TMP/drop.out" 2>"$TMP/drop.err"
	drc=$?
	[ "$drc" -eq 0 ] || fail "POP3 dropped connection: exit $drc: $(cat "$TMP/drop.err")"
	grep -q "reconnecting once" "$TMP/drop.err" || fail "the POP3 connection did not drop"
	left=$(count pop3s)
	[ "$left" -lt 600 ] || fail "POP3 dropped connection: $left left"
	echo "POP3 dropped connection${serial:+ (one by one)}: $(cat "$TMP/drop.out") read, $left left for the next run"
done

# dropped twice: the run stops with EX_TEMPFAIL and acknowledges nothing
start "$GOLDEN"/*.eml
REBOUND_TEST_DROP_AFTER=5,10 "$DRIVER" "$TMP/rebound.conf" imaps-small ack 0 \
    >/dev/null 2>"$TMP/drop.err"
drc=$?
[ "$drc" -eq 75 ] || fail "dropped twice: exit $drc, expected 75: $(cat "$TMP/drop.err")"
expect_count imaps "$N" "dropped twice"
got=$(count imaps-processed)
[ "$got" = 0 ] || grep -q "doesn't exist" "$TMP/driver.err" ||
    fail "dropped twice: $got messages were moved"

finish integration
