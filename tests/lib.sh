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
