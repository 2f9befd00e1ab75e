#!/bin/sh
# sendmail.sh - reports written by Debian 12's own Sendmail 8.17, for the
# ground-truth corpus of tests/mta/ (see README.md there): the list's
# message of each case of truth.txt, delivered at once (-odi) by MX
# (common.sh's private DNS) to the responder.  A temporary failure stays
# queued; a queue run after Timeout.queuereturn (1 s) gives it up.
# Sendmail sends its reports by SMTP to the list's domain, whose MX is the
# responder too: they arrive in its mbox.  Then, with a day to live and
# Timeout.queuewarn = 1s, the delay cases bring a delay notice.
#
# usage: tests/mta/sendmail.sh OUTDIR
#
# Needs root: installs sendmail when missing and purges it again at the
# end.  Sendmail runs with a configuration of its own (-C), built here
# from Debian's m4 files, and a queue of its own; /etc/mail is never read
# or changed, and no daemon is started.
MTA=sendmail
OUT=$1
. "$(dirname "$0")/common.sh"
mta_install sendmail sendmail-bin
trap mta_finish EXIT
mta_dns
mta_responder
# Sendmail sleeps a minute per run when its host name is not qualified:
# give it one, in this namespace only
printf '127.0.0.1 mx.lists.example.com %s localhost\n' "$(hostname)" >"$WORK/hosts"
mount --bind "$WORK/hosts" /etc/hosts

# the queue must be safe for Sendmail: owned by root, not writable by
# others, in a directory that is not either
Q=$(mktemp -d /var/tmp/rebound-mta-queue.XXXXXX)
chmod 700 "$Q"
trap 'rm -rf "$Q"; mta_finish' EXIT
# write_cf RETURN WARN [BULK] - the configuration: give up after RETURN,
# warn after WARN; BULK is the precedence of Precedence: bulk
write_cf() {
	cat >"$Q/sendmail.mc" <<MC
divert(-1)
include(\`/usr/share/sendmail/cf/m4/cf.m4')
VERSIONID(\`rebound tests/mta')
OSTYPE(\`debian')
define(\`confDOMAIN_NAME', \`mx.lists.example.com')
define(\`QUEUE_DIR', \`$Q/mqueue')
define(\`STATUS_FILE', \`$Q/sendmail.st')
define(\`ALIAS_FILE', \`')
define(\`confTO_QUEUERETURN', \`$1')
define(\`confTO_QUEUEWARN', \`$2')
define(\`confTO_CONNECT', \`5s')
define(\`confDONT_PROBE_INTERFACES', \`true')
define(\`confPRIVACY_FLAGS', \`authwarnings')
FEATURE(\`nocanonify')
MAILER(\`local')
MAILER(\`smtp')
MC
	# Sendmail sends no delay notice for mail of negative precedence (the
	# list's Precedence: bulk): the delay phase asks for one anyway
	m4 "$Q/sendmail.mc" | sed "s/^Pbulk=-60/Pbulk=${3:--60}/" >"$Q/sendmail.cf"
}
mkdir -p "$Q/mqueue"
chmod 700 "$Q/mqueue"
SENDMAIL="/usr/sbin/sendmail -C $Q/sendmail.cf -odi"

write_cf 1s 1d
n=0
# phase CASE... - send each case at once, give what is left a queue run
# after the timeouts (1 s), and wait for all the reports so far
phase() {
	for c in "$@"; do
		mta_send "$c" $SENDMAIL 2>>"$WORK/log" || true
		n=$((n + 1))
	done
	sleep 2
	$SENDMAIL -q 2>>"$WORK/log" || true
	mta_wait "$WORK/relayed.mbox" "$n" || true
}

# the list's domain is the responder's here: no local user to be unknown
# shellcheck disable=SC2046
phase $(mta_cases localuser)
write_cf 1d 1s 0
# shellcheck disable=SC2046
phase $(mta_delays)
mta_split "$WORK/relayed.mbox"
