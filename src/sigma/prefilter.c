/*
 * prefilter.c - necessary atoms per rule, and the one-pass line scan.
 */
#include "sigma/prefilter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define BUCKETS (1u << 16)

/* A set of atoms, or "none": the rule (or part) needs nothing we can see. */
typedef struct req {
	bool none;
	ls_sv *v;
	size_t n, cap;
} req;

static void req_none(req *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
	r->none = true;
}

static void req_add(req *r, ls_sv a)
{
	if (r->none)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].len == a.len && memcmp(r->v[i].ptr, a.ptr, a.len) == 0)
			return;
	if (r->n == LS_PREFILTER_ATOMS_MAX) {
		req_none(r);
		return;
	}
	r->v = ls_xgrow(r->v, &r->cap, r->n + 1, sizeof *r->v);
	r->v[r->n++] = a;
}

static void req_union(req *into, const req *from)
{
	if (from->none) {
		req_none(into);
		return;
	}
	for (size_t i = 0; i < from->n && !into->none; i++)
		req_add(into, from->v[i]);
}

/*
 * The estimated chance that a line holds at least one of r's atoms. Short
 * atoms are common words ("POST", "CONNECT", " -p"), long ones rare, so an
 * atom of length n counts 2^-n; a set counts the sum of its atoms.
 */
static double req_cost(const req *r)
{
	if (r->none)
		return 2.0;
	double c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += ldexp(1.0, -(int)(r->v[i].len < 40 ? r->v[i].len : 40));
	return c;
}

/* Which of two requirements is more selective: the lower estimated chance of a hit. */
static bool better(const req *a, const req *b)
{
	double ca = req_cost(a), cb = req_cost(b);
	if (ca != cb)
		return ca < cb;
	return a->n <= b->n;
}

static void req_move(req *to, req *from)
{
	free(to->v);
	*to = *from;
	memset(from, 0, sizeof *from);
}

static void search_req(const ls_rule_search *s, req *out)
{
	memset(out, 0, sizeof *out);
	for (size_t g = 0; g < s->ngroups && !out->none; g++) {
		const ls_rule_group *grp = &s->groups[g];
		req best = { .none = true };
		for (size_t k = 0; k < grp->n; k++) {
			ls_sv atoms[LS_PREFILTER_ATOMS_MAX];
			size_t na =
			        ls_sig_leaf_atoms(grp->leaves[k], atoms, LS_PREFILTER_ATOMS_MAX);
			if (na == 0)
				continue;
			req r = { 0 };
			for (size_t i = 0; i < na; i++)
				req_add(&r, atoms[i]);
			if (better(&r, &best))
				req_move(&best, &r);
			free(r.v);
		}
		req_union(out, &best);
		free(best.v);
	}
	if (s->ngroups == 0)
		req_none(out);
}

typedef struct walk {
	const ls_rule *r;
	req *search; /* per identifier */
} walk;

static void cond_req(const walk *w, const ls_cond *c, uint32_t node, req *out)
{
	const ls_cond_node *n = &c->nodes[node];
	memset(out, 0, sizeof *out);
	switch (n->kind) {
	case LS_COND_ID: req_union(out, &w->search[n->id]); break;
	case LS_COND_NOT: req_none(out); break;
	case LS_COND_OR: {
		req b;
		cond_req(w, c, n->a, out);
		cond_req(w, c, n->b, &b);
		req_union(out, &b);
		free(b.v);
		break;
	}
	case LS_COND_AND: {
		req b;
		cond_req(w, c, n->a, out);
		cond_req(w, c, n->b, &b);
		if (better(&b, out))
			req_move(out, &b);
		free(b.v);
		break;
	}
	case LS_COND_OF:
		/* At least one of the identifiers must hold. */
		for (uint32_t i = 0; i < n->n && !out->none; i++)
			req_union(out, &w->search[c->ids[n->first + i]]);
		if (n->need == 0)
			req_none(out);
		break;
	}
}

/* ------------------------------------------------- exact keys (parsed) */

/* Most (field, key) pairs one rule may need before it is left unkeyed. */
#define KEYS_MAX 256

/* A set of (field, key) pairs, or "none". Fields are names (borrowed). */
typedef struct kitem {
	ls_sv field;
	uint64_t key;
} kitem;

typedef struct kreq {
	bool none;
	kitem *v;
	size_t n, cap;
} kreq;

static void kreq_none(kreq *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
	r->none = true;
}

static void kreq_add(kreq *r, ls_sv field, uint64_t key)
{
	if (r->none)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].key == key && ls_sv_eq(r->v[i].field, field))
			return;
	if (r->n == KEYS_MAX) {
		kreq_none(r);
		return;
	}
	r->v = ls_xgrow(r->v, &r->cap, r->n + 1, sizeof *r->v);
	r->v[r->n++] = (kitem){ field, key };
}

static void kreq_union(kreq *into, const kreq *from)
{
	if (from->none) {
		kreq_none(into);
		return;
	}
	for (size_t i = 0; i < from->n && !into->none; i++)
		kreq_add(into, from->v[i].field, from->v[i].key);
}

static void kreq_move(kreq *to, kreq *from)
{
	free(to->v);
	*to = *from;
	memset(from, 0, sizeof *from);
}

/* Fewer pairs are the more selective requirement; none is the least. */
static bool kbetter(const kreq *a, const kreq *b)
{
	if (a->none != b->none)
		return !a->none;
	return a->n <= b->n;
}

/* A search: an OR of groups, each an AND of leaves of which one is enough. */
static void search_kreq(const ls_rule_search *s, kreq *out)
{
	memset(out, 0, sizeof *out);
	for (size_t g = 0; g < s->ngroups && !out->none; g++) {
		const ls_rule_group *grp = &s->groups[g];
		const ls_sig_leaf *best = NULL;
		size_t best_n = 0;
		for (size_t k = 0; k < grp->n; k++) {
			const uint64_t *keys;
			size_t n = ls_sig_leaf_keys(grp->leaves[k], &keys);
			if (n > 0 && (best == NULL || n < best_n)) {
				best = grp->leaves[k];
				best_n = n;
			}
		}
		if (best == NULL) {
			kreq_none(out);
			break;
		}
		const uint64_t *keys;
		size_t n = ls_sig_leaf_keys(best, &keys);
		for (size_t i = 0; i < n; i++)
			kreq_add(out, ls_sig_leaf_field(best), keys[i]);
	}
	if (s->ngroups == 0)
		kreq_none(out);
}

static void cond_kreq(const kreq *search, const ls_cond *c, uint32_t node, kreq *out)
{
	const ls_cond_node *n = &c->nodes[node];
	memset(out, 0, sizeof *out);
	switch (n->kind) {
	case LS_COND_ID: kreq_union(out, &search[n->id]); break;
	case LS_COND_NOT: kreq_none(out); break;
	case LS_COND_OR: {
		kreq b;
		cond_kreq(search, c, n->a, out);
		cond_kreq(search, c, n->b, &b);
		kreq_union(out, &b);
		free(b.v);
		break;
	}
	case LS_COND_AND: {
		kreq b;
		cond_kreq(search, c, n->a, out);
		cond_kreq(search, c, n->b, &b);
		if (kbetter(&b, out))
			kreq_move(out, &b);
		free(b.v);
		break;
	}
	case LS_COND_OF:
		for (uint32_t i = 0; i < n->n && !out->none; i++)
			kreq_union(out, &search[c->ids[n->first + i]]);
		if (n->need == 0)
			kreq_none(out);
		break;
	}
}

/* Rule r's (field, key) requirement; none when it has none. */
static void rule_kreq(const ls_rule *r, kreq *all)
{
	memset(all, 0, sizeof *all);
	kreq *search = ls_xcalloc(r->nsearches ? r->nsearches : 1, sizeof *search);
	for (size_t s = 0; s < r->nsearches; s++)
		search_kreq(&r->searches[s], &search[s]);
	for (size_t c = 0; c < r->nconds && !all->none; c++) {
		kreq one;
		cond_kreq(search, &r->conds[c], r->conds[c].root, &one);
		kreq_union(all, &one);
		free(one.v);
	}
	if (r->nconds == 0)
		kreq_none(all);
	for (size_t s = 0; s < r->nsearches; s++)
		free(search[s].v);
	free(search);
}

typedef struct atom {
	ls_sv text;      /* lower-cased copy */
	uint32_t *rules; /* positions in p->rules that need it */
	size_t nrules, cap;
} atom;

/* A 3-byte window of an atom: the atom and where in it the window starts. */
typedef struct gram {
	uint32_t atom;
	uint32_t off;
	uint32_t next; /* next gram in the same bucket, or UINT32_MAX */
} gram;

typedef struct kslot {
	bool used;
	uint32_t field;
	uint64_t key;
	uint32_t *rules;
	size_t nrules, cap;
} kslot;

struct ls_prefilter {
	const ls_ruleset *rs;
	atom *atoms;
	size_t natoms, acap;
	uint32_t *bucket; /* first gram of each bucket, or UINT32_MAX */
	gram *grams;
	size_t ngrams, gcap;
	size_t stride;    /* the scan looks at every stride-th window */
	uint8_t *present; /* bitmap over buckets of 3-byte keys */
	uint32_t *stamp;  /* per ruleset rule: generation when last found a candidate */
	bool *filtered;   /* per ruleset rule: has a requirement (in this prefilter) */
	bool *member;     /* per ruleset rule: part of this prefilter */
	uint32_t gen;
	size_t nfiltered;
	size_t nalways; /* members without a requirement */
	char *store;    /* lower-cased atom bytes */
	size_t store_len, store_cap;
	/* Exact keys for the members no atom filters: kfields are the fields
	 * they read; kslots an open-addressed table of (field, key) -> rules. */
	ls_sv *kfields;
	size_t nkfields, kfcap;
	kslot *kslots;
	size_t kmask; /* table size - 1; 0 with no keyed rule */
	size_t kused; /* slots in use */
	bool *keyed;  /* per ruleset rule */
	uint32_t *kstamp;
	uint32_t kgen; /* the line generation the keys were last looked up for */
	size_t nkeyed;
};

static uint32_t key3(const unsigned char *p)
{
	uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	return (k * 2654435761u) >> 16;
}

static unsigned char low(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static uint32_t intern(ls_prefilter *p, ls_sv a)
{
	for (size_t i = 0; i < p->natoms; i++)
		if (p->atoms[i].text.len == a.len) {
			size_t k = 0;
			while (k < a.len && (unsigned char)p->atoms[i].text.ptr[k] ==
			                            low((unsigned char)a.ptr[k]))
				k++;
			if (k == a.len)
				return (uint32_t)i;
		}
	p->atoms = ls_xgrow(p->atoms, &p->acap, p->natoms + 1, sizeof *p->atoms);
	atom *t = &p->atoms[p->natoms];
	memset(t, 0, sizeof *t);
	char *s = ls_xmalloc(a.len);
	for (size_t k = 0; k < a.len; k++)
		s[k] = (char)low((unsigned char)a.ptr[k]);
	t->text = ls_sv_make(s, a.len);
	return (uint32_t)p->natoms++;
}

static void add_gram(ls_prefilter *p, uint32_t a, uint32_t off)
{
	p->grams = ls_xgrow(p->grams, &p->gcap, p->ngrams + 1, sizeof *p->grams);
	uint32_t b = key3((const unsigned char *)p->atoms[a].text.ptr + off);
	p->grams[p->ngrams] = (gram){ a, off, p->bucket[b] };
	p->bucket[b] = (uint32_t)p->ngrams++;
	p->present[b >> 3] |= (uint8_t)(1u << (b & 7));
}

/*
 * Index the atoms' windows. Every atom is at least minlen long, so looking
 * at every (minlen - 2)-th window of a line is enough to land inside any
 * occurrence; each atom is then indexed by every window it has (by its
 * first only when the stride is 1).
 */
static void index_atoms(ls_prefilter *p)
{
	size_t minlen = SIZE_MAX;
	for (size_t i = 0; i < p->natoms; i++)
		minlen = p->atoms[i].text.len < minlen ? p->atoms[i].text.len : minlen;
	p->stride = minlen != SIZE_MAX && minlen > 3 ? minlen - 2 : 1;
	for (size_t i = 0; i < p->natoms; i++) {
		size_t last = p->stride > 1 ? p->atoms[i].text.len - 3 : 0;
		for (size_t off = 0; off <= last; off++)
			add_gram(p, (uint32_t)i, (uint32_t)off);
	}
}

static uint32_t kfield(ls_prefilter *p, ls_sv name)
{
	for (size_t i = 0; i < p->nkfields; i++)
		if (ls_sv_eq(p->kfields[i], name))
			return (uint32_t)i;
	p->kfields = ls_xgrow(p->kfields, &p->kfcap, p->nkfields + 1, sizeof *p->kfields);
	p->kfields[p->nkfields] = name;
	return (uint32_t)p->nkfields++;
}

static size_t kslot_of(const ls_prefilter *p, uint32_t field, uint64_t key)
{
	size_t i = (size_t)((key ^ (uint64_t)field * 0x9E3779B97F4A7C15ull) & p->kmask);
	while (p->kslots[i].used && (p->kslots[i].field != field || p->kslots[i].key != key))
		i = (i + 1) & p->kmask;
	return i;
}

static void kslot_grow(ls_prefilter *p)
{
	kslot *old = p->kslots;
	size_t n = p->kmask ? p->kmask + 1 : 0;
	p->kmask = n ? 2 * n - 1 : 63;
	p->kslots = ls_xcalloc(p->kmask + 1, sizeof *p->kslots);
	for (size_t i = 0; i < n; i++)
		if (old[i].used)
			p->kslots[kslot_of(p, old[i].field, old[i].key)] = old[i];
	free(old);
}

/* Index rule `rule` by its (field, key) requirement, if it has one. */
static void add_keyed(ls_prefilter *p, const ls_rule *r, uint32_t rule)
{
	if (r->correl || r->nconds == 0)
		return;
	kreq all;
	rule_kreq(r, &all);
	if (!all.none && all.n > 0) {
		p->keyed[rule] = true;
		p->nkeyed++;
		for (size_t k = 0; k < all.n; k++) {
			/* Keep the table at most half full. */
			if (p->kmask == 0 || 2 * (p->kused + 1) > p->kmask + 1)
				kslot_grow(p);
			uint32_t f = kfield(p, all.v[k].field);
			kslot *sl = &p->kslots[kslot_of(p, f, all.v[k].key)];
			p->kused += !sl->used;
			sl->used = true;
			sl->field = f;
			sl->key = all.v[k].key;
			if (sl->nrules == 0 || sl->rules[sl->nrules - 1] != rule) {
				sl->rules = ls_xgrow(sl->rules, &sl->cap, sl->nrules + 1,
				                     sizeof *sl->rules);
				sl->rules[sl->nrules++] = rule;
			}
		}
	}
	free(all.v);
}

ls_prefilter *ls_prefilter_new(const ls_ruleset *rs, const uint32_t *idx, size_t n)
{
	ls_prefilter *p = ls_xcalloc(1, sizeof *p);
	p->rs = rs;
	p->bucket = ls_xmalloc(BUCKETS * sizeof *p->bucket);
	memset(p->bucket, 0xff, BUCKETS * sizeof *p->bucket);
	p->present = ls_xcalloc(BUCKETS / 8, 1);
	size_t nr = rs->n ? rs->n : 1;
	p->stamp = ls_xcalloc(nr, sizeof *p->stamp);
	p->filtered = ls_xcalloc(nr, sizeof *p->filtered);
	p->member = ls_xcalloc(nr, sizeof *p->member);
	p->keyed = ls_xcalloc(nr, sizeof *p->keyed);
	p->kstamp = ls_xcalloc(nr, sizeof *p->kstamp);
	for (size_t i = 0; i < n; i++) {
		const ls_rule *r = &rs->rules[idx[i]];
		p->member[idx[i]] = true;
		if (r->correl || r->nconds == 0) {
			p->nalways++;
			continue;
		}
		walk w = { r, ls_xcalloc(r->nsearches ? r->nsearches : 1, sizeof *w.search) };
		for (size_t s = 0; s < r->nsearches; s++)
			search_req(&r->searches[s], &w.search[s]);
		req all = { 0 };
		for (size_t c = 0; c < r->nconds && !all.none; c++) {
			req one;
			cond_req(&w, &r->conds[c], r->conds[c].root, &one);
			req_union(&all, &one);
			free(one.v);
		}
		if (all.none || all.n == 0) {
			p->nalways++;
			add_keyed(p, r, idx[i]);
		} else {
			p->filtered[idx[i]] = true;
			p->nfiltered++;
			for (size_t k = 0; k < all.n; k++) {
				uint32_t a = intern(p, all.v[k]); /* may move p->atoms */
				atom *t = &p->atoms[a];
				t->rules = ls_xgrow(t->rules, &t->cap, t->nrules + 1,
				                    sizeof *t->rules);
				t->rules[t->nrules++] = idx[i];
			}
		}
		free(all.v);
		for (size_t s = 0; s < r->nsearches; s++)
			free(w.search[s].v);
		free(w.search);
	}
	index_atoms(p);
	return p;
}

void ls_prefilter_free(ls_prefilter *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->natoms; i++) {
		free((char *)p->atoms[i].text.ptr);
		free(p->atoms[i].rules);
	}
	free(p->atoms);
	free(p->grams);
	free(p->bucket);
	free(p->present);
	free(p->stamp);
	free(p->filtered);
	free(p->member);
	free(p->store);
	for (size_t i = 0; p->kmask && i <= p->kmask; i++)
		free(p->kslots[i].rules);
	free(p->kslots);
	free(p->kfields);
	free(p->keyed);
	free(p->kstamp);
	free(p);
}

size_t ls_prefilter_filtered(const ls_prefilter *p)
{
	return p->nfiltered;
}

/* Escapes that could spell an atom's bytes differently from the event's value:
 * JSON \uXXXX and \/ (a plain '/'), Zeek \xNN. */
static bool has_escape(ls_sv line)
{
	const char *s = line.ptr, *end = line.ptr + line.len;
	while ((s = memchr(s, '\\', (size_t)(end - s))) != NULL) {
		if (s + 1 < end && (s[1] == 'u' || s[1] == 'x' || s[1] == '/'))
			return true;
		s += 2;
		if (s >= end)
			break;
	}
	return false;
}

bool ls_prefilter_scan(ls_prefilter *p, ls_sv line)
{
	if (++p->gen == 0) { /* wrapped: clear the stamps */
		memset(p->stamp, 0, (p->rs->n ? p->rs->n : 1) * sizeof *p->stamp);
		p->gen = 1;
	}
	if (p->nfiltered == 0)
		return true;
	if (has_escape(line)) {
		for (size_t i = 0; i < p->rs->n; i++)
			p->stamp[i] = p->gen;
		return true;
	}
	bool found = false;
	const unsigned char *s = (const unsigned char *)line.ptr;
	static unsigned char lower[256];
	if (lower['A'] == 0)
		for (int c = 0; c < 256; c++)
			lower[c] = low((unsigned char)c);
	if (line.len < 3)
		return p->nalways > 0;
	size_t step = p->stride;
	uint32_t k = (uint32_t)lower[s[0]] | (uint32_t)lower[s[1]] << 8;
	for (size_t i = 0; i + 3 <= line.len; i += step) {
		if (step == 1) /* a rolling key of the last three lower-cased bytes */
			k = (k & 0xffff) | (uint32_t)lower[s[i + 2]] << 16;
		else
			k = (uint32_t)lower[s[i]] | (uint32_t)lower[s[i + 1]] << 8 |
			    (uint32_t)lower[s[i + 2]] << 16;
		uint32_t b = (k * 2654435761u) >> 16;
		if (step == 1)
			k >>= 8;
		if (!(p->present[b >> 3] & (1u << (b & 7))))
			continue;
		for (uint32_t g = p->bucket[b]; g != UINT32_MAX; g = p->grams[g].next) {
			const atom *t = &p->atoms[p->grams[g].atom];
			size_t off = p->grams[g].off;
			if (i < off || t->text.len > line.len - (i - off))
				continue;
			size_t start = i - off, m = 0;
			while (m < t->text.len &&
			       (unsigned char)t->text.ptr[m] == lower[s[start + m]])
				m++;
			if (m < t->text.len)
				continue;
			for (size_t r = 0; r < t->nrules; r++)
				p->stamp[t->rules[r]] = p->gen;
			found = true;
		}
	}
	return found || p->nalways > 0;
}

void ls_prefilter_event(ls_prefilter *p, const ls_event *ev)
{
	if (p->nkeyed == 0)
		return;
	p->kgen = p->gen;
	for (size_t f = 0; f < p->nkfields; f++)
		for (const ls_field *x = ls_sig_lookup(ev, p->kfields[f]); x;
		     x = ls_event_next(ev, x)) {
			uint64_t keys[2];
			size_t nk = ls_sig_value_keys(x, keys);
			for (size_t k = 0; k < nk; k++) {
				const kslot *sl = &p->kslots[kslot_of(p, (uint32_t)f, keys[k])];
				for (size_t i = 0; sl->used && i < sl->nrules; i++)
					p->kstamp[sl->rules[i]] = p->gen;
			}
		}
}

bool ls_prefilter_candidate(const ls_prefilter *p, uint32_t rule)
{
	if (!p->member[rule])
		return true;
	if (p->filtered[rule])
		return p->stamp[rule] == p->gen;
	/* A keyed rule waits for ls_prefilter_event on this line's event. */
	return !p->keyed[rule] || p->kgen != p->gen || p->kstamp[rule] == p->gen;
}

size_t ls_prefilter_keyed(const ls_prefilter *p)
{
	return p->nkeyed;
}
