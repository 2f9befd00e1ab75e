#!/bin/sh
# check.sh - the ground-truth corpus of tests/mta/: every report a real
# MTA wrote (fixtures/MTA-CASE.eml, made by postfix.sh and its kind; with
# MTA-CASE+2.eml ... where the MTA writes a report per recipient) must
# name, together, the recipients truth.txt gives CASE, each with its
# class, and no other; or, for a known miss listed in misses.txt, exactly the answer
# recorded there.  Prints the failures; exit 1 on any.
#
# usage: tests/mta/check.sh REBOUND
set -u
export LC_ALL=C
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
n=0
misses=0
# want CASE - "ADDRESS:CLASS ..." from truth.txt, sorted
want() {
	grep -v '^#' "$HERE/truth.txt" | awk -F'\t' -v c="$1" '$1 == c {
		n = split($2, a, " "); out = ""
		for (i = 1; i <= n; i++) {
			if (a[i] !~ /:/) a[i] = c ":" a[i]
			split(a[i], p, ":")
			if (p[2] == "-") continue
			addr = (p[1] ~ /@/) ? p[1] : p[1] "@dest.example"
			out = out (out == "" ? "" : " ") addr ":" p[2]
		}
		print out
	}' | tr ' ' '\n' | sort | paste -sd' ' -
}
for base in $(cd "$HERE/fixtures" && ls -- *.eml | sed 's/[+.].*//' | sort -u); do
	case=${base#*-}
	want=$(want "$case")
	[ -n "$want" ] || { fail "$base: no truth for case $case"; continue; }
	got=$("$BIN" parse --jsonl "$HERE/fixtures/$base".eml \
	    $(cd "$HERE/fixtures" && ls -- "$base"+*.eml 2>/dev/null | sed "s|^|$HERE/fixtures/|") |
	    python3 -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin]
print(" ".join(sorted("%s:%s" % (r["recipient"], r["class"]) for r in rows)))')
	miss=$(awk -F'\t' -v b="$base" '$1 == b { print $2 }' "$HERE/misses.txt")
	if [ -n "$miss" ]; then
		# a known miss: exactly the answer misses.txt records
		if [ "$got" = "$want" ]; then
			fail "$base: now right: remove it from misses.txt"
		elif [ "$got" != "$miss" ]; then
			fail "$base: got '$got', the known miss says '$miss'"
		fi
		misses=$((misses + 1))
	else
		[ "$got" = "$want" ] || fail "$base: got '$got', truth '$want'"
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no fixtures"
echo "mta: $n MTA x case reports ($(ls "$HERE"/fixtures/*.eml | wc -l) files) written by real MTAs checked against their truth, $misses known miss(es) (misses.txt)"
finish mta
