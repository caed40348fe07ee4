/*
 * report.c - the debrief report as one self-contained HTML document.
 *
 * Three stages. Loading reads what the scorer does not keep: the answer
 * key's tree (insiders, export, uploads and which step or decoy lists each
 * record), the manifest, and the alerts again (time, title, the records
 * they name). One pass over every log then counts records per time bin and
 * lane, finds the log time of each record the answer key or an alert names,
 * sums conn.log upstream bytes per host and bin (the DHCP lease of the
 * originator at the flow's time names a laptop) and learns names of
 * internal addresses from DNS answers and Sysmon network events. Rendering
 * writes HTML, SVG and a few lines of script from that model and from the
 * scorer's figures, in a fixed order, so equal inputs give equal bytes.
 *
 * Everything taken from an input goes through ls_report_escape. The page
 * names no URL (not even the SVG namespace, which HTML does not need), its
 * script and styles hold neither '<' nor '&' so the document is also
 * well-formed XML, and a Content-Security-Policy forbids every fetch.
 */
#include "score/report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/limits.h"
#include "core/time.h"
#include "io/event.h"
#include "io/jdoc.h"
#include "io/leases.h"
#include "io/logreader.h"
#include "sigma/engine.h"

#define NO_TIME LS_SCORE_NO_TIME

/* Timeline geometry (SVG user units). */
#define TL_W 1200.0
#define TL_LEFT 128.0
#define TL_RIGHT 16.0
#define TL_LANE 40.0
#define TL_LABEL_ROW 15.0
#define TL_BINS 240
#define PW (TL_W - TL_LEFT - TL_RIGHT)

/* Bytes chart. */
#define BY_TOP 16.0
#define BY_H 280.0
#define BY_BINS_MAX 400
#define BY_TOP_HOSTS 5

/* ------------------------------------------------------------------ escape */

void ls_report_escape(ls_buf *out, ls_sv s)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	size_t i = 0;
	while (i < s.len) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c < 0x80) {
			switch (c) {
			case '&': ls_buf_append_cstr(out, "&amp;"); break;
			case '<': ls_buf_append_cstr(out, "&lt;"); break;
			case '>': ls_buf_append_cstr(out, "&gt;"); break;
			case '"': ls_buf_append_cstr(out, "&quot;"); break;
			case '\'': ls_buf_append_cstr(out, "&#39;"); break;
			default:
				if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
					ls_buf_append(out, fffd, 3);
				else
					ls_buf_append_char(out, (char)c);
			}
			i++;
			continue;
		}
		size_t n = ls_utf8_char_len(s.ptr + i, s.len - i);
		if (n == 0) {
			ls_buf_append(out, fffd, 3);
			i++;
			continue;
		}
		/* U+FFFE and U+FFFF are not XML characters. */
		if (n == 3 && c == 0xEF && (unsigned char)s.ptr[i + 1] == 0xBF &&
		    (unsigned char)s.ptr[i + 2] >= 0xBE)
			ls_buf_append(out, fffd, 3);
		else
			ls_buf_append(out, s.ptr + i, n);
		i += n;
	}
}

static void esc(ls_buf *b, const char *s)
{
	ls_report_escape(b, ls_sv_from_cstr(s ? s : ""));
}

static void put(ls_buf *b, const char *s)
{
	ls_buf_append_cstr(b, s);
}

/* A coordinate with one decimal ("-0.0" never appears). */
static void num(ls_buf *b, double v)
{
	if (v > -0.05 && v < 0.05)
		v = 0.0;
	ls_buf_printf(b, "%.1f", v);
}

/* ----------------------------------------------------------- text formats */

/* "2026-03-03 12:09:35" (UTC), or only the time of day. */
static void fmt_time(char *out, size_t cap, ls_time t, bool date)
{
	if (t == NO_TIME) {
		snprintf(out, cap, "-");
		return;
	}
	ls_civil c;
	ls_time_to_civil(t, &c);
	if (date)
		snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour,
		         c.minute, c.second);
	else
		snprintf(out, cap, "%02d:%02d:%02d", c.hour, c.minute, c.second);
}

/* "4m 05s", "12.3s", "-1.0s", "2h 07m", "3d 04h". */
static void fmt_dur(char *b, size_t cap, int64_t us)
{
	const char *sign = us < 0 ? "-" : "";
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	uint64_t sec = a / 1000000;
	if (sec < 60)
		snprintf(b, cap, "%s%" PRIu64 ".%01" PRIu64 "s", sign, sec, a % 1000000 / 100000);
	else if (sec < 3600)
		snprintf(b, cap, "%s%" PRIu64 "m %02" PRIu64 "s", sign, sec / 60, sec % 60);
	else if (sec < 86400)
		snprintf(b, cap, "%s%" PRIu64 "h %02" PRIu64 "m", sign, sec / 3600,
		         sec % 3600 / 60);
	else
		snprintf(b, cap, "%s%" PRIu64 "d %02" PRIu64 "h", sign, sec / 86400,
		         sec % 86400 / 3600);
}

/* 1950000 -> "1,950,000". */
static void fmt_count(char *b, size_t cap, uint64_t v)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			b[o++] = ',';
		b[o++] = digits[i];
	}
	b[o] = '\0';
}

/* Three significant digits in decimal units: "812 B", "2.69 MB", "262 MB". */
static void fmt_bytes(char *b, size_t cap, uint64_t v)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	if (v < 1000) {
		snprintf(b, cap, "%" PRIu64 " B", v);
		return;
	}
	double x = (double)v;
	int u = 0;
	while (x >= 999.5 && u < 6) {
		x /= 1000.0;
		u++;
	}
	if (x < 9.995)
		snprintf(b, cap, "%.2f %s", x, unit[u]);
	else if (x < 99.95)
		snprintf(b, cap, "%.1f %s", x, unit[u]);
	else
		snprintf(b, cap, "%.0f %s", x, unit[u]);
}

static void put_count(ls_buf *b, uint64_t v)
{
	char t[40];
	fmt_count(t, sizeof t, v);
	put(b, t);
}

static void put_time(ls_buf *b, ls_time t)
{
	char x[48];
	fmt_time(x, sizeof x, t, true);
	put(b, x);
}

static void put_dur(ls_buf *b, int64_t us)
{
	char x[48];
	fmt_dur(x, sizeof x, us);
	put(b, x);
}

static void put_bytes(ls_buf *b, uint64_t v)
{
	char x[48];
	fmt_bytes(x, sizeof x, v);
	put(b, x);
}

/* ------------------------------------------------------------------ model */

typedef enum lane_kind { LK_OTHER = 0, LK_CONN, LK_DNS, LK_SYSMON } lane_kind;

typedef struct lane {
	const char *source;
	const char *file; /* path of its log, NULL if none */
	lane_kind kind;
	uint64_t records;  /* in its log */
	uint64_t campaign; /* campaign records found in its log */
	uint64_t alerts;   /* alerts naming one of its records */
} lane;

typedef struct rec {
	const char *source;
	uint32_t lane;
	ls_time time; /* as its log shows it; NO_TIME until found */
	int32_t step; /* global index of the first step listing it, or -1 */
	int32_t kind; /* first decoy kind listing it, or -1 */
} rec;

typedef struct alert {
	const char *title, *level;
	ls_time time; /* its own, else its earliest record's */
	bool own_time;
	uint32_t ref0, nrefs; /* into refs */
	bool truth;
	int32_t kind; /* a false alert's decoy kind, or -1 */
} alert;

typedef struct view {
	const char *id, *label;
	ls_time t0, t1;
	uint32_t *hist; /* nlanes * TL_BINS */
} view;

typedef struct hbin {
	uint32_t bin;
	uint64_t bytes;
} hbin;

typedef struct host {
	const char *key; /* lease host, or the address */
	bool leased;
	uint64_t total, flows;
	hbin *bins;
	size_t nbins, cap;
} host;

typedef struct model {
	ls_report *r;
	const ls_score *s;
	ls_diag *d;
	ls_arena *A;
	const char *dir, *alerts_path, *key_path, *manifest_path;
	ls_jdoc key, manifest;
	/* records and lanes */
	rec *recs;
	size_t nrecs, reccap;
	ls_strmap recmap;
	lane *lanes;
	size_t nlanes, lanecap;
	uint32_t *refs;
	size_t nrefs, refcap;
	alert *alerts;
	size_t nalerts, alertcap;
	/* kinds of decoys, in answer-key order */
	const char **kinds;
	size_t nkinds, kindcap;
	ls_strmap kindmap;
	uint64_t *kind_fooled; /* false alerts per kind */
	/* views */
	view views[3];
	size_t nviews;
	ls_time p0, p1; /* the period */
	ls_time w0, w1; /* the campaign window (w0 NO_TIME: none) */
	/* bytes per host */
	ls_leases leases;
	bool have_leases;
	host *hosts;
	size_t nhosts, hostcap;
	ls_strmap hostmap;
	int64_t bin_us;
	uint32_t nbins;
	uint64_t flows_foreign; /* flows from addresses that are not local */
	/* names of internal addresses: address -> name */
	ls_strmap ipname;
	const char **names;
	size_t nnames, namecap;
} model;

static const char *keep(model *m, const char *p, size_t n)
{
	return ls_arena_strndup(m->A, p, n);
}

static const char *keep_cstr(model *m, const char *p)
{
	return ls_arena_strdup(m->A, p);
}

static void model_fini(model *m)
{
	ls_jdoc_fini(&m->key);
	ls_jdoc_fini(&m->manifest);
	free(m->recs);
	ls_strmap_fini(&m->recmap);
	free(m->lanes);
	free(m->refs);
	free(m->alerts);
	free(m->kinds);
	ls_strmap_fini(&m->kindmap);
	free(m->kind_fooled);
	for (size_t i = 0; i < m->nviews; i++)
		free(m->views[i].hist);
	if (m->have_leases)
		ls_leases_fini(&m->leases);
	for (size_t i = 0; i < m->nhosts; i++)
		free(m->hosts[i].bins);
	free(m->hosts);
	ls_strmap_fini(&m->hostmap);
	ls_strmap_fini(&m->ipname);
	free(m->names);
}

/* ------------------------------------------------------- reading the trees */

static ls_err fail(model *m, const char *file, const ls_jnode *at, const char *fmt, ...)
        LS_PRINTF(4, 5);

static ls_err fail(model *m, const char *file, const ls_jnode *at, const char *fmt, ...)
{
	char msg[LS_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ls_jnode_fail(m->d, LS_ERR_PARSE, file, at, "%s", msg);
}

/*
 * Member key of obj: *out is NULL when it is absent or null, else the node,
 * which must be of kind `kind`.
 */
static ls_err opt(model *m, const char *file, const ls_jnode *obj, const char *path,
                  const char *key, ls_jkind kind, const ls_jnode **out)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	*out = NULL;
	if (n == NULL || n->kind == LS_JNULL)
		return LS_OK;
	if (n->kind != kind)
		return fail(m, file, n, "%s%s%s: expected %s, got %s", path, *path ? "." : "", key,
		            ls_jkind_name(kind), ls_jnode_kind_name(n));
	*out = n;
	return LS_OK;
}

static ls_err parse_time(model *m, const char *file, const ls_jnode *n, const char *what,
                         ls_time *t)
{
	ls_diag td;
	ls_diag_clear(&td);
	if (ls_time_parse_rfc3339(ls_jnode_sv(n), t, &td) != LS_OK)
		return ls_diag_set(m->d, LS_ERR_PARSE, file, n->line, n->col + td.col, "%s: %s",
		                   what, td.message);
	return LS_OK;
}

static uint32_t rec_intern(model *m, ls_sv source, ls_sv rid)
{
	ls_buf k = LS_BUF_INIT;
	ls_buf_append_sv(&k, source);
	ls_buf_append_char(&k, '\0');
	ls_buf_append_sv(&k, rid);
	long at = ls_strmap_get(&m->recmap, k.data, k.len);
	if (at < 0) {
		const char *key = keep(m, k.data, k.len);
		m->recs = ls_xgrow(m->recs, &m->reccap, m->nrecs + 1, sizeof *m->recs);
		rec *r = &m->recs[m->nrecs];
		r->source = key;
		r->lane = 0;
		r->time = NO_TIME;
		r->step = -1;
		r->kind = -1;
		ls_strmap_put(&m->recmap, key, k.len, (uint32_t)m->nrecs);
		at = (long)m->nrecs++;
	}
	ls_buf_fini(&k);
	return (uint32_t)at;
}

/* A {"source","rid"} object; *idx its record. */
static ls_err record_ref(model *m, const char *file, const ls_jnode *n, const char *path,
                         uint32_t *idx)
{
	const ls_jnode *src, *rid;
	if (n->kind != LS_JOBJECT)
		return fail(m, file, n, "%s: expected an object {\"source\", \"rid\"}, got %s",
		            path, ls_jnode_kind_name(n));
	ls_err e = opt(m, file, n, path, "source", LS_JSTRING, &src);
	if (e == LS_OK)
		e = opt(m, file, n, path, "rid", LS_JSTRING, &rid);
	if (e != LS_OK)
		return e;
	if (src == NULL || rid == NULL || src->len == 0 || memchr(src->text, '\0', src->len))
		return fail(m, file, n, "%s: needs a non-empty \"source\" and a \"rid\"", path);
	*idx = rec_intern(m, ls_jnode_sv(src), ls_jnode_sv(rid));
	return LS_OK;
}

/* The answer key: which step or decoy kind lists each record. */
static ls_err load_key(model *m)
{
	const ls_score *s = m->s;
	const char *F = m->key_path;
	ls_err e = ls_jdoc_load(&m->key, F, NULL, m->d);
	if (e != LS_OK)
		return e;
	const ls_jnode *root = m->key.root, *camps, *decoys;
	if (root->kind != LS_JOBJECT)
		return fail(m, F, root, "the answer key must be an object, got %s",
		            ls_jnode_kind_name(root));
	if ((e = opt(m, F, root, "", "campaigns", LS_JARRAY, &camps)) != LS_OK ||
	    (e = opt(m, F, root, "", "decoys", LS_JARRAY, &decoys)) != LS_OK)
		return e;
	size_t ncamps = camps ? camps->len : 0;
	if (ncamps != s->ncampaigns)
		return ls_diag_set(m->d, LS_ERR_STATE, F, 0, 0,
		                   "holds %zu campaigns but the scores were computed for %zu",
		                   ncamps, s->ncampaigns);
	char path[160];
	for (size_t c = 0; c < ncamps; c++) {
		const ls_jnode *cp = &camps->items[c], *steps;
		snprintf(path, sizeof path, "campaigns[%zu]", c);
		if (cp->kind != LS_JOBJECT)
			return fail(m, F, cp, "%s: expected an object, got %s", path,
			            ls_jnode_kind_name(cp));
		if ((e = opt(m, F, cp, path, "steps", LS_JARRAY, &steps)) != LS_OK)
			return e;
		size_t nsteps = steps ? steps->len : 0;
		if (nsteps != s->campaigns[c].nsteps)
			return ls_diag_set(m->d, LS_ERR_STATE, F, cp->line, cp->col,
			                   "%s has %zu steps but the scores were computed for %zu",
			                   path, nsteps, s->campaigns[c].nsteps);
		for (size_t j = 0; j < nsteps; j++) {
			const ls_jnode *st = &steps->items[j], *recs;
			char sub[200];
			snprintf(sub, sizeof sub, "%s.steps[%zu]", path, j);
			if (st->kind != LS_JOBJECT)
				return fail(m, F, st, "%s: expected an object, got %s", sub,
				            ls_jnode_kind_name(st));
			if ((e = opt(m, F, st, sub, "records", LS_JARRAY, &recs)) != LS_OK)
				return e;
			int32_t gi = (int32_t)(s->campaigns[c].first_step + j);
			for (size_t k = 0; recs && k < recs->len; k++) {
				char rp[240];
				snprintf(rp, sizeof rp, "%s.records[%zu]", sub, k);
				uint32_t r;
				if ((e = record_ref(m, F, &recs->items[k], rp, &r)) != LS_OK)
					return e;
				if (m->recs[r].step < 0)
					m->recs[r].step = gi;
			}
		}
	}
	for (size_t i = 0; decoys && i < decoys->len; i++) {
		const ls_jnode *dn = &decoys->items[i], *kind, *recs;
		snprintf(path, sizeof path, "decoys[%zu]", i);
		if (dn->kind != LS_JOBJECT)
			return fail(m, F, dn, "%s: expected an object, got %s", path,
			            ls_jnode_kind_name(dn));
		if ((e = opt(m, F, dn, path, "kind", LS_JSTRING, &kind)) != LS_OK ||
		    (e = opt(m, F, dn, path, "records", LS_JARRAY, &recs)) != LS_OK)
			return e;
		if (kind == NULL || kind->len == 0)
			return fail(m, F, dn, "%s: needs a \"kind\"", path);
		long k = ls_strmap_get(&m->kindmap, kind->text, kind->len);
		if (k < 0) {
			const char *name = keep(m, kind->text, kind->len);
			m->kinds = ls_xgrow(m->kinds, &m->kindcap, m->nkinds + 1, sizeof *m->kinds);
			m->kinds[m->nkinds] = name;
			ls_strmap_put(&m->kindmap, name, kind->len, (uint32_t)m->nkinds);
			k = (long)m->nkinds++;
		}
		for (size_t j = 0; recs && j < recs->len; j++) {
			char rp[200];
			snprintf(rp, sizeof rp, "%s.records[%zu]", path, j);
			uint32_t r;
			if ((e = record_ref(m, F, &recs->items[j], rp, &r)) != LS_OK)
				return e;
			if (m->recs[r].kind < 0)
				m->recs[r].kind = (int32_t)k;
		}
	}
	m->kind_fooled = ls_xcalloc(m->nkinds ? m->nkinds : 1, sizeof *m->kind_fooled);
	return LS_OK;
}

static ls_err read_alert(model *m, const ls_jnode *a)
{
	const char *F = m->alerts_path;
	if (a->kind != LS_JOBJECT)
		return fail(m, F, a, "an alert must be a JSON object, got %s",
		            ls_jnode_kind_name(a));
	const ls_jnode *id, *title, *level, *time, *recs;
	ls_err e;
	if ((e = opt(m, F, a, "", "rule_id", LS_JSTRING, &id)) != LS_OK ||
	    (e = opt(m, F, a, "", "title", LS_JSTRING, &title)) != LS_OK ||
	    (e = opt(m, F, a, "", "level", LS_JSTRING, &level)) != LS_OK ||
	    (e = opt(m, F, a, "", "time", LS_JSTRING, &time)) != LS_OK ||
	    (e = opt(m, F, a, "", "records", LS_JARRAY, &recs)) != LS_OK)
		return e;
	if (title == NULL)
		return fail(m, F, a, "\"title\" is missing");
	if (recs == NULL)
		return fail(m, F, a, "\"records\" is missing");
	alert al;
	memset(&al, 0, sizeof al);
	al.title = keep(m, title->text, title->len);
	al.level = level ? keep(m, level->text, level->len) : NULL;
	al.time = NO_TIME;
	al.kind = -1;
	if (time) {
		if ((e = parse_time(m, F, time, "time", &al.time)) != LS_OK)
			return e;
		al.own_time = true;
	}
	al.ref0 = (uint32_t)m->nrefs;
	for (size_t i = 0; i < recs->len; i++) {
		char path[64];
		snprintf(path, sizeof path, "records[%zu]", i);
		uint32_t r;
		if ((e = record_ref(m, F, &recs->items[i], path, &r)) != LS_OK)
			return e;
		m->refs = ls_xgrow(m->refs, &m->refcap, m->nrefs + 1, sizeof *m->refs);
		m->refs[m->nrefs++] = r;
	}
	al.nrefs = (uint32_t)(m->nrefs - al.ref0);
	m->alerts = ls_xgrow(m->alerts, &m->alertcap, m->nalerts + 1, sizeof *m->alerts);
	m->alerts[m->nalerts++] = al;
	return LS_OK;
}

static ls_err load_alerts(model *m)
{
	const char *F = m->alerts_path;
	FILE *f = fopen(F, "rb");
	if (f == NULL)
		return ls_diag_set(m->d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, F, 0, 0,
		                   "cannot open: %s", strerror(errno));
	ls_line_reader lr;
	ls_line_reader_init(&lr, f);
	ls_err e = LS_OK;
	for (;;) {
		ls_sv line;
		e = ls_line_reader_next(&lr, &line, m->d);
		if (e == LS_ERR_NOTFOUND) {
			e = LS_OK;
			break;
		}
		if (e != LS_OK) {
			if (m->d)
				m->d->file = F;
			break;
		}
		if (ls_sv_trim(line).len == 0) {
			e = ls_diag_set(
			        m->d, LS_ERR_PARSE, F, lr.line, 1,
			        "an empty line (each line must be one alert, a JSON object)");
			break;
		}
		ls_jdoc doc;
		ls_jdoc_opts o = { LS_LINE_MAX, 0, 0, lr.line };
		e = ls_jdoc_parse(&doc, line.ptr, line.len, &o, F, m->d);
		if (e == LS_OK)
			e = read_alert(m, doc.root);
		ls_jdoc_fini(&doc);
		if (e != LS_OK)
			break;
	}
	ls_line_reader_fini(&lr);
	fclose(f);
	if (e == LS_OK && m->nalerts != m->s->nalerts)
		e = ls_diag_set(m->d, LS_ERR_STATE, F, 0, 0,
		                "holds %zu alerts but the scores were computed for %zu", m->nalerts,
		                m->s->nalerts);
	return e;
}

/* ---------------------------------------------------------- lanes, views */

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long lane_find(const model *m, const char *source)
{
	for (size_t i = 0; i < m->nlanes; i++)
		if (strcmp(m->lanes[i].source, source) == 0)
			return (long)i;
	return -1;
}

static void lane_add(model *m, const char *source, const char *file)
{
	m->lanes = ls_xgrow(m->lanes, &m->lanecap, m->nlanes + 1, sizeof *m->lanes);
	lane *l = &m->lanes[m->nlanes++];
	memset(l, 0, sizeof *l);
	l->source = source;
	l->file = file;
	l->kind = strcmp(source, "conn") == 0     ? LK_CONN
	          : strcmp(source, "dns") == 0    ? LK_DNS
	          : strcmp(source, "sysmon") == 0 ? LK_SYSMON
	                                          : LK_OTHER;
}

/*
 * One lane per dataset source whose log exists or which a record names, in
 * the dataset's order; then sources the dataset does not know, by name.
 */
static void build_lanes(model *m)
{
	ls_buf p = LS_BUF_INIT;
	for (size_t i = 0; i < ls_dataset_nfiles; i++) {
		const ls_dataset_file *df = &ls_dataset_files[i];
		ls_buf_reset(&p);
		ls_buf_printf(&p, "%s/logs/%s", m->dir, df->file);
		bool named = false;
		for (size_t r = 0; r < m->nrecs && !named; r++)
			named = strcmp(m->recs[r].source, df->source) == 0;
		bool have = is_file(p.data);
		if (have || named)
			lane_add(m, df->source, have ? keep(m, p.data, p.len) : NULL);
	}
	ls_buf_fini(&p);
	const char **extra = NULL;
	size_t nextra = 0, cap = 0;
	for (size_t r = 0; r < m->nrecs; r++) {
		const char *src = m->recs[r].source;
		if (lane_find(m, src) >= 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < nextra && !dup; k++)
			dup = strcmp(extra[k], src) == 0;
		if (!dup) {
			extra = ls_xgrow(extra, &cap, nextra + 1, sizeof *extra);
			extra[nextra++] = src;
		}
	}
	if (nextra)
		qsort(extra, nextra, sizeof *extra, cmp_cstr);
	for (size_t k = 0; k < nextra; k++)
		lane_add(m, extra[k], NULL);
	free(extra);
	for (size_t r = 0; r < m->nrecs; r++)
		m->recs[r].lane = (uint32_t)lane_find(m, m->recs[r].source);
}

static ls_time tmin(ls_time a, ls_time b)
{
	return a == NO_TIME ? b : b == NO_TIME ? a : a < b ? a : b;
}

static ls_time tmax(ls_time a, ls_time b)
{
	return a == NO_TIME ? b : b == NO_TIME ? a : a > b ? a : b;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void add_view(model *m, const char *id, const char *label, ls_time t0, ls_time t1)
{
	view *v = &m->views[m->nviews++];
	v->id = id;
	v->label = label;
	v->t0 = t0;
	v->t1 = t1 > t0 ? t1 : t0 + LS_USEC_PER_MIN;
	v->hist = ls_xcalloc(m->nlanes * TL_BINS + 1, sizeof *v->hist);
}

/*
 * The period is the manifest's start plus its days, widened to hold every
 * step and every timed alert. The campaign window runs from the first step's
 * start to the last step's end or the publication, with a margin of 5% (at
 * least 5 minutes); the insider's actions leave the publication out and get
 * a view of their own only when they are under a third of that window.
 */
static void build_views(model *m)
{
	const ls_score *s = m->s;
	ls_time p0 = NO_TIME;
	if (s->start) {
		ls_time t;
		if (ls_time_parse_rfc3339(ls_sv_from_cstr(s->start), &t, NULL) == LS_OK)
			p0 = t;
	}
	ls_time lo = NO_TIME, hi = NO_TIME, act_lo = NO_TIME, act_hi = NO_TIME;
	for (size_t i = 0; i < s->nsteps; i++) {
		lo = tmin(lo, s->steps[i].start);
		hi = tmax(hi, s->steps[i].end);
		if (strcmp(s->steps[i].name, "publication") != 0) {
			act_lo = tmin(act_lo, s->steps[i].start);
			act_hi = tmax(act_hi, s->steps[i].end);
		}
	}
	for (size_t c = 0; m->key.root && c < s->ncampaigns; c++) {
		const ls_jnode *cp = ls_jnode_at(ls_jnode_get(m->key.root, "campaigns"), c);
		const ls_jnode *pub = ls_jnode_get(ls_jnode_get(cp, "publication"), "time");
		ls_time t;
		if (pub && pub->kind == LS_JSTRING &&
		    ls_time_parse_rfc3339(ls_jnode_sv(pub), &t, NULL) == LS_OK)
			hi = tmax(hi, t);
	}
	ls_time alo = NO_TIME, ahi = NO_TIME;
	for (size_t i = 0; i < m->nalerts; i++) {
		alo = tmin(alo, m->alerts[i].time);
		ahi = tmax(ahi, m->alerts[i].time);
	}
	uint64_t days = s->ops.days ? s->ops.days : 1;
	if (p0 == NO_TIME) {
		ls_time first = tmin(lo, alo);
		p0 = first == NO_TIME ? 0 : floor_div(first, LS_USEC_PER_DAY) * LS_USEC_PER_DAY;
	}
	ls_time p1 = p0 + (int64_t)days * LS_USEC_PER_DAY;
	p0 = tmin(p0, tmin(lo, alo));
	p1 = tmax(p1, tmax(hi, ahi) + 1);
	m->p0 = p0;
	m->p1 = p1;
	add_view(m, "view-period", "Whole period", p0, p1);
	m->w0 = NO_TIME;
	if (lo != NO_TIME) {
		int64_t margin = (hi - lo) / 20;
		if (margin < 5 * LS_USEC_PER_MIN)
			margin = 5 * LS_USEC_PER_MIN;
		m->w0 = lo - margin;
		m->w1 = hi + margin;
		add_view(m, "view-campaign", "Campaign window", m->w0, m->w1);
		if (act_lo != NO_TIME && (act_hi - act_lo) * 3 < hi - lo) {
			int64_t am = (act_hi - act_lo) / 20;
			if (am < 2 * LS_USEC_PER_MIN)
				am = 2 * LS_USEC_PER_MIN;
			add_view(m, "view-actions", "Insider's actions", act_lo - am, act_hi + am);
		}
	}
	/* Bytes per host: the smallest bin of 1h, 2h, 3h, 6h, 12h, 1d, 7d that fits. */
	static const int64_t hours[] = { 1, 2, 3, 6, 12, 24, 168 };
	int64_t span = p1 - p0;
	m->bin_us = 168 * LS_USEC_PER_HOUR;
	for (size_t i = 0; i < sizeof hours / sizeof hours[0]; i++)
		if ((span + hours[i] * LS_USEC_PER_HOUR - 1) / (hours[i] * LS_USEC_PER_HOUR) <=
		    BY_BINS_MAX) {
			m->bin_us = hours[i] * LS_USEC_PER_HOUR;
			break;
		}
	int64_t nb = (span + m->bin_us - 1) / m->bin_us;
	m->nbins = (uint32_t)(nb < 1 ? 1 : nb > BY_BINS_MAX * 8 ? BY_BINS_MAX * 8 : nb);
}

/* ---------------------------------------------------------- the log pass */

/* An address in 10/8, 172.16/12, 192.168/16 or fc00::/7. */
static bool private_addr(ls_sv ip)
{
	unsigned oct[4] = { 0, 0, 0, 0 };
	size_t k = 0, digits = 0;
	bool v4 = ip.len > 0;
	for (size_t i = 0; i < ip.len && v4; i++) {
		char c = ip.ptr[i];
		if (c >= '0' && c <= '9' && digits < 3) {
			oct[k] = oct[k] * 10 + (unsigned)(c - '0');
			digits++;
		} else if (c == '.' && digits && k < 3) {
			k++;
			digits = 0;
		} else {
			v4 = false;
		}
	}
	if (v4 && k == 3 && digits && oct[0] < 256 && oct[1] < 256 && oct[2] < 256 && oct[3] < 256)
		return oct[0] == 10 || (oct[0] == 172 && oct[1] >= 16 && oct[1] < 32) ||
		       (oct[0] == 192 && oct[1] == 168);
	return ip.len > 2 && ls_sv_find_char(ip, ':') != SIZE_MAX &&
	       (ip.ptr[0] == 'f' || ip.ptr[0] == 'F') &&
	       (ip.ptr[1] == 'c' || ip.ptr[1] == 'C' || ip.ptr[1] == 'd' || ip.ptr[1] == 'D');
}

/* Remember name for an internal address (the first name seen wins). */
static void learn_name(model *m, ls_sv ip, ls_sv name)
{
	if (name.len == 0 || name.len > 255 || ls_sv_eq_cstr(name, "-") || !private_addr(ip))
		return;
	if (ls_strmap_get(&m->ipname, ip.ptr, ip.len) >= 0)
		return;
	const char *k = keep(m, ip.ptr, ip.len);
	m->names = ls_xgrow(m->names, &m->namecap, m->nnames + 1, sizeof *m->names);
	m->names[m->nnames] = keep(m, name.ptr, name.len);
	ls_strmap_put(&m->ipname, k, ip.len, (uint32_t)m->nnames++);
}

static const ls_field *str_field(const ls_event *ev, const char *name)
{
	const ls_field *f = ls_event_get(ev, ls_sv_from_cstr(name));
	return f && f->type == LS_VALUE_STRING ? f : NULL;
}

static void count_flow(model *m, const ls_event *ev, ls_time t)
{
	const ls_field *ob = ls_event_get(ev, LS_SV_LIT("orig_bytes"));
	const ls_field *oh = str_field(ev, "id.orig_h");
	uint64_t bytes;
	if (ob == NULL || oh == NULL || ob->type != LS_VALUE_NUMBER ||
	    ls_sv_to_u64(ob->value, &bytes) != LS_OK || t == NO_TIME || t < m->p0 || t >= m->p1)
		return;
	const ls_lease *l = m->have_leases ? ls_leases_find(&m->leases, oh->value, t) : NULL;
	ls_sv key;
	bool leased = l && l->host && *l->host;
	if (leased)
		key = ls_sv_from_cstr(l->host);
	else if (private_addr(oh->value))
		key = oh->value;
	else {
		m->flows_foreign++;
		return;
	}
	long at = ls_strmap_get(&m->hostmap, key.ptr, key.len);
	if (at < 0) {
		const char *k = keep(m, key.ptr, key.len);
		m->hosts = ls_xgrow(m->hosts, &m->hostcap, m->nhosts + 1, sizeof *m->hosts);
		host *h = &m->hosts[m->nhosts];
		memset(h, 0, sizeof *h);
		h->key = k;
		h->leased = leased;
		ls_strmap_put(&m->hostmap, k, key.len, (uint32_t)m->nhosts);
		at = (long)m->nhosts++;
	}
	host *h = &m->hosts[at];
	uint32_t bin = (uint32_t)((t - m->p0) / m->bin_us);
	if (bin >= m->nbins)
		bin = m->nbins - 1;
	h->total += bytes;
	h->flows++;
	/* Logs are in time order, so a flow nearly always extends the last bin. */
	if (h->nbins && h->bins[h->nbins - 1].bin == bin) {
		h->bins[h->nbins - 1].bytes += bytes;
		return;
	}
	h->bins = ls_xgrow(h->bins, &h->cap, h->nbins + 1, sizeof *h->bins);
	h->bins[h->nbins].bin = bin;
	h->bins[h->nbins].bytes = bytes;
	h->nbins++;
}

static void on_event(model *m, size_t li, const ls_logreader *lr)
{
	lane *L = &m->lanes[li];
	const ls_event *ev = &lr->ev;
	ls_time t = lr->time == LS_TIME_NONE ? NO_TIME : lr->time;
	L->records++;
	if (t != NO_TIME)
		for (size_t v = 0; v < m->nviews; v++) {
			view *vw = &m->views[v];
			if (t < vw->t0 || t >= vw->t1)
				continue;
			size_t b = (size_t)((double)(t - vw->t0) * TL_BINS /
			                    (double)(vw->t1 - vw->t0));
			vw->hist[li * TL_BINS + (b < TL_BINS ? b : TL_BINS - 1)]++;
		}
	const ls_field *rid = str_field(ev, "rid");
	if (rid && m->recmap.n) {
		ls_buf k = LS_BUF_INIT;
		ls_buf_append_cstr(&k, L->source);
		ls_buf_append_char(&k, '\0');
		ls_buf_append_sv(&k, rid->value);
		long at = ls_strmap_get(&m->recmap, k.data, k.len);
		ls_buf_fini(&k);
		if (at >= 0 && m->recs[at].time == NO_TIME && t != NO_TIME) {
			m->recs[at].time = t; /* a duplicate counts where it first appears */
			L->campaign += m->recs[at].step >= 0;
		}
	}
	if (L->kind == LK_CONN) {
		count_flow(m, ev, t);
	} else if (L->kind == LK_DNS) {
		const ls_field *q = str_field(ev, "query");
		for (const ls_field *a = q ? ls_event_get(ev, LS_SV_LIT("answers")) : NULL; a;
		     a = ls_event_next(ev, a))
			learn_name(m, a->value, q->value);
	} else if (L->kind == LK_SYSMON) {
		const ls_field *dh = str_field(ev, "DestinationHostname");
		const ls_field *di = str_field(ev, "DestinationIp");
		if (dh && di)
			learn_name(m, di->value, dh->value);
	}
}

static ls_err read_logs(model *m)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/logs/dhcp.jsonl", m->dir);
	if (is_file(p.data)) {
		/* Its unreadable lines are counted when the pass reads it as a lane. */
		ls_err e = ls_leases_load(&m->leases, p.data, NULL, m->d);
		if (e != LS_OK) {
			if (m->d)
				m->d->file = keep(m, p.data, p.len);
			ls_leases_fini(&m->leases);
			ls_buf_fini(&p);
			return e;
		}
		m->have_leases = true;
	}
	ls_buf_fini(&p);
	for (size_t li = 0; li < m->nlanes; li++) {
		if (m->lanes[li].file == NULL)
			continue;
		ls_logreader lr;
		ls_err e = ls_logreader_open(&lr, m->lanes[li].file, NULL, m->d);
		if (e != LS_OK)
			return e;
		for (;;) {
			ls_diag ld;
			ls_diag_clear(&ld);
			e = ls_logreader_next(&lr, &ld);
			if (e == LS_ERR_NOTFOUND) {
				e = LS_OK;
				break;
			}
			if (e == LS_ERR_IO) {
				if (m->d)
					*m->d = ld;
				break;
			}
			if (e != LS_OK) {
				m->r->log_lines_bad++;
				continue;
			}
			m->r->log_events++;
			on_event(m, li, &lr);
		}
		ls_logreader_close(&lr);
		if (e != LS_OK)
			return e;
	}
	/* Alerts: a time from their records when they have none; true or false. */
	for (size_t i = 0; i < m->nalerts; i++) {
		alert *a = &m->alerts[i];
		for (uint32_t k = 0; k < a->nrefs; k++) {
			const rec *r = &m->recs[m->refs[a->ref0 + k]];
			if (!a->own_time)
				a->time = tmin(a->time, r->time);
			a->truth |= r->step >= 0;
		}
		for (uint32_t k = 0; k < a->nrefs && !a->truth && a->kind < 0; k++)
			a->kind = m->recs[m->refs[a->ref0 + k]].kind;
		if (!a->truth && a->kind >= 0)
			m->kind_fooled[a->kind]++;
		bool drawn = a->time != NO_TIME && a->nrefs > 0;
		m->r->alerts_undrawn += !drawn;
		for (size_t li = 0; li < m->nlanes; li++)
			for (uint32_t k = 0; k < a->nrefs; k++)
				if (m->recs[m->refs[a->ref0 + k]].lane == li) {
					m->lanes[li].alerts++;
					break;
				}
	}
	for (size_t r = 0; r < m->nrecs; r++)
		m->r->records_missing += m->recs[r].step >= 0 && m->recs[r].time == NO_TIME;
	m->r->alerts = m->nalerts;
	return LS_OK;
}

/* ============================================================== rendering */

static const char *const CSS =
        ":root{--ink:#1d2433;--muted:#5b6475;--line:#d5d9e0;--bg:#ffffff;--soft:#f4f6f9;"
        "--tp:#c0392b;--fp:#1f5fa8;--dc:#d97706;--ok:#1e7b34;--warn:#a15c00;--bad:#b3261e}\n"
        "*{box-sizing:border-box}\n"
        "body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',"
        "Arial,sans-serif;color:var(--ink);background:var(--bg)}\n"
        "main{max-width:1280px;margin:0 auto;padding:0 24px 48px}\n"
        "header.top{background:#1d2433;color:#fff;padding:22px 24px 18px}\n"
        "header.top .in{max-width:1232px;margin:0 auto}\n"
        "header.top h1{margin:0 0 4px;font-size:26px;font-weight:650}\n"
        "header.top .meta{margin:0;color:#c9d1e0;font-size:14px}\n"
        ".verdict{margin:14px 0 0;padding:12px 16px;border-radius:6px;font-size:17px;"
        "font-weight:600;border-left:6px solid}\n"
        ".verdict.ok{background:#e6f4ea;color:#0f5223;border-color:var(--ok)}\n"
        ".verdict.late{background:#fff4e0;color:#6b3d00;border-color:var(--warn)}\n"
        ".verdict.miss{background:#fce8e6;color:#7a1c14;border-color:var(--bad)}\n"
        ".verdict.none{background:#eef1f5;color:var(--ink);border-color:var(--muted)}\n"
        ".verdict small{display:block;font-weight:400;font-size:14px;margin-top:2px}\n"
        "nav.toc{margin:16px 0 0;font-size:14px}\nnav.toc a{margin-right:14px;color:#c9d1e0}\n"
        "h2{font-size:21px;margin:36px 0 8px;padding-bottom:4px;border-bottom:2px solid "
        "var(--line)}\n"
        "h3{font-size:17px;margin:22px 0 6px}\n"
        "p.note,figcaption{color:var(--muted);font-size:13.5px;margin:4px 0 10px}\n"
        "figure{margin:14px 0 22px}\n"
        "svg{display:block;width:100%;height:auto;font-family:inherit}\n"
        "svg text{fill:var(--ink);font-size:12px}\n"
        "svg .lbl{font-size:12.5px;font-weight:600}\nsvg .sub{fill:var(--muted);font-size:10.5px}\n"
        "svg .nolog{fill:#9aa1ad;font-style:italic}\n"
        "svg .axis line,svg .axis path{stroke:#8a93a3}\nsvg .grid{stroke:#e3e6eb}\n"
        "svg .act{fill:#c5cad3}\nsvg .crec{stroke:#3b3b3b;stroke-width:1;opacity:.75}\n"
        "svg .band{stroke-width:1}\nsvg .steplbl{font-size:11.5px;font-weight:600}\n"
        "svg .win{fill:none;stroke:#444;stroke-dasharray:5 4}\n"
        "svg .mk{cursor:help}\n"
        "svg .mk.tp{fill:var(--tp);stroke:#5c0d05;stroke-width:1}\n"
        "svg .mk.fp{fill:#fff;stroke:var(--fp);stroke-width:2}\n"
        "svg .mk.fp.dc{stroke:var(--dc)}\n"
        "svg .mk:hover{stroke-width:3}\n"
        "svg .hostline{fill:none;stroke-width:1.6;stroke-linejoin:round}\n"
        "svg .hostline.campaign{stroke-width:3}\n"
        ".legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13.5px;margin:6px 0;"
        "padding:0;list-style:none}\n"
        ".legend li{display:flex;align-items:center;gap:6px}\n"
        ".legend svg{width:auto;display:inline-block}\n"
        ".sw{display:inline-block;width:18px;height:4px;border-radius:2px}\n"
        ".sw.thick{height:6px}\n"
        "table{border-collapse:collapse;margin:8px 0 14px;font-size:13.5px;width:100%}\n"
        "th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;"
        "vertical-align:top}\n"
        "th{background:var(--soft);font-weight:600;white-space:nowrap}\n"
        "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
        "tbody tr:nth-child(even){background:#fafbfc}\n"
        "td.t,td.nw{white-space:nowrap}\ntable.narrow{width:auto;min-width:40%}\n"
        "code{font:12.5px ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
        "word-break:break-all}\n"
        ".yes{color:var(--ok);font-weight:600}\n.no{color:var(--bad);font-weight:600}\n"
        ".lvl{display:inline-block;padding:0 6px;border-radius:8px;font-size:11.5px;"
        "background:#e8ebf0;color:#333;margin-left:6px}\n"
        ".lvl.critical{background:#7a1c14;color:#fff}\n.lvl.high{background:#d9534f;color:#fff}\n"
        ".lvl.medium{background:#f0ad4e;color:#222}\n.lvl.low{background:#cfe3f6;color:#123}\n"
        "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:8px 0;"
        "font-size:14px}\n"
        "dl.kv dt{color:var(--muted)}\ndl.kv dd{margin:0}\n"
        "#views{margin:6px 0 0}\n"
        "#views button{font:inherit;font-size:13.5px;padding:4px 10px;margin:0 6px 4px 0;"
        "border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}\n"
        "#views button[aria-pressed=true]{background:#1d2433;color:#fff;border-color:#1d2433}\n"
        "footer{color:var(--muted);font-size:12.5px;margin-top:40px;border-top:1px solid "
        "var(--line);padding-top:8px}\n"
        "@media print{header.top{background:none;color:var(--ink)}header.top .meta,nav.toc "
        "a{color:var(--ink)}#views{display:none}figure{break-inside:avoid}}\n";

/*
 * The view switcher. Without script every view is shown, one below the
 * other; with it, buttons show one view or all. No '<' or '&' appears here,
 * which keeps the document well-formed XML.
 */
static const char *const SCRIPT =
        "(function () {\n"
        "  var bar = document.getElementById('views');\n"
        "  var figs = Array.prototype.slice.call(document.querySelectorAll('figure.view'));\n"
        "  if (!bar || figs.length === 1 || figs.length === 0) { return; }\n"
        "  function show(id) {\n"
        "    figs.forEach(function (f) { f.hidden = !(id === 'all' || f.id === id); });\n"
        "    Array.prototype.forEach.call(bar.querySelectorAll('button'), function (b) {\n"
        "      b.setAttribute('aria-pressed', b.value === id ? 'true' : 'false');\n"
        "    });\n"
        "  }\n"
        "  var items = [['all', 'All views']];\n"
        "  figs.forEach(function (f) { items.push([f.id, f.getAttribute('data-label')]); });\n"
        "  items.forEach(function (it) {\n"
        "    var b = document.createElement('button');\n"
        "    b.type = 'button';\n"
        "    b.value = it[0];\n"
        "    b.textContent = it[1];\n"
        "    b.addEventListener('click', function () { show(it[0]); });\n"
        "    bar.appendChild(b);\n"
        "  });\n"
        "  bar.hidden = false;\n"
        "  show('all');\n"
        "})();\n";

/* Step colours by name, in the answer key's fixed order; others grey. */
static const char *step_colour(const char *name)
{
	static const struct {
		const char *name, *colour;
	} tab[] = {
		{ "access", "#4e79a7" },         { "collection", "#f28e2b" },
		{ "staging", "#b07aa1" },        { "transfer", "#17a2a2" },
		{ "exfiltration", "#e15759" },   { "publication", "#59a14f" },
		{ "anti_forensics", "#9c755f" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(tab[i].name, name) == 0)
			return tab[i].colour;
	return "#8c8c8c";
}

static double xpos(const view *v, ls_time t)
{
	return TL_LEFT + (double)(t - v->t0) * PW / (double)(v->t1 - v->t0);
}

/* ------------------------------------------------------------- time axis */

typedef struct ticks {
	int64_t step;
	ls_time first;
} ticks;

static ticks pick_ticks(ls_time t0, ls_time t1)
{
	static const int64_t steps[] = {
		1,     2,     5,      10,     15,      30,      60,      120,
		300,   600,   900,    1800,   3600,    7200,    10800,   21600,
		43200, 86400, 172800, 604800, 1209600, 2419200, 7862400, 31449600,
	};
	ticks k = { 0, 0 };
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		k.step = steps[i] * LS_USEC_PER_SEC;
		if ((t1 - t0) / k.step <= 9)
			break;
	}
	k.first = (floor_div(t0, k.step) + 1) * k.step;
	if (k.first - k.step >= t0)
		k.first -= k.step;
	return k;
}

/* Vertical grid lines from y0 to y1 and labelled ticks at y1. */
static void axis(ls_buf *b, const view *v, double y0, double y1)
{
	ticks k = pick_ticks(v->t0, v->t1);
	int last_day = -1;
	put(b, "<g class=\"axis\">");
	for (ls_time t = k.first; t <= v->t1; t += k.step) {
		double x = xpos(v, t);
		ls_civil c;
		ls_time_to_civil(t, &c);
		put(b, "<line class=\"grid\" x1=\"");
		num(b, x);
		put(b, "\" x2=\"");
		num(b, x);
		put(b, "\" y1=\"");
		num(b, y0);
		put(b, "\" y2=\"");
		num(b, y1);
		put(b, "\"/><line x1=\"");
		num(b, x);
		put(b, "\" x2=\"");
		num(b, x);
		put(b, "\" y1=\"");
		num(b, y1);
		put(b, "\" y2=\"");
		num(b, y1 + 5);
		put(b, "\"/><text text-anchor=\"middle\" x=\"");
		num(b, x);
		put(b, "\" y=\"");
		num(b, y1 + 18);
		put(b, "\">");
		int day = c.year * 400 + c.month * 32 + c.day;
		if (k.step >= LS_USEC_PER_DAY)
			ls_buf_printf(b, "%02d-%02d", c.month, c.day);
		else {
			if (day != last_day)
				ls_buf_printf(b, "%02d-%02d ", c.month, c.day);
			if (k.step >= LS_USEC_PER_MIN)
				ls_buf_printf(b, "%02d:%02d", c.hour, c.minute);
			else
				ls_buf_printf(b, "%02d:%02d:%02d", c.hour, c.minute, c.second);
		}
		last_day = day;
		put(b, "</text>");
	}
	put(b, "<line x1=\"");
	num(b, TL_LEFT);
	put(b, "\" x2=\"");
	num(b, TL_W - TL_RIGHT);
	put(b, "\" y1=\"");
	num(b, y1);
	put(b, "\" y2=\"");
	num(b, y1);
	put(b, "\"/></g>\n");
}

/* ------------------------------------------------------------- timeline */

typedef struct mark {
	uint32_t alert;
	uint32_t lane;
	double x, y;
} mark;

static int cmp_mark(const void *a, const void *b)
{
	const mark *x = a, *y = b;
	if (x->lane != y->lane)
		return x->lane < y->lane ? -1 : 1;
	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return x->alert < y->alert ? -1 : x->alert > y->alert;
}

static void alert_tooltip(ls_buf *b, const model *m, const alert *a)
{
	put(b, "<title>");
	if (a->truth)
		put(b, "TRUE alert: ");
	else if (a->kind >= 0) {
		put(b, "FALSE alert (decoy ");
		esc(b, m->kinds[a->kind]);
		put(b, "): ");
	} else
		put(b, "FALSE alert: ");
	esc(b, a->title);
	put(b, "\n");
	put_time(b, a->time);
	put(b, a->own_time ? " UTC" : " UTC (no alert time: its first record)");
	if (a->level) {
		put(b, ", level ");
		esc(b, a->level);
	}
	put(b, "\nrecords:");
	for (size_t li = 0; li < m->nlanes; li++) {
		uint64_t n = 0;
		for (uint32_t k = 0; k < a->nrefs; k++)
			n += m->recs[m->refs[a->ref0 + k]].lane == li;
		if (n) {
			put(b, " ");
			esc(b, m->lanes[li].source);
			ls_buf_printf(b, " %" PRIu64, n);
		}
	}
	put(b, "</title>");
}

#define LABEL_ROWS 8

/* The width a step name takes in the label font (a generous estimate). */
static double label_width(const char *name)
{
	return 7.4 * (double)strlen(name) + 12.0;
}

/*
 * Where each step's name goes above the lanes: at its band's left edge (kept
 * inside the chart), in the first row where it overlaps no earlier name.
 */
static void step_labels(const model *m, const view *v, int *row, double *lx, size_t *nrows)
{
	const ls_score *s = m->s;
	double ends[LABEL_ROWS];
	for (size_t r = 0; r < LABEL_ROWS; r++)
		ends[r] = -1e9;
	*nrows = 1;
	for (size_t i = 0; i < s->nsteps; i++) {
		row[i] = -1;
		if (s->steps[i].end < v->t0 || s->steps[i].start > v->t1)
			continue;
		double w = label_width(s->steps[i].name);
		double x = xpos(v, s->steps[i].start);
		if (x < TL_LEFT)
			x = TL_LEFT;
		if (x > TL_W - TL_RIGHT - w)
			x = TL_W - TL_RIGHT - w;
		int r = 0;
		while (r < LABEL_ROWS && ends[r] > x)
			r++;
		if (r == LABEL_ROWS) {
			r = 0;
			for (int k = 1; k < LABEL_ROWS; k++)
				if (ends[k] < ends[r])
					r = k;
		}
		ends[r] = x + w;
		row[i] = r;
		lx[i] = x;
		if ((size_t)r + 1 > *nrows)
			*nrows = (size_t)r + 1;
	}
}

static void timeline(ls_buf *b, const model *m, size_t vi)
{
	const ls_score *s = m->s;
	const view *v = &m->views[vi];
	int *row = ls_xcalloc(s->nsteps + 1, sizeof *row);
	double *lx = ls_xcalloc(s->nsteps + 1, sizeof *lx);
	size_t nrows;
	step_labels(m, v, row, lx, &nrows);
	double top = 8.0 + TL_LABEL_ROW * (double)nrows + 4.0;
	double bottom = top + TL_LANE * (double)m->nlanes;
	double height = bottom + 30.0;
	char t0[48], t1[48], bw[48];
	fmt_time(t0, sizeof t0, v->t0, true);
	fmt_time(t1, sizeof t1, v->t1, true);
	fmt_dur(bw, sizeof bw, (v->t1 - v->t0) / TL_BINS);

	ls_buf_printf(b, "<figure class=\"view\" id=\"%s\" data-label=\"", v->id);
	esc(b, v->label);
	ls_buf_printf(b, "\">\n<svg class=\"timeline\" data-view=\"%s\" viewBox=\"0 0 ", v->id);
	num(b, TL_W);
	put(b, " ");
	num(b, height);
	put(b, "\" role=\"img\" aria-label=\"");
	esc(b, v->label);
	put(b, ": campaign timeline\">\n");

	/* Lane backgrounds and labels. */
	for (size_t li = 0; li < m->nlanes; li++) {
		const lane *L = &m->lanes[li];
		double y = top + TL_LANE * (double)li;
		ls_buf_printf(b, "<g class=\"lane\" data-source=\"");
		esc(b, L->source);
		put(b, "\"><rect x=\"0\" y=\"");
		num(b, y);
		put(b, "\" width=\"");
		num(b, TL_W);
		put(b, "\" height=\"");
		num(b, TL_LANE);
		put(b, li % 2 ? "\" fill=\"#f7f8fa\"/>" : "\" fill=\"#ffffff\"/>");
		put(b, "<text class=\"lbl\" x=\"8\" y=\"");
		num(b, y + 17);
		put(b, "\">");
		esc(b, L->source);
		put(b, "<title>");
		esc(b, L->source);
		put(b, ": ");
		if (L->file) {
			put_count(b, L->records);
			put(b, " records, ");
		} else
			put(b, "no log in the dataset, ");
		put_count(b, L->campaign);
		put(b, " of the campaign found, ");
		put_count(b, L->alerts);
		put(b, " alerts name its records</title></text>");
		put(b, L->file ? "<text class=\"sub\" x=\"8\" y=\""
		               : "<text class=\"sub nolog\" x=\"8\" y=\"");
		num(b, y + 31);
		put(b, "\">");
		if (L->file) {
			put_count(b, L->records);
			put(b, " records");
		} else
			put(b, "no log");
		put(b, "</text></g>\n");
	}

	/* Step bands with their names above the lanes. */
	for (size_t i = 0; i < s->nsteps; i++) {
		const ls_score_step *st = &s->steps[i];
		if (st->end < v->t0 || st->start > v->t1)
			continue;
		double x0 = xpos(v, st->start), x1 = xpos(v, st->end);
		if (x0 < TL_LEFT)
			x0 = TL_LEFT;
		if (x1 > TL_W - TL_RIGHT)
			x1 = TL_W - TL_RIGHT;
		if (x1 - x0 < 3.0) {
			double c = (x0 + x1) / 2;
			x0 = c - 1.5;
			x1 = c + 1.5;
		}
		const char *col = step_colour(st->name);
		put(b, "<g class=\"step\" data-step=\"");
		esc(b, st->name);
		ls_buf_printf(
		        b,
		        "\"><rect class=\"band\" fill=\"%s\" fill-opacity=\"0.16\" stroke=\"%s\" "
		        "stroke-opacity=\"0.55\" x=\"",
		        col, col);
		num(b, x0);
		put(b, "\" y=\"");
		num(b, top);
		put(b, "\" width=\"");
		num(b, x1 - x0);
		put(b, "\" height=\"");
		num(b, bottom - top);
		put(b, "\"><title>");
		if (s->ncampaigns > 1) {
			esc(b, s->campaigns[st->campaign].id);
			put(b, " ");
		}
		esc(b, st->name);
		for (size_t k = 0; k < st->ntechniques; k++) {
			put(b, k ? ", " : " (");
			esc(b, st->techniques[k]);
		}
		put(b, st->ntechniques ? ")\n" : "\n");
		put_time(b, st->start);
		put(b, " to ");
		put_time(b, st->end);
		put(b, " UTC (");
		put_dur(b, st->end - st->start);
		put(b, "), ");
		put_count(b, st->det.records);
		put(b, st->det.detected ? " records, detected" : " records, not detected");
		put(b, "</title></rect><text class=\"steplbl\" fill=\"");
		put(b, col);
		put(b, "\" x=\"");
		num(b, lx[i]);
		put(b, "\" y=\"");
		num(b, 8.0 + TL_LABEL_ROW * (double)(row[i] + 1) - 3.0);
		put(b, "\">");
		esc(b, st->name);
		put(b, "</text></g>\n");
	}

	/* The campaign window, outlined on the views that show more than it. */
	if (m->w0 != NO_TIME && (m->w0 > v->t0 || m->w1 < v->t1) &&
	    strcmp(v->id, "view-actions") != 0) {
		double x0 = xpos(v, m->w0 > v->t0 ? m->w0 : v->t0);
		double x1 = xpos(v, m->w1 < v->t1 ? m->w1 : v->t1);
		put(b, "<rect class=\"win\" x=\"");
		num(b, x0);
		put(b, "\" y=\"");
		num(b, top - 2);
		put(b, "\" width=\"");
		num(b, x1 - x0 > 1 ? x1 - x0 : 1);
		put(b, "\" height=\"");
		num(b, bottom - top + 4);
		put(b, "\"><title>the campaign window, drawn on its own below</title></rect>\n");
	}

	axis(b, v, top, bottom);

	/* Activity per lane: records per bin, scaled to each lane's busiest bin. */
	for (size_t li = 0; li < m->nlanes; li++) {
		const uint32_t *h = &v->hist[li * TL_BINS];
		uint32_t max = 0;
		for (size_t k = 0; k < TL_BINS; k++)
			max = h[k] > max ? h[k] : max;
		if (max == 0)
			continue;
		double yb = top + TL_LANE * (double)(li + 1) - 1.0;
		put(b, "<path class=\"act\" d=\"M");
		num(b, TL_LEFT);
		put(b, " ");
		num(b, yb);
		double last = yb;
		for (size_t k = 0; k < TL_BINS; k++) {
			double y = yb - (h[k] ? 2.0 + 20.0 * (double)h[k] / (double)max : 0.0);
			if (y != last) {
				put(b, "V");
				num(b, y);
				last = y;
			}
			put(b, "H");
			num(b, TL_LEFT + PW * (double)(k + 1) / TL_BINS);
		}
		put(b, "V");
		num(b, yb);
		put(b, "Z\"><title>");
		esc(b, m->lanes[li].source);
		put(b, ": records per ");
		put(b, bw);
		put(b, ", the busiest ");
		put_count(b, max);
		put(b, "</title></path>\n");
	}

	/* The campaign's records, as the logs show them. */
	for (size_t li = 0; li < m->nlanes; li++) {
		uint64_t n = 0;
		ls_buf d = LS_BUF_INIT;
		double y0 = top + TL_LANE * (double)li + 5.0;
		for (size_t r = 0; r < m->nrecs; r++) {
			const rec *R = &m->recs[r];
			if (R->lane != li || R->step < 0 || R->time == NO_TIME || R->time < v->t0 ||
			    R->time > v->t1)
				continue;
			put(&d, "M");
			num(&d, xpos(v, R->time));
			put(&d, " ");
			num(&d, y0);
			put(&d, "v");
			num(&d, TL_LANE - 10.0);
			n++;
		}
		if (n) {
			put(b, "<path class=\"crec\" d=\"");
			ls_buf_append(b, d.data, d.len);
			put(b, "\"><title>");
			put_count(b, n);
			put(b, " records of the campaign in ");
			esc(b, m->lanes[li].source);
			put(b, "</title></path>\n");
		}
		ls_buf_fini(&d);
	}

	/* Alerts: one marker per alert and lane of its records, rows staggered. */
	mark *mk = NULL;
	size_t nmk = 0, mkcap = 0;
	for (size_t i = 0; i < m->nalerts; i++) {
		const alert *a = &m->alerts[i];
		if (a->time == NO_TIME || a->time < v->t0 || a->time > v->t1)
			continue;
		for (size_t li = 0; li < m->nlanes; li++) {
			bool on = false;
			for (uint32_t k = 0; k < a->nrefs && !on; k++)
				on = m->recs[m->refs[a->ref0 + k]].lane == li;
			if (!on)
				continue;
			mk = ls_xgrow(mk, &mkcap, nmk + 1, sizeof *mk);
			mk[nmk].alert = (uint32_t)i;
			mk[nmk].lane = (uint32_t)li;
			mk[nmk].x = xpos(v, a->time);
			mk[nmk].y = 0;
			nmk++;
		}
	}
	if (nmk)
		qsort(mk, nmk, sizeof *mk, cmp_mark);
	static const double offs[3] = { 0.0, -9.0, 9.0 };
	double lastx[3];
	uint32_t cur = UINT32_MAX;
	for (size_t i = 0; i < nmk; i++) {
		if (mk[i].lane != cur) {
			cur = mk[i].lane;
			lastx[0] = lastx[1] = lastx[2] = -1e9;
		}
		int r = 0;
		while (r < 3 && mk[i].x - lastx[r] < 8.0)
			r++;
		if (r == 3) {
			r = 0;
			for (int k = 1; k < 3; k++)
				if (lastx[k] < lastx[r])
					r = k;
		}
		lastx[r] = mk[i].x;
		mk[i].y = top + TL_LANE * (double)mk[i].lane + TL_LANE / 2.0 + offs[r];
	}
	for (int pass = 0; pass < 2; pass++) /* false alerts first, true ones on top */
		for (size_t i = 0; i < nmk; i++) {
			const alert *a = &m->alerts[mk[i].alert];
			if (a->truth != (pass == 1))
				continue;
			if (a->truth) {
				ls_buf_printf(
				        b, "<path class=\"mk tp\" data-alert=\"%" PRIu32 "\" d=\"M",
				        mk[i].alert);
				num(b, mk[i].x);
				put(b, " ");
				num(b, mk[i].y - 6.0);
				put(b, "l6 6-6 6-6-6z\">");
			} else {
				ls_buf_printf(b,
				              "<circle class=\"mk fp%s\" data-alert=\"%" PRIu32
				              "\" r=\"4.5\" cx=\"",
				              a->kind >= 0 ? " dc" : "", mk[i].alert);
				num(b, mk[i].x);
				put(b, "\" cy=\"");
				num(b, mk[i].y);
				put(b, "\">");
			}
			alert_tooltip(b, m, a);
			put(b, a->truth ? "</path>\n" : "</circle>\n");
		}
	free(mk);
	free(row);
	free(lx);
	put(b, "</svg>\n<figcaption>");
	esc(b, v->label);
	put(b, ": ");
	put(b, t0);
	put(b, " to ");
	put(b, t1);
	put(b, " UTC (");
	put_dur(b, v->t1 - v->t0);
	put(b, "). Grey: records per ");
	put(b, bw);
	put(b, " in each log, scaled to its busiest bin.");
	if (strcmp(v->id, "view-campaign") == 0)
		put(b, " From shortly before the first step to shortly after the last step or the "
		       "publication.");
	else if (strcmp(v->id, "view-actions") == 0)
		put(b, " The insider's steps without the publication, which came much later.");
	put(b, "</figcaption>\n</figure>\n");
}

static void legend(ls_buf *b)
{
	put(b,
	    "<ul class=\"legend\">"
	    "<li><svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\"><path class=\"mk tp\" "
	    "d=\"M8 2l6 6-6 6-6-6z\"/></svg>true alert: names a record of the campaign</li>"
	    "<li><svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\"><circle class=\"mk fp\" "
	    "cx=\"8\" cy=\"8\" r=\"4.5\"/></svg>false alert</li>"
	    "<li><svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\"><circle class=\"mk fp dc\" "
	    "cx=\"8\" cy=\"8\" r=\"4.5\"/></svg>false alert on a decoy (legitimate look-alike)</li>"
	    "<li><svg width=\"10\" height=\"16\" viewBox=\"0 0 10 16\"><path class=\"crec\" "
	    "d=\"M5 1v14\"/></svg>a campaign record in that log</li>"
	    "<li><svg width=\"18\" height=\"16\" viewBox=\"0 0 18 16\"><path class=\"act\" "
	    "d=\"M0 15V9H5V4H10V11H18V15Z\"/></svg>log activity</li>"
	    "<li><svg width=\"18\" height=\"16\" viewBox=\"0 0 18 16\"><rect x=\"1\" y=\"1\" "
	    "width=\"16\" height=\"14\" fill=\"#e15759\" fill-opacity=\"0.16\" stroke=\"#e15759\" "
	    "stroke-opacity=\"0.55\"/></svg>a campaign step (coloured by step)</li>"
	    "<li><svg width=\"18\" height=\"16\" viewBox=\"0 0 18 16\"><rect class=\"win\" x=\"1\" "
	    "y=\"1\" width=\"16\" height=\"14\"/></svg>the campaign window</li></ul>\n");
}

/* ------------------------------------------------------------- bytes chart */

typedef struct shown {
	size_t host;
	bool campaign;
} shown;

static const host *sort_hosts;

static int cmp_host(const void *a, const void *b)
{
	const host *x = &sort_hosts[*(const size_t *)a], *y = &sort_hosts[*(const size_t *)b];
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The name a host is shown with: its lease name, else a learnt name, else its address. */
static const char *host_name(const model *m, const host *h)
{
	if (h->leased)
		return h->key;
	long at = ls_strmap_get(&m->ipname, h->key, strlen(h->key));
	return at >= 0 ? m->names[at] : h->key;
}

/* Whether a shown host name is the answer key's host h (a short name matches an FQDN). */
static bool host_is(const char *name, ls_sv h)
{
	size_t n = strlen(name);
	return h.len && (n == h.len || (n > h.len && name[h.len] == '.')) &&
	       ls_sv_eq_nocase(ls_sv_make(name, h.len), h);
}

/* The "hosts" array of campaign c, or NULL. */
static const ls_jnode *key_hosts(const model *m, size_t c)
{
	const ls_jnode *camps = ls_jnode_get(m->key.root, "campaigns");
	const ls_jnode *hosts = ls_jnode_get(ls_jnode_at(camps, c), "hosts");
	return hosts && hosts->kind == LS_JARRAY ? hosts : NULL;
}

/* Whether a shown name is one of the answer key's campaign hosts. */
static bool campaign_host(const model *m, const char *name)
{
	for (size_t c = 0; c < m->s->ncampaigns; c++) {
		const ls_jnode *hosts = key_hosts(m, c);
		for (size_t i = 0; hosts && i < hosts->len; i++)
			if (hosts->items[i].kind == LS_JSTRING &&
			    host_is(name, ls_jnode_sv(&hosts->items[i])))
				return true;
	}
	return false;
}

/* Other hosts in cool colours; the campaign's hosts in warm ones, drawn thick. */
static const char *const COOL[] = { "#1f77b4", "#2ca02c", "#9467bd", "#17becf",
	                            "#7f7f7f", "#8c564b", "#bcbd22", "#e377c2" };
static const char *const WARM[] = { "#d62728", "#ff7f0e", "#a0522d", "#c71585" };

static const char *host_colour(const shown *sh, size_t i)
{
	size_t k = 0;
	for (size_t j = 0; j < i; j++)
		k += sh[j].campaign == sh[i].campaign;
	return sh[i].campaign ? WARM[k % (sizeof WARM / sizeof WARM[0])]
	                      : COOL[k % (sizeof COOL / sizeof COOL[0])];
}

static void decade_label(ls_buf *b, int k)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	static const char *const mant[] = { "1", "10", "100" };
	if (k < 0)
		k = 0;
	if (k / 3 > 6)
		k = 18;
	ls_buf_printf(b, "%s %s", mant[k % 3], unit[k / 3]);
}

static void bytes_section(ls_buf *b, const model *m)
{
	put(b, "<section id=\"bytes\">\n<h2>Bytes sent per host</h2>\n");
	put(b,
	    "<p class=\"note\">Upstream bytes (conn.log <code>orig_bytes</code>) of every flow a "
	    "local host started, per ");
	put_dur(b, m->bin_us);
	put(b, ". A laptop is named by its DHCP lease at the time of the flow; a server by a "
	       "name DNS answers or Sysmon gave its address, else by the address. Shown: the ");
	ls_buf_printf(b, "%d", BY_TOP_HOSTS);
	put(b, " hosts that sent the most, and the campaign's hosts from the answer key (thick "
	       "lines). Logarithmic scale.</p>\n");
	bool have_conn = false;
	for (size_t li = 0; li < m->nlanes; li++)
		have_conn |= m->lanes[li].kind == LK_CONN && m->lanes[li].file;
	if (!have_conn || m->nhosts == 0) {
		put(b, have_conn ? "<p>conn.log holds no flow from a local host.</p>\n"
		                 : "<p>The dataset has no conn.log.</p>\n");
		put(b, "</section>\n");
		return;
	}
	size_t *order = ls_xcalloc(m->nhosts, sizeof *order);
	for (size_t i = 0; i < m->nhosts; i++)
		order[i] = i;
	sort_hosts = m->hosts;
	qsort(order, m->nhosts, sizeof *order, cmp_host);
	sort_hosts = NULL;
	shown sh[BY_TOP_HOSTS + 16];
	size_t nsh = 0;
	for (size_t i = 0; i < m->nhosts && nsh < BY_TOP_HOSTS; i++)
		sh[nsh++] =
		        (shown){ order[i], campaign_host(m, host_name(m, &m->hosts[order[i]])) };
	for (size_t i = BY_TOP_HOSTS; i < m->nhosts && nsh < sizeof sh / sizeof sh[0]; i++)
		if (campaign_host(m, host_name(m, &m->hosts[order[i]])))
			sh[nsh++] = (shown){ order[i], true };
	free(order);

	/* Dense series for the shown hosts. */
	uint64_t **series = ls_xcalloc(nsh, sizeof *series);
	uint64_t max = 0;
	for (size_t i = 0; i < nsh; i++) {
		const host *h = &m->hosts[sh[i].host];
		series[i] = ls_xcalloc(m->nbins, sizeof **series);
		for (size_t k = 0; k < h->nbins; k++)
			series[i][h->bins[k].bin] += h->bins[k].bytes;
		for (size_t k = 0; k < m->nbins; k++)
			max = series[i][k] > max ? series[i][k] : max;
	}
	int hi = 3;
	while (hi < 21 && pow(10.0, hi) < (double)max)
		hi++;
	int lo = hi - 6 > 0 ? hi - 6 : 0;
	view v = { "bytes", "bytes", m->p0, m->p0 + (int64_t)m->nbins * m->bin_us, NULL };
	double bottom = BY_TOP + BY_H, height = bottom + 30.0;

	put(b, "<figure>\n<svg class=\"bytes\" viewBox=\"0 0 ");
	num(b, TL_W);
	put(b, " ");
	num(b, height);
	put(b, "\" role=\"img\" aria-label=\"upstream bytes per host over time\">\n");
	/* Exfiltration steps behind the lines. */
	for (size_t i = 0; i < m->s->nsteps; i++) {
		const ls_score_step *st = &m->s->steps[i];
		if (strcmp(st->name, "exfiltration") != 0)
			continue;
		double x0 = xpos(&v, st->start), x1 = xpos(&v, st->end);
		if (x1 - x0 < 3.0) {
			x0 = (x0 + x1) / 2 - 1.5;
			x1 = x0 + 3.0;
		}
		put(b, "<rect fill=\"#e15759\" fill-opacity=\"0.14\" x=\"");
		num(b, x0);
		put(b, "\" y=\"");
		num(b, BY_TOP);
		put(b, "\" width=\"");
		num(b, x1 - x0);
		put(b, "\" height=\"");
		num(b, BY_H);
		put(b, "\"><title>exfiltration: ");
		put_time(b, st->start);
		put(b, " to ");
		put_time(b, st->end);
		put(b, " UTC</title></rect>\n");
	}
	/* Decades. */
	put(b, "<g class=\"axis\">");
	for (int k = lo; k <= hi; k++) {
		double y = bottom - BY_H * (double)(k - lo) / (double)(hi - lo);
		put(b, "<line class=\"grid\" x1=\"");
		num(b, TL_LEFT);
		put(b, "\" x2=\"");
		num(b, TL_W - TL_RIGHT);
		put(b, "\" y1=\"");
		num(b, y);
		put(b, "\" y2=\"");
		num(b, y);
		put(b, "\"/><text text-anchor=\"end\" x=\"");
		num(b, TL_LEFT - 8);
		put(b, "\" y=\"");
		num(b, y + 4);
		put(b, "\">");
		decade_label(b, k);
		put(b, "</text>");
	}
	put(b, "<text class=\"sub\" x=\"8\" y=\"");
	num(b, BY_TOP + 4);
	put(b, "\">per ");
	put_dur(b, m->bin_us);
	put(b, "</text></g>\n");
	axis(b, &v, BY_TOP, bottom);
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nsh; i++) {
			if (sh[i].campaign != (pass == 1))
				continue;
			const host *h = &m->hosts[sh[i].host];
			uint64_t peak = 0;
			size_t peak_at = 0;
			put(b, "<polyline class=\"hostline");
			put(b, sh[i].campaign ? " campaign" : "");
			ls_buf_printf(b, "\" stroke=\"%s\" data-host=\"", host_colour(sh, i));
			esc(b, host_name(m, h));
			put(b, "\" points=\"");
			for (size_t k = 0; k < m->nbins; k++) {
				uint64_t val = series[i][k];
				if (val > peak) {
					peak = val;
					peak_at = k;
				}
				double f =
				        val ? (log10((double)val) - lo) / (double)(hi - lo) : 0.0;
				f = f < 0 ? 0 : f > 1 ? 1 : f;
				if (k)
					put(b, " ");
				num(b, TL_LEFT + PW * ((double)k + 0.5) / (double)m->nbins);
				put(b, ",");
				num(b, bottom - BY_H * f);
			}
			put(b, "\"><title>");
			esc(b, host_name(m, h));
			put(b, sh[i].campaign ? " (campaign host): " : ": ");
			put_bytes(b, h->total);
			put(b, " sent in ");
			put_count(b, h->flows);
			put(b, " flows; the most, ");
			put_bytes(b, peak);
			put(b, ", from ");
			put_time(b, m->p0 + (int64_t)peak_at * m->bin_us);
			put(b, " UTC</title></polyline>\n");
		}
	put(b, "</svg>\n<ul class=\"legend\">");
	for (size_t i = 0; i < nsh; i++) {
		const host *h = &m->hosts[sh[i].host];
		ls_buf_printf(b, "<li><span class=\"sw%s\" style=\"background:%s\"></span>",
		              sh[i].campaign ? " thick" : "", host_colour(sh, i));
		esc(b, host_name(m, h));
		if (sh[i].campaign)
			put(b, " (campaign host)");
		put(b, "</li>");
	}
	put(b, "</ul>\n</figure>\n");

	put(b,
	    "<table class=\"hosts\"><thead><tr><th>host</th><th>address or lease</th>"
	    "<th class=\"n\">flows</th><th class=\"n\">bytes sent</th><th class=\"n\">the most in "
	    "one bin</th><th>bin starting (UTC)</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < nsh; i++) {
		const host *h = &m->hosts[sh[i].host];
		uint64_t peak = 0;
		size_t peak_at = 0;
		for (size_t k = 0; k < m->nbins; k++)
			if (series[i][k] > peak) {
				peak = series[i][k];
				peak_at = k;
			}
		put(b, "<tr><td>");
		esc(b, host_name(m, h));
		if (sh[i].campaign)
			put(b, " <strong>(campaign host)</strong>");
		put(b, "</td><td>");
		if (h->leased)
			put(b, "DHCP lease");
		else
			esc(b, h->key);
		put(b, "</td><td class=\"n\">");
		put_count(b, h->flows);
		put(b, "</td><td class=\"n\">");
		put_count(b, h->total);
		put(b, " (");
		put_bytes(b, h->total);
		put(b, ")</td><td class=\"n\">");
		put_bytes(b, peak);
		put(b, "</td><td class=\"t\">");
		put_time(b, m->p0 + (int64_t)peak_at * m->bin_us);
		put(b, "</td></tr>\n");
	}
	put(b, "</tbody></table>\n");
	/* Campaign hosts that started no flow (a database server only answers). */
	bool any = false;
	for (size_t c = 0; c < m->s->ncampaigns; c++) {
		const ls_jnode *hosts = key_hosts(m, c);
		for (size_t i = 0; hosts && i < hosts->len; i++) {
			const ls_jnode *h = &hosts->items[i];
			bool seen = h->kind != LS_JSTRING;
			for (size_t k = 0; k < m->nhosts && !seen; k++)
				seen = host_is(host_name(m, &m->hosts[k]), ls_jnode_sv(h));
			if (seen)
				continue;
			put(b,
			    any ? ", " : "<p class=\"note\">Campaign hosts that started no flow: ");
			ls_report_escape(b, ls_jnode_sv(h));
			any = true;
		}
	}
	if (any)
		put(b, ".</p>\n");
	if (m->flows_foreign) {
		put(b, "<p class=\"note\">");
		put_count(b, m->flows_foreign);
		put(b,
		    " flows started by addresses outside the organisation are not counted.</p>\n");
	}
	for (size_t i = 0; i < nsh; i++)
		free(series[i]);
	free(series);
	put(b, "</section>\n");
}

/* ------------------------------------------------------------ score tables */

static void td_n(ls_buf *b, uint64_t v)
{
	put(b, "<td class=\"n\">");
	put_count(b, v);
	put(b, "</td>");
}

static void td_ratio(ls_buf *b, ls_score_ratio r)
{
	put(b, "<td class=\"n\">");
	if (ls_score_ratio_defined(r))
		ls_buf_printf(b, "%.3f", ls_score_ratio_value(r));
	else
		put(b, "-");
	put(b, "</td>");
}

static void td_ttd(ls_buf *b, bool defined, int64_t us)
{
	put(b, "<td class=\"n\">");
	if (defined)
		put_dur(b, us);
	else
		put(b, "-");
	put(b, "</td>");
}

static void td_yesno(ls_buf *b, int v)
{
	put(b, v < 0 ? "<td>-</td>"
	       : v   ? "<td class=\"yes\">yes</td>"
	             : "<td class=\"no\">no</td>");
}

static void level_badge(ls_buf *b, const char *level)
{
	if (level == NULL)
		return;
	static const char *const known[] = { "critical", "high", "medium", "low", "informational" };
	const char *cls = "";
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(level, known[i]) == 0)
			cls = known[i];
	ls_buf_printf(b, "<span class=\"lvl %s\">", cls);
	esc(b, level);
	put(b, "</span>");
}

static const char *rule_title(const ls_score_rule *r)
{
	return r->title ? r->title : r->rule_id ? r->rule_id : "(untitled)";
}

/* The titles of the rules for which flag(s, rule, what) holds, in report order. */
static void td_rules(ls_buf *b, const ls_score *s, size_t what,
                     bool (*flag)(const ls_score *, size_t, size_t))
{
	put(b, "<td>");
	bool any = false;
	for (size_t i = 0; i < s->nrules; i++)
		if (flag(s, s->order[i], what)) {
			put(b, any ? "; " : "");
			esc(b, rule_title(&s->rules[s->order[i]]));
			any = true;
		}
	put(b, any ? "</td>" : "-</td>");
}

static void rules_table(ls_buf *b, const ls_score *s)
{
	put(b, "<h3 id=\"rules\">Per rule</h3>\n");
	if (s->nrules == 0) {
		put(b, "<p>No alerts.</p>\n");
		return;
	}
	put(b, "<p class=\"note\">Precision: true alerts over alerts. Records: distinct campaign "
	       "records its alerts name (recall: over all ");
	put_count(b, s->lv.malicious);
	put(b, "). Time to detect: its first true alert after the campaign became detectable.</p>\n"
	       "<table class=\"rules\"><thead><tr><th>rule</th><th class=\"n\">alerts</th>"
	       "<th class=\"n\">true</th><th class=\"n\">false</th><th class=\"n\">precision</th>"
	       "<th class=\"n\">records</th><th class=\"n\">recall</th><th class=\"n\">time to "
	       "detect</th><th>steps</th><th>decoys that fooled it</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < s->nrules; i++) {
		size_t ri = s->order[i];
		const ls_score_rule *r = &s->rules[ri];
		put(b, "<tr><td>");
		esc(b, r->title ? r->title : "(no alerts)");
		level_badge(b, r->level);
		if (r->rule_id) {
			put(b, "<br/><code>");
			esc(b, r->rule_id);
			put(b, "</code>");
		}
		put(b, "</td>");
		td_n(b, r->alerts);
		td_n(b, r->tp);
		td_n(b, r->fp);
		td_ratio(b, ls_score_rule_precision(r));
		td_n(b, r->records_recalled);
		td_ratio(b, ls_score_rule_recall(s, r));
		td_ttd(b, r->ttd_defined, r->ttd);
		put(b, "<td>");
		bool any = false;
		for (size_t k = 0; k < s->nsteps; k++) {
			if (!ls_score_rule_step(s, ri, k))
				continue;
			bool seen = false;
			for (size_t j = 0; j < k && !seen; j++)
				seen = ls_score_rule_step(s, ri, j) &&
				       strcmp(s->steps[j].name, s->steps[k].name) == 0;
			if (seen)
				continue;
			put(b, any ? ", " : "");
			esc(b, s->steps[k].name);
			any = true;
		}
		put(b, any ? "</td><td>" : "-</td><td>");
		any = false;
		for (size_t k = 0; k < s->nkinds; k++)
			if (ls_score_rule_kind(s, ri, k)) {
				put(b, any ? ", " : "");
				esc(b, s->kinds[k]);
				any = true;
			}
		put(b, any ? "</td></tr>\n" : "-</td></tr>\n");
	}
	put(b, "</tbody></table>\n");
}

static void steps_table(ls_buf *b, const ls_score *s)
{
	put(b, "<h3 id=\"steps\">Per campaign step</h3>\n");
	if (s->nsteps == 0) {
		put(b, "<p>The answer key lists no campaign.</p>\n");
		return;
	}
	bool many = s->ncampaigns > 1;
	put(b, "<p class=\"note\">Time to detect: the step's first alert after its earliest "
	       "detectable record. Before the end: that alert came before the exfiltration "
	       "ended.</p>\n<table class=\"steps\"><thead><tr>");
	if (many)
		put(b, "<th>campaign</th>");
	put(b, "<th>step</th><th>techniques</th><th>from (UTC)</th><th class=\"n\">records</th>"
	       "<th class=\"n\">named by alerts</th><th>detected</th><th>first alert (UTC)</th>"
	       "<th class=\"n\">time to detect</th><th>before the end</th><th>by rules</th>"
	       "</tr></thead><tbody>\n");
	for (size_t i = 0; i < s->nsteps; i++) {
		const ls_score_step *st = &s->steps[i];
		put(b, "<tr>");
		if (many) {
			put(b, "<td>");
			esc(b, s->campaigns[st->campaign].id);
			put(b, "</td>");
		}
		ls_buf_printf(b,
		              "<td class=\"nw\"><span class=\"sw thick\" "
		              "style=\"background:%s\"></span> ",
		              step_colour(st->name));
		esc(b, st->name);
		put(b, "</td><td>");
		for (size_t k = 0; k < st->ntechniques; k++) {
			put(b, k ? ", " : "");
			esc(b, st->techniques[k]);
		}
		put(b, st->ntechniques ? "</td><td class=\"t\">" : "-</td><td class=\"t\">");
		put_time(b, st->start);
		put(b, "</td>");
		td_n(b, st->det.records);
		td_n(b, st->det.recalled);
		td_yesno(b, st->det.detected);
		put(b, "<td class=\"t\">");
		put_time(b, st->det.detected ? st->det.first : NO_TIME);
		put(b, "</td>");
		td_ttd(b, st->det.ttd_defined, st->det.ttd);
		td_yesno(b, st->det.before_end);
		td_rules(b, s, i, ls_score_rule_step);
		put(b, "</tr>\n");
	}
	put(b, "</tbody></table>\n");
}

static bool step_has_tech(const ls_score *s, size_t step, size_t tech)
{
	for (size_t k = 0; k < s->steps[step].ntechniques; k++)
		if (strcmp(s->steps[step].techniques[k], s->techniques[tech].id) == 0)
			return true;
	return false;
}

static void techniques_table(ls_buf *b, const ls_score *s)
{
	put(b, "<h3 id=\"techniques\">Per ATT&amp;CK technique</h3>\n");
	if (s->ntechniques == 0) {
		put(b, "<p>No technique is listed.</p>\n");
		return;
	}
	put(b, "<table class=\"techniques\"><thead><tr><th>technique</th><th>steps</th>"
	       "<th class=\"n\">records</th><th class=\"n\">named by alerts</th><th>detected</th>"
	       "<th class=\"n\">time to detect</th><th>before the end</th><th>by rules</th>"
	       "</tr></thead><tbody>\n");
	for (size_t i = 0; i < s->ntechniques; i++) {
		const ls_score_technique *t = &s->techniques[i];
		put(b, "<tr><td>");
		esc(b, t->id);
		put(b, "</td><td>");
		bool any = false;
		for (size_t k = 0; k < s->nsteps; k++)
			if (step_has_tech(s, k, i)) {
				put(b, any ? ", " : "");
				esc(b, s->steps[k].name);
				any = true;
			}
		put(b, any ? "</td>" : "-</td>");
		td_n(b, t->det.records);
		td_n(b, t->det.recalled);
		td_yesno(b, t->det.detected);
		td_ttd(b, t->det.ttd_defined, t->det.ttd);
		td_yesno(b, t->det.before_end);
		td_rules(b, s, i, ls_score_rule_technique);
		put(b, "</tr>\n");
	}
	put(b, "</tbody></table>\n");
}

static void levels_table(ls_buf *b, const ls_score *s)
{
	const ls_score_levels *lv = &s->lv;
	put(b, "<h3 id=\"levels\">Three levels</h3>\n<table class=\"levels narrow\"><thead><tr>"
	       "<th>level</th><th class=\"n\">recall</th><th class=\"n\">precision</th>"
	       "<th>counts</th></tr></thead><tbody>\n<tr><td>event</td>");
	td_ratio(b, (ls_score_ratio){ lv->recalled, lv->malicious });
	td_ratio(b, (ls_score_ratio){ lv->recalled, lv->alerted });
	put(b, "<td>");
	put_count(b, lv->recalled);
	put(b, " of ");
	put_count(b, lv->malicious);
	put(b, " campaign records named by an alert (");
	put_count(b, lv->unwritten);
	put(b, " never written); ");
	put_count(b, lv->alerted);
	put(b, " records named by alerts, ");
	put_count(b, lv->decoy_alerted);
	put(b, " of them decoys</td></tr>\n<tr><td>entity-day</td>");
	td_ratio(b, (ls_score_ratio){ lv->ed_true, lv->ed_malicious });
	td_ratio(b, (ls_score_ratio){ lv->ed_true, lv->ed_flagged });
	put(b, "<td>");
	put_count(b, lv->ed_true);
	put(b, " of ");
	put_count(b, lv->ed_malicious);
	put(b, " user- and host-days of the campaign flagged; ");
	put_count(b, lv->ed_flagged);
	put(b, " flagged in all, ");
	put_count(b, lv->ed_unattributed);
	put(b, " alerts without an entity</td></tr>\n<tr><td>incident</td>");
	td_ratio(b, (ls_score_ratio){ lv->campaigns_detected, s->ncampaigns });
	td_ratio(b, (ls_score_ratio){ lv->true_alerts, s->nalerts });
	put(b, "<td>");
	put_count(b, lv->campaigns_detected);
	put(b, " of ");
	put_count(b, s->ncampaigns);
	put(b, " campaigns detected; ");
	put_count(b, lv->true_alerts);
	put(b, " of ");
	put_count(b, s->nalerts);
	put(b, " alerts true</td></tr>\n</tbody></table>\n");
}

static double per_day(uint64_t n, uint64_t days)
{
	return days ? (double)n / (double)days : 0.0;
}

static void ops_table(ls_buf *b, const ls_score *s)
{
	const ls_score_ops *op = &s->ops;
	uint64_t ents = op->users + op->hosts;
	put(b, "<h3 id=\"operations\">Operations</h3>\n<table class=\"ops narrow\"><thead><tr>"
	       "<th>figure</th><th class=\"n\">value</th></tr></thead><tbody>\n<tr><td>days</td>");
	td_n(b, op->days);
	ls_buf_printf(b,
	              "</tr>\n<tr><td>alerts per analyst-day</td><td class=\"n\">%.3f</td></tr>\n"
	              "<tr><td>false alerts per analyst-day</td><td class=\"n\">%.3f</td></tr>\n",
	              per_day(s->nalerts, op->days), per_day(s->lv.false_alerts, op->days));
	put(b, "<tr><td>entities (DHCP users + hosts)</td><td class=\"n\">");
	if (op->have_entities) {
		put_count(b, ents);
		put(b, " (");
		put_count(b, op->users);
		put(b, " + ");
		put_count(b, op->hosts);
		put(b, ")");
	} else
		put(b, "-");
	put(b, "</td></tr>\n<tr><td>false alerts per 1,000 entities per day</td><td class=\"n\">");
	if (op->have_entities && ents)
		ls_buf_printf(b, "%.3f",
		              per_day(s->lv.false_alerts, op->days) * 1000.0 / (double)ents);
	else
		put(b, "-");
	put(b, "</td></tr>\n</tbody></table>\n");
}

/*
 * The true alerts in time order, for the debrief's story: a run of alerts of
 * the same rule is one row (first and last time, how many), at most
 * TRUE_ROWS rows.
 */
#define TRUE_ROWS 60

static const alert *sort_alerts;

static int cmp_alert_time(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	ls_time tx = sort_alerts[x].time, ty = sort_alerts[y].time;
	if (tx != ty)
		return tx == NO_TIME ? 1 : ty == NO_TIME ? -1 : tx < ty ? -1 : 1;
	return x < y ? -1 : 1;
}

/* Whether one of the alerts idx[from..to) names a record with step st / on lane li. */
static bool run_on(const model *m, const size_t *idx, size_t from, size_t to, long st, long li)
{
	for (size_t k = from; k < to; k++) {
		const alert *a = &m->alerts[idx[k]];
		for (uint32_t j = 0; j < a->nrefs; j++) {
			const rec *r = &m->recs[m->refs[a->ref0 + j]];
			if ((st >= 0 && r->step == st) || (li >= 0 && r->lane == (uint32_t)li))
				return true;
		}
	}
	return false;
}

static void true_alerts(ls_buf *b, const model *m)
{
	size_t n = 0;
	size_t *idx = ls_xcalloc(m->nalerts + 1, sizeof *idx);
	for (size_t i = 0; i < m->nalerts; i++)
		if (m->alerts[i].truth)
			idx[n++] = i;
	put(b, "<h3 id=\"true-alerts\">True alerts</h3>\n");
	if (n == 0) {
		put(b, "<p>No alert names a record of the campaign.</p>\n");
		free(idx);
		return;
	}
	sort_alerts = m->alerts;
	qsort(idx, n, sizeof *idx, cmp_alert_time);
	sort_alerts = NULL;
	put(b, "<p class=\"note\">In time order; consecutive alerts of one rule are one row.</p>\n"
	       "<table class=\"true-alerts\"><thead><tr><th>time (UTC)</th><th>rule</th>"
	       "<th class=\"n\">alerts</th><th>steps of their records</th><th>logs</th></tr>"
	       "</thead><tbody>\n");
	size_t rows = 0, k = 0;
	while (k < n && rows < TRUE_ROWS) {
		const alert *a = &m->alerts[idx[k]];
		size_t e = k + 1;
		while (e < n && strcmp(m->alerts[idx[e]].title, a->title) == 0)
			e++;
		put(b, "<tr><td class=\"t\">");
		put_time(b, a->time);
		if (e - k > 1 && m->alerts[idx[e - 1]].time != a->time) {
			put(b, " to<br/>");
			put_time(b, m->alerts[idx[e - 1]].time);
		}
		put(b, "</td><td>");
		esc(b, a->title);
		level_badge(b, a->level);
		put(b, "</td>");
		td_n(b, e - k);
		put(b, "<td>");
		bool any = false;
		for (size_t st = 0; st < m->s->nsteps; st++) {
			if (!run_on(m, idx, k, e, (long)st, -1))
				continue;
			put(b, any ? ", " : "");
			esc(b, m->s->steps[st].name);
			any = true;
		}
		put(b, any ? "</td><td>" : "-</td><td>");
		any = false;
		for (size_t li = 0; li < m->nlanes; li++) {
			if (!run_on(m, idx, k, e, -1, (long)li))
				continue;
			put(b, any ? ", " : "");
			esc(b, m->lanes[li].source);
			any = true;
		}
		put(b, any ? "</td></tr>\n" : "-</td></tr>\n");
		rows++;
		k = e;
	}
	put(b, "</tbody></table>\n");
	if (k < n) {
		put(b, "<p class=\"note\">");
		put_count(b, n - k);
		put(b, " later true alerts are not listed.</p>\n");
	}
	free(idx);
}

/* ------------------------------------------------------- the answer key */

/* The text of a scalar (a string's decoded text, a number or boolean as written). */
static ls_sv jtext(const ls_jnode *n)
{
	return n && n->text ? ls_sv_make(n->text, n->len) : LS_SV_NULL;
}

/* A string member as escaped text, or "-". */
static void put_jstr(ls_buf *b, const ls_jnode *obj, const char *key)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	if (n && (n->kind == LS_JSTRING || n->kind == LS_JNUMBER || n->kind == LS_JBOOL))
		ls_report_escape(b, jtext(n));
	else
		put(b, "-");
}

/* A count member with separators (and in bytes when asked), or "-". */
static void put_jcount(ls_buf *b, const ls_jnode *obj, const char *key, bool bytes)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	uint64_t v;
	if (n == NULL || n->kind != LS_JNUMBER || ls_jnode_u64(n, &v) != LS_OK) {
		if (n && n->kind == LS_JNUMBER)
			ls_report_escape(b, jtext(n));
		else
			put(b, "-");
		return;
	}
	put_count(b, v);
	if (bytes && v >= 1000) {
		put(b, " (");
		put_bytes(b, v);
		put(b, ")");
	}
}

/* A time member shown as "YYYY-MM-DD HH:MM:SS", or as written if it does not parse. */
static void put_jtime(ls_buf *b, const ls_jnode *obj, const char *key)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	ls_time t;
	if (n && n->kind == LS_JSTRING && ls_time_parse_rfc3339(ls_jnode_sv(n), &t, NULL) == LS_OK)
		put_time(b, t);
	else
		put_jstr(b, obj, key);
}

static ls_time jtime(const ls_jnode *obj, const char *key)
{
	const ls_jnode *n = ls_jnode_get(obj, key);
	ls_time t;
	if (n && n->kind == LS_JSTRING && ls_time_parse_rfc3339(ls_jnode_sv(n), &t, NULL) == LS_OK)
		return t;
	return NO_TIME;
}

static void kv(ls_buf *b, const char *label)
{
	put(b, "<dt>");
	put(b, label);
	put(b, "</dt><dd>");
}

static ls_err campaign_truth(ls_buf *b, model *m, const ls_jnode *cp, size_t ci)
{
	const char *F = m->key_path;
	char path[64];
	snprintf(path, sizeof path, "campaigns[%zu]", ci);
	const ls_jnode *actors, *hosts, *steps, *totals, *exp, *arch, *ups, *leak, *pub;
	ls_err e;
	if ((e = opt(m, F, cp, path, "actors", LS_JARRAY, &actors)) != LS_OK ||
	    (e = opt(m, F, cp, path, "hosts", LS_JARRAY, &hosts)) != LS_OK ||
	    (e = opt(m, F, cp, path, "steps", LS_JARRAY, &steps)) != LS_OK ||
	    (e = opt(m, F, cp, path, "totals", LS_JOBJECT, &totals)) != LS_OK ||
	    (e = opt(m, F, cp, path, "export", LS_JOBJECT, &exp)) != LS_OK ||
	    (e = opt(m, F, cp, path, "archive", LS_JOBJECT, &arch)) != LS_OK ||
	    (e = opt(m, F, cp, path, "uploads", LS_JARRAY, &ups)) != LS_OK ||
	    (e = opt(m, F, cp, path, "leaked_file", LS_JOBJECT, &leak)) != LS_OK ||
	    (e = opt(m, F, cp, path, "publication", LS_JOBJECT, &pub)) != LS_OK)
		return e;
	put(b, "<h3>");
	put_jstr(b, cp, "id");
	put(b, " <small>(preset ");
	put_jstr(b, cp, "preset");
	put(b, ")</small></h3>\n");

	put(b,
	    "<table class=\"actors\"><thead><tr><th>insider account</th><th>person</th>"
	    "<th>role</th><th>credential</th><th>owner of the account</th></tr></thead><tbody>\n");
	for (size_t i = 0; actors && i < actors->len; i++) {
		const ls_jnode *a = &actors->items[i];
		if (a->kind != LS_JOBJECT)
			return fail(m, F, a, "%s.actors[%zu]: expected an object, got %s", path, i,
			            ls_jnode_kind_name(a));
		put(b, "<tr><td><strong>");
		put_jstr(b, a, "user");
		put(b, "</strong></td><td>");
		put_jstr(b, a, "person");
		put(b, "</td><td>");
		put_jstr(b, a, "role");
		put(b, "</td><td>");
		put_jstr(b, a, "credential");
		put(b, "</td><td>");
		put_jstr(b, a, ls_jnode_get(a, "owner") ? "owner" : "person");
		put(b, "</td></tr>\n");
	}
	put(b, "</tbody></table>\n<dl class=\"kv\">");
	kv(b, "hosts");
	for (size_t i = 0; hosts && i < hosts->len; i++) {
		put(b, i ? ", " : "");
		if (hosts->items[i].kind == LS_JSTRING)
			ls_report_escape(b, ls_jnode_sv(&hosts->items[i]));
	}
	put(b, "</dd>");
	if (exp) {
		kv(b, "export");
		put(b, "<code>");
		put_jstr(b, exp, "name");
		put(b, "</code> (");
		put_jstr(b, exp, "format");
		put(b, "): ");
		put_jcount(b, exp, "rows", false);
		put(b, " rows and ");
		put_jcount(b, exp, "canaries", false);
		put(b, " canaries, ");
		put_jcount(b, exp, "bytes", true);
		put(b, " bytes; session <code>");
		put_jstr(b, exp, "session");
		put(b, "</code>, SHA-256 <code>");
		put_jstr(b, exp, "sha256");
		put(b, "</code></dd>");
	}
	kv(b, "archive");
	if (arch) {
		put(b, "<code>");
		put_jstr(b, arch, "name");
		put(b, "</code> by ");
		put_jstr(b, arch, "tool");
		put(b, " on the ");
		put_jstr(b, arch, "where");
		put(b, ", ");
		put_jcount(b, arch, "bytes", true);
		put(b, " bytes, password <code>");
		put_jstr(b, arch, "password");
		put(b, "</code></dd>");
	} else
		put(b, "none</dd>");
	if (totals) {
		kv(b, "moved");
		put_jcount(b, totals, "rows", false);
		put(b, " rows; ");
		put_jcount(b, totals, "wire_bytes", true);
		put(b, " bytes on the wire in ");
		put_jcount(b, totals, "parts", false);
		put(b, " parts over ");
		put_jcount(b, totals, "sessions", false);
		put(b, " upload sessions</dd>");
	}
	if (leak) {
		kv(b, "leaked file");
		put(b, "<code>");
		put_jstr(b, leak, "name");
		put(b, "</code>, ");
		put_jcount(b, leak, "size", true);
		put(b, " bytes, SHA-256 <code>");
		put_jstr(b, leak, "sha256");
		put(b, "</code>, from export session <code>");
		put_jstr(b, leak, "export_session");
		put(b, "</code></dd>");
	}
	kv(b, "publication");
	if (pub) {
		put(b, "channel <strong>");
		put_jstr(b, pub, "channel");
		put(b, "</strong>, post ");
		put_jstr(b, pub, "post_id");
		put(b, ", ");
		put_jtime(b, pub, "time");
		put(b, " UTC</dd>");
	} else
		put(b, "none</dd>");
	put(b, "</dl>\n");

	put(b, "<table class=\"truth-steps\"><thead><tr><th>step</th><th>techniques</th>"
	       "<th>start (UTC)</th><th>end (UTC)</th><th class=\"n\">lasted</th>"
	       "<th class=\"n\">records</th><th>first visible per log (UTC)</th></tr></thead>"
	       "<tbody>\n");
	for (size_t i = 0; steps && i < steps->len; i++) {
		const ls_jnode *st = &steps->items[i], *techs, *recs, *ed;
		char sub[96];
		snprintf(sub, sizeof sub, "%s.steps[%zu]", path, i);
		if ((e = opt(m, F, st, sub, "techniques", LS_JARRAY, &techs)) != LS_OK ||
		    (e = opt(m, F, st, sub, "records", LS_JARRAY, &recs)) != LS_OK ||
		    (e = opt(m, F, st, sub, "earliest_detectable", LS_JOBJECT, &ed)) != LS_OK)
			return e;
		const ls_jnode *nm = ls_jnode_get(st, "name");
		ls_buf_printf(b,
		              "<tr><td class=\"nw\"><span class=\"sw thick\" "
		              "style=\"background:%s\"></span> ",
		              step_colour(nm && nm->kind == LS_JSTRING ? nm->text : ""));
		put_jstr(b, st, "name");
		put(b, "</td><td>");
		for (size_t k = 0; techs && k < techs->len; k++) {
			put(b, k ? ", " : "");
			if (techs->items[k].kind == LS_JSTRING)
				ls_report_escape(b, ls_jnode_sv(&techs->items[k]));
		}
		put(b, techs && techs->len ? "</td><td class=\"t\">" : "-</td><td class=\"t\">");
		put_jtime(b, st, "start");
		put(b, "</td><td class=\"t\">");
		put_jtime(b, st, "end");
		put(b, "</td><td class=\"n\">");
		ls_time t0 = jtime(st, "start"), t1 = jtime(st, "end");
		if (t0 != NO_TIME && t1 != NO_TIME)
			put_dur(b, t1 - t0);
		else
			put(b, "-");
		put(b, "</td>");
		td_n(b, recs ? recs->len : 0);
		put(b, "<td>");
		for (size_t k = 0; ed && k < ed->len; k++) {
			const ls_jmember *mb = &ed->members[k];
			put(b, k ? "<br/>" : "");
			esc(b, mb->key);
			put(b, " ");
			ls_time t;
			if (mb->value.kind == LS_JSTRING &&
			    ls_time_parse_rfc3339(ls_jnode_sv(&mb->value), &t, NULL) == LS_OK)
				put_time(b, t);
			else
				put(b, "-");
		}
		put(b, ed && ed->len ? "</td></tr>\n" : "-</td></tr>\n");
	}
	put(b, "</tbody></table>\n");

	if (ups && ups->len) {
		put(b,
		    "<h4>Uploads</h4>\n<table class=\"uploads\"><thead><tr><th class=\"n\">#</th>"
		    "<th>file</th><th class=\"n\">size</th><th>path</th><th>VPN</th>"
		    "<th>start (UTC)</th><th class=\"n\">lasted</th><th class=\"n\">parts</th>"
		    "<th class=\"n\">sessions</th><th class=\"n\">bytes on the wire</th>"
		    "<th class=\"n\">records</th></tr></thead><tbody>\n");
		for (size_t i = 0; i < ups->len; i++) {
			const ls_jnode *u = &ups->items[i];
			if (u->kind != LS_JOBJECT)
				return fail(m, F, u, "%s.uploads[%zu]: expected an object, got %s",
				            path, i, ls_jnode_kind_name(u));
			ls_buf_printf(b, "<tr><td class=\"n\">%zu</td><td><code>", i + 1);
			put_jstr(b, u, "file");
			put(b, "</code></td><td class=\"n\">");
			put_jcount(b, u, "size", true);
			put(b, "</td><td>");
			put_jstr(b, u, "path");
			put(b, "</td><td>");
			put_jstr(b, u, "vpn");
			put(b, "</td><td class=\"t\">");
			put_jtime(b, u, "start");
			put(b, "</td><td class=\"n\">");
			ls_time t0 = jtime(u, "start"), t1 = jtime(u, "end");
			if (t0 != NO_TIME && t1 != NO_TIME)
				put_dur(b, t1 - t0);
			else
				put(b, "-");
			put(b, "</td><td class=\"n\">");
			put_jcount(b, u, "parts", false);
			put(b, "</td><td class=\"n\">");
			put_jcount(b, u, "sessions", false);
			put(b, "</td><td class=\"n\">");
			put_jcount(b, u, "wire_bytes", true);
			put(b, "</td>");
			const ls_jnode *ur = ls_jnode_get(u, "records");
			td_n(b, ur && ur->kind == LS_JARRAY ? ur->len : 0);
			put(b, "</tr>\n");
		}
		put(b, "</tbody></table>\n");
	}
	return LS_OK;
}

static ls_err truth_section(ls_buf *b, model *m)
{
	const char *F = m->key_path;
	const ls_jnode *root = m->key.root, *camps, *dirty;
	ls_err e;
	if ((e = opt(m, F, root, "", "campaigns", LS_JARRAY, &camps)) != LS_OK ||
	    (e = opt(m, F, root, "", "dirty", LS_JOBJECT, &dirty)) != LS_OK)
		return e;
	put(b, "<section id=\"truth\">\n<h2>The answer key</h2>\n");
	if (camps == NULL || camps->len == 0)
		put(b, "<p>No campaign: the dataset holds only legitimate activity.</p>\n");
	for (size_t c = 0; camps && c < camps->len; c++)
		if ((e = campaign_truth(b, m, &camps->items[c], c)) != LS_OK)
			return e;

	put(b, "<h3>Decoys</h3>\n<p class=\"note\">Legitimate activity that looks like "
	       "exfiltration, and the false alerts it drew.</p>\n");
	if (m->nkinds == 0)
		put(b, "<p>None.</p>\n");
	else {
		put(b, "<table class=\"decoys narrow\"><thead><tr><th>kind</th><th "
		       "class=\"n\">records</th>"
		       "<th class=\"n\">false alerts on it</th></tr></thead><tbody>\n");
		const ls_jnode *decoys = ls_jnode_get(root, "decoys");
		for (size_t k = 0; k < m->nkinds; k++) {
			uint64_t n = 0;
			for (size_t i = 0; decoys && i < decoys->len; i++) {
				const ls_jnode *kind = ls_jnode_get(&decoys->items[i], "kind");
				const ls_jnode *recs = ls_jnode_get(&decoys->items[i], "records");
				if (ls_jnode_is_str(kind, m->kinds[k]) && recs &&
				    recs->kind == LS_JARRAY)
					n += recs->len;
			}
			put(b, "<tr><td>");
			esc(b, m->kinds[k]);
			put(b, "</td>");
			td_n(b, n);
			td_n(b, m->kind_fooled[k]);
			put(b, "</tr>\n");
		}
		put(b, "</tbody></table>\n");
	}
	if (dirty) {
		const ls_jnode *ms = ls_jnode_get(dirty, "missing_sensor");
		const ls_jnode *skew = ls_jnode_get(dirty, "clock_skew_seconds");
		put(b, "<h3>Dirty data</h3>\n<dl class=\"kv\">");
		kv(b, "missing sensor");
		if (ms && ms->kind == LS_JSTRING)
			ls_report_escape(b, ls_jnode_sv(ms));
		else
			put(b, "none");
		put(b, "</dd>");
		kv(b, "clock skew");
		for (size_t i = 0; skew && skew->kind == LS_JOBJECT && i < skew->len; i++) {
			put(b, i ? ", " : "");
			esc(b, skew->members[i].key);
			put(b, " ");
			ls_report_escape(b, jtext(&skew->members[i].value));
			put(b, " s");
		}
		put(b, skew && skew->kind == LS_JOBJECT && skew->len ? "</dd>" : "none</dd>");
		static const char *const lists[] = { "dropped", "duplicated", "delayed" };
		for (size_t i = 0; i < 3; i++) {
			const ls_jnode *l = ls_jnode_get(dirty, lists[i]);
			ls_buf_printf(b, "<dt>records %s</dt><dd>", lists[i]);
			put_count(b, l && l->kind == LS_JARRAY ? l->len : 0);
			put(b, "</dd>");
		}
		put(b, "</dl>\n");
	}
	put(b, "</section>\n");
	return LS_OK;
}

/* ----------------------------------------------------------- the document */

static const alert *first_true_alert(const model *m)
{
	const alert *best = NULL;
	for (size_t i = 0; i < m->nalerts; i++) {
		const alert *a = &m->alerts[i];
		if (a->truth && a->time != NO_TIME && (best == NULL || a->time < best->time))
			best = a;
	}
	return best;
}

static void verdict(ls_buf *b, const model *m)
{
	const ls_score *s = m->s;
	const ls_score_det *inc = &s->lv.incident;
	size_t detected = 0;
	for (size_t i = 0; i < s->nsteps; i++)
		detected += s->steps[i].det.detected;
	if (s->ncampaigns == 0) {
		put(b, "<p class=\"verdict none\">No campaign in this dataset");
		put(b, "<small>");
		if (s->nalerts == 0) {
			put(b, "No alerts.</small></p>\n");
			return;
		}
		put_count(b, s->nalerts);
		put(b, s->nalerts == 1 ? " alert, false by definition.</small></p>\n"
		                       : " alerts, all false by definition.</small></p>\n");
		return;
	}
	if (!inc->detected) {
		put(b,
		    "<p class=\"verdict miss\">Incident NOT detected: no alert names a record of "
		    "the campaign<small>");
		if (s->nalerts) {
			put_count(b, s->nalerts);
			put(b,
			    s->nalerts == 1 ? " alert, false; 0 of " : " alerts, all false; 0 of ");
		} else
			put(b, "No alerts at all; 0 of ");
		put_count(b, s->nsteps);
		put(b, " steps detected.</small></p>\n");
		return;
	}
	put(b, inc->before_end == 0 ? "<p class=\"verdict late\">" : "<p class=\"verdict ok\">");
	put(b, "Incident detected");
	if (inc->ttd_defined) {
		put(b, ", time to detect ");
		put_dur(b, inc->ttd);
	}
	if (inc->before_end == 1)
		put(b, ", before the exfiltration ended");
	else if (inc->before_end == 0)
		put(b, ", but only after the exfiltration ended");
	put(b, "<small>First true alert ");
	const alert *a = first_true_alert(m);
	if (a) {
		put(b, "&#8220;");
		esc(b, a->title);
		put(b, "&#8221; at ");
	} else
		put(b, "at ");
	put_time(b, inc->first);
	put(b, " UTC; ");
	put_count(b, detected);
	put(b, " of ");
	put_count(b, s->nsteps);
	put(b, " steps detected; ");
	put_count(b, s->lv.true_alerts);
	put(b, " true and ");
	put_count(b, s->lv.false_alerts);
	put(b, " false alerts.</small></p>\n");
}

static void header(ls_buf *b, const model *m)
{
	const ls_score *s = m->s;
	const ls_jnode *mf = m->manifest.root;
	put(b, "<header class=\"top\"><div class=\"in\">\n<h1>Exfiltration exercise: debrief</h1>\n"
	       "<p class=\"meta\">Scenario <strong>");
	esc(b, s->scenario ? s->scenario : "-");
	put(b, "</strong>");
	if (s->have_seed)
		ls_buf_printf(b, ", seed %" PRIu64, s->seed);
	const ls_jnode *people = ls_jnode_get(mf, "people");
	if (people && people->kind == LS_JNUMBER) {
		put(b, ", ");
		ls_report_escape(b, ls_sv_make(people->text, people->len));
		put(b, " people");
	}
	put(b, "; period ");
	if (s->start) {
		esc(b, s->start);
		put(b, " for ");
	}
	put_count(b, s->ops.days);
	put(b, s->ops.days == 1 ? " day (" : " days (");
	put_time(b, m->p0);
	put(b, " to ");
	put_time(b, m->p1);
	put(b, " UTC); ");
	put_count(b, s->nalerts);
	put(b, " alerts from ");
	put_count(b, s->nrules);
	put(b, s->nrules == 1 ? " rule.</p>\n" : " rules.</p>\n");
	verdict(b, m);
	put(b, "<nav class=\"toc\"><a href=\"#timeline\">Timeline</a><a href=\"#bytes\">Bytes per "
	       "host</a><a href=\"#scores\">Scores</a><a href=\"#truth\">Answer key</a></nav>\n"
	       "</div></header>\n");
}

static void render(ls_buf *b, model *m, ls_err *e)
{
	const ls_score *s = m->s;
	put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; "
	       "form-action 'none'\"/>\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	       "<meta name=\"generator\" content=\"leaksim " LS_VERSION "\"/>\n<title>leaksim "
	       "debrief: ");
	esc(b, s->scenario ? s->scenario : "dataset");
	if (s->have_seed)
		ls_buf_printf(b, ", seed %" PRIu64, s->seed);
	put(b, "</title>\n<style>\n");
	put(b, CSS);
	put(b, "</style>\n</head>\n<body>\n");
	header(b, m);
	put(b, "<main>\n<section id=\"timeline\">\n<h2>Campaign timeline</h2>\n"
	       "<p class=\"note\">One lane per log. Each alert is marked on the lanes of the "
	       "records it names, at its time; hover over a mark, a band or a lane for details. "
	       "Times are UTC.</p>\n");
	legend(b);
	put(b, "<nav id=\"views\" hidden=\"hidden\"></nav>\n");
	for (size_t v = 0; v < m->nviews; v++)
		timeline(b, m, v);
	true_alerts(b, m);
	if (m->r->alerts_undrawn) {
		put(b, "<p class=\"note\">");
		put_count(b, m->r->alerts_undrawn);
		put(b, " alerts have no time and name no record found in the logs; they are not "
		       "drawn.</p>\n");
	}
	if (m->r->records_missing) {
		put(b, "<p class=\"note\">");
		put_count(b, m->r->records_missing);
		put(b, " records of the campaign are not in the logs (dropped, or their sensor is "
		       "missing).</p>\n");
	}
	if (m->r->log_lines_bad) {
		put(b, "<p class=\"note\">");
		put_count(b, m->r->log_lines_bad);
		put(b, " log lines did not parse and are not counted.</p>\n");
	}
	put(b, "</section>\n");
	bytes_section(b, m);
	put(b, "<section id=\"scores\">\n<h2>Scores</h2>\n");
	rules_table(b, s);
	steps_table(b, s);
	techniques_table(b, s);
	levels_table(b, s);
	ops_table(b, s);
	put(b, "</section>\n");
	*e = truth_section(b, m);
	if (*e != LS_OK)
		return;
	/* No file names: a report made in a temporary directory and moved stays the same. */
	put(b, "<footer>Written by leaksim " LS_VERSION
	       " from the dataset's manifest, answer key and logs and the alerts; every person, "
	       "host and record in it is synthetic.</footer>\n</main>\n<script>\n");
	put(b, SCRIPT);
	put(b, "</script>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------- API */

void ls_report_init(ls_report *r)
{
	memset(r, 0, sizeof *r);
	ls_arena_init(&r->arena, 0);
}

void ls_report_fini(ls_report *r)
{
	if (r == NULL)
		return;
	ls_arena_fini(&r->arena);
	memset(r, 0, sizeof *r);
}

static ls_err load_manifest(model *m)
{
	ls_err e = ls_jdoc_load(&m->manifest, m->manifest_path, NULL, m->d);
	if (e == LS_OK && m->manifest.root->kind != LS_JOBJECT)
		e = fail(m, m->manifest_path, m->manifest.root,
		         "the manifest must be an object, got %s",
		         ls_jnode_kind_name(m->manifest.root));
	return e;
}

ls_err ls_report_write(ls_report *r, const ls_score *s, const char *dataset_dir,
                       const char *alerts_path, ls_buf *out, ls_diag *d)
{
	if (!s->computed)
		return ls_diag_set(d, LS_ERR_STATE, NULL, 0, 0,
		                   "the scores must be computed before the report is written");
	r->alerts = r->alerts_undrawn = r->log_events = r->log_lines_bad = 0;
	r->records_missing = 0;
	model m;
	memset(&m, 0, sizeof m);
	m.r = r;
	m.s = s;
	m.d = d;
	m.A = &r->arena;
	m.dir = keep_cstr(&m, dataset_dir);
	m.alerts_path = keep_cstr(&m, alerts_path);
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/truth/answer-key.json", dataset_dir);
	m.key_path = keep(&m, p.data, p.len);
	ls_buf_reset(&p);
	ls_buf_printf(&p, "%s/manifest.json", dataset_dir);
	m.manifest_path = keep(&m, p.data, p.len);
	ls_buf_fini(&p);

	ls_buf html = LS_BUF_INIT;
	ls_err e = load_manifest(&m);
	if (e == LS_OK)
		e = load_key(&m);
	if (e == LS_OK)
		e = load_alerts(&m);
	if (e == LS_OK) {
		build_lanes(&m);
		build_views(&m);
		e = read_logs(&m);
	}
	if (e == LS_OK)
		render(&html, &m, &e);
	if (e == LS_OK)
		ls_buf_append(out, html.data, html.len);
	ls_buf_fini(&html);
	model_fini(&m);
	return e;
}
