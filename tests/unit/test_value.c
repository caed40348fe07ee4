/*
 * test_value.c - Sigma search leaves: every modifier, the escaping and case
 * rules, the decisions docs/sigma.md records (each row of its table
 * names the test here that pins it), every compile error with its position,
 * the regex work limit, explain output, prefilter atoms and sharing a leaf
 * between threads.
 *
 * Most cases are rows of tables: a leaf written as its YAML key
 * ("Field|mod|mod", or "|mod" for a keyword search) with typed values, an
 * event as a JSON line, and whether the leaf must match it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"
#include "io/jsonl.h"
#include "sigma/value.h"
#include "sigma/wildcard.h"

/* ---------------------------------------------------------------- helpers */

/*
 * A value is written with its YAML type as a prefix: "s:text" a string
 * (quoted scalar), "n:5" a number, "b:true" a boolean, "null" null.
 */
#define MAXV 6

/* Where test leaves "are" in a rule file: key at 3:9, value i at (4 + i):13. */
#define KEY_LINE 3
#define KEY_COL 9
#define VAL_COL 13

typedef struct built {
	ls_sv mods[16];
	uint32_t mcol[16];
	ls_sig_value vals[MAXV];
	ls_sig_leaf_spec spec;
} built;

static void build(built *b, const char *key, const char *const *vals, bool with_cols)
{
	memset(b, 0, sizeof *b);
	ls_sv k = ls_sv_from_cstr(key);
	size_t bar = ls_sv_find_char(k, '|');
	b->spec.field = bar == SIZE_MAX ? k : ls_sv_make(k.ptr, bar);
	while (bar != SIZE_MAX) {
		size_t start = bar + 1;
		ls_sv rest = ls_sv_make(k.ptr + start, k.len - start);
		size_t next = ls_sv_find_char(rest, '|');
		b->mods[b->spec.nmods] = next == SIZE_MAX ? rest : ls_sv_make(rest.ptr, next);
		b->mcol[b->spec.nmods++] = (uint32_t)(KEY_COL + start);
		bar = next == SIZE_MAX ? SIZE_MAX : start + next;
	}
	size_t n = 0;
	for (; n < MAXV && vals[n]; n++) {
		const char *v = vals[n];
		ls_sig_value *sv = &b->vals[n];
		sv->line = (uint32_t)(KEY_LINE + 1 + n);
		sv->col = VAL_COL;
		if (strcmp(v, "null") == 0) {
			sv->type = LS_VALUE_NULL;
			sv->text = LS_SV_LIT("null");
			continue;
		}
		assert_true(v[0] && v[1] == ':');
		sv->type = v[0] == 's'   ? LS_VALUE_STRING
		           : v[0] == 'n' ? LS_VALUE_NUMBER
		                         : LS_VALUE_BOOL;
		sv->text = ls_sv_from_cstr(v + 2);
	}
	b->spec.mods = b->mods;
	b->spec.mod_col = with_cols ? b->mcol : NULL;
	b->spec.values = b->vals;
	b->spec.nvalues = n;
	b->spec.file = "rule.yml";
	b->spec.line = KEY_LINE;
	b->spec.col = KEY_COL;
}

/* Placeholders for |expand. */
static ls_err placeholder(void *ctx, ls_sv name, const ls_sv **values, size_t *n)
{
	static const ls_sv servers[] = { { "srv-*", 5 }, { "DB01", 4 } };
	static const ls_sv users[] = { { "alice", 5 }, { "bob", 3 }, { "root", 4 } };
	static ls_sv many[300];
	(void)ctx;
	if (ls_sv_eq_cstr(name, "Servers")) {
		*values = servers;
		*n = 2;
	} else if (ls_sv_eq_cstr(name, "users")) {
		*values = users;
		*n = 3;
	} else if (ls_sv_eq_cstr(name, "none")) {
		*values = servers;
		*n = 0;
	} else if (ls_sv_eq_cstr(name, "many")) {
		for (size_t i = 0; i < 300; i++)
			many[i] = LS_SV_LIT("x");
		*values = many;
		*n = 300;
	} else {
		return LS_ERR_NOTFOUND;
	}
	return LS_OK;
}

static const ls_sig_env ENV = { placeholder, NULL };

static ls_err compile_with(const char *key, const char *const *vals, const ls_sig_env *env,
                           ls_sig_leaf **out, ls_diag *d)
{
	built b;
	build(&b, key, vals, true);
	ls_diag_clear(d);
	return ls_sig_leaf_compile(out, &b.spec, env, d);
}

static ls_sig_leaf *compile_ok(const char *key, const char *const *vals)
{
	ls_sig_leaf *l = NULL;
	ls_diag d;
	ls_err e = compile_with(key, vals, &ENV, &l, &d);
	if (e != LS_OK)
		print_error("compiling %s: %lu:%lu: %s\n", key, d.line, d.col, d.message);
	assert_int_equal(e, LS_OK);
	assert_non_null(l);
	return l;
}

typedef struct parsed {
	ls_event ev;
	ls_arena arena;
} parsed;

static void parse_event(parsed *p, const char *json)
{
	p->ev = LS_EVENT_INIT;
	ls_arena_init(&p->arena, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_jsonl_parse(ls_sv_from_cstr(json), 1, &p->ev, &p->arena, &d);
	if (e != LS_OK)
		print_error("event %s: col %lu: %s\n", json, d.col, d.message);
	assert_int_equal(e, LS_OK);
}

static void parsed_fini(parsed *p)
{
	ls_event_fini(&p->ev);
	ls_arena_fini(&p->arena);
}

static bool leaf_matches(const ls_sig_leaf *l, const char *json)
{
	parsed p;
	parse_event(&p, json);
	bool r = ls_sig_leaf_match(l, &p.ev);
	parsed_fini(&p);
	return r;
}

/* One row: a leaf, an event and the answer. */
typedef struct vcase {
	const char *key;
	const char *vals[MAXV];
	const char *event;
	bool want;
} vcase;

static void run_cases(const vcase *c, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		ls_sig_leaf *l = compile_ok(c[i].key, c[i].vals);
		bool got = leaf_matches(l, c[i].event);
		if (got != c[i].want) {
			print_error("row %zu: %s: %s on %s: got %s\n", i, c[i].key,
			            c[i].vals[0] ? c[i].vals[0] : "", c[i].event,
			            got ? "match" : "no match");
			bad++;
		}
		ls_sig_leaf_free(l);
	}
	assert_int_equal(bad, 0);
}

#define RUN(table) run_cases((table), sizeof(table) / sizeof((table)[0]))

/* Expect compiling to fail with err at line:col and `words` in the message. */
typedef struct ecase {
	const char *key;
	const char *vals[MAXV];
	ls_err err;
	unsigned long line, col;
	const char *words;
} ecase;

static void run_errors(const ecase *c, size_t n, const ls_sig_env *env)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		ls_sig_leaf *l = (ls_sig_leaf *)1;
		ls_diag d;
		ls_err e = compile_with(c[i].key, c[i].vals, env, &l, &d);
		if (e != c[i].err || d.err != c[i].err || d.line != c[i].line ||
		    d.col != c[i].col || !strstr(d.message, c[i].words) || l != NULL ||
		    strcmp(d.file, "rule.yml") != 0) {
			print_error("row %zu: %s: got err %d at %lu:%lu \"%s\"; want err %d at "
			            "%lu:%lu \"%s\"\n",
			            i, c[i].key, (int)e, d.line, d.col, d.message, (int)c[i].err,
			            c[i].line, c[i].col, c[i].words);
			bad++;
		}
		if (e == LS_OK)
			ls_sig_leaf_free(l);
	}
	assert_int_equal(bad, 0);
}

#define ERRORS(table, env) run_errors((table), sizeof(table) / sizeof((table)[0]), (env))

#define V(...)                                                                                     \
	{                                                                                          \
		__VA_ARGS__, NULL                                                                  \
	}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------ plain and escaping */

static void plain_values(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "Image", V("s:C:\\Windows\\cmd.exe"), "{\"Image\":\"C:\\\\Windows\\\\cmd.exe\"}",
		  true },
		/* Case-insensitive by default (ASCII folding only). */
		{ "Image", V("s:c:\\windows\\CMD.EXE"), "{\"Image\":\"C:\\\\Windows\\\\cmd.exe\"}",
		  true },
		{ "Image", V("s:cmd.exe"), "{\"Image\":\"C:\\\\Windows\\\\cmd.exe\"}", false },
		{ "User", V("s:ÉRIC"), "{\"User\":\"éric\"}", false },
		{ "User", V("s:éric"), "{\"User\":\"éric\"}", true },
		/* A list is an OR. */
		{ "User", V("s:alice", "s:bob"), "{\"User\":\"BOB\"}", true },
		{ "User", V("s:alice", "s:bob"), "{\"User\":\"carol\"}", false },
		/* Whole value: no implicit substring. */
		{ "User", V("s:ali"), "{\"User\":\"alice\"}", false },
		{ "User", V("s:alice"), "{\"User\":\"alice \"}", false },
		/* Bytes after a NUL count. */
		{ "User", V("s:a"), "{\"User\":\"a\\u0000b\"}", false },
		/* Other fields do not count. */
		{ "User", V("s:alice"), "{\"Other\":\"alice\"}", false },
	};
	RUN(t);
}

static void escaping(void **state)
{
	(void)state;
	static const vcase t[] = {
		/* \* is a literal star; * is a wildcard. */
		{ "a", V("s:x\\*y"), "{\"a\":\"x*y\"}", true },
		{ "a", V("s:x\\*y"), "{\"a\":\"xzy\"}", false },
		{ "a", V("s:x*y"), "{\"a\":\"xzzy\"}", true },
		/* \? is a literal question mark. */
		{ "a", V("s:what\\?"), "{\"a\":\"what?\"}", true },
		{ "a", V("s:what\\?"), "{\"a\":\"whats\"}", false },
		/* \\* is a literal backslash, then a wildcard. */
		{ "a", V("s:C:\\\\*"), "{\"a\":\"C:\\\\Users\"}", true },
		{ "a", V("s:C:\\\\*"), "{\"a\":\"C:Users\"}", false },
		/* \\\* is a backslash and a literal star. */
		{ "a", V("s:C:\\\\\\*"), "{\"a\":\"C:\\\\*\"}", true },
		{ "a", V("s:C:\\\\\\*"), "{\"a\":\"C:\\\\x\"}", false },
		/* a\b: a backslash before another character is itself. */
		{ "a", V("s:a\\b"), "{\"a\":\"a\\\\b\"}", true },
		{ "a", V("s:a\\b"), "{\"a\":\"ab\"}", false },
		/* \\ is one backslash, and so is a single \ before a non-wildcard. */
		{ "a", V("s:a\\\\b"), "{\"a\":\"a\\\\b\"}", true },
		/* Three or four backslashes are two. */
		{ "a", V("s:a\\\\\\b"), "{\"a\":\"a\\\\\\\\b\"}", true },
		{ "a", V("s:a\\\\\\\\b"), "{\"a\":\"a\\\\\\\\b\"}", true },
		/* A trailing backslash is literal. */
		{ "a", V("s:dir\\"), "{\"a\":\"dir\\\\\"}", true },
		/* %name% is literal without expand. */
		{ "a", V("s:%Servers%"), "{\"a\":\"%servers%\"}", true },
		/* Without expand, \% keeps its backslash. */
		{ "a", V("s:50\\%"), "{\"a\":\"50\\\\%\"}", true },
	};
	RUN(t);
}

static void wildcards(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "a", V("s:*"), "{\"a\":\"\"}", true },
		{ "a", V("s:*"), "{\"a\":\"anything\"}", true },
		{ "a", V("s:**"), "{\"a\":\"x\"}", true },
		{ "a", V("s:?"), "{\"a\":\"\"}", false },
		{ "a", V("s:?"), "{\"a\":\"x\"}", true },
		{ "a", V("s:?"), "{\"a\":\"xy\"}", false },
		/* ? is one character, even when it takes several bytes. */
		{ "a", V("s:?"), "{\"a\":\"é\"}", true },
		{ "a", V("s:caf?"), "{\"a\":\"café\"}", true },
		{ "a", V("s:caf??"), "{\"a\":\"café\"}", false },
		{ "a", V("s:*??"), "{\"a\":\"é\"}", false },
		{ "a", V("s:prog?.exe"), "{\"a\":\"progA.exe\"}", true },
		{ "a", V("s:prog?.exe"), "{\"a\":\"prog.exe\"}", false },
		{ "a", V("s:antivirus_V*.exe"), "{\"a\":\"antivirus_V21.2.1.exe\"}", true },
		{ "a", V("s:a*b*c"), "{\"a\":\"aXbYbZc\"}", true },
		{ "a", V("s:a*b*c"), "{\"a\":\"aXbYbZ\"}", false },
		{ "a", V("s:*a?c*"), "{\"a\":\"xxABCxx\"}", true },
		{ "a", V("s:*\\\\temp\\\\*.ps1"), "{\"a\":\"C:\\\\TEMP\\\\x\\\\y.PS1\"}", true },
		{ "a", V("s:*.exe"), "{\"a\":\"exe\"}", false },
		{ "a", V("s:x*"), "{\"a\":\"x\"}", true },
		/* Literals between stars: leftmost, anchored at the ends unless starred. */
		{ "a", V("s:ab*ab"), "{\"a\":\"ab\"}", false },
		{ "a", V("s:ab*ab"), "{\"a\":\"abab\"}", true },
		{ "a", V("s:ab*ba"), "{\"a\":\"aba\"}", false },
		{ "a", V("s:*ab*ab"), "{\"a\":\"xAbyAB\"}", true },
		{ "a", V("s:*x*y*z*"), "{\"a\":\"zyxxyz\"}", true },
		{ "a", V("s:*x*y*z*"), "{\"a\":\"zyxzy\"}", false },
		{ "a", V("s:a**b"), "{\"a\":\"ab\"}", true },
		/* Wildcards never match null, and nothing matches an absent field. */
		{ "a", V("s:*"), "{\"a\":null}", false },
		{ "a", V("s:*"), "{\"b\":\"x\"}", false },
	};
	RUN(t);
}

static void glob_is_linear(void **state)
{
	(void)state;
	/* A pattern that makes naive backtracking exponential. */
	char pat[200], text[20001];
	size_t p = 0;
	for (int i = 0; i < 30; i++) {
		pat[p++] = '*';
		pat[p++] = 'a';
	}
	pat[p++] = '*';
	pat[p++] = 'b';
	pat[p++] = '?';
	pat[p] = '\0';
	memset(text, 'a', 20000);
	text[20000] = '\0';
	ls_wild_unit u[200];
	for (size_t i = 0; i < p; i++)
		u[i] = pat[i] == '*'   ? LS_WILD_STAR
		       : pat[i] == '?' ? LS_WILD_ONE
		                       : (ls_wild_unit)(unsigned char)pat[i];
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_wild w, w2;
	ls_wild_compile(&w, u, p, false, &a);
	ls_wild_compile(&w2, u, p - 1, false, &a); /* without the '?' */
	assert_int_equal(w.kind, LS_WILD_GLOB);
	assert_int_equal(w2.kind, LS_WILD_SEGMENTS);
	double t0 = now_seconds();
	assert_false(ls_wild_match(&w, text, 20000));
	assert_false(ls_wild_match(&w2, text, 20000));
	text[19998] = 'B';
	assert_true(ls_wild_match(&w, text, 20000));
	assert_false(ls_wild_match(&w2, text, 20000));
	text[19998] = 'a';
	text[19999] = 'B';
	assert_false(ls_wild_match(&w, text, 20000));
	assert_true(ls_wild_match(&w2, text, 20000));
	assert_true(now_seconds() - t0 < 2.0);
	ls_arena_fini(&a);
}

static void wildcard_shapes_and_search(void **state)
{
	(void)state;
	ls_arena a;
	ls_arena_init(&a, 0);
	struct {
		const char *pat;
		ls_wild_kind kind;
	} shapes[] = {
		{ "abc", LS_WILD_EXACT },        { "abc*", LS_WILD_PREFIX },
		{ "*abc", LS_WILD_SUFFIX },      { "*abc*", LS_WILD_CONTAINS },
		{ "**abc**", LS_WILD_CONTAINS }, { "*", LS_WILD_ANY },
		{ "***", LS_WILD_ANY },          { "*a*b*", LS_WILD_SEGMENTS },
		{ "a*?", LS_WILD_GLOB },         { "a*c", LS_WILD_SEGMENTS },
		{ "a?c", LS_WILD_GLOB },         { "", LS_WILD_EXACT },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		ls_wild_unit u[16];
		size_t n = strlen(shapes[i].pat);
		for (size_t k = 0; k < n; k++)
			u[k] = shapes[i].pat[k] == '*'   ? LS_WILD_STAR
			       : shapes[i].pat[k] == '?' ? LS_WILD_ONE
			                                 : (ls_wild_unit)shapes[i].pat[k];
		ls_wild w;
		ls_wild_compile(&w, u, n, false, &a);
		assert_int_equal(w.kind, shapes[i].kind);
	}
	/* The searches, folded and not, at every position including the ends. */
	static const unsigned char lowered[] = "\\cmd.exe";
	assert_non_null(ls_mem_find_folded("x\\CMD.EXE", 9, lowered, 8));
	assert_null(ls_mem_find_folded("\\CMD.EX", 7, lowered, 8));
	assert_non_null(ls_mem_find_folded("ab", 2, (const unsigned char *)"", 0));
	const char *h = "aaaaBAB";
	assert_ptr_equal(ls_mem_find_folded(h, 7, (const unsigned char *)"bab", 3), h + 4);
	assert_null(ls_mem_find_folded(h, 6, (const unsigned char *)"bab", 3));
	assert_ptr_equal(ls_mem_find_nocase(h, 7, "AbA", 3), h + 3);
	assert_null(ls_mem_find_nocase(h, 7, "abc", 3));
	assert_true(ls_mem_eq_folded("HeLLo", (const unsigned char *)"hello", 5));
	ls_arena_fini(&a);
}

/* A plain recursive matcher over ASCII, as the reference for the fast shapes. */
static bool ref_match(const char *p, const char *t, bool cased)
{
	if (*p == '\0')
		return *t == '\0';
	if (*p == '*')
		return ref_match(p + 1, t, cased) || (*t && ref_match(p, t + 1, cased));
	if (*t == '\0')
		return false;
	if (*p == '?')
		return ref_match(p + 1, t + 1, cased);
	char a = *p, b = *t;
	if (!cased) {
		a = (char)ls_ascii_lower((unsigned char)a);
		b = (char)ls_ascii_lower((unsigned char)b);
	}
	return a == b && ref_match(p + 1, t + 1, cased);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void wildcard_agrees_with_reference(void **state)
{
	(void)state;
	static const char pat_chars[] = "aAb*?";
	static const char text_chars[] = "aAbB";
	uint32_t seed = 2463534242u;
	ls_arena a;
	ls_arena_init(&a, 0);
	size_t bad = 0;
	for (int round = 0; round < 20000; round++) {
		char pat[9], text[11];
		size_t pn = xorshift(&seed) % 9, tn = xorshift(&seed) % 11;
		for (size_t i = 0; i < pn; i++)
			pat[i] = pat_chars[xorshift(&seed) % 5];
		for (size_t i = 0; i < tn; i++)
			text[i] = text_chars[xorshift(&seed) % 4];
		pat[pn] = text[tn] = '\0';
		ls_wild_unit u[9];
		for (size_t i = 0; i < pn; i++)
			u[i] = pat[i] == '*'   ? LS_WILD_STAR
			       : pat[i] == '?' ? LS_WILD_ONE
			                       : (ls_wild_unit)pat[i];
		for (int cased = 0; cased < 2; cased++) {
			ls_wild w;
			ls_wild_compile(&w, u, pn, cased, &a);
			bool want = ref_match(pat, text, cased);
			if (ls_wild_match(&w, text, tn) != want) {
				print_error("'%s' on '%s' (cased %d, kind %d): want %d\n", pat,
				            text, cased, (int)w.kind, want);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
	ls_arena_fini(&a);
}

/* ------------------------------------------------------ string modifiers */

static void contains_startswith_endswith(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "c|contains", V("s:WHOAMI"), "{\"c\":\"cmd /c whoami /all\"}", true },
		{ "c|contains", V("s:whoami"), "{\"c\":\"who ami\"}", false },
		{ "c|contains", V("s:"), "{\"c\":\"\"}", true },
		{ "c|contains", V("s:a*c"), "{\"c\":\"xxabbbcxx\"}", true },
		{ "c|contains", V("s:\\*"), "{\"c\":\"a*b\"}", true },
		{ "c|contains", V("s:\\*"), "{\"c\":\"ab\"}", false },
		{ "c|contains", V("s:1.2"), "{\"c\":31.25}", true },
		{ "c|startswith", V("s:C:\\Windows\\"), "{\"c\":\"c:\\\\windows\\\\x.exe\"}",
		  true },
		{ "c|startswith", V("s:C:\\Windows\\"), "{\"c\":\"D:\\\\windows\\\\x.exe\"}",
		  false },
		{ "c|startswith", V("s:abc"), "{\"c\":\"ab\"}", false },
		{ "c|endswith", V("s:\\cmd.exe"), "{\"c\":\"C:\\\\Windows\\\\CMD.EXE\"}", true },
		{ "c|endswith", V("s:\\cmd.exe"), "{\"c\":\"C:\\\\Windows\\\\xcmd.exe\"}", false },
		{ "c|endswith", V("s:.exe"), "{\"c\":\"a.exe.txt\"}", false },
		/* A wildcard the value already has is kept. */
		{ "c|endswith", V("s:*.exe"), "{\"c\":\"a.exe\"}", true },
		{ "c|startswith", V("s:a?c"), "{\"c\":\"abcdef\"}", true },
		/* A number is matched by its text under string modifiers. */
		{ "c|startswith", V("n:46"), "{\"c\":4624}", true },
		{ "c|endswith", V("n:24"), "{\"c\":\"4624\"}", true },
		/* A boolean likewise. */
		{ "c|contains", V("b:true"), "{\"c\":\"it is TRUE\"}", true },
	};
	RUN(t);
}

static void cased(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "c|cased", V("s:Admin"), "{\"c\":\"Admin\"}", true },
		{ "c|cased", V("s:Admin"), "{\"c\":\"admin\"}", false },
		{ "c|cased|contains", V("s:IEX"), "{\"c\":\"powershell IEX(x)\"}", true },
		{ "c|cased|contains", V("s:IEX"), "{\"c\":\"powershell iex(x)\"}", false },
		{ "c|contains|cased", V("s:IEX"), "{\"c\":\"powershell iex(x)\"}", false },
		{ "c|cased|startswith", V("s:Ab"), "{\"c\":\"Abc\"}", true },
		{ "c|cased|endswith", V("s:Bc"), "{\"c\":\"abc\"}", false },
		{ "c|cased", V("s:a?C*"), "{\"c\":\"axCyy\"}", true },
		{ "c|cased", V("s:a?C*"), "{\"c\":\"axcyy\"}", false },
		{ "c|cased", V("s:A*C*E"), "{\"c\":\"ABCDE\"}", true },
		{ "c|cased", V("s:A*C*E"), "{\"c\":\"ABcDE\"}", false },
		{ "c|cased", V("s:*C*"), "{\"c\":\"abc\"}", false },
	};
	RUN(t);
}

static void all_and_arrays(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "c|contains|all", V("s:-nop", "s:-enc"), "{\"c\":\"ps -enc x -nop\"}", true },
		{ "c|contains|all", V("s:-nop", "s:-enc"), "{\"c\":\"ps -enc x\"}", false },
		{ "c|all|contains", V("s:a", "s:b", "s:c"), "{\"c\":\"cab\"}", true },
		/* A repeated field (a JSON array): any element satisfies a plain value. */
		{ "t", V("s:b"), "{\"t\":[\"a\",\"b\",\"c\"]}", true },
		{ "t", V("s:d"), "{\"t\":[\"a\",\"b\",\"c\"]}", false },
		{ "t|contains", V("s:x"), "{\"t\":[\"a\",\"bxb\"]}", true },
		/* With all, each value may be matched by a different element. */
		{ "t|all", V("s:a", "s:c"), "{\"t\":[\"a\",\"b\",\"c\"]}", true },
		{ "t|all", V("s:a", "s:d"), "{\"t\":[\"a\",\"b\",\"c\"]}", false },
		/* Arrays of objects flatten to repeated dotted names. */
		{ "p.x", V("n:2"), "{\"p\":[{\"x\":1},{\"x\":2}]}", true },
		/* An empty array is an absent field. */
		{ "t", V("null"), "{\"t\":[]}", true },
		{ "t|exists", V("b:false"), "{\"t\":[]}", true },
		/* Duplicate keys are repeated fields too. */
		{ "a", V("n:2"), "{\"a\":1,\"a\":2}", true },
	};
	RUN(t);
}

static void windash(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "c|windash|contains", V("s: -enc "), "{\"c\":\"ps -enc x\"}", true },
		{ "c|windash|contains", V("s: -enc "), "{\"c\":\"ps /enc x\"}", true },
		{ "c|windash|contains", V("s: -enc "), "{\"c\":\"ps \u2013enc x\"}", true },
		{ "c|windash|contains", V("s: -enc "), "{\"c\":\"ps \u2014enc x\"}", true },
		{ "c|windash|contains", V("s: -enc "), "{\"c\":\"ps \u2015enc x\"}", true },
		{ "c|windash|contains", V("s: -enc "), "{\"c\":\"ps _enc x\"}", false },
		{ "c|contains|windash", V("s: /c "), "{\"c\":\"cmd -c dir\"}", true },
		/* At the start of the value. */
		{ "c|windash", V("s:-x"), "{\"c\":\"/x\"}", true },
		/* Every combination of two flags. */
		{ "c|windash|contains", V("s:-a -b"), "{\"c\":\"/a \u2014b\"}", true },
		/* Every dash, inside a word too, in every form (the specification). */
		{ "c|windash", V("s:a-b"), "{\"c\":\"a/b\"}", true },
		{ "c|windash", V("s:a-b"), "{\"c\":\"a-b\"}", true },
		{ "c|windash", V("s:a-b"), "{\"c\":\"a_b\"}", false },
		{ "c|windash", V("s:x --y"), "{\"c\":\"x -/y\"}", true },
		{ "c|windash", V("s:x --y"), "{\"c\":\"x //y\"}", true },
		{ "c|windash", V("s:x --y"), "{\"c\":\"x -y\"}", false },
		/* A dash form written in the rule matches the others. */
		{ "c|windash|contains", V("s: \u2013enc "), "{\"c\":\"ps /enc x\"}", true },
		/* '?' takes one character: an en dash counts as one. */
		{ "c|windash", V("s:a?b"), "{\"c\":\"a\u2013b\"}", true },
		/* Case still folds; only dashes are interchangeable. */
		{ "c|windash|contains", V("s:-ENC"), "{\"c\":\"ps /enc x\"}", true },
		/* Before an encoding: variants, every dash in all five forms. */
		{ "c|windash|base64", V("s:a-b"), "{\"c\":\"YS9i\"}", true },
		/* After a wildcard counts as the start. */
		{ "c|windash", V("s:*-x"), "{\"c\":\"cmd /x\"}", true },
	};
	RUN(t);
}

static void base64_and_utf16(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "c|base64", V("s:whoami /all"), "{\"c\":\"d2hvYW1pIC9hbGw=\"}", true },
		{ "c|base64|contains", V("s:whoami /all"), "{\"c\":\"x d2hvYW1pIC9hbGw= y\"}",
		  true },
		{ "c|base64", V("s:whoami /all"), "{\"c\":\"d2hvYW1pIC9hbGw\"}", false },
		/* base64offset finds the value at each of the three byte offsets. */
		{ "c|base64offset|contains", V("s:Invoke-Expression"),
		  "{\"c\":\"SW52b2tlLUV4cHJlc3Npb24oeCk=\"}", true },
		{ "c|base64offset|contains", V("s:Invoke-Expression"),
		  "{\"c\":\"YUludm9rZS1FeHByZXNzaW9uKHgp\"}", true },
		{ "c|base64offset|contains", V("s:Invoke-Expression"),
		  "{\"c\":\"YWJJbnZva2UtRXhwcmVzc2lvbih4KQ==\"}", true },
		{ "c|base64offset|contains", V("s:Invoke-Expression"),
		  "{\"c\":\"SW52b2tlLUV4cHJlc3Npb\"}", false },
		/* The offset variants themselves (pySigma's). */
		{ "c|base64offset", V("s:Invoke-Expression"), "{\"c\":\"SW52b2tlLUV4cHJlc3Npb2\"}",
		  true },
		{ "c|base64offset", V("s:Invoke-Expression"), "{\"c\":\"ludm9rZS1FeHByZXNzaW9u\"}",
		  true },
		{ "c|base64offset", V("s:Invoke-Expression"), "{\"c\":\"JbnZva2UtRXhwcmVzc2lvb\"}",
		  true },
		/* UTF-16LE (wide) before Base64: PowerShell's -EncodedCommand. */
		{ "c|wide|base64offset|contains", V("s:IEX (New-Object"),
		  "{\"c\":\"powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA\"}", true },
		{ "c|utf16le|base64offset|contains", V("s:IEX (New-Object"),
		  "{\"c\":\"YQBJAEUAWAAgACgATgBlAHcALQBPAGIAagBlAGMAdAA=\"}", true },
		{ "c|wide|base64offset|contains", V("s:IEX (New-Object"),
		  "{\"c\":\"YQBiAEkARQBYACAAKABOAGUAdwAtAE8AYgBqAGUAYwB0AA==\"}", true },
		{ "c|utf16be|base64", V("s:cmd"), "{\"c\":\"AGMAbQBk\"}", true },
		{ "c|utf16|base64", V("s:cmd"), "{\"c\":\"//5jAG0AZAA=\"}", true },
		/* On their own, the encodings compare the encoded bytes. */
		{ "c|utf16le|contains", V("s:cmd"), "{\"c\":\"x c\\u0000m\\u0000d\\u0000 y\"}", true },
		{ "c|utf16le|contains", V("s:cmd"), "{\"c\":\"x cmd y\"}", false },
		{ "c|utf16be", V("s:ab"), "{\"c\":\"\\u0000a\\u0000b\"}", true },
		{ "c|wide|contains", V("s:AB"), "{\"c\":\"a\\u0000b\\u0000\"}", true },
		{ "c|wide|base64", V("s:é"), "{\"c\":\"6QA=\"}", true },
		/* A character outside the BMP becomes a surrogate pair. */
		{ "c|utf16le|base64", V("s:\xf0\x9f\x98\x80"), "{\"c\":\"PdgA3g==\"}", true },
		/* An escaped wildcard is a literal character and can be encoded. */
		{ "c|base64", V("s:a\\*"), "{\"c\":\"YSo=\"}", true },
		/* Matching stays case-insensitive unless cased. */
		{ "c|base64", V("s:whoami /all"), "{\"c\":\"D2HVYW1PIC9HBGW=\"}", true },
		{ "c|base64|cased", V("s:whoami /all"), "{\"c\":\"D2HVYW1PIC9HBGW=\"}", false },
	};
	RUN(t);
}

/* ------------------------------------------------- null, empty and absent */

static void null_empty_absent(void **state)
{
	(void)state;
	static const vcase t[] = {
		/* field: null matches JSON null and an absent field. */
		{ "a", V("null"), "{\"a\":null}", true },
		{ "a", V("null"), "{\"b\":1}", true },
		{ "a", V("null"), "{\"a\":\"\"}", false },
		{ "a", V("null"), "{\"a\":\"null\"}", false },
		{ "a", V("null"), "{\"a\":[\"x\",null]}", true },
		/* field: '' matches only an empty string. */
		{ "a", V("s:"), "{\"a\":\"\"}", true },
		{ "a", V("s:"), "{\"a\":null}", false },
		{ "a", V("s:"), "{\"b\":\"\"}", false },
		{ "a", V("s:"), "{\"a\":\" \"}", false },
		/* exists: present with any type, null included. */
		{ "a|exists", V("b:true"), "{\"a\":null}", true },
		{ "a|exists", V("b:true"), "{\"a\":\"\"}", true },
		{ "a|exists", V("b:true"), "{\"b\":1}", false },
		{ "a|exists", V("b:false"), "{\"b\":1}", true },
		{ "a|exists", V("b:false"), "{\"a\":false}", false },
		{ "a|exists", V("s:true"), "{\"a\":1}", true },
		{ "a|exists", V("s:FALSE"), "{\"a\":1}", false },
		/* Nested objects are present under their dotted names. */
		{ "a.b|exists", V("b:true"), "{\"a\":{\"b\":null}}", true },
		{ "a|exists", V("b:true"), "{\"a\":{\"b\":1}}", false },
	};
	RUN(t);
}

/* ------------------------------------------------- numbers and booleans */

static void numbers(void **state)
{
	(void)state;
	static const vcase t[] = {
		/* A rule number matches a number or numeric string of equal value. */
		{ "id", V("n:5"), "{\"id\":5}", true },
		{ "id", V("n:5"), "{\"id\":\"5\"}", true },
		{ "id", V("n:5"), "{\"id\":\"05\"}", true },
		{ "id", V("n:5"), "{\"id\":5.0}", true },
		{ "id", V("n:5"), "{\"id\":5e0}", true },
		{ "id", V("n:5"), "{\"id\":\"5.0\"}", true },
		{ "id", V("n:5"), "{\"id\":6}", false },
		{ "id", V("n:5"), "{\"id\":\" 5\"}", false },
		{ "id", V("n:5"), "{\"id\":\"5a\"}", false },
		{ "id", V("n:5"), "{\"id\":true}", false },
		{ "id", V("n:5"), "{\"id\":null}", false },
		{ "id", V("n:-1"), "{\"id\":-1}", true },
		{ "id", V("n:1.5"), "{\"id\":\"1.50\"}", true },
		/* Large integers compare exactly. */
		{ "id", V("n:9007199254740993"), "{\"id\":9007199254740992}", false },
		{ "id", V("n:9007199254740993"), "{\"id\":\"9007199254740993\"}", true },
		/* A rule string is text: '5' matches 5 but not 5.0. */
		{ "id", V("s:5"), "{\"id\":5}", true },
		{ "id", V("s:5"), "{\"id\":5.0}", false },
		{ "id", V("s:5"), "{\"id\":\"05\"}", false },
		/* A number YAML wrote in another base falls back to its text. */
		{ "id", V("n:0x1F"), "{\"id\":\"0x1f\"}", true },
		{ "EventID", V("n:4624", "n:4625"), "{\"EventID\":4625}", true },
	};
	RUN(t);
}

static void booleans(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "ok", V("b:true"), "{\"ok\":true}", true },
		{ "ok", V("b:true"), "{\"ok\":false}", false },
		{ "ok", V("b:false"), "{\"ok\":false}", true },
		{ "ok", V("b:true"), "{\"ok\":\"True\"}", true },
		{ "ok", V("b:true"), "{\"ok\":1}", false },
		{ "ok", V("b:true"), "{\"ok\":null}", false },
		/* A quoted 'true' is a string and matches a boolean's text. */
		{ "ok", V("s:true"), "{\"ok\":true}", true },
		{ "ok", V("s:TRUE"), "{\"ok\":true}", true },
		{ "ok", V("s:tru*"), "{\"ok\":true}", true },
	};
	RUN(t);
}

/* ------------------------------------------------- field names and nesting */

static void field_names(void **state)
{
	(void)state;
	static const vcase t[] = {
		/* Dotted names are looked up as written; objects flatten into them. */
		{ "id.orig_h", V("s:10.0.0.1"), "{\"id\":{\"orig_h\":\"10.0.0.1\"}}", true },
		{ "id.orig_h", V("s:10.0.0.1"), "{\"id.orig_h\":\"10.0.0.1\"}", true },
		{ "a.b.c", V("n:1"), "{\"a\":{\"b\":{\"c\":1}}}", true },
		{ "a.b", V("n:1"), "{\"a\":{\"b\":{\"c\":1}}}", false },
		/* Exact name first, then an ASCII case-insensitive fallback. */
		{ "Image", V("s:x"), "{\"image\":\"x\"}", true },
		{ "Image", V("s:x"), "{\"image\":\"y\",\"Image\":\"x\"}", true },
		{ "Image", V("s:y"), "{\"image\":\"y\",\"Image\":\"x\"}", false },
		{ "IMAGE", V("s:x"), "{\"iMaGe\":\"x\"}", true },
		{ "Image|exists", V("b:true"), "{\"image\":\"x\"}", true },
	};
	RUN(t);
}

/* --------------------------------------------------------------- keywords */

static void keywords(void **state)
{
	(void)state;
	static const vcase t[] = {
		/* A keyword is a case-insensitive contains over every string or number value. */
		{ "", V("s:mimikatz"), "{\"a\":1,\"cmd\":\"run MIMIKATZ.exe\"}", true },
		{ "", V("s:mimikatz"), "{\"a\":1,\"cmd\":\"run mimi.exe\"}", false },
		{ "", V("s:4624"), "{\"EventID\":4624}", true },
		{ "", V("n:4624"), "{\"EventID\":\"x4624x\"}", true },
		/* Field names are not searched. */
		{ "", V("s:mimikatz"), "{\"mimikatz\":\"x\"}", false },
		/* Booleans and nulls are not searched. */
		{ "", V("s:true"), "{\"a\":true}", false },
		{ "", V("s:null"), "{\"a\":null}", false },
		/* Wildcards inside a keyword. */
		{ "", V("s:event::*clear"), "{\"m\":\"x event::log clear\"}", true },
		/* A list of keywords is an OR; |all an AND, over any fields. */
		{ "", V("s:foo", "s:bar"), "{\"m\":\"bar\"}", true },
		{ "|all", V("s:OabVirtualDirectory", "s: -ExternalUrl "),
		  "{\"a\":\"Set-OabVirtualDirectory\",\"b\":\"x -externalurl y\"}", true },
		{ "|all", V("s:OabVirtualDirectory", "s: -ExternalUrl "),
		  "{\"a\":\"Set-OabVirtualDirectory\"}", false },
		{ "|cased", V("s:Evil"), "{\"a\":\"evil\"}", false },
		{ "|cased", V("s:Evil"), "{\"a\":\"xEvil\"}", true },
		{ "|contains", V("s:evil"), "{\"a\":\"EVIL\"}", true },
		{ "|re", V("s:^ev.l$"), "{\"a\":\"x\",\"b\":\"evil\"}", true },
		{ "|windash", V("s: -enc"), "{\"a\":\"ps /enc\"}", true },
		{ "|base64offset", V("s:Invoke-Expression"),
		  "{\"a\":\"YUludm9rZS1FeHByZXNzaW9uKHgp\"}", true },
		{ "", V("s:x"), "{}", false },
	};
	RUN(t);
}

/* ------------------------------------------------------------------- re */

static void regexes(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "c|re", V("s:who.mi"), "{\"c\":\"cmd /c whoami\"}", true },
		/* Case-sensitive unless i; matches anywhere unless anchored. */
		{ "c|re", V("s:WHOAMI"), "{\"c\":\"whoami\"}", false },
		{ "c|re|i", V("s:WHOAMI"), "{\"c\":\"whoami\"}", true },
		{ "c|re|ignorecase", V("s:WHOAMI"), "{\"c\":\"whoami\"}", true },
		{ "c|re", V("s:^whoami$"), "{\"c\":\"x whoami\"}", false },
		{ "c|re", V("s:^b$"), "{\"c\":\"a\\nb\"}", false },
		{ "c|re|m", V("s:^b$"), "{\"c\":\"a\\nb\"}", true },
		{ "c|re", V("s:a.b"), "{\"c\":\"a\\nb\"}", false },
		{ "c|re|s", V("s:a.b"), "{\"c\":\"a\\nb\"}", true },
		{ "c|re|i|m|s", V("s:^A.B$"), "{\"c\":\"x\\na\\nb\"}", true },
		{ "c|re", V("s:\\d{3,}"), "{\"c\":\"ab1234\"}", true },
		{ "c|re", V("s:[a-z]+\\.exe$"), "{\"c\":\"C:\\\\x\\\\evil.exe\"}", true },
		/* . is one character of UTF-8. */
		{ "c|re", V("s:^caf.$"), "{\"c\":\"café\"}", true },
		{ "c|re", V("s:a", "s:b"), "{\"c\":\"b\"}", true },
		{ "c|re|all", V("s:a", "s:b"), "{\"c\":\"b\"}", false },
		{ "c|re", V("s:."), "{\"c\":null}", false },
		{ "c|re", V("s:^5$"), "{\"c\":5}", true },
		{ "c|re", V("s:^$"), "{\"c\":\"\"}", true },
		{ "c|re", V("s:x"), "{\"d\":\"x\"}", false },
	};
	RUN(t);
}

static void regex_match_limit(void **state)
{
	(void)state;
	ls_sig_leaf *l = compile_ok("c|re", (const char *[]){ "s:^(a|aa)+$", NULL });
	ls_sig_leaf *l2 = compile_ok("c|re", (const char *[]){ "s:^(\\w+\\s?)*$", NULL });
	char json[200];
	memcpy(json, "{\"c\":\"", 6);
	memset(json + 6, 'a', 120);
	memcpy(json + 126, "!\"}", 4);
	double t0 = now_seconds();
	assert_false(leaf_matches(l, json));
	assert_false(leaf_matches(l2, json));
	double dt = now_seconds() - t0;
	assert_true(dt < 1.0);
	/* Explain says why. */
	parsed p;
	parse_event(&p, json);
	ls_buf b = LS_BUF_INIT;
	ls_sig_leaf_explain(l, &p.ev, 0, &b);
	assert_non_null(strstr(b.data, "(regex match limit reached)"));
	ls_buf_fini(&b);
	parsed_fini(&p);
	/* The same pattern still matches a short subject. */
	assert_true(leaf_matches(l, "{\"c\":\"aaaa\"}"));
	ls_sig_leaf_free(l);
	ls_sig_leaf_free(l2);
}

/* Several threads share one compiled leaf (each gets its own match data). */
static void *thread_body(void *arg)
{
	const ls_sig_leaf *l = arg;
	parsed yes, no;
	parse_event(&yes, "{\"c\":\"cmd /c WhoAmI\"}");
	parse_event(&no, "{\"c\":\"cmd /c dir\"}");
	size_t ok = 0;
	for (int i = 0; i < 2000; i++)
		ok += ls_sig_leaf_match(l, &yes.ev) && !ls_sig_leaf_match(l, &no.ev);
	parsed_fini(&yes);
	parsed_fini(&no);
	return (void *)(uintptr_t)ok;
}

static void regex_leaf_shared_by_threads(void **state)
{
	(void)state;
	ls_sig_leaf *l = compile_ok("c|re|i", (const char *[]){ "s:who(am)?i", NULL });
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_body, l), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		assert_int_equal(pthread_join(th[i], &r), 0);
		assert_int_equal((uintptr_t)r, 2000);
	}
	ls_sig_leaf_free(l);
}

/* -------------------------------------------------------- numeric, cidr */

static void comparisons(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "n|lt", V("n:10"), "{\"n\":9}", true },
		{ "n|lt", V("n:10"), "{\"n\":10}", false },
		{ "n|lte", V("n:10"), "{\"n\":10}", true },
		{ "n|gt", V("n:10"), "{\"n\":10.5}", true },
		{ "n|gt", V("n:10"), "{\"n\":\"11\"}", true },
		{ "n|gte", V("n:10"), "{\"n\":\"9.99\"}", false },
		{ "n|gte", V("n:-1.5"), "{\"n\":-1.5}", true },
		{ "n|gt", V("n:1e3"), "{\"n\":1001}", true },
		/* Non-numeric values never match. */
		{ "n|lt", V("n:10"), "{\"n\":\"five\"}", false },
		{ "n|lt", V("n:10"), "{\"n\":\"\"}", false },
		{ "n|lt", V("n:10"), "{\"n\":null}", false },
		{ "n|lt", V("n:10"), "{\"n\":true}", false },
		{ "n|lt", V("n:10"), "{\"m\":1}", false },
		/* Any element of an array. */
		{ "n|gt", V("n:10"), "{\"n\":[1,20]}", true },
		/* Several values: any, or with all every one. */
		{ "n|gt", V("n:100", "n:5"), "{\"n\":6}", true },
		{ "n|gt|all", V("n:100", "n:5"), "{\"n\":6}", false },
		{ "bytes|gte", V("n:1048576"), "{\"bytes\":2685118}", true },
		{ "n|lt", V("n:9223372036854775807"), "{\"n\":9223372036854775806}", true },
	};
	RUN(t);
}

static void cidr(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":\"10.20.30.40\"}", true },
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":\"11.0.0.1\"}", false },
		{ "ip|cidr", V("s:192.168.0.0/23"), "{\"ip\":\"192.168.1.255\"}", true },
		{ "ip|cidr", V("s:192.168.1.0/24"), "{\"ip\":\"192.168.0.255\"}", false },
		{ "ip|cidr", V("s:0.0.0.0/0"), "{\"ip\":\"8.8.8.8\"}", true },
		{ "ip|cidr", V("s:198.51.100.7"), "{\"ip\":\"198.51.100.7\"}", true },
		{ "ip|cidr", V("s:198.51.100.7"), "{\"ip\":\"198.51.100.8\"}", false },
		{ "ip|cidr", V("s:2001:db8::/32"), "{\"ip\":\"2001:DB8:1::5\"}", true },
		{ "ip|cidr", V("s:2001:db8::/33"), "{\"ip\":\"2001:db8:8000::1\"}", false },
		{ "ip|cidr", V("s:fe80::/10"), "{\"ip\":\"febf::1\"}", true },
		/* No matching across families, and a non-address never matches. */
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":\"::ffff:10.0.0.1\"}", false },
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":\"10.0.0.1:443\"}", false },
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":\"host.example\"}", false },
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":\"\"}", false },
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":null}", false },
		{ "ip|cidr", V("s:10.0.0.0/8", "s:192.0.2.0/24"), "{\"ip\":\"192.0.2.9\"}", true },
		{ "ip|cidr", V("s:10.0.0.0/8"), "{\"ip\":[\"1.1.1.1\",\"10.1.1.1\"]}", true },
	};
	RUN(t);
}

/* ---------------------------------------------------------- neq, fieldref */

static void neq(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "u|neq", V("s:root"), "{\"u\":\"alice\"}", true },
		{ "u|neq", V("s:root"), "{\"u\":\"ROOT\"}", false },
		{ "u|neq", V("s:root", "s:admin"), "{\"u\":\"admin\"}", false },
		{ "u|neq", V("s:root", "s:admin"), "{\"u\":\"bob\"}", true },
		/* An absent field is not "different": neq is false. */
		{ "u|neq", V("s:root"), "{\"x\":1}", false },
		/* A null field is present and different. */
		{ "u|neq", V("s:root"), "{\"u\":null}", true },
		{ "u|neq", V("null"), "{\"u\":null}", false },
		{ "u|neq", V("null"), "{\"u\":\"x\"}", true },
		/* Repeated: no element may equal any value. */
		{ "u|neq", V("s:root"), "{\"u\":[\"a\",\"root\"]}", false },
		{ "n|neq", V("n:5"), "{\"n\":\"5.0\"}", false },
		{ "n|neq", V("n:5"), "{\"n\":6}", true },
		{ "u|neq|cased", V("s:root"), "{\"u\":\"ROOT\"}", true },
		{ "u|neq|contains", V("s:adm"), "{\"u\":\"sysadmin\"}", false },
		{ "u|re|neq", V("s:^r"), "{\"u\":\"bob\"}", true },
		{ "ip|cidr|neq", V("s:10.0.0.0/8"), "{\"ip\":\"192.0.2.1\"}", true },
		{ "ts|hour|neq", V("n:3"), "{\"ts\":\"2026-03-02T03:10:00Z\"}", false },
	};
	RUN(t);
}

static void fieldref(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "a|fieldref", V("s:b"), "{\"a\":\"Bob\",\"b\":\"bob\"}", true },
		{ "a|fieldref", V("s:b"), "{\"a\":\"Bob\",\"b\":\"alice\"}", false },
		{ "a|fieldref|cased", V("s:b"), "{\"a\":\"Bob\",\"b\":\"bob\"}", false },
		{ "a|fieldref", V("s:b"), "{\"a\":\"x\"}", false },
		{ "a|fieldref", V("s:b"), "{\"b\":\"x\"}", false },
		{ "a|fieldref", V("s:b"), "{\"a\":null,\"b\":null}", false },
		{ "a|fieldref", V("s:b"), "{\"a\":5,\"b\":\"5\"}", true },
		{ "a|fieldref", V("s:b"), "{\"a\":[\"x\",\"y\"],\"b\":[\"z\",\"Y\"]}", true },
		{ "a|fieldref", V("s:B.c"), "{\"a\":\"x\",\"b\":{\"c\":\"x\"}}", true },
		{ "a|fieldref|startswith", V("s:b"),
		  "{\"a\":\"C:\\\\Users\\\\x\",\"b\":\"c:\\\\users\"}", true },
		{ "a|fieldref|endswith", V("s:b"), "{\"a\":\"evil.EXE\",\"b\":\".exe\"}", true },
		{ "a|fieldref|endswith", V("s:b"), "{\"a\":\"evil.EXE\",\"b\":\"evil\"}", false },
		{ "a|fieldref|contains", V("s:b"), "{\"a\":\"xxUSERyy\",\"b\":\"user\"}", true },
		{ "a|fieldref|contains|cased", V("s:b"), "{\"a\":\"xxUSERyy\",\"b\":\"user\"}",
		  false },
		{ "a|fieldref|neq", V("s:b"), "{\"a\":\"x\",\"b\":\"y\"}", true },
		{ "a|fieldref|neq", V("s:b"), "{\"a\":\"x\",\"b\":\"X\"}", false },
		{ "a|fieldref|neq", V("s:b"), "{\"a\":\"x\"}", true },
		/* The referenced value is literal: its '*' is not a wildcard. */
		{ "a|fieldref", V("s:b"), "{\"a\":\"abc\",\"b\":\"a*\"}", false },
	};
	RUN(t);
}

/* ---------------------------------------------------------------- expand */

static void expand(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "h|expand", V("s:%Servers%"), "{\"h\":\"srv-web1\"}", true },
		{ "h|expand", V("s:%Servers%"), "{\"h\":\"db01\"}", true },
		{ "h|expand", V("s:%Servers%"), "{\"h\":\"laptop\"}", false },
		{ "h|expand|startswith", V("s:%users%@"), "{\"h\":\"bob@example.test\"}", true },
		/* Several placeholders: every combination. */
		{ "h|expand", V("s:%users%-%Servers%"), "{\"h\":\"root-srv-1\"}", true },
		{ "h|expand", V("s:%users%-%Servers%"), "{\"h\":\"alice-DB01\"}", true },
		{ "h|expand", V("s:%users%-%Servers%"), "{\"h\":\"eve-DB01\"}", false },
		/* \% is a plain percent sign. */
		{ "h|expand", V("s:\\%users%"), "{\"h\":\"%users%\"}", true },
		{ "h|expand", V("s:50\\%"), "{\"h\":\"50%\"}", true },
		/* Not a placeholder name: literal. */
		{ "h|expand", V("s:%a b%"), "{\"h\":\"%A B%\"}", true },
		{ "h|expand", V("s:100%"), "{\"h\":\"100%\"}", true },
		/* expand then windash, in the order written. */
		{ "h|expand|windash", V("s:-u %users%"), "{\"h\":\"/u bob\"}", true },
	};
	RUN(t);
}

/* ------------------------------------------------------------ time parts */

static void time_parts(void **state)
{
	(void)state;
	static const vcase t[] = {
		{ "ts|hour", V("n:3"), "{\"ts\":\"2026-03-02T03:59:59Z\"}", true },
		{ "ts|hour", V("n:3"), "{\"ts\":\"2026-03-02T04:00:00Z\"}", false },
		/* Offsets are converted to UTC first. */
		{ "ts|hour", V("n:3"), "{\"ts\":\"2026-03-02T11:00:00+08:00\"}", true },
		{ "ts|minute", V("n:16"), "{\"ts\":\"2026-03-03T12:16:09.260986Z\"}", true },
		{ "ts|day", V("n:3"), "{\"ts\":\"2026-03-03T12:16:09Z\"}", true },
		{ "ts|month", V("n:3"), "{\"ts\":\"2026-03-03T12:16:09Z\"}", true },
		{ "ts|year", V("n:2026"), "{\"ts\":\"2026-03-03T12:16:09Z\"}", true },
		/* ISO 8601 weeks: 2026-01-01 is a Thursday, so it is in week 1. */
		{ "ts|week", V("n:1"), "{\"ts\":\"2026-01-01T00:00:00Z\"}", true },
		{ "ts|week", V("n:10"), "{\"ts\":\"2026-03-02T00:00:00Z\"}", true },
		{ "ts|week", V("n:53"), "{\"ts\":\"2021-01-03T00:00:00Z\"}", true },
		{ "ts|week", V("n:53"), "{\"ts\":\"2026-12-31T00:00:00Z\"}", true },
		{ "ts|week", V("n:1"), "{\"ts\":\"2024-12-30T00:00:00Z\"}", true },
		/* Zeek epoch seconds, as a number or a string. */
		{ "ts|hour", V("n:22"), "{\"ts\":1700000000.123456}", true },
		{ "ts|year", V("n:2023"), "{\"ts\":\"1700000000\"}", true },
		/* Sysmon's UtcTime (no offset) is UTC. */
		{ "UtcTime|hour", V("n:10"), "{\"UtcTime\":\"2026-03-02 10:00:00.123\"}", true },
		/* Combined with comparisons: after hours. */
		{ "ts|hour|gte", V("n:18"), "{\"ts\":\"2026-03-03T19:00:00Z\"}", true },
		{ "ts|gte|hour", V("n:18"), "{\"ts\":\"2026-03-03T17:59:59Z\"}", false },
		{ "ts|hour|lt", V("n:7", "n:0"), "{\"ts\":\"2026-03-03T06:00:00Z\"}", true },
		/* Not a timestamp: never matches. */
		{ "ts|hour", V("n:3"), "{\"ts\":\"yesterday\"}", false },
		{ "ts|hour", V("n:3"), "{\"ts\":null}", false },
		{ "ts|hour", V("n:0"), "{\"ts\":\"\"}", false },
	};
	RUN(t);
}

/* ------------------------------------------------------------ compile errors */

static void compile_errors(void **state)
{
	(void)state;
	/* Key "a|..." at 3:9: the modifier after "a|" is at column 11. */
	static const ecase t[] = {
		{ "a|contians", V("s:x"), LS_ERR_UNSUPPORTED, 3, 11,
		  "unknown modifier 'contians'" },
		{ "a|Contains", V("s:x"), LS_ERR_UNSUPPORTED, 3, 11,
		  "unknown modifier 'Contains'" },
		{ "a|contains|contains", V("s:x"), LS_ERR_PARSE, 3, 20,
		  "modifier 'contains' is given twice" },
		{ "a|contains|startswith", V("s:x"), LS_ERR_PARSE, 3, 20,
		  "modifiers 'contains' and 'startswith' cannot be combined" },
		{ "a|lt|contains", V("n:1"), LS_ERR_PARSE, 3, 14,
		  "modifiers 'lt' and 'contains' cannot be combined" },
		{ "a|lt|gt", V("n:1"), LS_ERR_PARSE, 3, 14,
		  "modifiers 'lt' and 'gt' cannot be combined" },
		{ "a|re|cidr", V("s:x"), LS_ERR_PARSE, 3, 14,
		  "modifiers 're' and 'cidr' cannot be combined" },
		{ "a|hour|minute", V("n:1"), LS_ERR_PARSE, 3, 16,
		  "modifiers 'hour' and 'minute' cannot be combined" },
		{ "a|re|i|ignorecase", V("s:x"), LS_ERR_PARSE, 3, 16,
		  "modifiers 'i' and 'ignorecase' cannot be combined: they mean the same" },
		{ "a|cidr", V("s:10.0.0.0/33"), LS_ERR_PARSE, 4, 13,
		  "modifier 'cidr': '10.0.0.0/33' is not a network" },
		{ "a|cidr", V("s:x", "s:::1/129"), LS_ERR_PARSE, 4, 13, "'x' is not a network" },
		{ "a|cidr", V("s:10.0.0.0/8", "s:::1/129"), LS_ERR_PARSE, 5, 13,
		  "'::1/129' is not a network" },
		{ "a|cidr", V("s:10.0.0.0/"), LS_ERR_PARSE, 4, 13, "is not a network" },
		{ "a|cidr", V("s:10.0.0.1/8"), LS_ERR_PARSE, 4, 13, "has host bits set" },
		{ "a|cidr", V("n:5"), LS_ERR_PARSE, 4, 13, "modifier 'cidr' needs a network" },
		{ "a|re", V("s:(ab"), LS_ERR_PARSE, 4, 13,
		  "modifier 're': missing closing parenthesis at offset 3" },
		{ "a|re", V("s:a", "s:[z-a]"), LS_ERR_PARSE, 5, 13,
		  "modifier 're': range out of order" },
		{ "a|re", V("null"), LS_ERR_PARSE, 4, 13, "modifier 're' needs a pattern" },
		{ "a|expand", V("s:%admins%"), LS_ERR_PARSE, 4, 13,
		  "modifier 'expand': no placeholder 'admins'" },
		{ "a|expand", V("s:%none%"), LS_ERR_PARSE, 4, 13,
		  "placeholder 'none' has no values" },
		{ "a|expand", V("s:%many%"), LS_ERR_TOOLONG, 4, 13, "more than 256 variants" },
		{ "a|windash|base64", V("s:-a -b -c -d"), LS_ERR_TOOLONG, 4, 13,
		  "modifier 'windash': value '-a -b -c -d' gives more than 256 variants" },
		{ "a|base64|utf16le", V("s:x"), LS_ERR_PARSE, 3, 18,
		  "modifier 'utf16le' must come before 'base64'" },
		{ "a|utf16|utf16be|base64", V("s:x"), LS_ERR_PARSE, 3, 17,
		  "modifiers 'utf16' and 'utf16be' cannot be combined" },
		{ "a|base64|base64offset", V("s:x"), LS_ERR_PARSE, 3, 18,
		  "modifiers 'base64' and 'base64offset' cannot be combined" },
		{ "a|base64|windash", V("s:x"), LS_ERR_PARSE, 3, 18,
		  "modifier 'windash' must come before 'base64'" },
		{ "a|wide|expand|base64", V("s:x"), LS_ERR_PARSE, 3, 16,
		  "modifier 'expand' must come before 'wide'" },
		{ "a|contains|base64offset", V("s:x"), LS_ERR_PARSE, 3, 11,
		  "modifier 'contains' must come after 'base64offset'" },
		{ "a|base64", V("s:a*b"), LS_ERR_PARSE, 4, 13,
		  "modifier 'base64': value 'a*b' has a wildcard" },
		{ "a|base64offset|contains", V("s:ab", "s:a"), LS_ERR_PARSE, 5, 13,
		  "value 'a' is too short" },
		{ "a|utf16le|base64", V("s:\xff"), LS_ERR_PARSE, 4, 13,
		  "modifier 'utf16le': value '\xff' is not valid UTF-8" },
		{ "a|i", V("s:x"), LS_ERR_PARSE, 3, 11, "modifier 'i' needs 're'" },
		{ "a|contains|s", V("s:x"), LS_ERR_PARSE, 3, 20, "modifier 's' needs 're'" },
		{ "a|re|contains", V("s:x"), LS_ERR_PARSE, 3, 14,
		  "modifiers 're' and 'contains' cannot be combined: a regular expression matches "
		  "anywhere" },
		{ "a|cased|re", V("s:x"), LS_ERR_PARSE, 3, 17,
		  "modifiers 'cased' and 're' cannot be combined: a regular expression is "
		  "case-sensitive" },
		{ "a|re|windash", V("s:x"), LS_ERR_PARSE, 3, 14,
		  "modifiers 're' and 'windash' cannot be combined" },
		{ "a|lt", V("s:5"), LS_ERR_PARSE, 4, 13,
		  "modifier 'lt' needs a number, got string '5'" },
		{ "a|gt", V("n:0x10"), LS_ERR_PARSE, 4, 13,
		  "modifier 'gt': '0x10' is not a decimal number" },
		{ "a|hour", V("s:x"), LS_ERR_PARSE, 4, 13, "modifier 'hour' needs a number" },
		{ "a|lt|hour", V("n:1", "b:true"), LS_ERR_PARSE, 5, 13,
		  "modifier 'lt' needs a number, got bool 'true'" },
		{ "a|lt|neq", V("n:1"), LS_ERR_PARSE, 3, 14,
		  "modifiers 'lt' and 'neq' cannot be combined" },
		{ "a|exists", V("s:maybe"), LS_ERR_PARSE, 4, 13,
		  "modifier 'exists' needs true or false, got 'maybe'" },
		{ "a|exists", V("null"), LS_ERR_PARSE, 4, 13, "needs true or false" },
		{ "a|exists|all", V("b:true", "b:false"), LS_ERR_PARSE, 3, 18,
		  "modifiers 'exists' and 'all' cannot be combined: 'exists' takes no other "
		  "modifier" },
		{ "a|exists|contains", V("b:true"), LS_ERR_PARSE, 3, 18,
		  "modifiers 'exists' and 'contains' cannot be combined" },
		{ "a|exists", V("b:true", "b:false"), LS_ERR_PARSE, 3, 11,
		  "modifier 'exists' takes exactly one value" },
		{ "a|all", V("s:x"), LS_ERR_PARSE, 3, 11,
		  "modifier 'all' needs a list of at least two values" },
		{ "a|neq|all", V("s:x", "s:y"), LS_ERR_PARSE, 3, 15,
		  "modifiers 'neq' and 'all' cannot be combined" },
		{ "a|contains", V("null"), LS_ERR_PARSE, 4, 13,
		  "modifier 'contains' cannot apply to null" },
		{ "a|windash", V("s:x", "null"), LS_ERR_PARSE, 5, 13,
		  "modifier 'windash' cannot apply to null" },
		{ "", V("s:x", "null"), LS_ERR_PARSE, 5, 13,
		  "a keyword search cannot look for null" },
		{ "|startswith", V("s:x"), LS_ERR_PARSE, 3, 10,
		  "modifier 'startswith' needs a field (a keyword search has none)" },
		{ "|exists", V("b:true"), LS_ERR_PARSE, 3, 10, "modifier 'exists' needs a field" },
		{ "|cidr", V("s:10.0.0.0/8"), LS_ERR_PARSE, 3, 10,
		  "modifier 'cidr' needs a field" },
		{ "|neq", V("s:x"), LS_ERR_PARSE, 3, 10, "modifier 'neq' needs a field" },
		{ "a|fieldref", V("s:b*"), LS_ERR_PARSE, 4, 13,
		  "modifier 'fieldref': field name 'b*' cannot have wildcards" },
		{ "a|fieldref", V("s:"), LS_ERR_PARSE, 4, 13,
		  "modifier 'fieldref' needs a field name" },
		{ "a|fieldref|base64", V("s:b"), LS_ERR_PARSE, 3, 20,
		  "modifiers 'fieldref' and 'base64' cannot be combined" },
		{ "a|fieldref|re", V("s:b"), LS_ERR_PARSE, 3, 20,
		  "modifiers 'fieldref' and 're' cannot be combined" },
		{ "a|", V("s:x"), LS_ERR_PARSE, 3, 11, "empty modifier name" },
	};
	ERRORS(t, &ENV);

	/* Placeholders without an environment. */
	static const ecase noenv[] = {
		{ "a|expand", V("s:%Servers%"), LS_ERR_PARSE, 4, 13,
		  "modifier 'expand': no placeholders are defined" },
	};
	ERRORS(noenv, NULL);
	static const ls_sig_env empty = { NULL, NULL };
	ERRORS(noenv, &empty);
}

static void error_positions_fall_back_to_the_key(void **state)
{
	(void)state;
	/* Without modifier columns, and for a value without a position. */
	built b;
	build(&b, "CommandLine|contians", (const char *[]){ "s:x", NULL }, false);
	ls_sig_leaf *l = NULL;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_sig_leaf_compile(&l, &b.spec, NULL, &d), LS_ERR_UNSUPPORTED);
	assert_int_equal(d.line, KEY_LINE);
	assert_int_equal(d.col, KEY_COL);
	char text[600];
	ls_diag_format(&d, text, sizeof text);
	assert_string_equal(text, "rule.yml:3:9: unknown modifier 'contians'");

	build(&b, "a|cidr", (const char *[]){ "s:nope", NULL }, true);
	b.vals[0].line = 0;
	b.vals[0].col = 0;
	ls_diag_clear(&d);
	assert_int_equal(ls_sig_leaf_compile(&l, &b.spec, NULL, &d), LS_ERR_PARSE);
	assert_int_equal(d.line, KEY_LINE);
	assert_int_equal(d.col, KEY_COL);

	/* No values at all. */
	build(&b, "a", (const char *[]){ NULL }, true);
	ls_diag_clear(&d);
	assert_int_equal(ls_sig_leaf_compile(&l, &b.spec, NULL, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "at least one value"));
	assert_null(l);

	/* A NULL diagnostic is allowed. */
	build(&b, "a|nope", (const char *[]){ "s:x", NULL }, true);
	assert_int_equal(ls_sig_leaf_compile(&l, &b.spec, NULL, NULL), LS_ERR_UNSUPPORTED);
}

/* ------------------------------------------------------------ explain */

static void expect_explain(const char *key, const char *const *vals, const char *json,
                           unsigned indent, const char *want)
{
	ls_sig_leaf *l = compile_ok(key, vals);
	parsed p;
	parse_event(&p, json);
	ls_buf b = LS_BUF_INIT;
	ls_sig_leaf_explain(l, &p.ev, indent, &b);
	if (strcmp(b.data, want) != 0)
		print_error("explain %s:\n%s---- want:\n%s", key, b.data, want);
	assert_string_equal(b.data, want);
	ls_buf_fini(&b);
	parsed_fini(&p);
	ls_sig_leaf_free(l);
}

static void explain_output(void **state)
{
	(void)state;
	expect_explain("CommandLine|contains|all",
	               (const char *[]){ "s:whoami", "s:net user", NULL },
	               "{\"CommandLine\":\"cmd.exe /c \\\"whoami\\\"\"}", 2,
	               "  field CommandLine: \"cmd.exe /c \\\"whoami\\\"\" (string)\n"
	               "  modifiers: contains|all\n"
	               "  value 'whoami': matched\n"
	               "  value 'net user': not matched\n"
	               "  result: false (all 2 values must match)\n");
	expect_explain("", (const char *[]){ "s:evil", "s:bad", NULL },
	               "{\"a\":\"x EVIL y\",\"n\":5,\"b\":true}", 0,
	               "keyword search over 2 string and number values\n"
	               "modifiers: none\n"
	               "value 'evil': matched in a\n"
	               "value 'bad': not matched\n"
	               "result: true\n");
	expect_explain("EventID", (const char *[]){ "n:4624", NULL }, "{\"eventid\":[4625,4624]}",
	               4,
	               "    field EventID (as eventid): 4625 (number)\n"
	               "    field EventID (as eventid): 4624 (number)\n"
	               "    modifiers: none\n"
	               "    value 4624: matched\n"
	               "    result: true\n");
	expect_explain("User|neq", (const char *[]){ "s:root", NULL }, "{\"x\":1}", 0,
	               "field User: absent\n"
	               "modifiers: neq\n"
	               "value 'root': not matched\n"
	               "result: false (neq: the field is absent)\n");
	expect_explain("c|windash", (const char *[]){ "s:-x", NULL }, "{\"c\":\"/x\"}", 0,
	               "field c: \"/x\" (string)\n"
	               "modifiers: windash\n"
	               "value '-x': matched (dashes compared as one: - / \u2013 \u2014 \u2015)\n"
	               "result: true\n");
	expect_explain("a|exists", (const char *[]){ "b:false", NULL }, "{\"a\":null}", 0,
	               "field a: null (null)\n"
	               "modifiers: exists\n"
	               "value false: not matched\n"
	               "result: false\n");
}

/* --------------------------------------------------------------- atoms */

static size_t atoms_of(const char *key, const char *const *vals, ls_sv *out, size_t cap)
{
	ls_sig_leaf *l = compile_ok(key, vals);
	size_t n = ls_sig_leaf_atoms(l, out, cap);
	/* Copy out before the leaf dies: compare as C strings. */
	static char keep[16][64];
	for (size_t i = 0; i < n && i < 16; i++) {
		size_t len = out[i].len < 63 ? out[i].len : 63;
		memcpy(keep[i], out[i].ptr, len);
		keep[i][len] = '\0';
		out[i] = ls_sv_make(keep[i], len);
	}
	ls_sig_leaf_free(l);
	return n;
}

static void atoms(void **state)
{
	(void)state;
	ls_sv a[16];
	assert_int_equal(atoms_of("c|contains", (const char *[]){ "s:Mimikatz", NULL }, a, 16), 1);
	assert_true(ls_sv_eq_cstr(a[0], "mimikatz"));
	/* The longest literal run that every encoding writes verbatim. */
	assert_int_equal(
	        atoms_of("c", (const char *[]){ "s:C:\\Windows\\System32\\\\*.exe", NULL }, a, 16),
	        1);
	assert_true(ls_sv_eq_cstr(a[0], "system32"));
	/* An OR gives one atom per value; duplicates once. */
	assert_int_equal(
	        atoms_of("c|endswith",
	                 (const char *[]){ "s:\\cmd.exe", "s:\\pwsh.exe", "s:\\CMD.EXE", NULL }, a,
	                 16),
	        2);
	assert_true(ls_sv_eq_cstr(a[0], "cmd.exe"));
	assert_true(ls_sv_eq_cstr(a[1], "pwsh.exe"));
	/* A value without a 3-byte literal spoils an OR ... */
	assert_int_equal(atoms_of("c|contains", (const char *[]){ "s:abc", "s:ab", NULL }, a, 16),
	                 0);
	/* ... but an AND needs only one covered value, the one with the longest atoms. */
	assert_int_equal(atoms_of("c|contains|all",
	                          (const char *[]){ "s:ab", "s:abcd", "s:xyz", NULL }, a, 16),
	                 1);
	assert_true(ls_sv_eq_cstr(a[0], "abcd"));
	/* Too many for cap: none. */
	assert_int_equal(
	        atoms_of("c|contains", (const char *[]){ "s:abc", "s:def", "s:ghi", NULL }, a, 2),
	        0);
	/* Variants each give an atom. */
	assert_int_equal(
	        atoms_of("c|base64offset|contains", (const char *[]){ "s:Invoke", NULL }, a, 16),
	        3);
	/* Keywords have atoms too. */
	assert_int_equal(atoms_of("", (const char *[]){ "s:evil.exe", NULL }, a, 16), 1);
	/* No guarantee: regex, numbers, cidr, exists, neq, fieldref, all-wildcard, short. */
	static const char *const none_keys[] = { "c|re",  "c",          "c|cidr", "c|exists",
		                                 "c|neq", "c|fieldref", "c",      "c",
		                                 "c|lt",  "c|hour",     "c" };
	static const char *const none_vals[] = { "s:abcdef", "n:4624",  "s:10.0.0.0/8", "b:true",
		                                 "s:abcdef", "s:other", "s:*",          "s:a*b?c",
		                                 "n:5",      "n:3",     "null" };
	for (size_t i = 0; i < sizeof none_keys / sizeof none_keys[0]; i++) {
		size_t n = atoms_of(none_keys[i], (const char *[]){ none_vals[i], NULL }, a, 16);
		if (n != 0)
			print_error("%s: %s gave %zu atoms\n", none_keys[i], none_vals[i], n);
		assert_int_equal(n, 0);
	}
}

/* ---------------------------------------------------------- exact keys */

/* Does some occurrence of the leaf's field carry one of the leaf's keys? */
static bool keys_meet(const ls_sig_leaf *l, const ls_event *ev)
{
	const uint64_t *lk;
	size_t nl = ls_sig_leaf_keys(l, &lk);
	for (const ls_field *f = ls_sig_lookup(ev, ls_sig_leaf_field(l)); f;
	     f = ls_event_next(ev, f)) {
		uint64_t vk[2];
		size_t nv = ls_sig_value_keys(f, vk);
		for (size_t i = 0; i < nl; i++)
			for (size_t k = 0; k < nv; k++)
				if (lk[i] == vk[k])
					return true;
	}
	return false;
}

static void exact_keys(void **state)
{
	(void)state;
	/* Leaves with keys: whenever one matches, the event's keys meet its keys. */
	static const struct {
		const char *key, *val;
		size_t nkeys;
	} keyed[] = {
		{ "c", "n:22", 2 },        { "c", "s:CONNECT", 1 }, { "c", "s:22", 1 },
		{ "c", "n:-7", 2 },        { "c|cased", "s:Ab", 1 }, { "c", "s:a\\*b", 1 },
		{ "c", "n:9007199254740992", 2 },
	};
	static const char *const events[] = {
		"{\"c\":22}",          "{\"c\":\"22\"}",       "{\"c\":22.0}",
		"{\"c\":2.2e1}",       "{\"c\":\"022\"}",      "{\"c\":\"+22\"}",
		"{\"c\":\"connect\"}", "{\"C\":\"CONNECT\"}", "{\"c\":[\"x\",\"Connect\"]}",
		"{\"c\":-7}",          "{\"c\":\"-7.000\"}",   "{\"c\":\"Ab\"}",
		"{\"c\":\"ab\"}",      "{\"c\":\"a*b\"}",      "{\"c\":443}",
		"{\"c\":null}",        "{\"d\":22}",           "{\"c\":9007199254740992}",
		"{\"c\":9.007199254740992e15}",
	};
	size_t matches = 0;
	for (size_t i = 0; i < sizeof keyed / sizeof keyed[0]; i++) {
		ls_sig_leaf *l = compile_ok(keyed[i].key, (const char *[]){ keyed[i].val, NULL });
		const uint64_t *k;
		assert_int_equal(ls_sig_leaf_keys(l, &k), keyed[i].nkeys);
		for (size_t e = 0; e < sizeof events / sizeof events[0]; e++) {
			parsed p;
			parse_event(&p, events[e]);
			bool m = ls_sig_leaf_match(l, &p.ev);
			if (m && !keys_meet(l, &p.ev))
				print_error("%s: %s matches %s, keys miss\n", keyed[i].key,
				            keyed[i].val, events[e]);
			assert_true(!m || keys_meet(l, &p.ev));
			matches += m;
			parsed_fini(&p);
		}
		ls_sig_leaf_free(l);
	}
	assert_true(matches >= 12); /* the table exercises real matches */
	/* The keys tell values apart. */
	ls_sig_leaf *l = compile_ok("c", (const char *[]){ "n:22", NULL });
	parsed p;
	parse_event(&p, "{\"c\":443}");
	assert_false(keys_meet(l, &p.ev));
	parsed_fini(&p);
	ls_sig_leaf_free(l);
	/* No keys: anything but an exact string or a whole number, and the
	 * modifiers that make a leaf hold without an equal value. */
	static const char *const none_keys[] = { "c|contains", "c|neq",   "c|exists", "c|re",
		                                 "c",          "c|cidr",  "c|lt",     "c",
		                                 "c",          "",        "c",        "c|fieldref",
		                                 "c|startswith" };
	static const char *const none_vals[] = { "s:abc", "s:abc",      "b:true", "s:abc",
		                                 "s:a*b", "s:10.0.0.0/8", "n:5",    "b:true",
		                                 "null",  "s:abc",        "n:1.5",  "s:d",
		                                 "s:abc" };
	for (size_t i = 0; i < sizeof none_keys / sizeof none_keys[0]; i++) {
		l = compile_ok(none_keys[i], (const char *[]){ none_vals[i], NULL });
		const uint64_t *k;
		size_t n = ls_sig_leaf_keys(l, &k);
		if (n != 0)
			print_error("%s: %s gave %zu keys\n", none_keys[i], none_vals[i], n);
		assert_int_equal(n, 0);
		ls_sig_leaf_free(l);
	}
	/* Two values with |all| need both: no single key set. */
	l = compile_ok("c|all", (const char *[]){ "s:a", "s:b", NULL });
	const uint64_t *k;
	assert_int_equal(ls_sig_leaf_keys(l, &k), 0);
	ls_sig_leaf_free(l);
}

static void leaf_field_and_free(void **state)
{
	(void)state;
	ls_sig_leaf *l = compile_ok("CommandLine|contains", (const char *[]){ "s:x", NULL });
	assert_true(ls_sv_eq_cstr(ls_sig_leaf_field(l), "CommandLine"));
	ls_sig_leaf_free(l);
	l = compile_ok("", (const char *[]){ "s:x", NULL });
	assert_int_equal(ls_sig_leaf_field(l).len, 0);
	ls_sig_leaf_free(l);
	ls_sig_leaf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_values),
		cmocka_unit_test(escaping),
		cmocka_unit_test(wildcards),
		cmocka_unit_test(glob_is_linear),
		cmocka_unit_test(wildcard_shapes_and_search),
		cmocka_unit_test(wildcard_agrees_with_reference),
		cmocka_unit_test(contains_startswith_endswith),
		cmocka_unit_test(cased),
		cmocka_unit_test(all_and_arrays),
		cmocka_unit_test(windash),
		cmocka_unit_test(base64_and_utf16),
		cmocka_unit_test(null_empty_absent),
		cmocka_unit_test(numbers),
		cmocka_unit_test(booleans),
		cmocka_unit_test(field_names),
		cmocka_unit_test(keywords),
		cmocka_unit_test(regexes),
		cmocka_unit_test(regex_match_limit),
		cmocka_unit_test(regex_leaf_shared_by_threads),
		cmocka_unit_test(comparisons),
		cmocka_unit_test(cidr),
		cmocka_unit_test(neq),
		cmocka_unit_test(fieldref),
		cmocka_unit_test(expand),
		cmocka_unit_test(time_parts),
		cmocka_unit_test(compile_errors),
		cmocka_unit_test(error_positions_fall_back_to_the_key),
		cmocka_unit_test(explain_output),
		cmocka_unit_test(atoms),
		cmocka_unit_test(exact_keys),
		cmocka_unit_test(leaf_field_and_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
