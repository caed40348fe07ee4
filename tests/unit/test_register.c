/*
 * test_register.c - unit tests for sim/register: the synthetic member
 * register and its watermarked exports.
 *
 * The row checks use independent re-implementations (a MOD 11-2 checker, a
 * calendar validator, phone layouts) rather than the module's own helpers.
 * The export checks parse every format back with small parsers written here
 * (RFC 4180 CSV, COPY text, multi-row INSERT) and compare the result, row by
 * row and in the keyed order, with sim_register_row and the recomputed
 * watermark, so a formatting, escaping, ordering or canary mistake fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "core/str.h"
#include "sim/register.h"

#define SEED 20240611u

/* ---------------------------------------------------------------- helpers */

static int setup_all(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void reg_init(sim_register *r, uint64_t seed, uint64_t rows)
{
	assert_int_equal(sim_register_init(r, seed, rows), LS_OK);
}

static sim_export_spec spec_of(const char *session, sim_export_format fmt)
{
	return (sim_export_spec){ .session_id = session, .format = fmt };
}

static void export_buf(const sim_register *r, const sim_export_spec *s, ls_buf *out,
                       sim_export_result *res)
{
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = sim_register_export(r, s, sim_sink_buf, out, res, &d);
	if (e != LS_OK)
		fail_msg("export failed: %s", d.message);
}

static void watermark(const sim_register *r, const sim_export_spec *s, sim_watermark *w)
{
	assert_int_equal(sim_register_watermark(r, s, w, NULL), LS_OK);
}

/* A session id "prefix-N" whose watermark satisfies want(); fails if none of
 * the first 400 does. */
static void find_session(const sim_register *r, const char *prefix, sim_export_format fmt,
                         bool (*want)(const sim_watermark *, int), int arg, char *out, size_t cap)
{
	for (int i = 0; i < 400; i++) {
		snprintf(out, cap, "%s-%d", prefix, i);
		sim_export_spec s = spec_of(out, fmt);
		sim_watermark w;
		watermark(r, &s, &w);
		bool ok = want(&w, arg);
		sim_watermark_fini(&w);
		if (ok)
			return;
	}
	fail_msg("no session with the wanted watermark");
}

/* Independent ISO 7064 MOD 11-2: the check character of 17 digits. */
static char mod11_2_check(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	int c = (12 - sum % 11) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Parse "YYYY?MM?DD" with separator sep into a valid calendar date. */
static bool parse_date(const char *s, char sep, int *y, int *m, int *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != sep || s[7] != sep)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*m < 1 || *m > 12 || *d < 1)
		return false;
	int dim = mdays[*m - 1] + (*m == 2 && leap(*y) ? 1 : 0);
	return *d <= dim;
}

static long ymd(int y, int m, int d)
{
	return (long)y * 10000 + m * 100 + d;
}

/* The phone layouts of docs/register.md, from the canonical "+999DDDDDDDDD". */
static void styled_phone(const char *canon, unsigned style, char *out, size_t cap)
{
	const char *d = canon + 4;
	switch (style) {
	case 0: snprintf(out, cap, "+999 %.2s %.3s %.4s", d, d + 2, d + 5); break;
	case 1: snprintf(out, cap, "+999-%.2s-%.3s-%.4s", d, d + 2, d + 5); break;
	case 2: snprintf(out, cap, "%s", canon); break;
	default: snprintf(out, cap, "(+999) %.2s %.7s", d, d + 2); break;
	}
}

static void styled_date(const char *canon, char sep, char out[11])
{
	memcpy(out, canon, 11);
	out[4] = out[7] = sep;
}

/* The exported text of each column of row `index` under watermark w. */
static void expected_fields(const sim_register *r, uint64_t index, const sim_watermark *w,
                            char f[8][80])
{
	sim_member m;
	sim_register_row(r, index, &m);
	snprintf(f[0], 80, "%s", m.member_id);
	snprintf(f[1], 80, "%s", m.full_name);
	snprintf(f[2], 80, "%s", m.branch);
	snprintf(f[3], 80, "%s", m.position);
	styled_date(m.birth_date, w->date_sep, f[4]);
	styled_date(m.join_date, w->date_sep, f[5]);
	snprintf(f[6], 80, "%s", m.resident_id);
	styled_phone(m.phone, w->phone_style, f[7], 80);
}

/* ---- parsed exports: records of up to 8 fields */

typedef struct rec {
	char *f[SIM_REGISTER_COLUMNS];
	unsigned nf;
	unsigned quoted; /* CSV: bit k set when field k was quoted */
} rec;

typedef struct recs {
	rec *v;
	size_t n, cap;
} recs;

static rec *recs_add(recs *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = ls_xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	rec *r = &t->v[t->n++];
	memset(r, 0, sizeof *r);
	return r;
}

static void rec_field(rec *r, const ls_buf *b, bool quoted)
{
	if (r->nf >= SIM_REGISTER_COLUMNS)
		fail_msg("more than %u fields in a record", SIM_REGISTER_COLUMNS);
	if (quoted)
		r->quoted |= 1u << r->nf;
	r->f[r->nf++] = ls_xstrndup(b->data ? b->data : "", b->len);
}

static void recs_free(recs *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (unsigned k = 0; k < t->v[i].nf; k++)
			free(t->v[i].f[k]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* RFC 4180: every record must end with exactly `eol`. */
static void parse_csv(const char *s, size_t len, const char *eol, recs *out)
{
	size_t el = strlen(eol), pos = 0;
	ls_buf f = LS_BUF_INIT;
	while (pos < len) {
		rec *r = recs_add(out);
		for (;;) {
			ls_buf_reset(&f);
			bool quoted = pos < len && s[pos] == '"';
			if (quoted) {
				pos++;
				for (;;) {
					if (pos >= len)
						fail_msg("unterminated quoted field");
					if (s[pos] == '"') {
						if (pos + 1 < len && s[pos + 1] == '"') {
							ls_buf_append_char(&f, '"');
							pos += 2;
							continue;
						}
						pos++;
						break;
					}
					ls_buf_append_char(&f, s[pos++]);
				}
			} else {
				while (pos < len && s[pos] != ',' && s[pos] != '\r' &&
				       s[pos] != '\n') {
					if (s[pos] == '"')
						fail_msg("a quote inside an unquoted field");
					ls_buf_append_char(&f, s[pos++]);
				}
			}
			rec_field(r, &f, quoted);
			if (pos < len && s[pos] == ',') {
				pos++;
				continue;
			}
			if (len - pos < el || memcmp(s + pos, eol, el) != 0)
				fail_msg("record %zu does not end with the expected line ending",
				         out->n);
			pos += el;
			break;
		}
	}
	ls_buf_fini(&f);
}

/* COPY text: the header line, tab-separated escaped rows, then "\.". */
static void parse_copy(const char *s, size_t len, const char *header, recs *out)
{
	size_t hl = strlen(header);
	assert_true(len >= hl + 3);
	assert_memory_equal(s, header, hl);
	assert_memory_equal(s + len - 3, "\\.\n", 3);
	size_t pos = hl, end = len - 3;
	ls_buf f = LS_BUF_INIT;
	while (pos < end) {
		rec *r = recs_add(out);
		ls_buf_reset(&f);
		for (;;) {
			assert_true(pos < end);
			char c = s[pos++];
			if (c == '\t' || c == '\n') {
				rec_field(r, &f, false);
				ls_buf_reset(&f);
				if (c == '\n')
					break;
				continue;
			}
			if (c == '\\') {
				assert_true(pos < end);
				char e = s[pos++];
				c = e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
				if (e != 't' && e != 'n' && e != 'r' && e != '\\')
					fail_msg("unexpected COPY escape \\%c", e);
			} else if (c == '\r') {
				fail_msg("a raw CR in COPY text");
			}
			ls_buf_append_char(&f, c);
		}
	}
	ls_buf_fini(&f);
}

static void expect_text(const char *s, size_t len, size_t *pos, const char *lit)
{
	size_t n = strlen(lit);
	if (len - *pos < n || memcmp(s + *pos, lit, n) != 0)
		fail_msg("expected \"%s\" at byte %zu", lit, *pos);
	*pos += n;
}

/* Multi-row INSERT statements; *stmts and the rows of each are checked by
 * the caller through batch_rows (may be NULL). */
static void parse_insert(const char *s, size_t len, const char *head, recs *out, size_t *stmts,
                         size_t *batch_rows, size_t max_batches)
{
	size_t pos = 0;
	ls_buf f = LS_BUF_INIT;
	*stmts = 0;
	while (pos < len) {
		expect_text(s, len, &pos, head);
		size_t in_stmt = 0;
		for (;;) {
			expect_text(s, len, &pos, "\t(");
			rec *r = recs_add(out);
			for (;;) {
				expect_text(s, len, &pos, "'");
				ls_buf_reset(&f);
				for (;;) {
					if (pos >= len)
						fail_msg("unterminated SQL string");
					if (s[pos] == '\'') {
						if (pos + 1 < len && s[pos + 1] == '\'') {
							ls_buf_append_char(&f, '\'');
							pos += 2;
							continue;
						}
						pos++;
						break;
					}
					ls_buf_append_char(&f, s[pos++]);
				}
				rec_field(r, &f, true);
				if (pos < len && s[pos] == ')') {
					pos++;
					break;
				}
				expect_text(s, len, &pos, ", ");
			}
			in_stmt++;
			if (len - pos >= 2 && memcmp(s + pos, ";\n", 2) == 0) {
				pos += 2;
				break;
			}
			expect_text(s, len, &pos, ",\n");
		}
		if (batch_rows != NULL && *stmts < max_batches)
			batch_rows[*stmts] = in_stmt;
		(*stmts)++;
	}
	ls_buf_fini(&f);
}

/* The indices an export of w writes, in order: the keyed traversal with the
 * canaries inserted at their positions (a small-span reference model). */
static uint64_t *expected_sequence(const sim_watermark *w, size_t *n)
{
	uint64_t cap = w->span + w->ncanaries;
	uint64_t *seq = ls_xreallocarray(NULL, (size_t)cap, sizeof *seq);
	uint64_t *pos = ls_xreallocarray(NULL, (size_t)w->ncanaries, sizeof *pos);
	for (uint64_t j = 0; j < w->ncanaries; j++)
		pos[j] = sim_watermark_canary_pos(w, j);
	size_t k = 0;
	for (uint64_t t = 0; t <= w->span; t++) {
		for (uint64_t j = 0; j < w->ncanaries; j++) /* ties in j order */
			if (pos[j] == t)
				seq[k++] = sim_watermark_canary(w, j);
		if (t < w->span) {
			uint64_t i = sim_watermark_index_at(w, t);
			if (sim_watermark_selects(w, i))
				seq[k++] = i;
		}
	}
	free(pos);
	*n = k;
	return seq;
}

/* Every parsed record equals the expected row of seq, column set `columns`. */
static void check_records(const sim_register *r, const sim_watermark *w, const recs *t,
                          size_t first, const uint64_t *seq, size_t n, uint32_t columns)
{
	assert_int_equal(t->n - first, n);
	unsigned want_nf = 0;
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
		want_nf += (columns >> k) & 1;
	for (size_t i = 0; i < n; i++) {
		const rec *rc = &t->v[first + i];
		assert_int_equal(rc->nf, want_nf);
		char f[8][80];
		expected_fields(r, seq[i], w, f);
		unsigned c = 0;
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
			if (!((columns >> k) & 1))
				continue;
			if (strcmp(rc->f[c], f[k]) != 0)
				fail_msg("record %zu column %s: got \"%s\", want \"%s\"", i,
				         sim_register_column_name(k), rc->f[c], f[k]);
			c++;
		}
	}
}

/* ------------------------------------------------------------------- rows */

static void test_row_is_pure(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 5000);
	const uint64_t probe[] = { 0,
		                   1,
		                   2,
		                   999,
		                   4999,
		                   1234,
		                   SIM_REGISTER_CANARY_BASE,
		                   SIM_REGISTER_ID_SPACE - 1,
		                   700000001 };
	enum { NP = sizeof probe / sizeof probe[0] };
	sim_member alone[NP], after[NP], reversed[NP];
	for (size_t k = 0; k < NP; k++) {
		sim_register fresh;
		reg_init(&fresh, SEED, 5000);
		sim_register_row(&fresh, probe[k], &alone[k]);
		sim_register_fini(&fresh);
	}
	sim_member scratch;
	for (uint64_t i = 0; i < 3000; i++)
		sim_register_row(&r, i, &scratch);
	for (size_t k = 0; k < NP; k++)
		sim_register_row(&r, probe[k], &after[k]);
	for (size_t k = NP; k-- > 0;)
		sim_register_row(&r, probe[k], &reversed[k]);
	for (size_t k = 0; k < NP; k++) {
		assert_memory_equal(&alone[k], &after[k], sizeof alone[k]);
		assert_memory_equal(&alone[k], &reversed[k], sizeof alone[k]);
	}
	/* The row count does not change any row. */
	sim_register big;
	reg_init(&big, SEED, 2000000);
	for (size_t k = 0; k < NP; k++) {
		sim_member m;
		sim_register_row(&big, probe[k], &m);
		assert_memory_equal(&alone[k], &m, sizeof m);
	}
	sim_register_fini(&big);
	sim_register_fini(&r);
}

static void test_seeds_differ(void **state)
{
	(void)state;
	sim_register a, b;
	reg_init(&a, 1, 1000);
	reg_init(&b, 2, 1000);
	int same_id = 0, same_name = 0, same_branch_table = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		sim_member x, y;
		sim_register_row(&a, i, &x);
		sim_register_row(&b, i, &y);
		same_id += strcmp(x.member_id, y.member_id) == 0;
		same_name += strcmp(x.full_name, y.full_name) == 0;
	}
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++)
		same_branch_table += strcmp(a.branch[k].name, b.branch[k].name) == 0;
	assert_true(same_id <= 1);
	assert_true(same_name <= 20);
	assert_true(same_branch_table <= 5);
	sim_register_fini(&a);
	sim_register_fini(&b);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_member_ids(void **state)
{
	(void)state;
	enum { N = 200000 };
	sim_register r;
	reg_init(&r, SEED, N);
	uint64_t *num = ls_xreallocarray(NULL, N, sizeof *num);
	uint64_t rising = 0;
	for (uint64_t i = 0; i < N; i++) {
		sim_member m;
		sim_register_row(&r, i, &m);
		assert_int_equal(strlen(m.member_id), 10);
		assert_int_equal(m.member_id[0], 'M');
		uint64_t v = 0;
		for (int k = 1; k < 10; k++) {
			assert_true(m.member_id[k] >= '0' && m.member_id[k] <= '9');
			v = v * 10 + (uint64_t)(m.member_id[k] - '0');
		}
		num[i] = v;
		assert_int_equal(sim_register_member_number(&r, i), v);
		uint64_t back = UINT64_MAX;
		assert_int_equal(sim_register_index_of(&r, ls_sv_from_cstr(m.member_id), &back),
		                 LS_OK);
		assert_int_equal(back, i);
		if (i > 0 && num[i] > num[i - 1])
			rising++;
	}
	/* Not sequential: about half of the neighbours go up. */
	assert_true(rising > N * 45 / 100 && rising < N * 55 / 100);
	qsort(num, N, sizeof *num, cmp_u64);
	for (size_t i = 1; i < N; i++)
		if (num[i] == num[i - 1])
			fail_msg("duplicate member number %llu", (unsigned long long)num[i]);

	/* Canary ids of many sessions never meet a register id. */
	char sid[32];
	for (int s = 0; s < 20; s++) {
		snprintf(sid, sizeof sid, "ids-%d", s);
		sim_export_spec sp = spec_of(sid, SIM_EXPORT_CSV);
		sim_watermark w;
		watermark(&r, &sp, &w);
		for (uint64_t j = 0; j < 200; j++) {
			uint64_t c = sim_watermark_canary(&w, j);
			assert_true(c >= SIM_REGISTER_CANARY_BASE && c < SIM_REGISTER_ID_SPACE);
			uint64_t v = sim_register_member_number(&r, c);
			assert_null(bsearch(&v, num, N, sizeof *num, cmp_u64));
		}
		sim_watermark_fini(&w);
	}
	free(num);
	sim_register_fini(&r);
}

static void test_index_of_rejects(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 10);
	const char *bad[] = { "",           "M",          "M12345678",  "M1234567890", "X123456789",
		              "m123456789", "M12345678a", "M-12345678", " M12345678" };
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		uint64_t i = 77;
		assert_int_equal(sim_register_index_of(&r, ls_sv_from_cstr(bad[k]), &i),
		                 LS_ERR_PARSE);
		assert_int_equal(i, 77);
	}
	/* Every 9-digit number is some row's member id. */
	const uint64_t nums[] = { 0, 1, 999999999, 500000000, 123456789 };
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
		char id[16];
		snprintf(id, sizeof id, "M%09llu", (unsigned long long)nums[k]);
		uint64_t i;
		assert_int_equal(sim_register_index_of(&r, ls_sv_from_cstr(id), &i), LS_OK);
		assert_true(i < SIM_REGISTER_ID_SPACE);
		assert_int_equal(sim_register_member_number(&r, i), nums[k]);
	}
	sim_register_fini(&r);
}

static void test_mod11_checker(void **state)
{
	(void)state;
	/* Worked by hand: digits 1 2 3 4 5 6 1 9 9 0 0 1 0 1 0 0 1 against weights
	 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 give 7+18+30+20+40+24+2+9+54+0+0+9+0+5
	 * +0+0+2 = 220; 220 mod 11 = 0; (12 - 0) mod 11 = 1. The last digit 2
	 * instead adds 2: 222 mod 11 = 2, (12 - 2) mod 11 = 10, written X. */
	assert_int_equal(mod11_2_check("12345619900101001"), '1');
	assert_int_equal(mod11_2_check("12345619900101002"), 'X');
	assert_int_equal(mod11_2_check("00000000000000000"), '1');
}

static void test_resident_ids_wrong(void **state)
{
	(void)state;
	enum { N = 200000 };
	sim_register r;
	reg_init(&r, SEED, N);
	unsigned seen[11] = { 0 };
	for (uint64_t i = 0; i < N; i++) {
		sim_member m;
		sim_register_row(&r, i, &m);
		const char *id = m.resident_id;
		assert_int_equal(strlen(id), 18);
		for (int k = 0; k < 17; k++)
			assert_true(id[k] >= '0' && id[k] <= '9');
		assert_true((id[17] >= '0' && id[17] <= '9') || id[17] == 'X');
		if (mod11_2_check(id) == id[17])
			fail_msg("row %llu has a valid resident id", (unsigned long long)i);
		/* region code, then the birth date as YYYYMMDD */
		assert_true(id[0] >= '1' && id[0] <= '8');
		char bd[9] = { 0 };
		memcpy(bd, m.birth_date, 4);
		memcpy(bd + 4, m.birth_date + 5, 2);
		memcpy(bd + 6, m.birth_date + 8, 2);
		assert_memory_equal(id + 6, bd, 8);
		seen[id[17] == 'X' ? 10 : id[17] - '0']++;
	}
	/* Every check character occurs, X included. */
	for (int c = 0; c < 11; c++)
		assert_true(seen[c] > N / 40);
	sim_register_fini(&r);
}

static void test_dates_and_phones(void **state)
{
	(void)state;
	enum { N = 200000 };
	sim_register r;
	reg_init(&r, SEED, N);
	long oldest = 99999999, youngest = 0;
	for (uint64_t i = 0; i < N + 2000; i++) {
		/* register rows and a slice of canary rows */
		uint64_t idx = i < N ? i : SIM_REGISTER_CANARY_BASE + (i - N) * 7919;
		sim_member m;
		sim_register_row(&r, idx, &m);
		int by, bm, bd, jy, jm, jd;
		assert_true(parse_date(m.birth_date, '-', &by, &bm, &bd));
		assert_true(parse_date(m.join_date, '-', &jy, &jm, &jd));
		long b = ymd(by, bm, bd), j = ymd(jy, jm, jd);
		/* Ages 18-75 on 2025-12-31. */
		assert_true(b >= 19500101 && b <= 20071231);
		/* Joined on or after the 18th birthday (1 March for 29 February),
		 * after the founding, and not after the snapshot. */
		long b18 = ymd(by + 18, bm, bd);
		if (bm == 2 && bd == 29 && !leap(by + 18))
			b18 = ymd(by + 18, 3, 1);
		assert_true(j >= b18);
		assert_true(j >= 19850101 && j <= 20251231);
		if (b < oldest)
			oldest = b;
		if (b > youngest)
			youngest = b;
		/* +999 (the ITU spare code) and 9 digits, no leading zero. */
		assert_int_equal(strlen(m.phone), 13);
		assert_memory_equal(m.phone, "+999", 4);
		assert_true(m.phone[4] >= '1' && m.phone[4] <= '9');
		for (int k = 5; k < 13; k++)
			assert_true(m.phone[k] >= '0' && m.phone[k] <= '9');
	}
	/* The range is used from end to end. */
	assert_true(oldest < 19510101 && youngest > 20070101);
	sim_register_fini(&r);
}

static void test_branches_and_positions(void **state)
{
	(void)state;
	enum { N = 200000 };
	sim_register r;
	reg_init(&r, SEED, N);
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++) {
		const char *n = r.branch[k].name;
		assert_int_equal(strlen(n), r.branch[k].len);
		assert_true(r.branch[k].len > 7);
		assert_string_equal(n + r.branch[k].len - 7, " branch");
		for (unsigned e = 0; e < k; e++)
			assert_string_not_equal(n, r.branch[e].name);
	}
	uint32_t *count = ls_xcalloc(SIM_REGISTER_BRANCHES, sizeof *count);
	unsigned used = 0, positions = 0;
	char seen_pos[64][40];
	for (uint64_t i = 0; i < N; i++) {
		sim_member m;
		sim_register_row(&r, i, &m);
		unsigned k = 0;
		while (k < SIM_REGISTER_BRANCHES && strcmp(r.branch[k].name, m.branch) != 0)
			k++;
		assert_true(k < SIM_REGISTER_BRANCHES);
		count[k]++;
		unsigned p = 0;
		while (p < positions && strcmp(seen_pos[p], m.position) != 0)
			p++;
		if (p == positions) {
			assert_true(positions < 64);
			snprintf(seen_pos[positions++], 40, "%s", m.position);
		}
	}
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++)
		used += count[k] > 0;
	/* Zipf(1) over 320 branches: rank 1 holds 1/H(320) = 15.7 %, rank 2 half
	 * that, rank 10 a tenth; tolerances are many standard errors. */
	double h = 0;
	for (unsigned k = 1; k <= SIM_REGISTER_BRANCHES; k++)
		h += 1.0 / k;
	assert_true(fabs(count[0] / (double)N - 1 / h) < 0.01);
	assert_true(fabs(count[1] / (double)N - 0.5 / h) < 0.006);
	assert_true(fabs(count[9] / (double)N - 0.1 / h) < 0.003);
	assert_true(used == SIM_REGISTER_BRANCHES);
	assert_true(positions >= 20 && positions <= 30);
	free(count);
	sim_register_fini(&r);
}

/* ----------------------------------------------------------------- exports */

static const char *const all_columns =
        "member_id,full_name,branch,position,birth_date,join_date,resident_id,phone";

static bool want_order_quote(const sim_watermark *w, int arg)
{
	return (int)w->order == (arg & 3) && w->quote_all == ((arg >> 2) & 1) &&
	       w->crlf == ((arg >> 3) & 1);
}

/* Rows of block blk inside the export's range. */
static uint64_t in_range(const sim_watermark *w, uint64_t blk)
{
	uint64_t a = blk * SIM_REGISTER_BLOCK, e = a + SIM_REGISTER_BLOCK;
	if (a < w->lo)
		a = w->lo;
	if (e > w->lo + w->span)
		e = w->lo + w->span;
	return e > a ? e - a : 0;
}

static void check_csv_export(const sim_register *r, const char *sid, uint64_t lo, uint64_t hi)
{
	sim_export_spec s = spec_of(sid, SIM_EXPORT_CSV);
	s.lo = lo;
	s.hi = hi;
	sim_watermark w;
	watermark(r, &s, &w);
	ls_buf out = LS_BUF_INIT;
	sim_export_result res;
	export_buf(r, &s, &out, &res);
	recs t = { 0 };
	parse_csv(out.data, out.len, w.crlf ? "\r\n" : "\n", &t);
	assert_true(t.n >= 1);
	/* the header */
	ls_buf hdr = LS_BUF_INIT;
	for (unsigned k = 0; k < t.v[0].nf; k++) {
		if (k)
			ls_buf_append_char(&hdr, ',');
		ls_buf_append_cstr(&hdr, t.v[0].f[k]);
	}
	assert_string_equal(hdr.data, all_columns);
	ls_buf_fini(&hdr);
	/* the rows, in the keyed order, with the canaries where they belong */
	size_t n;
	uint64_t *seq = expected_sequence(&w, &n);
	check_records(r, &w, &t, 1, seq, n, SIM_COL_ALL);
	assert_int_equal(res.rows + res.canaries, n);
	assert_int_equal(res.canaries, w.ncanaries);
	/* quoting: every field when quote_all, else exactly the ones that need it */
	for (size_t i = 0; i < t.n; i++)
		for (unsigned k = 0; k < t.v[i].nf; k++) {
			bool need = strpbrk(t.v[i].f[k], ",\"\r\n") != NULL;
			bool q = (t.v[i].quoted >> k) & 1;
			assert_true(q == (w.quote_all || need));
		}
	/* The order, checked without the module's traversal functions: register
	 * rows ascend (REGISTER), descend (REVERSE), or are shuffled inside blocks
	 * of SIM_REGISTER_BLOCK rows (counted from row 0) written whole, in
	 * ascending order (BLOCK_SHUFFLE) or not (FULL_SHUFFLE). */
	uint64_t prev = UINT64_MAX, blocks_seen = 0, prev_block = UINT64_MAX, run = 0;
	bool ascending = true, descending = true, blocks_ascend = true, shuffled = false;
	for (size_t i = 1; i < t.n; i++) {
		uint64_t idx;
		assert_int_equal(sim_register_index_of(r, ls_sv_from_cstr(t.v[i].f[0]), &idx),
		                 LS_OK);
		if (idx >= r->rows)
			continue;
		if (prev != UINT64_MAX) {
			ascending &= idx > prev;
			descending &= idx < prev;
			shuffled |= idx != prev + 1;
		}
		uint64_t blk = idx / SIM_REGISTER_BLOCK;
		if (blk != prev_block) {
			/* a block, once left, never comes back: all its rows were written */
			if (prev_block != UINT64_MAX)
				assert_int_equal(run, in_range(&w, prev_block));
			if (prev_block != UINT64_MAX && blk < prev_block)
				blocks_ascend = false;
			blocks_seen++;
			prev_block = blk;
			run = 0;
		}
		run++;
		prev = idx;
	}
	assert_int_equal(run, in_range(&w, prev_block));
	assert_int_equal(blocks_seen,
	                 (w.lo + w.span - 1) / SIM_REGISTER_BLOCK - w.lo / SIM_REGISTER_BLOCK + 1);
	switch (w.order) {
	case SIM_ORDER_REGISTER: assert_true(ascending); break;
	case SIM_ORDER_REVERSE: assert_true(descending); break;
	case SIM_ORDER_BLOCK_SHUFFLE:
		assert_true(blocks_ascend);
		assert_true(shuffled || w.span < 3);
		break;
	default: assert_true(shuffled || w.span < 3); break;
	}
	/* CRLF choice: no bare LF with CRLF, no CR at all with LF. */
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n')
			assert_true(w.crlf == (i > 0 && out.data[i - 1] == '\r'));
	free(seq);
	recs_free(&t);
	ls_buf_fini(&out);
	sim_watermark_fini(&w);
}

static void test_csv_roundtrip_every_order(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 1000);
	/* All 16 combinations of order x quoting x line ending. */
	for (int arg = 0; arg < 16; arg++) {
		char sid[48];
		find_session(&r, "csv", SIM_EXPORT_CSV, want_order_quote, arg, sid, sizeof sid);
		check_csv_export(&r, sid, 0, 0);
	}
	sim_register_fini(&r);
}

static void test_csv_ranges_span_blocks(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 6000);
	/* A range with a partial last block, in every order. */
	for (int arg = 0; arg < 4; arg++) {
		char sid[48];
		find_session(&r, "range", SIM_EXPORT_CSV, want_order_quote, arg, sid, sizeof sid);
		check_csv_export(&r, sid, 37, 5100);
		check_csv_export(&r, sid, 5999, 6000);
	}
	sim_register_fini(&r);
}

/* The first row index in [0, limit) whose name contains c. */
static uint64_t find_name_with(const sim_register *r, char c, uint64_t limit)
{
	for (uint64_t i = 0; i < limit; i++) {
		sim_member m;
		sim_register_row(r, i, &m);
		if (strchr(m.full_name, c) != NULL)
			return i;
	}
	fail_msg("no name with '%c' in %llu rows", c, (unsigned long long)limit);
	return 0;
}

static bool want_minimal(const sim_watermark *w, int arg)
{
	(void)arg;
	return !w->quote_all;
}

static void test_csv_quoting(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 50000);
	char sid[48];
	find_session(&r, "quote", SIM_EXPORT_CSV, want_minimal, 0, sid, sizeof sid);
	uint64_t comma = find_name_with(&r, ',', 50000);
	uint64_t dq = find_name_with(&r, '"', 50000);
	uint64_t rows[2] = { comma, dq };
	for (int k = 0; k < 2; k++) {
		sim_member m;
		sim_register_row(&r, rows[k], &m);
		/* The field as RFC 4180 writes it: quoted, inner quotes doubled. */
		ls_buf want = LS_BUF_INIT;
		ls_buf_append_cstr(&want, ",\"");
		for (const char *p = m.full_name; *p; p++) {
			if (*p == '"')
				ls_buf_append_char(&want, '"');
			ls_buf_append_char(&want, *p);
		}
		ls_buf_append_cstr(&want, "\",");
		sim_export_spec s = spec_of(sid, SIM_EXPORT_CSV);
		s.lo = rows[k];
		s.hi = rows[k] + 1;
		ls_buf out = LS_BUF_INIT;
		sim_export_result res;
		export_buf(&r, &s, &out, &res);
		assert_int_equal(res.rows, 1);
		if (strstr(out.data, want.data) == NULL)
			fail_msg("%s not found in\n%s", want.data, out.data);
		/* and it parses back to the name */
		sim_watermark w;
		watermark(&r, &s, &w);
		recs t = { 0 };
		parse_csv(out.data, out.len, w.crlf ? "\r\n" : "\n", &t);
		bool found = false;
		for (size_t i = 1; i < t.n; i++)
			found |=
			        strcmp(t.v[i].f[1], m.full_name) == 0 && ((t.v[i].quoted >> 1) & 1);
		assert_true(found);
		recs_free(&t);
		sim_watermark_fini(&w);
		ls_buf_fini(&out);
		ls_buf_fini(&want);
	}
	/* Branch names with a comma ("Co., Ltd.") are quoted too. */
	bool comma_branch = false;
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++)
		comma_branch |= strchr(r.branch[k].name, ',') != NULL;
	assert_true(comma_branch);
	sim_register_fini(&r);
}

static void expect_escape(sim_export_format fmt, bool quote_all, const char *in, const char *want)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "<");
	sim_register_escape(&b, fmt, quote_all, in, strlen(in));
	ls_buf_append_cstr(&b, ">");
	ls_buf w = LS_BUF_INIT;
	ls_buf_append_cstr(&w, "<");
	ls_buf_append_cstr(&w, want);
	ls_buf_append_cstr(&w, ">");
	assert_string_equal(b.data, w.data);
	ls_buf_fini(&b);
	ls_buf_fini(&w);
}

static void test_escaping(void **state)
{
	(void)state;
	/* CSV, minimal quoting: only , " CR LF force quotes. */
	expect_escape(SIM_EXPORT_CSV, false, "plain text", "plain text");
	expect_escape(SIM_EXPORT_CSV, false, "", "");
	expect_escape(SIM_EXPORT_CSV, false, "Co., Ltd.", "\"Co., Ltd.\"");
	expect_escape(SIM_EXPORT_CSV, false, "Kel \"Ty\" Varon", "\"Kel \"\"Ty\"\" Varon\"");
	expect_escape(SIM_EXPORT_CSV, false, "two\nlines", "\"two\nlines\"");
	expect_escape(SIM_EXPORT_CSV, false, "cr\r", "\"cr\r\"");
	expect_escape(SIM_EXPORT_CSV, false, "O'Dara\ttab\\", "O'Dara\ttab\\");
	/* CSV, every field quoted. */
	expect_escape(SIM_EXPORT_CSV, true, "plain", "\"plain\"");
	expect_escape(SIM_EXPORT_CSV, true, "", "\"\"");
	expect_escape(SIM_EXPORT_CSV, true, "\"", "\"\"\"\"");
	/* COPY text: backslash, tab, LF, CR escaped; quotes and commas as is. */
	expect_escape(SIM_EXPORT_SQL_COPY, false, "a\\b\tc\nd\re", "a\\\\b\\tc\\nd\\re");
	expect_escape(SIM_EXPORT_SQL_COPY, false, "O'Dara, \"Ty\"", "O'Dara, \"Ty\"");
	expect_escape(SIM_EXPORT_SQL_COPY, false, "\\N", "\\\\N"); /* never the NULL marker */
	/* INSERT: a string literal with ' doubled, nothing else touched. */
	expect_escape(SIM_EXPORT_SQL_INSERT, false, "O'Dara", "'O''Dara'");
	expect_escape(SIM_EXPORT_SQL_INSERT, false, "''", "''''''");
	expect_escape(SIM_EXPORT_SQL_INSERT, false, "", "''");
	expect_escape(SIM_EXPORT_SQL_INSERT, false, "back\\slash \"q\"", "'back\\slash \"q\"'");
}

static void column_list(uint32_t columns, const char *sep, ls_buf *b)
{
	bool first = true;
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
		if (!((columns >> k) & 1))
			continue;
		if (!first)
			ls_buf_append_cstr(b, sep);
		first = false;
		ls_buf_append_cstr(b, sim_register_column_name(k));
	}
}

static void test_copy_format(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 3000);
	for (int v = 0; v < 4; v++) {
		char sid[32];
		snprintf(sid, sizeof sid, "copy-%d", v);
		sim_export_spec s = spec_of(sid, SIM_EXPORT_SQL_COPY);
		s.columns = v == 3 ? (SIM_COL_FULL_NAME | SIM_COL_PHONE | SIM_COL_BIRTH_DATE) : 0;
		uint32_t cols = s.columns ? s.columns : SIM_COL_ALL;
		sim_watermark w;
		watermark(&r, &s, &w);
		ls_buf out = LS_BUF_INIT;
		sim_export_result res;
		export_buf(&r, &s, &out, &res);
		ls_buf head = LS_BUF_INIT;
		ls_buf_append_cstr(&head, "COPY public.members (");
		column_list(cols, ", ", &head);
		ls_buf_append_cstr(&head, ") FROM stdin;\n");
		recs t = { 0 };
		parse_copy(out.data, out.len, head.data, &t);
		size_t n;
		uint64_t *seq = expected_sequence(&w, &n);
		check_records(&r, &w, &t, 0, seq, n, cols);
		assert_int_equal(res.rows, 3000);
		assert_int_equal(res.canaries, 3);
		/* COPY text has no quoting: names with ' and " go through as they are. */
		if (v == 0) {
			uint64_t ap = find_name_with(&r, '\'', 3000);
			sim_member m;
			sim_register_row(&r, ap, &m);
			assert_non_null(strstr(out.data, m.full_name));
		}
		free(seq);
		recs_free(&t);
		ls_buf_fini(&head);
		ls_buf_fini(&out);
		sim_watermark_fini(&w);
	}
	sim_register_fini(&r);
}

static bool want_batch(const sim_watermark *w, int arg)
{
	return (int)w->insert_batch == arg;
}

static void test_insert_format(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 2600);
	const int batches[] = { 100, 250, 500, 1000 };
	for (int b = 0; b < 4; b++) {
		char sid[48];
		find_session(&r, "ins", SIM_EXPORT_SQL_INSERT, want_batch, batches[b], sid,
		             sizeof sid);
		sim_export_spec s = spec_of(sid, SIM_EXPORT_SQL_INSERT);
		s.columns = b == 1 ? (SIM_COL_MEMBER_ID | SIM_COL_FULL_NAME) : 0;
		uint32_t cols = s.columns ? s.columns : SIM_COL_ALL;
		sim_watermark w;
		watermark(&r, &s, &w);
		ls_buf out = LS_BUF_INIT;
		sim_export_result res;
		export_buf(&r, &s, &out, &res);
		ls_buf head = LS_BUF_INIT;
		ls_buf_append_cstr(&head, "INSERT INTO public.members (");
		column_list(cols, ", ", &head);
		ls_buf_append_cstr(&head, ") VALUES\n");
		recs t = { 0 };
		size_t stmts, per[64];
		parse_insert(out.data, out.len, head.data, &t, &stmts, per, 64);
		size_t n;
		uint64_t *seq = expected_sequence(&w, &n);
		check_records(&r, &w, &t, 0, seq, n, cols);
		/* Full batches, then the remainder. */
		assert_int_equal(stmts, (n + (size_t)batches[b] - 1) / (size_t)batches[b]);
		for (size_t i = 0; i < stmts; i++)
			assert_int_equal(per[i], i + 1 < stmts
			                                 ? (size_t)batches[b]
			                                 : n - (stmts - 1) * (size_t)batches[b]);
		/* Balanced: outside strings, parentheses pair up and each statement ends. */
		int depth = 0, semis = 0;
		bool in_str = false;
		for (size_t i = 0; i < out.len; i++) {
			char c = out.data[i];
			if (c == '\'')
				in_str = !in_str; /* a doubled '' toggles twice */
			else if (!in_str && c == '(')
				depth++;
			else if (!in_str && c == ')')
				assert_true(--depth >= 0);
			else if (!in_str && c == ';')
				semis++;
		}
		assert_false(in_str);
		assert_int_equal(depth, 0);
		assert_int_equal((size_t)semis, stmts);
		/* A name with an apostrophe is written with it doubled. */
		uint64_t ap = find_name_with(&r, '\'', 2600);
		sim_member m;
		sim_register_row(&r, ap, &m);
		ls_buf want = LS_BUF_INIT;
		ls_buf_append_char(&want, '\'');
		for (const char *p = m.full_name; *p; p++) {
			if (*p == '\'')
				ls_buf_append_char(&want, '\'');
			ls_buf_append_char(&want, *p);
		}
		ls_buf_append_char(&want, '\'');
		assert_non_null(strstr(out.data, want.data));
		ls_buf_fini(&want);
		free(seq);
		recs_free(&t);
		ls_buf_fini(&head);
		ls_buf_fini(&out);
		sim_watermark_fini(&w);
	}
	sim_register_fini(&r);
}

static void test_sample_and_columns(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 20000);
	sim_export_spec s = spec_of("sample-1", SIM_EXPORT_CSV);
	s.sample = 0.1;
	s.columns = SIM_COL_RESIDENT_ID | SIM_COL_PHONE;
	sim_watermark w;
	watermark(&r, &s, &w);
	ls_buf out = LS_BUF_INIT;
	sim_export_result res;
	export_buf(&r, &s, &out, &res);
	recs t = { 0 };
	parse_csv(out.data, out.len, w.crlf ? "\r\n" : "\n", &t);
	assert_int_equal(t.v[0].nf, 2);
	assert_string_equal(t.v[0].f[0], "resident_id");
	assert_string_equal(t.v[0].f[1], "phone");
	size_t n;
	uint64_t *seq = expected_sequence(&w, &n);
	check_records(&r, &w, &t, 1, seq, n, s.columns);
	/* Binomial(20000, 0.1): mean 2000, sd 42. */
	assert_true(res.rows > 1800 && res.rows < 2200);
	assert_int_equal(res.canaries, 3);
	/* Other sessions sample other rows. */
	sim_export_spec s2 = s;
	s2.session_id = "sample-2";
	sim_watermark w2;
	watermark(&r, &s2, &w2);
	unsigned both = 0, one = 0;
	for (uint64_t i = 0; i < 20000; i++) {
		bool a = sim_watermark_selects(&w, i), b = sim_watermark_selects(&w2, i);
		both += a && b;
		one += a;
	}
	assert_int_equal(one, res.rows);
	assert_true(both > 100 && both < 300); /* about 1 % of the rows */
	free(seq);
	recs_free(&t);
	ls_buf_fini(&out);
	sim_watermark_fini(&w);
	sim_watermark_fini(&w2);
	sim_register_fini(&r);
}

static void test_spec_errors(void **state)
{
	(void)state;
	sim_register r;
	assert_int_equal(sim_register_init(&r, 1, 0), LS_ERR_RANGE);
	assert_int_equal(sim_register_init(&r, 1, SIM_REGISTER_ROWS_MAX + 1), LS_ERR_RANGE);
	reg_init(&r, SEED, 100);
	char long_id[SIM_REGISTER_SESSION_MAX + 2];
	memset(long_id, 'a', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	sim_export_spec bad[] = {
		{ .session_id = "" },
		{ .session_id = long_id },
		{ .session_id = "x", .format = SIM_EXPORT__COUNT },
		{ .session_id = "x", .lo = 50, .hi = 50 },
		{ .session_id = "x", .lo = 100 },
		{ .session_id = "x", .hi = 101 },
		{ .session_id = "x", .sample = -0.1 },
		{ .session_id = "x", .sample = 1.5 },
		{ .session_id = "x", .sample = NAN },
		{ .session_id = "x", .columns = 0x100 },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ls_diag d;
		ls_diag_clear(&d);
		sim_export_result res = { .rows = 9 };
		ls_buf out = LS_BUF_INIT;
		assert_int_equal(sim_register_export(&r, &bad[k], sim_sink_buf, &out, &res, &d),
		                 LS_ERR_RANGE);
		assert_int_equal(d.err, LS_ERR_RANGE);
		assert_true(d.message[0] != '\0');
		assert_int_equal(out.len, 0);
		assert_int_equal(res.rows, 0);
		ls_buf_fini(&out);
	}
	/* the longest allowed session id works */
	long_id[SIM_REGISTER_SESSION_MAX] = '\0';
	sim_export_spec ok = { .session_id = long_id };
	sim_export_result res;
	assert_int_equal(sim_register_export(&r, &ok, NULL, NULL, &res, NULL), LS_OK);
	assert_int_equal(res.rows, 100);
	sim_register_fini(&r);
}

/* ------------------------------------------------------------- watermark */

typedef struct hash_sink {
	crypto_hash_sha256_state sha;
	uint64_t bytes;
	uint64_t calls;
	uint64_t fail_after; /* fail the call that would pass this many bytes; 0 never */
} hash_sink;

static ls_err hash_sink_fn(void *ctx, const void *p, size_t n)
{
	hash_sink *h = ctx;
	if (h->fail_after && h->bytes + n > h->fail_after)
		return LS_ERR_IO;
	crypto_hash_sha256_update(&h->sha, p, n);
	h->bytes += n;
	h->calls++;
	return LS_OK;
}

static void test_result_matches_sink(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 40000);
	for (int f = 0; f < SIM_EXPORT__COUNT; f++) {
		sim_export_spec s = spec_of("hash", (sim_export_format)f);
		hash_sink h = { .fail_after = 0 };
		crypto_hash_sha256_init(&h.sha);
		sim_export_result res;
		assert_int_equal(sim_register_export(&r, &s, hash_sink_fn, &h, &res, NULL), LS_OK);
		unsigned char digest[32];
		crypto_hash_sha256_final(&h.sha, digest);
		assert_int_equal(res.bytes, h.bytes);
		assert_memory_equal(res.sha256, digest, 32);
		assert_true(h.calls > 1); /* streamed in pieces, not at once */
		/* a NULL sink counts and hashes the same bytes */
		sim_export_result res2;
		assert_int_equal(sim_register_export(&r, &s, NULL, NULL, &res2, NULL), LS_OK);
		assert_memory_equal(&res, &res2, sizeof res);
		/* a failing sink stops the export with its error */
		hash_sink bad = { .fail_after = h.bytes / 2 };
		crypto_hash_sha256_init(&bad.sha);
		ls_diag d;
		ls_diag_clear(&d);
		assert_int_equal(sim_register_export(&r, &s, hash_sink_fn, &bad, &res2, &d),
		                 LS_ERR_IO);
		assert_int_equal(d.err, LS_ERR_IO);
		assert_true(bad.bytes <= h.bytes / 2);
	}
	sim_register_fini(&r);
}

static void test_sessions_differ_and_reproduce(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 30000);
	/* The same session gives byte-identical output. */
	sim_export_spec a = spec_of("alice-2025-06-02T09:14", SIM_EXPORT_CSV);
	ls_buf x = LS_BUF_INIT, y = LS_BUF_INIT;
	sim_export_result rx, ry;
	export_buf(&r, &a, &x, &rx);
	export_buf(&r, &a, &y, &ry);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.data, y.data, x.len);
	assert_memory_equal(&rx, &ry, sizeof rx);
	/* Another session: other canaries, other bytes. */
	sim_export_spec b = spec_of("bob-2025-06-02T09:14", SIM_EXPORT_CSV);
	sim_export_result rb;
	ls_buf z = LS_BUF_INIT;
	export_buf(&r, &b, &z, &rb);
	assert_memory_not_equal(rx.sha256, rb.sha256, 32);
	sim_watermark wa, wb;
	watermark(&r, &a, &wa);
	watermark(&r, &b, &wb);
	for (uint64_t i = 0; i < wa.ncanaries; i++)
		for (uint64_t j = 0; j < wb.ncanaries; j++)
			assert_true(sim_watermark_canary(&wa, i) != sim_watermark_canary(&wb, j));
	assert_false(sim_watermark_is_canary(&wb, sim_watermark_canary(&wa, 0), NULL));
	sim_watermark_fini(&wa);
	sim_watermark_fini(&wb);
	/* Choice bits spread over sessions: 64 sessions, 512 possible values. */
	unsigned distinct = 0;
	uint32_t seen[64];
	unsigned orders[4] = { 0 };
	for (int i = 0; i < 64; i++) {
		char sid[32];
		snprintf(sid, sizeof sid, "spread-%d", i);
		sim_export_spec s = spec_of(sid, SIM_EXPORT_CSV);
		sim_watermark w;
		watermark(&r, &s, &w);
		bool dup = false;
		for (unsigned k = 0; k < distinct; k++)
			dup |= seen[k] == w.bits;
		if (!dup)
			seen[distinct++] = w.bits;
		orders[w.order]++;
		sim_watermark_fini(&w);
	}
	assert_true(distinct >= 54); /* about 60 expected */
	for (int o = 0; o < 4; o++)
		assert_true(orders[o] >= 5);
	ls_buf_fini(&x);
	ls_buf_fini(&y);
	ls_buf_fini(&z);
	sim_register_fini(&r);
}

static void test_watermark_recomputes_canaries(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 45000);
	const char *sids[] = { "recompute-a", "recompute-b", "recompute-c" };
	for (int v = 0; v < 3; v++) {
		sim_export_spec s = spec_of(sids[v], (sim_export_format)v);
		sim_watermark w;
		watermark(&r, &s, &w);
		/* 45,000 rows: ceil(45000 / 10000) = 5 canaries. */
		assert_int_equal(w.ncanaries, 5);
		ls_buf out = LS_BUF_INIT;
		sim_export_result res;
		export_buf(&r, &s, &out, &res);
		recs t = { 0 };
		size_t first = 0;
		if (v == 0) {
			parse_csv(out.data, out.len, w.crlf ? "\r\n" : "\n", &t);
			first = 1;
		} else if (v == 1) {
			parse_copy(out.data, out.len,
			           "COPY public.members (member_id, full_name, branch, position, "
			           "birth_date, join_date, resident_id, phone) FROM stdin;\n",
			           &t);
		} else {
			size_t stmts;
			parse_insert(
			        out.data, out.len,
			        "INSERT INTO public.members (member_id, full_name, branch, "
			        "position, birth_date, join_date, resident_id, phone) VALUES\n",
			        &t, &stmts, NULL, 0);
		}
		/* Find the rows that are not in the register, from the file alone. */
		uint64_t found[16];
		size_t nfound = 0, seen_rows = 0;
		bool *hit = ls_xcalloc(45000, 1);
		for (size_t i = first; i < t.n; i++) {
			uint64_t idx;
			assert_int_equal(
			        sim_register_index_of(&r, ls_sv_from_cstr(t.v[i].f[0]), &idx),
			        LS_OK);
			if (idx < 45000) {
				assert_false(hit[idx]); /* no duplicates */
				hit[idx] = true;
				seen_rows++;
				continue;
			}
			assert_true(idx >= SIM_REGISTER_CANARY_BASE);
			assert_true(nfound < 16);
			uint64_t j;
			assert_true(sim_watermark_is_canary(&w, idx, &j));
			/* it sits where its position says: after exactly as many register
			 * rows as its traversal position (no sampling here) */
			assert_int_equal(i - first - nfound, sim_watermark_canary_pos(&w, j));
			found[nfound++] = idx;
		}
		free(hit);
		assert_int_equal(seen_rows, 45000);
		assert_int_equal(nfound, w.ncanaries);
		assert_int_equal(res.canaries, nfound);
		/* exactly the recomputed set */
		for (uint64_t j = 0; j < w.ncanaries; j++) {
			uint64_t c = sim_watermark_canary(&w, j);
			bool in = false;
			for (size_t k = 0; k < nfound; k++)
				in |= found[k] == c;
			assert_true(in);
			uint64_t back;
			assert_true(sim_watermark_is_canary(&w, c, &back));
			assert_int_equal(back, j);
		}
		/* the canary after the last one is not in this export but is
		 * recognised as the session's next canary */
		uint64_t next = sim_watermark_canary(&w, w.ncanaries), rank;
		assert_false(sim_watermark_is_canary(&w, next, &rank));
		assert_int_equal(rank, w.ncanaries);
		recs_free(&t);
		ls_buf_fini(&out);
		sim_watermark_fini(&w);
	}
	sim_register_fini(&r);
}

static void test_traversal_is_a_permutation(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 10000);
	for (int o = 0; o < 4; o++) {
		char sid[48];
		find_session(&r, "trav", SIM_EXPORT_CSV, want_order_quote, o, sid, sizeof sid);
		sim_export_spec s = spec_of(sid, SIM_EXPORT_CSV);
		s.lo = 123;
		s.hi = 9000; /* 8877 rows: parts of blocks 0 and 8, blocks 1-7 whole */
		sim_watermark w;
		watermark(&r, &s, &w);
		assert_int_equal(w.span, 8877);
		/* the same session over the whole register */
		sim_export_spec all = spec_of(sid, SIM_EXPORT_CSV);
		sim_watermark wall;
		watermark(&r, &all, &wall);
		bool *seen = ls_xcalloc(10000, 1);
		uint64_t in_place = 0, last_rank = 0;
		for (uint64_t t = 0; t < w.span; t++) {
			uint64_t i = sim_watermark_index_at(&w, t);
			assert_true(i >= 123 && i < 9000);
			assert_false(seen[i]);
			seen[i] = true;
			assert_int_equal(sim_watermark_position_of(&w, i), t);
			in_place += i == 123 + t;
			/* one order of the whole register, whatever the range */
			uint64_t rank = sim_watermark_rank(&w, i);
			assert_int_equal(rank, sim_watermark_rank(&wall, i));
			assert_true(t == 0 || rank > last_rank);
			last_rank = rank;
		}
		/* the ranks of the whole register are a permutation of 0..rows-1 */
		bool *rk = ls_xcalloc(10000, 1);
		for (uint64_t i = 0; i < 10000; i++) {
			uint64_t k = sim_watermark_rank(&wall, i);
			assert_true(k < 10000);
			assert_false(rk[k]);
			rk[k] = true;
			assert_int_equal(sim_watermark_index_at(&wall, k), i);
		}
		free(rk);
		sim_watermark_fini(&wall);
		switch (o) {
		case 0: assert_int_equal(in_place, w.span); break;
		case 1: assert_int_equal(sim_watermark_index_at(&w, 0), 8999); break;
		default: assert_true(in_place < 50); break;
		}
		free(seen);
		sim_watermark_fini(&w);
	}
	sim_register_fini(&r);
}

/* Streams a CSV export line by line, noting which data rows are canaries. */
typedef struct canary_scan {
	const sim_register *r;
	ls_buf line;
	uint64_t data_rows;   /* rows after the header */
	uint64_t canary[256]; /* data-row ordinals of canaries */
	size_t ncanary;
	uint64_t lines;
} canary_scan;

static void scan_line(canary_scan *c)
{
	if (c->lines++ == 0)
		return; /* the header */
	ls_sv l = ls_buf_sv(&c->line);
	if (l.len > 0 && l.ptr[0] == '"')
		l = ls_sv_sub(l, 1, l.len - 1);
	uint64_t idx;
	if (sim_register_index_of(c->r, ls_sv_sub(l, 0, 10), &idx) != LS_OK)
		fail_msg("a line without a member id");
	if (idx >= c->r->rows) {
		assert_true(c->ncanary < 256);
		c->canary[c->ncanary++] = c->data_rows;
	}
	c->data_rows++;
}

static ls_err scan_sink(void *ctx, const void *p, size_t n)
{
	canary_scan *c = ctx;
	const char *s = p;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			scan_line(c);
			ls_buf_reset(&c->line);
		} else {
			ls_buf_append_char(&c->line, s[i]);
		}
	}
	return LS_OK;
}

static void test_subset_keeps_canaries(void **state)
{
	(void)state;
	enum { N = 500000 };
	sim_register r;
	reg_init(&r, SEED, N);
	sim_export_spec s = spec_of("bulk-export-7", SIM_EXPORT_CSV);
	canary_scan c = { .r = &r };
	sim_export_result res;
	assert_int_equal(sim_register_export(&r, &s, scan_sink, &c, &res, NULL), LS_OK);
	ls_buf_fini(&c.line);
	/* 500,000 / 10,000 = 50 canaries in 500,050 rows. */
	assert_int_equal(c.ncanary, 50);
	assert_int_equal(res.canaries, 50);
	assert_int_equal(c.data_rows, N + 50);
	/* A 10 % subset keeps each canary with probability 0.1: expected 5, and
	 * P(none) = 0.9^50 = 0.5 %. Check ten disjoint contiguous slices and a
	 * keyed 10 % sample of the rows. */
	double expected = 0.1 * (double)c.ncanary;
	uint64_t slice = c.data_rows / 10;
	unsigned min_kept = UINT32_MAX, sampled = 0;
	for (unsigned k = 0; k < 10; k++) {
		unsigned kept = 0;
		for (size_t q = 0; q < c.ncanary; q++)
			kept += c.canary[q] / slice == k;
		if (kept < min_kept)
			min_kept = kept;
	}
	for (size_t q = 0; q < c.ncanary; q++) {
		unsigned char h[8], m[8];
		for (int b = 0; b < 8; b++)
			m[b] = (unsigned char)(c.canary[q] >> (8 * b));
		crypto_generichash(h, sizeof h, m, sizeof m, NULL, 0);
		sampled += h[0] < 26; /* 26/256 = 10.2 % of rows */
	}
	print_message("10%% subsets of a %d-row export with %zu canaries: expected %.1f "
	              "canaries each (P(none) = %.4f); contiguous slices keep at least %u, a "
	              "hashed 10%% sample keeps %u\n",
	              N, c.ncanary, expected, pow(0.9, (double)c.ncanary), min_kept, sampled);
	assert_true(min_kept >= 1);
	assert_true(sampled >= 1);
	sim_register_fini(&r);
}

static void test_small_exports_have_three_canaries(void **state)
{
	(void)state;
	sim_register r;
	reg_init(&r, SEED, 25000);
	const struct {
		uint64_t lo, hi;
		double sample;
		uint64_t want;
	} cases[] = {
		{ 0, 1, 0, 3 },     { 0, 0, 0, 3 },   { 0, 20000, 0, 3 },
		{ 0, 20001, 0, 3 }, { 0, 0, 0.5, 3 }, { 100, 25000, 1.0, 3 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		sim_export_spec s = spec_of("small", SIM_EXPORT_CSV);
		s.lo = cases[k].lo;
		s.hi = cases[k].hi;
		s.sample = cases[k].sample;
		sim_export_result res;
		assert_int_equal(sim_register_export(&r, &s, NULL, NULL, &res, NULL), LS_OK);
		assert_int_equal(res.canaries, cases[k].want);
	}
	sim_register_fini(&r);
	/* and the count grows with the export: 30,001 rows give 4 */
	reg_init(&r, SEED, 30001);
	sim_export_spec s = spec_of("small", SIM_EXPORT_CSV);
	sim_export_result res;
	assert_int_equal(sim_register_export(&r, &s, NULL, NULL, &res, NULL), LS_OK);
	assert_int_equal(res.canaries, 4);
	sim_register_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_is_pure),
		cmocka_unit_test(test_seeds_differ),
		cmocka_unit_test(test_member_ids),
		cmocka_unit_test(test_index_of_rejects),
		cmocka_unit_test(test_mod11_checker),
		cmocka_unit_test(test_resident_ids_wrong),
		cmocka_unit_test(test_dates_and_phones),
		cmocka_unit_test(test_branches_and_positions),
		cmocka_unit_test(test_csv_roundtrip_every_order),
		cmocka_unit_test(test_csv_ranges_span_blocks),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_copy_format),
		cmocka_unit_test(test_insert_format),
		cmocka_unit_test(test_sample_and_columns),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_result_matches_sink),
		cmocka_unit_test(test_sessions_differ_and_reproduce),
		cmocka_unit_test(test_watermark_recomputes_canaries),
		cmocka_unit_test(test_traversal_is_a_permutation),
		cmocka_unit_test(test_subset_keeps_canaries),
		cmocka_unit_test(test_small_exports_have_three_canaries),
	};
	return cmocka_run_group_tests(tests, setup_all, NULL);
}
