#!/bin/sh
# golden.sh - golden-file tests for `rebound parse`.
#
# usage: tests/golden.sh REBOUND FIXTURE_DIR [--update] [NAME...]
#
# NAME (dsn-postfix, or dsn-postfix.eml) runs only those fixtures, in
# every variant, with the diff of what differs:
#     tests/golden.sh build/rebound tests/golden dsn-postfix
#
# For every FIXTURE_DIR/NAME.eml the JSON Lines of `rebound parse --jsonl`
# must equal FIXTURE_DIR/NAME.jsonl.  The same messages must also give the
# same rows (the "file" key aside) with CRLF, bare-CR and CR CR LF line
# endings, after a byte order mark and a blank line, from standard input,
# from one mbox file holding them all, and from a Maildir.  --update rewrites the .jsonl files (review the diff!).
set -u
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
DIR=$2
shift 2
UPDATE=
ONLY=
for a in "$@"; do
	case $a in
	--update) UPDATE=--update ;;
	*) ONLY="$ONLY ${a%.eml}.eml" ;;
	esac
done
. "$(dirname "$0")/lib.sh"

# strip_file - drop the leading "file" key (and an mbox's "mbox_message")
# so rows compare across sources
strip_file() {
	sed 's/^{"file":"[^"]*",\("mbox_message":[0-9]*,\)\{0,1\}/{/' "$@"
}

cd "$DIR" || exit 1
mkdir "$TMP/crlf" "$TMP/cr" "$TMP/crcrlf" "$TMP/bom" "$TMP/md" "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
: >"$TMP/all.mbox"
: >"$TMP/all.expected"
for eml in $ONLY; do
	[ -f "$eml" ] || { echo "golden.sh: $eml: no such fixture in $DIR" >&2; exit 1; }
done
for eml in ${ONLY:-*.eml}; do
	name=${eml%.eml}
	"$BIN" parse --jsonl "$eml" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	if [ "$UPDATE" = "--update" ]; then
		cp "$TMP/$name.out" "$name.jsonl"
	fi
	if [ "$rc" -ne 0 ]; then
		fail "$eml: exit status $rc: $(cat "$TMP/$name.err")"
	fi
	if ! cmp -s "$TMP/$name.out" "$name.jsonl"; then
		fail "$eml: output differs from $name.jsonl"
		diff "$name.jsonl" "$TMP/$name.out" | head -20 >&2
	fi
	strip_file "$name.jsonl" >>"$TMP/all.expected"

	sed 's/$/\r/' "$eml" >"$TMP/crlf/$eml"
	tr '\n' '\r' <"$eml" >"$TMP/cr/$eml"
	# a CRLF file converted to CRLF once more: CR CR LF
	sed 's/$/\r\r/' "$eml" >"$TMP/crcrlf/$eml"
	# a UTF-8 byte order mark and a blank line before the header
	{ printf '\357\273\277\n'; cat "$eml"; } >"$TMP/bom/$eml"
	for v in crlf cr crcrlf bom; do
		(cd "$TMP/$v" && "$BIN" parse --jsonl "$eml") >"$TMP/$name.$v" 2>&1
		if ! cmp -s "$TMP/$name.$v" "$name.jsonl"; then
			fail "$eml: the $v variant gives other rows"
			diff "$name.jsonl" "$TMP/$name.$v" | head -10 >&2
		fi
	done

	"$BIN" parse --jsonl - <"$eml" | strip_file >"$TMP/$name.stdin"
	if ! strip_file "$name.jsonl" | cmp -s - "$TMP/$name.stdin"; then
		fail "$eml: standard input gives other rows"
	fi

	# mbox: a "From " separator, and body lines starting "From " quoted
	printf 'From MAILER-DAEMON Mon Nov  2 10:00:00 2026\n' >>"$TMP/all.mbox"
	sed 's/^\(>*From \)/>\1/' "$eml" >>"$TMP/all.mbox"
	printf '\n' >>"$TMP/all.mbox"
	cp "$eml" "$TMP/md/cur/$name:2,S"
done

"$BIN" parse --jsonl "$TMP/all.mbox" | strip_file >"$TMP/all.mbox.out"
if ! cmp -s "$TMP/all.expected" "$TMP/all.mbox.out"; then
	fail "mbox of all fixtures gives other rows"
	diff "$TMP/all.expected" "$TMP/all.mbox.out" | head -20 >&2
fi
# parsed on several threads: byte for byte what one thread writes, in
# input order, JSON and table, with --why
for f in "--jsonl" "--jsonl --why" "" "--why"; do
	# shellcheck disable=SC2086
	"$BIN" parse $f --threads 1 "$TMP/all.mbox" . >"$TMP/t1.out" 2>/dev/null
	# shellcheck disable=SC2086
	"$BIN" parse $f --threads 4 "$TMP/all.mbox" . >"$TMP/t4.out" 2>/dev/null
	cmp -s "$TMP/t1.out" "$TMP/t4.out" ||
	    fail "parse $f on 4 threads differs from one thread"
done
# the same mbox with CRLF and with bare-CR line endings (old Mac files)
sed 's/$/\r/' "$TMP/all.mbox" >"$TMP/all-crlf.mbox"
tr '\n' '\r' <"$TMP/all.mbox" >"$TMP/all-cr.mbox"
sed 's/$/\r\r/' "$TMP/all.mbox" >"$TMP/all-crcrlf.mbox"
for v in crlf cr crcrlf; do
	"$BIN" parse --jsonl "$TMP/all-$v.mbox" | strip_file >"$TMP/all.$v.out"
	if ! cmp -s "$TMP/all.expected" "$TMP/all.$v.out"; then
		fail "the mbox with $v line endings gives other rows"
		diff "$TMP/all.expected" "$TMP/all.$v.out" | head -10 >&2
	fi
done
# each row names the mbox and the message's place in it
n=$(grep -c '^From ' "$TMP/all.mbox")
last=$("$BIN" parse --jsonl "$TMP/all.mbox" | tail -n 1 |
    sed -n 's/^{"file":"\([^"]*\)","mbox_message":\([0-9]*\),.*/\1 \2/p')
[ "$last" = "$TMP/all.mbox $n" ] ||
    fail "the mbox's last row says \"$last\", not \"$TMP/all.mbox $n\""
# a saved message with a From_ line whose text has an unquoted "From "
# line is one message, not two
{
	printf 'From MAILER-DAEMON Mon Nov  2 10:00:00 2026\n'
	cat dsn-postfix.eml
	printf '\nFrom our list team: thank you for reading.\n'
} >"$TMP/fromline.eml"
"$BIN" parse --jsonl "$TMP/fromline.eml" >"$TMP/fromline.out"
[ "$(grep -c . "$TMP/fromline.out")" -eq 1 ] &&
    grep -q '"recipient":"alice@example.org"' "$TMP/fromline.out" ||
    fail "an unquoted 'From ' line in a message split it"
# an mbox in a plain directory is split as well (a Maildir's files are not)
mkdir "$TMP/dir"
cp "$TMP/all.mbox" "$TMP/dir/"
"$BIN" parse --jsonl "$TMP/dir" | strip_file >"$TMP/all.dir.out"
cmp -s "$TMP/all.expected" "$TMP/all.dir.out" ||
    fail "an mbox in a directory gives other rows"
"$BIN" parse --jsonl "$TMP/md" | strip_file >"$TMP/all.md.out"
if ! cmp -s "$TMP/all.expected" "$TMP/all.md.out"; then
	fail "Maildir of all fixtures gives other rows"
	diff "$TMP/all.expected" "$TMP/all.md.out" | head -20 >&2
fi

finish golden
