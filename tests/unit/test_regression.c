/*
 * test_regression.c - SigmaHQ's regression samples against the engine.
 *
 * SigmaHQ ships, for some of its rules, Windows event logs that the rule
 * must detect (regression_data/, one folder per rule: info.yml names the
 * rule and how many events it must match, <rule-id>.json holds the events
 * as evtx_dump wrote them). This test loads each such rule by its id, maps
 * the nested event JSON onto the flat field names of the Sigma taxonomy,
 * the way a Windows field mapping does, and checks that the rule matches at
 * least as many events as info.yml asks for. It reports every failure with
 * a reason and requires a pass rate of at least REGRESSION_PASS_PCT.
 *
 * The corpus is found as in test_rule.c: $LEAKSIM_SIGMA_DIR, then
 * ../shared/sigma, then /work/shared/sigma.
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
#include <sys/stat.h>

#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"
#include "io/jsonl.h"
#include "io/yaml.h"
#include "sigma/rule.h"
#include "testutil.h"

/* The share of checked samples that must pass. */
#define REGRESSION_PASS_PCT 90
/* Fewer samples than this means the corpus is not the one expected. */
#define REGRESSION_MIN 150
/* Largest sample file read. */
#define SAMPLE_MAX (16u * 1024u * 1024u)
/* Deepest directory walked. */
#define WALK_DEPTH_MAX 32

static const char *const rule_trees[] = { "sigmahq/rules", "sigmahq/rules-emerging-threats",
	                                  "sigmahq/rules-threat-hunting" };

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

/* ------------------------------------------------------------ walking */

typedef void (*walk_fn)(void *ctx, const char *dir, const char *name, bool is_dir);

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Call fn for every entry of dir and below (hidden ones skipped), in name order. */
static void walk(const char *dir, walk_fn fn, void *ctx, int depth)
{
	if (depth > WALK_DEPTH_MAX)
		return;
	DIR *dh = opendir(dir);
	if (dh == NULL)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = ls_xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = ls_xstrdup(e->d_name);
	}
	closedir(dh);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i < n; i++) {
		char *path = tu_join(dir, names[i]);
		struct stat st;
		if (stat(path, &st) == 0) {
			bool is_dir = S_ISDIR(st.st_mode);
			fn(ctx, dir, names[i], is_dir);
			if (is_dir)
				walk(path, fn, ctx, depth + 1);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ------------------------------------------------------------ rule index */

/* Rule id -> the file that defines it. */
typedef struct rule_entry {
	char *id, *path;
} rule_entry;

typedef struct rule_index {
	rule_entry *v;
	size_t n, cap;
} rule_index;

static void index_fini(rule_index *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].id);
		free(x->v[i].path);
	}
	free(x->v);
}

/* The value of the top-level `id:` line of a rule file (quotes removed), or an empty view. */
static ls_sv top_level_id(ls_sv text)
{
	while (text.len) {
		ls_sv line;
		text = ls_sv_cut(text, '\n', &line, NULL);
		if (!ls_sv_starts_with(line, LS_SV_LIT("id:")))
			continue;
		ls_sv v = ls_sv_trim(ls_sv_sub(line, 3, line.len));
		if (v.len >= 2 && (v.ptr[0] == '\'' || v.ptr[0] == '"') &&
		    v.ptr[v.len - 1] == v.ptr[0])
			v = ls_sv_sub(v, 1, v.len - 2);
		return v;
	}
	return LS_SV_NULL;
}

static void index_file(void *ctx, const char *dir, const char *name, bool is_dir)
{
	rule_index *x = ctx;
	if (is_dir || !(ends_with(name, ".yml") || ends_with(name, ".yaml")))
		return;
	char *path = tu_join(dir, name);
	ls_buf text = LS_BUF_INIT;
	ls_sv id = LS_SV_NULL;
	if (tu_read_file(path, &text))
		id = top_level_id(ls_buf_sv(&text));
	if (id.len) {
		x->v = ls_xgrow(x->v, &x->cap, x->n + 1, sizeof *x->v);
		x->v[x->n].id = ls_xstrndup(id.ptr, id.len);
		x->v[x->n++].path = path;
		path = NULL;
	}
	ls_buf_fini(&text);
	free(path);
}

static const char *index_find(const rule_index *x, const char *id)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i].id, id) == 0)
			return x->v[i].path;
	return NULL;
}

/* ------------------------------------------------------------ field mapping */

/*
 * Append to out the Sigma taxonomy name of an evtx_dump field, following
 * the specification's rules for Windows events ("Field Usage"): the
 * elements of <System> and <EventData> by their own names, an XML
 * attribute joined to its element with '_' (Provider.#attributes.Name is
 * Provider_Name), an element's #text by the element's name, and the
 * children of <UserData>'s one element by their own names, and spaces
 * removed (Defender's "Threat Name" is ThreatName). Returns false for a
 * field outside those sections (the Event element's xmlns).
 */
static bool taxonomy_name(ls_sv name, ls_buf *out)
{
	ls_sv rest, tag;
	if (!ls_sv_starts_with(name, LS_SV_LIT("Event.")))
		return false;
	rest = ls_sv_sub(name, 6, name.len);
	rest = ls_sv_cut(rest, '.', &tag, NULL);
	if (ls_sv_eq_cstr(tag, "UserData"))
		rest = ls_sv_cut(rest, '.', &tag, NULL);
	else if (!ls_sv_eq_cstr(tag, "System") && !ls_sv_eq_cstr(tag, "EventData"))
		return false;
	if (rest.len == 0)
		return false;
	bool attr = false;
	while (rest.len) {
		ls_sv part;
		rest = ls_sv_cut(rest, '.', &part, NULL);
		if (ls_sv_eq_cstr(part, "#text"))
			continue;
		if (ls_sv_eq_cstr(part, "#attributes")) {
			if (out->len == 0)
				ls_buf_append_sv(out, tag);
			attr = true;
			continue;
		}
		if (out->len)
			ls_buf_append_char(out, attr ? '_' : '.');
		for (size_t i = 0; i < part.len; i++)
			if (part.ptr[i] != ' ')
				ls_buf_append_char(out, part.ptr[i]);
		attr = false;
	}
	return out->len > 0;
}

/* A new event in mapped holding ev's fields under their taxonomy names (in a). */
static void map_event(const ls_event *ev, ls_event *mapped, ls_arena *a)
{
	ls_buf name = LS_BUF_INIT;
	ls_event_reset(mapped);
	for (size_t i = 0; i < ev->n; i++) {
		const ls_field *f = &ev->fields[i];
		ls_buf_reset(&name);
		if (!taxonomy_name(f->name, &name))
			continue;
		char *copy = ls_arena_strndup(a, name.data, name.len);
		ls_event_add(mapped, ls_sv_make(copy, name.len), f->value, f->type, f->pos);
	}
	ls_buf_fini(&name);
}

/* ------------------------------------------------------------ one sample */

typedef struct run {
	const char *root; /* the corpus directory */
	rule_index index;
	size_t checked, passed, skipped;
	ls_buf failures, skips;
} run;

/* What info.yml says: the rule's id and how many events it must match. */
static bool read_info(const char *path, char **id, unsigned long *need, ls_buf *why)
{
	static const ls_yaml_limits lim = { .max_docs = 1, .max_nodes = 10000 };
	ls_buf text = LS_BUF_INIT;
	ls_yaml y;
	ls_diag d;
	ls_diag_clear(&d);
	bool ok = false;
	*id = NULL;
	*need = 0;
	if (!tu_read_file(path, &text)) {
		ls_buf_printf(why, "cannot read info.yml");
		ls_buf_fini(&text);
		return false;
	}
	if (ls_yaml_parse(&y, text.data ? text.data : "", text.len, &lim, path, &d) != LS_OK) {
		ls_buf_printf(why, "info.yml:%lu:%lu: %s", d.line, d.col, d.message);
		goto out;
	}
	const ls_ynode *root = y.ndocs ? y.docs[0].root : NULL;
	const ls_ynode *meta = root && root->kind == LS_YNODE_MAP
	                               ? ls_ynode_get(root, "rule_metadata", NULL)
	                               : NULL;
	const ls_ynode *rid = meta && meta->kind == LS_YNODE_SEQ && meta->first &&
	                                      meta->first->kind == LS_YNODE_MAP
	                              ? ls_ynode_get(meta->first, "id", NULL)
	                              : NULL;
	if (rid == NULL || rid->kind != LS_YNODE_SCALAR || rid->len == 0) {
		ls_buf_printf(why, "info.yml names no rule id");
		goto out;
	}
	*id = ls_xstrndup(rid->text, rid->len);
	/* Each test entry asks for match_count events, or at least one. */
	const ls_ynode *tests = ls_ynode_get(root, "regression_tests_info", NULL);
	if (tests && tests->kind == LS_YNODE_SEQ)
		for (const ls_ynode *t = tests->first; t; t = t->next) {
			const ls_ynode *mc = t->kind == LS_YNODE_MAP
			                             ? ls_ynode_get(t, "match_count", NULL)
			                             : NULL;
			uint64_t v = 1;
			if (mc && (mc->kind != LS_YNODE_SCALAR ||
			           ls_sv_to_u64(ls_ynode_sv(mc), &v) != LS_OK)) {
				ls_buf_printf(why, "info.yml: match_count is not a number");
				goto out;
			}
			*need += (unsigned long)v;
		}
	if (*need == 0)
		*need = 1;
	ok = true;
out:
	ls_yaml_fini(&y);
	ls_buf_fini(&text);
	return ok;
}

/*
 * The end (exclusive) of the JSON object starting at text[from], which is
 * '{', or 0 if it does not end. The samples are pretty-printed objects
 * written one after another, so they are split before parsing.
 */
static size_t object_end(ls_sv text, size_t from)
{
	size_t depth = 0;
	bool str = false;
	for (size_t i = from; i < text.len; i++) {
		char c = text.ptr[i];
		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Match the rule against every event of the sample text; *events gets the
 * number of events and *hits how many matched. False with a reason when
 * the text is not a sequence of JSON objects.
 */
static bool match_sample(const ls_rule *r, ls_sv text, unsigned long *events, unsigned long *hits,
                         ls_buf *why)
{
	ls_event ev = LS_EVENT_INIT, mapped = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	bool ok = true;
	size_t i = 0;
	*events = *hits = 0;
	for (;;) {
		while (i < text.len && json_space(text.ptr[i]))
			i++;
		if (i == text.len)
			break;
		size_t end = text.ptr[i] == '{' ? object_end(text, i) : 0;
		ls_diag d;
		ls_diag_clear(&d);
		if (end == 0) {
			ls_buf_printf(why, "event file: no JSON object at line %lu",
			              ls_json_line_of(text, i));
			ok = false;
			break;
		}
		ls_sv doc = ls_sv_make(text.ptr + i, end - i);
		if (ls_json_parse_document(doc, SAMPLE_MAX, &ev, &a, &d) != LS_OK) {
			ls_buf_printf(why, "event file:%lu:%lu: %s",
			              ls_json_line_of(text, i) + d.line - 1, d.col, d.message);
			ok = false;
			break;
		}
		map_event(&ev, &mapped, &a);
		(*events)++;
		*hits += ls_rule_match(r, &mapped);
		i = end;
	}
	ls_event_fini(&ev);
	ls_event_fini(&mapped);
	ls_arena_fini(&a);
	return ok;
}

/* The short name of a regression folder: its path under regression_data/. */
static const char *folder_name(const run *R, const char *path)
{
	size_t n = strlen(R->root);
	if (strncmp(path, R->root, n) == 0)
		path += n;
	const char *p = strstr(path, "regression_data/");
	return p ? p + strlen("regression_data/") : path;
}

/* The rule with this id in the file at path, loaded into rs; NULL with a reason in why. */
static const ls_rule *load_rule(ls_ruleset *rs, const char *path, const char *id, ls_buf *why)
{
	ls_diag d;
	ls_diag_clear(&d);
	if (ls_ruleset_load(rs, path, NULL, &d) != LS_OK) {
		ls_buf_printf(why, "cannot load %s: %s", path, d.message);
		return NULL;
	}
	for (size_t i = 0; i < rs->n; i++)
		if (rs->rules[i].id && strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	if (rs->nrejects)
		ls_buf_printf(why, "rule rejected: %lu:%lu: %s", rs->rejects[0].line,
		              rs->rejects[0].col, rs->rejects[0].message);
	else
		ls_buf_printf(why, "%s does not define rule %s", path, id);
	return NULL;
}

/*
 * Check one regression folder (one that holds an info.yml): true when it
 * passed; false with a reason in why when it failed; *skip when it has no
 * JSON sample to check.
 */
static bool check_folder(run *R, const char *folder, bool *skip, ls_buf *why)
{
	char *info = tu_join(folder, "info.yml");
	char *id = NULL, *json = NULL;
	unsigned long need = 0, events = 0, hits = 0;
	const char *rule_path;
	const ls_rule *r;
	ls_buf text = LS_BUF_INIT;
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	bool ok = false;
	*skip = false;
	if (!read_info(info, &id, &need, why))
		goto out;
	ls_buf_printf(&text, "%s/%s.json", folder, id);
	json = ls_buf_steal(&text);
	if (!tu_exists(json)) {
		*skip = true;
		ls_buf_printf(why, "no event file %s.json (the sample is not JSON)", id);
		goto out;
	}
	if ((rule_path = index_find(&R->index, id)) == NULL) {
		ls_buf_printf(why, "no rule with id %s in the rule trees", id);
		goto out;
	}
	if ((r = load_rule(&rs, rule_path, id, why)) == NULL)
		goto out;
	if (!tu_read_file(json, &text) || text.len > SAMPLE_MAX) {
		ls_buf_printf(why, "cannot read %s.json", id);
		goto out;
	}
	if (!match_sample(r, ls_buf_sv(&text), &events, &hits, why))
		goto out;
	ok = hits >= need;
	if (!ok)
		ls_buf_printf(why, "matched %lu of %lu events, needs %lu (rule '%s')", hits, events,
		              need, r->title);
out:
	ls_ruleset_fini(&rs);
	ls_buf_fini(&text);
	free(info);
	free(json);
	free(id);
	return ok;
}

static void visit_regression(void *ctx, const char *dir, const char *name, bool is_dir)
{
	run *R = ctx;
	if (is_dir || strcmp(name, "info.yml") != 0)
		return;
	ls_buf why = LS_BUF_INIT;
	bool skip = false;
	bool ok = check_folder(R, dir, &skip, &why);
	if (skip) {
		R->skipped++;
		ls_buf_printf(&R->skips, "  %s: %s\n", folder_name(R, dir), why.data);
	} else {
		R->checked++;
		R->passed += ok;
		if (!ok)
			ls_buf_printf(&R->failures, "  %s: %s\n", folder_name(R, dir), why.data);
	}
	ls_buf_fini(&why);
}

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

/* ------------------------------------------------------------ tests */

/* The taxonomy names of evtx_dump's fields. */
static void windows_fields_map_to_the_taxonomy(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "Event.EventData.CommandLine", "CommandLine" },
		{ "Event.System.EventID", "EventID" },
		{ "Event.System.EventID.#text", "EventID" },
		{ "Event.System.Channel", "Channel" },
		{ "Event.System.Computer", "Computer" },
		{ "Event.System.Provider.#attributes.Name", "Provider_Name" },
		{ "Event.System.Execution.#attributes.ProcessID", "Execution_ProcessID" },
		{ "Event.System.TimeCreated.#attributes.SystemTime", "TimeCreated_SystemTime" },
		{ "Event.EventData.#attributes.Name", "EventData_Name" },
		{ "Event.UserData.Operation_ClientFailure.Operation", "Operation" },
		{ "Event.UserData.LogFileCleared.SubjectUserName", "SubjectUserName" },
		{ "Event.EventData.Data.#text", "Data" },
		{ "Event.EventData.Threat Name", "ThreatName" },
	};
	ls_buf out = LS_BUF_INIT;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		ls_buf_reset(&out);
		assert_true(taxonomy_name(ls_sv_from_cstr(pairs[i][0]), &out));
		assert_string_equal(out.data, pairs[i][1]);
	}
	ls_buf_reset(&out);
	assert_false(taxonomy_name(LS_SV_LIT("Event.#attributes.xmlns"), &out));
	assert_false(taxonomy_name(LS_SV_LIT("Other.EventID"), &out));
	ls_buf_fini(&out);
}

/* Concatenated pretty-printed objects are split and each is one event. */
static void a_sample_may_hold_several_objects(void **state)
{
	(void)state;
	static const char rule[] = "title: t\nlogsource: {product: windows}\n"
	                           "detection:\n  sel:\n    EventID: 1\n"
	                           "    Provider_Name: Microsoft-Windows-Sysmon\n"
	                           "    Image|endswith: '\\x.exe'\n  condition: sel\n";
	static const char sample[] =
	        "{\n  \"Event\": {\n    \"System\": {\"EventID\": 1, \"Provider\": "
	        "{\"#attributes\": {\"Name\": \"Microsoft-Windows-Sysmon\"}}},\n"
	        "    \"EventData\": {\"Image\": \"C:\\\\a\\\\x.exe\", \"Note\": \"} {\"}\n  }\n}\n"
	        "{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": "
	        "\"x.exe\"}}}\n";
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	ls_ruleset_load_mem(&rs, rule, sizeof rule - 1, "t.yml", NULL);
	assert_int_equal(rs.n, 1);
	unsigned long events = 0, hits = 0;
	ls_buf why = LS_BUF_INIT;
	assert_true(match_sample(&rs.rules[0], LS_SV_LIT(sample), &events, &hits, &why));
	assert_int_equal(events, 2);
	assert_int_equal(hits, 1);
	assert_false(match_sample(&rs.rules[0], LS_SV_LIT("{\"a\":1} [1]"), &events, &hits, &why));
	assert_non_null(strstr(why.data, "no JSON object"));
	ls_buf_fini(&why);
	ls_ruleset_fini(&rs);
}

/* Every SigmaHQ regression sample is detected by its rule (at least REGRESSION_PASS_PCT%). */
static void sigmahq_regression_samples_match(void **state)
{
	(void)state;
	const char *dir = corpus_dir();
	if (dir == NULL)
		fail_msg("the SigmaHQ corpus was not found: set LEAKSIM_SIGMA_DIR to shared/sigma");
	run R;
	memset(&R, 0, sizeof R);
	R.root = dir;
	for (size_t i = 0; i < sizeof rule_trees / sizeof rule_trees[0]; i++) {
		char *tree = tu_join(dir, rule_trees[i]);
		walk(tree, index_file, &R.index, 0);
		free(tree);
	}
	char *data = tu_join(dir, "sigmahq/regression_data");
	if (!tu_exists(data))
		fail_msg("%s does not exist: is LEAKSIM_SIGMA_DIR the shared/sigma folder?", data);
	walk(data, visit_regression, &R, 0);
	free(data);
	size_t failed = R.checked - R.passed;
	print_message("SigmaHQ regression samples: %zu rules indexed; %zu samples checked, %zu "
	              "passed, %zu failed (%.1f%%), %zu skipped\n",
	              R.index.n, R.checked, R.passed, failed,
	              100.0 * (double)R.passed / (double)(R.checked ? R.checked : 1), R.skipped);
	if (R.skips.len)
		print_lines("skipped:", &R.skips);
	if (R.failures.len)
		print_lines("failed:", &R.failures);
	size_t checked = R.checked, passed = R.passed;
	index_fini(&R.index);
	ls_buf_fini(&R.failures);
	ls_buf_fini(&R.skips);
	if (checked < REGRESSION_MIN)
		fail_msg("only %zu regression samples found under %s (expected at least %d)",
		         checked, dir, REGRESSION_MIN);
	if (passed * 100 < checked * REGRESSION_PASS_PCT)
		fail_msg("%zu of %zu regression samples passed; at least %d%% must", passed,
		         checked, REGRESSION_PASS_PCT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_fields_map_to_the_taxonomy),
		cmocka_unit_test(a_sample_may_hold_several_objects),
		cmocka_unit_test(sigmahq_regression_samples_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
