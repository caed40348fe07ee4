#!/bin/sh
# The engine never depends on the simulator: nothing under src/ other than
# the CLI (which wires the two together) may include a header from sim/.
# Usage: check-layering.sh [ROOT]   (default: the repository)
cd "${1:-$(dirname "$0")/..}" || exit 2
hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](\.\./)*sim/' \
	--include='*.c' --include='*.h' src 2>/dev/null | grep -v '^src/cli/')
if [ -n "$hits" ]; then
	echo "layering: src/ must not include sim/ headers:"
	echo "$hits"
	exit 1
fi
echo "layering: src/ does not include sim/"
