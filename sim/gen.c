/*
 * gen.c - walking the days, sorting each day's records, writing the files.
 */
#include "sim/gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "sim/benign.h"
#include "sim/sensors.h"

#define OUT_CHUNK (1u << 20)

typedef struct out_file {
	FILE *fp;
	char *path;
	ls_buf pending; /* bytes not yet handed to stdio */
	ls_filesum sum;
	uint64_t records;
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
	if (fwrite(o->pending.data, 1, o->pending.len, o->fp) != o->pending.len)
		return ls_diag_set(d, LS_ERR_IO, o->path, 0, 0, "write failed: %s", strerror(errno));
	ls_buf_reset(&o->pending);
	return LS_OK;
}

static ls_err put(out_file *o, const char *p, size_t n, ls_diag *d)
{
	ls_buf_append(&o->pending, p, n);
	return o->pending.len >= OUT_CHUNK ? flush_out(o, d) : LS_OK;
}

/* Move the records of lane `from` at index >= k into lane `to`. */
static void carry(sim_lane *from, size_t k, sim_lane *to)
{
	for (size_t i = k; i < from->n; i++) {
		sim_rec rec = from->recs[i];
		if (to->n == to->cap) {
			to->cap = to->cap ? 2 * to->cap : 256;
			to->recs = ls_xreallocarray(to->recs, to->cap, sizeof *to->recs);
		}
		size_t off = to->text.len;
		ls_buf_append(&to->text, from->text.data + rec.off, rec.len);
		rec.off = off;
		to->recs[to->n++] = rec;
	}
}

ls_err sim_generate(const sim_scenario *sc, const char *dir, sim_gen_stats *stats,
                    sim_gen_progress_fn progress, void *ctx, ls_diag *d)
{
	ls_err e = LS_OK;
	out_file out[SIM_SRC__COUNT];
	memset(out, 0, sizeof out);
	memset(stats, 0, sizeof *stats);
	sim_world *w = sim_world_create(sc);
	sim_batch cur, next;
	sim_batch_init(&cur);
	sim_batch_init(&next);
	ls_manifest m;
	ls_manifest_init(&m, sc->name, sc->seed);
	ls_buf path = LS_BUF_INIT;

	ls_buf_printf(&path, "%s/logs", dir);
	if (mkdir(path.data, 0777) != 0) {
		e = ls_diag_set(d, LS_ERR_IO, path.data, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	ls_time begin = sc->start, end = sc->start + (ls_time)sc->days * LS_USEC_PER_DAY;
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		ls_buf_reset(&path);
		ls_buf_printf(&path, "%s/logs/%s", dir, sim_source_file[s]);
		out[s].path = ls_xstrdup(path.data);
		out[s].fp = fopen(path.data, "wb");
		if (out[s].fp == NULL) {
			e = ls_diag_set(d, LS_ERR_IO, path.data, 0, 0, "cannot create: %s", strerror(errno));
			goto out;
		}
		ls_filesum_init(&out[s].sum);
		if (is_zeek(s))
			sim_zeek_header(&out[s].pending, (sim_source)s, begin);
	}

	for (uint32_t day = 0; day < sc->days; day++) {
		for (uint32_t i = 0; i < w->npeople; i++)
			sim_person_day(w, &cur, i, day);
		sim_servers_day(w, &cur, day);
		sim_channels_day(w, &cur, day);
		sim_batch_sort(&cur);
		ls_time day_end = day + 1 == sc->days ? INT64_MAX : sim_day_start(w, day + 1);
		for (int s = 0; s < SIM_SRC__COUNT; s++) {
			sim_lane *l = &cur.lane[s];
			size_t k = 0;
			while (k < l->n && l->recs[k].t < day_end) {
				e = put(&out[s], l->text.data + l->recs[k].off, l->recs[k].len, d);
				if (e != LS_OK)
					goto out;
				out[s].records++;
				k++;
			}
			carry(l, k, &next.lane[s]);
		}
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
		if (is_zeek(s))
			sim_zeek_close(&out[s].pending, end);
		e = flush_out(&out[s], d);
		if (e != LS_OK)
			goto out;
		FILE *fp = out[s].fp;
		out[s].fp = NULL;
		if (fflush(fp) != 0 || ferror(fp)) {
			fclose(fp);
			e = ls_diag_set(d, LS_ERR_IO, out[s].path, 0, 0, "write failed: %s", strerror(errno));
			goto out;
		}
		if (fclose(fp) != 0) {
			e = ls_diag_set(d, LS_ERR_IO, out[s].path, 0, 0, "write failed: %s", strerror(errno));
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
	ls_manifest_meta_str(&m, "profile", sim_profile_name(sc->profile));
	ls_manifest_meta_u64(&m, "people", sc->people);
	ls_manifest_meta_u64(&m, "days", sc->days);
	{
		ls_buf t = LS_BUF_INIT;
		ls_time_format_rfc3339(&t, sc->start, 0, sc->utc_offset_min);
		ls_manifest_meta_str(&m, "start", t.data);
		ls_buf_fini(&t);
	}
	ls_buf_reset(&path);
	ls_buf_printf(&path, "%s/manifest.json", dir);
	e = ls_manifest_write(&m, path.data, false, d);
out:
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		if (out[s].fp)
			fclose(out[s].fp);
		free(out[s].path);
		ls_buf_fini(&out[s].pending);
	}
	ls_buf_fini(&path);
	ls_manifest_fini(&m);
	sim_batch_fini(&cur);
	sim_batch_fini(&next);
	sim_world_destroy(w);
	return e;
}
