#!/bin/sh
# make-bounces.sh - N distinct bounces made from the golden fixtures, as
# files in a Maildir's cur/ (named so that UID order is file order).
#
# usage: tests/servers/make-bounces.sh N MAILDIR_CUR
#
# Copy i of a fixture gets its own Message-ID and its own recipients
# (alice@example.org becomes alice<i>@example.org), so every copy is new
# work: a new message, new subscribers, new events.  One awk process
# writes them all.  $REBOUND_BOUNCE_ID (default "bench") starts each
# Message-ID: sets made with different ones are different messages to the
# same recipients.
set -eu
N=$1
CUR=$2
HERE=$(cd "$(dirname "$0")/.." && pwd)
ls "$HERE"/golden/*.eml | grep -v not-a-bounce | awk -v n="$N" -v cur="$CUR" \
    -v id="${REBOUND_BOUNCE_ID:-bench}" '
	# each fixture once into memory: its lines, and where its body starts
	{
		f = $0; k++; m = 0; head = 1
		while ((getline line < f) > 0) {
			if (head && line ~ /^[Mm]essage-[Ii][Dd]:/)
				continue
			if (head && (line == "" || line == "\r"))
				head = 0
			text[k, ++m] = line
		}
		close(f)
		lines[k] = m
	}
	END {
		for (i = 1; i <= n; i++) {
			f = sprintf("%s/1700000000.M%dP1.bench:2,", cur, i)
			t = i % k + 1
			out = sprintf("Message-ID: <%s-%d@rebound.test>\n", id, i)
			for (j = 1; j <= lines[t]; j++) {
				line = text[t, j]
				gsub(/@example\./, i "@example.", line)
				out = out line "\n"
			}
			printf "%s", out > f
			close(f)
		}
	}'
# the server runs as nobody when we are root
[ "$(id -u)" -ne 0 ] || chown -R nobody:nogroup "$CUR/.."
