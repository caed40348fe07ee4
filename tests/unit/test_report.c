/*
 * test_report.c - the HTML debrief report (score/report.h).
 *
 * A hand-made dataset (five logs, a campaign of three steps, one decoy, and
 * alerts that are true, false, fooled by the decoy, without a time, on two
 * logs and on a source the dataset does not have) is scored and reported.
 * The report is checked for escaping, for determinism, for well-formedness
 * by a strict XML-style tag and entity checker, for the absence of any
 * external reference, and for its timeline: one lane per source and one
 * mark per alert and lane. Errors: an uncomputed scorer, a missing or broken
 * alerts file and one that does not match the scores.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "core/str.h"
#include "score/report.h"
#include "score/score.h"
#include "testutil.h"

/* ---------------------------------------------------------------- fixture */

#define RID_A "a0000000000000000001" /* sysmon: process of the access step */
#define RID_B "b0000000000000000001" /* auth: the insider's logon */
#define RID_C "c0000000000000000001" /* conn: the upload */
#define RID_D "d0000000000000000001" /* messaging: the post */
#define RID_E "e0000000000000000001" /* conn: a video sent (decoy) */
#define RID_F "f0000000000000000001" /* sysmon: a benign connection to db01 */

static const char MANIFEST[] =
        "{\"leaksim\":\"0.1.0\",\"scenario\":\"unit <&> test\",\"seed\":7,\"people\":3,"
        "\"days\":1,\"start\":\"2026-03-02T00:00:00+08:00\",\"files\":[]}\n";

static const char KEY[] =
        "{\"scenario\":\"unit\",\"seed\":7,\"campaigns\":[{\"id\":\"campaign-1\",\"preset\":"
        "\"unit\","
        "\"actors\":[{\"user\":\"insider1\",\"person\":\"P-00001\",\"role\":\"analyst<script>\","
        "\"credential\":\"own\"}],\"hosts\":[\"LT-00001\",\"db01\"],\"steps\":["
        "{\"name\":\"access\",\"techniques\":[\"T1078\"],\"start\":\"2026-03-02T01:00:00Z\","
        "\"end\":\"2026-03-02T01:00:05Z\",\"records\":[{\"source\":\"sysmon\",\"rid\":\"" RID_A
        "\"},"
        "{\"source\":\"auth\",\"rid\":\"" RID_B "\"}],\"earliest_detectable\":{\"sysmon\":"
        "\"2026-03-02T01:00:00Z\",\"auth\":\"2026-03-02T01:00:05Z\"}},"
        "{\"name\":\"exfiltration\",\"techniques\":[\"T1567\"],\"start\":\"2026-03-02T01:30:00Z\","
        "\"end\":\"2026-03-02T01:30:10Z\",\"records\":[{\"source\":\"conn\",\"rid\":\"" RID_C
        "\"}],"
        "\"earliest_detectable\":{\"conn\":\"2026-03-02T01:30:00Z\"}},"
        "{\"name\":\"publication\",\"techniques\":[],\"start\":\"2026-03-02T06:00:00Z\","
        "\"end\":\"2026-03-02T06:00:00Z\",\"records\":[{\"source\":\"messaging\",\"rid\":\"" RID_D
        "\"}],\"earliest_detectable\":{\"messaging\":\"2026-03-02T06:00:00Z\"}}],"
        "\"totals\":{\"rows\":100,\"export_bytes\":5000000,\"archive_bytes\":5000000,"
        "\"wire_bytes\":5001000,\"parts\":80,\"sessions\":1},"
        "\"export\":{\"session\":\"0123456789abcdef0123456789abcdef\",\"format\":\"csv\","
        "\"name\":\"members & co.csv\",\"rows\":100,\"canaries\":1,\"bytes\":5000000,"
        "\"sha256\":\"00ff\"},\"archive\":null,\"uploads\":[{\"file\":\"members & co.csv\","
        "\"size\":5000000,\"path\":\"native\",\"vpn\":false,\"start\":\"2026-03-02T01:30:00Z\","
        "\"end\":\"2026-03-02T01:30:10Z\",\"parts\":80,\"sessions\":1,\"wire_bytes\":5001000,"
        "\"records\":[{\"source\":\"conn\",\"rid\":\"" RID_C "\"}]}],"
        "\"leaked_file\":{\"name\":\"members & co.csv\",\"size\":5000000,\"sha256\":\"00ff\","
        "\"export_session\":\"0123456789abcdef0123456789abcdef\"},"
        "\"publication\":{\"channel\":\"leaks\",\"post_id\":9,\"time\":\"2026-03-02T06:00:00Z\"}}],"
        "\"decoys\":[{\"kind\":\"video_send\",\"records\":[{\"source\":\"conn\",\"rid\":\"" RID_E
        "\"}]}],\"dirty\":{\"missing_sensor\":null,\"clock_skew_seconds\":{},\"delay_seconds\":0,"
        "\"dropped\":[],\"duplicated\":[],\"delayed\":[]}}\n";

static const char DHCP[] =
        "{\"timestamp\":\"2026-03-01T23:00:00.000000Z\",\"rid\":\"1000000000000000000a\","
        "\"event\":\"DHCPACK\",\"ip\":\"10.64.0.5\",\"mac\":\"aa:bb:cc:dd:ee:01\","
        "\"host\":\"LT-00001\",\"user\":\"insider1\",\"lease_start\":\"2026-03-01T23:00:00Z\","
        "\"lease_end\":\"2026-03-02T15:00:00Z\",\"server\":\"10.10.0.67\"}\n"
        "{\"timestamp\":\"2026-03-01T23:00:01.000000Z\",\"rid\":\"1000000000000000000b\","
        "\"event\":\"DHCPACK\",\"ip\":\"10.64.0.6\",\"mac\":\"aa:bb:cc:dd:ee:02\","
        "\"host\":\"LT-00002\",\"user\":\"staff2\",\"lease_start\":\"2026-03-01T23:00:01Z\","
        "\"lease_end\":\"2026-03-02T15:00:01Z\",\"server\":\"10.10.0.67\"}\n";

static const char SYSMON[] =
        "{\"timestamp\":\"2026-03-02T01:00:00.000000Z\",\"rid\":\"" RID_A "\",\"EventID\":1,"
        "\"Computer\":\"LT-00001.corp.example\",\"Image\":\"C:\\\\Windows\\\\ssh.exe\","
        "\"User\":\"CORP\\\\insider1\"}\n"
        "{\"timestamp\":\"2026-03-02T02:00:00.000000Z\",\"rid\":\"" RID_F "\",\"EventID\":3,"
        "\"Computer\":\"LT-00002.corp.example\",\"User\":\"CORP\\\\staff2\","
        "\"DestinationIp\":\"10.10.0.10\",\"DestinationHostname\":\"db01.corp.example\"}\n";

static const char AUTH[] = "<86>1 2026-03-02T01:00:05.000000Z jump01 sshd 100 - [leaksim@32473 "
                           "rid=\"" RID_B "\"] Accepted publickey for insider1 from 10.64.0.5 "
                           "port 50000 ssh2\n";

static const char CONN[] =
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
        "#path\tconn\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_bytes\t"
        "resp_bytes\trid\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tcount\tstring\n"
        "1772415000.000000\tC1\t10.64.0.5\t50001\t203.0.113.200\t443\ttcp\t5000000\t9000\t" RID_C
        "\n"
        "1772420400.000000\tC2\t10.64.0.6\t50002\t203.0.113.201\t443\ttcp\t4000000\t8000\t" RID_E
        "\n"
        "1772424000.000000\tC3\t10.10.0.10\t50003\t10.64.0.5\t5000\ttcp\t1000\t10\t"
        "c3000000000000000001\n"
        "1772424001.000000\tC4\t198.51.100.7\t50004\t10.10.0.80\t80\ttcp\t10\t10\t"
        "c4000000000000000001\n";

static const char MESSAGING[] = "{\"timestamp\":\"2026-03-02T06:00:00.000000Z\",\"rid\":\"" RID_D
                                "\",\"event\":\"channel_post\",\"channel\":\"leaks\","
                                "\"post_id\":9}\n";

/* Alerts: true, false on the decoy, false without a time, on two logs, on an unknown source. */
static const char ALERTS[] =
        "{\"rule_id\":\"r1\",\"title\":\"Upload <b>\\\"big\\\"</b> & 'fast'\",\"level\":\"high\","
        "\"tags\":[],\"time\":\"2026-03-02T01:30:05Z\",\"group\":{},\"records\":[{\"source\":"
        "\"conn\",\"rid\":\"" RID_C "\"}]}\n"
        "{\"rule_id\":\"r1\",\"title\":\"Upload <b>\\\"big\\\"</b> & 'fast'\",\"level\":\"high\","
        "\"tags\":[],\"time\":\"2026-03-02T03:00:05Z\",\"group\":{},\"records\":[{\"source\":"
        "\"conn\",\"rid\":\"" RID_E "\"}]}\n"
        "{\"rule_id\":\"r2\",\"title\":\"Server contact\",\"level\":\"low\",\"tags\":[],"
        "\"time\":null,\"records\":[{\"source\":\"sysmon\",\"rid\":\"" RID_F "\"}]}\n"
        "{\"rule_id\":\"r3\",\"title\":\"Logon then process\",\"level\":\"critical\",\"tags\":[],"
        "\"time\":\"2026-03-02T01:00:06Z\",\"records\":[{\"source\":\"sysmon\",\"rid\":\"" RID_A
        "\"},{\"source\":\"auth\",\"rid\":\"" RID_B "\"}]}\n"
        "{\"rule_id\":null,\"title\":\"Custom source\",\"tags\":[],"
        "\"time\":\"2026-03-02T05:00:00Z\",\"records\":[{\"source\":\"custom\",\"rid\":\"x1\"}]}\n";

#define NALERTS 5

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = tu_join(dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	free(path);
}

typedef struct fixture {
	char *dir;
	char *alerts;
} fixture;

static int setup(void **state)
{
	fixture *fx = ls_xcalloc(1, sizeof *fx);
	fx->dir = tu_tempdir();
	char *logs = tu_join(fx->dir, "logs"), *truth = tu_join(fx->dir, "truth");
	assert_int_equal(mkdir(logs, 0777), 0);
	assert_int_equal(mkdir(truth, 0777), 0);
	write_file(fx->dir, "manifest.json", MANIFEST);
	write_file(truth, "answer-key.json", KEY);
	write_file(logs, "dhcp.jsonl", DHCP);
	write_file(logs, "sysmon.jsonl", SYSMON);
	write_file(logs, "auth.log", AUTH);
	write_file(logs, "conn.log", CONN);
	write_file(logs, "messaging.jsonl", MESSAGING);
	write_file(fx->dir, "alerts.jsonl", ALERTS);
	fx->alerts = tu_join(fx->dir, "alerts.jsonl");
	free(logs);
	free(truth);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	free(fx->alerts);
	tu_rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Score the fixture and write its report into out; r's diagnostics live until ls_report_fini. */
static ls_err report_with(const fixture *fx, ls_report *r, const char *alerts, ls_buf *out,
                          ls_diag *d)
{
	ls_score s;
	ls_score_init(&s);
	ls_diag_clear(d);
	assert_int_equal(ls_score_load_dataset(&s, fx->dir, d), LS_OK);
	assert_int_equal(ls_score_load_alerts(&s, fx->alerts, d), LS_OK);
	assert_int_equal(ls_score_resolve(&s, fx->dir, d), LS_OK);
	ls_score_compute(&s);
	ls_err e = ls_report_write(r, &s, fx->dir, alerts, out, d);
	ls_score_fini(&s);
	return e;
}

static ls_err report(const fixture *fx, const char *alerts, ls_buf *out, ls_diag *d)
{
	ls_report r;
	ls_report_init(&r);
	ls_err e = report_with(fx, &r, alerts, out, d);
	ls_report_fini(&r);
	return e;
}

static void report_ok(const fixture *fx, ls_buf *out)
{
	ls_diag d;
	ls_err e = report(fx, fx->alerts, out, &d);
	if (e != LS_OK)
		fail_msg("report: %s: %s", ls_strerror(e), d.message);
	assert_true(out->len > 1000);
}

/* Occurrences of needle in [p, end). */
static size_t count(const char *p, const char *end, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (const char *q = p; q && q + k <= end; q++) {
		q = strstr(q, needle);
		if (q == NULL || q + k > end)
			break;
		n++;
	}
	return n;
}

/* -------------------------------------------------- a strict XML checker */

static bool name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == ':' || c == '.';
}

/* A character or entity reference at s (which starts with '&'); its length or 0. */
static size_t entity(const char *s)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	for (size_t i = 0; i < 5; i++)
		if (strncmp(s, named[i], strlen(named[i])) == 0)
			return strlen(named[i]);
	size_t i = 1;
	if (s[i++] != '#')
		return 0;
	bool hex = s[i] == 'x';
	i += hex;
	size_t digits = 0;
	while (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))
		i++, digits++;
	return digits && s[i] == ';' ? i + 1 : 0;
}

/*
 * Whether text is a well-formed XML document after an optional
 * "<!DOCTYPE html>": one root element, every element closed in order (or
 * self-closed), attributes name="value", no '<' in text or attribute values,
 * and every '&' starting a reference. No comments, CDATA or processing
 * instructions are expected. why gets the first problem and its offset.
 */
static bool well_formed(const char *text, char *why, size_t cap)
{
	const char *s = text;
	const char *stack[128];
	size_t lens[128], depth = 0, roots = 0;
	if (strncmp(s, "<!DOCTYPE html>", 15) == 0)
		s += 15;
#define BAD(msg)                                                                                   \
	do {                                                                                       \
		snprintf(why, cap, "%s at offset %ld", msg, (long)(s - text));                     \
		return false;                                                                      \
	} while (0)
	while (*s) {
		if (*s == '&') {
			size_t n = entity(s);
			if (n == 0)
				BAD("a bare '&'");
			s += n;
			continue;
		}
		if (*s != '<') {
			if (depth == 0 && !isspace((unsigned char)*s))
				BAD("text outside the root element");
			s++;
			continue;
		}
		if (s[1] == '/') {
			const char *n = s + 2;
			size_t len = 0;
			while (name_char((unsigned char)n[len]))
				len++;
			if (depth == 0 || len != lens[depth - 1] ||
			    memcmp(n, stack[depth - 1], len) != 0)
				BAD("a closing tag that does not match");
			if (n[len] != '>')
				BAD("a malformed closing tag");
			depth--;
			s = n + len + 1;
			continue;
		}
		const char *n = s + 1;
		size_t len = 0;
		while (name_char((unsigned char)n[len]))
			len++;
		if (len == 0)
			BAD("'<' not starting a tag");
		if (depth == 0 && ++roots > 1)
			BAD("a second root element");
		s = n + len;
		for (;;) {
			while (isspace((unsigned char)*s))
				s++;
			if (s[0] == '/' && s[1] == '>') {
				s += 2;
				break;
			}
			if (*s == '>') {
				if (depth == 128)
					BAD("nesting too deep");
				stack[depth] = n;
				lens[depth++] = len;
				s++;
				break;
			}
			size_t an = 0;
			while (name_char((unsigned char)s[an]))
				an++;
			if (an == 0 || s[an] != '=' || s[an + 1] != '"')
				BAD("an attribute that is not name=\"value\"");
			s += an + 2;
			while (*s && *s != '"') {
				if (*s == '<')
					BAD("'<' in an attribute value");
				if (*s == '&') {
					size_t k = entity(s);
					if (k == 0)
						BAD("a bare '&' in an attribute value");
					s += k;
				} else
					s++;
			}
			if (*s != '"')
				BAD("an unterminated attribute value");
			s++;
		}
	}
	if (depth)
		BAD("unclosed elements at the end");
	if (roots != 1)
		BAD("no root element");
#undef BAD
	return true;
}

static void the_checker_rejects_what_it_should(void **state)
{
	(void)state;
	char why[128];
	assert_true(well_formed("<!DOCTYPE html>\n<a x=\"1\"><b/>t &amp; &#39;&#x41;</a>\n", why,
	                        sizeof why));
	assert_false(well_formed("<a><b></a></b>", why, sizeof why));
	assert_false(well_formed("<a><br></a>", why, sizeof why));
	assert_false(well_formed("<a>x & y</a>", why, sizeof why));
	assert_false(well_formed("<a hidden></a>", why, sizeof why));
	assert_false(well_formed("<a x=\"<\"></a>", why, sizeof why));
	assert_false(well_formed("<a>&nbsp;</a>", why, sizeof why));
	assert_false(well_formed("<a></a><b></b>", why, sizeof why));
	assert_false(well_formed("<a>", why, sizeof why));
	assert_false(well_formed("<a>if (x < 1)</a>", why, sizeof why));
}

/* ------------------------------------------------------------------ tests */

static void escaping(void **state)
{
	(void)state;
	ls_buf b = LS_BUF_INIT;
	ls_report_escape(&b, LS_SV_LIT("a<b>&\"c'd\te\nf"));
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&#39;d\te\nf");
	ls_buf_reset(&b);
	/* Ill-formed UTF-8, control characters and U+FFFE/U+FFFF become U+FFFD. */
	ls_report_escape(&b, ls_sv_make("x\xff"
	                                "y\x01z\xef\xbf\xbe\xef\xbf\xbf\xc3",
	                                12));
	assert_string_equal(b.data,
	                    "x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ls_buf_reset(&b);
	/* Valid UTF-8 passes, NUL does not. */
	ls_report_escape(&b, ls_sv_make("\xc3\xa9\xe2\x80\x9c\xf0\x9f\x98\x80\0!", 11));
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.data, "\xc3\xa9\xe2\x80\x9c\xf0\x9f\x98\x80\xef\xbf\xbd!", 13);
	ls_buf_fini(&b);
}

static void inputs_are_escaped(void **state)
{
	ls_buf out = LS_BUF_INIT;
	report_ok(*state, &out);
	const char *h = out.data;
	assert_non_null(
	        strstr(h, "Upload &lt;b&gt;&quot;big&quot;&lt;/b&gt; &amp; &#39;fast&#39;"));
	assert_null(strstr(h, "<b>"));
	assert_null(strstr(h, "<script>analyst"));
	assert_non_null(strstr(h, "analyst&lt;script&gt;"));
	assert_non_null(strstr(h, "unit &lt;&amp;&gt; test"));
	assert_non_null(strstr(h, "members &amp; co.csv"));
	ls_buf_fini(&out);
}

static void the_same_inputs_give_the_same_bytes(void **state)
{
	ls_buf a = LS_BUF_INIT, b = LS_BUF_INIT;
	report_ok(*state, &a);
	report_ok(*state, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	ls_buf_fini(&a);
	ls_buf_fini(&b);
}

static void the_report_is_well_formed(void **state)
{
	ls_buf out = LS_BUF_INIT;
	report_ok(*state, &out);
	char why[160];
	if (!well_formed(out.data, why, sizeof why))
		fail_msg("not well-formed: %s", why);
	assert_int_equal(strncmp(out.data, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
	assert_int_equal(count(out.data, out.data + out.len, "</html>"), 1);
	ls_buf_fini(&out);
}

static void nothing_refers_outside(void **state)
{
	const fixture *fx = *state;
	ls_buf out = LS_BUF_INIT;
	report_ok(fx, &out);
	/* No local path either: the same inputs in another directory give the same bytes. */
	assert_null(strstr(out.data, fx->dir));
	const char *h = out.data, *end = h + out.len;
	static const char *const banned[] = { "http:",   "https:",  "//",         "ftp:",  "url(",
		                              "@import", " src=",   "xlink:href", "<link", "<img",
		                              "<iframe", "<object", "<embed" };
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
		if (count(h, end, banned[i]))
			fail_msg("the report holds \"%s\"", banned[i]);
	/* Every link is an anchor in the page. */
	for (const char *p = strstr(h, "href=\""); p; p = strstr(p + 1, "href=\""))
		assert_int_equal(p[6], '#');
	/* And the browser is told to fetch nothing. */
	assert_non_null(strstr(h, "http-equiv=\"Content-Security-Policy\" content=\"default-src "
	                          "'none';"));
	ls_buf_fini(&out);
}

/* The part of h holding the timeline SVG of one view. */
static void view_svg(const char *h, const char *view, const char **b, const char **e)
{
	char tag[80];
	snprintf(tag, sizeof tag, "<svg class=\"timeline\" data-view=\"%s\"", view);
	*b = strstr(h, tag);
	assert_non_null(*b);
	*e = strstr(*b, "</svg>");
	assert_non_null(*e);
}

static void the_timeline_has_a_lane_per_source_and_a_mark_per_alert(void **state)
{
	ls_buf out = LS_BUF_INIT;
	report_ok(*state, &out);
	const char *b, *e;
	view_svg(out.data, "view-period", &b, &e);
	/* Lanes: the logs present, in the dataset's order, then the unknown source. */
	static const char *const lanes[] = {
		"auth", "conn", "sysmon", "dhcp", "messaging", "custom"
	};
	assert_int_equal(count(b, e, "<g class=\"lane\""), 6);
	const char *p = b;
	for (size_t i = 0; i < 6; i++) {
		char tag[64];
		snprintf(tag, sizeof tag, "<g class=\"lane\" data-source=\"%s\"", lanes[i]);
		const char *q = strstr(p, tag);
		if (q == NULL || q > e)
			fail_msg("lane %s missing or out of order", lanes[i]);
		p = q;
	}
	/* Every alert is marked; the one on two logs twice. */
	assert_int_equal(count(b, e, "class=\"mk "), NALERTS + 1);
	for (int i = 0; i < NALERTS; i++) {
		char tag[32];
		snprintf(tag, sizeof tag, "data-alert=\"%d\"", i);
		assert_int_equal(count(b, e, tag), i == 3 ? 2 : 1);
	}
	/* True and false apart; the decoy's false alert marked as such. */
	assert_int_equal(count(b, e, "class=\"mk tp\""), 3);
	assert_int_equal(count(b, e, "class=\"mk fp dc\" data-alert=\"1\""), 1);
	assert_int_equal(count(b, e, "class=\"mk fp\" data-alert=\"2\""), 1);
	assert_int_equal(count(b, e, "class=\"mk fp\" data-alert=\"4\""), 1);
	assert_int_equal(count(b, e, "<path class=\"mk tp\" data-alert=\"3\""), 2);
	/* Each mark has a tooltip; the alert without a time takes its record's. */
	assert_int_equal(count(b, e, "<title>TRUE alert: "), 3);
	assert_int_equal(count(b, e, "<title>FALSE alert (decoy video_send): "), 1);
	assert_non_null(strstr(b, "2026-03-02 02:00:00 UTC (no alert time: its first record)"));
	/* The steps are bands with their names. */
	assert_int_equal(count(b, e, "<g class=\"step\""), 3);
	assert_non_null(strstr(b, "<g class=\"step\" data-step=\"exfiltration\""));
	/* A campaign window and the insider's actions are views of their own. */
	view_svg(out.data, "view-campaign", &b, &e);
	assert_int_equal(count(b, e, "<g class=\"lane\""), 6);
	assert_int_equal(count(b, e, "class=\"mk "), NALERTS + 1);
	view_svg(out.data, "view-actions", &b, &e);
	assert_int_equal(count(b, e, "<g class=\"step\""), 2);
	ls_buf_fini(&out);
}

static void bytes_per_host_and_the_rest(void **state)
{
	ls_buf out = LS_BUF_INIT;
	report_ok(*state, &out);
	const char *h = out.data;
	/* The insider's laptop through its lease, db01 through the name Sysmon gave its address. */
	assert_non_null(strstr(h, "data-host=\"LT-00001\""));
	assert_non_null(strstr(h, "data-host=\"LT-00002\""));
	assert_non_null(strstr(h, "data-host=\"db01.corp.example\""));
	assert_non_null(strstr(h, "<polyline class=\"hostline campaign\""));
	assert_non_null(strstr(h, "LT-00001 (campaign host): 5.00 MB sent in 1 flows"));
	assert_non_null(strstr(h, "1 flows started by addresses outside the organisation"));
	/* The verdict and the tables. */
	assert_non_null(strstr(h, "<p class=\"verdict ok\">Incident detected, time to detect"));
	assert_non_null(strstr(h, "before the exfiltration ended"));
	assert_non_null(strstr(h, "<table class=\"rules\">"));
	assert_non_null(strstr(h, "<table class=\"steps\">"));
	assert_non_null(strstr(h, "<table class=\"techniques\">"));
	assert_non_null(strstr(h, "<table class=\"levels narrow\">"));
	assert_non_null(strstr(h, "<table class=\"ops narrow\">"));
	assert_non_null(strstr(h, "<table class=\"uploads\">"));
	assert_non_null(strstr(h, "channel <strong>leaks</strong>, post 9"));
	/* The true alerts in time order: the logon-and-process correlation, then the upload. */
	const char *t = strstr(h, "<table class=\"true-alerts\">");
	assert_non_null(t);
	const char *te = strstr(t, "</table>");
	assert_int_equal(count(t, te, "<tr><td class=\"t\">"), 2);
	const char *first = strstr(t, "Logon then process"),
	           *second = strstr(t, "Upload &lt;b&gt;");
	assert_true(first && second && first < second && second < te);
	ls_buf_fini(&out);
}

static void errors(void **state)
{
	const fixture *fx = *state;
	ls_diag d;
	ls_buf out = LS_BUF_INIT;
	ls_buf_append_cstr(&out, "kept");

	/* A scorer that was not computed. */
	ls_score s;
	ls_score_init(&s);
	ls_report r;
	ls_report_init(&r);
	assert_int_equal(ls_report_write(&r, &s, fx->dir, fx->alerts, &out, &d), LS_ERR_STATE);
	ls_report_fini(&r);
	ls_score_fini(&s);

	/* A missing alerts file. */
	char *missing = tu_join(fx->dir, "none.jsonl");
	assert_int_equal(report(fx, missing, &out, &d), LS_ERR_NOTFOUND);
	free(missing);

	/* A broken line, located. */
	write_file(fx->dir, "bad.jsonl", "{\"title\":\"x\",\"records\":[]}\n{\"title\":1}\n");
	char *bad = tu_join(fx->dir, "bad.jsonl");
	ls_report_init(&r);
	assert_int_equal(report_with(fx, &r, bad, &out, &d), LS_ERR_PARSE);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.file, bad);
	ls_report_fini(&r);

	/* Alerts other than those scored. */
	write_file(fx->dir, "bad.jsonl", "{\"title\":\"x\",\"time\":null,\"records\":[]}\n");
	assert_int_equal(report(fx, bad, &out, &d), LS_ERR_STATE);
	assert_non_null(strstr(d.message, "holds 1 alerts but the scores were computed for 5"));
	free(bad);

	/* On error the output is left as it was. */
	assert_string_equal(out.data, "kept");
	ls_buf_fini(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_checker_rejects_what_it_should),
		cmocka_unit_test(escaping),
		cmocka_unit_test_setup_teardown(inputs_are_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(the_same_inputs_give_the_same_bytes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_report_is_well_formed, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_refers_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(
		        the_timeline_has_a_lane_per_source_and_a_mark_per_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(bytes_per_host_and_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
