/*
 * time.c - calendar arithmetic, and the RFC 3339, Zeek and RFC 5424 forms.
 *
 * Calendar. Dates are counted in "March years" that begin on March 1, which
 * puts the leap day at the very end of a year: the months before it then
 * have fixed lengths, and the first day of March-based month m (March = 0)
 * is (153 * m + 2) / 5 days into the year, a line that reproduces the
 * 31-30-31-30-31 rhythm of March..January. Going back from a day count, the
 * count is split into 400-year eras of 146097 days (the full Gregorian
 * cycle) with a single floor division, so negative times need no other care;
 * inside an era every quantity is non-negative.
 *
 * Parsing. One scanner (a cursor over the bytes that also knows how to
 * report an error at a column) serves all three parsers, and RFC 3339 and
 * RFC 5424 share a single walk over the grammar that differs only in a
 * strictness flag. The scanner never looks past len, so input need not be
 * NUL-terminated. Errors are cold: the message is only formatted when the
 * caller asked for a diagnostic.
 *
 * Formatting writes digits straight into the buffer after one reserve; it
 * never goes through printf.
 */
#include "core/time.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

/* --------------------------------------------------------------- calendar */

/* Days from 0000-03-01 (day 0 of March-based year 0) to 1970-01-01. */
#define EPOCH_FROM_MARCH0 INT64_C(719468)
/* Days in one 400-year Gregorian cycle. */
#define ERA_DAYS INT64_C(146097)

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const unsigned char mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/*
 * Days since 1970-01-01 of a valid date in years 0-9999. Shifting by one era
 * (400 years) keeps the March-based year positive, so plain division is exact
 * floor division here.
 */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t my = (int64_t)y - (m <= 2) + 400; /* March-based year, shifted */
	int mm = m > 2 ? m - 3 : m + 9;           /* March = 0 ... February = 11 */
	int64_t yday = (153 * mm + 2) / 5 + d - 1;
	int64_t start = my * 365 + my / 4 - my / 100 + my / 400;
	return start + yday - ERA_DAYS - EPOCH_FROM_MARCH0;
}

/* Calendar date of day z since 1970-01-01; any int64_t that ls_time yields. */
static void civil_from_days(int64_t z, ls_civil *c)
{
	z += EPOCH_FROM_MARCH0;
	int64_t era = z / ERA_DAYS - (z % ERA_DAYS < 0);
	int64_t eday = z - era * ERA_DAYS; /* 0 .. 146096 */
	/*
	 * Year of the era: remove the leap days that precede eday (one per 1460
	 * days, less one per 36524, plus the era's last day) and the rest is a
	 * whole number of 365-day years.
	 */
	int64_t eyear = (eday - eday / 1460 + eday / 36524 - eday / 146096) / 365;
	int64_t yday = eday - (eyear * 365 + eyear / 4 - eyear / 100); /* 0 .. 365 */
	int64_t mm = (5 * yday + 2) / 153;                             /* March = 0 */
	c->day = (int)(yday - (153 * mm + 2) / 5 + 1);
	c->month = (int)(mm < 10 ? mm + 3 : mm - 9);
	c->year = (int)(era * 400 + eyear + (c->month <= 2));
}

/* Local time of day fields plus a date, all already validated. */
static ls_time compose(const ls_civil *c)
{
	return days_from_civil(c->year, c->month, c->day) * LS_USEC_PER_DAY +
	       c->hour * LS_USEC_PER_HOUR + c->minute * LS_USEC_PER_MIN +
	       c->second * LS_USEC_PER_SEC + c->usec;
}

ls_err ls_time_from_civil(const ls_civil *c, ls_time *out)
{
	if (c->year < 0 || c->year > 9999 || c->month < 1 || c->month > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->month) || c->hour < 0 || c->hour > 23 ||
	    c->minute < 0 || c->minute > 59 || c->second < 0 || c->second > 59 || c->usec < 0 ||
	    c->usec >= LS_USEC_PER_SEC)
		return LS_ERR_RANGE;
	*out = compose(c);
	return LS_OK;
}

/* Floor division of t by a day, avoiding the overflow of days * LS_USEC_PER_DAY. */
static int64_t day_of(ls_time t, int64_t *usec_of_day)
{
	int64_t rem = t % LS_USEC_PER_DAY;
	int64_t days = t / LS_USEC_PER_DAY;
	if (rem < 0) {
		rem += LS_USEC_PER_DAY;
		days--;
	}
	if (usec_of_day)
		*usec_of_day = rem;
	return days;
}

void ls_time_to_civil(ls_time t, ls_civil *out)
{
	int64_t rem;
	civil_from_days(day_of(t, &rem), out);
	out->hour = (int)(rem / LS_USEC_PER_HOUR);
	rem %= LS_USEC_PER_HOUR;
	out->minute = (int)(rem / LS_USEC_PER_MIN);
	rem %= LS_USEC_PER_MIN;
	out->second = (int)(rem / LS_USEC_PER_SEC);
	out->usec = (int)(rem % LS_USEC_PER_SEC);
}

int ls_time_weekday(ls_time t)
{
	/* 1970-01-01 was a Thursday (3). */
	int64_t w = (day_of(t, NULL) + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/* ---------------------------------------------------------------- scanner */

typedef struct scanner {
	const char *s;
	size_t len;
	size_t pos;       /* next byte to look at */
	const char *name; /* prefixes every message: "timestamp: ..." */
	ls_diag *d;       /* NULL: report nothing */
} scanner;

static scanner scanner_make(ls_sv s, const char *name, ls_diag *d)
{
	return (scanner){ s.ptr, s.len, 0, name, d };
}

/* The byte at the cursor, or -1 at the end. */
static int peek(const scanner *sc)
{
	return sc->pos < sc->len ? (unsigned char)sc->s[sc->pos] : -1;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Name a byte for a message: 'x' if printable ASCII, else '\xNN'. */
static void describe(int c, char out[16])
{
	static const char hex[] = "0123456789ABCDEF";
	if (c < 0) {
		memcpy(out, "end of input", sizeof "end of input");
	} else if (c >= 0x20 && c < 0x7f) {
		out[0] = '\'';
		out[1] = (char)c;
		out[2] = '\'';
		out[3] = '\0';
	} else {
		memcpy(out, "'\\x", 3);
		out[3] = hex[c >> 4];
		out[4] = hex[c & 15];
		out[5] = '\'';
		out[6] = '\0';
	}
}

static ls_err fail(const scanner *sc, ls_err err, size_t pos, const char *fmt, ...) LS_PRINTF(4, 5);

/* Record err at 0-based byte pos with "name: message"; returns err. */
static ls_err fail(const scanner *sc, ls_err err, size_t pos, const char *fmt, ...)
{
	if (sc->d == NULL)
		return err;
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	return ls_diag_set(sc->d, err, NULL, 0, (unsigned long)pos + 1, "%s: %s", sc->name, msg);
}

/* A parse error at the cursor: "expected <what>, got <byte>". */
static ls_err expected(const scanner *sc, const char *what)
{
	char got[16];
	describe(peek(sc), got);
	return fail(sc, LS_ERR_PARSE, sc->pos, "expected %s, got %s", what, got);
}

static ls_err expect_char(scanner *sc, char c, const char *what)
{
	if (peek(sc) != (unsigned char)c)
		return expected(sc, what);
	sc->pos++;
	return LS_OK;
}

static ls_err check_length(const scanner *sc)
{
	if (sc->len > LS_TIME_TEXT_MAX)
		return fail(sc, LS_ERR_TOOLONG, LS_TIME_TEXT_MAX, "longer than %d bytes",
		            LS_TIME_TEXT_MAX);
	return LS_OK;
}

/*
 * Exactly width (<= 9) digits whose value lies in lo..hi. A non-digit is a
 * parse error at that byte; a value out of range is a range error at the
 * field's first digit.
 */
static ls_err scan_field(scanner *sc, int width, int lo, int hi, const char *what, int *out)
{
	size_t start = sc->pos;
	int v = 0;
	for (int i = 0; i < width; i++) {
		int c = peek(sc);
		if (!is_digit(c)) {
			char got[16];
			describe(c, got);
			return fail(sc, LS_ERR_PARSE, sc->pos, "expected %d-digit %s, got %s",
			            width, what, got);
		}
		v = v * 10 + (c - '0');
		sc->pos++;
	}
	if (v < lo || v > hi)
		return fail(sc, LS_ERR_RANGE, start, "%s %0*d out of range (expected %0*d to %0*d)",
		            what, width, v, width, lo, width, hi);
	*out = v;
	return LS_OK;
}

/*
 * After a '.': 1 to max digits. *usec receives the first six as microseconds;
 * *below is set when a later digit is nonzero, i.e. the text lies strictly
 * between *usec and the next microsecond.
 */
static ls_err scan_fraction(scanner *sc, unsigned max, int *usec, bool *below)
{
	int v = 0;
	unsigned n = 0;
	bool rest = false;
	while (is_digit(peek(sc))) {
		if (n == max)
			return fail(sc, LS_ERR_PARSE, sc->pos, "more than %u fraction digits", max);
		int digit = peek(sc) - '0';
		if (n < 6)
			v = v * 10 + digit;
		else if (digit)
			rest = true;
		n++;
		sc->pos++;
	}
	if (n == 0)
		return expected(sc, "digit after '.'");
	for (; n < 6; n++)
		v *= 10;
	*usec = v;
	*below = rest;
	return LS_OK;
}

/* ------------------------------------------------------ RFC 3339 and 5424 */

/*
 * The shared grammar walk. strict selects RFC 5424: 'T' and 'Z' uppercase
 * only, at most 6 fraction digits.
 */
static ls_err scan_timestamp(scanner *sc, bool strict, ls_time *out)
{
	ls_civil c = { 0 };
	ls_err e;

	if ((e = scan_field(sc, 4, 0, 9999, "year", &c.year)) != LS_OK ||
	    (e = expect_char(sc, '-', "'-' after year")) != LS_OK ||
	    (e = scan_field(sc, 2, 1, 12, "month", &c.month)) != LS_OK ||
	    (e = expect_char(sc, '-', "'-' after month")) != LS_OK ||
	    (e = scan_field(sc, 2, 1, days_in_month(c.year, c.month), "day", &c.day)) != LS_OK)
		return e;

	int ch = peek(sc);
	if (ch == 'T' || (!strict && (ch == 't' || ch == ' ')))
		sc->pos++;
	else
		return expected(sc, strict ? "uppercase 'T' between date and time"
		                           : "'T', 't' or ' ' between date and time");

	if ((e = scan_field(sc, 2, 0, 23, "hour", &c.hour)) != LS_OK ||
	    (e = expect_char(sc, ':', "':' after hour")) != LS_OK ||
	    (e = scan_field(sc, 2, 0, 59, "minute", &c.minute)) != LS_OK ||
	    (e = expect_char(sc, ':', "':' after minute")) != LS_OK)
		return e;
	size_t second_at = sc->pos;
	if ((e = scan_field(sc, 2, 0, 60, "second", &c.second)) != LS_OK)
		return e;
	if (c.second == 60)
		return fail(sc, LS_ERR_RANGE, second_at,
		            "second 60 (a leap second) is not supported; expected 00 to 59");

	if (peek(sc) == '.') {
		/* The fraction adds to a non-negative time of day: truncating floors. */
		bool below;
		sc->pos++;
		if ((e = scan_fraction(sc, strict ? 6 : 9, &c.usec, &below)) != LS_OK)
			return e;
	}

	size_t zone_at = sc->pos;
	int offset = 0; /* minutes east of UTC */
	ch = peek(sc);
	if (ch == 'Z' || (!strict && ch == 'z')) {
		sc->pos++;
	} else if (ch == '+' || ch == '-') {
		int oh, om;
		sc->pos++;
		if ((e = scan_field(sc, 2, 0, 23, "offset hour", &oh)) != LS_OK ||
		    (e = expect_char(sc, ':', "':' after offset hour")) != LS_OK ||
		    (e = scan_field(sc, 2, 0, 59, "offset minute", &om)) != LS_OK)
			return e;
		offset = ch == '-' ? -(oh * 60 + om) : oh * 60 + om;
	} else {
		return expected(sc, strict ? "uppercase 'Z' or a '+hh:mm'/'-hh:mm' offset"
		                           : "'Z', 'z' or a '+hh:mm'/'-hh:mm' offset");
	}
	if (sc->pos != sc->len)
		return expected(sc, "end of input after the zone");

	ls_time t = compose(&c) - offset * LS_USEC_PER_MIN;
	if (t < LS_TIME_MIN || t > LS_TIME_MAX)
		return fail(sc, LS_ERR_RANGE, zone_at,
		            "the offset moves the time outside years 0000 to 9999");
	*out = t;
	return LS_OK;
}

ls_err ls_time_parse_rfc3339(ls_sv s, ls_time *out, ls_diag *d)
{
	scanner sc = scanner_make(s, "timestamp", d);
	ls_err e = check_length(&sc);
	if (e != LS_OK)
		return e;
	return scan_timestamp(&sc, false, out);
}

ls_err ls_time_parse_rfc5424(ls_sv s, ls_time *out, bool *nil, ls_diag *d)
{
	scanner sc = scanner_make(s, "syslog timestamp", d);
	*nil = false;
	ls_err e = check_length(&sc);
	if (e != LS_OK)
		return e;
	if (s.len == 1 && s.ptr[0] == '-') {
		*nil = true;
		return LS_OK;
	}
	return scan_timestamp(&sc, true, out);
}

/* -------------------------------------------------------------------- Zeek */

/*
 * A whole-second count no valid time reaches (LS_TIME_MAX is about 2.5e11 s).
 * Counting stops growing past it, so long digit runs cannot overflow.
 */
#define ZEEK_SECONDS_CAP INT64_C(1000000000000)

static ls_err scan_zeek(scanner *sc, ls_time *out)
{
	bool neg = peek(sc) == '-';
	if (neg)
		sc->pos++;
	if (!is_digit(peek(sc)))
		return expected(sc, neg ? "digit after '-'" : "digit or '-'");
	int64_t sec = 0;
	while (is_digit(peek(sc))) {
		if (sec < ZEEK_SECONDS_CAP)
			sec = sec * 10 + (peek(sc) - '0');
		sc->pos++;
	}
	int usec = 0;
	bool below = false;
	if (peek(sc) == '.') {
		sc->pos++;
		ls_err e = scan_fraction(sc, 9, &usec, &below);
		if (e != LS_OK)
			return e;
		if (sc->pos != sc->len)
			return expected(sc, "end of input");
	} else if (sc->pos != sc->len) {
		return expected(sc, "digit, '.' or end of input");
	}

	ls_time t = 0;
	bool in_range = sec < ZEEK_SECONDS_CAP;
	if (in_range) {
		t = sec * LS_USEC_PER_SEC + usec;
		if (neg) /* floor: a remainder below 1 us goes to the earlier us */
			t = -t - (below ? 1 : 0);
		in_range = t >= LS_TIME_MIN && t <= LS_TIME_MAX;
	}
	if (!in_range)
		return fail(sc, LS_ERR_RANGE, 0, "seconds outside years 0000 to 9999");
	*out = t;
	return LS_OK;
}

ls_err ls_time_parse_zeek(ls_sv s, ls_time *out, ls_diag *d)
{
	scanner sc = scanner_make(s, "zeek time", d);
	ls_err e = check_length(&sc);
	if (e != LS_OK)
		return e;
	return scan_zeek(&sc, out);
}

/* ------------------------------------------------------------- formatting */

/* Write v as exactly width digits (v must fit) and return the end. */
static char *put_digits(char *p, uint64_t v, unsigned width)
{
	for (unsigned i = width; i-- > 0;) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static const int32_t pow10_6[7] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };

/* The shared RFC 3339 / 5424 writer; arguments already checked. */
static void format_timestamp(ls_buf *b, ls_time t, int frac_digits, int offset_minutes)
{
	if (t < LS_TIME_MIN)
		t = LS_TIME_MIN;
	else if (t > LS_TIME_MAX)
		t = LS_TIME_MAX;
	ls_time local = t + offset_minutes * LS_USEC_PER_MIN;
	if (local < LS_TIME_MIN || local > LS_TIME_MAX) {
		local = t; /* no 4-digit year at that offset: write UTC */
		offset_minutes = 0;
	}
	ls_civil c;
	ls_time_to_civil(local, &c);
	int n = frac_digits;
	if (n == LS_TIME_FRAC_AUTO)
		n = c.usec == 0 ? 0 : c.usec % 1000 == 0 ? 3 : 6;

	ls_buf_reserve(b, LS_TIME_FORMAT_MAX);
	char *p = b->data + b->len;
	p = put_digits(p, (uint64_t)c.year, 4);
	*p++ = '-';
	p = put_digits(p, (uint64_t)c.month, 2);
	*p++ = '-';
	p = put_digits(p, (uint64_t)c.day, 2);
	*p++ = 'T';
	p = put_digits(p, (uint64_t)c.hour, 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)c.minute, 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)c.second, 2);
	if (n > 0) {
		*p++ = '.';
		if (n <= 6) {
			p = put_digits(p, (uint64_t)(c.usec / pow10_6[6 - n]), (unsigned)n);
		} else {
			p = put_digits(p, (uint64_t)c.usec, 6);
			memset(p, '0', (size_t)(n - 6));
			p += n - 6;
		}
	}
	if (offset_minutes == 0) {
		*p++ = 'Z';
	} else {
		int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
		*p++ = offset_minutes < 0 ? '-' : '+';
		p = put_digits(p, (uint64_t)(a / 60), 2);
		*p++ = ':';
		p = put_digits(p, (uint64_t)(a % 60), 2);
	}
	*p = '\0';
	b->len = (size_t)(p - b->data);
}

/* Bring a bad offset back to 0 when asserts are compiled out. */
static int sane_offset(int offset_minutes)
{
	assert(offset_minutes >= -LS_TIME_OFFSET_MAX && offset_minutes <= LS_TIME_OFFSET_MAX);
	if (offset_minutes < -LS_TIME_OFFSET_MAX || offset_minutes > LS_TIME_OFFSET_MAX)
		return 0;
	return offset_minutes;
}

/* Bring frac_digits into AUTO..max when asserts are compiled out. */
static int sane_frac(int frac_digits, int max)
{
	assert(frac_digits >= LS_TIME_FRAC_AUTO && frac_digits <= max);
	if (frac_digits < LS_TIME_FRAC_AUTO)
		return LS_TIME_FRAC_AUTO;
	return frac_digits > max ? max : frac_digits;
}

void ls_time_format_rfc3339(ls_buf *b, ls_time t, int frac_digits, int offset_minutes)
{
	format_timestamp(b, t, sane_frac(frac_digits, 9), sane_offset(offset_minutes));
}

void ls_time_format_rfc5424(ls_buf *b, ls_time t, int frac_digits, int offset_minutes)
{
	format_timestamp(b, t, sane_frac(frac_digits, 6), sane_offset(offset_minutes));
}

void ls_time_format_zeek(ls_buf *b, ls_time t)
{
	uint64_t mag = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	uint64_t sec = mag / (uint64_t)LS_USEC_PER_SEC;
	unsigned digits = ls_u64_digits(sec);
	ls_buf_reserve(b, 1 + digits + 1 + 6);
	char *p = b->data + b->len;
	if (t < 0)
		*p++ = '-';
	p = put_digits(p, sec, digits);
	*p++ = '.';
	p = put_digits(p, mag % (uint64_t)LS_USEC_PER_SEC, 6);
	*p = '\0';
	b->len = (size_t)(p - b->data);
}

void ls_time_format_fields(ls_buf *b, ls_time t, char ds, char mid, char ts, int frac_digits)
{
	assert(frac_digits >= 0 && frac_digits <= 6);
	ls_civil c;
	ls_time_to_civil(t, &c);
	ls_buf_append_u64_padded(b, (uint64_t)c.year, 4);
	ls_buf_append_char(b, ds);
	ls_buf_append_u64_padded(b, (uint64_t)c.month, 2);
	ls_buf_append_char(b, ds);
	ls_buf_append_u64_padded(b, (uint64_t)c.day, 2);
	ls_buf_append_char(b, mid);
	ls_buf_append_u64_padded(b, (uint64_t)c.hour, 2);
	ls_buf_append_char(b, ts);
	ls_buf_append_u64_padded(b, (uint64_t)c.minute, 2);
	ls_buf_append_char(b, ts);
	ls_buf_append_u64_padded(b, (uint64_t)c.second, 2);
	if (frac_digits > 0) {
		static const uint32_t div[] = { 1000000, 100000, 10000, 1000, 100, 10, 1 };
		ls_buf_append_char(b, '.');
		ls_buf_append_u64_padded(b, (uint64_t)c.usec / div[frac_digits], (unsigned)frac_digits);
	}
}
