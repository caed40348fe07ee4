/*
 * jsonl.h - a strict JSON (RFC 8259) reader for JSON Lines records.
 *
 * Each line of a JSON Lines file is one record: a JSON object, which the
 * parser flattens into an ls_event as io/event.h describes (dotted names for
 * nested objects, one field per array element). The parser validates the
 * whole grammar and accepts nothing else:
 *
 *   - The top level must be an object; only JSON whitespace (space, tab,
 *     CR, LF) may surround it. An empty line is an error.
 *   - Strings: every escape of RFC 8259 (\" \\ \/ \b \f \n \r \t \uXXXX).
 *     A \uXXXX high surrogate must be followed at once by a \uXXXX low
 *     surrogate and they combine into one code point; a lone surrogate of
 *     either kind is an error. Raw control bytes (below 0x20) are errors.
 *     Invalid UTF-8 (overlong forms, encoded surrogates, code points above
 *     U+10FFFF, truncated or stray bytes) is rejected, never repaired, so
 *     every name and value of a parsed event is valid UTF-8. "\u0000" is
 *     accepted and yields a NUL byte inside the value.
 *   - Numbers follow the grammar exactly (no leading zeros, no '+', no bare
 *     '.', no hexadecimal, no NaN or Infinity) and are kept as text with
 *     type NUMBER.
 *   - true, false and null become BOOL and NULL fields.
 *   - Duplicate keys are kept: {"a":1,"a":2} gives two fields named "a", in
 *     order (RFC 8259 leaves the meaning to the reader; keeping both means
 *     no record content is ever hidden from a rule or from the audit).
 *   - Limits: nesting deeper than LS_JSON_DEPTH_MAX (the top-level object
 *     is depth 1) and lines longer than LS_LINE_MAX give LS_ERR_TOOLONG.
 *
 * Errors are LS_ERR_PARSE or LS_ERR_TOOLONG with a diagnostic whose col is
 * the 1-based byte column of the offending byte (one past the end when the
 * text ended early) and whose message says what was expected and what was
 * found. The event's contents are unspecified after an error.
 *
 * Names and values point into the line when no unescaping was needed and
 * nested names or unescaped text are built in the caller's arena; see the
 * ownership rule of io/event.h.
 */
#ifndef LS_IO_JSONL_H
#define LS_IO_JSONL_H

#include <stddef.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "io/event.h"

/*
 * Parse one JSON Lines record (without its newline) into ev, which is reset
 * first; ev->line = lineno. The diagnostic gets line lineno, the column and
 * a NULL file (for the caller to fill in). d may be NULL.
 */
ls_err ls_jsonl_parse(ls_sv line, unsigned long lineno, ls_event *ev, ls_arena *a,
                      ls_diag *d) LS_WUR;

/*
 * Parse a whole JSON document that may span lines (manifest.json, an answer
 * key) with the same rules, except that the length cap is `max` bytes
 * (at most UINT32_MAX) instead of LS_LINE_MAX. ev->line = 1. Diagnostics
 * give the 1-based line and column within text; field positions are byte
 * offsets within text (ls_json_line_of turns them into line numbers).
 */
ls_err ls_json_parse_document(ls_sv text, size_t max, ls_event *ev, ls_arena *a, ls_diag *d) LS_WUR;

/* The 1-based line of byte offset pos in text (1 + newlines before it). */
unsigned long ls_json_line_of(ls_sv text, size_t pos);

#endif
