/*
 * atomic.c - temporary-name-then-rename outputs for files and directories.
 *
 * No-clobber renames use renameat2(RENAME_NOREPLACE), which fails atomically
 * if the destination appeared after our first check. On file systems without
 * it (EINVAL), we fall back to a check followed by rename(), which is the best
 * that such a file system offers.
 */
#define _GNU_SOURCE
#include "core/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/str.h"

static mode_t current_umask(void)
{
	mode_t m = umask(0);
	umask(m);
	return m;
}

/* "dir/.base<suffix>" beside path; dir is "." for a bare name. */
static char *sibling_name(const char *path, const char *suffix)
{
	const char *slash = strrchr(path, '/');
	ls_buf b = LS_BUF_INIT;
	if (slash) {
		ls_buf_append(&b, path, (size_t)(slash - path) + 1);
		ls_buf_append_char(&b, '.');
		ls_buf_append_cstr(&b, slash + 1);
	} else {
		ls_buf_append_char(&b, '.');
		ls_buf_append_cstr(&b, path);
	}
	ls_buf_append_cstr(&b, suffix);
	return ls_buf_steal(&b);
}

static char *parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return ls_xstrdup(".");
	if (slash == path)
		return ls_xstrdup("/");
	return ls_xstrndup(path, (size_t)(slash - path));
}

static ls_err io_error(ls_diag *d, const char *path, const char *what, int err)
{
	return ls_diag_set(d, LS_ERR_IO, path, 0, 0, "%s: %s", what, strerror(err));
}

static ls_err exists_error(ls_diag *d, const char *path)
{
	return ls_diag_set(d, LS_ERR_EXISTS, path, 0, 0,
	                   "already exists (use --force to overwrite)");
}

/* Rename without replacing: LS_ERR_EXISTS if dst exists. */
static ls_err rename_noreplace(const char *src, const char *dst, ls_diag *d)
{
	if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
		return LS_OK;
	if (errno == EEXIST || errno == ENOTEMPTY)
		return exists_error(d, dst);
	if (errno != EINVAL && errno != ENOSYS)
		return io_error(d, dst, "rename", errno);
	struct stat st;
	if (lstat(dst, &st) == 0)
		return exists_error(d, dst);
	if (rename(src, dst) != 0)
		return io_error(d, dst, "rename", errno);
	return LS_OK;
}

ls_err ls_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return LS_ERR_IO;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	/* Some file systems cannot fsync directories; that is not a data loss. */
	if (rc != 0 && saved != EINVAL && saved != ENOTSUP)
		return LS_ERR_IO;
	return LS_OK;
}

/*
 * After the temporary *tmp was renamed to path: forget the temporary (so
 * that abort no longer removes it) and make the rename durable.
 */
static ls_err renamed(char **tmp, const char *path, ls_diag *d)
{
	free(*tmp);
	*tmp = NULL;
	char *dir = parent_dir(path);
	ls_err e = LS_OK;
	if (ls_fsync_dir(dir) != LS_OK)
		e = io_error(d, dir, "cannot sync directory", errno);
	free(dir);
	return e;
}

/* ------------------------------------------------------------------- files */

ls_err ls_afile_open_mode(ls_afile *af, const char *path, mode_t mode, bool force, ls_diag *d)
{
	memset(af, 0, sizeof *af);
	struct stat st;
	if (!force && lstat(path, &st) == 0)
		return exists_error(d, path);
	if (force && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return ls_diag_set(d, LS_ERR_EXISTS, path, 0, 0, "is a directory");
	af->tmp = sibling_name(path, ".tmp-XXXXXX");
	int fd = mkostemp(af->tmp, O_CLOEXEC);
	if (fd < 0) {
		ls_err e = io_error(d, path, "cannot create temporary file", errno);
		free(af->tmp);
		af->tmp = NULL;
		return e;
	}
	if (fchmod(fd, mode & ~current_umask()) != 0 || (af->fp = fdopen(fd, "w")) == NULL) {
		ls_err e = io_error(d, path, "cannot open temporary file", errno);
		close(fd);
		unlink(af->tmp);
		free(af->tmp);
		af->tmp = NULL;
		return e;
	}
	af->path = ls_xstrdup(path);
	af->force = force;
	return LS_OK;
}

ls_err ls_afile_open(ls_afile *af, const char *path, bool force, ls_diag *d)
{
	return ls_afile_open_mode(af, path, 0666, force, d);
}

ls_err ls_afile_commit(ls_afile *af, ls_diag *d)
{
	ls_err e = LS_OK;
	if (af->fp == NULL)
		return ls_diag_set(d, LS_ERR_STATE, af->path, 0, 0, "file is not open");
	FILE *fp = af->fp;
	af->fp = NULL;
	int failed = fflush(fp) != 0 || ferror(fp);
	int err = errno;
	if (!failed && fsync(fileno(fp)) != 0) {
		failed = 1;
		err = errno;
	}
	if (fclose(fp) != 0 && !failed) {
		failed = 1;
		err = errno;
	}
	if (failed) {
		e = io_error(d, af->path, "write failed", err ? err : EIO);
		goto out;
	}
	if (af->force) {
		if (rename(af->tmp, af->path) != 0) {
			e = io_error(d, af->path, "rename", errno);
			goto out;
		}
	} else {
		e = rename_noreplace(af->tmp, af->path, d);
		if (e != LS_OK)
			goto out;
	}
	e = renamed(&af->tmp, af->path, d);
out:
	ls_afile_abort(af);
	return e;
}

void ls_afile_abort(ls_afile *af)
{
	if (af->fp) {
		fclose(af->fp);
		af->fp = NULL;
	}
	if (af->tmp) {
		unlink(af->tmp);
		free(af->tmp);
		af->tmp = NULL;
	}
	free(af->path);
	af->path = NULL;
}

ls_err ls_write_file_atomic(const char *path, const void *data, size_t len, bool force, ls_diag *d)
{
	ls_afile af;
	ls_err e = ls_afile_open(&af, path, force, d);
	if (e != LS_OK)
		return e;
	if (len && fwrite(data, 1, len, af.fp) != len) {
		e = io_error(d, path, "write failed", errno);
		ls_afile_abort(&af);
		return e;
	}
	return ls_afile_commit(&af, d);
}

/* ------------------------------------------------------------- directories */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int rc = (flag == FTW_DP) ? rmdir(path) : unlink(path);
	return rc != 0 && errno != ENOENT ? -1 : 0;
}

ls_err ls_rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? LS_OK : LS_ERR_IO;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? LS_OK : LS_ERR_IO;
	return nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS) == 0 ? LS_OK : LS_ERR_IO;
}

static int sync_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DP)
		return ls_fsync_dir(path) == LS_OK ? 0 : -1;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* A directory --force may replace: empty, or a leaksim dataset. */
static bool replaceable_dir(const char *path)
{
	ls_buf b = LS_BUF_INIT;
	ls_buf_append_cstr(&b, path);
	ls_buf_append_cstr(&b, "/manifest.json");
	struct stat st;
	bool ok = lstat(b.data, &st) == 0 && S_ISREG(st.st_mode);
	ls_buf_fini(&b);
	if (ok)
		return true;
	DIR *dir = opendir(path);
	if (dir == NULL)
		return false;
	struct dirent *ent;
	ok = true;
	while (ok && (ent = readdir(dir)) != NULL)
		ok = strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0;
	closedir(dir);
	return ok;
}

ls_err ls_adir_begin(ls_adir *ad, const char *path, bool force, ls_diag *d)
{
	memset(ad, 0, sizeof *ad);
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!force)
			return exists_error(d, path);
		if (!S_ISDIR(st.st_mode))
			return ls_diag_set(d, LS_ERR_EXISTS, path, 0, 0,
			                   "exists and is not a directory; refusing to replace it");
		if (!replaceable_dir(path))
			return ls_diag_set(
			        d, LS_ERR_EXISTS, path, 0, 0,
			        "exists and is not a leaksim dataset (no manifest.json); "
			        "refusing to replace it even with --force");
	}
	ad->tmp = sibling_name(path, ".tmp-XXXXXX");
	if (mkdtemp(ad->tmp) == NULL) {
		ls_err e = io_error(d, path, "cannot create temporary directory", errno);
		free(ad->tmp);
		ad->tmp = NULL;
		return e;
	}
	if (chmod(ad->tmp, 0777 & ~current_umask()) != 0) {
		ls_err e = io_error(d, path, "chmod", errno);
		ls_adir_abort(ad);
		return e;
	}
	ad->path = ls_xstrdup(path);
	ad->force = force;
	return LS_OK;
}

ls_err ls_adir_commit(ls_adir *ad, ls_diag *d)
{
	ls_err e = LS_OK;
	char *old = NULL;
	if (ad->tmp == NULL)
		return ls_diag_set(d, LS_ERR_STATE, ad->path, 0, 0, "directory is not open");
	if (nftw(ad->tmp, sync_entry, 32, FTW_DEPTH | FTW_PHYS) != 0) {
		e = io_error(d, ad->path, "cannot sync output", errno ? errno : EIO);
		goto out;
	}
	struct stat st;
	if (ad->force && lstat(ad->path, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !replaceable_dir(ad->path)) {
			e = ls_diag_set(
			        d, LS_ERR_EXISTS, ad->path, 0, 0,
			        "exists and is not a leaksim dataset; refusing to replace it");
			goto out;
		}
		old = sibling_name(ad->path, ".old-XXXXXX");
		if (mkdtemp(old) == NULL || rename(ad->path, old) != 0) {
			e = io_error(d, ad->path, "cannot move the old output aside", errno);
			goto out;
		}
	}
	e = rename_noreplace(ad->tmp, ad->path, d);
	if (e != LS_OK) {
		if (old && rename(old, ad->path) != 0)
			fprintf(stderr, "leaksim: warning: the previous %s is kept at %s\n",
			        ad->path, old);
		goto out;
	}
	e = renamed(&ad->tmp, ad->path, d);
	if (old && ls_rmtree(old) != LS_OK && e == LS_OK)
		e = io_error(d, old, "cannot remove the replaced output", errno);
out:
	free(old);
	ls_adir_abort(ad);
	return e;
}

void ls_adir_abort(ls_adir *ad)
{
	if (ad->tmp) {
		if (ls_rmtree(ad->tmp) != LS_OK)
			fprintf(stderr, "leaksim: warning: cannot remove %s\n", ad->tmp);
		free(ad->tmp);
		ad->tmp = NULL;
	}
	free(ad->path);
	ad->path = NULL;
}
