#!/bin/sh
# test.sh - build rebound from scratch and run the whole test suite.
#
# usage: scripts/test.sh
#
# 1. installs missing Debian packages (scripts/deps.sh);
# 2. builds with -Werror and runs the tests (ctest);
# 3. builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs
#    the tests again;
# 4. builds the libFuzzer targets with clang and runs each briefly
#    (REBOUND_FUZZ_SECONDS, default 20), seeded from the test fixtures;
# 5. when ../shared/corpus/evaluate exists, scores the build on that
#    corpus and fails if a figure falls below tests/accuracy-floor.
# Exits non-zero on the first failure.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=$(nproc 2>/dev/null || echo 2)
FUZZ_SECONDS=${REBOUND_FUZZ_SECONDS:-20}

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
"$ROOT/scripts/deps.sh"

step "build (warnings are errors) and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREBOUND_WERROR=ON >/dev/null
cmake --build build -j "$JOBS"
ctest --test-dir build --output-on-failure

step "build with ASan + UBSan and test"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DREBOUND_SANITIZE=ON \
    -DREBOUND_WERROR=ON >/dev/null
cmake --build build-asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure

step "fuzz each target for ${FUZZ_SECONDS}s"
CC=clang cmake -S . -B build-fuzz -DREBOUND_FUZZ=ON -DREBOUND_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$JOBS"
FZ=$(mktemp -d "${TMPDIR:-/tmp}/rebound-fuzz.XXXXXX")
trap 'rm -rf "$FZ"' EXIT
for t in parse fields verp config; do
	mkdir "$FZ/$t"
	cp fuzz/seeds/$t/* "$FZ/$t/" 2>/dev/null || true
	[ "$t" = parse ] && cp tests/golden/*.eml "$FZ/$t/"
	(cd "$FZ" && "$ROOT/build-fuzz/fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" \
	    -max_len=65536 -rss_limit_mb=2048 -print_final_stats=0 "$FZ/$t" \
	    >"$FZ/$t.log" 2>&1) || {
		tail -40 "$FZ/$t.log"
		echo "fuzz_$t failed; the input is in the log above" >&2
		exit 1
	}
	echo "fuzz_$t: $(grep -c '' "$FZ/$t.log") log lines, no crash"
done

EVAL=$ROOT/../shared/corpus/evaluate
if [ -x "$EVAL" ]; then
	step "corpus accuracy (floor: tests/accuracy-floor)"
	line=$("$EVAL" build/rebound | tail -n 1)
	echo "$line"
	"$ROOT/tests/accuracy-check.sh" "$ROOT/tests/accuracy-floor" "$line"
fi

step "all tests passed"
