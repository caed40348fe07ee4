/*
 * test_err.c - error codes and located diagnostics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* The numbers are part of the interface: pin them. */
static void codes_are_stable(void **state)
{
	(void)state;
	assert_int_equal(LS_OK, 0);
	assert_int_equal(LS_ERR_NOMEM, 1);
	assert_int_equal(LS_ERR_IO, 2);
	assert_int_equal(LS_ERR_PARSE, 3);
	assert_int_equal(LS_ERR_RANGE, 4);
	assert_int_equal(LS_ERR_TOOLONG, 5);
	assert_int_equal(LS_ERR_EXISTS, 6);
	assert_int_equal(LS_ERR_NOTFOUND, 7);
	assert_int_equal(LS_ERR_USAGE, 8);
	assert_int_equal(LS_ERR_CRYPTO, 9);
	assert_int_equal(LS_ERR_UNSUPPORTED, 10);
	assert_int_equal(LS_ERR_STATE, 11);
}

static void strerror_covers_every_code(void **state)
{
	(void)state;
	for (int e = 0; e < LS_ERR__COUNT; e++) {
		const char *s = ls_strerror((ls_err)e);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
		for (int f = 0; f < e; f++)
			assert_string_not_equal(s, ls_strerror((ls_err)f));
	}
	assert_string_equal(ls_strerror(LS_OK), "success");
	assert_string_equal(ls_strerror((ls_err)999), "unknown error");
	assert_string_equal(ls_strerror((ls_err)-1), "unknown error");
}

static void diag_formats_file_line_col(void **state)
{
	(void)state;
	ls_diag d;
	char out[256];
	ls_diag_clear(&d);
	assert_int_equal(
	        ls_diag_set(&d, LS_ERR_PARSE, "rules/x.yml", 12, 7, "unexpected '%c'", '}'),
	        LS_ERR_PARSE);
	assert_int_equal(d.err, LS_ERR_PARSE);
	ls_diag_format(&d, out, sizeof out);
	assert_string_equal(out, "rules/x.yml:12:7: unexpected '}'");

	ls_diag_set(&d, LS_ERR_IO, "a.log", 3, 0, "bad");
	ls_diag_format(&d, out, sizeof out);
	assert_string_equal(out, "a.log:3: bad");

	ls_diag_set(&d, LS_ERR_IO, "a.log", 0, 0, "cannot open");
	ls_diag_format(&d, out, sizeof out);
	assert_string_equal(out, "a.log: cannot open");

	ls_diag_set(&d, LS_ERR_IO, NULL, 1, 2, "m");
	ls_diag_format(&d, out, sizeof out);
	assert_string_equal(out, "<input>:1:2: m");
}

static void diag_null_is_allowed(void **state)
{
	(void)state;
	assert_int_equal(ls_diag_set(NULL, LS_ERR_RANGE, "f", 1, 1, "x"), LS_ERR_RANGE);
}

static void diag_truncates_long_messages(void **state)
{
	(void)state;
	ls_diag d;
	char big[2 * LS_DIAG_MSG_MAX];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ls_diag_set(&d, LS_ERR_TOOLONG, "f", 1, 1, "%s", big);
	assert_int_equal(strlen(d.message), LS_DIAG_MSG_MAX - 1);
	char small[16];
	size_t full = ls_diag_format(&d, small, sizeof small);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_true(full > sizeof small);
	assert_memory_equal(small, "f:1:1: aaaaaaaa", 15);
}

static void diag_print_appends_newline(void **state)
{
	(void)state;
	char mem[128] = { 0 };
	FILE *f = fmemopen(mem, sizeof mem, "w");
	assert_non_null(f);
	ls_diag d;
	ls_diag_set(&d, LS_ERR_PARSE, "s.yaml", 2, 5, "unknown key 'peple'");
	ls_diag_print(&d, f);
	fclose(f);
	assert_string_equal(mem, "s.yaml:2:5: unknown key 'peple'\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_are_stable),
		cmocka_unit_test(strerror_covers_every_code),
		cmocka_unit_test(diag_formats_file_line_col),
		cmocka_unit_test(diag_null_is_allowed),
		cmocka_unit_test(diag_truncates_long_messages),
		cmocka_unit_test(diag_print_appends_newline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
