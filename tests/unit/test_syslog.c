/*
 * test_syslog.c - unit tests for the RFC 5424 / RFC 3164 syslog reader.
 *
 * Golden events for the lines leaksim's auth.log sensor writes and for the
 * RFC examples; every SD-PARAM escape; NILVALUEs; the BOM; and each error
 * class with the exact column its diagnostic points at.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"
#include "io/event.h"
#include "eventcheck.h"
#include "io/syslog.h"


#define S LS_VALUE_STRING
#define N LS_VALUE_NUMBER

static void golden_n(const char *line, size_t len, const want *w, size_t n)
{
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_syslog_parse(ls_sv_make(line, len), 4, &ev, &a, &d);
	if (e != LS_OK)
		print_error("%s: col %lu: %s\n", line, d.col, d.message);
	assert_int_equal(e, LS_OK);
	assert_int_equal(ev.line, 4);
	tu_expect_fields(&ev, w, n);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

#define GOLDEN(line, ...)                                                                          \
	do {                                                                                       \
		const want w_[] = { __VA_ARGS__ };                                                 \
		golden_n((line), strlen(line), w_, sizeof w_ / sizeof w_[0]);                      \
	} while (0)

static void bad(const char *line, unsigned long col, const char *word)
{
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_syslog_parse(ls_sv_from_cstr(line), 9, &ev, &a, &d);
	if (e != LS_ERR_PARSE || d.col != col || (word && !strstr(d.message, word)))
		print_error("%s: got err %d col %lu \"%s\"; want col %lu \"%s\"\n", line, (int)e,
		            d.col, d.message, col, word ? word : "");
	assert_int_equal(e, LS_ERR_PARSE);
	assert_int_equal(d.line, 9);
	assert_int_equal(d.col, col);
	if (word)
		assert_non_null(strstr(d.message, word));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

/* ---------------------------------------------------------------- RFC 5424 */

static void sensor_line(void **state)
{
	(void)state;
	GOLDEN("<38>1 2024-03-01T08:00:00.123456Z db01 sshd 4242 - "
	       "[leaksim@32473 rid=\"0a1b2c3d4e5f60718293\"] Accepted publickey for alice from "
	       "10.1.2.3 port 51234 ssh2",
	       { "facility", "4", N }, { "severity", "6", N },
	       { "timestamp", "2024-03-01T08:00:00.123456Z", S }, { "host", "db01", S },
	       { "app", "sshd", S }, { "pid", "4242", S }, { "sd_id", "leaksim@32473", S },
	       { "rid", "0a1b2c3d4e5f60718293", S },
	       { "message", "Accepted publickey for alice from 10.1.2.3 port 51234 ssh2", S });
}

static void rfc_examples(void **state)
{
	(void)state;
	/* RFC 5424 section 6.5, example 1 (the BOM is stripped). */
	GOLDEN("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
	       "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8",
	       { "facility", "4", N }, { "severity", "2", N },
	       { "timestamp", "2003-10-11T22:14:15.003Z", S },
	       { "host", "mymachine.example.com", S }, { "app", "su", S }, { "msgid", "ID47", S },
	       { "message", "'su root' failed for lonvick on /dev/pts/8", S });
	/* Example 3: two SD elements, no MSG. */
	GOLDEN("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
	       "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
	       "[examplePriority@32473 class=\"high\"]",
	       { "facility", "20", N }, { "severity", "5", N },
	       { "timestamp", "2003-10-11T22:14:15.003Z", S },
	       { "host", "mymachine.example.com", S }, { "app", "evntslog", S },
	       { "msgid", "ID47", S }, { "sd_id", "exampleSDID@32473", S }, { "iut", "3", S },
	       { "eventSource", "Application", S }, { "eventID", "1011", S },
	       { "sd_id", "examplePriority@32473", S }, { "class", "high", S });
}

static void nilvalues_make_fields_absent(void **state)
{
	(void)state;
	GOLDEN("<0>1 - - - - - -", { "facility", "0", N }, { "severity", "0", N });
	GOLDEN("<191>1 - - - - - - ", { "facility", "23", N }, { "severity", "7", N },
	       { "message", "", S });
	GOLDEN("<14>1 2024-01-01T00:00:00+01:00 h a p m - x", { "facility", "1", N },
	       { "severity", "6", N }, { "timestamp", "2024-01-01T00:00:00+01:00", S },
	       { "host", "h", S }, { "app", "a", S }, { "pid", "p", S }, { "msgid", "m", S },
	       { "message", "x", S });
}

static void sd_param_escapes(void **state)
{
	(void)state;
	GOLDEN("<13>1 - - - - - [a@1 q=\"say \\\"hi\\\"\" b=\"c:\\\\dir\" r=\"[x\\]\" "
	       "o=\"\\n\\t\\\\\" u=\"\xc3\xa9\" e=\"\"]",
	       { "facility", "1", N }, { "severity", "5", N }, { "sd_id", "a@1", S },
	       { "q", "say \"hi\"", S }, { "b", "c:\\dir", S }, { "r", "[x]", S },
	       { "o", "\\n\\t\\", S }, { "u", "\xc3\xa9", S }, { "e", "", S });
	/* An element with no params, then a message. */
	GOLDEN("<13>1 - - - - - [x] m", { "facility", "1", N }, { "severity", "5", N },
	       { "sd_id", "x", S }, { "message", "m", S });
}

static void message_bytes(void **state)
{
	(void)state;
	/* Without a BOM, MSG-ANY: any bytes, including invalid UTF-8. */
	GOLDEN("<13>1 - - - - - - \xff\xfe ok", { "facility", "1", N }, { "severity", "5", N },
	       { "message", "\xff\xfe ok", S });
	bad("<13>1 - - - - - - \xEF\xBB\xBF"
	    "ab\xc0\xaf",
	    24, "invalid UTF-8");
	/* The message keeps leading spaces after the single separator. */
	GOLDEN("<13>1 - - - - - -   x", { "facility", "1", N }, { "severity", "5", N },
	       { "message", "  x", S });
}

static void pri_and_version_errors(void **state)
{
	(void)state;
	bad("", 1, "expected '<'");
	bad("13>1 - - - - - -", 1, "expected '<'");
	bad("<>1 - - - - - -", 2, "expected the priority");
	bad("<192>1 - - - - - -", 2, "out of range");
	bad("<1000>1 - - - - - -", 2, "out of range");
	bad("<013>1 - - - - - -", 2, "leading zero");
	bad("<13 1 - - - - - -", 4, "expected '>'");
	bad("<13>2 - - - - - -", 5, "unsupported syslog version '2'");
	bad("<13>10 - - - - - -", 5, "unsupported syslog version");
	bad("<13>1- - - - - -", 6, "expected ' ' after the version");
	bad("<13>x - - - - - -", 5, "version digit (RFC 5424) or a month name");
}

static void header_field_errors(void **state)
{
	(void)state;
	bad("<13>1 2024-13-01T00:00:00Z h a p m -", 12, "syslog timestamp");
	bad("<13>1 2024-01-01t00:00:00Z h a p m -", 17, "syslog timestamp");
	bad("<13>1  h a p m -", 7, "expected TIMESTAMP");
	bad("<13>1 - h  p m -", 11, "expected APP-NAME");
	bad("<13>1 - h\x01 a p m -", 10, "printable ASCII in HOSTNAME");
	bad("<13>1 - h a p m", 16, "expected ' ' after MSGID");
	bad("<13>1 - h a p", 14, "expected ' ' between header fields");

	/* Length limits: HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32. */
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, "<13>1 - ");
	for (int k = 0; k < 256; k++)
		ls_buf_append_char(&b, 'h');
	ls_buf_append_cstr(&b, " a p m -");
	bad(b.data, 9 + 255, "HOSTNAME longer than 255");
	ls_buf_reset(&b);
	ls_buf_append_cstr(&b, "<13>1 - h ");
	for (int k = 0; k < 49; k++)
		ls_buf_append_char(&b, 'a');
	ls_buf_append_cstr(&b, " p m -");
	bad(b.data, 11 + 48, "APP-NAME longer than 48");
	ls_buf_reset(&b);
	ls_buf_append_cstr(&b, "<13>1 - h a p ");
	for (int k = 0; k < 33; k++)
		ls_buf_append_char(&b, 'm');
	ls_buf_append_cstr(&b, " -");
	bad(b.data, 15 + 32, "MSGID longer than 32");
	ls_buf_fini(&b);
}

static void structured_data_errors(void **state)
{
	(void)state;
	bad("<13>1 - - - - - x", 17, "expected STRUCTURED-DATA");
	bad("<13>1 - - - - - -x", 18, "expected ' ' before the message");
	bad("<13>1 - - - - - [a@1 b=\"c\"]x", 28, "expected ' ' before the message");
	bad("<13>1 - - - - - []", 18, "expected an SD-ID");
	bad("<13>1 - - - - - [a@1", 21, "unterminated SD-ELEMENT");
	bad("<13>1 - - - - - [a@1 b]", 23, "expected '='");
	bad("<13>1 - - - - - [a@1 b=c]", 24, "expected '\"'");
	bad("<13>1 - - - - - [a@1 b=\"c]", 26, "unescaped ']'");
	bad("<13>1 - - - - - [a@1 b=\"c", 26, "unterminated PARAM-VALUE");
	bad("<13>1 - - - - - [a@1 b=\"\xe2\x28\xa1\"]", 25, "invalid UTF-8");
	bad("<13>1 - - - - - [a@1 =\"c\"]", 22, "expected a PARAM-NAME");
	bad("<13>1 - - - - - [a@1  b=\"c\"]", 22, "expected a PARAM-NAME");
	bad("<13>1 - - - - - [a@1 b=\"c\"x]", 27, "expected ' ' or ']'");
	bad("<13>1 - - - - - [a@1][b@2][a@1]", 28, "SD-ID 'a@1' appears twice");
	bad("<13>1 - - - - - [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", 50, "SD-ID longer than 32");
}

/* ---------------------------------------------------------------- RFC 3164 */

static void bsd_lines(void **state)
{
	(void)state;
	GOLDEN("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick",
	       { "facility", "4", N }, { "severity", "2", N },
	       { "timestamp", "Oct 11 22:14:15", S }, { "host", "mymachine", S },
	       { "app", "su", S }, { "pid", "123", S },
	       { "message", "'su root' failed for lonvick", S });
	GOLDEN("<86>Feb 29 00:00:00 db01 CRON: job done", { "facility", "10", N },
	       { "severity", "6", N }, { "timestamp", "Feb 29 00:00:00", S }, { "host", "db01", S },
	       { "app", "CRON", S }, { "message", "job done", S });
	GOLDEN("<13>Jan  5 09:03:07 10.1.2.3 postfix/smtpd[77]:", { "facility", "1", N },
	       { "severity", "5", N }, { "timestamp", "Jan  5 09:03:07", S },
	       { "host", "10.1.2.3", S }, { "app", "postfix/smtpd", S }, { "pid", "77", S },
	       { "message", "", S });
}

static void bsd_errors(void **state)
{
	(void)state;
	bad("<13>Foo 11 22:14:15 h t: m", 5, "a month name");
	bad("<13>Jan 05 22:14:15 h t: m", 9, "day of the month");
	bad("<13>Jan 5 22:14:15 h t: m", 10, "day of the month");
	bad("<13>Feb 30 22:14:15 h t: m", 9, "day of the month");
	bad("<13>Apr 31 22:14:15 h t: m", 9, "day of the month");
	bad("<13>Jan 10 24:00:00 h t: m", 12, "the hour");
	bad("<13>Jan 10 23:60:00 h t: m", 15, "the minute");
	bad("<13>Jan 10 23:59:5x h t: m", 19, "the second");
	bad("<13>Jan 10 23.59:50 h t: m", 14, "':' in the time");
	bad("<13>Jan 10 23:59", 17,
	    "expected ':' in the time in the RFC 3164 timestamp, found end of line");
	bad("<13>Jan 10 23:59:59  t: m", 21, "expected HOSTNAME");
	bad("<13>Jan 10 23:59:59 h t m", 24, "expected '[' or ':' after the TAG, found ' '");
	bad("<13>Jan 10 23:59:59 h t[1] m", 27, "expected ':' after TAG[PID]");
	bad("<13>Jan 10 23:59:59 h t[12 m", 27, "expected ']' after the PID");
	bad("<13>Jan 10 23:59:59 h t[]: m", 25, "expected a PID");
	bad("<13>Jan 10 23:59:59 h : m", 23, "expected a TAG");
	bad("<13>Jan 10 23:59:59 h t:m", 25, "expected ' ' after 'TAG:'");
	bad("<13>Jan 10 23:59:59 h "
	    "ttttttttttttttttttttttttttttttttttttttttttttttttt: m",
	    23 + 48, "TAG longer than 48");
}

static void bsd_time_needs_a_year(void **state)
{
	(void)state;
	ls_time t = 0;
	assert_int_equal(ls_syslog_rfc3164_time(LS_SV_LIT("Feb 29 12:00:01"), 2024, &t), LS_OK);
	ls_civil c;
	ls_time_to_civil(t, &c);
	assert_int_equal(c.year, 2024);
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 29);
	assert_int_equal(c.hour, 12);
	assert_int_equal(c.second, 1);
	assert_int_equal(ls_syslog_rfc3164_time(LS_SV_LIT("Feb 29 12:00:01"), 2023, &t),
	                 LS_ERR_RANGE);
	assert_int_equal(ls_syslog_rfc3164_time(LS_SV_LIT("Jan  1 00:00:00"), 10000, &t),
	                 LS_ERR_RANGE);
	assert_int_equal(ls_syslog_rfc3164_time(LS_SV_LIT("Jan 1 00:00:00"), 2024, &t),
	                 LS_ERR_PARSE);
	assert_int_equal(ls_syslog_rfc3164_time(LS_SV_LIT("Jan  1 00:00:00 "), 2024, &t),
	                 LS_ERR_PARSE);
}

static void positions_and_views(void **state)
{
	(void)state;
	const char *line = "<13>1 - host app - - [s a=\"x\\\"y\" b=\"z\"] msg";
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_syslog_parse(ls_sv_from_cstr(line), 1, &ev, &a, NULL), LS_OK);
	const ls_field *h = ls_event_get(&ev, LS_SV_LIT("host"));
	assert_non_null(h);
	assert_ptr_equal(h->value.ptr, line + 8);
	assert_int_equal(h->pos, 8);
	const ls_field *pa = ls_event_get(&ev, LS_SV_LIT("a"));
	assert_int_equal(pa->pos, 26); /* the opening quote */
	assert_true(pa->value.ptr < line || pa->value.ptr > line + strlen(line));
	const ls_field *pb = ls_event_get(&ev, LS_SV_LIT("b"));
	assert_ptr_equal(pb->value.ptr, line + 36);
	assert_null(ls_event_get(&ev, LS_SV_LIT("pid")));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void long_lines_are_rejected(void **state)
{
	(void)state;
	char *line = ls_xmalloc(LS_LINE_MAX + 2);
	memcpy(line, "<13>1 - - - - - - ", 18);
	memset(line + 18, 'm', LS_LINE_MAX + 1 - 18);
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_syslog_parse(ls_sv_make(line, LS_LINE_MAX + 1), 2, &ev, &a, &d),
	                 LS_ERR_TOOLONG);
	assert_int_equal(d.col, LS_LINE_MAX + 1);
	assert_int_equal(ls_syslog_parse(ls_sv_make(line, LS_LINE_MAX), 2, &ev, &a, &d), LS_OK);
	assert_int_equal(ls_event_get(&ev, LS_SV_LIT("message"))->value.len, LS_LINE_MAX - 18);
	free(line);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void every_priority_splits_into_facility_and_severity(void **state)
{
	(void)state;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	for (unsigned pri = 0; pri <= 191; pri++) {
		char line[64];
		snprintf(line, sizeof line, "<%u>1 - - - - - -", pri);
		assert_int_equal(ls_syslog_parse(ls_sv_from_cstr(line), 1, &ev, &a, NULL), LS_OK);
		uint64_t fac = 99, sev = 99;
		assert_int_equal(ls_sv_to_u64(ev.fields[0].value, &fac), LS_OK);
		assert_int_equal(ls_sv_to_u64(ev.fields[1].value, &sev), LS_OK);
		assert_int_equal(fac, pri / 8);
		assert_int_equal(sev, pri % 8);
		assert_int_equal(ev.fields[0].type, LS_VALUE_NUMBER);
		assert_int_equal(ev.fields[0].pos, 1);
	}
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void bom_edge_cases(void **state)
{
	(void)state;
	/* A BOM alone is an empty UTF-8 message; a partial BOM is just bytes. */
	GOLDEN("<13>1 - - - - - - \xEF\xBB\xBF", { "facility", "1", N }, { "severity", "5", N },
	       { "message", "", S });
	GOLDEN("<13>1 - - - - - - \xEF\xBBx", { "facility", "1", N }, { "severity", "5", N },
	       { "message", "\xEF\xBBx", S });
	GOLDEN("<13>1 - - - - - - \xEF\xBB\xBF\xEF\xBB\xBF", { "facility", "1", N },
	       { "severity", "5", N }, { "message", "\xEF\xBB\xBF", S });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sensor_line),
		cmocka_unit_test(rfc_examples),
		cmocka_unit_test(nilvalues_make_fields_absent),
		cmocka_unit_test(sd_param_escapes),
		cmocka_unit_test(message_bytes),
		cmocka_unit_test(pri_and_version_errors),
		cmocka_unit_test(header_field_errors),
		cmocka_unit_test(structured_data_errors),
		cmocka_unit_test(bsd_lines),
		cmocka_unit_test(bsd_errors),
		cmocka_unit_test(bsd_time_needs_a_year),
		cmocka_unit_test(positions_and_views),
		cmocka_unit_test(long_lines_are_rejected),
		cmocka_unit_test(every_priority_splits_into_facility_and_severity),
		cmocka_unit_test(bom_edge_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
