/*
 * rng.h - deterministic random streams derived from (seed, entity, purpose).
 *
 * Every random choice in the simulator draws from its own stream, named by the
 * run's seed, the entity that makes the choice (a person, a host, a job) and
 * the purpose of the choice ("schedule", "logon", ...). Streams never share
 * state, so adding one person or one extra draw somewhere changes nobody
 * else's behaviour, and any stream can be rebuilt on its own in any shard.
 *
 * Derivation (a stable format: changing it changes every dataset):
 *
 *   master = BLAKE2b-256("leaksim/rng/v1" || le64(seed))        (unkeyed)
 *   key    = BLAKE2b-256(key: master; le64(entity) || purpose)
 *   stream = ChaCha20(key, nonce 0, block counter from 0) over zero bytes
 *
 * BLAKE2b-256 is libsodium's crypto_generichash with a 32-byte output, the tag
 * is its 14 ASCII bytes, purpose is its bytes without the NUL, and le64 is 8
 * little-endian bytes. ChaCha20 is the original construction (64-bit nonce,
 * 64-bit block counter: crypto_stream_chacha20), so the stream is exactly that
 * keystream. ls_rng_child uses the same second step with the parent's key as
 * master.
 *
 * The stream is read front to back with no gaps: ls_rng_bytes returns its
 * next bytes, ls_rng_u64 its next 8 and ls_rng_u32 its next 4, read
 * little-endian; every sampler is built on ls_rng_u64 (ls_rng_double uses its
 * top 53 bits). Keystream is produced LS_RNG_BUF bytes at a time, which does
 * not affect the values. How many values each sampler consumes is part of the
 * format too, since it moves the stream: every call draws at least one value
 * (zipf with n == 1, poisson with lambda == 0 and bernoulli with p == 0 or 1
 * included), except shuffles of fewer than two elements, which draw none.
 *
 * The floating-point samplers use libm (log, exp, sqrt, expm1, log1p, lgamma);
 * their bits are pinned by tests on glibc/x86-64 and may differ in the last
 * place on another libm, which can also flip an integer zipf/poisson outcome.
 *
 * Invalid arguments (n == 0, a negative deviation, NaN, ...) are programmer
 * errors and fail an assert(). A stream is not thread-safe; give each thread
 * its own. Ownership: ls_rng is a caller-owned struct holding secret-grade key
 * material; ls_rng_fini wipes it. Nothing here allocates.
 */
#ifndef LS_CORE_RNG_H
#define LS_CORE_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keystream bytes generated per refill (a multiple of the 64-byte block). */
#define LS_RNG_BUF 512

/* Length of a stream key (a ChaCha20 key). */
#define LS_RNG_KEYBYTES 32

typedef struct ls_rng {
	unsigned char key[LS_RNG_KEYBYTES];
	uint64_t counter; /* ChaCha20 block number of the next refill */
	size_t pos;       /* next unread byte of buf; LS_RNG_BUF = empty */
	unsigned char buf[LS_RNG_BUF];
} ls_rng;

/* ---------------------------------------------------------------- set-up */

/* Start the stream for (seed, entity, purpose); purpose is a NUL-terminated
 * name (may be empty, not NULL). */
void ls_rng_init(ls_rng *r, uint64_t seed, uint64_t entity, const char *purpose);
/* Start the stream whose ChaCha20 key is `key` (a raw stream key). */
void ls_rng_init_key(ls_rng *r, const unsigned char key[LS_RNG_KEYBYTES]);
/*
 * Derive a child stream from the parent's key, not its position: the result
 * is the same however much was drawn from parent. child may be parent.
 */
void ls_rng_child(ls_rng *child, const ls_rng *parent, uint64_t entity, const char *purpose);
/* Wipe the key and buffered keystream. Accepts NULL. */
void ls_rng_fini(ls_rng *r);

/* ------------------------------------------------------------- raw output */

/* The next n bytes of the keystream. */
void ls_rng_bytes(ls_rng *r, void *out, size_t n);
/* The next 8 bytes, little-endian. */
uint64_t ls_rng_u64(ls_rng *r);
/* The next 4 bytes, little-endian. */
uint32_t ls_rng_u32(ls_rng *r);

/* ---------------------------------------------------------------- uniform */

/* Uniform in [0, n), n > 0, exactly unbiased (Lemire's multiply-shift with
 * rejection): usually one u64, more only when a draw is rejected. */
uint64_t ls_rng_below(ls_rng *r, uint64_t n);
/* Uniform in [lo, hi] inclusive, lo <= hi; the full int64 range works. */
int64_t ls_rng_range(ls_rng *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1) on the grid k * 2^-53 (one u64 per call). */
double ls_rng_double(ls_rng *r);
/* true with probability p, 0 <= p <= 1 (p = 0 never, p = 1 always). */
bool ls_rng_bernoulli(ls_rng *r, double p);

/* ----------------------------------------------------------- continuous */

/* Normal(mean, sd), sd >= 0; Marsaglia's polar method, no value is cached. */
double ls_rng_normal(ls_rng *r, double mean, double sd);
/* exp(Normal(mu, sigma)), sigma >= 0: median e^mu. */
double ls_rng_lognormal(ls_rng *r, double mu, double sigma);
/* Exponential with rate > 0 (mean 1/rate), >= 0. */
double ls_rng_exponential(ls_rng *r, double rate);
/* Pareto (type I) with scale xm > 0 and shape alpha > 0: support [xm, inf). */
double ls_rng_pareto(ls_rng *r, double xm, double alpha);

/* ------------------------------------------------------------- discrete */

/*
 * Zipf rank in [1, n] with P(k) proportional to k^-s, n >= 1, s > 0 (s == 1
 * included). Rejection-inversion (Hoermann & Derflinger 1996): O(1) expected
 * time for any n.
 */
uint64_t ls_rng_zipf(ls_rng *r, uint64_t n, double s);
/*
 * Poisson(lambda), 0 <= lambda <= 2^53. Multiplication method below 10,
 * transformed rejection (Hoermann's PTRS) from 10 up.
 */
uint64_t ls_rng_poisson(ls_rng *r, double lambda);
/*
 * Index i in [0, n) with probability w[i] / sum(w): with t = U * sum(w), the
 * i whose running sum satisfies before(i) <= t < before(i) + w[i]. Weights
 * are finite and >= 0 with a positive sum; a zero weight is never chosen.
 * O(n) per call (one double); build an alias table for hot, wide choices.
 */
size_t ls_rng_weighted(ls_rng *r, const double *w, size_t n);
/* Shuffle n elements of `size` bytes in place, uniformly (Fisher-Yates from
 * the end: for i = n-1 down to 1, swap element i with ls_rng_below(i + 1)). */
void ls_rng_shuffle(ls_rng *r, void *base, size_t n, size_t size);

#endif
