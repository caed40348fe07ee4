# leaksim keygen: the two files and their modes, the format's header lines,
# refusal to overwrite, --force, and usage errors. Round trips through the
# library (sign/verify, seal/open) are in tests/unit/test_keys.c.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "keygen writes a key pair" "$LEAKSIM" keygen --out "$T/k"
if [ -s "$T/k.key" ] && [ -s "$T/k.pub" ]; then pass "PREFIX.key and PREFIX.pub exist"; else fail "PREFIX.key and PREFIX.pub exist"; fi
mode=$(stat -c %a "$T/k.key")
if [ "$mode" = 600 ]; then pass "the secret key file has mode 0600"; else fail "the secret key file has mode 0600" "mode $mode"; fi
expect_in out "fingerprint" "keygen prints the fingerprint"
if [ "$(head -n 1 "$T/k.pub")" = "leaksim public key v1" ] && [ "$(head -n 1 "$T/k.key")" = "leaksim secret key v1" ]; then
	pass "both files start with their header"
else
	fail "both files start with their header"
fi
if grep -q secret "$T/k.pub"; then fail "the public file holds no secret"; else pass "the public file holds no secret"; fi
if [ "$(grep -c '^ed25519 \|^x25519 ' "$T/k.key")" -eq 2 ] && grep -qF "$(sed -n 2p "$T/k.pub")" "$T/k.key"; then
	pass "the secret file repeats the public halves"
else
	fail "the secret file repeats the public halves"
fi

cp "$T/k.pub" "$T/k.pub.first"
expect_rc 2 "an existing key pair is not replaced" "$LEAKSIM" keygen --out "$T/k"
expect_in err "already exists" "the refusal says why"
if cmp -s "$T/k.pub" "$T/k.pub.first"; then pass "the refused keygen changed nothing"; else fail "the refused keygen changed nothing"; fi
touch "$T/half.pub"
expect_rc 2 "one existing file is enough to refuse" "$LEAKSIM" keygen --out "$T/half"
if [ -e "$T/half.key" ]; then fail "no secret is written beside a refused public file"; else pass "no secret is written beside a refused public file"; fi
expect_rc 0 "--force replaces the key pair" "$LEAKSIM" keygen --out "$T/k" --force
if cmp -s "$T/k.pub" "$T/k.pub.first"; then fail "--force makes a new key"; else pass "--force makes a new key"; fi

expect_rc 2 "--out is required" "$LEAKSIM" keygen
expect_rc 2 "an operand is refused" "$LEAKSIM" keygen --out "$T/x" extra
expect_rc 2 "an unknown option is refused" "$LEAKSIM" keygen --bits 4096 --out "$T/x"
expect_rc 2 "a missing directory is an error" "$LEAKSIM" keygen --out "$T/no/such/k"
expect_rc 0 "keygen --help" "$LEAKSIM" keygen --help
expect_in out "usage: leaksim keygen --out PREFIX" "the help shows the usage"
