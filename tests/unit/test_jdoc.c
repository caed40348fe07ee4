/*
 * test_jdoc.c - unit tests for the JSON document reader.
 *
 * A golden tree pins kinds, key order, decoded strings, number texts and
 * the position of every value; the accessors and number conversions are
 * probed at their edges; every class of error is checked for its code,
 * the exact line and column its diagnostic points at and a word of its
 * message; the limits are probed on both sides; and a tree written back
 * with the JSON writer parses to the same tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/str.h"
#include "io/jdoc.h"
#include "testutil.h"

static const ls_jnode *parse_ok(ls_jdoc *doc, const char *text)
{
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_jdoc_parse(doc, text, strlen(text), NULL, "t.json", &d);
	if (e != LS_OK)
		print_error("%s: %lu:%lu: %s\n", text, d.line, d.col, d.message);
	assert_int_equal(e, LS_OK);
	assert_non_null(doc->root);
	return doc->root;
}

/* Parse len bytes; expect err at line:col with `word` in the message. */
static void parse_bad(const char *text, size_t len, const ls_jdoc_opts *o, ls_err err,
                      unsigned long line, unsigned long col, const char *word)
{
	ls_jdoc doc;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_jdoc_parse(&doc, text, len, o, "bad.json", &d);
	if (e != err || d.line != line || d.col != col || strstr(d.message, word) == NULL)
		print_error("input %.60s: got err %d at %lu:%lu: %s\n", text, (int)e, d.line, d.col,
		            d.message);
	assert_int_equal(e, err);
	assert_int_equal(d.err, err);
	assert_string_equal(d.file, "bad.json");
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.message, word));
	assert_null(doc.root);
	ls_jdoc_fini(&doc);
}

#define BAD(text, err, line, col, word) parse_bad((text), strlen(text), NULL, err, line, col, word)

/* ------------------------------------------------------------------ trees */

static void golden_tree(void **state)
{
	(void)state;
	ls_jdoc doc;
	const ls_jnode *r = parse_ok(&doc, "{\"b\": [1, -2.5e3, true, null],\n"
	                                   " \"a\": {\"x\": \"caf\\u00e9\\n\", \"\": false},\n"
	                                   "  \"s\": \"\\ud83d\\ude00\\u0000z\"}");
	assert_int_equal(r->kind, LS_JOBJECT);
	assert_int_equal(r->len, 3);
	/* Keys keep their order. */
	assert_string_equal(r->members[0].key, "b");
	assert_string_equal(r->members[1].key, "a");
	assert_string_equal(r->members[2].key, "s");
	assert_int_equal(r->members[1].line, 2);
	assert_int_equal(r->members[1].col, 2);

	const ls_jnode *b = ls_jnode_get(r, "b");
	assert_int_equal(b->kind, LS_JARRAY);
	assert_int_equal(b->len, 4);
	assert_int_equal(b->line, 1);
	assert_int_equal(b->col, 7);
	assert_int_equal(ls_jnode_at(b, 0)->kind, LS_JNUMBER);
	assert_string_equal(ls_jnode_at(b, 1)->text, "-2.5e3");
	assert_int_equal(ls_jnode_at(b, 1)->col, 11);
	assert_int_equal(ls_jnode_at(b, 2)->kind, LS_JBOOL);
	assert_string_equal(ls_jnode_at(b, 2)->text, "true");
	assert_int_equal(ls_jnode_at(b, 3)->kind, LS_JNULL);
	assert_null(ls_jnode_at(b, 4));

	const ls_jnode *a = ls_jnode_get(r, "a");
	assert_int_equal(a->line, 2);
	assert_int_equal(a->col, 7);
	const ls_jnode *x = ls_jnode_get(a, "x");
	assert_int_equal(x->kind, LS_JSTRING);
	assert_int_equal(x->len, 6);
	assert_memory_equal(x->text, "caf\xc3\xa9\n", 6);
	assert_true(ls_jnode_is_str(x, "caf\xc3\xa9\n"));
	assert_int_equal(ls_jnode_get(a, "")->kind, LS_JBOOL);
	assert_string_equal(ls_jnode_get(a, "")->text, "false");

	/* A surrogate pair combines; \u0000 stays inside the text. */
	const ls_jnode *s = ls_jnode_get(r, "s");
	assert_int_equal(s->len, 6);
	assert_memory_equal(s->text, "\xf0\x9f\x98\x80\0z", 6);
	assert_int_equal(s->text[6], '\0');
	assert_int_equal(s->line, 3);
	assert_int_equal(s->col, 8);

	/* Accessors on the wrong kind are NULL, not crashes. */
	assert_null(ls_jnode_get(b, "x"));
	assert_null(ls_jnode_get(NULL, "x"));
	assert_null(ls_jnode_at(a, 0));
	assert_null(ls_jnode_member(r, "zz"));
	assert_int_equal(ls_jnode_sv(b).len, 0);
	ls_jdoc_fini(&doc);
	ls_jdoc_fini(&doc);
}

static void scalars_at_the_top(void **state)
{
	(void)state;
	ls_jdoc doc;
	assert_int_equal(parse_ok(&doc, "  42 \n")->kind, LS_JNUMBER);
	ls_jdoc_fini(&doc);
	assert_string_equal(parse_ok(&doc, "\"x\"")->text, "x");
	ls_jdoc_fini(&doc);
	assert_int_equal(parse_ok(&doc, "null")->kind, LS_JNULL);
	ls_jdoc_fini(&doc);
	assert_int_equal(parse_ok(&doc, "[]")->len, 0);
	ls_jdoc_fini(&doc);
	assert_int_equal(parse_ok(&doc, "{}")->len, 0);
	assert_int_equal(doc.nodes, 1);
	ls_jdoc_fini(&doc);
}

static void kind_names(void **state)
{
	(void)state;
	assert_string_equal(ls_jkind_name(LS_JNULL), "null");
	assert_string_equal(ls_jkind_name(LS_JBOOL), "a boolean");
	assert_string_equal(ls_jkind_name(LS_JNUMBER), "a number");
	assert_string_equal(ls_jkind_name(LS_JSTRING), "a string");
	assert_string_equal(ls_jkind_name(LS_JARRAY), "an array");
	assert_string_equal(ls_jkind_name(LS_JOBJECT), "an object");
	assert_string_equal(ls_jnode_kind_name(NULL), "nothing");
}

/* ---------------------------------------------------------------- numbers */

static void number_conversions(void **state)
{
	(void)state;
	ls_jdoc doc;
	const ls_jnode *r = parse_ok(&doc, "[9223372036854775807, -9223372036854775808,"
	                                   " 9223372036854775808, 18446744073709551615,"
	                                   " 18446744073709551616, 1.0, 1e3, -0, -1, 0.25, 1e999,"
	                                   " \"7\"]");
	int64_t i = 7;
	uint64_t u = 7;
	double f = 0;
	assert_int_equal(ls_jnode_i64(&r->items[0], &i), LS_OK);
	assert_true(i == INT64_MAX);
	assert_int_equal(ls_jnode_i64(&r->items[1], &i), LS_OK);
	assert_true(i == INT64_MIN);
	assert_int_equal(ls_jnode_i64(&r->items[2], &i), LS_ERR_RANGE);
	assert_int_equal(ls_jnode_u64(&r->items[2], &u), LS_OK);
	assert_true(u == UINT64_C(9223372036854775808));
	assert_int_equal(ls_jnode_u64(&r->items[3], &u), LS_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(ls_jnode_u64(&r->items[4], &u), LS_ERR_RANGE);
	/* Fractions and exponents are not integers, even when whole. */
	assert_int_equal(ls_jnode_i64(&r->items[5], &i), LS_ERR_PARSE);
	assert_int_equal(ls_jnode_u64(&r->items[6], &u), LS_ERR_PARSE);
	assert_int_equal(ls_jnode_u64(&r->items[7], &u), LS_OK);
	assert_true(u == 0);
	assert_int_equal(ls_jnode_u64(&r->items[8], &u), LS_ERR_RANGE);
	assert_int_equal(ls_jnode_f64(&r->items[9], &f), LS_OK);
	assert_true(f == 0.25);
	assert_int_equal(ls_jnode_f64(&r->items[6], &f), LS_OK);
	assert_true(f == 1000.0);
	assert_int_equal(ls_jnode_f64(&r->items[10], &f), LS_ERR_RANGE);
	assert_true(f == 1000.0);
	/* A string is not a number. */
	assert_int_equal(ls_jnode_i64(&r->items[11], &i), LS_ERR_PARSE);
	assert_int_equal(ls_jnode_f64(&r->items[11], &f), LS_ERR_PARSE);
	assert_int_equal(ls_jnode_i64(NULL, &i), LS_ERR_PARSE);
	ls_jdoc_fini(&doc);
}

/* ----------------------------------------------------------------- errors */

static void grammar_errors(void **state)
{
	(void)state;
	BAD("", LS_ERR_PARSE, 1, 1, "expected a value");
	BAD("  \n ", LS_ERR_PARSE, 2, 2, "end of input");
	BAD("\xef\xbb\xbf{}", LS_ERR_PARSE, 1, 1, "byte 0xef");
	BAD("{} x", LS_ERR_PARSE, 1, 4, "end of the input");
	BAD("{\"a\" 1}", LS_ERR_PARSE, 1, 6, "':'");
	BAD("{\"a\":1,}", LS_ERR_PARSE, 1, 8, "start a key");
	BAD("{'a':1}", LS_ERR_PARSE, 1, 2, "start a key or '}'");
	BAD("[1 2]", LS_ERR_PARSE, 1, 4, "',' or ']'");
	BAD("[1,]", LS_ERR_PARSE, 1, 4, "expected a value");
	BAD("{\"a\":1\n \"b\":2}", LS_ERR_PARSE, 2, 2, "',' or '}'");
	BAD("[01]", LS_ERR_PARSE, 1, 3, "leading zero");
	BAD("[-]", LS_ERR_PARSE, 1, 3, "digit after '-'");
	BAD("[1.]", LS_ERR_PARSE, 1, 4, "digit after '.'");
	BAD("[1e+]", LS_ERR_PARSE, 1, 5, "exponent");
	BAD("[+1]", LS_ERR_PARSE, 1, 2, "expected a value");
	BAD("[NaN]", LS_ERR_PARSE, 1, 2, "expected a value");
	BAD("[tru]", LS_ERR_PARSE, 1, 5, "'true'");
	BAD("[nul", LS_ERR_PARSE, 1, 5, "'null'");
	BAD("\"abc", LS_ERR_PARSE, 1, 5, "unterminated");
	BAD("\"a\tb\"", LS_ERR_PARSE, 1, 3, "control character 0x09");
	BAD("\"\\x\"", LS_ERR_PARSE, 1, 2, "invalid escape");
	BAD("\"\\u12g4\"", LS_ERR_PARSE, 1, 6, "4 hex digits");
	BAD("\"\\udc00\"", LS_ERR_PARSE, 1, 2, "lone low surrogate");
	BAD("\"\\ud800x\"", LS_ERR_PARSE, 1, 2, "lone high surrogate");
	BAD("\"\\ud800\\u0041\"", LS_ERR_PARSE, 1, 2, "lone high surrogate");
	BAD("\"\xc0\xaf\"", LS_ERR_PARSE, 1, 2, "invalid UTF-8");
	BAD("\"\xed\xa0\x80\"", LS_ERR_PARSE, 1, 2, "invalid UTF-8");
	BAD("\"\xf4\x90\x80\x80\"", LS_ERR_PARSE, 1, 2, "invalid UTF-8");
	BAD("\"\xe2\x82\"", LS_ERR_PARSE, 1, 2, "invalid UTF-8");
	/* A NUL byte in the input is not whitespace. */
	parse_bad("{}\0", 3, NULL, LS_ERR_PARSE, 1, 3, "byte 0x00");
}

static void duplicate_keys(void **state)
{
	(void)state;
	BAD("{\"a\":1,\n  \"b\":2,\n  \"a\":3}", LS_ERR_PARSE, 3, 3, "duplicate key \"a\"");
	/* A large object takes the sorted path; the first repeat is named. */
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "{");
	for (int i = 0; i < 40; i++)
		ls_buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	ls_buf_append_cstr(&b, ",\"k30\":0,\"k7\":0}");
	size_t col = (size_t)(strstr(b.data, ",\"k30\":0") - b.data) + 2;
	parse_bad(b.data, b.len, NULL, LS_ERR_PARSE, 1, col, "duplicate key \"k30\"");
	ls_buf_fini(&b);
	/* The same key in different objects is fine; escapes decode before comparing. */
	ls_jdoc doc;
	parse_ok(&doc, "[{\"a\":1},{\"a\":2}]");
	ls_jdoc_fini(&doc);
	BAD("{\"a\":1,\"\\u0061\":2}", LS_ERR_PARSE, 1, 8, "duplicate");
}

static void limits(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	for (int i = 0; i < LS_JSON_DEPTH_MAX; i++)
		ls_buf_append_char(&b, '[');
	for (int i = 0; i < LS_JSON_DEPTH_MAX; i++)
		ls_buf_append_char(&b, ']');
	ls_jdoc doc;
	parse_ok(&doc, b.data);
	ls_jdoc_fini(&doc);
	ls_buf_reset(&b);
	for (int i = 0; i <= LS_JSON_DEPTH_MAX; i++)
		ls_buf_append_char(&b, '[');
	parse_bad(b.data, b.len, NULL, LS_ERR_TOOLONG, 1, LS_JSON_DEPTH_MAX + 1, "nesting");
	ls_buf_fini(&b);

	ls_jdoc_opts o = { 0, 3, 2, 0 };
	parse_bad("[[[1]]]", 7, &o, LS_ERR_TOOLONG, 1, 3, "deeper than 2");
	parse_bad("[1,2,3]", 7, &o, LS_ERR_TOOLONG, 1, 6, "more than 3 values");
	assert_int_equal(ls_jdoc_parse(&doc, "[1,2]", 5, &o, NULL, NULL), LS_OK);
	ls_jdoc_fini(&doc);
	ls_jdoc_opts small = { 4, 0, 0, 0 };
	parse_bad("[1,2]", 5, &small, LS_ERR_TOOLONG, 0, 0, "larger than 4 bytes");
	/* line0 numbers lines from an offset: a JSON Lines file's line 40. */
	ls_jdoc_opts at40 = { 0, 0, 0, 40 };
	parse_bad("{\"a\":}", 6, &at40, LS_ERR_PARSE, 40, 6, "expected a value");
	assert_int_equal(ls_jdoc_parse(&doc, "\n[1]", 4, &at40, NULL, NULL), LS_OK);
	assert_int_equal(doc.root->line, 41);
	ls_jdoc_fini(&doc);
}

static void located_failures(void **state)
{
	(void)state;
	ls_jdoc doc;
	const ls_jnode *r = parse_ok(&doc, "{\n  \"n\": \"x\"}");
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_jnode_fail(&d, LS_ERR_PARSE, "f", ls_jnode_get(r, "n"), "bad %d", 7),
	                 LS_ERR_PARSE);
	char text[128];
	ls_diag_format(&d, text, sizeof text);
	assert_string_equal(text, "f:2:8: bad 7");
	assert_int_equal(ls_jnode_fail(&d, LS_ERR_RANGE, "f", NULL, "none"), LS_ERR_RANGE);
	ls_diag_format(&d, text, sizeof text);
	assert_string_equal(text, "f: none");
	ls_jdoc_fini(&doc);
}

/* ------------------------------------------------------------- round trip */

static void writes_back_the_same_tree(void **state)
{
	(void)state;
	const char *text = "{\"k\":[1,2.50,-0,true,false,null,{}],\"s\":\"\\\"\\\\/\\b\\f\\n\\r\\t"
	                   "\\u0001\\u007f\\u2028\xe2\x82\xac\",\"o\":{\"nested\":[[[]]]}}";
	ls_jdoc a, b;
	parse_ok(&a, text);
	ls_buf out = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &out);
	ls_jnode_write(a.root, &w);
	assert_true(ls_jw_done(&w));
	parse_ok(&b, out.data);
	assert_true(ls_jnode_equal(a.root, b.root));
	/* Numbers keep their text exactly. */
	assert_string_equal(ls_jnode_get(b.root, "k")->items[1].text, "2.50");
	ls_jdoc_fini(&b);
	parse_ok(&b, "{\"k\":[1,2.5]}");
	assert_false(ls_jnode_equal(a.root, b.root));
	ls_jdoc_fini(&b);
	ls_jdoc_fini(&a);
	ls_buf_fini(&out);
}

static void loads_files(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = tu_join(dir, "doc.json");
	const char text[] = "{\"days\": 7,\n \"x\": [}\n";
	assert_int_equal(ls_write_file_atomic(path, text, strlen(text), false, NULL), LS_OK);
	ls_jdoc doc;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_jdoc_load(&doc, path, NULL, &d), LS_ERR_PARSE);
	assert_string_equal(d.file, path);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 8);
	ls_jdoc_fini(&doc);
	ls_jdoc_opts tiny = { 8, 0, 0, 0 };
	assert_int_equal(ls_jdoc_load(&doc, path, &tiny, &d), LS_ERR_TOOLONG);
	ls_jdoc_fini(&doc);
	char *none = tu_join(dir, "none.json");
	assert_int_equal(ls_jdoc_load(&doc, none, NULL, &d), LS_ERR_NOTFOUND);
	assert_string_equal(d.file, none);
	ls_jdoc_fini(&doc);
	const char good[] = "[1]";
	assert_int_equal(ls_write_file_atomic(path, good, 3, true, NULL), LS_OK);
	assert_int_equal(ls_jdoc_load(&doc, path, NULL, &d), LS_OK);
	assert_int_equal(doc.root->len, 1);
	ls_jdoc_fini(&doc);
	free(none);
	free(path);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_tree),
		cmocka_unit_test(scalars_at_the_top),
		cmocka_unit_test(kind_names),
		cmocka_unit_test(number_conversions),
		cmocka_unit_test(grammar_errors),
		cmocka_unit_test(duplicate_keys),
		cmocka_unit_test(limits),
		cmocka_unit_test(located_failures),
		cmocka_unit_test(writes_back_the_same_tree),
		cmocka_unit_test(loads_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
