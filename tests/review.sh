#!/bin/sh
# review.sh - decisions a person can review and undo (issue 17): `run
# --dry-run` shows per recipient what the run would do with the same
# database (JSON for a program, a table on a terminal) and changes
# nothing; mail that is no bounce goes to the Review folder, counted,
# never filed as processed; `unsuppress` ends suppressions in bulk by
# domain, reason, rule and time, with a dry run first.  Real Dovecot and
# PostgreSQL.
#
# usage: tests/review.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
CONF=$TMP/rebound.conf
KEYS=$TMP/verp.keys
printf '1 review-test-key-0123456789\n' >"$KEYS"
chmod 600 "$KEYS"

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}
conf() { # conf [MAILBOX-LINES] - the configuration
	cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
verp_prefix = {list}-bounces

[policy]
verp_secret_file = $KEYS
verp_domain = lists.example.com

[list news]
aliases = news@lists.example.com
CONF
	[ -n "${1:-}" ] && printf '%s\n' "$1" >>"$CONF"
}
conf
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"

# dsn ADDRESS [signed] - a hard bounce for ADDRESS, to the return path
# signed for it on news (proof) or to the plain one
dsn() {
	if [ "${2:-}" = signed ]; then
		rp=$("$BIN" verp --config "$CONF" --list news "$1")
	else
		rp=news-bounces@lists.example.com
	fi
	dsn_msg "$1" 5.1.1 "550 5.1.1 <$1>: Recipient address rejected: User unknown" "$rp"
}
store() { # store the message on standard input now
	"$BIN" run --stdin --config "$CONF" >/dev/null 2>"$TMP/err" ||
	    fail "run --stdin: $(cat "$TMP/err")"
}

# carol is suppressed already
dsn carol@example.org signed | store
# the mailbox: alice (proven), bob (no proof), carol again, a human reply
mkdir -p "$TMP/m"
dsn alice@example.org signed >"$TMP/m/1-alice.eml"
dsn bob@example.org >"$TMP/m/2-bob.eml"
dsn carol@example.org signed >"$TMP/m/3-carol.eml"
printf 'From: Dana <dana@example.org>\nTo: news-bounces@lists.example.com\nSubject: please unsubscribe me\nMessage-ID: <human-1@example.org>\n\nHello, please take me off this list. Thanks, Dana\n' >"$TMP/m/4-human.eml"
mkdir -p "$D"
"$DV" start "$D" "$TMP"/m/*.eml || exit 1
cp "$D/bounces.pass" "$TMP/bounces.pass"
chmod 600 "$TMP/bounces.pass"
conf "[mailbox bounces]
url = imaps://bounces@localhost:$IMAPS/INBOX
password_file = $TMP/bounces.pass
ca_file = $D/cert.pem
list = news"
MAILDIR=$D/mail/bounces/Maildir
events_before=$(sql "SELECT count(*) FROM events")

# 1. the dry run: JSON Lines when piped, each row with its effect
"$BIN" run --dry-run --config "$CONF" >"$TMP/dry.jsonl" 2>"$TMP/err" ||
    fail "dry run: $(cat "$TMP/err")"
effect() { # effect ADDRESS - "EFFECT / STATE" of its row in the dry run
	python3 - "$TMP/dry.jsonl" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("subscriber") == sys.argv[2]:
        print("%s / %s / %s" % (o.get("effect"), o.get("state_after"), o.get("effect_list")))
PY
}
[ "$(effect alice@example.org)" = "suppress / suppressed / news" ] ||
    fail "alice in the dry run: $(effect alice@example.org)"
[ "$(effect bob@example.org)" = "count / bouncing / news" ] ||
    fail "bob in the dry run: $(effect bob@example.org)"
[ "$(effect carol@example.org)" = "nothing / suppressed / news" ] ||
    fail "carol in the dry run: $(effect carol@example.org)"
grep -q '"effect_why":"no proof that the report answers mail the list sent: counted as a soft bounce"' "$TMP/dry.jsonl" ||
    fail "bob's row does not say why"
[ "$(sql "SELECT count(*) FROM events")" -eq "$events_before" ] || fail "the dry run stored events"
[ "$(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL")" -eq 1 ] || fail "the dry run suppressed"
[ "$(find "$MAILDIR/cur" "$MAILDIR/new" -type f | wc -l)" -eq 4 ] || fail "the dry run moved messages"

# 2. on a terminal, a table
script -qec "\"$BIN\" run --dry-run --config \"$CONF\"" /dev/null >"$TMP/table" 2>&1 </dev/null
grep -q "^SUBSCRIBER  *LIST  *CLASS  *REASON  *WOULD  *WHY" "$TMP/table" ||
    fail "no table header on a terminal: $(cat "$TMP/table")"
grep -q "^alice@example.org  *news  *hard  *userunknown  *suppress  *hard bounce" "$TMP/table" ||
    fail "alice's table row: $(cat "$TMP/table")"
grep -q "^bob@example.org  *news  *hard  *userunknown  *count (score 1)" "$TMP/table" ||
    fail "bob's table row: $(cat "$TMP/table")"

# 3. the run: the human reply goes to Review, counted, not processed
"$BIN" run --config "$CONF" >/dev/null 2>"$TMP/err" || fail "run: $(cat "$TMP/err")"
grep -q "1 for review" "$TMP/err" || fail "the summary does not count it: $(cat "$TMP/err")"
grep -q "1 message that is no bounce, complaint nor auto-reply moved to Review: a person should read it" "$TMP/err" ||
    fail "no warning for the review: $(cat "$TMP/err")"
files() { # files FOLDER - messages in a Maildir folder (new/ and cur/)
	find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l
}
[ "$(files "$MAILDIR/.Review")" -eq 1 ] || fail "Review holds $(files "$MAILDIR/.Review")"
cat "$MAILDIR"/.Review/new/* "$MAILDIR"/.Review/cur/* 2>/dev/null | grep -q "please unsubscribe me" ||
    fail "the wrong message in Review"
[ "$(files "$MAILDIR/.Processed")" -eq 3 ] || fail "Processed holds $(files "$MAILDIR/.Processed")"
[ "$(sql "SELECT outcome FROM messages WHERE message_id = 'human-1@example.org'")" = review ] ||
    fail "the reply is recorded as $(sql "SELECT outcome FROM messages WHERE message_id = 'human-1@example.org'")"
"$BIN" status --config "$CONF" | grep -q "^review  *1" || fail "status does not count the review"

# 4. bulk unsuppress: a provider's outage read as user unknown
for u in u1 u2 u3; do dsn "$u@outage.example" signed | store; done
dsn keep@other.example signed | store
[ "$(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL")" -eq 6 ] ||
    fail "setup: $(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL") suppressions"
"$BIN" unsuppress --config "$CONF" --domain OUTAGE.example --reason userunknown --dry-run >"$TMP/out" 2>&1 ||
    fail "bulk dry run: $(cat "$TMP/out")"
[ "$(grep -c "^would end: u[123]@outage.example news hard userunknown" "$TMP/out")" -eq 3 ] ||
    fail "bulk dry run lists: $(cat "$TMP/out")"
grep -q "^would end 3 suppressions (nothing changed)" "$TMP/out" || fail "bulk dry run: $(cat "$TMP/out")"
[ "$(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL")" -eq 6 ] || fail "the dry run ended some"
RULE=$(sql "SELECT e.rule FROM suppressions x JOIN events e ON e.id = x.source_event WHERE x.address = 'u1@outage.example'")
"$BIN" unsuppress --config "$CONF" --domain outage.example --rule "$RULE" --since 2000-01-01 --until 2100-01-01T00:00:00Z >"$TMP/out" 2>&1 ||
    fail "bulk unsuppress: $(cat "$TMP/out")"
grep -q "^3 suppressions ended" "$TMP/out" || fail "bulk unsuppress says: $(cat "$TMP/out")"
[ "$(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL AND address LIKE '%outage.example'")" -eq 0 ] ||
    fail "outage suppressions left"
[ "$(sql "SELECT count(*) FROM suppressions WHERE ended_at IS NULL AND address = 'keep@other.example'")" -eq 1 ] ||
    fail "another domain's suppression ended"
[ "$(sql "SELECT count(*) FROM events WHERE class = 'manual' AND address LIKE '%outage.example'")" -eq 3 ] ||
    fail "the bulk unsuppress is not recorded"
[ "$(sql "SELECT string_agg(state, ',') FROM subscribers WHERE address LIKE '%outage.example'")" = "active,active,active" ] ||
    fail "states after: $(sql "SELECT string_agg(state, ',') FROM subscribers WHERE address LIKE '%outage.example'")"
"$BIN" unsuppress --config "$CONF" --domain outage.example >/dev/null 2>&1
[ $? -eq 65 ] || fail "nothing left to end is not 65"
"$BIN" unsuppress --config "$CONF" >/dev/null 2>&1
[ $? -eq 64 ] || fail "unsuppress without an address or a filter is not 64"
"$BIN" unsuppress --config "$CONF" --since yesterday >/dev/null 2>&1
[ $? -eq 64 ] || fail "a bad --since is not 64"

# 5. export --changes: suppressions begun and ended since a cursor, so
# that another system stays in sync; --since takes a time too
"$BIN" export --config "$CONF" --changes --cursor-file "$TMP/cursor" --format csv >"$TMP/ch1.csv" 2>"$TMP/err" ||
    fail "export --changes: $(cat "$TMP/err")"
grep -q "^cursor [0-9]" "$TMP/err" || fail "no cursor printed: $(cat "$TMP/err")"
[ "$(grep -c ',unsuppressed,' "$TMP/ch1.csv")" -eq 3 ] || fail "first changes: $(cat "$TMP/ch1.csv")"
grep -q "^keep@other.example,news,suppressed," "$TMP/ch1.csv" || fail "first changes lack keep@: $(cat "$TMP/ch1.csv")"
"$BIN" export --config "$CONF" --changes --cursor-file "$TMP/cursor" >"$TMP/ch2.txt" 2>/dev/null ||
    fail "second export --changes"
[ ! -s "$TMP/ch2.txt" ] || fail "nothing changed, yet: $(cat "$TMP/ch2.txt")"
"$BIN" unsuppress --config "$CONF" keep@other.example >/dev/null 2>&1 || fail "unsuppress keep@"
"$BIN" export --config "$CONF" --changes --since "$(cat "$TMP/cursor")" >"$TMP/ch3.txt" 2>/dev/null ||
    fail "third export --changes"
[ "$(cat "$TMP/ch3.txt")" = "unsuppressed keep@other.example news" ] || fail "third changes: $(cat "$TMP/ch3.txt")"
"$BIN" export --config "$CONF" --changes --since yesterday >/dev/null 2>&1
[ $? -eq 64 ] || fail "a cursor that is no number is not 64"
"$BIN" export --config "$CONF" --since 2000-01-01T12:00:00+02:00 >"$TMP/all.txt" 2>&1 ||
    fail "export --since a timestamp: $(cat "$TMP/all.txt")"
grep -qx "alice@example.org" "$TMP/all.txt" || fail "export --since a timestamp: $(cat "$TMP/all.txt")"

finish review
