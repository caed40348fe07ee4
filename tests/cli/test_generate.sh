# leaksim generate: output layout, refusal to overwrite, --force, errors with
# file:line:col, and byte-identical reruns.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "generate a small dataset" "$LEAKSIM" generate --scenario small --people 8 --days 1 --out "$T/a"
for f in db_audit.jsonl auth.log conn.log dns.log ssl.log proxy.jsonl sysmon.jsonl dhcp.jsonl messaging.jsonl; do
	if [ -s "$T/a/logs/$f" ]; then pass "logs/$f is written"; else fail "logs/$f is written"; fi
done
if [ -s "$T/a/manifest.json" ]; then pass "manifest.json is written"; else fail "manifest.json is written"; fi
expect_in out "records" "the summary counts records"
expect_in out "events/s" "the summary gives the speed"
if ls -a "$T" | grep -q '\.tmp-'; then fail "no temporary directory is left behind"; else pass "no temporary directory is left behind"; fi

# The manifest lists every file with its real size and hash.
for f in auth.log conn.log proxy.jsonl; do
	size=$(wc -c <"$T/a/logs/$f" | tr -d ' ')
	expect_in_file=$(grep -c "\"path\":\"logs/$f\",\"records\":[0-9]*,\"bytes\":$size," "$T/a/manifest.json")
	if [ "$expect_in_file" -eq 1 ]; then pass "manifest has the size of $f"; else fail "manifest has the size of $f"; fi
done

expect_rc 2 "an existing output is refused" "$LEAKSIM" generate --scenario small --people 8 --days 1 --out "$T/a"
expect_in err "already exists" "the refusal says why"
expect_rc 0 "--force replaces a dataset" "$LEAKSIM" generate --scenario small --people 8 --days 1 --out "$T/a" --force --quiet
expect_empty out "--quiet prints nothing"

# Same scenario and seed: byte-identical; another seed: different.
"$LEAKSIM" generate --scenario small --people 8 --days 1 --out "$T/b" --quiet
if cmp -s "$T/a/manifest.json" "$T/b/manifest.json"; then pass "same seed, same manifest"; else fail "same seed, same manifest"; fi
if diff -r "$T/a" "$T/b" >/dev/null; then pass "same seed, same bytes"; else fail "same seed, same bytes"; fi
"$LEAKSIM" generate --scenario small --people 8 --days 1 --seed 99 --out "$T/c" --quiet
if cmp -s "$T/a/logs/proxy.jsonl" "$T/c/logs/proxy.jsonl"; then fail "another seed, other bytes"; else pass "another seed, other bytes"; fi

# A directory that is not a dataset is never replaced.
mkdir -p "$T/home" && echo keep >"$T/home/file"
expect_rc 2 "--force refuses a non-dataset directory" "$LEAKSIM" generate --people 2 --days 1 --out "$T/home" --force
if [ -f "$T/home/file" ]; then pass "the non-dataset directory is untouched"; else fail "the non-dataset directory is untouched"; fi

# Bad input: exit 2 with a located message.
printf 'organisation:\n  people: 0\n' >"$T/bad.yaml"
expect_rc 2 "an out-of-range scenario value exits 2" "$LEAKSIM" generate --scenario "$T/bad.yaml" --out "$T/d"
expect_in err "bad.yaml:2:11:" "the error is file:line:col"
expect_rc 2 "an unknown scenario exits 2" "$LEAKSIM" generate --scenario nosuch --out "$T/d"
expect_rc 2 "--people 0 exits 2" "$LEAKSIM" generate --people 0 --out "$T/d"
expect_rc 2 "--days abc exits 2" "$LEAKSIM" generate --days abc --out "$T/d"
expect_rc 2 "--start with a bad date exits 2" "$LEAKSIM" generate --start 2026-02-30 --out "$T/d"
expect_rc 2 "--profile unknown exits 2" "$LEAKSIM" generate --profile signal --out "$T/d"
expect_rc 2 "a missing --out exits 2" "$LEAKSIM" generate
if [ -e "$T/d" ]; then fail "failed runs leave no output"; else pass "failed runs leave no output"; fi

# The telegram profile uses the real public client name.
expect_rc 0 "the telegram profile generates" "$LEAKSIM" generate --scenario telegram --people 12 --days 1 --out "$T/tg" --quiet
if grep -q 'Telegram.exe' "$T/tg/logs/sysmon.jsonl"; then pass "telegram profile: Telegram.exe in Sysmon"; else fail "telegram profile: Telegram.exe in Sysmon"; fi
if grep -q '"profile":"telegram"' "$T/tg/manifest.json"; then pass "the manifest names the profile"; else fail "the manifest names the profile"; fi

# The audit passes on every built-in scenario (small populations keep it quick)
# and flags a planted public address in a generated dataset.
# The hard preset's campaign needs its eleven days and a DBA to steal from.
for s in $("$LEAKSIM" scenarios | awk '{print $1}'); do
	size="--people 15 --days 2"
	[ "$s" = hard ] && size="--people 80"
	# shellcheck disable=SC2086
	"$LEAKSIM" generate --scenario "$s" $size --out "$T/audit-$s" --quiet
	expect_rc 0 "audit passes on the built-in scenario $s" "$LEAKSIM" audit "$T/audit-$s"
	expect_in out "clean" "audit of $s says clean"
done
sed -i '3s/"c-ip":"10\.[0-9.]*"/"c-ip":"8.8.8.8"/' "$T/audit-small/logs/proxy.jsonl"
expect_rc 1 "audit flags a planted public address" "$LEAKSIM" audit "$T/audit-small"
expect_in out "logs/proxy.jsonl:3:" "the finding names file:line"
expect_in out "8.8.8.8" "the finding names the address"
