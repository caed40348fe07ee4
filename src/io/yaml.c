/*
 * yaml.c - libyaml events into a node tree, with every limit checked here.
 */
#include "io/yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/limits.h"

const char *ls_yaml_shown(const char *text, size_t len, char *buf, size_t cap)
{
	size_t max = cap - 4 < 40 ? cap - 4 : 40;
	size_t n = len;
	bool cut = false;
	if (n > max) {
		n = max;
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

bool ls_ynode_is_plain(const ls_ynode *n)
{
	return n->kind == LS_YNODE_SCALAR && n->style == LS_YSTYLE_PLAIN;
}

bool ls_ynode_is_null(const ls_ynode *n)
{
	if (!ls_ynode_is_plain(n))
		return false;
	ls_sv t = ls_ynode_sv(n);
	return t.len == 0 || ls_sv_eq_cstr(t, "~") || ls_sv_eq_cstr(t, "null") ||
	       ls_sv_eq_cstr(t, "Null") || ls_sv_eq_cstr(t, "NULL");
}

ls_err ls_ynode_fail(ls_diag *d, ls_err err, const char *file, const ls_ynode *n, const char *fmt,
                     ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(d, err, file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return err;
}

ls_err ls_ynode_string(const ls_ynode *n, const char *what, const char *file, ls_diag *d,
                       char **out)
{
	if (n->kind != LS_YNODE_SCALAR || ls_ynode_is_null(n))
		return ls_ynode_fail(d, LS_ERR_PARSE, file, n, "%s: expected a string, got %s",
		                     what, ls_ynode_kind_name(n));
	if (memchr(n->text, '\0', n->len))
		return ls_ynode_fail(d, LS_ERR_PARSE, file, n, "%s: NUL bytes are not allowed",
		                     what);
	free(*out);
	*out = ls_xstrndup(n->text, n->len);
	return LS_OK;
}

const char *ls_ynode_kind_name(const ls_ynode *n)
{
	return n->kind == LS_YNODE_MAP   ? "a mapping"
	       : n->kind == LS_YNODE_SEQ ? "a list"
	       : ls_ynode_is_null(n)     ? "null"
	                                 : "a scalar";
}

const ls_ynode *ls_ynode_get(const ls_ynode *m, const char *name, const ls_ynode **key)
{
	if (m == NULL || m->kind != LS_YNODE_MAP)
		return NULL;
	for (const ls_ynode *k = m->first; k && k->next; k = k->next->next) {
		if (k->kind == LS_YNODE_SCALAR && ls_sv_eq_cstr(ls_ynode_sv(k), name)) {
			if (key)
				*key = k;
			return k->next;
		}
	}
	return NULL;
}

typedef struct reader {
	ls_yaml *y;
	const char *file;
	ls_diag *d;
	const ls_yaml_limits *lim;
} reader;

static ls_err fail_at(reader *R, ls_err err, unsigned long line, unsigned long col, const char *fmt,
                      ...) LS_PRINTF(5, 6);

static ls_err fail_at(reader *R, ls_err err, unsigned long line, unsigned long col, const char *fmt,
                      ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(R->d, err, R->file, line, col, fmt, ap);
	va_end(ap);
	return err;
}

/* Column (in characters, as libyaml counts) and line of a byte offset. */
static void offset_to_mark(const char *text, size_t len, size_t offset, unsigned long *line,
                           unsigned long *col)
{
	*line = 1;
	*col = 1;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

static ls_err syntax_error(reader *R, const yaml_parser_t *p, const char *text, size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	unsigned long line, col;
	switch (p->error) {
	case YAML_MEMORY_ERROR: ls_oom(len);
	case YAML_READER_ERROR:
		offset_to_mark(text, len, p->problem_offset, &line, &col);
		if (p->problem_value >= 0)
			return fail_at(R, LS_ERR_PARSE, line, col, "invalid text: %s (#%X)",
			               problem, (unsigned)p->problem_value);
		return fail_at(R, LS_ERR_PARSE, line, col, "invalid text: %s", problem);
	default:
		line = (unsigned long)p->problem_mark.line + 1;
		col = (unsigned long)p->problem_mark.column + 1;
		if (p->context)
			return fail_at(R, LS_ERR_PARSE, line, col,
			               "syntax error: %s (%s that starts at line %lu, column %lu)",
			               problem, p->context, (unsigned long)p->context_mark.line + 1,
			               (unsigned long)p->context_mark.column + 1);
		return fail_at(R, LS_ERR_PARSE, line, col, "syntax error: %s", problem);
	}
}

/* Explicit tags (!!str, !custom) are refused: the schema decides types. */
static ls_err check_tag(reader *R, const yaml_char_t *tag, unsigned long line, unsigned long col)
{
	if (tag == NULL)
		return LS_OK;
	char buf[48];
	const char *t = (const char *)tag;
	return fail_at(R, LS_ERR_PARSE, line, col,
	               "tags ('%s') are not supported: the key decides the type",
	               ls_yaml_shown(t, strlen(t), buf, sizeof buf));
}

static ls_ystyle style_of(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE: return LS_YSTYLE_SINGLE;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return LS_YSTYLE_DOUBLE;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE: return LS_YSTYLE_BLOCK;
	default: return LS_YSTYLE_PLAIN;
	}
}

static ls_err new_node(reader *R, ls_ynode_kind kind, const yaml_event_t *ev, ls_ynode **out)
{
	ls_yaml *y = R->y;
	unsigned long line = (unsigned long)ev->start_mark.line + 1;
	unsigned long col = (unsigned long)ev->start_mark.column + 1;
	if (y->nodes >= R->lim->max_nodes)
		return fail_at(R, LS_ERR_TOOLONG, line, col, "more than %zu YAML nodes",
		               R->lim->max_nodes);
	y->nodes++;
	ls_ynode *n = ls_arena_calloc(&y->arena, 1, sizeof *n);
	n->kind = kind;
	n->line = line;
	n->col = col;
	if (kind == LS_YNODE_SCALAR) {
		n->style = style_of(ev->data.scalar.style);
		n->len = ev->data.scalar.length;
		n->text = ls_arena_strndup(&y->arena, (const char *)ev->data.scalar.value, n->len);
	}
	*out = n;
	return LS_OK;
}

ls_err ls_yaml_parse(ls_yaml *y, const char *text, size_t len, const ls_yaml_limits *lim,
                     const char *file, ls_diag *d)
{
	reader R = { y, file, d, lim };
	yaml_parser_t p;
	yaml_event_t ev;
	ls_ynode *stack[LS_YAML_DEPTH_MAX];
	size_t depth = 0;
	bool done = false;
	ls_err err = LS_OK;

	memset(y, 0, sizeof *y);
	ls_arena_init(&y->arena, 0);
	if (!yaml_parser_initialize(&p))
		ls_oom(sizeof p);
	yaml_parser_set_input_string(&p, (const unsigned char *)(text ? text : ""), len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done && err == LS_OK) {
		if (!yaml_parser_parse(&p, &ev)) {
			err = syntax_error(&R, &p, text ? text : "", len);
			break;
		}
		unsigned long line = (unsigned long)ev.start_mark.line + 1;
		unsigned long col = (unsigned long)ev.start_mark.column + 1;
		ls_ynode *n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT: done = true; break;
		case YAML_DOCUMENT_START_EVENT:
			if (lim->max_docs && y->ndocs == lim->max_docs) {
				err = lim->max_docs == 1
				              ? fail_at(&R, LS_ERR_PARSE, line, col,
				                        "a second YAML document starts here; %s",
				                        lim->one_doc_reason
				                                ? lim->one_doc_reason
				                                : "one document is allowed")
				              : fail_at(&R, LS_ERR_TOOLONG, line, col,
				                        "more than %zu YAML documents",
				                        lim->max_docs);
				break;
			}
			y->docs = ls_xgrow(y->docs, &y->cap, y->ndocs + 1, sizeof *y->docs);
			y->docs[y->ndocs++] = (ls_ydoc){ NULL, line, col };
			break;
		case YAML_ALIAS_EVENT: {
			char buf[48];
			const char *a = (const char *)ev.data.alias.anchor;
			err = fail_at(&R, LS_ERR_PARSE, line, col,
			              "aliases (*%s) are not supported: write the value out",
			              ls_yaml_shown(a, strlen(a), buf, sizeof buf));
			break;
		}
		case YAML_SCALAR_EVENT:
			err = check_tag(&R, ev.data.scalar.tag, line, col);
			if (err == LS_OK)
				err = new_node(&R, LS_YNODE_SCALAR, &ev, &n);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			err = check_tag(&R,
			                ev.type == YAML_MAPPING_START_EVENT
			                        ? ev.data.mapping_start.tag
			                        : ev.data.sequence_start.tag,
			                line, col);
			if (err == LS_OK && depth == LS_YAML_DEPTH_MAX)
				err = fail_at(&R, LS_ERR_TOOLONG, line, col,
				              "nested more than %d levels deep", LS_YAML_DEPTH_MAX);
			if (err == LS_OK)
				err = new_node(&R,
				               ev.type == YAML_MAPPING_START_EVENT ? LS_YNODE_MAP
				                                                   : LS_YNODE_SEQ,
				               &ev, &n);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default: break; /* stream start, document end */
		}
		yaml_event_delete(&ev);
		if (n == NULL)
			continue;
		if (depth == 0) {
			if (y->ndocs > 0)
				y->docs[y->ndocs - 1].root = n;
		} else {
			ls_ynode *parent = stack[depth - 1];
			if (parent->last)
				parent->last->next = n;
			else
				parent->first = n;
			parent->last = n;
		}
		if (n->kind != LS_YNODE_SCALAR)
			stack[depth++] = n;
	}
	yaml_parser_delete(&p);
	return err;
}

void ls_yaml_fini(ls_yaml *y)
{
	if (y == NULL)
		return;
	ls_arena_fini(&y->arena);
	free(y->docs);
	memset(y, 0, sizeof *y);
}
