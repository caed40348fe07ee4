/*
 * keys.c - making, writing, reading and using leaksim key files.
 *
 * Secret material only ever sits in fixed-size buffers (the struct, the
 * stack text of a file being written or read, the decoded seeds), and each
 * of them is wiped with sodium_memzero before the function returns, on the
 * error paths too. The secret file is written unbuffered so that stdio
 * keeps no copy of it.
 */
#include "forensics/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"

#define HEADER_PUBLIC "leaksim public key v1"
#define HEADER_SECRET "leaksim secret key v1"
#define KEY_HEX 64 /* 32 bytes */

_Static_assert(LS_KEYS_SIGN_PUBLICBYTES == 32 && LS_KEYS_BOX_PUBLICBYTES == 32 &&
                       LS_KEYS_SIGN_SEEDBYTES == 32 && LS_KEYS_BOX_SECRETBYTES == 32,
               "every key in a key file is 32 bytes");

static void need_sodium(void)
{
	if (sodium_init() < 0) {
		fputs("leaksim: libsodium initialisation failed\n", stderr);
		abort();
	}
}

/* ----------------------------------------------------------------- making */

void ls_keys_generate(ls_seckey *k)
{
	need_sodium();
	crypto_sign_keypair(k->pub.sign, k->sign);
	crypto_box_keypair(k->pub.box, k->box);
}

void ls_keys_from_seeds(ls_seckey *k, const unsigned char sign_seed[LS_KEYS_SIGN_SEEDBYTES],
                        const unsigned char box_seed[LS_KEYS_BOX_SEEDBYTES])
{
	need_sodium();
	crypto_sign_seed_keypair(k->pub.sign, k->sign, sign_seed);
	crypto_box_seed_keypair(k->pub.box, k->box, box_seed);
}

void ls_keys_wipe(ls_seckey *k)
{
	if (k)
		sodium_memzero(k, sizeof *k);
}

/* ------------------------------------------------------------- rendering */

/* "label HEX64\n" into p; returns the bytes written (strlen(label) + 66). */
static size_t put_line(char *p, const char *label, const unsigned char key[32])
{
	size_t n = strlen(label);
	memcpy(p, label, n);
	p[n] = ' ';
	sodium_bin2hex(p + n + 1, KEY_HEX + 1, key, 32);
	p[n + 1 + KEY_HEX] = '\n';
	return n + 2 + KEY_HEX;
}

void ls_keys_render_public(const ls_pubkey *pub, ls_buf *out)
{
	char text[256];
	size_t n = 0;
	memcpy(text, HEADER_PUBLIC "\n", sizeof HEADER_PUBLIC);
	n += sizeof HEADER_PUBLIC;
	n += put_line(text + n, "ed25519", pub->sign);
	n += put_line(text + n, "x25519", pub->box);
	ls_buf_append(out, text, n);
}

ls_err ls_keys_write_public(const char *path, const ls_pubkey *pub, bool force, ls_diag *d)
{
	ls_buf b = LS_BUF_INIT;
	ls_keys_render_public(pub, &b);
	ls_afile af;
	ls_err e = ls_afile_open_mode(&af, path, 0644, force, d);
	if (e == LS_OK) {
		if (fwrite(b.data, 1, b.len, af.fp) != b.len) {
			ls_afile_abort(&af);
			e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "write failed: %s",
			                strerror(errno));
		} else {
			e = ls_afile_commit(&af, d);
		}
	}
	ls_buf_fini(&b);
	return e;
}

ls_err ls_keys_write_secret(const char *path, const ls_seckey *k, bool force, ls_diag *d)
{
	char text[512];
	size_t n = 0;
	memcpy(text, HEADER_SECRET "\n", sizeof HEADER_SECRET);
	n += sizeof HEADER_SECRET;
	n += put_line(text + n, "ed25519", k->pub.sign);
	n += put_line(text + n, "x25519", k->pub.box);
	unsigned char seed[LS_KEYS_SIGN_SEEDBYTES];
	crypto_sign_ed25519_sk_to_seed(seed, k->sign);
	n += put_line(text + n, "ed25519-secret", seed);
	n += put_line(text + n, "x25519-secret", k->box);
	sodium_memzero(seed, sizeof seed);

	ls_afile af;
	ls_err e = ls_afile_open_mode(&af, path, 0600, force, d);
	if (e == LS_OK) {
		/* Unbuffered: the text goes straight to the file, no stdio copy. */
		if (setvbuf(af.fp, NULL, _IONBF, 0) != 0 || fwrite(text, 1, n, af.fp) != n) {
			ls_afile_abort(&af);
			e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "write failed: %s",
			                strerror(errno));
		} else {
			e = ls_afile_commit(&af, d);
		}
	}
	sodium_memzero(text, sizeof text);
	return e;
}

void ls_keys_fingerprint(const ls_pubkey *pub, char out[LS_KEYS_FINGERPRINT_HEX + 1])
{
	unsigned char h[32];
	need_sodium();
	crypto_generichash(h, sizeof h, pub->sign, sizeof pub->sign, NULL, 0);
	sodium_bin2hex(out, LS_KEYS_FINGERPRINT_HEX + 1, h, LS_KEYS_FINGERPRINT_HEX / 2);
}

/* ---------------------------------------------------------------- parsing */

enum { L_ED_PUB, L_X_PUB, L_ED_SEC, L_X_SEC, L__COUNT };
static const char *const labels[L__COUNT] = { "ed25519", "x25519", "ed25519-secret",
	                                      "x25519-secret" };

typedef struct parsed {
	unsigned char key[L__COUNT][32];
	unsigned long line[L__COUNT]; /* 0: not seen */
} parsed;

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The common reader: header, labelled lines, comments. nlabels is 2 or 4. */
static ls_err parse_text(const char *text, size_t len, const char *file, bool secret,
                         parsed *out, ls_diag *d)
{
	const char *want = secret ? HEADER_SECRET : HEADER_PUBLIC;
	const char *other = secret ? HEADER_PUBLIC : HEADER_SECRET;
	int nlabels = secret ? L__COUNT : 2;
	memset(out, 0, sizeof *out);
	if (len > LS_KEYS_FILE_MAX)
		return ls_diag_set(d, LS_ERR_TOOLONG, file, 0, 0,
		                   "%zu bytes; a key file is at most %u", len,
		                   (unsigned)LS_KEYS_FILE_MAX);
	if (len == 0)
		return ls_diag_set(d, LS_ERR_PARSE, file, 1, 1, "empty file; expected '%s'", want);
	unsigned long lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		lineno++;
		const char *p = text + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		if (nl == NULL)
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno, n + 1,
			                   "the last line does not end in a newline");
		pos += n + 1;
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '\r')
				return ls_diag_set(d, LS_ERR_PARSE, file, lineno, i + 1,
				                   "carriage return; key files end lines with LF only");
			if (p[i] == '\0')
				return ls_diag_set(d, LS_ERR_PARSE, file, lineno, i + 1,
				                   "NUL byte in a key file");
		}
		ls_sv line = ls_sv_make(p, n);
		if (lineno == 1) {
			if (ls_sv_eq_cstr(line, want))
				continue;
			if (ls_sv_eq_cstr(line, other))
				return ls_diag_set(d, LS_ERR_PARSE, file, 1, 1,
				                   "this is a %s key file; expected a %s key file",
				                   secret ? "public" : "secret",
				                   secret ? "secret" : "public");
			return ls_diag_set(d, LS_ERR_PARSE, file, 1, 1,
			                   "expected the header '%s' (is this a leaksim key file?)",
			                   want);
		}
		if (n > 0 && p[0] == '#')
			continue;
		bool found;
		ls_sv label;
		ls_sv value = ls_sv_cut(line, ' ', &label, &found);
		int which = -1;
		for (int l = 0; l < nlabels; l++)
			if (ls_sv_eq_cstr(label, labels[l]))
				which = l;
		if (which < 0) {
			if (!secret && (ls_sv_eq_cstr(label, labels[L_ED_SEC]) ||
			                ls_sv_eq_cstr(label, labels[L_X_SEC])))
				return ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
				                   "a secret key in a public key file");
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
			                   "unknown line '%.*s' (expected %s)",
			                   (int)(label.len > 40 ? 40 : label.len), label.ptr,
			                   secret ? "ed25519, x25519, ed25519-secret or "
			                            "x25519-secret"
			                          : "ed25519 or x25519");
		}
		if (!found)
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno, label.len + 1,
			                   "expected '%s' then a space and 64 hex digits",
			                   labels[which]);
		if (out->line[which])
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno, 1,
			                   "'%s' given twice (first on line %lu)", labels[which],
			                   out->line[which]);
		unsigned long col = label.len + 2;
		for (size_t i = 0; i < value.len && i < KEY_HEX; i++)
			if (!is_lower_hex(value.ptr[i]))
				return ls_diag_set(d, LS_ERR_PARSE, file, lineno, col + i,
				                   "expected a lower-case hex digit");
		if (value.len != KEY_HEX)
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno,
			                   col + (value.len < KEY_HEX ? value.len : KEY_HEX),
			                   "expected exactly 64 hex digits (32 bytes), got %zu",
			                   value.len);
		size_t got = 0;
		if (sodium_hex2bin(out->key[which], 32, value.ptr, value.len, NULL, &got, NULL) != 0 ||
		    got != 32)
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno, col, "bad hex");
		out->line[which] = lineno;
	}
	for (int l = 0; l < nlabels; l++)
		if (out->line[l] == 0)
			return ls_diag_set(d, LS_ERR_PARSE, file, lineno + 1, 0, "no '%s' line",
			                   labels[l]);
	return LS_OK;
}

ls_err ls_keys_parse_public(const char *text, size_t len, const char *file, ls_pubkey *out,
                            ls_diag *d)
{
	parsed p;
	ls_err e = parse_text(text, len, file, false, &p, d);
	if (e == LS_OK) {
		memcpy(out->sign, p.key[L_ED_PUB], sizeof out->sign);
		memcpy(out->box, p.key[L_X_PUB], sizeof out->box);
	} else {
		sodium_memzero(out, sizeof *out);
	}
	sodium_memzero(&p, sizeof p);
	return e;
}

ls_err ls_keys_parse_secret(const char *text, size_t len, const char *file, ls_seckey *out,
                            ls_diag *d)
{
	need_sodium();
	parsed p;
	unsigned char pk[32];
	ls_err e = parse_text(text, len, file, true, &p, d);
	if (e != LS_OK)
		goto out;
	crypto_sign_seed_keypair(out->pub.sign, out->sign, p.key[L_ED_SEC]);
	if (sodium_memcmp(out->pub.sign, p.key[L_ED_PUB], 32) != 0) {
		e = ls_diag_set(d, LS_ERR_CRYPTO, file, p.line[L_ED_PUB], 0,
		                "the ed25519 public key does not belong to ed25519-secret "
		                "(line %lu)",
		                p.line[L_ED_SEC]);
		goto out;
	}
	memcpy(out->box, p.key[L_X_SEC], sizeof out->box);
	if (crypto_scalarmult_base(pk, out->box) != 0 ||
	    sodium_memcmp(pk, p.key[L_X_PUB], 32) != 0) {
		e = ls_diag_set(d, LS_ERR_CRYPTO, file, p.line[L_X_PUB], 0,
		                "the x25519 public key does not belong to x25519-secret "
		                "(line %lu)",
		                p.line[L_X_SEC]);
		goto out;
	}
	memcpy(out->pub.box, pk, sizeof pk);
out:
	if (e != LS_OK)
		sodium_memzero(out, sizeof *out);
	sodium_memzero(&p, sizeof p);
	sodium_memzero(pk, sizeof pk);
	return e;
}

/*
 * Read at most LS_KEYS_FILE_MAX + 1 bytes of path into text (which holds
 * that many); the secret variant checks the file type and mode on the open
 * descriptor first.
 */
static ls_err read_key_file(const char *path, bool secret, char *text, size_t *len, ls_diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ls_diag_set(d, errno == ENOENT ? LS_ERR_NOTFOUND : LS_ERR_IO, path, 0, 0,
		                   "cannot open: %s", strerror(errno));
	ls_err e = LS_OK;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e = ls_diag_set(d, LS_ERR_RANGE, path, 0, 0, "not a regular file");
		goto out;
	}
	if (secret && (st.st_mode & 0177) != 0) {
		e = ls_diag_set(d, LS_ERR_RANGE, path, 0, 0,
		                "permissions %04o are wider than 0600; a secret key must be "
		                "readable by its owner only (chmod 600 '%s')",
		                (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	*len = 0;
	for (;;) {
		ssize_t n = read(fd, text + *len, LS_KEYS_FILE_MAX + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = ls_diag_set(d, LS_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
		if (*len > LS_KEYS_FILE_MAX) {
			e = ls_diag_set(d, LS_ERR_TOOLONG, path, 0, 0,
			                "larger than %u bytes: not a key file",
			                (unsigned)LS_KEYS_FILE_MAX);
			goto out;
		}
	}
out:
	close(fd);
	return e;
}

ls_err ls_keys_load_public(const char *path, ls_pubkey *out, ls_diag *d)
{
	char text[LS_KEYS_FILE_MAX + 1];
	size_t len = 0;
	ls_err e = read_key_file(path, false, text, &len, d);
	if (e == LS_OK)
		e = ls_keys_parse_public(text, len, path, out, d);
	return e;
}

ls_err ls_keys_load_secret(const char *path, ls_seckey *out, ls_diag *d)
{
	char text[LS_KEYS_FILE_MAX + 1];
	size_t len = 0;
	ls_err e = read_key_file(path, true, text, &len, d);
	if (e == LS_OK)
		e = ls_keys_parse_secret(text, len, path, out, d);
	else
		sodium_memzero(out, sizeof *out);
	sodium_memzero(text, sizeof text);
	return e;
}

/* -------------------------------------------------------------- using them */

void ls_keys_sign(const ls_seckey *k, const void *msg, size_t len,
                  unsigned char sig[LS_KEYS_SIGBYTES])
{
	need_sodium();
	crypto_sign_detached(sig, NULL, msg, len, k->sign);
}

ls_err ls_keys_verify(const ls_pubkey *pub, const void *msg, size_t len,
                      const unsigned char sig[LS_KEYS_SIGBYTES])
{
	need_sodium();
	return crypto_sign_verify_detached(sig, msg, len, pub->sign) == 0 ? LS_OK : LS_ERR_CRYPTO;
}

void ls_keys_seal(const ls_pubkey *pub, const void *msg, size_t len, ls_buf *out)
{
	need_sodium();
	ls_buf_reserve(out, len + LS_KEYS_SEALBYTES);
	if (crypto_box_seal((unsigned char *)out->data + out->len, msg, len, pub->box) != 0) {
		fputs("leaksim: crypto_box_seal failed\n", stderr);
		abort();
	}
	out->len += len + LS_KEYS_SEALBYTES;
	out->data[out->len] = '\0';
}

ls_err ls_keys_open(const ls_seckey *k, const void *sealed, size_t len, ls_buf *out)
{
	need_sodium();
	if (len < LS_KEYS_SEALBYTES)
		return LS_ERR_CRYPTO;
	size_t n = len - LS_KEYS_SEALBYTES;
	ls_buf_reserve(out, n);
	if (crypto_box_seal_open((unsigned char *)out->data + out->len, sealed, len, k->pub.box,
	                         k->box) != 0) {
		sodium_memzero(out->data + out->len, n);
		return LS_ERR_CRYPTO;
	}
	out->len += n;
	out->data[out->len] = '\0';
	return LS_OK;
}
