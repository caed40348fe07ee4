# leaksim score: the bundled pack's alerts on a generated dataset, scored as
# tables and as JSON (the fixed names checked), expectations that hold and
# that fail, and malformed inputs located as file:line:col.
. "$(dirname "$0")/lib.sh"

"$LEAKSIM" generate --scenario small --out "$T/ds" --quiet
"$LEAKSIM" detect --rules rules --out "$T/alerts.jsonl" "$T/ds" 2>/dev/null
COPY=fbaa4c01-dec2-4ec0-a44c-bc3bcfcbb922 # COPY of the member register to the client

# expect_re FILE REGEX DESC: the captured file matches the extended regex.
expect_re() {
	if grep -qE -- "$2" "$T/$1"; then
		pass "$3"
	else
		fail "$3" "/$2/ not in $1:" "$(head -c 500 "$T/$1")"
	fi
}

# Tables.
expect_rc 0 "score prints tables" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl"
for section in "Rules (" "Steps (" "Techniques (" "Levels" "Operations"; do
	expect_in out "$section" "the tables have a '$section' section"
done
expect_in out "COPY of the member register" "the rules table names the COPY rule"
expect_re out '^  collection +T1213\.006 +[0-9]+ +[1-9][0-9]* +yes ' "the collection step is detected"
expect_in out "alerts per analyst-day" "the operations are shown"
expect_in out "incident: detected, time to detect" "the incident is detected with a time to detect"
expect_empty err "a clean dataset gives no notes"

# JSON: one line, the fixed names in place.
expect_rc 0 "score --json" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --json
cp "$T/out" "$T/score.json"
if [ "$(wc -l <"$T/score.json")" -eq 1 ]; then pass "--json prints one line"; else fail "--json prints one line"; fi
R='\{"rule_id":("[^"]*"|null),"title":("[^"]*"|null),"level":("[^"]*"|null),"alerts":[0-9]+,"tp":[0-9]+,"fp":[0-9]+,"precision":([0-9.]+|null),"records_recalled":[0-9]+,"recall":([0-9.]+|null),"steps":\[[^]]*\],"techniques":\[[^]]*\],"decoys_fooled":\[[^]]*\]'
expect_re out '^\{"dataset":\{"scenario":"small","seed":1,' "the JSON starts with the dataset"
expect_re out "\"rules\":\\[$R" "each rule has rule_id, title, alerts, tp, fp, precision, records_recalled, steps, decoys_fooled"
S='\{"campaign":"campaign-1","name":"[a-z_]+","techniques":\[[^]]*\],"rules":\[[^]]*\],"records":[0-9]+,"records_recalled":[0-9]+,"earliest_detectable":("[^"]*"|null),"detected":(true|false),"first_detection":("[^"]*"|null),"ttd_seconds":(-?[0-9]+\.[0-9]{6}|null),"before_exfil_end":(true|false|null)\}'
expect_re out "\"steps\":\\[$S(,$S){6}\\]" "seven steps with name, detected, rules, ttd_seconds, before_exfil_end"
expect_re out '"name":"collection","techniques":\["T1213\.006"\],"rules":\[[^]]*"'"$COPY"'"' "the COPY rule is among the collection step's rules"
expect_re out '"techniques":\[\{"technique":"T1078","steps":\["access"\],' "techniques are listed"
expect_re out '"levels":\{"event":\{"malicious_records":[0-9]+,.*"entity_day":\{"malicious":[0-9]+,.*"incident":\{"campaigns":1,' "the three levels"
expect_re out '"incident":\{"detected":true,"ttd_seconds":[0-9]+\.[0-9]{6},' "the incident: detected, with ttd_seconds"
expect_re out '"operations":\{"days":2,"alerts":[0-9]+,.*"alerts_per_analyst_day":[0-9.]+,.*"entities":40,"false_alerts_per_1000_entities_per_day":[0-9.]+\}\}$' "the operations"
# Every alert is counted once, true or false.
tp=$(grep -oE '"tp":[0-9]+' "$T/score.json" | awk -F: '{s += $2} END {print s + 0}')
fp=$(grep -oE '"fp":[0-9]+' "$T/score.json" | awk -F: '{s += $2} END {print s + 0}')
n=$(wc -l <"$T/alerts.jsonl")
if [ "$((tp + fp))" -eq "$n" ] && [ "$n" -gt 0 ]; then
	pass "tp + fp over the rules is the number of alerts ($n)"
else
	fail "tp + fp over the rules is the number of alerts" "tp $tp fp $fp alerts $n"
fi
"$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --json >"$T/again.json" 2>/dev/null
if cmp -s "$T/score.json" "$T/again.json"; then pass "score is deterministic"; else fail "score is deterministic"; fi

# No alerts: nothing detected, figures that need alerts are null.
: >"$T/none.jsonl"
expect_rc 0 "an empty alerts file" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/none.jsonl" --json
expect_in out '"rules":[]' "no rules"
expect_in out '"incident":{"detected":false,"ttd_seconds":null,' "the incident is not detected"

# Expectations that hold.
cat >"$T/pass.yml" <<YML
# the pack must catch the COPY
$COPY:
  at_least: 1
  min_recall: 0.01
  max_fp: 5
YML
expect_rc 0 "--expect: every expectation met exits 0" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --expect "$T/pass.yml"
expect_in err "all 3 expectations met" "the summary says so"

# Expectations that fail: each printed with file:line:col and reason, exit 1.
cat >"$T/fail.yml" <<YML
$COPY:
  exactly: 1000
  min_recall: 0.9
no-such-rule:
  at_least: 1
YML
expect_rc 1 "--expect: unmet expectations exit 1" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --expect "$T/fail.yml"
expect_in err "$T/fail.yml:2:3: expectation not met: rule $COPY: exactly 1000: expected exactly 1000 alerts, got 1" "the count is named with its place"
expect_re err "$T/fail.yml:3:3: expectation not met: rule $COPY: min_recall 0.9: expected a recall of at least 0.9, got 0\\.[0-9]{6} \\([0-9]+ of [0-9]+ malicious records\\)" "the recall is named with its place"
expect_in err "$T/fail.yml:5:3: expectation not met: rule no-such-rule: at_least 1: expected at least 1 alert, got 0" "a rule that matched nothing fails at_least"
expect_in err "3 of 3 expectations not met" "the summary counts them"
expect_in out "(no alerts)" "the rule that matched nothing is listed"
expect_rc 1 "--expect with --json exits 1 too" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --expect "$T/fail.yml" --json
expect_in out '{"rule_id":"no-such-rule","title":null,"level":null,"alerts":0,"tp":0,"fp":0,"precision":null,' "the unmatched rule is a row in the JSON"
expect_in out '"expectations":{"checked":3,"failed":3,' "the JSON carries the verdicts"

# Malformed expectations: exit 2 at file:line:col.
printf '%s:\n  at_least: 1\n  at_most: 2\n' "$COPY" >"$T/bad.yml"
expect_rc 2 "an unknown expectation key exits 2" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --expect "$T/bad.yml"
expect_in err "$T/bad.yml:3:3: unknown key 'at_most' (at_least, exactly, min_recall, max_fp)" "it is located"
printf '%s:\n  min_recall: 2\n' "$COPY" >"$T/bad2.yml"
expect_rc 2 "a recall above 1 exits 2" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --expect "$T/bad2.yml"
expect_in err "$T/bad2.yml:2:15: min_recall: expected a number from 0 to 1, got '2'" "it is located"

# Malformed alerts: exit 2 at file:line:col.
head -n 1 "$T/alerts.jsonl" >"$T/bad.jsonl"
printf '%s\n' '{"rule_id":"x","title":"t","time":"2026-03-02T25:00:00Z","records":[]}' >>"$T/bad.jsonl"
expect_rc 2 "an alert with a bad time exits 2" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/bad.jsonl"
expect_in err "$T/bad.jsonl:2:47: time: timestamp: hour 25 out of range" "it is located"
printf '%s\n' '{"rule_id":"x","title":"t","time":null,"records":[{"source":"conn"}]}' >"$T/bad2.jsonl"
expect_rc 2 "a record without a rid exits 2" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/bad2.jsonl"
expect_in err "$T/bad2.jsonl:1:51: records[0]: \"rid\" is missing" "it is located"
printf '{"rule_id":"x",\n' >"$T/bad3.jsonl"
expect_rc 2 "a line that is not JSON exits 2" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/bad3.jsonl"
expect_in err "$T/bad3.jsonl:1:16: expected '\"' to start a key" "it is located"

# Malformed answer key and manifest: exit 2 at file:line:col.
mkdir -p "$T/fake/truth"
cp "$T/ds/manifest.json" "$T/fake/"
printf '{"campaigns":[{"id":"c","steps":7}],\n"decoys":[]}\n' >"$T/fake/truth/answer-key.json"
expect_rc 2 "a malformed answer key exits 2" "$LEAKSIM" score --dataset "$T/fake" --alerts "$T/none.jsonl"
expect_in err "$T/fake/truth/answer-key.json:1:33: campaigns[0].steps: expected an array, got a number" "it is located"
printf '{"days":"7"}\n' >"$T/fake/manifest.json"
expect_rc 2 "a malformed manifest exits 2" "$LEAKSIM" score --dataset "$T/fake" --alerts "$T/none.jsonl"
expect_in err "$T/fake/manifest.json:1:9: days: expected a number, got a string" "it is located"

# Usage errors.
expect_rc 2 "no arguments" "$LEAKSIM" score
expect_in err "--dataset DIR and --alerts FILE are required" "the usage error says what is missing"
expect_rc 2 "a missing alerts file" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/nope.jsonl"
expect_in err "$T/nope.jsonl: cannot open" "the missing file is named"
expect_rc 2 "a missing dataset" "$LEAKSIM" score --dataset "$T/nope" --alerts "$T/alerts.jsonl"
expect_rc 2 "a directory that is not a dataset" "$LEAKSIM" score --dataset "$T/fake/truth" --alerts "$T/alerts.jsonl"
expect_in err "manifest.json: cannot open" "the missing manifest is named"
expect_rc 2 "a missing expectations file" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --expect "$T/nope.yml"
expect_rc 2 "an unknown option" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --frobnicate
expect_rc 2 "a stray operand" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" extra
expect_rc 0 "--help" "$LEAKSIM" score --help
expect_in out "usage: leaksim score --dataset DIR --alerts FILE" "--help prints the usage"
expect_rc 0 "help score" "$LEAKSIM" help score
expect_in out "--expect FILE" "help names --expect"
