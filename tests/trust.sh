#!/bin/sh
# trust.sh - only a report that proves it answers mail the list sent
# suppresses at once (issue "Trust", first slice: signed VERP), on a real
# PostgreSQL.  Each attack is a message anyone can send to the bounce
# address; each genuine report carries a return path `rebound verp` signed.
#
# usage: tests/trust.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
CONF=$TMP/rebound.conf
KEYS=$TMP/verp.keys
# key 1 signs; key 0 was the signing key until 2026-03-01 and is accepted
# until 2026-03-31
printf '# rebound signed VERP keys\n1 test-key-one-0123456789\n0 test-key-zero-abcdefgh 2026-03-31\n' >"$KEYS"
chmod 600 "$KEYS"
OLD=$TMP/old.keys
printf '0 test-key-zero-abcdefgh\n' >"$OLD"
chmod 600 "$OLD"
conf() { # conf UNPROVEN [KEYFILE] - write the configuration
	cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
verp_prefix = {list}-bounces

[policy]
unproven = $1
verp_secret_file = ${2:-$KEYS}
verp_domain = lists.example.com
verp_validity = 60
CONF
}
conf soft

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"

# verp ADDRESS DAY [KEYFILE] - the return path signed for ADDRESS on list
# news on DAY (with KEYFILE: it rewrites $CONF for a moment, so never call
# it in a pipeline with feed)
verp() {
	[ -n "${3:-}" ] && conf soft "$3"
	"$BIN" verp --config "$CONF" --list news --date "$2" "$1" ||
	    fail "rebound verp $1 $2"
	[ -n "${3:-}" ] && conf soft
}

# dsn ADDRESS [DELIVERED-TO] [TO] - a DSN for ADDRESS; our MTA adds the
# Delivered-To (topmost); TO is the sender's own To: header
dsn() {
	n=$(date +%s%N)
	[ -n "${2:-}" ] && printf 'Delivered-To: %s\n' "$2"
	printf 'From: MAILER-DAEMON@mx.example.net\nTo: %s\n' "${3:-news-bounces@lists.example.com}"
	printf 'Subject: Undelivered Mail Returned to Sender\n'
	printf 'Message-ID: <trust-%d-%s@mx.example.net>\n' "$n" "$$"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; '
	printf 'report-type=delivery-status; boundary="B"\n\n--B\n'
	printf 'Content-Type: text/plain\n\nDelivery failed.\n\n--B\n'
	printf 'Content-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; mx.example.net\n\n'
	printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n' "$1"
	printf 'Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--B--\n'
}

# arf ADDRESS [DELIVERED-TO] - an abuse complaint about mail to ADDRESS
arf() {
	n=$(date +%s%N)
	[ -n "${2:-}" ] && printf 'Delivered-To: %s\n' "$2"
	printf 'From: feedback@fbl.example.net\nTo: news-bounces@lists.example.com\n'
	printf 'Subject: Abuse report\nMessage-ID: <arf-%d-%s@fbl>\n' "$n" "$$"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; '
	printf 'report-type=feedback-report; boundary="A"\n\n--A\n'
	printf 'Content-Type: text/plain\n\nA complaint.\n\n--A\n'
	printf 'Content-Type: message/feedback-report\n\n'
	printf 'Feedback-Type: abuse\nUser-Agent: test/1\nVersion: 1\n'
	printf 'Original-Rcpt-To: %s\n\n--A--\n' "$1"
}

# feed DAY - store the message on standard input on DAY (list news)
feed() {
	REBOUND_TEST_TODAY=$1 "$BIN" run --stdin --config "$CONF" \
	    --list news >/dev/null 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "feed on $1 exited $rc: $(cat "$TMP/err")"
}

# suppressed ADDRESS - how many active suppressions ADDRESS has
suppressed() {
	sql "SELECT count(*) FROM suppressions WHERE address = '$1' AND ended_at IS NULL"
}

# proof ADDRESS - the proof (and why not) of ADDRESS's last event
proof() {
	sql "SELECT proof || coalesce(': ' || proof_why, '') FROM events WHERE address = '$1' ORDER BY id DESC LIMIT 1"
}

# expect_unsuppressed ADDRESS WHY-PATTERN WHAT - not suppressed, and the
# event says why
expect_unsuppressed() {
	[ "$(suppressed "$1")" -eq 0 ] || fail "$3: $1 suppressed at once"
	proof "$1" | grep -q "^none: .*$2" ||
	    fail "$3: proof of $1 is '$(proof "$1")', expected none: $2"
}

# 1. a forged DSN: no return path of ours at all
dsn victim1@example.org | feed 2026-01-10
expect_unsuppressed victim1@example.org "no VERP return path" "forged DSN"
[ "$(sql "SELECT state || ' ' || score FROM subscribers WHERE address = 'victim1@example.org'")" = "bouncing 1" ] ||
    fail "forged DSN: not counted as one soft bounce"

# 2. the VERP address only in the sender's To: header
dsn victim2@example.org "" "news-bounces+victim2=example.org@lists.example.com" |
    feed 2026-01-10
expect_unsuppressed victim2@example.org "no VERP return path" "VERP in To:"

# 3. an unsigned VERP return path (a list manager's plain VERP)
dsn victim3@example.org "news-bounces+victim3=example.org@lists.example.com" |
    feed 2026-01-10
expect_unsuppressed victim3@example.org "not signed" "unsigned VERP"

# 4. a token of another address, pasted onto the victim's
rp=$(verp mallory@example.org 2026-01-10)
tok=${rp##*+}
tok=${tok%@*}
dsn victim4@example.org "news-bounces+victim4=example.org+$tok@lists.example.com" |
    feed 2026-01-10
expect_unsuppressed victim4@example.org "does not match" "borrowed token"

# 5. a forged Delivered-To below the one our MTA added
{
	printf 'X-Original-To: news-bounces@lists.example.com\n'
	dsn victim5@example.org "$(verp victim5@example.org 2026-01-10 | sed 's/victim5/victim5x/')"
} | feed 2026-01-10
expect_unsuppressed victim5@example.org "no VERP return path" "forged Delivered-To below ours"

# 6. a token older than its validity (61 days)
dsn victim6@example.org "$(verp victim6@example.org 2026-01-01)" | feed 2026-03-03
expect_unsuppressed victim6@example.org "expired" "expired token"

# 7. a token of the retired key, after its last day
rp=$(verp victim7@example.org 2026-03-20 "$OLD") # before feed reads $CONF
dsn victim7@example.org "$rp" | feed 2026-04-01
expect_unsuppressed victim7@example.org "retired" "retired key"

# 8. a forged complaint: not suppressed on every list
arf victim8@example.org | feed 2026-01-10
expect_unsuppressed victim8@example.org "no VERP return path" "forged ARF"

# 9. the 5,000-recipient report: none suppressed at once
{
	printf 'From: MAILER-DAEMON@mx.example.net\nTo: news-bounces@lists.example.com\n'
	printf 'Subject: failure\nMessage-ID: <many-%s@x>\nMIME-Version: 1.0\n' "$$"
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
	printf -- '--B\nContent-Type: text/plain\n\nfailed\n\n--B\nContent-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; mx.example.net\n\n'
	i=0
	while [ $i -lt 5000 ]; do
		printf 'Final-Recipient: rfc822; many%d@example.org\nAction: failed\nStatus: 5.1.1\n\n' $i
		i=$((i + 1))
	done
	printf -- '--B--\n'
} | REBOUND_TEST_TODAY=2026-01-10 "$BIN" run --stdin --config "$CONF" \
    --list news >/dev/null 2>"$TMP/err"
[ $? -eq 65 ] || fail "5,000-recipient report: not exit 65 (quarantined)"
[ "$(sql "SELECT count(*) FROM suppressions WHERE address LIKE 'many%'")" -eq 0 ] ||
    fail "5,000-recipient report: suppressions at once"
# ... and it is held: quarantined for a person, nothing applied
grep -q "names 5000 recipients of list news, more than max_recipients_per_report" "$TMP/err" ||
    fail "5,000-recipient report: no warning: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events WHERE address LIKE 'many%'")" -eq 0 ] ||
    fail "5,000-recipient report: events applied"
[ "$(sql "SELECT outcome FROM messages WHERE message_id = 'many-$$@x'")" = quarantined ] ||
    fail "5,000-recipient report: not quarantined"

# genuine reports act at once: signed now, by the retired key within its
# time, an upper-cased return path, a complaint to a signed return path
dsn alice@example.org "$(verp alice@example.org 2026-01-10)" | feed 2026-01-10
[ "$(suppressed alice@example.org)" -eq 1 ] || fail "signed VERP: not suppressed"
[ "$(proof alice@example.org)" = verp ] || fail "signed VERP: proof $(proof alice@example.org)"
[ "$(sql "SELECT proof FROM suppressions WHERE address = 'alice@example.org'")" = verp ] ||
    fail "signed VERP: the suppression does not say its proof"
rp=$(verp bob@example.org 2026-03-20 "$OLD")
dsn bob@example.org "$rp" | feed 2026-03-30
[ "$(suppressed bob@example.org)" -eq 1 ] || fail "rotated key: not suppressed"
dsn carol@example.org "$(verp carol@example.org 2026-02-01 | tr a-z A-Z)" | feed 2026-02-20
[ "$(suppressed carol@example.org)" -eq 1 ] || fail "upper-cased return path: not suppressed"
arf dave@example.org "$(verp dave@example.org 2026-01-10)" | feed 2026-01-11
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'dave@example.org' AND list_id IS NULL AND ended_at IS NULL")" -eq 1 ] ||
    fail "signed complaint: not suppressed on every list"

# the list: a signed return path names it, over the mailbox's (feed gives
# --list news)
rp=$("$BIN" verp --config "$CONF" --list announce --date 2026-01-10 gina@example.org)
dsn gina@example.org "$rp" | feed 2026-01-10
[ "$(sql "SELECT l.name FROM suppressions x JOIN lists l ON l.id = x.list_id WHERE x.address = 'gina@example.org'")" = announce ] ||
    fail "a signed return path does not name its list"

# the attacker's List-Id: with lists = configured, an unknown list is no
# list (no row created), and without a list nothing unproven counts
{
	cat "$CONF"
	printf 'lists = configured\n\n[list news]\nsoft_threshold = 5\n'
} >"$TMP/lists.conf"
{
	dsn victim9@example.org | sed '/^--B--$/d'
	printf -- '--B\nContent-Type: text/rfc822-headers\n\n'
	printf 'From: news@lists.example.com\nTo: victim9@example.org\n'
	printf 'List-Id: <evil.attacker.example>\nSubject: x\n\n--B--\n'
} | REBOUND_TEST_TODAY=2026-01-10 "$BIN" run --stdin --config "$TMP/lists.conf" \
    >/dev/null 2>"$TMP/err" || fail "lists = configured: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM lists WHERE name LIKE '%attacker%'")" -eq 0 ] ||
    fail "an attacker's List-Id created a list"
[ "$(sql "SELECT count(*) FROM events WHERE address = 'victim9@example.org' AND list IS NULL")" -eq 1 ] ||
    fail "the attacker's List-Id: no event under no list"
[ "$(sql "SELECT state || ' ' || score FROM subscribers WHERE address = 'victim9@example.org'")" = "active 0" ] ||
    fail "no list and no proof: counted"
[ "$(suppressed victim9@example.org)" -eq 0 ] || fail "no list and no proof: suppressed"

# a per-subscriber secret in the returned original (listmonk's
# X-Listmonk-Subscriber UUID), checked by the list's members_query in the
# database: a match is proof; a real member without it counts as soft; a
# non-member is recorded and nothing else, however often
sql "CREATE TABLE lm_subscribers (email text, uuid uuid);
     INSERT INTO lm_subscribers VALUES
       ('hana@example.org', 'a1b2c3d4-0000-4000-8000-000000000001'),
       ('ivo@example.org', 'a1b2c3d4-0000-4000-8000-000000000002'),
       ('jan@example.org', 'a1b2c3d4-0000-4000-8000-000000000003')"
cat >"$TMP/lm.conf" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
proof_header = X-Listmonk-Subscriber

[list lm]
members_query = SELECT 1 FROM lm_subscribers WHERE lower(email) = lower(\$1) AND (\$3 IS NULL OR uuid::text = \$3)
CONF
# lm ADDRESS [UUID] DAY - a DSN with the returned original's headers
lm() {
	{
		dsn "$1" | sed '/^--B--$/d'
		printf -- '--B\nContent-Type: text/rfc822-headers\n\n'
		printf 'From: news@lists.example.com\nTo: %s\n' "$1"
		[ -n "$2" ] && printf 'X-Listmonk-Subscriber: %s\n' "$2"
		printf 'Subject: x\n\n--B--\n'
	} | REBOUND_TEST_TODAY=$3 "$BIN" run --stdin --config "$TMP/lm.conf" \
	    --list lm >/dev/null 2>"$TMP/err" || fail "lm $1: $(cat "$TMP/err")"
}
lm hana@example.org a1b2c3d4-0000-4000-8000-000000000001 2026-01-10
[ "$(suppressed hana@example.org)" -eq 1 ] && [ "$(proof hana@example.org)" = secret ] ||
    fail "listmonk UUID: not suppressed with proof secret ($(proof hana@example.org))"
lm ivo@example.org a1b2c3d4-0000-4000-8000-000000000099 2026-01-10
expect_unsuppressed ivo@example.org "does not match" "a wrong UUID"
[ "$(sql "SELECT state || ' ' || score FROM subscribers WHERE address = 'ivo@example.org'")" = "bouncing 1" ] ||
    fail "a real member without the secret: not counted as soft"
lm jan@example.org "" 2026-01-10
expect_unsuppressed jan@example.org "no VERP return path" "a member, no secret"
for day in 2026-01-10 2026-01-11 2026-01-12 2026-01-13 2026-01-14 2026-01-15 2026-01-16; do
	lm stranger@example.org "" "$day"	# the trickle: once a day, a week
done
expect_unsuppressed stranger@example.org "no member" "the trickle on a non-member"
[ "$(sql "SELECT state || ' ' || score FROM subscribers WHERE address = 'stranger@example.org'")" = "active 0" ] ||
    fail "the trickle on a non-member: counted"

# a complaint from a trusted feedback loop: the operator's MTA's own
# Authentication-Results (authserv_id), above its Received:, says DKIM
# passed for the feedback loop's domain; one written by the sender below
# it, or by another authserv-id, proves nothing
cat >"$TMP/fbl.conf" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

[parse]
authserv_id = mx.lists.example.com

[policy]
complaint_senders = fbl.example.net
CONF
# fbl ADDRESS TOP BELOW - a complaint with header lines TOP above our
# Received: and BELOW under it
fbl() {
	{
		printf '%b' "$2"
		printf 'Received: from mta.fbl.example.net by mx.lists.example.com; Mon, 12 Jan 2026 10:00:00 +0000\n'
		printf '%b' "$3"
		arf "$1"
	} | REBOUND_TEST_TODAY=2026-01-12 "$BIN" run --stdin --config "$TMP/fbl.conf" \
	    --list news >/dev/null 2>"$TMP/err" || fail "fbl $1: $(cat "$TMP/err")"
}
AR='Authentication-Results: mx.lists.example.com; dkim=pass header.d=fbl.example.net header.s=s1; spf=pass\n'
fbl kim@example.org "$AR" ""
[ "$(sql "SELECT count(*) FROM suppressions WHERE address = 'kim@example.org' AND list_id IS NULL AND proof = 'feed'")" -eq 1 ] ||
    fail "a trusted feedback loop's complaint: not suppressed on every list with proof feed"
fbl victim10@example.org "" "$AR"
expect_unsuppressed victim10@example.org "no VERP return path" "Authentication-Results below our Received:"
fbl victim11@example.org "$(printf '%s' "$AR" | sed 's/mx.lists.example.com;/mx.attacker.example;/')" ""
expect_unsuppressed victim11@example.org "no VERP return path" "another authserv-id"
fbl victim12@example.org 'Authentication-Results: mx.lists.example.com; dkim=fail header.d=fbl.example.net\n' ""
expect_unsuppressed victim12@example.org "no VERP return path" "DKIM failed"

# Apple Mail's unsubscribe: proof when the subscriber's own domain signed
# it (DKIM checked by our MTA); a forged From: is not
apple() {
	{
		printf '%b' "$2"
		printf 'Received: from mail.example.org by mx.lists.example.com; Mon, 12 Jan 2026 10:00:00 +0000\n'
		printf 'From: %s\nTo: news-unsubscribe@lists.example.com\n' "$1"
		printf 'Subject: Unsubscribe\nX-Apple-Unsubscribe: true\n'
		printf 'Message-ID: <apple-%s-%s@x>\n\nunsubscribe\n' "$1" "$$"
	} | REBOUND_TEST_TODAY=2026-01-12 "$BIN" run --stdin --config "$TMP/fbl.conf" \
	    --list news >/dev/null 2>"$TMP/err" || fail "apple $1: $(cat "$TMP/err")"
}
apple lee@example.org 'Authentication-Results: mx.lists.example.com; dkim=pass header.d=example.org\n'
[ "$(sql "SELECT proof FROM suppressions WHERE address = 'lee@example.org'")" = feed ] ||
    fail "Apple unsubscribe signed by the subscriber's domain: not suppressed with proof feed"
apple victim13@example.org ""
expect_unsuppressed victim13@example.org "no VERP return path" "a forged Apple unsubscribe"

# a forged SES notification (JSON): no proof
feed 2026-01-10 <"$TESTS/golden/json-ses-bounce.eml"
expect_unsuppressed yusuf@example.net "no VERP return path" "forged SES JSON"

# a bounce the list's own outbound MTA wrote: our MX's Received: (the
# topmost) says that MTA handed it over; a Received: a sender wrote below
# ours proves nothing
{
	cat "$CONF"
	printf 'own_mta_hosts = 192.0.2.5, relay.lists.example.com\n'
} >"$TMP/own.conf"
own() {
	{
		printf '%b' "$2"
		dsn "$1"
	} | REBOUND_TEST_TODAY=2026-01-12 "$BIN" run --stdin --config "$TMP/own.conf" \
	    --list news >/dev/null 2>"$TMP/err" || fail "own $1: $(cat "$TMP/err")"
}
own mia@example.org 'Received: from helo.example (relay.lists.example.com [192.0.2.5]) by mx.lists.example.com; Mon, 12 Jan 2026 10:00:00 +0000\n'
[ "$(proof mia@example.org)" = own-mta ] && [ "$(suppressed mia@example.org)" -eq 1 ] ||
    fail "a bounce from our own MTA: proof $(proof mia@example.org)"
own victim14@example.org 'Received: from relay.lists.example.com (attacker.example [198.51.100.9]) by mx.lists.example.com; Mon, 12 Jan 2026 10:00:00 +0000\nReceived: from x (relay.lists.example.com [192.0.2.5]) by y\n'
expect_unsuppressed victim14@example.org "no VERP return path" "our MTA's name as HELO, and a Received: below ours"

# however good the proof, a list's suppressions are capped over a window
# kept in the database: past max_suppressions a batch is held (nothing of
# it applied, exit 69, a message that says what to do) until a person
# runs rebound run --release
{
	cat "$CONF"
	printf 'max_suppressions = 3\n'
} >"$TMP/cap.conf"
for who in cap1 cap2 cap3 cap4; do
	rp=$("$BIN" verp --config "$CONF" --list capped --date 2026-01-10 "$who@example.org")
	dsn "$who@example.org" "$rp" |
	    REBOUND_TEST_TODAY=2026-01-10 "$BIN" run --stdin --config "$TMP/cap.conf" \
	    >/dev/null 2>"$TMP/err"
	rc=$?
done
[ "$rc" -eq 69 ] || fail "over max_suppressions: exit $rc, expected 69: $(cat "$TMP/err")"
grep -q "list capped: 4 suppressions in 1 day with this batch, more than max_suppressions (3): held" "$TMP/err" ||
    fail "over max_suppressions: $(cat "$TMP/err")"
[ "$(suppressed cap3@example.org)" -eq 1 ] && [ "$(suppressed cap4@example.org)" -eq 0 ] ||
    fail "over max_suppressions: the fourth applied, or the third not"
[ "$(sql "SELECT count(*) FROM events WHERE address = 'cap4@example.org'")" -eq 0 ] ||
    fail "over max_suppressions: the held batch recorded events"
[ "$(sql "SELECT list || ' ' || suppressions || ' ' || cap FROM holds WHERE released_at IS NULL")" = "capped 4 3" ] ||
    fail "over max_suppressions: the hold is not recorded"
"$BIN" status --config "$TMP/cap.conf" 2>&1 | grep -q "held batches" ||
    fail "rebound status does not show the hold"
dsn cap4@example.org "$rp" |
    REBOUND_TEST_TODAY=2026-01-10 "$BIN" run --stdin --release --config "$TMP/cap.conf" \
    >/dev/null 2>"$TMP/err" || fail "--release: $(cat "$TMP/err")"
[ "$(suppressed cap4@example.org)" -eq 1 ] || fail "--release did not apply the held suppression"
[ "$(sql "SELECT count(*) FROM holds WHERE released_at IS NULL")" -eq 0 ] ||
    fail "--release: the hold is not marked released"

# unproven = record: counted nowhere; unproven = act: today's behaviour,
# with a warning on every run
conf record
dsn erin@example.org | feed 2026-01-10
[ "$(sql "SELECT state || ' ' || score FROM subscribers WHERE address = 'erin@example.org'")" = "active 0" ] ||
    fail "unproven = record: counted"
conf act
dsn frank@example.org | feed 2026-01-10
[ "$(suppressed frank@example.org)" -eq 1 ] || fail "unproven = act: not suppressed"
grep -q "unproven = act" "$TMP/err" || fail "unproven = act: no warning"
conf maybe
REBOUND_TEST_TODAY=2026-01-10 "$BIN" run --stdin --config "$CONF" --list news \
    </dev/null >/dev/null 2>"$TMP/err"
[ $? -eq 78 ] || fail "unproven = maybe: not a configuration error"

# the key file must be the operator's alone
conf soft
chmod 644 "$KEYS"
"$BIN" verp --config "$CONF" --list news a@example.org >/dev/null 2>"$TMP/err"
[ $? -eq 78 ] && grep -q "chmod 600" "$TMP/err" || fail "a readable key file accepted"
chmod 600 "$KEYS"

finish trust
