# scripts/deps.sh: with every pkg-config module missing and not running as
# root, it must print the exact apt-get command and fail, installing nothing.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$T/bin" "$T/pc"
printf '#!/bin/sh\necho 1000\n' >"$T/bin/id"           # pretend to be an ordinary user
printf '#!/bin/sh\necho "apt-get must not run" >&2; exit 99\n' >"$T/bin/apt-get"
chmod +x "$T/bin/id" "$T/bin/apt-get"

expect_rc 1 "missing packages as non-root: exit 1" \
	env PATH="$T/bin:$PATH" PKG_CONFIG_LIBDIR="$T/pc" PKG_CONFIG_PATH= sh "$top/scripts/deps.sh"
expect_in err "sudo apt-get install libsodium-dev libyaml-dev libpcre2-dev libcmocka-dev" \
	"prints the exact apt-get command"
if grep -q "must not run" "$T/err"; then fail "apt-get is not run as non-root"; else pass "apt-get is not run as non-root"; fi

# With everything present it is silent and succeeds.
expect_rc 0 "all packages present: exit 0" sh "$top/scripts/deps.sh"
expect_empty err "all packages present: nothing printed"
