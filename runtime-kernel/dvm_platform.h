/*
 * dvm_platform.h — what the probe-context DIF emulator needs from the
 * machine it runs on.
 *
 * The emulator (dvm_emul.c) touches memory only through these three
 * functions, so the same core runs in a kernel (fault-tolerant loads,
 * per-CPU scratch carved from a trace buffer), in a hypervisor (guest
 * addresses translated by a page walk) and in user-space tests (a few
 * arrays standing in for kernel, user and scratch memory).  Every function
 * is called in probe context: it must not sleep, allocate from a general
 * heap, take a lock that a probe could already hold, or print.
 *
 * Addresses are 64-bit values as DIF sees them; what they mean is the
 * platform's business.  One exception: addresses inside the running DIFO's
 * own string table (the values `sets` produces) are read by the emulator
 * directly, because that table was proven NUL-terminated by the validator.
 *
 * Freestanding: <stdint.h> only.
 */
#ifndef DVM_PLATFORM_H
#define DVM_PLATFORM_H

#include <stdint.h>

/* Which load family asks, so the platform can apply the right policy. */
enum dvm_space {
	DVM_SPACE_KERNEL = 0,	/* ld*: kernel memory, privilege already granted */
	DVM_SPACE_CHECKED,	/* rld*, scmp, string lengths, copys source */
	DVM_SPACE_USER		/* uld*: user memory of the current process */
};

struct dvm_platform {
	/*
	 * Load size (1, 2, 4 or 8) bytes at addr into the low bytes of *val.
	 * Returns 0, or a nonzero DIF_FAULT_* code (BADADDR, BADALIGN, KPRIV,
	 * UPRIV, ...) after which *val is ignored.
	 */
	int (*dp_load)(void *ctx, enum dvm_space space, uint64_t addr,
	    unsigned size, uint64_t *val);
	/*
	 * Store the low size bytes of val at addr.  Only scratch space and
	 * variable storage are storable; anything else returns BADADDR.  The
	 * emulator has already checked natural alignment.
	 */
	int (*dp_store)(void *ctx, uint64_t addr, unsigned size, uint64_t val);
	/*
	 * A zero-filled, 8-byte-aligned block of size bytes from this firing's
	 * scratch space, or 0 when it is exhausted (the emulator then faults
	 * NOSCRATCH).  size is R[r1] of allocs, any 64-bit value: rounding it
	 * up must not wrap.  Freed all at once by the caller after the firing.
	 */
	uint64_t (*dp_scratch)(void *ctx, uint64_t size);
	/*
	 * Optional (NULL: ILLOP reason BUILTIN).  The value of built-in
	 * variable id (dif.h DIF_BUILTIN_VARS; ndx is the index for args[]).
	 * String variables yield an address the platform's dp_load accepts.
	 * Returns 0 or a DIF_FAULT_* code.
	 */
	int (*dp_builtin)(void *ctx, uint32_t id, uint64_t ndx, uint64_t *val);
	/*
	 * Optional (NULL: always 0).  speculation(): a free speculation
	 * buffer id, or 0 when none is free (the platform counts that drop).
	 */
	uint64_t (*dp_speculation)(void *ctx);
	/*
	 * Optional (NULL: ILLOP reason KERNEL_SUBR).  A subroutine that needs
	 * the machine's own knowledge (progenyof, kvtophys, ...): args[0..n)
	 * are its arguments.  Returns 0 with *val set, or a DIF_FAULT_*
	 * code (ILLOP: not available here).
	 */
	int (*dp_subr)(void *ctx, uint32_t subr, const uint64_t *args,
	    uint32_t nargs, uint64_t *val);
};

/*
 * What the probe-context engine (dvm_engine.h) needs from its host: the
 * platform above serves one DIFO run and is implemented by the engine
 * itself over the memory it owns (scratch, variables, registered read-only
 * regions); everything else goes to the host.  A user-space driver answers
 * with clock_gettime and process_vm_readv; a hypervisor host answers user
 * and kernel loads through the guest's page tables and names the guest's
 * thread.  Same rules: probe context, no sleeping, no allocation.
 */
enum dvm_clock {
	DVM_CLOCK_MONOTONIC = 0,	/* timestamp */
	DVM_CLOCK_THREAD,		/* vtimestamp: CPU time of the thread */
	DVM_CLOCK_REALTIME,		/* walltimestamp */
	DVM_CLOCK_BOOT			/* monotonic, counting across suspend */
};

struct dvm_host {
	/* Nanoseconds on clock clk. */
	uint64_t (*dh_time)(void *hctx, enum dvm_clock clk);
	/*
	 * A load the engine cannot satisfy from its own memory (user memory,
	 * kernel or guest memory).  Same contract as dp_load.  NULL: every
	 * such load faults BADADDR.
	 */
	int (*dh_load)(void *hctx, enum dvm_space space, uint64_t addr,
	    unsigned size, uint64_t *val);
	/*
	 * Built-in variables the engine does not keep itself (it answers
	 * args, argN, timestamp, vtimestamp, walltimestamp, epid, id and the
	 * probe names): pid, tid, execname, uid, cpu, vmname, ...  Same
	 * contract as dp_builtin.  NULL: ILLOP.
	 */
	int (*dh_builtin)(void *hctx, uint32_t id, uint64_t ndx, uint64_t *val);
	/*
	 * The firing thread's stack, innermost frame first: user pcs when
	 * user is nonzero, else kernel pcs.  Fills at most max pcs and
	 * returns how many (0: no such frames, e.g. no kernel frames for a
	 * probe that fires in user space).  NULL: no frames.
	 */
	uint32_t (*dh_stack)(void *hctx, int user, uint64_t *pcs, uint32_t max);
	/* Same contract as dp_subr (the engine forwards it).  NULL: ILLOP. */
	int (*dh_subr)(void *hctx, uint32_t subr, const uint64_t *args,
	    uint32_t nargs, uint64_t *val);
	/*
	 * A destructive process or kernel action acting in probe context:
	 * kind is DIF_ACT_RAISE (arg: the signal), DIF_ACT_STOP or
	 * DIF_ACT_CHILL (arg: nanoseconds to spin).  Returns 0 or a fault
	 * (DIF_FAULT_ILLOP for an action the host refuses).  NULL: ILLOP.
	 */
	int (*dh_action)(void *hctx, uint16_t kind, uint64_t arg);
};

#endif /* DVM_PLATFORM_H */
