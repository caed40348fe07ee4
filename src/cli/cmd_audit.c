/*
 * cmd_audit.c - `leaksim audit DIR`: prove a dataset is entirely synthetic.
 *
 * The checks live in forensics/audit.c; this file prints what they find.
 * Each finding is one line on stdout,
 *   leaksim audit: FILE:LINE: KIND: detail
 * (FILE relative to DIR; ":LINE" left out for whole-file findings). Only the
 * first AUDIT_PRINT_MAX are printed, so a badly broken dataset cannot flood
 * a terminal; the count of the rest follows, then one summary line:
 *   audit: N records in M files: clean                  exit 0
 *   audit: N records in M files: K findings             exit 1
 * A missing directory, manifest or logs/ is a usage error (exit 2).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "forensics/audit.h"

#define AUDIT_PRINT_MAX 100

typedef struct printer {
	uint64_t printed;
} printer;

static void print_finding(void *ctx, const ls_audit_finding *f)
{
	printer *p = ctx;
	if (p->printed >= AUDIT_PRINT_MAX)
		return;
	p->printed++;
	if (f->line)
		printf("leaksim audit: %s:%lu: %s: %s\n", f->file, f->line,
		       ls_audit_kind_name(f->kind), f->detail);
	else
		printf("leaksim audit: %s: %s: %s\n", f->file, ls_audit_kind_name(f->kind),
		       f->detail);
}

int ls_cmd_audit(int argc, char **argv)
{
	int status = ls_cli_help_only(argc, argv);
	if (status >= 0)
		return status;
	if (argc - optind != 1) {
		ls_cli_error("audit",
		             "expected one dataset directory (see 'leaksim audit --help')");
		return LS_EXIT_USAGE;
	}
	printer p = { 0 };
	ls_audit_stats st;
	ls_diag d;
	ls_diag_clear(&d);
	if (ls_audit_dataset(argv[optind], print_finding, &p, &st, &d) != LS_OK) {
		ls_cli_diag("audit", &d);
		return LS_EXIT_USAGE;
	}
	if (st.findings > p.printed)
		printf("leaksim audit: %" PRIu64 " more findings not shown\n",
		       st.findings - p.printed);
	printf("audit: %" PRIu64 " records in %" PRIu64 " files: ", st.records, st.files);
	if (st.findings == 0) {
		printf("clean\n");
		return LS_EXIT_OK;
	}
	printf("%" PRIu64 " finding%s\n", st.findings, st.findings == 1 ? "" : "s");
	return LS_EXIT_FOUND;
}
