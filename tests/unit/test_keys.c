/*
 * test_keys.c - key files: round trips through the files (write, load,
 * sign and verify, seal and open), the permission check on secret files,
 * and located errors for every way a key file can be malformed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/atomic.h"
#include "core/str.h"
#include "forensics/keys.h"
#include "testutil.h"

static const char pub_text[] =
        "leaksim public key v1\n"
        "ed25519 0101010101010101010101010101010101010101010101010101010101010101\n"
        "x25519 0202020202020202020202020202020202020202020202020202020202020202\n";

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void files_round_trip(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *pub = tu_join(dir, "k.pub"), *sec = tu_join(dir, "k.key");
	ls_seckey k, back;
	ls_keys_generate(&k);
	assert_int_equal(ls_keys_write_secret(sec, &k, false, NULL), LS_OK);
	assert_int_equal(ls_keys_write_public(pub, &k.pub, false, NULL), LS_OK);

	struct stat st;
	assert_int_equal(stat(sec, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_load_secret(sec, &back, &d), LS_OK);
	assert_memory_equal(&back, &k, sizeof k);
	ls_pubkey p;
	assert_int_equal(ls_keys_load_public(pub, &p, &d), LS_OK);
	assert_memory_equal(&p, &k.pub, sizeof p);

	/* Sign with the loaded secret, verify with the loaded public key. */
	const char msg[] = "the answer key of exercise 7";
	unsigned char sig[LS_KEYS_SIGBYTES];
	ls_keys_sign(&back, msg, sizeof msg - 1, sig);
	assert_int_equal(ls_keys_verify(&p, msg, sizeof msg - 1, sig), LS_OK);
	sig[5] ^= 1;
	assert_int_equal(ls_keys_verify(&p, msg, sizeof msg - 1, sig), LS_ERR_CRYPTO);
	sig[5] ^= 1;
	assert_int_equal(ls_keys_verify(&p, msg, sizeof msg - 2, sig), LS_ERR_CRYPTO);

	/* Seal to the public key, open with the secret one; nobody else can. */
	ls_buf sealed = LS_BUF_INIT, opened = LS_BUF_INIT;
	ls_keys_seal(&p, msg, sizeof msg - 1, &sealed);
	assert_int_equal(sealed.len, sizeof msg - 1 + LS_KEYS_SEALBYTES);
	assert_int_equal(ls_keys_open(&back, sealed.data, sealed.len, &opened), LS_OK);
	assert_int_equal(opened.len, sizeof msg - 1);
	assert_memory_equal(opened.data, msg, sizeof msg - 1);
	ls_seckey other;
	ls_keys_generate(&other);
	ls_buf_reset(&opened);
	assert_int_equal(ls_keys_open(&other, sealed.data, sealed.len, &opened), LS_ERR_CRYPTO);
	assert_int_equal(opened.len, 0);
	sealed.data[sealed.len - 1] ^= 1;
	assert_int_equal(ls_keys_open(&back, sealed.data, sealed.len, &opened), LS_ERR_CRYPTO);
	assert_int_equal(ls_keys_open(&back, sealed.data, 10, &opened), LS_ERR_CRYPTO);

	/* Existing files are kept unless forced. */
	assert_int_equal(ls_keys_write_secret(sec, &other, false, &d), LS_ERR_EXISTS);
	assert_int_equal(ls_keys_load_secret(sec, &back, NULL), LS_OK);
	assert_memory_equal(&back, &k, sizeof k);
	assert_int_equal(ls_keys_write_secret(sec, &other, true, &d), LS_OK);
	assert_int_equal(ls_keys_load_secret(sec, &back, NULL), LS_OK);
	assert_memory_equal(&back, &other, sizeof other);

	ls_keys_wipe(&back);
	assert_true(all_zero(&back, sizeof back));
	ls_keys_wipe(NULL);
	ls_keys_wipe(&k);
	ls_keys_wipe(&other);
	ls_buf_fini(&sealed);
	ls_buf_fini(&opened);
	free(pub);
	free(sec);
	tu_rmdir(dir);
}

static void seeds_give_the_same_keys(void **state)
{
	(void)state;
	unsigned char s1[32], s2[32];
	memset(s1, 7, sizeof s1);
	memset(s2, 9, sizeof s2);
	ls_seckey a, b;
	ls_keys_from_seeds(&a, s1, s2);
	ls_keys_from_seeds(&b, s1, s2);
	assert_memory_equal(&a, &b, sizeof a);
	unsigned char pk[32], sk[64];
	crypto_sign_seed_keypair(pk, sk, s1);
	assert_memory_equal(a.pub.sign, pk, 32);
	unsigned char xpk[32];
	assert_int_equal(crypto_scalarmult_base(xpk, a.box), 0);
	assert_memory_equal(a.pub.box, xpk, 32);
	/* The rendered public file parses back to the same key. */
	ls_buf t = LS_BUF_INIT;
	ls_keys_render_public(&a.pub, &t);
	ls_pubkey p;
	assert_int_equal(ls_keys_parse_public(t.data, t.len, "t", &p, NULL), LS_OK);
	assert_memory_equal(&p, &a.pub, sizeof p);
	char fp[LS_KEYS_FINGERPRINT_HEX + 1];
	ls_keys_fingerprint(&p, fp);
	assert_int_equal(strlen(fp), LS_KEYS_FINGERPRINT_HEX);
	ls_buf_fini(&t);
	ls_keys_wipe(&a);
	ls_keys_wipe(&b);
}

static void secret_permissions(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *sec = tu_join(dir, "k.key");
	ls_seckey k, back;
	ls_keys_generate(&k);
	assert_int_equal(ls_keys_write_secret(sec, &k, false, NULL), LS_OK);
	static const mode_t wide[] = { 0644, 0640, 0604, 0700, 0660, 0666 };
	for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
		assert_int_equal(chmod(sec, wide[i]), 0);
		ls_diag d;
		ls_diag_clear(&d);
		assert_int_equal(ls_keys_load_secret(sec, &back, &d), LS_ERR_RANGE);
		assert_non_null(strstr(d.message, "wider than 0600"));
		assert_true(all_zero(&back, sizeof back));
	}
	assert_int_equal(chmod(sec, 0400), 0);
	assert_int_equal(ls_keys_load_secret(sec, &back, NULL), LS_OK);
	/* A directory is not a key file; a missing file is named. */
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_load_secret(dir, &back, &d), LS_ERR_RANGE);
	char *missing = tu_join(dir, "none.key");
	assert_int_equal(ls_keys_load_secret(missing, &back, &d), LS_ERR_NOTFOUND);
	ls_pubkey p;
	assert_int_equal(ls_keys_load_public(missing, &p, &d), LS_ERR_NOTFOUND);
	ls_keys_wipe(&k);
	ls_keys_wipe(&back);
	free(missing);
	free(sec);
	tu_rmdir(dir);
}

/* text must be rejected as a public key with this line and column. */
static void bad_public(const char *text, unsigned long line, unsigned long col, const char *what)
{
	ls_pubkey p;
	ls_diag d;
	ls_diag_clear(&d);
	ls_err e = ls_keys_parse_public(text, strlen(text), "k.pub", &p, &d);
	if (e == LS_OK || d.line != line || d.col != col || strstr(d.message, what) == NULL)
		print_error("%s -> %s at %lu:%lu: %s\n", text, ls_strerror(e), d.line, d.col,
		            d.message);
	assert_int_not_equal(e, LS_OK);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.message, what));
	assert_string_equal(d.file, "k.pub");
	assert_true(all_zero(&p, sizeof p));
}

static void malformed_public_files(void **state)
{
	(void)state;
	ls_pubkey p;
	assert_int_equal(ls_keys_parse_public(pub_text, strlen(pub_text), "k.pub", &p, NULL), LS_OK);
	assert_int_equal(p.sign[0], 1);
	assert_int_equal(p.box[31], 2);
	/* Comments, and the two lines in either order. */
	const char ok2[] = "leaksim public key v1\n# mine\n"
	                   "x25519 0202020202020202020202020202020202020202020202020202020202020202\n"
	                   "ed25519 0101010101010101010101010101010101010101010101010101010101010101\n";
	assert_int_equal(ls_keys_parse_public(ok2, strlen(ok2), "k.pub", &p, NULL), LS_OK);

	bad_public("", 1, 1, "empty");
	bad_public("leaksim public key v2\n", 1, 1, "header");
	bad_public("leaksim secret key v1\n", 1, 1, "secret key file");
	bad_public("leaksim public key v1", 1, 22, "newline");
	bad_public("leaksim public key v1\r\n", 1, 22, "carriage return");
	bad_public("leaksim public key v1\ned25519 01\n", 2, 11, "64 hex digits");
	bad_public("leaksim public key v1\n"
	           "ed25519 0101010101010101010101010101010101010101010101010101010101010101\n",
	           3, 0, "no 'x25519' line");
	bad_public("leaksim public key v1\n"
	           "ed25519 01010101010101010101010101010101010101010101010101010101010101AB\n",
	           2, 71, "lower-case hex");
	bad_public("leaksim public key v1\n"
	           "ed25519 010101010101010101010101010101010101010101010101010101010101010101\n",
	           2, 73, "64 hex digits");
	bad_public("leaksim public key v1\ned25519\n", 2, 8, "a space and 64 hex");
	bad_public("leaksim public key v1\nrsa 00\n", 2, 1, "unknown line 'rsa'");
	bad_public("leaksim public key v1\n"
	           "ed25519-secret 0101010101010101010101010101010101010101010101010101010101010101\n",
	           2, 1, "secret key in a public");
	bad_public("leaksim public key v1\n"
	           "x25519 0202020202020202020202020202020202020202020202020202020202020202\n"
	           "x25519 0202020202020202020202020202020202020202020202020202020202020202\n",
	           3, 1, "twice (first on line 2)");
	const char nul[] = "leaksim public key v1\ned\0 01\n";
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_parse_public(nul, sizeof nul - 1, "k.pub", &p, &d), LS_ERR_PARSE);
	assert_int_equal(d.col, 3);
	char big[LS_KEYS_FILE_MAX + 2];
	memset(big, '#', sizeof big);
	assert_int_equal(ls_keys_parse_public(big, sizeof big, "k.pub", &p, &d), LS_ERR_TOOLONG);
}

static void malformed_secret_files(void **state)
{
	(void)state;
	ls_seckey k, back;
	ls_keys_generate(&k);
	char *dir = tu_tempdir();
	char *sec = tu_join(dir, "k.key");
	assert_int_equal(ls_keys_write_secret(sec, &k, false, NULL), LS_OK);
	ls_buf t = LS_BUF_INIT;
	assert_true(tu_read_file(sec, &t));
	assert_int_equal(ls_keys_parse_secret(t.data, t.len, "k.key", &back, NULL), LS_OK);
	assert_memory_equal(&back, &k, sizeof k);

	/* A public file is not a secret one. */
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_parse_secret(pub_text, strlen(pub_text), "k.key", &back, &d),
	                 LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "public key file"));

	/* A public half that does not belong to its secret: line 2 is ed25519. */
	char *p = strstr(t.data, "\ned25519 ") + 9;
	char was = *p;
	*p = was == 'a' ? 'b' : 'a';
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_parse_secret(t.data, t.len, "k.key", &back, &d), LS_ERR_CRYPTO);
	assert_int_equal(d.line, 2);
	assert_true(all_zero(&back, sizeof back));
	*p = was;
	p = strstr(t.data, "\nx25519-secret ") + 15;
	was = *p;
	*p = was == 'a' ? 'b' : 'a';
	assert_int_equal(ls_keys_parse_secret(t.data, t.len, "k.key", &back, &d), LS_ERR_CRYPTO);
	assert_int_equal(d.line, 3);
	*p = was;

	/* A missing secret line. */
	char *cut = strstr(t.data, "x25519-secret");
	ls_buf_truncate(&t, (size_t)(cut - t.data));
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_parse_secret(t.data, t.len, "k.key", &back, &d), LS_ERR_PARSE);
	assert_non_null(strstr(d.message, "no 'x25519-secret' line"));

	/* Malformed on disk (with the right mode): the loader reports it the same way. */
	assert_int_equal(ls_write_file_atomic(sec, "leaksim secret key v1\nbad\n", 26, true, NULL),
	                 LS_OK);
	assert_int_equal(chmod(sec, 0600), 0);
	ls_diag_clear(&d);
	assert_int_equal(ls_keys_load_secret(sec, &back, &d), LS_ERR_PARSE);
	assert_string_equal(d.file, sec);
	assert_int_equal(d.line, 2);

	ls_keys_wipe(&k);
	ls_keys_wipe(&back);
	ls_buf_fini(&t);
	free(sec);
	tu_rmdir(dir);
}

int main(void)
{
	assert_true(sodium_init() >= 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_round_trip),
		cmocka_unit_test(seeds_give_the_same_keys),
		cmocka_unit_test(secret_permissions),
		cmocka_unit_test(malformed_public_files),
		cmocka_unit_test(malformed_secret_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
