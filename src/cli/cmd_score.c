/*
 * cmd_score.c - `leaksim score`: alerts against a dataset's answer key.
 *
 * Loads the dataset's truth (manifest.json, truth/answer-key.json), the
 * alerts (JSON Lines from `leaksim detect`), looks the records they name up
 * in the dataset's logs for entities, and prints the figures of
 * docs/scoring.md as tables or, with --json, as one JSON object. With
 * --expect, each expectation that does not hold is printed on stderr with
 * its file:line:col and reason, and the exit status is 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "score/score.h"

int ls_cmd_score(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dataset", required_argument, NULL, 'd' },
		{ "alerts", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *dataset = NULL, *alerts = NULL, *expect = NULL;
	bool json = false;
	int c, status = LS_EXIT_OK;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "d:a:je:h", opts)) != -1) {
		switch (c) {
		case 'd': dataset = optarg; break;
		case 'a': alerts = optarg; break;
		case 'j': json = true; break;
		case 'e': expect = optarg; break;
		case 'h': ls_cli_print_usage(ls_cli_find("score")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error("score", "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (dataset == NULL || alerts == NULL) {
		ls_cli_error("score", "--dataset DIR and --alerts FILE are required");
		fprintf(stderr, "Try 'leaksim score --help'.\n");
		return LS_EXIT_USAGE;
	}
	struct stat st;
	if (stat(dataset, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ls_cli_error("score", "%s: not a dataset directory", dataset);
		return LS_EXIT_USAGE;
	}

	ls_score s;
	ls_score_init(&s);
	ls_score_expect E;
	memset(&E, 0, sizeof E);
	bool have_expect = false;
	ls_diag d;
	ls_diag_clear(&d);
	if (expect) {
		have_expect = true;
		if (ls_score_expect_load(&E, expect, &d) != LS_OK) {
			ls_cli_diag("score", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
	}
	if (ls_score_load_dataset(&s, dataset, &d) != LS_OK ||
	    ls_score_load_alerts(&s, alerts, &d) != LS_OK ||
	    ls_score_resolve(&s, dataset, &d) != LS_OK) {
		ls_cli_diag("score", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (have_expect)
		ls_score_expect_rows(&s, &E);
	ls_score_compute(&s);
	size_t failed = have_expect ? ls_score_expect_check(&s, &E) : 0;

	ls_buf out = LS_BUF_INIT;
	if (json)
		ls_score_write_json(&s, have_expect ? &E : NULL, &out);
	else
		ls_score_write_text(&s, &out);
	if (ls_buf_write(&out, stdout) != LS_OK) {
		ls_cli_error("score", "cannot write the report");
		status = LS_EXIT_USAGE;
	}
	ls_buf_fini(&out);

	if (s.log_lines_bad)
		fprintf(stderr, "leaksim score: %llu log lines did not parse (their records were not "
		                "looked up)\n",
		        (unsigned long long)s.log_lines_bad);
	if (s.lv.not_found)
		fprintf(stderr,
		        "leaksim score: %llu records named by alerts or the answer key were not found "
		        "in the logs (no entity for them)\n",
		        (unsigned long long)s.lv.not_found);
	if (have_expect) {
		size_t checked = 0;
		for (size_t i = 0; i < E.n; i++) {
			const ls_score_expectation *x = &E.items[i];
			checked += x->nchecks;
			for (size_t j = 0; j < x->nchecks; j++) {
				const ls_score_check *k = &x->checks[j];
				if (!k->ok)
					fprintf(stderr,
					        "leaksim score: %s:%lu:%lu: expectation not met: rule %s: "
					        "%s %s: %s\n",
					        E.file, k->line, k->col, x->rule_id,
					        ls_score_check_name(k->kind), k->text, k->reason);
			}
		}
		if (failed)
			fprintf(stderr, "leaksim score: %zu of %zu expectations not met\n", failed,
			        checked);
		else
			fprintf(stderr, "leaksim score: all %zu expectations met\n", checked);
		if (failed && status == LS_EXIT_OK)
			status = LS_EXIT_FOUND;
	}
done:
	ls_score_fini(&s);
	ls_score_expect_fini(&E);
	return status;
}
