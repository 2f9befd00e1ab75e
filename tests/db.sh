#!/bin/sh
# db.sh - `rebound db migrate` against a real PostgreSQL on loopback.
#
# usage: tests/db.sh REBOUND TESTS_DIR
#
# Starts tests/servers/postgres.sh and checks: the schema is created, a
# second run applies nothing, two runs at once both succeed and apply it
# once, a newer schema is refused (78), a server that is down is a
# temporary failure (75), and configuration refusals.
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
CONF=$TMP/rebound.conf
printf '[database]\nconninfo = host=%s port=%s dbname=rebound user=postgres\n' \
    "$S" "$PORT" >"$CONF"

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}

# migrate ARGS... - run it; rc and output in $TMP/out, $TMP/err
migrate() {
	"$BIN" db migrate "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

migrate --config "$CONF"
[ "$rc" -eq 0 ] || fail "first migrate exited $rc: $(cat "$TMP/err")"
N=$(ls "$TESTS"/../sql/[0-9][0-9][0-9]_*.sql | wc -l)
grep -q "schema version $N ($N migrations applied)" "$TMP/out" || fail "first migrate: $(cat "$TMP/out")"
[ -s "$TMP/err" ] && fail "migrate wrote to stderr: $(cat "$TMP/err")"
tables=$(sql "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
[ "$tables" = "domain_daily events holds lists mailboxes messages outbox rebound_schema sends subscribers suppressions" ] ||
    fail "tables after migrate: $tables"
migrate --config "$CONF"
[ "$rc" -eq 0 ] && grep -q "(0 migrations applied)" "$TMP/out" || fail "second migrate: $rc $(cat "$TMP/out")"

# two at once on a fresh database: the advisory lock makes one wait
sql "CREATE DATABASE fresh" >/dev/null
sed 's/dbname=rebound/dbname=fresh/' "$CONF" >"$TMP/fresh.conf"
"$BIN" db migrate --config "$TMP/fresh.conf" >"$TMP/a" 2>&1 &
a=$!
"$BIN" db migrate --config "$TMP/fresh.conf" >"$TMP/b" 2>&1
brc=$?
wait $a
arc=$?
[ "$arc" -eq 0 ] && [ "$brc" -eq 0 ] || fail "concurrent migrate: $arc $brc: $(cat "$TMP/a" "$TMP/b")"
cat "$TMP/a" "$TMP/b" | grep -q "($N migrations applied)" || fail "concurrent migrate applied nothing"
cat "$TMP/a" "$TMP/b" | grep -q "(0 migrations applied)" || fail "concurrent migrate applied twice"

# a schema newer than this rebound
sql "INSERT INTO rebound_schema (version, name) VALUES (999, '999_future.sql')"
migrate --config "$CONF"
[ "$rc" -eq 78 ] || fail "newer schema exited $rc, expected 78"
grep -q "newer than this rebound" "$TMP/err" || fail "no message for a newer schema"

# configuration: no [database]; a password in a readable file
printf '[parse]\n' >"$TMP/nodb.conf"
migrate --config "$TMP/nodb.conf"
[ "$rc" -eq 78 ] || fail "no [database] exited $rc"
sed 's/user=postgres/user=postgres password=x/' "$CONF" >"$TMP/pw.conf"
chmod 644 "$TMP/pw.conf"
migrate --config "$TMP/pw.conf"
[ "$rc" -eq 78 ] || fail "password in a group-readable config exited $rc"
migrate --config "$CONF" --sql-dir "$TMP/nowhere"
[ "$rc" -eq 66 ] || fail "missing migrations folder exited $rc"

# the server down: a temporary failure, for cron or systemd to retry
"$PG" stop "$S"
migrate --config "$CONF"
[ "$rc" -eq 75 ] || fail "server down exited $rc, expected 75"

finish db
