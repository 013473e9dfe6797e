/*
 * typefile_bench.c — time opening a typefile with the typ library against
 * libbpf's btf__parse alone, in the same run, alternating in blocks.
 *
 * usage: typefile_bench [-n rounds] [typefile]   (default /sys/kernel/btf/vmlinux)
 * Prints the median and minimum of each, in wall time and in this thread's
 * CPU time, their ratios, and a lookup timing.  On a loaded machine the
 * minimum CPU time is the steadiest figure: both sides are interleaved in
 * blocks, but wall times and medians still carry others' noise.
 * The baseline is what any libbpf user pays to get the types at all;
 * typ_file__open additionally checks every record and builds the name
 * index.  Peak memory is measured by the driver script (/usr/bin/time).
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "typ_typefile.h"

#define BLOCK 10

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double min_of(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(const char *what, double *lib, double *ours, int rounds)
{
	double lib_min = min_of(lib, rounds), ours_min = min_of(ours, rounds);
	double lm = median(lib, rounds), om = median(ours, rounds);
	printf("%s:\n", what);
	printf("  libbpf btf__parse:        median %7.2f ms  min %7.2f ms\n", lm, lib_min);
	printf("  typ_file__open (+index):  median %7.2f ms  min %7.2f ms\n", om, ours_min);
	printf("  ratio:                    median %.3fx  min %.3fx  (target <= 1.3x)\n",
	       om / lm, ours_min / lib_min);
}

static int silent(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l; (void)f; (void)ap;
	return 0;
}

/* One side's rounds in a child: 0 = btf__parse, 1 = typ_file__open.  The
 * child writes (wall, cpu) per round, then the type count, to a pipe. */
static int run_block(int side, const char *path, int n, double *wall, double *cpu,
		     uint32_t *ntypes)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		double v[2 * BLOCK + 1];
		for (int r = -1; r < n; r++) {
			struct typ_file *tf = NULL;
			struct typ_err err;
			double c0 = cpu_ms(), t0 = now_ms();
			struct btf *btf = side == 0 ? btf__parse(path, NULL) : NULL;
			int rc = side == 0 ? (btf ? 0 : -1) : typ_file__open(path, &tf, &err);
			double t1 = now_ms(), c1 = cpu_ms();
			if (rc != 0) {
				fprintf(stderr, "%s: %s\n", path, side ? err.msg : "btf__parse failed");
				_exit(1);
			}
			v[2 * BLOCK] = side ? typ_file__type_count(tf) : 0;
			btf__free(btf);
			typ_file__free(tf);
			if (r >= 0) {
				v[2 * r] = t1 - t0;
				v[2 * r + 1] = c1 - c0;
			}
		}
		_exit(write(fds[1], v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 1);
	}
	close(fds[1]);
	double v[2 * BLOCK + 1];
	ssize_t got = read(fds[0], v, sizeof(v));
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (got != (ssize_t)sizeof(v) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	for (int r = 0; r < n; r++) {
		wall[r] = v[2 * r];
		cpu[r] = v[2 * r + 1];
	}
	if (ntypes)
		*ntypes = (uint32_t)v[2 * BLOCK];
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = 11, opt;
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (rounds = atoi(optarg)) < 1) {
			fprintf(stderr, "usage: %s [-n rounds] [typefile]\n", argv[0]);
			return 2;
		}
	}
	const char *path = optind < argc ? argv[optind] : "/sys/kernel/btf/vmlinux";
	double *lib = calloc((size_t)rounds, sizeof(double));
	double *ours = calloc((size_t)rounds, sizeof(double));
	double *lib_cpu = calloc((size_t)rounds, sizeof(double));
	double *ours_cpu = calloc((size_t)rounds, sizeof(double));
	uint32_t ntypes = 0;

	libbpf_set_print(silent);
	/* Blocks of BLOCK rounds of one side, then of the other, each block in
	 * a fresh child process: interleaved against drift in the machine's
	 * load, and neither side inherits the other's heap.  Round by round
	 * alternation in one process measures an interaction instead: glibc
	 * adapts its mmap threshold to recent large frees, and btf__parse took
	 * 1.7 ms alone but 3.9 ms right after each typ_file__open.  Each block
	 * starts with an untimed warm-up. */
	for (int start = 0; start < rounds; start += BLOCK) {
		int n = start + BLOCK < rounds ? BLOCK : rounds - start;
		if (run_block(0, path, n, lib + start, lib_cpu + start, NULL) < 0 ||
		    run_block(1, path, n, ours + start, ours_cpu + start, &ntypes) < 0)
			return 1;
	}
	printf("typefile: %s (%u types), %d rounds\n", path, ntypes, rounds);
	report("wall time", lib, ours, rounds);
	report("thread CPU time", lib_cpu, ours_cpu, rounds);

	/* Lookups: our hash vs libbpf's linear scan, for a missing name. */
	struct typ_file *tf;
	struct typ_err err;
	struct btf *btf = btf__parse(path, NULL);
	typ_file__open(path, &tf, &err);
	typ_id_t id;
	double t0 = now_ms();
	for (int i = 0; i < 1000; i++)
		typ_file__find(tf, TYP_NS_STRUCT, "no_such_struct_here", &id, 1);
	double t1 = now_ms();
	for (int i = 0; i < 100; i++)
		btf__find_by_name_kind(btf, "no_such_struct_here", BTF_KIND_STRUCT);
	double t2 = now_ms();
	printf("missing-name lookup:        typ %.5f ms  libbpf %.5f ms\n",
	       (t1 - t0) / 1000, (t2 - t1) / 100);
	btf__free(btf);
	typ_file__free(tf);
	free(lib);
	free(ours);
	free(lib_cpu);
	free(ours_cpu);
	return 0;
}
