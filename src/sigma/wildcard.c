/*
 * wildcard.c - compiling and matching Sigma wildcard patterns.
 *
 * Matching is the innermost loop of detection, so nothing here allocates,
 * recurses or backtracks more than once per star: a pattern is sorted at
 * compile time into the cheapest shape that can decide it (see wildcard.h)
 * and only true globs reach the two-pointer matcher.
 */
#include "sigma/wildcard.h"

#include <string.h>

#include "io/event.h"

/* ------------------------------------------------------------- folding */

static const unsigned char lower_table[256] = {
#define R(i) (unsigned char)((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : (i))
#define R4(i) R(i), R(i + 1), R(i + 2), R(i + 3)
#define R16(i) R4(i), R4(i + 4), R4(i + 8), R4(i + 12)
#define R64(i) R16(i), R16(i + 16), R16(i + 32), R16(i + 48)
	R64(0), R64(64), R64(128), R64(192)
#undef R64
#undef R16
#undef R4
#undef R
};

bool ls_mem_eq_folded(const char *s, const unsigned char *lowered, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++)
		if (lower_table[p[i]] != lowered[i])
			return false;
	return true;
}

static bool is_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

const char *ls_mem_find_folded(const char *h, size_t hn, const unsigned char *nd, size_t nn)
{
	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	const unsigned char *p = (const unsigned char *)h;
	size_t last = hn - nn; /* last possible start */

	/*
	 * Anchor the scan on the needle's first byte that is not a letter, if
	 * any: memchr can look for it directly, since it has only one case.
	 */
	size_t k = 0;
	while (k < nn && is_letter(nd[k]))
		k++;
	if (k < nn) {
		size_t at = k; /* position in h of the anchor for start 0 */
		while (at <= last + k) {
			const unsigned char *q = memchr(p + at, nd[k], last + k - at + 1);
			if (!q)
				return NULL;
			size_t start = (size_t)(q - p) - k;
			if (ls_mem_eq_folded((const char *)p + start, nd, nn))
				return (const char *)p + start;
			at = (size_t)(q - p) + 1;
		}
		return NULL;
	}
	/* An all-letter needle: compare the first byte folded, then the rest. */
	unsigned char c0 = nd[0];
	for (size_t i = 0; i <= last; i++)
		if (lower_table[p[i]] == c0 &&
		    ls_mem_eq_folded((const char *)p + i + 1, nd + 1, nn - 1))
			return (const char *)p + i;
	return NULL;
}

const char *ls_mem_find_nocase(const char *h, size_t hn, const char *needle, size_t nn)
{
	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	const unsigned char *p = (const unsigned char *)h;
	const unsigned char *q = (const unsigned char *)needle;
	unsigned char c0 = lower_table[q[0]];
	for (size_t i = 0; i + nn <= hn; i++) {
		if (lower_table[p[i]] != c0)
			continue;
		size_t j = 1;
		while (j < nn && lower_table[p[i + j]] == lower_table[q[j]])
			j++;
		if (j == nn)
			return (const char *)p + i;
	}
	return NULL;
}

/* ------------------------------------------------------------- compile */

/* Bytes that every log encoding leaksim reads writes verbatim. */
static bool atom_safe(ls_wild_unit u)
{
	return u >= 0x20 && u < 0x7f && u != '\\' && u != '"';
}

void ls_wild_compile(ls_wild *w, const ls_wild_unit *units, size_t n, bool cased, ls_arena *a)
{
	memset(w, 0, sizeof *w);
	w->cased = cased;

	/* Collapse runs of stars and fold literals. */
	ls_wild_unit *u = ls_arena_calloc(a, n ? n : 1, sizeof *u);
	size_t m = 0;
	size_t stars = 0, ones = 0;
	for (size_t i = 0; i < n; i++) {
		ls_wild_unit c = units[i];
		if (c == LS_WILD_STAR) {
			if (m && u[m - 1] == LS_WILD_STAR)
				continue;
			stars++;
		} else if (c == LS_WILD_ONE) {
			ones++;
		} else if (!cased) {
			c = lower_table[c & 0xff];
		}
		u[m++] = c;
	}

	/* The longest atom-safe literal run. */
	size_t best_at = 0, best_len = 0;
	for (size_t i = 0; i < m;) {
		if (!atom_safe(u[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < m && atom_safe(u[j]))
			j++;
		if (j - i > best_len) {
			best_at = i;
			best_len = j - i;
		}
		i = j;
	}

	/* Literal bytes: the units without their wildcards (for the simple shapes). */
	bool lead = m && u[0] == LS_WILD_STAR;
	bool trail = m > 1 && u[m - 1] == LS_WILD_STAR;
	size_t inner_stars = stars - (size_t)lead - (size_t)trail;

	unsigned char *lit = ls_arena_alloc(a, m + 1);
	size_t litlen = 0;
	for (size_t i = 0; i < m; i++)
		if (u[i] < 0x100)
			lit[litlen++] = (unsigned char)u[i];
	lit[litlen] = '\0';

	if (best_len >= LS_WILD_ATOM_MIN) {
		/* Literal bytes are contiguous in lit only for the simple shapes. */
		unsigned char *atom = ls_arena_alloc(a, best_len + 1);
		for (size_t i = 0; i < best_len; i++)
			atom[i] = lower_table[u[best_at + i] & 0xff];
		atom[best_len] = '\0';
		w->atom = ls_sv_make((const char *)atom, best_len);
	}

	if (m > 0 && stars == m) {
		w->kind = LS_WILD_ANY;
	} else if (ones) {
		w->kind = LS_WILD_GLOB;
		w->units = u;
		w->nunits = m;
	} else if (inner_stars) {
		/* Split at the stars; lit holds the literals back to back. */
		w->kind = LS_WILD_SEGMENTS;
		w->lead = lead;
		w->trail = trail;
		ls_wild_seg *segs = ls_arena_calloc(a, inner_stars + 1, sizeof *segs);
		size_t ns = 0, off = 0;
		for (size_t i = 0; i < m;) {
			if (u[i] == LS_WILD_STAR) {
				i++;
				continue;
			}
			size_t j = i;
			while (j < m && u[j] != LS_WILD_STAR)
				j++;
			segs[ns++] = (ls_wild_seg){ lit + off, j - i };
			off += j - i;
			i = j;
		}
		w->segs = segs;
		w->nsegs = ns;
	} else if (lead && trail) {
		w->kind = LS_WILD_CONTAINS;
	} else if (lead) {
		w->kind = LS_WILD_SUFFIX;
	} else if (trail) {
		w->kind = LS_WILD_PREFIX;
	} else {
		w->kind = LS_WILD_EXACT;
	}
	w->lit = lit;
	w->len = litlen;
}

/* --------------------------------------------------------------- match */

/* Length of the character at s (n >= 1 bytes left): 1 for ASCII and ill-formed bytes. */
static inline size_t char_len(const unsigned char *s, size_t n)
{
	if (*s < 0x80)
		return 1;
	size_t l = ls_utf8_char_len((const char *)s, n);
	return l ? l : 1;
}

/* The first occurrence of the needle in the haystack, bytewise, or NULL. */
static const char *find_cased(const char *h, size_t hn, const unsigned char *nd, size_t nn)
{
	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	const char *p = h, *end = h + (hn - nn) + 1;
	while (p < end) {
		const char *q = memchr(p, nd[0], (size_t)(end - p));
		if (!q)
			return NULL;
		if (memcmp(q + 1, nd + 1, nn - 1) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

static bool segments_match(const ls_wild *w, const char *s, size_t n)
{
	size_t pos = 0, end = n, i0 = 0, i1 = w->nsegs;
	const ls_wild_seg *sg = w->segs;
	if (!w->lead) {
		if (n < sg[0].n || !(w->cased ? memcmp(s, sg[0].p, sg[0].n) == 0
		                              : ls_mem_eq_folded(s, sg[0].p, sg[0].n)))
			return false;
		pos = sg[0].n;
		i0 = 1;
	}
	if (!w->trail) {
		const ls_wild_seg *l = &sg[w->nsegs - 1];
		if (n - pos < l->n)
			return false;
		end = n - l->n;
		if (!(w->cased ? memcmp(s + end, l->p, l->n) == 0
		               : ls_mem_eq_folded(s + end, l->p, l->n)))
			return false;
		i1--;
	}
	for (size_t i = i0; i < i1; i++) {
		const char *q = w->cased ? find_cased(s + pos, end - pos, sg[i].p, sg[i].n)
		                         : ls_mem_find_folded(s + pos, end - pos, sg[i].p, sg[i].n);
		if (!q)
			return false;
		pos = (size_t)(q - s) + sg[i].n;
	}
	return true;
}

static inline bool lit_eq(const ls_wild *w, const char *s, size_t n)
{
	return w->cased ? memcmp(s, w->lit, n) == 0 : ls_mem_eq_folded(s, w->lit, n);
}

static bool glob_match(const ls_wild *w, const unsigned char *s, size_t n)
{
	const ls_wild_unit *u = w->units;
	size_t m = w->nunits;
	size_t pi = 0, ti = 0;
	size_t star_pi = SIZE_MAX, star_ti = 0;
	bool fold = !w->cased;

	while (ti < n) {
		if (pi < m) {
			ls_wild_unit c = u[pi];
			if (c == LS_WILD_STAR) {
				star_pi = pi++;
				star_ti = ti;
				continue;
			}
			if (c == LS_WILD_ONE) {
				ti += char_len(s + ti, n - ti);
				pi++;
				continue;
			}
			unsigned char b = fold ? lower_table[s[ti]] : s[ti];
			if (b == c) {
				ti++;
				pi++;
				continue;
			}
		}
		if (star_pi == SIZE_MAX)
			return false;
		/* Let the last star swallow one more character and retry after it. */
		star_ti += char_len(s + star_ti, n - star_ti);
		ti = star_ti;
		pi = star_pi + 1;
	}
	while (pi < m && u[pi] == LS_WILD_STAR)
		pi++;
	return pi == m;
}

bool ls_wild_match(const ls_wild *w, const char *s, size_t n)
{
	switch (w->kind) {
	case LS_WILD_EXACT: return n == w->len && lit_eq(w, s, n);
	case LS_WILD_PREFIX: return n >= w->len && lit_eq(w, s, w->len);
	case LS_WILD_SUFFIX: return n >= w->len && lit_eq(w, s + (n - w->len), w->len);
	case LS_WILD_CONTAINS:
		if (w->cased)
			return find_cased(s, n, w->lit, w->len) != NULL;
		return ls_mem_find_folded(s, n, w->lit, w->len) != NULL;
	case LS_WILD_ANY: return true;
	case LS_WILD_SEGMENTS: return segments_match(w, s, n);
	case LS_WILD_GLOB: return glob_match(w, (const unsigned char *)s, n);
	}
	return false;
}
