/*
 * cmd_generate.c - placeholder while the command is being written (this session).
 */
#include "cli/cli.h"

int ls_cmd_generate(int argc, char **argv)
{
	(void)argc;
	ls_cli_error(argv[0], "not available in this build");
	return LS_EXIT_USAGE;
}
