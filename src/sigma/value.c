/*
 * value.c - compiling one Sigma search leaf (field, modifiers, values) and
 * matching it against events.
 *
 * Compiling does all the work that does not depend on the event: it checks
 * the modifiers against each other, runs each value through the
 * transformations in the order the specification defines (placeholders,
 * Windows dashes, UTF-16, Base64, then the wildcards of contains /
 * startswith / endswith), and turns every resulting variant into the
 * cheapest matcher that decides it: a wildcard pattern with pre-folded
 * literals, a number, a network, a JIT-compiled regular expression. Matching
 * then only looks up the field and runs those matchers, never allocating.
 *
 * Modifiers are rows of one table (name, identity, class); what may be
 * combined is decided per class, so adding a modifier is adding a row.
 * docs/sigma.md states every rule this file implements.
 */
#include "sigma/value.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/limits.h"
#include "core/mem.h"
#include "core/time.h"
#include "sigma/wildcard.h"

/* ============================================================ modifiers */

typedef enum mod_id {
	MOD_CONTAINS = 0,
	MOD_STARTSWITH,
	MOD_ENDSWITH,
	MOD_ALL,
	MOD_CASED,
	MOD_EXISTS,
	MOD_NEQ,
	MOD_WINDASH,
	MOD_EXPAND,
	MOD_RE,
	MOD_RE_I,
	MOD_RE_M,
	MOD_RE_S,
	MOD_BASE64,
	MOD_BASE64OFFSET,
	MOD_UTF16LE,
	MOD_UTF16BE,
	MOD_UTF16,
	MOD_WIDE,
	MOD_LT,
	MOD_LTE,
	MOD_GT,
	MOD_GTE,
	MOD_CIDR,
	MOD_FIELDREF,
	MOD_MINUTE,
	MOD_HOUR,
	MOD_DAY,
	MOD_WEEK,
	MOD_MONTH,
	MOD_YEAR,
	MOD__COUNT
} mod_id;

/*
 * Classes decide compatibility. The "kind" classes (RE .. FIELDREF) say
 * what a value is; a leaf has at most one kind (TIME and CMP together make
 * one: a compared time part), and STRING when it has none. The others
 * adjust a kind, and each says which kinds it accepts.
 */
typedef enum mod_class {
	MC_WRAP = 0, /* contains, startswith, endswith */
	MC_TEXT,     /* windash, expand: rewrite the text before encoding */
	MC_ENC,      /* utf16le, utf16be, utf16, wide */
	MC_B64,      /* base64, base64offset */
	MC_CASED,
	MC_REFLAG, /* i, m, s */
	MC_ALL,
	MC_NEQ,
	MC_RE,
	MC_CIDR,
	MC_CMP, /* lt, lte, gt, gte */
	MC_TIME,
	MC_EXISTS,
	MC_FIELDREF,
	MC__COUNT
} mod_class;

typedef enum leaf_kind {
	K_STRING = 0,
	K_RE,
	K_CIDR,
	K_CMP,  /* lt .. gte, possibly of a time part */
	K_TIME, /* a time part compared for equality */
	K_EXISTS,
	K_FIELDREF
} leaf_kind;

typedef struct mod_def {
	const char *name;
	mod_id id;
	mod_class cls;
} mod_def;

static const mod_def mod_defs[] = {
	{ "contains", MOD_CONTAINS, MC_WRAP },
	{ "startswith", MOD_STARTSWITH, MC_WRAP },
	{ "endswith", MOD_ENDSWITH, MC_WRAP },
	{ "all", MOD_ALL, MC_ALL },
	{ "cased", MOD_CASED, MC_CASED },
	{ "exists", MOD_EXISTS, MC_EXISTS },
	{ "neq", MOD_NEQ, MC_NEQ },
	{ "windash", MOD_WINDASH, MC_TEXT },
	{ "expand", MOD_EXPAND, MC_TEXT },
	{ "re", MOD_RE, MC_RE },
	{ "i", MOD_RE_I, MC_REFLAG },
	{ "ignorecase", MOD_RE_I, MC_REFLAG },
	{ "m", MOD_RE_M, MC_REFLAG },
	{ "multiline", MOD_RE_M, MC_REFLAG },
	{ "s", MOD_RE_S, MC_REFLAG },
	{ "dotall", MOD_RE_S, MC_REFLAG },
	{ "base64", MOD_BASE64, MC_B64 },
	{ "base64offset", MOD_BASE64OFFSET, MC_B64 },
	{ "utf16le", MOD_UTF16LE, MC_ENC },
	{ "utf16be", MOD_UTF16BE, MC_ENC },
	{ "utf16", MOD_UTF16, MC_ENC },
	{ "wide", MOD_WIDE, MC_ENC },
	{ "lt", MOD_LT, MC_CMP },
	{ "lte", MOD_LTE, MC_CMP },
	{ "gt", MOD_GT, MC_CMP },
	{ "gte", MOD_GTE, MC_CMP },
	{ "cidr", MOD_CIDR, MC_CIDR },
	{ "fieldref", MOD_FIELDREF, MC_FIELDREF },
	{ "minute", MOD_MINUTE, MC_TIME },
	{ "hour", MOD_HOUR, MC_TIME },
	{ "day", MOD_DAY, MC_TIME },
	{ "week", MOD_WEEK, MC_TIME },
	{ "month", MOD_MONTH, MC_TIME },
	{ "year", MOD_YEAR, MC_TIME },
};

#define NMOD_DEFS (sizeof mod_defs / sizeof mod_defs[0])

static const mod_def *mod_lookup(ls_sv name)
{
	for (size_t i = 0; i < NMOD_DEFS; i++)
		if (ls_sv_eq_cstr(name, mod_defs[i].name))
			return &mod_defs[i];
	return NULL;
}

/* Which kinds each adjusting class accepts (bit per leaf_kind). */
#define KB(k) (1u << (k))
static unsigned class_accepts(mod_class c)
{
	switch (c) {
	case MC_WRAP: return KB(K_STRING) | KB(K_FIELDREF);
	case MC_TEXT:
	case MC_ENC:
	case MC_B64: return KB(K_STRING);
	case MC_CASED: return KB(K_STRING) | KB(K_FIELDREF);
	case MC_REFLAG: return KB(K_RE);
	case MC_ALL:
		return KB(K_STRING) | KB(K_RE) | KB(K_CIDR) | KB(K_CMP) | KB(K_TIME) |
		       KB(K_FIELDREF);
	case MC_NEQ: return KB(K_STRING) | KB(K_RE) | KB(K_CIDR) | KB(K_TIME) | KB(K_FIELDREF);
	default: return 0;
	}
}

static bool class_is_kind(mod_class c)
{
	return c >= MC_RE;
}

/* ================================================================ leaf */

typedef enum vkind {
	VK_PATTERN = 0, /* one or more wildcard patterns (variants) */
	VK_NUMBER,      /* a plain number: numeric equality, else text equality */
	VK_BOOL,
	VK_NULL,
	VK_REGEX,
	VK_CMP, /* lt/lte/gt/gte/eq against a number or a time part */
	VK_CIDR,
	VK_FIELDREF,
	VK_EXISTS
} vkind;

typedef enum cmp_op { OP_EQ = 0, OP_LT, OP_LTE, OP_GT, OP_GTE } cmp_op;
typedef enum time_part {
	TP_NONE = 0,
	TP_MINUTE,
	TP_HOUR,
	TP_DAY,
	TP_WEEK,
	TP_MONTH,
	TP_YEAR
} time_part;
typedef enum ref_mode { REF_EQ = 0, REF_PREFIX, REF_SUFFIX, REF_CONTAINS } ref_mode;

/* A parsed decimal number: exact as an integer when it is one. */
typedef struct num {
	double d;
	int64_t i;
	bool is_int;
} num;

/* One value as written, compiled. */
typedef struct group {
	vkind kind;
	ls_value_type type; /* the rule value's YAML type */
	ls_sv text;         /* the value as written (owned) */
	ls_wild *vars;      /* VK_PATTERN */
	size_t nvars;
	num n; /* VK_NUMBER (has_num), VK_CMP */
	bool has_num;
	bool b;         /* VK_BOOL, VK_EXISTS */
	pcre2_code *re; /* VK_REGEX */
	int family;     /* VK_CIDR: AF_INET or AF_INET6 */
	unsigned char net[16];
	unsigned prefix;
	ls_sv ref; /* VK_FIELDREF: the other field's name */
} group;

struct ls_sig_leaf {
	ls_arena arena;
	ls_sv field;
	ls_sv mods; /* the modifiers as written, joined by '|' (for explain) */
	bool keyword;
	bool all;
	bool neq;
	bool cased;
	bool dashfold; /* windash without an encoding: dashes fold to '-' (fold_dashes) */
	cmp_op op;
	time_part tp;
	ref_mode ref;
	group *groups;
	size_t ngroups;
	pcre2_match_context *mctx;
	ls_sv *atoms; /* precomputed for ls_sig_leaf_atoms; natoms 0 when none */
	size_t natoms;
	uint64_t *keys; /* precomputed for ls_sig_leaf_keys; nkeys 0 when none */
	size_t nkeys;
};

/* ========================================================= diagnostics */

static ls_err fail_at(ls_diag *d, ls_err e, const ls_sig_leaf_spec *sp, unsigned long line,
                      unsigned long col, const char *fmt, ...) LS_PRINTF(6, 7);

static ls_err fail_at(ls_diag *d, ls_err e, const ls_sig_leaf_spec *sp, unsigned long line,
                      unsigned long col, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	return ls_diag_set(d, e, sp->file, line, col, "%s", msg);
}

static unsigned long mod_col(const ls_sig_leaf_spec *sp, size_t i)
{
	return sp->mod_col && sp->mod_col[i] ? sp->mod_col[i] : sp->col;
}

/* The position of value v, falling back on the key's. */
static void value_pos(const ls_sig_leaf_spec *sp, const ls_sig_value *v, unsigned long *line,
                      unsigned long *col)
{
	*line = v->line ? v->line : sp->line;
	*col = v->line ? v->col : sp->col;
}

/* At most this many bytes of a value are quoted in a message. */
#define MSG_VALUE_MAX 80

#define VALUE_FMT "'%.*s%s'"
#define VALUE_ARG(v)                                                                               \
	(int)((v)->text.len > MSG_VALUE_MAX ? MSG_VALUE_MAX : (v)->text.len), (v)->text.ptr,       \
	        ((v)->text.len > MSG_VALUE_MAX ? "..." : "")

/* ============================================================= numbers */

/*
 * Strict decimal numbers: [+-] digits [. digits] [e [+-] digits], or with
 * the digits only after the point; nothing else, no spaces. Integers that
 * fit in 64 bits stay exact.
 */
static bool parse_num(ls_sv s, num *out)
{
	if (s.len == 0 || s.len > 64)
		return false;
	size_t i = 0, n = s.len;
	const char *p = s.ptr;
	if (p[i] == '-' || p[i] == '+')
		i++;
	size_t int_digits = 0, frac_digits = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		i++;
		int_digits++;
	}
	bool point = false, expo = false;
	if (i < n && p[i] == '.') {
		point = true;
		i++;
		while (i < n && p[i] >= '0' && p[i] <= '9') {
			i++;
			frac_digits++;
		}
	}
	if (int_digits + frac_digits == 0)
		return false;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		expo = true;
		i++;
		if (i < n && (p[i] == '-' || p[i] == '+'))
			i++;
		size_t e_digits = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9') {
			i++;
			e_digits++;
		}
		if (e_digits == 0)
			return false;
	}
	if (i != n)
		return false;
	if (!point && !expo) {
		ls_sv digits = p[0] == '+' ? ls_sv_sub(s, 1, n) : s;
		int64_t v;
		if (ls_sv_to_i64(digits, &v) == LS_OK) {
			out->i = v;
			out->d = (double)v;
			out->is_int = true;
			return true;
		}
	}
	char buf[72];
	memcpy(buf, p, n);
	buf[n] = '\0';
	out->d = strtod(buf, NULL);
	out->i = 0;
	out->is_int = false;
	return true;
}

/* -1, 0 or 1 as a is below, equal to or above b. */
static int num_cmp(const num *a, const num *b)
{
	if (a->is_int && b->is_int)
		return (a->i > b->i) - (a->i < b->i);
	return (a->d > b->d) - (a->d < b->d);
}

static bool cmp_holds(cmp_op op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_LT: return c < 0;
	case OP_LTE: return c <= 0;
	case OP_GT: return c > 0;
	case OP_GTE: return c >= 0;
	}
	return false;
}

/* =============================================================== times */

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* An event value as an instant: RFC 3339, the same without an offset (UTC), or epoch seconds. */
static bool parse_time(ls_sv s, ls_time *t)
{
	if (s.len == 0 || s.len > LS_TIME_TEXT_MAX)
		return false;
	if (ls_time_parse_rfc3339(s, t, NULL) == LS_OK)
		return true;
	if (s.len < LS_TIME_TEXT_MAX && s.ptr[s.len - 1] >= '0' && s.ptr[s.len - 1] <= '9') {
		char buf[LS_TIME_TEXT_MAX + 1];
		memcpy(buf, s.ptr, s.len);
		buf[s.len] = 'Z';
		if (ls_time_parse_rfc3339(ls_sv_make(buf, s.len + 1), t, NULL) == LS_OK)
			return true;
	}
	return ls_time_parse_zeek(s, t, NULL) == LS_OK;
}

/* (y + y/4 - y/100 + y/400) mod 7, floored: 4 means December 31 is a Thursday. */
static int year_p(int64_t y)
{
	int64_t v = y + floordiv(y, 4) - floordiv(y, 100) + floordiv(y, 400);
	return (int)(v - 7 * floordiv(v, 7));
}

static int iso_weeks_in_year(int64_t y)
{
	return (year_p(y) == 4 || year_p(y - 1) == 3) ? 53 : 52;
}

/* ISO 8601 week number (1-53) of t in UTC. */
static int iso_week(ls_time t, const ls_civil *c)
{
	ls_civil jan1 = { c->year, 1, 1, 0, 0, 0, 0 };
	ls_time t0;
	if (ls_time_from_civil(&jan1, &t0) != LS_OK)
		return 0;
	int64_t doy = (t - t0) / LS_USEC_PER_DAY + 1;
	int64_t wd = ls_time_weekday(t) + 1; /* Monday 1 .. Sunday 7 */
	int64_t w = (doy - wd + 10) / 7;
	if (w < 1)
		return iso_weeks_in_year(c->year - 1);
	if (w > iso_weeks_in_year(c->year))
		return 1;
	return (int)w;
}

static int64_t time_part_of(ls_time t, time_part tp)
{
	ls_civil c;
	ls_time_to_civil(t, &c);
	switch (tp) {
	case TP_MINUTE: return c.minute;
	case TP_HOUR: return c.hour;
	case TP_DAY: return c.day;
	case TP_WEEK: return iso_week(t, &c);
	case TP_MONTH: return c.month;
	case TP_YEAR: return c.year;
	case TP_NONE: break;
	}
	return 0;
}

/* ============================================================ networks */

/* Parse an address (no prefix) of either family into out[16]. */
static bool parse_addr(ls_sv s, int *family, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (s.len < 2 || s.len >= sizeof buf)
		return false;
	memcpy(buf, s.ptr, s.len);
	buf[s.len] = '\0';
	bool v6 = memchr(s.ptr, ':', s.len) != NULL;
	memset(out, 0, 16);
	*family = v6 ? AF_INET6 : AF_INET;
	return inet_pton(*family, buf, out) == 1;
}

static bool in_network(const group *g, int family, const unsigned char *a)
{
	if (family != g->family)
		return false;
	unsigned full = g->prefix / 8, rest = g->prefix % 8;
	if (memcmp(a, g->net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xFFu << (8 - rest));
	return (a[full] & mask) == g->net[full];
}

/* ===================================================== regex match data */

/*
 * A compiled leaf may be shared by threads, so the PCRE2 match data (the
 * only mutable state of a match) is per thread: created on a thread's first
 * `re` match, reused for every match after it, freed when the thread exits.
 * One ovector pair suffices since only "matched or not" is asked (PCRE2
 * reports a match with too small an ovector as rc 0).
 */
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static pthread_key_t md_key;
static bool md_key_ok;
static _Thread_local pcre2_match_data *md_tls;

static void md_destroy(void *p)
{
	pcre2_match_data_free(p);
}

static void md_key_create(void)
{
	md_key_ok = pthread_key_create(&md_key, md_destroy) == 0;
}

static pcre2_match_data *thread_match_data(void)
{
	if (md_tls)
		return md_tls;
	md_tls = pcre2_match_data_create(1, NULL);
	if (!md_tls)
		ls_oom(sizeof(PCRE2_SIZE) * 2);
	/* Without a key the data lives until the process ends: still one per thread. */
	if (pthread_once(&md_once, md_key_create) == 0 && md_key_ok)
		(void)pthread_setspecific(md_key, md_tls);
	return md_tls;
}

/* ============================================================ matching */

static const ls_field *lookup(const ls_event *ev, ls_sv name)
{
	const ls_field *f = ls_event_get(ev, name);
	return f ? f : ls_event_get_nocase(ev, name);
}

/*
 * The event side of do_windash_fold: v with every dash form as '-', in buf
 * (cap bytes, enough for v: folding never lengthens) or, when v is longer,
 * in *heap (the caller frees it).
 */
static ls_sv fold_dashes(ls_sv v, char *buf, size_t cap, char **heap)
{
	/* Most values hold no '/' and no en/em dash or bar: nothing to fold. */
	if (v.len == 0 || (memchr(v.ptr, '/', v.len) == NULL && memchr(v.ptr, 0xE2, v.len) == NULL))
		return v;
	char *o = buf;
	if (v.len > cap)
		o = *heap = ls_xmalloc(v.len);
	const unsigned char *p = (const unsigned char *)v.ptr;
	size_t n = 0;
	for (size_t i = 0; i < v.len;) {
		if (p[i] == '/') {
			o[n++] = '-';
			i++;
		} else if (p[i] == 0xE2 && i + 2 < v.len && p[i + 1] == 0x80 &&
		           (p[i + 2] == 0x93 || p[i + 2] == 0x94 || p[i + 2] == 0x95)) {
			o[n++] = '-';
			i += 3;
		} else {
			o[n++] = (char)p[i++];
		}
	}
	return ls_sv_make(o, n);
}

const ls_field *ls_sig_lookup(const ls_event *ev, ls_sv name)
{
	return lookup(ev, name);
}

static bool re_match(const ls_sig_leaf *l, const group *g, ls_sv s, bool *limited)
{
	const char *p = s.ptr ? s.ptr : "";
	int rc = pcre2_match(g->re, (PCRE2_SPTR)p, s.len, 0, 0, thread_match_data(), l->mctx);
	if (rc >= 0)
		return true;
	if (limited && rc != PCRE2_ERROR_NOMATCH)
		*limited = true;
	return false;
}

static bool text_eq(bool cased, ls_sv a, ls_sv b)
{
	if (a.len != b.len)
		return false;
	return cased ? (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0) : ls_sv_eq_nocase(a, b);
}

static bool ref_holds(const ls_sig_leaf *l, ls_sv v, ls_sv r)
{
	switch (l->ref) {
	case REF_EQ: return text_eq(l->cased, v, r);
	case REF_PREFIX: return v.len >= r.len && text_eq(l->cased, ls_sv_make(v.ptr, r.len), r);
	case REF_SUFFIX:
		return v.len >= r.len &&
		       text_eq(l->cased, ls_sv_make(v.ptr + v.len - r.len, r.len), r);
	case REF_CONTAINS:
		if (r.len == 0)
			return true;
		if (r.len > v.len)
			return false;
		if (!l->cased)
			return ls_mem_find_nocase(v.ptr, v.len, r.ptr, r.len) != NULL;
		for (size_t i = 0; i + r.len <= v.len; i++)
			if (memcmp(v.ptr + i, r.ptr, r.len) == 0)
				return true;
		return false;
	}
	return false;
}

/* Whether one occurrence f of the leaf's field satisfies value g. */
static bool field_match(const ls_sig_leaf *l, const group *g, const ls_event *ev, const ls_field *f,
                        bool *limited)
{
	ls_sv v = f->value;
	switch (g->kind) {
	case VK_PATTERN: {
		if (f->type == LS_VALUE_NULL)
			return false;
		char buf[1024], *heap = NULL;
		if (l->dashfold)
			v = fold_dashes(v, buf, sizeof buf, &heap);
		bool m = false;
		for (size_t i = 0; i < g->nvars && !m; i++)
			m = ls_wild_match(&g->vars[i], v.ptr, v.len);
		free(heap);
		return m;
	}
	case VK_NUMBER:
		if (f->type != LS_VALUE_NUMBER && f->type != LS_VALUE_STRING)
			return false;
		if (g->has_num) {
			num x;
			if (parse_num(v, &x) && num_cmp(&x, &g->n) == 0)
				return true;
		}
		return ls_sv_eq_nocase(v, g->text);
	case VK_BOOL:
		if (f->type == LS_VALUE_BOOL)
			return ls_sv_eq(v, g->b ? LS_VALUE_TRUE : LS_VALUE_FALSE);
		if (f->type == LS_VALUE_STRING)
			return ls_sv_eq_nocase(v, g->b ? LS_VALUE_TRUE : LS_VALUE_FALSE);
		return false;
	case VK_NULL: return f->type == LS_VALUE_NULL;
	case VK_REGEX:
		if (f->type == LS_VALUE_NULL)
			return false;
		return re_match(l, g, v, limited);
	case VK_CMP: {
		if (f->type != LS_VALUE_NUMBER && f->type != LS_VALUE_STRING)
			return false;
		num x;
		if (l->tp != TP_NONE) {
			ls_time t;
			if (!parse_time(v, &t))
				return false;
			x.i = time_part_of(t, l->tp);
			x.d = (double)x.i;
			x.is_int = true;
		} else if (!parse_num(v, &x)) {
			return false;
		}
		return cmp_holds(l->op, num_cmp(&x, &g->n));
	}
	case VK_CIDR: {
		if (f->type != LS_VALUE_STRING)
			return false;
		int fam;
		unsigned char a[16];
		return parse_addr(v, &fam, a) && in_network(g, fam, a);
	}
	case VK_FIELDREF:
		if (f->type == LS_VALUE_NULL)
			return false;
		for (const ls_field *r = lookup(ev, g->ref); r; r = ls_event_next(ev, r))
			if (r->type != LS_VALUE_NULL && ref_holds(l, v, r->value))
				return true;
		return false;
	case VK_EXISTS: return true;
	}
	return false;
}

/*
 * Whether value g is satisfied by the event: by any occurrence of the field
 * (first is the first, NULL when absent), or for a keyword by any string or
 * number field. *which gets the field that matched.
 */
static bool group_match(const ls_sig_leaf *l, const group *g, const ls_event *ev,
                        const ls_field *first, bool *limited, const ls_field **which)
{
	if (l->keyword) {
		for (size_t i = 0; i < ev->n; i++) {
			const ls_field *f = &ev->fields[i];
			if (f->type != LS_VALUE_STRING && f->type != LS_VALUE_NUMBER)
				continue;
			if (field_match(l, g, ev, f, limited)) {
				if (which)
					*which = f;
				return true;
			}
		}
		return false;
	}
	if (!first)
		return g->kind == VK_NULL;
	for (const ls_field *f = first; f; f = ls_event_next(ev, f)) {
		if (field_match(l, g, ev, f, limited)) {
			if (which)
				*which = f;
			return true;
		}
	}
	return false;
}

bool ls_sig_leaf_match(const ls_sig_leaf *l, const ls_event *ev)
{
	const ls_field *first = l->keyword ? NULL : lookup(ev, l->field);
	if (l->groups[0].kind == VK_EXISTS)
		return (first != NULL) == l->groups[0].b;
	if (l->neq && !first)
		return false;
	for (size_t i = 0; i < l->ngroups; i++) {
		bool r = group_match(l, &l->groups[i], ev, first, NULL, NULL);
		if (l->neq) {
			if (r)
				return false;
		} else if (l->all) {
			if (!r)
				return false;
		} else if (r) {
			return true;
		}
	}
	return l->neq || l->all;
}

/* ======================================================= transformations */

/*
 * Values travel through the transformations as unit strings (wildcard.h):
 * literal bytes and wildcards. A value may become several variants, any of
 * which matching is enough. Temporaries live in a scratch arena freed when
 * compiling ends.
 */
typedef struct ustr {
	ls_wild_unit *u;
	size_t n;
} ustr;

typedef struct uset {
	ustr *v;
	size_t n;
} uset;

/* A piece of a value: a choice among alternatives (a literal run has one). */
typedef struct piece {
	const ustr *alt;
	size_t nalt;
} piece;

typedef struct pieces {
	piece *p;
	size_t n, cap;
} pieces;

/* Context for compiling one value. */
typedef struct vctx {
	const ls_sig_leaf_spec *sp;
	const ls_sig_value *v;
	const ls_sig_env *env;
	ls_diag *d;
	ls_arena *tmp;
	const char *mod; /* the modifier being applied, as written */
} vctx;

static ls_err value_fail(const vctx *c, ls_err e, const char *fmt, ...) LS_PRINTF(3, 4);

static ls_err value_fail(const vctx *c, ls_err e, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	unsigned long line, col;
	value_pos(c->sp, c->v, &line, &col);
	return ls_diag_set(c->d, e, c->sp->file, line, col, "%s", msg);
}

/* Sigma escaping: \* \? \\ are literal; any other backslash is itself. */
static ustr parse_units(ls_sv s, ls_arena *a)
{
	ustr r = { ls_arena_calloc(a, s.len ? s.len : 1, sizeof(ls_wild_unit)), 0 };
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c == '\\' && i + 1 < s.len &&
		    (s.ptr[i + 1] == '*' || s.ptr[i + 1] == '?' || s.ptr[i + 1] == '\\')) {
			r.u[r.n++] = (unsigned char)s.ptr[++i];
		} else if (c == '*') {
			r.u[r.n++] = LS_WILD_STAR;
		} else if (c == '?') {
			r.u[r.n++] = LS_WILD_ONE;
		} else {
			r.u[r.n++] = c;
		}
	}
	return r;
}

static bool has_wildcard(const ustr *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->u[i] >= 0x100)
			return true;
	return false;
}

static void pieces_add(pieces *ps, const ustr *alt, size_t nalt, ls_arena *a)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		piece *p = ls_arena_calloc(a, cap, sizeof *p);
		if (ps->n)
			memcpy(p, ps->p, ps->n * sizeof *p);
		ps->p = p;
		ps->cap = cap;
	}
	ps->p[ps->n++] = (piece){ alt, nalt };
}

static void pieces_add_run(pieces *ps, const ls_wild_unit *u, size_t n, ls_arena *a)
{
	if (n == 0)
		return;
	ustr *s = ls_arena_alloc(a, sizeof *s);
	s->u = ls_arena_calloc(a, n, sizeof *u);
	memcpy(s->u, u, n * sizeof *u);
	s->n = n;
	pieces_add(ps, s, 1, a);
}

/* Append to out every concatenation of one alternative per piece. */
static ls_err pieces_product(const vctx *c, const pieces *ps, ustr *out, size_t *nout, size_t cap)
{
	size_t total = 1;
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->p[i].nalt == 0)
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier '%s': value " VALUE_FMT " expands to nothing",
			                  c->mod, VALUE_ARG(c->v));
		size_t room = cap - *nout;
		if (ps->p[i].nalt > room || total > room / ps->p[i].nalt)
			return value_fail(c, LS_ERR_TOOLONG,
			                  "modifier '%s': value " VALUE_FMT
			                  " gives more than %u variants",
			                  c->mod, VALUE_ARG(c->v), (unsigned)LS_SIG_VARIANTS_MAX);
		total *= ps->p[i].nalt;
	}
	for (size_t k = 0; k < total; k++) {
		size_t len = 0, idx = k;
		for (size_t i = 0; i < ps->n; i++) {
			len += ps->p[i].alt[idx % ps->p[i].nalt].n;
			idx /= ps->p[i].nalt;
		}
		ustr r = { ls_arena_calloc(c->tmp, len ? len : 1, sizeof(ls_wild_unit)), 0 };
		idx = k;
		for (size_t i = 0; i < ps->n; i++) {
			const ustr *a = &ps->p[i].alt[idx % ps->p[i].nalt];
			idx /= ps->p[i].nalt;
			if (a->n)
				memcpy(r.u + r.n, a->u, a->n * sizeof *a->u);
			r.n += a->n;
		}
		out[(*nout)++] = r;
	}
	return LS_OK;
}

static bool is_name_unit(ls_wild_unit u)
{
	return u < 0x80 && ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	                    (u >= '0' && u <= '9') || u == '_');
}

/* Copy a literal run for expand, turning "\%" into "%". */
static void add_expand_run(pieces *ps, const ls_wild_unit *u, size_t n, ls_arena *a)
{
	if (n == 0)
		return;
	ls_wild_unit *r = ls_arena_calloc(a, n, sizeof *r);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i] == '\\' && i + 1 < n && u[i + 1] == '%')
			continue;
		r[m++] = u[i];
	}
	pieces_add_run(ps, r, m, a);
}

/* expand: every %name% (not after a backslash) becomes each of the placeholder's values. */
static ls_err do_expand(vctx *c, uset *set)
{
	ustr *out = ls_arena_calloc(c->tmp, LS_SIG_VARIANTS_MAX, sizeof *out);
	size_t nout = 0;
	for (size_t k = 0; k < set->n; k++) {
		const ls_wild_unit *u = set->v[k].u;
		size_t n = set->v[k].n, run = 0;
		pieces ps = { 0 };
		for (size_t i = 0; i < n;) {
			if (u[i] == '%' && (i == 0 || u[i - 1] != '\\')) {
				size_t j = i + 1;
				while (j < n && is_name_unit(u[j]))
					j++;
				if (j > i + 1 && j < n && u[j] == '%') {
					char name[256];
					size_t nl = j - i - 1 < sizeof name ? j - i - 1
					                                    : sizeof name - 1;
					for (size_t q = 0; q < nl; q++)
						name[q] = (char)u[i + 1 + q];
					name[nl] = '\0';
					if (!c->env || !c->env->placeholder)
						return value_fail(
						        c, LS_ERR_PARSE,
						        "modifier 'expand': no placeholders are "
						        "defined (value needs '%s')",
						        name);
					const ls_sv *vals = NULL;
					size_t nv = 0;
					ls_err e = c->env->placeholder(
					        c->env->ctx, ls_sv_make(name, nl), &vals, &nv);
					if (e == LS_ERR_NOTFOUND)
						return value_fail(
						        c, LS_ERR_PARSE,
						        "modifier 'expand': no placeholder '%s'",
						        name);
					if (e != LS_OK)
						return value_fail(
						        c, e,
						        "modifier 'expand': placeholder '%s': %s",
						        name, ls_strerror(e));
					if (nv == 0)
						return value_fail(
						        c, LS_ERR_PARSE,
						        "modifier 'expand': placeholder '%s' has "
						        "no values",
						        name);
					if (!vals)
						return value_fail(
						        c, LS_ERR_STATE,
						        "modifier 'expand': placeholder '%s' "
						        "gave no value list",
						        name);
					/* More values than variants fails in the product. */
					if (nv > LS_SIG_VARIANTS_MAX)
						nv = LS_SIG_VARIANTS_MAX + 1;
					ustr *alts = ls_arena_calloc(c->tmp, nv, sizeof *alts);
					for (size_t q = 0; q < nv; q++)
						alts[q] = parse_units(vals[q], c->tmp);
					add_expand_run(&ps, u + run, i - run, c->tmp);
					pieces_add(&ps, alts, nv, c->tmp);
					i = j + 1;
					run = i;
					continue;
				}
			}
			i++;
		}
		add_expand_run(&ps, u + run, n - run, c->tmp);
		if (ps.n == 0)
			pieces_add_run(&ps, NULL, 0, c->tmp);
		ls_err e = pieces_product(c, &ps, out, &nout, LS_SIG_VARIANTS_MAX);
		if (e != LS_OK)
			return e;
	}
	set->v = out;
	set->n = nout;
	return LS_OK;
}

/* The five spellings windash treats as one: '-', '/', en dash, em dash, horizontal bar. */
static const char *const dash_forms[] = { "-", "/", "\xe2\x80\x93", "\xe2\x80\x94",
	                                  "\xe2\x80\x95" };

/* The length in units of the dash form starting at u[i], or 0. */
static size_t dash_at(const ls_wild_unit *u, size_t n, size_t i)
{
	if (u[i] == '-' || u[i] == '/')
		return 1;
	if (i + 2 < n && u[i] == 0xE2 && u[i + 1] == 0x80 &&
	    (u[i + 2] == 0x93 || u[i + 2] == 0x94 || u[i + 2] == 0x95))
		return 3;
	return 0;
}

/*
 * windash without an encoding: every dash form in the value becomes '-',
 * and the event's value is folded the same way before it is compared
 * (fold_dashes), which is exactly "every permutation" without making any.
 */
static void do_windash_fold(uset *set)
{
	for (size_t k = 0; k < set->n; k++) {
		ls_wild_unit *u = set->v[k].u;
		size_t n = set->v[k].n, o = 0;
		for (size_t i = 0; i < n;) {
			size_t l = dash_at(u, n, i);
			u[o++] = l ? '-' : u[i];
			i += l ? l : 1;
		}
		set->v[k].n = o;
	}
}

/*
 * windash before an encoding: the bytes are encoded, so folding the event
 * cannot work; every dash form in the value becomes a choice of all five,
 * in every combination (5^k variants for k dashes).
 */
static ls_err do_windash(vctx *c, uset *set)
{
	ustr forms[5];
	ls_wild_unit form_units[5][3];
	for (size_t f = 0; f < 5; f++) {
		size_t l = strlen(dash_forms[f]);
		for (size_t q = 0; q < l; q++)
			form_units[f][q] = (unsigned char)dash_forms[f][q];
		forms[f] = (ustr){ form_units[f], l };
	}
	ustr *out = ls_arena_calloc(c->tmp, LS_SIG_VARIANTS_MAX, sizeof *out);
	size_t nout = 0;
	for (size_t k = 0; k < set->n; k++) {
		const ls_wild_unit *u = set->v[k].u;
		size_t n = set->v[k].n, run = 0;
		pieces ps = { 0 };
		for (size_t i = 0; i < n;) {
			size_t l = dash_at(u, n, i);
			if (l == 0) {
				i++;
				continue;
			}
			pieces_add_run(&ps, u + run, i - run, c->tmp);
			pieces_add(&ps, forms, 5, c->tmp);
			i += l;
			run = i;
		}
		pieces_add_run(&ps, u + run, n - run, c->tmp);
		if (ps.n == 0)
			pieces_add_run(&ps, NULL, 0, c->tmp);
		ls_err e = pieces_product(c, &ps, out, &nout, LS_SIG_VARIANTS_MAX);
		if (e != LS_OK)
			return e;
	}
	set->v = out;
	set->n = nout;
	return LS_OK;
}

/* utf16le / utf16be / utf16 (BOM + LE) / wide: re-encode the literal text. */
static ls_err do_utf16(vctx *c, uset *set, mod_id id)
{
	bool be = id == MOD_UTF16BE;
	for (size_t k = 0; k < set->n; k++) {
		const ustr *s = &set->v[k];
		/* At most two UTF-16 units (4 bytes) per input byte, plus the BOM. */
		ustr r = { ls_arena_calloc(c->tmp, s->n * 4 + 2, sizeof(ls_wild_unit)), 0 };
		if (id == MOD_UTF16) {
			r.u[r.n++] = 0xFF;
			r.u[r.n++] = 0xFE;
		}
		for (size_t i = 0; i < s->n;) {
			if (s->u[i] >= 0x100) {
				r.u[r.n++] = s->u[i++];
				continue;
			}
			char chr[4];
			size_t avail = 0;
			while (avail < 4 && i + avail < s->n && s->u[i + avail] < 0x100) {
				chr[avail] = (char)s->u[i + avail];
				avail++;
			}
			size_t l = ls_utf8_char_len(chr, avail);
			if (l == 0)
				return value_fail(c, LS_ERR_PARSE,
				                  "modifier '%s': value " VALUE_FMT
				                  " is not valid UTF-8",
				                  c->mod, VALUE_ARG(c->v));
			const unsigned char *b = (const unsigned char *)chr;
			uint32_t cp;
			if (l == 1)
				cp = b[0];
			else if (l == 2)
				cp = (uint32_t)(b[0] & 0x1F) << 6 | (b[1] & 0x3F);
			else if (l == 3)
				cp = (uint32_t)(b[0] & 0x0F) << 12 | (uint32_t)(b[1] & 0x3F) << 6 |
				     (b[2] & 0x3F);
			else
				cp = (uint32_t)(b[0] & 0x07) << 18 | (uint32_t)(b[1] & 0x3F) << 12 |
				     (uint32_t)(b[2] & 0x3F) << 6 | (b[3] & 0x3F);
			i += l;
			uint16_t cu[2];
			size_t ncu = 0;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				cu[ncu++] = (uint16_t)(0xD800 | (cp >> 10));
				cu[ncu++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
			} else {
				cu[ncu++] = (uint16_t)cp;
			}
			for (size_t q = 0; q < ncu; q++) {
				unsigned char lo = (unsigned char)(cu[q] & 0xFF);
				unsigned char hi = (unsigned char)(cu[q] >> 8);
				r.u[r.n++] = be ? hi : lo;
				r.u[r.n++] = be ? lo : hi;
			}
		}
		set->v[k] = r;
	}
	return LS_OK;
}

static const char b64_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard Base64 with padding of in[0..n) into out (4 * ceil(n / 3) units). */
static size_t b64_encode(const unsigned char *in, size_t n, ls_wild_unit *out)
{
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = (unsigned char)b64_alphabet[v >> 18];
		out[o++] = (unsigned char)b64_alphabet[(v >> 12) & 63];
		out[o++] = (unsigned char)b64_alphabet[(v >> 6) & 63];
		out[o++] = (unsigned char)b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = (unsigned char)b64_alphabet[v >> 18];
		out[o++] = (unsigned char)b64_alphabet[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = (unsigned char)b64_alphabet[v >> 18];
		out[o++] = (unsigned char)b64_alphabet[(v >> 12) & 63];
		out[o++] = (unsigned char)b64_alphabet[(v >> 6) & 63];
		out[o++] = '=';
	}
	return o;
}

/*
 * base64: the plain encoding. base64offset: the value encoded after 0, 1
 * and 2 leading bytes, with the characters that depend on the unknown
 * neighbouring bytes cut off both ends, as pySigma does (start 0, 2, 3;
 * end trimmed by 0, 3 or 2 characters as the encoded length mod 3 is 0, 1
 * or 2).
 */
static ls_err do_base64(vctx *c, uset *set, bool offset)
{
	static const size_t start_cut[3] = { 0, 2, 3 };
	static const size_t end_cut[3] = { 0, 3, 2 };
	size_t per = offset ? 3 : 1;
	if (set->n * per > LS_SIG_VARIANTS_MAX)
		return value_fail(c, LS_ERR_TOOLONG,
		                  "modifier '%s': value " VALUE_FMT " gives more than %u variants",
		                  c->mod, VALUE_ARG(c->v), (unsigned)LS_SIG_VARIANTS_MAX);
	ustr *out = ls_arena_calloc(c->tmp, set->n * per, sizeof *out);
	size_t nout = 0;
	for (size_t k = 0; k < set->n; k++) {
		const ustr *s = &set->v[k];
		if (has_wildcard(s))
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier '%s': value " VALUE_FMT
			                  " has a wildcard, which cannot be encoded (escape it as "
			                  "\\* or \\?)",
			                  c->mod, VALUE_ARG(c->v));
		unsigned char *bytes = ls_arena_alloc(c->tmp, s->n + 2);
		bytes[0] = bytes[1] = ' ';
		for (size_t i = 0; i < s->n; i++)
			bytes[i + 2] = (unsigned char)s->u[i];
		for (size_t shift = 0; shift < per; shift++) {
			size_t len = s->n + shift;
			ls_wild_unit *enc =
			        ls_arena_calloc(c->tmp, (len + 2) / 3 * 4 + 1, sizeof *enc);
			size_t el = b64_encode(bytes + 2 - shift, len, enc);
			size_t from = 0, to = el;
			if (offset) {
				from = start_cut[shift];
				size_t cut = end_cut[len % 3];
				to = el >= cut ? el - cut : 0;
				if (to <= from)
					return value_fail(
					        c, LS_ERR_PARSE,
					        "modifier 'base64offset': value " VALUE_FMT
					        " is too short to encode at every offset",
					        VALUE_ARG(c->v));
			}
			out[nout++] = (ustr){ enc + from, to - from };
		}
	}
	set->v = out;
	set->n = nout;
	return LS_OK;
}

/* contains / startswith / endswith (and the keyword scope): wildcards at the ends. */
static void do_wrap(vctx *c, uset *set, bool front, bool back)
{
	for (size_t k = 0; k < set->n; k++) {
		const ustr *s = &set->v[k];
		ustr r = { ls_arena_calloc(c->tmp, s->n + 2, sizeof(ls_wild_unit)), 0 };
		if (front && !(s->n && s->u[0] == LS_WILD_STAR))
			r.u[r.n++] = LS_WILD_STAR;
		if (s->n)
			memcpy(r.u + r.n, s->u, s->n * sizeof *s->u);
		r.n += s->n;
		if (back && !(s->n && s->u[s->n - 1] == LS_WILD_STAR))
			r.u[r.n++] = LS_WILD_STAR;
		set->v[k] = r;
	}
}

/* ============================================================= compile */

typedef struct modinfo {
	int pos[MOD__COUNT]; /* index in spec->mods of each modifier, or -1 */
	int cls[MC__COUNT];  /* index of the (first) modifier of each class, or -1 */
	leaf_kind kind;
	int kind_at; /* index of the modifier that set the kind, or -1 */
} modinfo;

static const char *mod_name_at(const ls_sig_leaf_spec *sp, size_t i, char *buf, size_t cap)
{
	ls_sv s = sp->mods[i];
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	if (n)
		memcpy(buf, s.ptr, n);
	buf[n] = '\0';
	return buf;
}

static ls_err conflict(const ls_sig_leaf_spec *sp, size_t a, size_t b, ls_diag *d, const char *why)
{
	char na[64], nb[64];
	size_t later = a > b ? a : b;
	size_t first = a > b ? b : a;
	return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, later),
	               "modifiers '%s' and '%s' cannot be combined%s%s",
	               mod_name_at(sp, first, na, sizeof na), mod_name_at(sp, later, nb, sizeof nb),
	               why ? ": " : "", why ? why : "");
}

static leaf_kind kind_of_class(mod_class c)
{
	switch (c) {
	case MC_RE: return K_RE;
	case MC_CIDR: return K_CIDR;
	case MC_CMP: return K_CMP;
	case MC_TIME: return K_TIME;
	case MC_EXISTS: return K_EXISTS;
	case MC_FIELDREF: return K_FIELDREF;
	default: return K_STRING;
	}
}

/* Resolve the modifiers and check that they make sense together. */
static ls_err check_mods(const ls_sig_leaf_spec *sp, bool keyword, modinfo *mi, ls_diag *d)
{
	char nbuf[64];
	for (size_t i = 0; i < MOD__COUNT; i++)
		mi->pos[i] = -1;
	for (size_t i = 0; i < MC__COUNT; i++)
		mi->cls[i] = -1;
	mi->kind = K_STRING;
	mi->kind_at = -1;

	const mod_def *defs[64];
	if (sp->nmods > 64)
		return fail_at(d, LS_ERR_TOOLONG, sp, sp->line, mod_col(sp, 64),
		               "too many modifiers (at most 64)");
	for (size_t i = 0; i < sp->nmods; i++) {
		ls_sv name = sp->mods[i];
		if (name.len == 0)
			return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, i),
			               "empty modifier name");
		const mod_def *m = mod_lookup(name);
		if (!m)
			return fail_at(d, LS_ERR_UNSUPPORTED, sp, sp->line, mod_col(sp, i),
			               "unknown modifier '%.*s'",
			               (int)(name.len > 64 ? 64 : name.len), name.ptr);
		defs[i] = m;
		if (mi->pos[m->id] >= 0) {
			size_t j = (size_t)mi->pos[m->id];
			if (ls_sv_eq(sp->mods[j], name))
				return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, i),
				               "modifier '%s' is given twice",
				               mod_name_at(sp, i, nbuf, sizeof nbuf));
			return conflict(sp, j, i, d, "they mean the same");
		}
		if (keyword) {
			bool field_only = m->id == MOD_STARTSWITH || m->id == MOD_ENDSWITH ||
			                  m->id == MOD_NEQ ||
			                  (class_is_kind(m->cls) && m->cls != MC_RE);
			if (field_only)
				return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, i),
				               "modifier '%s' needs a field (a keyword search has "
				               "none)",
				               mod_name_at(sp, i, nbuf, sizeof nbuf));
		}
		/* Classes of which only one member makes sense. */
		bool exclusive = m->cls == MC_WRAP || m->cls == MC_ENC || m->cls == MC_B64 ||
		                 class_is_kind(m->cls);
		if (exclusive && mi->cls[m->cls] >= 0)
			return conflict(sp, (size_t)mi->cls[m->cls], i, d, NULL);
		if (mi->cls[m->cls] < 0)
			mi->cls[m->cls] = (int)i;
		mi->pos[m->id] = (int)i;

		if (class_is_kind(m->cls)) {
			leaf_kind k = kind_of_class(m->cls);
			if (mi->kind_at < 0) {
				mi->kind = k;
				mi->kind_at = (int)i;
			} else if ((mi->kind == K_TIME && k == K_CMP) ||
			           (mi->kind == K_CMP && k == K_TIME)) {
				mi->kind = K_CMP; /* a compared time part */
			} else {
				return conflict(sp, (size_t)mi->kind_at, i, d, NULL);
			}
		}
	}

	/* Each adjusting modifier against the kind. */
	for (size_t i = 0; i < sp->nmods; i++) {
		const mod_def *m = defs[i];
		if (class_is_kind(m->cls))
			continue;
		if (class_accepts(m->cls) & KB(mi->kind))
			continue;
		if (m->cls == MC_REFLAG)
			return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, i),
			               "modifier '%s' needs 're'",
			               mod_name_at(sp, i, nbuf, sizeof nbuf));
		const char *why = NULL;
		if (mi->kind == K_RE && m->cls == MC_WRAP)
			why = "a regular expression matches anywhere in the value unless anchored "
			      "with ^ or $";
		else if (mi->kind == K_RE && m->cls == MC_CASED)
			why = "a regular expression is case-sensitive unless 'i' is given";
		else if (mi->kind == K_EXISTS)
			why = "'exists' takes no other modifier";
		size_t k = (size_t)mi->kind_at;
		/* For a compared time part, name the comparison. */
		if (mi->kind == K_CMP && mi->cls[MC_CMP] >= 0)
			k = (size_t)mi->cls[MC_CMP];
		return conflict(sp, k, i, d, why);
	}
	if (mi->cls[MC_ALL] >= 0 && mi->cls[MC_NEQ] >= 0)
		return conflict(sp, (size_t)mi->cls[MC_ALL], (size_t)mi->cls[MC_NEQ], d,
		                "'neq' already requires every value to differ");

	/* Order: text rewrites, then UTF-16, then Base64, then the wildcards. */
	int enc = mi->cls[MC_ENC], b64 = mi->cls[MC_B64], wrap = mi->cls[MC_WRAP];
	if (enc >= 0 && b64 >= 0 && b64 < enc) {
		char eb[64];
		return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, (size_t)enc),
		               "modifier '%s' must come before '%s'",
		               mod_name_at(sp, (size_t)enc, eb, sizeof eb),
		               mod_name_at(sp, (size_t)b64, nbuf, sizeof nbuf));
	}
	int encoded = enc >= 0 ? enc : b64;
	if (encoded >= 0) {
		for (size_t i = 0; i < sp->nmods; i++) {
			if (defs[i]->cls != MC_TEXT || (int)i < encoded)
				continue;
			char eb[64];
			return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, i),
			               "modifier '%s' must come before '%s'",
			               mod_name_at(sp, i, nbuf, sizeof nbuf),
			               mod_name_at(sp, (size_t)encoded, eb, sizeof eb));
		}
	}
	if (wrap >= 0 && b64 >= 0 && wrap < b64) {
		char eb[64];
		return fail_at(
		        d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, (size_t)wrap),
		        "modifier '%s' must come after '%s' (Base64 cannot encode wildcards)",
		        mod_name_at(sp, (size_t)wrap, nbuf, sizeof nbuf),
		        mod_name_at(sp, (size_t)b64, eb, sizeof eb));
	}

	if (mi->cls[MC_ALL] >= 0 && sp->nvalues < 2)
		return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, (size_t)mi->cls[MC_ALL]),
		               "modifier 'all' needs a list of at least two values");
	if (mi->kind == K_EXISTS && sp->nvalues != 1)
		return fail_at(d, LS_ERR_PARSE, sp, sp->line, mod_col(sp, (size_t)mi->kind_at),
		               "modifier 'exists' takes exactly one value, true or false");
	return LS_OK;
}

static ls_sv arena_sv(ls_arena *a, ls_sv s)
{
	return ls_sv_make(ls_arena_strndup(a, s.ptr ? s.ptr : "", s.len), s.len);
}

static bool value_is_string_like(const ls_sig_value *v)
{
	return v->type == LS_VALUE_STRING || v->type == LS_VALUE_NUMBER || v->type == LS_VALUE_BOOL;
}

/* A string value through the transformations into wildcard patterns. */
static ls_err compile_patterns(ls_sig_leaf *l, group *g, const modinfo *mi, vctx *c)
{
	const ls_sig_leaf_spec *sp = c->sp;
	uset set = { ls_arena_alloc(c->tmp, sizeof(ustr)), 1 };
	set.v[0] = parse_units(c->v->text, c->tmp);
	char nbuf[64];

	/* windash and expand, in the order written. */
	for (size_t i = 0; i < sp->nmods; i++) {
		if ((int)i != mi->pos[MOD_WINDASH] && (int)i != mi->pos[MOD_EXPAND])
			continue;
		c->mod = mod_name_at(sp, i, nbuf, sizeof nbuf);
		ls_err e = LS_OK;
		if ((int)i != mi->pos[MOD_WINDASH])
			e = do_expand(c, &set);
		else if (l->dashfold)
			do_windash_fold(&set);
		else
			e = do_windash(c, &set);
		if (e != LS_OK)
			return e;
	}
	if (mi->cls[MC_ENC] >= 0) {
		size_t i = (size_t)mi->cls[MC_ENC];
		c->mod = mod_name_at(sp, i, nbuf, sizeof nbuf);
		mod_id id = mod_lookup(sp->mods[i])->id;
		ls_err e = do_utf16(c, &set, id == MOD_WIDE ? MOD_UTF16LE : id);
		if (e != LS_OK)
			return e;
	}
	if (mi->cls[MC_B64] >= 0) {
		size_t i = (size_t)mi->cls[MC_B64];
		c->mod = mod_name_at(sp, i, nbuf, sizeof nbuf);
		ls_err e = do_base64(c, &set, mi->pos[MOD_BASE64OFFSET] >= 0);
		if (e != LS_OK)
			return e;
	}
	bool front = l->keyword || mi->pos[MOD_CONTAINS] >= 0 || mi->pos[MOD_ENDSWITH] >= 0;
	bool back = l->keyword || mi->pos[MOD_CONTAINS] >= 0 || mi->pos[MOD_STARTSWITH] >= 0;
	if (front || back)
		do_wrap(c, &set, front, back);

	g->kind = VK_PATTERN;
	g->nvars = set.n;
	g->vars = ls_arena_calloc(&l->arena, set.n, sizeof *g->vars);
	for (size_t k = 0; k < set.n; k++)
		ls_wild_compile(&g->vars[k], set.v[k].u, set.v[k].n, l->cased, &l->arena);
	return LS_OK;
}

static ls_err compile_regex(ls_sig_leaf *l, group *g, const modinfo *mi, vctx *c)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	if (mi->pos[MOD_RE_I] >= 0)
		opts |= PCRE2_CASELESS;
	if (mi->pos[MOD_RE_M] >= 0)
		opts |= PCRE2_MULTILINE;
	if (mi->pos[MOD_RE_S] >= 0)
		opts |= PCRE2_DOTALL;
	int err = 0;
	PCRE2_SIZE off = 0;
	const char *p = c->v->text.ptr ? c->v->text.ptr : "";
	g->re = pcre2_compile((PCRE2_SPTR)p, c->v->text.len, opts, &err, &off, NULL);
	if (!g->re) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(err, msg, sizeof msg) < 0)
			msg[0] = '\0';
		return value_fail(c, LS_ERR_PARSE, "modifier 're': %s at offset %zu", (char *)msg,
		                  (size_t)off);
	}
	/* JIT when the platform has it; the interpreter otherwise. */
	(void)pcre2_jit_compile(g->re, PCRE2_JIT_COMPLETE);
	if (!l->mctx) {
		l->mctx = pcre2_match_context_create(NULL);
		if (!l->mctx)
			ls_oom(64);
		pcre2_set_match_limit(l->mctx, LS_SIG_RE_MATCH_LIMIT);
		pcre2_set_depth_limit(l->mctx, LS_SIG_RE_DEPTH_LIMIT);
		pcre2_set_heap_limit(l->mctx, LS_SIG_RE_HEAP_LIMIT_KIB);
	}
	g->kind = VK_REGEX;
	return LS_OK;
}

static ls_err compile_cidr(group *g, vctx *c)
{
	ls_sv s = c->v->text, addr, plen;
	bool slash = false;
	plen = ls_sv_cut(s, '/', &addr, &slash);
	unsigned max;
	if (!parse_addr(addr, &g->family, g->net))
		goto bad;
	max = g->family == AF_INET ? 32 : 128;
	g->prefix = max;
	if (slash) {
		uint64_t p;
		if (plen.len == 0 || plen.len > 3 || ls_sv_to_u64(plen, &p) != LS_OK || p > max)
			goto bad;
		g->prefix = (unsigned)p;
	}
	for (unsigned bit = g->prefix; bit < max; bit++)
		if (g->net[bit / 8] & (0x80u >> (bit % 8)))
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier 'cidr': " VALUE_FMT
			                  " has host bits set (the network is written with them "
			                  "zero)",
			                  VALUE_ARG(c->v));
	g->kind = VK_CIDR;
	return LS_OK;
bad:
	return value_fail(c, LS_ERR_PARSE, "modifier 'cidr': " VALUE_FMT " is not a network",
	                  VALUE_ARG(c->v));
}

/* Compile value c->v of the leaf into g. */
static ls_err compile_value(ls_sig_leaf *l, group *g, const modinfo *mi, vctx *c)
{
	const ls_sig_value *v = c->v;
	const ls_sig_leaf_spec *sp = c->sp;
	char nbuf[64];
	g->type = v->type;
	g->text = arena_sv(&l->arena, v->text);
	bool transformed = mi->cls[MC_WRAP] >= 0 || mi->cls[MC_TEXT] >= 0 || mi->cls[MC_ENC] >= 0 ||
	                   mi->cls[MC_B64] >= 0;

	switch (mi->kind) {
	case K_EXISTS:
		g->kind = VK_EXISTS;
		if (v->type == LS_VALUE_BOOL || v->type == LS_VALUE_STRING) {
			if (ls_sv_eq_nocase(v->text, LS_VALUE_TRUE)) {
				g->b = true;
				return LS_OK;
			}
			if (ls_sv_eq_nocase(v->text, LS_VALUE_FALSE)) {
				g->b = false;
				return LS_OK;
			}
		}
		return value_fail(c, LS_ERR_PARSE,
		                  "modifier 'exists' needs true or false, got " VALUE_FMT,
		                  VALUE_ARG(v));
	case K_CMP:
	case K_TIME: {
		size_t at = (size_t)(mi->cls[MC_CMP] >= 0 ? mi->cls[MC_CMP] : mi->cls[MC_TIME]);
		const char *name = mod_name_at(sp, at, nbuf, sizeof nbuf);
		if (v->type != LS_VALUE_NUMBER)
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier '%s' needs a number, got %s " VALUE_FMT, name,
			                  ls_value_type_name(v->type), VALUE_ARG(v));
		if (!parse_num(v->text, &g->n))
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier '%s': " VALUE_FMT " is not a decimal number",
			                  name, VALUE_ARG(v));
		g->kind = VK_CMP;
		return LS_OK;
	}
	case K_CIDR:
		if (v->type != LS_VALUE_STRING)
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier 'cidr' needs a network, got %s " VALUE_FMT,
			                  ls_value_type_name(v->type), VALUE_ARG(v));
		return compile_cidr(g, c);
	case K_FIELDREF: {
		if (v->type != LS_VALUE_STRING || v->text.len == 0)
			return value_fail(
			        c, LS_ERR_PARSE,
			        "modifier 'fieldref' needs a field name, got %s " VALUE_FMT,
			        ls_value_type_name(v->type), VALUE_ARG(v));
		ustr u = parse_units(v->text, c->tmp);
		if (has_wildcard(&u))
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier 'fieldref': field name " VALUE_FMT
			                  " cannot have wildcards",
			                  VALUE_ARG(v));
		char *name = ls_arena_alloc(&l->arena, u.n + 1);
		for (size_t i = 0; i < u.n; i++)
			name[i] = (char)u.u[i];
		name[u.n] = '\0';
		g->ref = ls_sv_make(name, u.n);
		g->kind = VK_FIELDREF;
		return LS_OK;
	}
	case K_RE:
		if (!value_is_string_like(v))
			return value_fail(c, LS_ERR_PARSE,
			                  "modifier 're' needs a pattern, got null");
		return compile_regex(l, g, mi, c);
	case K_STRING: break;
	}

	if (v->type == LS_VALUE_NULL) {
		if (l->keyword)
			return value_fail(c, LS_ERR_PARSE, "a keyword search cannot look for null");
		if (transformed) {
			int at = mi->cls[MC_WRAP];
			if (at < 0)
				at = mi->cls[MC_TEXT] >= 0
				             ? mi->cls[MC_TEXT]
				             : (mi->cls[MC_ENC] >= 0 ? mi->cls[MC_ENC]
				                                     : mi->cls[MC_B64]);
			return value_fail(c, LS_ERR_PARSE, "modifier '%s' cannot apply to null",
			                  mod_name_at(sp, (size_t)at, nbuf, sizeof nbuf));
		}
		g->kind = VK_NULL;
		return LS_OK;
	}
	if (!transformed && !l->keyword && v->type == LS_VALUE_BOOL) {
		g->kind = VK_BOOL;
		g->b = ls_sv_eq_nocase(v->text, LS_VALUE_TRUE);
		return LS_OK;
	}
	if (!transformed && !l->keyword && v->type == LS_VALUE_NUMBER) {
		g->kind = VK_NUMBER;
		g->has_num = parse_num(v->text, &g->n);
		return LS_OK;
	}
	return compile_patterns(l, g, mi, c);
}

/* Atom-safe dedup: atoms equal case-insensitively are kept once. */
static void add_atom(ls_sv *atoms, size_t *n, ls_sv a)
{
	for (size_t i = 0; i < *n; i++)
		if (ls_sv_eq_nocase(atoms[i], a))
			return;
	atoms[(*n)++] = a;
}

/*
 * A variant's atom. Under dashfold the event may spell a '-' of the value
 * as any dash form, so only the longest run of the atom without one counts.
 */
static ls_sv var_atom(const ls_sig_leaf *l, const ls_wild *w)
{
	ls_sv a = w->atom;
	if (!l->dashfold)
		return a;
	size_t best = 0, blen = 0, start = 0;
	for (size_t i = 0; i <= a.len; i++) {
		if (i < a.len && a.ptr[i] != '-')
			continue;
		if (i - start > blen) {
			best = start;
			blen = i - start;
		}
		start = i + 1;
	}
	return blen >= LS_WILD_ATOM_MIN ? ls_sv_make(a.ptr + best, blen) : ls_sv_make("", 0);
}

/* Precompute the prefilter atoms (see ls_sig_leaf_atoms). */
static void compute_atoms(ls_sig_leaf *l)
{
	l->natoms = 0;
	if (l->neq)
		return;
	/* Every value of an OR, or any one value of an AND, must be fully covered. */
	size_t best = SIZE_MAX, best_min = 0;
	size_t total = 0;
	for (size_t i = 0; i < l->ngroups; i++) {
		const group *g = &l->groups[i];
		bool covered = g->kind == VK_PATTERN;
		size_t minlen = SIZE_MAX;
		for (size_t k = 0; covered && k < g->nvars; k++) {
			if (var_atom(l, &g->vars[k]).len == 0)
				covered = false;
			else if (var_atom(l, &g->vars[k]).len < minlen)
				minlen = var_atom(l, &g->vars[k]).len;
		}
		if (!covered) {
			if (!l->all)
				return;
			continue;
		}
		total += g->nvars;
		if (best == SIZE_MAX || minlen > best_min ||
		    (minlen == best_min && g->nvars < l->groups[best].nvars)) {
			best = i;
			best_min = minlen;
		}
	}
	if (best == SIZE_MAX)
		return;
	size_t from = l->all ? best : 0, to = l->all ? best + 1 : l->ngroups;
	if (l->all)
		total = l->groups[best].nvars;
	l->atoms = ls_arena_calloc(&l->arena, total ? total : 1, sizeof *l->atoms);
	for (size_t i = from; i < to; i++)
		for (size_t k = 0; k < l->groups[i].nvars; k++)
			add_atom(l->atoms, &l->natoms, var_atom(l, &l->groups[i].vars[k]));
}

/* ======================================================== exact keys */

/* Whole numbers up to 2^53 convert to and from double exactly. */
#define KEY_INT_MAX 9007199254740992.0

/* FNV-1a over a tag byte and the bytes, lower-cased for text keys. */
static uint64_t key_text(ls_sv s)
{
	uint64_t h = 14695981039346656037ull;
	h = (h ^ 'T') * 1099511628211ull;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 1099511628211ull;
	}
	return h;
}

static uint64_t key_int(int64_t v)
{
	uint64_t h = 14695981039346656037ull, u = (uint64_t)v;
	h = (h ^ 'N') * 1099511628211ull;
	for (int i = 0; i < 8; i++, u >>= 8)
		h = (h ^ (u & 0xff)) * 1099511628211ull;
	return h;
}

/* The whole number x equals, if it is one within 2^53. */
static bool whole(const num *x, int64_t *out)
{
	if (x->is_int) {
		if ((double)x->i > KEY_INT_MAX || (double)x->i < -KEY_INT_MAX)
			return false;
		*out = x->i;
		return true;
	}
	if (!(x->d >= -KEY_INT_MAX && x->d <= KEY_INT_MAX) || x->d != (double)(int64_t)x->d)
		return false;
	*out = (int64_t)x->d;
	return true;
}

size_t ls_sig_value_keys(const ls_field *f, uint64_t out[2])
{
	size_t n = 0;
	out[n++] = key_text(f->value);
	num x;
	int64_t i = 0;
	if (parse_num(f->value, &x) && whole(&x, &i))
		out[n++] = key_int(i);
	return n;
}

/*
 * A group's keys: an exact string gives its text's; a number its text's
 * (the text fallback of VK_NUMBER) and its integer's. Anything else: none.
 */
static bool group_keys(const group *g, uint64_t *out, size_t *n)
{
	switch (g->kind) {
	case VK_PATTERN:
		for (size_t k = 0; k < g->nvars; k++)
			if (g->vars[k].kind != LS_WILD_EXACT)
				return false;
		for (size_t k = 0; k < g->nvars; k++)
			out[(*n)++] = key_text(ls_sv_make((const char *)g->vars[k].lit,
			                                  g->vars[k].len));
		return true;
	case VK_NUMBER: {
		int64_t i = 0;
		if (g->has_num && !whole(&g->n, &i))
			return false;
		out[(*n)++] = key_text(g->text);
		if (g->has_num)
			out[(*n)++] = key_int(i);
		return true;
	}
	default: return false;
	}
}

static void compute_keys(ls_sig_leaf *l)
{
	l->nkeys = 0;
	if (l->keyword || l->neq || l->all || l->dashfold || l->op != OP_EQ || l->tp != TP_NONE)
		return;
	size_t cap = 0;
	for (size_t i = 0; i < l->ngroups; i++)
		cap += l->groups[i].kind == VK_PATTERN ? l->groups[i].nvars : 2;
	uint64_t *keys = ls_arena_calloc(&l->arena, cap ? cap : 1, sizeof *keys);
	size_t n = 0;
	for (size_t i = 0; i < l->ngroups; i++)
		if (!group_keys(&l->groups[i], keys, &n))
			return;
	l->keys = keys;
	l->nkeys = n;
}

size_t ls_sig_leaf_keys(const ls_sig_leaf *l, const uint64_t **keys)
{
	*keys = l->keys;
	return l->nkeys;
}

ls_err ls_sig_leaf_compile(ls_sig_leaf **out, const ls_sig_leaf_spec *sp, const ls_sig_env *env,
                           ls_diag *d)
{
	*out = NULL;
	if (sp->nvalues == 0 || !sp->values)
		return fail_at(d, LS_ERR_PARSE, sp, sp->line, sp->col,
		               "a search needs at least one value");
	bool keyword = sp->field.len == 0;
	modinfo mi;
	ls_err e = check_mods(sp, keyword, &mi, d);
	if (e != LS_OK)
		return e;

	ls_sig_leaf *l = ls_xcalloc(1, sizeof *l);
	ls_arena_init(&l->arena, 512);
	l->field = arena_sv(&l->arena, sp->field);
	l->keyword = keyword;
	l->all = mi.cls[MC_ALL] >= 0;
	l->neq = mi.cls[MC_NEQ] >= 0;
	l->cased = mi.cls[MC_CASED] >= 0;
	l->dashfold = mi.pos[MOD_WINDASH] >= 0 && mi.cls[MC_ENC] < 0 && mi.cls[MC_B64] < 0;
	l->op = mi.pos[MOD_LT] >= 0    ? OP_LT
	        : mi.pos[MOD_LTE] >= 0 ? OP_LTE
	        : mi.pos[MOD_GT] >= 0  ? OP_GT
	        : mi.pos[MOD_GTE] >= 0 ? OP_GTE
	                               : OP_EQ;
	l->tp = mi.pos[MOD_MINUTE] >= 0  ? TP_MINUTE
	        : mi.pos[MOD_HOUR] >= 0  ? TP_HOUR
	        : mi.pos[MOD_DAY] >= 0   ? TP_DAY
	        : mi.pos[MOD_WEEK] >= 0  ? TP_WEEK
	        : mi.pos[MOD_MONTH] >= 0 ? TP_MONTH
	        : mi.pos[MOD_YEAR] >= 0  ? TP_YEAR
	                                 : TP_NONE;
	l->ref = mi.pos[MOD_CONTAINS] >= 0     ? REF_CONTAINS
	         : mi.pos[MOD_STARTSWITH] >= 0 ? REF_PREFIX
	         : mi.pos[MOD_ENDSWITH] >= 0   ? REF_SUFFIX
	                                       : REF_EQ;
	{
		ls_buf b = LS_BUF_INIT;
		for (size_t i = 0; i < sp->nmods; i++) {
			if (i)
				ls_buf_append_char(&b, '|');
			ls_buf_append_sv(&b, sp->mods[i]);
		}
		l->mods = arena_sv(&l->arena, ls_buf_sv(&b));
		ls_buf_fini(&b);
	}

	l->ngroups = sp->nvalues;
	l->groups = ls_arena_calloc(&l->arena, sp->nvalues, sizeof *l->groups);
	ls_arena tmp;
	ls_arena_init(&tmp, 0);
	for (size_t i = 0; i < sp->nvalues && e == LS_OK; i++) {
		vctx c = { sp, &sp->values[i], env, d, &tmp, "" };
		e = compile_value(l, &l->groups[i], &mi, &c);
	}
	ls_arena_fini(&tmp);
	if (e != LS_OK) {
		ls_sig_leaf_free(l);
		return e;
	}
	compute_atoms(l);
	compute_keys(l);
	*out = l;
	return LS_OK;
}

void ls_sig_leaf_free(ls_sig_leaf *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ngroups; i++)
		if (l->groups[i].re)
			pcre2_code_free(l->groups[i].re);
	pcre2_match_context_free(l->mctx);
	ls_arena_fini(&l->arena);
	free(l);
}

ls_sv ls_sig_leaf_field(const ls_sig_leaf *l)
{
	return l->field;
}

size_t ls_sig_leaf_atoms(const ls_sig_leaf *l, ls_sv *out, size_t cap)
{
	if (l->natoms == 0 || l->natoms > cap)
		return 0;
	memcpy(out, l->atoms, l->natoms * sizeof *out);
	return l->natoms;
}

/* ============================================================= explain */

/* Longest part of one value quoted in explain output. */
#define EXPLAIN_VALUE_MAX 120

static void indent_to(ls_buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ls_buf_append_char(b, ' ');
}

/* A value as JSON would write it (strings quoted and escaped), truncated. */
static void append_event_value(ls_buf *b, const ls_field *f)
{
	if (f->type != LS_VALUE_STRING) {
		ls_buf_append_sv(b, f->value);
		return;
	}
	size_t n = f->value.len > EXPLAIN_VALUE_MAX ? EXPLAIN_VALUE_MAX : f->value.len;
	ls_buf_append_char(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->value.ptr[i];
		if (c == '"' || c == '\\') {
			ls_buf_append_char(b, '\\');
			ls_buf_append_char(b, (char)c);
		} else if (c == '\n') {
			ls_buf_append_cstr(b, "\\n");
		} else if (c == '\t') {
			ls_buf_append_cstr(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			ls_buf_printf(b, "\\u%04x", c);
		} else {
			ls_buf_append_char(b, (char)c);
		}
	}
	ls_buf_append_char(b, '"');
	if (n < f->value.len)
		ls_buf_printf(b, "... (%zu bytes)", f->value.len);
}

static void append_rule_value(ls_buf *b, const group *g)
{
	size_t n = g->text.len > EXPLAIN_VALUE_MAX ? EXPLAIN_VALUE_MAX : g->text.len;
	if (g->type == LS_VALUE_STRING)
		ls_buf_append_char(b, '\'');
	ls_buf_append(b, g->text.ptr, n);
	if (g->type == LS_VALUE_STRING)
		ls_buf_append_char(b, '\'');
	if (n < g->text.len)
		ls_buf_append_cstr(b, "...");
}

void ls_sig_leaf_explain(const ls_sig_leaf *l, const ls_event *ev, unsigned indent, ls_buf *out)
{
	const ls_field *first = NULL;
	if (l->keyword) {
		size_t n = 0;
		for (size_t i = 0; i < ev->n; i++)
			n += ev->fields[i].type == LS_VALUE_STRING ||
			     ev->fields[i].type == LS_VALUE_NUMBER;
		indent_to(out, indent);
		ls_buf_printf(out, "keyword search over %zu string and number value%s\n", n,
		              n == 1 ? "" : "s");
	} else {
		first = lookup(ev, l->field);
		if (!first) {
			indent_to(out, indent);
			ls_buf_printf(out, "field %.*s: absent\n", (int)l->field.len, l->field.ptr);
		}
		for (const ls_field *f = first; f; f = ls_event_next(ev, f)) {
			indent_to(out, indent);
			ls_buf_printf(out, "field %.*s", (int)l->field.len, l->field.ptr);
			if (!ls_sv_eq(f->name, l->field))
				ls_buf_printf(out, " (as %.*s)", (int)f->name.len, f->name.ptr);
			ls_buf_append_cstr(out, ": ");
			append_event_value(out, f);
			ls_buf_printf(out, " (%s)\n", ls_value_type_name(f->type));
		}
	}
	indent_to(out, indent);
	if (l->mods.len)
		ls_buf_printf(out, "modifiers: %.*s\n", (int)l->mods.len, l->mods.ptr);
	else
		ls_buf_append_cstr(out, "modifiers: none\n");

	bool any = false;
	for (size_t i = 0; i < l->ngroups; i++) {
		const group *g = &l->groups[i];
		bool limited = false, r;
		const ls_field *which = NULL;
		if (g->kind == VK_EXISTS)
			r = (first != NULL) == g->b;
		else
			r = group_match(l, g, ev, first, &limited, &which);
		any |= r;
		indent_to(out, indent);
		ls_buf_append_cstr(out, "value ");
		append_rule_value(out, g);
		ls_buf_append_cstr(out, r ? ": matched" : ": not matched");
		if (r && l->keyword && which)
			ls_buf_printf(out, " in %.*s", (int)which->name.len, which->name.ptr);
		if (g->kind == VK_PATTERN && g->nvars > 1)
			ls_buf_printf(out, " (%zu variants)", g->nvars);
		if (g->kind == VK_PATTERN && l->dashfold)
			ls_buf_append_cstr(out, " (dashes compared as one: - / \u2013 \u2014 \u2015)");
		if (!r && limited)
			ls_buf_append_cstr(out, " (regex match limit reached)");
		ls_buf_append_char(out, '\n');
	}
	bool result = ls_sig_leaf_match(l, ev);
	indent_to(out, indent);
	ls_buf_printf(out, "result: %s", result ? "true" : "false");
	if (l->groups[0].kind == VK_EXISTS)
		ls_buf_append_cstr(out, "\n");
	else if (l->neq)
		ls_buf_append_cstr(out, !first ? " (neq: the field is absent)\n"
		                               : (any ? " (neq: a value matched)\n"
		                                      : " (neq: no value matched)\n"));
	else if (l->all && l->ngroups > 1)
		ls_buf_printf(out, " (all %zu values must match)\n", l->ngroups);
	else
		ls_buf_append_cstr(out, "\n");
}
