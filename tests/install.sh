#!/bin/sh
# install.sh - `cmake --install` lays out a complete tree, and the systemd
# units in it pass `systemd-analyze verify`.
#
# usage: tests/install.sh BUILD_DIR
set -u
BUILD=$1
TESTS=$(cd "$(dirname "$0")" && pwd)
BIN=$BUILD/rebound
. "$TESTS/lib.sh"
R=$TMP/root
cmake --install "$BUILD" --prefix "$R" >/dev/null || fail "cmake --install"
for f in bin/rebound share/rebound/sql/001_schema.sql \
    lib/systemd/system/rebound.service lib/systemd/system/rebound.timer \
    share/man/man1/rebound.1 share/man/man5/rebound.conf.5 \
    share/doc/rebound/examples/rebound.conf.example \
    share/doc/rebound/examples/rebound.cron; do
	[ -s "$R/$f" ] || fail "not installed: $f"
done
"$R/bin/rebound" --version >/dev/null || fail "the installed binary does not run"

# the installed unit names the configured bindir; point it at this tree
U=$TMP/units
mkdir "$U"
sed "s|^ExecStart=[^ ]*/rebound |ExecStart=$R/bin/rebound |" \
    "$R/lib/systemd/system/rebound.service" >"$U/rebound.service"
cp "$R/lib/systemd/system/rebound.timer" "$U/"
grep -q "^ExecStart=$R/bin/rebound run " "$U/rebound.service" || fail "ExecStart: $(grep ExecStart "$U/rebound.service")"
if command -v systemd-analyze >/dev/null 2>&1; then
	(cd "$U" && systemd-analyze verify --man=no ./rebound.service \
	    ./rebound.timer) >"$TMP/verify" 2>&1 || fail "systemd-analyze verify: $(cat "$TMP/verify")"
	[ -s "$TMP/verify" ] && fail "systemd-analyze verify said: $(cat "$TMP/verify")"
else
	echo "install: systemd-analyze missing, units not verified" >&2
fi
grep -q '^OnUnitActiveSec=10min$' "$U/rebound.timer" && grep -q '^Persistent=true$' "$U/rebound.timer" ||
    fail "timer: not every 10 minutes, or not persistent"
# the man pages render without warnings
if command -v groff >/dev/null 2>&1; then
	for m in share/man/man1/rebound.1 share/man/man5/rebound.conf.5; do
		w=$(LC_ALL=C groff -man -Tutf8 -ww -z "$R/$m" 2>&1)
		[ -z "$w" ] || fail "$m: $w"
	done
fi
finish install
