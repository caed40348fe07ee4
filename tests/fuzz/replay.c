/*
 * replay.c - run a libFuzzer target over files without libFuzzer.
 *
 * Linked with a fuzz_<name>.c target, this main() feeds every file named on
 * the command line (directories are read one level deep, in sorted order) to
 * LLVMFuzzerTestOneInput, so that `make test` replays the committed corpora
 * in every build configuration, sanitizers included.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "core/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	ls_buf b = LS_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ls_buf_append(&b, chunk, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "replay: read error on %s\n", path);
		ls_buf_fini(&b);
		return -1;
	}
	/* An exact-size heap copy lets AddressSanitizer catch over-reads. */
	uint8_t *data = ls_xmalloc(b.len ? b.len : 1);
	if (b.len)
		memcpy(data, b.data, b.len);
	LLVMFuzzerTestOneInput(data, b.len);
	free(data);
	ls_buf_fini(&b);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "replay: cannot open directory %s\n", dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = ls_xreallocarray(names, n + 1, sizeof *names);
		ls_buf p = LS_BUF_INIT;
		ls_buf_printf(&p, "%s/%s", dir, e->d_name);
		names[n++] = ls_buf_steal(&p);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && run_file(names[i]) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	*count += n;
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: cannot stat %s\n", argv[i]);
			return 2;
		}
		int rc = S_ISDIR(st.st_mode) ? run_dir(argv[i], &count)
		                             : (count++, run_file(argv[i]));
		if (rc != 0)
			return 2;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 2;
	}
	printf("%zu inputs replayed\n", count);
	return 0;
}
