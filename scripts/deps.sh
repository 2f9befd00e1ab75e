#!/bin/sh
# deps.sh - install what rebound needs to build and test on Debian 12.
#
# Installs only the packages that are missing.  Needs root (or sudo).
set -eu
PKGS="build-essential cmake pkg-config libglib2.0-dev libpcre2-dev libmimalloc-dev libgmime-3.0-dev
libjson-glib-dev libcurl4-gnutls-dev libcmocka-dev libetpan-dev libgnutls28-dev libpq-dev clang
libclang-rt-14-dev python3 dovecot-imapd dovecot-pop3d openssl postgresql
systemd groff-base time clang-format curl mailman3 chromium python3-websocket"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps.sh: missing packages:$missing; run as root to install" >&2
	exit 77
fi
echo "deps.sh: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
