/*
 * realism.h - a summary of a dataset's benign model, so that a trainer can
 * judge whether the simulated world looks like a real one.
 *
 * Over every log of a dataset (the files of sigma/engine.h's table) it
 * counts:
 *
 *   - activity per local hour (0-23) and per local weekday (Monday first),
 *     per source. The local offset comes from the manifest's "start"
 *     (RFC 3339 with the scenario's offset); without it times stay in UTC
 *     and the summary says so;
 *   - the distribution of each source's natural size field (conn
 *     orig_bytes and resp_bytes, proxy cs-bytes and sc-bytes, db_audit rows,
 *     messaging file_size): p50, p90, p99 (nearest rank) and max;
 *   - the destination mix (proxy cs-host, conn responder port/proto and
 *     address, dns query) and the process mix (the basename of the Image of
 *     Sysmon process creations, EventID 1), top LS_REALISM_TOP each;
 *   - the base rate of each hard negative of the answer key: its entries,
 *     records (listed and found in the logs), occurrences (episodes, below),
 *     per day and per 1,000 people-days.
 *
 * Records of the campaign (the answer key's step records) are malicious:
 * they are left out of every figure and counted as excluded.
 *
 * Sizes go into a log-linear histogram: values below 2048 are exact, larger
 * ones fall into buckets 1/1024 of their magnitude wide, so a percentile is
 * the lower bound of its bucket, at most 0.1% below the true value (never
 * below the smallest value seen); max and n are exact. Memory is flat in
 * the number of events.
 *
 * Occurrences. The answer key lists a kind's records without saying which
 * ones belong to the same episode, so episodes are rebuilt from the logs:
 * each found record gets an actor, the machine that started it (Sysmon's
 * Computer; the client address of a flow, DNS query, proxy line or database
 * session, resolved to its laptop through the DHCP leases; DHCP's host).
 * Records of one kind and one actor at most LS_REALISM_EPISODE_GAP apart
 * form one episode. A record without an actor (a server-side syslog line,
 * the proxy's or resolver's onward traffic) joins whatever episode of its
 * kind has a record within the gap; records with no such neighbour form
 * episodes of their own by the same gap.
 *
 * The manifest and the answer key are read with the JSON document reader
 * (io/jdoc.h), so their layout does not matter: only their structure.
 *
 * Ownership: an ls_realism owns everything it holds; strings it hands out
 * (item values, kind names) live until ls_realism_fini.
 */
#ifndef LS_SCORE_REALISM_H
#define LS_SCORE_REALISM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "core/time.h"
#include "io/event.h"
#include "io/leases.h"
#include "io/logreader.h" /* LS_TIME_NONE */

/* How many values each mix lists. */
#define LS_REALISM_TOP 10
/* Records of one kind and actor closer than this belong to one episode. */
#define LS_REALISM_EPISODE_GAP (10 * LS_USEC_PER_MIN)

/* ------------------------------------------------------------ histogram */

/*
 * A histogram of unsigned sizes: exact below 2048, else within 1/1024 (see
 * above). The bucket array is allocated by the first add.
 */
typedef struct ls_sizehist {
	uint64_t *bucket;
	uint64_t n, min, max;
} ls_sizehist;

void ls_sizehist_init(ls_sizehist *h);
/* Accepts NULL. */
void ls_sizehist_fini(ls_sizehist *h);
void ls_sizehist_add(ls_sizehist *h, uint64_t v);
/*
 * The p-th percentile (1 <= p <= 100) by nearest rank: the smallest value
 * with at least ceil(p * n / 100) values at or below it, as its bucket's
 * lower bound (clamped to min and max). 0 when the histogram is empty.
 */
uint64_t ls_sizehist_percentile(const ls_sizehist *h, unsigned p);

/* -------------------------------------------------------------- summary */

/* What one source contributed. */
typedef struct ls_realism_source {
	const char *name;   /* "conn", ... (static) */
	bool present;       /* its log file was read */
	uint64_t events;    /* benign events */
	uint64_t untimed;   /* benign events without a readable time (in no hour) */
	uint64_t excluded;  /* campaign events left out */
	uint64_t unreadable; /* lines that did not parse */
	uint64_t hours[24];
	uint64_t weekdays[7]; /* Monday first */
} ls_realism_source;

/* One size field of one source. */
typedef struct ls_realism_size {
	const char *source, *field; /* static */
	ls_sizehist h;
	uint64_t invalid; /* values present but not an unsigned integer */
} ls_realism_size;

/* A value of a mix and how often it was seen. */
typedef struct ls_realism_item {
	const char *value; /* NUL-terminated copy */
	size_t len;
	uint64_t count;
} ls_realism_item;

typedef struct ls_realism_tally {
	ls_realism_item *item; /* in order of first sighting */
	size_t n, cap;
	uint32_t *slot; /* index + 1 into item; 0 is empty */
	size_t nslots;
	ls_arena text;
} ls_realism_tally;

/* A mix: a tally of one field, and its top values once finished. */
typedef struct ls_realism_mix {
	const char *name;    /* "proxy_hosts", ... (static) */
	uint64_t total;      /* values counted */
	ls_realism_tally t;
	ls_realism_item top[LS_REALISM_TOP]; /* count descending, then value bytewise */
	size_t ntop;
} ls_realism_mix;

enum {
	LS_REALISM_MIX_PROXY_HOSTS = 0,
	LS_REALISM_MIX_CONN_PORTS,
	LS_REALISM_MIX_CONN_RESPONDERS,
	LS_REALISM_MIX_DNS_QUERIES,
	LS_REALISM_MIX_PROCESSES,
	LS_REALISM_NMIX
};

typedef struct ls_realism_hit ls_realism_hit;

/* One kind of hard negative. */
typedef struct ls_realism_kind {
	char *name;
	uint64_t entries;     /* decoy entries of this kind in the answer key */
	uint64_t records;     /* records they list */
	uint64_t found;       /* of those, records found in the logs */
	uint64_t occurrences; /* episodes (set by ls_realism_finish) */
	/* private: the found records' times and actors */
	ls_realism_hit *hit;
	size_t nhit, hitcap;
} ls_realism_kind;

typedef struct ls_realism_label ls_realism_label;

typedef struct ls_realism {
	/* What the dataset says about itself (manifest.json). */
	bool have_manifest;
	char *scenario;       /* NULL if unknown */
	bool have_seed;
	uint64_t seed;
	uint64_t people;      /* 0: unknown */
	uint64_t days;        /* 0: unknown (ls_realism_finish falls back on the events) */
	bool days_from_events;
	int offset_minutes;   /* local time = UTC + offset */
	bool offset_known;    /* false: UTC assumed */

	/* The answer key. */
	bool have_key;
	uint64_t campaign_records; /* distinct campaign records listed */
	uint64_t campaign_found;   /* of those, found in the logs */

	/* Totals. */
	uint64_t events;     /* benign events */
	uint64_t excluded;   /* campaign events left out */
	uint64_t unreadable; /* lines that did not parse */

	ls_realism_source *src; /* one per entry of ls_dataset_files, in its order */
	size_t nsrc;
	ls_realism_size *size;
	size_t nsize;
	ls_realism_mix mix[LS_REALISM_NMIX];
	ls_realism_kind *kind; /* in the answer key's order */
	size_t nkind, kindcap;

	/* DHCP leases, to name the laptop behind an address (may stay empty). */
	ls_leases leases;

	/* private */
	ls_realism_label *label; /* open addressing over (source, rid) */
	size_t nlabel, labelcap;
	ls_realism_tally actors;
	int64_t day_lo, day_hi; /* local day numbers seen */
	char *errfile;          /* the file a returned diagnostic names */
	bool finished;
} ls_realism;

void ls_realism_init(ls_realism *R);
/* Accepts NULL and a zeroed struct. */
void ls_realism_fini(ls_realism *R);

/* The index of a dataset source ("conn", ...) in R->src, or SIZE_MAX. */
size_t ls_realism_source_index(const char *name);

/*
 * The UTC offset of an RFC 3339 time, in minutes ("...Z" gives 0,
 * "...+08:00" gives 480). LS_ERR_PARSE if s is not RFC 3339.
 */
ls_err ls_realism_utc_offset(ls_sv s, int *minutes) LS_WUR;

/*
 * Read manifest.json's text: scenario, seed, people, days and the offset of
 * start. Missing (or null) members stay unknown; text that is not a JSON
 * object, or a member of the wrong type, is LS_ERR_PARSE with d located in
 * file.
 */
ls_err ls_realism_manifest(ls_realism *R, const char *text, size_t len, const char *file,
                           ls_diag *d) LS_WUR;

/*
 * Read an answer key's text (docs/answer-key.md): the records of every
 * campaign step, and every decoy entry with its kind and records. Text that
 * does not parse, a member of the wrong type, a decoy without a kind, an
 * unknown source or a rid that is not 20 hex digits is LS_ERR_PARSE with
 * file:line:col. A record listed twice counts once (the first label stays).
 */
ls_err ls_realism_key_parse(ls_realism *R, const char *text, size_t len, const char *file,
                            ls_diag *d) LS_WUR;

/*
 * Count one event of source R->src[source] at time t (LS_TIME_NONE if it has
 * none). The event is borrowed for the call only.
 */
void ls_realism_add(ls_realism *R, size_t source, const ls_event *ev, ls_time t);

/* Settle the mixes' tops, the episodes and the day count. Idempotent. */
void ls_realism_finish(ls_realism *R);

/* Called with each log line that does not parse. */
typedef void (*ls_realism_bad_fn)(void *ctx, const ls_diag *d);

/*
 * Summarise the dataset in dir: manifest.json and truth/answer-key.json when
 * present, logs/dhcp.jsonl for the leases, then every log file; then
 * finish. LS_ERR_NOTFOUND (with d) when dir holds none of the log files;
 * LS_ERR_PARSE for a manifest or answer key that does not parse; LS_ERR_IO
 * when a file cannot be read. Log lines that do not parse are counted and
 * passed to bad (may be NULL).
 */
ls_err ls_realism_read(ls_realism *R, const char *dir, ls_realism_bad_fn bad, void *ctx,
                       ls_diag *d) LS_WUR;

/*
 * Append the summary as one JSON object and a newline (docs/realism.md has
 * the keys). Calls ls_realism_finish first if needed.
 */
void ls_realism_json(ls_realism *R, const char *dataset, ls_buf *out);

#endif
