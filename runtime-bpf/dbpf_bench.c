/*
 * dbpf_bench.c — the measuring half of bench/bpf_bench.sh (not installed).
 *
 *   dbpf_bench loop N    time N getppid() calls, print ns per call
 *   dbpf_bench probe N   the same with the DIF predicate
 *                        `pid == <self> && arg1 == __NR_getppid` + count
 *                        attached to raw sys_enter; checks count == N
 *   dbpf_bench probe-tp N  the same predicate (syscall number = arg0) on
 *                        the raw_syscalls:sys_enter tracepoint
 *
 * Output is one line "ns_per_call <x>" (+ "count <n>" for probe), so the
 * script can parse it.  Exit 0 ok, 1 when BPF fails, 2 on bad usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dbpf.h"
#include "ht_version.h"

static double loop_ns(long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
}

static int probe(long n, bool tp)
{
	dif_instr_t buf[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_PID, 1),
		DIF_INSTR_IMM16(DIF_OP_SETX, 0, 2),
		DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0),
		DIF_INSTR_BRANCH(DIF_OP_BNE, 10),
		DIF_INSTR_IMM16(DIF_OP_LDGS, tp ? DIF_VAR_ARG0 : DIF_VAR_ARG1, 3),
		DIF_INSTR_IMM16(DIF_OP_SETX, 1, 4),
		DIF_INSTR_FMT(DIF_OP_CMP, 3, 4, 0),
		DIF_INSTR_BRANCH(DIF_OP_BNE, 10),
		DIF_INSTR_IMM16(DIF_OP_SETX, 2, 5),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 5),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0),
	};
	uint64_t ints[] = { (uint64_t)getpid(), SYS_getppid, 1 };
	struct dif_difo d = { .dtdo_buf = buf, .dtdo_len = 11, .dtdo_inttab = ints,
	    .dtdo_intlen = 3 };
	struct dbpf_opts opts = { .do_ctx = tp ? DBPF_CTX_TRACEPOINT : DBPF_CTX_RAW_TP,
	    .do_nargs = 2 };
	int rc;
	struct dbpf_prog *p;
	struct dbpf_probe *pr;
	struct dbpf_stats st;
	char err[512];
	double ns;

	if (dbpf_prog__translate(&d, &opts, &p, err, sizeof(err)) ||
	    dbpf_probe__load(p, &pr, err, sizeof(err))) {
		fprintf(stderr, "dbpf_bench: %s\n", err);
		return 1;
	}
	rc = tp ? dbpf_probe__attach_tracepoint(pr, "raw_syscalls", "sys_enter",
	    err, sizeof(err)) : dbpf_probe__attach_raw_tp(pr, "sys_enter", err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "dbpf_bench: %s\n", err);
		return 1;
	}
	ns = loop_ns(n);
	if (dbpf_probe__stats(pr, &st)) {
		fprintf(stderr, "dbpf_bench: cannot read the state map\n");
		return 1;
	}
	printf("ns_per_call %.1f\ncount %llu\n", ns, (unsigned long long)st.ds_count);
	dbpf_probe__free(pr);
	dbpf_prog__free(p);
	return st.ds_count == (uint64_t)n ? 0 : 1;
}

int main(int argc, char **argv)
{
	long n;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("dbpf_bench (HyperTrace) %s\n", HT_VERSION);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: dbpf_bench loop|probe|probe-tp N\n");
		return 0;
	}
	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: dbpf_bench loop|probe|probe-tp N\n");
		return 2;
	}
	if (strcmp(argv[1], "loop") == 0) {
		printf("ns_per_call %.1f\n", loop_ns(n));
		return 0;
	}
	if (strcmp(argv[1], "probe") == 0 || strcmp(argv[1], "probe-tp") == 0)
		return probe(n, strcmp(argv[1], "probe-tp") == 0);
	fprintf(stderr, "usage: dbpf_bench loop|probe|probe-tp N\n");
	return 2;
}
