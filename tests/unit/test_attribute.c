/*
 * test_attribute.c - unit tests for leak attribution: the statistics and
 * decision (forensics/attribute.h), the dataset loaders, the register's
 * value model, and sim/attrib.h against real exports under every
 * transformation a leaker may apply.
 *
 * The exports come from sim_register_export with their watermarks; the
 * transformations parse them back and write them again (subset, shuffle,
 * format conversion, dropped columns, duplicates, stripped canaries) with
 * the register's own field escaper, as a leaker's tool would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "core/rng.h"
#include "core/str.h"
#include "forensics/attribute.h"
#include "io/table.h"
#include "sim/attrib.h"
#include "sim/register.h"
#include "testutil.h"

#define SEED 11u
#define ROWS 60000u
#define NSESS 10

static sim_register *reg, *other;
static char sessions[NSESS][32];

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	reg = ls_xmalloc(sizeof *reg);
	other = ls_xmalloc(sizeof *other);
	if (sim_register_init(reg, SEED, ROWS) != LS_OK ||
	    sim_register_init(other, SEED + 1, ROWS) != LS_OK)
		return -1;
	for (int i = 0; i < NSESS; i++)
		snprintf(sessions[i], sizeof sessions[i], "db01/user%d/2026-03-0%dT10:00:00Z", i,
		         1 + i % 9);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sim_register_fini(reg);
	sim_register_fini(other);
	free(reg);
	free(other);
	return 0;
}

/* --------------------------------------------------------------- helpers */

static sim_watermark watermark_of(const sim_register *r, const char *session)
{
	sim_export_spec s = { .session_id = session, .format = SIM_EXPORT_CSV };
	sim_watermark w;
	assert_int_equal(sim_register_watermark(r, &s, &w, NULL), LS_OK);
	return w;
}

/* The first logged session whose order is (or is not) a keyed shuffle. */
static int session_with(bool shuffled)
{
	for (int i = 0; i < NSESS; i++) {
		sim_watermark w = watermark_of(reg, sessions[i]);
		bool s = w.order == SIM_ORDER_BLOCK_SHUFFLE || w.order == SIM_ORDER_FULL_SHUFFLE;
		sim_watermark_fini(&w);
		if (s == shuffled)
			return i;
	}
	fail_msg("no logged session with the wanted order");
	return -1;
}

static void export_of(const sim_register *r, const char *session, sim_export_format fmt,
                      uint64_t rows, ls_buf *out)
{
	sim_export_spec s = { .session_id = session, .format = fmt, .hi = rows };
	sim_export_result res;
	ls_buf_reset(out);
	assert_int_equal(sim_register_export(r, &s, sim_sink_buf, out, &res, NULL), LS_OK);
}

/* An export parsed back: every row's 8 field texts, and whether it is a canary. */
typedef struct xrow {
	char f[SIM_REGISTER_COLUMNS][72];
	bool canary;
} xrow;

static xrow *parse_rows(const sim_register *r, const ls_buf *text, size_t *n)
{
	ls_table_reader rd;
	ls_table_record rec;
	assert_int_equal(ls_table_init(&rd, text->data, text->len, LS_TABLE_AUTO, false, "x", NULL),
	                 LS_OK);
	bool header = ls_table_format_of(&rd) == LS_TABLE_CSV;
	xrow *rows = NULL;
	size_t cap = 0;
	*n = 0;
	while (ls_table_next(&rd, &rec, NULL) == LS_OK) {
		if (header) {
			header = false;
			continue;
		}
		assert_int_equal(rec.nfields, SIM_REGISTER_COLUMNS);
		rows = ls_xgrow(rows, &cap, *n + 1, sizeof *rows);
		xrow *x = &rows[(*n)++];
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
			snprintf(x->f[k], sizeof x->f[k], "%.*s", (int)rec.fields[k].value.len,
			         rec.fields[k].value.ptr);
		uint64_t index;
		x->canary = sim_register_index_of(r, ls_sv_from_cstr(x->f[0]), &index) == LS_OK &&
		            index >= SIM_REGISTER_CANARY_BASE;
	}
	ls_table_fini(&rd);
	return rows;
}

/* Write rows (those with keep[i]) in a format, columns `cols`, in the order given. */
static void write_rows(ls_buf *out, xrow *const *rows, size_t n, uint32_t cols,
                       sim_export_format fmt, bool header)
{
	ls_buf_reset(out);
	const char *sep = fmt == SIM_EXPORT_CSV ? "," : fmt == SIM_EXPORT_SQL_COPY ? "\t" : ", ";
	ls_buf names = LS_BUF_INIT;
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
		if (cols & (1u << k))
			ls_buf_printf(&names, "%s%s", names.len ? (fmt == SIM_EXPORT_CSV ? "," : ", ") : "",
			              sim_register_column_name(k));
	if (fmt == SIM_EXPORT_CSV && header)
		ls_buf_printf(out, "%s\n", names.data);
	if (fmt == SIM_EXPORT_SQL_COPY && header)
		ls_buf_printf(out, "COPY public.members (%s) FROM stdin;\n", names.data);
	for (size_t i = 0; i < n; i++) {
		if (fmt == SIM_EXPORT_SQL_INSERT)
			ls_buf_printf(out, "INSERT INTO public.members (%s) VALUES (", names.data);
		bool first = true;
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
			if (!(cols & (1u << k)))
				continue;
			if (!first)
				ls_buf_append_cstr(out, sep);
			first = false;
			sim_register_escape(out, fmt, false, rows[i]->f[k], strlen(rows[i]->f[k]));
		}
		ls_buf_append_cstr(out, fmt == SIM_EXPORT_SQL_INSERT ? ");\n" : "\n");
	}
	if (fmt == SIM_EXPORT_SQL_COPY && header)
		ls_buf_append_cstr(out, "\\.\n");
	ls_buf_fini(&names);
}

typedef struct verdict {
	bool attributed;
	int best;
	double log_bound;
	uint64_t matched;
	sim_leak_info info;
} verdict;

/* Attribute text against the logged sessions (rows: each session's export size). */
static verdict attribute(const ls_buf *text)
{
	sim_leak *lk;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = sim_leak_read(&lk, reg, text->data, text->len, "leak", &d);
	if (e != LS_OK)
		fail_msg("read: %lu:%lu: %s", d.line, d.col, d.message);
	const sim_leak_info *in = sim_leak_info_of(lk);
	ls_attr_dims dims = { .n = SIM_DIM__COUNT };
	for (unsigned k = 0; k < SIM_DIM__COUNT; k++)
		dims.log_pi[k] = in->log_pi[k];
	double lp[NSESS];
	uint64_t matched[NSESS];
	for (int i = 0; i < NSESS; i++) {
		sim_leak_evidence ev;
		assert_int_equal(sim_leak_session(lk, sessions[i], ROWS, &ev, NULL), LS_OK);
		ls_attr_evidence ae = { ev.canaries, ev.matched, in->chance, ev.dims_matched };
		lp[i] = ls_attr_log_pvalue(&ae, &dims);
		matched[i] = ev.matched;
	}
	ls_attr_decision dec;
	ls_attr_decide(lp, NSESS, LS_ATTR_THRESHOLD, &dec);
	verdict v = { dec.attributed, (int)dec.best, dec.log_bound, matched[dec.best], *in };
	sim_leak_destroy(lk);
	return v;
}

static void expect_attributed(const ls_buf *text, int session)
{
	verdict v = attribute(text);
	if (!v.attributed || v.best != session)
		print_error("expected session %d, got %s %d (bound e^%.1f)\n", session,
		            v.attributed ? "attributed to" : "unknown, best", v.best, v.log_bound);
	assert_true(v.attributed);
	assert_int_equal(v.best, session);
	assert_true(v.log_bound <= log(LS_ATTR_THRESHOLD));
}

static void expect_unknown(const ls_buf *text)
{
	verdict v = attribute(text);
	if (v.attributed)
		print_error("expected unknown, got session %d (bound e^%.1f)\n", v.best, v.log_bound);
	assert_false(v.attributed);
}

/* ------------------------------------------------------------- statistics */

static void test_canary_tail(void **state)
{
	(void)state;
	ls_attr_evidence e = { .canaries = 10, .matched = 2, .chance = 1e-9 };
	assert_true(fabs(ls_attr_log_canary_tail(&e) - (2 * log(1e-8) - log(2.0))) < 1e-9);
	e.matched = 0;
	assert_true(ls_attr_log_canary_tail(&e) == 0);
	e.matched = 1;
	e.chance = 1; /* lambda 10: no evidence at all */
	assert_true(ls_attr_log_canary_tail(&e) == 0);
	e.chance = 0;
	assert_true(ls_attr_log_canary_tail(&e) == -INFINITY);
	/* no choices shown: the p-value is the canary term */
	ls_attr_dims none = { .n = 3, .log_pi = { 0, 0, 0 } };
	e = (ls_attr_evidence){ .canaries = 195, .matched = 7, .chance = 2e-7 };
	assert_true(fabs(ls_attr_log_pvalue(&e, &none) - ls_attr_log_canary_tail(&e)) < 1e-12);
}

static void test_pvalue(void **state)
{
	(void)state;
	/* one choice of 1/2, agreed, no canary: 1/2 * 1/2 + 1/2 * 1 = 0.75 */
	ls_attr_dims one = { .n = 1, .log_pi = { log(0.5) } };
	ls_attr_evidence e = { .canaries = 3, .matched = 0, .chance = 1e-9, .dims_matched = 1 };
	assert_true(fabs(exp(ls_attr_log_pvalue(&e, &one)) - 0.75) < 1e-12);
	e.dims_matched = 0;
	assert_true(ls_attr_log_pvalue(&e, &one) == 0);
	/* a choice no session can make is ignored, and so is one not shown */
	ls_attr_dims odd = { .n = 2, .log_pi = { -INFINITY, 0 } };
	e.dims_matched = 3;
	assert_true(ls_attr_log_pvalue(&e, &odd) == 0);
	/* more agreement, smaller p; never below the product statistic itself */
	ls_attr_dims four = { .n = 4, .log_pi = { log(0.5), log(0.5), log(0.25), log(1e-30) } };
	e = (ls_attr_evidence){ .canaries = 20, .matched = 1, .chance = 1e-6 };
	double prev = 1;
	for (uint32_t m = 0; m < 16; m = m * 2 + 1) {
		e.dims_matched = m;
		double lp = ls_attr_log_pvalue(&e, &four);
		double prod = ls_attr_log_canary_tail(&e);
		for (unsigned d = 0; d < 4; d++)
			if (m & (1u << d))
				prod += four.log_pi[d];
		assert_true(lp <= prev + 1e-12);
		assert_true(lp >= prod - 1e-9);
		prev = lp;
	}
	/* tiny figures stay finite in logarithms */
	ls_attr_dims huge = { .n = 1, .log_pi = { -1e6 } };
	e = (ls_attr_evidence){ .canaries = 195, .matched = 195, .chance = 1e-6, .dims_matched = 1 };
	double lp = ls_attr_log_pvalue(&e, &huge);
	assert_true(isfinite(lp) && lp < -1e6);
}

/* Under the null hypothesis P(p <= alpha) <= alpha: simulate unrelated sessions. */
static void test_pvalue_is_valid(void **state)
{
	(void)state;
	ls_rng g;
	ls_rng_init(&g, 5, 0, "test/attribute");
	const double pis[5] = { 0.5, 0.5, 0.25, 0.5, 0.01 };
	ls_attr_dims dims = { .n = 5 };
	for (unsigned d = 0; d < 5; d++)
		dims.log_pi[d] = log(pis[d]);
	const double alphas[4] = { 0.001, 0.01, 0.05, 0.25 };
	unsigned below[4] = { 0 };
	const unsigned trials = 100000;
	for (unsigned t = 0; t < trials; t++) {
		/* 20 canaries, each agreeing with the file with probability 0.03 */
		ls_attr_evidence e = { .canaries = 20, .chance = 0.03 };
		for (int k = 0; k < 20; k++)
			e.matched += ls_rng_bernoulli(&g, 0.03);
		for (unsigned d = 0; d < 5; d++)
			if (ls_rng_bernoulli(&g, pis[d]))
				e.dims_matched |= 1u << d;
		double p = exp(ls_attr_log_pvalue(&e, &dims));
		for (int a = 0; a < 4; a++)
			below[a] += p <= alphas[a];
	}
	for (int a = 0; a < 4; a++) {
		double rate = (double)below[a] / trials;
		/* allow four standard errors of sampling noise */
		double se = sqrt(alphas[a] * (1 - alphas[a]) / trials);
		if (rate > alphas[a] + 4 * se)
			print_error("alpha %g: rate %g\n", alphas[a], rate);
		assert_true(rate <= alphas[a] + 4 * se);
	}
	ls_rng_fini(&g);
}

static void test_decide(void **state)
{
	(void)state;
	double lp[4] = { -5, -40, -40, -2 };
	ls_attr_decision d;
	ls_attr_decide(lp, 4, 1e-6, &d);
	assert_int_equal(d.best, 1); /* ties go to the lower index */
	assert_int_equal(d.second, 2);
	assert_true(fabs(d.log_bound - (log(4.0) - 40)) < 1e-12);
	assert_true(d.attributed);
	ls_attr_decide(lp, 4, 1e-30, &d);
	assert_false(d.attributed);
	lp[1] = lp[2] = -13.0; /* 4 e^-13 = 9e-6 > 1e-6 */
	ls_attr_decide(lp, 4, 1e-6, &d);
	assert_false(d.attributed);
	ls_attr_decide(lp, 0, 1e-6, &d);
	assert_false(d.attributed);
	assert_true(d.best == SIZE_MAX);
	assert_true(ls_attr_log_bound(-1, 100) == 0);
}

/* ------------------------------------------------------------------ files */

static char *write_temp(const char *dir, const char *name, const char *text)
{
	char *path = tu_join(dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void key_bad(const char *dir, const char *text, unsigned long col, const char *word)
{
	char *path = write_temp(dir, "k", text);
	unsigned char key[LS_ATTR_KEYBYTES];
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_attr_key_load(key, path, &d);
	if (e != LS_ERR_PARSE || d.col != col || strstr(d.message, word) == NULL)
		print_error("%s: %d %lu:%lu %s\n", text, (int)e, d.line, d.col, d.message);
	assert_int_equal(e, LS_ERR_PARSE);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.message, word));
	free(path);
}

static void test_key_load(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	const char *hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
	char text[80];
	snprintf(text, sizeof text, "%s\n", hex);
	char *path = write_temp(dir, "k", text);
	unsigned char key[LS_ATTR_KEYBYTES];
	assert_int_equal(ls_attr_key_load(key, path, NULL), LS_OK);
	assert_int_equal(key[0], 0x00);
	assert_int_equal(key[1], 0x11);
	assert_int_equal(key[31], 0xff);
	free(path);
	snprintf(text, sizeof text, "%s\r\n", hex);
	path = write_temp(dir, "k", text);
	assert_int_equal(ls_attr_key_load(key, path, NULL), LS_OK);
	free(path);
	key_bad(dir, "0011\n", 5, "ends after 4");
	snprintf(text, sizeof text, "%.10sg%s\n", hex, hex + 11);
	key_bad(dir, text, 11, "hex digit");
	snprintf(text, sizeof text, "%s0\n", hex);
	key_bad(dir, text, 65, "end of the line");
	ls_diag d;
	ls_diag_clear(&d);
	char *missing = tu_join(dir, "missing");
	assert_int_equal(ls_attr_key_load(key, missing, &d), LS_ERR_NOTFOUND);
	free(missing);
	tu_rmdir(dir);
}

static void log_bad(const char *dir, const char *text, ls_err err, unsigned long line,
                    unsigned long col, const char *word)
{
	char *path = write_temp(dir, "log", text);
	ls_attr_sessions s;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_attr_sessions_load(&s, path, &d);
	if (e != err || d.line != line || d.col != col || strstr(d.message, word) == NULL)
		print_error("%s: %d %lu:%lu %s\n", text, (int)e, d.line, d.col, d.message);
	assert_int_equal(e, err);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.message, word));
	ls_attr_sessions_fini(&s);
	free(path);
}

#define S1 "{\"session\":\"a1\",\"time\":\"2026-03-01T18:00:09.292374Z\",\"account\":\"backup\"," \
	   "\"host\":\"bak01\",\"rows\":20000,\"format\":\"pg_dump\",\"kind\":\"dba_backup\"}\n"

static void test_sessions_load(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = write_temp(dir, "log",
	                        S1 "{\"session\":\"b2\",\"time\":\"2026-03-02T01:00:00Z\","
	                           "\"account\":\"x\",\"host\":\"LT-1\",\"rows\":7,\"format\":\"csv\","
	                           "\"kind\":null,\"extra\":[1]}\n");
	ls_attr_sessions s;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_attr_sessions_load(&s, path, &d), LS_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].id, "a1");
	assert_string_equal(s.v[0].kind, "dba_backup");
	assert_int_equal(s.v[0].rows, 20000);
	assert_null(s.v[1].kind);
	assert_int_equal(s.v[1].line, 2);
	assert_int_equal(s.max_rows, 20000);
	ls_attr_sessions_fini(&s);
	free(path);

	log_bad(dir, S1 "{\"session\":\"b2\",\n", LS_ERR_PARSE, 2, 17, "key");
	log_bad(dir, S1 S1, LS_ERR_PARSE, 2, 12, "listed twice");
	log_bad(dir, "{\"session\":\"a\",\"time\":\"2026-03-01T00:00:00Z\",\"account\":\"b\","
	             "\"host\":\"c\",\"rows\":0,\"format\":\"csv\",\"kind\":null}\n",
	        LS_ERR_RANGE, 1, 78, "at least 1");
	log_bad(dir, "{\"session\":\"a\",\"time\":\"yesterday\",\"account\":\"b\",\"host\":\"c\","
	             "\"rows\":1,\"format\":\"csv\",\"kind\":null}\n",
	        LS_ERR_PARSE, 1, 23, "RFC 3339");
	log_bad(dir, "{\"session\":\"a\",\"time\":\"2026-03-01T00:00:00Z\",\"account\":\"b\","
	             "\"host\":\"c\",\"rows\":1,\"format\":\"xlsx\",\"kind\":null}\n",
	        LS_ERR_PARSE, 1, 89, "pg_dump");
	log_bad(dir, "{\"session\":\"a\",\"time\":\"2026-03-01T00:00:00Z\",\"account\":\"b\","
	             "\"rows\":1,\"format\":\"csv\",\"kind\":null}\n",
	        LS_ERR_PARSE, 1, 1, "\"host\"");
	log_bad(dir, "[1]\n", LS_ERR_PARSE, 1, 1, "object");
	log_bad(dir, "{\"session\":1}\n", LS_ERR_PARSE, 1, 12, "string");
	tu_rmdir(dir);
}

/* ------------------------------------------------------------ value model */

static void test_model(void **state)
{
	(void)state;
	sim_register_model m;
	sim_register_model_init(&m, reg);
	/* every row the register makes is possible, on every column set */
	double positions = 0;
	char seen[32][40];
	size_t nseen = 0;
	for (uint64_t i = 0; i < 3000; i++) {
		uint64_t index = i % 2 ? i : SIM_REGISTER_CANARY_BASE + 7919 * i;
		sim_member v;
		sim_register_row(reg, index, &v);
		for (uint32_t cols = 2; cols <= 0xfe; cols += 2)
			assert_true(sim_register_model_prob(&m, &v, cols) > 0);
		assert_true(sim_register_model_prob(&m, &v, 0xfe) < 1e-25);
		bool known = false;
		for (size_t k = 0; k < nseen; k++)
			known = known || strcmp(seen[k], v.position) == 0;
		if (!known && nseen < 32) {
			snprintf(seen[nseen++], sizeof seen[0], "%s", v.position);
			positions += sim_register_model_prob(&m, &v, SIM_COL_POSITION);
		}
	}
	assert_int_equal(nseen, 24);
	assert_true(fabs(positions - 1) < 1e-12);
	double branches = 0;
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++)
		branches += m.branch_p[k];
	assert_true(fabs(branches - 1) < 1e-12);

	/* values no row can have */
	sim_member v;
	sim_register_row(reg, 5, &v);
	sim_member bad = v;
	snprintf(bad.branch, sizeof bad.branch, "Nowhere Pilots branch");
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_BRANCH) == 0);
	bad = v;
	snprintf(bad.position, sizeof bad.position, "Pilot");
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_POSITION) == 0);
	bad = v;
	snprintf(bad.phone, sizeof bad.phone, "+998123456789");
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_PHONE) == 0);
	bad = v;
	snprintf(bad.birth_date, sizeof bad.birth_date, "2010-01-01");
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_BIRTH_DATE) == 0);
	bad = v;
	snprintf(bad.full_name, sizeof bad.full_name, "Ab Cd");
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_FULL_NAME) == 0);
	/* the correct check character is never written */
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (v.resident_id[i] - '0') * w[i];
	int c = (12 - sum % 11) % 11;
	bad = v;
	bad.resident_id[17] = c == 10 ? 'X' : (char)('0' + c);
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_RESIDENT_ID) == 0);
	/* birth_date and resident_id must agree */
	bad = v;
	bad.birth_date[3] = bad.birth_date[3] == '0' ? '1' : '0';
	assert_true(sim_register_model_prob(&m, &bad, SIM_COL_BIRTH_DATE | SIM_COL_RESIDENT_ID) ==
	            0);
	sim_register_model_fini(&m);
	sim_register_model_fini(NULL);
}

/* Empirical check: the model's branch and join-date chances match counts. */
static void test_model_frequencies(void **state)
{
	(void)state;
	sim_register_model m;
	sim_register_model_init(&m, reg);
	const uint64_t n = 60000;
	uint64_t big = 0, clerk = 0;
	sim_member first;
	sim_register_row(reg, 0, &first);
	double p_clerk = 0;
	for (uint64_t i = 0; i < n; i++) {
		sim_member v;
		sim_register_row(reg, i, &v);
		big += strcmp(v.branch, reg->branch[0].name) == 0;
		if (strcmp(v.position, "Clerk") == 0) {
			clerk++;
			p_clerk = sim_register_model_prob(&m, &v, SIM_COL_POSITION);
		}
	}
	double eb = m.branch_p[0] * (double)n, ec = p_clerk * (double)n;
	assert_true(fabs((double)big - eb) < 5 * sqrt(eb));
	assert_true(fabs((double)clerk - ec) < 5 * sqrt(ec));
	sim_register_model_fini(&m);
}

/* ------------------------------------------------------------ attribution */

static xrow **pick(xrow *rows, size_t n, double f, bool strip, ls_rng *g, size_t *k)
{
	xrow **out = ls_xmalloc((n + 1) * sizeof *out);
	*k = 0;
	for (size_t i = 0; i < n; i++)
		if (ls_rng_double(g) < f && !(strip && rows[i].canary))
			out[(*k)++] = &rows[i];
	return out;
}

static void test_whole_export(void **state)
{
	(void)state;
	ls_buf text = LS_BUF_INIT;
	for (int fmt = 0; fmt < 3; fmt++) {
		int s = 2 + fmt;
		export_of(reg, sessions[s], (sim_export_format)fmt, ROWS, &text);
		verdict v = attribute(&text);
		assert_true(v.attributed);
		assert_int_equal(v.best, s);
		assert_int_equal(v.matched, 6); /* every canary of a 60,000-row export */
		assert_int_equal(v.info.canary_rows, 6);
		assert_int_equal(v.info.register_rows, ROWS);
		assert_int_equal(v.info.noise, 0);
		assert_int_equal(v.info.columns, SIM_COL_ALL);
	}
	/* a partial export has fewer canaries, and only the first ones */
	export_of(reg, sessions[7], SIM_EXPORT_CSV, 30000, &text);
	verdict v = attribute(&text);
	assert_true(v.attributed);
	assert_int_equal(v.best, 7);
	assert_int_equal(v.matched, 3);
	ls_buf_fini(&text);
}

static void test_subset_and_shuffle(void **state)
{
	(void)state;
	ls_rng g;
	ls_rng_init(&g, 7, 0, "test/attribute/subset");
	ls_buf text = LS_BUF_INIT, leak = LS_BUF_INIT;
	/* 5 % in order, of a session with a keyed order: the order alone suffices */
	int s = session_with(true);
	export_of(reg, sessions[s], SIM_EXPORT_CSV, ROWS, &text);
	size_t n, k;
	xrow *rows = parse_rows(reg, &text, &n);
	xrow **sel = pick(rows, n, 0.05, false, &g, &k);
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_CSV, true);
	expect_attributed(&leak, s);
	/* every row, shuffled: the canaries */
	free(sel);
	sel = pick(rows, n, 1.0, false, &g, &k);
	ls_rng_shuffle(&g, sel, k, sizeof *sel);
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_CSV, true);
	expect_attributed(&leak, s);
	/* canaries stripped, order kept: the keyed order */
	free(sel);
	sel = pick(rows, n, 0.3, true, &g, &k);
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_CSV, true);
	verdict v = attribute(&leak);
	assert_int_equal(v.info.canary_rows, 0);
	assert_true(v.attributed);
	assert_int_equal(v.best, s);
	/* canaries stripped and shuffled: nothing keyed is left, so unknown */
	ls_rng_shuffle(&g, sel, k, sizeof *sel);
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_CSV, true);
	expect_unknown(&leak);
	free(sel);
	free(rows);

	/* a session in register order, canaries stripped: a quarter of all sessions
	 * share that order, so the choices cannot name it */
	s = session_with(false);
	export_of(reg, sessions[s], SIM_EXPORT_CSV, ROWS, &text);
	rows = parse_rows(reg, &text, &n);
	sel = pick(rows, n, 1.0, true, &g, &k);
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_CSV, true);
	expect_unknown(&leak);
	free(sel);
	free(rows);
	ls_buf_fini(&text);
	ls_buf_fini(&leak);
	ls_rng_fini(&g);
}

static void test_conversion(void **state)
{
	(void)state;
	ls_rng g;
	ls_rng_init(&g, 8, 0, "test/attribute/convert");
	ls_buf text = LS_BUF_INIT, leak = LS_BUF_INIT;
	for (int from = 0; from < 3; from++) {
		int s = 1 + from;
		export_of(reg, sessions[s], (sim_export_format)from, ROWS, &text);
		size_t n, k;
		xrow *rows = parse_rows(reg, &text, &n);
		xrow **sel = pick(rows, n, 1.0, false, &g, &k);
		ls_rng_shuffle(&g, sel, k, sizeof *sel);
		sim_export_format to = (sim_export_format)((from + 1) % 3);
		write_rows(&leak, sel, k, SIM_COL_ALL, to, true);
		expect_attributed(&leak, s);
		/* a pg_dump script around COPY data */
		if (to == SIM_EXPORT_SQL_COPY) {
			ls_buf dump = LS_BUF_INIT;
			ls_buf_printf(&dump, "--\n-- PostgreSQL database dump\n--\n\nSET x = 0;\n"
			                     "CREATE TABLE public.members (member_id text, b int);\n%s"
			                     "\n-- done\n",
			              leak.data);
			expect_attributed(&dump, s);
			ls_buf_fini(&dump);
		}
		free(sel);
		free(rows);
	}
	ls_buf_fini(&text);
	ls_buf_fini(&leak);
	ls_rng_fini(&g);
}

static void test_columns_dropped(void **state)
{
	(void)state;
	ls_rng g;
	ls_rng_init(&g, 9, 0, "test/attribute/columns");
	ls_buf text = LS_BUF_INIT, leak = LS_BUF_INIT;
	int s = 5;
	export_of(reg, sessions[s], SIM_EXPORT_CSV, ROWS, &text);
	size_t n, k;
	xrow *rows = parse_rows(reg, &text, &n);
	xrow **sel = pick(rows, n, 1.0, false, &g, &k);
	ls_rng_shuffle(&g, sel, k, sizeof *sel);
	/* no member_id: canaries are found by their values */
	const uint32_t sets[] = { SIM_COL_FULL_NAME | SIM_COL_PHONE, SIM_COL_RESIDENT_ID,
		                  SIM_COL_FULL_NAME | SIM_COL_BIRTH_DATE | SIM_COL_BRANCH,
		                  SIM_COL_MEMBER_ID };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		write_rows(&leak, sel, k, sets[i], SIM_EXPORT_CSV, true);
		verdict v = attribute(&leak);
		assert_int_equal(v.info.columns, sets[i]);
		assert_true(v.attributed);
		assert_int_equal(v.best, s);
		assert_int_equal(v.matched, 6);
	}
	/* only weak columns left: not enough, and never a guess */
	write_rows(&leak, sel, k, SIM_COL_POSITION | SIM_COL_BRANCH, SIM_EXPORT_CSV, true);
	expect_unknown(&leak);
	/* no header at all: columns recognised by their values */
	write_rows(&leak, sel, k, SIM_COL_ALL & ~(uint32_t)SIM_COL_MEMBER_ID, SIM_EXPORT_CSV, false);
	verdict v = attribute(&leak);
	assert_false(v.info.header);
	assert_int_equal(v.info.columns, SIM_COL_ALL & ~(uint32_t)SIM_COL_MEMBER_ID);
	assert_true(v.attributed);
	assert_int_equal(v.best, s);
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_SQL_COPY, false);
	expect_attributed(&leak, s);
	free(sel);
	free(rows);
	ls_buf_fini(&text);
	ls_buf_fini(&leak);
	ls_rng_fini(&g);
}

static void test_duplicates(void **state)
{
	(void)state;
	ls_buf text = LS_BUF_INIT, leak = LS_BUF_INIT;
	int s = 6;
	export_of(reg, sessions[s], SIM_EXPORT_CSV, ROWS, &text);
	size_t n;
	xrow *rows = parse_rows(reg, &text, &n);
	/* every canary four times, and the first rows twice */
	xrow **sel = ls_xmalloc((n + 4 * 6 + 100) * sizeof *sel);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		sel[k++] = &rows[i];
		for (int c = 0; c < 3 && rows[i].canary; c++)
			sel[k++] = &rows[i];
		if (i < 100)
			sel[k++] = &rows[i];
	}
	write_rows(&leak, sel, k, SIM_COL_ALL, SIM_EXPORT_CSV, true);
	verdict v = attribute(&leak);
	assert_true(v.attributed);
	assert_int_equal(v.best, s);
	assert_int_equal(v.matched, 6); /* not 24 */
	assert_int_equal(v.info.distinct, n);
	assert_int_equal(v.info.duplicates, 18 + 100);
	assert_int_equal(v.info.canary_rows, 6);
	free(sel);
	free(rows);
	ls_buf_fini(&text);
	ls_buf_fini(&leak);
}

static void test_not_ours(void **state)
{
	(void)state;
	ls_buf text = LS_BUF_INIT;
	/* another register, even with a logged session id */
	export_of(other, sessions[3], SIM_EXPORT_CSV, ROWS, &text);
	verdict v = attribute(&text);
	assert_false(v.attributed);
	assert_int_equal(v.info.register_rows, 0);
	assert_int_equal(v.matched, 0);
	/* a session that is not in the log */
	export_of(reg, "db01/nobody/2026-03-09T00:00:00Z", SIM_EXPORT_SQL_INSERT, ROWS, &text);
	expect_unknown(&text);
	ls_buf_fini(&text);
}

static void read_bad(const char *text, unsigned long line, const char *word)
{
	sim_leak *lk = NULL;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = sim_leak_read(&lk, reg, text, strlen(text), "bad", &d);
	if (e == LS_OK || d.line != line || strstr(d.message, word) == NULL)
		print_error("%s: %d %lu:%lu %s\n", text, (int)e, d.line, d.col, d.message);
	assert_int_equal(e, LS_ERR_PARSE);
	assert_null(lk);
	assert_int_equal(d.line, line);
	assert_non_null(strstr(d.message, word));
}

static void test_bad_input(void **state)
{
	(void)state;
	read_bad("hello, world\nthis is not, a register\n", 0, "no column");
	read_bad("", 0, "no column");
	read_bad("member_id,full_name\nM1\nM2\nM3,x\n", 2, "fields");
	read_bad("member_id\n\x01\x02\n", 2, "binary");
	/* a header alone: nothing to go on, but not an error */
	sim_leak *lk;
	assert_int_equal(sim_leak_read(&lk, reg, "member_id,phone\n", 16, "h", NULL), LS_OK);
	assert_int_equal(sim_leak_info_of(lk)->records, 0);
	sim_leak_evidence ev;
	assert_int_equal(sim_leak_session(lk, sessions[0], ROWS, &ev, NULL), LS_OK);
	assert_int_equal(ev.matched, 0);
	assert_int_equal(sim_leak_session(lk, "", ROWS, &ev, NULL), LS_ERR_RANGE);
	sim_leak_destroy(lk);
	sim_leak_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canary_tail),   cmocka_unit_test(test_pvalue),
		cmocka_unit_test(test_pvalue_is_valid), cmocka_unit_test(test_decide),
		cmocka_unit_test(test_key_load),      cmocka_unit_test(test_sessions_load),
		cmocka_unit_test(test_model),         cmocka_unit_test(test_model_frequencies),
		cmocka_unit_test(test_whole_export),  cmocka_unit_test(test_subset_and_shuffle),
		cmocka_unit_test(test_conversion),    cmocka_unit_test(test_columns_dropped),
		cmocka_unit_test(test_duplicates),    cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
