# The layering check itself: it passes on this tree and fails on a tree where
# an engine file includes a simulator header.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

expect_rc 0 "layering check passes on the repository" sh "$top/tests/check-layering.sh" "$top"

mkdir -p "$T/tree/src/sigma" "$T/tree/src/cli" "$T/tree/sim"
printf '#include "core/err.h"\n' >"$T/tree/src/sigma/ok.c"
printf '#include "sim/world.h"\n' >"$T/tree/src/cli/wires.c"
expect_rc 0 "the CLI may include sim/ headers" sh "$top/tests/check-layering.sh" "$T/tree"
printf '#include "sim/world.h"\n' >"$T/tree/src/sigma/bad.c"
expect_rc 1 "an engine file including sim/ fails the check" sh "$top/tests/check-layering.sh" "$T/tree"
expect_in out "src/sigma/bad.c" "the check names the offending file"
printf '#  include <../sim/world.h>\n' >"$T/tree/src/sigma/bad.c"
expect_rc 1 "a relative angle-bracket include of sim/ fails too" sh "$top/tests/check-layering.sh" "$T/tree"
