/*
 * gen.h - the generation driver: scenario in, dataset files out.
 *
 * Time is walked one local day at a time. Every actor of the day runs into
 * one batch; the batch is sorted by (time, record id) and written, so memory
 * is bounded by one day of records, whatever the number of days. Records that
 * an action places past midnight are carried into the next day's batch, so
 * every file stays in time order.
 *
 * sim/ never reads the wall clock: progress is reported through a callback
 * and timing is the caller's business.
 */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stdint.h>

#include "io/manifest.h"
#include "sim/emit.h"
#include "sim/scenario.h"

typedef struct sim_gen_stats {
	uint64_t records[SIM_SRC__COUNT];
	uint64_t bytes[SIM_SRC__COUNT];
	uint64_t total_records;
	uint64_t total_bytes;
} sim_gen_stats;

/* Called after each day with the number of days done and records so far. */
typedef void (*sim_gen_progress_fn)(void *ctx, uint32_t days_done, uint32_t days,
                                    uint64_t records);

/*
 * Generate the scenario into dir (which must exist and be empty): dir/logs/
 * with one file per source, and dir/manifest.json. Errors are I/O errors.
 */
ls_err sim_generate(const sim_scenario *sc, const char *dir, sim_gen_stats *stats,
                    sim_gen_progress_fn progress, void *ctx, ls_diag *d) LS_WUR;

#endif
