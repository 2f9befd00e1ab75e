#!/bin/sh
# mailman.sh - the mailman3 connector against a real Mailman 3 core
# (tests/servers/mailman.sh, Debian's mailman3) and PostgreSQL: a hard
# bounce stops delivery to the member on its list (by_bounces), a
# complaint on every list, an unsuppress starts it again, a member's own
# by_user is left alone, action = unsubscribe removes the member, and a
# list whose own bounce processing is still on is warned of.
#
# usage: tests/mailman.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
MM=$TESTS/servers/mailman.sh
M=$TMP/mm
MPORT=${REBOUND_MAILMAN_PORT:-18001}
trap '"$MM" stop "$M" 2>/dev/null; "$PG" stop "$S" 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir -p "$M"
"$MM" start "$M" news@lists.example.com digest@lists.example.com
rc=$?
[ "$rc" -eq 77 ] && { echo "mailman: skipped (mailman3 missing)"; exit 77; }
[ "$rc" -eq 0 ] || { fail "Mailman did not start"; finish mailman; }
REST=http://127.0.0.1:$MPORT/3.1

rest() { # rest METHOD PATH [curl -d ARGS...] - Mailman's REST API
	m=$1
	p=$2
	shift 2
	curl -s -u restadmin:restpass -X "$m" "$REST/$p" "$@"
}
member() { # member ADDRESS LIST - POST a member, pre-confirmed
	rest POST members -d list_id="$2.lists.example.com" -d subscriber="$1" \
	    -d pre_verified=true -d pre_confirmed=true -d pre_approved=true >/dev/null
}
status() { # status ADDRESS LIST - the member's delivery_status, or "none"
	id=$(rest GET "members/find?subscriber=$1&list_id=$2.lists.example.com" |
	    python3 -c 'import json, sys; e = json.load(sys.stdin).get("entries", []); print(e[0]["member_id"] if e else "")')
	if [ -z "$id" ]; then echo none; return; fi
	rest GET "members/$id/preferences" |
	    python3 -c 'import json, sys; print(json.load(sys.stdin).get("delivery_status", "enabled"))'
}
for a in alice bob carol dave erin; do member "$a@example.org" news; done
member carol@example.org digest
# dave stopped his own delivery; news is driven by rebound, digest not yet
id=$(rest GET "members/find?subscriber=dave@example.org" | python3 -c 'import json, sys; print(json.load(sys.stdin)["entries"][0]["member_id"])')
rest PATCH "members/$id/preferences" -d delivery_status=by_user >/dev/null
rest PATCH lists/news.lists.example.com/config -d process_bounces=false >/dev/null
[ "$(status dave@example.org news)" = by_user ] || fail "setup: dave is $(status dave@example.org news)"

CONF=$TMP/rebound.conf
conf() { # conf ACTION - the configuration, with the connector's action
	cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres

# these bounces carry no proof (tests/trust.sh tests proof): act on them
[policy]
unproven = act

[list news]
aliases = news@lists.example.com
[list digest]
aliases = digest@lists.example.com

[notify mailman]
type = mailman3
url = http://127.0.0.1:$MPORT
user = restadmin
password_file = $M/rest.pass
action = $1
CONF
}
conf disable
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"

# dsn ADDRESS - a hard bounce for ADDRESS on news (its List-Id)
dsn() {
	dsn_msg "$1" 5.1.1 "550 5.1.1 user unknown" "" \
	    "From: news@lists.example.com\nTo: $1\nList-Id: News <news.lists.example.com>"
}
# arf ADDRESS - a complaint (global: every list)
arf() {
	arf_msg "$1"
}
feed() {
	"$BIN" run --stdin --config "$CONF" >/dev/null 2>"$TMP/err" ||
	    fail "run: $(cat "$TMP/err")"
}

# a hard bounce on news: delivery stopped there, nothing said of news's
# bounce processing (it is off)
dsn alice@example.org | feed
[ "$(status alice@example.org news)" = by_bounces ] ||
    fail "alice on news: $(status alice@example.org news)"
[ "$(status bob@example.org news)" = enabled ] || fail "bob touched"
grep -q "process_bounces" "$TMP/err" && fail "warned of news's bounce processing: $(cat "$TMP/err")"

# a complaint: every list carol is on; digest still processes bounces
arf carol@example.org | feed
[ "$(status carol@example.org news)" = by_bounces ] || fail "carol on news: $(status carol@example.org news)"
[ "$(status carol@example.org digest)" = by_bounces ] || fail "carol on digest: $(status carol@example.org digest)"

# digest: named when a suppression concerns it
dsn bob@example.org | sed 's/news.lists.example.com/digest.lists.example.com/' | feed
grep -q "Mailman processes bounces of digest.lists.example.com too (process_bounces): set it to false" "$TMP/err" ||
    fail "no warning for digest's bounce processing: $(cat "$TMP/err")"

# dave chose by_user: a suppression and its undoing leave it so
dsn dave@example.org | feed
"$BIN" unsuppress --config "$CONF" --list news dave@example.org >/dev/null 2>&1 || fail "unsuppress dave"
[ "$(status dave@example.org news)" = by_user ] || fail "dave: $(status dave@example.org news)"

# unsuppress: delivery on again where bounces stopped it
"$BIN" unsuppress --config "$CONF" --list news alice@example.org >/dev/null 2>&1 || fail "unsuppress alice"
[ "$(status alice@example.org news)" = enabled ] || fail "alice after unsuppress: $(status alice@example.org news)"

# no such member: said, nothing changed, nothing left pending
dsn frank@example.org | feed
grep -q "Mailman has no member frank@example.org on news.lists.example.com" "$TMP/err" ||
    fail "no warning for an unknown member: $(cat "$TMP/err")"

# action = unsubscribe: erin leaves news
conf unsubscribe
dsn erin@example.org | feed
[ "$(status erin@example.org news)" = none ] || fail "erin still a member: $(status erin@example.org news)"
[ "$(psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")" -eq 0 ] ||
    fail "notifications left pending"

finish mailman
