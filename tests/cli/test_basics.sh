# The command-line shell: dispatch, help, version, exit codes, output errors.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "--help exits 0" "$LEAKSIM" --help
expect_in out "usage: leaksim COMMAND" "--help prints the usage line"
expect_in out "version" "--help lists the version command"
expect_empty err "--help writes nothing to stderr"

expect_rc 2 "no command exits 2" "$LEAKSIM"
expect_in err "usage: leaksim COMMAND" "no command prints usage to stderr"
expect_empty out "no command writes nothing to stdout"

expect_rc 2 "unknown command exits 2" "$LEAKSIM" frobnicate
expect_in err "unknown command 'frobnicate'" "unknown command is named"

expect_rc 2 "unknown global option exits 2" "$LEAKSIM" --frob
expect_in err "unknown option '--frob'" "unknown global option is named"

expect_rc 0 "version exits 0" "$LEAKSIM" version
expect_in out "leaksim 0." "version prints leaksim's version"
expect_in out "libsodium 1.0." "version prints the libsodium version"
expect_in out "libyaml " "version prints the libyaml version"
expect_in out "pcre2 " "version prints the PCRE2 version"
expect_in out "build: " "version prints the build configuration"

expect_rc 0 "--version exits 0" "$LEAKSIM" --version
expect_in out "leaksim 0." "--version prints the version"

expect_rc 0 "version --help exits 0" "$LEAKSIM" version --help
expect_in out "usage: leaksim version" "version --help prints its usage"

expect_rc 2 "unknown command option exits 2" "$LEAKSIM" version --bogus
expect_in err "leaksim version: unknown option '--bogus'" "unknown option names command and option"

expect_rc 2 "unknown short option exits 2" "$LEAKSIM" version -Z
expect_in err "unknown option '-Z'" "unknown short option is named"

expect_rc 2 "stray argument exits 2" "$LEAKSIM" version extra
expect_in err "unexpected argument 'extra'" "stray argument is named"

expect_rc 0 "help COMMAND exits 0" "$LEAKSIM" help version
expect_in out "usage: leaksim version" "help COMMAND shows that command's usage"
expect_rc 2 "help of an unknown command exits 2" "$LEAKSIM" help nosuch
expect_in err "unknown command 'nosuch'" "help names the unknown command"

# Every command in the table answers --help with exit 0 and a usage line.
"$LEAKSIM" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >"$T/cmds"
if [ -s "$T/cmds" ]; then pass "the command list is parseable"; else fail "the command list is parseable"; fi
while read -r cmd; do
	expect_rc 0 "$cmd --help exits 0" "$LEAKSIM" "$cmd" --help
	expect_in out "usage: leaksim $cmd" "$cmd --help prints its usage"
done <"$T/cmds"

# Output errors are reported, never silent.
if [ -w /dev/full ]; then
	"$LEAKSIM" version >/dev/full 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then pass "a full disk on stdout gives a non-zero exit"; else fail "a full disk on stdout gives a non-zero exit"; fi
	expect_in err "error writing standard output" "a full disk on stdout gives a message"
fi

# A closed pipe: the reader exits at once; leaksim must report it, not die silently.
"$LEAKSIM" --help 2>"$T/err" | true
if grep -qF "error writing standard output" "$T/err" || [ ! -s "$T/err" ]; then
	pass "a closed pipe never crashes leaksim"
else
	fail "a closed pipe never crashes leaksim" "$(cat "$T/err")"
fi
