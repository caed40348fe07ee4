/*
 * test_audit.c - unit tests for the synthetic-only audit.
 *
 * The classifiers are probed at the edges of every allowed range, the
 * literal-finding rules against the strings that look like addresses but
 * are not (version strings, times, C++ scopes), and the ID check against
 * numbers whose check characters are worked out by hand below. A small
 * dataset written to a temporary directory checks the whole walk: which
 * file and line each finding names, and the errors for a missing manifest,
 * logs/ or an unknown profile.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "core/str.h"
#include "forensics/audit.h"
#include "testutil.h"

/* ---------------------------------------------------------------- helpers */

static uint32_t v4(const char *s)
{
	uint32_t a = 0;
	if (!ls_audit_parse_ipv4(ls_sv_from_cstr(s), &a))
		print_error("not an IPv4 address: %s\n", s);
	assert_true(ls_audit_parse_ipv4(ls_sv_from_cstr(s), &a));
	return a;
}

static bool v4_ok(const char *s)
{
	return ls_audit_ipv4_allowed(v4(s));
}

static bool v6_ok(const char *s)
{
	uint8_t a[16];
	if (!ls_audit_parse_ipv6(ls_sv_from_cstr(s), a))
		print_error("not an IPv6 address: %s\n", s);
	assert_true(ls_audit_parse_ipv6(ls_sv_from_cstr(s), a));
	return ls_audit_ipv6_allowed(a);
}

/* What a scan found, as "kind:text" lines. */
typedef struct hits {
	ls_buf text;
	int n;
} hits;

static void on_hit(void *ctx, ls_audit_kind kind, ls_sv text)
{
	hits *h = ctx;
	ls_buf_printf(&h->text, "%s:%.*s\n", ls_audit_kind_name(kind), (int)text.len, text.ptr);
	h->n++;
}

/* Scan value and compare the hits with want ("" for none). */
static void scan_is(const char *value, bool host_like, ls_audit_profile p, const char *want)
{
	hits h = { LS_BUF_INIT, 0 };
	ls_buf_append_cstr(&h.text, "");
	ls_audit_scan(ls_sv_from_cstr(value), host_like, p, on_hit, &h);
	if (strcmp(h.text.data, want) != 0)
		print_error("scanning \"%s\":\n got: %s\nwant: %s\n", value, h.text.data, want);
	assert_string_equal(h.text.data, want);
	ls_buf_fini(&h.text);
}

static void scan_plain(const char *value, const char *want)
{
	scan_is(value, false, LS_AUDIT_PROFILE_MSGR, want);
}

/* --------------------------------------------------------------- addresses */

static void ipv4_text_is_strict(void **state)
{
	(void)state;
	uint32_t a;
	assert_int_equal(v4("0.0.0.0"), 0);
	assert_int_equal(v4("255.255.255.255"), 0xffffffffu);
	assert_int_equal(v4("10.1.2.3"), 0x0a010203u);
	const char *bad[] = { "",         "1.2.3",      "1.2.3.4.5", "1.2.3.256", "01.2.3.4",
		              "1.2.3.04", "1..3.4",     "1.2.3.",    ".1.2.3",    "1.2.3.4 ",
		              "1.2.3.a",  "1234.1.1.1", "-1.2.3.4" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(ls_audit_parse_ipv4(ls_sv_from_cstr(bad[i]), &a));
}

static void ipv4_ranges_and_their_edges(void **state)
{
	(void)state;
	assert_true(v4_ok("10.0.0.0"));
	assert_true(v4_ok("10.255.255.255"));
	assert_false(v4_ok("9.255.255.255"));
	assert_false(v4_ok("11.0.0.0"));
	assert_true(v4_ok("192.0.2.0"));
	assert_true(v4_ok("192.0.2.255"));
	assert_false(v4_ok("192.0.1.255"));
	assert_false(v4_ok("192.0.3.0"));
	assert_true(v4_ok("198.51.100.7"));
	assert_false(v4_ok("198.51.101.0"));
	assert_false(v4_ok("198.51.99.255"));
	assert_true(v4_ok("203.0.113.255"));
	assert_false(v4_ok("203.0.114.0"));
	assert_false(v4_ok("203.0.112.255"));
	/* Nobody's address: loopback, unspecified, broadcast. */
	assert_true(v4_ok("127.0.0.1"));
	assert_true(v4_ok("127.255.255.254"));
	assert_true(v4_ok("0.0.0.0"));
	assert_true(v4_ok("255.255.255.255"));
	assert_false(v4_ok("0.0.0.1"));
	assert_false(v4_ok("255.255.255.254"));
	/* Private ranges other than 10/8 are real organisations' space. */
	assert_false(v4_ok("192.168.1.1"));
	assert_false(v4_ok("172.16.0.1"));
	assert_false(v4_ok("8.8.8.8"));
}

static void ipv6_text(void **state)
{
	(void)state;
	uint8_t a[16];
	const char *good[] = { "::",
		               "::1",
		               "1::",
		               "2001:db8::",
		               "2001:DB8:0:0:0:0:0:1",
		               "1:2:3:4:5:6:7::",
		               "::2:3:4:5:6:7:8",
		               "::ffff:1.2.3.4",
		               "1:2:3:4:5:6:1.2.3.4",
		               "fe80::1" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(ls_audit_parse_ipv6(ls_sv_from_cstr(good[i]), a));
	assert_true(ls_audit_parse_ipv6(LS_SV_LIT("2001:db8::c000:201"), a));
	assert_int_equal(a[0], 0x20);
	assert_int_equal(a[3], 0xb8);
	assert_int_equal(a[14], 0x02);
	assert_int_equal(a[15], 0x01);
	const char *bad[] = { "",
		              ":",
		              ":1",
		              "1:",
		              "1:::2",
		              "1::2::3",
		              "12345::",
		              "1:2:3:4:5:6:7:8:9",
		              "1:2:3:4:5:6:7",
		              "::1.2.3",
		              "1:2:3:4:5:6:7:1.2.3.4",
		              "::g",
		              "1:2:3:4:5:6:7:8::",
		              "::ffff:1.2.3.04" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ls_audit_parse_ipv6(ls_sv_from_cstr(bad[i]), a))
			print_error("accepted %s\n", bad[i]);
		assert_false(ls_audit_parse_ipv6(ls_sv_from_cstr(bad[i]), a));
	}
}

static void ipv6_ranges_and_their_edges(void **state)
{
	(void)state;
	assert_true(v6_ok("2001:db8::"));
	assert_true(v6_ok("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(v6_ok("2001:db9::"));
	assert_false(v6_ok("2001:db7:ffff::"));
	assert_false(v6_ok("2002:db8::"));
	assert_true(v6_ok("::"));
	assert_true(v6_ok("::1"));
	assert_false(v6_ok("::2"));
	assert_false(v6_ok("fe80::1"));
	/* IPv4-mapped addresses are judged by their IPv4 part. */
	assert_true(v6_ok("::ffff:10.9.8.7"));
	assert_true(v6_ok("::ffff:c000:2ff")); /* ::ffff:192.0.2.255 */
	assert_false(v6_ok("::ffff:8.8.8.8"));
	assert_false(v6_ok("::ffff:c000:300")); /* ::ffff:192.0.3.0 */
	/* Embedded IPv4 elsewhere: the IPv6 address decides. */
	assert_true(v6_ok("2001:db8::8.8.8.8"));
	assert_false(v6_ok("64:ff9b::10.0.0.1"));
}

static void literals_in_text(void **state)
{
	(void)state;
	scan_plain("ping 8.8.8.8", "public address:8.8.8.8\n");
	scan_plain("dst:8.8.8.8:53, [1.1.1.1]", "public address:8.8.8.8\npublic address:1.1.1.1\n");
	scan_plain("route 9.9.9.0/24.", "public address:9.9.9.0\n");
	scan_plain("8.8.8.8 and 8.8.8.8 again", "public address:8.8.8.8\n");
	scan_plain("ip-8.8.4.4", "public address:8.8.4.4\n");
	/* Not addresses: versions, five parts, leading zeros, touching letters. */
	scan_plain("Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36", "");
	scan_plain("Windows NT 10.0; build 1.2.3.4.5", "");
	scan_plain("010.000.000.001 v8.8.8.8 8.8.8.8x a.8.8.8.8 8.8.8.8.b", "");
	scan_plain("4.3.2.1.in-addr.arpa", "");
	scan_plain("ts=1709280000.123456 2024-03-01T08:00:00.123Z", "");
	/* The allowed ranges are quiet. */
	scan_plain("from 10.1.2.3 to 192.0.2.10 via 203.0.113.254 and 127.0.0.1", "");
}

static void ipv6_literals_in_text(void **state)
{
	(void)state;
	scan_plain("std::string Foo::Bar at 12:34:56 mac 00:1a:2b:3c:4d:5e", "");
	scan_plain("from [2001:db8::1]:443 and ::1 and ::", "");
	scan_plain("from [2001:db9::1]:443", "public address:2001:db9::1\n");
	scan_plain("fe80::1%eth0.", "public address:fe80::1\n");
	scan_plain("addr 2606:4700::6810:84e5: done", "public address:2606:4700::6810:84e5\n");
	/* Embedded IPv4: one finding for the mapped form, none in the doc prefix. */
	scan_plain("::ffff:8.8.8.8", "public address:::ffff:8.8.8.8\n");
	scan_plain("2001:db8::8.8.8.8", "");
	scan_plain("::ffff:10.0.0.1", "");
}

/* ------------------------------------------------------------------- hosts */

static void host_names(void **state)
{
	(void)state;
	ls_audit_profile m = LS_AUDIT_PROFILE_MSGR, t = LS_AUDIT_PROFILE_TELEGRAM;
	assert_true(ls_audit_host_allowed(LS_SV_LIT("files.corp.example"), m));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("X.TEST"), m));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("a.invalid."), m));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("LT-0042"), m));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("1.2.3.4"), m)); /* rule 1's */
	assert_false(ls_audit_host_allowed(LS_SV_LIT("evil.com"), m));
	assert_false(ls_audit_host_allowed(LS_SV_LIT("example.com"), m));
	assert_false(ls_audit_host_allowed(LS_SV_LIT("host.example.org"), m));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("notexample"), m)); /* one label */
	assert_false(ls_audit_host_allowed(LS_SV_LIT("a.myexample"), m));
	/* The allow-list belongs to its profile and names exact hosts. */
	assert_false(ls_audit_host_allowed(LS_SV_LIT("api.telegram.org"), m));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("api.telegram.org"), t));
	assert_true(ls_audit_host_allowed(LS_SV_LIT("Web.Telegram.ORG."), t));
	assert_false(ls_audit_host_allowed(LS_SV_LIT("x.api.telegram.org"), t));
	assert_false(ls_audit_host_allowed(LS_SV_LIT("telegram.org"), t));
	/* Reverse DNS names stand for their address. */
	assert_true(ls_audit_host_allowed(LS_SV_LIT("3.2.1.10.in-addr.arpa"), m));
	assert_false(ls_audit_host_allowed(LS_SV_LIT("8.8.8.8.in-addr.arpa"), m));
	assert_false(ls_audit_host_allowed(LS_SV_LIT("10.in-addr.arpa"), m));
	assert_true(ls_audit_host_allowed(
	        LS_SV_LIT(
	                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"),
	        m));
	assert_false(ls_audit_host_allowed(
	        LS_SV_LIT(
	                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.b.d.0.1.0.0.2.ip6.arpa"),
	        m));
}

static void host_fields(void **state)
{
	(void)state;
	const char *yes[] = { "Computer",      "computer",  "DestinationHostname",
		              "QueryName",     "query",     "server_name",
		              "cs-host",       "host",      "HOSTNAME",
		              "domain",        "answers",   "r-dns",
		              "host.hostname", "url.domain" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(ls_audit_host_field(ls_sv_from_cstr(yes[i])));
	const char *no[] = {
		"DestinationIp", "hostnames", "c-uri", "message", "query_id", "host.ip"
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(ls_audit_host_field(ls_sv_from_cstr(no[i])));
}

static void hosts_in_values(void **state)
{
	(void)state;
	ls_audit_profile m = LS_AUDIT_PROFILE_MSGR;
	/* In host-like fields every dotted name counts... */
	scan_is("google.com", true, m, "real domain:google.com\n");
	scan_is("files.corp.example:443", true, m, "");
	scan_is("TXT 34 v=spf1 include:_spf.google.com ~all", true, m,
	        "real domain:_spf.google.com\n");
	scan_is("10.9.0.1", true, m, "");
	/* ...elsewhere only URLs and e-mail addresses. */
	scan_is("google.com", false, m, "");
	scan_is("curl -s https://user@evil.com:8443/x?y=1", false, m, "real domain:evil.com\n");
	scan_is("see (http://Evil.Com) now", false, m, "real domain:Evil.Com\n");
	scan_is("https://files.corp.example/up and file:///etc/hosts", false, m, "");
	scan_is("mail bob@mail.evil.org, alice@corp.example, root@LT-0042", false, m,
	        "real domain:mail.evil.org\n");
	scan_is("[leaksim@32473 rid=1] lodash@4.17.21", false, m, "");
	scan_is("http://[2001:db9::1]/", false, m, "public address:2001:db9::1\n");
	scan_is("https://api.telegram.org/bot/sendDocument", false, LS_AUDIT_PROFILE_TELEGRAM, "");
	scan_is("https://api.telegram.org/bot/sendDocument", false, m,
	        "real domain:api.telegram.org\n");
}

/* --------------------------------------------------------------------- IDs */

static void id_check_characters(void **state)
{
	(void)state;
	/*
	 * 2 3 0 1 0 2 1 9 8 5 0 6 1 5 1 2 3 times 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
	 * 14+27+0+5+0+8+2+9+48+15+0+54+10+25+8+8+6 = 239; 239 mod 11 = 8;
	 * (12 - 8) mod 11 = 4.
	 */
	assert_int_equal(ls_audit_id_check("23010219850615123"), '4');
	/*
	 * 4 4 0 1 0 6 1 9 9 0 0 5 0 1 0 3 1:
	 * 28+36+0+5+0+24+2+9+54+0+0+45+0+5+0+12+2 = 222; 222 mod 11 = 2;
	 * (12 - 2) mod 11 = 10, written X.
	 */
	assert_int_equal(ls_audit_id_check("44010619900501031"), 'X');
	assert_true(ls_audit_id_valid(LS_SV_LIT("230102198506151234")));
	assert_false(ls_audit_id_valid(LS_SV_LIT("230102198506151235")));
	assert_true(ls_audit_id_valid(LS_SV_LIT("44010619900501031X")));
	assert_true(ls_audit_id_valid(LS_SV_LIT("44010619900501031x")));
	assert_false(ls_audit_id_valid(LS_SV_LIT("440106199005010310")));
	assert_false(ls_audit_id_valid(LS_SV_LIT("23010219850615123")));
	assert_false(ls_audit_id_valid(LS_SV_LIT("2301021985061512344")));
	assert_false(ls_audit_id_valid(LS_SV_LIT("23010219850615123Y")));
	assert_false(ls_audit_id_valid(LS_SV_LIT("X30102198506151234")));
}

static void id_tokens_in_text(void **state)
{
	(void)state;
	scan_plain("id=230102198506151234;", "valid ID number:230102198506151234\n");
	scan_plain("230102198506151234", "valid ID number:230102198506151234\n");
	scan_plain("\"44010619900501031x\"", "valid ID number:44010619900501031x\n");
	/* Wrong check characters are what the generator must write. */
	scan_plain("230102198506151235 44010619900501031 8", "");
	/* Part of a longer run of letters and digits: not a token. */
	scan_plain("a230102198506151234 2301021985061512340 230102198506151234b", "");
	scan_plain("x-230102198506151234_y", "valid ID number:230102198506151234\n");
}

/* ----------------------------------------------------------------- dataset */

typedef struct collected {
	ls_buf text;
	int n;
} collected;

static void collect(void *ctx, const ls_audit_finding *f)
{
	collected *c = ctx;
	ls_buf_printf(&c->text, "%s:%lu: %s: %s\n", f->file, f->line, ls_audit_kind_name(f->kind),
	              f->detail);
	c->n++;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char *path = tu_join(dir, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void sub(const char *dir, const char *rel)
{
	char *path = tu_join(dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static void dataset_findings_name_file_and_line(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	sub(dir, "logs");
	sub(dir, "logs/more");
	sub(dir, "truth");
	put(dir, "manifest.json",
	    "{\"leaksim\":\"0.1.0\",\"profile\":\"telegram\",\"files\":[]}\n");
	put(dir, "logs/proxy.jsonl",
	    "{\"c-ip\":\"10.1.2.3\",\"cs-host\":\"api.telegram.org\"}\n"
	    "{\"c-ip\":\"10.1.2.3\",\"cs-host\":\"files.corp.example\",\"DestinationIp\":"
	    "\"8.8.8.8\"}\n"
	    "{\"bad\":}\n");
	put(dir, "logs/conn.log",
	    "#separator \\x09\n#fields\tts\tquery\n#types\ttime\tstring\n"
	    "1.5\tgoogle.com\n1.5\t-\n");
	put(dir, "logs/auth.log", "<38>1 - db01 sshd 1 - - ok\n<38>1 - db01 sshd 1 - -x\n");
	put(dir, "logs/more/notes.txt", "ok\nid 230102198506151234\n");
	put(dir, "truth/answer-key.json",
	    "{\n  \"steps\": [\n    {\"who\": \"a@evil.com\"}\n  ]\n}\n");
	collected c = { LS_BUF_INIT, 0 };
	ls_buf_append_cstr(&c.text, "");
	ls_audit_stats st;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(dir, collect, &c, &st, &d), LS_OK);
	const char *want =
	        "logs/auth.log:2: cannot parse: column 24: expected ' ' before the message, found "
	        "'x'\n"
	        "logs/conn.log:4: real domain: google.com in field query\n"
	        "logs/more/notes.txt:2: valid ID number: 230102********1234 in the text\n"
	        "logs/proxy.jsonl:2: public address: 8.8.8.8 in field DestinationIp\n"
	        "logs/proxy.jsonl:3: cannot parse: column 8: expected a value (string, number, "
	        "object, array, true, false or null), found '}'\n"
	        "truth/answer-key.json:3: real domain: evil.com in field steps.who\n";
	if (strcmp(c.text.data, want) != 0)
		print_error("got:\n%swant:\n%s", c.text.data, want);
	assert_string_equal(c.text.data, want);
	assert_int_equal(st.findings, 6);
	assert_int_equal(st.files, 6);
	/* manifest 1 + proxy 2 + conn 2 + auth 1 + notes 2 + answer key 1 */
	assert_int_equal(st.records, 9);
	assert_int_equal(st.profile, LS_AUDIT_PROFILE_TELEGRAM);
	ls_buf_fini(&c.text);
	tu_rmdir(dir);
}

static void dataset_errors(void **state)
{
	(void)state;
	collected c = { LS_BUF_INIT, 0 };
	ls_audit_stats st;
	ls_diag d;
	char *dir = tu_tempdir();
	char *missing = tu_join(dir, "nope");
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(missing, collect, &c, &st, &d), LS_ERR_NOTFOUND);
	assert_non_null(strstr(d.message, "no such directory"));
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(dir, collect, &c, &st, &d), LS_ERR_NOTFOUND);
	assert_non_null(strstr(d.message, "cannot open manifest.json"));
	assert_ptr_equal(d.file, dir);
	put(dir, "manifest.json", "{\"profile\":\"msgr\"}\n");
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(dir, collect, &c, &st, &d), LS_ERR_NOTFOUND);
	assert_non_null(strstr(d.message, "no logs/ directory"));
	sub(dir, "logs");
	put(dir, "manifest.json", "{\"profile\":\"signal\"}\n");
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(dir, collect, &c, &st, &d), LS_ERR_RANGE);
	assert_non_null(strstr(d.message, "unknown profile 'signal'"));
	put(dir, "manifest.json", "{\"profile\":\n1,}\n");
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(dir, collect, &c, &st, &d), LS_ERR_PARSE);
	assert_string_equal(d.file, "manifest.json");
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 3);
	put(dir, "manifest.json", "{}\n");
	ls_diag_clear(&d);
	assert_int_equal(ls_audit_dataset(dir, collect, &c, &st, &d), LS_OK);
	assert_int_equal(st.findings, 0);
	assert_int_equal(st.profile, LS_AUDIT_PROFILE_MSGR);
	assert_int_equal(c.n, 0);
	free(missing);
	ls_buf_fini(&c.text);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_text_is_strict),
		cmocka_unit_test(ipv4_ranges_and_their_edges),
		cmocka_unit_test(ipv6_text),
		cmocka_unit_test(ipv6_ranges_and_their_edges),
		cmocka_unit_test(literals_in_text),
		cmocka_unit_test(ipv6_literals_in_text),
		cmocka_unit_test(host_names),
		cmocka_unit_test(host_fields),
		cmocka_unit_test(hosts_in_values),
		cmocka_unit_test(id_check_characters),
		cmocka_unit_test(id_tokens_in_text),
		cmocka_unit_test(dataset_findings_name_file_and_line),
		cmocka_unit_test(dataset_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
