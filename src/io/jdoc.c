/*
 * jdoc.c - strict recursive-descent JSON parsing into a tree.
 *
 * The children of an open container are pushed on one scratch stack; when
 * the container closes they are copied into a single arena array and
 * popped. So every array and object is one contiguous block, and the
 * scratch stack never holds more than the values still open on the path
 * from the root. Nested containers have already been copied out when
 * their parent copies them, so the copy moves only their headers.
 *
 * Line and column: raw newlines can only occur in whitespace (a string may
 * not hold a control byte), so skipping whitespace is the only place that
 * counts lines; every position is then its offset minus the start of the
 * current line.
 *
 * Recursion depth is bounded by the depth limit, checked on entry to each
 * object and array.
 */
#include "io/jdoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "io/event.h"

typedef struct parser {
	const unsigned char *s;
	size_t len;
	size_t i;
	unsigned long line; /* of offset i */
	size_t bol;         /* offset where that line begins */
	unsigned depth, max_depth;
	size_t nodes, max_nodes;
	const char *file;
	ls_arena *a;
	ls_diag *d;
	ls_jmember *stack; /* children of the open containers */
	size_t top, cap;
} parser;

/* ------------------------------------------------------------ diagnostics */

static const char *describe(const parser *p, size_t off, char buf[16])
{
	if (off >= p->len)
		return "end of input";
	unsigned char c = p->s[off];
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

/* At most 40 bytes of a key for a message, control bytes as '?'. */
static const char *shown(const char *text, size_t len, char buf[48])
{
	size_t n = len;
	bool cut = false;
	if (n > 40) {
		n = 40;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
		cut = true;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (cut) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static unsigned long col_of(const parser *p, size_t off)
{
	return (unsigned long)(off - p->bol) + 1;
}

static ls_err fail(const parser *p, size_t off, ls_err err, const char *fmt, ...) LS_PRINTF(4, 5);

static ls_err fail(const parser *p, size_t off, ls_err err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(p->d, err, p->file, p->line, col_of(p, off), fmt, ap);
	va_end(ap);
	return err;
}

/* --------------------------------------------------------------- scanning */

static void skip_ws(parser *p)
{
	while (p->i < p->len) {
		unsigned char c = p->s[p->i];
		if (c == '\n') {
			p->line++;
			p->bol = p->i + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		p->i++;
	}
}

static size_t hex4(const parser *p, size_t off, uint32_t *out)
{
	uint32_t v = 0;
	for (size_t k = 0; k < 4; k++) {
		int h = off + k < p->len ? ls_hex_value(p->s[off + k]) : -1;
		if (h < 0)
			return k;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return 4;
}

/* One escape starting at the backslash at bs: its length, or 0 after an error. */
static size_t scan_escape(parser *p, size_t bs, ls_err *e)
{
	char fb[16];
	if (bs + 1 >= p->len) {
		*e = fail(p, bs + 1, LS_ERR_PARSE,
		          "unterminated string: expected an escape after '\\', found %s",
		          describe(p, bs + 1, fb));
		return 0;
	}
	unsigned char c = p->s[bs + 1];
	if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
	    c == 't')
		return 2;
	if (c != 'u') {
		*e = fail(p, bs, LS_ERR_PARSE,
		          "invalid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
		          "\\uXXXX, found '\\' then %s",
		          describe(p, bs + 1, fb));
		return 0;
	}
	uint32_t cp = 0, lo = 0;
	size_t k = hex4(p, bs + 2, &cp);
	if (k < 4) {
		*e = fail(p, bs + 2 + k, LS_ERR_PARSE, "expected 4 hex digits after \\u, found %s",
		          describe(p, bs + 2 + k, fb));
		return 0;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		*e = fail(p, bs, LS_ERR_PARSE,
		          "lone low surrogate \\u%04X (it must follow a high surrogate)",
		          (unsigned)cp);
		return 0;
	}
	if (cp < 0xd800 || cp > 0xdbff)
		return 6;
	size_t j = bs + 6;
	if (j + 1 >= p->len || p->s[j] != '\\' || p->s[j + 1] != 'u') {
		*e = fail(p, bs, LS_ERR_PARSE,
		          "lone high surrogate \\u%04X: expected a \\uDC00-\\uDFFF escape to follow",
		          (unsigned)cp);
		return 0;
	}
	k = hex4(p, j + 2, &lo);
	if (k < 4) {
		*e = fail(p, j + 2 + k, LS_ERR_PARSE, "expected 4 hex digits after \\u, found %s",
		          describe(p, j + 2 + k, fb));
		return 0;
	}
	if (lo < 0xdc00 || lo > 0xdfff) {
		*e = fail(p, bs, LS_ERR_PARSE,
		          "lone high surrogate \\u%04X: expected a \\uDC00-\\uDFFF escape to follow",
		          (unsigned)cp);
		return 0;
	}
	return 12;
}

/* Validate the string whose quote is at p->i; *end gets its closing quote. */
static ls_err scan_string(parser *p, size_t *end, bool *escaped)
{
	char fb[16];
	size_t i = p->i + 1;
	bool esc = false;
	for (;;) {
		if (i >= p->len)
			return fail(p, i, LS_ERR_PARSE,
			            "unterminated string: expected '\"', found %s",
			            describe(p, i, fb));
		unsigned char c = p->s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c == '"') {
			*end = i;
			*escaped = esc;
			return LS_OK;
		}
		if (c < 0x20)
			return fail(p, i, LS_ERR_PARSE,
			            "control character 0x%02x in a string (it must be escaped)", c);
		if (c == '\\') {
			ls_err e = LS_OK;
			size_t n = scan_escape(p, i, &e);
			if (n == 0)
				return e;
			esc = true;
			i += n;
			continue;
		}
		size_t n = ls_utf8_char_len((const char *)p->s + i, p->len - i);
		if (n == 0)
			return fail(p, i, LS_ERR_PARSE, "invalid UTF-8 in a string (byte 0x%02x)", c);
		i += n;
	}
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The body s[from, to) of a validated string, decoded into the arena and
 * NUL-terminated. Decoding never lengthens text, so to - from bounds it.
 */
static const char *string_text(parser *p, size_t from, size_t to, bool escaped, size_t *len)
{
	char *o = ls_arena_alloc(p->a, to - from + 1);
	size_t n = 0, i = from;
	if (!escaped) {
		memcpy(o, p->s + from, to - from);
		n = to - from;
		i = to;
	}
	while (i < to) {
		const unsigned char *bs = memchr(p->s + i, '\\', to - i);
		size_t run = bs ? (size_t)(bs - (p->s + i)) : to - i;
		memcpy(o + n, p->s + i, run);
		n += run;
		i += run;
		if (i >= to)
			break;
		unsigned char c = p->s[i + 1];
		i += 2;
		switch (c) {
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			uint32_t cp = 0, lo = 0;
			(void)hex4(p, i, &cp);
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				(void)hex4(p, i + 2, &lo);
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			n += put_utf8(o + n, cp);
			break;
		}
		default: o[n++] = (char)c; break; /* " \ / */
		}
	}
	o[n] = '\0';
	*len = n;
	return o;
}

/* ----------------------------------------------------------------- values */

static ls_err parse_value(parser *p, ls_jnode *out);

static ls_err count_node(parser *p)
{
	if (++p->nodes > p->max_nodes)
		return fail(p, p->i, LS_ERR_TOOLONG, "more than %zu values in the document",
		            p->max_nodes);
	return LS_OK;
}

static ls_err parse_number(parser *p, ls_jnode *out)
{
	char fb[16];
	size_t start = p->i, at = 0;
	const char *why = NULL;
	bool show = false;
	size_t i = ls_json_number_end(p->s, p->len, start, &at, &why, &show);
	if (i == SIZE_MAX)
		return show ? fail(p, at, LS_ERR_PARSE, "%s, found %s", why, describe(p, at, fb))
		            : fail(p, at, LS_ERR_PARSE, "%s", why);
	out->kind = LS_JNUMBER;
	out->text = ls_arena_strndup(p->a, (const char *)p->s + start, i - start);
	out->len = i - start;
	p->i = i;
	return LS_OK;
}

static ls_err parse_literal(parser *p, ls_jnode *out, const char *word, ls_jkind kind)
{
	char fb[16];
	size_t start = p->i;
	for (size_t k = 0; word[k]; k++)
		if (start + k >= p->len || p->s[start + k] != (unsigned char)word[k])
			return fail(p, start + k, LS_ERR_PARSE, "expected '%s', found %s", word,
			            describe(p, start + k, fb));
	out->kind = kind;
	out->text = word;
	out->len = strlen(word);
	p->i = start + out->len;
	return LS_OK;
}

static ls_err enter(parser *p)
{
	if (++p->depth > p->max_depth)
		return fail(p, p->i, LS_ERR_TOOLONG, "nesting deeper than %u levels", p->max_depth);
	p->i++;
	skip_ws(p);
	return LS_OK;
}

static ls_jmember *push(parser *p)
{
	p->stack = ls_xgrow(p->stack, &p->cap, p->top + 1, sizeof *p->stack);
	ls_jmember *m = &p->stack[p->top++];
	memset(m, 0, sizeof *m);
	return m;
}

static int cmp_member(const void *x, const void *y)
{
	const ls_jmember *a = *(const ls_jmember *const *)x, *b = *(const ls_jmember *const *)y;
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);
	if (c)
		return c;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return a < b ? -1 : a > b; /* document order among equal keys */
}

static bool same_key(const ls_jmember *a, const ls_jmember *b)
{
	return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* The first member (in document order) whose key repeats an earlier one, or NULL. */
static const ls_jmember *first_duplicate(const ls_jmember *m, size_t n)
{
	const ls_jmember *dup = NULL;
	if (n <= 16) {
		for (size_t i = 1; i < n && dup == NULL; i++)
			for (size_t j = 0; j < i; j++)
				if (same_key(&m[i], &m[j])) {
					dup = &m[i];
					break;
				}
		return dup;
	}
	const ls_jmember **v = ls_xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = &m[i];
	qsort(v, n, sizeof *v, cmp_member);
	for (size_t i = 1; i < n; i++)
		if (same_key(v[i], v[i - 1]) && (dup == NULL || v[i] < dup))
			dup = v[i];
	free(v);
	return dup;
}

static ls_err parse_object(parser *p, ls_jnode *out)
{
	char fb[16];
	ls_err e = enter(p);
	if (e != LS_OK)
		return e;
	size_t base = p->top;
	out->kind = LS_JOBJECT;
	if (p->i < p->len && p->s[p->i] == '}') {
		p->i++;
		p->depth--;
		return LS_OK;
	}
	for (bool first = true;; first = false) {
		if (p->i >= p->len || p->s[p->i] != '"')
			return fail(p, p->i, LS_ERR_PARSE, "expected '\"' to start a key%s, found %s",
			            first ? " or '}'" : "", describe(p, p->i, fb));
		size_t kend;
		bool kesc;
		e = scan_string(p, &kend, &kesc);
		if (e != LS_OK)
			return e;
		ls_jmember *m = push(p);
		m->line = (uint32_t)p->line;
		m->col = (uint32_t)col_of(p, p->i);
		m->key = string_text(p, p->i + 1, kend, kesc, &m->key_len);
		p->i = kend + 1;
		skip_ws(p);
		if (p->i >= p->len || p->s[p->i] != ':')
			return fail(p, p->i, LS_ERR_PARSE, "expected ':' after a key, found %s",
			            describe(p, p->i, fb));
		p->i++;
		skip_ws(p);
		ls_jnode v;
		e = parse_value(p, &v);
		if (e != LS_OK)
			return e;
		p->stack[p->top - 1].value = v; /* the stack may have moved */
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->i < p->len && p->s[p->i] == '}') {
			p->i++;
			break;
		}
		return fail(p, p->i, LS_ERR_PARSE, "expected ',' or '}' after a value, found %s",
		            describe(p, p->i, fb));
	}
	size_t n = p->top - base;
	const ls_jmember *dup = first_duplicate(p->stack + base, n);
	if (dup) {
		char sb[48];
		return ls_diag_set(p->d, LS_ERR_PARSE, p->file, dup->line, dup->col,
		                   "duplicate key \"%s\" in an object",
		                   shown(dup->key, dup->key_len, sb));
	}
	out->members = ls_arena_alloc(p->a, n * sizeof *out->members);
	memcpy(out->members, p->stack + base, n * sizeof *out->members);
	out->len = n;
	p->top = base;
	p->depth--;
	return LS_OK;
}

static ls_err parse_array(parser *p, ls_jnode *out)
{
	char fb[16];
	ls_err e = enter(p);
	if (e != LS_OK)
		return e;
	size_t base = p->top;
	out->kind = LS_JARRAY;
	if (p->i < p->len && p->s[p->i] == ']') {
		p->i++;
		p->depth--;
		return LS_OK;
	}
	for (;;) {
		ls_jnode v;
		e = parse_value(p, &v);
		if (e != LS_OK)
			return e;
		push(p)->value = v;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->i < p->len && p->s[p->i] == ']') {
			p->i++;
			break;
		}
		return fail(p, p->i, LS_ERR_PARSE,
		            "expected ',' or ']' after an array element, found %s",
		            describe(p, p->i, fb));
	}
	size_t n = p->top - base;
	out->items = ls_arena_alloc(p->a, n * sizeof *out->items);
	for (size_t k = 0; k < n; k++)
		out->items[k] = p->stack[base + k].value;
	out->len = n;
	p->top = base;
	p->depth--;
	return LS_OK;
}

static ls_err parse_value(parser *p, ls_jnode *out)
{
	char fb[16];
	memset(out, 0, sizeof *out);
	out->line = (uint32_t)p->line;
	out->col = (uint32_t)col_of(p, p->i);
	if (p->i >= p->len)
		return fail(p, p->i, LS_ERR_PARSE, "expected a value, found %s",
		            describe(p, p->i, fb));
	ls_err e = count_node(p);
	if (e != LS_OK)
		return e;
	switch (p->s[p->i]) {
	case '"': {
		size_t end;
		bool esc;
		e = scan_string(p, &end, &esc);
		if (e != LS_OK)
			return e;
		out->kind = LS_JSTRING;
		out->text = string_text(p, p->i + 1, end, esc, &out->len);
		p->i = end + 1;
		return LS_OK;
	}
	case '{': return parse_object(p, out);
	case '[': return parse_array(p, out);
	case 't': return parse_literal(p, out, "true", LS_JBOOL);
	case 'f': return parse_literal(p, out, "false", LS_JBOOL);
	case 'n': return parse_literal(p, out, "null", LS_JNULL);
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9': return parse_number(p, out);
	default:
		return fail(p, p->i, LS_ERR_PARSE,
		            "expected a value (string, number, object, array, true, false or "
		            "null), found %s",
		            describe(p, p->i, fb));
	}
}

/* ------------------------------------------------------------ entry points */

void ls_jdoc_init(ls_jdoc *doc)
{
	ls_arena_init(&doc->arena, 0);
	doc->root = NULL;
	doc->nodes = 0;
}

void ls_jdoc_fini(ls_jdoc *doc)
{
	if (doc == NULL)
		return;
	ls_arena_fini(&doc->arena);
	doc->root = NULL;
	doc->nodes = 0;
}

ls_err ls_jdoc_parse(ls_jdoc *doc, const char *text, size_t len, const ls_jdoc_opts *opts,
                     const char *file, ls_diag *d)
{
	ls_jdoc_init(doc);
	ls_jdoc_opts o = opts ? *opts : (ls_jdoc_opts){ 0, 0, 0, 0 };
	size_t max_bytes = o.max_bytes ? o.max_bytes : LS_JDOC_BYTES_MAX;
	parser p;
	memset(&p, 0, sizeof p);
	p.s = (const unsigned char *)text;
	p.len = len;
	p.line = o.line0 ? o.line0 : 1;
	p.max_depth = o.max_depth && o.max_depth < LS_JSON_DEPTH_MAX ? o.max_depth
	                                                             : LS_JSON_DEPTH_MAX;
	p.max_nodes = o.max_nodes ? o.max_nodes : LS_JDOC_NODES_MAX;
	p.file = file;
	p.a = &doc->arena;
	p.d = d;
	if (len > max_bytes)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0, "larger than %zu bytes",
		                   max_bytes);
	char fb[16];
	ls_jnode root;
	skip_ws(&p);
	ls_err e = parse_value(&p, &root);
	if (e == LS_OK) {
		skip_ws(&p);
		if (p.i < p.len)
			e = fail(&p, p.i, LS_ERR_PARSE,
			         "expected the end of the input after the value, found %s",
			         describe(&p, p.i, fb));
	}
	free(p.stack);
	doc->nodes = p.nodes;
	if (e != LS_OK)
		return e;
	doc->root = ls_arena_alloc(&doc->arena, sizeof *doc->root);
	*doc->root = root;
	return LS_OK;
}

ls_err ls_jdoc_load(ls_jdoc *doc, const char *path, const ls_jdoc_opts *opts, ls_diag *d)
{
	ls_jdoc_init(doc);
	size_t max = opts && opts->max_bytes ? opts->max_bytes : LS_JDOC_BYTES_MAX;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                   "cannot open: %s", strerror(errno));
	ls_buf b = LS_BUF_INIT;
	char chunk[65536];
	size_t n;
	ls_err e = LS_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (n > max - b.len) {
			e = ls_diag_set(d, LS_ERR_TOOLONG, path, 0, 0, "larger than %zu bytes", max);
			break;
		}
		ls_buf_append(&b, chunk, n);
	}
	if (e == LS_OK && ferror(f))
		e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
	fclose(f);
	if (e == LS_OK)
		e = ls_jdoc_parse(doc, b.data ? b.data : "", b.len, opts, path, d);
	ls_buf_fini(&b);
	return e;
}

/* ------------------------------------------------------------- accessors */

const ls_jmember *ls_jnode_member_sv(const ls_jnode *obj, ls_sv key)
{
	if (obj == NULL || obj->kind != LS_JOBJECT)
		return NULL;
	for (size_t i = 0; i < obj->len; i++) {
		const ls_jmember *m = &obj->members[i];
		if (m->key_len == key.len && memcmp(m->key, key.ptr, key.len) == 0)
			return m;
	}
	return NULL;
}

const ls_jmember *ls_jnode_member(const ls_jnode *obj, const char *key)
{
	return ls_jnode_member_sv(obj, ls_sv_from_cstr(key));
}

const ls_jnode *ls_jnode_get(const ls_jnode *obj, const char *key)
{
	const ls_jmember *m = ls_jnode_member(obj, key);
	return m ? &m->value : NULL;
}

const ls_jnode *ls_jnode_at(const ls_jnode *arr, size_t i)
{
	if (arr == NULL || arr->kind != LS_JARRAY || i >= arr->len)
		return NULL;
	return &arr->items[i];
}

ls_sv ls_jnode_sv(const ls_jnode *n)
{
	if (n == NULL || n->kind != LS_JSTRING)
		return ls_sv_make("", 0);
	return ls_sv_make(n->text, n->len);
}

bool ls_jnode_is_str(const ls_jnode *n, const char *s)
{
	return n && n->kind == LS_JSTRING && ls_sv_eq_cstr(ls_jnode_sv(n), s);
}

static bool is_integer_text(const ls_jnode *n)
{
	return n && n->kind == LS_JNUMBER && strpbrk(n->text, ".eE") == NULL;
}

ls_err ls_jnode_i64(const ls_jnode *n, int64_t *out)
{
	if (!is_integer_text(n))
		return LS_ERR_PARSE;
	return ls_sv_to_i64(ls_sv_make(n->text, n->len), out);
}

ls_err ls_jnode_u64(const ls_jnode *n, uint64_t *out)
{
	if (!is_integer_text(n))
		return LS_ERR_PARSE;
	if (n->text[0] == '-')
		return strcmp(n->text, "-0") == 0 ? (*out = 0, LS_OK) : LS_ERR_RANGE;
	return ls_sv_to_u64(ls_sv_make(n->text, n->len), out);
}

ls_err ls_jnode_f64(const ls_jnode *n, double *out)
{
	if (n == NULL || n->kind != LS_JNUMBER)
		return LS_ERR_PARSE;
	/* The grammar was checked, and it is a subset of strtod's in the C locale. */
	char *end = NULL;
	double v = strtod(n->text, &end);
	if (end != n->text + n->len)
		return LS_ERR_PARSE;
	if (!isfinite(v))
		return LS_ERR_RANGE;
	*out = v;
	return LS_OK;
}

const char *ls_jkind_name(ls_jkind k)
{
	switch (k) {
	case LS_JNULL: return "null";
	case LS_JBOOL: return "a boolean";
	case LS_JNUMBER: return "a number";
	case LS_JSTRING: return "a string";
	case LS_JARRAY: return "an array";
	case LS_JOBJECT: return "an object";
	}
	return "an unknown kind";
}

const char *ls_jnode_kind_name(const ls_jnode *n)
{
	return n ? ls_jkind_name(n->kind) : "nothing";
}

ls_err ls_jnode_fail(ls_diag *d, ls_err err, const char *file, const ls_jnode *n, const char *fmt,
                     ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(d, err, file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return err;
}

void ls_jnode_write(const ls_jnode *n, ls_jw *w)
{
	switch (n->kind) {
	case LS_JNULL: ls_jw_null(w); break;
	case LS_JBOOL: ls_jw_bool(w, n->text[0] == 't'); break;
	case LS_JNUMBER: ls_jw_raw(w, ls_sv_make(n->text, n->len)); break;
	case LS_JSTRING: ls_jw_str(w, ls_sv_make(n->text, n->len)); break;
	case LS_JARRAY:
		ls_jw_array_begin(w);
		for (size_t i = 0; i < n->len; i++)
			ls_jnode_write(&n->items[i], w);
		ls_jw_array_end(w);
		break;
	case LS_JOBJECT:
		ls_jw_object_begin(w);
		for (size_t i = 0; i < n->len; i++) {
			ls_jw_key(w, ls_sv_make(n->members[i].key, n->members[i].key_len));
			ls_jnode_write(&n->members[i].value, w);
		}
		ls_jw_object_end(w);
		break;
	}
}

bool ls_jnode_equal(const ls_jnode *a, const ls_jnode *b)
{
	if (a->kind != b->kind || a->len != b->len)
		return false;
	switch (a->kind) {
	case LS_JARRAY:
		for (size_t i = 0; i < a->len; i++)
			if (!ls_jnode_equal(&a->items[i], &b->items[i]))
				return false;
		return true;
	case LS_JOBJECT:
		for (size_t i = 0; i < a->len; i++) {
			const ls_jmember *x = &a->members[i], *y = &b->members[i];
			if (!same_key(x, y) || !ls_jnode_equal(&x->value, &y->value))
				return false;
		}
		return true;
	default: return memcmp(a->text, b->text, a->len) == 0;
	}
}
