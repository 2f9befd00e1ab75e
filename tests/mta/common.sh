# common.sh - shared by the generators of tests/mta/ (postfix.sh, exim.sh,
# opensmtpd.sh): a work directory, the responder, the list's message to
# every case of truth.txt, and the reports split into fixtures.  Source it
# after setting MTA (the fixtures' prefix) and OUT.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${REBOUND_RESPONDER_PORT:-12525}
WORK=$(mktemp -d /tmp/rebound-mta.XXXXXX)
chmod 777 "$WORK"
RESP=
INSTALLED=

# mta_install COMMAND PACKAGE... - install the packages unless COMMAND is
# there already (INSTALLED=yes: mta_finish purges them again)
mta_install() {
	command -v "$1" >/dev/null 2>&1 && return 0
	shift
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "$@" >/dev/null
	INSTALLED="$*"
}

# mta_finish - stop the responder, purge what mta_install installed, remove
# the work directory (the generator's own cleanup calls it last)
mta_finish() {
	[ -n "$RESP" ] && kill "$RESP" 2>/dev/null
	# shellcheck disable=SC2086
	[ -n "$INSTALLED" ] && DEBIAN_FRONTEND=noninteractive \
	    apt-get purge -y -qq $INSTALLED >/dev/null 2>&1
	rm -rf "$WORK"
}

# mta_responder - start responder.py on PORT
mta_responder() {
	python3 "$HERE/responder.py" "$PORT" 2>/dev/null &
	RESP=$!
	sleep 0.5
}

# mta_cases - the cases of truth.txt, one a line
mta_cases() {
	cut -f1 "$HERE/truth.txt" | grep -v '^#' | sort -u
}

# mta_message CASE - the list's message to CASE@dest.example
mta_message() {
	cat <<MSG
From: News <news@lists.example.com>
To: $1@dest.example
Subject: November issue ($1)
Message-ID: <mta-$MTA-$1@lists.example.com>
List-Id: News <news.lists.example.com>
List-Unsubscribe: <mailto:news-leave@lists.example.com>
Precedence: bulk

The November issue.
MSG
}

# mta_wait MBOX N - wait (at most a minute) until MBOX holds N reports
mta_wait() {
	for i in $(seq 60); do
		got=$(grep -c '^From MAILER-DAEMON' "$1" 2>/dev/null || echo 0)
		[ "$got" -ge "$2" ] && return 0
		sleep 1
	done
}

# mta_split MBOX - each report of MBOX into OUT/MTA-CASE.eml, its case
# found by the Message-ID of the returned message
mta_split() {
	mkdir -p "$OUT"
	python3 - "$1" "$OUT" "$MTA" <<'PY'
import mailbox, re, sys
for msg in mailbox.mbox(sys.argv[1]):
    body = msg.as_bytes()
    m = re.search(rb"mta-" + sys.argv[3].encode() + rb"-([a-z0-9]+)@", body)
    name = m.group(1).decode() if m else "unknown-case"
    with open("%s/%s-%s.eml" % (sys.argv[2], sys.argv[3], name), "wb") as f:
        f.write(body)
PY
	echo "$MTA: $(ls "$OUT"/"$MTA"-*.eml 2>/dev/null | wc -l) of $(mta_cases | wc -l) bounces written to $OUT"
}
