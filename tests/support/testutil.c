/*
 * testutil.c - temporary directories and file reading for unit tests.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic.h"
#include "core/mem.h"

char *tu_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	ls_buf b = LS_BUF_INIT;
	ls_buf_printf(&b, "%s/leaksim-test-XXXXXX", base && *base ? base : "/tmp");
	char *dir = ls_buf_steal(&b);
	if (mkdtemp(dir) == NULL)
		abort();
	return dir;
}

void tu_rmdir(char *dir)
{
	if (ls_rmtree(dir) != LS_OK)
		fprintf(stderr, "warning: cannot remove %s\n", dir);
	free(dir);
}

char *tu_join(const char *a, const char *b)
{
	ls_buf p = LS_BUF_INIT;
	ls_buf_printf(&p, "%s/%s", a, b);
	return ls_buf_steal(&p);
}

bool tu_read_file(const char *path, ls_buf *out)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	ls_buf_reset(out);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ls_buf_append(out, chunk, n);
	bool ok = !ferror(f);
	fclose(f);
	return ok;
}

bool tu_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int tu_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}
