/*
 * test_json.c - the streaming JSON writer: structure, escaping, UTF-8
 * repair and number formats, compared byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <sodium.h>

#include "core/json.h"

static void escaped_is(const char *in, size_t len, const char *want)
{
	ls_buf b = LS_BUF_INIT;
	ls_json_escape(&b, ls_sv_make(in, len));
	assert_string_equal(b.data ? b.data : "", want);
	ls_buf_fini(&b);
}

#define ESC(lit, want) escaped_is(lit, sizeof(lit) - 1, want)

static void structure_and_commas(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &b);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "rule_id");
	ls_jw_str_cstr(&w, "abc");
	ls_jw_key_cstr(&w, "tags");
	ls_jw_array_begin(&w);
	ls_jw_str_cstr(&w, "attack.t1567");
	ls_jw_str_cstr(&w, "attack.exfiltration");
	ls_jw_array_end(&w);
	ls_jw_key_cstr(&w, "group");
	ls_jw_object_begin(&w);
	ls_jw_object_end(&w);
	ls_jw_key_cstr(&w, "records");
	ls_jw_array_begin(&w);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "rid");
	ls_jw_u64(&w, 7);
	ls_jw_object_end(&w);
	ls_jw_array_begin(&w);
	ls_jw_array_end(&w);
	ls_jw_null(&w);
	ls_jw_bool(&w, true);
	ls_jw_bool(&w, false);
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	assert_true(ls_jw_done(&w));
	assert_string_equal(
	        b.data, "{\"rule_id\":\"abc\",\"tags\":[\"attack.t1567\",\"attack.exfiltration\"],"
	                "\"group\":{},\"records\":[{\"rid\":7},[],null,true,false]}");
	ls_buf_fini(&b);
}

/* JSON Lines: several top-level values in one buffer get no commas. */
static void top_level_values_for_jsonl(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &b);
	for (int i = 0; i < 3; i++) {
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "n");
		ls_jw_i64(&w, i - 1);
		ls_jw_object_end(&w);
		ls_buf_append_char(&b, '\n');
	}
	assert_string_equal(b.data, "{\"n\":-1}\n{\"n\":0}\n{\"n\":1}\n");
	ls_buf_fini(&b);
}

static void every_control_character_is_escaped(void **state)
{
	(void)state;
	ESC("\b\f\n\r\t", "\\b\\f\\n\\r\\t");
	ESC("\"\\/", "\\\"\\\\/");
	ESC("\x7f", "\\u007f");
	escaped_is("a\0b", 3, "a\\u0000b");
	for (int c = 0; c < 0x20; c++) {
		char in[1] = { (char)c };
		ls_buf b = LS_BUF_INIT;
		ls_json_escape(&b, ls_sv_make(in, 1));
		assert_true(b.len == 2 || b.len == 6);
		assert_int_equal(b.data[0], '\\');
		for (size_t i = 0; i < b.len; i++)
			assert_true((unsigned char)b.data[i] >= 0x20);
		ls_buf_fini(&b);
	}
}

static void valid_utf8_passes_through(void **state)
{
	(void)state;
	ESC("caf\xC3\xA9", "caf\xC3\xA9");           /* 2-byte */
	ESC("\xE2\x82\xAC", "\xE2\x82\xAC");         /* 3-byte euro */
	ESC("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"); /* 4-byte */
	ESC("\xE2\x80\xA8", "\xE2\x80\xA8");         /* U+2028 is valid JSON */
	ESC("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
	ESC("\xEF\xBF\xBD", "\xEF\xBF\xBD");         /* U+FFFD itself */
}

#define FFFD "\xEF\xBF\xBD"

static void invalid_utf8_uses_maximal_subparts(void **state)
{
	(void)state;
	/* The example of Unicode chapter 3, "U+FFFD substitution of maximal subparts". */
	ESC("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
	    "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d");
	ESC("\xC0\xAF", FFFD FFFD);                   /* overlong '/' */
	ESC("\xE0\x80\xAF", FFFD FFFD FFFD);          /* overlong 3-byte */
	ESC("\xED\xA0\x80", FFFD FFFD FFFD);          /* surrogate D800 */
	ESC("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	ESC("\xF5\x80", FFFD FFFD);
	ESC("\xFF", FFFD);
	ESC("ab\xE2\x82", "ab" FFFD); /* truncated at the end */
	ESC("\xE2\x82"
	    "x",
	    FFFD "x");
	ESC("\xF0\x9F\x98", FFFD);
	ESC("\xC3", FFFD);
}

/* Whatever the bytes, the output is valid UTF-8 without raw control bytes. */
static void random_bytes_always_give_valid_output(void **state)
{
	(void)state;
	unsigned char seed[randombytes_SEEDBYTES] = { 1 };
	unsigned char in[4096];
	assert_true(sodium_init() >= 0);
	for (int round = 0; round < 200; round++) {
		seed[1] = (unsigned char)round;
		randombytes_buf_deterministic(in, sizeof in, seed);
		ls_buf b = LS_BUF_INIT;
		ls_json_escape(&b, ls_sv_make((const char *)in, sizeof in));
		for (size_t i = 0; i < b.len; i++)
			assert_true((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7f);
		/* Output is valid UTF-8: escaping it again only escapes '\\' and '"'. */
		ls_buf again = LS_BUF_INIT, want = LS_BUF_INIT;
		ls_json_escape(&again, ls_buf_sv(&b));
		for (size_t i = 0; i < b.len; i++) {
			if (b.data[i] == '\\' || b.data[i] == '"')
				ls_buf_append_char(&want, '\\');
			ls_buf_append_char(&want, b.data[i]);
		}
		assert_int_equal(again.len, want.len);
		assert_memory_equal(again.data, want.data, want.len);
		ls_buf_fini(&want);
		ls_buf_fini(&again);
		ls_buf_fini(&b);
	}
}

static void integers_are_exact(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &b);
	ls_jw_array_begin(&w);
	ls_jw_u64(&w, UINT64_MAX);
	ls_jw_i64(&w, INT64_MIN);
	ls_jw_i64(&w, INT64_MAX);
	ls_jw_u64(&w, 0);
	ls_jw_array_end(&w);
	assert_string_equal(b.data,
	                    "[18446744073709551615,-9223372036854775808,9223372036854775807,0]");
	ls_buf_fini(&b);
}

static void floats_use_a_fixed_format(void **state)
{
	(void)state;
	struct {
		double v;
		unsigned d;
		const char *want;
	} cases[] = {
		{ 1.5, 2, "1.50" },
		{ 0.0, 3, "0.000" },
		{ -0.0, 1, "0.0" },
		{ 2.5, 0, "3" },
		{ -2.5, 0, "-3" },
		{ 0.125, 2, "0.13" },
		{ -0.004, 2, "0.00" },
		{ 123456.789, 1, "123456.8" },
		{ 0.000001, 6, "0.000001" },
		{ 1e-12, 9, "0.000000000" },
		{ 1e17, 0, "100000000000000000" },
		{ NAN, 2, "null" },
		{ INFINITY, 2, "null" },
		{ -INFINITY, 0, "null" },
		{ 0.999999999, 3, "1.000" },
		{ 99.95, 9, "99.950000000" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ls_buf b = LS_BUF_INIT;
		ls_jw w;
		ls_jw_init(&w, &b);
		ls_jw_f64(&w, cases[i].v, cases[i].d);
		assert_string_equal(b.data, cases[i].want);
		ls_buf_fini(&b);
	}
}

static void keys_hex_and_raw(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &b);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "id.orig_h");
	ls_jw_str_cstr(&w, "10.1.2.3");
	ls_jw_key(&w, LS_SV_LIT("we\"ird\n"));
	const unsigned char h[] = { 0xde, 0xad, 0x00, 0x01 };
	ls_jw_hex(&w, h, sizeof h);
	ls_jw_key_cstr(&w, "raw");
	ls_jw_raw(&w, LS_SV_LIT("{\"a\":[1,2]}"));
	ls_jw_key_cstr(&w, "last");
	ls_jw_str(&w, LS_SV_LIT(""));
	LS_JW_KEY(&w, "id.resp_p");
	ls_jw_u64(&w, 443);
	ls_jw_object_end(&w);
	assert_string_equal(b.data, "{\"id.orig_h\":\"10.1.2.3\",\"we\\\"ird\\n\":\"dead0001\","
	                            "\"raw\":{\"a\":[1,2]},\"last\":\"\",\"id.resp_p\":443}");
	/* A literal key first in an object gets no comma. */
	ls_buf_reset(&b);
	ls_jw_init(&w, &b);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "a");
	ls_jw_i64(&w, 1);
	LS_JW_KEY(&w, "b");
	ls_jw_i64(&w, 2);
	ls_jw_object_end(&w);
	assert_string_equal(b.data, "{\"a\":1,\"b\":2}");
	ls_buf_fini(&b);
}

static void times_and_built_strings(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &b);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "timestamp");
	ls_jw_time(&w, INT64_C(1772409600123456), 6);
	LS_JW_KEY(&w, "day");
	ls_jw_time(&w, INT64_C(1772409600123456), 0);
	LS_JW_KEY(&w, "mac");
	ls_buf *o = ls_jw_str_begin(&w);
	ls_buf_append_cstr(o, "02:00");
	ls_json_escape(o, LS_SV_LIT("\"q\""));
	ls_jw_str_end(&w);
	LS_JW_KEY(&w, "n");
	ls_jw_u64(&w, 1);
	ls_jw_object_end(&w);
	assert_true(ls_jw_done(&w));
	assert_string_equal(b.data, "{\"timestamp\":\"2026-03-02T00:00:00.123456Z\","
	                            "\"day\":\"2026-03-02T00:00:00Z\",\"mac\":\"02:00\\\"q\\\"\",\"n\":1}");
	ls_buf_fini(&b);
}

/* The writer appends: existing buffer contents are preserved. */
static void writer_appends_to_buffer(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "prefix ");
	ls_jw w;
	ls_jw_init(&w, &b);
	ls_jw_str_cstr(&w, "x");
	assert_string_equal(b.data, "prefix \"x\"");
	ls_buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(structure_and_commas),
		cmocka_unit_test(top_level_values_for_jsonl),
		cmocka_unit_test(every_control_character_is_escaped),
		cmocka_unit_test(valid_utf8_passes_through),
		cmocka_unit_test(invalid_utf8_uses_maximal_subparts),
		cmocka_unit_test(random_bytes_always_give_valid_output),
		cmocka_unit_test(integers_are_exact),
		cmocka_unit_test(floats_use_a_fixed_format),
		cmocka_unit_test(keys_hex_and_raw),
		cmocka_unit_test(writer_appends_to_buffer),
		cmocka_unit_test(times_and_built_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
