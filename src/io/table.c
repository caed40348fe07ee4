/*
 * table.c - the rows of CSV files, COPY text, INSERT statements and SQL
 * scripts (see table.h for what is accepted).
 *
 * The reader works over the text in memory. A record is decoded into one
 * growing buffer and described by spans (offset, length, flags), which
 * become field views only when the record is complete, since the buffer
 * may move while it grows. Line numbers are found lazily: the reader keeps
 * the number of the line holding some offset and counts newlines forward
 * from there, so giving every record its line costs one pass over the text.
 *
 * SQL is read statement by statement at the top level. COPY and INSERT
 * switch into a data state (COPY text lines up to `\.`, or one tuple per
 * call up to the statement's ';'); CREATE TABLE is read for its column
 * names; anything else is skipped up to its ';' with strings, quoted
 * identifiers, dollar quotes and comments respected.
 */
#include "io/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/event.h"

enum { ST_TOP, ST_COPY, ST_INSERT };

struct ls_table_def {
	char *name; /* NUL-separated: "table\0col\0col..." */
	size_t len;
};

/* ------------------------------------------------------------- positions */

static void where(ls_table_reader *rd, size_t off, unsigned long *line, unsigned long *col)
{
	if (off > rd->n)
		off = rd->n;
	if (off < rd->lpos) {
		rd->lpos = rd->lstart = 0;
		rd->lno = 1;
	}
	while (rd->lpos < off) {
		const char *nl = memchr(rd->p + rd->lpos, '\n', off - rd->lpos);
		if (nl == NULL) {
			rd->lpos = off;
			break;
		}
		rd->lpos = rd->lstart = (size_t)(nl - rd->p) + 1;
		rd->lno++;
	}
	*line = rd->lno;
	*col = (unsigned long)(off - rd->lstart + 1);
}

LS_PRINTF(4, 5)
static ls_err fail(ls_table_reader *rd, ls_err err, size_t off, const char *fmt, ...)
{
	unsigned long line, col;
	where(rd, off, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	ls_diag_vset(&rd->diag, err, rd->file, line, col, fmt, ap);
	va_end(ap);
	return err;
}

/* A byte for a message: 'x', or its value when it is not printable. */
static const char *show(char *out, size_t cap, const ls_table_reader *rd, size_t pos)
{
	if (pos >= rd->n)
		snprintf(out, cap, "the end of the text");
	else if ((unsigned char)rd->p[pos] > 0x20 && (unsigned char)rd->p[pos] < 0x7f)
		snprintf(out, cap, "'%c'", rd->p[pos]);
	else if (rd->p[pos] == '\n')
		snprintf(out, cap, "the end of the line");
	else
		snprintf(out, cap, "byte 0x%02x", (unsigned char)rd->p[pos]);
	return out;
}

#define SHOW(pos) show((char[32]){ 0 }, 32, rd, (pos))

/* ---------------------------------------------------------------- records */

static void rec_begin(ls_table_reader *rd)
{
	ls_buf_reset(&rd->val);
	rd->nspan = 0;
}

static ls_err field_begin(ls_table_reader *rd, size_t at)
{
	if (rd->nspan >= LS_TABLE_FIELDS_MAX)
		return fail(rd, LS_ERR_TOOLONG, at, "more than %u fields in one record",
		            LS_TABLE_FIELDS_MAX);
	rd->span = ls_xgrow(rd->span, &rd->spancap, rd->nspan + 1, sizeof *rd->span);
	rd->span[rd->nspan++] = (ls_table_span){ rd->val.len, 0, false, false };
	return LS_OK;
}

static ls_err field_add(ls_table_reader *rd, const char *s, size_t n, size_t at)
{
	if (rd->val.len + n > LS_TABLE_RECORD_MAX)
		return fail(rd, LS_ERR_TOOLONG, at, "a record longer than %u bytes",
		            LS_TABLE_RECORD_MAX);
	ls_buf_append(&rd->val, s, n);
	rd->span[rd->nspan - 1].len += n;
	return LS_OK;
}

static ls_err field_char(ls_table_reader *rd, char c, size_t at)
{
	return field_add(rd, &c, 1, at);
}

/* Fill rec from the spans; the record started at byte `start`. */
static void rec_finish(ls_table_reader *rd, ls_table_record *rec, ls_table_source src,
                       size_t start)
{
	rd->fields = ls_xgrow(rd->fields, &rd->fieldcap, rd->nspan ? rd->nspan : 1,
	                      sizeof *rd->fields);
	for (size_t i = 0; i < rd->nspan; i++) {
		const ls_table_span *s = &rd->span[i];
		const char *v = rd->val.data ? rd->val.data + s->off : ""; /* NULL before any byte */
		rd->fields[i] = (ls_table_field){ ls_sv_make(v, s->len), s->null, s->quoted };
	}
	memset(rec, 0, sizeof *rec);
	rec->source = src;
	rec->nfields = rd->nspan;
	rec->fields = rd->fields;
	if (src != LS_TABLE_FROM_CSV && rd->fmt == LS_TABLE_SQL) {
		rec->table = ls_sv_make(rd->names.data, strlen(rd->names.data));
		rd->colsv = ls_xgrow(rd->colsv, &rd->colsvcap, rd->ncols ? rd->ncols : 1,
		                     sizeof *rd->colsv);
		for (size_t i = 0; i < rd->ncols; i++)
			rd->colsv[i] = ls_sv_make(rd->names.data + rd->cols[i].off, rd->cols[i].len);
		rec->ncolumns = rd->ncols;
		rec->columns = rd->colsv;
		rec->statement = src == LS_TABLE_FROM_INSERT ? rd->statement : 0;
	}
	rec->columns_changed = rd->changed || rd->records == 0;
	rd->changed = false;
	where(rd, start, &rec->line, &rec->col);
	rd->records++;
}

/* -------------------------------------------------------------------- CSV */

/*
 * One CSV record from rd->pos. *cut is set (and LS_ERR_NOTFOUND returned)
 * when the text ends inside quotes in lenient mode.
 */
static ls_err csv_record(ls_table_reader *rd, ls_table_record *rec)
{
	const char *p = rd->p;
	size_t n = rd->n, pos = rd->pos, start = pos;
	bool crlf = false, unterminated = false;
	rec_begin(rd);
	for (;;) {
		ls_err e = field_begin(rd, pos);
		if (e != LS_OK)
			return e;
		if (pos < n && p[pos] == '"') {
			size_t q = pos++;
			rd->span[rd->nspan - 1].quoted = true;
			for (;;) {
				const char *end = memchr(p + pos, '"', n - pos);
				if (end == NULL) {
					if (rd->lenient) {
						rd->pos = n;
						rd->dropped_tail++;
						return LS_ERR_NOTFOUND;
					}
					return fail(rd, LS_ERR_PARSE, q,
					            "a quoted field that is never closed starts here");
				}
				e = field_add(rd, p + pos, (size_t)(end - (p + pos)), q);
				if (e != LS_OK)
					return e;
				pos = (size_t)(end - p) + 1;
				if (pos < n && p[pos] == '"') {
					if ((e = field_char(rd, '"', q)) != LS_OK)
						return e;
					pos++;
					continue;
				}
				break;
			}
			if (pos >= n) {
				unterminated = true;
				break;
			}
			if (p[pos] == ',') {
				pos++;
				continue;
			}
			if (p[pos] == '\n') {
				pos++;
				break;
			}
			if (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') {
				crlf = true;
				pos += 2;
				break;
			}
			return fail(rd, LS_ERR_PARSE, pos,
			            "expected ',' or the end of the line after a closing quote, "
			            "found %s",
			            SHOW(pos));
		}
		size_t s = pos;
		while (pos < n && p[pos] != ',' && p[pos] != '\n' && p[pos] != '"')
			pos++;
		if (pos < n && p[pos] == '"')
			return fail(rd, LS_ERR_PARSE, pos,
			            "a double quote inside a field that does not start with one");
		size_t e2 = pos;
		if (pos < n && p[pos] == '\n' && e2 > s && p[e2 - 1] == '\r') {
			e2--;
			crlf = true;
		}
		if ((e = field_add(rd, p + s, e2 - s, start)) != LS_OK)
			return e;
		if (pos >= n) {
			unterminated = true;
			break;
		}
		pos++;
		if (p[pos - 1] == '\n')
			break;
	}
	rd->pos = pos;
	rec_finish(rd, rec, LS_TABLE_FROM_CSV, start);
	rec->crlf = crlf;
	rec->unterminated = unterminated;
	return LS_OK;
}

static ls_err csv_next(ls_table_reader *rd, ls_table_record *rec)
{
	for (;;) {
		const char *p = rd->p;
		while (rd->pos < rd->n) {
			if (p[rd->pos] == '\n')
				rd->pos++;
			else if (p[rd->pos] == '\r' && rd->pos + 1 < rd->n && p[rd->pos + 1] == '\n')
				rd->pos += 2;
			else
				break;
		}
		if (rd->pos >= rd->n)
			return LS_ERR_NOTFOUND;
		size_t start = rd->pos;
		ls_err e = csv_record(rd, rec);
		if (e == LS_ERR_PARSE && rd->lenient && rd->records == 0 && rd->skipped_head == 0) {
			/* The text may start inside a record: try again from the next line. */
			const char *nl = memchr(p + start, '\n', rd->n - start);
			if (nl != NULL) {
				rd->pos = (size_t)(nl - p) + 1;
				rd->skipped_head++;
				ls_diag_clear(&rd->diag);
				continue;
			}
		}
		return e;
	}
}

/* -------------------------------------------------------------- COPY text */

/* Decode the COPY text line [start, end) (its '\n' excluded) into a record. */
static ls_err copy_line(ls_table_reader *rd, size_t start, size_t end)
{
	const char *p = rd->p;
	if (end > start && p[end - 1] == '\r')
		end--;
	if (end - start > LS_TABLE_RECORD_MAX)
		return fail(rd, LS_ERR_TOOLONG, start, "a record longer than %u bytes",
		            LS_TABLE_RECORD_MAX);
	rec_begin(rd);
	size_t pos = start;
	for (;;) {
		ls_err e = field_begin(rd, pos);
		if (e != LS_OK)
			return e;
		size_t fs = pos;
		while (pos < end && p[pos] != '\t') {
			char c = p[pos];
			if (c != '\\') {
				size_t s = pos;
				while (pos < end && p[pos] != '\t' && p[pos] != '\\')
					pos++;
				if ((e = field_add(rd, p + s, pos - s, s)) != LS_OK)
					return e;
				continue;
			}
			if (pos + 1 >= end)
				return fail(rd, LS_ERR_PARSE, pos, "a backslash at the end of a line");
			char x = p[pos + 1];
			unsigned v = 0;
			size_t k = 0;
			switch (x) {
			case 'b': v = '\b'; break;
			case 'f': v = '\f'; break;
			case 'n': v = '\n'; break;
			case 'r': v = '\r'; break;
			case 't': v = '\t'; break;
			case 'v': v = '\v'; break;
			case 'N':
				if (pos == fs && (pos + 2 == end || p[pos + 2] == '\t') &&
				    rd->span[rd->nspan - 1].len == 0) {
					rd->span[rd->nspan - 1].null = true;
					pos += 2;
					continue;
				}
				v = 'N';
				break;
			case 'x':
				while (k < 2 && pos + 2 + k < end && ls_hex_value(p[pos + 2 + k]) >= 0)
					v = v * 16 + (unsigned)ls_hex_value(p[pos + 2 + k++]);
				if (k == 0)
					v = 'x';
				break;
			default:
				if (x >= '0' && x <= '7') {
					while (k < 3 && pos + 1 + k < end && p[pos + 1 + k] >= '0' &&
					       p[pos + 1 + k] <= '7')
						v = v * 8 + (unsigned)(p[pos + 1 + k++] - '0');
					k--; /* the first digit is x itself */
				} else {
					v = (unsigned char)x;
				}
				break;
			}
			if ((v & 0xff) == 0)
				return fail(rd, LS_ERR_PARSE, pos, "an escape that makes a NUL byte");
			if ((e = field_char(rd, (char)(v & 0xff), pos)) != LS_OK)
				return e;
			pos += 2 + k;
		}
		if (pos >= end)
			break;
		pos++; /* the tab */
	}
	return LS_OK;
}

/* The next data line of COPY text; *end_marker when it was `\.`. */
static ls_err copy_next(ls_table_reader *rd, ls_table_record *rec, bool *end_marker)
{
	const char *p = rd->p;
	size_t start = rd->pos;
	const char *nl = memchr(p + start, '\n', rd->n - start);
	size_t end = nl ? (size_t)(nl - p) : rd->n;
	*end_marker = false;
	size_t e2 = end > start && p[end - 1] == '\r' ? end - 1 : end;
	if (e2 - start == 2 && p[start] == '\\' && p[start + 1] == '.') {
		rd->pos = nl ? end + 1 : end;
		*end_marker = true;
		return LS_OK;
	}
	if (nl == NULL && rd->lenient && rd->fmt == LS_TABLE_SQL) {
		/* COPY data cut off in the middle of a line */
		rd->pos = rd->n;
		rd->dropped_tail++;
		return LS_ERR_NOTFOUND;
	}
	ls_err e = copy_line(rd, start, end);
	if (e != LS_OK)
		return e;
	rd->pos = nl ? end + 1 : end;
	rec_finish(rd, rec, LS_TABLE_FROM_COPY, start);
	rec->unterminated = nl == NULL;
	return LS_OK;
}

/* -------------------------------------------------------------- SQL lexing */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (unsigned char)c >= 0x80;
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Skip the block comment that starts at pos, nested as PostgreSQL nests them. */
static ls_err skip_block_comment(ls_table_reader *rd)
{
	size_t start = rd->pos, depth = 0;
	const char *p = rd->p;
	while (rd->pos + 1 < rd->n) {
		if (p[rd->pos] == '/' && p[rd->pos + 1] == '*') {
			depth++;
			rd->pos += 2;
		} else if (p[rd->pos] == '*' && p[rd->pos + 1] == '/') {
			rd->pos += 2;
			if (--depth == 0)
				return LS_OK;
		} else {
			rd->pos++;
		}
	}
	rd->pos = rd->n;
	if (rd->lenient)
		return LS_OK;
	return fail(rd, LS_ERR_PARSE, start, "a comment that is never closed starts here");
}

/* Skip whitespace and comments. */
static ls_err skip_space(ls_table_reader *rd)
{
	const char *p = rd->p;
	while (rd->pos < rd->n) {
		char c = p[rd->pos];
		if (is_space(c)) {
			rd->pos++;
		} else if (c == '-' && rd->pos + 1 < rd->n && p[rd->pos + 1] == '-') {
			const char *nl = memchr(p + rd->pos, '\n', rd->n - rd->pos);
			rd->pos = nl ? (size_t)(nl - p) + 1 : rd->n;
		} else if (c == '/' && rd->pos + 1 < rd->n && p[rd->pos + 1] == '*') {
			ls_err e = skip_block_comment(rd);
			if (e != LS_OK)
				return e;
		} else {
			break;
		}
	}
	return LS_OK;
}

/* An unquoted word at pos (empty if none); pos moves past it. */
static ls_sv read_word(ls_table_reader *rd)
{
	size_t s = rd->pos;
	if (s < rd->n && ident_start(rd->p[s])) {
		while (rd->pos < rd->n && ident_char(rd->p[rd->pos]))
			rd->pos++;
	}
	return ls_sv_make(rd->p + s, rd->pos - s);
}

static bool is_kw(ls_sv w, const char *kw)
{
	size_t n = strlen(kw);
	if (w.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(w.ptr[i]) != kw[i])
			return false;
	return true;
}

/* The word at pos, without moving. */
static ls_sv peek_word(ls_table_reader *rd)
{
	size_t save = rd->pos;
	ls_sv w = read_word(rd);
	rd->pos = save;
	return w;
}

/*
 * A string literal at pos (the opening quote): standard ('' for a quote,
 * backslashes literal) or, with `escapes`, an E'' string. Decoded into the
 * open field when `into` is set.
 */
static ls_err read_string(ls_table_reader *rd, bool escapes, bool into)
{
	const char *p = rd->p;
	size_t q = rd->pos++;
	for (;;) {
		if (rd->pos >= rd->n) {
			if (rd->lenient)
				return LS_ERR_NOTFOUND;
			return fail(rd, LS_ERR_PARSE, q, "a string that is never closed starts here");
		}
		char c = p[rd->pos];
		if (c == '\'') {
			if (rd->pos + 1 < rd->n && p[rd->pos + 1] == '\'') {
				if (into && field_char(rd, '\'', q) != LS_OK)
					return rd->diag.err;
				rd->pos += 2;
				continue;
			}
			rd->pos++;
			return LS_OK;
		}
		if (c == '\\' && escapes) {
			if (rd->pos + 1 >= rd->n) {
				rd->pos++;
				continue;
			}
			char x = p[rd->pos + 1];
			unsigned v = 0;
			size_t k = 0;
			switch (x) {
			case 'b': v = '\b'; break;
			case 'f': v = '\f'; break;
			case 'n': v = '\n'; break;
			case 'r': v = '\r'; break;
			case 't': v = '\t'; break;
			case 'x':
				while (k < 2 && rd->pos + 2 + k < rd->n &&
				       ls_hex_value(p[rd->pos + 2 + k]) >= 0)
					v = v * 16 + (unsigned)ls_hex_value(p[rd->pos + 2 + k++]);
				if (k == 0)
					v = 'x';
				break;
			case 'u':
			case 'U':
				return fail(rd, LS_ERR_UNSUPPORTED, rd->pos,
				            "Unicode escapes in E'' strings are not supported");
			default:
				if (x >= '0' && x <= '7') {
					while (k < 3 && rd->pos + 1 + k < rd->n &&
					       p[rd->pos + 1 + k] >= '0' && p[rd->pos + 1 + k] <= '7')
						v = v * 8 + (unsigned)(p[rd->pos + 1 + k++] - '0');
					k--;
				} else {
					v = (unsigned char)x;
				}
				break;
			}
			if ((v & 0xff) == 0)
				return fail(rd, LS_ERR_PARSE, rd->pos, "an escape that makes a NUL byte");
			if (into && field_char(rd, (char)(v & 0xff), q) != LS_OK)
				return rd->diag.err;
			rd->pos += 2 + k;
			continue;
		}
		size_t s = rd->pos;
		while (rd->pos < rd->n && p[rd->pos] != '\'' && !(escapes && p[rd->pos] == '\\'))
			rd->pos++;
		if (into && field_add(rd, p + s, rd->pos - s, q) != LS_OK)
			return rd->diag.err;
	}
}

/* The length of a dollar-quote tag ($tag$) at pos, or 0. */
static size_t dollar_tag(const ls_table_reader *rd, size_t pos)
{
	const char *p = rd->p;
	if (pos >= rd->n || p[pos] != '$')
		return 0;
	if (pos > 0 && ident_char(p[pos - 1]))
		return 0;
	size_t k = pos + 1;
	if (k < rd->n && p[k] >= '0' && p[k] <= '9')
		return 0;
	while (k < rd->n && ident_char(p[k]) && p[k] != '$')
		k++;
	return k < rd->n && p[k] == '$' ? k - pos + 1 : 0;
}

/* A dollar-quoted string at pos; decoded into the open field with `into`. */
static ls_err read_dollar(ls_table_reader *rd, size_t tag, bool into)
{
	const char *p = rd->p;
	size_t q = rd->pos, s = rd->pos + tag;
	for (size_t k = s; k + tag <= rd->n; k++) {
		if (p[k] == '$' && memcmp(p + k, p + q, tag) == 0) {
			rd->pos = k + tag;
			if (into && field_add(rd, p + s, k - s, q) != LS_OK)
				return rd->diag.err;
			return LS_OK;
		}
	}
	rd->pos = rd->n;
	if (rd->lenient)
		return LS_ERR_NOTFOUND;
	return fail(rd, LS_ERR_PARSE, q, "a dollar-quoted string that is never closed starts here");
}

/* A quoted identifier at pos, appended (unescaped) to out when out is set. */
static ls_err read_quoted_ident(ls_table_reader *rd, ls_buf *out)
{
	const char *p = rd->p;
	size_t q = rd->pos++;
	for (;;) {
		const char *e = memchr(p + rd->pos, '"', rd->n - rd->pos);
		if (e == NULL) {
			rd->pos = rd->n;
			return fail(rd, LS_ERR_PARSE, q,
			            "a quoted identifier that is never closed starts here");
		}
		if (out)
			ls_buf_append(out, p + rd->pos, (size_t)(e - (p + rd->pos)));
		rd->pos = (size_t)(e - p) + 1;
		if (rd->pos < rd->n && p[rd->pos] == '"') {
			if (out)
				ls_buf_append_char(out, '"');
			rd->pos++;
			continue;
		}
		return LS_OK;
	}
}

/* Whether the quote at pos opens an E'' string (E or e right before it). */
static bool escape_string_at(const ls_table_reader *rd, size_t pos)
{
	return pos > 0 && (rd->p[pos - 1] == 'E' || rd->p[pos - 1] == 'e') &&
	       !(pos > 1 && ident_char(rd->p[pos - 2]));
}

/*
 * Skip to just past the next ';' at the top level of the statement (or to
 * the end of the text), or with `stop_at_paren` to the next ',' or ')' at
 * nesting depth 0, which is left unread.
 */
static ls_err skip_to(ls_table_reader *rd, bool stop_at_paren)
{
	const char *p = rd->p;
	int depth = 0;
	while (rd->pos < rd->n) {
		char c = p[rd->pos];
		ls_err e = LS_OK;
		size_t tag;
		if (c == ';' && !stop_at_paren) {
			rd->pos++;
			return LS_OK;
		}
		if (stop_at_paren && depth == 0 && (c == ',' || c == ')'))
			return LS_OK;
		if (c == '(')
			depth++, rd->pos++;
		else if (c == ')')
			depth--, rd->pos++;
		else if (c == '\'')
			e = read_string(rd, escape_string_at(rd, rd->pos), false);
		else if (c == '"')
			e = read_quoted_ident(rd, NULL);
		else if ((tag = dollar_tag(rd, rd->pos)) > 0)
			e = read_dollar(rd, tag, false);
		else if ((c == '-' && rd->pos + 1 < rd->n && p[rd->pos + 1] == '-') ||
		         (c == '/' && rd->pos + 1 < rd->n && p[rd->pos + 1] == '*'))
			e = skip_space(rd);
		else
			rd->pos++;
		if (e == LS_ERR_NOTFOUND) { /* cut off inside a string: the end */
			rd->pos = rd->n;
			return LS_OK;
		}
		if (e != LS_OK)
			return e;
	}
	return LS_OK;
}

/* A name part, folded to lower case unless quoted, appended to out. */
static ls_err read_ident(ls_table_reader *rd, ls_buf *out, bool *ok)
{
	*ok = false;
	if (rd->pos < rd->n && rd->p[rd->pos] == '"') {
		ls_err e = read_quoted_ident(rd, out);
		*ok = e == LS_OK;
		return e;
	}
	ls_sv w = read_word(rd);
	for (size_t i = 0; i < w.len; i++)
		ls_buf_append_char(out, lower(w.ptr[i]));
	*ok = w.len > 0;
	return LS_OK;
}

/* A possibly qualified name (a.b.c) appended to out. */
static ls_err read_name(ls_table_reader *rd, ls_buf *out, bool *ok)
{
	ls_err e = read_ident(rd, out, ok);
	while (e == LS_OK && *ok && rd->pos < rd->n && rd->p[rd->pos] == '.') {
		rd->pos++;
		ls_buf_append_char(out, '.');
		e = read_ident(rd, out, ok);
	}
	return e;
}

/*
 * A parenthesised list of column names at pos, appended to rd->names as
 * NUL-separated names with their spans in rd->cols.
 */
static ls_err read_columns(ls_table_reader *rd)
{
	size_t open = rd->pos++;
	for (;;) {
		ls_err e = skip_space(rd);
		if (e != LS_OK)
			return e;
		if (rd->ncols >= LS_TABLE_FIELDS_MAX)
			return fail(rd, LS_ERR_TOOLONG, rd->pos, "more than %u columns in one list",
			            LS_TABLE_FIELDS_MAX);
		size_t off = rd->names.len, at = rd->pos;
		bool ok;
		if ((e = read_ident(rd, &rd->names, &ok)) != LS_OK)
			return e;
		if (!ok)
			return fail(rd, LS_ERR_PARSE, at, "expected a column name, found %s", SHOW(at));
		rd->cols = ls_xgrow(rd->cols, &rd->colcap, rd->ncols + 1, sizeof *rd->cols);
		rd->cols[rd->ncols++] = (ls_table_span){ off, rd->names.len - off, false, false };
		ls_buf_append_char(&rd->names, '\0');
		if ((e = skip_space(rd)) != LS_OK)
			return e;
		if (rd->pos < rd->n && rd->p[rd->pos] == ',') {
			rd->pos++;
			continue;
		}
		if (rd->pos < rd->n && rd->p[rd->pos] == ')') {
			rd->pos++;
			return LS_OK;
		}
		if (rd->pos >= rd->n)
			return fail(rd, LS_ERR_PARSE, open, "a column list that is never closed starts here");
		return fail(rd, LS_ERR_PARSE, rd->pos, "expected ',' or ')' in a column list, found %s",
		            SHOW(rd->pos));
	}
}

/* Start a statement's names: the table, then its columns. */
static void names_begin(ls_table_reader *rd)
{
	ls_buf_reset(&rd->names);
	rd->ncols = 0;
}

/* The columns of an earlier CREATE TABLE of the table in rd->names. */
static void columns_from_def(ls_table_reader *rd)
{
	size_t tl = strlen(rd->names.data);
	for (size_t i = rd->ndefs; i-- > 0;) {
		const ls_table_def *d = &rd->defs[i];
		if (strlen(d->name) != tl || memcmp(d->name, rd->names.data, tl) != 0)
			continue;
		for (size_t off = tl + 1; off < d->len;) {
			size_t l = strlen(d->name + off);
			rd->cols = ls_xgrow(rd->cols, &rd->colcap, rd->ncols + 1, sizeof *rd->cols);
			rd->cols[rd->ncols++] = (ls_table_span){ rd->names.len, l, false, false };
			ls_buf_append(&rd->names, d->name + off, l + 1);
			off += l + 1;
		}
		return;
	}
}

/* Note whether this statement's names differ from the previous one's. */
static void names_end(ls_table_reader *rd)
{
	if (rd->names.len != rd->prev.len ||
	    (rd->prev.len > 0 && memcmp(rd->names.data, rd->prev.data, rd->prev.len) != 0))
		rd->changed = true;
	ls_buf_reset(&rd->prev);
	ls_buf_append(&rd->prev, rd->names.data, rd->names.len);
}

/* COPY name [(columns)] FROM stdin [options]; then its data lines. */
static ls_err sql_copy(ls_table_reader *rd)
{
	names_begin(rd);
	bool ok;
	ls_err e = skip_space(rd);
	if (e == LS_OK)
		e = read_name(rd, &rd->names, &ok);
	if (e != LS_OK)
		return e;
	if (!ok) /* COPY (query) TO ...: no data here */
		return skip_to(rd, false);
	ls_buf_append_char(&rd->names, '\0');
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	if (rd->pos < rd->n && rd->p[rd->pos] == '(') {
		if ((e = read_columns(rd)) != LS_OK)
			return e;
	} else {
		columns_from_def(rd);
	}
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	ls_sv w = read_word(rd);
	if (!is_kw(w, "from"))
		return skip_to(rd, false);
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	w = read_word(rd);
	if (!is_kw(w, "stdin"))
		return skip_to(rd, false);
	/* options up to ';': only the text format carries COPY text */
	size_t opts = rd->pos;
	if ((e = skip_to(rd, false)) != LS_OK)
		return e;
	for (size_t k = opts; k < rd->pos; k++) {
		if (!ident_start(rd->p[k]) || (k > 0 && ident_char(rd->p[k - 1])))
			continue;
		size_t save = rd->pos;
		rd->pos = k;
		ls_sv o = read_word(rd);
		rd->pos = save;
		if (is_kw(o, "csv") || is_kw(o, "binary"))
			return fail(rd, LS_ERR_UNSUPPORTED, k,
			            "COPY in %.*s format is not supported (only text)", (int)o.len,
			            o.ptr);
	}
	/* the data start on the next line */
	const char *nl = memchr(rd->p + rd->pos, '\n', rd->n - rd->pos);
	rd->pos = nl ? (size_t)(nl - rd->p) + 1 : rd->n;
	names_end(rd);
	rd->state = ST_COPY;
	return LS_OK;
}

/* INSERT INTO name [(columns)] VALUES: then its tuples, one per call. */
static ls_err sql_insert(ls_table_reader *rd)
{
	names_begin(rd);
	bool ok;
	ls_err e = skip_space(rd);
	if (e != LS_OK)
		return e;
	if (!is_kw(read_word(rd), "into"))
		return skip_to(rd, false);
	if ((e = skip_space(rd)) != LS_OK || (e = read_name(rd, &rd->names, &ok)) != LS_OK)
		return e;
	if (!ok)
		return skip_to(rd, false);
	ls_buf_append_char(&rd->names, '\0');
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	/* an alias: INSERT INTO name AS alias */
	if (is_kw(peek_word(rd), "as")) {
		(void)read_word(rd);
		if ((e = skip_space(rd)) != LS_OK)
			return e;
		size_t save = rd->names.len;
		if ((e = read_ident(rd, &rd->names, &ok)) != LS_OK)
			return e;
		ls_buf_truncate(&rd->names, save);
		if ((e = skip_space(rd)) != LS_OK)
			return e;
	}
	if (rd->pos < rd->n && rd->p[rd->pos] == '(') {
		if ((e = read_columns(rd)) != LS_OK)
			return e;
	} else {
		columns_from_def(rd);
	}
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	if (!is_kw(read_word(rd), "values"))
		return skip_to(rd, false);
	rd->statement++;
	names_end(rd);
	rd->state = ST_INSERT;
	return LS_OK;
}

/* CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name (columns and constraints). */
static ls_err sql_create(ls_table_reader *rd)
{
	static const char *const lead[] = { "global", "local", "temp", "temporary", "unlogged" };
	static const char *const not_column[] = { "constraint", "primary", "unique", "check",
		                                  "foreign",    "exclude", "like" };
	ls_err e = skip_space(rd);
	ls_sv w = read_word(rd);
	for (size_t i = 0; e == LS_OK && i < sizeof lead / sizeof lead[0]; i++) {
		if (is_kw(w, lead[i])) {
			e = skip_space(rd);
			w = read_word(rd);
			i = (size_t)-1;
		}
	}
	if (e != LS_OK)
		return e;
	if (!is_kw(w, "table"))
		return skip_to(rd, false);
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	if (is_kw(peek_word(rd), "if")) {
		for (int i = 0; i < 3 && e == LS_OK; i++) { /* IF NOT EXISTS */
			(void)read_word(rd);
			e = skip_space(rd);
		}
		if (e != LS_OK)
			return e;
	}
	ls_buf def = LS_BUF_INIT;
	bool ok;
	if ((e = read_name(rd, &def, &ok)) != LS_OK || !ok)
		goto out;
	ls_buf_append_char(&def, '\0');
	if ((e = skip_space(rd)) != LS_OK)
		goto out;
	if (rd->pos >= rd->n || rd->p[rd->pos] != '(') {
		ok = false;
		goto out;
	}
	rd->pos++;
	size_t ncols = 0;
	for (;;) {
		if ((e = skip_space(rd)) != LS_OK)
			goto out;
		if (rd->pos >= rd->n)
			break;
		if (rd->p[rd->pos] != ')') {
			size_t save = def.len;
			bool col = true;
			if (rd->p[rd->pos] != '"') {
				ls_sv first = peek_word(rd);
				for (size_t i = 0; i < sizeof not_column / sizeof not_column[0]; i++)
					col = col && !is_kw(first, not_column[i]);
			}
			if (col) {
				if ((e = read_ident(rd, &def, &ok)) != LS_OK)
					goto out;
				if (ok && ++ncols <= LS_TABLE_FIELDS_MAX)
					ls_buf_append_char(&def, '\0');
				else
					ls_buf_truncate(&def, save);
			}
			if ((e = skip_to(rd, true)) != LS_OK)
				goto out;
		}
		if (rd->pos >= rd->n)
			break;
		if (rd->p[rd->pos++] == ')')
			break;
	}
	ok = true;
out:
	if (e == LS_OK && ok) {
		rd->defs = ls_xgrow(rd->defs, &rd->defcap, rd->ndefs + 1, sizeof *rd->defs);
		char *copy = ls_arena_alloc(&rd->arena, def.len);
		memcpy(copy, def.data, def.len);
		rd->defs[rd->ndefs++] = (ls_table_def){ copy, def.len };
	}
	ls_buf_fini(&def);
	if (e != LS_OK)
		return e;
	return skip_to(rd, false);
}

/* One value of an INSERT tuple into a new field. */
static ls_err sql_value(ls_table_reader *rd)
{
	const char *p = rd->p;
	size_t at = rd->pos;
	ls_err e = field_begin(rd, at);
	if (e != LS_OK)
		return e;
	ls_table_span *sp = &rd->span[rd->nspan - 1];
	char c = at < rd->n ? p[at] : '\0';
	char c1 = at + 1 < rd->n ? p[at + 1] : '\0';
	size_t tag;
	if (c == '\'') {
		sp->quoted = true;
		e = read_string(rd, false, true);
	} else if ((c == 'E' || c == 'e') && c1 == '\'') {
		rd->pos++;
		rd->span[rd->nspan - 1].quoted = true;
		e = read_string(rd, true, true);
	} else if ((c == 'N' || c == 'n') && c1 == '\'') {
		rd->pos++;
		rd->span[rd->nspan - 1].quoted = true;
		e = read_string(rd, false, true);
	} else if ((tag = dollar_tag(rd, at)) > 0) {
		sp->quoted = true;
		e = read_dollar(rd, tag, true);
	} else if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
		size_t s = rd->pos;
		if (c == '-' || c == '+')
			rd->pos++;
		bool digit = false;
		while (rd->pos < rd->n &&
		       ((p[rd->pos] >= '0' && p[rd->pos] <= '9') || p[rd->pos] == '.')) {
			digit = digit || p[rd->pos] != '.';
			rd->pos++;
		}
		if (digit && rd->pos < rd->n && (p[rd->pos] == 'e' || p[rd->pos] == 'E')) {
			rd->pos++;
			if (rd->pos < rd->n && (p[rd->pos] == '-' || p[rd->pos] == '+'))
				rd->pos++;
			while (rd->pos < rd->n && p[rd->pos] >= '0' && p[rd->pos] <= '9')
				rd->pos++;
		}
		if (!digit)
			return fail(rd, LS_ERR_PARSE, at, "expected a value, found %s", SHOW(at));
		e = field_add(rd, p + s, rd->pos - s, at);
	} else if (ident_start(c)) {
		ls_sv w = read_word(rd);
		if (is_kw(w, "null"))
			sp->null = true;
		else if (is_kw(w, "true") || is_kw(w, "false") || is_kw(w, "default"))
			e = field_add(rd, w.ptr, w.len, at);
		else if ((c == 'U' || c == 'u') && w.len == 1 && rd->pos < rd->n && p[rd->pos] == '&')
			return fail(rd, LS_ERR_UNSUPPORTED, at, "U&'' strings are not supported");
		else
			return fail(rd, LS_ERR_UNSUPPORTED, at,
			            "only literal values are supported in INSERT, found '%.*s'",
			            (int)(w.len > 40 ? 40 : w.len), w.ptr);
	} else if (at >= rd->n) {
		return LS_ERR_NOTFOUND;
	} else {
		return fail(rd, LS_ERR_PARSE, at, "expected a value, found %s", SHOW(at));
	}
	if (e != LS_OK)
		return e;
	/* casts: value::type, possibly several */
	for (;;) {
		if ((e = skip_space(rd)) != LS_OK)
			return e;
		if (!(rd->pos + 1 < rd->n && p[rd->pos] == ':' && p[rd->pos + 1] == ':'))
			return LS_OK;
		rd->pos += 2;
		size_t t = rd->pos;
		if ((e = skip_space(rd)) != LS_OK)
			return e;
		/* the type ends where the value does: at ',' or ')' or the next cast */
		int depth = 0;
		while (rd->pos < rd->n) {
			char d = p[rd->pos];
			if (depth == 0 && (d == ',' || d == ')' || d == ';' ||
			                   (d == ':' && rd->pos + 1 < rd->n && p[rd->pos + 1] == ':')))
				break;
			if (d == '"') {
				if ((e = read_quoted_ident(rd, NULL)) != LS_OK)
					return e;
				continue;
			}
			if (d == '\'')
				return fail(rd, LS_ERR_UNSUPPORTED, rd->pos,
				            "only literal values are supported in INSERT");
			depth += d == '(' ? 1 : d == ')' ? -1 : 0;
			rd->pos++;
		}
		if (rd->pos == t)
			return fail(rd, LS_ERR_PARSE, t, "expected a type after '::'");
	}
}

/* The next tuple of the open INSERT statement. */
static ls_err insert_next(ls_table_reader *rd, ls_table_record *rec)
{
	const char *p = rd->p;
	ls_err e = skip_space(rd);
	if (e != LS_OK)
		return e;
	if (rd->pos >= rd->n) {
		rd->state = ST_TOP;
		if (rd->lenient)
			return LS_ERR_NOTFOUND;
		return fail(rd, LS_ERR_PARSE, rd->n, "the text ends inside an INSERT statement");
	}
	size_t start = rd->pos;
	if (p[start] != '(')
		return fail(rd, LS_ERR_PARSE, start, "expected '(' starting a row of values, found %s",
		            SHOW(start));
	rd->pos++;
	rec_begin(rd);
	for (;;) {
		if ((e = skip_space(rd)) != LS_OK)
			return e;
		if (rd->nspan == 0 && rd->pos < rd->n && p[rd->pos] == ')')
			break; /* () */
		e = sql_value(rd);
		if (e == LS_OK)
			e = skip_space(rd);
		if (e == LS_OK && rd->pos >= rd->n)
			e = LS_ERR_NOTFOUND;
		if (e == LS_ERR_NOTFOUND) {
			if (!rd->lenient)
				return fail(rd, LS_ERR_PARSE, start,
				            "a row of values that is never closed starts here");
			rd->pos = rd->n;
			rd->state = ST_TOP;
			rd->dropped_tail++;
			return LS_ERR_NOTFOUND;
		}
		if (e != LS_OK)
			return e;
		if (rd->pos - start > LS_TABLE_RECORD_MAX)
			return fail(rd, LS_ERR_TOOLONG, start, "a record longer than %u bytes",
			            LS_TABLE_RECORD_MAX);
		if (p[rd->pos] == ',') {
			rd->pos++;
			continue;
		}
		if (p[rd->pos] == ')')
			break;
		return fail(rd, LS_ERR_PARSE, rd->pos,
		            "expected ',' or ')' after a value, found %s", SHOW(rd->pos));
	}
	rd->pos++; /* ')' */
	/* what follows the tuple decides whether the record stands */
	bool unterminated = false;
	if ((e = skip_space(rd)) != LS_OK)
		return e;
	if (rd->pos < rd->n && p[rd->pos] == ',') {
		rd->pos++;
	} else if (rd->pos < rd->n && p[rd->pos] == ';') {
		rd->pos++;
		rd->state = ST_TOP;
	} else if (rd->pos >= rd->n) {
		unterminated = true;
		rd->state = ST_TOP;
	} else {
		ls_sv w = peek_word(rd);
		if (!is_kw(w, "on") && !is_kw(w, "returning"))
			return fail(rd, LS_ERR_PARSE, rd->pos,
			            "expected ',' or ';' after a row of values, found %s",
			            SHOW(rd->pos));
		rd->state = ST_TOP;
		if ((e = skip_to(rd, false)) != LS_OK)
			return e;
	}
	rec_finish(rd, rec, LS_TABLE_FROM_INSERT, start);
	rec->unterminated = unterminated;
	return LS_OK;
}

static ls_err sql_next(ls_table_reader *rd, ls_table_record *rec)
{
	for (;;) {
		ls_err e;
		if (rd->state == ST_COPY) {
			if (rd->pos >= rd->n) {
				rd->state = ST_TOP;
				if (rd->lenient)
					return LS_ERR_NOTFOUND;
				return fail(rd, LS_ERR_PARSE, rd->n,
				            "the text ends in COPY data, without its closing \\.");
			}
			bool end_marker;
			e = copy_next(rd, rec, &end_marker);
			if (e != LS_OK || !end_marker)
				return e;
			rd->state = ST_TOP;
			continue;
		}
		if (rd->state == ST_INSERT)
			return insert_next(rd, rec);
		if ((e = skip_space(rd)) != LS_OK)
			return e;
		if (rd->pos >= rd->n)
			return LS_ERR_NOTFOUND;
		size_t stmt = rd->pos;
		if (rd->p[stmt] == '\\') { /* a psql meta-command: one line */
			const char *nl = memchr(rd->p + stmt, '\n', rd->n - stmt);
			rd->pos = nl ? (size_t)(nl - rd->p) + 1 : rd->n;
			continue;
		}
		ls_sv w = read_word(rd);
		if (is_kw(w, "copy"))
			e = sql_copy(rd);
		else if (is_kw(w, "insert"))
			e = sql_insert(rd);
		else if (is_kw(w, "create"))
			e = sql_create(rd);
		else if (w.len == 0 && rd->p[stmt] == ';')
			rd->pos++, e = LS_OK;
		else
			e = skip_to(rd, false);
		if (e != LS_OK)
			return e;
	}
}

/* ---------------------------------------------------------------- set-up */

/* Command words that start an SQL script. */
static bool sql_start(ls_table_reader *rd)
{
	static const char *const words[] = { "set",    "select",  "alter",   "drop",
		                             "grant",  "revoke",  "comment", "truncate",
		                             "create", "analyze", "vacuum" };
	size_t save = rd->pos;
	const char *p = rd->p;
	bool sql = false;
	if (rd->pos + 1 < rd->n && ((p[rd->pos] == '-' && p[rd->pos + 1] == '-') ||
	                            (p[rd->pos] == '/' && p[rd->pos + 1] == '*')))
		return true;
	if (rd->pos < rd->n && p[rd->pos] == '\\')
		return true;
	ls_sv w = read_word(rd);
	bool boundary = rd->pos >= rd->n || is_space(p[rd->pos]) || p[rd->pos] == ';';
	if (w.len > 0 && boundary) {
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			sql = sql || is_kw(w, words[i]);
		/* Words that are also names ("Copy", "Begin") need their next word. */
		while (rd->pos < rd->n && (p[rd->pos] == ' ' || p[rd->pos] == '\t'))
			rd->pos++;
		ls_sv next = read_word(rd);
		if (is_kw(w, "insert"))
			sql = is_kw(next, "into");
		else if (is_kw(w, "begin") || is_kw(w, "start") || is_kw(w, "commit") ||
		         is_kw(w, "end"))
			sql = (rd->pos < rd->n && p[rd->pos] == ';') || is_kw(next, "transaction") ||
			      is_kw(next, "work");
		else if (is_kw(w, "copy")) {
			while (rd->pos < rd->n && (p[rd->pos] == '.' || ident_char(p[rd->pos])))
				rd->pos++;
			while (rd->pos < rd->n && p[rd->pos] == ' ')
				rd->pos++;
			ls_sv dir = read_word(rd);
			sql = next.len > 0 && ((rd->pos < rd->n && p[rd->pos] == '(') ||
			                       is_kw(dir, "from") || is_kw(dir, "to"));
		}
	}
	rd->pos = save;
	return sql;
}

static ls_table_format detect(ls_table_reader *rd)
{
	size_t save = rd->pos;
	while (rd->pos < rd->n && is_space(rd->p[rd->pos]))
		rd->pos++;
	bool sql = sql_start(rd);
	rd->pos = save;
	if (sql)
		return LS_TABLE_SQL;
	const char *nl = memchr(rd->p + rd->pos, '\n', rd->n - rd->pos);
	size_t end = nl ? (size_t)(nl - rd->p) : rd->n;
	bool tab = memchr(rd->p + rd->pos, '\t', end - rd->pos) != NULL;
	bool comma = memchr(rd->p + rd->pos, ',', end - rd->pos) != NULL;
	return tab && !comma ? LS_TABLE_COPY_TEXT : LS_TABLE_CSV;
}

ls_err ls_table_init(ls_table_reader *rd, const char *text, size_t len, ls_table_format fmt,
                     bool lenient_edges, const char *file, ls_diag *d)
{
	memset(rd, 0, sizeof *rd);
	rd->file = file;
	rd->p = text;
	rd->n = len;
	rd->lno = 1;
	rd->lenient = lenient_edges;
	ls_arena_init(&rd->arena, 0);
	ls_diag_clear(&rd->diag);
	ls_err e = LS_OK;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		rd->pos = 3;
	/* Text only: no NUL, no control bytes but tab, LF and CR, valid UTF-8
	 * (checked only when there is a byte above ASCII). */
	bool ascii = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20 && c < 0x7f)
			continue;
		if (c >= 0x80) {
			ascii = false;
		} else if (c != '\t' && c != '\n' && c != '\r') {
			e = fail(rd, LS_ERR_PARSE, i, "binary data (byte 0x%02x), not a text export",
			         c);
			break;
		}
	}
	size_t bad;
	if (e == LS_OK && !ascii && !ls_utf8_valid(ls_sv_make(text, len), &bad))
		e = fail(rd, LS_ERR_PARSE, bad, "invalid UTF-8 (byte 0x%02x), not a text export",
		         (unsigned char)text[bad]);
	if (e == LS_OK)
		rd->fmt = fmt == LS_TABLE_AUTO ? detect(rd) : fmt;
	if (e != LS_OK) {
		rd->err = e;
		if (d)
			*d = rd->diag;
	}
	return e;
}

void ls_table_fini(ls_table_reader *rd)
{
	if (rd == NULL)
		return;
	ls_buf_fini(&rd->val);
	ls_buf_fini(&rd->names);
	ls_buf_fini(&rd->prev);
	free(rd->span);
	free(rd->fields);
	free(rd->cols);
	free(rd->colsv);
	free(rd->defs);
	ls_arena_fini(&rd->arena);
	memset(rd, 0, sizeof *rd);
}

ls_err ls_table_next(ls_table_reader *rd, ls_table_record *rec, ls_diag *d)
{
	if (rd->err != LS_OK) {
		if (d)
			*d = rd->diag;
		return rd->err;
	}
	ls_err e;
	switch (rd->fmt) {
	case LS_TABLE_SQL: e = sql_next(rd, rec); break;
	case LS_TABLE_COPY_TEXT:
		for (;;) {
			if (rd->pos >= rd->n) {
				e = LS_ERR_NOTFOUND;
				break;
			}
			bool end_marker;
			e = copy_next(rd, rec, &end_marker);
			if (e != LS_OK || !end_marker)
				break;
			rd->pos = rd->n; /* nothing follows `\.` */
		}
		break;
	default: e = csv_next(rd, rec); break;
	}
	if (e != LS_OK && e != LS_ERR_NOTFOUND) {
		rd->err = e;
		if (d)
			*d = rd->diag;
	}
	return e;
}

ls_table_format ls_table_format_of(const ls_table_reader *rd)
{
	return rd->fmt;
}

const char *ls_table_format_name(ls_table_format f)
{
	switch (f) {
	case LS_TABLE_CSV: return "csv";
	case LS_TABLE_SQL: return "sql";
	case LS_TABLE_COPY_TEXT: return "copy-text";
	default: return "auto";
	}
}

uint64_t ls_table_records(const ls_table_reader *rd)
{
	return rd->records;
}

uint64_t ls_table_skipped_head(const ls_table_reader *rd)
{
	return rd->skipped_head;
}

uint64_t ls_table_dropped_tail(const ls_table_reader *rd)
{
	return rd->dropped_tail;
}
