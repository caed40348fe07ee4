/*
 * test_time.c - unit tests for core/time: calendar arithmetic and the three
 * timestamp forms.
 *
 * Known values pin the calendar to dates anyone can check; property tests
 * drive hundreds of thousands of random times (uniform over years 0000-9999,
 * and clustered around the epoch where sign handling matters) through every
 * formatter and parser and against glibc's gmtime_r. The random streams come
 * from libsodium's deterministic generator, so a failure reproduces exactly.
 * Every rejected input is checked for its error code and the column its
 * diagnostic points at.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"

/* Random cases per property and per distribution (uniform, near the epoch). */
#define N_RANDOM 100000

/* ---------------------------------------------------------------- helpers */

enum parser { P3339, P5424, PZEEK };

static ls_err parse_with(enum parser p, ls_sv s, ls_time *out, ls_diag *d)
{
	bool nil = false;
	ls_err e;
	switch (p) {
	case P3339: return ls_time_parse_rfc3339(s, out, d);
	case P5424:
		e = ls_time_parse_rfc5424(s, out, &nil, d);
		assert_false(nil);
		return e;
	case PZEEK: return ls_time_parse_zeek(s, out, d);
	}
	fail();
	return LS_ERR_STATE;
}

static ls_time must_parse(enum parser p, const char *s)
{
	ls_time t = 0;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = parse_with(p, ls_sv_from_cstr(s), &t, &d);
	if (e != LS_OK)
		print_error("parsing \"%s\": col %lu: %s\n", s, d.col, d.message);
	assert_int_equal(e, LS_OK);
	return t;
}

/*
 * Parse the len bytes at s, expect err with the diagnostic at col (1-based),
 * *out untouched, and (if want is not NULL) want inside the message.
 */
static void check_bad_n(enum parser p, const char *s, size_t len, ls_err err, unsigned long col,
                        const char *want)
{
	const ls_time sentinel = INT64_C(0x5eed5eed5eed);
	ls_time t = sentinel;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = parse_with(p, ls_sv_make(s, len), &t, &d);
	if (e != err || d.col != col)
		print_error("input \"%.*s\": got err %d col %lu (%s), want err %d col %lu\n",
		            (int)len, s, (int)e, d.col, d.message, (int)err, col);
	assert_int_equal(e, err);
	assert_int_equal(d.err, err);
	assert_int_equal(d.col, col);
	assert_int_equal(d.line, 0);
	assert_null(d.file);
	assert_true(t == sentinel);
	static const char *const prefix_of[] = { "timestamp: ", "syslog timestamp: ",
		                                 "zeek time: " };
	const char *prefix = prefix_of[p];
	assert_memory_equal(d.message, prefix, strlen(prefix));
	if (want != NULL && strstr(d.message, want) == NULL) {
		print_error("message \"%s\" lacks \"%s\"\n", d.message, want);
		fail();
	}
	/* The same failure without a diagnostic to fill. */
	assert_int_equal(parse_with(p, ls_sv_make(s, len), &t, NULL), err);
	assert_true(t == sentinel);
}

static void check_bad(enum parser p, const char *s, ls_err err, unsigned long col, const char *want)
{
	check_bad_n(p, s, strlen(s), err, col, want);
}

static const char *fmt3339(ls_buf *b, ls_time t, int frac, int offset)
{
	ls_buf_reset(b);
	ls_time_format_rfc3339(b, t, frac, offset);
	return b->data;
}

static const char *fmt5424(ls_buf *b, ls_time t, int frac, int offset)
{
	ls_buf_reset(b);
	ls_time_format_rfc5424(b, t, frac, offset);
	return b->data;
}

static const char *fmtzeek(ls_buf *b, ls_time t)
{
	ls_buf_reset(b);
	ls_time_format_zeek(b, t);
	return b->data;
}

static ls_time civil_time(int y, int mo, int d, int h, int mi, int s, int us)
{
	ls_civil c = { y, mo, d, h, mi, s, us };
	ls_time t = 0;
	assert_int_equal(ls_time_from_civil(&c, &t), LS_OK);
	return t;
}

/* -------------------------------------------------------- random streams */

/* n reproducible 64-bit words; label (up to 32 bytes) seeds the stream. */
static uint64_t *random_words(size_t n, const char *label)
{
	unsigned char seed[randombytes_SEEDBYTES] = { 0 };
	size_t l = strlen(label);
	memcpy(seed, label, l < sizeof seed ? l : sizeof seed);
	uint64_t *w = ls_xmalloc(n * sizeof *w);
	randombytes_buf_deterministic(w, n * sizeof *w, seed);
	return w;
}

/*
 * A time from one random word: uniform over the supported range, or within
 * a window of 1 ms to about 3 years either side of the epoch (the window
 * chosen by the low bits, the offset by the rest).
 */
static ls_time random_time(uint64_t u, bool near_epoch)
{
	if (!near_epoch) {
		uint64_t span = (uint64_t)(LS_TIME_MAX - LS_TIME_MIN) + 1;
		return LS_TIME_MIN + (int64_t)(u % span);
	}
	static const int64_t window[5] = { INT64_C(1000), INT64_C(1000000), INT64_C(1000000000),
		                           INT64_C(100000000000), INT64_C(100000000000000) };
	int64_t w = window[(u & 0xff) % 5];
	return (int64_t)((u >> 8) % (uint64_t)(2 * w + 1)) - w;
}

static int random_offset(uint64_t u)
{
	return (int)(u % (2 * LS_TIME_OFFSET_MAX + 1)) - LS_TIME_OFFSET_MAX;
}

static bool leap_year(int y)
{
	return y % 400 == 0 || (y % 100 != 0 && y % 4 == 0);
}

static int month_days(int y, int m)
{
	if (m == 2)
		return leap_year(y) ? 29 : 28;
	return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

/* Valid calendar fields, uniform per field, from one random word. */
static void random_civil(uint64_t u, ls_civil *c)
{
	c->usec = (int)(u % 1000000);
	u /= 1000000;
	c->second = (int)(u % 60);
	u /= 60;
	c->minute = (int)(u % 60);
	u /= 60;
	c->hour = (int)(u % 24);
	u /= 24;
	c->year = (int)(u % 10000);
	u /= 10000;
	c->month = (int)(u % 12) + 1;
	u /= 12;
	c->day = (int)(u % (uint64_t)month_days(c->year, c->month)) + 1;
}

/* ------------------------------------------------------------ known values */

static void test_epoch(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	assert_true(must_parse(P3339, "1970-01-01T00:00:00Z") == 0);
	assert_true(must_parse(P5424, "1970-01-01T00:00:00.000000Z") == 0);
	assert_true(must_parse(PZEEK, "0") == 0);
	assert_true(civil_time(1970, 1, 1, 0, 0, 0, 0) == 0);
	assert_string_equal(fmt3339(&b, 0, 0, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(fmt3339(&b, 0, LS_TIME_FRAC_AUTO, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(fmt5424(&b, 0, 6, 0), "1970-01-01T00:00:00.000000Z");
	assert_string_equal(fmtzeek(&b, 0), "0.000000");
	ls_buf_fini(&b);
}

static void test_before_epoch(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	assert_true(must_parse(P3339, "1969-12-31T23:59:59.999999Z") == -1);
	assert_true(must_parse(P3339, "1969-12-31T23:59:59Z") == -LS_USEC_PER_SEC);
	ls_civil c;
	ls_time_to_civil(-1, &c);
	assert_int_equal(c.year, 1969);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.minute, 59);
	assert_int_equal(c.second, 59);
	assert_int_equal(c.usec, 999999);
	assert_string_equal(fmt3339(&b, -1, 6, 0), "1969-12-31T23:59:59.999999Z");
	assert_string_equal(fmtzeek(&b, -1), "-0.000001");
	assert_true(must_parse(PZEEK, "-0.000001") == -1);
	ls_buf_fini(&b);
}

static void test_leap_days(void **state)
{
	(void)state;
	ls_time t = must_parse(P3339, "2000-02-29T00:00:00Z");
	assert_true(t == INT64_C(951782400) * LS_USEC_PER_SEC);
	assert_true(civil_time(2000, 2, 29, 0, 0, 0, 0) == t);
	assert_true(must_parse(P3339, "2000-03-01T00:00:00Z") - t == LS_USEC_PER_DAY);
	assert_true(must_parse(P3339, "2024-02-29T12:00:00Z") ==
	            INT64_C(1709208000) * LS_USEC_PER_SEC);
	assert_true(must_parse(P3339, "0000-02-29T00:00:00Z") > LS_TIME_MIN);
	ls_civil c = { 1900, 2, 29, 0, 0, 0, 0 };
	assert_int_equal(ls_time_from_civil(&c, &t), LS_ERR_RANGE);
	c.year = 2100;
	assert_int_equal(ls_time_from_civil(&c, &t), LS_ERR_RANGE);
	c.year = 2023;
	assert_int_equal(ls_time_from_civil(&c, &t), LS_ERR_RANGE);
	c.year = 2400;
	assert_int_equal(ls_time_from_civil(&c, &t), LS_OK);
}

static void test_range_limits(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	assert_true(must_parse(P3339, "0000-01-01T00:00:00Z") == LS_TIME_MIN);
	assert_true(must_parse(P3339, "9999-12-31T23:59:59.999999Z") == LS_TIME_MAX);
	assert_true(must_parse(P3339, "9999-12-31T23:59:59.999999999Z") == LS_TIME_MAX);
	assert_true(must_parse(P5424, "9999-12-31T23:59:59.999999Z") == LS_TIME_MAX);
	assert_true(must_parse(PZEEK, "-62167219200") == LS_TIME_MIN);
	assert_true(must_parse(PZEEK, "253402300799.999999") == LS_TIME_MAX);
	assert_true(civil_time(0, 1, 1, 0, 0, 0, 0) == LS_TIME_MIN);
	assert_true(civil_time(9999, 12, 31, 23, 59, 59, 999999) == LS_TIME_MAX);
	assert_string_equal(fmt3339(&b, LS_TIME_MIN, 0, 0), "0000-01-01T00:00:00Z");
	assert_string_equal(fmt3339(&b, LS_TIME_MAX, 9, 0), "9999-12-31T23:59:59.999999000Z");
	assert_string_equal(fmtzeek(&b, LS_TIME_MIN), "-62167219200.000000");
	assert_string_equal(fmtzeek(&b, LS_TIME_MAX), "253402300799.999999");
	ls_buf_fini(&b);

	/* to_civil is defined for every int64_t, far beyond the range. */
	ls_civil c;
	ls_time_to_civil(INT64_MIN, &c);
	assert_true(c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31);
	assert_true(c.year < -290000);
	assert_true(c.usec >= 0 && c.usec <= 999999);
	ls_time_to_civil(INT64_MAX, &c);
	assert_true(c.year > 290000);
	assert_int_equal(c.usec, 775807);
	assert_true(ls_time_weekday(INT64_MIN) >= 0 && ls_time_weekday(INT64_MIN) <= 6);
}

static void test_offsets(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_time utc = must_parse(P3339, "2024-01-01T00:00:00Z");
	assert_true(must_parse(P3339, "2024-01-01T08:00:00+08:00") == utc);
	assert_true(must_parse(P3339, "2023-12-31T18:30:00-05:30") == utc);
	assert_true(must_parse(P3339, "2024-01-01T00:00:00-00:00") == utc);
	assert_true(must_parse(P3339, "2024-01-01T00:00:00+00:00") == utc);
	assert_true(must_parse(P3339, "2024-01-01T23:59:00+23:59") == utc);
	assert_true(must_parse(P5424, "2024-01-01T08:00:00+08:00") == utc);
	assert_string_equal(fmt3339(&b, utc, 0, 480), "2024-01-01T08:00:00+08:00");
	assert_string_equal(fmt3339(&b, utc, 0, -330), "2023-12-31T18:30:00-05:30");
	assert_string_equal(fmt3339(&b, utc, 3, -LS_TIME_OFFSET_MAX),
	                    "2023-12-31T00:01:00.000-23:59");
	assert_string_equal(fmt5424(&b, utc, 0, 60), "2024-01-01T01:00:00+01:00");
	ls_buf_fini(&b);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(ls_time_weekday(0), 3); /* Thursday */
	assert_int_equal(ls_time_weekday(must_parse(P3339, "2024-01-01T00:00:00Z")), 0);
	assert_int_equal(ls_time_weekday(must_parse(P3339, "2024-01-07T23:59:59.999999Z")), 6);
	assert_int_equal(ls_time_weekday(-1), 2); /* Wednesday */
	assert_int_equal(ls_time_weekday(must_parse(P3339, "2000-02-29T00:00:00Z")), 1);
	assert_int_equal(ls_time_weekday(LS_TIME_MIN), 5); /* Saturday */
	assert_int_equal(ls_time_weekday(LS_TIME_MAX), 4); /* Friday */
	ls_time monday = must_parse(P3339, "1900-01-01T12:00:00Z");
	for (int i = 0; i < 14; i++)
		assert_int_equal(ls_time_weekday(monday + i * LS_USEC_PER_DAY), i % 7);
}

static void test_rfc3339_separators_and_case(void **state)
{
	(void)state;
	ls_time t = must_parse(P3339, "2021-06-15T10:20:30Z");
	assert_true(must_parse(P3339, "2021-06-15t10:20:30z") == t);
	assert_true(must_parse(P3339, "2021-06-15 10:20:30Z") == t);
	assert_true(must_parse(P3339, "2021-06-15T10:20:30.0Z") == t);
	assert_true(must_parse(P3339, "2021-06-15T10:20:30.000000000Z") == t);
	assert_true(must_parse(P3339, "2021-06-15T10:20:30.5Z") == t + 500000);
}

/* The valid examples of RFC 5424 section 6.2.3.1, and the NILVALUE. */
static void test_rfc5424_valid_and_nil(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_time t = must_parse(P5424, "1985-04-12T23:20:50.52Z");
	assert_string_equal(fmt5424(&b, t, LS_TIME_FRAC_AUTO, 0), "1985-04-12T23:20:50.520Z");
	t = must_parse(P5424, "1985-04-12T19:20:50.52-04:00");
	assert_string_equal(fmt5424(&b, t, 2, 0), "1985-04-12T23:20:50.52Z");
	t = must_parse(P5424, "2003-10-11T22:14:15.003Z");
	assert_string_equal(fmt5424(&b, t, LS_TIME_FRAC_AUTO, 0), "2003-10-11T22:14:15.003Z");
	t = must_parse(P5424, "2003-08-24T05:14:15.000003-07:00");
	assert_string_equal(fmt5424(&b, t, 6, -420), "2003-08-24T05:14:15.000003-07:00");
	ls_buf_fini(&b);

	t = 42;
	bool nil = false;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_time_parse_rfc5424(LS_SV_LIT("-"), &t, &nil, &d), LS_OK);
	assert_true(nil);
	assert_true(t == 42);
	assert_int_equal(ls_time_parse_rfc5424(LS_SV_LIT("1970-01-01T00:00:01Z"), &t, &nil, NULL),
	                 LS_OK);
	assert_false(nil);
	assert_true(t == LS_USEC_PER_SEC);
	nil = true;
	assert_int_equal(ls_time_parse_rfc5424(LS_SV_LIT("--"), &t, &nil, &d), LS_ERR_PARSE);
	assert_false(nil);
	assert_int_equal(d.col, 1);
	/* RFC 3339 and Zeek have no nil value. */
	assert_int_equal(ls_time_parse_rfc3339(LS_SV_LIT("-"), &t, NULL), LS_ERR_PARSE);
}

static void test_zeek_values(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	assert_true(must_parse(PZEEK, "1700000000.123456") == INT64_C(1700000000123456));
	assert_true(must_parse(PZEEK, "1700000000") == INT64_C(1700000000000000));
	assert_true(must_parse(PZEEK, "1700000000.1") == INT64_C(1700000000100000));
	assert_true(must_parse(PZEEK, "007.5") == INT64_C(7500000));
	assert_true(must_parse(PZEEK, "-0") == 0);
	assert_true(must_parse(PZEEK, "-1.5") == -INT64_C(1500000));
	assert_string_equal(fmtzeek(&b, INT64_C(1700000000123456)), "1700000000.123456");
	assert_string_equal(fmtzeek(&b, -INT64_C(1500000)), "-1.500000");
	assert_string_equal(fmtzeek(&b, -INT64_C(1000000)), "-1.000000");
	assert_string_equal(fmtzeek(&b, INT64_C(999999)), "0.999999");
	assert_string_equal(fmtzeek(&b, INT64_MIN), "-9223372036854.775808");
	assert_string_equal(fmtzeek(&b, INT64_MAX), "9223372036854.775807");
	ls_buf_fini(&b);
}

/* -------------------------------------------------------------- truncation */

static void test_parse_truncates_sub_microsecond(void **state)
{
	(void)state;
	ls_time base = must_parse(P3339, "2024-05-06T07:08:00Z");
	assert_true(must_parse(P3339, "2024-05-06T07:08:00.1234569Z") == base + 123456);
	assert_true(must_parse(P3339, "2024-05-06T07:08:00.999999999Z") == base + 999999);
	assert_true(must_parse(P3339, "2024-05-06T07:08:00.000000999Z") == base);
	/* Before the epoch too: toward the earlier instant, not toward zero. */
	assert_true(must_parse(P3339, "1969-12-31T23:59:59.9999999Z") == -1);
	assert_true(must_parse(PZEEK, "0.0000019") == 1);
	assert_true(must_parse(PZEEK, "-0.0000001") == -1);
	assert_true(must_parse(PZEEK, "-0.0000019") == -2);
	assert_true(must_parse(PZEEK, "-1.000000000") == -LS_USEC_PER_SEC);
	assert_true(must_parse(PZEEK, "-1.0000001") == -LS_USEC_PER_SEC - 1);
	assert_true(must_parse(PZEEK, "1.123456789") == LS_USEC_PER_SEC + 123456);
}

static void test_format_fraction(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_time t = must_parse(P3339, "2024-05-06T07:08:09.123999Z");
	assert_string_equal(fmt3339(&b, t, 0, 0), "2024-05-06T07:08:09Z");
	assert_string_equal(fmt3339(&b, t, 1, 0), "2024-05-06T07:08:09.1Z");
	assert_string_equal(fmt3339(&b, t, 3, 0), "2024-05-06T07:08:09.123Z");
	assert_string_equal(fmt3339(&b, t, 5, 0), "2024-05-06T07:08:09.12399Z");
	assert_string_equal(fmt3339(&b, t, 6, 0), "2024-05-06T07:08:09.123999Z");
	assert_string_equal(fmt3339(&b, t, 9, 0), "2024-05-06T07:08:09.123999000Z");
	assert_string_equal(fmt5424(&b, t, 3, 0), "2024-05-06T07:08:09.123Z");
	/* Truncation before the epoch goes to the earlier instant as well. */
	assert_string_equal(fmt3339(&b, -1, 3, 0), "1969-12-31T23:59:59.999Z");
	assert_string_equal(fmt3339(&b, -1, 0, 0), "1969-12-31T23:59:59Z");
	assert_string_equal(fmt3339(&b, -LS_USEC_PER_SEC, 0, 0), "1969-12-31T23:59:59Z");

	/* LS_TIME_FRAC_AUTO: the shortest exact choice of 0, 3 or 6 digits. */
	t = must_parse(P3339, "2024-05-06T07:08:09Z");
	assert_string_equal(fmt3339(&b, t, LS_TIME_FRAC_AUTO, 0), "2024-05-06T07:08:09Z");
	assert_string_equal(fmt3339(&b, t + 123000, LS_TIME_FRAC_AUTO, 0),
	                    "2024-05-06T07:08:09.123Z");
	assert_string_equal(fmt3339(&b, t + 123400, LS_TIME_FRAC_AUTO, 0),
	                    "2024-05-06T07:08:09.123400Z");
	assert_string_equal(fmt3339(&b, t + 1, LS_TIME_FRAC_AUTO, 0),
	                    "2024-05-06T07:08:09.000001Z");
	assert_string_equal(fmt5424(&b, t + 5000, LS_TIME_FRAC_AUTO, 0),
	                    "2024-05-06T07:08:09.005Z");
	assert_string_equal(fmt3339(&b, -1000, LS_TIME_FRAC_AUTO, 0), "1969-12-31T23:59:59.999Z");
	ls_buf_fini(&b);
}

static void test_format_edges(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	/* No 4-digit year at the requested offset: UTC instead. */
	assert_string_equal(fmt3339(&b, LS_TIME_MIN, 0, -60), "0000-01-01T00:00:00Z");
	assert_string_equal(fmt3339(&b, LS_TIME_MAX, 6, 60), "9999-12-31T23:59:59.999999Z");
	assert_string_equal(fmt3339(&b, LS_TIME_MIN, 0, 60), "0000-01-01T01:00:00+01:00");
	assert_string_equal(fmt3339(&b, LS_TIME_MAX, 0, -60), "9999-12-31T22:59:59-01:00");
	/* Out-of-range times are clamped, so the output still parses. */
	assert_string_equal(fmt3339(&b, LS_TIME_MAX + 1, 6, 0), "9999-12-31T23:59:59.999999Z");
	assert_string_equal(fmt3339(&b, INT64_MIN, 0, 0), "0000-01-01T00:00:00Z");
	assert_string_equal(fmt5424(&b, INT64_MAX, 6, 0), "9999-12-31T23:59:59.999999Z");
	/* Formatters append. */
	ls_buf_reset(&b);
	ls_buf_append_cstr(&b, "t=");
	ls_time_format_rfc3339(&b, 0, 0, 0);
	ls_buf_append_char(&b, ' ');
	ls_time_format_zeek(&b, 1);
	ls_buf_append_char(&b, ' ');
	ls_time_format_rfc5424(&b, 0, 1, 0);
	assert_string_equal(b.data, "t=1970-01-01T00:00:00Z 0.000001 1970-01-01T00:00:00.0Z");
	assert_int_equal(b.len, strlen(b.data));
	ls_buf_fini(&b);
}

/* ---------------------------------------------------------------- calendar */

static void test_from_civil_rejects(void **state)
{
	(void)state;
	static const ls_civil bad[] = {
		{ -1, 1, 1, 0, 0, 0, 0 },         { 10000, 1, 1, 0, 0, 0, 0 },
		{ 2024, 0, 1, 0, 0, 0, 0 },       { 2024, 13, 1, 0, 0, 0, 0 },
		{ 2024, 1, 0, 0, 0, 0, 0 },       { 2024, 1, 32, 0, 0, 0, 0 },
		{ 2024, 4, 31, 0, 0, 0, 0 },      { 2023, 2, 29, 0, 0, 0, 0 },
		{ 2024, 2, 30, 0, 0, 0, 0 },      { 2024, 1, 1, -1, 0, 0, 0 },
		{ 2024, 1, 1, 24, 0, 0, 0 },      { 2024, 1, 1, 0, -1, 0, 0 },
		{ 2024, 1, 1, 0, 60, 0, 0 },      { 2024, 1, 1, 0, 0, -1, 0 },
		{ 2024, 1, 1, 0, 0, 60, 0 },      { 2024, 1, 1, 0, 0, 0, -1 },
		{ 2024, 1, 1, 0, 0, 0, 1000000 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ls_time t = 7;
		assert_int_equal(ls_time_from_civil(&bad[i], &t), LS_ERR_RANGE);
		assert_true(t == 7);
	}
	ls_civil ok = { 2024, 4, 30, 23, 59, 59, 999999 };
	ls_time t;
	assert_int_equal(ls_time_from_civil(&ok, &t), LS_OK);
}

/* Walk every day of years 0000-9999: each is the one after its predecessor. */
static void test_every_day(void **state)
{
	(void)state;
	int y = 0, m = 1, d = 1;
	long n = 0;
	for (ls_time t = LS_TIME_MIN; t <= LS_TIME_MAX; t += LS_USEC_PER_DAY) {
		ls_civil c;
		ls_time_to_civil(t + 12 * LS_USEC_PER_HOUR, &c);
		if (c.year != y || c.month != m || c.day != d) {
			print_error("day %ld: got %04d-%02d-%02d, want %04d-%02d-%02d\n", n, c.year,
			            c.month, c.day, y, m, d);
			fail();
		}
		assert_int_equal(c.hour, 12);
		assert_true(civil_time(y, m, d, 0, 0, 0, 0) == t);
		assert_int_equal(ls_time_weekday(t), (int)((n + 5) % 7));
		if (++d > month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		n++;
	}
	assert_int_equal(y, 10000);
	assert_int_equal(n, 3652425); /* 25 Gregorian cycles of 146097 days */
}

/* ------------------------------------------------------- property tests */

/* Both directions: time -> fields -> time, and fields -> time -> fields. */
static void test_prop_civil_roundtrip(void **state)
{
	(void)state;
	uint64_t *w = random_words(3 * N_RANDOM, "time civil roundtrip");
	for (size_t i = 0; i < 2 * N_RANDOM; i++) {
		ls_time t = random_time(w[i], i >= N_RANDOM);
		ls_civil c;
		ls_time_to_civil(t, &c);
		ls_time back = 0;
		assert_int_equal(ls_time_from_civil(&c, &back), LS_OK);
		assert_true(back == t);
	}
	for (size_t i = 2 * N_RANDOM; i < 3 * N_RANDOM; i++) {
		ls_civil c, back;
		ls_time t;
		random_civil(w[i], &c);
		assert_int_equal(ls_time_from_civil(&c, &t), LS_OK);
		ls_time_to_civil(t, &back);
		assert_memory_equal(&back, &c, sizeof c);
	}
	free(w);
}

static void test_prop_matches_gmtime(void **state)
{
	(void)state;
	uint64_t *w = random_words(2 * N_RANDOM, "time vs gmtime_r");
	size_t compared = 0;
	for (size_t i = 0; i < 2 * N_RANDOM; i++) {
		ls_time t = random_time(w[i], i >= N_RANDOM);
		int64_t sec = t / LS_USEC_PER_SEC - (t % LS_USEC_PER_SEC < 0);
		time_t tt = (time_t)sec;
		if ((int64_t)tt != sec)
			continue; /* outside this platform's time_t */
		struct tm tm;
		assert_non_null(gmtime_r(&tt, &tm));
		ls_civil c;
		ls_time_to_civil(t, &c);
		assert_int_equal(c.year, (long)tm.tm_year + 1900);
		assert_int_equal(c.month, tm.tm_mon + 1);
		assert_int_equal(c.day, tm.tm_mday);
		assert_int_equal(c.hour, tm.tm_hour);
		assert_int_equal(c.minute, tm.tm_min);
		assert_int_equal(c.second, tm.tm_sec);
		assert_int_equal(ls_time_weekday(t), (tm.tm_wday + 6) % 7);
		compared++;
	}
	assert_true(compared >= N_RANDOM); /* the near-epoch half always fits */
	free(w);
}

static void test_prop_rfc3339_roundtrip(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	uint64_t *w = random_words(4 * N_RANDOM, "time rfc3339 roundtrip");
	for (size_t i = 0; i < 2 * N_RANDOM; i++) {
		ls_time t = random_time(w[2 * i], i >= N_RANDOM);
		int frac = 6 + (int)(w[2 * i + 1] % 4);
		int off = random_offset(w[2 * i + 1] >> 8);
		ls_time back = 0;
		fmt3339(&b, t, frac, off);
		assert_int_equal(ls_time_parse_rfc3339(ls_buf_sv(&b), &back, NULL), LS_OK);
		assert_true(back == t);
		fmt3339(&b, t, LS_TIME_FRAC_AUTO, off);
		assert_int_equal(ls_time_parse_rfc3339(ls_buf_sv(&b), &back, NULL), LS_OK);
		assert_true(back == t);
	}
	free(w);
	ls_buf_fini(&b);
}

static void test_prop_rfc5424_roundtrip(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	uint64_t *w = random_words(4 * N_RANDOM, "time rfc5424 roundtrip");
	for (size_t i = 0; i < 2 * N_RANDOM; i++) {
		ls_time t = random_time(w[2 * i], i >= N_RANDOM);
		int off = random_offset(w[2 * i + 1]);
		ls_time back = 0;
		bool nil = true;
		fmt5424(&b, t, 6, off);
		assert_int_equal(ls_time_parse_rfc5424(ls_buf_sv(&b), &back, &nil, NULL), LS_OK);
		assert_false(nil);
		assert_true(back == t);
	}
	free(w);
	ls_buf_fini(&b);
}

static void test_prop_zeek_roundtrip(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	uint64_t *w = random_words(2 * N_RANDOM, "time zeek roundtrip");
	for (size_t i = 0; i < 2 * N_RANDOM; i++) {
		ls_time t = random_time(w[i], i >= N_RANDOM);
		ls_time back = 0;
		fmtzeek(&b, t);
		assert_int_equal(ls_time_parse_zeek(ls_buf_sv(&b), &back, NULL), LS_OK);
		assert_true(back == t);
	}
	free(w);
	ls_buf_fini(&b);
}

/*
 * Canonical strings built field by field with snprintf (independently of
 * the formatter) parse and format back to the same bytes.
 */
static void test_prop_canonical_strings(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	uint64_t *w = random_words(3 * N_RANDOM, "time canonical strings");
	char text[64];
	for (size_t i = 0; i < N_RANDOM; i++) {
		ls_civil c;
		random_civil(w[3 * i], &c);
		uint64_t v = w[3 * i + 1];
		int off = (v & 1) ? 0 : random_offset(v >> 1);
		int n = snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06d", c.year,
		                 c.month, c.day, c.hour, c.minute, c.second, c.usec);
		if (off == 0)
			snprintf(text + n, sizeof text - (size_t)n, "Z");
		else
			snprintf(text + n, sizeof text - (size_t)n, "%c%02d:%02d",
			         off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);

		ls_time t = 0, t5 = 0;
		bool nil;
		ls_err e = ls_time_parse_rfc3339(ls_sv_from_cstr(text), &t, NULL);
		if (e == LS_ERR_RANGE && (c.year == 0 || c.year == 9999))
			continue; /* the offset pushed it past an end of the range */
		assert_int_equal(e, LS_OK);
		assert_string_equal(fmt3339(&b, t, 6, off), text);
		assert_int_equal(ls_time_parse_rfc5424(ls_sv_from_cstr(text), &t5, &nil, NULL),
		                 LS_OK);
		assert_true(t5 == t);
		assert_string_equal(fmt5424(&b, t, 6, off), text);

		/* Zeek: seconds and six digits, sign from the value. */
		ls_time z = random_time(w[3 * i + 2], (i & 1) != 0);
		uint64_t mag = z < 0 ? (uint64_t)0 - (uint64_t)z : (uint64_t)z;
		snprintf(text, sizeof text, "%s%" PRIu64 ".%06" PRIu64, z < 0 ? "-" : "",
		         mag / 1000000, mag % 1000000);
		assert_int_equal(ls_time_parse_zeek(ls_sv_from_cstr(text), &t, NULL), LS_OK);
		assert_true(t == z);
		assert_string_equal(fmtzeek(&b, t), text);
	}
	free(w);
	ls_buf_fini(&b);
}

/* ---------------------------------------------------------------- bad input */

static void test_bad_syntax(void **state)
{
	(void)state;
	check_bad(P3339, "", LS_ERR_PARSE, 1, "got end of input");
	check_bad_n(P3339, NULL, 0, LS_ERR_PARSE, 1, NULL);
	check_bad(P3339, " 2024-01-01T00:00:00Z", LS_ERR_PARSE, 1, "got ' '");
	check_bad(P3339, "2024-01-01T00:00:00Z ", LS_ERR_PARSE, 21, "end of input");
	check_bad(P3339, "2024-01-01T00:00:00Z\n", LS_ERR_PARSE, 21, "'\\x0A'");
	check_bad(P3339, "2024-01-01\t00:00:00Z", LS_ERR_PARSE, 11, "'\\x09'");
	check_bad(P5424, "", LS_ERR_PARSE, 1, NULL);
	check_bad(P3339, "24-01-01T00:00:00Z", LS_ERR_PARSE, 3, "expected 4-digit year, got '-'");
	check_bad(P3339, "20240-01-01T00:00:00Z", LS_ERR_PARSE, 5, "'-' after year");
	check_bad(P3339, "2024-1-01T00:00:00Z", LS_ERR_PARSE, 7, "2-digit month");
	check_bad(P3339, "2024-01-1T00:00:00Z", LS_ERR_PARSE, 10, "2-digit day");
	check_bad(P3339, "2024-01-01T0:00:00Z", LS_ERR_PARSE, 13, "2-digit hour");
	check_bad(P3339, "2024-01-01T00:00Z", LS_ERR_PARSE, 17, "':' after minute");
	check_bad(P3339, "2024-01-01", LS_ERR_PARSE, 11, "got end of input");
	check_bad(P3339, "2024/01/01T00:00:00Z", LS_ERR_PARSE, 5, NULL);
	check_bad(P3339, "+2024-01-01T00:00:00Z", LS_ERR_PARSE, 1, NULL);
}

static void test_bad_field_ranges(void **state)
{
	(void)state;
	check_bad(P3339, "2024-02-30T00:00:00Z", LS_ERR_RANGE, 9, "day 30 out of range");
	check_bad(P3339, "2023-02-29T00:00:00Z", LS_ERR_RANGE, 9, "expected 01 to 28");
	check_bad(P3339, "1900-02-29T00:00:00Z", LS_ERR_RANGE, 9, NULL);
	check_bad(P3339, "2024-04-31T00:00:00Z", LS_ERR_RANGE, 9, NULL);
	check_bad(P3339, "2024-01-00T00:00:00Z", LS_ERR_RANGE, 9, NULL);
	check_bad(P3339, "2024-13-01T00:00:00Z", LS_ERR_RANGE, 6, "month 13 out of range");
	check_bad(P3339, "2024-00-01T00:00:00Z", LS_ERR_RANGE, 6, "expected 01 to 12");
	check_bad(P5424, "2024-02-30T00:00:00Z", LS_ERR_RANGE, 9, NULL);
	check_bad(P3339, "2024-01-01T24:00:00Z", LS_ERR_RANGE, 12, "hour 24 out of range");
	check_bad(P3339, "2024-01-01T00:60:00Z", LS_ERR_RANGE, 15, "minute 60 out of range");
	check_bad(P3339, "2024-01-01T23:59:60Z", LS_ERR_RANGE, 18, "leap second");
	check_bad(P3339, "2016-12-31T23:59:60Z", LS_ERR_RANGE, 18, "leap second");
	check_bad(P3339, "2024-01-01T00:00:61Z", LS_ERR_RANGE, 18, "second 61 out of range");
	check_bad(P5424, "2024-01-01T23:59:60Z", LS_ERR_RANGE, 18, "leap second");
}

static void test_bad_zone(void **state)
{
	(void)state;
	check_bad(P3339, "2024-01-01T00:00:00", LS_ERR_PARSE, 20, "got end of input");
	check_bad(P3339, "2024-01-01T00:00:00.5", LS_ERR_PARSE, 22, "offset");
	check_bad(P3339, "2024-01-01T00:00:00+24:00", LS_ERR_RANGE, 21, "offset hour 24");
	check_bad(P3339, "2024-01-01T00:00:00+23:60", LS_ERR_RANGE, 24, "offset minute 60");
	check_bad(P3339, "2024-01-01T00:00:00+0800", LS_ERR_PARSE, 23, "':' after offset hour");
	check_bad(P3339, "2024-01-01T00:00:00+8:00", LS_ERR_PARSE, 22, NULL);
	check_bad(P3339, "2024-01-01T00:00:00+08:0", LS_ERR_PARSE, 25, "got end of input");
	check_bad(P3339, "2024-01-01T00:00:00UTC", LS_ERR_PARSE, 20, "got 'U'");
}

static void test_bad_fraction(void **state)
{
	(void)state;
	check_bad(P3339, "2024-01-01T00:00:00.1234567890Z", LS_ERR_PARSE, 30,
	          "more than 9 fraction digits");
	check_bad(P3339, "2024-01-01T00:00:00.Z", LS_ERR_PARSE, 21, "digit after '.', got 'Z'");
	check_bad(P3339, "2024-01-01T00:00:00.", LS_ERR_PARSE, 21, "got end of input");
	check_bad(P3339, "2024-01-01T00:00:00,5Z", LS_ERR_PARSE, 20, "got ','");
	check_bad(P3339, "2024-01-01T00:00:00.5.5Z", LS_ERR_PARSE, 22, "got '.'");
}

static void test_bad_trailing_garbage(void **state)
{
	(void)state;
	check_bad(P3339, "2024-01-01T00:00:00Zx", LS_ERR_PARSE, 21, "expected end of input");
	check_bad(P3339, "2024-01-01T00:00:00ZZ", LS_ERR_PARSE, 21, NULL);
	check_bad(P3339, "2024-01-01T00:00:00+01:00x", LS_ERR_PARSE, 26, "got 'x'");
	check_bad(P3339, "2024-01-01T00:00:00+01:000", LS_ERR_PARSE, 26, NULL);
	/* The exact wording, as a user would see it. */
	ls_diag d;
	ls_time t;
	ls_diag_clear(&d);
	assert_int_equal(ls_time_parse_rfc3339(LS_SV_LIT("2024-01-01T00x00:00Z"), &t, &d),
	                 LS_ERR_PARSE);
	assert_string_equal(d.message, "timestamp: expected ':' after hour, got 'x'");
	assert_int_equal(d.col, 14);
}

static void test_bad_too_long(void **state)
{
	(void)state;
	char text[LS_TIME_TEXT_MAX + 2];
	/* A valid timestamp followed by padding: the length check comes first. */
	memset(text, '0', sizeof text);
	memcpy(text, "2024-01-01T00:00:00Z", 20);
	check_bad_n(P3339, text, LS_TIME_TEXT_MAX + 1, LS_ERR_TOOLONG, LS_TIME_TEXT_MAX + 1,
	            "longer than 64 bytes");
	check_bad_n(P5424, text, LS_TIME_TEXT_MAX + 2, LS_ERR_TOOLONG, LS_TIME_TEXT_MAX + 1, NULL);
	/* At exactly the limit the text is scanned (and here rejected as garbage). */
	check_bad_n(P3339, text, LS_TIME_TEXT_MAX, LS_ERR_PARSE, 21, NULL);
	/* Digits only: Zeek reports the length before any range problem. */
	memset(text, '1', sizeof text);
	check_bad_n(PZEEK, text, LS_TIME_TEXT_MAX + 1, LS_ERR_TOOLONG, LS_TIME_TEXT_MAX + 1, NULL);
	check_bad_n(PZEEK, text, LS_TIME_TEXT_MAX, LS_ERR_RANGE, 1, NULL);
	/* A megabyte of input costs nothing to reject. */
	size_t big = 1u << 20;
	char *huge = ls_xmalloc(big);
	memset(huge, '1', big);
	check_bad_n(PZEEK, huge, big, LS_ERR_TOOLONG, LS_TIME_TEXT_MAX + 1, NULL);
	free(huge);
}

static void test_bad_range_via_offset(void **state)
{
	(void)state;
	check_bad(P3339, "9999-12-31T23:00:00-01:00", LS_ERR_RANGE, 20,
	          "outside years 0000 to 9999");
	check_bad(P3339, "9999-12-31T23:59:59.999999-00:01", LS_ERR_RANGE, 27, NULL);
	check_bad(P3339, "0000-01-01T00:00:00+00:01", LS_ERR_RANGE, 20, NULL);
	check_bad(P5424, "9999-12-31T23:00:00-01:00", LS_ERR_RANGE, 20, NULL);
	assert_true(must_parse(P3339, "9999-12-31T22:59:59.999999-01:00") == LS_TIME_MAX);
	assert_true(must_parse(P3339, "0000-01-01T01:00:00+01:00") == LS_TIME_MIN);
}

static void test_bad_non_utf8(void **state)
{
	(void)state;
	check_bad(P3339, "2024-01-01T00:00:00\xffZ", LS_ERR_PARSE, 20, "got '\\xFF'");
	check_bad(P3339,
	          "\xc3\xa9"
	          "2024-01-01T00:00:00Z",
	          LS_ERR_PARSE, 1, "got '\\xC3'");
	check_bad(P3339, "2024-01-01T00:00:00.12\x80Z", LS_ERR_PARSE, 23, "'\\x80'");
	check_bad(P3339, "2024-01-01T00:00:00Z\xed\xa0\x80", LS_ERR_PARSE, 21, "'\\xED'");
	check_bad(P5424,
	          "2024-01-01\xe2\x80\x83"
	          "00:00:00Z",
	          LS_ERR_PARSE, 11, "'\\xE2'");
	check_bad(PZEEK, "17\xff", LS_ERR_PARSE, 3, "'\\xFF'");
	/* An embedded NUL is just another wrong byte. */
	check_bad_n(P3339,
	            "2024-01-01\0"
	            "00:00:00Z",
	            20, LS_ERR_PARSE, 11, "'\\x00'");
}

static void test_bad_rfc5424_strictness(void **state)
{
	(void)state;
	check_bad(P5424, "2024-01-01t00:00:00Z", LS_ERR_PARSE, 11, "uppercase 'T'");
	check_bad(P5424, "2024-01-01 00:00:00Z", LS_ERR_PARSE, 11, "got ' '");
	check_bad(P5424, "2024-01-01T00:00:00z", LS_ERR_PARSE, 20, "uppercase 'Z'");
	check_bad(P5424, "2024-01-01T00:00:00.1234567Z", LS_ERR_PARSE, 27,
	          "more than 6 fraction digits");
	check_bad(P5424, "2024-01-01T00:00:00.Z", LS_ERR_PARSE, 21, NULL);
	check_bad(P5424, "2024-01-01T00:00:00", LS_ERR_PARSE, 20, NULL);
	check_bad(P5424, "- ", LS_ERR_PARSE, 1, NULL);
	/* The same text is fine for RFC 3339. */
	ls_time a = must_parse(P3339, "2024-01-01t00:00:00.1234567z");
	assert_true(a == must_parse(P5424, "2024-01-01T00:00:00.123456Z"));
}

static void test_bad_zeek(void **state)
{
	(void)state;
	check_bad(PZEEK, "1.2.3", LS_ERR_PARSE, 4, "expected end of input, got '.'");
	check_bad(PZEEK, "", LS_ERR_PARSE, 1, "got end of input");
	check_bad(PZEEK, "abc", LS_ERR_PARSE, 1, "got 'a'");
	check_bad(PZEEK, "-", LS_ERR_PARSE, 2, "digit after '-'");
	check_bad(PZEEK, "--1", LS_ERR_PARSE, 2, NULL);
	check_bad(PZEEK, "1.", LS_ERR_PARSE, 3, "digit after '.'");
	check_bad(PZEEK, ".5", LS_ERR_PARSE, 1, NULL);
	check_bad(PZEEK, "1.1234567890", LS_ERR_PARSE, 12, "more than 9 fraction digits");
	check_bad(PZEEK, "+1", LS_ERR_PARSE, 1, NULL);
	check_bad(PZEEK, " 1", LS_ERR_PARSE, 1, NULL);
	check_bad(PZEEK, "1 ", LS_ERR_PARSE, 2, "digit, '.' or end of input");
	check_bad(PZEEK, "1e9", LS_ERR_PARSE, 2, NULL);
	check_bad(PZEEK, "253402300800", LS_ERR_RANGE, 1, "outside years 0000 to 9999");
	check_bad(PZEEK, "-62167219200.000001", LS_ERR_RANGE, 1, NULL);
	check_bad(PZEEK, "-62167219200.0000001", LS_ERR_RANGE, 1, NULL);
	check_bad(PZEEK, "99999999999999999999999999999999.5", LS_ERR_RANGE, 1, NULL);
}

static void test_format_fields_layouts(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_time t = INT64_C(1772409600123456); /* 2026-03-02T00:00:00.123456Z */
	ls_time_format_fields(&b, t, '-', ' ', ':', 3);
	assert_string_equal(b.data, "2026-03-02 00:00:00.123");
	ls_buf_reset(&b);
	ls_time_format_fields(&b, t, '-', '-', '-', 0);
	assert_string_equal(b.data, "2026-03-02-00-00-00");
	ls_buf_reset(&b);
	ls_time_format_fields(&b, -1, '/', 'T', '.', 6);
	assert_string_equal(b.data, "1969/12/31T23.59.59.999999");
	ls_buf_fini(&b);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_fields_layouts),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_before_epoch),
		cmocka_unit_test(test_leap_days),
		cmocka_unit_test(test_range_limits),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_rfc3339_separators_and_case),
		cmocka_unit_test(test_rfc5424_valid_and_nil),
		cmocka_unit_test(test_zeek_values),
		cmocka_unit_test(test_parse_truncates_sub_microsecond),
		cmocka_unit_test(test_format_fraction),
		cmocka_unit_test(test_format_edges),
		cmocka_unit_test(test_from_civil_rejects),
		cmocka_unit_test(test_every_day),
		cmocka_unit_test(test_prop_civil_roundtrip),
		cmocka_unit_test(test_prop_matches_gmtime),
		cmocka_unit_test(test_prop_rfc3339_roundtrip),
		cmocka_unit_test(test_prop_rfc5424_roundtrip),
		cmocka_unit_test(test_prop_zeek_roundtrip),
		cmocka_unit_test(test_prop_canonical_strings),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_bad_field_ranges),
		cmocka_unit_test(test_bad_zone),
		cmocka_unit_test(test_bad_fraction),
		cmocka_unit_test(test_bad_trailing_garbage),
		cmocka_unit_test(test_bad_too_long),
		cmocka_unit_test(test_bad_range_via_offset),
		cmocka_unit_test(test_bad_non_utf8),
		cmocka_unit_test(test_bad_rfc5424_strictness),
		cmocka_unit_test(test_bad_zeek),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
