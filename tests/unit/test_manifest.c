/*
 * test_manifest.c - manifest.json: canonical order, exact hashes, and
 * path validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/atomic.h"
#include "io/manifest.h"
#include "testutil.h"

static void renders_the_documented_format(void **state)
{
	(void)state;
	ls_manifest m;
	ls_manifest_init(&m, "register-leak", 42);
	unsigned char h1[32], h2[32];
	memset(h1, 0xab, sizeof h1);
	memset(h2, 0x01, sizeof h2);
	/* Added out of order; rendered sorted by path. */
	assert_int_equal(ls_manifest_add(&m, "logs/dns.log", 5, 100, h2, NULL), LS_OK);
	assert_int_equal(ls_manifest_add(&m, "logs/conn.log", 3, 200, h1, NULL), LS_OK);
	ls_buf b = LS_BUF_INIT;
	ls_manifest_render(&m, &b);
	char want[1024];
	snprintf(want, sizeof want,
	         "{\"leaksim\":\"%s\",\"scenario\":\"register-leak\",\"seed\":42,\"files\":["
	         "{\"path\":\"logs/conn.log\",\"records\":3,\"bytes\":200,\"blake2b\":\"%s\"},"
	         "{\"path\":\"logs/dns.log\",\"records\":5,\"bytes\":100,\"blake2b\":\"%s\"}]}\n",
	         LS_VERSION, "abababababababababababababababababababababababababababababababab",
	         "0101010101010101010101010101010101010101010101010101010101010101");
	assert_string_equal(b.data, want);
	ls_buf_fini(&b);
	ls_manifest_fini(&m);
	ls_manifest_fini(&m);
}

static void add_file_hashes_the_bytes(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	char *dir = tu_tempdir();
	char *path = tu_join(dir, "auth.log");
	const char text[] = "<38>1 2024-01-01T00:00:00Z jump sshd 1 - - Accepted\n";
	assert_int_equal(ls_write_file_atomic(path, text, strlen(text), false, NULL), LS_OK);

	ls_manifest m;
	ls_manifest_init(&m, "default", 1);
	assert_int_equal(ls_manifest_add_file(&m, dir, "auth.log", 1, NULL), LS_OK);
	const ls_manifest_file *f = ls_manifest_find(&m, "auth.log");
	assert_non_null(f);
	assert_int_equal(f->bytes, strlen(text));
	assert_int_equal(f->records, 1);
	unsigned char want[32];
	crypto_generichash(want, sizeof want, (const unsigned char *)text, strlen(text), NULL, 0);
	assert_memory_equal(f->blake2b, want, 32);

	/* The streaming sum gives the same answer in pieces. */
	ls_filesum s;
	ls_filesum_init(&s);
	ls_filesum_update(&s, text, 10);
	ls_filesum_update(&s, text + 10, strlen(text) - 10);
	unsigned char got[32];
	ls_filesum_final(&s, got);
	assert_memory_equal(got, want, 32);
	assert_int_equal(s.bytes, strlen(text));

	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_manifest_add_file(&m, dir, "missing.log", 0, &d), LS_ERR_NOTFOUND);
	assert_string_equal(d.file, "missing.log");

	char *man = tu_join(dir, "manifest.json");
	assert_int_equal(ls_manifest_write(&m, man, false, NULL), LS_OK);
	assert_int_equal(ls_manifest_write(&m, man, false, NULL), LS_ERR_EXISTS);
	ls_buf b = LS_BUF_INIT, r = LS_BUF_INIT;
	assert_true(tu_read_file(man, &b));
	ls_manifest_render(&m, &r);
	assert_string_equal(b.data, r.data);
	ls_buf_fini(&b);
	ls_buf_fini(&r);
	free(man);
	ls_manifest_fini(&m);
	free(path);
	tu_rmdir(dir);
}

static void meta_fields_follow_the_seed(void **state)
{
	(void)state;
	ls_manifest m;
	ls_manifest_init(&m, "small", 3);
	ls_manifest_meta_str(&m, "profile", "telegram");
	ls_manifest_meta_u64(&m, "people", 20);
	ls_buf b = LS_BUF_INIT;
	ls_manifest_render(&m, &b);
	char want[256];
	snprintf(want, sizeof want,
	         "{\"leaksim\":\"%s\",\"scenario\":\"small\",\"seed\":3,\"profile\":\"telegram\","
	         "\"people\":20,\"files\":[]}\n",
	         LS_VERSION);
	assert_string_equal(b.data, want);
	ls_buf_fini(&b);
	ls_manifest_fini(&m);
}

static void bad_paths_are_rejected(void **state)
{
	(void)state;
	ls_manifest m;
	ls_manifest_init(&m, "x", 0);
	unsigned char h[32] = { 0 };
	const char *bad[] = { "", "/etc/passwd", "../x", "logs/../x", "logs//x", "./x", "logs/" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ls_manifest_add(&m, bad[i], 0, 0, h, NULL), LS_ERR_RANGE);
	assert_int_equal(ls_manifest_add(&m, "logs/a.log", 0, 0, h, NULL), LS_OK);
	assert_int_equal(ls_manifest_add(&m, "logs/a.log", 0, 0, h, NULL), LS_ERR_EXISTS);
	assert_int_equal(m.nfiles, 1);
	/* Names are JSON-escaped, not trusted. */
	assert_int_equal(ls_manifest_add(&m, "logs/we\"ird\n.log", 0, 0, h, NULL), LS_OK);
	ls_buf b = LS_BUF_INIT;
	ls_manifest_render(&m, &b);
	assert_non_null(strstr(b.data, "\"logs/we\\\"ird\\n.log\""));
	ls_buf_fini(&b);
	ls_manifest_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renders_the_documented_format),
		cmocka_unit_test(add_file_hashes_the_bytes),
		cmocka_unit_test(bad_paths_are_rejected),
		cmocka_unit_test(meta_fields_follow_the_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
