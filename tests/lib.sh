# lib.sh - shared by the shell tests: a temporary directory removed on
# exit, and failure counting.  Source it after setting BIN.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rebound-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT	# the EXIT trap cleans up then
trap 'exit 143' TERM
fails=0
# Dovecot's ports (tests/servers/dovecot.sh reads the same variables)
IMAP=${REBOUND_IMAP_PORT:-14143}
IMAPS=${REBOUND_IMAPS_PORT:-14993}
POP3=${REBOUND_POP3_PORT:-14110}
POP3S=${REBOUND_POP3S_PORT:-14995}

# fail MESSAGE - count a failure and say why
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# finish NAME - exit 1 when anything failed, else say NAME passed
finish() {
	if [ "$fails" -ne 0 ]; then
		echo "$1: $fails failure(s)" >&2
		exit 1
	fi
	echo "$1: all checks passed"
}

# start_servers - for the tests against a throwaway PostgreSQL (and a
# Dovecot they start themselves): PG and DV are the harness scripts, S and
# D their directories, PORT PostgreSQL's port.  Starts PostgreSQL; both
# are stopped and $TMP removed on exit.  TESTS must be set.
start_servers() {
	chmod 755 "$TMP"	# the servers run as nobody when we are root
	PG="$TESTS/servers/postgres.sh"
	DV="$TESTS/servers/dovecot.sh"
	S=$TMP/pg
	D=$TMP/dv
	PORT=${REBOUND_PG_PORT:-15432}
	trap '"$DV" stop "$D" 2>/dev/null; "$PG" stop "$S" 2>/dev/null; rm -rf "$TMP"' EXIT
	"$PG" start "$S" || exit 1
}

# dsn_msg RCPT STATUS DIAGNOSTIC [DELIVERED-TO] [ORIGINAL] - an RFC 3464
# report that mail to RCPT failed with STATUS and the SMTP DIAGNOSTIC; the
# operator's MTA adds DELIVERED-TO (the return path the report came back
# to, also its To:); ORIGINAL, the returned original's headers ("\n"
# between them, printf %b), when given.  Each with its own Message-ID.
dsn_msg() {
	[ -n "${4:-}" ] && printf 'Delivered-To: %s\n' "$4"
	printf 'From: MAILER-DAEMON@mx.example.net\nTo: %s\n' "${4:-bounces@lists.example.com}"
	printf 'Subject: Undelivered Mail Returned to Sender\n'
	printf 'Message-ID: <t-%s-%s@mx.example.net>\n' "$(date +%s%N)" "$$"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; '
	printf 'report-type=delivery-status; boundary="B"\n\n--B\n'
	printf 'Content-Type: text/plain\n\nDelivery failed.\n\n--B\n'
	printf 'Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n'
	printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n' "$1" "$2"
	printf 'Diagnostic-Code: smtp; %s\n' "$3"
	[ -n "${5:-}" ] && printf '\n--B\nContent-Type: text/rfc822-headers\n\n%b\n' "$5"
	printf '\n--B--\n'
}

# arf_msg RCPT [ORIGINAL] - an RFC 5965 abuse complaint about mail to RCPT,
# with the returned original's headers when given (as dsn_msg)
arf_msg() {
	printf 'From: feedback@fbl.example.net\nTo: bounces@lists.example.com\n'
	printf 'Subject: complaint\nMessage-ID: <arf-%s-%s@fbl>\n' "$(date +%s%N)" "$$"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; '
	printf 'report-type=feedback-report; boundary="A"\n\n--A\n'
	printf 'Content-Type: text/plain\n\nA complaint.\n\n--A\n'
	printf 'Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n'
	printf 'User-Agent: test/1\nVersion: 1\nOriginal-Rcpt-To: %s\n' "$1"
	[ -n "${2:-}" ] && printf '\n--A\nContent-Type: text/rfc822-headers\n\n%b\n' "$2"
	printf '\n--A--\n'
}
