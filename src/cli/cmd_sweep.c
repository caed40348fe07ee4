/*
 * cmd_sweep.c - `leaksim sweep`: where each rule breaks.
 *
 * For every variant (a scenario with some knobs set) and every seed, sweep
 * generates a dataset in a temporary folder, runs the rules over it, scores
 * the alerts against its answer key, keeps the figures and removes the
 * folder. It prints, per rule and variant, the seeds in which the rule
 * caught the campaign, its recall, precision and time to detect, then each
 * rule's verdict ("catches ...; misses ..."); --out DIR also gets every run
 * as sweep.csv and sweep.json.
 *
 * Variants: each --vary KNOB=V1,V2,... multiplies them (every combination),
 * applied on --scenario (default: the built-in default). Without --vary and
 * --scenario, the default sweep: the campaign presets (easy, medium, hard,
 * register-leak) and a ladder of exfiltration rate limits on the default
 * scenario, from one burst down to 20 MB per hour. A KNOB is a scenario key
 * path (docs/scenarios.md), `days` or `campaign.exfiltration.days`; a path
 * that starts with a campaign section (access, collection, staging,
 * transfer, exfiltration, publication, anti_forensics) may leave out
 * `campaign.`. Seeds are the scenario's seed and the next N - 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/str.h"
#include "score/score.h"
#include "sigma/rule.h"
#include "sim/gen.h"

/* Most variants (the product of every --vary) and seeds one sweep runs. */
#define SWEEP_VARIANTS_MAX 256u
#define SWEEP_SEEDS_MAX 100u

typedef struct knob {
	char *path;   /* full dotted path */
	char **vals;  /* as written */
	size_t nvals;
} knob;

typedef struct variant {
	char *scenario; /* built-in name or file */
	char *name;     /* for the tables: scenario and overrides */
	char **keys, **vals; /* overrides, in order */
	size_t n;
} variant;

/* One rule's figures in one run. */
typedef struct rule_fig {
	char *rule_id, *title;
	uint64_t alerts, tp, fp, recalled, malicious;
	bool ttd_defined;
	int64_t ttd;
} rule_fig;

typedef struct run_fig {
	size_t variant;
	uint64_t seed;
	uint64_t malicious; /* records of the campaign's steps */
	bool incident, incident_ttd_defined;
	int64_t incident_ttd;
	rule_fig *rules;
	size_t nrules;
} run_fig;

typedef struct sweep {
	variant *v;
	size_t nv, vcap;
	run_fig *runs;
	size_t nruns, runcap;
	char **rule_ids, **rule_titles; /* every rule seen, in first-seen order */
	size_t nrule, rulecap, titlecap;
} sweep;

static bool knob_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

/* A value goes into YAML as a plain scalar: no character YAML would read as syntax. */
static bool plain_value(const char *v)
{
	if (*v == '\0')
		return false;
	for (const char *p = v; *p; p++)
		if (strchr(":{}[],#&*!|>'\"%@` \t\n", *p))
			return false;
	return true;
}

static const char *const campaign_sections[] = { "access",       "collection",  "staging",
	                                         "transfer",     "exfiltration", "publication",
	                                         "anti_forensics" };

static int parse_knob(const char *arg, knob *k)
{
	const char *eq = strchr(arg, '=');
	if (eq == NULL || eq == arg || eq[1] == '\0') {
		ls_cli_error("sweep", "--vary: expected KNOB=V1,V2,..., got '%s'", arg);
		return -1;
	}
	for (const char *p = arg; p < eq; p++)
		if (!knob_char(*p)) {
			ls_cli_error("sweep", "--vary: '%.*s' is not a scenario key path", (int)(eq - arg),
			             arg);
			return -1;
		}
	ls_sv first = ls_sv_make(arg, (size_t)(strcspn(arg, ".=")));
	bool in_campaign = false;
	for (size_t i = 0; i < sizeof campaign_sections / sizeof campaign_sections[0]; i++)
		in_campaign |= ls_sv_eq_cstr(first, campaign_sections[i]);
	ls_buf path = LS_BUF_INIT;
	if (in_campaign)
		ls_buf_append_cstr(&path, "campaign.");
	ls_buf_append(&path, arg, (size_t)(eq - arg));
	k->path = ls_xstrdup(path.data);
	ls_buf_fini(&path);
	size_t cap = 0;
	for (const char *v = eq + 1;;) {
		size_t len = strcspn(v, ",");
		char *val = ls_xstrndup(v, len);
		if (!plain_value(val)) {
			ls_cli_error("sweep", "--vary %s: value '%s' is empty or holds a character "
			                      "that is not allowed",
			             k->path, val);
			free(val);
			return -1;
		}
		k->vals = ls_xgrow(k->vals, &cap, k->nvals + 1, sizeof *k->vals);
		k->vals[k->nvals++] = val;
		if (v[len] == '\0')
			break;
		v += len + 1;
	}
	return 0;
}

static void knob_fini(knob *k)
{
	free(k->path);
	for (size_t i = 0; i < k->nvals; i++)
		free(k->vals[i]);
	free(k->vals);
}

static void add_variant(sweep *S, const char *scenario, char **keys, char **vals, size_t n)
{
	S->v = ls_xgrow(S->v, &S->vcap, S->nv + 1, sizeof *S->v);
	variant *v = &S->v[S->nv++];
	memset(v, 0, sizeof *v);
	v->scenario = ls_xstrdup(scenario);
	ls_buf name = LS_BUF_INIT;
	ls_buf_append_cstr(&name, scenario);
	if (n) {
		v->keys = ls_xcalloc(n, sizeof *v->keys);
		v->vals = ls_xcalloc(n, sizeof *v->vals);
	}
	for (size_t i = 0; i < n; i++) {
		v->keys[i] = ls_xstrdup(keys[i]);
		v->vals[i] = ls_xstrdup(vals[i]);
		/* The last part of the path names the knob in tables. */
		const char *dot = strrchr(keys[i], '.');
		ls_buf_printf(&name, "%s%s=%s", i ? "," : " ", dot ? dot + 1 : keys[i], vals[i]);
	}
	v->n = n;
	v->name = ls_xstrdup(name.data);
	ls_buf_fini(&name);
}

/* The overlay YAML for one override: {a: {b: {c: value}}}. */
static void overlay(ls_buf *y, const char *path, const char *val)
{
	size_t depth = 0;
	ls_buf_reset(y);
	for (const char *p = path;;) {
		size_t len = strcspn(p, ".");
		ls_buf_printf(y, "{%.*s: ", (int)len, p);
		depth++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	ls_buf_append_cstr(y, val);
	for (size_t i = 0; i < depth; i++)
		ls_buf_append_char(y, '}');
	ls_buf_append_char(y, '\n');
}

/* Resolve a variant's scenario, with its overrides and seed applied. */
static int variant_scenario(const variant *v, uint64_t seed_offset, sim_scenario *sc)
{
	ls_diag d;
	ls_diag_clear(&d);
	if (sim_scenario_resolve(sc, v->scenario, &d) != LS_OK) {
		ls_cli_diag("sweep", &d);
		return -1;
	}
	ls_buf y = LS_BUF_INIT, file = LS_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < v->n && rc == 0; i++) {
		overlay(&y, v->keys[i], v->vals[i]);
		ls_buf_reset(&file);
		ls_buf_printf(&file, "--vary %s=%s", v->keys[i], v->vals[i]);
		if (sim_scenario_apply_mem(sc, y.data, y.len, file.data, &d) != LS_OK) {
			ls_cli_error("sweep", "%s: %s", file.data, d.message);
			rc = -1;
		}
	}
	sc->seed += seed_offset;
	ls_buf_fini(&y);
	ls_buf_fini(&file);
	return rc;
}

/* Rules are the same when their ids are, or, without ids, their titles. */
static bool same_rule(const char *id_a, const char *title_a, const char *id_b,
                      const char *title_b)
{
	if (id_a[0] || id_b[0])
		return strcmp(id_a, id_b) == 0;
	return strcmp(title_a, title_b) == 0;
}

static size_t rule_index(sweep *S, const char *id, const char *title)
{
	for (size_t i = 0; i < S->nrule; i++)
		if (same_rule(S->rule_ids[i], S->rule_titles[i], id ? id : "", title ? title : ""))
			return i;
	S->rule_ids = ls_xgrow(S->rule_ids, &S->rulecap, S->nrule + 1, sizeof *S->rule_ids);
	S->rule_titles =
	        ls_xgrow(S->rule_titles, &S->titlecap, S->nrule + 1, sizeof *S->rule_titles);
	S->rule_ids[S->nrule] = ls_xstrdup(id ? id : "");
	S->rule_titles[S->nrule] = ls_xstrdup(title ? title : "");
	return S->nrule++;
}

/*
 * The rules that can alert, in load order: every rule but filters and the
 * rules a correlation with generate: false consumes (by id or name).
 */
static int alerting_rules(sweep *S, const char *const *paths, size_t n)
{
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	ls_diag d;
	ls_diag_clear(&d);
	for (size_t i = 0; i < n; i++)
		if (ls_ruleset_load(&rs, paths[i], NULL, &d) != LS_OK) {
			ls_cli_diag("sweep", &d);
			ls_ruleset_fini(&rs);
			return -1;
		}
	for (size_t i = 0; i < rs.n; i++) {
		const ls_rule *r = &rs.rules[i];
		bool quiet = r->is_filter;
		for (size_t k = 0; k < rs.n && !quiet; k++) {
			const ls_correl *c = rs.rules[k].correl;
			for (size_t j = 0; c && !c->generate && j < c->nrules && !quiet; j++)
				quiet = (r->id && strcmp(c->rules[j], r->id) == 0) ||
				        (r->name && strcmp(c->rules[j], r->name) == 0);
		}
		if (!quiet)
			(void)rule_index(S, r->id, r->title);
	}
	ls_ruleset_fini(&rs);
	return 0;
}

/* A fresh temporary folder for one run's dataset. */
static char *temp_dir(void)
{
	const char *base = getenv("TMPDIR");
	struct stat st;
	if (base == NULL || stat(base, &st) != 0 || !S_ISDIR(st.st_mode))
		base = "/tmp";
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/leaksim-sweep-XXXXXX", base);
	char *dir = ls_xstrdup(p.data);
	ls_buf_fini(&p);
	if (mkdtemp(dir) == NULL) {
		ls_cli_error("sweep", "cannot create a temporary folder in %s: %s", base,
		             strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* generate -> detect -> score for one variant and seed. */
static int run_one(sweep *S, size_t vi, uint64_t seed_offset, const char *const *rules,
                   size_t nrules)
{
	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	int rc = variant_scenario(&S->v[vi], seed_offset, &sc);
	char *tmp = rc == 0 ? temp_dir() : NULL;
	if (tmp == NULL) {
		sim_scenario_fini(&sc);
		return -1;
	}
	ls_buf ds = LS_BUF_INIT, alerts = LS_BUF_INIT;
	ls_buf_printf(&ds, "%s/ds", tmp);
	ls_buf_printf(&alerts, "%s/alerts.jsonl", tmp);
	ls_diag d;
	ls_diag_clear(&d);
	ls_score s;
	ls_score_init(&s);
	uint64_t seed = sc.seed;
	sim_gen_stats gs;
	if (mkdir(ds.data, 0777) != 0 ||
	    sim_generate(&sc, ds.data, NULL, &gs, NULL, NULL, &d) != LS_OK) {
		if (d.message[0])
			ls_cli_error("sweep", "%s, seed %" PRIu64 ": %s", S->v[vi].name, seed,
			             d.message);
		else
			ls_cli_error("sweep", "cannot create %s: %s", ds.data, strerror(errno));
		rc = -1;
		goto done;
	}
	const char *inputs[] = { ds.data };
	ls_cli_detect_opts o;
	memset(&o, 0, sizeof o);
	o.rules = rules;
	o.nrules = nrules;
	o.inputs = inputs;
	o.ninputs = 1;
	o.out = alerts.data;
	o.prefilter = true;
	o.quiet = true;
	if (ls_cli_detect(&o) != LS_EXIT_OK) {
		rc = -1;
		goto done;
	}
	if (ls_score_load_dataset(&s, ds.data, &d) != LS_OK ||
	    ls_score_load_alerts(&s, alerts.data, &d) != LS_OK ||
	    ls_score_resolve(&s, ds.data, &d) != LS_OK) {
		ls_cli_diag("sweep", &d);
		rc = -1;
		goto done;
	}
	for (size_t i = 0; i < S->nrule; i++)
		if (S->rule_ids[i][0])
			ls_score_add_rule(&s, S->rule_ids[i]);
	ls_score_compute(&s);
	S->runs = ls_xgrow(S->runs, &S->runcap, S->nruns + 1, sizeof *S->runs);
	run_fig *r = &S->runs[S->nruns++];
	memset(r, 0, sizeof *r);
	r->variant = vi;
	r->seed = seed;
	r->malicious = s.lv.malicious;
	r->incident = s.lv.incident.detected;
	r->incident_ttd_defined = s.lv.incident.ttd_defined;
	r->incident_ttd = s.lv.incident.ttd;
	r->rules = ls_xcalloc(s.nrules ? s.nrules : 1, sizeof *r->rules);
	for (size_t k = 0; k < s.nrules; k++) {
		const ls_score_rule *sr = &s.rules[s.order[k]];
		rule_fig *f = &r->rules[r->nrules++];
		size_t ri = rule_index(S, sr->rule_id, sr->title);
		f->rule_id = ls_xstrdup(S->rule_ids[ri]);
		f->title = ls_xstrdup(S->rule_titles[ri]);
		f->alerts = sr->alerts;
		f->tp = sr->tp;
		f->fp = sr->fp;
		f->recalled = sr->records_recalled;
		f->malicious = s.lv.malicious;
		f->ttd_defined = sr->ttd_defined;
		f->ttd = sr->ttd;
	}
done:
	ls_score_fini(&s);
	sim_scenario_fini(&sc);
	if (ls_rmtree(tmp) != LS_OK)
		ls_cli_error("sweep", "could not remove %s", tmp);
	free(tmp);
	ls_buf_fini(&ds);
	ls_buf_fini(&alerts);
	return rc;
}

static const rule_fig *find_fig(const run_fig *r, const char *id, const char *title)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (same_rule(r->rules[i].rule_id, r->rules[i].title, id, title))
			return &r->rules[i];
	return NULL;
}

/* A rule's figures over every seed of one variant. */
typedef struct agg {
	size_t runs, caught; /* runs; runs with a true alert */
	uint64_t alerts, tp, fp, recalled, malicious;
	size_t nttd;
	int64_t ttd_sum;
} agg;

static agg aggregate(const sweep *S, size_t vi, size_t rule)
{
	agg a;
	memset(&a, 0, sizeof a);
	for (size_t i = 0; i < S->nruns; i++) {
		const run_fig *r = &S->runs[i];
		if (r->variant != vi)
			continue;
		a.runs++;
		a.malicious += r->malicious;
		const rule_fig *f = find_fig(r, S->rule_ids[rule], S->rule_titles[rule]);
		if (f == NULL)
			continue;
		a.caught += f->tp > 0;
		a.alerts += f->alerts;
		a.tp += f->tp;
		a.fp += f->fp;
		a.recalled += f->recalled;
		if (f->ttd_defined) {
			a.nttd++;
			a.ttd_sum += f->ttd;
		}
	}
	return a;
}

static void print_table(const sweep *S)
{
	char b[48];
	size_t vw = 7;
	for (size_t v = 0; v < S->nv; v++)
		vw = strlen(S->v[v].name) > vw ? strlen(S->v[v].name) : vw;
	ls_buf silent = LS_BUF_INIT;
	for (size_t r = 0; r < S->nrule; r++) {
		uint64_t alerts = 0;
		for (size_t v = 0; v < S->nv; v++)
			alerts += aggregate(S, v, r).alerts;
		if (alerts == 0) {
			ls_buf_printf(&silent, "  %s\n", S->rule_titles[r]);
			continue;
		}
		printf("\n%s%s%s\n", S->rule_titles[r], S->rule_ids[r][0] ? "  " : "",
		       S->rule_ids[r]);
		printf("  %-*s  %6s  %7s  %9s  %7s  %s\n", (int)vw, "variant", "caught", "recall",
		       "precision", "alerts", "time to detect (mean)");
		for (size_t v = 0; v < S->nv; v++) {
			agg a = aggregate(S, v, r);
			char rec[16], prec[16];
			if (a.malicious)
				snprintf(rec, sizeof rec, "%5.1f%%",
				         100.0 * (double)a.recalled / (double)a.malicious);
			else
				snprintf(rec, sizeof rec, "-");
			if (a.alerts)
				snprintf(prec, sizeof prec, "%5.1f%%",
				         100.0 * (double)a.tp / (double)a.alerts);
			else
				snprintf(prec, sizeof prec, "-");
			if (a.nttd)
				ls_score_format_duration(a.ttd_sum / (int64_t)a.nttd, b, sizeof b);
			else
				snprintf(b, sizeof b, "-");
			printf("  %-*s  %2zu/%-3zu  %7s  %9s  %7" PRIu64 "  %s\n", (int)vw,
			       S->v[v].name, a.caught, a.runs, rec, prec, a.alerts, b);
		}
	}
	if (silent.len)
		printf("\nno alert in any run:\n%s", silent.data);
	ls_buf_fini(&silent);
	printf("\nwhere each rule breaks (caught in every seed / in some / in none)\n");
	for (size_t r = 0; r < S->nrule; r++) {
		ls_buf all = LS_BUF_INIT, some = LS_BUF_INIT, none = LS_BUF_INIT;
		for (size_t v = 0; v < S->nv; v++) {
			agg a = aggregate(S, v, r);
			ls_buf *into = a.caught == a.runs && a.runs ? &all : a.caught ? &some : &none;
			ls_buf_printf(into, "%s%s", into->len ? "; " : "", S->v[v].name);
		}
		printf("  %s\n", S->rule_titles[r]);
		if (all.len)
			printf("    catches: %s\n", all.data);
		if (some.len)
			printf("    sometimes: %s\n", some.data);
		if (none.len)
			printf("    misses: %s\n", none.data);
		ls_buf_fini(&all);
		ls_buf_fini(&some);
		ls_buf_fini(&none);
	}
	printf("\nthe campaign as an incident (any rule)\n");
	for (size_t v = 0; v < S->nv; v++) {
		size_t runs = 0, det = 0;
		for (size_t i = 0; i < S->nruns; i++)
			if (S->runs[i].variant == v) {
				runs++;
				det += S->runs[i].incident;
			}
		printf("  %-*s  detected in %zu of %zu\n", (int)vw, S->v[v].name, det, runs);
	}
}

/* Exact seconds from microseconds, as score --json writes them. */
static void seconds(ls_buf *b, int64_t us)
{
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	ls_buf_printf(b, "%s%" PRIu64 ".%06" PRIu64, us < 0 ? "-" : "", a / 1000000, a % 1000000);
}

static void csv_field(ls_buf *b, const char *s)
{
	ls_buf_append_char(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			ls_buf_append_char(b, '"');
		ls_buf_append_char(b, *s);
	}
	ls_buf_append_char(b, '"');
}

static void write_csv(const sweep *S, ls_buf *b)
{
	ls_buf_append_cstr(b, "variant,scenario,seed,rule_id,title,alerts,tp,fp,precision,"
	                      "records_recalled,malicious_records,recall,ttd_seconds\n");
	for (size_t i = 0; i < S->nruns; i++) {
		const run_fig *r = &S->runs[i];
		const variant *v = &S->v[r->variant];
		for (size_t k = 0; k < r->nrules; k++) {
			const rule_fig *f = &r->rules[k];
			csv_field(b, v->name);
			ls_buf_append_char(b, ',');
			csv_field(b, v->scenario);
			ls_buf_printf(b, ",%" PRIu64 ",", r->seed);
			csv_field(b, f->rule_id);
			ls_buf_append_char(b, ',');
			csv_field(b, f->title);
			ls_buf_printf(b, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", f->alerts, f->tp,
			              f->fp);
			if (f->alerts)
				ls_buf_printf(b, "%.6f", (double)f->tp / (double)f->alerts);
			ls_buf_printf(b, ",%" PRIu64 ",%" PRIu64 ",", f->recalled, f->malicious);
			if (f->malicious)
				ls_buf_printf(b, "%.6f", (double)f->recalled / (double)f->malicious);
			ls_buf_append_char(b, ',');
			if (f->ttd_defined)
				seconds(b, f->ttd);
			ls_buf_append_char(b, '\n');
		}
	}
}

static void write_json(const sweep *S, ls_buf *b)
{
	ls_jw w;
	ls_jw_init(&w, b);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "variants");
	ls_jw_array_begin(&w);
	for (size_t v = 0; v < S->nv; v++) {
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "name");
		ls_jw_str_cstr(&w, S->v[v].name);
		ls_jw_key_cstr(&w, "scenario");
		ls_jw_str_cstr(&w, S->v[v].scenario);
		ls_jw_key_cstr(&w, "overrides");
		ls_jw_object_begin(&w);
		for (size_t i = 0; i < S->v[v].n; i++) {
			ls_jw_key_cstr(&w, S->v[v].keys[i]);
			ls_jw_str_cstr(&w, S->v[v].vals[i]);
		}
		ls_jw_object_end(&w);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_key_cstr(&w, "runs");
	ls_jw_array_begin(&w);
	ls_buf t = LS_BUF_INIT;
	for (size_t i = 0; i < S->nruns; i++) {
		const run_fig *r = &S->runs[i];
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "variant");
		ls_jw_str_cstr(&w, S->v[r->variant].name);
		ls_jw_key_cstr(&w, "seed");
		ls_jw_u64(&w, r->seed);
		ls_jw_key_cstr(&w, "incident");
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "detected");
		ls_jw_bool(&w, r->incident);
		ls_jw_key_cstr(&w, "ttd_seconds");
		if (r->incident_ttd_defined) {
			ls_buf_reset(&t);
			seconds(&t, r->incident_ttd);
			ls_jw_raw(&w, ls_buf_sv(&t));
		} else {
			ls_jw_null(&w);
		}
		ls_jw_object_end(&w);
		ls_jw_key_cstr(&w, "rules");
		ls_jw_array_begin(&w);
		for (size_t k = 0; k < r->nrules; k++) {
			const rule_fig *f = &r->rules[k];
			ls_jw_object_begin(&w);
			ls_jw_key_cstr(&w, "rule_id");
			if (f->rule_id[0])
				ls_jw_str_cstr(&w, f->rule_id);
			else
				ls_jw_null(&w);
			ls_jw_key_cstr(&w, "title");
			ls_jw_str_cstr(&w, f->title);
			ls_jw_key_cstr(&w, "alerts");
			ls_jw_u64(&w, f->alerts);
			ls_jw_key_cstr(&w, "tp");
			ls_jw_u64(&w, f->tp);
			ls_jw_key_cstr(&w, "fp");
			ls_jw_u64(&w, f->fp);
			ls_jw_key_cstr(&w, "precision");
			if (f->alerts)
				ls_jw_f64(&w, (double)f->tp / (double)f->alerts, 6);
			else
				ls_jw_null(&w);
			ls_jw_key_cstr(&w, "recall");
			if (f->malicious)
				ls_jw_f64(&w, (double)f->recalled / (double)f->malicious, 6);
			else
				ls_jw_null(&w);
			ls_jw_key_cstr(&w, "ttd_seconds");
			if (f->ttd_defined) {
				ls_buf_reset(&t);
				seconds(&t, f->ttd);
				ls_jw_raw(&w, ls_buf_sv(&t));
			} else {
				ls_jw_null(&w);
			}
			ls_jw_object_end(&w);
		}
		ls_jw_array_end(&w);
		ls_jw_object_end(&w);
	}
	ls_buf_fini(&t);
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(b, '\n');
}

static int write_out(const char *dir, const char *name, const ls_buf *b, bool force)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/%s", dir, name);
	ls_diag d;
	ls_diag_clear(&d);
	int rc = 0;
	if (ls_write_file_atomic(p.data, b->data, b->len, force, &d) != LS_OK) {
		ls_cli_diag("sweep", &d);
		rc = -1;
	}
	ls_buf_fini(&p);
	return rc;
}

/* The default sweep: the presets, and rate limits on the default scenario. */
static void default_variants(sweep *S)
{
	static const char *const presets[] = { "easy", "medium", "hard", "register-leak" };
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		add_variant(S, presets[i], NULL, NULL, 0);
	static const char *const rates[] = { "0", "1000", "200", "50", "20" };
	char *key = (char *)"campaign.exfiltration.rate_mb_per_hour";
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		char *val = (char *)rates[i];
		add_variant(S, "default", &key, &val, 1);
	}
}

/* Every combination of the knobs' values on one scenario. */
static int product_variants(sweep *S, const char *scenario, const knob *k, size_t nk)
{
	size_t total = 1;
	for (size_t i = 0; i < nk; i++) {
		if (k[i].nvals > SWEEP_VARIANTS_MAX / total) {
			ls_cli_error("sweep", "more than %u variants", SWEEP_VARIANTS_MAX);
			return -1;
		}
		total *= k[i].nvals;
	}
	char **keys = ls_xcalloc(nk ? nk : 1, sizeof *keys);
	char **vals = ls_xcalloc(nk ? nk : 1, sizeof *vals);
	for (size_t n = 0; n < total; n++) {
		size_t rest = n;
		for (size_t i = nk; i-- > 0;) {
			keys[i] = k[i].path;
			vals[i] = k[i].vals[rest % k[i].nvals];
			rest /= k[i].nvals;
		}
		add_variant(S, scenario, keys, vals, nk);
	}
	free(keys);
	free(vals);
	return 0;
}

static void sweep_fini(sweep *S)
{
	for (size_t i = 0; i < S->nv; i++) {
		variant *v = &S->v[i];
		free(v->scenario);
		free(v->name);
		for (size_t k = 0; k < v->n; k++) {
			free(v->keys[k]);
			free(v->vals[k]);
		}
		free(v->keys);
		free(v->vals);
	}
	free(S->v);
	for (size_t i = 0; i < S->nruns; i++) {
		for (size_t k = 0; k < S->runs[i].nrules; k++) {
			free(S->runs[i].rules[k].rule_id);
			free(S->runs[i].rules[k].title);
		}
		free(S->runs[i].rules);
	}
	free(S->runs);
	for (size_t i = 0; i < S->nrule; i++) {
		free(S->rule_ids[i]);
		free(S->rule_titles[i]);
	}
	free(S->rule_ids);
	free(S->rule_titles);
}

int ls_cmd_sweep(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "scenario", required_argument, NULL, 's' },
		{ "seeds", required_argument, NULL, 'n' },
		{ "vary", required_argument, NULL, 'v' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char **rules = NULL, *scenario = NULL, *out = NULL;
	size_t nrules = 0, rcap = 0, nknobs = 0, kcap = 0;
	knob *knobs = NULL;
	uint64_t seeds = 1;
	bool force = false, quiet = false;
	int c, status = LS_EXIT_OK;
	sweep S;
	memset(&S, 0, sizeof S);
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "r:s:n:v:o:fqh", opts)) != -1) {
		switch (c) {
		case 'r':
			rules = ls_xgrow(rules, &rcap, nrules + 1, sizeof *rules);
			rules[nrules++] = optarg;
			break;
		case 's': scenario = optarg; break;
		case 'n':
			if (ls_sv_to_u64(ls_sv_from_cstr(optarg), &seeds) != LS_OK || seeds < 1 ||
			    seeds > SWEEP_SEEDS_MAX) {
				ls_cli_error("sweep", "--seeds: expected a whole number from 1 to %u, got '%s'",
				             SWEEP_SEEDS_MAX, optarg);
				status = LS_EXIT_USAGE;
			}
			break;
		case 'v':
			knobs = ls_xgrow(knobs, &kcap, nknobs + 1, sizeof *knobs);
			memset(&knobs[nknobs], 0, sizeof *knobs);
			if (parse_knob(optarg, &knobs[nknobs++]) != 0)
				status = LS_EXIT_USAGE;
			break;
		case 'o': out = optarg; break;
		case 'f': force = true; break;
		case 'q': quiet = true; break;
		case 'h': ls_cli_print_usage(ls_cli_find("sweep")); goto done;
		default: status = LS_EXIT_USAGE; break;
		}
	}
	if (status != LS_EXIT_OK)
		goto done;
	if (optind < argc) {
		ls_cli_error("sweep", "unexpected argument '%s'", argv[optind]);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (nrules == 0) {
		ls_cli_error("sweep", "--rules PATH is required");
		status = LS_EXIT_USAGE;
		goto done;
	}
	for (size_t i = 0; i < nrules; i++) {
		struct stat st;
		if (stat(rules[i], &st) != 0) {
			ls_cli_error("sweep", "--rules %s: %s", rules[i], strerror(errno));
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	if (out) {
		struct stat st;
		if (stat(out, &st) != 0 && mkdir(out, 0777) != 0) {
			ls_cli_error("sweep", "--out %s: %s", out, strerror(errno));
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	if (alerting_rules(&S, rules, nrules) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (nknobs == 0 && scenario == NULL)
		default_variants(&S);
	else if (product_variants(&S, scenario ? scenario : "default", knobs, nknobs) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	/* Every variant must load before the first run starts. */
	for (size_t v = 0; v < S.nv; v++) {
		sim_scenario sc;
		memset(&sc, 0, sizeof sc);
		int rc = variant_scenario(&S.v[v], 0, &sc);
		sim_scenario_fini(&sc);
		if (rc != 0) {
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	bool progress = !quiet && isatty(STDERR_FILENO);
	size_t total = S.nv * (size_t)seeds, done_runs = 0;
	for (size_t v = 0; v < S.nv; v++)
		for (uint64_t k = 0; k < seeds; k++) {
			if (progress) {
				fprintf(stderr, "\rsweep: run %zu of %zu (%s, seed +%" PRIu64 ")\033[K",
				        done_runs + 1, total, S.v[v].name, k);
				fflush(stderr);
			}
			if (run_one(&S, v, k, rules, nrules) != 0) {
				status = LS_EXIT_USAGE;
				goto done;
			}
			done_runs++;
		}
	if (progress)
		fprintf(stderr, "\rsweep: %zu runs done\033[K\n", done_runs);
	if (!quiet)
		print_table(&S);
	if (out) {
		ls_buf b = LS_BUF_INIT;
		write_csv(&S, &b);
		int rc = write_out(out, "sweep.csv", &b, force);
		ls_buf_reset(&b);
		write_json(&S, &b);
		if (rc == 0)
			rc = write_out(out, "sweep.json", &b, force);
		ls_buf_fini(&b);
		if (rc != 0)
			status = LS_EXIT_USAGE;
		else if (!quiet)
			printf("\nwritten: %s/sweep.csv, %s/sweep.json\n", out, out);
	}
done:
	sweep_fini(&S);
	for (size_t i = 0; i < nknobs; i++)
		knob_fini(&knobs[i]);
	free(knobs);
	free(rules);
	return status;
}
