#!/bin/sh
# layers.sh - scripts/check-layers passes on this tree and its build, and
# fails on a planted upward include, a planted upward call and a planted
# circle of calls (so a pass means something).
#
# usage: tests/layers.sh SOURCE_DIR BUILD_DIR
set -u
SRC=$1
BUILD=$2
. "$(dirname "$0")/lib.sh"
CHECK=$SRC/scripts/check-layers

if ! "$CHECK" "$BUILD" >"$TMP/out" 2>&1; then
	fail "the tree as it is: $(cat "$TMP/out")"
fi

# a copy of the sources with mime/ including db/'s header
mkdir "$TMP/tree"
for d in log mime classify bounce config fetch db notify worker; do
	mkdir "$TMP/tree/$d"
	cp "$SRC/$d"/*.[ch] "$TMP/tree/$d/"
done
"$CHECK" --root "$TMP/tree" >/dev/null 2>&1 || fail "the copy fails before planting"
sed -i '0,/#include "internal.h"/s//#include "internal.h"\n#include "db.h"/' \
    "$TMP/tree/mime/report.c"
"$CHECK" --root "$TMP/tree" >"$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "planted include: exit $rc, expected 1"
grep -q 'mime/report.c: includes db/db.h, which is not below it' "$TMP/out" ||
	fail "planted include not named: $(cat "$TMP/out")"

# another folder's internal.h
cp "$SRC/mime/report.c" "$TMP/tree/mime/report.c"
printf '#include "../db/internal.h"\n' >>"$TMP/tree/bounce/verdict.c"
printf '#include "internal.h"\n' >>"$TMP/tree/worker/output.c"
"$CHECK" --root "$TMP/tree" >"$TMP/out" 2>&1 &&
	fail "an include of internal.h from another folder passed"
grep -q 'worker/output.c: includes "internal.h"' "$TMP/out" ||
	fail "internal.h from another folder not named: $(cat "$TMP/out")"
grep -q 'bounce/verdict.c: includes "../db/internal.h" by a path' "$TMP/out" ||
	fail "an include by a path not named: $(cat "$TMP/out")"

# objects: mime calling into db, and two files of classify calling each
# other, laid out as CMake lays out a build
B=$TMP/build
mkdir -p "$B/mime/CMakeFiles/m.dir" "$B/db/CMakeFiles/d.dir" \
    "$B/classify/CMakeFiles/c.dir"
cat >"$TMP/up.c" <<'C'
int db_connect(void);
int mime_up(void) { return db_connect(); }
C
cat >"$TMP/db.c" <<'C'
int db_connect(void) { return 0; }
C
cat >"$TMP/a.c" <<'C'
int b_fn(void);
int a_fn(void) { return b_fn(); }
C
cat >"$TMP/b.c" <<'C'
int a_fn(void);
int b_fn(void) { return a_fn() + 1; }
C
cc -c -o "$B/mime/CMakeFiles/m.dir/up.c.o" "$TMP/up.c" &&
cc -c -o "$B/db/CMakeFiles/d.dir/db.c.o" "$TMP/db.c" &&
cc -c -o "$B/classify/CMakeFiles/c.dir/a.c.o" "$TMP/a.c" &&
cc -c -o "$B/classify/CMakeFiles/c.dir/b.c.o" "$TMP/b.c" ||
	fail "cannot compile the planted objects"
"$CHECK" --root "$SRC" "$B" >"$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "planted calls: exit $rc, expected 1"
grep -q 'mime/up.c calls db_connect() of db/db.c, which is not below it' \
    "$TMP/out" || fail "planted upward call not named: $(cat "$TMP/out")"
grep -q 'classify/: files call each other in a circle: a.c -> b.c -> a.c' \
    "$TMP/out" || fail "planted circle not named: $(cat "$TMP/out")"

finish layers
