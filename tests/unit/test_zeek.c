/*
 * test_zeek.c - unit tests for the Zeek TSV reader.
 *
 * A whole conn.log (header, data lines with a set column, unset and empty
 * fields, #close) is read into golden events; each header line, separator
 * escape, column type and container rule is pinned by a small case; every
 * error is checked for its code and the exact column of its diagnostic.
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
#include "io/zeek.h"

/* ---------------------------------------------------------------- helpers */


#define S LS_VALUE_STRING
#define N LS_VALUE_NUMBER
#define B LS_VALUE_BOOL
#define Z LS_VALUE_NULL

typedef struct fixture {
	ls_zeek_reader r;
	ls_event ev;
	ls_arena a;
	ls_diag d;
	unsigned long lineno;
} fixture;

static int setup(void **state)
{
	fixture *f = ls_xcalloc(1, sizeof *f);
	ls_zeek_init(&f->r);
	ls_event_init(&f->ev);
	ls_arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	ls_zeek_fini(&f->r);
	ls_event_fini(&f->ev);
	ls_arena_fini(&f->a);
	free(f);
	return 0;
}

/* Feed a header line; it must be accepted. */
static void header(fixture *f, const char *line)
{
	bool rec = true;
	ls_diag_clear(&f->d);
	ls_err e =
	        ls_zeek_feed(&f->r, ls_sv_from_cstr(line), ++f->lineno, &f->ev, &f->a, &rec, &f->d);
	if (e != LS_OK)
		print_error("%s: col %lu: %s\n", line, f->d.col, f->d.message);
	assert_int_equal(e, LS_OK);
	assert_false(rec);
}

/* Feed a data line; it must give exactly the wanted fields. */
static void data(fixture *f, const char *line, const want *w, size_t n)
{
	bool rec = false;
	ls_diag_clear(&f->d);
	ls_err e =
	        ls_zeek_feed(&f->r, ls_sv_from_cstr(line), ++f->lineno, &f->ev, &f->a, &rec, &f->d);
	if (e != LS_OK)
		print_error("%s: col %lu: %s\n", line, f->d.col, f->d.message);
	assert_int_equal(e, LS_OK);
	assert_true(rec);
	assert_int_equal(f->ev.line, f->lineno);
	tu_expect_fields(&f->ev, w, n);
}

#define DATA(f, line, ...)                                                                         \
	do {                                                                                       \
		const want w_[] = { __VA_ARGS__ };                                                 \
		data((f), (line), w_, sizeof w_ / sizeof w_[0]);                                   \
	} while (0)

/* Feed any line; expect err at col with word in the message. */
static void bad(fixture *f, const char *line, ls_err err, unsigned long col, const char *word)
{
	bool rec = true;
	ls_diag_clear(&f->d);
	unsigned long ln = ++f->lineno;
	ls_err e = ls_zeek_feed(&f->r, ls_sv_from_cstr(line), ln, &f->ev, &f->a, &rec, &f->d);
	if (e != err || f->d.col != col || (word && !strstr(f->d.message, word)))
		print_error("%s: got err %d col %lu \"%s\"; want err %d col %lu \"%s\"\n", line,
		            (int)e, f->d.col, f->d.message, (int)err, col, word ? word : "");
	assert_int_equal(e, err);
	assert_false(rec);
	assert_int_equal(f->d.line, ln);
	assert_int_equal(f->d.col, col);
	if (word)
		assert_non_null(strstr(f->d.message, word));
}

static void small_header(fixture *f, const char *fields, const char *types)
{
	header(f, "#separator \\x09");
	header(f, fields);
	if (types)
		header(f, types);
}

/* ------------------------------------------------------------------ tests */

static void conn_log_with_set_unset_and_empty(void **state)
{
	fixture *f = *state;
	header(f, "#separator \\x09");
	header(f, "#set_separator\t,");
	header(f, "#empty_field\t(empty)");
	header(f, "#unset_field\t-");
	header(f, "#path\tconn");
	header(f, "#open\t2024-03-01-08-00-00");
	header(f, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
	          "duration\torig_bytes\tconn_state\tlocal_orig\thistory\ttunnel_parents\trid");
	header(f, "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\t"
	          "string\tbool\tstring\tset[string]\tstring");
	assert_true(ls_sv_eq_cstr(f->r.path, "conn"));
	assert_true(ls_sv_eq_cstr(f->r.open, "2024-03-01-08-00-00"));
	assert_int_equal(f->r.nfields, 15);
	assert_int_equal(f->r.ntypes, 15);
	assert_true(ls_sv_eq_cstr(f->r.fields[2], "id.orig_h"));
	assert_true(ls_sv_eq_cstr(f->r.types[13], "set[string]"));
	assert_true(f->r.have_fields && f->r.have_types && !f->r.closed);

	DATA(f,
	     "1709280000.123456\tCAbc123\t10.1.2.3\t51234\t203.0.113.7\t443\ttcp\tssl\t"
	     "1.500000\t1024\tSF\tT\tShADadfF\tCx1,Cy2\tr0001",
	     { "ts", "1709280000.123456", N }, { "uid", "CAbc123", S },
	     { "id.orig_h", "10.1.2.3", S }, { "id.orig_p", "51234", N },
	     { "id.resp_h", "203.0.113.7", S }, { "id.resp_p", "443", N }, { "proto", "tcp", S },
	     { "service", "ssl", S }, { "duration", "1.500000", N }, { "orig_bytes", "1024", N },
	     { "conn_state", "SF", S }, { "local_orig", "true", B }, { "history", "ShADadfF", S },
	     { "tunnel_parents", "Cx1", S }, { "tunnel_parents", "Cy2", S }, { "rid", "r0001", S });
	/* Unset fields vanish, "(empty)" is an empty string, an empty set is no field. */
	DATA(f,
	     "1709280001.000000\tCDef456\t10.1.2.4\t5353\t10.255.0.1\t53\tudp\t-\t-\t-\t"
	     "S0\tF\t(empty)\t(empty)\tr0002",
	     { "ts", "1709280001.000000", N }, { "uid", "CDef456", S },
	     { "id.orig_h", "10.1.2.4", S }, { "id.orig_p", "5353", N },
	     { "id.resp_h", "10.255.0.1", S }, { "id.resp_p", "53", N }, { "proto", "udp", S },
	     { "conn_state", "S0", S }, { "local_orig", "false", B }, { "history", "", S },
	     { "rid", "r0002", S });
	header(f, "#close\t2024-03-01-09-00-00");
	assert_true(f->r.closed);
	assert_true(ls_sv_eq_cstr(f->r.close, "2024-03-01-09-00-00"));
}

static void separator_escapes_and_custom_markers(void **state)
{
	fixture *f = *state;
	header(f, "#separator \\x7c");
	assert_true(ls_sv_eq_cstr(f->r.separator, "|"));
	header(f, "#set_separator|\\x3b");
	header(f, "#empty_field|EMPTY");
	header(f, "#unset_field|NONE");
	header(f, "#fields|a|b|c|d");
	header(f, "#types|string|vector[count]|string|string");
	assert_true(ls_sv_eq_cstr(f->r.set_separator, ";"));
	DATA(f, "x\ty|1;2;3|EMPTY|NONE", { "a", "x\ty", S }, { "b", "1", N }, { "b", "2", N },
	     { "b", "3", N }, { "c", "", S });
	/* The default markers mean nothing special now. */
	DATA(f, "-|NONE|(empty)|-", { "a", "-", S }, { "c", "(empty)", S }, { "d", "-", S });
}

static void container_elements(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ts\tv\tt", "#types\tset[string]\tvector[interval]\ttable[bool]");
	/* An unset element is NULL, an empty-marker element an empty string. */
	DATA(f, "a,-,(empty),\\x2c\t0.5,-\tT,F", { "s", "a", S }, { "s", "null", Z },
	     { "s", "", S }, { "s", ",", S }, { "v", "0.5", N }, { "v", "null", Z },
	     { "t", "true", B }, { "t", "false", B });
	/* Empty containers and an unset column leave nothing. */
	data(f, "(empty)\t(empty)\t-", NULL, 0);
}

static void escapes_are_decoded_after_marker_checks(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta\tb\tc\td", "#types\tstring\tstring\tstring\tstring");
	DATA(f, "\\x2d\t\\x28empty)\tcaf\\xc3\\xa9\\x09x\t\\xZZ\\x4\\", { "a", "-", S },
	     { "b", "(empty)", S }, { "c", "caf\xc3\xa9\tx", S }, { "d", "\\xZZ\\x4\\", S });
	/* Values without escapes are views of the line. */
	const char *line = "plain\tb\tc\td";
	bool rec;
	assert_int_equal(ls_zeek_feed(&f->r, ls_sv_from_cstr(line), 9, &f->ev, &f->a, &rec, NULL),
	                 LS_OK);
	assert_ptr_equal(f->ev.fields[0].value.ptr, line);
	assert_int_equal(f->ev.fields[3].pos, 10);
}

static void types_number_and_bool_validation(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\tc\ti\td\tp\tb", "#types\tcount\tint\tdouble\tport\tbool");
	DATA(f, "0\t-42\t-1.25e-3\t65535\tT", { "c", "0", N }, { "i", "-42", N },
	     { "d", "-1.25e-3", N }, { "p", "65535", N }, { "b", "true", B });
	bad(f, "-1\t0\t0\t0\tT", LS_ERR_PARSE, 1, "column 1 (c, count): expected unsigned integer");
	bad(f, "1\t+2\t0\t0\tT", LS_ERR_PARSE, 3, "column 2 (i, int): expected integer");
	bad(f, "1\t2\t1.\t0\tT", LS_ERR_PARSE, 5, "expected number, found '1.'");
	bad(f, "1\t2\t.5\t0\tT", LS_ERR_PARSE, 5, "expected number");
	bad(f, "1\t2\t3\t80/tcp\tT", LS_ERR_PARSE, 7, "column 4 (p, port)");
	bad(f, "1\t2\t3\t4\ttrue", LS_ERR_PARSE, 9, "expected T or F, found 'true'");
	bad(f, "1\t2\t3\t4\t(empty)", LS_ERR_PARSE, 9, "expected T or F");
}

static void without_types_every_column_is_a_string(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\tn\tb", NULL);
	assert_false(f->r.have_types);
	DATA(f, "12\tT", { "n", "12", S }, { "b", "T", S });
}

static void column_count_errors(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta\tb\tc", "#types\tstring\tstring\tstring");
	bad(f, "1\t2", LS_ERR_PARSE, 4, "expected 3 columns (from #fields), got 2");
	bad(f, "1\t2\t3\t4\t5", LS_ERR_PARSE, 7, "expected 3 columns (from #fields), got 5");
	bad(f, "1\t2\t3\t", LS_ERR_PARSE, 7, "got 4");
	bad(f, "", LS_ERR_PARSE, 1, "empty line");
	DATA(f, "1\t\t3", { "a", "1", S }, { "b", "", S }, { "c", "3", S });
}

static void header_errors(void **state)
{
	fixture *f = *state;
	bad(f, "1\t2", LS_ERR_PARSE, 1, "data line before the #fields header");
	bad(f, "#separator\t\\x09", LS_ERR_PARSE, 11, "expected ' '");
	bad(f, "#separator ", LS_ERR_PARSE, 12, "expected a separator");
	bad(f, "#bogus\tx", LS_ERR_PARSE, 1, "unknown header line '#bogus'");
	bad(f, "# comment", LS_ERR_PARSE, 1, "unknown header line");
	bad(f, "#fields", LS_ERR_PARSE, 8, "expected a separator and a value after '#fields'");
	bad(f, "#types\tstring", LS_ERR_PARSE, 1, "#types before #fields");
	bad(f, "#fields\ta\t\tc", LS_ERR_PARSE, 11, "empty field name");
	bad(f, "#set_separator\t", LS_ERR_PARSE, 16, "expected a value");
	header(f, "#fields\ta\tb\tc");
	bad(f, "#types\tstring\tcount", LS_ERR_PARSE, 20, "#types has 2 entries but #fields has 3");
	bad(f, "#types\tstring\tcount\tbool\tint", LS_ERR_PARSE, 26,
	    "#types has 4 entries but #fields has 3");
	assert_false(f->r.have_types);
	header(f, "#types\tstring\tcount\tbool");
	assert_true(f->r.have_types);
}

static void close_and_a_new_header_block(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta", "#types\tstring");
	DATA(f, "x", { "a", "x", S });
	ls_sv old_name = f->ev.fields[0].name;
	header(f, "#close\t2024-03-01-09-00-00");
	bad(f, "y", LS_ERR_PARSE, 1, "data line after #close");
	/* A concatenated log: a new header starts with #separator. */
	header(f, "#separator \\x09");
	assert_false(f->r.closed);
	assert_false(f->r.have_fields);
	assert_int_equal(f->r.path.len, 0);
	header(f, "#path\tdns");
	header(f, "#fields\tq\tn");
	header(f, "#types\tstring\tcount");
	DATA(f, "host.example\t3", { "q", "host.example", S }, { "n", "3", N });
	/* Names from the earlier header are still readable. */
	assert_true(ls_sv_eq_cstr(old_name, "a"));
}

static void long_lines_are_rejected(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta", NULL);
	char *line = ls_xmalloc(LS_LINE_MAX + 2);
	memset(line, 'x', LS_LINE_MAX + 1);
	line[LS_LINE_MAX + 1] = '\0';
	bad(f, line, LS_ERR_TOOLONG, LS_LINE_MAX + 1, "longer than");
	line[LS_LINE_MAX] = '\0';
	bool rec = false;
	assert_int_equal(ls_zeek_feed(&f->r, ls_sv_from_cstr(line), 1, &f->ev, &f->a, &rec, NULL),
	                 LS_OK);
	assert_true(rec);
	assert_int_equal(f->ev.fields[0].value.len, LS_LINE_MAX);
	free(line);
}

static void multibyte_separators(void **state)
{
	fixture *f = *state;
	header(f, "#separator \\x3a\\x3a");
	assert_true(ls_sv_eq_cstr(f->r.separator, "::"));
	header(f, "#set_separator::+-");
	header(f, "#fields::a::b::c");
	header(f, "#types::string::set[int]::string");
	DATA(f, "x:y::1+-2+--3::z:", { "a", "x:y", S }, { "b", "1", N }, { "b", "2", N },
	     { "b", "-3", N }, { "c", "z:", S });
	bad(f, "x::1", LS_ERR_PARSE, 5, "expected 3 columns (from #fields), got 2");
	bad(f, "x::1::2::3", LS_ERR_PARSE, 10, "got 4");
}

static void container_element_errors_point_at_the_element(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\tid\tv", "#types\tstring\tvector[count]");
	bad(f, "a\t1,2,x3,4", LS_ERR_PARSE, 7,
	    "column 2 (v, vector[count]): expected unsigned integer, found 'x3'");
	bad(f, "a\t1,,2", LS_ERR_PARSE, 5, "found ''");
	DATA(f, "a\t7", { "id", "a", S }, { "v", "7", N });
	assert_int_equal(f->ev.fields[1].pos, 2);
	DATA(f, "a\t7,8", { "id", "a", S }, { "v", "7", N }, { "v", "8", N });
	assert_int_equal(f->ev.fields[2].pos, 4);
}

static void new_fields_need_new_types(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta", "#types\tcount");
	DATA(f, "5", { "a", "5", N });
	header(f, "#fields\ta\tb");
	assert_false(f->r.have_types);
	assert_int_equal(f->r.ntypes, 0);
	DATA(f, "5\t6", { "a", "5", S }, { "b", "6", S });
	header(f, "#types\tcount\tbool");
	DATA(f, "5\tF", { "a", "5", N }, { "b", "false", B });
}

static void header_lines_after_close(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta", NULL);
	header(f, "#close\tx");
	assert_true(f->r.closed);
	bad(f, "1", LS_ERR_PARSE, 1, "after #close");
	/* Any header line other than #close reopens the log. */
	header(f, "#path\tconn");
	assert_false(f->r.closed);
	DATA(f, "1", { "a", "1", S });
	/* Header lines never touch the event. */
	header(f, "#open\ty");
	assert_int_equal(f->ev.n, 1);
}

static void unknown_types_are_strings(void **state)
{
	fixture *f = *state;
	small_header(f, "#fields\ta\tb\tc\td", "#types\taddr\tsubnet\tenum\tset[");
	DATA(f, "10.0.0.1\t10.0.0.0/8\tudp\tx,y", { "a", "10.0.0.1", S }, { "b", "10.0.0.0/8", S },
	     { "c", "udp", S }, { "d", "x,y", S });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(conn_log_with_set_unset_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(separator_escapes_and_custom_markers, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(container_elements, setup, teardown),
		cmocka_unit_test_setup_teardown(escapes_are_decoded_after_marker_checks, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(types_number_and_bool_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(without_types_every_column_is_a_string, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(column_count_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(close_and_a_new_header_block, setup, teardown),
		cmocka_unit_test_setup_teardown(long_lines_are_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(multibyte_separators, setup, teardown),
		cmocka_unit_test_setup_teardown(container_element_errors_point_at_the_element,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(new_fields_need_new_types, setup, teardown),
		cmocka_unit_test_setup_teardown(header_lines_after_close, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_types_are_strings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
