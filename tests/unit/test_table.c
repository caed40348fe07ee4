/*
 * test_table.c - unit tests for the table export reader (io/table.h).
 *
 * Each format is read from small literal texts and every record is
 * rendered as "source|stmt|columns|field;field;..." (NULL as \N, a quoted
 * CSV field marked with *), so a case is one expected string. Errors are
 * checked for their code, exact line and column and a word of the message;
 * the edges (a first line cut, a last record cut) in both modes; format
 * detection on names that look like SQL words; the limits.
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
#include "io/table.h"

/* Read every record of text into a rendering; returns the final status. */
static ls_err render(const char *text, size_t len, ls_table_format fmt, bool lenient, ls_buf *out,
                     ls_diag *d)
{
	ls_table_reader rd;
	ls_buf_reset(out);
	ls_diag_clear(d);
	ls_err e = ls_table_init(&rd, text, len, fmt, lenient, "t", d);
	if (e == LS_OK) {
		ls_table_record r;
		while ((e = ls_table_next(&rd, &r, d)) == LS_OK) {
			ls_buf_printf(out, "%c|%llu|",
			              r.source == LS_TABLE_FROM_CSV    ? 'C'
			              : r.source == LS_TABLE_FROM_COPY ? 'P'
			                                               : 'I',
			              (unsigned long long)r.statement);
			for (size_t i = 0; i < r.ncolumns; i++)
				ls_buf_printf(out, "%s%.*s", i ? "," : "", (int)r.columns[i].len,
				              r.columns[i].ptr);
			ls_buf_append_char(out, '|');
			for (size_t i = 0; i < r.nfields; i++) {
				const ls_table_field *f = &r.fields[i];
				if (i)
					ls_buf_append_char(out, ';');
				if (f->null)
					ls_buf_append_cstr(out, "\\N");
				else
					ls_buf_printf(out, "%s%.*s", f->quoted ? "*" : "", (int)f->value.len,
					              f->value.ptr);
			}
			ls_buf_printf(out, "@%lu:%lu%s%s\n", r.line, r.col, r.crlf ? " crlf" : "",
			              r.unterminated ? " open" : "");
		}
		if (e == LS_ERR_NOTFOUND)
			e = LS_OK;
		if (e == LS_OK)
			ls_buf_printf(out, "skipped %llu dropped %llu\n",
			              (unsigned long long)ls_table_skipped_head(&rd),
			              (unsigned long long)ls_table_dropped_tail(&rd));
	}
	ls_table_fini(&rd);
	return e;
}

static void expect(const char *text, ls_table_format fmt, bool lenient, const char *want)
{
	ls_buf out = LS_BUF_INIT;
	ls_diag d;
	ls_err e = render(text, strlen(text), fmt, lenient, &out, &d);
	if (e != LS_OK)
		print_error("%s\nerror %lu:%lu: %s\n", text, d.line, d.col, d.message);
	assert_int_equal(e, LS_OK);
	if (strcmp(out.data ? out.data : "", want) != 0)
		print_error("input:\n%s\ngot:\n%s\nwant:\n%s\n", text, out.data, want);
	assert_string_equal(out.data ? out.data : "", want);
	ls_buf_fini(&out);
}

static void expect_error(const char *text, size_t len, bool lenient, ls_err err,
                         unsigned long line, unsigned long col, const char *word)
{
	ls_buf out = LS_BUF_INIT;
	ls_diag d;
	ls_err e = render(text, len, LS_TABLE_AUTO, lenient, &out, &d);
	if (e != err || d.line != line || d.col != col || strstr(d.message, word) == NULL)
		print_error("input %.80s: got %d at %lu:%lu: %s\n", text, (int)e, d.line, d.col,
		            d.message);
	assert_int_equal(e, err);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_string_equal(d.file, "t");
	assert_non_null(strstr(d.message, word));
	ls_buf_fini(&out);
}

static ls_table_format detected(const char *text)
{
	ls_table_reader rd;
	assert_int_equal(ls_table_init(&rd, text, strlen(text), LS_TABLE_AUTO, true, "t", NULL),
	                 LS_OK);
	ls_table_format f = ls_table_format_of(&rd);
	ls_table_fini(&rd);
	return f;
}

/* ------------------------------------------------------------------- CSV */

static void test_csv(void **state)
{
	(void)state;
	expect("a,b\n1,\"x, \"\"y\"\"\"\n", LS_TABLE_AUTO, false,
	       "C|0||a;b@1:1\nC|0||1;*x, \"y\"@2:1\nskipped 0 dropped 0\n");
	/* CR LF, a quoted line break, blank lines, a last record without a line end */
	expect("\"a\",b\r\n\r\n\"x\ny\",2\r\n\n3,\n4", LS_TABLE_AUTO, false,
	       "C|0||*a;b@1:1 crlf\nC|0||*x\ny;2@3:1 crlf\nC|0||3;@6:1\nC|0||4@7:1 open\n"
	       "skipped 0 dropped 0\n");
	/* a lone CR is data; empty quoted fields; a UTF-8 BOM is skipped */
	expect("\xef\xbb\xbf\"\",a\rb\n", LS_TABLE_CSV, false, "C|0||*;a\rb@1:4\nskipped 0 dropped 0\n");
}

static void test_csv_errors(void **state)
{
	(void)state;
	expect_error("a,b\n1,x\"y\n", 10, false, LS_ERR_PARSE, 2, 4, "double quote");
	expect_error("a\n\"x\"y,2\n", 9, false, LS_ERR_PARSE, 2, 4, "closing quote");
	expect_error("a\n1\n\"open,\n2\n", 12, false, LS_ERR_PARSE, 3, 1, "never closed");
	expect_error("a,b\n1,\0\n", 8, false, LS_ERR_PARSE, 2, 3, "binary");
	expect_error("a,b\n1,\x01x\n", 8, true, LS_ERR_PARSE, 2, 3, "binary");
	expect_error("a,b\n1,\xc3\x28\n", 8, false, LS_ERR_PARSE, 2, 3, "UTF-8");
	expect_error("\x7f", 1, false, LS_ERR_PARSE, 1, 1, "binary");
}

static void test_csv_edges(void **state)
{
	(void)state;
	/* a part cut from the middle: the first line starts inside quotes */
	const char *cut = "ch, Ltd. branch\",9\n1,\"a, b\"\n2,\"c";
	expect(cut, LS_TABLE_AUTO, true, "C|0||1;*a, b@2:1\nskipped 1 dropped 1\n");
	expect_error(cut, strlen(cut), false, LS_ERR_PARSE, 1, 16, "double quote");
	/* strict: a quote left open at the end is an error at the quote */
	expect_error("1,\"a\n", 5, false, LS_ERR_PARSE, 1, 3, "never closed");
}

static void test_limits(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	for (unsigned i = 0; i <= LS_TABLE_FIELDS_MAX; i++)
		ls_buf_append_char(&b, ',');
	ls_buf_append_char(&b, '\n');
	expect_error(b.data, b.len, false, LS_ERR_TOOLONG, 1, LS_TABLE_FIELDS_MAX + 1, "fields");
	ls_buf_reset(&b);
	ls_buf_append_cstr(&b, "a\n\"");
	for (unsigned i = 0; i <= LS_TABLE_RECORD_MAX; i++)
		ls_buf_append_char(&b, 'x');
	ls_buf_append_cstr(&b, "\"\n");
	expect_error(b.data, b.len, false, LS_ERR_TOOLONG, 2, 1, "longer");
	ls_buf_fini(&b);
}

/* --------------------------------------------------------------- COPY text */

static void test_copy_text(void **state)
{
	(void)state;
	expect("M1\tA b\t\\N\nM2\tx\\ty\\\\z\\101\\x41\\q\t\\N\\N\n\\.\nignored\n", LS_TABLE_AUTO,
	       false,
	       "P|0||M1;A b;\\N@1:1\nP|0||M2;x\ty\\zAAq;NN@2:1\nskipped 0 dropped 0\n");
	expect_error("a\tb\\\n", 5, false, LS_ERR_PARSE, 1, 4, "backslash at the end");
	expect_error("a\t\\000\n", 7, false, LS_ERR_PARSE, 1, 3, "NUL");
}

/* --------------------------------------------------------------------- SQL */

static void test_sql_copy(void **state)
{
	(void)state;
	expect("--\n-- PostgreSQL database dump\n--\n\\restrict abc\nSET x = 'a;b';\n"
	       "SELECT pg_catalog.set_config('search_path', '', false);\n"
	       "/* a /* nested */ comment; */\n"
	       "COPY public.members (member_id, \"Full Name\", Phone) FROM stdin;\n"
	       "M1\tA\t+999\n\\.\n\nALTER TABLE ONLY public.members ADD CONSTRAINT k;\n"
	       "COPY t FROM stdin;\nz\n\\.\n",
	       LS_TABLE_AUTO, false,
	       "P|0|member_id,Full Name,phone|M1;A;+999@9:1\nP|0||z@14:1\nskipped 0 dropped 0\n");
	expect_error("COPY t (a) FROM stdin WITH (FORMAT csv);\n1\n\\.\n", 44, false,
	             LS_ERR_UNSUPPORTED, 1, 36, "csv");
	expect_error("COPY t (a) FROM stdin;\n1\n", 25, false, LS_ERR_PARSE, 3, 1, "\\.");
	/* lenient: COPY data cut in the middle of a line */
	expect("COPY t (a) FROM stdin;\n1\n2x", LS_TABLE_AUTO, true,
	       "P|0|a|1@2:1\nskipped 0 dropped 1\n");
}

static void test_sql_insert(void **state)
{
	(void)state;
	expect("CREATE TABLE public.members (\n  member_id character varying(10) NOT NULL,\n"
	       "  \"position\" text DEFAULT 'a,b',\n  CONSTRAINT c CHECK (x IN (1, 2)),\n"
	       "  PRIMARY KEY (member_id)\n);\n"
	       "INSERT INTO public.members VALUES ('M1', 'O''Dara');\n"
	       "insert into public.members (position, member_id) values\n"
	       "\t(E'a\\tb\\'c', NULL), (-1.5e3, TRUE),\n\t('x'::character varying(10), $q$d;$q$);\n",
	       LS_TABLE_AUTO, false,
	       "I|1|member_id,position|*M1;*O'Dara@7:35\n"
	       "I|2|position,member_id|*a\tb'c;\\N@9:2\n"
	       "I|2|position,member_id|-1.5e3;TRUE@9:22\n"
	       "I|2|position,member_id|*x;*d;@10:2\nskipped 0 dropped 0\n");
	expect("INSERT INTO t (a) VALUES ('1') ON CONFLICT DO NOTHING;\nINSERT INTO t (a) SELECT 1;\n",
	       LS_TABLE_AUTO, false, "I|1|a|*1@1:26\nskipped 0 dropped 0\n");
	expect_error("INSERT INTO t (a) VALUES (now());\n", 34, false, LS_ERR_UNSUPPORTED, 1, 27,
	             "literal");
	expect_error("INSERT INTO t (a) VALUES ('1' '2');\n", 36, false, LS_ERR_PARSE, 1, 31,
	             "after a value");
	expect_error("INSERT INTO t (a) VALUES ('1') x;\n", 34, false, LS_ERR_PARSE, 1, 32,
	             "after a row");
	expect_error("INSERT INTO t (a VALUES ('1');\n", 31, false, LS_ERR_PARSE, 1, 18,
	             "column list");
	expect_error("INSERT INTO t (a) VALUES ('1\n", 29, false, LS_ERR_PARSE, 1, 27,
	             "never closed");
	/* lenient: a tuple cut by the end of the text is dropped */
	expect("INSERT INTO t (a) VALUES ('1'),\n('2", LS_TABLE_AUTO, true,
	       "I|1|a|*1@1:26\nskipped 0 dropped 1\n");
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(detected("member_id,full_name\nM1,A\n"), LS_TABLE_CSV);
	assert_int_equal(detected("M1\tA\tB\n"), LS_TABLE_COPY_TEXT);
	assert_int_equal(detected("  \n-- dump\n"), LS_TABLE_SQL);
	assert_int_equal(detected("COPY public.members (a) FROM stdin;\n"), LS_TABLE_SQL);
	assert_int_equal(detected("INSERT INTO t VALUES (1);\n"), LS_TABLE_SQL);
	assert_int_equal(detected("BEGIN;\n"), LS_TABLE_SQL);
	assert_int_equal(detected("SET x = 1;\n"), LS_TABLE_SQL);
	/* register names that are also SQL words stay CSV */
	assert_int_equal(detected("Copy Trabepand,Granaiport Insurance Holdings branch\n"),
	                 LS_TABLE_CSV);
	assert_int_equal(detected("Begin Jougape,Clerk\n"), LS_TABLE_CSV);
	assert_int_equal(detected("Insert Zyx,a\n"), LS_TABLE_CSV);
	assert_int_equal(detected(""), LS_TABLE_CSV);
	assert_string_equal(ls_table_format_name(LS_TABLE_COPY_TEXT), "copy-text");
}

static void test_columns_changed(void **state)
{
	(void)state;
	const char *t = "INSERT INTO t (a) VALUES (1);\nINSERT INTO t (a) VALUES (2);\n"
	                "INSERT INTO t (b) VALUES (3);\n";
	ls_table_reader rd;
	assert_int_equal(ls_table_init(&rd, t, strlen(t), LS_TABLE_AUTO, false, "t", NULL), LS_OK);
	ls_table_record r;
	bool changed[3];
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ls_table_next(&rd, &r, NULL), LS_OK);
		changed[i] = r.columns_changed;
	}
	assert_int_equal(ls_table_next(&rd, &r, NULL), LS_ERR_NOTFOUND);
	assert_true(changed[0]);
	assert_false(changed[1]);
	assert_true(changed[2]);
	assert_int_equal(ls_table_records(&rd), 3);
	ls_table_fini(&rd);
	ls_table_fini(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),          cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_edges),    cmocka_unit_test(test_limits),
		cmocka_unit_test(test_copy_text),    cmocka_unit_test(test_sql_copy),
		cmocka_unit_test(test_sql_insert),   cmocka_unit_test(test_detect),
		cmocka_unit_test(test_columns_changed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
