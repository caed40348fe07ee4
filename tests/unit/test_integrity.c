/*
 * test_integrity.c - hash chains, checkpoints and the dataset check.
 *
 * The primitives are checked against libsodium called directly. A file of
 * synthetic lines sealed with a small epoch (100 records) goes through the
 * tamper matrix: every kind of damage must be found on the right line and
 * named. The attacker of the "re-sealed with a later key" case is played
 * for real: it holds a later epoch's key and the signing key, rewrites an
 * earlier record, recomputes the chain with the key it has and re-signs
 * everything, manifest included. A generated small dataset is sealed as
 * `leaksim generate` seals it, verified, attacked the same way, and
 * generated twice to show the integrity files are reproducible.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/atomic.h"
#include "core/mem.h"
#include "core/str.h"
#include "forensics/integrity.h"
#include "forensics/keys.h"
#include "sim/gen.h"
#include "testutil.h"

#define E 100 /* records per epoch in the file-level tests */
#define PATH "logs/t.log"

static ls_seckey signer;
static unsigned char master[LS_INTEGRITY_KEYBYTES];
static unsigned char root[LS_INTEGRITY_KEYBYTES];

/* ---------------------------------------------------------------- helpers */

static void lines(ls_buf *b, int n)
{
	ls_buf_reset(b);
	for (int i = 1; i <= n; i++)
		ls_buf_printf(b, "{\"n\":%d,\"text\":\"record number %d of the test file\"}\n", i, i);
}

/* The byte offset of 1-based line l (b->len past the end). */
static size_t line_off(const ls_buf *b, int l)
{
	size_t off = 0;
	for (int i = 1; i < l && off < b->len; i++)
		off = (size_t)((const char *)memchr(b->data + off, '\n', b->len - off) - b->data) + 1;
	return off;
}

static size_t line_len(const ls_buf *b, int l)
{
	size_t off = line_off(b, l);
	return (size_t)((const char *)memchr(b->data + off, '\n', b->len - off) - b->data) + 1 - off;
}

typedef struct sealed {
	ls_buf chain, tags;
	ls_integrity_doc doc;
} sealed;

static void seal(sealed *s, const ls_buf *data)
{
	memset(s, 0, sizeof *s);
	ls_integrity_seal_file(PATH, data->data, data->len, root, &signer, E, &s->chain, &s->tags);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_integrity_parse(s->chain.data, s->chain.len, "t.chain", &s->doc, &d);
	if (e != LS_OK)
		ls_diag_print(&d, stderr);
	assert_int_equal(e, LS_OK);
}

static void unseal(sealed *s)
{
	ls_buf_fini(&s->chain);
	ls_buf_fini(&s->tags);
	ls_integrity_doc_fini(&s->doc);
}

/* Check data against s; kind -1 means intact. Returns the detail. */
static char *expect(const sealed *s, const ls_integrity_doc *doc, const ls_buf *data,
                    const unsigned char *tags, const unsigned char *pk, int kind, uint64_t line)
{
	ls_integrity_problem p;
	memset(&p, 0, sizeof p);
	ls_buf detail = LS_BUF_INIT;
	ls_integrity_stats st;
	memset(&st, 0, sizeof st);
	bool found = ls_integrity_check_file(doc ? doc : &s->doc, data->data, data->len,
	                                     tags ? tags : (const unsigned char *)s->tags.data,
	                                     pk ? pk : signer.pub.sign, &p, &detail, &st);
	if (found != (kind >= 0) || (found && ((int)p.kind != kind || p.line != line)))
		print_error("expected %s at line %llu, got %s: %s at line %llu: %s\n",
		            kind >= 0 ? ls_integrity_kind_name((ls_integrity_kind)kind) : "intact",
		            (unsigned long long)line, found ? "a problem" : "intact",
		            found ? ls_integrity_kind_name(p.kind) : "-", (unsigned long long)p.line,
		            found ? p.detail : "-");
	assert_int_equal(found, kind >= 0);
	if (found) {
		assert_int_equal(p.kind, kind);
		assert_int_equal(p.line, line);
		assert_string_equal(p.file, PATH);
	}
	return ls_buf_steal(&detail);
}

/* Re-sign every signed line of an integrity file, as the holder of the signing key can. */
static void resign(ls_buf *text, const ls_seckey *k)
{
	size_t off = 0;
	ls_buf msg = LS_BUF_INIT;
	while (off < text->len) {
		char *line = text->data + off;
		char *nl = memchr(line, '\n', text->len - off);
		assert_non_null(nl);
		char *sig = memmem(line, (size_t)(nl - line), " sig=", 5);
		if (sig) {
			ls_buf_reset(&msg);
			ls_buf_append_cstr(&msg, LS_INTEGRITY_HEADER "\n");
			ls_buf_append(&msg, line, (size_t)(sig - line));
			unsigned char s[LS_KEYS_SIGBYTES];
			ls_keys_sign(k, msg.data, msg.len, s);
			sodium_bin2hex(sig + 5, 2 * LS_KEYS_SIGBYTES + 1, s, sizeof s);
			sig[5 + 2 * LS_KEYS_SIGBYTES] = '\n';
		}
		off = (size_t)(nl - text->data) + 1;
	}
	ls_buf_fini(&msg);
}

/*
 * The attacker: it holds the key of epoch `later` (so of every epoch from
 * there on, by the ratchet) and the signing key, but not the keys before.
 * It has rewritten record `from` (0-based) of data in an earlier epoch. It
 * keeps the sealed tags before that record and the checkpoints before its
 * epoch, and recomputes everything after with the keys it has: the records
 * of the epochs before `later` are hashed with the key of `later`. The key
 * commitments are copied, every line is re-signed.
 */
static void reseal_with_later_key(const char *path, const ls_buf *data, uint64_t from,
                                  uint64_t later, const unsigned char *old_tags,
                                  const ls_integrity_doc *old, const unsigned char k0[32],
                                  const ls_seckey *k, uint64_t epoch, ls_buf *chain, ls_buf *tags)
{
	size_t nkeys = old->ncps + 1;
	unsigned char(*keys)[32] = ls_xcalloc(nkeys, 32);
	memcpy(keys[0], k0, 32);
	for (size_t x = 1; x < nkeys; x++)
		ls_integrity_ratchet(keys[x - 1], x, keys[x]);
	ls_integrity_doc doc = *old;
	doc.text = NULL;
	doc.file = ls_xstrdup(path);
	doc.cps = ls_xcalloc(old->ncps, sizeof *doc.cps);
	memcpy(doc.cps, old->cps, old->ncps * sizeof *doc.cps);

	/* The epochs before the rewritten record stay as sealed; the chain resumes
	 * from the checkpoint before it. */
	unsigned char c[32], h[32];
	uint64_t e0 = from / epoch;
	if (e0 == 0)
		ls_integrity_chain_start(path, c);
	else
		memcpy(c, old->cps[e0 - 1].chain, 32);
	ls_buf_reset(tags);
	ls_buf_append(tags, old_tags, (size_t)(e0 * epoch * 8));
	size_t off = 0;
	uint64_t i = 0;
	while (off < data->len && i < e0 * epoch) {
		const char *nl = memchr(data->data + off, '\n', data->len - off);
		off += nl ? (size_t)(nl - (data->data + off)) + 1 : data->len - off;
		i++;
	}
	while (off < data->len) {
		const char *nl = memchr(data->data + off, '\n', data->len - off);
		size_t rl = nl ? (size_t)(nl - (data->data + off)) + 1 : data->len - off;
		uint64_t e = i / epoch;
		const unsigned char *key = e < later ? keys[later] : keys[e];
		ls_integrity_record(key, data->data + off, rl, h);
		ls_integrity_link(c, h, c);
		ls_buf_append(tags, i < from ? old_tags + i * 8 : h, 8);
		off += rl;
		i++;
		if (i % epoch == 0 || off == data->len) {
			ls_integrity_checkpoint *cp = &doc.cps[(i - 1) / epoch];
			memcpy(cp->chain, c, 32);
			uint64_t first = (i - 1) / epoch * epoch;
			ls_integrity_tags_hash((const unsigned char *)tags->data + first * 8,
			                       (size_t)(i - first), cp->tags);
		}
	}
	assert_int_equal(i, old->seal_records);
	memcpy(doc.seal_chain, c, 32);
	doc.seal_bytes = data->len;
	ls_buf_reset(chain);
	ls_integrity_render(&doc, chain);
	resign(chain, k);
	free(doc.file);
	free(doc.cps);
	free(keys);
}

/* -------------------------------------------------------------- primitives */

static void primitives_are_the_documented_formulas(void **state)
{
	(void)state;
	unsigned char k[32], got[32], want[32];
	memset(k, 0x5a, sizeof k);
	const char rec[] = "a record\n";
	unsigned char in[64];

	in[0] = 0x00;
	memcpy(in + 1, rec, sizeof rec - 1);
	crypto_generichash(want, 32, in, sizeof rec, k, 32);
	ls_integrity_record(k, rec, sizeof rec - 1, got);
	assert_memory_equal(got, want, 32);

	unsigned char prev[32], link_in[65];
	memset(prev, 0x11, sizeof prev);
	link_in[0] = 0x01;
	memcpy(link_in + 1, prev, 32);
	memcpy(link_in + 33, got, 32);
	crypto_generichash(want, 32, link_in, sizeof link_in, NULL, 0);
	ls_integrity_link(prev, got, prev);
	assert_memory_equal(prev, want, 32);

	unsigned char r[9] = { 0x03, 7, 0, 0, 0, 0, 0, 0, 0 };
	crypto_generichash(want, 32, r, sizeof r, k, 32);
	ls_integrity_ratchet(k, 7, got);
	assert_memory_equal(got, want, 32);
	assert_memory_not_equal(got, k, 32);

	const unsigned char cm[] = { 0x02, 'c', 'o', 'm', 'm', 'i', 't' };
	crypto_generichash(want, 32, cm, sizeof cm, k, 32);
	ls_integrity_commit(k, got);
	assert_memory_equal(got, want, 32);

	const char start[] = "leaksim/integrity/v1/chain\0logs/x.log";
	crypto_generichash(want, 32, (const unsigned char *)start, sizeof start - 1, NULL, 0);
	ls_integrity_chain_start("logs/x.log", got);
	assert_memory_equal(got, want, 32);

	const char rootin[] = "leaksim/integrity/v1/root\0logs/x.log";
	crypto_generichash(want, 32, (const unsigned char *)rootin, sizeof rootin - 1, k, 32);
	ls_integrity_root(k, "logs/x.log", got);
	assert_memory_equal(got, want, 32);

	/* The seed decides every key, and nothing else does. */
	ls_seckey a, b;
	unsigned char ma[32], mb[32];
	ls_integrity_derive(1, &a, ma);
	ls_integrity_derive(1, &b, mb);
	assert_memory_equal(&a, &b, sizeof a);
	assert_memory_equal(ma, mb, 32);
	ls_integrity_derive(2, &b, mb);
	assert_memory_not_equal(a.pub.sign, b.pub.sign, 32);
	assert_memory_not_equal(ma, mb, 32);
	ls_keys_wipe(&a);
	ls_keys_wipe(&b);

	for (int kind = 0; kind < LS_INTEGRITY__COUNT; kind++)
		assert_string_not_equal(ls_integrity_kind_name((ls_integrity_kind)kind), "unknown");
	assert_string_equal(ls_integrity_kind_name(LS_INTEGRITY_RESEALED),
	                    "re-sealed with a later key");
}

/* ---------------------------------------------------------------- sealing */

static void seal_parse_render_round_trip(void **state)
{
	(void)state;
	ls_buf data = LS_BUF_INIT, again = LS_BUF_INIT;
	/* 250 records: epochs of 100, 100 and 50. */
	lines(&data, 250);
	sealed s;
	seal(&s, &data);
	assert_int_equal(s.doc.kind, LS_INTEGRITY_DOC_CHAIN);
	assert_string_equal(s.doc.file, PATH);
	assert_int_equal(s.doc.epoch_records, E);
	assert_int_equal(s.doc.ncps, 3);
	assert_int_equal(s.doc.cps[0].records, 100);
	assert_int_equal(s.doc.cps[1].records, 200);
	assert_int_equal(s.doc.cps[2].records, 250);
	assert_int_equal(s.doc.seal_records, 250);
	assert_int_equal(s.doc.seal_bytes, data.len);
	assert_int_equal(s.tags.len, 250 * LS_INTEGRITY_TAG_BYTES);
	assert_memory_equal(s.doc.root, root, 32);
	assert_memory_equal(s.doc.signer, signer.pub.sign, 32);
	assert_memory_equal(s.doc.seal_chain, s.doc.cps[2].chain, 32);
	/* Each checkpoint commits to its own epoch's key. */
	unsigned char k[32], cm[32];
	memcpy(k, root, 32);
	for (size_t e = 0; e < 3; e++) {
		ls_integrity_commit(k, cm);
		assert_memory_equal(cm, s.doc.cps[e].key_commit, 32);
		ls_integrity_ratchet(k, e + 1, k);
	}
	/* Canonical: rendering the parsed document gives the same bytes. */
	ls_integrity_render(&s.doc, &again);
	assert_int_equal(again.len, s.chain.len);
	assert_memory_equal(again.data, s.chain.data, again.len);
	assert_true(ls_integrity_signed_ok(&s.doc, &s.doc.header, signer.pub.sign));
	assert_true(ls_integrity_signed_ok(&s.doc, &s.doc.seal, signer.pub.sign));
	/* Sealing is deterministic. */
	sealed t;
	seal(&t, &data);
	assert_int_equal(t.chain.len, s.chain.len);
	assert_memory_equal(t.chain.data, s.chain.data, s.chain.len);
	assert_memory_equal(t.tags.data, s.tags.data, s.tags.len);
	unseal(&t);
	unseal(&s);

	/* An empty file has one empty epoch; a full last epoch has no partial one after it. */
	ls_buf_reset(&data);
	seal(&s, &data);
	assert_int_equal(s.doc.ncps, 1);
	assert_int_equal(s.doc.cps[0].records, 0);
	assert_int_equal(s.tags.len, 0);
	free(expect(&s, NULL, &data, NULL, NULL, -1, 0));
	unseal(&s);
	lines(&data, 200);
	seal(&s, &data);
	assert_int_equal(s.doc.ncps, 2);
	free(expect(&s, NULL, &data, NULL, NULL, -1, 0));
	unseal(&s);
	/* A last line without a newline is a record too. */
	ls_buf_truncate(&data, data.len - 1);
	seal(&s, &data);
	assert_int_equal(s.doc.seal_records, 200);
	free(expect(&s, NULL, &data, NULL, NULL, -1, 0));
	ls_buf_append_char(&data, '\n');
	free(expect(&s, NULL, &data, NULL, NULL, LS_INTEGRITY_MODIFIED, 200));
	unseal(&s);
	ls_buf_fini(&data);
	ls_buf_fini(&again);
}

/* ---------------------------------------------------------- tamper matrix */

static void tamper_matrix(void **state)
{
	(void)state;
	ls_buf data = LS_BUF_INIT, t = LS_BUF_INIT, text = LS_BUF_INIT;
	lines(&data, 250);
	sealed s;
	seal(&s, &data);
	ls_integrity_stats st;
	memset(&st, 0, sizeof st);
	ls_integrity_problem p;
	ls_buf detail = LS_BUF_INIT;
	assert_false(ls_integrity_check_file(&s.doc, data.data, data.len,
	                                     (const unsigned char *)s.tags.data, signer.pub.sign,
	                                     &p, &detail, &st));
	assert_int_equal(st.records, 250);
	assert_int_equal(st.epochs, 3);
	assert_int_equal(st.checkpoints, 4);
	char *msg;

	/* A byte changed in record 150. */
	ls_buf_reset(&t);
	ls_buf_append_sv(&t, ls_buf_sv(&data));
	t.data[line_off(&t, 150) + 7] ^= 1;
	msg = expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_MODIFIED, 150);
	assert_non_null(strstr(msg, "epoch 1"));
	free(msg);

	/* A line inserted before record 150. */
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 150));
	ls_buf_append_cstr(&t, "{\"n\":0,\"text\":\"planted\"}\n");
	ls_buf_append(&t, data.data + line_off(&data, 150), data.len - line_off(&data, 150));
	free(expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_INSERTED, 150));

	/* Record 150 deleted; then records 150-152. */
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 150));
	ls_buf_append(&t, data.data + line_off(&data, 151), data.len - line_off(&data, 151));
	free(expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_DELETED, 150));
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 150));
	ls_buf_append(&t, data.data + line_off(&data, 153), data.len - line_off(&data, 153));
	msg = expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_DELETED, 150);
	assert_non_null(strstr(msg, "3 sealed records"));
	free(msg);

	/* Records 150 and 151 swapped; then record 150 moved after 160. */
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 150));
	ls_buf_append(&t, data.data + line_off(&data, 151), line_len(&data, 151));
	ls_buf_append(&t, data.data + line_off(&data, 150), line_len(&data, 150));
	ls_buf_append(&t, data.data + line_off(&data, 152), data.len - line_off(&data, 152));
	free(expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_REORDERED, 150));
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 150));
	ls_buf_append(&t, data.data + line_off(&data, 151), line_off(&data, 161) - line_off(&data, 151));
	ls_buf_append(&t, data.data + line_off(&data, 150), line_len(&data, 150));
	ls_buf_append(&t, data.data + line_off(&data, 161), data.len - line_off(&data, 161));
	free(expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_REORDERED, 150));

	/* Truncated inside record 200, and after record 120. */
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 200) + 10);
	free(expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_TRUNCATED, 200));
	ls_buf_reset(&t);
	ls_buf_append(&t, data.data, line_off(&data, 121));
	msg = expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_TRUNCATED, 121);
	assert_non_null(strstr(msg, "ends after line 120"));
	free(msg);

	/* A line appended after the sealed end. */
	ls_buf_reset(&t);
	ls_buf_append_sv(&t, ls_buf_sv(&data));
	ls_buf_append_cstr(&t, "one more\n");
	free(expect(&s, NULL, &t, NULL, NULL, LS_INTEGRITY_INSERTED, 251));

	/* A checkpoint signature corrupted: the epoch's first line is named. */
	ls_integrity_doc bad;
	ls_buf_reset(&text);
	ls_buf_append_sv(&text, ls_buf_sv(&s.chain));
	char *cp1 = strstr(text.data, "checkpoint file=" PATH " epoch=1 ");
	char *sig = strstr(cp1, " sig=") + 5;
	*sig = *sig == '0' ? '1' : '0';
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	msg = expect(&s, &bad, &data, NULL, NULL, LS_INTEGRITY_SIGNATURE, 101);
	assert_non_null(strstr(msg, "chain file line 4"));
	free(msg);
	ls_integrity_doc_fini(&bad);

	/* The seal's and the header's signatures; another signer. */
	ls_buf_reset(&text);
	ls_buf_append_sv(&text, ls_buf_sv(&s.chain));
	sig = strstr(strstr(text.data, "\nseal "), " sig=") + 5;
	*sig = *sig == '0' ? '1' : '0';
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	free(expect(&s, &bad, &data, NULL, NULL, LS_INTEGRITY_SIGNATURE, 0));
	ls_integrity_doc_fini(&bad);
	ls_buf_reset(&text);
	ls_buf_append_sv(&text, ls_buf_sv(&s.chain));
	sig = strstr(strstr(text.data, "\nchain "), " sig=") + 5;
	*sig = *sig == '0' ? '1' : '0';
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	free(expect(&s, &bad, &data, NULL, NULL, LS_INTEGRITY_SIGNATURE, 0));
	ls_integrity_doc_fini(&bad);
	ls_seckey other;
	ls_keys_generate(&other);
	free(expect(&s, NULL, &data, NULL, other.pub.sign, LS_INTEGRITY_SIGNATURE, 0));

	/* Everything re-signed by another key: still not the dataset's signer. */
	ls_buf_reset(&text);
	ls_buf_append_sv(&text, ls_buf_sv(&s.chain));
	resign(&text, &other);
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	free(expect(&s, &bad, &data, NULL, NULL, LS_INTEGRITY_SIGNATURE, 0));
	ls_integrity_doc_fini(&bad);

	/* The tags file changed under valid checkpoints. */
	ls_buf tg = LS_BUF_INIT;
	ls_buf_append_sv(&tg, ls_buf_sv(&s.tags));
	tg.data[149 * 8] ^= 1;
	msg = expect(&s, NULL, &data, (const unsigned char *)tg.data, NULL, LS_INTEGRITY_MODIFIED,
	             0);
	assert_non_null(strstr(msg, "tags of epoch 1"));
	free(msg);

	/*
	 * Re-sealed with a later key: record 150 (epoch 1) rewritten, the
	 * chain recomputed with the key of epoch 2, everything re-signed with
	 * the real signing key. Only the ratchet gives it away.
	 */
	ls_buf_reset(&t);
	ls_buf_append_sv(&t, ls_buf_sv(&data));
	t.data[line_off(&t, 150) + 7] ^= 1;
	reseal_with_later_key(PATH, &t, 149, 2, (const unsigned char *)s.tags.data, &s.doc, root,
	                      &signer, E, &text, &tg);
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	for (size_t e = 0; e < bad.ncps; e++)
		assert_true(ls_integrity_signed_ok(&bad, &bad.cps[e].s, signer.pub.sign));
	msg = expect(&s, &bad, &t, (const unsigned char *)tg.data, NULL, LS_INTEGRITY_RESEALED,
	             150);
	assert_non_null(strstr(msg, "key of epoch 2"));
	free(msg);
	ls_integrity_doc_fini(&bad);

	/* The same from the first record of epoch 0, and a checkpoint that commits to a later key. */
	ls_buf_reset(&t);
	ls_buf_append_sv(&t, ls_buf_sv(&data));
	t.data[line_off(&t, 1) + 7] ^= 1;
	reseal_with_later_key(PATH, &t, 0, 1, (const unsigned char *)s.tags.data, &s.doc, root,
	                      &signer, E, &text, &tg);
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	free(expect(&s, &bad, &t, (const unsigned char *)tg.data, NULL, LS_INTEGRITY_RESEALED, 1));
	ls_integrity_doc_fini(&bad);
	/* Records and tags as sealed, but checkpoint 0 commits to the key of epoch 1. */
	unsigned char k1[32];
	ls_integrity_ratchet(root, 1, k1);
	assert_int_equal(ls_integrity_parse(s.chain.data, s.chain.len, "t.chain", &bad, NULL), LS_OK);
	ls_integrity_commit(k1, bad.cps[0].key_commit);
	ls_buf_reset(&text);
	ls_integrity_render(&bad, &text);
	resign(&text, &signer);
	ls_integrity_doc_fini(&bad);
	assert_int_equal(ls_integrity_parse(text.data, text.len, "t.chain", &bad, NULL), LS_OK);
	msg = expect(&s, &bad, &data, NULL, NULL, LS_INTEGRITY_RESEALED, 1);
	assert_non_null(strstr(msg, "made with the key of epoch 1"));
	free(msg);
	ls_integrity_doc_fini(&bad);

	ls_keys_wipe(&other);
	ls_buf_fini(&tg);
	ls_buf_fini(&detail);
	unseal(&s);
	ls_buf_fini(&data);
	ls_buf_fini(&t);
	ls_buf_fini(&text);
}

/* ----------------------------------------------------------------- parsing */

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define S128 H64 H64
#define HDR LS_INTEGRITY_HEADER "\n"
#define CHAIN "chain file=logs/a.log epoch-records=2 root-key=" H64 " signer=" H64 " sig=" S128 "\n"
#define CP(e, r) "checkpoint file=logs/a.log epoch=" #e " records=" #r " chain=" H64 " tags=" H64 \
	" key-commit=" H64 " sig=" S128 "\n"
#define SEAL(n, r) "seal file=logs/a.log epochs=" #n " records=" #r " bytes=9 chain=" H64 \
	" sig=" S128 "\n"

static void bad_doc(const char *text, unsigned long line, unsigned long col, const char *what)
{
	ls_integrity_doc doc;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_integrity_parse(text, strlen(text), "x.chain", &doc, &d);
	if (e == LS_OK || d.line != line || d.col != col || strstr(d.message, what) == NULL)
		print_error("%s -> %s at %lu:%lu: %s\n", text, ls_strerror(e), d.line, d.col,
		            d.message);
	assert_int_equal(e, LS_ERR_PARSE);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.message, what));
	assert_null(doc.text);
	ls_integrity_doc_fini(&doc);
}

static void parse_errors_are_located(void **state)
{
	(void)state;
	ls_integrity_doc doc;
	const char *good = HDR CHAIN CP(0, 2) CP(1, 3) SEAL(2, 3);
	assert_int_equal(ls_integrity_parse(good, strlen(good), "x.chain", &doc, NULL), LS_OK);
	assert_int_equal(doc.ncps, 2);
	assert_int_equal(doc.seal_records, 3);
	ls_buf r = LS_BUF_INIT;
	ls_integrity_render(&doc, &r);
	assert_string_equal(r.data, good);
	ls_buf_fini(&r);
	ls_integrity_doc_fini(&doc);
	const char *man = HDR "manifest file=manifest.json bytes=12 blake2b=" H64 " signer=" H64
	                      " sig=" S128 "\n";
	assert_int_equal(ls_integrity_parse(man, strlen(man), "m.sig", &doc, NULL), LS_OK);
	assert_int_equal(doc.kind, LS_INTEGRITY_DOC_MANIFEST);
	assert_int_equal(doc.bytes, 12);
	ls_integrity_doc_fini(&doc);

	bad_doc("", 1, 1, "empty");
	bad_doc("leaksim-integrity v2\n", 1, 1, "unsupported version");
	bad_doc("hello\n", 1, 1, "integrity file");
	bad_doc(HDR, 2, 1, "after the header");
	bad_doc(HDR "chain", 2, 6, "newline");
	bad_doc(HDR "stuff x\n", 2, 1, "'chain' or 'manifest'");
	bad_doc(HDR CHAIN, 3, 1, "without its seal");
	bad_doc(HDR "chain file=/etc/passwd epoch-records=2\n", 2, 12, "relative path");
	bad_doc(HDR "chain file=logs/../x epoch-records=2\n", 2, 12, "relative path");
	bad_doc(HDR "chain file=logs/a b\n", 2, 19, "'epoch-records='");
	bad_doc(HDR "chain file=logs/a.log epoch-records=02\n", 2, 37, "leading zeros");
	bad_doc(HDR "chain file=logs/a.log epoch-records=0 root-key=" H64 " signer=" H64
	            " sig=" S128 "\n",
	        2, 37, "epoch-records must be");
	bad_doc(HDR "chain file=logs/a.log epoch-records=99999999999999999999999\n", 2, 37,
	        "out of range");
	bad_doc(HDR "chain file=logs/a.log epoch-records=2 root-key=ABC\n", 2, 48, "lower-case hex");
	bad_doc(HDR "chain file=logs/a.log epoch-records=2 root-key=abc\n", 2, 51, "64 hex digits");
	bad_doc(HDR "chain file=logs/a.log epoch-records=2 root-key=" H64 " signer=" H64
	            " sig=" S128 " extra\n",
	        2, 317, "after the signature");
	bad_doc(HDR CHAIN CP(1, 2), 3, 34, "expected epoch 0");
	bad_doc(HDR CHAIN CP(0, 3), 3, 44, "must end after record 0 and by record 2");
	bad_doc(HDR CHAIN CP(0, 1) CP(1, 3), 4, 1, "not full");
	bad_doc(HDR CHAIN "checkpoint file=logs/b.log epoch=0 records=2 chain=" H64 " tags=" H64
	        " key-commit=" H64 " sig=" S128 "\n",
	        3, 17, "differs from the header");
	bad_doc(HDR CHAIN CP(0, 2) SEAL(2, 2), 4, 29, "there is 1 checkpoint");
	bad_doc(HDR CHAIN CP(0, 2) CP(1, 3) SEAL(2, 4), 5, 39, "last checkpoint ends at 3");
	bad_doc(HDR CHAIN CP(0, 2) SEAL(1, 2) CP(1, 3), 5, 1, "nothing may follow");
	bad_doc(HDR CHAIN "checkpoint x\n", 3, 12, "expected 'file='");
	bad_doc(HDR CHAIN "check\n", 3, 1, "'checkpoint' or 'seal'");
	bad_doc(HDR "manifest file=other.json bytes=1 blake2b=" H64 " signer=" H64 " sig=" S128 "\n", 2,
	        15, "manifest.json");

	char big[64];
	memset(big, 'x', sizeof big);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_integrity_parse(big, (size_t)LS_INTEGRITY_TEXT_MAX + 1, "x", &doc, &d),
	                 LS_ERR_TOOLONG);
	ls_integrity_doc_fini(&doc);
}

/* ---------------------------------------------------------------- datasets */

typedef struct gen_keys {
	ls_seckey signer;
	unsigned char master[32];
	ls_integrity_stream *stream;
} gen_keys;

static void seal_written(void *ctx, const char *rel, const void *p, size_t n)
{
	gen_keys *k = ctx;
	ls_integrity_stream_write(k->stream, rel, p, n);
}

static ls_err seal_hook(void *ctx, const char *dir, ls_manifest *m, ls_diag *d)
{
	gen_keys *k = ctx;
	return ls_integrity_seal_dataset(dir, m, &k->signer, k->master, k->stream, d);
}

/*
 * The small scenario, sealed as `leaksim generate` seals it: the logs as
 * they are written (streamed), or all files after the writing.
 */
static char *generate_sealed(bool streamed)
{
	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(sim_scenario_resolve(&sc, "small", &d), LS_OK);
	gen_keys k;
	ls_integrity_derive(sc.seed, &k.signer, k.master);
	sim_gen_opts o;
	memset(&o, 0, sizeof o);
	o.finish = seal_hook;
	o.finish_ctx = &k;
	k.stream = NULL;
	if (streamed) {
		k.stream = ls_integrity_stream_create(&k.signer, k.master);
		o.on_write = seal_written;
		o.write_ctx = &k;
	}
	char *dir = tu_tempdir();
	sim_gen_stats st;
	ls_err e = sim_generate(&sc, dir, &o, &st, NULL, NULL, &d);
	if (e != LS_OK)
		ls_diag_print(&d, stderr);
	assert_int_equal(e, LS_OK);
	ls_integrity_stream_destroy(k.stream);
	ls_keys_wipe(&k.signer);
	sim_scenario_fini(&sc);
	return dir;
}

static char *generate_small(void)
{
	return generate_sealed(true);
}

typedef struct collected {
	int n;
	char file[256];
	uint64_t line;
	ls_integrity_kind kind;
	char detail[512];
} collected;

static void collect(void *ctx, const ls_integrity_problem *p)
{
	collected *c = ctx;
	if (c->n++ == 0) {
		snprintf(c->file, sizeof c->file, "%s", p->file);
		c->line = p->line;
		c->kind = p->kind;
		snprintf(c->detail, sizeof c->detail, "%s", p->detail);
	}
}

static collected verify(const char *dir, const ls_pubkey *pin, ls_integrity_stats *st)
{
	collected c;
	memset(&c, 0, sizeof c);
	ls_integrity_stats local;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_integrity_verify_dataset(dir, pin, collect, &c, st ? st : &local, &d);
	if (e != LS_OK)
		ls_diag_print(&d, stderr);
	assert_int_equal(e, LS_OK);
	return c;
}

static char *read_rel(const char *dir, const char *rel, ls_buf *b)
{
	char *p = tu_join(dir, rel);
	assert_true(tu_read_file(p, b));
	return p;
}

static void write_rel(const char *dir, const char *rel, const ls_buf *b)
{
	char *p = tu_join(dir, rel);
	assert_int_equal(ls_write_file_atomic(p, b->data, b->len, true, NULL), LS_OK);
	free(p);
}

static void hex32(const void *data, size_t len, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, 32, data, len, NULL, 0);
	sodium_bin2hex(out, 65, h, 32);
}

/* Replace the manifest's hash of a file with the hash of its new bytes. */
static void relist(ls_buf *manifest, const ls_buf *old, const ls_buf *now)
{
	char a[65], b[65];
	hex32(old->data, old->len, a);
	hex32(now->data, now->len, b);
	char *at = strstr(manifest->data, a);
	assert_non_null(at);
	memcpy(at, b, 64);
}

static void dataset_sealed_verified_and_attacked(void **state)
{
	(void)state;
	char *dir = generate_small();
	ls_integrity_stats st;
	collected c = verify(dir, NULL, &st);
	assert_int_equal(c.n, 0);
	assert_int_equal(st.problems, 0);
	assert_int_equal(st.files, 12); /* nine logs, three truth files */
	assert_true(st.records > 40000);
	assert_true(st.epochs >= 13);
	assert_int_equal(st.checkpoints, st.epochs + 12);

	/* Pinned to the dataset's own public key: intact; to another: the manifest's signer. */
	ls_pubkey own, other;
	char *pub = tu_join(dir, "integrity/dataset.pub");
	assert_int_equal(ls_keys_load_public(pub, &own, NULL), LS_OK);
	c = verify(dir, &own, NULL);
	assert_int_equal(c.n, 0);
	ls_seckey o;
	ls_keys_generate(&o);
	other = o.pub;
	c = verify(dir, &other, NULL);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.file, "manifest.json");
	assert_int_equal(c.kind, LS_INTEGRITY_SIGNATURE);
	ls_keys_wipe(&o);

	/*
	 * The attacker holds the key of epoch 1 of conn.log and the signing key
	 * (derived from the seed). It rewrites line 500 (epoch 0), recomputes
	 * the chain from there with the key it has, re-signs the chain file,
	 * updates the manifest and re-signs it: every signature verifies.
	 */
	ls_buf log = LS_BUF_INIT, log2 = LS_BUF_INIT, chain = LS_BUF_INIT, chain2 = LS_BUF_INIT;
	ls_buf tags = LS_BUF_INIT, tags2 = LS_BUF_INIT, man = LS_BUF_INIT, sigt = LS_BUF_INIT;
	free(read_rel(dir, "logs/conn.log", &log));
	free(read_rel(dir, "integrity/logs/conn.log.chain", &chain));
	free(read_rel(dir, "integrity/logs/conn.log.tags", &tags));
	free(read_rel(dir, "manifest.json", &man));
	ls_integrity_doc doc;
	assert_int_equal(ls_integrity_parse(chain.data, chain.len, "c", &doc, NULL), LS_OK);
	assert_true(doc.ncps >= 2);
	ls_buf_append_sv(&log2, ls_buf_sv(&log));
	char *l500 = log2.data + line_off(&log2, 500);
	char *digit = l500;
	while (*digit < '0' || *digit > '9')
		digit++;
	*digit = *digit == '9' ? '8' : (char)(*digit + 1);
	gen_keys k;
	ls_integrity_derive(1, &k.signer, k.master);
	unsigned char k0[32];
	ls_integrity_root(k.master, "logs/conn.log", k0);
	reseal_with_later_key("logs/conn.log", &log2, 499, 1, (const unsigned char *)tags.data, &doc,
	                      k0, &k.signer, LS_INTEGRITY_EPOCH_RECORDS, &chain2, &tags2);
	write_rel(dir, "logs/conn.log", &log2);
	write_rel(dir, "integrity/logs/conn.log.chain", &chain2);
	write_rel(dir, "integrity/logs/conn.log.tags", &tags2);
	relist(&man, &log, &log2);
	relist(&man, &chain, &chain2);
	relist(&man, &tags, &tags2);
	write_rel(dir, "manifest.json", &man);
	ls_integrity_doc ms;
	free(read_rel(dir, "integrity/manifest.sig", &sigt));
	assert_int_equal(ls_integrity_parse(sigt.data, sigt.len, "m", &ms, NULL), LS_OK);
	ms.bytes = man.len;
	crypto_generichash(ms.blake2b, 32, (const unsigned char *)man.data, man.len, NULL, 0);
	ls_buf_reset(&sigt);
	ls_integrity_render(&ms, &sigt);
	resign(&sigt, &k.signer);
	write_rel(dir, "integrity/manifest.sig", &sigt);
	ls_integrity_doc_fini(&ms);

	c = verify(dir, NULL, &st);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.file, "logs/conn.log");
	assert_int_equal(c.line, 500);
	assert_int_equal(c.kind, LS_INTEGRITY_RESEALED);
	assert_non_null(strstr(c.detail, "key of epoch 1"));

	/* Put the log back as it was sealed, then damage the dataset in other ways. */
	write_rel(dir, "logs/conn.log", &log);
	ls_integrity_doc_fini(&doc);
	ls_keys_wipe(&k.signer);
	tu_rmdir(dir);
	dir = generate_small();

	ls_buf b = LS_BUF_INIT;
	char *p = tu_join(dir, "logs/new.log");
	assert_int_equal(ls_write_file_atomic(p, "x\n", 2, false, NULL), LS_OK);
	c = verify(dir, NULL, NULL);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.file, "logs/new.log");
	assert_int_equal(c.kind, LS_INTEGRITY_INSERTED);
	free(p);
	p = tu_join(dir, "logs/dns.log");
	assert_int_equal(unlink(p), 0);
	c = verify(dir, NULL, NULL);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.file, "logs/dns.log");
	assert_int_equal(c.kind, LS_INTEGRITY_DELETED);
	free(p);
	free(read_rel(dir, "truth/watermark.key", &b));
	b.data[3] ^= 1;
	write_rel(dir, "truth/watermark.key", &b);
	free(read_rel(dir, "manifest.json", &b));
	b.data[b.len - 3] = 'X';
	write_rel(dir, "manifest.json", &b);
	ls_integrity_stats st2;
	collected c2;
	memset(&c2, 0, sizeof c2);
	ls_diag d;
	ls_diag_clear(&d);
	/* The manifest no longer parses: a located error, not a finding. */
	assert_int_equal(ls_integrity_verify_dataset(dir, NULL, collect, &c2, &st2, &d),
	                 LS_ERR_PARSE);
	assert_non_null(strstr(d.file, "manifest.json"));

	ls_buf_fini(&b);
	ls_buf_fini(&log);
	ls_buf_fini(&log2);
	ls_buf_fini(&chain);
	ls_buf_fini(&chain2);
	ls_buf_fini(&tags);
	ls_buf_fini(&tags2);
	ls_buf_fini(&man);
	ls_buf_fini(&sigt);
	free(pub);
	tu_rmdir(dir);
}

static void dataset_errors(void **state)
{
	(void)state;
	char *dir = generate_small();
	ls_integrity_stats st;
	ls_diag d;
	ls_buf b = LS_BUF_INIT;

	/* A malformed chain file: named as DIR/integrity/..., with line and column. */
	char *p = read_rel(dir, "integrity/logs/dns.log.chain", &b);
	char *at = strstr(b.data, "epoch=0");
	at[6] = 'x';
	write_rel(dir, "integrity/logs/dns.log.chain", &b);
	ls_diag_clear(&d);
	assert_int_equal(ls_integrity_verify_dataset(dir, NULL, NULL, NULL, &st, &d), LS_ERR_PARSE);
	char *want = tu_join(dir, "integrity/logs/dns.log.chain");
	assert_string_equal(d.file, want);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, (unsigned long)(at + 7 - strstr(b.data, "checkpoint")));
	free(want);
	at[6] = '0';
	write_rel(dir, "integrity/logs/dns.log.chain", &b);
	free(p);

	/* A tags file of the wrong size. */
	p = read_rel(dir, "integrity/logs/dns.log.tags", &b);
	ls_buf_truncate(&b, b.len - 3);
	write_rel(dir, "integrity/logs/dns.log.tags", &b);
	ls_diag_clear(&d);
	assert_int_equal(ls_integrity_verify_dataset(dir, NULL, NULL, NULL, &st, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "sealed records need"));
	free(p);

	/* A hostile manifest: a path out of the dataset, a path listed twice. */
	ls_buf keep = LS_BUF_INIT;
	free(read_rel(dir, "manifest.json", &keep));
	ls_buf_reset(&b);
	ls_buf_append_sv(&b, ls_buf_sv(&keep));
	at = strstr(b.data, "\"logs/dns.log\"");
	memcpy(at + 1, "../../x", 7);
	write_rel(dir, "manifest.json", &b);
	ls_diag_clear(&d);
	assert_int_equal(ls_integrity_verify_dataset(dir, NULL, NULL, NULL, &st, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "without '.' or '..' parts"));
	ls_buf_reset(&b);
	at = strstr(keep.data, "\"logs/dns.log\"");
	ls_buf_append(&b, keep.data, (size_t)(at - keep.data));
	ls_buf_append_cstr(&b, "\"logs/auth.log\"");
	ls_buf_append_cstr(&b, at + strlen("\"logs/dns.log\""));
	write_rel(dir, "manifest.json", &b);
	ls_diag_clear(&d);
	assert_int_equal(ls_integrity_verify_dataset(dir, NULL, NULL, NULL, &st, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "\"logs/auth.log\" listed twice"));
	write_rel(dir, "manifest.json", &keep);
	ls_buf_fini(&keep);

	/* No signature file: this dataset carries no integrity data. */
	p = tu_join(dir, "integrity/manifest.sig");
	assert_int_equal(unlink(p), 0);
	ls_diag_clear(&d);
	assert_int_equal(ls_integrity_verify_dataset(dir, NULL, NULL, NULL, &st, &d),
	                 LS_ERR_NOTFOUND);
	assert_non_null(strstr(d.message, "no integrity data"));
	free(p);
	p = tu_join(dir, "nothing-here");
	assert_int_equal(ls_integrity_verify_dataset(p, NULL, NULL, NULL, &st, &d), LS_ERR_NOTFOUND);
	free(p);
	ls_buf_fini(&b);
	tu_rmdir(dir);
}

/* Two generations, one sealed as written and one after: the same bytes. */
static void dataset_is_reproducible(void **state)
{
	(void)state;
	char *a = generate_sealed(true), *b = generate_sealed(false);
	static const char *const files[] = { "manifest.json", "integrity/manifest.sig",
		                             "integrity/dataset.pub",
		                             "integrity/logs/conn.log.chain",
		                             "integrity/logs/conn.log.tags",
		                             "integrity/logs/proxy.jsonl.chain",
		                             "integrity/truth/answer-key.json.chain" };
	ls_buf x = LS_BUF_INIT, y = LS_BUF_INIT;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		free(read_rel(a, files[i], &x));
		free(read_rel(b, files[i], &y));
		assert_int_equal(x.len, y.len);
		assert_memory_equal(x.data, y.data, x.len);
	}
	ls_buf_fini(&x);
	ls_buf_fini(&y);
	tu_rmdir(a);
	tu_rmdir(b);
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	ls_integrity_derive(42, &signer, master);
	ls_integrity_root(master, PATH, root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ls_keys_wipe(&signer);
	sodium_memzero(master, sizeof master);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(primitives_are_the_documented_formulas),
		cmocka_unit_test(seal_parse_render_round_trip),
		cmocka_unit_test(tamper_matrix),
		cmocka_unit_test(parse_errors_are_located),
		cmocka_unit_test(dataset_sealed_verified_and_attacked),
		cmocka_unit_test(dataset_errors),
		cmocka_unit_test(dataset_is_reproducible),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
