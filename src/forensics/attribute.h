/*
 * attribute.h - leak attribution's statistics and decision, on abstract
 * evidence, and the dataset files it starts from.
 *
 * For each candidate export session the register's side (sim/attrib.h)
 * measures two kinds of evidence in a leaked file:
 *
 *   - canaries: of the K canary rows the session's export held, m appear in
 *     the file, where a random row would agree with the file by chance with
 *     probability at most `chance` per canary (the expected number of the
 *     file's rows equal to one random canary row);
 *   - choices: for each formatting choice d the file shows, whether the
 *     session's keyed choice agrees, and pi[d] (given by its ln), the probability that the
 *     choice of an unrelated session (uniform, independent of the file)
 *     would agree.
 *
 * Under the null hypothesis that the session did not produce the file its
 * keys are independent of the file, so
 *
 *   P(m or more canaries by chance) <= lambda^m / m!,  lambda = K * chance
 *
 * (a union bound over the m-subsets of its canaries, which are independent
 * random rows), and each choice agrees with probability pi[d]. The
 * session's p-value is the exact tail of the product statistic
 *
 *   e = min(1, lambda^m / m!) * prod over agreeing d of pi[d],
 *
 * P(E <= e) <= sum over subsets A of the choices shown of
 *              P(exactly A agree) * min(1, e / prod_{d in A} pi[d]),
 *
 * which holds because the canary term is super-uniform and independent of
 * the choices. With N sessions the probability that any unrelated session
 * shows evidence as strong as the best one's is at most N * p_best: that is
 * the false-attribution bound. A file is attributed to the best session
 * only when the bound is at most the threshold (LS_ATTR_THRESHOLD unless
 * the caller says otherwise); otherwise it is "unknown". docs/attribution.md
 * derives each step.
 *
 * Everything is computed in natural logarithms, since the evidence of a
 * large leak is far below the smallest double.
 *
 * Ownership: ls_attr_sessions owns its strings (one arena); the loaders
 * fill caller-owned structs. Nothing else allocates.
 */
#ifndef LS_FORENSICS_ATTRIBUTE_H
#define LS_FORENSICS_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/time.h"

/* The default decision threshold on the false-attribution bound. */
#define LS_ATTR_THRESHOLD 1e-6
/* The most formatting choices one file can show. */
#define LS_ATTR_DIMS_MAX 8u
/* Session ids are 1..256 bytes (the register's limit). */
#define LS_ATTR_SESSION_MAX 256u
/* The watermark key: 32 bytes, written as 64 hex digits. */
#define LS_ATTR_KEYBYTES 32u

/* ------------------------------------------------------------- evidence */

typedef struct ls_attr_evidence {
	uint64_t canaries;     /* K */
	uint64_t matched;      /* m <= K */
	double chance;         /* expected chance agreements per canary, >= 0 */
	uint32_t dims_matched; /* bit d: the session agrees on choice d */
} ls_attr_evidence;

typedef struct ls_attr_dims {
	unsigned n; /* choices 0..n-1 */
	/* ln of the null probability of agreeing on choice d: 0 when the file
	 * does not show it, -INFINITY when no session can agree (both ignored) */
	double log_pi[LS_ATTR_DIMS_MAX];
} ls_attr_dims;

/* ln min(1, lambda^m / m!) with lambda = K * chance: the canary term. */
double ls_attr_log_canary_tail(const ls_attr_evidence *e);

/* ln of the session's p-value (above): 0 for no evidence, -INFINITY when the
 * evidence is impossible by chance. */
double ls_attr_log_pvalue(const ls_attr_evidence *e, const ls_attr_dims *dims);

typedef struct ls_attr_decision {
	size_t n;              /* candidate sessions */
	size_t best, second;   /* indices (SIZE_MAX when there are not so many) */
	double log_p_best;     /* ln p of the best session */
	double log_bound;      /* ln min(1, n * p_best): the false-attribution bound */
	double log_bound_second;
	double threshold;      /* the level the bound was held to */
	bool attributed;       /* log_bound <= ln threshold */
} ls_attr_decision;

/*
 * Decide from the sessions' ln p-values (n of them; ties go to the lower
 * index). threshold is in (0, 1).
 */
void ls_attr_decide(const double *log_p, size_t n, double threshold, ls_attr_decision *out);

/* ln min(1, n * p) for one session's ln p. */
double ls_attr_log_bound(double log_p, size_t n);

/* -------------------------------------------------------- dataset files */

/* One line of truth/export-sessions.jsonl (docs/answer-key.md). */
typedef struct ls_attr_session {
	const char *id;      /* "session" */
	const char *time;    /* "time", as written */
	ls_time t;           /* ... parsed */
	const char *account; /* "account" */
	const char *host;    /* "host" */
	uint64_t rows;       /* "rows" */
	const char *format;  /* "format": csv, copy, insert or pg_dump */
	const char *kind;    /* "kind", or NULL for null */
	unsigned long line;  /* its line in the file */
} ls_attr_session;

typedef struct ls_attr_sessions {
	ls_arena arena;
	ls_attr_session *v;
	size_t n, cap;
	uint64_t max_rows; /* the largest export: the register holds at least this many rows */
} ls_attr_sessions;

/*
 * Load an export-session log. Each line must be a JSON object with the
 * members above (others are ignored), ids unique; a blank last line is
 * allowed. Errors (LS_ERR_NOTFOUND, LS_ERR_IO, LS_ERR_PARSE, LS_ERR_RANGE)
 * name path:line:col. fini the struct in every case.
 */
ls_err ls_attr_sessions_load(ls_attr_sessions *s, const char *path, ls_diag *d) LS_WUR;
void ls_attr_sessions_fini(ls_attr_sessions *s);

/*
 * Load a watermark key file: 64 hex digits and a line end. Errors name
 * path:line:col; the bytes read are wiped whatever happens.
 */
ls_err ls_attr_key_load(unsigned char key[LS_ATTR_KEYBYTES], const char *path, ls_diag *d) LS_WUR;

#endif
