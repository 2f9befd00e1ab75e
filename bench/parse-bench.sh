#!/bin/sh
# parse-bench.sh - how fast `rebound parse --jsonl` reads bounces, beside
# its peers on the same files, in one run.
#
# usage: bench/parse-bench.sh [REBOUND] [DIR] [SECONDS]
#   REBOUND  the binary (default: build/rebound); its build directory's
#            bench/gmime-ref is the GMime-only reference (`make gmime-ref`)
#   DIR      a directory of messages (default: ../shared/corpus/sisimai if
#            present, else tests/golden)
#   SECONDS  each measurement runs at least this long (default: 3)
#   SISIMAI5_LIB  a Sisimai 5 checkout's lib/ directory: measured too
#   REBOUND_BENCH_ROUNDS  rounds (default 3): every contestant is measured
#            once a round, in turn, and the median is printed
#
# Each contestant is one whole process given the DIR's files R times
# (start-up spread out; R grows until a run lasts SECONDS), output to
# /dev/null; the figure is messages/s.  Printed: rebound on one thread and
# on every core, the GMime-only reference (read, parse, decode every part,
# free: no analysis), Sisimai 4 (Debian's libsisimai-perl, installed here
# when missing and apt can), Sisimai 5 when SISIMAI5_LIB is set, and
# rebound's ratio to each.  Never fails on timing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/rebound}")
DIR=${2:-}
MIN=${3:-3}
ROUNDS=${REBOUND_BENCH_ROUNDS:-3}
if [ -z "$DIR" ]; then
	if [ -d "$ROOT/../shared/corpus/sisimai" ]; then
		DIR=$ROOT/../shared/corpus/sisimai
	else
		DIR=$ROOT/tests/golden
	fi
fi
DIR=$(realpath "$DIR")
REF=$(dirname "$BIN")/bench/gmime-ref
files=$(find "$DIR" -maxdepth 1 -type f ! -name '.*' | sort)
nfiles=$(echo "$files" | grep -c .)
bytes=$(echo "$files" | xargs cat | wc -c)
[ "$nfiles" -gt 0 ] || { echo "no messages in $DIR" >&2; exit 66; }
# the directory is named R times: every program reads it whole each time
TMP=$(mktemp -d /tmp/rebound-parse-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }

# rate CMD... - messages/s of CMD given DIR R times, R grown until a run
# lasts MIN seconds; "-" when CMD fails (rebound's 65, a file that is no
# message, is a run like any other)
rate() {
	reps=1
	while :; do
		args=
		i=0
		while [ "$i" -lt "$reps" ]; do args="$args $DIR"; i=$((i + 1)); done
		t0=$(now)
		# shellcheck disable=SC2086
		"$@" $args >/dev/null 2>"$TMP/err" || [ "$?" -eq 65 ] || { echo -; return; }
		t1=$(now)
		secs=$(awk "BEGIN { print $t1 - $t0 }")
		if awk "BEGIN { exit !($secs >= $MIN) }" || [ "$reps" -ge 4096 ]; then
			break
		fi
		reps=$((reps * 2))
	done
	awk -v n="$nfiles" -v r="$reps" -v s="$secs" 'BEGIN { printf "%.0f", n * r / s }'
}

# sisimai4 - make Debian's Sisimai 4 present if apt can
sisimai4() {
	perl -MSisimai -e 'exit($Sisimai::VERSION =~ /^v?4\./ ? 0 : 1)' 2>/dev/null && return 0
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libsisimai-perl >/dev/null 2>&1 || return 1
	perl -MSisimai -e 'exit($Sisimai::VERSION =~ /^v?4\./ ? 0 : 1)' 2>/dev/null
}

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
echo "input:    $DIR: $nfiles messages, $bytes bytes; each run at least $MIN s; medians of $ROUNDS rounds"

s4v= s5v=
have4=
sisimai4 && have4=1 && s4v=$(perl -MSisimai -e 'print $Sisimai::VERSION')
[ -n "${SISIMAI5_LIB:-}" ] &&
    s5v=$(perl -I"$SISIMAI5_LIB" -MSisimai -e 'print $Sisimai::VERSION')
# rounds of alternating runs: the machine's drift hits every contestant
for k in $(seq 1 "$ROUNDS"); do
	rate "$BIN" parse --jsonl >>"$TMP/rn"; echo >>"$TMP/rn"
	rate "$BIN" parse --jsonl --threads 1 >>"$TMP/r1"; echo >>"$TMP/r1"
	[ -x "$REF" ] && { rate "$REF" >>"$TMP/ref"; echo >>"$TMP/ref"; }
	[ -n "$have4" ] && { rate perl "$ROOT/bench/sisimai.pl" >>"$TMP/s4"; echo >>"$TMP/s4"; }
	[ -n "$s5v" ] && { rate perl -I"$SISIMAI5_LIB" "$ROOT/bench/sisimai.pl" >>"$TMP/s5"; echo >>"$TMP/s5"; }
done

# median NAME - the median of a contestant's rounds, or "-"
median() {
	[ -s "$TMP/$1" ] || { echo -; return; }
	grep -v '^-$' "$TMP/$1" | grep . | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'
}
rn=$(median rn)
r1=$(median r1)
ref=$(median ref)
s4=$(median s4)
s5=$(median s5)

# row NAME RATE - one line: messages/s and rebound (every core) / it
row() {
	if [ "$2" = - ]; then
		printf '%-44s %10s\n' "$1" "$3"
	else
		awk -v n="$1" -v r="$2" -v us="$rn" 'BEGIN {
			printf "%-44s %10d msg/s   rebound = %5.2fx\n", n, r, us / r }'
	fi
}
echo
printf '%-44s %10s\n' "" "speed"
row "rebound parse --jsonl, every core ($(nproc))" "$rn"
row "rebound parse --jsonl --threads 1" "$r1"
row "GMime only: read, parse, decode, free" "$ref" "(make gmime-ref)"
row "Sisimai ${s4v:-4} (Debian libsisimai-perl)" "$s4" "(not installed)"
row "Sisimai ${s5v:-5} (SISIMAI5_LIB)" "$s5" "(SISIMAI5_LIB not set)"
