/*
 * bench_gen.c - generation throughput for 2,000 people x 7 days, against
 * baselines run in the same process on the same bytes:
 *
 *   memcpy   the dataset's bytes copied in 1 MiB chunks from memory to
 *            memory: the practical limit for producing those bytes at all
 *   write    the same bytes written to files in 1 MiB write() calls: the
 *            floor set by the file system
 *
 * The dataset goes to a temporary directory (under /dev/shm when it exists,
 * so that the disk does not dominate), and is removed afterwards. The ratio
 * is generation throughput over baseline throughput.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/mem.h"
#include "sim/gen.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	ls_buf b = LS_BUF_INIT;
	char chunk[1 << 16];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ls_buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return (unsigned char *)ls_buf_steal(&b);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "large";
	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	ls_diag d;
	ls_diag_clear(&d);
	if (sim_scenario_resolve(&sc, name, &d) != LS_OK) {
		ls_diag_print(&d, stderr);
		return 2;
	}
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
	char dir[256];
	snprintf(dir, sizeof dir, "%s/leaksim-bench-XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		return 2;

	sim_gen_stats gs;
	double t0 = now();
	if (sim_generate(&sc, dir, NULL, &gs, NULL, NULL, &d) != LS_OK) {
		ls_diag_print(&d, stderr);
		return 2;
	}
	double tgen = now() - t0;

	/* Load the bytes back for the baselines. */
	unsigned char *data[SIM_SRC__COUNT];
	size_t len[SIM_SRC__COUNT], total = 0;
	for (int s = 0; s < SIM_SRC__COUNT; s++) {
		char path[512];
		snprintf(path, sizeof path, "%s/logs/%s", dir, sim_source_file[s]);
		data[s] = slurp(path, &len[s]);
		if (data[s] == NULL)
			return 2;
		total += len[s];
	}
	const size_t chunk = 1u << 20;
	unsigned char *dst = ls_xmalloc(chunk);
	double best_copy = 1e30, best_write = 1e30;
	volatile unsigned char sink = 0;
	for (int rep = 0; rep < 3; rep++) {
		double a = now();
		for (int s = 0; s < SIM_SRC__COUNT; s++)
			for (size_t off = 0; off < len[s]; off += chunk) {
				size_t n = len[s] - off < chunk ? len[s] - off : chunk;
				memcpy(dst, data[s] + off, n);
				sink ^= dst[n - 1];
			}
		double b = now();
		char path[512];
		snprintf(path, sizeof path, "%s/baseline.out", dir);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		for (int s = 0; s < SIM_SRC__COUNT && fd >= 0; s++)
			for (size_t off = 0; off < len[s]; off += chunk) {
				size_t n = len[s] - off < chunk ? len[s] - off : chunk;
				if (write(fd, data[s] + off, n) != (ssize_t)n)
					return 2;
			}
		if (fd >= 0)
			close(fd);
		double c = now();
		unlink(path);
		if (b - a < best_copy)
			best_copy = b - a;
		if (c - b < best_write)
			best_write = c - b;
	}
	double ev = (double)gs.total_records / tgen, mb = (double)total / tgen / 1e6;
	printf("generate %s (%u people x %u days): %llu events, %.1f MB in %.2f s\n", sc.name,
	       sc.people, sc.days, (unsigned long long)gs.total_records, (double)total / 1e6, tgen);
	printf("generate     %10.0f events/s %8.1f MB/s\n", ev, mb);
	printf("memcpy       %10.0f events/s %8.1f MB/s   ratio %.3f\n",
	       (double)gs.total_records / best_copy, (double)total / best_copy / 1e6,
	       best_copy / tgen);
	printf("write        %10.0f events/s %8.1f MB/s   ratio %.3f\n",
	       (double)gs.total_records / best_write, (double)total / best_write / 1e6,
	       best_write / tgen);
	for (int s = 0; s < SIM_SRC__COUNT; s++)
		free(data[s]);
	free(dst);
	if (ls_rmtree(dir) != LS_OK)
		fprintf(stderr, "bench: cannot remove %s\n", dir);
	sim_scenario_fini(&sc);
	(void)sink;
	return 0;
}
