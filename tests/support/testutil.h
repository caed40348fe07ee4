/*
 * testutil.h - small helpers shared by the cmocka unit tests.
 */
#ifndef LS_TESTS_TESTUTIL_H
#define LS_TESTS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/str.h"

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees the name. */
char *tu_tempdir(void);
/* rm -rf dir and free its name. */
void tu_rmdir(char *dir);
/* "a/b" joined with '/'; owned by the caller. */
char *tu_join(const char *a, const char *b);
/* Read a whole file into out (replacing its contents); false on error. */
bool tu_read_file(const char *path, ls_buf *out);
bool tu_exists(const char *path);
/* Number of directory entries in dir other than "." and "..", or -1. */
int tu_count_entries(const char *dir);

#endif
