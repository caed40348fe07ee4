# leaksim run: generate -> detect -> score -> report end to end on the small
# scenario, the output directory's contents, the summary, --quiet, and
# refusing to replace a directory without --force.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "run on the small scenario" "$LEAKSIM" run --scenario small --out "$T/run"
for f in manifest.json logs/conn.log truth/answer-key.json alerts.jsonl score.json report.html; do
	if [ -s "$T/run/$f" ]; then pass "run wrote $f"; else fail "run wrote $f"; fi
done
expect_in out "leaksim run: scenario small, seed" "the summary names the scenario"
expect_in out "the campaign's steps" "the summary lists the steps"
expect_in out "collection      caught after" "the summary says the collection was caught"
expect_in out "COPY of the member register" "the summary names the rule that caught it"
expect_in out "incident: detected" "the summary gives the incident's verdict"
expect_in out "100.0%" "the summary gives each alerting rule's precision"
expect_in out "report: $T/run/report.html" "the summary gives the report's path"
ls -a "$T" | grep -q '^\.run\|tmp' && fail "no temporary directory is left behind" || pass "no temporary directory is left behind"

# The same scenario scored by hand gives the same score.json and alerts.
"$LEAKSIM" detect --rules rules "$T/run" >"$T/alerts2" 2>/dev/null
if cmp -s "$T/alerts2" "$T/run/alerts.jsonl"; then pass "run's alerts are detect's"; else fail "run's alerts are detect's"; fi
"$LEAKSIM" score --dataset "$T/run" --alerts "$T/run/alerts.jsonl" --json >"$T/score2" 2>/dev/null
if cmp -s "$T/score2" "$T/run/score.json"; then pass "score.json is score --json"; else fail "score.json is score --json"; fi
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["incident"]["detected"] is True; assert any(s["name"]=="collection" and s["detected"] for s in d["steps"])' "$T/run/score.json" 2>"$T/py"; then
	pass "score.json says the incident and the collection were detected"
else
	fail "score.json says the incident and the collection were detected" "$(cat "$T/py")"
fi

# Deterministic: a second run gives the same bytes.
"$LEAKSIM" run --scenario small --out "$T/run2" --quiet
same=0
for f in alerts.jsonl score.json report.html logs/sysmon.jsonl; do
	cmp -s "$T/run/$f" "$T/run2/$f" || same=1
done
if [ "$same" -eq 0 ]; then pass "run is deterministic"; else fail "run is deterministic"; fi

# --quiet prints nothing; an existing directory needs --force.
expect_rc 2 "run refuses to replace a directory" "$LEAKSIM" run --scenario small --out "$T/run" --quiet
expect_in err "exists" "the refusal says why"
expect_rc 0 "run --force replaces it" "$LEAKSIM" run --scenario small --out "$T/run" --quiet --force
expect_empty out "--quiet prints nothing"

# Bad input.
expect_rc 2 "an unknown scenario" "$LEAKSIM" run --scenario nosuch --out "$T/x"
expect_rc 2 "missing rules" "$LEAKSIM" run --scenario small --rules "$T/none" --out "$T/x"
expect_rc 2 "a stray argument" "$LEAKSIM" run extra
if [ ! -e "$T/x" ]; then pass "a failed run leaves no directory"; else fail "a failed run leaves no directory"; fi
expect_rc 0 "run --help" "$LEAKSIM" run --help
expect_in out "usage: leaksim run" "run --help prints the usage"
