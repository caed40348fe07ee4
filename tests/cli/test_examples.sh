# The teaching example: a naive rule ("any 7-Zip archive with a password")
# scored on a generated dataset is fooled by the password-archive hard
# negatives, and an expectations file turns that into a failing gate, while
# the pack's rule for the same step (a password archive of a database
# export) raises no false alert.
. "$(dirname "$0")/lib.sh"

"$LEAKSIM" generate --scenario small --out "$T/ds" --quiet
"$LEAKSIM" detect --rules examples/naive_7zip_password.yml --rules rules/archiver_password_on_export.yml \
	--out "$T/alerts.jsonl" "$T/ds" 2>/dev/null
expect_rc 0 "score the two rules" "$LEAKSIM" score --dataset "$T/ds" --alerts "$T/alerts.jsonl" --json
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
naive = [r for r in d["rules"] if r["rule_id"] == "a2a3859f-e626-412c-9f21-21338f9181c7"]
assert naive and naive[0]["fp"] > 0, naive
assert "password_archive" in naive[0]["decoys_fooled"], naive
' "$T/out" 2>"$T/py"; then
	pass "the naive rule raises false alerts on password-archive hard negatives"
else
	fail "the naive rule raises false alerts on password-archive hard negatives" "$(cat "$T/py")"
fi
cat >"$T/expect.yml" <<'YML'
a2a3859f-e626-412c-9f21-21338f9181c7:
  max_fp: 0
d4280333-6865-43fe-8715-8fbb93376075:
  max_fp: 0
YML
expect_rc 1 "an expectation of no false alerts fails the naive rule" "$LEAKSIM" score --dataset "$T/ds" \
	--alerts "$T/alerts.jsonl" --expect "$T/expect.yml"
expect_in err "a2a3859f-e626-412c-9f21-21338f9181c7" "the failure names the naive rule"
if grep -q "d4280333-6865-43fe-8715-8fbb93376075" "$T/err"; then
	fail "the pack's rule meets the same expectation" "$(cat "$T/err")"
else
	pass "the pack's rule meets the same expectation"
fi
