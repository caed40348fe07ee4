/*
 * fuzz_zeek.c - libFuzzer target for the Zeek TSV reader.
 *
 * The input is split at newlines and fed line by line to one reader, so
 * header lines change how later data lines are read. Every rejection must
 * carry a diagnostic with the same error, the line's number and a column
 * inside the line (or just past its end). Every record must obey the
 * reader's contract: names come from #fields, NUMBER values are non-empty
 * digits-and-signs text, BOOL values are "true" or "false", NULL values are
 * "null". Any broken promise aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"
#include "io/zeek.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool named_by_header(const ls_zeek_reader *r, ls_sv name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (ls_sv_eq(r->fields[i], name))
			return true;
	return false;
}

static void check_record(const ls_zeek_reader *r, const ls_event *ev, size_t len)
{
	for (size_t i = 0; i < ev->n; i++) {
		const ls_field *f = &ev->fields[i];
		if (!named_by_header(r, f->name) || f->pos > len)
			abort();
		switch (f->type) {
		case LS_VALUE_STRING: break;
		case LS_VALUE_NUMBER:
			if (f->value.len == 0)
				abort();
			for (size_t k = 0; k < f->value.len; k++)
				if (!strchr("0123456789.-+eE", f->value.ptr[k]))
					abort();
			break;
		case LS_VALUE_BOOL:
			if (!ls_sv_eq_cstr(f->value, "true") && !ls_sv_eq_cstr(f->value, "false"))
				abort();
			break;
		case LS_VALUE_NULL:
			if (!ls_sv_eq_cstr(f->value, "null"))
				abort();
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_sv rest = ls_sv_make((const char *)data, size);
	ls_zeek_reader r;
	ls_zeek_init(&r);
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	unsigned long lineno = 0;
	bool more = size > 0;
	while (more) {
		ls_sv line;
		rest = ls_sv_cut(rest, '\n', &line, &more);
		lineno++;
		ls_diag d;
		ls_diag_clear(&d);
		bool rec = true;
		ls_err e = ls_zeek_feed(&r, line, lineno, &ev, &a, &rec, &d);
		if (e == LS_OK) {
			if (rec)
				check_record(&r, &ev, line.len);
			if (!rec && line.ptr[0] != '#')
				abort();
		} else {
			if (rec || (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG))
				abort();
			if (d.err != e || d.line != lineno || d.col == 0 || d.col > line.len + 1 ||
			    d.message[0] == '\0')
				abort();
		}
		if (r.have_types && r.ntypes != r.nfields)
			abort();
	}
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	ls_zeek_fini(&r);
	return 0;
}
