/*
 * cli.h - the command table and the helpers every command shares.
 *
 * `leaksim COMMAND [options]` is dispatched through a table of ls_command
 * rows (see main.c). A command function receives argv starting at its own
 * name and returns an exit status:
 *   LS_EXIT_OK     0  success
 *   LS_EXIT_FOUND  1  a check found something (tampering, a failed expectation)
 *   LS_EXIT_USAGE  2  a usage or input error
 * main() flushes and checks stdout and stderr after the command returns, so a
 * full disk or a closed pipe never goes unnoticed.
 */
#ifndef LS_CLI_CLI_H
#define LS_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "forensics/integrity.h"
#include "forensics/keys.h"
#include "sim/gen.h"

enum {
	LS_EXIT_OK = 0,
	LS_EXIT_FOUND = 1,
	LS_EXIT_USAGE = 2,
};

typedef int (*ls_cmd_fn)(int argc, char **argv);

typedef struct ls_command {
	const char *name;
	ls_cmd_fn fn;
	const char *summary; /* one line for `leaksim --help` */
	const char *usage;   /* full text for `leaksim NAME --help` */
} ls_command;

/* The table, terminated by a row with name == NULL. */
extern const ls_command ls_commands[];

const ls_command *ls_cli_find(const char *name);

/* Print a command's usage text to stdout. */
void ls_cli_print_usage(const ls_command *cmd);

/*
 * getopt_long for a command, with leaksim's own messages. Returns the option
 * character as getopt_long does; on an unknown option or a missing argument
 * it prints "leaksim CMD: unknown option '--x'" (or similar) to stderr and
 * returns '?'. Call with optind reset (ls_cli_getopt_reset) per command.
 */
int ls_cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);
void ls_cli_getopt_reset(void);

/*
 * For commands whose only option is --help: returns LS_EXIT_OK after printing
 * the usage for --help, LS_EXIT_USAGE after an error message for anything else
 * that looks like an option, or -1 to go on with the operands from optind.
 */
int ls_cli_help_only(int argc, char **argv);

/* "leaksim CMD: message" on stderr. */
void ls_cli_error(const char *cmd, const char *fmt, ...) LS_PRINTF(2, 3);
/* Print a diagnostic as "leaksim CMD: file:line:col: message". */
void ls_cli_diag(const char *cmd, const ls_diag *d);

/*
 * Flush and close stdout and stderr, reporting write errors. Returns status
 * unchanged when all output was written, otherwise LS_EXIT_USAGE (or status
 * if that was already non-zero).
 */
int ls_cli_finish(int status);

/* Commands. */
int ls_cmd_help(int argc, char **argv);
int ls_cmd_version(int argc, char **argv);
int ls_cmd_run(int argc, char **argv);
int ls_cmd_sweep(int argc, char **argv);
int ls_cmd_generate(int argc, char **argv);
int ls_cmd_scenarios(int argc, char **argv);
int ls_cmd_audit(int argc, char **argv);
int ls_cmd_keygen(int argc, char **argv);
int ls_cmd_verify(int argc, char **argv);
int ls_cmd_detect(int argc, char **argv);

/*
 * detect as a function, for the commands that chain it (run, sweep): the
 * options of `leaksim detect` (rules and inputs borrowed), and the counts
 * it fills in. quiet keeps the summary off stderr (errors still go there).
 * Returns the exit status detect would.
 */
typedef struct ls_cli_detect_opts {
	const char *const *rules;
	size_t nrules;
	const char *const *inputs; /* dataset directories or log files */
	size_t ninputs;
	const char *logsource, *pipeline, *placeholders, *time_field;
	const char *out; /* NULL: stdout */
	bool strict, stats, force, prefilter, quiet;
	/* filled in */
	size_t rules_loaded, rules_rejected;
	uint64_t events, bad, alerts, corr_alerts;
	double secs;
} ls_cli_detect_opts;
int ls_cli_detect(ls_cli_detect_opts *o);

/*
 * Sealing a dataset while it is generated (forensics/integrity.h), as
 * generate and run do: keys from the seed, or the signing key of a keygen
 * key file (sign_key, NULL: none); setup hooks the sealer into gopts and
 * prints any error as command cmd. fini wipes the keys (accepts a zeroed
 * sealer).
 */
typedef struct ls_cli_sealer {
	ls_seckey signer;
	unsigned char master[LS_INTEGRITY_KEYBYTES];
	ls_integrity_stream *stream;
} ls_cli_sealer;
int ls_cli_sealer_setup(ls_cli_sealer *s, uint64_t seed, const char *sign_key,
                        sim_gen_opts *gopts, const char *cmd);
void ls_cli_sealer_fini(ls_cli_sealer *s);
int ls_cmd_explain(int argc, char **argv);
int ls_cmd_score(int argc, char **argv);
int ls_cmd_realism(int argc, char **argv);
int ls_cmd_attribute(int argc, char **argv);
int ls_cmd_report(int argc, char **argv);
int ls_cmd_exercise(int argc, char **argv);

#endif
