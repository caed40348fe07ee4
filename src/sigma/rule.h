/*
 * rule.h - loading Sigma rules from YAML into compiled form.
 *
 * A rule file holds one or more YAML documents; each document is a rule.
 * A detection rule's `detection:` maps identifiers to searches and has a
 * `condition:` over them. A search is compiled into an OR of AND groups of
 * leaves (sigma/value.h):
 *   - a mapping is one AND group, one leaf per key (`field|mod|mod: value`,
 *     a list of values being the leaf's values);
 *   - a list of mappings is an OR of such groups;
 *   - a string, or a list of strings (and numbers), is a keyword search: one
 *     leaf with an empty field; a key written `'|mods'` gives a keyword
 *     search modifiers (`'|all': [a, b]`);
 * and the condition (or each condition of a list: they are ORed) is parsed
 * by sigma/cond.h against the identifier names, in document order.
 *
 * Nothing is silently ignored: a rule with an unknown modifier, a bad value,
 * an identifier the condition does not know, a missing title, logsource or
 * detection, or anything else it cannot honour is rejected, with the file,
 * line, column and reason, and loading carries on with the next document.
 * docs/sigma.md lists every check.
 *
 * Ownership: a ruleset owns its rules, their strings, leaves and
 * conditions, and its list of rejections; ls_ruleset_fini frees them.
 */
#ifndef LS_SIGMA_RULE_H
#define LS_SIGMA_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "sigma/cond.h"
#include "sigma/correl.h"
#include "sigma/pipeline.h"
#include "sigma/value.h"

/* Limits on one rule file. */
#define LS_RULE_FILE_MAX (4u * 1024u * 1024u)
#define LS_RULE_NODES_MAX 200000u
#define LS_RULE_DOCS_MAX 10000u

typedef enum ls_level {
	LS_LEVEL_NONE = 0, /* not given */
	LS_LEVEL_INFORMATIONAL,
	LS_LEVEL_LOW,
	LS_LEVEL_MEDIUM,
	LS_LEVEL_HIGH,
	LS_LEVEL_CRITICAL
} ls_level;

const char *ls_level_name(ls_level l);

/* An AND of leaves. */
typedef struct ls_rule_group {
	ls_sig_leaf **leaves;
	size_t n;
} ls_rule_group;

/* One identifier's search: an OR of groups. */
typedef struct ls_rule_search {
	char *name;
	ls_rule_group *groups;
	size_t ngroups;
} ls_rule_search;

typedef struct ls_logsource {
	char *category, *product, *service; /* NULL when not given */
} ls_logsource;

typedef struct ls_rule ls_rule;
struct ls_rule {
	char *file;
	unsigned long line; /* where its document starts */
	char *id, *name, *title, *description, *status;
	ls_level level;
	char **tags;
	size_t ntags;
	ls_logsource logsource;
	ls_rule_search *searches;
	size_t nsearches;
	ls_cond *conds; /* ORed */
	size_t nconds;
	ls_correl *correl; /* a correlation rule: no logsource, searches or conditions */
	/* A filter document: its searches and conditions, to be ANDed into the
	 * rules it names (filter_rules; none: every rule its logsource fits). */
	bool is_filter;
	char **filter_rules;
	size_t nfilter_rules;
	/* The filters that apply to this rule (ls_ruleset_link): all must hold.
	 * They point into the ruleset, valid until it is changed again. */
	const struct ls_rule **filters;
	size_t nfilters;
};

typedef struct ls_rule_reject {
	char *file;
	unsigned long line, col;
	ls_err err;
	char *message;
} ls_rule_reject;

typedef struct ls_ruleset {
	ls_rule *rules;
	size_t n, cap;
	ls_rule_reject *rejects;
	size_t nrejects, rcap;
	size_t files; /* rule files read */
	size_t docs;  /* YAML documents read */
	/* Applied to every rule loaded from now on (borrowed; NULL: none). */
	const ls_pipeline *pipeline;
} ls_ruleset;

void ls_ruleset_init(ls_ruleset *rs);
void ls_ruleset_fini(ls_ruleset *rs);

/*
 * Load the rules of a file, or of every *.yml and *.yaml file under a
 * directory (recursively, in bytewise path order; hidden entries are
 * skipped). Rejected documents and unreadable or unparsable files are
 * recorded in rs->rejects; the call fails (LS_ERR_IO or LS_ERR_NOTFOUND,
 * with d) only when path itself cannot be read.
 */
ls_err ls_ruleset_load(ls_ruleset *rs, const char *path, const ls_sig_env *env, ls_diag *d) LS_WUR;
/* Load the documents of one text (file names it in diagnostics). */
void ls_ruleset_load_mem(ls_ruleset *rs, const char *text, size_t len, const char *file,
                         const ls_sig_env *env);

/*
 * After every file is loaded: resolve references. A filter is attached to
 * each detection rule it names (by id or name; or, with no `rules`, to every
 * detection rule) whose logsource has every field the filter's logsource
 * sets; a filter or correlation that names a rule that is not loaded is
 * rejected (moved to rs->rejects) with the name it could not find.
 * Rule indices may change: call before building anything over the rules,
 * and again after loading more.
 */
void ls_ruleset_link(ls_ruleset *rs);

/* Whether a rule's search `i` matches an event: an OR of ANDs of leaves. */
bool ls_rule_search_match(const ls_rule_search *s, const ls_event *ev);
/* Whether the rule matches the event: its conditions over its searches, and
 * then every filter attached to it. A filter document itself never matches. */
bool ls_rule_match(const ls_rule *r, const ls_event *ev);

#endif
