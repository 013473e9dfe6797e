/*
 * dbpf.h — run linked DIF programs in the Linux kernel through BPF.
 *
 * Two steps.  dbpf_prog__translate turns one linked, validated DIFO into a
 * BPF program (struct bpf_insn array) plus a map from every BPF instruction
 * back to the DIF pc it came from.  dbpf_probe__load creates the program's
 * per-CPU state map, loads the program with the verifier log captured, and
 * can then attach it to a raw tracepoint or run it once through
 * BPF_PROG_TEST_RUN.
 *
 * What a translated program does on every firing: run the DIFO; on `ret`
 * record the result in the state map (runs++, result = value, count++ when
 * the value is nonzero — the predicate-and-count shape); on a DTrace fault
 * record the fault code, DIF pc and offending value (runs++, faults++) and
 * return DBPF_RET_FAULT.  See docs/bpf.md for the register and stack layout.
 *
 * Libraries' rules apply: functions return 0 or -errno and write a one-line
 * message into the caller's buffer; nothing prints or exits.
 */
#ifndef DBPF_H
#define DBPF_H

#include <stddef.h>
#include <stdint.h>

#include "dif/dif.h"

struct bpf_insn;

/* Return values of a translated program. */
#define DBPF_RET_OK	0
#define DBPF_RET_FAULT	1

/* The per-CPU state map value (key 0).  User space sums it over CPUs. */
struct dbpf_stats {
	uint64_t	ds_runs;	/* firings that reached ret or faulted */
	uint64_t	ds_count;	/* firings whose result was nonzero */
	uint64_t	ds_result;	/* result of the last firing on this CPU */
	uint64_t	ds_faults;	/* firings that faulted */
	uint64_t	ds_fault;	/* DIF_FAULT_* of the last fault */
	uint64_t	ds_fault_pc;	/* DIF pc of the last fault */
	uint64_t	ds_illval;	/* offending address or value */
};

/* What the program's context is, which decides its BPF program type. */
enum dbpf_ctx {
	DBPF_CTX_RAW_TP = 0,	/* raw tracepoint: ctx = u64 args[]; argN = args[N] */
	DBPF_CTX_TRACEPOINT,	/* perf tracepoint record: argN = u64 at 8 + 8N
				   (the fields after the common header; exact
				   for the syscall tracepoints, whose fields are
				   all 8 bytes) */
	DBPF_CTX_PERF_EVENT,	/* perf sampling event (clause programs only):
				   ctx = struct bpf_perf_event_data, pt_regs first */
};

struct dbpf_opts {
	enum dbpf_ctx	do_ctx;
	/*
	 * Number of 64-bit context arguments the attach point provides:
	 * `ldgs argN` with N < nargs reads ctx[N].  raw_syscalls sys_enter
	 * has 2 (regs, syscall id).  0 means no argN is translated.
	 */
	uint32_t	do_nargs;
};

struct dbpf_prog;	/* a translated program; owns its arrays */
struct dbpf_probe;	/* a loaded program, its map, and its attachment */

/*
 * Translate dp.  On error returns -EINVAL (or -ENOMEM) and writes e.g.
 * "pc 3: opcode 'sets' is not translated to BPF" into err.
 */
int dbpf_prog__translate(const struct dif_difo *dp, const struct dbpf_opts *opts,
    struct dbpf_prog **out, char *err, size_t errlen);
void dbpf_prog__free(struct dbpf_prog *p);
/* The BPF text; *n receives the instruction count. */
const struct bpf_insn *dbpf_prog__insns(const struct dbpf_prog *p, size_t *n);
/* The DIF pc a BPF instruction came from; -1 for prologue/epilogue code. */
int64_t dbpf_prog__dif_pc(const struct dbpf_prog *p, size_t bpf_pc);

/*
 * Create the state map and load p as a BPF_PROG_TYPE_RAW_TRACEPOINT or
 * BPF_PROG_TYPE_TRACEPOINT program (after its opts.do_ctx).  -EPERM/-ENOSYS: BPF unavailable.  A verifier rejection gives
 * -EACCES/-EINVAL with "verifier rejected BPF insn N (from DIF pc P): ..."
 * in err.  p must outlive the probe only until this call returns.
 */
int dbpf_probe__load(const struct dbpf_prog *p, struct dbpf_probe **out,
    char *err, size_t errlen);
void dbpf_probe__free(struct dbpf_probe *pr);	/* detaches, closes */
/* Attach a DBPF_CTX_RAW_TP program to raw tracepoint tp (e.g. "sys_enter"). */
int dbpf_probe__attach_raw_tp(struct dbpf_probe *pr, const char *tp,
    char *err, size_t errlen);
/*
 * Attach a DBPF_CTX_TRACEPOINT program to tracepoint group:name (e.g.
 * "raw_syscalls", "sys_enter") through perf_event_open + SET_BPF.  Mounts
 * tracefs on /sys/kernel/tracing when it is absent (and leaves it there);
 * -ENOENT when the event does not exist, with the reason in err.
 */
int dbpf_probe__attach_tracepoint(struct dbpf_probe *pr, const char *group,
    const char *name, char *err, size_t errlen);
/* Zero the state map on every CPU. */
int dbpf_probe__reset(struct dbpf_probe *pr);
/*
 * Read the state map: runs/count/faults summed over CPUs; result and the
 * fault fields taken from the last CPU (in CPU order) that recorded one.
 */
int dbpf_probe__stats(const struct dbpf_probe *pr, struct dbpf_stats *sum);
/*
 * Run a DBPF_CTX_RAW_TP program once on this CPU with ctx args[0..nargs)
 * (rest zero) through BPF_PROG_TEST_RUN; *retval receives DBPF_RET_*.
 * -EOPNOTSUPP for a tracepoint program (the kernel cannot test-run those).
 */
int dbpf_probe__test_run(struct dbpf_probe *pr, const uint64_t *args,
    unsigned nargs, uint32_t *retval);
/* True when the bpf() syscall lets us create a map (root, BPF built in). */
int dbpf_available(void);

/*
 * vm_kernel_addrperm(addr) (Apple's subroutine id 54, which dif.h's name
 * table leaves out): addr plus this per-process secret (random, odd), 0
 * staying 0, so addresses can be compared without being revealed.  The
 * host engine and the BPF programs share it; 0 when no randomness is
 * available (the callers then refuse).
 */
#define DBPF_SUBR_VM_KERNEL_ADDRPERM	54
uint64_t dbpf_addrperm_key(void);

#endif /* DBPF_H */
