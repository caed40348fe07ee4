/*
 * test_score.c - scoring against hand-made answer keys, golden figures.
 *
 * A small dataset is written to a temporary directory: a manifest of two
 * days, an answer key with one campaign of four steps (8 malicious records)
 * and two decoy kinds, a few log lines for the records (so that entities
 * resolve the way detect enriches events: Sysmon's User and Computer, the
 * DHCP lease of a conn flow's address, db_audit's user, auth's host), and
 * alerts. Every figure of docs/scoring.md's worked example is checked by
 * hand here: per rule, per step, per technique, the three levels and the
 * operations; then the edge cases (no alerts, an unknown rid, duplicate
 * alerts, an alert touching two steps, a decoy that fooled a rule, an
 * alert without a time, dropped records, no campaign, two campaigns), the
 * errors with their file:line:col, the expectations, the JSON shape (read
 * back with io/jdoc.h) and the rendered report byte for byte against
 * tests/score/ (LEAKSIM_UPDATE_GOLDEN=1 rewrites those files).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic.h"
#include "core/time.h"
#include "io/jdoc.h"
#include "score/score.h"
#include "testutil.h"

/* --------------------------------------------------------------- fixtures */

static const char MANIFEST[] = "{\"leaksim\":\"0.1.0\",\"scenario\":\"test\",\"seed\":7,"
                               "\"days\":2,\"start\":\"2026-03-04T00:00:00+08:00\",\"files\":[]}\n";

#define REC(s, r) "{\"source\":\"" s "\",\"rid\":\"" r "\"}"

static const char KEY[] =
        "{\"scenario\":\"test\",\"seed\":7,\"campaigns\":[{\"id\":\"campaign-1\",\"steps\":[\n"
        " {\"name\":\"access\",\"techniques\":[\"T1078\"],\"start\":\"2026-03-04T10:00:00Z\","
        "\"end\":\"2026-03-04T10:05:00Z\",\"records\":[" REC("sysmon", "a1") "," REC("auth", "a2")
        "],\"earliest_detectable\":{\"sysmon\":\"2026-03-04T10:00:00Z\","
        "\"auth\":\"2026-03-04T10:00:30Z\"}},\n"
        " {\"name\":\"collection\",\"techniques\":[\"T1213.006\"],"
        "\"start\":\"2026-03-04T10:10:00Z\",\"end\":\"2026-03-04T10:12:00Z\",\"records\":[" REC(
                "db_audit", "c1") "," REC("conn", "c2") "],\"earliest_detectable\":{"
                                                        "\"db_audit\":\"2026-03-04T10:10:00Z\","
                                                        "\"conn\":\"2026-03-04T10:10:05Z\"}},\n"
        " {\"name\":\"exfiltration\",\"techniques\":[\"T1567\"],"
        "\"start\":\"2026-03-04T10:20:00Z\",\"end\":\"2026-03-04T10:30:00Z\",\"records\":[" REC(
                "conn", "x1") "," REC("conn", "x2") "," REC("sysmon", "x3")
        "],\"earliest_detectable\":{\"conn\":\"2026-03-04T10:20:00Z\","
        "\"sysmon\":\"2026-03-04T10:19:59Z\"}},\n"
        " {\"name\":\"anti_forensics\",\"techniques\":[\"T1070.003\"],"
        "\"start\":\"2026-03-04T10:40:00Z\",\"end\":\"2026-03-04T10:41:00Z\",\"records\":[" REC(
                "sysmon", "z1") "],\"earliest_detectable\":{\"sysmon\":\"2026-03-04T10:40:00Z\"}}],\n"
        " \"uploads\":[{\"file\":\"x.csv\",\"start\":\"2026-03-04T10:20:00Z\","
        "\"end\":\"2026-03-04T10:30:00Z\",\"records\":[" REC("conn", "x1") "," REC("conn", "x2") "]}]}],\n"
        " \"decoys\":[\n"
        "  {\"kind\":\"dba_backup\",\"records\":[" REC("db_audit", "d1") "," REC("conn", "d2") "]},\n"
        "  {\"kind\":\"video_send\",\"records\":[" REC("conn", "v1") "," REC("sysmon", "v2") "]}],\n"
        " \"dirty\":{\"missing_sensor\":null,\"clock_skew_seconds\":{},\"delay_seconds\":0,"
        "\"dropped\":[],\"duplicated\":[],\"delayed\":[]}}\n";

static const char SYSMON[] =
        "{\"timestamp\":\"2026-03-04T10:00:00Z\",\"rid\":\"a1\",\"EventID\":1,"
        "\"User\":\"CORP\\\\mallory\",\"Computer\":\"LT-1.corp.example\"}\n"
        "{\"timestamp\":\"2026-03-04T10:19:59Z\",\"rid\":\"x3\",\"EventID\":3,"
        "\"User\":\"CORP\\\\mallory\",\"Computer\":\"LT-1.corp.example\"}\n"
        "{\"timestamp\":\"2026-03-04T10:40:00Z\",\"rid\":\"z1\",\"EventID\":1,"
        "\"User\":\"CORP\\\\mallory\",\"Computer\":\"LT-1.corp.example\"}\n"
        "{\"timestamp\":\"2026-03-04T15:00:00Z\",\"rid\":\"v2\",\"EventID\":3,"
        "\"User\":\"CORP\\\\bob\",\"Computer\":\"LT-2.corp.example\"}\n";

static const char AUTH[] = "<86>1 2026-03-04T10:00:30Z jump01 sshd 51 - [leaksim@32473 rid=\"a2\"] "
                           "Accepted publickey for mallory from 10.0.0.5 port 50000 ssh2\n";

static const char DB_AUDIT[] =
        "{\"timestamp\":\"2026-03-04T10:10:00Z\",\"rid\":\"c1\",\"user\":\"mallory\"}\n"
        "{\"timestamp\":\"2026-03-05T01:00:00Z\",\"rid\":\"d1\",\"user\":\"dba1\"}\n"
        "this line is not JSON\n";

/* Zeek TSV; 1772582400 is 2026-03-04T00:00:00Z. */
static const char CONN[] = "#separator \\x09\n"
                           "#set_separator\t,\n"
                           "#empty_field\t(empty)\n"
                           "#unset_field\t-\n"
                           "#path\tconn\n"
                           "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\trid\n"
                           "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\n"
                           "1772619005.000000\tCa\t10.0.0.5\t50001\t10.1.0.1\t5432\ttcp\tc2\n"
                           "1772619600.000000\tCb\t10.0.0.5\t50002\t203.0.113.9\t443\ttcp\tx1\n"
                           "1772619605.000000\tCc\t10.0.0.5\t50003\t203.0.113.9\t443\ttcp\tx2\n"
                           "1772636400.000000\tCd\t10.0.0.6\t50004\t203.0.113.9\t443\ttcp\tv1\n"
                           "1772672401.000000\tCe\t10.0.0.9\t50005\t10.1.0.1\t22\ttcp\td2\n";

static const char DHCP[] =
        "{\"timestamp\":\"2026-03-04T00:00:00Z\",\"rid\":\"h1\",\"event\":\"DHCPACK\","
        "\"ip\":\"10.0.0.5\",\"host\":\"LT-1\",\"user\":\"mallory\","
        "\"lease_start\":\"2026-03-04T00:00:00Z\",\"lease_end\":\"2026-03-05T00:00:00Z\"}\n"
        "{\"timestamp\":\"2026-03-04T00:00:01Z\",\"rid\":\"h2\",\"event\":\"DHCPACK\","
        "\"ip\":\"10.0.0.6\",\"host\":\"LT-2\",\"user\":\"bob\","
        "\"lease_start\":\"2026-03-04T00:00:01Z\",\"lease_end\":\"2026-03-05T00:00:00Z\"}\n";

#define ALERT(id, title, time, group, recs)                                                        \
	"{\"rule_id\":" id ",\"title\":\"" title "\",\"level\":\"high\",\"tags\":[],\"time\":" time \
	",\"group\":{" group "},\"records\":[" recs "]}\n"

static const char ALERTS[] =
        ALERT("\"r1\"", "Bulk read", "\"2026-03-04T10:10:30Z\"", "", REC("db_audit", "c1"))
        ALERT("\"r1\"", "Bulk read", "\"2026-03-05T01:00:00Z\"", "", REC("db_audit", "d1"))
        ALERT("\"r2\"", "Upload", "\"2026-03-04T10:20:10Z\"", "", REC("conn", "x1"))
        ALERT("\"r2\"", "Upload", "\"2026-03-04T10:20:10Z\"", "", REC("conn", "x1"))
        ALERT("\"r2\"", "Upload", "\"2026-03-04T15:00:00Z\"", "", REC("conn", "v1"))
        ALERT("\"r2\"", "Upload", "\"2026-03-04T16:00:00Z\"", "", REC("conn", "nosuch"))
        "{\"rule_id\":\"r3\",\"title\":\"Chain\",\"level\":\"critical\",\"tags\":[\"attack.t1567\"],"
        "\"time\":\"2026-03-04T10:21:00Z\",\"group\":{\"user\":\"mallory\"},"
        "\"correlation\":{\"type\":\"temporal\",\"value\":2.000,\"records_total\":2},"
        "\"records\":[" REC("db_audit", "c1") "," REC("conn", "x2") "]}\n"
        ALERT("null", "History deleted", "\"2026-03-04T10:40:05Z\"", "", REC("sysmon", "z1"));

typedef struct fixture {
	char *dir;
	char *alerts;
} fixture;

static void put(const char *dir, const char *rel, const char *text)
{
	char *path = tu_join(dir, rel);
	assert_int_equal(ls_write_file_atomic(path, text, strlen(text), true, NULL), LS_OK);
	free(path);
}

/* A dataset in a fresh directory: the manifest, the key (or key), the logs. */
static fixture make_dataset(const char *key, const char *alerts, bool logs)
{
	fixture fx;
	fx.dir = tu_tempdir();
	char *t = tu_join(fx.dir, "truth"), *l = tu_join(fx.dir, "logs");
	assert_int_equal(mkdir(t, 0777), 0);
	assert_int_equal(mkdir(l, 0777), 0);
	free(t);
	free(l);
	put(fx.dir, "manifest.json", MANIFEST);
	put(fx.dir, "truth/answer-key.json", key);
	if (logs) {
		put(fx.dir, "logs/sysmon.jsonl", SYSMON);
		put(fx.dir, "logs/auth.log", AUTH);
		put(fx.dir, "logs/db_audit.jsonl", DB_AUDIT);
		put(fx.dir, "logs/conn.log", CONN);
		put(fx.dir, "logs/dhcp.jsonl", DHCP);
	}
	put(fx.dir, "alerts.jsonl", alerts);
	fx.alerts = tu_join(fx.dir, "alerts.jsonl");
	return fx;
}

static void drop(fixture *fx)
{
	free(fx->alerts);
	tu_rmdir(fx->dir);
}

/* Load, resolve and compute; every step must succeed. */
static void score(ls_score *s, const fixture *fx)
{
	ls_diag d;
	ls_diag_clear(&d);
	ls_score_init(s);
	ls_err e = ls_score_load_dataset(s, fx->dir, &d);
	if (e == LS_OK)
		e = ls_score_load_alerts(s, fx->alerts, &d);
	if (e == LS_OK)
		e = ls_score_resolve(s, fx->dir, &d);
	if (e != LS_OK)
		print_error("%s:%lu:%lu: %s\n", d.file, d.line, d.col, d.message);
	assert_int_equal(e, LS_OK);
	ls_score_compute(s);
}

static const ls_score_rule *rule(const ls_score *s, const char *id, const char *title)
{
	long at = ls_score_find_rule(s, id, title);
	assert_true(at >= 0);
	return &s->rules[at];
}

static const ls_score_step *step(const ls_score *s, const char *name)
{
	for (size_t i = 0; i < s->nsteps; i++)
		if (strcmp(s->steps[i].name, name) == 0)
			return &s->steps[i];
	fail_msg("no step %s", name);
	return NULL;
}

static ls_time at(const char *rfc3339)
{
	ls_time t;
	assert_int_equal(ls_time_parse_rfc3339(ls_sv_from_cstr(rfc3339), &t, NULL), LS_OK);
	return t;
}

#define SEC(n) ((int64_t)(n) * LS_USEC_PER_SEC)

static void ratio_is(ls_score_ratio r, uint64_t num, uint64_t den)
{
	assert_int_equal(r.num, num);
	assert_int_equal(r.den, den);
}

/* ------------------------------------------------------------ the example */

static void per_rule_figures(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERTS, true);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.nrules, 4);
	assert_int_equal(s.nalerts, 8);

	/* A rule fooled by a decoy: one true alert, one on the nightly backup. */
	const ls_score_rule *r1 = rule(&s, "r1", NULL);
	assert_string_equal(r1->title, "Bulk read");
	assert_string_equal(r1->level, "high");
	assert_int_equal(r1->alerts, 2);
	assert_int_equal(r1->tp, 1);
	assert_int_equal(r1->fp, 1);
	ratio_is(ls_score_rule_precision(r1), 1, 2);
	assert_int_equal(r1->records_recalled, 1);
	ratio_is(ls_score_rule_recall(&s, r1), 1, 8);
	assert_int_equal(r1->decoy_alerts, 1);
	assert_true(ls_score_rule_kind(&s, ls_score_find_rule(&s, "r1", NULL), 0));
	assert_false(ls_score_rule_kind(&s, ls_score_find_rule(&s, "r1", NULL), 1));
	assert_true(r1->ttd_defined);
	assert_int_equal(r1->ttd, SEC(630));
	assert_true(r1->first_alert == at("2026-03-04T10:10:30Z"));

	/* Duplicate alerts count twice as alerts, once in recall; an unknown rid is false. */
	const ls_score_rule *r2 = rule(&s, "r2", NULL);
	assert_int_equal(r2->alerts, 4);
	assert_int_equal(r2->tp, 2);
	assert_int_equal(r2->fp, 2);
	assert_int_equal(r2->records_recalled, 1);
	assert_int_equal(r2->decoy_alerts, 1);
	assert_true(ls_score_rule_kind(&s, ls_score_find_rule(&s, "r2", NULL), 1));
	assert_int_equal(r2->ttd, SEC(1210));

	/* An alert touching two steps. */
	long i3 = ls_score_find_rule(&s, "r3", NULL);
	const ls_score_rule *r3 = &s.rules[i3];
	assert_int_equal(r3->alerts, 1);
	assert_int_equal(r3->tp, 1);
	assert_int_equal(r3->records_recalled, 2);
	assert_true(ls_score_rule_step(&s, i3, 1));
	assert_true(ls_score_rule_step(&s, i3, 2));
	assert_false(ls_score_rule_step(&s, i3, 0));
	assert_true(ls_score_rule_technique(&s, i3, 1));
	assert_true(ls_score_rule_technique(&s, i3, 2));
	assert_int_equal(r3->ttd, SEC(1260));

	/* A rule without an id goes by its title. */
	const ls_score_rule *r4 = rule(&s, NULL, "History deleted");
	assert_null(r4->rule_id);
	assert_int_equal(r4->tp, 1);
	assert_int_equal(r4->ttd, SEC(2405));

	/* Report order: by title. */
	assert_string_equal(s.rules[s.order[0]].title, "Bulk read");
	assert_string_equal(s.rules[s.order[1]].title, "Chain");
	assert_string_equal(s.rules[s.order[2]].title, "History deleted");
	assert_string_equal(s.rules[s.order[3]].title, "Upload");
	ls_score_fini(&s);
	drop(&fx);
}

static void per_step_and_technique(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERTS, true);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.nsteps, 4);
	const ls_score_step *acc = step(&s, "access");
	assert_false(acc->det.detected);
	assert_false(acc->det.ttd_defined);
	assert_int_equal(acc->det.before_end, -1);
	assert_int_equal(acc->det.records, 2);
	assert_int_equal(acc->det.recalled, 0);
	assert_true(acc->det.earliest == at("2026-03-04T10:00:00Z"));

	const ls_score_step *col = step(&s, "collection");
	assert_true(col->det.detected);
	assert_true(col->det.first == at("2026-03-04T10:10:30Z"));
	assert_int_equal(col->det.ttd, SEC(30));
	assert_int_equal(col->det.before_end, 1);
	assert_int_equal(col->det.recalled, 1);

	const ls_score_step *ex = step(&s, "exfiltration");
	assert_true(ex->det.earliest == at("2026-03-04T10:19:59Z")); /* min over sources */
	assert_int_equal(ex->det.ttd, SEC(11));
	assert_int_equal(ex->det.before_end, 1);
	assert_int_equal(ex->det.records, 3);
	assert_int_equal(ex->det.recalled, 2);

	const ls_score_step *af = step(&s, "anti_forensics");
	assert_int_equal(af->det.ttd, SEC(5));
	assert_int_equal(af->det.before_end, 0); /* after the exfiltration ended */

	assert_int_equal(s.ntechniques, 4);
	assert_string_equal(s.techniques[0].id, "T1078");
	assert_false(s.techniques[0].det.detected);
	assert_string_equal(s.techniques[2].id, "T1567");
	assert_int_equal(s.techniques[2].det.ttd, SEC(11));
	assert_int_equal(s.techniques[2].det.before_end, 1);
	assert_string_equal(s.techniques[3].id, "T1070.003");
	assert_int_equal(s.techniques[3].det.before_end, 0);
	ls_score_fini(&s);
	drop(&fx);
}

static void levels_and_operations(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERTS, true);
	ls_score s;
	score(&s, &fx);
	const ls_score_levels *lv = &s.lv;
	/* Event: 4 of 8 malicious records; 7 distinct records alerted on. */
	assert_int_equal(lv->malicious, 8);
	assert_int_equal(lv->recalled, 4);
	assert_int_equal(lv->alerted, 7);
	assert_int_equal(lv->decoy_alerted, 2);
	assert_int_equal(lv->unwritten, 0);
	/* Entity-day: mallory, LT-1 and jump01 on the 4th are malicious; the alerts
	 * flag mallory and LT-1 (true), bob and LT-2 on the 4th, dba1 on the 5th;
	 * the alert on an unknown rid has no entity. */
	assert_int_equal(lv->ed_malicious, 3);
	assert_int_equal(lv->ed_flagged, 5);
	assert_int_equal(lv->ed_true, 2);
	assert_int_equal(lv->ed_unattributed, 1);
	assert_int_equal(lv->not_found, 1);
	assert_int_equal(s.log_lines_bad, 1);
	/* Incident. */
	assert_int_equal(lv->true_alerts, 5);
	assert_int_equal(lv->false_alerts, 3);
	assert_int_equal(lv->campaigns_detected, 1);
	assert_true(lv->incident.detected);
	assert_int_equal(lv->incident.ttd, SEC(630));
	assert_int_equal(lv->incident.before_end, 1);
	assert_int_equal(s.campaigns[0].det.records, 8);
	assert_int_equal(s.campaigns[0].det.recalled, 4);
	/* Operations: 2 days; mallory, bob, LT-1, LT-2 hold leases. */
	assert_int_equal(s.ops.days, 2);
	assert_true(s.ops.have_entities);
	assert_int_equal(s.ops.users, 2);
	assert_int_equal(s.ops.hosts, 2);
	ls_score_fini(&s);
	drop(&fx);
}

/* ------------------------------------------------------------- edge cases */

static void no_alerts(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, "", true);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.nrules, 0);
	assert_int_equal(s.lv.recalled, 0);
	assert_int_equal(s.lv.alerted, 0);
	assert_false(s.lv.incident.detected);
	assert_false(s.lv.incident.ttd_defined);
	assert_int_equal(s.lv.incident.before_end, -1);
	assert_int_equal(s.lv.ed_flagged, 0);
	assert_int_equal(s.lv.ed_malicious, 3);
	/* An expectation names a rule no alert came from: a row of zeros. */
	ls_score_add_rule(&s, "quiet");
	ls_score_compute(&s);
	const ls_score_rule *q = rule(&s, "quiet", NULL);
	assert_null(q->title);
	assert_int_equal(q->alerts, 0);
	assert_false(ls_score_ratio_defined(ls_score_rule_precision(q)));
	ratio_is(ls_score_rule_recall(&s, q), 0, 8);
	ls_buf out = LS_BUF_INIT;
	ls_score_write_json(&s, NULL, &out);
	assert_non_null(strstr(out.data, "{\"rule_id\":\"quiet\",\"title\":null,\"level\":null,"
	                                  "\"alerts\":0,\"tp\":0,\"fp\":0,\"precision\":null,"));
	assert_non_null(strstr(out.data, "\"incident\":{\"detected\":false,\"ttd_seconds\":null,"));
	ls_buf_fini(&out);
	ls_score_fini(&s);
	drop(&fx);
}

static void alert_without_time(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERT("\"r2\"", "Upload", "null", "", REC("conn", "x1")),
	                          true);
	ls_score s;
	score(&s, &fx);
	const ls_score_step *ex = step(&s, "exfiltration");
	assert_true(ex->det.detected);
	assert_false(ex->det.ttd_defined);
	assert_int_equal(ex->det.before_end, -1);
	assert_true(s.lv.incident.detected);
	assert_false(s.lv.incident.ttd_defined);
	/* The day comes from the record as logged. */
	assert_int_equal(s.lv.ed_flagged, 2);
	assert_int_equal(s.lv.ed_true, 2);
	ls_score_fini(&s);
	drop(&fx);
}

static void without_logs(void **state)
{
	(void)state;
	/* No logs: only an alert's group gives an entity; no population. */
	fixture fx = make_dataset(KEY, ALERTS, false);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.lv.ed_malicious, 0);
	assert_int_equal(s.lv.ed_flagged, 1);
	assert_int_equal(s.lv.ed_unattributed, 7);
	assert_false(s.ops.have_entities);
	assert_int_equal(s.lv.not_found, 11);
	/* Everything else is the same. */
	assert_int_equal(s.lv.recalled, 4);
	assert_int_equal(s.lv.incident.ttd, SEC(630));
	ls_buf out = LS_BUF_INIT;
	ls_score_write_json(&s, NULL, &out);
	assert_non_null(strstr(out.data, "\"entities\":null,"
	                                  "\"false_alerts_per_1000_entities_per_day\":null}"));
	ls_buf_fini(&out);
	ls_score_fini(&s);
	drop(&fx);
}

static void dirty_records(void **state)
{
	(void)state;
	/* x1 dropped and the auth sensor missing: 2 malicious records never written. */
	ls_buf key = LS_BUF_INIT;
	ls_buf_append_cstr(&key, KEY);
	char *d = strstr(key.data, "\"missing_sensor\":null");
	assert_non_null(d);
	ls_buf k2 = LS_BUF_INIT;
	ls_buf_append(&k2, key.data, (size_t)(d - key.data));
	ls_buf_append_cstr(&k2, "\"missing_sensor\":\"auth\",\"dropped\":[" REC("conn", "x1")
	                        "]}}\n");
	fixture fx = make_dataset(k2.data, ALERTS, true);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.lv.malicious, 8);
	assert_int_equal(s.lv.unwritten, 2);
	ls_score_fini(&s);
	drop(&fx);
	ls_buf_fini(&key);
	ls_buf_fini(&k2);
}

static void no_campaign(void **state)
{
	(void)state;
	fixture fx = make_dataset("{\"campaigns\":[],\"decoys\":[]}", ALERTS, true);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.ncampaigns, 0);
	assert_int_equal(s.lv.malicious, 0);
	assert_int_equal(s.lv.false_alerts, 8);
	ls_buf out = LS_BUF_INIT;
	ls_score_write_json(&s, NULL, &out);
	assert_non_null(strstr(out.data, "\"recall\":null"));
	assert_non_null(strstr(out.data, "\"incident\":{\"detected\":null,\"ttd_seconds\":null,"));
	ls_buf_reset(&out);
	ls_score_write_text(&s, &out);
	assert_non_null(strstr(out.data, "incident: no campaign in the answer key"));
	ls_buf_fini(&out);
	ls_score_fini(&s);
	drop(&fx);
}

static void two_campaigns(void **state)
{
	(void)state;
	/* The first has no exfiltration step: its upload's end stands in. */
	const char key[] =
	        "{\"campaigns\":[{\"id\":\"c-1\",\"steps\":[{\"name\":\"staging\",\"techniques\":"
	        "[\"T1074\"],\"start\":\"2026-03-04T09:00:00Z\",\"end\":\"2026-03-04T09:10:00Z\","
	        "\"records\":[" REC("sysmon", "a1") "],\"earliest_detectable\":{\"sysmon\":"
	        "\"2026-03-04T09:00:00Z\"}}],\"uploads\":[{\"end\":\"2026-03-04T09:30:00Z\","
	        "\"records\":[]}]},\n"
	        "{\"id\":\"c-2\",\"steps\":[{\"name\":\"exfiltration\",\"techniques\":[\"T1074\"],"
	        "\"start\":\"2026-03-04T10:20:00Z\",\"end\":\"2026-03-04T10:30:00Z\",\"records\":["
	        REC("conn", "x1") "],\"earliest_detectable\":{\"conn\":\"2026-03-04T10:20:00Z\"}}]}],"
	        "\"decoys\":[]}";
	fixture fx = make_dataset(key,
	                          ALERT("\"r\"", "R", "\"2026-03-04T09:40:00Z\"", "",
	                                REC("sysmon", "a1")) ALERT("\"r\"", "R",
	                                                           "\"2026-03-04T10:21:00Z\"", "",
	                                                           REC("conn", "x1")),
	                          true);
	ls_score s;
	score(&s, &fx);
	assert_int_equal(s.ncampaigns, 2);
	assert_true(s.campaigns[0].exfil_end == at("2026-03-04T09:30:00Z"));
	assert_int_equal(s.campaigns[0].det.ttd, SEC(2400));
	assert_int_equal(s.campaigns[0].det.before_end, 0);
	assert_int_equal(s.campaigns[1].det.ttd, SEC(60));
	assert_int_equal(s.campaigns[1].det.before_end, 1);
	/* The incident: any campaign caught before its exfiltration ended. */
	assert_int_equal(s.lv.incident.ttd, SEC(2400));
	assert_int_equal(s.lv.incident.before_end, 1);
	/* The technique spans both campaigns. */
	assert_int_equal(s.ntechniques, 1);
	assert_int_equal(s.techniques[0].det.records, 2);
	assert_int_equal(s.techniques[0].det.before_end, 1);
	/* A rule's time to detect: its best campaign. */
	assert_int_equal(rule(&s, "r", NULL)->ttd, SEC(60));
	ls_score_fini(&s);
	drop(&fx);
}

/* ----------------------------------------------------------------- errors */

static void alert_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *word;
	} cases[] = {
		{ "\n", 1, 1, "empty line" },
		{ "{}\n", 1, 1, "\"rule_id\" is missing" },
		{ "[1]\n", 1, 1, "must be a JSON object" },
		{ "{\"rule_id\":1,\"title\":\"t\",\"time\":null,\"records\":[]}\n", 1, 12,
		  "rule_id: expected a string or null, got a number" },
		{ "{\"rule_id\":null,\"time\":null,\"records\":[]}\n", 1, 1, "\"title\" is missing" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":\"2026-13-01T00:00:00Z\","
		  "\"records\":[]}\n",
		  1, 42, "time: timestamp: month 13" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":null,\"records\":[{\"source\":\"conn\"}]}\n",
		  1, 52, "records[0]: \"rid\" is missing" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":null,\"records\":{}}\n", 1, 51,
		  "records: expected an array" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":null,\"records\":[],"
		  "\"group\":{\"user\":7}}\n",
		  1, 70, "group.user: expected a string" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":null,\"records\":[],\"tags\":[1]}\n", 1, 62,
		  "tags[0]: expected a string" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":null,\"records\":[]}\n{\"rule_id\":\n", 2,
		  12, "expected a value" },
		{ "{\"rule_id\":null,\"title\":\"t\",\"time\":null,\"records\":[]} x\n", 1, 55,
		  "end of the input" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ls_score s;
		ls_score_init(&s);
		FILE *f = fmemopen((void *)cases[i].text, strlen(cases[i].text), "rb");
		assert_non_null(f);
		ls_diag d;
		ls_diag_clear(&d);
		ls_err e = ls_score_read_alerts(&s, f, "a.jsonl", &d);
		fclose(f);
		if (e != LS_ERR_PARSE || d.line != cases[i].line || d.col != cases[i].col ||
		    strstr(d.message, cases[i].word) == NULL)
			print_error("case %zu: %d at %lu:%lu: %s\n", i, (int)e, d.line, d.col,
			            d.message);
		assert_int_equal(e, LS_ERR_PARSE);
		assert_string_equal(d.file, "a.jsonl");
		assert_int_equal(d.line, cases[i].line);
		assert_int_equal(d.col, cases[i].col);
		assert_non_null(strstr(d.message, cases[i].word));
		ls_score_fini(&s);
	}
}

static void key_and_manifest_errors(void **state)
{
	(void)state;
	static const struct {
		bool manifest;
		const char *text;
		unsigned long line, col;
		const char *word;
	} cases[] = {
		{ false, "[]", 1, 1, "must be an object" },
		{ false, "{\"decoys\":[]}", 1, 1, "\"campaigns\" is missing" },
		{ false, "{\"campaigns\":[{\"id\":\"c\",\"steps\":[{}]}],\"decoys\":[]}", 1, 34,
		  "campaigns[0].steps[0]: \"name\" is missing" },
		{ false,
		  "{\"campaigns\":[{\"id\":\"c\",\"steps\":[{\"name\":\"s\",\"techniques\":[],"
		  "\"start\":\"x\",\"end\":\"x\",\"records\":[],\"earliest_detectable\":{}}]}],"
		  "\"decoys\":[]}",
		  1, 71, "campaigns[0].steps[0].start: timestamp" },
		{ false,
		  "{\"campaigns\":[],\n\"decoys\":[{\"kind\":\"k\",\"records\":[{\"source\":\"a\","
		  "\"rid\":5}]}]}",
		  2, 54, "decoys[0].records[0].rid: expected a string" },
		{ false, "{\"campaigns\":[],\"decoys\":[],\"dirty\":{\"dropped\":{}}}", 1, 48,
		  "dirty.dropped: expected an array" },
		{ false, "{\"campaigns\":[],\"decoys\":[],\"campaigns\":[]}", 1, 29, "duplicate key" },
		{ true, "{\"scenario\":\"x\"}", 1, 1, "\"days\" is missing" },
		{ true, "{\"days\":0}", 1, 9, "days: expected a positive integer" },
		{ true, "{\"days\":1.5}", 1, 9, "days: expected a positive integer" },
		{ true, "{\"days\":\"7\"}", 1, 9, "days: expected a number" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ls_score s;
		ls_score_init(&s);
		ls_diag d;
		ls_diag_clear(&d);
		const char *t = cases[i].text;
		ls_err e = cases[i].manifest ? ls_score_parse_manifest(&s, t, strlen(t), "m", &d)
		                             : ls_score_parse_key(&s, t, strlen(t), "k", &d);
		if (e != LS_ERR_PARSE || d.line != cases[i].line || d.col != cases[i].col ||
		    strstr(d.message, cases[i].word) == NULL)
			print_error("case %zu: %d at %lu:%lu: %s\n", i, (int)e, d.line, d.col,
			            d.message);
		assert_int_equal(e, LS_ERR_PARSE);
		assert_int_equal(d.line, cases[i].line);
		assert_int_equal(d.col, cases[i].col);
		assert_non_null(strstr(d.message, cases[i].word));
		ls_score_fini(&s);
	}
	/* Missing files. */
	ls_score s;
	ls_score_init(&s);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_score_load_dataset(&s, "/nonexistent-leaksim", &d), LS_ERR_NOTFOUND);
	assert_string_equal(d.file, "/nonexistent-leaksim/manifest.json");
	assert_int_equal(ls_score_load_alerts(&s, "/nonexistent-leaksim/a", &d), LS_ERR_NOTFOUND);
	ls_score_fini(&s);
}

/* ----------------------------------------------------------- expectations */

static void expectations(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERTS, true);
	ls_score s;
	const char yaml[] = "# the gate\n"
	                    "r1:\n"
	                    "  at_least: 2\n"
	                    "  max_fp: 0\n"
	                    "r2: {exactly: 4, min_recall: 0.125}\n"
	                    "r3:\n"
	                    "  min_recall: 0.5\n"
	                    "never-fires:\n"
	                    "  at_least: 1\n";
	ls_score_expect E;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_score_expect_parse(&E, yaml, strlen(yaml), "e.yml", &d), LS_OK);
	assert_int_equal(E.n, 4);
	score(&s, &fx);
	ls_score_expect_rows(&s, &E);
	ls_score_compute(&s);
	assert_int_equal(ls_score_expect_check(&s, &E), 3);
	/* r1: at_least 2 holds, max_fp 0 does not. */
	assert_true(E.items[0].checks[0].ok);
	assert_false(E.items[0].checks[1].ok);
	assert_int_equal(E.items[0].checks[1].line, 4);
	assert_int_equal(E.items[0].checks[1].col, 3);
	assert_string_equal(E.items[0].checks[1].reason, "expected at most 0 false alerts, got 1");
	/* r2: exactly 4 and a recall of 1/8 hold. */
	assert_true(E.items[1].checks[0].ok);
	assert_true(E.items[1].checks[1].ok);
	/* r3 recalled 2 of 8. */
	assert_false(E.items[2].checks[0].ok);
	assert_string_equal(E.items[2].checks[0].reason,
	                    "expected a recall of at least 0.5, got 0.250000 (2 of 8 malicious "
	                    "records)");
	/* A rule that matched nothing shows, and fails. */
	assert_false(E.items[3].checks[0].ok);
	assert_string_equal(E.items[3].checks[0].reason, "expected at least 1 alert, got 0");
	assert_int_equal(rule(&s, "never-fires", NULL)->alerts, 0);
	ls_buf out = LS_BUF_INIT;
	ls_score_write_json(&s, &E, &out);
	assert_non_null(strstr(out.data, "\"expectations\":{\"checked\":6,\"failed\":3,"));
	assert_non_null(strstr(out.data, "{\"rule_id\":\"r1\",\"check\":\"max_fp\",\"want\":0,"
	                                  "\"got\":1,\"ok\":false,"));
	ls_buf_fini(&out);
	ls_score_expect_fini(&E);
	ls_score_fini(&s);
	drop(&fx);
}

static void expectation_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *word;
	} cases[] = {
		{ "- r1\n", 1, 1, "expected a mapping of rule id" },
		{ "r1:\n  at_most: 3\n", 2, 3, "unknown key 'at_most'" },
		{ "r1:\n  at_least: -1\n", 2, 13, "at_least: expected a non-negative integer" },
		{ "r1:\n  at_least: '3'\n", 2, 13, "got a quoted string" },
		{ "r1:\n  exactly: 2.5\n", 2, 12, "exactly: expected a non-negative integer" },
		{ "r1:\n  min_recall: 1.5\n", 2, 15, "min_recall: expected a number from 0 to 1" },
		{ "r1:\n  min_recall: .5\n", 2, 15, "min_recall" },
		{ "r1:\n  max_fp: [1]\n", 2, 11, "got a list" },
		{ "r1: 3\n", 1, 5, "expected a mapping of at_least" },
		{ "r1:\n", 1, 4, "got null" },
		{ "r1: {}\nr1: {}\n", 2, 1, "named twice" },
		{ "r1: {at_least: 1, at_least: 2}\n", 1, 19, "given twice" },
		{ "r1: {at_least: 1}\n---\nr2: {}\n", 2, 1, "exactly one document" },
		{ "r1: [\n", 2, 1, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ls_score_expect E;
		ls_diag d;
		ls_diag_clear(&d);
		const char *t = cases[i].text;
		ls_err e = ls_score_expect_parse(&E, t, strlen(t), "e.yml", &d);
		if (e != LS_ERR_PARSE || d.line != cases[i].line || d.col != cases[i].col ||
		    strstr(d.message, cases[i].word) == NULL)
			print_error("case %zu: %d at %lu:%lu: %s\n", i, (int)e, d.line, d.col,
			            d.message);
		assert_int_equal(e, LS_ERR_PARSE);
		assert_string_equal(d.file, "e.yml");
		assert_int_equal(d.line, cases[i].line);
		assert_int_equal(d.col, cases[i].col);
		assert_non_null(strstr(d.message, cases[i].word));
		ls_score_expect_fini(&E);
	}
	/* An empty file expects nothing. */
	ls_score_expect E;
	assert_int_equal(ls_score_expect_parse(&E, "", 0, "e.yml", NULL), LS_OK);
	assert_int_equal(E.n, 0);
	ls_score_expect_fini(&E);
	assert_int_equal(ls_score_expect_load(&E, "/nonexistent-leaksim.yml", NULL),
	                 LS_ERR_NOTFOUND);
	ls_score_expect_fini(&E);
}

/* ------------------------------------------------------------------ output */

static const ls_jnode *need(const ls_jnode *obj, const char *key, ls_jkind kind)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	if (n == NULL || n->kind != kind)
		fail_msg("\"%s\": expected %s, got %s", key, ls_jkind_name(kind),
		         ls_jnode_kind_name(n));
	return n;
}

/* The fixed names other tools read, with their kinds. */
static void json_shape(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERTS, true);
	ls_score s;
	score(&s, &fx);
	ls_buf out = LS_BUF_INIT;
	ls_score_write_json(&s, NULL, &out);
	assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
	assert_null(memchr(out.data, '\n', out.len - 1));
	ls_jdoc doc;
	assert_int_equal(ls_jdoc_parse(&doc, out.data, out.len, NULL, "json", NULL), LS_OK);
	const ls_jnode *root = doc.root;
	const ls_jnode *rules = need(root, "rules", LS_JARRAY);
	assert_int_equal(rules->len, 4);
	for (size_t i = 0; i < rules->len; i++) {
		const ls_jnode *r = &rules->items[i];
		assert_non_null(ls_jnode_get(r, "rule_id"));
		need(r, "title", LS_JSTRING);
		need(r, "alerts", LS_JNUMBER);
		need(r, "tp", LS_JNUMBER);
		need(r, "fp", LS_JNUMBER);
		need(r, "precision", LS_JNUMBER);
		need(r, "records_recalled", LS_JNUMBER);
		need(r, "steps", LS_JARRAY);
		need(r, "decoys_fooled", LS_JARRAY);
	}
	assert_int_equal(ls_jnode_get(&rules->items[2], "rule_id")->kind, LS_JNULL);
	assert_string_equal(ls_jnode_get(&rules->items[0], "precision")->text, "0.500000");
	const ls_jnode *steps = need(root, "steps", LS_JARRAY);
	assert_int_equal(steps->len, 4);
	for (size_t i = 0; i < steps->len; i++) {
		const ls_jnode *st = &steps->items[i];
		need(st, "name", LS_JSTRING);
		need(st, "detected", LS_JBOOL);
		need(st, "rules", LS_JARRAY);
		assert_non_null(ls_jnode_get(st, "ttd_seconds"));
		assert_non_null(ls_jnode_get(st, "before_exfil_end"));
	}
	assert_int_equal(ls_jnode_get(&steps->items[0], "ttd_seconds")->kind, LS_JNULL);
	assert_string_equal(ls_jnode_get(&steps->items[2], "ttd_seconds")->text, "11.000000");
	const ls_jnode *ex_rules = need(&steps->items[2], "rules", LS_JARRAY);
	assert_int_equal(ex_rules->len, 2);
	assert_string_equal(ex_rules->items[0].text, "r3");
	assert_string_equal(ex_rules->items[1].text, "r2");
	need(root, "techniques", LS_JARRAY);
	const ls_jnode *levels = need(root, "levels", LS_JOBJECT);
	need(levels, "event", LS_JOBJECT);
	need(levels, "entity_day", LS_JOBJECT);
	need(levels, "incident", LS_JOBJECT);
	const ls_jnode *inc = need(root, "incident", LS_JOBJECT);
	assert_string_equal(need(inc, "detected", LS_JBOOL)->text, "true");
	assert_string_equal(need(inc, "ttd_seconds", LS_JNUMBER)->text, "630.000000");
	const ls_jnode *ops = need(root, "operations", LS_JOBJECT);
	assert_string_equal(need(ops, "alerts_per_analyst_day", LS_JNUMBER)->text, "4.000");
	assert_string_equal(need(ops, "false_alerts_per_1000_entities_per_day", LS_JNUMBER)->text,
	                    "375.000");
	ls_jdoc_fini(&doc);

	/* Deterministic: the same inputs give the same bytes. */
	ls_score s2;
	score(&s2, &fx);
	ls_buf again = LS_BUF_INIT;
	ls_score_write_json(&s2, NULL, &again);
	assert_int_equal(again.len, out.len);
	assert_memory_equal(again.data, out.data, out.len);
	ls_buf_fini(&again);
	ls_score_fini(&s2);
	ls_buf_fini(&out);
	ls_score_fini(&s);
	drop(&fx);
}

/* The whole report, JSON and text, byte for byte. */
static void golden_reports(void **state)
{
	(void)state;
	fixture fx = make_dataset(KEY, ALERTS, true);
	ls_score s;
	score(&s, &fx);
	static const char *const files[] = { "tests/score/example.json", "tests/score/example.txt" };
	for (int k = 0; k < 2; k++) {
		ls_buf got = LS_BUF_INIT, want = LS_BUF_INIT;
		if (k == 0)
			ls_score_write_json(&s, NULL, &got);
		else
			ls_score_write_text(&s, &got);
		if (getenv("LEAKSIM_UPDATE_GOLDEN")) {
			assert_int_equal(ls_write_file_atomic(files[k], got.data, got.len, true, NULL),
			                 LS_OK);
		}
		assert_true(tu_read_file(files[k], &want));
		if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
			print_error("%s differs; got:\n%s\n", files[k], got.data);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, got.len);
		ls_buf_fini(&got);
		ls_buf_fini(&want);
	}
	ls_score_fini(&s);
	drop(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(per_rule_figures),
		cmocka_unit_test(per_step_and_technique),
		cmocka_unit_test(levels_and_operations),
		cmocka_unit_test(no_alerts),
		cmocka_unit_test(alert_without_time),
		cmocka_unit_test(without_logs),
		cmocka_unit_test(dirty_records),
		cmocka_unit_test(no_campaign),
		cmocka_unit_test(two_campaigns),
		cmocka_unit_test(alert_errors),
		cmocka_unit_test(key_and_manifest_errors),
		cmocka_unit_test(expectations),
		cmocka_unit_test(expectation_errors),
		cmocka_unit_test(json_shape),
		cmocka_unit_test(golden_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
