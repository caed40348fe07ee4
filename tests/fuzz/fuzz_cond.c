/*
 * fuzz_cond.c - libFuzzer target for the Sigma condition parser.
 *
 * The first line of the input holds the identifier names, separated by
 * spaces; the rest is the condition. Whatever parses must be a well-formed
 * tree (children before parents, identifier indices in range, OF lists in
 * name order without repeats, 1 <= need <= n), must evaluate with
 * short-circuit to the same value as a plain bottom-up evaluation of every
 * node, asking only for identifiers it holds, and must format. Whatever is
 * rejected must come with a diagnostic that names the same error, has a
 * message, points inside the condition (or just past its end) and leaves
 * the file and line alone, and the condition must be left empty. Parsing is
 * a pure function of the text, so a second parse must agree exactly. Any
 * broken promise aborts; leaks are found by the sanitizer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "sigma/cond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* More names than any rule has; bounds the work per input. */
#define NAMES_MAX 512

typedef struct oracle {
	uint64_t seed;
	size_t nnames;
	size_t calls;
} oracle;

static uint64_t mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* A value per identifier that depends on the seed only. */
static bool truth(uint64_t seed, uint32_t id)
{
	return mix(seed ^ mix(id)) & 1;
}

static bool oracle_value(void *ctx, uint32_t id)
{
	oracle *o = ctx;
	if (id >= o->nnames)
		abort();
	o->calls++;
	return truth(o->seed, id);
}

static void check_tree(const ls_cond *c, size_t nnames, size_t len)
{
	if (c->nnodes == 0 || c->root >= c->nnodes || c->nodes == NULL)
		abort();
	for (size_t i = 0; i < c->nnodes; i++) {
		const ls_cond_node *n = &c->nodes[i];
		if (n->col == 0 || n->col > len)
			abort();
		switch (n->kind) {
		case LS_COND_ID:
			if (n->id >= nnames)
				abort();
			break;
		case LS_COND_NOT:
			if (n->a >= i)
				abort();
			break;
		case LS_COND_AND:
		case LS_COND_OR:
			if (n->a >= i || n->b >= i)
				abort();
			break;
		case LS_COND_OF:
			if (n->n == 0 || n->need == 0 || n->need > n->n ||
			    (size_t)n->first + n->n > c->nids)
				abort();
			for (uint32_t k = 0; k < n->n; k++) {
				uint32_t id = c->ids[n->first + k];
				if (id >= nnames || (k > 0 && id <= c->ids[n->first + k - 1]))
					abort();
			}
			break;
		default: abort();
		}
	}
}

/* Every node's value, children first, with every identifier known. */
static bool eval_all(const ls_cond *c, uint64_t seed, size_t *leaves)
{
	bool *v = ls_xcalloc(c->nnodes, sizeof *v);
	*leaves = 0;
	for (size_t i = 0; i < c->nnodes; i++) {
		const ls_cond_node *n = &c->nodes[i];
		switch (n->kind) {
		case LS_COND_ID:
			v[i] = truth(seed, n->id);
			++*leaves;
			break;
		case LS_COND_NOT: v[i] = !v[n->a]; break;
		case LS_COND_AND: v[i] = v[n->a] && v[n->b]; break;
		case LS_COND_OR: v[i] = v[n->a] || v[n->b]; break;
		case LS_COND_OF: {
			uint32_t yes = 0;
			for (uint32_t k = 0; k < n->n; k++)
				yes += truth(seed, c->ids[n->first + k]);
			v[i] = yes >= n->need;
			*leaves += n->n;
			break;
		}
		}
	}
	bool r = v[c->root];
	free(v);
	return r;
}

static void check_rejected(ls_err e, const ls_diag *d, const ls_cond *c, size_t len)
{
	if (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG)
		abort();
	if (d->err != e || d->message[0] == '\0' || d->col == 0 || d->col > len + 1)
		abort();
	if (d->file == NULL || strcmp(d->file, "rule.yml") != 0 || d->line != 42)
		abort();
	if (c->nodes || c->ids || c->nnodes || c->nids || c->root)
		abort();
	if ((len > LS_COND_TEXT_MAX) != (e == LS_ERR_TOOLONG && d->col == LS_COND_TEXT_MAX + 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t nl = 0;
	while (nl < size && p[nl] != '\n')
		nl++;
	ls_sv text = ls_sv_make(p + (nl < size ? nl + 1 : size), nl < size ? size - nl - 1 : 0);

	ls_sv names[NAMES_MAX];
	size_t nnames = 0;
	for (size_t i = 0; i < nl && nnames < NAMES_MAX;) {
		while (i < nl && p[i] == ' ')
			i++;
		size_t start = i;
		while (i < nl && p[i] != ' ')
			i++;
		if (i > start)
			names[nnames++] = ls_sv_make(p + start, i - start);
	}

	uint64_t seed = 0;
	for (size_t i = 0; i < size; i++)
		seed = mix(seed ^ data[i]);

	ls_cond a, b;
	ls_diag d;
	ls_diag_clear(&d);
	d.file = "rule.yml";
	d.line = 42;
	ls_err ea = ls_cond_parse(&a, text, names, nnames, &d);
	ls_err eb = ls_cond_parse(&b, text, names, nnames, NULL);
	if (ea != eb)
		abort();
	if (ea != LS_OK) {
		check_rejected(ea, &d, &a, text.len);
		check_rejected(eb, &d, &b, text.len);
		return 0;
	}

	check_tree(&a, nnames, text.len);
	if (a.nnodes != b.nnodes || a.nids != b.nids || a.root != b.root ||
	    memcmp(a.nodes, b.nodes, a.nnodes * sizeof *a.nodes) != 0 ||
	    (a.nids && memcmp(a.ids, b.ids, a.nids * sizeof *a.ids) != 0))
		abort();

	for (int round = 0; round < 4; round++) {
		uint64_t s = mix(seed + (uint64_t)round);
		oracle o = { s, nnames, 0 };
		size_t leaves = 0;
		bool want = eval_all(&a, s, &leaves);
		if (ls_cond_eval(&a, oracle_value, &o) != want || o.calls == 0 || o.calls > leaves)
			abort();
	}

	ls_buf out = LS_BUF_INIT;
	ls_cond_format(&a, names, &out);
	if (out.len == 0)
		abort();
	ls_buf_fini(&out);

	ls_cond_fini(&a);
	ls_cond_fini(&b);
	return 0;
}
