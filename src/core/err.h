/*
 * err.h - leaksim's error codes and source diagnostics.
 *
 * Every fallible function in leaksim returns an ls_err. The numeric values are
 * part of the interface (they appear in logs and tests) and never change: new
 * codes are only ever appended. Parsers additionally fill an ls_diag that says
 * where in the input the problem is; the CLI prints it as
 * "file:line:col: message".
 *
 * Ownership: an ls_diag borrows its file name (the caller keeps it alive while
 * the diagnostic is in use); the message is stored inline.
 */
#ifndef LS_CORE_ERR_H
#define LS_CORE_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#define LS_WUR __attribute__((warn_unused_result))
#define LS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define LS_NORETURN __attribute__((noreturn))
#else
#define LS_WUR
#define LS_PRINTF(fmt, args)
#define LS_NORETURN
#endif

typedef enum ls_err {
	LS_OK = 0,
	LS_ERR_NOMEM = 1,        /* out of memory (allocators abort instead) */
	LS_ERR_IO = 2,           /* read/write/fsync/rename failed; errno kept */
	LS_ERR_PARSE = 3,        /* malformed input; a diagnostic says where */
	LS_ERR_RANGE = 4,        /* a value is outside its allowed range */
	LS_ERR_TOOLONG = 5,      /* input exceeds a named limit (see limits.h) */
	LS_ERR_EXISTS = 6,       /* output exists and --force was not given */
	LS_ERR_NOTFOUND = 7,     /* a named file, key or entry does not exist */
	LS_ERR_USAGE = 8,        /* bad command-line usage */
	LS_ERR_CRYPTO = 9,       /* a libsodium call failed or a check did not verify */
	LS_ERR_UNSUPPORTED = 10, /* valid input using a feature leaksim lacks */
	LS_ERR_STATE = 11,       /* an API was called in the wrong state */
	LS_ERR__COUNT            /* number of codes; not an error */
} ls_err;

/* Static English text for an error code; never NULL, even for unknown codes. */
const char *ls_strerror(ls_err err);

/* Limit for the inline message of a diagnostic (longer ones are truncated). */
#define LS_DIAG_MSG_MAX 512

/*
 * A located diagnostic. line and col are 1-based; 0 means "not known" and is
 * left out when printing. file may be NULL (printed as "<input>").
 */
typedef struct ls_diag {
	const char *file;
	unsigned long line;
	unsigned long col;
	ls_err err;
	char message[LS_DIAG_MSG_MAX];
} ls_diag;

/* Reset a diagnostic to "no error", keeping nothing. */
void ls_diag_clear(ls_diag *d);

/*
 * Record an error with its location and a printf-style message. d may be NULL,
 * in which case nothing is recorded. Returns err so that callers can write
 * `return ls_diag_set(d, LS_ERR_PARSE, ...)`.
 */
ls_err ls_diag_set(ls_diag *d, ls_err err, const char *file, unsigned long line, unsigned long col,
                   const char *fmt, ...) LS_PRINTF(6, 7);
/* The same with a va_list. */
ls_err ls_diag_vset(ls_diag *d, ls_err err, const char *file, unsigned long line, unsigned long col,
                    const char *fmt, va_list ap) LS_PRINTF(6, 0);

/*
 * Format "file:line:col: message" into out (always NUL-terminated, truncated
 * to cap). Unknown line/col are omitted: "file: message" or "file:line: message".
 * Returns the length that the full text would have had.
 */
size_t ls_diag_format(const ls_diag *d, char *out, size_t cap);

/* Print the formatted diagnostic and a newline to f. */
void ls_diag_print(const ls_diag *d, FILE *f);

#endif
