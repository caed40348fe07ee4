/*
 * cli_util.c - option parsing, messages and output checks shared by commands.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *current_cmd = "leaksim";

void ls_cli_getopt_reset(void)
{
	optind = 0; /* 0 makes glibc re-initialise its scanner completely */
	opterr = 0;
}

int ls_cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char spec[128];
	/* A leading ':' makes getopt report a missing argument as ':'. */
	if (snprintf(spec, sizeof spec, ":%s", shortopts) >= (int)sizeof spec)
		return '?';
	current_cmd = argv[0];
	int c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (c == ':')
		ls_cli_error(argv[0], "option '%s' requires an argument", arg);
	else if (optopt != 0)
		ls_cli_error(argv[0], "unknown option '-%c'", optopt);
	else
		ls_cli_error(argv[0], "unknown option '%s'", arg);
	fprintf(stderr, "Try 'leaksim %s --help'.\n", argv[0]);
	return '?';
}

int ls_cli_help_only(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 } };
	ls_cli_getopt_reset();
	int c = ls_cli_getopt(argc, argv, "h", opts);
	if (c == -1)
		return -1;
	if (c != 'h')
		return LS_EXIT_USAGE;
	const ls_command *cmd = ls_cli_find(argv[0]);
	if (cmd)
		ls_cli_print_usage(cmd);
	return LS_EXIT_OK;
}

void ls_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	if (cmd && strcmp(cmd, "leaksim") != 0)
		fprintf(stderr, "leaksim %s: ", cmd);
	else
		fputs("leaksim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ls_cli_diag(const char *cmd, const ls_diag *d)
{
	char text[LS_DIAG_MSG_MAX + 512];
	ls_diag_format(d, text, sizeof text);
	ls_cli_error(cmd ? cmd : current_cmd, "%s", text);
}

const ls_command *ls_cli_find(const char *name)
{
	for (const ls_command *c = ls_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void ls_cli_print_usage(const ls_command *cmd)
{
	fputs(cmd->usage, stdout);
}

int ls_cli_finish(int status)
{
	int bad = 0;
	int err = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		bad = 1;
		err = errno;
	}
	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (bad) {
		fprintf(stderr, "leaksim: error writing standard output: %s\n",
		        strerror(err ? err : EIO));
		if (status == LS_EXIT_OK)
			status = LS_EXIT_USAGE;
	}
	if (fflush(stderr) != 0 || ferror(stderr)) {
		if (status == LS_EXIT_OK)
			status = LS_EXIT_USAGE;
	}
	return status;
}
