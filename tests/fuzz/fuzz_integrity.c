/*
 * fuzz_integrity.c - libFuzzer target for the integrity files: the chain
 * and manifest signature parser, and the record check that trusts what it
 * parsed.
 *
 * A rejection must come with a diagnostic naming the same error and a line
 * inside the input (or just past its end). An accepted document must
 * render back to exactly the input (the format is canonical) and keep the
 * structure the parser promises (epochs in order, record counts that fit
 * the epoch size, the seal matching the last checkpoint). A chain document
 * with few enough records is then checked against two logs, a fixed one
 * and the input itself, with tags of the right length: any verdict will
 * do, a crash or an out-of-range line will not.
 *
 * The input is also a log: sealed with a fixed key and a small epoch size
 * taken from its first byte, it must check intact; changed in one of five
 * ways chosen by the input (a byte flipped, removed or added, two lines
 * swapped, the end cut off), it must be found damaged unless the change
 * left the bytes as they were. Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "forensics/integrity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records checked at most: tags for more would be large for no gain. */
#define CHECK_RECORDS_MAX 4096

static const char fixed_log[] = "one\ntwo\nthree\nthree\nfour\nfive\nsix";

static void check(const ls_integrity_doc *doc, const char *log, size_t len)
{
	unsigned char *tags = calloc(doc->seal_records ? doc->seal_records : 1,
	                             LS_INTEGRITY_TAG_BYTES);
	if (tags == NULL)
		abort();
	/* Some tags right (made with the root key), the rest zero. */
	size_t off = 0;
	for (uint64_t i = 0; i < doc->seal_records && off < len; i++) {
		const char *nl = memchr(log + off, '\n', len - off);
		size_t rl = nl ? (size_t)(nl - (log + off)) + 1 : len - off;
		unsigned char h[LS_INTEGRITY_HASHBYTES];
		ls_integrity_record(doc->root, log + off, rl, h);
		if (i % 3 != 2)
			memcpy(tags + i * LS_INTEGRITY_TAG_BYTES, h, LS_INTEGRITY_TAG_BYTES);
		off += rl;
	}
	ls_integrity_problem p;
	ls_buf detail = LS_BUF_INIT;
	ls_integrity_stats st;
	memset(&st, 0, sizeof st);
	if (ls_integrity_check_file(doc, log, len, tags, doc->signer, &p, &detail, &st)) {
		if (p.kind >= LS_INTEGRITY__COUNT || p.detail == NULL || p.detail[0] == '\0')
			abort();
		if (p.line > doc->seal_records + 1)
			abort();
	}
	if (st.records > doc->seal_records || st.epochs > doc->ncps)
		abort();
	ls_buf_fini(&detail);
	free(tags);
}

/* Seal data as a log, then check it as it is and changed. */
static void seal_and_tamper(const uint8_t *data, size_t size)
{
	static ls_seckey signer;
	static unsigned char master[LS_INTEGRITY_KEYBYTES];
	static bool ready;
	if (!ready) {
		ls_integrity_derive(7, &signer, master);
		ready = true;
	}
	if (size < 3)
		return;
	unsigned op = data[0] % 5, epoch = 1 + (data[0] / 5) % 8;
	size_t at = ((size_t)data[1] << 8 | data[2]) % (size - 2);
	const char *log = (const char *)data + 3;
	size_t len = size - 3;
	unsigned char root[LS_INTEGRITY_KEYBYTES];
	ls_integrity_root(master, "logs/fuzz.log", root);
	ls_buf chain = LS_BUF_INIT, tags = LS_BUF_INIT, t = LS_BUF_INIT, detail = LS_BUF_INIT;
	ls_integrity_seal_file("logs/fuzz.log", log, len, root, &signer, epoch, &chain, &tags);
	ls_integrity_doc doc;
	if (ls_integrity_parse(chain.data, chain.len, "sealed", &doc, NULL) != LS_OK)
		abort();
	ls_integrity_problem p;
	ls_integrity_stats st;
	memset(&st, 0, sizeof st);
	if (ls_integrity_check_file(&doc, log, len, (const unsigned char *)tags.data,
	                            signer.pub.sign, &p, &detail, &st))
		abort();

	at = len ? at % len : 0;
	switch (op) {
	case 0: /* flip a byte */
		ls_buf_append(&t, log, len);
		if (len)
			t.data[at] ^= 0x20;
		break;
	case 1: /* remove a byte */
		ls_buf_append(&t, log, at);
		if (len)
			ls_buf_append(&t, log + at + 1, len - at - 1);
		break;
	case 2: /* add a byte */
		ls_buf_append(&t, log, at);
		ls_buf_append_char(&t, (char)data[1]);
		ls_buf_append(&t, log + at, len - at);
		break;
	case 3: { /* swap the line holding byte at with the next one */
		size_t a = at;
		while (a > 0 && log[a - 1] != '\n')
			a--;
		const char *nl = memchr(log + a, '\n', len - a);
		size_t b = nl ? (size_t)(nl - log) + 1 : len;
		const char *nl2 = b < len ? memchr(log + b, '\n', len - b) : NULL;
		size_t c = nl2 ? (size_t)(nl2 - log) + 1 : len;
		ls_buf_append(&t, log, a);
		ls_buf_append(&t, log + b, c - b);
		ls_buf_append(&t, log + a, b - a);
		ls_buf_append(&t, log + c, len - c);
		break;
	}
	default: /* cut the end off */
		ls_buf_append(&t, log, at);
		break;
	}
	bool same = t.len == len && (len == 0 || memcmp(t.data, log, len) == 0);
	bool found = ls_integrity_check_file(&doc, t.data ? t.data : "", t.len,
	                                     (const unsigned char *)tags.data, signer.pub.sign, &p,
	                                     &detail, &st);
	if (found == same)
		abort();
	if (found && (p.line > doc.seal_records + 1 || p.kind >= LS_INTEGRITY__COUNT))
		abort();
	ls_integrity_doc_fini(&doc);
	ls_buf_fini(&chain);
	ls_buf_fini(&tags);
	ls_buf_fini(&t);
	ls_buf_fini(&detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	seal_and_tamper(data, size);
	ls_integrity_doc doc;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_integrity_parse((const char *)data, size, "fuzz", &doc, &d);
	if (e != LS_OK) {
		unsigned long lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if ((e != LS_ERR_PARSE && e != LS_ERR_TOOLONG) || d.err != e || d.message[0] == '\0')
			abort();
		if (e == LS_ERR_PARSE && (d.line == 0 || d.line > lines + 1))
			abort();
		if (doc.text != NULL || doc.cps != NULL)
			abort();
		return 0;
	}
	ls_buf b = LS_BUF_INIT;
	ls_integrity_render(&doc, &b);
	if (b.len != size || memcmp(b.data, data, size) != 0)
		abort();
	ls_buf_fini(&b);
	if (doc.kind == LS_INTEGRITY_DOC_CHAIN) {
		if (doc.ncps == 0 || doc.epoch_records == 0 ||
		    doc.seal_records != doc.cps[doc.ncps - 1].records)
			abort();
		for (size_t i = 0; i < doc.ncps; i++)
			if (doc.cps[i].epoch != i || doc.cps[i].records > (i + 1) * doc.epoch_records ||
			    (i + 1 < doc.ncps && doc.cps[i].records != (i + 1) * doc.epoch_records))
				abort();
		if (doc.seal_records <= CHECK_RECORDS_MAX) {
			check(&doc, fixed_log, sizeof fixed_log - 1);
			check(&doc, (const char *)data, size);
		}
	}
	ls_integrity_doc_fini(&doc);
	return 0;
}
