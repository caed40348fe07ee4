/*
 * test_cond.c - Sigma conditions: parsing, precedence, OF targets, the
 * diagnostics of every error, the limits, short-circuit evaluation and the
 * canonical form.
 *
 * Meaning is checked two ways: by the canonical fully parenthesised form,
 * which shows how the parser grouped the text, and by evaluating pairs of
 * conditions that must agree (or must differ) over every assignment of
 * truth values. Short-circuit order is checked by recording each call of
 * the value callback. Long chains and deep nesting are parsed, evaluated and
 * formatted on a thread with a small stack, so a walk that recursed once
 * per term would overflow it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "sigma/cond.h"

/* ---------------------------------------------------------------- helpers */

/* The identifiers of most tests, in the order a rule would list them. */
static const char *const NAMES[] = {
	"main",    "filter_a", "filter_b", "sel1", "sel2",  "sel3",
	"_hidden", "x_a",      "axb",      "ab",   "a.b-c",
};
#define NNAMES (sizeof NAMES / sizeof NAMES[0])
enum { MAIN, FILTER_A, FILTER_B, SEL1, SEL2, SEL3, HIDDEN, X_A, AXB, AB, ABC };

static ls_sv *make_names(const char *const *names, size_t n)
{
	ls_sv *v = ls_xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = ls_sv_from_cstr(names[i]);
	return v;
}

static void parse_ok_with(ls_cond *c, const char *text, const char *const *names, size_t n)
{
	ls_sv *v = make_names(names, n);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_cond_parse(c, ls_sv_from_cstr(text), v, n, &d);
	if (e != LS_OK)
		print_error("parsing \"%s\": col %lu: %s\n", text, d.col, d.message);
	assert_int_equal(e, LS_OK);
	assert_true(c->nnodes > 0);
	assert_true(c->root < c->nnodes);
	free(v);
}

static void parse_ok(ls_cond *c, const char *text)
{
	parse_ok_with(c, text, NAMES, NNAMES);
}

/* Parse text against names and compare its canonical form with want. */
static void check_format_with(const char *text, const char *const *names, size_t n,
                              const char *want)
{
	ls_cond c;
	parse_ok_with(&c, text, names, n);
	ls_sv *v = make_names(names, n);
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "");
	ls_cond_format(&c, v, &b);
	if (strcmp(b.data, want) != 0)
		print_error("\"%s\" formats as \"%s\", want \"%s\"\n", text, b.data, want);
	assert_string_equal(b.data, want);
	ls_buf_fini(&b);
	free(v);
	ls_cond_fini(&c);
}

static void check_format(const char *text, const char *want)
{
	check_format_with(text, NAMES, NNAMES, want);
}

/*
 * Expect the len bytes at text to fail with err at col, with want (if not
 * NULL) inside the message, the condition left empty and the diagnostic's
 * file and line untouched.
 */
static void check_bad_full(const char *text, size_t len, const char *const *names, size_t n,
                           ls_err err, unsigned long col, const char *want)
{
	ls_sv *v = make_names(names, n);
	ls_cond c;
	memset(&c, 0xa5, sizeof c);
	ls_diag d;
	ls_diag_clear(&d);
	d.file = "rule.yml";
	d.line = 7;
	ls_err e = ls_cond_parse(&c, ls_sv_make(text, len), v, n, &d);
	if (e != err || d.col != col || (want && strstr(d.message, want) == NULL))
		print_error("\"%.*s\": got err %d col %lu \"%s\", want err %d col %lu \"%s\"\n",
		            (int)(len > 200 ? 200 : len), text, (int)e, d.col, d.message, (int)err,
		            col, want ? want : "");
	assert_int_equal(e, err);
	assert_int_equal(d.err, err);
	assert_int_equal(d.col, col);
	assert_string_equal(d.file, "rule.yml");
	assert_int_equal(d.line, 7);
	assert_true(d.message[0] != '\0');
	if (want != NULL)
		assert_non_null(strstr(d.message, want));
	assert_null(c.nodes);
	assert_null(c.ids);
	assert_int_equal(c.nnodes, 0);
	assert_int_equal(c.nids, 0);
	assert_int_equal(c.root, 0);
	/* The same failure without a diagnostic to fill. */
	assert_int_equal(ls_cond_parse(&c, ls_sv_make(text, len), v, n, NULL), err);
	assert_null(c.nodes);
	ls_cond_fini(&c);
	free(v);
}

static void check_bad(const char *text, ls_err err, unsigned long col, const char *want)
{
	check_bad_full(text, strlen(text), NAMES, NNAMES, err, col, want);
}

/* Identifier values from a bit mask, with every call recorded. */
typedef struct probe {
	uint64_t truth; /* bit i: the value of identifier i */
	uint32_t calls[64];
	size_t ncalls;
	size_t total;
} probe;

static bool probe_value(void *ctx, uint32_t id)
{
	probe *pr = ctx;
	if (pr->ncalls < sizeof pr->calls / sizeof pr->calls[0])
		pr->calls[pr->ncalls++] = id;
	pr->total++;
	return id < 64 && (pr->truth >> id & 1);
}

static bool eval_mask(const ls_cond *c, uint64_t truth, probe *pr)
{
	memset(pr, 0, sizeof *pr);
	pr->truth = truth;
	return ls_cond_eval(c, probe_value, pr);
}

static void assert_prefix(const char *s, const char *prefix)
{
	assert_int_equal(strncmp(s, prefix, strlen(prefix)), 0);
}

static uint64_t bit(unsigned id)
{
	return UINT64_C(1) << id;
}

/* Evaluate text with the given truth and expect result and exactly the calls listed. */
static void check_calls(const char *text, uint64_t truth, bool result, size_t ncalls, ...)
{
	ls_cond c;
	parse_ok(&c, text);
	probe pr;
	bool got = eval_mask(&c, truth, &pr);
	if (got != result || pr.ncalls != ncalls)
		print_error("\"%s\": got %d with %zu calls, want %d with %zu\n", text, got,
		            pr.ncalls, result, ncalls);
	assert_int_equal(got, result);
	assert_int_equal(pr.ncalls, ncalls);
	va_list ap;
	va_start(ap, ncalls);
	for (size_t i = 0; i < ncalls; i++)
		assert_int_equal(pr.calls[i], va_arg(ap, unsigned));
	va_end(ap);
	ls_cond_fini(&c);
}

/*
 * Compare two conditions over every assignment of the identifiers in mask
 * (the others false): equal says whether they must always agree or must
 * differ at least once.
 */
static void check_equiv(const char *x, const char *y, uint64_t mask, bool equal)
{
	ls_cond a, b;
	parse_ok(&a, x);
	parse_ok(&b, y);
	unsigned ids[64];
	unsigned k = 0;
	for (unsigned i = 0; i < 64; i++)
		if (mask >> i & 1)
			ids[k++] = i;
	bool differ = false;
	for (uint64_t m = 0; m < (UINT64_C(1) << k); m++) {
		uint64_t truth = 0;
		for (unsigned i = 0; i < k; i++)
			if (m >> i & 1)
				truth |= bit(ids[i]);
		probe pa, pb;
		bool va = eval_mask(&a, truth, &pa);
		bool vb = eval_mask(&b, truth, &pb);
		if (va != vb) {
			differ = true;
			if (equal)
				print_error("\"%s\" and \"%s\" differ at mask %#llx\n", x, y,
				            (unsigned long long)truth);
		}
	}
	assert_int_equal(differ, !equal);
	ls_cond_fini(&a);
	ls_cond_fini(&b);
}

/* ------------------------------------------------------------- the grammar */

static void precedence(void **state)
{
	(void)state;
	check_format("sel1 or sel2 and sel3", "(sel1 or (sel2 and sel3))");
	check_format("sel1 and sel2 or sel3", "((sel1 and sel2) or sel3)");
	check_format("not sel1 and sel2", "((not sel1) and sel2)");
	check_format("not sel1 or sel2", "((not sel1) or sel2)");
	check_format("not 1 of sel*", "(not (1 of [sel1, sel2, sel3]))");
	static const char *const hdr[] = { "selection", "filter_a", "filter_b" };
	check_format_with("selection and not 1 of filter_*", hdr, 3,
	                  "(selection and (not (1 of [filter_a, filter_b])))");
	check_format("sel1 and sel2 or sel3 and not main",
	             "((sel1 and sel2) or (sel3 and (not main)))");
	check_format("1 of sel* and main", "((1 of [sel1, sel2, sel3]) and main)");
	check_format("not not sel1", "(not (not sel1))");
	/* Chains are right-nested; both operators are associative. */
	check_format("sel1 and sel2 and sel3", "(sel1 and (sel2 and sel3))");
	check_format("sel1 or sel2 or sel3", "(sel1 or (sel2 or sel3))");

	check_equiv("sel1 or sel2 and sel3", "sel1 or (sel2 and sel3)", 0x38, true);
	check_equiv("sel1 or sel2 and sel3", "(sel1 or sel2) and sel3", 0x38, false);
	check_equiv("not sel1 and sel2", "(not sel1) and sel2", 0x18, true);
	check_equiv("not sel1 and sel2", "not (sel1 and sel2)", 0x18, false);
	check_equiv("not 1 of sel*", "not (sel1 or sel2 or sel3)", 0x38, true);
	check_equiv("sel1 and sel2 and sel3", "(sel1 and sel2) and sel3", 0x38, true);
}

static void parentheses(void **state)
{
	(void)state;
	check_format("(sel1 or sel2) and sel3", "((sel1 or sel2) and sel3)");
	check_format("sel1 and (sel2 or sel3)", "(sel1 and (sel2 or sel3))");
	check_format("((sel1))", "sel1");
	check_format("not (sel1 or sel2)", "(not (sel1 or sel2))");
	check_format("(sel1)and(sel2)", "(sel1 and sel2)");
	check_format("main and not (filter_a or filter_b or x_a)",
	             "(main and (not (filter_a or (filter_b or x_a))))");
	check_equiv("not (sel1 or sel2)", "not sel1 and not sel2", 0x18, true);
	check_equiv("(sel1 or sel2) and sel3", "sel1 and sel3 or sel2 and sel3", 0x38, true);

	/* Each node records the column where its text begins. */
	ls_cond c;
	parse_ok(&c, "(sel1 or sel2) and not sel3");
	const ls_cond_node *root = &c.nodes[c.root];
	assert_int_equal(root->kind, LS_COND_AND);
	assert_int_equal(root->col, 1);
	const ls_cond_node *l = &c.nodes[root->a], *r = &c.nodes[root->b];
	assert_int_equal(l->kind, LS_COND_OR);
	assert_int_equal(l->col, 2);
	assert_int_equal(c.nodes[l->a].kind, LS_COND_ID);
	assert_int_equal(c.nodes[l->a].id, SEL1);
	assert_int_equal(c.nodes[l->b].id, SEL2);
	assert_int_equal(c.nodes[l->b].col, 10);
	assert_int_equal(r->kind, LS_COND_NOT);
	assert_int_equal(r->col, 20);
	assert_int_equal(c.nodes[r->a].col, 24);
	ls_cond_fini(&c);
	ls_cond_fini(&c); /* fini is idempotent */
}

static void keywords_and_whitespace(void **state)
{
	(void)state;
	check_format("NOT sel1 AnD sel2 Or ALL OF Them",
	             "(((not sel1) and sel2) or (all of [main, filter_a, filter_b, sel1, "
	             "sel2, sel3, x_a, axb, ab, a.b-c]))");
	check_format("Any Of sel*", "(1 of [sel1, sel2, sel3])");
	check_format("\tsel1\r\nand\n  sel2  ", "(sel1 and sel2)");
	check_format("a.b-c or ab", "(a.b-c or ab)");
	/* Identifiers are case-sensitive, keywords are not. */
	check_bad("Sel1", LS_ERR_PARSE, 1, "unknown identifier 'Sel1'");
	check_bad("sel1 AND Sel2", LS_ERR_PARSE, 10, "unknown identifier 'Sel2'");
	/* A keyword needs a separator: this is one unknown word. */
	check_bad("sel1and sel2", LS_ERR_PARSE, 1, "unknown identifier 'sel1and'");
	/* Whitespace is only space, tab, CR and LF. */
	check_bad("sel1\vand sel2", LS_ERR_PARSE, 5, "unexpected byte 0x0b");
	check_bad("sel1\fand sel2", LS_ERR_PARSE, 5, "unexpected byte 0x0c");
}

/* ------------------------------------------------------------- OF targets */

static void of_them(void **state)
{
	(void)state;
	check_format("1 of them", "(1 of [main, filter_a, filter_b, sel1, sel2, sel3, x_a, "
	                          "axb, ab, a.b-c])");
	/* `them` skips _hidden, but a pattern or a name reaches it. */
	check_format("1 of _hidden", "(1 of [_hidden])");
	check_format("all of _*", "(1 of [_hidden])");
	check_format("_hidden and sel1", "(_hidden and sel1)");
	check_equiv("1 of them",
	            "main or filter_a or filter_b or sel1 or sel2 or sel3 or "
	            "x_a or axb or ab or a.b-c",
	            (1u << NNAMES) - 1, true);
	check_equiv("all of them",
	            "main and filter_a and filter_b and sel1 and sel2 and "
	            "sel3 and x_a and axb and ab and a.b-c",
	            (1u << NNAMES) - 1, true);

	/* Only names starting with '_': nothing for `them`. */
	static const char *const hidden[] = { "_a", "_b" };
	check_bad_full("1 of them", 9, hidden, 2, LS_ERR_PARSE, 6,
	               "'them' matches no identifier (every identifier starts with '_')");
	check_bad_full("all of them", 11, NULL, 0, LS_ERR_PARSE, 8,
	               "'them' matches no identifier (there are none)");
	/* A name outside the identifier alphabet is still one of them. */
	static const char *const odd[] = { "sel ection", "x|y" };
	ls_cond c;
	parse_ok_with(&c, "all of them", odd, 2);
	assert_int_equal(c.nodes[c.root].n, 2);
	assert_int_equal(c.nodes[c.root].need, 2);
	ls_cond_fini(&c);
}

static void of_patterns(void **state)
{
	(void)state;
	check_format("1 of sel*", "(1 of [sel1, sel2, sel3])");
	check_format("1 of *", "(1 of [main, filter_a, filter_b, sel1, sel2, sel3, _hidden, "
	                       "x_a, axb, ab, a.b-c])");
	check_format("1 of *_a", "(1 of [filter_a, x_a])");
	check_format("1 of a*b", "(1 of [axb, ab])");
	check_format("1 of a*b*", "(1 of [axb, ab, a.b-c])");
	check_format("1 of *.*", "(1 of [a.b-c])");
	check_format("1 of s*l*", "(1 of [sel1, sel2, sel3])");
	check_format("1 of *a*", "(1 of [main, filter_a, x_a, axb, ab, a.b-c])");
	check_format("1 of **l**1", "(1 of [sel1])");
	check_format("1 of main", "(1 of [main])");
	check_format("all of main", "(1 of [main])");
	check_format("all of sel*", "(all of [sel1, sel2, sel3])");
	check_format("any of filter*", "(1 of [filter_a, filter_b])");
	/* An OF list is in name order whatever the pattern. */
	static const char *const rev[] = { "s3", "s1", "s2" };
	ls_cond c;
	parse_ok_with(&c, "all of s*", rev, 3);
	const ls_cond_node *n = &c.nodes[c.root];
	assert_int_equal(n->kind, LS_COND_OF);
	assert_int_equal(n->n, 3);
	assert_int_equal(n->need, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(c.ids[n->first + i], i);
	ls_cond_fini(&c);

	/* Targets standing for the same identifiers share one list. */
	parse_ok(&c, "1 of sel* or all of sel* or 2 of sel*");
	assert_int_equal(c.nids, 3);
	ls_cond_fini(&c);
	parse_ok(&c, "1 of filter* and not 1 of filter_* and 1 of *ilter_*");
	assert_int_equal(c.nids, 2);
	ls_cond_fini(&c);
	parse_ok(&c, "1 of them or 1 of *");
	assert_int_equal(c.nids, 10 + 11);
	ls_cond_fini(&c);
}

static void of_counts(void **state)
{
	(void)state;
	check_format("2 of sel*", "(2 of [sel1, sel2, sel3])");
	check_format("3 of sel*", "(all of [sel1, sel2, sel3])");
	check_format("02 of sel*", "(2 of [sel1, sel2, sel3])");
	check_format("1 of sel* and 2 of filter_*",
	             "((1 of [sel1, sel2, sel3]) and (all of [filter_a, filter_b]))");
	check_equiv("2 of sel*", "sel1 and sel2 or sel1 and sel3 or sel2 and sel3", 0x38, true);
	check_equiv("all of sel*", "sel1 and sel2 and sel3", 0x38, true);
	check_equiv("any of sel*", "sel1 or sel2 or sel3", 0x38, true);
	check_equiv("1 of sel*", "2 of sel*", 0x38, false);

	/* A name made of digits is a count only before `of`. */
	static const char *const num[] = { "1", "2", "10" };
	ls_cond c;
	parse_ok_with(&c, "1 and 2 of *", num, 3);
	const ls_cond_node *root = &c.nodes[c.root];
	assert_int_equal(root->kind, LS_COND_AND);
	assert_int_equal(c.nodes[root->a].kind, LS_COND_ID);
	assert_int_equal(c.nodes[root->a].id, 0);
	assert_int_equal(c.nodes[root->b].kind, LS_COND_OF);
	assert_int_equal(c.nodes[root->b].need, 2);
	ls_cond_fini(&c);
	parse_ok_with(&c, "1 of 10", num, 3);
	assert_int_equal(c.nodes[c.root].n, 1);
	assert_int_equal(c.ids[c.nodes[c.root].first], 2);
	ls_cond_fini(&c);
}

/* ------------------------------------------------------------------ errors */

static void errors_syntax(void **state)
{
	(void)state;
	check_bad("", LS_ERR_PARSE, 1, "empty condition");
	check_bad(" \t\r\n", LS_ERR_PARSE, 5, "empty condition");
	check_bad("sel1 and", LS_ERR_PARSE, 9,
	          "expected an identifier, '(' or 'not' after 'and', got end of condition");
	check_bad("sel1 AND ", LS_ERR_PARSE, 10,
	          "expected an identifier, '(' or 'not' after 'AND', got end of condition");
	check_bad("sel1 or", LS_ERR_PARSE, 8, "after 'or', got end of condition");
	check_bad("not", LS_ERR_PARSE, 4, "after 'not', got end of condition");
	check_bad("sel1 and or sel2", LS_ERR_PARSE, 10,
	          "expected an identifier, '(' or 'not' after 'and', got 'or'");
	check_bad("and sel1", LS_ERR_PARSE, 1, "expected an identifier, '(' or 'not', got 'and'");
	check_bad("them", LS_ERR_PARSE, 1, "expected an identifier, '(' or 'not', got 'them'");
	check_bad("of sel1", LS_ERR_PARSE, 1, "got 'of'");
	check_bad("sel1 sel2", LS_ERR_PARSE, 6,
	          "expected 'and', 'or' or end of condition after 'sel1', got 'sel2'");
	check_bad("sel1 not sel2", LS_ERR_PARSE, 6, "after 'sel1', got 'not'");
	check_bad("1 of sel* sel1", LS_ERR_PARSE, 11, "after 'sel*', got 'sel1'");
	check_bad("sel1 (sel2)", LS_ERR_PARSE, 6, "after 'sel1', got '('");
	check_bad("sel1 )", LS_ERR_PARSE, 6, "unmatched ')'");
	check_bad("(sel1))", LS_ERR_PARSE, 7, "unmatched ')'");
	check_bad("(sel1", LS_ERR_PARSE, 6,
	          "expected ')', 'and' or 'or' after 'sel1', got end of condition (to close the "
	          "'(' at column 1)");
	check_bad("sel2 and (sel1 sel3)", LS_ERR_PARSE, 16,
	          "got 'sel3' (to close the '(' at column 10)");
	check_bad("()", LS_ERR_PARSE, 2, "expected an identifier, '(' or 'not' after '(', got ')'");
	check_bad("sel1 | sel2", LS_ERR_PARSE, 6, "unexpected character '|'");
	check_bad("sel1 and \x01", LS_ERR_PARSE, 10, "unexpected byte 0x01");
	check_bad("sel1 \xc3\xa9", LS_ERR_PARSE, 6, "unexpected byte 0xc3");
	check_bad("(sel1 | sel2)", LS_ERR_PARSE, 7, "unexpected character '|'");
	check_bad("sel1 and 'sel2'", LS_ERR_PARSE, 10, "unexpected character '''");
	check_bad_full("sel1\0", 5, NAMES, NNAMES, LS_ERR_PARSE, 5, "unexpected byte 0x00");
	/* A quoted long token is cut short. */
	char longword[300];
	memset(longword, 'q', sizeof longword - 1);
	longword[sizeof longword - 1] = '\0';
	char want[100];
	snprintf(want, sizeof want, "unknown identifier '%.64s...' (", longword);
	check_bad(longword, LS_ERR_PARSE, 1, want);
}

static void errors_identifiers(void **state)
{
	(void)state;
	check_bad("mian", LS_ERR_PARSE, 1,
	          "unknown identifier 'mian' (identifiers: main, filter_a, filter_b, sel1, "
	          "sel2, sel3, _hidden, x_a, axb, ab, a.b-c)");
	check_bad("sel1 and not filter_c", LS_ERR_PARSE, 14, "unknown identifier 'filter_c'");
	check_bad("sel*", LS_ERR_PARSE, 1,
	          "pattern 'sel*' is only allowed after 'of' (as in '1 of sel*')");
	check_bad("sel1 or *", LS_ERR_PARSE, 9, "pattern '*' is only allowed after 'of'");
	check_bad_full("x", 1, NULL, 0, LS_ERR_PARSE, 1,
	               "unknown identifier 'x' (there are no identifiers)");

	/* A long list of identifiers is cut short, and odd bytes are escaped. */
	char buf[100][16];
	const char *many[100];
	for (int i = 0; i < 100; i++) {
		snprintf(buf[i], sizeof buf[i], "ident_%02d", i);
		many[i] = buf[i];
	}
	many[0] = "bad\x01name";
	ls_sv *v = make_names(many, 100);
	ls_cond c;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_cond_parse(&c, LS_SV_LIT("nope"), v, 100, &d), LS_ERR_PARSE);
	assert_int_equal(d.col, 1);
	assert_non_null(strstr(d.message, "(identifiers: bad\\x01name, ident_01, ident_02, "));
	assert_non_null(strstr(d.message, " more)"));
	assert_null(strstr(d.message, "ident_99"));
	assert_true(strlen(d.message) < 400);
	free(v);
}

static void errors_of(void **state)
{
	(void)state;
	check_bad("0 of sel*", LS_ERR_PARSE, 1, "'0 of' can never be true");
	check_bad("sel1 and 00 of them", LS_ERR_PARSE, 10, "'0 of' can never be true");
	check_bad("4 of sel*", LS_ERR_PARSE, 1,
	          "'4 of sel*' can never be true: 'sel*' stands for only 3 identifiers");
	check_bad("2 of main", LS_ERR_PARSE, 1, "'main' stands for only 1 identifier");
	check_bad("11 of them", LS_ERR_PARSE, 1, "'them' stands for only 10 identifiers");
	check_bad("99999999999999999999999 of them", LS_ERR_PARSE, 1, "can never be true");
	check_bad("4294967296 of them", LS_ERR_PARSE, 1, "can never be true");
	check_bad("1 of nothing*", LS_ERR_PARSE, 6,
	          "pattern 'nothing*' matches no identifier (identifiers: main, ");
	check_bad("1 of nope", LS_ERR_PARSE, 6, "unknown identifier 'nope' (identifiers: ");
	check_bad("1 of", LS_ERR_PARSE, 5,
	          "expected 'them' or an identifier pattern after 'of', got end of condition");
	check_bad("1 of (sel1)", LS_ERR_PARSE, 6, "after 'of', got '('");
	check_bad("all of not", LS_ERR_PARSE, 8, "after 'of', got 'not'");
	check_bad("all sel1", LS_ERR_PARSE, 5, "expected 'of' after 'all', got 'sel1'");
	check_bad("any", LS_ERR_PARSE, 4, "expected 'of' after 'any', got end of condition");
	check_bad("5 and sel1", LS_ERR_PARSE, 3, "expected 'of' after '5', got 'and'");
	check_bad("1 of of", LS_ERR_PARSE, 6, "after 'of', got 'of'");
	/* The target is checked before the count. */
	check_bad("9 of nothing*", LS_ERR_PARSE, 6, "matches no identifier");
}

/* ------------------------------------------------------------------ limits */

static ls_buf nested(unsigned levels, const char *open, const char *inner, const char *close)
{
	ls_buf b = LS_BUF_INIT;
	for (unsigned i = 0; i < levels; i++)
		ls_buf_append_cstr(&b, open);
	ls_buf_append_cstr(&b, inner);
	for (unsigned i = 0; i < levels; i++)
		ls_buf_append_cstr(&b, close);
	return b;
}

static void text_limit(void **state)
{
	(void)state;
	/* Exactly the limit parses; one byte more does not, wherever it is. */
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "sel1");
	while (b.len < LS_COND_TEXT_MAX)
		ls_buf_append_char(&b, ' ');
	ls_cond c;
	parse_ok(&c, b.data);
	ls_cond_fini(&c);
	ls_buf_append_char(&b, ' ');
	check_bad_full(b.data, b.len, NAMES, NNAMES, LS_ERR_TOOLONG, LS_COND_TEXT_MAX + 1,
	               "condition longer than 65536 bytes");
	ls_buf_fini(&b);
}

/*
 * One parse, two evaluations and a format, run on a thread with a 256 KiB
 * stack: enough for the nesting limit, far too little for a walk that
 * recursed once per term of a long chain. The thread only records results;
 * the checks run on the test's own thread, where cmocka can report them.
 */
typedef struct small_run {
	ls_sv text;
	const char *const *names;
	size_t nnames;
	uint64_t truth[2];
	ls_err err;
	ls_diag d;
	size_t nnodes;
	bool value[2];
	size_t calls[2];
	ls_buf out;
} small_run;

static void *small_run_thread(void *arg)
{
	small_run *r = arg;
	ls_sv *v = make_names(r->names, r->nnames);
	ls_cond c;
	ls_diag_clear(&r->d);
	r->err = ls_cond_parse(&c, r->text, v, r->nnames, &r->d);
	if (r->err == LS_OK) {
		r->nnodes = c.nnodes;
		for (int k = 0; k < 2; k++) {
			probe pr;
			r->value[k] = eval_mask(&c, r->truth[k], &pr);
			r->calls[k] = pr.total;
		}
		ls_buf_append_cstr(&r->out, "");
		ls_cond_format(&c, v, &r->out);
	}
	ls_cond_fini(&c);
	free(v);
	return NULL;
}

static void run_small(small_run *r, const ls_buf *text, const char *const *names, size_t n,
                      uint64_t truth0, uint64_t truth1)
{
	memset(r, 0, sizeof *r);
	r->text = ls_buf_sv(text);
	r->names = names;
	r->nnames = n;
	r->truth[0] = truth0;
	r->truth[1] = truth1;
	pthread_attr_t attr;
	pthread_t th;
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
	assert_int_equal(pthread_create(&th, &attr, small_run_thread, r), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
	if (r->err != LS_OK && r->err != LS_ERR_TOOLONG)
		print_error("col %lu: %s\n", r->d.col, r->d.message);
}

static void depth_limit(void **state)
{
	(void)state;
	small_run r;
	/* The deepest nesting allowed, of each kind and mixed. */
	ls_buf b = nested(LS_COND_DEPTH_MAX, "(", "sel1", ")");
	run_small(&r, &b, NAMES, NNAMES, bit(SEL1), 0);
	assert_int_equal(r.err, LS_OK);
	assert_true(r.value[0]);
	assert_false(r.value[1]);
	assert_string_equal(r.out.data, "sel1");
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);

	b = nested(LS_COND_DEPTH_MAX, "not ", "sel1", "");
	run_small(&r, &b, NAMES, NNAMES, bit(SEL1), 0);
	assert_int_equal(r.err, LS_OK);
	assert_true(r.value[0]); /* an even number of nots */
	assert_false(r.value[1]);
	assert_int_equal(r.out.len, LS_COND_DEPTH_MAX * strlen("(not )") + strlen("sel1"));
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);

	b = nested(LS_COND_DEPTH_MAX / 2, "not (sel2 or ", "sel1", ")");
	run_small(&r, &b, NAMES, NNAMES, bit(SEL1), bit(SEL1) | bit(SEL2));
	assert_int_equal(r.err, LS_OK);
	assert_true(r.value[0]);
	assert_false(r.value[1]);
	assert_int_equal(r.calls[1], 1); /* the outermost sel2 decides */
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);

	/* One level more fails at the token that goes too deep. */
	b = nested(LS_COND_DEPTH_MAX + 1, "(", "sel1", ")");
	check_bad_full(b.data, b.len, NAMES, NNAMES, LS_ERR_TOOLONG, LS_COND_DEPTH_MAX + 1,
	               "nesting deeper than 128 levels of parentheses and 'not' at '('");
	ls_buf_fini(&b);
	b = nested(LS_COND_DEPTH_MAX + 1, "not ", "sel1", "");
	check_bad_full(b.data, b.len, NAMES, NNAMES, LS_ERR_TOOLONG, 4 * LS_COND_DEPTH_MAX + 1,
	               "at 'not'");
	ls_buf_fini(&b);
	b = nested(LS_COND_DEPTH_MAX / 2, "not (", "not sel1", ")");
	check_bad_full(b.data, b.len, NAMES, NNAMES, LS_ERR_TOOLONG, 5 * LS_COND_DEPTH_MAX / 2 + 1,
	               "at 'not'");
	ls_buf_fini(&b);
	/* Far deeper input is refused just the same, without going deep. */
	b = nested(30000, "(", "sel1", ")");
	run_small(&r, &b, NAMES, NNAMES, 0, 0);
	assert_int_equal(r.err, LS_ERR_TOOLONG);
	assert_int_equal(r.d.col, LS_COND_DEPTH_MAX + 1);
	ls_buf_fini(&b);
	b = nested(15000, "not ", "sel1", "");
	run_small(&r, &b, NAMES, NNAMES, 0, 0);
	assert_int_equal(r.err, LS_ERR_TOOLONG);
	assert_int_equal(r.d.col, 4 * LS_COND_DEPTH_MAX + 1);
	ls_buf_fini(&b);
}

/*
 * Terms in the longest chains: with one-letter names, 10,000 terms joined
 * by " and " fit in LS_COND_TEXT_MAX.
 */
#define CHAIN 10000
static const char *const ABC_NAMES[] = { "a", "b", "c" };

/* "a OP b OP c OP a ..." with n terms. */
static ls_buf chain(const char *op, size_t n)
{
	ls_buf b = LS_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ls_buf_append_cstr(&b, op);
		ls_buf_append_cstr(&b, ABC_NAMES[i % 3]);
	}
	return b;
}

static void long_chains(void **state)
{
	(void)state;
	small_run r;

	ls_buf b = chain(" and ", CHAIN);
	assert_true(b.len <= LS_COND_TEXT_MAX);
	run_small(&r, &b, ABC_NAMES, 3, 7, 3);
	assert_int_equal(r.err, LS_OK);
	assert_int_equal(r.nnodes, 2 * CHAIN - 1);
	assert_true(r.value[0]);
	assert_int_equal(r.calls[0], CHAIN);
	assert_false(r.value[1]);
	assert_int_equal(r.calls[1], 3); /* stops at the first c */
	assert_prefix(r.out.data, "(a and (b and (c and (a and ");
	assert_int_equal(r.out.len, b.len + 2 * (CHAIN - 1));
	for (size_t i = 0; i < CHAIN - 1; i++)
		assert_int_equal(r.out.data[r.out.len - 1 - i], ')');
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);

	b = chain(" OR ", CHAIN);
	run_small(&r, &b, ABC_NAMES, 3, 0, 4);
	assert_int_equal(r.err, LS_OK);
	assert_false(r.value[0]);
	assert_int_equal(r.calls[0], CHAIN);
	assert_true(r.value[1]);
	assert_int_equal(r.calls[1], 3);
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);

	/* Alternating precedence levels: "a and not b or a and not b or ...". */
	b = LS_BUF_INIT;
	size_t pairs = LS_COND_TEXT_MAX / 16;
	for (size_t i = 0; i < pairs; i++)
		ls_buf_append_cstr(&b, i == 0 ? "a and not b" : " or a and not b");
	run_small(&r, &b, ABC_NAMES, 3, 3, 1);
	assert_int_equal(r.err, LS_OK);
	assert_false(r.value[0]);
	assert_int_equal(r.calls[0], 2 * pairs);
	assert_true(r.value[1]);
	assert_int_equal(r.calls[1], 2);
	assert_prefix(r.out.data, "((a and (not b)) or ((a and (not b)) or ");
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);

	/* Chains inside the deepest nesting, then a long chain of groups. */
	b = LS_BUF_INIT;
	for (unsigned i = 0; i < LS_COND_DEPTH_MAX; i++)
		ls_buf_append_cstr(&b, "(a and b and c and ");
	ls_buf_append_cstr(&b, "a");
	for (unsigned i = 0; i < LS_COND_DEPTH_MAX; i++)
		ls_buf_append_cstr(&b, ")");
	size_t groups = 0;
	while (b.len < LS_COND_TEXT_MAX - 20) {
		ls_buf_append_cstr(&b, " and (b or c)");
		groups++;
	}
	run_small(&r, &b, ABC_NAMES, 3, 7, 3);
	assert_int_equal(r.err, LS_OK);
	assert_true(r.value[0]);
	assert_int_equal(r.calls[0], 3 * LS_COND_DEPTH_MAX + 1 + groups);
	assert_false(r.value[1]); /* c is false: the innermost chain stops at c */
	assert_int_equal(r.calls[1], 3);
	ls_buf_fini(&r.out);
	run_small(&r, &b, ABC_NAMES, 3, 5, 0);
	assert_false(r.value[0]); /* b is false: the first group stops at b */
	assert_int_equal(r.calls[0], 2);
	assert_false(r.value[1]);
	assert_int_equal(r.calls[1], 1);
	ls_buf_fini(&r.out);
	ls_buf_fini(&b);
}

/* --------------------------------------------------------------- evaluation */

static void short_circuit(void **state)
{
	(void)state;
	check_calls("sel1 and sel2", 0, false, 1, SEL1);
	check_calls("sel1 and sel2", bit(SEL1), false, 2, SEL1, SEL2);
	check_calls("sel1 or sel2", bit(SEL1), true, 1, SEL1);
	check_calls("sel1 or sel2", 0, false, 2, SEL1, SEL2);
	check_calls("sel1 and sel2 and sel3", bit(SEL1) | bit(SEL2) | bit(SEL3), true, 3, SEL1,
	            SEL2, SEL3);
	check_calls("sel3 and sel2 and sel1", bit(SEL3), false, 2, SEL3, SEL2);
	check_calls("not sel1 and sel2", bit(SEL1), false, 1, SEL1);
	check_calls("not sel1 or sel2", 0, true, 1, SEL1);
	check_calls("not (sel1 or sel2)", bit(SEL1), false, 1, SEL1);
	check_calls("not (sel1 and sel2)", 0, true, 1, SEL1);
	check_calls("not not (sel1 or sel2)", bit(SEL2), true, 2, SEL1, SEL2);
	check_calls("(sel1 or sel2) and sel3", bit(SEL1), false, 2, SEL1, SEL3);
	check_calls("sel1 or sel2 and sel3", 0, false, 2, SEL1, SEL2);
	/* OF stops once the count is reached, or can no longer be. */
	check_calls("1 of sel*", bit(SEL1), true, 1, SEL1);
	check_calls("1 of sel*", bit(SEL3), true, 3, SEL1, SEL2, SEL3);
	check_calls("1 of sel*", 0, false, 3, SEL1, SEL2, SEL3);
	check_calls("all of sel*", 0, false, 1, SEL1);
	check_calls("all of sel*", bit(SEL1) | bit(SEL2), false, 3, SEL1, SEL2, SEL3);
	check_calls("2 of sel*", 0, false, 2, SEL1, SEL2);
	check_calls("2 of sel*", bit(SEL1) | bit(SEL2), true, 2, SEL1, SEL2);
	check_calls("2 of sel*", bit(SEL1) | bit(SEL3), true, 3, SEL1, SEL2, SEL3);
	check_calls("2 of sel*", bit(SEL2), false, 3, SEL1, SEL2, SEL3);
	check_calls("not 1 of filter_*", bit(FILTER_B), false, 2, FILTER_A, FILTER_B);
	check_calls("main and not 1 of filter_*", 0, false, 1, MAIN);
	/* The same identifier twice may be asked twice. */
	check_calls("sel1 and sel1", bit(SEL1), true, 2, SEL1, SEL1);

	/* Nothing parsed evaluates to false without a call. */
	ls_cond c;
	memset(&c, 0, sizeof c);
	probe pr;
	assert_false(eval_mask(&c, ~UINT64_C(0), &pr));
	assert_int_equal(pr.total, 0);
	ls_buf b = LS_BUF_INIT;
	ls_cond_format(&c, NULL, &b);
	assert_int_equal(b.len, 0);
	ls_buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(precedence),
		cmocka_unit_test(parentheses),
		cmocka_unit_test(keywords_and_whitespace),
		cmocka_unit_test(of_them),
		cmocka_unit_test(of_patterns),
		cmocka_unit_test(of_counts),
		cmocka_unit_test(errors_syntax),
		cmocka_unit_test(errors_identifiers),
		cmocka_unit_test(errors_of),
		cmocka_unit_test(text_limit),
		cmocka_unit_test(depth_limit),
		cmocka_unit_test(long_chains),
		cmocka_unit_test(short_circuit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
