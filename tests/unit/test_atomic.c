/*
 * test_atomic.c - atomic files and dataset directories: no partial output,
 * no clobbering without force, and force never deletes unrelated data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/str.h"
#include "testutil.h"

static int setup_dir(void **state)
{
	*state = tu_tempdir();
	return 0;
}

static int teardown_dir(void **state)
{
	tu_rmdir(*state);
	return 0;
}

static void file_appears_only_on_commit(void **state)
{
	char *path = tu_join(*state, "out.jsonl");
	ls_afile af;
	ls_diag d;
	assert_int_equal(ls_afile_open(&af, path, false, &d), LS_OK);
	fputs("{\"a\":1}\n", af.fp);
	assert_false(tu_exists(path));                 /* not visible while writing */
	assert_int_equal(tu_count_entries(*state), 1); /* only the temporary file */
	assert_int_equal(ls_afile_commit(&af, &d), LS_OK);
	assert_true(tu_exists(path));
	assert_int_equal(tu_count_entries(*state), 1); /* temporary renamed, not copied */
	ls_buf b = LS_BUF_INIT;
	assert_true(tu_read_file(path, &b));
	assert_string_equal(b.data, "{\"a\":1}\n");
	ls_buf_fini(&b);
	free(path);
}

static void abort_leaves_nothing(void **state)
{
	char *path = tu_join(*state, "never");
	ls_afile af;
	assert_int_equal(ls_afile_open(&af, path, false, NULL), LS_OK);
	fputs("partial", af.fp);
	ls_afile_abort(&af);
	ls_afile_abort(&af); /* twice is harmless */
	assert_false(tu_exists(path));
	assert_int_equal(tu_count_entries(*state), 0);
	free(path);
}

static void existing_file_is_refused_without_force(void **state)
{
	char *path = tu_join(*state, "keep.txt");
	ls_diag d;
	assert_int_equal(ls_write_file_atomic(path, "old", 3, false, &d), LS_OK);
	ls_diag_clear(&d);
	assert_int_equal(ls_write_file_atomic(path, "new", 3, false, &d), LS_ERR_EXISTS);
	assert_int_equal(d.err, LS_ERR_EXISTS);
	assert_string_equal(d.file, path);
	assert_non_null(strstr(d.message, "--force"));
	ls_buf b = LS_BUF_INIT;
	assert_true(tu_read_file(path, &b));
	assert_string_equal(b.data, "old");
	assert_int_equal(ls_write_file_atomic(path, "new", 3, true, &d), LS_OK);
	assert_true(tu_read_file(path, &b));
	assert_string_equal(b.data, "new");
	assert_int_equal(tu_count_entries(*state), 1);
	ls_buf_fini(&b);
	free(path);
}

/* A file that appears between open and commit is not clobbered. */
static void commit_does_not_clobber_a_racing_file(void **state)
{
	char *path = tu_join(*state, "race.txt");
	ls_afile af;
	ls_diag d;
	assert_int_equal(ls_afile_open(&af, path, false, &d), LS_OK);
	fputs("ours", af.fp);
	assert_int_equal(ls_write_file_atomic(path, "theirs", 6, false, &d), LS_OK);
	assert_int_equal(ls_afile_commit(&af, &d), LS_ERR_EXISTS);
	ls_buf b = LS_BUF_INIT;
	assert_true(tu_read_file(path, &b));
	assert_string_equal(b.data, "theirs");
	assert_int_equal(tu_count_entries(*state), 1); /* our temporary is gone */
	ls_buf_fini(&b);
	free(path);
}

static void write_errors_are_reported(void **state)
{
	(void)state;
	ls_afile af;
	ls_diag d;
	ls_diag_clear(&d);
	assert_int_equal(ls_afile_open(&af, "/nonexistent-dir-leaksim/x", false, &d), LS_ERR_IO);
	assert_non_null(strstr(d.message, "No such file"));
	ls_afile_abort(&af);
}

static void mode_is_applied(void **state)
{
	char *path = tu_join(*state, "secret.key");
	ls_afile af;
	assert_int_equal(ls_afile_open_mode(&af, path, 0600, false, NULL), LS_OK);
	fputs("k", af.fp);
	assert_int_equal(ls_afile_commit(&af, NULL), LS_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = tu_join(dir, name);
	assert_int_equal(ls_write_file_atomic(p, text, strlen(text), true, NULL), LS_OK);
	free(p);
}

static void dataset_dir_appears_only_on_commit(void **state)
{
	char *path = tu_join(*state, "ds");
	ls_adir ad;
	ls_diag d;
	assert_int_equal(ls_adir_begin(&ad, path, false, &d), LS_OK);
	assert_false(tu_exists(path));
	write_file(ad.tmp, "manifest.json", "{}\n");
	char *logs = tu_join(ad.tmp, "logs");
	assert_int_equal(mkdir(logs, 0777), 0);
	write_file(logs, "conn.log", "#fields\n");
	free(logs);
	assert_false(tu_exists(path));
	assert_int_equal(ls_adir_commit(&ad, &d), LS_OK);
	char *conn = tu_join(path, "logs/conn.log");
	assert_true(tu_exists(conn));
	assert_int_equal(tu_count_entries(*state), 1); /* no temporary left behind */
	free(conn);
	free(path);
}

static void interrupted_dataset_is_not_complete(void **state)
{
	char *path = tu_join(*state, "ds");
	ls_adir ad;
	assert_int_equal(ls_adir_begin(&ad, path, false, NULL), LS_OK);
	write_file(ad.tmp, "manifest.json", "{}\n");
	/* Simulate a crash: the process dies before commit. */
	char *tmp = strdup(ad.tmp);
	assert_false(tu_exists(path));
	const char *base = strrchr(tmp, '/') + 1;
	assert_int_equal(base[0], '.'); /* hidden, and never named like the output */
	assert_non_null(strstr(base, ".tmp-"));
	ls_adir_abort(&ad);
	assert_false(tu_exists(tmp));
	free(tmp);
	free(path);
}

static void dataset_force_rules(void **state)
{
	char *path = tu_join(*state, "ds");
	ls_adir ad;
	ls_diag d;
	/* A first dataset. */
	assert_int_equal(ls_adir_begin(&ad, path, false, &d), LS_OK);
	write_file(ad.tmp, "manifest.json", "{\"v\":1}\n");
	assert_int_equal(ls_adir_commit(&ad, &d), LS_OK);
	/* Without force: refused, old data intact. */
	assert_int_equal(ls_adir_begin(&ad, path, false, &d), LS_ERR_EXISTS);
	/* With force: replaced. */
	assert_int_equal(ls_adir_begin(&ad, path, true, &d), LS_OK);
	write_file(ad.tmp, "manifest.json", "{\"v\":2}\n");
	assert_int_equal(ls_adir_commit(&ad, &d), LS_OK);
	char *man = tu_join(path, "manifest.json");
	ls_buf b = LS_BUF_INIT;
	assert_true(tu_read_file(man, &b));
	assert_string_equal(b.data, "{\"v\":2}\n");
	assert_int_equal(tu_count_entries(*state), 1); /* the old copy was removed */

	/* A directory that is not a dataset is never replaced, even with force. */
	char *other = tu_join(*state, "home");
	assert_int_equal(mkdir(other, 0777), 0);
	write_file(other, "precious.txt", "keep me");
	ls_diag_clear(&d);
	assert_int_equal(ls_adir_begin(&ad, other, true, &d), LS_ERR_EXISTS);
	assert_non_null(strstr(d.message, "not a leaksim dataset"));
	char *precious = tu_join(other, "precious.txt");
	assert_true(tu_exists(precious));
	/* An empty directory may be replaced with force. */
	char *empty = tu_join(*state, "empty");
	assert_int_equal(mkdir(empty, 0777), 0);
	assert_int_equal(ls_adir_begin(&ad, empty, true, &d), LS_OK);
	write_file(ad.tmp, "manifest.json", "{}\n");
	assert_int_equal(ls_adir_commit(&ad, &d), LS_OK);
	/* A plain file in the way is refused. */
	write_file(*state, "plain", "x");
	char *plain = tu_join(*state, "plain");
	assert_int_equal(ls_adir_begin(&ad, plain, true, &d), LS_ERR_EXISTS);
	ls_buf_fini(&b);
	free(plain);
	free(empty);
	free(precious);
	free(other);
	free(man);
	free(path);
}

static void rmtree_removes_nested(void **state)
{
	char *top = tu_join(*state, "t");
	char *sub = tu_join(top, "a");
	char *subsub = tu_join(sub, "b");
	assert_int_equal(mkdir(top, 0777), 0);
	assert_int_equal(mkdir(sub, 0777), 0);
	assert_int_equal(mkdir(subsub, 0777), 0);
	write_file(subsub, "f", "1");
	write_file(top, "g", "2");
	char *link = tu_join(top, "link");
	assert_int_equal(symlink(*state, link), 0); /* must not be followed */
	assert_int_equal(ls_rmtree(top), LS_OK);
	assert_false(tu_exists(top));
	assert_true(tu_exists(*state));
	assert_int_equal(ls_rmtree(top), LS_OK); /* absent is fine */
	free(link);
	free(subsub);
	free(sub);
	free(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(file_appears_only_on_commit, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(abort_leaves_nothing, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(existing_file_is_refused_without_force, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(commit_does_not_clobber_a_racing_file, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(write_errors_are_reported, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(mode_is_applied, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(dataset_dir_appears_only_on_commit, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(interrupted_dataset_is_not_complete, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(dataset_force_rules, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(rmtree_removes_nested, setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
