/*
 * json.h - a streaming JSON writer for the generation hot path.
 *
 * The writer appends to an ls_buf; it never calls printf per field. Keys are
 * written in exactly the order the caller emits them, so a record type that
 * always writes its fields in the same order produces byte-stable output.
 * Commas and nesting are tracked by the writer; misuse (a value where a key
 * is due, unbalanced ends, nesting deeper than LS_JSON_DEPTH_MAX) is a
 * programmer error caught by assert().
 *
 * Strings: every byte below 0x20 and 0x7F is escaped (\b \f \n \r \t, others
 * as \u00XX), as are '"' and '\\'. Input that is not valid UTF-8 is repaired:
 * each maximal ill-formed subpart (the Unicode "substitution of maximal
 * subparts" practice: a truncated sequence, an overlong form, a surrogate, a
 * code point above U+10FFFF, or a stray continuation byte) becomes one
 * U+FFFD. Valid UTF-8, including U+2028/U+2029, passes through unchanged.
 *
 * Numbers: integers are exact. Doubles use a fixed format chosen by the
 * caller: ls_jw_f64(w, v, d) writes v rounded to d decimal places (0..9),
 * half away from zero, with no exponent; NaN and infinities become null,
 * since JSON cannot represent them.
 *
 * Ownership: the writer borrows its ls_buf; the caller owns and frees it.
 */
#ifndef LS_CORE_JSON_H
#define LS_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/str.h"

typedef struct ls_jw {
	ls_buf *out;
	unsigned depth;
	bool need_comma;                           /* a value was written at this level */
	bool after_key;                            /* a key was written; its value is due */
	unsigned char kind[LS_JSON_DEPTH_MAX + 1]; /* 'o' object, 'a' array */
} ls_jw;

/* Start writing into out (appending to what is already there). */
void ls_jw_init(ls_jw *w, ls_buf *out);
/* True when every object and array has been closed. */
bool ls_jw_done(const ls_jw *w);

void ls_jw_object_begin(ls_jw *w);
void ls_jw_object_end(ls_jw *w);
void ls_jw_array_begin(ls_jw *w);
void ls_jw_array_end(ls_jw *w);

/* Write an object key (escaped like any string). */
void ls_jw_key(ls_jw *w, ls_sv key);
void ls_jw_key_cstr(ls_jw *w, const char *key);
/*
 * The fast path for keys that are string literals: LS_JW_KEY(w, "rid")
 * pastes the quotes and colon at compile time, so writing the key is a single
 * copy. The literal must need no JSON escaping (record field names never do).
 */
#define LS_JW_KEY(w, lit) ls_jw_key_raw((w), "\"" lit "\":", sizeof("\"" lit "\":") - 1)
void ls_jw_key_raw(ls_jw *w, const char *quoted_key_colon, size_t len);

void ls_jw_str(ls_jw *w, ls_sv s);
void ls_jw_str_cstr(ls_jw *w, const char *s);
void ls_jw_i64(ls_jw *w, int64_t v);
void ls_jw_u64(ls_jw *w, uint64_t v);
void ls_jw_f64(ls_jw *w, double v, unsigned decimals);
void ls_jw_bool(ls_jw *w, bool v);
void ls_jw_null(ls_jw *w);
/* Lower-case hex of n bytes, as a JSON string. */
void ls_jw_hex(ls_jw *w, const unsigned char *p, size_t n);
/* An RFC 3339 UTC time (core/time.h) with frac_digits decimals, as a string. */
void ls_jw_time(ls_jw *w, int64_t t, int frac_digits);
/*
 * Build a string value in place: begin writes the opening quote and returns
 * the buffer; the caller appends text that needs no escaping (or escapes it
 * with ls_json_escape); end writes the closing quote.
 */
ls_buf *ls_jw_str_begin(ls_jw *w);
void ls_jw_str_end(ls_jw *w);
/* Splice pre-serialised JSON text as one value; the caller vouches for it. */
void ls_jw_raw(ls_jw *w, ls_sv json);

/*
 * Append s to out as the *inside* of a JSON string (no quotes), with the
 * escaping and UTF-8 repair described above.
 */
void ls_json_escape(ls_buf *out, ls_sv s);

/*
 * The JSON readers' number grammar (RFC 8259): the end of the number that
 * starts at s[i] (a '-' or a digit). On a malformed number, SIZE_MAX, with
 * *at the offending byte's offset and *why the complaint ("expected a digit
 * after '-'", ...); *show_found says whether the byte found there is worth
 * naming after it.
 */
size_t ls_json_number_end(const unsigned char *s, size_t len, size_t i, size_t *at,
                          const char **why, bool *show_found);

#endif
