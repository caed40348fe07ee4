/*
 * syslog.c - RFC 5424 and RFC 3164 lines into events.
 *
 * One cursor walks the line left to right; every check fails with the
 * offset of the byte it looked at, so column numbers are exact. Nothing is
 * copied except SD-PARAM values that contain escapes.
 */
#include "io/syslog.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

typedef struct cursor {
	const char *s;
	size_t len;
	size_t i;
	unsigned long lineno;
	ls_event *ev;
	ls_arena *a;
	ls_diag *d;
} cursor;

/* Decimal texts of facility (0-23) and severity (0-7) values. */
static const char *const small_num[24] = { "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",
	                                   "8",  "9",  "10", "11", "12", "13", "14", "15",
	                                   "16", "17", "18", "19", "20", "21", "22", "23" };

static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
/* Longest month lengths over all years: February may have 29 days. */
static const int month_days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

static ls_err fail(const cursor *c, size_t off, const char *fmt, ...) LS_PRINTF(3, 4);

static ls_err fail(const cursor *c, size_t off, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ls_diag_set(c->d, LS_ERR_PARSE, NULL, c->lineno, (unsigned long)off + 1, "%s", msg);
}

static const char *describe(const cursor *c, size_t off, char buf[16])
{
	if (off >= c->len)
		return "end of line";
	unsigned char ch = (unsigned char)c->s[off];
	if (ch == ' ')
		return "' '";
	if (ch >= 0x21 && ch < 0x7f)
		snprintf(buf, 16, "'%c'", ch);
	else
		snprintf(buf, 16, "byte 0x%02x", ch);
	return buf;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_print(char ch)
{
	return (unsigned char)ch >= 33 && (unsigned char)ch <= 126;
}

static void add(cursor *c, const char *name, ls_sv value, ls_value_type type, size_t pos)
{
	ls_event_add(c->ev, ls_sv_from_cstr(name), value, type, (uint32_t)pos);
}

static ls_err expect_space(cursor *c, const char *what)
{
	char fb[16];
	if (c->i >= c->len || c->s[c->i] != ' ')
		return fail(c, c->i, "expected ' ' %s, found %s", what, describe(c, c->i, fb));
	c->i++;
	return LS_OK;
}

/* ---------------------------------------------------------------- RFC 5424 */

/*
 * A header field: NILVALUE or 1-max PRINTUSASCII, up to the next space.
 * Adds it as `name` unless it is "-".
 */
static ls_err header_field(cursor *c, const char *what, size_t max, const char *name)
{
	char fb[16];
	size_t start = c->i;
	while (c->i < c->len && c->s[c->i] != ' ') {
		if (!is_print(c->s[c->i]))
			return fail(c, c->i, "expected printable ASCII in %s, found %s", what,
			            describe(c, c->i, fb));
		if (c->i - start == max)
			return fail(c, c->i, "%s longer than %zu characters", what, max);
		c->i++;
	}
	if (c->i == start)
		return fail(c, c->i, "expected %s, found %s", what, describe(c, c->i, fb));
	ls_sv v = ls_sv_make(c->s + start, c->i - start);
	if (!ls_sv_eq_cstr(v, "-"))
		add(c, name, v, LS_VALUE_STRING, start);
	return LS_OK;
}

/* An SD-NAME: 1-32 PRINTUSASCII except '=', ' ', ']' and '"'. */
static ls_err sd_name(cursor *c, const char *what, ls_sv *out)
{
	char fb[16];
	size_t start = c->i;
	while (c->i < c->len) {
		char ch = c->s[c->i];
		if (!is_print(ch) || ch == '=' || ch == ']' || ch == '"')
			break;
		if (c->i - start == 32)
			return fail(c, c->i, "%s longer than 32 characters", what);
		c->i++;
	}
	if (c->i == start)
		return fail(c, c->i, "expected %s, found %s", what, describe(c, c->i, fb));
	*out = ls_sv_make(c->s + start, c->i - start);
	return LS_OK;
}

/* The PARAM-VALUE after its opening quote; leaves the cursor past the closing one. */
static ls_err param_value(cursor *c, ls_sv *out)
{
	size_t start = c->i;
	bool escaped = false;
	for (;;) {
		if (c->i >= c->len)
			return fail(c, c->i,
			            "unterminated PARAM-VALUE: expected '\"', found end of line");
		unsigned char ch = (unsigned char)c->s[c->i];
		if (ch == '"')
			break;
		if (ch == '\\') {
			if (c->i + 1 < c->len && (c->s[c->i + 1] == '"' || c->s[c->i + 1] == '\\' ||
			                          c->s[c->i + 1] == ']')) {
				escaped = true;
				c->i += 2;
			} else {
				c->i++;
			}
			continue;
		}
		if (ch == ']')
			return fail(c, c->i,
			            "unescaped ']' in a PARAM-VALUE (it must be written \\])");
		if (ch >= 0x80) {
			size_t n = ls_utf8_char_len(c->s + c->i, c->len - c->i);
			if (n == 0)
				return fail(c, c->i, "invalid UTF-8 in a PARAM-VALUE (byte 0x%02x)",
				            ch);
			c->i += n;
			continue;
		}
		c->i++;
	}
	size_t end = c->i;
	c->i++;
	if (!escaped) {
		*out = ls_sv_make(c->s + start, end - start);
		return LS_OK;
	}
	char *o = ls_arena_alloc(c->a, end - start);
	size_t n = 0;
	for (size_t k = start; k < end; k++) {
		if (c->s[k] == '\\' && k + 1 < end &&
		    (c->s[k + 1] == '"' || c->s[k + 1] == '\\' || c->s[k + 1] == ']'))
			k++;
		o[n++] = c->s[k];
	}
	*out = ls_sv_make(o, n);
	return LS_OK;
}

/* One SD-ELEMENT starting at its '['. */
static ls_err sd_element(cursor *c)
{
	char fb[16];
	c->i++;
	size_t id_at = c->i;
	ls_sv id;
	ls_err e = sd_name(c, "an SD-ID", &id);
	if (e != LS_OK)
		return e;
	for (const ls_field *f = ls_event_get(c->ev, LS_SV_LIT("sd_id")); f;
	     f = ls_event_next(c->ev, f))
		if (ls_sv_eq(f->value, id))
			return fail(c, id_at, "SD-ID '%.*s' appears twice", (int)id.len, id.ptr);
	add(c, "sd_id", id, LS_VALUE_STRING, id_at);
	for (;;) {
		if (c->i >= c->len)
			return fail(c, c->i,
			            "unterminated SD-ELEMENT: expected ']', found end of line");
		if (c->s[c->i] == ']') {
			c->i++;
			return LS_OK;
		}
		if (c->s[c->i] != ' ')
			return fail(c, c->i, "expected ' ' or ']' in an SD-ELEMENT, found %s",
			            describe(c, c->i, fb));
		c->i++;
		ls_sv name, value;
		e = sd_name(c, "a PARAM-NAME", &name);
		if (e != LS_OK)
			return e;
		if (c->i >= c->len || c->s[c->i] != '=')
			return fail(c, c->i, "expected '=' after the PARAM-NAME, found %s",
			            describe(c, c->i, fb));
		c->i++;
		if (c->i >= c->len || c->s[c->i] != '"')
			return fail(c, c->i, "expected '\"' to start the PARAM-VALUE, found %s",
			            describe(c, c->i, fb));
		size_t vat = c->i;
		c->i++;
		e = param_value(c, &value);
		if (e != LS_OK)
			return e;
		ls_event_add(c->ev, name, value, LS_VALUE_STRING, (uint32_t)vat);
	}
}

static ls_err parse_5424(cursor *c)
{
	char fb[16];
	size_t vstart = c->i;
	while (c->i < c->len && is_digit(c->s[c->i]))
		c->i++;
	if (c->i - vstart != 1 || c->s[vstart] != '1')
		return fail(c, vstart,
		            "unsupported syslog version '%.*s' (only RFC 5424 version 1)",
		            (int)(c->i - vstart > 8 ? 8 : c->i - vstart), c->s + vstart);
	ls_err e = expect_space(c, "after the version");
	if (e != LS_OK)
		return e;

	/* TIMESTAMP */
	size_t ts = c->i;
	while (c->i < c->len && c->s[c->i] != ' ')
		c->i++;
	ls_sv stamp = ls_sv_make(c->s + ts, c->i - ts);
	if (stamp.len == 0)
		return fail(c, ts, "expected TIMESTAMP, found %s", describe(c, ts, fb));
	ls_time t;
	bool nil = false;
	ls_diag td;
	ls_diag_clear(&td);
	if (ls_time_parse_rfc5424(stamp, &t, &nil, &td) != LS_OK)
		return fail(c, ts + (td.col ? td.col - 1 : 0), "%s", td.message);
	if (!nil)
		add(c, "timestamp", stamp, LS_VALUE_STRING, ts);

	static const struct {
		const char *what;
		size_t max;
		const char *name;
	} hdr[] = {
		{ "HOSTNAME", 255, "host" },
		{ "APP-NAME", 48, "app" },
		{ "PROCID", 128, "pid" },
		{ "MSGID", 32, "msgid" },
	};
	for (size_t k = 0; k < sizeof hdr / sizeof hdr[0]; k++) {
		e = expect_space(c, k == 0 ? "after TIMESTAMP" : "between header fields");
		if (e != LS_OK)
			return e;
		e = header_field(c, hdr[k].what, hdr[k].max, hdr[k].name);
		if (e != LS_OK)
			return e;
	}
	e = expect_space(c, "after MSGID");
	if (e != LS_OK)
		return e;

	/* STRUCTURED-DATA */
	if (c->i < c->len && c->s[c->i] == '-') {
		c->i++;
	} else if (c->i < c->len && c->s[c->i] == '[') {
		while (c->i < c->len && c->s[c->i] == '[') {
			e = sd_element(c);
			if (e != LS_OK)
				return e;
		}
	} else {
		return fail(c, c->i, "expected STRUCTURED-DATA ('-' or '['), found %s",
		            describe(c, c->i, fb));
	}

	/* [SP MSG] */
	if (c->i == c->len)
		return LS_OK;
	e = expect_space(c, "before the message");
	if (e != LS_OK)
		return e;
	size_t m = c->i;
	if (c->len - m >= 3 && memcmp(c->s + m, "\xEF\xBB\xBF", 3) == 0) {
		m += 3;
		size_t bad = 0;
		if (!ls_utf8_valid(ls_sv_make(c->s + m, c->len - m), &bad))
			return fail(c, m + bad,
			            "invalid UTF-8 in a message marked as UTF-8 by its BOM (byte "
			            "0x%02x)",
			            (unsigned char)c->s[m + bad]);
	}
	add(c, "message", ls_sv_make(c->s + m, c->len - m), LS_VALUE_STRING, m);
	return LS_OK;
}

/* ---------------------------------------------------------------- RFC 3164 */

/*
 * Check "Mmm dd hh:mm:ss" at s (n bytes available). On success fills the
 * month (1-12), day and time and returns SIZE_MAX; otherwise returns the
 * offset of the offending byte and sets *what to what was expected there.
 */
static size_t bsd_stamp(const char *s, size_t n, ls_civil *out, const char **what)
{
	int mon = -1;
	for (int k = 0; k < 12; k++)
		if (n >= 3 && memcmp(s, months[k], 3) == 0)
			mon = k;
	*what = "a month name (Jan-Dec)";
	if (mon < 0)
		return 0;
	*what = "' ' after the month";
	if (n <= 3 || s[3] != ' ')
		return n <= 3 ? n : 3;
	*what = "the day of the month (' 1'-'31', space-padded)";
	if (n <= 4 || (s[4] != ' ' && !is_digit(s[4])))
		return n <= 4 ? n : 4;
	if (n <= 5 || !is_digit(s[5]))
		return n <= 5 ? n : 5;
	int day = s[5] - '0';
	if (s[4] != ' ') {
		day += (s[4] - '0') * 10;
		if (day < 10)
			return 4;
	}
	if (day < 1 || day > month_days[mon])
		return 4;
	*what = "' ' after the day";
	if (n < 7 || s[6] != ' ')
		return 6;
	/* hh:mm:ss at 7..14 */
	static const int limit[3] = { 23, 59, 59 };
	int hms[3];
	for (int k = 0; k < 3; k++) {
		size_t at = 7 + 3 * (size_t)k;
		*what = k == 0   ? "the hour (00-23)"
		        : k == 1 ? "the minute (00-59)"
		                 : "the second (00-59)";
		if (n <= at || !is_digit(s[at]))
			return n <= at ? n : at;
		if (n <= at + 1 || !is_digit(s[at + 1]))
			return n <= at + 1 ? n : at + 1;
		hms[k] = (s[at] - '0') * 10 + (s[at + 1] - '0');
		if (hms[k] > limit[k])
			return at;
		if (k < 2) {
			*what = "':' in the time";
			if (n <= at + 2 || s[at + 2] != ':')
				return n <= at + 2 ? n : at + 2;
		}
	}
	out->month = mon + 1;
	out->day = day;
	out->hour = hms[0];
	out->minute = hms[1];
	out->second = hms[2];
	out->usec = 0;
	return SIZE_MAX;
}

static ls_err parse_3164(cursor *c)
{
	char fb[16];
	ls_civil cv;
	const char *what;
	size_t ts = c->i;
	size_t bad = bsd_stamp(c->s + ts, c->len - ts, &cv, &what);
	if (bad != SIZE_MAX)
		return fail(c, ts + bad, "expected %s in the RFC 3164 timestamp, found %s", what,
		            describe(c, ts + bad, fb));
	c->i = ts + 15;
	add(c, "timestamp", ls_sv_make(c->s + ts, 15), LS_VALUE_STRING, ts);
	ls_err e = expect_space(c, "after the timestamp");
	if (e != LS_OK)
		return e;
	e = header_field(c, "HOSTNAME", 255, "host");
	if (e != LS_OK)
		return e;
	e = expect_space(c, "after the host name");
	if (e != LS_OK)
		return e;

	size_t tag = c->i;
	while (c->i < c->len && is_print(c->s[c->i]) && c->s[c->i] != '[' && c->s[c->i] != ']' &&
	       c->s[c->i] != ':') {
		if (c->i - tag == 48)
			return fail(c, c->i, "TAG longer than 48 characters");
		c->i++;
	}
	if (c->i == tag)
		return fail(c, c->i, "expected a TAG (the program name), found %s",
		            describe(c, c->i, fb));
	add(c, "app", ls_sv_make(c->s + tag, c->i - tag), LS_VALUE_STRING, tag);
	if (c->i < c->len && c->s[c->i] == '[') {
		size_t pid = ++c->i;
		while (c->i < c->len && is_print(c->s[c->i]) && c->s[c->i] != ']') {
			if (c->i - pid == 128)
				return fail(c, c->i, "PID longer than 128 characters");
			c->i++;
		}
		if (c->i == pid)
			return fail(c, c->i, "expected a PID after '[', found %s",
			            describe(c, c->i, fb));
		if (c->i >= c->len || c->s[c->i] != ']')
			return fail(c, c->i, "expected ']' after the PID, found %s",
			            describe(c, c->i, fb));
		add(c, "pid", ls_sv_make(c->s + pid, c->i - pid), LS_VALUE_STRING, pid);
		c->i++;
	}
	if (c->i >= c->len || c->s[c->i] != ':')
		return fail(c, c->i, "expected %s, found %s",
		            c->s[c->i - 1] == ']' ? "':' after TAG[PID]"
		                                  : "'[' or ':' after the TAG",
		            describe(c, c->i, fb));
	c->i++;
	if (c->i < c->len) {
		e = expect_space(c, "after 'TAG:'");
		if (e != LS_OK)
			return e;
	}
	add(c, "message", ls_sv_make(c->s + c->i, c->len - c->i), LS_VALUE_STRING, c->i);
	return LS_OK;
}

/* -------------------------------------------------------------- entry points */

ls_err ls_syslog_parse(ls_sv line, unsigned long lineno, ls_event *ev, ls_arena *a, ls_diag *d)
{
	char fb[16];
	cursor cur = { line.ptr, line.len, 0, lineno, ev, a, d };
	cursor *c = &cur;
	ls_event_reset(ev);
	ev->line = lineno;
	if (line.len > LS_LINE_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, NULL, lineno, (unsigned long)LS_LINE_MAX + 1,
		                   "line longer than %u bytes", (unsigned)LS_LINE_MAX);
	if (c->len == 0 || c->s[0] != '<')
		return fail(c, 0, "expected '<' to start the priority, found %s",
		            describe(c, 0, fb));
	size_t p = c->i = 1;
	while (c->i < c->len && is_digit(c->s[c->i]) && c->i - p < 4)
		c->i++;
	if (c->i == p)
		return fail(c, p, "expected the priority (0-191) after '<', found %s",
		            describe(c, p, fb));
	size_t ndig = c->i - p;
	unsigned pri = 0;
	for (size_t k = p; k < c->i; k++)
		pri = pri * 10 + (unsigned)(c->s[k] - '0');
	if (ndig > 3 || pri > 191)
		return fail(c, p, "priority out of range (0-191)");
	if (ndig > 1 && c->s[p] == '0')
		return fail(c, p, "leading zero in the priority");
	if (c->i >= c->len || c->s[c->i] != '>')
		return fail(c, c->i, "expected '>' after the priority, found %s",
		            describe(c, c->i, fb));
	c->i++;
	add(c, "facility", ls_sv_from_cstr(small_num[pri / 8]), LS_VALUE_NUMBER, p);
	add(c, "severity", ls_sv_from_cstr(small_num[pri % 8]), LS_VALUE_NUMBER, p);
	if (c->i < c->len && is_digit(c->s[c->i]))
		return parse_5424(c);
	if (c->i < c->len && c->s[c->i] >= 'A' && c->s[c->i] <= 'Z')
		return parse_3164(c);
	return fail(c, c->i,
	            "expected a version digit (RFC 5424) or a month name (RFC 3164) after the "
	            "priority, found %s",
	            describe(c, c->i, fb));
}

ls_err ls_syslog_rfc3164_time(ls_sv text, int year, ls_time *out)
{
	ls_civil cv;
	const char *what;
	if (text.len != 15 || bsd_stamp(text.ptr, text.len, &cv, &what) != SIZE_MAX)
		return LS_ERR_PARSE;
	if (year < 0 || year > 9999)
		return LS_ERR_RANGE;
	cv.year = year;
	return ls_time_from_civil(&cv, out);
}
