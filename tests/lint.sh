#!/bin/sh
# Fail on calls to the libc functions CONVENTIONS.md bans:
# strcpy, strcat, sprintf, strtok, atoi, rand. A call is the name followed by '('.
cd "$(dirname "$0")/.." || exit 2
hits=$(grep -rnE '(^|[^A-Za-z0-9_])(strcpy|strcat|sprintf|strtok|atoi|rand)[[:space:]]*\(' \
	--include='*.c' --include='*.h' src sim tests bench 2>/dev/null)
if [ -n "$hits" ]; then
	echo "lint: banned calls (use the ls_buf/ls_sv helpers, snprintf or ls_rng instead):"
	echo "$hits"
	exit 1
fi
echo "lint: no banned calls"
