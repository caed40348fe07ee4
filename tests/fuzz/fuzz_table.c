/*
 * fuzz_table.c - libFuzzer target for the table export reader (io/table.h).
 *
 * The input is read in every format (detected, CSV, SQL, COPY text), with
 * and without lenient edges. Every record must be within the limits and
 * readable to its last byte; every rejection must name a known error with
 * a diagnostic inside the text (line and column from 1, a message, the
 * file name), and must repeat on the next call. Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "io/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(ls_err e, const ls_diag *d, size_t size)
{
	if (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG && e != LS_ERR_UNSUPPORTED)
		abort();
	if (d->err != e || d->line == 0 || d->col == 0 || d->message[0] == '\0' ||
	    d->file == NULL || strcmp(d->file, "fuzz") != 0)
		abort();
	if (d->line > size + 1 || d->col > size + 1)
		abort();
}

static void run(const char *text, size_t size, ls_table_format fmt, bool lenient)
{
	ls_table_reader rd;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_table_init(&rd, text, size, fmt, lenient, "fuzz", &d);
	if (e != LS_OK) {
		check_diag(e, &d, size);
		ls_table_fini(&rd);
		return;
	}
	if (fmt != LS_TABLE_AUTO && ls_table_format_of(&rd) != fmt)
		abort();
	ls_table_record rec;
	uint64_t n = 0;
	volatile unsigned char sink = 0;
	while ((e = ls_table_next(&rd, &rec, &d)) == LS_OK) {
		if (++n > size + 1) /* every record consumes input */
			abort();
		if (rec.nfields > LS_TABLE_FIELDS_MAX || rec.ncolumns > LS_TABLE_FIELDS_MAX ||
		    rec.line == 0 || rec.col == 0 || rec.line > size + 1)
			abort();
		size_t total = 0;
		for (size_t i = 0; i < rec.nfields; i++) {
			const ls_table_field *f = &rec.fields[i];
			total += f->value.len;
			if (f->null && f->value.len != 0)
				abort();
			for (size_t k = 0; k < f->value.len; k++)
				sink ^= (unsigned char)f->value.ptr[k];
		}
		for (size_t i = 0; i < rec.ncolumns; i++)
			for (size_t k = 0; k < rec.columns[i].len; k++)
				sink ^= (unsigned char)rec.columns[i].ptr[k];
		if (total > LS_TABLE_RECORD_MAX)
			abort();
	}
	if (e != LS_ERR_NOTFOUND) {
		check_diag(e, &d, size);
		ls_diag d2;
		ls_diag_clear(&d2);
		if (ls_table_next(&rd, &rec, &d2) != e || d2.line != d.line || d2.col != d.col)
			abort();
	}
	if (ls_table_records(&rd) != n)
		abort();
	ls_table_fini(&rd);
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so reading one byte too far is caught */
	char *text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	if (size)
		memcpy(text, data, size);
	static const ls_table_format fmts[] = { LS_TABLE_AUTO, LS_TABLE_CSV, LS_TABLE_SQL,
		                                LS_TABLE_COPY_TEXT };
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		run(text, size, fmts[i], true);
		run(text, size, fmts[i], false);
	}
	free(text);
	return 0;
}
