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
