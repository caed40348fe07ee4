# leaksim audit: a hand-built dataset that is clean, then one planted leak of
# each kind (a public address, a real domain, an ID number with a valid check
# character), each named by file and line; unparseable lines; the cap on
# printed findings; and the usage errors.
. "$(dirname "$0")/lib.sh"

D="$T/ds"
mkdir -p "$D/logs"

# The clean dataset. 230102198506151235 has a wrong check character (the
# right one is 4); 2001:db8::/32, 10/8 and .example names are all synthetic.
build_clean() {
	printf '%s\n' '{"leaksim":"0.1.0","scenario":"default","seed":7,"profile":"telegram","files":[]}' \
		>"$D/manifest.json"
	cat >"$D/logs/x.jsonl" <<'JSONL'
{"EventID":3,"Computer":"LT-0042","DestinationIp":"10.20.30.40","DestinationHostname":"api.telegram.org","Image":"C:\\Program Files\\Msgr\\msgr.exe"}
{"c-ip":"10.1.2.3","cs-host":"files.corp.example:443","c-uri":"https://files.corp.example/up?id=230102198506151235","c-useragent":"Mozilla/5.0 Chrome/120.0.6099.109"}
{"user":"alice@corp.example","remote_host":"2001:db8::17","rows":1950000,"note":"std::vector 12:30:00"}
JSONL
	t=$(printf '\t')
	cat >"$D/logs/conn.log" <<ZEEK
#separator \\x09
#set_separator${t},
#empty_field${t}(empty)
#unset_field${t}-
#path${t}conn
#fields${t}ts${t}uid${t}id.orig_h${t}id.resp_h${t}id.resp_p${t}service${t}tunnel_parents
#types${t}time${t}string${t}addr${t}addr${t}port${t}string${t}set[string]
1709280000.000001${t}Ca1${t}10.1.2.3${t}203.0.113.7${t}443${t}ssl${t}(empty)
1709280001.500000${t}Ca2${t}10.1.2.4${t}198.51.100.9${t}53${t}-${t}Cx,Cy
#close${t}2024-03-01-09-00-00
ZEEK
	printf '%s\n' \
		'<38>1 2024-03-01T08:00:00.000001Z db01 sshd 4242 - [leaksim@32473 rid="0a1b2c3d4e5f60718293"] Accepted publickey for alice from 10.1.2.3 port 51234 ssh2' \
		'<86>1 2024-03-01T08:00:05.000001Z db01.corp.example CRON 99 - [leaksim@32473 rid="ffeeddccbbaa99887766"] (postgres) CMD (pg_dump -h 192.0.2.5 register)' \
		>"$D/logs/auth.log"
}

build_clean
expect_rc 0 "a clean dataset exits 0" "$LEAKSIM" audit "$D"
expect_in out "audit: 8 records in 4 files: clean" "the summary counts records and files"
expect_empty err "a clean audit writes nothing to stderr"

# A planted public address, named by file and line.
sed -i 's/198\.51\.100\.9/198.51.101.9/' "$D/logs/conn.log"
expect_rc 1 "a public address exits 1" "$LEAKSIM" audit "$D"
expect_in out "leaksim audit: logs/conn.log:9: public address: 198.51.101.9 in field id.resp_h" \
	"the public address is named with file and line"
expect_in out "audit: 8 records in 4 files: 1 finding" "the summary counts one finding"

# A planted real domain (in a syslog message's URL).
build_clean
sed -i '2s|CMD (pg_dump|CMD (curl https://dump.evil.net/x; pg_dump|' "$D/logs/auth.log"
expect_rc 1 "a real domain exits 1" "$LEAKSIM" audit "$D"
expect_in out "leaksim audit: logs/auth.log:2: real domain: dump.evil.net in field message" \
	"the real domain is named with file and line"

# The same host name is fine under its own profile only.
build_clean
sed -i 's/"profile":"telegram"/"profile":"msgr"/' "$D/manifest.json"
expect_rc 1 "a profile's real host is a finding under another profile" "$LEAKSIM" audit "$D"
expect_in out "leaksim audit: logs/x.jsonl:1: real domain: api.telegram.org in field DestinationHostname" \
	"the telegram host is reported under msgr"

# A planted ID number with a valid check character (it is shown masked).
build_clean
sed -i 's/230102198506151235/230102198506151234/' "$D/logs/x.jsonl"
expect_rc 1 "a valid-check ID number exits 1" "$LEAKSIM" audit "$D"
expect_in out "leaksim audit: logs/x.jsonl:2: valid ID number: 230102********1234 in field c-uri" \
	"the ID number is named with file and line, masked"
if grep -q 230102198506151234 "$T/out"; then
	fail "the ID number is never printed in full" "$(cat "$T/out")"
else
	pass "the ID number is never printed in full"
fi

# Lines that do not parse are findings, never skipped.
build_clean
printf '{"a":1,}\n' >>"$D/logs/x.jsonl"
expect_rc 1 "an unparseable line exits 1" "$LEAKSIM" audit "$D"
expect_in out "leaksim audit: logs/x.jsonl:4: cannot parse: column 8:" \
	"the unparseable line is named with file, line and column"

# Past 100 findings only a count is printed.
build_clean
i=0
while [ $i -lt 150 ]; do
	printf '{"DestinationIp":"8.8.8.%d"}\n' $((i % 200)) >>"$D/logs/x.jsonl"
	i=$((i + 1))
done
expect_rc 1 "many findings exit 1" "$LEAKSIM" audit "$D"
lines=$(grep -c '^leaksim audit: logs/' "$T/out")
if [ "$lines" -eq 100 ]; then pass "100 findings are printed"; else fail "100 findings are printed" "got $lines"; fi
expect_in out "leaksim audit: 50 more findings not shown" "the rest are counted"
expect_in out "audit: 158 records in 4 files: 150 findings" "the summary counts every finding"

# Usage errors.
expect_rc 2 "a missing directory exits 2" "$LEAKSIM" audit "$T/nope"
expect_in err "no such directory" "a missing directory is named"
build_clean
rm "$D/manifest.json"
expect_rc 2 "a missing manifest exits 2" "$LEAKSIM" audit "$D"
expect_in err "cannot open manifest.json" "a missing manifest is named"
build_clean
rm -r "$D/logs"
expect_rc 2 "a missing logs/ exits 2" "$LEAKSIM" audit "$D"
expect_in err "no logs/ directory" "a missing logs/ is named"
expect_rc 2 "no operand exits 2" "$LEAKSIM" audit
expect_rc 2 "two operands exit 2" "$LEAKSIM" audit "$D" "$D"
