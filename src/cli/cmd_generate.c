/*
 * cmd_generate.c - `leaksim generate`: write a synthetic dataset.
 *
 * The dataset directory is built under a temporary name and renamed into
 * place only when complete (core/atomic.h). Before that it is sealed
 * (forensics/integrity.h): chains, signed checkpoints and a signed manifest
 * under integrity/, with keys derived from the seed, or the signing key of
 * --sign-key (a `leaksim keygen` secret key). A progress bar goes to stderr
 * when it is a terminal; the closing summary (records per source, seconds,
 * events/s) goes to stdout unless --quiet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/atomic.h"
#include "core/str.h"
#include "core/time.h"
#include "forensics/integrity.h"
#include "forensics/keys.h"
#include "sim/gen.h"

typedef struct progress {
	bool on;
	double t0;
} progress;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(void *ctx, uint32_t done, uint32_t days, uint64_t records)
{
	progress *p = ctx;
	if (!p->on)
		return;
	enum { WIDTH = 30 };
	int fill = (int)((uint64_t)done * WIDTH / (days ? days : 1));
	char bar[WIDTH + 1];
	for (int i = 0; i < WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[WIDTH] = '\0';
	fprintf(stderr, "\rgenerating [%s] day %u/%u, %llu records", bar, done, days,
	        (unsigned long long)records);
	if (done == days)
		fputc('\n', stderr);
	fflush(stderr);
}

static int parse_u64_opt(const char *opt, const char *arg, uint64_t min, uint64_t max,
                         uint64_t *out)
{
	uint64_t v;
	if (ls_sv_to_u64(ls_sv_from_cstr(arg), &v) != LS_OK || v < min || v > max) {
		ls_cli_error("generate", "%s: expected a whole number from %llu to %llu, got '%s'",
		             opt, (unsigned long long)min, (unsigned long long)max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD" as the UTC instant of that local midnight. */
static int parse_date(const char *arg, int offset_min, ls_time *out)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_printf(&b, "%sT00:00:00Z", arg);
	ls_time t;
	ls_err e =
	        strlen(arg) == 10 ? ls_time_parse_rfc3339(ls_buf_sv(&b), &t, NULL) : LS_ERR_PARSE;
	ls_buf_fini(&b);
	if (e != LS_OK) {
		ls_cli_error("generate", "--start: expected a date YYYY-MM-DD, got '%s'", arg);
		return -1;
	}
	*out = t - (ls_time)offset_min * LS_USEC_PER_MIN;
	return 0;
}

int ls_cmd_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "people", required_argument, NULL, 'p' },
		{ "days", required_argument, NULL, 'd' },
		{ "start", required_argument, NULL, 'b' },
		{ "profile", required_argument, NULL, 'P' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "artifacts", no_argument, NULL, 'A' },
		{ "sign-key", required_argument, NULL, 'K' },
		{ 0, 0, 0, 0 },
	};
	const char *scenario = "default", *out = NULL, *start = NULL, *profile = NULL;
	const char *sign_key = NULL;
	bool force = false, quiet = false, have_seed = false, have_people = false,
	     have_days = false;
	sim_gen_opts gopts = { 0 };
	uint64_t seed = 0, people = 0, days = 0;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "s:S:p:d:b:P:o:fqhAK:", opts)) != -1) {
		switch (c) {
		case 's': scenario = optarg; break;
		case 'S':
			if (parse_u64_opt("--seed", optarg, 0, UINT64_MAX, &seed) != 0)
				return LS_EXIT_USAGE;
			have_seed = true;
			break;
		case 'p':
			if (parse_u64_opt("--people", optarg, 1, SIM_PEOPLE_MAX, &people) != 0)
				return LS_EXIT_USAGE;
			have_people = true;
			break;
		case 'd':
			if (parse_u64_opt("--days", optarg, 1, SIM_DAYS_MAX, &days) != 0)
				return LS_EXIT_USAGE;
			have_days = true;
			break;
		case 'b': start = optarg; break;
		case 'P': profile = optarg; break;
		case 'o': out = optarg; break;
		case 'f': force = true; break;
		case 'q': quiet = true; break;
		case 'A': gopts.artifacts = true; break;
		case 'K': sign_key = optarg; break;
		case 'h': ls_cli_print_usage(ls_cli_find("generate")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ls_cli_error("generate", "unexpected argument '%s'", argv[optind]);
		return LS_EXIT_USAGE;
	}
	if (out == NULL) {
		ls_cli_error("generate", "--out DIR is required");
		return LS_EXIT_USAGE;
	}

	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	ls_cli_sealer sl;
	memset(&sl, 0, sizeof sl);
	ls_diag d;
	ls_diag_clear(&d);
	if (sim_scenario_resolve(&sc, scenario, &d) != LS_OK) {
		ls_cli_diag("generate", &d);
		sim_scenario_fini(&sc);
		return LS_EXIT_USAGE;
	}
	int status = LS_EXIT_OK;
	if (have_seed)
		sc.seed = seed;
	if (have_people)
		sc.people = (uint32_t)people;
	if (have_days)
		sc.days = (uint32_t)days;
	if (start && parse_date(start, sc.utc_offset_min, &sc.start) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (profile && sim_profile_parse(ls_sv_from_cstr(profile), &sc.profile) != LS_OK) {
		ls_cli_error("generate", "--profile: expected msgr or telegram, got '%s'", profile);
		status = LS_EXIT_USAGE;
		goto done;
	}

	if (ls_cli_sealer_setup(&sl, sc.seed, sign_key, &gopts, "generate") != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}

	ls_adir ad;
	if (ls_adir_begin(&ad, out, force, &d) != LS_OK) {
		ls_cli_diag("generate", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	progress pg = { .on = !quiet && isatty(STDERR_FILENO), .t0 = now_s() };
	sim_gen_stats st;
	if (sim_generate(&sc, ad.tmp, &gopts, &st, show_progress, &pg, &d) != LS_OK ||
	    ls_adir_commit(&ad, &d) != LS_OK) {
		ls_cli_diag("generate", &d);
		ls_adir_abort(&ad);
		status = LS_EXIT_USAGE;
		goto done;
	}
	double secs = now_s() - pg.t0;
	if (!quiet) {
		printf("%s: scenario %s, seed %llu, %u people, %u days, profile %s\n", out, sc.name,
		       (unsigned long long)sc.seed, sc.people, sc.days,
		       sim_profile_name(sc.profile));
		for (int s = 0; s < SIM_SRC__COUNT; s++)
			printf("  logs/%-16s %10llu records %12llu bytes\n", sim_source_file[s],
			       (unsigned long long)st.records[s], (unsigned long long)st.bytes[s]);
		printf("  total %26llu records %12llu bytes in %.2f s (%.0f events/s)\n",
		       (unsigned long long)st.total_records, (unsigned long long)st.total_bytes,
		       secs, secs > 0 ? (double)st.total_records / secs : 0.0);
		char fp[LS_KEYS_FINGERPRINT_HEX + 1];
		ls_keys_fingerprint(&sl.signer.pub, fp);
		printf("  sealed in %s/integrity/ by key %s ('leaksim verify %s' checks it)\n", out,
		       fp, out);
		const sim_gen_campaign *gc = &st.campaign;
		if (gc->on) {
			ls_buf a = LS_BUF_INIT, b = LS_BUF_INIT, p = LS_BUF_INIT;
			ls_time_format_rfc3339(&a, gc->exfil_start, 0, 0);
			ls_time_format_rfc3339(&b, gc->exfil_end, 0, 0);
			ls_time_format_rfc3339(&p, gc->published, 0, 0);
			printf("  campaign %s: %s on %s took %llu rows\n", gc->preset, gc->insider,
			       gc->laptop, (unsigned long long)gc->rows);
			printf("    %s, %llu bytes, left in %u upload%s (%llu bytes on the wire)\n",
			       gc->leaked, (unsigned long long)gc->leaked_bytes, gc->uploads,
			       gc->uploads == 1 ? "" : "s", (unsigned long long)gc->wire_bytes);
			printf("    from %s to %s; posted %s\n", a.data, b.data, p.data);
			printf("  answer key: %s/truth/answer-key.json\n", out);
			ls_buf_fini(&a);
			ls_buf_fini(&b);
			ls_buf_fini(&p);
		}
	}
done:
	ls_cli_sealer_fini(&sl);
	sim_scenario_fini(&sc);
	return status;
}
