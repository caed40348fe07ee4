/*
 * cmd_explain.c - `leaksim explain`: how one rule evaluates on one event.
 *
 *   leaksim explain --rule FILE --event JSON|@FILE [--placeholders FILE]
 *
 * For each rule of FILE (a correlation is named and skipped: it sees
 * matches, not events): every search identifier, each of its AND groups
 * and each leaf (the field, the event's value(s), each modifier and value
 * and whether it matched), the identifier's result, then each condition in
 * canonical form with its result, and the rule's verdict. The event is a
 * JSON object given inline or read from a file (@FILE: the whole file, one
 * JSON document).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "io/jsonl.h"
#include "sigma/pipeline.h"
#include "sigma/rule.h"

#define EVENT_MAX (16u * 1024u * 1024u)

static int read_event(const char *arg, ls_buf *text)
{
	if (arg[0] != '@') {
		ls_buf_append_cstr(text, arg);
		return 0;
	}
	FILE *f = fopen(arg + 1, "rb");
	if (f == NULL) {
		ls_cli_error("explain", "%s: cannot open: %s", arg + 1, strerror(errno));
		return -1;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (text->len + n > EVENT_MAX) {
			fclose(f);
			ls_cli_error("explain", "%s: larger than %u bytes", arg + 1, EVENT_MAX);
			return -1;
		}
		ls_buf_append(text, chunk, n);
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		ls_cli_error("explain", "%s: cannot read", arg + 1);
		return -1;
	}
	return 0;
}

typedef struct ectx {
	const ls_rule *r;
	const ls_event *ev;
} ectx;

static bool ident_value(void *ctx, uint32_t id)
{
	ectx *c = ctx;
	return ls_rule_search_match(&c->r->searches[id], c->ev);
}

static void explain_rule(const ls_rule *r, const ls_event *ev, ls_buf *out)
{
	ls_buf_printf(out, "rule: %s%s%s%s\n", r->title, r->id ? " (" : "", r->id ? r->id : "",
	              r->id ? ")" : "");
	if (r->correl) {
		ls_buf_printf(out,
		              "  a %s correlation: it counts matches of other rules, not events\n",
		              ls_correl_type_name(r->correl->type));
		return;
	}
	if (r->is_filter)
		ls_buf_append_cstr(out,
		                   "  a filter: its condition is ANDed into the rules it names\n");
	for (size_t i = 0; i < r->nfilters; i++)
		ls_buf_printf(out, "  filtered by: %s\n", r->filters[i]->title);
	ls_sv *names = ls_xcalloc(r->nsearches ? r->nsearches : 1, sizeof *names);
	for (size_t i = 0; i < r->nsearches; i++) {
		const ls_rule_search *s = &r->searches[i];
		names[i] = ls_sv_from_cstr(s->name);
		ls_buf_printf(out, "  %s:\n", s->name);
		for (size_t g = 0; g < s->ngroups; g++) {
			const ls_rule_group *grp = &s->groups[g];
			if (s->ngroups > 1)
				ls_buf_printf(out, "    alternative %zu of %zu (all of these):\n",
				              g + 1, s->ngroups);
			bool all = true;
			for (size_t k = 0; k < grp->n; k++) {
				ls_sig_leaf_explain(grp->leaves[k], ev, s->ngroups > 1 ? 6 : 4,
				                    out);
				all = all && ls_sig_leaf_match(grp->leaves[k], ev);
			}
			if (s->ngroups > 1)
				ls_buf_printf(out, "    -> alternative %zu: %s\n", g + 1,
				              all ? "true" : "false");
		}
		ls_buf_printf(out, "  => %s: %s\n", s->name,
		              ls_rule_search_match(s, ev) ? "true" : "false");
	}
	ectx c = { r, ev };
	bool any = false;
	for (size_t i = 0; i < r->nconds; i++) {
		ls_buf_append_cstr(out, "  condition: ");
		ls_cond_format(&r->conds[i], names, out);
		bool v = ls_cond_eval(&r->conds[i], ident_value, &c);
		any = any || v;
		ls_buf_printf(out, " => %s\n", v ? "true" : "false");
	}
	for (size_t f = 0; f < r->nfilters; f++) {
		const ls_rule *flt = r->filters[f];
		ectx fc = { flt, ev };
		bool ok = false;
		for (size_t i = 0; i < flt->nconds && !ok; i++)
			ok = ls_cond_eval(&flt->conds[i], ident_value, &fc);
		ls_buf_printf(out, "  filter '%s' => %s\n", flt->title, ok ? "true" : "false");
		any = any && ok;
	}
	ls_buf_printf(out, "result: %s\n", any && !r->is_filter ? "match" : "no match");
	free(names);
}

int ls_cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rule", required_argument, NULL, 'r' },
		{ "event", required_argument, NULL, 'e' },
		{ "placeholders", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *rule = NULL, *event = NULL, *placeholders = NULL;
	int c;
	ls_cli_getopt_reset();
	while ((c = ls_cli_getopt(argc, argv, "r:e:P:h", opts)) != -1) {
		switch (c) {
		case 'r': rule = optarg; break;
		case 'e': event = optarg; break;
		case 'P': placeholders = optarg; break;
		case 'h': ls_cli_print_usage(ls_cli_find("explain")); return LS_EXIT_OK;
		default: return LS_EXIT_USAGE;
		}
	}
	if (rule == NULL || event == NULL || optind < argc) {
		ls_cli_error("explain",
		             optind < argc ? "unexpected argument '%s'"
		                           : "--rule FILE and --event JSON|@FILE are required%s",
		             optind < argc ? argv[optind] : "");
		return LS_EXIT_USAGE;
	}
	int status = LS_EXIT_OK;
	ls_ruleset rs;
	ls_ruleset_init(&rs);
	ls_placeholders *ph = NULL;
	ls_buf text = LS_BUF_INIT, out = LS_BUF_INIT;
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_sig_env env = { NULL, NULL };
	if (placeholders) {
		if (ls_placeholders_load(&ph, placeholders, &d) != LS_OK) {
			ls_cli_diag("explain", &d);
			status = LS_EXIT_USAGE;
			goto done;
		}
		env.placeholder = ls_placeholders_lookup;
		env.ctx = ph;
	}
	if (ls_ruleset_load(&rs, rule, &env, &d) != LS_OK) {
		ls_cli_diag("explain", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	ls_ruleset_link(&rs);
	for (size_t i = 0; i < rs.nrejects; i++)
		fprintf(stderr, "leaksim explain: rejected %s:%lu:%lu: %s\n", rs.rejects[i].file,
		        rs.rejects[i].line, rs.rejects[i].col, rs.rejects[i].message);
	if (rs.n == 0) {
		ls_cli_error("explain", "%s: no rule loaded", rule);
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (read_event(event, &text) != 0) {
		status = LS_EXIT_USAGE;
		goto done;
	}
	if (ls_json_parse_document(ls_buf_sv(&text), EVENT_MAX, &ev, &a, &d) != LS_OK) {
		if (d.file == NULL)
			d.file = event[0] == '@' ? event + 1 : "--event";
		ls_cli_diag("explain", &d);
		status = LS_EXIT_USAGE;
		goto done;
	}
	for (size_t i = 0; i < rs.n; i++)
		explain_rule(&rs.rules[i], &ev, &out);
	fwrite(out.data, 1, out.len, stdout);
done:
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_buf_fini(&text);
	ls_buf_fini(&out);
	ls_ruleset_fini(&rs);
	ls_placeholders_free(ph);
	return status;
}
