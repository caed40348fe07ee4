/*
 * audit.h - proof that a dataset is entirely synthetic (SPEC section 1.1).
 *
 * `leaksim audit DIR` reads every record of a dataset with the same readers
 * the detection engine uses and checks every field value (and every field
 * name) against three rules. Anything it cannot read is itself a finding, so
 * a clean result means every byte of every record was looked at.
 *
 * 1. IP addresses. Every IPv4 or IPv6 literal anywhere in a value must lie
 *    in 10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 or
 *    2001:db8::/32, or be loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0,
 *    ::) or broadcast (255.255.255.255): those name nobody's machine. An
 *    IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged by its IPv4 part.
 *    What counts as a literal:
 *      - IPv4: a maximal run of digits and dots, with leading and trailing
 *        dots ignored, that is exactly four dot-separated parts of 1-3
 *        digits, each 0-255 without a leading zero, and is not touching a
 *        letter, digit or '_' on either side (directly or across its
 *        dots). So "Chrome/120.0.6099.109" (6099 > 255), "1.2.3.4.5" (five
 *        parts), "v1.2.3.4" and "4.3.2.1.in-addr.arpa" (touching letters)
 *        and "010.0.0.1" (leading zero) are not addresses, while "8.8.8.8:53",
 *        "[8.8.8.8]", "ip=8.8.8.8," and "1.2.3.4/24" contain one. A version
 *        string that happens to be a valid dotted quad ("OpenSSL 1.1.1.1")
 *        is taken for an address: the generator must not write one.
 *      - IPv6: a maximal run of hex digits, ':' and '.' with at least two
 *        colons, not touching a letter, digit or '_', that parses as RFC
 *        4291 text (one "::" at most, an optional dotted IPv4 tail); a
 *        trailing '.' or single ':' is ignored. "std::string" and
 *        "12:34:56" are not addresses; an EUI-64 written with colons is.
 * 2. Host names. In host-like fields - names Computer, DestinationHostname,
 *    SourceHostname, QueryName, query, server_name, cs-host, host, hostname,
 *    domain, answers and r-dns, compared case-insensitively with the whole
 *    field name or its last dotted part (so "host.hostname" counts) - every
 *    dotted name in the value is checked; anywhere else, the host of every
 *    URL (scheme://[user@]HOST[:port]/...) and the domain of every e-mail
 *    address (local@HOST). A dotted name whose last label has a letter must
 *    end in .example, .test or .invalid (any case, a final '.' ignored), or
 *    be a reverse-DNS name (in-addr.arpa, ip6.arpa) of an allowed address,
 *    or be on the profile's allow-list (telegram: api.telegram.org and
 *    web.telegram.org). A single label ("LT-0042") is fine, and names made
 *    of numbers only are left to rule 1.
 * 3. ID-like numbers. Every token of exactly 18 characters - 17 digits then
 *    a digit, X or x - that is a whole alphanumeric run (not part of a
 *    longer run of letters and digits) must have a WRONG ISO 7064 MOD 11-2
 *    check character: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the
 *    17 digits, check = (12 - sum mod 11) mod 11, 10 written X. A correct
 *    check character is a finding. Findings show such a number masked
 *    (first 6 and last 4 characters), so the audit never spreads one.
 *
 * What is read: DIR/manifest.json (its "profile": "msgr", the default, or
 * "telegram"; the manifest is audited too) and every file under DIR/logs/
 * and DIR/truth/, recursively (each directory's entries in bytewise order;
 * symbolic links to directories are reported, not followed). *.jsonl and
 * *.ndjson are JSON Lines, *.json one JSON document, *.log a Zeek log if it
 * starts with "#separator" and syslog otherwise; any other file is read as
 * UTF-8 text, each line one value. A line that does not parse, a file that
 * is not a regular file or cannot be read, is a finding ("cannot parse",
 * "cannot read"); nothing is skipped. Zeek header lines are not records and
 * are not checked.
 *
 * Ownership: findings passed to the callback borrow their strings for the
 * duration of the call.
 */
#ifndef LS_FORENSICS_AUDIT_H
#define LS_FORENSICS_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

typedef enum ls_audit_kind {
	LS_AUDIT_PUBLIC_ADDRESS = 0, /* rule 1 */
	LS_AUDIT_REAL_DOMAIN = 1,    /* rule 2 */
	LS_AUDIT_VALID_ID = 2,       /* rule 3 */
	LS_AUDIT_UNPARSEABLE = 3,    /* a line or document the readers reject */
	LS_AUDIT_UNREADABLE = 4,     /* a file that cannot be opened or read */
	LS_AUDIT__COUNT
} ls_audit_kind;

/* "public address", "real domain", "valid ID number", "cannot parse", "cannot read". */
const char *ls_audit_kind_name(ls_audit_kind kind);

typedef enum ls_audit_profile {
	LS_AUDIT_PROFILE_MSGR = 0, /* the fictional messenger: no real names at all */
	LS_AUDIT_PROFILE_TELEGRAM = 1,
} ls_audit_profile;

/* The profile called name ("msgr", "telegram"); LS_ERR_NOTFOUND otherwise. */
ls_err ls_audit_profile_parse(ls_sv name, ls_audit_profile *out) LS_WUR;

/* -------------------------------------------------------------- classifiers */

/* Strict dotted quad: four parts of 1-3 digits, 0-255, no leading zeros. */
bool ls_audit_parse_ipv4(ls_sv s, uint32_t *out);
/* RFC 4291 text form (with "::" and a dotted IPv4 tail); no zone, no brackets. */
bool ls_audit_parse_ipv6(ls_sv s, uint8_t out[16]);
/* Rule 1 for one address. */
bool ls_audit_ipv4_allowed(uint32_t addr);
bool ls_audit_ipv6_allowed(const uint8_t addr[16]);
/* Rule 2 for one host name (a final '.' and any case accepted). */
bool ls_audit_host_allowed(ls_sv host, ls_audit_profile profile);
/* Whether a field of this name holds host names (rule 2). */
bool ls_audit_host_field(ls_sv name);
/*
 * The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of 17 digits.
 * digits must hold 17 ASCII digits.
 */
char ls_audit_id_check(const char *digits);
/* Whether s is an 18-character ID-like token (rule 3) with a correct check character. */
bool ls_audit_id_valid(ls_sv s);

/*
 * Apply the three rules to one value: hit is called once per distinct
 * offending text (an address, a host name, an ID token), which is a view of
 * value. host_like selects the stricter host-name check of rule 2.
 */
typedef void (*ls_audit_hit_fn)(void *ctx, ls_audit_kind kind, ls_sv text);
void ls_audit_scan(ls_sv value, bool host_like, ls_audit_profile profile, ls_audit_hit_fn hit,
                   void *ctx);

/* ------------------------------------------------------------------ dataset */

typedef struct ls_audit_finding {
	const char *file;   /* relative to the dataset: "logs/proxy.jsonl" */
	unsigned long line; /* 1-based; 0 for a whole file */
	ls_audit_kind kind;
	const char *detail; /* "8.8.8.8 in field DestinationIp" */
} ls_audit_finding;

typedef void (*ls_audit_finding_fn)(void *ctx, const ls_audit_finding *f);

typedef struct ls_audit_stats {
	uint64_t records;  /* records read (lines, Zeek data lines, documents) */
	uint64_t files;    /* files looked at, manifest.json included */
	uint64_t findings; /* findings reported */
	ls_audit_profile profile;
} ls_audit_stats;

/*
 * Audit the dataset in dir, calling found for each finding in file order.
 * Returns LS_OK when the audit ran to the end, whatever it found (see
 * stats->findings); LS_ERR_NOTFOUND if dir, dir/manifest.json or dir/logs/
 * is missing; LS_ERR_PARSE if the manifest cannot be parsed; LS_ERR_RANGE
 * for an unknown profile; LS_ERR_IO if a directory cannot be listed. The
 * diagnostic says which. d may be NULL.
 */
ls_err ls_audit_dataset(const char *dir, ls_audit_finding_fn found, void *ctx,
                        ls_audit_stats *stats, ls_diag *d) LS_WUR;

#endif
