# `leaksim scenarios`: the list of built-ins, `show` of a built-in or a file,
# and the errors: an invalid file, an unknown name, bad usage.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

expect_rc 0 "scenarios exits 0" "$LEAKSIM" scenarios
expect_empty err "scenarios writes nothing to stderr"
for name in default large small telegram; do
	# The description is the one written in the scenario's own YAML.
	desc=$(sed -n 's/^description: "\(.*\)"$/\1/p' "$top/sim/scenarios/$name.yaml")
	if [ -n "$desc" ] && awk -v n="$name" -v d="$desc" \
		'$1 == n { sub(/^[^ ]+ +/, ""); if ($0 == d) found = 1 } END { exit !found }' "$T/out"; then
		pass "scenarios lists $name with its description"
	else
		fail "scenarios lists $name with its description" "want: $name  $desc" "$(cat "$T/out")"
	fi
done
if [ "$(wc -l <"$T/out")" -eq "$(ls "$top"/sim/scenarios/*.yaml | wc -l)" ]; then
	pass "scenarios lists one line per built-in"
else
	fail "scenarios lists one line per built-in" "$(cat "$T/out")"
fi

expect_rc 0 "scenarios show small exits 0" "$LEAKSIM" scenarios show small
if cmp -s "$T/out" "$top/sim/scenarios/small.yaml"; then
	pass "scenarios show small prints sim/scenarios/small.yaml verbatim"
else
	fail "scenarios show small prints sim/scenarios/small.yaml verbatim" \
		"$(diff "$T/out" "$top/sim/scenarios/small.yaml" | head -n 20)"
fi
expect_rc 0 "scenarios show default exits 0" "$LEAKSIM" scenarios show default
if cmp -s "$T/out" "$top/sim/scenarios/default.yaml"; then
	pass "scenarios show default prints sim/scenarios/default.yaml verbatim"
else
	fail "scenarios show default prints sim/scenarios/default.yaml verbatim"
fi

# A file is printed verbatim once it has loaded, comments and all.
printf '# mine\norganisation:\n  people: 7   # a few\n' >"$T/mine.yaml"
expect_rc 0 "scenarios show FILE exits 0 for a valid file" "$LEAKSIM" scenarios show "$T/mine.yaml"
if cmp -s "$T/out" "$T/mine.yaml"; then
	pass "scenarios show FILE prints the file verbatim"
else
	fail "scenarios show FILE prints the file verbatim" "$(cat "$T/out")"
fi

# An invalid file: file:line:col on stderr, nothing on stdout, exit 2.
printf 'seed: 1\norganisation:\n  people: 0\n' >"$T/bad.yaml"
expect_rc 2 "scenarios show of an invalid file exits 2" "$LEAKSIM" scenarios show "$T/bad.yaml"
expect_in err "leaksim scenarios: $T/bad.yaml:3:11: organisation.people: must be between 1 and 100000, got 0" \
	"an invalid file is reported as file:line:col: message"
expect_empty out "an invalid file prints nothing on stdout"

printf 'seed: 1\nseed: 2\n' >"$T/dup.yml"
expect_rc 2 "a duplicate key exits 2" "$LEAKSIM" scenarios show "$T/dup.yml"
expect_in err "$T/dup.yml:2:1: seed: duplicate key" "a duplicate key is located"

printf 'campaign:\n  exfiltration:\n    path: carrier-pigeon\n' >"$T/camp.yaml"
expect_rc 2 "a bad campaign knob exits 2" "$LEAKSIM" scenarios show "$T/camp.yaml"
expect_in err "$T/camp.yaml:3:11: campaign.exfiltration.path: expected one of: native, bot, mixed, got 'carrier-pigeon'" \
	"a bad campaign knob is located and its choices listed"
printf 'campaign:\n  staging:\n    tool: zstd\n    password: true\n' >"$T/camp2.yaml"
expect_rc 2 "knobs that do not go together exit 2" "$LEAKSIM" scenarios show "$T/camp2.yaml"
expect_in err "$T/camp2.yaml:2:3: campaign: staging.password needs staging.tool zip or 7z" \
	"knobs that do not go together are reported at the campaign section"

expect_rc 2 "a missing file exits 2" "$LEAKSIM" scenarios show "$T/none.yaml"
expect_in err "$T/none.yaml: cannot open" "a missing file is named"

# Unknown names and bad usage.
expect_rc 2 "an unknown scenario exits 2" "$LEAKSIM" scenarios show nosuch
expect_in err "leaksim scenarios: unknown scenario 'nosuch' (see 'leaksim scenarios')" \
	"an unknown scenario is named"
expect_empty out "an unknown scenario prints nothing on stdout"
expect_rc 2 "an unknown sub-command exits 2" "$LEAKSIM" scenarios list
expect_in err "unknown sub-command 'list'" "an unknown sub-command is named"
expect_rc 2 "show without a name exits 2" "$LEAKSIM" scenarios show
expect_rc 2 "show with two names exits 2" "$LEAKSIM" scenarios show small large
expect_rc 2 "an unknown option exits 2" "$LEAKSIM" scenarios --bogus
expect_in err "leaksim scenarios: unknown option '--bogus'" "an unknown option is named"
expect_rc 0 "scenarios --help exits 0" "$LEAKSIM" scenarios --help
expect_in out "usage: leaksim scenarios" "scenarios --help prints the usage"
expect_rc 0 "scenarios show --help exits 0" "$LEAKSIM" scenarios show --help
expect_in out "usage: leaksim scenarios" "scenarios show --help prints the usage"
