#!/bin/sh
# sends.sh - a policy for any sending rhythm (issue 17): soft bounces count
# per send when a proven report names it.  A monthly list suppresses a
# disabled mailbox after soft_threshold issues (the day-based count never
# would); a daily list whose full mailbox empties after a week does not
# suppress it; a send not bounced on starts the run again; an unproven
# report neither makes nor advances a send; soft suppressions expire after
# soft_suppression_expires.  PostgreSQL, the clock set by the test
# (REBOUND_TEST_TODAY).
#
# usage: tests/sends.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
CONF=$TMP/rebound.conf
KEYS=$TMP/verp.keys
printf '1 sends-test-key-0123456789\n' >"$KEYS"
chmod 600 "$KEYS"
cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
verp_prefix = {list}-bounces
send_header = X-Campaign

[policy]
verp_secret_file = $KEYS
verp_domain = lists.example.com
verp_validity = 365
soft_threshold = 3
soft_min_days = 14

[list monthly]
[list daily]
[list weekly]
soft_suppression_expires = 30
CONF
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}
# soft ADDRESS LIST DAY [CAMPAIGN] [signed|unsigned] - on DAY, a
# disabled-mailbox bounce of ADDRESS on LIST to the return path signed for
# it (proof), its returned original naming CAMPAIGN
soft() {
	if [ "${5:-signed}" = signed ]; then
		rp=$("$BIN" verp --config "$CONF" --list "$2" --date "$3" "$1") ||
		    fail "rebound verp $1 $2 $3"
	else
		rp=$2-bounces@lists.example.com
	fi
	dsn_msg "$1" 5.2.1 \
	    "550 5.2.1 The email account that you tried to reach is disabled" \
	    "$rp" \
	    "From: $2@lists.example.com\nTo: $1\nMessage-ID: <$2-$3@lists.example.com>${4:+\nX-Campaign: $4}" |
	    REBOUND_TEST_TODAY=$3 "$BIN" run --stdin --config "$CONF" >/dev/null 2>"$TMP/err" ||
	    fail "run on $3: $(cat "$TMP/err")"
}
state() { # state ADDRESS LIST - "STATE SENDS SCORE"
	sql "SELECT s.state || ' ' || s.soft_sends || ' ' || s.score FROM subscribers s JOIN lists l ON l.id = s.list_id WHERE s.address = '$1' AND l.name = '$2'"
}
sent() { # sent LIST ID DAY - the list manager records a send
	"$BIN" sent --config "$CONF" --list "$1" --id "$2" --at "$3" --count 1000 >/dev/null 2>"$TMP/err" ||
	    fail "rebound sent $1 $2: $(cat "$TMP/err")"
}

# 1. monthly: a disabled mailbox bounces on every issue; the issues are
# named by the campaign header of the proven reports (no `rebound sent`)
soft ann@example.org monthly 2026-01-05 2026-01
[ "$(state ann@example.org monthly)" = "bouncing 1 0" ] || fail "January: $(state ann@example.org monthly)"
soft ann@example.org monthly 2026-01-06 2026-01 # the same issue again
[ "$(state ann@example.org monthly)" = "bouncing 1 0" ] || fail "January twice: $(state ann@example.org monthly)"
soft ann@example.org monthly 2026-02-05 2026-02
[ "$(state ann@example.org monthly)" = "bouncing 2 0" ] || fail "February: $(state ann@example.org monthly)"
soft ann@example.org monthly 2026-03-05 2026-03
[ "$(state ann@example.org monthly)" = "suppressed 3 0" ] || fail "March: $(state ann@example.org monthly)"
[ "$(sql "SELECT cause FROM suppressions WHERE address = 'ann@example.org' AND ended_at IS NULL")" = soft ] ||
    fail "ann's suppression"
[ "$(sql "SELECT count(*) FROM sends s JOIN lists l ON l.id = s.list_id WHERE l.name = 'monthly'")" -eq 3 ] ||
    fail "sends of monthly: $(sql "SELECT send_key FROM sends")"
# the same three issues without a send to count on: the day-based count
# goes stale between issues and never suppresses
soft bo@example.org monthly 2026-01-05
soft bo@example.org monthly 2026-02-05
soft bo@example.org monthly 2026-03-05
[ "$(state bo@example.org monthly)" = "bouncing 0 1" ] || fail "by day, monthly: $(state bo@example.org monthly)"

# 2. daily: the list manager records each day's send; a full mailbox
# bounces for seven days, then empties: never suppressed
for d in 01 02 03 04 05 06 07 08 09 10; do sent daily "d-$d" "2026-04-$d"; done
for d in 01 02 03 04 05 06 07; do soft cy@example.org daily "2026-04-$d" "d-$d"; done
[ "$(state cy@example.org daily)" = "bouncing 7 0" ] || fail "daily, a week: $(state cy@example.org daily)"
# sends 8 and 9 went through; a bounce on the 10th starts a new run
soft cy@example.org daily 2026-04-10 d-10
[ "$(state cy@example.org daily)" = "bouncing 1 0" ] || fail "daily, after a gap: $(state cy@example.org daily)"
# a send named by its Message-ID, recorded under it by the list manager
sent daily "<daily-2026-04-11@lists.example.com>" 2026-04-11
soft cy@example.org daily 2026-04-11
[ "$(state cy@example.org daily)" = "bouncing 2 0" ] || fail "daily, by Message-ID: $(state cy@example.org daily)"

# 3. an unproven report never makes a send, nor counts on one
before=$(sql "SELECT count(*) FROM sends")
soft dee@example.org daily 2026-04-10 forged-campaign unsigned
[ "$(sql "SELECT count(*) FROM sends")" -eq "$before" ] || fail "an unproven report made a send"
[ "$(state dee@example.org daily)" = "bouncing 0 1" ] || fail "unproven: $(state dee@example.org daily)"

# 4. rebound sent: a typo in the list is an error that names the lists
"$BIN" sent --config "$CONF" --list dialy --id x >"$TMP/out" 2>&1
[ $? -eq 64 ] || fail "sent to an unknown list did not exit 64"
grep -q "declares: daily, monthly, weekly" "$TMP/out" || fail "sent --list dialy says: $(cat "$TMP/out")"

# 5. soft_suppression_expires: weekly's soft suppressions end by
# themselves after 30 days, recorded; monthly's (no expiry) stay
for w in 01 08 15 22; do sent weekly "w-$w" "2026-05-$w"; done
for w in 01 08 15 22; do soft eve@example.org weekly "2026-05-$w" "w-$w"; done
[ "$(state eve@example.org weekly)" = "suppressed 4 0" ] || fail "weekly: $(state eve@example.org weekly)"
# the suppression's time is the database's; the test's clock is the
# policy's: date it back to the day the policy suppressed
sql "UPDATE suppressions SET since = '2026-05-15' WHERE address = 'eve@example.org'"
printf 'Subject: x\n\nnot a bounce\n' | REBOUND_TEST_TODAY=2026-06-10 "$BIN" run --stdin --config "$CONF" >/dev/null 2>&1
[ "$(state eve@example.org weekly)" = "suppressed 4 0" ] || fail "expired too early"
printf 'Subject: x\n\nnot a bounce\n' | REBOUND_TEST_TODAY=2026-06-16 "$BIN" run --stdin --config "$CONF" >/dev/null 2>"$TMP/err"
grep -q "1 soft suppression of weekly ended, older than soft_suppression_expires (30 days)" "$TMP/err" ||
    fail "no expiry message: $(cat "$TMP/err")"
[ "$(state eve@example.org weekly)" = "active 0 0" ] || fail "after expiry: $(state eve@example.org weekly)"
[ "$(sql "SELECT reason FROM events WHERE address = 'eve@example.org' AND class = 'manual'")" = expired ] ||
    fail "expiry not recorded as an event"
[ "$(state ann@example.org monthly)" = "suppressed 3 0" ] || fail "monthly's suppression expired"

finish sends
