/*
 * event.h - the one event model shared by the log readers, the sensors and
 * the Sigma engine, and a bounded line reader for log files.
 *
 * An ls_event is a flat, ordered list of fields. Each field is a name, a
 * value and the value's type. Readers append fields in the order they occur
 * in the record, so "the first field named N" is well defined. Nothing is
 * ever merged, sorted or de-duplicated: a record's fields come out exactly as
 * they were written.
 *
 * Semantics (the Sigma engine relies on them):
 *
 *   - Types. STRING, NUMBER, BOOL or NULL. A NUMBER keeps its text exactly as
 *     written ("1.50", "-0", "1e3", Zeek's "1700000000.123456"); it is never
 *     converted, so no precision is lost and the engine decides how to compare.
 *     A BOOL's value is always exactly "true" or "false" (Zeek's T and F are
 *     normalised). A NULL's value is exactly "null".
 *   - Nesting. A nested JSON object flattens into dotted names:
 *     {"a":{"b":{"c":1}}} gives one field "a.b.c". A key that itself contains
 *     a dot is not distinguished: {"id.orig_h":"x"} and {"id":{"orig_h":"x"}}
 *     give the same field, which is what Sigma field names expect.
 *   - Arrays. An array gives one field per scalar element, all with the
 *     array's name, in order: {"t":["a","b"]} gives t="a", t="b". Arrays
 *     nested in arrays flatten the same way ({"t":[["a"],"b"]} gives t="a",
 *     t="b"), and objects inside arrays flatten with the array's name as
 *     their prefix ({"p":[{"x":1},{"x":2}]} gives p.x=1, p.x=2). Zeek set[]
 *     and vector[] columns become repeated fields the same way.
 *   - Empty containers. An empty array or object (JSON [] or {}, a Zeek set
 *     or vector written as the empty-field marker) produces no field: the
 *     name is absent, exactly as if the key had not been written.
 *   - Absent versus null. A Zeek unset value ("-") and an RFC 5424 NILVALUE
 *     make the field absent; only JSON's null (and an unset element inside a
 *     Zeek container) yields a NULL field.
 *   - Duplicates. A name may occur more than once (arrays, duplicate JSON
 *     keys, repeated SD-PARAMs). ls_event_get returns the first occurrence;
 *     ls_event_next walks all of them.
 *   - Bytes. Names and values are byte strings, not NUL-terminated, and may
 *     contain NUL (JSON "\u0000"). JSON text is guaranteed valid UTF-8;
 *     Zeek and syslog values are passed through as the log wrote them.
 *
 * Ownership: an event owns its field array (reused across ls_event_reset)
 * but not the bytes its views point at. Those live either in the input line
 * (when a value needed no unescaping) or in an ls_arena the caller passes to
 * the reader, so the caller keeps both the line and the arena alive while it
 * uses the event, and frees the arena once per batch of events.
 */
#ifndef LS_IO_EVENT_H
#define LS_IO_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/str.h"

typedef enum ls_value_type {
	LS_VALUE_STRING = 0,
	LS_VALUE_NUMBER = 1,
	LS_VALUE_BOOL = 2,
	LS_VALUE_NULL = 3,
} ls_value_type;

typedef struct ls_field {
	ls_sv name;
	ls_sv value;
	ls_value_type type;
	/*
	 * Byte offset in the parsed text where the value starts (the opening
	 * quote of a JSON string, the first byte of a Zeek column or syslog
	 * token); 0 for fields built in memory. Column = pos + 1. It lets the
	 * engine's explain output and the audit point at the exact place.
	 */
	uint32_t pos;
} ls_field;

typedef struct ls_event {
	ls_field *fields;
	size_t n;
	size_t cap;
	unsigned long line; /* 1-based line of the record in its file; 0 if unknown */
} ls_event;

#define LS_EVENT_INIT ((ls_event){ NULL, 0, 0, 0 })

/* The canonical values of BOOL and NULL fields. */
#define LS_VALUE_TRUE LS_SV_LIT("true")
#define LS_VALUE_FALSE LS_SV_LIT("false")
#define LS_VALUE_NULL_TEXT LS_SV_LIT("null")

/* An empty event (the same as LS_EVENT_INIT). */
void ls_event_init(ls_event *ev);
/* Free the field array. Accepts NULL. */
void ls_event_fini(ls_event *ev);
/* Forget the fields (keeping the storage) and the line number. */
void ls_event_reset(ls_event *ev);
/* Make room for `extra` more fields (the slow path of ls_event_add). */
void ls_event_grow(ls_event *ev, size_t extra);

/*
 * Append a field; the event borrows name and value. Returns the new field,
 * valid until the next add or reset. Inline: it is the innermost step of
 * every reader.
 */
static inline ls_field *ls_event_add(ls_event *ev, ls_sv name, ls_sv value, ls_value_type type,
                                     uint32_t pos)
{
	if (ev->n == ev->cap)
		ls_event_grow(ev, 1);
	ls_field *f = &ev->fields[ev->n++];
	f->name = name;
	f->value = value;
	f->type = type;
	f->pos = pos;
	return f;
}

/* The first field named exactly `name` (bytewise, case-sensitive), or NULL. */
const ls_field *ls_event_get(const ls_event *ev, ls_sv name);
/* As ls_event_get with an ASCII case-insensitive name comparison. */
const ls_field *ls_event_get_nocase(const ls_event *ev, ls_sv name);
/*
 * The next field after `prev` with the same name as prev, or NULL. With
 * ls_event_get it visits every value of a name in record order:
 *   for (f = ls_event_get(ev, n); f; f = ls_event_next(ev, f)) ...
 */
const ls_field *ls_event_next(const ls_event *ev, const ls_field *prev);
/* Number of fields named `name`. */
size_t ls_event_count(const ls_event *ev, ls_sv name);

/* "string", "number", "bool" or "null". */
const char *ls_value_type_name(ls_value_type t);

/* ------------------------------------------------------------------ UTF-8 */

/*
 * Length (1-4) of the well-formed UTF-8 sequence at s, which has n >= 1
 * bytes available, or 0 if the bytes there are ill-formed (Unicode Table
 * 3-7: no overlong forms, no encoded surrogates, nothing above U+10FFFF).
 */
size_t ls_utf8_char_len(const char *s, size_t n);
/*
 * Whether s is entirely valid UTF-8; if not, *bad (may be NULL) gets the
 * offset of the first ill-formed byte.
 */
bool ls_utf8_valid(ls_sv s, size_t *bad);

/* ------------------------------------------------------------ line reader */

/*
 * Reads a FILE line by line in large blocks, without ever holding more than
 * LS_LINE_MAX (core/limits.h) bytes of one line. A line is the bytes before
 * a '\n' (which is not included; a '\r' before it is kept, since every
 * format leaksim reads uses '\n' alone); a last line without '\n' counts.
 * The reader borrows the FILE; the caller opens and closes it.
 */
typedef struct ls_line_reader {
	FILE *f;
	char *buf;
	size_t cap, start, end;
	unsigned long line; /* number of the line last returned (or skipped) */
	bool eof;
	bool error;
} ls_line_reader;

/* Start reading f at its current position; the first line is number 1. */
void ls_line_reader_init(ls_line_reader *r, FILE *f);
/* Free the buffer (not the FILE). Accepts NULL. */
void ls_line_reader_fini(ls_line_reader *r);

/*
 * The next line, as a view valid until the next call; r->line is its
 * number. Returns LS_OK; LS_ERR_NOTFOUND at the end of input; LS_ERR_TOOLONG
 * for a line longer than LS_LINE_MAX, which is skipped (the next call goes
 * on with the following line; d gets the line number and column
 * LS_LINE_MAX + 1); LS_ERR_IO on a read error (d says so; stop reading).
 * d may be NULL.
 */
ls_err ls_line_reader_next(ls_line_reader *r, ls_sv *line, ls_diag *d) LS_WUR;

#endif
