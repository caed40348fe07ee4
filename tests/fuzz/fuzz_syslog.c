/*
 * fuzz_syslog.c - libFuzzer target for the syslog reader.
 *
 * The input is parsed as one line. A rejection must carry a diagnostic with
 * the same error and a column inside the line (or just past its end). An
 * accepted line must start with facility (0-23) and severity (0-7) fields
 * whose values agree with the PRI, and every field must point at a
 * position inside the line. An RFC 3164 timestamp the reader accepted must
 * convert to an instant in a leap year. Any broken promise aborts.
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
#include "core/time.h"
#include "io/event.h"
#include "io/syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned small(ls_sv v)
{
	uint64_t n = 0;
	if (ls_sv_to_u64(v, &n) != LS_OK || n > 23)
		abort();
	return (unsigned)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_sv in = ls_sv_make((const char *)data, size);
	ls_event ev = LS_EVENT_INIT;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_syslog_parse(in, 1, &ev, &a, &d);
	if (e != LS_OK) {
		if (e != LS_ERR_PARSE && e != LS_ERR_TOOLONG)
			abort();
		if (d.err != e || d.line != 1 || d.col == 0 || d.col > size + 1 ||
		    d.message[0] == '\0')
			abort();
	} else {
		if (ev.n < 2 || !ls_sv_eq_cstr(ev.fields[0].name, "facility") ||
		    !ls_sv_eq_cstr(ev.fields[1].name, "severity"))
			abort();
		unsigned fac = small(ev.fields[0].value), sev = small(ev.fields[1].value);
		if (sev > 7)
			abort();
		/* The PRI's digits are at pos; they must say fac * 8 + sev. */
		size_t p = ev.fields[0].pos;
		unsigned pri = 0;
		while (p < size && data[p] >= '0' && data[p] <= '9')
			pri = pri * 10 + (unsigned)(data[p++] - '0');
		if (pri != fac * 8 + sev)
			abort();
		for (size_t i = 0; i < ev.n; i++)
			if (ev.fields[i].pos > size || ev.fields[i].type == LS_VALUE_NULL)
				abort();
		const ls_field *ts = ls_event_get(&ev, LS_SV_LIT("timestamp"));
		ls_time t;
		if (ts && ts->value.len == 15 && ts->value.ptr[3] == ' ' &&
		    ls_syslog_rfc3164_time(ts->value, 2024, &t) != LS_OK)
			abort();
	}
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	return 0;
}
