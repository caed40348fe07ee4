# leaksim realism: the tables, the JSON object and its keys, hours that add
# up to each source's events, determinism, and bad datasets.
. "$(dirname "$0")/lib.sh"

"$LEAKSIM" generate --scenario small --out "$T/ds" --quiet

expect_rc 0 "realism runs over a dataset" "$LEAKSIM" realism "$T/ds"
expect_in out "local time UTC+08:00 (from the manifest's start)" "the offset comes from the manifest"
expect_in out "Activity by local hour" "the hourly curves are shown"
expect_in out "Activity by local weekday" "the weekday curves are shown"
expect_in out "conn       orig_bytes" "conn sizes are shown"
expect_in out "Sysmon process creations by Image" "the process mix is shown"
expect_in out "dba_backup" "the hard negatives are listed"
expect_empty err "nothing on stderr for a clean dataset"
cp "$T/out" "$T/text1"

expect_rc 0 "--json" "$LEAKSIM" realism --json "$T/ds"
cp "$T/out" "$T/json1"
if [ "$(wc -l <"$T/json1" | tr -d ' ')" = 1 ]; then pass "--json writes one line"; else fail "--json writes one line"; fi
for key in '{"dataset":"' '"events":' '"excluded_malicious":' '"hours":{"db_audit":[' \
	'"weekdays":{"db_audit":[' '"sizes":{"conn":{"orig_bytes":{"p50":' '"destinations":{"proxy_hosts":[' \
	'"processes":[{"value":"' '"hard_negatives":[{"kind":"dba_backup","entries":1,"occurrences":' \
	'"utc_offset_minutes":480,' '"people":20,' '"days":2,'; do
	expect_in out "$key" "the JSON has $key"
done

# Every source's hours add up to its events (less those without a time),
# and so do its weekdays; 24 hours and 7 days each.
awk '
function field(s, name,   r) {
	if (!match(s, "\"" name "\":[0-9]+")) return -1
	r = substr(s, RSTART, RLENGTH); sub(/.*:/, "", r); return r + 0
}
{
	for (part = 0; part < 2; part++) {
		key = part ? "weekdays" : "hours"; want = part ? 7 : 24
		if (!match($0, "\"" key "\":\\{[^}]*\\}")) { print "no " key; bad = 1; continue }
		obj = substr($0, RSTART + length(key) + 4, RLENGTH - length(key) - 5)
		while (match(obj, /"[a-z_]+":\[[0-9,]*\]/)) {
			ent = substr(obj, RSTART, RLENGTH); obj = substr(obj, RSTART + RLENGTH)
			name = ent; sub(/":.*/, "", name); sub(/^"/, "", name)
			vals = ent; sub(/.*\[/, "", vals); sub(/\].*/, "", vals)
			n = split(vals, v, ","); sum = 0
			for (i = 1; i <= n; i++) sum += v[i]
			# The "sources" object runs up to the "hours" key that follows it.
			srcs = substr($0, index($0, "\"sources\":"))
			srcs = substr(srcs, 1, index(srcs, "\"hours\":"))
			if (!match(srcs, "\"" name "\":\\{[^}]*\\}")) { print "no source " name; bad = 1; continue }
			src = substr(srcs, RSTART, RLENGTH)
			ev = field(src, "events"); un = field(src, "untimed")
			if (n != want || sum != ev - un || ev <= 0) { print key " " name ": " n " values, sum " sum ", events " ev " untimed " un; bad = 1 }
			checked++
		}
	}
	if (checked < 18) { print "only " checked " curves"; bad = 1 }
	exit bad
}' "$T/json1" >"$T/sums"
if [ $? -eq 0 ]; then pass "hours and weekdays add up to each source's events"; else fail "hours and weekdays add up to each source's events" "$(cat "$T/sums")"; fi

# The campaign is left out: the answer key lists its records and they are found.
if grep -q '"excluded_malicious":[1-9]' "$T/json1"; then pass "campaign events are excluded"; else fail "campaign events are excluded"; fi

# Deterministic: two runs give the same bytes.
"$LEAKSIM" realism --json "$T/ds" >"$T/json2" 2>/dev/null
if cmp -s "$T/json1" "$T/json2"; then pass "--json is deterministic"; else fail "--json is deterministic"; fi
"$LEAKSIM" realism "$T/ds" >"$T/text2" 2>/dev/null
if cmp -s "$T/text1" "$T/text2"; then pass "the tables are deterministic"; else fail "the tables are deterministic"; fi

# Unreadable lines are counted and named, never dropped silently.
cp -r "$T/ds" "$T/dirty"
printf 'not a record\n' >>"$T/dirty/logs/proxy.jsonl"
expect_rc 0 "a dataset with an unreadable line" "$LEAKSIM" realism --json "$T/dirty"
expect_in out '"unreadable":1,' "the unreadable line is counted"
expect_in err "proxy.jsonl:" "the unreadable line is named with its file"

# Without a manifest: UTC, and the output says so.
rm "$T/dirty/manifest.json"
expect_rc 0 "a dataset without a manifest" "$LEAKSIM" realism "$T/dirty"
expect_in out "UTC assumed" "the output says UTC is assumed"

# Bad datasets and usage errors exit 2 with a message.
expect_rc 2 "a missing directory" "$LEAKSIM" realism "$T/none"
expect_in err "not a dataset directory" "a missing directory is named"
mkdir -p "$T/empty"
expect_rc 2 "a directory without logs" "$LEAKSIM" realism "$T/empty"
expect_in err "not a dataset" "a directory without logs is refused"
cp -r "$T/ds" "$T/badkey"
printf '{"decoys":[\n{"kind":"x","records":[{"source":"conn","rid":"zz"}]}]}\n' >"$T/badkey/truth/answer-key.json"
expect_rc 2 "a broken answer key" "$LEAKSIM" realism "$T/badkey"
expect_in err "answer-key.json:2:" "the answer key error is located"
printf '{"people":' >"$T/badkey/manifest.json"
expect_rc 2 "a broken manifest" "$LEAKSIM" realism "$T/badkey"
expect_in err "manifest.json:1:" "the manifest error is located"
expect_rc 2 "no dataset" "$LEAKSIM" realism
expect_rc 2 "two datasets" "$LEAKSIM" realism "$T/ds" "$T/ds"
expect_rc 2 "an unknown option" "$LEAKSIM" realism --bogus "$T/ds"
expect_rc 0 "--help" "$LEAKSIM" realism --help
expect_in out "usage: leaksim realism" "--help prints the usage"
