/*
 * engine.c - logsource routing and the per-route rule lists.
 */
#include "sigma/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

struct ls_detector_entry {
	char *key;
	ls_route routes[LS_ROUTES_MAX]; /* the routes that built it, for a pointer-equal hit */
	size_t nroutes;
	uint32_t *rules;
	size_t n;
};

static bool same(const char *rule, const char *have)
{
	return rule == NULL || (have != NULL && strcasecmp(rule, have) == 0);
}

bool ls_logsource_accepts(const ls_logsource *rule, const ls_route *have)
{
	return same(rule->category, have->category) && same(rule->product, have->product) &&
	       same(rule->service, have->service);
}

static size_t one(ls_route *out, const char *category, const char *product, const char *service)
{
	out->category = category;
	out->product = product;
	out->service = service;
	return 1;
}

size_t ls_dataset_routes(const char *source, const ls_event *ev, ls_route out[LS_ROUTES_MAX])
{
	if (strcmp(source, "sysmon") == 0) {
		const ls_field *f = ls_event_get(ev, LS_SV_LIT("EventID"));
		ls_sv id = f ? f->value : LS_SV_NULL;
		if (ls_sv_eq_cstr(id, "1"))
			return one(out, "process_creation", "windows", NULL);
		if (ls_sv_eq_cstr(id, "3"))
			return one(out, "network_connection", "windows", NULL);
		if (ls_sv_eq_cstr(id, "11"))
			return one(out, "file_event", "windows", NULL);
		if (ls_sv_eq_cstr(id, "22"))
			return one(out, "dns_query", "windows", NULL);
		if (ls_sv_eq_cstr(id, "4624") || ls_sv_eq_cstr(id, "4634"))
			return one(out, NULL, "windows", "security");
		return one(out, NULL, "windows", "sysmon");
	}
	if (strcmp(source, "proxy") == 0)
		return one(out, "proxy", NULL, NULL);
	if (strcmp(source, "dns") == 0) {
		one(out, "dns", NULL, NULL);
		return 1 + one(out + 1, NULL, "zeek", "dns");
	}
	if (strcmp(source, "conn") == 0)
		return one(out, NULL, "zeek", "conn");
	if (strcmp(source, "ssl") == 0)
		return one(out, NULL, "zeek", "ssl");
	if (strcmp(source, "db_audit") == 0)
		return one(out, "database", NULL, NULL);
	if (strcmp(source, "auth") == 0) {
		const ls_field *f = ls_event_get(ev, LS_SV_LIT("app_name"));
		if (f == NULL)
			f = ls_event_get(ev, LS_SV_LIT("app"));
		ls_sv app = f ? f->value : LS_SV_NULL;
		const char *svc = "auth";
		if (ls_sv_eq_cstr(app, "sshd"))
			svc = "sshd";
		else if (ls_sv_eq_cstr(app, "sudo"))
			svc = "sudo";
		else if (ls_sv_eq_cstr(app, "CRON") || ls_sv_eq_cstr(app, "cron"))
			svc = "cron";
		return one(out, NULL, "linux", svc);
	}
	if (strcmp(source, "dhcp") == 0)
		return one(out, "dhcp", NULL, NULL);
	if (strcmp(source, "messaging") == 0)
		return one(out, "messaging", NULL, NULL);
	return 0;
}

const ls_dataset_file ls_dataset_files[] = {
	{ "db_audit.jsonl", "db_audit" },
	{ "auth.log", "auth" },
	{ "conn.log", "conn" },
	{ "dns.log", "dns" },
	{ "ssl.log", "ssl" },
	{ "proxy.jsonl", "proxy" },
	{ "sysmon.jsonl", "sysmon" },
	{ "dhcp.jsonl", "dhcp" },
	{ "messaging.jsonl", "messaging" },
};
const size_t ls_dataset_nfiles = sizeof ls_dataset_files / sizeof ls_dataset_files[0];

size_t ls_dataset_all_routes(const char *source, ls_route out[8])
{
	static const char *const sysmon_ids[] = { "1", "3", "11", "22", "4624", "99" };
	static const char *const apps[] = { "sshd", "sudo", "CRON", "other" };
	ls_event ev = LS_EVENT_INIT;
	size_t n = 0;
	if (strcmp(source, "sysmon") == 0 || strcmp(source, "auth") == 0) {
		bool sys = source[1] == 'y';
		size_t k = sys ? 6 : 4;
		for (size_t i = 0; i < k; i++) {
			ls_event_reset(&ev);
			ls_event_add(&ev, sys ? LS_SV_LIT("EventID") : LS_SV_LIT("app"),
			             ls_sv_from_cstr(sys ? sysmon_ids[i] : apps[i]),
			             LS_VALUE_STRING, 0);
			ls_route r[LS_ROUTES_MAX];
			size_t m = ls_dataset_routes(source, &ev, r);
			for (size_t j = 0; j < m && n < 8; j++)
				out[n++] = r[j];
		}
	} else {
		n = ls_dataset_routes(source, &ev, out);
	}
	ls_event_fini(&ev);
	return n;
}

void ls_detector_init(ls_detector *dt, const ls_ruleset *rs)
{
	memset(dt, 0, sizeof *dt);
	dt->rs = rs;
	dt->all = ls_xcalloc(rs->n ? rs->n : 1, sizeof *dt->all);
	for (size_t i = 0; i < rs->n; i++)
		/* correlations see matches, not events; filters are part of other rules */
		if (rs->rules[i].correl == NULL && !rs->rules[i].is_filter)
			dt->all[dt->nall++] = (uint32_t)i;
}

void ls_detector_fini(ls_detector *dt)
{
	for (size_t i = 0; i < dt->ncache; i++) {
		free(dt->cache[i].key);
		free(dt->cache[i].rules);
	}
	free(dt->cache);
	free(dt->all);
	memset(dt, 0, sizeof *dt);
}

static void key_of(const ls_route *r, size_t n, ls_buf *k)
{
	for (size_t i = 0; i < n; i++)
		ls_buf_printf(k, "%s|%s|%s;", r[i].category ? r[i].category : "",
		              r[i].product ? r[i].product : "", r[i].service ? r[i].service : "");
}

const uint32_t *ls_detector_rules(ls_detector *dt, const ls_route *routes, size_t nroutes,
                                  size_t *n)
{
	if (nroutes == 0) {
		*n = dt->nall;
		return dt->all;
	}
	/* Routes usually come from the same static strings: try pointer equality first. */
	for (size_t i = 0; i < dt->ncache; i++) {
		const ls_detector_entry *e = &dt->cache[i];
		if (e->nroutes != nroutes)
			continue;
		size_t k = 0;
		while (k < nroutes && e->routes[k].category == routes[k].category &&
		       e->routes[k].product == routes[k].product &&
		       e->routes[k].service == routes[k].service)
			k++;
		if (k == nroutes) {
			*n = e->n;
			return e->rules;
		}
	}
	ls_buf k = LS_BUF_INIT;
	key_of(routes, nroutes, &k);
	for (size_t i = 0; i < dt->ncache; i++) {
		if (strcmp(dt->cache[i].key, k.data) == 0) {
			ls_buf_fini(&k);
			*n = dt->cache[i].n;
			return dt->cache[i].rules;
		}
	}
	dt->cache = ls_xgrow(dt->cache, &dt->cap, dt->ncache + 1, sizeof *dt->cache);
	ls_detector_entry *e = &dt->cache[dt->ncache++];
	e->key = ls_buf_steal(&k);
	e->nroutes = nroutes > LS_ROUTES_MAX ? LS_ROUTES_MAX : nroutes;
	memcpy(e->routes, routes, e->nroutes * sizeof *routes);
	e->rules = ls_xcalloc(dt->rs->n ? dt->rs->n : 1, sizeof *e->rules);
	e->n = 0;
	for (size_t r = 0; r < dt->rs->n; r++)
		for (size_t i = 0;
		     i < nroutes && dt->rs->rules[r].correl == NULL && !dt->rs->rules[r].is_filter;
		     i++)
			if (ls_logsource_accepts(&dt->rs->rules[r].logsource, &routes[i])) {
				e->rules[e->n++] = (uint32_t)r;
				break;
			}
	*n = e->n;
	return e->rules;
}

ls_prefilter *ls_detector_prefilter(ls_detector *dt, const char *source, const ls_route *plain)
{
	ls_route routes[8];
	size_t nroutes = 0, n = 0, nr = dt->rs->n ? dt->rs->n : 1;
	if (source)
		nroutes = ls_dataset_all_routes(source, routes);
	else if (plain)
		routes[nroutes++] = *plain;
	if (source && nroutes == 0)
		return NULL; /* a source no rule can see: nothing to filter for */
	bool *seen = ls_xcalloc(nr, sizeof *seen);
	uint32_t *idx = ls_xcalloc(nr, sizeof *idx);
	if (nroutes == 0) {
		size_t k = 0;
		const uint32_t *all = ls_detector_rules(dt, NULL, 0, &k);
		memcpy(idx, all, k * sizeof *idx);
		n = k;
	}
	for (size_t r = 0; r < nroutes; r++) {
		size_t k = 0;
		const uint32_t *list = ls_detector_rules(dt, &routes[r], 1, &k);
		for (size_t j = 0; j < k; j++)
			if (!seen[list[j]]) {
				seen[list[j]] = true;
				idx[n++] = list[j];
			}
	}
	ls_prefilter *p = ls_prefilter_new(dt->rs, idx, n);
	free(seen);
	free(idx);
	return p;
}
