# lib.sh - shared by the shell tests: a temporary directory removed on
# exit, and failure counting.  Source it after setting BIN.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rebound-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0

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
