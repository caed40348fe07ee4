# leaksim attribute: the leaked export is named after the insider's export
# session whole, as a shuffled subset, converted to SQL, with columns dropped,
# sorted and de-duplicated; another register's export is unknown; bad input
# exits 2 with its file:line:col. The default story (a 5 % shuffled subset of
# its 1.95 million-row export) is checked in builds without sanitizers.
. "$(dirname "$0")/lib.sh"

# A small world whose register has 200,000 rows: 20 canaries per full export.
cat >"$T/mid.yaml" <<'EOF'
name: attribute-mid
description: "A small world with a register of 200,000 rows"
days: 2
organisation:
  people: 20
  team_size: 5
register:
  rows: 200000
EOF
"$LEAKSIM" generate --scenario "$T/mid.yaml" --out "$T/ds" --artifacts --quiet
leak="$T/ds/artifacts/members_export.csv"
sess=$(sed -n 's/.*"export_session":"\([0-9a-f]*\)".*/\1/p' "$T/ds/truth/answer-key.json" | head -n 1)
insider=$(sed -n 's/.*"actors":\[{"user":"\([^"]*\)".*/\1/p' "$T/ds/truth/answer-key.json" | head -n 1)
[ -n "$sess" ] && [ -n "$insider" ] || fail "the answer key names the leaked export's session"

# attributed FILE DESC: exit 0 and the insider's session named.
attributed() {
	expect_rc 0 "$2" "$LEAKSIM" attribute --dataset "$T/ds" "$1"
	expect_in out "session       $sess" "$2: the insider's export session"
}

attributed "$leak" "the whole leaked export"
expect_in out "verdict       attributed" "the verdict is given"
expect_in out "account     $insider" "the insider's account is named"
expect_in out "host        jump01" "the host of the export is named"
expect_in out "evidence    20 of its 20 canary rows" "every canary is found"
expect_in out "threshold     a false-attribution bound of at most 1e-06" "the threshold is stated"
expect_in out "  bound       " "the false-attribution bound is given"

expect_rc 0 "--json" "$LEAKSIM" attribute --json --dataset "$T/ds" "$leak"
expect_in out '"verdict":"attributed"' "--json gives the verdict"
expect_in out "\"attribution\":{\"session\":\"$sess\",\"account\":\"$insider\",\"host\":\"jump01\"," \
	"--json names the session, account and host"
expect_in out '"threshold":1e-06,' "--json gives the threshold"
if [ "$(wc -l <"$T/out" | tr -d ' ')" = 1 ]; then pass "--json writes one line"; else fail "--json writes one line"; fi

# A 30 % subset in random order (the header stays first).
awk 'BEGIN { srand(11) } NR == 1 { print; next } rand() < 0.3' "$leak" >"$T/sub.csv"
{ head -n 1 "$T/sub.csv"; tail -n +2 "$T/sub.csv" | awk 'BEGIN { srand(5) } { print rand() "\t" $0 }' |
	sort -k1,1 | cut -f2-; } >"$T/shuffled.csv"
attributed "$T/shuffled.csv" "a 30 % subset, shuffled"

# Sorted and de-duplicated after some rows were repeated.
{ head -n 1 "$T/sub.csv"; { tail -n +2 "$T/sub.csv"; tail -n +2 "$T/sub.csv" | head -n 500; } | sort -u; } >"$T/sorted.csv"
attributed "$T/sorted.csv" "repeated rows, then sort -u"

if command -v python3 >/dev/null 2>&1; then
	# CSV -> SQL: one INSERT per row, and COPY inside a pg_dump script.
	python3 - "$T/shuffled.csv" "$T/insert.sql" "$T/dump.sql" "$T/cols.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
head, data = rows[0], rows[1:]
with open(sys.argv[2], 'w') as f:
    for r in data:
        vals = ", ".join("'" + v.replace("'", "''") + "'" for v in r)
        f.write("INSERT INTO public.members (%s) VALUES (%s);\n" % (", ".join(head), vals))
with open(sys.argv[3], 'w') as f:
    f.write("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n")
    f.write("CREATE TABLE public.members (\n" + ",\n".join("    %s text" % c for c in head) + "\n);\n\n")
    f.write("COPY public.members (%s) FROM stdin;\n" % ", ".join(head))
    for r in data:
        f.write("\t".join(v.replace("\\", "\\\\").replace("\t", "\\t") for v in r) + "\n")
    f.write("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n")
keep = [head.index(c) for c in ("full_name", "birth_date", "phone")]
with open(sys.argv[4], 'w', newline='') as f:
    w = csv.writer(f, lineterminator="\n")
    for r in rows:
        w.writerow([r[i] for i in keep])
EOF
	attributed "$T/insert.sql" "converted to INSERT statements"
	attributed "$T/dump.sql" "converted to a pg_dump script"
	attributed "$T/cols.csv" "member_id and four other columns dropped"
	expect_in out "columns     full_name birth_date phone" "the columns kept are recognised"
else
	pass "# skip: python3 is not installed (conversions)"
fi

# The threshold is the caller's: a bound above it is unknown, exit 1.
expect_rc 1 "--threshold 1e-300 makes a leak of bound 1e-50 unknown" \
	"$LEAKSIM" attribute --threshold 1e-300 --dataset "$T/ds" "$T/sorted.csv"
expect_in out "verdict       unknown" "the verdict is unknown"

# Another register (another seed) is never attributed.
"$LEAKSIM" generate --scenario "$T/mid.yaml" --seed 99 --out "$T/other" --artifacts --quiet
expect_rc 1 "another register's export is unknown" \
	"$LEAKSIM" attribute --dataset "$T/ds" "$T/other/artifacts/members_export.csv"
expect_in out "verdict       unknown" "another register: verdict unknown"
expect_in out "0 of the register" "another register: none of its rows is ours"

# Bad input: exit 2 with a located message, never a crash.
expect_rc 2 "no --dataset" "$LEAKSIM" attribute "$leak"
expect_rc 2 "no FILE" "$LEAKSIM" attribute --dataset "$T/ds"
expect_rc 2 "a missing FILE" "$LEAKSIM" attribute --dataset "$T/ds" "$T/missing.csv"
expect_in err "missing.csv: cannot open" "a missing FILE is named"
expect_rc 2 "a directory as FILE" "$LEAKSIM" attribute --dataset "$T/ds" "$T"
expect_rc 2 "a missing dataset" "$LEAKSIM" attribute --dataset "$T/nothing" "$leak"
printf 'member_id,full_name\nM1,x\n\001\002\003\377garbage\n' >"$T/binary.csv"
expect_rc 2 "binary garbage" "$LEAKSIM" attribute --dataset "$T/ds" "$T/binary.csv"
expect_in err "binary.csv:3:1: binary data" "binary garbage is located"
: >"$T/empty.csv"
expect_rc 2 "an empty file" "$LEAKSIM" attribute --dataset "$T/ds" "$T/empty.csv"
expect_in err "no column of the member register" "an empty file: no register column"
printf 'member_id,full_name\nM1,"open\n' >"$T/open.csv"
expect_rc 1 "a last record cut inside quotes is dropped" "$LEAKSIM" attribute --dataset "$T/ds" "$T/open.csv"
printf 'INSERT INTO public.members (member_id) VALUES (upper(1));\n' >"$T/func.sql"
expect_rc 2 "an INSERT with an expression" "$LEAKSIM" attribute --dataset "$T/ds" "$T/func.sql"
expect_in err "func.sql:1:48: only literal values" "the expression is located"
expect_rc 2 "a bad --threshold" "$LEAKSIM" attribute --threshold 2 --dataset "$T/ds" "$leak"
expect_rc 0 "--help" "$LEAKSIM" attribute --help
expect_in out "usage: leaksim attribute --dataset DIR" "--help prints the usage"

cp -r "$T/ds/truth" "$T/truth.orig"
sed -i '3s/"rows":[0-9]*/"rows":"many"/' "$T/ds/truth/export-sessions.jsonl"
expect_rc 2 "a malformed export-session log" "$LEAKSIM" attribute --dataset "$T/ds" "$leak"
expect_in err "export-sessions.jsonl:3:" "the log's bad line is located"
cp "$T/truth.orig/export-sessions.jsonl" "$T/ds/truth/"
printf 'not a key\n' >"$T/ds/truth/watermark.key"
expect_rc 2 "a malformed watermark key" "$LEAKSIM" attribute --dataset "$T/ds" "$leak"
expect_in err "watermark.key:1:1: expected a hex digit" "the key's bad byte is located"
cp "$T/other/truth/watermark.key" "$T/ds/truth/watermark.key"
expect_rc 2 "another register's key" "$LEAKSIM" attribute --dataset "$T/ds" "$leak"
expect_in err "not the watermark key of the register of seed 1" "a foreign key is refused"
cp "$T/truth.orig/watermark.key" "$T/ds/truth/"

# The default story: the insider's 1.95 million-row export, a 5 % subset
# shuffled, names their session (release builds: generation takes seconds).
if "$LEAKSIM" version | grep -q 'sanitize: none'; then
	"$LEAKSIM" generate --out "$T/default" --artifacts --quiet
	dwant=$(sed -n 's/.*"export_session":"\([0-9a-f]*\)".*/\1/p' "$T/default/truth/answer-key.json" | head -n 1)
	dinsider=$(sed -n 's/.*"actors":\[{"user":"\([^"]*\)".*/\1/p' "$T/default/truth/answer-key.json" | head -n 1)
	[ -n "$dwant" ] && [ -n "$dinsider" ] || fail "the default answer key names the session and the insider"
	awk 'BEGIN { srand(3) } NR == 1 { print; next } rand() < 0.05' "$T/default/artifacts/members_export.csv" |
		awk 'NR == 1 { print; next } { print rand() "\t" $0 }' >"$T/d5.tmp"
	{ head -n 1 "$T/d5.tmp"; tail -n +2 "$T/d5.tmp" | sort -k1,1 | cut -f2-; } >"$T/d5.csv"
	rm -f "$T/d5.tmp" "$T/default/artifacts/members_export.csv"
	expect_rc 0 "the default story: a 5 % shuffled subset" "$LEAKSIM" attribute --dataset "$T/default" "$T/d5.csv"
	expect_in out "session       $dwant" "the default story: the insider's session"
	expect_in out "account     $dinsider" "the default story: the insider's account"
else
	pass "# skip: the default story runs in builds without sanitizers"
fi
