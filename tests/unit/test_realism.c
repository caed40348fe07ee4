/*
 * test_realism.c - the benign model's summary (score/realism.h).
 *
 * Percentiles are checked on data whose nearest-rank answers are known,
 * including the bucketed range and its error bound; hours and weekdays on
 * hand-made events on both sides of local midnight with positive and
 * negative offsets; the answer key (campaign steps and decoys, in the real
 * layout and in others) through to exclusion, found records and episodes;
 * and the errors a broken key or manifest gives, with their positions.
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
#include "core/time.h"
#include "io/event.h"
#include "io/jsonl.h"
#include "score/realism.h"
#include "testutil.h"

/* ---------------------------------------------------------------- helpers */

static ls_time at(const char *rfc3339)
{
	ls_time t = 0;
	assert_int_equal(ls_time_parse_rfc3339(ls_sv_from_cstr(rfc3339), &t, NULL), LS_OK);
	return t;
}

static size_t src(const char *name)
{
	size_t i = ls_realism_source_index(name);
	assert_true(i != SIZE_MAX);
	return i;
}

/* An event of alternating name/value C strings (all STRING fields). */
static void add_event(ls_realism *R, const char *source, ls_time t, ...)
{
	ls_event ev = LS_EVENT_INIT;
	va_list ap;
	va_start(ap, t);
	const char *name;
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		ls_event_add(&ev, ls_sv_from_cstr(name), ls_sv_from_cstr(value), LS_VALUE_STRING, 0);
	}
	va_end(ap);
	ls_realism_add(R, src(source), &ev, t);
	ls_event_fini(&ev);
}

static ls_err load_key(ls_realism *R, const char *text, ls_diag *d)
{
	return ls_realism_key_parse(R, text, strlen(text), "key.json", d);
}

static ls_err manifest(ls_realism *R, const char *text, ls_diag *d)
{
	return ls_realism_manifest(R, text, strlen(text), "m.json", d);
}

/* A rid of 20 hex digits ending in n. */
#define RID(n) "00000000000000000" #n

/* ------------------------------------------------------------ percentiles */

static void percentiles_of_one_to_a_hundred(void **state)
{
	(void)state;
	ls_sizehist h;
	ls_sizehist_init(&h);
	assert_int_equal(ls_sizehist_percentile(&h, 50), 0);
	/* Added out of order: the histogram does not care. */
	for (uint64_t v = 100; v >= 1; v--)
		ls_sizehist_add(&h, v);
	assert_int_equal(h.n, 100);
	assert_int_equal(ls_sizehist_percentile(&h, 50), 50);
	assert_int_equal(ls_sizehist_percentile(&h, 90), 90);
	assert_int_equal(ls_sizehist_percentile(&h, 99), 99);
	assert_int_equal(ls_sizehist_percentile(&h, 100), 100);
	assert_int_equal(ls_sizehist_percentile(&h, 1), 1);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100);
	ls_sizehist_fini(&h);
	ls_sizehist_fini(NULL);
}

static void nearest_rank_rounds_up(void **state)
{
	(void)state;
	ls_sizehist h;
	ls_sizehist_init(&h);
	/* Ten values: rank ceil(0.5*10)=5 -> 50; ceil(0.9*10)=9 -> 90; ceil(0.99*10)=10 -> 100. */
	for (uint64_t v = 10; v <= 100; v += 10)
		ls_sizehist_add(&h, v);
	assert_int_equal(ls_sizehist_percentile(&h, 50), 50);
	assert_int_equal(ls_sizehist_percentile(&h, 90), 90);
	assert_int_equal(ls_sizehist_percentile(&h, 99), 100);
	ls_sizehist_fini(&h);

	/* One value is every percentile, however large. */
	ls_sizehist_init(&h);
	ls_sizehist_add(&h, 123456789);
	assert_int_equal(ls_sizehist_percentile(&h, 50), 123456789);
	assert_int_equal(ls_sizehist_percentile(&h, 99), 123456789);
	ls_sizehist_fini(&h);

	/* Zero and the largest value both fit. */
	ls_sizehist_init(&h);
	ls_sizehist_add(&h, 0);
	ls_sizehist_add(&h, UINT64_MAX);
	assert_int_equal(ls_sizehist_percentile(&h, 50), 0);
	assert_true(ls_sizehist_percentile(&h, 99) == UINT64_MAX);
	ls_sizehist_fini(&h);
}

static void large_values_are_within_a_thousandth(void **state)
{
	(void)state;
	ls_sizehist h;
	ls_sizehist_init(&h);
	/* 1..1,000,000: the p-th percentile is exactly p * 10,000. */
	for (uint64_t v = 1; v <= 1000000; v++)
		ls_sizehist_add(&h, v);
	static const unsigned ps[] = { 50, 90, 99 };
	for (size_t i = 0; i < 3; i++) {
		uint64_t want = ps[i] * UINT64_C(10000);
		uint64_t got = ls_sizehist_percentile(&h, ps[i]);
		assert_true(got <= want);
		assert_true(want - got <= want / 1000);
	}
	assert_int_equal(h.max, 1000000);
	ls_sizehist_fini(&h);

	/* Below 2048 every value has a bucket of its own. */
	ls_sizehist_init(&h);
	ls_sizehist_add(&h, 2046);
	ls_sizehist_add(&h, 2047);
	assert_int_equal(ls_sizehist_percentile(&h, 50), 2046);
	ls_sizehist_fini(&h);
}

/* -------------------------------------------------------- hours, weekdays */

static void hours_and_weekdays_use_the_offset(void **state)
{
	(void)state;
	ls_realism R;
	ls_realism_init(&R);
	R.offset_minutes = 480;
	R.offset_known = true;
	size_t c = src("conn");
	/* Sunday 16:30 UTC is Monday 00:30 at UTC+8. */
	add_event(&R, "conn", at("2026-03-01T16:30:00Z"), NULL);
	/* Monday 15:59:59 UTC is Monday 23:59:59 local; 16:00 is Tuesday 00:00. */
	add_event(&R, "conn", at("2026-03-02T15:59:59.999999Z"), NULL);
	add_event(&R, "conn", at("2026-03-02T16:00:00Z"), NULL);
	/* Saturday 01:00 UTC is Saturday 09:00 local. */
	add_event(&R, "conn", at("2026-03-07T01:00:00Z"), NULL);
	add_event(&R, "conn", LS_TIME_NONE, NULL);
	assert_int_equal(R.src[c].events, 5);
	assert_int_equal(R.src[c].untimed, 1);
	assert_int_equal(R.src[c].hours[0], 2);
	assert_int_equal(R.src[c].hours[23], 1);
	assert_int_equal(R.src[c].hours[9], 1);
	assert_int_equal(R.src[c].weekdays[0], 2); /* Monday */
	assert_int_equal(R.src[c].weekdays[1], 1); /* Tuesday */
	assert_int_equal(R.src[c].weekdays[5], 1); /* Saturday */
	uint64_t sum = 0;
	for (size_t h = 0; h < 24; h++)
		sum += R.src[c].hours[h];
	assert_int_equal(sum, R.src[c].events - R.src[c].untimed);
	/* No days in a manifest: the span of local dates (Mon 2 .. Sat 7). */
	ls_realism_finish(&R);
	assert_int_equal(R.days, 6);
	assert_true(R.days_from_events);
	ls_realism_fini(&R);

	/* West of UTC: Monday 03:00 UTC is Sunday 22:00 at UTC-05:00. */
	ls_realism_init(&R);
	R.offset_minutes = -300;
	add_event(&R, "proxy", at("2026-03-02T03:00:00Z"), NULL);
	size_t p = src("proxy");
	assert_int_equal(R.src[p].hours[22], 1);
	assert_int_equal(R.src[p].weekdays[6], 1);
	ls_realism_fini(&R);
}

static void the_manifest_gives_offset_people_and_days(void **state)
{
	(void)state;
	int m = 1;
	assert_int_equal(ls_realism_utc_offset(LS_SV_LIT("2026-03-02T00:00:00Z"), &m), LS_OK);
	assert_int_equal(m, 0);
	assert_int_equal(ls_realism_utc_offset(LS_SV_LIT("2026-03-02T00:00:00+08:00"), &m), LS_OK);
	assert_int_equal(m, 480);
	assert_int_equal(ls_realism_utc_offset(LS_SV_LIT("2026-03-02T00:00:00-05:30"), &m), LS_OK);
	assert_int_equal(m, -330);
	assert_int_equal(ls_realism_utc_offset(LS_SV_LIT("2026-03-02"), &m), LS_ERR_PARSE);

	ls_realism R;
	ls_realism_init(&R);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(manifest(&R,
	                          "{\"leaksim\":\"0.1.0\",\"scenario\":\"small\",\"seed\":7,"
	                          "\"people\":20,\"days\":2,\"start\":\"2026-03-02T00:00:00+08:00\","
	                          "\"files\":[{\"path\":\"logs/a\",\"records\":1}]}\n",
	                          &d),
	                 LS_OK);
	assert_string_equal(R.scenario, "small");
	assert_int_equal(R.seed, 7);
	assert_int_equal(R.people, 20);
	assert_int_equal(R.days, 2);
	assert_int_equal(R.offset_minutes, 480);
	assert_true(R.offset_known);
	/* The manifest's day count wins over the events' span. */
	add_event(&R, "dns", at("2026-03-10T00:00:00Z"), NULL);
	ls_realism_finish(&R);
	assert_int_equal(R.days, 2);
	assert_false(R.days_from_events);
	ls_realism_fini(&R);

	ls_realism_init(&R);
	assert_int_equal(manifest(&R, "{\"people\":\"many\"}", &d), LS_ERR_PARSE);
	assert_string_equal(d.file, "m.json");
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, 11);
	assert_non_null(strstr(d.message, "people"));
	assert_int_equal(manifest(&R, "{\"people\":", &d), LS_ERR_PARSE);
	assert_string_equal(d.file, "m.json");
	assert_int_equal(manifest(&R, "{\"start\":\"2026-03-02\"}", &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "RFC 3339"));
	assert_int_equal(manifest(&R, "[]", &d), LS_ERR_PARSE);
	assert_string_equal(d.file, "m.json");
	/* Without a manifest start: UTC, and not known. */
	assert_false(R.offset_known);
	assert_int_equal(R.offset_minutes, 0);
	ls_realism_fini(&R);
}

/* ------------------------------------------------------------ answer key */

/* The layout of docs/answer-key.md, cut down. */
static const char key_text[] =
        "{\"scenario\":\"t\",\"seed\":1,\"leaksim\":\"0.1.0\",\"campaigns\":[\n"
        " {\"id\":\"campaign-1\",\"actors\":[{\"user\":\"u\"}],\"steps\":[\n"
        "   {\"name\":\"access\",\"techniques\":[\"T1078\"],\"records\":[{\"source\":\"sysmon\","
        "\"rid\":\"" RID(101) "\"},{\"source\":\"conn\",\"rid\":\"" RID(102) "\"}],"
        "\"earliest_detectable\":{\"sysmon\":\"2026-03-02T00:00:00Z\"}}\n"
        "   ,{\"name\":\"exfiltration\",\"techniques\":[\"T1567\"],\"records\":[{\"source\":"
        "\"conn\",\"rid\":\"" RID(103) "\"}],\"earliest_detectable\":{}}]\n"
        "  ,\"totals\":{\"rows\":1},\"uploads\":[\n"
        "   {\"file\":\"x\",\"records\":[{\"source\":\"conn\",\"rid\":\"" RID(103) "\"}]}]}],"
        "\"decoys\":[\n"
        "{\"kind\":\"video_send\",\"records\":[{\"source\":\"sysmon\",\"rid\":\"" RID(201) "\"},"
        "{\"source\":\"sysmon\",\"rid\":\"" RID(202) "\"},{\"source\":\"sysmon\",\"rid\":\"" RID(
                203) "\"},{\"source\":\"sysmon\",\"rid\":\"" RID(204) "\"},{\"source\":\"conn\","
                     "\"rid\":\"" RID(205) "\"},{\"source\":\"auth\",\"rid\":\"" RID(
                             206) "\"},{\"source\":\"auth\",\"rid\":\"" RID(207) "\"}]}\n"
        ",{\"kind\":\"dba_backup\",\"records\":[{\"source\":\"auth\",\"rid\":\"" RID(301) "\"},"
        "{\"source\":\"db_audit\",\"rid\":\"" RID(302) "\"},{\"source\":\"db_audit\",\"rid\":\"" RID(
                303) "\"}]}]\n"
        ",\"dirty\":{\"missing_sensor\":null,\"dropped\":[],\"duplicated\":[],\"delayed\":[]}}\n";

static void decoys_and_campaign_are_counted(void **state)
{
	(void)state;
	ls_realism R;
	ls_realism_init(&R);
	ls_diag d;
	ls_diag_clear(&d);
	if (load_key(&R, key_text, &d) != LS_OK)
		print_error("%s:%lu:%lu: %s\n", d.file, d.line, d.col, d.message);
	assert_true(R.have_key);
	assert_int_equal(R.campaign_records, 3);
	assert_int_equal(R.nkind, 2);
	assert_string_equal(R.kind[0].name, "video_send");
	assert_int_equal(R.kind[0].entries, 1);
	assert_int_equal(R.kind[0].records, 7);
	assert_string_equal(R.kind[1].name, "dba_backup");
	assert_int_equal(R.kind[1].records, 3);

	/* A lease names the laptop behind 10.64.0.9 on Monday. */
	R.leases.v = ls_xcalloc(1, sizeof *R.leases.v);
	R.leases.n = R.leases.cap = 1;
	R.leases.v[0].ip = ls_xstrdup("10.64.0.9");
	R.leases.v[0].host = ls_xstrdup("LT-00002");
	R.leases.v[0].user = ls_xstrdup("bob");
	R.leases.v[0].start = at("2026-03-02T00:00:00Z");
	R.leases.v[0].end = at("2026-03-02T12:00:00Z");

	/* Campaign records: left out, whatever their source. */
	add_event(&R, "sysmon", at("2026-03-02T01:00:00Z"), "rid", RID(101), "Computer",
	          "LT-00001.corp.example", NULL);
	add_event(&R, "conn", at("2026-03-02T01:00:01Z"), "rid", RID(103), "orig_bytes", "5000",
	          NULL);
	/* The same rid in another source is not the campaign's record. */
	add_event(&R, "dns", at("2026-03-02T01:00:02Z"), "rid", RID(102), NULL);

	/*
	 * video_send: LT-00001 at 02:00 and 02:05 (one episode), again at 04:00
	 * (a second); LT-00002 through its lease at 02:01 (a third); an auth
	 * line at 02:09 joins an episode, one at 09:00 stands alone (a fourth).
	 */
	add_event(&R, "sysmon", at("2026-03-02T02:00:00Z"), "rid", RID(201), "Computer",
	          "LT-00001.corp.example", NULL);
	add_event(&R, "sysmon", at("2026-03-02T02:05:00Z"), "rid", RID(202), "Computer",
	          "LT-00001.corp.example", NULL);
	add_event(&R, "sysmon", at("2026-03-02T04:00:00Z"), "rid", RID(203), "Computer",
	          "LT-00001.corp.example", NULL);
	add_event(&R, "conn", at("2026-03-02T02:01:00Z"), "rid", RID(205), "id.orig_h",
	          "10.64.0.9", "orig_bytes", "70000000", NULL);
	add_event(&R, "auth", at("2026-03-02T02:09:00Z"), "rid", RID(206), NULL);
	add_event(&R, "auth", at("2026-03-02T09:00:00Z"), "rid", RID(207), NULL);
	/* rid 204 never shows up in the logs. */

	/* dba_backup: no actor at all (server-side lines); two nights. */
	add_event(&R, "auth", at("2026-03-02T16:00:00Z"), "rid", RID(301), NULL);
	add_event(&R, "db_audit", at("2026-03-02T16:00:30Z"), "rid", RID(302), "rows", "1950000",
	          NULL);
	add_event(&R, "db_audit", at("2026-03-03T16:00:30Z"), "rid", RID(303), "rows", "1950000",
	          NULL);
	/* A duplicate sighting of a decoy record counts as an event, not a new record. */
	add_event(&R, "db_audit", at("2026-03-03T16:00:30Z"), "rid", RID(303), "rows", "1950000",
	          NULL);
	/* Unlabelled events. */
	add_event(&R, "conn", at("2026-03-02T03:00:00Z"), "rid", "not-a-rid", "orig_bytes", "-1",
	          NULL);

	ls_realism_finish(&R);
	assert_int_equal(R.excluded, 2);
	assert_int_equal(R.campaign_found, 2);
	assert_int_equal(R.src[src("sysmon")].excluded, 1);
	assert_int_equal(R.src[src("conn")].excluded, 1);
	assert_int_equal(R.src[src("dns")].events, 1);
	assert_int_equal(R.events, 12);
	assert_int_equal(R.kind[0].found, 6);
	assert_int_equal(R.kind[0].occurrences, 4);
	assert_int_equal(R.kind[1].found, 3);
	assert_int_equal(R.kind[1].occurrences, 2);
	/* Sizes leave the campaign's flow out and count a non-integer as invalid. */
	const ls_realism_size *ob = NULL;
	for (size_t i = 0; i < R.nsize; i++)
		if (strcmp(R.size[i].source, "conn") == 0 && strcmp(R.size[i].field, "orig_bytes") == 0)
			ob = &R.size[i];
	assert_non_null(ob);
	assert_int_equal(ob->h.n, 1);
	assert_int_equal(ob->h.max, 70000000);
	assert_int_equal(ob->invalid, 1);

	/* The JSON summary parses and carries the figures. */
	R.people = 10;
	R.days = 2;
	R.days_from_events = false;
	ls_buf out = LS_BUF_INIT;
	ls_realism_json(&R, "ds", &out);
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	assert_int_equal(ls_json_parse_document(ls_buf_sv(&out), out.len, &ev, &a, NULL), LS_OK);
	assert_non_null(strstr(out.data, "\"excluded_malicious\":2,"));
	assert_non_null(strstr(out.data, "{\"kind\":\"video_send\",\"entries\":1,\"occurrences\":4,"
	                                 "\"records\":7,\"found\":6,\"per_day\":2.000,"
	                                 "\"per_1000_people_days\":200.000,\"records_per_day\":3.500}"));
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_buf_fini(&out);
	ls_realism_fini(&R);
}

/* The same key on one line, or with a line break after every comma, reads the same. */
static void the_key_layout_does_not_matter(void **state)
{
	(void)state;
	for (int layout = 0; layout < 2; layout++) {
		ls_buf b = LS_BUF_INIT;
		for (const char *c = key_text; *c; c++) {
			if (*c == '\n')
				continue;
			ls_buf_append_char(&b, *c);
			if (layout == 1 && *c == ',')
				ls_buf_append_cstr(&b, "\n    ");
		}
		ls_realism R;
		ls_realism_init(&R);
		ls_diag d;
		ls_diag_clear(&d);
		assert_int_equal(load_key(&R, b.data, &d), LS_OK);
		assert_int_equal(R.campaign_records, 3);
		assert_int_equal(R.nkind, 2);
		assert_int_equal(R.kind[0].records, 7);
		assert_int_equal(R.kind[1].records, 3);
		ls_realism_fini(&R);
		ls_buf_fini(&b);
	}
}

static void key_errors_are_located(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *word;
	} cases[] = {
		{ "{\"decoys\":[\n{\"kind\":\"x\",\"records\":[{\"source\":\"conn\",\"rid\":\"abc\"}]}]}\n",
		  2, 47, "20 hex digits" },
		{ "{\"decoys\":[\n{\"kind\":\"x\",\"records\":[{\"source\":\"tape\",\"rid\":\"" RID(001) "\"}]}]}\n",
		  2, 34, "unknown source 'tape'" },
		{ "{\"decoys\":[\n{\"records\":[]}]}\n", 2, 1, "kind must be a non-empty string" },
		{ "{\"decoys\":[\n{\"kind\":\"x\",\"records\":[{\"source\":\"conn\"}]}]}\n", 2, 24,
		  "rid must be a string, not nothing" },
		{ "{\"campaigns\":[{\"steps\":[\n  {\"name\":\"access\",\"records\":[{\"rid\":\"" RID(001) "\"},{\"rid\":\"" RID(002) "\"}]}]}]}\n",
		  2, 31, "source must be a string, not nothing" },
		{ "{\"decoys\":[\n{\"kind\":\"x\",\"records\":[}]}\n", 2, 24, "expected a value" },
		{ "", 1, 1, "end of input" },
		{ "{\"decoys\":{}}", 1, 11, "decoys must be an array, not an object" },
		{ "{\"campaigns\":[{\"steps\":[[]]}]}", 1, 25, "a step is an object" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ls_realism R;
		ls_realism_init(&R);
		ls_diag d;
		ls_diag_clear(&d);
		ls_err e = load_key(&R, cases[i].text, &d);
		if (e != LS_ERR_PARSE || d.line != cases[i].line || d.col != cases[i].col ||
		    strstr(d.message, cases[i].word) == NULL)
			print_error("case %zu: err %d at %lu:%lu: %s\n", i, (int)e, d.line, d.col,
			            d.message);
		assert_int_equal(e, LS_ERR_PARSE);
		assert_string_equal(d.file, "key.json");
		assert_int_equal(d.line, cases[i].line);
		assert_int_equal(d.col, cases[i].col);
		assert_non_null(strstr(d.message, cases[i].word));
		assert_false(R.have_key);
		ls_realism_fini(&R);
	}
}

static void a_key_without_decoys_or_campaign(void **state)
{
	(void)state;
	ls_realism R;
	ls_realism_init(&R);
	ls_diag d;
	assert_int_equal(load_key(&R, "{\"campaigns\":[],\"decoys\":[]\n,\"dirty\":{}}\n", &d),
	                 LS_OK);
	assert_true(R.have_key);
	assert_int_equal(R.campaign_records, 0);
	assert_int_equal(R.nkind, 0);
	add_event(&R, "conn", at("2026-03-02T03:00:00Z"), "rid", RID(001), NULL);
	assert_int_equal(R.events, 1);
	ls_realism_fini(&R);
}

/* ------------------------------------------------------------------ mixes */

static void mixes_rank_by_count_then_value(void **state)
{
	(void)state;
	ls_realism R;
	ls_realism_init(&R);
	ls_time t = at("2026-03-02T03:00:00Z");
	static const char *const hosts[] = { "b.example", "a.example", "b.example", "c.example",
		                             "a.example", "b.example" };
	for (size_t i = 0; i < 6; i++)
		add_event(&R, "proxy", t, "cs-host", hosts[i], NULL);
	for (int i = 0; i < 12; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%02d.exe", i);
		char path[64];
		snprintf(path, sizeof path, "C:\\Windows\\%s", name);
		for (int k = 0; k <= i % 3; k++)
			add_event(&R, "sysmon", t, "EventID", "1", "Image", path, NULL);
	}
	/* Not a process creation: not counted. */
	add_event(&R, "sysmon", t, "EventID", "3", "Image", "C:\\x\\net.exe", NULL);
	add_event(&R, "conn", t, "id.resp_p", "443", "proto", "tcp", "id.resp_h", "203.0.113.7",
	          NULL);
	ls_realism_finish(&R);
	const ls_realism_mix *m = &R.mix[LS_REALISM_MIX_PROXY_HOSTS];
	assert_int_equal(m->total, 6);
	assert_int_equal(m->t.n, 3);
	assert_int_equal(m->ntop, 3);
	assert_string_equal(m->top[0].value, "b.example");
	assert_int_equal(m->top[0].count, 3);
	assert_string_equal(m->top[1].value, "a.example");
	assert_string_equal(m->top[2].value, "c.example");
	const ls_realism_mix *p = &R.mix[LS_REALISM_MIX_PROCESSES];
	assert_int_equal(p->t.n, 12);
	assert_int_equal(p->ntop, LS_REALISM_TOP);
	/* Three each for p02, p05, p08, p11, then the twos by name. */
	assert_string_equal(p->top[0].value, "p02.exe");
	assert_string_equal(p->top[3].value, "p11.exe");
	assert_string_equal(p->top[4].value, "p01.exe");
	assert_int_equal(p->top[4].count, 2);
	assert_string_equal(R.mix[LS_REALISM_MIX_CONN_PORTS].top[0].value, "443/tcp");
	assert_string_equal(R.mix[LS_REALISM_MIX_CONN_RESPONDERS].top[0].value, "203.0.113.7");
	ls_realism_fini(&R);
}

/* ---------------------------------------------------------------- dataset */

static void a_directory_without_logs_is_not_a_dataset(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	ls_realism R;
	ls_realism_init(&R);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_realism_read(&R, dir, NULL, NULL, &d), LS_ERR_NOTFOUND);
	assert_non_null(strstr(d.message, "not a dataset"));
	ls_realism_fini(&R);
	tu_rmdir(dir);
}

static void a_small_dataset_is_read_whole(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *logs = tu_join(dir, "logs");
	char *truth = tu_join(dir, "truth");
	assert_int_equal(mkdir(logs, 0777), 0);
	assert_int_equal(mkdir(truth, 0777), 0);
	struct {
		const char *path, *text;
	} files[] = {
		{ "manifest.json", "{\"scenario\":\"t\",\"seed\":3,\"people\":2,\"days\":1,"
		                   "\"start\":\"2026-03-02T00:00:00+08:00\",\"files\":[]}\n" },
		{ "logs/proxy.jsonl",
		  "{\"timestamp\":\"2026-03-02T01:00:00Z\",\"rid\":\"" RID(001) "\",\"cs-host\":"
		  "\"a.example\",\"cs-bytes\":100,\"sc-bytes\":2000}\n"
		  "not json\n"
		  "{\"timestamp\":\"2026-03-02T02:00:00Z\",\"rid\":\"" RID(002) "\",\"cs-host\":"
		  "\"a.example\",\"cs-bytes\":300,\"sc-bytes\":4000}\n" },
		{ "truth/answer-key.json",
		  "{\"campaigns\":[{\"steps\":[\n"
		  " {\"name\":\"exfiltration\",\"records\":[{\"source\":\"proxy\",\"rid\":\"" RID(002) "\"}]}]}],\"decoys\":[]\n,\"dirty\":{}}\n" },
	};
	ls_buf p = LS_BUF_INIT;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/%s", dir, files[i].path);
		FILE *f = fopen(p.data, "w");
		assert_non_null(f);
		fputs(files[i].text, f);
		assert_int_equal(fclose(f), 0);
	}
	ls_realism R;
	ls_realism_init(&R);
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_realism_read(&R, dir, NULL, NULL, &d), LS_OK);
	size_t px = src("proxy");
	assert_true(R.src[px].present);
	assert_false(R.src[src("conn")].present);
	assert_int_equal(R.src[px].events, 1);
	assert_int_equal(R.src[px].excluded, 1);
	assert_int_equal(R.src[px].unreadable, 1);
	assert_int_equal(R.unreadable, 1);
	assert_int_equal(R.src[px].hours[9], 1); /* 01:00Z is 09:00 at UTC+8 */
	assert_int_equal(R.people, 2);
	assert_int_equal(R.mix[LS_REALISM_MIX_PROXY_HOSTS].total, 1);
	ls_realism_fini(&R);

	/* A broken answer key is an error that names the file. */
	ls_buf_reset(&p);
	ls_buf_printf(&p, "%s/truth/answer-key.json", dir);
	FILE *f = fopen(p.data, "w");
	assert_non_null(f);
	fputs("{\"decoys\":[\n{\"kind\":3}]}\n", f);
	assert_int_equal(fclose(f), 0);
	ls_realism_init(&R);
	ls_diag_clear(&d);
	assert_int_equal(ls_realism_read(&R, dir, NULL, NULL, &d), LS_ERR_PARSE);
	assert_string_equal(d.file, p.data);
	assert_int_equal(d.line, 2);
	ls_realism_fini(&R);

	ls_buf_fini(&p);
	free(logs);
	free(truth);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles_of_one_to_a_hundred),
		cmocka_unit_test(nearest_rank_rounds_up),
		cmocka_unit_test(large_values_are_within_a_thousandth),
		cmocka_unit_test(hours_and_weekdays_use_the_offset),
		cmocka_unit_test(the_manifest_gives_offset_people_and_days),
		cmocka_unit_test(decoys_and_campaign_are_counted),
		cmocka_unit_test(the_key_layout_does_not_matter),
		cmocka_unit_test(key_errors_are_located),
		cmocka_unit_test(a_key_without_decoys_or_campaign),
		cmocka_unit_test(mixes_rank_by_count_then_value),
		cmocka_unit_test(a_directory_without_logs_is_not_a_dataset),
		cmocka_unit_test(a_small_dataset_is_read_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
