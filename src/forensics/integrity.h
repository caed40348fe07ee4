/*
 * integrity.h - tamper-evident datasets: keyed hash chains over every
 * record, ratcheting epoch keys, Ed25519-signed checkpoints and a signed
 * manifest (SPEC section 7; the design and its reasons are in
 * docs/integrity.md, the file formats below).
 *
 * The logs stay byte for byte in their native formats. Beside them,
 * DIR/integrity/ holds, for every file under logs/ and truth/:
 *
 *   integrity/PATH.chain   text: the signed chain header, one signed
 *                          checkpoint per epoch, the signed seal
 *   integrity/PATH.tags    binary: 8 bytes per record, the first 8 bytes of
 *                          the record's keyed hash, in record order
 *
 * and, for the dataset, integrity/dataset.pub (the signer's public key in
 * the key file format of forensics/keys.h) and integrity/manifest.sig (the
 * signature of manifest.json, which names the signer and lists every other
 * file with its BLAKE2b).
 *
 * A record is a line: its bytes up to and including '\n' (a last line
 * without one is a record too). Zeek's '#' header lines are records here.
 * With k_e the key of epoch e (records e*E .. (e+1)*E-1, E = 10,000), and
 * BLAKE2b-256 written H(key; bytes):
 *
 *   k_0      = H(key: chain master; "leaksim/integrity/v1/root" 0x00 path)
 *   k_{e+1}  = H(key: k_e; 0x03 le64(e+1))               the ratchet
 *   commit_e = H(key: k_e; 0x02 "commit")               published, signed
 *   h_i      = H(key: k_e; 0x00 record_i)                tag_i = h_i[0..8)
 *   c_start  = H("leaksim/integrity/v1/chain" 0x00 path) (unkeyed)
 *   c_i      = H(0x01 c_{i-1} h_i)                      the chain (h_i is keyed)
 *   tags_e   = H(tag_{e*E} .. tag_{last of e})           (unkeyed)
 *
 * A chain file is LF-terminated lines, every signed line ending in
 * " sig=HEX128", an Ed25519 signature by the dataset key of the bytes
 * "leaksim-integrity v1\n" followed by the line up to (not including)
 * " sig=":
 *
 *   leaksim-integrity v1
 *   chain file=PATH epoch-records=E root-key=HEX64 signer=HEX64 sig=HEX128
 *   checkpoint file=PATH epoch=N records=N chain=HEX64 tags=HEX64 key-commit=HEX64 sig=HEX128
 *   ...                                   (one per epoch, epochs 0, 1, 2, ...)
 *   seal file=PATH epochs=N records=N bytes=N chain=HEX64 sig=HEX128
 *
 * records is the count of records up to the end of that epoch; root-key is
 * k_0 (published so that anyone can verify: the secret that protects the
 * data is the Ed25519 key). The manifest signature file is
 *
 *   leaksim-integrity v1
 *   manifest file=manifest.json bytes=N blake2b=HEX64 signer=HEX64 sig=HEX128
 *
 * The format is canonical: lower-case hex, decimal numbers without leading
 * zeros, single spaces, fields in the order shown, nothing after the last
 * line; a file either parses to exactly these values or is rejected with
 * file:line:col.
 *
 * Ownership: a parsed ls_integrity_doc owns a copy of its text; everything
 * else is caller-owned structs and buffers.
 */
#ifndef LS_FORENSICS_INTEGRITY_H
#define LS_FORENSICS_INTEGRITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "forensics/keys.h"
#include "io/manifest.h"

#define LS_INTEGRITY_VERSION 1
#define LS_INTEGRITY_HEADER "leaksim-integrity v1"
/* Records per epoch: the chain key ratchets after this many. */
#define LS_INTEGRITY_EPOCH_RECORDS 10000
/* Largest epoch a chain header may declare. */
#define LS_INTEGRITY_EPOCH_MAX 100000000u
#define LS_INTEGRITY_TAG_BYTES 8
#define LS_INTEGRITY_KEYBYTES 32
#define LS_INTEGRITY_HASHBYTES 32
/* Largest chain or manifest signature file read (a chain line is ~500 bytes). */
#define LS_INTEGRITY_TEXT_MAX (64u * 1024u * 1024u)
/* Records a lookahead compares when it names an insertion, deletion or reordering. */
#define LS_INTEGRITY_WINDOW 64
/* The directory, relative to the dataset. */
#define LS_INTEGRITY_DIR "integrity"

/* ------------------------------------------------------------- primitives */

/* k_0 of the file at path (relative to the dataset) under the chain master. */
void ls_integrity_root(const unsigned char master[LS_INTEGRITY_KEYBYTES], const char *path,
                       unsigned char root[LS_INTEGRITY_KEYBYTES]);
/* out = k_{next_epoch} from k = k_{next_epoch - 1}. out may be k. */
void ls_integrity_ratchet(const unsigned char k[LS_INTEGRITY_KEYBYTES], uint64_t next_epoch,
                          unsigned char out[LS_INTEGRITY_KEYBYTES]);
void ls_integrity_commit(const unsigned char k[LS_INTEGRITY_KEYBYTES],
                         unsigned char out[LS_INTEGRITY_HASHBYTES]);
/* h = the keyed hash of one record (its bytes with the newline). */
void ls_integrity_record(const unsigned char k[LS_INTEGRITY_KEYBYTES], const void *rec, size_t n,
                         unsigned char h[LS_INTEGRITY_HASHBYTES]);
/* out = c_i from prev = c_{i-1} and h = h_i (keyed already). out may be prev. */
void ls_integrity_link(const unsigned char prev[LS_INTEGRITY_HASHBYTES],
                       const unsigned char h[LS_INTEGRITY_HASHBYTES],
                       unsigned char out[LS_INTEGRITY_HASHBYTES]);
void ls_integrity_chain_start(const char *path, unsigned char c[LS_INTEGRITY_HASHBYTES]);
/* tags_e over n tags (8 bytes each). */
void ls_integrity_tags_hash(const unsigned char *tags, size_t n,
                            unsigned char out[LS_INTEGRITY_HASHBYTES]);

/*
 * The simulator's keys for a seed: the dataset's Ed25519 and X25519 keys
 * and the chain master, each from its own seed-derived stream (core/rng.h,
 * entity 0, purposes "integrity/sign", "integrity/box", "integrity/chain").
 * Anyone who knows the seed can derive them: see docs/integrity.md.
 */
void ls_integrity_derive(uint64_t seed, ls_seckey *signer,
                         unsigned char master[LS_INTEGRITY_KEYBYTES]);

/* --------------------------------------------------------- the documents */

typedef enum ls_integrity_doc_kind {
	LS_INTEGRITY_DOC_CHAIN = 0,
	LS_INTEGRITY_DOC_MANIFEST = 1,
} ls_integrity_doc_kind;

/* A signed line: where its signed part is in the text, and the signature. */
typedef struct ls_integrity_signed {
	size_t off, len;     /* the line up to " sig=" */
	unsigned long line;  /* 1-based line in the file */
	unsigned char sig[LS_KEYS_SIGBYTES];
} ls_integrity_signed;

typedef struct ls_integrity_checkpoint {
	uint64_t epoch;
	uint64_t records; /* records up to the end of this epoch */
	unsigned char chain[LS_INTEGRITY_HASHBYTES];
	unsigned char tags[LS_INTEGRITY_HASHBYTES];
	unsigned char key_commit[LS_INTEGRITY_HASHBYTES];
	ls_integrity_signed s;
} ls_integrity_checkpoint;

typedef struct ls_integrity_doc {
	ls_integrity_doc_kind kind;
	char *text; /* a copy of the parsed text */
	size_t len;
	char *file; /* the file= path */
	unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES];
	/* chain */
	uint64_t epoch_records;
	unsigned char root[LS_INTEGRITY_KEYBYTES];
	ls_integrity_signed header;
	ls_integrity_checkpoint *cps;
	size_t ncps;
	uint64_t seal_records, seal_bytes;
	unsigned char seal_chain[LS_INTEGRITY_HASHBYTES];
	ls_integrity_signed seal;
	/* manifest */
	uint64_t bytes;
	unsigned char blake2b[LS_INTEGRITY_HASHBYTES];
	ls_integrity_signed msig;
} ls_integrity_doc;

/*
 * Parse a chain or manifest signature file (len bytes, no terminator
 * needed). Checks the syntax and the structure (epochs in order, record
 * counts that fit the epoch size, one file= throughout, the seal last) but
 * no signature. LS_ERR_PARSE with file:line:col, LS_ERR_TOOLONG past
 * LS_INTEGRITY_TEXT_MAX. doc is initialised in every case; fini it.
 */
ls_err ls_integrity_parse(const char *text, size_t len, const char *file, ls_integrity_doc *doc,
                          ls_diag *d) LS_WUR;
/* Accepts NULL and zeroed docs. */
void ls_integrity_doc_fini(ls_integrity_doc *doc);
/* Append the canonical text of doc (what ls_integrity_parse accepted) to out. */
void ls_integrity_render(const ls_integrity_doc *doc, ls_buf *out);
/* Whether signer signed s in doc. */
bool ls_integrity_signed_ok(const ls_integrity_doc *doc, const ls_integrity_signed *s,
                            const unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES]);

/* ---------------------------------------------------------------- sealing */

/*
 * Seal one file's bytes: fill chain_text with its chain file and tags with
 * its tags file (both appended). root is k_0; the epoch keys derived from
 * it are wiped as the chain moves past them.
 */
void ls_integrity_seal_file(const char *path, const void *data, size_t len,
                            const unsigned char root[LS_INTEGRITY_KEYBYTES],
                            const ls_seckey *signer, uint64_t epoch_records, ls_buf *chain_text,
                            ls_buf *tags);

/*
 * A sealer takes one file's bytes in pieces of any size, as they are
 * written, and gives what ls_integrity_seal_file gives for all of them.
 * It borrows signer; destroy wipes its keys (and accepts NULL).
 */
typedef struct ls_integrity_sealer ls_integrity_sealer;
ls_integrity_sealer *ls_integrity_sealer_create(const char *path,
                                                const unsigned char root[LS_INTEGRITY_KEYBYTES],
                                                const ls_seckey *signer,
                                                uint64_t epoch_records);
void ls_integrity_sealer_update(ls_integrity_sealer *s, const void *data, size_t len);
/* Bytes given so far. */
uint64_t ls_integrity_sealer_bytes(const ls_integrity_sealer *s);
/* Append the chain file and the tags file; call once, then destroy. */
void ls_integrity_sealer_finish(ls_integrity_sealer *s, ls_buf *chain_text, ls_buf *tags);
void ls_integrity_sealer_destroy(ls_integrity_sealer *s);

/*
 * Sealing while a dataset is written: every file's pieces, in the order
 * written, go to a worker thread that keeps one sealer per path, so the
 * hashing overlaps the writing. A writer waits when 64 MiB are queued.
 * Without a thread (pthread_create failed) each write seals in place. The
 * stream borrows signer; destroy ends the worker and wipes the keys.
 */
typedef struct ls_integrity_stream ls_integrity_stream;
ls_integrity_stream *ls_integrity_stream_create(const ls_seckey *signer,
                                                const unsigned char master[LS_INTEGRITY_KEYBYTES]);
void ls_integrity_stream_write(ls_integrity_stream *st, const char *path, const void *data,
                               size_t len);
void ls_integrity_stream_destroy(ls_integrity_stream *st);

/*
 * Seal the dataset in dir whose files m lists: write integrity/PATH.chain
 * and .tags for every file under logs/ and truth/, integrity/dataset.pub,
 * list them all in m with the "integrity" field (version, epoch_records,
 * the signer's ed25519 key), write dir/manifest.json and sign it into
 * integrity/manifest.sig. Nothing existing is overwritten. A file that
 * streamed (may be NULL) saw whole, with the same signer, is not read
 * again; the others are read and sealed on a few threads.
 */
ls_err ls_integrity_seal_dataset(const char *dir, ls_manifest *m, const ls_seckey *signer,
                                 const unsigned char master[LS_INTEGRITY_KEYBYTES],
                                 ls_integrity_stream *streamed, ls_diag *d) LS_WUR;

/* --------------------------------------------------------------- checking */

typedef enum ls_integrity_kind {
	LS_INTEGRITY_MODIFIED = 0,
	LS_INTEGRITY_INSERTED = 1,
	LS_INTEGRITY_DELETED = 2,
	LS_INTEGRITY_REORDERED = 3,
	LS_INTEGRITY_TRUNCATED = 4,
	LS_INTEGRITY_SIGNATURE = 5,
	LS_INTEGRITY_RESEALED = 6,
	LS_INTEGRITY__COUNT
} ls_integrity_kind;

/* "modified", "inserted", "deleted", "reordered", "truncated",
 * "signature invalid", "re-sealed with a later key". */
const char *ls_integrity_kind_name(ls_integrity_kind kind);

typedef struct ls_integrity_problem {
	const char *file;  /* relative to the dataset */
	uint64_t line;     /* 1-based line of the first problem; 0 for a whole file */
	ls_integrity_kind kind;
	const char *detail;
	bool in_tags;      /* ls_integrity_check_file: the tags file is damaged, not the file */
} ls_integrity_problem;

typedef struct ls_integrity_stats {
	uint64_t files;       /* files checked */
	uint64_t records;     /* records (lines) checked against their chains */
	uint64_t epochs;      /* epochs checked */
	uint64_t checkpoints; /* signed checkpoints and seals checked */
	uint64_t problems;    /* files with a problem (each reported once) */
} ls_integrity_stats;

/*
 * Check one file against its chain: data/len are the file's bytes, tags its
 * tags file (8 * doc->seal_records bytes: the caller checks the length),
 * signer the key every signature must verify under. Returns true and fills
 * *p (detail in *detail, which p->detail borrows) at the first problem;
 * false when the file is intact. Adds to st.
 */
bool ls_integrity_check_file(const ls_integrity_doc *doc, const void *data, size_t len,
                             const unsigned char *tags,
                             const unsigned char signer[LS_KEYS_SIGN_PUBLICBYTES],
                             ls_integrity_problem *p, ls_buf *detail, ls_integrity_stats *st);

typedef void (*ls_integrity_problem_fn)(void *ctx, const ls_integrity_problem *p);

/*
 * Verify the dataset in dir: the manifest's signature, every file the
 * manifest lists (chained files record by record, others by their size and
 * BLAKE2b), and that no file was added. pinned (may be NULL) is the
 * expected signer; without it the manifest's key is trusted. found is
 * called once per damaged file with its first problem, in manifest order.
 * Returns LS_OK when the check ran (see st->problems); LS_ERR_NOTFOUND,
 * LS_ERR_PARSE, LS_ERR_TOOLONG, LS_ERR_IO when the dataset or its
 * integrity files cannot be read or are malformed (the diagnostic says
 * where).
 */
ls_err ls_integrity_verify_dataset(const char *dir, const ls_pubkey *pinned,
                                   ls_integrity_problem_fn found, void *ctx,
                                   ls_integrity_stats *st, ls_diag *d) LS_WUR;

#endif
