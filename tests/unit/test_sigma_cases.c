/*
 * test_sigma_cases.c - the Sigma conformance case table.
 *
 * Every *.yml file under tests/sigma/ is a list of cases: a whole rule, a
 * few JSON Lines events and, for each event, whether the rule matches it;
 * or the rejection the rule must get. tests/sigma/README.md describes the
 * format. The runner goes through every case of every file, reports each
 * failing case by file and name, and fails if any case failed, so one wrong
 * behaviour never hides another. A case marked `known_deviation` records
 * what the Sigma specification expects where the engine decides otherwise:
 * it is listed with its reason but does not fail the run.
 *
 * The table is read with the project's own YAML reader and every rule goes
 * through the public loader (ls_ruleset_load_mem), the JSON Lines reader
 * and ls_rule_match, exactly the path `leaksim detect` takes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/str.h"
#include "io/jsonl.h"
#include "io/yaml.h"
#include "sigma/rule.h"
#include "testutil.h"

/* Where the table lives, relative to the repository root (make test runs there). */
#define CASES_DIR "tests/sigma"
/* The table must not shrink below this many cases. */
#define CASES_MIN 100
/* Event text shown in a failure message is cut to this many bytes. */
#define SHOW_MAX 100
/* A failing case lists its failing events until its message is this long. */
#define WHY_MAX 600

/* What a run over one or more case files found. */
typedef struct tally {
	size_t files, cases, passed, failed;
	size_t deviations; /* known deviations that still deviate */
	size_t conforming; /* known deviations that now pass */
	ls_buf failures;   /* one line per failing case (or broken file) */
	ls_buf notes;      /* one line per known deviation */
} tally;

static void tally_init(tally *t)
{
	memset(t, 0, sizeof *t);
	ls_buf_init(&t->failures);
	ls_buf_init(&t->notes);
}

static void tally_fini(tally *t)
{
	ls_buf_fini(&t->failures);
	ls_buf_fini(&t->notes);
}

/* ------------------------------------------------------------ one case */

/* The keys of one case, as the file gave them. */
typedef struct sigcase {
	const char *file;
	unsigned long line; /* of the case in its file */
	ls_sv name;
	const ls_ynode *rule, *events, *matches, *rejected, *rline, *rcol, *deviation;
} sigcase;

/* Append s to out, cut to SHOW_MAX bytes. */
static void append_shown(ls_buf *out, ls_sv s)
{
	if (s.len > SHOW_MAX) {
		ls_buf_append(out, s.ptr, SHOW_MAX);
		ls_buf_append_cstr(out, "...");
	} else {
		ls_buf_append_sv(out, s);
	}
}

static bool scalar(const ls_ynode *n)
{
	return n && n->kind == LS_YNODE_SCALAR;
}

/* A plain scalar that is a positive decimal integer. */
static bool get_position(const ls_ynode *n, unsigned long *out)
{
	uint64_t v = 0;
	if (!scalar(n) || !ls_ynode_is_plain(n) || ls_sv_to_u64(ls_ynode_sv(n), &v) != LS_OK ||
	    v == 0)
		return false;
	*out = (unsigned long)v;
	return true;
}

/*
 * Read the keys of case node m into c. Returns false with a reason in why
 * when the case itself is malformed (a mistake in the table, not in the
 * engine).
 */
static bool read_case(const ls_ynode *m, sigcase *c, ls_buf *why)
{
	if (m->kind != LS_YNODE_MAP) {
		ls_buf_printf(why, "a case must be a mapping");
		return false;
	}
	for (const ls_ynode *k = m->first; k && k->next; k = k->next->next) {
		const ls_ynode *v = k->next;
		ls_sv key = scalar(k) ? ls_ynode_sv(k) : LS_SV_LIT("");
		if (ls_sv_eq_cstr(key, "name") && scalar(v))
			c->name = ls_ynode_sv(v);
		else if (ls_sv_eq_cstr(key, "rule"))
			c->rule = v;
		else if (ls_sv_eq_cstr(key, "events"))
			c->events = v;
		else if (ls_sv_eq_cstr(key, "matches"))
			c->matches = v;
		else if (ls_sv_eq_cstr(key, "rejected"))
			c->rejected = v;
		else if (ls_sv_eq_cstr(key, "line"))
			c->rline = v;
		else if (ls_sv_eq_cstr(key, "col"))
			c->rcol = v;
		else if (ls_sv_eq_cstr(key, "known_deviation"))
			c->deviation = v;
		else {
			ls_buf_printf(why, "line %lu: unknown key '%.*s'", k->line,
			              (int)(key.len > 40 ? 40 : key.len), key.ptr);
			return false;
		}
	}
	if (c->name.len == 0) {
		ls_buf_printf(why, "a case needs a name");
		return false;
	}
	if (!scalar(c->rule) || c->rule->len == 0) {
		ls_buf_printf(why, "'rule' must be a non-empty block string");
		return false;
	}
	if (c->deviation && (!scalar(c->deviation) || c->deviation->len == 0)) {
		ls_buf_printf(why, "'known_deviation' must give a reason");
		return false;
	}
	if ((c->matches != NULL) == (c->rejected != NULL)) {
		ls_buf_printf(why, "a case needs exactly one of 'matches' and 'rejected'");
		return false;
	}
	if (c->rejected) {
		unsigned long pos;
		if (!scalar(c->rejected) || c->rejected->len == 0) {
			ls_buf_printf(why, "'rejected' must be a non-empty message fragment");
			return false;
		}
		if (c->events) {
			ls_buf_printf(why, "a 'rejected' case has no events");
			return false;
		}
		if ((c->rline && !get_position(c->rline, &pos)) ||
		    (c->rcol && !get_position(c->rcol, &pos))) {
			ls_buf_printf(why, "'line' and 'col' must be positive integers");
			return false;
		}
		return true;
	}
	if (c->rline || c->rcol) {
		ls_buf_printf(why, "'line' and 'col' go with 'rejected'");
		return false;
	}
	if (c->events == NULL || c->events->kind != LS_YNODE_SEQ || c->events->first == NULL ||
	    c->matches->kind != LS_YNODE_SEQ) {
		ls_buf_printf(why, "'events' and 'matches' must be non-empty lists");
		return false;
	}
	const ls_ynode *e = c->events->first, *x = c->matches->first;
	for (; e && x; e = e->next, x = x->next) {
		if (!scalar(e)) {
			ls_buf_printf(why, "line %lu: an event must be a string", e->line);
			return false;
		}
		if (!ls_ynode_is_plain(x) || !(ls_sv_eq_cstr(ls_ynode_sv(x), "true") ||
		                               ls_sv_eq_cstr(ls_ynode_sv(x), "false"))) {
			ls_buf_printf(why, "line %lu: an expectation must be true or false",
			              x->line);
			return false;
		}
	}
	if (e || x) {
		ls_buf_printf(why, "'events' and 'matches' differ in length");
		return false;
	}
	return true;
}

/* The rejection case: the rule must be refused with the expected message and place. */
static bool check_rejection(const sigcase *c, const ls_ruleset *rs, ls_buf *why)
{
	ls_sv want = ls_ynode_sv(c->rejected);
	if (rs->n != 0 || rs->nrejects != 1) {
		ls_buf_printf(why,
		              "expected one rejection containing '%.*s', got %zu rules and %zu "
		              "rejections",
		              (int)want.len, want.ptr, rs->n, rs->nrejects);
		if (rs->nrejects)
			ls_buf_printf(why, " (first: %s)", rs->rejects[0].message);
		return false;
	}
	const ls_rule_reject *j = &rs->rejects[0];
	unsigned long line = 0, col = 0;
	if (c->rline && !get_position(c->rline, &line))
		line = 0;
	if (c->rcol && !get_position(c->rcol, &col))
		col = 0;
	/* The message may hold NULs only if the engine put them there: compare as C text. */
	char *w = ls_xstrndup(want.ptr, want.len);
	bool ok = strstr(j->message, w) != NULL && (line == 0 || j->line == line) &&
	          (col == 0 || j->col == col);
	free(w);
	if (!ok) {
		ls_buf_printf(why, "rejected at %lu:%lu with '%s'; expected ", j->line, j->col,
		              j->message);
		if (line || col)
			ls_buf_printf(why, "%lu:%lu with ", line, col);
		ls_buf_printf(why, "'%.*s'", (int)want.len, want.ptr);
	}
	return ok;
}

/* The matching case: one rule, and each event matched or not as listed. */
static bool check_matches(const sigcase *c, const ls_ruleset *rs, ls_buf *why)
{
	if (rs->nrejects) {
		const ls_rule_reject *j = &rs->rejects[0];
		ls_buf_printf(why, "rule rejected at %lu:%lu: %s", j->line, j->col, j->message);
		return false;
	}
	if (rs->n != 1) {
		ls_buf_printf(why, "expected one rule, got %zu", rs->n);
		return false;
	}
	bool ok = true;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	unsigned long i = 1;
	for (const ls_ynode *e = c->events->first, *x = c->matches->first; e && x;
	     e = e->next, x = x->next, i++) {
		ls_sv json = ls_ynode_sv(e);
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_jsonl_parse(json, i, &ev, &a, &d) != LS_OK) {
			ls_buf_printf(why, "%sevent %lu is not valid JSON (col %lu: %s)",
			              ok ? "" : "; ", i, d.col, d.message);
			ok = false;
			continue;
		}
		if (why->len > WHY_MAX) {
			ls_buf_append_cstr(why, "; ...");
			ok = false;
			break;
		}
		bool want = ls_sv_eq_cstr(ls_ynode_sv(x), "true");
		bool got = ls_rule_match(&rs->rules[0], &ev);
		if (got != want) {
			ls_buf_printf(why, "%sevent %lu ", ok ? "" : "; ", i);
			append_shown(why, json);
			ls_buf_printf(why, ": expected %s, got %s", want ? "a match" : "no match",
			              got ? "a match" : "no match");
			ok = false;
		}
	}
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	return ok;
}

/* Run one case; record its outcome in t. */
static void run_case(tally *t, const sigcase *c)
{
	ls_buf why = LS_BUF_INIT;
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	ls_ruleset_load_mem(&rs, c->rule->text, c->rule->len, c->file, NULL);
	bool ok = c->rejected ? check_rejection(c, &rs, &why) : check_matches(c, &rs, &why);
	ls_ruleset_fini(&rs);
	int nl = (int)c->name.len;
	if (c->deviation == NULL) {
		if (ok) {
			t->passed++;
		} else {
			t->failed++;
			ls_buf_printf(&t->failures, "  %s:%lu: %.*s: %s\n", c->file, c->line, nl,
			              c->name.ptr, why.data);
		}
	} else if (ok) {
		t->conforming++;
		ls_buf_printf(&t->notes,
		              "  %s:%lu: %.*s: marked known_deviation but now conforms (remove "
		              "the mark)\n",
		              c->file, c->line, nl, c->name.ptr);
	} else {
		t->deviations++;
		ls_buf_printf(&t->notes, "  %s:%lu: %.*s: %s\n      engine: %s\n", c->file, c->line,
		              nl, c->name.ptr, c->deviation->text, why.data);
	}
	ls_buf_fini(&why);
}

/* ------------------------------------------------------------ one file */

/* A case the table itself gets wrong counts as a failure. */
static void table_error(tally *t, const char *file, unsigned long line, ls_sv name, const char *why)
{
	t->failed++;
	ls_buf_printf(&t->failures, "  %s:%lu: %.*s: malformed case: %s\n", file, line,
	              (int)name.len, name.ptr, why);
}

/* Run every case of one case file's text; file names it in reports. */
static void run_text(tally *t, const char *file, const char *text, size_t len)
{
	static const ls_yaml_limits lim = { .max_docs = 1,
		                            .max_nodes = 1000000,
		                            .one_doc_reason = "a case file is one list" };
	ls_yaml y;
	ls_diag d;
	ls_diag_clear(&d);
	t->files++;
	if (ls_yaml_parse(&y, text, len, &lim, file, &d) != LS_OK) {
		t->failed++;
		ls_buf_printf(&t->failures, "  %s:%lu:%lu: %s\n", file, d.line, d.col, d.message);
		ls_yaml_fini(&y);
		return;
	}
	const ls_ynode *root = y.ndocs ? y.docs[0].root : NULL;
	if (root == NULL || root->kind != LS_YNODE_SEQ) {
		t->failed++;
		ls_buf_printf(&t->failures, "  %s: a case file must be a list of cases\n", file);
		ls_yaml_fini(&y);
		return;
	}
	ls_buf why = LS_BUF_INIT;
	for (const ls_ynode *m = root->first; m; m = m->next) {
		sigcase c;
		memset(&c, 0, sizeof c);
		c.file = file;
		c.line = m->line;
		t->cases++;
		ls_buf_reset(&why);
		if (!read_case(m, &c, &why)) {
			table_error(t, file, m->line, c.name, why.data);
			continue;
		}
		/* Names are unique within a file, so a report names one case. */
		bool dup = false;
		for (const ls_ynode *p = root->first; p != m && !dup; p = p->next) {
			const ls_ynode *n =
			        p->kind == LS_YNODE_MAP ? ls_ynode_get(p, "name", NULL) : NULL;
			dup = scalar(n) && ls_sv_eq(ls_ynode_sv(n), c.name);
		}
		if (dup) {
			table_error(t, file, m->line, c.name, "another case has the same name");
			continue;
		}
		run_case(t, &c);
	}
	ls_buf_fini(&why);
	ls_yaml_fini(&y);
}

static bool case_file_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".yml") == 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every *.yml file of dir, in name order. */
static void run_dir(tally *t, const char *dir)
{
	DIR *dh = opendir(dir);
	if (dh == NULL)
		fail_msg("cannot open %s (run the test from the repository root)", dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (!case_file_name(e->d_name))
			continue;
		names = ls_xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = ls_xstrdup(e->d_name);
	}
	closedir(dh);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_name);
	ls_buf text = LS_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char *path = tu_join(dir, names[i]);
		if (!tu_read_file(path, &text)) {
			t->files++;
			t->failed++;
			ls_buf_printf(&t->failures, "  %s: cannot read\n", path);
		} else {
			size_t before = t->cases;
			run_text(t, path, text.data ? text.data : "", text.len);
			print_message("%-36s %3zu cases\n", path, t->cases - before);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	ls_buf_fini(&text);
}

/* ------------------------------------------------------------ tests */

/* Print a heading and then text line by line (cmocka cuts long messages). */
static void print_lines(const char *heading, const ls_buf *text)
{
	print_message("%s\n", heading);
	ls_sv rest = ls_buf_sv(text);
	while (rest.len) {
		ls_sv line;
		rest = ls_sv_cut(rest, '\n', &line, NULL);
		print_message("%.*s\n", (int)line.len, line.ptr);
	}
}

/* The whole table passes (known deviations aside) and has at least CASES_MIN cases. */
static void the_case_table_passes(void **state)
{
	(void)state;
	tally t;
	tally_init(&t);
	run_dir(&t, CASES_DIR);
	print_message("sigma cases: %zu cases in %zu files: %zu passed, %zu failed, %zu known "
	              "deviations\n",
	              t.cases, t.files, t.passed, t.failed, t.deviations + t.conforming);
	if (t.notes.len)
		print_lines("known deviations (the specification's result is recorded):", &t.notes);
	if (t.failed)
		print_lines("failing cases:", &t.failures);
	size_t failed = t.failed, cases = t.cases;
	tally_fini(&t);
	assert_int_equal(failed, 0);
	if (cases < CASES_MIN)
		fail_msg("the table has %zu cases; it must have at least %d", cases, CASES_MIN);
}

/* The runner itself: a wrong expectation and a malformed case are both reported. */
static void the_runner_reports_every_failure(void **state)
{
	(void)state;
	static const char text[] = "- name: right\n"
	                           "  rule: |\n"
	                           "    title: t\n"
	                           "    logsource: {product: test}\n"
	                           "    detection: {sel: {a: x}, condition: sel}\n"
	                           "  events: ['{\"a\":\"X\"}', '{\"a\":\"y\"}']\n"
	                           "  matches: [true, false]\n"
	                           "- name: wrong\n"
	                           "  rule: |\n"
	                           "    title: t\n"
	                           "    logsource: {product: test}\n"
	                           "    detection: {sel: {a: x}, condition: sel}\n"
	                           "  events: ['{\"a\":\"y\"}']\n"
	                           "  matches: [true]\n"
	                           "- name: wrong rejection\n"
	                           "  rule: |\n"
	                           "    title: t\n"
	                           "    logsource: {product: test}\n"
	                           "    detection: {sel: {a|contians: x}, condition: sel}\n"
	                           "  rejected: unknown modifier 'contians'\n"
	                           "  line: 2\n"
	                           "- name: too few expectations\n"
	                           "  rule: |\n"
	                           "    title: t\n"
	                           "  events: ['{}']\n"
	                           "  matches: []\n"
	                           "- name: deviating\n"
	                           "  rule: |\n"
	                           "    title: t\n"
	                           "    logsource: {product: test}\n"
	                           "    detection: {sel: {a: x}, condition: sel}\n"
	                           "  events: ['{\"a\":\"y\"}']\n"
	                           "  matches: [true]\n"
	                           "  known_deviation: for the test\n";
	tally t;
	tally_init(&t);
	run_text(&t, "self.yml", text, sizeof text - 1);
	assert_int_equal(t.cases, 5);
	assert_int_equal(t.passed, 1);
	assert_int_equal(t.failed, 3);
	assert_int_equal(t.deviations, 1);
	assert_non_null(strstr(t.failures.data,
	                       "self.yml:8: wrong: event 1 {\"a\":\"y\"}: expected "
	                       "a match, got no match"));
	assert_non_null(strstr(t.failures.data, "self.yml:15: wrong rejection: rejected at 3:"));
	assert_non_null(strstr(t.failures.data, "too few expectations: malformed case"));
	assert_non_null(strstr(t.notes.data, "deviating: for the test"));
	tally_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_runner_reports_every_failure),
		cmocka_unit_test(the_case_table_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
