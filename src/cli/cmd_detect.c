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
#include "io/logreader.h"
#include "sigma/engine.h"
#include "sigma/rule.h"

/* Files a dataset's logs/ may hold, and the source each stands for. */
static const struct {
	const char *file, *source;
} dataset_files[] = {
	{ "db_audit.jsonl", "db_audit" },
	{ "auth.log", "auth" },
	{ "conn.log", "conn" },
	{ "dns.log", "dns" },
	{ "ssl.log", "ssl" },
	{ "proxy.jsonl", "proxy" },
	{ "sysmon.jsonl", "sysmon" },
	{ "dhcp.jsonl", "dhcp" },
	{ "messaging.jsonl", "messaging" },
};

typedef struct input {
	ls_logreader r;
	const char *source; /* the dataset source, or NULL for a plain file */
	char *name;         /* what alerts call the file */
	bool live;
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
	for (size_t i = 0; i < sizeof dataset_files / sizeof dataset_files[0] && rc == 0; i++) {
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/logs/%s", dir, dataset_files[i].file);
		struct stat st;
		if (stat(p.data, &st) != 0)
			continue;
		found++;
		rc = add_input(D, p.data, dataset_files[i].source, dataset_files[i].source,
		               time_field);
	}
	ls_buf_fini(&p);
	if (rc == 0 && found == 0) {
		ls_cli_error("detect", "%s: not a dataset (no logs/ files) and not a log file",
		             dir);
		return -1;
	}
	return rc;
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

/* One alert line for rule r on the current event of input in. */
static void emit_alert(detect *D, const ls_rule *r, const input *in)
{
	ls_jw w;
	ls_jw_init(&w, &D->out);
	ls_jw_object_begin(&w);
	LS_JW_KEY(&w, "rule_id");
	if (r->id)
		ls_jw_str_cstr(&w, r->id);
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "title");
	ls_jw_str_cstr(&w, r->title);
	LS_JW_KEY(&w, "level");
	if (r->level)
		ls_jw_str_cstr(&w, ls_level_name(r->level));
	else
		ls_jw_null(&w);
	LS_JW_KEY(&w, "tags");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < r->ntags; i++)
		ls_jw_str_cstr(&w, r->tags[i]);
	ls_jw_array_end(&w);
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
		{ "time-field", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 's' },
		{ "stats", no_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	detect D;
	memset(&D, 0, sizeof D);
	ls_ruleset_init(&D.rs);
	const char **rules = NULL;
	size_t nrules = 0, rcap = 0;
	const char *time_field = NULL, *out = NULL, *pipeline = NULL;
	bool strict = false, stats = false, force = false;
	int status = LS_EXIT_OK, c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "r:l:p:t:o:sSfh", opts)) != -1) {
		switch (c) {
		case 'r':
			rules = ls_xgrow(rules, &rcap, nrules + 1, sizeof *rules);
			rules[nrules++] = optarg;
			break;
		case 'l':
			if (parse_logsource(&D, optarg) != 0)
				status = LS_EXIT_USAGE;
			break;
		case 'p': pipeline = optarg; break;
		case 't': time_field = optarg; break;
		case 'o': out = optarg; break;
		case 's': strict = true; break;
		case 'S': stats = true; break;
		case 'f': force = true; break;
		case 'h':
			ls_cli_print_usage(ls_cli_find("detect"));
			free(rules);
			free(D.plain_text);
			return LS_EXIT_OK;
		default: status = LS_EXIT_USAGE; break;
		}
	}
	if (status != LS_EXIT_OK)
		goto done;
	if (nrules == 0) {
		ls_cli_error("detect", "--rules PATH is required");
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (optind >= argc) {
		ls_cli_error("detect", "no input: give a dataset directory or log files");
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (pipeline) {
		ls_cli_error("detect", "--pipeline: pipelines are not supported by this version");
		status = LS_EXIT_USAGE;
		goto done;
	}

	/* Rules. */
	double t0 = now_s();
	for (size_t i = 0; i < nrules; i++) {
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_ruleset_load(&D.rs, rules[i], NULL, &d) != LS_OK) {
			ls_cli_diag("detect", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	for (size_t i = 0; i < D.rs.nrejects; i++) {
		const ls_rule_reject *j = &D.rs.rejects[i];
		fprintf(stderr, "leaksim detect: rejected %s:%lu:%lu: %s\n", j->file, j->line,
		        j->col, j->message);
	}
	fprintf(stderr, "leaksim detect: %zu rules loaded, %zu rejected, from %zu files\n", D.rs.n,
	        D.rs.nrejects, D.rs.files);
	if (strict && D.rs.nrejects) {
		ls_cli_error("detect", "--strict: %zu rules were rejected", D.rs.nrejects);
		status = LS_EXIT_USAGE;
		goto done;
	}
	ls_detector_init(&D.dt, &D.rs);
	D.per_rule = ls_xcalloc(D.rs.n ? D.rs.n : 1, sizeof *D.per_rule);

	/* Inputs. */
	for (int i = optind; i < argc; i++) {
		int rc = is_dir(argv[i]) ? add_dataset(&D, argv[i], time_field)
		                         : add_input(&D, argv[i], NULL, argv[i], time_field);
		if (rc != 0) {
			status = LS_EXIT_USAGE;
			goto done;
		}
	}

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
		for (size_t k = 0; k < nrules_ev; k++) {
			const ls_rule *r = &D.rs.rules[idx[k]];
			if (ls_rule_match(r, &in->r.ev)) {
				emit_alert(&D, r, in);
				D.per_rule[idx[k]]++;
			}
		}
		if (flush_out(&D, false) != 0 || advance(&D, in) != 0)
			status = LS_EXIT_USAGE;
	}
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
	if (D.bad > 20)
		fprintf(stderr, "leaksim detect: %" PRIu64 " more lines did not parse\n",
		        D.bad - 20);
	if (stats)
		for (size_t i = 0; i < D.rs.n; i++)
			if (D.per_rule[i])
				fprintf(stderr, "leaksim detect: %8" PRIu64 "  %s  %s\n",
				        D.per_rule[i], D.rs.rules[i].id ? D.rs.rules[i].id : "-",
				        D.rs.rules[i].title);
	fprintf(stderr,
	        "leaksim detect: %" PRIu64 " events read (%" PRIu64
	        " lines did not parse), %" PRIu64 " alerts, %.2f s (%.0f events/s)\n",
	        D.events, D.bad, D.alerts, secs, secs > 0 ? (double)D.events / secs : 0.0);
done:
	for (size_t i = 0; i < D.nin; i++) {
		ls_logreader_close(&D.in[i].r);
		free(D.in[i].name);
	}
	free(D.in);
	if (D.dt.rs)
		ls_detector_fini(&D.dt);
	ls_ruleset_fini(&D.rs);
	free(D.per_rule);
	free(D.plain_text);
	ls_buf_fini(&D.out);
	free(rules);
	return status;
}
