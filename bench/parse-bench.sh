#!/bin/sh
# parse-bench.sh - how fast `rebound parse --jsonl` reads bounces.
#
# usage: bench/parse-bench.sh [REBOUND] [DIR] [SECONDS]
#   REBOUND  the binary (default: build/rebound)
#   DIR      a directory of messages (default: ../shared/corpus/sisimai if
#            present, else tests/golden)
#   SECONDS  run at least this long (default: 5)
#
# One process parses DIR repeatedly (the directory is passed many times),
# so start-up cost is spread out; output goes to /dev/null.  Prints
# messages/s and MB/s with the machine they were measured on.  Never fails
# on timing: the target (>= 5,000 messages/s on the 2-core reference
# machine) is for people to read.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/rebound}
DIR=${2:-}
MIN=${3:-5}
if [ -z "$DIR" ]; then
	if [ -d "$ROOT/../shared/corpus/sisimai" ]; then
		DIR=$ROOT/../shared/corpus/sisimai
	else
		DIR=$ROOT/tests/golden
	fi
fi
files=$(find "$DIR" -maxdepth 1 -type f ! -name '.*' | wc -l)
bytes=$(find "$DIR" -maxdepth 1 -type f ! -name '.*' -exec cat {} + | wc -c)
[ "$files" -gt 0 ] || { echo "no messages in $DIR" >&2; exit 66; }

now() { date +%s.%N; }

# Grow the repetition count until one run lasts at least MIN seconds.
reps=1
while :; do
	set --
	i=0
	while [ "$i" -lt "$reps" ]; do set -- "$@" "$DIR"; i=$((i + 1)); done
	t0=$(now)
	"$BIN" parse --jsonl "$@" >/dev/null 2>&1 || true
	t1=$(now)
	secs=$(awk "BEGIN { print $t1 - $t0 }")
	if awk "BEGIN { exit !($secs >= $MIN) }" || [ "$reps" -ge 100000 ]; then
		break
	fi
	reps=$((reps * 2))
done

msgs=$((files * reps))
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "binary:   $BIN ($("$BIN" --version))"
echo "input:    $DIR: $files messages, $bytes bytes, parsed $reps times"
awk -v m="$msgs" -v s="$secs" -v b="$bytes" -v r="$reps" 'BEGIN {
	printf "parse:    %d messages in %.2f s = %.0f messages/s, %.1f MB/s (one process, one core)\n",
	    m, s, m / s, b * r / s / 1000000 }'
