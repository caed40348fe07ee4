/*
 * fuzz_jsonl.c - libFuzzer target for the JSON Lines reader.
 *
 * The input is parsed as one record and as a document. Both modes must
 * agree on the verdict. A rejection must come with a diagnostic naming the
 * same error and pointing inside the input (or just past its end). An
 * accepted record must have valid UTF-8 names and string values, and must
 * survive a round trip: written back as a flat JSON object by the core JSON
 * writer and parsed again, it gives exactly the same fields. Any broken
 * promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"
#include "io/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rejection(ls_err e, const ls_diag *d, size_t size)
{
	if (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG)
		abort();
	if (d->err != e || d->col == 0 || d->message[0] == '\0')
		abort();
	if (d->col > size + 1 && !(e == LS_ERR_TOOLONG && d->col == LS_LINE_MAX + 1))
		abort();
}

static bool same_fields(const ls_event *a, const ls_event *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!ls_sv_eq(a->fields[i].name, b->fields[i].name) ||
		    !ls_sv_eq(a->fields[i].value, b->fields[i].value) ||
		    a->fields[i].type != b->fields[i].type)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_sv in = ls_sv_make((const char *)data, size);
	ls_event ev = LS_EVENT_INIT, doc = LS_EVENT_INIT, back = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);

	ls_err e = ls_jsonl_parse(in, 1, &ev, &a, &d);
	if (e != LS_OK)
		check_rejection(e, &d, size);
	if (d.line != (e == LS_OK ? 0u : 1u) || ev.line != 1)
		abort();

	ls_diag_clear(&d);
	ls_err ed = ls_json_parse_document(in, LS_LINE_MAX, &doc, &a, &d);
	if (ed != e)
		abort();
	if (ed == LS_OK && !same_fields(&ev, &doc))
		abort();

	if (e == LS_OK) {
		ls_buf out = LS_BUF_INIT;
		ls_jw w;
		ls_jw_init(&w, &out);
		ls_jw_object_begin(&w);
		for (size_t i = 0; i < ev.n; i++) {
			const ls_field *f = &ev.fields[i];
			if (!ls_utf8_valid(f->name, NULL))
				abort();
			if (f->pos >= size)
				abort();
			ls_jw_key(&w, f->name);
			switch (f->type) {
			case LS_VALUE_STRING:
				if (!ls_utf8_valid(f->value, NULL))
					abort();
				ls_jw_str(&w, f->value);
				break;
			case LS_VALUE_NUMBER: ls_jw_raw(&w, f->value); break;
			case LS_VALUE_BOOL:
				if (!ls_sv_eq_cstr(f->value, "true") &&
				    !ls_sv_eq_cstr(f->value, "false"))
					abort();
				ls_jw_bool(&w, ls_sv_eq_cstr(f->value, "true"));
				break;
			case LS_VALUE_NULL: ls_jw_null(&w); break;
			}
		}
		ls_jw_object_end(&w);
		/* The flat rewrite may be longer than a line (escapes); use document mode. */
		if (ls_json_parse_document(ls_buf_sv(&out), SIZE_MAX, &back, &a, NULL) != LS_OK ||
		    !same_fields(&ev, &back))
			abort();
		ls_buf_fini(&out);
	}

	ls_event_fini(&ev);
	ls_event_fini(&doc);
	ls_event_fini(&back);
	ls_arena_fini(&a);
	return 0;
}
