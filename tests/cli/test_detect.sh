# leaksim detect: the bundled pack over a generated dataset, plain files with
# and without --logsource, the summary, --out, --strict and usage errors.
. "$(dirname "$0")/lib.sh"

"$LEAKSIM" generate --scenario small --out "$T/ds" --quiet

expect_rc 0 "detect runs the bundled pack over a dataset" "$LEAKSIM" detect --rules rules "$T/ds"
expect_in err "rules loaded, 0 rejected" "the summary counts the rules"
expect_in err "events read" "the summary counts the events"
expect_in out '"rule_id":"' "alerts are JSON lines with rule ids"
expect_in out '"records":[{"source":"db_audit","rid":"' "alerts reference records by source and rid"
# The campaign's collection (a COPY of the register) is caught.
expect_in out "COPY of the member register" "the campaign's COPY is alerted on"
cp "$T/out" "$T/alerts1"

# The same inputs give the same alerts, in time order.
"$LEAKSIM" detect --rules rules "$T/ds" >"$T/alerts2" 2>/dev/null
if cmp -s "$T/alerts1" "$T/alerts2"; then pass "detect is deterministic"; else fail "detect is deterministic"; fi
awk -F'"time":"' '{split($2, a, "\""); print a[1]}' "$T/alerts1" >"$T/times"
if sort -c "$T/times"; then pass "alerts come in time order"; else fail "alerts come in time order"; fi

# --out writes atomically and does not overwrite without --force.
expect_rc 0 "--out writes a file" "$LEAKSIM" detect --rules rules --out "$T/a.jsonl" "$T/ds"
expect_empty out "--out keeps stdout empty"
if cmp -s "$T/a.jsonl" "$T/alerts1"; then pass "--out holds the alerts"; else fail "--out holds the alerts"; fi
expect_rc 2 "--out refuses to overwrite" "$LEAKSIM" detect --rules rules --out "$T/a.jsonl" "$T/ds"
expect_rc 0 "--out --force overwrites" "$LEAKSIM" detect --rules rules --out "$T/a.jsonl" --force "$T/ds"

# Plain files: every rule applies without --logsource; with it, only matching ones.
mkdir -p "$T/r"
cat >"$T/r/post.yml" <<'YML'
title: Big POST
id: 0b0e2f5a-6f6e-4d6a-9e0e-2a3c1b9d7e01
level: low
tags: [attack.exfiltration, attack.t1567]
logsource:
  category: proxy
detection:
  sel:
    cs-method: POST
    cs-bytes|gt: 1000
  condition: sel
YML
printf '%s\n' '{"timestamp":"2026-03-02T01:00:00Z","cs-method":"POST","cs-bytes":5000}' \
	'{"timestamp":"2026-03-02T01:00:01Z","cs-method":"GET","cs-bytes":5000}' >"$T/p.jsonl"
expect_rc 0 "a plain JSON Lines file" "$LEAKSIM" detect --rules "$T/r" "$T/p.jsonl"
expect_in out "\"rid\":\"$T/p.jsonl:1\"" "a record without a rid is referenced as file:line"
expect_in out '"time":"2026-03-02T01:00:00.000000Z"' "the event time comes from timestamp"
expect_rc 0 "--logsource that matches" "$LEAKSIM" detect --rules "$T/r" --logsource category=proxy "$T/p.jsonl"
expect_in out "Big POST" "the rule applies to the declared logsource"
expect_rc 0 "--logsource that does not match" "$LEAKSIM" detect --rules "$T/r" --logsource category=dns "$T/p.jsonl"
expect_empty out "no alert for another logsource"

# Rejected rules: named with file:line:col and reason; --strict exits 2.
cat >"$T/r/bad.yml" <<'YML'
title: Bad
logsource: {category: proxy}
detection:
  sel:
    cs-host|contians: evil
  condition: sel
YML
expect_rc 0 "a rejected rule does not stop the run" "$LEAKSIM" detect --rules "$T/r" "$T/p.jsonl"
expect_in err "$T/r/bad.yml:5:13: unknown modifier 'contians'" "the rejection names file:line:col and the modifier"
expect_rc 2 "--strict exits 2 on a rejected rule" "$LEAKSIM" detect --strict --rules "$T/r" "$T/p.jsonl"
expect_in err "contians" "--strict names the modifier"

# Usage errors.
expect_rc 2 "no --rules" "$LEAKSIM" detect "$T/p.jsonl"
expect_rc 2 "no input" "$LEAKSIM" detect --rules "$T/r"
expect_rc 2 "a missing rules path" "$LEAKSIM" detect --rules "$T/none" "$T/p.jsonl"
expect_rc 2 "a missing input" "$LEAKSIM" detect --rules "$T/r" "$T/none.jsonl"
expect_rc 2 "a bad --logsource" "$LEAKSIM" detect --rules "$T/r" --logsource color=red "$T/p.jsonl"
expect_rc 0 "--help" "$LEAKSIM" detect --help
expect_in out "usage: leaksim detect" "--help prints the usage"

# A correlation over the plain file: two POSTs within a minute from the same client.
cat >"$T/r2.yml" <<'YML'
title: POST
name: post
id: 9a1c2b3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d
logsource: {category: proxy}
detection:
  sel: {cs-method: POST}
  condition: sel
---
title: Two POSTs
id: 7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e
level: high
correlation:
  type: event_count
  rules: [post]
  group-by: [c-ip]
  timespan: 1m
  condition: {gte: 2}
YML
printf '%s\n' '{"timestamp":"2026-03-02T01:00:00Z","rid":"r1","c-ip":"10.0.0.1","cs-method":"POST"}' \
	'{"timestamp":"2026-03-02T01:00:30Z","rid":"r2","c-ip":"10.0.0.1","cs-method":"POST"}' \
	'{"timestamp":"2026-03-02T01:05:00Z","rid":"r3","c-ip":"10.0.0.2","cs-method":"POST"}' >"$T/c.jsonl"
expect_rc 0 "a correlation runs" "$LEAKSIM" detect --rules "$T/r2.yml" "$T/c.jsonl"
expect_in out '"title":"Two POSTs"' "the correlation alerts"
expect_in out '"group":{"c-ip":"10.0.0.1"}' "the alert names its group"
expect_in out '"records":[{"source":"'"$T"'/c.jsonl","rid":"r1"},{"source":"'"$T"'/c.jsonl","rid":"r2"}]' \
	"the alert lists every contributing record"
if grep -q '"title":"POST"' "$T/out"; then fail "generate: false keeps the base rule quiet"; else pass "generate: false keeps the base rule quiet"; fi
expect_in err "1 from correlations" "the summary counts correlation alerts"

# A correlation naming a rule that does not exist is an input error.
printf 'title: x\ncorrelation: {type: event_count, rules: [nosuch], timespan: 1m, condition: {gte: 1}}\n' >"$T/r3.yml"
expect_rc 0 "a dangling correlation reference rejects the correlation" "$LEAKSIM" detect --rules "$T/r3.yml" "$T/c.jsonl"
expect_in err "$T/r3.yml:1:1: correlation: no rule 'nosuch' is loaded" "the rejection names the missing rule"
expect_rc 2 "--strict exits 2 on a dangling reference" "$LEAKSIM" detect --strict --rules "$T/r3.yml" "$T/c.jsonl"

# A filter narrows the rule it names.
cat >"$T/f.yml" <<'YML'
title: Not 10.0.0.1
logsource: {category: proxy}
filter:
  rules: [post]
  one: {c-ip: 10.0.0.1}
  condition: not one
YML
expect_rc 0 "a filter loads with the rules" "$LEAKSIM" detect --rules "$T/r2.yml" --rules "$T/f.yml" "$T/c.jsonl"
if grep -q '"title":"Two POSTs"' "$T/out"; then fail "the filter removes the base matches"; else pass "the filter removes the base matches"; fi

# A pipeline renames fields; placeholders feed expand.
cat >"$T/pl.yml" <<'YML'
name: rename
transformations:
  - type: field_name_mapping
    mapping: {cs-method: http.request.method}
YML
printf '%s\n' '{"timestamp":"2026-03-02T01:00:00Z","cs-bytes":5000,"http":{"request":{"method":"POST"}}}' >"$T/ecs.jsonl"
expect_rc 0 "a pipeline applies" "$LEAKSIM" detect --rules "$T/r/post.yml" --pipeline "$T/pl.yml" "$T/ecs.jsonl"
expect_in out "Big POST" "the renamed field matches"
printf 'transformations:\n  - type: drop_detection_item\n' >"$T/bad-pl.yml"
expect_rc 2 "a bad pipeline exits 2" "$LEAKSIM" detect --rules "$T/r" --pipeline "$T/bad-pl.yml" "$T/p.jsonl"
expect_in err "$T/bad-pl.yml:2:11: unsupported transformation type" "the pipeline error is located"
cat >"$T/ex.yml" <<'YML'
title: admin
logsource: {category: proxy}
detection:
  sel:
    cs-username|expand: '%admins%'
  condition: sel
YML
printf 'admins: [alice, bob]\n' >"$T/ph.yml"
printf '%s\n' '{"timestamp":"2026-03-02T01:00:00Z","cs-username":"Bob"}' >"$T/u.jsonl"
expect_rc 0 "placeholders feed expand" "$LEAKSIM" detect --rules "$T/ex.yml" --placeholders "$T/ph.yml" "$T/u.jsonl"
expect_in out '"title":"admin"' "the expanded value matches"
expect_rc 0 "without placeholders the rule is rejected, not fatal" "$LEAKSIM" detect --rules "$T/ex.yml" "$T/u.jsonl"
expect_in err "expand" "the rejection names the modifier"

# explain shows each identifier, leaf and condition.
expect_rc 0 "explain runs" "$LEAKSIM" explain --rule rules/archiver_renamed.yml \
	--event '{"Image":"C:\\Temp\\svhost.exe","OriginalFileName":"7z.exe"}'
expect_in out "condition: (seven_zip and (not named)) => true" "explain shows the condition and its result"
expect_in out "value '7z.exe': matched" "explain shows each value"
expect_in out "result: match" "explain gives the verdict"
printf '{"Image":"C:\\\\Program Files\\\\7-Zip\\\\7z.exe","OriginalFileName":"7z.exe"}' >"$T/ev.json"
expect_rc 0 "explain reads @FILE" "$LEAKSIM" explain --rule rules/archiver_renamed.yml --event "@$T/ev.json"
expect_in out "result: no match" "explain says no match"
expect_rc 2 "explain with a bad event" "$LEAKSIM" explain --rule rules/archiver_renamed.yml --event '{"a":'
expect_rc 2 "explain without --event" "$LEAKSIM" explain --rule rules/archiver_renamed.yml

# The prefilter changes nothing but speed: the same alerts with and without it,
# for the pack and (when it is here) the whole SigmaHQ corpus.
"$LEAKSIM" detect --rules rules "$T/ds" >"$T/pf1" 2>/dev/null
"$LEAKSIM" detect --no-prefilter --rules rules "$T/ds" >"$T/pf2" 2>/dev/null
if cmp -s "$T/pf1" "$T/pf2"; then pass "the prefilter keeps the pack's alerts"; else fail "the prefilter keeps the pack's alerts"; fi
for dir in "${LEAKSIM_SIGMA_DIR:-}" ../shared/sigma /work/shared/sigma; do
	[ -n "$dir" ] && [ -d "$dir/sigmahq/rules" ] && break
done
if [ -d "$dir/sigmahq/rules" ]; then
	"$LEAKSIM" detect --rules "$dir/sigmahq/rules" "$T/ds" >"$T/pf3" 2>/dev/null
	"$LEAKSIM" detect --no-prefilter --rules "$dir/sigmahq/rules" "$T/ds" >"$T/pf4" 2>/dev/null
	if cmp -s "$T/pf3" "$T/pf4" && [ -s "$T/pf3" ]; then
		pass "the prefilter keeps SigmaHQ's alerts"
	else
		fail "the prefilter keeps SigmaHQ's alerts"
	fi
else
	fail "the SigmaHQ corpus was not found (set LEAKSIM_SIGMA_DIR)"
fi
# An escaped character cannot hide a match from it.
printf '%s\n' '{"timestamp":"2026-03-02T01:00:00Z","cs-method":"P\u004fST","cs-bytes":5000}' >"$T/esc.jsonl"
expect_rc 0 "an escaped line" "$LEAKSIM" detect --rules "$T/r/post.yml" "$T/esc.jsonl"
expect_in out "Big POST" "the prefilter does not hide an escaped match"
# Nor does JSON's escaped slash, nor a dash written another way under windash.
mkdir -p "$T/r2"
cat >"$T/r2/slash.yml" <<'YML'
title: Slash path
logsource: {category: proxy}
detection:
  sel:
    c-uri|contains: '/upload/part'
  condition: sel
YML
cat >"$T/r2/dash.yml" <<'YML'
title: Dashed flag
logsource: {category: proxy}
detection:
  sel:
    c-uri|windash|contains: ' -encodedcommand '
  condition: sel
YML
printf '%s\n' '{"timestamp":"2026-03-02T01:00:00Z","c-uri":"\/upload\/part?id=1"}' \
	'{"timestamp":"2026-03-02T01:00:01Z","c-uri":"x /EncodedCommand y"}' >"$T/slash.jsonl"
expect_rc 0 "escaped slashes" "$LEAKSIM" detect --rules "$T/r2" "$T/slash.jsonl"
expect_in out "Slash path" "the prefilter does not hide a match behind an escaped slash"
expect_in out "Dashed flag" "windash matches a slash where the rule has a dash"

# Low and slow: a small world whose insider trickles the archive out over two
# days is caught by the throttled-upload rule and by the weekly per-user sum,
# both on the campaign's own flows and for the insider.
cat >"$T/slow.yaml" <<'YML'
name: slow-test
description: "A small world whose insider leaks low and slow"
days: 5
organisation:
  people: 20
  team_size: 5
register:
  rows: 800000
campaign:
  preset: hard
  exfiltration:
    days: 2
YML
"$LEAKSIM" generate --scenario "$T/slow.yaml" --out "$T/slow" --quiet
expect_rc 0 "the pack over a low-and-slow campaign" "$LEAKSIM" detect --rules rules --out "$T/slow.alerts" "$T/slow"
insider=$(grep -o '"actors":\[{"user":"[^"]*"' "$T/slow/truth/answer-key.json" | sed 's/.*"user":"//; s/"$//')
exfil=$(grep -o '{"name":"exfiltration".*' "$T/slow/truth/answer-key.json" | head -1)
throttled=$(grep -c '"Throttled upload to the messenger' "$T/slow.alerts")
if [ "$throttled" -ge 1 ]; then pass "the throttled uploads are alerted on ($throttled)"; else fail "the throttled uploads are alerted on"; fi
bad=0
for rid in $(grep '"Throttled upload to the messenger' "$T/slow.alerts" | grep -o '"rid":"[^"]*"' | sed 's/"rid":"//; s/"$//'); do
	case "$exfil" in *"\"$rid\""*) ;; *) bad=$((bad + 1)) ;; esac
done
if [ "$bad" -eq 0 ]; then pass "every throttled-upload alert is an exfiltration flow"; else fail "every throttled-upload alert is an exfiltration flow ($bad are not)"; fi
if grep '"Slow uploads to the messenger add up over a week"' "$T/slow.alerts" | grep -q "\"group\":{\"user\":\"$insider\"}"; then
	pass "the weekly sum names the insider"
else
	fail "the weekly sum names the insider"
fi
