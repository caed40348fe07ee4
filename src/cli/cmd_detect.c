/*
 * cmd_detect.c - `leaksim detect`: run Sigma rules over datasets and logs.
 *
 * Rules come from --rules (files or folders, read recursively). Inputs are
 * dataset directories (every logs/ file, routed by the built-in mapping of
 * sigma/engine.h) or plain log files (format detected; --logsource gives
 * them a logsource, else every rule applies). All inputs are read as one
 * merge in event time, so alerts come out in time order. Each match is one
 * alert, a JSON line on stdout or in --out (written atomically):
 *   {"rule_id","title","level","tags","time","group":{},"records":[{"source","rid"}]}
 * A record without a rid is referenced as "FILE:LINE". The summary goes to
 * stderr: rules loaded and rejected (each rejection as file:line:col:
 * reason), events read, alerts, events/s.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "core/json.h"
#include "core/mem.h"
#include "io/leases.h"
#include "io/logreader.h"
#include "sigma/engine.h"
#include "sigma/pipeline.h"
#include "sigma/prefilter.h"
#include "sigma/rule.h"

typedef struct input {
	ls_logreader r;
	const char *source; /* the dataset source, or NULL for a plain file */
	char *name;         /* what alerts call the file */
	bool live;
	const ls_leases *leases; /* the dataset's DHCP leases, for enrichment */
	ls_prefilter *pf;        /* over every rule that may see this input */
} input;

typedef struct detect {
	ls_ruleset rs;
	ls_detector dt;
	input *in;
	size_t nin, incap;
	ls_route plain[1]; /* the --logsource of plain files */
	bool have_plain;
	char *plain_text;
	uint64_t events, alerts, bad;
	uint64_t *per_rule;
	ls_buf out;
	FILE *fp;
	ls_leases *leases[64]; /* one table per dataset */
	size_t nleases;
	uint64_t enriched;
	/* correlations */
	ls_correl_engine *ce;
	ls_correl *corr;     /* shallow copies of the ruleset's correlations */
	uint32_t *corr_rule; /* ruleset index of each */
	size_t ncorr;
	int32_t *base_of; /* ruleset index -> base index (-1: a correlation) */
	uint64_t corr_alerts;
} detect;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int add_input(detect *D, const char *path, const char *source, const char *name,
                     const char *time_field)
{
	D->in = ls_xgrow(D->in, &D->incap, D->nin + 1, sizeof *D->in);
	input *in = &D->in[D->nin];
	memset(in, 0, sizeof *in);
	ls_diag d;
	ls_diag_clear(&d);
	if (ls_logreader_open(&in->r, path, time_field, &d) != LS_OK) {
		ls_cli_diag("detect", &d);
		return -1;
	}
	in->source = source;
	in->name = ls_xstrdup(name);
	in->live = true;
	D->nin++;
	return 0;
}

/* A dataset directory: every logs/ file it has. */
static int add_dataset(detect *D, const char *dir, const char *time_field)
{
	ls_buf p = LS_BUF_INIT;
	int found = 0, rc = 0;
	size_t first = D->nin;
	const ls_leases *leases = NULL;
	ls_buf_printf(&p, "%s/logs/dhcp.jsonl", dir);
	struct stat lst;
	if (stat(p.data, &lst) == 0 && D->nleases < sizeof D->leases / sizeof D->leases[0]) {
		ls_leases *t = ls_xcalloc(1, sizeof *t);
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_leases_load(t, p.data, NULL, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			ls_leases_fini(t);
			free(t);
			ls_buf_fini(&p);
			return -1;
		}
		D->leases[D->nleases++] = t;
		leases = t;
	}
	for (size_t i = 0; i < ls_dataset_nfiles && rc == 0; i++) {
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/logs/%s", dir, ls_dataset_files[i].file);
		struct stat st;
		if (stat(p.data, &st) != 0)
			continue;
		found++;
		rc = add_input(D, p.data, ls_dataset_files[i].source, ls_dataset_files[i].source,
		               time_field);
	}
	ls_buf_fini(&p);
	for (size_t i = first; i < D->nin; i++)
		D->in[i].leases = leases;
	if (rc == 0 && found == 0) {
		ls_cli_error("detect", "%s: not a dataset (no logs/ files) and not a log file",
		             dir);
		return -1;
	}
	return rc;
}

/*
 * Enrichment: a network event gets the `user` and `host` of the DHCP lease
 * that held its source address at its time, unless it has them already.
 */
static void enrich(detect *D, input *in)
{
	ls_event *sev = &in->r.ev;
	if (strcmp(in->source, "sysmon") == 0) {
		/* Sysmon names DOMAIN\account and the host's FQDN: add the plain names. */
		const ls_field *u = ls_event_get(sev, LS_SV_LIT("User"));
		const ls_field *c = ls_event_get(sev, LS_SV_LIT("Computer"));
		if (u && ls_event_get(sev, LS_SV_LIT("user")) == NULL) {
			size_t bs = ls_sv_find_char(u->value, '\\');
			ls_sv v = bs == SIZE_MAX ? u->value
			                         : ls_sv_make(u->value.ptr + bs + 1,
			                                      u->value.len - bs - 1);
			ls_event_add(sev, LS_SV_LIT("user"), v, LS_VALUE_STRING, 0);
		}
		if (c && ls_event_get(sev, LS_SV_LIT("host")) == NULL) {
			size_t dot = ls_sv_find_char(c->value, '.');
			ls_event_add(sev, LS_SV_LIT("host"),
			             dot == SIZE_MAX ? c->value : ls_sv_make(c->value.ptr, dot),
			             LS_VALUE_STRING, 0);
		}
		return;
	}
	if (in->leases == NULL || in->r.time == LS_TIME_NONE)
		return;
	const char *ipf;
	if (strcmp(in->source, "conn") == 0 || strcmp(in->source, "dns") == 0 ||
	    strcmp(in->source, "ssl") == 0)
		ipf = "id.orig_h";
	else if (strcmp(in->source, "proxy") == 0)
		ipf = "c-ip";
	else
		return;
	ls_event *ev = &in->r.ev;
	const ls_field *ip = ls_event_get(ev, ls_sv_from_cstr(ipf));
	if (ip == NULL || ls_event_get(ev, LS_SV_LIT("user")) != NULL)
		return;
	const ls_lease *l = ls_leases_find(in->leases, ip->value, in->r.time);
	if (l == NULL)
		return;
	if (l->user)
		ls_event_add(ev, LS_SV_LIT("user"), ls_sv_from_cstr(l->user), LS_VALUE_STRING, 0);
	if (l->host)
		ls_event_add(ev, LS_SV_LIT("host"), ls_sv_from_cstr(l->host), LS_VALUE_STRING, 0);
	D->enriched++;
}

static bool prefilter_line(void *ctx, ls_sv line)
{
	return ls_prefilter_scan(ctx, line);
}

/* A prefilter per input over the union of the rules any of its events may meet. */
static void setup_prefilters(detect *D)
{
	for (size_t i = 0; i < D->nin; i++) {
		input *in = &D->in[i];
		in->pf = ls_detector_prefilter(&D->dt, in->source, D->have_plain ? D->plain : NULL);
		if (in->pf) {
			in->r.filter = prefilter_line;
			in->r.filter_ctx = in->pf;
		}
	}
}

/* --logsource category=proxy,product=zeek */
static int parse_logsource(detect *D, const char *arg)
{
	free(D->plain_text);
	D->plain_text = ls_xstrdup(arg);
	memset(D->plain, 0, sizeof D->plain);
	for (char *tok = D->plain_text; tok && *tok;) {
		char *comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		char *eq = strchr(tok, '=');
		if (eq == NULL || eq[1] == '\0') {
			ls_cli_error("detect", "--logsource: expected KEY=VALUE, got '%s'", tok);
			return -1;
		}
		*eq = '\0';
		if (strcmp(tok, "category") == 0)
			D->plain[0].category = eq + 1;
		else if (strcmp(tok, "product") == 0)
			D->plain[0].product = eq + 1;
		else if (strcmp(tok, "service") == 0)
			D->plain[0].service = eq + 1;
		else {
			ls_cli_error("detect",
			             "--logsource: unknown key '%s' (category, product, service)",
			             tok);
			return -1;
		}
		tok = comma ? comma + 1 : NULL;
	}
	D->have_plain = true;
	return 0;
}

/* What every alert starts with: the rule's id, title, level and tags. */
static void alert_head(ls_jw *w, const ls_rule *r)
{
	LS_JW_KEY(w, "rule_id");
	if (r->id)
		ls_jw_str_cstr(w, r->id);
	else
		ls_jw_null(w);
	LS_JW_KEY(w, "title");
	ls_jw_str_cstr(w, r->title);
	LS_JW_KEY(w, "level");
	if (r->level)
		ls_jw_str_cstr(w, ls_level_name(r->level));
	else
		ls_jw_null(w);
	LS_JW_KEY(w, "tags");
	ls_jw_array_begin(w);
	for (size_t i = 0; i < r->ntags; i++)
		ls_jw_str_cstr(w, r->tags[i]);
	ls_jw_array_end(w);
}

/* One alert line for rule r on the current event of input in. */
static void emit_alert(detect *D, const ls_rule *r, const input *in)
{
	ls_jw w;
	ls_jw_init(&w, &D->out);
	ls_jw_object_begin(&w);
	alert_head(&w, r);
	LS_JW_KEY(&w, "time");
	if (in->r.time != LS_TIME_NONE)
		ls_jw_time(&w, in->r.time, 6);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "group");
	ls_jw_object_begin(&w);
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "records");
	ls_jw_array_begin(&w);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "source");
	ls_jw_str_cstr(&w, in->name);
	LS_JW_KEY(&w, "rid");
	const ls_field *rid = ls_event_get(&in->r.ev, LS_SV_LIT("rid"));
	if (rid && rid->type == LS_VALUE_STRING) {
		ls_jw_str(&w, rid->value);
	} else {
		char ref[600];
		int n = snprintf(ref, sizeof ref, "%s:%lu", in->name, in->r.line);
		ls_jw_str(&w, ls_sv_make(ref, n > 0 && (size_t)n < sizeof ref ? (size_t)n : 0));
	}
	ls_jw_object_end(&w);
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(&D->out, '\n');
	D->alerts++;
}

/* A correlation alert: its group and every contributing record. */
static void on_correl(void *ctx, const ls_correl_alert *a)
{
	detect *D = ctx;
	/* A correlation that feeds another with generate: false stays quiet. */
	if (!ls_correl_alerts(D->ce, a->correl))
		return;
	const ls_rule *r = &D->rs.rules[D->corr_rule[a->correl]];
	D->per_rule[D->corr_rule[a->correl]]++; /* --stats counts its alerts */
	ls_jw w;
	ls_jw_init(&w, &D->out);
	ls_jw_object_begin(&w);
	alert_head(&w, r);
	LS_JW_KEY(&w, "time");
	ls_jw_time(&w, a->time, 6);
	LS_JW_KEY(&w, "group");
	ls_jw_object_begin(&w);
	for (size_t i = 0; i < a->ngroup; i++) {
		ls_jw_key(&w, a->group_names[i]);
		ls_jw_str(&w, a->group_values[i]);
	}
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "correlation");
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "type");
	ls_jw_str_cstr(&w, ls_correl_type_name(r->correl->type));
	LS_JW_KEY(&w, "value");
	ls_jw_f64(&w, a->value, 3);
	LS_JW_KEY(&w, "records_total");
	ls_jw_u64(&w, a->nrecords_total);
	ls_jw_object_end(&w);
	LS_JW_KEY(&w, "records");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < a->nrecords; i++) {
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "source");
		ls_jw_str_cstr(&w, a->records[i].source);
		LS_JW_KEY(&w, "rid");
		ls_jw_str_cstr(&w, a->records[i].rid);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(&D->out, '\n');
	D->alerts++;
	D->corr_alerts++;
}

/* Build the correlation engine over the loaded rules; -1 on a bad reference. */
static int setup_correlations(detect *D)
{
	size_t n = D->rs.n;
	D->base_of = ls_xcalloc(n ? n : 1, sizeof *D->base_of);
	const char **ids = ls_xcalloc(n ? n : 1, sizeof *ids);
	const char **names = ls_xcalloc(n ? n : 1, sizeof *names);
	D->corr = ls_xcalloc(n ? n : 1, sizeof *D->corr);
	D->corr_rule = ls_xcalloc(n ? n : 1, sizeof *D->corr_rule);
	size_t nbase = 0;
	for (size_t i = 0; i < n; i++) {
		const ls_rule *r = &D->rs.rules[i];
		if (r->correl) {
			D->base_of[i] = -1;
			D->corr[D->ncorr] = *r->correl;
			D->corr_rule[D->ncorr++] = (uint32_t)i;
		} else {
			D->base_of[i] = (int32_t)nbase;
			ids[nbase] = r->id;
			names[nbase++] = r->name;
		}
	}
	int rc = 0;
	if (D->ncorr) {
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_correl_engine_new(&D->ce, D->corr, D->ncorr, ids, names, nbase, &d) !=
		    LS_OK) {
			ls_cli_error("detect", "correlations: %s", d.message);
			rc = -1;
		}
	}
	free(ids);
	free(names);
	return rc;
}

static int flush_out(detect *D, bool final)
{
	if (D->out.len < (1u << 20) && !final)
		return 0;
	if (D->out.len && fwrite(D->out.data, 1, D->out.len, D->fp) != D->out.len) {
		ls_cli_error("detect", "cannot write the alerts");
		return -1;
	}
	ls_buf_reset(&D->out);
	return 0;
}

/* The input whose current event comes first (untimed events first, then file order). */
static input *earliest(detect *D)
{
	input *best = NULL;
	for (size_t i = 0; i < D->nin; i++) {
		input *in = &D->in[i];
		if (in->live && (best == NULL || in->r.time < best->r.time))
			best = in;
	}
	return best;
}

/* Advance an input to its next event, reporting lines that do not parse. */
static int advance(detect *D, input *in)
{
	for (;;) {
		ls_diag d;
		ls_diag_clear(&d);
		ls_err e = ls_logreader_next(&in->r, &d);
		if (e == LS_OK)
			return 0;
		if (e == LS_ERR_NOTFOUND) {
			in->live = false;
			return 0;
		}
		if (e == LS_ERR_IO) {
			ls_cli_diag("detect", &d);
			return -1;
		}
		D->bad++;
		if (D->bad <= 20)
			ls_cli_diag("detect", &d);
	}
}

int ls_cmd_detect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "logsource", required_argument, NULL, 'l' },
		{ "pipeline", required_argument, NULL, 'p' },
		{ "placeholders", required_argument, NULL, 'P' },
		{ "time-field", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 's' },
		{ "stats", no_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-prefilter", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	ls_cli_detect_opts o;
	memset(&o, 0, sizeof o);
	o.prefilter = true;
	const char **rules = NULL;
	size_t rcap = 0;
	int status = LS_EXIT_OK, c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "r:l:p:P:t:o:sSfNh", opts)) != -1) {
		switch (c) {
		case 'r':
			rules = ls_xgrow(rules, &rcap, o.nrules + 1, sizeof *rules);
			rules[o.nrules++] = optarg;
			break;
		case 'l': o.logsource = optarg; break;
		case 'p': o.pipeline = optarg; break;
		case 'P': o.placeholders = optarg; break;
		case 't': o.time_field = optarg; break;
		case 'o': o.out = optarg; break;
		case 's': o.strict = true; break;
		case 'S': o.stats = true; break;
		case 'f': o.force = true; break;
		case 'N': o.prefilter = false; break;
		case 'h':
			ls_cli_print_usage(ls_cli_find("detect"));
			free(rules);
			return LS_EXIT_OK;
		default: status = LS_EXIT_USAGE; break;
		}
	}
	if (status == LS_EXIT_OK) {
		o.rules = rules;
		o.inputs = (const char *const *)argv + optind;
		o.ninputs = optind < argc ? (size_t)(argc - optind) : 0;
		status = ls_cli_detect(&o);
	}
	free(rules);
	return status;
}

int ls_cli_detect(ls_cli_detect_opts *o)
{
	detect D;
	memset(&D, 0, sizeof D);
	ls_ruleset_init(&D.rs);
	ls_pipeline *pl = NULL;
	ls_placeholders *ph = NULL;
	int status = LS_EXIT_OK;
	if (o->logsource && parse_logsource(&D, o->logsource) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (o->nrules == 0) {
		ls_cli_error("detect", "--rules PATH is required");
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (o->ninputs == 0) {
		ls_cli_error("detect", "no input: give a dataset directory or log files");
		status = LS_EXIT_USAGE;
		goto done;
	}
	const char *pipeline = o->pipeline, *placeholders = o->placeholders;
	const char *time_field = o->time_field, *out = o->out;
	bool stats = o->stats && !o->quiet, force = o->force;
	ls_sig_env env = { NULL, NULL };
	{
		ls_diag d;
		ls_diag_clear(&d);
		if (pipeline && ls_pipeline_load(&pl, pipeline, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
		if (placeholders && ls_placeholders_load(&ph, placeholders, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	D.rs.pipeline = pl;
	if (ph) {
		env.placeholder = ls_placeholders_lookup;
		env.ctx = ph;
	}

	/* Rules. */
	double t0 = now_s();
	for (size_t i = 0; i < o->nrules; i++) {
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_ruleset_load(&D.rs, o->rules[i], &env, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	ls_ruleset_link(&D.rs);
	for (size_t i = 0; i < D.rs.nrejects && !o->quiet; i++) {
		const ls_rule_reject *j = &D.rs.rejects[i];
		fprintf(stderr, "leaksim detect: rejected %s:%lu:%lu: %s\n", j->file, j->line,
		        j->col, j->message);
	}
	if (!o->quiet)
		fprintf(stderr, "leaksim detect: %zu rules loaded, %zu rejected, from %zu files\n",
		        D.rs.n, D.rs.nrejects, D.rs.files);
	o->rules_loaded = D.rs.n;
	o->rules_rejected = D.rs.nrejects;
	if (o->strict && D.rs.nrejects) {
		ls_cli_error("detect", "--strict: %zu rules were rejected", D.rs.nrejects);
		status = LS_EXIT_USAGE;
		goto done;
	}
	ls_detector_init(&D.dt, &D.rs);
	D.per_rule = ls_xcalloc(D.rs.n ? D.rs.n : 1, sizeof *D.per_rule);
	if (setup_correlations(&D) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}

	/* Inputs. */
	for (size_t i = 0; i < o->ninputs; i++) {
		const char *arg = o->inputs[i];
		int rc = is_dir(arg) ? add_dataset(&D, arg, time_field)
		                     : add_input(&D, arg, NULL, arg, time_field);
		if (rc != 0) {
			status = LS_EXIT_USAGE;
			goto done;
		}
	}

	if (o->prefilter)
		setup_prefilters(&D);

	/* Output. */
	ls_afile af;
	bool to_file = out != NULL;
	if (to_file) {
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_afile_open(&af, out, force, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
		D.fp = af.fp;
	} else {
		D.fp = stdout;
	}

	/* The merge. */
	for (size_t i = 0; i < D.nin && status == LS_EXIT_OK; i++)
		if (advance(&D, &D.in[i]) != 0)
			status = LS_EXIT_USAGE;
	input *in;
	while (status == LS_EXIT_OK && (in = earliest(&D)) != NULL) {
		D.events++;
		if (in->source)
			enrich(&D, in);
		if (D.ce && in->r.time != LS_TIME_NONE)
			ls_correl_advance(D.ce, in->r.time, on_correl, &D);
		ls_route routes[LS_ROUTES_MAX];
		size_t nr = 0;
		if (in->source)
			nr = ls_dataset_routes(in->source, &in->r.ev, routes);
		else if (D.have_plain) {
			routes[0] = D.plain[0];
			nr = 1;
		}
		size_t nrules_ev = 0;
		const uint32_t *idx = (in->source && nr == 0)
		                              ? NULL
		                              : ls_detector_rules(&D.dt, routes, nr, &nrules_ev);
		if (in->pf && nrules_ev)
			ls_prefilter_event(in->pf, &in->r.ev);
		for (size_t k = 0; k < nrules_ev; k++) {
			const ls_rule *r = &D.rs.rules[idx[k]];
			if (in->pf && !ls_prefilter_candidate(in->pf, idx[k]))
				continue;
			if (!ls_rule_match(r, &in->r.ev))
				continue;
			D.per_rule[idx[k]]++;
			uint32_t base = (uint32_t)D.base_of[idx[k]];
			if (D.ce == NULL || ls_correl_base_alerts(D.ce, base))
				emit_alert(&D, r, in);
			if (D.ce && in->r.time != LS_TIME_NONE) {
				ls_recref rec;
				memset(&rec, 0, sizeof rec);
				rec.source = in->name;
				const ls_field *rid = ls_event_get(&in->r.ev, LS_SV_LIT("rid"));
				if (rid && rid->type == LS_VALUE_STRING &&
				    rid->value.len < sizeof rec.rid)
					memcpy(rec.rid, rid->value.ptr, rid->value.len);
				else
					snprintf(rec.rid, sizeof rec.rid, "%.30s:%lu", in->name,
					         in->r.line);
				ls_correl_feed(D.ce, base, in->r.time, &in->r.ev, &rec, on_correl,
				               &D);
			}
		}
		if (flush_out(&D, false) != 0 || advance(&D, in) != 0)
			status = LS_EXIT_USAGE;
	}
	if (status == LS_EXIT_OK && D.ce)
		ls_correl_advance(D.ce, INT64_MAX, on_correl, &D);
	if (status == LS_EXIT_OK && flush_out(&D, true) != 0)
		status = LS_EXIT_USAGE;
	if (to_file) {
		ls_diag d;
		ls_diag_clear(&d);
		if (status == LS_EXIT_OK && ls_afile_commit(&af, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			status = LS_EXIT_USAGE;
		} else if (status != LS_EXIT_OK) {
			ls_afile_abort(&af);
		}
	}
	double secs = now_s() - t0;
	for (size_t i = 0; i < D.nin; i++)
		D.events += D.in[i].r.skipped;
	if (D.bad > 20)
		fprintf(stderr, "leaksim detect: %" PRIu64 " more lines did not parse\n",
		        D.bad - 20);
	if (stats)
		for (size_t i = 0; i < D.rs.n; i++)
			if (D.per_rule[i])
				fprintf(stderr, "leaksim detect: %8" PRIu64 "  %s  %s\n",
				        D.per_rule[i], D.rs.rules[i].id ? D.rs.rules[i].id : "-",
				        D.rs.rules[i].title);
	if (!o->quiet)
		fprintf(stderr,
		        "leaksim detect: %" PRIu64 " events read (%" PRIu64
		        " lines did not parse), %" PRIu64 " alerts (%" PRIu64
		        " from correlations), %.2f s (%.0f events/s)\n",
		        D.events, D.bad, D.alerts, D.corr_alerts, secs,
		        secs > 0 ? (double)D.events / secs : 0.0);
	o->events = D.events;
	o->bad = D.bad;
	o->alerts = D.alerts;
	o->corr_alerts = D.corr_alerts;
	o->secs = secs;
done:
	for (size_t i = 0; i < D.nin; i++) {
		ls_logreader_close(&D.in[i].r);
		ls_prefilter_free(D.in[i].pf);
		free(D.in[i].name);
	}
	free(D.in);
	for (size_t i = 0; i < D.nleases; i++) {
		ls_leases_fini(D.leases[i]);
		free(D.leases[i]);
	}
	if (D.dt.rs)
		ls_detector_fini(&D.dt);
	ls_correl_engine_free(D.ce);
	free(D.corr);
	free(D.corr_rule);
	free(D.base_of);
	ls_ruleset_fini(&D.rs);
	free(D.per_rule);
	free(D.plain_text);
	ls_buf_fini(&D.out);
	ls_pipeline_free(pl);
	ls_placeholders_free(ph);
	return status;
}
