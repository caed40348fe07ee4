/*
 * test_pipeline.c - processing pipelines and placeholder files: what they
 * map, what they refuse (with positions), and their effect on loaded rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/mem.h"
#include "io/jsonl.h"
#include "sigma/pipeline.h"
#include "sigma/rule.h"

static ls_pipeline *pipe_of(const char *text)
{
	ls_pipeline *p = NULL;
	ls_diag d;
	ls_diag_clear(&d);
	if (ls_pipeline_load_mem(&p, text, strlen(text), "p.yml", &d) != LS_OK)
		fail_msg("pipeline: %s:%lu:%lu: %s", d.file, d.line, d.col, d.message);
	return p;
}

static void expect_pipe_error(const char *text, unsigned long line, unsigned long col,
                              const char *want)
{
	ls_pipeline *p = NULL;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_not_equal(ls_pipeline_load_mem(&p, text, strlen(text), "p.yml", &d), LS_OK);
	assert_null(p);
	if (strstr(d.message, want) == NULL || d.line != line || d.col != col)
		fail_msg("got %lu:%lu: %s, want %lu:%lu: ...%s...", d.line, d.col, d.message, line,
		         col, want);
}

static const char ecs[] = "name: ecs\n"
                          "transformations:\n"
                          "  - type: field_name_mapping\n"
                          "    mapping:\n"
                          "      Image: process.executable\n"
                          "    rule_conditions:\n"
                          "      - type: logsource\n"
                          "        category: process_creation\n"
                          "  - type: field_name_suffix\n"
                          "    suffix: .text\n"
                          "    rule_conditions:\n"
                          "      - type: logsource\n"
                          "        product: zeek\n"
                          "  - type: change_logsource\n"
                          "    category: process\n"
                          "    rule_conditions:\n"
                          "      - type: logsource\n"
                          "        category: process_creation\n";

static void fields_and_logsources_are_mapped(void **state)
{
	(void)state;
	ls_pipeline *p = pipe_of(ecs);
	ls_buf b = LS_BUF_INIT;
	ls_pl_logsource pc = { "process_creation", "windows", NULL };
	ls_pl_logsource zk = { NULL, "zeek", "conn" };
	ls_pipeline_field(p, &pc, LS_SV_LIT("Image"), &b);
	assert_string_equal(b.data, "process.executable");
	ls_pipeline_field(p, &pc, LS_SV_LIT("User"), &b);
	assert_string_equal(b.data, "User");
	ls_pipeline_field(p, &zk, LS_SV_LIT("Image"), &b);
	assert_string_equal(b.data, "Image.text");
	ls_pl_logsource out;
	bool changed[3];
	ls_pipeline_logsource(p, &pc, &out, changed);
	assert_string_equal(out.category, "process");
	assert_string_equal(out.product, "windows");
	assert_true(changed[0] && !changed[1] && !changed[2]);
	ls_pipeline_logsource(p, &zk, &out, changed);
	assert_false(changed[0]);
	ls_buf_fini(&b);
	ls_pipeline_free(p);
}

static void a_pipeline_changes_loaded_rules(void **state)
{
	(void)state;
	ls_pipeline *p = pipe_of(ecs);
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	rs.pipeline = p;
	static const char rule[] = "title: t\nlogsource: {category: process_creation}\n"
	                           "detection:\n  s:\n    Image|endswith: '\\\\evil.exe'\n"
	                           "  condition: s\n";
	ls_ruleset_load_mem(&rs, rule, strlen(rule), "r.yml", NULL);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.rules[0].logsource.category, "process");
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(
	        ls_jsonl_parse(LS_SV_LIT("{\"process\":{\"executable\":\"C:\\\\evil.exe\"}}"), 1,
	                       &ev, &a, NULL),
	        LS_OK);
	assert_true(ls_rule_match(&rs.rules[0], &ev));
	assert_int_equal(
	        ls_jsonl_parse(LS_SV_LIT("{\"Image\":\"C:\\\\evil.exe\"}"), 1, &ev, &a, NULL),
	        LS_OK);
	assert_false(ls_rule_match(&rs.rules[0], &ev));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_ruleset_fini(&rs);
	ls_pipeline_free(p);
}

static void pipelines_are_strict(void **state)
{
	(void)state;
	expect_pipe_error("name: x\n", 1, 1, "a pipeline needs a list of transformations");
	expect_pipe_error("transformations:\n  - type: drop_detection_item\n", 2, 11,
	                  "unsupported transformation type 'drop_detection_item'");
	expect_pipe_error(
	        "transformations:\n  - type: field_name_mapping\n    mapping: {a: [b, c]}\n", 3, 18,
	        "a list of target fields is not supported");
	expect_pipe_error("transformations:\n  - type: field_name_prefix\n", 2, 5,
	                  "needs 'prefix'");
	expect_pipe_error("transformations:\n  - type: change_logsource\n", 2, 5,
	                  "needs category, product or service");
	expect_pipe_error(
	        "transformations:\n  - {type: field_name_prefix, prefix: a, colour: red}\n", 2, 42,
	        "unknown key 'colour'");
	expect_pipe_error("transformations:\n  - type: field_name_prefix\n    prefix: a\n"
	                  "    rule_conditions:\n      - type: include_fields\n",
	                  5, 9, "only 'type: logsource'");
	expect_pipe_error("vars: {a: 1}\ntransformations: []\n", 1, 7, "not supported");
	expect_pipe_error("- a\n", 1, 1, "a pipeline must be a mapping");
	expect_pipe_error("transformations: [\n", 2, 1, "syntax error");
}

static void placeholders_expand_values(void **state)
{
	(void)state;
	static const char text[] = "admins: [alice, bob]\ndc: DC1\n";
	ls_placeholders *ph = NULL;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_placeholders_load_mem(&ph, text, strlen(text), "ph.yml", &d), LS_OK);
	const ls_sv *v;
	size_t n;
	assert_int_equal(ls_placeholders_lookup(ph, LS_SV_LIT("admins"), &v, &n), LS_OK);
	assert_int_equal(n, 2);
	assert_true(ls_sv_eq_cstr(v[1], "bob"));
	assert_int_equal(ls_placeholders_lookup(ph, LS_SV_LIT("dc"), &v, &n), LS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ls_placeholders_lookup(ph, LS_SV_LIT("nobody"), &v, &n), LS_ERR_NOTFOUND);
	/* A rule's expand reads them. */
	ls_sig_env env = { ls_placeholders_lookup, ph };
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	static const char rule[] =
	        "title: t\nlogsource: {category: c}\n"
	        "detection:\n  s:\n    user|expand: '%admins%'\n  condition: s\n";
	ls_ruleset_load_mem(&rs, rule, strlen(rule), "r.yml", &env);
	assert_int_equal(rs.n, 1);
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(LS_SV_LIT("{\"user\":\"BOB\"}"), 1, &ev, &a, NULL), LS_OK);
	assert_true(ls_rule_match(&rs.rules[0], &ev));
	assert_int_equal(ls_jsonl_parse(LS_SV_LIT("{\"user\":\"carol\"}"), 1, &ev, &a, NULL),
	                 LS_OK);
	assert_false(ls_rule_match(&rs.rules[0], &ev));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_ruleset_fini(&rs);
	ls_placeholders_free(ph);
	/* Errors. */
	static const char *const bad[] = { "admins: []\n", "a: [x]\na: [y]\n", "- x\n",
		                           "a: {b: c}\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ls_diag_clear(&d);
		assert_int_not_equal(
		        ls_placeholders_load_mem(&ph, bad[i], strlen(bad[i]), "ph.yml", &d), LS_OK);
		assert_null(ph);
		assert_true(d.line >= 1 && d.message[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_and_logsources_are_mapped),
		cmocka_unit_test(a_pipeline_changes_loaded_rules),
		cmocka_unit_test(pipelines_are_strict),
		cmocka_unit_test(placeholders_expand_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
