/*
 * manifest.h - the dataset's manifest.json: what files it holds, and their
 * record counts, sizes and BLAKE2b-256 hashes.
 *
 * Format (stable; later versions only add fields):
 *   {"leaksim":"VERSION","scenario":"NAME","seed":N,
 *    "files":[{"path":"logs/conn.log","records":N,"bytes":N,"blake2b":"HEX"},...]}
 * followed by a newline. Files are listed sorted by path (bytewise), so the
 * manifest is canonical whatever order they were added in. "blake2b" is the
 * unkeyed 32-byte BLAKE2b (libsodium crypto_generichash) of the file's bytes.
 *
 * Ownership: the manifest owns copies of every string it is given.
 */
#ifndef LS_IO_MANIFEST_H
#define LS_IO_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include <sodium.h>

#include "core/err.h"
#include "core/str.h"

#define LS_MANIFEST_HASH_BYTES 32

/* Running byte count and hash of a file as it is written. */
typedef struct ls_filesum {
	crypto_generichash_state state;
	uint64_t bytes;
} ls_filesum;

void ls_filesum_init(ls_filesum *s);
void ls_filesum_update(ls_filesum *s, const void *p, size_t n);
void ls_filesum_final(ls_filesum *s, unsigned char out[LS_MANIFEST_HASH_BYTES]);

typedef struct ls_manifest_file {
	char *path; /* relative to the dataset root, '/'-separated */
	uint64_t records;
	uint64_t bytes;
	unsigned char blake2b[LS_MANIFEST_HASH_BYTES];
} ls_manifest_file;

/* An extra top-level field, rendered after "seed" in the order added. */
typedef struct ls_manifest_meta {
	char *key;
	char *json; /* the value as JSON text */
} ls_manifest_meta;

typedef struct ls_manifest {
	char *scenario;
	uint64_t seed;
	ls_manifest_meta *meta;
	size_t nmeta;
	ls_manifest_file *files;
	size_t nfiles, cap;
} ls_manifest;

void ls_manifest_init(ls_manifest *m, const char *scenario, uint64_t seed);
/* Accepts NULL and zeroed manifests. */
void ls_manifest_fini(ls_manifest *m);

/*
 * Add a file entry. path must be relative, '/'-separated, without "." or ".."
 * components and not already listed (LS_ERR_RANGE / LS_ERR_EXISTS otherwise).
 */
ls_err ls_manifest_add(ls_manifest *m, const char *path, uint64_t records, uint64_t bytes,
                       const unsigned char blake2b[LS_MANIFEST_HASH_BYTES], ls_diag *d) LS_WUR;
/* Add root/path, measuring its size and hash by reading it. */
ls_err ls_manifest_add_file(ls_manifest *m, const char *root, const char *path, uint64_t records,
                            ls_diag *d) LS_WUR;
/* Add a top-level field: a string value, or an unsigned number. */
void ls_manifest_meta_str(ls_manifest *m, const char *key, const char *value);
void ls_manifest_meta_u64(ls_manifest *m, const char *key, uint64_t value);
/* Add a top-level field whose value is the JSON text json (which the caller vouches for). */
void ls_manifest_meta_json(ls_manifest *m, const char *key, const char *json);

/* The entry for path, or NULL. */
const ls_manifest_file *ls_manifest_find(const ls_manifest *m, const char *path);

/* Append the canonical JSON text (with its final newline) to out. */
void ls_manifest_render(const ls_manifest *m, ls_buf *out);
/* Write the manifest to a file atomically. */
ls_err ls_manifest_write(const ls_manifest *m, const char *file, bool force, ls_diag *d) LS_WUR;

#endif
