/*
 * score.h - alerts joined to the answer key: how well, how fast, how noisy.
 *
 * A scorer reads a dataset's truth (truth/answer-key.json and the period
 * of manifest.json) and an alerts file (JSON Lines as `leaksim detect`
 * writes them), joins every record an alert names to the answer key by
 * (source, rid), and computes the figures docs/scoring.md defines, at
 * three levels (event, entity-day, incident), per rule, per campaign step
 * and per ATT&CK technique, plus the operational load. Entities (users and
 * hosts) come from an alert's group or, failing that, from the records it
 * names, looked up in the dataset's logs and enriched the way detect
 * enriches events (DHCP leases for addresses, Sysmon's User and Computer).
 *
 * Use: ls_score_init; ls_score_load_dataset (or ls_score_parse_key and
 * ls_score_parse_manifest); ls_score_read_alerts; optionally
 * ls_score_resolve (entities from the logs) and ls_score_expect_rows;
 * ls_score_compute; then read the figures or render them with
 * ls_score_write_json / ls_score_write_text.
 *
 * Inputs are read strictly: a malformed answer key, manifest or alert line
 * is LS_ERR_PARSE (LS_ERR_TOOLONG for a limit) with file:line:col. Keys
 * this reader does not use are ignored, so later versions may add fields.
 *
 * Ownership: an ls_score owns everything it loads and computes (one arena
 * plus its tables); every pointer in it is valid until ls_score_fini. The
 * structs below are read-only for callers once ls_score_compute has run.
 */
#ifndef LS_SCORE_SCORE_H
#define LS_SCORE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/strmap.h"
#include "core/time.h"

/* "No such time": an undetected step, an alert without a time. */
#define LS_SCORE_NO_TIME INT64_MIN

/* A figure that may be undefined (a ratio over zero, a missing input). */
typedef struct ls_score_ratio {
	uint64_t num, den; /* defined when den > 0 */
} ls_score_ratio;

typedef struct ls_score_rule {
	const char *rule_id; /* NULL when the rule has no id */
	const char *title;   /* NULL for a row that only an expectation names */
	const char *level;   /* of its first alert; NULL if none */
	uint64_t alerts;
	uint64_t tp, fp;           /* alerts with / without a malicious record */
	uint64_t records_recalled; /* distinct malicious records its alerts name */
	uint64_t decoy_alerts;     /* false alerts naming a decoy record */
	ls_time first_alert;       /* earliest alert time (LS_SCORE_NO_TIME if none) */
	ls_time first_true;        /* earliest true alert time */
	bool ttd_defined;
	int64_t ttd; /* microseconds: see docs/scoring.md */
} ls_score_rule;

/* Detection figures shared by steps, techniques and campaigns. */
typedef struct ls_score_det {
	uint64_t records;  /* distinct records listed */
	uint64_t recalled; /* of them, named by at least one alert */
	bool detected;     /* at least one alert names one of them */
	ls_time first;     /* earliest time of such an alert */
	ls_time earliest;  /* earliest detectable time */
	bool ttd_defined;  /* detected, first and earliest known */
	int64_t ttd;       /* first - earliest, microseconds */
	int before_end;    /* first < end of exfiltration: 1, 0, or -1 undefined */
} ls_score_det;

typedef struct ls_score_step {
	size_t campaign; /* index in campaigns */
	const char *name;
	const char **techniques;
	size_t ntechniques;
	ls_time start, end;
	uint32_t *recs; /* distinct record indices */
	size_t nrecs;
	ls_score_det det;
} ls_score_step;

typedef struct ls_score_technique {
	const char *id;
	ls_score_det det;
} ls_score_technique;

typedef struct ls_score_campaign {
	const char *id;
	size_t first_step, nsteps; /* its steps, contiguous in steps[] */
	ls_time exfil_end;         /* LS_SCORE_NO_TIME: no exfiltration step or upload */
	ls_score_det det;
} ls_score_campaign;

typedef struct ls_score_levels {
	/* event */
	uint64_t malicious;     /* distinct records in any campaign step */
	uint64_t unwritten;     /* of them, dropped or from the missing sensor */
	uint64_t alerted;       /* distinct records named by any alert */
	uint64_t recalled;      /* malicious and alerted */
	uint64_t decoy_alerted; /* decoy records named by any alert */
	/* entity-day */
	uint64_t ed_malicious, ed_flagged, ed_true;
	uint64_t ed_unattributed; /* alerts with no entity or no day */
	uint64_t not_found;       /* alerted or malicious records not found in the logs */
	/* incident */
	uint64_t true_alerts, false_alerts;
	size_t campaigns_detected;
	ls_score_det incident; /* all campaigns as one incident */
} ls_score_levels;

typedef struct ls_score_ops {
	uint64_t days;     /* manifest "days" */
	bool have_entities; /* a DHCP log was read */
	uint64_t users, hosts;
} ls_score_ops;

/* Private tables (score.c). */
typedef struct ls_score_rec ls_score_rec;
typedef struct ls_score_alert ls_score_alert;
typedef struct ls_score_link ls_score_link;

typedef struct ls_score {
	ls_arena arena;
	/* truth */
	const char *scenario;
	uint64_t seed;
	bool have_seed;
	const char *start; /* manifest "start", as written; NULL if absent */
	ls_score_campaign *campaigns;
	size_t ncampaigns;
	ls_score_step *steps;
	size_t nsteps, stepcap;
	ls_score_technique *techniques;
	size_t ntechniques, techcap;
	const char **kinds; /* decoy kinds, in answer-key order */
	size_t nkinds, kindcap;
	/* the join */
	ls_score_rec *recs;
	size_t nrecs, reccap;
	ls_score_link *links; /* a record's steps and decoy kinds */
	size_t nlinks, linkcap;
	ls_strmap recmap, rulemap, entmap, techmap, kindmap;
	ls_score_alert *alerts;
	size_t nalerts, alertcap;
	uint32_t *refs; /* record indices named by alerts */
	size_t nrefs, refcap;
	ls_score_rule *rules;
	size_t nrules, rulecap;
	size_t *order; /* rule rows in report order (after compute) */
	const char **entities; /* "user:NAME" / "host:NAME" */
	size_t nentities, entcap;
	/* per (rule, step) and (rule, kind) */
	bool *rule_step, *rule_kind;
	ls_time *rule_step_first;
	/* logs */
	uint64_t log_lines_bad;
	bool resolved;
	/* results */
	ls_score_levels lv;
	ls_score_ops ops;
	bool computed;
} ls_score;

void ls_score_init(ls_score *s);
/* Accepts a zeroed or finished scorer. */
void ls_score_fini(ls_score *s);

/*
 * DIR/manifest.json (scenario, seed, start, days) and
 * DIR/truth/answer-key.json. LS_ERR_NOTFOUND when either is missing.
 */
ls_err ls_score_load_dataset(ls_score *s, const char *dir, ls_diag *d) LS_WUR;
/* The answer key's text (docs/answer-key.md); file names it in diagnostics. */
ls_err ls_score_parse_key(ls_score *s, const char *text, size_t len, const char *file,
                          ls_diag *d) LS_WUR;
/* The manifest's text: "days" (a positive integer) is required. */
ls_err ls_score_parse_manifest(ls_score *s, const char *text, size_t len, const char *file,
                               ls_diag *d) LS_WUR;

/*
 * Every line of f (named `file` in diagnostics) is one alert:
 *   {"rule_id": string|null, "title": string, "time": RFC 3339|null,
 *    "records": [{"source": string, "rid": string}, ...],
 *    "group": {..} (optional), "level", "tags" (optional), ...}
 * A line that is not such an object (an empty line included) stops the
 * reading with LS_ERR_PARSE at file:line:col. Load the answer key first.
 */
ls_err ls_score_read_alerts(ls_score *s, FILE *f, const char *file, ls_diag *d) LS_WUR;
/* The same for a path (LS_ERR_NOTFOUND if it does not exist). */
ls_err ls_score_load_alerts(ls_score *s, const char *path, ls_diag *d) LS_WUR;

/*
 * Look up, in DIR/logs, every record that an alert names or a campaign step
 * lists, for its time and its entities; and count the entities of the DHCP
 * log. A missing log is not an error (its records stay unresolved); a line
 * that does not parse is counted in log_lines_bad; LS_ERR_IO stops.
 */
ls_err ls_score_resolve(ls_score *s, const char *dir, ls_diag *d) LS_WUR;

/* Add a row (no alerts) for a rule id that no alert named. */
void ls_score_add_rule(ls_score *s, const char *rule_id);

/* Compute every figure, after loading (again after adding rows). */
void ls_score_compute(ls_score *s);

/* ratio helpers */
bool ls_score_ratio_defined(ls_score_ratio r);
double ls_score_ratio_value(ls_score_ratio r);
ls_score_ratio ls_score_rule_precision(const ls_score_rule *r);
ls_score_ratio ls_score_rule_recall(const ls_score *s, const ls_score_rule *r);
/* Whether rule i's true alerts touched step j / its false alerts decoy kind k. */
bool ls_score_rule_step(const ls_score *s, size_t rule, size_t step);
bool ls_score_rule_kind(const ls_score *s, size_t rule, size_t kind);
/* Whether rule i named a record of technique t. */
bool ls_score_rule_technique(const ls_score *s, size_t rule, size_t tech);
/* The rule's row index for rule_id (NULL: the id-less rule titled title), or -1. */
long ls_score_find_rule(const ls_score *s, const char *rule_id, const char *title);

/* ----------------------------------------------------------- expectations */

/* One check of an expectations file. */
typedef enum ls_score_check_kind {
	LS_CHECK_AT_LEAST = 0,
	LS_CHECK_EXACTLY,
	LS_CHECK_MIN_RECALL,
	LS_CHECK_MAX_FP,
} ls_score_check_kind;

typedef struct ls_score_check {
	ls_score_check_kind kind;
	unsigned long line, col; /* of its key */
	uint64_t n;              /* at_least, exactly, max_fp */
	double x;                /* min_recall */
	const char *text;        /* the value as written */
	/* ls_score_expect_check fills these */
	bool ok;
	char got[64];     /* the figure found, as text */
	char reason[256]; /* why it failed */
} ls_score_check;

typedef struct ls_score_expectation {
	const char *rule_id;
	unsigned long line, col;
	ls_score_check *checks;
	size_t nchecks;
} ls_score_expectation;

typedef struct ls_score_expect {
	ls_arena arena;
	const char *file;
	ls_score_expectation *items;
	size_t n, cap;
	size_t failed; /* after ls_score_expect_check */
} ls_score_expect;

/* "at_least", "exactly", "min_recall" or "max_fp". */
const char *ls_score_check_name(ls_score_check_kind k);

/*
 * An expectations file: a YAML mapping of rule id -> a mapping of
 * at_least, exactly, max_fp (non-negative integers: alerts, alerts, false
 * alerts) and min_recall (0..1: records recalled / malicious records).
 * An unknown key, a value of the wrong kind or out of range, or a rule
 * named twice is LS_ERR_PARSE at the node's file:line:col.
 */
ls_err ls_score_expect_parse(ls_score_expect *E, const char *text, size_t len, const char *file,
                             ls_diag *d) LS_WUR;
ls_err ls_score_expect_load(ls_score_expect *E, const char *path, ls_diag *d) LS_WUR;
void ls_score_expect_fini(ls_score_expect *E);
/* Rows for every rule the expectations name (before ls_score_compute). */
void ls_score_expect_rows(ls_score *s, const ls_score_expect *E);
/* Judge every check (after ls_score_compute); returns the number that failed. */
size_t ls_score_expect_check(const ls_score *s, ls_score_expect *E);

/* -------------------------------------------------------------- rendering */

/* A duration in microseconds for people: "4m 05s", "12.3s", "-1.0s", "2h 07m", "3d 04h". */
void ls_score_format_duration(int64_t us, char *b, size_t cap);

/*
 * The report as one JSON object and a newline (docs/scoring.md gives the
 * shape); E (may be NULL) adds "expectations".
 */
void ls_score_write_json(const ls_score *s, const ls_score_expect *E, ls_buf *out);
/* The report as aligned tables for a terminal. */
void ls_score_write_text(const ls_score *s, ls_buf *out);

#endif
