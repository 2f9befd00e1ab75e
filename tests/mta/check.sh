#!/bin/sh
# check.sh - the ground-truth corpus of tests/mta/: every bounce a real
# MTA wrote (fixtures/MTA-CASE.eml, made by postfix.sh and its kind) must
# name its one recipient, CASE@dest.example, with the class truth.txt
# gives the case.  Prints the misses; exit 1 on any.
#
# usage: tests/mta/check.sh REBOUND
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
n=0
for f in "$HERE"/fixtures/*.eml; do
	base=$(basename "$f" .eml)
	case=${base#*-}
	want=$(awk -F'\t' -v c="$case" '$1 == c { print $2 }' "$HERE/truth.txt")
	[ -n "$want" ] || { fail "$base: no truth for case $case"; continue; }
	got=$("$BIN" parse --jsonl "$f" | python3 -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin]
print(" ".join("%s:%s" % (r["recipient"], r["class"]) for r in rows))')
	[ "$got" = "$case@dest.example:$want" ] ||
	    fail "$base: got '$got', truth '$case@dest.example:$want'"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no fixtures"
echo "mta: $n bounces written by real MTAs checked against their truth"
finish mta
