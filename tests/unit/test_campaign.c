/*
 * test_campaign.c - the insider's campaign: every preset's answer key
 * agrees with its logs, its records look like everyone else's, the bytes
 * add up exactly across sources, the presets differ the way they claim,
 * and the leaked export carries its watermark.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "datasetcheck.h"
#include "sim/campaign.h"
#include "sim/channel.h"
#include "sim/gen.h"
#include "sim/register.h"
#include "testutil.h"

/* ------------------------------------------------------------- helpers */

/* A built-in scenario, made smaller so a test stays quick: fewer people
 * (with DBAs to steal from) and a smaller register. */
static void preset(sim_scenario *sc, const char *name, uint32_t people, uint64_t rows)
{
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(sim_scenario_resolve(sc, name, &d), LS_OK);
	if (people) {
		sc->people = people;
		sc->role_mix[SIM_ROLE_DBA] = 8;
	}
	if (rows)
		sc->register_rows = rows;
}

static char *generate(const sim_scenario *sc, bool artifacts)
{
	char *dir = tu_tempdir();
	ls_diag d;
	ls_diag_clear(&d);
	sim_gen_opts o = { .artifacts = artifacts };
	sim_gen_stats st;
	ls_err e = sim_generate(sc, dir, &o, &st, NULL, NULL, &d);
	if (e != LS_OK)
		fail_msg("generate %s: %s", sc->name, d.message);
	return dir;
}

static const tu_step *step(const tu_campaign *c, const char *name)
{
	for (size_t i = 0; i < c->nsteps; i++)
		if (strcmp(c->steps[i].name, name) == 0)
			return &c->steps[i];
	return NULL;
}

static uint64_t field_u64(const tu_dataset *ds, const tu_record *r, const char *f)
{
	ls_buf v = LS_BUF_INIT;
	if (!tu_record_field(ds, r, f, &v))
		fail_msg("record %s has no field %s", r->rid, f);
	uint64_t x = 0;
	assert_int_equal(ls_sv_to_u64(ls_sv_make(v.data, v.len), &x), LS_OK);
	ls_buf_fini(&v);
	return x;
}

static bool field_is(const tu_dataset *ds, const tu_record *r, const char *f, const char *want)
{
	ls_buf v = LS_BUF_INIT;
	bool ok = tu_record_field(ds, r, f, &v) && v.len == strlen(want) &&
	          memcmp(v.data, want, v.len) == 0;
	ls_buf_fini(&v);
	return ok;
}

static const tu_record *rec(const tu_dataset *ds, const tu_ref *ref)
{
	const tu_record *r = NULL;
	assert_int_equal(tu_dataset_find(ds, ref->source, ref->rid, &r), 1);
	return r;
}

static void hex32(const unsigned char h[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* ------------------------------------------------------------ the sums */

/*
 * Every byte figure of the answer key, checked against the logs and
 * recomputed from the models: the export from the register, the archive
 * from the archive model, each upload from the messenger model, and the
 * flows, proxy lines and Sysmon events that carried them.
 */
static void check_bytes(const tu_dataset *ds, const sim_scenario *sc)
{
	const tu_campaign *c = &ds->key.campaigns[0];
	const sim_campaign_cfg *cfg = &sc->campaign;

	/* The export is real: regenerate it from (seed, session) and compare. */
	sim_register *reg = ls_xmalloc(sizeof *reg);
	assert_int_equal(sim_register_init(reg, sc->seed, sc->register_rows), LS_OK);
	static const sim_export_format fmts[] = { SIM_EXPORT_CSV, SIM_EXPORT_SQL_COPY,
		                                  SIM_EXPORT_SQL_INSERT };
	sim_export_spec spec = { .session_id = c->export.session,
		                 .format = fmts[cfg->format],
		                 .hi = cfg->rows };
	sim_export_result res;
	assert_int_equal(sim_register_export(reg, &spec, NULL, NULL, &res, NULL), LS_OK);
	assert_int_equal(c->export.bytes, res.bytes);
	assert_int_equal(c->export.rows, res.rows);
	assert_int_equal(c->export.canaries, res.canaries);
	char sha[65];
	hex32(res.sha256, sha);
	assert_string_equal(c->export.sha256, sha);
	assert_int_equal(c->totals.rows, res.rows);
	assert_int_equal(c->totals.export_bytes, res.bytes);
	sim_register_fini(reg);
	free(reg);

	/* The archive follows the model; without one the export itself leaves. */
	uint64_t archive = sim_archive_bytes(cfg->tool, cfg->format, cfg->password, res.bytes,
	                                     strlen(c->export.name));
	assert_int_equal(c->totals.archive_bytes, archive);
	assert_int_equal(c->leaked_file.size, archive);
	if (cfg->tool == SIM_TOOL_NONE)
		assert_string_equal(c->leaked_file.sha256, c->export.sha256);

	/* The database flow carries the export's bytes, 5 per row and 64 per statement. */
	if (cfg->method != SIM_COLLECT_PAGINATED) {
		const tu_step *col = step(c, "collection");
		assert_non_null(col);
		uint64_t resp = tu_dataset_sum(ds, col->records.v, col->records.n, TU_SRC_CONN,
		                               "resp_bytes");
		assert_int_equal(resp, 900 + res.bytes + 5 * res.rows + 64);
	}

	/* The uploads add up to the leaked file and to the totals. */
	uint64_t size = 0, wire = 0, parts = 0, sessions = 0;
	for (size_t u = 0; u < c->nuploads; u++) {
		const tu_upload *up = &c->uploads[u];
		size += up->size;
		wire += up->wire_bytes;
		parts += up->parts;
		sessions += up->sessions;
		assert_true(up->wire_bytes > up->size); /* the file plus framing */
		bool native = strcmp(up->path, "native") == 0;
		const tu_refs *rs = &up->records;
		size_t nconn = 0, neid3 = 0;
		for (size_t k = 0; k < rs->n; k++) {
			const tu_record *r = rec(ds, &rs->v[k]);
			if (r->source == TU_SRC_CONN)
				nconn++;
			if (r->source == TU_SRC_SYSMON && field_is(ds, r, "EventID", "3"))
				neid3++;
		}
		if (native) {
			sim_channel_upload plan;
			assert_int_equal(sim_channel_plan_upload(up->size, cfg->sessions, &plan),
			                 LS_OK);
			assert_int_equal(up->wire_bytes, plan.up_total);
			assert_int_equal(up->parts, plan.parts);
			assert_int_equal(up->sessions, plan.nsessions);
			/* One Sysmon network event per upload session, from the same port as its flow. */
			assert_int_equal(neid3, plan.nsessions);
			/* The size is recoverable from the flows to within one part. */
			uint64_t lo, hi;
			assert_int_equal(sim_channel_estimate_file_size(plan.up_total,
			                                                plan.nsessions, &lo, &hi),
			                 LS_OK);
			assert_true(lo <= up->size && up->size <= hi);
			assert_true(hi - lo < plan.part_size);
		} else {
			sim_channel_bot_upload plan;
			assert_int_equal(sim_channel_plan_bot_upload(up->size, "api.msgr.example",
			                                             up->file, &plan),
			                 LS_OK);
			if (!up->vpn) {
				assert_int_equal(up->wire_bytes, plan.up_bytes);
				/* The proxy's cs-bytes is the upload as the laptop sent it. */
				assert_int_equal(
				        tu_dataset_sum(ds, rs->v, rs->n, TU_SRC_PROXY, "cs-bytes"),
				        plan.up_bytes);
			} else {
				assert_int_equal(up->wire_bytes, plan.tunnel_up_bytes);
			}
		}
		uint64_t orig = tu_dataset_sum(ds, rs->v, rs->n, TU_SRC_CONN, "orig_bytes");
		if (up->vpn) {
			/* Zeek sees one tunnel flow per upload. */
			assert_int_equal(nconn, 1);
			assert_int_equal(orig, sim_vpn_bytes(up->wire_bytes));
		} else if (native) {
			/* The sessions' flows carry exactly the wire bytes. */
			assert_int_equal(nconn, up->sessions);
			assert_int_equal(orig, up->wire_bytes);
		} else {
			sim_channel_bot_upload plan;
			assert_int_equal(sim_channel_plan_bot_upload(up->size, "api.msgr.example",
			                                             up->file, &plan),
			                 LS_OK);
			/* laptop -> proxy, then proxy -> API in TLS */
			assert_int_equal(nconn, 2);
			assert_int_equal(orig, plan.up_bytes + plan.tunnel_up_bytes);
		}
	}
	assert_int_equal(size, c->leaked_file.size);
	assert_int_equal(wire, c->totals.wire_bytes);
	assert_int_equal(parts, c->totals.parts);
	assert_int_equal(sessions, c->totals.sessions);
	/* The exfiltration step lists every upload record, and only those. */
	const tu_step *ex = step(c, "exfiltration");
	assert_non_null(ex);
	size_t listed = 0;
	for (size_t u = 0; u < c->nuploads; u++)
		listed += c->uploads[u].records.n;
	assert_int_equal(ex->records.n, listed);

	/* The post publishes the leaked file: its name, size and hash. */
	const tu_step *pub = step(c, "publication");
	assert_non_null(pub);
	assert_int_equal(pub->records.n, 1);
	const tu_record *post = rec(ds, &pub->records.v[0]);
	assert_int_equal(post->source, TU_SRC_MESSAGING);
	assert_true(field_is(ds, post, "file_name", c->leaked_file.name));
	assert_int_equal(field_u64(ds, post, "file_size"), c->leaked_file.size);
	assert_true(field_is(ds, post, "file_sha256", c->leaked_file.sha256));
	assert_true(field_is(ds, post, "channel", cfg->channel));
}

/*
 * Content that ties a record to its actor must not differ for the insider:
 * on the jump host every account has one uid, whoever logs in with it.
 */
static void check_uids(const tu_dataset *ds)
{
	enum { MAXU = 4096 };
	static char names[MAXU][40];
	static unsigned uids[MAXU];
	size_t n = 0, seen = 0;
	for (size_t i = ds->begin[TU_SRC_AUTH]; i < ds->begin[TU_SRC_AUTH + 1]; i++) {
		ls_sv line = tu_record_line(ds, &ds->recs[i]);
		const char *p = memmem(line.ptr, line.len, "session opened for user ", 24);
		if (p == NULL)
			continue;
		p += 24;
		const char *paren = memchr(p, '(', (size_t)(line.ptr + line.len - p));
		assert_non_null(paren);
		size_t len = (size_t)(paren - p);
		assert_true(len < sizeof names[0]);
		unsigned uid = (unsigned)strtoul(paren + 5, NULL, 10);
		size_t k;
		for (k = 0; k < n; k++)
			if (strlen(names[k]) == len && memcmp(names[k], p, len) == 0)
				break;
		if (k == n) {
			assert_true(n < MAXU);
			memcpy(names[n], p, len);
			names[n][len] = '\0';
			uids[n++] = uid;
		} else if (uids[k] != uid) {
			fail_msg("account %s has uid %u and %u", names[k], uids[k], uid);
		}
		seen++;
	}
	assert_true(seen > 0);
}

/* Load, then every check this file knows. */
static void check_dataset(const char *dir, const sim_scenario *sc)
{
	tu_dataset *ds = tu_dataset_load(dir);
	assert_int_equal(ds->key.ncampaigns, 1);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);
	check_bytes(ds, sc);
	check_uids(ds);
	tu_dataset_free(ds);
}

/* ------------------------------------------------------------- presets */

static void run_preset(const char *name, uint32_t people, uint64_t rows)
{
	sim_scenario sc;
	preset(&sc, name, people, rows);
	char *dir = generate(&sc, false);
	check_dataset(dir, &sc);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

static void preset_register_leak(void **state)
{
	(void)state;
	run_preset("register-leak", 60, 300000);
}

static void preset_easy(void **state)
{
	(void)state;
	run_preset("easy", 60, 300000);
}

static void preset_medium(void **state)
{
	(void)state;
	run_preset("medium", 60, 300000);
}

static void preset_hard(void **state)
{
	(void)state;
	run_preset("hard", 80, 300000);
}

/* The issue's own case, at full size: `generate --scenario hard --seed 3`. */
static void hard_seed_3_full_size(void **state)
{
	(void)state;
	sim_scenario sc;
	preset(&sc, "hard", 0, 0);
	sc.seed = 3;
	char *dir = generate(&sc, false);
	check_dataset(dir, &sc);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* Every other path: the bot API, both paths mixed, through a VPN, zstd on the
 * server, an https transfer, pg_dump to INSERT statements, a subset of rows. */
static void bot_mixed_vpn_and_the_rest(void **state)
{
	(void)state;
	static const char *const variants[] = {
		"organisation: {people: 40, roles: {dba: 5}}\nregister: {rows: 120000}\n"
		"campaign:\n  exfiltration: {path: bot}\n  staging: {tool: zip, split_mb: 4}\n",
		"organisation: {people: 40, roles: {dba: 5}}\nregister: {rows: 120000}\n"
		"campaign:\n  exfiltration: {path: mixed, vpn: true, sessions: 3}\n"
		"  staging: {tool: 7z, password: true, split_mb: 2, where: server}\n"
		"  transfer: {method: https}\n",
		"organisation: {people: 40, roles: {dba: 5}}\nregister: {rows: 120000}\n"
		"campaign:\n  access: {via: direct, account: stolen_dba, hours: in}\n"
		"  collection: {method: pg_dump, format: insert, rows: 50000}\n"
		"  staging: {tool: zstd}\n  exfiltration: {vpn: true, schedule: after_hours}\n"
		"  anti_forensics: {edit_log: true, delete_staging: true}\n",
		"organisation: {people: 40, roles: {dba: 5}}\nregister: {rows: 120000}\n"
		"campaign:\n  transfer: {method: usb}\n  collection: {method: select, format: "
		"copy}\n"
		"  exfiltration: {path: bot, vpn: true}\n  staging: {tool: 7z, split_mb: 3}\n",
	};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		sim_scenario sc;
		ls_diag d;
		ls_diag_clear(&d);
		ls_err e = sim_scenario_load_mem(&sc, variants[i], strlen(variants[i]), "variant",
		                                 "variant", &d);
		if (e != LS_OK)
			fail_msg("variant %zu: %s", i, d.message);
		char *dir = generate(&sc, false);
		check_dataset(dir, &sc);
		tu_rmdir(dir);
		sim_scenario_fini(&sc);
	}
}

/* With the dirty-data knobs on, the answer key still accounts for every record. */
static void dirty_data_is_accounted_for(void **state)
{
	(void)state;
	sim_scenario sc;
	preset(&sc, "medium", 40, 100000);
	sc.drop_rate = 0.05;
	sc.duplicate_rate = 0.05;
	sc.delay_rate = 0.05;
	char *dir = generate(&sc, false);
	tu_dataset *ds = tu_dataset_load(dir);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);
	assert_true(ds->key.dropped.n > 0 && ds->key.duplicated.n > 0);
	tu_dataset_free(ds);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* `hard` is low and slow; `easy` one burst. */
static void presets_differ_as_they_claim(void **state)
{
	(void)state;
	ls_time span[2], collect[2];
	size_t uploads[2], days[2];
	const char *const names[2] = { "easy", "hard" };
	for (int k = 0; k < 2; k++) {
		sim_scenario sc;
		preset(&sc, names[k], 80, 1000000);
		char *dir = generate(&sc, false);
		tu_dataset *ds = tu_dataset_load(dir);
		const tu_campaign *c = &ds->key.campaigns[0];
		const tu_step *ex = step(c, "exfiltration");
		span[k] = ex->end - ex->start;
		const tu_step *col = step(c, "collection");
		collect[k] = col->end - col->start;
		uploads[k] = c->nuploads;
		/* Distinct local days with uploads. */
		days[k] = 0;
		int64_t last = -1;
		for (size_t u = 0; u < c->nuploads; u++) {
			int64_t dd = (c->uploads[u].start - sc.start) / LS_USEC_PER_DAY;
			if (dd != last)
				days[k]++;
			last = dd;
		}
		if (k == 1) {
			/* Through a DBA's stolen account. */
			assert_int_equal(c->nactors, 2);
			assert_string_equal(c->actors[1].credential, "stolen");
		}
		tu_dataset_free(ds);
		tu_rmdir(dir);
		sim_scenario_fini(&sc);
	}
	assert_true(span[0] < LS_USEC_PER_HOUR);
	assert_int_equal(uploads[0], 1);
	assert_true(span[1] > 2 * LS_USEC_PER_DAY);
	assert_true(span[1] > 48 * span[0]);
	assert_true(uploads[1] > 1 && days[1] >= 3);
	assert_true(collect[1] > LS_USEC_PER_DAY); /* paginated over days */
}

/* --------------------------------------------------------- artifacts */

/* --artifacts writes the leaked export exactly as exported: the answer key's
 * hash, and every canary of its session's watermark; and the archive's
 * stand-in, whose hash the channel posted. */
static void artifacts_hold_the_watermarked_export(void **state)
{
	(void)state;
	sim_scenario sc;
	preset(&sc, "medium", 30, 40000);
	char *dir = generate(&sc, true);
	tu_dataset *ds = tu_dataset_load(dir);
	const tu_campaign *c = &ds->key.campaigns[0];
	char rel[128];
	snprintf(rel, sizeof rel, "artifacts/%s", c->export.name);
	char *path = tu_join(dir, rel);
	ls_buf b = LS_BUF_INIT;
	assert_true(tu_read_file(path, &b));
	assert_int_equal(b.len, c->export.bytes);
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
	hex32(h, hex);
	assert_string_equal(hex, c->export.sha256);
	/* The CSV has its header row and every canary of the session. */
	const char *nl = strchr(b.data, '\n');
	assert_non_null(nl);
	assert_non_null(memmem(b.data, (size_t)(nl - b.data), "member_id", 9));
	sim_register *reg = ls_xmalloc(sizeof *reg);
	assert_int_equal(sim_register_init(reg, sc.seed, sc.register_rows), LS_OK);
	sim_export_spec spec = { .session_id = c->export.session, .format = SIM_EXPORT_CSV };
	sim_watermark wm;
	assert_int_equal(sim_register_watermark(reg, &spec, &wm, NULL), LS_OK);
	assert_int_equal(wm.ncanaries, c->export.canaries);
	assert_true(wm.ncanaries >= SIM_REGISTER_CANARY_MIN);
	for (uint64_t j = 0; j < wm.ncanaries; j++) {
		sim_member m;
		sim_register_row(reg, sim_watermark_canary(&wm, j), &m);
		if (strstr(b.data, m.member_id) == NULL)
			fail_msg("canary %llu (%s) is not in the export", (unsigned long long)j,
			         m.member_id);
	}
	/* A session that did not make this export leaves no canary in it. */
	spec.session_id = "not-this-session";
	sim_watermark other;
	assert_int_equal(sim_register_watermark(reg, &spec, &other, NULL), LS_OK);
	size_t foreign = 0;
	for (uint64_t j = 0; j < other.ncanaries; j++) {
		sim_member m;
		sim_register_row(reg, sim_watermark_canary(&other, j), &m);
		foreign += strstr(b.data, m.member_id) != NULL;
	}
	assert_int_equal(foreign, 0);
	sim_watermark_fini(&other);
	sim_watermark_fini(&wm);
	sim_register_fini(reg);
	free(reg);
	free(path);

	/* The archive: the posted name, size and hash, and the format's magic. */
	snprintf(rel, sizeof rel, "artifacts/%s", c->leaked_file.name);
	path = tu_join(dir, rel);
	ls_buf_reset(&b);
	assert_true(tu_read_file(path, &b));
	assert_int_equal(b.len, c->leaked_file.size);
	crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
	hex32(h, hex);
	assert_string_equal(hex, c->leaked_file.sha256);
	assert_memory_equal(b.data, "7z\xbc\xaf\x27\x1c", 6);
	free(path);
	ls_buf_fini(&b);
	tu_dataset_free(ds);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* ------------------------------------------------------ determinism */

static void same_seed_same_bytes(void **state)
{
	(void)state;
	ls_buf a = LS_BUF_INIT, b = LS_BUF_INIT;
	for (int k = 0; k < 2; k++) {
		sim_scenario sc;
		preset(&sc, "hard", 80, 100000);
		char *dir = generate(&sc, true);
		char *man = tu_join(dir, "manifest.json");
		assert_true(tu_read_file(man, k ? &b : &a));
		free(man);
		tu_rmdir(dir);
		sim_scenario_fini(&sc);
	}
	/* The manifest holds every file's BLAKE2b-256. */
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_non_null(strstr(a.data, "\"artifacts/members_export.7z\""));
	ls_buf_fini(&a);
	ls_buf_fini(&b);
}

/* ------------------------------------------------------------ errors */

static void campaigns_that_cannot_happen_are_errors(void **state)
{
	(void)state;
	static const struct {
		const char *yaml, *want;
	} cases[] = {
		{ "organisation: {people: 10, roles: {dba: 0}}\nregister: {rows: 1000}\n"
		  "campaign: {access: {account: stolen_dba}}\n",
		  "stolen_dba needs a DBA other than the insider" },
		{ "days: 2\norganisation: {people: 30, roles: {dba: 5}}\nregister: {rows: 1000}\n"
		  "campaign: {preset: hard}\n",
		  "the steps do not fit in the period (2 days)" },
		{ "days: 5\norganisation: {people: 10}\nregister: {rows: 1000}\n"
		  "campaign: {start_day: 4, exfiltration: {schedule: in_hours, days: 3}}\n",
		  "the steps do not fit in the period (5 days from start_day)" },
		{ "organisation: {people: 10}\nregister: {rows: 600000}\n"
		  "campaign: {exfiltration: {path: bot}}\n",
		  "the bot path takes files up to 50 MB" },
		{ "organisation: {people: 10}\nregister: {rows: 1000}\n"
		  "campaign: {exfiltration: {path: bot}, staging: {tool: zip, split_mb: 60}}\n",
		  "at most 45 for the bot path" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sim_scenario sc;
		ls_diag d;
		ls_diag_clear(&d);
		assert_int_equal(sim_scenario_load_mem(&sc, cases[i].yaml, strlen(cases[i].yaml),
		                                       "c", "c", &d),
		                 LS_OK);
		char *dir = tu_tempdir();
		sim_gen_stats st;
		ls_err e = sim_generate(&sc, dir, NULL, &st, NULL, NULL, &d);
		if (e != LS_ERR_RANGE || strstr(d.message, cases[i].want) == NULL)
			fail_msg("case %zu: got %d '%s', want '%s'", i, (int)e, d.message,
			         cases[i].want);
		tu_rmdir(dir);
		sim_scenario_fini(&sc);
	}
}

/* Without a campaign the answer key says so and the export log has no campaign export. */
static void campaign_can_be_switched_off(void **state)
{
	(void)state;
	sim_scenario sc;
	preset(&sc, "small", 0, 0);
	sc.campaign.enabled = false;
	char *dir = generate(&sc, true);
	tu_dataset *ds = tu_dataset_load(dir);
	assert_int_equal(ds->key.ncampaigns, 0);
	for (size_t i = 0; i < ds->nexports; i++)
		assert_true(ds->exports[i].kind == NULL ||
		            strcmp(ds->exports[i].kind, "campaign") != 0);
	tu_check_answer_key(ds);
	char *art = tu_join(dir, "artifacts");
	assert_false(tu_exists(art));
	free(art);
	tu_dataset_free(ds);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(preset_register_leak),
		cmocka_unit_test(preset_easy),
		cmocka_unit_test(preset_medium),
		cmocka_unit_test(preset_hard),
		cmocka_unit_test(hard_seed_3_full_size),
		cmocka_unit_test(bot_mixed_vpn_and_the_rest),
		cmocka_unit_test(dirty_data_is_accounted_for),
		cmocka_unit_test(presets_differ_as_they_claim),
		cmocka_unit_test(artifacts_hold_the_watermarked_export),
		cmocka_unit_test(same_seed_same_bytes),
		cmocka_unit_test(campaigns_that_cannot_happen_are_errors),
		cmocka_unit_test(campaign_can_be_switched_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
