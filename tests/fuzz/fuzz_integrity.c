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
 * do, a crash or an out-of-range line will not. Any broken promise aborts.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
