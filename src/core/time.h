/*
 * time.h - UTC timestamps as integer microseconds, and their text forms.
 *
 * Every record leaksim writes or reads carries a time, so times are plain
 * 64-bit integers (cheap to compare, sort and hash) and conversion to and
 * from the calendar is pure integer arithmetic in the proleptic Gregorian
 * calendar. Nothing here consults the C library's time functions, the time
 * zone database or the wall clock, so results are identical on every host.
 * Leap seconds do not exist in this model (as in POSIX time): a second field
 * of 60 is rejected.
 *
 * Three text forms are supported, each with a strict parser and a canonical
 * formatter: RFC 3339 (JSON logs), Zeek's epoch seconds ("1700000000.123456")
 * and the RFC 5424 syslog TIMESTAMP. The parsers accept only the grammar as
 * written: no surrounding whitespace, exactly the right number of digits in
 * every field. Fractions finer than a microsecond are truncated toward the
 * earlier instant (floor), never rounded, so parsing never moves a time
 * across a second, day or year boundary.
 *
 * Errors: LS_ERR_PARSE when the text does not follow the grammar, LS_ERR_RANGE
 * when it does but a field is out of range (month 13, February 30, hour 24,
 * second 60, offset +24:00) or the instant lies outside LS_TIME_MIN ..
 * LS_TIME_MAX, LS_ERR_TOOLONG when the text exceeds LS_TIME_TEXT_MAX bytes.
 * The diagnostic's col is the 1-based byte column within the parsed text of
 * the offending character (one past the end when input ended too early);
 * line is 0 and file NULL, for the caller to fill in and offset. Messages
 * start with the form's name ("timestamp: ", "syslog timestamp: ", "zeek
 * time: ") and say what was expected. On error *out is left untouched.
 *
 * Ownership: parsers borrow their input view; formatters append to a buffer
 * the caller owns.
 */
#ifndef LS_CORE_TIME_H
#define LS_CORE_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

/* Microseconds since 1970-01-01T00:00:00Z. */
typedef int64_t ls_time;

#define LS_USEC_PER_MSEC INT64_C(1000)
#define LS_USEC_PER_SEC INT64_C(1000000)
#define LS_USEC_PER_MIN (60 * LS_USEC_PER_SEC)
#define LS_USEC_PER_HOUR (60 * LS_USEC_PER_MIN)
#define LS_USEC_PER_DAY (24 * LS_USEC_PER_HOUR)

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the supported range. */
#define LS_TIME_MIN INT64_C(-62167219200000000)
#define LS_TIME_MAX INT64_C(253402300799999999)

/* Largest |offset_minutes| a formatter accepts: 23:59. */
#define LS_TIME_OFFSET_MAX (23 * 60 + 59)
/* frac_digits value: the shortest of 0, 3 or 6 digits that is exact. */
#define LS_TIME_FRAC_AUTO (-1)
/* Longest text any formatter here produces (RFC 3339, 9 digits, offset). */
#define LS_TIME_FORMAT_MAX 35

/* A broken-down UTC (or local) time: month 1-12, day 1-31, usec 0-999999. */
typedef struct ls_civil {
	int year;
	int month;
	int day;
	int hour;
	int minute;
	int second;
	int usec;
} ls_civil;

/* --------------------------------------------------------------- calendar */

/*
 * Convert calendar fields to a time. Every field is checked (year 0-9999,
 * February 29 only in leap years, second 0-59): LS_ERR_RANGE if any is wrong.
 */
ls_err ls_time_from_civil(const ls_civil *c, ls_time *out) LS_WUR;

/*
 * Split t into UTC calendar fields. Defined for every int64_t (years outside
 * 0-9999 come out as such); negative times round toward the past.
 */
void ls_time_to_civil(ls_time t, ls_civil *out);

/* Day of the week of t in UTC: 0 = Monday ... 6 = Sunday. */
int ls_time_weekday(ls_time t);

/* ---------------------------------------------------------------- RFC 3339 */

/*
 * Parse YYYY-MM-DD(T|t| )HH:MM:SS[.F](Z|z|+hh:mm|-hh:mm), F being 1-9 digits
 * (past the 6th truncated toward the earlier instant). "-00:00" means UTC.
 * d may be NULL.
 */
ls_err ls_time_parse_rfc3339(ls_sv s, ls_time *out, ls_diag *d) LS_WUR;

/*
 * Append t as YYYY-MM-DDTHH:MM:SS[.F](Z|+hh:mm|-hh:mm). frac_digits is 0-9
 * (digits past the 6th are zeros; fewer than 6 truncate toward the earlier
 * instant) or LS_TIME_FRAC_AUTO. offset_minutes 0 writes "Z"; otherwise the
 * local time at that offset (|offset| <= LS_TIME_OFFSET_MAX). If that local
 * time would fall outside years 0000-9999 the time is written in UTC with
 * "Z" instead; a t outside LS_TIME_MIN..LS_TIME_MAX is clamped to the range.
 * Either way the output always parses back.
 */
void ls_time_format_rfc3339(ls_buf *b, ls_time t, int frac_digits, int offset_minutes);

/* -------------------------------------------------------------------- Zeek */

/*
 * Parse Zeek's epoch seconds: an optional '-', one or more digits, and an
 * optional '.' with 1-9 digits (past the 6th truncated toward the earlier
 * instant, so "-0.0000001" is -1 microsecond). d may be NULL.
 */
ls_err ls_time_parse_zeek(ls_sv s, ls_time *out, ls_diag *d) LS_WUR;

/*
 * Append t (UTC) as "YYYY<ds>MM<ds>DD<mid>hh<ts>mm<ts>ss", then, if
 * frac_digits (0-6) is not 0, '.' and that many digits, truncated. For the
 * fixed layouts other tools use: Sysmon's UtcTime is ('-', ' ', ':', 3),
 * Zeek's #open stamp ('-', '-', '-', 0). t must be in LS_TIME_MIN..MAX.
 */
void ls_time_format_fields(ls_buf *b, ls_time t, char ds, char mid, char ts, int frac_digits);

/* Append t as seconds with exactly 6 fractional digits ("-0.000001"). */
void ls_time_format_zeek(ls_buf *b, ls_time t);

/* ---------------------------------------------------------------- RFC 5424 */

/*
 * Parse an RFC 5424 TIMESTAMP: the NILVALUE "-" gives LS_OK with *nil true
 * and *out untouched; otherwise *nil is false and the grammar is RFC 3339's,
 * narrowed: uppercase 'T' and 'Z' only, 1-6 fractional digits. d may be NULL.
 */
ls_err ls_time_parse_rfc5424(ls_sv s, ls_time *out, bool *nil, ls_diag *d) LS_WUR;

/*
 * Append t as an RFC 5424 TIMESTAMP: as ls_time_format_rfc3339 with
 * frac_digits 0-6 or LS_TIME_FRAC_AUTO.
 */
void ls_time_format_rfc5424(ls_buf *b, ls_time t, int frac_digits, int offset_minutes);

#endif
