/*
 * datasetcheck.c - loading a dataset directory and checking it against its
 * answer key (see datasetcheck.h).
 *
 * Each log file is read whole and kept, and every record is parsed once
 * with the project's readers; a record keeps only its position, rid, time,
 * type and signature hash (64 bytes), so a dataset of a few million records
 * costs its file size plus a little. Fields are read back by parsing the
 * record's line again. The answer key is parsed with
 * ls_json_parse_document, whose flattened fields come in document order: a
 * new campaigns.id starts a campaign, campaigns.steps.name a step,
 * campaigns.actors.user an actor, campaigns.uploads.file an upload,
 * decoys.kind a decoy, and in a records list a key that the last ref
 * already has starts the next ref. Unknown keys are ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "datasetcheck.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "io/event.h"
#include "io/jsonl.h"
#include "io/syslog.h"
#include "io/zeek.h"

/* ---------------------------------------------------------------- sources */

/* The generator's names (sim/emit.c sim_source_name, sim_source_file). */
static const char *const source_names[TU_SOURCES] = {
	"db_audit", "auth", "conn", "dns", "ssl", "proxy", "sysmon", "dhcp", "messaging",
};
static const char *const source_files[TU_SOURCES] = {
	"db_audit.jsonl", "auth.log",     "conn.log",   "dns.log",         "ssl.log",
	"proxy.jsonl",    "sysmon.jsonl", "dhcp.jsonl", "messaging.jsonl",
};

enum format { FMT_JSONL, FMT_ZEEK, FMT_SYSLOG };

static enum format format_of(int s)
{
	switch (s) {
	case TU_SRC_AUTH: return FMT_SYSLOG;
	case TU_SRC_CONN:
	case TU_SRC_DNS:
	case TU_SRC_SSL: return FMT_ZEEK;
	default: return FMT_JSONL;
	}
}

/* The field naming a record's event type, or NULL for single-type sources. */
static const char *type_field(int s)
{
	switch (s) {
	case TU_SRC_SYSMON: return "EventID";
	case TU_SRC_MESSAGING:
	case TU_SRC_DHCP: return "event";
	case TU_SRC_AUTH: return "app";
	default: return NULL;
	}
}

const char *tu_source_name(tu_source s)
{
	return s >= 0 && s < TU_SOURCES ? source_names[s] : NULL;
}

const char *tu_source_file(tu_source s)
{
	return s >= 0 && s < TU_SOURCES ? source_files[s] : NULL;
}

tu_source tu_source_index(ls_sv name)
{
	for (int s = 0; s < TU_SOURCES; s++)
		if (ls_sv_eq_cstr(name, source_names[s]))
			return (tu_source)s;
	return TU_SRC_NONE;
}

/* ---------------------------------------------------------------- private */

struct tu_dataset_priv {
	ls_arena arena; /* answer-key and export-log strings, type names */
	char *text[TU_SOURCES];
	size_t len[TU_SOURCES];
	uint64_t *blocks[TU_SOURCES]; /* Zeek: offsets where header blocks start */
	size_t nblocks[TU_SOURCES], blocks_cap[TU_SOURCES];
	char **types[TU_SOURCES];
	size_t ntypes[TU_SOURCES], types_cap[TU_SOURCES];
	uint32_t *index; /* record numbers sorted by (source, rid, number) */
	size_t recs_cap;
};

#define PATH_KEY "truth/answer-key.json"
#define PATH_EXPORTS "truth/export-sessions.jsonl"
#define KEY_MAX ((size_t)1 << 30)

static bool valid_rid(ls_sv v)
{
	if (v.len != TU_RID_LEN)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.ptr[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool starts_with(ls_sv s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

/* If *s starts with prefix, drop it from *s and return true. */
static bool cut(ls_sv *s, const char *prefix)
{
	if (!starts_with(*s, prefix))
		return false;
	size_t n = strlen(prefix);
	s->ptr += n;
	s->len -= n;
	return true;
}

/*
 * Read a whole file: 1 when read, 0 when it does not exist, -1 on error
 * (err says why).
 */
static int slurp(const char *path, char **text, size_t *len, ls_buf *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		ls_buf_printf(err, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat st;
	size_t cap = 0;
	if (fstat(fileno(f), &st) == 0 && st.st_size > 0)
		cap = (size_t)st.st_size;
	char *buf = ls_xmalloc(cap + 1);
	size_t n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = ls_xrealloc(buf, cap + 1);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		ls_buf_printf(err, "%s: read error\n", path);
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 1;
}

/* The next line of text[*pos..len) (without '\n'); false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos, ls_sv *line)
{
	if (*pos >= len)
		return false;
	const char *p = text + *pos;
	const char *nl = memchr(p, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - p) : len - *pos;
	*line = ls_sv_make(p, n);
	*pos += n + (nl != NULL);
	return true;
}

static void diag_append(ls_buf *err, const char *file, const ls_diag *d)
{
	ls_diag c = *d;
	c.file = file;
	char msg[LS_DIAG_MSG_MAX + 512];
	ls_diag_format(&c, msg, sizeof msg);
	ls_buf_printf(err, "%s\n", msg);
}

static void recycle(ls_arena *a)
{
	if (a->used > 4u * 1024u * 1024u) {
		ls_arena_fini(a);
		ls_arena_init(a, 0);
	}
}

/* ------------------------------------------------------------- signatures */

/* Fields whose value's shape is part of the signature. */
static bool shape_field(ls_sv n)
{
	static const char *const names[] = {
		"timestamp",   "ts",
		"UtcTime",     "CreationUtcTime",
		"rid",         "uid",
		"ProcessGuid", "ParentProcessGuid",
		"session_id",  "session_start",
		"LogonId",     "TargetLogonId",
		"lease_start", "lease_end",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t len = strlen(names[i]);
		if (n.len == len && memcmp(n.ptr, names[i], len) == 0)
			return true;
	}
	return false;
}

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * The shape of a value: a letter for the letters it uses, then the value
 * with each run of letters and digits replaced by its length. The letter is
 * 'M' for both cases, 'a' or 'A' for one case beyond the hex digits, 'X'
 * for upper-case hex digits and 'x' for lower-case ones or none, so that a
 * random hex id keeps one shape however its digits fall, while a change of
 * length, separator, precision or case shows.
 */
static void append_shape(ls_buf *b, ls_sv v)
{
	bool lower = false, upper = false, beyond_hex = false;
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.ptr[i];
		lower |= c >= 'a' && c <= 'z';
		upper |= c >= 'A' && c <= 'Z';
		beyond_hex |= (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z');
	}
	char kind = lower && upper ? 'M' : beyond_hex ? (lower ? 'a' : 'A') : upper ? 'X' : 'x';
	ls_buf_append_char(b, kind);
	ls_buf_append_char(b, ':');
	size_t i = 0;
	while (i < v.len) {
		if (is_alnum((unsigned char)v.ptr[i])) {
			size_t j = i;
			while (j < v.len && is_alnum((unsigned char)v.ptr[j]))
				j++;
			ls_buf_append_u64(b, j - i);
			i = j;
		} else {
			ls_buf_append_char(b, v.ptr[i++]);
		}
	}
}

static const char type_letter[] = { 's', 'n', 'b', 'z' };

/* "name:type[=shape], ..." for every field in order. */
static void build_sig(ls_buf *out, const ls_event *ev)
{
	ls_buf_reset(out);
	for (size_t i = 0; i < ev->n; i++) {
		const ls_field *f = &ev->fields[i];
		if (i)
			ls_buf_append(out, ", ", 2);
		ls_buf_append_sv(out, f->name);
		ls_buf_append_char(out, ':');
		ls_buf_append_char(out, type_letter[f->type & 3]);
		if (shape_field(f->name)) {
			ls_buf_append_char(out, '=');
			append_shape(out, f->value);
		}
	}
	ls_buf_append(out, "", 0);
}

static void hash_sig(unsigned char out[TU_SIG_BYTES], int s, const char *type, const ls_buf *sig)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, TU_SIG_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)source_names[s],
	                          strlen(source_names[s]) + 1);
	crypto_generichash_update(&st, (const unsigned char *)type, strlen(type) + 1);
	crypto_generichash_update(&st, (const unsigned char *)sig->data, sig->len);
	crypto_generichash_final(&st, out, TU_SIG_BYTES);
}

/* ---------------------------------------------------------- reading logs */

typedef struct loader {
	tu_dataset *ds;
	ls_buf *err;
	ls_event ev;
	ls_arena scratch;
	ls_buf sig;
	ls_buf path;
} loader;

static uint16_t intern_type(tu_dataset *ds, int s, ls_sv name, bool *ok)
{
	tu_dataset_priv *p = ds->priv;
	for (size_t i = 0; i < p->ntypes[s]; i++)
		if (ls_sv_eq_cstr(name, p->types[s][i]))
			return (uint16_t)i;
	if (p->ntypes[s] >= UINT16_MAX) {
		*ok = false;
		return 0;
	}
	p->types[s] = ls_xgrow(p->types[s], &p->types_cap[s], p->ntypes[s] + 1, sizeof(char *));
	p->types[s][p->ntypes[s]] = ls_arena_strndup(&p->arena, name.ptr, name.len);
	return (uint16_t)p->ntypes[s]++;
}

/* "DIR/logs/FILE:LINE: what[ "value"]" */
static bool record_error(loader *L, const char *rel, unsigned long line, const char *what,
                         const ls_field *f)
{
	ls_buf_printf(L->err, "%s/%s:%lu: %s", L->ds->dir, rel, line, what);
	if (f != NULL)
		ls_buf_printf(L->err, " \"%.*s\"", (int)(f->value.len > 80 ? 80 : f->value.len),
		              f->value.ptr);
	ls_buf_append_char(L->err, '\n');
	return false;
}

/* Turn the parsed event of one data line into a record. */
static bool add_record(loader *L, int s, const char *rel, uint64_t off, ls_sv line,
                       unsigned long lineno)
{
	tu_dataset *ds = L->ds;
	const ls_event *ev = &L->ev;
	const ls_field *rid = ls_event_get(ev, LS_SV_LIT("rid"));
	if (rid == NULL)
		return record_error(L, rel, lineno, "a record without a rid", NULL);
	if (rid->type != LS_VALUE_STRING || !valid_rid(rid->value))
		return record_error(L, rel, lineno, "a malformed rid", rid);

	enum format fmt = format_of(s);
	const ls_field *tf =
	        ls_event_get(ev, fmt == FMT_ZEEK ? LS_SV_LIT("ts") : LS_SV_LIT("timestamp"));
	if (tf == NULL)
		return record_error(L, rel, lineno, "a record without a time", NULL);
	ls_time t = 0;
	ls_err e;
	if (fmt == FMT_ZEEK) {
		e = ls_time_parse_zeek(tf->value, &t, NULL);
	} else if (fmt == FMT_SYSLOG) {
		bool nil = false;
		e = ls_time_parse_rfc5424(tf->value, &t, &nil, NULL);
		if (e == LS_OK && nil)
			e = LS_ERR_PARSE;
	} else {
		e = tf->type == LS_VALUE_STRING ? ls_time_parse_rfc3339(tf->value, &t, NULL)
		                                : LS_ERR_PARSE;
	}
	if (e != LS_OK)
		return record_error(L, rel, lineno, "a malformed time", tf);

	const char *tname = type_field(s);
	ls_sv type = LS_SV_LIT("");
	if (tname != NULL) {
		const ls_field *f = ls_event_get(ev, ls_sv_from_cstr(tname));
		if (f != NULL)
			type = f->value;
	}
	bool ok = true;
	uint16_t ti = intern_type(ds, s, type, &ok);
	if (!ok)
		return record_error(L, rel, lineno, "too many event types", NULL);
	if (ds->nrecs >= UINT32_MAX || line.len > UINT32_MAX || lineno > UINT32_MAX)
		return record_error(L, rel, lineno, "too many records", NULL);

	ds->recs = ls_xgrow(ds->recs, &ds->priv->recs_cap, ds->nrecs + 1, sizeof *ds->recs);
	tu_record *r = &ds->recs[ds->nrecs++];
	memset(r, 0, sizeof *r);
	r->time = t;
	r->off = off;
	r->len = (uint32_t)line.len;
	r->line = (uint32_t)lineno;
	r->source = (uint8_t)s;
	r->type = ti;
	memcpy(r->rid, rid->value.ptr, TU_RID_LEN);
	build_sig(&L->sig, ev);
	hash_sig(r->sig, s, ds->priv->types[s][ti], &L->sig);
	return true;
}

static bool load_log(loader *L, int s)
{
	tu_dataset *ds = L->ds;
	tu_dataset_priv *p = ds->priv;
	char rel[64];
	snprintf(rel, sizeof rel, "logs/%s", source_files[s]);
	ls_buf_reset(&L->path);
	ls_buf_printf(&L->path, "%s/%s", ds->dir, rel);
	int got = slurp(L->path.data, &p->text[s], &p->len[s], L->err);
	if (got < 0)
		return false;
	ds->present[s] = got > 0;
	if (got == 0)
		return true;

	enum format fmt = format_of(s);
	ls_zeek_reader zr;
	ls_zeek_init(&zr);
	bool ok = true, in_header = false;
	size_t pos = 0;
	unsigned long lineno = 0;
	ls_sv line;
	while (ok && next_line(p->text[s], p->len[s], &pos, &line)) {
		lineno++;
		uint64_t off = (uint64_t)(line.ptr - p->text[s]);
		ls_diag d;
		ls_diag_clear(&d);
		bool record = true;
		ls_err e;
		switch (fmt) {
		case FMT_ZEEK:
			e = ls_zeek_feed(&zr, line, lineno, &L->ev, &L->scratch, &record, &d);
			break;
		case FMT_SYSLOG: e = ls_syslog_parse(line, lineno, &L->ev, &L->scratch, &d); break;
		default: e = ls_jsonl_parse(line, lineno, &L->ev, &L->scratch, &d); break;
		}
		if (e != LS_OK) {
			diag_append(L->err, L->path.data, &d);
			ok = false;
			break;
		}
		if (!record) {
			if (!in_header) {
				p->blocks[s] = ls_xgrow(p->blocks[s], &p->blocks_cap[s],
				                        p->nblocks[s] + 1, sizeof(uint64_t));
				p->blocks[s][p->nblocks[s]++] = off;
			}
			in_header = true;
			continue;
		}
		in_header = false;
		ok = add_record(L, s, rel, off, line, lineno);
		recycle(&L->scratch);
	}
	ls_zeek_fini(&zr);
	return ok;
}

/* ------------------------------------------------------------ answer key */

typedef struct keyparse {
	tu_dataset *ds;
	ls_sv text;
	size_t pos; /* line is the line of byte pos */
	unsigned long line;
	const char *path;
	ls_buf *err;
} keyparse;

static uint32_t line_at(keyparse *kp, size_t pos)
{
	if (pos < kp->pos) {
		kp->pos = 0;
		kp->line = 1;
	}
	for (; kp->pos < pos && kp->pos < kp->text.len; kp->pos++)
		kp->line += kp->text.ptr[kp->pos] == '\n';
	return (uint32_t)kp->line;
}

static bool key_error(keyparse *kp, const ls_field *f, const char *what)
{
	ls_buf_printf(kp->err, "%s:%u: %.*s: %s\n", kp->path, line_at(kp, f->pos), (int)f->name.len,
	              f->name.ptr, what);
	return false;
}

/* A string, or null (NULL). */
static bool kstr(keyparse *kp, const ls_field *f, char **out)
{
	if (f->type == LS_VALUE_NULL) {
		*out = NULL;
		return true;
	}
	if (f->type != LS_VALUE_STRING)
		return key_error(kp, f, "expected a string");
	*out = ls_arena_strndup(&kp->ds->priv->arena, f->value.ptr, f->value.len);
	return true;
}

/* A string that names something: never null. */
static bool kname(keyparse *kp, const ls_field *f, char **out)
{
	if (f->type != LS_VALUE_STRING)
		return key_error(kp, f, "expected a string");
	return kstr(kp, f, out);
}

static bool ku64(keyparse *kp, const ls_field *f, uint64_t *out)
{
	if (f->type != LS_VALUE_NUMBER || ls_sv_to_u64(f->value, out) != LS_OK)
		return key_error(kp, f, "expected an unsigned integer");
	return true;
}

static bool ktime(keyparse *kp, const ls_field *f, ls_time *out)
{
	if (f->type != LS_VALUE_STRING || ls_time_parse_rfc3339(f->value, out, NULL) != LS_OK)
		return key_error(kp, f, "expected an RFC 3339 time");
	return true;
}

static bool kbool(keyparse *kp, const ls_field *f, bool *out)
{
	if (f->type != LS_VALUE_BOOL)
		return key_error(kp, f, "expected true or false");
	*out = ls_sv_eq_cstr(f->value, "true");
	return true;
}

static bool ksource(keyparse *kp, const ls_field *f, tu_source *out)
{
	if (f->type != LS_VALUE_STRING)
		return key_error(kp, f, "expected a source name");
	*out = tu_source_index(f->value);
	if (*out == TU_SRC_NONE)
		return key_error(kp, f, "unknown source");
	return true;
}

/* A field of a records list: a key the last ref already has starts a new ref. */
static bool key_ref(keyparse *kp, tu_refs *list, ls_sv n, const ls_field *f)
{
	bool is_src = ls_sv_eq_cstr(n, "source"), is_rid = ls_sv_eq_cstr(n, "rid");
	if (!is_src && !is_rid)
		return true;
	tu_ref *r = list->n ? &list->v[list->n - 1] : NULL;
	if (r == NULL || (is_src ? r->source != TU_SRC_NONE : r->rid[0] != '\0')) {
		list->v = ls_xgrow(list->v, &list->cap, list->n + 1, sizeof *list->v);
		r = &list->v[list->n++];
		memset(r, 0, sizeof *r);
		r->source = TU_SRC_NONE;
		r->line = line_at(kp, f->pos);
	}
	if (is_src)
		return ksource(kp, f, &r->source);
	if (f->type != LS_VALUE_STRING || !valid_rid(f->value))
		return key_error(kp, f, "expected 20 lower-case hex digits");
	memcpy(r->rid, f->value.ptr, TU_RID_LEN);
	r->rid[TU_RID_LEN] = '\0';
	return true;
}

static bool push_str(char ***v, size_t *n, size_t *cap, char *s)
{
	*v = ls_xgrow(*v, cap, *n + 1, sizeof(char *));
	(*v)[(*n)++] = s;
	return true;
}

static bool key_step(keyparse *kp, tu_campaign *c, ls_sv n, const ls_field *f)
{
	if (ls_sv_eq_cstr(n, "name")) {
		c->steps = ls_xgrow(c->steps, &c->steps_cap, c->nsteps + 1, sizeof *c->steps);
		tu_step *st = &c->steps[c->nsteps++];
		memset(st, 0, sizeof *st);
		st->line = line_at(kp, f->pos);
		st->start = st->end = INT64_MIN;
		return kname(kp, f, &st->name);
	}
	if (c->nsteps == 0)
		return key_error(kp, f, "before campaigns.steps.name");
	tu_step *st = &c->steps[c->nsteps - 1];
	if (ls_sv_eq_cstr(n, "techniques")) {
		char *t = NULL;
		return kname(kp, f, &t) &&
		       push_str(&st->techniques, &st->ntechniques, &st->techniques_cap, t);
	}
	if (ls_sv_eq_cstr(n, "start"))
		return ktime(kp, f, &st->start);
	if (ls_sv_eq_cstr(n, "end"))
		return ktime(kp, f, &st->end);
	if (cut(&n, "records."))
		return key_ref(kp, &st->records, n, f);
	if (cut(&n, "earliest_detectable.")) {
		tu_source s = tu_source_index(n);
		if (s == TU_SRC_NONE)
			return key_error(kp, f, "unknown source");
		if (st->has_earliest[s])
			return key_error(kp, f, "given twice");
		st->has_earliest[s] = true;
		return ktime(kp, f, &st->earliest[s]);
	}
	return true;
}

static bool key_upload(keyparse *kp, tu_campaign *c, ls_sv n, const ls_field *f)
{
	if (ls_sv_eq_cstr(n, "file")) {
		c->uploads =
		        ls_xgrow(c->uploads, &c->uploads_cap, c->nuploads + 1, sizeof *c->uploads);
		tu_upload *u = &c->uploads[c->nuploads++];
		memset(u, 0, sizeof *u);
		u->line = line_at(kp, f->pos);
		return kname(kp, f, &u->file);
	}
	if (c->nuploads == 0)
		return key_error(kp, f, "before campaigns.uploads.file");
	tu_upload *u = &c->uploads[c->nuploads - 1];
	if (ls_sv_eq_cstr(n, "size"))
		return ku64(kp, f, &u->size);
	if (ls_sv_eq_cstr(n, "path"))
		return kstr(kp, f, &u->path);
	if (ls_sv_eq_cstr(n, "vpn"))
		return kbool(kp, f, &u->vpn);
	if (ls_sv_eq_cstr(n, "start"))
		return ktime(kp, f, &u->start);
	if (ls_sv_eq_cstr(n, "end"))
		return ktime(kp, f, &u->end);
	if (ls_sv_eq_cstr(n, "parts"))
		return ku64(kp, f, &u->parts);
	if (ls_sv_eq_cstr(n, "sessions"))
		return ku64(kp, f, &u->sessions);
	if (ls_sv_eq_cstr(n, "wire_bytes"))
		return ku64(kp, f, &u->wire_bytes);
	if (cut(&n, "records."))
		return key_ref(kp, &u->records, n, f);
	return true;
}

static bool key_campaign(keyparse *kp, ls_sv n, const ls_field *f)
{
	tu_answer_key *k = &kp->ds->key;
	if (ls_sv_eq_cstr(n, "id")) {
		k->campaigns = ls_xgrow(k->campaigns, &k->campaigns_cap, k->ncampaigns + 1,
		                        sizeof *k->campaigns);
		tu_campaign *c = &k->campaigns[k->ncampaigns++];
		memset(c, 0, sizeof *c);
		c->line = line_at(kp, f->pos);
		return kname(kp, f, &c->id);
	}
	if (k->ncampaigns == 0)
		return key_error(kp, f, "before campaigns.id");
	tu_campaign *c = &k->campaigns[k->ncampaigns - 1];
	if (ls_sv_eq_cstr(n, "preset"))
		return kstr(kp, f, &c->preset);
	if (ls_sv_eq_cstr(n, "hosts")) {
		char *h = NULL;
		return kname(kp, f, &h) && push_str(&c->hosts, &c->nhosts, &c->hosts_cap, h);
	}
	if (cut(&n, "actors.")) {
		if (ls_sv_eq_cstr(n, "user")) {
			c->actors = ls_xgrow(c->actors, &c->actors_cap, c->nactors + 1,
			                     sizeof *c->actors);
			memset(&c->actors[c->nactors++], 0, sizeof *c->actors);
		} else if (c->nactors == 0) {
			return key_error(kp, f, "before campaigns.actors.user");
		}
		tu_actor *a = &c->actors[c->nactors - 1];
		char **slot = ls_sv_eq_cstr(n, "user")         ? &a->user
		              : ls_sv_eq_cstr(n, "person")     ? &a->person
		              : ls_sv_eq_cstr(n, "role")       ? &a->role
		              : ls_sv_eq_cstr(n, "credential") ? &a->credential
		                                               : NULL;
		return slot == NULL || kstr(kp, f, slot);
	}
	if (cut(&n, "steps."))
		return key_step(kp, c, n, f);
	if (cut(&n, "uploads."))
		return key_upload(kp, c, n, f);
	if (cut(&n, "totals.")) {
		uint64_t *slot = ls_sv_eq_cstr(n, "rows")            ? &c->totals.rows
		                 : ls_sv_eq_cstr(n, "export_bytes")  ? &c->totals.export_bytes
		                 : ls_sv_eq_cstr(n, "archive_bytes") ? &c->totals.archive_bytes
		                 : ls_sv_eq_cstr(n, "wire_bytes")    ? &c->totals.wire_bytes
		                 : ls_sv_eq_cstr(n, "parts")         ? &c->totals.parts
		                 : ls_sv_eq_cstr(n, "sessions")      ? &c->totals.sessions
		                                                     : NULL;
		return slot == NULL || ku64(kp, f, slot);
	}
	if (cut(&n, "export.")) {
		c->has_export = true;
		char **s = ls_sv_eq_cstr(n, "session")  ? &c->export.session
		           : ls_sv_eq_cstr(n, "format") ? &c->export.format
		           : ls_sv_eq_cstr(n, "name")   ? &c->export.name
		           : ls_sv_eq_cstr(n, "sha256") ? &c->export.sha256
		                                        : NULL;
		if (s != NULL)
			return kstr(kp, f, s);
		uint64_t *u = ls_sv_eq_cstr(n, "rows")       ? &c->export.rows
		              : ls_sv_eq_cstr(n, "canaries") ? &c->export.canaries
		              : ls_sv_eq_cstr(n, "bytes")    ? &c->export.bytes
		                                             : NULL;
		return u == NULL || ku64(kp, f, u);
	}
	if (cut(&n, "leaked_file.")) {
		c->has_leaked_file = true;
		char **s = ls_sv_eq_cstr(n, "name")             ? &c->leaked_file.name
		           : ls_sv_eq_cstr(n, "sha256")         ? &c->leaked_file.sha256
		           : ls_sv_eq_cstr(n, "export_session") ? &c->leaked_file.export_session
		                                                : NULL;
		if (s != NULL)
			return kstr(kp, f, s);
		if (ls_sv_eq_cstr(n, "size"))
			return ku64(kp, f, &c->leaked_file.size);
	}
	return true;
}

static bool key_dirty(keyparse *kp, ls_sv n, const ls_field *f)
{
	tu_answer_key *k = &kp->ds->key;
	if (ls_sv_eq_cstr(n, "missing_sensor")) {
		if (f->type == LS_VALUE_NULL) {
			k->missing_sensor = TU_SRC_NONE;
			return true;
		}
		return ksource(kp, f, &k->missing_sensor);
	}
	if (cut(&n, "clock_skew_seconds.")) {
		tu_source s = tu_source_index(n);
		if (s == TU_SRC_NONE)
			return key_error(kp, f, "unknown source");
		if (f->type != LS_VALUE_NUMBER ||
		    ls_time_parse_zeek(f->value, &k->skew[s], NULL) != LS_OK)
			return key_error(kp, f, "expected seconds");
		k->skewed[s] = true;
		return true;
	}
	if (ls_sv_eq_cstr(n, "delay_seconds"))
		return ku64(kp, f, &k->delay_seconds);
	if (cut(&n, "dropped."))
		return key_ref(kp, &k->dropped, n, f);
	if (cut(&n, "duplicated."))
		return key_ref(kp, &k->duplicated, n, f);
	if (cut(&n, "delayed."))
		return key_ref(kp, &k->delayed, n, f);
	return true;
}

static bool key_field(keyparse *kp, const ls_field *f)
{
	tu_answer_key *k = &kp->ds->key;
	ls_sv n = f->name;
	if (ls_sv_eq_cstr(n, "scenario"))
		return kstr(kp, f, &k->scenario);
	if (ls_sv_eq_cstr(n, "leaksim"))
		return kstr(kp, f, &k->leaksim);
	if (ls_sv_eq_cstr(n, "seed"))
		return ku64(kp, f, &k->seed);
	if (cut(&n, "campaigns."))
		return key_campaign(kp, n, f);
	if (cut(&n, "decoys.")) {
		if (ls_sv_eq_cstr(n, "kind")) {
			k->decoys = ls_xgrow(k->decoys, &k->decoys_cap, k->ndecoys + 1,
			                     sizeof *k->decoys);
			tu_decoy *dc = &k->decoys[k->ndecoys++];
			memset(dc, 0, sizeof *dc);
			dc->line = line_at(kp, f->pos);
			return kname(kp, f, &dc->kind);
		}
		if (k->ndecoys == 0)
			return key_error(kp, f, "before decoys.kind");
		if (cut(&n, "records."))
			return key_ref(kp, &k->decoys[k->ndecoys - 1].records, n, f);
		return true;
	}
	if (cut(&n, "dirty."))
		return key_dirty(kp, n, f);
	return true;
}

static bool refs_complete(keyparse *kp, const tu_refs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].source == TU_SRC_NONE || l->v[i].rid[0] == '\0') {
			ls_buf_printf(kp->err, "%s:%u: a record without %s\n", kp->path,
			              l->v[i].line,
			              l->v[i].source == TU_SRC_NONE ? "a source" : "a rid");
			return false;
		}
	}
	return true;
}

static bool key_complete(keyparse *kp)
{
	const tu_answer_key *k = &kp->ds->key;
	for (size_t c = 0; c < k->ncampaigns; c++) {
		const tu_campaign *cp = &k->campaigns[c];
		for (size_t s = 0; s < cp->nsteps; s++) {
			const tu_step *st = &cp->steps[s];
			if (st->start == INT64_MIN || st->end == INT64_MIN) {
				ls_buf_printf(kp->err, "%s:%u: step %s without %s\n", kp->path,
				              st->line, st->name,
				              st->start == INT64_MIN ? "a start" : "an end");
				return false;
			}
			if (!refs_complete(kp, &st->records))
				return false;
		}
		for (size_t u = 0; u < cp->nuploads; u++)
			if (!refs_complete(kp, &cp->uploads[u].records))
				return false;
	}
	for (size_t d = 0; d < k->ndecoys; d++)
		if (!refs_complete(kp, &k->decoys[d].records))
			return false;
	return refs_complete(kp, &k->dropped) && refs_complete(kp, &k->duplicated) &&
	       refs_complete(kp, &k->delayed);
}

static bool load_key(loader *L)
{
	tu_dataset *ds = L->ds;
	ls_buf_reset(&L->path);
	ls_buf_printf(&L->path, "%s/%s", ds->dir, PATH_KEY);
	char *text = NULL;
	size_t len = 0;
	int got = slurp(L->path.data, &text, &len, L->err);
	if (got == 0)
		ls_buf_printf(L->err, "%s: no answer key\n", L->path.data);
	if (got <= 0)
		return false;
	ls_arena a;
	ls_arena_init(&a, 0);
	ls_event ev = LS_EVENT_INIT;
	ls_diag d;
	ls_diag_clear(&d);
	keyparse kp = { ds, ls_sv_make(text, len), 0, 1, L->path.data, L->err };
	bool ok = true;
	if (ls_json_parse_document(kp.text, KEY_MAX, &ev, &a, &d) != LS_OK) {
		diag_append(L->err, L->path.data, &d);
		ok = false;
	}
	for (size_t i = 0; ok && i < ev.n; i++)
		ok = key_field(&kp, &ev.fields[i]);
	if (ok)
		ok = key_complete(&kp);
	ls_event_fini(&ev);
	ls_arena_fini(&a);
	free(text);
	return ok;
}

static bool load_exports(loader *L)
{
	tu_dataset *ds = L->ds;
	ls_buf_reset(&L->path);
	ls_buf_printf(&L->path, "%s/%s", ds->dir, PATH_EXPORTS);
	char *text = NULL;
	size_t len = 0;
	int got = slurp(L->path.data, &text, &len, L->err);
	ds->have_exports = got > 0;
	if (got <= 0)
		return got == 0;
	keyparse kp = { ds, ls_sv_make(text, len), 0, 1, L->path.data, L->err };
	bool ok = true;
	size_t pos = 0;
	unsigned long lineno = 0;
	ls_sv line;
	while (ok && next_line(text, len, &pos, &line)) {
		lineno++;
		ls_diag d;
		ls_diag_clear(&d);
		if (ls_jsonl_parse(line, lineno, &L->ev, &L->scratch, &d) != LS_OK) {
			diag_append(L->err, L->path.data, &d);
			ok = false;
			break;
		}
		ds->exports = ls_xgrow(ds->exports, &ds->exports_cap, ds->nexports + 1,
		                       sizeof *ds->exports);
		tu_export_session *x = &ds->exports[ds->nexports++];
		memset(x, 0, sizeof *x);
		/* Field positions are within the line: make them offsets in the file. */
		size_t base = (size_t)(line.ptr - text);
		for (size_t i = 0; ok && i < L->ev.n; i++) {
			ls_field f = L->ev.fields[i];
			f.pos = (uint32_t)(base + f.pos);
			ls_sv n = f.name;
			if (ls_sv_eq_cstr(n, "session"))
				ok = kname(&kp, &f, &x->session);
			else if (ls_sv_eq_cstr(n, "account"))
				ok = kstr(&kp, &f, &x->account);
			else if (ls_sv_eq_cstr(n, "host"))
				ok = kstr(&kp, &f, &x->host);
			else if (ls_sv_eq_cstr(n, "format"))
				ok = kstr(&kp, &f, &x->format);
			else if (ls_sv_eq_cstr(n, "kind"))
				ok = kstr(&kp, &f, &x->kind);
			else if (ls_sv_eq_cstr(n, "time"))
				ok = ktime(&kp, &f, &x->time);
			else if (ls_sv_eq_cstr(n, "rows"))
				ok = ku64(&kp, &f, &x->rows);
		}
		if (ok && x->session == NULL) {
			ls_buf_printf(L->err, "%s:%lu: an export without a session\n", L->path.data,
			              lineno);
			ok = false;
		}
		recycle(&L->scratch);
	}
	free(text);
	return ok;
}

/* ------------------------------------------------------------------ index */

static int rec_cmp(const tu_record *a, const tu_record *b)
{
	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	return memcmp(a->rid, b->rid, TU_RID_LEN);
}

/* Sort the record numbers by (source, rid, number): a bottom-up merge sort. */
static void build_index(tu_dataset *ds)
{
	size_t n = ds->nrecs;
	uint32_t *a = ls_xreallocarray(NULL, n ? n : 1, sizeof *a);
	uint32_t *tmp = ls_xreallocarray(NULL, n ? n : 1, sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		a[i] = (uint32_t)i;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = rec_cmp(&ds->recs[a[j]], &ds->recs[a[i]]) < 0 ? a[j++]
				                                                         : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		uint32_t *t = a;
		a = tmp;
		tmp = t;
	}
	free(tmp);
	ds->priv->index = a;
}

/* The index range [*lo, return) of records with that source and rid. */
static size_t find_range(const tu_dataset *ds, int source, const char *rid, size_t *lo_out)
{
	tu_record key;
	key.source = (uint8_t)source;
	memcpy(key.rid, rid, TU_RID_LEN);
	const uint32_t *ix = ds->priv->index;
	size_t lo = 0, hi = ds->nrecs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rec_cmp(&ds->recs[ix[mid]], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < ds->nrecs && rec_cmp(&ds->recs[ix[end]], &key) == 0)
		end++;
	*lo_out = lo;
	return end;
}

size_t tu_dataset_find(const tu_dataset *ds, tu_source source, const char *rid,
                       const tu_record **first)
{
	if (first)
		*first = NULL;
	if (source < 0 || source >= TU_SOURCES)
		return 0;
	size_t lo, end = find_range(ds, source, rid, &lo);
	if (first && end > lo)
		*first = &ds->recs[ds->priv->index[lo]];
	return end - lo;
}

/* ---------------------------------------------------------------- loading */

tu_dataset *tu_dataset_try_load(const char *dir, ls_buf *err)
{
	if (sodium_init() < 0) {
		ls_buf_printf(err, "sodium_init failed\n");
		return NULL;
	}
	tu_dataset *ds = ls_xcalloc(1, sizeof *ds);
	ds->dir = ls_xstrdup(dir);
	ds->priv = ls_xcalloc(1, sizeof *ds->priv);
	ls_arena_init(&ds->priv->arena, 0);
	ds->key.missing_sensor = TU_SRC_NONE;
	loader L = { ds, err, LS_EVENT_INIT, { 0 }, LS_BUF_INIT, LS_BUF_INIT };
	ls_arena_init(&L.scratch, 0);
	bool ok = true;
	for (int s = 0; ok && s < TU_SOURCES; s++) {
		ds->begin[s] = ds->nrecs;
		ok = load_log(&L, s);
	}
	ds->begin[TU_SOURCES] = ds->nrecs;
	ok = ok && load_key(&L) && load_exports(&L);
	ls_event_fini(&L.ev);
	ls_arena_fini(&L.scratch);
	ls_buf_fini(&L.sig);
	ls_buf_fini(&L.path);
	if (!ok) {
		tu_dataset_free(ds);
		return NULL;
	}
	build_index(ds);
	return ds;
}

tu_dataset *tu_dataset_load(const char *dir)
{
	ls_buf err = LS_BUF_INIT;
	tu_dataset *ds = tu_dataset_try_load(dir, &err);
	if (ds == NULL) {
		print_error("cannot load dataset %s:\n%s", dir, err.data ? err.data : "");
		ls_buf_fini(&err);
		fail();
	}
	ls_buf_fini(&err);
	return ds;
}

static void refs_fini(tu_refs *l)
{
	free(l->v);
}

void tu_dataset_free(tu_dataset *ds)
{
	if (ds == NULL)
		return;
	tu_answer_key *k = &ds->key;
	for (size_t c = 0; c < k->ncampaigns; c++) {
		tu_campaign *cp = &k->campaigns[c];
		for (size_t s = 0; s < cp->nsteps; s++) {
			free(cp->steps[s].techniques);
			refs_fini(&cp->steps[s].records);
		}
		for (size_t u = 0; u < cp->nuploads; u++)
			refs_fini(&cp->uploads[u].records);
		free(cp->actors);
		free(cp->hosts);
		free(cp->steps);
		free(cp->uploads);
	}
	free(k->campaigns);
	for (size_t d = 0; d < k->ndecoys; d++)
		refs_fini(&k->decoys[d].records);
	free(k->decoys);
	refs_fini(&k->dropped);
	refs_fini(&k->duplicated);
	refs_fini(&k->delayed);
	free(ds->exports);
	tu_dataset_priv *p = ds->priv;
	for (int s = 0; s < TU_SOURCES; s++) {
		free(p->text[s]);
		free(p->blocks[s]);
		free(p->types[s]);
	}
	free(p->index);
	ls_arena_fini(&p->arena);
	free(p);
	free(ds->recs);
	free(ds->dir);
	free(ds);
}

/* ----------------------------------------------------- reading records back */

ls_sv tu_record_line(const tu_dataset *ds, const tu_record *r)
{
	return ls_sv_make(ds->priv->text[r->source] + r->off, r->len);
}

const char *tu_dataset_type_name(const tu_dataset *ds, tu_source source, uint16_t type)
{
	if (source < 0 || source >= TU_SOURCES || type >= ds->priv->ntypes[source])
		return "";
	return ds->priv->types[source][type];
}

/*
 * A record parsed again. Its field names may point into the Zeek header,
 * so the reader lives as long as the event.
 */
typedef struct reparsed {
	ls_event ev;
	ls_arena arena;
	ls_zeek_reader zeek;
} reparsed;

static void reparsed_fini(reparsed *rp)
{
	ls_event_fini(&rp->ev);
	ls_arena_fini(&rp->arena);
	ls_zeek_fini(&rp->zeek);
}

/*
 * Parse r's line again into rp. A Zeek record first needs the header block
 * it follows: the last block starting before it, fed up to its first data
 * line. The record parsed once already, so an error here is a bug.
 */
static void reparse(const tu_dataset *ds, const tu_record *r, reparsed *rp)
{
	const tu_dataset_priv *p = ds->priv;
	rp->ev = LS_EVENT_INIT;
	ls_arena_init(&rp->arena, 0);
	ls_zeek_init(&rp->zeek);
	ls_sv line = tu_record_line(ds, r);
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e;
	enum format fmt = format_of(r->source);
	if (fmt == FMT_ZEEK) {
		size_t lo = 0, hi = p->nblocks[r->source];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (p->blocks[r->source][mid] <= r->off)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t pos = lo ? (size_t)p->blocks[r->source][lo - 1] : 0;
		ls_sv h;
		bool record = false;
		e = LS_OK;
		while (e == LS_OK && pos < r->off &&
		       next_line(p->text[r->source], r->off, &pos, &h)) {
			if (h.len == 0 || h.ptr[0] != '#')
				break;
			e = ls_zeek_feed(&rp->zeek, h, 0, &rp->ev, &rp->arena, &record, &d);
		}
		if (e == LS_OK)
			e = ls_zeek_feed(&rp->zeek, line, r->line, &rp->ev, &rp->arena, &record,
			                 &d);
		if (e == LS_OK && !record)
			e = LS_ERR_PARSE;
	} else if (fmt == FMT_SYSLOG) {
		e = ls_syslog_parse(line, r->line, &rp->ev, &rp->arena, &d);
	} else {
		e = ls_jsonl_parse(line, r->line, &rp->ev, &rp->arena, &d);
	}
	if (e != LS_OK) {
		reparsed_fini(rp);
		fail_msg("logs/%s:%lu: cannot parse a loaded record again: %s",
		         source_files[r->source], (unsigned long)r->line, d.message);
	}
}

bool tu_record_field(const tu_dataset *ds, const tu_record *r, const char *field, ls_buf *value)
{
	reparsed rp;
	reparse(ds, r, &rp);
	const ls_field *f = ls_event_get(&rp.ev, ls_sv_from_cstr(field));
	ls_buf_reset(value);
	if (f != NULL)
		ls_buf_append_sv(value, f->value);
	else
		ls_buf_append(value, "", 0);
	reparsed_fini(&rp);
	return f != NULL;
}

uint64_t tu_dataset_sum(const tu_dataset *ds, const tu_ref *refs, size_t n, tu_source source,
                        const char *field)
{
	uint64_t sum = 0;
	ls_buf v = LS_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const tu_record *r;
		if (refs[i].source != source || tu_dataset_find(ds, source, refs[i].rid, &r) == 0)
			continue;
		if (!tu_record_field(ds, r, field, &v))
			continue;
		uint64_t x;
		if (ls_sv_to_u64(ls_buf_sv(&v), &x) != LS_OK || x > UINT64_MAX - sum) {
			print_error(
			        "logs/%s:%lu: %s is \"%s\": not a count, or the sum overflows\n",
			        source_files[source], (unsigned long)r->line, field, v.data);
			ls_buf_fini(&v);
			fail();
		}
		sum += x;
	}
	ls_buf_fini(&v);
	return sum;
}

/* ---------------------------------------------------------------- reports */

typedef struct reporter {
	ls_buf *out;
	size_t n;
} reporter;

static void problem(reporter *rp, const char *fmt, ...) LS_PRINTF(2, 3);

static void problem(reporter *rp, const char *fmt, ...)
{
	if (++rp->n > TU_REPORT_MAX || rp->out == NULL)
		return;
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		ls_buf_reserve(rp->out, (size_t)n + 1);
		vsnprintf(rp->out->data + rp->out->len, (size_t)n + 1, fmt, aq);
		rp->out->len += (size_t)n;
	}
	va_end(aq);
	ls_buf_append_char(rp->out, '\n');
}

static size_t report_end(reporter *rp)
{
	if (rp->n > TU_REPORT_MAX && rp->out != NULL)
		ls_buf_printf(rp->out, "... and %zu more\n", rp->n - TU_REPORT_MAX);
	return rp->n;
}

static const char *fmt_time(char buf[LS_TIME_FORMAT_MAX + 1], ls_time t)
{
	ls_buf b = LS_BUF_INIT;
	ls_time_format_rfc3339(&b, t, 6, 0);
	snprintf(buf, LS_TIME_FORMAT_MAX + 1, "%s", b.data);
	ls_buf_fini(&b);
	return buf;
}

/* ------------------------------------------------------ answer-key check */

static const char *const step_names[] = {
	"access",       "collection",  "staging",        "transfer",
	"exfiltration", "publication", "anti_forensics",
};

static int ref_cmp(const void *pa, const void *pb)
{
	const tu_ref *a = pa, *b = pb;
	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	return memcmp(a->rid, b->rid, TU_RID_LEN);
}

static tu_ref *sorted_refs(const tu_refs *l)
{
	tu_ref *v = ls_xreallocarray(NULL, l->n ? l->n : 1, sizeof *v);
	if (l->n)
		memcpy(v, l->v, l->n * sizeof *v);
	qsort(v, l->n, sizeof *v, ref_cmp);
	return v;
}

typedef struct keycheck {
	const tu_dataset *ds;
	reporter rp;
	tu_ref *dropped, *duplicated;
	size_t ndropped, nduplicated;
} keycheck;

static bool listed(const tu_ref *v, size_t n, const tu_ref *r)
{
	return n && bsearch(r, v, n, sizeof *v, ref_cmp) != NULL;
}

/* Each ref of a list exists as often as the dirty-data knobs say. */
static void check_counts(keycheck *kc, const tu_refs *l, const char *what)
{
	const tu_dataset *ds = kc->ds;
	for (size_t i = 0; i < l->n; i++) {
		const tu_ref *r = &l->v[i];
		size_t want = 1;
		if (r->source == ds->key.missing_sensor || listed(kc->dropped, kc->ndropped, r))
			want = 0;
		else if (listed(kc->duplicated, kc->nduplicated, r))
			want = 2;
		size_t got = tu_dataset_find(ds, r->source, r->rid, NULL);
		if (got != want)
			problem(&kc->rp, "%s:%u: %s: %s record %s: %zu in logs/%s, expected %zu",
			        PATH_KEY, r->line, what, source_names[r->source], r->rid, got,
			        source_files[r->source], want);
	}
}

static void check_step(keycheck *kc, const tu_step *st, const char *what)
{
	const tu_dataset *ds = kc->ds;
	const tu_answer_key *k = &ds->key;
	char t1[LS_TIME_FORMAT_MAX + 1], t2[LS_TIME_FORMAT_MAX + 1], t3[LS_TIME_FORMAT_MAX + 1];
	bool named = false;
	for (size_t i = 0; i < sizeof step_names / sizeof step_names[0]; i++)
		named |= strcmp(st->name, step_names[i]) == 0;
	if (!named)
		problem(&kc->rp, "%s:%u: %s: not a step name", PATH_KEY, st->line, what);
	if (st->start > st->end)
		problem(&kc->rp, "%s:%u: %s: starts at %s, after its end %s", PATH_KEY, st->line,
		        what, fmt_time(t1, st->start), fmt_time(t2, st->end));

	bool have[TU_SOURCES] = { false };
	ls_time earliest[TU_SOURCES];
	const uint32_t *ix = ds->priv->index;
	for (size_t i = 0; i < st->records.n; i++) {
		const tu_ref *r = &st->records.v[i];
		size_t lo, end = find_range(ds, r->source, r->rid, &lo);
		for (size_t j = lo; j < end; j++) {
			const tu_record *rec = &ds->recs[ix[j]];
			if (!have[r->source] || rec->time < earliest[r->source])
				earliest[r->source] = rec->time;
			have[r->source] = true;
			if (k->skewed[r->source])
				continue;
			if (rec->time < st->start || rec->time > st->end)
				problem(&kc->rp,
				        "logs/%s:%u: %s record %s at %s, outside %s [%s, %s] "
				        "(%s:%u)",
				        source_files[r->source], rec->line, source_names[r->source],
				        r->rid, fmt_time(t1, rec->time), what,
				        fmt_time(t2, st->start), fmt_time(t3, st->end), PATH_KEY,
				        r->line);
		}
	}
	for (int s = 0; s < TU_SOURCES; s++) {
		if (have[s] && !st->has_earliest[s])
			problem(&kc->rp,
			        "%s:%u: %s: no earliest_detectable for %s (records from %s)",
			        PATH_KEY, st->line, what, source_names[s],
			        fmt_time(t1, earliest[s]));
		else if (!have[s] && st->has_earliest[s])
			problem(&kc->rp,
			        "%s:%u: %s: earliest_detectable for %s, which has no records",
			        PATH_KEY, st->line, what, source_names[s]);
		else if (have[s] && st->earliest[s] != earliest[s])
			problem(&kc->rp,
			        "%s:%u: %s: earliest_detectable.%s is %s, the earliest record is "
			        "at %s",
			        PATH_KEY, st->line, what, source_names[s],
			        fmt_time(t1, st->earliest[s]), fmt_time(t2, earliest[s]));
	}
}

typedef struct owned {
	char rid[TU_RID_LEN];
	long owner; /* step number (from 0) or -1 - decoy number */
	uint32_t line;
} owned;

static int owned_cmp(const void *pa, const void *pb)
{
	const owned *a = pa, *b = pb;
	int c = memcmp(a->rid, b->rid, TU_RID_LEN);
	if (c)
		return c;
	return a->owner < b->owner ? -1 : a->owner > b->owner;
}

/* No rid in two steps, twice in one step, or in a step and a decoy. */
static void check_overlaps(keycheck *kc)
{
	const tu_answer_key *k = &kc->ds->key;
	owned *v = NULL;
	size_t n = 0, cap = 0;
	long step = 0;
	for (size_t c = 0; c < k->ncampaigns; c++)
		for (size_t s = 0; s < k->campaigns[c].nsteps; s++, step++) {
			const tu_refs *l = &k->campaigns[c].steps[s].records;
			for (size_t i = 0; i < l->n; i++) {
				v = ls_xgrow(v, &cap, n + 1, sizeof *v);
				memcpy(v[n].rid, l->v[i].rid, TU_RID_LEN);
				v[n].owner = step;
				v[n++].line = l->v[i].line;
			}
		}
	for (size_t d = 0; d < k->ndecoys; d++) {
		const tu_refs *l = &k->decoys[d].records;
		for (size_t i = 0; i < l->n; i++) {
			v = ls_xgrow(v, &cap, n + 1, sizeof *v);
			memcpy(v[n].rid, l->v[i].rid, TU_RID_LEN);
			v[n].owner = -1 - (long)d;
			v[n++].line = l->v[i].line;
		}
	}
	if (n)
		qsort(v, n, sizeof *v, owned_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && memcmp(v[j].rid, v[i].rid, TU_RID_LEN) == 0)
			j++;
		/* Sorted by owner, steps last: a step and anything else. Decoys may share. */
		if (j - i > 1 && v[j - 1].owner >= 0)
			problem(&kc->rp, "%s:%u: rid %.*s is listed in a step and again at line %u",
			        PATH_KEY, v[j - 1].line, TU_RID_LEN, v[i].rid, v[j - 2].line);
		i = j;
	}
	free(v);
}

static void check_export(keycheck *kc, const tu_campaign *c)
{
	const tu_dataset *ds = kc->ds;
	if (!c->has_export || !c->has_leaked_file) {
		problem(&kc->rp, "%s:%u: campaign %s has no %s", PATH_KEY, c->line, c->id,
		        c->has_export ? "leaked_file" : "export");
		return;
	}
	const char *le = c->leaked_file.export_session, *ex = c->export.session;
	if (le == NULL || ex == NULL || strcmp(le, ex) != 0) {
		problem(&kc->rp,
		        "%s:%u: campaign %s: leaked_file.export_session %s is not export.session "
		        "%s",
		        PATH_KEY, c->line, c->id, le ? le : "(none)", ex ? ex : "(none)");
		return;
	}
	bool found = false;
	for (size_t i = 0; i < ds->nexports && !found; i++)
		found = strcmp(ds->exports[i].session, le) == 0;
	if (!found)
		problem(&kc->rp, "%s:%u: campaign %s: export session %s is not in %s", PATH_KEY,
		        c->line, c->id, le, PATH_EXPORTS);
}

size_t tu_answer_key_problems(const tu_dataset *ds, ls_buf *report)
{
	const tu_answer_key *k = &ds->key;
	keycheck kc = { ds, { report, 0 }, NULL, NULL, 0, 0 };
	kc.dropped = sorted_refs(&k->dropped);
	kc.ndropped = k->dropped.n;
	kc.duplicated = sorted_refs(&k->duplicated);
	kc.nduplicated = k->duplicated.n;

	if (k->missing_sensor != TU_SRC_NONE) {
		size_t n = ds->begin[k->missing_sensor + 1] - ds->begin[k->missing_sensor];
		if (n)
			problem(&kc.rp, "logs/%s: %zu records from the missing sensor %s",
			        source_files[k->missing_sensor], n,
			        source_names[k->missing_sensor]);
	}
	char what[256];
	for (size_t c = 0; c < k->ncampaigns; c++) {
		const tu_campaign *cp = &k->campaigns[c];
		for (size_t s = 0; s < cp->nsteps; s++) {
			snprintf(what, sizeof what, "%s step %zu (%s)", cp->id, s + 1,
			         cp->steps[s].name);
			check_counts(&kc, &cp->steps[s].records, what);
			check_step(&kc, &cp->steps[s], what);
		}
		for (size_t u = 0; u < cp->nuploads; u++) {
			snprintf(what, sizeof what, "%s upload %zu (%s)", cp->id, u + 1,
			         cp->uploads[u].file);
			check_counts(&kc, &cp->uploads[u].records, what);
		}
		check_export(&kc, cp);
	}
	for (size_t d = 0; d < k->ndecoys; d++) {
		snprintf(what, sizeof what, "decoy %zu (%s)", d + 1, k->decoys[d].kind);
		check_counts(&kc, &k->decoys[d].records, what);
	}
	check_counts(&kc, &k->dropped, "dirty.dropped");
	check_counts(&kc, &k->duplicated, "dirty.duplicated");
	check_counts(&kc, &k->delayed, "dirty.delayed");
	check_overlaps(&kc);
	free(kc.dropped);
	free(kc.duplicated);
	return report_end(&kc.rp);
}

void tu_check_answer_key(const tu_dataset *ds)
{
	ls_buf r = LS_BUF_INIT;
	size_t n = tu_answer_key_problems(ds, &r);
	if (n) {
		print_error("%s: %zu answer-key problem(s):\n%s", ds->dir, n, r.data);
		ls_buf_fini(&r);
		fail();
	}
	ls_buf_fini(&r);
}

/* ----------------------------------------------------- indistinguishable */

static int sig_cmp(const void *a, const void *b)
{
	return memcmp(a, b, TU_SIG_BYTES);
}

/* The signature text of a record, parsed again. */
static void record_sig(const tu_dataset *ds, const tu_record *r, ls_buf *out)
{
	reparsed rp;
	reparse(ds, r, &rp);
	build_sig(out, &rp.ev);
	reparsed_fini(&rp);
}

/* Split a signature into its ", "-separated fields. */
static size_t sig_tokens(const char *s, ls_sv **out)
{
	size_t n = 0, cap = 0;
	ls_sv *v = NULL;
	const char *p = s;
	while (*p) {
		const char *q = strstr(p, ", ");
		size_t len = q ? (size_t)(q - p) : strlen(p);
		v = ls_xgrow(v, &cap, n + 1, sizeof *v);
		v[n++] = ls_sv_make(p, len);
		p += len + (q ? 2 : 0);
	}
	*out = v;
	return n;
}

/* Edit distance between two signatures, counted in fields. */
static size_t sig_distance(const char *a, const char *b)
{
	ls_sv *ta, *tb;
	size_t na = sig_tokens(a, &ta), nb = sig_tokens(b, &tb);
	size_t *prev = ls_xreallocarray(NULL, nb + 1, sizeof *prev);
	size_t *cur = ls_xreallocarray(NULL, nb + 1, sizeof *cur);
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t sub = prev[j - 1] + !ls_sv_eq(ta[i - 1], tb[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t d = prev[nb];
	free(prev);
	free(cur);
	free(ta);
	free(tb);
	return d;
}

/* The distinct signatures of the unlabelled records of one (source, type). */
typedef struct benign_sigs {
	int source;
	uint16_t type;
	char **text;
	size_t n;
} benign_sigs;

#define CLOSEST_MAX 1000

static void collect_benign(const tu_dataset *ds, const unsigned char *labelled, benign_sigs *b)
{
	typedef struct {
		unsigned char sig[TU_SIG_BYTES];
		size_t rec;
	} entry;
	entry *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = ds->begin[b->source]; i < ds->begin[b->source + 1]; i++) {
		if (labelled[i] || ds->recs[i].type != b->type)
			continue;
		v = ls_xgrow(v, &cap, n + 1, sizeof *v);
		memcpy(v[n].sig, ds->recs[i].sig, TU_SIG_BYTES);
		v[n++].rec = i;
	}
	if (n)
		qsort(v, n, sizeof *v, sig_cmp);
	b->text = NULL;
	b->n = 0;
	size_t tcap = 0;
	ls_buf sig = LS_BUF_INIT;
	for (size_t i = 0; i < n && b->n < CLOSEST_MAX; i++) {
		if (i && memcmp(v[i].sig, v[i - 1].sig, TU_SIG_BYTES) == 0)
			continue;
		record_sig(ds, &ds->recs[v[i].rec], &sig);
		b->text = ls_xgrow(b->text, &tcap, b->n + 1, sizeof *b->text);
		b->text[b->n++] = ls_buf_steal(&sig);
	}
	ls_buf_fini(&sig);
	free(v);
}

static void mark_labelled(const tu_dataset *ds, const tu_refs *l, unsigned char *labelled)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t lo, end = find_range(ds, l->v[i].source, l->v[i].rid, &lo);
		for (size_t j = lo; j < end; j++)
			labelled[ds->priv->index[j]] = 1;
	}
}

size_t tu_indistinguishable_problems(const tu_dataset *ds, ls_buf *report)
{
	const tu_answer_key *k = &ds->key;
	const tu_dataset_priv *p = ds->priv;
	reporter rp = { report, 0 };
	unsigned char *labelled = ls_xcalloc(ds->nrecs ? ds->nrecs : 1, 1);
	for (size_t c = 0; c < k->ncampaigns; c++) {
		const tu_campaign *cp = &k->campaigns[c];
		for (size_t s = 0; s < cp->nsteps; s++)
			mark_labelled(ds, &cp->steps[s].records, labelled);
		for (size_t u = 0; u < cp->nuploads; u++)
			mark_labelled(ds, &cp->uploads[u].records, labelled);
	}

	unsigned char(*sigs)[TU_SIG_BYTES] =
	        ls_xreallocarray(NULL, ds->nrecs ? ds->nrecs : 1, TU_SIG_BYTES);
	bool *has_benign[TU_SOURCES];
	for (int s = 0; s < TU_SOURCES; s++)
		has_benign[s] = ls_xcalloc(p->ntypes[s] ? p->ntypes[s] : 1, sizeof(bool));
	size_t nsigs = 0;
	for (size_t i = 0; i < ds->nrecs; i++) {
		if (labelled[i])
			continue;
		memcpy(sigs[nsigs++], ds->recs[i].sig, TU_SIG_BYTES);
		has_benign[ds->recs[i].source][ds->recs[i].type] = true;
	}
	qsort(sigs, nsigs, TU_SIG_BYTES, sig_cmp);

	benign_sigs *cache = NULL;
	size_t ncache = 0, cache_cap = 0;
	ls_buf sig = LS_BUF_INIT;
	for (size_t i = 0; i < ds->nrecs; i++) {
		if (!labelled[i])
			continue;
		const tu_record *r = &ds->recs[i];
		const char *tname = p->types[r->source][r->type];
		if (!has_benign[r->source][r->type]) {
			problem(&rp,
			        "logs/%s:%u: campaign record %s (%s type \"%s\"): no unlabelled "
			        "record of that source and type",
			        source_files[r->source], r->line, r->rid, source_names[r->source],
			        tname);
			continue;
		}
		if (nsigs && bsearch(r->sig, sigs, nsigs, TU_SIG_BYTES, sig_cmp) != NULL)
			continue;
		if (rp.n >= TU_REPORT_MAX || report == NULL) {
			rp.n++;
			continue;
		}
		benign_sigs *b = NULL;
		for (size_t j = 0; j < ncache && b == NULL; j++)
			if (cache[j].source == r->source && cache[j].type == r->type)
				b = &cache[j];
		if (b == NULL) {
			cache = ls_xgrow(cache, &cache_cap, ncache + 1, sizeof *cache);
			b = &cache[ncache++];
			b->source = r->source;
			b->type = r->type;
			collect_benign(ds, labelled, b);
		}
		record_sig(ds, r, &sig);
		const char *best = NULL;
		size_t best_d = SIZE_MAX;
		for (size_t j = 0; j < b->n; j++) {
			size_t d = sig_distance(sig.data, b->text[j]);
			if (d < best_d) {
				best_d = d;
				best = b->text[j];
			}
		}
		problem(&rp,
		        "logs/%s:%u: campaign record %s (%s type \"%s\") has a signature no "
		        "unlabelled record has:\n  campaign: %s\n  closest:  %s",
		        source_files[r->source], r->line, r->rid, source_names[r->source], tname,
		        sig.data, best ? best : "(none)");
	}
	ls_buf_fini(&sig);
	for (size_t j = 0; j < ncache; j++) {
		for (size_t t = 0; t < cache[j].n; t++)
			free(cache[j].text[t]);
		free(cache[j].text);
	}
	free(cache);
	for (int s = 0; s < TU_SOURCES; s++)
		free(has_benign[s]);
	free(sigs);
	free(labelled);
	return report_end(&rp);
}

void tu_check_indistinguishable(const tu_dataset *ds)
{
	ls_buf r = LS_BUF_INIT;
	size_t n = tu_indistinguishable_problems(ds, &r);
	if (n) {
		print_error("%s: %zu record(s) that only their label should tell apart:\n%s",
		            ds->dir, n, r.data);
		ls_buf_fini(&r);
		fail();
	}
	ls_buf_fini(&r);
}
