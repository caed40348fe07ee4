# Helpers for the CLI shell tests. Each check prints one TAP-style line,
# "ok N - what" or "not ok N - what" plus the evidence; tests/run.sh counts them.
# The binary under test is $LEAKSIM (set by tests/run.sh).
: "${LEAKSIM:?LEAKSIM must name the leaksim binary}"
n=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}

# run CMD...: run it, keeping exit status in $rc, stdout in $T/out, stderr in $T/err.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_rc CODE DESC CMD...
expect_rc() {
	want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		pass "$desc"
	else
		fail "$desc" "expected exit $want, got $rc" "stderr: $(head -c 500 "$T/err")"
	fi
}

# expect_in FILE TEXT DESC: the captured file contains TEXT (fixed string).
expect_in() {
	if grep -qF -- "$2" "$T/$1"; then
		pass "$3"
	else
		fail "$3" "'$2' not in $1:" "$(head -c 500 "$T/$1")"
	fi
}

# expect_empty FILE DESC
expect_empty() {
	if [ ! -s "$T/$1" ]; then
		pass "$2"
	else
		fail "$2" "$1 is not empty:" "$(head -c 500 "$T/$1")"
	fi
}
