#!/bin/sh
# notify.sh - the outbox and its connectors (issue 17): decisions reach
# the list manager after COMMIT, signed, in order per address, retried
# after a 500 or while the receiver is down, delivered again (same key)
# after a crash between delivery and its record, so that the receiver's
# state is set once; the exec connector's exit status decides.  Real
# PostgreSQL and a local HTTP server (tests/servers/webhook.py).
#
# usage: tests/notify.sh REBOUND TESTS_DIR
set -u
BIN=$1
TESTS=$2
. "$TESTS/lib.sh"
start_servers
HTTP_PORT=${REBOUND_HTTP_PORT:-18080}
W=$TMP/web
mkdir -p "$W" "$TMP/exec"
SECRET=test-secret-0123456789abcdef
printf '%s\n' "$SECRET" >"$TMP/secret"
chmod 600 "$TMP/secret"
HTTP_PID=
web_start() {
	rm -f "$W/port"
	python3 "$TESTS/servers/webhook.py" "$HTTP_PORT" "$W" "$SECRET" &
	HTTP_PID=$!
	for i in $(seq 50); do [ -f "$W/port" ] && return; sleep 0.1; done
	fail "the HTTP server did not start"
}
web_stop() {
	[ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null && wait "$HTTP_PID" 2>/dev/null
	HTTP_PID=
}
trap 'web_stop; "$PG" stop "$S" 2>/dev/null; rm -rf "$TMP"' EXIT
web_start

# the exec connector's program: records its arguments and input, exits
# with the first line of exec-plan (0 when empty)
cat >"$TMP/hook.sh" <<'HOOK'
#!/bin/sh
d=$(dirname "$0")/exec
n=$(ls "$d" | wc -l)
printf '%s\n' "$@" >"$d/$n.args"
cat >"$d/$n.json"
code=$(head -n 1 "$d/../exec-plan" 2>/dev/null)
sed -i 1d "$d/../exec-plan" 2>/dev/null
echo "hook says $code" >&2
exit "${code:-0}"
HOOK
chmod 755 "$TMP/hook.sh"

CONF=$TMP/rebound.conf
cat >"$CONF" <<CONF
[database]
conninfo = host=$S port=$PORT dbname=rebound user=postgres
schema = rebound

# these bounces carry no proof (tests/trust.sh tests proof): act on them
[policy]
unproven = act

[list news]
aliases = news@lists.example.com

[notify web]
type = http
url = http://127.0.0.1:$HTTP_PORT/rebound
secret_file = $TMP/secret

[notify script]
type = exec
command = $TMP/hook.sh --flag "two words"
events = suppress
CONF
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"

sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}
due_now() { # the test's clock: every waiting notification is due
	sql "UPDATE rebound.outbox SET next_at = now() WHERE delivered_at IS NULL"
}
received() { # received ADDRESS EVENT - requests for it, in order: status/dup
	python3 - "$W/received.jsonl" "$1" "$2" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    b = e["body"]
    if b["address"] == sys.argv[2] and b["event"] == sys.argv[3]:
        out.append("%d%s%s" % (e["status"], "" if e["signature_ok"] else "/badsig",
                               "/dup" if e["duplicate"] else ""))
print(" ".join(out))
PY
}
state() { # state ADDRESS - what the receiver set for ADDRESS on news
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2] + " news", "-"))' \
	    "$W/state.json" "$1" 2>/dev/null || echo -
}

# dsn ADDRESS - a hard bounce for ADDRESS of list news
dsn() {
	dsn_msg "$1" 5.1.1 "550 5.1.1 user unknown" "" \
	    "From: news@lists.example.com\nTo: $1\nList-Id: <news.lists.example.com>"
}
feed() {
	"$BIN" run --stdin --config "$CONF" >/dev/null 2>"$TMP/err" ||
	    fail "run: $(cat "$TMP/err")"
}

# 1. a 500, then success: one notification, delivered on the retry; the
# exec connector took it at once, with its argv intact
echo 500 >"$W/plan"
dsn alice@example.org | feed
grep -q "web.*alice@example.org.*HTTP 500.*tried again in 60 s" "$TMP/err" ||
    fail "no warning for the 500: $(cat "$TMP/err")"
[ "$(sql "SELECT connector || ':' || (delivered_at IS NOT NULL) || ':' || attempts FROM rebound.outbox WHERE address = 'alice@example.org' ORDER BY connector")" = "script:true:1
web:false:1" ] || fail "outbox after a 500: $(sql "SELECT connector, delivered_at, attempts, last_error FROM rebound.outbox")"
"$BIN" status --config "$CONF" | grep -q "^  web  *1 " ||
    fail "status shows no pending notification: $("$BIN" status --config "$CONF")"
due_now
"$BIN" deliver --config "$CONF" >"$TMP/out" 2>&1 || fail "deliver: $(cat "$TMP/out")"
[ "$(received alice@example.org suppress)" = "500 200" ] ||
    fail "alice's requests: $(received alice@example.org suppress)"
[ "$(state alice@example.org)" = suppressed ] || fail "receiver's state of alice: $(state alice@example.org)"
"$BIN" deliver --config "$CONF" >"$TMP/out" 2>&1 || fail "a second deliver: $(cat "$TMP/out")"
grep -q "^0 delivered, 0 waiting, 0 refused" "$TMP/out" || fail "second deliver: $(cat "$TMP/out")"
[ "$(sed -n 2p "$TMP/exec/0.args")" = "two words" ] || fail "exec argv: $(cat "$TMP/exec/0.args")"
python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); assert b["schema"] == "rebound-notification/1" and b["event"] == "suppress" and b["state"] == "suppressed" and b["list"] == "news" and b["address"] == "alice@example.org" and b["cause"] == "hard" and b["reason"] == "userunknown", b' \
    "$TMP/exec/0.json" || fail "exec's JSON: $(cat "$TMP/exec/0.json")"

# 2. in order per address: the unsuppress comes after the suppress
"$BIN" unsuppress --config "$CONF" --list news alice@example.org >/dev/null 2>&1 ||
    fail "unsuppress alice"
[ "$(received alice@example.org unsuppress)" = 200 ] ||
    fail "unsuppress of alice: $(received alice@example.org unsuppress)"
[ "$(state alice@example.org)" = active ] || fail "alice not active at the receiver"
ls "$TMP/exec" | grep -q "^1.json" && fail "exec got an unsuppress it did not ask for"

# 3. killed after COMMIT while the receiver handles the request: the
# notification is still pending, delivered again with the same key; the
# receiver's state is set once
echo "200 5" >"$W/plan"
dsn bob@example.org >"$TMP/bob.eml"
"$BIN" run --stdin --config "$CONF" <"$TMP/bob.eml" >/dev/null 2>&1 &
RUN=$!
for i in $(seq 100); do
	grep -q bob@example.org "$W/received.jsonl" 2>/dev/null && break
	sleep 0.1
done
kill -9 "$RUN" 2>/dev/null
wait "$RUN" 2>/dev/null
[ "$(sql "SELECT count(*) FROM rebound.outbox WHERE address = 'bob@example.org' AND connector = 'web' AND delivered_at IS NULL")" -eq 1 ] ||
    fail "bob's notification is not pending after the kill"
[ "$(sql "SELECT state FROM rebound.subscribers WHERE address = 'bob@example.org'")" = suppressed ] ||
    fail "bob's suppression was not committed before the kill"
sleep 5 # the receiver finishes the first request
"$BIN" deliver --config "$CONF" >/dev/null 2>&1 || fail "deliver after the kill"
[ "$(received bob@example.org suppress)" = "200 200/dup" ] ||
    fail "bob's requests: $(received bob@example.org suppress)"
[ "$(state bob@example.org)" = suppressed ] || fail "bob at the receiver: $(state bob@example.org)"

# 4. the receiver down: the run still succeeds, says what happened, and
# the next delivery brings it
web_stop
dsn carol@example.org | feed
grep -q "nothing answers on that host and port" "$TMP/err" ||
    fail "no clear message for a receiver that is down: $(cat "$TMP/err")"
web_start
due_now
"$BIN" deliver --config "$CONF" >/dev/null 2>&1 || fail "deliver once the receiver is back"
[ "$(received carol@example.org suppress)" = 200 ] ||
    fail "carol's requests: $(received carol@example.org suppress)"

# 5. the exec program refuses (exit 3): refused for good, not retried,
# until deliver --requeue; exit 75 is retried
echo 3 >"$TMP/exec-plan"
dsn dave@example.org | feed
grep -q "script.*dave@example.org: refused for good: .*exited 3: hook says 3" "$TMP/err" ||
    fail "no message for the refusal: $(cat "$TMP/err")"
"$BIN" deliver --config "$CONF" >"$TMP/out" 2>&1
grep -q "0 delivered, 0 waiting, 0 refused" "$TMP/out" || fail "a refused one was tried again: $(cat "$TMP/out")"
echo 75 >"$TMP/exec-plan"
"$BIN" deliver --config "$CONF" --requeue >"$TMP/out" 2>&1
[ $? -eq 75 ] || fail "deliver with one waiting did not exit 75"
grep -q "1 refused notification due again" "$TMP/out" || fail "requeue: $(cat "$TMP/out")"
due_now
"$BIN" deliver --config "$CONF" >"$TMP/out" 2>&1 || fail "deliver after 75: $(cat "$TMP/out")"
[ "$(sql "SELECT attempts || ':' || (delivered_at IS NOT NULL) FROM rebound.outbox WHERE address = 'dave@example.org' AND connector = 'script'")" = "3:true" ] ||
    fail "dave's exec notification: $(sql "SELECT attempts, delivered_at, last_error FROM rebound.outbox WHERE address = 'dave@example.org'")"

# 6. a wrong secret: the receiver refuses (401), and the message says to
# check the secret
printf 'another-secret-0123456789\n' >"$TMP/secret"
dsn erin@example.org | feed
grep -q "web.*erin@example.org: refused for good: .*HTTP 401.*check the secret" "$TMP/err" ||
    fail "no clear message for a refused signature: $(cat "$TMP/err")"
[ "$(received erin@example.org suppress)" = "401/badsig" ] ||
    fail "erin's requests: $(received erin@example.org suppress)"

finish notify
