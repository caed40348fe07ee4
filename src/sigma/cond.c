/*
 * cond.c - Sigma detection conditions: a recursive-descent parser into a
 * node array, a short-circuit evaluator and a canonical printer.
 *
 * The shape of the tree is what keeps every walk over it shallow. Parentheses
 * and `not` are the only constructs that nest, and the parser refuses more
 * than LS_COND_DEPTH_MAX levels of them, so its own recursion is bounded.
 * Chains of `and` or `or`, which may be thousands of terms long, are built
 * right-nested: `a and b and c` is AND(a, AND(b, c)). The operators are
 * associative, so the value and the left-to-right order of evaluation are
 * those of the text; and a walker can recurse into the left child only and
 * loop along the right one, so its depth too is bounded by the nesting
 * limit rather than by the length of a chain. `not` is walked by flipping a
 * flag, never by recursion.
 *
 * The identifier lists of OF nodes are shared: two targets that resolve to
 * the same identifiers (the same pattern written twice, `them` and `*`)
 * point at one list, so repeating "1 of them" cannot multiply memory by the
 * number of identifiers.
 */
#include "sigma/cond.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* ------------------------------------------------------------------ tokens */

typedef enum tok_kind {
	TOK_NONE = 0, /* no token yet (the "previous" token at the start) */
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_WORD, /* identifier, pattern, number or keyword */
	TOK_BAD   /* a byte outside the grammar */
} tok_kind;

typedef enum kw { KW_NONE = 0, KW_AND, KW_OR, KW_NOT, KW_OF, KW_THEM, KW_ALL, KW_ANY } kw;

typedef struct token {
	tok_kind kind;
	kw kw;
	bool star;   /* TOK_WORD: contains '*' */
	bool digits; /* TOK_WORD: only ASCII digits */
	size_t pos;  /* byte offset of the first byte */
	size_t end;  /* byte offset just past the token */
} token;

static const struct {
	const char *text;
	kw kw;
} keywords[] = {
	{ "and", KW_AND },   { "or", KW_OR },   { "not", KW_NOT }, { "of", KW_OF },
	{ "them", KW_THEM }, { "all", KW_ALL }, { "any", KW_ANY },
};

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '*';
}

/* Most bytes of a token or name quoted in a message. */
#define QUOTE_MAX 64
/* Length after which the list of known identifiers in a message stops. */
#define LIST_MAX 240

/* ------------------------------------------------------------------ parser */

typedef struct term {
	uint32_t node;
	uint32_t col; /* column of the term's first token (its '(' if it has one) */
} term;

typedef struct of_list {
	ls_sv target; /* the pattern as written; empty for `them` */
	bool them;
	uint32_t first, n;
	uint64_t hash;
} of_list;

typedef struct parser {
	const char *text;
	size_t len;
	const ls_sv *names;
	size_t nnames;
	ls_diag *d;
	ls_cond *c;
	size_t nodes_cap, ids_cap;
	token tok, prev;
	term *terms; /* a stack shared by every level of the descent */
	size_t nterms, terms_cap;
	of_list *lists;
	size_t nlists, lists_cap;
	ls_buf msg;
} parser;

static token lex(const parser *p, size_t pos)
{
	token t = { 0 };
	while (pos < p->len && is_space((unsigned char)p->text[pos]))
		pos++;
	t.pos = pos;
	t.end = pos + 1;
	if (pos >= p->len) {
		t.kind = TOK_END;
		t.end = pos;
		return t;
	}
	unsigned char c = (unsigned char)p->text[pos];
	if (c == '(') {
		t.kind = TOK_LPAREN;
		return t;
	}
	if (c == ')') {
		t.kind = TOK_RPAREN;
		return t;
	}
	if (!is_word(c)) {
		t.kind = TOK_BAD;
		return t;
	}
	t.kind = TOK_WORD;
	t.digits = true;
	size_t end = pos;
	while (end < p->len && is_word((unsigned char)p->text[end])) {
		char ch = p->text[end];
		if (ch == '*')
			t.star = true;
		if (ch < '0' || ch > '9')
			t.digits = false;
		end++;
	}
	t.end = end;
	ls_sv w = ls_sv_make(p->text + pos, end - pos);
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (ls_sv_eq_nocase(w, ls_sv_from_cstr(keywords[i].text)))
			t.kw = keywords[i].kw;
	return t;
}

static void advance(parser *p)
{
	p->prev = p->tok;
	p->tok = lex(p, p->tok.end);
}

static ls_sv tok_text(const parser *p, const token *t)
{
	return ls_sv_make(p->text + t->pos, t->end - t->pos);
}

static bool is_kw(const token *t, kw k)
{
	return t->kind == TOK_WORD && t->kw == k;
}

/* ---------------------------------------------------------- diagnostics */

/* Printable ASCII as is, other bytes as \xNN, at most QUOTE_MAX bytes. */
static void append_escaped(ls_buf *b, ls_sv s)
{
	size_t n = s.len > QUOTE_MAX ? QUOTE_MAX : s.len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			ls_buf_append_char(b, (char)c);
		else
			ls_buf_printf(b, "\\x%02x", c);
	}
	if (n < s.len)
		ls_buf_append_cstr(b, "...");
}

static void append_quoted(ls_buf *b, ls_sv s)
{
	ls_buf_append_char(b, '\'');
	append_escaped(b, s);
	ls_buf_append_char(b, '\'');
}

/* How a message names a token: 'text', or end of condition. */
static void append_token(parser *p, const token *t)
{
	if (t->kind == TOK_END)
		ls_buf_append_cstr(&p->msg, "end of condition");
	else
		append_quoted(&p->msg, tok_text(p, t));
}

/* " (identifiers: a, b, c)" with the list cut short when it grows long. */
static void append_known(parser *p)
{
	ls_buf *b = &p->msg;
	if (p->nnames == 0) {
		ls_buf_append_cstr(b, " (there are no identifiers)");
		return;
	}
	ls_buf_append_cstr(b, " (identifiers: ");
	size_t start = b->len;
	for (size_t i = 0; i < p->nnames; i++) {
		if (i > 0 && b->len - start > LIST_MAX) {
			ls_buf_printf(b, " and %zu more", p->nnames - i);
			break;
		}
		if (i > 0)
			ls_buf_append_cstr(b, ", ");
		append_escaped(b, p->names[i]);
	}
	ls_buf_append_char(b, ')');
}

/* Record the message built in p->msg at byte offset pos. */
static ls_err fail_at(parser *p, ls_err err, size_t pos)
{
	ls_diag *d = p->d;
	/* The caller owns the file and line; only the column is ours. */
	return ls_diag_set(d, err, d ? d->file : NULL, d ? d->line : 0, (unsigned long)pos + 1,
	                   "%s", p->msg.data ? p->msg.data : "");
}

static void msg_start(parser *p)
{
	ls_buf_reset(&p->msg);
	ls_buf_append_cstr(&p->msg, "");
}

/* A byte outside the grammar, wherever it stands. */
static ls_err fail_bad(parser *p, const token *t)
{
	msg_start(p);
	unsigned char c = (unsigned char)p->text[t->pos];
	if (c >= 0x20 && c < 0x7f)
		ls_buf_printf(&p->msg, "unexpected character '%c'", c);
	else
		ls_buf_printf(&p->msg, "unexpected byte 0x%02x", c);
	return fail_at(p, LS_ERR_PARSE, t->pos);
}

/* "expected WHAT after 'prev', got 'tok'" at the current token. */
static ls_err fail_expected(parser *p, const char *what)
{
	if (p->tok.kind == TOK_BAD)
		return fail_bad(p, &p->tok);
	msg_start(p);
	ls_buf_printf(&p->msg, "expected %s", what);
	if (p->prev.kind != TOK_NONE) {
		ls_buf_append_cstr(&p->msg, " after ");
		append_token(p, &p->prev);
	}
	ls_buf_append_cstr(&p->msg, ", got ");
	append_token(p, &p->tok);
	return fail_at(p, LS_ERR_PARSE, p->tok.pos);
}

static ls_err fail_depth(parser *p, const token *t)
{
	msg_start(p);
	ls_buf_printf(&p->msg, "nesting deeper than %u levels of parentheses and 'not' at ",
	              (unsigned)LS_COND_DEPTH_MAX);
	append_token(p, t);
	return fail_at(p, LS_ERR_TOOLONG, t->pos);
}

/* ---------------------------------------------------------------- storage */

static uint32_t add_node(parser *p, ls_cond_kind kind, uint32_t col)
{
	ls_cond *c = p->c;
	c->nodes = ls_xgrow(c->nodes, &p->nodes_cap, c->nnodes + 1, sizeof *c->nodes);
	ls_cond_node *n = &c->nodes[c->nnodes];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->col = col;
	return (uint32_t)c->nnodes++;
}

static void push_term(parser *p, uint32_t node, uint32_t col)
{
	p->terms = ls_xgrow(p->terms, &p->terms_cap, p->nterms + 1, sizeof *p->terms);
	p->terms[p->nterms++] = (term){ node, col };
}

/*
 * Replace the terms above base by one right-nested chain of `kind` and
 * return it. Each link's column is that of its left term, where the text
 * of the link begins.
 */
static term fold_chain(parser *p, size_t base, ls_cond_kind kind)
{
	term acc = p->terms[p->nterms - 1];
	for (size_t i = p->nterms - 1; i-- > base;) {
		term left = p->terms[i];
		uint32_t n = add_node(p, kind, left.col);
		p->c->nodes[n].a = left.node;
		p->c->nodes[n].b = acc.node;
		acc = (term){ n, left.col };
	}
	p->nterms = base;
	return acc;
}

/* --------------------------------------------------------------- matching */

/* '*' matches any run of bytes, possibly empty; other bytes match exactly. */
static bool glob_match(ls_sv pat, ls_sv s)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;
	while (si < s.len) {
		if (pi < pat.len && pat.ptr[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pat.len && pat.ptr[pi] == s.ptr[si]) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pat.len && pat.ptr[pi] == '*')
		pi++;
	return pi == pat.len;
}

static size_t find_name(const parser *p, ls_sv name)
{
	for (size_t i = 0; i < p->nnames; i++)
		if (ls_sv_eq(p->names[i], name))
			return i;
	return SIZE_MAX;
}

static uint64_t hash_ids(const uint32_t *ids, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++) {
		h ^= ids[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/*
 * The identifiers an OF target stands for, in name order, as a range of
 * c->ids. A target seen before is not matched again, and a list equal to
 * an earlier one is not stored twice. *n is 0 when nothing matches.
 */
static void resolve_target(parser *p, const token *t, uint32_t *first, uint32_t *n)
{
	bool them = t->kw == KW_THEM;
	ls_sv text = them ? LS_SV_NULL : tok_text(p, t);
	for (size_t i = 0; i < p->nlists; i++) {
		const of_list *l = &p->lists[i];
		if (l->them == them && (them || ls_sv_eq(l->target, text))) {
			*first = l->first;
			*n = l->n;
			return;
		}
	}

	ls_cond *c = p->c;
	size_t start = c->nids;
	for (size_t i = 0; i < p->nnames; i++) {
		ls_sv name = p->names[i];
		bool hit = them ? !(name.len > 0 && name.ptr[0] == '_') : glob_match(text, name);
		if (!hit)
			continue;
		c->ids = ls_xgrow(c->ids, &p->ids_cap, c->nids + 1, sizeof *c->ids);
		c->ids[c->nids++] = (uint32_t)i;
	}
	*first = (uint32_t)start;
	*n = (uint32_t)(c->nids - start);
	if (*n == 0)
		return;

	uint64_t h = hash_ids(c->ids + start, *n);
	for (size_t i = 0; i < p->nlists; i++) {
		const of_list *l = &p->lists[i];
		if (l->n == *n && l->hash == h &&
		    memcmp(c->ids + l->first, c->ids + start, *n * sizeof *c->ids) == 0) {
			c->nids = start;
			*first = l->first;
			break;
		}
	}
	p->lists = ls_xgrow(p->lists, &p->lists_cap, p->nlists + 1, sizeof *p->lists);
	p->lists[p->nlists++] = (of_list){ text, them, *first, *n, h };
}

/* ---------------------------------------------------------------- grammar */

static ls_err parse_or(parser *p, unsigned depth, term *out);

/* quant "of" target, with p->tok at the quantifier. */
static ls_err parse_of(parser *p, term *out)
{
	token q = p->tok;
	uint32_t need = 0; /* 0 for "all of" */
	bool too_many = false;
	if (q.kind == TOK_WORD && q.digits) {
		uint64_t v = 0;
		if (ls_sv_to_u64(tok_text(p, &q), &v) != LS_OK)
			too_many = true; /* beyond 2^64: more than any list can hold */
		else if (v == 0) {
			msg_start(p);
			ls_buf_append_cstr(&p->msg,
			                   "'0 of' can never be true (a count starts at 1)");
			return fail_at(p, LS_ERR_PARSE, q.pos);
		} else if (v > UINT32_MAX)
			too_many = true;
		else
			need = (uint32_t)v;
	} else if (q.kw == KW_ANY) {
		need = 1;
	}
	advance(p);
	if (!is_kw(&p->tok, KW_OF))
		return fail_expected(p, "'of'");
	advance(p);

	token t = p->tok;
	if (t.kind != TOK_WORD || (t.kw != KW_NONE && t.kw != KW_THEM))
		return fail_expected(p, "'them' or an identifier pattern");
	uint32_t first = 0, n = 0;
	resolve_target(p, &t, &first, &n);
	if (n == 0) {
		msg_start(p);
		if (t.kw == KW_THEM) {
			if (p->nnames == 0)
				ls_buf_append_cstr(&p->msg,
				                   "'them' matches no identifier (there are none)");
			else
				ls_buf_append_cstr(&p->msg, "'them' matches no identifier (every "
				                            "identifier starts with '_')");
		} else {
			ls_buf_append_cstr(&p->msg, t.star ? "pattern " : "unknown identifier ");
			append_quoted(&p->msg, tok_text(p, &t));
			if (t.star)
				ls_buf_append_cstr(&p->msg, " matches no identifier");
			append_known(p);
		}
		return fail_at(p, LS_ERR_PARSE, t.pos);
	}
	if (too_many || need > n) {
		msg_start(p);
		ls_buf_append_char(&p->msg, '\'');
		append_escaped(&p->msg, tok_text(p, &q));
		ls_buf_append_cstr(&p->msg, " of ");
		append_escaped(&p->msg, tok_text(p, &t));
		ls_buf_append_cstr(&p->msg, "' can never be true: ");
		append_quoted(&p->msg, tok_text(p, &t));
		ls_buf_printf(&p->msg, " stands for only %u identifier%s", n, n == 1 ? "" : "s");
		return fail_at(p, LS_ERR_PARSE, q.pos);
	}
	advance(p);

	uint32_t col = (uint32_t)q.pos + 1;
	uint32_t node = add_node(p, LS_COND_OF, col);
	ls_cond_node *nd = &p->c->nodes[node];
	nd->first = first;
	nd->n = n;
	nd->need = need ? need : n;
	*out = (term){ node, col };
	return LS_OK;
}

static ls_err parse_primary(parser *p, unsigned depth, term *out)
{
	token t = p->tok;
	if (t.kind == TOK_LPAREN) {
		if (depth + 1 > LS_COND_DEPTH_MAX)
			return fail_depth(p, &t);
		advance(p);
		term inner = { 0, 0 };
		ls_err e = parse_or(p, depth + 1, &inner);
		if (e != LS_OK)
			return e;
		if (p->tok.kind != TOK_RPAREN) {
			if (p->tok.kind == TOK_BAD)
				return fail_bad(p, &p->tok);
			msg_start(p);
			ls_buf_append_cstr(&p->msg, "expected ')', 'and' or 'or' after ");
			append_token(p, &p->prev);
			ls_buf_append_cstr(&p->msg, ", got ");
			append_token(p, &p->tok);
			ls_buf_printf(&p->msg, " (to close the '(' at column %zu)", t.pos + 1);
			return fail_at(p, LS_ERR_PARSE, p->tok.pos);
		}
		advance(p);
		*out = (term){ inner.node, (uint32_t)t.pos + 1 };
		return LS_OK;
	}
	if (t.kind != TOK_WORD)
		return fail_expected(p, "an identifier, '(' or 'not'");
	if (t.kw == KW_ALL || t.kw == KW_ANY)
		return parse_of(p, out);
	if (t.kw != KW_NONE)
		return fail_expected(p, "an identifier, '(' or 'not'");
	/* A number before 'of' is a count; otherwise it may be a name. */
	if (t.digits) {
		token next = lex(p, t.end);
		if (is_kw(&next, KW_OF))
			return parse_of(p, out);
	}
	ls_sv name = tok_text(p, &t);
	if (t.star) {
		msg_start(p);
		ls_buf_append_cstr(&p->msg, "pattern ");
		append_quoted(&p->msg, name);
		ls_buf_append_cstr(&p->msg, " is only allowed after 'of' (as in '1 of ");
		append_escaped(&p->msg, name);
		ls_buf_append_cstr(&p->msg, "')");
		return fail_at(p, LS_ERR_PARSE, t.pos);
	}
	size_t id = find_name(p, name);
	if (id == SIZE_MAX) {
		if (t.digits) {
			advance(p);
			return fail_expected(p, "'of'");
		}
		msg_start(p);
		ls_buf_append_cstr(&p->msg, "unknown identifier ");
		append_quoted(&p->msg, name);
		append_known(p);
		return fail_at(p, LS_ERR_PARSE, t.pos);
	}
	advance(p);
	uint32_t col = (uint32_t)t.pos + 1;
	uint32_t node = add_node(p, LS_COND_ID, col);
	p->c->nodes[node].id = (uint32_t)id;
	*out = (term){ node, col };
	return LS_OK;
}

/* "not"* primary; the nots are counted, not recursed into. */
static ls_err parse_unary(parser *p, unsigned depth, term *out)
{
	size_t base = p->nterms;
	while (is_kw(&p->tok, KW_NOT)) {
		if (++depth > LS_COND_DEPTH_MAX)
			return fail_depth(p, &p->tok);
		push_term(p, 0, (uint32_t)p->tok.pos + 1);
		advance(p);
	}
	term t = { 0, 0 };
	ls_err e = parse_primary(p, depth, &t);
	if (e != LS_OK)
		return e;
	while (p->nterms > base) {
		uint32_t col = p->terms[--p->nterms].col;
		uint32_t n = add_node(p, LS_COND_NOT, col);
		p->c->nodes[n].a = t.node;
		t = (term){ n, col };
	}
	*out = t;
	return LS_OK;
}

static ls_err parse_and(parser *p, unsigned depth, term *out)
{
	size_t base = p->nterms;
	for (;;) {
		term t = { 0, 0 };
		ls_err e = parse_unary(p, depth, &t);
		if (e != LS_OK)
			return e;
		push_term(p, t.node, t.col);
		if (!is_kw(&p->tok, KW_AND))
			break;
		advance(p);
	}
	*out = fold_chain(p, base, LS_COND_AND);
	return LS_OK;
}

static ls_err parse_or(parser *p, unsigned depth, term *out)
{
	size_t base = p->nterms;
	for (;;) {
		term t = { 0, 0 };
		ls_err e = parse_and(p, depth, &t);
		if (e != LS_OK)
			return e;
		push_term(p, t.node, t.col);
		if (!is_kw(&p->tok, KW_OR))
			break;
		advance(p);
	}
	*out = fold_chain(p, base, LS_COND_OR);
	return LS_OK;
}

static ls_err parse_text(parser *p)
{
	if (p->len > LS_COND_TEXT_MAX) {
		msg_start(p);
		ls_buf_printf(&p->msg, "condition longer than %u bytes",
		              (unsigned)LS_COND_TEXT_MAX);
		return fail_at(p, LS_ERR_TOOLONG, LS_COND_TEXT_MAX);
	}
	if (p->nnames >= UINT32_MAX) {
		msg_start(p);
		ls_buf_printf(&p->msg, "more than %lu identifiers", (unsigned long)UINT32_MAX - 1);
		return fail_at(p, LS_ERR_TOOLONG, 0);
	}
	p->tok = lex(p, 0);
	if (p->tok.kind == TOK_END) {
		msg_start(p);
		ls_buf_append_cstr(&p->msg, "empty condition");
		return fail_at(p, LS_ERR_PARSE, p->len);
	}
	term root = { 0, 0 };
	ls_err e = parse_or(p, 0, &root);
	if (e != LS_OK)
		return e;
	if (p->tok.kind == TOK_RPAREN) {
		msg_start(p);
		ls_buf_append_cstr(&p->msg, "unmatched ')'");
		return fail_at(p, LS_ERR_PARSE, p->tok.pos);
	}
	if (p->tok.kind != TOK_END)
		return fail_expected(p, "'and', 'or' or end of condition");
	p->c->root = root.node;
	return LS_OK;
}

ls_err ls_cond_parse(ls_cond *c, ls_sv text, const ls_sv *names, size_t nnames, ls_diag *d)
{
	memset(c, 0, sizeof *c);
	parser p = { 0 };
	p.text = text.ptr;
	p.len = text.ptr ? text.len : 0;
	p.names = names;
	p.nnames = names ? nnames : 0;
	p.d = d;
	p.c = c;
	ls_err e = parse_text(&p);
	free(p.terms);
	free(p.lists);
	ls_buf_fini(&p.msg);
	if (e != LS_OK)
		ls_cond_fini(c);
	return e;
}

void ls_cond_fini(ls_cond *c)
{
	if (c == NULL)
		return;
	free(c->nodes);
	free(c->ids);
	memset(c, 0, sizeof *c);
}

/* -------------------------------------------------------------- evaluation */

static bool eval_of(const ls_cond *c, const ls_cond_node *n, ls_cond_value_fn value, void *ctx)
{
	uint32_t yes = 0;
	for (uint32_t i = 0; i < n->n; i++) {
		/* Stop once the count is reached, or can no longer be. */
		if (yes >= n->need)
			return true;
		if (yes + (n->n - i) < n->need)
			return false;
		if (value(ctx, c->ids[n->first + i]))
			yes++;
	}
	return yes >= n->need;
}

/*
 * Recurses into left children only: along a right-nested chain it loops,
 * and through `not` it flips `neg`. A false left term of an AND decides the
 * chain (false, or true under an odd number of nots); a true one of an OR
 * likewise.
 */
static bool eval_node(const ls_cond *c, uint32_t i, ls_cond_value_fn value, void *ctx)
{
	bool neg = false;
	for (;;) {
		const ls_cond_node *n = &c->nodes[i];
		switch (n->kind) {
		case LS_COND_ID: return value(ctx, n->id) != neg;
		case LS_COND_OF: return eval_of(c, n, value, ctx) != neg;
		case LS_COND_NOT:
			neg = !neg;
			i = n->a;
			break;
		case LS_COND_AND:
			if (!eval_node(c, n->a, value, ctx))
				return neg;
			i = n->b;
			break;
		case LS_COND_OR:
			if (eval_node(c, n->a, value, ctx))
				return !neg;
			i = n->b;
			break;
		default: return neg; /* not produced by the parser */
		}
	}
}

bool ls_cond_eval(const ls_cond *c, ls_cond_value_fn value, void *ctx)
{
	if (c == NULL || c->nnodes == 0)
		return false;
	return eval_node(c, c->root, value, ctx);
}

/* ---------------------------------------------------------------- format */

static void format_node(const ls_cond *c, uint32_t i, const ls_sv *names, ls_buf *out)
{
	size_t close = 0;
	for (;;) {
		const ls_cond_node *n = &c->nodes[i];
		if (n->kind == LS_COND_NOT) {
			ls_buf_append_cstr(out, "(not ");
			close++;
			i = n->a;
			continue;
		}
		if (n->kind == LS_COND_AND || n->kind == LS_COND_OR) {
			ls_buf_append_char(out, '(');
			format_node(c, n->a, names, out);
			ls_buf_append_cstr(out, n->kind == LS_COND_AND ? " and " : " or ");
			close++;
			i = n->b;
			continue;
		}
		if (n->kind == LS_COND_ID) {
			ls_buf_append_sv(out, names[n->id]);
		} else if (n->kind == LS_COND_OF) {
			ls_buf_append_char(out, '(');
			if (n->need == n->n && n->n > 1)
				ls_buf_append_cstr(out, "all");
			else
				ls_buf_append_u64(out, n->need);
			ls_buf_append_cstr(out, " of [");
			for (uint32_t k = 0; k < n->n; k++) {
				if (k > 0)
					ls_buf_append_cstr(out, ", ");
				ls_buf_append_sv(out, names[c->ids[n->first + k]]);
			}
			ls_buf_append_cstr(out, "])");
		}
		break;
	}
	while (close-- > 0)
		ls_buf_append_char(out, ')');
}

void ls_cond_format(const ls_cond *c, const ls_sv *names, ls_buf *out)
{
	if (c == NULL || c->nnodes == 0)
		return;
	format_node(c, c->root, names, out);
}
