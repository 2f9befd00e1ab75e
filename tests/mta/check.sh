#!/bin/sh
# check.sh - the ground-truth corpus of tests/mta/: every bounce a real
# MTA wrote (fixtures/MTA-CASE.eml, made by postfix.sh and its kind) must
# name its one recipient, CASE@dest.example, with the class truth.txt
# gives the case, or, for a known miss listed in misses.txt, exactly the
# class recorded there.  Prints the failures; exit 1 on any.
#
# usage: tests/mta/check.sh REBOUND
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
n=0
misses=0
for f in "$HERE"/fixtures/*.eml; do
	base=$(basename "$f" .eml)
	case=${base#*-}
	want=$(awk -F'\t' -v c="$case" '$1 == c { print $2 }' "$HERE/truth.txt")
	[ -n "$want" ] || { fail "$base: no truth for case $case"; continue; }
	got=$("$BIN" parse --jsonl "$f" | python3 -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin]
print(" ".join("%s:%s" % (r["recipient"], r["class"]) for r in rows))')
	miss=$(awk -F'\t' -v b="$base" '$1 == b { print $2 }' "$HERE/misses.txt")
	if [ -n "$miss" ]; then
		# a known miss: exactly the answer misses.txt records
		[ "$got" = "$case@dest.example:$miss" ] || {
			[ "$got" = "$case@dest.example:$want" ] &&
			    fail "$base: now right: remove it from misses.txt" ||
			    fail "$base: got '$got', the known miss says '$miss'"
		}
		misses=$((misses + 1))
	else
		[ "$got" = "$case@dest.example:$want" ] ||
		    fail "$base: got '$got', truth '$case@dest.example:$want'"
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no fixtures"
echo "mta: $n bounces written by real MTAs checked against their truth, $misses known miss(es) (misses.txt)"
finish mta
