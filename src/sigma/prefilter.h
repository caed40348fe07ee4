/*
 * prefilter.h - which rules can possibly match a raw log line, before it
 * is parsed.
 *
 * Most rules can only match an event whose text contains one of a few
 * literal strings: `CommandLine|contains: 'mimikatz'` needs "mimikatz"
 * somewhere in the line. For each rule the prefilter derives such a
 * necessary set of literals ("atoms", from sigma/value.h) through its
 * conditions: an AND needs what its best side needs (the side whose atoms
 * are least likely to occur: an atom of n bytes counts 2^-n, so one long
 * host name beats a common word like "CONNECT"), an OR what either side
 * needs, a NOT or a leaf without atoms needs nothing (the rule is then
 * always a candidate). One scan of the line, case-insensitive, finds every
 * atom present; a rule none of whose atoms is present is skipped, and a
 * line with no candidate rule at all need not even be parsed.
 *
 * The scan keys 3-byte windows of the atoms in a 2^16-bucket table. Since
 * every atom is at least m bytes long, looking at every (m - 2)-th window
 * of the line is enough to land inside any occurrence, so each atom is
 * indexed by all its windows and the scan strides; a hit is verified in
 * full at the atom's start. A line that holds escapes that could hide
 * an atom from a byte-level search (JSON "\u" and "\/", Zeek "\x") is not filtered:
 * every rule is a candidate.
 *
 * Rules no atom filters (numbers, say: `id.resp_p: 22`) may still be
 * indexed by field value: when a rule can only match if some field has one
 * of a few exact values (ls_sig_leaf_keys), it is a candidate for a parsed
 * event only if one of the event's values for that field has a matching
 * key (ls_prefilter_event). The requirement is derived through the
 * conditions the same way as the atoms'.
 *
 * Ownership: the prefilter borrows the ruleset (its atoms point into the
 * compiled leaves), which must outlive it.
 */
#ifndef LS_SIGMA_PREFILTER_H
#define LS_SIGMA_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"
#include "sigma/rule.h"

/* Most atoms one rule may need before it is left unfiltered. */
#define LS_PREFILTER_ATOMS_MAX 64

typedef struct ls_prefilter ls_prefilter;

/* A prefilter over the rules rs->rules[idx[0..n)]. */
ls_prefilter *ls_prefilter_new(const ls_ruleset *rs, const uint32_t *idx, size_t n);
void ls_prefilter_free(ls_prefilter *p);

/*
 * Scan a raw line. Returns false when no rule of the prefilter can match
 * it (the line may be skipped); otherwise true, and afterwards
 * ls_prefilter_candidate tells, for each rule index, whether it can.
 */
bool ls_prefilter_scan(ls_prefilter *p, ls_sv line);
/* After a scan that returned true: whether rule `rule` (an index into the
 * ruleset) can match the line. Rules outside the prefilter: true. */
bool ls_prefilter_candidate(const ls_prefilter *p, uint32_t rule);

/*
 * After the line that passed the scan is parsed into ev: look up the exact
 * keys of the members no atom filters (a rule that can only match when
 * `id.resp_p` is 22 or `cs-method` is "CONNECT"), so that
 * ls_prefilter_candidate rules out those whose keys the event lacks.
 * Without this call, such rules stay candidates.
 */
void ls_prefilter_event(ls_prefilter *p, const ls_event *ev);

/* Rules that have a requirement (are filtered at all), for statistics. */
size_t ls_prefilter_filtered(const ls_prefilter *p);
/* Rules no atom filters but exact keys do (after ls_prefilter_event). */
size_t ls_prefilter_keyed(const ls_prefilter *p);

#endif
