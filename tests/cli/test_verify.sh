# leaksim verify: an untouched dataset is intact; the tamper matrix on a
# generated small dataset (a byte changed, a line inserted, deleted, two
# lines swapped, the file truncated, a checkpoint signature corrupted), each
# caught, located and named; whole files added, removed or changed; the
# signer pinned with --pubkey; datasets signed with a keygen key; and the
# errors for malformed input (exit 2). The "re-sealed with a later key"
# attack needs the chain arithmetic, so tests/unit/test_integrity.c plays
# it on a generated dataset.
. "$(dirname "$0")/lib.sh"

D="$T/ds"
"$LEAKSIM" generate --scenario small --out "$D" --quiet || fail "generate the small dataset"

expect_rc 0 "an untouched dataset verifies" "$LEAKSIM" verify "$D"
expect_in out "verify: intact: 12 files," "verify says intact with the file count"
expect_in out "records," "... the record count"
expect_in out "epochs," "... the epoch count"
expect_in out "checkpoints" "... and the checkpoint count"
expect_rc 0 "audit still passes on a sealed dataset" "$LEAKSIM" audit "$D"

# tamper DESC COMMAND: run COMMAND on a fresh copy ($C), then verify it.
C="$T/copy"
tamper() {
	rm -rf "$C"
	cp -r "$D" "$C"
	eval "$2"
	expect_rc 1 "$1: verify exits 1" "$LEAKSIM" verify "$C"
}

tamper "a byte changed" "sed -i '500s/[0-9]/X/' '$C/logs/conn.log'"
expect_in out "logs/conn.log:500: modified" "a changed byte is located and named"
tamper "a line inserted" "sed -i '500i\\
planted line' '$C/logs/conn.log'"
expect_in out "logs/conn.log:500: inserted" "an inserted line is located and named"
tamper "a line deleted" "sed -i '500d' '$C/logs/conn.log'"
expect_in out "logs/conn.log:500: deleted" "a deleted line is located and named"
tamper "two lines swapped" "sed -i '500{h;d};501G' '$C/logs/conn.log'"
expect_in out "logs/conn.log:500: reordered" "swapped lines are located and named"
tamper "the file truncated" "truncate -s -100 '$C/logs/conn.log'"
partial=$(($(wc -l <"$C/logs/conn.log") + 1))
expect_in out "logs/conn.log:$partial: truncated" "a file cut inside a line is located and named"
tamper "the file cut at a line" "head -n 12000 '$D/logs/conn.log' >'$C/logs/conn.log'"
expect_in out "logs/conn.log:12001: truncated" "a file cut at a line end is located and named"

# A checkpoint's signature corrupted: epoch 1 starts at line 10001.
corrupt_sig() {
	first=$(sed -n "$2p" "$1" | sed 's/.* sig=\(.\).*/\1/')
	new=0
	[ "$first" = 0 ] && new=1
	sed -i "$2s/ sig=$first/ sig=$new/" "$1"
}
tamper "a checkpoint signature corrupted" "corrupt_sig '$C/integrity/logs/conn.log.chain' 4"
expect_in out "logs/conn.log:10001: signature invalid" "a bad checkpoint signature is located and named"
tamper "the manifest signature corrupted" "corrupt_sig '$C/integrity/manifest.sig' 2"
expect_in out "manifest.json: signature invalid" "a bad manifest signature is named"

tamper "a line appended" "echo 'one more' >>'$C/logs/dns.log'"
sealed=$(wc -l <"$D/logs/dns.log")
expect_in out "logs/dns.log:$((sealed + 1)): inserted" "an appended line is located and named"
tamper "a file removed" "rm '$C/logs/dhcp.jsonl'"
expect_in out "logs/dhcp.jsonl: deleted" "a removed file is named"
tamper "a file added" "echo x >'$C/logs/extra.log'"
expect_in out "logs/extra.log: inserted" "an added file is named"
tamper "the answer key changed" "sed -i 's/\"/\\x27/' '$C/truth/answer-key.json'"
expect_in out "truth/answer-key.json:1: modified" "a changed truth file is named"
tamper "the manifest changed" "sed -i 's/\"days\":2/\"days\":3/' '$C/manifest.json'"
expect_in out "manifest.json: modified" "a changed manifest is named"
tamper "a tags file changed" "printf 'XXXXXXXX' | dd of='$C/integrity/logs/auth.log.tags' bs=1 seek=80 conv=notrunc 2>/dev/null"
expect_in out "integrity/logs/auth.log.tags: modified" "changed tags are named"
expect_in out "first problem: integrity/logs/auth.log.tags: modified" "the summary names the first problem"

# Pinning the signer.
expect_rc 0 "--pubkey with the dataset's own public key" "$LEAKSIM" verify --pubkey "$D/integrity/dataset.pub" "$D"
"$LEAKSIM" keygen --out "$T/k" >/dev/null
expect_rc 1 "--pubkey with another key" "$LEAKSIM" verify --pubkey "$T/k.pub" "$D"
expect_in out "manifest.json: signature invalid" "another signer is named as a bad signature"
expect_rc 0 "generate --sign-key signs with a keygen key" "$LEAKSIM" generate --scenario small --people 6 --days 1 --sign-key "$T/k.key" --out "$T/signed" --quiet
if cmp -s "$T/k.pub" "$T/signed/integrity/dataset.pub"; then pass "the dataset's public key is the keygen key"; else fail "the dataset's public key is the keygen key"; fi
expect_rc 0 "a keygen-signed dataset verifies pinned to its key" "$LEAKSIM" verify --pubkey "$T/k.pub" "$T/signed"
expect_rc 1 "... and not pinned to the seed's key" "$LEAKSIM" verify --pubkey "$D/integrity/dataset.pub" "$T/signed"

# Key files: wrong permissions and malformed ones are errors (exit 2).
chmod 644 "$T/k.key"
expect_rc 2 "a secret key readable by others is refused" "$LEAKSIM" generate --scenario small --sign-key "$T/k.key" --out "$T/nope"
expect_in err "wider than 0600" "the refusal names the permissions"
if [ -e "$T/nope" ]; then fail "nothing is generated with a refused key"; else pass "nothing is generated with a refused key"; fi
printf 'leaksim secret key v1\ned25519 zz\n' >"$T/bad.key"
chmod 600 "$T/bad.key"
expect_rc 2 "a malformed secret key is refused" "$LEAKSIM" generate --scenario small --sign-key "$T/bad.key" --out "$T/nope"
expect_in err "bad.key:2:9:" "the error is file:line:col"
printf 'leaksim public key v1\ned25519 00\n' >"$T/bad.pub"
expect_rc 2 "a malformed public key is refused" "$LEAKSIM" verify --pubkey "$T/bad.pub" "$D"
expect_in err "bad.pub:2:11:" "the error is file:line:col"
expect_rc 2 "a secret key file is not a public one" "$LEAKSIM" verify --pubkey "$T/bad.key" "$D"
expect_rc 2 "a missing public key file" "$LEAKSIM" verify --pubkey "$T/none.pub" "$D"

# Malformed integrity files and datasets without them.
rm -rf "$C"
cp -r "$D" "$C"
sed -i '3s/epoch=0/epoch=zero/' "$C/integrity/logs/dns.log.chain"
expect_rc 2 "a malformed chain file exits 2" "$LEAKSIM" verify "$C"
expect_in err "integrity/logs/dns.log.chain:3:" "the error names the chain file and line"
rm -rf "$C"
cp -r "$D" "$C"
printf 'leaksim-integrity v1\nmanifest file=manifest.json\n' >"$C/integrity/manifest.sig"
expect_rc 2 "a malformed manifest signature exits 2" "$LEAKSIM" verify "$C"
expect_in err "manifest.sig:2:" "the error names the signature file and line"
rm "$C/integrity/manifest.sig"
expect_rc 2 "a dataset without integrity data exits 2" "$LEAKSIM" verify "$C"
expect_in err "no integrity data" "the error says why"
head -c 5 /dev/urandom >"$C/integrity/manifest.sig"
expect_rc 2 "random bytes as a signature file exit 2" "$LEAKSIM" verify "$C"
expect_rc 2 "a missing dataset exits 2" "$LEAKSIM" verify "$T/none"
expect_rc 2 "no dataset exits 2" "$LEAKSIM" verify
expect_rc 2 "two datasets exit 2" "$LEAKSIM" verify "$D" "$D"
expect_rc 0 "verify --help" "$LEAKSIM" verify --help
expect_in out "usage: leaksim verify [--pubkey FILE] DIR" "the help shows the usage"

# Same seed, same integrity files.
"$LEAKSIM" generate --scenario small --out "$T/again" --quiet
if diff -r "$D/integrity" "$T/again/integrity" >/dev/null && cmp -s "$D/manifest.json" "$T/again/manifest.json"; then
	pass "two generations with one seed give identical integrity files"
else
	fail "two generations with one seed give identical integrity files"
fi
