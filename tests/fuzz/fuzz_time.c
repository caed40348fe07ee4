/*
 * fuzz_time.c - libFuzzer target for the three timestamp parsers.
 *
 * The input goes to the RFC 3339, RFC 5424 and Zeek parsers. Whatever a
 * parser accepts must survive every formatter: format, parse again, same
 * value. Whatever it rejects must come with a diagnostic that names the same
 * error and points inside the input (or just past its end). RFC 5424 is a
 * narrowing of RFC 3339, so anything the first accepts the second must
 * accept with the same value. Any broken promise aborts.
 *
 * The parsers take a view, so the input is never read past size and needs
 * no terminator.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "core/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rejection(ls_err e, const ls_diag *d, size_t size)
{
	if (e != LS_ERR_PARSE && e != LS_ERR_RANGE && e != LS_ERR_TOOLONG)
		abort();
	if (d->err != e || d->col == 0 || d->col > size + 1 || d->message[0] == '\0')
		abort();
	if ((e == LS_ERR_TOOLONG) != (size > LS_TIME_TEXT_MAX))
		abort();
}

/* Format t every way there is, with the given offset, and parse each back. */
static void roundtrip(ls_buf *b, ls_time t, int offset)
{
	ls_time back;
	bool nil;

	if (t < LS_TIME_MIN || t > LS_TIME_MAX)
		abort();
	for (int frac = 6; frac <= 9; frac++) {
		ls_buf_reset(b);
		ls_time_format_rfc3339(b, t, frac, frac == 9 ? 0 : offset);
		if (ls_time_parse_rfc3339(ls_buf_sv(b), &back, NULL) != LS_OK || back != t)
			abort();
	}
	ls_buf_reset(b);
	ls_time_format_rfc3339(b, t, LS_TIME_FRAC_AUTO, offset);
	if (ls_time_parse_rfc3339(ls_buf_sv(b), &back, NULL) != LS_OK || back != t)
		abort();

	ls_buf_reset(b);
	ls_time_format_rfc5424(b, t, 6, offset);
	if (ls_time_parse_rfc5424(ls_buf_sv(b), &back, &nil, NULL) != LS_OK || nil || back != t)
		abort();

	ls_buf_reset(b);
	ls_time_format_zeek(b, t);
	if (ls_time_parse_zeek(ls_buf_sv(b), &back, NULL) != LS_OK || back != t)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ls_sv s = ls_sv_make((const char *)data, size);
	ls_buf b = LS_BUF_INIT;
	ls_diag d;
	ls_time t3339 = 0, t5424 = 0, tzeek = 0, again = 0;
	bool nil = false;

	/* An offset for the formatters, taken from the input so it varies too. */
	int offset = 0;
	if (size > 0)
		offset = (int)(((unsigned)data[0] << 8 | data[size - 1]) %
		               (2 * LS_TIME_OFFSET_MAX + 1)) -
		         LS_TIME_OFFSET_MAX;

	ls_diag_clear(&d);
	ls_err e3339 = ls_time_parse_rfc3339(s, &t3339, &d);
	if (e3339 == LS_OK)
		roundtrip(&b, t3339, offset);
	else
		check_rejection(e3339, &d, size);
	if (ls_time_parse_rfc3339(s, &again, NULL) != e3339 || (e3339 == LS_OK && again != t3339))
		abort();

	ls_diag_clear(&d);
	ls_err e5424 = ls_time_parse_rfc5424(s, &t5424, &nil, &d);
	if (e5424 == LS_OK && !nil) {
		roundtrip(&b, t5424, offset);
		if (e3339 != LS_OK || t3339 != t5424)
			abort();
	} else if (e5424 == LS_OK) {
		if (size != 1 || data[0] != '-')
			abort();
	} else {
		check_rejection(e5424, &d, size);
	}

	ls_diag_clear(&d);
	ls_err ezeek = ls_time_parse_zeek(s, &tzeek, &d);
	if (ezeek == LS_OK)
		roundtrip(&b, tzeek, offset);
	else
		check_rejection(ezeek, &d, size);

	ls_buf_fini(&b);
	return 0;
}
