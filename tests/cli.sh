#!/bin/sh
# cli.sh - the rebound command line: exit statuses (sysexits.h), per-message
# errors that do not stop a run, and `rebound explain`.
#
# usage: tests/cli.sh REBOUND FIXTURE_DIR
set -u
BIN=$1
DIR=$2
. "$(dirname "$0")/lib.sh"

# expect_status WANT CMD... - run CMD, compare its exit status
expect_status() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "$* exited $got, expected $want: $(head -c 300 "$TMP/err")"
}

# expect_out PATTERN - the last command's stdout matches PATTERN
expect_out() {
	grep -q -- "$1" "$TMP/out" || fail "output lacks '$1': $(head -c 300 "$TMP/out")"
}

expect_status 64 "$BIN"
expect_status 64 "$BIN" nosuchcommand
expect_status 0 "$BIN" --help
expect_status 64 "$BIN" parse
expect_status 64 "$BIN" parse --no-such-option x
expect_status 66 "$BIN" parse "$TMP/does-not-exist"
expect_status 64 "$BIN" parse --verp-delimiter=xy "$DIR/dsn-postfix.eml"
expect_status 64 "$BIN" parse --threads=-1 "$DIR/dsn-postfix.eml"
expect_status 64 "$BIN" run --threads=-2

# An oversized message is reported (EX_DATAERR) and the run goes on.
mkdir "$TMP/dir"
cp "$DIR/dsn-postfix.eml" "$TMP/dir/a.eml"
head -c 3000 /dev/zero | tr '\0' 'x' >"$TMP/dir/b.eml"
cp "$DIR/text-qmail.eml" "$TMP/dir/c.eml"
expect_status 65 "$BIN" parse --jsonl --max-size=2500 "$TMP/dir"
expect_out '"file":"[^"]*a.eml".*"class":"hard"'
expect_out '"file":"[^"]*b.eml".*"error":"message too large'
expect_out '"file":"[^"]*c.eml"'
grep -q 'b.eml: message too large' "$TMP/err" || fail "no error on stderr"

# Something that is not mail at all is refused, not reported as nothing.
printf '{"not": "mail"}\n' >"$TMP/x.json"
expect_status 65 "$BIN" parse --jsonl "$TMP/x.json"
expect_out '"error":"not a mail message'

# The table for a person, with --why.
expect_status 0 "$BIN" parse --why "$DIR/text-exim.eml"
expect_out 'judy@example.com .*block .*blocked .*block:blockedusing'

# VERP: configurable prefix and delimiter, and switched off.
sed 's/bounces+sybil=example.com/owner-news-sybil=example.com/' \
    "$DIR/verp-only.eml" >"$TMP/verp.eml"
expect_status 0 "$BIN" parse --jsonl --verp-prefix=owner-news \
    --verp-delimiter=- "$TMP/verp.eml"
expect_out '"recipient":"sybil@example.com"'
expect_status 0 "$BIN" parse --jsonl --no-verp "$DIR/verp-only.eml"
expect_out '"recipient":null'

# A forward: the subscriber is the Original-Recipient, unless the operator
# names subscribers by Final-Recipient (flag or [parse] original_recipient).
expect_status 0 "$BIN" parse --jsonl "$DIR/dsn-forwarded.eml"
expect_out '"subscriber":"dana@alumni.example.edu"'
expect_status 0 "$BIN" parse --jsonl --final-recipient "$DIR/dsn-forwarded.eml"
expect_out '"subscriber":"dana.old@isp.example.net"'
printf '[parse]\noriginal_recipient = false\n' >"$TMP/final.conf"
expect_status 0 "$BIN" parse --jsonl --config "$TMP/final.conf" \
    "$DIR/dsn-forwarded.eml"
expect_out '"subscriber":"dana.old@isp.example.net"'

# --list-header takes the list from a header of the returned original.
expect_status 0 "$BIN" parse --jsonl --list-header=X-List-Name \
    "$DIR/dsn-multi.eml"
expect_out '"list":"weekly"'

# --config: the [parse] group gives defaults; errors name file and line.
printf '[parse]\nlist_header = X-List-Name\nverp = false\n' >"$TMP/ok.conf"
expect_status 0 "$BIN" parse --jsonl --config "$TMP/ok.conf" "$DIR/dsn-multi.eml"
expect_out '"list":"weekly"'
expect_status 0 "$BIN" parse --jsonl --config "$TMP/ok.conf" "$DIR/verp-only.eml"
expect_out '"recipient":null'
printf '[parse]\nverp_prefix = bounces\n[broken\n' >"$TMP/bad.conf"
expect_status 78 "$BIN" parse --config "$TMP/bad.conf" "$DIR/dsn-multi.eml"
grep -q "bad.conf:3:" "$TMP/err" || fail "config error without file:line"
printf '[parse]\nverp = maybe\n' >"$TMP/bad2.conf"
expect_status 78 "$BIN" parse --config "$TMP/bad2.conf" "$DIR/dsn-multi.eml"
expect_status 66 "$BIN" parse --config "$TMP/missing.conf" "$DIR/dsn-multi.eml"
expect_status 0 "$BIN" parse --config "$(dirname "$0")/../etc/rebound.conf.example" \
    "$DIR/dsn-multi.eml"

# The example configuration is valid as it stands: point its mailbox at
# an empty Maildir and a password file, and a dry run reads it.
mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
printf 'pw\n' >"$TMP/pw"
chmod 600 "$TMP/pw"
sed -e "s#^url = .*#url = maildir:$TMP/md#" \
    -e "s#^password_file = .*#password_file = $TMP/pw#" \
    "$(dirname "$0")/../etc/rebound.conf.example" >"$TMP/example.conf"
expect_status 0 "$BIN" run --dry-run --config "$TMP/example.conf"
grep -q "unknown" "$TMP/err" && fail "example config has unknown keys"
# without --dry-run it stores: with the example database unreachable,
# that is a temporary failure
expect_status 75 "$BIN" run --config "$TMP/example.conf"
expect_status 78 "$BIN" run --dry-run --config "$TMP/example.conf" --mailbox nosuch
expect_status 66 "$BIN" run --dry-run --config "$TMP/missing.conf"

# The state commands: usage is checked before anything connects;
# configuration errors name file and line and exit 78.
printf '[database]\nconninfo = host=/nonexistent dbname=x\n[policy]\nsoft_threshold = lots\n' >"$TMP/pol.conf"
expect_status 78 "$BIN" run --config "$TMP/pol.conf"
grep -q "pol.conf:4: \[policy\] soft_threshold" "$TMP/err" || fail "policy error without file:line: $(cat "$TMP/err")"
expect_status 78 "$BIN" status --config "$TMP/pol.conf"
expect_status 78 "$BIN" status --config "$TMP/ok.conf"
grep -q "no \[database\] conninfo" "$TMP/err" || fail "status without [database]: $(cat "$TMP/err")"
expect_status 64 "$BIN" export --format xml --config "$TMP/ok.conf"
expect_status 64 "$BIN" export --scope some --config "$TMP/ok.conf"
expect_status 64 "$BIN" export --since 2026-13-01 --config "$TMP/ok.conf"
expect_status 64 "$BIN" subscriber --config "$TMP/ok.conf"
expect_status 64 "$BIN" unsuppress --config "$TMP/ok.conf" a@b.example c@d.example
expect_status 75 "$BIN" status --config "$TMP/example.conf"
expect_status 64 "$BIN" run --config "$TMP/example.conf" --bogus

# An MTA pipes one bounce in.
"$BIN" run --dry-run --stdin <"$DIR/dsn-postfix.eml" >"$TMP/out" 2>"$TMP/err" ||
    fail "run --stdin: $(cat "$TMP/err")"
expect_out '"mailbox":"stdin".*"recipient":"alice@example.org"'

# A report bigger than a bound is cut, and says so: 5,001 recipients give
# the first 5,000 rows and a warning; one under the bound gives no warning.
big_dsn() {
	printf 'From: MAILER-DAEMON@mx.example.net\nTo: b@lists.example.com\n'
	printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=delivery-status; '
	printf 'boundary="B"\n\n--B\nContent-Type: text/plain\n\nfailed\n\n'
	printf -- '--B\nContent-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; mx.example.net\n\n'
	i=1
	while [ "$i" -le "$1" ]; do
		printf 'Final-Recipient: rfc822; u%d@example.org\n' "$i"
		printf 'Action: failed\nStatus: 5.1.1\n\n'
		i=$((i + 1))
	done
	printf -- '--B--\n'
}
big_dsn 5001 >"$TMP/big.eml"
expect_status 0 "$BIN" parse --jsonl "$TMP/big.eml"
[ "$(grep -c . "$TMP/out")" -eq 5000 ] || fail "5,001 recipients: $(grep -c . "$TMP/out") rows, not 5,000"
grep -q "big.eml: report truncated" "$TMP/err" || fail "no warning for a truncated report"
big_dsn 4999 >"$TMP/big.eml"
expect_status 0 "$BIN" parse --jsonl "$TMP/big.eml"
[ "$(grep -c . "$TMP/out")" -eq 4999 ] || fail "4,999 recipients: $(grep -c . "$TMP/out") rows"
[ -s "$TMP/err" ] && fail "a warning for a report within the bounds: $(cat "$TMP/err")"

# explain: codes, text, and nothing recognisable.
expect_status 0 "$BIN" explain 5.7.1
expect_out 'Delivery not authorized'
expect_status 0 "$BIN" explain 5.1.1
expect_out 'class:   hard'
expect_status 0 "$BIN" explain "550 5.1.1 <a@b.example> User unknown"
expect_out 'reason:  userunknown'
expect_status 0 "$BIN" explain 550 5.7.1 Service unavailable, Client host blocked using zen.spamhaus.org
expect_out 'class:   block'
expect_status 0 "$BIN" explain 421
expect_out 'reply:   421'
expect_status 0 "$BIN" explain "mailbox is full"
expect_out 'mailboxfull'
# whose wording it is: Outlook's stock reply is an unknown mailbox only
# from Microsoft's MTA
expect_status 0 "$BIN" explain "550 5.5.0 Requested action not taken: mailbox unavailable"
expect_out 'class:   soft'
expect_status 0 "$BIN" explain --mta mx.example.net --mta mx4.hotmail.com "550 5.5.0 Requested action not taken: mailbox unavailable"
expect_out 'decided by: microsoft:'
expect_status 65 "$BIN" explain "hello world"
expect_status 64 "$BIN" explain

# a control character in what a log line names is escaped: one line each
bad="$TMP/bad
name.eml"
printf 'not mail\n' >"$bad"
"$BIN" parse --jsonl "$bad" >/dev/null 2>"$TMP/err"
[ "$(grep -c . "$TMP/err")" -eq 1 ] && grep -q 'bad\\nname\.eml' "$TMP/err" ||
    fail "a control character split a log line: $(cat "$TMP/err")"

finish cli
