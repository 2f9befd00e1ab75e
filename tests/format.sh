#!/bin/sh
# format.sh - every C file is as clang-format leaves it (.clang-format).
#
# usage: tests/format.sh SOURCE_DIR
#
# Needs Debian 12's clang-format 14 (other versions break lines
# differently): without it the test is skipped (exit 77).  To fix what it
# reports: clang-format -i FILE
set -u
SRC=$1
command -v clang-format >/dev/null 2>&1 || { echo "format: no clang-format: skipped"; exit 77; }
case $(clang-format --version) in
*" version 14."*) ;;
*) echo "format: $(clang-format --version) is not 14: skipped"; exit 77 ;;
esac
cd "$SRC" || exit 1
bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' ! -path './build*'); do
	if ! clang-format --dry-run -Werror "$f" 2>/dev/null; then
		echo "FAIL: $f is not formatted (clang-format -i $f)" >&2
		bad=$((bad + 1))
	fi
done
[ "$bad" -eq 0 ] || { echo "format: $bad file(s) to format" >&2; exit 1; }
echo "format: all checks passed"
