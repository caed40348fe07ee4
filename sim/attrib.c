/*
 * attrib.c - what a leaked file shows of the register's watermark, and how
 * well each export session fits it (see attrib.h).
 *
 * Reading a file: records come from src/io/table; each section (a CSV
 * header, a COPY or INSERT statement's column list) gets a mapping from its
 * fields to the register's columns, by name or, for fields without a known
 * name, by the shape of the first values (the register's value model
 * tells a name, a branch or a position from anything else). The file's
 * column set is the first mapped section's; values are normalised to the
 * register's canonical text, and a distinct row is kept as a 128-bit keyed
 * hash of that text (with its line), which is all the canary lookups need.
 * With member ids, each row is also checked against the register: a
 * register row goes on the order list, a canary-space row counts towards
 * the chance of an accidental canary match.
 *
 * Checking a session recomputes its watermark: its canary rows are hashed
 * the same way and looked up; its choices are compared with the file's.
 */
#include "sim/attrib.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "io/table.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Records of a section looked at to infer unnamed columns. */
#define INFER_ROWS 256u
/* The canary space: 5 * 10^8 indices. */
#define CANARY_SPACE (SIM_REGISTER_ID_SPACE - SIM_REGISTER_CANARY_BASE)
/* Longest normalised value kept (longer values cannot be the register's). */
#define VALUE_MAX 96u

static const char *const dim_names[SIM_DIM__COUNT] = {
	"line ending", "quoting", "phone layout", "date separator", "INSERT batch", "row order"
};

static const char *const phone_layouts[4] = { "+999 DD DDD DDDD", "+999-DD-DDD-DDDD",
	                                      "+999DDDDDDDDD", "(+999) DD DDDDDDD" };

static const unsigned batches[4] = { 100, 250, 500, 1000 };

const char *sim_leak_dim_name(sim_leak_dim d)
{
	return (unsigned)d < SIM_DIM__COUNT ? dim_names[d] : "?";
}

typedef struct slot {
	uint64_t h0, h1; /* h1 has its low bit set in a used slot */
	uint64_t line;
} slot;

typedef struct run {
	uint64_t block;
	size_t start, len; /* in order[] */
} run;

struct sim_leak {
	const sim_register *r;
	sim_register_model model;
	sim_leak_info info;
	unsigned char hkey[crypto_shorthash_siphashx24_KEYBYTES];
	slot *set;
	size_t cap, used;
	/* register rows in file order (first occurrences) */
	uint64_t *order;
	size_t norder, ordercap;
	run *runs;
	size_t nruns;
	bool asc, desc, nondec, contig;
	/* choices observed */
	uint32_t phone_seen; /* bit s: layout s seen; bit 4: another */
	uint32_t date_seen;  /* bit 0 '-', bit 1 '/', bit 2 another */
	bool csv;
	uint64_t crlf, lf;
	bool all_quoted, minimal;
	bool all_insert;
	uint64_t stmt, stmt_count, first_count, max_count;
	bool equal_counts;   /* every finished statement had first_count tuples */
	uint64_t finished;   /* statements finished */
	uint32_t obs_phone; /* the single layout seen */
	char obs_date;
	unsigned batch_ok; /* bit i: batches[i] agrees with the file */
};

/* ------------------------------------------------------------ values */

/* A field's value, trimmed of spaces. */
static ls_sv trim(ls_sv s)
{
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
		s.ptr++, s.len--;
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A date YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, perhaps with a time of day
 * after it; *sep gets the separator ('\0' for none). */
static bool norm_date(ls_sv v, char out[11], char *sep)
{
	const char *s = v.ptr;
	size_t n = v.len, k;
	if (n >= 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.') && s[7] == s[4] &&
	    all_digits(s, 4) && all_digits(s + 5, 2) && all_digits(s + 8, 2)) {
		*sep = s[4];
		memcpy(out, s, 4);
		memcpy(out + 5, s + 5, 2);
		memcpy(out + 8, s + 8, 2);
		k = 10;
	} else if (n >= 8 && all_digits(s, 8) && (n == 8 || !all_digits(s + 8, 1))) {
		*sep = '\0';
		memcpy(out, s, 4);
		memcpy(out + 5, s + 4, 2);
		memcpy(out + 8, s + 6, 2);
		k = 8;
	} else {
		return false;
	}
	/* a time of day may follow: " 00:00:00", "T00:00:00Z" */
	if (k < n && s[k] != ' ' && s[k] != 'T')
		return false;
	out[4] = out[7] = '-';
	out[10] = '\0';
	return true;
}

/* A phone of 999 and 9 digits in any layout: canonical "+999DDDDDDDDD";
 * *layout gets which of the four it is written in, or 4. */
static bool norm_phone(ls_sv v, char out[16], unsigned *layout)
{
	char d[16];
	size_t nd = 0;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.ptr[i];
		if (c >= '0' && c <= '9') {
			if (nd >= 12)
				return false;
			d[nd++] = c;
		} else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
			return false;
		}
	}
	if (nd != 12 || memcmp(d, "999", 3) != 0)
		return false;
	memcpy(out, "+999", 4);
	memcpy(out + 4, d + 3, 9);
	out[13] = '\0';
	*layout = 4;
	for (unsigned s = 0; s < 4; s++) {
		const char *pat = phone_layouts[s];
		size_t pl = strlen(pat), k = 3;
		if (pl != v.len)
			continue;
		bool ok = true;
		for (size_t i = 0; i < pl && ok; i++)
			ok = pat[i] == 'D' ? v.ptr[i] == d[k++] : v.ptr[i] == pat[i];
		if (ok) {
			*layout = s;
			break;
		}
	}
	return true;
}

/* ------------------------------------------------------- column mapping */

/* The register column called `name` (any case, spaces around), or -1. */
static int column_named(ls_sv name)
{
	name = trim(name);
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
		if (ls_sv_eq_nocase(name, ls_sv_from_cstr(sim_register_column_name(k))))
			return (int)k;
	return -1;
}

/* Shapes a value can have, for unnamed columns. */
enum { SH_ID, SH_NAME, SH_BRANCH, SH_POSITION, SH_DATE, SH_RESIDENT, SH_PHONE, SH__COUNT };

static int shape_of(const sim_leak *lk, ls_sv v, char *date_out)
{
	v = trim(v);
	char buf[VALUE_MAX + 1];
	if (v.len == 0 || v.len > VALUE_MAX)
		return -1;
	unsigned layout;
	char sep;
	if (v.len == 10 && (v.ptr[0] == 'M' || v.ptr[0] == 'm') && all_digits(v.ptr + 1, 9))
		return SH_ID;
	if (v.len == 18 && all_digits(v.ptr, 17) &&
	    (all_digits(v.ptr + 17, 1) || v.ptr[17] == 'X' || v.ptr[17] == 'x'))
		return SH_RESIDENT;
	if (norm_date(v, date_out, &sep))
		return SH_DATE;
	if (norm_phone(v, buf, &layout))
		return SH_PHONE;
	sim_member m;
	memset(&m, 0, sizeof m);
	if (v.len < sizeof m.position) {
		memcpy(m.position, v.ptr, v.len);
		if (sim_register_model_prob(&lk->model, &m, SIM_COL_POSITION) > 0)
			return SH_POSITION;
	}
	if (v.len < sizeof m.branch) {
		memcpy(m.branch, v.ptr, v.len);
		if (sim_register_model_prob(&lk->model, &m, SIM_COL_BRANCH) > 0)
			return SH_BRANCH;
	}
	if (v.len < sizeof m.full_name) {
		memcpy(m.full_name, v.ptr, v.len);
		if (sim_register_model_prob(&lk->model, &m, SIM_COL_FULL_NAME) > 0)
			return SH_NAME;
	}
	return -1;
}

/* A section's fields: map[i] is the register column of field i, or -1. */
typedef struct section {
	int *map;
	size_t n;
	uint32_t cols;
	bool named;
} section;

/*
 * Give the unmapped fields of a section a column by the shape of its first
 * INFER_ROWS records (from record ordinal `first` of a fresh read): a field
 * takes the shape most of its values have, dates in field order become
 * birth_date then join_date (a lone date column is a birth date if it is
 * ever before the founding, 1985, or a join date if ever after 2007).
 */
static void infer(sim_leak *lk, section *sec, const char *text, size_t len, uint64_t first,
                  bool skip_first)
{
	size_t n = sec->n;
	uint32_t(*votes)[SH__COUNT] = ls_xcalloc(n ? n : 1, sizeof *votes);
	uint32_t *seen = ls_xcalloc(n ? n : 1, sizeof *seen);
	uint32_t *early = ls_xcalloc(n ? n : 1, sizeof *early), *late = ls_xcalloc(n ? n : 1,
	                                                                            sizeof *late);
	ls_table_reader rd;
	ls_table_record rec;
	if (ls_table_init(&rd, text, len, LS_TABLE_AUTO, true, NULL, NULL) == LS_OK) {
		uint64_t i = 0, used = 0;
		while (used < INFER_ROWS && ls_table_next(&rd, &rec, NULL) == LS_OK) {
			if (i++ < first)
				continue;
			if (i > first + 1 && rec.columns_changed)
				break;
			if (skip_first && i == first + 1)
				continue;
			if (rec.nfields != n)
				continue;
			used++;
			for (size_t f = 0; f < n; f++) {
				if (sec->map[f] >= 0 || rec.fields[f].null)
					continue;
				char date[11];
				int s = shape_of(lk, rec.fields[f].value, date);
				seen[f]++;
				if (s < 0)
					continue;
				votes[f][s]++;
				if (s == SH_DATE) {
					early[f] += strcmp(date, "1985-01-01") < 0;
					late[f] += strcmp(date, "2007-12-31") > 0;
				}
			}
		}
	}
	ls_table_fini(&rd);
	static const int col_of_shape[SH__COUNT] = { 0, 1, 2, 3, -1, 6, 7 };
	size_t dates[2];
	size_t ndates = 0;
	for (size_t f = 0; f < n; f++) {
		if (sec->map[f] >= 0 || seen[f] == 0)
			continue;
		int best = -1;
		for (int s = 0; s < SH__COUNT; s++)
			if (votes[f][s] * 2 > seen[f] && (best < 0 || votes[f][s] > votes[f][best]))
				best = s;
		if (best == SH_DATE) {
			if (ndates < 2)
				dates[ndates++] = f;
		} else if (best >= 0 && !(sec->cols & (1u << col_of_shape[best]))) {
			sec->map[f] = col_of_shape[best];
			sec->cols |= 1u << col_of_shape[best];
		}
	}
	int first_date = -1, second_date = -1;
	if (ndates == 2) {
		first_date = 4;
		second_date = 5;
	} else if (ndates == 1) {
		size_t f = dates[0];
		first_date = early[f] > 0 && late[f] == 0 ? 4 : late[f] > 0 && early[f] == 0 ? 5 : -1;
	}
	int want[2] = { first_date, second_date };
	for (size_t k = 0; k < ndates; k++)
		if (want[k] >= 0 && !(sec->cols & (1u << want[k]))) {
			sec->map[dates[k]] = want[k];
			sec->cols |= 1u << want[k];
		}
	free(votes);
	free(seen);
	free(early);
	free(late);
}

/* ------------------------------------------------------------ the row set */

static void row_hash(const sim_leak *lk, const char *const vals[SIM_REGISTER_COLUMNS],
                     uint64_t *h0, uint64_t *h1)
{
	unsigned char buf[SIM_REGISTER_COLUMNS * (VALUE_MAX + 1)], out[16];
	size_t n = 0;
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
		if (!(lk->info.columns & (1u << k)))
			continue;
		size_t l = strlen(vals[k]);
		if (l > VALUE_MAX)
			l = VALUE_MAX;
		memcpy(buf + n, vals[k], l);
		n += l;
		buf[n++] = 0x1f;
	}
	crypto_shorthash_siphashx24(out, buf, n, lk->hkey);
	*h0 = (uint64_t)out[0] | (uint64_t)out[1] << 8 | (uint64_t)out[2] << 16 |
	      (uint64_t)out[3] << 24 | (uint64_t)out[4] << 32 | (uint64_t)out[5] << 40 |
	      (uint64_t)out[6] << 48 | (uint64_t)out[7] << 56;
	uint64_t b = 0;
	for (int i = 15; i >= 8; i--)
		b = b << 8 | out[i];
	*h1 = b | 1;
}

static slot *set_find(const sim_leak *lk, uint64_t h0, uint64_t h1)
{
	size_t mask = lk->cap - 1, i = (size_t)h0 & mask;
	while (lk->set[i].h1 != 0) {
		if (lk->set[i].h0 == h0 && lk->set[i].h1 == h1)
			return &lk->set[i];
		i = (i + 1) & mask;
	}
	return &lk->set[i];
}

/* Insert; false if the row was there already. */
static bool set_add(sim_leak *lk, uint64_t h0, uint64_t h1, uint64_t line)
{
	if (2 * (lk->used + 1) > lk->cap) {
		slot *old = lk->set;
		size_t oldcap = lk->cap;
		lk->cap = oldcap ? 2 * oldcap : 1024;
		lk->set = ls_xcalloc(lk->cap, sizeof *lk->set);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].h1 != 0)
				*set_find(lk, old[i].h0, old[i].h1) = old[i];
		free(old);
	}
	slot *s = set_find(lk, h0, h1);
	if (s->h1 != 0)
		return false;
	*s = (slot){ h0, h1, line };
	lk->used++;
	return true;
}

/* ------------------------------------------------------------- one row */

typedef struct row {
	char v[SIM_REGISTER_COLUMNS][VALUE_MAX + 1];
	bool bad; /* a value that cannot be the register's */
} row;

static void observe_date(sim_leak *lk, char sep)
{
	lk->date_seen |= sep == '-' ? 1u : sep == '/' ? 2u : 4u;
}

/* Normalise field f of a record into r as register column k. */
static void put_value(sim_leak *lk, row *r, unsigned k, const ls_table_field *f)
{
	ls_sv v = trim(f->value);
	char *out = r->v[k];
	if (f->null || v.len == 0 || v.len > VALUE_MAX) {
		r->bad = true;
		out[0] = '\0';
		return;
	}
	char sep;
	unsigned layout;
	switch (k) {
	case 0: /* member_id */
		memcpy(out, v.ptr, v.len);
		out[v.len] = '\0';
		if (out[0] == 'm')
			out[0] = 'M';
		break;
	case 4: /* birth_date */
	case 5: /* join_date */
		if (norm_date(v, out, &sep)) {
			observe_date(lk, sep);
		} else {
			memcpy(out, v.ptr, v.len);
			out[v.len] = '\0';
			r->bad = true;
		}
		break;
	case 6: /* resident_id */
		memcpy(out, v.ptr, v.len);
		out[v.len] = '\0';
		if (v.len == 18 && out[17] == 'x')
			out[17] = 'X';
		break;
	case 7: /* phone */
		if (norm_phone(v, out, &layout)) {
			lk->phone_seen |= 1u << layout;
		} else {
			memcpy(out, v.ptr, v.len);
			out[v.len] = '\0';
			r->bad = true;
		}
		break;
	default:
		memcpy(out, v.ptr, v.len);
		out[v.len] = '\0';
		break;
	}
}

/* Copy a canonical register member into the value slots of the file's columns. */
static void member_values(const sim_member *m, const char *vals[SIM_REGISTER_COLUMNS])
{
	vals[0] = m->member_id;
	vals[1] = m->full_name;
	vals[2] = m->branch;
	vals[3] = m->position;
	vals[4] = m->birth_date;
	vals[5] = m->join_date;
	vals[6] = m->resident_id;
	vals[7] = m->phone;
}

/* Whether r agrees with the register's row `index` on the file's columns. */
static bool agrees(const sim_leak *lk, const row *r, uint64_t index)
{
	sim_member m;
	sim_register_row(lk->r, index, &m);
	const char *vals[SIM_REGISTER_COLUMNS];
	member_values(&m, vals);
	for (unsigned k = 1; k < SIM_REGISTER_COLUMNS; k++)
		if ((lk->info.columns & (1u << k)) && strcmp(vals[k], r->v[k]) != 0)
			return false;
	return true;
}

/* A distinct row: classify it and weigh its chance of matching a canary. */
static void take_row(sim_leak *lk, row *r, uint64_t line)
{
	const char *vals[SIM_REGISTER_COLUMNS];
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
		vals[k] = r->v[k];
	uint64_t h0, h1;
	row_hash(lk, vals, &h0, &h1);
	if (!set_add(lk, h0, h1, line)) {
		lk->info.duplicates++;
		return;
	}
	lk->info.distinct++;
	uint32_t cols = lk->info.columns;
	if (cols & SIM_COL_MEMBER_ID) {
		uint64_t index;
		if (r->bad || sim_register_index_of(lk->r, ls_sv_from_cstr(r->v[0]), &index) != LS_OK ||
		    !agrees(lk, r, index)) {
			lk->info.noise++;
		} else if (index >= SIM_REGISTER_CANARY_BASE) {
			lk->info.canary_rows++;
			lk->info.chance += 1.0 / (double)CANARY_SPACE;
		} else if (index < lk->r->rows) {
			lk->info.register_rows++;
			lk->order = ls_xgrow(lk->order, &lk->ordercap, lk->norder + 1, sizeof *lk->order);
			lk->order[lk->norder++] = index;
		} else {
			lk->info.noise++; /* generated like a row, but beyond the register */
		}
		return;
	}
	if (r->bad)
		return;
	sim_member m;
	memset(&m, 0, sizeof m);
	char *dst[SIM_REGISTER_COLUMNS] = { m.member_id,  m.full_name,  m.branch,      m.position,
		                            m.birth_date, m.join_date, m.resident_id, m.phone };
	const size_t cap[SIM_REGISTER_COLUMNS] = { sizeof m.member_id,  sizeof m.full_name,
		                                   sizeof m.branch,     sizeof m.position,
		                                   sizeof m.birth_date, sizeof m.join_date,
		                                   sizeof m.resident_id, sizeof m.phone };
	bool fits = true;
	for (unsigned k = 1; k < SIM_REGISTER_COLUMNS; k++) {
		size_t l = strlen(r->v[k]);
		if (l >= cap[k])
			fits = false;
		else
			memcpy(dst[k], r->v[k], l + 1);
	}
	if (fits)
		lk->info.chance += sim_register_model_prob(&lk->model, &m, cols);
}

/* ----------------------------------------------------------- observations */

static bool needs_quotes(ls_sv v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] == ',' || v.ptr[i] == '"' || v.ptr[i] == '\r' || v.ptr[i] == '\n')
			return true;
	return false;
}

/* CSV line ending and quoting of any record, header included. */
static void observe_csv(sim_leak *lk, const ls_table_record *rec)
{
	if (!rec->unterminated) {
		if (rec->crlf)
			lk->crlf++;
		else
			lk->lf++;
	}
	for (size_t i = 0; i < rec->nfields; i++) {
		const ls_table_field *f = &rec->fields[i];
		if (!f->quoted)
			lk->all_quoted = false;
		if (f->quoted != needs_quotes(f->value))
			lk->minimal = false;
	}
}

/* INSERT statements: how many tuples each holds. */
static void observe_insert(sim_leak *lk, const ls_table_record *rec)
{
	if (rec->statement != lk->stmt) {
		if (lk->stmt != 0) {
			if (lk->finished == 0)
				lk->first_count = lk->stmt_count;
			else if (lk->stmt_count != lk->first_count)
				lk->equal_counts = false;
			lk->finished++;
		}
		lk->stmt = rec->statement;
		lk->stmt_count = 0;
	}
	lk->stmt_count++;
	if (lk->stmt_count > lk->max_count)
		lk->max_count = lk->stmt_count;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double log_factorial(uint64_t m)
{
	return lgamma((double)m + 1.0);
}

/* The order of the register rows: runs of blocks, and its null probability. */
static void observe_order(sim_leak *lk)
{
	size_t n = lk->norder;
	lk->asc = lk->desc = lk->nondec = lk->contig = n >= 2;
	if (n < 2)
		return;
	for (size_t i = 1; i < n; i++) {
		lk->asc = lk->asc && lk->order[i] > lk->order[i - 1];
		lk->desc = lk->desc && lk->order[i] < lk->order[i - 1];
		lk->nondec = lk->nondec && lk->order[i] / SIM_REGISTER_BLOCK >=
		                                   lk->order[i - 1] / SIM_REGISTER_BLOCK;
	}
	/* runs of equal blocks; contiguous when no block has two runs */
	size_t cap = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		uint64_t b = lk->order[i] / SIM_REGISTER_BLOCK;
		while (j < n && lk->order[j] / SIM_REGISTER_BLOCK == b)
			j++;
		lk->runs = ls_xgrow(lk->runs, &cap, lk->nruns + 1, sizeof *lk->runs);
		lk->runs[lk->nruns++] = (run){ b, i, j - i };
		i = j;
	}
	uint64_t *blocks = ls_xmalloc(lk->nruns * sizeof *blocks);
	for (size_t i = 0; i < lk->nruns; i++)
		blocks[i] = lk->runs[i].block;
	qsort(blocks, lk->nruns, sizeof *blocks, cmp_u64);
	for (size_t i = 1; i < lk->nruns; i++)
		if (blocks[i] == blocks[i - 1])
			lk->contig = lk->nondec = false;
	free(blocks);

	/*
	 * P(a random session's order fits): each of the four orders has
	 * probability 1/4; a keyed shuffle puts the m rows of a block in the
	 * file's order with probability 1/m!, a keyed block order puts k blocks
	 * in the file's order with probability 1/k!. In logarithms: a large
	 * file's figure is far below the smallest double.
	 */
	double lp = 0; /* ln of prod over blocks of 1/m_b! */
	if (lk->contig)
		for (size_t i = 0; i < lk->nruns; i++)
			lp -= log_factorial(lk->runs[i].len);
	double terms[4] = { lk->asc ? 0 : -INFINITY, lk->desc ? 0 : -INFINITY,
		            lk->nondec ? lp : -INFINITY,
		            lk->contig ? lp - log_factorial(lk->nruns) : -INFINITY };
	double l = -INFINITY;
	for (int i = 0; i < 4; i++) {
		if (terms[i] == -INFINITY)
			continue;
		double hi = l > terms[i] ? l : terms[i], lo = l > terms[i] ? terms[i] : l;
		l = lo == -INFINITY ? hi : hi + log1p(exp(lo - hi));
	}
	l -= log(4.0);
	char *shown = lk->info.shown[SIM_DIM_ORDER];
	size_t cap2 = sizeof lk->info.shown[0];
	if (l > -INFINITY && l < 0) {
		lk->info.log_pi[SIM_DIM_ORDER] = l;
		if (lk->asc)
			snprintf(shown, cap2, "ids ascending (%zu rows)", n);
		else if (lk->desc)
			snprintf(shown, cap2, "ids descending (%zu rows)", n);
		else
			snprintf(shown, cap2, "%zu rows in %zu unbroken blocks", n, lk->nruns);
	}
}

/* The null probabilities of the choices shown, once every record is in. */
static void finish_choices(sim_leak *lk)
{
	sim_leak_info *in = &lk->info;
	for (unsigned d = 0; d < SIM_DIM__COUNT; d++)
		in->log_pi[d] = 0;
	if (lk->csv && lk->crlf + lk->lf > 0 && (lk->crlf == 0 || lk->lf == 0)) {
		in->log_pi[SIM_DIM_LINE_END] = log(0.5);
		snprintf(in->shown[SIM_DIM_LINE_END], sizeof in->shown[0], "%s",
		         lk->crlf ? "CR LF" : "LF");
	}
	if (lk->csv && in->records > 0 && (lk->all_quoted || lk->minimal) &&
	    !(lk->all_quoted && lk->minimal)) {
		in->log_pi[SIM_DIM_QUOTING] = log(0.5);
		snprintf(in->shown[SIM_DIM_QUOTING], sizeof in->shown[0], "%s",
		         lk->all_quoted ? "every field" : "minimal");
	}
	for (unsigned s = 0; s < 4; s++)
		if (lk->phone_seen == 1u << s) {
			in->log_pi[SIM_DIM_PHONE] = log(0.25);
			lk->obs_phone = s;
			snprintf(in->shown[SIM_DIM_PHONE], sizeof in->shown[0], "%s", phone_layouts[s]);
		}
	if (lk->date_seen == 1 || lk->date_seen == 2) {
		in->log_pi[SIM_DIM_DATE] = log(0.5);
		lk->obs_date = lk->date_seen == 1 ? '-' : '/';
		snprintf(in->shown[SIM_DIM_DATE], sizeof in->shown[0], "YYYY%cMM%cDD", lk->obs_date,
		         lk->obs_date);
	}
	if (lk->all_insert && lk->stmt != 0) {
		/* every statement but the last full: that batch; else any batch >= the largest */
		unsigned ok = 0, nok = 0;
		for (unsigned i = 0; i < 4; i++) {
			bool fits = lk->finished > 0 && lk->equal_counts
			                    ? lk->first_count == batches[i] && lk->stmt_count <= batches[i]
			                    : lk->max_count <= batches[i];
			if (fits) {
				ok |= 1u << i;
				nok++;
			}
		}
		lk->batch_ok = ok;
		if (nok > 0 && nok < 4) {
			in->log_pi[SIM_DIM_BATCH] = log(nok / 4.0);
			size_t o = 0;
			for (unsigned i = 0; i < 4; i++)
				if (ok & (1u << i))
					o += (size_t)snprintf(in->shown[SIM_DIM_BATCH] + o,
					                      sizeof in->shown[0] - o, "%s%u", o ? " or " : "",
					                      batches[i]);
		}
	}
	observe_order(lk);
}

/* ------------------------------------------------------------------ read */

static void section_fini(section *s)
{
	free(s->map);
	memset(s, 0, sizeof *s);
}

/* Map a section by the names of its first record (a CSV header) or its
 * SQL column list; *header is set when the record is a header. */
static void section_start(section *s, const ls_table_record *rec, bool *header)
{
	section_fini(s);
	s->n = rec->nfields;
	s->map = ls_xmalloc((s->n ? s->n : 1) * sizeof *s->map);
	*header = false;
	const ls_sv *names = NULL;
	size_t nn = 0;
	if (rec->ncolumns > 0) {
		names = rec->columns;
		nn = rec->ncolumns;
	}
	for (size_t i = 0; i < s->n; i++) {
		int k = -1;
		if (names != NULL && i < nn)
			k = column_named(names[i]);
		else if (rec->source == LS_TABLE_FROM_CSV)
			k = column_named(rec->fields[i].value);
		if (k >= 0 && (s->cols & (1u << k)))
			k = -1; /* a second column of the same name */
		s->map[i] = k;
		if (k >= 0) {
			s->cols |= 1u << k;
			if (names == NULL)
				*header = true;
		}
	}
	s->named = names != NULL || *header;
}

/* Whether a CSV record repeats the header: every field a column name. */
static bool is_header(const ls_table_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (column_named(rec->fields[i].value) < 0)
			return false;
	return rec->nfields > 0;
}

ls_err sim_leak_read(sim_leak **out, const sim_register *r, const char *text, size_t len,
                     const char *file, ls_diag *d)
{
	*out = NULL;
	if (sodium_init() < 0)
		return ls_diag_set(d, LS_ERR_CRYPTO, file, 0, 0, "libsodium cannot start");
	sim_leak *lk = ls_xcalloc(1, sizeof *lk);
	lk->r = r;
	sim_register_model_init(&lk->model, r);
	randombytes_buf(lk->hkey, sizeof lk->hkey);
	lk->all_quoted = lk->minimal = lk->all_insert = lk->equal_counts = true;

	ls_table_reader rd;
	ls_table_record rec;
	section sec = { 0 };
	bool have_cols = false, first_bad = true;
	unsigned long bad_line = 0, bad_col = 0;
	size_t bad_fields = 0, bad_want = 0;
	uint64_t ordinal = 0;
	row *rw = ls_xmalloc(sizeof *rw);
	ls_err e = ls_table_init(&rd, text, len, LS_TABLE_AUTO, true, file, d);
	if (e != LS_OK)
		goto out;
	lk->info.format = ls_table_format_name(ls_table_format_of(&rd));
	lk->csv = ls_table_format_of(&rd) == LS_TABLE_CSV;
	while ((e = ls_table_next(&rd, &rec, d)) == LS_OK) {
		uint64_t this = ordinal++;
		bool header = false;
		if (rec.columns_changed || sec.map == NULL ||
		    (rec.source == LS_TABLE_FROM_CSV && is_header(&rec))) {
			section_start(&sec, &rec, &header);
			bool unnamed = false;
			for (size_t i = 0; i < sec.n; i++)
				unnamed = unnamed || sec.map[i] < 0;
			if (unnamed)
				infer(lk, &sec, text, len, this, header);
			lk->info.header = lk->info.header || sec.named;
			if (!have_cols && sec.cols != 0) {
				lk->info.columns = sec.cols;
				have_cols = true;
			}
		}
		if (lk->csv)
			observe_csv(lk, &rec);
		if (header)
			continue;
		if (rec.source != LS_TABLE_FROM_INSERT)
			lk->all_insert = false;
		else
			observe_insert(lk, &rec);
		if ((sec.cols & lk->info.columns) != lk->info.columns || sec.cols == 0) {
			lk->info.other++;
			continue;
		}
		if (rec.nfields != sec.n) {
			if (first_bad) {
				first_bad = false;
				bad_line = rec.line;
				bad_col = rec.col;
				bad_fields = rec.nfields;
				bad_want = sec.n;
			}
			lk->info.malformed++;
			continue;
		}
		lk->info.records++;
		rw->bad = false;
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++)
			rw->v[k][0] = '\0';
		for (size_t i = 0; i < sec.n; i++) {
			int k = sec.map[i];
			if (k >= 0 && (lk->info.columns & (1u << k)))
				put_value(lk, rw, (unsigned)k, &rec.fields[i]);
		}
		take_row(lk, rw, rec.line);
	}
	if (e != LS_ERR_NOTFOUND)
		goto out;
	e = LS_OK;
	lk->info.cut = ls_table_skipped_head(&rd) + ls_table_dropped_tail(&rd);
	if (!have_cols) {
		e = ls_diag_set(d, LS_ERR_PARSE, file, 0, 0,
		                "no column of the member register (member_id, full_name, branch, "
		                "position, birth_date, join_date, resident_id, phone) found");
		goto out;
	}
	if (lk->info.malformed > lk->info.records) {
		e = ls_diag_set(d, LS_ERR_PARSE, file, bad_line, bad_col,
		                "a record of %zu fields where its columns are %zu (and %llu more "
		                "records like it)",
		                bad_fields, bad_want, (unsigned long long)lk->info.malformed - 1);
		goto out;
	}
	finish_choices(lk);
out:
	ls_table_fini(&rd);
	section_fini(&sec);
	free(rw);
	if (e != LS_OK) {
		sim_leak_destroy(lk);
		return e;
	}
	*out = lk;
	return LS_OK;
}

void sim_leak_destroy(sim_leak *lk)
{
	if (lk == NULL)
		return;
	sim_register_model_fini(&lk->model);
	free(lk->set);
	free(lk->order);
	free(lk->runs);
	sodium_memzero(lk, sizeof *lk);
	free(lk);
}

const sim_leak_info *sim_leak_info_of(const sim_leak *lk)
{
	return &lk->info;
}

/* ---------------------------------------------------------------- session */

/* Whether the session's order of the register fits the file's rows. */
static bool order_fits(const sim_leak *lk, const sim_watermark *w)
{
	switch (w->order) {
	case SIM_ORDER_REGISTER: return lk->asc;
	case SIM_ORDER_REVERSE: return lk->desc;
	case SIM_ORDER_BLOCK_SHUFFLE:
		if (!lk->nondec)
			return false;
		break;
	default:
		if (!lk->contig)
			return false;
		for (size_t i = 1; i < lk->nruns; i++)
			if (sim_watermark_block_slot(w, lk->runs[i].block) <
			    sim_watermark_block_slot(w, lk->runs[i - 1].block))
				return false;
		break;
	}
	uint32_t order[SIM_REGISTER_BLOCK], pos[SIM_REGISTER_BLOCK];
	for (size_t i = 0; i < lk->nruns; i++) {
		const run *ru = &lk->runs[i];
		if (ru->len < 2)
			continue;
		size_t len = sim_watermark_block_order(w, ru->block, order);
		for (size_t k = 0; k < len; k++)
			pos[order[k]] = (uint32_t)k;
		for (size_t k = 1; k < ru->len; k++)
			if (pos[lk->order[ru->start + k] % SIM_REGISTER_BLOCK] <
			    pos[lk->order[ru->start + k - 1] % SIM_REGISTER_BLOCK])
				return false;
	}
	return true;
}

ls_err sim_leak_session(const sim_leak *lk, const char *session_id, uint64_t rows,
                        sim_leak_evidence *ev, ls_diag *d)
{
	memset(ev, 0, sizeof *ev);
	const sim_register *r = lk->r;
	if (rows == 0)
		rows = 1;
	sim_export_spec spec = { .session_id = session_id,
		                 .format = SIM_EXPORT_CSV,
		                 .hi = rows < r->rows ? rows : r->rows };
	sim_watermark w;
	ls_err e = sim_register_watermark(r, &spec, &w, d);
	if (e != LS_OK)
		return e;
	/* the canary count of an export of `rows` rows, even past the register's */
	uint64_t k = (rows + SIM_REGISTER_CANARY_EVERY - 1) / SIM_REGISTER_CANARY_EVERY;
	ev->canaries = k < SIM_REGISTER_CANARY_MIN ? SIM_REGISTER_CANARY_MIN : k;
	if (ev->canaries > CANARY_SPACE)
		ev->canaries = CANARY_SPACE;
	for (uint64_t j = 0; j < ev->canaries && lk->used > 0; j++) {
		uint64_t index = sim_watermark_canary(&w, j);
		sim_member m;
		sim_register_row(r, index, &m);
		const char *vals[SIM_REGISTER_COLUMNS];
		member_values(&m, vals);
		uint64_t h0, h1;
		row_hash(lk, vals, &h0, &h1);
		const slot *s = set_find(lk, h0, h1);
		if (s->h1 == 0)
			continue;
		if (ev->nshow < SIM_LEAK_SHOW_CANARIES) {
			ev->show_j[ev->nshow] = j;
			ev->show_line[ev->nshow] = (unsigned long)s->line;
			snprintf(ev->show_id[ev->nshow], sizeof ev->show_id[0], "%s", m.member_id);
			ev->nshow++;
		}
		ev->matched++;
	}
	const sim_leak_info *in = &lk->info;
	if (in->log_pi[SIM_DIM_LINE_END] < 0 &&
	    w.crlf == (strcmp(in->shown[SIM_DIM_LINE_END], "CR LF") == 0))
		ev->dims_matched |= 1u << SIM_DIM_LINE_END;
	if (in->log_pi[SIM_DIM_QUOTING] < 0 &&
	    w.quote_all == (strcmp(in->shown[SIM_DIM_QUOTING], "every field") == 0))
		ev->dims_matched |= 1u << SIM_DIM_QUOTING;
	if (in->log_pi[SIM_DIM_PHONE] < 0 && w.phone_style == lk->obs_phone)
		ev->dims_matched |= 1u << SIM_DIM_PHONE;
	if (in->log_pi[SIM_DIM_DATE] < 0 && w.date_sep == lk->obs_date)
		ev->dims_matched |= 1u << SIM_DIM_DATE;
	if (in->log_pi[SIM_DIM_BATCH] < 0) {
		for (unsigned i = 0; i < 4; i++)
			if (batches[i] == w.insert_batch && (lk->batch_ok & (1u << i)))
				ev->dims_matched |= 1u << SIM_DIM_BATCH;
	}
	if (in->log_pi[SIM_DIM_ORDER] < 0 && order_fits(lk, &w))
		ev->dims_matched |= 1u << SIM_DIM_ORDER;
	sim_watermark_fini(&w);
	return LS_OK;
}
