/*
 * dt_engine.c — the probe-context engine's host in the dtrace process.
 *
 * Theory.  The firing path (ECBs, buffers, aggregations, speculations,
 * ERROR) is freestanding code in runtime-kernel/ (dvm_engine.h); what it
 * cannot know is answered here, through struct dvm_host: clocks
 * (clock_gettime), loads outside the engine's own memory (user memory of
 * this process through process_vm_readv, which fails cleanly on a bad
 * address; anything else faults BADADDR) and the built-in variables that
 * describe the firing thread (pid, tid, execname, uid, ...), and the
 * subroutines only a host can answer: progenyof() from /proc, and
 * vm_kernel_addrperm() (the address plus the per-run secret runtime-bpf
 * keeps, so both runtimes permute alike; 0 stays 0).  Probes of
 * the dtrace and profile providers fire on the consumer's own thread, so
 * the current thread is this process's main thread; its thread key is
 * host namespace 0 with the tid (dt_program.c).
 *
 * Stacks: these probes fire in user space, in this process, so stack()
 * is empty, stackdepth and caller are 0 (no kernel frames), and ustack(),
 * ustackdepth and ucaller describe this thread's own user stack (glibc's
 * backtrace(), primed at enable time so it does not load libgcc while a
 * probe fires).  The consumer names our own pcs with dladdr().
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dt_impl.h"
#include "dbpf.h"

#define DT_USTACK_MAX	128

static uint64_t h_time(void *hctx, enum dvm_clock clk)
{
	static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID,
	    CLOCK_REALTIME, CLOCK_BOOTTIME };
	struct timespec ts;

	(void)hctx;
	clock_gettime(ids[clk], &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int h_load(void *hctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	uint64_t v = 0;
	struct iovec l = { &v, size }, r = { (void *)(uintptr_t)addr, size };

	(void)hctx;
	if (space != DVM_SPACE_USER)
		return DIF_FAULT_BADADDR;
	if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != (ssize_t)size)
		return DIF_FAULT_BADADDR;
	*val = v;
	return 0;
}

/*
 * Hardware counters: the probes fire on this thread, so the thread's own
 * perf counters (opened at enable time; 0 where perf events are not
 * available) serve for vcycles/vinstrs and, on the CPU the thread runs
 * on, for cpucycles/cpuinstrs; x86 reads its cycle counter directly.
 */
static int perf_fd[2] = { -1, -1 };	/* cycles, instructions */

static uint64_t counter(uint32_t id)
{
	uint64_t v = 0;
	int fd = (id == DIF_VAR_CPUCYCLES || id == DIF_VAR_VCYCLES) ? perf_fd[0] : perf_fd[1];

#if defined(__x86_64__)
	if (id == DIF_VAR_CPUCYCLES)
		return __builtin_ia32_rdtsc();
#endif
	if (fd < 0 || read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

static void open_counters(void)
{
	static const uint64_t which[2] = { PERF_COUNT_HW_CPU_CYCLES,
	    PERF_COUNT_HW_INSTRUCTIONS };

	for (int i = 0; i < 2; i++) {
		struct perf_event_attr a;

		if (perf_fd[i] >= 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_HARDWARE;
		a.config = which[i];
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		perf_fd[i] = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1,
		    PERF_FLAG_FD_CLOEXEC);
	}
}

/* Is this process pid, or a descendant of it?  (/proc's parent links.) */
static bool progeny_of(uint64_t pid)
{
	long cur = (long)getpid();

	for (int depth = 0; cur > 0 && depth < 4096; depth++) {
		char path[64], buf[512], *rp;
		FILE *fp;
		long ppid;

		if ((uint64_t)cur == pid)
			return true;
		snprintf(path, sizeof(path), "/proc/%ld/stat", cur);
		if ((fp = fopen(path, "r")) == NULL)
			return false;
		rp = fgets(buf, sizeof(buf), fp);
		fclose(fp);
		/* "pid (comm) state ppid ...": comm may hold spaces */
		if (rp == NULL || (rp = strrchr(buf, ')')) == NULL ||
		    sscanf(rp + 1, " %*c %ld", &ppid) != 1)
			return false;
		cur = ppid;
	}
	return false;
}

static int h_subr(void *hctx, uint32_t subr, const uint64_t *args, uint32_t nargs,
    uint64_t *val)
{
	(void)hctx;
	if (subr == DIF_SUBR_PROGENYOF && nargs >= 1) {
		*val = progeny_of(args[0]);
		return 0;
	}
	if (subr == DBPF_SUBR_VM_KERNEL_ADDRPERM && nargs >= 1) {
		uint64_t key = dbpf_addrperm_key();	/* the BPF programs' too */
		if (key == 0)
			return DIF_FAULT_ILLOP;
		*val = args[0] == 0 ? 0 : args[0] + key;
		return 0;
	}
	return DIF_FAULT_ILLOP;	/* kvtophys, locks, devices: no kernel here */
}

static int h_builtin(void *hctx, uint32_t id, uint64_t ndx, uint64_t *val)
{
	const struct dt_state *st = hctx;

	(void)ndx;
	switch (id) {
	case DIF_VAR_PID:	*val = (uint64_t)st->pid; return 0;
	case DIF_VAR_PPID:	*val = (uint64_t)getppid(); return 0;
	case DIF_VAR_TID:	*val = (uint64_t)st->tid; return 0;
	case DIF_VAR_UID:	*val = (uint64_t)getuid(); return 0;
	case DIF_VAR_GID:	*val = (uint64_t)getgid(); return 0;
	case DIF_VAR_EXECNAME:	*val = (uintptr_t)st->execname; return 0;
	case DIF_VAR_ZONENAME:	*val = (uintptr_t)st->zonename; return 0;
	case DIF_VAR_VMNAME:	*val = (uintptr_t)st->vmname; return 0;
	case DIF_VAR_CPU: case DIF_VAR_IPL: case DIF_VAR_ERRNO:
	case DIF_VAR_STACKDEPTH: case DIF_VAR_CALLER:	/* no kernel frames */
		*val = 0;
		return 0;
	case DIF_VAR_MACHTIMESTAMP:	/* mach time is nanoseconds here */
		*val = h_time(hctx, DVM_CLOCK_MONOTONIC);
		return 0;
	case DIF_VAR_MACHCTIMESTAMP:	/* keeps counting across suspend */
		*val = h_time(hctx, DVM_CLOCK_BOOT);
		return 0;
	case DIF_VAR_CPUCYCLES: case DIF_VAR_CPUINSTRS:
	case DIF_VAR_VCYCLES: case DIF_VAR_VINSTRS:
		*val = counter(id);
		return 0;
	case DIF_VAR_USTACKDEPTH: case DIF_VAR_UCALLER: {
		void *pcs[DT_USTACK_MAX];
		int n = backtrace(pcs, DT_USTACK_MAX);

		if (id == DIF_VAR_USTACKDEPTH)
			*val = n > 0 ? (uint64_t)n : 0;
		else
			*val = n > 1 ? (uint64_t)(uintptr_t)pcs[1] : 0;
		return 0;
	}
	default:	/* kernel stacks, curthread, jails: no kernel here */
		return DIF_FAULT_ILLOP;
	}
}

static uint32_t h_stack(void *hctx, int user, uint64_t *pcs, uint32_t max)
{
	void *buf[DT_USTACK_MAX];
	int n;

	(void)hctx;
	if (!user)
		return 0;		/* fired in user space: no kernel frames */
	n = backtrace(buf, max < DT_USTACK_MAX ? (int)max : DT_USTACK_MAX);
	for (int i = 0; i < n; i++)
		pcs[i] = (uint64_t)(uintptr_t)buf[i];
	return n > 0 ? (uint32_t)n : 0;
}

/*
 * DTrace's chill() limits: one call, and all the calls of one interval
 * together, spin at most 500 ms of each second; beyond that the action
 * faults (ILLOP) instead of spinning.
 */
#define DT_CHILL_MAX		500000000ULL
#define DT_CHILL_INTERVAL	1000000000ULL

static int h_chill(void *hctx, uint64_t ns)
{
	static uint64_t mark, chilled;
	uint64_t now = h_time(hctx, DVM_CLOCK_MONOTONIC), end;

	if (now - mark > DT_CHILL_INTERVAL) {
		mark = now;
		chilled = 0;
	}
	if (ns > DT_CHILL_MAX || chilled + ns > DT_CHILL_MAX)
		return DIF_FAULT_ILLOP;
	chilled += ns;
	for (end = now + ns; h_time(hctx, DVM_CLOCK_MONOTONIC) < end; )
		;	/* spin: chill() holds the probe's CPU */
	return 0;
}

/*
 * raise() and stop() act on the process whose thread fired the probe;
 * dtrace and profile probes fire in the dtrace process itself.  raise()
 * signals it (a SIGINT ends tracing as ^C does); stopping it would hang
 * the session with nobody to continue it, so stop() is refused (ILLOP).
 */
static int h_action(void *hctx, uint16_t kind, uint64_t arg)
{
	switch (kind) {
	case DIF_ACT_RAISE:
		if (arg == 0 || arg >= (uint64_t)NSIG)
			return DIF_FAULT_ILLOP;
		return kill(getpid(), (int)arg) == 0 ? 0 : DIF_FAULT_ILLOP;
	case DIF_ACT_STOP:
		return DIF_FAULT_ILLOP;
	case DIF_ACT_CHILL:
		return h_chill(hctx, arg);
	default:
		return DIF_FAULT_ILLOP;
	}
}

const struct dvm_host dt_host = { h_time, h_load, h_builtin, h_stack, h_subr,
    h_action };

void dt_host_prime(void)
{
	void *pc;

	backtrace(&pc, 1);	/* loads the unwinder now, not in a probe */
	open_counters();
}

int dt_host_lookup(void *cookie, uint32_t pid, uint64_t addr, struct dcons_sym *out)
{
	Dl_info info;
	const char *mod, *slash;

	(void)cookie;
	if (pid != (uint32_t)getpid() ||
	    dladdr((void *)(uintptr_t)addr, &info) == 0 || info.dli_fname == NULL)
		return -ENOENT;
	mod = (slash = strrchr(info.dli_fname, '/')) != NULL ? slash + 1 : info.dli_fname;
	snprintf(out->mod, sizeof(out->mod), "%s", mod);
	snprintf(out->func, sizeof(out->func), "%s", info.dli_sname ? info.dli_sname : "");
	out->addr = (uint64_t)(uintptr_t)(info.dli_saddr ? info.dli_saddr : info.dli_fbase);
	out->modaddr = (uint64_t)(uintptr_t)info.dli_fbase;
	return 0;
}

void dt_fire(struct dt_state *st, struct dvm_probe *p, const uint64_t *args)
{
	st->eng.tkey = (uint64_t)(uint32_t)st->tid;	/* host namespace 0 */
	st->eng.has_ids = true;		/* the same answers h_builtin gives */
	st->eng.fire_pid = (uint64_t)st->pid;
	st->eng.fire_tid = (uint64_t)st->tid;
	dvm_engine__fire(&st->eng, p, args);
}
