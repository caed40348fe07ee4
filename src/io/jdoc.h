/*
 * jdoc.h - a strict JSON (RFC 8259) document reader: text into a tree.
 *
 * The JSON Lines reader (io/jsonl.h) flattens a record into an event for
 * the Sigma engine; truth files (the answer key, the manifest) and alert
 * files need the structure itself: objects whose keys keep their order,
 * arrays that can be indexed, and a position for every value so that a
 * reader checking the content can say "file:line:col: expected a string".
 * This reader gives exactly that and accepts only RFC 8259 text:
 *
 *   - Any value may be the top level; only JSON whitespace (space, tab,
 *     CR, LF) may surround it. Empty input is an error, and so is a byte
 *     order mark.
 *   - Strings: every escape of RFC 8259; a \uXXXX high surrogate must be
 *     followed at once by a low one and they combine; a lone surrogate,
 *     a raw control byte (below 0x20) and ill-formed UTF-8 (overlong
 *     forms, encoded surrogates, code points above U+10FFFF, truncated or
 *     stray bytes) are errors. Decoded text is valid UTF-8 and
 *     NUL-terminated; "\u0000" is kept as a NUL byte inside it (len counts
 *     it), so C-string users must check len.
 *   - Numbers follow the grammar exactly (no leading zeros, '+', bare '.',
 *     hexadecimal, NaN or Infinity) and are kept as the text written;
 *     ls_jnode_i64, ls_jnode_u64 and ls_jnode_f64 convert on demand.
 *   - Duplicate keys in one object are an error at the second key: a
 *     truth file whose meaning depends on which duplicate wins is refused.
 *   - Limits (ls_jdoc_opts): document size, number of values and nesting
 *     depth (the top-level container is depth 1). Exceeding one is
 *     LS_ERR_TOOLONG.
 *
 * Errors are LS_ERR_PARSE or LS_ERR_TOOLONG with a diagnostic giving the
 * file, the 1-based line and the 1-based byte column of the offending byte
 * (one past the end when the text ended early) and saying what was
 * expected and what was found. Each node keeps the line and column of its
 * first byte (the opening quote of a string), and each object member that
 * of its key, for the caller's own messages (ls_jnode_fail).
 *
 * Ownership: an ls_jdoc owns every node and every byte of text (one
 * arena); nodes are valid until ls_jdoc_fini. The parser copies what it
 * keeps, so the input text may be freed after parsing.
 */
#ifndef LS_IO_JDOC_H
#define LS_IO_JDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/str.h"

typedef enum ls_jkind {
	LS_JNULL = 0,
	LS_JBOOL,
	LS_JNUMBER,
	LS_JSTRING,
	LS_JARRAY,
	LS_JOBJECT,
} ls_jkind;

typedef struct ls_jnode ls_jnode;
typedef struct ls_jmember ls_jmember;

struct ls_jnode {
	ls_jkind kind;
	uint32_t line, col; /* 1-based position of the value's first byte */
	/*
	 * STRING: the decoded text; NUMBER: the literal as written; BOOL:
	 * "true" or "false"; NULL: "null". Always NUL-terminated. NULL for
	 * arrays and objects.
	 */
	const char *text;
	size_t len;          /* bytes of text, or the number of elements or members */
	ls_jnode *items;     /* ARRAY: len elements, in order */
	ls_jmember *members; /* OBJECT: len members, in the order written */
};

struct ls_jmember {
	const char *key; /* decoded, NUL-terminated */
	size_t key_len;
	uint32_t line, col; /* of the key's opening quote */
	ls_jnode value;
};

/* Named caps on a document; a field left 0 takes the default. */
typedef struct ls_jdoc_opts {
	size_t max_bytes;    /* default LS_JDOC_BYTES_MAX */
	size_t max_nodes;    /* values in the document; default LS_JDOC_NODES_MAX */
	unsigned max_depth;  /* default LS_JSON_DEPTH_MAX (at most that) */
	unsigned long line0; /* the line number of the text's first line; default 1 */
} ls_jdoc_opts;

typedef struct ls_jdoc {
	ls_arena arena;
	ls_jnode *root; /* NULL until a parse succeeds */
	size_t nodes;   /* values parsed */
} ls_jdoc;

/* An empty document (root NULL); fini frees it. */
void ls_jdoc_init(ls_jdoc *doc);
/* Free every node and byte. Accepts a zeroed or already finished document. */
void ls_jdoc_fini(ls_jdoc *doc);

/*
 * Parse len bytes at text into doc, which it initialises (fini it in every
 * case). opts may be NULL for the defaults. file (borrowed) goes into the
 * diagnostic, which d (may be NULL) receives on error.
 */
ls_err ls_jdoc_parse(ls_jdoc *doc, const char *text, size_t len, const ls_jdoc_opts *opts,
                     const char *file, ls_diag *d) LS_WUR;

/*
 * Read the file at path and parse it. LS_ERR_NOTFOUND when it does not
 * exist, LS_ERR_IO when it cannot be read, LS_ERR_TOOLONG when it is
 * larger than opts->max_bytes; otherwise as ls_jdoc_parse. The diagnostic
 * names path.
 */
ls_err ls_jdoc_load(ls_jdoc *doc, const char *path, const ls_jdoc_opts *opts, ls_diag *d) LS_WUR;

/* ------------------------------------------------------------- accessors */

/* The value of the first member named key (bytewise), or NULL (also when
 * obj is NULL or not an object). */
const ls_jnode *ls_jnode_get(const ls_jnode *obj, const char *key);
/* The member itself, for its key's position; NULL as above. */
const ls_jmember *ls_jnode_member(const ls_jnode *obj, const char *key);
/* The same for a key given as bytes (which may hold NUL). */
const ls_jmember *ls_jnode_member_sv(const ls_jnode *obj, ls_sv key);
/* Element i of an array, or NULL when out of range or not an array. */
const ls_jnode *ls_jnode_at(const ls_jnode *arr, size_t i);
/* The text of a string as a view (empty for other kinds). */
ls_sv ls_jnode_sv(const ls_jnode *n);
/* Whether n is a string equal to s. */
bool ls_jnode_is_str(const ls_jnode *n, const char *s);

/*
 * Numbers. i64/u64: the literal must be an integer (no fraction, no
 * exponent) that fits: LS_ERR_PARSE for another kind or a non-integer,
 * LS_ERR_RANGE when it does not fit. f64: any number whose value is finite
 * as a double (LS_ERR_RANGE for 1e999). *out is untouched on error.
 */
ls_err ls_jnode_i64(const ls_jnode *n, int64_t *out) LS_WUR;
ls_err ls_jnode_u64(const ls_jnode *n, uint64_t *out) LS_WUR;
ls_err ls_jnode_f64(const ls_jnode *n, double *out) LS_WUR;

/* "null", "a boolean", "a number", "a string", "an array", "an object". */
const char *ls_jkind_name(ls_jkind k);
/* The same for a node; "nothing" for NULL (a missing member). */
const char *ls_jnode_kind_name(const ls_jnode *n);

/*
 * Record an error located at node n (its line and column; none when n is
 * NULL) in file, and return err.
 */
ls_err ls_jnode_fail(ls_diag *d, ls_err err, const char *file, const ls_jnode *n, const char *fmt,
                     ...) LS_PRINTF(5, 6);

/* Write n with w: members in order, strings re-escaped, numbers as written. */
void ls_jnode_write(const ls_jnode *n, ls_jw *w);

/* Whether two trees hold the same values (kinds, texts, keys, order). */
bool ls_jnode_equal(const ls_jnode *a, const ls_jnode *b);

#endif
