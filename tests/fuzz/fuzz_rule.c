/*
 * fuzz_rule.c - libFuzzer target for the Sigma rule loader.
 *
 * The input is loaded as a rule file (any number of YAML documents). Every
 * document must end up either as a rule or as a rejection with a message
 * and a position inside the input; a loaded rule must have a title, a
 * logsource (or be a correlation), and conditions over its searches, and
 * evaluating it on a small event must not crash. Loading is a pure function
 * of the text, so a second load must agree. Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "io/jsonl.h"
#include "sigma/rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ls_sv ph_values[] = { { "alice", 5 }, { "bob", 3 } };

static ls_err placeholder(void *ctx, ls_sv name, const ls_sv **values, size_t *n)
{
	(void)ctx;
	if (!ls_sv_eq_cstr(name, "users"))
		return LS_ERR_NOTFOUND;
	*values = ph_values;
	*n = 2;
	return LS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_sig_env env = { placeholder, NULL };
	ls_ruleset a, b;
	ls_ruleset_init(&a);
	ls_ruleset_init(&b);
	ls_ruleset_load_mem(&a, (const char *)data, size, "fuzz.yml", &env);
	ls_ruleset_load_mem(&b, (const char *)data, size, "fuzz.yml", &env);
	if (a.n != b.n || a.nrejects != b.nrejects)
		abort();
	/* An upper bound on YAML's line count: it breaks lines at LF, CR, NEL and
	 * the Unicode line and paragraph separators. */
	unsigned long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 || data[i] == 0xa8 ||
		         data[i] == 0xa9;
	for (size_t i = 0; i < a.nrejects; i++) {
		const ls_rule_reject *j = &a.rejects[i];
		if (j->message == NULL || j->message[0] == '\0' || j->line > lines + 1 ||
		    strcmp(j->message, b.rejects[i].message) != 0)
			abort();
	}
	ls_event ev = LS_EVENT_INIT;
	ls_arena ar;
	ls_arena_init(&ar, 0);
	static const char json[] = "{\"Image\":\"C:\\\\x\\\\cmd.exe\",\"CommandLine\":\"a b c\","
	                           "\"n\":5,\"ip\":\"10.1.2.3\",\"t\":\"2026-03-02T01:02:03Z\"}";
	if (ls_jsonl_parse(ls_sv_make(json, sizeof json - 1), 1, &ev, &ar, NULL) != LS_OK)
		abort();
	for (size_t i = 0; i < a.n; i++) {
		const ls_rule *r = &a.rules[i];
		if (r->title == NULL)
			abort();
		if (r->correl == NULL && (r->nconds == 0 || r->nsearches == 0))
			abort();
		(void)ls_rule_match(r, &ev);
	}
	ls_event_fini(&ev);
	ls_arena_fini(&ar);
	ls_ruleset_fini(&a);
	ls_ruleset_fini(&b);
	return 0;
}
