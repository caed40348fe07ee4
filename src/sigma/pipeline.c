/*
 * pipeline.c - the pipeline subset and placeholder files, strictly read.
 */
#include "sigma/pipeline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "io/yaml.h"

typedef enum tf_type { TF_MAP, TF_PREFIX, TF_SUFFIX, TF_LOGSOURCE } tf_type;

typedef struct cond_ls {
	char *category, *product, *service;
} cond_ls;

typedef struct transform {
	tf_type type;
	char **from, **to; /* TF_MAP */
	size_t nmap;
	char *text;     /* TF_PREFIX, TF_SUFFIX */
	cond_ls set;    /* TF_LOGSOURCE */
	cond_ls *conds; /* rule_conditions: logsource */
	size_t nconds;
} transform;

struct ls_pipeline {
	char *name;
	transform *tf;
	size_t ntf, cap;
};

static void cond_fini(cond_ls *c)
{
	free(c->category);
	free(c->product);
	free(c->service);
}

void ls_pipeline_free(ls_pipeline *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ntf; i++) {
		transform *t = &p->tf[i];
		for (size_t k = 0; k < t->nmap; k++) {
			free(t->from[k]);
			free(t->to[k]);
		}
		free(t->from);
		free(t->to);
		free(t->text);
		cond_fini(&t->set);
		for (size_t k = 0; k < t->nconds; k++)
			cond_fini(&t->conds[k]);
		free(t->conds);
	}
	free(p->tf);
	free(p->name);
	free(p);
}

typedef struct rd {
	const char *file;
	ls_diag *d;
} rd;

static ls_err fail(rd *R, const ls_ynode *n, const char *fmt, ...) LS_PRINTF(3, 4);

static ls_err fail(rd *R, const ls_ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ls_err err =
	        ls_diag_vset(R->d, LS_ERR_PARSE, R->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return err;
}

static ls_err str(rd *R, const ls_ynode *n, const char *what, char **out)
{
	return ls_ynode_string(n, what, R->file, R->d, out);
}

/* Keys of mapping m must all be among names (NULL-terminated). */
static ls_err only_keys(rd *R, const ls_ynode *m, const char *where, const char *const *names)
{
	for (const ls_ynode *k = m->first; k && k->next; k = k->next->next) {
		bool ok = false;
		for (size_t i = 0; names[i] && !ok; i++)
			ok = k->kind == LS_YNODE_SCALAR && ls_sv_eq_cstr(ls_ynode_sv(k), names[i]);
		if (!ok) {
			char buf[48];
			return fail(R, k, "%s: unknown key '%s'", where,
			            k->kind == LS_YNODE_SCALAR
			                    ? ls_yaml_shown(k->text, k->len, buf, sizeof buf)
			                    : "?");
		}
	}
	return LS_OK;
}

static ls_err read_ls(rd *R, const ls_ynode *m, const char *where, cond_ls *c)
{
	static const char *const keys[] = { "type", "category", "product", "service", NULL };
	ls_err e = only_keys(R, m, where, keys);
	const ls_ynode *v;
	if (e == LS_OK && (v = ls_ynode_get(m, "category", NULL)))
		e = str(R, v, "category", &c->category);
	if (e == LS_OK && (v = ls_ynode_get(m, "product", NULL)))
		e = str(R, v, "product", &c->product);
	if (e == LS_OK && (v = ls_ynode_get(m, "service", NULL)))
		e = str(R, v, "service", &c->service);
	return e;
}

static ls_err read_transform(rd *R, const ls_ynode *m, transform *t)
{
	static const char *const keys[] = { "id",           "type",    "mapping",
		                            "prefix",       "suffix",  "category",
		                            "product",      "service", "rule_conditions",
		                            "rule_cond_op", NULL };
	if (m->kind != LS_YNODE_MAP)
		return fail(R, m, "a transformation must be a mapping");
	ls_err e = only_keys(R, m, "transformation", keys);
	if (e != LS_OK)
		return e;
	const ls_ynode *ty = ls_ynode_get(m, "type", NULL);
	if (ty == NULL)
		return fail(R, m, "a transformation needs a type");
	ls_sv tv = ty->kind == LS_YNODE_SCALAR ? ls_ynode_sv(ty) : LS_SV_NULL;
	const ls_ynode *v;
	if (ls_sv_eq_cstr(tv, "field_name_mapping")) {
		t->type = TF_MAP;
		v = ls_ynode_get(m, "mapping", NULL);
		if (v == NULL || v->kind != LS_YNODE_MAP)
			return fail(R, v ? v : m,
			            "field_name_mapping: needs a mapping of field names");
		size_t n = 0;
		for (const ls_ynode *k = v->first; k && k->next; k = k->next->next)
			n++;
		t->from = ls_xcalloc(n ? n : 1, sizeof *t->from);
		t->to = ls_xcalloc(n ? n : 1, sizeof *t->to);
		for (const ls_ynode *k = v->first; k && k->next && e == LS_OK; k = k->next->next) {
			if (k->next->kind == LS_YNODE_SEQ)
				return fail(R, k->next,
				            "field_name_mapping: a list of target fields is not "
				            "supported; "
				            "map each field to one name");
			e = str(R, k, "field_name_mapping", &t->from[t->nmap]);
			if (e == LS_OK)
				e = str(R, k->next, "field_name_mapping", &t->to[t->nmap]);
			t->nmap++;
		}
		if (e != LS_OK)
			return e;
	} else if (ls_sv_eq_cstr(tv, "field_name_prefix") ||
	           ls_sv_eq_cstr(tv, "field_name_suffix")) {
		bool pre = ls_sv_eq_cstr(tv, "field_name_prefix");
		t->type = pre ? TF_PREFIX : TF_SUFFIX;
		v = ls_ynode_get(m, pre ? "prefix" : "suffix", NULL);
		if (v == NULL)
			return fail(R, m, "%s: needs '%s'",
			            pre ? "field_name_prefix" : "field_name_suffix",
			            pre ? "prefix" : "suffix");
		if ((e = str(R, v, pre ? "prefix" : "suffix", &t->text)) != LS_OK)
			return e;
	} else if (ls_sv_eq_cstr(tv, "change_logsource")) {
		t->type = TF_LOGSOURCE;
		const ls_ynode *x;
		if ((x = ls_ynode_get(m, "category", NULL)) &&
		    (e = str(R, x, "category", &t->set.category)) != LS_OK)
			return e;
		if ((x = ls_ynode_get(m, "product", NULL)) &&
		    (e = str(R, x, "product", &t->set.product)) != LS_OK)
			return e;
		if ((x = ls_ynode_get(m, "service", NULL)) &&
		    (e = str(R, x, "service", &t->set.service)) != LS_OK)
			return e;
		if (!t->set.category && !t->set.product && !t->set.service)
			return fail(R, m, "change_logsource: needs category, product or service");
	} else {
		char buf[48];
		return fail(R, ty,
		            "unsupported transformation type '%s' (supported: field_name_mapping, "
		            "field_name_prefix, field_name_suffix, change_logsource)",
		            ty->kind == LS_YNODE_SCALAR
		                    ? ls_yaml_shown(ty->text, ty->len, buf, sizeof buf)
		                    : "?");
	}
	if ((v = ls_ynode_get(m, "rule_cond_op", NULL)) != NULL &&
	    !(v->kind == LS_YNODE_SCALAR && ls_sv_eq_cstr(ls_ynode_sv(v), "and")))
		return fail(R, v, "rule_cond_op: only 'and' is supported");
	if ((v = ls_ynode_get(m, "rule_conditions", NULL)) != NULL) {
		if (v->kind != LS_YNODE_SEQ)
			return fail(R, v, "rule_conditions: expected a list");
		size_t n = 0;
		for (const ls_ynode *c = v->first; c; c = c->next)
			n++;
		t->conds = ls_xcalloc(n ? n : 1, sizeof *t->conds);
		for (const ls_ynode *c = v->first; c; c = c->next) {
			const ls_ynode *ct = ls_ynode_get(c, "type", NULL);
			if (c->kind != LS_YNODE_MAP || ct == NULL ||
			    !ls_sv_eq_cstr(ls_ynode_sv(ct), "logsource"))
				return fail(
				        R, c,
				        "rule_conditions: only 'type: logsource' conditions are "
				        "supported");
			if ((e = read_ls(R, c, "rule_conditions", &t->conds[t->nconds++])) != LS_OK)
				return e;
		}
	}
	return LS_OK;
}

ls_err ls_pipeline_load_mem(ls_pipeline **out, const char *text, size_t len, const char *file,
                            ls_diag *d)
{
	*out = NULL;
	if (len > LS_PIPELINE_FILE_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0,
		                   "a pipeline may be at most %u bytes", LS_PIPELINE_FILE_MAX);
	ls_yaml y;
	static const ls_yaml_limits lim = { .max_docs = 1,
		                            .max_nodes = 100000,
		                            .one_doc_reason = "a pipeline is one document" };
	ls_err e = ls_yaml_parse(&y, text, len, &lim, file, d);
	rd R = { file, d };
	ls_pipeline *p = ls_xcalloc(1, sizeof *p);
	const ls_ynode *root = y.ndocs ? y.docs[0].root : NULL;
	if (e == LS_OK && (root == NULL || root->kind != LS_YNODE_MAP))
		e = ls_diag_set(d, LS_ERR_PARSE, file, 1, 1, "a pipeline must be a mapping");
	static const char *const keys[] = { "name", "priority",       "transformations",
		                            "vars", "postprocessing", "finalizers",
		                            NULL };
	if (e == LS_OK)
		e = only_keys(&R, root, "pipeline", keys);
	const ls_ynode *v;
	if (e == LS_OK && (v = ls_ynode_get(root, "name", NULL)))
		e = str(&R, v, "name", &p->name);
	if (e == LS_OK && ((v = ls_ynode_get(root, "vars", NULL)) ||
	                   (v = ls_ynode_get(root, "postprocessing", NULL)) ||
	                   (v = ls_ynode_get(root, "finalizers", NULL))))
		e = fail(&R, v, "vars, postprocessing and finalizers are not supported");
	if (e == LS_OK) {
		v = ls_ynode_get(root, "transformations", NULL);
		if (v == NULL || v->kind != LS_YNODE_SEQ)
			e = fail(&R, v ? v : root, "a pipeline needs a list of transformations");
		for (const ls_ynode *t = v ? v->first : NULL; t && e == LS_OK; t = t->next) {
			p->tf = ls_xgrow(p->tf, &p->cap, p->ntf + 1, sizeof *p->tf);
			memset(&p->tf[p->ntf], 0, sizeof p->tf[0]);
			e = read_transform(&R, t, &p->tf[p->ntf++]);
		}
	}
	ls_yaml_fini(&y);
	if (e != LS_OK) {
		ls_pipeline_free(p);
		return e;
	}
	*out = p;
	return LS_OK;
}

static ls_err slurp(const char *path, ls_buf *b, size_t max, ls_diag *d)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
	char chunk[65536];
	size_t n;
	ls_err e = LS_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > max) {
			e = ls_diag_set(d, LS_ERR_TOOLONG, path, 0, 0, "larger than %zu bytes",
			                max);
			break;
		}
		ls_buf_append(b, chunk, n);
	}
	if (e == LS_OK && ferror(f))
		e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
	fclose(f);
	return e;
}

ls_err ls_pipeline_load(ls_pipeline **out, const char *path, ls_diag *d)
{
	ls_buf b = LS_BUF_INIT;
	ls_err e = slurp(path, &b, LS_PIPELINE_FILE_MAX, d);
	if (e == LS_OK)
		e = ls_pipeline_load_mem(out, b.data ? b.data : "", b.len, path, d);
	else
		*out = NULL;
	ls_buf_fini(&b);
	return e;
}

static bool same(const char *want, const char *have)
{
	return want == NULL || (have && strcasecmp(want, have) == 0);
}

static bool applies(const transform *t, const ls_pl_logsource *ls)
{
	for (size_t i = 0; i < t->nconds; i++)
		if (!same(t->conds[i].category, ls->category) ||
		    !same(t->conds[i].product, ls->product) ||
		    !same(t->conds[i].service, ls->service))
			return false;
	return true;
}

void ls_pipeline_field(const ls_pipeline *p, const ls_pl_logsource *ls, ls_sv field, ls_buf *out)
{
	ls_buf_reset(out);
	ls_buf_append(out, field.ptr, field.len);
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ntf; i++) {
		const transform *t = &p->tf[i];
		if (t->type == TF_LOGSOURCE || !applies(t, ls) || out->len == 0)
			continue;
		if (t->type == TF_MAP) {
			for (size_t k = 0; k < t->nmap; k++)
				if (ls_sv_eq_cstr(ls_buf_sv(out), t->from[k])) {
					ls_buf_reset(out);
					ls_buf_append_cstr(out, t->to[k]);
					break;
				}
		} else if (t->type == TF_PREFIX) {
			ls_buf tmp = LS_BUF_INIT;
			ls_buf_append_cstr(&tmp, t->text);
			ls_buf_append(&tmp, out->data, out->len);
			ls_buf_reset(out);
			ls_buf_append(out, tmp.data, tmp.len);
			ls_buf_fini(&tmp);
		} else {
			ls_buf_append_cstr(out, t->text);
		}
	}
}

void ls_pipeline_logsource(const ls_pipeline *p, const ls_pl_logsource *in, ls_pl_logsource *out,
                           bool changed[3])
{
	*out = *in;
	changed[0] = changed[1] = changed[2] = false;
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ntf; i++) {
		const transform *t = &p->tf[i];
		if (t->type != TF_LOGSOURCE || !applies(t, out))
			continue;
		if (t->set.category) {
			out->category = t->set.category;
			changed[0] = true;
		}
		if (t->set.product) {
			out->product = t->set.product;
			changed[1] = true;
		}
		if (t->set.service) {
			out->service = t->set.service;
			changed[2] = true;
		}
	}
}

/* ----------------------------------------------------------- placeholders */

typedef struct ph_entry {
	char *name;
	ls_sv *values;
	char **owned;
	size_t n;
} ph_entry;

struct ls_placeholders {
	ph_entry *e;
	size_t n, cap;
};

void ls_placeholders_free(ls_placeholders *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < p->e[i].n; k++)
			free(p->e[i].owned[k]);
		free(p->e[i].owned);
		free(p->e[i].values);
		free(p->e[i].name);
	}
	free(p->e);
	free(p);
}

ls_err ls_placeholders_load_mem(ls_placeholders **out, const char *text, size_t len,
                                const char *file, ls_diag *d)
{
	*out = NULL;
	ls_yaml y;
	static const ls_yaml_limits lim = { .max_docs = 1,
		                            .max_nodes = 200000,
		                            .one_doc_reason =
		                                    "a placeholder file is one document" };
	ls_err e = ls_yaml_parse(&y, text, len, &lim, file, d);
	rd R = { file, d };
	ls_placeholders *p = ls_xcalloc(1, sizeof *p);
	const ls_ynode *root = y.ndocs ? y.docs[0].root : NULL;
	if (e == LS_OK && (root == NULL || root->kind != LS_YNODE_MAP))
		e = ls_diag_set(d, LS_ERR_PARSE, file, 1, 1,
		                "a placeholder file must map names to lists of values");
	for (const ls_ynode *k = root && e == LS_OK ? root->first : NULL;
	     k && k->next && e == LS_OK; k = k->next->next) {
		p->e = ls_xgrow(p->e, &p->cap, p->n + 1, sizeof *p->e);
		ph_entry *en = &p->e[p->n++];
		memset(en, 0, sizeof *en);
		e = str(&R, k, "placeholder name", &en->name);
		for (size_t i = 0; e == LS_OK && i + 1 < p->n; i++)
			if (strcmp(p->e[i].name, en->name) == 0)
				e = fail(&R, k, "placeholder '%s' is defined twice", en->name);
		const ls_ynode *v = k->next;
		size_t n = v->kind == LS_YNODE_SEQ ? 0 : 1;
		for (const ls_ynode *c = v->kind == LS_YNODE_SEQ ? v->first : NULL; c; c = c->next)
			n++;
		if (e == LS_OK && n == 0)
			e = fail(&R, v, "placeholder '%s' has no values", en->name);
		en->owned = ls_xcalloc(n ? n : 1, sizeof *en->owned);
		en->values = ls_xcalloc(n ? n : 1, sizeof *en->values);
		if (v->kind == LS_YNODE_SEQ) {
			for (const ls_ynode *c = v->first; c && e == LS_OK; c = c->next) {
				e = str(&R, c, "placeholder value", &en->owned[en->n]);
				if (e == LS_OK) {
					en->values[en->n] = ls_sv_from_cstr(en->owned[en->n]);
					en->n++;
				}
			}
		} else if (e == LS_OK) {
			e = str(&R, v, "placeholder value", &en->owned[0]);
			if (e == LS_OK) {
				en->values[0] = ls_sv_from_cstr(en->owned[0]);
				en->n = 1;
			}
		}
	}
	ls_yaml_fini(&y);
	if (e != LS_OK) {
		ls_placeholders_free(p);
		return e;
	}
	*out = p;
	return LS_OK;
}

ls_err ls_placeholders_load(ls_placeholders **out, const char *path, ls_diag *d)
{
	ls_buf b = LS_BUF_INIT;
	ls_err e = slurp(path, &b, LS_PIPELINE_FILE_MAX, d);
	if (e == LS_OK)
		e = ls_placeholders_load_mem(out, b.data ? b.data : "", b.len, path, d);
	else
		*out = NULL;
	ls_buf_fini(&b);
	return e;
}

ls_err ls_placeholders_lookup(void *ctx, ls_sv name, const ls_sv **values, size_t *n)
{
	const ls_placeholders *p = ctx;
	for (size_t i = 0; p && i < p->n; i++)
		if (ls_sv_eq_cstr(name, p->e[i].name)) {
			*values = p->e[i].values;
			*n = p->e[i].n;
			return LS_OK;
		}
	return LS_ERR_NOTFOUND;
}
