/*
 * integrity.c - sealing a dataset's files into keyed hash chains with
 * signed checkpoints, reading the integrity files back, and checking a
 * dataset against them.
 *
 * Every hash is libsodium's BLAKE2b (crypto_generichash), every signature
 * its Ed25519 (crypto_sign_detached). The formulas are in integrity.h and
 * the reasons in docs/integrity.md. Sealing and checking walk a file's
 * records the same way: a record is a line with its newline, found with
 * memchr over the mapped file.
 */
#include "forensics/integrity.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/rng.h"
#include "io/jdoc.h"

#define K LS_INTEGRITY_KEYBYTES
#define HB LS_INTEGRITY_HASHBYTES
#define TAG LS_INTEGRITY_TAG_BYTES
#define SIG LS_KEYS_SIGBYTES

#define ROOT_TAG "leaksim/integrity/v1/root"
#define CHAIN_TAG "leaksim/integrity/v1/chain"
/* Longest path a chain file may name. */
#define PATH_MAX_LEN 4096
/* Deepest directory nesting looked at for unlisted files. */
#define WALK_DEPTH_MAX 32
/* Largest manifest.json read. */
#define MANIFEST_MAX (64u * 1024u * 1024u)

_Static_assert(K >= crypto_generichash_KEYBYTES_MIN && K <= crypto_generichash_KEYBYTES_MAX,
               "chain keys are BLAKE2b keys");
_Static_assert(HB == crypto_generichash_BYTES, "hashes are BLAKE2b-256");

static void need_sodium(void)
{
	if (sodium_init() < 0) {
		fputs("leaksim: libsodium initialisation failed\n", stderr);
		abort();
	}
}

static void store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* ============================================================ primitives */

void ls_integrity_root(const unsigned char master[K], const char *path, unsigned char root[K])
{
	crypto_generichash_state st;
	static const unsigned char zero = 0;
	crypto_generichash_init(&st, master, K, K);
	crypto_generichash_update(&st, (const unsigned char *)ROOT_TAG, sizeof ROOT_TAG - 1);
	crypto_generichash_update(&st, &zero, 1);
	crypto_generichash_update(&st, (const unsigned char *)path, strlen(path));
	crypto_generichash_final(&st, root, K);
	sodium_memzero(&st, sizeof st);
}

void ls_integrity_ratchet(const unsigned char k[K], uint64_t next_epoch, unsigned char out[K])
{
	unsigned char in[9];
	unsigned char next[K];
	in[0] = 0x03;
	store_le64(in + 1, next_epoch);
	crypto_generichash(next, K, in, sizeof in, k, K);
	memcpy(out, next, K);
	sodium_memzero(next, sizeof next);
}

void ls_integrity_commit(const unsigned char k[K], unsigned char out[HB])
{
	static const unsigned char in[] = { 0x02, 'c', 'o', 'm', 'm', 'i', 't' };
	crypto_generichash(out, HB, in, sizeof in, k, K);
}

void ls_integrity_record(const unsigned char k[K], const void *rec, size_t n, unsigned char h[HB])
{
	crypto_generichash_state st;
	static const unsigned char dom = 0x00;
	crypto_generichash_init(&st, k, K, HB);
	crypto_generichash_update(&st, &dom, 1);
	crypto_generichash_update(&st, rec, n);
	crypto_generichash_final(&st, h, HB);
}

void ls_integrity_link(const unsigned char prev[HB], const unsigned char h[HB],
                       unsigned char out[HB])
{
	unsigned char in[1 + 2 * HB];
	in[0] = 0x01;
	memcpy(in + 1, prev, HB);
	memcpy(in + 1 + HB, h, HB);
	crypto_generichash(out, HB, in, sizeof in, NULL, 0);
}

void ls_integrity_chain_start(const char *path, unsigned char c[HB])
{
	crypto_generichash_state st;
	static const unsigned char zero = 0;
	crypto_generichash_init(&st, NULL, 0, HB);
	crypto_generichash_update(&st, (const unsigned char *)CHAIN_TAG, sizeof CHAIN_TAG - 1);
	crypto_generichash_update(&st, &zero, 1);
	crypto_generichash_update(&st, (const unsigned char *)path, strlen(path));
	crypto_generichash_final(&st, c, HB);
}

void ls_integrity_tags_hash(const unsigned char *tags, size_t n, unsigned char out[HB])
{
	crypto_generichash(out, HB, tags, n * TAG, NULL, 0);
}

void ls_integrity_derive(uint64_t seed, ls_seckey *signer, unsigned char master[K])
{
	unsigned char sign_seed[LS_KEYS_SIGN_SEEDBYTES], box_seed[LS_KEYS_BOX_SEEDBYTES];
	ls_rng r;
	ls_rng_init(&r, seed, 0, "integrity/sign");
	ls_rng_bytes(&r, sign_seed, sizeof sign_seed);
	ls_rng_init(&r, seed, 0, "integrity/box");
	ls_rng_bytes(&r, box_seed, sizeof box_seed);
	ls_rng_init(&r, seed, 0, "integrity/chain");
	ls_rng_bytes(&r, master, K);
	ls_rng_fini(&r);
	ls_keys_from_seeds(signer, sign_seed, box_seed);
	sodium_memzero(sign_seed, sizeof sign_seed);
	sodium_memzero(box_seed, sizeof box_seed);
}

const char *ls_integrity_kind_name(ls_integrity_kind kind)
{
	switch (kind) {
	case LS_INTEGRITY_MODIFIED: return "modified";
	case LS_INTEGRITY_INSERTED: return "inserted";
	case LS_INTEGRITY_DELETED: return "deleted";
	case LS_INTEGRITY_REORDERED: return "reordered";
	case LS_INTEGRITY_TRUNCATED: return "truncated";
	case LS_INTEGRITY_SIGNATURE: return "signature invalid";
	case LS_INTEGRITY_RESEALED: return "re-sealed with a later key";
	case LS_INTEGRITY__COUNT: break;
	}
	return "unknown";
}

/* ================================================================ parsing */

typedef enum ftype { F_PATH, F_U64, F_H32, F_SIG } ftype;

typedef struct fspec {
	const char *name;
	ftype type;
} fspec;

/* The fields of each line kind, in their order; the signature is last. */
static const fspec chain_fields[] = { { "file", F_PATH },     { "epoch-records", F_U64 },
	                              { "root-key", F_H32 },  { "signer", F_H32 },
	                              { "sig", F_SIG },       { NULL, F_U64 } };
static const fspec checkpoint_fields[] = { { "file", F_PATH },      { "epoch", F_U64 },
	                                   { "records", F_U64 },    { "chain", F_H32 },
	                                   { "tags", F_H32 },       { "key-commit", F_H32 },
	                                   { "sig", F_SIG },        { NULL, F_U64 } };
static const fspec seal_fields[] = { { "file", F_PATH },  { "epochs", F_U64 }, { "records", F_U64 },
	                             { "bytes", F_U64 },  { "chain", F_H32 },  { "sig", F_SIG },
	                             { NULL, F_U64 } };
static const fspec manifest_fields[] = { { "file", F_PATH },    { "bytes", F_U64 },
	                                 { "blake2b", F_H32 },  { "signer", F_H32 },
	                                 { "sig", F_SIG },      { NULL, F_U64 } };

#define FIELDS_MAX 8

/* One parsed field: its text, its column, and its value. */
typedef struct fval {
	ls_sv text;
	unsigned long col;
	uint64_t u;
	unsigned char bin[SIG];
} fval;

typedef struct pline {
	ls_sv line;
	unsigned long lineno;
	size_t off; /* of the line in the text */
	fval v[FIELDS_MAX];
	size_t sig_at; /* length of the signed part: up to " sig=" */
} pline;

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '/';
}

/* A relative path without empty, "." or ".." parts. */
static bool valid_path(ls_sv p)
{
	if (p.len == 0 || p.len > PATH_MAX_LEN || p.ptr[0] == '/')
		return false;
	ls_sv rest = p;
	bool more = true;
	while (more) {
		ls_sv part;
		rest = ls_sv_cut(rest, '/', &part, &more);
		if (part.len == 0 || ls_sv_eq_cstr(part, ".") || ls_sv_eq_cstr(part, ".."))
			return false;
	}
	return true;
}

static ls_err field_value(const char *file, pline *pl, const fspec *f, fval *v, ls_diag *d)
{
	ls_sv s = v->text;
	unsigned long col = v->col;
	switch (f->type) {
	case F_PATH:
		for (size_t i = 0; i < s.len; i++)
			if (!is_path_char(s.ptr[i]))
				return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col + i,
				                   "a path holds only letters, digits and . _ - /");
		if (!valid_path(s))
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col,
			                   "expected a relative path without '.' or '..' parts");
		return LS_OK;
	case F_U64:
		if (s.len == 0)
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col,
			                   "expected a number");
		for (size_t i = 0; i < s.len; i++)
			if (s.ptr[i] < '0' || s.ptr[i] > '9')
				return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col + i,
				                   "expected a decimal digit");
		if (s.len > 1 && s.ptr[0] == '0')
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col,
			                   "a number has no leading zeros");
		if (ls_sv_to_u64(s, &v->u) != LS_OK)
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col,
			                   "number out of range");
		return LS_OK;
	case F_H32:
	case F_SIG: {
		size_t want = f->type == F_H32 ? 2 * HB : 2 * SIG;
		for (size_t i = 0; i < s.len && i < want; i++)
			if (!is_lower_hex(s.ptr[i]))
				return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col + i,
				                   "expected a lower-case hex digit");
		if (s.len != want)
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno,
			                   col + (s.len < want ? s.len : want),
			                   "expected %zu hex digits, got %zu", want, s.len);
		size_t got = 0;
		if (sodium_hex2bin(v->bin, sizeof v->bin, s.ptr, s.len, NULL, &got, NULL) != 0 ||
		    got != want / 2)
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, col, "bad hex");
		return LS_OK;
	}
	}
	return LS_ERR_PARSE;
}

/* Parse "KIND name=value ..." against spec into pl->v. */
static ls_err parse_fields(const char *file, pline *pl, const char *kind, const fspec *spec,
                           ls_diag *d)
{
	ls_sv rest = pl->line;
	size_t klen = strlen(kind);
	if (rest.len <= klen || memcmp(rest.ptr, kind, klen) != 0 || rest.ptr[klen] != ' ')
		return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, 1, "expected '%s '", kind);
	size_t pos = klen + 1;
	for (size_t i = 0; spec[i].name; i++) {
		const fspec *f = &spec[i];
		size_t nlen = strlen(f->name);
		if (pl->line.len - pos < nlen + 1 || memcmp(pl->line.ptr + pos, f->name, nlen) != 0 ||
		    pl->line.ptr[pos + nlen] != '=')
			return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, pos + 1,
			                   "expected '%s='", f->name);
		if (f->type == F_SIG)
			pl->sig_at = pos - 1;
		size_t start = pos + nlen + 1;
		size_t end = start;
		while (end < pl->line.len && pl->line.ptr[end] != ' ')
			end++;
		fval *v = &pl->v[i];
		v->text = ls_sv_make(pl->line.ptr + start, end - start);
		v->col = start + 1;
		ls_err e = field_value(file, pl, f, v, d);
		if (e != LS_OK)
			return e;
		pos = end;
		if (spec[i + 1].name) {
			if (pos >= pl->line.len)
				return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, pos + 1,
				                   "expected ' %s='", spec[i + 1].name);
			pos++; /* the single space */
		}
	}
	if (pos != pl->line.len)
		return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, pos + 1,
		                   "unexpected text after the signature");
	return LS_OK;
}

static void set_signed(ls_integrity_signed *s, const pline *pl, const fval *sig)
{
	s->off = pl->off;
	s->len = pl->sig_at;
	s->line = pl->lineno;
	memcpy(s->sig, sig->bin, SIG);
}

static ls_err same_file(const char *file, const ls_integrity_doc *doc, const pline *pl,
                        ls_diag *d)
{
	if (!ls_sv_eq_cstr(pl->v[0].text, doc->file))
		return ls_diag_set(d, LS_ERR_PARSE, file, pl->lineno, pl->v[0].col,
		                   "file= differs from the header's '%s'", doc->file);
	return LS_OK;
}

void ls_integrity_doc_fini(ls_integrity_doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->text);
	free(doc->file);
	free(doc->cps);
	memset(doc, 0, sizeof *doc);
}

ls_err ls_integrity_parse(const char *text, size_t len, const char *file, ls_integrity_doc *doc,
                          ls_diag *d)
{
	memset(doc, 0, sizeof *doc);
	if (len > LS_INTEGRITY_TEXT_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0,
		                   "%zu bytes; an integrity file is at most %u", len,
		                   (unsigned)LS_INTEGRITY_TEXT_MAX);
	doc->text = ls_xmalloc(len + 1);
	if (len)
		memcpy(doc->text, text, len);
	doc->text[len] = '\0';
	doc->len = len;
	const char *t = doc->text;
	size_t cap = 0;
	bool sealed = false;
	unsigned long lineno = 0;
	size_t pos = 0;
	ls_err e = LS_OK;
	while (pos < len) {
		lineno++;
		const char *nl = memchr(t + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (t + pos)) : len - pos;
		if (nl == NULL) {
			e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, n + 1,
			                "the last line does not end in a newline");
			goto fail;
		}
		pline pl;
		memset(&pl, 0, sizeof pl);
		pl.line = ls_sv_make(t + pos, n);
		pl.lineno = lineno;
		pl.off = pos;
		pos += n + 1;
		if (lineno == 1) {
			if (!ls_sv_eq_cstr(pl.line, LS_INTEGRITY_HEADER)) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, 1, 1,
				                ls_sv_starts_with(pl.line, LS_SV_LIT("leaksim-integrity "))
				                        ? "unsupported version (expected '%s')"
				                        : "expected the header '%s' (is this a leaksim "
				                          "integrity file?)",
				                LS_INTEGRITY_HEADER);
				goto fail;
			}
			continue;
		}
		if (sealed) {
			e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
			                "nothing may follow the %s line",
			                doc->kind == LS_INTEGRITY_DOC_CHAIN ? "seal" : "manifest");
			goto fail;
		}
		if (lineno == 2) {
			if (ls_sv_starts_with(pl.line, LS_SV_LIT("manifest "))) {
				doc->kind = LS_INTEGRITY_DOC_MANIFEST;
				e = parse_fields(file, &pl, "manifest", manifest_fields, d);
				if (e != LS_OK)
					goto fail;
				if (!ls_sv_eq_cstr(pl.v[0].text, "manifest.json")) {
					e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, pl.v[0].col,
					                "expected file=manifest.json");
					goto fail;
				}
				doc->file = ls_xstrndup(pl.v[0].text.ptr, pl.v[0].text.len);
				doc->bytes = pl.v[1].u;
				memcpy(doc->blake2b, pl.v[2].bin, HB);
				memcpy(doc->signer, pl.v[3].bin, sizeof doc->signer);
				set_signed(&doc->msig, &pl, &pl.v[4]);
				sealed = true;
				continue;
			}
			doc->kind = LS_INTEGRITY_DOC_CHAIN;
			e = parse_fields(file, &pl, "chain", chain_fields, d);
			if (e != LS_OK) {
				if (!ls_sv_starts_with(pl.line, LS_SV_LIT("chain ")))
					e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
					                "expected a 'chain' or 'manifest' line");
				goto fail;
			}
			doc->file = ls_xstrndup(pl.v[0].text.ptr, pl.v[0].text.len);
			if (pl.v[1].u == 0 || pl.v[1].u > LS_INTEGRITY_EPOCH_MAX) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, pl.v[1].col,
				                "epoch-records must be 1 to %u",
				                (unsigned)LS_INTEGRITY_EPOCH_MAX);
				goto fail;
			}
			doc->epoch_records = pl.v[1].u;
			memcpy(doc->root, pl.v[2].bin, K);
			memcpy(doc->signer, pl.v[3].bin, sizeof doc->signer);
			set_signed(&doc->header, &pl, &pl.v[4]);
			continue;
		}
		uint64_t E = doc->epoch_records;
		if (ls_sv_starts_with(pl.line, LS_SV_LIT("checkpoint "))) {
			e = parse_fields(file, &pl, "checkpoint", checkpoint_fields, d);
			if (e == LS_OK)
				e = same_file(file, doc, &pl, d);
			if (e != LS_OK)
				goto fail;
			uint64_t ep = pl.v[1].u, rec = pl.v[2].u;
			if (ep != doc->ncps) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, pl.v[1].col,
				                "expected epoch %zu (epochs are numbered in order)",
				                doc->ncps);
				goto fail;
			}
			if (doc->ncps > 0 && doc->cps[doc->ncps - 1].records != ep * E) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
				                "epoch %llu follows an epoch that is not full",
				                (unsigned long long)ep);
				goto fail;
			}
			if (rec > (ep + 1) * E || (ep > 0 && rec <= ep * E)) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, pl.v[2].col,
				                "epoch %llu must end after record %llu and by "
				                "record %llu",
				                (unsigned long long)ep, (unsigned long long)(ep * E),
				                (unsigned long long)((ep + 1) * E));
				goto fail;
			}
			doc->cps = ls_xgrow(doc->cps, &cap, doc->ncps + 1, sizeof *doc->cps);
			ls_integrity_checkpoint *cp = &doc->cps[doc->ncps++];
			cp->epoch = ep;
			cp->records = rec;
			memcpy(cp->chain, pl.v[3].bin, HB);
			memcpy(cp->tags, pl.v[4].bin, HB);
			memcpy(cp->key_commit, pl.v[5].bin, HB);
			set_signed(&cp->s, &pl, &pl.v[6]);
			continue;
		}
		if (ls_sv_starts_with(pl.line, LS_SV_LIT("seal "))) {
			e = parse_fields(file, &pl, "seal", seal_fields, d);
			if (e == LS_OK)
				e = same_file(file, doc, &pl, d);
			if (e != LS_OK)
				goto fail;
			if (doc->ncps == 0 || pl.v[1].u != doc->ncps) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, pl.v[1].col,
				                "epochs=%llu, but there %s %zu checkpoint%s",
				                (unsigned long long)pl.v[1].u, doc->ncps == 1 ? "is" : "are",
				                doc->ncps, doc->ncps == 1 ? "" : "s");
				goto fail;
			}
			if (pl.v[2].u != doc->cps[doc->ncps - 1].records) {
				e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, pl.v[2].col,
				                "records=%llu but the last checkpoint ends at %llu",
				                (unsigned long long)pl.v[2].u,
				                (unsigned long long)doc->cps[doc->ncps - 1].records);
				goto fail;
			}
			doc->seal_records = pl.v[2].u;
			doc->seal_bytes = pl.v[3].u;
			memcpy(doc->seal_chain, pl.v[4].bin, HB);
			set_signed(&doc->seal, &pl, &pl.v[5]);
			sealed = true;
			continue;
		}
		e = ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
		                "expected a 'checkpoint' or 'seal' line");
		goto fail;
	}
	if (lineno == 0) {
		e = ls_diag_set(d, LS_ERR_PARSE, file, 1, 1, "empty file; expected '%s'",
		                LS_INTEGRITY_HEADER);
		goto fail;
	}
	if (lineno == 1) {
		e = ls_diag_set(d, LS_ERR_PARSE, file, 2, 1,
		                "expected a 'chain' or 'manifest' line after the header");
		goto fail;
	}
	if (!sealed) {
		e = ls_diag_set(d, LS_ERR_PARSE, file, lineno + 1, 1,
		                "the chain file ends without its seal line");
		goto fail;
	}
	return LS_OK;
fail:
	ls_integrity_doc_fini(doc);
	return e;
}

/* ============================================================== rendering */

static void put_hex(ls_buf *b, const char *name, const unsigned char *p, size_t n)
{
	ls_buf_append_char(b, ' ');
	ls_buf_append_cstr(b, name);
	ls_buf_append_char(b, '=');
	ls_buf_append_hex(b, p, n);
}

static void put_u64(ls_buf *b, const char *name, uint64_t v)
{
	ls_buf_append_char(b, ' ');
	ls_buf_append_cstr(b, name);
	ls_buf_append_char(b, '=');
	ls_buf_append_u64(b, v);
}

/* The message a signature covers: the header line, LF, the line's signed part. */
static void signed_message(ls_buf *msg, const char *part, size_t len)
{
	ls_buf_reset(msg);
	ls_buf_append_cstr(msg, LS_INTEGRITY_HEADER "\n");
	ls_buf_append(msg, part, len);
}

/*
 * End the line that starts at out[start]: with signer, sign it and keep the
 * signature in s; append " sig=HEX\n".
 */
static void end_signed(ls_buf *out, size_t start, const ls_seckey *signer,
                       ls_integrity_signed *s, ls_buf *msg)
{
	if (signer) {
		signed_message(msg, out->data + start, out->len - start);
		ls_keys_sign(signer, msg->data, msg->len, s->sig);
	}
	put_hex(out, "sig", s->sig, SIG);
	ls_buf_append_char(out, '\n');
}

/* The signed chain header line of doc, with its newline. */
static void render_chain_line(ls_integrity_doc *doc, const ls_seckey *signer, ls_buf *out,
                              ls_buf *msg)
{
	size_t start = out->len;
	ls_buf_append_cstr(out, "chain file=");
	ls_buf_append_cstr(out, doc->file);
	put_u64(out, "epoch-records", doc->epoch_records);
	put_hex(out, "root-key", doc->root, K);
	put_hex(out, "signer", doc->signer, sizeof doc->signer);
	end_signed(out, start, signer, &doc->header, msg);
}

/*
 * Render doc, signing every line when signer is given. A chain's header
 * line is header when given (a sealer signs it when it starts, and then
 * forgets the root key), else rendered from doc.
 */
static void render(ls_integrity_doc *doc, const ls_seckey *signer, const ls_buf *header,
                   ls_buf *out)
{
	ls_buf msg = LS_BUF_INIT;
	ls_buf_append_cstr(out, LS_INTEGRITY_HEADER "\n");
	size_t start = out->len;
	if (doc->kind == LS_INTEGRITY_DOC_MANIFEST) {
		ls_buf_append_cstr(out, "manifest file=");
		ls_buf_append_cstr(out, doc->file);
		put_u64(out, "bytes", doc->bytes);
		put_hex(out, "blake2b", doc->blake2b, HB);
		put_hex(out, "signer", doc->signer, sizeof doc->signer);
		end_signed(out, start, signer, &doc->msig, &msg);
		ls_buf_fini(&msg);
		return;
	}
	if (header)
		ls_buf_append(out, header->data, header->len);
	else
		render_chain_line(doc, signer, out, &msg);
	for (size_t i = 0; i < doc->ncps; i++) {
		ls_integrity_checkpoint *cp = &doc->cps[i];
		start = out->len;
		ls_buf_append_cstr(out, "checkpoint file=");
		ls_buf_append_cstr(out, doc->file);
		put_u64(out, "epoch", cp->epoch);
		put_u64(out, "records", cp->records);
		put_hex(out, "chain", cp->chain, HB);
		put_hex(out, "tags", cp->tags, HB);
		put_hex(out, "key-commit", cp->key_commit, HB);
		end_signed(out, start, signer, &cp->s, &msg);
	}
	start = out->len;
	ls_buf_append_cstr(out, "seal file=");
	ls_buf_append_cstr(out, doc->file);
	put_u64(out, "epochs", doc->ncps);
	put_u64(out, "records", doc->seal_records);
	put_u64(out, "bytes", doc->seal_bytes);
	put_hex(out, "chain", doc->seal_chain, HB);
	end_signed(out, start, signer, &doc->seal, &msg);
	ls_buf_fini(&msg);
}

void ls_integrity_render(const ls_integrity_doc *doc, ls_buf *out)
{
	/* Without a signer nothing is written to doc. */
	render((ls_integrity_doc *)doc, NULL, NULL, out);
}

bool ls_integrity_signed_ok(const ls_integrity_doc *doc, const ls_integrity_signed *s,
                            const unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES])
{
	if (s->off > doc->len || s->len > doc->len - s->off)
		return false;
	need_sodium();
	ls_buf msg = LS_BUF_INIT;
	signed_message(&msg, doc->text + s->off, s->len);
	bool ok = crypto_sign_verify_detached(s->sig, (const unsigned char *)msg.data, msg.len,
	                                      signer) == 0;
	ls_buf_fini(&msg);
	return ok;
}

/* ================================================================ sealing */

/* The record starting at data[off]: its length with the newline (or to the end). */
static size_t record_len(const unsigned char *data, size_t len, size_t off)
{
	const unsigned char *nl = memchr(data + off, '\n', len - off);
	return nl ? (size_t)(nl - (data + off)) + 1 : len - off;
}

/*
 * A sealer takes a file's bytes in pieces of any size, as they are
 * written: a record may span pieces, so the keyed hash of the record in
 * progress is kept open between calls.
 */
struct ls_integrity_sealer {
	ls_integrity_doc doc; /* file, epoch size, root, signer; checkpoints accumulate */
	size_t cap;
	const ls_seckey *signer;
	ls_buf header;      /* the signed chain header line, which holds the root key */
	unsigned char k[K]; /* the current epoch's key */
	unsigned char c[HB];
	crypto_generichash_state rec; /* the record in progress */
	bool in_record;
	uint64_t n, epoch, bytes;
	ls_buf tags;
};

ls_integrity_sealer *ls_integrity_sealer_create(const char *path, const unsigned char root[K],
                                                const ls_seckey *signer, uint64_t epoch_records)
{
	need_sodium();
	ls_integrity_sealer *s = ls_xcalloc(1, sizeof *s);
	s->doc.kind = LS_INTEGRITY_DOC_CHAIN;
	s->doc.file = ls_xstrdup(path);
	s->doc.epoch_records = epoch_records;
	memcpy(s->doc.root, root, K);
	memcpy(s->doc.signer, signer->pub.sign, sizeof s->doc.signer);
	s->signer = signer;
	memcpy(s->k, root, K);
	ls_integrity_chain_start(path, s->c);
	/* The header publishes the root key now; from here on only the epoch key is kept. */
	ls_buf msg = LS_BUF_INIT;
	render_chain_line(&s->doc, signer, &s->header, &msg);
	ls_buf_fini(&msg);
	sodium_memzero(s->doc.root, sizeof s->doc.root);
	return s;
}

/* A checkpoint for the epoch in progress, which ends at record n. */
static void checkpoint(ls_integrity_sealer *s)
{
	s->doc.cps = ls_xgrow(s->doc.cps, &s->cap, s->doc.ncps + 1, sizeof *s->doc.cps);
	ls_integrity_checkpoint *cp = &s->doc.cps[s->doc.ncps++];
	memset(cp, 0, sizeof *cp);
	cp->epoch = s->epoch;
	cp->records = s->n;
	memcpy(cp->chain, s->c, HB);
	uint64_t first = s->epoch * s->doc.epoch_records;
	static const unsigned char none[TAG];
	const unsigned char *all = s->tags.data ? (const unsigned char *)s->tags.data : none;
	ls_integrity_tags_hash(all + first * TAG, (size_t)(s->n - first), cp->tags);
	ls_integrity_commit(s->k, cp->key_commit);
}

static void end_record(ls_integrity_sealer *s)
{
	unsigned char h[HB];
	crypto_generichash_final(&s->rec, h, HB);
	s->in_record = false;
	ls_integrity_link(s->c, h, s->c);
	ls_buf_append(&s->tags, h, TAG);
	sodium_memzero(h, sizeof h);
	s->n++;
	if (s->n == (s->epoch + 1) * s->doc.epoch_records) {
		checkpoint(s);
		/* Forward: the next key replaces this one, which is gone. */
		ls_integrity_ratchet(s->k, s->epoch + 1, s->k);
		s->epoch++;
	}
}

void ls_integrity_sealer_update(ls_integrity_sealer *s, const void *data, size_t len)
{
	static const unsigned char dom = 0x00;
	const unsigned char *p = data;
	while (len > 0) {
		if (!s->in_record) {
			crypto_generichash_init(&s->rec, s->k, K, HB);
			crypto_generichash_update(&s->rec, &dom, 1);
			s->in_record = true;
		}
		const unsigned char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) + 1 : len;
		crypto_generichash_update(&s->rec, p, n);
		s->bytes += n;
		p += n;
		len -= n;
		if (nl)
			end_record(s);
	}
}

uint64_t ls_integrity_sealer_bytes(const ls_integrity_sealer *s)
{
	return s->bytes;
}

void ls_integrity_sealer_finish(ls_integrity_sealer *s, ls_buf *chain_text, ls_buf *tags)
{
	if (s->in_record) /* a last line without a newline */
		end_record(s);
	/* The last epoch's checkpoint, unless it ended full with the last record. */
	if (s->n == 0 || s->n > s->epoch * s->doc.epoch_records)
		checkpoint(s);
	s->doc.seal_records = s->n;
	s->doc.seal_bytes = s->bytes;
	memcpy(s->doc.seal_chain, s->c, HB);
	render(&s->doc, s->signer, &s->header, chain_text);
	ls_buf_append(tags, s->tags.data ? s->tags.data : "", s->tags.len);
	sodium_memzero(s->k, sizeof s->k);
}

void ls_integrity_sealer_destroy(ls_integrity_sealer *s)
{
	if (s == NULL)
		return;
	ls_integrity_doc_fini(&s->doc);
	ls_buf_fini(&s->header);
	ls_buf_fini(&s->tags);
	sodium_memzero(s, sizeof *s);
	free(s);
}

void ls_integrity_seal_file(const char *path, const void *data, size_t len,
                            const unsigned char root[K], const ls_seckey *signer,
                            uint64_t epoch_records, ls_buf *chain_text, ls_buf *tags)
{
	ls_integrity_sealer *s = ls_integrity_sealer_create(path, root, signer, epoch_records);
	ls_integrity_sealer_update(s, data, len);
	ls_integrity_sealer_finish(s, chain_text, tags);
	ls_integrity_sealer_destroy(s);
}

/* ------------------------------------------------------- sealing as written */

/* Bytes waiting for the worker before a writer waits for it. */
#define STREAM_QUEUE_MAX (64u * 1024u * 1024u)

typedef struct queued_piece {
	struct queued_piece *next;
	ls_integrity_sealer *sealer;
	size_t len;
	unsigned char data[];
} queued_piece;

struct ls_integrity_stream {
	const ls_seckey *signer;
	unsigned char master[K];
	/* The writer's side: a sealer per path, created at its first write. */
	char **paths;
	ls_integrity_sealer **sealers;
	size_t nfiles, cap;
	/* The queue to the worker. */
	bool threaded, stopped;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	queued_piece *head, *tail;
	size_t queued;
	bool closing;
};

static void *stream_worker(void *arg)
{
	ls_integrity_stream *st = arg;
	for (;;) {
		pthread_mutex_lock(&st->mu);
		while (st->head == NULL && !st->closing)
			pthread_cond_wait(&st->more, &st->mu);
		queued_piece *c = st->head;
		if (c) {
			st->head = c->next;
			if (st->head == NULL)
				st->tail = NULL;
			st->queued -= c->len;
			pthread_cond_signal(&st->room);
		}
		pthread_mutex_unlock(&st->mu);
		if (c == NULL)
			return NULL;
		ls_integrity_sealer_update(c->sealer, c->data, c->len);
		free(c);
	}
}

ls_integrity_stream *ls_integrity_stream_create(const ls_seckey *signer,
                                                const unsigned char master[K])
{
	need_sodium();
	ls_integrity_stream *st = ls_xcalloc(1, sizeof *st);
	st->signer = signer;
	memcpy(st->master, master, K);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->more, NULL);
	pthread_cond_init(&st->room, NULL);
	/* Without a thread the writer seals each piece itself. */
	st->threaded = pthread_create(&st->thread, NULL, stream_worker, st) == 0;
	return st;
}

void ls_integrity_stream_write(ls_integrity_stream *st, const char *path, const void *data,
                               size_t len)
{
	if (st->stopped)
		return;
	ls_integrity_sealer *s = NULL;
	for (size_t i = 0; i < st->nfiles && s == NULL; i++)
		if (strcmp(st->paths[i], path) == 0)
			s = st->sealers[i];
	if (s == NULL) {
		unsigned char root[K];
		ls_integrity_root(st->master, path, root);
		s = ls_integrity_sealer_create(path, root, st->signer, LS_INTEGRITY_EPOCH_RECORDS);
		sodium_memzero(root, sizeof root);
		if (st->nfiles == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 16;
			st->paths = ls_xreallocarray(st->paths, st->cap, sizeof *st->paths);
			st->sealers = ls_xreallocarray(st->sealers, st->cap, sizeof *st->sealers);
		}
		st->paths[st->nfiles] = ls_xstrdup(path);
		st->sealers[st->nfiles++] = s;
	}
	if (len == 0)
		return;
	if (!st->threaded) {
		ls_integrity_sealer_update(s, data, len);
		return;
	}
	queued_piece *c = ls_xmalloc(sizeof *c + len);
	c->next = NULL;
	c->sealer = s;
	c->len = len;
	memcpy(c->data, data, len);
	pthread_mutex_lock(&st->mu);
	while (st->queued > 0 && st->queued + len > STREAM_QUEUE_MAX)
		pthread_cond_wait(&st->room, &st->mu);
	if (st->tail)
		st->tail->next = c;
	else
		st->head = c;
	st->tail = c;
	st->queued += len;
	pthread_cond_signal(&st->more);
	pthread_mutex_unlock(&st->mu);
}

/* Let the worker finish what is queued, and end it. */
static void stream_stop(ls_integrity_stream *st)
{
	if (st->stopped)
		return;
	st->stopped = true;
	if (!st->threaded)
		return;
	pthread_mutex_lock(&st->mu);
	st->closing = true;
	pthread_cond_signal(&st->more);
	pthread_mutex_unlock(&st->mu);
	pthread_join(st->thread, NULL);
}

/* The sealer that saw path, once the worker is done; NULL if none did. */
static ls_integrity_sealer *stream_sealer(ls_integrity_stream *st, const char *path)
{
	stream_stop(st);
	for (size_t i = 0; i < st->nfiles; i++)
		if (strcmp(st->paths[i], path) == 0)
			return st->sealers[i];
	return NULL;
}

void ls_integrity_stream_destroy(ls_integrity_stream *st)
{
	if (st == NULL)
		return;
	stream_stop(st);
	for (size_t i = 0; i < st->nfiles; i++) {
		free(st->paths[i]);
		ls_integrity_sealer_destroy(st->sealers[i]);
	}
	free(st->paths);
	free(st->sealers);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->more);
	pthread_cond_destroy(&st->room);
	sodium_memzero(st->master, sizeof st->master);
	free(st);
}

/* A read-only view of a whole file: mapped, or empty. */
typedef struct mapped {
	const unsigned char *data;
	size_t len;
	bool mapped;
} mapped;

static ls_err map_file(const char *path, const char *name, mapped *m, ls_diag *d)
{
	memset(m, 0, sizeof *m);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, name, 0, 0,
		                   "cannot open: %s", strerror(errno));
	ls_err e = LS_OK;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		e = ls_diag_set(d, LS_ERR_IO, name, 0, 0, "cannot stat: %s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		e = ls_diag_set(d, LS_ERR_IO, name, 0, 0, "not a regular file");
	} else if (st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			e = ls_diag_set(d, LS_ERR_IO, name, 0, 0, "cannot map: %s", strerror(errno));
		} else {
			m->data = p;
			m->len = (size_t)st.st_size;
			m->mapped = true;
			madvise(p, m->len, MADV_SEQUENTIAL);
		}
	}
	close(fd);
	return e;
}

static void unmap_file(mapped *m)
{
	if (m->mapped)
		munmap((void *)m->data, m->len);
	memset(m, 0, sizeof *m);
}

/* mkdir -p for the directories of rel under root. */
static ls_err make_parents(const char *root, const char *rel, ls_diag *d)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_append_cstr(&p, root);
	ls_err e = LS_OK;
	for (const char *s = rel; *s; s++) {
		if (*s != '/')
			continue;
		ls_buf_truncate(&p, strlen(root));
		ls_buf_append_char(&p, '/');
		ls_buf_append(&p, rel, (size_t)(s - rel));
		if (mkdir(p.data, 0777) != 0 && errno != EEXIST) {
			e = ls_diag_set(d, LS_ERR_IO, rel, 0, 0, "cannot create the directory %s: %s",
			                p.data, strerror(errno));
			break;
		}
	}
	ls_buf_fini(&p);
	return e;
}

/* Write bytes to root/rel atomically and list the file in m. */
static ls_err write_listed(const char *root, const char *rel, const void *data, size_t len,
                           ls_manifest *m, ls_diag *d)
{
	ls_err e = make_parents(root, rel, d);
	if (e != LS_OK)
		return e;
	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/%s", root, rel);
	e = ls_write_file_atomic(path.data, len ? data : "", len, false, d);
	if (e != LS_OK && d)
		d->file = rel; /* path dies here; the caller names rel under the dataset */
	if (e == LS_OK) {
		unsigned char hash[LS_MANIFEST_HASH_BYTES];
		crypto_generichash(hash, sizeof hash, len ? data : (const void *)"", len, NULL, 0);
		e = ls_manifest_add(m, rel, 0, len, hash, d);
	}
	ls_buf_fini(&path);
	return e;
}

static bool is_chained(const char *path)
{
	return strncmp(path, "logs/", 5) == 0 || strncmp(path, "truth/", 6) == 0;
}

/* The file a diagnostic of ls_integrity_seal_dataset names. */
static char seal_diag_file[PATH_MAX_LEN + 1024];

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sealing a dataset spreads its files over a few threads (each file is one
 * job, the largest first); every job's output depends on its file alone and
 * the results are written in path order, so the dataset does not depend on
 * the scheduling.
 */
#define SEAL_THREADS_MAX 4

typedef struct seal_job {
	char *path; /* relative to the dataset */
	uint64_t size;
	ls_buf chain, tags;
	ls_err err;
	ls_diag diag;
} seal_job;

typedef struct seal_pool {
	const char *dir;
	const ls_seckey *signer;
	const unsigned char *master;
	seal_job **order; /* largest first */
	size_t njobs;
	size_t next;
	pthread_mutex_t mu;
} seal_pool;

static void run_job(seal_pool *p, seal_job *j)
{
	ls_buf path = LS_BUF_INIT;
	ls_buf_printf(&path, "%s/%s", p->dir, j->path);
	mapped f;
	ls_diag_clear(&j->diag);
	j->err = map_file(path.data, j->path, &f, &j->diag);
	if (j->err == LS_OK) {
		unsigned char root[K];
		ls_integrity_root(p->master, j->path, root);
		ls_integrity_seal_file(j->path, f.data, f.len, root, p->signer,
		                       LS_INTEGRITY_EPOCH_RECORDS, &j->chain, &j->tags);
		sodium_memzero(root, sizeof root);
		unmap_file(&f);
	}
	ls_buf_fini(&path);
}

static void *seal_worker(void *arg)
{
	seal_pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->njobs)
			return NULL;
		run_job(p, p->order[i]);
	}
}

static int cmp_job_size(const void *a, const void *b)
{
	const seal_job *x = *(seal_job *const *)a, *y = *(seal_job *const *)b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int cmp_job_path(const void *a, const void *b)
{
	return strcmp(((const seal_job *)a)->path, ((const seal_job *)b)->path);
}

/* Seal every job, on up to SEAL_THREADS_MAX threads (this one included). */
static void run_jobs(seal_pool *p)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cpus < 1 ? 1 : (size_t)cpus;
	if (want > SEAL_THREADS_MAX)
		want = SEAL_THREADS_MAX;
	if (want > p->njobs)
		want = p->njobs ? p->njobs : 1;
	pthread_t th[SEAL_THREADS_MAX];
	size_t started = 0;
	pthread_mutex_init(&p->mu, NULL);
	for (size_t t = 1; t < want; t++) {
		if (pthread_create(&th[started], NULL, seal_worker, p) != 0)
			break; /* fewer threads: the others take the work */
		started++;
	}
	seal_worker(p);
	for (size_t t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&p->mu);
}

ls_err ls_integrity_seal_dataset(const char *dir, ls_manifest *m, const ls_seckey *signer,
                                 const unsigned char master[K], ls_integrity_stream *streamed,
                                 ls_diag *d)
{
	need_sodium();
	ls_err e = LS_OK;
	ls_buf path = LS_BUF_INIT, rel = LS_BUF_INIT, text = LS_BUF_INIT, sigtext = LS_BUF_INIT;
	size_t n = 0;
	seal_job *jobs = ls_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *jobs);
	seal_job **order = ls_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *order);
	for (size_t i = 0; i < m->nfiles; i++)
		if (is_chained(m->files[i].path)) {
			jobs[n].path = ls_xstrdup(m->files[i].path);
			jobs[n].size = m->files[i].bytes;
			n++;
		}
	qsort(jobs, n, sizeof *jobs, cmp_job_path);
	/* Files sealed as they were written need no second pass: only the others are read. */
	size_t todo = 0;
	for (size_t i = 0; i < n; i++) {
		ls_integrity_sealer *sl = streamed ? stream_sealer(streamed, jobs[i].path) : NULL;
		if (sl && sl->signer == signer && ls_integrity_sealer_bytes(sl) == jobs[i].size)
			ls_integrity_sealer_finish(sl, &jobs[i].chain, &jobs[i].tags);
		else
			order[todo++] = &jobs[i];
	}
	qsort(order, todo, sizeof *order, cmp_job_size);
	seal_pool pool;
	memset(&pool, 0, sizeof pool);
	pool.dir = dir;
	pool.signer = signer;
	pool.master = master;
	pool.order = order;
	pool.njobs = todo;
	run_jobs(&pool);

	for (size_t i = 0; i < n && e == LS_OK; i++) {
		seal_job *j = &jobs[i];
		if (j->err != LS_OK) {
			if (d)
				*d = j->diag;
			e = j->err;
			break;
		}
		ls_buf_reset(&rel);
		ls_buf_printf(&rel, LS_INTEGRITY_DIR "/%s.chain", j->path);
		e = write_listed(dir, rel.data, j->chain.data, j->chain.len, m, d);
		if (e != LS_OK)
			break;
		ls_buf_reset(&rel);
		ls_buf_printf(&rel, LS_INTEGRITY_DIR "/%s.tags", j->path);
		e = write_listed(dir, rel.data, j->tags.data, j->tags.len, m, d);
	}
	if (e != LS_OK)
		goto out;

	ls_keys_render_public(&signer->pub, &text);
	e = write_listed(dir, LS_INTEGRITY_DIR "/dataset.pub", text.data, text.len, m, d);
	if (e != LS_OK)
		goto out;

	ls_buf_reset(&text);
	{
		ls_jw w;
		ls_jw_init(&w, &text);
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "version");
		ls_jw_u64(&w, LS_INTEGRITY_VERSION);
		ls_jw_key_cstr(&w, "epoch_records");
		ls_jw_u64(&w, LS_INTEGRITY_EPOCH_RECORDS);
		ls_jw_key_cstr(&w, "ed25519");
		ls_jw_hex(&w, signer->pub.sign, sizeof signer->pub.sign);
		ls_jw_object_end(&w);
	}
	ls_manifest_meta_json(m, "integrity", text.data);

	/* The manifest, then its signature over the very bytes written. */
	ls_buf_reset(&text);
	ls_manifest_render(m, &text);
	ls_buf_printf(&path, "%s/manifest.json", dir);
	e = ls_write_file_atomic(path.data, text.data, text.len, false, d);
	if (e != LS_OK) {
		if (d)
			d->file = "manifest.json";
		goto out;
	}
	{
		ls_integrity_doc doc;
		memset(&doc, 0, sizeof doc);
		doc.kind = LS_INTEGRITY_DOC_MANIFEST;
		doc.file = ls_xstrdup("manifest.json");
		doc.bytes = text.len;
		crypto_generichash(doc.blake2b, HB, (const unsigned char *)text.data, text.len, NULL,
		                   0);
		memcpy(doc.signer, signer->pub.sign, sizeof doc.signer);
		render(&doc, signer, NULL, &sigtext);
		ls_integrity_doc_fini(&doc);
	}
	ls_buf_reset(&path);
	ls_buf_printf(&path, "%s/" LS_INTEGRITY_DIR "/manifest.sig", dir);
	e = ls_write_file_atomic(path.data, sigtext.data, sigtext.len, false, d);
	if (e != LS_OK && d)
		d->file = LS_INTEGRITY_DIR "/manifest.sig";
out:
	/* A diagnostic names a job's path: keep it in a place that outlives the jobs. */
	if (e != LS_OK && d && d->file) {
		snprintf(seal_diag_file, sizeof seal_diag_file, "%s/%s", dir, d->file);
		d->file = seal_diag_file;
	}
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].path);
		ls_buf_fini(&jobs[i].chain);
		ls_buf_fini(&jobs[i].tags);
	}
	free(jobs);
	free(order);
	ls_buf_fini(&path);
	ls_buf_fini(&rel);
	ls_buf_fini(&text);
	ls_buf_fini(&sigtext);
	return e;
}

/* =============================================================== checking */

/* A file being checked: its records, found front to back. */
typedef struct walker {
	const unsigned char *data;
	size_t len;
	const ls_integrity_doc *doc;
	const unsigned char *tags; /* the sealed tags, 8 per record */
	unsigned char (*keys)[K];  /* k_0 .. k_nkeys-1 */
	size_t nkeys;
} walker;

/* Offset of the record j places after the one at off, or len when there is none. */
static size_t skip_records(const walker *w, size_t off, size_t j)
{
	while (j-- > 0 && off < w->len)
		off += record_len(w->data, w->len, off);
	return off;
}

static bool tag_is(const walker *w, size_t off, const unsigned char *key,
                   const unsigned char *want)
{
	if (off >= w->len)
		return false;
	unsigned char h[HB];
	ls_integrity_record(key, w->data + off, record_len(w->data, w->len, off), h);
	return sodium_memcmp(h, want, TAG) == 0;
}

/* Whether the record at off is the one sealed as record x. */
static bool sealed_as(const walker *w, size_t off, uint64_t x)
{
	if (x >= w->doc->seal_records)
		return false;
	return tag_is(w, off, w->keys[x / w->doc->epoch_records], w->tags + x * TAG);
}

static void pfail(ls_integrity_problem *p, ls_buf *detail, uint64_t line, ls_integrity_kind kind,
                  const char *fmt, ...) LS_PRINTF(5, 6);

static void pfail(ls_integrity_problem *p, ls_buf *detail, uint64_t line, ls_integrity_kind kind,
                  const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ls_buf_reset(detail);
	ls_buf_append_cstr(detail, msg);
	p->line = line;
	p->kind = kind;
	p->detail = detail->data;
	p->in_tags = false;
}

/*
 * Name the first record (index i, at offset off) whose tag does not match:
 * a later epoch's key, a cut-off last line, or by looking ahead up to
 * LS_INTEGRITY_WINDOW records on both sides, a reordering, deletion,
 * insertion or (failing those) a modification.
 */
static void classify(const walker *w, uint64_t i, size_t off, ls_integrity_problem *p,
                     ls_buf *detail)
{
	const ls_integrity_doc *doc = w->doc;
	uint64_t E = doc->epoch_records;
	uint64_t e = i / E;
	for (size_t x = (size_t)e + 1; x < w->nkeys; x++)
		if (tag_is(w, off, w->keys[x], w->tags + i * TAG)) {
			pfail(p, detail, i + 1, LS_INTEGRITY_RESEALED,
			      "the record's seal was made with the key of epoch %zu, not with "
			      "the key of its own epoch %llu",
			      x, (unsigned long long)e);
			return;
		}
	size_t rl = record_len(w->data, w->len, off);
	if (off + rl == w->len && w->data[w->len - 1] != '\n') {
		pfail(p, detail, i + 1, LS_INTEGRITY_TRUNCATED,
		      "the file ends inside line %llu (%llu lines were sealed)",
		      (unsigned long long)(i + 1), (unsigned long long)doc->seal_records);
		return;
	}
	/* Where the actual record i was sealed, and where sealed record i went. */
	uint64_t dx = 0, dj = 0;
	for (uint64_t k = 1; k <= LS_INTEGRITY_WINDOW && dx == 0; k++)
		if (sealed_as(w, off, i + k))
			dx = k;
	size_t o = off;
	for (uint64_t k = 1; k <= LS_INTEGRITY_WINDOW && dj == 0; k++) {
		o = skip_records(w, o, 1);
		if (o >= w->len)
			break;
		if (sealed_as(w, o, i))
			dj = k;
	}
	if (dx && dj)
		pfail(p, detail, i + 1, LS_INTEGRITY_REORDERED,
		      "line %llu holds the record sealed as line %llu, and the record sealed "
		      "as line %llu is now line %llu",
		      (unsigned long long)(i + 1), (unsigned long long)(i + dx + 1),
		      (unsigned long long)(i + 1), (unsigned long long)(i + dj + 1));
	else if (dx == 1)
		pfail(p, detail, i + 1, LS_INTEGRITY_DELETED,
		      "1 sealed record is missing before this line (sealed as line %llu)",
		      (unsigned long long)(i + 1));
	else if (dx)
		pfail(p, detail, i + 1, LS_INTEGRITY_DELETED,
		      "%llu sealed records are missing before this line (sealed as lines "
		      "%llu-%llu)",
		      (unsigned long long)dx, (unsigned long long)(i + 1),
		      (unsigned long long)(i + dx));
	else if (dj)
		pfail(p, detail, i + 1, LS_INTEGRITY_INSERTED,
		      "%llu line%s inserted before the record sealed as line %llu",
		      (unsigned long long)dj, dj == 1 ? "" : "s", (unsigned long long)(i + 1));
	else
		pfail(p, detail, i + 1, LS_INTEGRITY_MODIFIED,
		      "the record differs from the one sealed in epoch %llu",
		      (unsigned long long)e);
}

bool ls_integrity_check_file(const ls_integrity_doc *doc, const void *data, size_t len,
                             const unsigned char *tags, const unsigned char signer[32],
                             ls_integrity_problem *p, ls_buf *detail, ls_integrity_stats *st)
{
	need_sodium();
	static const unsigned char none[TAG];
	if (tags == NULL) /* no records sealed */
		tags = none;
	if (data == NULL)
		data = none;
	bool found = false;
	walker w = { data, len, doc, tags, NULL, 0 };
	uint64_t E = doc->epoch_records;
	p->file = doc->file;

	if (sodium_memcmp(doc->signer, signer, 32) != 0 ||
	    !ls_integrity_signed_ok(doc, &doc->header, signer)) {
		pfail(p, detail, 0, LS_INTEGRITY_SIGNATURE,
		      "the chain header (chain file line %lu) is not signed by the dataset key",
		      doc->header.line);
		return true;
	}
	/* Every epoch's key, and one past the last: the sealer held that one too. */
	w.nkeys = doc->ncps + 1;
	w.keys = ls_xcalloc(w.nkeys, K);
	memcpy(w.keys[0], doc->root, K);
	for (size_t x = 1; x < w.nkeys; x++)
		ls_integrity_ratchet(w.keys[x - 1], x, w.keys[x]);

	unsigned char c[HB], h[HB], sum[HB];
	ls_integrity_chain_start(doc->file, c);
	size_t off = 0;
	for (size_t e = 0; e < doc->ncps && !found; e++) {
		const ls_integrity_checkpoint *cp = &doc->cps[e];
		uint64_t lo = e * E, hi = cp->records;
		bool sig_ok = ls_integrity_signed_ok(doc, &cp->s, signer);
		ls_integrity_commit(w.keys[e], sum);
		bool commit_ok = sodium_memcmp(sum, cp->key_commit, HB) == 0;
		ls_integrity_tags_hash(tags + lo * TAG, (size_t)(hi - lo), sum);
		bool tags_ok = sodium_memcmp(sum, cp->tags, HB) == 0;
		if (sig_ok && !tags_ok) {
			pfail(p, detail, 0, LS_INTEGRITY_MODIFIED,
			      "the tags of epoch %zu (lines %llu-%llu of %s) differ from its "
			      "signed checkpoint",
			      e, (unsigned long long)(lo + 1), (unsigned long long)hi, doc->file);
			p->in_tags = true;
			found = true;
			break;
		}
		for (uint64_t i = lo; i < hi; i++) {
			if (off >= len) {
				pfail(p, detail, i + 1, LS_INTEGRITY_TRUNCATED,
				      "the file ends after line %llu (%llu lines were sealed)",
				      (unsigned long long)i,
				      (unsigned long long)doc->seal_records);
				found = true;
				break;
			}
			size_t rl = record_len(w.data, len, off);
			ls_integrity_record(w.keys[e], w.data + off, rl, h);
			if (sodium_memcmp(h, tags + i * TAG, TAG) != 0) {
				classify(&w, i, off, p, detail);
				found = true;
				break;
			}
			ls_integrity_link(c, h, c);
			off += rl;
			st->records++;
		}
		if (found)
			break;
		st->epochs++;
		st->checkpoints++;
		size_t later = 0;
		if (!commit_ok)
			for (size_t x = e + 1; x < w.nkeys && later == 0; x++) {
				ls_integrity_commit(w.keys[x], sum);
				if (sodium_memcmp(sum, cp->key_commit, HB) == 0)
					later = x;
			}
		if (later) {
			pfail(p, detail, lo + 1, LS_INTEGRITY_RESEALED,
			      "the checkpoint of epoch %zu (lines %llu-%llu) was made with the key "
			      "of epoch %zu",
			      e, (unsigned long long)(lo + 1), (unsigned long long)hi, later);
			found = true;
		} else if (!sig_ok) {
			pfail(p, detail, lo + 1, LS_INTEGRITY_SIGNATURE,
			      "the checkpoint of epoch %zu (lines %llu-%llu, chain file line %lu) "
			      "does not verify",
			      e, (unsigned long long)(lo + 1), (unsigned long long)hi, cp->s.line);
			found = true;
		} else if (!commit_ok) {
			pfail(p, detail, lo + 1, LS_INTEGRITY_MODIFIED,
			      "the checkpoint of epoch %zu commits to a key that is not its "
			      "epoch's",
			      e);
			found = true;
		} else if (sodium_memcmp(c, cp->chain, HB) != 0) {
			pfail(p, detail, lo + 1, LS_INTEGRITY_MODIFIED,
			      "the chain of lines %llu-%llu does not match its signed checkpoint",
			      (unsigned long long)(lo + 1), (unsigned long long)hi);
			found = true;
		}
	}
	if (!found && off < len) {
		pfail(p, detail, doc->seal_records + 1, LS_INTEGRITY_INSERTED,
		      "lines after the sealed end (%llu lines were sealed)",
		      (unsigned long long)doc->seal_records);
		found = true;
	}
	if (!found) {
		st->checkpoints++;
		if (!ls_integrity_signed_ok(doc, &doc->seal, signer)) {
			pfail(p, detail, 0, LS_INTEGRITY_SIGNATURE,
			      "the seal (chain file line %lu) does not verify", doc->seal.line);
			found = true;
		} else if (sodium_memcmp(c, doc->seal_chain, HB) != 0 || doc->seal_bytes != len) {
			pfail(p, detail, 0, LS_INTEGRITY_MODIFIED,
			      "the file does not match its signed seal (%llu bytes sealed, %zu now)",
			      (unsigned long long)doc->seal_bytes, len);
			found = true;
		}
	}
	sodium_memzero(w.keys, w.nkeys * K);
	free(w.keys);
	return found;
}

/* ============================================================ the dataset */

typedef struct entry {
	const char *path;
	const ls_jnode *node; /* its "path" in the manifest, for messages */
	uint64_t bytes;
	unsigned char blake2b[HB];
	bool damaged; /* a problem was reported for it or its chain */
} entry;

typedef struct verifier {
	const char *dir;
	ls_integrity_problem_fn found;
	void *ctx;
	ls_integrity_stats *st;
	unsigned char signer[32];
	uint64_t epoch_records;
	entry *files;
	size_t nfiles;
	ls_buf path, detail;
	ls_buf rel;     /* the integrity file being read: a diagnostic may name it */
	ls_buf errname; /* a name a diagnostic keeps after the walk that made it */
} verifier;

/* The file a diagnostic of ls_integrity_verify_dataset names (see there). */
static char diag_file[PATH_MAX_LEN + 1024];

static void report(verifier *v, const char *file, uint64_t line, ls_integrity_kind kind,
                   const char *fmt, ...) LS_PRINTF(5, 6);

static void report(verifier *v, const char *file, uint64_t line, ls_integrity_kind kind,
                   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ls_integrity_problem p = { file, line, kind, msg, false };
	v->st->problems++;
	if (v->found)
		v->found(v->ctx, &p);
}

/* Read root/rel whole (at most max bytes). LS_ERR_NOTFOUND when missing. */
static ls_err read_whole(verifier *v, const char *rel, size_t max, ls_buf *out, ls_diag *d)
{
	ls_buf_reset(&v->path);
	ls_buf_printf(&v->path, "%s/%s", v->dir, rel);
	ls_buf_reset(out);
	FILE *f = fopen(v->path.data, "rb");
	if (f == NULL)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, rel, 0, 0,
		                   "cannot open: %s", strerror(errno));
	char chunk[65536];
	size_t n;
	ls_err e = LS_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > max) {
			e = ls_diag_set(d, LS_ERR_TOOLONG, rel, 0, 0, "larger than %zu bytes", max);
			break;
		}
		ls_buf_append(out, chunk, n);
	}
	if (e == LS_OK && ferror(f))
		e = ls_diag_set(d, LS_ERR_IO, rel, 0, 0, "read error");
	fclose(f);
	return e;
}

static ls_err parse_hex32(const ls_jnode *n, const char *file, const char *what,
                          unsigned char out[32], ls_diag *d)
{
	ls_sv s = ls_jnode_sv(n);
	size_t got = 0;
	bool ok = n && n->kind == LS_JSTRING && s.len == 64;
	for (size_t i = 0; ok && i < s.len; i++)
		ok = is_lower_hex(s.ptr[i]);
	if (!ok || sodium_hex2bin(out, 32, s.ptr, s.len, NULL, &got, NULL) != 0 || got != 32)
		return ls_jnode_fail(d, LS_ERR_PARSE, file, n,
		                     "%s: expected 64 lower-case hex digits", what);
	return LS_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c != 0)
		return c;
	/* Equal paths keep their manifest order, so the duplicate named is the later one. */
	return x->node->line != y->node->line ? (x->node->line < y->node->line ? -1 : 1)
	                                      : (x->node->col < y->node->col ? -1 : 1);
}

/* The manifest's "integrity" field and file list. */
static ls_err read_manifest(verifier *v, const ls_buf *text, ls_jdoc *doc, ls_diag *d)
{
	const char *mf = "manifest.json";
	ls_jdoc_opts o = { .max_bytes = MANIFEST_MAX };
	ls_err e = ls_jdoc_parse(doc, text->data ? text->data : "", text->len, &o, mf, d);
	if (e != LS_OK)
		return e;
	const ls_jnode *root = doc->root;
	if (root->kind != LS_JOBJECT)
		return ls_jnode_fail(d, LS_ERR_PARSE, mf, root, "expected an object");
	const ls_jnode *in = ls_jnode_get(root, "integrity");
	if (in == NULL)
		return ls_diag_set(d, LS_ERR_NOTFOUND, mf, 0, 0,
		                   "no \"integrity\" field: this dataset carries no integrity data");
	if (in->kind != LS_JOBJECT)
		return ls_jnode_fail(d, LS_ERR_PARSE, mf, in, "\"integrity\": expected an object");
	uint64_t ver = 0;
	const ls_jnode *n = ls_jnode_get(in, "version");
	if (ls_jnode_u64(n, &ver) != LS_OK || ver != LS_INTEGRITY_VERSION)
		return ls_jnode_fail(d, LS_ERR_PARSE, mf, n ? n : in,
		                     "\"integrity\".\"version\": expected %d", LS_INTEGRITY_VERSION);
	n = ls_jnode_get(in, "epoch_records");
	if (ls_jnode_u64(n, &v->epoch_records) != LS_OK || v->epoch_records == 0 ||
	    v->epoch_records > LS_INTEGRITY_EPOCH_MAX)
		return ls_jnode_fail(d, LS_ERR_PARSE, mf, n ? n : in,
		                     "\"integrity\".\"epoch_records\": expected 1 to %u",
		                     (unsigned)LS_INTEGRITY_EPOCH_MAX);
	n = ls_jnode_get(in, "ed25519");
	e = parse_hex32(n ? n : in, mf, "\"integrity\".\"ed25519\"", v->signer, d);
	if (e != LS_OK)
		return e;
	const ls_jnode *files = ls_jnode_get(root, "files");
	if (files == NULL || files->kind != LS_JARRAY)
		return ls_jnode_fail(d, LS_ERR_PARSE, mf, files ? files : root,
		                     "\"files\": expected an array");
	v->nfiles = files->len;
	v->files = ls_xcalloc(files->len ? files->len : 1, sizeof *v->files);
	for (size_t i = 0; i < files->len; i++) {
		const ls_jnode *f = ls_jnode_at(files, i);
		entry *en = &v->files[i];
		if (f->kind != LS_JOBJECT)
			return ls_jnode_fail(d, LS_ERR_PARSE, mf, f, "\"files\": expected objects");
		const ls_jnode *p = ls_jnode_get(f, "path");
		ls_sv ps = ls_jnode_sv(p);
		bool ok = p && p->kind == LS_JSTRING && valid_path(ps) && strlen(p->text) == ps.len;
		for (size_t k = 0; ok && k < ps.len; k++)
			ok = is_path_char(ps.ptr[k]);
		if (!ok)
			return ls_jnode_fail(d, LS_ERR_PARSE, mf, p ? p : f,
			                     "\"path\": expected a relative path of letters, digits "
			                     "and . _ - / without '.' or '..' parts");
		en->path = p->text;
		en->node = p;
		n = ls_jnode_get(f, "bytes");
		if (ls_jnode_u64(n, &en->bytes) != LS_OK)
			return ls_jnode_fail(d, LS_ERR_PARSE, mf, n ? n : f,
			                     "\"bytes\": expected a whole number");
		n = ls_jnode_get(f, "blake2b");
		e = parse_hex32(n ? n : f, mf, "\"blake2b\"", en->blake2b, d);
		if (e != LS_OK)
			return e;
	}
	/* By path (a written manifest is in that order already), so lookups are binary. */
	qsort(v->files, v->nfiles, sizeof *v->files, cmp_entry);
	for (size_t i = 1; i < v->nfiles; i++)
		if (strcmp(v->files[i - 1].path, v->files[i].path) == 0)
			return ls_jnode_fail(d, LS_ERR_PARSE, mf, v->files[i].node,
			                     "\"%s\" listed twice", v->files[i].path);
	return LS_OK;
}

static entry *find_entry(const verifier *v, const char *path)
{
	size_t lo = 0, hi = v->nfiles;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->files[mid].path, path);
		if (c == 0)
			return &v->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A file checked by its size and BLAKE2b alone. */
static ls_err check_plain(verifier *v, entry *en, ls_diag *d)
{
	ls_buf_reset(&v->path);
	ls_buf_printf(&v->path, "%s/%s", v->dir, en->path);
	mapped f;
	ls_err e = map_file(v->path.data, en->path, &f, d);
	if (e == LS_ERR_NOTFOUND) {
		report(v, en->path, 0, LS_INTEGRITY_DELETED,
		       "listed in the signed manifest but missing");
		en->damaged = true;
		return LS_OK;
	}
	if (e != LS_OK)
		return e;
	unsigned char h[HB];
	crypto_generichash(h, HB, f.data, f.len, NULL, 0);
	if (f.len < en->bytes) {
		report(v, en->path, 0, LS_INTEGRITY_TRUNCATED,
		       "%zu bytes, %llu in the signed manifest", f.len,
		       (unsigned long long)en->bytes);
		en->damaged = true;
	} else if (f.len != en->bytes || sodium_memcmp(h, en->blake2b, HB) != 0) {
		report(v, en->path, 0, LS_INTEGRITY_MODIFIED,
		       "its BLAKE2b differs from the signed manifest's");
		en->damaged = true;
	}
	unmap_file(&f);
	return LS_OK;
}

/* Mark the integrity files of a damaged file: they are expected to differ too. */
static void mark_damaged(verifier *v, entry *en)
{
	en->damaged = true;
	static const char *const ext[] = { ".chain", ".tags" };
	ls_buf name = LS_BUF_INIT;
	for (size_t i = 0; i < 2; i++) {
		ls_buf_reset(&name);
		ls_buf_printf(&name, LS_INTEGRITY_DIR "/%s%s", en->path, ext[i]);
		entry *x = find_entry(v, name.data);
		if (x)
			x->damaged = true;
	}
	ls_buf_fini(&name);
}

/* A file with a chain: every record against its seal. */
static ls_err check_chained(verifier *v, entry *en, ls_diag *d)
{
	ls_buf text = LS_BUF_INIT, tags = LS_BUF_INIT;
	ls_integrity_doc doc;
	memset(&doc, 0, sizeof doc);
	mapped f;
	memset(&f, 0, sizeof f);
	ls_err e = LS_OK;

	ls_buf_reset(&v->rel);
	ls_buf_printf(&v->rel, LS_INTEGRITY_DIR "/%s.chain", en->path);
	e = read_whole(v, v->rel.data, LS_INTEGRITY_TEXT_MAX, &text, d);
	if (e == LS_ERR_NOTFOUND) {
		report(v, en->path, 0, LS_INTEGRITY_DELETED, "its chain file %s is missing",
		       v->rel.data);
		mark_damaged(v, en);
		e = LS_OK;
		goto out;
	}
	if (e == LS_OK)
		e = ls_integrity_parse(text.data ? text.data : "", text.len, v->rel.data, &doc, d);
	if (e != LS_OK)
		goto out;
	if (doc.kind != LS_INTEGRITY_DOC_CHAIN || strcmp(doc.file, en->path) != 0 ||
	    doc.epoch_records != v->epoch_records) {
		report(v, en->path, 0, LS_INTEGRITY_MODIFIED,
		       "%s is not this file's chain (it names %s, %llu records per epoch)",
		       v->rel.data, doc.file, (unsigned long long)doc.epoch_records);
		mark_damaged(v, en);
		goto out;
	}
	ls_buf_reset(&v->rel);
	ls_buf_printf(&v->rel, LS_INTEGRITY_DIR "/%s.tags", en->path);
	ls_buf_reset(&v->path);
	ls_buf_printf(&v->path, "%s/%s", v->dir, v->rel.data);
	struct stat ts;
	if (stat(v->path.data, &ts) != 0 && errno == ENOENT) {
		report(v, en->path, 0, LS_INTEGRITY_DELETED, "its tags file %s is missing",
		       v->rel.data);
		mark_damaged(v, en);
		goto out;
	}
	if (stat(v->path.data, &ts) == 0 && S_ISREG(ts.st_mode) &&
	    ((uint64_t)ts.st_size % TAG != 0 || (uint64_t)ts.st_size / TAG != doc.seal_records)) {
		e = ls_diag_set(d, LS_ERR_PARSE, v->rel.data, 0, 0,
		                "%llu bytes; the %llu sealed records need %llu",
		                (unsigned long long)ts.st_size, (unsigned long long)doc.seal_records,
		                (unsigned long long)doc.seal_records * TAG);
		goto out;
	}
	e = read_whole(v, v->rel.data, (size_t)doc.seal_records * TAG, &tags, d);
	if (e == LS_OK && tags.len != doc.seal_records * TAG)
		e = ls_diag_set(d, LS_ERR_PARSE, v->rel.data, 0, 0,
		                "%zu bytes; the %llu sealed records need %llu", tags.len,
		                (unsigned long long)doc.seal_records,
		                (unsigned long long)doc.seal_records * TAG);
	if (e != LS_OK)
		goto out;
	ls_buf_reset(&v->path);
	ls_buf_printf(&v->path, "%s/%s", v->dir, en->path);
	e = map_file(v->path.data, en->path, &f, d);
	if (e == LS_ERR_NOTFOUND) {
		report(v, en->path, 0, LS_INTEGRITY_DELETED,
		       "listed in the signed manifest but missing");
		mark_damaged(v, en);
		e = LS_OK;
		goto out;
	}
	if (e != LS_OK)
		goto out;
	ls_integrity_problem p;
	memset(&p, 0, sizeof p);
	if (ls_integrity_check_file(&doc, f.data, f.len, (const unsigned char *)tags.data,
	                            v->signer, &p, &v->detail, v->st)) {
		report(v, p.in_tags ? v->rel.data : en->path, p.line, p.kind, "%s", p.detail);
		mark_damaged(v, en);
	} else if (f.len != en->bytes) {
		report(v, en->path, 0, LS_INTEGRITY_MODIFIED,
		       "%zu bytes, %llu in the signed manifest", f.len,
		       (unsigned long long)en->bytes);
		mark_damaged(v, en);
	}
out:
	unmap_file(&f);
	ls_integrity_doc_fini(&doc);
	ls_buf_fini(&text);
	ls_buf_fini(&tags);
	return e;
}

/* Report every file under rel (a directory) that the manifest does not list. */
static ls_err find_unlisted(verifier *v, const char *rel, int depth, ls_diag *d)
{
	ls_buf dirpath = LS_BUF_INIT;
	ls_buf_printf(&dirpath, "%s/%s", v->dir, rel);
	DIR *dp = opendir(dirpath.data);
	ls_buf_fini(&dirpath);
	if (dp == NULL) {
		if (errno == ENOENT)
			return LS_OK;
		int err = errno;
		ls_buf_reset(&v->errname);
		ls_buf_append_cstr(&v->errname, rel);
		return ls_diag_set(d, LS_ERR_IO, v->errname.data, 0, 0, "cannot list: %s",
		                   strerror(err));
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = ls_xreallocarray(names, n + 1, sizeof *names);
		ls_buf p = LS_BUF_INIT;
		ls_buf_printf(&p, "%s/%s", rel, de->d_name);
		names[n++] = ls_buf_steal(&p);
	}
	closedir(dp);
	qsort(names, n, sizeof *names, cmp_cstr);
	ls_err e = LS_OK;
	for (size_t i = 0; i < n; i++) {
		if (e != LS_OK)
			break;
		ls_buf full = LS_BUF_INIT;
		ls_buf_printf(&full, "%s/%s", v->dir, names[i]);
		struct stat st;
		bool isdir = lstat(full.data, &st) == 0 && S_ISDIR(st.st_mode);
		ls_buf_fini(&full);
		if (isdir && depth < WALK_DEPTH_MAX)
			e = find_unlisted(v, names[i], depth + 1, d);
		else if (!isdir && find_entry(v, names[i]) == NULL &&
		         strcmp(names[i], LS_INTEGRITY_DIR "/manifest.sig") != 0)
			report(v, names[i], 0, LS_INTEGRITY_INSERTED, "not in the signed manifest");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return e;
}

ls_err ls_integrity_verify_dataset(const char *dir, const ls_pubkey *pinned,
                                   ls_integrity_problem_fn found, void *ctx,
                                   ls_integrity_stats *st, ls_diag *d)
{
	need_sodium();
	memset(st, 0, sizeof *st);
	verifier v;
	memset(&v, 0, sizeof v);
	v.dir = dir;
	v.found = found;
	v.ctx = ctx;
	v.st = st;
	ls_buf mtext = LS_BUF_INIT, stext = LS_BUF_INIT;
	ls_jdoc jd;
	ls_jdoc_init(&jd);
	ls_integrity_doc sig;
	memset(&sig, 0, sizeof sig);
	ls_err e;
	struct stat dst;

	if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
		e = ls_diag_set(d, LS_ERR_NOTFOUND, dir, 0, 0, "no such directory");
		goto out;
	}
	e = read_whole(&v, "manifest.json", MANIFEST_MAX, &mtext, d);
	if (e == LS_ERR_NOTFOUND)
		ls_diag_set(d, e, dir, 0, 0, "no manifest.json (is this a leaksim dataset?)");
	if (e != LS_OK)
		goto out;
	e = read_whole(&v, LS_INTEGRITY_DIR "/manifest.sig", LS_INTEGRITY_TEXT_MAX, &stext, d);
	if (e == LS_ERR_NOTFOUND)
		ls_diag_set(d, e, dir, 0, 0,
		            "no " LS_INTEGRITY_DIR "/manifest.sig: this dataset carries no "
		            "integrity data");
	if (e != LS_OK)
		goto out;
	e = ls_integrity_parse(stext.data ? stext.data : "", stext.len,
	                       LS_INTEGRITY_DIR "/manifest.sig", &sig, d);
	if (e == LS_OK && sig.kind != LS_INTEGRITY_DOC_MANIFEST)
		e = ls_diag_set(d, LS_ERR_PARSE, LS_INTEGRITY_DIR "/manifest.sig", 2, 1,
		                "expected a 'manifest' line");
	if (e != LS_OK)
		goto out;
	e = read_manifest(&v, &mtext, &jd, d);
	if (e != LS_OK)
		goto out;

	/* The manifest: its signer, its signature, its bytes. */
	if (pinned && sodium_memcmp(pinned->sign, v.signer, 32) != 0) {
		ls_pubkey named;
		memcpy(named.sign, v.signer, 32);
		char want[LS_KEYS_FINGERPRINT_HEX + 1], got[LS_KEYS_FINGERPRINT_HEX + 1];
		ls_keys_fingerprint(pinned, want);
		ls_keys_fingerprint(&named, got);
		report(&v, "manifest.json", 0, LS_INTEGRITY_SIGNATURE,
		       "the manifest names the signer %s, not the expected %s", got, want);
		goto out;
	}
	if (sodium_memcmp(sig.signer, v.signer, 32) != 0 ||
	    !ls_integrity_signed_ok(&sig, &sig.msig, v.signer)) {
		report(&v, "manifest.json", 0, LS_INTEGRITY_SIGNATURE,
		       "its signature (" LS_INTEGRITY_DIR "/manifest.sig) does not verify");
	} else {
		unsigned char h[HB];
		crypto_generichash(h, HB, (const unsigned char *)mtext.data, mtext.len, NULL, 0);
		if (sig.bytes != mtext.len || sodium_memcmp(h, sig.blake2b, HB) != 0)
			report(&v, "manifest.json", 0,
			       mtext.len < sig.bytes ? LS_INTEGRITY_TRUNCATED : LS_INTEGRITY_MODIFIED,
			       "it differs from the signed manifest (%zu bytes, %llu signed)",
			       mtext.len, (unsigned long long)sig.bytes);
	}

	/* Content first, then the integrity files that no chain check accounted for. */
	for (size_t i = 0; i < v.nfiles && e == LS_OK; i++) {
		entry *en = &v.files[i];
		if (strncmp(en->path, LS_INTEGRITY_DIR "/", strlen(LS_INTEGRITY_DIR "/")) == 0)
			continue;
		st->files++;
		e = is_chained(en->path) ? check_chained(&v, en, d) : check_plain(&v, en, d);
	}
	for (size_t i = 0; i < v.nfiles && e == LS_OK; i++) {
		entry *en = &v.files[i];
		if (strncmp(en->path, LS_INTEGRITY_DIR "/", strlen(LS_INTEGRITY_DIR "/")) == 0 &&
		    !en->damaged)
			e = check_plain(&v, en, d);
	}
	static const char *const tops[] = { "logs", "truth", "artifacts", LS_INTEGRITY_DIR };
	for (size_t i = 0; i < sizeof tops / sizeof *tops && e == LS_OK; i++)
		e = find_unlisted(&v, tops[i], 0, d);
out:
	/* Names inside the dataset become DIR/NAME, kept where they outlive this call. */
	if (e != LS_OK && d && d->file && d->file != dir) {
		snprintf(diag_file, sizeof diag_file, "%s/%s", dir, d->file);
		d->file = diag_file;
	}
	ls_integrity_doc_fini(&sig);
	ls_jdoc_fini(&jd);
	ls_buf_fini(&v.rel);
	ls_buf_fini(&v.errname);
	free(v.files);
	ls_buf_fini(&mtext);
	ls_buf_fini(&stext);
	ls_buf_fini(&v.path);
	ls_buf_fini(&v.detail);
	return e;
}
