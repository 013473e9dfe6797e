/*
 * bpf_target.c — a traced program with known ground truth for the kernel
 * provider tests: `bpf_target getppid N` calls getppid() N times;
 * `bpf_target open PATH` opens PATH once (openat); `bpf_target sleep N`
 * sleeps N times 1 ms (N voluntary context switches, so N on-cpu firings
 * at least); `bpf_target bench N` times N getppid() calls and prints the
 * nanoseconds per call (bench/bpf_syscall_bench.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bpf_target getppid|open|sleep|bench ARG\n");
		return 2;
	}
	if (strcmp(argv[1], "getppid") == 0) {
		long n = atol(argv[2]);

		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (strcmp(argv[1], "bench") == 0) {
		long n = atol(argv[2]);
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) /
		    (double)(n > 0 ? n : 1));
		return 0;
	}
	if (strcmp(argv[1], "open") == 0) {
		int fd = open(argv[2], O_RDONLY);

		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (strcmp(argv[1], "sleep") == 0) {
		struct timespec ts = { 0, 1000000 };
		long n = atol(argv[2]);

		for (long i = 0; i < n; i++)
			nanosleep(&ts, NULL);
		return 0;
	}
	return 2;
}
