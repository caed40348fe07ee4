/*
 * cmd_verify.c - `leaksim verify DATASET [--pubkey FILE]`: check a
 * dataset's integrity data.
 *
 * The checks live in forensics/integrity.c; this file prints what they
 * find. Each damaged file gives one line on stdout, its first problem:
 *   leaksim verify: FILE:LINE: KIND: detail
 * (":LINE" left out for whole-file problems), at most VERIFY_PRINT_MAX of
 * them, then one summary line:
 *   verify: intact: N files, N records, N epochs, N checkpoints    exit 0
 *   verify: N damaged; first problem: FILE:LINE: KIND              exit 1
 * Missing or malformed integrity files, an unreadable dataset and a bad
 * --pubkey file are errors with file:line:col where there is one (exit 2).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/str.h"
#include "forensics/integrity.h"
#include "forensics/keys.h"

#define VERIFY_PRINT_MAX 100

typedef struct printer {
	uint64_t printed;
	ls_buf first; /* "FILE:LINE: KIND" of the first problem */
} printer;

static void print_problem(void *ctx, const ls_integrity_problem *p)
{
	printer *pr = ctx;
	ls_buf where = LS_BUF_INIT;
	ls_buf_append_cstr(&where, p->file);
	if (p->line) {
		ls_buf_append_char(&where, ':');
		ls_buf_append_u64(&where, p->line);
	}
	if (pr->first.len == 0)
		ls_buf_printf(&pr->first, "%s: %s", where.data, ls_integrity_kind_name(p->kind));
	if (pr->printed < VERIFY_PRINT_MAX) {
		pr->printed++;
		printf("leaksim verify: %s: %s: %s\n", where.data, ls_integrity_kind_name(p->kind),
		       p->detail);
	}
	ls_buf_fini(&where);
}

int ls_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *pubkey = NULL;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "k:h", opts)) != -1) {
		switch (c) {
		case 'k': pubkey = optarg; break;
		case 'h': ls_cli_print_usage(ls_cli_find("verify")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		ls_cli_error("verify", "expected one dataset directory (see 'leaksim verify --help')");
		return LS_EXIT_USAGE;
	}
	ls_diag d;
	ls_diag_clear(&d);
	ls_pubkey pinned;
	if (pubkey && ls_keys_load_public(pubkey, &pinned, &d) != LS_OK) {
		ls_cli_diag("verify", &d);
		return LS_EXIT_USAGE;
	}
	printer pr = { 0, LS_BUF_INIT };
	ls_integrity_stats st;
	int status;
	if (ls_integrity_verify_dataset(argv[optind], pubkey ? &pinned : NULL, print_problem, &pr,
	                                &st, &d) != LS_OK) {
		ls_cli_diag("verify", &d);
		status = LS_EXIT_USAGE;
	} else if (st.problems == 0) {
		printf("verify: intact: %" PRIu64 " files, %" PRIu64 " records, %" PRIu64
		       " epochs, %" PRIu64 " checkpoints\n",
		       st.files, st.records, st.epochs, st.checkpoints);
		status = LS_EXIT_OK;
	} else {
		if (st.problems > pr.printed)
			printf("leaksim verify: %" PRIu64 " more problems not shown\n",
			       st.problems - pr.printed);
		printf("verify: %" PRIu64 " damaged; first problem: %s\n", st.problems,
		       pr.first.data);
		status = LS_EXIT_FOUND;
	}
	ls_buf_fini(&pr.first);
	return status;
}
