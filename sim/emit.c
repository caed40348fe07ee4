/*
 * emit.c - batches of records and the identifiers actors stamp on them.
 */
#include "sim/emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"

const char *const sim_source_file[SIM_SRC__COUNT] = {
	[SIM_SRC_DB_AUDIT] = "db_audit.jsonl",
	[SIM_SRC_AUTH] = "auth.log",
	[SIM_SRC_CONN] = "conn.log",
	[SIM_SRC_DNS] = "dns.log",
	[SIM_SRC_SSL] = "ssl.log",
	[SIM_SRC_PROXY] = "proxy.jsonl",
	[SIM_SRC_SYSMON] = "sysmon.jsonl",
	[SIM_SRC_DHCP] = "dhcp.jsonl",
	[SIM_SRC_MESSAGING] = "messaging.jsonl",
};

const char *const sim_source_name[SIM_SRC__COUNT] = {
	[SIM_SRC_DB_AUDIT] = "db_audit", [SIM_SRC_AUTH] = "auth", [SIM_SRC_CONN] = "conn",
	[SIM_SRC_DNS] = "dns",           [SIM_SRC_SSL] = "ssl",   [SIM_SRC_PROXY] = "proxy",
	[SIM_SRC_SYSMON] = "sysmon",     [SIM_SRC_DHCP] = "dhcp", [SIM_SRC_MESSAGING] = "messaging",
};

_Static_assert(SIM_SRC__COUNT == SIM_SOURCES, "SIM_SOURCES must count the sources");

const char *sim_label_name(sim_label l)
{
	static const char *const names[SIM_LABEL__COUNT] = {
		[SIM_LABEL_NONE] = NULL,
		[SIM_DECOY_DBA_BACKUP] = "dba_backup",
		[SIM_DECOY_ANALYST_EXPORT] = "analyst_export",
		[SIM_DECOY_VIDEO_SEND] = "video_send",
		[SIM_DECOY_PASSWORD_ARCHIVE] = "password_archive",
		[SIM_DECOY_CLOUD_SYNC] = "cloud_sync",
		[SIM_DECOY_BIG_DOWNLOAD] = "big_download",
		[SIM_DECOY_ADMIN_SCP] = "admin_scp",
		[SIM_DECOY_BOT_UPLOAD] = "bot_upload",
		[SIM_DIRTY_DROPPED] = "dropped",
		[SIM_DIRTY_DUPLICATED] = "duplicated",
		[SIM_DIRTY_DELAYED] = "delayed",
		[SIM_STEP_ACCESS] = "access",
		[SIM_STEP_COLLECTION] = "collection",
		[SIM_STEP_STAGING] = "staging",
		[SIM_STEP_TRANSFER] = "transfer",
		[SIM_STEP_EXFILTRATION] = "exfiltration",
		[SIM_STEP_PUBLICATION] = "publication",
		[SIM_STEP_ANTI_FORENSICS] = "anti_forensics",
	};
	return (unsigned)l < SIM_LABEL__COUNT ? names[l] : NULL;
}

void sim_batch_init(sim_batch *b)
{
	memset(b, 0, sizeof *b);
}

void sim_batch_fini(sim_batch *b)
{
	for (int i = 0; i < SIM_SRC__COUNT; i++) {
		ls_buf_fini(&b->lane[i].text);
		free(b->lane[i].recs);
	}
	free(b->truth);
	free(b->exports);
	memset(b, 0, sizeof *b);
}

void sim_batch_reset(sim_batch *b)
{
	for (int i = 0; i < SIM_SRC__COUNT; i++) {
		ls_buf_reset(&b->lane[i].text);
		b->lane[i].n = 0;
	}
}

static int cmp_rec(const void *x, const void *y)
{
	const sim_rec *a = x, *b = y;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

/*
 * Sort a lane by (t, key). Records are ranked by their time relative to the
 * earliest record with a least-significant-digit radix sort, which is linear
 * in the number of records; digits above the lane's span are skipped. Runs
 * of equal times (rare: the same microsecond) are then put in key order, so
 * the result is exactly that of a comparison sort on (t, key). A lane
 * spanning more than 2^44 microseconds (203 days) falls back to qsort.
 */
typedef struct rank {
	uint64_t word;
	size_t idx;
} rank;

static void sort_lane(sim_lane *l)
{
	size_t n = l->n;
	if (n < 2)
		return;
	ls_time lo = l->recs[0].t, hi = lo;
	for (size_t i = 1; i < n; i++) {
		if (l->recs[i].t < lo)
			lo = l->recs[i].t;
		if (l->recs[i].t > hi)
			hi = l->recs[i].t;
	}
	if ((uint64_t)(hi - lo) >= (UINT64_C(1) << 44) || n < 64) {
		qsort(l->recs, n, sizeof(sim_rec), cmp_rec);
		return;
	}
	rank *a = ls_xmalloc(n * sizeof *a), *b = ls_xmalloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++) {
		a[i].word = (uint64_t)(l->recs[i].t - lo);
		a[i].idx = i;
	}
	enum { BITS = 11, BUCKETS = 1 << BITS };
	size_t *count = ls_xmalloc(BUCKETS * sizeof *count);
	uint64_t span = (uint64_t)(hi - lo);
	for (unsigned shift = 0; shift < 64 && (span >> shift) != 0; shift += BITS) {
		memset(count, 0, BUCKETS * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(a[i].word >> shift) & (BUCKETS - 1)]++;
		if (count[(a[0].word >> shift) & (BUCKETS - 1)] == n)
			continue; /* every word has the same digit here */
		size_t sum = 0;
		for (size_t d = 0; d < BUCKETS; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i].word >> shift) & (BUCKETS - 1)]++] = a[i];
		rank *t = a;
		a = b;
		b = t;
	}
	sim_rec *sorted = ls_xmalloc(n * sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = l->recs[a[i].idx];
	for (size_t i = 1, start = 0; i <= n; i++) {
		if (i < n && a[i].word == a[start].word)
			continue;
		if (i - start > 1)
			qsort(sorted + start, i - start, sizeof *sorted, cmp_rec);
		start = i;
	}
	free(l->recs);
	l->recs = sorted;
	l->cap = n;
	free(count);
	free(a);
	free(b);
}

void sim_batch_sort(sim_batch *b)
{
	for (int i = 0; i < SIM_SRC__COUNT; i++)
		sort_lane(&b->lane[i]);
}

void sim_actor_init(sim_actor *a, const sim_world *w, sim_batch *batch, uint64_t entity,
                    const unsigned char key[LS_RNG_KEYBYTES], uint32_t day)
{
	ls_rng base;
	ls_rng_init_key(&base, key);
	a->w = w;
	a->batch = batch;
	a->entity = entity;
	a->label = SIM_LABEL_NONE;
	a->group = 0;
	ls_rng_child(&a->rng, &base, day, "behaviour");
	ls_rng_child(&a->ids, &base, day, "ids");
	ls_rng_fini(&base);
}

void sim_actor_init_world(sim_actor *a, const sim_world *w, sim_batch *batch, uint64_t entity,
                          const char *purpose, uint32_t day)
{
	unsigned char key[LS_RNG_KEYBYTES];
	ls_rng kr;
	sim_world_rng(w, &kr, entity, purpose);
	ls_rng_bytes(&kr, key, sizeof key);
	ls_rng_fini(&kr);
	sim_actor_init(a, w, batch, entity, key, day);
	sodium_memzero(key, sizeof key);
}

void sim_actor_fini(sim_actor *a)
{
	ls_rng_fini(&a->rng);
	ls_rng_fini(&a->ids);
}

static const char hexdig[] = "0123456789abcdef";

static void push_truth(sim_batch *b, ls_time t, ls_time logged, sim_label label, uint16_t group,
                       sim_source src, const char *rid)
{
	b->truth = ls_xgrow(b->truth, &b->truth_cap, b->ntruth + 1, sizeof *b->truth);
	sim_truth *tr = &b->truth[b->ntruth++];
	tr->t = t;
	tr->logged = logged;
	tr->label = (uint16_t)label;
	tr->group = group;
	tr->source = (uint8_t)src;
	memcpy(tr->rid, rid, SIM_RID_LEN + 1);
}

ls_time sim_logged_time(const sim_actor *a, sim_source src, ls_time t)
{
	double skew = a->w->sc->clock_skew_s[src];
	return skew == 0.0 ? t : t + (ls_time)(skew * (double)LS_USEC_PER_SEC);
}

/* A uniform number in [0,1) from 21 bits of the (random) record key. */
static double key_unit(uint64_t key, unsigned slice)
{
	return (double)((key >> (21 * slice)) & 0x1fffff) / (double)(1u << 21);
}

ls_buf *sim_rec_begin(sim_actor *a, sim_source src, ls_time *t, char rid[SIM_RID_LEN + 1])
{
	unsigned char raw[SIM_RID_LEN / 2];
	ls_rng_bytes(&a->ids, raw, sizeof raw);
	uint64_t key = 0;
	for (int i = 0; i < 8; i++) {
		key = (key << 8) | raw[i];
	}
	for (size_t i = 0; i < sizeof raw; i++) {
		rid[2 * i] = hexdig[raw[i] >> 4];
		rid[2 * i + 1] = hexdig[raw[i] & 15];
	}
	rid[SIM_RID_LEN] = '\0';
	ls_time logged = sim_logged_time(a, src, *t), sort_at = logged;
	if (a->label != SIM_LABEL_NONE)
		push_truth(a->batch, *t, logged, a->label, a->group, src, rid);

	/* Dirty data: the decisions come from independent bits of the random key,
	 * so they depend on the record alone. */
	const sim_scenario *sc = a->w->sc;
	uint32_t flags = 0;
	if (sc->drop_rate > 0 && key_unit(key, 0) < sc->drop_rate) {
		flags |= SIM_REC_DROP;
		push_truth(a->batch, *t, logged, SIM_DIRTY_DROPPED, 0, src, rid);
	} else if (sc->duplicate_rate > 0 && key_unit(key, 1) < sc->duplicate_rate) {
		flags |= SIM_REC_DUP;
		push_truth(a->batch, *t, logged, SIM_DIRTY_DUPLICATED, 0, src, rid);
	}
	if (!(flags & SIM_REC_DROP) && sc->delay_rate > 0 && key_unit(key, 2) < sc->delay_rate) {
		sort_at += (ls_time)sc->delay_s * LS_USEC_PER_SEC;
		push_truth(a->batch, *t, logged, SIM_DIRTY_DELAYED, 0, src, rid);
	}
	*t = logged;

	sim_lane *l = &a->batch->lane[src];
	l->recs = ls_xgrow(l->recs, &l->cap, l->n + 1, sizeof *l->recs);
	l->recs[l->n] = (sim_rec){ sort_at, key, l->text.len, 0, flags };
	return &l->text;
}

void sim_rec_end(sim_actor *a, sim_source src)
{
	sim_lane *l = &a->batch->lane[src];
	ls_buf_append_char(&l->text, '\n');
	sim_rec *r = &l->recs[l->n++];
	r->len = (uint32_t)(l->text.len - r->off);
}

const char *sim_log_export(sim_actor *a, ls_time t, const char *account, const char *host,
                           uint64_t rows, const char *format)
{
	char session[33];
	unsigned char raw[16];
	ls_rng_bytes(&a->ids, raw, sizeof raw);
	for (size_t i = 0; i < sizeof raw; i++) {
		session[2 * i] = hexdig[raw[i] >> 4];
		session[2 * i + 1] = hexdig[raw[i] & 15];
	}
	session[32] = '\0';
	sim_log_export_id(a, t, session, account, host, rows, format);
	return a->batch->exports[a->batch->nexports - 1].session;
}

void sim_log_export_id(sim_actor *a, ls_time t, const char *session, const char *account,
                       const char *host, uint64_t rows, const char *format)
{
	sim_batch *b = a->batch;
	b->exports = ls_xgrow(b->exports, &b->exports_cap, b->nexports + 1, sizeof *b->exports);
	sim_export_log *e = &b->exports[b->nexports++];
	memset(e, 0, sizeof *e);
	snprintf(e->session, sizeof e->session, "%s", session);
	e->t = t;
	snprintf(e->account, sizeof e->account, "%s", account);
	snprintf(e->host, sizeof e->host, "%s", host);
	e->rows = rows;
	e->format = format;
	e->label = (uint16_t)a->label;
}

void sim_zeek_uid(sim_actor *a, char out[19])
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	/* One random byte per character: the slight bias of `% 62` is harmless
	 * in an identifier and saves eight times the keystream of exact draws. */
	unsigned char raw[17];
	ls_rng_bytes(&a->ids, raw, sizeof raw);
	out[0] = 'C';
	for (int i = 0; i < 17; i++)
		out[i + 1] = b62[raw[i] % 62];
	out[18] = '\0';
}

void sim_process_guid(sim_actor *a, char out[39])
{
	static const char HEX[] = "0123456789ABCDEF";
	unsigned char raw[16];
	ls_rng_bytes(&a->ids, raw, sizeof raw);
	size_t k = 0;
	out[k++] = '{';
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = HEX[raw[i] >> 4];
		out[k++] = HEX[raw[i] & 15];
	}
	out[k++] = '}';
	out[k] = '\0';
}
