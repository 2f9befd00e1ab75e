#!/bin/sh
# report.sh - `rebound report` (issue 19) end to end: a month of bounces
# for a list, written here with the days they failed on (Last-Attempt-Date
# and Date:), read as one backlog by one `run` from a Maildir into
# PostgreSQL; then the report in JSON, checked field by field, and as
# text.  What it must show: the events on the days they failed, not the
# day of the run; the rate of a send of known size, flagged against the
# published threshold; the day one domain blocked us far more than usual
# as an incident with its reason and a sample; suppressions with masked
# addresses (whole with --show-addresses).  The clock is the test's
# (REBOUND_TEST_TODAY).
#
# The HTML page is loaded in headless Chromium (tests/browser.py); its
# screenshots (375 and 1280 px) and A4 PDF are kept in OUT.
#
# usage: tests/report.sh REBOUND TESTS_DIR [OUT]
set -u
BIN=$1
TESTS=$2
OUT=${3:-$(dirname "$BIN")/report}
. "$TESTS/lib.sh"
start_servers
export REBOUND_TEST_TODAY=2026-12-06
CONF=$TMP/rebound.conf
KEYS=$TMP/verp.keys
MD=$TMP/md
printf '1 report-test-key-0123456789\n' >"$KEYS"
chmod 600 "$KEYS"
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
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

[list news]

[mailbox backlog]
url = maildir:$MD
list = news
CONF
"$BIN" db migrate --config "$CONF" >/dev/null || fail "migrate"
sql() {
	psql -h "$S" -p "$PORT" -U postgres -d rebound -Atqc "$1"
}
"$BIN" sent --config "$CONF" --list news --id nov-issue --at 2026-11-20 \
    --count 200 >/dev/null 2>"$TMP/err" || fail "sent: $(cat "$TMP/err")"

n=0
# bounce DAY RCPT STATUS DIAGNOSTIC - a report, signed for RCPT on news,
# of a delivery that failed on DAY (10:00 UTC), naming the November issue
bounce() {
	n=$((n + 1))
	rp=$("$BIN" verp --config "$CONF" --list news --date "$1" "$2") ||
	    fail "verp $2"
	{
		printf 'Delivered-To: %s\nReturn-Path: <>\n' "$rp"
		printf 'From: MAILER-DAEMON@mx.example.net\nTo: %s\n' "$rp"
		printf 'Date: %s\n' "$(date -u -d "$1 10:05" -R)"
		printf 'Subject: Undelivered Mail Returned to Sender\n'
		printf 'Message-ID: <r%d@mx.example.net>\nMIME-Version: 1.0\n' "$n"
		printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
		printf -- '--B\nContent-Type: text/plain\n\nDelivery failed.\n\n--B\n'
		printf 'Content-Type: message/delivery-status\n\n'
		printf 'Reporting-MTA: dns; mx.example.net\n\n'
		printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n' "$2" "$3"
		printf 'Last-Attempt-Date: %s\n' "$(date -u -d "$1 10:00" -R)"
		printf 'Diagnostic-Code: smtp; %s\n\n--B\n' "$4"
		printf 'Content-Type: text/rfc822-headers\n\nFrom: news@lists.example.com\n'
		printf 'To: %s\nMessage-ID: <nov-%d@lists.example.com>\nX-Campaign: nov-issue\n\n--B--\n' "$2" "$n"
	} >"$MD/new/$n.eml"
}
# twelve dead addresses of the issue (6% of its 200: over SES's 5%)
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	bounce "2026-11-$((20 + ${i#0} % 5))" "gone$i@example.org" 5.1.1 \
	    "550 5.1.1 <gone$i@example.org>: Recipient address rejected: User unknown"
done
# blocky.example blocks one a day for two weeks, then 25 on December 3rd
for d in 19 20 21 22 23 24 25 26 27 28 29 30; do
	bounce "2026-11-$d" "u$d@blocky.example" 5.7.1 \
	    "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.example"
done
# most of them with a diagnostic that carries markup: the incident's
# sample, which the HTML page must show as text
for i in $(seq 11); do
	bounce 2026-12-03 "v$i@blocky.example" 5.7.1 \
	    "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.example"
done
for i in $(seq 14); do
	bounce 2026-12-03 "w$i@blocky.example" 5.7.1 \
	    "554 5.7.1 <script>alert(1)</script> blocked using zen.spamhaus.example"
done
# a full mailbox, twice
bounce 2026-11-25 "full@soft.example" 5.2.2 "552 5.2.2 Mailbox full"
bounce 2026-12-01 "full@soft.example" 5.2.2 "552 5.2.2 Mailbox full"
total=$n

# the whole month read as one backlog, on one day
"$BIN" run --config "$CONF" >/dev/null 2>"$TMP/err" || fail "run: $(cat "$TMP/err")"
[ "$(sql "SELECT count(*) FROM events")" -eq "$total" ] ||
    fail "events: $(sql "SELECT count(*) FROM events") of $total"
# a suppression's time is the database's clock; the test's is the
# policy's: date them on the day of the run
sql "UPDATE suppressions SET since = '2026-12-06 12:00+00'" >/dev/null

"$BIN" report --config "$CONF" --since 2026-11-07 --until 2026-12-06 \
    --format json -o "$TMP/report.json" 2>"$TMP/err" || fail "report json: $(cat "$TMP/err")"
[ "$(stat -c %a "$TMP/report.json")" = 600 ] || fail "report file mode $(stat -c %a "$TMP/report.json")"
python3 - "$TMP/report.json" <<'PY' || fail "report.json: see above"
import json, sys
r = json.load(open(sys.argv[1]))
def check(ok, what):
    if not ok:
        print("FAIL: " + what + ": " + json.dumps(r)[:2000])
        sys.exit(1)
check(r["report"] == "rebound-report/1", "format name")
check((r["since"], r["until"], r["list"]) == ("2026-11-07", "2026-12-06", None), "period")
check(r["addresses_masked"] is True, "masked by default")
days = {(d["day"], d["list"]): d for d in r["days"]}
# on the days they failed, not the day of the run
check(days[("2026-12-03", "news")]["block"] == 25, "25 blocks on 2026-12-03")
run_day = days.get(("2026-12-06", "news"), {"hard": 0, "soft": 0, "block": 0})
check(run_day["hard"] + run_day["soft"] + run_day["block"] == 0, "nothing failed on the day of the run")
check(sum(d["hard"] for d in r["days"]) == 12, "12 hard")
check(days[("2026-11-25", "news")]["soft"] == 1, "a soft bounce on 2026-11-25")
check(sum(d["sup_h"] for d in r["days"]) == 12, "12 hard suppressions")
# the rate of the send of known size, flagged against SES's 5%
rates = r["rates"]
check(len(rates) == 1, "one send with a size")
x = rates[0]
check((x["list"], x["send"], x["sent"], x["sent_to"], x["hard"], x["hard_pct"]) ==
      ("news", "nov-issue", "2026-11-20", 200, 12, "6.00"), "rate row %r" % x)
check(x["flag"] == "hard >= 5%", "flag %r" % x["flag"])
check(any(t["limit_pct"] == 5.0 and "amazon" in t["url"] for t in r["thresholds"]), "SES threshold cited")
check(any(t["limit_pct"] == 0.3 and "google" in t["url"] for t in r["thresholds"]), "Gmail threshold cited")
# the incident: one line for the domain and day
inc = r["incidents"]
check(len(inc) == 1, "one incident, got %d" % len(inc))
i = inc[0]
check((i["day"], i["domain"], i["blocks"], i["median_7_days"], i["reason"], i["status"]) ==
      ("2026-12-03", "blocky.example", 25, 1.0, "blocked", "5.7.1"), "incident %r" % i)
check(i["diagnostic"] == "554 5.7.1 <script>alert(1)</script> blocked using zen.spamhaus.example",
      "the day's most frequent diagnostic %r" % i["diagnostic"])
# suppressions: masked addresses only
sup = r["suppressions"]
check(len(sup) == 12, "12 suppressions listed")
check(all(s["address"].startswith("g***@") for s in sup), "masked %r" % sup[0])
check(all(s["cause"] == "hard" and s["proof"] == "verp" and s["rule"] == "status" for s in sup), "cause, proof, rule")
near = r["near_threshold"]
check(len(near) == 1 and near[0]["address"] == "f***@soft.example", "near threshold %r" % near)
top = r["top_domains"]
check(top[0]["domain"] == "blocky.example" and top[0]["block"] == 37, "top domain %r" % top[0])
check(r["top_reasons"][0] == {"class": "block", "reason": "blocked", "events": 37}, "top reason")
check({"rule": "status", "events": 14} in r["top_rules"] or r["top_rules"], "rules")
PY
grep -q 'gone01@example.org' "$TMP/report.json" && fail "an address unmasked"

# --show-addresses, --list, text within 80 columns
"$BIN" report --config "$CONF" --since 30d --list news --show-addresses \
    >"$TMP/report.txt" 2>"$TMP/err" || fail "report text: $(cat "$TMP/err")"
grep -q 'gone01@example.org' "$TMP/report.txt" || fail "--show-addresses: $(cat "$TMP/report.txt")"
grep -q '2026-12-03 blocky.example' "$TMP/report.txt" || fail "incident line: $(cat "$TMP/report.txt")"
wide=$(awk 'length > 80' "$TMP/report.txt" | head -3)
[ -z "$wide" ] || fail "text wider than 80 columns: $wide"
# after a run: the page refreshed for a web server, and the database's
# counters in the metrics file beside the last run's gauges
"$BIN" run --config "$CONF" --report-html "$TMP/www/index.html" \
    --metrics-file "$TMP/metrics.prom" >/dev/null 2>"$TMP/err" && [ ! -e "$TMP/www/index.html" ] ||
    fail "--report-html into a missing directory: $(cat "$TMP/err")"
mkdir -p "$TMP/www"
"$BIN" run --config "$CONF" --report-html "$TMP/www/index.html" \
    --metrics-file "$TMP/metrics.prom" >/dev/null 2>"$TMP/err" || fail "run --report-html: $(cat "$TMP/err")"
grep -q "Content-Security-Policy" "$TMP/www/index.html" || fail "no page from run --report-html"
grep -q '<svg class="chart" id="daily"' "$TMP/www/index.html" || fail "the page has no daily chart"
grep -q '^# TYPE rebound_events_total counter$' "$TMP/metrics.prom" || fail "no events counter"
grep -q '^rebound_events_total{class="hard",list="news"} 12$' "$TMP/metrics.prom" ||
    fail "events counter: $(grep events_total "$TMP/metrics.prom")"
grep -q '^rebound_events_total{class="block",list="news"} 37$' "$TMP/metrics.prom" ||
    fail "blocks counter: $(grep events_total "$TMP/metrics.prom")"
grep -q '^rebound_suppressions_total{cause="hard",list="news"} 12$' "$TMP/metrics.prom" ||
    fail "suppressions counter: $(grep suppressions_total "$TMP/metrics.prom")"
grep -q '^rebound_last_run_success 1$' "$TMP/metrics.prom" || fail "the gauges are gone"

# bad arguments: exit 64
"$BIN" report --config "$CONF" --since yesterday >/dev/null 2>&1
[ $? -eq 64 ] || fail "--since yesterday not exit 64"
# the page: one self-contained file, checked in a real browser (no
# request out, no console error, the charts drawn, the markup shown as
# text); its screenshots and A4 print kept in OUT
"$BIN" report --config "$CONF" --since 2026-11-07 --until 2026-12-06 \
    --format html -o "$TMP/report.html" 2>"$TMP/err" || fail "report html: $(cat "$TMP/err")"
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$TMP/report.html" ||
    fail "no Content-Security-Policy"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/report.html" || fail "the diagnostic not escaped"
grep -qi '<script\|src=\|@import\|url(' "$TMP/report.html" && fail "the page loads or runs something"
grep -q 'gone01@example.org' "$TMP/report.html" && fail "an address unmasked in the page"
/usr/bin/python3 "$TESTS/browser.py" "$TMP/report.html" "$OUT" \
    "554 5.7.1 <script>alert(1)</script> blocked using zen.spamhaus.example" ||
    fail "the page in Chromium"
cp "$TMP/report.html" "$OUT/report.html"
"$BIN" report --config "$CONF" --format htm >/dev/null 2>&1
[ $? -eq 64 ] || fail "--format htm not exit 64"
"$BIN" report --config "$CONF" --list nwes >/dev/null 2>&1
[ $? -eq 64 ] || fail "--list nwes not exit 64"

finish report
