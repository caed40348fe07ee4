/*
 * test_correl.c - Sigma correlation rules: parsing (the specification's
 * examples and every rejection, with its position), reference resolution,
 * and the streaming semantics of each type: windows and their edges,
 * groups, aliases, chaining, generate, resets, window closing, records and
 * bounded memory.
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
#include "sigma/correl.h"
#include "sigma/rule.h"

#define S LS_USEC_PER_SEC
#define T0 (INT64_C(1700000000) * S)

/* ============================================================== helpers */

static void load(ls_ruleset *rs, const char *text)
{
	ls_ruleset_init(rs);
	ls_ruleset_load_mem(rs, text, strlen(text), "t.yml", NULL);
}

/* The one correlation a text holds; fails on rejection. */
static const ls_correl *only_correl(ls_ruleset *rs, const char *text)
{
	load(rs, text);
	if (rs->nrejects)
		fail_msg("rejected: %lu:%lu: %s", rs->rejects[0].line, rs->rejects[0].col,
		         rs->rejects[0].message);
	assert_int_equal(rs->n, 1);
	assert_non_null(rs->rules[0].correl);
	return rs->rules[0].correl;
}

/* Line and column of the first occurrence of needle in text. */
static void position_of(const char *text, const char *needle, unsigned long *line,
                        unsigned long *col)
{
	const char *p = strstr(text, needle);
	if (p == NULL)
		fail_msg("marker '%s' is not in the text", needle);
	*line = 1;
	const char *bol = text;
	for (const char *q = text; q < p; q++)
		if (*q == '\n') {
			(*line)++;
			bol = q + 1;
		}
	*col = (unsigned long)(p - bol) + 1;
}

/*
 * The text is rejected `off` bytes after the first occurrence of `at`, with
 * a message containing `want`.
 */
static void expect_reject_off(const char *text, const char *at, unsigned long off, const char *want,
                              ls_err err)
{
	ls_ruleset rs;
	load(&rs, text);
	if (rs.nrejects != 1 || rs.n != 0)
		fail_msg("want one rejection (%s), got %zu rules, %zu rejections", want, rs.n,
		         rs.nrejects);
	unsigned long line, col;
	position_of(text, at, &line, &col);
	col += off;
	const ls_rule_reject *j = &rs.rejects[0];
	if (strstr(j->message, want) == NULL || j->line != line || j->col != col)
		fail_msg("got %s:%lu:%lu: %s\nwant %lu:%lu: ...%s...", j->file, j->line, j->col,
		         j->message, line, col, want);
	assert_string_equal(j->file, "t.yml");
	assert_int_equal(j->err, err);
	ls_ruleset_fini(&rs);
}

static void expect_reject_err(const char *text, const char *at, const char *want, ls_err err)
{
	expect_reject_off(text, at, 0, want, err);
}

static void expect_reject(const char *text, const char *at, const char *want)
{
	expect_reject_err(text, at, want, LS_ERR_PARSE);
}

/* Base detection rules named as given (the engine never evaluates them). */
#define BASE(name)                                                                                 \
	"---\ntitle: " name "\nname: " name "\nlogsource: {category: proxy}\n"                     \
	"detection: {sel: {x: 1}, condition: sel}\n"

/* ---- an engine over the rules of one text, with its alerts recorded */

#define MAX_ALERTS 64

typedef struct got {
	uint32_t correl;
	ls_time time;
	double value;
	char groups[128]; /* "v1|v2" */
	char recs[2048];  /* "rid,rid,..." */
	size_t nrecords, total;
} got;

typedef struct harness {
	ls_ruleset rs;
	ls_correl *corr;
	size_t ncorr;
	const char **ids, **names;
	size_t nbase;
	ls_correl_engine *e;
	got alerts[MAX_ALERTS];
	size_t nalerts; /* all alerts; the first MAX_ALERTS are kept */
	unsigned rid;
	ls_diag d;
} harness;

static void on_alert(void *ctx, const ls_correl_alert *a)
{
	harness *h = ctx;
	if (h->nalerts < MAX_ALERTS) {
		got *g = &h->alerts[h->nalerts];
		memset(g, 0, sizeof *g);
		g->correl = a->correl;
		g->time = a->time;
		g->value = a->value;
		g->nrecords = a->nrecords;
		g->total = a->nrecords_total;
		ls_buf b = LS_BUF_INIT;
		for (size_t i = 0; i < a->ngroup; i++) {
			if (i)
				ls_buf_append_char(&b, '|');
			ls_buf_append_sv(&b, a->group_values[i]);
		}
		snprintf(g->groups, sizeof g->groups, "%s", b.data ? b.data : "");
		ls_buf_reset(&b);
		for (size_t i = 0; i < a->nrecords && i < 100; i++) {
			if (i)
				ls_buf_append_char(&b, ',');
			ls_buf_append_cstr(&b, a->records[i].rid);
		}
		snprintf(g->recs, sizeof g->recs, "%s", b.data ? b.data : "");
		ls_buf_fini(&b);
	}
	h->nalerts++;
}

/* Load the text and build an engine; returns engine_new's result (d keeps its message). */
static ls_err setup_err(harness *h, const char *text)
{
	memset(h, 0, sizeof *h);
	load(&h->rs, text);
	if (h->rs.nrejects)
		fail_msg("rejected: %lu:%lu: %s", h->rs.rejects[0].line, h->rs.rejects[0].col,
		         h->rs.rejects[0].message);
	h->corr = calloc(h->rs.n + 1, sizeof *h->corr);
	h->ids = calloc(h->rs.n + 1, sizeof *h->ids);
	h->names = calloc(h->rs.n + 1, sizeof *h->names);
	for (size_t i = 0; i < h->rs.n; i++) {
		const ls_rule *r = &h->rs.rules[i];
		if (r->correl) {
			h->corr[h->ncorr++] = *r->correl;
		} else {
			h->ids[h->nbase] = r->id;
			h->names[h->nbase++] = r->name;
		}
	}
	ls_diag_clear(&h->d);
	return ls_correl_engine_new(&h->e, h->corr, h->ncorr, h->ids, h->names, h->nbase, &h->d);
}

static void setup(harness *h, const char *text)
{
	ls_err err = setup_err(h, text);
	if (err != LS_OK)
		fail_msg("engine: %s", h->d.message);
}

static void teardown(harness *h)
{
	ls_correl_engine_free(h->e);
	free(h->corr);
	free(h->ids);
	free(h->names);
	ls_ruleset_fini(&h->rs);
}

static uint32_t base_index(const harness *h, const char *name)
{
	for (size_t i = 0; i < h->nbase; i++)
		if ((h->names[i] && strcmp(h->names[i], name) == 0) ||
		    (h->ids[i] && strcmp(h->ids[i], name) == 0))
			return (uint32_t)i;
	fail_msg("no base rule %s", name);
	return 0;
}

static uint32_t correl_index(const harness *h, const char *name)
{
	for (size_t i = 0; i < h->ncorr; i++)
		if ((h->corr[i].name && strcmp(h->corr[i].name, name) == 0) ||
		    (h->corr[i].id && strcmp(h->corr[i].id, name) == 0))
			return (uint32_t)i;
	fail_msg("no correlation %s", name);
	return 0;
}

/* Feed a match of base rule `rule` at t for the JSON event; its rid is "rid" or r<N>. */
static void feed(harness *h, const char *rule, ls_time t, const char *json)
{
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_jsonl_parse(ls_sv_from_cstr(json), 1, &ev, &a, NULL), LS_OK);
	ls_recref rec = { .source = "test" };
	const ls_field *f = ls_event_get(&ev, LS_SV_LIT("rid"));
	if (f)
		snprintf(rec.rid, sizeof rec.rid, "%.*s", (int)f->value.len, f->value.ptr);
	else
		snprintf(rec.rid, sizeof rec.rid, "r%u", h->rid++);
	ls_correl_feed(h->e, base_index(h, rule), t, &ev, &rec, on_alert, h);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
}

static void advance(harness *h, ls_time now)
{
	ls_correl_advance(h->e, now, on_alert, h);
}

#define END INT64_MAX

/* A correlation document over base rules, with the given body lines (4-space indent). */
#define CORR(title, body) "---\ntitle: " title "\nname: " title "\ncorrelation:\n" body

/* ====================================================== parsing: examples */

static const char *sigma_dir(void)
{
	static const char *const tries[] = { "../shared/sigma", "/work/shared/sigma" };
	const char *env = getenv("LEAKSIM_SIGMA_DIR");
	struct stat st;
	if (env && *env)
		return env;
	for (size_t i = 0; i < 2; i++)
		if (stat(tries[i], &st) == 0 && S_ISDIR(st.st_mode))
			return tries[i];
	return NULL;
}

static void spec_examples_all_parse(void **state)
{
	(void)state;
	const char *dir = sigma_dir();
	if (dir == NULL)
		fail_msg(
		        "the Sigma examples were not found: set LEAKSIM_SIGMA_DIR to shared/sigma");
	char path[512];
	snprintf(path, sizeof path, "%s/spec-examples/tests/schema/correlation", dir);
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	assert_int_equal(ls_ruleset_load(&rs, path, NULL, NULL), LS_OK);
	for (size_t i = 0; i < rs.nrejects; i++)
		print_message("rejected %s:%lu:%lu: %s\n", rs.rejects[i].file, rs.rejects[i].line,
		              rs.rejects[i].col, rs.rejects[i].message);
	assert_int_equal(rs.nrejects, 0);
	assert_int_equal(rs.n, 8);
	unsigned seen = 0;
	for (size_t i = 0; i < rs.n; i++) {
		const ls_correl *c = rs.rules[i].correl;
		assert_non_null(c);
		seen |= 1u << c->type;
		assert_true(c->timespan > 0);
		assert_true(c->ncmp >= 1);
		assert_true(c->nrules >= 1);
		assert_false(c->generate);
	}
	assert_int_equal(seen, 0x7f); /* every type */
	ls_ruleset_fini(&rs);
}

static void event_count_example_parses_exactly(void **state)
{
	(void)state;
	ls_ruleset rs;
	const ls_correl *c = only_correl(&rs, "title: Many failed logins\n"
	                                      "id: 0e95725d-7320-415d-80f7-004da920fc11\n"
	                                      "correlation:\n"
	                                      "    type: event_count\n"
	                                      "    rules:\n"
	                                      "        - 5638f7c0-ac70-491d-8465-2a65075e0d86\n"
	                                      "    group-by:\n"
	                                      "        - ComputerName\n"
	                                      "    timespan: 1h\n"
	                                      "    condition:\n"
	                                      "        gte: 100\n");
	assert_int_equal(c->type, LS_CORREL_EVENT_COUNT);
	assert_string_equal(ls_correl_type_name(c->type), "event_count");
	assert_int_equal(c->nrules, 1);
	assert_string_equal(c->rules[0], "5638f7c0-ac70-491d-8465-2a65075e0d86");
	assert_int_equal(c->ngroup_by, 1);
	assert_string_equal(c->group_by[0], "ComputerName");
	assert_int_equal(c->timespan, 3600 * S);
	assert_int_equal(c->ncmp, 1);
	assert_int_equal(c->cmp[0], LS_CMP_GTE);
	assert_true(c->threshold[0] == 100);
	assert_null(c->field);
	assert_false(c->generate);
	assert_string_equal(c->id, "0e95725d-7320-415d-80f7-004da920fc11");
	assert_null(c->name);
	assert_non_null(rs.rules[0].title);
	ls_ruleset_fini(&rs);
}

static void value_types_take_a_field(void **state)
{
	(void)state;
	ls_ruleset rs;
	const ls_correl *c = only_correl(&rs, "title: t\ncorrelation:\n  type: value_count\n"
	                                      "  rules: r\n  group-by: [a, b]\n  timespan: 1d\n"
	                                      "  condition: {field: User, gte: 100}\n");
	assert_int_equal(c->type, LS_CORREL_VALUE_COUNT);
	assert_string_equal(c->field, "User");
	assert_int_equal(c->ngroup_by, 2);
	assert_int_equal(c->nrules, 1); /* a single string is a list of one */
	assert_string_equal(c->rules[0], "r");
	ls_ruleset_fini(&rs);

	c = only_correl(&rs, "title: t\ncorrelation:\n  type: value_percentile\n  rules: [r]\n"
	                     "  timespan: 24h\n  condition: {field: x, lte: 1.5}\n");
	assert_int_equal(c->type, LS_CORREL_VALUE_PERCENTILE);
	assert_true(c->percentile == 95);
	assert_true(c->threshold[0] == 1.5);
	assert_int_equal(c->ngroup_by, 0);
	ls_ruleset_fini(&rs);

	c = only_correl(&rs,
	                "title: t\ncorrelation:\n  type: value_percentile\n  rules: [r]\n"
	                "  timespan: 24h\n  condition: {field: x, gt: 10, percentile: 99.5}\n");
	assert_true(c->percentile == 99.5);
	ls_ruleset_fini(&rs);
}

static void temporal_condition_defaults_to_every_rule(void **state)
{
	(void)state;
	ls_ruleset rs;
	const ls_correl *c = only_correl(&rs, "title: Recon\ncorrelation:\n  type: temporal\n"
	                                      "  rules: [a, b, c]\n  group-by: [Host]\n"
	                                      "  timespan: 5m\n");
	assert_int_equal(c->type, LS_CORREL_TEMPORAL);
	assert_int_equal(c->ncmp, 1);
	assert_int_equal(c->cmp[0], LS_CMP_GTE);
	assert_true(c->threshold[0] == 3);
	ls_ruleset_fini(&rs);

	c = only_correl(&rs, "title: t\ncorrelation:\n  type: temporal_ordered\n"
	                     "  rules: [a, b, c]\n  timespan: 5m\n  condition: {gte: 2}\n");
	assert_int_equal(c->type, LS_CORREL_TEMPORAL_ORDERED);
	assert_true(c->threshold[0] == 2);
	ls_ruleset_fini(&rs);
}

static void timespans_in_every_unit(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		ls_time usec;
	} cases[] = {
		{ "30s", 30 * S },   { "5m", 300 * S },       { "1h", 3600 * S },
		{ "90m", 5400 * S }, { "1d", 86400 * S },     { "2w", 14 * 86400 * S },
		{ "'10s'", 10 * S }, { "86400s", 86400 * S },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		snprintf(text, sizeof text,
		         "title: t\ncorrelation:\n  type: event_count\n  rules: r\n"
		         "  timespan: %s\n  condition: {gte: 1}\n",
		         cases[i].text);
		ls_ruleset rs;
		const ls_correl *c = only_correl(&rs, text);
		assert_int_equal(c->timespan, cases[i].usec);
		ls_ruleset_fini(&rs);
	}
}

static void a_range_is_two_comparisons(void **state)
{
	(void)state;
	ls_ruleset rs;
	const ls_correl *c = only_correl(&rs, "title: t\ncorrelation:\n  type: event_count\n"
	                                      "  rules: r\n  timespan: 1h\n"
	                                      "  condition:\n    gt: 100\n    lte: 200\n");
	assert_int_equal(c->ncmp, 2);
	assert_int_equal(c->cmp[0], LS_CMP_GT);
	assert_true(c->threshold[0] == 100);
	assert_int_equal(c->cmp[1], LS_CMP_LTE);
	assert_true(c->threshold[1] == 200);
	ls_ruleset_fini(&rs);
}

static void aliases_and_generate_parse(void **state)
{
	(void)state;
	ls_ruleset rs;
	const ls_correl *c = only_correl(&rs, "title: x\ncorrelation:\n"
	                                      "    type: temporal\n"
	                                      "    rules:\n"
	                                      "        - internal_error\n"
	                                      "        - new_network_connection\n"
	                                      "    group-by:\n"
	                                      "        - internal_ip\n"
	                                      "        - remote_ip\n"
	                                      "    timespan: 10s\n"
	                                      "    aliases:\n"
	                                      "        internal_ip:\n"
	                                      "            internal_error: destination.ip\n"
	                                      "            new_network_connection: source.ip\n"
	                                      "        remote_ip:\n"
	                                      "            internal_error: source.ip\n"
	                                      "            new_network_connection: destination.ip\n"
	                                      "    generate: true\n");
	assert_int_equal(c->naliases, 2);
	assert_string_equal(c->aliases[0].name, "internal_ip");
	assert_int_equal(c->aliases[0].n, 2);
	assert_string_equal(c->aliases[0].rules[1], "new_network_connection");
	assert_string_equal(c->aliases[0].fields[1], "source.ip");
	assert_string_equal(c->aliases[1].fields[0], "source.ip");
	assert_true(c->generate);
	ls_ruleset_fini(&rs);

	/* generate may also sit at the top level of the document */
	c = only_correl(&rs, "title: t\ngenerate: true\ncorrelation:\n  type: event_count\n"
	                     "  rules: r\n  timespan: 1h\n  condition: {gte: 1}\n");
	assert_true(c->generate);
	ls_ruleset_fini(&rs);
}

/* ======================================================= parsing: errors */

#define HEAD "title: t\ncorrelation:\n"

static void errors_in_the_correlation_keys(void **state)
{
	(void)state;
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: 1}\n  window: 5m\n",
	              "window", "unknown key 'window'");
	expect_reject(HEAD "  type: event_cnt\n  rules: r\n  timespan: 1h\n", "event_cnt",
	              "unknown type 'event_cnt'");
	expect_reject(HEAD "  rules: r\n  timespan: 1h\n", "correlation", "missing 'type'");
	expect_reject(HEAD "  type: temporal\n  timespan: 1h\n", "correlation", "missing 'rules'");
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n", "correlation",
	              "missing 'timespan'");
	expect_reject(HEAD "  type: temporal\n  type: temporal\n  rules: [a]\n  timespan: 1h\n",
	              "type: temporal\n  rules", "'type' is given twice");
	expect_reject("title: t\ncorrelation: [a, b]\n", "[a, b]", "expected a mapping");
	expect_reject(HEAD "  type: temporal\n  rules: []\n  timespan: 1h\n", "[]",
	              "an empty list");
	expect_reject(HEAD "  type: temporal\n  rules: [a, b, a]\n  timespan: 1h\n", "a]",
	              "'a' is listed twice");
	expect_reject(HEAD "  type: temporal\n  rules: [a, {b: c}]\n  timespan: 1h\n", "{b",
	              "expected a string");
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n  group-by: [h, h]\n"
	                   "  timespan: 1h\n",
	              "h]", "'h' is listed twice");
	expect_reject("title: t\nlogsource: {category: proxy}\ncorrelation:\n  type: temporal\n"
	              "  rules: [a]\n  timespan: 1h\n",
	              "logsource", "a correlation rule has no logsource");
	expect_reject(HEAD "  type: temporal\n  rules: [a]\n  timespan: 1h\n  generate: maybe\n",
	              "maybe", "expected true or false");
	expect_reject("title: t\ngenerate: true\ncorrelation:\n  type: temporal\n  rules: [a]\n"
	              "  timespan: 1h\n  generate: false\n",
	              "generate: false", "give it once");
}

static void errors_in_timespans(void **state)
{
	(void)state;
	static const struct {
		const char *ts, *want;
	} cases[] = {
		{ "5x", "expected a number followed by s, m, h, d or w" },
		{ "1H", "expected a number followed by" },
		{ "m", "expected a number followed by" },
		{ "-5m", "expected a number followed by" },
		{ "1.5h", "expected a number followed by" },
		{ "5 m", "expected a number followed by" },
		{ "0m", "must be longer than 0" },
		{ "99999999999999999999s", "is too long" },
		{ "999999999w", "is too long" },
		{ "[1h]", "got a list" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		snprintf(text, sizeof text,
		         HEAD "  type: event_count\n  rules: r\n  timespan: %s\n"
		              "  condition: {gte: 1}\n",
		         cases[i].ts);
		expect_reject_off(text, "timespan: ", 10, cases[i].want, LS_ERR_PARSE);
	}
}

static void errors_in_conditions(void **state)
{
	(void)state;
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n", "correlation",
	              "type event_count needs a condition");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n  condition: 5\n",
	              "5\n", "expected a mapping");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n  condition: {}\n",
	              "{}", "needs a comparison");
	expect_reject(HEAD "  type: value_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {field: User}\n",
	              "{field", "needs a comparison");
	expect_reject(HEAD "  type: value_sum\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gt: 5}\n",
	              "{gt", "type value_sum needs a field");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: 5, field: User}\n",
	              "field", "type event_count does not use a field");
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n  timespan: 1h\n"
	                   "  condition: {field: User, gte: 2}\n",
	              "field", "type temporal does not use a field");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: many}\n",
	              "many", "expected a number, got 'many'");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: '5'}\n",
	              "'5'", "expected a number");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gt: 1, gte: 2}\n",
	              "gte", "gt and gte cannot be combined");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {eq: 1, lt: 2}\n",
	              "lt", "eq cannot be combined");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gt: 5, lt: 3}\n",
	              "lt", "leave no value");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: 5, lt: 5}\n",
	              "lt", "leave no value");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: 1, lte: 9, gt: 0}\n",
	              "gt:", "at most two comparisons");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: 1, gte: 2}\n",
	              "gte: 2", "'gte' is given twice");
	expect_reject(HEAD "  type: event_count\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {gte: 1, over: 2}\n",
	              "over", "unknown key 'over'");
	expect_reject(HEAD "  type: value_percentile\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {field: x, gte: 1, percentile: 150}\n",
	              "150", "must be from 0 to 100");
	expect_reject(HEAD "  type: value_sum\n  rules: r\n  timespan: 1h\n"
	                   "  condition: {field: x, gte: 1, percentile: 50}\n",
	              "percentile", "only type value_percentile");
	expect_reject_err(HEAD "  type: value_count\n  rules: r\n  timespan: 1h\n"
	                       "  condition: {field: [a, b], gte: 1}\n",
	                  "[a, b]", "a list of fields is not supported", LS_ERR_UNSUPPORTED);
}

static void errors_in_aliases(void **state)
{
	(void)state;
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n  group-by: [ip]\n"
	                   "  timespan: 1h\n  aliases:\n    ip:\n      a: src\n      c: dst\n",
	              "c: dst", "'c' is not one of the correlation's rules");
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n  group-by: [ip]\n"
	                   "  timespan: 1h\n  aliases:\n    host:\n      a: src\n",
	              "host", "'host' is used neither in group-by");
	expect_reject_off(HEAD "  type: temporal\n  rules: [a, b]\n  group-by: [ip]\n"
	                       "  timespan: 1h\n  aliases: [ip]\n",
	                  "aliases: [ip]", 9, "expected a mapping", LS_ERR_PARSE);
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n  group-by: [ip]\n"
	                   "  timespan: 1h\n  aliases:\n    ip: src\n",
	              "src", "expected a mapping of rule names to field names");
	expect_reject(HEAD "  type: temporal\n  rules: [a, b]\n  group-by: [ip]\n"
	                   "  timespan: 1h\n  aliases:\n    ip:\n      a: src\n      a: dst\n",
	              "a: dst", "rule 'a' is given twice");
}

/* ============================================== engine: resolution */

static void references_resolve_by_id_then_name(void **state)
{
	(void)state;
	harness h;
	/* "x" is rule one's id and rule two's name: the id wins */
	setup(&h, "title: one\nid: x\nname: one\nlogsource: {category: proxy}\n"
	          "detection: {sel: {a: 1}, condition: sel}\n---\n"
	          "title: two\nid: y2\nname: x\nlogsource: {category: proxy}\n"
	          "detection: {sel: {a: 1}, condition: sel}\n" CORR(
	                  "c", "  type: event_count\n  rules: [x]\n  timespan: 1m\n"
	                       "  condition: {gte: 1}\n"));
	feed(&h, "y2", T0, "{}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "x", T0, "{}"); /* rule one, by its id */
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

static void unknown_references_and_cycles_are_refused(void **state)
{
	(void)state;
	harness h;
	assert_int_equal(setup_err(&h, BASE("a") CORR("c", "  type: temporal\n  rules: [a, zz]\n"
	                                                   "  timespan: 1m\n")),
	                 LS_ERR_NOTFOUND);
	assert_non_null(strstr(h.d.message, "correlation 0 (c): rule 'zz'"));
	assert_null(h.e);
	teardown(&h);

	assert_int_equal(setup_err(&h, BASE("a") CORR("c1", "  type: temporal\n  rules: [a, c2]\n"
	                                                    "  timespan: 1m\n")
	                                       CORR("c2", "  type: temporal\n  rules: [a, c1]\n"
	                                                  "  timespan: 1m\n")),
	                 LS_ERR_PARSE);
	assert_non_null(strstr(h.d.message, "reference cycle: 0 (c1) -> 1 (c2) -> 0 (c1)"));
	teardown(&h);

	assert_int_equal(setup_err(&h, CORR("me", "  type: event_count\n  rules: [me]\n"
	                                          "  timespan: 1m\n  condition: {gte: 1}\n")),
	                 LS_ERR_PARSE);
	assert_non_null(strstr(h.d.message, "reference cycle: 0 (me) -> 0 (me)"));
	teardown(&h);

	/* an id and a name of the same rule */
	assert_int_equal(setup_err(&h, "title: a\nid: A1\nname: a\nlogsource: {category: proxy}\n"
	                               "detection: {sel: {x: 1}, condition: sel}\n" CORR(
	                                       "c", "  type: temporal\n  rules: [a, A1]\n"
	                                            "  timespan: 1m\n")),
	                 LS_ERR_PARSE);
	assert_non_null(strstr(h.d.message, "are the same rule"));
	teardown(&h);
}

static void generate_false_silences_the_base_rules(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c")
	                  CORR("quiet", "  type: temporal\n  rules: [a]\n  timespan: 1m\n")
	                          CORR("loud", "  type: temporal\n  rules: [b]\n  timespan: 1m\n"
	                                       "  generate: true\n"));
	assert_false(ls_correl_base_alerts(h.e, base_index(&h, "a")));
	assert_true(ls_correl_base_alerts(h.e, base_index(&h, "b")));
	assert_true(ls_correl_base_alerts(h.e, base_index(&h, "c"))); /* not referenced */
	assert_true(ls_correl_alerts(h.e, 0));
	assert_true(ls_correl_alerts(h.e, 1));
	/* generate does not change what the correlation itself sees */
	feed(&h, "a", T0, "{}");
	feed(&h, "b", T0, "{}");
	assert_int_equal(h.nalerts, 2);
	teardown(&h);
}

/* ================================================ engine: event_count */

#define EC3                                                                                        \
	CORR("ec", "  type: event_count\n  rules: [a]\n  group-by: [host]\n"                       \
	           "  timespan: 1m\n  condition: {gte: 3}\n")

static void event_count_fires_at_its_threshold(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") EC3);
	feed(&h, "a", T0, "{\"host\":\"h1\",\"rid\":\"x1\"}");
	feed(&h, "a", T0 + 10 * S, "{\"host\":\"h1\",\"rid\":\"x2\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 20 * S, "{\"host\":\"h1\",\"rid\":\"x3\"}");
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].correl, 0);
	assert_int_equal(h.alerts[0].time, T0 + 20 * S);
	assert_true(h.alerts[0].value == 3);
	assert_string_equal(h.alerts[0].groups, "h1");
	assert_string_equal(h.alerts[0].recs, "x1,x2,x3");
	assert_int_equal(h.alerts[0].total, 3);
	teardown(&h);
}

static void event_count_below_threshold_does_not_fire(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") EC3);
	for (int i = 0; i < 10; i++) /* two a minute, forever */
		feed(&h, "a", T0 + i * 31 * S, "{\"host\":\"h1\"}");
	advance(&h, END);
	assert_int_equal(h.nalerts, 0);
	teardown(&h);
}

static void a_match_exactly_timespan_later_is_inside(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                               "  condition: {gte: 2}\n"));
	feed(&h, "a", T0, "{}");
	feed(&h, "a", T0 + 60 * S, "{}");
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

static void a_match_one_microsecond_later_is_outside(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                               "  condition: {gte: 2}\n"));
	feed(&h, "a", T0, "{}");
	feed(&h, "a", T0 + 60 * S + 1, "{}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 120 * S + 1, "{}"); /* the second is now the first of a new window */
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].recs, "r1,r2");
	teardown(&h);
}

static void gt_and_eq_compare_as_written(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("gt", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                               "  condition: {gt: 2}\n")
	                  CORR("eq", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                             "  condition: {eq: 2}\n"));
	feed(&h, "a", T0, "{}");
	feed(&h, "a", T0 + 1, "{}");
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].correl, 1); /* eq 2 */
	feed(&h, "a", T0 + 2, "{}");
	assert_int_equal(h.nalerts, 2);
	assert_int_equal(h.alerts[1].correl, 0); /* gt 2 at the third */
	assert_true(h.alerts[1].value == 3);
	teardown(&h);
}

static void a_group_resets_after_firing(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") EC3);
	for (int i = 0; i < 3; i++)
		feed(&h, "a", T0 + i * S, "{\"host\":\"h1\"}");
	assert_int_equal(h.nalerts, 1);
	feed(&h, "a", T0 + 3 * S, "{\"host\":\"h1\"}");
	feed(&h, "a", T0 + 4 * S, "{\"host\":\"h1\"}");
	assert_int_equal(h.nalerts, 1); /* the first three are gone */
	feed(&h, "a", T0 + 5 * S, "{\"host\":\"h1\"}");
	assert_int_equal(h.nalerts, 2);
	assert_string_equal(h.alerts[1].recs, "r3,r4,r5");
	teardown(&h);
}

static void groups_use_every_group_by_field(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n"
	                               "  group-by: [host, user]\n  timespan: 1m\n"
	                               "  condition: {gte: 2}\n"));
	feed(&h, "a", T0, "{\"host\":\"h1\",\"user\":\"u1\"}");
	feed(&h, "a", T0 + 1, "{\"host\":\"h1\",\"user\":\"u2\"}");
	feed(&h, "a", T0 + 2, "{\"host\":\"h2\",\"user\":\"u1\"}");
	/* the value boundary is exact: "h1"+"u1x" is not "h1u"+"1x" */
	feed(&h, "a", T0 + 3, "{\"host\":\"h1u\",\"user\":\"1\"}");
	assert_int_equal(h.nalerts, 0);
	assert_int_equal(ls_correl_state_size(h.e), 8); /* 4 groups, 4 matches */
	feed(&h, "a", T0 + 4, "{\"user\":\"u2\",\"host\":\"h1\",\"other\":1}");
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "h1|u2");
	teardown(&h);
}

static void a_missing_group_field_is_the_empty_value(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n"
	                               "  group-by: [host, user]\n  timespan: 1m\n"
	                               "  condition: {gte: 3}\n"));
	feed(&h, "a", T0, "{\"host\":\"h1\"}");
	feed(&h, "a", T0 + 1, "{\"host\":\"h1\",\"user\":null}");
	feed(&h, "a", T0 + 2, "{\"host\":\"h1\",\"user\":\"x\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 3, "{\"host\":\"h1\",\"user\":\"\"}");
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "h1|");
	assert_string_equal(h.alerts[0].recs, "r0,r1,r3");
	teardown(&h);
}

static void without_group_by_everything_is_one_group(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b")
	                  CORR("ec", "  type: event_count\n  rules: [a, b]\n  timespan: 1m\n"
	                             "  condition: {gte: 3}\n"));
	feed(&h, "a", T0, "{\"host\":\"h1\"}");
	feed(&h, "b", T0 + 1, "{\"host\":\"h2\"}");
	feed(&h, "a", T0 + 2, "{}");
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(ls_correl_state_size(h.e), 0);
	teardown(&h);
}

static void an_event_matched_by_two_rules_counts_once(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b")
	                  CORR("ec", "  type: event_count\n  rules: [a, b]\n  timespan: 1m\n"
	                             "  condition: {gte: 2}\n"));
	feed(&h, "a", T0, "{\"rid\":\"e1\"}");
	feed(&h, "b", T0, "{\"rid\":\"e1\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "b", T0, "{\"rid\":\"e2\"}");
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].recs, "e1,e2");
	teardown(&h);
}

/* ================================================ engine: value_count */

static void value_count_counts_distinct_values(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vc", "  type: value_count\n  rules: [a]\n  group-by: [host]\n"
	                               "  timespan: 1m\n  condition: {field: user, gte: 3}\n"));
	feed(&h, "a", T0, "{\"host\":\"h\",\"user\":\"u1\"}");
	feed(&h, "a", T0 + 1 * S, "{\"host\":\"h\",\"user\":\"u2\"}");
	feed(&h, "a", T0 + 2 * S, "{\"host\":\"h\",\"user\":\"u1\"}");
	feed(&h, "a", T0 + 3 * S, "{\"host\":\"h\"}");               /* no user: ignored */
	feed(&h, "a", T0 + 4 * S, "{\"host\":\"h\",\"user\":null}"); /* ignored too */
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 5 * S, "{\"host\":\"h\",\"user\":\"u3\"}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 3);
	/* one record per distinct value, its latest match, in time order */
	assert_string_equal(h.alerts[0].recs, "r1,r2,r5");
	teardown(&h);
}

static void value_count_forgets_values_that_left_the_window(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vc", "  type: value_count\n  rules: [a]\n"
	                               "  timespan: 1m\n  condition: {field: user, gte: 3}\n"));
	feed(&h, "a", T0, "{\"user\":\"u1\"}");
	feed(&h, "a", T0 + 30 * S, "{\"user\":\"u2\"}");
	feed(&h, "a", T0 + 61 * S, "{\"user\":\"u3\"}"); /* u1 is gone */
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 62 * S, "{\"user\":\"u2\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 63 * S, "{\"user\":\"u1\"}");
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

/* ================================================== engine: value_sum/avg */

static void value_sum_adds_numbers_and_numeric_strings(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vs", "  type: value_sum\n  rules: [a]\n  group-by: [ip]\n"
	                               "  timespan: 1h\n  condition: {field: bytes, gt: 1000}\n"));
	feed(&h, "a", T0, "{\"ip\":\"1\",\"bytes\":400}");
	feed(&h, "a", T0 + 1, "{\"ip\":\"1\",\"bytes\":\"400.5\"}");
	feed(&h, "a", T0 + 2, "{\"ip\":\"1\",\"bytes\":\"lots\"}"); /* not a number */
	feed(&h, "a", T0 + 3, "{\"ip\":\"1\",\"bytes\":true}");
	feed(&h, "a", T0 + 4, "{\"ip\":\"1\"}");
	feed(&h, "a", T0 + 5, "{\"ip\":\"2\",\"bytes\":5000}"); /* another group */
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "2");
	feed(&h, "a", T0 + 6, "{\"ip\":\"1\",\"bytes\":1.5e2}");
	assert_int_equal(h.nalerts, 1); /* 950.5 */
	feed(&h, "a", T0 + 7, "{\"ip\":\"1\",\"bytes\":50}");
	assert_int_equal(h.nalerts, 2);
	assert_true(h.alerts[1].value == 1000.5);
	assert_string_equal(h.alerts[1].recs, "r0,r1,r6,r7");
	teardown(&h);
}

static void value_fields_follow_the_number_grammar(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vs", "  type: value_sum\n  rules: [a]\n  timespan: 1h\n"
	                               "  condition: {field: n, eq: 99.5}\n"));
	static const char *const no[] = { "\"5.\"",  "\" 5\"",  "\"0x10\"", "\"1,000\"",
		                          "\"inf\"", "\"nan\"", "\"\"",     "null",
		                          "false",   "[]",      "{\"x\":1}" };
	char json[64];
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		snprintf(json, sizeof json, "{\"n\":%s,\"rid\":\"no%zu\"}", no[i], i);
		feed(&h, "a", T0, json);
	}
	feed(&h, "a", T0, "{\"n\":\"1e2\",\"rid\":\"y1\"}");
	feed(&h, "a", T0, "{\"n\":\".5\",\"rid\":\"y2\"}");
	feed(&h, "a", T0, "{\"n\":-3,\"rid\":\"y3\"}"); /* 100, 100.5, 97.5 */
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0, "{\"n\":\"+2\",\"rid\":\"y4\"}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 99.5);
	assert_string_equal(h.alerts[0].recs, "y1,y2,y3,y4");
	teardown(&h);
}

static void value_sum_slides_with_the_window(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vs", "  type: value_sum\n  rules: [a]\n"
	                               "  timespan: 10s\n  condition: {field: n, gt: 100}\n"));
	for (int i = 0; i < 100; i++) /* 20 every 3 s: never 100 within 10 s */
		feed(&h, "a", T0 + i * 3 * S, "{\"n\":20}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 300 * S, "{\"n\":40}"); /* 20+20+20+40 in [290 s, 300 s]: not > 100 */
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 301 * S, "{\"n\":20}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 120);
	teardown(&h);
}

static void value_avg_averages_the_window(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("va", "  type: value_avg\n  rules: [a]\n  group-by: [u]\n"
	                               "  timespan: 1h\n  condition: {field: b, gt: 500}\n"));
	feed(&h, "a", T0, "{\"u\":\"x\",\"b\":100}");
	feed(&h, "a", T0 + 1, "{\"u\":\"x\",\"b\":900}");
	assert_int_equal(h.nalerts, 0); /* 500 is not > 500 */
	feed(&h, "a", T0 + 2, "{\"u\":\"x\",\"b\":\"no\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 3, "{\"u\":\"x\",\"b\":503}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 501);
	feed(&h, "a", T0 + 4, "{\"u\":\"y\",\"b\":499}");
	advance(&h, END);
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

/* ============================================ engine: value_percentile */

static void value_percentile_interpolates_between_ranks(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vp", "  type: value_percentile\n  rules: [a]\n  timespan: 1h\n"
	                               "  condition: {field: v, percentile: 90, gte: 9}\n"));
	/* p90 of 1..k is 0.1 + 0.9 k: at least 9 from k = 10 on (9.1) */
	for (int i = 1; i <= 10; i++) {
		char json[32];
		snprintf(json, sizeof json, "{\"v\":%d}", i);
		feed(&h, "a", T0 + i, json);
	}
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].time, T0 + 10);
	assert_true(h.alerts[0].value > 9.09 && h.alerts[0].value < 9.11);
	teardown(&h);

	/* decided at each arrival: a first value over the threshold fires at once */
	setup(&h, BASE("a") CORR("vp", "  type: value_percentile\n  rules: [a]\n  timespan: 1h\n"
	                               "  condition: {field: v, percentile: 90, gte: 9}\n"));
	feed(&h, "a", T0, "{\"v\":\"10\"}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 10);
	teardown(&h);

	setup(&h, BASE("a") CORR("vp", "  type: value_percentile\n  rules: [a]\n  timespan: 1h\n"
	                               "  condition: {field: v, percentile: 50, gte: 5.5}\n"));
	for (int i = 1; i <= 10; i++) {
		char json[32];
		snprintf(json, sizeof json, "{\"v\":%d}", i);
		feed(&h, "a", T0 + i, json);
	}
	assert_int_equal(h.nalerts, 1); /* the median of 1..10 is 5.5, reached at the 10th */
	assert_int_equal(h.alerts[0].time, T0 + 10);
	assert_true(h.alerts[0].value == 5.5);
	teardown(&h);
}

static void value_percentile_with_lte_is_decided_at_close(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("vp", "  type: value_percentile\n  rules: [a]\n"
	                               "  group-by: [host]\n  timespan: 1m\n"
	                               "  condition: {field: v, lte: 3}\n"));
	feed(&h, "a", T0, "{\"host\":\"low\",\"v\":1}");
	feed(&h, "a", T0 + 1, "{\"host\":\"high\",\"v\":1}");
	feed(&h, "a", T0 + 2, "{\"host\":\"low\",\"v\":2}");
	feed(&h, "a", T0 + 3, "{\"host\":\"high\",\"v\":100}");
	assert_int_equal(h.nalerts, 0);
	advance(&h, T0 + 60 * S + 1);
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "low");
	assert_int_equal(h.alerts[0].time, T0 + 60 * S);
	assert_true(h.alerts[0].value == 1.95); /* p95 of {1, 2} */
	teardown(&h);
}

/* ================================================= engine: temporal */

#define TEMPORAL                                                                                   \
	CORR("tp", "  type: temporal\n  rules: [a, b, c]\n  group-by: [host]\n"                    \
	           "  timespan: 5m\n")

static void temporal_needs_every_rule_in_any_order(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c") TEMPORAL);
	feed(&h, "c", T0, "{\"host\":\"h\",\"rid\":\"c1\"}");
	feed(&h, "a", T0 + 1 * S, "{\"host\":\"h\",\"rid\":\"a1\"}");
	feed(&h, "a", T0 + 2 * S, "{\"host\":\"h\",\"rid\":\"a2\"}");
	feed(&h, "b", T0 + 3 * S, "{\"host\":\"other\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "b", T0 + 4 * S, "{\"host\":\"h\",\"rid\":\"b1\"}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 3);
	/* the latest match of each rule, in time order */
	assert_string_equal(h.alerts[0].recs, "c1,a2,b1");
	teardown(&h);
}

static void temporal_does_not_fire_across_the_window(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c") TEMPORAL);
	feed(&h, "a", T0, "{\"host\":\"h\"}");
	feed(&h, "b", T0 + 100 * S, "{\"host\":\"h\"}");
	feed(&h, "c", T0 + 300 * S + 1, "{\"host\":\"h\"}"); /* a is 1 us too old */
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 301 * S, "{\"host\":\"h\"}");
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

static void temporal_with_a_count_condition(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c")
	                  CORR("tp", "  type: temporal\n  rules: [a, b, c]\n  timespan: 5m\n"
	                             "  condition: {gte: 2}\n"));
	feed(&h, "a", T0, "{}");
	feed(&h, "a", T0 + 1, "{}");
	assert_int_equal(h.nalerts, 0); /* one rule twice is still one rule */
	feed(&h, "c", T0 + 2, "{}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 2);
	teardown(&h);
}

static void temporal_ordered_needs_the_order(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c")
	                  CORR("to", "  type: temporal_ordered\n  rules: [a, b, c]\n"
	                             "  group-by: [host]\n  timespan: 5m\n"));
	feed(&h, "b", T0, "{\"host\":\"h\"}");
	feed(&h, "c", T0 + 1, "{\"host\":\"h\"}");
	feed(&h, "a", T0 + 2, "{\"host\":\"h\"}");
	feed(&h, "c", T0 + 3, "{\"host\":\"h\"}");
	assert_int_equal(h.nalerts, 0);
	assert_int_equal(ls_correl_state_size(h.e), 2); /* one group, a */
	feed(&h, "b", T0 + 4, "{\"host\":\"h\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "c", T0 + 5, "{\"host\":\"h\"}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 3);
	assert_string_equal(h.alerts[0].recs, "r2,r4,r5");
	teardown(&h);
}

static void temporal_ordered_keeps_the_latest_start(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") CORR("to", "  type: temporal_ordered\n  rules: [a, b]\n"
	                                         "  timespan: 1m\n"));
	feed(&h, "a", T0, "{}");
	feed(&h, "a", T0 + 50 * S, "{}");
	feed(&h, "b", T0 + 100 * S, "{}"); /* the first a is too old, the second is not */
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].recs, "r1,r2");
	/* equal times count in the order fed */
	feed(&h, "a", T0 + 200 * S, "{}");
	feed(&h, "b", T0 + 200 * S, "{}");
	assert_int_equal(h.nalerts, 2);
	feed(&h, "b", T0 + 300 * S, "{}");
	feed(&h, "a", T0 + 300 * S, "{}");
	assert_int_equal(h.nalerts, 2);
	teardown(&h);
}

static void temporal_ordered_window_edges(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") CORR("to", "  type: temporal_ordered\n  rules: [a, b]\n"
	                                         "  timespan: 1m\n"));
	feed(&h, "a", T0, "{}");
	feed(&h, "b", T0 + 60 * S + 1, "{}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "a", T0 + 100 * S, "{}");
	feed(&h, "b", T0 + 160 * S, "{}");
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

/* ======================================================= engine: aliases */

static void aliases_join_different_fields(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("internal_error") BASE("new_network_connection")
	                  CORR("x", "    type: temporal\n"
	                            "    rules:\n"
	                            "        - internal_error\n"
	                            "        - new_network_connection\n"
	                            "    group-by:\n"
	                            "        - internal_ip\n"
	                            "        - remote_ip\n"
	                            "    timespan: 10s\n"
	                            "    aliases:\n"
	                            "        internal_ip:\n"
	                            "            internal_error: destination.ip\n"
	                            "            new_network_connection: source.ip\n"
	                            "        remote_ip:\n"
	                            "            internal_error: source.ip\n"
	                            "            new_network_connection: destination.ip\n"));
	feed(&h, "internal_error", T0,
	     "{\"source\":{\"ip\":\"198.51.100.7\"},\"destination\":{\"ip\":\"10.0.0.5\"}}");
	/* the same addresses, not crossed: another group */
	feed(&h, "new_network_connection", T0 + 1 * S,
	     "{\"source\":{\"ip\":\"198.51.100.7\"},\"destination\":{\"ip\":\"10.0.0.5\"}}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "new_network_connection", T0 + 2 * S,
	     "{\"source\":{\"ip\":\"10.0.0.5\"},\"destination\":{\"ip\":\"198.51.100.7\"}}");
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "10.0.0.5|198.51.100.7");
	assert_string_equal(h.alerts[0].recs, "r0,r2");
	teardown(&h);
}

static void an_alias_may_name_the_value_field(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b")
	                  CORR("vc", "  type: value_count\n  rules: [a, b]\n  timespan: 1m\n"
	                             "  condition: {field: who, gte: 2}\n"
	                             "  aliases:\n    who:\n      a: user\n      b: account\n"));
	feed(&h, "a", T0, "{\"user\":\"u1\",\"account\":\"zz\"}");
	feed(&h, "b", T0 + 1, "{\"user\":\"u1\",\"account\":\"u1\"}");
	assert_int_equal(h.nalerts, 0);
	feed(&h, "b", T0 + 2, "{\"account\":\"u2\"}");
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

/* ====================================================== engine: chaining */

#define CHAIN                                                                                      \
	"title: Correlation - Multiple Failed Logins Followed by Successful Login\n"               \
	"id: b180ead8-d58f-40b2-ae54-c8940995b9b6\n"                                               \
	"correlation:\n"                                                                           \
	"    type: temporal_ordered\n"                                                             \
	"    rules:\n"                                                                             \
	"        - multiple_failed_login\n"                                                        \
	"        - successful_login\n"                                                             \
	"    group-by:\n"                                                                          \
	"        - User\n"                                                                         \
	"    timespan: 10m\n"                                                                      \
	"level: high\n"                                                                            \
	"---\n"                                                                                    \
	"title: Multiple failed logons\n"                                                          \
	"id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\n"                                               \
	"name: multiple_failed_login\n"                                                            \
	"correlation:\n"                                                                           \
	"    type: event_count\n"                                                                  \
	"    rules:\n"                                                                             \
	"        - failed_login\n"                                                                 \
	"    group-by:\n"                                                                          \
	"        - User\n"                                                                         \
	"    timespan: 10m\n"                                                                      \
	"    condition:\n"                                                                         \
	"        gte: 10\n"                                                                        \
	"---\n"                                                                                    \
	"title: Single failed login\n"                                                             \
	"id: 53ba33fd-3a50-4468-a5ef-c583635cfa92\n"                                               \
	"name: failed_login\n"                                                                     \
	"logsource: {product: windows, service: security}\n"                                       \
	"detection: {selection: {EventID: [529, 4625]}, condition: selection}\n"                   \
	"---\n"                                                                                    \
	"title: Successful login\n"                                                                \
	"id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n"                                               \
	"name: successful_login\n"                                                                 \
	"logsource: {product: windows, service: security}\n"                                       \
	"detection: {selection: {EventID: [528, 4624]}, condition: selection}\n"

static void a_correlation_of_correlations_fires(void **state)
{
	(void)state;
	harness h;
	setup(&h, CHAIN);
	uint32_t outer = correl_index(&h, "b180ead8-d58f-40b2-ae54-c8940995b9b6");
	uint32_t inner = correl_index(&h, "multiple_failed_login");
	/* only the outermost correlation alerts on its own */
	assert_false(ls_correl_alerts(h.e, inner));
	assert_true(ls_correl_alerts(h.e, outer));
	assert_false(ls_correl_base_alerts(h.e, base_index(&h, "failed_login")));
	assert_false(ls_correl_base_alerts(h.e, base_index(&h, "successful_login")));

	feed(&h, "successful_login", T0, "{\"User\":\"alice\",\"rid\":\"s0\"}"); /* too early */
	for (int i = 0; i < 10; i++) {
		char json[64];
		snprintf(json, sizeof json, "{\"User\":\"alice\",\"rid\":\"f%d\"}", i);
		feed(&h, "failed_login", T0 + (i + 1) * S, json);
		feed(&h, "failed_login", T0 + (i + 1) * S + 1, "{\"User\":\"bob\"}");
	}
	assert_int_equal(h.nalerts, 2); /* the inner one, for alice and for bob */
	assert_int_equal(h.alerts[0].correl, inner);
	assert_string_equal(h.alerts[0].groups, "alice");
	feed(&h, "successful_login", T0 + 30 * S, "{\"User\":\"alice\",\"rid\":\"s1\"}");
	assert_int_equal(h.nalerts, 3);
	assert_int_equal(h.alerts[2].correl, outer);
	assert_int_equal(h.alerts[2].time, T0 + 30 * S);
	assert_string_equal(h.alerts[2].groups, "alice");
	assert_string_equal(h.alerts[2].recs, "f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,s1");
	assert_int_equal(h.alerts[2].total, 11);
	teardown(&h);
}

static void a_chain_keeps_the_outer_order(void **state)
{
	(void)state;
	harness h;
	setup(&h, CHAIN);
	feed(&h, "successful_login", T0, "{\"User\":\"alice\"}");
	for (int i = 0; i < 10; i++)
		feed(&h, "failed_login", T0 + (i + 1) * S, "{\"User\":\"alice\"}");
	assert_int_equal(h.nalerts, 1); /* the inner alert only */
	advance(&h, END);
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

static void chained_alerts_from_window_closes_propagate(void **state)
{
	(void)state;
	harness h;
	/* "few" fires when a window closes with fewer than 3; "then" wants few then b */
	setup(&h,
	      BASE("a") BASE("b") CORR("few", "  type: event_count\n  rules: [a]\n  group-by: [u]\n"
	                                      "  timespan: 1m\n  condition: {lt: 3}\n")
	              CORR("then", "  type: temporal_ordered\n  rules: [few, b]\n"
	                           "  group-by: [u]\n  timespan: 10m\n"));
	feed(&h, "a", T0, "{\"u\":\"x\",\"rid\":\"a1\"}");
	feed(&h, "b", T0 + 61 * S, "{\"u\":\"x\",\"rid\":\"b1\"}"); /* few closes at +60 first */
	assert_int_equal(h.nalerts, 2);
	assert_int_equal(h.alerts[0].correl, 0);
	assert_int_equal(h.alerts[0].time, T0 + 60 * S);
	assert_int_equal(h.alerts[1].correl, 1);
	assert_int_equal(h.alerts[1].time, T0 + 61 * S);
	assert_string_equal(h.alerts[1].recs, "a1,b1");
	teardown(&h);
}

/* ================================================ engine: lt/lte windows */

#define FEW                                                                                        \
	CORR("few", "  type: event_count\n  rules: [a]\n  group-by: [u]\n"                         \
	            "  timespan: 1m\n  condition: {lt: 3}\n")

static void lt_is_decided_when_the_window_closes(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") FEW);
	feed(&h, "a", T0, "{\"u\":\"x\"}");
	feed(&h, "a", T0 + 60 * S, "{\"u\":\"x\"}"); /* still inside */
	advance(&h, T0 + 60 * S);
	assert_int_equal(h.nalerts, 0); /* the window [T0, T0+60s] is not over yet */
	advance(&h, T0 + 60 * S + 1);
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].time, T0 + 60 * S);
	assert_true(h.alerts[0].value == 2);
	assert_string_equal(h.alerts[0].recs, "r0,r1");
	assert_int_equal(ls_correl_state_size(h.e), 0);
	teardown(&h);
}

static void lt_does_not_fire_when_the_count_reaches_it(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") FEW);
	for (int i = 0; i < 3; i++)
		feed(&h, "a", T0 + i * S, "{\"u\":\"x\"}");
	feed(&h, "a", T0 + 61 * S, "{\"u\":\"x\"}"); /* closes the first window, opens one */
	assert_int_equal(h.nalerts, 0);
	advance(&h, T0 + 200 * S);
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].time, T0 + 121 * S);
	assert_true(h.alerts[0].value == 1);
	teardown(&h);
}

static void lte_is_decided_at_the_end_of_input(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("few", "  type: event_count\n  rules: [a]\n  group-by: [u]\n"
	                                "  timespan: 1h\n  condition: {lte: 2}\n"));
	feed(&h, "a", T0, "{\"u\":\"x\"}");
	feed(&h, "a", T0 + 5 * S, "{\"u\":\"y\"}");
	feed(&h, "a", T0 + 6 * S, "{\"u\":\"y\"}");
	feed(&h, "a", T0 + 7 * S, "{\"u\":\"z\"}");
	feed(&h, "a", T0 + 8 * S, "{\"u\":\"z\"}");
	feed(&h, "a", T0 + 9 * S, "{\"u\":\"z\"}");
	assert_int_equal(h.nalerts, 0);
	advance(&h, END);
	assert_int_equal(h.nalerts, 2); /* x and y, in the order their windows opened */
	assert_string_equal(h.alerts[0].groups, "x");
	assert_string_equal(h.alerts[1].groups, "y");
	assert_int_equal(h.alerts[0].time, T0 + 9 * S); /* the last time seen */
	assert_int_equal(ls_correl_state_size(h.e), 0);
	teardown(&h);
}

static void a_range_is_decided_at_close(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("mid", "  type: event_count\n  rules: [a]\n  group-by: [u]\n"
	                                "  timespan: 1m\n  condition: {gt: 1, lte: 3}\n"));
	for (int i = 0; i < 5; i++)
		feed(&h, "a", T0 + i, "{\"u\":\"five\"}");
	feed(&h, "a", T0, "{\"u\":\"one\"}");
	for (int i = 0; i < 3; i++)
		feed(&h, "a", T0 + i, "{\"u\":\"three\"}");
	assert_int_equal(h.nalerts, 0);
	advance(&h, T0 + 61 * S);
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "three");
	assert_true(h.alerts[0].value == 3);
	teardown(&h);
}

static void temporal_with_lt_counts_rules_at_close(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c")
	                  CORR("tp", "  type: temporal\n  rules: [a, b, c]\n  group-by: [h]\n"
	                             "  timespan: 1m\n  condition: {lt: 3}\n"));
	feed(&h, "a", T0, "{\"h\":\"partial\"}");
	feed(&h, "b", T0 + 1, "{\"h\":\"partial\"}");
	feed(&h, "a", T0 + 2, "{\"h\":\"full\"}");
	feed(&h, "b", T0 + 3, "{\"h\":\"full\"}");
	feed(&h, "c", T0 + 4, "{\"h\":\"full\"}");
	advance(&h, END);
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].groups, "partial");
	assert_true(h.alerts[0].value == 2);
	teardown(&h);
}

/* =================================================== engine: time, memory */

static void time_going_backwards_is_clamped(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                               "  condition: {gte: 2}\n"));
	feed(&h, "a", T0 + 100 * S, "{}");
	feed(&h, "a", T0, "{}"); /* counted at T0 + 100 s */
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].time, T0 + 100 * S);
	advance(&h, T0); /* nothing happens */
	feed(&h, "a", T0 + 100 * S, "{}");
	assert_int_equal(h.nalerts, 1);
	teardown(&h);
}

static void idle_groups_are_dropped(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") EC3);
	for (int i = 0; i < 100; i++) {
		char json[48];
		snprintf(json, sizeof json, "{\"host\":\"h%d\"}", i);
		feed(&h, "a", T0 + i, json);
	}
	assert_int_equal(ls_correl_state_size(h.e), 200);
	advance(&h, T0 + 60 * S + 50); /* h0 .. h49 have nothing left in their window */
	assert_int_equal(ls_correl_state_size(h.e), 100);
	advance(&h, T0 + 3600 * S);
	assert_int_equal(ls_correl_state_size(h.e), 0);
	teardown(&h);
}

static void records_are_capped_per_alert(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n  timespan: 1h\n"
	                               "  condition: {gte: 1500}\n"));
	for (int i = 0; i < 1500; i++)
		feed(&h, "a", T0 + i, "{}");
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].nrecords, LS_CORREL_RECORDS_MAX);
	assert_int_equal(h.alerts[0].total, 1500);
	assert_true(strncmp(h.alerts[0].recs, "r0,r1,r2,", 9) == 0); /* the earliest */
	teardown(&h);
}

static void alert_records_are_in_time_order(void **state)
{
	(void)state;
	harness h;
	/* temporal over a chained correlation: the inner alert's records
	 * interleave in time with the other rule's match */
	setup(&h, BASE("a") BASE("b")
	                  CORR("two_a", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                                "  condition: {gte: 2}\n")
	                          CORR("both", "  type: temporal\n  rules: [two_a, b]\n"
	                                       "  timespan: 1m\n"));
	feed(&h, "a", T0, "{\"rid\":\"a1\"}");
	feed(&h, "b", T0 + 1, "{\"rid\":\"b1\"}");
	feed(&h, "a", T0 + 2, "{\"rid\":\"a2\"}");
	assert_int_equal(h.nalerts, 2);
	assert_int_equal(h.alerts[1].correl, 1);
	assert_string_equal(h.alerts[1].recs, "a1,b1,a2");
	teardown(&h);
}

static void records_at_one_time_keep_their_arrival_order(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") BASE("b") BASE("c") TEMPORAL);
	feed(&h, "c", T0, "{\"host\":\"h\",\"rid\":\"c1\"}");
	feed(&h, "b", T0, "{\"host\":\"h\",\"rid\":\"b1\"}");
	feed(&h, "a", T0, "{\"host\":\"h\",\"rid\":\"a1\"}");
	assert_int_equal(h.nalerts, 1);
	assert_string_equal(h.alerts[0].recs, "c1,b1,a1");
	teardown(&h);
}

static void no_record_no_event_still_counts(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
	                               "  condition: {gte: 2}\n"));
	ls_correl_feed(h.e, 0, T0, NULL, NULL, on_alert, &h);
	ls_correl_feed(h.e, 0, T0, NULL, NULL, on_alert, &h); /* no record: two events */
	assert_int_equal(h.nalerts, 1);
	assert_int_equal(h.alerts[0].nrecords, 0);
	ls_correl_feed(h.e, 0, T0, NULL, NULL, NULL, NULL); /* no callback is fine */
	teardown(&h);
}

static void value_percentile_slides_with_the_window(void **state)
{
	(void)state;
	harness h;
	/* percentile 0 is the minimum: it can only rise when old values leave */
	setup(&h, BASE("a") CORR("vp", "  type: value_percentile\n  rules: [a]\n  timespan: 10s\n"
	                               "  condition: {field: v, percentile: 0, gte: 10}\n"));
	feed(&h, "a", T0, "{\"v\":5}");
	feed(&h, "a", T0 + 5 * S, "{\"v\":20}");
	feed(&h, "a", T0 + 10 * S, "{\"v\":30}");
	assert_int_equal(h.nalerts, 0); /* 5 is still in [T0, T0+10s] */
	feed(&h, "a", T0 + 10 * S + 1, "{\"v\":40}");
	assert_int_equal(h.nalerts, 1);
	assert_true(h.alerts[0].value == 20);
	assert_string_equal(h.alerts[0].recs, "r1,r2,r3");
	teardown(&h);
}

/* Groups come and go by the thousand while others wait for their third match. */
static void the_group_map_survives_churn(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("ec", "  type: event_count\n  rules: [a]\n  group-by: [g]\n"
	                               "  timespan: 1h\n  condition: {gte: 3}\n"));
	enum { N = 5000 };
	ls_event ev = LS_EVENT_INIT;
	char name[32];
	ls_time t = T0;
	size_t fired = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			/* a waiting group gets one match... */
			snprintf(name, sizeof name, "w%d", i);
			ls_event_reset(&ev);
			ls_event_add(&ev, LS_SV_LIT("g"), ls_sv_from_cstr(name), LS_VALUE_STRING,
			             0);
			ls_correl_feed(h.e, 0, t++, &ev, NULL, on_alert, &h);
			/* ...and a passing group is created, fires and is removed */
			snprintf(name, sizeof name, "p%d.%d", round, i);
			ls_event_reset(&ev);
			ls_event_add(&ev, LS_SV_LIT("g"), ls_sv_from_cstr(name), LS_VALUE_STRING,
			             0);
			for (int k = 0; k < 3; k++)
				ls_correl_feed(h.e, 0, t++, &ev, NULL, on_alert, &h);
			fired++;
		}
		/* the waiting groups and their matches (they fire in the last round) */
		assert_int_equal(ls_correl_state_size(h.e),
		                 round < 2 ? (size_t)N * (2 + (size_t)round) : 0);
	}
	ls_event_fini(&ev);
	assert_int_equal(h.nalerts, fired + N);
	assert_int_equal(ls_correl_state_size(h.e), 0);
	teardown(&h);
}

/* 1e6 matches over 10,000 groups: the state follows the window, not the input. */
static void a_long_stream_stays_bounded(void **state)
{
	(void)state;
	harness h;
	setup(&h, BASE("a") CORR("many", "  type: event_count\n  rules: [a]\n  group-by: [host]\n"
	                                 "  timespan: 1s\n  condition: {gte: 1000000000}\n")
	                  CORR("few", "  type: event_count\n  rules: [a]\n  group-by: [host]\n"
	                              "  timespan: 1s\n  condition: {lt: 2}\n")
	                          CORR("users", "  type: value_count\n  rules: [a]\n"
	                                        "  group-by: [host]\n  timespan: 1s\n"
	                                        "  condition: {field: user, gte: 1000000000}\n"));
	enum { NGROUPS = 10000, NMATCH = 1000000 };
	static char names[NGROUPS][8];
	for (int i = 0; i < NGROUPS; i++)
		snprintf(names[i], sizeof names[i], "h%d", i);
	ls_event ev = LS_EVENT_INIT;
	ls_recref rec = { .source = "long" };
	size_t peak = 0;
	for (int i = 0; i < NMATCH; i++) {
		ls_event_reset(&ev);
		ls_event_add(&ev, LS_SV_LIT("host"), ls_sv_from_cstr(names[i % NGROUPS]),
		             LS_VALUE_STRING, 0);
		ls_event_add(&ev, LS_SV_LIT("user"), ls_sv_from_cstr(names[i % 7]), LS_VALUE_STRING,
		             0);
		snprintf(rec.rid, sizeof rec.rid, "%d", i);
		/* one match a millisecond: each host every 10 s, 1000 matches a window */
		ls_correl_feed(h.e, 0, T0 + (ls_time)i * LS_USEC_PER_MSEC, &ev, &rec, on_alert, &h);
		if (i % 997 == 0) {
			size_t n = ls_correl_state_size(h.e);
			peak = n > peak ? n : peak;
		}
	}
	ls_event_fini(&ev);
	print_message("long stream: peak state %zu\n", peak);
	/* 3 correlations x (about 1000 groups + 1000 matches) live at once */
	assert_true(peak >= 3000);
	assert_true(peak <= 3 * 2 * 1100);
	advance(&h, END);
	assert_int_equal(ls_correl_state_size(h.e), 0);
	assert_int_equal(h.nalerts, NMATCH); /* every window of "few" held one match */
	teardown(&h);
}

static void type_names_are_the_specs(void **state)
{
	(void)state;
	assert_string_equal(ls_correl_type_name(LS_CORREL_VALUE_COUNT), "value_count");
	assert_string_equal(ls_correl_type_name(LS_CORREL_TEMPORAL_ORDERED), "temporal_ordered");
	assert_string_equal(ls_correl_type_name(LS_CORREL_VALUE_PERCENTILE), "value_percentile");
	assert_string_equal(ls_correl_type_name((ls_correl_type)99), "unknown");
	ls_correl_fini(NULL);
	ls_correl_engine_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_examples_all_parse),
		cmocka_unit_test(event_count_example_parses_exactly),
		cmocka_unit_test(value_types_take_a_field),
		cmocka_unit_test(temporal_condition_defaults_to_every_rule),
		cmocka_unit_test(timespans_in_every_unit),
		cmocka_unit_test(a_range_is_two_comparisons),
		cmocka_unit_test(aliases_and_generate_parse),
		cmocka_unit_test(errors_in_the_correlation_keys),
		cmocka_unit_test(errors_in_timespans),
		cmocka_unit_test(errors_in_conditions),
		cmocka_unit_test(errors_in_aliases),
		cmocka_unit_test(references_resolve_by_id_then_name),
		cmocka_unit_test(unknown_references_and_cycles_are_refused),
		cmocka_unit_test(generate_false_silences_the_base_rules),
		cmocka_unit_test(event_count_fires_at_its_threshold),
		cmocka_unit_test(event_count_below_threshold_does_not_fire),
		cmocka_unit_test(a_match_exactly_timespan_later_is_inside),
		cmocka_unit_test(a_match_one_microsecond_later_is_outside),
		cmocka_unit_test(gt_and_eq_compare_as_written),
		cmocka_unit_test(a_group_resets_after_firing),
		cmocka_unit_test(groups_use_every_group_by_field),
		cmocka_unit_test(a_missing_group_field_is_the_empty_value),
		cmocka_unit_test(without_group_by_everything_is_one_group),
		cmocka_unit_test(an_event_matched_by_two_rules_counts_once),
		cmocka_unit_test(value_count_counts_distinct_values),
		cmocka_unit_test(value_count_forgets_values_that_left_the_window),
		cmocka_unit_test(value_sum_adds_numbers_and_numeric_strings),
		cmocka_unit_test(value_fields_follow_the_number_grammar),
		cmocka_unit_test(value_sum_slides_with_the_window),
		cmocka_unit_test(value_avg_averages_the_window),
		cmocka_unit_test(value_percentile_interpolates_between_ranks),
		cmocka_unit_test(value_percentile_with_lte_is_decided_at_close),
		cmocka_unit_test(temporal_needs_every_rule_in_any_order),
		cmocka_unit_test(temporal_does_not_fire_across_the_window),
		cmocka_unit_test(temporal_with_a_count_condition),
		cmocka_unit_test(temporal_ordered_needs_the_order),
		cmocka_unit_test(temporal_ordered_keeps_the_latest_start),
		cmocka_unit_test(temporal_ordered_window_edges),
		cmocka_unit_test(aliases_join_different_fields),
		cmocka_unit_test(an_alias_may_name_the_value_field),
		cmocka_unit_test(a_correlation_of_correlations_fires),
		cmocka_unit_test(a_chain_keeps_the_outer_order),
		cmocka_unit_test(chained_alerts_from_window_closes_propagate),
		cmocka_unit_test(lt_is_decided_when_the_window_closes),
		cmocka_unit_test(lt_does_not_fire_when_the_count_reaches_it),
		cmocka_unit_test(lte_is_decided_at_the_end_of_input),
		cmocka_unit_test(a_range_is_decided_at_close),
		cmocka_unit_test(temporal_with_lt_counts_rules_at_close),
		cmocka_unit_test(time_going_backwards_is_clamped),
		cmocka_unit_test(idle_groups_are_dropped),
		cmocka_unit_test(records_are_capped_per_alert),
		cmocka_unit_test(alert_records_are_in_time_order),
		cmocka_unit_test(records_at_one_time_keep_their_arrival_order),
		cmocka_unit_test(no_record_no_event_still_counts),
		cmocka_unit_test(value_percentile_slides_with_the_window),
		cmocka_unit_test(the_group_map_survives_churn),
		cmocka_unit_test(a_long_stream_stays_bounded),
		cmocka_unit_test(type_names_are_the_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
