/*
 * cond.h - Sigma detection conditions: parsing and evaluation.
 *
 * A condition is the text under `detection: condition:`, for example
 *   selection and not 1 of filter_*
 *   (sel_a or sel_b) and not all of them
 * It is parsed once, against the rule's identifier names, into a small
 * tree whose leaves are identifier indices; evaluation asks a callback for
 * the value of an identifier only when it needs it, left to right with
 * short-circuit, so an expensive search is skipped when the answer is
 * already known.
 *
 * Grammar (Sigma specification v2.1, "Condition"); binding from loosest to
 * tightest: `or` < `and` < `not` < `N of`:
 *   expr    := and ( "or" and )*
 *   and     := unary ( "and" unary )*
 *   unary   := "not" unary | primary
 *   primary := "(" expr ")" | quant "of" target | IDENT
 *   quant   := "1" | "any" | "all" | a positive integer N
 *   target  := "them" | PATTERN
 * Keywords are matched case-insensitively; identifiers case-sensitively.
 * An IDENT is a run of letters, digits, '_', '-' and '.', and must name an
 * identifier. A PATTERN is an IDENT that may contain '*' (any run, possibly
 * empty); it must match at least one identifier. `them` means every
 * identifier whose name does not start with '_'. "N of X" is true when at
 * least N of the identifiers X stands for are true ("1 of" and "any of"
 * when at least one is; "all of" when every one is).
 *
 * Ownership: an ls_cond owns its arrays; ls_cond_fini frees them. Names
 * are borrowed during ls_cond_parse only.
 */
#ifndef LS_SIGMA_COND_H
#define LS_SIGMA_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

/* Longest condition text accepted, and deepest nesting of parentheses/not. */
#define LS_COND_TEXT_MAX 65536u
#define LS_COND_DEPTH_MAX 128u

typedef enum ls_cond_kind {
	LS_COND_ID = 0, /* an identifier: id */
	LS_COND_NOT,    /* not a */
	LS_COND_AND,    /* a and b */
	LS_COND_OR,     /* a or b */
	LS_COND_OF      /* at least `need` of ids[first .. first + n) */
} ls_cond_kind;

/*
 * Tree shape, which callers walking the nodes may rely on: a node's
 * children have lower indices than the node itself, and chains of `and`
 * and of `or` are right-nested (`a and b and c` is AND(a, AND(b, c)), and
 * formats as "(a and (b and c))"). Since only parentheses and `not` nest,
 * a walk that recurses into `a` and loops along `b` (and through NOT)
 * stays within LS_COND_DEPTH_MAX levels however long a chain is.
 */
typedef struct ls_cond_node {
	ls_cond_kind kind;
	uint32_t a, b;        /* children (node indices): NOT uses a; AND and OR use a and b */
	uint32_t id;          /* LS_COND_ID: index into the names given to ls_cond_parse */
	uint32_t first, n;    /* LS_COND_OF: the identifier indices ids[first .. first + n) */
	uint32_t need;        /* LS_COND_OF: how many must be true (n for "all of") */
	uint32_t col;         /* 1-based column of the node's first token in the text */
} ls_cond_node;

typedef struct ls_cond {
	ls_cond_node *nodes;
	size_t nnodes;
	uint32_t root;
	uint32_t *ids; /* identifier lists of the OF nodes, each in name order */
	size_t nids;
} ls_cond;

/*
 * Parse `text` against the identifiers names[0 .. nnames). On error returns
 * LS_ERR_PARSE (syntax: an unexpected or missing token, an unknown
 * identifier, a pattern that matches nothing, "0 of", a count larger than
 * the identifiers it counts) or LS_ERR_TOOLONG (text or nesting over the
 * limits), with d->col the 1-based column of the offending token (d->line
 * and d->file untouched) and a message naming it, e.g.
 *   unknown identifier 'selction' (identifiers: selection, filter)
 *   expected an identifier, '(' or 'not' after 'and', got end of condition
 * *c is left empty on error. Text is bytes; anything outside the grammar
 * (control characters, invalid UTF-8) is a syntax error, never a crash.
 */
ls_err ls_cond_parse(ls_cond *c, ls_sv text, const ls_sv *names, size_t nnames,
                     ls_diag *d) LS_WUR;
void ls_cond_fini(ls_cond *c);

/* The value of identifier `id` (an index into the parse's names). */
typedef bool (*ls_cond_value_fn)(void *ctx, uint32_t id);

/* Evaluate with short-circuit: `value` is called only for identifiers whose
 * value decides the result, each at most once per call... except that an
 * identifier appearing twice may be asked twice. */
bool ls_cond_eval(const ls_cond *c, ls_cond_value_fn value, void *ctx);

/* Append the condition in canonical form, fully parenthesised, with names:
 * "(selection and (not (1 of [filter_a, filter_b])))". For tests and
 * `leaksim explain`. */
void ls_cond_format(const ls_cond *c, const ls_sv *names, ls_buf *out);

#endif
