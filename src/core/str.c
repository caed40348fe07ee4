/*
 * str.c - string views and growable buffers.
 *
 * ls_buf invariant: either data == NULL and len == cap == 0, or data points at
 * cap bytes of which the first len are content and data[len] == '\0'.
 */
#include "core/str.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* ------------------------------------------------------------ string views */

ls_sv ls_sv_from_cstr(const char *s)
{
	return (ls_sv){ s, s ? strlen(s) : 0 };
}

ls_sv ls_sv_make(const char *p, size_t len)
{
	return (ls_sv){ p, len };
}

bool ls_sv_eq(ls_sv a, ls_sv b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool ls_sv_eq_cstr(ls_sv a, const char *s)
{
	return ls_sv_eq(a, ls_sv_from_cstr(s));
}

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool ls_sv_eq_nocase(ls_sv a, ls_sv b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (ascii_lower((unsigned char)a.ptr[i]) != ascii_lower((unsigned char)b.ptr[i]))
			return false;
	return true;
}

bool ls_sv_starts_with(ls_sv s, ls_sv prefix)
{
	return s.len >= prefix.len &&
	       (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

bool ls_sv_ends_with(ls_sv s, ls_sv suffix)
{
	return s.len >= suffix.len &&
	       (suffix.len == 0 || memcmp(s.ptr + s.len - suffix.len, suffix.ptr, suffix.len) == 0);
}

ls_sv ls_sv_sub(ls_sv s, size_t from, size_t n)
{
	if (from > s.len)
		from = s.len;
	if (n > s.len - from)
		n = s.len - from;
	return (ls_sv){ s.ptr ? s.ptr + from : NULL, n };
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

ls_sv ls_sv_trim(ls_sv s)
{
	while (s.len && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

size_t ls_sv_find_char(ls_sv s, char c)
{
	if (s.len == 0)
		return SIZE_MAX;
	const char *p = memchr(s.ptr, c, s.len);
	return p ? (size_t)(p - s.ptr) : SIZE_MAX;
}

ls_sv ls_sv_cut(ls_sv s, char sep, ls_sv *head, bool *found)
{
	size_t i = ls_sv_find_char(s, sep);
	if (i == SIZE_MAX) {
		*head = s;
		if (found)
			*found = false;
		return (ls_sv){ s.ptr ? s.ptr + s.len : NULL, 0 };
	}
	*head = (ls_sv){ s.ptr, i };
	if (found)
		*found = true;
	return (ls_sv){ s.ptr + i + 1, s.len - i - 1 };
}

ls_err ls_sv_to_u64(ls_sv s, uint64_t *out)
{
	if (s.len == 0)
		return LS_ERR_PARSE;
	uint64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c < '0' || c > '9')
			return LS_ERR_PARSE;
		unsigned d = c - '0';
		if (v > (UINT64_MAX - d) / 10)
			return LS_ERR_RANGE;
		v = v * 10 + d;
	}
	*out = v;
	return LS_OK;
}

ls_err ls_sv_to_i64(ls_sv s, int64_t *out)
{
	bool neg = s.len > 0 && s.ptr[0] == '-';
	uint64_t mag;
	ls_err e = ls_sv_to_u64(neg ? ls_sv_sub(s, 1, s.len) : s, &mag);
	if (e != LS_OK)
		return e;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return LS_ERR_RANGE;
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return LS_ERR_RANGE;
		*out = (int64_t)mag;
	}
	return LS_OK;
}

/* ------------------------------------------------------------------ buffer */

void ls_buf_init(ls_buf *b)
{
	*b = LS_BUF_INIT;
}

void ls_buf_fini(ls_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	*b = LS_BUF_INIT;
}

void ls_buf_reset(ls_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void ls_buf_grow(ls_buf *b, size_t extra)
{
	if (extra >= SIZE_MAX - b->len)
		ls_oom(SIZE_MAX);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = ls_xrealloc(b->data, cap);
	b->cap = cap;
}

int ls_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

unsigned ls_u64_digits(uint64_t v)
{
	/* Comparisons, not divisions: this runs for every number written. */
	static const uint64_t pow10[] = { UINT64_C(10), UINT64_C(100), UINT64_C(1000),
		                          UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
		                          UINT64_C(10000000), UINT64_C(100000000),
		                          UINT64_C(1000000000), UINT64_C(10000000000),
		                          UINT64_C(100000000000), UINT64_C(1000000000000),
		                          UINT64_C(10000000000000), UINT64_C(100000000000000),
		                          UINT64_C(1000000000000000), UINT64_C(10000000000000000),
		                          UINT64_C(100000000000000000),
		                          UINT64_C(1000000000000000000),
		                          UINT64_C(10000000000000000000) };
	unsigned n = 1;
	while (n < 20 && v >= pow10[n - 1])
		n++;
	return n;
}

static const char digit_pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";

void ls_buf_append_u64_padded(ls_buf *b, uint64_t v, unsigned width)
{
	unsigned digits = ls_u64_digits(v);
	if (width < digits)
		width = digits;
	ls_buf_reserve(b, width);
	char *start = b->data + b->len;
	char *p = start + width;
	while (v >= 100) {
		unsigned pair = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = digit_pairs[pair + 1];
		*--p = digit_pairs[pair];
	}
	if (v >= 10) {
		*--p = digit_pairs[v * 2 + 1];
		*--p = digit_pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	while (p > start)
		*--p = '0';
	b->len += width;
	b->data[b->len] = '\0';
}

void ls_buf_append_u64(ls_buf *b, uint64_t v)
{
	ls_buf_append_u64_padded(b, v, 0);
}

void ls_buf_append_i64(ls_buf *b, int64_t v)
{
	if (v < 0) {
		ls_buf_append_char(b, '-');
		ls_buf_append_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		ls_buf_append_u64(b, (uint64_t)v);
	}
}

void ls_buf_append_hex(ls_buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	if (n > (SIZE_MAX - 1) / 2)
		ls_oom(SIZE_MAX);
	ls_buf_reserve(b, 2 * n);
	char *o = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
	}
	b->len += 2 * n;
	b->data[b->len] = '\0';
}

void ls_buf_printf(ls_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		ls_buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

void ls_buf_truncate(ls_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

char *ls_buf_steal(ls_buf *b)
{
	char *p = b->data ? b->data : ls_xstrdup("");
	*b = LS_BUF_INIT;
	return p;
}

ls_sv ls_buf_sv(const ls_buf *b)
{
	return (ls_sv){ b->data ? b->data : "", b->len };
}

ls_err ls_buf_write(const ls_buf *b, FILE *f)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return LS_ERR_IO;
	return LS_OK;
}
