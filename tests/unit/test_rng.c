/*
 * test_rng.c - unit tests for the deterministic random streams (core/rng).
 *
 * Three kinds of check: cross-checks against libsodium called directly (the
 * derivation and keystream are a stable format), known-answer tests that pin
 * exact outputs (any change to any stream must break them), and statistical
 * checks. The statistical checks use fixed seeds, so they are deterministic;
 * their tolerances are several standard errors, so a correct sampler passes
 * with a wide margin while a biased one fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/rng.h"

#define assert_near(got, want, tol)                                                                \
	do {                                                                                       \
		double got_ = (got), want_ = (want), tol_ = (tol);                                 \
		if (!(fabs(got_ - want_) <= tol_))                                                 \
			fail_msg("%s = %.17g, want %.17g +- %.3g", #got, got_, want_, tol_);       \
	} while (0)

/* ------------------------------------------------------------------ helpers */

static uint64_t bits_of(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static void le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The derivation of rng.h, done by hand with libsodium. */
static void expected_key(unsigned char key[32], uint64_t seed, uint64_t entity, const char *purpose)
{
	unsigned char msg[14 + 8];
	unsigned char master[32];
	memcpy(msg, "leaksim/rng/v1", 14);
	le64(msg + 14, seed);
	assert_int_equal(crypto_generichash(master, 32, msg, sizeof msg, NULL, 0), 0);
	size_t plen = strlen(purpose);
	unsigned char in[8 + 64];
	assert_true(plen <= 64);
	le64(in, entity);
	memcpy(in + 8, purpose, plen);
	assert_int_equal(crypto_generichash(key, 32, in, 8 + plen, master, 32), 0);
}

static void expected_stream(unsigned char *out, size_t n, const unsigned char key[32])
{
	static const unsigned char nonce[crypto_stream_chacha20_NONCEBYTES];
	assert_int_equal(crypto_stream_chacha20(out, n, nonce, key), 0);
}

/* Stream bytes consumed so far (the invariant of rng.c's buffer). */
static uint64_t consumed(const ls_rng *r)
{
	return r->counter * 64 - (LS_RNG_BUF - r->pos);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof v[0], cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Pearson's statistic for counts against expected probabilities. */
static double chi_square(const uint64_t *count, const double *prob, size_t k, uint64_t total)
{
	double chi = 0.0;
	for (size_t i = 0; i < k; i++) {
		double e = prob[i] * (double)total;
		double d = (double)count[i] - e;
		chi += d * d / e;
	}
	return chi;
}

/* sum_{k=1..n} k^-s: exact up to 10^5, then the midpoint-rule integral. */
static double zipf_norm(uint64_t n, double s)
{
	uint64_t head = n < 100000 ? n : 100000;
	double sum = 0.0;
	for (uint64_t k = head; k >= 1; k--)
		sum += pow((double)k, -s);
	if (n > head) {
		double a = (double)head + 0.5, b = (double)n + 0.5;
		sum += s == 1.0 ? log(b / a) : (pow(b, 1.0 - s) - pow(a, 1.0 - s)) / (1.0 - s);
	}
	return sum;
}

static double poisson_pmf(uint64_t k, double lambda)
{
	return exp(-lambda + (double)k * log(lambda) - lgamma((double)k + 1.0));
}

/* -------------------------------------------------- libsodium cross-checks */

static void test_key_matches_libsodium(void **state)
{
	(void)state;
	static const struct {
		uint64_t seed, entity;
		const char *purpose;
	} cases[] = {
		{ 42, 7, "kat" },
		{ 0, 0, "" },
		{ UINT64_C(0x0102030405060708), UINT64_C(0x1112131415161718), "logon/interactive" },
		{ UINT64_MAX, UINT64_MAX, "x" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char want[32];
		ls_rng r;
		expected_key(want, cases[i].seed, cases[i].entity, cases[i].purpose);
		ls_rng_init(&r, cases[i].seed, cases[i].entity, cases[i].purpose);
		assert_memory_equal(r.key, want, 32);
		ls_rng_fini(&r);
	}
}

static void test_key_known_answer(void **state)
{
	(void)state;
	static const unsigned char want[32] = {
		0x8d, 0xc9, 0xbe, 0xa1, 0x38, 0x49, 0x3a, 0x4a, 0x5a, 0xb7, 0x53,
		0x0e, 0x90, 0x2b, 0xb4, 0x5f, 0x24, 0x75, 0x6f, 0x8f, 0x80, 0xd3,
		0x93, 0x55, 0x1b, 0xf2, 0x4c, 0xbd, 0x5c, 0xe9, 0x20, 0x7b,
	};
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	assert_memory_equal(r.key, want, 32);
	ls_rng_fini(&r);
}

static void test_keystream_matches_chacha20(void **state)
{
	(void)state;
	enum { N = 1100 };
	unsigned char want[N], got[N];
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	expected_stream(want, N, r.key);
	ls_rng_bytes(&r, got, N);
	assert_memory_equal(got, want, N);
	assert_int_equal(consumed(&r), N);

	/* The same through the buffer, one byte at a time. */
	ls_rng_init(&r, 42, 7, "kat");
	for (size_t i = 0; i < N; i++)
		ls_rng_bytes(&r, got + i, 1);
	assert_memory_equal(got, want, N);
	ls_rng_fini(&r);
}

/* Mixed reads at unaligned positions, straddling refills, read the keystream
 * front to back with u64/u32 little-endian. */
static void test_mixed_reads_follow_keystream(void **state)
{
	(void)state;
	enum { N = 2600 };
	unsigned char want[N];
	unsigned char chunk[700];
	ls_rng r;
	ls_rng_init(&r, 5, 6, "mixed");
	expected_stream(want, N, r.key);
	size_t off = 0;

	ls_rng_bytes(&r, chunk, 3);
	assert_memory_equal(chunk, want, 3);
	off = 3;
	while (off + 8 <= 1100) {
		assert_true(ls_rng_u64(&r) == get_le64(want + off));
		off += 8;
		uint32_t w = (uint32_t)get_le64(want + off);
		assert_true(ls_rng_u32(&r) == w);
		off += 4;
	}
	ls_rng_bytes(&r, chunk, 1);
	assert_int_equal(chunk[0], want[off]);
	off++;
	ls_rng_bytes(&r, chunk, sizeof chunk);
	assert_memory_equal(chunk, want + off, sizeof chunk);
	off += sizeof chunk;
	ls_rng_bytes(&r, chunk, 0);
	while (off + 8 <= N) {
		assert_true(ls_rng_u64(&r) == get_le64(want + off));
		off += 8;
	}
	assert_int_equal(consumed(&r), off);
	ls_rng_fini(&r);
}

static void test_init_key_and_child(void **state)
{
	(void)state;
	unsigned char key[32], want[300], got[300];
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	ls_rng r;
	ls_rng_init_key(&r, key);
	expected_stream(want, sizeof want, key);
	ls_rng_bytes(&r, got, sizeof got);
	assert_memory_equal(got, want, sizeof want);

	/* child key = BLAKE2b-256 keyed with the parent key over le64(entity) || purpose */
	unsigned char in[8 + 5], child_key[32];
	le64(in, 99);
	memcpy(in + 8, "inbox", 5);
	assert_int_equal(crypto_generichash(child_key, 32, in, sizeof in, key, 32), 0);
	ls_rng c;
	ls_rng_child(&c, &r, 99, "inbox");
	assert_memory_equal(c.key, child_key, 32);
	assert_int_equal(c.pos, LS_RNG_BUF);
	assert_int_equal(c.counter, 0);

	/* A parent may be replaced by its own child. */
	ls_rng_child(&r, &r, 99, "inbox");
	assert_memory_equal(r.key, child_key, 32);
	assert_true(ls_rng_u64(&r) == ls_rng_u64(&c));
	ls_rng_fini(&r);
	ls_rng_fini(&c);
}

/* ------------------------------------------------------- known answers */

static void test_kat_u64(void **state)
{
	(void)state;
	static const uint64_t want[4] = {
		UINT64_C(0xb757121f7912acb8),
		UINT64_C(0x4e8508f9399d1acb),
		UINT64_C(0xaa45929876791bea),
		UINT64_C(0xf2954b03c52e2dd7),
	};
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 4; i++)
		assert_true(ls_rng_u64(&r) == want[i]);
	ls_rng_fini(&r);
}

static void test_kat_below_and_range(void **state)
{
	(void)state;
	static const uint64_t want[8] = { 716, 306, 665, 947, 81, 800, 263, 857 };
	static const int64_t want_range[4] = { 2, -2, 2, 5 };
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 8; i++)
		assert_int_equal(ls_rng_below(&r, 1000), want[i]);
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 4; i++)
		assert_true(ls_rng_range(&r, -5, 5) == want_range[i]);
	ls_rng_fini(&r);
}

static void test_kat_continuous(void **state)
{
	(void)state;
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	assert_true(bits_of(ls_rng_double(&r)) == UINT64_C(0x3fe6eae243ef2255));
	ls_rng_init(&r, 42, 7, "kat");
	assert_true(bits_of(ls_rng_normal(&r, 10.0, 2.0)) == UINT64_C(0x402866e17527c020));
	ls_rng_init(&r, 42, 7, "kat");
	assert_true(bits_of(ls_rng_lognormal(&r, 1.0, 0.5)) == UINT64_C(0x4012d9ad909460c0));
	ls_rng_init(&r, 42, 7, "kat");
	assert_true(bits_of(ls_rng_exponential(&r, 0.25)) == UINT64_C(0x401426741bb0c7cb));
	ls_rng_init(&r, 42, 7, "kat");
	assert_true(bits_of(ls_rng_pareto(&r, 3.0, 1.5)) == UINT64_C(0x401bc8fa1d838f6c));
	ls_rng_fini(&r);
}

static void test_kat_discrete(void **state)
{
	(void)state;
	static const uint64_t zipf[8] = { 3, 53, 4, 1, 420, 2, 76, 1 };
	static const uint64_t pois4[8] = { 4, 4, 7, 4, 5, 4, 2, 2 };
	static const uint64_t pois100[8] = { 107, 83, 93, 92, 95, 110, 104, 107 };
	static const size_t weighted[8] = { 3, 2, 3, 4, 0, 3, 2, 3 };
	static const int shuffled[10] = { 3, 9, 8, 1, 4, 0, 6, 5, 2, 7 };
	static const double w[5] = { 1.0, 0.0, 2.0, 5.0, 0.5 };
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 8; i++)
		assert_int_equal(ls_rng_zipf(&r, 1000, 1.1), zipf[i]);
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 8; i++)
		assert_int_equal(ls_rng_poisson(&r, 4.0), pois4[i]);
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 8; i++)
		assert_int_equal(ls_rng_poisson(&r, 100.0), pois100[i]);
	ls_rng_init(&r, 42, 7, "kat");
	for (int i = 0; i < 8; i++)
		assert_int_equal(ls_rng_weighted(&r, w, 5), weighted[i]);
	ls_rng_init(&r, 42, 7, "kat");
	int a[10];
	for (int i = 0; i < 10; i++)
		a[i] = i;
	ls_rng_shuffle(&r, a, 10, sizeof a[0]);
	assert_memory_equal(a, shuffled, sizeof a);
	ls_rng_fini(&r);
}

/*
 * Longer known answers: 1000 draws of each sampler folded into one number
 * (FNV-1a over 64-bit words), so that even a change that leaves the first
 * few values alone breaks a test.
 */
typedef uint64_t (*draw_fn)(ls_rng *r);

static uint64_t d_u64(ls_rng *r)
{
	return ls_rng_u64(r);
}
static uint64_t d_u32(ls_rng *r)
{
	return ls_rng_u32(r);
}
static uint64_t d_below(ls_rng *r)
{
	return ls_rng_below(r, 1000);
}
static uint64_t d_below_huge(ls_rng *r)
{
	return ls_rng_below(r, (UINT64_C(1) << 63) + 1);
}
static uint64_t d_range(ls_rng *r)
{
	return (uint64_t)(ls_rng_range(r, -5, 5) + 5);
}
static uint64_t d_double(ls_rng *r)
{
	return bits_of(ls_rng_double(r));
}
static uint64_t d_bernoulli(ls_rng *r)
{
	return ls_rng_bernoulli(r, 0.3);
}
static uint64_t d_normal(ls_rng *r)
{
	return bits_of(ls_rng_normal(r, 10.0, 2.0));
}
static uint64_t d_lognormal(ls_rng *r)
{
	return bits_of(ls_rng_lognormal(r, 1.0, 0.5));
}
static uint64_t d_exponential(ls_rng *r)
{
	return bits_of(ls_rng_exponential(r, 0.25));
}
static uint64_t d_pareto(ls_rng *r)
{
	return bits_of(ls_rng_pareto(r, 3.0, 1.5));
}
static uint64_t d_zipf(ls_rng *r)
{
	return ls_rng_zipf(r, 1000, 1.1);
}
static uint64_t d_zipf_huge(ls_rng *r)
{
	return ls_rng_zipf(r, UINT64_C(1000000000000), 1.0);
}
static uint64_t d_poisson_small(ls_rng *r)
{
	return ls_rng_poisson(r, 4.0);
}
static uint64_t d_poisson_mid(ls_rng *r)
{
	return ls_rng_poisson(r, 30.0);
}
static uint64_t d_poisson_big(ls_rng *r)
{
	return ls_rng_poisson(r, 1000.0);
}

static uint64_t d_weighted(ls_rng *r)
{
	static const double w[5] = { 1.0, 0.0, 2.0, 5.0, 0.5 };
	return ls_rng_weighted(r, w, 5);
}

static uint64_t d_shuffle(ls_rng *r)
{
	unsigned char a[100];
	for (int i = 0; i < 100; i++)
		a[i] = (unsigned char)i;
	ls_rng_shuffle(r, a, sizeof a, 1);
	uint64_t h = 0;
	for (int i = 0; i < 100; i++)
		h = h * 131 + a[i];
	return h;
}

static void test_kat_digests(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		draw_fn draw;
		uint64_t want;
	} cases[] = {
		{ "u64", d_u64, UINT64_C(0xc17bd01f8c7fe89c) },
		{ "u32", d_u32, UINT64_C(0x78ac9064e2f71e74) },
		{ "below", d_below, UINT64_C(0xd0e1bb0fb23b1b44) },
		{ "below_huge", d_below_huge, UINT64_C(0xa26d632b1bf48271) },
		{ "range", d_range, UINT64_C(0x7726dc8bede1286d) },
		{ "double", d_double, UINT64_C(0xf19b0bc335194006) },
		{ "bernoulli", d_bernoulli, UINT64_C(0x5643220be1d9d5e3) },
		{ "normal", d_normal, UINT64_C(0x283bded05d59ba2d) },
		{ "lognormal", d_lognormal, UINT64_C(0x3426a22b33c86593) },
		{ "exponential", d_exponential, UINT64_C(0xe3ca20b12cca7d93) },
		{ "pareto", d_pareto, UINT64_C(0xd0a312636a8d311d) },
		{ "zipf", d_zipf, UINT64_C(0xc23b517f6d2fdd7b) },
		{ "zipf_huge", d_zipf_huge, UINT64_C(0xcfc3e5e7ee3e5c65) },
		{ "poisson_small", d_poisson_small, UINT64_C(0xb7ab24b158f298eb) },
		{ "poisson_mid", d_poisson_mid, UINT64_C(0xe0aceb3997a684ac) },
		{ "poisson_big", d_poisson_big, UINT64_C(0x47bf2bf8ff2fb4e2) },
		{ "weighted", d_weighted, UINT64_C(0x260fcf75d0206c2f) },
		{ "shuffle", d_shuffle, UINT64_C(0x7f51fb8579cbd12b) },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ls_rng r;
		ls_rng_init(&r, 42, 7, "kat");
		uint64_t h = UINT64_C(0xcbf29ce484222325);
		for (int j = 0; j < 1000; j++)
			h = (h ^ cases[i].draw(&r)) * UINT64_C(0x100000001b3);
		ls_rng_fini(&r);
		if (h != cases[i].want) {
			print_error("%s: digest 0x%016llx, want 0x%016llx\n", cases[i].name,
			            (unsigned long long)h, (unsigned long long)cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------ independence */

static void test_entities_do_not_interfere(void **state)
{
	(void)state;
	static const double w[3] = { 1.0, 2.0, 3.0 };
	ls_rng one, two, fresh;
	ls_rng_init(&one, 9, 1, "act");
	ls_rng_init(&two, 9, 2, "act");
	ls_rng_init(&fresh, 9, 1, "act");
	for (int i = 0; i < 3000; i++) {
		assert_true(ls_rng_u64(&one) == ls_rng_u64(&fresh));
		for (int j = 0; j < i % 17; j++) {
			switch (j % 5) {
			case 0: (void)ls_rng_u64(&two); break;
			case 1: (void)ls_rng_normal(&two, 0.0, 1.0); break;
			case 2: (void)ls_rng_poisson(&two, 50.0); break;
			case 3: (void)ls_rng_weighted(&two, w, 3); break;
			default: {
				unsigned char b[37];
				ls_rng_bytes(&two, b, sizeof b);
			}
			}
		}
	}
	ls_rng_fini(&one);
	ls_rng_fini(&two);
	ls_rng_fini(&fresh);
}

static uint64_t first_u64(uint64_t seed, uint64_t entity, const char *purpose)
{
	ls_rng r;
	ls_rng_init(&r, seed, entity, purpose);
	uint64_t v = ls_rng_u64(&r);
	ls_rng_fini(&r);
	return v;
}

static void test_streams_differ(void **state)
{
	(void)state;
	assert_true(first_u64(1, 1, "p") == first_u64(1, 1, "p"));
	assert_true(first_u64(1, 1, "p") != first_u64(2, 1, "p"));
	assert_true(first_u64(1, 1, "p") != first_u64(1, 2, "p"));
	assert_true(first_u64(1, 1, "p") != first_u64(1, 256, "p"));
	assert_true(first_u64(1, 1, "a") != first_u64(1, 1, "ab"));
	assert_true(first_u64(1, 1, "") != first_u64(1, 1, "a"));
	assert_true(first_u64(1, 1, "p") != first_u64(1, 1, "P"));
	/* seed and entity are not interchangeable */
	assert_true(first_u64(1, 2, "p") != first_u64(2, 1, "p"));
	assert_true(first_u64(0, 0, "") != first_u64(UINT64_C(1) << 63, 0, ""));
}

static void test_child_ignores_parent_position(void **state)
{
	(void)state;
	ls_rng p1, p2, c1, c2, c3;
	ls_rng_init(&p1, 3, 4, "world");
	ls_rng_init(&p2, 3, 4, "world");
	for (int i = 0; i < 1000; i++)
		(void)ls_rng_u64(&p2);
	ls_rng_child(&c1, &p1, 10, "mail");
	ls_rng_child(&c2, &p2, 10, "mail");
	for (int i = 0; i < 100; i++)
		assert_true(ls_rng_u64(&c1) == ls_rng_u64(&c2));
	/* Drawing from the child does not move the parent. */
	assert_true(ls_rng_u64(&p1) == first_u64(3, 4, "world"));

	ls_rng_child(&c3, &p1, 11, "mail");
	ls_rng_child(&c1, &p1, 10, "mail");
	assert_true(ls_rng_u64(&c1) != ls_rng_u64(&c3));
	ls_rng_child(&c3, &p1, 10, "mail2");
	ls_rng_child(&c1, &p1, 10, "mail");
	assert_true(ls_rng_u64(&c1) != ls_rng_u64(&c3));
	ls_rng_fini(&p1);
	ls_rng_fini(&p2);
	ls_rng_fini(&c1);
	ls_rng_fini(&c2);
	ls_rng_fini(&c3);
}

/* ------------------------------------------------------------------ uniform */

static void test_below_chi_square(void **state)
{
	(void)state;
	enum { K = 7, N = 70000 };
	uint64_t count[K] = { 0 };
	double prob[K];
	ls_rng r;
	ls_rng_init(&r, 2024, 1, "below7");
	for (int i = 0; i < N; i++) {
		uint64_t v = ls_rng_below(&r, K);
		assert_true(v < K);
		count[v]++;
	}
	for (int i = 0; i < K; i++)
		prob[i] = 1.0 / K;
	/* 6 degrees of freedom: 22.46 is the 0.1% critical value. */
	assert_true(chi_square(count, prob, K, N) < 22.46);
	ls_rng_fini(&r);
}

/*
 * Large n exposes both classic mistakes. x % n for n = 2^63 + 1 doubles the
 * weight of [0, 2^63 - 1), giving P(v >= 2^62) = 0.5 instead of 0.75. For
 * n = 3 * 2^62 it gives P(v < 2^62) = 0.5 instead of 1/3, and multiply-shift
 * without rejection gives P(v % 3 == 0) = 0.5 instead of 1/3.
 */
static void test_below_unbiased_for_huge_n(void **state)
{
	(void)state;
	enum { N = 100000 };
	const uint64_t n1 = (UINT64_C(1) << 63) + 1;
	const uint64_t n2 = UINT64_C(3) << 62;
	const uint64_t q = UINT64_C(1) << 62;
	ls_rng r;
	ls_rng_init(&r, 11, 12, "huge");
	unsigned high = 0;
	for (int i = 0; i < N; i++) {
		uint64_t v = ls_rng_below(&r, n1);
		assert_true(v < n1);
		high += v >= q;
	}
	/* standard error 0.0014 */
	assert_near((double)high / N, 1.0 - 0x1p62 / (double)n1, 0.01);

	unsigned low = 0, mod3 = 0;
	for (int i = 0; i < N; i++) {
		uint64_t v = ls_rng_below(&r, n2);
		assert_true(v < n2);
		low += v < q;
		mod3 += v % 3 == 0;
	}
	assert_near((double)low / N, 1.0 / 3.0, 0.01);
	assert_near((double)mod3 / N, 1.0 / 3.0, 0.01);

	for (int i = 0; i < 100; i++)
		assert_int_equal(ls_rng_below(&r, 1), 0);
	for (int i = 0; i < 100; i++)
		assert_true(ls_rng_below(&r, UINT64_MAX) < UINT64_MAX);
	ls_rng_fini(&r);
}

static void test_range(void **state)
{
	(void)state;
	enum { N = 100000 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "range");
	unsigned negative = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (int i = 0; i < N; i++) {
		int64_t v = ls_rng_range(&r, INT64_MIN, INT64_MAX);
		negative += v < 0;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	assert_near((double)negative / N, 0.5, 0.01);
	/* The extremes of 10^5 uniform draws are within 2^52 of the ends
	 * (each misses with probability (1 - 2^-12)^100000 < 10^-10). */
	assert_true(lo < INT64_MIN + (INT64_C(1) << 52));
	assert_true(hi > INT64_MAX - (INT64_C(1) << 52));

	for (int i = 0; i < 100; i++)
		assert_true(ls_rng_range(&r, -17, -17) == -17);
	bool seen[7] = { false };
	for (int i = 0; i < 1000; i++) {
		int64_t v = ls_rng_range(&r, -3, 3);
		assert_true(v >= -3 && v <= 3);
		seen[v + 3] = true;
	}
	for (int i = 0; i < 7; i++)
		assert_true(seen[i]);
	bool bottom[2] = { false }, top[2] = { false };
	for (int i = 0; i < 200; i++) {
		int64_t v = ls_rng_range(&r, INT64_MIN, INT64_MIN + 1);
		assert_true(v == INT64_MIN || v == INT64_MIN + 1);
		bottom[v - INT64_MIN] = true;
		v = ls_rng_range(&r, INT64_MAX - 1, INT64_MAX);
		assert_true(v == INT64_MAX - 1 || v == INT64_MAX);
		top[v - (INT64_MAX - 1)] = true;
	}
	assert_true(bottom[0] && bottom[1] && top[0] && top[1]);
	ls_rng_fini(&r);
}

static void test_double(void **state)
{
	(void)state;
	enum { N = 200000 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "double");
	double sum = 0.0, sum2 = 0.0;
	unsigned odd = 0;
	for (int i = 0; i < N; i++) {
		double d = ls_rng_double(&r);
		assert_true(d >= 0.0 && d < 1.0);
		sum += d;
		sum2 += d * d;
		/* every value is k * 2^-53: the lowest of the 53 bits is random too */
		double k = d * 0x1p53;
		assert_true(k == floor(k));
		odd += fmod(k, 2.0) == 1.0;
	}
	double mean = sum / N;
	assert_near(mean, 0.5, 5 * 0.2887 / sqrt(N));
	assert_near(sum2 / N - mean * mean, 1.0 / 12.0, 0.002);
	assert_near((double)odd / N, 0.5, 0.01);
	ls_rng_fini(&r);
}

static void test_bernoulli(void **state)
{
	(void)state;
	enum { N = 100000 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "coin");
	unsigned yes = 0;
	for (int i = 0; i < N; i++) {
		assert_false(ls_rng_bernoulli(&r, 0.0));
		assert_true(ls_rng_bernoulli(&r, 1.0));
		yes += ls_rng_bernoulli(&r, 0.3);
	}
	/* standard error 0.00145 */
	assert_near((double)yes / N, 0.3, 0.008);

	/* The boundary is exact: true iff the uniform is strictly below p. */
	ls_rng_init(&r, 42, 7, "kat");
	double d = ls_rng_double(&r);
	ls_rng_init(&r, 42, 7, "kat");
	assert_false(ls_rng_bernoulli(&r, d));
	ls_rng_init(&r, 42, 7, "kat");
	assert_true(ls_rng_bernoulli(&r, nextafter(d, 1.0)));
	ls_rng_fini(&r);
}

/* --------------------------------------------------------------- continuous */

static void test_normal(void **state)
{
	(void)state;
	enum { N = 200000 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "normal");
	double sum = 0.0, sum2 = 0.0;
	unsigned within = 0;
	for (int i = 0; i < N; i++) {
		double x = ls_rng_normal(&r, 3.0, 2.0);
		sum += x;
		sum2 += x * x;
		within += fabs(x - 3.0) < 2.0;
	}
	double mean = sum / N;
	double sd = sqrt(sum2 / N - mean * mean);
	assert_near(mean, 3.0, 5 * 2.0 / sqrt(N));
	assert_near(sd, 2.0, 5 * 2.0 / sqrt(2.0 * N));
	assert_near((double)within / N, 0.682689, 0.006);
	for (int i = 0; i < 10; i++)
		assert_true(ls_rng_normal(&r, -4.5, 0.0) == -4.5);
	ls_rng_fini(&r);
}

static void test_lognormal_median(void **state)
{
	(void)state;
	enum { N = 100001 };
	const double mu = 1.5, sigma = 0.8;
	double *v = malloc(N * sizeof *v);
	assert_non_null(v);
	ls_rng r;
	ls_rng_init(&r, 1, 2, "lognormal");
	double sum = 0.0, sum2 = 0.0;
	for (int i = 0; i < N; i++) {
		v[i] = ls_rng_lognormal(&r, mu, sigma);
		assert_true(v[i] > 0.0);
		sum += log(v[i]);
		sum2 += log(v[i]) * log(v[i]);
	}
	/* the logarithms are Normal(mu, sigma) */
	double mean = sum / N;
	assert_near(sqrt(sum2 / N - mean * mean), sigma, 5 * sigma / sqrt(2.0 * N));
	/* the sample median of N normals has standard error 1.2533 sigma / sqrt(N) */
	assert_near(log(median_of(v, N)), mu, 5 * 1.2533 * sigma / sqrt(N));
	free(v);
	ls_rng_fini(&r);
}

static void test_exponential_mean(void **state)
{
	(void)state;
	enum { N = 200000 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "exponential");
	double sum = 0.0;
	unsigned above_mean = 0;
	for (int i = 0; i < N; i++) {
		double x = ls_rng_exponential(&r, 0.25);
		assert_true(x >= 0.0 && isfinite(x));
		sum += x;
		above_mean += x > 4.0;
	}
	assert_near(sum / N, 4.0, 5 * 4.0 / sqrt(N));
	assert_near((double)above_mean / N, exp(-1.0), 0.006);
	ls_rng_fini(&r);
}

static void test_pareto(void **state)
{
	(void)state;
	enum { N = 100001 };
	const double xm = 3.0, alpha = 1.5;
	double *v = malloc(N * sizeof *v);
	assert_non_null(v);
	ls_rng r;
	ls_rng_init(&r, 1, 2, "pareto");
	double lo = INFINITY, log_sum = 0.0;
	for (int i = 0; i < N; i++) {
		v[i] = ls_rng_pareto(&r, xm, alpha);
		assert_true(v[i] >= xm);
		lo = v[i] < lo ? v[i] : lo;
		log_sum += log(v[i] / xm);
	}
	assert_true(lo < xm * 1.001);
	/* log(x / xm) is exponential with rate alpha */
	assert_near(log_sum / N, 1.0 / alpha, 5 / (alpha * sqrt(N)));
	double m = xm * pow(2.0, 1.0 / alpha);
	double density = alpha * pow(xm, alpha) / pow(m, alpha + 1.0);
	/* standard error of a sample median: 1 / (2 f(m) sqrt(N)) */
	assert_near(median_of(v, N), m, 5 / (2 * density * sqrt(N)));
	free(v);
	ls_rng_fini(&r);
}

/* ----------------------------------------------------------------- discrete */

static void test_zipf_head(void **state)
{
	(void)state;
	enum { N = 500000 };
	const double s = 1.1;
	ls_rng r;
	ls_rng_init(&r, 1, 2, "zipf");
	uint64_t c1 = 0, c2 = 0;
	for (int i = 0; i < N; i++) {
		uint64_t k = ls_rng_zipf(&r, 1000, s);
		assert_true(k >= 1 && k <= 1000);
		c1 += k == 1;
		c2 += k == 2;
	}
	/* log-ratio standard error sqrt(1/c1 + 1/c2) is about 0.007 */
	assert_near(log((double)c1 / (double)c2), s * log(2.0), 0.035);
	double p1 = 1.0 / zipf_norm(1000, s);
	assert_near((double)c1 / N, p1, 5 * sqrt(p1 * (1 - p1) / N));
	ls_rng_fini(&r);
}

/* The whole distribution for small n, including s == 1 and the squeeze. */
static void test_zipf_exact_small_n(void **state)
{
	(void)state;
	enum { K = 5, N = 50000 };
	static const double exps[] = { 0.3, 1.0, 2.5, 6.0 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "zipf-small");
	for (size_t e = 0; e < sizeof exps / sizeof exps[0]; e++) {
		uint64_t count[K] = { 0 };
		double prob[K];
		double norm = zipf_norm(K, exps[e]);
		for (int k = 0; k < K; k++)
			prob[k] = pow(k + 1.0, -exps[e]) / norm;
		for (int i = 0; i < N; i++) {
			uint64_t k = ls_rng_zipf(&r, K, exps[e]);
			assert_true(k >= 1 && k <= K);
			count[k - 1]++;
		}
		/* Pool the tail where expected counts are tiny (s = 6). */
		size_t bins = K;
		while (bins > 2 && prob[bins - 1] * N < 20) {
			prob[bins - 2] += prob[bins - 1];
			count[bins - 2] += count[bins - 1];
			bins--;
		}
		/* 0.1% critical values for bins - 1 degrees of freedom */
		static const double crit[K] = { 0, 10.83, 13.82, 16.27, 18.47 };
		double chi = chi_square(count, prob, bins, N);
		if (!(chi < crit[bins - 1]))
			fail_msg("zipf s=%g: chi-square %g over %zu bins", exps[e], chi, bins);
	}
	ls_rng_fini(&r);
}

static void test_zipf_edges(void **state)
{
	(void)state;
	enum { N = 100000 };
	const uint64_t big = UINT64_C(1000000000000);
	ls_rng r;
	ls_rng_init(&r, 1, 2, "zipf-edges");
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(ls_rng_zipf(&r, 1, 1.1), 1);
		assert_int_equal(ls_rng_zipf(&r, 1, 1.0), 1);
		assert_int_equal(ls_rng_zipf(&r, 1, 7.0), 1);
	}
	/* Huge n, s == 1 included: the head and the far tail are right, and O(1)
	 * expected time shows as a small number of doubles drawn per sample. */
	static const double exps[] = { 1.0, 1.1, 0.5 };
	for (size_t e = 0; e < sizeof exps / sizeof exps[0]; e++) {
		uint64_t before = consumed(&r);
		uint64_t c1 = 0, c2 = 0, beyond = 0;
		for (int i = 0; i < N; i++) {
			uint64_t k = ls_rng_zipf(&r, big, exps[e]);
			assert_true(k >= 1 && k <= big);
			c1 += k == 1;
			c2 += k == 2;
			beyond += k > 1000000;
		}
		double draws = (double)(consumed(&r) - before) / 8.0 / N;
		if (!(draws < 1.5))
			fail_msg("zipf s=%g: %g draws per sample", exps[e], draws);
		double norm = zipf_norm(big, exps[e]);
		double p1 = 1.0 / norm;
		assert_near((double)c1 / N, p1, 5 * sqrt(p1 * (1 - p1) / N) + 1e-4);
		/* For s >= 1 ranks 1 and 2 are common enough to compare; the log of
		 * their ratio has standard error sqrt(1/E[c1] + 1/E[c2]). */
		double p2 = p1 * pow(2.0, -exps[e]);
		if (exps[e] >= 1.0)
			assert_near(log((double)c1 / (double)c2), exps[e] * log(2.0),
			            5 * sqrt(1 / (N * p1) + 1 / (N * p2)));
		/* the tail beyond 10^6 is really reached */
		double tail = 1.0 - zipf_norm(1000000, exps[e]) / norm;
		assert_near((double)beyond / N, tail, 5 * sqrt(tail * (1 - tail) / N));
	}
	for (int i = 0; i < 1000; i++)
		assert_true(ls_rng_zipf(&r, UINT64_MAX, 1.2) >= 1);
	ls_rng_fini(&r);
}

static void test_poisson_moments(void **state)
{
	(void)state;
	enum { N = 100000 };
	static const double lambdas[] = { 0.5, 4.0, 9.99, 10.0, 30.0, 1000.0 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "poisson");
	for (size_t l = 0; l < sizeof lambdas / sizeof lambdas[0]; l++) {
		double lambda = lambdas[l];
		double sum = 0.0, sum2 = 0.0;
		uint64_t mode = (uint64_t)floor(lambda);
		unsigned at_mode = 0;
		for (int i = 0; i < N; i++) {
			uint64_t k = ls_rng_poisson(&r, lambda);
			sum += (double)k;
			sum2 += (double)k * (double)k;
			at_mode += k == mode;
		}
		double mean = sum / N;
		double var = (sum2 - N * mean * mean) / (N - 1);
		assert_near(mean, lambda, 5 * sqrt(lambda / N));
		assert_near(var, lambda, 5 * sqrt((lambda + 2 * lambda * lambda) / N));
		/* the shape, not just two moments: the mass at the mode */
		double p = poisson_pmf(mode, lambda);
		assert_near((double)at_mode / N, p, 5 * sqrt(p * (1 - p) / N));
	}
	ls_rng_fini(&r);
}

static void test_poisson_zero(void **state)
{
	(void)state;
	ls_rng r;
	ls_rng_init(&r, 1, 2, "poisson0");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ls_rng_poisson(&r, 0.0), 0);
	ls_rng_fini(&r);
}

static void test_weighted(void **state)
{
	(void)state;
	enum { K = 6, N = 100000 };
	static const double w[K] = { 1.0, 0.0, 2.0, 5.0, 0.5, 0.0 };
	const double total = 8.5;
	uint64_t count[K] = { 0 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "weighted");
	for (int i = 0; i < N; i++) {
		size_t k = ls_rng_weighted(&r, w, K);
		assert_true(k < K);
		count[k]++;
	}
	for (int k = 0; k < K; k++) {
		double p = w[k] / total;
		if (p == 0.0)
			assert_int_equal(count[k], 0);
		else
			assert_near((double)count[k] / N, p, 5 * sqrt(p * (1 - p) / N));
	}
	ls_rng_fini(&r);
}

/* Index i is chosen iff (sum of weights before i) <= target < (that sum + w[i]),
 * target being the uniform times the total. */
static void test_weighted_boundary(void **state)
{
	(void)state;
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	double d = ls_rng_double(&r); /* 0.716..., so 1 - d and d + (1 - d) are exact */
	double w[2] = { d, 1.0 - d };
	ls_rng_init(&r, 42, 7, "kat");
	assert_int_equal(ls_rng_weighted(&r, w, 2), 1);
	w[0] = nextafter(d, 1.0);
	w[1] = 1.0 - w[0];
	ls_rng_init(&r, 42, 7, "kat");
	assert_int_equal(ls_rng_weighted(&r, w, 2), 0);
	ls_rng_fini(&r);
}

static void test_weighted_zero_never_chosen(void **state)
{
	(void)state;
	static const double one[1] = { 2.0 };
	static const double last_only[3] = { 0.0, 0.0, 3.0 };
	static const double tiny[4] = { 0.0, 1e-300, 0.0, 0.0 };
	static const double lopsided[3] = { 1e300, 0.0, 1e-300 };
	ls_rng r;
	ls_rng_init(&r, 1, 2, "weighted-zero");
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(ls_rng_weighted(&r, one, 1), 0);
		assert_int_equal(ls_rng_weighted(&r, last_only, 3), 2);
		assert_int_equal(ls_rng_weighted(&r, tiny, 4), 1);
		assert_int_not_equal(ls_rng_weighted(&r, lopsided, 3), 1);
	}
	ls_rng_fini(&r);
}

static void test_shuffle_permutes(void **state)
{
	(void)state;
	enum { N = 1000 };
	int a[N];
	bool seen[N] = { false };
	for (int i = 0; i < N; i++)
		a[i] = i;
	ls_rng r;
	ls_rng_init(&r, 1, 2, "shuffle");
	ls_rng_shuffle(&r, a, N, sizeof a[0]);
	unsigned fixed = 0;
	for (int i = 0; i < N; i++) {
		assert_true(a[i] >= 0 && a[i] < N);
		assert_false(seen[a[i]]);
		seen[a[i]] = true;
		fixed += a[i] == i;
	}
	/* a uniform permutation has about one fixed point */
	assert_true(fixed < 10);

	/* Elements larger than the swap scratch stay whole. */
	struct big {
		unsigned char pad[150];
		int id;
	} b[20];
	for (int i = 0; i < 20; i++) {
		memset(b[i].pad, i, sizeof b[i].pad);
		b[i].id = i;
	}
	ls_rng_shuffle(&r, b, 20, sizeof b[0]);
	unsigned mask = 0;
	for (int i = 0; i < 20; i++) {
		for (size_t j = 0; j < sizeof b[i].pad; j++)
			assert_int_equal(b[i].pad[j], b[i].id);
		mask |= 1u << b[i].id;
	}
	assert_int_equal(mask, (1u << 20) - 1);

	/* n = 0 and n = 1 are no-ops that draw nothing. */
	uint64_t before = consumed(&r);
	int one = 5;
	ls_rng_shuffle(&r, &one, 1, sizeof one);
	ls_rng_shuffle(&r, NULL, 0, sizeof one);
	assert_int_equal(one, 5);
	assert_int_equal(consumed(&r), before);
	ls_rng_fini(&r);
}

static void test_shuffle_uniform(void **state)
{
	(void)state;
	enum { N = 60000 };
	uint64_t count[6] = { 0 };
	double prob[6];
	ls_rng r;
	ls_rng_init(&r, 1, 2, "shuffle3");
	for (int i = 0; i < N; i++) {
		unsigned char a[3] = { 0, 1, 2 };
		ls_rng_shuffle(&r, a, 3, 1);
		assert_true((a[0] | a[1] | a[2]) == 3 && a[0] + a[1] + a[2] == 3 && a[0] != a[1] &&
		            a[1] != a[2] && a[0] != a[2]);
		/* index of the permutation: first element times 2, plus order of the rest */
		count[a[0] * 2 + (a[1] > a[2])]++;
	}
	for (int i = 0; i < 6; i++) {
		prob[i] = 1.0 / 6.0;
		assert_true(count[i] > 9000 && count[i] < 11000);
	}
	/* 5 degrees of freedom: 20.52 is the 0.1% critical value. */
	assert_true(chi_square(count, prob, 6, N) < 20.52);
	ls_rng_fini(&r);
}

static void test_fini_wipes(void **state)
{
	(void)state;
	static const unsigned char zero[sizeof(ls_rng)];
	ls_rng r;
	ls_rng_init(&r, 42, 7, "kat");
	(void)ls_rng_u64(&r);
	assert_memory_not_equal(r.key, zero, sizeof r.key);
	ls_rng_fini(&r);
	assert_memory_equal(r.key, zero, sizeof r.key);
	assert_memory_equal(r.buf, zero, sizeof r.buf);
	assert_memory_equal(&r, zero, sizeof r);
	ls_rng_fini(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_matches_libsodium),
		cmocka_unit_test(test_key_known_answer),
		cmocka_unit_test(test_keystream_matches_chacha20),
		cmocka_unit_test(test_mixed_reads_follow_keystream),
		cmocka_unit_test(test_init_key_and_child),
		cmocka_unit_test(test_kat_u64),
		cmocka_unit_test(test_kat_below_and_range),
		cmocka_unit_test(test_kat_continuous),
		cmocka_unit_test(test_kat_discrete),
		cmocka_unit_test(test_kat_digests),
		cmocka_unit_test(test_entities_do_not_interfere),
		cmocka_unit_test(test_streams_differ),
		cmocka_unit_test(test_child_ignores_parent_position),
		cmocka_unit_test(test_below_chi_square),
		cmocka_unit_test(test_below_unbiased_for_huge_n),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_bernoulli),
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_lognormal_median),
		cmocka_unit_test(test_exponential_mean),
		cmocka_unit_test(test_pareto),
		cmocka_unit_test(test_zipf_head),
		cmocka_unit_test(test_zipf_exact_small_n),
		cmocka_unit_test(test_zipf_edges),
		cmocka_unit_test(test_poisson_moments),
		cmocka_unit_test(test_poisson_zero),
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_weighted_boundary),
		cmocka_unit_test(test_weighted_zero_never_chosen),
		cmocka_unit_test(test_shuffle_permutes),
		cmocka_unit_test(test_shuffle_uniform),
		cmocka_unit_test(test_fini_wipes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
