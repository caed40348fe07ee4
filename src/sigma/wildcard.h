/*
 * wildcard.h - Sigma wildcard patterns, compiled once and matched without
 * allocating, and the ASCII case-insensitive byte searches they need.
 *
 * A pattern is a sequence of units: a literal byte (0-255), LS_WILD_STAR
 * ('*': any run of characters, possibly empty) or LS_WILD_ONE ('?': exactly
 * one character). A "character" is one well-formed UTF-8 sequence, or a
 * single byte where the text is not well-formed UTF-8, so '?' matches "é"
 * and a '*' never stops inside a character. Case folding is ASCII only:
 * 'A'-'Z' equal 'a'-'z' and every other byte equals only itself.
 *
 * Compiling sorts a pattern into the cheapest shape that can match it:
 * an exact literal (length check and one comparison), a prefix, a suffix,
 * a substring, "anything", literals between stars (found one after another
 * with the substring search), or a general glob, which an iterative
 * two-pointer matcher handles in O(len(text) * len(pattern)) time at worst,
 * with no recursion. Literals are stored lower-cased unless the pattern is
 * case-sensitive, so matching folds only the text's bytes.
 *
 * Ownership: a compiled ls_wild points into the arena given to
 * ls_wild_compile and lives as long as it; the units passed in are borrowed
 * during the call only. Matching is read-only, so a compiled pattern may be
 * shared by threads.
 */
#ifndef LS_SIGMA_WILDCARD_H
#define LS_SIGMA_WILDCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "core/str.h"

typedef uint16_t ls_wild_unit;

#define LS_WILD_STAR ((ls_wild_unit)0x100)
#define LS_WILD_ONE ((ls_wild_unit)0x101)

/* Shortest literal run that ls_wild_compile records as a prefilter atom. */
#define LS_WILD_ATOM_MIN 3

typedef enum ls_wild_kind {
	LS_WILD_EXACT = 0, /* lit */
	LS_WILD_PREFIX,    /* lit* */
	LS_WILD_SUFFIX,    /* *lit */
	LS_WILD_CONTAINS,  /* *lit* */
	LS_WILD_ANY,       /* * (one or more stars and nothing else) */
	LS_WILD_SEGMENTS,  /* literals separated by stars (no '?'): segs */
	LS_WILD_GLOB       /* anything else: units */
} ls_wild_kind;

/* A literal between stars. */
typedef struct ls_wild_seg {
	const unsigned char *p;
	size_t n;
} ls_wild_seg;

typedef struct ls_wild {
	ls_wild_kind kind;
	bool cased;
	const unsigned char *lit; /* EXACT .. CONTAINS: the literal (lower-cased unless cased) */
	size_t len;
	const ls_wild_unit *units; /* GLOB: runs of stars collapsed, literals folded as lit */
	size_t nunits;
	/*
	 * SEGMENTS: the literals between the stars, found leftmost one after
	 * another; the first must start the text unless lead, the last must
	 * end it unless trail.
	 */
	const ls_wild_seg *segs;
	size_t nsegs;
	bool lead, trail;
	/*
	 * The longest run of literal bytes that are printable ASCII other than
	 * '\\' and '"' (bytes every log encoding writes verbatim), if it is at
	 * least LS_WILD_ATOM_MIN long; empty otherwise. Lower-cased.
	 */
	ls_sv atom;
} ls_wild;

/* Compile units[0..n) into w; storage comes from a. */
void ls_wild_compile(ls_wild *w, const ls_wild_unit *units, size_t n, bool cased, ls_arena *a);

/* Whether the text s[0..n) matches w as a whole. */
bool ls_wild_match(const ls_wild *w, const char *s, size_t n);

/* ASCII lower-casing of one byte. */
static inline unsigned char ls_ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Whether s[0..n) equals lowered[0..n), folding only s (lowered is already lower-case). */
bool ls_mem_eq_folded(const char *s, const unsigned char *lowered, size_t n);

/*
 * The first occurrence of the needle in the haystack, ASCII case-insensitive,
 * or NULL. The _folded variant expects an already lower-cased needle (the
 * fast path); ls_mem_find_nocase folds both sides. An empty needle is found
 * at the start.
 */
const char *ls_mem_find_folded(const char *h, size_t hn, const unsigned char *lowered, size_t nn);
const char *ls_mem_find_nocase(const char *h, size_t hn, const char *needle, size_t nn);

#endif
