/*
 * emit.h - how actors hand records to the sensors' files.
 *
 * An actor (a person, a server job, later the insider) acts in time order
 * from its own random streams. Each record it causes goes into a batch lane
 * for its source as one formatted line, tagged with its time and a tie-break
 * key taken from its record id. At the end of each day the generator sorts
 * every lane by (time, key) and writes it out, so the output order depends on
 * nothing but the records themselves: not on which actor ran first, nor on
 * how the population was sharded.
 *
 * Record ids are 20 lower-case hex digits (80 bits) read from the actor's
 * "ids" stream: keyed by the seed and the actor, random-looking, and never
 * sequential. Zeek uids and Sysmon ProcessGuids come from the same stream.
 *
 * Ownership: a batch owns its lanes; an actor borrows the world and a batch.
 */
#ifndef SIM_EMIT_H
#define SIM_EMIT_H

#include <stdint.h>

#include "core/rng.h"
#include "core/str.h"
#include "core/time.h"
#include "sim/world.h"

#define SIM_RID_LEN 20

typedef enum sim_source {
	SIM_SRC_DB_AUDIT = 0,
	SIM_SRC_AUTH,
	SIM_SRC_CONN,
	SIM_SRC_DNS,
	SIM_SRC_SSL,
	SIM_SRC_PROXY,
	SIM_SRC_SYSMON,
	SIM_SRC_DHCP,
	SIM_SRC_MESSAGING,
	SIM_SRC__COUNT
} sim_source;

/* File name under DATASET/logs/ for each source, and its short name in the answer key. */
extern const char *const sim_source_file[SIM_SRC__COUNT];
extern const char *const sim_source_name[SIM_SRC__COUNT];

/*
 * What a record is, as only the answer key knows it: nothing (ordinary
 * activity), or one kind of hard negative (a decoy: legitimate behaviour
 * that looks like exfiltration). The label travels with the actor while it
 * acts and goes to the batch's truth list, never into the record itself.
 */
typedef enum sim_label {
	SIM_LABEL_NONE = 0,
	SIM_DECOY_DBA_BACKUP,
	SIM_DECOY_ANALYST_EXPORT,
	SIM_DECOY_VIDEO_SEND,
	SIM_DECOY_PASSWORD_ARCHIVE,
	SIM_DECOY_CLOUD_SYNC,
	SIM_DECOY_BIG_DOWNLOAD,
	SIM_DECOY_ADMIN_SCP,
	SIM_DECOY_BOT_UPLOAD,
	/* What the dirty-data knobs did to a record. */
	SIM_DIRTY_DROPPED,
	SIM_DIRTY_DUPLICATED,
	SIM_DIRTY_DELAYED,
	/* The insider's campaign, one label per step (SPEC 3). */
	SIM_STEP_ACCESS,
	SIM_STEP_COLLECTION,
	SIM_STEP_STAGING,
	SIM_STEP_TRANSFER,
	SIM_STEP_EXFILTRATION,
	SIM_STEP_PUBLICATION,
	SIM_STEP_ANTI_FORENSICS,
	SIM_LABEL__COUNT
} sim_label;

#define SIM_DECOY__END SIM_DIRTY_DROPPED
#define SIM_STEP__FIRST SIM_STEP_ACCESS
#define SIM_STEPS 7
/* Whether a label is a campaign step. */
#define SIM_LABEL_IS_STEP(l) ((l) >= SIM_STEP_ACCESS && (l) <= SIM_STEP_ANTI_FORENSICS)

/* Stable names ("dba_backup", "analyst_export", ...); NULL for SIM_LABEL_NONE. */
const char *sim_label_name(sim_label l);

typedef struct sim_truth {
	ls_time t;      /* when it happened (the source's clock may read otherwise) */
	ls_time logged; /* the time written in the record */
	uint16_t label;
	uint16_t group; /* the campaign's upload the record belongs to (1-based), or 0 */
	uint8_t source;
	char rid[SIM_RID_LEN + 1];
} sim_truth;

/* sim_rec flags, set by the dirty-data knobs. */
#define SIM_REC_DROP 1u /* never written */
#define SIM_REC_DUP 2u  /* written twice */

typedef struct sim_rec {
	ls_time t;      /* where the record sorts: its logged time, plus any ingest delay */
	uint64_t key;   /* first 8 bytes of the record id: the tie-break */
	size_t off;     /* the line in the lane's text, newline included */
	uint32_t len;   /* lines are at most LS_LINE_MAX bytes */
	uint32_t flags; /* SIM_REC_DROP, SIM_REC_DUP */
} sim_rec;

typedef struct sim_lane {
	ls_buf text;
	sim_rec *recs;
	size_t n, cap;
} sim_lane;

/* One export from the register, by anyone: the export-session log of truth/. */
typedef struct sim_export_log {
	ls_time t;
	char session[33]; /* 32 hex digits */
	char account[32];
	char host[64];
	uint64_t rows;
	const char *format; /* "csv", "pg_dump", ... (static strings) */
	uint16_t label;     /* the decoy kind or the campaign step */
} sim_export_log;

typedef struct sim_batch {
	sim_lane lane[SIM_SRC__COUNT];
	sim_truth *truth; /* labelled records; kept by sim_batch_reset */
	size_t ntruth, truth_cap;
	sim_export_log *exports; /* kept by sim_batch_reset too */
	size_t nexports, exports_cap;
} sim_batch;

void sim_batch_init(sim_batch *b);
void sim_batch_fini(sim_batch *b);
/* Empty every lane, keeping storage (and the truth list). */
void sim_batch_reset(sim_batch *b);
/* Sort every lane by (time, key). */
void sim_batch_sort(sim_batch *b);

typedef struct sim_actor {
	const sim_world *w;
	sim_batch *batch;
	uint64_t entity;
	ls_rng rng;      /* behaviour */
	ls_rng ids;      /* record ids, uids, guids */
	sim_label label; /* the label of the records being emitted now */
	uint16_t group;  /* and their campaign upload (0: none) */
} sim_actor;

/* Streams for (entity, day): behaviour and ids, both derived from key. */
void sim_actor_init(sim_actor *a, const sim_world *w, sim_batch *batch, uint64_t entity,
                    const unsigned char key[LS_RNG_KEYBYTES], uint32_t day);
/* The same for an actor of the world itself (a server job, an outside
 * channel): its key is the world's stream for (entity, purpose). */
void sim_actor_init_world(sim_actor *a, const sim_world *w, sim_batch *batch, uint64_t entity,
                          const char *purpose, uint32_t day);
void sim_actor_fini(sim_actor *a);

/*
 * Start a record of `src` that happened at *t: draws its id into rid
 * (NUL-terminated), applies the dirty-data knobs, and returns the lane's
 * text buffer to append the line to. On return *t is the time the sensor
 * logs (its clock may be skewed): the time to write. Every begin is matched
 * by sim_rec_end, which appends the newline.
 */
ls_buf *sim_rec_begin(sim_actor *a, sim_source src, ls_time *t, char rid[SIM_RID_LEN + 1]);
/* A time as source src's (possibly skewed) clock reads it. */
ls_time sim_logged_time(const sim_actor *a, sim_source src, ls_time t);
void sim_rec_end(sim_actor *a, sim_source src);

/*
 * Log an export session (its id is drawn from the actor's id stream, so it
 * looks random) and return the id; it names the session in the export's
 * watermark. The actor's current label goes with it.
 */
const char *sim_log_export(sim_actor *a, ls_time t, const char *account, const char *host,
                           uint64_t rows, const char *format);
/* The same with a session id chosen beforehand (32 hex digits). */
void sim_log_export_id(sim_actor *a, ls_time t, const char *session, const char *account,
                       const char *host, uint64_t rows, const char *format);

/* Identifiers drawn from the actor's id stream. */
void sim_zeek_uid(sim_actor *a, char out[19]);     /* "C" + 17 base62 characters */
void sim_process_guid(sim_actor *a, char out[39]); /* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */

#endif
