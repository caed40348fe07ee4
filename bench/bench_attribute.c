/*
 * bench_attribute.c - the false-attribution experiment: many simulated
 * leaks, each attributed as `leaksim attribute` does, against the truth.
 *
 *   bench_attribute [LEAKS [ROWS [SESSIONS]]]    default 1080 100000 40
 *
 * A register of ROWS rows (seed 1) and a log of SESSIONS export sessions
 * like a dataset's: six nightly pg_dump backups and two insider exports
 * (CSV and INSERT) of every row, and analysts' exports of rows [0, n) with
 * n drawn as the simulator draws them (log-normal, median 36,000, at most
 * ROWS; CSV, COPY or INSERT). Every export is real: sim_register_export
 * writes it with its watermark. Each leak takes one export, keeps a random
 * fraction of its rows (5-100 %), and transforms it:
 *
 *   subset      the rows kept, in order, in the export's own format
 *   shuffle     ... in a random order
 *   convert     ... converted between CSV and SQL (COPY, INSERT, pg_dump
 *               script) by a tool with its own line ending, quoting and
 *               batch size
 *   columns     ... with 1 to 7 of the 8 columns dropped
 *   duplicates  ... with rows repeated (up to 3 more times each, some at the end)
 *   dedup       ... repeated, then `sort -u`: sorted and de-duplicated
 *   strip       ... with the canary rows taken out
 *   unlogged    an export of the same register by a session not in the log,
 *               then any of the above
 *   unrelated   an export of another register (seed 2), then any of the above
 *
 * and is attributed against the whole log at the threshold 1e-6. A leak
 * of a logged session is correct when named after it, false when named
 * after another session, unknown otherwise; a leak of the last two kinds
 * is false when named after any session. The report gives the three rates
 * per transformation and per kept fraction, the strongest bound any wrong
 * session reached, and the time per leak. Everything is seeded, so a run
 * is reproducible.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/mem.h"
#include "core/rng.h"
#include "core/str.h"
#include "forensics/attribute.h"
#include "io/table.h"
#include "sim/attrib.h"
#include "sim/register.h"

#define NCOLS SIM_REGISTER_COLUMNS

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---------------------------------------------------------------- sessions */

enum { K_BACKUP, K_CAMPAIGN, K_ANALYST, K_UNLOGGED, K_UNRELATED, K__COUNT };
static const char *const kind_names[K__COUNT] = { "dba_backup", "campaign", "analyst_export",
	                                          "unlogged", "unrelated" };

typedef struct session {
	char id[33];
	int kind;
	sim_export_format format;
	bool pg_dump; /* COPY inside a pg_dump script */
	uint64_t rows;
	const sim_register *reg;
} session;

static void random_id(ls_rng *g, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	ls_rng_bytes(g, raw, sizeof raw);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[32] = '\0';
}

/* ------------------------------------------------------------ export rows */

typedef struct brow {
	const char *f[NCOLS]; /* field texts as the export wrote them */
	size_t n[NCOLS];
	bool canary;
	uint64_t stmt; /* INSERT statement */
} brow;

typedef struct table {
	brow *rows;
	size_t n, cap;
	ls_arena arena;
} table;

/* Parse an export back into rows (all columns, in order). */
static void table_load(table *t, const sim_register *reg, const ls_buf *text)
{
	memset(t, 0, sizeof *t);
	ls_arena_init(&t->arena, 1u << 20);
	ls_table_reader rd;
	ls_table_record rec;
	ls_diag d;
	if (ls_table_init(&rd, text->data, text->len, LS_TABLE_AUTO, false, "export", &d) != LS_OK)
		goto bad;
	bool header = ls_table_format_of(&rd) == LS_TABLE_CSV;
	ls_err e;
	while ((e = ls_table_next(&rd, &rec, &d)) == LS_OK) {
		if (header) {
			header = false;
			continue;
		}
		if (rec.nfields != NCOLS)
			goto bad;
		t->rows = ls_xgrow(t->rows, &t->cap, t->n + 1, sizeof *t->rows);
		brow *r = &t->rows[t->n++];
		for (unsigned k = 0; k < NCOLS; k++) {
			r->f[k] = ls_arena_strndup(&t->arena, rec.fields[k].value.ptr,
			                           rec.fields[k].value.len);
			r->n[k] = rec.fields[k].value.len;
		}
		uint64_t index;
		r->canary = sim_register_index_of(reg, ls_sv_make(r->f[0], r->n[0]), &index) == LS_OK &&
		            index >= SIM_REGISTER_CANARY_BASE;
		r->stmt = rec.statement;
	}
	if (e != LS_ERR_NOTFOUND)
		goto bad;
	ls_table_fini(&rd);
	return;
bad:
	ls_diag_print(&d, stderr);
	exit(2);
}

static void table_fini(table *t)
{
	free(t->rows);
	ls_arena_fini(&t->arena);
}

/* ---------------------------------------------------------------- writers */

typedef struct style {
	sim_export_format format;
	bool pg_dump;   /* COPY in a pg_dump script */
	bool crlf;      /* CSV */
	bool quote_all; /* CSV */
	unsigned batch; /* INSERT rows per statement; 0: keep the rows' statements */
} style;

static void put_cols(ls_buf *b, uint32_t cols, const char *sep, bool csv, bool quote_all)
{
	bool first = true;
	for (unsigned k = 0; k < NCOLS; k++) {
		if (!(cols & (1u << k)))
			continue;
		if (!first)
			ls_buf_append_cstr(b, sep);
		first = false;
		const char *name = sim_register_column_name(k);
		if (csv)
			sim_register_escape(b, SIM_EXPORT_CSV, quote_all, name, strlen(name));
		else
			ls_buf_append_cstr(b, name);
	}
}

static void write_table(ls_buf *b, brow *const *rows, size_t n, uint32_t cols, const style *s)
{
	const char *eol = s->format == SIM_EXPORT_CSV && s->crlf ? "\r\n" : "\n";
	if (s->pg_dump)
		ls_buf_append_cstr(b, "--\n-- PostgreSQL database dump\n--\n\n"
		                      "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
		                      "SET standard_conforming_strings = on;\n"
		                      "SELECT pg_catalog.set_config('search_path', '', false);\n\n"
		                      "CREATE TABLE public.members (\n"
		                      "    member_id character varying(10) NOT NULL,\n"
		                      "    full_name text,\n    branch text,\n    \"position\" text,\n"
		                      "    birth_date date,\n    join_date date,\n"
		                      "    resident_id character(18),\n    phone text\n);\n\n"
		                      "--\n-- Data for Name: members; Type: TABLE DATA\n--\n\n");
	if (s->format == SIM_EXPORT_CSV) {
		put_cols(b, cols, ",", true, s->quote_all);
		ls_buf_append_cstr(b, eol);
	} else if (s->format == SIM_EXPORT_SQL_COPY) {
		ls_buf_append_cstr(b, "COPY " SIM_REGISTER_TABLE " (");
		put_cols(b, cols, ", ", false, false);
		ls_buf_append_cstr(b, ") FROM stdin;\n");
	}
	uint64_t in_stmt = 0, stmt = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		const brow *r = rows[i];
		bool first = true;
		if (s->format == SIM_EXPORT_SQL_INSERT) {
			bool fresh = s->batch ? in_stmt == s->batch || i == 0 : r->stmt != stmt || i == 0;
			if (fresh) {
				if (i > 0)
					ls_buf_append_cstr(b, ";\n");
				ls_buf_append_cstr(b, "INSERT INTO " SIM_REGISTER_TABLE " (");
				put_cols(b, cols, ", ", false, false);
				ls_buf_append_cstr(b, ") VALUES\n");
				in_stmt = 0;
				stmt = r->stmt;
			} else {
				ls_buf_append_cstr(b, ",\n");
			}
			ls_buf_append_cstr(b, "\t(");
			in_stmt++;
		}
		for (unsigned k = 0; k < NCOLS; k++) {
			if (!(cols & (1u << k)))
				continue;
			if (!first)
				ls_buf_append_cstr(b, s->format == SIM_EXPORT_CSV        ? ","
				                      : s->format == SIM_EXPORT_SQL_COPY ? "\t"
				                                                         : ", ");
			first = false;
			sim_register_escape(b, s->format, s->quote_all, r->f[k], r->n[k]);
		}
		if (s->format == SIM_EXPORT_SQL_INSERT)
			ls_buf_append_char(b, ')');
		else
			ls_buf_append_cstr(b, eol);
	}
	if (s->format == SIM_EXPORT_SQL_INSERT && n > 0)
		ls_buf_append_cstr(b, ";\n");
	if (s->format == SIM_EXPORT_SQL_COPY)
		ls_buf_append_cstr(b, "\\.\n");
	if (s->pg_dump)
		ls_buf_append_cstr(b, "\n--\n-- PostgreSQL database dump complete\n--\n\n");
}

/* -------------------------------------------------------------- the leaks */

enum { T_SUBSET, T_SHUFFLE, T_CONVERT, T_COLUMNS, T_DUPLICATES, T_DEDUP, T_STRIP, T__BASIC };
static const char *const trans_names[T__BASIC] = { "subset",     "shuffle", "convert", "columns",
	                                           "duplicates", "dedup",   "strip" };
/* rows of the report: the seven transformations, then unlogged, unrelated */
#define REPORT_ROWS (T__BASIC + 2)

typedef struct tally {
	uint64_t n, correct, unknown, wrong;
} tally;

typedef struct ctx {
	ls_rng g;
	const sim_register *reg;
	session *log;
	size_t nlog;
	double threshold;
	tally by_row[REPORT_ROWS], by_fraction[4], by_kind[K__COUNT];
	double worst_wrong; /* ln of the smallest bound of a wrong session */
	double t_attr, t_max;
	uint64_t leaks, bytes;
} ctx;

static int cmp_text(const void *a, const void *b)
{
	const brow *x = *(brow *const *)a, *y = *(brow *const *)b;
	for (unsigned k = 0; k < NCOLS; k++) {
		size_t n = x->n[k] < y->n[k] ? x->n[k] : y->n[k];
		int c = memcmp(x->f[k], y->f[k], n);
		if (c != 0)
			return c;
		if (x->n[k] != y->n[k])
			return x->n[k] < y->n[k] ? -1 : 1;
	}
	return 0;
}

typedef struct placed {
	double key;
	brow *row;
} placed;

static int cmp_placed(const void *a, const void *b)
{
	const placed *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Build one leak of session s (its rows in t) into out; returns the report row. */
static int make_leak(ctx *c, const session *s, const table *t, int trans, double f, ls_buf *out)
{
	ls_rng *g = &c->g;
	style st = { .format = s->format, .pg_dump = s->pg_dump };
	sim_export_spec spec = { .session_id = s->id, .format = s->format };
	sim_watermark w;
	if (sim_register_watermark(s->reg, &spec, &w, NULL) != LS_OK)
		exit(2);
	st.crlf = w.crlf;
	st.quote_all = w.quote_all;
	sim_watermark_fini(&w);
	uint32_t cols = SIM_COL_ALL;

	brow **rows = ls_xmalloc((4 * t->n + 1) * sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		if (ls_rng_double(g) < f && !(trans == T_STRIP && t->rows[i].canary))
			rows[n++] = &t->rows[i];
	switch (trans) {
	case T_SHUFFLE: ls_rng_shuffle(g, rows, n, sizeof *rows); break;
	case T_CONVERT:
		if (s->format == SIM_EXPORT_CSV) {
			int to = (int)ls_rng_below(g, 3);
			st.format = to == 0 ? SIM_EXPORT_SQL_INSERT : SIM_EXPORT_SQL_COPY;
			st.pg_dump = to == 2;
			st.batch = ls_rng_bernoulli(g, 0.5) ? 1 : 1 + (unsigned)ls_rng_below(g, 2000);
		} else {
			bool csv = ls_rng_bernoulli(g, 0.7);
			st.format = csv ? SIM_EXPORT_CSV
			            : s->format == SIM_EXPORT_SQL_INSERT ? SIM_EXPORT_SQL_COPY
			                                                 : SIM_EXPORT_SQL_INSERT;
			st.pg_dump = false;
			st.batch = 1 + (unsigned)ls_rng_below(g, 2000);
		}
		st.crlf = ls_rng_bernoulli(g, 0.5);
		st.quote_all = ls_rng_bernoulli(g, 0.5);
		break;
	case T_COLUMNS: {
		unsigned drop = 1 + (unsigned)ls_rng_below(g, NCOLS - 1), order[NCOLS];
		for (unsigned k = 0; k < NCOLS; k++)
			order[k] = k;
		ls_rng_shuffle(g, order, NCOLS, sizeof order[0]);
		for (unsigned k = 0; k < drop; k++)
			cols &= ~(1u << order[k]);
		break;
	}
	case T_DUPLICATES:
	case T_DEDUP: {
		/* copies right after their row or at the end: sort on a position key */
		size_t m = n;
		placed *pl = ls_xmalloc((4 * m + 1) * sizeof *pl);
		size_t np = 0;
		for (size_t i = 0; i < m; i++) {
			pl[np++] = (placed){ (double)i, rows[i] };
			if (!ls_rng_bernoulli(g, 0.3))
				continue;
			unsigned extra = 1 + (unsigned)ls_rng_below(g, 3);
			for (unsigned k = 0; k < extra; k++)
				pl[np++] = (placed){ ls_rng_bernoulli(g, 0.5)
				                             ? (double)i + 0.5
				                             : (double)m + ls_rng_double(g) * (double)m,
					             rows[i] };
		}
		qsort(pl, np, sizeof *pl, cmp_placed);
		for (size_t i = 0; i < np; i++)
			rows[i] = pl[i].row;
		n = np;
		free(pl);
		if (trans == T_DEDUP) { /* sort -u */
			qsort(rows, n, sizeof *rows, cmp_text);
			size_t u = 0;
			for (size_t i = 0; i < n; i++)
				if (u == 0 || cmp_text(&rows[u - 1], &rows[i]) != 0)
					rows[u++] = rows[i];
			n = u;
		}
		if (st.format == SIM_EXPORT_SQL_INSERT)
			st.batch = s->format == SIM_EXPORT_SQL_INSERT ? 250 : 1;
		break;
	}
	default: break;
	}
	write_table(out, rows, n, cols, &st);
	free(rows);
	return trans;
}

static int fraction_bucket(double f)
{
	return f < 0.10 ? 0 : f < 0.25 ? 1 : f < 0.5 ? 2 : 3;
}

/* Attribute one leak against the log; counts the outcome. */
static void attribute(ctx *c, const ls_buf *text, const session *src, int row, double f)
{
	double t0 = now();
	sim_leak *lk;
	ls_diag d;
	ls_diag_clear(&d);
	if (sim_leak_read(&lk, c->reg, text->data, text->len, "leak", &d) != LS_OK) {
		ls_diag_print(&d, stderr);
		exit(2);
	}
	const sim_leak_info *in = sim_leak_info_of(lk);
	ls_attr_dims dims = { .n = SIM_DIM__COUNT };
	for (unsigned k = 0; k < SIM_DIM__COUNT; k++)
		dims.log_pi[k] = in->log_pi[k];
	double *lp = ls_xmalloc(c->nlog * sizeof *lp);
	for (size_t i = 0; i < c->nlog; i++) {
		sim_leak_evidence ev;
		if (sim_leak_session(lk, c->log[i].id, c->log[i].rows, &ev, NULL) != LS_OK)
			exit(2);
		ls_attr_evidence ae = { ev.canaries, ev.matched, in->chance, ev.dims_matched };
		lp[i] = ls_attr_log_pvalue(&ae, &dims);
	}
	ls_attr_decision dec;
	ls_attr_decide(lp, c->nlog, c->threshold, &dec);
	double dt = now() - t0;
	c->t_attr += dt;
	if (dt > c->t_max)
		c->t_max = dt;
	/* the strongest wrong session */
	for (size_t i = 0; i < c->nlog; i++) {
		if (&c->log[i] == src)
			continue;
		double b = ls_attr_log_bound(lp[i], c->nlog);
		if (b < c->worst_wrong)
			c->worst_wrong = b;
	}
	bool logged = src->kind < K_UNLOGGED;
	tally *ts[3] = { &c->by_row[row], &c->by_kind[src->kind],
		         logged ? &c->by_fraction[fraction_bucket(f)] : NULL };
	for (int k = 0; k < 3; k++) {
		tally *t = ts[k];
		if (t == NULL)
			continue;
		t->n++;
		if (!dec.attributed)
			t->unknown++;
		else if (logged && &c->log[dec.best] == src)
			t->correct++;
		else
			t->wrong++;
	}
	c->leaks++;
	c->bytes += text->len;
	free(lp);
	sim_leak_destroy(lk);
}

/* -------------------------------------------------------------------- main */

static void print_tally(const char *name, const tally *t, bool expect_unknown)
{
	if (t->n == 0)
		return;
	double n = (double)t->n;
	/* the one-sided 95 % upper bound of the false rate: 3/n when none */
	double up = t->wrong == 0 ? 3.0 / n : NAN;
	char correct[16];
	if (expect_unknown)
		snprintf(correct, sizeof correct, "%9s", "-");
	else
		snprintf(correct, sizeof correct, "%8.1f%%", 100.0 * (double)t->correct / n);
	printf("  %-15s %6llu  %s  %8.1f%%  %8.2f%%", name, (unsigned long long)t->n, correct,
	       100.0 * (double)t->unknown / n, 100.0 * (double)t->wrong / n);
	if (t->wrong == 0)
		printf("  (< %.2f%%)", 100 * up);
	printf("\n");
}

int main(int argc, char **argv)
{
	uint64_t leaks = argc > 1 ? strtoull(argv[1], NULL, 10) : 1080;
	uint64_t nrows = argc > 2 ? strtoull(argv[2], NULL, 10) : 100000;
	size_t nsess = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 40;
	if (leaks == 0 || nrows < 1000 || nrows > SIM_REGISTER_ROWS_MAX || nsess < 9) {
		fprintf(stderr, "usage: bench_attribute [LEAKS [ROWS (>= 1000) [SESSIONS (>= 9)]]]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 2;
	double t0 = now();
	sim_register *reg = ls_xmalloc(sizeof *reg), *other = ls_xmalloc(sizeof *other);
	if (sim_register_init(reg, 1, nrows) != LS_OK || sim_register_init(other, 2, nrows) != LS_OK)
		return 2;
	ctx c;
	memset(&c, 0, sizeof c);
	ls_rng_init(&c.g, 1, 0, "bench/attribute");
	c.reg = reg;
	c.threshold = LS_ATTR_THRESHOLD;
	c.worst_wrong = 0;

	/* the log, then sessions that are not in it */
	size_t nextra = 6, nall = nsess + nextra;
	session *all = ls_xcalloc(nall, sizeof *all);
	for (size_t i = 0; i < nall; i++) {
		session *s = &all[i];
		random_id(&c.g, s->id);
		s->reg = reg;
		s->rows = nrows;
		if (i < 6) {
			s->kind = K_BACKUP;
			s->format = SIM_EXPORT_SQL_COPY;
			s->pg_dump = true;
		} else if (i < 8) {
			s->kind = K_CAMPAIGN;
			s->format = i == 6 ? SIM_EXPORT_CSV : SIM_EXPORT_SQL_INSERT;
		} else {
			s->kind = i < nsess ? K_ANALYST : i < nsess + 3 ? K_UNLOGGED : K_UNRELATED;
			double u = ls_rng_double(&c.g);
			s->format = u < 0.6 ? SIM_EXPORT_CSV
			            : u < 0.8 ? SIM_EXPORT_SQL_COPY
			                      : SIM_EXPORT_SQL_INSERT;
			uint64_t r = (uint64_t)ls_rng_lognormal(&c.g, 10.5, 1.4);
			s->rows = r < 100 ? 100 : r > nrows ? nrows : r;
			if (s->kind == K_UNRELATED)
				s->reg = other;
		}
	}
	c.log = all;
	c.nlog = nsess;

	/* the plan: leak i uses transformation i mod 9 and a session for it */
	size_t *src = ls_xmalloc(leaks * sizeof *src);
	int *trans = ls_xmalloc(leaks * sizeof *trans);
	double *frac = ls_xmalloc(leaks * sizeof *frac);
	for (uint64_t i = 0; i < leaks; i++) {
		int row = (int)(i % REPORT_ROWS);
		if (row < T__BASIC) {
			src[i] = (size_t)ls_rng_below(&c.g, nsess);
			trans[i] = row;
		} else {
			src[i] = nsess + (row == T__BASIC ? 0 : 3) + (size_t)ls_rng_below(&c.g, 3);
			trans[i] = (int)ls_rng_below(&c.g, T__BASIC);
		}
		frac[i] = 0.05 + 0.95 * ls_rng_double(&c.g);
	}
	printf("attribution experiment: %llu leaks; register of %llu rows (seed 1), %zu logged "
	       "sessions\n",
	       (unsigned long long)leaks, (unsigned long long)nrows, nsess);

	/* one export per session, then its leaks */
	ls_buf text = LS_BUF_INIT, leak = LS_BUF_INIT;
	for (size_t s = 0; s < nall; s++) {
		bool used = false;
		for (uint64_t i = 0; i < leaks && !used; i++)
			used = src[i] == s;
		if (!used)
			continue;
		session *se = &all[s];
		sim_export_spec spec = { .session_id = se->id, .format = se->format, .hi = se->rows };
		sim_export_result res;
		ls_buf_reset(&text);
		if (sim_register_export(se->reg, &spec, sim_sink_buf, &text, &res, NULL) != LS_OK)
			return 2;
		table t;
		table_load(&t, se->reg, &text);
		/* the writer must give the export back byte for byte */
		brow **every = ls_xmalloc((t.n + 1) * sizeof *every);
		for (size_t i = 0; i < t.n; i++)
			every[i] = &t.rows[i];
		sim_watermark w;
		if (sim_register_watermark(se->reg, &spec, &w, NULL) != LS_OK)
			return 2;
		style st = { se->format, false, w.crlf, w.quote_all, 0 };
		sim_watermark_fini(&w);
		ls_buf_reset(&leak);
		write_table(&leak, every, t.n, SIM_COL_ALL, &st);
		free(every);
		if (leak.len != text.len || memcmp(leak.data, text.data, text.len) != 0) {
			fprintf(stderr, "bench: the rewritten export differs from session %s's\n",
			        se->id);
			return 2;
		}
		for (uint64_t i = 0; i < leaks; i++) {
			if (src[i] != s)
				continue;
			ls_buf_reset(&leak);
			make_leak(&c, se, &t, trans[i], frac[i], &leak);
			int row = se->kind == K_UNLOGGED ? T__BASIC : se->kind == K_UNRELATED ? T__BASIC + 1
			                                                                       : trans[i];
			attribute(&c, &leak, se, row, frac[i]);
		}
		table_fini(&t);
	}
	double total = now() - t0;

	printf("\n  %-15s %6s  %9s  %9s  %9s\n", "leaks", "n", "correct", "unknown", "false");
	for (int r = 0; r < REPORT_ROWS; r++)
		print_tally(r < T__BASIC ? trans_names[r] : r == T__BASIC ? "unlogged" : "unrelated",
		            &c.by_row[r], r >= T__BASIC);
	printf("\n  %-15s\n", "by source");
	for (int k = 0; k < K__COUNT; k++)
		print_tally(kind_names[k], &c.by_kind[k], k >= K_UNLOGGED);
	printf("\n  %-15s\n", "rows kept");
	static const char *const fb[4] = { "5-10%", "10-25%", "25-50%", "50-100%" };
	for (int k = 0; k < 4; k++)
		print_tally(fb[k], &c.by_fraction[k], false);
	tally sum = { 0, 0, 0, 0 };
	for (int r = 0; r < REPORT_ROWS; r++) {
		sum.n += c.by_row[r].n;
		sum.wrong += c.by_row[r].wrong;
	}
	printf("\nfalse attributions: %llu of %llu leaks", (unsigned long long)sum.wrong,
	       (unsigned long long)sum.n);
	if (sum.wrong == 0)
		printf(" (95%% upper bound %.2g)", 3.0 / (double)sum.n);
	printf("; the strongest wrong session's bound: %.3g (threshold %g)\n",
	       exp(c.worst_wrong), c.threshold);
	printf("time: %.1f s in all, attribution %.1f ms per leak on average (%.0f ms at most, "
	       "%.1f MB per leak)\n",
	       total, 1e3 * c.t_attr / (double)c.leaks, 1e3 * c.t_max,
	       (double)c.bytes / (double)c.leaks / 1e6);
	ls_buf_fini(&text);
	ls_buf_fini(&leak);
	free(src);
	free(trans);
	free(frac);
	free(all);
	sim_register_fini(reg);
	sim_register_fini(other);
	free(reg);
	free(other);
	ls_rng_fini(&c.g);
	return 0;
}
