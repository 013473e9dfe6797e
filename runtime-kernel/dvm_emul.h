/*
 * dvm_emul.h — the probe-context DIF emulator: run one validated DIFO over
 * a machine state.
 *
 * The caller validates the DIFO once (dvm_difo__validate), then for every
 * probe firing initialises a struct dvm_mstate and calls dvm_difo__emulate.
 * The emulator never prints and never allocates: a problem stops the run and
 * is recorded in the state as a DIF_FAULT_* code, the pc of the faulting
 * instruction, the offending address or value, and — for ILLOP — a reason
 * saying which feature is missing or which operand was illegal.
 *
 * Variables and subroutines need an engine's variable storage
 * (dms_vars, dvm_var.h); a bare emulator without it reports them as ILLOP
 * with reason VARIABLE / SUBROUTINE.  hypercall is ILLOP (HYPERCALL).
 * Always ILLOP, as in DTrace: ldta, xlate, xlarg; and in HyperTrace the
 * relocatable pseudo-instructions, which a linked program never holds.
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef DVM_EMUL_H
#define DVM_EMUL_H

#include <stdbool.h>
#include <stdint.h>

#include "dif/dif.h"
#include "dvm_platform.h"

struct dvm_vstate;

/* Why an ILLOP fault was raised.  X(NAME, "message") */
#define DVM_REASONS(X)								\
X(NONE,        "no reason recorded")						\
X(BAD_OPCODE,  "not a DIF instruction (program was not validated)")	\
X(BAD_OPERAND, "operand out of range (program was not validated)")	\
X(NO_RET,      "ran off the end of the text without ret")			\
X(VARIABLE,    "variables are not supported by this emulator yet")	\
X(SUBROUTINE,  "subroutine calls are not supported by this emulator yet") \
X(HYPERCALL,   "hypercall is not supported by this emulator yet")	\
X(THREAD_ARRAY, "ldta: there are no thread-local built-in arrays")	\
X(XLATE,       "translators run only at user level")			\
X(PSEUDO,      "relocatable pseudo-instruction in a running program")	\
X(TUPLE_SIZE,  "pushtr size exceeds INT64_MAX")				\
X(BUILTIN,     "built-in variable not available on this platform")	\
X(KERNEL_SUBR, "subroutine needs a specific kernel's data structures")	\
X(SUBR_ARGS,   "subroutine called with the wrong number of arguments")	\
X(SUBR_BASE,   "numeric base out of range (2..36)")			\
X(SUBR_AF,     "address family is neither AF_INET nor AF_INET6")	\
X(DESTRUCTIVE, "destructive subroutine not permitted")			\
X(SUBR_NOT_BUILT, "subroutine not built in this emulator yet")

enum dvm_reason {
#define DVM_REASON_ENUM_(name, msg) DVM_REASON_##name,
	DVM_REASONS(DVM_REASON_ENUM_)
#undef DVM_REASON_ENUM_
	DVM_REASON_COUNT
};

/* One tuple-stack slot: size 0 = by value, else by reference. */
struct dvm_tuple {
	uint64_t	dtt_value;
	uint64_t	dtt_size;
};

/* The state of one DIFO run; the caller owns it (stack or per-CPU). */
struct dvm_mstate {
	/* Inputs, set by dvm_mstate__init. */
	const struct dvm_platform *dms_plat;
	void		*dms_ctx;		/* passed to every platform call */
	uint64_t	dms_strsize;		/* default string bound (pushtr, scmp) */
	struct dvm_vstate *dms_vars;		/* NULL: no variables or subroutines */
	uint64_t	dms_tkey;		/* thread key: namespace and thread id */
	uint64_t	dms_rand[2];		/* rand() state; nonzero to start */
	uint64_t	dms_strtok;		/* strtok() position, per firing */

	/* Machine. */
	uint64_t	dms_regs[DIF_DIR_NREGS];
	struct dvm_tuple dms_tuple[DIF_DTR_NREGS];
	uint32_t	dms_ttop;
	uint8_t		dms_cc_n, dms_cc_z, dms_cc_v, dms_cc_c;

	/* Outcome. */
	bool		dms_faulted;
	uint16_t	dms_fault;		/* enum dif_fault, when faulted */
	uint16_t	dms_reason;		/* enum dvm_reason, for ILLOP */
	uint32_t	dms_fault_pc;		/* instruction index */
	uint64_t	dms_illval;		/* offending address or value */
	uint64_t	dms_result;		/* ret's value; 0 after a fault */
};

/* Prepare ms for one run (all registers, tuples and flags zero). */
void dvm_mstate__init(struct dvm_mstate *ms, const struct dvm_platform *plat,
    void *ctx);

/*
 * Run dp from pc 0 until ret or a fault.  Returns 0 with ms->dms_result set,
 * or -1 with the fault recorded in ms (and dms_result 0).  dp must have
 * passed dvm_difo__validate (linked mode); an unvalidated program cannot
 * make the emulator read or write outside dp and ms, but its behaviour is
 * otherwise unspecified (mostly ILLOP with reason BAD_*).
 */
int dvm_difo__emulate(const struct dif_difo *dp, struct dvm_mstate *ms);

/* The message of an ILLOP reason; never NULL. */
const char *dvm_reason__message(unsigned reason);

#endif /* DVM_EMUL_H */
