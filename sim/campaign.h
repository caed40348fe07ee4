/*
 * campaign.h - the insider's campaign: the register leaves the database
 * server, reaches a laptop and goes out through the secure messenger.
 *
 * The campaign is planned once, before the first day is generated, from the
 * scenario's `campaign:` knobs and the world's "campaign" random stream:
 * who the insider is, whose account they use, when each step happens, the
 * real export (its rows, bytes and SHA-256, from the register module), the
 * archive made of it, how it is cut into uploads, and each upload's exact
 * byte counts (from the messenger model in channel.h). Nothing about the
 * plan depends on the benign activity, so the benign world is the same with
 * or without a campaign, except for the insider's own day, which stretches
 * to cover what they do.
 *
 * The plan is then acted out on the insider's laptop, day by day, through
 * the same helpers (laptop.h) and sensors the benign day uses, with the
 * actor's label set to the step: the label goes to the answer key only.
 *
 * Byte model (docs/campaign.md gives every formula with a worked example):
 *   export_bytes  = the real export's size (sim_register_export);
 *   archive_bytes = a calibrated model of the archiver (ratio by tool and
 *                   export format, plus the container's fixed overhead);
 *   uploads       = the archive (or the export) cut into split_mb volumes;
 *   wire_bytes    = the laptop's upstream TCP payload of every upload:
 *                   native sessions' up_total, or the bot path's cs-bytes.
 *
 * Ownership: sim_campaign_plan returns an owned plan; it borrows the world
 * (which must outlive it). A const plan is only read while acting.
 */
#ifndef SIM_CAMPAIGN_H
#define SIM_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "sim/channel.h"
#include "sim/laptop.h"
#include "sim/register.h"

/* Rows per page of a paginated collection. */
#define SIM_CAMPAIGN_PAGE_ROWS 50000u
/* The bot path's largest file; bigger archives are cut into volumes of this size. */
#define SIM_CAMPAIGN_BOT_VOLUME ((uint64_t)45 * 1024 * 1024)
/* Volumes for the native path when the file exceeds what one upload takes. */
#define SIM_CAMPAIGN_NATIVE_VOLUME ((uint64_t)1024 * 1024 * 1024)
/* The VPN endpoint the insider may tunnel through (documentation range). */
#define SIM_CAMPAIGN_VPN_IP 0xC6336419u /* 198.51.100.25 */
#define SIM_CAMPAIGN_VPN_PORT 51820u

/* One file sent out: an archive volume, the archive, or the export itself. */
typedef struct sim_camp_upload {
	char file[96];
	uint64_t size;
	uint64_t offset; /* of this volume in the leaked file */
	sim_path path;   /* SIM_PATH_NATIVE or SIM_PATH_BOT */
	sim_channel_upload native;
	sim_channel_bot_upload bot;
	uint64_t wire;     /* the laptop's upstream TCP payload */
	uint64_t down;     /* and downstream */
	uint32_t parts;    /* native parts (1 for a bot upload) */
	uint32_t sessions; /* connections that carried it */
	ls_time t, end;
	uint32_t day;
} sim_camp_upload;

/* One day the insider works on the campaign, in laptop order. */
typedef struct sim_camp_day {
	uint32_t day;
	ls_time from, to; /* the laptop must be on from..to */
	/* access and collection (collection days only) */
	bool collect;
	ls_time access_t, db_t, db_end, close_t;
	uint64_t rows_lo, rows;   /* rows of the export collected today */
	uint64_t bytes_lo, bytes; /* and their share of the export's bytes */
	/* the last collection day: staging, transfer, log editing */
	bool last_collect;
	ls_time stage_t, stage_end, xfer_t, xfer_end, edit_t;
	/* uploads[upload_lo, upload_hi) run today */
	size_t upload_lo, upload_hi;
	/* the last upload day: cleaning up */
	bool last_exfil;
	ls_time clean_t;
} sim_camp_day;

typedef struct sim_campaign {
	const sim_world *w;
	const sim_campaign_cfg *cfg;
	uint32_t insider;    /* person index */
	int32_t victim;      /* the DBA whose account is used, or -1 */
	const char *account; /* the account the insider uses on the servers */
	uint32_t start_day;

	/* the export */
	sim_register *reg;
	char session[33];
	char export_name[64];
	char export_path_server[160]; /* where it lands on the jump host */
	char export_path_laptop[160]; /* and on the laptop */
	sim_export_spec spec;
	sim_export_result export;
	const char *export_format; /* "csv", "copy", "insert" */

	/* the archive (tool != none) */
	char archive_name[80];
	uint64_t archive_bytes;
	unsigned char archive_sha256[32];
	unsigned char archive_key[32]; /* of its stand-in content */

	/* the file that leaves: the archive, or else the export */
	const char *leaked_name;
	uint64_t leaked_size;
	unsigned char leaked_sha256[32];

	sim_camp_upload *uploads;
	size_t nuploads;
	sim_camp_day *days;
	size_t ndays;

	ls_time publish_t;
	uint64_t post_id;

	/* the span of each step (the answer key widens it to cover its records) */
	ls_time step_start[SIM_STEPS], step_end[SIM_STEPS];
	bool step_used[SIM_STEPS];
	uint64_t totals_wire, totals_parts, totals_sessions;
} sim_campaign;

/*
 * Plan the scenario's campaign. *out is NULL (and LS_OK returned) when the
 * scenario has none. LS_ERR_RANGE with a message in d when the knobs cannot
 * be acted out in this world: no DBA to steal from, a campaign that does not
 * fit in the period, a file too large for its path.
 */
ls_err sim_campaign_plan(const sim_world *w, sim_campaign **out, ls_diag *d) LS_WUR;
void sim_campaign_free(sim_campaign *c);

/* The campaign day record for (person, day), or NULL if none. */
const sim_camp_day *sim_campaign_day(const sim_campaign *c, uint32_t person, uint32_t day);

/*
 * Act out a campaign day on the insider's laptop (called from the person's
 * day with its laptop; msgr is the messenger process of the day or NULL).
 */
void sim_campaign_act(const sim_campaign *c, const sim_camp_day *cd, sim_laptop *l,
                      const sim_proc *msgr);

/* The outside world's part: the channel post that publishes the file, on its day. */
void sim_campaign_outside_day(const sim_campaign *c, sim_batch *b, uint32_t day);

/* ATT&CK techniques of step s (SIM_STEP_* - SIM_STEP__FIRST), NULL-terminated. */
void sim_campaign_techniques(const sim_campaign *c, unsigned step, const char *out[8]);

/*
 * Stream the leaked export (exactly the bytes the insider exported) or the
 * archive's stand-in content to a sink.
 */
ls_err sim_campaign_write_export(const sim_campaign *c, sim_sink_fn sink, void *ctx,
                                 ls_diag *d) LS_WUR;
ls_err sim_campaign_write_archive(const sim_campaign *c, sim_sink_fn sink, void *ctx) LS_WUR;

/* The archive model: the archive's size for an export of `bytes`. */
uint64_t sim_archive_bytes(sim_tool tool, sim_xfmt fmt, bool password, uint64_t bytes,
                           size_t entry_name_len);

/* Upstream and downstream bytes of a VPN tunnel carrying a TCP payload. */
uint64_t sim_vpn_bytes(uint64_t payload);

#endif
