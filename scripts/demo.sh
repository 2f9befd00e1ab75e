#!/bin/sh
# demo.sh - the main job, end to end, on bundled sample bounces.
#
# usage: scripts/demo.sh
#
# Installs what is missing, builds rebound, parses the sample bounces in
# tests/golden (every format rebound reads: RFC 3464 DSNs, ARF complaints,
# auto-replies, qmail/Exim/Exchange/Domino text bounces, broken MIME),
# shows one of them as JSON, and explains two codes.  The mailbox worker
# (IMAP/POP3 into PostgreSQL) replaces this once it lands.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/deps.sh"
if [ ! -x build/rebound ]; then
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi

echo "== rebound parse tests/golden/*.eml  (one row per message and recipient)"
build/rebound parse tests/golden/*.eml
echo
echo "== rebound parse --jsonl tests/golden/dsn-postfix.eml"
build/rebound parse --jsonl tests/golden/dsn-postfix.eml
echo
echo "== rebound explain 5.7.1"
build/rebound explain 5.7.1
echo
echo "== rebound explain \"550 5.1.1 <alice@example.org>: User unknown\""
build/rebound explain "550 5.1.1 <alice@example.org>: User unknown"
