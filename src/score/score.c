/*
 * score.c - the join of alerts to the answer key, and every figure on it.
 *
 * Every record either side names (a campaign step, a decoy, an alert) gets
 * one entry in a hash table keyed by "source\0rid". An entry knows whether
 * it is malicious, which steps and decoy kinds list it (a short linked list
 * in one array), whether an alert names it, and, once the logs have been
 * read, its time and entities. Alerts keep the indices of the entries they
 * name. Computing is then a few linear passes: over alerts (true or false,
 * per rule, per step), over steps, techniques and campaigns (detection and
 * time to detect), and over entity-days (two hash sets).
 *
 * Definitions live in docs/scoring.md; the comments here say how, not what.
 */
#include "score/score.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "io/event.h"
#include "io/jdoc.h"
#include "io/leases.h"
#include "io/logreader.h"
#include "io/yaml.h"

struct ls_score_rec {
	const char *key; /* source '\0' rid */
	size_t klen;
	const char *source, *rid;
	uint32_t step_link, kind_link; /* 1-based into links; 0 ends */
	uint32_t mark;                 /* scratch for distinct counts */
	int32_t user, host;            /* entity indices, -1 none */
	ls_time time;                  /* as its log shows it */
	bool malicious, alerted, found, unwritten;
};

struct ls_score_link {
	uint32_t what; /* a step or a kind index */
	uint32_t next;
};

struct ls_score_alert {
	uint32_t rule;
	uint32_t ref0, nrefs; /* into refs */
	int32_t guser, ghost; /* entities of its group, -1 none */
	ls_time time;
	bool truth;
};

/* The dataset's log files by source (the names docs/dataset.md gives). */
static const struct {
	const char *source, *file;
} log_files[] = {
	{ "db_audit", "db_audit.jsonl" }, { "auth", "auth.log" },
	{ "conn", "conn.log" },           { "dns", "dns.log" },
	{ "ssl", "ssl.log" },             { "proxy", "proxy.jsonl" },
	{ "sysmon", "sysmon.jsonl" },     { "dhcp", "dhcp.jsonl" },
	{ "messaging", "messaging.jsonl" },
};
#define NLOG_FILES (sizeof log_files / sizeof log_files[0])

/* A set of 64-bit keys with the top bit set (so 0 marks a free slot). */
typedef struct u64set {
	uint64_t *v;
	size_t cap, n;
} u64set;

static bool set_add(u64set *s, uint64_t k)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *nv = ls_xcalloc(cap, sizeof *nv);
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i]) {
				size_t j = (size_t)ls_strmap_hash(&s->v[i], 8) & (cap - 1);
				while (nv[j])
					j = (j + 1) & (cap - 1);
				nv[j] = s->v[i];
			}
		free(s->v);
		s->v = nv;
		s->cap = cap;
	}
	size_t j = (size_t)ls_strmap_hash(&k, 8) & (s->cap - 1);
	while (s->v[j]) {
		if (s->v[j] == k)
			return false;
		j = (j + 1) & (s->cap - 1);
	}
	s->v[j] = k;
	s->n++;
	return true;
}

static bool set_has(const u64set *s, uint64_t k)
{
	if (s->cap == 0)
		return false;
	size_t j = (size_t)ls_strmap_hash(&k, 8) & (s->cap - 1);
	while (s->v[j]) {
		if (s->v[j] == k)
			return true;
		j = (j + 1) & (s->cap - 1);
	}
	return false;
}

/* ---------------------------------------------------------------- tables */

void ls_score_init(ls_score *s)
{
	memset(s, 0, sizeof *s);
	ls_arena_init(&s->arena, 0);
}

void ls_score_fini(ls_score *s)
{
	if (s == NULL)
		return;
	ls_arena_fini(&s->arena);
	free(s->campaigns);
	free(s->steps);
	free(s->techniques);
	free(s->kinds);
	free(s->recs);
	free(s->links);
	ls_strmap_fini(&s->recmap);
	ls_strmap_fini(&s->rulemap);
	ls_strmap_fini(&s->entmap);
	ls_strmap_fini(&s->techmap);
	ls_strmap_fini(&s->kindmap);
	free(s->alerts);
	free(s->refs);
	free(s->rules);
	free(s->order);
	free(s->entities);
	free(s->rule_step);
	free(s->rule_kind);
	free(s->rule_step_first);
	memset(s, 0, sizeof *s);
}

static const char *keep(ls_score *s, const char *p, size_t n)
{
	return ls_arena_strndup(&s->arena, p, n);
}

/* The entry for (source, rid), or -1. */
static long rec_find(const ls_score *s, ls_sv source, ls_sv rid)
{
	char stack[256];
	size_t klen = source.len + 1 + rid.len;
	char *key = klen <= sizeof stack ? stack : ls_xmalloc(klen);
	memcpy(key, source.ptr, source.len);
	key[source.len] = '\0';
	memcpy(key + source.len + 1, rid.ptr, rid.len);
	long at = ls_strmap_get(&s->recmap, key, klen);
	if (key != stack)
		free(key);
	return at;
}

/* The entry for (source, rid), created (not malicious) when absent. */
static uint32_t rec_intern(ls_score *s, ls_sv source, ls_sv rid)
{
	long at = rec_find(s, source, rid);
	if (at >= 0)
		return (uint32_t)at;
	size_t klen = source.len + 1 + rid.len;
	char *k = ls_arena_alloc(&s->arena, klen + 1);
	memcpy(k, source.ptr, source.len);
	k[source.len] = '\0';
	memcpy(k + source.len + 1, rid.ptr, rid.len);
	k[klen] = '\0';
	s->recs = ls_xgrow(s->recs, &s->reccap, s->nrecs + 1, sizeof *s->recs);
	ls_score_rec *r = &s->recs[s->nrecs];
	memset(r, 0, sizeof *r);
	r->key = k;
	r->klen = klen;
	r->source = k;
	r->rid = k + source.len + 1;
	r->user = r->host = -1;
	r->time = LS_SCORE_NO_TIME;
	ls_strmap_put(&s->recmap, k, klen, (uint32_t)s->nrecs);
	return (uint32_t)s->nrecs++;
}

static void add_link(ls_score *s, uint32_t *head, uint32_t what)
{
	for (uint32_t l = *head; l; l = s->links[l - 1].next)
		if (s->links[l - 1].what == what)
			return;
	s->links = ls_xgrow(s->links, &s->linkcap, s->nlinks + 1, sizeof *s->links);
	s->links[s->nlinks].what = what;
	s->links[s->nlinks].next = *head;
	*head = (uint32_t)++s->nlinks;
}

/* Index of a string in a first-appearance table (techniques, kinds, entities). */
static uint32_t intern(ls_score *s, ls_strmap *m, const char ***v, size_t *n, size_t *cap,
                       const char *p, size_t len)
{
	long at = ls_strmap_get(m, p, len);
	if (at >= 0)
		return (uint32_t)at;
	const char *k = keep(s, p, len);
	*v = ls_xgrow(*v, cap, *n + 1, sizeof **v);
	(*v)[*n] = k;
	ls_strmap_put(m, k, len, (uint32_t)*n);
	return (uint32_t)(*n)++;
}

static int32_t entity(ls_score *s, char kind, ls_sv name)
{
	if (name.len == 0)
		return -1;
	char stack[256];
	size_t n = name.len + 5;
	char *k = n <= sizeof stack ? stack : ls_xmalloc(n);
	memcpy(k, kind == 'u' ? "user:" : "host:", 5);
	memcpy(k + 5, name.ptr, name.len);
	uint32_t at = intern(s, &s->entmap, &s->entities, &s->nentities, &s->entcap, k, n);
	if (k != stack)
		free(k);
	return (int32_t)at;
}

/* --------------------------------------------------- reading JSON content */

typedef struct rd {
	ls_score *s;
	const char *file;
	ls_diag *d;
} rd;

static ls_err bad(rd *R, const ls_jnode *at, const char *fmt, ...) LS_PRINTF(3, 4);

static ls_err bad(rd *R, const ls_jnode *at, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ls_jnode_fail(R->d, LS_ERR_PARSE, R->file, at, "%s", msg);
}

/* Member key of obj (named path in messages) of the given kind; required or not. */
static ls_err member(rd *R, const ls_jnode *obj, const char *path, const char *key, ls_jkind kind,
                     bool required, bool nullable, const ls_jnode **out)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	*out = NULL;
	if (n == NULL) {
		if (required)
			return bad(R, obj, "%s%s\"%s\" is missing", path, *path ? ": " : "", key);
		return LS_OK;
	}
	if (n->kind == LS_JNULL && nullable)
		return LS_OK;
	if (n->kind != kind)
		return bad(R, n, "%s%s%s: expected %s%s, got %s", path, *path ? "." : "", key,
		           ls_jkind_name(kind), nullable ? " or null" : "", ls_jnode_kind_name(n));
	if (kind == LS_JSTRING && memchr(n->text, '\0', n->len))
		return bad(R, n, "%s%s%s: NUL bytes are not allowed", path, *path ? "." : "", key);
	*out = n;
	return LS_OK;
}

static ls_err time_of(rd *R, const ls_jnode *n, const char *path, ls_time *t)
{
	ls_diag td;
	ls_diag_clear(&td);
	if (ls_time_parse_rfc3339(ls_jnode_sv(n), t, &td) != LS_OK)
		return ls_diag_set(R->d, LS_ERR_PARSE, R->file, n->line, n->col + td.col, "%s: %s",
		                   path, td.message);
	return LS_OK;
}

static ls_err string_el(rd *R, const ls_jnode *n, const char *path)
{
	if (n->kind != LS_JSTRING)
		return bad(R, n, "%s: expected a string, got %s", path, ls_jnode_kind_name(n));
	if (memchr(n->text, '\0', n->len))
		return bad(R, n, "%s: NUL bytes are not allowed", path);
	return LS_OK;
}

/* One {"source","rid"} object; *idx gets its entry. */
static ls_err record_ref(rd *R, const ls_jnode *n, const char *path, uint32_t *idx)
{
	if (n->kind != LS_JOBJECT)
		return bad(R, n, "%s: expected an object {\"source\", \"rid\"}, got %s", path,
		           ls_jnode_kind_name(n));
	const ls_jnode *src, *rid;
	ls_err e = member(R, n, path, "source", LS_JSTRING, true, false, &src);
	if (e == LS_OK)
		e = member(R, n, path, "rid", LS_JSTRING, true, false, &rid);
	if (e != LS_OK)
		return e;
	*idx = rec_intern(R->s, ls_jnode_sv(src), ls_jnode_sv(rid));
	return LS_OK;
}

/* ------------------------------------------------------------ answer key */

static ls_err read_step(rd *R, const ls_jnode *st, size_t campaign, const char *path)
{
	ls_score *s = R->s;
	char sub[192];
	if (st->kind != LS_JOBJECT)
		return bad(R, st, "%s: expected an object, got %s", path, ls_jnode_kind_name(st));
	const ls_jnode *name, *techs, *start, *end, *recs, *ed;
	ls_err e = member(R, st, path, "name", LS_JSTRING, true, false, &name);
	if (e == LS_OK)
		e = member(R, st, path, "techniques", LS_JARRAY, true, false, &techs);
	if (e == LS_OK)
		e = member(R, st, path, "start", LS_JSTRING, true, false, &start);
	if (e == LS_OK)
		e = member(R, st, path, "end", LS_JSTRING, true, false, &end);
	if (e == LS_OK)
		e = member(R, st, path, "records", LS_JARRAY, true, false, &recs);
	if (e == LS_OK)
		e = member(R, st, path, "earliest_detectable", LS_JOBJECT, true, false, &ed);
	if (e != LS_OK)
		return e;
	s->steps = ls_xgrow(s->steps, &s->stepcap, s->nsteps + 1, sizeof *s->steps);
	size_t si = s->nsteps++;
	ls_score_step *step = &s->steps[si];
	memset(step, 0, sizeof *step);
	step->campaign = campaign;
	step->name = keep(s, name->text, name->len);
	step->det.earliest = LS_SCORE_NO_TIME;
	step->det.first = LS_SCORE_NO_TIME;
	snprintf(sub, sizeof sub, "%.100s.start", path);
	if ((e = time_of(R, start, sub, &step->start)) != LS_OK)
		return e;
	snprintf(sub, sizeof sub, "%.100s.end", path);
	if ((e = time_of(R, end, sub, &step->end)) != LS_OK)
		return e;
	step->techniques = ls_arena_calloc(&s->arena, techs->len ? techs->len : 1,
	                                   sizeof *step->techniques);
	for (size_t i = 0; i < techs->len; i++) {
		const ls_jnode *t = &techs->items[i];
		snprintf(sub, sizeof sub, "%.100s.techniques[%zu]", path, i);
		if ((e = string_el(R, t, sub)) != LS_OK)
			return e;
		if (t->len == 0)
			return bad(R, t, "%s: an empty technique id", sub);
		long at = ls_strmap_get(&s->techmap, t->text, t->len);
		if (at < 0) {
			s->techniques = ls_xgrow(s->techniques, &s->techcap, s->ntechniques + 1,
			                         sizeof *s->techniques);
			ls_score_technique *tq = &s->techniques[s->ntechniques];
			memset(tq, 0, sizeof *tq);
			tq->id = keep(s, t->text, t->len);
			ls_strmap_put(&s->techmap, tq->id, t->len, (uint32_t)s->ntechniques);
			at = (long)s->ntechniques++;
		}
		bool dup = false;
		for (size_t k = 0; k < step->ntechniques; k++)
			dup |= strcmp(step->techniques[k], s->techniques[at].id) == 0;
		if (!dup)
			step->techniques[step->ntechniques++] = s->techniques[at].id;
	}
	for (size_t i = 0; i < ed->len; i++) {
		const ls_jmember *m = &ed->members[i];
		snprintf(sub, sizeof sub, "%.100s.earliest_detectable.%.40s", path, m->key);
		if ((e = string_el(R, &m->value, sub)) != LS_OK)
			return e;
		ls_time t;
		if ((e = time_of(R, &m->value, sub, &t)) != LS_OK)
			return e;
		if (step->det.earliest == LS_SCORE_NO_TIME || t < step->det.earliest)
			step->det.earliest = t;
	}
	uint32_t *ids = ls_arena_calloc(&s->arena, recs->len ? recs->len : 1, sizeof *ids);
	size_t n = 0;
	for (size_t i = 0; i < recs->len; i++) {
		snprintf(sub, sizeof sub, "%.100s.records[%zu]", path, i);
		uint32_t r;
		if ((e = record_ref(R, &recs->items[i], sub, &r)) != LS_OK)
			return e;
		ls_score_rec *rec = &s->recs[r];
		rec->malicious = true;
		uint32_t before = s->nlinks;
		add_link(s, &rec->step_link, (uint32_t)si);
		if (s->nlinks != before) /* listed once per step */
			ids[n++] = r;
	}
	step->recs = ids;
	step->nrecs = n;
	return LS_OK;
}

static ls_err read_campaign(rd *R, const ls_jnode *c, size_t ci, const char *path)
{
	ls_score *s = R->s;
	if (c->kind != LS_JOBJECT)
		return bad(R, c, "%s: expected an object, got %s", path, ls_jnode_kind_name(c));
	const ls_jnode *id, *steps, *uploads;
	ls_err e = member(R, c, path, "id", LS_JSTRING, true, false, &id);
	if (e == LS_OK)
		e = member(R, c, path, "steps", LS_JARRAY, true, false, &steps);
	if (e == LS_OK)
		e = member(R, c, path, "uploads", LS_JARRAY, false, false, &uploads);
	if (e != LS_OK)
		return e;
	ls_score_campaign *cp = &s->campaigns[ci];
	memset(cp, 0, sizeof *cp);
	cp->id = keep(s, id->text, id->len);
	cp->first_step = s->nsteps;
	cp->exfil_end = LS_SCORE_NO_TIME;
	char sub[160];
	for (size_t i = 0; i < steps->len; i++) {
		snprintf(sub, sizeof sub, "%.100s.steps[%zu]", path, i);
		if ((e = read_step(R, &steps->items[i], ci, sub)) != LS_OK)
			return e;
	}
	cp = &s->campaigns[ci];
	cp->nsteps = s->nsteps - cp->first_step;
	for (size_t i = 0; i < cp->nsteps; i++) {
		const ls_score_step *st = &s->steps[cp->first_step + i];
		if (strcmp(st->name, "exfiltration") == 0)
			cp->exfil_end = st->end;
	}
	/* Uploads: checked, and their end stands in for a missing exfiltration step. */
	ls_time up_end = LS_SCORE_NO_TIME;
	for (size_t i = 0; uploads && i < uploads->len; i++) {
		const ls_jnode *u = &uploads->items[i], *end, *recs;
		snprintf(sub, sizeof sub, "%.100s.uploads[%zu]", path, i);
		if (u->kind != LS_JOBJECT)
			return bad(R, u, "%s: expected an object, got %s", sub, ls_jnode_kind_name(u));
		if ((e = member(R, u, sub, "end", LS_JSTRING, true, false, &end)) != LS_OK ||
		    (e = member(R, u, sub, "records", LS_JARRAY, true, false, &recs)) != LS_OK)
			return e;
		char tsub[192];
		snprintf(tsub, sizeof tsub, "%.120s.end", sub);
		ls_time t;
		if ((e = time_of(R, end, tsub, &t)) != LS_OK)
			return e;
		if (up_end == LS_SCORE_NO_TIME || t > up_end)
			up_end = t;
		for (size_t k = 0; k < recs->len; k++) {
			const ls_jnode *r = &recs->items[k];
			snprintf(tsub, sizeof tsub, "%.120s.records[%zu]", sub, k);
			const ls_jnode *x;
			if (r->kind != LS_JOBJECT)
				return bad(R, r, "%s: expected an object {\"source\", \"rid\"}, got %s",
				           tsub, ls_jnode_kind_name(r));
			if ((e = member(R, r, tsub, "source", LS_JSTRING, true, false, &x)) != LS_OK ||
			    (e = member(R, r, tsub, "rid", LS_JSTRING, true, false, &x)) != LS_OK)
				return e;
		}
	}
	if (cp->exfil_end == LS_SCORE_NO_TIME)
		cp->exfil_end = up_end;
	return LS_OK;
}

static ls_err read_key(rd *R, const ls_jnode *root)
{
	ls_score *s = R->s;
	if (root->kind != LS_JOBJECT)
		return bad(R, root, "the answer key must be an object, got %s",
		           ls_jnode_kind_name(root));
	const ls_jnode *camps, *decoys, *dirty;
	ls_err e = member(R, root, "", "campaigns", LS_JARRAY, true, false, &camps);
	if (e == LS_OK)
		e = member(R, root, "", "decoys", LS_JARRAY, true, false, &decoys);
	if (e == LS_OK)
		e = member(R, root, "", "dirty", LS_JOBJECT, false, false, &dirty);
	if (e != LS_OK)
		return e;
	if (s->ncampaigns || s->nsteps)
		return bad(R, root, "an answer key was already loaded");
	s->campaigns = ls_xcalloc(camps->len ? camps->len : 1, sizeof *s->campaigns);
	char path[160];
	for (size_t i = 0; i < camps->len; i++) {
		snprintf(path, sizeof path, "campaigns[%zu]", i);
		s->ncampaigns = i + 1;
		if ((e = read_campaign(R, &camps->items[i], i, path)) != LS_OK)
			return e;
	}
	for (size_t i = 0; i < decoys->len; i++) {
		const ls_jnode *dn = &decoys->items[i], *kind, *recs;
		snprintf(path, sizeof path, "decoys[%zu]", i);
		if (dn->kind != LS_JOBJECT)
			return bad(R, dn, "%s: expected an object, got %s", path,
			           ls_jnode_kind_name(dn));
		if ((e = member(R, dn, path, "kind", LS_JSTRING, true, false, &kind)) != LS_OK ||
		    (e = member(R, dn, path, "records", LS_JARRAY, true, false, &recs)) != LS_OK)
			return e;
		if (kind->len == 0)
			return bad(R, kind, "%s.kind: an empty kind", path);
		uint32_t k = intern(s, &s->kindmap, &s->kinds, &s->nkinds, &s->kindcap, kind->text,
		                    kind->len);
		char sub[192];
		for (size_t j = 0; j < recs->len; j++) {
			snprintf(sub, sizeof sub, "%.100s.records[%zu]", path, j);
			uint32_t r;
			if ((e = record_ref(R, &recs->items[j], sub, &r)) != LS_OK)
				return e;
			add_link(s, &s->recs[r].kind_link, k);
		}
	}
	if (dirty) {
		const ls_jnode *missing, *dropped;
		if ((e = member(R, dirty, "dirty", "missing_sensor", LS_JSTRING, false, true,
		                &missing)) != LS_OK ||
		    (e = member(R, dirty, "dirty", "dropped", LS_JARRAY, false, false, &dropped)) !=
		            LS_OK)
			return e;
		char sub[160];
		for (size_t j = 0; dropped && j < dropped->len; j++) {
			snprintf(sub, sizeof sub, "dirty.dropped[%zu]", j);
			uint32_t r;
			if ((e = record_ref(R, &dropped->items[j], sub, &r)) != LS_OK)
				return e;
			s->recs[r].unwritten = true;
		}
		for (size_t r = 0; missing && r < s->nrecs; r++)
			if (strcmp(s->recs[r].source, missing->text) == 0)
				s->recs[r].unwritten = true;
	}
	return LS_OK;
}

static ls_err manifest_from(rd *R, const ls_jnode *root)
{
	ls_score *s = R->s;
	const ls_jnode *scen = NULL, *seed = NULL, *start = NULL, *days = NULL;
	if (root->kind != LS_JOBJECT)
		return bad(R, root, "the manifest must be an object, got %s",
		           ls_jnode_kind_name(root));
	ls_err e = member(R, root, "", "scenario", LS_JSTRING, false, false, &scen);
	if (e == LS_OK)
		e = member(R, root, "", "seed", LS_JNUMBER, false, false, &seed);
	if (e == LS_OK)
		e = member(R, root, "", "start", LS_JSTRING, false, false, &start);
	if (e == LS_OK)
		e = member(R, root, "", "days", LS_JNUMBER, true, false, &days);
	if (e != LS_OK)
		return e;
	if (seed && ls_jnode_u64(seed, &s->seed) != LS_OK)
		return bad(R, seed, "seed: expected a non-negative integer, got %s", seed->text);
	if (ls_jnode_u64(days, &s->ops.days) != LS_OK || s->ops.days == 0)
		return bad(R, days, "days: expected a positive integer, got %s", days->text);
	s->have_seed = seed != NULL;
	s->scenario = scen ? keep(s, scen->text, scen->len) : NULL;
	s->start = start ? keep(s, start->text, start->len) : NULL;
	return LS_OK;
}

/* Parse text (or, with text NULL, read file) and hand the tree to fn. */
static ls_err with_doc(ls_score *s, const char *text, size_t len, const char *file, ls_diag *d,
                       ls_err (*fn)(rd *, const ls_jnode *))
{
	ls_jdoc doc;
	ls_err e = text ? ls_jdoc_parse(&doc, text, len, NULL, file, d)
	                : ls_jdoc_load(&doc, file, NULL, d);
	if (e == LS_OK) {
		rd R = { s, file, d };
		e = fn(&R, doc.root);
	}
	ls_jdoc_fini(&doc);
	return e;
}

ls_err ls_score_parse_key(ls_score *s, const char *text, size_t len, const char *file, ls_diag *d)
{
	return with_doc(s, text ? text : "", len, file, d, read_key);
}

ls_err ls_score_parse_manifest(ls_score *s, const char *text, size_t len, const char *file,
                               ls_diag *d)
{
	return with_doc(s, text ? text : "", len, file, d, manifest_from);
}

ls_err ls_score_load_dataset(ls_score *s, const char *dir, ls_diag *d)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/manifest.json", dir);
	const char *mpath = keep(s, p.data, p.len);
	ls_buf_reset(&p);
	ls_buf_printf(&p, "%s/truth/answer-key.json", dir);
	const char *kpath = keep(s, p.data, p.len);
	ls_buf_fini(&p);
	ls_err e = with_doc(s, NULL, 0, mpath, d, manifest_from);
	if (e == LS_OK)
		e = with_doc(s, NULL, 0, kpath, d, read_key);
	return e;
}

/* ----------------------------------------------------------------- alerts */

static uint32_t rule_row(ls_score *s, const ls_jnode *id, const ls_jnode *title)
{
	/* Rules are told apart by id; a rule without one by its title. */
	ls_buf k = LS_BUF_INIT;
	ls_buf_append_cstr(&k, id ? "i:" : "t:");
	ls_buf_append_sv(&k, id ? ls_jnode_sv(id) : ls_jnode_sv(title));
	long at = ls_strmap_get(&s->rulemap, k.data, k.len);
	if (at < 0) {
		s->rules = ls_xgrow(s->rules, &s->rulecap, s->nrules + 1, sizeof *s->rules);
		ls_score_rule *r = &s->rules[s->nrules];
		memset(r, 0, sizeof *r);
		r->rule_id = id ? keep(s, id->text, id->len) : NULL;
		r->title = title ? keep(s, title->text, title->len) : NULL;
		r->first_alert = r->first_true = LS_SCORE_NO_TIME;
		ls_strmap_put(&s->rulemap, keep(s, k.data, k.len), k.len, (uint32_t)s->nrules);
		at = (long)s->nrules++;
	} else if (s->rules[at].title == NULL && title) {
		s->rules[at].title = keep(s, title->text, title->len);
	}
	ls_buf_fini(&k);
	return (uint32_t)at;
}

void ls_score_add_rule(ls_score *s, const char *rule_id)
{
	ls_jnode id;
	memset(&id, 0, sizeof id);
	id.kind = LS_JSTRING;
	id.text = rule_id;
	id.len = strlen(rule_id);
	(void)rule_row(s, &id, NULL);
}

static ls_err read_alert(rd *R, const ls_jnode *a)
{
	ls_score *s = R->s;
	if (a->kind != LS_JOBJECT)
		return bad(R, a, "an alert must be a JSON object, got %s", ls_jnode_kind_name(a));
	const ls_jnode *id, *title, *level, *tags, *time, *group, *recs;
	ls_err e;
	if ((e = member(R, a, "", "rule_id", LS_JSTRING, true, true, &id)) != LS_OK ||
	    (e = member(R, a, "", "title", LS_JSTRING, true, false, &title)) != LS_OK ||
	    (e = member(R, a, "", "level", LS_JSTRING, false, true, &level)) != LS_OK ||
	    (e = member(R, a, "", "tags", LS_JARRAY, false, false, &tags)) != LS_OK ||
	    (e = member(R, a, "", "time", LS_JSTRING, true, true, &time)) != LS_OK ||
	    (e = member(R, a, "", "group", LS_JOBJECT, false, false, &group)) != LS_OK ||
	    (e = member(R, a, "", "records", LS_JARRAY, true, false, &recs)) != LS_OK)
		return e;
	char path[64];
	for (size_t i = 0; tags && i < tags->len; i++) {
		snprintf(path, sizeof path, "tags[%zu]", i);
		if ((e = string_el(R, &tags->items[i], path)) != LS_OK)
			return e;
	}
	ls_score_alert al;
	memset(&al, 0, sizeof al);
	al.time = LS_SCORE_NO_TIME;
	if (time && (e = time_of(R, time, "time", &al.time)) != LS_OK)
		return e;
	al.guser = al.ghost = -1;
	if (group) {
		const ls_jnode *u, *h;
		if ((e = member(R, group, "group", "user", LS_JSTRING, false, true, &u)) != LS_OK ||
		    (e = member(R, group, "group", "host", LS_JSTRING, false, true, &h)) != LS_OK)
			return e;
		if (u)
			al.guser = entity(s, 'u', ls_jnode_sv(u));
		if (h)
			al.ghost = entity(s, 'h', ls_jnode_sv(h));
	}
	al.ref0 = (uint32_t)s->nrefs;
	for (size_t i = 0; i < recs->len; i++) {
		snprintf(path, sizeof path, "records[%zu]", i);
		uint32_t r;
		if ((e = record_ref(R, &recs->items[i], path, &r)) != LS_OK)
			return e;
		s->refs = ls_xgrow(s->refs, &s->refcap, s->nrefs + 1, sizeof *s->refs);
		s->refs[s->nrefs++] = r;
	}
	al.nrefs = (uint32_t)(s->nrefs - al.ref0);
	al.rule = rule_row(s, id, title);
	ls_score_rule *rule = &s->rules[al.rule];
	if (rule->level == NULL && level)
		rule->level = keep(s, level->text, level->len);
	s->alerts = ls_xgrow(s->alerts, &s->alertcap, s->nalerts + 1, sizeof *s->alerts);
	s->alerts[s->nalerts++] = al;
	return LS_OK;
}

ls_err ls_score_read_alerts(ls_score *s, FILE *f, const char *file, ls_diag *d)
{
	ls_line_reader lr;
	ls_line_reader_init(&lr, f);
	ls_err e = LS_OK;
	rd R = { s, file, d };
	for (;;) {
		ls_sv line;
		e = ls_line_reader_next(&lr, &line, d);
		if (e == LS_ERR_NOTFOUND) {
			e = LS_OK;
			break;
		}
		if (e != LS_OK) {
			if (d)
				d->file = file;
			break;
		}
		if (ls_sv_trim(line).len == 0) {
			e = ls_diag_set(d, LS_ERR_PARSE, file, lr.line, 1,
			                "an empty line (each line must be one alert, a JSON object)");
			break;
		}
		ls_jdoc doc;
		ls_jdoc_opts o = { LS_LINE_MAX, 0, 0, lr.line };
		e = ls_jdoc_parse(&doc, line.ptr, line.len, &o, file, d);
		if (e == LS_OK)
			e = read_alert(&R, doc.root);
		ls_jdoc_fini(&doc);
		if (e != LS_OK)
			break;
	}
	ls_line_reader_fini(&lr);
	return e;
}

ls_err ls_score_load_alerts(ls_score *s, const char *path, ls_diag *d)
{
	const char *file = keep(s, path, strlen(path));
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, file, 0, 0,
		                   "cannot open: %s", strerror(errno));
	ls_err e = ls_score_read_alerts(s, f, file, d);
	fclose(f);
	return e;
}

/* ------------------------------------------------------------------- logs */

/*
 * A record's entities, the way detect enriches events: its own `user` and
 * `host` fields; Sysmon's User (after the domain) and Computer (before the
 * first dot); for conn, dns and ssl (id.orig_h) and proxy (c-ip) without a
 * user, the DHCP lease of the address at the record's time.
 */
static void record_entities(ls_score *s, ls_score_rec *r, const ls_event *ev, ls_time t,
                            const ls_leases *leases)
{
	const ls_field *u = ls_event_get(ev, LS_SV_LIT("user"));
	const ls_field *h = ls_event_get(ev, LS_SV_LIT("host"));
	ls_sv user = u && u->type == LS_VALUE_STRING ? u->value : LS_SV_NULL;
	ls_sv host = h && h->type == LS_VALUE_STRING ? h->value : LS_SV_NULL;
	if (strcmp(r->source, "sysmon") == 0) {
		const ls_field *su = ls_event_get(ev, LS_SV_LIT("User"));
		const ls_field *sc = ls_event_get(ev, LS_SV_LIT("Computer"));
		if (u == NULL && su && su->type == LS_VALUE_STRING) {
			size_t bs = ls_sv_find_char(su->value, '\\');
			user = bs == SIZE_MAX ? su->value
			                      : ls_sv_make(su->value.ptr + bs + 1, su->value.len - bs - 1);
		}
		if (h == NULL && sc && sc->type == LS_VALUE_STRING) {
			size_t dot = ls_sv_find_char(sc->value, '.');
			host = dot == SIZE_MAX ? sc->value : ls_sv_make(sc->value.ptr, dot);
		}
	} else if (u == NULL && leases && t != LS_TIME_NONE) {
		const char *ipf = strcmp(r->source, "proxy") == 0 ? "c-ip"
		                  : strcmp(r->source, "conn") == 0 || strcmp(r->source, "dns") == 0 ||
		                                  strcmp(r->source, "ssl") == 0
		                          ? "id.orig_h"
		                          : NULL;
		const ls_field *ip = ipf ? ls_event_get(ev, ls_sv_from_cstr(ipf)) : NULL;
		const ls_lease *l = ip ? ls_leases_find(leases, ip->value, t) : NULL;
		if (l && l->user)
			user = ls_sv_from_cstr(l->user);
		if (l && l->host && h == NULL)
			host = ls_sv_from_cstr(l->host);
	}
	r->user = user.ptr ? entity(s, 'u', user) : -1;
	r->host = host.ptr ? entity(s, 'h', host) : -1;
}

static ls_err read_log(ls_score *s, const char *path, const char *source, const ls_leases *leases,
                       ls_diag *d)
{
	ls_logreader lr;
	ls_err e = ls_logreader_open(&lr, path, NULL, d);
	if (e != LS_OK)
		return e;
	ls_sv src = ls_sv_from_cstr(source);
	for (;;) {
		ls_diag ld;
		ls_diag_clear(&ld);
		e = ls_logreader_next(&lr, &ld);
		if (e == LS_ERR_NOTFOUND) {
			e = LS_OK;
			break;
		}
		if (e == LS_ERR_IO) {
			if (d)
				*d = ld;
			break;
		}
		if (e != LS_OK) {
			s->log_lines_bad++;
			continue;
		}
		const ls_field *rid = ls_event_get(&lr.ev, LS_SV_LIT("rid"));
		if (rid == NULL || rid->type != LS_VALUE_STRING)
			continue;
		long at = rec_find(s, src, rid->value);
		if (at < 0 || s->recs[at].found)
			continue; /* a duplicated record counts where it first appears */
		ls_score_rec *r = &s->recs[at];
		r->found = true;
		r->time = lr.time == LS_TIME_NONE ? LS_SCORE_NO_TIME : lr.time;
		record_entities(s, r, &lr.ev, lr.time, leases);
	}
	ls_logreader_close(&lr);
	return e;
}

ls_err ls_score_resolve(ls_score *s, const char *dir, ls_diag *d)
{
	ls_buf p = LS_BUF_INIT;
	ls_leases leases;
	memset(&leases, 0, sizeof leases);
	bool have_leases = false;
	ls_err e = LS_OK;
	ls_buf_printf(&p, "%s/logs/dhcp.jsonl", dir);
	FILE *probe = fopen(p.data, "rb");
	if (probe) {
		fclose(probe);
		e = ls_leases_load(&leases, p.data, NULL, d);
		if (e != LS_OK) {
			if (d)
				d->file = keep(s, p.data, p.len);
			ls_leases_fini(&leases);
			ls_buf_fini(&p);
			return e;
		}
		have_leases = true;
		/* The population: distinct users and hosts that held a lease. */
		ls_strmap um, hm;
		memset(&um, 0, sizeof um);
		memset(&hm, 0, sizeof hm);
		for (size_t i = 0; i < leases.n; i++) {
			const char *u = leases.v[i].user, *h = leases.v[i].host;
			if (u && *u && ls_strmap_get(&um, u, strlen(u)) < 0)
				ls_strmap_put(&um, u, strlen(u), 0);
			if (h && *h && ls_strmap_get(&hm, h, strlen(h)) < 0)
				ls_strmap_put(&hm, h, strlen(h), 0);
		}
		s->ops.have_entities = true;
		s->ops.users = um.n;
		s->ops.hosts = hm.n;
		ls_strmap_fini(&um);
		ls_strmap_fini(&hm);
	}
	for (size_t i = 0; i < NLOG_FILES && e == LS_OK; i++) {
		bool wanted = false;
		for (size_t r = 0; r < s->nrecs && !wanted; r++)
			wanted = strcmp(s->recs[r].source, log_files[i].source) == 0;
		if (!wanted)
			continue;
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/logs/%s", dir, log_files[i].file);
		FILE *f = fopen(p.data, "rb");
		if (f == NULL)
			continue; /* a missing sensor: its records stay unresolved */
		fclose(f);
		const char *path = keep(s, p.data, p.len);
		e = read_log(s, path, log_files[i].source, have_leases ? &leases : NULL, d);
		if (e != LS_OK && d)
			d->file = path;
	}
	ls_leases_fini(&leases);
	ls_buf_fini(&p);
	s->resolved = e == LS_OK;
	return e;
}

/* ---------------------------------------------------------------- compute */

static ls_time tmin(ls_time a, ls_time b)
{
	if (a == LS_SCORE_NO_TIME)
		return b;
	if (b == LS_SCORE_NO_TIME)
		return a;
	return a < b ? a : b;
}

static void finish_det(ls_score_det *d, ls_time exfil_end)
{
	d->ttd_defined = d->detected && d->first != LS_SCORE_NO_TIME &&
	                 d->earliest != LS_SCORE_NO_TIME;
	d->ttd = d->ttd_defined ? d->first - d->earliest : 0;
	if (d->detected && d->first != LS_SCORE_NO_TIME && exfil_end != LS_SCORE_NO_TIME)
		d->before_end = d->first < exfil_end;
	else
		d->before_end = -1;
}

/* Merge a part's figures (detection, first, earliest, before_end) into d. */
static void merge_det(ls_score_det *d, const ls_score_det *part)
{
	d->detected |= part->detected;
	d->first = tmin(d->first, part->first);
	d->earliest = tmin(d->earliest, part->earliest);
	if (part->before_end == 1 || (part->before_end == 0 && d->before_end != 1))
		d->before_end = part->before_end;
}

/* Distinct records and recalled records of a set of steps (flags per step). */
static void count_records(ls_score *s, uint32_t *gen, const bool *in, ls_score_det *d)
{
	++*gen;
	d->records = d->recalled = 0;
	for (size_t i = 0; i < s->nsteps; i++) {
		if (!in[i])
			continue;
		const ls_score_step *st = &s->steps[i];
		for (size_t k = 0; k < st->nrecs; k++) {
			ls_score_rec *r = &s->recs[st->recs[k]];
			if (r->mark == *gen)
				continue;
			r->mark = *gen;
			d->records++;
			d->recalled += r->alerted;
		}
	}
}

static uint64_t day_key(int32_t ent, ls_time t)
{
	int64_t day = t / LS_USEC_PER_DAY - (t % LS_USEC_PER_DAY < 0);
	return UINT64_C(1) << 63 | (uint64_t)(uint32_t)ent << 32 |
	       (uint32_t)(day + INT64_C(0x80000000));
}

static void entity_days(ls_score *s)
{
	u64set truth = { NULL, 0, 0 }, flagged = { NULL, 0, 0 };
	for (size_t i = 0; i < s->nrecs; i++) {
		const ls_score_rec *r = &s->recs[i];
		if (!r->malicious || !r->found || r->time == LS_SCORE_NO_TIME)
			continue;
		if (r->user >= 0)
			set_add(&truth, day_key(r->user, r->time));
		if (r->host >= 0)
			set_add(&truth, day_key(r->host, r->time));
	}
	uint64_t unattributed = 0;
	for (size_t i = 0; i < s->nalerts; i++) {
		const ls_score_alert *a = &s->alerts[i];
		/* The day: the alert's time, else its earliest record's as logged. */
		ls_time t = a->time;
		for (uint32_t k = 0; k < a->nrefs && a->time == LS_SCORE_NO_TIME; k++) {
			const ls_score_rec *r = &s->recs[s->refs[a->ref0 + k]];
			if (r->found)
				t = tmin(t, r->time);
		}
		/* The entities: its group's user and host, else its records'. */
		bool attributed = false;
		if (t != LS_SCORE_NO_TIME && (a->guser >= 0 || a->ghost >= 0)) {
			if (a->guser >= 0)
				set_add(&flagged, day_key(a->guser, t));
			if (a->ghost >= 0)
				set_add(&flagged, day_key(a->ghost, t));
			attributed = true;
		} else if (t != LS_SCORE_NO_TIME) {
			for (uint32_t k = 0; k < a->nrefs; k++) {
				const ls_score_rec *r = &s->recs[s->refs[a->ref0 + k]];
				if (r->user >= 0)
					set_add(&flagged, day_key(r->user, t));
				if (r->host >= 0)
					set_add(&flagged, day_key(r->host, t));
				attributed |= r->user >= 0 || r->host >= 0;
			}
		}
		unattributed += !attributed;
	}
	uint64_t hit = 0;
	for (size_t i = 0; i < flagged.cap; i++)
		hit += flagged.v[i] && set_has(&truth, flagged.v[i]);
	s->lv.ed_malicious = truth.n;
	s->lv.ed_flagged = flagged.n;
	s->lv.ed_true = hit;
	s->lv.ed_unattributed = unattributed;
	free(truth.v);
	free(flagged.v);
}

static int cmp_nullable(const char *a, const char *b, bool null_last)
{
	if (a == NULL || b == NULL)
		return a == b ? 0 : (a == NULL) == null_last ? 1 : -1;
	return strcmp(a, b);
}

static const ls_score *sort_ctx;

static int cmp_rule(const void *x, const void *y)
{
	const ls_score_rule *a = &sort_ctx->rules[*(const size_t *)x];
	const ls_score_rule *b = &sort_ctx->rules[*(const size_t *)y];
	int c = cmp_nullable(a->title, b->title, true);
	if (c == 0)
		c = cmp_nullable(a->rule_id, b->rule_id, false);
	return c;
}

void ls_score_compute(ls_score *s)
{
	size_t NR = s->nrules, NS = s->nsteps, NK = s->nkinds;
	free(s->rule_step);
	free(s->rule_kind);
	free(s->rule_step_first);
	s->rule_step = ls_xcalloc(NR * NS + 1, sizeof *s->rule_step);
	s->rule_kind = ls_xcalloc(NR * NK + 1, sizeof *s->rule_kind);
	s->rule_step_first = ls_xcalloc(NR * NS + 1, sizeof *s->rule_step_first);
	for (size_t i = 0; i < NR * NS; i++)
		s->rule_step_first[i] = LS_SCORE_NO_TIME;
	memset(&s->lv, 0, sizeof s->lv);
	/* Start afresh, so that rows added later can be computed again. */
	for (size_t r = 0; r < NR; r++) {
		ls_score_rule *rule = &s->rules[r];
		rule->alerts = rule->tp = rule->fp = rule->decoy_alerts = 0;
		rule->first_alert = rule->first_true = LS_SCORE_NO_TIME;
	}
	for (size_t i = 0; i < NS; i++) {
		s->steps[i].det.detected = false;
		s->steps[i].det.first = LS_SCORE_NO_TIME;
	}
	for (size_t i = 0; i < s->nrecs; i++)
		s->recs[i].alerted = false;

	/* Alerts: true or false; rules; steps they touch; decoys that fooled them. */
	for (size_t i = 0; i < s->nalerts; i++) {
		ls_score_alert *a = &s->alerts[i];
		a->truth = false;
		for (uint32_t k = 0; k < a->nrefs; k++) {
			ls_score_rec *r = &s->recs[s->refs[a->ref0 + k]];
			r->alerted = true;
			a->truth |= r->malicious;
		}
		ls_score_rule *rule = &s->rules[a->rule];
		rule->alerts++;
		rule->first_alert = tmin(rule->first_alert, a->time);
		if (a->truth) {
			rule->tp++;
			rule->first_true = tmin(rule->first_true, a->time);
			s->lv.true_alerts++;
		} else {
			rule->fp++;
			s->lv.false_alerts++;
		}
		bool decoy = false;
		for (uint32_t k = 0; k < a->nrefs; k++) {
			const ls_score_rec *r = &s->recs[s->refs[a->ref0 + k]];
			for (uint32_t l = r->step_link; l; l = s->links[l - 1].next) {
				size_t st = s->links[l - 1].what;
				s->rule_step[a->rule * NS + st] = true;
				ls_time *f = &s->rule_step_first[a->rule * NS + st];
				*f = tmin(*f, a->time);
				s->steps[st].det.detected = true;
				s->steps[st].det.first = tmin(s->steps[st].det.first, a->time);
			}
			if (a->truth)
				continue;
			for (uint32_t l = r->kind_link; l; l = s->links[l - 1].next) {
				s->rule_kind[a->rule * NK + s->links[l - 1].what] = true;
				decoy = true;
			}
		}
		rule->decoy_alerts += decoy;
	}

	/* Distinct malicious records per rule: alerts grouped by rule. */
	uint32_t gen = 0;
	for (size_t i = 0; i < s->nrecs; i++)
		s->recs[i].mark = 0;
	size_t *by_rule = ls_xcalloc(s->nalerts ? s->nalerts : 1, sizeof *by_rule);
	size_t *start = ls_xcalloc(NR + 1, sizeof *start);
	for (size_t i = 0; i < s->nalerts; i++)
		start[s->alerts[i].rule + 1]++;
	for (size_t r = 0; r < NR; r++)
		start[r + 1] += start[r];
	size_t *fill = ls_xcalloc(NR ? NR : 1, sizeof *fill);
	for (size_t i = 0; i < s->nalerts; i++) {
		uint32_t r = s->alerts[i].rule;
		by_rule[start[r] + fill[r]++] = i;
	}
	for (size_t r = 0; r < NR; r++) {
		++gen;
		uint64_t n = 0;
		for (size_t j = start[r]; j < start[r + 1]; j++) {
			const ls_score_alert *a = &s->alerts[by_rule[j]];
			for (uint32_t k = 0; k < a->nrefs; k++) {
				ls_score_rec *rec = &s->recs[s->refs[a->ref0 + k]];
				if (rec->malicious && rec->mark != gen) {
					rec->mark = gen;
					n++;
				}
			}
		}
		s->rules[r].records_recalled = n;
	}
	free(by_rule);
	free(start);
	free(fill);

	/* Steps, then techniques and campaigns over them, then the incident. */
	bool *in = ls_xcalloc(NS ? NS : 1, sizeof *in);
	for (size_t i = 0; i < NS; i++) {
		ls_score_step *st = &s->steps[i];
		memset(in, 0, NS * sizeof *in);
		in[i] = true;
		count_records(s, &gen, in, &st->det);
		finish_det(&st->det, s->campaigns[st->campaign].exfil_end);
	}
	for (size_t t = 0; t < s->ntechniques; t++) {
		ls_score_det *d = &s->techniques[t].det;
		memset(d, 0, sizeof *d);
		d->first = d->earliest = LS_SCORE_NO_TIME;
		d->before_end = -1;
		memset(in, 0, NS * sizeof *in);
		for (size_t i = 0; i < NS; i++)
			for (size_t k = 0; k < s->steps[i].ntechniques; k++)
				if (strcmp(s->steps[i].techniques[k], s->techniques[t].id) == 0) {
					in[i] = true;
					merge_det(d, &s->steps[i].det);
				}
		count_records(s, &gen, in, d);
		int be = d->before_end;
		finish_det(d, LS_SCORE_NO_TIME);
		d->before_end = d->detected ? be : -1;
	}
	ls_score_det *inc = &s->lv.incident;
	memset(inc, 0, sizeof *inc);
	inc->first = inc->earliest = LS_SCORE_NO_TIME;
	inc->before_end = -1;
	for (size_t c = 0; c < s->ncampaigns; c++) {
		ls_score_campaign *cp = &s->campaigns[c];
		ls_score_det *d = &cp->det;
		memset(d, 0, sizeof *d);
		d->first = d->earliest = LS_SCORE_NO_TIME;
		d->before_end = -1;
		memset(in, 0, NS * sizeof *in);
		for (size_t i = 0; i < cp->nsteps; i++) {
			in[cp->first_step + i] = true;
			merge_det(d, &s->steps[cp->first_step + i].det);
		}
		count_records(s, &gen, in, d);
		finish_det(d, cp->exfil_end);
		s->lv.campaigns_detected += d->detected;
		merge_det(inc, d);
	}
	memset(in, 1, NS * sizeof *in);
	count_records(s, &gen, in, inc);
	int be = inc->before_end;
	finish_det(inc, LS_SCORE_NO_TIME);
	inc->before_end = inc->detected ? be : -1;
	free(in);

	/* A rule's time to detect: against the campaigns its true alerts touched. */
	for (size_t r = 0; r < NR; r++) {
		ls_score_rule *rule = &s->rules[r];
		rule->ttd_defined = false;
		for (size_t c = 0; c < s->ncampaigns; c++) {
			const ls_score_campaign *cp = &s->campaigns[c];
			ls_time first = LS_SCORE_NO_TIME;
			for (size_t i = 0; i < cp->nsteps; i++)
				first = tmin(first, s->rule_step_first[r * NS + cp->first_step + i]);
			if (first == LS_SCORE_NO_TIME || cp->det.earliest == LS_SCORE_NO_TIME)
				continue;
			int64_t ttd = first - cp->det.earliest;
			if (!rule->ttd_defined || ttd < rule->ttd)
				rule->ttd = ttd;
			rule->ttd_defined = true;
		}
	}

	/* Event level. */
	for (size_t i = 0; i < s->nrecs; i++) {
		const ls_score_rec *r = &s->recs[i];
		s->lv.malicious += r->malicious;
		s->lv.unwritten += r->malicious && r->unwritten;
		s->lv.alerted += r->alerted;
		s->lv.recalled += r->malicious && r->alerted;
		s->lv.decoy_alerted += r->alerted && r->kind_link != 0;
		s->lv.not_found += s->resolved && (r->malicious || r->alerted) && !r->found;
	}
	entity_days(s);

	free(s->order);
	s->order = ls_xcalloc(NR ? NR : 1, sizeof *s->order);
	for (size_t r = 0; r < NR; r++)
		s->order[r] = r;
	sort_ctx = s;
	qsort(s->order, NR, sizeof *s->order, cmp_rule);
	sort_ctx = NULL;
	s->computed = true;
}

/* -------------------------------------------------------------- accessors */

bool ls_score_ratio_defined(ls_score_ratio r)
{
	return r.den > 0;
}

double ls_score_ratio_value(ls_score_ratio r)
{
	return r.den ? (double)r.num / (double)r.den : 0.0;
}

ls_score_ratio ls_score_rule_precision(const ls_score_rule *r)
{
	return (ls_score_ratio){ r->tp, r->alerts };
}

ls_score_ratio ls_score_rule_recall(const ls_score *s, const ls_score_rule *r)
{
	return (ls_score_ratio){ r->records_recalled, s->lv.malicious };
}

bool ls_score_rule_step(const ls_score *s, size_t rule, size_t step)
{
	return s->rule_step[rule * s->nsteps + step];
}

bool ls_score_rule_kind(const ls_score *s, size_t rule, size_t kind)
{
	return s->rule_kind[rule * s->nkinds + kind];
}

bool ls_score_rule_technique(const ls_score *s, size_t rule, size_t tech)
{
	for (size_t i = 0; i < s->nsteps; i++)
		for (size_t k = 0; k < s->steps[i].ntechniques; k++)
			if (s->rule_step[rule * s->nsteps + i] &&
			    strcmp(s->steps[i].techniques[k], s->techniques[tech].id) == 0)
				return true;
	return false;
}

long ls_score_find_rule(const ls_score *s, const char *rule_id, const char *title)
{
	ls_buf k = LS_BUF_INIT;
	ls_buf_append_cstr(&k, rule_id ? "i:" : "t:");
	ls_buf_append_cstr(&k, rule_id ? rule_id : title);
	long at = ls_strmap_get(&s->rulemap, k.data, k.len);
	ls_buf_fini(&k);
	return at;
}

/* ----------------------------------------------------------- expectations */

const char *ls_score_check_name(ls_score_check_kind k)
{
	switch (k) {
	case LS_CHECK_AT_LEAST: return "at_least";
	case LS_CHECK_EXACTLY: return "exactly";
	case LS_CHECK_MIN_RECALL: return "min_recall";
	case LS_CHECK_MAX_FP: return "max_fp";
	}
	return "?";
}

/* A decimal number of the form D+ or D+.D+ (YAML's plain scalar, no sign). */
static bool plain_decimal(ls_sv t)
{
	size_t i = 0, digits = 0;
	while (i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9')
		i++, digits++;
	if (digits == 0)
		return false;
	if (i < t.len && t.ptr[i] == '.') {
		size_t frac = 0;
		for (i++; i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9'; i++)
			frac++;
		if (frac == 0)
			return false;
	}
	return i == t.len;
}

static ls_err read_check(ls_score_expect *E, const ls_ynode *key, const ls_ynode *val,
                         ls_score_check *c, ls_diag *d)
{
	char sb[48];
	static const char *const names[] = { "at_least", "exactly", "min_recall", "max_fp" };
	size_t k = 0;
	while (k < 4 && !(key->kind == LS_YNODE_SCALAR && ls_sv_eq_cstr(ls_ynode_sv(key), names[k])))
		k++;
	if (k == 4)
		return ls_ynode_fail(d, LS_ERR_PARSE, E->file, key,
		                     "unknown key '%s' (at_least, exactly, min_recall, max_fp)",
		                     key->kind == LS_YNODE_SCALAR
		                             ? ls_yaml_shown(key->text, key->len, sb, sizeof sb)
		                             : ls_ynode_kind_name(key));
	memset(c, 0, sizeof *c);
	c->kind = (ls_score_check_kind)k;
	c->line = key->line;
	c->col = key->col;
	if (val->kind != LS_YNODE_SCALAR || !ls_ynode_is_plain(val) || ls_ynode_is_null(val))
		return ls_ynode_fail(d, LS_ERR_PARSE, E->file, val, "%s: expected %s, got %s",
		                     names[k],
		                     k == LS_CHECK_MIN_RECALL ? "a number from 0 to 1"
		                                              : "a non-negative integer",
		                     val->kind == LS_YNODE_SCALAR && !ls_ynode_is_null(val)
		                             ? "a quoted string"
		                             : ls_ynode_kind_name(val));
	ls_sv t = ls_ynode_sv(val);
	c->text = ls_arena_strndup(&E->arena, t.ptr, t.len);
	if (k == LS_CHECK_MIN_RECALL) {
		double x = plain_decimal(t) ? strtod(c->text, NULL) : -1.0;
		if (!(x >= 0.0 && x <= 1.0))
			return ls_ynode_fail(d, LS_ERR_PARSE, E->file, val,
			                     "min_recall: expected a number from 0 to 1, got '%s'",
			                     ls_yaml_shown(val->text, val->len, sb, sizeof sb));
		c->x = x;
	} else if (ls_sv_to_u64(t, &c->n) != LS_OK) {
		return ls_ynode_fail(d, LS_ERR_PARSE, E->file, val,
		                     "%s: expected a non-negative integer, got '%s'", names[k],
		                     ls_yaml_shown(val->text, val->len, sb, sizeof sb));
	}
	return LS_OK;
}

ls_err ls_score_expect_parse(ls_score_expect *E, const char *text, size_t len, const char *file,
                             ls_diag *d)
{
	memset(E, 0, sizeof *E);
	ls_arena_init(&E->arena, 0);
	E->file = ls_arena_strdup(&E->arena, file ? file : "<expectations>");
	ls_yaml y;
	ls_yaml_limits lim = { 1, 100000, "an expectations file is exactly one document" };
	ls_err e = ls_yaml_parse(&y, text, len, &lim, E->file, d);
	const ls_ynode *root = e == LS_OK && y.ndocs ? y.docs[0].root : NULL;
	if (e == LS_OK && root && root->kind != LS_YNODE_MAP)
		e = ls_ynode_fail(d, LS_ERR_PARSE, E->file, root,
		                  "expected a mapping of rule id to expectations, got %s",
		                  ls_ynode_kind_name(root));
	for (const ls_ynode *k = root ? root->first : NULL; e == LS_OK && k; k = k->next->next) {
		const ls_ynode *v = k->next;
		char *id = NULL;
		e = ls_ynode_string(k, "rule id", E->file, d, &id);
		if (e != LS_OK)
			break;
		for (size_t i = 0; i < E->n && e == LS_OK; i++)
			if (strcmp(E->items[i].rule_id, id) == 0)
				e = ls_ynode_fail(d, LS_ERR_PARSE, E->file, k,
				                  "rule '%s' is named twice (first at line %lu, column "
				                  "%lu)",
				                  id, E->items[i].line, E->items[i].col);
		if (e == LS_OK && v->kind != LS_YNODE_MAP)
			e = ls_ynode_fail(d, LS_ERR_PARSE, E->file, v,
			                  "rule '%s': expected a mapping of at_least, exactly, "
			                  "min_recall, max_fp, got %s",
			                  id, ls_ynode_kind_name(v));
		if (e != LS_OK) {
			free(id);
			break;
		}
		E->items = ls_xgrow(E->items, &E->cap, E->n + 1, sizeof *E->items);
		ls_score_expectation *x = &E->items[E->n++];
		memset(x, 0, sizeof *x);
		x->rule_id = ls_arena_strdup(&E->arena, id);
		free(id);
		x->line = k->line;
		x->col = k->col;
		size_t n = 0;
		for (const ls_ynode *ck = v->first; ck; ck = ck->next->next)
			n++;
		x->checks = ls_arena_calloc(&E->arena, n ? n : 1, sizeof *x->checks);
		for (const ls_ynode *ck = v->first; ck && e == LS_OK; ck = ck->next->next) {
			ls_score_check *c = &x->checks[x->nchecks];
			e = read_check(E, ck, ck->next, c, d);
			for (size_t j = 0; j < x->nchecks && e == LS_OK; j++)
				if (x->checks[j].kind == c->kind)
					e = ls_ynode_fail(d, LS_ERR_PARSE, E->file, ck,
					                  "%s is given twice for rule '%s'",
					                  ls_score_check_name(c->kind), x->rule_id);
			if (e == LS_OK)
				x->nchecks++;
		}
	}
	ls_yaml_fini(&y);
	return e;
}

ls_err ls_score_expect_load(ls_score_expect *E, const char *path, ls_diag *d)
{
	memset(E, 0, sizeof *E);
	ls_arena_init(&E->arena, 0);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		const char *file = ls_arena_strdup(&E->arena, path);
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, file, 0, 0,
		                   "cannot open: %s", strerror(errno));
	}
	ls_buf b = LS_BUF_INIT;
	char chunk[65536];
	size_t n;
	ls_err e = LS_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > LS_LINE_MAX) {
			e = LS_ERR_TOOLONG;
			break;
		}
		ls_buf_append(&b, chunk, n);
	}
	bool rerr = ferror(f);
	fclose(f);
	if (e != LS_OK || rerr) {
		const char *file = ls_arena_strdup(&E->arena, path);
		ls_buf_fini(&b);
		return e != LS_OK ? ls_diag_set(d, e, file, 0, 0, "larger than %u bytes",
		                                (unsigned)LS_LINE_MAX)
		                  : ls_diag_set(d, LS_ERR_IO, file, 0, 0, "cannot read");
	}
	ls_arena_fini(&E->arena);
	e = ls_score_expect_parse(E, b.data ? b.data : "", b.len, path, d);
	ls_buf_fini(&b);
	return e;
}

void ls_score_expect_fini(ls_score_expect *E)
{
	if (E == NULL)
		return;
	free(E->items);
	ls_arena_fini(&E->arena);
	memset(E, 0, sizeof *E);
}

void ls_score_expect_rows(ls_score *s, const ls_score_expect *E)
{
	for (size_t i = 0; i < E->n; i++)
		if (ls_score_find_rule(s, E->items[i].rule_id, NULL) < 0)
			ls_score_add_rule(s, E->items[i].rule_id);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

size_t ls_score_expect_check(const ls_score *s, ls_score_expect *E)
{
	E->failed = 0;
	for (size_t i = 0; i < E->n; i++) {
		ls_score_expectation *x = &E->items[i];
		long at = ls_score_find_rule(s, x->rule_id, NULL);
		const ls_score_rule *r = at >= 0 ? &s->rules[at] : NULL;
		uint64_t alerts = r ? r->alerts : 0, fp = r ? r->fp : 0;
		uint64_t rec = r ? r->records_recalled : 0, mal = s->lv.malicious;
		for (size_t j = 0; j < x->nchecks; j++) {
			ls_score_check *c = &x->checks[j];
			c->reason[0] = '\0';
			switch (c->kind) {
			case LS_CHECK_AT_LEAST:
			case LS_CHECK_EXACTLY:
				snprintf(c->got, sizeof c->got, "%" PRIu64, alerts);
				c->ok = c->kind == LS_CHECK_AT_LEAST ? alerts >= c->n : alerts == c->n;
				if (!c->ok)
					snprintf(c->reason, sizeof c->reason,
					         "expected %s %" PRIu64 " %s, got %" PRIu64,
					         c->kind == LS_CHECK_AT_LEAST ? "at least" : "exactly",
					         c->n, plural(c->n, "alert", "alerts"), alerts);
				break;
			case LS_CHECK_MAX_FP:
				snprintf(c->got, sizeof c->got, "%" PRIu64, fp);
				c->ok = fp <= c->n;
				if (!c->ok)
					snprintf(c->reason, sizeof c->reason,
					         "expected at most %" PRIu64 " false %s, got %" PRIu64, c->n,
					         plural(c->n, "alert", "alerts"), fp);
				break;
			case LS_CHECK_MIN_RECALL:
				if (mal == 0) {
					snprintf(c->got, sizeof c->got, "null");
					c->ok = false;
					snprintf(c->reason, sizeof c->reason,
					         "expected a recall of at least %s, but the answer key "
					         "lists no malicious record",
					         c->text);
					break;
				}
				snprintf(c->got, sizeof c->got, "%.6f", (double)rec / (double)mal);
				/* A tolerance keeps 0.1 x 10 records from failing on rounding. */
				c->ok = (double)rec + 1e-9 >= c->x * (double)mal;
				if (!c->ok)
					snprintf(c->reason, sizeof c->reason,
					         "expected a recall of at least %s, got %s (%" PRIu64
					         " of %" PRIu64 " malicious records)",
					         c->text, c->got, rec, mal);
				break;
			}
			E->failed += !c->ok;
		}
	}
	return E->failed;
}

/* ------------------------------------------------------------------- JSON */

/* Exact seconds from microseconds: "-12.000500". */
static void jw_seconds(ls_jw *w, int64_t us)
{
	char b[48];
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	int n = snprintf(b, sizeof b, "%s%" PRIu64 ".%06" PRIu64, us < 0 ? "-" : "", a / 1000000,
	                 a % 1000000);
	ls_jw_raw(w, ls_sv_make(b, (size_t)n));
}

static void jw_time(ls_jw *w, ls_time t)
{
	if (t == LS_SCORE_NO_TIME)
		ls_jw_null(w);
	else
		ls_jw_time(w, t, 6);
}

static void jw_ratio(ls_jw *w, ls_score_ratio r, unsigned decimals)
{
	if (ls_score_ratio_defined(r))
		ls_jw_f64(w, ls_score_ratio_value(r), decimals);
	else
		ls_jw_null(w);
}

static void jw_cstr_or_null(ls_jw *w, const char *s)
{
	if (s)
		ls_jw_str_cstr(w, s);
	else
		ls_jw_null(w);
}

static const char *rule_name(const ls_score_rule *r)
{
	return r->rule_id ? r->rule_id : r->title;
}

/* The rules (in report order) for which flag(rule) holds, as names. */
static void jw_rules(ls_jw *w, const ls_score *s, size_t what,
                     bool (*flag)(const ls_score *, size_t, size_t))
{
	ls_jw_array_begin(w);
	for (size_t i = 0; i < s->nrules; i++)
		if (flag(s, s->order[i], what))
			ls_jw_str_cstr(w, rule_name(&s->rules[s->order[i]]));
	ls_jw_array_end(w);
}

static bool step_has_tech(const ls_score *s, size_t step, size_t tech)
{
	const ls_score_step *st = &s->steps[step];
	for (size_t k = 0; k < st->ntechniques; k++)
		if (strcmp(st->techniques[k], s->techniques[tech].id) == 0)
			return true;
	return false;
}

static void jw_det(ls_jw *w, const ls_score_det *d, bool with_before)
{
	LS_JW_KEY(w, "records");
	ls_jw_u64(w, d->records);
	LS_JW_KEY(w, "records_recalled");
	ls_jw_u64(w, d->recalled);
	LS_JW_KEY(w, "earliest_detectable");
	jw_time(w, d->earliest);
	LS_JW_KEY(w, "detected");
	ls_jw_bool(w, d->detected);
	LS_JW_KEY(w, "first_detection");
	jw_time(w, d->detected ? d->first : LS_SCORE_NO_TIME);
	LS_JW_KEY(w, "ttd_seconds");
	if (d->ttd_defined)
		jw_seconds(w, d->ttd);
	else
		ls_jw_null(w);
	if (with_before) {
		LS_JW_KEY(w, "before_exfil_end");
		if (d->before_end < 0)
			ls_jw_null(w);
		else
			ls_jw_bool(w, d->before_end == 1);
	}
}

static void json_rule(ls_jw *w, const ls_score *s, size_t ri)
{
	const ls_score_rule *r = &s->rules[ri];
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "rule_id");
	jw_cstr_or_null(w, r->rule_id);
	LS_JW_KEY(w, "title");
	jw_cstr_or_null(w, r->title);
	LS_JW_KEY(w, "level");
	jw_cstr_or_null(w, r->level);
	LS_JW_KEY(w, "alerts");
	ls_jw_u64(w, r->alerts);
	LS_JW_KEY(w, "tp");
	ls_jw_u64(w, r->tp);
	LS_JW_KEY(w, "fp");
	ls_jw_u64(w, r->fp);
	LS_JW_KEY(w, "precision");
	jw_ratio(w, ls_score_rule_precision(r), 6);
	LS_JW_KEY(w, "records_recalled");
	ls_jw_u64(w, r->records_recalled);
	LS_JW_KEY(w, "recall");
	jw_ratio(w, ls_score_rule_recall(s, r), 6);
	LS_JW_KEY(w, "steps");
	ls_jw_array_begin(w);
	for (size_t i = 0; i < s->nsteps; i++) {
		if (!ls_score_rule_step(s, ri, i))
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = ls_score_rule_step(s, ri, j) &&
			       strcmp(s->steps[j].name, s->steps[i].name) == 0;
		if (!seen)
			ls_jw_str_cstr(w, s->steps[i].name);
	}
	ls_jw_array_end(w);
	LS_JW_KEY(w, "techniques");
	ls_jw_array_begin(w);
	for (size_t t = 0; t < s->ntechniques; t++)
		if (ls_score_rule_technique(s, ri, t))
			ls_jw_str_cstr(w, s->techniques[t].id);
	ls_jw_array_end(w);
	LS_JW_KEY(w, "decoys_fooled");
	ls_jw_array_begin(w);
	for (size_t k = 0; k < s->nkinds; k++)
		if (ls_score_rule_kind(s, ri, k))
			ls_jw_str_cstr(w, s->kinds[k]);
	ls_jw_array_end(w);
	LS_JW_KEY(w, "decoy_alerts");
	ls_jw_u64(w, r->decoy_alerts);
	LS_JW_KEY(w, "first_alert");
	jw_time(w, r->first_alert);
	LS_JW_KEY(w, "first_true_alert");
	jw_time(w, r->first_true);
	LS_JW_KEY(w, "ttd_seconds");
	if (r->ttd_defined)
		jw_seconds(w, r->ttd);
	else
		ls_jw_null(w);
	ls_jw_object_end(w);
}

static double per_day(uint64_t n, uint64_t days)
{
	return days ? (double)n / (double)days : 0.0;
}

void ls_score_write_json(const ls_score *s, const ls_score_expect *E, ls_buf *out)
{
	const ls_score_levels *lv = &s->lv;
	ls_jw w;
	ls_jw_init(&w, out);
	ls_jw_object_begin(&w);

	LS_JW_KEY(&w, "dataset");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "scenario");
	jw_cstr_or_null(&w, s->scenario);
	LS_JW_KEY(&w, "seed");
	if (s->have_seed)
		ls_jw_u64(&w, s->seed);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "start");
	jw_cstr_or_null(&w, s->start);
	LS_JW_KEY(&w, "days");
	ls_jw_u64(&w, s->ops.days);
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "rules");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < s->nrules; i++)
		json_rule(&w, s, s->order[i]);
	ls_jw_array_end(&w);

	LS_JW_KEY(&w, "steps");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < s->nsteps; i++) {
		const ls_score_step *st = &s->steps[i];
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "campaign");
		ls_jw_str_cstr(&w, s->campaigns[st->campaign].id);
		LS_JW_KEY(&w, "name");
		ls_jw_str_cstr(&w, st->name);
		LS_JW_KEY(&w, "techniques");
		ls_jw_array_begin(&w);
		for (size_t k = 0; k < st->ntechniques; k++)
			ls_jw_str_cstr(&w, st->techniques[k]);
		ls_jw_array_end(&w);
		LS_JW_KEY(&w, "rules");
		jw_rules(&w, s, i, ls_score_rule_step);
		jw_det(&w, &st->det, true);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);

	LS_JW_KEY(&w, "techniques");
	ls_jw_array_begin(&w);
	for (size_t t = 0; t < s->ntechniques; t++) {
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "technique");
		ls_jw_str_cstr(&w, s->techniques[t].id);
		LS_JW_KEY(&w, "steps");
		ls_jw_array_begin(&w);
		for (size_t i = 0; i < s->nsteps; i++)
			if (step_has_tech(s, i, t))
				ls_jw_str_cstr(&w, s->steps[i].name);
		ls_jw_array_end(&w);
		LS_JW_KEY(&w, "rules");
		jw_rules(&w, s, t, ls_score_rule_technique);
		jw_det(&w, &s->techniques[t].det, true);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);

	LS_JW_KEY(&w, "levels");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "event");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "malicious_records");
	ls_jw_u64(&w, lv->malicious);
	LS_JW_KEY(&w, "unwritten_records");
	ls_jw_u64(&w, lv->unwritten);
	LS_JW_KEY(&w, "alerted_records");
	ls_jw_u64(&w, lv->alerted);
	LS_JW_KEY(&w, "true_records");
	ls_jw_u64(&w, lv->recalled);
	LS_JW_KEY(&w, "false_records");
	ls_jw_u64(&w, lv->alerted - lv->recalled);
	LS_JW_KEY(&w, "decoy_records");
	ls_jw_u64(&w, lv->decoy_alerted);
	LS_JW_KEY(&w, "recall");
	jw_ratio(&w, (ls_score_ratio){ lv->recalled, lv->malicious }, 6);
	LS_JW_KEY(&w, "precision");
	jw_ratio(&w, (ls_score_ratio){ lv->recalled, lv->alerted }, 6);
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "entity_day");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "malicious");
	ls_jw_u64(&w, lv->ed_malicious);
	LS_JW_KEY(&w, "flagged");
	ls_jw_u64(&w, lv->ed_flagged);
	LS_JW_KEY(&w, "true");
	ls_jw_u64(&w, lv->ed_true);
	LS_JW_KEY(&w, "false");
	ls_jw_u64(&w, lv->ed_flagged - lv->ed_true);
	LS_JW_KEY(&w, "recall");
	jw_ratio(&w, (ls_score_ratio){ lv->ed_true, lv->ed_malicious }, 6);
	LS_JW_KEY(&w, "precision");
	jw_ratio(&w, (ls_score_ratio){ lv->ed_true, lv->ed_flagged }, 6);
	LS_JW_KEY(&w, "unattributed_alerts");
	ls_jw_u64(&w, lv->ed_unattributed);
	LS_JW_KEY(&w, "records_not_found");
	if (s->resolved)
		ls_jw_u64(&w, lv->not_found);
	else
		ls_jw_null(&w);
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "incident");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "campaigns");
	ls_jw_u64(&w, s->ncampaigns);
	LS_JW_KEY(&w, "campaigns_detected");
	ls_jw_u64(&w, lv->campaigns_detected);
	LS_JW_KEY(&w, "recall");
	jw_ratio(&w, (ls_score_ratio){ lv->campaigns_detected, s->ncampaigns }, 6);
	LS_JW_KEY(&w, "alerts");
	ls_jw_u64(&w, s->nalerts);
	LS_JW_KEY(&w, "true_alerts");
	ls_jw_u64(&w, lv->true_alerts);
	LS_JW_KEY(&w, "false_alerts");
	ls_jw_u64(&w, lv->false_alerts);
	LS_JW_KEY(&w, "precision");
	jw_ratio(&w, (ls_score_ratio){ lv->true_alerts, s->nalerts }, 6);
	LS_JW_KEY(&w, "by_campaign");
	ls_jw_array_begin(&w);
	for (size_t c = 0; c < s->ncampaigns; c++) {
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "id");
		ls_jw_str_cstr(&w, s->campaigns[c].id);
		jw_det(&w, &s->campaigns[c].det, true);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "incident");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "detected");
	if (s->ncampaigns)
		ls_jw_bool(&w, lv->incident.detected);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "ttd_seconds");
	if (lv->incident.ttd_defined)
		jw_seconds(&w, lv->incident.ttd);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "first_detection");
	jw_time(&w, lv->incident.detected ? lv->incident.first : LS_SCORE_NO_TIME);
	LS_JW_KEY(&w, "earliest_detectable");
	jw_time(&w, lv->incident.earliest);
	LS_JW_KEY(&w, "before_exfil_end");
	if (lv->incident.before_end < 0)
		ls_jw_null(&w);
	else
		ls_jw_bool(&w, lv->incident.before_end == 1);
	ls_jw_object_end(&w);

	const ls_score_ops *op = &s->ops;
	uint64_t ents = op->users + op->hosts;
	LS_JW_KEY(&w, "operations");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "days");
	ls_jw_u64(&w, op->days);
	LS_JW_KEY(&w, "alerts");
	ls_jw_u64(&w, s->nalerts);
	LS_JW_KEY(&w, "true_alerts");
	ls_jw_u64(&w, lv->true_alerts);
	LS_JW_KEY(&w, "false_alerts");
	ls_jw_u64(&w, lv->false_alerts);
	LS_JW_KEY(&w, "alerts_per_analyst_day");
	ls_jw_f64(&w, per_day(s->nalerts, op->days), 3);
	LS_JW_KEY(&w, "false_alerts_per_analyst_day");
	ls_jw_f64(&w, per_day(lv->false_alerts, op->days), 3);
	LS_JW_KEY(&w, "users");
	if (op->have_entities)
		ls_jw_u64(&w, op->users);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "hosts");
	if (op->have_entities)
		ls_jw_u64(&w, op->hosts);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "entities");
	if (op->have_entities)
		ls_jw_u64(&w, ents);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "false_alerts_per_1000_entities_per_day");
	if (op->have_entities && ents)
		ls_jw_f64(&w, per_day(lv->false_alerts, op->days) * 1000.0 / (double)ents, 3);
	else
		ls_jw_null(&w);
	ls_jw_object_end(&w);

	if (E) {
		LS_JW_KEY(&w, "expectations");
		ls_jw_object_begin(&w);
		size_t checked = 0;
		for (size_t i = 0; i < E->n; i++)
			checked += E->items[i].nchecks;
		LS_JW_KEY(&w, "checked");
		ls_jw_u64(&w, checked);
		LS_JW_KEY(&w, "failed");
		ls_jw_u64(&w, E->failed);
		LS_JW_KEY(&w, "results");
		ls_jw_array_begin(&w);
		for (size_t i = 0; i < E->n; i++)
			for (size_t j = 0; j < E->items[i].nchecks; j++) {
				const ls_score_check *c = &E->items[i].checks[j];
				ls_jw_object_begin(&w);
				LS_JW_KEY(&w, "rule_id");
				ls_jw_str_cstr(&w, E->items[i].rule_id);
				LS_JW_KEY(&w, "check");
				ls_jw_str_cstr(&w, ls_score_check_name(c->kind));
				LS_JW_KEY(&w, "want");
				if (c->kind == LS_CHECK_MIN_RECALL)
					ls_jw_f64(&w, c->x, 6);
				else
					ls_jw_u64(&w, c->n);
				LS_JW_KEY(&w, "got");
				ls_jw_raw(&w, ls_sv_from_cstr(c->got));
				LS_JW_KEY(&w, "ok");
				ls_jw_bool(&w, c->ok);
				LS_JW_KEY(&w, "reason");
				jw_cstr_or_null(&w, c->ok ? NULL : c->reason);
				LS_JW_KEY(&w, "line");
				ls_jw_u64(&w, c->line);
				LS_JW_KEY(&w, "col");
				ls_jw_u64(&w, c->col);
				ls_jw_object_end(&w);
			}
		ls_jw_array_end(&w);
		ls_jw_object_end(&w);
	}
	ls_jw_object_end(&w);
	ls_buf_append_char(out, '\n');
}

/* ------------------------------------------------------------------- text */

/* A table of text cells, printed with columns padded to their widest cell. */
typedef struct table {
	size_t ncols;
	const char *const *head;
	const char *align; /* 'l' or 'r' per column */
	char **cells;
	size_t n, cap;
} table;

/* Display width: code points (every leaksim name is narrow). */
static size_t width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void cell(table *t, const char *fmt, ...) LS_PRINTF(2, 3);

static void cell(table *t, const char *fmt, ...)
{
	ls_buf b = LS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[512];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	ls_buf_append_cstr(&b, tmp);
	t->cells = ls_xgrow(t->cells, &t->cap, t->n + 1, sizeof *t->cells);
	t->cells[t->n++] = b.data ? ls_buf_steal(&b) : ls_xstrdup("");
}

/* A cell holding at most max code points of s, marked with "..." when cut. */
static void cell_cut(table *t, const char *s, size_t max)
{
	if (width(s) <= max) {
		cell(t, "%s", s);
		return;
	}
	size_t i = 0, w = 0;
	while (s[i] && w < max - 3) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		w++;
	}
	cell(t, "%.*s...", (int)i, s);
}

static void table_print(table *t, ls_buf *out)
{
	size_t *wd = ls_xcalloc(t->ncols, sizeof *wd);
	for (size_t c = 0; c < t->ncols; c++)
		wd[c] = width(t->head[c]);
	for (size_t i = 0; i < t->n; i++)
		if (width(t->cells[i]) > wd[i % t->ncols])
			wd[i % t->ncols] = width(t->cells[i]);
	size_t rows = t->n / t->ncols;
	for (size_t r = 0; r <= rows; r++) {
		ls_buf line = LS_BUF_INIT;
		ls_buf_append_cstr(&line, " ");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c];
			size_t pad = wd[c] - width(v);
			ls_buf_append_char(&line, ' ');
			if (t->align[c] == 'r')
				for (size_t k = 0; k < pad; k++)
					ls_buf_append_char(&line, ' ');
			ls_buf_append_cstr(&line, v);
			if (t->align[c] != 'r')
				for (size_t k = 0; k < pad; k++)
					ls_buf_append_char(&line, ' ');
			if (c + 1 < t->ncols)
				ls_buf_append_char(&line, ' ');
		}
		while (line.len && line.data[line.len - 1] == ' ')
			line.len--;
		ls_buf_append(out, line.data, line.len);
		ls_buf_append_char(out, '\n');
		ls_buf_fini(&line);
	}
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	free(wd);
	memset(t, 0, sizeof *t);
}

void ls_score_format_duration(int64_t us, char *b, size_t cap)
{
	const char *sign = us < 0 ? "-" : "";
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	uint64_t sec = a / 1000000;
	if (sec < 60)
		snprintf(b, cap, "%s%" PRIu64 ".%01" PRIu64 "s", sign, sec, a % 1000000 / 100000);
	else if (sec < 3600)
		snprintf(b, cap, "%s%" PRIu64 "m %02" PRIu64 "s", sign, sec / 60, sec % 60);
	else if (sec < 86400)
		snprintf(b, cap, "%s%" PRIu64 "h %02" PRIu64 "m", sign, sec / 3600, sec % 3600 / 60);
	else
		snprintf(b, cap, "%s%" PRIu64 "d %02" PRIu64 "h", sign, sec / 86400,
		         sec % 86400 / 3600);
}

static void cell_ttd(table *t, bool defined, int64_t us)
{
	char b[48];
	if (!defined) {
		cell(t, "-");
		return;
	}
	ls_score_format_duration(us, b, sizeof b);
	cell(t, "%s", b);
}

static void cell_ratio(table *t, ls_score_ratio r)
{
	if (ls_score_ratio_defined(r))
		cell(t, "%.3f", ls_score_ratio_value(r));
	else
		cell(t, "-");
}

static void cell_before(table *t, int before_end)
{
	cell(t, "%s", before_end < 0 ? "-" : before_end ? "yes" : "no");
}

/* Append at most max characters of s (whole UTF-8 sequences). */
static void append_chars(ls_buf *b, const char *s, size_t max)
{
	size_t i = 0;
	for (size_t w = 0; s[i] && w < max; w++) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	ls_buf_append(b, s, i);
}

/* A rule as the tables name it in lists: its id's first 8 characters. */
static void short_name(const ls_score_rule *r, ls_buf *b)
{
	if (r->rule_id) {
		append_chars(b, r->rule_id, 8);
	} else {
		ls_buf_append_char(b, '"');
		append_chars(b, r->title, 20);
		ls_buf_append_char(b, '"');
	}
}

static void cell_rules(table *t, const ls_score *s, size_t what,
                       bool (*flag)(const ls_score *, size_t, size_t))
{
	ls_buf b = LS_BUF_INIT;
	for (size_t i = 0; i < s->nrules; i++)
		if (flag(s, s->order[i], what)) {
			if (b.len)
				ls_buf_append_cstr(&b, ", ");
			short_name(&s->rules[s->order[i]], &b);
		}
	cell_cut(t, b.len ? b.data : "-", 60);
	ls_buf_fini(&b);
}

static void text_rules(const ls_score *s, ls_buf *out)
{
	static const char *const head[] = { "rule",      "id",     "alerts", "tp",
		                            "fp",        "precision", "recall", "ttd",
		                            "steps",     "decoys fooled" };
	table t = { 10, head, "llrrrrrrll", NULL, 0, 0 };
	for (size_t i = 0; i < s->nrules; i++) {
		size_t ri = s->order[i];
		const ls_score_rule *r = &s->rules[ri];
		cell_cut(&t, r->title ? r->title : "(no alerts)", 48);
		ls_buf b = LS_BUF_INIT;
		if (r->rule_id)
			short_name(r, &b);
		cell(&t, "%s", b.len ? b.data : "-");
		cell(&t, "%" PRIu64, r->alerts);
		cell(&t, "%" PRIu64, r->tp);
		cell(&t, "%" PRIu64, r->fp);
		cell_ratio(&t, ls_score_rule_precision(r));
		cell_ratio(&t, ls_score_rule_recall(s, r));
		cell_ttd(&t, r->ttd_defined, r->ttd);
		ls_buf_reset(&b);
		for (size_t k = 0; k < s->nsteps; k++) {
			if (!ls_score_rule_step(s, ri, k))
				continue;
			bool seen = false;
			for (size_t j = 0; j < k && !seen; j++)
				seen = ls_score_rule_step(s, ri, j) &&
				       strcmp(s->steps[j].name, s->steps[k].name) == 0;
			if (!seen)
				ls_buf_printf(&b, "%s%s", b.len ? ", " : "", s->steps[k].name);
		}
		cell_cut(&t, b.len ? b.data : "-", 40);
		ls_buf_reset(&b);
		for (size_t k = 0; k < s->nkinds; k++)
			if (ls_score_rule_kind(s, ri, k))
				ls_buf_printf(&b, "%s%s", b.len ? ", " : "", s->kinds[k]);
		cell_cut(&t, b.len ? b.data : "-", 40);
		ls_buf_fini(&b);
	}
	ls_buf_printf(out, "Rules (%zu; ids shortened, --json has them whole)\n", s->nrules);
	if (s->nrules == 0)
		ls_buf_append_cstr(out, "  (no alerts)\n");
	else
		table_print(&t, out);
}

static void text_steps(const ls_score *s, ls_buf *out)
{
	bool many = s->ncampaigns > 1;
	static const char *const head[] = { "campaign",  "step",  "techniques",
		                            "records",   "recalled", "detected",
		                            "ttd",       "before exfil end", "rules" };
	table t = { 9, head, "lllrrlrll", NULL, 0, 0 };
	if (!many) {
		t.ncols = 8;
		t.head = head + 1;
		t.align = "llrrlrll";
	}
	for (size_t i = 0; i < s->nsteps; i++) {
		const ls_score_step *st = &s->steps[i];
		if (many)
			cell_cut(&t, s->campaigns[st->campaign].id, 24);
		cell_cut(&t, st->name, 24);
		ls_buf b = LS_BUF_INIT;
		for (size_t k = 0; k < st->ntechniques; k++)
			ls_buf_printf(&b, "%s%s", k ? ", " : "", st->techniques[k]);
		cell_cut(&t, b.len ? b.data : "-", 40);
		ls_buf_fini(&b);
		cell(&t, "%" PRIu64, st->det.records);
		cell(&t, "%" PRIu64, st->det.recalled);
		cell(&t, "%s", st->det.detected ? "yes" : "no");
		cell_ttd(&t, st->det.ttd_defined, st->det.ttd);
		cell_before(&t, st->det.before_end);
		cell_rules(&t, s, i, ls_score_rule_step);
	}
	ls_buf_printf(out, "\nSteps (%zu)\n", s->nsteps);
	if (s->nsteps == 0)
		ls_buf_append_cstr(out, "  (the answer key lists no campaign)\n");
	else
		table_print(&t, out);
}

static void text_techniques(const ls_score *s, ls_buf *out)
{
	static const char *const head[] = { "technique", "steps",    "records",
		                            "recalled",  "detected", "ttd",
		                            "before exfil end", "rules" };
	table t = { 8, head, "llrrlrll", NULL, 0, 0 };
	for (size_t i = 0; i < s->ntechniques; i++) {
		const ls_score_technique *tq = &s->techniques[i];
		cell_cut(&t, tq->id, 24);
		ls_buf b = LS_BUF_INIT;
		for (size_t k = 0; k < s->nsteps; k++)
			if (step_has_tech(s, k, i))
				ls_buf_printf(&b, "%s%s", b.len ? ", " : "", s->steps[k].name);
		cell_cut(&t, b.len ? b.data : "-", 40);
		ls_buf_fini(&b);
		cell(&t, "%" PRIu64, tq->det.records);
		cell(&t, "%" PRIu64, tq->det.recalled);
		cell(&t, "%s", tq->det.detected ? "yes" : "no");
		cell_ttd(&t, tq->det.ttd_defined, tq->det.ttd);
		cell_before(&t, tq->det.before_end);
		cell_rules(&t, s, i, ls_score_rule_technique);
	}
	ls_buf_printf(out, "\nTechniques (%zu)\n", s->ntechniques);
	if (s->ntechniques == 0)
		ls_buf_append_cstr(out, "  (none)\n");
	else
		table_print(&t, out);
}

static void text_levels(const ls_score *s, ls_buf *out)
{
	const ls_score_levels *lv = &s->lv;
	static const char *const head[] = { "level", "recall", "precision", "counts" };
	table t = { 4, head, "lrrl", NULL, 0, 0 };
	cell(&t, "event");
	cell_ratio(&t, (ls_score_ratio){ lv->recalled, lv->malicious });
	cell_ratio(&t, (ls_score_ratio){ lv->recalled, lv->alerted });
	cell(&t,
	     "malicious records alerted on: %" PRIu64 " of %" PRIu64 " (never written: %" PRIu64
	     "); records alerted on: %" PRIu64 " (decoys: %" PRIu64 ")",
	     lv->recalled, lv->malicious, lv->unwritten, lv->alerted, lv->decoy_alerted);
	cell(&t, "entity-day");
	cell_ratio(&t, (ls_score_ratio){ lv->ed_true, lv->ed_malicious });
	cell_ratio(&t, (ls_score_ratio){ lv->ed_true, lv->ed_flagged });
	cell(&t,
	     "malicious entity-days flagged: %" PRIu64 " of %" PRIu64 "; flagged: %" PRIu64
	     "; alerts without an entity: %" PRIu64,
	     lv->ed_true, lv->ed_malicious, lv->ed_flagged, lv->ed_unattributed);
	cell(&t, "incident");
	cell_ratio(&t, (ls_score_ratio){ lv->campaigns_detected, s->ncampaigns });
	cell_ratio(&t, (ls_score_ratio){ lv->true_alerts, s->nalerts });
	cell(&t, "campaigns detected: %zu of %zu; true alerts: %" PRIu64 " of %zu",
	     lv->campaigns_detected, s->ncampaigns, lv->true_alerts, s->nalerts);
	ls_buf_append_cstr(out, "\nLevels\n");
	table_print(&t, out);
	const ls_score_det *inc = &lv->incident;
	char b[48];
	if (s->ncampaigns == 0) {
		ls_buf_append_cstr(out, "  incident: no campaign in the answer key\n");
	} else if (!inc->detected) {
		ls_buf_append_cstr(out, "  incident: not detected\n");
	} else {
		ls_buf_append_cstr(out, "  incident: detected");
		if (inc->ttd_defined) {
			ls_score_format_duration(inc->ttd, b, sizeof b);
			ls_buf_printf(out, ", time to detect %s", b);
		}
		if (inc->before_end >= 0)
			ls_buf_printf(out, ", %s the exfiltration ended",
			              inc->before_end ? "before" : "not before");
		ls_buf_append_cstr(out, "\n");
	}
}

static void text_ops(const ls_score *s, ls_buf *out)
{
	const ls_score_ops *op = &s->ops;
	uint64_t ents = op->users + op->hosts;
	static const char *const head[] = { "figure", "value" };
	table t = { 2, head, "lr", NULL, 0, 0 };
	cell(&t, "days");
	cell(&t, "%" PRIu64, op->days);
	cell(&t, "alerts per analyst-day");
	cell(&t, "%.3f", per_day(s->nalerts, op->days));
	cell(&t, "false alerts per analyst-day");
	cell(&t, "%.3f", per_day(s->lv.false_alerts, op->days));
	cell(&t, "entities (DHCP users + hosts)");
	if (op->have_entities)
		cell(&t, "%" PRIu64 " (%" PRIu64 " + %" PRIu64 ")", ents, op->users, op->hosts);
	else
		cell(&t, "-");
	cell(&t, "false alerts per 1,000 entities per day");
	if (op->have_entities && ents)
		cell(&t, "%.3f", per_day(s->lv.false_alerts, op->days) * 1000.0 / (double)ents);
	else
		cell(&t, "-");
	ls_buf_append_cstr(out, "\nOperations\n");
	table_print(&t, out);
}

void ls_score_write_text(const ls_score *s, ls_buf *out)
{
	ls_buf_printf(out, "Dataset: scenario %s", s->scenario ? s->scenario : "-");
	if (s->have_seed)
		ls_buf_printf(out, ", seed %" PRIu64, s->seed);
	ls_buf_printf(out, ", %" PRIu64 " %s", s->ops.days, plural(s->ops.days, "day", "days"));
	if (s->start)
		ls_buf_printf(out, " from %s", s->start);
	ls_buf_printf(out, "; %zu %s\n\n", s->nalerts, plural(s->nalerts, "alert", "alerts"));
	text_rules(s, out);
	text_steps(s, out);
	text_techniques(s, out);
	text_levels(s, out);
	text_ops(s, out);
}
