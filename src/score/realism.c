/*
 * realism.c - the benign model's summary (see realism.h).
 *
 * One pass over every log: each event is looked up by (source, rid) in the
 * labels read from the answer key; a campaign record is counted as excluded
 * and goes no further, anything else feeds the hour and weekday counts, the
 * size histograms and the mixes, and a decoy record also leaves its time
 * and actor for the episode count that ls_realism_finish makes at the end.
 * Every table here is bounded by distinct values (hosts, queries, images,
 * labelled records), never by the number of events.
 */
#include "score/realism.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/json.h"
#include "io/jdoc.h"
#include "io/logreader.h"
#include "sigma/engine.h"

/* ============================================================== histogram */

/*
 * Log-linear buckets: index v for v < 2^M; above, M-1 bits after the
 * leading one pick one of 2^(M-1) buckets per power of two.
 */
#define HIST_M 11
#define HIST_EXACT (UINT64_C(1) << HIST_M)
#define HIST_HALF (UINT64_C(1) << (HIST_M - 1))
#define HIST_NB ((size_t)(HIST_EXACT + (64 - HIST_M) * HIST_HALF))

static int top_bit(uint64_t v)
{
	int e = 0;
	while (v >>= 1)
		e++;
	return e;
}

static size_t hist_index(uint64_t v)
{
	if (v < HIST_EXACT)
		return (size_t)v;
	int e = top_bit(v);
	uint64_t top = v >> (e - (HIST_M - 1));
	return (size_t)(HIST_EXACT + (uint64_t)(e - HIST_M) * HIST_HALF + (top - HIST_HALF));
}

static uint64_t hist_lower(size_t i)
{
	if (i < HIST_EXACT)
		return i;
	uint64_t j = i - HIST_EXACT;
	int e = HIST_M + (int)(j / HIST_HALF);
	uint64_t top = HIST_HALF + j % HIST_HALF;
	return top << (e - (HIST_M - 1));
}

void ls_sizehist_init(ls_sizehist *h)
{
	memset(h, 0, sizeof *h);
}

void ls_sizehist_fini(ls_sizehist *h)
{
	if (h == NULL)
		return;
	free(h->bucket);
	memset(h, 0, sizeof *h);
}

void ls_sizehist_add(ls_sizehist *h, uint64_t v)
{
	if (h->bucket == NULL)
		h->bucket = ls_xcalloc(HIST_NB, sizeof *h->bucket);
	h->bucket[hist_index(v)]++;
	if (h->n == 0 || v < h->min)
		h->min = v;
	if (h->n == 0 || v > h->max)
		h->max = v;
	h->n++;
}

uint64_t ls_sizehist_percentile(const ls_sizehist *h, unsigned p)
{
	if (h->n == 0 || p == 0)
		return 0;
	if (p >= 100)
		return h->max;
	/* rank = ceil(p * n / 100), computed without overflow for any n. */
	uint64_t rank = h->n / 100 * p + (h->n % 100 * p + 99) / 100;
	if (rank == 0)
		rank = 1;
	if (rank >= h->n)
		return h->max; /* the largest value, known exactly */
	uint64_t seen = 0;
	for (size_t i = hist_index(h->min); i < HIST_NB; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			uint64_t v = hist_lower(i);
			if (v < h->min)
				v = h->min;
			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

/* ================================================================= tally */

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static void tally_init(ls_realism_tally *t)
{
	memset(t, 0, sizeof *t);
	ls_arena_init(&t->text, 0);
}

static void tally_fini(ls_realism_tally *t)
{
	free(t->item);
	free(t->slot);
	ls_arena_fini(&t->text);
	memset(t, 0, sizeof *t);
}

static void tally_rehash(ls_realism_tally *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slot = ls_xcalloc(ns, sizeof *slot);
	for (size_t i = 0; i < t->n; i++) {
		size_t k = (size_t)fnv1a(t->item[i].value, t->item[i].len) & (ns - 1);
		while (slot[k])
			k = (k + 1) & (ns - 1);
		slot[k] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = slot;
	t->nslots = ns;
}

/* The index of value in t, added with count 0 if new. */
static size_t tally_intern(ls_realism_tally *t, ls_sv v)
{
	if ((t->n + 1) * 2 > t->nslots)
		tally_rehash(t);
	size_t k = (size_t)fnv1a(v.ptr, v.len) & (t->nslots - 1);
	while (t->slot[k]) {
		ls_realism_item *it = &t->item[t->slot[k] - 1];
		if (it->len == v.len && memcmp(it->value, v.ptr, v.len) == 0)
			return t->slot[k] - 1;
		k = (k + 1) & (t->nslots - 1);
	}
	t->item = ls_xgrow(t->item, &t->cap, t->n + 1, sizeof *t->item);
	ls_realism_item *it = &t->item[t->n];
	it->value = ls_arena_strndup(&t->text, v.ptr, v.len);
	it->len = v.len;
	it->count = 0;
	t->slot[k] = (uint32_t)(t->n + 1);
	return t->n++;
}

static void mix_count(ls_realism_mix *m, ls_sv v)
{
	size_t i = tally_intern(&m->t, v); /* may move the items */
	m->t.item[i].count++;
	m->total++;
}

static int cmp_item(const void *x, const void *y)
{
	const ls_realism_item *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->value, b->value, n);
	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void mix_finish(ls_realism_mix *m)
{
	m->ntop = 0;
	if (m->t.n == 0)
		return;
	ls_realism_item *all = ls_xmalloc(m->t.n * sizeof *all);
	memcpy(all, m->t.item, m->t.n * sizeof *all);
	qsort(all, m->t.n, sizeof *all, cmp_item);
	m->ntop = m->t.n < LS_REALISM_TOP ? m->t.n : LS_REALISM_TOP;
	memcpy(m->top, all, m->ntop * sizeof *all);
	free(all);
}

/* =============================================================== sources */

/*
 * What each source offers: the field naming the machine that started a
 * record, as an address (resolved through the leases) or as a host name.
 */
typedef struct source_desc {
	const char *name;
	const char *actor_addr;
	const char *actor_host;
} source_desc;

static const source_desc descs[] = {
	{ "db_audit", "remote_host", NULL }, { "auth", NULL, NULL },
	{ "conn", "id.orig_h", NULL },       { "dns", "id.orig_h", NULL },
	{ "ssl", "id.orig_h", NULL },        { "proxy", "c-ip", NULL },
	{ "sysmon", NULL, "Computer" },      { "dhcp", NULL, "host" },
	{ "messaging", NULL, NULL },
};

/* The natural size fields (docs/realism.md says why these). */
static const struct {
	const char *source, *field;
} size_fields[] = {
	{ "conn", "orig_bytes" }, { "conn", "resp_bytes" },     { "proxy", "cs-bytes" },
	{ "proxy", "sc-bytes" },  { "db_audit", "rows" },       { "messaging", "file_size" },
};

static const char *const mix_names[LS_REALISM_NMIX] = {
	[LS_REALISM_MIX_PROXY_HOSTS] = "proxy_hosts",
	[LS_REALISM_MIX_CONN_PORTS] = "conn_resp_ports",
	[LS_REALISM_MIX_CONN_RESPONDERS] = "conn_resp_hosts",
	[LS_REALISM_MIX_DNS_QUERIES] = "dns_queries",
	[LS_REALISM_MIX_PROCESSES] = "processes",
};

size_t ls_realism_source_index(const char *name)
{
	for (size_t i = 0; i < ls_dataset_nfiles; i++)
		if (strcmp(ls_dataset_files[i].source, name) == 0)
			return i;
	return SIZE_MAX;
}

static size_t source_index_sv(ls_sv name)
{
	for (size_t i = 0; i < ls_dataset_nfiles; i++)
		if (ls_sv_eq_cstr(name, ls_dataset_files[i].source))
			return i;
	return SIZE_MAX;
}

static const source_desc *desc_of(const char *name)
{
	for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++)
		if (strcmp(descs[i].name, name) == 0)
			return &descs[i];
	return NULL;
}

/* ================================================================ labels */

#define RID_HEX 20
#define RID_BYTES (RID_HEX / 2)
#define LABEL_CAMPAIGN (-1)

struct ls_realism_label {
	unsigned char rid[RID_BYTES];
	uint8_t source;
	uint8_t used;
	int32_t kind; /* index into R->kind, or LABEL_CAMPAIGN */
	uint32_t seen;
};

struct ls_realism_hit {
	ls_time t;
	uint32_t actor; /* 0: none; else actors' index + 1 */
};

/* 20 hex digits (either case) into 10 bytes; false for anything else. */
static bool rid_pack(ls_sv s, unsigned char out[RID_BYTES])
{
	if (s.len != RID_HEX)
		return false;
	for (size_t i = 0; i < RID_BYTES; i++) {
		int hi = ls_hex_value((unsigned char)s.ptr[2 * i]);
		int lo = ls_hex_value((unsigned char)s.ptr[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static size_t label_hash(const unsigned char rid[RID_BYTES], uint8_t source)
{
	uint64_t h;
	memcpy(&h, rid, sizeof h);
	h ^= (uint64_t)source * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 29;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return (size_t)h;
}

static ls_realism_label *label_find(const ls_realism *R, const unsigned char rid[RID_BYTES],
                                    uint8_t source)
{
	if (R->labelcap == 0)
		return NULL;
	size_t k = label_hash(rid, source) & (R->labelcap - 1);
	while (R->label[k].used) {
		ls_realism_label *l = &R->label[k];
		if (l->source == source && memcmp(l->rid, rid, RID_BYTES) == 0)
			return l;
		k = (k + 1) & (R->labelcap - 1);
	}
	return NULL;
}

static void label_grow(ls_realism *R)
{
	size_t nc = R->labelcap ? R->labelcap * 2 : 1024;
	ls_realism_label *nl = ls_xcalloc(nc, sizeof *nl);
	for (size_t i = 0; i < R->labelcap; i++) {
		if (!R->label[i].used)
			continue;
		size_t k = label_hash(R->label[i].rid, R->label[i].source) & (nc - 1);
		while (nl[k].used)
			k = (k + 1) & (nc - 1);
		nl[k] = R->label[i];
	}
	free(R->label);
	R->label = nl;
	R->labelcap = nc;
}

/* Add a label; false if (source, rid) was labelled already (the first stays). */
static bool label_add(ls_realism *R, const unsigned char rid[RID_BYTES], uint8_t source,
                      int32_t kind)
{
	if (label_find(R, rid, source))
		return false;
	if ((R->nlabel + 1) * 2 > R->labelcap)
		label_grow(R);
	size_t k = label_hash(rid, source) & (R->labelcap - 1);
	while (R->label[k].used)
		k = (k + 1) & (R->labelcap - 1);
	ls_realism_label *l = &R->label[k];
	memcpy(l->rid, rid, RID_BYTES);
	l->source = source;
	l->used = 1;
	l->kind = kind;
	l->seen = 0;
	R->nlabel++;
	return true;
}

/* ============================================================ life cycle */

void ls_realism_init(ls_realism *R)
{
	memset(R, 0, sizeof *R);
	R->nsrc = ls_dataset_nfiles;
	R->src = ls_xcalloc(R->nsrc, sizeof *R->src);
	for (size_t i = 0; i < R->nsrc; i++)
		R->src[i].name = ls_dataset_files[i].source;
	R->nsize = sizeof size_fields / sizeof size_fields[0];
	R->size = ls_xcalloc(R->nsize, sizeof *R->size);
	for (size_t i = 0; i < R->nsize; i++) {
		R->size[i].source = size_fields[i].source;
		R->size[i].field = size_fields[i].field;
		ls_sizehist_init(&R->size[i].h);
	}
	for (size_t i = 0; i < LS_REALISM_NMIX; i++) {
		R->mix[i].name = mix_names[i];
		tally_init(&R->mix[i].t);
	}
	tally_init(&R->actors);
	R->day_lo = INT64_MAX;
	R->day_hi = INT64_MIN;
}

void ls_realism_fini(ls_realism *R)
{
	if (R == NULL)
		return;
	free(R->scenario);
	free(R->src);
	for (size_t i = 0; i < R->nsize; i++)
		ls_sizehist_fini(&R->size[i].h);
	free(R->size);
	for (size_t i = 0; i < LS_REALISM_NMIX; i++)
		tally_fini(&R->mix[i].t);
	for (size_t i = 0; i < R->nkind; i++) {
		free(R->kind[i].name);
		free(R->kind[i].hit);
	}
	free(R->kind);
	ls_leases_fini(&R->leases);
	free(R->label);
	tally_fini(&R->actors);
	free(R->errfile);
	memset(R, 0, sizeof *R);
}

/* ============================================================== manifest */

ls_err ls_realism_utc_offset(ls_sv s, int *minutes)
{
	ls_time t;
	if (ls_time_parse_rfc3339(s, &t, NULL) != LS_OK)
		return LS_ERR_PARSE;
	char last = s.ptr[s.len - 1];
	if (last == 'Z' || last == 'z') {
		*minutes = 0;
		return LS_OK;
	}
	/* The parser accepted it, so it ends in (+|-)hh:mm. */
	const char *o = s.ptr + s.len - 6;
	int m = ((o[1] - '0') * 10 + (o[2] - '0')) * 60 + (o[4] - '0') * 10 + (o[5] - '0');
	*minutes = o[0] == '-' ? -m : m;
	return LS_OK;
}

/* An optional unsigned member: absent or null leaves *out alone. */
static ls_err opt_u64(const ls_jnode *obj, const char *key, uint64_t *out, bool *have,
                      const char *file, ls_diag *d)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	if (n == NULL || n->kind == LS_JNULL)
		return LS_OK;
	if (n->kind != LS_JNUMBER || ls_jnode_u64(n, out) != LS_OK)
		return ls_jnode_fail(d, LS_ERR_PARSE, file, n,
		                     "%s must be an unsigned integer, not %s", key,
		                     n->kind == LS_JNUMBER ? "this number" : ls_jnode_kind_name(n));
	if (have)
		*have = true;
	return LS_OK;
}

static ls_err manifest_doc(ls_realism *R, const ls_jnode *root, const char *file, ls_diag *d)
{
	if (root->kind != LS_JOBJECT)
		return ls_jnode_fail(d, LS_ERR_PARSE, file, root, "a manifest is an object, not %s",
		                     ls_jnode_kind_name(root));
	const ls_jnode *n = ls_jnode_get(root, "scenario");
	if (n && n->kind != LS_JNULL) {
		if (n->kind != LS_JSTRING)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, n,
			                     "scenario must be a string, not %s",
			                     ls_jnode_kind_name(n));
		free(R->scenario);
		R->scenario = ls_xstrndup(n->text, n->len);
	}
	ls_err e;
	if ((e = opt_u64(root, "seed", &R->seed, &R->have_seed, file, d)) != LS_OK ||
	    (e = opt_u64(root, "people", &R->people, NULL, file, d)) != LS_OK)
		return e;
	uint64_t days = 0;
	bool have_days = false;
	if ((e = opt_u64(root, "days", &days, &have_days, file, d)) != LS_OK)
		return e;
	if (have_days) {
		R->days = days;
		R->days_from_events = false;
	}
	n = ls_jnode_get(root, "start");
	if (n && n->kind != LS_JNULL) {
		if (n->kind != LS_JSTRING ||
		    ls_realism_utc_offset(ls_jnode_sv(n), &R->offset_minutes) != LS_OK)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, n,
			                     "start must be an RFC 3339 time with its offset");
		R->offset_known = true;
	}
	R->have_manifest = true;
	return LS_OK;
}

ls_err ls_realism_manifest(ls_realism *R, const char *text, size_t len, const char *file,
                           ls_diag *d)
{
	ls_jdoc doc;
	ls_err e = ls_jdoc_parse(&doc, text, len, NULL, file, d);
	if (e == LS_OK)
		e = manifest_doc(R, doc.root, file, d);
	ls_jdoc_fini(&doc);
	return e;
}

/* ============================================================ answer key */

/* Where a decoy's kind is, by name; added (with no counts) if new. */
static size_t kind_intern(ls_realism *R, ls_sv name)
{
	for (size_t i = 0; i < R->nkind; i++)
		if (ls_sv_eq_cstr(name, R->kind[i].name))
			return i;
	R->kind = ls_xgrow(R->kind, &R->kindcap, R->nkind + 1, sizeof *R->kind);
	ls_realism_kind *k = &R->kind[R->nkind];
	memset(k, 0, sizeof *k);
	k->name = ls_xstrndup(name.ptr, name.len);
	return R->nkind++;
}

/* A member that must be an array when present; NULL when absent or null. */
static ls_err opt_array(const ls_jnode *obj, const char *key, const ls_jnode **out,
                        const char *file, ls_diag *d)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	*out = NULL;
	if (n == NULL || n->kind == LS_JNULL)
		return LS_OK;
	if (n->kind != LS_JARRAY)
		return ls_jnode_fail(d, LS_ERR_PARSE, file, n, "%s must be an array, not %s", key,
		                     ls_jnode_kind_name(n));
	*out = n;
	return LS_OK;
}

/*
 * Label every {"source","rid"} of a records array with kind (a decoy kind's
 * index, or LABEL_CAMPAIGN); *added counts the records not labelled before.
 */
static ls_err label_records(ls_realism *R, const ls_jnode *owner, int32_t kind,
                            uint64_t *added, const char *file, ls_diag *d)
{
	const ls_jnode *recs;
	ls_err e = opt_array(owner, "records", &recs, file, d);
	if (e != LS_OK || recs == NULL)
		return e;
	for (size_t i = 0; i < recs->len; i++) {
		const ls_jnode *r = &recs->items[i];
		if (r->kind != LS_JOBJECT)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, r,
			                     "a record is an object with source and rid, not %s",
			                     ls_jnode_kind_name(r));
		const ls_jnode *src = ls_jnode_get(r, "source"), *rid = ls_jnode_get(r, "rid");
		if (src == NULL || src->kind != LS_JSTRING)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, src ? src : r,
			                     "a record's source must be a string, not %s",
			                     ls_jnode_kind_name(src));
		if (rid == NULL || rid->kind != LS_JSTRING)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, rid ? rid : r,
			                     "a record's rid must be a string, not %s",
			                     ls_jnode_kind_name(rid));
		size_t si = source_index_sv(ls_jnode_sv(src));
		if (si == SIZE_MAX)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, src, "unknown source '%s'",
			                     src->text);
		unsigned char packed[RID_BYTES];
		if (!rid_pack(ls_jnode_sv(rid), packed))
			return ls_jnode_fail(d, LS_ERR_PARSE, file, rid,
			                     "a rid must be %d hex digits", RID_HEX);
		if (label_add(R, packed, (uint8_t)si, kind))
			(*added)++;
	}
	return LS_OK;
}

static ls_err key_doc(ls_realism *R, const ls_jnode *root, const char *file, ls_diag *d)
{
	if (root->kind != LS_JOBJECT)
		return ls_jnode_fail(d, LS_ERR_PARSE, file, root,
		                     "an answer key is an object, not %s", ls_jnode_kind_name(root));
	const ls_jnode *camps, *decoys;
	ls_err e = opt_array(root, "campaigns", &camps, file, d);
	for (size_t c = 0; e == LS_OK && camps && c < camps->len; c++) {
		const ls_jnode *camp = &camps->items[c];
		const ls_jnode *steps;
		if (camp->kind != LS_JOBJECT)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, camp,
			                     "a campaign is an object, not %s",
			                     ls_jnode_kind_name(camp));
		e = opt_array(camp, "steps", &steps, file, d);
		for (size_t s = 0; e == LS_OK && steps && s < steps->len; s++) {
			if (steps->items[s].kind != LS_JOBJECT)
				return ls_jnode_fail(d, LS_ERR_PARSE, file, &steps->items[s],
				                     "a step is an object, not %s",
				                     ls_jnode_kind_name(&steps->items[s]));
			e = label_records(R, &steps->items[s], LABEL_CAMPAIGN, &R->campaign_records,
			                  file, d);
		}
	}
	if (e == LS_OK)
		e = opt_array(root, "decoys", &decoys, file, d);
	for (size_t i = 0; e == LS_OK && decoys && i < decoys->len; i++) {
		const ls_jnode *dec = &decoys->items[i];
		if (dec->kind != LS_JOBJECT)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, dec,
			                     "a decoy entry is an object, not %s",
			                     ls_jnode_kind_name(dec));
		const ls_jnode *kind = ls_jnode_get(dec, "kind");
		if (kind == NULL || kind->kind != LS_JSTRING || kind->len == 0)
			return ls_jnode_fail(d, LS_ERR_PARSE, file, kind ? kind : dec,
			                     "a decoy's kind must be a non-empty string, not %s",
			                     kind && kind->kind == LS_JSTRING
			                             ? "an empty one"
			                             : ls_jnode_kind_name(kind));
		size_t ki = kind_intern(R, ls_jnode_sv(kind));
		R->kind[ki].entries++;
		e = label_records(R, dec, (int32_t)ki, &R->kind[ki].records, file, d);
	}
	if (e == LS_OK)
		R->have_key = true;
	return e;
}

ls_err ls_realism_key_parse(ls_realism *R, const char *text, size_t len, const char *file,
                            ls_diag *d)
{
	ls_jdoc doc;
	ls_err e = ls_jdoc_parse(&doc, text, len, NULL, file, d);
	if (e == LS_OK)
		e = key_doc(R, doc.root, file, d);
	ls_jdoc_fini(&doc);
	return e;
}

/* ================================================================ events */

static const ls_field *get(const ls_event *ev, const char *name)
{
	return ls_event_get(ev, ls_sv_from_cstr(name));
}

/* The part of a host name before its first dot. */
static ls_sv short_host(ls_sv h)
{
	size_t dot = ls_sv_find_char(h, '.');
	return dot == SIZE_MAX ? h : ls_sv_make(h.ptr, dot);
}

/* The actor of a record (realism.h): 0 for none, else actors' index + 1. */
static uint32_t actor_of(ls_realism *R, size_t source, const ls_event *ev, ls_time t)
{
	const source_desc *sd = desc_of(R->src[source].name);
	if (sd == NULL)
		return 0;
	ls_sv host = LS_SV_NULL;
	if (sd->actor_host) {
		const ls_field *f = get(ev, sd->actor_host);
		if (f && f->type == LS_VALUE_STRING && f->value.len)
			host = short_host(f->value);
	} else if (sd->actor_addr && t != LS_TIME_NONE) {
		const ls_field *f = get(ev, sd->actor_addr);
		const ls_lease *l = f ? ls_leases_find(&R->leases, f->value, t) : NULL;
		if (l && l->host && l->host[0])
			host = short_host(ls_sv_from_cstr(l->host));
	}
	if (host.len == 0)
		return 0;
	return (uint32_t)tally_intern(&R->actors, host) + 1;
}

static ls_sv basename_of(ls_sv path)
{
	size_t i = path.len;
	while (i > 0 && path.ptr[i - 1] != '\\' && path.ptr[i - 1] != '/')
		i--;
	return ls_sv_make(path.ptr + i, path.len - i);
}

static void count_mixes(ls_realism *R, const char *source, const ls_event *ev)
{
	const ls_field *f;
	if (strcmp(source, "proxy") == 0) {
		if ((f = get(ev, "cs-host")) && f->value.len)
			mix_count(&R->mix[LS_REALISM_MIX_PROXY_HOSTS], f->value);
	} else if (strcmp(source, "conn") == 0) {
		const ls_field *p = get(ev, "id.resp_p"), *pr = get(ev, "proto");
		if (p) {
			char port[96];
			int n = snprintf(port, sizeof port, "%.*s/%.*s", (int)p->value.len,
			                 p->value.ptr, pr ? (int)pr->value.len : 1,
			                 pr ? pr->value.ptr : "-");
			if (n > 0)
				mix_count(&R->mix[LS_REALISM_MIX_CONN_PORTS],
				          ls_sv_make(port, (size_t)n < sizeof port ? (size_t)n
				                                                   : sizeof port - 1));
		}
		if ((f = get(ev, "id.resp_h")) && f->value.len)
			mix_count(&R->mix[LS_REALISM_MIX_CONN_RESPONDERS], f->value);
	} else if (strcmp(source, "dns") == 0) {
		if ((f = get(ev, "query")) && f->value.len)
			mix_count(&R->mix[LS_REALISM_MIX_DNS_QUERIES], f->value);
	} else if (strcmp(source, "sysmon") == 0) {
		const ls_field *id = get(ev, "EventID");
		if (id && ls_sv_eq_cstr(id->value, "1") && (f = get(ev, "Image")) && f->value.len)
			mix_count(&R->mix[LS_REALISM_MIX_PROCESSES], basename_of(f->value));
	}
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void ls_realism_add(ls_realism *R, size_t source, const ls_event *ev, ls_time t)
{
	ls_realism_source *s = &R->src[source];
	R->finished = false;
	ls_realism_label *lab = NULL;
	const ls_field *rid = get(ev, "rid");
	unsigned char packed[RID_BYTES];
	if (R->nlabel && rid && rid_pack(rid->value, packed))
		lab = label_find(R, packed, (uint8_t)source);
	if (lab && lab->kind == LABEL_CAMPAIGN) {
		if (lab->seen++ == 0)
			R->campaign_found++;
		s->excluded++;
		R->excluded++;
		return;
	}
	s->events++;
	R->events++;
	if (t == LS_TIME_NONE) {
		s->untimed++;
	} else {
		ls_time local = t + (ls_time)R->offset_minutes * LS_USEC_PER_MIN;
		int64_t day = floor_div(local, LS_USEC_PER_DAY);
		int64_t in_day = local - day * LS_USEC_PER_DAY;
		s->hours[in_day / LS_USEC_PER_HOUR]++;
		s->weekdays[ls_time_weekday(local)]++;
		if (day < R->day_lo)
			R->day_lo = day;
		if (day > R->day_hi)
			R->day_hi = day;
	}
	for (size_t i = 0; i < R->nsize; i++) {
		if (strcmp(R->size[i].source, s->name) != 0)
			continue;
		const ls_field *f = get(ev, R->size[i].field);
		if (f == NULL || f->type == LS_VALUE_NULL)
			continue;
		uint64_t v;
		if (ls_sv_to_u64(f->value, &v) == LS_OK)
			ls_sizehist_add(&R->size[i].h, v);
		else
			R->size[i].invalid++;
	}
	count_mixes(R, s->name, ev);
	if (lab) {
		ls_realism_kind *k = &R->kind[lab->kind];
		if (lab->seen++ == 0) {
			k->found++;
			if (t != LS_TIME_NONE) {
				k->hit = ls_xgrow(k->hit, &k->hitcap, k->nhit + 1, sizeof *k->hit);
				k->hit[k->nhit].t = t;
				k->hit[k->nhit].actor = actor_of(R, source, ev, t);
				k->nhit++;
			}
		}
	}
}

/* ================================================================ finish */

static int cmp_hit(const void *x, const void *y)
{
	const ls_realism_hit *a = x, *b = y;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->actor < b->actor ? -1 : a->actor > b->actor;
}

/* Episodes of one kind (realism.h): by actor and gap, then the loose records. */
static uint64_t episodes(ls_realism_kind *k, size_t nactors)
{
	if (k->nhit == 0)
		return 0;
	qsort(k->hit, k->nhit, sizeof *k->hit, cmp_hit);
	ls_time *last = ls_xmalloc((nactors + 1) * sizeof *last);
	for (size_t i = 0; i <= nactors; i++)
		last[i] = LS_TIME_NONE;
	ls_time *keyed = ls_xmalloc(k->nhit * sizeof *keyed);
	size_t nkeyed = 0;
	uint64_t n = 0;
	for (size_t i = 0; i < k->nhit; i++) {
		const ls_realism_hit *h = &k->hit[i];
		if (h->actor == 0)
			continue;
		if (last[h->actor] == LS_TIME_NONE || h->t - last[h->actor] > LS_REALISM_EPISODE_GAP)
			n++;
		last[h->actor] = h->t;
		keyed[nkeyed++] = h->t;
	}
	/* Records without an actor: join a keyed record within the gap, else chain by gap. */
	size_t j = 0;
	ls_time loose = LS_TIME_NONE;
	for (size_t i = 0; i < k->nhit; i++) {
		const ls_realism_hit *h = &k->hit[i];
		if (h->actor != 0)
			continue;
		while (j < nkeyed && keyed[j] < h->t)
			j++;
		bool near = (j < nkeyed && keyed[j] - h->t <= LS_REALISM_EPISODE_GAP) ||
		            (j > 0 && h->t - keyed[j - 1] <= LS_REALISM_EPISODE_GAP);
		if (near)
			continue;
		if (loose == LS_TIME_NONE || h->t - loose > LS_REALISM_EPISODE_GAP)
			n++;
		loose = h->t;
	}
	free(keyed);
	free(last);
	return n;
}

void ls_realism_finish(ls_realism *R)
{
	if (R->finished)
		return;
	for (size_t i = 0; i < LS_REALISM_NMIX; i++)
		mix_finish(&R->mix[i]);
	for (size_t i = 0; i < R->nkind; i++)
		R->kind[i].occurrences = episodes(&R->kind[i], R->actors.n);
	if ((R->days == 0 || R->days_from_events) && R->day_lo <= R->day_hi) {
		R->days = (uint64_t)(R->day_hi - R->day_lo + 1);
		R->days_from_events = true;
	}
	R->finished = true;
}

/* ============================================================== dataset */

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/*
 * Diagnostics borrow their file name, and the caller reads them after the
 * paths built here are gone, so an error keeps its file name in R.
 */
static void keep_file(ls_realism *R, ls_diag *d, const char *path)
{
	if (d == NULL)
		return;
	free(R->errfile);
	R->errfile = ls_xstrdup(path);
	d->file = R->errfile;
}

static ls_err read_log(ls_realism *R, size_t si, const char *path, ls_realism_bad_fn bad,
                       void *ctx, ls_diag *d)
{
	ls_logreader r;
	ls_err e = ls_logreader_open(&r, path, NULL, d);
	if (e != LS_OK) {
		keep_file(R, d, path);
		return e;
	}
	R->src[si].present = true;
	for (;;) {
		ls_diag ld;
		ls_diag_clear(&ld);
		e = ls_logreader_next(&r, &ld);
		if (e == LS_OK) {
			ls_realism_add(R, si, &r.ev, r.time);
			continue;
		}
		if (e == LS_ERR_NOTFOUND) {
			e = LS_OK;
			break;
		}
		if (e == LS_ERR_IO) {
			if (d)
				*d = ld;
			keep_file(R, d, path);
			break;
		}
		R->src[si].unreadable++;
		R->unreadable++;
		if (bad)
			bad(ctx, &ld);
	}
	ls_logreader_close(&r);
	return e;
}

ls_err ls_realism_read(ls_realism *R, const char *dir, ls_realism_bad_fn bad, void *ctx,
                       ls_diag *d)
{
	ls_buf p = LS_BUF_INIT;
	ls_err e = LS_OK;
	size_t found = 0;
	for (size_t i = 0; i < ls_dataset_nfiles; i++) {
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/logs/%s", dir, ls_dataset_files[i].file);
		found += exists(p.data);
	}
	if (found == 0) {
		keep_file(R, d, dir);
		e = ls_diag_set(d, LS_ERR_NOTFOUND, d ? d->file : NULL, 0, 0,
		                "not a dataset: no log files under logs/");
		goto out;
	}

	/* manifest.json and the answer key; either may be absent. */
	static const char *const truth[2] = { "manifest.json", "truth/answer-key.json" };
	for (size_t i = 0; i < 2 && e == LS_OK; i++) {
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/%s", dir, truth[i]);
		keep_file(R, d, p.data);
		ls_jdoc doc;
		e = ls_jdoc_load(&doc, p.data, NULL, d);
		if (d)
			d->file = R->errfile;
		if (e == LS_OK)
			e = i == 0 ? manifest_doc(R, doc.root, R->errfile, d)
			           : key_doc(R, doc.root, R->errfile, d);
		else if (e == LS_ERR_NOTFOUND)
			e = LS_OK;
		ls_jdoc_fini(&doc);
	}
	if (e != LS_OK)
		goto out;

	ls_buf_reset(&p);
	ls_buf_printf(&p, "%s/logs/dhcp.jsonl", dir);
	if (exists(p.data)) {
		size_t nbad = 0;
		ls_leases_fini(&R->leases);
		e = ls_leases_load(&R->leases, p.data, &nbad, d);
		if (e != LS_OK) {
			keep_file(R, d, p.data);
			goto out;
		}
	}

	for (size_t i = 0; i < ls_dataset_nfiles && e == LS_OK; i++) {
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/logs/%s", dir, ls_dataset_files[i].file);
		if (exists(p.data))
			e = read_log(R, ls_realism_source_index(ls_dataset_files[i].source), p.data,
			             bad, ctx, d);
	}
	if (e == LS_OK)
		ls_realism_finish(R);
out:
	ls_buf_fini(&p);
	return e;
}

/* ================================================================== JSON */

static void json_items(ls_jw *w, const ls_realism_mix *m)
{
	ls_jw_array_begin(w);
	for (size_t i = 0; i < m->ntop; i++) {
		ls_jw_object_begin(w);
		LS_JW_KEY(w, "value");
		ls_jw_str(w, ls_sv_make(m->top[i].value, m->top[i].len));
		LS_JW_KEY(w, "count");
		ls_jw_u64(w, m->top[i].count);
		LS_JW_KEY(w, "share");
		ls_jw_f64(w, m->total ? (double)m->top[i].count / (double)m->total : 0.0, 4);
		ls_jw_object_end(w);
	}
	ls_jw_array_end(w);
}

static void json_u64_array(ls_jw *w, const uint64_t *v, size_t n)
{
	ls_jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		ls_jw_u64(w, v[i]);
	ls_jw_array_end(w);
}

static void json_rate(ls_jw *w, uint64_t count, uint64_t per)
{
	if (per == 0)
		ls_jw_null(w);
	else
		ls_jw_f64(w, (double)count / (double)per, 3);
}

void ls_realism_json(ls_realism *R, const char *dataset, ls_buf *out)
{
	ls_realism_finish(R);
	ls_jw w;
	ls_jw_init(&w, out);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "dataset");
	ls_jw_str_cstr(&w, dataset);
	LS_JW_KEY(&w, "scenario");
	if (R->scenario)
		ls_jw_str_cstr(&w, R->scenario);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "seed");
	if (R->have_seed)
		ls_jw_u64(&w, R->seed);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "people");
	if (R->people)
		ls_jw_u64(&w, R->people);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "days");
	if (R->days)
		ls_jw_u64(&w, R->days);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "days_from");
	ls_jw_str_cstr(&w, R->days == 0 ? "none" : R->days_from_events ? "events" : "manifest");
	LS_JW_KEY(&w, "utc_offset_minutes");
	ls_jw_i64(&w, R->offset_minutes);
	LS_JW_KEY(&w, "utc_offset_from");
	ls_jw_str_cstr(&w, R->offset_known ? "manifest" : "none");
	LS_JW_KEY(&w, "events");
	ls_jw_u64(&w, R->events);
	LS_JW_KEY(&w, "excluded_malicious");
	ls_jw_u64(&w, R->excluded);
	LS_JW_KEY(&w, "unreadable");
	ls_jw_u64(&w, R->unreadable);
	LS_JW_KEY(&w, "answer_key");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "present");
	ls_jw_bool(&w, R->have_key);
	LS_JW_KEY(&w, "campaign_records");
	ls_jw_u64(&w, R->campaign_records);
	LS_JW_KEY(&w, "campaign_found");
	ls_jw_u64(&w, R->campaign_found);
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "sources");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < R->nsrc; i++) {
		const ls_realism_source *s = &R->src[i];
		if (!s->present)
			continue;
		ls_jw_key_cstr(&w, s->name);
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "events");
		ls_jw_u64(&w, s->events);
		LS_JW_KEY(&w, "untimed");
		ls_jw_u64(&w, s->untimed);
		LS_JW_KEY(&w, "excluded");
		ls_jw_u64(&w, s->excluded);
		LS_JW_KEY(&w, "unreadable");
		ls_jw_u64(&w, s->unreadable);
		ls_jw_object_end(&w);
	}
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "hours");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < R->nsrc; i++)
		if (R->src[i].present) {
			ls_jw_key_cstr(&w, R->src[i].name);
			json_u64_array(&w, R->src[i].hours, 24);
		}
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "weekdays");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < R->nsrc; i++)
		if (R->src[i].present) {
			ls_jw_key_cstr(&w, R->src[i].name);
			json_u64_array(&w, R->src[i].weekdays, 7);
		}
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "sizes");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < R->nsize;) {
		size_t si = ls_realism_source_index(R->size[i].source);
		size_t j = i;
		bool present = si != SIZE_MAX && R->src[si].present;
		if (present) {
			ls_jw_key_cstr(&w, R->size[i].source);
			ls_jw_object_begin(&w);
		}
		for (; j < R->nsize && strcmp(R->size[j].source, R->size[i].source) == 0; j++) {
			if (!present)
				continue;
			const ls_realism_size *z = &R->size[j];
			ls_jw_key_cstr(&w, z->field);
			ls_jw_object_begin(&w);
			static const unsigned pct[] = { 50, 90, 99 };
			static const char *const pname[] = { "p50", "p90", "p99" };
			for (size_t k = 0; k < 3; k++) {
				ls_jw_key_cstr(&w, pname[k]);
				if (z->h.n)
					ls_jw_u64(&w, ls_sizehist_percentile(&z->h, pct[k]));
				else
					ls_jw_null(&w);
			}
			LS_JW_KEY(&w, "max");
			if (z->h.n)
				ls_jw_u64(&w, z->h.max);
			else
				ls_jw_null(&w);
			LS_JW_KEY(&w, "n");
			ls_jw_u64(&w, z->h.n);
			LS_JW_KEY(&w, "invalid");
			ls_jw_u64(&w, z->invalid);
			ls_jw_object_end(&w);
		}
		if (present)
			ls_jw_object_end(&w);
		i = j;
	}
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "destinations");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < LS_REALISM_NMIX; i++) {
		if (i == LS_REALISM_MIX_PROCESSES)
			continue;
		ls_jw_key_cstr(&w, R->mix[i].name);
		json_items(&w, &R->mix[i]);
	}
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "processes");
	json_items(&w, &R->mix[LS_REALISM_MIX_PROCESSES]);
	LS_JW_KEY(&w, "mix_totals");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < LS_REALISM_NMIX; i++) {
		ls_jw_key_cstr(&w, R->mix[i].name);
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "total");
		ls_jw_u64(&w, R->mix[i].total);
		LS_JW_KEY(&w, "distinct");
		ls_jw_u64(&w, R->mix[i].t.n);
		ls_jw_object_end(&w);
	}
	ls_jw_object_end(&w);

	LS_JW_KEY(&w, "hard_negatives");
	ls_jw_array_begin(&w);
	uint64_t people_days = R->people * R->days;
	for (size_t i = 0; i < R->nkind; i++) {
		const ls_realism_kind *k = &R->kind[i];
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "kind");
		ls_jw_str_cstr(&w, k->name);
		LS_JW_KEY(&w, "entries");
		ls_jw_u64(&w, k->entries);
		LS_JW_KEY(&w, "occurrences");
		ls_jw_u64(&w, k->occurrences);
		LS_JW_KEY(&w, "records");
		ls_jw_u64(&w, k->records);
		LS_JW_KEY(&w, "found");
		ls_jw_u64(&w, k->found);
		LS_JW_KEY(&w, "per_day");
		json_rate(&w, k->occurrences, R->days);
		LS_JW_KEY(&w, "per_1000_people_days");
		if (people_days == 0)
			ls_jw_null(&w);
		else
			ls_jw_f64(&w, (double)k->occurrences * 1000.0 / (double)people_days, 3);
		LS_JW_KEY(&w, "records_per_day");
		json_rate(&w, k->records, R->days);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(out, '\n');
}
