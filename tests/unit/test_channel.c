/*
 * test_channel.c - unit tests for sim/channel: the messenger's wire model and
 * the real framing it models.
 *
 * The central claim is "model equals reality": for files of many sizes, the
 * frames sim_channel_encrypt_file really produces have exactly the lengths
 * the model gives, part by part, and the per-session byte counts of a plan
 * are the handshake plus the records of exactly the frames dealt to that
 * session. Around it: the part-size ladder at every boundary, the decoder's
 * strictness (every tampered, truncated, reordered or incomplete stream is
 * rejected with a located error and leaves no plaintext behind), recovering
 * a file's size from upstream bytes, and the bot API request text.
 *
 * File contents come from libsodium's deterministic generator, so every run
 * uses the same bytes (the secretstream headers are random by design).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/str.h"
#include "sim/channel.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

/* ---------------------------------------------------------------- helpers */

static unsigned char test_key[32];

static int setup_all(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < 32; i++)
		test_key[i] = (unsigned char)i;
	return 0;
}

/* n deterministic bytes named by `seed`; the caller frees them. */
static unsigned char *file_bytes(size_t n, unsigned seed)
{
	unsigned char s[randombytes_SEEDBYTES] = { 0 };
	memcpy(s, &seed, sizeof seed);
	unsigned char *p = ls_xmalloc(n ? n : 1);
	randombytes_buf_deterministic(p, n, s);
	return p;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Split an encoder's output into frames by their length fields: offsets of
 * up to `max` frames in off[], their lengths in flen[]; returns the count. */
static size_t split_frames(const ls_buf *b, size_t *off, uint64_t *flen, size_t max)
{
	size_t pos = 0, n = 0;
	const unsigned char *p = (const unsigned char *)b->data;
	while (pos < b->len) {
		assert_true(b->len - pos >= SIM_CHANNEL_FRAME_HEADER);
		assert_true(n < max);
		uint64_t l = SIM_CHANNEL_FRAME_HEADER + (uint64_t)be32(p + pos + 24);
		off[n] = pos;
		flen[n] = l;
		n++;
		pos += (size_t)l;
	}
	assert_int_equal(pos, b->len);
	return n;
}

/* Encrypt data, or fail the test. */
static void encrypt_ok(const unsigned char *data, size_t len, uint64_t id, ls_buf *out)
{
	assert_int_equal(sim_channel_encrypt_file(test_key, id, data, len, out), LS_OK);
}

/* The decoder must reject `frames`, with a located diagnostic, and leave the
 * output buffer exactly as it was. */
static void expect_reject(const unsigned char *frames, size_t len, const char *what)
{
	ls_buf out = LS_BUF_INIT;
	ls_buf_append(&out, "keep", 4);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = sim_channel_decrypt_frames(test_key, frames, len, &out, &d);
	if (e == LS_OK)
		fail_msg("decoder accepted %s", what);
	if (e != LS_ERR_PARSE && e != LS_ERR_CRYPTO)
		fail_msg("%s: unexpected error %d", what, (int)e);
	assert_int_equal(d.err, e);
	assert_true(d.col >= 1 && d.col <= len + 1);
	assert_true(d.message[0] != '\0');
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);
	ls_buf_fini(&out);
}

static ls_err decrypt(const ls_buf *frames, ls_buf *plain, ls_diag *d)
{
	return sim_channel_decrypt_frames(test_key, (const unsigned char *)frames->data,
	                                  frames->len, plain, d);
}

/* ------------------------------------------------------------- the ladder */

static void test_ladder_boundaries(void **state)
{
	(void)state;
	const struct {
		uint64_t size;
		uint32_t part, parts;
	} cases[] = {
		{ 0, 32 * KIB, 1 },
		{ 1, 32 * KIB, 1 },
		{ 32 * KIB, 32 * KIB, 1 },
		{ 32 * KIB + 1, 32 * KIB, 2 },
		{ MIB - 1, 32 * KIB, 32 },
		{ MIB, 64 * KIB, 16 },
		{ MIB + 1, 64 * KIB, 17 },
		{ (uint64_t)32 * MIB, 64 * KIB, 512 },
		{ (uint64_t)32 * MIB + 1, 128 * KIB, 257 },
		{ (uint64_t)4000 * 128 * KIB, 128 * KIB, 4000 },
		{ (uint64_t)4000 * 128 * KIB + 1, 256 * KIB, 2001 },
		{ (uint64_t)4000 * 256 * KIB, 256 * KIB, 4000 },
		{ (uint64_t)4000 * 256 * KIB + 1, 512 * KIB, 2001 },
		{ SIM_CHANNEL_MAX_FILE, 512 * KIB, 4000 },
		{ SIM_CHANNEL_MAX_FILE + 1, 0, 0 },
		{ UINT64_MAX, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (sim_channel_part_size(cases[i].size) != cases[i].part ||
		    sim_channel_part_count(cases[i].size) != cases[i].parts)
			fail_msg("size %llu: part %u x %u, want %u x %u",
			         (unsigned long long)cases[i].size,
			         sim_channel_part_size(cases[i].size),
			         sim_channel_part_count(cases[i].size), cases[i].part,
			         cases[i].parts);
	}
	assert_int_equal(SIM_CHANNEL_MAX_FILE, 2097152000ull);
}

/* Over random sizes: at most 4,000 parts, and above 32 MiB the part size is
 * the smallest that achieves it. */
static void test_ladder_property(void **state)
{
	(void)state;
	unsigned char seed[randombytes_SEEDBYTES] = { 'l', 'a', 'd' };
	uint64_t r[20000];
	randombytes_buf_deterministic(r, sizeof r, seed);
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		/* Half spread over the whole range, half below 40 MiB. */
		uint64_t size = i % 2 ? r[i] % (SIM_CHANNEL_MAX_FILE + 1) : r[i] % (40ull * MIB);
		uint32_t ps = sim_channel_part_size(size);
		uint32_t n = sim_channel_part_count(size);
		assert_true(n >= 1 && n <= SIM_CHANNEL_MAX_PARTS);
		assert_true((uint64_t)n * ps >= size && (uint64_t)(n - 1) * ps < (size ? size : 1));
		if (size < MIB)
			assert_int_equal(ps, 32 * KIB);
		else if (size <= 32ull * MIB)
			assert_int_equal(ps, 64 * KIB);
		else if (ps > 128 * KIB)
			assert_true((size + ps / 2 - 1) / (ps / 2) > SIM_CHANNEL_MAX_PARTS);
	}
}

/* ------------------------------------------------------ model and reality */

/* Encrypt a file of `size` bytes, check every frame's length against the
 * model, every plan's sessions against the frames dealt to them, and decrypt
 * it back. */
static void check_model_equals_reality(size_t size, unsigned seed)
{
	unsigned char *data = file_bytes(size, seed);
	ls_buf frames = LS_BUF_INIT, plain = LS_BUF_INIT;
	encrypt_ok(data, size, 0x0123456789abcdefull + size, &frames);

	uint32_t parts = sim_channel_part_count(size);
	size_t *off = ls_xcalloc(parts + 1, sizeof *off);
	uint64_t *flen = ls_xcalloc(parts + 1, sizeof *flen);
	size_t n = split_frames(&frames, off, flen, parts + 1);
	assert_int_equal(n, parts);
	assert_int_equal(frames.len, sim_channel_file_frames_bytes(size));
	for (uint32_t i = 0; i < parts; i++)
		if (flen[i] != sim_channel_frame_bytes(size, i))
			fail_msg("size %zu part %u: frame %llu bytes, model %llu", size, i,
			         (unsigned long long)flen[i],
			         (unsigned long long)sim_channel_frame_bytes(size, i));
	assert_int_equal(sim_channel_frame_bytes(size, parts), 0);

	for (uint32_t k = 1; k <= SIM_CHANNEL_MAX_SESSIONS; k++) {
		sim_channel_upload u;
		assert_int_equal(sim_channel_plan_upload(size, k, &u), LS_OK);
		assert_int_equal(u.parts, parts);
		assert_int_equal(u.part_size, sim_channel_part_size(size));
		assert_int_equal(u.nsessions, k < parts ? k : parts);
		uint64_t up[SIM_CHANNEL_MAX_SESSIONS] = { 0 },
		         down[SIM_CHANNEL_MAX_SESSIONS] = { 0 };
		uint32_t cnt[SIM_CHANNEL_MAX_SESSIONS] = { 0 };
		for (uint32_t i = 0; i < parts; i++) {
			uint32_t j = i % u.nsessions;
			up[j] += SIM_CHANNEL_RECORD_OVERHEAD + flen[i];
			down[j] += SIM_CHANNEL_ACK;
			cnt[j]++;
		}
		uint64_t ut = 0, dt = 0;
		for (uint32_t j = 0; j < SIM_CHANNEL_MAX_SESSIONS; j++) {
			if (j < u.nsessions) {
				up[j] += SIM_CHANNEL_HELLO_UP;
				down[j] += SIM_CHANNEL_HELLO_DOWN;
			}
			assert_int_equal(u.session[j].parts, cnt[j]);
			assert_int_equal(u.session[j].up_bytes, up[j]);
			assert_int_equal(u.session[j].down_bytes, down[j]);
			ut += up[j];
			dt += down[j];
		}
		assert_int_equal(u.up_total, ut);
		assert_int_equal(u.down_total, dt);
	}

	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = decrypt(&frames, &plain, &d);
	if (e != LS_OK)
		fail_msg("size %zu: decrypt: %s (col %lu)", size, d.message, d.col);
	assert_int_equal(plain.len, size);
	if (size)
		assert_memory_equal(plain.data, data, size);

	free(off);
	free(flen);
	free(data);
	ls_buf_fini(&frames);
	ls_buf_fini(&plain);
}

static void test_model_equals_reality_small(void **state)
{
	(void)state;
	const size_t sizes[] = { 0,
		                 1,
		                 15,
		                 16,
		                 17,
		                 31,
		                 32,
		                 255,
		                 4096,
		                 32 * KIB - 1,
		                 32 * KIB,
		                 32 * KIB + 1,
		                 32 * KIB + 16,
		                 64 * KIB,
		                 100000,
		                 MIB - 1 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		check_model_equals_reality(sizes[i], (unsigned)i);
}

static void test_model_equals_reality_large(void **state)
{
	(void)state;
	const size_t sizes[] = {
		MIB,             /* first 64 KiB file */
		MIB + 7,         /* short last part */
		3 * MIB + 12345, /* a few MiB */
		5 * MIB,         /* last part exactly full */
		32 * MIB + 1,    /* first 128 KiB file: a 1-byte last part */
		33 * MIB + 5,    /* 128 KiB parts, 265 of them */
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		check_model_equals_reality(sizes[i], 100 + (unsigned)i);
}

/* docs/messenger.md's worked example, number for number. */
static void test_worked_example(void **state)
{
	(void)state;
	sim_channel_upload u;
	assert_int_equal(sim_channel_plan_upload(10000000, 4, &u), LS_OK);
	assert_int_equal(u.part_size, 65536);
	assert_int_equal(u.parts, 153);
	assert_int_equal(u.nsessions, 4);
	assert_int_equal(u.session[0].parts, 39);
	assert_int_equal(u.session[0].up_bytes, 2531751);
	assert_int_equal(u.session[0].down_bytes, 1400);
	for (int j = 1; j < 4; j++) {
		assert_int_equal(u.session[j].parts, 38);
		assert_int_equal(u.session[j].up_bytes, 2493118);
		assert_int_equal(u.session[j].down_bytes, 1368);
	}
	assert_int_equal(u.up_total, 10011105);
	assert_int_equal(u.down_total, 5504);
	assert_int_equal(sim_channel_file_frames_bytes(10000000), 10000000 + 16 + 24 + 153 * 45);
	uint64_t lo, hi;
	assert_int_equal(sim_channel_estimate_file_size(u.up_total, 4, &lo, &hi), LS_OK);
	assert_int_equal(lo, 10000000);
	assert_int_equal(hi, 10000015);
	assert_int_equal(sim_channel_estimate_file_size(u.up_total, 0, &lo, &hi), LS_OK);
	assert_int_equal(lo, 9998880);
	assert_int_equal(hi, 10000575);

	/* The same file over the bot API path. */
	sim_channel_bot_upload b;
	assert_int_equal(
	        sim_channel_plan_bot_upload(10000000, "api.telegram.org", "members.zip", &b),
	        LS_OK);
	assert_int_equal(b.http_request_bytes, 10000581);
	assert_int_equal(b.connect_request_bytes, 105);
	assert_int_equal(b.tls_records_up, 611);
	assert_int_equal(b.tunnel_up_bytes, 10014604);
	assert_int_equal(b.tunnel_down_bytes, 4246);
	assert_int_equal(b.up_bytes, 10014709);
	assert_int_equal(b.down_bytes, 4285);
}

static void test_plan_rejects(void **state)
{
	(void)state;
	sim_channel_upload u;
	memset(&u, 0xaa, sizeof u);
	assert_int_equal(sim_channel_plan_upload(1000, 0, &u), LS_ERR_RANGE);
	assert_int_equal(u.up_total, 0);
	assert_int_equal(sim_channel_plan_upload(1000, SIM_CHANNEL_MAX_SESSIONS + 1, &u),
	                 LS_ERR_RANGE);
	assert_int_equal(sim_channel_plan_upload(SIM_CHANNEL_MAX_FILE + 1, 4, &u), LS_ERR_RANGE);
	assert_int_equal(u.parts, 0);
	assert_int_equal(sim_channel_file_frames_bytes(SIM_CHANNEL_MAX_FILE + 1), 0);

	/* The largest file: 4,000 parts over 8 sessions of 500 each. */
	assert_int_equal(sim_channel_plan_upload(SIM_CHANNEL_MAX_FILE, 8, &u), LS_OK);
	assert_int_equal(u.parts, 4000);
	for (int j = 0; j < 8; j++)
		assert_int_equal(u.session[j].parts, 500);
	assert_int_equal(u.up_total,
	                 SIM_CHANNEL_MAX_FILE + 8 * SIM_CHANNEL_HELLO_UP + 24 + 4000 * 65 + 16);

	/* Fewer parts than sessions asked for: no empty sessions. */
	assert_int_equal(sim_channel_plan_upload(100, 8, &u), LS_OK);
	assert_int_equal(u.nsessions, 1);
	assert_int_equal(u.session[1].up_bytes, 0);
	assert_int_equal(u.up_total, SIM_CHANNEL_HELLO_UP + SIM_CHANNEL_RECORD_OVERHEAD +
	                                     sim_channel_frame_bytes(100, 0));

	/* The encoder refuses a file over the limit before reading it. */
	ls_buf b = LS_BUF_INIT;
	unsigned char one = 0;
	assert_int_equal(sim_channel_encrypt_file(test_key, 1, &one, SIM_CHANNEL_MAX_FILE + 1, &b),
	                 LS_ERR_RANGE);
	assert_int_equal(b.len, 0);
	ls_buf_fini(&b);
}

/* Each session is almost purely upstream. */
static void test_sessions_upstream(void **state)
{
	(void)state;
	const uint64_t sizes[] = { MIB, 10 * MIB, 300 * MIB, SIM_CHANNEL_MAX_FILE };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		sim_channel_upload u;
		assert_int_equal(sim_channel_plan_upload(sizes[i], 6, &u), LS_OK);
		for (uint32_t j = 0; j < u.nsessions; j++)
			assert_true(u.session[j].up_bytes > 100 * u.session[j].down_bytes);
	}
}

/* ---------------------------------------------------------- chat messages */

static void test_messages(void **state)
{
	(void)state;
	const size_t sizes[] = { 0, 1, 255, 256, 257, 1000, SIM_CHANNEL_MESSAGE_MAX };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i];
		unsigned char *text = file_bytes(n, 900 + (unsigned)i);
		ls_buf frame = LS_BUF_INIT, plain = LS_BUF_INIT;
		assert_int_equal(sim_channel_encrypt_message(test_key, 77, text, n, &frame), LS_OK);
		assert_int_equal(frame.len, sim_channel_message_frame_bytes(n));
		assert_int_equal(frame.len, 28 + 24 + (n / 256 + 1) * 256 + 17);
		ls_diag d;
		assert_int_equal(decrypt(&frame, &plain, &d), LS_OK);
		assert_int_equal(plain.len, n);
		if (n)
			assert_memory_equal(plain.data, text, n);

		uint64_t up, down, rup, rdown;
		sim_channel_message_bytes(n, &up, &down);
		sim_channel_message_recv_bytes(n, &rup, &rdown);
		assert_int_equal(up, SIM_CHANNEL_RECORD_OVERHEAD + frame.len);
		assert_int_equal(down, SIM_CHANNEL_ACK);
		assert_int_equal(rdown, up);
		assert_int_equal(rup, down);
		free(text);
		ls_buf_fini(&frame);
		ls_buf_fini(&plain);
	}
	ls_buf b = LS_BUF_INIT;
	unsigned char big[SIM_CHANNEL_MESSAGE_MAX + 1] = { 0 };
	assert_int_equal(sim_channel_encrypt_message(test_key, 1, big, sizeof big, &b),
	                 LS_ERR_RANGE);
	ls_buf_fini(&b);

	uint64_t up, down;
	sim_channel_file_message_bytes(12, &up, &down);
	assert_int_equal(up, 20 + 28 + 24 + 256 + 17);
	assert_int_equal(down, SIM_CHANNEL_ACK);
}

/* -------------------------------------------------------------- tampering */

/* Flip every bit of every byte of a one-part file and a one-frame message. */
static void test_tamper_every_byte_single_frame(void **state)
{
	(void)state;
	unsigned char *data = file_bytes(100, 7);
	ls_buf f = LS_BUF_INIT, m = LS_BUF_INIT;
	encrypt_ok(data, 100, 5, &f);
	assert_int_equal(sim_channel_encrypt_message(test_key, 6, data, 40, &m), LS_OK);
	const ls_buf *bufs[2] = { &f, &m };
	for (int b = 0; b < 2; b++) {
		unsigned char *copy = ls_xmalloc(bufs[b]->len);
		for (size_t i = 0; i < bufs[b]->len; i++) {
			for (int bit = 0; bit < 8; bit++) {
				memcpy(copy, bufs[b]->data, bufs[b]->len);
				copy[i] ^= (unsigned char)(1u << bit);
				expect_reject(copy, bufs[b]->len, "a flipped bit");
			}
		}
		free(copy);
	}
	free(data);
	ls_buf_fini(&f);
	ls_buf_fini(&m);
}

/* A three-part file: every header byte of every frame, the stream header,
 * the start and end of each ciphertext and a stride through the rest. */
static void test_tamper_multipart(void **state)
{
	(void)state;
	size_t size = 70000;
	unsigned char *data = file_bytes(size, 8);
	ls_buf f = LS_BUF_INIT;
	encrypt_ok(data, size, 9, &f);
	size_t off[4];
	uint64_t flen[4];
	assert_int_equal(split_frames(&f, off, flen, 4), 3);
	unsigned char *copy = ls_xmalloc(f.len);
	memcpy(copy, f.data, f.len);
	size_t flips = 0;
	for (size_t i = 0; i < f.len; i++) {
		size_t rel = 0;
		for (int k = 0; k < 3; k++)
			if (i >= off[k])
				rel = i - off[k];
		bool pick = rel < 28 + 24 + 8 || (i % 997) == 0 || i + 20 > f.len ||
		            (i + 1 < f.len && (i + 1 == off[1] || i + 1 == off[2]));
		if (!pick)
			continue;
		copy[i] ^= 0x41;
		expect_reject(copy, f.len, "a flipped byte");
		copy[i] ^= 0x41;
		flips++;
	}
	assert_true(flips > 200);
	free(copy);
	free(data);
	ls_buf_fini(&f);
}

static void test_truncation(void **state)
{
	(void)state;
	unsigned char *data = file_bytes(70000, 10);
	ls_buf f = LS_BUF_INIT, s = LS_BUF_INIT;
	encrypt_ok(data, 70000, 11, &f);
	encrypt_ok(data, 33, 12, &s);
	/* Every prefix of the small file, and of the large one around its frame
	 * boundaries and on a stride. */
	for (size_t n = 0; n < s.len; n++)
		expect_reject((const unsigned char *)s.data, n, "a truncated file");
	size_t off[4];
	uint64_t flen[4];
	split_frames(&f, off, flen, 4);
	for (size_t n = 0; n < f.len; n++) {
		bool near = false;
		for (int k = 0; k < 3; k++)
			if (n + 40 >= off[k] && n <= off[k] + 60)
				near = true;
		if (near || n % 1499 == 0 || n + 40 > f.len)
			expect_reject((const unsigned char *)f.data, n, "a truncated file");
	}
	free(data);
	ls_buf_fini(&f);
	ls_buf_fini(&s);
}

static void test_reorder_drop_duplicate(void **state)
{
	(void)state;
	unsigned char *data = file_bytes(70000, 13);
	ls_buf f = LS_BUF_INIT, x = LS_BUF_INIT, g = LS_BUF_INIT;
	encrypt_ok(data, 70000, 14, &f);
	encrypt_ok(data, 70000, 15, &g);
	size_t off[4];
	uint64_t len[4];
	split_frames(&f, off, len, 4);
	const char *p = f.data;
	const int orders[][4] = {
		{ 1, 0, 2, -1 }, /* first two swapped */
		{ 0, 2, 1, -1 }, /* last two swapped */
		{ 0, 1, -1 },    /* final part dropped */
		{ 0, 2, -1 },    /* middle part dropped */
		{ 1, 2, -1 },    /* first part dropped */
		{ 0, 1, 1, 2 },  /* a part duplicated */
		{ 0, 1, 2, 2 },  /* the final part duplicated */
		{ 2, -1 },       /* only the final part */
	};
	for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
		ls_buf_reset(&x);
		for (int k = 0; k < 4 && orders[o][k] >= 0; k++)
			ls_buf_append(&x, p + off[orders[o][k]], (size_t)len[orders[o][k]]);
		expect_reject((const unsigned char *)x.data, x.len, "a reordered stream");
	}
	/* Two files back to back; the same parts under another file's stream. */
	ls_buf_reset(&x);
	ls_buf_append(&x, f.data, f.len);
	ls_buf_append(&x, g.data, g.len);
	expect_reject((const unsigned char *)x.data, x.len, "two files");
	size_t goff[4];
	uint64_t glen[4];
	split_frames(&g, goff, glen, 4);
	ls_buf_reset(&x);
	ls_buf_append(&x, p, (size_t)len[0]);
	ls_buf_append(&x, g.data + goff[1], (size_t)glen[1]);
	ls_buf_append(&x, p + off[2], (size_t)len[2]);
	expect_reject((const unsigned char *)x.data, x.len, "a part of another file");
	/* Trailing bytes after the FINAL part. */
	ls_buf_reset(&x);
	ls_buf_append(&x, f.data, f.len);
	ls_buf_append_char(&x, 0);
	expect_reject((const unsigned char *)x.data, x.len, "trailing bytes");
	expect_reject(NULL, 0, "an empty input");
	free(data);
	ls_buf_fini(&f);
	ls_buf_fini(&g);
	ls_buf_fini(&x);
}

static void test_wrong_key(void **state)
{
	(void)state;
	unsigned char *data = file_bytes(5000, 16);
	ls_buf f = LS_BUF_INIT, plain = LS_BUF_INIT;
	encrypt_ok(data, 5000, 17, &f);
	unsigned char other[32];
	memcpy(other, test_key, 32);
	other[31] ^= 1;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(
	        sim_channel_decrypt_frames(other, (const unsigned char *)f.data, f.len, &plain, &d),
	        LS_ERR_CRYPTO);
	assert_int_equal(d.col, 28 + 24 + 1);
	assert_int_equal(plain.len, 0);
	free(data);
	ls_buf_fini(&f);
	ls_buf_fini(&plain);
}

/* The diagnostic points at the offending field: d->col is offset + 1. */
static void test_diag_offsets(void **state)
{
	(void)state;
	unsigned char *data = file_bytes(70000, 18);
	ls_buf f = LS_BUF_INIT, plain = LS_BUF_INIT;
	encrypt_ok(data, 70000, 19, &f);
	size_t off[4];
	uint64_t len[4];
	split_frames(&f, off, len, 4);
	unsigned char *c = ls_xmalloc(f.len);
	const struct {
		size_t frame, at;
		unsigned char value;
		ls_err err;
		size_t col; /* relative to the frame */
	} cases[] = {
		{ 0, 0, 'X', LS_ERR_PARSE, 1 },          /* magic */
		{ 1, 4, 2, LS_ERR_PARSE, 5 },            /* version */
		{ 1, 5, 2, LS_ERR_PARSE, 6 },            /* kind */
		{ 2, 7, 1, LS_ERR_PARSE, 7 },            /* reserved */
		{ 1, 15, 0xff, LS_ERR_PARSE, 9 },        /* id */
		{ 2, 19, 1, LS_ERR_PARSE, 17 },          /* index */
		{ 1, 23, 4, LS_ERR_PARSE, 21 },          /* count */
		{ 1, 26, 0x10, LS_ERR_PARSE, 25 },       /* length */
		{ 2, 27, 0x90, LS_ERR_PARSE, 25 },       /* last part not padded */
		{ 1, 100, 0x10, LS_ERR_CRYPTO, 29 },     /* ciphertext */
		{ 0, 30, 0x10, LS_ERR_CRYPTO, 29 + 24 }, /* stream header */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(c, f.data, f.len);
		size_t at = off[cases[i].frame] + cases[i].at;
		if (cases[i].at < 28 && cases[i].at != 0)
			c[at] = cases[i].value;
		else
			c[at] ^= cases[i].value;
		ls_diag d;
		ls_diag_clear(&d);
		ls_err e = sim_channel_decrypt_frames(test_key, c, f.len, &plain, &d);
		if (e != cases[i].err || d.col != off[cases[i].frame] + cases[i].col)
			fail_msg("case %zu: err %d col %lu (%s), want err %d col %zu", i, (int)e,
			         d.col, d.message, (int)cases[i].err,
			         off[cases[i].frame] + cases[i].col);
		assert_int_equal(plain.len, 0);
	}
	/* A missing final part is reported just past the end. */
	ls_diag d;
	assert_int_equal(sim_channel_decrypt_frames(test_key, (const unsigned char *)f.data, off[2],
	                                            &plain, &d),
	                 LS_ERR_PARSE);
	assert_int_equal(d.col, off[2] + 1);
	free(c);
	free(data);
	ls_buf_fini(&f);
	ls_buf_fini(&plain);
}

/*
 * An independent encoder written from docs/messenger.md, for streams the real
 * encoder never makes: one frame per entry of plen[] (plaintext bytes, taken
 * from data in order), the given tags, padding only where pad[] says so.
 */
static void hand_stream(ls_buf *out, uint32_t count, size_t nframes, const size_t *plen,
                        const unsigned char *tags, const bool *pad, const unsigned char *data)
{
	crypto_secretstream_xchacha20poly1305_state st;
	size_t used = 0;
	for (size_t i = 0; i < nframes; i++) {
		size_t mlen = pad[i] ? (plen[i] / 16 + 1) * 16 : plen[i];
		unsigned char *m = ls_xmalloc(mlen + 1);
		memcpy(m, data + used, plen[i]);
		used += plen[i];
		if (pad[i]) {
			size_t got;
			assert_int_equal(sodium_pad(&got, m, plen[i], 16, mlen), 0);
			assert_int_equal(got, mlen);
		}
		size_t hdr = i == 0 ? 24 : 0;
		uint32_t payload = (uint32_t)(hdr + mlen + 17);
		unsigned char h[28] = { 'L', 'S', 'M', 'F', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 42 };
		for (int b = 0; b < 4; b++) {
			h[16 + b] = (unsigned char)(i >> (24 - 8 * b));
			h[20 + b] = (unsigned char)(count >> (24 - 8 * b));
			h[24 + b] = (unsigned char)(payload >> (24 - 8 * b));
		}
		ls_buf_append(out, h, sizeof h);
		unsigned char *c = ls_xmalloc(payload);
		if (i == 0)
			assert_int_equal(
			        crypto_secretstream_xchacha20poly1305_init_push(&st, c, test_key),
			        0);
		assert_int_equal(crypto_secretstream_xchacha20poly1305_push(
		                         &st, c + hdr, NULL, m, mlen, h, sizeof h, tags[i]),
		                 0);
		ls_buf_append(out, c, payload);
		free(c);
		free(m);
	}
}

static void test_hand_built_frames(void **state)
{
	(void)state;
	const unsigned char fin = crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	const unsigned char msg = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
	unsigned char *data = file_bytes(70000, 20);
	ls_buf b = LS_BUF_INIT, plain = LS_BUF_INIT;
	ls_diag d;

	/* The documented format, built by hand, is accepted. */
	size_t p3[3] = { 32 * KIB, 32 * KIB, 70000 - 64 * KIB };
	unsigned char t3[3] = { msg, msg, fin };
	bool pad3[3] = { false, false, true };
	hand_stream(&b, 3, 3, p3, t3, pad3, data);
	assert_int_equal(b.len, sim_channel_file_frames_bytes(70000));
	assert_int_equal(decrypt(&b, &plain, &d), LS_OK);
	assert_int_equal(plain.len, 70000);
	assert_memory_equal(plain.data, data, 70000);

	/* The last part tagged MESSAGE, a middle part tagged FINAL. */
	unsigned char t3b[3] = { msg, msg, msg };
	ls_buf_reset(&b);
	hand_stream(&b, 3, 3, p3, t3b, pad3, data);
	assert_int_equal(decrypt(&b, &plain, &d), LS_ERR_CRYPTO);
	unsigned char t3c[3] = { msg, fin, fin };
	ls_buf_reset(&b);
	hand_stream(&b, 3, 3, p3, t3c, pad3, data);
	assert_int_equal(decrypt(&b, &plain, &d), LS_ERR_CRYPTO);

	/* A last part that is a multiple of 16 but not sodium_pad-ded. */
	size_t p1[1] = { 48 };
	unsigned char t1[1] = { fin };
	bool nopad[1] = { false };
	ls_buf_reset(&b);
	hand_stream(&b, 1, 1, p1, t1, nopad, data);
	ls_buf fresh = LS_BUF_INIT;
	assert_int_equal(decrypt(&b, &fresh, &d), LS_ERR_CRYPTO);
	assert_int_equal(d.col, 28 + 24 + 1);
	/* The plaintext it decrypted before finding out is wiped, not just
	 * forgotten. */
	assert_int_equal(fresh.len, 0);
	assert_true(fresh.cap > 48);
	for (size_t i = 0; i < 48; i++)
		assert_int_equal(fresh.data[i], 0);
	ls_buf_fini(&fresh);

	/* Two parts where the ladder sends one: 32 KiB and an empty last part. */
	size_t p2[2] = { 32 * KIB, 0 };
	unsigned char t2[2] = { msg, fin };
	bool pad2[2] = { false, true };
	ls_buf_reset(&b);
	hand_stream(&b, 2, 2, p2, t2, pad2, data);
	assert_int_equal(decrypt(&b, &plain, &d), LS_ERR_PARSE);
	assert_int_equal(d.col, 28 + 24 + 32 * KIB + 17 + 24 + 1);

	/* 64 KiB parts for a file under 1 MiB. */
	size_t p2b[2] = { 64 * KIB, 100 };
	ls_buf_reset(&b);
	hand_stream(&b, 2, 2, p2b, t2, pad2, data);
	assert_int_equal(decrypt(&b, &plain, &d), LS_ERR_PARSE);
	assert_int_equal(d.col, 25);
	assert_int_equal(plain.len, 70000);
	free(data);
	ls_buf_fini(&b);
	ls_buf_fini(&plain);
}

/* ----------------------------------------------------- recovering the size */

static const uint64_t estimate_sizes[] = {
	0,
	1,
	16,
	17,
	32 * KIB,
	32 * KIB + 1,
	MIB - 1,
	MIB,
	MIB + 7,
	10000000,
	32ull * MIB,
	32ull * MIB + 1,
	300ull * MIB + 12345,
	4000ull * 128 * KIB - 1,
	4000ull * 128 * KIB,
	4000ull * 128 * KIB + 1,
	4000ull * 256 * KIB,
	4000ull * 256 * KIB + 1,
	SIM_CHANNEL_MAX_FILE - 1,
	SIM_CHANNEL_MAX_FILE,
};

static void check_estimate(uint64_t size, uint32_t k)
{
	sim_channel_upload u;
	assert_int_equal(sim_channel_plan_upload(size, k, &u), LS_OK);
	uint64_t lo = 0, hi = 0;
	assert_int_equal(sim_channel_estimate_file_size(u.up_total, u.nsessions, &lo, &hi), LS_OK);
	if (!(lo <= size && size <= hi && hi - lo < u.part_size))
		fail_msg("size %llu, %u sessions: [%llu, %llu], part %u", (unsigned long long)size,
		         u.nsessions, (unsigned long long)lo, (unsigned long long)hi, u.part_size);
	/* Unknown session count: still contains the size, a little wider. */
	assert_int_equal(sim_channel_estimate_file_size(u.up_total, 0, &lo, &hi), LS_OK);
	if (!(lo <= size && size <= hi &&
	      hi - lo < u.part_size + (SIM_CHANNEL_MAX_SESSIONS - 1) * SIM_CHANNEL_HELLO_UP))
		fail_msg("size %llu, unknown sessions: [%llu, %llu]", (unsigned long long)size,
		         (unsigned long long)lo, (unsigned long long)hi);
}

static void test_estimate_within_one_part(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof estimate_sizes / sizeof estimate_sizes[0]; i++)
		for (uint32_t k = 1; k <= SIM_CHANNEL_MAX_SESSIONS; k++)
			check_estimate(estimate_sizes[i], k);
	unsigned char seed[randombytes_SEEDBYTES] = { 'e', 's', 't' };
	uint64_t r[3000];
	randombytes_buf_deterministic(r, sizeof r, seed);
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		uint64_t size = i % 3 == 0 ? r[i] % (SIM_CHANNEL_MAX_FILE + 1)
		                           : r[i] % (i % 3 == 1 ? 64ull * MIB : 2ull * MIB);
		check_estimate(size, 1 + (uint32_t)(r[i] >> 61));
	}
}

/* Totals no upload produces are refused, not guessed at. */
static void test_estimate_rejects(void **state)
{
	(void)state;
	uint64_t lo, hi;
	assert_int_equal(sim_channel_estimate_file_size(0, 0, &lo, &hi), LS_ERR_RANGE);
	assert_int_equal(sim_channel_estimate_file_size(100, 1, &lo, &hi), LS_ERR_RANGE);
	assert_int_equal(sim_channel_estimate_file_size(1000000, 9, &lo, &hi), LS_ERR_RANGE);
	/* The smallest upload: an empty file in one session. */
	sim_channel_upload u;
	assert_int_equal(sim_channel_plan_upload(0, 1, &u), LS_OK);
	assert_int_equal(sim_channel_estimate_file_size(u.up_total - 1, 1, &lo, &hi), LS_ERR_RANGE);
	/* 8 bytes more than a 1-byte file: padding moves in steps of 16. */
	assert_int_equal(sim_channel_plan_upload(1, 1, &u), LS_OK);
	assert_int_equal(sim_channel_estimate_file_size(u.up_total + 8, 1, &lo, &hi), LS_ERR_RANGE);
	/* A one-part upload cannot have come over two sessions. */
	assert_int_equal(sim_channel_plan_upload(100, 1, &u), LS_OK);
	assert_int_equal(sim_channel_estimate_file_size(u.up_total, 1, &lo, &hi), LS_OK);
	assert_int_equal(
	        sim_channel_estimate_file_size(u.up_total + SIM_CHANNEL_HELLO_UP, 2, &lo, &hi),
	        LS_ERR_RANGE);
	/* Far above the largest file. */
	assert_int_equal(sim_channel_estimate_file_size(UINT64_MAX / 2, 0, &lo, &hi), LS_ERR_RANGE);
	assert_int_equal(sim_channel_estimate_file_size(UINT64_MAX, 1, &lo, &hi), LS_ERR_RANGE);
}

/* ---------------------------------------------------------------- bot API */

/* The value of header `name` in an HTTP head, or LS_SV_NULL. */
static ls_sv header_value(ls_sv head, const char *name)
{
	ls_sv line, rest = head;
	bool found;
	size_t nlen = strlen(name);
	while (rest.len) {
		rest = ls_sv_cut(rest, '\n', &line, &found);
		if (line.len > nlen + 2 && memcmp(line.ptr, name, nlen) == 0 &&
		    line.ptr[nlen] == ':')
			return ls_sv_trim(ls_sv_sub(line, nlen + 1, line.len));
	}
	return LS_SV_NULL;
}

/* Build a request and check it against its own headers and the plan. */
static void check_bot_request(const char *host, const char *name, size_t size)
{
	unsigned char *data = file_bytes(size, 300 + (unsigned)size);
	ls_buf req = LS_BUF_INIT, conn = LS_BUF_INIT;
	assert_int_equal(sim_channel_bot_request(host, name, data, size, &req), LS_OK);
	sim_channel_bot_upload p;
	assert_int_equal(sim_channel_plan_bot_upload(size, host, name, &p), LS_OK);
	assert_int_equal(req.len, p.http_request_bytes);

	const char *sep = strstr(req.data, "\r\n\r\n");
	assert_non_null(sep);
	size_t head_len = (size_t)(sep - req.data) + 4;
	ls_sv head = ls_sv_make(req.data, head_len);
	uint64_t clen = 0;
	assert_int_equal(ls_sv_to_u64(header_value(head, "Content-Length"), &clen), LS_OK);
	assert_int_equal(clen, req.len - head_len);
	assert_true(ls_sv_eq_cstr(header_value(head, "Host"), host));

	const char *line = "POST /bot0000000000:SIMULATED/sendDocument HTTP/1.1\r\n";
	assert_memory_equal(req.data, line, strlen(line));
	char b[33];
	sim_channel_bot_boundary(name, b);
	ls_buf want = LS_BUF_INIT;
	ls_buf_printf(&want, "multipart/form-data; boundary=%s", b);
	assert_true(ls_sv_eq(header_value(head, "Content-Type"), ls_buf_sv(&want)));
	/* The body opens with the boundary and closes with it; the file's
	 * bytes sit just before the closing delimiter. */
	ls_buf_reset(&want);
	ls_buf_printf(&want, "--%s\r\n", b);
	assert_memory_equal(req.data + head_len, want.data, want.len);
	ls_buf_reset(&want);
	ls_buf_printf(&want, "\r\n--%s--\r\n", b);
	assert_memory_equal(req.data + req.len - want.len, want.data, want.len);
	if (size)
		assert_memory_equal(req.data + req.len - want.len - size, data, size);

	sim_channel_bot_connect_request(host, &conn);
	assert_int_equal(conn.len, p.connect_request_bytes);
	uint64_t rec = (req.len + 16383) / 16384;
	assert_int_equal(p.tls_records_up, rec);
	assert_int_equal(p.tunnel_up_bytes, SIM_CHANNEL_TLS_HELLO_UP + req.len + 22 * rec);
	assert_int_equal(p.up_bytes, conn.len + p.tunnel_up_bytes);
	assert_int_equal(p.tunnel_down_bytes,
	                 SIM_CHANNEL_TLS_HELLO_DOWN + SIM_CHANNEL_BOT_RESPONSE_BYTES + 22);
	assert_int_equal(p.down_bytes, SIM_CHANNEL_CONNECT_RESPONSE + p.tunnel_down_bytes);
	free(data);
	ls_buf_fini(&want);
	ls_buf_fini(&req);
	ls_buf_fini(&conn);
}

static void test_bot_request(void **state)
{
	(void)state;
	const size_t sizes[] = { 0, 1, 9, 10, 16000, 16384, 100000, 3 * MIB };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		check_bot_request("api.telegram.org", "members.zip", sizes[i]);
		check_bot_request("bot-api.msgr.example", "register export 2026.7z.001", sizes[i]);
	}
	/* Quotes, CR and LF in a name are escaped; the counts still agree. */
	check_bot_request("h.test", "a\"b\r\nc.csv", 50);
	ls_buf req = LS_BUF_INIT;
	assert_int_equal(sim_channel_bot_request("h.test", "a\"b\r\nc.csv", NULL, 0, &req), LS_OK);
	assert_non_null(strstr(req.data, "filename=\"a%22b%0D%0Ac.csv\"\r\n"));
	ls_buf_fini(&req);
	/* Same name, same boundary; another name, another one. */
	char b1[33], b2[33], b3[33];
	sim_channel_bot_boundary("x.zip", b1);
	sim_channel_bot_boundary("x.zip", b2);
	sim_channel_bot_boundary("y.zip", b3);
	assert_string_equal(b1, b2);
	assert_true(strcmp(b1, b3) != 0);
	assert_int_equal(strlen(b1), 32);
	assert_int_equal(strspn(b1, "0123456789abcdef"), 32);
}

/* The token is the fake constant; no digits-and-letters secret sneaks in. */
static void test_bot_token_is_fake(void **state)
{
	(void)state;
	assert_string_equal(SIM_CHANNEL_BOT_TOKEN, "0000000000:SIMULATED");
	ls_buf req = LS_BUF_INIT;
	assert_int_equal(sim_channel_bot_request("api.telegram.org", "f",
	                                         (const unsigned char *)"x", 1, &req),
	                 LS_OK);
	const char *bot = strstr(req.data, "/bot");
	assert_non_null(bot);
	assert_memory_equal(bot, "/bot0000000000:SIMULATED/", 25);
	assert_null(strstr(bot + 4, "/bot"));
	ls_buf_fini(&req);
}

static void test_bot_limits(void **state)
{
	(void)state;
	sim_channel_bot_upload p;
	assert_int_equal(sim_channel_plan_bot_upload(SIM_CHANNEL_BOT_MAX_FILE, "h.test", "f", &p),
	                 LS_OK);
	assert_int_equal(
	        sim_channel_plan_bot_upload(SIM_CHANNEL_BOT_MAX_FILE + 1, "h.test", "f", &p),
	        LS_ERR_RANGE);
	assert_int_equal(p.up_bytes, 0);
	assert_int_equal(SIM_CHANNEL_BOT_MAX_FILE, 52428800);
	assert_int_equal(sim_channel_plan_bot_upload(10, "", "f", &p), LS_ERR_RANGE);
	assert_int_equal(sim_channel_plan_bot_upload(10, "h.test\r\nX: y", "f", &p), LS_ERR_RANGE);
	assert_int_equal(sim_channel_plan_bot_upload(10, "h.test:8443", "f", &p), LS_ERR_RANGE);
	assert_int_equal(sim_channel_plan_bot_upload(10, "h.test", "", &p), LS_ERR_RANGE);
	char name[SIM_CHANNEL_BOT_NAME_MAX + 2];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(sim_channel_plan_bot_upload(10, "h.test", name, &p), LS_ERR_RANGE);
	name[sizeof name - 2] = '\0';
	assert_int_equal(sim_channel_plan_bot_upload(10, "h.test", name, &p), LS_OK);
	char host[SIM_CHANNEL_BOT_HOST_MAX + 2];
	memset(host, 'h', sizeof host - 1);
	host[sizeof host - 1] = '\0';
	assert_int_equal(sim_channel_plan_bot_upload(10, host, "f", &p), LS_ERR_RANGE);
	host[sizeof host - 2] = '\0';
	assert_int_equal(sim_channel_plan_bot_upload(10, host, "f", &p), LS_OK);
	ls_buf req = LS_BUF_INIT;
	unsigned char one = 1;
	assert_int_equal(
	        sim_channel_bot_request("h.test", "f", &one, SIM_CHANNEL_BOT_MAX_FILE + 1, &req),
	        LS_ERR_RANGE);
	assert_int_equal(req.len, 0);
	ls_buf_fini(&req);
}

/* TLS records: 16,384 plaintext bytes each, 22 bytes of overhead each. */
static void test_bot_tls_records(void **state)
{
	(void)state;
	sim_channel_bot_upload p;
	assert_int_equal(sim_channel_plan_bot_upload(0, "h.test", "f", &p), LS_OK);
	uint64_t base = p.http_request_bytes; /* request of an empty file */
	assert_true(base < 16384);
	assert_int_equal(p.tls_records_up, 1);
	/* Grow the file until the request is exactly one, then two records. */
	assert_int_equal(sim_channel_plan_bot_upload(16384 - base, "h.test", "f", &p), LS_OK);
	uint64_t extra = p.http_request_bytes - 16384; /* Content-Length grew by digits */
	assert_int_equal(sim_channel_plan_bot_upload(16384 - base - extra, "h.test", "f", &p),
	                 LS_OK);
	assert_int_equal(p.http_request_bytes, 16384);
	assert_int_equal(p.tls_records_up, 1);
	assert_int_equal(sim_channel_plan_bot_upload(16384 - base - extra + 1, "h.test", "f", &p),
	                 LS_OK);
	assert_int_equal(p.http_request_bytes, 16385);
	assert_int_equal(p.tls_records_up, 2);
	assert_int_equal(p.tunnel_up_bytes, SIM_CHANNEL_TLS_HELLO_UP + 16385 + 44);
	/* 50 MiB: 3,200 records and a bit. */
	assert_int_equal(sim_channel_plan_bot_upload(SIM_CHANNEL_BOT_MAX_FILE, "h.test", "f", &p),
	                 LS_OK);
	assert_int_equal(p.tls_records_up, (p.http_request_bytes + 16383) / 16384);
	assert_true(p.tls_records_up > 3200);
}

static void test_bot_response_fixed(void **state)
{
	(void)state;
	ls_buf r = LS_BUF_INIT;
	sim_channel_bot_response(&r);
	assert_int_equal(r.len, SIM_CHANNEL_BOT_RESPONSE_BYTES);
	const char *sep = strstr(r.data, "\r\n\r\n");
	assert_non_null(sep);
	size_t head_len = (size_t)(sep - r.data) + 4;
	uint64_t clen = 0;
	assert_int_equal(
	        ls_sv_to_u64(header_value(ls_sv_make(r.data, head_len), "Content-Length"), &clen),
	        LS_OK);
	assert_int_equal(clen, r.len - head_len);
	assert_memory_equal(r.data + head_len, "{\"ok\":true,", 11);
	assert_int_equal(r.data[r.len - 1], '}');
	assert_true(SIM_CHANNEL_BOT_RESPONSE_BYTES + 22 <= 16384 + 22);
	ls_buf_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ladder_boundaries),
		cmocka_unit_test(test_ladder_property),
		cmocka_unit_test(test_model_equals_reality_small),
		cmocka_unit_test(test_model_equals_reality_large),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_plan_rejects),
		cmocka_unit_test(test_sessions_upstream),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_tamper_every_byte_single_frame),
		cmocka_unit_test(test_tamper_multipart),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_reorder_drop_duplicate),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_diag_offsets),
		cmocka_unit_test(test_hand_built_frames),
		cmocka_unit_test(test_estimate_within_one_part),
		cmocka_unit_test(test_estimate_rejects),
		cmocka_unit_test(test_bot_request),
		cmocka_unit_test(test_bot_token_is_fake),
		cmocka_unit_test(test_bot_limits),
		cmocka_unit_test(test_bot_tls_records),
		cmocka_unit_test(test_bot_response_fixed),
	};
	return cmocka_run_group_tests(tests, setup_all, NULL);
}
