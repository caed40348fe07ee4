/*
 * report.h - the debrief report: one self-contained HTML file.
 *
 * A report shows an instructor, after an exercise, what happened and what
 * the rules saw. It is one HTML5 document that needs nothing but itself: its
 * CSS, its charts (SVG) and a few lines of script are inline, it names no
 * URL, and a Content-Security-Policy forbids every fetch, so it opens the
 * same way offline, from a USB stick or an e-mail attachment. It holds:
 *
 *   - a header: scenario, seed, period, and the verdict (detected or not,
 *     how fast, before the exfiltration ended or not);
 *   - the campaign timeline: one lane per log source with its activity,
 *     the campaign's records, the campaign steps as shaded bands, and every
 *     alert on the lanes of the records it names, true and false alerts in
 *     different shapes and colours; the whole period, the campaign window and,
 *     when it is much shorter, the insider's own actions;
 *   - upstream bytes per host over time (conn.log orig_bytes, hosts named
 *     through the DHCP leases at the flow's time);
 *   - the score tables of score.h: per rule, step and technique, the three
 *     levels and the operational load;
 *   - the answer key in brief: insiders, hosts, steps, export, uploads, the
 *     leaked file, the publication, the decoys and the dirty-data knobs.
 *
 * docs/report.md describes each section. Output is canonical: the same
 * inputs give the same bytes (no wall clock, no hash order); every string
 * from the inputs is escaped; the document is well-formed XML as well as
 * HTML5, so a strict parser can check it.
 *
 * Ownership: an ls_report owns the file names its diagnostics point at and
 * the counts it fills in; they stay valid until ls_report_fini. The report
 * borrows the scorer and appends to the caller's buffer.
 */
#ifndef LS_SCORE_REPORT_H
#define LS_SCORE_REPORT_H

#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "score/score.h"

typedef struct ls_report {
	ls_arena arena;
	/* Filled in by ls_report_write, for the caller's summary: */
	uint64_t alerts;          /* alerts read */
	uint64_t alerts_undrawn;  /* of them, with no time and no record found in the logs */
	uint64_t log_events;      /* log records read */
	uint64_t log_lines_bad;   /* log lines that did not parse (not counted anywhere) */
	uint64_t records_missing; /* campaign records not found in the logs */
} ls_report;

void ls_report_init(ls_report *r);
/* Accepts a zeroed or finished report. */
void ls_report_fini(ls_report *r);

/*
 * Append the report to out. s must have been loaded from dataset_dir and
 * alerts_path (ls_score_load_dataset, ls_score_load_alerts, optionally
 * ls_score_resolve) and computed (ls_score_compute). The report reads
 * dataset_dir/manifest.json, dataset_dir/truth/answer-key.json, the logs
 * under dataset_dir/logs/ (a missing log is a lane without records) and
 * alerts_path again for what the scorer does not keep: each alert's time,
 * title and record sources, the insiders, the export, the uploads.
 *
 * Errors: LS_ERR_NOTFOUND for a missing answer key, manifest or alerts file,
 * LS_ERR_PARSE (file:line:col) for malformed ones, LS_ERR_IO when a file
 * cannot be read, LS_ERR_STATE when s was not computed. On error out is left
 * as it was. Log lines that do not parse are counted, not fatal.
 */
ls_err ls_report_write(ls_report *r, const ls_score *s, const char *dataset_dir,
                       const char *alerts_path, ls_buf *out, ls_diag *d) LS_WUR;

/*
 * Append s escaped for HTML text and attribute values: & < > " ' become
 * character references; bytes that are not valid UTF-8, control characters
 * other than tab, LF and CR, and U+FFFE/U+FFFF (none of which XML allows)
 * become U+FFFD.
 */
void ls_report_escape(ls_buf *out, ls_sv s);

#endif
