/*
 * cmd_report.c - `leaksim report`: the debrief as one self-contained HTML file.
 *
 * Scores the alerts against the dataset's answer key exactly as `leaksim
 * score` does (score/score.h), then writes the report of score/report.h to
 * --out atomically. An existing file is replaced only with --force; the
 * check comes first, so a refused run costs nothing.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "score/report.h"
#include "score/score.h"

int ls_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dataset", required_argument, NULL, 'd' },
		{ "alerts", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *dataset = NULL, *alerts = NULL, *out = NULL;
	bool force = false;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "d:a:o:fh", opts)) != -1) {
		switch (c) {
		case 'd': dataset = optarg; break;
		case 'a': alerts = optarg; break;
		case 'o': out = optarg; break;
		case 'f': force = true; break;
		case 'h': ls_cli_print_usage(ls_cli_find("report")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error("report", "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (dataset == NULL || alerts == NULL || out == NULL) {
		ls_cli_error("report", "--dataset DIR, --alerts FILE and --out FILE are required");
		fprintf(stderr, "Try 'leaksim report --help'.\n");
		return LS_EXIT_USAGE;
	}
	struct stat st;
	if (stat(dataset, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ls_cli_error("report", "%s: not a dataset directory", dataset);
		return LS_EXIT_USAGE;
	}

	int status = LS_EXIT_OK;
	ls_diag d;
	ls_diag_clear(&d);
	ls_afile af;
	memset(&af, 0, sizeof af);
	ls_score s;
	ls_score_init(&s);
	ls_report r;
	ls_report_init(&r);
	ls_buf html = LS_BUF_INIT;

	if (ls_afile_open(&af, out, force, &d) != LS_OK) {
		ls_cli_diag("report", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (ls_score_load_dataset(&s, dataset, &d) != LS_OK ||
	    ls_score_load_alerts(&s, alerts, &d) != LS_OK ||
	    ls_score_resolve(&s, dataset, &d) != LS_OK) {
		ls_cli_diag("report", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	ls_score_compute(&s);
	if (ls_report_write(&r, &s, dataset, alerts, &html, &d) != LS_OK) {
		ls_cli_diag("report", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (ls_buf_write(&html, af.fp) != LS_OK || ls_afile_commit(&af, &d) != LS_OK) {
		if (d.err != LS_OK)
			ls_cli_diag("report", &d);
		else
			ls_cli_error("report", "%s: cannot write the report", out);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (r.log_lines_bad)
		fprintf(stderr, "leaksim report: %llu log lines did not parse (not counted)\n",
		        (unsigned long long)r.log_lines_bad);
	if (r.alerts_undrawn)
		fprintf(stderr,
		        "leaksim report: %llu alerts have no time and no record in the logs (not "
		        "drawn on the timeline)\n",
		        (unsigned long long)r.alerts_undrawn);
	fprintf(stderr, "leaksim report: %s: %llu alerts, %llu log records, %zu bytes\n", out,
	        (unsigned long long)r.alerts, (unsigned long long)r.log_events, html.len);
done:
	ls_afile_abort(&af);
	ls_buf_fini(&html);
	ls_report_fini(&r);
	ls_score_fini(&s);
	return status;
}
