/*
 * fuzz_jdoc.c - libFuzzer target for the JSON document reader.
 *
 * The input is parsed as a document. A rejection must come with a
 * diagnostic naming the same error and pointing inside the input (or just
 * past its end). An accepted tree must hold valid UTF-8 strings and keys,
 * number texts that the number accessors agree on, positions inside the
 * input, and no duplicate key in any object; written back by the core JSON
 * writer it must parse to the same tree. An object accepted here must be
 * accepted by the JSON Lines reader too (its grammar and depth limit are
 * the same). Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"
#include "io/jdoc.h"
#include "io/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long lines_in(const uint8_t *data, size_t size)
{
	unsigned long n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_node(const ls_jnode *n, unsigned long maxline, unsigned depth)
{
	if (n->line == 0 || n->line > maxline || n->col == 0)
		abort();
	/* depth counts containers: the top-level one is 1. */
	if ((n->kind == LS_JARRAY || n->kind == LS_JOBJECT) && depth > LS_JSON_DEPTH_MAX)
		abort();
	switch (n->kind) {
	case LS_JNULL:
		if (strcmp(n->text, "null") != 0)
			abort();
		break;
	case LS_JBOOL:
		if (strcmp(n->text, "true") != 0 && strcmp(n->text, "false") != 0)
			abort();
		break;
	case LS_JNUMBER: {
		int64_t i;
		uint64_t u;
		double f;
		ls_err ei = ls_jnode_i64(n, &i), eu = ls_jnode_u64(n, &u), ef = ls_jnode_f64(n, &f);
		if (ef == LS_ERR_PARSE || strlen(n->text) != n->len)
			abort();
		if (ei == LS_OK && ef == LS_OK && (double)i != f)
			abort();
		if (eu == LS_OK && ei == LS_OK && i >= 0 && (uint64_t)i != u)
			abort();
		break;
	}
	case LS_JSTRING:
		if (!ls_utf8_valid(ls_sv_make(n->text, n->len), NULL) || n->text[n->len] != '\0')
			abort();
		break;
	case LS_JARRAY:
		for (size_t i = 0; i < n->len; i++)
			check_node(&n->items[i], maxline, depth + 1);
		break;
	case LS_JOBJECT:
		for (size_t i = 0; i < n->len; i++) {
			const ls_jmember *m = &n->members[i];
			if (!ls_utf8_valid(ls_sv_make(m->key, m->key_len), NULL))
				abort();
			for (size_t j = 0; j < i; j++)
				if (m->key_len == n->members[j].key_len &&
				    memcmp(m->key, n->members[j].key, m->key_len) == 0)
					abort();
			if (ls_jnode_member_sv(n, ls_sv_make(m->key, m->key_len)) != m)
				abort();
			check_node(&m->value, maxline, depth + 1);
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_jdoc doc, back;
	ls_diag d;
	ls_diag_clear(&d);
	unsigned long maxline = lines_in(data, size);
	ls_err e = ls_jdoc_parse(&doc, (const char *)data, size, NULL, "fuzz", &d);
	if (e != LS_OK) {
		if (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG)
			abort();
		if (d.err != e || d.message[0] == '\0' || d.line == 0 || d.line > maxline ||
		    d.col == 0 || d.col > size + 1 || doc.root != NULL)
			abort();
	} else {
		check_node(doc.root, maxline, 1);
		ls_buf out = LS_BUF_INIT;
		ls_jw w;
		ls_jw_init(&w, &out);
		ls_jnode_write(doc.root, &w);
		if (!ls_jw_done(&w))
			abort();
		if (ls_jdoc_parse(&back, out.data, out.len, NULL, "back", NULL) != LS_OK ||
		    !ls_jnode_equal(doc.root, back.root))
			abort();
		ls_jdoc_fini(&back);
		ls_buf_fini(&out);
	}

	/* The flattening reader accepts every object this one accepts. */
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_err ej = ls_json_parse_document(ls_sv_make((const char *)data, size), SIZE_MAX, &ev, &a,
	                                   NULL);
	if (e == LS_OK && doc.root->kind == LS_JOBJECT && ej != LS_OK)
		abort();
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_jdoc_fini(&doc);
	return 0;
}
