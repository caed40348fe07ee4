/*
 * correl.c - Sigma correlation rules: the `correlation:` section of a rule
 * document, and their evaluation over a time-ordered stream of matches.
 *
 * Parsing is strict, like the rest of the rule loader: every key under
 * `correlation:` must be known, every value well formed, and each problem
 * is reported with the line and column of the node at fault.
 *
 * Evaluation keeps, per correlation, one state per group (the values of the
 * group-by fields). Groups live in an open-addressing hash map keyed by a
 * keyed BLAKE2b hash of the group's values (exact bytes are compared on a
 * hash hit) and on a list in time order, so that expiry and window closing
 * only ever look at the list's head. Two window disciplines exist:
 *
 *   - conditions without an upper bound (gt, gte, eq) slide: the window is
 *     [t - timespan, t] at each match t, entries older than that are
 *     evicted as the group is touched, and the condition is decided as each
 *     match arrives. The group list is in order of last update, and a group
 *     whose last update left the window is dropped whole;
 *   - conditions with an upper bound (lt, lte, alone or with a lower bound)
 *     are decided once, when the window that opened with the group's first
 *     match, [first, first + timespan], closes: when time passes
 *     first + timespan, or at the end of input. The group list is in order
 *     of creation, which is also the order of closing.
 *
 * Either way a group is dropped once decided, so memory is bounded by the
 * matches inside live windows, never by the length of the input. Records
 * travel with the matches (a base match carries one, a chained correlation
 * alert carries the records of that alert) and are listed in alerts in time
 * order. docs/sigma.md states the semantics for users.
 */
#include "sigma/correl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"

/* ================================================================ names */

static const char *const type_names[] = { "event_count",      "value_count", "temporal",
	                                  "temporal_ordered", "value_sum",   "value_avg",
	                                  "value_percentile" };
#define NTYPES (sizeof type_names / sizeof type_names[0])

const char *ls_correl_type_name(ls_correl_type t)
{
	return (unsigned)t < NTYPES ? type_names[t] : "unknown";
}

static const char *const cmp_names[] = { "", "gt", "gte", "lt", "lte", "eq" };

static bool is_value_type(ls_correl_type t)
{
	return t == LS_CORREL_VALUE_COUNT || t == LS_CORREL_VALUE_SUM || t == LS_CORREL_VALUE_AVG ||
	       t == LS_CORREL_VALUE_PERCENTILE;
}

static bool is_temporal(ls_correl_type t)
{
	return t == LS_CORREL_TEMPORAL || t == LS_CORREL_TEMPORAL_ORDERED;
}

/*
 * A strict decimal number, as docs/sigma.md defines it: an optional sign,
 * digits with an optional fraction (or only a fraction, ".5"), an optional
 * exponent, nothing else, at most 64 bytes; finite. It is how condition
 * thresholds are written and how value_* types read a field (a JSON number
 * or a string holding one).
 */
static bool parse_number(ls_sv s, double *out)
{
	char buf[65];
	if (s.len == 0 || s.len >= sizeof buf) /* at most 64 bytes */
		return false;
	size_t i = 0, digits = 0;
	if (s.ptr[i] == '-' || s.ptr[i] == '+')
		i++;
	while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
		i++, digits++;
	if (i < s.len && s.ptr[i] == '.') {
		size_t frac = 0;
		for (i++; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++)
			frac++;
		if (frac == 0)
			return false;
		digits += frac;
	}
	if (digits == 0)
		return false;
	if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+'))
			i++;
		for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++)
			exp++;
		if (exp == 0)
			return false;
	}
	if (i != s.len)
		return false;
	memcpy(buf, s.ptr, s.len);
	buf[s.len] = '\0';
	char *end = NULL;
	errno = 0;
	double v = strtod(buf, &end);
	if (end != buf + s.len || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* ============================================================== parsing */

typedef struct pctx {
	const char *file;
	ls_diag *d;
} pctx;

static ls_err perr(const pctx *P, ls_err err, const ls_ynode *n, const char *fmt, ...)
        LS_PRINTF(4, 5);

static ls_err perr(const pctx *P, ls_err err, const ls_ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(P->d, err, P->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return err;
}

/* Untrusted text, shortened for a message. */
typedef struct shown {
	char buf[64];
} shown;

static const char *show(shown *s, const char *text, size_t len)
{
	return ls_yaml_shown(text, len, s->buf, sizeof s->buf);
}

/* A non-empty string scalar without NUL bytes, copied. */
static ls_err get_str(const pctx *P, const ls_ynode *n, const char *what, char **out)
{
	if (n->kind == LS_YNODE_SCALAR && !ls_ynode_is_null(n) && n->len == 0)
		return perr(P, LS_ERR_PARSE, n, "%s: expected a string, got an empty one", what);
	*out = NULL;
	return ls_ynode_string(n, what, P->file, P->d, out);
}

/* A string or a list of distinct strings; lists may not be empty. */
static ls_err get_str_list(const pctx *P, const ls_ynode *n, const char *what, char ***out,
                           size_t *count)
{
	if (n->kind == LS_YNODE_MAP || ls_ynode_is_null(n))
		return perr(P, LS_ERR_PARSE, n,
		            "%s: expected a string or a list of strings, got %s", what,
		            ls_ynode_kind_name(n));
	if (n->kind == LS_YNODE_SEQ && n->first == NULL)
		return perr(P, LS_ERR_PARSE, n, "%s: an empty list", what);
	size_t cap = 0;
	const ls_ynode *one = n->kind == LS_YNODE_SCALAR ? n : n->first;
	for (const ls_ynode *x = one; x; x = n->kind == LS_YNODE_SCALAR ? NULL : x->next) {
		char *s = NULL;
		ls_err e = get_str(P, x, what, &s);
		if (e != LS_OK)
			return e;
		for (size_t i = 0; i < *count; i++)
			if (strcmp((*out)[i], s) == 0) {
				shown sh;
				e = perr(P, LS_ERR_PARSE, x, "%s: '%s' is listed twice", what,
				         show(&sh, s, strlen(s)));
				free(s);
				return e;
			}
		*out = ls_xgrow(*out, &cap, *count + 1, sizeof **out);
		(*out)[(*count)++] = s;
	}
	return LS_OK;
}

static ls_err parse_type(const pctx *P, ls_correl *c, const ls_ynode *v)
{
	if (v->kind == LS_YNODE_SCALAR)
		for (size_t i = 0; i < NTYPES; i++)
			if (ls_sv_eq_cstr(ls_ynode_sv(v), type_names[i])) {
				c->type = (ls_correl_type)i;
				return LS_OK;
			}
	shown sh;
	return perr(P, LS_ERR_PARSE, v,
	            "correlation.type: unknown type '%s' (expected event_count, value_count, "
	            "temporal, temporal_ordered, value_sum, value_avg or value_percentile)",
	            v->kind == LS_YNODE_SCALAR ? show(&sh, v->text, v->len)
	                                       : ls_ynode_kind_name(v));
}

/* N followed by s, m, h, d or w; N > 0. */
static ls_err parse_timespan(const pctx *P, ls_correl *c, const ls_ynode *v)
{
	shown sh;
	if (v->kind != LS_YNODE_SCALAR || v->len < 2)
		goto bad;
	ls_sv t = ls_ynode_sv(v);
	ls_time unit;
	switch (t.ptr[t.len - 1]) {
	case 's': unit = LS_USEC_PER_SEC; break;
	case 'm': unit = LS_USEC_PER_MIN; break;
	case 'h': unit = LS_USEC_PER_HOUR; break;
	case 'd': unit = LS_USEC_PER_DAY; break;
	case 'w': unit = 7 * LS_USEC_PER_DAY; break;
	default: goto bad;
	}
	uint64_t n;
	if (ls_sv_to_u64(ls_sv_sub(t, 0, t.len - 1), &n) != LS_OK) {
		if (t.len > 1 && t.ptr[0] >= '0' && t.ptr[0] <= '9') {
			size_t i = 0;
			while (i < t.len - 1 && t.ptr[i] >= '0' && t.ptr[i] <= '9')
				i++;
			if (i == t.len - 1)
				return perr(P, LS_ERR_PARSE, v,
				            "correlation.timespan: '%s' is too long",
				            show(&sh, v->text, v->len));
		}
		goto bad;
	}
	if (n == 0)
		return perr(P, LS_ERR_PARSE, v, "correlation.timespan: must be longer than 0");
	if (n > (uint64_t)(LS_TIME_MAX / unit))
		return perr(P, LS_ERR_PARSE, v, "correlation.timespan: '%s' is too long",
		            show(&sh, v->text, v->len));
	c->timespan = (ls_time)n * unit;
	return LS_OK;
bad:
	return perr(P, LS_ERR_PARSE, v,
	            "correlation.timespan: expected a number followed by s, m, h, d or w (e.g. "
	            "30s, 5m, 1h, 1d), got %s%s%s",
	            v->kind == LS_YNODE_SCALAR ? "'" : "",
	            v->kind == LS_YNODE_SCALAR ? show(&sh, v->text, v->len) : ls_ynode_kind_name(v),
	            v->kind == LS_YNODE_SCALAR ? "'" : "");
}

static ls_err get_number(const pctx *P, const ls_ynode *v, const char *what, double *out)
{
	if (!ls_ynode_is_plain(v) || !parse_number(ls_ynode_sv(v), out)) {
		shown sh;
		return perr(P, LS_ERR_PARSE, v, "%s: expected a number, got %s%s%s", what,
		            v->kind == LS_YNODE_SCALAR ? "'" : "",
		            v->kind == LS_YNODE_SCALAR ? show(&sh, v->text, v->len)
		                                       : ls_ynode_kind_name(v),
		            v->kind == LS_YNODE_SCALAR ? "'" : "");
	}
	return LS_OK;
}

static bool is_lower(ls_cmp c)
{
	return c == LS_CMP_GT || c == LS_CMP_GTE;
}

static bool is_upper(ls_cmp c)
{
	return c == LS_CMP_LT || c == LS_CMP_LTE;
}

static ls_err parse_condition(const pctx *P, ls_correl *c, const ls_ynode *cond,
                              const ls_ynode *ckey)
{
	const char *tn = type_names[c->type];
	if (cond == NULL) {
		if (!is_temporal(c->type))
			return perr(P, LS_ERR_PARSE, ckey, "correlation: type %s needs a condition",
			            tn);
		/* temporal types default to "every rule matched" */
		c->cmp[0] = LS_CMP_GTE;
		c->threshold[0] = (double)c->nrules;
		c->ncmp = 1;
		return LS_OK;
	}
	if (cond->kind != LS_YNODE_MAP)
		return perr(P, LS_ERR_PARSE, cond,
		            "correlation.condition: expected a mapping, got %s",
		            ls_ynode_kind_name(cond));
	bool have_pct = false;
	for (const ls_ynode *k = cond->first; k && k->next; k = k->next->next) {
		const ls_ynode *v = k->next;
		ls_sv name = k->kind == LS_YNODE_SCALAR ? ls_ynode_sv(k) : LS_SV_LIT("");
		ls_cmp cmp = LS_CMP_NONE;
		for (unsigned i = 1; i < sizeof cmp_names / sizeof cmp_names[0]; i++)
			if (ls_sv_eq_cstr(name, cmp_names[i]))
				cmp = (ls_cmp)i;
		if (cmp != LS_CMP_NONE) {
			for (size_t i = 0; i < c->ncmp; i++)
				if (c->cmp[i] == cmp)
					return perr(P, LS_ERR_PARSE, k,
					            "correlation.condition: '%s' is given twice",
					            cmp_names[cmp]);
			if (c->ncmp == 2)
				return perr(
				        P, LS_ERR_PARSE, k,
				        "correlation.condition: at most two comparisons (a lower "
				        "bound and an upper bound)");
			char what[48];
			snprintf(what, sizeof what, "correlation.condition.%s", cmp_names[cmp]);
			ls_err e = get_number(P, v, what, &c->threshold[c->ncmp]);
			if (e != LS_OK)
				return e;
			if (c->ncmp == 1) {
				ls_cmp a = c->cmp[0];
				if (a == LS_CMP_EQ || cmp == LS_CMP_EQ)
					return perr(
					        P, LS_ERR_PARSE, k,
					        "correlation.condition: eq cannot be combined with "
					        "another comparison");
				if (is_lower(a) == is_lower(cmp))
					return perr(
					        P, LS_ERR_PARSE, k,
					        "correlation.condition: %s and %s cannot be "
					        "combined "
					        "(a range is one of gt, gte and one of lt, lte)",
					        cmp_names[a], cmp_names[cmp]);
				double lo = is_lower(a) ? c->threshold[0] : c->threshold[1];
				double hi = is_lower(a) ? c->threshold[1] : c->threshold[0];
				ls_cmp lc = is_lower(a) ? a : cmp, hc = is_lower(a) ? cmp : a;
				if (lo > hi || (lo == hi && (lc == LS_CMP_GT || hc == LS_CMP_LT)))
					return perr(
					        P, LS_ERR_PARSE, k,
					        "correlation.condition: %s %g and %s %g leave no "
					        "value that satisfies both",
					        cmp_names[lc], lo, cmp_names[hc], hi);
			}
			c->cmp[c->ncmp++] = cmp;
		} else if (ls_sv_eq_cstr(name, "field")) {
			if (c->field)
				return perr(P, LS_ERR_PARSE, k,
				            "correlation.condition: 'field' is given twice");
			if (!is_value_type(c->type))
				return perr(
				        P, LS_ERR_PARSE, k,
				        "correlation.condition.field: type %s does not use a field",
				        tn);
			if (v->kind == LS_YNODE_SEQ)
				return perr(P, LS_ERR_UNSUPPORTED, v,
				            "correlation.condition.field: a list of fields is not "
				            "supported; give one field");
			ls_err e = get_str(P, v, "correlation.condition.field", &c->field);
			if (e != LS_OK)
				return e;
		} else if (ls_sv_eq_cstr(name, "percentile")) {
			if (have_pct)
				return perr(P, LS_ERR_PARSE, k,
				            "correlation.condition: 'percentile' is given twice");
			if (c->type != LS_CORREL_VALUE_PERCENTILE)
				return perr(P, LS_ERR_PARSE, k,
				            "correlation.condition.percentile: only type "
				            "value_percentile takes a percentile");
			ls_err e = get_number(P, v, "correlation.condition.percentile",
			                      &c->percentile);
			if (e != LS_OK)
				return e;
			if (c->percentile < 0 || c->percentile > 100)
				return perr(
				        P, LS_ERR_PARSE, v,
				        "correlation.condition.percentile: must be from 0 to 100");
			have_pct = true;
		} else {
			shown sh;
			return perr(P, LS_ERR_PARSE, k,
			            "correlation.condition: unknown key '%s' (known: gt, gte, lt, "
			            "lte, eq, field, percentile)",
			            k->kind == LS_YNODE_SCALAR ? show(&sh, k->text, k->len)
			                                       : ls_ynode_kind_name(k));
		}
	}
	if (c->ncmp == 0)
		return perr(P, LS_ERR_PARSE, cond,
		            "correlation.condition: needs a comparison: gt, gte, lt, lte or eq");
	if (is_value_type(c->type) && c->field == NULL)
		return perr(P, LS_ERR_PARSE, cond, "correlation.condition: type %s needs a field",
		            tn);
	return LS_OK;
}

static bool in_list(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static ls_err parse_aliases(const pctx *P, ls_correl *c, const ls_ynode *v)
{
	if (v->kind != LS_YNODE_MAP)
		return perr(P, LS_ERR_PARSE, v, "correlation.aliases: expected a mapping, got %s",
		            ls_ynode_kind_name(v));
	size_t cap = 0;
	for (const ls_ynode *k = v->first; k && k->next; k = k->next->next) {
		char *name = NULL;
		ls_err e = get_str(P, k, "correlation.aliases", &name);
		if (e != LS_OK)
			return e;
		shown sh;
		for (size_t i = 0; i < c->naliases; i++)
			if (strcmp(c->aliases[i].name, name) == 0) {
				e = perr(P, LS_ERR_PARSE, k,
				         "correlation.aliases: '%s' is given twice",
				         show(&sh, name, strlen(name)));
				free(name);
				return e;
			}
		if (!in_list(c->group_by, c->ngroup_by, name) &&
		    !(c->field && strcmp(c->field, name) == 0)) {
			e = perr(P, LS_ERR_PARSE, k,
			         "correlation.aliases: '%s' is used neither in group-by nor as the "
			         "condition's field",
			         show(&sh, name, strlen(name)));
			free(name);
			return e;
		}
		c->aliases = ls_xgrow(c->aliases, &cap, c->naliases + 1, sizeof *c->aliases);
		ls_correl_alias *a = &c->aliases[c->naliases++];
		memset(a, 0, sizeof *a);
		a->name = name;
		const ls_ynode *m = k->next;
		if (m->kind != LS_YNODE_MAP || m->first == NULL)
			return perr(P, LS_ERR_PARSE, m,
			            "correlation.aliases.%s: expected a mapping of rule names to "
			            "field names, got %s",
			            show(&sh, name, strlen(name)),
			            m->kind == LS_YNODE_MAP ? "an empty one"
			                                    : ls_ynode_kind_name(m));
		size_t rcap = 0, fcap = 0;
		for (const ls_ynode *rk = m->first; rk && rk->next; rk = rk->next->next) {
			char *rule = NULL, *field = NULL;
			if ((e = get_str(P, rk, "correlation.aliases", &rule)) != LS_OK)
				return e;
			if (!in_list(c->rules, c->nrules, rule) || in_list(a->rules, a->n, rule)) {
				shown sr;
				e = perr(
				        P, LS_ERR_PARSE, rk,
				        in_list(a->rules, a->n, rule)
				                ? "correlation.aliases.%s: rule '%s' is given twice"
				                : "correlation.aliases.%s: '%s' is not one of the "
				                  "correlation's rules",
				        show(&sh, name, strlen(name)),
				        show(&sr, rule, strlen(rule)));
				free(rule);
				return e;
			}
			if ((e = get_str(P, rk->next, "correlation.aliases", &field)) != LS_OK) {
				free(rule);
				return e;
			}
			a->rules = ls_xgrow(a->rules, &rcap, a->n + 1, sizeof *a->rules);
			a->fields = ls_xgrow(a->fields, &fcap, a->n + 1, sizeof *a->fields);
			a->rules[a->n] = rule;
			a->fields[a->n] = field;
			a->n++;
		}
	}
	return LS_OK;
}

static ls_err parse_bool(const pctx *P, const ls_ynode *v, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	if (ls_ynode_is_plain(v))
		for (size_t i = 0; i < 3; i++) {
			if (ls_sv_eq_cstr(ls_ynode_sv(v), yes[i])) {
				*out = true;
				return LS_OK;
			}
			if (ls_sv_eq_cstr(ls_ynode_sv(v), no[i])) {
				*out = false;
				return LS_OK;
			}
		}
	return perr(P, LS_ERR_PARSE, v, "%s: expected true or false", what);
}

/* The keys of `correlation:`, in the order they are checked. */
enum { K_TYPE, K_RULES, K_GROUP_BY, K_TIMESPAN, K_CONDITION, K_ALIASES, K_GENERATE, K_COUNT };
static const char *const key_names[K_COUNT] = { "type",      "rules",   "group-by", "timespan",
	                                        "condition", "aliases", "generate" };

ls_err ls_correl_parse(ls_correl *c, const ls_ynode *root, const char *file, ls_diag *d)
{
	memset(c, 0, sizeof *c);
	c->percentile = 95;
	pctx P = { file, d };
	const ls_ynode *ckey = NULL;
	const ls_ynode *cor = ls_ynode_get(root, "correlation", &ckey);
	if (cor == NULL)
		return perr(&P, LS_ERR_PARSE, root, "a correlation rule needs a correlation");
	if (cor->kind != LS_YNODE_MAP)
		return perr(&P, LS_ERR_PARSE, cor, "correlation: expected a mapping, got %s",
		            ls_ynode_kind_name(cor));
	static const char *const foreign[] = { "logsource", "detection" };
	for (size_t i = 0; i < 2; i++) {
		const ls_ynode *k = NULL;
		if (ls_ynode_get(root, foreign[i], &k))
			return perr(
			        &P, LS_ERR_PARSE, k,
			        "%s: a correlation rule has no %s (put the detection in its own "
			        "rule document and name it in correlation.rules)",
			        foreign[i], foreign[i]);
	}
	const ls_ynode *v;
	if ((v = ls_ynode_get(root, "id", NULL)) && v->kind == LS_YNODE_SCALAR &&
	    !ls_ynode_is_null(v) && v->len && !memchr(v->text, '\0', v->len))
		c->id = ls_xstrndup(v->text, v->len);
	if ((v = ls_ynode_get(root, "name", NULL)) && v->kind == LS_YNODE_SCALAR &&
	    !ls_ynode_is_null(v) && v->len && !memchr(v->text, '\0', v->len))
		c->name = ls_xstrndup(v->text, v->len);

	const ls_ynode *val[K_COUNT] = { 0 }, *key[K_COUNT] = { 0 };
	for (const ls_ynode *k = cor->first; k && k->next; k = k->next->next) {
		size_t i = 0;
		while (i < K_COUNT &&
		       !(k->kind == LS_YNODE_SCALAR && ls_sv_eq_cstr(ls_ynode_sv(k), key_names[i])))
			i++;
		shown sh;
		if (i == K_COUNT)
			return perr(&P, LS_ERR_PARSE, k,
			            "correlation: unknown key '%s' (known: type, rules, group-by, "
			            "timespan, condition, aliases, generate)",
			            k->kind == LS_YNODE_SCALAR ? show(&sh, k->text, k->len)
			                                       : ls_ynode_kind_name(k));
		if (val[i])
			return perr(&P, LS_ERR_PARSE, k, "correlation: '%s' is given twice",
			            key_names[i]);
		val[i] = k->next;
		key[i] = k;
	}
	static const int required[] = { K_TYPE, K_RULES, K_TIMESPAN };
	for (size_t i = 0; i < 3; i++)
		if (val[required[i]] == NULL)
			return perr(&P, LS_ERR_PARSE, ckey, "correlation: missing '%s'",
			            key_names[required[i]]);
	ls_err e;
	if ((e = parse_type(&P, c, val[K_TYPE])) != LS_OK)
		return e;
	if ((e = get_str_list(&P, val[K_RULES], "correlation.rules", &c->rules, &c->nrules)) !=
	    LS_OK)
		return e;
	if (val[K_GROUP_BY] && (e = get_str_list(&P, val[K_GROUP_BY], "correlation.group-by",
	                                         &c->group_by, &c->ngroup_by)) != LS_OK)
		return e;
	if ((e = parse_timespan(&P, c, val[K_TIMESPAN])) != LS_OK)
		return e;
	if ((e = parse_condition(&P, c, val[K_CONDITION], ckey)) != LS_OK)
		return e;
	if (val[K_ALIASES] && (e = parse_aliases(&P, c, val[K_ALIASES])) != LS_OK)
		return e;
	const ls_ynode *gkey = NULL;
	const ls_ynode *top = ls_ynode_get(root, "generate", &gkey);
	if (top && val[K_GENERATE])
		return perr(&P, LS_ERR_PARSE, key[K_GENERATE],
		            "correlation.generate: generate is also given at the top level (line "
		            "%lu); give it once",
		            gkey->line);
	if (top && (e = parse_bool(&P, top, "generate", &c->generate)) != LS_OK)
		return e;
	if (val[K_GENERATE] &&
	    (e = parse_bool(&P, val[K_GENERATE], "correlation.generate", &c->generate)) != LS_OK)
		return e;
	return LS_OK;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ls_correl_fini(ls_correl *c)
{
	if (c == NULL)
		return;
	free_strs(c->rules, c->nrules);
	free_strs(c->group_by, c->ngroup_by);
	free(c->field);
	for (size_t i = 0; i < c->naliases; i++) {
		free(c->aliases[i].name);
		free_strs(c->aliases[i].rules, c->aliases[i].n);
		free_strs(c->aliases[i].fields, c->aliases[i].n);
	}
	free(c->aliases);
	free(c->id);
	free(c->name);
	memset(c, 0, sizeof *c);
}

/* ============================================================ hash maps */

/*
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones), over nodes that carry their own hash and key bytes. The
 * table grows at load 1/2 and shrinks at load 1/8, and is freed when empty,
 * so its size follows the live state.
 */
typedef struct hnode {
	uint64_t hash;
	const char *key;
	size_t klen;
} hnode;

typedef struct hmap {
	hnode **slot;
	size_t cap; /* 0 or a power of two */
	size_t n;
} hmap;

static hnode *hmap_find(const hmap *m, uint64_t h, const char *k, size_t klen)
{
	if (m->cap == 0)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		hnode *x = m->slot[i];
		if (x == NULL)
			return NULL;
		if (x->hash == h && x->klen == klen && (klen == 0 || memcmp(x->key, k, klen) == 0))
			return x;
	}
}

static void hmap_place(hnode **slot, size_t cap, hnode *x)
{
	size_t mask = cap - 1, i = (size_t)x->hash & mask;
	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = x;
}

static void hmap_resize(hmap *m, size_t cap)
{
	hnode **old = m->slot;
	size_t ocap = m->cap;
	m->slot = ls_xcalloc(cap, sizeof *m->slot);
	m->cap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			hmap_place(m->slot, cap, old[i]);
	free(old);
}

static void hmap_insert(hmap *m, hnode *x)
{
	if ((m->n + 1) * 2 > m->cap)
		hmap_resize(m, m->cap ? m->cap * 2 : 16);
	hmap_place(m->slot, m->cap, x);
	m->n++;
}

static void hmap_remove(hmap *m, hnode *x)
{
	size_t mask = m->cap - 1, i = (size_t)x->hash & mask;
	while (m->slot[i] != x)
		i = (i + 1) & mask;
	for (size_t j = i;;) {
		j = (j + 1) & mask;
		hnode *y = m->slot[j];
		if (y == NULL)
			break;
		size_t home = (size_t)y->hash & mask;
		/* y stays if its home lies cyclically in (i, j] */
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (!stays) {
			m->slot[i] = y;
			i = j;
		}
	}
	m->slot[i] = NULL;
	m->n--;
	if (m->n == 0) {
		free(m->slot);
		m->slot = NULL;
		m->cap = 0;
	} else if (m->cap > 16 && m->n * 8 < m->cap) {
		hmap_resize(m, m->cap / 2);
	}
}

/* ============================================================== records */

/* A record with the event time of its match and the order in which it arrived. */
typedef struct trec {
	ls_time t;
	uint64_t order;
	ls_recref ref;
} trec;

/* The records one match brings: one for a base match, an alert's for a chained one. */
typedef struct bundle {
	uint32_t n;
	union {
		trec one;
		trec *many;
	} u;
} bundle;

static const trec *bundle_recs(const bundle *b)
{
	return b->n > 1 ? b->u.many : &b->u.one;
}

static void bundle_free(bundle *b)
{
	if (b->n > 1)
		free(b->u.many);
	b->n = 0;
}

static void bundle_set(bundle *b, const trec *r, size_t n)
{
	bundle_free(b);
	if (n == 1) {
		b->u.one = r[0];
	} else if (n > 1) {
		b->u.many = ls_xreallocarray(NULL, n, sizeof *r);
		memcpy(b->u.many, r, n * sizeof *r);
	}
	b->n = (uint32_t)n;
}

static void bundle_copy(bundle *dst, const bundle *src)
{
	bundle_set(dst, bundle_recs(src), src->n);
}

/* ========================================================== group state */

typedef struct entry {
	ls_time t;
	double num;
	bundle b;
} entry;

/* value_count: one distinct value, with its latest match. */
typedef struct vnode {
	hnode h;
	struct vnode *prev, *next;
	ls_time t;
	bundle b;
	char key[];
} vnode;

/* temporal: the latest match of one rule. */
typedef struct slotrec {
	bool set;
	ls_time t;
	bundle b;
} slotrec;

/*
 * temporal_ordered: progs[j] is the progression through rules 0..j with the
 * latest possible start (a later start leaves more room for what follows);
 * chain[0..j] are its matches' records.
 */
typedef struct prog {
	bool set;
	ls_time start;
	bundle *chain;
} prog;

typedef struct group {
	hnode h;
	struct group *prev, *next;
	ls_time first; /* the window's first match (the window opens here) */
	ls_time last;  /* the last match that changed the state */
	uint64_t serial;
	ls_sv *gv; /* the group-by values, pointing into key */
	/* event_count, value_sum, value_avg, value_percentile: a ring of matches */
	entry *ent;
	size_t head, n, cap;
	double sum;
	size_t drift;   /* evictions since sum was last recomputed */
	double *sorted; /* value_percentile: the window's values in order */
	size_t nsorted, scap;
	/* value_count */
	hmap vals;
	vnode *vfirst, *vlast;
	/* temporal, temporal_ordered: one per rule */
	slotrec *slots;
	prog *progs;
	char key[];
} group;

typedef struct sub {
	uint32_t corr, slot;
} sub;

typedef struct cstate {
	ls_correl def; /* shallow copy: the strings are borrowed */
	size_t ng, nslots;
	bool at_close;    /* an upper bound: decided when the window closes */
	uint32_t *target; /* per slot: base rule, or nbase + correlation */
	ls_sv *gnames;    /* the group-by names */
	ls_sv *gfield;    /* [slot * ng + g]: the field read for group-by g */
	ls_sv *vfield;    /* [slot]: the field read for the value */
	hmap groups;
	group *first, *last; /* closing order (at_close) or last-update order */
	ls_buf key;          /* scratch: the group key being looked up */
	ls_event synth;      /* scratch: this correlation's alert as a chained match */
} cstate;

struct ls_correl_engine {
	cstate *c;
	size_t n, nbase;
	sub *subs;
	size_t *soff; /* subscribers of source s: subs[soff[s] .. soff[s + 1]) */
	bool *base_alerts, *corr_alerts;
	ls_time now;
	/* the last base match fed, to count an event that several rules match once */
	uint64_t serial;
	bool last_valid;
	ls_time last_t;
	ls_recref last_ref;
	unsigned char hkey[crypto_generichash_KEYBYTES];
};

static ls_time sat_add(ls_time a, ls_time b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static ls_time sat_sub(ls_time a, ls_time b)
{
	return a < INT64_MIN + b ? INT64_MIN : a - b;
}

static uint64_t hash_bytes(const ls_correl_engine *e, const void *p, size_t n)
{
	unsigned char out[crypto_generichash_BYTES_MIN];
	static const unsigned char empty = 0;
	if (crypto_generichash(out, sizeof out, n ? p : &empty, n, e->hkey, sizeof e->hkey) != 0)
		abort(); /* cannot fail with these sizes */
	uint64_t h;
	memcpy(&h, out, sizeof h);
	return h;
}

/* ---- the ring of matches */

static entry *ring_at(const group *g, size_t i)
{
	return &g->ent[(g->head + i) % g->cap];
}

static void ring_resize(group *g, size_t cap)
{
	entry *v = ls_xreallocarray(NULL, cap, sizeof *v);
	for (size_t i = 0; i < g->n; i++)
		v[i] = *ring_at(g, i);
	free(g->ent);
	g->ent = v;
	g->cap = cap;
	g->head = 0;
}

static entry *ring_push(group *g)
{
	if (g->n == g->cap)
		ring_resize(g, g->cap ? g->cap * 2 : 8);
	entry *x = ring_at(g, g->n++);
	memset(x, 0, sizeof *x);
	return x;
}

static void sorted_insert(group *g, double v)
{
	size_t lo = 0, hi = g->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->sorted[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	g->sorted = ls_xgrow(g->sorted, &g->scap, g->nsorted + 1, sizeof *g->sorted);
	memmove(g->sorted + lo + 1, g->sorted + lo, (g->nsorted - lo) * sizeof *g->sorted);
	g->sorted[lo] = v;
	g->nsorted++;
}

static void sorted_remove(group *g, double v)
{
	size_t lo = 0, hi = g->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < g->nsorted) {
		memmove(g->sorted + lo, g->sorted + lo + 1,
		        (g->nsorted - lo - 1) * sizeof *g->sorted);
		g->nsorted--;
	}
	if (g->scap > 64 && g->nsorted * 4 < g->scap) {
		g->scap /= 2;
		g->sorted = ls_xreallocarray(g->sorted, g->scap, sizeof *g->sorted);
	}
}

static void ring_pop(const cstate *cs, group *g)
{
	entry *x = ring_at(g, 0);
	if (cs->def.type == LS_CORREL_VALUE_PERCENTILE)
		sorted_remove(g, x->num);
	g->sum -= x->num;
	g->drift++;
	bundle_free(&x->b);
	g->head = (g->head + 1) % g->cap;
	g->n--;
	if (g->n == 0) {
		g->sum = 0;
		g->drift = 0;
	} else if (g->drift > g->n) {
		/* a running sum drifts under subtraction: recompute now and then */
		g->sum = 0;
		for (size_t i = 0; i < g->n; i++)
			g->sum += ring_at(g, i)->num;
		g->drift = 0;
	}
	if (g->cap > 16 && g->n * 4 < g->cap)
		ring_resize(g, g->cap / 2);
}

/* ---- value_count's distinct values */

static void vnode_unlink(group *g, vnode *v)
{
	if (v->prev)
		v->prev->next = v->next;
	else
		g->vfirst = v->next;
	if (v->next)
		v->next->prev = v->prev;
	else
		g->vlast = v->prev;
	v->prev = v->next = NULL;
}

static void vnode_append(group *g, vnode *v)
{
	v->prev = g->vlast;
	v->next = NULL;
	if (g->vlast)
		g->vlast->next = v;
	else
		g->vfirst = v;
	g->vlast = v;
}

static void vnode_drop(group *g, vnode *v)
{
	vnode_unlink(g, v);
	hmap_remove(&g->vals, &v->h);
	bundle_free(&v->b);
	free(v);
}

/* ---- temporal_ordered progressions */

static void prog_clear(prog *p, size_t len)
{
	if (p->chain) {
		for (size_t i = 0; i < len; i++)
			bundle_free(&p->chain[i]);
		free(p->chain);
	}
	p->chain = NULL;
	p->set = false;
}

/* ---- groups */

static void list_unlink(cstate *cs, group *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		cs->first = g->next;
	if (g->next)
		g->next->prev = g->prev;
	else
		cs->last = g->prev;
	g->prev = g->next = NULL;
}

static void list_append(cstate *cs, group *g)
{
	g->prev = cs->last;
	g->next = NULL;
	if (cs->last)
		cs->last->next = g;
	else
		cs->first = g;
	cs->last = g;
}

static group *group_new(cstate *cs, uint64_t h, const ls_buf *key)
{
	group *g = ls_xcalloc(1, sizeof *g + key->len + 1);
	memcpy(g->key, key->data, key->len);
	g->h.hash = h;
	g->h.key = g->key;
	g->h.klen = key->len;
	g->gv = ls_xcalloc(cs->ng ? cs->ng : 1, sizeof *g->gv);
	size_t off = 0;
	for (size_t i = 0; i < cs->ng; i++) {
		uint32_t len;
		memcpy(&len, g->key + off, sizeof len);
		g->gv[i] = ls_sv_make(g->key + off + sizeof len, len);
		off += sizeof len + len;
	}
	if (cs->def.type == LS_CORREL_TEMPORAL)
		g->slots = ls_xcalloc(cs->nslots, sizeof *g->slots);
	if (cs->def.type == LS_CORREL_TEMPORAL_ORDERED)
		g->progs = ls_xcalloc(cs->nslots, sizeof *g->progs);
	hmap_insert(&cs->groups, &g->h);
	list_append(cs, g);
	return g;
}

static void group_drop(cstate *cs, group *g)
{
	list_unlink(cs, g);
	hmap_remove(&cs->groups, &g->h);
	for (size_t i = 0; i < g->n; i++)
		bundle_free(&ring_at(g, i)->b);
	free(g->ent);
	free(g->sorted);
	while (g->vfirst)
		vnode_drop(g, g->vfirst);
	if (g->slots)
		for (size_t i = 0; i < cs->nslots; i++)
			bundle_free(&g->slots[i].b);
	free(g->slots);
	if (g->progs)
		for (size_t i = 0; i < cs->nslots; i++)
			prog_clear(&g->progs[i], i + 1);
	free(g->progs);
	free(g->gv);
	free(g);
}

/* Matches (and distinct values, rule slots, progression steps) a group holds. */
static size_t group_items(const cstate *cs, const group *g)
{
	size_t n = g->n + g->vals.n;
	for (size_t i = 0; g->slots && i < cs->nslots; i++)
		n += g->slots[i].set;
	for (size_t i = 0; g->progs && i < cs->nslots; i++)
		n += g->progs[i].set ? i + 1 : 0;
	return n;
}

/* Forget what happened before lo (sliding windows only). */
static void evict(cstate *cs, group *g, ls_time lo)
{
	while (g->n && ring_at(g, 0)->t < lo)
		ring_pop(cs, g);
	while (g->vfirst && g->vfirst->t < lo)
		vnode_drop(g, g->vfirst);
	for (size_t i = 0; g->slots && i < cs->nslots; i++)
		if (g->slots[i].set && g->slots[i].t < lo) {
			g->slots[i].set = false;
			bundle_free(&g->slots[i].b);
		}
	for (size_t i = 0; g->progs && i < cs->nslots; i++)
		if (g->progs[i].set && g->progs[i].start < lo)
			prog_clear(&g->progs[i], i + 1);
}

/* Linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC). */
static double percentile_of(const double *x, size_t n, double p)
{
	if (n == 0)
		return 0;
	double h = (double)(n - 1) * p / 100.0;
	size_t i = (size_t)floor(h);
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - (double)i) * (x[i + 1] - x[i]);
}

/* The group's current count, sum, average, percentile or number of rules. */
static double group_value(const cstate *cs, const group *g)
{
	size_t k = 0;
	switch (cs->def.type) {
	case LS_CORREL_EVENT_COUNT: return (double)g->n;
	case LS_CORREL_VALUE_COUNT: return (double)g->vals.n;
	case LS_CORREL_TEMPORAL:
		for (size_t i = 0; i < cs->nslots; i++)
			k += g->slots[i].set;
		return (double)k;
	case LS_CORREL_TEMPORAL_ORDERED:
		for (size_t i = 0; i < cs->nslots; i++)
			if (g->progs[i].set)
				k = i + 1;
		return (double)k;
	case LS_CORREL_VALUE_SUM: return g->sum;
	case LS_CORREL_VALUE_AVG: return g->n ? g->sum / (double)g->n : 0;
	case LS_CORREL_VALUE_PERCENTILE:
		return percentile_of(g->sorted, g->nsorted, cs->def.percentile);
	}
	return 0;
}

static bool cmp_holds(ls_cmp c, double v, double t)
{
	switch (c) {
	case LS_CMP_GT: return v > t;
	case LS_CMP_GTE: return v >= t;
	case LS_CMP_LT: return v < t;
	case LS_CMP_LTE: return v <= t;
	case LS_CMP_EQ: return v == t;
	case LS_CMP_NONE: break;
	}
	return false;
}

static bool condition_holds(const ls_correl *c, double v)
{
	for (size_t i = 0; i < c->ncmp; i++)
		if (!cmp_holds(c->cmp[i], v, c->threshold[i]))
			return false;
	return c->ncmp > 0;
}

/* ============================================================== alerts */

typedef struct srec {
	ls_time t;
	uint64_t order; /* arrival */
	size_t seq;     /* collection */
	const ls_recref *ref;
} srec;

static int cmp_str(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (a == NULL || b == NULL)
		return a == NULL ? -1 : 1;
	return strcmp(a, b);
}

static int by_time_then_record(const void *pa, const void *pb)
{
	const srec *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	int c = cmp_str(a->ref->source, b->ref->source);
	if (c == 0)
		c = strncmp(a->ref->rid, b->ref->rid, sizeof a->ref->rid);
	if (c)
		return c;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int by_time_then_arrival(const void *pa, const void *pb)
{
	const srec *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

typedef struct collect {
	srec *v;
	size_t n, cap;
} collect;

static void collect_bundle(collect *c, const bundle *b)
{
	const trec *r = bundle_recs(b);
	for (size_t i = 0; i < b->n; i++) {
		c->v = ls_xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
		c->v[c->n] = (srec){ r[i].t, r[i].order, c->n, &r[i].ref };
		c->n++;
	}
}

static void collect_group(const cstate *cs, const group *g, collect *c)
{
	for (size_t i = 0; i < g->n; i++)
		collect_bundle(c, &ring_at(g, i)->b);
	for (const vnode *v = g->vfirst; v; v = v->next)
		collect_bundle(c, &v->b);
	for (size_t i = 0; g->slots && i < cs->nslots; i++)
		if (g->slots[i].set)
			collect_bundle(c, &g->slots[i].b);
	if (g->progs) {
		size_t best = 0;
		for (size_t i = 0; i < cs->nslots; i++)
			if (g->progs[i].set)
				best = i + 1;
		for (size_t i = 0; i < best; i++)
			collect_bundle(c, &g->progs[best - 1].chain[i]);
	}
}

static void process(ls_correl_engine *e, uint32_t ci, uint32_t slot, ls_time t, const ls_event *ev,
                    const trec *recs, size_t nrec, uint64_t serial, ls_correl_alert_fn fn,
                    void *ctx);

/*
 * Report group g of correlation ci at time t with value v, then feed the
 * alert to the correlations over ci. The caller drops the group afterwards.
 */
static void fire(ls_correl_engine *e, uint32_t ci, group *g, ls_time t, double v,
                 ls_correl_alert_fn fn, void *ctx)
{
	cstate *cs = &e->c[ci];
	collect c = { 0 };
	collect_group(cs, g, &c);
	/* time order, then arrival; a record reached twice (through a chain) is listed once */
	if (c.n > 1)
		qsort(c.v, c.n, sizeof *c.v, by_time_then_record);
	size_t n = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (n && c.v[n - 1].t == c.v[i].t &&
		    cmp_str(c.v[n - 1].ref->source, c.v[i].ref->source) == 0 &&
		    strncmp(c.v[n - 1].ref->rid, c.v[i].ref->rid, sizeof c.v[i].ref->rid) == 0)
			continue;
		c.v[n++] = c.v[i];
	}
	if (n > 1)
		qsort(c.v, n, sizeof *c.v, by_time_then_arrival);
	size_t kept = n < LS_CORREL_RECORDS_MAX ? n : LS_CORREL_RECORDS_MAX;
	ls_recref *refs = ls_xcalloc(kept ? kept : 1, sizeof *refs);
	trec *tr = ls_xcalloc(kept ? kept : 1, sizeof *tr);
	for (size_t i = 0; i < kept; i++) {
		refs[i] = *c.v[i].ref;
		tr[i] = (trec){ c.v[i].t, c.v[i].order, *c.v[i].ref };
	}
	free(c.v);

	ls_correl_alert a = { .correl = ci,
		              .time = t,
		              .group_names = cs->gnames,
		              .group_values = g->gv,
		              .ngroup = cs->ng,
		              .records = refs,
		              .nrecords = kept,
		              .value = v,
		              .nrecords_total = n };
	if (fn)
		fn(ctx, &a);

	size_t src = e->nbase + ci;
	if (e->soff[src] < e->soff[src + 1]) {
		ls_event_reset(&cs->synth);
		for (size_t i = 0; i < cs->ng; i++)
			ls_event_add(&cs->synth, cs->gnames[i], g->gv[i], LS_VALUE_STRING, 0);
		for (size_t s = e->soff[src]; s < e->soff[src + 1]; s++)
			process(e, e->subs[s].corr, e->subs[s].slot, t, &cs->synth, tr, kept, 0, fn,
			        ctx);
	}
	free(refs);
	free(tr);
}

/* Decide a window that closed at `at` (at_close correlations), and drop it. */
static void close_group(ls_correl_engine *e, uint32_t ci, group *g, ls_time at,
                        ls_correl_alert_fn fn, void *ctx)
{
	cstate *cs = &e->c[ci];
	double v = group_value(cs, g);
	if (condition_holds(&cs->def, v))
		fire(e, ci, g, at, v, fn, ctx);
	group_drop(cs, g);
}

/* ============================================================ matching */

/* A group-by value: the field's first value; missing and null are empty. */
static ls_sv field_text(const ls_event *ev, ls_sv name)
{
	const ls_field *f = ls_event_get(ev, name);
	if (f == NULL || f->type == LS_VALUE_NULL)
		return ls_sv_make("", 0);
	return f->value;
}

static bool field_number(const ls_event *ev, ls_sv name, double *out)
{
	const ls_field *f = ls_event_get(ev, name);
	if (f == NULL || (f->type != LS_VALUE_NUMBER && f->type != LS_VALUE_STRING))
		return false;
	return parse_number(f->value, out);
}

/*
 * Add the match to the group's state. Returns false when nothing changed
 * (an event already counted, or a step that does not improve a progression).
 */
static bool add_match(const ls_correl_engine *e, cstate *cs, group *g, uint32_t slot, ls_time t,
                      double num, ls_sv sval, const trec *recs, size_t nrec, uint64_t serial)
{
	switch (cs->def.type) {
	case LS_CORREL_EVENT_COUNT:
	case LS_CORREL_VALUE_SUM:
	case LS_CORREL_VALUE_AVG:
	case LS_CORREL_VALUE_PERCENTILE: {
		if (serial && g->serial == serial)
			return false;
		entry *x = ring_push(g);
		x->t = t;
		x->num = num;
		bundle_set(&x->b, recs, nrec);
		g->sum += num;
		if (cs->def.type == LS_CORREL_VALUE_PERCENTILE)
			sorted_insert(g, num);
		break;
	}
	case LS_CORREL_VALUE_COUNT: {
		uint64_t h = hash_bytes(e, sval.ptr, sval.len);
		vnode *v = (vnode *)hmap_find(&g->vals, h, sval.ptr, sval.len);
		if (v) {
			vnode_unlink(g, v);
		} else {
			v = ls_xcalloc(1, sizeof *v + sval.len + 1);
			if (sval.len)
				memcpy(v->key, sval.ptr, sval.len);
			v->h = (hnode){ h, v->key, sval.len };
			hmap_insert(&g->vals, &v->h);
		}
		vnode_append(g, v);
		v->t = t;
		bundle_set(&v->b, recs, nrec);
		break;
	}
	case LS_CORREL_TEMPORAL:
		g->slots[slot].set = true;
		g->slots[slot].t = t;
		bundle_set(&g->slots[slot].b, recs, nrec);
		break;
	case LS_CORREL_TEMPORAL_ORDERED: {
		prog *q = &g->progs[slot];
		if (slot == 0) {
			prog_clear(q, 1);
			q->chain = ls_xcalloc(1, sizeof *q->chain);
			bundle_set(&q->chain[0], recs, nrec);
			q->start = t;
			q->set = true;
			break;
		}
		const prog *p = &g->progs[slot - 1];
		if (!p->set || (q->set && q->start >= p->start))
			return false;
		prog_clear(q, slot + 1);
		q->chain = ls_xcalloc(slot + 1, sizeof *q->chain);
		for (size_t i = 0; i < slot; i++)
			bundle_copy(&q->chain[i], &p->chain[i]);
		bundle_set(&q->chain[slot], recs, nrec);
		q->start = p->start;
		q->set = true;
		break;
	}
	}
	g->serial = serial;
	return true;
}

static void process(ls_correl_engine *e, uint32_t ci, uint32_t slot, ls_time t, const ls_event *ev,
                    const trec *recs, size_t nrec, uint64_t serial, ls_correl_alert_fn fn,
                    void *ctx)
{
	cstate *cs = &e->c[ci];
	const ls_correl *def = &cs->def;
	double num = 0;
	ls_sv sval = LS_SV_NULL;
	if (def->type == LS_CORREL_VALUE_COUNT) {
		const ls_field *f = ls_event_get(ev, cs->vfield[slot]);
		if (f == NULL || f->type == LS_VALUE_NULL)
			return;
		sval = f->value;
	} else if (is_value_type(def->type) && !field_number(ev, cs->vfield[slot], &num)) {
		return;
	}

	ls_buf *key = &cs->key;
	ls_buf_reset(key);
	ls_buf_reserve(key, 1);
	for (size_t i = 0; i < cs->ng; i++) {
		ls_sv v = field_text(ev, cs->gfield[slot * cs->ng + i]);
		uint32_t len = (uint32_t)v.len;
		ls_buf_append(key, &len, sizeof len);
		ls_buf_append(key, v.ptr, v.len);
	}
	uint64_t h = hash_bytes(e, key->data, key->len);
	group *g = (group *)hmap_find(&cs->groups, h, key->data, key->len);
	ls_time lo = sat_sub(t, def->timespan);
	if (g && cs->at_close && t > sat_add(g->first, def->timespan)) {
		/* unreachable while windows close before each match: never stretch one */
		close_group(e, ci, g, sat_add(g->first, def->timespan), fn, ctx);
		g = NULL;
	}
	if (g && !cs->at_close)
		evict(cs, g, lo);
	if (def->type == LS_CORREL_TEMPORAL_ORDERED && slot > 0 &&
	    (g == NULL || !g->progs[slot - 1].set))
		return; /* a later step with no earlier one opens nothing */
	if (g == NULL) {
		g = group_new(cs, h, key);
		g->first = t;
	}
	if (!add_match(e, cs, g, slot, t, num, sval, recs, nrec, serial))
		return;
	g->last = t;
	if (cs->at_close)
		return;
	if (g != cs->last) {
		list_unlink(cs, g);
		list_append(cs, g);
	}
	double v = group_value(cs, g);
	if (condition_holds(def, v)) {
		fire(e, ci, g, t, v, fn, ctx);
		group_drop(cs, g);
	}
}

/* =============================================================== engine */

static const char *label(const ls_correl *c, size_t i, char *buf, size_t cap)
{
	if (c->name)
		snprintf(buf, cap, "%zu (%s)", i, c->name);
	else if (c->id)
		snprintf(buf, cap, "%zu (%s)", i, c->id);
	else
		snprintf(buf, cap, "%zu", i);
	return buf;
}

static size_t resolve(const ls_correl *corr, size_t n, const char *const *ids,
                      const char *const *names, size_t nbase, const char *ref)
{
	for (size_t b = 0; ids && b < nbase; b++)
		if (ids[b] && strcmp(ids[b], ref) == 0)
			return b;
	for (size_t k = 0; k < n; k++)
		if (corr[k].id && strcmp(corr[k].id, ref) == 0)
			return nbase + k;
	for (size_t b = 0; names && b < nbase; b++)
		if (names[b] && strcmp(names[b], ref) == 0)
			return b;
	for (size_t k = 0; k < n; k++)
		if (corr[k].name && strcmp(corr[k].name, ref) == 0)
			return nbase + k;
	return SIZE_MAX;
}

/* Report a reference cycle among the correlations, if there is one. */
static ls_err find_cycle(const ls_correl_engine *e, ls_diag *d)
{
	size_t n = e->n;
	unsigned char *color = ls_xcalloc(n ? n : 1, 1); /* 0 new, 1 on the path, 2 done */
	size_t *stack = ls_xcalloc(n ? n : 1, sizeof *stack);
	size_t *next = ls_xcalloc(n ? n : 1, sizeof *next);
	ls_err err = LS_OK;
	for (size_t s = 0; s < n && err == LS_OK; s++) {
		if (color[s])
			continue;
		size_t sp = 0;
		stack[sp] = s;
		next[sp++] = 0;
		color[s] = 1;
		while (sp && err == LS_OK) {
			size_t u = stack[sp - 1];
			const cstate *cs = &e->c[u];
			if (next[sp - 1] == cs->nslots) {
				color[u] = 2;
				sp--;
				continue;
			}
			uint32_t tg = cs->target[next[sp - 1]++];
			if (tg < e->nbase)
				continue;
			size_t k = tg - e->nbase;
			if (color[k] == 0) {
				color[k] = 1;
				stack[sp] = k;
				next[sp++] = 0;
			} else if (color[k] == 1) {
				ls_buf path = LS_BUF_INIT;
				char lb[128];
				size_t from = 0;
				while (stack[from] != k)
					from++;
				for (size_t i = from; i < sp; i++) {
					ls_buf_append_cstr(&path, label(&e->c[stack[i]].def,
					                                stack[i], lb, sizeof lb));
					ls_buf_append_cstr(&path, " -> ");
				}
				ls_buf_append_cstr(&path, label(&e->c[k].def, k, lb, sizeof lb));
				err = ls_diag_set(d, LS_ERR_PARSE, NULL, 0, 0,
				                  "correlation %zu: reference cycle: %s", k,
				                  path.data);
				ls_buf_fini(&path);
			}
		}
	}
	free(color);
	free(stack);
	free(next);
	return err;
}

/* The field that group-by name (or value field) `name` reads in events of rule `rule`. */
static ls_sv aliased(const ls_correl *c, const char *name, const char *rule)
{
	for (size_t i = 0; i < c->naliases; i++) {
		if (strcmp(c->aliases[i].name, name) != 0)
			continue;
		for (size_t j = 0; j < c->aliases[i].n; j++)
			if (strcmp(c->aliases[i].rules[j], rule) == 0)
				return ls_sv_from_cstr(c->aliases[i].fields[j]);
	}
	return ls_sv_from_cstr(name);
}

ls_err ls_correl_engine_new(ls_correl_engine **out, const ls_correl *corr, size_t n,
                            const char *const *rule_ids, const char *const *rule_names,
                            size_t nbase, ls_diag *d)
{
	*out = NULL;
	if (sodium_init() < 0)
		return ls_diag_set(d, LS_ERR_CRYPTO, NULL, 0, 0, "libsodium failed to initialise");
	if (n + nbase >= UINT32_MAX)
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0, "too many rules");
	ls_correl_engine *e = ls_xcalloc(1, sizeof *e);
	e->n = n;
	e->nbase = nbase;
	e->now = INT64_MIN;
	randombytes_buf(e->hkey, sizeof e->hkey);
	e->c = ls_xcalloc(n ? n : 1, sizeof *e->c);
	e->base_alerts = ls_xcalloc(nbase ? nbase : 1, sizeof *e->base_alerts);
	e->corr_alerts = ls_xcalloc(n ? n : 1, sizeof *e->corr_alerts);
	e->soff = ls_xcalloc(nbase + n + 1, sizeof *e->soff);
	for (size_t b = 0; b < nbase; b++)
		e->base_alerts[b] = true;
	ls_err err = LS_OK;
	size_t nsubs = 0;
	for (size_t i = 0; i < n && err == LS_OK; i++) {
		cstate *cs = &e->c[i];
		cs->def = corr[i];
		cs->ng = corr[i].ngroup_by;
		cs->nslots = corr[i].nrules;
		e->corr_alerts[i] = true;
		for (size_t k = 0; k < corr[i].ncmp; k++)
			if (is_upper(corr[i].cmp[k]))
				cs->at_close = true;
		cs->target = ls_xcalloc(cs->nslots ? cs->nslots : 1, sizeof *cs->target);
		char lb[128];
		for (size_t j = 0; j < cs->nslots && err == LS_OK; j++) {
			const char *ref = corr[i].rules[j];
			size_t tg = resolve(corr, n, rule_ids, rule_names, nbase, ref);
			if (tg == SIZE_MAX) {
				err = ls_diag_set(
				        d, LS_ERR_NOTFOUND, NULL, 0, 0,
				        "correlation %s: rule '%s' is neither the id nor the "
				        "name of any rule",
				        label(&corr[i], i, lb, sizeof lb), ref);
				break;
			}
			for (size_t k = 0; k < j; k++)
				if (cs->target[k] == tg)
					err = ls_diag_set(
					        d, LS_ERR_PARSE, NULL, 0, 0,
					        "correlation %s: rules '%s' and '%s' are the "
					        "same rule",
					        label(&corr[i], i, lb, sizeof lb), corr[i].rules[k],
					        ref);
			cs->target[j] = (uint32_t)tg;
			e->soff[tg]++;
			nsubs++;
		}
	}
	if (err == LS_OK)
		err = find_cycle(e, d);
	if (err != LS_OK) {
		ls_correl_engine_free(e);
		return err;
	}
	/* subscribers of each source, in correlation then slot order */
	size_t acc = 0;
	for (size_t s = 0; s < nbase + n; s++) {
		size_t k = e->soff[s];
		e->soff[s] = acc;
		acc += k;
	}
	e->soff[nbase + n] = acc;
	e->subs = ls_xcalloc(nsubs ? nsubs : 1, sizeof *e->subs);
	size_t *fill = ls_xcalloc(nbase + n + 1, sizeof *fill);
	for (size_t i = 0; i < n; i++) {
		cstate *cs = &e->c[i];
		for (size_t j = 0; j < cs->nslots; j++) {
			uint32_t tg = cs->target[j];
			e->subs[e->soff[tg] + fill[tg]++] = (sub){ (uint32_t)i, (uint32_t)j };
			if (!cs->def.generate) {
				if (tg < nbase)
					e->base_alerts[tg] = false;
				else
					e->corr_alerts[tg - nbase] = false;
			}
		}
		cs->gnames = ls_xcalloc(cs->ng ? cs->ng : 1, sizeof *cs->gnames);
		for (size_t g = 0; g < cs->ng; g++)
			cs->gnames[g] = ls_sv_from_cstr(cs->def.group_by[g]);
		size_t nf = cs->ng * cs->nslots;
		cs->gfield = ls_xcalloc(nf ? nf : 1, sizeof *cs->gfield);
		cs->vfield = ls_xcalloc(cs->nslots ? cs->nslots : 1, sizeof *cs->vfield);
		for (size_t j = 0; j < cs->nslots; j++) {
			for (size_t g = 0; g < cs->ng; g++)
				cs->gfield[j * cs->ng + g] =
				        aliased(&cs->def, cs->def.group_by[g], cs->def.rules[j]);
			if (cs->def.field)
				cs->vfield[j] = aliased(&cs->def, cs->def.field, cs->def.rules[j]);
		}
	}
	free(fill);
	*out = e;
	return LS_OK;
}

void ls_correl_engine_free(ls_correl_engine *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++) {
		cstate *cs = &e->c[i];
		while (cs->first)
			group_drop(cs, cs->first);
		free(cs->groups.slot);
		free(cs->target);
		free(cs->gnames);
		free(cs->gfield);
		free(cs->vfield);
		ls_buf_fini(&cs->key);
		ls_event_fini(&cs->synth);
	}
	free(e->c);
	free(e->subs);
	free(e->soff);
	free(e->base_alerts);
	free(e->corr_alerts);
	free(e);
}

bool ls_correl_base_alerts(const ls_correl_engine *e, uint32_t base)
{
	return base >= e->nbase || e->base_alerts[base];
}

bool ls_correl_alerts(const ls_correl_engine *e, uint32_t correl)
{
	return correl >= e->n || e->corr_alerts[correl];
}

/*
 * Close, in time order over every correlation, the windows that ended
 * before now (at the end of input: all of them, at the latest time seen).
 * Ties go to the lower correlation index.
 */
static void close_windows(ls_correl_engine *e, ls_time now, bool end, ls_correl_alert_fn fn,
                          void *ctx)
{
	for (;;) {
		size_t best = SIZE_MAX;
		ls_time bd = 0;
		for (size_t i = 0; i < e->n; i++) {
			const cstate *cs = &e->c[i];
			if (!cs->at_close || cs->first == NULL)
				continue;
			ls_time dl = sat_add(cs->first->first, cs->def.timespan);
			if ((end || dl < now) && (best == SIZE_MAX || dl < bd)) {
				best = i;
				bd = dl;
			}
		}
		if (best == SIZE_MAX)
			return;
		close_group(e, (uint32_t)best, e->c[best].first, end ? e->now : bd, fn, ctx);
	}
}

void ls_correl_advance(ls_correl_engine *e, ls_time now, ls_correl_alert_fn fn, void *ctx)
{
	if (now < e->now)
		now = e->now;
	bool end = now == INT64_MAX;
	close_windows(e, now, end, fn, ctx);
	for (size_t i = 0; i < e->n; i++) {
		cstate *cs = &e->c[i];
		ls_time lo = sat_sub(now, cs->def.timespan);
		while (cs->first && (end || (!cs->at_close && cs->first->last < lo)))
			group_drop(cs, cs->first);
	}
	if (end)
		e->last_valid = false;
	else
		e->now = now;
}

void ls_correl_feed(ls_correl_engine *e, uint32_t base, ls_time t, const ls_event *ev,
                    const ls_recref *rec, ls_correl_alert_fn fn, void *ctx)
{
	if (base >= e->nbase)
		return;
	if (t < e->now)
		t = e->now;
	if (t == INT64_MAX)
		t = INT64_MAX - 1; /* INT64_MAX means the end of input */
	ls_correl_advance(e, t, fn, ctx);
	/* consecutive feeds of one record at one time are one event matched by several rules */
	bool same = rec && e->last_valid && e->last_t == t &&
	            cmp_str(e->last_ref.source, rec->source) == 0 &&
	            strncmp(e->last_ref.rid, rec->rid, sizeof rec->rid) == 0;
	if (!same)
		e->serial++;
	e->last_valid = rec != NULL;
	if (rec) {
		e->last_t = t;
		e->last_ref = *rec;
	}
	if (e->soff[base] == e->soff[base + 1])
		return;
	trec r = { 0 };
	if (rec) {
		r.t = t;
		r.order = e->serial;
		r.ref = *rec;
		r.ref.rid[sizeof r.ref.rid - 1] = '\0';
	}
	static const ls_event none;
	for (size_t s = e->soff[base]; s < e->soff[base + 1]; s++)
		process(e, e->subs[s].corr, e->subs[s].slot, t, ev ? ev : &none, rec ? &r : NULL,
		        rec ? 1 : 0, e->serial, fn, ctx);
}

size_t ls_correl_state_size(const ls_correl_engine *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++)
		for (const group *g = e->c[i].first; g; g = g->next)
			n += 1 + group_items(&e->c[i], g);
	return n;
}
