/*
 * rule.c - Sigma rule documents into compiled rules.
 */
#include "sigma/rule.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "io/yaml.h"

const char *ls_level_name(ls_level l)
{
	static const char *const names[] = { "",       "informational", "low",
		                             "medium", "high",          "critical" };
	return (unsigned)l < sizeof names / sizeof names[0] ? names[l] : "";
}

void ls_ruleset_init(ls_ruleset *rs)
{
	memset(rs, 0, sizeof *rs);
}

static void search_fini(ls_rule_search *s)
{
	for (size_t g = 0; g < s->ngroups; g++) {
		for (size_t i = 0; i < s->groups[g].n; i++)
			ls_sig_leaf_free(s->groups[g].leaves[i]);
		free(s->groups[g].leaves);
	}
	free(s->groups);
	free(s->name);
}

static void rule_fini(ls_rule *r)
{
	free(r->file);
	free(r->id);
	free(r->name);
	free(r->title);
	free(r->description);
	free(r->status);
	for (size_t i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	free(r->logsource.category);
	free(r->logsource.product);
	free(r->logsource.service);
	for (size_t i = 0; i < r->nsearches; i++)
		search_fini(&r->searches[i]);
	free(r->searches);
	for (size_t i = 0; i < r->nconds; i++)
		ls_cond_fini(&r->conds[i]);
	free(r->conds);
	if (r->correl) {
		ls_correl_fini(r->correl);
		free(r->correl);
	}
	for (size_t i = 0; i < r->nfilter_rules; i++)
		free(r->filter_rules[i]);
	free(r->filter_rules);
	free(r->filters);
	memset(r, 0, sizeof *r);
}

void ls_ruleset_fini(ls_ruleset *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_fini(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->nrejects; i++) {
		free(rs->rejects[i].file);
		free(rs->rejects[i].message);
	}
	free(rs->rejects);
	memset(rs, 0, sizeof *rs);
}

static void add_reject(ls_ruleset *rs, const ls_diag *d, const char *file)
{
	rs->rejects = ls_xgrow(rs->rejects, &rs->rcap, rs->nrejects + 1, sizeof *rs->rejects);
	ls_rule_reject *j = &rs->rejects[rs->nrejects++];
	j->file = ls_xstrdup(d->file ? d->file : file);
	j->line = d->line;
	j->col = d->col;
	j->err = d->err;
	j->message = ls_xstrdup(d->message);
}

/* ------------------------------------------------------------- parsing */

typedef struct parser {
	const char *file;
	const ls_sig_env *env;
	ls_diag *d;
	const ls_pipeline *pipeline;
	const ls_rule *rule; /* the rule being read: its logsource picks the mappings */
} parser;

static ls_err fail(parser *P, ls_err err, const ls_ynode *n, const char *fmt, ...) LS_PRINTF(4, 5);

static ls_err fail(parser *P, ls_err err, const ls_ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(P->d, err, P->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return err;
}

/* A scalar's text as an owned string; `what` names it in errors. */
static ls_err get_string(parser *P, const ls_ynode *n, const char *what, char **out)
{
	return ls_ynode_string(n, what, P->file, P->d, out);
}

static bool is_number_text(ls_sv t)
{
	size_t i = 0;
	if (i < t.len && (t.ptr[i] == '-' || t.ptr[i] == '+'))
		i++;
	size_t digits = 0;
	while (i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9')
		i++, digits++;
	if (i < t.len && t.ptr[i] == '.') {
		i++;
		while (i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < t.len && (t.ptr[i] == 'e' || t.ptr[i] == 'E')) {
		i++;
		if (i < t.len && (t.ptr[i] == '-' || t.ptr[i] == '+'))
			i++;
		size_t ed = 0;
		while (i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9')
			i++, ed++;
		if (ed == 0)
			return false;
	}
	return i == t.len;
}

/* A YAML scalar as a Sigma value: YAML 1.2 core types for plain scalars. */
static ls_err get_value(parser *P, const ls_ynode *n, ls_sig_value *v)
{
	if (n->kind != LS_YNODE_SCALAR)
		return fail(P, LS_ERR_PARSE, n, "a value must be a scalar, got %s",
		            ls_ynode_kind_name(n));
	v->line = (uint32_t)n->line;
	v->col = (uint32_t)n->col;
	v->text = ls_ynode_sv(n);
	v->type = LS_VALUE_STRING;
	if (!ls_ynode_is_plain(n))
		return LS_OK;
	if (ls_ynode_is_null(n)) {
		v->type = LS_VALUE_NULL;
		v->text = LS_SV_LIT("null");
	} else if (ls_sv_eq_cstr(v->text, "true") || ls_sv_eq_cstr(v->text, "True") ||
	           ls_sv_eq_cstr(v->text, "TRUE")) {
		v->type = LS_VALUE_BOOL;
		v->text = LS_SV_LIT("true");
	} else if (ls_sv_eq_cstr(v->text, "false") || ls_sv_eq_cstr(v->text, "False") ||
	           ls_sv_eq_cstr(v->text, "FALSE")) {
		v->type = LS_VALUE_BOOL;
		v->text = LS_SV_LIT("false");
	} else if (is_number_text(v->text)) {
		v->type = LS_VALUE_NUMBER;
	}
	return LS_OK;
}

/* Compile one leaf from a key ("field|mod|mod", or "" for keywords) and its value node. */
static ls_err make_leaf(parser *P, const ls_ynode *key, ls_sv keytext, const ls_ynode *val,
                        ls_sig_leaf **out)
{
	enum { MAXMODS = 16 };
	ls_sv mods[MAXMODS];
	uint32_t mcol[MAXMODS];
	size_t nmods = 0;
	size_t bar = ls_sv_find_char(keytext, '|');
	ls_sv field = bar == SIZE_MAX ? keytext : ls_sv_make(keytext.ptr, bar);
	while (bar != SIZE_MAX) {
		size_t start = bar + 1;
		ls_sv rest = ls_sv_make(keytext.ptr + start, keytext.len - start);
		size_t next = ls_sv_find_char(rest, '|');
		ls_sv m = next == SIZE_MAX ? rest : ls_sv_make(rest.ptr, next);
		if (nmods == MAXMODS)
			return fail(P, LS_ERR_PARSE, key, "more than %d modifiers", MAXMODS);
		if (m.len == 0)
			return fail(P, LS_ERR_PARSE, key, "an empty modifier in '%.*s'",
			            (int)(keytext.len > 80 ? 80 : keytext.len), keytext.ptr);
		mods[nmods] = m;
		mcol[nmods++] = key ? (uint32_t)(key->col + start) : 0;
		bar = next == SIZE_MAX ? SIZE_MAX : start + next;
	}
	ls_sig_value one, *vals = &one;
	size_t nvals = 0;
	ls_err e = LS_OK;
	if (val->kind == LS_YNODE_SEQ) {
		size_t cnt = 0;
		for (const ls_ynode *c = val->first; c; c = c->next)
			cnt++;
		if (cnt == 0)
			return fail(P, LS_ERR_PARSE, val, "an empty list of values");
		vals = ls_xcalloc(cnt, sizeof *vals);
		for (const ls_ynode *c = val->first; c && e == LS_OK; c = c->next)
			e = get_value(P, c, &vals[nvals++]);
	} else {
		e = get_value(P, val, &one);
		nvals = 1;
	}
	ls_buf mapped = LS_BUF_INIT;
	if (e == LS_OK && P->pipeline && field.len) {
		const ls_logsource *ls = &P->rule->logsource;
		ls_pl_logsource pl = { ls->category, ls->product, ls->service };
		ls_pipeline_field(P->pipeline, &pl, field, &mapped);
		field = ls_buf_sv(&mapped);
	}
	if (e == LS_OK) {
		ls_sig_leaf_spec spec = { .field = field,
			                  .mods = mods,
			                  .mod_col = mcol,
			                  .nmods = nmods,
			                  .values = vals,
			                  .nvalues = nvals,
			                  .file = P->file,
			                  .line = key ? (uint32_t)key->line : (uint32_t)val->line,
			                  .col = key ? (uint32_t)key->col : (uint32_t)val->col };
		e = ls_sig_leaf_compile(out, &spec, P->env, P->d);
		if (e != LS_OK && P->d && P->d->file == NULL)
			P->d->file = P->file;
	}
	if (vals != &one)
		free(vals);
	ls_buf_fini(&mapped);
	return e;
}

static void group_push(ls_rule_group *g, ls_sig_leaf *leaf, size_t *cap)
{
	g->leaves = ls_xgrow(g->leaves, cap, g->n + 1, sizeof *g->leaves);
	g->leaves[g->n++] = leaf;
}

/* A mapping as one AND group. */
static ls_err map_group(parser *P, const ls_ynode *m, ls_rule_group *g)
{
	size_t cap = 0;
	if (m->first == NULL)
		return fail(P, LS_ERR_PARSE, m, "an empty mapping matches nothing");
	for (const ls_ynode *k = m->first; k && k->next; k = k->next->next) {
		if (k->kind != LS_YNODE_SCALAR)
			return fail(P, LS_ERR_PARSE, k, "a field name must be a scalar");
		if (k->next->kind == LS_YNODE_MAP)
			return fail(
			        P, LS_ERR_PARSE, k->next,
			        "field '%.*s': a value must be a scalar or a list, not a mapping",
			        (int)(k->len > 80 ? 80 : k->len), k->text);
		ls_sig_leaf *leaf = NULL;
		ls_err e = make_leaf(P, k, ls_ynode_sv(k), k->next, &leaf);
		if (e != LS_OK)
			return e;
		group_push(g, leaf, &cap);
	}
	return LS_OK;
}

static ls_rule_group *new_group(ls_rule_search *s, size_t *cap)
{
	s->groups = ls_xgrow(s->groups, cap, s->ngroups + 1, sizeof *s->groups);
	ls_rule_group *g = &s->groups[s->ngroups++];
	memset(g, 0, sizeof *g);
	return g;
}

static ls_err parse_search(parser *P, const ls_ynode *key, const ls_ynode *v, ls_rule_search *s)
{
	size_t cap = 0;
	s->name = ls_xstrndup(key->text, key->len);
	if (v->kind == LS_YNODE_MAP)
		return map_group(P, v, new_group(s, &cap));
	if (v->kind == LS_YNODE_SCALAR) {
		if (ls_ynode_is_null(v))
			return fail(P, LS_ERR_PARSE, v, "identifier '%s' has no search", s->name);
		ls_sig_leaf *leaf = NULL;
		ls_err e = make_leaf(P, NULL, LS_SV_LIT(""), v, &leaf);
		if (e == LS_OK) {
			size_t lc = 0;
			group_push(new_group(s, &cap), leaf, &lc);
		}
		return e;
	}
	/* A list: maps are OR-ed groups; scalars together are one keyword leaf. */
	if (v->first == NULL)
		return fail(P, LS_ERR_PARSE, v, "identifier '%s': an empty list matches nothing",
		            s->name);
	bool any_scalar = false;
	for (const ls_ynode *c = v->first; c; c = c->next) {
		if (c->kind == LS_YNODE_MAP) {
			ls_err e = map_group(P, c, new_group(s, &cap));
			if (e != LS_OK)
				return e;
		} else if (c->kind == LS_YNODE_SCALAR) {
			any_scalar = true;
		} else {
			return fail(P, LS_ERR_PARSE, c, "identifier '%s': a list inside a list",
			            s->name);
		}
	}
	if (any_scalar) {
		/* Gather the scalars into one keyword leaf (their OR). */
		ls_ynode seq = *v, *first = NULL, *last = NULL;
		ls_ynode *copies = NULL;
		size_t n = 0;
		for (const ls_ynode *c = v->first; c; c = c->next)
			n += c->kind == LS_YNODE_SCALAR;
		copies = ls_xcalloc(n, sizeof *copies);
		size_t k = 0;
		for (const ls_ynode *c = v->first; c; c = c->next) {
			if (c->kind != LS_YNODE_SCALAR)
				continue;
			copies[k] = *c;
			copies[k].next = NULL;
			if (last)
				last->next = &copies[k];
			else
				first = &copies[k];
			last = &copies[k++];
		}
		seq.first = first;
		seq.last = last;
		ls_sig_leaf *leaf = NULL;
		ls_err e = make_leaf(P, NULL, LS_SV_LIT(""), &seq, &leaf);
		free(copies);
		if (e != LS_OK)
			return e;
		size_t lc = 0;
		group_push(new_group(s, &cap), leaf, &lc);
	}
	return LS_OK;
}

static ls_err parse_condition(parser *P, ls_rule *r, const ls_ynode *c, const ls_sv *names,
                              size_t nnames, size_t *cap)
{
	if (c->kind != LS_YNODE_SCALAR || ls_ynode_is_null(c))
		return fail(P, LS_ERR_PARSE, c, "condition: expected a string, got %s",
		            c->kind != LS_YNODE_SCALAR ? ls_ynode_kind_name(c) : "null");
	ls_sv text = ls_ynode_sv(c);
	if (ls_sv_find_char(text, '|') != SIZE_MAX)
		return fail(P, LS_ERR_UNSUPPORTED, c,
		            "condition: '|' aggregations are Sigma 1.0 syntax; write a correlation "
		            "rule instead");
	r->conds = ls_xgrow(r->conds, cap, r->nconds + 1, sizeof *r->conds);
	ls_err e = ls_cond_parse(&r->conds[r->nconds], text, names, nnames, P->d);
	if (e != LS_OK) {
		/* The condition's column is relative to its text: place it in the file. */
		unsigned long col = P->d ? P->d->col : 0;
		if (P->d) {
			P->d->file = P->file;
			P->d->line = c->line;
			P->d->col = c->col + (col ? col - 1 : 0) +
			            (c->style == LS_YSTYLE_SINGLE || c->style == LS_YSTYLE_DOUBLE);
		}
		return e;
	}
	r->nconds++;
	return LS_OK;
}

static ls_err parse_detection(parser *P, ls_rule *r, const ls_ynode *det)
{
	if (det->kind != LS_YNODE_MAP)
		return fail(P, LS_ERR_PARSE, det, "detection: expected a mapping, got %s",
		            ls_ynode_kind_name(det));
	const ls_ynode *condkey = NULL;
	const ls_ynode *cond = ls_ynode_get(det, "condition", &condkey);
	if (cond == NULL)
		return fail(P, LS_ERR_PARSE, det, "detection: no condition");
	size_t scap = 0;
	for (const ls_ynode *k = det->first; k && k->next; k = k->next->next) {
		if (k->kind != LS_YNODE_SCALAR)
			return fail(P, LS_ERR_PARSE, k, "detection: keys must be strings");
		ls_sv name = ls_ynode_sv(k);
		if (ls_sv_eq_cstr(name, "condition") || ls_sv_eq_cstr(name, "timeframe") ||
		    (r->is_filter && ls_sv_eq_cstr(name, "rules")))
			continue;
		for (size_t i = 0; i < r->nsearches; i++)
			if (ls_sv_eq_cstr(name, r->searches[i].name))
				return fail(P, LS_ERR_PARSE, k,
				            "detection: identifier '%s' is defined twice",
				            r->searches[i].name);
		r->searches = ls_xgrow(r->searches, &scap, r->nsearches + 1, sizeof *r->searches);
		ls_rule_search *s = &r->searches[r->nsearches++];
		memset(s, 0, sizeof *s);
		ls_err e = parse_search(P, k, k->next, s);
		if (e != LS_OK)
			return e;
	}
	if (r->nsearches == 0)
		return fail(P, LS_ERR_PARSE, det, "detection: no search identifiers");
	ls_sv *names = ls_xcalloc(r->nsearches, sizeof *names);
	for (size_t i = 0; i < r->nsearches; i++)
		names[i] = ls_sv_from_cstr(r->searches[i].name);
	size_t ccap = 0;
	ls_err e = LS_OK;
	if (cond->kind == LS_YNODE_SEQ) {
		if (cond->first == NULL)
			e = fail(P, LS_ERR_PARSE, cond, "condition: an empty list");
		for (const ls_ynode *c = cond->first; c && e == LS_OK; c = c->next)
			e = parse_condition(P, r, c, names, r->nsearches, &ccap);
	} else {
		e = parse_condition(P, r, cond, names, r->nsearches, &ccap);
	}
	free(names);
	return e;
}

static ls_err parse_logsource(parser *P, ls_rule *r, const ls_ynode *ls)
{
	if (ls->kind != LS_YNODE_MAP)
		return fail(P, LS_ERR_PARSE, ls, "logsource: expected a mapping, got %s",
		            ls_ynode_kind_name(ls));
	static const char *const keys[] = { "category", "product", "service" };
	char **fields[] = { &r->logsource.category, &r->logsource.product, &r->logsource.service };
	for (size_t i = 0; i < 3; i++) {
		const ls_ynode *v = ls_ynode_get(ls, keys[i], NULL);
		if (v == NULL)
			continue;
		char what[32];
		snprintf(what, sizeof what, "logsource.%s", keys[i]);
		ls_err e = get_string(P, v, what, fields[i]);
		if (e != LS_OK)
			return e;
	}
	if (!r->logsource.category && !r->logsource.product && !r->logsource.service)
		return fail(P, LS_ERR_PARSE, ls,
		            "logsource: needs at least one of category, product, service");
	return LS_OK;
}

static ls_err parse_level(parser *P, ls_rule *r, const ls_ynode *v)
{
	static const char *const names[] = { "informational", "low", "medium", "high", "critical" };
	if (v->kind == LS_YNODE_SCALAR)
		for (size_t i = 0; i < 5; i++)
			if (ls_sv_eq_cstr(ls_ynode_sv(v), names[i])) {
				r->level = (ls_level)(i + 1);
				return LS_OK;
			}
	return fail(P, LS_ERR_PARSE, v,
	            "level: expected informational, low, medium, high or critical");
}

static ls_err parse_rule(parser *P, const ls_ydoc *doc, ls_rule *r)
{
	const ls_ynode *root = doc->root;
	if (root == NULL || root->kind != LS_YNODE_MAP)
		return ls_diag_set(P->d, LS_ERR_PARSE, P->file, doc->line, doc->col,
		                   "a rule must be a mapping");
	r->line = root->line;
	const ls_ynode *v;
	const ls_ynode *key = NULL;
	if ((v = ls_ynode_get(root, "action", &key)) != NULL)
		return fail(P, LS_ERR_UNSUPPORTED, key,
		            "action: rule collections (Sigma 1.0 global/reset/repeat) are not "
		            "supported; write each rule out");
	const ls_ynode *correl = ls_ynode_get(root, "correlation", NULL);
	const ls_ynode *filter = ls_ynode_get(root, "filter", &key);
	if (filter && (correl || ls_ynode_get(root, "detection", NULL)))
		return fail(P, LS_ERR_PARSE, key,
		            "a filter document has 'filter' instead of 'detection' and no "
		            "'correlation'");
	ls_err e = LS_OK;
	if ((v = ls_ynode_get(root, "title", NULL)) == NULL)
		return fail(P, LS_ERR_PARSE, root, "a rule needs a title");
	if ((e = get_string(P, v, "title", &r->title)) != LS_OK)
		return e;
	if ((v = ls_ynode_get(root, "id", NULL)) && (e = get_string(P, v, "id", &r->id)) != LS_OK)
		return e;
	if ((v = ls_ynode_get(root, "name", NULL)) &&
	    (e = get_string(P, v, "name", &r->name)) != LS_OK)
		return e;
	if ((v = ls_ynode_get(root, "status", NULL)) &&
	    (e = get_string(P, v, "status", &r->status)) != LS_OK)
		return e;
	if ((v = ls_ynode_get(root, "description", NULL)) &&
	    (e = get_string(P, v, "description", &r->description)) != LS_OK)
		return e;
	if ((v = ls_ynode_get(root, "level", NULL)) && (e = parse_level(P, r, v)) != LS_OK)
		return e;
	if ((v = ls_ynode_get(root, "tags", NULL)) != NULL) {
		if (v->kind != LS_YNODE_SEQ)
			return fail(P, LS_ERR_PARSE, v, "tags: expected a list");
		size_t cap = 0;
		for (const ls_ynode *t = v->first; t; t = t->next) {
			r->tags = ls_xgrow(r->tags, &cap, r->ntags + 1, sizeof *r->tags);
			r->tags[r->ntags] = NULL;
			if ((e = get_string(P, t, "tags", &r->tags[r->ntags])) != LS_OK)
				return e;
			r->ntags++;
		}
	}
	if (correl) {
		r->correl = ls_xcalloc(1, sizeof *r->correl);
		return ls_correl_parse(r->correl, root, P->file, P->d);
	}
	if ((v = ls_ynode_get(root, "logsource", NULL)) == NULL)
		return fail(P, LS_ERR_PARSE, root, "a rule needs a logsource");
	if ((e = parse_logsource(P, r, v)) != LS_OK)
		return e;
	if (filter) {
		/* filter: {rules: [...], <identifiers>, condition} */
		if (filter->kind != LS_YNODE_MAP)
			return fail(P, LS_ERR_PARSE, filter, "filter: expected a mapping");
		r->is_filter = true;
		const ls_ynode *rl = ls_ynode_get(filter, "rules", &key);
		size_t cap = 0;
		if (rl && !(rl->kind == LS_YNODE_SCALAR &&
		            (ls_ynode_is_null(rl) || ls_sv_eq_cstr(ls_ynode_sv(rl), "any")))) {
			if (rl->kind != LS_YNODE_SEQ)
				return fail(P, LS_ERR_PARSE, rl,
				            "filter.rules: expected a list of rule ids or names, "
				            "or 'any'");
			for (const ls_ynode *t = rl->first; t; t = t->next) {
				r->filter_rules =
				        ls_xgrow(r->filter_rules, &cap, r->nfilter_rules + 1,
				                 sizeof *r->filter_rules);
				r->filter_rules[r->nfilter_rules] = NULL;
				if ((e = get_string(P, t, "filter.rules",
				                    &r->filter_rules[r->nfilter_rules])) != LS_OK)
					return e;
				r->nfilter_rules++;
			}
		}
		P->rule = r;
		return parse_detection(P, r, filter);
	}
	if ((v = ls_ynode_get(root, "detection", NULL)) == NULL)
		return fail(P, LS_ERR_PARSE, root, "a rule needs a detection");
	P->rule = r;
	if ((e = parse_detection(P, r, v)) != LS_OK)
		return e;
	if (P->pipeline) {
		ls_logsource *ls = &r->logsource;
		ls_pl_logsource in = { ls->category, ls->product, ls->service }, out;
		bool changed[3];
		ls_pipeline_logsource(P->pipeline, &in, &out, changed);
		char **f[3] = { &ls->category, &ls->product, &ls->service };
		const char *nv[3] = { out.category, out.product, out.service };
		for (int i = 0; i < 3; i++)
			if (changed[i]) {
				free(*f[i]);
				*f[i] = ls_xstrdup(nv[i]);
			}
	}
	return LS_OK;
}

void ls_ruleset_load_mem(ls_ruleset *rs, const char *text, size_t len, const char *file,
                         const ls_sig_env *env)
{
	ls_diag d;
	ls_diag_clear(&d);
	rs->files++;
	if (len > LS_RULE_FILE_MAX) {
		ls_diag_set(&d, LS_ERR_TOOLONG, file, 0, 0, "a rule file may be at most %u bytes",
		            LS_RULE_FILE_MAX);
		add_reject(rs, &d, file);
		return;
	}
	ls_yaml y;
	static const ls_yaml_limits lim = { .max_docs = LS_RULE_DOCS_MAX,
		                            .max_nodes = LS_RULE_NODES_MAX };
	ls_err e = ls_yaml_parse(&y, text, len, &lim, file, &d);
	if (e != LS_OK) {
		add_reject(rs, &d, file);
		ls_yaml_fini(&y);
		return;
	}
	parser P = { file, env, &d, rs->pipeline, NULL };
	for (size_t i = 0; i < y.ndocs; i++) {
		if (y.docs[i].root == NULL)
			continue; /* an empty document, e.g. after a trailing --- */
		rs->docs++;
		ls_rule r;
		memset(&r, 0, sizeof r);
		ls_diag_clear(&d);
		e = parse_rule(&P, &y.docs[i], &r);
		if (e != LS_OK) {
			add_reject(rs, &d, file);
			rule_fini(&r);
			continue;
		}
		r.file = ls_xstrdup(file);
		rs->rules = ls_xgrow(rs->rules, &rs->cap, rs->n + 1, sizeof *rs->rules);
		rs->rules[rs->n++] = r;
	}
	ls_yaml_fini(&y);
}

/* ------------------------------------------------------------- files */

static bool rule_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_file(ls_ruleset *rs, const char *path, const ls_sig_env *env)
{
	ls_diag d;
	ls_diag_clear(&d);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		ls_diag_set(&d, LS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
		add_reject(rs, &d, path);
		return;
	}
	ls_buf b = LS_BUF_INIT;
	char chunk[65536];
	size_t n;
	bool big = false;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > LS_RULE_FILE_MAX) {
			big = true;
			break;
		}
		ls_buf_append(&b, chunk, n);
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad || big) {
		ls_diag_set(&d, bad ? LS_ERR_IO : LS_ERR_TOOLONG, path, 0, 0,
		            bad ? "cannot read: %s" : "a rule file may be at most 4194304 bytes%s",
		            bad ? strerror(errno) : "");
		add_reject(rs, &d, path);
	} else {
		ls_ruleset_load_mem(rs, b.data ? b.data : "", b.len, path, env);
	}
	ls_buf_fini(&b);
}

static void load_dir(ls_ruleset *rs, const char *dir, const ls_sig_env *env, int depth)
{
	ls_diag d;
	ls_diag_clear(&d);
	if (depth > 32) {
		ls_diag_set(&d, LS_ERR_TOOLONG, dir, 0, 0, "directories nested more than 32 deep");
		add_reject(rs, &d, dir);
		return;
	}
	DIR *dh = opendir(dir);
	if (dh == NULL) {
		ls_diag_set(&d, LS_ERR_IO, dir, 0, 0, "cannot open: %s", strerror(errno));
		add_reject(rs, &d, dir);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = ls_xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = ls_xstrdup(e->d_name);
	}
	closedir(dh);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	ls_buf path = LS_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		ls_buf_reset(&path);
		ls_buf_printf(&path, "%s/%s", dir, names[i]);
		struct stat st;
		if (stat(path.data, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				load_dir(rs, path.data, env, depth + 1);
			else if (S_ISREG(st.st_mode) && rule_name(names[i]))
				load_file(rs, path.data, env);
		}
		free(names[i]);
	}
	free(names);
	ls_buf_fini(&path);
}

ls_err ls_ruleset_load(ls_ruleset *rs, const char *path, const ls_sig_env *env, ls_diag *d)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                   "cannot read: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		load_dir(rs, path, env, 0);
	else
		load_file(rs, path, env);
	return LS_OK;
}

/* ------------------------------------------------------------- matching */

bool ls_rule_search_match(const ls_rule_search *s, const ls_event *ev)
{
	for (size_t g = 0; g < s->ngroups; g++) {
		const ls_rule_group *grp = &s->groups[g];
		size_t i = 0;
		while (i < grp->n && ls_sig_leaf_match(grp->leaves[i], ev))
			i++;
		if (i == grp->n)
			return true;
	}
	return false;
}

typedef struct eval_ctx {
	const ls_rule *r;
	const ls_event *ev;
} eval_ctx;

static bool search_value(void *ctx, uint32_t id)
{
	eval_ctx *c = ctx;
	return ls_rule_search_match(&c->r->searches[id], c->ev);
}

/* The rule's own conditions (their OR), without filters. */
static bool own_match(const ls_rule *r, const ls_event *ev)
{
	eval_ctx c = { r, ev };
	for (size_t i = 0; i < r->nconds; i++)
		if (ls_cond_eval(&r->conds[i], search_value, &c))
			return true;
	return false;
}

bool ls_rule_match(const ls_rule *r, const ls_event *ev)
{
	if (r->is_filter || !own_match(r, ev))
		return false;
	for (size_t i = 0; i < r->nfilters; i++)
		if (!own_match(r->filters[i], ev))
			return false;
	return true;
}

static bool names_rule(const ls_rule *r, const char *ref)
{
	return (r->id && strcmp(r->id, ref) == 0) || (r->name && strcmp(r->name, ref) == 0);
}

/* Whether the rule's logsource has every field the filter's sets. */
static bool fits(const ls_logsource *filter, const ls_logsource *rule)
{
	const char *f[3] = { filter->category, filter->product, filter->service };
	const char *g[3] = { rule->category, rule->product, rule->service };
	for (int i = 0; i < 3; i++)
		if (f[i] && (g[i] == NULL || strcasecmp(f[i], g[i]) != 0))
			return false;
	return true;
}

static void reject_rule(ls_ruleset *rs, size_t i, const char *kind, const char *what)
{
	ls_diag d;
	ls_diag_clear(&d);
	ls_rule *r = &rs->rules[i];
	ls_diag_set(&d, LS_ERR_NOTFOUND, r->file, r->line, 1, "%s: no rule '%s' is loaded", kind,
	            what);
	add_reject(rs, &d, r->file);
	rule_fini(r);
	memmove(&rs->rules[i], &rs->rules[i + 1], (rs->n - i - 1) * sizeof *rs->rules);
	rs->n--;
}

void ls_ruleset_link(ls_ruleset *rs)
{
	/* Drop filters and correlations whose references do not resolve. */
	for (size_t i = 0; i < rs->n;) {
		const ls_rule *r = &rs->rules[i];
		char **refs = r->is_filter ? r->filter_rules : r->correl ? r->correl->rules : NULL;
		size_t nrefs = r->is_filter ? r->nfilter_rules : r->correl ? r->correl->nrules : 0;
		const char *missing = NULL;
		for (size_t k = 0; k < nrefs && !missing; k++) {
			bool found = false;
			for (size_t j = 0; j < rs->n && !found; j++)
				found = j != i && names_rule(&rs->rules[j], refs[k]);
			if (!found)
				missing = refs[k];
		}
		if (missing) {
			reject_rule(rs, i, r->is_filter ? "filter" : "correlation", missing);
			continue;
		}
		i++;
	}
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->rules[i].filters);
		rs->rules[i].filters = NULL;
		rs->rules[i].nfilters = 0;
	}
	for (size_t f = 0; f < rs->n; f++) {
		const ls_rule *flt = &rs->rules[f];
		if (!flt->is_filter)
			continue;
		for (size_t i = 0; i < rs->n; i++) {
			ls_rule *r = &rs->rules[i];
			if (r->is_filter || r->correl || !fits(&flt->logsource, &r->logsource))
				continue;
			bool named = flt->nfilter_rules == 0;
			for (size_t k = 0; k < flt->nfilter_rules && !named; k++)
				named = names_rule(r, flt->filter_rules[k]);
			if (!named)
				continue;
			size_t cap = r->nfilters;
			r->filters =
			        ls_xgrow(r->filters, &cap, r->nfilters + 1, sizeof *r->filters);
			r->filters[r->nfilters++] = flt;
		}
	}
}
