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

void ls_detector_init(ls_detector *dt, const ls_ruleset *rs)
{
	memset(dt, 0, sizeof *dt);
	dt->rs = rs;
	dt->all = ls_xcalloc(rs->n ? rs->n : 1, sizeof *dt->all);
	for (size_t i = 0; i < rs->n; i++)
		dt->all[i] = (uint32_t)i;
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
		*n = dt->rs->n;
		return dt->all;
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
	e->rules = ls_xcalloc(dt->rs->n ? dt->rs->n : 1, sizeof *e->rules);
	e->n = 0;
	for (size_t r = 0; r < dt->rs->n; r++)
		for (size_t i = 0; i < nroutes; i++)
			if (ls_logsource_accepts(&dt->rs->rules[r].logsource, &routes[i])) {
				e->rules[e->n++] = (uint32_t)r;
				break;
			}
	*n = e->n;
	return e->rules;
}
