/*
 * gen.c - walking the days, sorting each day's records, writing the files.
 */
#include "sim/gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/atomic.h"
#include "core/json.h"
#include "core/mem.h"
#include "sim/benign.h"
#include "sim/campaign.h"
#include "sim/register.h"
#include "sim/sensors.h"

#define OUT_CHUNK (1u << 20)

typedef struct out_file {
	bool off; /* the scenario's missing sensor: nothing is written */
	FILE *fp;
	char *path;
	char *rel; /* "logs/NAME" */
	ls_buf pending; /* bytes not yet handed to stdio */
	ls_filesum sum;
	uint64_t records;
	sim_gen_write_fn on_write;
	void *write_ctx;
} out_file;

static bool is_zeek(int src)
{
	return src == SIM_SRC_CONN || src == SIM_SRC_DNS || src == SIM_SRC_SSL;
}

static ls_err flush_out(out_file *o, ls_diag *d)
{
	if (o->pending.len == 0)
		return LS_OK;
	ls_filesum_update(&o->sum, o->pending.data, o->pending.len);
	if (o->on_write)
		o->on_write(o->write_ctx, o->rel, o->pending.data, o->pending.len);
	if (fwrite(o->pending.data, 1, o->pending.len, o->fp) != o->pending.len)
		return ls_diag_set(d, LS_ERR_IO, o->path, 0, 0, "write failed: %s",
		                   strerror(errno));
	ls_buf_reset(&o->pending);
	return LS_OK;
}

static ls_err put(out_file *o, const char *p, size_t n, ls_diag *d)
{
	if (o->off)
		return LS_OK;
	ls_buf_append(&o->pending, p, n);
	return o->pending.len >= OUT_CHUNK ? flush_out(o, d) : LS_OK;
}

/* Append one record (its line is `line`) to a lane. */
static void lane_push(sim_lane *to, const sim_rec *rec, const char *line)
{
	to->recs = ls_xgrow(to->recs, &to->cap, to->n + 1, sizeof *to->recs);
	sim_rec r = *rec;
	r.off = to->text.len;
	ls_buf_append(&to->text, line, r.len);
	to->recs[to->n++] = r;
}

/* Move the records of lane `from` at index >= k into lane `to`. */
static void carry(sim_lane *from, size_t k, sim_lane *to)
{
	for (size_t i = k; i < from->n; i++)
		lane_push(to, &from->recs[i], from->text.data + from->recs[i].off);
}

/* ------------------------------------------------------------ spilling */

/*
 * When a day's batch outgrows the memory budget, it is sorted and written to
 * one run file per source (records as time, key, length, bytes), and the
 * batch starts empty. At the end of the day the runs and what is left in
 * memory are merged by (time, key), exactly as if the whole day had been
 * sorted at once.
 */
typedef struct run_hdr {
	int64_t t;
	uint64_t key;
	uint32_t len;
	uint32_t flags;
} run_hdr;

typedef struct spill {
	FILE *run[SIM_SRC__COUNT][SIM_GEN_MAX_RUNS];
	size_t nruns;
} spill;

static size_t batch_bytes(const sim_batch *b)
{
	size_t n = 0;
	for (int s = 0; s < SIM_SRC__COUNT; s++)
		n += b->lane[s].text.len + b->lane[s].n * sizeof(sim_rec);
	return n;
}

static ls_err spill_batch(sim_batch *b, spill *sp, ls_diag *d)
{
	if (sp->nruns == SIM_GEN_MAX_RUNS)
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0,
		                   "one day needs more than %d spill runs; raise the batch budget",
		                   SIM_GEN_MAX_RUNS);
	sim_batch_sort(b);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		FILE *f = tmpfile();
		if (f == NULL)
			return ls_diag_set(d, LS_ERR_IO, NULL, 0, 0,
			                   "cannot create a spill file: %s", strerror(errno));
		sp->run[s][sp->nruns] = f;
		sim_lane *l = &b->lane[s];
		for (size_t i = 0; i < l->n; i++) {
			run_hdr h = { l->recs[i].t, l->recs[i].key, l->recs[i].len,
				      l->recs[i].flags };
			if (fwrite(&h, sizeof h, 1, f) != 1 ||
			    fwrite(l->text.data + l->recs[i].off, 1, l->recs[i].len, f) !=
			            l->recs[i].len)
				return ls_diag_set(d, LS_ERR_IO, NULL, 0, 0,
				                   "spill write failed: %s", strerror(errno));
		}
		if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
			return ls_diag_set(d, LS_ERR_IO, NULL, 0, 0, "spill write failed: %s",
			                   strerror(errno));
	}
	sp->nruns++;
	sim_batch_reset(b);
	return LS_OK;
}

static void spill_close(spill *sp)
{
	for (int s = 0; s < SIM_SRC__COUNT; s++)
		for (size_t r = 0; r < sp->nruns; r++)
			if (sp->run[s][r])
				fclose(sp->run[s][r]);
	memset(sp, 0, sizeof *sp);
}

/* One input of the merge: a run file, or the sorted in-memory lane. */
typedef struct cursor {
	FILE *f;
	const sim_lane *lane;
	size_t idx;
	bool live;
	ls_time t;
	uint64_t key;
	uint32_t flags;
	ls_buf line; /* the current record of a run file */
	const char *ptr;
	size_t len;
} cursor;

static ls_err cursor_next(cursor *c, ls_diag *d)
{
	if (c->lane) {
		c->live = c->idx < c->lane->n;
		if (c->live) {
			/* Sorted records sit far apart in the lane's text: fetch ahead. */
			if (c->idx + 8 < c->lane->n) {
				const sim_rec *ahead = &c->lane->recs[c->idx + 8];
				__builtin_prefetch(c->lane->text.data + ahead->off);
				__builtin_prefetch(c->lane->text.data + ahead->off + 64);
				__builtin_prefetch(c->lane->text.data + ahead->off + 128);
				__builtin_prefetch(c->lane->text.data + ahead->off + 192);
			}
			const sim_rec *r = &c->lane->recs[c->idx++];
			c->t = r->t;
			c->key = r->key;
			c->flags = r->flags;
			c->ptr = c->lane->text.data + r->off;
			c->len = r->len;
		}
		return LS_OK;
	}
	run_hdr h;
	if (fread(&h, sizeof h, 1, c->f) != 1) {
		c->live = false;
		return ferror(c->f) ? ls_diag_set(d, LS_ERR_IO, NULL, 0, 0, "spill read failed")
		                    : LS_OK;
	}
	ls_buf_reset(&c->line);
	ls_buf_reserve(&c->line, h.len);
	if (fread(c->line.data, 1, h.len, c->f) != h.len)
		return ls_diag_set(d, LS_ERR_IO, NULL, 0, 0, "spill read failed");
	c->line.len = h.len;
	c->live = true;
	c->t = h.t;
	c->key = h.key;
	c->flags = h.flags;
	c->ptr = c->line.data;
	c->len = h.len;
	return LS_OK;
}

static bool cursor_before(const cursor *a, const cursor *b)
{
	return a->t < b->t || (a->t == b->t && a->key < b->key);
}

/* ------------------------------------------------------------ answer key */

static int cmp_truth(const void *x, const void *y)
{
	const sim_truth *a = x, *b = y;
	if (a->label != b->label)
		return a->label < b->label ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return strcmp(a->rid, b->rid);
}

/* Write text to dir/rel atomically and list it in the manifest. */
static ls_err write_truth_file(const char *dir, const char *rel, const ls_buf *text,
                               uint64_t records, ls_manifest *m, ls_diag *d)
{
	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/%s", dir, rel);
	ls_err e =
	        ls_write_file_atomic(path.data, text->data ? text->data : "", text->len, false, d);
	if (e == LS_OK) {
		ls_filesum sum;
		ls_filesum_init(&sum);
		ls_filesum_update(&sum, text->data ? text->data : "", text->len);
		unsigned char hash[LS_MANIFEST_HASH_BYTES];
		ls_filesum_final(&sum, hash);
		e = ls_manifest_add(m, rel, records, text->len, hash, d);
	}
	ls_buf_fini(&path);
	return e;
}

/* The records of b->truth from i on that carry `label`, as a JSON array; returns the next index. */
static size_t truth_records(ls_jw *w, const sim_batch *b, size_t i, uint16_t label)
{
	ls_jw_array_begin(w);
	for (; i < b->ntruth && b->truth[i].label == label; i++) {
		ls_jw_object_begin(w);
		LS_JW_KEY(w, "source");
		ls_jw_str_cstr(w, sim_source_name[b->truth[i].source]);
		LS_JW_KEY(w, "rid");
		ls_jw_str(w, ls_sv_make(b->truth[i].rid, SIM_RID_LEN));
		ls_jw_object_end(w);
	}
	ls_jw_array_end(w);
	return i;
}

/* Record ids the dirty-data knobs dropped, sorted for lookup. */
typedef struct rid_set {
	char (*rid)[SIM_RID_LEN + 1];
	size_t n;
} rid_set;

static int cmp_rid(const void *x, const void *y)
{
	return memcmp(x, y, SIM_RID_LEN);
}

static bool rid_in(const rid_set *s, const char *rid)
{
	return s->n && bsearch(rid, s->rid, s->n, sizeof *s->rid, cmp_rid) != NULL;
}

/* Whether a labelled record made it into the logs. */
static bool written(const sim_scenario *sc, const rid_set *dropped, const sim_truth *t)
{
	return t->source != sc->missing_sensor && !rid_in(dropped, t->rid);
}

static void person_id(ls_jw *w, uint32_t index)
{
	char id[16];
	snprintf(id, sizeof id, "P-%05u", index + 1);
	ls_jw_str_cstr(w, id);
}

static void ref(ls_jw *w, const sim_truth *t)
{
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "source");
	ls_jw_str_cstr(w, sim_source_name[t->source]);
	LS_JW_KEY(w, "rid");
	ls_jw_str(w, ls_sv_make(t->rid, SIM_RID_LEN));
	ls_jw_object_end(w);
}

/* One step: its span widened to cover its records, and where it shows first. */
static void write_step(ls_jw *w, ls_buf *out, const sim_campaign *c, unsigned s, const sim_batch *b,
                       size_t lo, size_t hi, const rid_set *dropped)
{
	const sim_scenario *sc = c->w->sc;
	ls_time start = c->step_start[s], end = c->step_end[s];
	bool any = c->step_used[s];
	for (size_t i = lo; i < hi; i++) {
		if (!any || b->truth[i].t < start)
			start = b->truth[i].t;
		if (!any || b->truth[i].t > end)
			end = b->truth[i].t;
		any = true;
	}
	ls_buf_append_cstr(out, "\n  ");
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "name");
	ls_jw_str_cstr(w, sim_label_name((sim_label)(SIM_STEP__FIRST + s)));
	LS_JW_KEY(w, "techniques");
	ls_jw_array_begin(w);
	const char *tech[8];
	sim_campaign_techniques(c, s, tech);
	for (size_t k = 0; tech[k]; k++)
		ls_jw_str_cstr(w, tech[k]);
	ls_jw_array_end(w);
	LS_JW_KEY(w, "start");
	ls_jw_time(w, start, 6);
	LS_JW_KEY(w, "end");
	ls_jw_time(w, end, 6);
	LS_JW_KEY(w, "records");
	ls_jw_array_begin(w);
	for (size_t i = lo; i < hi; i++)
		ref(w, &b->truth[i]);
	ls_jw_array_end(w);
	LS_JW_KEY(w, "earliest_detectable");
	ls_jw_object_begin(w);
	for (int src = 0; src < SIM_SRC__COUNT; src++) {
		bool seen = false;
		ls_time first = 0;
		for (size_t i = lo; i < hi; i++) {
			const sim_truth *t = &b->truth[i];
			if (t->source != src || !written(sc, dropped, t))
				continue;
			if (!seen || t->logged < first)
				first = t->logged;
			seen = true;
		}
		if (seen) {
			ls_jw_key_cstr(w, sim_source_name[src]);
			ls_jw_time(w, first, 6);
		}
	}
	ls_jw_object_end(w);
	ls_jw_object_end(w);
}

/* The campaign object of the answer key. b->truth is sorted by (label, time, rid). */
static void write_campaign(ls_jw *w, ls_buf *out, const sim_campaign *c, const sim_batch *b,
                           const rid_set *dropped)
{
	const sim_world *wd = c->w;
	const sim_campaign_cfg *cfg = c->cfg;
	const sim_person *ins = &wd->people[c->insider];
	ls_buf_append_cstr(out, "\n ");
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "id");
	ls_jw_str_cstr(w, "campaign-1");
	LS_JW_KEY(w, "preset");
	ls_jw_str_cstr(w, sim_preset_name(cfg->preset));
	LS_JW_KEY(w, "actors");
	ls_jw_array_begin(w);
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "user");
	ls_jw_str_cstr(w, ins->account);
	LS_JW_KEY(w, "person");
	person_id(w, c->insider);
	LS_JW_KEY(w, "role");
	ls_jw_str_cstr(w, sim_role_name(ins->role));
	LS_JW_KEY(w, "credential");
	ls_jw_str_cstr(w, "own");
	ls_jw_object_end(w);
	if (c->victim >= 0) {
		const sim_person *v = &wd->people[c->victim];
		ls_jw_object_begin(w);
		LS_JW_KEY(w, "user");
		ls_jw_str_cstr(w, v->account);
		LS_JW_KEY(w, "person");
		person_id(w, c->insider);
		LS_JW_KEY(w, "role");
		ls_jw_str_cstr(w, sim_role_name(v->role));
		LS_JW_KEY(w, "credential");
		ls_jw_str_cstr(w, "stolen");
		LS_JW_KEY(w, "owner");
		person_id(w, (uint32_t)c->victim);
		ls_jw_object_end(w);
	}
	ls_jw_array_end(w);
	LS_JW_KEY(w, "hosts");
	ls_jw_array_begin(w);
	ls_jw_str_cstr(w, ins->host);
	if (cfg->via == SIM_VIA_JUMP)
		ls_jw_str_cstr(w, wd->server[SIM_SRV_JUMP].name);
	ls_jw_str_cstr(w, wd->server[SIM_SRV_DB].name);
	ls_jw_array_end(w);

	LS_JW_KEY(w, "steps");
	ls_jw_array_begin(w);
	size_t i = 0;
	while (i < b->ntruth && !SIM_LABEL_IS_STEP(b->truth[i].label))
		i++;
	for (unsigned s = 0; s < SIM_STEPS; s++) {
		uint16_t label = (uint16_t)(SIM_STEP__FIRST + s);
		size_t lo = i;
		while (i < b->ntruth && b->truth[i].label == label)
			i++;
		if (c->step_used[s] || i > lo)
			write_step(w, out, c, s, b, lo, i, dropped);
	}
	ls_jw_array_end(w);

	ls_buf_append_cstr(out, "\n ");
	LS_JW_KEY(w, "totals");
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "rows");
	ls_jw_u64(w, c->export.rows);
	LS_JW_KEY(w, "export_bytes");
	ls_jw_u64(w, c->export.bytes);
	LS_JW_KEY(w, "archive_bytes");
	ls_jw_u64(w, c->archive_bytes);
	LS_JW_KEY(w, "wire_bytes");
	ls_jw_u64(w, c->totals_wire);
	LS_JW_KEY(w, "parts");
	ls_jw_u64(w, c->totals_parts);
	LS_JW_KEY(w, "sessions");
	ls_jw_u64(w, c->totals_sessions);
	ls_jw_object_end(w);
	LS_JW_KEY(w, "export");
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "session");
	ls_jw_str_cstr(w, c->session);
	LS_JW_KEY(w, "format");
	ls_jw_str_cstr(w, c->export_format);
	LS_JW_KEY(w, "name");
	ls_jw_str_cstr(w, c->export_name);
	LS_JW_KEY(w, "rows");
	ls_jw_u64(w, c->export.rows);
	LS_JW_KEY(w, "canaries");
	ls_jw_u64(w, c->export.canaries);
	LS_JW_KEY(w, "bytes");
	ls_jw_u64(w, c->export.bytes);
	LS_JW_KEY(w, "sha256");
	ls_jw_hex(w, c->export.sha256, 32);
	ls_jw_object_end(w);
	LS_JW_KEY(w, "archive");
	if (cfg->tool == SIM_TOOL_NONE) {
		ls_jw_null(w);
	} else {
		static const char *const tools[] = { "none", "zip", "7z", "zstd" };
		ls_jw_object_begin(w);
		LS_JW_KEY(w, "name");
		ls_jw_str_cstr(w, c->archive_name);
		LS_JW_KEY(w, "tool");
		ls_jw_str_cstr(w, tools[cfg->tool]);
		LS_JW_KEY(w, "password");
		ls_jw_bool(w, cfg->password);
		LS_JW_KEY(w, "where");
		ls_jw_str_cstr(w, cfg->stage_where == SIM_WHERE_SERVER ? "server" : "laptop");
		LS_JW_KEY(w, "bytes");
		ls_jw_u64(w, c->archive_bytes);
		LS_JW_KEY(w, "sha256");
		ls_jw_hex(w, c->archive_sha256, 32);
		ls_jw_object_end(w);
	}

	LS_JW_KEY(w, "uploads");
	ls_jw_array_begin(w);
	size_t ex = 0;
	while (ex < b->ntruth && b->truth[ex].label != SIM_STEP_EXFILTRATION)
		ex++;
	for (size_t u = 0; u < c->nuploads; u++) {
		const sim_camp_upload *up = &c->uploads[u];
		ls_buf_append_cstr(out, "\n  ");
		ls_jw_object_begin(w);
		LS_JW_KEY(w, "file");
		ls_jw_str_cstr(w, up->file);
		LS_JW_KEY(w, "size");
		ls_jw_u64(w, up->size);
		LS_JW_KEY(w, "path");
		ls_jw_str_cstr(w, up->path == SIM_PATH_NATIVE ? "native" : "bot");
		LS_JW_KEY(w, "vpn");
		ls_jw_bool(w, cfg->vpn);
		LS_JW_KEY(w, "start");
		ls_jw_time(w, up->t, 6);
		LS_JW_KEY(w, "end");
		ls_jw_time(w, up->end, 6);
		LS_JW_KEY(w, "parts");
		ls_jw_u64(w, up->parts);
		LS_JW_KEY(w, "sessions");
		ls_jw_u64(w, up->sessions);
		LS_JW_KEY(w, "wire_bytes");
		ls_jw_u64(w, up->wire);
		LS_JW_KEY(w, "records");
		ls_jw_array_begin(w);
		for (size_t k = ex; k < b->ntruth && b->truth[k].label == SIM_STEP_EXFILTRATION;
		     k++)
			if (b->truth[k].group == u + 1)
				ref(w, &b->truth[k]);
		ls_jw_array_end(w);
		ls_jw_object_end(w);
	}
	ls_jw_array_end(w);
	ls_buf_append_cstr(out, "\n ");
	LS_JW_KEY(w, "leaked_file");
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "name");
	ls_jw_str_cstr(w, c->leaked_name);
	LS_JW_KEY(w, "size");
	ls_jw_u64(w, c->leaked_size);
	LS_JW_KEY(w, "sha256");
	ls_jw_hex(w, c->leaked_sha256, 32);
	LS_JW_KEY(w, "export_session");
	ls_jw_str_cstr(w, c->session);
	ls_jw_object_end(w);
	LS_JW_KEY(w, "publication");
	ls_jw_object_begin(w);
	LS_JW_KEY(w, "channel");
	ls_jw_str_cstr(w, cfg->channel);
	LS_JW_KEY(w, "post_id");
	ls_jw_u64(w, c->post_id);
	LS_JW_KEY(w, "time");
	ls_jw_time(w, c->publish_t, 6);
	ls_jw_object_end(w);
	ls_jw_object_end(w);
}

/*
 * truth/answer-key.json: the only place where labels live: the campaign
 * (if any) with its steps and their records, every record of every hard
 * negative by kind, and what the dirty-data knobs did.
 */
static ls_err write_answer_key(const sim_scenario *sc, sim_batch *b, const sim_campaign *camp,
                               const char *dir, ls_manifest *m, ls_diag *d)
{
	if (b->ntruth > 1)
		qsort(b->truth, b->ntruth, sizeof *b->truth, cmp_truth);
	rid_set dropped = { NULL, 0 };
	for (size_t k = 0; k < b->ntruth; k++)
		if (b->truth[k].label == SIM_DIRTY_DROPPED)
			dropped.n++;
	if (dropped.n) {
		dropped.rid = ls_xcalloc(dropped.n, sizeof *dropped.rid);
		size_t j = 0;
		for (size_t k = 0; k < b->ntruth; k++)
			if (b->truth[k].label == SIM_DIRTY_DROPPED)
				memcpy(dropped.rid[j++], b->truth[k].rid, SIM_RID_LEN + 1);
		qsort(dropped.rid, dropped.n, sizeof *dropped.rid, cmp_rid);
	}
	ls_buf out = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &out);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "scenario");
	ls_jw_str_cstr(&w, sc->name);
	LS_JW_KEY(&w, "seed");
	ls_jw_u64(&w, sc->seed);
	LS_JW_KEY(&w, "leaksim");
	ls_jw_str_cstr(&w, LS_VERSION);
	LS_JW_KEY(&w, "campaigns");
	ls_jw_array_begin(&w);
	if (camp)
		write_campaign(&w, &out, camp, b, &dropped);
	ls_jw_array_end(&w);
	LS_JW_KEY(&w, "decoys");
	ls_jw_array_begin(&w);
	size_t i = 0;
	while (i < b->ntruth && b->truth[i].label < SIM_DECOY__END) {
		uint16_t label = b->truth[i].label;
		ls_buf_append_char(&out, '\n');
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "kind");
		ls_jw_str_cstr(&w, sim_label_name((sim_label)label));
		LS_JW_KEY(&w, "records");
		i = truth_records(&w, b, i, label);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_buf_append_char(&out, '\n');
	LS_JW_KEY(&w, "dirty");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "missing_sensor");
	if (sc->missing_sensor >= 0)
		ls_jw_str_cstr(&w, sim_source_name[sc->missing_sensor]);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "clock_skew_seconds");
	ls_jw_object_begin(&w);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		if (sc->clock_skew_s[s] != 0.0) {
			ls_jw_key_cstr(&w, sim_source_name[s]);
			ls_jw_f64(&w, sc->clock_skew_s[s], 6);
		}
	}
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "delay_seconds");
	ls_jw_u64(&w, sc->delay_s);
	static const sim_label dirty[] = { SIM_DIRTY_DROPPED, SIM_DIRTY_DUPLICATED,
		                           SIM_DIRTY_DELAYED };
	for (size_t k = 0; k < sizeof dirty / sizeof dirty[0]; k++) {
		ls_jw_key_cstr(&w, sim_label_name(dirty[k]));
		size_t start = i;
		while (start < b->ntruth && b->truth[start].label < dirty[k])
			start++;
		i = truth_records(&w, b, start, (uint16_t)dirty[k]);
	}
	ls_jw_object_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(&out, '\n');

	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/truth", dir);
	ls_err e = LS_OK;
	if (mkdir(path.data, 0777) != 0)
		e = ls_diag_set(d, LS_ERR_IO, path.data, 0, 0, "cannot create: %s",
		                strerror(errno));
	else
		e = write_truth_file(dir, "truth/answer-key.json", &out, b->ntruth, m, d);
	ls_buf_fini(&path);
	ls_buf_fini(&out);
	free(dropped.rid);
	return e;
}

static int cmp_export(const void *x, const void *y)
{
	const sim_export_log *a = x, *b = y;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return strcmp(a->session, b->session);
}

/*
 * truth/export-sessions.jsonl: every export from the register, by anyone,
 * in time order (session, account, host, time, rows, format, and the decoy
 * kind it belongs to); truth/watermark.key: the key of the exports'
 * watermarks, in hex. Attribution of a leaked file starts from these two.
 */
static ls_err write_export_log(const sim_scenario *sc, sim_batch *b, const char *dir,
                               ls_manifest *m, ls_diag *d)
{
	if (b->nexports > 1)
		qsort(b->exports, b->nexports, sizeof *b->exports, cmp_export);
	ls_buf out = LS_BUF_INIT;
	for (size_t i = 0; i < b->nexports; i++) {
		const sim_export_log *x = &b->exports[i];
		ls_jw w;
		ls_jw_init(&w, &out);
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "session");
		ls_jw_str_cstr(&w, x->session);
		LS_JW_KEY(&w, "time");
		ls_jw_time(&w, x->t, 6);
		LS_JW_KEY(&w, "account");
		ls_jw_str_cstr(&w, x->account);
		LS_JW_KEY(&w, "host");
		ls_jw_str_cstr(&w, x->host);
		LS_JW_KEY(&w, "rows");
		ls_jw_u64(&w, x->rows);
		LS_JW_KEY(&w, "format");
		ls_jw_str_cstr(&w, x->format);
		LS_JW_KEY(&w, "kind");
		if (SIM_LABEL_IS_STEP(x->label))
			ls_jw_str_cstr(&w, "campaign");
		else if (x->label)
			ls_jw_str_cstr(&w, sim_label_name((sim_label)x->label));
		else
			ls_jw_null(&w);
		ls_jw_object_end(&w);
		ls_buf_append_char(&out, '\n');
	}
	ls_err e = write_truth_file(dir, "truth/export-sessions.jsonl", &out, b->nexports, m, d);
	ls_buf_reset(&out);
	if (e == LS_OK) {
		sim_register *reg = ls_xmalloc(sizeof *reg);
		e = sim_register_init(reg, sc->seed, sc->register_rows);
		if (e == LS_OK) {
			ls_buf_append_hex(&out, reg->wm_key, sizeof reg->wm_key);
			ls_buf_append_char(&out, '\n');
			e = write_truth_file(dir, "truth/watermark.key", &out, 1, m, d);
		} else {
			e = ls_diag_set(d, e, NULL, 0, 0,
			                "register: cannot derive the watermark key");
		}
		sim_register_fini(reg);
		free(reg);
	}
	if (out.data)
		sodium_memzero(out.data, out.cap); /* it held the key */
	ls_buf_fini(&out);
	return e;
}

/* A sink that hashes what it passes on to a file. */
typedef struct hashing_sink {
	FILE *fp;
	ls_filesum sum;
	uint64_t bytes;
} hashing_sink;

static ls_err hashing_write(void *ctx, const void *p, size_t n)
{
	hashing_sink *h = ctx;
	ls_filesum_update(&h->sum, p, n);
	h->bytes += n;
	return sim_sink_file(h->fp, p, n);
}

/* Stream one artifact to dir/artifacts/name and list it in the manifest. */
static ls_err write_artifact(const sim_campaign *c, const char *dir, const char *name, bool archive,
                             ls_manifest *m, ls_diag *d)
{
	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/artifacts/%s", dir, name);
	hashing_sink h = { .fp = fopen(path.data, "wb") };
	ls_err e = LS_OK;
	if (h.fp == NULL) {
		e = ls_diag_set(d, LS_ERR_IO, path.data, 0, 0, "cannot create: %s",
		                strerror(errno));
		ls_buf_fini(&path);
		return e;
	}
	ls_filesum_init(&h.sum);
	e = archive ? sim_campaign_write_archive(c, hashing_write, &h)
	            : sim_campaign_write_export(c, hashing_write, &h, d);
	if (fclose(h.fp) != 0 && e == LS_OK)
		e = LS_ERR_IO;
	if (e == LS_ERR_IO)
		e = ls_diag_set(d, e, path.data, 0, 0, "write failed: %s", strerror(errno));
	if (e == LS_OK) {
		unsigned char hash[LS_MANIFEST_HASH_BYTES];
		ls_filesum_final(&h.sum, hash);
		ls_buf_reset(&path);
		ls_buf_printf(&path, "artifacts/%s", name);
		e = ls_manifest_add(m, path.data, 0, h.bytes, hash, d);
	}
	ls_buf_fini(&path);
	return e;
}

/* artifacts/: the leaked export exactly as the insider exported it, streamed,
 * and the archive's stand-in when the campaign made one. */
static ls_err write_artifacts(const sim_campaign *c, const char *dir, ls_manifest *m, ls_diag *d)
{
	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/artifacts", dir);
	ls_err e = LS_OK;
	if (mkdir(path.data, 0777) != 0)
		e = ls_diag_set(d, LS_ERR_IO, path.data, 0, 0, "cannot create: %s",
		                strerror(errno));
	ls_buf_fini(&path);
	if (e == LS_OK)
		e = write_artifact(c, dir, c->export_name, false, m, d);
	if (e == LS_OK && c->cfg->tool != SIM_TOOL_NONE)
		e = write_artifact(c, dir, c->archive_name, true, m, d);
	return e;
}

ls_err sim_generate(const sim_scenario *sc, const char *dir, const sim_gen_opts *opts,
                    sim_gen_stats *stats, sim_gen_progress_fn progress, void *ctx, ls_diag *d)
{
	ls_err e = LS_OK;
	out_file out[SIM_SRC__COUNT];
	memset(out, 0, sizeof out);
	memset(stats, 0, sizeof *stats);
	sim_world *w = sim_world_create(sc);
	sim_campaign *camp = NULL;
	sim_batch cur, next;
	sim_batch_init(&cur);
	sim_batch_init(&next);
	ls_manifest m;
	ls_manifest_init(&m, sc->name, sc->seed);
	ls_buf path = LS_BUF_INIT;
	spill sp;
	memset(&sp, 0, sizeof sp);
	cursor cursors[SIM_GEN_MAX_RUNS + 1];
	memset(cursors, 0, sizeof cursors);

	e = sim_campaign_plan(w, &camp, d);
	if (e != LS_OK)
		goto out;
	w->campaign = camp;
	if (camp) {
		sim_gen_campaign *gc = &stats->campaign;
		const sim_person *ins = &w->people[camp->insider];
		gc->on = true;
		gc->preset = sim_preset_name(sc->campaign.preset);
		snprintf(gc->insider, sizeof gc->insider, "%s", ins->account);
		snprintf(gc->laptop, sizeof gc->laptop, "%s", ins->host);
		snprintf(gc->leaked, sizeof gc->leaked, "%s", camp->leaked_name);
		gc->rows = camp->export.rows;
		gc->leaked_bytes = camp->leaked_size;
		gc->wire_bytes = camp->totals_wire;
		gc->uploads = (uint32_t)camp->nuploads;
		gc->exfil_start = camp->uploads[0].t;
		gc->exfil_end = camp->uploads[camp->nuploads - 1].end;
		gc->published = camp->publish_t;
	}
	ls_buf_printf(&path, "%s/logs", dir);
	if (mkdir(path.data, 0777) != 0) {
		e = ls_diag_set(d, LS_ERR_IO, path.data, 0, 0, "cannot create: %s",
		                strerror(errno));
		goto out;
	}
	ls_time begin = sc->start, end = sc->start + (ls_time)sc->days * LS_USEC_PER_DAY;
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		if (s == sc->missing_sensor) {
			out[s].off = true;
			continue;
		}
		ls_buf_reset(&path);
		ls_buf_printf(&path, "%s/logs/%s", dir, sim_source_file[s]);
		out[s].path = ls_xstrdup(path.data);
		ls_buf_reset(&path);
		ls_buf_printf(&path, "logs/%s", sim_source_file[s]);
		out[s].rel = ls_xstrdup(path.data);
		if (opts) {
			out[s].on_write = opts->on_write;
			out[s].write_ctx = opts->write_ctx;
		}
		out[s].fp = fopen(out[s].path, "wb");
		if (out[s].fp == NULL) {
			e = ls_diag_set(d, LS_ERR_IO, out[s].path, 0, 0, "cannot create: %s",
			                strerror(errno));
			goto out;
		}
		ls_filesum_init(&out[s].sum);
		if (is_zeek(s))
			sim_zeek_header(&out[s].pending, (sim_source)s, begin);
	}

	size_t budget = opts && opts->batch_bytes ? opts->batch_bytes : SIM_GEN_BATCH_BYTES;
	for (uint32_t day = 0; day < sc->days; day++) {
		for (uint32_t i = 0; i < w->npeople; i++) {
			sim_person_day(w, &cur, i, day);
			if ((i & 63) == 63 && batch_bytes(&cur) > budget) {
				e = spill_batch(&cur, &sp, d);
				if (e != LS_OK)
					goto out;
			}
		}
		sim_servers_day(w, &cur, day);
		sim_channels_day(w, &cur, day);
		sim_campaign_outside_day(camp, &cur, day);
		sim_batch_sort(&cur);
		ls_time day_end = day + 1 == sc->days ? INT64_MAX : sim_day_start(w, day + 1);
		for (int s = 0; s < SIM_SRC__COUNT; s++) {
			/* Merge the spilled runs with the in-memory lane (often the only input). */
			size_t nc = sp.nruns + 1;
			for (size_t r = 0; r < nc; r++) {
				memset(&cursors[r], 0, sizeof cursors[r]);
				if (r < sp.nruns)
					cursors[r].f = sp.run[s][r];
				else
					cursors[r].lane = &cur.lane[s];
				e = cursor_next(&cursors[r], d);
				if (e != LS_OK)
					goto out;
			}
			sim_lane *carry_to = &next.lane[s];
			for (;;) {
				cursor *best = NULL;
				for (size_t r = 0; r < nc; r++)
					if (cursors[r].live &&
					    (best == NULL || cursor_before(&cursors[r], best)))
						best = &cursors[r];
				if (best == NULL)
					break;
				if (best->t < day_end) {
					/* Dirty data: a dropped record is lost, a duplicate written twice. */
					int copies = (best->flags & SIM_REC_DROP)  ? 0
					             : (best->flags & SIM_REC_DUP) ? 2
					                                           : 1;
					for (int k = 0; k < copies; k++) {
						e = put(&out[s], best->ptr, best->len, d);
						if (e != LS_OK)
							goto out;
						out[s].records++;
					}
				} else {
					sim_rec rec = { best->t, best->key, 0, (uint32_t)best->len,
						        best->flags };
					lane_push(carry_to, &rec, best->ptr);
				}
				e = cursor_next(best, d);
				if (e != LS_OK)
					goto out;
			}
			for (size_t r = 0; r < nc; r++)
				ls_buf_fini(&cursors[r].line);
		}
		spill_close(&sp);
		/* The carried records start tomorrow's batch; cur keeps its storage. */
		sim_batch_reset(&cur);
		for (int s = 0; s < SIM_SRC__COUNT; s++) {
			carry(&next.lane[s], 0, &cur.lane[s]);
			next.lane[s].n = 0;
			ls_buf_reset(&next.lane[s].text);
		}
		if (progress) {
			uint64_t total = 0;
			for (int s = 0; s < SIM_SRC__COUNT; s++)
				total += out[s].records;
			progress(ctx, day + 1, sc->days, total);
		}
	}

	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		if (out[s].off)
			continue;
		if (is_zeek(s))
			sim_zeek_close(&out[s].pending, end);
		e = flush_out(&out[s], d);
		if (e != LS_OK)
			goto out;
		FILE *fp = out[s].fp;
		out[s].fp = NULL;
		if (fflush(fp) != 0 || ferror(fp)) {
			fclose(fp);
			e = ls_diag_set(d, LS_ERR_IO, out[s].path, 0, 0, "write failed: %s",
			                strerror(errno));
			goto out;
		}
		if (fclose(fp) != 0) {
			e = ls_diag_set(d, LS_ERR_IO, out[s].path, 0, 0, "write failed: %s",
			                strerror(errno));
			goto out;
		}
		unsigned char hash[LS_MANIFEST_HASH_BYTES];
		uint64_t bytes = out[s].sum.bytes;
		ls_filesum_final(&out[s].sum, hash);
		ls_buf_reset(&path);
		ls_buf_printf(&path, "logs/%s", sim_source_file[s]);
		e = ls_manifest_add(&m, path.data, out[s].records, bytes, hash, d);
		if (e != LS_OK)
			goto out;
		stats->records[s] = out[s].records;
		stats->bytes[s] = bytes;
		stats->total_records += out[s].records;
		stats->total_bytes += bytes;
	}
	e = write_answer_key(sc, &cur, camp, dir, &m, d);
	if (e == LS_OK)
		e = write_export_log(sc, &cur, dir, &m, d);
	if (e == LS_OK && camp && opts && opts->artifacts)
		e = write_artifacts(camp, dir, &m, d);
	if (e != LS_OK)
		goto out;
	ls_manifest_meta_str(&m, "profile", sim_profile_name(sc->profile));
	ls_manifest_meta_u64(&m, "people", sc->people);
	ls_manifest_meta_u64(&m, "days", sc->days);
	{
		ls_buf t = LS_BUF_INIT;
		ls_time_format_rfc3339(&t, sc->start, 0, sc->utc_offset_min);
		ls_manifest_meta_str(&m, "start", t.data);
		ls_buf_fini(&t);
	}
	if (opts && opts->finish) {
		e = opts->finish(opts->finish_ctx, dir, &m, d);
	} else {
		ls_buf_reset(&path);
		ls_buf_printf(&path, "%s/manifest.json", dir);
		e = ls_manifest_write(&m, path.data, false, d);
	}
out:
	spill_close(&sp);
	for (size_t r = 0; r < SIM_GEN_MAX_RUNS + 1; r++)
		ls_buf_fini(&cursors[r].line);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		if (out[s].fp)
			fclose(out[s].fp);
		free(out[s].path);
		free(out[s].rel);
		ls_buf_fini(&out[s].pending);
	}
	ls_buf_fini(&path);
	ls_manifest_fini(&m);
	sim_batch_fini(&cur);
	sim_batch_fini(&next);
	sim_campaign_free(camp);
	sim_world_destroy(w);
	return e;
}
