/*
 * yaml.h - strict YAML into a small node tree, with limits.
 *
 * Scenarios and Sigma rules are YAML written by people and read from
 * untrusted files. This reader turns text into a tree of scalars,
 * sequences and mappings with the 1-based line and column of every node,
 * and refuses what neither format needs and what could hurt: aliases (and
 * so merge keys and "billion laughs"), explicit tags, more than a given
 * number of documents or nodes, nesting deeper than LS_YAML_DEPTH_MAX, and
 * text that is not UTF-8. libyaml does the parsing; its syntax errors come
 * back with their position.
 *
 * Ownership: an ls_yaml owns its nodes and their text (one arena);
 * ls_yaml_fini frees them all at once.
 */
#ifndef LS_IO_YAML_H
#define LS_IO_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"

typedef enum ls_ynode_kind { LS_YNODE_SCALAR, LS_YNODE_SEQ, LS_YNODE_MAP } ls_ynode_kind;

typedef enum ls_ystyle {
	LS_YSTYLE_PLAIN = 0,
	LS_YSTYLE_SINGLE, /* 'quoted' */
	LS_YSTYLE_DOUBLE, /* "quoted" */
	LS_YSTYLE_BLOCK   /* | or > */
} ls_ystyle;

typedef struct ls_ynode ls_ynode;
struct ls_ynode {
	ls_ynode_kind kind;
	ls_ystyle style;         /* scalars */
	unsigned long line, col; /* 1-based start of the node */
	const char *text;        /* scalars: NUL-terminated copy (may hold NULs) */
	size_t len;
	ls_ynode *first, *last; /* collections: children (a mapping alternates key, value) */
	ls_ynode *next;         /* next sibling */
};

typedef struct ls_ydoc {
	ls_ynode *root;          /* NULL for an empty document */
	unsigned long line, col; /* where the document starts */
} ls_ydoc;

typedef struct ls_yaml_limits {
	size_t max_docs;  /* 0: any number */
	size_t max_nodes; /* over all documents */
	/* With max_docs 1, the error for a second document ends with this,
	 * e.g. "a scenario is exactly one document". */
	const char *one_doc_reason;
} ls_yaml_limits;

typedef struct ls_yaml {
	ls_arena arena;
	ls_ydoc *docs;
	size_t ndocs, cap;
	size_t nodes;
} ls_yaml;

/*
 * Parse text (len bytes) into y, which it initialises. On error returns
 * LS_ERR_PARSE (syntax, alias, tag, a document too many) or LS_ERR_TOOLONG
 * (nodes, depth) with d->file = file and the 1-based line and column; y is
 * then still valid (fini it) and holds what was read before the error. A
 * stream with no document (empty, or only comments) has ndocs 0.
 */
ls_err ls_yaml_parse(ls_yaml *y, const char *text, size_t len, const ls_yaml_limits *lim,
                     const char *file, ls_diag *d) LS_WUR;
void ls_yaml_fini(ls_yaml *y);

/* A plain (unquoted) scalar. */
bool ls_ynode_is_plain(const ls_ynode *n);
/* YAML's null: a plain empty, "~", "null", "Null" or "NULL" scalar. */
bool ls_ynode_is_null(const ls_ynode *n);
/* The scalar's text as a view. */
static inline ls_sv ls_ynode_sv(const ls_ynode *n)
{
	return ls_sv_make(n->text, n->len);
}
/* The value of key `name` in mapping m (first match), or NULL; *key (may be
 * NULL) gets the key node. */
const ls_ynode *ls_ynode_get(const ls_ynode *m, const char *name, const ls_ynode **key);

/* Record an error at node n (line and column; 0 if n is NULL) in file, and return err. */
ls_err ls_ynode_fail(ls_diag *d, ls_err err, const char *file, const ls_ynode *n, const char *fmt,
                     ...) LS_PRINTF(5, 6);
/*
 * A scalar's text as a new string in *out (the old one freed): LS_ERR_PARSE
 * at n, naming `what`, for a collection, YAML's null or text holding NUL.
 */
ls_err ls_ynode_string(const ls_ynode *n, const char *what, const char *file, ls_diag *d,
                       char **out) LS_WUR;
/* "a mapping", "a list", "null" or "a scalar", for messages. */
const char *ls_ynode_kind_name(const ls_ynode *n);

/*
 * At most 40 bytes of untrusted text for a message, control bytes shown as
 * '?', cut at a character boundary and marked "..." when shortened; buf
 * needs cap >= 8.
 */
const char *ls_yaml_shown(const char *text, size_t len, char *buf, size_t cap);

#endif
