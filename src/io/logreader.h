/*
 * logreader.h - one log file, any of leaksim's formats, read as events.
 *
 * The detection engine reads datasets and plain log files alike. A log
 * reader opens a file, settles its format from its first line (a Zeek TSV
 * header "#separator", a JSON object "{", or a syslog line "<PRI>"), and
 * then hands out one event at a time with its line number and its time.
 * Lines that do not parse are counted and reported through the caller's
 * diagnostic, never silently dropped; the reader goes on with the next one.
 *
 * Event time: the field named by `time_field` if given, else the first
 * present of @timestamp, timestamp, UtcTime, ts, time. RFC 3339, Zeek epoch
 * seconds, Sysmon's "YYYY-MM-DD HH:MM:SS.fff" and RFC 5424 are understood;
 * an RFC 3164 syslog timestamp (which has no year) takes the year of the
 * file's modification time. An event without a readable time gets
 * LS_TIME_NONE.
 *
 * Ownership: the reader owns its FILE, buffers and arena; the event it
 * returns is valid until the next call to ls_logreader_next.
 */
#ifndef LS_IO_LOGREADER_H
#define LS_IO_LOGREADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"
#include "io/event.h"
#include "io/zeek.h"

#define LS_TIME_NONE INT64_MIN

typedef enum ls_logformat {
	LS_LOG_UNKNOWN = 0,
	LS_LOG_JSONL,
	LS_LOG_ZEEK,
	LS_LOG_SYSLOG
} ls_logformat;

const char *ls_logformat_name(ls_logformat f);

typedef struct ls_logreader {
	char *path;
	ls_logformat format;
	ls_event ev;
	ls_time time;       /* of the current event */
	unsigned long line; /* of the current event */
	uint64_t events;    /* events returned */
	uint64_t bad;       /* lines that did not parse */
	uint64_t skipped;   /* record lines the filter let pass unparsed */
	/*
	 * Optional: called with each record line before it is parsed; false
	 * skips the line (it is counted in skipped, not parsed, not returned).
	 * Zeek header lines are never offered.
	 */
	bool (*filter)(void *ctx, ls_sv line);
	void *filter_ctx;
	/* private */
	FILE *f;
	ls_line_reader lr;
	ls_zeek_reader zeek;
	ls_arena arena;
	const char *time_field;
	int year3164;
	bool first;
	ls_sv pending; /* the first line, read to detect the format */
	bool have_pending;
} ls_logreader;

/* Open path; LS_ERR_IO (with d) if it cannot be opened. time_field may be NULL. */
ls_err ls_logreader_open(ls_logreader *r, const char *path, const char *time_field,
                         ls_diag *d) LS_WUR;
void ls_logreader_close(ls_logreader *r);

/*
 * The next event: LS_OK (r->ev, r->time, r->line set); LS_ERR_NOTFOUND at
 * the end; LS_ERR_PARSE or LS_ERR_TOOLONG for a line that does not parse
 * (d has file, line, column and reason; call again for the next line);
 * LS_ERR_IO on a read error (stop).
 */
ls_err ls_logreader_next(ls_logreader *r, ls_diag *d) LS_WUR;

/* The time of an event from its fields (as described above). */
ls_time ls_event_time(const ls_event *ev, const char *time_field, int year3164);

#endif
