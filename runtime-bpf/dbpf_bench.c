/*
 * dbpf_bench.c — the measuring half of bench/bpf_bench.sh (not installed).
 *
 *   dbpf_bench loop N    time N getppid() calls, print ns per call
 *   dbpf_bench probe N   the same with the DIF predicate
 *                        `pid == <self> && arg1 == __NR_getppid` + count
 *                        attached to raw sys_enter; checks count == N
 *   dbpf_bench probe-tp N  the same predicate (syscall number = arg0) on
 *                        the raw_syscalls:sys_enter tracepoint
 *   dbpf_bench clause N  the clause program of
 *                        `syscall:::entry { @[execname] = count(); }`
 *                        (dbpf_clause.h: per-CPU hash keyed by execname)
 *                        on raw sys_enter; checks @["dbpf_bench"] >= N
 *   dbpf_bench clause-tp N  the same on the raw_syscalls:sys_enter tracepoint
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
#include "dbpf_clause.h"
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

struct found {
	uint64_t	count;
};

static int on_agg(void *arg, uint32_t aggid, const struct dbpf_aggkey *keys,
    uint32_t nkeys, const int64_t *words, uint32_t nwords)
{
	struct found *f = arg;

	(void)aggid;
	if (nkeys == 1 && nwords == 1 && strcmp(keys[0].data, "dbpf_bench") == 0)
		f->count += (uint64_t)words[0];
	return 0;
}

/* @[execname] = count() on every syscall entry (raw tp or tracepoint). */
static int clause(long n, bool tp)
{
	static const dif_instr_t exec[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_EXECNAME, 1),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1),
	};
	struct dif_difo e = { .dtdo_buf = exec, .dtdo_len = 2 };
	struct dbpf_key key = { .difo = &e, .actndx = 1, .string = true };
	struct dbpf_step st = { .kind = DBPF_STEP_AGG, .actndx = 1, .aggid = 1,
	    .aggfunc = DIF_ACT_COUNT, .keys = &key, .nkeys = 1 };
	struct dbpf_clause cl = { .epid = 1, .what = "syscall:::entry", .steps = &st,
	    .nsteps = 1 };
	struct dbpf_attach at = { .at_ctx = tp ? DBPF_CTX_TRACEPOINT : DBPF_CTX_RAW_TP,
	    .at_prov = "syscall",
	    .at_mod = "", .at_func = "", .at_name = "entry" };
	struct dbpf_set *set;
	struct found f = { 0 };
	char err[512];
	double ns;
	int idx;

	if (dbpf_set__new(NULL, &set, err, sizeof(err)) != 0 ||
	    dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)) != 0 ||
	    (tp ? dbpf_set__attach_tracepoint(set, idx, "raw_syscalls", "sys_enter",
	    err, sizeof(err)) : dbpf_set__attach_raw_tp(set, idx, "sys_enter", err,
	    sizeof(err))) != 0) {
		fprintf(stderr, "dbpf_bench: %s\n", err);
		return 1;
	}
	ns = loop_ns(n);
	if (dbpf_set__agg_walk(set, on_agg, &f) != 0) {
		fprintf(stderr, "dbpf_bench: cannot read the aggregation\n");
		return 1;
	}
	printf("ns_per_call %.1f\ncount %llu\n", ns, (unsigned long long)f.count);
	dbpf_set__free(set);
	return f.count >= (uint64_t)n ? 0 : 1;
}

int main(int argc, char **argv)
{
	long n;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("dbpf_bench (HyperTrace) %s\n", HT_VERSION);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: dbpf_bench loop|probe|probe-tp|clause|clause-tp N\n");
		return 0;
	}
	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: dbpf_bench loop|probe|probe-tp|clause|clause-tp N\n");
		return 2;
	}
	if (strcmp(argv[1], "loop") == 0) {
		printf("ns_per_call %.1f\n", loop_ns(n));
		return 0;
	}
	if (strcmp(argv[1], "probe") == 0 || strcmp(argv[1], "probe-tp") == 0)
		return probe(n, strcmp(argv[1], "probe-tp") == 0);
	if (strcmp(argv[1], "clause") == 0 || strcmp(argv[1], "clause-tp") == 0)
		return clause(n, strcmp(argv[1], "clause-tp") == 0);
	fprintf(stderr, "usage: dbpf_bench loop|probe|probe-tp|clause|clause-tp N\n");
	return 2;
}
