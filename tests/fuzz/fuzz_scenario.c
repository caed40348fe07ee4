/*
 * fuzz_scenario.c - libFuzzer target for the scenario loader.
 *
 * The input is loaded as a scenario. Whatever loads must satisfy every range
 * that docs/scenarios.md promises, because the generator relies on them
 * without checking again. Whatever is rejected must come with a diagnostic
 * that names the same error, has a message, and points inside the input (or
 * just past its end), and must leave the scenario zeroed. Loading is a pure
 * function of the text, so a second load must agree exactly. Any broken
 * promise aborts; leaks are found by the sanitizer.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_prob(double p)
{
	if (!(p >= 0 && p <= 1))
		abort();
}

static void check_rate(double r)
{
	if (!(r >= 0 && r <= 10000) || !isfinite(r))
		abort();
}

static void check_text(const char *s, size_t min, size_t max)
{
	if (s == NULL)
		abort();
	size_t n = strlen(s);
	if (n < min || n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void check_loaded(const sim_scenario *s)
{
	check_text(s->name, 1, 64);
	check_text(s->description, 0, 200);
	check_text(s->org_name, 1, 100);
	check_text(s->org_domain, 1, 253);
	ls_sv dom = ls_sv_from_cstr(s->org_domain);
	if (!ls_sv_ends_with(dom, LS_SV_LIT(".example")) &&
	    !ls_sv_ends_with(dom, LS_SV_LIT(".test")) &&
	    !ls_sv_ends_with(dom, LS_SV_LIT(".invalid")))
		abort();
	if (s->days < 1 || s->days > SIM_DAYS_MAX || s->people < 1 || s->people > SIM_PEOPLE_MAX)
		abort();
	if (s->utc_offset_min < -14 * 60 || s->utc_offset_min > 14 * 60)
		abort();
	if (s->profile != SIM_PROFILE_MSGR && s->profile != SIM_PROFILE_TELEGRAM)
		abort();
	/* The start is a local midnight. */
	ls_time local = s->start + (ls_time)s->utc_offset_min * LS_USEC_PER_MIN;
	if (local % LS_USEC_PER_DAY != 0)
		abort();
	if (s->team_size < 2 || s->team_size > 100)
		abort();
	double sum = 0;
	for (int r = 0; r < SIM_ROLE__COUNT; r++) {
		check_rate(s->role_mix[r]);
		sum += s->role_mix[r];
	}
	if (!(sum > 0))
		abort();
	if (s->start_mean_min > 1439 || s->backup_time_min > 1439 || s->start_sd_min > 240 ||
	    s->workday_min < 240 || s->workday_min > 900 || s->lunch_min > 120 ||
	    s->drift_min > 120 || s->dhcp_lease_min < 30 || s->dhcp_lease_min > 10080)
		abort();
	check_prob(s->overtime_prob);
	check_prob(s->weekend_work_prob);
	check_prob(s->leave_prob);
	check_prob(s->travel_prob);
	check_prob(s->messenger_users);
	check_prob(s->big_send_prob);
	check_prob(s->archive_prob);
	check_prob(s->encrypted_archive_frac);
	check_prob(s->cloud_sync_users);
	check_prob(s->big_download_prob);
	check_rate(s->web_per_hour);
	check_rate(s->messenger_msgs_per_day);
	check_rate(s->messenger_files_per_day);
	check_rate(s->fileserver_ops_per_day);
	check_rate(s->analyst_queries_per_day);
	check_rate(s->dba_queries_per_day);
	check_rate(s->app_queries_per_min);
	check_rate(s->ssh_sessions_per_day);
	check_rate(s->exports_per_week);
	check_rate(s->admin_scp_per_day);
	if (s->register_rows < 1 || s->register_rows > 100000000)
		abort();
}

static void check_rejected(ls_err e, const ls_diag *d, const sim_scenario *s, const uint8_t *data,
                           size_t size)
{
	if (e != LS_ERR_PARSE && e != LS_ERR_RANGE && e != LS_ERR_TOOLONG &&
	    e != LS_ERR_UNSUPPORTED)
		abort();
	if (d->err != e || d->message[0] == '\0' || d->file == NULL || strcmp(d->file, "f.yaml"))
		abort();
	/* Too long is the only error that may have no position. */
	if (d->line == 0 && e != LS_ERR_TOOLONG)
		abort();
	/* An upper bound: libyaml also breaks lines at \r, NEL, LS and PS. */
	unsigned long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 || data[i] == 0xe2;
	if (d->line > lines + 1 || (d->line != 0 && d->col == 0) || d->col > size + 1)
		abort();
	if (s->name || s->description || s->org_name || s->org_domain || s->people || s->days)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sim_scenario a, b;
	ls_diag da, db;
	ls_diag_clear(&da);
	ls_diag_clear(&db);
	ls_err ea = sim_scenario_load_mem(&a, (const char *)data, size, "f.yaml", "fuzz", &da);
	ls_err eb = sim_scenario_load_mem(&b, (const char *)data, size, "f.yaml", "fuzz", &db);
	if (ea != eb)
		abort();
	if (ea == LS_OK) {
		check_loaded(&a);
		if (strcmp(a.name, b.name) || strcmp(a.org_domain, b.org_domain) ||
		    a.seed != b.seed || a.start != b.start || a.people != b.people ||
		    memcmp(a.role_mix, b.role_mix, sizeof a.role_mix) != 0)
			abort();
	} else {
		check_rejected(ea, &da, &a, data, size);
		if (da.line != db.line || da.col != db.col || strcmp(da.message, db.message) != 0)
			abort();
	}
	sim_scenario_fini(&a);
	sim_scenario_fini(&b);
	return 0;
}
