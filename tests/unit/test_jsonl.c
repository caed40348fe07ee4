/*
 * test_jsonl.c - unit tests for the JSON Lines reader, the event model and
 * the line reader.
 *
 * Golden events pin the flattening rules of io/event.h (dotted names, one
 * field per array element, empty containers absent, duplicates kept); every
 * escape is decoded once; every class of error is checked for its code, the
 * exact column its diagnostic points at and a word of its message; the
 * depth and length limits are probed on both sides of the edge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"
#include "eventcheck.h"
#include "io/jsonl.h"

/* ---------------------------------------------------------------- helpers */


#define S LS_VALUE_STRING
#define N LS_VALUE_NUMBER
#define B LS_VALUE_BOOL
#define Z LS_VALUE_NULL

/* Parse text as one line; it must succeed and give exactly the wanted fields. */
static void golden(const char *text, const want *w, size_t n)
{
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_jsonl_parse(ls_sv_from_cstr(text), 7, &ev, &a, &d);
	if (e != LS_OK)
		print_error("%s: col %lu: %s\n", text, d.col, d.message);
	assert_int_equal(e, LS_OK);
	assert_int_equal(ev.line, 7);
	tu_expect_fields(&ev, w, n);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

#define GOLDEN(text, ...)                                                                          \
	do {                                                                                       \
		const want w_[] = { __VA_ARGS__ };                                                 \
		golden((text), w_, sizeof w_ / sizeof w_[0]);                                      \
	} while (0)

/* Parse len bytes at text; expect err at col with `word` in the message. */
static void bad_n(const char *text, size_t len, ls_err err, unsigned long col, const char *word)
{
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_jsonl_parse(ls_sv_make(text, len), 3, &ev, &a, &d);
	if (e != err || d.col != col || d.line != 3 || (word && !strstr(d.message, word)))
		print_error("input %.*s: got err %d col %lu \"%s\"; want err %d col %lu \"%s\"\n",
		            (int)(len > 80 ? 80 : len), text, (int)e, d.col, d.message, (int)err,
		            col, word ? word : "");
	assert_int_equal(e, err);
	assert_int_equal(d.err, err);
	assert_int_equal(d.col, col);
	assert_int_equal(d.line, 3);
	if (word)
		assert_non_null(strstr(d.message, word));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void bad(const char *text, unsigned long col, const char *word)
{
	bad_n(text, strlen(text), LS_ERR_PARSE, col, word);
}

/* ---------------------------------------------------------- golden events */

static void typical_sysmon_record(void **state)
{
	(void)state;
	GOLDEN("{\"EventID\":1,\"UtcTime\":\"2024-03-01T08:00:00.123Z\","
	       "\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"CommandLine\":\"cmd /c "
	       "\\\"dir\\\"\",\"User\":\"CORP\\\\alice\",\"Computer\":\"LT-0042\","
	       "\"IsElevated\":false,\"ParentImage\":null,\"rid\":\"0a1b2c3d4e5f60718293\"}",
	       { "EventID", "1", N }, { "UtcTime", "2024-03-01T08:00:00.123Z", S },
	       { "Image", "C:\\Windows\\System32\\cmd.exe", S },
	       { "CommandLine", "cmd /c \"dir\"", S }, { "User", "CORP\\alice", S },
	       { "Computer", "LT-0042", S }, { "IsElevated", "false", B },
	       { "ParentImage", "null", Z }, { "rid", "0a1b2c3d4e5f60718293", S });
}

static void nested_objects_flatten_to_dotted_names(void **state)
{
	(void)state;
	GOLDEN("{\"a\":{\"b\":{\"c\":1},\"d\":\"x\"},\"e\":true,\"id.orig_h\":\"10.0.0.1\","
	       "\"id\":{\"resp_h\":\"10.0.0.2\"}}",
	       { "a.b.c", "1", N }, { "a.d", "x", S }, { "e", "true", B },
	       { "id.orig_h", "10.0.0.1", S }, { "id.resp_h", "10.0.0.2", S });
}

static void arrays_give_one_field_per_element(void **state)
{
	(void)state;
	GOLDEN("{\"t\":[\"a\",2,true,null],\"n\":[[1,[2]],3],\"p\":[{\"x\":1},{\"x\":2,\"y\":[]}],"
	       "\"e\":[],\"o\":{},\"q\":{\"r\":[{}]}}",
	       { "t", "a", S }, { "t", "2", N }, { "t", "true", B }, { "t", "null", Z },
	       { "n", "1", N }, { "n", "2", N }, { "n", "3", N }, { "p.x", "1", N },
	       { "p.x", "2", N });
}

static void whitespace_around_tokens(void **state)
{
	(void)state;
	GOLDEN(" \t{ \"a\" :\t1 ,\r\n\"b\" : [ 1 , 2 ] } \r", { "a", "1", N }, { "b", "1", N },
	       { "b", "2", N });
}

static void empty_object_gives_no_fields(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(LS_SV_LIT("{ }"), 1, &ev, &a, NULL), LS_OK);
	assert_int_equal(ev.n, 0);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void every_escape_is_decoded(void **state)
{
	(void)state;
	GOLDEN("{\"s\":\"q\\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t\"}",
	       { "s", "q\"b\\s/b\bf\fn\nr\rt\t", S });
	/* \u: ASCII, 2-byte, 3-byte and a surrogate pair (U+1F600), upper and lower hex. */
	GOLDEN("{\"u\":\"\\u0041\\u00e9\\u20AC\\ud83d\\uDE00\"}",
	       { "u", "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", S });
	/* Escapes in keys, with and without a prefix. */
	GOLDEN("{\"k\\u0065y\":{\"n\\\"m\":1}}", { "key.n\"m", "1", N });
	/* Raw UTF-8 passes through unchanged. */
	GOLDEN("{\"\xc3\xa9\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"}",
	       { "\xc3\xa9", "\xe2\x82\xac\xf0\x9f\x98\x80", S });
}

static void nul_escape_keeps_the_byte(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(LS_SV_LIT("{\"z\":\"a\\u0000b\"}"), 1, &ev, &a, NULL),
	                 LS_OK);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.fields[0].value.len, 3);
	assert_memory_equal(ev.fields[0].value.ptr, "a\0b", 3);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void plain_text_is_not_copied(void **state)
{
	(void)state;
	const char *line = "{\"plain\":\"abc\",\"esc\":\"a\\nb\",\"o\":{\"k\":\"v\"}}";
	ls_sv s = ls_sv_from_cstr(line);
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(s, 1, &ev, &a, NULL), LS_OK);
	assert_int_equal(ev.n, 3);
	/* "plain" and "abc" are views of the line; so is "v" but not "o.k". */
	assert_ptr_equal(ev.fields[0].name.ptr, line + 2);
	assert_ptr_equal(ev.fields[0].value.ptr, line + 10);
	assert_int_equal(ev.fields[0].pos, 9); /* the opening quote */
	assert_true(ev.fields[1].value.ptr < line || ev.fields[1].value.ptr >= line + s.len);
	assert_true(ev.fields[2].name.ptr < line || ev.fields[2].name.ptr >= line + s.len);
	assert_ptr_equal(ev.fields[2].value.ptr, line + s.len - 4);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void numbers_keep_their_text(void **state)
{
	(void)state;
	GOLDEN("{\"n\":[0,-0,1.50,-12.5e-3,1E+2,1e2,123456789012345678901234567890]}",
	       { "n", "0", N }, { "n", "-0", N }, { "n", "1.50", N }, { "n", "-12.5e-3", N },
	       { "n", "1E+2", N }, { "n", "1e2", N }, { "n", "123456789012345678901234567890", N });
}

static void duplicate_keys_are_kept_and_iterable(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(
	        ls_jsonl_parse(LS_SV_LIT("{\"a\":1,\"B\":2,\"a\":[3,4]}"), 1, &ev, &a, NULL),
	        LS_OK);
	const ls_field *f = ls_event_get(&ev, LS_SV_LIT("a"));
	assert_non_null(f);
	assert_true(ls_sv_eq_cstr(f->value, "1"));
	const char *seen[] = { "1", "3", "4" };
	size_t k = 0;
	for (; f; f = ls_event_next(&ev, f))
		assert_true(ls_sv_eq_cstr(f->value, seen[k++]));
	assert_int_equal(k, 3);
	assert_int_equal(ls_event_count(&ev, LS_SV_LIT("a")), 3);
	assert_null(ls_event_get(&ev, LS_SV_LIT("b")));
	assert_non_null(ls_event_get_nocase(&ev, LS_SV_LIT("b")));
	assert_null(ls_event_get(&ev, LS_SV_LIT("A")));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

/* ----------------------------------------------------------------- errors */

static void structure_errors_have_exact_columns(void **state)
{
	(void)state;
	bad("", 1, "expected '{'");
	bad("   ", 4, "end of line");
	bad("[1]", 1, "must be a JSON object");
	bad("\"a\"", 1, "expected '{'");
	bad("{", 2, "expected '\"' to start a key or '}'");
	bad("{\"a\" 1}", 6, "expected ':'");
	bad("{\"a\":1 \"b\":2}", 8, "expected ',' or '}'");
	bad("{\"a\":1,}", 8, "expected '\"' to start a key, found '}'");
	bad("{\"a\":}", 6, "expected a value");
	bad("{\"a\":[1,]}", 9, "expected a value");
	bad("{\"a\":[1 2]}", 9, "expected ',' or ']'");
	bad("{\"a\":1}x", 8, "expected the end of the line");
	bad("{\"a\":1}{}", 8, "found '{'");
	bad("{\"a\":\"b", 8, "unterminated string");
	bad("{\"a", 4, "unterminated string");
	bad("{\"a\":1", 7, "found end of line");
	bad("{'a':1}", 2, "found '''");
	bad("{a:1}", 2, "expected '\"'");
}

static void literal_errors(void **state)
{
	(void)state;
	bad("{\"a\":tru}", 9, "expected 'true'");
	bad("{\"a\":fals", 10, "expected 'false'");
	bad("{\"a\":nul1}", 9, "expected 'null'");
	bad("{\"a\":True}", 6, "expected a value");
	bad("{\"a\":truex}", 10, "expected ',' or '}'");
}

static void number_errors(void **state)
{
	(void)state;
	bad("{\"n\":01}", 7, "leading zero");
	bad("{\"n\":-01}", 8, "leading zero");
	bad("{\"n\":-}", 7, "expected a digit after '-'");
	bad("{\"n\":1.}", 8, "expected a digit after '.'");
	bad("{\"n\":1.e5}", 8, "expected a digit after '.'");
	bad("{\"n\":1e}", 8, "exponent");
	bad("{\"n\":1e+}", 9, "exponent");
	bad("{\"n\":+1}", 6, "expected a value");
	bad("{\"n\":.5}", 6, "expected a value");
	bad("{\"n\":0x1}", 7, "expected ',' or '}'");
	bad("{\"n\":NaN}", 6, "expected a value");
	bad("{\"n\":-Infinity}", 7, "expected a digit");
}

static void escape_errors(void **state)
{
	(void)state;
	bad("{\"s\":\"a\\x41\"}", 8, "invalid escape");
	bad("{\"s\":\"a\\'\"}", 8, "invalid escape");
	bad("{\"s\":\"\\u12G4\"}", 11, "4 hex digits");
	bad("{\"s\":\"\\u12", 11, "4 hex digits");
	bad("{\"s\":\"a\\", 9, "unterminated string");
}

static void lone_surrogates_are_rejected(void **state)
{
	(void)state;
	bad("{\"s\":\"x\\ud800\"}", 8, "lone high surrogate");
	bad("{\"s\":\"x\\ud800y\"}", 8, "lone high surrogate");
	bad("{\"s\":\"x\\udbff\\u0041\"}", 8, "lone high surrogate");
	bad("{\"s\":\"x\\ud800\\ud800\"}", 8, "lone high surrogate");
	bad("{\"s\":\"x\\udc00\"}", 8, "lone low surrogate");
	bad("{\"s\":\"\\ude00\\ud83d\"}", 7, "lone low surrogate");
	bad("{\"s\":\"\\ud83d\\uDZ00\"}", 16, "4 hex digits");
	/* The same rule applies to keys. */
	bad("{\"\\ud800\":1}", 3, "lone high surrogate");
}

static void control_bytes_and_bad_utf8_are_rejected(void **state)
{
	(void)state;
	bad("{\"s\":\"a\tb\"}", 8, "control character 0x09");
	bad_n("{\"s\":\"a\0b\"}", 11, LS_ERR_PARSE, 8, "control character 0x00");
	bad("{\"s\":\"a\nb\"}", 8, "control character 0x0a");
	bad("{\"s\":\"\xc0\x80\"}", 7, "invalid UTF-8");         /* overlong NUL */
	bad("{\"s\":\"\xe0\x80\xaf\"}", 7, "invalid UTF-8");     /* overlong '/' */
	bad("{\"s\":\"ab\xed\xa0\x80\"}", 9, "invalid UTF-8");   /* encoded surrogate */
	bad("{\"s\":\"\xf4\x90\x80\x80\"}", 7, "invalid UTF-8"); /* above U+10FFFF */
	bad("{\"s\":\"\xf5\"}", 7, "byte 0xf5");
	bad("{\"s\":\"\x80\"}", 7, "byte 0x80");         /* stray continuation */
	bad("{\"s\":\"\xe2\x82\"}", 7, "invalid UTF-8"); /* truncated */
	bad("{\"\xff\":1}", 3, "invalid UTF-8");         /* in a key */
	bad("{\"s\":1,\xc3\xa9:1}", 8, "byte 0xc3");     /* outside strings */
}

/* ----------------------------------------------------------------- limits */

/* A record nested `depth` containers deep (the top-level object counts). */
static char *nested(unsigned depth, bool arrays)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_char(&b, '{');
	if (arrays) {
		ls_buf_append_cstr(&b, "\"k\":");
		for (unsigned k = 1; k < depth; k++)
			ls_buf_append_char(&b, '[');
		ls_buf_append_char(&b, '1');
		for (unsigned k = 1; k < depth; k++)
			ls_buf_append_char(&b, ']');
	} else {
		for (unsigned k = 1; k < depth; k++)
			ls_buf_append_cstr(&b, "\"k\":{");
		ls_buf_append_cstr(&b, "\"k\":1");
		for (unsigned k = 1; k < depth; k++)
			ls_buf_append_char(&b, '}');
	}
	ls_buf_append_char(&b, '}');
	return ls_buf_steal(&b);
}

static void depth_limit(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;

	/* LS_JSON_DEPTH_MAX objects deep is fine; one more is too deep. */
	char *ok = nested(LS_JSON_DEPTH_MAX, false);
	assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(ok), 1, &ev, &a, NULL), LS_OK);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.fields[0].name.len, 2 * LS_JSON_DEPTH_MAX - 1); /* k.k.k... */
	free(ok);
	char *deep = nested(LS_JSON_DEPTH_MAX + 1, false);
	ls_diag_clear(&d);
	assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(deep), 1, &ev, &a, &d), LS_ERR_TOOLONG);
	/* The offending '{' is the last one: 1 + 64 * strlen("\"k\":{") */
	assert_int_equal(d.col, 1 + 5 * LS_JSON_DEPTH_MAX);
	assert_non_null(strstr(d.message, "nesting deeper than 64"));
	free(deep);

	/* Arrays count the same way. */
	char *arr_ok = nested(LS_JSON_DEPTH_MAX, true);
	assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(arr_ok), 1, &ev, &a, NULL), LS_OK);
	assert_int_equal(ev.n, 1);
	free(arr_ok);
	char *arr_deep = nested(LS_JSON_DEPTH_MAX + 1, true);
	ls_diag_clear(&d);
	assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(arr_deep), 1, &ev, &a, &d), LS_ERR_TOOLONG);
	assert_int_equal(d.col, 6 + LS_JSON_DEPTH_MAX - 1);
	free(arr_deep);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void line_length_limit(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	size_t n = LS_LINE_MAX;
	char *line = ls_xmalloc(n + 1);
	memset(line, 'x', n + 1);
	memcpy(line, "{\"a\":\"", 6);
	memcpy(line + n - 2, "\"}", 2);
	assert_int_equal(ls_jsonl_parse(ls_sv_make(line, n), 1, &ev, &a, NULL), LS_OK);
	assert_int_equal(ev.fields[0].value.len, n - 8);
	memcpy(line + n - 2, "x\"}", 3); /* one byte too long, otherwise valid */
	ls_diag_clear(&d);
	assert_int_equal(ls_jsonl_parse(ls_sv_make(line, n + 1), 5, &ev, &a, &d), LS_ERR_TOOLONG);
	assert_int_equal(d.line, 5);
	assert_int_equal(d.col, LS_LINE_MAX + 1);
	free(line);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

/* ------------------------------------------------------ documents, lines */

static void documents_report_line_and_column(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_sv doc = LS_SV_LIT("{\n  \"a\": 1,\n  \"b\": [\"x\",\n    \"y\"]\n}\n");
	assert_int_equal(ls_json_parse_document(doc, 1000, &ev, &a, NULL), LS_OK);
	assert_int_equal(ev.n, 3);
	assert_int_equal(ls_json_line_of(doc, ev.fields[2].pos), 4);
	assert_int_equal(ls_json_line_of(doc, 0), 1);

	ls_diag_clear(&d);
	assert_int_equal(ls_json_parse_document(LS_SV_LIT("{\n  \"a\": 1\n  \"b\": 2\n}"), 1000,
	                                        &ev, &a, &d),
	                 LS_ERR_PARSE);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, 3);
	assert_non_null(strstr(d.message, "expected ',' or '}'"));

	ls_diag_clear(&d);
	assert_int_equal(ls_json_parse_document(doc, 10, &ev, &a, &d), LS_ERR_TOOLONG);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void line_reader_splits_and_skips_overlong_lines(void **state)
{
	(void)state;
	size_t big = LS_LINE_MAX + 10;
	ls_buf text = LS_BUF_INIT;
	ls_buf_append_cstr(&text, "one\r\n\ntwo\n");
	for (size_t k = 0; k < big; k++)
		ls_buf_append_char(&text, 'z');
	ls_buf_append_cstr(&text, "\nthree");
	FILE *f = fmemopen(text.data, text.len, "r");
	assert_non_null(f);
	ls_line_reader r;
	ls_line_reader_init(&r, f);
	ls_sv line;
	ls_diag d;
	assert_int_equal(ls_line_reader_next(&r, &line, NULL), LS_OK);
	assert_true(ls_sv_eq_cstr(line, "one\r"));
	assert_int_equal(r.line, 1);
	assert_int_equal(ls_line_reader_next(&r, &line, NULL), LS_OK);
	assert_int_equal(line.len, 0);
	assert_int_equal(ls_line_reader_next(&r, &line, NULL), LS_OK);
	assert_true(ls_sv_eq_cstr(line, "two"));
	ls_diag_clear(&d);
	assert_int_equal(ls_line_reader_next(&r, &line, &d), LS_ERR_TOOLONG);
	assert_int_equal(d.line, 4);
	assert_int_equal(r.line, 4);
	assert_int_equal(ls_line_reader_next(&r, &line, NULL), LS_OK);
	assert_true(ls_sv_eq_cstr(line, "three"));
	assert_int_equal(r.line, 5);
	assert_int_equal(ls_line_reader_next(&r, &line, NULL), LS_ERR_NOTFOUND);
	assert_int_equal(ls_line_reader_next(&r, &line, NULL), LS_ERR_NOTFOUND);
	ls_line_reader_fini(&r);
	fclose(f);
	ls_buf_fini(&text);
}

static void utf8_helpers(void **state)
{
	(void)state;
	size_t bad_at = 0;
	assert_true(ls_utf8_valid(LS_SV_LIT("a\xc3\xa9\xf0\x9f\x98\x80"), &bad_at));
	assert_false(ls_utf8_valid(LS_SV_LIT("ab\xed\xbf\xbf"), &bad_at));
	assert_int_equal(bad_at, 2);
	assert_int_equal(ls_utf8_char_len("\xef\xbf\xbf", 3), 3);
	assert_int_equal(ls_utf8_char_len("\xef\xbf", 2), 0);
	assert_int_equal(ls_utf8_char_len("\xc1\xbf", 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typical_sysmon_record),
		cmocka_unit_test(nested_objects_flatten_to_dotted_names),
		cmocka_unit_test(arrays_give_one_field_per_element),
		cmocka_unit_test(whitespace_around_tokens),
		cmocka_unit_test(empty_object_gives_no_fields),
		cmocka_unit_test(every_escape_is_decoded),
		cmocka_unit_test(nul_escape_keeps_the_byte),
		cmocka_unit_test(plain_text_is_not_copied),
		cmocka_unit_test(numbers_keep_their_text),
		cmocka_unit_test(duplicate_keys_are_kept_and_iterable),
		cmocka_unit_test(structure_errors_have_exact_columns),
		cmocka_unit_test(literal_errors),
		cmocka_unit_test(number_errors),
		cmocka_unit_test(escape_errors),
		cmocka_unit_test(lone_surrogates_are_rejected),
		cmocka_unit_test(control_bytes_and_bad_utf8_are_rejected),
		cmocka_unit_test(depth_limit),
		cmocka_unit_test(line_length_limit),
		cmocka_unit_test(documents_report_line_and_column),
		cmocka_unit_test(line_reader_splits_and_skips_overlong_lines),
		cmocka_unit_test(utf8_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
