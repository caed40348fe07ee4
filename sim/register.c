/*
 * register.c - the synthetic member register and its watermarked exports.
 *
 * Three parts:
 *   - rows: 64 keystream bytes per row, read at fixed offsets (the layout
 *     table in docs/register.md), so row i costs one ChaCha20 block and
 *     nothing else; a whole block of rows is one libsodium call;
 *   - the watermark: every per-session value (choice bits, canary sequence,
 *     canary positions, sample decisions, block orders) comes from keys
 *     derived from the session key S = BLAKE2b(wm_key; tag || session);
 *   - the writer: rows are formatted into a fixed buffer that is hashed and
 *     handed to the sink whenever it fills, so memory does not grow with the
 *     export.
 *
 * Permutations (member ids, canary sequences, block orders) are one Feistel
 * network on 2h bits with cycle walking: apply it until the value falls back
 * into [0, n). That is a bijection of [0, n) whose inverse walks the inverse
 * network, so ids are unique by construction and invertible for attribution.
 */
#include "sim/register.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "core/rng.h"
#include "core/time.h"
#include "sim/world.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define ROW_BYTES 64u /* keystream bytes per row: one ChaCha20 block */
#define ROUNDS 8
#define ID_HALF 15u /* the id and canary permutations work on 2^30 >= 10^9 */
#define CANARY_SPACE (SIM_REGISTER_ID_SPACE - SIM_REGISTER_CANARY_BASE)

#define SESSION_TAG "leaksim/register/session/v1"

_Static_assert(SIM_REGISTER_ID_SPACE <= (UINT64_C(1) << (2 * ID_HALF)), "id space fits 2^30");
_Static_assert(SIM_REGISTER_BRANCHES <= 65535, "branch index fits 16 bits");
_Static_assert(crypto_stream_chacha20_KEYBYTES == 32, "row key is a ChaCha20 key");
_Static_assert(crypto_shorthash_siphash24_KEYBYTES == 16, "sample key size");

static const unsigned char zero_nonce[crypto_stream_chacha20_NONCEBYTES];
static const unsigned char zeros[SIM_REGISTER_BLOCK * ROW_BYTES];

/*
 * Dates as days since 1970-01-01 (checked against the calendar in
 * sim_register_init): births 1950-01-01 .. 2007-12-31, so ages 18-75 on the
 * snapshot day 2025-12-31; joins from the founding, 1985-01-01, up to it.
 */
#define DAY_BIRTH_FIRST INT64_C(-7305)
#define DAY_BIRTH_LAST INT64_C(13878)
#define DAY_FOUNDED INT64_C(5479)
#define DAY_SNAPSHOT INT64_C(20453)

/* Name forms by the u16 at offset 14: below FORM_APOSTROPHE plain. */
#define FORM_APOSTROPHE 64520u /* O'Family or D'Family */
#define FORM_SUFFIX 64920u     /* Family, Jr. / Sr. / II */
#define FORM_NICKNAME 65250u   /* Given "Nick" Family */

/* ------------------------------------------------------------------ helpers */

LS_NORETURN static void fatal(const char *what)
{
	fprintf(stderr, "leaksim: %s\n", what);
	fflush(stderr);
	abort();
}

static void store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t load_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* Uniform-enough pick in [0, n) from a value of `bits` random bits. */
static uint32_t pick(uint64_t x, uint64_t n, unsigned bits)
{
	return (uint32_t)((x * n) >> bits);
}

/* Keyed BLAKE2b of (msg1 || msg2) into out (16..64 bytes). */
static void kdf(unsigned char *out, size_t outlen, const unsigned char key[32], const void *m1,
                size_t n1, const void *m2, size_t n2)
{
	crypto_generichash_state st;
	int rc = crypto_generichash_init(&st, key, 32, outlen);
	rc |= crypto_generichash_update(&st, m1, n1);
	if (n2)
		rc |= crypto_generichash_update(&st, m2, n2);
	rc |= crypto_generichash_final(&st, out, outlen);
	sodium_memzero(&st, sizeof st);
	if (rc != 0)
		fatal("BLAKE2b failed in the register");
}

/* Eight round keys from a keyed BLAKE2b-512 of `label`. */
static void round_keys(uint64_t k[ROUNDS], const unsigned char key[32], const char *label)
{
	unsigned char b[8 * ROUNDS];
	kdf(b, sizeof b, key, label, strlen(label), NULL, 0);
	for (int i = 0; i < ROUNDS; i++)
		k[i] = load_le64(b + 8 * i);
	sodium_memzero(b, sizeof b);
}

static void keystream(const sim_register *r, uint64_t index, size_t nrows, unsigned char *out)
{
	assert(nrows <= SIM_REGISTER_BLOCK);
	if (crypto_stream_chacha20_xor_ic(out, zeros, nrows * ROW_BYTES, zero_nonce, index,
	                                  r->key) != 0)
		fatal("ChaCha20 failed in the register");
}

/* ------------------------------------------------------------ permutations */

/* The SplitMix64 finaliser: a strong 64-bit mixing function. */
static uint64_t mix64(uint64_t z)
{
	z ^= z >> 30;
	z *= UINT64_C(0xbf58476d1ce4e5b9);
	z ^= z >> 27;
	z *= UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t feistel(const uint64_t k[ROUNDS], unsigned h, uint64_t x)
{
	uint64_t mask = (UINT64_C(1) << h) - 1;
	uint64_t l = x >> h, r = x & mask;
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t = l ^ (mix64(r ^ k[i]) & mask);
		l = r;
		r = t;
	}
	return l << h | r;
}

static uint64_t feistel_inv(const uint64_t k[ROUNDS], unsigned h, uint64_t x)
{
	uint64_t mask = (UINT64_C(1) << h) - 1;
	uint64_t l = x >> h, r = x & mask;
	for (int i = ROUNDS - 1; i >= 0; i--) {
		uint64_t t = r ^ (mix64(l ^ k[i]) & mask);
		r = l;
		l = t;
	}
	return l << h | r;
}

/* A bijection of [0, n), n <= 2^(2h), by cycle walking. */
static uint64_t perm(const uint64_t k[ROUNDS], unsigned h, uint64_t n, uint64_t x)
{
	assert(x < n);
	do
		x = feistel(k, h, x);
	while (x >= n);
	return x;
}

static uint64_t perm_inv(const uint64_t k[ROUNDS], unsigned h, uint64_t n, uint64_t x)
{
	assert(x < n);
	do
		x = feistel_inv(k, h, x);
	while (x >= n);
	return x;
}

/* The smallest h >= 1 with 2^(2h) >= n. */
static unsigned half_bits(uint64_t n)
{
	unsigned h = 1;
	while (h < 32 && (UINT64_C(1) << (2 * h)) < n)
		h++;
	return h;
}

/* ------------------------------------------------------------------ tables */

static const char *const onsets[] = { "b",  "c",  "d",  "f",  "g",  "h",  "j",  "k", "l",
	                              "m",  "n",  "p",  "r",  "s",  "t",  "v",  "z", "br",
	                              "ch", "dr", "gr", "kr", "sh", "st", "th", "tr" };
static const char *const vowels[] = {
	"a", "e", "i", "o", "u", "a", "e", "ai", "ea", "ou", "ia", "y"
};
static const char *const codas[] = { "",  "",  "",   "",   "n",  "r",  "l",
	                             "s", "m", "th", "nd", "rn", "sk", "x" };
static const char *const apostrophe_prefix[] = { "O'", "D'" };
static const char *const suffixes[] = { ", Jr.", ", Sr.", ", II" };

static const struct {
	const char *title;
	uint32_t weight;
} positions[] = {
	{ "Clerk", 9 },
	{ "Administrative Assistant", 7 },
	{ "Accountant", 5 },
	{ "Sales Representative", 6 },
	{ "Customer Service Agent", 6 },
	{ "Engineer", 6 },
	{ "Technician", 6 },
	{ "Teacher", 5 },
	{ "Lecturer", 2 },
	{ "Researcher", 2 },
	{ "Nurse", 4 },
	{ "Driver", 5 },
	{ "Warehouse Operative", 5 },
	{ "Electrician", 3 },
	{ "Mechanic", 3 },
	{ "Cook", 2 },
	{ "Security Officer", 3 },
	{ "Project Coordinator", 3 },
	{ "Analyst", 3 },
	{ "Manager", 4 },
	{ "Supervisor", 4 },
	{ "Laboratory Assistant", 2 },
	{ "Librarian", 1 },
	{ "Software Developer", 3 },
};

#define POSITIONS_TOTAL 99u /* the sum of the weights above */

static uint32_t positions_total(void)
{
	uint32_t t = 0;
	for (size_t i = 0; i < COUNT(positions); i++)
		t += positions[i].weight;
	return t;
}

static const char *const place_suffixes[] = { "mere", "side",  "ford",  "haven", "field", "gate",
	                                      "wick", "moor",  "bury",  "dale",  "port",  "stead",
	                                      "holm", "brook", "cliff", "vale" };
static const char *const industries[] = {
	"Shipping",  "Logistics",  "Textiles",    "Foods",           "Engineering",
	"Printing",  "Insurance",  "Electronics", "Pharmaceuticals", "Construction",
	"Ceramics",  "Paper",      "Brewing",     "Telecom",         "Software",
	"Machinery", "Glassworks", "Timber",      "Dairy",           "Freight"
};
static const char *const company_forms[] = { "Co.",         "Ltd.",  "Group",       "Holdings",
	                                     "Corporation", "Works", "Trading Co.", "Co., Ltd." };
/* '%' marks where the place name goes. */
static const char *const university_forms[] = {
	"% University",      "University of %", "% Institute of Technology", "% Normal University",
	"% Medical College", "% Polytechnic",   "% College of Arts"
};
static const char *const agency_forms[] = { "% Port Authority",    "% Water Board",
	                                    "% Revenue Office",    "% Transport Department",
	                                    "% Health Bureau",     "% Land Registry",
	                                    "% Statistics Office", "% Customs House",
	                                    "% Forestry Service",  "% Civil Aviation Office" };

static const char *const column_names[SIM_REGISTER_COLUMNS] = { "member_id",   "full_name",
	                                                        "branch",      "position",
	                                                        "birth_date",  "join_date",
	                                                        "resident_id", "phone" };

static const uint32_t insert_batches[4] = { 100, 250, 500, 1000 };

const char *sim_register_column_name(unsigned k)
{
	return k < SIM_REGISTER_COLUMNS ? column_names[k] : NULL;
}

/* --------------------------------------------------------------- calendar */

static int64_t day_number(int y, int m, int d)
{
	ls_civil c = { .year = y, .month = m, .day = d };
	ls_time t;
	if (ls_time_from_civil(&c, &t) != LS_OK)
		fatal("bad date in the register");
	return t / LS_USEC_PER_DAY;
}

static void civil_of_day(int64_t day, ls_civil *c)
{
	ls_time_to_civil(day * LS_USEC_PER_DAY, c);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ------------------------------------------------------------------ set-up */

static void append_word(ls_buf *b, ls_rng *g, unsigned syl)
{
	size_t start = b->len;
	for (unsigned i = 0; i < syl; i++) {
		ls_buf_append_cstr(b, onsets[ls_rng_below(g, COUNT(onsets))]);
		ls_buf_append_cstr(b, vowels[ls_rng_below(g, COUNT(vowels))]);
	}
	if (b->data[start] >= 'a' && b->data[start] <= 'z')
		b->data[start] = (char)(b->data[start] - 32);
}

static uint32_t draw_region(uint32_t u32)
{
	return 110000u + pick(u32, 790000u, 32);
}

/* Branch k's name: an invented place in an invented organisation. */
static void make_branch_name(ls_rng *g, ls_buf *b)
{
	ls_buf place = LS_BUF_INIT;
	append_word(&place, g, 2);
	ls_buf_append_cstr(&place, place_suffixes[ls_rng_below(g, COUNT(place_suffixes))]);
	uint64_t kind = ls_rng_below(g, 20);
	const char *form = NULL;
	if (kind < 11) { /* a company */
		ls_buf_append_sv(b, ls_buf_sv(&place));
		ls_buf_append_char(b, ' ');
		ls_buf_append_cstr(b, industries[ls_rng_below(g, COUNT(industries))]);
		ls_buf_append_char(b, ' ');
		ls_buf_append_cstr(b, company_forms[ls_rng_below(g, COUNT(company_forms))]);
	} else {
		form = kind < 15 ? university_forms[ls_rng_below(g, COUNT(university_forms))]
		                 : agency_forms[ls_rng_below(g, COUNT(agency_forms))];
		for (const char *p = form; *p; p++) {
			if (*p == '%')
				ls_buf_append_sv(b, ls_buf_sv(&place));
			else
				ls_buf_append_char(b, *p);
		}
	}
	ls_buf_append_cstr(b, " branch");
	ls_buf_fini(&place);
}

ls_err sim_register_init(sim_register *r, uint64_t seed, uint64_t rows)
{
	memset(r, 0, sizeof *r);
	if (rows < 1 || rows > SIM_REGISTER_ROWS_MAX)
		return LS_ERR_RANGE;
	if (day_number(1950, 1, 1) != DAY_BIRTH_FIRST ||
	    day_number(2007, 12, 31) != DAY_BIRTH_LAST || day_number(1985, 1, 1) != DAY_FOUNDED ||
	    day_number(2025, 12, 31) != DAY_SNAPSHOT || positions_total() != POSITIONS_TOTAL)
		fatal("the register's constant tables are inconsistent");
	r->seed = seed;
	r->rows = rows;

	ls_rng g;
	ls_rng_init(&g, seed, SIM_ENT_WORLD, "register");
	ls_rng_bytes(&g, r->key, sizeof r->key);
	for (int i = 0; i < ROUNDS; i++)
		r->id_key[i] = ls_rng_u64(&g);
	ls_buf b = LS_BUF_INIT;
	uint32_t cum = 0;
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++) {
		sim_register_branch *br = &r->branch[k];
		bool dup;
		do {
			ls_buf_reset(&b);
			make_branch_name(&g, &b);
			dup = false;
			for (unsigned e = 0; e < k && !dup; e++)
				dup = strcmp(r->branch[e].name, b.data) == 0;
		} while (dup);
		assert(b.len < SIM_REGISTER_BRANCH_MAX);
		memcpy(br->name, b.data, b.len + 1);
		br->len = (uint8_t)b.len;
		br->region = draw_region(ls_rng_u32(&g));
		/* Zipf(1): rank k + 1 weighs 2^24 / (k + 1). */
		cum += (uint32_t)((UINT32_C(1) << 24) / (k + 1));
		br->cum = cum;
	}
	ls_buf_fini(&b);
	ls_rng_fini(&g);

	ls_rng_init(&g, seed, SIM_ENT_WORLD, "register/watermark");
	ls_rng_bytes(&g, r->wm_key, sizeof r->wm_key);
	ls_rng_fini(&g);
	return LS_OK;
}

void sim_register_fini(sim_register *r)
{
	if (r != NULL)
		sodium_memzero(r, sizeof *r);
}

/* -------------------------------------------------------------------- rows */

/* A row in numeric form; the text forms are rendered from it. */
typedef struct row {
	uint64_t number; /* member number, < SIM_REGISTER_ID_SPACE */
	uint32_t region;
	uint32_t phone; /* 9 digits, 100000000..999999999 */
	uint16_t branch;
	uint16_t seq;
	uint8_t position;
	uint8_t name_len;
	char check;
	uint8_t bd, bm, jd, jm;
	uint16_t by, jy;
	char name[64];
} row;

static void put_digits(char *p, uint64_t v, unsigned width)
{
	for (unsigned i = width; i-- > 0;) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

static size_t put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return n;
}

/* A capitalised word: up to three (onset, vowel) byte pairs, then a coda. */
static size_t put_word(char *p, const unsigned char *ks, unsigned syl, unsigned coda)
{
	size_t n = 0;
	for (unsigned i = 0; i < syl; i++) {
		n += put_str(p + n, onsets[pick(ks[2 * i], COUNT(onsets), 8)]);
		n += put_str(p + n, vowels[pick(ks[2 * i + 1], COUNT(vowels), 8)]);
	}
	n += put_str(p + n, codas[pick(coda, COUNT(codas), 8)]);
	p[0] = (char)(p[0] - 32);
	return n;
}

static char check_char(unsigned v)
{
	return v == 10 ? 'X' : (char)('0' + v);
}

/* The ISO 7064 MOD 11-2 check value (0..10) of 17 digits. */
static unsigned mod11_2(const char *digits)
{
	static const unsigned weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	unsigned sum = 0;
	for (int k = 0; k < 17; k++)
		sum += (unsigned)(digits[k] - '0') * weight[k];
	return (12 - sum % 11) % 11;
}

/* Row `index` from its 64 keystream bytes (layout: docs/register.md). */
static void gen_row(const sim_register *r, uint64_t index, const unsigned char *ks, row *out)
{
	out->number = perm(r->id_key, ID_HALF, SIM_REGISTER_ID_SPACE, index);

	/* full_name */
	char given[16], family[24];
	size_t gl = put_word(given, ks + 1, pick(ks[0], 5, 8) < 2 ? 1 : 2, ks[5]);
	size_t fl = put_word(family, ks + 7, pick(ks[6], 5, 8) < 3 ? 2 : 3, ks[13]);
	uint32_t form = load_le16(ks + 14);
	char *n = out->name;
	memcpy(n, given, gl);
	size_t len = gl;
	n[len++] = ' ';
	if (form >= FORM_NICKNAME) { /* Given "Nick" Family */
		n[len++] = '"';
		len += put_word(n + len, ks + 16, 1, ks[18]);
		n[len++] = '"';
		n[len++] = ' ';
	} else if (form >= FORM_APOSTROPHE && form < FORM_SUFFIX) {
		len += put_str(n + len, apostrophe_prefix[ks[18] & 1]);
	}
	memcpy(n + len, family, fl);
	len += fl;
	if (form >= FORM_SUFFIX && form < FORM_NICKNAME)
		len += put_str(n + len, suffixes[pick(ks[18], COUNT(suffixes), 8)]);
	n[len] = '\0';
	out->name_len = (uint8_t)len;

	/* branch: Zipf over the table */
	uint32_t total = r->branch[SIM_REGISTER_BRANCHES - 1].cum;
	uint32_t x = pick(load_le32(ks + 20), total, 32);
	unsigned lo = 0, hi = SIM_REGISTER_BRANCHES - 1;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (x < r->branch[mid].cum)
			hi = mid;
		else
			lo = mid + 1;
	}
	out->branch = (uint16_t)lo;

	/* position */
	uint32_t px = pick(load_le16(ks + 24), POSITIONS_TOTAL, 16);
	unsigned p = 0;
	while (px >= positions[p].weight) {
		px -= positions[p].weight;
		p++;
	}
	out->position = (uint8_t)p;

	/* birth_date: triangular over [BIRTH_FIRST, BIRTH_LAST] */
	uint64_t span = (uint64_t)(DAY_BIRTH_LAST - DAY_BIRTH_FIRST + 1);
	uint64_t u = (uint64_t)load_le32(ks + 28) + load_le32(ks + 32);
	ls_civil c;
	civil_of_day(DAY_BIRTH_FIRST + (int64_t)((u * span) >> 33), &c);
	out->by = (uint16_t)c.year;
	out->bm = (uint8_t)c.month;
	out->bd = (uint8_t)c.day;

	/* join_date: uniform from max(18th birthday, FOUNDED) to SNAPSHOT */
	int y18 = c.year + 18;
	int64_t d18 = (c.month == 2 && c.day == 29 && !is_leap(y18))
	                      ? day_number(y18, 3, 1)
	                      : day_number(y18, c.month, c.day);
	int64_t jlo = d18 > DAY_FOUNDED ? d18 : DAY_FOUNDED;
	civil_of_day(jlo + pick(load_le32(ks + 36), (uint64_t)(DAY_SNAPSHOT - jlo + 1), 32), &c);
	out->jy = (uint16_t)c.year;
	out->jm = (uint8_t)c.month;
	out->jd = (uint8_t)c.day;

	/* resident_id: region, birth date, sequence, a wrong check character */
	out->region = pick(load_le16(ks + 44), 100, 16) < 85 ? r->branch[out->branch].region
	                                                     : draw_region(load_le32(ks + 40));
	out->seq = (uint16_t)pick(load_le16(ks + 26), 1000, 16);
	char digits[17];
	put_digits(digits, out->region, 6);
	put_digits(digits + 6, out->by, 4);
	put_digits(digits + 10, out->bm, 2);
	put_digits(digits + 12, out->bd, 2);
	put_digits(digits + 14, out->seq, 3);
	unsigned right = mod11_2(digits);
	out->check = check_char((right + 1 + pick(load_le16(ks + 46), 10, 16)) % 11);

	/* phone: +999, 9 digits */
	out->phone = 100000000u + pick(load_le32(ks + 48), 900000000u, 32);
}

/* ---------------------------------------------------------- text rendering */

/* Field texts of a row under a set of formatting choices. */
typedef struct fields {
	const char *p[SIM_REGISTER_COLUMNS];
	size_t n[SIM_REGISTER_COLUMNS];
	char id[10], birth[10], join[10], resident[18], phone[17];
} fields;

static void put_date(char *p, unsigned y, unsigned m, unsigned d, char sep)
{
	put_digits(p, y, 4);
	p[4] = sep;
	put_digits(p + 5, m, 2);
	p[7] = sep;
	put_digits(p + 8, d, 2);
}

static size_t put_phone(char *p, uint32_t digits, unsigned style)
{
	char d[9];
	put_digits(d, digits, 9);
	switch (style) {
	case 0: /* +999 DD DDD DDDD */
	case 1: /* +999-DD-DDD-DDDD */
	{
		char s = style == 0 ? ' ' : '-';
		memcpy(p, "+999", 4);
		p[4] = s;
		memcpy(p + 5, d, 2);
		p[7] = s;
		memcpy(p + 8, d + 2, 3);
		p[11] = s;
		memcpy(p + 12, d + 5, 4);
		return 16;
	}
	case 2: /* +999DDDDDDDDD */
		memcpy(p, "+999", 4);
		memcpy(p + 4, d, 9);
		return 13;
	default: /* (+999) DD DDDDDDD */
		memcpy(p, "(+999) ", 7);
		memcpy(p + 7, d, 2);
		p[9] = ' ';
		memcpy(p + 10, d + 2, 7);
		return 17;
	}
}

static void render(const sim_register *r, const row *w, char date_sep, unsigned phone_style,
                   fields *f)
{
	f->id[0] = SIM_REGISTER_ID_PREFIX;
	put_digits(f->id + 1, w->number, 9);
	f->p[0] = f->id;
	f->n[0] = 10;
	f->p[1] = w->name;
	f->n[1] = w->name_len;
	f->p[2] = r->branch[w->branch].name;
	f->n[2] = r->branch[w->branch].len;
	f->p[3] = positions[w->position].title;
	f->n[3] = strlen(positions[w->position].title);
	put_date(f->birth, w->by, w->bm, w->bd, date_sep);
	f->p[4] = f->birth;
	f->n[4] = 10;
	put_date(f->join, w->jy, w->jm, w->jd, date_sep);
	f->p[5] = f->join;
	f->n[5] = 10;
	put_digits(f->resident, w->region, 6);
	put_digits(f->resident + 6, w->by, 4);
	put_digits(f->resident + 10, w->bm, 2);
	put_digits(f->resident + 12, w->bd, 2);
	put_digits(f->resident + 14, w->seq, 3);
	f->resident[17] = w->check;
	f->p[6] = f->resident;
	f->n[6] = 18;
	f->n[7] = put_phone(f->phone, w->phone, phone_style);
	f->p[7] = f->phone;
}

static void copy_field(char *dst, size_t cap, const char *p, size_t n)
{
	assert(n < cap);
	(void)cap;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

void sim_register_row(const sim_register *r, uint64_t index, sim_member *out)
{
	assert(index < SIM_REGISTER_ID_SPACE);
	unsigned char ks[ROW_BYTES];
	keystream(r, index, 1, ks);
	row w;
	gen_row(r, index, ks, &w);
	fields f;
	render(r, &w, '-', 2, &f);
	memset(out, 0, sizeof *out); /* padding included: equal rows compare equal */
	copy_field(out->member_id, sizeof out->member_id, f.p[0], f.n[0]);
	copy_field(out->full_name, sizeof out->full_name, f.p[1], f.n[1]);
	copy_field(out->branch, sizeof out->branch, f.p[2], f.n[2]);
	copy_field(out->position, sizeof out->position, f.p[3], f.n[3]);
	copy_field(out->birth_date, sizeof out->birth_date, f.p[4], f.n[4]);
	copy_field(out->join_date, sizeof out->join_date, f.p[5], f.n[5]);
	copy_field(out->resident_id, sizeof out->resident_id, f.p[6], f.n[6]);
	copy_field(out->phone, sizeof out->phone, f.p[7], f.n[7]);
	sodium_memzero(ks, sizeof ks);
}

uint64_t sim_register_member_number(const sim_register *r, uint64_t index)
{
	assert(index < SIM_REGISTER_ID_SPACE);
	return perm(r->id_key, ID_HALF, SIM_REGISTER_ID_SPACE, index);
}

ls_err sim_register_index_of(const sim_register *r, ls_sv member_id, uint64_t *index)
{
	if (member_id.len != 10 || member_id.ptr[0] != SIM_REGISTER_ID_PREFIX)
		return LS_ERR_PARSE;
	uint64_t v = 0;
	for (size_t i = 1; i < 10; i++) {
		char c = member_id.ptr[i];
		if (c < '0' || c > '9')
			return LS_ERR_PARSE;
		v = v * 10 + (uint64_t)(c - '0');
	}
	*index = perm_inv(r->id_key, ID_HALF, SIM_REGISTER_ID_SPACE, v);
	return LS_OK;
}

/* --------------------------------------------------------------- watermark */

static uint64_t nblocks(const sim_watermark *w);

static ls_err check_spec(const sim_register *r, const sim_export_spec *s, uint64_t *hi, ls_diag *d)
{
	assert(s != NULL && s->session_id != NULL);
	size_t sl = strnlen(s->session_id, SIM_REGISTER_SESSION_MAX + 1);
	if (sl == 0 || sl > SIM_REGISTER_SESSION_MAX)
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0,
		                   "register export: the session id must be 1 to %u bytes",
		                   SIM_REGISTER_SESSION_MAX);
	if ((unsigned)s->format >= SIM_EXPORT__COUNT)
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0,
		                   "register export: unknown format %d", (int)s->format);
	if (s->columns & ~(uint32_t)SIM_COL_ALL)
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0,
		                   "register export: unknown columns in set 0x%x",
		                   (unsigned)s->columns);
	if (!(s->sample >= 0.0 && s->sample <= 1.0))
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0,
		                   "register export: sample must be between 0 and 1");
	*hi = s->hi == 0 ? r->rows : s->hi;
	if (s->lo >= *hi || *hi > r->rows)
		return ls_diag_set(d, LS_ERR_RANGE, NULL, 0, 0,
		                   "register export: rows [%llu, %llu) are not a non-empty part of "
		                   "[0, %llu)",
		                   (unsigned long long)s->lo, (unsigned long long)*hi,
		                   (unsigned long long)r->rows);
	return LS_OK;
}

ls_err sim_register_watermark(const sim_register *r, const sim_export_spec *spec, sim_watermark *w,
                              ls_diag *d)
{
	memset(w, 0, sizeof *w);
	uint64_t hi = 0;
	ls_err err = check_spec(r, spec, &hi, d);
	if (err != LS_OK)
		return err;

	kdf(w->session_key, 32, r->wm_key, SESSION_TAG, sizeof SESSION_TAG - 1, spec->session_id,
	    strlen(spec->session_id));
	unsigned char b[32];
	kdf(b, 32, w->session_key, "choices", 7, NULL, 0);
	uint64_t bits = load_le64(b) & 0x1ff;
	w->bits = (uint32_t)bits;
	w->order = (sim_register_order)(bits & 3);
	w->crlf = (bits >> 2) & 1;
	w->quote_all = (bits >> 3) & 1;
	w->phone_style = (unsigned)(bits >> 4) & 3;
	w->date_sep = ((bits >> 6) & 1) ? '/' : '-';
	w->insert_batch = insert_batches[(bits >> 7) & 3];

	w->rows = r->rows;
	w->lo = spec->lo;
	w->span = hi - spec->lo;
	w->sampled = spec->sample > 0.0 && spec->sample < 1.0;
	uint64_t expected = w->span;
	if (w->sampled) {
		w->sample_threshold = (uint64_t)ldexp(spec->sample, 64);
		expected = (uint64_t)ceil((double)w->span * spec->sample);
		kdf(w->sample_key, sizeof w->sample_key, w->session_key, "sample", 6, NULL, 0);
	}
	w->ncanaries = (expected + SIM_REGISTER_CANARY_EVERY - 1) / SIM_REGISTER_CANARY_EVERY;
	if (w->ncanaries < SIM_REGISTER_CANARY_MIN)
		w->ncanaries = SIM_REGISTER_CANARY_MIN;
	round_keys(w->canary_key, w->session_key, "canary");
	round_keys(w->block_key, w->session_key, "blocks");
	w->block_half = half_bits(nblocks(w));
	sodium_memzero(b, sizeof b);
	return LS_OK;
}

void sim_watermark_fini(sim_watermark *w)
{
	if (w != NULL)
		sodium_memzero(w, sizeof *w);
}

uint64_t sim_watermark_canary(const sim_watermark *w, uint64_t j)
{
	assert(j < CANARY_SPACE);
	return SIM_REGISTER_CANARY_BASE + perm(w->canary_key, ID_HALF, CANARY_SPACE, j);
}

uint64_t sim_watermark_canary_pos(const sim_watermark *w, uint64_t j)
{
	unsigned char le[8], h[16];
	store_le64(le, j);
	kdf(h, sizeof h, w->session_key, "position", 8, le, sizeof le);
	return load_le64(h) % (w->span + 1);
}

bool sim_watermark_is_canary(const sim_watermark *w, uint64_t index, uint64_t *j)
{
	if (index < SIM_REGISTER_CANARY_BASE || index >= SIM_REGISTER_ID_SPACE)
		return false;
	uint64_t rank =
	        perm_inv(w->canary_key, ID_HALF, CANARY_SPACE, index - SIM_REGISTER_CANARY_BASE);
	if (j != NULL)
		*j = rank;
	return rank < w->ncanaries;
}

static bool sample_keeps(const sim_watermark *w, uint64_t index)
{
	if (!w->sampled)
		return true;
	unsigned char le[8], h[8];
	store_le64(le, index);
	crypto_shorthash_siphash24(h, le, sizeof le, w->sample_key);
	return load_le64(h) < w->sample_threshold;
}

bool sim_watermark_selects(const sim_watermark *w, uint64_t index)
{
	if (index < w->lo || index - w->lo >= w->span)
		return false;
	return sample_keeps(w, index);
}

/*
 * ---- traversal
 *
 * A session orders the whole register: blocks of SIM_REGISTER_BLOCK rows
 * (block b = rows [bB, bB + B), the last one cut at rows) in a keyed block
 * order, and the rows of each block in a keyed order. An export is that
 * order restricted to [lo, hi), so any two exports of one session agree on
 * the relative order of the rows they share, whatever their ranges.
 */

static uint64_t nblocks(const sim_watermark *w)
{
	return (w->rows + SIM_REGISTER_BLOCK - 1) / SIM_REGISTER_BLOCK;
}

static size_t block_len(const sim_watermark *w, uint64_t b)
{
	uint64_t n = w->rows - b * SIM_REGISTER_BLOCK;
	return n < SIM_REGISTER_BLOCK ? (size_t)n : SIM_REGISTER_BLOCK;
}

/* The block traversed in slot s, and its inverse. */
static uint64_t block_at(const sim_watermark *w, uint64_t s)
{
	switch (w->order) {
	case SIM_ORDER_REVERSE: return nblocks(w) - 1 - s;
	case SIM_ORDER_FULL_SHUFFLE: return perm(w->block_key, w->block_half, nblocks(w), s);
	default: return s;
	}
}

static uint64_t slot_of(const sim_watermark *w, uint64_t b)
{
	switch (w->order) {
	case SIM_ORDER_REVERSE: return nblocks(w) - 1 - b;
	case SIM_ORDER_FULL_SHUFFLE: return perm_inv(w->block_key, w->block_half, nblocks(w), b);
	default: return b;
	}
}

/* The part [*a, *e) of block b inside the export's range; false if none. */
static bool block_part(const sim_watermark *w, uint64_t b, uint64_t *a, uint64_t *e)
{
	uint64_t first = b * SIM_REGISTER_BLOCK, end = first + block_len(w, b);
	*a = first > w->lo ? first : w->lo;
	*e = end < w->lo + w->span ? end : w->lo + w->span;
	return *a < *e;
}

/* order[k] = offset within block b of its k-th traversed row. */
static void block_order(const sim_watermark *w, uint64_t b, size_t len, uint32_t *order)
{
	for (size_t k = 0; k < len; k++)
		order[k] = (uint32_t)(w->order == SIM_ORDER_REVERSE ? len - 1 - k : k);
	if (w->order == SIM_ORDER_BLOCK_SHUFFLE || w->order == SIM_ORDER_FULL_SHUFFLE) {
		unsigned char le[8], key[LS_RNG_KEYBYTES];
		store_le64(le, b);
		kdf(key, sizeof key, w->session_key, "order", 5, le, sizeof le);
		ls_rng g;
		ls_rng_init_key(&g, key);
		ls_rng_shuffle(&g, order, len, sizeof *order);
		ls_rng_fini(&g);
		sodium_memzero(key, sizeof key);
	}
}

/* Index of offset `off` in order[0..len). */
static size_t order_find(const uint32_t *order, size_t len, uint32_t off)
{
	size_t k = 0;
	while (k < len && order[k] != off)
		k++;
	assert(k < len);
	return k;
}

uint64_t sim_watermark_rank(const sim_watermark *w, uint64_t index)
{
	assert(index < w->rows);
	uint64_t b = index / SIM_REGISTER_BLOCK, s = slot_of(w, b), nb = nblocks(w);
	/* every block before slot s is full, except the register's last one */
	uint64_t start = s * SIM_REGISTER_BLOCK;
	if (slot_of(w, nb - 1) < s)
		start -= SIM_REGISTER_BLOCK - block_len(w, nb - 1);
	size_t len = block_len(w, b);
	uint32_t order[SIM_REGISTER_BLOCK];
	block_order(w, b, len, order);
	return start + order_find(order, len, (uint32_t)(index % SIM_REGISTER_BLOCK));
}

uint64_t sim_watermark_index_at(const sim_watermark *w, uint64_t t)
{
	assert(t < w->span);
	if (w->order == SIM_ORDER_REGISTER)
		return w->lo + t;
	if (w->order == SIM_ORDER_REVERSE)
		return w->lo + w->span - 1 - t;
	uint64_t t0 = 0, a, e, nb = nblocks(w);
	for (uint64_t s = 0; s < nb; s++) {
		uint64_t b = block_at(w, s);
		if (!block_part(w, b, &a, &e))
			continue;
		if (t < t0 + (e - a)) {
			size_t len = block_len(w, b);
			uint32_t order[SIM_REGISTER_BLOCK];
			block_order(w, b, len, order);
			for (size_t k = 0; k < len; k++) {
				uint64_t i = b * SIM_REGISTER_BLOCK + order[k];
				if (i >= a && i < e && t0++ == t)
					return i;
			}
		}
		t0 += e - a;
	}
	assert(0 && "t < span always has a row");
	return 0;
}

uint64_t sim_watermark_position_of(const sim_watermark *w, uint64_t index)
{
	assert(index >= w->lo && index - w->lo < w->span);
	if (w->order == SIM_ORDER_REGISTER)
		return index - w->lo;
	if (w->order == SIM_ORDER_REVERSE)
		return w->lo + w->span - 1 - index;
	uint64_t b = index / SIM_REGISTER_BLOCK, sb = slot_of(w, b), t = 0, a, e;
	for (uint64_t s = 0; s < sb; s++)
		if (block_part(w, block_at(w, s), &a, &e))
			t += e - a;
	block_part(w, b, &a, &e);
	size_t len = block_len(w, b);
	uint32_t order[SIM_REGISTER_BLOCK];
	block_order(w, b, len, order);
	for (size_t k = 0; order[k] != index % SIM_REGISTER_BLOCK; k++) {
		uint64_t i = b * SIM_REGISTER_BLOCK + order[k];
		t += i >= a && i < e;
	}
	return t;
}

uint64_t sim_watermark_block_slot(const sim_watermark *w, uint64_t b)
{
	assert(b < nblocks(w));
	return slot_of(w, b);
}

size_t sim_watermark_block_order(const sim_watermark *w, uint64_t b,
                                 uint32_t order[SIM_REGISTER_BLOCK])
{
	assert(b < nblocks(w));
	size_t len = block_len(w, b);
	block_order(w, b, len, order);
	return len;
}

/* ------------------------------------------------------------------ writer */

#define WBUF_SIZE (256u * 1024u)
#define ROW_ROOM 4096u /* more than any formatted row, escapes included */

typedef struct writer {
	sim_sink_fn sink;
	void *ctx;
	char *buf;
	size_t len;
	uint64_t bytes;
	crypto_hash_sha256_state sha;
} writer;

static ls_err w_flush(writer *w)
{
	if (w->len == 0)
		return LS_OK;
	crypto_hash_sha256_update(&w->sha, (const unsigned char *)w->buf, w->len);
	if (w->sink != NULL) {
		ls_err err = w->sink(w->ctx, w->buf, w->len);
		if (err != LS_OK)
			return err;
	}
	w->bytes += w->len;
	w->len = 0;
	return LS_OK;
}

/* Make room for one row (or a header line). */
static ls_err w_room(writer *w)
{
	if (WBUF_SIZE - w->len < ROW_ROOM)
		return w_flush(w);
	return LS_OK;
}

static void w_put(writer *w, const void *p, size_t n)
{
	assert(n <= WBUF_SIZE - w->len);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void w_cstr(writer *w, const char *s)
{
	w_put(w, s, strlen(s));
}

/* ---- formats */

typedef struct exporter {
	const sim_register *r;
	const sim_export_spec *spec;
	const sim_watermark *wm;
	uint32_t columns;
	writer out;
	uint64_t rows, canaries;
	uint64_t in_batch; /* INSERT: rows in the open statement */
} exporter;

/*
 * Field escapers: each writes p[0..n) at o as its format wants it and
 * returns the new end. Worst case 2n + 2 bytes.
 */
static bool csv_needs_quotes(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
			return true;
	return false;
}

static char *esc_csv(char *o, const char *p, size_t n, bool quote_all)
{
	if (!quote_all && !csv_needs_quotes(p, n)) {
		memcpy(o, p, n);
		return o + n;
	}
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			*o++ = '"';
		*o++ = p[i];
	}
	*o++ = '"';
	return o;
}

static char *esc_copy(char *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		char e = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 0;
		if (e) {
			*o++ = '\\';
			*o++ = e;
		} else {
			*o++ = c;
		}
	}
	return o;
}

static char *esc_sql(char *o, const char *p, size_t n)
{
	*o++ = '\'';
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\'')
			*o++ = '\'';
		*o++ = p[i];
	}
	*o++ = '\'';
	return o;
}

static char *esc(char *o, sim_export_format fmt, bool quote_all, const char *p, size_t n)
{
	switch (fmt) {
	case SIM_EXPORT_CSV: return esc_csv(o, p, n, quote_all);
	case SIM_EXPORT_SQL_COPY: return esc_copy(o, p, n);
	default: return esc_sql(o, p, n);
	}
}

void sim_register_escape(ls_buf *out, sim_export_format fmt, bool quote_all, const char *p,
                         size_t n)
{
	ls_buf_reserve(out, 2 * n + 2);
	char *end = esc(out->data + out->len, fmt, quote_all, p, n);
	out->len = (size_t)(end - out->data);
	out->data[out->len] = '\0';
}

static void put_field(writer *w, sim_export_format fmt, bool quote_all, const char *p, size_t n)
{
	assert(2 * n + 2 <= WBUF_SIZE - w->len);
	w->len = (size_t)(esc(w->buf + w->len, fmt, quote_all, p, n) - w->buf);
}

static const char *eol(const exporter *x)
{
	return x->spec->format == SIM_EXPORT_CSV && x->wm->crlf ? "\r\n" : "\n";
}

/* "(member_id, full_name, ...)" for the SQL formats, or the CSV header. */
static void put_column_list(exporter *x, const char *sep, bool csv)
{
	bool first = true;
	for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
		if (!(x->columns & (1u << k)))
			continue;
		if (!first)
			w_cstr(&x->out, sep);
		first = false;
		if (csv)
			put_field(&x->out, SIM_EXPORT_CSV, x->wm->quote_all, column_names[k],
			          strlen(column_names[k]));
		else
			w_cstr(&x->out, column_names[k]);
	}
}

static void insert_head(exporter *x)
{
	w_cstr(&x->out, "INSERT INTO " SIM_REGISTER_TABLE " (");
	put_column_list(x, ", ", false);
	w_cstr(&x->out, ") VALUES\n");
}

static ls_err begin(exporter *x)
{
	ls_err err = w_room(&x->out);
	if (err != LS_OK)
		return err;
	switch (x->spec->format) {
	case SIM_EXPORT_CSV:
		put_column_list(x, ",", true);
		w_cstr(&x->out, eol(x));
		break;
	case SIM_EXPORT_SQL_COPY:
		w_cstr(&x->out, "COPY " SIM_REGISTER_TABLE " (");
		put_column_list(x, ", ", false);
		w_cstr(&x->out, ") FROM stdin;\n");
		break;
	default: break; /* INSERT statements open with their first row */
	}
	return LS_OK;
}

static ls_err finish(exporter *x)
{
	ls_err err = w_room(&x->out);
	if (err != LS_OK)
		return err;
	if (x->spec->format == SIM_EXPORT_SQL_COPY)
		w_cstr(&x->out, "\\.\n");
	else if (x->spec->format == SIM_EXPORT_SQL_INSERT && x->in_batch > 0)
		w_cstr(&x->out, ";\n");
	return w_flush(&x->out);
}

static ls_err emit_row(exporter *x, const row *rw, bool canary)
{
	ls_err err = w_room(&x->out);
	if (err != LS_OK)
		return err;
	fields f;
	render(x->r, rw, x->wm->date_sep, x->wm->phone_style, &f);
	writer *w = &x->out;
	bool first = true;
	switch (x->spec->format) {
	case SIM_EXPORT_CSV:
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
			if (!(x->columns & (1u << k)))
				continue;
			if (!first)
				w->buf[w->len++] = ',';
			first = false;
			put_field(w, SIM_EXPORT_CSV, x->wm->quote_all, f.p[k], f.n[k]);
		}
		w_cstr(w, eol(x));
		break;
	case SIM_EXPORT_SQL_COPY:
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
			if (!(x->columns & (1u << k)))
				continue;
			if (!first)
				w->buf[w->len++] = '\t';
			first = false;
			put_field(w, SIM_EXPORT_SQL_COPY, false, f.p[k], f.n[k]);
		}
		w->buf[w->len++] = '\n';
		break;
	default:
		if (x->in_batch == x->wm->insert_batch) {
			w_cstr(w, ";\n");
			x->in_batch = 0;
		}
		if (x->in_batch == 0)
			insert_head(x);
		else
			w_cstr(w, ",\n");
		w_cstr(w, "\t(");
		for (unsigned k = 0; k < SIM_REGISTER_COLUMNS; k++) {
			if (!(x->columns & (1u << k)))
				continue;
			if (!first)
				w_cstr(w, ", ");
			first = false;
			put_field(w, SIM_EXPORT_SQL_INSERT, false, f.p[k], f.n[k]);
		}
		w->buf[w->len++] = ')';
		x->in_batch++;
		break;
	}
	if (canary)
		x->canaries++;
	else
		x->rows++;
	return LS_OK;
}

/* ---- the export */

typedef struct canary_slot {
	uint64_t pos, j;
} canary_slot;

static int canary_cmp(const void *a, const void *b)
{
	const canary_slot *p = a, *q = b;
	if (p->pos != q->pos)
		return p->pos < q->pos ? -1 : 1;
	return p->j < q->j ? -1 : p->j > q->j;
}

static ls_err emit_canary(exporter *x, uint64_t j)
{
	uint64_t index = sim_watermark_canary(x->wm, j);
	unsigned char ks[ROW_BYTES];
	keystream(x->r, index, 1, ks);
	row rw;
	gen_row(x->r, index, ks, &rw);
	sodium_memzero(ks, sizeof ks);
	return emit_row(x, &rw, true);
}

ls_err sim_register_export(const sim_register *r, const sim_export_spec *spec, sim_sink_fn sink,
                           void *ctx, sim_export_result *res, ls_diag *d)
{
	memset(res, 0, sizeof *res);
	sim_watermark wm;
	ls_err err = sim_register_watermark(r, spec, &wm, d);
	if (err != LS_OK)
		return err;

	exporter x = { .r = r, .spec = spec, .wm = &wm };
	x.columns = spec->columns ? spec->columns : SIM_COL_ALL;
	x.out.sink = sink;
	x.out.ctx = ctx;
	x.out.buf = ls_xmalloc(WBUF_SIZE);
	crypto_hash_sha256_init(&x.out.sha);
	unsigned char *ks = ls_xmalloc(SIM_REGISTER_BLOCK * ROW_BYTES);
	uint32_t *order = ls_xmalloc(SIM_REGISTER_BLOCK * sizeof *order);
	canary_slot *cs = ls_xreallocarray(NULL, (size_t)wm.ncanaries, sizeof *cs);
	for (uint64_t j = 0; j < wm.ncanaries; j++)
		cs[j] = (canary_slot){ sim_watermark_canary_pos(&wm, j), j };
	qsort(cs, (size_t)wm.ncanaries, sizeof *cs, canary_cmp);
	uint64_t next = 0; /* the next canary to place */

	err = begin(&x);
	uint64_t t = 0, nb = nblocks(&wm), a, e;
	for (uint64_t s = 0; s < nb && err == LS_OK; s++) {
		uint64_t b = block_at(&wm, s), first = b * SIM_REGISTER_BLOCK;
		if (!block_part(&wm, b, &a, &e))
			continue;
		size_t len = block_len(&wm, b);
		keystream(r, a, (size_t)(e - a), ks);
		block_order(&wm, b, len, order);
		for (size_t k = 0; k < len && err == LS_OK; k++) {
			uint64_t index = first + order[k];
			if (index < a || index >= e)
				continue;
			while (err == LS_OK && next < wm.ncanaries && cs[next].pos == t)
				err = emit_canary(&x, cs[next++].j);
			t++;
			if (err != LS_OK || !sample_keeps(&wm, index))
				continue;
			row rw;
			gen_row(r, index, ks + (size_t)(index - a) * ROW_BYTES, &rw);
			err = emit_row(&x, &rw, false);
		}
	}
	while (err == LS_OK && next < wm.ncanaries)
		err = emit_canary(&x, cs[next++].j);
	if (err == LS_OK)
		err = finish(&x);

	if (err == LS_OK) {
		res->rows = x.rows;
		res->canaries = x.canaries;
		res->bytes = x.out.bytes;
		crypto_hash_sha256_final(&x.out.sha, res->sha256);
	} else {
		ls_diag_set(d, err, NULL, 0, 0,
		            "register export: the sink failed after %llu bytes: %s",
		            (unsigned long long)x.out.bytes, ls_strerror(err));
	}
	sodium_memzero(ks, SIM_REGISTER_BLOCK * ROW_BYTES);
	free(ks);
	free(order);
	free(cs);
	free(x.out.buf);
	sodium_memzero(&x.out.sha, sizeof x.out.sha);
	sim_watermark_fini(&wm);
	return err;
}

/* ------------------------------------------------------------------- sinks */

ls_err sim_sink_file(void *ctx, const void *p, size_t n)
{
	FILE *f = ctx;
	if (n > 0 && fwrite(p, 1, n, f) != n)
		return LS_ERR_IO;
	return LS_OK;
}

ls_err sim_sink_buf(void *ctx, const void *p, size_t n)
{
	ls_buf_append(ctx, p, n);
	return LS_OK;
}

/* ------------------------------------------------------------- value model */

/*
 * How likely is a value? Attribution matches a leaked row against a
 * session's canary rows on whatever columns survive, and so needs the
 * chance that a random row (a canary of some other session) agrees with the
 * leaked one by accident. Every column is drawn from fixed keystream bytes
 * through pick(), so that chance is a count of byte values over their range:
 * exact for every column, except join_date without a birth date, which is
 * bounded from above (docs/register.md, section 7.1).
 */

/* How many x of `bits` bits have pick(x, n, bits) in [a, b). */
static uint64_t pick_count(uint64_t a, uint64_t b, uint64_t n, unsigned bits)
{
	/* pick(x) >= a  <=>  x * n >= a * 2^bits  <=>  x >= ceil(a * 2^bits / n) */
	uint64_t lo = ((a << bits) + n - 1) / n, hi = ((b << bits) + n - 1) / n;
	return hi - lo;
}

static double pick_prob(uint64_t a, uint64_t b, uint64_t n, unsigned bits)
{
	return ldexp((double)pick_count(a, b, n, bits), -(int)bits);
}

/* The probability that syllables (onset, vowel) x syl and then a coda,
 * each drawn from its table by a byte, spell s[0..n) exactly. */
static double syllables_prob(const char *s, size_t n, unsigned syl)
{
	double p = 0;
	if (syl == 0) {
		for (size_t c = 0; c < COUNT(codas); c++)
			if (strlen(codas[c]) == n && memcmp(codas[c], s, n) == 0)
				p += pick_prob(c, c + 1, COUNT(codas), 8);
		return p;
	}
	for (size_t o = 0; o < COUNT(onsets); o++) {
		size_t ol = strlen(onsets[o]);
		if (ol > n || memcmp(onsets[o], s, ol) != 0)
			continue;
		for (size_t v = 0; v < COUNT(vowels); v++) {
			size_t vl = strlen(vowels[v]);
			if (ol + vl > n || memcmp(vowels[v], s + ol, vl) != 0)
				continue;
			p += pick_prob(o, o + 1, COUNT(onsets), 8) *
			     pick_prob(v, v + 1, COUNT(vowels), 8) *
			     syllables_prob(s + ol + vl, n - ol - vl, syl - 1);
		}
	}
	return p;
}

/* A capitalised word of `first` or `first + 1` syllables, the shorter one
 * with probability p_first (first = 1, p_first 1 for a nickname). */
static double word_prob(const char *s, size_t n, unsigned first, double p_first)
{
	char w[48];
	if (n == 0 || n >= sizeof w || s[0] < 'A' || s[0] > 'Z')
		return 0;
	memcpy(w, s, n);
	w[0] = (char)(w[0] + 32);
	double p = p_first * syllables_prob(w, n, first);
	if (p_first < 1)
		p += (1 - p_first) * syllables_prob(w, n, first + 1);
	return p;
}

static double given_prob(const char *s, size_t n)
{
	return word_prob(s, n, 1, pick_prob(0, 2, 5, 8));
}

static double family_prob(const char *s, size_t n)
{
	return word_prob(s, n, 2, pick_prob(0, 3, 5, 8));
}

static double form_prob(uint32_t lo, uint32_t hi)
{
	return ldexp((double)(hi - lo), -16);
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* P(full_name = s): every name form of section 3.2 that spells s. */
static double name_prob(const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);
	if (sp == NULL)
		return 0;
	double pg = given_prob(s, (size_t)(sp - s));
	if (pg == 0)
		return 0;
	const char *rest = sp + 1;
	size_t rn = n - (size_t)(rest - s);
	if (rn > 0 && rest[0] == '"') { /* Given "Nick" Family */
		const char *q = memchr(rest + 1, '"', rn - 1);
		if (q == NULL || (size_t)(q - rest) + 2 > rn || q[1] != ' ')
			return 0;
		const char *fam = q + 2;
		return pg * form_prob(FORM_NICKNAME, 65536) *
		       word_prob(rest + 1, (size_t)(q - rest - 1), 1, 1.0) *
		       family_prob(fam, rn - (size_t)(fam - rest));
	}
	double p = form_prob(0, FORM_APOSTROPHE) * family_prob(rest, rn);
	for (unsigned k = 0; k < COUNT(apostrophe_prefix); k++)
		if (rn > 2 && memcmp(rest, apostrophe_prefix[k], 2) == 0)
			p += form_prob(FORM_APOSTROPHE, FORM_SUFFIX) * 0.5 *
			     family_prob(rest + 2, rn - 2);
	for (unsigned k = 0; k < COUNT(suffixes); k++)
		if (ends_with(rest, rn, suffixes[k]))
			p += form_prob(FORM_SUFFIX, FORM_NICKNAME) *
			     pick_prob(k, k + 1, COUNT(suffixes), 8) *
			     family_prob(rest, rn - strlen(suffixes[k]));
	return pg * p;
}

/* Digits s[0..n) as a number; false if any is not a digit. */
static bool digits_value(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

/* A calendar date (y, m, d) as a day number; false if it is no date. */
static bool day_of(uint64_t y, uint64_t m, uint64_t d, int64_t *day)
{
	ls_civil c = { .year = (int)y, .month = (int)m, .day = (int)d };
	ls_time t;
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 ||
	    ls_time_from_civil(&c, &t) != LS_OK)
		return false;
	ls_civil back;
	ls_time_to_civil(t, &back);
	if (back.year != c.year || back.month != c.month || back.day != c.day)
		return false;
	*day = t / LS_USEC_PER_DAY;
	return true;
}

/* "YYYY-MM-DD" as a day number. */
static bool iso_day(const char *s, int64_t *day)
{
	uint64_t y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits_value(s, 4, &y) ||
	    !digits_value(s + 5, 2, &m) || !digits_value(s + 8, 2, &d))
		return false;
	return day_of(y, m, d, day);
}

/* P(birth day = day): the triangular sum u32 + u32 of section 3.5. */
static double birth_prob(int64_t day)
{
	if (day < DAY_BIRTH_FIRST || day > DAY_BIRTH_LAST)
		return 0;
	const uint64_t span = (uint64_t)(DAY_BIRTH_LAST - DAY_BIRTH_FIRST + 1);
	uint64_t k = (uint64_t)(day - DAY_BIRTH_FIRST);
	/* offset k <=> the sum S of two u32 has S * span >> 33 == k */
	uint64_t a = ((k << 33) + span - 1) / span, b = (((k + 1) << 33) + span - 1) / span - 1;
	const uint64_t half = UINT64_C(1) << 32;
	double count = 0;
	if (a < half) { /* S + 1 ways for S < 2^32 */
		uint64_t e = b < half ? b : half - 1;
		count += (double)((e - a + 1) * (a + e + 2) / 2);
	}
	if (b >= half) { /* 2^33 - 1 - S ways above */
		uint64_t s = a > half ? a : half;
		count += (double)((b - s + 1) * ((UINT64_C(1) << 34) - 2 - s - b) / 2);
	}
	return ldexp(count, -64);
}

/* The first possible join day of a member born on `birth`: the 18th
 * birthday or the founding, whichever is later. */
static int64_t join_first(int64_t birth)
{
	ls_civil c;
	civil_of_day(birth, &c);
	int y18 = c.year + 18;
	int64_t d18 = (c.month == 2 && c.day == 29 && !is_leap(y18)) ? day_number(y18, 3, 1)
	                                                             : day_number(y18, c.month, c.day);
	return d18 > DAY_FOUNDED ? d18 : DAY_FOUNDED;
}

static double join_prob(int64_t birth, int64_t join)
{
	int64_t lo = join_first(birth);
	if (join < lo || join > DAY_SNAPSHOT)
		return 0;
	uint64_t k = (uint64_t)(join - lo);
	return pick_prob(k, k + 1, (uint64_t)(DAY_SNAPSHOT - lo + 1), 32);
}

static double region_draw_prob(uint64_t region)
{
	if (region < 110000 || region >= 900000)
		return 0;
	return pick_prob(region - 110000, region - 110000 + 1, 790000, 32);
}

static int cmp_region_weight(const void *a, const void *b)
{
	const sim_register_region_weight *x = a, *y = b;
	return x->region < y->region ? -1 : x->region > y->region;
}

void sim_register_model_init(sim_register_model *m, const sim_register *r)
{
	memset(m, 0, sizeof *m);
	m->r = r;
	uint32_t total = r->branch[SIM_REGISTER_BRANCHES - 1].cum, prev = 0;
	for (unsigned k = 0; k < SIM_REGISTER_BRANCHES; k++) {
		m->branch_p[k] = pick_prob(prev, r->branch[k].cum, total, 32);
		prev = r->branch[k].cum;
		m->by_region[k] = (sim_register_region_weight){ r->branch[k].region, m->branch_p[k] };
		/* insertion by name: no comparator context, so nothing shared */
		unsigned i = k;
		while (i > 0 && strcmp(r->branch[m->by_name[i - 1]].name, r->branch[k].name) > 0) {
			m->by_name[i] = m->by_name[i - 1];
			i--;
		}
		m->by_name[i] = (uint16_t)k;
	}
	qsort(m->by_region, SIM_REGISTER_BRANCHES, sizeof m->by_region[0], cmp_region_weight);
	/* Branches sharing a home region pool their weight in the first entry. */
	size_t n = 0;
	for (size_t k = 0; k < SIM_REGISTER_BRANCHES; k++) {
		if (n > 0 && m->by_region[n - 1].region == m->by_region[k].region)
			m->by_region[n - 1].p += m->by_region[k].p;
		else
			m->by_region[n++] = m->by_region[k];
	}
	m->nregions = n;
	/*
	 * join_date without a birth date: P(join = d) = sum over births b of
	 * P(b) P(d | b), where P(d | b) is one pick over [join_first(b),
	 * SNAPSHOT]; bounding each pick by its largest count makes the term
	 * constant over that range, so a difference array adds them up.
	 */
	size_t days = (size_t)(DAY_SNAPSHOT - DAY_FOUNDED + 1);
	m->join_any = ls_xcalloc(days + 1, sizeof *m->join_any);
	for (int64_t b = DAY_BIRTH_FIRST; b <= DAY_BIRTH_LAST; b++) {
		int64_t lo = join_first(b);
		if (lo > DAY_SNAPSHOT)
			continue;
		uint64_t len = (uint64_t)(DAY_SNAPSHOT - lo + 1);
		double most = ldexp((double)(((UINT64_C(1) << 32) + len - 1) / len), -32);
		m->join_any[lo - DAY_FOUNDED] += birth_prob(b) * most;
	}
	for (size_t d = 1; d < days; d++)
		m->join_any[d] += m->join_any[d - 1];
}

void sim_register_model_fini(sim_register_model *m)
{
	if (m == NULL)
		return;
	free(m->join_any);
	memset(m, 0, sizeof *m);
}

static int branch_of(const sim_register_model *m, const char *name)
{
	size_t lo = 0, hi = SIM_REGISTER_BRANCHES;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->r->branch[m->by_name[mid]].name, name);
		if (c == 0)
			return m->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The summed weight of the branches whose home region is `region`. */
static double home_region_weight(const sim_register_model *m, uint64_t region)
{
	size_t lo = 0, hi = m->nregions;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->by_region[mid].region == region)
			return m->by_region[mid].p;
		if (m->by_region[mid].region < region)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static double position_prob(const char *title)
{
	uint32_t a = 0;
	for (size_t p = 0; p < COUNT(positions); p++) {
		if (strcmp(positions[p].title, title) == 0)
			return pick_prob(a, a + positions[p].weight, POSITIONS_TOTAL, 16);
		a += positions[p].weight;
	}
	return 0;
}

double sim_register_model_prob(const sim_register_model *m, const sim_member *v, uint32_t columns)
{
	double p = 1;
	if (columns & SIM_COL_FULL_NAME)
		p *= name_prob(v->full_name, strlen(v->full_name));

	/* The birth day, from resident_id and birth_date, which must agree. */
	bool have_birth = false;
	int64_t birth = 0;
	uint64_t region = 0, seq = 0;
	if (columns & SIM_COL_RESIDENT_ID) {
		const char *s = v->resident_id;
		uint64_t y, mo, d;
		if (strlen(s) != 18 || !digits_value(s, 6, &region) || !digits_value(s + 6, 4, &y) ||
		    !digits_value(s + 10, 2, &mo) || !digits_value(s + 12, 2, &d) ||
		    !digits_value(s + 14, 3, &seq) || !day_of(y, mo, d, &birth))
			return 0;
		unsigned right = mod11_2(s), c;
		if (s[17] == 'X')
			c = 10;
		else if (s[17] >= '0' && s[17] <= '9')
			c = (unsigned)(s[17] - '0');
		else
			return 0;
		unsigned wrong = (c + 22 - right - 1) % 11; /* pick(u16@46, 10) */
		if (wrong == 10)
			return 0;
		p *= pick_prob(seq, seq + 1, 1000, 16) * pick_prob(wrong, wrong + 1, 10, 16);
		have_birth = true;
	}
	if (columns & SIM_COL_BIRTH_DATE) {
		int64_t b;
		if (!iso_day(v->birth_date, &b) || (have_birth && b != birth))
			return 0;
		birth = b;
		have_birth = true;
	}
	if (have_birth)
		p *= birth_prob(birth);
	if (columns & SIM_COL_JOIN_DATE) {
		int64_t j;
		if (!iso_day(v->join_date, &j) || j < DAY_FOUNDED || j > DAY_SNAPSHOT)
			return 0;
		p *= have_birth ? join_prob(birth, j) : m->join_any[j - DAY_FOUNDED];
	}

	/* Branch and resident region: the region is the branch's 85 % of the time. */
	double home = pick_prob(0, 85, 100, 16);
	if (columns & SIM_COL_BRANCH) {
		int k = branch_of(m, v->branch);
		if (k < 0)
			return 0;
		p *= m->branch_p[k];
		if (columns & SIM_COL_RESIDENT_ID)
			p *= home * (region == m->r->branch[k].region) +
			     (1 - home) * region_draw_prob(region);
	} else if (columns & SIM_COL_RESIDENT_ID) {
		p *= home * home_region_weight(m, region) + (1 - home) * region_draw_prob(region);
	}

	if (columns & SIM_COL_POSITION)
		p *= position_prob(v->position);
	if (columns & SIM_COL_PHONE) {
		uint64_t d;
		if (strlen(v->phone) != 13 || memcmp(v->phone, "+999", 4) != 0 ||
		    !digits_value(v->phone + 4, 9, &d) || d < 100000000)
			return 0;
		p *= pick_prob(d - 100000000, d - 100000000 + 1, 900000000, 32);
	}
	return p;
}
