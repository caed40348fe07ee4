/*
 * test_scenario.c - unit tests for sim/scenario: the defaults, the built-in
 * scenarios, and the strict YAML loader.
 *
 * Every error class is checked on a small inline document for its error
 * code, the exact line and column of its diagnostic and the key path in its
 * message, and for leaving the scenario zeroed (so fini is always safe).
 * Values that load are checked field by field against what the text says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"
#include "sim/scenario.h"
#include "testutil.h"

/* ---------------------------------------------------------------- helpers */

#define FILE_NAME "t.yaml"

static ls_err load(const char *text, sim_scenario *s, ls_diag *d)
{
	ls_diag_clear(d);
	return sim_scenario_load_mem(s, text, strlen(text), FILE_NAME, NULL, d);
}

/* Load text, which must succeed; the caller finis *s. */
static void must_load(const char *text, sim_scenario *s)
{
	ls_diag d;
	ls_err e = load(text, s, &d);
	if (e != LS_OK)
		print_error("loading:\n%s\n-> %lu:%lu: %s\n", text, d.line, d.col, d.message);
	assert_int_equal(e, LS_OK);
}

/*
 * Load len bytes of text, expect err at line:col with want in the message,
 * and a zeroed scenario afterwards.
 */
static void expect_error_n(const char *text, size_t len, ls_err err, unsigned long line,
                           unsigned long col, const char *want)
{
	sim_scenario s;
	ls_diag d;
	memset(&s, 0xa5, sizeof s);
	ls_diag_clear(&d);
	ls_err e = sim_scenario_load_mem(&s, text, len, FILE_NAME, NULL, &d);
	if (e != err || d.line != line || d.col != col || strstr(d.message, want) == NULL)
		print_error("input:\n%.*s\n-> err %d at %lu:%lu: %s\nwant err %d at %lu:%lu: "
		            "...%s...\n",
		            (int)(len > 300 ? 300 : len), text, (int)e, d.line, d.col, d.message,
		            (int)err, line, col, want);
	assert_int_equal(e, err);
	assert_int_equal(d.err, err);
	assert_string_equal(d.file, FILE_NAME);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.message, want));
	assert_null(s.name);
	assert_null(s.org_domain);
	assert_int_equal(s.people, 0);
	sim_scenario_fini(&s);
}

static void expect_error(const char *text, ls_err err, unsigned long line, unsigned long col,
                         const char *want)
{
	expect_error_n(text, strlen(text), err, line, col, want);
}

/* Every field but name and description. */
static void assert_same_values(const sim_scenario *a, const sim_scenario *b)
{
	assert_int_equal(a->seed, b->seed);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->days, b->days);
	assert_int_equal(a->utc_offset_min, b->utc_offset_min);
	assert_int_equal(a->profile, b->profile);
	assert_string_equal(a->org_name, b->org_name);
	assert_string_equal(a->org_domain, b->org_domain);
	assert_int_equal(a->people, b->people);
	for (int r = 0; r < SIM_ROLE__COUNT; r++)
		assert_true(a->role_mix[r] == b->role_mix[r]);
	assert_int_equal(a->team_size, b->team_size);
	assert_int_equal(a->start_mean_min, b->start_mean_min);
	assert_int_equal(a->start_sd_min, b->start_sd_min);
	assert_int_equal(a->workday_min, b->workday_min);
	assert_int_equal(a->lunch_min, b->lunch_min);
	assert_true(a->overtime_prob == b->overtime_prob);
	assert_true(a->weekend_work_prob == b->weekend_work_prob);
	assert_true(a->leave_prob == b->leave_prob);
	assert_true(a->travel_prob == b->travel_prob);
	assert_int_equal(a->drift_min, b->drift_min);
	assert_int_equal(a->dhcp_lease_min, b->dhcp_lease_min);
	assert_true(a->web_per_hour == b->web_per_hour);
	assert_true(a->messenger_users == b->messenger_users);
	assert_true(a->messenger_msgs_per_day == b->messenger_msgs_per_day);
	assert_true(a->messenger_files_per_day == b->messenger_files_per_day);
	assert_true(a->fileserver_ops_per_day == b->fileserver_ops_per_day);
	assert_true(a->analyst_queries_per_day == b->analyst_queries_per_day);
	assert_true(a->dba_queries_per_day == b->dba_queries_per_day);
	assert_true(a->app_queries_per_min == b->app_queries_per_min);
	assert_true(a->ssh_sessions_per_day == b->ssh_sessions_per_day);
	assert_int_equal(a->nightly_backup, b->nightly_backup);
	assert_int_equal(a->backup_time_min, b->backup_time_min);
	assert_true(a->exports_per_week == b->exports_per_week);
	assert_true(a->big_send_prob == b->big_send_prob);
	assert_true(a->archive_prob == b->archive_prob);
	assert_true(a->encrypted_archive_frac == b->encrypted_archive_frac);
	assert_true(a->cloud_sync_users == b->cloud_sync_users);
	assert_true(a->big_download_prob == b->big_download_prob);
	assert_true(a->admin_scp_per_day == b->admin_scp_per_day);
	assert_int_equal(a->register_rows, b->register_rows);
}

static ls_time utc(const char *rfc3339)
{
	ls_time t = 0;
	assert_int_equal(ls_time_parse_rfc3339(ls_sv_from_cstr(rfc3339), &t, NULL), LS_OK);
	return t;
}

/* ---------------------------------------------------------------- defaults */

static void defaults_are_the_documented_values(void **state)
{
	(void)state;
	sim_scenario s;
	sim_scenario_defaults(&s);
	assert_string_equal(s.name, "default");
	assert_string_equal(s.description, "");
	assert_int_equal(s.seed, 1);
	assert_int_equal(s.start, utc("2026-03-01T16:00:00Z"));
	assert_int_equal(ls_time_weekday(s.start + (ls_time)s.utc_offset_min * LS_USEC_PER_MIN), 0);
	assert_int_equal(s.days, 7);
	assert_int_equal(s.utc_offset_min, 480);
	assert_int_equal(s.profile, SIM_PROFILE_MSGR);
	assert_string_equal(s.org_name, "Harbourside Members Union");
	assert_string_equal(s.org_domain, "corp.example");
	assert_int_equal(s.people, 200);
	assert_int_equal(s.team_size, 8);
	const double mix[SIM_ROLE__COUNT] = { 55, 12, 12, 3, 4, 14 };
	for (int r = 0; r < SIM_ROLE__COUNT; r++)
		assert_true(s.role_mix[r] == mix[r]);
	assert_int_equal(s.start_mean_min, 525);
	assert_int_equal(s.start_sd_min, 35);
	assert_int_equal(s.workday_min, 540);
	assert_int_equal(s.lunch_min, 50);
	assert_true(s.overtime_prob == 0.15);
	assert_true(s.weekend_work_prob == 0.04);
	assert_true(s.leave_prob == 0.04);
	assert_true(s.travel_prob == 0.02);
	assert_int_equal(s.drift_min, 12);
	assert_int_equal(s.dhcp_lease_min, 480);
	assert_true(s.web_per_hour == 30);
	assert_true(s.messenger_users == 0.6);
	assert_true(s.messenger_msgs_per_day == 25);
	assert_true(s.messenger_files_per_day == 1.0);
	assert_true(s.fileserver_ops_per_day == 15);
	assert_true(s.analyst_queries_per_day == 20);
	assert_true(s.dba_queries_per_day == 30);
	assert_true(s.app_queries_per_min == 12);
	assert_true(s.ssh_sessions_per_day == 3);
	assert_true(s.nightly_backup);
	assert_int_equal(s.backup_time_min, 120);
	assert_true(s.exports_per_week == 0.5);
	assert_true(s.big_send_prob == 0.04);
	assert_true(s.archive_prob == 0.05);
	assert_true(s.encrypted_archive_frac == 0.3);
	assert_true(s.cloud_sync_users == 0.2);
	assert_true(s.big_download_prob == 0.03);
	assert_true(s.admin_scp_per_day == 0.5);
	assert_int_equal(s.register_rows, 1950000);
	sim_scenario_fini(&s);
	sim_scenario_fini(&s); /* idempotent */
	sim_scenario_fini(NULL);
}

static void empty_documents_give_the_defaults(void **state)
{
	(void)state;
	static const char *const empties[] = { "",        "# only a comment\n",    "---\n",
		                               "--- ~\n", "\xEF\xBB\xBF# a BOM\n", "---\n...\n" };
	sim_scenario def;
	sim_scenario_defaults(&def);
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		sim_scenario s;
		must_load(empties[i], &s);
		assert_same_values(&s, &def);
		assert_string_equal(s.name, "default");
		sim_scenario_fini(&s);
	}
	/* The caller's name is used when the document has none. */
	sim_scenario s;
	ls_diag d;
	assert_int_equal(sim_scenario_load_mem(&s, "", 0, FILE_NAME, "mine", &d), LS_OK);
	assert_string_equal(s.name, "mine");
	sim_scenario_fini(&s);
	assert_int_equal(sim_scenario_load_mem(&s, "name: theirs\n", 13, FILE_NAME, "mine", &d),
	                 LS_OK);
	assert_string_equal(s.name, "theirs");
	sim_scenario_fini(&s);
	sim_scenario_fini(&def);
}

/* --------------------------------------------------------------- built-ins */

static void every_builtin_loads_with_a_description(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint32_t people, days;
		sim_profile profile;
		sim_preset preset; /* every built-in has the campaign; most the default one */
	} want[] = {
		{ "default", 200, 7, SIM_PROFILE_MSGR, SIM_PRESET_REGISTER_LEAK },
		{ "easy", 200, 7, SIM_PROFILE_MSGR, SIM_PRESET_EASY },
		{ "hard", 200, 11, SIM_PROFILE_MSGR, SIM_PRESET_HARD },
		{ "large", 2000, 7, SIM_PROFILE_MSGR, SIM_PRESET_REGISTER_LEAK },
		{ "medium", 200, 7, SIM_PROFILE_MSGR, SIM_PRESET_MEDIUM },
		{ "register-leak", 200, 7, SIM_PROFILE_MSGR, SIM_PRESET_REGISTER_LEAK },
		{ "small", 20, 2, SIM_PROFILE_MSGR, SIM_PRESET_REGISTER_LEAK },
		{ "telegram", 200, 7, SIM_PROFILE_TELEGRAM, SIM_PRESET_REGISTER_LEAK },
	};
	assert_int_equal(sim_builtin_scenario_count, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const sim_builtin_scenario *b = sim_scenario_builtin(want[i].name);
		assert_non_null(b);
		assert_ptr_equal(b, &sim_builtin_scenarios[i]); /* sorted by name */
		assert_true(b->len > 0 && b->len == strlen((const char *)b->yaml));
		assert_memory_equal(b->yaml, "name: ", 6);
		sim_scenario s;
		ls_diag d;
		ls_diag_clear(&d);
		ls_err e = sim_scenario_resolve(&s, want[i].name, &d);
		if (e != LS_OK)
			print_error("%s:%lu:%lu: %s\n", d.file, d.line, d.col, d.message);
		assert_int_equal(e, LS_OK);
		assert_string_equal(s.name, want[i].name);
		assert_true(strlen(s.description) > 10);
		assert_null(strchr(s.description, '\n'));
		assert_int_equal(s.people, want[i].people);
		assert_int_equal(s.days, want[i].days);
		assert_int_equal(s.profile, want[i].profile);
		assert_true(s.campaign.enabled);
		assert_int_equal(s.campaign.preset, want[i].preset);
		/* All start on Monday 2026-03-02, local time. */
		assert_int_equal(s.start, utc("2026-03-01T16:00:00Z"));
		sim_scenario_fini(&s);
	}
	assert_null(sim_scenario_builtin("nosuch"));
	assert_null(sim_scenario_builtin(""));
}

static void default_yaml_spells_out_the_defaults(void **state)
{
	(void)state;
	sim_scenario def, s;
	ls_diag d;
	sim_scenario_defaults(&def);
	assert_int_equal(sim_scenario_resolve(&s, "default", &d), LS_OK);
	assert_same_values(&s, &def);
	/* And it really spells them out: every section is present. */
	const sim_builtin_scenario *b = sim_scenario_builtin("default");
	ls_sv text = ls_sv_make((const char *)b->yaml, b->len);
	static const char *const keys[] = { "\nseed:",       "\nstart:",         "\ndays:",
		                            "\nutc_offset:", "\nprofile:",       "\norganisation:",
		                            "\nschedule:",   "\nnetwork:",       "\nbehaviour:",
		                            "\nregister:",   "\nhard_negatives:" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		ls_sv probe = ls_sv_from_cstr(keys[i]);
		bool found = false;
		for (size_t j = 0; j + probe.len <= text.len && !found; j++)
			found = memcmp(text.ptr + j, probe.ptr, probe.len) == 0;
		if (!found)
			print_error("default.yaml lacks %s\n", keys[i] + 1);
		assert_true(found);
	}
	sim_scenario_fini(&s);
	sim_scenario_fini(&def);
}

/* ---------------------------------------------------------------- loading */

static void start_date_is_local_midnight(void **state)
{
	(void)state;
	sim_scenario s;
	must_load("start: 2026-03-02\nutc_offset: \"+08:00\"\n", &s);
	assert_int_equal(s.start, utc("2026-03-01T16:00:00Z"));
	sim_scenario_fini(&s);
	/* The order of the keys does not matter, and quotes are optional. */
	must_load("utc_offset: -05:30\nstart: '2024-02-29'\n", &s);
	assert_int_equal(s.utc_offset_min, -330);
	assert_int_equal(s.start, utc("2024-02-29T05:30:00Z"));
	sim_scenario_fini(&s);
	/* An offset alone moves the default date's midnight. */
	must_load("utc_offset: \"+00:00\"\n", &s);
	assert_int_equal(s.start, utc("2026-03-02T00:00:00Z"));
	sim_scenario_fini(&s);
	must_load("utc_offset: \"-14:00\"\nstart: 2027-01-03\n", &s);
	assert_int_equal(s.start, utc("2027-01-03T14:00:00Z"));
	sim_scenario_fini(&s);
}

static void every_key_is_read_into_its_field(void **state)
{
	(void)state;
	static const char text[] = "name: full\n"
	                           "description: \"Every key, none at its default\"\n"
	                           "seed: 18446744073709551615\n"
	                           "start: 2025-12-31\n"
	                           "days: 366\n"
	                           "utc_offset: \"+14:00\"\n"
	                           "profile: telegram\n"
	                           "organisation:\n"
	                           "  name: 'Fictional Co-op'\n"
	                           "  domain: hq.members-union.test\n"
	                           "  people: 100000\n"
	                           "  team_size: 2\n"
	                           "  roles: {dba: 0, executive: 2.5}\n"
	                           "schedule:\n"
	                           "  start_mean: \"23:59\"\n"
	                           "  start_sd_minutes: 240\n"
	                           "  workday_minutes: 240\n"
	                           "  lunch_minutes: 0\n"
	                           "  overtime_prob: 1\n"
	                           "  weekend_work_prob: 0\n"
	                           "  leave_prob: 0.5\n"
	                           "  travel_prob: 1e-3\n"
	                           "  drift_minutes: 120\n"
	                           "network: {dhcp_lease_minutes: 10080}\n"
	                           "behaviour:\n"
	                           "  web_per_hour: 10000\n"
	                           "  messenger_users: 0.25\n"
	                           "  messenger_msgs_per_day: 0\n"
	                           "  messenger_files_per_day: 2.5\n"
	                           "  fileserver_ops_per_day: 1\n"
	                           "  analyst_queries_per_day: 2\n"
	                           "  dba_queries_per_day: 3\n"
	                           "  app_queries_per_minute: 4\n"
	                           "  ssh_sessions_per_day: 5\n"
	                           "hard_negatives:\n"
	                           "  nightly_backup: false\n"
	                           "  backup_time: 00:00\n"
	                           "  exports_per_week: 7\n"
	                           "  big_send_prob: 0.5\n"
	                           "  archive_prob: 0.25\n"
	                           "  encrypted_archive_fraction: 1.0\n"
	                           "  cloud_sync_users: 0\n"
	                           "  big_download_prob: 0.125\n"
	                           "  admin_scp_per_day: 0\n"
	                           "register:\n"
	                           "  rows: 100000000\n"
	                           "campaign:\n"
	                           "  enabled: true\n"
	                           "  preset: easy\n"
	                           "  insider: developer\n"
	                           "  start_day: 4\n"
	                           "  access: {account: stolen_dba, via: jump, hours: in}\n"
	                           "  collection: {method: pg_dump, days: 2, rows: 1000, format: insert}\n"
	                           "  staging: {tool: 7z, password: true, split_mb: 7, renamed: true,\n"
	                           "            where: server}\n"
	                           "  transfer: {method: https}\n"
	                           "  exfiltration: {path: bot, sessions: 1, rate_mb_per_hour: 20,\n"
	                           "                 schedule: after_hours, days: 3, vpn: true}\n"
	                           "  publication: {channel: leaks-test, delay_minutes: 0}\n"
	                           "  anti_forensics: {clear_history: false, delete_staging: true,\n"
	                           "                   edit_log: true}\n";
	sim_scenario s;
	must_load(text, &s);
	assert_string_equal(s.name, "full");
	assert_string_equal(s.description, "Every key, none at its default");
	assert_int_equal(s.seed, UINT64_MAX);
	assert_int_equal(s.start, utc("2025-12-30T10:00:00Z"));
	assert_int_equal(s.days, 366);
	assert_int_equal(s.utc_offset_min, 840);
	assert_int_equal(s.profile, SIM_PROFILE_TELEGRAM);
	assert_string_equal(s.org_name, "Fictional Co-op");
	assert_string_equal(s.org_domain, "hq.members-union.test");
	assert_int_equal(s.people, 100000);
	assert_int_equal(s.team_size, 2);
	/* A partial roles map overrides only the roles it names. */
	const double mix[SIM_ROLE__COUNT] = { 55, 12, 12, 0, 4, 2.5 };
	for (int r = 0; r < SIM_ROLE__COUNT; r++)
		assert_true(s.role_mix[r] == mix[r]);
	assert_int_equal(s.start_mean_min, 23 * 60 + 59);
	assert_int_equal(s.start_sd_min, 240);
	assert_int_equal(s.workday_min, 240);
	assert_int_equal(s.lunch_min, 0);
	assert_true(s.overtime_prob == 1);
	assert_true(s.weekend_work_prob == 0);
	assert_true(s.leave_prob == 0.5);
	assert_true(s.travel_prob == 0.001);
	assert_int_equal(s.drift_min, 120);
	assert_int_equal(s.dhcp_lease_min, 10080);
	assert_true(s.web_per_hour == 10000);
	assert_true(s.messenger_users == 0.25);
	assert_true(s.messenger_msgs_per_day == 0);
	assert_true(s.messenger_files_per_day == 2.5);
	assert_true(s.fileserver_ops_per_day == 1);
	assert_true(s.analyst_queries_per_day == 2);
	assert_true(s.dba_queries_per_day == 3);
	assert_true(s.app_queries_per_min == 4);
	assert_true(s.ssh_sessions_per_day == 5);
	assert_false(s.nightly_backup);
	assert_int_equal(s.backup_time_min, 0);
	assert_true(s.exports_per_week == 7);
	assert_true(s.big_send_prob == 0.5);
	assert_true(s.archive_prob == 0.25);
	assert_true(s.encrypted_archive_frac == 1.0);
	assert_true(s.cloud_sync_users == 0);
	assert_true(s.big_download_prob == 0.125);
	assert_true(s.admin_scp_per_day == 0);
	assert_int_equal(s.register_rows, 100000000);
	const sim_campaign_cfg *c = &s.campaign;
	assert_true(c->enabled);
	assert_int_equal(c->preset, SIM_PRESET_EASY);
	assert_int_equal(c->insider, SIM_ROLE_DEVELOPER);
	assert_int_equal(c->start_day, 4);
	assert_int_equal(c->account, SIM_CRED_STOLEN_DBA);
	assert_int_equal(c->via, SIM_VIA_JUMP);
	assert_int_equal(c->hours, SIM_HOURS_IN);
	assert_int_equal(c->method, SIM_COLLECT_PG_DUMP);
	assert_int_equal(c->collect_days, 2);
	assert_int_equal(c->rows, 1000);
	assert_int_equal(c->format, SIM_XFMT_INSERT);
	assert_int_equal(c->tool, SIM_TOOL_7Z);
	assert_true(c->password && c->renamed);
	assert_int_equal(c->split_mb, 7);
	assert_int_equal(c->stage_where, SIM_WHERE_SERVER);
	assert_int_equal(c->transfer, SIM_XFER_HTTPS);
	assert_int_equal(c->path, SIM_PATH_BOT);
	assert_int_equal(c->sessions, 1);
	assert_true(c->rate_mb_per_hour == 20);
	assert_int_equal(c->schedule, SIM_SCHED_AFTER_HOURS);
	assert_int_equal(c->exfil_days, 3);
	assert_true(c->vpn);
	assert_string_equal(c->channel, "leaks-test");
	assert_int_equal(c->publish_delay_min, 0);
	assert_false(c->clear_history);
	assert_true(c->delete_staging && c->edit_log);
	sim_scenario_fini(&s);
}

/* ------------------------------------------------------------------ errors */

static void unknown_keys_are_located(void **state)
{
	(void)state;
	expect_error("seed: 1\nfoo: 2\n", LS_ERR_PARSE, 2, 1, "foo: unknown key (expected one of:");
	expect_error("organisation:\n  people: 5\n  peeple: 6\n", LS_ERR_PARSE, 3, 3,
	             "organisation.peeple: unknown key (expected one of: name, domain, people");
	expect_error("organisation:\n  roles:\n    office: 1\n    boss: 2\n", LS_ERR_PARSE, 4, 5,
	             "organisation.roles.boss: unknown key");
	/* Case matters, and the reserved key is not suggested. */
	expect_error("Seed: 1\n", LS_ERR_PARSE, 1, 1, "register, dirty, campaign)");
	/* Merge keys are just unknown keys (their alias is refused first). */
	expect_error("'<<': {}\n", LS_ERR_PARSE, 1, 1, "<<: unknown key");
	expect_error("? [a, b]\n: 1\n", LS_ERR_PARSE, 1, 3, "top level: keys must be strings");
}

static void duplicate_keys_are_located(void **state)
{
	(void)state;
	expect_error("days: 2\nseed: 1\ndays: 3\n", LS_ERR_PARSE, 3, 1,
	             "days: duplicate key (first given at line 1, column 1)");
	expect_error("network: {dhcp_lease_minutes: 60, dhcp_lease_minutes: 60}\n", LS_ERR_PARSE, 1,
	             35, "network.dhcp_lease_minutes: duplicate key");
	expect_error("organisation:\n  roles: {dba: 1, \"dba\": 2}\n", LS_ERR_PARSE, 2, 19,
	             "organisation.roles.dba: duplicate key");
}

static void wrong_types_are_located(void **state)
{
	(void)state;
	expect_error("days: \"7\"\n", LS_ERR_PARSE, 1, 7,
	             "days: expected an integer, got the quoted string '7'");
	expect_error("organisation: [1]\n", LS_ERR_PARSE, 1, 15,
	             "organisation: expected a mapping, got a sequence");
	expect_error("organisation:\n  people:\n    - 1\n", LS_ERR_PARSE, 3, 5,
	             "organisation.people: expected an integer, got a sequence");
	expect_error("name: {a: 1}\n", LS_ERR_PARSE, 1, 7,
	             "name: expected a string, got a mapping");
	expect_error("hard_negatives:\n  nightly_backup: yes\n", LS_ERR_PARSE, 2, 19,
	             "hard_negatives.nightly_backup: expected true or false, got 'yes'");
	expect_error("days:\n", LS_ERR_PARSE, 1, 6,
	             "days: expected an integer, got an empty value");
	expect_error("schedule:\n  overtime_prob: high\n", LS_ERR_PARSE, 2, 18,
	             "schedule.overtime_prob: expected a decimal number, got 'high'");
	expect_error("schedule:\n  start_mean: 8:45\n", LS_ERR_PARSE, 2, 15,
	             "schedule.start_mean: expected a time of day HH:MM");
	expect_error("seed: !!int 5\n", LS_ERR_PARSE, 1, 7, "tags ('tag:yaml.org,2002:int')");
	expect_error("- 1\n", LS_ERR_PARSE, 1, 1,
	             "the top level of a scenario must be a mapping of keys, got a sequence");
	expect_error("just text\n", LS_ERR_PARSE, 1, 1,
	             "must be a mapping of keys, got 'just text'");
}

static void integers_are_strictly_decimal(void **state)
{
	(void)state;
	expect_error("seed: 0x10\n", LS_ERR_PARSE, 1, 7, "seed: expected a decimal integer");
	expect_error("seed: 010\n", LS_ERR_PARSE, 1, 7, "seed: expected a decimal integer");
	expect_error("seed: 1_000\n", LS_ERR_PARSE, 1, 7, "seed: expected a decimal integer");
	expect_error("seed: +1\n", LS_ERR_PARSE, 1, 7, "seed: expected a decimal integer");
	expect_error("seed: 1.0\n", LS_ERR_PARSE, 1, 7, "seed: expected a decimal integer");
	expect_error("seed: 18446744073709551616\n", LS_ERR_RANGE, 1, 7,
	             "seed: must be between 0 and 18446744073709551615, got 18446744073709551616");
	sim_scenario s;
	must_load("seed: 0\n", &s);
	assert_int_equal(s.seed, 0);
	sim_scenario_fini(&s);
}

static void floats_are_strictly_decimal(void **state)
{
	(void)state;
	expect_error("schedule:\n  overtime_prob: .5\n", LS_ERR_PARSE, 2, 18, "a decimal number");
	expect_error("schedule:\n  overtime_prob: .inf\n", LS_ERR_PARSE, 2, 18, "a decimal number");
	expect_error("schedule:\n  overtime_prob: .nan\n", LS_ERR_PARSE, 2, 18, "a decimal number");
	expect_error("schedule:\n  overtime_prob: 0x1p-1\n", LS_ERR_PARSE, 2, 18,
	             "a decimal number");
	expect_error("schedule:\n  overtime_prob: 1.\n", LS_ERR_PARSE, 2, 18, "a decimal number");
	expect_error("schedule:\n  overtime_prob: 1e999\n", LS_ERR_RANGE, 2, 18,
	             "schedule.overtime_prob: must be between 0 and 1, got 1e999");
	expect_error("behaviour:\n  web_per_hour: 10000.5\n", LS_ERR_RANGE, 2, 17,
	             "behaviour.web_per_hour: must be between 0 and 10000, got 10000.5");
	sim_scenario s;
	must_load("schedule:\n  overtime_prob: 5E-1\n  leave_prob: -0\n", &s);
	assert_true(s.overtime_prob == 0.5);
	assert_true(s.leave_prob == 0.0);
	sim_scenario_fini(&s);
}

static void out_of_range_values_are_located(void **state)
{
	(void)state;
	expect_error("organisation:\n  people: 0\n", LS_ERR_RANGE, 2, 11,
	             "organisation.people: must be between 1 and 100000, got 0");
	expect_error("organisation:\n  people: 100001\n", LS_ERR_RANGE, 2, 11,
	             "organisation.people: must be between 1 and 100000, got 100001");
	expect_error("days: 367\n", LS_ERR_RANGE, 1, 7, "days: must be between 1 and 366, got 367");
	expect_error("days: -3\n", LS_ERR_RANGE, 1, 7, "days: must be between 1 and 366, got -3");
	expect_error("schedule:\n  overtime_prob: 1.5\n", LS_ERR_RANGE, 2, 18,
	             "schedule.overtime_prob: must be between 0 and 1, got 1.5");
	expect_error("schedule:\n  backup: 1\n", LS_ERR_PARSE, 2, 3,
	             "schedule.backup: unknown key");
	expect_error("hard_negatives:\n  backup_time: \"24:00\"\n", LS_ERR_RANGE, 2, 16,
	             "hard_negatives.backup_time: no such time of day 24:00");
	expect_error("register:\n  rows: 100000001\n", LS_ERR_RANGE, 2, 9,
	             "register.rows: must be between 1 and 100000000");
	expect_error("organisation:\n  roles: {office: 0, analyst: 0, developer: 0, dba: 0, "
	             "it_admin: 0, executive: 0}\n",
	             LS_ERR_RANGE, 2, 10,
	             "organisation.roles: at least one weight must be above 0");
	expect_error("organisation:\n  roles: {office: -1}\n", LS_ERR_RANGE, 2, 19,
	             "organisation.roles.office: must be between 0 and 10000, got -1");
	expect_error("profile: signal\n", LS_ERR_RANGE, 1, 10,
	             "profile: expected msgr or telegram, got 'signal'");
	expect_error("name: \"\"\n", LS_ERR_RANGE, 1, 7, "name: must be 1 to 64 bytes long, got 0");
	expect_error("description: \"two\\nlines\"\n", LS_ERR_RANGE, 1, 14,
	             "description: must be one line of text");
}

static void bad_dates_and_offsets_are_located(void **state)
{
	(void)state;
	expect_error("start: 2026-02-30\n", LS_ERR_RANGE, 1, 8, "start: no such date 2026-02-30");
	expect_error("days: 1\nstart: 2025-02-29\n", LS_ERR_RANGE, 2, 8, "no such date 2025-02-29");
	expect_error("start: 2026-13-01\n", LS_ERR_RANGE, 1, 8, "no such date");
	expect_error("start: 2026-3-2\n", LS_ERR_PARSE, 1, 8,
	             "start: expected a date YYYY-MM-DD, got '2026-3-2'");
	expect_error("start: 2026-03-02T00:00:00Z\n", LS_ERR_PARSE, 1, 8, "expected a date");
	expect_error("start: 1969-12-31\n", LS_ERR_RANGE, 1, 8, "the year must be between 1970");
	expect_error("utc_offset: \"+14:30\"\n", LS_ERR_RANGE, 1, 13,
	             "utc_offset: must be between -14:00 and +14:00");
	expect_error("utc_offset: \"+08:60\"\n", LS_ERR_RANGE, 1, 13,
	             "utc_offset: must be between");
	expect_error("utc_offset: 8\n", LS_ERR_PARSE, 1, 13,
	             "utc_offset: expected a UTC offset +hh:mm or -hh:mm, got '8'");
	expect_error("utc_offset: \"08:00\"\n", LS_ERR_PARSE, 1, 13, "expected a UTC offset");
}

static void bad_domains_are_located(void **state)
{
	(void)state;
	expect_error("organisation:\n  domain: corp.com\n", LS_ERR_RANGE, 2, 11,
	             "organisation.domain: must end in .example, .test or .invalid (fictional "
	             "domains only), got 'corp.com'");
	expect_error("organisation:\n  domain: example\n", LS_ERR_RANGE, 2, 11, "must end in");
	expect_error("organisation:\n  domain: corp.example.com\n", LS_ERR_RANGE, 2, 11,
	             "must end in");
	expect_error("organisation:\n  domain: Corp.example\n", LS_ERR_RANGE, 2, 11,
	             "is not a valid domain name");
	expect_error("organisation:\n  domain: a..example\n", LS_ERR_RANGE, 2, 11,
	             "is not a valid domain name");
	expect_error("organisation:\n  domain: -a.test\n", LS_ERR_RANGE, 2, 11,
	             "is not a valid domain name");
	sim_scenario s;
	must_load("organisation: {domain: x-1.invalid}\n", &s);
	assert_string_equal(s.org_domain, "x-1.invalid");
	sim_scenario_fini(&s);
}

static void aliases_are_refused(void **state)
{
	(void)state;
	expect_error("seed: &s 5\ndays: *s\n", LS_ERR_PARSE, 2, 7,
	             "aliases (*s) are not supported");
	/* Before any schema check, so a blow-up never gets to be expanded. */
	expect_error("a: &a [1, 1]\nb: &b [*a, *a]\n", LS_ERR_PARSE, 2, 8, "aliases (*a)");
	/* An anchor without an alias is harmless. */
	sim_scenario s;
	must_load("seed: &s 5\n", &s);
	assert_int_equal(s.seed, 5);
	sim_scenario_fini(&s);
}

static void one_document_only(void **state)
{
	(void)state;
	expect_error("seed: 1\n---\nseed: 2\n", LS_ERR_PARSE, 2, 1,
	             "a second YAML document starts here");
	expect_error("---\nseed: 1\n...\n---\n", LS_ERR_PARSE, 4, 1, "a second YAML document");
}

static void syntax_errors_come_from_libyaml(void **state)
{
	(void)state;
	expect_error("seed: [1, 2\n", LS_ERR_PARSE, 2, 1,
	             "syntax error: did not find expected ',' or ']' (while parsing a flow "
	             "sequence that starts at line 1, column 7)");
	expect_error("seed: 1\n  days: 2\n", LS_ERR_PARSE, 2, 7,
	             "syntax error: mapping values are not allowed in this context");
	expect_error("name: \"open\n", LS_ERR_PARSE, 2, 1, "syntax error: found unexpected end");
	/* Invalid UTF-8 and control characters, located by character. */
	expect_error("name: \xc3\xa9\xff\n", LS_ERR_PARSE, 1, 8,
	             "invalid text: invalid leading UTF-8 octet (#FF)");
	expect_error_n("seed: 1\nx\0: 2\n", 14, LS_ERR_PARSE, 2, 2, "invalid text: control char");
}

static void nesting_is_bounded(void **state)
{
	(void)state;
	/* Root mapping + 63 sequences = 64 levels: accepted by the structure check. */
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "x: ");
	for (int i = 0; i < LS_YAML_DEPTH_MAX - 1; i++)
		ls_buf_append_char(&b, '[');
	for (int i = 0; i < LS_YAML_DEPTH_MAX - 1; i++)
		ls_buf_append_char(&b, ']');
	expect_error(b.data, LS_ERR_PARSE, 1, 1, "x: unknown key");

	/* One more is refused where it opens: column 3 + 64. */
	ls_buf_reset(&b);
	ls_buf_append_cstr(&b, "x: ");
	for (int i = 0; i < 100000; i++)
		ls_buf_append_char(&b, '[');
	expect_error(b.data, LS_ERR_TOOLONG, 1, 3 + LS_YAML_DEPTH_MAX,
	             "nested more than 64 levels deep");

	/* Block mappings: level k starts on line k, indented by two per level. */
	ls_buf_reset(&b);
	for (int i = 0; i < 100; i++) {
		for (int j = 0; j < i; j++)
			ls_buf_append_cstr(&b, "  ");
		ls_buf_append_cstr(&b, "a:\n");
	}
	expect_error(b.data, LS_ERR_TOOLONG, LS_YAML_DEPTH_MAX + 1, 2 * LS_YAML_DEPTH_MAX + 1,
	             "nested more than");
	ls_buf_fini(&b);
}

static void size_limits_are_enforced(void **state)
{
	(void)state;
	/* Text: the cap is checked before parsing. */
	size_t len = SIM_SCENARIO_TEXT_MAX + 1;
	char *big = ls_xmalloc(len);
	memset(big, '#', len);
	expect_error_n(big, len, LS_ERR_TOOLONG, 0, 0, "at most 1048576 bytes");
	free(big);

	/* Nodes: root, key and sequence, then the items; the one past the cap fails. */
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "x: [");
	for (unsigned i = 0; i < SIM_SCENARIO_NODES_MAX; i++)
		ls_buf_append_cstr(&b, "0,");
	ls_buf_append_cstr(&b, "]\n");
	expect_error(b.data, LS_ERR_TOOLONG, 1, 5 + 2 * (SIM_SCENARIO_NODES_MAX - 3),
	             "more than 10000 YAML nodes");
	ls_buf_fini(&b);
}

/* The default campaign is the register-leak preset; presets set every knob
 * whatever their place in the mapping; keys override the preset. */
static void campaign_presets_and_knobs(void **state)
{
	(void)state;
	sim_scenario s;
	must_load("", &s);
	assert_true(s.campaign.enabled);
	assert_int_equal(s.campaign.preset, SIM_PRESET_REGISTER_LEAK);
	assert_int_equal(s.campaign.hours, SIM_HOURS_AFTER);
	assert_int_equal(s.campaign.via, SIM_VIA_JUMP);
	assert_int_equal(s.campaign.tool, SIM_TOOL_NONE);
	assert_int_equal(s.campaign.start_day, SIM_START_DAY_AUTO);
	assert_string_equal(s.campaign.channel, "harbour-leaks");
	sim_scenario_fini(&s);

	/* The preset comes last in the text but applies first. */
	must_load("campaign:\n  exfiltration: {sessions: 3}\n  preset: hard\n  start_day: 1\n", &s);
	assert_int_equal(s.campaign.preset, SIM_PRESET_HARD);
	assert_int_equal(s.campaign.account, SIM_CRED_STOLEN_DBA);
	assert_int_equal(s.campaign.method, SIM_COLLECT_PAGINATED);
	assert_int_equal(s.campaign.collect_days, 3);
	assert_int_equal(s.campaign.sessions, 3);
	assert_int_equal(s.campaign.start_day, 1);
	assert_true(s.campaign.renamed);
	assert_true(s.campaign.edit_log);
	sim_scenario_fini(&s);

	must_load("campaign:\n  enabled: false\n", &s);
	assert_false(s.campaign.enabled);
	sim_scenario_fini(&s);

	must_load("campaign:\n  preset: easy\n  publication: {channel: my-chan, delay_minutes: 5}\n"
	          "  exfiltration: {path: mixed, rate_mb_per_hour: 20.5, vpn: true}\n",
	          &s);
	assert_int_equal(s.campaign.via, SIM_VIA_DIRECT);
	assert_int_equal(s.campaign.path, SIM_PATH_MIXED);
	assert_true(s.campaign.vpn);
	assert_true(s.campaign.rate_mb_per_hour == 20.5);
	assert_string_equal(s.campaign.channel, "my-chan");
	assert_int_equal(s.campaign.publish_delay_min, 5);
	sim_scenario_fini(&s);
}

static void campaign_errors_are_located(void **state)
{
	(void)state;
	expect_error("campaign:\n  preset: nightmare\n", LS_ERR_RANGE, 2, 11,
	             "campaign.preset: expected one of: register-leak, easy, medium, hard");
	expect_error("campaign:\n  access:\n    via: teleport\n", LS_ERR_RANGE, 3, 10,
	             "campaign.access.via: expected one of: jump, direct, got 'teleport'");
	expect_error("campaign:\n  steps: []\n", LS_ERR_PARSE, 2, 3, "campaign.steps: unknown key");
	expect_error("campaign:\n  preset: easy\n  preset: hard\n", LS_ERR_PARSE, 3, 3,
	             "duplicate key");
	expect_error("campaign:\n  exfiltration: {sessions: 9}\n", LS_ERR_RANGE, 2, 28,
	             "campaign.exfiltration.sessions");
	expect_error("campaign:\n", LS_ERR_PARSE, 1, 10, "campaign: expected a mapping");
	/* Knobs that do not go together: reported at the campaign section. */
	expect_error("campaign:\n  staging: {tool: zstd, password: true}\n", LS_ERR_RANGE, 2, 3,
	             "staging.password needs staging.tool zip or 7z");
	expect_error("campaign:\n  staging: {split_mb: 5}\n", LS_ERR_RANGE, 2, 3,
	             "staging.split_mb needs staging.tool zip or 7z");
	expect_error("campaign:\n  staging: {renamed: true}\n", LS_ERR_RANGE, 2, 3,
	             "staging.renamed needs a staging.tool");
	expect_error("campaign:\n  access: {via: direct}\n  staging: {tool: zip, where: server}\n",
	             LS_ERR_RANGE, 2, 3, "staging.where server needs access.via jump");
	expect_error("campaign:\n  collection: {method: pg_dump}\n", LS_ERR_RANGE, 2, 3,
	             "pg_dump writes SQL");
	expect_error("register: {rows: 10}\ncampaign:\n  collection: {rows: 11}\n", LS_ERR_RANGE, 3,
	             3, "collection.rows is larger than register.rows");
	expect_error("days: 3\ncampaign:\n  start_day: 3\n", LS_ERR_RANGE, 3, 14,
	             "campaign.start_day: 3 is past the last day of the period (days: 3)");
	/* A disabled campaign is not cross-checked. */
	sim_scenario s;
	must_load("campaign:\n  enabled: false\n  staging: {renamed: true}\n", &s);
	sim_scenario_fini(&s);
}

/* ---------------------------------------------------------- files, names */

static void files_and_names_resolve(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *good = tu_join(dir, "my-world.yaml");
	char *bad = tu_join(dir, "bad.yml");
	const char good_text[] = "organisation:\n  people: 3\n";
	const char bad_text[] = "seed: 1\n\norganisation:\n  people: 0\n";
	assert_int_equal(ls_write_file_atomic(good, good_text, strlen(good_text), false, NULL),
	                 LS_OK);
	assert_int_equal(ls_write_file_atomic(bad, bad_text, strlen(bad_text), false, NULL), LS_OK);

	sim_scenario s;
	ls_diag d;
	ls_diag_clear(&d);
	assert_true(sim_scenario_is_path(good));
	assert_true(sim_scenario_is_path("x.yml"));
	assert_false(sim_scenario_is_path("small"));
	assert_int_equal(sim_scenario_resolve(&s, good, &d), LS_OK);
	assert_string_equal(s.name, "my-world"); /* the stem */
	assert_int_equal(s.people, 3);
	sim_scenario_fini(&s);

	assert_int_equal(sim_scenario_resolve(&s, bad, &d), LS_ERR_RANGE);
	assert_string_equal(d.file, bad);
	assert_int_equal(d.line, 4);
	assert_int_equal(d.col, 11);
	sim_scenario_fini(&s);

	char *missing = tu_join(dir, "missing.yaml");
	assert_int_equal(sim_scenario_load_file(&s, missing, &d), LS_ERR_IO);
	assert_string_equal(d.file, missing);
	assert_non_null(strstr(d.message, "cannot open"));
	assert_null(s.name);
	sim_scenario_fini(&s);

	assert_int_equal(sim_scenario_resolve(&s, "nosuch", &d), LS_ERR_NOTFOUND);
	assert_string_equal(d.file, "nosuch");
	assert_non_null(strstr(d.message, "unknown scenario"));
	assert_null(s.name);
	sim_scenario_fini(&s);

	/* A file over the cap is refused while reading. */
	ls_buf text = LS_BUF_INIT;
	while (text.len <= SIM_SCENARIO_TEXT_MAX)
		ls_buf_append_cstr(&text,
		                   "# padding padding padding padding padding padding padding\n");
	char *huge = tu_join(dir, "huge.yaml");
	assert_int_equal(ls_write_file_atomic(huge, text.data, text.len, false, NULL), LS_OK);
	assert_int_equal(sim_scenario_load_file(&s, huge, &d), LS_ERR_TOOLONG);
	assert_string_equal(d.file, huge);
	assert_int_equal(sim_scenario_read_file(huge, &text, &d), LS_ERR_TOOLONG);
	assert_int_equal(sim_scenario_read_file(good, &text, &d), LS_OK);
	assert_int_equal(text.len, strlen(good_text));
	assert_memory_equal(text.data, good_text, text.len);
	ls_buf_fini(&text);

	free(huge);
	free(missing);
	free(good);
	free(bad);
	tu_rmdir(dir);
}

static void only_len_bytes_are_read(void **state)
{
	(void)state;
	/* An exact-size heap copy without a terminator: ASan catches over-reads. */
	static const char text[] = "days: 3\nseed: 9";
	size_t len = strlen("days: 3\n");
	char *copy = ls_xmalloc(len);
	memcpy(copy, text, len);
	sim_scenario s;
	ls_diag d;
	assert_int_equal(sim_scenario_load_mem(&s, copy, len, FILE_NAME, NULL, &d), LS_OK);
	assert_int_equal(s.days, 3);
	assert_int_equal(s.seed, 1);
	sim_scenario_fini(&s);
	/* The diagnostic prints as file:line:col: message. */
	memcpy(copy, "days: 0\n", len);
	assert_int_equal(sim_scenario_load_mem(&s, copy, len, "sim/scenarios/x.yaml", "x", &d),
	                 LS_ERR_RANGE);
	char out[LS_DIAG_MSG_MAX + 64];
	ls_diag_format(&d, out, sizeof out);
	assert_string_equal(out,
	                    "sim/scenarios/x.yaml:1:7: days: must be between 1 and 366, got 0");
	free(copy);
	assert_int_equal(sim_scenario_load_mem(&s, NULL, 0, FILE_NAME, NULL, &d), LS_OK);
	assert_int_equal(s.days, 7);
	sim_scenario_fini(&s);
}

static void role_and_profile_names_are_stable(void **state)
{
	(void)state;
	static const char *const roles[] = { "office", "analyst",  "developer",
		                             "dba",    "it_admin", "executive" };
	for (int r = 0; r < SIM_ROLE__COUNT; r++) {
		assert_string_equal(sim_role_name((sim_role)r), roles[r]);
		sim_role back = SIM_ROLE__COUNT;
		assert_int_equal(sim_role_parse(ls_sv_from_cstr(roles[r]), &back), LS_OK);
		assert_int_equal(back, r);
	}
	assert_string_equal(sim_role_name(SIM_ROLE__COUNT), "unknown");
	sim_role r;
	assert_int_equal(sim_role_parse(LS_SV_LIT("Office"), &r), LS_ERR_NOTFOUND);
	assert_int_equal(sim_role_parse(LS_SV_LIT("offic"), &r), LS_ERR_NOTFOUND);

	assert_string_equal(sim_profile_name(SIM_PROFILE_MSGR), "msgr");
	assert_string_equal(sim_profile_name(SIM_PROFILE_TELEGRAM), "telegram");
	assert_string_equal(sim_profile_name((sim_profile)7), "unknown");
	sim_profile p = SIM_PROFILE_MSGR;
	assert_int_equal(sim_profile_parse(LS_SV_LIT("telegram"), &p), LS_OK);
	assert_int_equal(p, SIM_PROFILE_TELEGRAM);
	assert_int_equal(sim_profile_parse(LS_SV_LIT("signal"), &p), LS_ERR_NOTFOUND);
}

/* Overrides apply on top of a loaded scenario, keep the rest, and are checked. */
static void overrides_apply_on_top(void **state)
{
	(void)state;
	sim_scenario s;
	ls_diag d;
	assert_int_equal(sim_scenario_resolve(&s, "small", &d), LS_OK);
	ls_time start = s.start;
	uint32_t people = s.people, days = s.days;
	static const char rate[] = "{campaign: {exfiltration: {rate_mb_per_hour: 20}}}\n";
	assert_int_equal(sim_scenario_apply_mem(&s, rate, sizeof rate - 1, "--vary", &d), LS_OK);
	assert_true(s.campaign.rate_mb_per_hour == 20.0);
	assert_int_equal(s.people, people);
	assert_int_equal(s.days, days);
	assert_int_equal(s.start, start);
	/* A preset resets the campaign, as in a scenario file. */
	static const char preset[] = "{campaign: {preset: hard}}\n";
	assert_int_equal(sim_scenario_apply_mem(&s, preset, sizeof preset - 1, "--vary", &d),
	                 LS_OK);
	assert_int_equal(s.campaign.preset, SIM_PRESET_HARD);
	assert_true(s.campaign.rate_mb_per_hour != 20.0);
	/* The start date moves only when asked, and keeps local midnight. */
	static const char date[] = "{start: 2026-04-06}\n";
	assert_int_equal(sim_scenario_apply_mem(&s, date, sizeof date - 1, "--vary", &d), LS_OK);
	assert_true(s.start > start);
	/* Unknown keys and knobs that do not go together are located errors. */
	static const char bad[] = "{campaign: {exfiltration: {rate: 20}}}\n";
	ls_diag_clear(&d);
	assert_int_equal(sim_scenario_apply_mem(&s, bad, sizeof bad - 1, "--vary", &d),
	                 LS_ERR_PARSE);
	assert_string_equal(d.file, "--vary");
	assert_non_null(strstr(d.message, "rate"));
	static const char clash[] = "{campaign: {staging: {tool: none, password: true}}}\n";
	sim_scenario_fini(&s);
	assert_int_equal(sim_scenario_resolve(&s, "small", &d), LS_OK);
	ls_diag_clear(&d);
	assert_int_equal(sim_scenario_apply_mem(&s, clash, sizeof clash - 1, "--vary", &d),
	                 LS_ERR_RANGE);
	assert_non_null(strstr(d.message, "password"));
	sim_scenario_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_documented_values),
		cmocka_unit_test(empty_documents_give_the_defaults),
		cmocka_unit_test(every_builtin_loads_with_a_description),
		cmocka_unit_test(default_yaml_spells_out_the_defaults),
		cmocka_unit_test(start_date_is_local_midnight),
		cmocka_unit_test(every_key_is_read_into_its_field),
		cmocka_unit_test(unknown_keys_are_located),
		cmocka_unit_test(duplicate_keys_are_located),
		cmocka_unit_test(wrong_types_are_located),
		cmocka_unit_test(integers_are_strictly_decimal),
		cmocka_unit_test(floats_are_strictly_decimal),
		cmocka_unit_test(out_of_range_values_are_located),
		cmocka_unit_test(bad_dates_and_offsets_are_located),
		cmocka_unit_test(bad_domains_are_located),
		cmocka_unit_test(aliases_are_refused),
		cmocka_unit_test(one_document_only),
		cmocka_unit_test(syntax_errors_come_from_libyaml),
		cmocka_unit_test(nesting_is_bounded),
		cmocka_unit_test(size_limits_are_enforced),
		cmocka_unit_test(campaign_presets_and_knobs),
		cmocka_unit_test(campaign_errors_are_located),
		cmocka_unit_test(files_and_names_resolve),
		cmocka_unit_test(only_len_bytes_are_read),
		cmocka_unit_test(role_and_profile_names_are_stable),
		cmocka_unit_test(overrides_apply_on_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
