/*
 * main.c - leaksim's entry point: the command table and dispatch.
 *
 * Each command lives in its own cmd_<name>.c and is one row here. Adding a
 * command means writing its function and usage text and adding the row; the
 * general help lists rows in table order.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const ls_command ls_commands[] = {
	{ "run", ls_cmd_run, "the main job: generate, detect, score and report in one go",
	  "usage: leaksim run [--scenario NAME|FILE] [--seed N] [--rules PATH]... [--out DIR]\n"
	  "                   [--quiet] [--force]\n"
	  "\n"
	  "Generate the scenario (default: the built-in 'default'), run the rules over it\n"
	  "(default: the bundled pack in ./rules), score the alerts against its answer\n"
	  "key and write the debrief. DIR (default leaksim-out/SCENARIO-seedN) holds the\n"
	  "dataset (manifest.json, logs/, truth/), alerts.jsonl, score.json (as 'leaksim\n"
	  "score --json' prints it) and report.html; it is written under a temporary\n"
	  "name and appears only when every stage succeeded. Progress goes to stderr on\n"
	  "a terminal; the summary (each step caught or missed, by which rules and how\n"
	  "fast, the precision of every rule that alerted, the report's path) to stdout.\n"
	  "\n"
	  "  --scenario NAME|FILE   a built-in scenario or a scenario file\n"
	  "  --seed N               the seed (default: the scenario's)\n"
	  "  --rules PATH           a rule file or folder, more than once for several\n"
	  "  --out DIR              the output directory\n"
	  "  --quiet                no progress, no summary\n"
	  "  --force                replace DIR if it exists\n" },
	{ "sweep", ls_cmd_sweep, "run rules over scenario variants and seeds: where each rule breaks",
	  "usage: leaksim sweep --rules PATH [--rules PATH]... [--scenario NAME|FILE] [--seeds N]\n"
	  "                     [--vary KNOB=V1,V2,...]... [--out DIR] [--force] [--quiet]\n"
	  "\n"
	  "For every variant and seed: generate a dataset in a temporary folder, run the\n"
	  "rules over it, score the alerts and remove the folder. Then print, per rule\n"
	  "and variant, the seeds in which it caught the campaign, recall, precision,\n"
	  "alerts and mean time to detect, and per rule where it breaks. Each --vary\n"
	  "multiplies the variants (every combination), on --scenario (default\n"
	  "'default'). KNOB is a scenario key path (docs/scenarios.md), such as days or\n"
	  "campaign.exfiltration.rate_mb_per_hour; a path that starts with a campaign\n"
	  "section (exfiltration.rate_mb_per_hour) may leave out 'campaign.'. Without\n"
	  "--vary and --scenario: the presets easy, medium, hard and register-leak, and\n"
	  "the default scenario with exfiltration rate limits 0 (one burst), 1000, 200,\n"
	  "50 and 20 MB per hour. Seeds are the scenario's and the next N - 1.\n"
	  "\n"
	  "  --rules PATH      a rule file or folder (required; more than once for several)\n"
	  "  --scenario NAME   the scenario the knobs apply to\n"
	  "  --seeds N         seeds per variant (default 1, at most 100)\n"
	  "  --vary KNOB=V,..  a knob and its values\n"
	  "  --out DIR         also write DIR/sweep.csv and DIR/sweep.json (every run)\n"
	  "  --force           replace those files if they exist\n"
	  "  --quiet           no progress and no tables\n" },
	{ "generate", ls_cmd_generate, "generate a synthetic dataset from a scenario",
	  "usage: leaksim generate [--scenario NAME|FILE] [--seed N] [--people N] [--days N]\n"
	  "                        [--start YYYY-MM-DD] [--profile msgr|telegram] [--artifacts]\n"
	  "                        [--sign-key FILE] [--force] [--quiet] --out DIR\n"
	  "\n"
	  "Generate a fictional organisation's logs into DIR: logs/ (nine sources in\n"
	  "their real formats), truth/ (the answer key, the export-session log, the\n"
	  "watermark key), integrity/ (hash chains and signatures for 'leaksim verify')\n"
	  "and manifest.json. The same scenario and seed always give the same bytes.\n"
	  "\n"
	  "  --scenario NAME|FILE  a built-in scenario (see 'leaksim scenarios') or a\n"
	  "                        YAML file; default: default\n"
	  "  --seed N              override the scenario's seed\n"
	  "  --people N            override the head count (1..100000)\n"
	  "  --days N              override the number of days (1..366)\n"
	  "  --start YYYY-MM-DD    override the first local day\n"
	  "  --profile P           msgr (fictional, default) or telegram (real public names)\n"
	  "  --out DIR             the dataset directory to create\n"
	  "  --artifacts           also write artifacts/: the leaked export exactly as the\n"
	  "                        insider exported it (and the archive, if one was made)\n"
	  "  --sign-key FILE       sign with this 'leaksim keygen' secret key instead of\n"
	  "                        the key derived from the seed\n"
	  "  --force               replace DIR if it is an earlier dataset\n"
	  "  --quiet               no progress bar and no summary\n" },
	{ "scenarios", ls_cmd_scenarios, "list the built-in scenarios, or show one",
	  "usage: leaksim scenarios\n"
	  "       leaksim scenarios show NAME|FILE\n"
	  "\n"
	  "List the built-in scenarios with a line about each, or print one as YAML.\n"
	  "A FILE is checked first: errors are reported as file:line:col.\n"
	  "Every key is documented in docs/scenarios.md.\n" },
	{ "audit", ls_cmd_audit, "check that a dataset is entirely synthetic",
	  "usage: leaksim audit DIR\n"
	  "\n"
	  "Check every record of the dataset in DIR: every IP address must be internal\n"
	  "(10.0.0.0/8) or in a documentation range, every host name under .example,\n"
	  ".test or .invalid (or the service profile's public names), and every\n"
	  "ID-like number must have a wrong check character. Findings are listed as\n"
	  "FILE:LINE and the exit status is 1; a clean dataset exits 0.\n" },
	{ "keygen", ls_cmd_keygen, "write a key pair: Ed25519 for signing, X25519 for sealing",
	  "usage: leaksim keygen --out PREFIX [--force]\n"
	  "\n"
	  "Write PREFIX.key (the secret keys, mode 0600) and PREFIX.pub (the public\n"
	  "keys): an Ed25519 key that signs datasets ('leaksim generate --sign-key')\n"
	  "and an X25519 key that sealed boxes are addressed to. The format is in\n"
	  "docs/keys.md. A PREFIX.pub pins the signer for 'leaksim verify --pubkey'.\n"
	  "\n"
	  "  --out PREFIX   write PREFIX.key and PREFIX.pub\n"
	  "  --force        replace them if they exist\n" },
	{ "verify", ls_cmd_verify, "check that a dataset is exactly as it was sealed",
	  "usage: leaksim verify [--pubkey FILE] DIR\n"
	  "\n"
	  "Check the dataset in DIR against its integrity data (DIR/integrity/): the\n"
	  "signed manifest, every record of every log and truth file against its\n"
	  "hash chain and signed checkpoints, every other file against its hash, and\n"
	  "that no file was added. An intact dataset prints 'intact' with the counts\n"
	  "and exits 0. Otherwise each damaged file is named with the line of its\n"
	  "first problem and its kind (modified, inserted, deleted, reordered,\n"
	  "truncated, signature invalid, re-sealed with a later key), and the exit\n"
	  "status is 1. Malformed integrity files exit 2. docs/integrity.md explains.\n"
	  "\n"
	  "  --pubkey FILE   the signer to expect (a 'leaksim keygen' PREFIX.pub, or a\n"
	  "                  dataset's integrity/dataset.pub kept from when it was made)\n"
	  "                  instead of the key the manifest names\n" },
	{ "detect", ls_cmd_detect, "run Sigma rules over a dataset or log files",
	  "usage: leaksim detect --rules PATH [--rules PATH]... [--logsource KEY=VAL[,KEY=VAL...]]\n"
	  "                      [--pipeline FILE] [--placeholders FILE] [--time-field NAME]\n"
	  "                      [--out FILE [--force]]\n"
	  "                      [--strict] [--stats] INPUT...\n"
	  "\n"
	  "Run Sigma rules over INPUTs: dataset directories (each log routed to the\n"
	  "rules of its logsources) or plain log files (JSON Lines, Zeek TSV, syslog;\n"
	  "--logsource declares their logsource, else every rule applies to them).\n"
	  "Inputs are merged in event time. Alerts are JSON Lines on stdout, or in\n"
	  "--out FILE (written atomically). The summary goes to stderr.\n"
	  "\n"
	  "  --rules PATH          a rule file or a folder (read recursively: *.yml, *.yaml)\n"
	  "  --logsource K=V,...   category=, product=, service= of the plain files\n"
	  "  --pipeline FILE       a processing pipeline: field-name mappings and logsource\n"
	  "                        changes (docs/sigma.md)\n"
	  "  --placeholders FILE   values for the expand modifier's %name% placeholders\n"
	  "  --time-field NAME     the event time field (default: @timestamp, timestamp,\n"
	  "                        UtcTime, ts, time: the first present)\n"
	  "  --out FILE            write the alerts to FILE; --force replaces it\n"
	  "  --strict              exit 2 if any rule is rejected\n"
	  "  --stats               alerts per rule on stderr\n" },
	{ "explain", ls_cmd_explain, "show how a rule evaluates on one event",
	  "usage: leaksim explain --rule FILE --event JSON|@FILE [--placeholders FILE]\n"
	  "\n"
	  "Show how each rule of FILE evaluates on one event: every search identifier,\n"
	  "each field with the event's value, each modifier and value and whether it\n"
	  "matched, each condition in canonical form with its result, and the verdict.\n"
	  "The event is a JSON object, inline or read from @FILE.\n" },
	{ "realism", ls_cmd_realism, "summarise the benign model: rhythms, sizes, mixes, decoys",
	  "usage: leaksim realism [--json] DIR\n"
	  "\n"
	  "Summarise the benign activity of the dataset in DIR so that its realism can be\n"
	  "judged: events per local hour and weekday per source (the manifest's UTC offset),\n"
	  "size percentiles (conn, proxy, db_audit rows, messaging), the top destinations\n"
	  "and processes, and the base rate of each hard negative of the answer key.\n"
	  "The campaign's records are left out and counted. Lines that do not parse are\n"
	  "counted and the first are named on stderr. docs/realism.md explains each figure.\n"
	  "\n"
	  "  --json                the same figures as one JSON object\n" },
	{ "score", ls_cmd_score, "score alerts against a dataset's answer key",
	  "usage: leaksim score --dataset DIR --alerts FILE [--json] [--expect FILE]\n"
	  "\n"
	  "Join the alerts of FILE (JSON Lines from 'leaksim detect') to the answer key\n"
	  "of the dataset in DIR by record id, and report per rule (alerts, true and\n"
	  "false positives, precision, records recalled, steps caught, decoys that\n"
	  "fooled it), per campaign step and ATT&CK technique (detected, by which\n"
	  "rules, time to detect, before the exfiltration ended), the event,\n"
	  "entity-day and incident levels, and the analysts' load. docs/scoring.md\n"
	  "defines every figure.\n"
	  "\n"
	  "  --dataset DIR   the dataset (manifest.json, truth/answer-key.json, logs/)\n"
	  "  --alerts FILE   the alerts, one JSON object a line\n"
	  "  --json          print one JSON object instead of tables\n"
	  "  --expect FILE   YAML: rule id -> {at_least: N, exactly: N, min_recall: X,\n"
	  "                  max_fp: N}; each unmet expectation is printed on stderr\n"
	  "                  with its file:line:col and the exit status is 1\n" },
	{ "report", ls_cmd_report, "write the debrief: a self-contained HTML report",
	  "usage: leaksim report --dataset DIR --alerts FILE --out FILE.html [--force]\n"
	  "\n"
	  "Score the alerts of FILE (JSON Lines from 'leaksim detect') against the answer\n"
	  "key of the dataset in DIR, as 'leaksim score' does, and write one HTML file\n"
	  "that needs no network: the verdict, the campaign timeline (one lane per log,\n"
	  "the steps as bands, every alert marked, true and false apart; the whole\n"
	  "period and the campaign window), upstream bytes per host over time, the score\n"
	  "tables and the answer key in brief. docs/report.md describes each section.\n"
	  "The file is written atomically; the same inputs give the same bytes.\n"
	  "\n"
	  "  --dataset DIR   the dataset (manifest.json, truth/answer-key.json, logs/)\n"
	  "  --alerts FILE   the alerts, one JSON object a line\n"
	  "  --out FILE      the HTML file to write\n"
	  "  --force         replace FILE if it exists\n" },
	{ "attribute", ls_cmd_attribute, "name the export session a leaked file came from",
	  "usage: leaksim attribute --dataset DIR [--json] [--threshold P] FILE\n"
	  "\n"
	  "Name the export session that produced FILE, a leaked copy of the member\n"
	  "register (CSV, COPY text, INSERT statements or a pg_dump script; whole, a\n"
	  "subset, re-ordered, converted, with columns dropped or duplicates removed),\n"
	  "from the watermark: canary rows and keyed formatting and order choices.\n"
	  "Every session of DIR/truth/export-sessions.jsonl is tested with the key in\n"
	  "DIR/truth/watermark.key. The best one is named, with its account, host,\n"
	  "time and rows, a p-value and a false-attribution bound (the chance that any\n"
	  "logged session that did not make FILE shows as much evidence), only when\n"
	  "the bound is at most the threshold; otherwise the verdict is 'unknown'.\n"
	  "docs/attribution.md derives the statistics.\n"
	  "\n"
	  "  --dataset DIR   the dataset (manifest.json, truth/)\n"
	  "  --json          print one JSON object instead of the report\n"
	  "  --threshold P   the largest bound that attributes (default 1e-06)\n"
	  "\n"
	  "Exit status: 0 attributed, 1 unknown, 2 a usage error or bad input.\n" },
	{ "exercise", ls_cmd_exercise, "exercise packs: questions, sealed answers, grading",
	  "usage: leaksim exercise pack (--dataset DIR | --scenario NAME|FILE [--seed N])\n"
	  "                             [--trainees N] [--stage] --instructor-pubkey FILE\n"
	  "                             --out DIR [--force] [--quiet]\n"
	  "       leaksim exercise answers --pack DIR --instructor-key FILE [--trainee N]\n"
	  "       leaksim exercise grade --pack DIR --instructor-key FILE --answers FILE\n"
	  "                              [--trainee N] [--json]\n"
	  "       leaksim exercise check --pack DIR --question N --answer TEXT [--trainee N]\n"
	  "\n"
	  "pack writes an exercise: per trainee a folder DIR/trainee-NN with the logs of\n"
	  "their own world (dataset/, re-sealed with the pack's key, no truth/), with\n"
	  "--stage also stage-1 ... stage-K (the logs up to the minute after each\n"
	  "campaign step's end), questions.yaml (the questions, each with its answer\n"
	  "format and a salted Argon2id hash of its answer) and pack.pub. Trainee 1's\n"
	  "world is the given dataset or the scenario with --seed; the others' seeds\n"
	  "derive from it (with --dataset, by regenerating its scenario). The answer key,\n"
	  "signed with the pack's key, is sealed to the instructor: DIR/answers.sealed.\n"
	  "answers prints a trainee's answers in the answers-file format (YAML: question\n"
	  "number -> answer); grade marks an answers file right or wrong per question with\n"
	  "feedback; check tests one answer offline against questions.yaml. With several\n"
	  "trainees, --pack is that trainee's folder or the pack with --trainee N.\n"
	  "docs/exercises.md has the formats and the canonicalisation rules.\n"
	  "\n"
	  "  --dataset DIR             pack this dataset (trainee 1)\n"
	  "  --scenario NAME|FILE      generate the worlds from this scenario\n"
	  "  --seed N                  the base seed (keep it secret: it regenerates the answers)\n"
	  "  --trainees N              trainees, each with their own world (1..99, default 1)\n"
	  "  --stage                   also write the staged-release folders\n"
	  "  --instructor-pubkey FILE  a 'leaksim keygen' public key to seal the answers to\n"
	  "  --instructor-key FILE     its secret key (mode 0600)\n"
	  "  --answers FILE            a trainee's answers file\n"
	  "  --json                    grade as one JSON object {\"score\",\"max\",\"questions\"}\n"
	  "\n"
	  "Exit status: pack, answers 0 done; grade 0 graded (any score), 2 also for a\n"
	  "malformed answers file (scored 0); check 0 right, 1 wrong; answers and grade 1\n"
	  "when the sealed answer key or questions.yaml fail their checks (altered); 2 a\n"
	  "usage or input error, such as the key of another instructor.\n" },
	{ "help", ls_cmd_help, "show help for leaksim or for one command",
	  "usage: leaksim help [COMMAND]\n"
	  "\n"
	  "Without COMMAND, list the commands. With it, show that command's help\n"
	  "(the same as 'leaksim COMMAND --help').\n" },
	{ "version", ls_cmd_version, "print the version, library versions and build configuration",
	  "usage: leaksim version\n"
	  "\n"
	  "Print leaksim's version, the versions of the libraries it runs with\n"
	  "(libsodium, libyaml, PCRE2) and the build configuration.\n" },
	{ NULL, NULL, NULL, NULL },
};

static void print_general_help(FILE *f)
{
	fputs("usage: leaksim COMMAND [options]\n"
	      "\n"
	      "Simulate, with entirely synthetic logs, how bulk data exfiltration from a\n"
	      "database server to a laptop to a secure messaging channel could be detected.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (const ls_command *c = ls_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("\n"
	      "Run 'leaksim COMMAND --help' for a command's options.\n"
	      "Exit status: 0 success, 1 a check found something, 2 a usage or input error.\n",
	      f);
}

int ls_cmd_help(int argc, char **argv)
{
	int status = ls_cli_help_only(argc, argv);
	if (status >= 0)
		return status;
	if (optind >= argc) {
		print_general_help(stdout);
		return LS_EXIT_OK;
	}
	if (argc - optind > 1) {
		ls_cli_error("help", "expected at most one command name");
		return LS_EXIT_USAGE;
	}
	const ls_command *cmd = ls_cli_find(argv[optind]);
	if (cmd == NULL) {
		ls_cli_error("help", "unknown command '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	ls_cli_print_usage(cmd);
	return LS_EXIT_OK;
}

int main(int argc, char **argv)
{
	/* A closed pipe must surface as a write error with a message, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	int status;
	if (argc < 2) {
		print_general_help(stderr);
		status = LS_EXIT_USAGE;
	} else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_general_help(stdout);
		status = LS_EXIT_OK;
	} else if (strcmp(argv[1], "--version") == 0) {
		status = ls_cmd_version(1, (char *[]){ (char *)"version", NULL });
	} else if (argv[1][0] == '-') {
		ls_cli_error(NULL,
		             "unknown option '%s' (commands come first; see 'leaksim --help')",
		             argv[1]);
		status = LS_EXIT_USAGE;
	} else {
		const ls_command *cmd = ls_cli_find(argv[1]);
		if (cmd == NULL) {
			ls_cli_error(NULL, "unknown command '%s' (see 'leaksim --help')", argv[1]);
			status = LS_EXIT_USAGE;
		} else {
			status = cmd->fn(argc - 1, argv + 1);
		}
	}
	return ls_cli_finish(status);
}
