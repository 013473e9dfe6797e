/*
 * dbpf_prov.h — the kernel providers: which probes exist on this machine,
 * where each one hooks into the kernel, and where its arguments come from.
 *
 * A kernel probe is described by three things the translator and the
 * attacher need and nothing else:
 *   - a hook (struct dbpf_hook): the kernel event one BPF program attaches
 *     to — a raw tracepoint by name or a perf software clock — with the
 *     number of u64 context words it passes;
 *   - a filter: probes that share a hook (every syscall shares raw
 *     sys_enter) are told apart by a value read in probe context, compared
 *     with a constant or another value;
 *   - an argument table: args[0..9] of the probe, each a small recipe over
 *     the context (struct dbpf_karg), and optionally the task the probe is
 *     "about" (sched:::on-cpu fires in the outgoing thread's context but is
 *     about the incoming one; curthread/pid/tid/execname follow that task).
 *
 * Providers: syscall (entry/return of every syscall in this system's table,
 * generated at build time from asm/unistd_64.h; one program on raw
 * sys_enter/sys_exit), proc (exec, exec-success, exit, create, lwp-create,
 * lwp-exit), sched (on-cpu, off-cpu, sleep, preempt, wakeup, wakeup-new),
 * profile (profile-N on every CPU, tick-N on one CPU, through perf
 * software clocks) and tracepoint (tracepoint:<group>::<event>, any event
 * the kernel has, on its raw tracepoint with BTF's argument count).
 * Offsets inside kernel structures (pt_regs, task_struct, linux_binprm) come
 * from the kernel's BTF, never from constants.
 *
 * Libraries' rules: 0 or -errno, a one-line message in the caller's buffer.
 */
#ifndef DBPF_PROV_H
#define DBPF_PROV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- The build-time syscall table (dbpf_prov_gen) ----------------------- */

struct dbpf_sysent {
	const char	*name;
	long		nr;
};
extern const struct dbpf_sysent dbpf_systab[];	/* sorted by nr */
extern const unsigned dbpf_nsys;

/* ---- Hooks ----------------------------------------------------------------- */

enum dbpf_hook_kind {
	DBPF_HOOK_RAW_TP = 1,	/* BPF_PROG_TYPE_RAW_TRACEPOINT; ctx = u64 args[] */
	DBPF_HOOK_PERF_CLOCK,	/* BPF_PROG_TYPE_PERF_EVENT on PERF_COUNT_SW_CPU_CLOCK;
				   ctx = struct bpf_perf_event_data (pt_regs first) */
};

struct dbpf_hook {
	enum dbpf_hook_kind kind;
	char		name[64];	/* raw tracepoint (e.g. "sys_enter") */
	char		group[64];	/* its tracefs group, for messages */
	uint32_t	nctx;		/* raw tp: u64 context words */
	uint64_t	period_ns;	/* perf clock: sample period */
	bool		all_cpus;	/* perf clock: one event per online CPU
					   (profile-N), else CPU 0 only (tick-N) */
};

/* ---- Argument recipes --------------------------------------------------------- */

enum dbpf_kargop {
	DBPF_KARG_ZERO = 0,	/* the constant `off` (0 by default) */
	DBPF_KARG_CTX,		/* u64 context word `word` */
	DBPF_KARG_CTX_LOAD,	/* load `size` bytes at ctx[word] + off through
				   bpf_probe_read_kernel (0 when it fails);
				   sign-extended when `sign` */
	DBPF_KARG_CTX_LOAD2,	/* two levels: p = *(u64 *)(ctx[word] + off);
				   value = `size` bytes at p + off2 */
	DBPF_KARG_PC_KERNEL,	/* perf ctx: regs.ip if the CPU was in kernel
				   mode (regs.cs & 3 == 0), else 0 */
	DBPF_KARG_PC_USER,	/* perf ctx: regs.ip if in user mode, else 0 */
	DBPF_KARG_EXIT_REASON,	/* from the int at ctx[word] + off (a task's
				   exit_code): 1 CLD_EXITED when the low 7
				   bits are 0; 3 CLD_DUMPED when bit 7 is set;
				   2 CLD_KILLED otherwise */
};

struct dbpf_karg {
	uint8_t		op;		/* enum dbpf_kargop */
	uint8_t		word;		/* context word */
	uint8_t		size;		/* 1, 2, 4, 8 */
	uint8_t		sign;
	uint32_t	off, off2;
};

/* Filter: a firing belongs to the probe when `a <cmp> b` (b: a recipe,
 * DBPF_KARG_ZERO with off = the constant).  DBPF_CMP_NONE: always. */
enum dbpf_cmp { DBPF_CMP_NONE = 0, DBPF_CMP_EQ, DBPF_CMP_NE };

#define DBPF_KMAXARGS	10

struct dbpf_kprobe {
	char		prov[32], mod[64], func[64], name[64];
	struct dbpf_hook hook;
	uint8_t		cmp;		/* enum dbpf_cmp */
	struct dbpf_karg filt_a, filt_b;
	uint32_t	nargs;
	struct dbpf_karg args[DBPF_KMAXARGS];
	const char	*argtype[DBPF_KMAXARGS];	/* C type of args[i] ("uint64_t",
						   "struct task_struct *") */
	/* DBPF_KARG_ZERO: the current task (bpf_get_current_task).  Otherwise
	 * the task this probe reports on; pid/tid/execname/curthread/uid/gid
	 * of the firing are read from it (task_off gives the offsets). */
	struct dbpf_karg task;
};

/* Offsets the recipes and a task override need, from the kernel's BTF. */
struct dbpf_task_off {
	uint32_t	pid, tgid, comm, real_parent, cred, cred_uid, cred_gid,
			exit_code;
};

/* ---- Catalog ---------------------------------------------------------------- */

struct dbpf_catalog;

/*
 * Open the catalog: the kernel's BTF (btf_path, NULL for
 * /sys/kernel/btf/vmlinux) for structure offsets.  Fails with -ENOENT
 * and a message when the BTF cannot be read.  btf_path "" opens the
 * names only (listing, matching): no BTF is read, offsets are 0 and
 * tracepoints cannot be made.
 */
int dbpf_catalog__new(const char *btf_path, struct dbpf_catalog **out,
    char *err, size_t errlen);
void dbpf_catalog__free(struct dbpf_catalog *c);

/* The static probes (syscall, proc, sched), in listing order. */
size_t dbpf_catalog__count(const struct dbpf_catalog *c);
const struct dbpf_kprobe *dbpf_catalog__probe(const struct dbpf_catalog *c, size_t i);
const struct dbpf_task_off *dbpf_catalog__task_off(const struct dbpf_catalog *c);

/*
 * Fill *out for a probe made on demand: profile:::profile-N / tick-N
 * (period_ns, tick), or tracepoint:<group>::<event> (the event must exist
 * as a raw tracepoint with a btf_trace_<event> type; its arguments are the
 * tracepoint's own, typed from BTF).  -ENOENT with a message otherwise.
 */
int dbpf_catalog__profile(const struct dbpf_catalog *c, const char *name,
    uint64_t period_ns, bool tick, struct dbpf_kprobe *out);
int dbpf_catalog__tracepoint(const struct dbpf_catalog *c, const char *group,
    const char *event, struct dbpf_kprobe *out, char *err, size_t errlen);

/*
 * The tracepoint events of this kernel, from tracefs available_events
 * (mounted if absent): calls fn(group, event, arg) for each, in file order.
 * -errno with a message when tracefs is not reachable.
 */
int dbpf_tracepoint__each(int (*fn)(const char *group, const char *event, void *arg),
    void *arg, char *err, size_t errlen);

/* Syscall number of `name` in this system's table, or -1. */
long dbpf_syscall__nr(const char *name);

#endif /* DBPF_PROV_H */
