/*
 * test_datasetcheck.c - the dataset checker of tests/support: loading a
 * dataset with the project's readers, the answer-key check and the
 * indistinguishability check, each shown to pass on good data and to fail
 * on a hand-made dataset with one fault, and both run on generated data.
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

#include "core/mem.h"
#include "datasetcheck.h"
#include "sim/gen.h"
#include "sim/scenario.h"
#include "testutil.h"

/* ---------------------------------------------------------- the fixture */

/*
 * A hand-made dataset: real lines from a generated "small" dataset (their
 * times moved so that the campaign's fall in its steps), and an answer key
 * with one campaign of three steps, one upload and one decoy. The campaign's
 * records are db_audit lines 3-4, auth line 3, conn's second flow and
 * sysmon line 3; every one has a benign twin of the same type and shape.
 */
/* db_audit: a benign session (lines 1-2) and the campaign's (lines 3-4). */
static const char fx_db_audit[] =
        "{\"timestamp\":\"2026-03-01T16:02:05.097580Z\",\"rid\":\"0bb61b6f22887591fd6e\","
        "\"user\":\"svc_app\",\"dbname\":\"register\",\"pid\":18922,"
        "\"remote_host\":\"10.10.0.13\",\"remote_port\":51712,"
        "\"session_id\":\"a5dad378.df644\",\"line_num\":1,"
        "\"session_start\":\"2026-03-01T16:02:05Z\",\"error_severity\":\"LOG\","
        "\"message\":\"connection authorized: user=svc_app database=register "
        "application_name=member-portal\",\"application_name\":\"member-portal\","
        "\"backend_type\":\"client backend\"}\n"
        "{\"timestamp\":\"2026-03-01T16:02:42.097580Z\",\"rid\":\"9207afb2d2c30976a534\","
        "\"user\":\"svc_app\",\"dbname\":\"register\",\"pid\":18922,"
        "\"remote_host\":\"10.10.0.13\",\"remote_port\":51712,"
        "\"session_id\":\"a5dad378.df644\",\"line_num\":2,"
        "\"session_start\":\"2026-03-01T16:02:05Z\",\"error_severity\":\"LOG\","
        "\"message\":\"AUDIT: SESSION,1,1,READ,SELECT,,,\\\"SELECT count(*) FROM members WHERE "
        "branch = $1\\\",<not logged>\",\"application_name\":\"member-portal\","
        "\"backend_type\":\"client backend\",\"rows\":1}\n"
        "{\"timestamp\":\"2026-03-01T17:03:41.103836Z\",\"rid\":\"1643799c4d7f91829374\","
        "\"user\":\"svc_app\",\"dbname\":\"register\",\"pid\":13100,"
        "\"remote_host\":\"10.10.0.13\",\"remote_port\":54788,"
        "\"session_id\":\"1ea3b0e2.e58ea\",\"line_num\":1,"
        "\"session_start\":\"2026-03-01T17:03:41Z\",\"error_severity\":\"LOG\","
        "\"message\":\"connection authorized: user=svc_app database=register "
        "application_name=member-portal\",\"application_name\":\"member-portal\","
        "\"backend_type\":\"client backend\"}\n"
        "{\"timestamp\":\"2026-03-01T17:04:09.103836Z\",\"rid\":\"997e0e05d36ded45888f\","
        "\"user\":\"svc_app\",\"dbname\":\"register\",\"pid\":13100,"
        "\"remote_host\":\"10.10.0.13\",\"remote_port\":54788,"
        "\"session_id\":\"1ea3b0e2.e58ea\",\"line_num\":2,"
        "\"session_start\":\"2026-03-01T17:03:41Z\",\"error_severity\":\"LOG\","
        "\"message\":\"AUDIT: SESSION,1,1,READ,SELECT,,,\\\"SELECT count(*) FROM members WHERE "
        "branch = $1\\\",<not logged>\",\"application_name\":\"member-portal\","
        "\"backend_type\":\"client backend\",\"rows\":1}\n";

/* auth: benign sshd lines 1-2, the campaign's logon on line 3. */
static const char fx_auth[] =
        "<86>1 2026-03-01T16:30:00.371473Z jump01 sshd 29794 - [leaksim@32473 "
        "rid=\"20c9c0c3e526f7f9f849\"] Accepted publickey for kkahir7 from 10.64.1.58 port "
        "57570 ssh2: ED25519 SHA256:sim000007\n"
        "<86>1 2026-03-01T16:30:00.391473Z jump01 sshd 29794 - [leaksim@32473 "
        "rid=\"6a6f5a7531bbc092b558\"] pam_unix(sshd:session): session opened for user "
        "kkahir7(uid=1007) by (uid=0)\n"
        "<86>1 2026-03-01T17:01:12.234204Z jump01 sshd 2853 - [leaksim@32473 "
        "rid=\"c529e0f7462e7f1f7233\"] Accepted publickey for rreadri13 from 10.64.1.110 port "
        "52611 ssh2: ED25519 SHA256:sim000013\n";

/* conn: a benign flow, the campaign's flow, the decoy's backup flow. */
static const char fx_conn[] =
        "#separator \\x09\n"
        "#set_separator\t,\n"
        "#empty_field\t(empty)\n"
        "#unset_field\t-\n"
        "#path\tconn\n"
        "#open\t2026-03-01-16-00-00\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
        "duration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\t"
        "history\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\trid\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
        "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring\n"
        "1772380925.094580\tC7tNTbxZ4252lbx7NC\t10.10.0.13\t51712\t10.10.0.10\t5432\ttcp\t"
        "postgresql\t171.342202\t1360\t3060\tSF\tT\tT\t0\tShADadFf\t3\t1516\t5\t3320\t-\t"
        "1fd4c6c1c51c3c53b522\n"
        "1772384621.100836\tCedqasOVboNl45bvAg\t10.10.0.13\t54788\t10.10.0.10\t5432\ttcp\t"
        "postgresql\t60.585666\t1000\t1980\tSF\tT\tT\t0\tShADadFf\t3\t1156\t4\t2188\t-\t"
        "656654a5959988694773\n"
        "1772388009.289374\tCrvwS7OTsv6xOuCd5k\t10.10.0.14\t60884\t10.10.0.10\t5432\ttcp\t"
        "postgresql\t119.541096\t880\t3701540\tSF\tT\tT\t0\tShADadFf\t3\t1036\t2646\t3839132\t"
        "-\tbca272893202cab49555\n"
        "#close\t2026-03-03-16-00-00\n";

/* sysmon: benign EventID 1 and 3, the campaign's EventID 3 (line 3), benign 3. */
static const char fx_sysmon[] =
        "{\"timestamp\":\"2026-03-01T16:55:04.764475Z\",\"rid\":\"08d46554c231fdd5f519\","
        "\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
        "\"Provider_Name\":\"Microsoft-Windows-Sysmon\",\"Computer\":\"LT-00015.corp.example\","
        "\"UtcTime\":\"2026-03-01 16:55:04.764\","
        "\"ProcessGuid\":\"{F44F3598-9022-342D-3086-E2058759BCC0}\",\"ProcessId\":1228,"
        "\"Image\":\"C:\\\\Windows\\\\explorer.exe\",\"OriginalFileName\":\"explorer.exe\","
        "\"CommandLine\":\"C:\\\\Windows\\\\Explorer.EXE\","
        "\"CurrentDirectory\":\"C:\\\\Windows\\\\system32\\\\\",\"User\":\"CORP\\\\dgygy14\","
        "\"IntegrityLevel\":\"Medium\","
        "\"ParentProcessGuid\":\"{09B0DC08-B384-84FE-EDB1-A28EF1030E34}\","
        "\"ParentProcessId\":1704,"
        "\"ParentImage\":\"C:\\\\Windows\\\\System32\\\\userinit.exe\","
        "\"ParentCommandLine\":\"C:\\\\Windows\\\\system32\\\\userinit.exe\"}\n"
        "{\"timestamp\":\"2026-03-01T16:56:35.038738Z\",\"rid\":\"b4d4155bb80d442d22eb\","
        "\"EventID\":3,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
        "\"Provider_Name\":\"Microsoft-Windows-Sysmon\",\"Computer\":\"LT-00015.corp.example\","
        "\"UtcTime\":\"2026-03-01 16:56:35.038\","
        "\"ProcessGuid\":\"{4B271806-C4B8-ED04-B673-279D573FAA60}\",\"ProcessId\":2324,"
        "\"Image\":\"C:\\\\Users\\\\dgygy14\\\\AppData\\\\Roaming\\\\Msgr\\\\msgr.exe\","
        "\"User\":\"CORP\\\\dgygy14\",\"Protocol\":\"tcp\",\"Initiated\":true,"
        "\"SourceIp\":\"10.64.1.115\",\"SourceHostname\":\"LT-00015.corp.example\","
        "\"SourcePort\":55618,\"DestinationIp\":\"203.0.113.202\","
        "\"DestinationHostname\":\"-\",\"DestinationPort\":443}\n"
        "{\"timestamp\":\"2026-03-01T17:20:00.592043Z\",\"rid\":\"48e789d3ebdd7007e473\","
        "\"EventID\":3,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
        "\"Provider_Name\":\"Microsoft-Windows-Sysmon\",\"Computer\":\"LT-00015.corp.example\","
        "\"UtcTime\":\"2026-03-01 17:20:00.592\","
        "\"ProcessGuid\":\"{2DDCB9E8-2641-69C4-848F-117EF3751313}\",\"ProcessId\":2152,"
        "\"Image\":\"C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe\","
        "\"User\":\"CORP\\\\dgygy14\",\"Protocol\":\"tcp\",\"Initiated\":true,"
        "\"SourceIp\":\"10.64.1.115\",\"SourceHostname\":\"LT-00015.corp.example\","
        "\"SourcePort\":52300,\"DestinationIp\":\"10.10.0.80\","
        "\"DestinationHostname\":\"proxy01.corp.example\",\"DestinationPort\":3128}\n"
        "{\"timestamp\":\"2026-03-01T17:34:19.656644Z\",\"rid\":\"8f3a1bac1234763d46b4\","
        "\"EventID\":3,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
        "\"Provider_Name\":\"Microsoft-Windows-Sysmon\",\"Computer\":\"LT-00015.corp.example\","
        "\"UtcTime\":\"2026-03-01 17:34:19.656\","
        "\"ProcessGuid\":\"{2DDCB9E8-2641-69C4-848F-117EF3751313}\",\"ProcessId\":2152,"
        "\"Image\":\"C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe\","
        "\"User\":\"CORP\\\\dgygy14\",\"Protocol\":\"tcp\",\"Initiated\":true,"
        "\"SourceIp\":\"10.64.1.115\",\"SourceHostname\":\"LT-00015.corp.example\","
        "\"SourcePort\":56991,\"DestinationIp\":\"10.10.0.80\","
        "\"DestinationHostname\":\"proxy01.corp.example\",\"DestinationPort\":3128}\n";

/* truth/export-sessions.jsonl */
static const char fx_exports[] =
        "{\"session\":\"8537043f4930c033a82e0355d232563a\","
        "\"time\":\"2026-03-01T18:00:09.292374Z\",\"account\":\"backup\",\"host\":\"bak01\","
        "\"rows\":20000,\"format\":\"pg_dump\",\"kind\":\"dba_backup\"}\n"
        "{\"session\":\"60d799f1e6f3ff22750fb8731698e8c4\","
        "\"time\":\"2026-03-02T18:00:01.234708Z\",\"account\":\"backup\",\"host\":\"bak01\","
        "\"rows\":20000,\"format\":\"pg_dump\",\"kind\":\"dba_backup\"}\n"
        "{\"session\":\"203cdc67882a8a6ae02eb29c86480da3\","
        "\"time\":\"2026-03-03T04:17:48.688349Z\",\"account\":\"tdryfaikea9\","
        "\"host\":\"LT-00010\",\"rows\":20000,\"format\":\"csv\",\"kind\":\"analyst_export\"}\n";

#define FX_SHA "0c5ab7e0c2f1c8d4e2b3a4f5061728394a5b6c7d8e9f00112233445566778899"

/* The answer key: line 7 is the access step, 10 the collection step, 13 the third. */
static const char fx_key[] =
        "{\"scenario\":\"hand\",\"seed\":7,\"leaksim\":\"0.1.0\",\n"
        "\"campaigns\":[\n"
        "{\"id\":\"campaign-1\",\"preset\":\"insider\",\n"
        " \"actors\":[{\"user\":\"tdryfaikea9\",\"person\":\"person-10\",\"role\":\"analyst\","
        "\"credential\":\"own\"}],\n"
        " \"hosts\":[\"LT-00010\",\"db01\"],\n"
        " \"steps\":[\n"
        " {\"name\":\"access\",\"techniques\":[\"T1078\"],"
        "\"start\":\"2026-03-01T17:00:00Z\",\"end\":\"2026-03-01T17:03:50Z\",\n"
        "  \"records\":[{\"source\":\"auth\",\"rid\":\"c529e0f7462e7f1f7233\"},"
        "{\"source\":\"conn\",\"rid\":\"656654a5959988694773\"},"
        "{\"source\":\"db_audit\",\"rid\":\"1643799c4d7f91829374\"}],\n"
        "  \"earliest_detectable\":{\"auth\":\"2026-03-01T17:01:12.234204Z\","
        "\"conn\":\"2026-03-01T17:03:41.100836Z\",\"db_audit\":\"2026-03-01T17:03:41.103836Z\"}},\n"
        " {\"name\":\"collection\",\"techniques\":[\"T1213\",\"T1005\"],"
        "\"start\":\"2026-03-01T17:04:00Z\",\"end\":\"2026-03-01T17:40:00Z\",\n"
        "  \"records\":[{\"source\":\"db_audit\",\"rid\":\"997e0e05d36ded45888f\"},"
        "{\"source\":\"sysmon\",\"rid\":\"48e789d3ebdd7007e473\"}],\n"
        "  \"earliest_detectable\":{\"db_audit\":\"2026-03-01T17:04:09.103836Z\","
        "\"sysmon\":\"2026-03-01T17:20:00.592043Z\"}},\n"
        " {\"name\":\"anti_forensics\",\"techniques\":[\"T1070\"],"
        "\"start\":\"2026-03-01T17:41:00Z\",\"end\":\"2026-03-01T17:42:00Z\","
        "\"records\":[],\"earliest_detectable\":{}}],\n"
        " \"totals\":{\"rows\":20000,\"export_bytes\":3145728,\"archive_bytes\":0,"
        "\"wire_bytes\":1156,\"parts\":1,\"sessions\":1},\n"
        " \"export\":{\"session\":\"203cdc67882a8a6ae02eb29c86480da3\",\"format\":\"csv\","
        "\"name\":\"members.csv\",\"rows\":20000,\"canaries\":12,\"bytes\":3145728,"
        "\"sha256\":\"" FX_SHA "\"},\n"
        " \"uploads\":[{\"file\":\"members.csv\",\"size\":3145728,\"path\":\"native\","
        "\"vpn\":false,\"start\":\"2026-03-01T17:03:41Z\",\"end\":\"2026-03-01T17:04:42Z\","
        "\"parts\":1,\"sessions\":1,\"wire_bytes\":1156,"
        "\"records\":[{\"source\":\"conn\",\"rid\":\"656654a5959988694773\"}]}],\n"
        " \"leaked_file\":{\"name\":\"members.csv\",\"size\":3145728,\"sha256\":\"" FX_SHA "\","
        "\"export_session\":\"203cdc67882a8a6ae02eb29c86480da3\"},\n"
        " \"notes\":{\"added\":[1,{\"later\":true}]}}],\n"
        "\"decoys\":[\n"
        "{\"kind\":\"dba_backup\",\"records\":[{\"source\":\"conn\",\"rid\":"
        "\"bca272893202cab49555\"},"
        "{\"source\":\"db_audit\",\"rid\":\"0bb61b6f22887591fd6e\"}]}],\n"
        "\"dirty\":{\"missing_sensor\":null,\"clock_skew_seconds\":{},\"delay_seconds\":300,"
        "\"dropped\":[],\"duplicated\":[],\"delayed\":[]}}\n";

/* The campaign's lines, for the edits that copy or remove one. */
#define DB_AUDIT_LINE4 "{\"timestamp\":\"2026-03-01T17:04:09.103836Z\""
#define SYSMON_LINE3 "{\"timestamp\":\"2026-03-01T17:20:00.592043Z\""

/*
 * One change to the fixture: replace every `from` in file `rel` by `to`;
 * with from NULL, append `to` (or, if `to` is NULL too, leave the file out).
 */
typedef struct edit {
	const char *rel;
	const char *from;
	const char *to;
} edit;

static const struct {
	const char *rel;
	const char *text;
} fx_files[] = {
	{ "logs/db_audit.jsonl", fx_db_audit }, { "logs/auth.log", fx_auth },
	{ "logs/conn.log", fx_conn },           { "logs/sysmon.jsonl", fx_sysmon },
	{ "truth/answer-key.json", fx_key },    { "truth/export-sessions.jsonl", fx_exports },
};

static char *replace_all(const char *text, const char *from, const char *to)
{
	ls_buf b = LS_BUF_INIT;
	size_t n = strlen(from), hits = 0;
	const char *p = text, *q;
	while ((q = strstr(p, from)) != NULL) {
		ls_buf_append(&b, p, (size_t)(q - p));
		ls_buf_append_cstr(&b, to);
		p = q + n;
		hits++;
	}
	ls_buf_append_cstr(&b, p);
	if (hits == 0)
		fail_msg("edit: \"%s\" is not in the fixture", from);
	return ls_buf_steal(&b);
}

static void write_text(const char *dir, const char *rel, const char *text)
{
	char *path = tu_join(dir, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	free(path);
}

/* The fixture with the edits applied, written to a new temporary directory. */
static char *make_fixture(const edit *edits, size_t nedits)
{
	char *dir = tu_tempdir();
	char *logs = tu_join(dir, "logs"), *truth = tu_join(dir, "truth");
	assert_int_equal(mkdir(logs, 0777), 0);
	assert_int_equal(mkdir(truth, 0777), 0);
	free(logs);
	free(truth);
	for (size_t i = 0; i < sizeof fx_files / sizeof fx_files[0]; i++) {
		char *text = ls_xstrdup(fx_files[i].text);
		bool keep = true;
		for (size_t e = 0; e < nedits; e++) {
			if (strcmp(edits[e].rel, fx_files[i].rel) != 0)
				continue;
			char *next;
			if (edits[e].from != NULL) {
				next = replace_all(text, edits[e].from, edits[e].to);
			} else if (edits[e].to != NULL) {
				ls_buf b = LS_BUF_INIT;
				ls_buf_printf(&b, "%s%s", text, edits[e].to);
				next = ls_buf_steal(&b);
			} else {
				keep = false;
				continue;
			}
			free(text);
			text = next;
		}
		if (keep)
			write_text(dir, fx_files[i].rel, text);
		free(text);
	}
	return dir;
}

typedef struct outcome {
	size_t key_problems, indist_problems;
	ls_buf key_report, indist_report;
} outcome;

/* Build the edited fixture, load it, run both checks, and clean up. */
static void run_checks(const edit *edits, size_t nedits, outcome *o)
{
	char *dir = make_fixture(edits, nedits);
	tu_dataset *ds = tu_dataset_load(dir);
	o->key_report = LS_BUF_INIT;
	o->indist_report = LS_BUF_INIT;
	o->key_problems = tu_answer_key_problems(ds, &o->key_report);
	o->indist_problems = tu_indistinguishable_problems(ds, &o->indist_report);
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

static void outcome_fini(outcome *o)
{
	ls_buf_fini(&o->key_report);
	ls_buf_fini(&o->indist_report);
}

/* The report holds `want`; print it if not. */
static void expect_in(const ls_buf *report, const char *want)
{
	if (report->data == NULL || strstr(report->data, want) == NULL)
		fail_msg("report lacks \"%s\":\n%s", want, report->data ? report->data : "(empty)");
}

#define EDITS(...)                                                                                 \
	((const edit[]){ __VA_ARGS__ }), (sizeof((const edit[]){ __VA_ARGS__ }) / sizeof(edit))

static ls_time at(const char *text)
{
	ls_time t = 0;
	assert_int_equal(ls_time_parse_rfc3339(ls_sv_from_cstr(text), &t, NULL), LS_OK);
	return t;
}

/* A copy of the fixture line that starts with `start`, newline included. */
static char *fixture_line(const char *text, const char *start)
{
	const char *p = strstr(text, start);
	assert_non_null(p);
	return ls_xstrndup(p, strcspn(p, "\n") + 1);
}

static void expect_clean(const outcome *o)
{
	if (o->key_problems || o->indist_problems)
		fail_msg("expected no problems:\n%s%s",
		         o->key_report.data ? o->key_report.data : "",
		         o->indist_report.data ? o->indist_report.data : "");
}

#define KEY "truth/answer-key.json"

/* ------------------------------------------------------------- loading */

static void loads_every_record_and_the_answer_key(void **state)
{
	(void)state;
	char *dir = make_fixture(NULL, 0);
	tu_dataset *ds = tu_dataset_load(dir);
	assert_int_equal(ds->nrecs, 4 + 3 + 3 + 4);
	assert_true(ds->present[TU_SRC_CONN]);
	assert_false(ds->present[TU_SRC_PROXY]);
	assert_int_equal(ds->begin[TU_SRC_AUTH], 4);
	assert_int_equal(ds->begin[TU_SRC_CONN], 7);
	assert_int_equal(ds->begin[TU_SRC_DNS], 10);
	assert_int_equal(ds->begin[TU_SOURCES], 14);

	const tu_answer_key *k = &ds->key;
	assert_string_equal(k->scenario, "hand");
	assert_int_equal(k->seed, 7);
	assert_int_equal(k->ncampaigns, 1);
	const tu_campaign *c = &k->campaigns[0];
	assert_string_equal(c->id, "campaign-1");
	assert_string_equal(c->preset, "insider");
	assert_int_equal(c->line, 3);
	assert_int_equal(c->nactors, 1);
	assert_string_equal(c->actors[0].user, "tdryfaikea9");
	assert_string_equal(c->actors[0].credential, "own");
	assert_int_equal(c->nhosts, 2);
	assert_string_equal(c->hosts[1], "db01");
	assert_int_equal(c->nsteps, 3);
	const tu_step *st = &c->steps[1];
	assert_string_equal(st->name, "collection");
	assert_int_equal(st->line, 10);
	assert_int_equal(st->ntechniques, 2);
	assert_string_equal(st->techniques[1], "T1005");
	assert_true(st->start == at("2026-03-01T17:04:00Z"));
	assert_true(st->end == at("2026-03-01T17:40:00Z"));
	assert_int_equal(st->records.n, 2);
	assert_int_equal(st->records.v[1].source, TU_SRC_SYSMON);
	assert_string_equal(st->records.v[1].rid, "48e789d3ebdd7007e473");
	assert_int_equal(st->records.v[1].line, 11);
	assert_true(st->has_earliest[TU_SRC_SYSMON]);
	assert_false(st->has_earliest[TU_SRC_AUTH]);
	assert_true(st->earliest[TU_SRC_SYSMON] == at("2026-03-01T17:20:00.592043Z"));
	assert_int_equal(c->steps[2].records.n, 0);
	assert_int_equal(c->totals.rows, 20000);
	assert_int_equal(c->totals.wire_bytes, 1156);
	assert_true(c->has_export);
	assert_string_equal(c->export.session, "203cdc67882a8a6ae02eb29c86480da3");
	assert_int_equal(c->export.canaries, 12);
	assert_string_equal(c->export.sha256, FX_SHA);
	assert_int_equal(c->nuploads, 1);
	assert_string_equal(c->uploads[0].path, "native");
	assert_false(c->uploads[0].vpn);
	assert_int_equal(c->uploads[0].wire_bytes, 1156);
	assert_int_equal(c->uploads[0].records.n, 1);
	assert_true(c->has_leaked_file);
	assert_int_equal(c->leaked_file.size, 3145728);
	assert_int_equal(k->ndecoys, 1);
	assert_string_equal(k->decoys[0].kind, "dba_backup");
	assert_int_equal(k->decoys[0].records.n, 2);
	assert_int_equal(k->missing_sensor, TU_SRC_NONE);
	assert_int_equal(k->delay_seconds, 300);
	assert_int_equal(k->dropped.n + k->duplicated.n + k->delayed.n, 0);
	assert_true(ds->have_exports);
	assert_int_equal(ds->nexports, 3);
	assert_string_equal(ds->exports[2].account, "tdryfaikea9");
	assert_string_equal(ds->exports[0].kind, "dba_backup");
	assert_true(ds->exports[2].time == at("2026-03-03T04:17:48.688349Z"));
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

static void finds_records_and_reads_their_fields(void **state)
{
	(void)state;
	char *dir = make_fixture(NULL, 0);
	tu_dataset *ds = tu_dataset_load(dir);
	ls_buf v = LS_BUF_INIT;

	/* Syslog: the rid is the SD-PARAM "rid" after the sd_id leaksim@32473. */
	const tu_record *r;
	assert_int_equal(tu_dataset_find(ds, TU_SRC_AUTH, "c529e0f7462e7f1f7233", &r), 1);
	assert_int_equal(r->line, 3);
	assert_true(r->time == at("2026-03-01T17:01:12.234204Z"));
	assert_string_equal(tu_dataset_type_name(ds, TU_SRC_AUTH, r->type), "sshd");
	assert_true(tu_record_field(ds, r, "sd_id", &v));
	assert_string_equal(v.data, "leaksim@32473");
	assert_true(tu_record_field(ds, r, "rid", &v));
	assert_string_equal(v.data, "c529e0f7462e7f1f7233");
	assert_true(ls_sv_starts_with(tu_record_line(ds, r), LS_SV_LIT("<86>1 2026-03-01T17:01")));

	/* Zeek: fields by column name; an unset column is absent. */
	assert_int_equal(tu_dataset_find(ds, TU_SRC_CONN, "656654a5959988694773", &r), 1);
	assert_int_equal(r->line, 10);
	assert_true(r->time == at("2026-03-01T17:03:41.100836Z"));
	assert_true(tu_record_field(ds, r, "id.resp_h", &v));
	assert_string_equal(v.data, "10.10.0.10");
	assert_true(tu_record_field(ds, r, "orig_bytes", &v));
	assert_string_equal(v.data, "1000");
	assert_false(tu_record_field(ds, r, "tunnel_parents", &v));
	assert_string_equal(v.data, "");

	/* JSON; sysmon's event type is its EventID. */
	assert_int_equal(tu_dataset_find(ds, TU_SRC_SYSMON, "48e789d3ebdd7007e473", &r), 1);
	assert_string_equal(tu_dataset_type_name(ds, TU_SRC_SYSMON, r->type), "3");
	assert_true(tu_record_field(ds, r, "Image", &v));
	assert_string_equal(v.data, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe");

	/* The wrong source, an unknown rid. */
	assert_int_equal(tu_dataset_find(ds, TU_SRC_CONN, "48e789d3ebdd7007e473", &r), 0);
	assert_null(r);
	assert_int_equal(tu_dataset_find(ds, TU_SRC_CONN, "ffffffffffffffffffff", NULL), 0);
	assert_int_equal(tu_source_index(LS_SV_LIT("messaging")), TU_SRC_MESSAGING);
	assert_int_equal(tu_source_index(LS_SV_LIT("kernel")), TU_SRC_NONE);
	assert_string_equal(tu_source_file(TU_SRC_DHCP), "dhcp.jsonl");
	assert_string_equal(tu_source_name(TU_SRC_SSL), "ssl");
	assert_null(tu_source_name(TU_SOURCES));
	ls_buf_fini(&v);
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

static void sums_a_field_over_records(void **state)
{
	(void)state;
	char *dir = make_fixture(NULL, 0);
	tu_dataset *ds = tu_dataset_load(dir);
	const tu_ref refs[] = {
		{ TU_SRC_CONN, "1fd4c6c1c51c3c53b522", 0 },
		{ TU_SRC_CONN, "656654a5959988694773", 0 },
		{ TU_SRC_CONN, "ffffffffffffffffffff", 0 }, /* no such record: adds nothing */
		{ TU_SRC_SYSMON, "48e789d3ebdd7007e473", 0 },
		{ TU_SRC_SYSMON, "b4d4155bb80d442d22eb", 0 },
	};
	size_t n = sizeof refs / sizeof refs[0];
	assert_int_equal(tu_dataset_sum(ds, refs, n, TU_SRC_CONN, "orig_bytes"), 1360 + 1000);
	assert_int_equal(tu_dataset_sum(ds, refs, n, TU_SRC_CONN, "resp_bytes"), 3060 + 1980);
	assert_int_equal(tu_dataset_sum(ds, refs, n, TU_SRC_CONN, "id.resp_p"), 2 * 5432);
	assert_int_equal(tu_dataset_sum(ds, refs, n, TU_SRC_CONN, "tunnel_parents"), 0);
	assert_int_equal(tu_dataset_sum(ds, refs, n, TU_SRC_SYSMON, "DestinationPort"), 3128 + 443);
	assert_int_equal(tu_dataset_sum(ds, refs, n, TU_SRC_PROXY, "cs-bytes"), 0);
	/* An upload's flows, straight from the answer key. */
	const tu_refs *up = &ds->key.campaigns[0].uploads[0].records;
	assert_int_equal(tu_dataset_sum(ds, up->v, up->n, TU_SRC_CONN, "orig_bytes"), 1000);
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

/* Each broken input is refused, naming its file and line. */
static void refuses_unreadable_input(void **state)
{
	(void)state;
	static const struct {
		edit e;
		const char *want;
	} cases[] = {
		{ { "logs/sysmon.jsonl", "\"EventID\":1,", "\"EventID\":1,," },
		  "logs/sysmon.jsonl:1:" },
		{ { "logs/conn.log", "\t1fd4c6c1c51c3c53b522\n", "\t-\n" },
		  "logs/conn.log:9: a record without a rid" },
		{ { "logs/auth.log", "rid=\"20c9c0c3e526f7f9f849\"",
		    "rid=\"20C9C0C3E526F7F9F849\"" },
		  "logs/auth.log:1: a malformed rid \"20C9C0C3E526F7F9F849\"" },
		{ { "logs/db_audit.jsonl", "2026-03-01T16:02:42.097580Z", "2026-03-01 16:02:42" },
		  "logs/db_audit.jsonl:2: a malformed time" },
		{ { KEY, "{\"source\":\"conn\",\"rid\":\"bca272893202cab49555\"}",
		    "{\"source\":\"conn\"}" },
		  KEY ":20: a record without a rid" },
		{ { KEY, "\"source\":\"auth\"", "\"source\":\"kernel\"" },
		  KEY ":8: campaigns.steps.records.source: unknown source" },
		{ { KEY, "{\"name\":\"access\",", "{\"techniques\":[\"T1\"],\"name\":\"access\"," },
		  "campaigns.steps.techniques: before campaigns.steps.name" },
		{ { KEY, "\"start\":\"2026-03-01T17:04:00Z\"", "\"start\":\"yesterday\"" },
		  KEY ":10: campaigns.steps.start: expected an RFC 3339 time" },
		{ { KEY, "\"seed\":7", "\"seed\":\"7\"" }, "seed: expected an unsigned integer" },
		{ { KEY, "\"decoys\":[\n", "\"decoys\":[\n]" },
		  KEY ":20:2: expected ',' or '}' after a value" },
		{ { KEY, NULL, NULL }, "no answer key" },
		{ { "truth/export-sessions.jsonl",
		    "\"session\":\"60d799f1e6f3ff22750fb8731698e8c4\",", "" },
		  "export-sessions.jsonl:2: an export without a session" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *dir = make_fixture(&cases[i].e, 1);
		ls_buf err = LS_BUF_INIT;
		tu_dataset *ds = tu_dataset_try_load(dir, &err);
		if (ds != NULL)
			fail_msg("case %zu loaded", i);
		expect_in(&err, cases[i].want);
		ls_buf_fini(&err);
		tu_rmdir(dir);
	}
}

/* ------------------------------------------------------------ passing */

static void the_fixture_passes(void **state)
{
	(void)state;
	outcome o;
	run_checks(NULL, 0, &o);
	expect_clean(&o);
	outcome_fini(&o);
	/* And so do the wrappers that fail the test. */
	char *dir = make_fixture(NULL, 0);
	tu_dataset *ds = tu_dataset_load(dir);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

/* The dirty-data knobs change how often a listed record exists, and nothing else. */
static void dirty_data_passes_when_the_key_says_so(void **state)
{
	(void)state;
	char *sys3 = fixture_line(fx_sysmon, SYSMON_LINE3);
	char *db4 = fixture_line(fx_db_audit, DB_AUDIT_LINE4);
	outcome o;

	/* The campaign's sysmon record dropped: no earliest time for sysmon either. */
	run_checks(
	        EDITS({ "logs/sysmon.jsonl", sys3, "" },
	              { KEY, "\"dropped\":[]",
	                "\"dropped\":[{\"source\":\"sysmon\",\"rid\":\"48e789d3ebdd7007e473\"}]" },
	              { KEY, ",\"sysmon\":\"2026-03-01T17:20:00.592043Z\"", "" }),
	        &o);
	expect_clean(&o);
	outcome_fini(&o);

	/* Its db_audit record written twice. */
	run_checks(EDITS({ "logs/db_audit.jsonl", NULL, db4 },
	                 { KEY, "\"duplicated\":[]",
	                   "\"duplicated\":[{\"source\":\"db_audit\",\"rid\":"
	                   "\"997e0e05d36ded45888f\"}]" }),
	           &o);
	expect_clean(&o);
	outcome_fini(&o);

	/* A delayed record is still there once. */
	run_checks(
	        EDITS({ KEY, "\"delayed\":[]",
	                "\"delayed\":[{\"source\":\"conn\",\"rid\":\"656654a5959988694773\"}]" }),
	        &o);
	expect_clean(&o);
	outcome_fini(&o);

	/* No sysmon at all. */
	run_checks(EDITS({ "logs/sysmon.jsonl", NULL, NULL },
	                 { KEY, "\"missing_sensor\":null", "\"missing_sensor\":\"sysmon\"" },
	                 { KEY, ",\"sysmon\":\"2026-03-01T17:20:00.592043Z\"", "" }),
	           &o);
	expect_clean(&o);
	outcome_fini(&o);

	/* Sysmon's clock an hour ahead: its record leaves the window, and may. */
	run_checks(EDITS({ "logs/sysmon.jsonl", "2026-03-01T17:20:00.592043Z",
	                   "2026-03-01T18:20:00.592043Z" },
	                 { KEY, "\"clock_skew_seconds\":{}",
	                   "\"clock_skew_seconds\":{\"sysmon\":3600.000000}" },
	                 { KEY, "\"sysmon\":\"2026-03-01T17:20:00.592043Z\"",
	                   "\"sysmon\":\"2026-03-01T18:20:00.592043Z\"" }),
	           &o);
	expect_clean(&o);
	outcome_fini(&o);
	free(sys3);
	free(db4);
}

/* ------------------------------------------------------ failing: records */

static void a_listed_record_must_exist_once(void **state)
{
	(void)state;
	char *db4 = fixture_line(fx_db_audit, DB_AUDIT_LINE4);
	outcome o;

	run_checks(EDITS({ KEY, "997e0e05d36ded45888f", "997e0e05d36ded45888e" }), &o);
	assert_true(o.key_problems >= 1);
	expect_in(&o.key_report, KEY ":11: campaign-1 step 2 (collection): db_audit record "
	                             "997e0e05d36ded45888e: 0 in logs/db_audit.jsonl, expected 1");
	outcome_fini(&o);

	run_checks(EDITS({ "logs/db_audit.jsonl", NULL, db4 }), &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, "db_audit record 997e0e05d36ded45888f: 2 in logs/db_audit.jsonl, "
	                         "expected 1");
	assert_int_equal(o.indist_problems, 0);
	outcome_fini(&o);

	/* A decoy's record too. */
	run_checks(EDITS({ KEY, "bca272893202cab49555", "bca272893202cab4955f" }), &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, "decoy 1 (dba_backup): conn record bca272893202cab4955f: 0 in");
	outcome_fini(&o);

	/* A record said to be dropped, and there. */
	run_checks(
	        EDITS({ KEY, "\"dropped\":[]",
	                "\"dropped\":[{\"source\":\"conn\",\"rid\":\"bca272893202cab49555\"}]" }),
	        &o);
	assert_int_equal(o.key_problems, 2); /* as a decoy's record and as a dropped one */
	expect_in(&o.key_report, "dirty.dropped: conn record bca272893202cab49555: 1 in "
	                         "logs/conn.log, expected 0");
	outcome_fini(&o);

	/* A missing sensor that wrote records. */
	run_checks(EDITS({ KEY, "\"missing_sensor\":null", "\"missing_sensor\":\"sysmon\"" }), &o);
	expect_in(&o.key_report, "logs/sysmon.jsonl: 4 records from the missing sensor sysmon");
	expect_in(&o.key_report, "sysmon record 48e789d3ebdd7007e473: 1 in logs/sysmon.jsonl, "
	                         "expected 0");
	outcome_fini(&o);
	free(db4);
}

/* ------------------------------------------------------- failing: steps */

static void steps_keep_to_their_window(void **state)
{
	(void)state;
	outcome o;

	run_checks(EDITS({ KEY, "\"end\":\"2026-03-01T17:40:00Z\"",
	                   "\"end\":\"2026-03-01T17:10:00Z\"" }),
	           &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, "logs/sysmon.jsonl:3: sysmon record 48e789d3ebdd7007e473 at "
	                         "2026-03-01T17:20:00.592043Z, outside campaign-1 step 2 "
	                         "(collection) [2026-03-01T17:04:00.000000Z, "
	                         "2026-03-01T17:10:00.000000Z]");
	outcome_fini(&o);

	/* A microsecond off. */
	run_checks(EDITS({ KEY, "\"sysmon\":\"2026-03-01T17:20:00.592043Z\"",
	                   "\"sysmon\":\"2026-03-01T17:20:00.592042Z\"" }),
	           &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report,
	          KEY ":10: campaign-1 step 2 (collection): "
	              "earliest_detectable.sysmon is 2026-03-01T17:20:00.592042Z, the "
	              "earliest record is at 2026-03-01T17:20:00.592043Z");
	outcome_fini(&o);

	/* A source with records but no earliest time, and the reverse. */
	run_checks(EDITS({ KEY, "\"conn\":\"2026-03-01T17:03:41.100836Z\",", "" },
	                 { KEY, "\"earliest_detectable\":{}",
	                   "\"earliest_detectable\":{\"proxy\":\"2026-03-01T17:41:30Z\"}" }),
	           &o);
	assert_int_equal(o.key_problems, 2);
	expect_in(&o.key_report, "campaign-1 step 1 (access): no earliest_detectable for conn");
	expect_in(&o.key_report, "campaign-1 step 3 (anti_forensics): earliest_detectable for "
	                         "proxy, which has no records");
	outcome_fini(&o);

	/* An unknown step name; a start after the end. */
	run_checks(EDITS({ KEY, "\"name\":\"anti_forensics\"", "\"name\":\"cleanup\"" },
	                 { KEY, "\"start\":\"2026-03-01T17:41:00Z\"",
	                   "\"start\":\"2026-03-01T17:43:00Z\"" }),
	           &o);
	assert_int_equal(o.key_problems, 2);
	expect_in(&o.key_report, KEY ":13: campaign-1 step 3 (cleanup): not a step name");
	expect_in(&o.key_report, "step 3 (cleanup): starts at 2026-03-01T17:43:00.000000Z, after "
	                         "its end");
	outcome_fini(&o);
}

static void a_record_has_one_label(void **state)
{
	(void)state;
	outcome o;

	/* A step's record also a decoy's. */
	run_checks(EDITS({ KEY, "{\"source\":\"db_audit\",\"rid\":\"0bb61b6f22887591fd6e\"}]}]",
	                   "{\"source\":\"db_audit\",\"rid\":\"0bb61b6f22887591fd6e\"},"
	                   "{\"source\":\"sysmon\",\"rid\":\"48e789d3ebdd7007e473\"}]}]" }),
	           &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, "rid 48e789d3ebdd7007e473 is listed in a step and again");
	outcome_fini(&o);

	/* In two steps (and outside the second one's window). */
	run_checks(EDITS({ KEY, "\"records\":[],\"earliest_detectable\":{}",
	                   "\"records\":[{\"source\":\"auth\",\"rid\":\"c529e0f7462e7f1f7233\"}],"
	                   "\"earliest_detectable\":{\"auth\":\"2026-03-01T17:01:12.234204Z\"}" }),
	           &o);
	assert_int_equal(o.key_problems, 2);
	expect_in(&o.key_report, "rid c529e0f7462e7f1f7233 is listed in a step and again");
	expect_in(&o.key_report, "outside campaign-1 step 3 (anti_forensics)");
	outcome_fini(&o);
}

static void the_leaked_file_is_the_export(void **state)
{
	(void)state;
	outcome o;

	run_checks(EDITS({ KEY, "\"export_session\":\"203cdc67882a8a6ae02eb29c86480da3\"",
	                   "\"export_session\":\"8537043f4930c033a82e0355d232563a\"" }),
	           &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, KEY ":3: campaign campaign-1: leaked_file.export_session "
	                             "8537043f4930c033a82e0355d232563a is not export.session "
	                             "203cdc67882a8a6ae02eb29c86480da3");
	outcome_fini(&o);

	run_checks(EDITS({ KEY, "203cdc67882a8a6ae02eb29c86480da3",
	                   "0123456789abcdef0123456789abcdef" }),
	           &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, "export session 0123456789abcdef0123456789abcdef is not in "
	                         "truth/export-sessions.jsonl");
	outcome_fini(&o);

	run_checks(EDITS({ "truth/export-sessions.jsonl", NULL, NULL }), &o);
	assert_int_equal(o.key_problems, 1);
	outcome_fini(&o);

	run_checks(EDITS({ KEY, "\"leaked_file\":{", "\"leak\":{" }), &o);
	assert_int_equal(o.key_problems, 1);
	expect_in(&o.key_report, "campaign campaign-1 has no leaked_file");
	outcome_fini(&o);
}

/* ------------------------------------------- failing: indistinguishable */

static void only_behaviour_tells_campaign_records_apart(void **state)
{
	(void)state;
	outcome o;

	/* An extra field. */
	run_checks(EDITS({ "logs/sysmon.jsonl", "\"SourcePort\":52300,",
	                   "\"SourcePort\":52300,\"SourcePortName\":\"-\"," }),
	           &o);
	assert_int_equal(o.key_problems, 0);
	assert_int_equal(o.indist_problems, 1);
	expect_in(&o.indist_report, "logs/sysmon.jsonl:3: campaign record 48e789d3ebdd7007e473 "
	                            "(sysmon type \"3\") has a signature no unlabelled record has");
	expect_in(&o.indist_report, "SourcePort:n, SourcePortName:s, DestinationIp:s");
	expect_in(&o.indist_report, "closest:  timestamp:s=A:4-2-5:2:2.7, rid:s=x:20, EventID:n,");
	outcome_fini(&o);

	/* Milliseconds instead of microseconds (the answer key is then wrong too). */
	run_checks(EDITS({ "logs/db_audit.jsonl", "2026-03-01T17:04:09.103836Z",
	                   "2026-03-01T17:04:09.103Z" }),
	           &o);
	assert_int_equal(o.indist_problems, 1);
	expect_in(&o.indist_report, "logs/db_audit.jsonl:4: campaign record 997e0e05d36ded45888f");
	expect_in(&o.indist_report, "campaign: timestamp:s=A:4-2-5:2:2.4, rid:s=x:20,");
	expect_in(&o.indist_report, "closest:  timestamp:s=A:4-2-5:2:2.7, rid:s=x:20,");
	outcome_fini(&o);

	/* A number written as a string, in both of the campaign's db_audit records. */
	run_checks(EDITS({ "logs/db_audit.jsonl", "\"pid\":13100,", "\"pid\":\"13100\"," }), &o);
	assert_int_equal(o.key_problems, 0);
	assert_int_equal(o.indist_problems, 2);
	expect_in(&o.indist_report, "pid:s");
	outcome_fini(&o);

	/* An id of another shape: a Zeek uid of 10 characters. */
	run_checks(EDITS({ "logs/conn.log", "CedqasOVboNl45bvAg", "CedqasOVbo" }), &o);
	assert_int_equal(o.indist_problems, 1);
	expect_in(&o.indist_report, "uid:s=M:10");
	outcome_fini(&o);

	/* Upper-case hex digits where every other record writes lower-case ones. */
	run_checks(EDITS({ "logs/db_audit.jsonl", "1ea3b0e2.e58ea", "1EA3B0E2.E58EA" }), &o);
	assert_int_equal(o.indist_problems, 2);
	expect_in(&o.indist_report, "session_id:s=X:8.5");
	outcome_fini(&o);

	/* A type no unlabelled record has. */
	run_checks(EDITS({ "logs/auth.log", "jump01 sshd 2853", "jump01 sudo 2853" }), &o);
	assert_int_equal(o.indist_problems, 1);
	expect_in(&o.indist_report, "logs/auth.log:3: campaign record c529e0f7462e7f1f7233 (auth "
	                            "type \"sudo\"): no unlabelled record of that source and type");
	outcome_fini(&o);
}

static void unlabelled_records_and_random_digits_may_differ(void **state)
{
	(void)state;
	outcome o;
	/* A benign record of its own shape is no problem... */
	run_checks(EDITS({ "logs/sysmon.jsonl", "\"SourcePort\":56991,",
	                   "\"SourcePort\":56991,\"Extra\":1," }),
	           &o);
	expect_clean(&o);
	outcome_fini(&o);
	/* ...and a decoy record is an unlabelled twin like any other. */
	run_checks(EDITS({ "logs/conn.log", "C7tNTbxZ4252lbx7NC", "C7tNTbxZ42" }), &o);
	expect_clean(&o);
	outcome_fini(&o);
	/* A hex id that happens to be all digits has the shape of any other. */
	run_checks(EDITS({ "logs/db_audit.jsonl", "1ea3b0e2.e58ea", "12340567.89012" }), &o);
	expect_clean(&o);
	outcome_fini(&o);
}

/* ------------------------------------------------------ generated data */

static void mark(const tu_dataset *ds, const tu_refs *l, bool *listed)
{
	for (size_t i = 0; i < l->n; i++) {
		const tu_record *r;
		if (tu_dataset_find(ds, l->v[i].source, l->v[i].rid, &r) > 0)
			listed[r - ds->recs] = true;
	}
}

/* Which records the answer key lists anywhere. */
static bool *listed_records(const tu_dataset *ds)
{
	bool *listed = ls_xcalloc(ds->nrecs, sizeof *listed);
	const tu_answer_key *k = &ds->key;
	for (size_t c = 0; c < k->ncampaigns; c++) {
		for (size_t s = 0; s < k->campaigns[c].nsteps; s++)
			mark(ds, &k->campaigns[c].steps[s].records, listed);
		for (size_t u = 0; u < k->campaigns[c].nuploads; u++)
			mark(ds, &k->campaigns[c].uploads[u].records, listed);
	}
	for (size_t d = 0; d < k->ndecoys; d++)
		mark(ds, &k->decoys[d].records, listed);
	return listed;
}

/* A record of source s that the key does not list, with an unlisted twin. */
static const tu_record *pick_twinned(const tu_dataset *ds, const bool *listed, int s)
{
	for (size_t i = ds->begin[s]; i < ds->begin[s + 1]; i++) {
		if (listed[i])
			continue;
		for (size_t j = ds->begin[s]; j < ds->begin[s + 1]; j++)
			if (j != i && !listed[j] &&
			    memcmp(ds->recs[j].sig, ds->recs[i].sig, TU_SIG_BYTES) == 0)
				return &ds->recs[i];
	}
	return NULL;
}

static void append_time(ls_buf *b, ls_time t)
{
	ls_buf_append_char(b, '"');
	ls_time_format_rfc3339(b, t, 6, 0);
	ls_buf_append_char(b, '"');
}

/*
 * Label one ordinary record of every source as a one-step campaign, the way
 * the generator will write one, and check the dataset again: the answer key
 * holds, and nothing but the label marks those records.
 */
static void add_campaign(const char *dir, const tu_dataset *ds)
{
	const tu_record *pick[TU_SOURCES];
	ls_time lo = INT64_MAX, hi = INT64_MIN;
	bool *listed = listed_records(ds);
	for (int s = 0; s < TU_SOURCES; s++) {
		pick[s] = pick_twinned(ds, listed, s);
		assert_non_null(pick[s]);
		lo = pick[s]->time < lo ? pick[s]->time : lo;
		hi = pick[s]->time > hi ? pick[s]->time : hi;
	}
	free(listed);
	assert_true(ds->nexports > 0);
	ls_buf c = LS_BUF_INIT;
	ls_buf_printf(&c,
	              "\"campaigns\":[{\"id\":\"campaign-test\",\"preset\":\"test\",\"actors\":[],"
	              "\"hosts\":[],\"steps\":[{\"name\":\"exfiltration\",\"techniques\":"
	              "[\"T1567\"],\"start\":");
	append_time(&c, lo);
	ls_buf_append_cstr(&c, ",\"end\":");
	append_time(&c, hi);
	ls_buf_append_cstr(&c, ",\"records\":[");
	for (int s = 0; s < TU_SOURCES; s++)
		ls_buf_printf(&c, "%s{\"source\":\"%s\",\"rid\":\"%s\"}", s ? "," : "",
		              tu_source_name((tu_source)s), pick[s]->rid);
	ls_buf_append_cstr(&c, "],\"earliest_detectable\":{");
	for (int s = 0; s < TU_SOURCES; s++) {
		ls_buf_printf(&c, "%s\"%s\":", s ? "," : "", tu_source_name((tu_source)s));
		append_time(&c, pick[s]->time);
	}
	const char *session = ds->exports[0].session;
	ls_buf_printf(&c,
	              "}}],\"export\":{\"session\":\"%s\"},\"uploads\":[{\"file\":\"x.csv\","
	              "\"records\":[{\"source\":\"conn\",\"rid\":\"%s\"}]}],"
	              "\"leaked_file\":{\"name\":\"x.csv\",\"export_session\":\"%s\"}}%s",
	              session, pick[TU_SRC_CONN]->rid, session, ds->key.ncampaigns ? "," : "]");
	char *path = tu_join(dir, KEY);
	ls_buf key = LS_BUF_INIT;
	assert_true(tu_read_file(path, &key));
	char *edited = replace_all(
	        key.data, ds->key.ncampaigns ? "\"campaigns\":[" : "\"campaigns\":[]", c.data);
	write_text(dir, KEY, edited);
	free(edited);
	free(path);
	ls_buf_fini(&key);
	ls_buf_fini(&c);
}

static void a_generated_dataset_passes(void **state)
{
	(void)state;
	sim_scenario sc;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(sim_scenario_resolve(&sc, "small", &d), LS_OK);
	char *dir = tu_tempdir();
	sim_gen_stats st;
	assert_int_equal(sim_generate(&sc, dir, NULL, &st, NULL, NULL, &d), LS_OK);
	sim_scenario_fini(&sc);

	tu_dataset *ds = tu_dataset_load(dir);
	assert_int_equal(ds->nrecs, st.total_records);
	for (int s = 0; s < TU_SOURCES; s++) {
		assert_true(ds->present[s]);
		assert_int_equal(ds->begin[s + 1] - ds->begin[s], st.records[s]);
	}
	assert_true(ds->key.ndecoys > 0);
	assert_true(ds->have_exports);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);

	size_t ncampaigns = ds->key.ncampaigns;
	add_campaign(dir, ds);
	tu_dataset_free(ds);
	ds = tu_dataset_load(dir);
	assert_int_equal(ds->key.ncampaigns, ncampaigns + 1);
	assert_string_equal(ds->key.campaigns[0].id, "campaign-test");
	assert_int_equal(ds->key.campaigns[0].steps[0].records.n, TU_SOURCES);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

static void a_generated_dirty_dataset_passes(void **state)
{
	(void)state;
	sim_scenario sc;
	sim_scenario_defaults(&sc);
	sc.people = 12;
	sc.days = 1;
	sc.seed = 23;
	sc.drop_rate = 0.05;
	sc.duplicate_rate = 0.05;
	sc.delay_rate = 0.05;
	sc.delay_s = 600;
	sc.missing_sensor = SIM_SRC_SYSMON;
	sc.clock_skew_s[SIM_SRC_CONN] = 120.5;
	char *dir = tu_tempdir();
	ls_diag d;
	ls_diag_clear(&d);
	sim_gen_stats st;
	if (sim_generate(&sc, dir, NULL, &st, NULL, NULL, &d) != LS_OK)
		fail_msg("generate: %s", d.message);
	sim_scenario_fini(&sc);

	tu_dataset *ds = tu_dataset_load(dir);
	const tu_answer_key *k = &ds->key;
	assert_int_equal(k->missing_sensor, TU_SRC_SYSMON);
	assert_false(ds->present[TU_SRC_SYSMON]);
	assert_true(k->skewed[TU_SRC_CONN]);
	assert_true(k->skew[TU_SRC_CONN] == INT64_C(120500000));
	assert_int_equal(k->delay_seconds, 600);
	assert_true(k->dropped.n > 0);
	assert_true(k->duplicated.n > 0);
	assert_true(k->delayed.n > 0);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);
	tu_dataset_free(ds);
	tu_rmdir(dir);
}

/* Check any dataset directory: LEAKSIM_CHECK_DATASET=DIR (nothing to do without it). */
static void the_dataset_named_in_the_environment_passes(void **state)
{
	(void)state;
	const char *dir = getenv("LEAKSIM_CHECK_DATASET");
	if (dir == NULL || *dir == '\0')
		return;
	tu_dataset *ds = tu_dataset_load(dir);
	print_message("%s: %zu records, %zu campaigns, %zu decoys\n", dir, ds->nrecs,
	              ds->key.ncampaigns, ds->key.ndecoys);
	tu_check_answer_key(ds);
	tu_check_indistinguishable(ds);
	tu_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_every_record_and_the_answer_key),
		cmocka_unit_test(finds_records_and_reads_their_fields),
		cmocka_unit_test(sums_a_field_over_records),
		cmocka_unit_test(refuses_unreadable_input),
		cmocka_unit_test(the_fixture_passes),
		cmocka_unit_test(dirty_data_passes_when_the_key_says_so),
		cmocka_unit_test(a_listed_record_must_exist_once),
		cmocka_unit_test(steps_keep_to_their_window),
		cmocka_unit_test(a_record_has_one_label),
		cmocka_unit_test(the_leaked_file_is_the_export),
		cmocka_unit_test(only_behaviour_tells_campaign_records_apart),
		cmocka_unit_test(unlabelled_records_and_random_digits_may_differ),
		cmocka_unit_test(a_generated_dataset_passes),
		cmocka_unit_test(a_generated_dirty_dataset_passes),
		cmocka_unit_test(the_dataset_named_in_the_environment_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
