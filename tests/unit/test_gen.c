/*
 * test_gen.c - the generator: sensor formats (golden lines), determinism,
 * population stability, time order, Zeek headers, record ids, and the
 * schedule's shape.
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
#include <sys/stat.h>

#include "core/mem.h"
#include "sim/benign.h"
#include "sim/gen.h"
#include "sim/register.h"
#include "sim/sensors.h"
#include "testutil.h"

/* A small world: the built-in "small" scenario is too slow for many runs. */
static void tiny(sim_scenario *sc, uint32_t people, uint32_t days, uint64_t seed)
{
	sim_scenario_defaults(sc);
	sc->people = people;
	sc->days = days;
	sc->seed = seed;
}

static char *gen_into(const sim_scenario *sc, sim_gen_stats *st)
{
	char *dir = tu_tempdir();
	ls_diag d;
	ls_diag_clear(&d);
	sim_gen_stats local;
	assert_int_equal(sim_generate(sc, dir, NULL, st ? st : &local, NULL, NULL, &d), LS_OK);
	return dir;
}

static char *read_log(const char *dir, const char *name)
{
	char *rel = tu_join("logs", name);
	char *path = tu_join(dir, rel);
	ls_buf b = LS_BUF_INIT;
	assert_true(tu_read_file(path, &b));
	free(rel);
	free(path);
	return ls_buf_steal(&b);
}

/* ------------------------------------------------------------ golden lines */

static const sim_world *golden_world(sim_scenario *sc)
{
	tiny(sc, 3, 1, 7);
	return sim_world_create(sc);
}

static void golden_sensor_lines(void **state)
{
	(void)state;
	sim_scenario sc;
	sim_world *w = (sim_world *)golden_world(&sc);
	sim_batch b;
	sim_batch_init(&b);
	sim_actor a;
	unsigned char key[LS_RNG_KEYBYTES] = { 1, 2, 3 };
	sim_actor_init(&a, w, &b, SIM_ENT_PERSON(0), key, 0);
	ls_time t = INT64_C(1772409600000000); /* 2026-03-02T00:00:00Z */

	sim_conn c = { .ts = t,
		       .uid = "CAAAAAAAAAAAAAAAAA",
		       .orig_h = 0x0A400101,
		       .orig_p = 50000,
		       .resp_h = 0xCB0071C8,
		       .resp_p = 443,
		       .proto = "tcp",
		       .service = NULL,
		       .duration = 1500000,
		       .orig_bytes = 1000,
		       .resp_bytes = 200,
		       .conn_state = "SF",
		       .history = "ShADadFf",
		       .orig_pkts = 3,
		       .resp_pkts = 2 };
	sim_emit_conn(&a, &c);
	sim_syslog s = { .ts = t,
		         .pri = SIM_PRI_AUTHPRIV_INFO,
		         .host = "jump01",
		         .app = "sshd",
		         .pid = 4242,
		         .msg = "Accepted publickey for x from 10.64.1.1 port 5 ssh2" };
	sim_emit_syslog(&a, &s);
	sim_dhcp d = { .ts = t,
		       .event = "DHCPACK",
		       .ip = 0x0A400101,
		       .mac = (const unsigned char *)"\x02\x00\x00\x00\x00\x01",
		       .host = "LT-00001",
		       .user = "abc0",
		       .lease_start = t,
		       .lease_end = t + 3600 * INT64_C(1000000),
		       .server = 0x0A0A0043 };
	sim_emit_dhcp(&a, &d);

	sim_lane *conn = &b.lane[SIM_SRC_CONN], *auth = &b.lane[SIM_SRC_AUTH],
	         *dhcp = &b.lane[SIM_SRC_DHCP];
	assert_int_equal(conn->n, 1);
	assert_int_equal(auth->n, 1);
	assert_int_equal(dhcp->n, 1);
	/* Record ids come from the actor's id stream: take them from the lines. */
	char want[1024];
	const char *cl = conn->text.data;
	const char *crid = cl + conn->recs[0].len - 1 - SIM_RID_LEN;
	snprintf(want, sizeof want,
	         "1772409600.000000\tCAAAAAAAAAAAAAAAAA\t10.64.1.1\t50000\t203.0.113."
	         "200\t443\ttcp\t-\t"
	         "1.500000\t1000\t200\tSF\tT\tF\t0\tShADadFf\t3\t1156\t2\t304\t-\t%.20s\n",
	         crid);
	assert_string_equal(cl, want);
	const char *al = auth->text.data;
	const char *arid = strstr(al, "rid=\"") + 5;
	snprintf(want, sizeof want,
	         "<86>1 2026-03-02T00:00:00.000000Z jump01 sshd 4242 - [leaksim@32473 "
	         "rid=\"%.20s\"] "
	         "Accepted publickey for x from 10.64.1.1 port 5 ssh2\n",
	         arid);
	assert_string_equal(al, want);
	const char *dl = dhcp->text.data;
	const char *drid = strstr(dl, "\"rid\":\"") + 7;
	snprintf(want, sizeof want,
	         "{\"timestamp\":\"2026-03-02T00:00:00.000000Z\",\"rid\":\"%.20s\",\"event\":"
	         "\"DHCPACK\","
	         "\"ip\":\"10.64.1.1\",\"mac\":\"02:00:00:00:00:01\",\"host\":\"LT-00001\","
	         "\"user\":\"abc0\","
	         "\"lease_start\":\"2026-03-02T00:00:00Z\",\"lease_end\":\"2026-03-02T01:00:00Z\","
	         "\"server\":\"10.10.0.67\"}\n",
	         drid);
	assert_string_equal(dl, want);
	/* Three records, three different ids. */
	assert_memory_not_equal(crid, arid, SIM_RID_LEN);
	assert_memory_not_equal(arid, drid, SIM_RID_LEN);

	sim_actor_fini(&a);
	sim_batch_fini(&b);
	sim_world_destroy(w);
	sim_scenario_fini(&sc);
}

/*
 * Every sensor's formatter, one record each from fixed inputs, compared byte
 * for byte with tests/golden/sensors.golden. The record ids come from a fixed
 * actor key, so the file is stable. To accept a reviewed change, run the test
 * with LEAKSIM_UPDATE_GOLDEN=1 and read the diff.
 */
static void golden_every_formatter(void **state)
{
	(void)state;
	sim_scenario sc;
	sim_world *w = (sim_world *)golden_world(&sc);
	sim_batch b;
	sim_batch_init(&b);
	sim_actor a;
	unsigned char key[LS_RNG_KEYBYTES] = { 9, 8, 7 };
	sim_actor_init(&a, w, &b, SIM_ENT_PERSON(0), key, 0);
	ls_time t = INT64_C(1772409600250000); /* 2026-03-02T00:00:00.25Z */
	const unsigned char mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	sim_conn c = { .ts = t,
		       .uid = "CAbCdEfGhIjKlMnOpQ",
		       .orig_h = 0x0A400109,
		       .orig_p = 50123,
		       .resp_h = 0x0A0A0050,
		       .resp_p = 3128,
		       .proto = "tcp",
		       .service = "http",
		       .duration = 2345678,
		       .orig_bytes = 812,
		       .resp_bytes = 40960,
		       .conn_state = "SF",
		       .history = "ShADadFf",
		       .orig_pkts = 3,
		       .resp_pkts = 32 };
	sim_emit_conn(&a, &c);
	sim_dns dn = { .ts = t,
		       .uid = "CdNsDnSdNsDnSdNsDn",
		       .orig_h = 0x0A0A0035,
		       .resp_h = 0xC0000235,
		       .orig_p = 53535,
		       .trans_id = 4242,
		       .rtt = 12345,
		       .query = "www.example.test",
		       .qtype = 1,
		       .rcode = 0,
		       .answer_ip = 0xC6336407,
		       .ttl = 300 };
	sim_emit_dns(&a, &dn);
	dn.rcode = 3;
	dn.answer_ip = 0;
	dn.query = "nosuch.corp.example";
	sim_emit_dns(&a, &dn);
	sim_ssl ss = { .ts = t,
		       .uid = "CsSlSsLsSlSsLsSlSs",
		       .orig_h = 0x0A0A0050,
		       .orig_p = 40000,
		       .resp_h = 0xC6336407,
		       .resp_p = 443,
		       .server_name = "www.example.test",
		       .established = true,
		       .resumed = false };
	sim_emit_ssl(&a, &ss);
	ss.server_name = NULL;
	sim_emit_ssl(&a, &ss);
	sim_syslog sl = {
		.ts = t,
		.pri = SIM_PRI_AUTHPRIV_NOTICE,
		.host = "jump01",
		.app = "sudo",
		.pid = 777,
		.msg = "abc1 : TTY=pts/0 ; PWD=/home/abc1 ; USER=root ; COMMAND=/usr/bin/df -h"
	};
	sim_emit_syslog(&a, &sl);
	sim_proxy px = { .ts = t,
		         .c_ip = 0x0A400109,
		         .user = "abc1",
		         .method = "GET",
		         .host = "news.dailyharbour.example",
		         .port = 80,
		         .path = "/a/b/report.pdf?x=1&y=\"2\"",
		         .useragent = "Agent/1.0",
		         .cs_bytes = 420,
		         .sc_bytes = 123456,
		         .status = 200,
		         .dst_ip = 0xCB007107,
		         .duration = 1500000 };
	sim_emit_proxy(&a, &px);
	px.method = "CONNECT";
	px.port = 443;
	px.path = NULL;
	sim_emit_proxy(&a, &px);
	sim_host_ctx h = { .computer = "LT-00001.corp.example", .user = "CORP\\abc1" };
	sim_proc pr = { .ts = t,
		        .guid = "{11111111-2222-3333-4444-555555555555}",
		        .pid = 4321,
		        .image = "C:\\Program Files\\7-Zip\\7z.exe",
		        .cmdline = "\"C:\\Program Files\\7-Zip\\7z.exe\" a -p*** x.7z",
		        .cwd = "C:\\Users\\abc1\\",
		        .parent_guid = "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}",
		        .parent_pid = 1234,
		        .parent_image = "C:\\Windows\\explorer.exe",
		        .parent_cmdline = "C:\\Windows\\Explorer.EXE",
		        .integrity = "Medium" };
	sim_emit_process_create(&a, &h, &pr);
	sim_emit_network_connect(&a, &h, &pr, t, 0x0A400109, 50000, 0xCB0071C8, 443, NULL);
	sim_emit_file_create(&a, &h, &pr, t, "C:\\Users\\abc1\\x.7z");
	sim_emit_dns_query(&a, &h, &pr, t, "proxy01.corp.example", 0x0A0A0050);
	sim_emit_logon(&a, &h, t, "abc1", "CORP", 2, "0x1a2b3c", 0);
	sim_emit_logoff(&a, &h, t, "abc1", "CORP", 2, "0x1a2b3c");
	sim_db db = {
		.ts = t,
		.user = "abc1",
		.dbname = "register",
		.pid = 5555,
		.remote_host = 0x0A400109,
		.remote_port = 50001,
		.session_id = "65e2f1a0.15b3",
		.line_num = 3,
		.session_start = t - 1000000,
		.app_name = "psql",
		.message =
		        "AUDIT: SESSION,1,1,READ,SELECT,,,\"SELECT * FROM members\",<not logged>",
		.rows = 1950000
	};
	sim_emit_db(&a, &db);
	sim_dhcp dh = { .ts = t,
		        .event = "DHCPACK",
		        .ip = 0x0A400109,
		        .mac = mac,
		        .host = "LT-00001",
		        .user = "abc1",
		        .lease_start = t,
		        .lease_end = t + 8 * LS_USEC_PER_HOUR,
		        .server = 0x0A0A0043 };
	sim_emit_dhcp(&a, &dh);
	sim_post po = { .ts = t,
		        .channel = "harbour-city-news",
		        .post_id = 12,
		        .text = "New file",
		        .file_name = "issue-1.pdf",
		        .file_size = 2048,
		        .file_sha256 = "00ff",
		        .views = 99 };
	sim_emit_post(&a, &po);

	ls_buf all = LS_BUF_INIT;
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		ls_buf_printf(&all, "== %s\n", sim_source_file[s]);
		ls_buf_append(&all, b.lane[s].text.data ? b.lane[s].text.data : "",
		              b.lane[s].text.len);
	}
	const char *golden = "tests/golden/sensors.golden";
	const char *update = getenv("LEAKSIM_UPDATE_GOLDEN");
	if (update && *update) {
		FILE *f = fopen(golden, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(all.data, 1, all.len, f), all.len);
		assert_int_equal(fclose(f), 0);
	}
	ls_buf want = LS_BUF_INIT;
	assert_true(tu_read_file(golden, &want));
	assert_string_equal(all.data, want.data);
	ls_buf_fini(&want);
	ls_buf_fini(&all);
	sim_actor_fini(&a);
	sim_batch_fini(&b);
	sim_world_destroy(w);
	sim_scenario_fini(&sc);
}

static void golden_zeek_header(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	sim_zeek_header(&b, SIM_SRC_SSL, INT64_C(1772409600000000));
	assert_non_null(strstr(b.data,
	                       "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	                       "#unset_field\t-\n#path\tssl\n#open\t2026-03-02-00-00-00\n"));
	/* #fields and #types have the same number of columns. */
	const char *f = strstr(b.data, "#fields\t"), *ty = strstr(b.data, "#types\t");
	assert_non_null(f);
	assert_non_null(ty);
	int nf = 0, nt = 0;
	for (const char *p = f; *p != '\n'; p++)
		nf += *p == '\t';
	for (const char *p = ty; *p != '\n'; p++)
		nt += *p == '\t';
	assert_int_equal(nf, nt);
	ls_buf_reset(&b);
	sim_zeek_close(&b, INT64_C(1772409600000000));
	assert_string_equal(b.data, "#close\t2026-03-02-00-00-00\n");
	ls_buf_fini(&b);
}

/* ------------------------------------------------------------ determinism */

static void same_seed_same_bytes(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 12, 2, 5);
	char *a = gen_into(&sc, NULL), *b = gen_into(&sc, NULL);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char *x = read_log(a, sim_source_file[s]), *y = read_log(b, sim_source_file[s]);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	char *ma = tu_join(a, "manifest.json"), *mb = tu_join(b, "manifest.json");
	ls_buf x = LS_BUF_INIT, y = LS_BUF_INIT;
	assert_true(tu_read_file(ma, &x));
	assert_true(tu_read_file(mb, &y));
	assert_string_equal(x.data, y.data);
	ls_buf_fini(&x);
	ls_buf_fini(&y);
	free(ma);
	free(mb);
	tu_rmdir(a);
	tu_rmdir(b);
	sim_scenario_fini(&sc);
}

/* Spilling a day to sorted runs and merging them changes no byte. */
static void spilled_days_equal_in_memory_days(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 200, 2, 8);
	char *a = gen_into(&sc, NULL);
	char *b = tu_tempdir();
	sim_gen_opts opts = { .batch_bytes = 256 * 1024 };
	sim_gen_stats st;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(sim_generate(&sc, b, &opts, &st, NULL, NULL, &d), LS_OK);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char *x = read_log(a, sim_source_file[s]), *y = read_log(b, sim_source_file[s]);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	tu_rmdir(a);
	tu_rmdir(b);
	sim_scenario_fini(&sc);
}

static void different_seed_different_bytes(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 12, 2, 5);
	char *a = gen_into(&sc, NULL);
	sc.seed = 6;
	char *b = gen_into(&sc, NULL);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char *x = read_log(a, sim_source_file[s]), *y = read_log(b, sim_source_file[s]);
		assert_string_not_equal(x, y);
		free(x);
		free(y);
	}
	tu_rmdir(a);
	tu_rmdir(b);
	sim_scenario_fini(&sc);
}

/* Every line of `small` appears in `big`, in the same relative order. */
static void assert_subsequence(const char *small, const char *big)
{
	const char *p = small, *q = big;
	while (*p) {
		const char *pe = strchr(p, '\n');
		size_t len = (size_t)(pe - p) + 1;
		bool found = false;
		while (*q) {
			const char *qe = strchr(q, '\n');
			size_t qlen = (size_t)(qe - q) + 1;
			const char *line = q;
			q = qe + 1;
			if (qlen == len && memcmp(line, p, len) == 0) {
				found = true;
				break;
			}
		}
		if (!found)
			fail_msg("line missing from the larger population: %.*s", (int)len, p);
		p = pe + 1;
	}
}

static void adding_a_person_changes_nobody_else(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 9, 2, 11);
	char *a = gen_into(&sc, NULL);
	sc.people = 10;
	char *b = gen_into(&sc, NULL);
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char *x = read_log(a, sim_source_file[s]), *y = read_log(b, sim_source_file[s]);
		assert_subsequence(x, y);
		free(x);
		free(y);
	}
	tu_rmdir(a);
	tu_rmdir(b);
	sim_scenario_fini(&sc);
}

/* ------------------------------------------------------------ file shape */

static ls_time line_time(int src, const char *line)
{
	ls_time t = 0;
	if (line[0] == '{') {
		const char *v = strstr(line, "\"timestamp\":\"") + 13;
		assert_int_equal(ls_time_parse_rfc3339(ls_sv_make(v, (size_t)(strchr(v, '"') - v)),
		                                       &t, NULL),
		                 LS_OK);
	} else if (src == SIM_SRC_AUTH) {
		const char *v = strchr(line, ' ') + 1;
		assert_int_equal(ls_time_parse_rfc3339(ls_sv_make(v, (size_t)(strchr(v, ' ') - v)),
		                                       &t, NULL),
		                 LS_OK);
	} else {
		assert_int_equal(
		        ls_time_parse_zeek(ls_sv_make(line, strcspn(line, "\t")), &t, NULL), LS_OK);
	}
	return t;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rid of a log line (JSON, syslog or Zeek), or NULL for a header line. */
static const char *line_rid(const char *p)
{
	if (p[0] == '#')
		return NULL;
	if (p[0] == '{')
		return strstr(p, "\"rid\":\"") + 7;
	if (p[0] == '<')
		return strstr(p, "rid=\"") + 5;
	return strrchr(p, '\t') + 1;
}

/* Every rid of the dataset as "RID S" (S = source index as a letter), sorted. */
static size_t collect_rids(const char *dir, char ***out)
{
	char **rids = NULL;
	size_t n = 0;
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char *rel = tu_join("logs", sim_source_file[s]);
		char *path = tu_join(dir, rel);
		bool present = tu_exists(path);
		free(rel);
		free(path);
		if (!present)
			continue; /* a missing sensor */
		char *text = read_log(dir, sim_source_file[s]);
		for (char *p = text; *p;) {
			char *e = strchr(p, '\n');
			*e = '\0';
			const char *hex = line_rid(p);
			if (hex) {
				rids = ls_xreallocarray(rids, n + 1, sizeof *rids);
				char *r = ls_xmalloc(SIM_RID_LEN + 3);
				memcpy(r, hex, SIM_RID_LEN);
				r[SIM_RID_LEN] = ' ';
				r[SIM_RID_LEN + 1] = (char)('a' + s);
				r[SIM_RID_LEN + 2] = '\0';
				rids[n++] = r;
			}
			p = e + 1;
		}
		free(text);
	}
	qsort(rids, n, sizeof *rids, cmp_str);
	*out = rids;
	return n;
}

static void free_rids(char **rids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rids[i]);
	free(rids);
}

static void files_are_ordered_with_unique_ids(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 15, 3, 3);
	sim_gen_stats st;
	char *dir = gen_into(&sc, &st);
	char **rids = NULL;
	size_t nrids = 0;
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char *text = read_log(dir, sim_source_file[s]);
		ls_time prev = INT64_MIN;
		uint64_t records = 0;
		int zeek_columns = -1;
		for (char *p = text; *p;) {
			char *e = strchr(p, '\n');
			*e = '\0';
			if (p[0] == '#') {
				if (strncmp(p, "#fields\t", 8) == 0) {
					zeek_columns = 1;
					for (char *q = p + 8; *q; q++)
						zeek_columns += *q == '\t';
				}
			} else {
				ls_time t = line_time(s, p);
				assert_true(t >= prev);
				assert_true(t >= sc.start &&
				            t < sc.start + 3 * LS_USEC_PER_DAY + LS_USEC_PER_DAY);
				prev = t;
				records++;
				if (zeek_columns > 0) {
					int cols = 1;
					for (char *q = p; *q; q++)
						cols += *q == '\t';
					assert_int_equal(cols, zeek_columns);
				}
				const char *hex = line_rid(p);
				rids = ls_xreallocarray(rids, nrids + 1, sizeof *rids);
				rids[nrids++] = ls_xstrndup(hex, SIM_RID_LEN);
			}
			p = e + 1;
		}
		assert_int_equal(records, st.records[s]);
		assert_true(records > 0);
		free(text);
	}
	qsort(rids, nrids, sizeof *rids, cmp_str);
	for (size_t i = 0; i < nrids; i++) {
		assert_int_equal(strlen(rids[i]), SIM_RID_LEN);
		assert_int_equal(strspn(rids[i], "0123456789abcdef"), SIM_RID_LEN);
		if (i)
			assert_string_not_equal(rids[i - 1], rids[i]);
	}
	for (size_t i = 0; i < nrids; i++)
		free(rids[i]);
	free(rids);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* Each ssl.log uid is the uid of a conn.log line of the same connection. */
static void ssl_uids_join_conn(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 10, 1, 9);
	char *dir = gen_into(&sc, NULL);
	char *conn = read_log(dir, "conn.log"), *ssl = read_log(dir, "ssl.log");
	int checked = 0;
	for (char *p = ssl; *p && checked < 200;) {
		char *e = strchr(p, '\n');
		if (p[0] != '#') {
			char *uid = strchr(p, '\t') + 1;
			char key[24];
			snprintf(key, sizeof key, "\t%.18s\t", uid);
			assert_non_null(strstr(conn, key));
			checked++;
		}
		p = e + 1;
	}
	assert_true(checked > 10);
	free(conn);
	free(ssl);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* ------------------------------------------------------------ schedules */

/* Logons (EID 4624, type 2) by local hour and weekday over four weeks. */
static void schedules_follow_office_hours(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 60, 14, 21);
	sim_world *w = sim_world_create(&sc);
	uint64_t by_hour[24] = { 0 }, weekday = 0, weekend = 0;
	sim_batch b;
	sim_batch_init(&b);
	for (uint32_t day = 0; day < sc.days; day++) {
		for (uint32_t i = 0; i < w->npeople; i++)
			sim_person_day(w, &b, i, day);
		sim_lane *l = &b.lane[SIM_SRC_SYSMON];
		for (size_t k = 0; k < l->n; k++) {
			const char *line = l->text.data + l->recs[k].off;
			size_t len = l->recs[k].len;
			if (memmem(line, len, "\"EventID\":4624", sizeof "\"EventID\":4624" - 1) ==
			            NULL ||
			    memmem(line, len, "\"LogonType\":2,", sizeof "\"LogonType\":2," - 1) ==
			            NULL)
				continue;
			ls_time local = l->recs[k].t + (ls_time)sc.utc_offset_min * LS_USEC_PER_MIN;
			by_hour[(local / LS_USEC_PER_HOUR) % 24]++;
			if (ls_time_weekday(local) >= 5)
				weekend++;
			else
				weekday++;
		}
		sim_batch_reset(&b);
	}
	/* Most people log on between 07:00 and 10:59 local; nobody at 02:00. */
	uint64_t morning = by_hour[7] + by_hour[8] + by_hour[9] + by_hour[10], total = 0;
	for (int h = 0; h < 24; h++)
		total += by_hour[h];
	assert_true(total > 0);
	assert_true(morning * 10 >= total * 8);
	assert_int_equal(by_hour[2], 0);
	/* Nobody works on most weekends: 4 weekend days vs 10 weekdays. */
	assert_true(weekend * 20 < weekday);
	sim_batch_fini(&b);
	sim_world_destroy(w);
	sim_scenario_fini(&sc);
}

/* Web activity peaks in local office hours and is near zero at night. */
static void activity_peaks_in_office_hours(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 30, 5, 4);
	sim_world *w = sim_world_create(&sc);
	uint64_t by_hour[24] = { 0 };
	sim_batch b;
	sim_batch_init(&b);
	for (uint32_t day = 0; day < sc.days; day++) {
		for (uint32_t i = 0; i < w->npeople; i++)
			sim_person_day(w, &b, i, day);
		sim_lane *l = &b.lane[SIM_SRC_PROXY];
		for (size_t k = 0; k < l->n; k++) {
			ls_time local = l->recs[k].t + (ls_time)sc.utc_offset_min * LS_USEC_PER_MIN;
			by_hour[(local / LS_USEC_PER_HOUR) % 24]++;
		}
		sim_batch_reset(&b);
	}
	uint64_t office = 0, night = 0;
	for (int h = 9; h < 18; h++)
		office += by_hour[h];
	for (int h = 0; h < 6; h++)
		night += by_hour[h];
	assert_true(office > 1000);
	assert_true(night * 100 < office);
	/* Lunch dips below the late morning. */
	assert_true(by_hour[12] < by_hour[10]);
	sim_batch_fini(&b);
	sim_world_destroy(w);
	sim_scenario_fini(&sc);
}

/* ------------------------------------------------------------ answer key */

/* Every decoy record listed in the answer key exists exactly once, in its source. */
static void answer_key_decoys_are_in_the_logs(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 40, 2, 13);
	/* Make every hard negative happen. */
	double mix[SIM_ROLE__COUNT] = { 1, 1, 1, 1, 1, 0 };
	memcpy(sc.role_mix, mix, sizeof mix);
	sc.messenger_users = 1;
	sc.big_send_prob = 1;
	sc.archive_prob = 1;
	sc.encrypted_archive_frac = 0.5;
	sc.cloud_sync_users = 1;
	sc.big_download_prob = 1;
	sc.admin_scp_per_day = 2;
	sc.exports_per_week = 5;
	sc.leave_prob = 0;
	sc.travel_prob = 0;
	sc.campaign.enabled = false; /* test_campaign.c checks the campaign's records */
	char *dir = gen_into(&sc, NULL);
	char *key = tu_join(dir, "truth/answer-key.json");
	ls_buf k = LS_BUF_INIT;
	assert_true(tu_read_file(key, &k));
	assert_non_null(strstr(k.data, "\"campaigns\":[]"));
	for (int l = SIM_LABEL_NONE + 1; l < SIM_DECOY__END; l++) {
		char kind[64];
		snprintf(kind, sizeof kind, "\"kind\":\"%s\"", sim_label_name((sim_label)l));
		if (strstr(k.data, kind) == NULL)
			fail_msg("no decoy of kind %s", sim_label_name((sim_label)l));
	}
	char **rids;
	size_t nrids = collect_rids(dir, &rids);
	size_t checked = 0;
	for (const char *p = strstr(k.data, "{\"source\":\""); p;
	     p = strstr(p + 1, "{\"source\":\"")) {
		const char *src = p + 11;
		size_t slen = strcspn(src, "\"");
		const char *rid = strstr(src, "\"rid\":\"") + 7;
		int found = -1;
		for (int s = 0; s < SIM_SRC__COUNT; s++)
			if (strlen(sim_source_name[s]) == slen &&
			    memcmp(sim_source_name[s], src, slen) == 0)
				found = s;
		assert_true(found >= 0);
		/* Exactly one record in the whole dataset has this rid, and it is in that source. */
		char want_rec[SIM_RID_LEN + 3];
		memcpy(want_rec, rid, SIM_RID_LEN);
		want_rec[SIM_RID_LEN] = ' ';
		want_rec[SIM_RID_LEN + 1] = (char)('a' + found);
		want_rec[SIM_RID_LEN + 2] = '\0';
		size_t lo = 0, hi = nrids;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (memcmp(rids[mid], rid, SIM_RID_LEN) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t matches = 0;
		for (size_t i = lo; i < nrids && memcmp(rids[i], rid, SIM_RID_LEN) == 0; i++) {
			matches++;
			assert_string_equal(rids[i], want_rec);
		}
		assert_int_equal(matches, 1);
		checked++;
	}
	assert_true(checked > 50);
	/* The manifest lists the answer key with its record count. */
	char *man = tu_join(dir, "manifest.json");
	ls_buf mb = LS_BUF_INIT;
	assert_true(tu_read_file(man, &mb));
	char want[96];
	snprintf(want, sizeof want, "\"path\":\"truth/answer-key.json\",\"records\":%zu,", checked);
	assert_non_null(strstr(mb.data, want));
	ls_buf_fini(&mb);
	free(man);
	free_rids(rids, nrids);
	ls_buf_fini(&k);
	free(key);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* Every export is in the export-session log, and the watermark key is the register's. */
static void export_log_and_watermark_key(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 30, 2, 17);
	double mix[SIM_ROLE__COUNT] = { 1, 3, 0, 3, 0, 0 };
	memcpy(sc.role_mix, mix, sizeof mix);
	sc.exports_per_week = 5;
	sc.register_rows = 50000;
	char *dir = gen_into(&sc, NULL);
	char *log = tu_join(dir, "truth/export-sessions.jsonl");
	ls_buf lb = LS_BUF_INIT;
	assert_true(tu_read_file(log, &lb));
	char *db = read_log(dir, "db_audit.jsonl");
	size_t backups = 0, exports = 0, campaign = 0;
	for (char *p = lb.data; *p;) {
		char *e = strchr(p, '\n');
		*e = '\0';
		assert_non_null(strstr(p, "\"session\":\""));
		const char *acct = strstr(p, "\"account\":\"") + 11;
		const char *rows = strstr(p, "\"rows\":") + 7;
		if (strstr(p, "\"kind\":\"dba_backup\"")) {
			assert_non_null(strstr(p, "\"rows\":50000,"));
			assert_non_null(strstr(p, "\"format\":\"pg_dump\""));
			backups++;
		} else if (strstr(p, "\"kind\":\"campaign\"")) {
			assert_non_null(strstr(p, "\"rows\":50000,"));
			assert_non_null(strstr(p, "\"format\":\"csv\""));
			campaign++;
		} else {
			assert_non_null(strstr(p, "\"kind\":\"analyst_export\""));
			exports++;
		}
		/* The database audit shows the same account moving the same rows. */
		char want[128];
		snprintf(want, sizeof want, "\"user\":\"%.*s\"", (int)strcspn(acct, "\""), acct);
		char want_rows[48];
		snprintf(want_rows, sizeof want_rows, "\"rows\":%.*s}", (int)strcspn(rows, ","),
		         rows);
		bool found = false;
		for (char *q = strstr(db, want); q && !found; q = strstr(q + 1, want)) {
			char *qe = strchr(q, '\n');
			char *hit = strstr(q, want_rows);
			found = hit && hit < qe;
		}
		assert_true(found);
		p = e + 1;
	}
	assert_int_equal(backups, 2);
	assert_int_equal(campaign, 1);
	assert_true(exports > 0);
	/* The key file holds the register's watermark key. */
	char *keyf = tu_join(dir, "truth/watermark.key");
	ls_buf kb = LS_BUF_INIT;
	assert_true(tu_read_file(keyf, &kb));
	sim_register *reg = ls_xmalloc(sizeof *reg);
	assert_int_equal(sim_register_init(reg, sc.seed, sc.register_rows), LS_OK);
	ls_buf hex = LS_BUF_INIT;
	ls_buf_append_hex(&hex, reg->wm_key, sizeof reg->wm_key);
	ls_buf_append_char(&hex, '\n');
	assert_string_equal(kb.data, hex.data);
	sim_register_fini(reg);
	free(reg);
	ls_buf_fini(&hex);
	ls_buf_fini(&kb);
	free(keyf);
	free(db);
	ls_buf_fini(&lb);
	free(log);
	tu_rmdir(dir);
	sim_scenario_fini(&sc);
}

/* The dirty-data knobs: what they do to the logs is exactly what the answer key says. */
static void dirty_data_matches_the_answer_key(void **state)
{
	(void)state;
	sim_scenario sc;
	tiny(&sc, 12, 1, 23);
	char *clean = gen_into(&sc, NULL);
	sc.drop_rate = 0.05;
	sc.duplicate_rate = 0.05;
	sc.delay_rate = 0.05;
	sc.delay_s = 600;
	sc.missing_sensor = SIM_SRC_SYSMON;
	sc.clock_skew_s[SIM_SRC_CONN] = 120.5;
	char *dirty = gen_into(&sc, NULL);

	/* The missing sensor's file is absent, and so is its manifest entry. */
	char *sysmon = tu_join(dirty, "logs/sysmon.jsonl");
	assert_false(tu_exists(sysmon));
	char *man = tu_join(dirty, "manifest.json");
	ls_buf mb = LS_BUF_INIT;
	assert_true(tu_read_file(man, &mb));
	assert_null(strstr(mb.data, "logs/sysmon.jsonl"));

	char *key = tu_join(dirty, "truth/answer-key.json");
	ls_buf k = LS_BUF_INIT;
	assert_true(tu_read_file(key, &k));
	assert_non_null(strstr(k.data, "\"missing_sensor\":\"sysmon\""));
	assert_non_null(strstr(k.data, "\"clock_skew_seconds\":{\"conn\":120.500000}"));
	char **rids;
	size_t nrids = collect_rids(dirty, &rids);
	const char *lists[] = { "\"dropped\":[", "\"duplicated\":[", "\"delayed\":[" };
	const size_t want_count[] = { 0, 2, 1 };
	for (int li = 0; li < 3; li++) {
		const char *p = strstr(k.data, lists[li]);
		assert_non_null(p);
		const char *end = strchr(p, ']');
		size_t listed = 0;
		for (const char *q = strstr(p, "\"rid\":\""); q && q < end;
		     q = strstr(q + 1, "\"rid\":\"")) {
			const char *rid = q + 7;
			const char *src = q - 1;
			while (src > p && *src != '{')
				src--;
			size_t n = 0;
			for (size_t i = 0; i < nrids; i++)
				n += memcmp(rids[i], rid, SIM_RID_LEN) == 0;
			/* The missing sensor's records are absent whatever else befell them. */
			static const char sysmon_src[] = "{\"source\":\"sysmon\"";
			bool in_sysmon = strncmp(src, sysmon_src, sizeof sysmon_src - 1) == 0;
			if (in_sysmon)
				assert_int_equal(n, 0);
			else if (li == 2) /* a delayed record may also have been duplicated */
				assert_true(n == 1 || n == 2);
			else
				assert_int_equal(n, want_count[li]);
			listed++;
		}
		assert_true(listed > 0);
	}
	free_rids(rids, nrids);

	/* conn.log's clock runs 120.5 s ahead: the same record, a later ts. */
	char *c1 = read_log(clean, "conn.log"), *c2 = read_log(dirty, "conn.log");
	const char *line = strstr(c1, "\n1"); /* the first record, after the header */
	assert_non_null(line);
	line++;
	char r[SIM_RID_LEN + 2] = { '\t' };
	memcpy(r + 1, strchr(line, '\n') - SIM_RID_LEN, SIM_RID_LEN);
	r[SIM_RID_LEN + 1] = '\0';
	const char *other = strstr(c2, r);
	if (other) { /* unless this very record was dropped */
		while (other > c2 && other[-1] != '\n')
			other--;
		ls_time t1, t2;
		assert_int_equal(
		        ls_time_parse_zeek(ls_sv_make(line, strcspn(line, "\t")), &t1, NULL),
		        LS_OK);
		assert_int_equal(
		        ls_time_parse_zeek(ls_sv_make(other, strcspn(other, "\t")), &t2, NULL),
		        LS_OK);
		assert_true(t2 - t1 == 120500000);
	}
	/* Delayed records break the time order somewhere. */
	bool out_of_order = false;
	ls_time prev = INT64_MIN;
	for (const char *q = c2; *q; q = strchr(q, '\n') + 1) {
		if (*q == '#')
			continue;
		ls_time t;
		assert_int_equal(ls_time_parse_zeek(ls_sv_make(q, strcspn(q, "\t")), &t, NULL),
		                 LS_OK);
		out_of_order |= t < prev;
		prev = t;
	}
	assert_true(out_of_order);
	free(c1);
	free(c2);
	ls_buf_fini(&k);
	free(key);
	ls_buf_fini(&mb);
	free(man);
	free(sysmon);
	tu_rmdir(clean);
	tu_rmdir(dirty);
	sim_scenario_fini(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_sensor_lines),
		cmocka_unit_test(golden_zeek_header),
		cmocka_unit_test(golden_every_formatter),
		cmocka_unit_test(same_seed_same_bytes),
		cmocka_unit_test(different_seed_different_bytes),
		cmocka_unit_test(spilled_days_equal_in_memory_days),
		cmocka_unit_test(adding_a_person_changes_nobody_else),
		cmocka_unit_test(files_are_ordered_with_unique_ids),
		cmocka_unit_test(ssl_uids_join_conn),
		cmocka_unit_test(schedules_follow_office_hours),
		cmocka_unit_test(activity_peaks_in_office_hours),
		cmocka_unit_test(answer_key_decoys_are_in_the_logs),
		cmocka_unit_test(export_log_and_watermark_key),
		cmocka_unit_test(dirty_data_matches_the_answer_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
