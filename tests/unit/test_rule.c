/*
 * test_rule.c - Sigma rule documents: what loads, what matches, what is
 * rejected and where; the bundled pack; the SigmaHQ corpus load rate.
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
#include "io/jsonl.h"
#include "sigma/engine.h"
#include "sigma/rule.h"

static const char *corpus_dir(void);

static void load(ls_ruleset *rs, const char *text)
{
	ls_ruleset_init(rs);
	ls_ruleset_load_mem(rs, text, strlen(text), "t.yml", NULL);
}

/* Whether rule 0 of the text matches the JSON event. */
static bool matches(const char *rule, const char *json)
{
	ls_ruleset rs;
	load(&rs, rule);
	if (rs.n != 1)
		fail_msg("rule did not load: %s", rs.nrejects ? rs.rejects[0].message : "(none)");
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(json), 1, &ev, &a, NULL), LS_OK);
	bool m = ls_rule_match(&rs.rules[0], &ev);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_ruleset_fini(&rs);
	return m;
}

static void expect_reject(const char *text, unsigned long line, unsigned long col, const char *want)
{
	ls_ruleset rs;
	load(&rs, text);
	if (rs.nrejects != 1 || rs.n != 0)
		fail_msg("want one rejection (%s), got %zu rules, %zu rejections", want, rs.n,
		         rs.nrejects);
	const ls_rule_reject *j = &rs.rejects[0];
	if (strstr(j->message, want) == NULL || j->line != line || (col && j->col != col))
		fail_msg("got %s:%lu:%lu: %s\nwant %lu:%lu: ...%s...", j->file, j->line, j->col,
		         j->message, line, col, want);
	assert_string_equal(j->file, "t.yml");
	ls_ruleset_fini(&rs);
}

#define HEAD "title: t\nlogsource: {category: proxy}\n"

static void a_rule_loads_with_its_metadata(void **state)
{
	(void)state;
	ls_ruleset rs;
	load(&rs, "title: Big upload\nid: 11111111-2222-3333-4444-555555555555\nstatus: test\n"
	          "level: high\ntags: [attack.exfiltration, attack.t1567]\n"
	          "logsource:\n  category: proxy\n  product: squid\n"
	          "detection:\n  sel:\n    cs-method: POST\n  condition: sel\n");
	assert_int_equal(rs.n, 1);
	const ls_rule *r = &rs.rules[0];
	assert_string_equal(r->title, "Big upload");
	assert_string_equal(r->id, "11111111-2222-3333-4444-555555555555");
	assert_int_equal(r->level, LS_LEVEL_HIGH);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[1], "attack.t1567");
	assert_string_equal(r->logsource.category, "proxy");
	assert_string_equal(r->logsource.product, "squid");
	assert_null(r->logsource.service);
	assert_int_equal(r->nsearches, 1);
	assert_int_equal(r->line, 1);
	ls_ruleset_fini(&rs);
}

static void searches_combine_as_the_spec_says(void **state)
{
	(void)state;
	/* A mapping is an AND; a list of values an OR. */
	const char *r1 = HEAD "detection:\n  s:\n    a: x\n    b: [y, z]\n  condition: s\n";
	assert_true(matches(r1, "{\"a\":\"x\",\"b\":\"z\"}"));
	assert_false(matches(r1, "{\"a\":\"x\",\"b\":\"w\"}"));
	assert_false(matches(r1, "{\"b\":\"y\"}"));
	/* A list of mappings is an OR of ANDs. */
	const char *r2 =
	        HEAD "detection:\n  s:\n    - {a: x, b: y}\n    - {c: z}\n  condition: s\n";
	assert_true(matches(r2, "{\"c\":\"z\"}"));
	assert_true(matches(r2, "{\"a\":\"X\",\"b\":\"Y\"}"));
	assert_false(matches(r2, "{\"a\":\"x\"}"));
	/* Keywords: a list of strings searched in every value. */
	const char *r3 = HEAD "detection:\n  kw:\n    - evil\n    - 'bad thing'\n  condition: kw\n";
	assert_true(matches(r3, "{\"msg\":\"an EVIL deed\"}"));
	assert_true(matches(r3, "{\"x\":1,\"msg\":\"a bad thing here\"}"));
	assert_false(matches(r3, "{\"evil\":\"name only\"}"));
	/* Conditions: a list of conditions is their OR; not, and, 1 of. */
	const char *r4 = HEAD "detection:\n  a: {x: 1}\n  b: {y: 2}\n  f_1: {z: 3}\n"
	                      "  condition:\n    - a and not 1 of f_*\n    - b\n";
	assert_true(matches(r4, "{\"x\":1}"));
	assert_false(matches(r4, "{\"x\":1,\"z\":3}"));
	assert_true(matches(r4, "{\"y\":2,\"z\":3}"));
	/* Modifiers reach the leaf. */
	const char *r5 = HEAD "detection:\n  s:\n    c|contains|all: [ab, cd]\n  condition: s\n";
	assert_true(matches(r5, "{\"c\":\"xxCDyyABzz\"}"));
	assert_false(matches(r5, "{\"c\":\"xxabzz\"}"));
	/* Keywords with modifiers: the '|all' key. */
	const char *r6 = HEAD "detection:\n  kw:\n    '|all': [one, two]\n  condition: kw\n";
	assert_true(matches(r6, "{\"m\":\"two and one\"}"));
	assert_false(matches(r6, "{\"m\":\"one\"}"));
}

static void several_documents_are_several_rules(void **state)
{
	(void)state;
	ls_ruleset rs;
	load(&rs, "title: a\nlogsource: {product: p}\ndetection: {s: {f: 1}, condition: s}\n"
	          "---\n"
	          "title: b\nlogsource: {product: p}\ndetection: {s: {f: 2}, condition: x}\n"
	          "---\n"
	          "title: c\nlogsource: {product: p}\ndetection: {s: {f: 3}, condition: s}\n");
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.nrejects, 1);
	assert_string_equal(rs.rules[1].title, "c");
	assert_int_equal(rs.rules[1].line, 9);
	assert_int_equal(rs.rejects[0].line, 7);
	assert_non_null(strstr(rs.rejects[0].message, "unknown identifier 'x'"));
	ls_ruleset_fini(&rs);
}

static void every_rejection_has_a_place_and_a_reason(void **state)
{
	(void)state;
	expect_reject("logsource: {category: proxy}\ndetection: {s: {a: 1}, condition: s}\n", 1, 1,
	              "a rule needs a title");
	expect_reject("title: t\ndetection: {s: {a: 1}, condition: s}\n", 1, 1,
	              "a rule needs a logsource");
	expect_reject(HEAD, 1, 1, "a rule needs a detection");
	expect_reject(HEAD "detection:\n  s: {a: 1}\n", 4, 3, "detection: no condition");
	expect_reject(HEAD "detection:\n  s:\n    a|contians: x\n  condition: s\n", 5, 7,
	              "unknown modifier 'contians'");
	expect_reject(HEAD "detection:\n  s: {a: 1}\n  condition: s and t\n", 5, 20,
	              "unknown identifier 't'");
	expect_reject(HEAD "detection:\n  s: {a: 1}\n  condition: 's or'\n", 5, 0, "expected");
	expect_reject(HEAD "detection:\n  s: {a: 1}\n  condition: s | count() > 5\n", 5, 14,
	              "Sigma 1.0 syntax");
	expect_reject(HEAD "detection:\n  s:\n    a: {b: 1}\n  condition: s\n", 5, 8,
	              "not a mapping");
	expect_reject(HEAD "detection:\n  s: []\n  condition: s\n", 4, 6, "an empty list");
	expect_reject(HEAD "level: severe\ndetection:\n  s: {a: 1}\n  condition: s\n", 3, 8,
	              "level: expected informational");
	expect_reject("title: t\nlogsource: {category: c}\nfilter: [a]\n", 3, 9,
	              "filter: expected a mapping");
	expect_reject("title: t\nlogsource: {}\ndetection:\n  s: {a: 1}\n  condition: s\n", 2, 12,
	              "logsource: needs at least one of");
	expect_reject("- a\n- b\n", 1, 1, "a rule must be a mapping");
	expect_reject("title: [t\n", 2, 1, "syntax error");
	expect_reject("title: &x t\nname: *x\n", 2, 7, "aliases");
}

static void logsources_route_rules(void **state)
{
	(void)state;
	ls_logsource rule = { .category = (char *)"process_creation",
		              .product = (char *)"windows" };
	ls_route yes = { "process_creation", "windows", NULL };
	ls_route no = { "network_connection", "windows", NULL };
	ls_route any_case = { "Process_Creation", "WINDOWS", "sysmon" };
	assert_true(ls_logsource_accepts(&rule, &yes));
	assert_false(ls_logsource_accepts(&rule, &no));
	assert_true(ls_logsource_accepts(&rule, &any_case));
	ls_logsource svc = { .product = (char *)"zeek", .service = (char *)"dns" };
	ls_route dns[LS_ROUTES_MAX];
	ls_event ev = LS_EVENT_INIT;
	assert_int_equal(ls_dataset_routes("dns", &ev, dns), 2);
	assert_true(ls_logsource_accepts(&svc, &dns[1]));
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(LS_SV_LIT("{\"EventID\":11}"), 1, &ev, &a, NULL), LS_OK);
	assert_int_equal(ls_dataset_routes("sysmon", &ev, dns), 1);
	assert_string_equal(dns[0].category, "file_event");
	assert_int_equal(ls_dataset_routes("nosuch", &ev, dns), 0);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

/* Filter documents AND their condition into the rules they name. */
static void filters_narrow_the_rules_they_name(void **state)
{
	(void)state;
	static const char text[] =
	        "title: POST\nid: 11111111-1111-4111-8111-111111111111\n"
	        "logsource: {category: proxy, product: squid}\n"
	        "detection: {sel: {cs-method: POST}, condition: sel}\n"
	        "---\n"
	        "title: GET\nname: get_rule\nlogsource: {category: proxy}\n"
	        "detection: {sel: {cs-method: GET}, condition: sel}\n"
	        "---\n"
	        "title: Not the build server\nlogsource: {category: proxy}\n"
	        "filter:\n  rules: [11111111-1111-4111-8111-111111111111, get_rule]\n"
	        "  build: {c-ip: 10.0.0.9}\n  condition: not build\n"
	        "---\n"
	        "title: Only squid, any rule\nlogsource: {product: squid}\n"
	        "filter:\n  quiet: {cs-host: quiet.example}\n  condition: not quiet\n"
	        "---\n"
	        "title: Dangling\nlogsource: {category: proxy}\n"
	        "filter:\n  rules: [nosuch]\n  x: {a: 1}\n  condition: not x\n";
	ls_ruleset rs;
	load(&rs, text);
	assert_int_equal(rs.n, 5);
	ls_ruleset_link(&rs);
	assert_int_equal(rs.n, 4);
	assert_int_equal(rs.nrejects, 1);
	assert_non_null(strstr(rs.rejects[0].message, "filter: no rule 'nosuch' is loaded"));
	assert_int_equal(rs.rejects[0].line, 24);
	const ls_rule *post = &rs.rules[0], *get = &rs.rules[1];
	assert_int_equal(post->nfilters, 2); /* named, and the squid-wide one */
	assert_int_equal(get->nfilters, 1);  /* named; not squid */
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	struct {
		const char *json;
		bool post, get;
	} cases[] = {
		{ "{\"cs-method\":\"POST\",\"c-ip\":\"10.0.0.1\"}", true, false },
		{ "{\"cs-method\":\"POST\",\"c-ip\":\"10.0.0.9\"}", false, false },
		{ "{\"cs-method\":\"POST\",\"cs-host\":\"quiet.example\"}", false, false },
		{ "{\"cs-method\":\"GET\",\"cs-host\":\"quiet.example\"}", false, true },
		{ "{\"cs-method\":\"GET\",\"c-ip\":\"10.0.0.9\"}", false, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(cases[i].json), 1, &ev, &a, NULL),
		                 LS_OK);
		assert_int_equal(ls_rule_match(post, &ev), cases[i].post);
		assert_int_equal(ls_rule_match(get, &ev), cases[i].get);
		/* A filter document never matches on its own. */
		assert_false(ls_rule_match(&rs.rules[2], &ev));
	}
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_ruleset_fini(&rs);
	/* The specification's own filter examples load. */
	const char *dir = corpus_dir();
	if (dir) {
		char path[512];
		snprintf(path, sizeof path, "%s/spec-examples/tests/schema/filter", dir);
		ls_ruleset_init(&rs);
		assert_int_equal(ls_ruleset_load(&rs, path, NULL, NULL), LS_OK);
		assert_int_equal(rs.n, 2);
		assert_int_equal(rs.nrejects, 0);
		assert_true(rs.rules[0].is_filter && rs.rules[0].nfilter_rules == 2);
		ls_ruleset_fini(&rs);
	}
}

/* The bundled pack loads whole, every rule with an id, a level and ATT&CK tags. */
static void bundled_pack_loads(void **state)
{
	(void)state;
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	assert_int_equal(ls_ruleset_load(&rs, "rules", NULL, NULL), LS_OK);
	for (size_t i = 0; i < rs.nrejects; i++)
		print_error("%s:%lu:%lu: %s\n", rs.rejects[i].file, rs.rejects[i].line,
		            rs.rejects[i].col, rs.rejects[i].message);
	assert_int_equal(rs.nrejects, 0);
	assert_true(rs.n >= 10);
	assert_true(rs.n >= rs.files);
	for (size_t i = 0; i < rs.n; i++) {
		const ls_rule *r = &rs.rules[i];
		assert_non_null(r->id);
		assert_int_equal(strlen(r->id), 36);
		assert_true(r->level != LS_LEVEL_NONE);
		bool attack = false;
		for (size_t t = 0; t < r->ntags; t++)
			attack |= strncmp(r->tags[t], "attack.t", 8) == 0;
		assert_true(attack);
	}
	ls_ruleset_fini(&rs);
}

/* Where the SigmaHQ corpus is: $LEAKSIM_SIGMA_DIR, ../shared/sigma, /work/shared/sigma. */
static const char *corpus_dir(void)
{
	static const char *const tries[] = { "../shared/sigma", "/work/shared/sigma" };
	const char *env = getenv("LEAKSIM_SIGMA_DIR");
	struct stat st;
	if (env && stat(env, &st) == 0)
		return env;
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++)
		if (stat(tries[i], &st) == 0 && S_ISDIR(st.st_mode))
			return tries[i];
	return NULL;
}

/* At least 99% of the SigmaHQ corpus loads, and every rejection says why. */
static void sigmahq_corpus_loads(void **state)
{
	(void)state;
	const char *dir = corpus_dir();
	if (dir == NULL)
		fail_msg("the SigmaHQ corpus was not found: set LEAKSIM_SIGMA_DIR to shared/sigma");
	static const char *const trees[] = { "sigmahq/rules", "sigmahq/rules-emerging-threats",
		                             "sigmahq/rules-threat-hunting" };
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	char path[512];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, trees[i]);
		assert_int_equal(ls_ruleset_load(&rs, path, NULL, NULL), LS_OK);
	}
	size_t docs = rs.n + rs.nrejects;
	print_message("SigmaHQ corpus: %zu rules loaded, %zu rejected of %zu (%.2f%%)\n", rs.n,
	              rs.nrejects, docs, 100.0 * (double)rs.n / (double)(docs ? docs : 1));
	for (size_t i = 0; i < rs.nrejects; i++) {
		assert_true(strlen(rs.rejects[i].message) > 5);
		assert_true(rs.rejects[i].line > 0);
		if (i < 30)
			print_message("  rejected %s:%lu:%lu: %s\n", rs.rejects[i].file,
			              rs.rejects[i].line, rs.rejects[i].col, rs.rejects[i].message);
	}
	assert_true(docs >= 3700);
	assert_true(rs.n * 100 >= docs * 99);
	ls_ruleset_fini(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_rule_loads_with_its_metadata),
		cmocka_unit_test(searches_combine_as_the_spec_says),
		cmocka_unit_test(several_documents_are_several_rules),
		cmocka_unit_test(every_rejection_has_a_place_and_a_reason),
		cmocka_unit_test(logsources_route_rules),
		cmocka_unit_test(filters_narrow_the_rules_they_name),
		cmocka_unit_test(bundled_pack_loads),
		cmocka_unit_test(sigmahq_corpus_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
