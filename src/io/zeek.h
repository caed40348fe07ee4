/*
 * zeek.h - a reader for Zeek's tab-separated (ASCII) logs.
 *
 * A Zeek log is a header of '#' lines followed by data lines:
 *
 *   #separator \x09            the column separator (\xNN escapes; first line)
 *   #set_separator<TAB>,       separates the elements of set[] and vector[]
 *   #empty_field<TAB>(empty)   marks an empty string or an empty container
 *   #unset_field<TAB>-         marks an unset value
 *   #path<TAB>conn             #open / #close: timestamps of the file
 *   #fields<TAB>ts<TAB>uid...  column names
 *   #types<TAB>time<TAB>string...
 *   data lines, then possibly #close and, in concatenated files, another
 *   header that begins with #separator.
 *
 * The reader is fed one line at a time (without its newline). Header lines
 * update the header; each data line becomes an ls_event whose fields are
 * named by #fields:
 *
 *   - the unset marker makes the field absent (no field at all);
 *   - the empty marker is an empty string in a scalar column, and an empty
 *     container (so no field) in a set[], vector[] or table[] column;
 *   - container columns are split on the set separator into one field per
 *     element, all with the column's name; inside a container an element
 *     equal to the unset marker is a NULL field, one equal to the empty
 *     marker an empty string;
 *   - count, int, double, port, interval and time columns (and elements)
 *     are NUMBER fields holding the text as written, validated: count and
 *     port are unsigned decimal integers, int may have a '-', and double,
 *     interval and time are decimals with an optional fraction and
 *     exponent ("1700000000.123456"); bool columns must be T or F and
 *     become BOOL fields "true"/"false"; every other type (string, addr,
 *     subnet, enum, ...) is a STRING field;
 *   - "\xNN" escapes (two hex digits) are decoded in every value, after the
 *     comparison with the markers, so an escaped "\x2d" is the string "-";
 *     a backslash not starting such an escape is kept as is.
 *   - the header's values (#set_separator, #path, #fields, ...) have their
 *     \xNN escapes decoded as well.
 *
 * Errors (LS_ERR_PARSE, or LS_ERR_TOOLONG for a line over LS_LINE_MAX) come
 * with the line number and the 1-based byte column: a data line before
 * #fields or after #close (column 1), an empty data line, a column count that
 * differs from #fields (the message gives expected and actual counts; the
 * column points at the first extra column, or just past the end when
 * columns are missing), a value that does not fit its column's type, a
 * #types line whose count differs from #fields, an unknown or malformed
 * header line. After a header error the header keeps what it had before
 * that line (a bad #types line leaves the columns untyped, i.e. strings).
 *
 * Ownership: the reader owns its header. Field names of the events it fills
 * point into that header and stay valid until ls_zeek_fini, even across a
 * new header block (old headers are kept; their size is bounded by the
 * header bytes read). Values point into the line or into the caller's arena
 * as io/event.h describes.
 */
#ifndef LS_IO_ZEEK_H
#define LS_IO_ZEEK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"

typedef struct ls_zeek_reader {
	/* The current header; read-only for callers. */
	ls_sv separator;     /* "\t" until a #separator line says otherwise */
	ls_sv set_separator; /* "," by default */
	ls_sv empty_field;   /* "(empty)" by default */
	ls_sv unset_field;   /* "-" by default */
	ls_sv path;          /* #path, empty if not given */
	ls_sv open;          /* #open, empty if not given */
	ls_sv close;         /* #close, empty if not given */
	ls_sv *fields;       /* #fields: nfields names */
	size_t nfields;
	ls_sv *types; /* #types: ntypes type names ("count", "set[string]") */
	size_t ntypes;
	bool have_fields; /* a #fields line was read in the current header */
	bool have_types;  /* a #types line matching #fields was read */
	bool closed;      /* #close was read and no other header line since */

	/* Private. */
	ls_arena store;       /* header text and arrays */
	unsigned char *kinds; /* per column: value kind and container flag */
	size_t *cuts;         /* nfields + 1: where each column of a data line starts */
} ls_zeek_reader;

/* A reader with the default header (tab, ",", "(empty)", "-") and no #fields yet. */
void ls_zeek_init(ls_zeek_reader *r);
/* Free the header storage. Accepts NULL. */
void ls_zeek_fini(ls_zeek_reader *r);

/*
 * Feed one line (without its newline), number lineno. A header line updates
 * r and sets *record to false; a data line is parsed into ev (reset first,
 * ev->line = lineno) and sets *record to true. On error *record is false
 * and the diagnostic has line lineno, the column and a NULL file. d may be
 * NULL.
 */
ls_err ls_zeek_feed(ls_zeek_reader *r, ls_sv line, unsigned long lineno, ls_event *ev, ls_arena *a,
                    bool *record, ls_diag *d) LS_WUR;

#endif
