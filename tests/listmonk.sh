#!/bin/sh
# listmonk.sh - rebound beside listmonk in one database (issue 17): its
# tables in [database] schema = rebound while listmonk's lists and
# subscribers sit in public; etc/listmonk.conf.example's hooks, run as a
# role with only the grants that file documents, change listmonk's rows
# (bounces, subscriber_lists, subscribers) and an unsuppress undoes what
# rebound did and nothing else.  Real PostgreSQL.  listmonk's tables are
# made here from the columns its documentation gives.
#
# usage: tests/listmonk.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
EXAMPLE=$TESTS/../etc/listmonk.conf.example
CONF=$TMP/rebound.conf

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -v ON_ERROR_STOP=1 -Atqc "$1"
}

# listmonk's tables (the columns rebound's preset uses, and their types)
sql "
CREATE TYPE subscriber_status AS ENUM ('enabled', 'disabled', 'blocklisted');
CREATE TYPE subscription_status AS ENUM ('unconfirmed', 'confirmed', 'unsubscribed');
CREATE TYPE bounce_type AS ENUM ('soft', 'hard', 'complaint');
CREATE TABLE subscribers (id SERIAL PRIMARY KEY, uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  email TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '', attribs JSONB NOT NULL DEFAULT '{}',
  status subscriber_status NOT NULL DEFAULT 'enabled',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE lists (id SERIAL PRIMARY KEY, uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE subscriber_lists (subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
  list_id INTEGER NOT NULL REFERENCES lists (id), meta JSONB NOT NULL DEFAULT '{}',
  status subscription_status NOT NULL DEFAULT 'unconfirmed',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (subscriber_id, list_id));
CREATE TABLE campaigns (id SERIAL PRIMARY KEY, uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  name TEXT NOT NULL);
CREATE TABLE bounces (id SERIAL PRIMARY KEY, subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
  campaign_id INTEGER REFERENCES campaigns (id), type bounce_type NOT NULL DEFAULT 'hard',
  source TEXT NOT NULL DEFAULT '', meta JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now());
INSERT INTO lists (name) VALUES ('news'), ('other');
INSERT INTO campaigns (name) VALUES ('December issue');
INSERT INTO subscribers (email) VALUES ('alice@example.org'), ('bob@example.org'),
  ('carol@example.org'), ('dave@example.org');
INSERT INTO subscriber_lists (subscriber_id, list_id, status)
  SELECT s.id, l.id, 'confirmed' FROM subscribers s, lists l;
UPDATE subscriber_lists SET status = 'unsubscribed' WHERE list_id = 2 AND
  subscriber_id = (SELECT id FROM subscribers WHERE email = 'carol@example.org');
" >/dev/null || fail "listmonk's tables"

# the role, with exactly the grants the example documents; named unlike
# the schema, so that the default search_path ("$user", public) cannot
# find rebound's tables for it
sql "CREATE ROLE bouncer LOGIN" || fail "role"
sed -n 's/^#   \(CREATE SCHEMA\|GRANT\)/\1/p' "$EXAMPLE" |
    sed 's/\(TO\|AUTHORIZATION\) rebound;/\1 bouncer;/' >"$TMP/grants.sql"
[ "$(wc -l <"$TMP/grants.sql")" -ge 5 ] || fail "the example's grants: $(cat "$TMP/grants.sql")"
psql -h "$S" -p "$PORT" -U postgres -d rebound -v ON_ERROR_STOP=1 -q \
    -f "$TMP/grants.sql" || fail "the example's grants do not apply"

uuid() { # uuid EMAIL - the subscriber's UUID
	sql "SELECT uuid FROM subscribers WHERE email = '$1'"
}
CAMPAIGN=$(sql "SELECT uuid FROM campaigns")

# the example, with this test's database and no mailbox
sed -e "s|^conninfo = .*|conninfo = host=$S port=$PORT dbname=rebound user=bouncer|" \
    -e '/^\[mailbox /,$d' -e 's/^mailboxes = .*//' "$EXAMPLE" >"$CONF"

# without a schema of its own, migrating into listmonk's database fails
# and says what to do
sed -e 's/^schema = rebound$//' -e 's/user=bouncer/user=postgres/' "$CONF" >"$TMP/noschema.conf"
"$BIN" db migrate --config "$TMP/noschema.conf" >"$TMP/out" 2>&1 &&
    fail "migrate beside listmonk without a schema succeeded"
grep -q "schema = rebound" "$TMP/out" || fail "no hint: $(cat "$TMP/out")"

"$BIN" db migrate --config "$CONF" >"$TMP/out" 2>&1 ||
    fail "migrate with schema = rebound: $(cat "$TMP/out")"
[ "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'rebound' AND tablename IN ('lists', 'subscribers', 'events', 'suppressions')")" -eq 4 ] ||
    fail "rebound's tables are not in schema rebound"
[ "$(sql "SELECT count(*) FROM public.lists")" -eq 2 ] || fail "listmonk's lists changed"
"$BIN" db migrate --config "$CONF" >"$TMP/out" 2>&1 ||
    fail "a second migrate: $(cat "$TMP/out")"
grep -q "0 migrations applied" "$TMP/out" || fail "second migrate: $(cat "$TMP/out")"

# dsn ADDRESS STATUS [UUID] - a DSN whose returned original carries
# listmonk's headers (UUID: the subscriber's, or a guess)
dsn() {
	dsn_msg "$1" "$2" "$([ "${2%%.*}" = 5 ] && echo '550 5.1.1 user unknown' || echo '452 4.2.2 mailbox full')" "" \
	    "From: news@lists.example.com\nTo: $1\nList-Id: <news@lists.example.com>\nX-Listmonk-Campaign: $CAMPAIGN${3:+\nX-Listmonk-Subscriber: $3}"
}

# arf ADDRESS UUID - a complaint about the issue sent to ADDRESS
arf() {
	arf_msg "$1" "From: news@lists.example.com\nTo: $1\nList-Id: <news@lists.example.com>\nX-Listmonk-Campaign: $CAMPAIGN\nX-Listmonk-Subscriber: $2"
}

feed() { # feed DAY - store standard input's message on DAY
	REBOUND_TEST_TODAY=$1 "$BIN" run --stdin --config "$CONF" \
	    >/dev/null 2>"$TMP/err" || fail "run on $1: $(cat "$TMP/err")"
}

membership() { # membership EMAIL LIST - listmonk's subscription status
	sql "SELECT sl.status FROM subscriber_lists sl JOIN subscribers s ON s.id = sl.subscriber_id JOIN lists l ON l.id = sl.list_id WHERE s.email = '$1' AND l.name = '$2'"
}
bounces() { # bounces EMAIL - listmonk's bounce rows: type/campaign name
	sql "SELECT string_agg(b.type || '/' || coalesce(c.name, '-'), ',' ORDER BY b.id) FROM bounces b JOIN subscribers s ON s.id = b.subscriber_id LEFT JOIN campaigns c ON c.id = b.campaign_id WHERE s.email = '$1'"
}

# alice: a hard bounce naming her UUID (proof): unsubscribed from news
# only, one hard bounce recorded against the campaign
dsn alice@example.org 5.1.1 "$(uuid alice@example.org)" | feed 2026-03-01
[ "$(membership alice@example.org news)" = unsubscribed ] ||
    fail "alice on news: $(membership alice@example.org news)"
[ "$(membership alice@example.org other)" = confirmed ] ||
    fail "alice on other: $(membership alice@example.org other)"
[ "$(bounces alice@example.org)" = "hard/December issue" ] ||
    fail "alice's bounces: $(bounces alice@example.org)"
[ "$(sql "SELECT state FROM rebound.subscribers WHERE address = 'alice@example.org'")" = suppressed ] ||
    fail "alice not suppressed in rebound's schema"

# bob: a soft bounce: one soft bounce row, still subscribed
dsn bob@example.org 4.2.2 "$(uuid bob@example.org)" | feed 2026-03-01
[ "$(bounces bob@example.org)" = "soft/December issue" ] ||
    fail "bob's bounces: $(bounces bob@example.org)"
[ "$(membership bob@example.org news)" = confirmed ] || fail "bob unsubscribed"

# dave: a forged hard bounce, a wrong UUID: listmonk's rows untouched
dsn dave@example.org 5.1.1 "$(sql "SELECT gen_random_uuid()")" | feed 2026-03-01
[ "$(membership dave@example.org news)" = confirmed ] ||
    fail "a forged bounce unsubscribed dave"
[ -z "$(bounces dave@example.org)" ] || fail "forged bounce recorded: $(bounces dave@example.org)"

# carol: a complaint naming her UUID: blocklisted, every subscription
# rebound ended marked; the one she ended herself stays hers
arf carol@example.org "$(uuid carol@example.org)" | feed 2026-03-01
[ "$(sql "SELECT status FROM subscribers WHERE email = 'carol@example.org'")" = blocklisted ] ||
    fail "carol not blocklisted"
[ "$(bounces carol@example.org)" = "complaint/December issue" ] ||
    fail "carol's bounces: $(bounces carol@example.org)"
[ "$(membership carol@example.org news)" = unsubscribed ] || fail "carol still on news"

# undo: alice on news comes back; carol is enabled again, back on news
# but not on the list she had left herself
"$BIN" unsuppress --config "$CONF" --list news alice@example.org >/dev/null 2>"$TMP/err" ||
    fail "unsuppress alice: $(cat "$TMP/err")"
[ "$(membership alice@example.org news)" = confirmed ] ||
    fail "alice not back on news: $(membership alice@example.org news)"
"$BIN" unsuppress --config "$CONF" carol@example.org >/dev/null 2>"$TMP/err" ||
    fail "unsuppress carol: $(cat "$TMP/err")"
[ "$(sql "SELECT status FROM subscribers WHERE email = 'carol@example.org'")" = enabled ] ||
    fail "carol still blocklisted"
[ "$(membership carol@example.org news)" = confirmed ] || fail "carol not back on news"
[ "$(membership carol@example.org other)" = unsubscribed ] ||
    fail "carol resubscribed to a list she had left"

# a hook that changes no row is reported: eve is no listmonk subscriber
sed -i 's/^members_query = .*//' "$CONF"
sed -i 's/^\[policy\]/[policy]\nunproven = act/' "$CONF"
dsn eve@example.org 5.1.1 | REBOUND_TEST_TODAY=2026-03-02 "$BIN" run --stdin \
    --config "$CONF" >/dev/null 2>"$TMP/err" || fail "run for eve: $(cat "$TMP/err")"
grep -q "a hook changed no row 1 time" "$TMP/err" ||
    fail "no warning for a hook that changed nothing: $(cat "$TMP/err")"

finish listmonk
