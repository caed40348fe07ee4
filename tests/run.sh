#!/bin/sh
# Run the whole suite against one build directory: every cmocka unit binary,
# the CLI and browser shell tests, the layering and lint checks, and the fuzz corpora
# (replayed without libFuzzer). Prints each runner's own output, then one
# closing line "tests: N passed, N failed". Exits non-zero on any failure.
#
# Usage: tests/run.sh BUILD_DIR      e.g. tests/run.sh build/release
set -u
B=${1:?usage: tests/run.sh BUILD_DIR}
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
failures=""

note_fail() {
	failed=$((failed + 1))
	failures="$failures
  $1"
}

# cmocka binaries: take the counts from cmocka's own summary lines.
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	passed=$((passed + ${p:-0}))
	if [ -n "$f" ] && [ "$f" -gt 0 ]; then
		failed=$((failed + f))
		failures="$failures
  $(basename "$t"): $f failed"
	elif [ "$rc" -ne 0 ] || [ -z "$p" ]; then
		note_fail "$(basename "$t"): exited $rc"
	fi
done

# Shell tests print TAP-style "ok"/"not ok" lines: the CLI tests, then the
# browser tests (headless Chromium, installed by scripts/deps.sh --browser).
for t in tests/cli/test_*.sh tests/browser/test_*.sh; do
	[ -f "$t" ] || continue
	out=$(LEAKSIM="$B/leaksim" BUILD="$B" sh "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures="$failures
  $t: $f failed"
	elif [ "$rc" -ne 0 ]; then
		note_fail "$t: exited $rc"
	fi
done

# Fuzz corpora, replayed by the plain-main build of each target.
for r in "$B"/fuzz/replay_*; do
	[ -x "$r" ] || continue
	name=${r##*/replay_}
	if out=$("$r" tests/fuzz/corpus/"$name" 2>&1); then
		echo "ok fuzz corpus $name: $out"
		passed=$((passed + 1))
	else
		printf '%s\n' "$out"
		note_fail "fuzz corpus $name"
	fi
done

for check in tests/check-layering.sh tests/lint.sh; do
	if out=$(sh "$check" 2>&1); then
		echo "ok $out"
		passed=$((passed + 1))
	else
		printf '%s\n' "$out"
		note_fail "$check"
	fi
done

if [ "$failed" -gt 0 ]; then
	echo "failures:$failures"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
