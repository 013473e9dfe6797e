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
 *   dbpf_bench clause-str N  `syscall:::entry /strstr(execname, "bench")/
 *                        { @ = count(); }` on raw sys_enter: a kernel string
 *                        kfunc on every event; checks @ >= N
 *   dbpf_bench strload N for each string subroutine and strsize 64, 256,
 *                        1024: a clause recording its result on execname,
 *                        loaded N times into one set; prints "strload
 *                        <subr> <strsize> insns <n> verified <n> load_us
 *                        <median> first_us <t>" (insns: after the
 *                        verifier's rewrites; verified: the instructions
 *                        the verifier walked; first: with the BTF read)
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

#include <bpf/bpf.h>

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

/* @ = count(): the sum over CPUs. */
static int on_count(void *arg, uint32_t aggid, const struct dbpf_aggkey *keys,
    uint32_t nkeys, const int64_t *words, uint32_t nwords)
{
	struct found *f = arg;

	(void)aggid;
	(void)keys;
	if (nkeys == 0 && nwords == 1)
		f->count += (uint64_t)words[0];
	return 0;
}

/*
 * Load clause cl on syscall entry (the raw tracepoint, or raw_syscalls:
 * sys_enter by name when tp), time n getppid() calls, then count the
 * firings the aggregation saw through fn; prints ns_per_call and count.
 */
static int run_clause(const struct dbpf_attach *at, const struct dbpf_clause *cl, bool tp,
    dbpf_agg_fn *fn, long n)
{
	struct dbpf_set *set;
	struct found f = { 0 };
	char err[512];
	double ns;
	int idx;

	if (dbpf_set__new(NULL, &set, err, sizeof(err)) != 0 ||
	    dbpf_set__add_probe(set, at, cl, 1, &idx, err, sizeof(err)) != 0 ||
	    (tp ? dbpf_set__attach_tracepoint(set, idx, "raw_syscalls", "sys_enter",
	    err, sizeof(err)) : dbpf_set__attach_raw_tp(set, idx, "sys_enter", err,
	    sizeof(err))) != 0) {
		fprintf(stderr, "dbpf_bench: %s\n", err);
		return 1;
	}
	ns = loop_ns(n);
	if (dbpf_set__agg_walk(set, fn, &f) != 0) {
		fprintf(stderr, "dbpf_bench: cannot read the aggregation\n");
		return 1;
	}
	printf("ns_per_call %.1f\ncount %llu\n", ns, (unsigned long long)f.count);
	dbpf_set__free(set);
	return f.count >= (uint64_t)n ? 0 : 1;
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

	return run_clause(&at, &cl, tp, on_agg, n);
}

#define INS(op, r1, r2, d)	DIF_INSTR_FMT(DIF_OP_##op, r1, r2, d)
#define LDGS(v, d)		DIF_INSTR_IMM16(DIF_OP_LDGS, v, d)
#define SETS(o, d)		DIF_INSTR_IMM16(DIF_OP_SETS, o, d)
#define SETX(i, d)		DIF_INSTR_IMM16(DIF_OP_SETX, i, d)
#define PUSHS(r)		INS(PUSHTR, DIF_TYPE_STRING, 0, r)
#define PUSHV(r)		INS(PUSHTV, 0, 0, r)
#define CALLS(s, d)		DIF_INSTR_IMM16(DIF_OP_CALL, s, d)

/* subr(execname [, "bench"] [, 2]); the string table holds "bench" */
struct strprog {
	const char	*name;
	unsigned	subr;
	int		nargs;		/* 1: s; 2: s, "bench"; 3: + 2; 4: s, 10, 10 */
	bool		str;		/* the result is a string */
	bool		af;		/* inet_ntop: AF_INET6 first */
};

static const struct strprog strprogs[] = {
	{ "strstr", DIF_SUBR_STRSTR, 2, true, false },
	{ "index", DIF_SUBR_INDEX, 3, false, false },
	{ "rindex", DIF_SUBR_RINDEX, 3, false, false },
	{ "strtok", DIF_SUBR_STRTOK, 2, true, false },
	{ "basename", DIF_SUBR_BASENAME, 1, true, false },
	{ "dirname", DIF_SUBR_DIRNAME, 1, true, false },
	{ "inet_ntoa", DIF_SUBR_INET_NTOA, 1, true, false },
	{ "inet_ntoa6", DIF_SUBR_INET_NTOA6, 1, true, false },
	{ "inet_ntop", DIF_SUBR_INET_NTOP, 1, true, true },
	{ "strrchr", DIF_SUBR_STRRCHR, 0, false, false },
	{ "substr", DIF_SUBR_SUBSTR, 0, true, false },
	{ "strtoll", DIF_SUBR_STRTOLL, 0, false, false },
	{ "memstr", DIF_SUBR_MEMSTR, 4, true, false },
};

static size_t strprog_text(const struct strprog *sp, dif_instr_t *b)
{
	size_t n = 0;

	b[n++] = LDGS(DIF_VAR_EXECNAME, 1);
	b[n++] = SETS(0, 2);
	b[n++] = SETX(0, 4);
	b[n++] = DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0);
	if (sp->af)
		b[n++] = PUSHV(4);
	b[n++] = PUSHS(1);
	if (sp->nargs == 0)	/* strrchr(s, 2), substr(s, 2), strtoll(s, 2) */
		b[n++] = PUSHV(4);
	if (sp->nargs >= 2)
		b[n++] = PUSHS(2);
	if (sp->nargs == 3)
		b[n++] = PUSHV(4);
	if (sp->nargs == 4) {	/* memstr(s, 10, 10) */
		b[n++] = DIF_INSTR_IMM16(DIF_OP_SETX, 0, 5);
		b[n++] = PUSHV(5);
		b[n++] = PUSHV(5);
	}
	b[n++] = CALLS(sp->subr, 3);
	b[n++] = INS(RET, 0, 0, 3);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* One load of sp into set: its time, size and verifier work. */
static int strload_once(struct dbpf_set *set, const struct strprog *sp,
    uint32_t strsize, double *us, uint32_t *insns, uint32_t *verified)
{
	static const uint64_t ints[] = { 10, 2 };
	dif_instr_t buf[16];
	struct dif_difo d = { .dtdo_buf = buf, .dtdo_inttab = ints, .dtdo_intlen = 2,
	    .dtdo_strtab = "bench", .dtdo_strlen = 6 };
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &d,
	    .size = sp->str ? strsize + 1 : 8, .byref = sp->str, .string = sp->str };
	struct dbpf_clause cl = { .epid = 1, .what = sp->name, .steps = &st,
	    .nsteps = 1, .datasize = (sp->str ? strsize + 8 : 8) & ~7u, .records = true };
	struct dbpf_attach at = { .at_ctx = DBPF_CTX_RAW_TP, .at_prov = "syscall",
	    .at_mod = "", .at_func = "", .at_name = "entry" };
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	char err[512];
	double t0;
	int idx;

	d.dtdo_len = (uint32_t)strprog_text(sp, buf);
	t0 = now_us();
	if (dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)) != 0) {
		fprintf(stderr, "dbpf_bench: %s at strsize %u: %s\n", sp->name, strsize, err);
		return 1;
	}
	*us = now_us() - t0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(dbpf_set__prog_fd(set, idx), &info, &len) != 0) {
		fprintf(stderr, "dbpf_bench: cannot read the program's info\n");
		return 1;
	}
	*insns = info.xlated_prog_len / 8;
	*verified = info.verified_insns;
	return 0;
}

/*
 * Per subroutine and strsize, one set and n loads into it: the first pays
 * for reading the kernel's BTF (the kfuncs' ids, once per set, as once per
 * dtrace run); load_us is the median of the others.
 */
static int strload(long n)
{
	static const uint32_t sizes[] = { 64, 256, 1024 };

	for (size_t i = 0; i < sizeof(strprogs) / sizeof(strprogs[0]); i++) {
		for (size_t z = 0; z < 3; z++) {
			struct dbpf_set_opts o = { .so_strsize = sizes[z] };
			struct dbpf_set *set;
			double t[64], first = 0;
			uint32_t insns = 0, verified = 0;
			long k, m = n < 2 ? 2 : n > 64 ? 64 : n;
			char err[512];

			if (dbpf_set__new(&o, &set, err, sizeof(err)) != 0) {
				fprintf(stderr, "dbpf_bench: %s\n", err);
				return 1;
			}
			for (k = 0; k < m; k++)
				if (strload_once(set, &strprogs[i], sizes[z], &t[k], &insns,
				    &verified) != 0) {
					dbpf_set__free(set);
					return 1;
				}
			dbpf_set__free(set);
			first = t[0];
			qsort(t + 1, (size_t)m - 1, sizeof(t[0]), cmp_double);
			printf("strload %s %u insns %u verified %u load_us %.0f first_us %.0f\n",
			    strprogs[i].name, sizes[z], insns, verified, t[1 + (m - 2) / 2], first);
		}
	}
	return 0;
}

/* syscall:::entry /strstr(execname, "bench")/ { @ = count(); } */
static int clause_str(long n)
{
	static const dif_instr_t pred[] = {
		LDGS(DIF_VAR_EXECNAME, 1), SETS(0, 2), DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0),
		PUSHS(1), PUSHS(2), CALLS(DIF_SUBR_STRSTR, 3), INS(RET, 0, 0, 3),
	};
	struct dif_difo p = { .dtdo_buf = pred, .dtdo_len = 7, .dtdo_strtab = "bench",
	    .dtdo_strlen = 6 };
	struct dbpf_step st = { .kind = DBPF_STEP_AGG, .actndx = 1, .aggid = 1,
	    .aggfunc = DIF_ACT_COUNT };
	struct dbpf_clause cl = { .epid = 1, .what = "syscall:::entry", .pred = &p,
	    .steps = &st, .nsteps = 1 };
	struct dbpf_attach at = { .at_ctx = DBPF_CTX_RAW_TP, .at_prov = "syscall",
	    .at_mod = "", .at_func = "", .at_name = "entry" };

	return run_clause(&at, &cl, false, on_count, n);
}

int main(int argc, char **argv)
{
	long n;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("dbpf_bench (HyperTrace) %s\n", HT_VERSION);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: dbpf_bench loop|probe|probe-tp|clause|clause-tp|clause-str|strload N\n");
		return 0;
	}
	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: dbpf_bench loop|probe|probe-tp|clause|clause-tp|clause-str|strload N\n");
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
	if (strcmp(argv[1], "clause-str") == 0)
		return clause_str(n);
	if (strcmp(argv[1], "strload") == 0)
		return strload(n);
	fprintf(stderr, "usage: dbpf_bench loop|probe|probe-tp|clause|clause-tp|clause-str|strload N\n");
	return 2;
}
