/*
 * atomic.h - outputs that appear whole or not at all.
 *
 * A file is written under a temporary name in its destination directory,
 * flushed, fsync'd and renamed into place; a dataset directory is built under
 * a temporary name beside its destination and renamed when complete. A crash
 * or an error therefore never leaves a truncated file or a directory that
 * looks complete: at worst a hidden ".NAME.tmp-XXXXXX" remains.
 *
 * Existing output is refused (LS_ERR_EXISTS) unless force is set. Even with
 * force, a directory is only replaced if it is empty or holds a
 * manifest.json, so a mistyped --out never deletes unrelated data.
 *
 * Ownership: the structs own their path strings and the open FILE; commit or
 * abort releases everything. abort after commit, or on a zeroed struct, is a
 * no-op, so a single cleanup label can always call it.
 */
#ifndef LS_CORE_ATOMIC_H
#define LS_CORE_ATOMIC_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/err.h"

typedef struct ls_afile {
	FILE *fp;   /* write here between open and commit */
	char *path; /* final name */
	char *tmp;  /* temporary name in the same directory */
	bool force;
} ls_afile;

/* Open a temporary file for path with permissions 0666 & ~umask. */
ls_err ls_afile_open(ls_afile *af, const char *path, bool force, ls_diag *d) LS_WUR;
/* The same with explicit permissions (before umask), e.g. 0600 for keys. */
ls_err ls_afile_open_mode(ls_afile *af, const char *path, mode_t mode, bool force,
                          ls_diag *d) LS_WUR;
/*
 * Flush, check for write errors, fsync, close and rename into place, then
 * fsync the directory. Without force the final step never replaces a file
 * that appeared meanwhile. On failure the temporary file is removed.
 */
ls_err ls_afile_commit(ls_afile *af, ls_diag *d) LS_WUR;
/* Discard the temporary file. */
void ls_afile_abort(ls_afile *af);

/* Write a whole buffer to path atomically. */
ls_err ls_write_file_atomic(const char *path, const void *data, size_t len, bool force,
                            ls_diag *d) LS_WUR;

typedef struct ls_adir {
	char *path; /* final name */
	char *tmp;  /* build the directory's contents here */
	bool force;
} ls_adir;

/* Create the temporary directory for path (mode 0777 & ~umask). */
ls_err ls_adir_begin(ls_adir *ad, const char *path, bool force, ls_diag *d) LS_WUR;
/*
 * fsync every file and directory inside, then rename into place (replacing an
 * existing dataset only with force) and fsync the parent.
 */
ls_err ls_adir_commit(ls_adir *ad, ls_diag *d) LS_WUR;
/* Remove the temporary directory and everything in it. */
void ls_adir_abort(ls_adir *ad);

/* Remove a file or a directory tree (like rm -rf; symlinks are not followed). */
ls_err ls_rmtree(const char *path) LS_WUR;
/* fsync a directory so that renames in it are durable. */
ls_err ls_fsync_dir(const char *dir) LS_WUR;

#endif
