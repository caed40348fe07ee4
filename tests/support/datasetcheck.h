/*
 * datasetcheck.h - load a generated dataset directory with leaksim's own
 * readers and check it against its answer key, for the unit tests.
 *
 * tu_dataset_load reads every log file of DIR/logs/ (a file may be absent:
 * a missing sensor), DIR/truth/answer-key.json and, if present,
 * DIR/truth/export-sessions.jsonl. Each record keeps its source, record id,
 * logged time, line number and a hash of its signature; its text stays in
 * memory (the files are held whole), so any field can be read back on
 * demand. The answer key becomes plain C structs.
 *
 * The checks come in two forms: *_problems returns the number of problems
 * found and appends a report (one "file:line: message" line per problem, the
 * first TU_REPORT_MAX of them) to a buffer, so a test can watch a check
 * fail; tu_check_* fails the running cmocka test with that report.
 *
 * Ownership: a tu_dataset owns everything it points at, including every
 * string of its answer key; tu_dataset_free releases it all. Records and
 * answer-key structs are read-only for callers.
 */
#ifndef LS_TESTS_DATASETCHECK_H
#define LS_TESTS_DATASETCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"
#include "core/time.h"

/* ---------------------------------------------------------------- sources */

/* The nine log sources, in the generator's order (sim/emit.c). */
typedef enum tu_source {
	TU_SRC_NONE = -1,
	TU_SRC_DB_AUDIT = 0,
	TU_SRC_AUTH,
	TU_SRC_CONN,
	TU_SRC_DNS,
	TU_SRC_SSL,
	TU_SRC_PROXY,
	TU_SRC_SYSMON,
	TU_SRC_DHCP,
	TU_SRC_MESSAGING,
	TU_SOURCES
} tu_source;

/* "db_audit", "auth", ...; NULL outside 0..TU_SOURCES-1. */
const char *tu_source_name(tu_source s);
/* "db_audit.jsonl", "auth.log", ... (the file under logs/); NULL outside the range. */
const char *tu_source_file(tu_source s);
/* The source with that short name, or TU_SRC_NONE. */
tu_source tu_source_index(ls_sv name);

/* ---------------------------------------------------------------- records */

#define TU_RID_LEN 20
#define TU_SIG_BYTES 16
/* Problems detailed in a report; the rest are only counted. */
#define TU_REPORT_MAX 40

/*
 * One log record. time is the logged time (JSON "timestamp", Zeek "ts",
 * the syslog TIMESTAMP); type indexes the record's event type within its
 * source (tu_dataset_type_name); sig is the BLAKE2b hash of (source, type,
 * signature) as tu_check_indistinguishable defines it.
 */
typedef struct tu_record {
	ls_time time;
	uint64_t off; /* byte offset of the line in its file */
	uint32_t len; /* bytes of the line, without its newline */
	uint32_t line;
	uint8_t source; /* a tu_source */
	uint16_t type;
	char rid[TU_RID_LEN + 1];
	unsigned char sig[TU_SIG_BYTES];
} tu_record;

/* A (source, record id) pair; line is the answer key's line (0 if not from it). */
typedef struct tu_ref {
	tu_source source;
	char rid[TU_RID_LEN + 1];
	uint32_t line;
} tu_ref;

typedef struct tu_refs {
	tu_ref *v;
	size_t n, cap;
} tu_refs;

/* ------------------------------------------------------------- answer key */

/*
 * The answer key as docs/answer-key.md describes it. A string the key
 * leaves out or gives as null is NULL, a number 0; ids, names, kinds,
 * techniques and hosts must be strings, and a step must have its start and
 * end. Times are microseconds (core/time.h).
 */

typedef struct tu_actor {
	char *user, *person, *role, *credential;
} tu_actor;

typedef struct tu_step {
	char *name;
	char **techniques;
	size_t ntechniques, techniques_cap;
	ls_time start, end;
	tu_refs records;
	bool has_earliest[TU_SOURCES];
	ls_time earliest[TU_SOURCES]; /* earliest_detectable, by source */
	uint32_t line;
} tu_step;

typedef struct tu_upload {
	char *file, *path;
	uint64_t size, parts, sessions, wire_bytes;
	bool vpn;
	ls_time start, end;
	tu_refs records;
	uint32_t line;
} tu_upload;

typedef struct tu_campaign {
	char *id, *preset;
	tu_actor *actors;
	size_t nactors, actors_cap;
	char **hosts;
	size_t nhosts, hosts_cap;
	tu_step *steps;
	size_t nsteps, steps_cap;
	struct {
		uint64_t rows, export_bytes, archive_bytes, wire_bytes, parts, sessions;
	} totals;
	bool has_export;
	struct {
		char *session, *format, *name, *sha256;
		uint64_t rows, canaries, bytes;
	} export;
	tu_upload *uploads;
	size_t nuploads, uploads_cap;
	bool has_leaked_file;
	struct {
		char *name, *sha256, *export_session;
		uint64_t size;
	} leaked_file;
	uint32_t line;
} tu_campaign;

typedef struct tu_decoy {
	char *kind;
	tu_refs records;
	uint32_t line;
} tu_decoy;

typedef struct tu_answer_key {
	char *scenario, *leaksim;
	uint64_t seed;
	tu_campaign *campaigns;
	size_t ncampaigns, campaigns_cap;
	tu_decoy *decoys;
	size_t ndecoys, decoys_cap;
	tu_source missing_sensor; /* TU_SRC_NONE when null */
	bool skewed[TU_SOURCES];  /* listed in clock_skew_seconds */
	ls_time skew[TU_SOURCES]; /* that skew, in microseconds */
	uint64_t delay_seconds;
	tu_refs dropped, duplicated, delayed;
} tu_answer_key;

/* One line of truth/export-sessions.jsonl. */
typedef struct tu_export_session {
	char *session, *account, *host, *format, *kind; /* kind NULL when null */
	ls_time time;
	uint64_t rows;
} tu_export_session;

/* ---------------------------------------------------------------- dataset */

typedef struct tu_dataset_priv tu_dataset_priv;

typedef struct tu_dataset {
	char *dir;
	bool present[TU_SOURCES]; /* the source's log file exists */
	tu_record *recs;          /* every record, source by source, in file order */
	size_t nrecs;
	size_t begin[TU_SOURCES + 1]; /* source s is recs[begin[s]] .. recs[begin[s + 1] - 1] */
	tu_answer_key key;
	bool have_exports; /* truth/export-sessions.jsonl exists */
	tu_export_session *exports;
	size_t nexports, exports_cap;
	tu_dataset_priv *priv;
} tu_dataset;

/*
 * Load the dataset in dir. Returns NULL, with "file:line:col: message"
 * appended to err, if a file cannot be read or parsed, a record lacks a
 * time or a well-formed rid, or the answer key or export log is malformed.
 */
tu_dataset *tu_dataset_try_load(const char *dir, ls_buf *err);
/* As tu_dataset_try_load, failing the running test on error. */
tu_dataset *tu_dataset_load(const char *dir);
/* Free everything. Accepts NULL. */
void tu_dataset_free(tu_dataset *ds);

/*
 * Number of records of that source with that rid (rid need not be
 * NUL-terminated: its first TU_RID_LEN bytes are used). If first is not
 * NULL it gets the first such record in file order, or NULL.
 */
size_t tu_dataset_find(const tu_dataset *ds, tu_source source, const char *rid,
                       const tu_record **first);
/* The record's line, without its newline (borrowed from the dataset). */
ls_sv tu_record_line(const tu_dataset *ds, const tu_record *r);
/*
 * The first value of the field named `field` of the record (as the readers
 * name it: "orig_bytes", "id.resp_h", "cs-bytes", "rid"), copied into value;
 * false, value empty, if the record has no such field.
 */
bool tu_record_field(const tu_dataset *ds, const tu_record *r, const char *field, ls_buf *value);
/* The name of event type `type` of a source: an EventID, an event, an app, or "". */
const char *tu_dataset_type_name(const tu_dataset *ds, tu_source source, uint16_t type);

/*
 * The sum of the unsigned integer field `field` over the refs of the given
 * source (refs of other sources are skipped), each counted once: the first
 * record with its rid. A ref without a record (dropped) adds nothing, nor
 * does a record without the field (a Zeek unset "-"); a value that is not
 * an unsigned integer, or an overflow, fails the test.
 */
uint64_t tu_dataset_sum(const tu_dataset *ds, const tu_ref *refs, size_t n, tu_source source,
                        const char *field);

/* ----------------------------------------------------------------- checks */

/*
 * The answer key agrees with the logs:
 *   - every ref of every campaign step, upload, decoy and dirty list has
 *     exactly one record of that rid in its source; none when the rid is in
 *     dirty.dropped or its source is dirty.missing_sensor, two when it is
 *     in dirty.duplicated; the missing sensor has no records at all;
 *   - each step is named access, collection, staging, transfer,
 *     exfiltration, publication or anti_forensics, has start <= end, every
 *     record of it lies in [start, end] (sources listed in
 *     clock_skew_seconds excepted), and earliest_detectable has one key per
 *     source of the step that has records, equal to the earliest logged
 *     time of those records;
 *   - no rid is listed in two steps, twice in one step, or in a step and a
 *     decoy;
 *   - each campaign has export and leaked_file, leaked_file.export_session
 *     equals export.session, and that session is in export-sessions.jsonl.
 * Returns the number of problems; report (may be NULL) gets the details.
 */
size_t tu_answer_key_problems(const tu_dataset *ds, ls_buf *report);
/* Fail the running test unless tu_answer_key_problems finds nothing. */
void tu_check_answer_key(const tu_dataset *ds);

/*
 * Nothing but behaviour separates campaign records from the others. A
 * record's event type is its EventID (sysmon), event (messaging, dhcp) or
 * app (auth); the other sources have one type. Its signature is the
 * ordered list of its fields' names and value types, with the shape of the
 * id and time fields (timestamp, ts, UtcTime, CreationUtcTime, rid, uid,
 * ProcessGuid, ParentProcessGuid, session_id, session_start, LogonId,
 * TargetLogonId, lease_start, lease_end). A shape is the value with each
 * run of ASCII letters and digits replaced by its length, after a letter
 * for the letters it uses: "M" both cases, "a" or "A" one case beyond the
 * hex digits, "X" upper-case hex digits, "x" lower-case ones or none. So
 * "2026-03-02T01:23:45.123456Z" is "A:4-2-5:2:2.7", a rid "x:20", a
 * ProcessGuid "X:{8-4-4-4-12}" and a Zeek uid "M:18", however the random
 * digits fall. Every record labelled by a campaign (a step's or an upload's ref)
 * must have a signature that some unlabelled record (decoys included) of
 * the same source and type has. Returns the number of problems; report
 * (may be NULL) names each offending record with its signature and the
 * closest unlabelled one.
 */
size_t tu_indistinguishable_problems(const tu_dataset *ds, ls_buf *report);
/* Fail the running test unless tu_indistinguishable_problems finds nothing. */
void tu_check_indistinguishable(const tu_dataset *ds);

#endif
