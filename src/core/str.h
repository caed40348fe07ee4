/*
 * str.h - string views for parsing and a growable byte buffer for output.
 *
 * An ls_sv borrows bytes it does not own and is not NUL-terminated; it is how
 * parsers pass pieces of their input around without copying. An ls_buf owns
 * a heap block that grows geometrically; its data is always NUL-terminated
 * (the terminator is not counted in len) so it can be handed to C APIs.
 */
#ifndef LS_CORE_STR_H
#define LS_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

/* ------------------------------------------------------------ string views */

typedef struct ls_sv {
	const char *ptr;
	size_t len;
} ls_sv;

#define LS_SV_LIT(s) ((ls_sv){ (s), sizeof(s) - 1 })
#define LS_SV_NULL ((ls_sv){ NULL, 0 })

ls_sv ls_sv_from_cstr(const char *s);
ls_sv ls_sv_make(const char *p, size_t len);
bool ls_sv_eq(ls_sv a, ls_sv b);
bool ls_sv_eq_cstr(ls_sv a, const char *s);
/* ASCII case-insensitive comparison. */
bool ls_sv_eq_nocase(ls_sv a, ls_sv b);
bool ls_sv_starts_with(ls_sv s, ls_sv prefix);
bool ls_sv_ends_with(ls_sv s, ls_sv suffix);
/* Bytes [from, from+n) clamped to the view. */
ls_sv ls_sv_sub(ls_sv s, size_t from, size_t n);
/* Strip ASCII whitespace (space, \t, \n, \v, \f, \r) from both ends. */
ls_sv ls_sv_trim(ls_sv s);
/* Index of the first c in s, or SIZE_MAX. */
size_t ls_sv_find_char(ls_sv s, char c);
/*
 * Split s at the first sep: *head gets the part before, the return value the
 * part after (empty view, ptr at the end, if sep is absent). found reports
 * whether sep was present; it may be NULL.
 */
ls_sv ls_sv_cut(ls_sv s, char sep, ls_sv *head, bool *found);

/*
 * Strict decimal integer parsing: an optional '-' (signed only), then one or
 * more digits and nothing else. No whitespace, no '+', no overflow: those give
 * LS_ERR_PARSE or LS_ERR_RANGE and leave *out untouched.
 */
ls_err ls_sv_to_i64(ls_sv s, int64_t *out) LS_WUR;
ls_err ls_sv_to_u64(ls_sv s, uint64_t *out) LS_WUR;

/* ------------------------------------------------------------------ buffer */

typedef struct ls_buf {
	char *data; /* NUL-terminated when cap > 0; NULL when empty and unused */
	size_t len;
	size_t cap;
} ls_buf;

#define LS_BUF_INIT ((ls_buf){ NULL, 0, 0 })

void ls_buf_init(ls_buf *b);
/* Free the storage; the buffer is left empty and reusable. Accepts NULL. */
void ls_buf_fini(ls_buf *b);
/* Forget the contents but keep the storage. */
void ls_buf_reset(ls_buf *b);
/* Grow the storage to hold `extra` more bytes plus the terminator. */
void ls_buf_grow(ls_buf *b, size_t extra);

/*
 * The appends below are inline because they are the innermost operations of
 * log generation; only growing the storage leaves the fast path.
 */

/* Ensure room for `extra` more bytes plus the terminator. */
static inline void ls_buf_reserve(ls_buf *b, size_t extra)
{
	if (extra >= b->cap - b->len)
		ls_buf_grow(b, extra);
}

static inline void ls_buf_append(ls_buf *b, const void *p, size_t n)
{
	ls_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void ls_buf_append_char(ls_buf *b, char c)
{
	ls_buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

static inline void ls_buf_append_cstr(ls_buf *b, const char *s)
{
	ls_buf_append(b, s, strlen(s));
}

static inline void ls_buf_append_sv(ls_buf *b, ls_sv s)
{
	ls_buf_append(b, s.ptr, s.len);
}

/* Decimal renderings without printf (these are on hot paths). */
void ls_buf_append_u64(ls_buf *b, uint64_t v);
void ls_buf_append_i64(ls_buf *b, int64_t v);
/* Exactly `width` digits, zero-padded (v must fit). */
void ls_buf_append_u64_padded(ls_buf *b, uint64_t v, unsigned width);
/* Lower-case hexadecimal of n bytes. */
void ls_buf_append_hex(ls_buf *b, const unsigned char *p, size_t n);
/* printf-style append, for cold paths only. */
void ls_buf_printf(ls_buf *b, const char *fmt, ...) LS_PRINTF(2, 3);
/* Truncate to len bytes (len <= b->len). */
void ls_buf_truncate(ls_buf *b, size_t len);
/* Detach the storage: the caller owns the returned NUL-terminated string. */
char *ls_buf_steal(ls_buf *b);
/* The contents as a view (valid until the next change to b). */
ls_sv ls_buf_sv(const ls_buf *b);
/* Write the contents to f; LS_ERR_IO on a short write. */
ls_err ls_buf_write(const ls_buf *b, FILE *f) LS_WUR;

/* The value of a hexadecimal digit (either case), or -1. */
int ls_hex_value(int c);

/* Number of decimal digits in v (1 for 0). */
unsigned ls_u64_digits(uint64_t v);

#endif
