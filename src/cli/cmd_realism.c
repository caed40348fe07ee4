/*
 * cmd_realism.c - `leaksim realism DIR [--json]`: does the benign world look
 * real?
 *
 * The figures come from score/realism.h; this file only shows them: aligned
 * tables with small text charts (a sparkline per source for the hourly
 * curve, bars for the totals), or with --json the same data as one JSON
 * object. Lines that do not parse are counted in the output and the first
 * few are named on stderr with file:line:col.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/str.h"
#include "score/realism.h"

/* How many unreadable lines are named on stderr before only counting. */
#define BAD_SHOWN 20
/* Width of the longest bar. */
#define BAR_WIDTH 40

typedef struct badctx {
	uint64_t n;
} badctx;

static void on_bad(void *ctx, const ls_diag *d)
{
	badctx *b = ctx;
	if (++b->n <= BAD_SHOWN)
		ls_cli_diag("realism", d);
}

/* ------------------------------------------------------------ formatting */

/* v with thousands separators, into out (at least 32 bytes). */
static const char *num(char *out, size_t cap, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

#define NUM(v) num((char[32]){ 0 }, 32, (v))

static void bar(ls_buf *b, uint64_t v, uint64_t max)
{
	if (max == 0 || v == 0)
		return;
	uint64_t w = (v * BAR_WIDTH + max / 2) / max;
	if (w == 0)
		w = 1;
	for (uint64_t i = 0; i < w; i++)
		ls_buf_append_char(b, '#');
}

/* One character per value: blank for zero, else one of eight block heights. */
static void sparkline(ls_buf *b, const uint64_t *v, size_t n)
{
	static const char *const level[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
		                              "\u2585", "\u2586", "\u2587", "\u2588" };
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (size_t i = 0; i < n; i++) {
		if (v[i] == 0) {
			ls_buf_append_char(b, ' ');
			continue;
		}
		uint64_t l = (v[i] * 8 + max - 1) / max; /* 1..8 */
		ls_buf_append_cstr(b, level[l - 1]);
	}
}

static void pct(ls_buf *b, uint64_t part, uint64_t whole)
{
	ls_buf_printf(b, "%6.1f%%", whole ? 100.0 * (double)part / (double)whole : 0.0);
}

/* ---------------------------------------------------------------- report */

static void header(ls_buf *b, const ls_realism *R, const char *dir)
{
	ls_buf_printf(b, "Realism of the benign model: %s\n", dir);
	if (R->have_manifest) {
		ls_buf_printf(b, "  scenario %s", R->scenario ? R->scenario : "(unnamed)");
		if (R->have_seed)
			ls_buf_printf(b, ", seed %" PRIu64, R->seed);
		ls_buf_append_cstr(b, "\n");
	} else {
		ls_buf_append_cstr(b, "  no manifest.json\n");
	}
	ls_buf_append_cstr(b, "  ");
	if (R->people)
		ls_buf_printf(b, "%s people", NUM(R->people));
	else
		ls_buf_append_cstr(b, "people unknown (per 1,000 people-days not given)");
	if (R->days)
		ls_buf_printf(b, ", %" PRIu64 " days%s", R->days,
		              R->days_from_events ? " (the span of the events' local dates)" : "");
	ls_buf_append_cstr(b, "\n");
	if (R->offset_known) {
		int o = R->offset_minutes < 0 ? -R->offset_minutes : R->offset_minutes;
		ls_buf_printf(b, "  local time UTC%c%02d:%02d (from the manifest's start)\n",
		              R->offset_minutes < 0 ? '-' : '+', o / 60, o % 60);
	} else {
		ls_buf_append_cstr(b, "  local time: UTC assumed (the dataset records no UTC offset)\n");
	}
	ls_buf_printf(b, "  %s benign events", NUM(R->events));
	if (R->have_key)
		ls_buf_printf(b, "; %s campaign events excluded (%s of the answer key's %s step "
		                 "records found)",
		              NUM(R->excluded), NUM(R->campaign_found), NUM(R->campaign_records));
	else
		ls_buf_append_cstr(b, "; no answer key: nothing excluded, no hard negatives");
	ls_buf_printf(b, "; %s unreadable lines\n", NUM(R->unreadable));
}

static void sources(ls_buf *b, const ls_realism *R)
{
	ls_buf_printf(b, "\nEvents by source\n  %-10s %12s %10s %8s %10s\n", "source", "events",
	              "excluded", "untimed", "unreadable");
	uint64_t ev = 0, ex = 0, un = 0, bad = 0;
	for (size_t i = 0; i < R->nsrc; i++) {
		const ls_realism_source *s = &R->src[i];
		if (!s->present)
			continue;
		ls_buf_printf(b, "  %-10s %12s %10s %8s %10s\n", s->name, NUM(s->events),
		              NUM(s->excluded), NUM(s->untimed), NUM(s->unreadable));
		ev += s->events;
		ex += s->excluded;
		un += s->untimed;
		bad += s->unreadable;
	}
	ls_buf_printf(b, "  %-10s %12s %10s %8s %10s\n", "all", NUM(ev), NUM(ex), NUM(un),
	              NUM(bad));
}

static void hours(ls_buf *b, const ls_realism *R)
{
	ls_buf_append_cstr(b, "\nActivity by local hour (each line scaled to its own peak)\n");
	ls_buf_printf(b, "  %-10s 0     6     12    18     %5s %7s\n", "source", "peak",
	              "08-18h");
	uint64_t all[24] = { 0 };
	for (size_t i = 0; i < R->nsrc; i++) {
		const ls_realism_source *s = &R->src[i];
		if (!s->present)
			continue;
		uint64_t timed = 0, office = 0;
		size_t peak = 0;
		for (size_t h = 0; h < 24; h++) {
			all[h] += s->hours[h];
			timed += s->hours[h];
			if (h >= 8 && h < 18)
				office += s->hours[h];
			if (s->hours[h] > s->hours[peak])
				peak = h;
		}
		ls_buf_printf(b, "  %-10s ", s->name);
		sparkline(b, s->hours, 24);
		if (timed)
			ls_buf_printf(b, "  %02zu:00 ", peak);
		else
			ls_buf_append_cstr(b, "      - ");
		pct(b, office, timed);
		ls_buf_append_char(b, '\n');
	}
	uint64_t max = 0, total = 0;
	for (size_t h = 0; h < 24; h++) {
		max = all[h] > max ? all[h] : max;
		total += all[h];
	}
	ls_buf_append_cstr(b, "\n  all sources by local hour\n");
	for (size_t h = 0; h < 24; h++) {
		ls_buf_printf(b, "  %02zu  %12s ", h, NUM(all[h]));
		pct(b, all[h], total);
		ls_buf_append_cstr(b, "  ");
		bar(b, all[h], max);
		ls_buf_append_char(b, '\n');
	}
}

static void weekdays(ls_buf *b, const ls_realism *R)
{
	static const char *const names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	ls_buf_printf(b, "\nActivity by local weekday\n  %-10s", "source");
	for (size_t d = 0; d < 7; d++)
		ls_buf_printf(b, " %10s", names[d]);
	ls_buf_append_char(b, '\n');
	uint64_t all[7] = { 0 };
	for (size_t i = 0; i < R->nsrc; i++) {
		const ls_realism_source *s = &R->src[i];
		if (!s->present)
			continue;
		ls_buf_printf(b, "  %-10s", s->name);
		for (size_t d = 0; d < 7; d++) {
			ls_buf_printf(b, " %10s", NUM(s->weekdays[d]));
			all[d] += s->weekdays[d];
		}
		ls_buf_append_char(b, '\n');
	}
	uint64_t max = 0, total = 0;
	for (size_t d = 0; d < 7; d++) {
		max = all[d] > max ? all[d] : max;
		total += all[d];
	}
	ls_buf_append_cstr(b, "\n  all sources by local weekday\n");
	for (size_t d = 0; d < 7; d++) {
		ls_buf_printf(b, "  %s %12s ", names[d], NUM(all[d]));
		pct(b, all[d], total);
		ls_buf_append_cstr(b, "  ");
		bar(b, all[d], max);
		ls_buf_append_char(b, '\n');
	}
}

static void sizes(ls_buf *b, const ls_realism *R)
{
	ls_buf_append_cstr(b, "\nSizes (nearest-rank percentiles; exact below 2,048, else at most "
	                      "0.1% low)\n");
	ls_buf_printf(b, "  %-10s %-11s %11s %11s %13s %15s %15s\n", "source", "field", "n", "p50",
	              "p90", "p99", "max");
	for (size_t i = 0; i < R->nsize; i++) {
		const ls_realism_size *z = &R->size[i];
		size_t si = ls_realism_source_index(z->source);
		if (si == SIZE_MAX || !R->src[si].present)
			continue;
		ls_buf_printf(b, "  %-10s %-11s %11s", z->source, z->field, NUM(z->h.n));
		if (z->h.n)
			ls_buf_printf(b, " %11s %13s %15s %15s",
			              NUM(ls_sizehist_percentile(&z->h, 50)),
			              NUM(ls_sizehist_percentile(&z->h, 90)),
			              NUM(ls_sizehist_percentile(&z->h, 99)), NUM(z->h.max));
		else
			ls_buf_printf(b, " %11s %13s %15s %15s", "-", "-", "-", "-");
		if (z->invalid)
			ls_buf_printf(b, "  (%s not integers)", NUM(z->invalid));
		ls_buf_append_char(b, '\n');
	}
}

static void mix(ls_buf *b, const ls_realism_mix *m, const char *title)
{
	ls_buf_printf(b, "\n  %s: %s in all, %s distinct\n", title, NUM(m->total), NUM(m->t.n));
	uint64_t max = m->ntop ? m->top[0].count : 0;
	for (size_t i = 0; i < m->ntop; i++) {
		ls_buf_printf(b, "    %-34.*s %12s ", (int)m->top[i].len, m->top[i].value,
		              NUM(m->top[i].count));
		pct(b, m->top[i].count, m->total);
		ls_buf_append_cstr(b, "  ");
		bar(b, m->top[i].count, max);
		ls_buf_append_char(b, '\n');
	}
}

static void mixes(ls_buf *b, const ls_realism *R)
{
	ls_buf_printf(b, "\nDestinations (top %d)\n", LS_REALISM_TOP);
	mix(b, &R->mix[LS_REALISM_MIX_PROXY_HOSTS], "proxy cs-host");
	mix(b, &R->mix[LS_REALISM_MIX_CONN_PORTS], "conn responder port/proto");
	mix(b, &R->mix[LS_REALISM_MIX_CONN_RESPONDERS], "conn responder address");
	mix(b, &R->mix[LS_REALISM_MIX_DNS_QUERIES], "dns query");
	ls_buf_printf(b, "\nProcesses (top %d)\n", LS_REALISM_TOP);
	mix(b, &R->mix[LS_REALISM_MIX_PROCESSES], "Sysmon process creations by Image");
}

static void hard_negatives(ls_buf *b, const ls_realism *R)
{
	if (!R->have_key)
		return;
	ls_buf_append_cstr(b, "\nHard negatives (the answer key's decoys; occurrences are "
	                      "episodes rebuilt from the logs)\n");
	ls_buf_printf(b, "  %-18s %7s %11s %9s %9s %9s %12s\n", "kind", "entries", "occurrences",
	              "records", "found", "per day", "per 1k p-d");
	if (R->nkind == 0)
		ls_buf_append_cstr(b, "  (none listed)\n");
	uint64_t pd = R->people * R->days;
	for (size_t i = 0; i < R->nkind; i++) {
		const ls_realism_kind *k = &R->kind[i];
		ls_buf_printf(b, "  %-18s %7s %11s %9s %9s", k->name, NUM(k->entries),
		              NUM(k->occurrences), NUM(k->records), NUM(k->found));
		if (R->days)
			ls_buf_printf(b, " %9.2f", (double)k->occurrences / (double)R->days);
		else
			ls_buf_printf(b, " %9s", "-");
		if (pd)
			ls_buf_printf(b, " %12.2f", (double)k->occurrences * 1000.0 / (double)pd);
		else
			ls_buf_printf(b, " %12s", "-");
		ls_buf_append_char(b, '\n');
	}
}

/* ---------------------------------------------------------------- command */

int ls_cmd_realism(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	bool json = false;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "jh", opts)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': ls_cli_print_usage(ls_cli_find("realism")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ls_cli_error("realism", "no dataset: give a dataset directory");
		return LS_EXIT_USAGE;
	}
	if (argc - optind > 1) {
		ls_cli_error("realism", "expected one dataset directory, got %d arguments",
		             argc - optind);
		return LS_EXIT_USAGE;
	}
	const char *dir = argv[optind];
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ls_cli_error("realism", "%s: not a dataset directory", dir);
		return LS_EXIT_USAGE;
	}

	ls_realism R;
	ls_realism_init(&R);
	badctx bad = { 0 };
	ls_diag d;
	ls_diag_clear(&d);
	int status = LS_EXIT_OK;
	if (ls_realism_read(&R, dir, on_bad, &bad, &d) != LS_OK) {
		ls_cli_diag("realism", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (bad.n > BAD_SHOWN)
		ls_cli_error("realism", "%" PRIu64 " more lines did not parse", bad.n - BAD_SHOWN);

	ls_buf out = LS_BUF_INIT;
	if (json) {
		ls_realism_json(&R, dir, &out);
	} else {
		header(&out, &R, dir);
		sources(&out, &R);
		hours(&out, &R);
		weekdays(&out, &R);
		sizes(&out, &R);
		mixes(&out, &R);
		hard_negatives(&out, &R);
	}
	if (ls_buf_write(&out, stdout) != LS_OK)
		status = LS_EXIT_USAGE;
	ls_buf_fini(&out);
done:
	ls_realism_fini(&R);
	return status;
}
