/*
 * manifest.c - building, hashing and writing manifest.json.
 */
#include "io/manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/json.h"
#include "core/mem.h"

#ifndef LS_VERSION
#define LS_VERSION "0.0.0"
#endif

void ls_filesum_init(ls_filesum *s)
{
	crypto_generichash_init(&s->state, NULL, 0, LS_MANIFEST_HASH_BYTES);
	s->bytes = 0;
}

void ls_filesum_update(ls_filesum *s, const void *p, size_t n)
{
	crypto_generichash_update(&s->state, p, n);
	s->bytes += n;
}

void ls_filesum_final(ls_filesum *s, unsigned char out[LS_MANIFEST_HASH_BYTES])
{
	crypto_generichash_final(&s->state, out, LS_MANIFEST_HASH_BYTES);
}

void ls_manifest_init(ls_manifest *m, const char *scenario, uint64_t seed)
{
	memset(m, 0, sizeof *m);
	m->scenario = ls_xstrdup(scenario);
	m->seed = seed;
}

void ls_manifest_fini(ls_manifest *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	for (size_t i = 0; i < m->nmeta; i++) {
		free(m->meta[i].key);
		free(m->meta[i].json);
	}
	free(m->meta);
	free(m->scenario);
	memset(m, 0, sizeof *m);
}

static void add_meta(ls_manifest *m, const char *key, ls_buf *json)
{
	m->meta = ls_xreallocarray(m->meta, m->nmeta + 1, sizeof *m->meta);
	m->meta[m->nmeta].key = ls_xstrdup(key);
	m->meta[m->nmeta].json = ls_buf_steal(json);
	m->nmeta++;
}

void ls_manifest_meta_str(ls_manifest *m, const char *key, const char *value)
{
	ls_buf b = LS_BUF_INIT;
	ls_jw w;
	ls_jw_init(&w, &b);
	ls_jw_str_cstr(&w, value);
	add_meta(m, key, &b);
}

void ls_manifest_meta_u64(ls_manifest *m, const char *key, uint64_t value)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_u64(&b, value);
	add_meta(m, key, &b);
}

void ls_manifest_meta_json(ls_manifest *m, const char *key, const char *json)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, json);
	add_meta(m, key, &b);
}

static bool valid_relpath(const char *path)
{
	if (path[0] == '\0' || path[0] == '/')
		return false;
	ls_sv rest = ls_sv_from_cstr(path);
	bool more = true;
	while (more) {
		ls_sv part;
		rest = ls_sv_cut(rest, '/', &part, &more);
		if (part.len == 0 || ls_sv_eq_cstr(part, ".") || ls_sv_eq_cstr(part, ".."))
			return false;
	}
	return true;
}

const ls_manifest_file *ls_manifest_find(const ls_manifest *m, const char *path)
{
	for (size_t i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return &m->files[i];
	return NULL;
}

ls_err ls_manifest_add(ls_manifest *m, const char *path, uint64_t records, uint64_t bytes,
                       const unsigned char blake2b[LS_MANIFEST_HASH_BYTES], ls_diag *d)
{
	if (!valid_relpath(path))
		return ls_diag_set(d, LS_ERR_RANGE, path, 0, 0,
		                   "manifest paths must be relative, without '.' or '..' parts");
	if (ls_manifest_find(m, path))
		return ls_diag_set(d, LS_ERR_EXISTS, path, 0, 0, "listed twice in the manifest");
	m->files = ls_xgrow(m->files, &m->cap, m->nfiles + 1, sizeof *m->files);
	ls_manifest_file *f = &m->files[m->nfiles++];
	f->path = ls_xstrdup(path);
	f->records = records;
	f->bytes = bytes;
	memcpy(f->blake2b, blake2b, LS_MANIFEST_HASH_BYTES);
	return LS_OK;
}

ls_err ls_manifest_add_file(ls_manifest *m, const char *root, const char *path, uint64_t records,
                            ls_diag *d)
{
	ls_buf full = LS_BUF_INIT;
	ls_buf_append_cstr(&full, root);
	ls_buf_append_char(&full, '/');
	ls_buf_append_cstr(&full, path);
	ls_err e = LS_OK;
	FILE *f = fopen(full.data, "rb");
	if (f == NULL) {
		e = ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                "cannot open: %s", strerror(errno));
		goto out;
	}
	ls_filesum sum;
	ls_filesum_init(&sum);
	unsigned char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ls_filesum_update(&sum, chunk, n);
	if (ferror(f)) {
		e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "read error");
		goto out;
	}
	unsigned char hash[LS_MANIFEST_HASH_BYTES];
	ls_filesum_final(&sum, hash);
	e = ls_manifest_add(m, path, records, sum.bytes, hash, d);
out:
	if (f)
		fclose(f);
	ls_buf_fini(&full);
	return e;
}

static int cmp_path(const void *a, const void *b)
{
	const ls_manifest_file *x = *(const ls_manifest_file *const *)a;
	const ls_manifest_file *y = *(const ls_manifest_file *const *)b;
	return strcmp(x->path, y->path);
}

void ls_manifest_render(const ls_manifest *m, ls_buf *out)
{
	const ls_manifest_file **order = ls_xcalloc(m->nfiles, sizeof *order);
	for (size_t i = 0; i < m->nfiles; i++)
		order[i] = &m->files[i];
	qsort(order, m->nfiles, sizeof *order, cmp_path);

	ls_jw w;
	ls_jw_init(&w, out);
	ls_jw_object_begin(&w);
	ls_jw_key_cstr(&w, "leaksim");
	ls_jw_str_cstr(&w, LS_VERSION);
	ls_jw_key_cstr(&w, "scenario");
	ls_jw_str_cstr(&w, m->scenario);
	ls_jw_key_cstr(&w, "seed");
	ls_jw_u64(&w, m->seed);
	for (size_t i = 0; i < m->nmeta; i++) {
		ls_jw_key_cstr(&w, m->meta[i].key);
		ls_jw_raw(&w, ls_sv_from_cstr(m->meta[i].json));
	}
	ls_jw_key_cstr(&w, "files");
	ls_jw_array_begin(&w);
	for (size_t i = 0; i < m->nfiles; i++) {
		ls_jw_object_begin(&w);
		ls_jw_key_cstr(&w, "path");
		ls_jw_str_cstr(&w, order[i]->path);
		ls_jw_key_cstr(&w, "records");
		ls_jw_u64(&w, order[i]->records);
		ls_jw_key_cstr(&w, "bytes");
		ls_jw_u64(&w, order[i]->bytes);
		ls_jw_key_cstr(&w, "blake2b");
		ls_jw_hex(&w, order[i]->blake2b, LS_MANIFEST_HASH_BYTES);
		ls_jw_object_end(&w);
	}
	ls_jw_array_end(&w);
	ls_jw_object_end(&w);
	ls_buf_append_char(out, '\n');
	free(order);
}

ls_err ls_manifest_write(const ls_manifest *m, const char *file, bool force, ls_diag *d)
{
	ls_buf b = LS_BUF_INIT;
	ls_manifest_render(m, &b);
	ls_err e = ls_write_file_atomic(file, b.data, b.len, force, d);
	ls_buf_fini(&b);
	return e;
}
