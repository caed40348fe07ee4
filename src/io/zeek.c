/*
 * zeek.c - Zeek TSV header and data lines into events.
 *
 * Each column's type is reduced once, when #types is read, to a small kind
 * code (string, unsigned, signed, decimal or bool, plus a container flag),
 * so a data line costs one pass to count separators and one to split and
 * convert, with no per-line string comparisons of type names.
 */
#include "io/zeek.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

enum {
	K_STRING = 0,
	K_COUNT = 1,  /* count, port: unsigned decimal */
	K_INT = 2,    /* int: optional '-' */
	K_DOUBLE = 3, /* double, interval, time */
	K_BOOL = 4,
	K_KIND_MASK = 0x0f,
	K_CONTAINER = 0x10,
};

static const char *const kind_text[] = { "string", "unsigned integer", "integer", "number",
	                                 "T or F" };

/* ------------------------------------------------------------------ helpers */

static ls_err fail(ls_diag *d, ls_err err, unsigned long lineno, size_t off, const char *fmt, ...)
        LS_PRINTF(5, 6);

static ls_err fail(ls_diag *d, ls_err err, unsigned long lineno, size_t off, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ls_diag_set(d, err, NULL, lineno, (unsigned long)off + 1, "%s", msg);
}

/* A short printable rendering of s for messages. */
static const char *show(ls_sv s, char out[48])
{
	size_t n = 0;
	for (size_t i = 0; i < s.len && n < 40; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (s.len > 40) {
		out[n++] = '.';
		out[n++] = '.';
		out[n++] = '.';
	}
	out[n] = '\0';
	return out;
}

/* Offset of the first occurrence of sep in s at or after from, or SIZE_MAX. */
static size_t find_sep(ls_sv s, size_t from, ls_sv sep)
{
	if (sep.len == 0 || from > s.len)
		return SIZE_MAX;
	while (s.len - from >= sep.len) {
		const char *p = memchr(s.ptr + from, sep.ptr[0], s.len - from - sep.len + 1);
		if (p == NULL)
			return SIZE_MAX;
		size_t at = (size_t)(p - s.ptr);
		if (sep.len == 1 || memcmp(p + 1, sep.ptr + 1, sep.len - 1) == 0)
			return at;
		from = at + 1;
	}
	return SIZE_MAX;
}

/* s with its \xNN escapes decoded: s itself if it has none, else an arena copy. */
static ls_sv unescape(ls_sv s, ls_arena *a)
{
	if (s.len == 0 || memchr(s.ptr, '\\', s.len) == NULL)
		return s;
	char *o = ls_arena_alloc(a, s.len);
	size_t n = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == '\\' && i + 3 < s.len && s.ptr[i + 1] == 'x') {
			int hi = ls_hex_value((unsigned char)s.ptr[i + 2]);
			int lo = ls_hex_value((unsigned char)s.ptr[i + 3]);
			if (hi >= 0 && lo >= 0) {
				o[n++] = (char)(hi << 4 | lo);
				i += 3;
				continue;
			}
		}
		o[n++] = s.ptr[i];
	}
	return ls_sv_make(o, n);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Does s fit the grammar of kind (K_COUNT, K_INT or K_DOUBLE)? */
static bool valid_number(ls_sv s, int kind)
{
	size_t i = 0;
	if (kind != K_COUNT && i < s.len && s.ptr[i] == '-')
		i++;
	size_t digits = i;
	while (i < s.len && is_digit(s.ptr[i]))
		i++;
	if (i == digits)
		return false;
	if (kind != K_DOUBLE)
		return i == s.len;
	if (i < s.len && s.ptr[i] == '.') {
		size_t f = ++i;
		while (i < s.len && is_digit(s.ptr[i]))
			i++;
		if (i == f)
			return false;
	}
	if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
		i++;
		if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
			i++;
		size_t e = i;
		while (i < s.len && is_digit(s.ptr[i]))
			i++;
		if (i == e)
			return false;
	}
	return i == s.len;
}

static unsigned char kind_of(ls_sv t)
{
	unsigned char flag = 0;
	static const char *const containers[] = { "set[", "vector[", "table[" };
	for (size_t k = 0; k < 3; k++) {
		ls_sv open = ls_sv_from_cstr(containers[k]);
		if (ls_sv_starts_with(t, open) && ls_sv_ends_with(t, LS_SV_LIT("]")) &&
		    t.len > open.len + 1) {
			flag = K_CONTAINER;
			t = ls_sv_sub(t, open.len, t.len - open.len - 1);
			break;
		}
	}
	if (ls_sv_eq_cstr(t, "count") || ls_sv_eq_cstr(t, "port"))
		return flag | K_COUNT;
	if (ls_sv_eq_cstr(t, "int"))
		return flag | K_INT;
	if (ls_sv_eq_cstr(t, "double") || ls_sv_eq_cstr(t, "interval") || ls_sv_eq_cstr(t, "time"))
		return flag | K_DOUBLE;
	if (ls_sv_eq_cstr(t, "bool"))
		return flag | K_BOOL;
	return flag | K_STRING;
}

/* --------------------------------------------------------------- lifecycle */

static void default_header(ls_zeek_reader *r)
{
	r->separator = LS_SV_LIT("\t");
	r->set_separator = LS_SV_LIT(",");
	r->empty_field = LS_SV_LIT("(empty)");
	r->unset_field = LS_SV_LIT("-");
	r->path = r->open = r->close = LS_SV_LIT("");
	r->fields = r->types = NULL;
	r->nfields = r->ntypes = 0;
	r->kinds = NULL;
	r->cuts = NULL;
	r->have_fields = r->have_types = r->closed = false;
}

void ls_zeek_init(ls_zeek_reader *r)
{
	memset(r, 0, sizeof *r);
	ls_arena_init(&r->store, 0);
	default_header(r);
}

void ls_zeek_fini(ls_zeek_reader *r)
{
	if (r == NULL)
		return;
	ls_arena_fini(&r->store);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ header */

/* Copy s into the header store (header views must outlive the line). */
static ls_sv keep(ls_zeek_reader *r, ls_sv s)
{
	s = unescape(s, &r->store);
	char *p = ls_arena_strndup(&r->store, s.ptr ? s.ptr : "", s.len);
	return ls_sv_make(p, s.len);
}

/* Split v (starting at offset base of the line) on the separator into a new array. */
static ls_sv *split_list(ls_zeek_reader *r, ls_sv v, size_t *count)
{
	size_t n = 1;
	for (size_t at = find_sep(v, 0, r->separator); at != SIZE_MAX;
	     at = find_sep(v, at + r->separator.len, r->separator))
		n++;
	ls_sv *list = ls_arena_calloc(&r->store, n, sizeof *list);
	size_t from = 0;
	for (size_t k = 0; k < n; k++) {
		size_t at = find_sep(v, from, r->separator);
		if (at == SIZE_MAX)
			at = v.len;
		list[k] = keep(r, ls_sv_sub(v, from, at - from));
		from = at + r->separator.len;
	}
	*count = n;
	return list;
}

enum { H_SET_SEP, H_EMPTY, H_UNSET, H_PATH, H_OPEN, H_CLOSE, H_FIELDS, H_TYPES, H__COUNT };
static const char *const header_names[H__COUNT] = { "#set_separator", "#empty_field",
	                                            "#unset_field",   "#path",
	                                            "#open",          "#close",
	                                            "#fields",        "#types" };

static ls_err header_line(ls_zeek_reader *r, ls_sv line, unsigned long lineno, ls_diag *d)
{
	char sb[48];
	const ls_sv sep_kw = LS_SV_LIT("#separator");
	if (ls_sv_starts_with(line, sep_kw) &&
	    (line.len == sep_kw.len || line.ptr[sep_kw.len] == ' ' ||
	     line.ptr[sep_kw.len] == '\t')) {
		if (line.len == sep_kw.len || line.ptr[sep_kw.len] != ' ')
			return fail(d, LS_ERR_PARSE, lineno, sep_kw.len,
			            "expected ' ' and a value after #separator");
		ls_sv v = keep(r, ls_sv_sub(line, sep_kw.len + 1, line.len));
		if (v.len == 0)
			return fail(d, LS_ERR_PARSE, lineno, sep_kw.len + 1,
			            "expected a separator after '#separator '");
		/* A #separator line begins a new header: everything else resets. */
		default_header(r);
		r->separator = v;
		return LS_OK;
	}

	size_t at = find_sep(line, 0, r->separator);
	ls_sv key = ls_sv_sub(line, 0, at == SIZE_MAX ? line.len : at);
	int h = -1;
	for (int k = 0; k < H__COUNT; k++)
		if (ls_sv_eq_cstr(key, header_names[k]))
			h = k;
	if (h < 0)
		return fail(d, LS_ERR_PARSE, lineno, 0, "unknown header line '%s'", show(key, sb));
	if (at == SIZE_MAX)
		return fail(d, LS_ERR_PARSE, lineno, line.len,
		            "expected a separator and a value after '%s'", header_names[h]);
	size_t voff = at + r->separator.len;
	ls_sv raw = ls_sv_sub(line, voff, line.len);
	if (h != H_CLOSE)
		r->closed = false;

	switch (h) {
	case H_SET_SEP:
	case H_EMPTY:
	case H_UNSET: {
		ls_sv v = keep(r, raw);
		if (v.len == 0)
			return fail(d, LS_ERR_PARSE, lineno, voff, "expected a value after '%s'",
			            header_names[h]);
		if (h == H_SET_SEP)
			r->set_separator = v;
		else if (h == H_EMPTY)
			r->empty_field = v;
		else
			r->unset_field = v;
		return LS_OK;
	}
	case H_PATH: r->path = keep(r, raw); return LS_OK;
	case H_OPEN: r->open = keep(r, raw); return LS_OK;
	case H_CLOSE:
		r->close = keep(r, raw);
		r->closed = true;
		return LS_OK;
	case H_FIELDS: {
		size_t n;
		ls_sv *list = split_list(r, raw, &n);
		size_t from = voff;
		for (size_t k = 0; k < n; k++) {
			if (list[k].len == 0)
				return fail(d, LS_ERR_PARSE, lineno, from,
				            "empty field name in #fields (column %zu)", k + 1);
			size_t next = find_sep(line, from, r->separator);
			from = next == SIZE_MAX ? line.len : next + r->separator.len;
		}
		r->fields = list;
		r->nfields = n;
		r->cuts = ls_arena_calloc(&r->store, n + 1, sizeof *r->cuts);
		r->have_fields = true;
		/* Types describe the fields before them; a new #fields needs new #types. */
		r->types = NULL;
		r->ntypes = 0;
		r->kinds = NULL;
		r->have_types = false;
		return LS_OK;
	}
	case H_TYPES: {
		if (!r->have_fields)
			return fail(d, LS_ERR_PARSE, lineno, 0, "#types before #fields");
		size_t n;
		ls_sv *list = split_list(r, raw, &n);
		if (n != r->nfields) {
			/* Point at the first extra type, or just past the end. */
			size_t off = line.len;
			if (n > r->nfields) {
				off = voff;
				for (size_t k = 0; k < r->nfields; k++)
					off = find_sep(line, off, r->separator) + r->separator.len;
			}
			return fail(d, LS_ERR_PARSE, lineno, off,
			            "#types has %zu entries but #fields has %zu", n, r->nfields);
		}
		unsigned char *kinds = ls_arena_alloc(&r->store, n);
		for (size_t k = 0; k < n; k++)
			kinds[k] = kind_of(list[k]);
		r->types = list;
		r->ntypes = n;
		r->kinds = kinds;
		r->have_types = true;
		return LS_OK;
	}
	}
	return LS_OK;
}

/* -------------------------------------------------------------------- data */

/* Add one scalar value (a column or a container element) of the given kind. */
static ls_err add_value(ls_zeek_reader *r, ls_event *ev, ls_arena *a, size_t col, ls_sv raw,
                        size_t off, int kind, unsigned long lineno, ls_diag *d)
{
	char sb[48];
	ls_sv name = r->fields[col];
	uint32_t pos = (uint32_t)off;
	switch (kind) {
	case K_STRING:
		if (ls_sv_eq(raw, r->empty_field))
			ls_event_add(ev, name, LS_SV_LIT(""), LS_VALUE_STRING, pos);
		else
			ls_event_add(ev, name, unescape(raw, a), LS_VALUE_STRING, pos);
		return LS_OK;
	case K_BOOL:
		if (raw.len == 1 && (raw.ptr[0] == 'T' || raw.ptr[0] == 'F')) {
			ls_event_add(ev, name, raw.ptr[0] == 'T' ? LS_VALUE_TRUE : LS_VALUE_FALSE,
			             LS_VALUE_BOOL, pos);
			return LS_OK;
		}
		break;
	default:
		if (valid_number(raw, kind)) {
			ls_event_add(ev, name, raw, LS_VALUE_NUMBER, pos);
			return LS_OK;
		}
		break;
	}
	return fail(d, LS_ERR_PARSE, lineno, off,
	            "column %zu (%.*s, %.*s): expected %s, found '%s'", col + 1,
	            (int)(name.len > 64 ? 64 : name.len), name.ptr,
	            (int)(r->types[col].len > 64 ? 64 : r->types[col].len), r->types[col].ptr,
	            kind_text[kind], show(raw, sb));
}

static ls_err data_line(ls_zeek_reader *r, ls_sv line, unsigned long lineno, ls_event *ev,
                        ls_arena *a, ls_diag *d)
{
	if (!r->have_fields)
		return fail(d, LS_ERR_PARSE, lineno, 0, "data line before the #fields header");
	if (r->closed)
		return fail(d, LS_ERR_PARSE, lineno, 0,
		            "data line after #close (a new header must come first)");
	if (line.len == 0)
		return fail(d, LS_ERR_PARSE, lineno, 0, "empty line (expected %zu columns)",
		            r->nfields);

	/* One pass finds where every column starts: cuts[c], and cuts[n] one
	 * separator past the end. */
	const ls_sv sep = r->separator;
	size_t ncols = 1, extra_at = 0, *cuts = r->cuts;
	cuts[0] = 0;
	if (sep.len == 1) {
		const char s = sep.ptr[0], *p = line.ptr;
		for (size_t i = 0; i < line.len; i++) {
			if (p[i] != s)
				continue;
			if (ncols < r->nfields)
				cuts[ncols] = i + 1;
			else if (ncols == r->nfields)
				extra_at = i + 1;
			ncols++;
		}
	} else {
		for (size_t at = find_sep(line, 0, sep); at != SIZE_MAX;
		     at = find_sep(line, at + sep.len, sep)) {
			if (ncols < r->nfields)
				cuts[ncols] = at + sep.len;
			else if (ncols == r->nfields)
				extra_at = at + sep.len;
			ncols++;
		}
	}
	if (ncols != r->nfields)
		return fail(d, LS_ERR_PARSE, lineno, ncols > r->nfields ? extra_at : line.len,
		            "expected %zu columns (from #fields), got %zu", r->nfields, ncols);
	cuts[r->nfields] = line.len + sep.len;

	for (size_t c = 0; c < r->nfields; c++) {
		size_t off = cuts[c];
		ls_sv raw = ls_sv_sub(line, off, cuts[c + 1] - sep.len - off);
		if (ls_sv_eq(raw, r->unset_field))
			continue;
		int kind = r->have_types ? r->kinds[c] : K_STRING;
		ls_err e;
		if (!(kind & K_CONTAINER)) {
			e = add_value(r, ev, a, c, raw, off, kind, lineno, d);
			if (e != LS_OK)
				return e;
			continue;
		}
		if (ls_sv_eq(raw, r->empty_field))
			continue;
		kind &= K_KIND_MASK;
		size_t efrom = 0;
		for (;;) {
			size_t eat = find_sep(raw, efrom, r->set_separator);
			size_t eend = eat == SIZE_MAX ? raw.len : eat;
			ls_sv el = ls_sv_sub(raw, efrom, eend - efrom);
			if (ls_sv_eq(el, r->unset_field)) {
				ls_event_add(ev, r->fields[c], LS_VALUE_NULL_TEXT, LS_VALUE_NULL,
				             (uint32_t)(off + efrom));
			} else {
				e = add_value(r, ev, a, c, el, off + efrom, kind, lineno, d);
				if (e != LS_OK)
					return e;
			}
			if (eat == SIZE_MAX)
				break;
			efrom = eat + r->set_separator.len;
		}
	}
	return LS_OK;
}

ls_err ls_zeek_feed(ls_zeek_reader *r, ls_sv line, unsigned long lineno, ls_event *ev, ls_arena *a,
                    bool *record, ls_diag *d)
{
	*record = false;
	if (line.len > LS_LINE_MAX)
		return fail(d, LS_ERR_TOOLONG, lineno, LS_LINE_MAX, "line longer than %u bytes",
		            (unsigned)LS_LINE_MAX);
	if (line.len > 0 && line.ptr[0] == '#')
		return header_line(r, line, lineno, d);
	ls_event_reset(ev);
	ev->line = lineno;
	ls_err e = data_line(r, line, lineno, ev, a, d);
	if (e == LS_OK)
		*record = true;
	return e;
}
