/*
 * dt_engine.c — the probe-context engine's host in the dtrace process.
 *
 * Theory.  The firing path (ECBs, buffers, aggregations, speculations,
 * ERROR) is freestanding code in runtime-kernel/ (dvm_engine.h); what it
 * cannot know is answered here, through struct dvm_host: clocks
 * (clock_gettime), loads outside the engine's own memory (user memory of
 * this process through process_vm_readv, which fails cleanly on a bad
 * address; anything else faults BADADDR) and the built-in variables that
 * describe the firing thread (pid, tid, execname, uid, ...).  Probes of
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
#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dt_impl.h"

#define DT_USTACK_MAX	128

static uint64_t h_time(void *hctx, enum dvm_clock clk)
{
	static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID,
	    CLOCK_REALTIME };
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

const struct dvm_host dt_host = { h_time, h_load, h_builtin, h_stack };

void dt_host_prime(void)
{
	void *pc;

	backtrace(&pc, 1);	/* loads the unwinder now, not in a probe */
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
	dvm_engine__fire(&st->eng, p, args);
}
