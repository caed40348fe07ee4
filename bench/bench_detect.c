/*
 * bench_detect.c - detection throughput, against baselines on the same bytes.
 *
 *   (a) a flat proxy JSON Lines file (the proxy log of a generated dataset,
 *       repeated to about 1M lines) with one rule; in the same run the
 *       baselines on that file: jq selecting the same events (on one
 *       copy of the proxy log, a quarter of the file), sqlite3
 *       counting them with json_extract (the query alone, over a table
 *       loaded beforehand), and grep -c for the rule's literal;
 *   (b) a generated dataset (the default scenario) with the bundled pack
 *       plus 100 further rules (variants of the pack's rules over other
 *       values, so they are evaluated but rarely match);
 *   (c) the same dataset with the whole SigmaHQ corpus (when it is found:
 *       $LEAKSIM_SIGMA_DIR, ../shared/sigma or /work/shared/sigma).
 * Each figure, baselines included, is events/s and MB/s on one core, best
 * of three, reading and parsing included. Baselines missing on the machine are
 * reported as such. Speed is printed, never asserted. An argument picks
 * parts: `bench_detect b` runs (b) alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/mem.h"
#include "io/logreader.h"
#include "sigma/engine.h"
#include "sigma/prefilter.h"
#include "sigma/rule.h"
#include "sim/gen.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct result {
	uint64_t events, bytes, alerts;
	double secs;
} result;

static bool scan(void *ctx, ls_sv line)
{
	return ls_prefilter_scan(ctx, line);
}

/* Run the rules over files (sources[i] routing when source != NULL), as detect does. */
static void run(const ls_ruleset *rs, const char *const *paths, const char *const *srcs, size_t n,
                result *res)
{
	ls_detector dt;
	ls_detector_init(&dt, rs);
	memset(res, 0, sizeof *res);
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		ls_logreader r;
		if (ls_logreader_open(&r, paths[i], NULL, NULL) != LS_OK)
			continue;
		ls_prefilter *pf = ls_detector_prefilter(&dt, srcs[i], NULL);
		if (pf) {
			r.filter = scan;
			r.filter_ctx = pf;
		}
		struct stat st;
		if (stat(paths[i], &st) == 0)
			res->bytes += (uint64_t)st.st_size;
		for (;;) {
			ls_err e = ls_logreader_next(&r, NULL);
			if (e == LS_ERR_NOTFOUND || e == LS_ERR_IO)
				break;
			if (e != LS_OK)
				continue;
			res->events++;
			ls_route routes[LS_ROUTES_MAX];
			size_t nr = srcs[i] ? ls_dataset_routes(srcs[i], &r.ev, routes) : 0;
			size_t nrules = 0;
			const uint32_t *idx = ls_detector_rules(&dt, routes, nr, &nrules);
			if (pf && nrules)
				ls_prefilter_event(pf, &r.ev);
			for (size_t k = 0; k < nrules; k++)
				if (pf == NULL || ls_prefilter_candidate(pf, idx[k]))
					res->alerts += ls_rule_match(&rs->rules[idx[k]], &r.ev);
		}
		res->events += r.skipped;
		ls_prefilter_free(pf);
		ls_logreader_close(&r);
	}
	res->secs = now() - t0;
	ls_detector_fini(&dt);
}

static void best_of(const ls_ruleset *rs, const char *const *paths, const char *const *srcs,
                    size_t n, result *best)
{
	for (int k = 0; k < 3; k++) {
		result r;
		run(rs, paths, srcs, n, &r);
		if (k == 0 || r.secs < best->secs)
			*best = r;
	}
}

static void print(const char *what, const result *r)
{
	printf("%-34s %9.0f events/s %8.1f MB/s  (%llu events, %llu alerts, %.2f s)\n", what,
	       (double)r->events / r->secs, (double)r->bytes / 1e6 / r->secs,
	       (unsigned long long)r->events, (unsigned long long)r->alerts, r->secs);
}

/* Time a shell command, best of three like the detection runs; -1 if it fails. */
static double timed(const char *cmd)
{
	double best = -1.0;
	for (int k = 0; k < 3; k++) {
		double t0 = now();
		int rc = system(cmd);
		double t = now() - t0;
		if (rc != 0)
			return -1.0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

static bool have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static const char *corpus(void)
{
	static const char *const tries[] = { "../shared/sigma", "/work/shared/sigma" };
	const char *env = getenv("LEAKSIM_SIGMA_DIR");
	struct stat st;
	if (env && stat(env, &st) == 0)
		return env;
	for (size_t i = 0; i < 2; i++)
		if (stat(tries[i], &st) == 0)
			return tries[i];
	return NULL;
}

int main(int argc, char **argv)
{
	/* Which parts to run: "abc" unless the first argument names some. */
	const char *only = argc > 1 ? argv[1] : "abc";
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
	char dir[256], ds[300];
	snprintf(dir, sizeof dir, "%s/leaksim-bench-detect-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(ds, sizeof ds, "%s/ds", dir);
	mkdir(ds, 0777);
	sim_scenario sc;
	ls_diag d;
	ls_diag_clear(&d);
	if (sim_scenario_resolve(&sc, "default", &d) != LS_OK) {
		fprintf(stderr, "bench_detect: %s\n", d.message);
		return 1;
	}
	sim_gen_stats gs;
	if (sim_generate(&sc, ds, NULL, &gs, NULL, NULL, &d) != LS_OK) {
		fprintf(stderr, "bench_detect: %s\n", d.message);
		return 1;
	}
	printf("detection benchmarks (one core, best of 3, reading and parsing included)\n");

	/* (a) a flat proxy file, about 1M lines. */
	if (strchr(only, 'a')) {
		char proxy[400], flat[400], cmd[2048];
		snprintf(proxy, sizeof proxy, "%s/logs/proxy.jsonl", ds);
		snprintf(flat, sizeof flat, "%s/flat.jsonl", dir);
		snprintf(cmd, sizeof cmd, "for i in 1 2 3 4; do cat '%s'; done > '%s'", proxy,
		         flat);
		if (system(cmd) != 0)
			return 1;
		static const char rule_a[] =
		        "title: scripted tunnel\nlogsource: {category: proxy}\n"
		        "detection:\n  sel:\n    cs-method: CONNECT\n"
		        "    c-useragent|contains: 'python-requests'\n  condition: sel\n";
		ls_ruleset ra;
		ls_ruleset_init(&ra);
		ls_ruleset_load_mem(&ra, rule_a, sizeof rule_a - 1, "a.yml", NULL);
		const char *fa[] = { flat };
		const char *sa[] = { NULL };
		result a;
		best_of(&ra, fa, sa, 1, &a);
		print("(a) proxy file, 1 rule", &a);
		ls_ruleset_fini(&ra);
		/* Baselines on the same file. */
		double mb = (double)a.bytes / 1e6;
		if (have("jq")) {
			/* jq's fastest case-insensitive form (test/"i"; ascii_downcase is
			 * four times slower), on one copy of the proxy log: a quarter of the
			 * flat file's events and bytes, to keep the run short. */
			snprintf(cmd, sizeof cmd,
			         "jq -c 'select(.\"cs-method\" == \"CONNECT\" and "
			         "(.\"c-useragent\" | test(\"python-requests\"; \"i\")))' "
			         "'%s' > /dev/null",
			         proxy);
			double t = timed(cmd);
			if (t > 0)
				printf("    baseline jq      %9.0f events/s %8.1f MB/s  ratio "
				       "%.1fx\n",
				       (double)a.events / 4 / t, mb / 4 / t, t * 4 / a.secs);
		} else {
			printf("    baseline jq: not installed\n");
		}
		if (have("sqlite3")) {
			char db[400];
			snprintf(db, sizeof db, "%s/flat.db", dir);
			snprintf(cmd, sizeof cmd,
			         "sqlite3 '%s' \"CREATE TABLE t(j TEXT);\" && "
			         "sed \"s/'/''/g; s/^/INSERT INTO t VALUES('/; s/\\$/');/\" '%s' | "
			         "{ echo 'BEGIN;'; cat; echo 'COMMIT;'; } | sqlite3 '%s'",
			         db, flat, db);
			if (system(cmd) == 0) {
				snprintf(cmd, sizeof cmd,
				         "sqlite3 '%s' \"SELECT count(*) FROM t WHERE "
				         "json_extract(j, '$.\\\"cs-method\\\"') = 'CONNECT' AND "
				         "lower(json_extract(j, '$.\\\"c-useragent\\\"')) LIKE "
				         "'%%python-requests%%';\" > /dev/null",
				         db);
				double t = timed(cmd);
				if (t > 0)
					printf("    baseline sqlite3 %9.0f events/s %8.1f MB/s  "
					       "ratio "
					       "%.1fx "
					       "(query only)\n",
					       (double)a.events / t, mb / t, t / a.secs);
			}
		} else {
			printf("    baseline sqlite3: not installed\n");
		}
		/* grep's count goes to a file: GNU grep stops at the first match when
		 * its output is /dev/null, which would time nothing. */
		char counted[400];
		snprintf(counted, sizeof counted, "%s/grep.count", dir);
		snprintf(cmd, sizeof cmd, "grep -c -F 'python-requests' '%s' > '%s'", flat,
		         counted);
		double tg = timed(cmd);
		if (tg < 0) /* grep -c exits 1 when nothing matches */
			tg = 0;
		if (tg > 0)
			printf("    baseline grep -c %9.0f events/s %8.1f MB/s  ratio %.2fx\n",
			       (double)a.events / tg, mb / tg, tg / a.secs);
	}

	char what[80];
	/* The dataset's files, for (b) and (c). */
	const char *paths[9], *srcs[9];
	char pbuf[9][400];
	for (size_t i = 0; i < 9 && i < ls_dataset_nfiles; i++) {
		snprintf(pbuf[i], sizeof pbuf[i], "%s/logs/%s", ds, ls_dataset_files[i].file);
		paths[i] = pbuf[i];
		srcs[i] = ls_dataset_files[i].source;
	}
	/* (b) the dataset with the bundled pack plus 100 further rules. */
	if (strchr(only, 'b')) {
		ls_ruleset rb;
		ls_ruleset_init(&rb);
		if (ls_ruleset_load(&rb, "rules", NULL, &d) != LS_OK)
			return 1;
		size_t pack = rb.n;
		static const char *const fields[][3] = {
			{ "category: process_creation\n  product: windows", "CommandLine|contains",
			  "tool" },
			{ "category: proxy", "cs-host|endswith", ".site" },
			{ "product: zeek\n  service: conn", "id.resp_p", "" },
			{ "category: database", "message|contains", "DROP TABLE t" },
			{ "product: linux\n  service: sshd", "message|startswith",
			  "Failed password for u" },
		};
		ls_buf extra = LS_BUF_INIT;
		for (int i = 0; i < 100; i++) {
			const char *const *f = fields[i % 5];
			ls_buf_reset(&extra);
			if (i % 5 == 2)
				ls_buf_printf(&extra,
				              "title: extra %d\nlogsource:\n  %s\ndetection:\n  "
				              "s:\n    %s: %d\n"
				              "    orig_bytes|gt: %d\n  condition: s\n",
				              i, f[0], f[1], 1000 + i, 1000000 * (i + 1));
			else
				ls_buf_printf(
				        &extra,
				        "title: extra %d\nlogsource:\n  %s\ndetection:\n  s:\n    "
				        "%s: '%s%d'\n"
				        "  condition: s\n",
				        i, f[0], f[1], f[2], i);
			ls_ruleset_load_mem(&rb, extra.data, extra.len, "extra.yml", NULL);
		}
		ls_buf_fini(&extra);
		result b;
		best_of(&rb, paths, srcs, 9, &b);
		snprintf(what, sizeof what, "(b) dataset, %zu + %zu rules", pack, rb.n - pack);
		print(what, &b);
		ls_ruleset_fini(&rb);
	}

	/* (c) the SigmaHQ corpus over the same dataset. */
	if (strchr(only, 'c')) {
		const char *cdir = corpus();
		if (cdir) {
			ls_ruleset rc;
			ls_ruleset_init(&rc);
			static const char *const trees[] = { "sigmahq/rules",
				                             "sigmahq/rules-emerging-threats",
				                             "sigmahq/rules-threat-hunting" };
			for (int i = 0; i < 3; i++) {
				char p[512];
				snprintf(p, sizeof p, "%s/%s", cdir, trees[i]);
				if (ls_ruleset_load(&rc, p, NULL, &d) != LS_OK)
					return 1;
			}
			result c;
			best_of(&rc, paths, srcs, 9, &c);
			snprintf(what, sizeof what, "(c) dataset, SigmaHQ %zu rules", rc.n);
			print(what, &c);
			ls_ruleset_fini(&rc);
		} else {
			printf("(c) the SigmaHQ corpus was not found: set LEAKSIM_SIGMA_DIR\n");
		}
	}
	sim_scenario_fini(&sc);
	if (ls_rmtree(dir) != LS_OK)
		fprintf(stderr, "bench_detect: could not remove %s\n", dir);
	return 0;
}
