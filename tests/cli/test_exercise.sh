# leaksim exercise: a pack of the small scenario graded at full marks from
# the instructor's answers and at zero from an empty file; right, wrong and
# malformed answers; tolerant canonicalisation; the trainee's offline check;
# no answer in plain text anywhere in the pack outside the logs, and no
# truth files; the sealed answer key against another instructor's key and
# against tampering; per-trainee variants with different answers; staged
# release cut at step boundaries; the same pack from the same inputs (all
# but the sealed box and the root seal that hashes it); usage errors.
. "$(dirname "$0")/lib.sh"

S=14695981039346656037
"$LEAKSIM" keygen --out "$T/inst" >/dev/null || fail "keygen instructor"
"$LEAKSIM" keygen --out "$T/other" >/dev/null || fail "keygen other"
DS="$T/ds"
"$LEAKSIM" generate --scenario small --seed "$S" --quiet --out "$DS" || fail "generate the dataset"

PA="$T/pa"
expect_rc 0 "pack the small scenario with staged release" \
	"$LEAKSIM" exercise pack --scenario small --seed "$S" --stage --instructor-pubkey "$T/inst.pub" --out "$PA"
expect_in out "12 questions each" "pack says how many questions it asked"
expect_empty err "a 64-bit seed draws no warning"
for f in pack.json pack.pub answers.sealed manifest.json trainee-01/questions.yaml trainee-01/pack.pub \
	trainee-01/dataset/manifest.json trainee-01/dataset/logs/conn.log trainee-01/stage-1/logs/conn.log; do
	[ -f "$PA/$f" ] || fail "the pack holds $f"
done
pass "the pack holds its files"

# ------------------------------------------------------------ answers, grade
expect_rc 0 "answers opens the sealed answer key" \
	"$LEAKSIM" exercise answers --pack "$PA" --instructor-key "$T/inst.key"
cp "$T/out" "$T/answers.yaml"
if [ "$(grep -c '^[0-9]*: "' "$T/answers.yaml")" -eq 12 ]; then pass "answers prints 12 answers"; else fail "answers prints 12 answers" "$(cat "$T/answers.yaml")"; fi
expect_rc 0 "grade the instructor's answers" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/answers.yaml"
expect_in out "trainee 1: 12 of 12 right" "the instructor's answers get full marks"
expect_rc 0 "grade --json" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/answers.yaml" --json
expect_in out '{"score":12,"max":12,' "--json gives score and max"
expect_in out '"questions":[{"number":1,' "... and the questions"

: >"$T/empty.yaml"
expect_rc 0 "an empty answers file is graded" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/empty.yaml" --json
expect_in out '{"score":0,"max":12,' "an empty answers file scores 0"
expect_in err "no answers" "... and says so"
printf '1: [oops\n' >"$T/bad.yaml"
expect_rc 2 "a malformed answers file exits 2" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/bad.yaml" --json
expect_in out '{"score":0,"max":12,' "a malformed answers file scores 0"
expect_in out '"error":"' "... with the error in the JSON"
expect_in err "bad.yaml:2:1:" "... located on stderr"
printf '1: a\n99: b\n' >"$T/range.yaml"
expect_rc 2 "a question number out of range is an error" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/range.yaml"
expect_in err "range.yaml:2:1: '99' is not a question number (1 to 12)" "... located"
expect_in out "trainee 1: 0 of 12 right" "... and scores 0"
printf '\001\377\000garbage' >"$T/binary.yaml"
expect_rc 2 "a binary answers file is an error, not a crash" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/binary.yaml"
expect_rc 2 "a missing answers file is an error" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/none.yaml"

ans() { sed -n "s/^$1: \"\(.*\)\"\$/\1/p" "$T/answers.yaml"; }
acct=$(ans 1) host=$(ans 2) dbacct=$(ans 3) xhost=$(ans 4) tcoll=$(ans 5) sess=$(ans 6)
rows=$(ans 7) tup=$(ans 8) tend=$(ans 9) up=$(ans 10) size=$(ans 11) chan=$(ans 12)
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
upper() { echo "$1" | tr 'a-z' 'A-Z'; }
mins() { date -u -d "@$(($(date -u -d "$1" +%s) + $2 * 60))" '+%Y-%m-%d %H:%M'; }

# Tolerant forms, all right.
{
	echo "1: 'CORP\\$(upper "$acct")'"
	echo "2: $(echo "$host" | tr 'A-Z' 'a-z').corp.example"
	echo "3: $(upper "$dbacct")"
	echo "4: \"  $xhost  \""
	echo "5: $(mins "$tcoll" 0)"
	echo "6: $(upper "$sess")"
	echo "q7: $(commas "$rows") rows"
	echo "8: $(TZ=Etc/GMT-8 date -d "$tup" '+%Y-%m-%dT%H:%M:%S+08:00')"
	echo "9: $(mins "$tend" 1) UTC"
	echo "10: $(commas "$up") bytes"
	echo "11: $(echo "$size" | sed 's/\(...\)$/ \1/') B"
	echo "12: \"@$(upper "$chan")\""
} >"$T/tolerant.yaml"
expect_rc 0 "grade tolerant forms" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/tolerant.yaml"
expect_in out "trainee 1: 12 of 12 right" "case, domains, separators, units, offsets and a minute off are all accepted"

# Wrong and unanswered ones, with feedback.
{
	echo "1: $acct"
	echo "2: ${host}9"
	echo "5: $(mins "$tcoll" 2)"
	echo "7: $((rows + 1))"
	echo "10: lots"
	echo "12:"
} >"$T/mixed.yaml"
expect_rc 0 "grade a mixed answers file" \
	"$LEAKSIM" exercise grade --pack "$PA" --instructor-key "$T/inst.key" --answers "$T/mixed.yaml"
expect_in out "trainee 1: 1 of 12 right" "one right, the rest wrong or unanswered"
expect_in out "wrong (read as $(echo "$host" | tr 'A-Z' 'a-z')9)" "a wrong name says how it was read"
expect_in out "wrong (read as $(date -u -d "$(mins "$tcoll" 2)" '+%Y-%m-%dT%H:%MZ'))" "two minutes off is wrong"
expect_in out "wrong (not a byte count" "an unreadable number says so"
expect_in out "not answered; the evidence is in messaging.jsonl" "an empty answer is unanswered, with a hint"

# ------------------------------------------------------------------ check
TR="$PA/trainee-01"
expect_rc 0 "check: a right answer exits 0" "$LEAKSIM" exercise check --pack "$TR" --question 1 --answer "$acct"
expect_in out "question 1: right" "check says right"
expect_rc 1 "check: a wrong answer exits 1" "$LEAKSIM" exercise check --pack "$TR" --question 1 --answer "${acct}x"
expect_in out "question 1: wrong" "check says wrong"
expect_rc 0 "check: a time a minute early is right" "$LEAKSIM" exercise check --pack "$TR" --question 5 --answer "$(mins "$tcoll" -1)"
expect_rc 1 "check: two minutes early is wrong" "$LEAKSIM" exercise check --pack "$TR" --question 5 --answer "$(mins "$tcoll" -2)"
expect_rc 0 "check: rows with separators" "$LEAKSIM" exercise check --pack "$TR" --question 7 --answer "$(commas "$rows")"
expect_rc 1 "check: an unreadable answer is wrong" "$LEAKSIM" exercise check --pack "$TR" --question 7 --answer "many"
expect_in out "not a whole number" "... and says why"
expect_rc 0 "check through the pack's folder (one trainee)" "$LEAKSIM" exercise check --pack "$PA" --question 12 --answer "$chan"
expect_rc 2 "check: a question that does not exist" "$LEAKSIM" exercise check --pack "$TR" --question 13 --answer x
expect_rc 2 "check: question 0" "$LEAKSIM" exercise check --pack "$TR" --question 0 --answer x
expect_rc 2 "check: no answer given" "$LEAKSIM" exercise check --pack "$TR" --question 1
expect_rc 2 "check: not a pack" "$LEAKSIM" exercise check --pack "$T" --question 1 --answer x

# ----------------------------------------------- no answers in plain text
# Numbers are also looked for in the integrity files, except their
# record counts ("records=20000" is an epoch boundary, not the row count).
leaks=""
for v in "$acct" "$host" "$dbacct" "$xhost" "$tcoll" "$sess" "$rows" "$tup" "$tend" "$up" "$size" "$chan"; do
	hits=$(grep -rlwF --exclude-dir=logs -- "$v" "$PA" | grep -v '\.chain$')
	hits="$hits$(find "$PA" -name '*.chain' -exec sed 's/ records=[0-9]*//g' {} + | grep -wF -- "$v")"
	[ -n "$hits" ] && leaks="$leaks $v in: $hits"
done
if [ -z "$leaks" ]; then pass "no answer appears in any pack file outside the logs"; else fail "no answer appears in any pack file outside the logs" "$leaks"; fi
if grep -rlwF --exclude-dir=logs -- "$S" "$PA" >/dev/null; then fail "the seed appears nowhere in the pack"; else pass "the seed appears nowhere in the pack"; fi
found=$(find "$PA" -name truth -o -name answer-key.json -o -name export-sessions.jsonl -o -name watermark.key -o -name artifacts)
if [ -z "$found" ]; then pass "no truth files in the pack"; else fail "no truth files in the pack" "$found"; fi
if grep -qF "$acct" "$TR/dataset/logs/sysmon.jsonl" && grep -qF "$sess" "$TR/dataset/logs/db_audit.jsonl" &&
	grep -qF "\"channel\":\"$chan\"" "$TR/dataset/logs/messaging.jsonl"; then
	pass "the evidence is in the trainee's logs"
else
	fail "the evidence is in the trainee's logs"
fi
if cmp -s "$TR/dataset/logs/conn.log" "$DS/logs/conn.log" && cmp -s "$TR/dataset/logs/auth.log" "$DS/logs/auth.log"; then
	pass "the trainee's logs are the dataset's, byte for byte"
else
	fail "the trainee's logs are the dataset's, byte for byte"
fi

# ----------------------------------------------------- integrity of a pack
expect_rc 0 "the trainee's logs verify under the pack key" "$LEAKSIM" verify --pubkey "$TR/pack.pub" "$TR/dataset"
expect_rc 0 "the whole pack verifies" "$LEAKSIM" verify --pubkey "$PA/pack.pub" "$PA"
expect_rc 1 "the dataset's own key does not vouch for the trainee's copy" \
	"$LEAKSIM" verify --pubkey "$DS/integrity/dataset.pub" "$TR/dataset"

# ------------------------------------------------- sealing and tampering
expect_rc 2 "another instructor's key is refused" \
	"$LEAKSIM" exercise answers --pack "$PA" --instructor-key "$T/other.key"
expect_in err "addressed to instructor key" "... and the message says so"
C="$T/copy"
cp -r "$PA" "$C"
other_x=$(sed -n 's/^x25519 //p' "$T/other.pub")
sed -i "s/\"x25519\":\"[0-9a-f]*\"/\"x25519\":\"$other_x\"/" "$C/pack.json"
expect_rc 1 "another key cannot open the sealed box even when pack.json names it" \
	"$LEAKSIM" exercise answers --pack "$C" --instructor-key "$T/other.key"
expect_in err "does not open with this instructor key" "... with a clear error"
rm -rf "$C"
cp -r "$PA" "$C"
printf 'x' | dd of="$C/answers.sealed" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_rc 1 "a tampered sealed answer key is caught" \
	"$LEAKSIM" exercise grade --pack "$C" --instructor-key "$T/inst.key" --answers "$T/answers.yaml"
rm -rf "$C"
cp -r "$PA" "$C"
sed -i '0,/question: "/s//question: "Really: /' "$C/trainee-01/questions.yaml"
expect_rc 1 "altered questions are caught" \
	"$LEAKSIM" exercise answers --pack "$C" --instructor-key "$T/inst.key"
expect_in err "not the questions the signed answer key was made for" "... and named"
expect_rc 1 "verify names the altered file" "$LEAKSIM" verify "$C"
rm -f "$C/answers.sealed"
expect_rc 2 "a missing sealed answer key is an input error" \
	"$LEAKSIM" exercise answers --pack "$C" --instructor-key "$T/inst.key"
cp "$T/inst.key" "$T/open.key"
chmod 644 "$T/open.key"
expect_rc 2 "a secret key others can read is refused" \
	"$LEAKSIM" exercise answers --pack "$PA" --instructor-key "$T/open.key"
expect_in err "chmod 600" "... with the fix in the message"
expect_rc 2 "a public key is not an instructor key" \
	"$LEAKSIM" exercise answers --pack "$PA" --instructor-key "$T/inst.pub"

# ------------------------------------------------------------- stages
nst=$(ls -d "$TR"/stage-* | wc -l)
if [ "$nst" -ge 4 ] && [ "$(sed -n 's/^stages: //p' "$TR/questions.yaml")" = "$nst" ]; then
	pass "stage folders, counted in questions.yaml ($nst)"
else
	fail "stage folders, counted in questions.yaml" "$nst"
fi
if grep '^    stage: ' "$TR/questions.yaml" | awk -v n="$nst" '$2 < 1 || $2 > n { bad = 1 } END { exit bad }'; then
	pass "every question names its stage"
else
	fail "every question names its stage"
fi
# Each stage's logs: a prefix of the full logs, every record before the
# cut, and the next record of the full log (if any) at or after it.
stage_bad=""
prev=0
for k in $(seq 1 "$nst"); do
	SD="$TR/stage-$k"
	cut=$(sed -n 's/.*"logs_before":"\([^"]*\)".*/\1/p' "$SD/manifest.json")
	cut_s=$(date -u -d "$cut" +%s)
	[ "$(date -u -d "$cut" +%S)" = 00 ] || stage_bad="$stage_bad stage-$k:cut-not-on-a-minute"
	[ "$cut_s" -gt "$prev" ] || stage_bad="$stage_bad stage-$k:cuts-not-increasing"
	prev=$cut_s
	"$LEAKSIM" verify --pubkey "$TR/pack.pub" "$SD" >/dev/null || stage_bad="$stage_bad stage-$k:verify"
	for f in "$SD"/logs/*; do
		full="$TR/dataset/logs/${f##*/}"
		nb=$(wc -c <"$f")
		head -c "$nb" "$full" | cmp -s - "$f" || stage_bad="$stage_bad $f:not-a-prefix"
		last=$(grep -v '^#' "$f" | tail -n 1)
		next=$(tail -c +"$((nb + 1))" "$full" | grep -v '^#' | head -n 1)
		for rec in last next; do
			eval "line=\$$rec"
			[ -n "$line" ] || continue
			case "$f" in
			*.jsonl) ts=$(echo "$line" | sed -n 's/.*"timestamp":"\([^"]*\)".*/\1/p'); t=$(date -u -d "$ts" +%s.%N) ;;
			*auth.log) ts=$(echo "$line" | cut -d' ' -f2); t=$(date -u -d "$ts" +%s.%N) ;;
			*) t=$(echo "$line" | cut -f1) ;;
			esac
			if [ "$rec" = last ]; then
				awk -v t="$t" -v c="$cut_s" 'BEGIN { exit !(t < c) }' || stage_bad="$stage_bad $f:record-after-cut"
			else
				awk -v t="$t" -v c="$cut_s" 'BEGIN { exit !(t >= c) }' || stage_bad="$stage_bad $f:record-missing"
			fi
		done
	done
done
if [ -z "$stage_bad" ]; then pass "each stage holds exactly the records before its cut"; else fail "each stage holds exactly the records before its cut" "$stage_bad"; fi
if command -v python3 >/dev/null 2>&1; then
	if python3 - "$DS" "$TR" "$nst" <<'EOF'; then pass "the cuts are the minute after each step's end, and each stage holds its steps' records"; else fail "the cuts are the minute after each step's end"; fi
import json, sys, datetime
ds, tr, nst = sys.argv[1], sys.argv[2], int(sys.argv[3])
key = json.load(open(ds + "/truth/answer-key.json"))
def t(s):
    return datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
want = {}
for st in key["campaigns"][0]["steps"]:
    b = t(st["end"]).replace(second=0) + datetime.timedelta(minutes=1)
    want.setdefault(b, []).append(st)
cuts = []
for k in range(1, nst + 1):
    m = json.load(open("%s/stage-%d/manifest.json" % (tr, k)))
    cuts.append(t(m["exercise"]["logs_before"]))
assert cuts == sorted(want), (cuts, sorted(want))
for k, c in enumerate(cuts, 1):
    text = {}
    for st in want[c]:
        for r in st["records"]:
            src = {"auth": "auth.log", "conn": "conn.log", "dns": "dns.log", "ssl": "ssl.log"}.get(r["source"], r["source"] + ".jsonl")
            if src not in text:
                text[src] = open("%s/stage-%d/logs/%s" % (tr, k, src)).read()
            assert r["rid"] in text[src], (k, st["name"], r)
EOF
else
	pass "# skip: python3 is not installed (step boundaries)"
fi

# ------------------------------------------------------------ determinism
PA2="$T/pa2"
expect_rc 0 "pack again from the same inputs" \
	"$LEAKSIM" exercise pack --scenario small --seed "$S" --stage --instructor-pubkey "$T/inst.pub" --out "$PA2" --quiet
# only_root_differs A B: the packs differ in nothing but answers.sealed and the root seal.
only_root_differs() {
	diff -rq "$1" "$2" | sed "s|$1/||; s|$2/||" | grep -v '^Files answers.sealed and answers.sealed differ$' |
		grep -v '^Files manifest.json and manifest.json differ$' |
		grep -v '^Files integrity/manifest.sig and integrity/manifest.sig differ$'
}
d=$(only_root_differs "$PA" "$PA2")
if [ -z "$d" ]; then
	pass "the same inputs give the same pack (but the sealed box and the root seal)"
else
	fail "the same inputs give the same pack" "$d"
fi
if cmp -s "$PA/answers.sealed" "$PA2/answers.sealed"; then fail "sealed boxes differ (ephemeral keys)"; else pass "sealed boxes differ (ephemeral keys)"; fi
"$LEAKSIM" exercise answers --pack "$PA2" --instructor-key "$T/inst.key" >"$T/answers2.yaml"
if cmp -s "$T/answers.yaml" "$T/answers2.yaml"; then pass "... but hold the same answer key"; else fail "... but hold the same answer key"; fi
PB="$T/pb"
expect_rc 0 "pack the same world from the dataset" \
	"$LEAKSIM" exercise pack --dataset "$DS" --stage --instructor-pubkey "$T/inst.pub" --out "$PB" --quiet
d=$(only_root_differs "$PA" "$PB")
if [ -z "$d" ]; then
	pass "--dataset and --scenario/--seed of the same world give the same pack"
else
	fail "--dataset and --scenario/--seed of the same world give the same pack" "$d"
fi

# ------------------------------------------------------ trainee variants
PC="$T/pc"
expect_rc 0 "pack three trainees" \
	"$LEAKSIM" exercise pack --scenario small --seed "$S" --trainees 3 --instructor-pubkey "$T/inst.pub" --out "$PC"
expect_in out "3 trainees" "pack says how many trainees"
if [ -d "$PC/trainee-01" ] && [ -d "$PC/trainee-02" ] && [ -d "$PC/trainee-03" ] && [ ! -d "$PC/trainee-04" ] && [ ! -d "$PC/trainee-01/stage-1" ]; then
	pass "one folder per trainee, no stages without --stage"
else
	fail "one folder per trainee, no stages without --stage"
fi
if cmp -s "$PC/trainee-01/dataset/logs/sysmon.jsonl" "$PA/trainee-01/dataset/logs/sysmon.jsonl"; then
	pass "trainee 1's world is the base seed's"
else
	fail "trainee 1's world is the base seed's"
fi
expect_rc 2 "several trainees: grade needs to know which" \
	"$LEAKSIM" exercise grade --pack "$PC" --instructor-key "$T/inst.key" --answers "$T/answers.yaml"
expect_in err "--trainee N" "... and says how"
for i in 1 2 3; do
	"$LEAKSIM" exercise answers --pack "$PC" --trainee "$i" --instructor-key "$T/inst.key" | grep -v '^#' >"$T/t$i.yaml"
	"$LEAKSIM" exercise grade --pack "$PC/trainee-0$i" --instructor-key "$T/inst.key" --answers "$T/t$i.yaml" >"$T/g$i" 2>&1
done
if grep -q "trainee 1: 12 of 12" "$T/g1" && grep -q "trainee 2: 12 of 12" "$T/g2" && grep -q "trainee 3: 12 of 12" "$T/g3"; then
	pass "each trainee's own answers get full marks (grade through the trainee's folder)"
else
	fail "each trainee's own answers get full marks" "$(cat "$T/g1" "$T/g2" "$T/g3")"
fi
diff12=$(diff "$T/t1.yaml" "$T/t2.yaml" | grep -c '^<')
diff23=$(diff "$T/t2.yaml" "$T/t3.yaml" | grep -c '^<')
if [ "$diff12" -ge 6 ] && [ "$diff23" -ge 6 ]; then
	pass "trainees' answers differ ($diff12 and $diff23 of 12)"
else
	fail "trainees' answers differ" "$diff12 $diff23"
fi
expect_rc 0 "trainee 1's answers graded for trainee 2" \
	"$LEAKSIM" exercise grade --pack "$PC" --trainee 2 --instructor-key "$T/inst.key" --answers "$T/t1.yaml"
if grep -q "trainee 2: 12 of 12" "$T/out"; then fail "shared answers do not score full marks"; else pass "shared answers do not score full marks"; fi
a2=$(sed -n 's/^1: "\(.*\)"$/\1/p' "$T/t2.yaml")
expect_rc 0 "check in trainee 2's folder" "$LEAKSIM" exercise check --pack "$PC/trainee-02" --question 1 --answer "$a2"
expect_rc 2 "check in the pack's folder needs --trainee" "$LEAKSIM" exercise check --pack "$PC" --question 1 --answer "$a2"
expect_rc 0 "check with --trainee" "$LEAKSIM" exercise check --pack "$PC" --trainee 2 --question 1 --answer "$a2"
expect_rc 2 "a trainee the pack does not have" \
	"$LEAKSIM" exercise answers --pack "$PC" --trainee 4 --instructor-key "$T/inst.key"
expect_rc 2 "a trainee's folder and another --trainee disagree" \
	"$LEAKSIM" exercise answers --pack "$PC/trainee-02" --trainee 3 --instructor-key "$T/inst.key"
PD="$T/pd"
expect_rc 0 "pack a dataset for two trainees (its scenario regenerated)" \
	"$LEAKSIM" exercise pack --dataset "$DS" --trainees 2 --instructor-pubkey "$T/inst.pub" --out "$PD" --quiet
if diff -rq "$PD/trainee-02" "$PC/trainee-02" >/dev/null; then
	pass "the dataset's second trainee is the scenario's second trainee"
else
	fail "the dataset's second trainee is the scenario's second trainee" "$(diff -rq "$PD/trainee-02" "$PC/trainee-02" | head -3)"
fi

# ------------------------------------------------------------ usage errors
expect_rc 2 "exercise without a subcommand" "$LEAKSIM" exercise
expect_rc 2 "an unknown subcommand" "$LEAKSIM" exercise frobnicate
expect_rc 0 "exercise --help" "$LEAKSIM" exercise --help
expect_in out "usage: leaksim exercise pack" "--help shows the usage"
expect_rc 0 "exercise pack --help" "$LEAKSIM" exercise pack --help
expect_rc 0 "leaksim help exercise" "$LEAKSIM" help exercise
expect_rc 0 "leaksim --help" "$LEAKSIM" --help
expect_in out "  exercise   exercise packs" "the general help lists exercise"
expect_rc 2 "pack without --out" "$LEAKSIM" exercise pack --scenario small --instructor-pubkey "$T/inst.pub"
expect_rc 2 "pack with both --dataset and --scenario" \
	"$LEAKSIM" exercise pack --dataset "$DS" --scenario small --instructor-pubkey "$T/inst.pub" --out "$T/x"
expect_rc 2 "pack --dataset with --seed" \
	"$LEAKSIM" exercise pack --dataset "$DS" --seed 3 --instructor-pubkey "$T/inst.pub" --out "$T/x"
expect_rc 2 "--trainees 0" "$LEAKSIM" exercise pack --scenario small --trainees 0 --instructor-pubkey "$T/inst.pub" --out "$T/x"
expect_rc 2 "--trainees 100" "$LEAKSIM" exercise pack --scenario small --trainees 100 --instructor-pubkey "$T/inst.pub" --out "$T/x"
expect_rc 2 "a secret key where the public one goes" \
	"$LEAKSIM" exercise pack --scenario small --instructor-pubkey "$T/inst.key" --out "$T/x"
expect_rc 2 "an existing pack is not replaced" \
	"$LEAKSIM" exercise pack --scenario small --seed 7 --instructor-pubkey "$T/inst.pub" --out "$PA"
expect_in err "warning: seed 7 is small" "a small seed draws a warning"
expect_in err "exists" "... and the refusal says why"
if [ ! -e "$T/x" ]; then pass "failed packs leave nothing behind"; else fail "failed packs leave nothing behind"; fi
expect_rc 0 "--force replaces a pack" \
	"$LEAKSIM" exercise pack --scenario small --seed 7 --instructor-pubkey "$T/inst.pub" --out "$PD" --force --quiet
expect_empty err "--quiet silences the small-seed warning"
if [ ! -d "$PD/trainee-02" ]; then pass "... and the new pack replaced the old"; else fail "... and the new pack replaced the old"; fi
if ls -a "$T" | grep -q '\.tmp-'; then fail "no temporary folders are left"; else pass "no temporary folders are left"; fi

# A damaged dataset is refused; so is one without a campaign.
cp -r "$DS" "$T/dsbad"
sed -i '100s/[0-9]/X/' "$T/dsbad/logs/conn.log"
expect_rc 2 "a damaged dataset is refused" \
	"$LEAKSIM" exercise pack --dataset "$T/dsbad" --instructor-pubkey "$T/inst.pub" --out "$T/x"
expect_in err "damaged" "... and the message says so"
printf 'name: quiet\ndescription: "no campaign"\ndays: 1\norganisation:\n  people: 5\n  team_size: 5\nregister:\n  rows: 1000\ncampaign:\n  enabled: false\n' >"$T/quiet.yaml"
expect_rc 2 "a world without a campaign has nothing to ask" \
	"$LEAKSIM" exercise pack --scenario "$T/quiet.yaml" --instructor-pubkey "$T/inst.pub" --out "$T/x"
expect_in err "no campaign" "... and the message says so"
if [ ! -e "$T/x" ]; then pass "nothing is written for a refused pack"; else fail "nothing is written for a refused pack"; fi
