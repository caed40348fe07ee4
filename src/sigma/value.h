/*
 * value.h - one Sigma search leaf: a field, its modifiers and its values,
 * compiled once and matched against events.
 *
 * In a rule's detection, `CommandLine|contains|all: [a, b]` is one leaf:
 * field "CommandLine", modifiers ["contains", "all"], values ["a", "b"].
 * A keyword search (a plain list of strings under an identifier) is a leaf
 * with an empty field. The rule loader (rule.h) builds leaves from YAML and
 * combines them with AND/OR; this module decides what one leaf means.
 *
 * What a leaf supports (Sigma specification v2.1, "Value modifiers"):
 *   - plain values: equality, case-insensitive, with the wildcards '*' (any
 *     run) and '?' (one character); '\*' and '\?' are a literal star and
 *     question mark, '\\' a literal backslash, and a backslash before any
 *     other character stays a literal backslash;
 *   - contains, startswith, endswith; all (every value must match, instead
 *     of any); cased (case-sensitive); exists (true/false: the field is
 *     present or not); neq (the field is present and equal to none of the
 *     values); windash (each leading '-' or '/' of a word also matches the
 *     other and the en dash, em dash and horizontal bar);
 *   - re, with the flags i, m, s (PCRE2, JIT-compiled);
 *   - base64, base64offset; utf16le, utf16be, utf16, wide (before base64);
 *   - lt, lte, gt, gte (numbers);
 *   - cidr (IPv4 and IPv6 networks);
 *   - fieldref (the value names another field of the same event);
 *   - expand (%name% placeholders, from ls_sig_env);
 *   - the time-part modifiers minute, hour, day, week, month, year (a part
 *     of a timestamp field's value, compared as a number).
 * docs/sigma.md gives the exact rules, including null, empty and absent
 * fields, numbers against numeric strings, arrays and dotted names, and the
 * keyword scope, each row backed by a test.
 *
 * Ownership: a compiled leaf owns everything it needs (it copies the
 * spec's strings); ls_sig_leaf_free releases it. A compiled leaf is
 * read-only while matching and may be shared by threads.
 */
#ifndef LS_SIGMA_VALUE_H
#define LS_SIGMA_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "io/event.h"

/*
 * Most match variants one value may expand into (windash, expand and
 * base64offset multiply); a value that would give more is a compile error.
 */
#define LS_SIG_VARIANTS_MAX 256u

/*
 * Bounds on the work of one `re` match (PCRE2's match, depth and heap
 * limits). A match that would need more counts as "no match", so a
 * pathological expression cannot stall detection.
 */
#define LS_SIG_RE_MATCH_LIMIT 100000u
#define LS_SIG_RE_DEPTH_LIMIT 10000u
#define LS_SIG_RE_HEAP_LIMIT_KIB 8192u

/* One value as the rule's YAML gave it. */
typedef struct ls_sig_value {
	ls_value_type type; /* STRING (also every quoted scalar), NUMBER, BOOL or NULL */
	ls_sv text;         /* the scalar's text; "null" for NULL, "true"/"false" for BOOL */
	uint32_t line, col; /* 1-based position in the rule file, for diagnostics */
} ls_sig_value;

/* What compiling may look up outside the rule. */
typedef struct ls_sig_env {
	/*
	 * The values of placeholder `name` (without the %s) for |expand:
	 * LS_OK with *values and *n set (borrowed until compile returns), or
	 * LS_ERR_NOTFOUND. NULL: no placeholders are known.
	 */
	ls_err (*placeholder)(void *ctx, ls_sv name, const ls_sv **values, size_t *n);
	void *ctx;
} ls_sig_env;

typedef struct ls_sig_leaf_spec {
	ls_sv field;             /* the field name; empty for a keyword search */
	const ls_sv *mods;       /* modifier names, in the order written */
	const uint32_t *mod_col; /* 1-based column of each modifier (may be NULL) */
	size_t nmods;
	const ls_sig_value *values; /* at least one */
	size_t nvalues;
	const char *file;   /* for diagnostics */
	uint32_t line, col; /* of the key (field|mods) in the file */
} ls_sig_leaf_spec;

typedef struct ls_sig_leaf ls_sig_leaf;

/*
 * Compile a leaf. Errors (LS_ERR_PARSE, or LS_ERR_UNSUPPORTED for a
 * modifier this version does not know) carry file:line:col and a reason:
 *   unknown modifier 'contians'
 *   modifier 'cidr': '10.0.0.0/33' is not a network
 *   modifier 're': missing closing parenthesis at offset 4 (from PCRE2)
 *   modifier 'expand': no placeholder 'admins' (placeholders: ...)
 *   modifiers 'lt' and 'contains' cannot be combined
 * d->line/col point at the value or modifier at fault.
 */
ls_err ls_sig_leaf_compile(ls_sig_leaf **out, const ls_sig_leaf_spec *spec, const ls_sig_env *env,
                           ls_diag *d) LS_WUR;
void ls_sig_leaf_free(ls_sig_leaf *leaf);

/* Whether the event satisfies the leaf. Never allocates on the heap. */
bool ls_sig_leaf_match(const ls_sig_leaf *leaf, const ls_event *ev);

/*
 * Append a human-readable account of how the leaf evaluated on ev: the
 * field and the event's value(s), each modifier, each value and whether it
 * matched, and the leaf's result, one line each, indented by `indent`
 * spaces. For `leaksim explain`.
 */
void ls_sig_leaf_explain(const ls_sig_leaf *leaf, const ls_event *ev, unsigned indent, ls_buf *out);

/* The field the leaf reads (empty for a keyword search); borrowed. */
ls_sv ls_sig_leaf_field(const ls_sig_leaf *leaf);

/*
 * Literal atoms for a prefilter: if the leaf can only match an event whose
 * text contains one of these byte strings (compared case-insensitively),
 * store up to cap of them in out (borrowed from the leaf) and return how
 * many; return 0 when no such guarantee exists (regex, numeric, cidr,
 * exists, neq, fieldref, a value that is all wildcards, more than cap
 * atoms...). An atom is never shorter than 3 bytes.
 */
size_t ls_sig_leaf_atoms(const ls_sig_leaf *leaf, ls_sv *out, size_t cap);

/*
 * Exact keys, for indexing rules by field value once an event is parsed.
 * When every value of the leaf is an exact comparison (a string without
 * wildcards, or a whole number within 2^53), the leaf can only match an
 * event in which some occurrence of its field (ls_sig_lookup, then
 * ls_event_next) has a value one of whose keys (ls_sig_value_keys) is among
 * the leaf's. Sets *keys (borrowed from the leaf) and returns how many;
 * returns 0 when the leaf has no such property (keyword, neq, all, exists,
 * wildcards, regex, comparisons, cidr, fieldref, null, booleans...).
 * A key is a 64-bit hash: equal hashes are candidates, not proof.
 */
size_t ls_sig_leaf_keys(const ls_sig_leaf *leaf, const uint64_t **keys);

/*
 * The keys of an event value: the hash of its lower-cased text, and when it
 * is a number that equals a whole one, the hash of that integer. Returns
 * how many (1 or 2) were stored in out.
 */
size_t ls_sig_value_keys(const ls_field *f, uint64_t out[2]);

/* The first field a leaf on `name` reads: the first so named, else the
 * first so named ignoring case; ls_event_next gives the other occurrences. */
const ls_field *ls_sig_lookup(const ls_event *ev, ls_sv name);

#endif
