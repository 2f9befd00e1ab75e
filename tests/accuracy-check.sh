#!/bin/sh
# accuracy-check.sh - compare the KEY=value line of ../shared/corpus/evaluate
# with the floor file (KEY>=N or KEY<=N per line; # comments).
#
# usage: tests/accuracy-check.sh FLOOR-FILE "KEY=value KEY=value ..."
set -eu
FLOOR=$1
LINE=$2
fails=0
while read -r rule; do
	case $rule in ''|'#'*) continue ;; esac
	key=${rule%%[<>]=*}
	op=$(printf '%s' "$rule" | sed 's/^[A-Z_]*\([<>]=\).*/\1/')
	want=${rule#*=}
	got=$(printf '%s\n' "$LINE" | tr ' ' '\n' | sed -n "s/^$key=//p")
	if [ -z "$got" ]; then
		echo "accuracy: $key missing from the evaluate line" >&2
		fails=$((fails + 1))
		continue
	fi
	if [ "$op" = ">=" ]; then
		ok=$(awk -v g="$got" -v w="$want" 'BEGIN { print (g >= w) }')
	else
		ok=$(awk -v g="$got" -v w="$want" 'BEGIN { print (g <= w) }')
	fi
	if [ "$ok" -ne 1 ]; then
		echo "accuracy: $key=$got, floor $op $want" >&2
		fails=$((fails + 1))
	fi
done <"$FLOOR"
[ "$fails" -eq 0 ] || exit 1
echo "accuracy: every figure at or above its floor"
