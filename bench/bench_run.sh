#!/bin/sh
# bench_run.sh - how long the main job takes: `leaksim run` on the default
# scenario with the bundled pack, on one core (taskset when available), best
# of three; and, side by side, the same job as four separate commands
# (generate, detect, score, report). Speed is printed, never asserted.
# Usage: bench/bench_run.sh BUILD/leaksim
set -eu
BIN=${1:?usage: bench_run.sh LEAKSIM}
base=/tmp
[ -d /dev/shm ] && base=/dev/shm
T=$(mktemp -d "$base/leaksim-bench-run-XXXXXX")
trap 'rm -rf "$T"' EXIT
one=""
command -v taskset >/dev/null 2>&1 && one="taskset -c 0"

now() { date +%s.%N; }
best() { # best CMD...: the best wall time of three runs, in seconds
	b=""
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null 2>&1
		t=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { print a - b }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}
run_job() { $one "$BIN" run --quiet --force --out "$T/run"; }
separate() {
	$one "$BIN" generate --quiet --force --out "$T/ds" &&
	$one "$BIN" detect --rules rules --force --out "$T/alerts.jsonl" "$T/ds" &&
	$one "$BIN" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --json >"$T/score.json" &&
	$one "$BIN" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/report.html" --force
}
r=$(best run_job)
s=$(best separate)
printf 'run (default scenario, bundled pack, one core): %.2f s (target under 30 s)\n' "$r"
printf '    baseline: generate + detect + score + report as four commands %.2f s  ratio %.2fx\n' \
	"$s" "$(awk -v s="$s" -v r="$r" 'BEGIN { print s / r }')"
