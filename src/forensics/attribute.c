/*
 * attribute.c - leak attribution's statistics and decision, and the
 * loaders of the export-session log and the watermark key (attribute.h
 * states the model; docs/attribution.md derives it).
 */
#include "forensics/attribute.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/str.h"
#include "io/jdoc.h"

/* --------------------------------------------------------------- p-values */

double ls_attr_log_canary_tail(const ls_attr_evidence *e)
{
	if (e->matched == 0)
		return 0;
	double lambda = (double)e->canaries * e->chance;
	if (!(lambda > 0))
		return -INFINITY; /* no chance agreement is possible at all */
	double lp = (double)e->matched * log(lambda) - lgamma((double)e->matched + 1.0);
	return lp < 0 ? lp : 0;
}

/* ln(exp(a) + exp(b)) without overflow; -INFINITY is the empty sum. */
static double log_add(double a, double b)
{
	if (a == -INFINITY)
		return b;
	if (b == -INFINITY)
		return a;
	double hi = a > b ? a : b, lo = a > b ? b : a;
	return hi + log1p(exp(lo - hi));
}

double ls_attr_log_pvalue(const ls_attr_evidence *e, const ls_attr_dims *dims)
{
	/* the choices shown: 0 < pi < 1 (pi 0 means no session can agree) */
	double lpi[LS_ATTR_DIMS_MAX], lq[LS_ATTR_DIMS_MAX];
	unsigned k = 0;
	double le = ls_attr_log_canary_tail(e);
	for (unsigned d = 0; d < dims->n && d < LS_ATTR_DIMS_MAX; d++) {
		double l = dims->log_pi[d];
		if (!(l < 0) || l == -INFINITY)
			continue;
		lpi[k] = l;
		/* ln(1 - pi), accurate at both ends */
		lq[k] = l > -0.693 ? log(-expm1(l)) : log1p(-exp(l));
		k++;
		if (e->dims_matched & (1u << d))
			le += l;
	}
	if (le == -INFINITY)
		return -INFINITY;
	/* sum over the subsets A of the shown choices that agree by chance */
	double lp = -INFINITY;
	for (uint32_t a = 0; a < (1u << k); a++) {
		double lw = 0, ld = 0;
		for (unsigned i = 0; i < k; i++) {
			if (a & (1u << i)) {
				lw += lpi[i];
				ld += lpi[i];
			} else {
				lw += lq[i];
			}
		}
		double t = le - ld;
		lp = log_add(lp, lw + (t < 0 ? t : 0));
	}
	return lp < 0 ? lp : 0;
}

double ls_attr_log_bound(double log_p, size_t n)
{
	if (n == 0)
		return 0;
	double b = log((double)n) + log_p;
	return b < 0 ? b : 0;
}

void ls_attr_decide(const double *log_p, size_t n, double threshold, ls_attr_decision *out)
{
	memset(out, 0, sizeof *out);
	out->n = n;
	out->best = out->second = SIZE_MAX;
	out->threshold = threshold;
	for (size_t i = 0; i < n; i++) {
		if (out->best == SIZE_MAX || log_p[i] < log_p[out->best]) {
			out->second = out->best;
			out->best = i;
		} else if (out->second == SIZE_MAX || log_p[i] < log_p[out->second]) {
			out->second = i;
		}
	}
	out->log_p_best = out->best == SIZE_MAX ? 0 : log_p[out->best];
	out->log_bound = out->best == SIZE_MAX ? 0 : ls_attr_log_bound(log_p[out->best], n);
	out->log_bound_second =
	        out->second == SIZE_MAX ? 0 : ls_attr_log_bound(log_p[out->second], n);
	out->attributed = out->best != SIZE_MAX && out->log_bound <= log(threshold);
}

/* ----------------------------------------------------------- dataset files */

static ls_err read_file(const char *path, ls_buf *b, ls_diag *d)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                   "cannot open: %s", strerror(errno));
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ls_buf_append(b, chunk, n);
	ls_err e = ferror(f) ? ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot read: %s",
	                                   strerror(errno))
	                     : LS_OK;
	fclose(f);
	return e;
}

static const char *const formats[] = { "csv", "copy", "insert", "pg_dump" };

/* A required string member of obj, copied into the arena. */
static ls_err member_str(ls_attr_sessions *s, const ls_jnode *obj, const char *key,
                         bool nullable, const char **out, const char *path, ls_diag *d)
{
	const ls_jmember *m = ls_jnode_member(obj, key);
	if (m == NULL)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, obj, "the session has no \"%s\"", key);
	if (nullable && m->value.kind == LS_JNULL) {
		*out = NULL;
		return LS_OK;
	}
	if (m->value.kind != LS_JSTRING)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, &m->value, "\"%s\" must be a string%s, not %s",
		                     key, nullable ? " or null" : "", ls_jnode_kind_name(&m->value));
	if (m->value.len == 0 || memchr(m->value.text, '\0', m->value.len) != NULL)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, &m->value,
		                     "\"%s\" must be a non-empty string without NUL", key);
	*out = ls_arena_strndup(&s->arena, m->value.text, m->value.len);
	return LS_OK;
}

static ls_err parse_session(ls_attr_sessions *s, const ls_jnode *o, unsigned long line,
                            const char *path, ls_diag *d)
{
	if (o->kind != LS_JOBJECT)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, o, "a session must be an object, not %s",
		                     ls_jnode_kind_name(o));
	ls_attr_session x = { .line = line };
	ls_err e;
	if ((e = member_str(s, o, "session", false, &x.id, path, d)) != LS_OK ||
	    (e = member_str(s, o, "time", false, &x.time, path, d)) != LS_OK ||
	    (e = member_str(s, o, "account", false, &x.account, path, d)) != LS_OK ||
	    (e = member_str(s, o, "host", false, &x.host, path, d)) != LS_OK ||
	    (e = member_str(s, o, "format", false, &x.format, path, d)) != LS_OK ||
	    (e = member_str(s, o, "kind", true, &x.kind, path, d)) != LS_OK)
		return e;
	const ls_jnode *id = ls_jnode_get(o, "session");
	if (strlen(x.id) > LS_ATTR_SESSION_MAX)
		return ls_jnode_fail(d, LS_ERR_RANGE, path, id,
		                     "a session id is at most %u bytes", LS_ATTR_SESSION_MAX);
	const ls_jnode *tn = ls_jnode_get(o, "time");
	if (ls_time_parse_rfc3339(ls_sv_from_cstr(x.time), &x.t, NULL) != LS_OK)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, tn,
		                     "\"time\" must be an RFC 3339 time, not \"%s\"", x.time);
	const ls_jnode *fn = ls_jnode_get(o, "format");
	bool known = false;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		known = known || strcmp(x.format, formats[i]) == 0;
	if (!known)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, fn,
		                     "\"format\" must be csv, copy, insert or pg_dump, not \"%s\"",
		                     x.format);
	const ls_jmember *rm = ls_jnode_member(o, "rows");
	if (rm == NULL)
		return ls_jnode_fail(d, LS_ERR_PARSE, path, o, "the session has no \"rows\"");
	if (rm->value.kind != LS_JNUMBER || ls_jnode_u64(&rm->value, &x.rows) != LS_OK ||
	    x.rows == 0)
		return ls_jnode_fail(d, LS_ERR_RANGE, path, &rm->value,
		                     "\"rows\" must be a whole number of rows, at least 1");
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, x.id) == 0)
			return ls_jnode_fail(d, LS_ERR_PARSE, path, id,
			                     "session %s is listed twice (first on line %lu)", x.id,
			                     s->v[i].line);
	s->v = ls_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = x;
	if (x.rows > s->max_rows)
		s->max_rows = x.rows;
	return LS_OK;
}

ls_err ls_attr_sessions_load(ls_attr_sessions *s, const char *path, ls_diag *d)
{
	memset(s, 0, sizeof *s);
	ls_arena_init(&s->arena, 0);
	ls_buf b = LS_BUF_INIT;
	ls_err e = read_file(path, &b, d);
	const char *p = b.data ? b.data : "";
	unsigned long line = 1;
	for (size_t pos = 0; e == LS_OK && pos < b.len; line++) {
		const char *nl = memchr(p + pos, '\n', b.len - pos);
		size_t end = nl ? (size_t)(nl - p) : b.len;
		ls_jdoc doc;
		ls_jdoc_opts opts = { .max_bytes = 1024 * 1024, .max_depth = 4, .line0 = line };
		e = ls_jdoc_parse(&doc, p + pos, end - pos, &opts, path, d);
		if (e == LS_OK)
			e = parse_session(s, doc.root, line, path, d);
		ls_jdoc_fini(&doc);
		pos = nl ? end + 1 : end;
	}
	ls_buf_fini(&b);
	return e;
}

void ls_attr_sessions_fini(ls_attr_sessions *s)
{
	if (s == NULL)
		return;
	free(s->v);
	ls_arena_fini(&s->arena);
	memset(s, 0, sizeof *s);
}

ls_err ls_attr_key_load(unsigned char key[LS_ATTR_KEYBYTES], const char *path, ls_diag *d)
{
	ls_buf b = LS_BUF_INIT;
	ls_err e = read_file(path, &b, d);
	const char *p = b.data ? b.data : "";
	size_t n = b.len, hex = 2 * LS_ATTR_KEYBYTES;
	for (size_t i = 0; e == LS_OK && i < hex; i++) {
		if (i >= n || p[i] == '\n' || p[i] == '\r')
			e = ls_diag_set(d, LS_ERR_PARSE, path, 1, i + 1,
			                "the key ends after %zu hex digits; it has %zu", i, hex);
		else if (ls_hex_value((unsigned char)p[i]) < 0)
			e = ls_diag_set(d, LS_ERR_PARSE, path, 1, i + 1,
			                "expected a hex digit (the key is %zu of them)", hex);
		else if (i % 2 == 1)
			key[i / 2] = (unsigned char)(ls_hex_value((unsigned char)p[i - 1]) << 4 |
			                             ls_hex_value((unsigned char)p[i]));
	}
	if (e == LS_OK) {
		size_t rest = n - hex;
		bool end = rest == 0 || (rest == 1 && p[hex] == '\n') ||
		           (rest == 2 && p[hex] == '\r' && p[hex + 1] == '\n');
		if (!end)
			e = ls_diag_set(d, LS_ERR_PARSE, path, 1, hex + 1,
			                "expected the end of the line after the key's %zu hex digits",
			                hex);
	}
	if (e != LS_OK)
		sodium_memzero(key, LS_ATTR_KEYBYTES);
	if (b.data)
		sodium_memzero(b.data, b.cap);
	ls_buf_fini(&b);
	return e;
}
