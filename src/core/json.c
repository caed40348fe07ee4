/*
 * json.c - the streaming JSON writer.
 *
 * Escaping scans runs of bytes that need no attention (printable ASCII other
 * than '"' and '\\') and copies each run with one memcpy, so plain ASCII
 * strings cost little more than a copy. Multi-byte sequences are validated
 * against the UTF-8 well-formedness table of Unicode chapter 3 (table 3-7).
 */
#include "core/json.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"

/* 1 for bytes that can be copied verbatim: printable ASCII except " and \. */
/* clang-format off */
static const unsigned char plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),
	/* 0x20 */ 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	R16(1), R16(1),
	/* 0x50 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	R16(1),
	/* 0x70 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0),
#undef R16
};
/* clang-format on */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/*
 * Length of the well-formed UTF-8 sequence at p (at most n bytes available),
 * or 0 if it is ill-formed; *bad then receives the length of the maximal
 * ill-formed subpart to replace (at least 1).
 */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned char c = p[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		*bad = 1; /* stray continuation, C0/C1, F5..FF */
		return 0;
	}
	size_t i = 1;
	if (i >= n || p[i] < lo || p[i] > hi) {
		*bad = 1;
		return 0;
	}
	for (i = 2; i < len; i++) {
		if (i >= n || p[i] < 0x80 || p[i] > 0xBF) {
			*bad = i;
			return 0;
		}
	}
	return len;
}

void ls_json_escape(ls_buf *out, ls_sv s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t n = s.len, i = 0;
	while (i < n && plain[p[i]])
		i++;
	ls_buf_append(out, p, i); /* most strings end here: one copy */
	while (i < n) {
		size_t run = i;
		while (run < n && plain[p[run]])
			run++;
		if (run > i) {
			ls_buf_append(out, p + i, run - i);
			i = run;
			if (i == n)
				break;
		}
		unsigned char c = p[i];
		if (c < 0x80) {
			char esc[6] = { '\\', 0, 0, 0, 0, 0 };
			size_t elen = 2;
			switch (c) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\b': esc[1] = 'b'; break;
			case '\f': esc[1] = 'f'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				elen = 6;
			}
			ls_buf_append(out, esc, elen);
			i++;
			continue;
		}
		size_t bad = 0;
		size_t len = utf8_seq(p + i, n - i, &bad);
		if (len) {
			ls_buf_append(out, p + i, len);
			i += len;
		} else {
			ls_buf_append(out, replacement, 3);
			i += bad;
		}
	}
}

/* ------------------------------------------------------------------ writer */

void ls_jw_init(ls_jw *w, ls_buf *out)
{
	w->out = out;
	w->depth = 0;
	w->need_comma = false;
	w->after_key = false;
	w->kind[0] = 0;
}

bool ls_jw_done(const ls_jw *w)
{
	return w->depth == 0 && !w->after_key;
}

/* Separator bookkeeping before any value. */
static void before_value(ls_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	assert(w->depth == 0 || w->kind[w->depth] == 'a'); /* a key is due in objects */
	if (w->need_comma && w->depth > 0)
		ls_buf_append_char(w->out, ',');
}

static void after_value(ls_jw *w)
{
	w->need_comma = true;
}

static void container_open(ls_jw *w, char kind, char ch)
{
	before_value(w);
	assert(w->depth < LS_JSON_DEPTH_MAX);
	ls_buf_append_char(w->out, ch);
	w->kind[++w->depth] = (unsigned char)kind;
	w->need_comma = false;
}

static void container_close(ls_jw *w, char kind, char ch)
{
	assert(w->depth > 0 && w->kind[w->depth] == (unsigned char)kind && !w->after_key);
	(void)kind;
	ls_buf_append_char(w->out, ch);
	w->depth--;
	after_value(w);
}

void ls_jw_object_begin(ls_jw *w)
{
	container_open(w, 'o', '{');
}
void ls_jw_object_end(ls_jw *w)
{
	container_close(w, 'o', '}');
}
void ls_jw_array_begin(ls_jw *w)
{
	container_open(w, 'a', '[');
}
void ls_jw_array_end(ls_jw *w)
{
	container_close(w, 'a', ']');
}

static void quoted(ls_buf *out, ls_sv s)
{
	ls_buf_reserve(out, s.len + 2);
	ls_buf_append_char(out, '"');
	ls_json_escape(out, s);
	ls_buf_append_char(out, '"');
}

void ls_jw_key(ls_jw *w, ls_sv key)
{
	assert(w->depth > 0 && w->kind[w->depth] == 'o' && !w->after_key);
	if (w->need_comma)
		ls_buf_append_char(w->out, ',');
	quoted(w->out, key);
	ls_buf_append_char(w->out, ':');
	w->after_key = true;
}

void ls_jw_key_raw(ls_jw *w, const char *quoted_key_colon, size_t len)
{
	assert(w->depth > 0 && w->kind[w->depth] == 'o' && !w->after_key);
	ls_buf_reserve(w->out, len + 1);
	if (w->need_comma)
		w->out->data[w->out->len++] = ',';
	ls_buf_append(w->out, quoted_key_colon, len);
	w->after_key = true;
}

void ls_jw_key_cstr(ls_jw *w, const char *key)
{
	ls_jw_key(w, ls_sv_from_cstr(key));
}

void ls_jw_str(ls_jw *w, ls_sv s)
{
	before_value(w);
	quoted(w->out, s);
	after_value(w);
}

void ls_jw_str_cstr(ls_jw *w, const char *s)
{
	ls_jw_str(w, ls_sv_from_cstr(s));
}

void ls_jw_i64(ls_jw *w, int64_t v)
{
	before_value(w);
	ls_buf_append_i64(w->out, v);
	after_value(w);
}

void ls_jw_u64(ls_jw *w, uint64_t v)
{
	before_value(w);
	ls_buf_append_u64(w->out, v);
	after_value(w);
}

void ls_jw_f64(ls_jw *w, double v, unsigned decimals)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	assert(decimals <= 9);
	before_value(w);
	if (!isfinite(v)) {
		ls_buf_append_cstr(w->out, "null");
	} else {
		double scaled = fabs(v) * pow10[decimals];
		if (scaled < 9007199254740992.0) { /* 2^53: exact in uint64 */
			uint64_t q = (uint64_t)(scaled + 0.5);
			uint64_t div = (uint64_t)pow10[decimals];
			if (signbit(v) && q != 0)
				ls_buf_append_char(w->out, '-');
			ls_buf_append_u64(w->out, q / div);
			if (decimals) {
				ls_buf_append_char(w->out, '.');
				ls_buf_append_u64_padded(w->out, q % div, decimals);
			}
		} else {
			/* Rare magnitudes: the C library prints the exact binary value. */
			char tmp[400];
			snprintf(tmp, sizeof tmp, "%.*f", (int)decimals, v);
			ls_buf_append_cstr(w->out, tmp);
		}
	}
	after_value(w);
}

void ls_jw_bool(ls_jw *w, bool v)
{
	before_value(w);
	ls_buf_append_cstr(w->out, v ? "true" : "false");
	after_value(w);
}

void ls_jw_null(ls_jw *w)
{
	before_value(w);
	ls_buf_append_cstr(w->out, "null");
	after_value(w);
}

void ls_jw_hex(ls_jw *w, const unsigned char *p, size_t n)
{
	before_value(w);
	ls_buf_append_char(w->out, '"');
	ls_buf_append_hex(w->out, p, n);
	ls_buf_append_char(w->out, '"');
	after_value(w);
}

void ls_jw_time(ls_jw *w, int64_t t, int frac_digits)
{
	before_value(w);
	ls_buf_append_char(w->out, '"');
	ls_time_format_rfc3339(w->out, t, frac_digits, 0);
	ls_buf_append_char(w->out, '"');
	after_value(w);
}

ls_buf *ls_jw_str_begin(ls_jw *w)
{
	before_value(w);
	ls_buf_append_char(w->out, '"');
	return w->out;
}

void ls_jw_str_end(ls_jw *w)
{
	ls_buf_append_char(w->out, '"');
	after_value(w);
}

void ls_jw_raw(ls_jw *w, ls_sv json)
{
	before_value(w);
	ls_buf_append_sv(w->out, json);
	after_value(w);
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

size_t ls_json_number_end(const unsigned char *s, size_t len, size_t i, size_t *at,
                          const char **why, bool *show_found)
{
	*show_found = true;
	if (i < len && s[i] == '-')
		i++;
	if (i >= len || !is_digit(s[i])) {
		*why = "expected a digit after '-'";
		goto bad;
	}
	if (s[i] == '0') {
		i++;
		if (i < len && is_digit(s[i])) {
			*why = "leading zero in a number";
			*show_found = false;
			goto bad;
		}
	} else {
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && s[i] == '.') {
		i++;
		if (i >= len || !is_digit(s[i])) {
			*why = "expected a digit after '.'";
			goto bad;
		}
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i])) {
			*why = "expected a digit in the exponent";
			goto bad;
		}
		while (i < len && is_digit(s[i]))
			i++;
	}
	return i;
bad:
	*at = i;
	return SIZE_MAX;
}
