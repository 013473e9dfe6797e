/*
 * dbpf_impl.h — what the runtime-bpf files share: the BPF emitter with
 * forward labels (dbpf_xlate.c), the DIFO body translator every program
 * shape is built from, the stack layout, and the translated program's
 * layout that the loaders read.
 *
 * A DIFO body is translated into the emitter's current position: its
 * registers are zeroed first, `ret` stores the result in SLOT_RESULT and
 * jumps to the caller's `done` label, and every fault stores code / DIF pc
 * / value in their slots and jumps to x->fault_label.  Opcodes the core
 * does not know (variables, strings, calls, ...) are offered to x->hook
 * first, which the clause translator (dbpf_clause.c) provides.
 */
#ifndef DBPF_IMPL_H
#define DBPF_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

#include "dbpf.h"

/* imm of every ld_imm64 BPF_PSEUDO_MAP_FD naming the state map. */
#define DBPF_MAP_PLACEHOLDER	0x7fffffff

/* Stack layout (offsets from the frame pointer r10). */
#define SLOT_REG(i)	(-8 * (int16_t)(i))	/* %r1..%r7: -8..-56 */
#define SLOT_FLAGS	(-64)
#define SLOT_TMP	(-72)	/* probe_read destination */
#define SLOT_FCODE	(-80)
#define SLOT_FPC	(-88)
#define SLOT_FVAL	(-96)
#define SLOT_KEY	(-104)	/* u32 map key 0 */
#define SLOT_RESULT	(-112)
#define SLOT_COMM	(-128)	/* 16-byte execname buffer (single-DIFO programs) */
/* Clause programs only. */
#define SLOT_TS		(-136)	/* this firing's timestamp, 0 until needed */
#define SLOT_SBASE	(-144)	/* scratch base address as a plain number */
#define SLOT_PTR	(-152)	/* spill used to turn a pointer into a number */
#define SLOT_AGGV	(-160)	/* aggregation value */
#define SLOT_INCR	(-168)	/* aggregation weight */
#define SLOT_VKEY	(-184)	/* 16-byte variable key: {u64 tid; u32 id; u32 0} */
#define SLOT_VVAL	(-192)	/* value to store into a variable map */
#define SLOT_ACT	(-200)	/* action index of the running step */
#define SLOT_A		(-208)	/* subroutine temporaries */
#define SLOT_B		(-216)
#define SLOT_LOCAL(i)	(-224 - 8 * (int16_t)(i))	/* clause-locals: -224..-344 */
#define DBPF_NLOCALS	16
#define SLOT_TUP(i)	(-352 - 8 * (int16_t)(i))	/* tuple values: -352..-408 */
#define SLOT_TUPSZ(i)	(-416 - 8 * (int16_t)(i))	/* tuple sizes: -416..-472 */
#define SLOT_SPEC	(-480)	/* the speculation this clause records into */
#define SLOT_STRTOK	(-488)	/* strtok(NULL) position, 0 at each firing */
#define SLOT_C		(-496)	/* more subroutine temporaries */
#define SLOT_D		(-504)

#define CC_Z	1
#define CC_N	2
#define CC_C	4

struct dbpf_fix {
	size_t		at;	/* BPF index of the jump */
	uint32_t	label;
};

struct dbpf_xl;
/*
 * Offered every instruction before the core: return 1 when it emitted the
 * translation, 0 to let the core handle it, or a negative error (after
 * dbpf_fail).
 */
typedef int dbpf_hook(struct dbpf_xl *x, const struct dif_difo *dp,
    dif_instr_t in, void *arg);

struct dbpf_xl {
	struct bpf_insn	*insn;
	int64_t		*pcmap;		/* per insn: tag | DIF pc, or -1 */
	size_t		n, cap;
	size_t		*labels;	/* BPF index, SIZE_MAX while unbound */
	uint32_t	nlabels, caplabels;
	struct dbpf_fix	*fix;
	size_t		nfix, capfix;
	int64_t		tag;		/* high bits of pcmap entries */
	int64_t		curpc;		/* DIF pc being translated, -1 outside */
	uint32_t	pcbase;		/* label of the current DIFO's pc 0 */
	uint32_t	fault_label;
	int		oom;
	char		*err;
	size_t		errlen;
	const struct dbpf_opts *opts;	/* argN and context kind */
	dbpf_hook	*hook;
	void		*harg;
};

/* pcmap tags of clause programs: clause index and step (0 = predicate). */
#define DBPF_TAG(clause, step)	(((int64_t)(clause) << 40) | ((int64_t)(step) << 24))
#define DBPF_TAG_CLAUSE(v)	((uint32_t)((v) >> 40))
#define DBPF_TAG_STEP(v)	((uint32_t)(((v) >> 24) & 0xffff))
#define DBPF_TAG_PC(v)		((uint32_t)((v) & 0xffffff))

static inline struct bpf_insn dbpf_mk(uint8_t code, uint8_t dst, uint8_t src,
    int16_t off, int32_t imm)
{
	struct bpf_insn in = { 0 };

	in.code = code;
	in.dst_reg = dst & 0xf;
	in.src_reg = src & 0xf;
	in.off = off;
	in.imm = imm;
	return in;
}

#define ALU_X(op, d, s)		dbpf_mk(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define ALU_K(op, d, k)		dbpf_mk(BPF_ALU64 | (op) | BPF_K, d, 0, 0, k)
#define LDX64(d, s, o)		dbpf_mk(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX64(d, s, o)		dbpf_mk(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST64(d, o, k)		dbpf_mk(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, k)
#define LDXSZ(sz, d, s, o)	dbpf_mk(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STXSZ(sz, d, s, o)	dbpf_mk(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define CALL(f)			dbpf_mk(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			dbpf_mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define JA()			dbpf_mk(BPF_JMP | BPF_JA, 0, 0, 0, 0)
#define JK(op, d, k)		dbpf_mk(BPF_JMP | (op) | BPF_K, d, 0, 0, k)
#define JX(op, d, s)		dbpf_mk(BPF_JMP | (op) | BPF_X, d, s, 0, 0)

void dbpf_emit(struct dbpf_xl *x, struct bpf_insn in);
void dbpf_ld_imm64(struct dbpf_xl *x, uint8_t dst, uint8_t src, uint64_t v);
/*   dst = fp + off */
void dbpf_fp_addr(struct dbpf_xl *x, uint8_t dst, int16_t off);
uint32_t dbpf_label_new(struct dbpf_xl *x);
void dbpf_label_bind(struct dbpf_xl *x, uint32_t label);
/* Emit in (a jump) whose offset is patched to reach label. */
void dbpf_jump(struct dbpf_xl *x, struct bpf_insn in, uint32_t label);
int dbpf_fail(struct dbpf_xl *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *dbpf_mnemonic(unsigned op);
/*   r<bpfreg> = %r<difreg> */
void dbpf_get(struct dbpf_xl *x, uint8_t bpfreg, unsigned difreg);
/*   %r<difreg> = r0 */
void dbpf_put(struct dbpf_xl *x, unsigned difreg);
/*   fault code with the value in r<valreg>: slots, then ja fault_label */
void dbpf_fault(struct dbpf_xl *x, unsigned code, uint8_t valreg);
/*
 * The DIFO body at the current position (see the top of this file).
 * Falls through to nothing: every path ends in ret (-> done) or a fault.
 */
int dbpf_xl_difo(struct dbpf_xl *x, const struct dif_difo *dp, uint32_t done);
/* Patch every jump (backward ones close bounded loops); -EINVAL when a
 * label is unbound or out of range. */
int dbpf_xl_finish(struct dbpf_xl *x);
void dbpf_xl_release(struct dbpf_xl *x);	/* frees all but insn/pcmap */

/* dbpf_load.c, shared with dbpf_set.c. */
/* The last "N: (xx) ..." instruction a verifier log names, or -1. */
long dbpf_vlog_last_insn(const char *log);
/* The verifier's reason: its last line that is not a closing statistic. */
void dbpf_vlog_reason(const char *log, char *out, size_t size);
/* A tracepoint's id from tracefs (mounted if absent), or -errno + err. */
int dbpf_tracepoint_id(const char *group, const char *name, char *err,
    size_t errlen);
/* Why the verifier refused a program: the load's errno, the last BPF
 * instruction its log names (or -1), and its reason in words. */
struct dbpf_vreject {
	int	e;
	long	bad;
	char	why[256];
};
/* Loads insn[0..len) (licence GPL).  When the kernel refuses with an errno
 * in the 0-terminated vlog_errnos, loads again with a logsize-byte verifier
 * log and fills *rej (rej->e != 0) for the caller to word; otherwise rej->e
 * is 0 and a failure is -errno + err.  Returns the program fd or -errno. */
int dbpf_load_logged(enum bpf_prog_type type, const char *name,
    const struct bpf_insn *insn, size_t len, const int *vlog_errnos,
    size_t logsize, struct dbpf_vreject *rej, char *err, size_t errlen);
/* A raw-tracepoint link running prog_fd: its fd, or -errno + err. */
int dbpf_open_raw_tp(const char *tp, int prog_fd, char *err, size_t errlen);
/* An enabled perf event on tracepoint group:name (CPU 0) running prog_fd:
 * its fd, or -errno + err (nothing left open). */
int dbpf_open_tracepoint(const char *group, const char *name, int prog_fd,
    char *err, size_t errlen);

struct dbpf_prog {
	struct bpf_insn	*dp_insn;
	int64_t		*dp_pcmap;	/* per BPF insn: DIF pc or -1 */
	size_t		dp_len;
	int		dp_ctx;		/* enum dbpf_ctx */
};

#endif /* DBPF_IMPL_H */
