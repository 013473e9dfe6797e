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
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dt_impl.h"

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
		*val = 0;
		return 0;
	default:	/* kernel stacks, curthread, jails: no kernel here */
		return DIF_FAULT_ILLOP;
	}
}

const struct dvm_host dt_host = { h_time, h_load, h_builtin };

void dt_fire(struct dt_state *st, struct dvm_probe *p, const uint64_t *args)
{
	st->eng.tkey = (uint64_t)(uint32_t)st->tid;	/* host namespace 0 */
	dvm_engine__fire(&st->eng, p, args);
}
