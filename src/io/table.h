/*
 * table.h - the rows of a table export: CSV, PostgreSQL COPY text, INSERT
 * statements, and the SQL scripts pg_dump and psql write around them.
 *
 * A leaked table may come as any of these, whole or in part, converted
 * from one to another, with columns dropped or renamed. This reader turns
 * any of them into records of decoded field values and says where each
 * record came from; what the columns mean is the caller's business.
 *
 *   - CSV (RFC 4180): fields separated by ',', records by LF or CR LF;
 *     a quoted field may hold ',', '"' (doubled) and line breaks. A quote
 *     inside an unquoted field, or anything but ',' or the line's end after
 *     a closing quote, is an error. Blank lines are skipped. The reader does
 *     not know whether the first record is a header: that is up to the
 *     caller (each record says whether each field was quoted).
 *   - SQL: statements separated by ';', with -- and nested block comments,
 *     quoted identifiers, standard, E'' and dollar-quoted strings, and psql
 *     meta-commands (a line starting with a backslash) skipped. Rows come
 *     from `COPY name [(columns)] FROM stdin;` followed by COPY text lines
 *     up to `\.`, and from `INSERT INTO name [(columns)] VALUES (...), ...;`
 *     with string, number, NULL, TRUE/FALSE/DEFAULT values and `::type`
 *     casts. `CREATE TABLE name (...)` supplies the columns of a later
 *     INSERT that names none. Every other statement is skipped.
 *   - COPY text on its own (what `COPY ... TO STDOUT` prints): fields
 *     separated by tabs, one record a line, backslash escapes (\b \f \n \r
 *     \t \v \\, octal, \xHH, and \N alone for NULL), up to an optional `\.`.
 *
 * Automatic detection (LS_TABLE_AUTO) reads SQL when the text starts with a
 * comment, a psql meta-command or an SQL command word, COPY text when its
 * first line holds a tab and no comma, and CSV otherwise.
 *
 * The whole text must be UTF-8 (an initial byte order mark is skipped)
 * without NUL or other control bytes than tab, LF and CR: anything else is
 * binary data and an error at its position. Errors are LS_ERR_PARSE,
 * LS_ERR_TOOLONG (limits below) or LS_ERR_UNSUPPORTED (COPY in CSV or
 * binary format, U&'' strings) with a diagnostic at the 1-based line and
 * byte column of the offending byte.
 *
 * Edges. With lenient edges on, a part cut out of a larger export still
 * reads: in CSV a first line that does not parse is skipped (it may start
 * in the middle of a record), and a last record cut short by the end of the
 * text (inside quotes, inside an INSERT tuple or COPY data without `\.`) is
 * dropped; both are counted. A last record without a line end is returned
 * with `unterminated` set.
 *
 * Ownership: the reader borrows the text, which must outlive it; a record's
 * fields, table and columns are valid until the next call on the reader.
 */
#ifndef LS_IO_TABLE_H
#define LS_IO_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"

/* Most fields in one record or names in one column list. */
#define LS_TABLE_FIELDS_MAX 4096u
/* Most bytes of one record (as written, and decoded). */
#define LS_TABLE_RECORD_MAX (1024u * 1024u)

typedef enum ls_table_format {
	LS_TABLE_AUTO = 0,
	LS_TABLE_CSV = 1,
	LS_TABLE_SQL = 2,
	LS_TABLE_COPY_TEXT = 3,
} ls_table_format;

/* Where a record came from. */
typedef enum ls_table_source {
	LS_TABLE_FROM_CSV = 0,
	LS_TABLE_FROM_COPY = 1,   /* COPY text, in an SQL script or on its own */
	LS_TABLE_FROM_INSERT = 2, /* one tuple of an INSERT statement */
} ls_table_source;

typedef struct ls_table_field {
	ls_sv value; /* decoded text; empty for NULL */
	bool null;   /* SQL NULL, or \N in COPY text */
	bool quoted; /* CSV: written in double quotes; SQL: a string literal */
} ls_table_field;

typedef struct ls_table_record {
	ls_table_source source;
	size_t nfields;
	const ls_table_field *fields;
	/*
	 * SQL: the table the statement names, and its columns (the statement's
	 * column list, else those of an earlier CREATE TABLE of that name);
	 * ncolumns 0 when unknown, and always for CSV and bare COPY text.
	 * Unquoted names are folded to lower case, as PostgreSQL does.
	 */
	ls_sv table;
	size_t ncolumns;
	const ls_sv *columns;
	bool columns_changed; /* the table or columns differ from the previous record's */
	uint64_t statement;   /* INSERT: 1-based ordinal of its statement; else 0 */
	unsigned long line, col; /* where the record starts (1-based) */
	bool crlf;               /* CSV: the record ended in CR LF */
	bool unterminated;       /* the text ended without the record's line end */
} ls_table_record;

/* A piece of a reader's buffer (private). */
typedef struct ls_table_span {
	size_t off, len;
	bool null, quoted;
} ls_table_span;

typedef struct ls_table_def ls_table_def;

/* The reader's state; every member is private. */
typedef struct ls_table_reader {
	const char *file;
	const char *p;
	size_t n, pos;
	ls_table_format fmt;
	bool lenient;
	int state; /* SQL: at the top level, in COPY data, in an INSERT's tuples */
	/* line numbers, advanced lazily and monotonically */
	size_t lpos, lstart;
	unsigned long lno;
	/* the record being decoded */
	ls_buf val;
	ls_table_span *span;
	size_t nspan, spancap;
	ls_table_field *fields;
	size_t fieldcap;
	/* the current statement's table and columns ("table\0col\0col..."),
	 * and the previous statement's, to tell when they change */
	ls_buf names, prev;
	ls_table_span *cols;
	size_t ncols, colcap;
	ls_sv *colsv;
	size_t colsvcap;
	bool changed;
	uint64_t statement;
	/* CREATE TABLE definitions */
	ls_arena arena;
	ls_table_def *defs;
	size_t ndefs, defcap;
	/* counts */
	uint64_t records, skipped_head, dropped_tail;
	/* a failure repeats */
	ls_err err;
	ls_diag diag;
} ls_table_reader;

/*
 * Start reading text[0..len): checks that it is text (see above) and
 * detects the format if fmt is LS_TABLE_AUTO. file (borrowed) names it in
 * diagnostics. On error the reader is still to be fini'd.
 */
ls_err ls_table_init(ls_table_reader *rd, const char *text, size_t len, ls_table_format fmt,
                     bool lenient_edges, const char *file, ls_diag *d) LS_WUR;
void ls_table_fini(ls_table_reader *rd);

/*
 * The next record: LS_OK and *rec filled, LS_ERR_NOTFOUND at the end of
 * the text (no diagnostic), or an error. After an error, further calls
 * return the same error.
 */
ls_err ls_table_next(ls_table_reader *rd, ls_table_record *rec, ls_diag *d) LS_WUR;

/* The format being read (never LS_TABLE_AUTO after a successful init). */
ls_table_format ls_table_format_of(const ls_table_reader *rd);
/* "csv", "sql", "copy-text". */
const char *ls_table_format_name(ls_table_format f);

/* Records returned so far, and the edge records skipped or dropped. */
uint64_t ls_table_records(const ls_table_reader *rd);
uint64_t ls_table_skipped_head(const ls_table_reader *rd);
uint64_t ls_table_dropped_tail(const ls_table_reader *rd);

#endif
