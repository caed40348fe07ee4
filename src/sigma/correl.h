/*
 * correl.h - Sigma correlation rules (specification v2.1, "Correlations"):
 * parsing, and the streaming evaluation over time-ordered rule matches.
 *
 * A correlation document names other rules (by id or name; detection
 * rules or other correlations: chaining), a type, an optional group-by,
 * a timespan and a condition:
 *   event_count       the group's matches in the window
 *   value_count       distinct values of condition.field in the window
 *   temporal          every named rule matched in the window (any order)
 *   temporal_ordered  the named rules matched in the window in the given order
 *   value_sum / value_avg / value_percentile   of the numeric condition.field
 * aliases map one group-by name to a different field per rule; generate
 * (default false) says whether the named base rules still alert on their own.
 *
 * Semantics (docs/sigma.md): windows slide in event time and are inclusive,
 * [t - timespan, t]; a group's state resets after it fires; gt/gte/eq are
 * decided as each match arrives, lt/lte when a window closes (the first
 * match of the group is timespan old) or at the end of input; evaluation
 * runs over one time-ordered merge of every input. A group-by field missing
 * from an event puts the event in the group whose value is empty (as null).
 *
 * Ownership: a parsed ls_correl owns its strings; an engine borrows the
 * ruleset it was built from.
 */
#ifndef LS_SIGMA_CORREL_H
#define LS_SIGMA_CORREL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"
#include "io/event.h"
#include "io/yaml.h"

typedef enum ls_correl_type {
	LS_CORREL_EVENT_COUNT = 0,
	LS_CORREL_VALUE_COUNT,
	LS_CORREL_TEMPORAL,
	LS_CORREL_TEMPORAL_ORDERED,
	LS_CORREL_VALUE_SUM,
	LS_CORREL_VALUE_AVG,
	LS_CORREL_VALUE_PERCENTILE
} ls_correl_type;

const char *ls_correl_type_name(ls_correl_type t);

typedef enum ls_cmp { LS_CMP_NONE = 0, LS_CMP_GT, LS_CMP_GTE, LS_CMP_LT, LS_CMP_LTE, LS_CMP_EQ } ls_cmp;

/* One alias: the group-by name `name` reads field fields[i] in events of rules[i]. */
typedef struct ls_correl_alias {
	char *name;
	char **rules; /* rule ids or names as written */
	char **fields;
	size_t n;
} ls_correl_alias;

typedef struct ls_correl {
	ls_correl_type type;
	char **rules; /* referenced rules (ids or names), as written */
	size_t nrules;
	char **group_by;
	size_t ngroup_by;
	ls_time timespan; /* microseconds, > 0 */
	/* condition: up to two comparisons (gte and lte may bound a range) */
	ls_cmp cmp[2];
	double threshold[2];
	size_t ncmp;
	char *field;      /* value_count / value_sum / value_avg / value_percentile */
	double percentile; /* value_percentile: the percentile (default 95 if not given) */
	ls_correl_alias *aliases;
	size_t naliases;
	bool generate;
	/* The document's own id and name (NULL if not given), by which other
	 * correlations may refer to this one. */
	char *id;
	char *name;
} ls_correl;

/*
 * Parse the `correlation:` mapping of a rule document (root is the
 * document's mapping). Errors are LS_ERR_PARSE with file, line and column:
 * an unknown type, a missing rules list or timespan, a timespan that is not
 * N followed by s, m, h, d (or w), a condition without a comparison, a
 * field missing for a value_* type or given for event_count/temporal, an
 * alias naming a rule not in rules, an unknown key.
 */
ls_err ls_correl_parse(ls_correl *c, const ls_ynode *root, const char *file,
                       ls_diag *d) LS_WUR;
void ls_correl_fini(ls_correl *c);

/* ------------------------------------------------------------ runtime */

/* A record reference carried into an alert: source name and rid (or FILE:LINE). */
typedef struct ls_recref {
	const char *source; /* borrowed: stable for the whole run */
	char rid[48];
} ls_recref;

/* What a correlation alert reports. */
typedef struct ls_correl_alert {
	uint32_t correl;       /* index of the correlation in the engine */
	ls_time time;          /* when it fired (event time of the deciding match, or window close) */
	const ls_sv *group_names;  /* the group-by names ... */
	const ls_sv *group_values; /* ... and this group's values */
	size_t ngroup;
	const ls_recref *records;  /* every contributing base event, in time order */
	size_t nrecords;
	double value;              /* the count, sum, average or percentile that fired */
	size_t nrecords_total;     /* contributing records before the LS_CORREL_RECORDS_MAX cap */
} ls_correl_alert;

/* Most records one alert lists (the earliest ones); nrecords_total says how many there were. */
#define LS_CORREL_RECORDS_MAX 1000u

/* An alert's arrays are valid only during the call; fn may be NULL. */
typedef void (*ls_correl_alert_fn)(void *ctx, const ls_correl_alert *a);

typedef struct ls_correl_engine ls_correl_engine;

/*
 * An engine for correlations corr[0..n) over base rules whose ids and
 * names are rule_ids[i] / rule_names[i] (either may be NULL) for i in
 * 0..nbase. References are resolved here: a name or id that matches no
 * base rule and no other correlation is LS_ERR_NOTFOUND, a reference cycle
 * LS_ERR_PARSE; d->message says which correlation (by index: the caller
 * adds file and line). The engine copies corr[] itself but borrows every
 * string in it (and nothing of rule_ids/rule_names after returning).
 */
ls_err ls_correl_engine_new(ls_correl_engine **out, const ls_correl *corr, size_t n,
                            const char *const *rule_ids, const char *const *rule_names,
                            size_t nbase, ls_diag *d) LS_WUR;
void ls_correl_engine_free(ls_correl_engine *e);

/* Whether base rule i still alerts on its own (no correlation over it has generate: false). */
bool ls_correl_base_alerts(const ls_correl_engine *e, uint32_t base);
/*
 * The same for correlation i: false when a correlation chained over it has
 * generate: false, so that only the outermost correlation of a chain alerts.
 * Its alerts still reach fn (and the correlations over it) either way.
 */
bool ls_correl_alerts(const ls_correl_engine *e, uint32_t correl);

/*
 * Feed one match of base rule `base` at event time t (non-decreasing across
 * calls), with the event (for group-by and value fields) and its record.
 * Alerts fire through fn, including those of chained correlations.
 */
void ls_correl_feed(ls_correl_engine *e, uint32_t base, ls_time t, const ls_event *ev,
                    const ls_recref *rec, ls_correl_alert_fn fn, void *ctx);

/* Advance time to `now` (closing windows older than now - timespan: lt/lte
 * decisions), or with now == INT64_MAX, the end of input. */
void ls_correl_advance(ls_correl_engine *e, ls_time now, ls_correl_alert_fn fn, void *ctx);

/* Groups and matches currently held (memory is bounded by this, not by input). */
size_t ls_correl_state_size(const ls_correl_engine *e);

#endif
