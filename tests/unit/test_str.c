/*
 * test_str.c - string views, strict integer parsing and the growable buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static void sv_compare(void **state)
{
	(void)state;
	ls_sv a = LS_SV_LIT("Hello");
	assert_true(ls_sv_eq_cstr(a, "Hello"));
	assert_false(ls_sv_eq_cstr(a, "Hell"));
	assert_false(ls_sv_eq_cstr(a, "hello"));
	assert_true(ls_sv_eq_nocase(a, LS_SV_LIT("hELLO")));
	assert_false(ls_sv_eq_nocase(a, LS_SV_LIT("hELL0")));
	assert_true(ls_sv_starts_with(a, LS_SV_LIT("He")));
	assert_true(ls_sv_ends_with(a, LS_SV_LIT("llo")));
	assert_false(ls_sv_ends_with(LS_SV_LIT("lo"), LS_SV_LIT("llo")));
	assert_true(ls_sv_eq(LS_SV_NULL, LS_SV_LIT("")));
	/* Views may hold NUL bytes. */
	assert_false(ls_sv_eq(ls_sv_make("a\0b", 3), ls_sv_make("a\0c", 3)));
}

static void sv_sub_trim_find(void **state)
{
	(void)state;
	ls_sv s = LS_SV_LIT("  key: value \r\n");
	ls_sv t = ls_sv_trim(s);
	assert_true(ls_sv_eq_cstr(t, "key: value"));
	assert_int_equal(ls_sv_find_char(t, ':'), 3);
	assert_int_equal(ls_sv_find_char(t, '#'), SIZE_MAX);
	assert_true(ls_sv_eq_cstr(ls_sv_sub(t, 5, 100), "value"));
	assert_int_equal(ls_sv_sub(t, 50, 2).len, 0);
	assert_int_equal(ls_sv_trim(LS_SV_LIT(" \t ")).len, 0);
}

static void sv_cut_splits_fields(void **state)
{
	(void)state;
	ls_sv rest = LS_SV_LIT("a\tbb\t\tccc");
	const char *want[] = { "a", "bb", "", "ccc" };
	bool found = true;
	int i = 0;
	while (found) {
		ls_sv head;
		rest = ls_sv_cut(rest, '\t', &head, &found);
		assert_true(i < 4);
		assert_true(ls_sv_eq_cstr(head, want[i]));
		i++;
	}
	assert_int_equal(i, 4);
}

static void int_parsing_is_strict(void **state)
{
	(void)state;
	int64_t v = 99;
	uint64_t u = 99;
	assert_int_equal(ls_sv_to_i64(LS_SV_LIT("0"), &v), LS_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ls_sv_to_i64(LS_SV_LIT("-42"), &v), LS_OK);
	assert_int_equal(v, -42);
	assert_int_equal(ls_sv_to_i64(LS_SV_LIT("9223372036854775807"), &v), LS_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(ls_sv_to_i64(LS_SV_LIT("-9223372036854775808"), &v), LS_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(ls_sv_to_i64(LS_SV_LIT("9223372036854775808"), &v), LS_ERR_RANGE);
	assert_int_equal(ls_sv_to_i64(LS_SV_LIT("-9223372036854775809"), &v), LS_ERR_RANGE);
	assert_int_equal(ls_sv_to_u64(LS_SV_LIT("18446744073709551615"), &u), LS_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(ls_sv_to_u64(LS_SV_LIT("18446744073709551616"), &u), LS_ERR_RANGE);
	assert_true(u == UINT64_MAX); /* untouched on error */
	const char *bad[] = { "", "-", "+1", " 1", "1 ", "1a", "0x10", "--1", "1.0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(ls_sv_to_i64(ls_sv_from_cstr(bad[i]), &v), LS_ERR_PARSE);
	}
	assert_int_equal(ls_sv_to_u64(LS_SV_LIT("-1"), &u), LS_ERR_PARSE);
}

static void buf_grows_and_stays_terminated(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	for (int i = 0; i < 10000; i++)
		ls_buf_append_char(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[b.len], '\0');
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	ls_buf_truncate(&b, 3);
	assert_string_equal(b.data, "abc");
	ls_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	ls_buf_fini(&b);
	assert_null(b.data);
	ls_buf_fini(NULL);
}

/* Integer rendering agrees with snprintf over edge and pseudo-random values. */
static void buf_integers_match_printf(void **state)
{
	(void)state;
	int64_t vals[] = {
		0, 1, -1, 9, 10, 99, 100, INT64_MAX, INT64_MIN, 1234567890123LL, -1000000
	};
	ls_buf b = LS_BUF_INIT;
	char want[32];
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		ls_buf_reset(&b);
		ls_buf_append_i64(&b, vals[i]);
		snprintf(want, sizeof want, "%lld", (long long)vals[i]);
		assert_string_equal(b.data, want);
	}
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 2000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t v = x >> (i % 64);
		ls_buf_reset(&b);
		ls_buf_append_u64(&b, v);
		snprintf(want, sizeof want, "%llu", (unsigned long long)v);
		assert_string_equal(b.data, want);
		assert_int_equal(ls_u64_digits(v), strlen(want));
	}
	ls_buf_reset(&b);
	ls_buf_append_u64_padded(&b, 42, 6);
	ls_buf_append_u64_padded(&b, 123456, 3);
	assert_string_equal(b.data, "000042123456");
	ls_buf_fini(&b);
}

static void buf_hex_printf_steal(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	const unsigned char bytes[] = { 0x00, 0x0f, 0xa5, 0xff };
	ls_buf_append_hex(&b, bytes, sizeof bytes);
	assert_string_equal(b.data, "000fa5ff");
	ls_buf_printf(&b, "-%s-%d", "x", 17);
	assert_string_equal(b.data, "000fa5ff-x-17");
	ls_buf_append_sv(&b, LS_SV_LIT("!"));
	ls_sv v = ls_buf_sv(&b);
	assert_true(ls_sv_eq_cstr(v, "000fa5ff-x-17!"));
	char *s = ls_buf_steal(&b);
	assert_string_equal(s, "000fa5ff-x-17!");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	s = ls_buf_steal(&b); /* stealing an empty buffer gives "" */
	assert_string_equal(s, "");
	free(s);
}

static void buf_write_reports_short_writes(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "0123456789");
	char mem[64];
	FILE *f = fmemopen(mem, sizeof mem, "w");
	assert_int_equal(ls_buf_write(&b, f), LS_OK);
	fclose(f);
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		setvbuf(full, NULL, _IONBF, 0);
		assert_int_equal(ls_buf_write(&b, full), LS_ERR_IO);
		fclose(full);
	}
	ls_buf_fini(&b);
}

static void hex_values(void **state)
{
	(void)state;
	const char *digits = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		assert_int_equal(ls_hex_value(digits[i]), i);
		if (i >= 10)
			assert_int_equal(ls_hex_value(digits[i] - 32), i);
	}
	const char *bad = "gG/:@`\x00 ";
	for (const char *p = bad; *p; p++)
		assert_int_equal(ls_hex_value((unsigned char)*p), -1);
	assert_int_equal(ls_hex_value(0xff), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sv_compare),
		cmocka_unit_test(sv_sub_trim_find),
		cmocka_unit_test(sv_cut_splits_fields),
		cmocka_unit_test(int_parsing_is_strict),
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(buf_integers_match_printf),
		cmocka_unit_test(buf_hex_printf_steal),
		cmocka_unit_test(buf_write_reports_short_writes),
		cmocka_unit_test(hex_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
