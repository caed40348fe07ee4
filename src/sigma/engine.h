/*
 * engine.h - which rules look at which events, and the dataset's routing.
 *
 * A Sigma rule names the logsource it is written for (category, product,
 * service). An input declares the logsources its events belong to; a rule
 * applies to an event when every field its logsource sets equals (ASCII
 * case-insensitively) the same field of one of the event's logsources.
 * The detector caches, per distinct set of logsources, the list of rules
 * that apply, so routing costs a lookup per event.
 *
 * leaksim's datasets route each source by a built-in mapping (docs/sigma.md):
 *   sysmon      EventID 1/3/11/22: product windows with category
 *               process_creation / network_connection / file_event /
 *               dns_query; 4624/4634: product windows, service security
 *   proxy       category proxy
 *   dns         category dns, and product zeek with service dns
 *   conn, ssl   product zeek with service conn / ssl
 *   db_audit    category database
 *   auth        product linux with service sshd / sudo / cron / auth by
 *               the syslog app
 *   dhcp        category dhcp;  messaging  category messaging
 *
 * Ownership: a detector borrows the ruleset, which must outlive it.
 */
#ifndef LS_SIGMA_ENGINE_H
#define LS_SIGMA_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/event.h"
#include "sigma/prefilter.h"
#include "sigma/rule.h"

#define LS_ROUTES_MAX 3

/* A logsource an input offers: borrowed strings, NULL for "not set". */
typedef struct ls_route {
	const char *category, *product, *service;
} ls_route;

/* Whether a rule's logsource accepts an event of this route. */
bool ls_logsource_accepts(const ls_logsource *rule, const ls_route *have);

/*
 * The routes of an event of dataset source `source` ("sysmon", "conn", ...);
 * returns how many (0 for a source the mapping does not know).
 */
size_t ls_dataset_routes(const char *source, const ls_event *ev, ls_route out[LS_ROUTES_MAX]);

/* The files a dataset's logs/ holds, and the source each stands for. */
typedef struct ls_dataset_file {
	const char *file, *source;
} ls_dataset_file;

extern const ls_dataset_file ls_dataset_files[];
extern const size_t ls_dataset_nfiles;

/* Every route an event of dataset source `source` may have (at most 8). */
size_t ls_dataset_all_routes(const char *source, ls_route out[8]);

typedef struct ls_detector_entry ls_detector_entry;

typedef struct ls_detector {
	const ls_ruleset *rs;
	ls_detector_entry *cache;
	size_t ncache, cap;
	uint32_t *all; /* every detection rule, for inputs without a logsource */
	size_t nall;
} ls_detector;

void ls_detector_init(ls_detector *dt, const ls_ruleset *rs);
void ls_detector_fini(ls_detector *dt);

/*
 * The indices of the detection rules that apply to an event with these
 * routes (nroutes 0: every one); correlation rules are never listed. The
 * array is owned by the detector.
 */
const uint32_t *ls_detector_rules(ls_detector *dt, const ls_route *routes, size_t nroutes,
                                  size_t *n);

/*
 * A prefilter over every detection rule an event of one input may meet: a
 * dataset source (all of its routes), a plain file with a declared route
 * (plain), or, with both NULL, a plain file every rule applies to. NULL for
 * a dataset source no rule can see. Free it with ls_prefilter_free.
 */
ls_prefilter *ls_detector_prefilter(ls_detector *dt, const char *source, const ls_route *plain);

#endif
