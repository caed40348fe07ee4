/*
 * scenario.h - what a simulation run is: the fictional organisation, the
 * period, and the knobs of its benign life.
 *
 * A scenario is a YAML document (docs/scenarios.md documents every key).
 * Every field has a default (sim_scenario_defaults), so an empty document, or
 * no document at all, is a valid scenario. Built-in scenarios live in
 * sim/scenarios/ (one .yaml file each) and are embedded in the binary at build time;
 * sim_scenario_resolve accepts either a built-in name or a file path.
 *
 * Units are in the field names or comments: probabilities are 0..1, rates
 * are per person per day unless stated, times of day are minutes after local
 * midnight.
 *
 * Ownership: a loaded scenario owns its strings; sim_scenario_fini frees them.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"

typedef enum sim_profile {
	SIM_PROFILE_MSGR = 0,     /* the fictional messenger (default) */
	SIM_PROFILE_TELEGRAM = 1, /* real public host and client names; documentation IPs */
} sim_profile;

/* Roles of people; the order is stable (it indexes role_mix). */
typedef enum sim_role {
	SIM_ROLE_OFFICE = 0,
	SIM_ROLE_ANALYST,
	SIM_ROLE_DEVELOPER,
	SIM_ROLE_DBA,
	SIM_ROLE_IT_ADMIN,
	SIM_ROLE_EXECUTIVE,
	SIM_ROLE__COUNT
} sim_role;

#define SIM_PEOPLE_MAX 100000u
/* The number of log sources (sim_source in sim/emit.h). */
#define SIM_SOURCES 9
#define SIM_DAYS_MAX 366u

/* ------------------------------------------------------------ campaign */

/* The campaign's built-in presets (SPEC 3); each sets every knob below. */
typedef enum sim_preset {
	SIM_PRESET_REGISTER_LEAK = 0, /* the default: the news story at full size */
	SIM_PRESET_EASY,              /* one bulk burst after hours */
	SIM_PRESET_MEDIUM,            /* in hours, chunked */
	SIM_PRESET_HARD,              /* low and slow over days through a DBA's account */
	SIM_PRESET__COUNT
} sim_preset;

typedef enum sim_cred { SIM_CRED_OWN = 0, SIM_CRED_STOLEN_DBA } sim_cred;
typedef enum sim_via { SIM_VIA_JUMP = 0, SIM_VIA_DIRECT } sim_via;
typedef enum sim_hours { SIM_HOURS_IN = 0, SIM_HOURS_AFTER } sim_hours;
typedef enum sim_collect {
	SIM_COLLECT_COPY = 0,  /* one bulk COPY ... TO STDOUT */
	SIM_COLLECT_SELECT,    /* one bulk SELECT *, exported by the client */
	SIM_COLLECT_PAGINATED, /* LIMIT/OFFSET pages over several days */
	SIM_COLLECT_PG_DUMP    /* pg_dump of the table */
} sim_collect;
typedef enum sim_xfmt { SIM_XFMT_CSV = 0, SIM_XFMT_COPY, SIM_XFMT_INSERT } sim_xfmt;
typedef enum sim_tool { SIM_TOOL_NONE = 0, SIM_TOOL_ZIP, SIM_TOOL_7Z, SIM_TOOL_ZSTD } sim_tool;
typedef enum sim_where { SIM_WHERE_LAPTOP = 0, SIM_WHERE_SERVER } sim_where;
typedef enum sim_transfer {
	SIM_XFER_SCP = 0,
	SIM_XFER_SFTP,
	SIM_XFER_HTTPS,
	SIM_XFER_USB
} sim_transfer;
typedef enum sim_path { SIM_PATH_NATIVE = 0, SIM_PATH_BOT, SIM_PATH_MIXED } sim_path;
typedef enum sim_schedule {
	SIM_SCHED_BURST = 0,  /* every upload right after the transfer */
	SIM_SCHED_IN_HOURS,   /* spread over working hours of `days` weekdays */
	SIM_SCHED_AFTER_HOURS /* spread over evenings of `days` weekdays */
} sim_schedule;

/* "auto" for start_day: the latest of days 2, 1, 0 at which the campaign fits. */
#define SIM_START_DAY_AUTO UINT32_MAX

typedef struct sim_campaign_cfg {
	bool enabled;       /* default true */
	sim_preset preset;  /* the preset the knobs started from */
	sim_role insider;   /* the insider's role (default analyst) */
	uint32_t start_day; /* 0-based day of the period, or SIM_START_DAY_AUTO */
	/* access */
	sim_cred account;
	sim_via via;
	sim_hours hours;
	/* collection */
	sim_collect method;
	uint32_t collect_days; /* paginated: over this many weekdays */
	uint64_t rows;         /* 0: every row of the register */
	sim_xfmt format;
	/* staging */
	sim_tool tool;
	bool password;
	uint32_t split_mb; /* volume size in MiB, 0: one file */
	bool renamed;      /* the archiver runs under another name */
	sim_where stage_where;
	/* transfer to the laptop */
	sim_transfer transfer;
	/* exfiltration */
	sim_path path;
	uint32_t sessions;       /* native parallel upload sessions, 1..8 */
	double rate_mb_per_hour; /* 0: as fast as the link goes */
	sim_schedule schedule;
	uint32_t exfil_days; /* weekdays the schedule spreads over */
	bool vpn;
	/* publication */
	char *channel;
	uint32_t publish_delay_min;
	/* anti-forensics */
	bool clear_history;
	bool delete_staging;
	bool edit_log;
} sim_campaign_cfg;

/* Set every knob of c to the preset's values (c->channel is replaced). */
void sim_campaign_preset(sim_campaign_cfg *c, sim_preset p);
const char *sim_preset_name(sim_preset p);

typedef struct sim_scenario {
	char *name;        /* built-in name or file stem */
	char *description; /* one line */
	uint64_t seed;     /* default 1 */

	/* The period: `days` local days from local midnight of `start`. */
	ls_time start;      /* UTC instant of local midnight of the start date;
	                       default 2026-03-02 (a Monday) */
	uint32_t days;      /* default 7, 1..SIM_DAYS_MAX */
	int utc_offset_min; /* local time = UTC + this; default +480 (UTC+8) */
	sim_profile profile;

	/* organisation: */
	char *org_name;   /* fictional; default "Harbourside Members Union" */
	char *org_domain; /* must end in .example/.test/.invalid; default "corp.example" */
	uint32_t people;  /* default 200, 1..SIM_PEOPLE_MAX */
	double role_mix[SIM_ROLE__COUNT]; /* relative weights; need not sum to 1 */
	uint32_t team_size;               /* people per team, default 8 */

	/* schedule: (local time) */
	uint32_t start_mean_min;  /* mean start of the working day, default 525 (08:45) */
	uint32_t start_sd_min;    /* spread of personal start times, default 35 */
	uint32_t workday_min;     /* length of the working day incl. lunch, default 540 */
	uint32_t lunch_min;       /* default 50 */
	double overtime_prob;     /* per working day, default 0.15 */
	double weekend_work_prob; /* per person per weekend day, default 0.04 */
	double leave_prob;        /* per working day, default 0.04 */
	double travel_prob;       /* per working day, default 0.02 */
	uint32_t drift_min;       /* day-to-day habit drift (sd), default 12 */

	/* network: */
	uint32_t dhcp_lease_min; /* DHCP lease length, default 480 */

	/* behaviour (per person per working day unless stated): */
	double web_per_hour;            /* proxied web requests per active hour, default 30 */
	double messenger_users;         /* fraction using the messenger, default 0.6 */
	double messenger_msgs_per_day;  /* chat messages per user, default 25 */
	double messenger_files_per_day; /* file sends per user, default 1.0 */
	double fileserver_ops_per_day;  /* default 15 */
	double analyst_queries_per_day; /* database queries per analyst, default 20 */
	double dba_queries_per_day;     /* default 30 */
	double app_queries_per_min;     /* app server service account, default 12 */
	double ssh_sessions_per_day;    /* per admin/developer, default 3 */

	/* hard negatives: */
	bool nightly_backup;      /* pg_dump of the register, default true */
	uint32_t backup_time_min; /* local, default 120 (02:00) */
	double exports_per_week;  /* large exports per analyst or DBA per week, default 0.5 */
	double big_send_prob;     /* per messenger user per day: large file sent, default 0.04 */
	double archive_prob;      /* per person per day: makes an archive, default 0.05 */
	double encrypted_archive_frac; /* of those, password-protected 7z/zip, default 0.3 */
	double cloud_sync_users;       /* fraction with a cloud-sync client, default 0.2 */
	double big_download_prob;      /* per person per day: OS/software download, default 0.03 */
	double admin_scp_per_day;      /* scp downloads per IT admin per day, default 0.5 */

	/* dirty data (all off by default): */
	double drop_rate;      /* each record is lost with this probability */
	double duplicate_rate; /* each record is written twice with this probability */
	double delay_rate;     /* each record arrives late with this probability */
	uint32_t delay_s;      /* how late, in seconds (default 300) */
	int missing_sensor;    /* a sim_source whose file is not written, or -1 (default) */
	double clock_skew_s[SIM_SOURCES]; /* per source, seconds its clock runs ahead */

	/* register: */
	uint64_t register_rows; /* default 1950000 */

	/* the insider's campaign (default: the register-leak preset) */
	sim_campaign_cfg campaign;
} sim_scenario;

/* Largest scenario text accepted (LS_ERR_TOOLONG beyond). */
#define SIM_SCENARIO_TEXT_MAX (1024u * 1024u)
/* Most YAML nodes (scalars, sequences, mappings) in one scenario document. */
#define SIM_SCENARIO_NODES_MAX 10000u

/*
 * Fill every field with its default (name "default", empty description).
 * *s is overwritten, not freed: fini a scenario before reusing it.
 */
void sim_scenario_defaults(sim_scenario *s);
/* Free owned strings; accepts NULL and zeroed scenarios. */
void sim_scenario_fini(sim_scenario *s);

/*
 * Load a scenario from YAML text: defaults first, then each key present
 * overrides its field. Unknown keys, wrong types and out-of-range values are
 * LS_ERR_PARSE/LS_ERR_RANGE with d->file = file, d->line/col at the offending
 * node (1-based). name is used when the document has no `name:` key (NULL:
 * "default"). Aliases and more than one document are LS_ERR_PARSE, text longer than
 * SIM_SCENARIO_TEXT_MAX, more than SIM_SCENARIO_NODES_MAX nodes or nesting
 * deeper than LS_YAML_DEPTH_MAX LS_ERR_TOOLONG. *s is overwritten (not
 * freed): on success it owns its strings, on error it is left zeroed.
 * docs/scenarios.md lists every key.
 */
ls_err sim_scenario_load_mem(sim_scenario *s, const char *text, size_t len, const char *file,
                             const char *name, ls_diag *d) LS_WUR;
/*
 * Apply YAML text on top of an already loaded scenario: each key present
 * overrides its field, exactly as in a scenario file (so `campaign:
 * {preset: hard}` resets the campaign to that preset first), and the knobs
 * that go together are checked against the result. On error *s may be
 * partly changed: fini it.
 */
ls_err sim_scenario_apply_mem(sim_scenario *s, const char *text, size_t len, const char *file,
                              ls_diag *d) LS_WUR;
/* Load from a file (the name defaults to the file's stem). */
ls_err sim_scenario_load_file(sim_scenario *s, const char *path, ls_diag *d) LS_WUR;
/*
 * Read a scenario file's text into out (replacing its contents): LS_ERR_IO
 * if it cannot be read, LS_ERR_TOOLONG beyond SIM_SCENARIO_TEXT_MAX.
 */
ls_err sim_scenario_read_file(const char *path, ls_buf *out, ls_diag *d) LS_WUR;
/* True if name_or_path names a file rather than a built-in (see below). */
bool sim_scenario_is_path(const char *name_or_path);
/*
 * A built-in name (see sim_scenario_builtin) or, if it contains '/' or ends in
 * .yaml/.yml, a file path. LS_ERR_NOTFOUND for an unknown name (d->file is
 * the name). Diagnostics about a built-in give its file as
 * "sim/scenarios/NAME.yaml", held in a per-thread buffer that stays valid until
 * the next resolve in the same thread.
 */
ls_err sim_scenario_resolve(sim_scenario *s, const char *name_or_path, ls_diag *d) LS_WUR;

/* The embedded built-in scenarios (generated at build time). */
typedef struct sim_builtin_scenario {
	const char *name; /* file stem in sim/scenarios/ */
	const unsigned char *yaml;
	size_t len;
} sim_builtin_scenario;

extern const sim_builtin_scenario sim_builtin_scenarios[];
extern const size_t sim_builtin_scenario_count;

/* The built-in with that name, or NULL. */
const sim_builtin_scenario *sim_scenario_builtin(const char *name);

/* Stable lower-case names ("office", "analyst", ...) and parsing. */
const char *sim_role_name(sim_role r);
const char *sim_profile_name(sim_profile p);
/* The role or profile with exactly that name, or LS_ERR_NOTFOUND. */
ls_err sim_role_parse(ls_sv name, sim_role *out) LS_WUR;
ls_err sim_profile_parse(ls_sv name, sim_profile *out) LS_WUR;

#endif
