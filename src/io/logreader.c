/*
 * logreader.c - format detection, the three readers behind one pull loop,
 * and event times.
 */
#include "io/logreader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "io/jsonl.h"
#include "io/syslog.h"

const char *ls_logformat_name(ls_logformat f)
{
	switch (f) {
	case LS_LOG_JSONL: return "jsonl";
	case LS_LOG_ZEEK: return "zeek";
	case LS_LOG_SYSLOG: return "syslog";
	default: return "unknown";
	}
}

ls_err ls_logreader_open(ls_logreader *r, const char *path, const char *time_field, ls_diag *d)
{
	memset(r, 0, sizeof *r);
	r->f = fopen(path, "rb");
	if (r->f == NULL)
		return ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
	r->path = ls_xstrdup(path);
	r->time_field = time_field;
	struct stat st;
	struct tm tm;
	time_t mt = fstat(fileno(r->f), &st) == 0 ? st.st_mtime : 0;
	r->year3164 = gmtime_r(&mt, &tm) ? tm.tm_year + 1900 : 1970;
	ls_line_reader_init(&r->lr, r->f);
	ls_zeek_init(&r->zeek);
	ls_arena_init(&r->arena, 0);
	ls_event_init(&r->ev);
	r->first = true;
	return LS_OK;
}

void ls_logreader_close(ls_logreader *r)
{
	if (r == NULL)
		return;
	if (r->f)
		fclose(r->f);
	ls_line_reader_fini(&r->lr);
	ls_zeek_fini(&r->zeek);
	ls_arena_fini(&r->arena);
	ls_event_fini(&r->ev);
	free(r->path);
	memset(r, 0, sizeof *r);
}

static ls_logformat detect(ls_sv line)
{
	size_t i = 0;
	if (line.len >= 3 && memcmp(line.ptr, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < line.len && (line.ptr[i] == ' ' || line.ptr[i] == '\t'))
		i++;
	if (i >= line.len)
		return LS_LOG_UNKNOWN;
	if (line.ptr[i] == '#')
		return LS_LOG_ZEEK;
	if (line.ptr[i] == '{')
		return LS_LOG_JSONL;
	if (line.ptr[i] == '<')
		return LS_LOG_SYSLOG;
	return LS_LOG_UNKNOWN;
}

ls_err ls_logreader_next(ls_logreader *r, ls_diag *d)
{
	for (;;) {
		ls_sv line;
		ls_err e = ls_line_reader_next(&r->lr, &line, d);
		if (e == LS_ERR_NOTFOUND || e == LS_ERR_IO) {
			if (e == LS_ERR_IO && d)
				d->file = r->path;
			return e;
		}
		if (e == LS_ERR_TOOLONG) {
			r->bad++;
			if (d)
				d->file = r->path;
			return e;
		}
		unsigned long lineno = r->lr.line;
		if (r->format == LS_LOG_UNKNOWN) {
			if (line.len == 0)
				continue; /* blank lines before the first record */
			r->format = detect(line);
			if (r->format == LS_LOG_UNKNOWN) {
				r->bad++;
				return ls_diag_set(
				        d, LS_ERR_PARSE, r->path, lineno, 1,
				        "not a log format leaksim reads (JSON Lines, Zeek TSV "
				        "with its header, RFC 5424 or RFC 3164 syslog)");
			}
		}
		if (r->format != LS_LOG_ZEEK && line.len == 0)
			continue;
		if (r->filter && line.len && line.ptr[0] != '#' &&
		    !r->filter(r->filter_ctx, line)) {
			r->skipped++;
			continue;
		}
		/* Values the readers copy live in the arena until the next event. */
		if (r->arena.used > 4u * 1024u * 1024u) {
			ls_arena_fini(&r->arena);
			ls_arena_init(&r->arena, 0);
		}
		bool record = true;
		switch (r->format) {
		case LS_LOG_JSONL: e = ls_jsonl_parse(line, lineno, &r->ev, &r->arena, d); break;
		case LS_LOG_ZEEK:
			e = ls_zeek_feed(&r->zeek, line, lineno, &r->ev, &r->arena, &record, d);
			break;
		default: e = ls_syslog_parse(line, lineno, &r->ev, &r->arena, d); break;
		}
		if (e != LS_OK) {
			r->bad++;
			if (d)
				d->file = r->path;
			return e;
		}
		if (!record)
			continue;
		r->line = lineno;
		r->time = ls_event_time(&r->ev, r->time_field, r->year3164);
		r->events++;
		return LS_OK;
	}
}

/* "YYYY-MM-DD HH:MM:SS[.fff]" (Sysmon's UtcTime), taken as UTC. */
static bool parse_spaced(ls_sv v, ls_time *out)
{
	char buf[40];
	if (v.len < 19 || v.len > 32 || v.ptr[10] != ' ')
		return false;
	memcpy(buf, v.ptr, v.len);
	buf[10] = 'T';
	buf[v.len] = 'Z';
	return ls_time_parse_rfc3339(ls_sv_make(buf, v.len + 1), out, NULL) == LS_OK;
}

static bool parse_time(const ls_field *f, int year3164, ls_time *t)
{
	ls_sv v = f->value;
	if (f->type == LS_VALUE_NUMBER || (v.len > 0 && v.ptr[0] >= '0' && v.ptr[0] <= '9' &&
	                                   ls_sv_find_char(v, '-') == SIZE_MAX)) {
		if (ls_time_parse_zeek(v, t, NULL) == LS_OK)
			return true;
	}
	if (ls_time_parse_rfc3339(v, t, NULL) == LS_OK)
		return true;
	bool nil = false;
	if (ls_time_parse_rfc5424(v, t, &nil, NULL) == LS_OK && !nil)
		return true;
	if (parse_spaced(v, t))
		return true;
	return ls_syslog_rfc3164_time(v, year3164, t) == LS_OK;
}

ls_time ls_event_time(const ls_event *ev, const char *time_field, int year3164)
{
#define NAME(s)                                                                                    \
	{                                                                                          \
		s, sizeof s - 1                                                                    \
	}
	static const ls_sv names[] = { NAME("@timestamp"), NAME("timestamp"), NAME("UtcTime"),
		                       NAME("ts"), NAME("time") };
#undef NAME
	ls_time t;
	if (time_field) {
		const ls_field *f = ls_event_get(ev, ls_sv_from_cstr(time_field));
		return f && parse_time(f, year3164, &t) ? t : LS_TIME_NONE;
	}
	/* The usual case: the time is the first field, and no earlier-listed name exists. */
	size_t first = SIZE_MAX;
	for (size_t i = 0; ev->n && i < sizeof names / sizeof names[0]; i++)
		if (ls_sv_eq(ev->fields[0].name, names[i]))
			first = i;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const ls_field *f = i == first ? &ev->fields[0] : ls_event_get(ev, names[i]);
		if (f)
			return parse_time(f, year3164, &t) ? t : LS_TIME_NONE;
	}
	return LS_TIME_NONE;
}
