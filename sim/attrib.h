/*
 * attrib.h - the register's side of leak attribution: what a leaked file
 * shows of the watermark, and how well each export session fits it.
 *
 * sim_leak_read parses a leaked file (any format src/io/table.h reads),
 * maps its columns to the register's (by header or column names, else by
 * the shape of the values), normalises the values (dates with '-' or '/',
 * phones in any layout) and de-duplicates the rows. It then measures, once
 * for the file:
 *
 *   - chance: the expected number of rows that agree by accident with one
 *     random canary row on the columns the file kept (the sum over its
 *     distinct rows of the probability that a random row has their values:
 *     1 / 500,000,000 for a row whose member id lies in the canary space,
 *     the register's value model otherwise; see sim_register_model_prob);
 *   - the formatting choices it shows: CSV line ending and quoting, phone
 *     layout, date separator, INSERT batch size, and the order of its
 *     register rows, each with the probability that the choice of a random
 *     session agrees with the file (its "null probability").
 *
 * sim_leak_session then checks one candidate session against the file: how
 * many of the canary rows its export held appear in the file, and which of
 * the file's choices its watermark agrees with. Turning that evidence into
 * a p-value, a bound and a decision is src/forensics/attribute.h's job
 * (the CLI joins the two); docs/attribution.md derives the statistics.
 *
 * Ownership: a sim_leak borrows the register, which must outlive it, and
 * copies what it needs from the text; sim_leak_destroy frees it (NULL ok).
 * A sim_leak is read-only after sim_leak_read, so sessions may be checked
 * from several threads.
 */
#ifndef SIM_ATTRIB_H
#define SIM_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "sim/register.h"

/* The formatting choices a file can show, one bit each in dims_matched. */
typedef enum sim_leak_dim {
	SIM_DIM_LINE_END = 0, /* CSV: LF or CR LF */
	SIM_DIM_QUOTING,      /* CSV: minimal or every field */
	SIM_DIM_PHONE,        /* one of the four phone layouts */
	SIM_DIM_DATE,         /* '-' or '/' */
	SIM_DIM_BATCH,        /* INSERT rows per statement */
	SIM_DIM_ORDER,        /* the order of the register rows */
	SIM_DIM__COUNT
} sim_leak_dim;

/* "line ending", "quoting", "phone layout", "date separator", "INSERT batch", "row order". */
const char *sim_leak_dim_name(sim_leak_dim d);

/* What was read from the file. */
typedef struct sim_leak_info {
	const char *format;   /* "csv", "sql" or "copy-text" */
	uint32_t columns;     /* the register columns found (SIM_COL_*) */
	bool header;          /* column names came from a header or the SQL */
	uint64_t records;     /* data records read */
	uint64_t distinct;    /* distinct rows after de-duplication */
	uint64_t duplicates;  /* records dropped as exact duplicates */
	uint64_t malformed;   /* records skipped: wrong field count */
	uint64_t other;       /* records of tables without register columns */
	uint64_t cut;         /* edge records dropped as cut off */
	/* with member_id: */
	uint64_t register_rows; /* rows of the register, values as generated */
	uint64_t canary_rows;   /* rows of the canary space, values as generated */
	uint64_t noise;         /* rows that are neither (edited, invented, other register) */
	double chance;          /* expected chance agreements with one canary row */
	/* the choices shown: ln of the null probability per dimension (the
	 * chance a random session agrees), 0 when the file does not show it */
	double log_pi[SIM_DIM__COUNT];
	char shown[SIM_DIM__COUNT][48]; /* what the file shows, e.g. "CR LF", "/" */
} sim_leak_info;

typedef struct sim_leak sim_leak;

/*
 * Read the leaked file text[0..len) (named `file` in diagnostics) against
 * register r, whose row count bounds what counts as a register row.
 * Errors (LS_ERR_PARSE, LS_ERR_TOOLONG, LS_ERR_UNSUPPORTED) come with a
 * file:line:col diagnostic: the reader's, a record whose field count
 * disagrees with its columns when most records do, or no register column
 * at all. *out is NULL on error.
 */
ls_err sim_leak_read(sim_leak **out, const sim_register *r, const char *text, size_t len,
                     const char *file, ls_diag *d) LS_WUR;
void sim_leak_destroy(sim_leak *lk);
const sim_leak_info *sim_leak_info_of(const sim_leak *lk);

/* How many matched canaries a session report keeps. */
#define SIM_LEAK_SHOW_CANARIES 8

/* One session against the file. */
typedef struct sim_leak_evidence {
	uint64_t canaries;     /* K: canary rows of the session's export */
	uint64_t matched;      /* of them, found in the file */
	uint32_t dims_matched; /* bit d: the session's choice agrees with the file */
	/* the first matched canaries: rank j in the session's sequence, file line */
	size_t nshow;
	uint64_t show_j[SIM_LEAK_SHOW_CANARIES];
	unsigned long show_line[SIM_LEAK_SHOW_CANARIES];
	char show_id[SIM_LEAK_SHOW_CANARIES][16];
} sim_leak_evidence;

/*
 * Check session `session_id`, whose export held `rows` register rows (rows
 * [0, rows) of the register: its canary count follows, docs/register.md
 * section 6.3), against the file. LS_ERR_RANGE for a session id the
 * register refuses (empty or too long).
 */
ls_err sim_leak_session(const sim_leak *lk, const char *session_id, uint64_t rows,
                        sim_leak_evidence *ev, ls_diag *d) LS_WUR;

#endif
