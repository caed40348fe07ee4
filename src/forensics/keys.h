/*
 * keys.h - leaksim's key files: an Ed25519 signing key and an X25519 key
 * for sealed boxes, in one small text format (docs/keys.md).
 *
 * `leaksim keygen --out PREFIX` writes PREFIX.pub and PREFIX.key. Datasets
 * are signed with the Ed25519 half (forensics/integrity.h); answer keys of
 * exercise packs are sealed to an instructor's X25519 half
 * (crypto_box_seal) and signed with the Ed25519 half. Every primitive is
 * libsodium's.
 *
 * The format is strict so that a hostile file can only be rejected:
 *
 *   leaksim public key v1          leaksim secret key v1
 *   ed25519 HEX64                  ed25519 HEX64
 *   x25519 HEX64                   x25519 HEX64
 *                                  ed25519-secret HEX64
 *                                  x25519-secret HEX64
 *
 * The first line is exactly the header. Then each labelled line appears
 * exactly once, in any order; HEX64 is 32 bytes as 64 lower-case hex
 * digits; lines end in LF (the last one too). Lines starting with '#' are
 * comments. ed25519-secret is the 32-byte seed of the Ed25519 key
 * (crypto_sign_seed_keypair); x25519-secret is the X25519 secret key. A
 * secret file repeats the public halves, and loading it checks that they
 * match the secrets. Errors name file:line:col.
 *
 * A secret key file must be a regular file with no permission bits beyond
 * 0600; loading refuses anything wider. Secrets are read into and written
 * from fixed buffers that are wiped with sodium_memzero on every path.
 *
 * Ownership: ls_seckey is a caller-owned struct holding secrets; wipe it
 * with ls_keys_wipe when done. Nothing here allocates except the output
 * buffers of seal and open, which the caller owns.
 */
#ifndef LS_FORENSICS_KEYS_H
#define LS_FORENSICS_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>

#include "core/err.h"
#include "core/str.h"

#define LS_KEYS_SIGN_PUBLICBYTES crypto_sign_PUBLICKEYBYTES /* 32 */
#define LS_KEYS_SIGN_SECRETBYTES crypto_sign_SECRETKEYBYTES /* 64 */
#define LS_KEYS_SIGN_SEEDBYTES crypto_sign_SEEDBYTES        /* 32 */
#define LS_KEYS_SIGBYTES crypto_sign_BYTES                  /* 64 */
#define LS_KEYS_BOX_PUBLICBYTES crypto_box_PUBLICKEYBYTES   /* 32 */
#define LS_KEYS_BOX_SECRETBYTES crypto_box_SECRETKEYBYTES   /* 32 */
#define LS_KEYS_BOX_SEEDBYTES crypto_box_SEEDBYTES          /* 32 */
#define LS_KEYS_SEALBYTES crypto_box_SEALBYTES              /* 48: added by seal */
/* Largest key file read (a real one is about 330 bytes). */
#define LS_KEYS_FILE_MAX 4096
/* Hex digits of a fingerprint (ls_keys_fingerprint), without the NUL. */
#define LS_KEYS_FINGERPRINT_HEX 16

typedef struct ls_pubkey {
	unsigned char sign[LS_KEYS_SIGN_PUBLICBYTES]; /* Ed25519 */
	unsigned char box[LS_KEYS_BOX_PUBLICBYTES];   /* X25519 */
} ls_pubkey;

typedef struct ls_seckey {
	ls_pubkey pub;
	unsigned char sign[LS_KEYS_SIGN_SECRETBYTES]; /* libsodium's seed || public key */
	unsigned char box[LS_KEYS_BOX_SECRETBYTES];
} ls_seckey;

/* ----------------------------------------------------------------- making */

/* Fresh random keys (crypto_sign_keypair, crypto_box_keypair). */
void ls_keys_generate(ls_seckey *k);
/* Keys from seeds, deterministically (crypto_sign_seed_keypair, crypto_box_seed_keypair). */
void ls_keys_from_seeds(ls_seckey *k, const unsigned char sign_seed[LS_KEYS_SIGN_SEEDBYTES],
                        const unsigned char box_seed[LS_KEYS_BOX_SEEDBYTES]);
/* sodium_memzero the whole struct. Accepts NULL. */
void ls_keys_wipe(ls_seckey *k);

/* ------------------------------------------------------------- key files */

/* Append the public key file's text to out. */
void ls_keys_render_public(const ls_pubkey *pub, ls_buf *out);
/*
 * Write PATH atomically: the public file with mode 0644, the secret file
 * with mode 0600 (ls_afile_open_mode). LS_ERR_EXISTS unless force.
 */
ls_err ls_keys_write_public(const char *path, const ls_pubkey *pub, bool force,
                            ls_diag *d) LS_WUR;
ls_err ls_keys_write_secret(const char *path, const ls_seckey *k, bool force, ls_diag *d) LS_WUR;

/*
 * Parse len bytes of key file text (no terminator needed). file (borrowed)
 * names the input in the diagnostic. LS_ERR_PARSE (located) for anything
 * but the format above; LS_ERR_TOOLONG past LS_KEYS_FILE_MAX; LS_ERR_CRYPTO
 * when a secret file's public halves do not match its secrets. On error
 * *out is wiped.
 */
ls_err ls_keys_parse_public(const char *text, size_t len, const char *file, ls_pubkey *out,
                            ls_diag *d) LS_WUR;
ls_err ls_keys_parse_secret(const char *text, size_t len, const char *file, ls_seckey *out,
                            ls_diag *d) LS_WUR;
/*
 * Read and parse a key file. The secret loader also refuses a file that is
 * not regular or whose mode has any bit outside 0600 (LS_ERR_RANGE).
 * LS_ERR_NOTFOUND / LS_ERR_IO when it cannot be read.
 */
ls_err ls_keys_load_public(const char *path, ls_pubkey *out, ls_diag *d) LS_WUR;
ls_err ls_keys_load_secret(const char *path, ls_seckey *out, ls_diag *d) LS_WUR;

/* The first 8 bytes of BLAKE2b-256 of the Ed25519 public key, as 16 hex digits. */
void ls_keys_fingerprint(const ls_pubkey *pub, char out[LS_KEYS_FINGERPRINT_HEX + 1]);

/* -------------------------------------------------------------- using them */

/* Ed25519 detached signature of msg (crypto_sign_detached). */
void ls_keys_sign(const ls_seckey *k, const void *msg, size_t len,
                  unsigned char sig[LS_KEYS_SIGBYTES]);
/* LS_OK when sig is pub's signature of msg, LS_ERR_CRYPTO otherwise. */
ls_err ls_keys_verify(const ls_pubkey *pub, const void *msg, size_t len,
                      const unsigned char sig[LS_KEYS_SIGBYTES]) LS_WUR;
/* Append crypto_box_seal(msg) to pub's X25519 key to out (len + LS_KEYS_SEALBYTES bytes). */
void ls_keys_seal(const ls_pubkey *pub, const void *msg, size_t len, ls_buf *out);
/*
 * Append the plaintext of a sealed box to out (crypto_box_seal_open).
 * LS_ERR_CRYPTO when it was not sealed to k or was altered; out is then
 * unchanged.
 */
ls_err ls_keys_open(const ls_seckey *k, const void *sealed, size_t len, ls_buf *out) LS_WUR;

#endif
