/*
 * cmd_scenarios.c - `leaksim scenarios [show NAME|FILE]`: the built-in
 * scenarios, and the text of one.
 *
 * The list shows each built-in's name and the description from its own YAML,
 * so the text a user reads is the text the loader sees; a built-in that no
 * longer loads is reported rather than listed. `show` prints a scenario's YAML
 * exactly as stored, ready to be copied and edited. A file is loaded before
 * it is printed, so `show` doubles as a validator: an invalid file gives
 * file:line:col and exit 2, and nothing on stdout.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"
#include "sim/scenario.h"

static int list_builtins(void)
{
	int status = LS_EXIT_OK;
	int width = 0;
	for (size_t i = 0; i < sim_builtin_scenario_count; i++) {
		int len = (int)strlen(sim_builtin_scenarios[i].name);
		if (len > width)
			width = len;
	}
	for (size_t i = 0; i < sim_builtin_scenario_count; i++) {
		const sim_builtin_scenario *b = &sim_builtin_scenarios[i];
		sim_scenario s;
		ls_diag d;
		ls_diag_clear(&d);
		if (sim_scenario_resolve(&s, b->name, &d) != LS_OK) {
			ls_cli_diag("scenarios", &d);
			status = LS_EXIT_USAGE;
			continue;
		}
		printf("%-*s  %s\n", width, b->name, s.description);
		sim_scenario_fini(&s);
	}
	return status;
}

static int write_text(const char *text, size_t len)
{
	if (len > 0 && fwrite(text, 1, len, stdout) != len)
		return LS_EXIT_USAGE; /* ls_cli_finish reports the write error */
	return LS_EXIT_OK;
}

static int show(const char *name_or_path)
{
	if (!sim_scenario_is_path(name_or_path)) {
		const sim_builtin_scenario *b = sim_scenario_builtin(name_or_path);
		if (b == NULL) {
			ls_cli_error("scenarios", "unknown scenario '%s' (see 'leaksim scenarios')",
			             name_or_path);
			return LS_EXIT_USAGE;
		}
		return write_text((const char *)b->yaml, b->len);
	}

	ls_buf text = LS_BUF_INIT;
	sim_scenario s;
	ls_diag d;
	int status = LS_EXIT_OK;
	ls_diag_clear(&d);
	if (sim_scenario_read_file(name_or_path, &text, &d) != LS_OK ||
	    sim_scenario_load_mem(&s, text.data, text.len, name_or_path, NULL, &d) != LS_OK) {
		ls_cli_diag("scenarios", &d);
		status = LS_EXIT_USAGE;
	} else {
		sim_scenario_fini(&s);
		status = write_text(text.data, text.len);
	}
	ls_buf_fini(&text);
	return status;
}

int ls_cmd_scenarios(int argc, char **argv)
{
	int status = ls_cli_help_only(argc, argv);
	if (status >= 0)
		return status;
	int nargs = argc - optind;
	if (nargs == 0)
		return list_builtins();
	const char *sub = argv[optind];
	if (strcmp(sub, "show") != 0) {
		ls_cli_error("scenarios", "unknown sub-command '%s' (expected 'show')", sub);
		return LS_EXIT_USAGE;
	}
	if (nargs != 2) {
		ls_cli_error("scenarios", "show: expected one scenario NAME or FILE");
		return LS_EXIT_USAGE;
	}
	return show(argv[optind + 1]);
}
