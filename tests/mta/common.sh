# common.sh - shared by the generators of tests/mta/ (postfix.sh, exim.sh,
# ...): a work directory, a private DNS for the test domains, the
# responder, the list's message to every case of truth.txt, and the
# reports split into fixtures.  Source it after setting MTA (the
# fixtures' prefix) and OUT.
#
# The generator runs in a mount namespace of its own (unshare -m) where
# /etc/resolv.conf names dnsmasq on 127.0.0.53: the MTAs look up the test
# domains there, and nothing outside the namespace sees the change.
#
#   dest.example        MX mx.dest.example = 127.0.0.3: responder.py, port 25
#   lists.example.com   MX the responder too (for MTAs that relay their reports)
#   refused.example     MX 127.0.0.2: nothing listens, connection refused
#   nullmx.example      a null MX (RFC 7505)
#   nx.example          does not exist (NXDOMAIN)
#   other names         asked of the machine's own resolver (apt still works)
set -eu
if [ -z "${REBOUND_MTA_NS:-}" ]; then
	REBOUND_MTA_NS=1 exec unshare -m sh "$0" "$@"
fi
# an interrupted run still cleans up: EXIT traps run on these too
trap 'exit 143' INT TERM HUP
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/rebound-mta.XXXXXX)
chmod 777 "$WORK"
RESP=
DNS=
INSTALLED=
RESPONDER=127.0.0.3

# mta_install COMMAND PACKAGE... - install the packages unless COMMAND is
# there already; mta_finish purges them again with every package they
# brought in (dependencies too: exim4-base left behind would keep
# statoverrides for a user the next install no longer makes)
mta_install() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ -x "/usr/sbin/$1" ] && return 0
	shift
	dpkg-query -W -f '${Package}\n' | sort >"$WORK/before"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "$@" >/dev/null
	dpkg-query -W -f '${Package}\n' | sort >"$WORK/after"
	INSTALLED="$INSTALLED $(comm -13 "$WORK/before" "$WORK/after" | paste -sd' ' -)"
}

# mta_finish - stop the responder and the DNS, purge what mta_install
# installed, remove the work directory (the generator's cleanup calls it
# last)
mta_finish() {
	[ -n "$RESP" ] && kill "$RESP" 2>/dev/null
	[ -n "$DNS" ] && kill "$DNS" 2>/dev/null
	# shellcheck disable=SC2086
	[ -z "$INSTALLED" ] || DEBIAN_FRONTEND=noninteractive \
	    apt-get purge -y -qq $INSTALLED >"$WORK/purge.log" 2>&1 ||
	    { echo "purging$INSTALLED failed:" >&2; cat "$WORK/purge.log" >&2; }
	rm -rf "$WORK"
}

# mta_dns - start dnsmasq for the test domains and point this namespace's
# resolv.conf (and Postfix's chroot copy) at it
mta_dns() {
	mta_install dnsmasq dnsmasq-base
	upstream=$(awk '$1 == "nameserver" { print "--server=" $2 }' /etc/resolv.conf)
	# shellcheck disable=SC2086
	dnsmasq --keep-in-foreground --no-resolv --no-hosts --user=root \
	    --listen-address=127.0.0.53 --bind-interfaces --port=53 $upstream \
	    --local=/example/ --local=/example.com/ \
	    --host-record=mx.dest.example,$RESPONDER \
	    --mx-host=dest.example,mx.dest.example,10 \
	    --mx-host=lists.example.com,mx.dest.example,10 \
	    --host-record=mx.refused.example,127.0.0.2 \
	    --mx-host=refused.example,mx.refused.example,10 \
	    --dns-rr=nullmx.example,15,000000 \
	    --pid-file= --log-facility="$WORK/dns.log" &
	DNS=$!
	echo "nameserver 127.0.0.53" >"$WORK/resolv.conf"
	mount --bind "$WORK/resolv.conf" /etc/resolv.conf
	sleep 0.5
	kill -0 "$DNS" 2>/dev/null || { echo "dnsmasq did not start" >&2; exit 1; }
}

# mta_responder - start responder.py on RESPONDER port 25; the reports it
# takes in go to WORK/relayed.mbox
mta_responder() {
	python3 "$HERE/responder.py" "$WORK/relayed.mbox" "$RESPONDER:25" \
	    2>"$WORK/responder.log" &
	RESP=$!
	sleep 0.5
}

# mta_truth - truth.txt without its comments
mta_truth() {
	grep -v '^#' "$HERE/truth.txt"
}

# mta_cases [SKIP...] - the final-failure cases of truth.txt, one a line,
# but those named (an MTA that cannot make them); mta_delays: the delay
# notices (cases named delay*)
mta_cases() {
	mta_truth | cut -f1 | grep -v '^delay' | grep -vxF -e "${1:-@}" \
	    -e "${2:-@}" -e "${3:-@}" -e "${4:-@}" | sort -u
}
mta_delays() {
	mta_truth | cut -f1 | grep '^delay' | sort -u
}

# mta_rcpts CASE - the addresses the list's message of CASE goes to: those
# truth.txt names (a bare local part is at dest.example), else CASE's own
mta_rcpts() {
	mta_truth | awk -F'\t' -v c="$1" '$1 == c {
		n = split($2, a, " ")
		for (i = 1; i <= n; i++) {
			if (a[i] !~ /:/) { print c "@dest.example"; continue }
			sub(/:.*/, "", a[i])
			print (a[i] ~ /@/) ? a[i] : a[i] "@dest.example"
		}
	}'
}

# mta_message CASE - the list's message of CASE, to its recipients
mta_message() {
	cat <<MSG
From: News <news@lists.example.com>
To: $(mta_rcpts "$1" | paste -sd, -)
Subject: November issue ($1)
Message-ID: <mta-$MTA-$1@lists.example.com>
List-Id: News <news.lists.example.com>
List-Unsubscribe: <mailto:news-leave@lists.example.com>
Precedence: bulk

The November issue.
MSG
}

# mta_send CASE SENDMAIL... - hand the message of CASE to the MTA's
# sendmail command, its recipients as arguments
mta_send() {
	c=$1
	shift
	# shellcheck disable=SC2046
	mta_message "$c" | "$@" -f news-bounces@lists.example.com $(mta_rcpts "$c")
}

# mta_wait MBOX N - wait (at most a minute) until MBOX holds N reports
mta_wait() {
	for i in $(seq 60); do
		got=$(grep -c '^From MAILER-DAEMON' "$1" 2>/dev/null || true)
		[ "${got:-0}" -ge "$2" ] && return 0
		sleep 1
	done
	return 1
}

# mta_split MBOX - each report of MBOX into OUT/MTA-CASE.eml, its case
# found by the Message-ID of the returned message; an MTA that writes one
# report per failed recipient (dma) gives MTA-CASE+2.eml and so on
mta_split() {
	mkdir -p "$OUT"
	python3 - "$1" "$OUT" "$MTA" <<'PY'
import mailbox, re, sys
seen = {}
for msg in mailbox.mbox(sys.argv[1]):
    body = msg.as_bytes()
    m = re.search(rb"mta-" + sys.argv[3].encode() + rb"-([a-z0-9]+)@", body)
    name = m.group(1).decode() if m else "unknown-case"
    seen[name] = seen.get(name, 0) + 1
    if seen[name] > 1:
        name += "+%d" % seen[name]
    with open("%s/%s-%s.eml" % (sys.argv[2], sys.argv[3], name), "wb") as f:
        f.write(body)
PY
	echo "$MTA: $(ls "$OUT"/"$MTA"-*.eml 2>/dev/null | wc -l) reports in $OUT"
}
