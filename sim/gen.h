/*
 * gen.h - the generation driver: scenario in, dataset files out.
 *
 * Time is walked one local day at a time. Every actor of the day runs into
 * one batch; the batch is sorted by (time, record id) and written, so memory
 * does not grow with the number of days. A day whose records outgrow the
 * batch budget (large populations) is spilled to sorted runs in temporary
 * files and merged, so memory is bounded by the budget, not the head count. Records that
 * an action places past midnight are carried into the next day's batch, so
 * every file stays in time order.
 *
 * sim/ never reads the wall clock: progress is reported through a callback
 * and timing is the caller's business.
 */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "io/manifest.h"
#include "sim/emit.h"
#include "sim/scenario.h"

/* What the campaign did, for a one-line summary (the answer key has it all). */
typedef struct sim_gen_campaign {
	bool on;
	const char *preset;
	char insider[32]; /* the insider's account */
	char laptop[16];
	char leaked[96]; /* the published file's name */
	uint64_t rows, leaked_bytes, wire_bytes;
	uint32_t uploads;
	ls_time exfil_start, exfil_end, published;
} sim_gen_campaign;

typedef struct sim_gen_stats {
	uint64_t records[SIM_SRC__COUNT];
	uint64_t bytes[SIM_SRC__COUNT];
	uint64_t total_records;
	uint64_t total_bytes;
	sim_gen_campaign campaign;
} sim_gen_stats;

/* Memory for one day's records before they are spilled to sorted runs. */
#define SIM_GEN_BATCH_BYTES ((size_t)1 << 30)
#define SIM_GEN_MAX_RUNS 256

/*
 * Called once every file is written, with the finished manifest, in place of
 * writing dir/manifest.json: it may add files to dir and list them in m, and
 * then writes the manifest itself (the CLI seals the dataset here).
 */
typedef ls_err (*sim_gen_finish_fn)(void *ctx, const char *dir, ls_manifest *m, ls_diag *d);
/*
 * Called with every piece of a log file as it is written, in order: rel is
 * its path in the dataset ("logs/conn.log"). The pieces of one file are
 * exactly its bytes.
 */
typedef void (*sim_gen_write_fn)(void *ctx, const char *rel, const void *p, size_t n);

typedef struct sim_gen_opts {
	size_t batch_bytes; /* 0: SIM_GEN_BATCH_BYTES */
	bool artifacts;     /* write artifacts/: the leaked export (and archive) */
	sim_gen_finish_fn finish; /* NULL: write manifest.json as it is */
	void *finish_ctx;
	sim_gen_write_fn on_write; /* NULL: nobody watches the logs being written */
	void *write_ctx;
} sim_gen_opts;

/* Called after each day with the number of days done and records so far. */
typedef void (*sim_gen_progress_fn)(void *ctx, uint32_t days_done, uint32_t days, uint64_t records);

/*
 * Generate the scenario into dir (which must exist and be empty): dir/logs/
 * with one file per source, dir/truth/ (the answer key, the export-session
 * log, the watermark key), with opts->artifacts dir/artifacts/ (the leaked
 * export exactly as exported, and the archive's stand-in if one was made),
 * and dir/manifest.json. Errors are I/O errors, and LS_ERR_RANGE when the
 * scenario's campaign cannot be acted out (sim_campaign_plan).
 */
ls_err sim_generate(const sim_scenario *sc, const char *dir, const sim_gen_opts *opts,
                    sim_gen_stats *stats, sim_gen_progress_fn progress, void *ctx,
                    ls_diag *d) LS_WUR;

#endif
