/*
 * cmd_run.c - `leaksim run`: the main job, generate -> detect -> score ->
 * report, into one output directory.
 *
 * The dataset is sealed as generate seals it (integrity/). The directory
 * (default leaksim-out/<scenario>-seed<N>) is built under a temporary name and renamed into place only when every stage succeeded
 * (core/atomic.h), so a failed run leaves nothing half-written behind. It
 * holds the dataset (manifest.json, logs/, truth/), alerts.jsonl,
 * score.json (as `leaksim score --json` prints it) and report.html.
 * Progress goes to stderr on a terminal; the closing summary (each step
 * caught or missed, by which rules and after how long, the precision of
 * each alerting rule, the report's path) to stdout unless --quiet.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "core/mem.h"
#include "core/str.h"
#include "score/report.h"
#include "score/score.h"
#include "sim/gen.h"

typedef struct stage {
	bool on; /* progress shown (a terminal, not --quiet) */
	double t0;
} stage;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void stage_begin(stage *st, const char *what)
{
	st->t0 = now_s();
	if (st->on) {
		fprintf(stderr, "%-9s ...", what);
		fflush(stderr);
	}
}

static void stage_end(stage *st, const char *fmt, ...) LS_PRINTF(2, 3);

static void stage_end(stage *st, const char *fmt, ...)
{
	if (!st->on)
		return;
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\b\b\b%s (%.2f s)\n", msg, now_s() - st->t0);
}

static void gen_progress(void *ctx, uint32_t done, uint32_t days, uint64_t records)
{
	stage *st = ctx;
	if (st->on) {
		fprintf(stderr, "\rgenerate  day %u/%u, %" PRIu64 " records", done, days, records);
		fflush(stderr);
	}
}

/* Create every missing directory above path (like mkdir -p of its parent). */
static int make_parents(const char *path)
{
	char *p = ls_xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			ls_cli_error("run", "cannot create %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

static int write_file(const char *dir, const char *name, const ls_buf *b)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/%s", dir, name);
	ls_diag d;
	ls_diag_clear(&d);
	int rc = 0;
	if (ls_write_file_atomic(p.data, b->data, b->len, false, &d) != LS_OK) {
		ls_cli_diag("run", &d);
		rc = -1;
	}
	ls_buf_fini(&p);
	return rc;
}

/* The closing summary: steps, incident, rules, where the report is. */
static void summary(const ls_score *s, const char *out)
{
	char b[48];
	for (size_t c = 0; c < s->ncampaigns; c++) {
		const ls_score_campaign *cp = &s->campaigns[c];
		printf("\n%s: the campaign's steps\n", cp->id);
		for (size_t j = cp->first_step; j < cp->first_step + cp->nsteps; j++) {
			const ls_score_step *st = &s->steps[j];
			if (!st->det.detected) {
				printf("  %-15s missed\n", st->name);
				continue;
			}
			if (st->det.ttd_defined)
				ls_score_format_duration(st->det.ttd, b, sizeof b);
			else
				snprintf(b, sizeof b, "-");
			printf("  %-15s caught after %-8s by", st->name, b);
			const char *sep = " ";
			for (size_t k = 0; k < s->nrules; k++) {
				size_t i = s->order[k];
				if (!ls_score_rule_step(s, i, j))
					continue;
				printf("%s%s", sep, s->rules[i].title ? s->rules[i].title : "?");
				sep = "; ";
			}
			printf("\n");
		}
		if (cp->det.detected && cp->det.ttd_defined) {
			ls_score_format_duration(cp->det.ttd, b, sizeof b);
			printf("  incident: detected %s after its first detectable action%s\n", b,
			       cp->det.before_end == 1   ? ", before the exfiltration ended"
			       : cp->det.before_end == 0 ? ", after the exfiltration ended"
			                                 : "");
		} else {
			printf("  incident: %s\n", cp->det.detected ? "detected" : "not detected");
		}
	}
	if (s->ncampaigns == 0)
		printf("\nno campaign in this scenario: every alert is a false alert\n");
	printf("\nrules that alerted: precision (true alerts / alerts)\n");
	size_t shown = 0;
	for (size_t k = 0; k < s->nrules; k++) {
		const ls_score_rule *r = &s->rules[s->order[k]];
		if (r->alerts == 0)
			continue;
		printf("  %6.1f%%  %5" PRIu64 "/%-5" PRIu64 "  %s\n",
		       100.0 * (double)r->tp / (double)r->alerts, r->tp, r->alerts,
		       r->title ? r->title : "?");
		shown++;
	}
	if (shown == 0)
		printf("  none\n");
	printf("\nreport: %s/report.html\n", out);
}

int ls_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "rules", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *scenario = "default", *out = NULL;
	const char **rules = NULL;
	size_t nrules = 0, rcap = 0;
	bool quiet = false, force = false, have_seed = false;
	uint64_t seed = 0;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "s:S:r:o:qfh", opts)) != -1) {
		switch (c) {
		case 's': scenario = optarg; break;
		case 'S':
			if (ls_sv_to_u64(ls_sv_from_cstr(optarg), &seed) != LS_OK) {
				ls_cli_error("run", "--seed: expected a whole number, got '%s'", optarg);
				free(rules);
				return LS_EXIT_USAGE;
			}
			have_seed = true;
			break;
		case 'r':
			rules = ls_xgrow(rules, &rcap, nrules + 1, sizeof *rules);
			rules[nrules++] = optarg;
			break;
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		case 'f': force = true; break;
		case 'h':
			ls_cli_print_usage(ls_cli_find("run"));
			free(rules);
			return LS_EXIT_OK;
		default: free(rules); return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error("run", "unexpected argument '%s'", argv[optind]);
		free(rules);
		return LS_EXIT_USAGE;
	}
	static const char *const default_rules[] = { "rules" };
	const char *const *rule_paths = nrules ? rules : default_rules;
	size_t nrule_paths = nrules ? nrules : 1;

	int status = LS_EXIT_OK;
	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	ls_score s;
	ls_score_init(&s);
	ls_buf outdir = LS_BUF_INIT, path = LS_BUF_INIT, text = LS_BUF_INIT;
	ls_adir ad;
	bool have_dir = false;
	ls_cli_sealer sealer;
	memset(&sealer, 0, sizeof sealer);
	ls_diag d;
	ls_diag_clear(&d);
	if (sim_scenario_resolve(&sc, scenario, &d) != LS_OK) {
		ls_cli_diag("run", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (have_seed)
		sc.seed = seed;
	if (out)
		ls_buf_append_cstr(&outdir, out);
	else
		ls_buf_printf(&outdir, "leaksim-out/%s-seed%" PRIu64, sc.name, (uint64_t)sc.seed);
	for (size_t i = 0; i < nrule_paths; i++) {
		struct stat st;
		if (stat(rule_paths[i], &st) != 0) {
			ls_cli_error("run", "--rules %s: %s", rule_paths[i], strerror(errno));
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	if (make_parents(outdir.data) != 0 || ls_adir_begin(&ad, outdir.data, force, &d) != LS_OK) {
		if (d.message[0])
			ls_cli_diag("run", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	have_dir = true;
	stage st = { .on = !quiet && isatty(STDERR_FILENO) };
	if (!quiet)
		printf("leaksim run: scenario %s, seed %" PRIu64 ", %u people, %u days -> %s\n",
		       sc.name, (uint64_t)sc.seed, sc.people, sc.days, outdir.data);
	fflush(stdout);

	/* generate */
	stage_begin(&st, "generate");
	sim_gen_stats gs;
	sim_gen_opts gopts;
	memset(&gopts, 0, sizeof gopts);
	if (ls_cli_sealer_setup(&sealer, sc.seed, NULL, &gopts, "run") != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (sim_generate(&sc, ad.tmp, &gopts, &gs, gen_progress, &st, &d) != LS_OK) {
		ls_cli_diag("run", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (st.on)
		fprintf(stderr, "\r%60s\rgenerate  ...", "");
	stage_end(&st, "%" PRIu64 " records", gs.total_records);

	/* detect */
	stage_begin(&st, "detect");
	ls_buf_printf(&path, "%s/alerts.jsonl", ad.tmp);
	const char *inputs[] = { ad.tmp };
	ls_cli_detect_opts o;
	memset(&o, 0, sizeof o);
	o.rules = rule_paths;
	o.nrules = nrule_paths;
	o.inputs = inputs;
	o.ninputs = 1;
	o.out = path.data;
	o.prefilter = true;
	o.quiet = true;
	status = ls_cli_detect(&o);
	if (status != LS_EXIT_OK)
		goto done;
	stage_end(&st, "%zu rules, %" PRIu64 " alerts", o.rules_loaded, o.alerts);
	if (o.rules_rejected)
		ls_cli_error("run", "%zu rules were rejected (run `leaksim detect` to see why)",
		             o.rules_rejected);

	/* score */
	stage_begin(&st, "score");
	if (ls_score_load_dataset(&s, ad.tmp, &d) != LS_OK ||
	    ls_score_load_alerts(&s, path.data, &d) != LS_OK ||
	    ls_score_resolve(&s, ad.tmp, &d) != LS_OK) {
		ls_cli_diag("run", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	ls_score_compute(&s);
	ls_score_write_json(&s, NULL, &text);
	if (write_file(ad.tmp, "score.json", &text) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	stage_end(&st, "%" PRIu64 " true, %" PRIu64 " false alerts", s.lv.true_alerts,
	          s.lv.false_alerts);

	/* report */
	stage_begin(&st, "report");
	ls_buf_reset(&text);
	ls_report rep;
	ls_report_init(&rep);
	ls_err re = ls_report_write(&rep, &s, ad.tmp, path.data, &text, &d);
	ls_report_fini(&rep);
	if (re != LS_OK) {
		ls_cli_diag("run", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (write_file(ad.tmp, "report.html", &text) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	stage_end(&st, "%zu bytes", text.len);

	if (ls_adir_commit(&ad, &d) != LS_OK) {
		ls_cli_diag("run", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	have_dir = false;
	if (!quiet)
		summary(&s, outdir.data);
done:
	if (have_dir)
		ls_adir_abort(&ad);
	ls_cli_sealer_fini(&sealer);
	ls_score_fini(&s);
	sim_scenario_fini(&sc);
	ls_buf_fini(&outdir);
	ls_buf_fini(&path);
	ls_buf_fini(&text);
	free(rules);
	return status;
}
