#!/bin/sh
# Ensure the Debian packages leaksim builds against are present.
#
# Each pkg-config module maps to the Debian package that ships it. When any is
# missing and we run as root with apt-get available, install them; otherwise
# print the exact command to run and fail, so the build never half-works.
#
# With --browser, the same for the test-only browser: Debian's chromium, which
# the report's browser test (tests/browser/) drives headless.
set -u

need=""
what="build dependencies"
if [ "${1:-}" = "--browser" ]; then
	what="test dependencies (a headless browser)"
	command -v chromium >/dev/null 2>&1 || need="chromium"
else
	modules="libsodium:libsodium-dev yaml-0.1:libyaml-dev libpcre2-8:libpcre2-dev cmocka:libcmocka-dev"
	command -v pkg-config >/dev/null 2>&1 || need="pkg-config"
	for pair in $modules; do
		mod=${pair%%:*}
		pkg=${pair#*:}
		if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$mod"; then
			need="$need $pkg"
		fi
	done
fi
need=$(echo $need)
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "leaksim: installing missing packages: $need" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || exit 1
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $need >&2 || exit 1
	exit 0
fi

echo "leaksim: missing $what. Install them with:" >&2
echo "  sudo apt-get install $need" >&2
exit 1
