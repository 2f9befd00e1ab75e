#!/bin/sh
# parse-only.sh - the parse path links without libetpan and libpq, and
# gives what `rebound parse` gives.
#
# usage: tests/parse-only.sh REBOUND PARSE_ONLY FIXTURE_DIR
set -u
BIN=$1
ONLY=$2
DIR=$3
. "$(dirname "$0")/lib.sh"

libs=$(ldd "$ONLY" 2>&1)
for lib in libetpan libpq; do
	echo "$libs" | grep -q "$lib" && fail "parse_only loads $lib"
done
echo "$libs" | grep -q libgmime || fail "parse_only does not load GMime: $libs"
"$BIN" parse --jsonl "$DIR"/*.eml >"$TMP/rebound.out" 2>&1
"$ONLY" --jsonl "$DIR"/*.eml >"$TMP/only.out" 2>&1
cmp -s "$TMP/rebound.out" "$TMP/only.out" ||
	fail "parse_only and rebound parse differ: $(diff "$TMP/rebound.out" "$TMP/only.out" | head -5)"
finish parse-only
