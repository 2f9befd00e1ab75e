#!/bin/sh
# check.sh - look-alike negatives: newsletters, replies, tickets and
# adverts that quote or mention bounce wording (tests/lookalike/*.eml,
# written by hand; see README.md there).  None of them may give any
# recipient a class that changes a subscriber (hard, soft, block,
# complaint).  Prints the false positives; exit 1 on any.
#
# usage: tests/lookalike/check.sh REBOUND
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
n=0
for f in "$HERE"/*.eml; do
	got=$("$BIN" parse --jsonl "$f" | python3 -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["class"] not in ("ignore", "unknown"):
        print("%s:%s (rule %s)" % (r["recipient"], r["class"], r["rule"]))')
	[ -z "$got" ] || fail "$(basename "$f"): $got"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no look-alikes"
echo "lookalike: $n messages that only look like bounces"
finish lookalike
