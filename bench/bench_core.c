/*
 * bench_core.c - throughput of the core library's hot paths, each against a
 * baseline run side by side in the same process:
 *
 *   json record   ls_jw writing a Sysmon-style JSON Lines record, against one
 *                 snprintf call producing the same bytes (which does no
 *                 escaping, so it flatters the baseline)
 *   time format   ls_time_format_rfc3339, against gmtime_r + snprintf
 *   rng u64       ls_rng_u64, against reading a keystream that libsodium's
 *                 crypto_stream_chacha20 generated in one bulk call (the
 *                 ceiling for any ChaCha20-based stream)
 *
 * Each pair runs alternately REPS times and the best time of each is kept,
 * so that noise from the machine affects both sides alike. The ratio is
 * ours/baseline throughput: above 1 means leaksim is faster.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/json.h"
#include "core/mem.h"
#include "core/rng.h"
#include "core/time.h"

#define REPS 5

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

typedef uint64_t (*bench_fn)(size_t n);

static void report(const char *name, const char *unit, size_t n, bench_fn ours, bench_fn base)
{
	double best_ours = 1e30, best_base = 1e30;
	for (int r = 0; r < REPS; r++) {
		double t0 = now();
		sink += ours(n);
		double t1 = now();
		sink += base(n);
		double t2 = now();
		if (t1 - t0 < best_ours)
			best_ours = t1 - t0;
		if (t2 - t1 < best_base)
			best_base = t2 - t1;
	}
	double o = (double)n / best_ours, b = (double)n / best_base;
	printf("%-12s %10.2f M%s/s   baseline %10.2f M%s/s   ratio %6.2fx\n", name, o / 1e6, unit,
	       b / 1e6, unit, o / b);
}

/* ------------------------------------------------------------ json record */

static const char *images[] = { "C:\\Windows\\System32\\svchost.exe",
	                        "C:\\Program Files\\Msgr\\msgr.exe", "C:\\Windows\\explorer.exe" };

static uint64_t json_ours(size_t n)
{
	ls_buf b = LS_BUF_INIT;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		ls_buf_reset(&b);
		ls_jw w;
		ls_jw_init(&w, &b);
		ls_jw_object_begin(&w);
		LS_JW_KEY(&w, "rid");
		ls_jw_u64(&w, 0x9e3779b97f4a7c15u * i);
		LS_JW_KEY(&w, "EventID");
		ls_jw_i64(&w, 3);
		LS_JW_KEY(&w, "Computer");
		ls_jw_str_cstr(&w, "LT-0042.corp.example");
		LS_JW_KEY(&w, "Image");
		ls_jw_str_cstr(&w, images[i % 3]);
		LS_JW_KEY(&w, "User");
		ls_jw_str_cstr(&w, "CORP\\j.doe");
		LS_JW_KEY(&w, "DestinationIp");
		ls_jw_str_cstr(&w, "198.51.100.23");
		LS_JW_KEY(&w, "DestinationPort");
		ls_jw_i64(&w, 443);
		LS_JW_KEY(&w, "SourcePort");
		ls_jw_i64(&w, (int64_t)(49152 + i % 16000));
		ls_jw_object_end(&w);
		ls_buf_append_char(&b, '\n');
		total += b.len;
	}
	ls_buf_fini(&b);
	return total;
}

static uint64_t json_base(size_t n)
{
	char line[512];
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const char *img = images[i % 3];
		/* The baseline writes pre-escaped strings: backslashes doubled. */
		char esc[128];
		size_t k = 0;
		for (const char *p = img; *p && k + 2 < sizeof esc; p++) {
			if (*p == '\\')
				esc[k++] = '\\';
			esc[k++] = *p;
		}
		esc[k] = '\0';
		int len = snprintf(
		        line, sizeof line,
		        "{\"rid\":%" PRIu64 ",\"EventID\":%d,\"Computer\":\"%s\",\"Image\":\"%s\","
		        "\"User\":\"%s\",\"DestinationIp\":\"%s\",\"DestinationPort\":%d,"
		        "\"SourcePort\":%d}\n",
		        (uint64_t)(0x9e3779b97f4a7c15u * i), 3, "LT-0042.corp.example", esc,
		        "CORP\\\\j.doe", "198.51.100.23", 443, (int)(49152 + i % 16000));
		total += (uint64_t)len;
	}
	return total;
}

/* ------------------------------------------------------------ time format */

static uint64_t time_ours(size_t n)
{
	ls_buf b = LS_BUF_INIT;
	uint64_t total = 0;
	ls_time t = 1700000000123456;
	for (size_t i = 0; i < n; i++) {
		ls_buf_reset(&b);
		ls_time_format_rfc3339(&b, t + (ls_time)i * 7919, 6, 0);
		total += b.len;
	}
	ls_buf_fini(&b);
	return total;
}

static uint64_t time_base(size_t n)
{
	char s[64];
	uint64_t total = 0;
	int64_t t = 1700000000123456;
	for (size_t i = 0; i < n; i++) {
		int64_t us = t + (int64_t)i * 7919;
		time_t sec = (time_t)(us / 1000000);
		struct tm tm;
		gmtime_r(&sec, &tm);
		int len = snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
		                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		                   tm.tm_min, tm.tm_sec, (int)(us % 1000000));
		total += (uint64_t)len;
	}
	return total;
}

/* ---------------------------------------------------------------- rng u64 */

static uint64_t rng_ours(size_t n)
{
	ls_rng r;
	ls_rng_init(&r, 1, 2, "bench");
	uint64_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc ^= ls_rng_u64(&r);
	ls_rng_fini(&r);
	return acc;
}

static uint64_t rng_base(size_t n)
{
	unsigned char key[crypto_stream_chacha20_KEYBYTES] = { 1 };
	unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
	unsigned char *buf = ls_xmalloc(n * 8);
	crypto_stream_chacha20(buf, n * 8, nonce, key);
	uint64_t acc = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		memcpy(&v, buf + 8 * i, 8);
		acc ^= v;
	}
	free(buf);
	return acc;
}

int main(void)
{
	if (sodium_init() < 0)
		return 2;
	/* The two JSON renderings must agree byte for byte, or the race is unfair. */
	if (json_ours(1000) != json_base(1000)) {
		fprintf(stderr, "bench: json baseline does not produce the same bytes\n");
		return 1;
	}
	printf("core benchmarks (best of %d, one core)\n", REPS);
	report("json record", "rec", 2000000, json_ours, json_base);
	report("time format", "ts", 5000000, time_ours, time_base);
	report("rng u64", "val", 50000000, rng_ours, rng_base);
	return 0;
}
