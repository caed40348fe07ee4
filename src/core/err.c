/*
 * err.c - error code names and located diagnostics.
 *
 * The table below is indexed by the enum value, so its order is the stable
 * numbering of err.h. A static assertion keeps the two in step.
 */
#include "core/err.h"

#include <stdarg.h>
#include <string.h>

static const char *const err_text[] = {
	[LS_OK] = "success",
	[LS_ERR_NOMEM] = "out of memory",
	[LS_ERR_IO] = "input/output error",
	[LS_ERR_PARSE] = "parse error",
	[LS_ERR_RANGE] = "value out of range",
	[LS_ERR_TOOLONG] = "input too long",
	[LS_ERR_EXISTS] = "output already exists (use --force to overwrite)",
	[LS_ERR_NOTFOUND] = "not found",
	[LS_ERR_USAGE] = "usage error",
	[LS_ERR_CRYPTO] = "cryptographic check failed",
	[LS_ERR_UNSUPPORTED] = "unsupported feature",
	[LS_ERR_STATE] = "invalid state",
};

_Static_assert(sizeof err_text / sizeof err_text[0] == LS_ERR__COUNT,
               "err_text must have one entry per ls_err code");

const char *ls_strerror(ls_err err)
{
	if ((unsigned)err >= LS_ERR__COUNT || err_text[err] == NULL)
		return "unknown error";
	return err_text[err];
}

void ls_diag_clear(ls_diag *d)
{
	memset(d, 0, sizeof *d);
}

ls_err ls_diag_vset(ls_diag *d, ls_err err, const char *file, unsigned long line, unsigned long col,
                    const char *fmt, va_list ap)
{
	if (d == NULL)
		return err;
	d->file = file;
	d->line = line;
	d->col = col;
	d->err = err;
	if (vsnprintf(d->message, sizeof d->message, fmt, ap) < 0)
		d->message[0] = '\0';
	return err;
}

ls_err ls_diag_set(ls_diag *d, ls_err err, const char *file, unsigned long line, unsigned long col,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err = ls_diag_vset(d, err, file, line, col, fmt, ap);
	va_end(ap);
	return err;
}

size_t ls_diag_format(const ls_diag *d, char *out, size_t cap)
{
	const char *file = d->file ? d->file : "<input>";
	int n;
	if (d->line && d->col)
		n = snprintf(out, cap, "%s:%lu:%lu: %s", file, d->line, d->col, d->message);
	else if (d->line)
		n = snprintf(out, cap, "%s:%lu: %s", file, d->line, d->message);
	else
		n = snprintf(out, cap, "%s: %s", file, d->message);
	return n < 0 ? 0 : (size_t)n;
}

void ls_diag_print(const ls_diag *d, FILE *f)
{
	char line[LS_DIAG_MSG_MAX + 512];
	ls_diag_format(d, line, sizeof line);
	fputs(line, f);
	fputc('\n', f);
}
