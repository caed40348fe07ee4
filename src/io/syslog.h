/*
 * syslog.h - a reader for syslog lines: RFC 5424, and RFC 3164 (BSD).
 *
 * The format is chosen by the byte after "<PRI>": a digit starts an RFC 5424
 * VERSION, an upper-case letter an RFC 3164 month name. Either way the line
 * becomes an ls_event with these fields, in this order:
 *
 *   facility   NUMBER  PRI / 8 (0-23)
 *   severity   NUMBER  PRI % 8 (0-7)
 *   timestamp  STRING  the timestamp text exactly as written
 *   host       STRING  HOSTNAME
 *   app        STRING  APP-NAME (RFC 3164: the TAG)
 *   pid        STRING  PROCID (RFC 3164: the PID in TAG[PID]); PROCID is an
 *                      opaque string in RFC 5424, so it stays a string
 *   msgid      STRING  MSGID (RFC 5424 only)
 *   sd_id      STRING  one per SD-ELEMENT, its SD-ID ("leaksim@32473")
 *   NAME       STRING  one per SD-PARAM, named by its PARAM-NAME ("rid"),
 *                      right after the sd_id of its element; escapes \",
 *                      \\ and \] are decoded, and a backslash before any
 *                      other byte is kept (RFC 5424 section 6.3.3)
 *   message    STRING  MSG, without a leading UTF-8 BOM
 *
 * An RFC 5424 NILVALUE ("-") makes the field absent, and so does a missing
 * MSG (the line ends after STRUCTURED-DATA). An RFC 3164 line always has a
 * message field (empty when nothing follows "TAG:").
 *
 * RFC 5424 is read strictly: PRI 0-191 without leading zeros, VERSION 1,
 * single spaces, header fields of PRINTUSASCII within their length limits
 * (HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32), the TIMESTAMP checked
 * by ls_time_parse_rfc5424 (core/time.h), SD-NAMEs of 1-32 printable
 * characters other than '=', ' ', ']' and '"', each SD-ID at most once per
 * line, PARAM-VALUEs of valid UTF-8 with '"', '\' and ']' escaped, and a
 * MSG that starts with a BOM must be valid UTF-8 (one without a BOM may be
 * any bytes, as the RFC's MSG-ANY allows).
 *
 * RFC 3164 lines must read "<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG" or
 * "<PRI>Mmm dd hh:mm:ss HOST TAG: MSG": an English month abbreviation, the
 * day space-padded to two characters ("Jan  5"), a valid time of day, a host
 * of PRINTUSASCII, and a TAG of 1-48 printable characters other than '[',
 * ']' and ':'. RFC 3164 timestamps carry no year. The reader keeps the text
 * as written and never invents one: it checks the day against the month
 * allowing February 29 (some year is a leap year), and callers that need an
 * instant supply the year with ls_syslog_rfc3164_time.
 *
 * Errors are LS_ERR_PARSE (LS_ERR_TOOLONG for lines over LS_LINE_MAX) with
 * the line number and the 1-based byte column of the offending byte, and a
 * message saying what was expected.
 *
 * Ownership: as io/event.h says; only decoded SD-PARAM values are copied to
 * the arena, everything else is a view of the line.
 */
#ifndef LS_IO_SYSLOG_H
#define LS_IO_SYSLOG_H

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"
#include "io/event.h"

/*
 * Parse one syslog line (without its newline) into ev, which is reset
 * first; ev->line = lineno. The diagnostic gets line lineno, the column and
 * a NULL file. d may be NULL.
 */
ls_err ls_syslog_parse(ls_sv line, unsigned long lineno, ls_event *ev, ls_arena *a,
                       ls_diag *d) LS_WUR;

/*
 * The instant of an RFC 3164 timestamp text ("Mmm dd hh:mm:ss", as kept in
 * the timestamp field) in the given year, taken as UTC. LS_ERR_PARSE if the
 * text does not follow the grammar, LS_ERR_RANGE if the date does not exist
 * in that year (February 29 of a common year) or the year is outside
 * 0-9999.
 */
ls_err ls_syslog_rfc3164_time(ls_sv text, int year, ls_time *out) LS_WUR;

#endif
