/*
 * jsonl.c - strict recursive-descent JSON parsing into flat events.
 *
 * Strings are read in two passes. The first validates the string (escapes,
 * surrogate pairs, UTF-8, control bytes) and finds its end; if it met no
 * backslash, the value is simply a view of the input and nothing is copied.
 * Only strings with escapes take the second pass, which decodes into the
 * arena. Decoding never lengthens text (a 6-byte \uXXXX gives at most 3
 * bytes, a 12-byte surrogate pair 4), so the raw length bounds every copy.
 *
 * Recursion depth is bounded by LS_JSON_DEPTH_MAX, checked on entry to each
 * object and array.
 */
#include "io/jsonl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"

typedef struct parser {
	const unsigned char *s;
	size_t len;
	size_t i;
	unsigned depth;
	bool doc; /* a multi-line document: diagnostics count lines */
	unsigned long lineno;
	ls_event *ev;
	ls_arena *a;
	ls_diag *d;
} parser;

/* ------------------------------------------------------------ diagnostics */

unsigned long ls_json_line_of(ls_sv text, size_t pos)
{
	unsigned long line = 1;
	if (pos > text.len)
		pos = text.len;
	const char *p = text.ptr, *end = text.ptr + pos;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* What is at offset off, for "found ..." in messages. */
static const char *describe(const parser *p, size_t off, char buf[16])
{
	if (off >= p->len)
		return p->doc ? "end of input" : "end of line";
	unsigned char c = p->s[off];
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static ls_err fail(const parser *p, size_t off, ls_err err, const char *fmt, ...) LS_PRINTF(4, 5);

static ls_err fail(const parser *p, size_t off, ls_err err, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	unsigned long line = p->lineno;
	unsigned long col = (unsigned long)off + 1;
	if (p->doc) {
		ls_sv text = ls_sv_make((const char *)p->s, p->len);
		line = ls_json_line_of(text, off);
		size_t bol = off > p->len ? p->len : off;
		while (bol > 0 && p->s[bol - 1] != '\n')
			bol--;
		col = (unsigned long)(off - bol) + 1;
	}
	return ls_diag_set(p->d, err, NULL, line, col, "%s", msg);
}

/* --------------------------------------------------------------- scanning */

enum { C_PLAIN, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };

/* The class of a byte inside a string. */
static int str_class(unsigned char c)
{
	if (c >= 0x80)
		return C_HIGH;
	if (c < 0x20)
		return C_CTRL;
	if (c == '"')
		return C_QUOTE;
	return c == '\\' ? C_BSLASH : C_PLAIN;
}

static void skip_ws(parser *p)
{
	while (p->i < p->len) {
		unsigned char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->i++;
	}
}

/* Read 4 hex digits at off; returns how many were valid (4 on success). */
static size_t hex4(const parser *p, size_t off, uint32_t *out)
{
	uint32_t v = 0;
	for (size_t k = 0; k < 4; k++) {
		int h = off + k < p->len ? ls_hex_value((unsigned char)p->s[off + k]) : -1;
		if (h < 0)
			return k;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return 4;
}

/*
 * Validate the string whose opening quote is at p->i. On success *end is the
 * offset of the closing quote and *escaped says whether a backslash occurred.
 */
static ls_err scan_string(parser *p, size_t *end, bool *escaped)
{
	char fb[16];
	size_t i = p->i + 1;
	bool esc = false;
	for (;;) {
		if (i >= p->len)
			return fail(p, i, LS_ERR_PARSE,
			            "unterminated string: expected '\"', found %s",
			            describe(p, i, fb));
		unsigned char c = p->s[i];
		/* The fast path: a run of plain ASCII. */
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		switch (str_class(c)) {
		case C_PLAIN: i++; break;
		case C_QUOTE:
			*end = i;
			*escaped = esc;
			return LS_OK;
		case C_CTRL:
			return fail(p, i, LS_ERR_PARSE,
			            "control character 0x%02x in a string (it must be escaped)", c);
		case C_HIGH: {
			size_t n = ls_utf8_char_len((const char *)p->s + i, p->len - i);
			if (n == 0)
				return fail(p, i, LS_ERR_PARSE,
				            "invalid UTF-8 in a string (byte 0x%02x)", c);
			i += n;
			break;
		}
		case C_BSLASH: {
			size_t bs = i;
			esc = true;
			if (i + 1 >= p->len)
				return fail(p, i + 1, LS_ERR_PARSE,
				            "unterminated string: expected an escape after '\\', "
				            "found %s",
				            describe(p, i + 1, fb));
			c = p->s[i + 1];
			if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
			    c == 'r' || c == 't') {
				i += 2;
				break;
			}
			if (c != 'u')
				return fail(
				        p, bs, LS_ERR_PARSE,
				        "invalid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n "
				        "\\r \\t \\uXXXX, found '\\' then %s",
				        describe(p, bs + 1, fb));
			uint32_t cp = 0;
			size_t k = hex4(p, bs + 2, &cp);
			if (k < 4)
				return fail(p, bs + 2 + k, LS_ERR_PARSE,
				            "expected 4 hex digits after \\u, found %s",
				            describe(p, bs + 2 + k, fb));
			i = bs + 6;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(p, bs, LS_ERR_PARSE,
				            "lone low surrogate \\u%04X (it must follow a high "
				            "surrogate)",
				            (unsigned)cp);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo = 0;
				if (i + 1 >= p->len || p->s[i] != '\\' || p->s[i + 1] != 'u')
					return fail(p, bs, LS_ERR_PARSE,
					            "lone high surrogate \\u%04X: expected a "
					            "\\uDC00-\\uDFFF "
					            "escape to follow",
					            (unsigned)cp);
				k = hex4(p, i + 2, &lo);
				if (k < 4)
					return fail(p, i + 2 + k, LS_ERR_PARSE,
					            "expected 4 hex digits after \\u, found %s",
					            describe(p, i + 2 + k, fb));
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(p, bs, LS_ERR_PARSE,
					            "lone high surrogate \\u%04X: expected a "
					            "\\uDC00-\\uDFFF "
					            "escape to follow",
					            (unsigned)cp);
				i += 6;
			}
			break;
		}
		}
	}
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode the validated string body s[from, to) into o; returns its length. */
static size_t decode(const parser *p, size_t from, size_t to, char *o)
{
	size_t n = 0;
	size_t i = from;
	while (i < to) {
		const unsigned char *bs = memchr(p->s + i, '\\', to - i);
		size_t run = bs ? (size_t)(bs - (p->s + i)) : to - i;
		memcpy(o + n, p->s + i, run);
		n += run;
		i += run;
		if (i >= to)
			break;
		unsigned char c = p->s[i + 1];
		i += 2;
		switch (c) {
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			uint32_t cp = 0, lo = 0;
			(void)hex4(p, i, &cp);
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				(void)hex4(p, i + 2, &lo);
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			n += put_utf8(o + n, cp);
			break;
		}
		default: o[n++] = (char)c; break; /* " \ / */
		}
	}
	return n;
}

/* A string value or key body s[from, to): a view, or decoded into the arena. */
static ls_sv string_text(parser *p, size_t from, size_t to, bool escaped)
{
	if (!escaped)
		return ls_sv_make((const char *)p->s + from, to - from);
	char *o = ls_arena_alloc(p->a, to - from);
	return ls_sv_make(o, decode(p, from, to, o));
}

/* prefix "." key, or just key at the top level. */
static ls_sv make_name(parser *p, const ls_sv *prefix, size_t from, size_t to, bool escaped)
{
	if (prefix == NULL)
		return string_text(p, from, to, escaped);
	size_t plen = prefix->len + 1;
	char *o = ls_arena_alloc(p->a, plen + (to - from));
	memcpy(o, prefix->ptr, prefix->len);
	o[prefix->len] = '.';
	size_t n;
	if (escaped) {
		n = decode(p, from, to, o + plen);
	} else {
		n = to - from;
		memcpy(o + plen, p->s + from, n);
	}
	return ls_sv_make(o, plen + n);
}

/* ----------------------------------------------------------------- values */

static ls_err parse_value(parser *p, ls_sv name);

static ls_err parse_number(parser *p, ls_sv name)
{
	char fb[16];
	size_t start = p->i, at = 0;
	const char *why = NULL;
	bool show = false;
	size_t i = ls_json_number_end(p->s, p->len, start, &at, &why, &show);
	if (i == SIZE_MAX)
		return show ? fail(p, at, LS_ERR_PARSE, "%s, found %s", why, describe(p, at, fb))
		            : fail(p, at, LS_ERR_PARSE, "%s", why);
	p->i = i;
	ls_event_add(p->ev, name, ls_sv_make((const char *)p->s + start, i - start),
	             LS_VALUE_NUMBER, (uint32_t)start);
	return LS_OK;
}

static ls_err parse_literal(parser *p, ls_sv name, const char *word, ls_sv value,
                            ls_value_type type)
{
	char fb[16];
	size_t start = p->i;
	for (size_t k = 0; word[k]; k++)
		if (start + k >= p->len || p->s[start + k] != (unsigned char)word[k])
			return fail(p, start + k, LS_ERR_PARSE, "expected '%s', found %s", word,
			            describe(p, start + k, fb));
	p->i = start + strlen(word);
	ls_event_add(p->ev, name, value, type, (uint32_t)start);
	return LS_OK;
}

static ls_err enter(parser *p)
{
	if (++p->depth > LS_JSON_DEPTH_MAX)
		return fail(p, p->i, LS_ERR_TOOLONG, "nesting deeper than %d levels",
		            LS_JSON_DEPTH_MAX);
	p->i++;
	skip_ws(p);
	return LS_OK;
}

/* The object at p->i; its keys are prefixed by *prefix (none at the top). */
static ls_err parse_object(parser *p, const ls_sv *prefix)
{
	char fb[16];
	ls_err e = enter(p);
	if (e != LS_OK)
		return e;
	if (p->i < p->len && p->s[p->i] == '}') {
		p->i++;
		p->depth--;
		return LS_OK;
	}
	for (bool first = true;; first = false) {
		if (p->i >= p->len || p->s[p->i] != '"')
			return fail(p, p->i, LS_ERR_PARSE,
			            "expected '\"' to start a key%s, found %s",
			            first ? " or '}'" : "", describe(p, p->i, fb));
		size_t kend;
		bool kesc;
		e = scan_string(p, &kend, &kesc);
		if (e != LS_OK)
			return e;
		ls_sv name = make_name(p, prefix, p->i + 1, kend, kesc);
		p->i = kend + 1;
		skip_ws(p);
		if (p->i >= p->len || p->s[p->i] != ':')
			return fail(p, p->i, LS_ERR_PARSE, "expected ':' after a key, found %s",
			            describe(p, p->i, fb));
		p->i++;
		skip_ws(p);
		e = parse_value(p, name);
		if (e != LS_OK)
			return e;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->i < p->len && p->s[p->i] == '}') {
			p->i++;
			break;
		}
		return fail(p, p->i, LS_ERR_PARSE, "expected ',' or '}' after a value, found %s",
		            describe(p, p->i, fb));
	}
	p->depth--;
	return LS_OK;
}

/* The array at p->i: every element is named `name`. */
static ls_err parse_array(parser *p, ls_sv name)
{
	char fb[16];
	ls_err e = enter(p);
	if (e != LS_OK)
		return e;
	if (p->i < p->len && p->s[p->i] == ']') {
		p->i++;
		p->depth--;
		return LS_OK;
	}
	for (;;) {
		e = parse_value(p, name);
		if (e != LS_OK)
			return e;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->i < p->len && p->s[p->i] == ']') {
			p->i++;
			break;
		}
		return fail(p, p->i, LS_ERR_PARSE,
		            "expected ',' or ']' after an array element, found %s",
		            describe(p, p->i, fb));
	}
	p->depth--;
	return LS_OK;
}

static ls_err parse_value(parser *p, ls_sv name)
{
	char fb[16];
	if (p->i >= p->len)
		return fail(p, p->i, LS_ERR_PARSE, "expected a value, found %s",
		            describe(p, p->i, fb));
	switch (p->s[p->i]) {
	case '"': {
		size_t start = p->i, end;
		bool esc;
		ls_err e = scan_string(p, &end, &esc);
		if (e != LS_OK)
			return e;
		ls_event_add(p->ev, name, string_text(p, start + 1, end, esc), LS_VALUE_STRING,
		             (uint32_t)start);
		p->i = end + 1;
		return LS_OK;
	}
	case '{': return parse_object(p, &name);
	case '[': return parse_array(p, name);
	case 't': return parse_literal(p, name, "true", LS_VALUE_TRUE, LS_VALUE_BOOL);
	case 'f': return parse_literal(p, name, "false", LS_VALUE_FALSE, LS_VALUE_BOOL);
	case 'n': return parse_literal(p, name, "null", LS_VALUE_NULL_TEXT, LS_VALUE_NULL);
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9': return parse_number(p, name);
	default:
		return fail(p, p->i, LS_ERR_PARSE,
		            "expected a value (string, number, object, array, true, false or "
		            "null), found %s",
		            describe(p, p->i, fb));
	}
}

static ls_err parse_top(parser *p)
{
	char fb[16];
	ls_event_reset(p->ev);
	skip_ws(p);
	if (p->i >= p->len || p->s[p->i] != '{')
		return fail(p, p->i, LS_ERR_PARSE,
		            "expected '{': a record must be a JSON object, found %s",
		            describe(p, p->i, fb));
	ls_err e = parse_object(p, NULL);
	if (e != LS_OK)
		return e;
	skip_ws(p);
	if (p->i < p->len)
		return fail(p, p->i, LS_ERR_PARSE,
		            "expected the end of the %s after the object, found %s",
		            p->doc ? "input" : "line", describe(p, p->i, fb));
	return LS_OK;
}

/* ------------------------------------------------------------ entry points */

ls_err ls_jsonl_parse(ls_sv line, unsigned long lineno, ls_event *ev, ls_arena *a, ls_diag *d)
{
	parser p = { (const unsigned char *)line.ptr, line.len, 0, 0, false, lineno, ev, a, d };
	if (line.len > LS_LINE_MAX) {
		ls_event_reset(ev);
		return ls_diag_set(d, LS_ERR_TOOLONG, NULL, lineno, (unsigned long)LS_LINE_MAX + 1,
		                   "line longer than %u bytes", (unsigned)LS_LINE_MAX);
	}
	ls_err e = parse_top(&p);
	ev->line = lineno;
	return e;
}

ls_err ls_json_parse_document(ls_sv text, size_t max, ls_event *ev, ls_arena *a, ls_diag *d)
{
	parser p = { (const unsigned char *)text.ptr, text.len, 0, 0, true, 1, ev, a, d };
	if (max > UINT32_MAX)
		max = UINT32_MAX;
	if (text.len > max) {
		ls_event_reset(ev);
		return ls_diag_set(d, LS_ERR_TOOLONG, NULL, 0, 0, "document longer than %zu bytes",
		                   max);
	}
	ls_err e = parse_top(&p);
	ev->line = 1;
	return e;
}
