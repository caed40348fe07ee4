/*
 * event.c - field lists and the bounded line reader.
 *
 * Line reader invariant: buf[start, end) holds bytes read but not yet
 * returned; start <= end <= cap. The buffer only grows while one line does
 * not fit, and never beyond LS_LINE_MAX + 1 bytes, so a hostile file
 * without newlines costs a bounded amount of memory.
 */
#include "io/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"

/* ------------------------------------------------------------------ events */

void ls_event_init(ls_event *ev)
{
	*ev = LS_EVENT_INIT;
}

void ls_event_fini(ls_event *ev)
{
	if (ev == NULL)
		return;
	free(ev->fields);
	*ev = LS_EVENT_INIT;
}

void ls_event_reset(ls_event *ev)
{
	ev->n = 0;
	ev->line = 0;
}

void ls_event_grow(ls_event *ev, size_t extra)
{
	if (extra > SIZE_MAX / 2 - ev->n)
		ls_oom(SIZE_MAX);
	size_t need = ev->n + extra;
	if (need <= ev->cap)
		return;
	size_t cap = ev->cap ? ev->cap : 16;
	while (cap < need)
		cap *= 2;
	ev->fields = ls_xreallocarray(ev->fields, cap, sizeof *ev->fields);
	ev->cap = cap;
}

/* Names compared on the hot path: length, then the last and first bytes
 * (Zeek's id.orig_h and id.resp_h differ only at the end), then the rest. */
static inline bool same_name(ls_sv a, ls_sv b)
{
	return a.len == b.len &&
	       (a.len == 0 || (a.ptr[a.len - 1] == b.ptr[a.len - 1] && a.ptr[0] == b.ptr[0] &&
	                       memcmp(a.ptr, b.ptr, a.len) == 0));
}

const ls_field *ls_event_get(const ls_event *ev, ls_sv name)
{
	for (size_t i = 0; i < ev->n; i++)
		if (same_name(ev->fields[i].name, name))
			return &ev->fields[i];
	return NULL;
}

const ls_field *ls_event_get_nocase(const ls_event *ev, ls_sv name)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ls_sv_eq_nocase(ev->fields[i].name, name))
			return &ev->fields[i];
	return NULL;
}

const ls_field *ls_event_next(const ls_event *ev, const ls_field *prev)
{
	const ls_field *end = ev->fields + ev->n;
	for (const ls_field *f = prev + 1; f < end; f++)
		if (same_name(f->name, prev->name))
			return f;
	return NULL;
}

size_t ls_event_count(const ls_event *ev, ls_sv name)
{
	size_t n = 0;
	for (size_t i = 0; i < ev->n; i++)
		n += ls_sv_eq(ev->fields[i].name, name);
	return n;
}

const char *ls_value_type_name(ls_value_type t)
{
	switch (t) {
	case LS_VALUE_STRING: return "string";
	case LS_VALUE_NUMBER: return "number";
	case LS_VALUE_BOOL: return "bool";
	case LS_VALUE_NULL: return "null";
	}
	return "unknown";
}

/* ------------------------------------------------------------------- UTF-8 */

size_t ls_utf8_char_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

bool ls_utf8_valid(ls_sv s, size_t *bad)
{
	size_t i = 0;
	while (i < s.len) {
		if ((unsigned char)s.ptr[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = ls_utf8_char_len(s.ptr + i, s.len - i);
		if (n == 0) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

/* ------------------------------------------------------------- line reader */

#define READ_BLOCK (64u * 1024u)
/* Room for the longest allowed line plus its newline. */
#define BUF_MAX ((size_t)LS_LINE_MAX + 1)

void ls_line_reader_init(ls_line_reader *r, FILE *f)
{
	memset(r, 0, sizeof *r);
	r->f = f;
}

void ls_line_reader_fini(ls_line_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	r->buf = NULL;
	r->cap = r->start = r->end = 0;
}

/* Read more bytes after buf[end]; false at end of input or on error. */
static bool fill(ls_line_reader *r)
{
	if (r->eof || r->error)
		return false;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : READ_BLOCK;
		if (cap > BUF_MAX)
			cap = BUF_MAX;
		if (cap == r->cap)
			return false; /* full: the caller handles the overlong line */
		r->buf = ls_xrealloc(r->buf, cap);
		r->cap = cap;
	}
	size_t want = r->cap - r->end;
	size_t got = fread(r->buf + r->end, 1, want, r->f);
	r->end += got;
	if (got < want) {
		if (ferror(r->f))
			r->error = true;
		else
			r->eof = true;
	}
	return got > 0;
}

ls_err ls_line_reader_next(ls_line_reader *r, ls_sv *line, ls_diag *d)
{
	size_t scanned = 0; /* bytes after start already known to hold no '\n' */
	for (;;) {
		char *nl = NULL;
		if (r->end - r->start > scanned)
			nl = memchr(r->buf + r->start + scanned, '\n', r->end - r->start - scanned);
		if (nl) {
			*line = ls_sv_make(r->buf + r->start, (size_t)(nl - (r->buf + r->start)));
			r->start = (size_t)(nl - r->buf) + 1;
			r->line++;
			if (line->len > LS_LINE_MAX)
				goto toolong_done;
			return LS_OK;
		}
		scanned = r->end - r->start;
		if (scanned > LS_LINE_MAX)
			break;
		if (!fill(r)) {
			if (r->error)
				return ls_diag_set(d, LS_ERR_IO, NULL, r->line + 1, 0,
				                   "read error: %s", strerror(errno ? errno : EIO));
			if (r->end > r->start) {
				*line = ls_sv_make(r->buf + r->start, r->end - r->start);
				r->start = r->end;
				r->line++;
				return LS_OK;
			}
			return LS_ERR_NOTFOUND;
		}
	}
	/* Too long: drop bytes up to and including the next newline. */
	r->line++;
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			r->start = (size_t)(nl - r->buf) + 1;
			break;
		}
		r->start = r->end = 0;
		if (!fill(r)) {
			if (r->error)
				return ls_diag_set(d, LS_ERR_IO, NULL, r->line, 0, "read error: %s",
				                   strerror(errno ? errno : EIO));
			break;
		}
	}
toolong_done:
	return ls_diag_set(d, LS_ERR_TOOLONG, NULL, r->line, (unsigned long)LS_LINE_MAX + 1,
	                   "line longer than %u bytes", (unsigned)LS_LINE_MAX);
}
