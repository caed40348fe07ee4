/*
 * register.h - the synthetic member register on the database server, and
 * watermarked streaming exports of it (CSV, SQL COPY, SQL INSERT).
 *
 * The story's target is a table of about 1.95 million member records. This
 * module makes one that belongs to nobody (SPEC 1.1): names are built from
 * syllables, branches are invented companies, universities and agencies,
 * national-ID-like numbers always carry a WRONG ISO 7064 MOD 11-2 check
 * character, and phone numbers use the spare ITU country code +999.
 *
 * Rows. Row i is a pure function of (seed, i): its 64 random bytes are block
 * i of a ChaCha20 keystream under the register's key, so any row can be made
 * on its own in O(1), in any order, in any shard. Member ids are a keyed
 * permutation of the row index into a 9-digit space, so they look random and
 * are unique; indices from SIM_REGISTER_CANARY_BASE up are never register
 * rows and are reserved for canaries.
 *
 * Exports. sim_register_export streams an export through a sink callback
 * (a file, a hash, a counter) holding one block of rows at a time, never the
 * whole export. Every export is watermarked by its session id: canary rows
 * (rows of the reserved index space, otherwise like any other row) at keyed
 * positions, and a keyed choice of row order and value-preserving formatting
 * (line ending, quoting, phone layout, date separator, INSERT batch size).
 * sim_register_watermark recomputes all of that for a candidate session, so
 * a leaked file can later be tested against every session. docs/register.md
 * gives the columns, the formats and the watermark precisely.
 *
 * Ownership: sim_register and sim_watermark are caller-owned structs holding
 * secret keys; their fini functions wipe them. Everything else borrows its
 * arguments. Nothing here keeps state between calls; a const sim_register
 * may be shared by threads.
 */
#ifndef SIM_REGISTER_H
#define SIM_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

/* ------------------------------------------------------------ constants */

/* Member ids are "M" and 9 digits: the keyed permutation of index space. */
#define SIM_REGISTER_ID_SPACE UINT64_C(1000000000)
/* Indices [CANARY_BASE, ID_SPACE) are canary rows, never register rows. */
#define SIM_REGISTER_CANARY_BASE UINT64_C(500000000)
#define SIM_REGISTER_ROWS_MAX SIM_REGISTER_CANARY_BASE
#define SIM_REGISTER_ID_PREFIX 'M'

/* Branches: invented organisations with a Zipf(1) size distribution. */
#define SIM_REGISTER_BRANCHES 320
#define SIM_REGISTER_BRANCH_MAX 64 /* longest branch name + NUL */

/* Row order works on blocks of this many traversal positions. */
#define SIM_REGISTER_BLOCK 1024u
/* Canaries per export: max(MIN, ceil(expected register rows / EVERY)). */
#define SIM_REGISTER_CANARY_MIN 3u
#define SIM_REGISTER_CANARY_EVERY 10000u
/* Longest session id in bytes (at least 1; any bytes but NUL). */
#define SIM_REGISTER_SESSION_MAX 256u

/* Columns, in their fixed output order; a column set is a bitmask of these. */
enum {
	SIM_COL_MEMBER_ID = 1u << 0,
	SIM_COL_FULL_NAME = 1u << 1,
	SIM_COL_BRANCH = 1u << 2,
	SIM_COL_POSITION = 1u << 3,
	SIM_COL_BIRTH_DATE = 1u << 4,
	SIM_COL_JOIN_DATE = 1u << 5,
	SIM_COL_RESIDENT_ID = 1u << 6,
	SIM_COL_PHONE = 1u << 7,
	SIM_COL_ALL = 0xffu
};
#define SIM_REGISTER_COLUMNS 8u
/* The SQL table the SQL exports name. */
#define SIM_REGISTER_TABLE "public.members"

/* Name of column k (0 = member_id ... 7 = phone); NULL for k >= 8. */
const char *sim_register_column_name(unsigned k);

/* ------------------------------------------------------------- register */

typedef struct sim_register_branch {
	char name[SIM_REGISTER_BRANCH_MAX]; /* e.g. "Keamoor Shipping Co. branch" */
	uint8_t len;
	uint32_t region; /* the branch's home region code, 110000..899999 */
	uint32_t cum;    /* cumulative Zipf weight of branches 0..this one */
} sim_register_branch;

typedef struct sim_register {
	uint64_t seed;
	uint64_t rows;
	unsigned char key[32];    /* ChaCha20 key of the row keystream (secret) */
	unsigned char wm_key[32]; /* watermark key (secret) */
	uint64_t id_key[8];       /* round keys of the member-id permutation */
	sim_register_branch branch[SIM_REGISTER_BRANCHES];
} sim_register;

/*
 * Derive the register of `rows` rows (1..SIM_REGISTER_ROWS_MAX) for seed:
 * keys from the stream (seed, SIM_ENT_WORLD, "register") and
 * (seed, SIM_ENT_WORLD, "register/watermark"), then the branch table.
 * LS_ERR_RANGE for a bad row count (*r is then zeroed).
 */
ls_err sim_register_init(sim_register *r, uint64_t seed, uint64_t rows) LS_WUR;
/* Wipe the keys and the table. Accepts NULL. */
void sim_register_fini(sim_register *r);

/* One row in canonical text form. Every field is NUL-terminated and zero-padded,
 * so equal rows compare equal with memcmp. */
typedef struct sim_member {
	char member_id[16]; /* "M" + 9 digits */
	char full_name[64]; /* "Given Family", rarely with ' , or " */
	char branch[SIM_REGISTER_BRANCH_MAX];
	char position[40];
	char birth_date[11];  /* YYYY-MM-DD */
	char join_date[11];   /* YYYY-MM-DD */
	char resident_id[19]; /* 18 characters, wrong MOD 11-2 check */
	char phone[16];       /* E.164: "+999" + 9 digits */
} sim_member;

/*
 * Row `index` (< SIM_REGISTER_ID_SPACE): a register row for index < rows, a
 * canary row for index >= SIM_REGISTER_CANARY_BASE (indices in between are
 * generated the same way but appear nowhere). Pure and O(1).
 */
void sim_register_row(const sim_register *r, uint64_t index, sim_member *out);

/* The member number (the 9 digits of member_id) of row `index`. */
uint64_t sim_register_member_number(const sim_register *r, uint64_t index);

/*
 * Invert member_id: for "M" followed by exactly 9 digits, the row index whose
 * member id it is (any index below SIM_REGISTER_ID_SPACE; compare with rows
 * and SIM_REGISTER_CANARY_BASE). LS_ERR_PARSE for any other text.
 */
ls_err sim_register_index_of(const sim_register *r, ls_sv member_id, uint64_t *index) LS_WUR;

/* ------------------------------------------------------------- exports */

/*
 * A sink receives the export's bytes in order, in pieces of any size; any
 * error it returns stops the export and is returned from it.
 */
typedef ls_err (*sim_sink_fn)(void *ctx, const void *p, size_t n);
/* Sinks: ctx is a FILE * (LS_ERR_IO on a short write) or an ls_buf *. */
ls_err sim_sink_file(void *ctx, const void *p, size_t n) LS_WUR;
ls_err sim_sink_buf(void *ctx, const void *p, size_t n) LS_WUR;

typedef enum sim_export_format {
	SIM_EXPORT_CSV = 0,        /* RFC 4180 with a header row */
	SIM_EXPORT_SQL_COPY = 1,   /* COPY ... FROM stdin; text rows; \. */
	SIM_EXPORT_SQL_INSERT = 2, /* multi-row INSERT statements */
	SIM_EXPORT__COUNT
} sim_export_format;

typedef struct sim_export_spec {
	const char *session_id; /* names the export session: the watermark */
	sim_export_format format;
	uint64_t lo, hi;  /* rows [lo, hi); hi == 0 means up to rows */
	double sample;    /* 0 or 1: every row; in (0, 1): keyed sample */
	uint32_t columns; /* SIM_COL_* bitmask; 0 means all */
} sim_export_spec;

typedef struct sim_export_result {
	uint64_t rows;            /* register rows written */
	uint64_t canaries;        /* canary rows written */
	uint64_t bytes;           /* bytes handed to the sink */
	unsigned char sha256[32]; /* SHA-256 of exactly those bytes */
} sim_export_result;

/*
 * Stream the export described by spec to sink (sink NULL: only count and
 * hash). Memory is bounded by one block of rows and the canary list,
 * whatever the size of the export. Errors: LS_ERR_RANGE for a bad range,
 * sample, column set or format, or a session id that is empty or longer
 * than SIM_REGISTER_SESSION_MAX; otherwise the sink's error. d (may be NULL)
 * gets a message. res is filled on success and zeroed on any error.
 */
ls_err sim_register_export(const sim_register *r, const sim_export_spec *spec, sim_sink_fn sink,
                           void *ctx, sim_export_result *res, ls_diag *d) LS_WUR;

/*
 * Append the text p[0..n) as an export of format fmt writes a field: CSV
 * quotes it when quote_all or when it holds ',', '"', CR or LF, doubling
 * quotes; COPY text escapes backslash, tab, LF and CR as \\ \t \n \r; INSERT
 * writes a '...' literal with ' doubled (standard_conforming_strings).
 */
void sim_register_escape(ls_buf *out, sim_export_format fmt, bool quote_all, const char *p,
                         size_t n);

/* ----------------------------------------------------------- watermark */

/* Row orders. Blocks are rows [bB, bB + B) of the register (B =
 * SIM_REGISTER_BLOCK), whatever the export's range. */
typedef enum sim_register_order {
	SIM_ORDER_REGISTER = 0,      /* ascending index */
	SIM_ORDER_REVERSE = 1,       /* descending index */
	SIM_ORDER_BLOCK_SHUFFLE = 2, /* blocks ascending, keyed shuffle inside each */
	SIM_ORDER_FULL_SHUFFLE = 3   /* keyed block permutation, keyed shuffle inside */
} sim_register_order;

/*
 * The watermark of one export: the session's formatting choices (which do not
 * depend on the spec) and its canaries (how many, and where, do). The key
 * material is private to register.c; sim_watermark_fini wipes it.
 */
typedef struct sim_watermark {
	uint32_t bits;            /* the 9 choice bits below, as drawn: a fingerprint */
	sim_register_order order; /* bits 0-1 */
	bool crlf;                /* bit 2: CSV lines end in CRLF (else LF) */
	bool quote_all;           /* bit 3: CSV quotes every field (else only when needed) */
	unsigned phone_style;     /* bits 4-5: 0 "+999 DD DDD DDDD", 1 "+999-DD-DDD-DDDD",
	                              2 "+999DDDDDDDDD", 3 "(+999) DD DDDDDDD" */
	char date_sep;            /* bit 6: '-' or '/' (YYYY-MM-DD or YYYY/MM/DD) */
	unsigned insert_batch;    /* bits 7-8: rows per INSERT, 100/250/500/1000 */
	uint64_t rows;            /* the register's row count */
	uint64_t lo, span;        /* the export's rows [lo, lo + span) */
	bool sampled;             /* a keyed sample (threshold below) */
	uint64_t ncanaries;       /* canaries 0 .. ncanaries-1 are in the export */
	/* private */
	uint64_t sample_threshold;
	unsigned char sample_key[16];
	unsigned char session_key[32];
	uint64_t canary_key[8];
	uint64_t block_key[8];
	unsigned block_half; /* half width of the block permutation */
} sim_watermark;

/*
 * Recompute the watermark that sim_register_export gives spec (its
 * session_id names the candidate session). For attribution with an unknown
 * spec, any valid spec with that session id gives the same choices and the
 * same canary sequence; only ncanaries, positions and the traversal differ.
 * Same errors as sim_register_export's spec checks.
 */
ls_err sim_register_watermark(const sim_register *r, const sim_export_spec *spec, sim_watermark *w,
                              ls_diag *d) LS_WUR;
void sim_watermark_fini(sim_watermark *w);

/* Canary j's row index (>= SIM_REGISTER_CANARY_BASE); any j below
 * SIM_REGISTER_ID_SPACE - SIM_REGISTER_CANARY_BASE. Distinct j, distinct rows. */
uint64_t sim_watermark_canary(const sim_watermark *w, uint64_t j);
/* Canary j's traversal position in [0, span]: it is written just before the
 * register row at that traversal position (after all rows when = span). */
uint64_t sim_watermark_canary_pos(const sim_watermark *w, uint64_t j);
/*
 * Whether row `index` is one of this session's canaries: true when index is
 * in the canary space and is canary j with j < w->ncanaries. *j (may be NULL)
 * gets its rank in the session's sequence whenever index is in the canary
 * space, even past ncanaries (a larger export of the same session).
 */
bool sim_watermark_is_canary(const sim_watermark *w, uint64_t index, uint64_t *j);
/* Whether the export keeps register row `index`: in range, and sampled. */
bool sim_watermark_selects(const sim_watermark *w, uint64_t index);
/*
 * The session's order of the whole register: the rank of row index
 * (< rows) among all rows. An export writes its rows in increasing rank
 * whatever its range, so along an unreordered leak the ranks increase.
 * O(SIM_REGISTER_BLOCK).
 */
uint64_t sim_watermark_rank(const sim_watermark *w, uint64_t index);
/* The export's traversal: the row at position t (< span), and the position
 * of row index (lo <= index < lo + span). O(rows / SIM_REGISTER_BLOCK +
 * SIM_REGISTER_BLOCK) for the shuffled orders, O(1) otherwise. */
uint64_t sim_watermark_index_at(const sim_watermark *w, uint64_t t);
uint64_t sim_watermark_position_of(const sim_watermark *w, uint64_t index);
/*
 * The session's order block by block, for checking many rows at once: the
 * slot of block b (rows [bB, bB + B)) in the order of blocks, and the order
 * inside it (order[k] = the offset in the block of its k-th row; returns
 * the block's length). Block b < ceil(rows / SIM_REGISTER_BLOCK).
 */
uint64_t sim_watermark_block_slot(const sim_watermark *w, uint64_t b);
size_t sim_watermark_block_order(const sim_watermark *w, uint64_t b,
                                 uint32_t order[SIM_REGISTER_BLOCK]);

/* --------------------------------------------------------- value model */

typedef struct sim_register_region_weight {
	uint32_t region;
	double p; /* the summed probability of the branches with this home region */
} sim_register_region_weight;

/*
 * The distribution of row values, for attribution: how likely a row drawn
 * at random (any canary of any session) is to agree with given values.
 * Caller-owned; borrows the register, which must outlive it; fini frees.
 */
typedef struct sim_register_model {
	const sim_register *r;
	double branch_p[SIM_REGISTER_BRANCHES];
	uint16_t by_name[SIM_REGISTER_BRANCHES]; /* branch indices in name order */
	sim_register_region_weight by_region[SIM_REGISTER_BRANCHES];
	size_t nregions;
	double *join_any; /* P(join day) when the birth day is unknown (a bound) */
} sim_register_model;

void sim_register_model_init(sim_register_model *m, const sim_register *r);
void sim_register_model_fini(sim_register_model *m);
/*
 * The probability that a row drawn at random has v's values (canonical text:
 * dates YYYY-MM-DD, the phone +999 and 9 digits) in every column of
 * `columns`; member_id is not modelled and ignored. 0 when no row can have
 * them. Exact up to the ChaCha20 keystream being random, except join_date
 * without birth_date or resident_id, which is bounded from above.
 */
double sim_register_model_prob(const sim_register_model *m, const sim_member *v,
                               uint32_t columns);

#endif
