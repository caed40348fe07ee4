# leaksim sweep: variants x seeds on the small scenario, the tables, CSV and
# JSON, determinism, and bad knobs.
. "$(dirname "$0")/lib.sh"
# The runs' datasets go to a folder of this test's own.
mkdir -p "$T/tmp"
TMPDIR="$T/tmp"
export TMPDIR

expect_rc 0 "a sweep over two rates and two seeds" "$LEAKSIM" sweep --rules rules --scenario small \
	--seeds 2 --vary exfiltration.rate_mb_per_hour=0,5 --out "$T/s1"
expect_in out "small rate_mb_per_hour=0" "the table names the first variant"
expect_in out "small rate_mb_per_hour=5" "the table names the second variant"
expect_in out "where each rule breaks" "the sweep says where each rule breaks"
expect_in out "COPY of the member register" "the table lists a rule that alerted"
expect_in out "detected in 2 of 2" "the incident line counts both seeds"
lines=$(wc -l <"$T/s1/sweep.csv")
header=$(head -n 1 "$T/s1/sweep.csv")
if [ "$header" = "variant,scenario,seed,rule_id,title,alerts,tp,fp,precision,records_recalled,malicious_records,recall,ttd_seconds" ]; then
	pass "sweep.csv has its header"
else
	fail "sweep.csv has its header" "$header"
fi
if [ "$lines" -gt 4 ]; then pass "sweep.csv has a row per rule and run ($lines lines)"; else fail "sweep.csv has rows"; fi
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [v["name"] for v in d["variants"]] == ["small rate_mb_per_hour=0", "small rate_mb_per_hour=5"]
assert d["variants"][1]["overrides"] == {"campaign.exfiltration.rate_mb_per_hour": "5"}
assert len(d["runs"]) == 4
assert sorted({r["seed"] for r in d["runs"]}) == [1, 2]
for r in d["runs"]:
    assert r["incident"]["detected"] is True
    for x in r["rules"]:
        assert set(["rule_id", "title", "alerts", "tp", "fp", "precision", "recall", "ttd_seconds"]) <= set(x)
' "$T/s1/sweep.json" 2>"$T/py"; then
	pass "sweep.json has every variant, run and rule"
else
	fail "sweep.json has every variant, run and rule" "$(cat "$T/py")"
fi

# Deterministic: the same sweep gives the same files; no dataset is left behind.
"$LEAKSIM" sweep --rules rules --scenario small --seeds 2 --vary exfiltration.rate_mb_per_hour=0,5 \
	--out "$T/s2" --quiet
if cmp -s "$T/s1/sweep.csv" "$T/s2/sweep.csv" && cmp -s "$T/s1/sweep.json" "$T/s2/sweep.json"; then
	pass "sweep is deterministic"
else
	fail "sweep is deterministic"
fi
left=$(ls -d "$T"/tmp/leaksim-sweep-* 2>/dev/null | wc -l)
if [ "$left" -eq 0 ]; then pass "sweep removes its datasets"; else fail "sweep removes its datasets ($left left)"; fi
expect_rc 2 "sweep does not overwrite its files without --force" "$LEAKSIM" sweep --rules rules \
	--scenario small --vary days=2 --out "$T/s2" --quiet
expect_rc 0 "--force overwrites them" "$LEAKSIM" sweep --rules rules --scenario small --vary days=2 \
	--out "$T/s2" --quiet --force

# Bad knobs and usage.
expect_rc 2 "an unknown knob" "$LEAKSIM" sweep --rules rules --scenario small --vary exfiltration.speed=1
expect_in err "speed" "the error names the knob"
expect_rc 2 "a value out of range" "$LEAKSIM" sweep --rules rules --scenario small --vary days=0
expect_rc 2 "a malformed --vary" "$LEAKSIM" sweep --rules rules --vary days
expect_rc 2 "a value YAML would misread" "$LEAKSIM" sweep --rules rules --vary 'days=1:2'
expect_rc 2 "no rules" "$LEAKSIM" sweep --scenario small
expect_rc 2 "a bad seed count" "$LEAKSIM" sweep --rules rules --seeds 0
expect_rc 0 "sweep --help" "$LEAKSIM" sweep --help
expect_in out "usage: leaksim sweep" "sweep --help prints the usage"
