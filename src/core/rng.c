/*
 * rng.c - stream derivation, the buffered ChaCha20 keystream, and the
 * distributions built on it.
 *
 * Buffer invariant: buf[pos..LS_RNG_BUF) holds the unread tail of the
 * keystream blocks just before block `counter`; pos == LS_RNG_BUF means the
 * buffer is empty and the next stream byte is the first byte of block
 * `counter`. Reads always consume the stream front to back, so a value depends
 * only on the key and the calls made before it, never on buffer boundaries.
 *
 * libsodium is touched only to derive keys and to refill the buffer; the
 * per-value paths (u64, below, double) are plain arithmetic on the buffer.
 */
#include "core/rng.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/err.h"

/*
 * Values must be bit-identical across builds, so no a * b + c may be fused
 * into an FMA. clang honours this pragma; GCC ignores it but does not
 * contract in ISO mode (-std=c11, as the Makefile builds).
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define RNG_TAG "leaksim/rng/v1"
#define RNG_TAG_LEN (sizeof RNG_TAG - 1)
#define CHACHA_BLOCK 64

_Static_assert(LS_RNG_BUF % CHACHA_BLOCK == 0, "LS_RNG_BUF must be whole ChaCha20 blocks");
_Static_assert(LS_RNG_KEYBYTES == crypto_stream_chacha20_KEYBYTES, "stream key is a ChaCha20 key");
_Static_assert(LS_RNG_KEYBYTES >= crypto_generichash_KEYBYTES_MIN &&
                       LS_RNG_KEYBYTES <= crypto_generichash_KEYBYTES_MAX,
               "a stream key must be usable as a BLAKE2b key");

/* The keystream is ChaCha20 applied to zeros under an all-zero nonce. */
static const unsigned char zero_nonce[crypto_stream_chacha20_NONCEBYTES];
static const unsigned char zero_block[LS_RNG_BUF];

/* ------------------------------------------------------------------ helpers */

LS_NORETURN static void fatal(const char *what)
{
	fprintf(stderr, "leaksim: %s\n", what);
	fflush(stderr);
	abort();
}

/* sodium_init() is idempotent and locks internally, so calling it on every
 * stream set-up is safe from any thread. */
static void need_sodium(void)
{
	if (sodium_init() < 0)
		fatal("libsodium initialisation failed");
}

static void store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

static uint32_t load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The high and low halves of the 128-bit product a * b. */
static uint64_t mul_wide(uint64_t a, uint64_t b, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__) && !defined(LS_RNG_NO_INT128)
	__extension__ typedef unsigned __int128 u128;
	u128 m = (u128)a * b;
	*lo = (uint64_t)m;
	return (uint64_t)(m >> 64);
#else
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
	*lo = (mid << 32) | (p00 & 0xffffffffu);
	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* Two's-complement reinterpretation without implementation-defined casts. */
static int64_t u64_to_i64(uint64_t u)
{
	if (u <= (uint64_t)INT64_MAX)
		return (int64_t)u;
	return -(int64_t)(UINT64_MAX - u) - 1;
}

/* ------------------------------------------------------------------- set-up */

/* key = BLAKE2b-256 keyed with master over le64(entity) || purpose. */
static void derive_key(unsigned char key[LS_RNG_KEYBYTES],
                       const unsigned char master[LS_RNG_KEYBYTES], uint64_t entity,
                       const char *purpose)
{
	crypto_generichash_state st;
	unsigned char ent[8];
	store_le64(ent, entity);
	int rc = crypto_generichash_init(&st, master, LS_RNG_KEYBYTES, LS_RNG_KEYBYTES);
	rc |= crypto_generichash_update(&st, ent, sizeof ent);
	rc |= crypto_generichash_update(&st, (const unsigned char *)purpose, strlen(purpose));
	rc |= crypto_generichash_final(&st, key, LS_RNG_KEYBYTES);
	sodium_memzero(&st, sizeof st);
	if (rc != 0)
		fatal("BLAKE2b failed while deriving a random stream");
}

void ls_rng_init(ls_rng *r, uint64_t seed, uint64_t entity, const char *purpose)
{
	assert(r != NULL && purpose != NULL);
	need_sodium();
	unsigned char msg[RNG_TAG_LEN + 8];
	unsigned char master[LS_RNG_KEYBYTES];
	unsigned char key[LS_RNG_KEYBYTES];
	memcpy(msg, RNG_TAG, RNG_TAG_LEN);
	store_le64(msg + RNG_TAG_LEN, seed);
	if (crypto_generichash(master, sizeof master, msg, sizeof msg, NULL, 0) != 0)
		fatal("BLAKE2b failed while deriving a random stream");
	derive_key(key, master, entity, purpose);
	ls_rng_init_key(r, key);
	sodium_memzero(master, sizeof master);
	sodium_memzero(key, sizeof key);
}

void ls_rng_init_key(ls_rng *r, const unsigned char key[LS_RNG_KEYBYTES])
{
	assert(r != NULL && key != NULL);
	need_sodium();
	memmove(r->key, key, LS_RNG_KEYBYTES);
	r->counter = 0;
	r->pos = LS_RNG_BUF;
}

void ls_rng_child(ls_rng *child, const ls_rng *parent, uint64_t entity, const char *purpose)
{
	assert(child != NULL && parent != NULL && purpose != NULL);
	need_sodium();
	unsigned char key[LS_RNG_KEYBYTES];
	derive_key(key, parent->key, entity, purpose);
	ls_rng_init_key(child, key);
	sodium_memzero(key, sizeof key);
}

void ls_rng_fini(ls_rng *r)
{
	if (r != NULL)
		sodium_memzero(r, sizeof *r);
}

/* --------------------------------------------------------------- raw output */

static void keystream(ls_rng *r, unsigned char *out, const unsigned char *zeros, size_t n)
{
	if (crypto_stream_chacha20_xor_ic(out, zeros, n, zero_nonce, r->counter, r->key) != 0)
		fatal("ChaCha20 failed while generating a random stream");
	r->counter += n / CHACHA_BLOCK;
}

static void refill(ls_rng *r)
{
	keystream(r, r->buf, zero_block, LS_RNG_BUF);
	r->pos = 0;
}

void ls_rng_bytes(ls_rng *r, void *out, size_t n)
{
	assert(r != NULL && (out != NULL || n == 0));
	unsigned char *o = out;
	while (n > 0) {
		if (r->pos == LS_RNG_BUF) {
			if (n >= LS_RNG_BUF) {
				/* Whole buffers go straight to the caller: same keystream, no copy. */
				size_t direct = n - n % LS_RNG_BUF;
				memset(o, 0, direct);
				keystream(r, o, o, direct);
				o += direct;
				n -= direct;
				continue;
			}
			refill(r);
		}
		size_t take = LS_RNG_BUF - r->pos;
		if (take > n)
			take = n;
		memcpy(o, r->buf + r->pos, take);
		r->pos += take;
		o += take;
		n -= take;
	}
}

uint64_t ls_rng_u64(ls_rng *r)
{
	if (r->pos <= LS_RNG_BUF - 8) {
		uint64_t v = load_le64(r->buf + r->pos);
		r->pos += 8;
		return v;
	}
	unsigned char b[8];
	ls_rng_bytes(r, b, sizeof b);
	return load_le64(b);
}

uint32_t ls_rng_u32(ls_rng *r)
{
	if (r->pos <= LS_RNG_BUF - 4) {
		uint32_t v = load_le32(r->buf + r->pos);
		r->pos += 4;
		return v;
	}
	unsigned char b[4];
	ls_rng_bytes(r, b, sizeof b);
	return load_le32(b);
}

/* ------------------------------------------------------------------ uniform */

/*
 * Lemire's multiply-shift: the high word of x * n is in [0, n). Accepting only
 * x whose low word is >= 2^64 mod n leaves exactly floor(2^64 / n) values of x
 * for every result, so there is no bias; the division runs only when the low
 * word is small enough to need the check.
 */
uint64_t ls_rng_below(ls_rng *r, uint64_t n)
{
	assert(n > 0);
	uint64_t lo;
	uint64_t hi = mul_wide(ls_rng_u64(r), n, &lo);
	if (lo < n) {
		uint64_t threshold = (0 - n) % n;
		while (lo < threshold)
			hi = mul_wide(ls_rng_u64(r), n, &lo);
	}
	return hi;
}

int64_t ls_rng_range(ls_rng *r, int64_t lo, int64_t hi)
{
	assert(lo <= hi);
	uint64_t span = (uint64_t)hi - (uint64_t)lo;
	uint64_t off = span == UINT64_MAX ? ls_rng_u64(r) : ls_rng_below(r, span + 1);
	return u64_to_i64((uint64_t)lo + off);
}

double ls_rng_double(ls_rng *r)
{
	return (double)(ls_rng_u64(r) >> 11) * 0x1.0p-53;
}

bool ls_rng_bernoulli(ls_rng *r, double p)
{
	assert(p >= 0.0 && p <= 1.0);
	return ls_rng_double(r) < p;
}

/* --------------------------------------------------------------- continuous */

/*
 * Marsaglia's polar method. It yields two independent normals per accepted
 * point; the second is dropped so that a stream never carries hidden state
 * beyond its position.
 */
double ls_rng_normal(ls_rng *r, double mean, double sd)
{
	assert(isfinite(mean) && sd >= 0.0 && isfinite(sd));
	double u, v, s;
	do {
		u = 2.0 * ls_rng_double(r) - 1.0;
		v = 2.0 * ls_rng_double(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return mean + sd * (u * sqrt(-2.0 * log(s) / s));
}

double ls_rng_lognormal(ls_rng *r, double mu, double sigma)
{
	return exp(ls_rng_normal(r, mu, sigma));
}

/* Inversion; 1 - U is in (0, 1], so the logarithm is finite. */
double ls_rng_exponential(ls_rng *r, double rate)
{
	assert(rate > 0.0 && isfinite(rate));
	return -log1p(-ls_rng_double(r)) / rate;
}

/* Inversion: xm * (1 - U)^(-1/alpha) with 1 - U in (0, 1], hence >= xm. */
double ls_rng_pareto(ls_rng *r, double xm, double alpha)
{
	assert(xm > 0.0 && isfinite(xm) && alpha > 0.0 && isfinite(alpha));
	return xm * exp(-log1p(-ls_rng_double(r)) / alpha);
}

/* ----------------------------------------------------------------- discrete */

/* (e^t - 1) / t and log(1 + t) / t, both 1 at t = 0 (the s == 1 case). */
static double expm1_over(double t)
{
	return t == 0.0 ? 1.0 : expm1(t) / t;
}

static double log1p_over(double t)
{
	return t == 0.0 ? 1.0 : log1p(t) / t;
}

/* hat density of the Zipf sampler: h(x) = x^-s */
static double zipf_h(double x, double s)
{
	return exp(-s * log(x));
}

/* H(x) = integral of h from 1 to x: (x^(1-s) - 1) / (1 - s), log x at s = 1. */
static double zipf_hint(double x, double s)
{
	double lx = log(x);
	return expm1_over((1.0 - s) * lx) * lx;
}

/*
 * The inverse of H. Rounding can push (1 - s) y just below -1 at the very top
 * of the range; clamping there maps it to +inf, which the caller treats as n.
 */
static double zipf_hint_inv(double y, double s)
{
	double t = (1.0 - s) * y;
	if (t < -1.0)
		t = -1.0;
	return exp(log1p_over(t) * y);
}

/*
 * Rejection-inversion (W. Hoermann, G. Derflinger, "Rejection-inversion to
 * generate variates from monotone discrete distributions", 1996). Because h is
 * convex, the area under h over [k - 1/2, k + 1/2] is at least h(k), so the
 * interval [H(k + 1/2) - h(k), H(k + 1/2)] of length h(k) fits inside the
 * slice of [H(3/2) - h(1), H(n + 1/2)] that inverts to k. Draw u uniformly on
 * that range, invert, round to k, and accept when u falls in k's interval:
 * P(k) is then exactly proportional to h(k). The squeeze k - x <= sq
 * (sq = 2 - H^-1(H(5/2) - h(2))) accepts most draws without evaluating H.
 */
uint64_t ls_rng_zipf(ls_rng *r, uint64_t n, double s)
{
	assert(n >= 1 && s > 0.0 && isfinite(s));
	double nd = (double)n;
	double lo = zipf_hint(1.5, s) - 1.0;
	double hi = zipf_hint(nd + 0.5, s);
	double sq = 2.0 - zipf_hint_inv(zipf_hint(2.5, s) - zipf_h(2.0, s), s);
	for (;;) {
		double u = hi + ls_rng_double(r) * (lo - hi);
		double x = zipf_hint_inv(u, s);
		uint64_t k;
		if (!(x + 0.5 < nd))
			k = n; /* also catches +inf */
		else
			k = (uint64_t)(x + 0.5); /* x > 0, so this is round-half-up */
		if (k < 1)
			k = 1;
		if (k > n)
			k = n;
		double kd = (double)k;
		if (kd - x <= sq || u >= zipf_hint(kd + 0.5, s) - zipf_h(kd, s))
			return k;
	}
}

/*
 * PTRS, "transformed rejection with squeeze" (W. Hoermann, "The transformed
 * rejection method for generating Poisson random variables", 1993), for
 * lambda >= 10. The constants are the paper's.
 */
static uint64_t poisson_ptrs(ls_rng *r, double lambda)
{
	double slam = sqrt(lambda);
	double loglam = log(lambda);
	double b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b;
	double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
	double v_r = 0.9277 - 3.6224 / (b - 2.0);
	for (;;) {
		double u = ls_rng_double(r) - 0.5;
		double v = ls_rng_double(r);
		double us = 0.5 - fabs(u);
		double k = floor((2.0 * a / us + b) * u + lambda + 0.43);
		/* The bound keeps the conversion below defined even for absurd tails. */
		if (!(k >= 0.0 && k < 0x1p64))
			continue;
		if (us >= 0.07 && v <= v_r)
			return (uint64_t)k;
		if (us < 0.013 && v > us)
			continue;
		double lhs = log(v) + log(inv_alpha) - log(a / (us * us) + b);
		if (lhs <= -lambda + k * loglam - lgamma(k + 1.0))
			return (uint64_t)k;
	}
}

uint64_t ls_rng_poisson(ls_rng *r, double lambda)
{
	assert(lambda >= 0.0 && lambda <= 0x1p53);
	if (lambda >= 10.0)
		return poisson_ptrs(r, lambda);
	/* Multiplication: the number of uniforms whose running product stays
	 * above e^-lambda. Expected lambda + 1 draws. */
	double limit = exp(-lambda);
	double prod = ls_rng_double(r);
	uint64_t k = 0;
	while (prod > limit) {
		k++;
		prod *= ls_rng_double(r);
	}
	return k;
}

size_t ls_rng_weighted(ls_rng *r, const double *w, size_t n)
{
	assert(w != NULL && n > 0);
	double total = 0.0;
	for (size_t i = 0; i < n; i++) {
		assert(w[i] >= 0.0 && isfinite(w[i]));
		total += w[i];
	}
	assert(total > 0.0 && isfinite(total));
	double target = ls_rng_double(r) * total;
	double cum = 0.0;
	size_t last = 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i] > 0.0) {
			cum += w[i];
			last = i;
			if (target < cum)
				return i;
		}
	}
	/* Rounding put the target at the very top: the last positive weight. */
	return last;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	unsigned char tmp[64];
	while (size > 0) {
		size_t m = size < sizeof tmp ? size : sizeof tmp;
		memcpy(tmp, a, m);
		memcpy(a, b, m);
		memcpy(b, tmp, m);
		a += m;
		b += m;
		size -= m;
	}
}

void ls_rng_shuffle(ls_rng *r, void *base, size_t n, size_t size)
{
	assert(base != NULL || n == 0);
	unsigned char *p = base;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)ls_rng_below(r, i);
		if (j != i - 1)
			swap_bytes(p + j * size, p + (i - 1) * size, size);
	}
}
