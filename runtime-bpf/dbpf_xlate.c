/*
 * dbpf_xlate.c — translate one linked DIFO into BPF instructions.
 *
 * Theory.  DIF has seven usable 64-bit registers, condition codes and
 * forward-only branches; BPF has eleven registers, no condition codes and a
 * verifier that must prove every path safe.  We keep the mapping plain so
 * it is obviously right and verifier-clean:
 *   - DIF %r1..%r7 live in 8-byte stack slots fp-8*i (zeroed in the
 *     prologue); %r0 is the constant 0.  Each instruction loads its
 *     operands into BPF r1/r2, computes into r0, and stores r0 back.
 *   - The condition codes live in one stack slot as bits (Z, N, C; V is
 *     always 0 in DIF), computed by cmp/tst and tested by the branches with
 *     jset, so a flag set in one basic block is read correctly in a later
 *     one — exactly the emulator's semantics (runtime-kernel/dvm_emul.c).
 *   - r9 holds the BPF context for the whole program (ldgs argN).
 *   - Faults (divide by zero, unreadable address) store code, DIF pc and
 *     offending value in stack slots and jump to one fault tail, which
 *     records them in the state map and returns DBPF_RET_FAULT.  `ret`
 *     jumps to the epilogue, which records the result and the count.
 * Every DIF branch goes forward, and the tails come after the body, so all
 * BPF jumps go forward too: they are emitted with placeholders and patched
 * once every DIF pc's first BPF instruction is known.
 *
 * Ownership: struct dbpf_prog owns its instruction and pc-map arrays.
 * The state map's fd is not known here: the ld_imm64 that names it carries
 * BPF_PSEUDO_MAP_FD with imm DBPF_MAP_PLACEHOLDER, patched by dbpf_load.c.
 * Read next: dbpf_load.c, docs/bpf.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "dbpf.h"
#include "dbpf_impl.h"

/* Stack layout (offsets from the frame pointer r10). */
#define SLOT_REG(i)	(-8 * (int16_t)(i))	/* %r1..%r7: -8..-56 */
#define SLOT_FLAGS	(-64)
#define SLOT_TMP	(-72)	/* probe_read destination */
#define SLOT_FCODE	(-80)
#define SLOT_FPC	(-88)
#define SLOT_FVAL	(-96)
#define SLOT_KEY	(-104)	/* u32 map key 0 */
#define SLOT_RESULT	(-112)
#define SLOT_COMM	(-128)	/* 16-byte execname buffer */

#define CC_Z	1
#define CC_N	2
#define CC_C	4

/* Where a forward jump must land once its target is known. */
enum jtarget { J_DIFPC, J_FAULT, J_EPILOGUE };

struct fixup {
	size_t		at;		/* BPF index of the jump */
	enum jtarget	kind;
	uint32_t	difpc;		/* for J_DIFPC */
};

struct xl {
	struct bpf_insn	*insn;
	int64_t		*pcmap;
	size_t		n, cap;
	struct fixup	*fix;
	size_t		nfix, capfix;
	int64_t		curpc;		/* DIF pc being translated, -1 outside */
	int		oom;
	char		*err;
	size_t		errlen;
};

static void emit(struct xl *x, struct bpf_insn in)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct bpf_insn *ni = realloc(x->insn, cap * sizeof(*ni));
		int64_t *np = ni ? realloc(x->pcmap, cap * sizeof(*np)) : NULL;

		if (ni)
			x->insn = ni;
		if (np == NULL) {
			x->oom = 1;
			return;
		}
		x->pcmap = np;
		x->cap = cap;
	}
	x->insn[x->n] = in;
	x->pcmap[x->n] = x->curpc;
	x->n++;
}

static struct bpf_insn mk(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn in;

	memset(&in, 0, sizeof(in));
	in.code = code;
	in.dst_reg = dst & 0xf;
	in.src_reg = src & 0xf;
	in.off = off;
	in.imm = imm;
	return in;
}

#define ALU_X(op, d, s)		mk(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define ALU_K(op, d, k)		mk(BPF_ALU64 | (op) | BPF_K, d, 0, 0, k)
#define LDX64(d, s, o)		mk(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX64(d, s, o)		mk(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST64(d, o, k)		mk(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, k)
#define CALL(f)			mk(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static void ld_imm64(struct xl *x, uint8_t dst, uint8_t src, uint64_t v)
{
	emit(x, mk(BPF_LD | BPF_DW | BPF_IMM, dst, src, 0, (int32_t)(uint32_t)v));
	emit(x, mk(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32)));
}

/* A jump whose offset is patched later. */
static void jump(struct xl *x, struct bpf_insn in, enum jtarget kind, uint32_t difpc)
{
	if (x->nfix == x->capfix) {
		size_t cap = x->capfix ? x->capfix * 2 : 64;
		struct fixup *nf = realloc(x->fix, cap * sizeof(*nf));

		if (nf == NULL) {
			x->oom = 1;
			return;
		}
		x->fix = nf;
		x->capfix = cap;
	}
	x->fix[x->nfix++] = (struct fixup){ x->n, kind, difpc };
	emit(x, in);
}

static int fail(struct xl *x, const char *fmt, ...)
{
	va_list ap;

	if (x->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static const char *mnemonic(unsigned op)
{
	switch (op) {
#define MN_(num, name, mn, form, sem) case num: return mn;
	DIF_OPCODES(MN_)
#undef MN_
	default: return "(unknown)";
	}
}

/*   r<d> = %r<i>   (0 for %r0) */
static void get(struct xl *x, uint8_t bpfreg, unsigned difreg)
{
	if (difreg == 0)
		emit(x, ALU_K(BPF_MOV, bpfreg, 0));
	else
		emit(x, LDX64(bpfreg, BPF_REG_10, SLOT_REG(difreg)));
}

/*   %r<i> = r0   (dropped for %r0, which stays 0) */
static void put(struct xl *x, unsigned difreg)
{
	if (difreg != 0)
		emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_REG(difreg)));
}

/*
 *   fp[FVAL] = r<valreg>; fp[FCODE] = code; fp[FPC] = pc; ja fault_tail
 */
static void fault(struct xl *x, unsigned code, uint8_t valreg)
{
	emit(x, STX64(BPF_REG_10, valreg, SLOT_FVAL));
	emit(x, ST64(BPF_REG_10, SLOT_FCODE, (int32_t)code));
	emit(x, ST64(BPF_REG_10, SLOT_FPC, (int32_t)x->curpc));
	jump(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), J_FAULT, 0);
}

static bool reg_ok(unsigned r)
{
	return r < DIF_DIR_NREGS;
}

/*
 *   r1 = %a; r2 = %b; [jne r2, 0, +ok; fault DIVZERO]; r1 <op>= r2; %d = r1
 * Shift counts are masked with 63 first, like the emulator.
 */
static int alu(struct xl *x, unsigned op, dif_instr_t in)
{
	unsigned a = DIF_INSTR_R1(in), b = DIF_INSTR_R2(in), d = DIF_INSTR_RD(in);
	uint8_t bop;
	int16_t signed_off = 0;

	switch (op) {
	case DIF_OP_OR:   bop = BPF_OR; break;
	case DIF_OP_XOR:  bop = BPF_XOR; break;
	case DIF_OP_AND:  bop = BPF_AND; break;
	case DIF_OP_SLL:  bop = BPF_LSH; break;
	case DIF_OP_SRL:  bop = BPF_RSH; break;
	case DIF_OP_SRA:  bop = BPF_ARSH; break;
	case DIF_OP_SUB:  bop = BPF_SUB; break;
	case DIF_OP_ADD:  bop = BPF_ADD; break;
	case DIF_OP_MUL:  bop = BPF_MUL; break;
	case DIF_OP_UDIV: bop = BPF_DIV; break;
	case DIF_OP_UREM: bop = BPF_MOD; break;
	case DIF_OP_SDIV: bop = BPF_DIV; signed_off = 1; break;
	default:          bop = BPF_MOD; signed_off = 1; break;	/* srem */
	}
	get(x, BPF_REG_0, a);
	get(x, BPF_REG_2, b);
	if (op == DIF_OP_SLL || op == DIF_OP_SRL || op == DIF_OP_SRA)
		emit(x, ALU_K(BPF_AND, BPF_REG_2, 63));
	if (bop == BPF_DIV || bop == BPF_MOD) {
		/* jne r2, 0, +4 skips the 4-insn fault sequence */
		emit(x, mk(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 4, 0));
		fault(x, DIF_FAULT_DIVZERO, BPF_REG_2);
	}
	/* cpu v4 SDIV/SMOD: off = 1 (kernel >= 6.6); INT64_MIN / -1 = INT64_MIN, % -1 = 0 */
	emit(x, mk(BPF_ALU64 | bop | BPF_X, BPF_REG_0, BPF_REG_2, signed_off, 0));
	put(x, d);
	return 0;
}

/*
 *   r1 = %a; r2 = %b; r0 = 0
 *   jne r1, r2, +1; r0 |= Z
 *   r3 = r1 - r2; jsge r3, 0, +1; r0 |= N
 *   jge r1, r2, +1; r0 |= C
 *   fp[FLAGS] = r0
 */
static void cmp(struct xl *x, dif_instr_t in)
{
	get(x, BPF_REG_1, DIF_INSTR_R1(in));
	get(x, BPF_REG_2, DIF_INSTR_R2(in));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, 0));
	emit(x, mk(BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_2, 1, 0));
	emit(x, ALU_K(BPF_OR, BPF_REG_0, CC_Z));
	emit(x, ALU_X(BPF_MOV, BPF_REG_3, BPF_REG_1));
	emit(x, ALU_X(BPF_SUB, BPF_REG_3, BPF_REG_2));
	emit(x, mk(BPF_JMP | BPF_JSGE | BPF_K, BPF_REG_3, 0, 1, 0));
	emit(x, ALU_K(BPF_OR, BPF_REG_0, CC_N));
	emit(x, mk(BPF_JMP | BPF_JGE | BPF_X, BPF_REG_1, BPF_REG_2, 1, 0));
	emit(x, ALU_K(BPF_OR, BPF_REG_0, CC_C));
	emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_FLAGS));
}

/*   r1 = %a; r0 = 0; jne r1, 0, +1; r0 = Z; fp[FLAGS] = r0 */
static void tst(struct xl *x, dif_instr_t in)
{
	get(x, BPF_REG_1, DIF_INSTR_R1(in));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, 0));
	emit(x, mk(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 1, 0));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, CC_Z));
	emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_FLAGS));
}

/*
 * Taken when any of `set` is 1:   r1 = fp[FLAGS]; jset r1, set, label
 * Taken when all of `clr` are 0:  r1 = fp[FLAGS]; r1 &= clr; jeq r1, 0, label
 */
static int branch(struct xl *x, unsigned op, dif_instr_t in, uint32_t len)
{
	uint32_t label = DIF_INSTR_LABEL(in);
	int set = 0, clr = 0;

	if (label <= (uint32_t)x->curpc || label >= len)
		return fail(x, "pc %lld: branch target %u is not a later instruction",
		    (long long)x->curpc, label);
	switch (op) {
	case DIF_OP_BA:
		jump(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), J_DIFPC, label);
		return 0;
	case DIF_OP_BE:   set = CC_Z; break;
	case DIF_OP_BNE:  clr = CC_Z; break;
	case DIF_OP_BG:   clr = CC_Z | CC_N; break;
	case DIF_OP_BGU:  clr = CC_C | CC_Z; break;
	case DIF_OP_BGE:  clr = CC_N; break;
	case DIF_OP_BGEU: clr = CC_C; break;
	case DIF_OP_BL:   set = CC_N; break;
	case DIF_OP_BLU:  set = CC_C; break;
	case DIF_OP_BLE:  set = CC_Z | CC_N; break;
	default:          set = CC_C | CC_Z; break;	/* bleu */
	}
	emit(x, LDX64(BPF_REG_1, BPF_REG_10, SLOT_FLAGS));
	if (set) {
		jump(x, mk(BPF_JMP | BPF_JSET | BPF_K, BPF_REG_1, 0, 0, set),
		    J_DIFPC, label);
	} else {
		emit(x, ALU_K(BPF_AND, BPF_REG_1, clr));
		jump(x, mk(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0),
		    J_DIFPC, label);
	}
	return 0;
}

/*
 *   r3 = %a; fp[TMP] = 0; r1 = fp + TMP; r2 = w; call probe_read_{kernel,user}
 *   jeq r0, 0, +4; fault BADADDR(r3 reloaded)
 *   r0 = *(u<w> *)(fp + TMP); [r0 <<= 64-8w; r0 s>>= 64-8w]; %d = r0
 * The address is kept in fp[FVAL] across the call (r3 is clobbered).
 */
static void load(struct xl *x, dif_instr_t in, unsigned kind, bool user)
{
	static const uint8_t width[] = { 1, 2, 4, 1, 2, 4, 8 };
	static const uint8_t bsz[] = { BPF_B, BPF_H, BPF_W, BPF_B, BPF_H, BPF_W, BPF_DW };
	unsigned w = width[kind];

	get(x, BPF_REG_3, DIF_INSTR_R1(in));
	emit(x, STX64(BPF_REG_10, BPF_REG_3, SLOT_FVAL));
	emit(x, ST64(BPF_REG_10, SLOT_TMP, 0));
	emit(x, ALU_X(BPF_MOV, BPF_REG_1, BPF_REG_10));
	emit(x, ALU_K(BPF_ADD, BPF_REG_1, SLOT_TMP));
	emit(x, ALU_K(BPF_MOV, BPF_REG_2, (int32_t)w));
	emit(x, CALL(user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel));
	/* jeq r0, 0, +5 skips: r3 = fp[FVAL] + the 4-insn fault sequence */
	emit(x, mk(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 5, 0));
	emit(x, LDX64(BPF_REG_3, BPF_REG_10, SLOT_FVAL));
	fault(x, DIF_FAULT_BADADDR, BPF_REG_3);
	emit(x, mk(BPF_LDX | BPF_MEM | bsz[kind], BPF_REG_0, BPF_REG_10, SLOT_TMP, 0));
	if (kind < 3) {
		emit(x, ALU_K(BPF_LSH, BPF_REG_0, (int32_t)(64 - 8 * w)));
		emit(x, ALU_K(BPF_ARSH, BPF_REG_0, (int32_t)(64 - 8 * w)));
	}
	put(x, DIF_INSTR_RD(in));
}

/*
 * ldgs of a built-in that maps onto one helper or the context:
 *   timestamp  call ktime_get_ns
 *   pid / tid  call get_current_pid_tgid; r0 >>= 32 (pid) | r0 &= 0xffffffff
 *   uid / gid  call get_current_uid_gid;  same split (gid high, uid low)
 *   cpu        call get_smp_processor_id
 *   curthread  call get_current_task
 *   execname   r1 = fp + COMM; r2 = 16; call get_current_comm; r0 = fp + COMM
 *   argN       r0 = *(u64 *)(r9 + 8N)      (raw tracepoint)
 *              r0 = *(u64 *)(r9 + 8 + 8N)  (tracepoint: skip the common header)
 */
static int ldgs(struct xl *x, dif_instr_t in, const struct dbpf_opts *opts)
{
	unsigned var = DIF_INSTR_VAR(in);

	switch (var) {
	case DIF_VAR_TIMESTAMP:
		emit(x, CALL(BPF_FUNC_ktime_get_ns));
		break;
	case DIF_VAR_PID: case DIF_VAR_TID:
		emit(x, CALL(BPF_FUNC_get_current_pid_tgid));
		goto split;
	case DIF_VAR_UID: case DIF_VAR_GID:
		emit(x, CALL(BPF_FUNC_get_current_uid_gid));
split:
		if (var == DIF_VAR_PID || var == DIF_VAR_GID) {
			emit(x, ALU_K(BPF_RSH, BPF_REG_0, 32));
		} else {
			emit(x, ALU_K(BPF_LSH, BPF_REG_0, 32));
			emit(x, ALU_K(BPF_RSH, BPF_REG_0, 32));
		}
		break;
	case DIF_VAR_CPU:
		emit(x, CALL(BPF_FUNC_get_smp_processor_id));
		break;
	case DIF_VAR_CURTHREAD:
		emit(x, CALL(BPF_FUNC_get_current_task));
		break;
	case DIF_VAR_EXECNAME:
		emit(x, ALU_X(BPF_MOV, BPF_REG_1, BPF_REG_10));
		emit(x, ALU_K(BPF_ADD, BPF_REG_1, SLOT_COMM));
		emit(x, ALU_K(BPF_MOV, BPF_REG_2, 16));
		emit(x, CALL(BPF_FUNC_get_current_comm));
		emit(x, ALU_X(BPF_MOV, BPF_REG_0, BPF_REG_10));
		emit(x, ALU_K(BPF_ADD, BPF_REG_0, SLOT_COMM));
		break;
	default:
		if (var >= DIF_VAR_ARG0 && var <= DIF_VAR_ARG9) {
			unsigned n = var - DIF_VAR_ARG0;

			if (opts == NULL || n >= opts->do_nargs)
				return fail(x, "pc %lld: arg%u is not provided by this "
				    "attach point (%u arguments)", (long long)x->curpc,
				    n, opts ? opts->do_nargs : 0);
			emit(x, LDX64(BPF_REG_0, BPF_REG_9, (int16_t)(8 * n +
			    (opts->do_ctx == DBPF_CTX_TRACEPOINT ? 8 : 0))));
			break;
		}
		return fail(x, "pc %lld: ldgs of variable 0x%x is not translated to BPF",
		    (long long)x->curpc, var);
	}
	put(x, DIF_INSTR_RD(in));
	return 0;
}

static int one(struct xl *x, const struct dif_difo *dp, const struct dbpf_opts *opts,
    dif_instr_t in)
{
	unsigned op = DIF_INSTR_OP(in);
	unsigned r1 = DIF_INSTR_R1(in), r2 = DIF_INSTR_R2(in), rd = DIF_INSTR_RD(in);
	long long pc = (long long)x->curpc;

	switch (op) {
	case DIF_OP_OR: case DIF_OP_XOR: case DIF_OP_AND: case DIF_OP_SLL:
	case DIF_OP_SRL: case DIF_OP_SRA: case DIF_OP_SUB: case DIF_OP_ADD:
	case DIF_OP_MUL: case DIF_OP_SDIV: case DIF_OP_UDIV: case DIF_OP_SREM:
	case DIF_OP_UREM:
		if (!reg_ok(r1) || !reg_ok(r2) || !reg_ok(rd))
			break;
		return alu(x, op, in);
	case DIF_OP_NOT: case DIF_OP_MOV:
		if (!reg_ok(r1) || !reg_ok(rd))
			break;
		get(x, BPF_REG_0, r1);
		if (op == DIF_OP_NOT)
			emit(x, ALU_K(BPF_XOR, BPF_REG_0, -1));
		put(x, rd);
		return 0;
	case DIF_OP_CMP:
		if (!reg_ok(r1) || !reg_ok(r2))
			break;
		cmp(x, in);
		return 0;
	case DIF_OP_TST:
		if (!reg_ok(r1))
			break;
		tst(x, in);
		return 0;
	case DIF_OP_BA: case DIF_OP_BE: case DIF_OP_BNE: case DIF_OP_BG:
	case DIF_OP_BGU: case DIF_OP_BGE: case DIF_OP_BGEU: case DIF_OP_BL:
	case DIF_OP_BLU: case DIF_OP_BLE: case DIF_OP_BLEU:
		return branch(x, op, in, dp->dtdo_len);
	case DIF_OP_LDSB: case DIF_OP_LDSH: case DIF_OP_LDSW: case DIF_OP_LDUB:
	case DIF_OP_LDUH: case DIF_OP_LDUW: case DIF_OP_LDX:
		if (!reg_ok(r1) || !reg_ok(rd))
			break;
		load(x, in, op - DIF_OP_LDSB, false);
		return 0;
	case DIF_OP_RLDSB: case DIF_OP_RLDSH: case DIF_OP_RLDSW: case DIF_OP_RLDUB:
	case DIF_OP_RLDUH: case DIF_OP_RLDUW: case DIF_OP_RLDX:
		if (!reg_ok(r1) || !reg_ok(rd))
			break;
		load(x, in, op - DIF_OP_RLDSB, false);
		return 0;
	case DIF_OP_ULDSB: case DIF_OP_ULDSH: case DIF_OP_ULDSW: case DIF_OP_ULDUB:
	case DIF_OP_ULDUH: case DIF_OP_ULDUW: case DIF_OP_ULDX:
		if (!reg_ok(r1) || !reg_ok(rd))
			break;
		load(x, in, op - DIF_OP_ULDSB, true);
		return 0;
	case DIF_OP_RET:
		/* r0 = %rd; fp[RESULT] = r0; ja epilogue */
		if (!reg_ok(rd))
			break;
		get(x, BPF_REG_0, rd);
		emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_RESULT));
		jump(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), J_EPILOGUE, 0);
		return 0;
	case DIF_OP_NOP:
		return 0;
	case DIF_OP_SETX: {
		unsigned idx = DIF_INSTR_INTEGER(in);

		if (!reg_ok(rd))
			break;
		if (dp->dtdo_inttab == NULL || idx >= dp->dtdo_intlen)
			return fail(x, "pc %lld: setx index %u is outside the integer "
			    "table (%u entries)", pc, idx, dp->dtdo_intlen);
		ld_imm64(x, BPF_REG_0, 0, dp->dtdo_inttab[idx]);
		put(x, rd);
		return 0;
	}
	case DIF_OP_LDGS:
		if (!reg_ok(rd))
			break;
		return ldgs(x, in, opts);
	default:
		return fail(x, "pc %lld: opcode '%s' (%u) is not translated to BPF",
		    pc, mnemonic(op), op);
	}
	return fail(x, "pc %lld: register operand out of range in '%s'", pc,
	    mnemonic(op));
}

/*
 *   r9 = r1 (ctx); fp[-8..-56] = 0 (%r1..%r7); fp[FLAGS] = 0
 */
static void prologue(struct xl *x)
{
	emit(x, ALU_X(BPF_MOV, BPF_REG_9, BPF_REG_1));
	for (unsigned i = 1; i < DIF_DIR_NREGS; i++)
		emit(x, ST64(BPF_REG_10, SLOT_REG(i), 0));
	emit(x, ST64(BPF_REG_10, SLOT_FLAGS, 0));
}

/*
 *   fp[KEY] = 0 (u32); r1 = &state map; r2 = fp + KEY; call map_lookup_elem
 *   jne r0, 0, +2; r0 = <ret>; exit
 *   r6 = r0
 */
static void lookup_state(struct xl *x, int32_t ret)
{
	emit(x, mk(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, SLOT_KEY, 0));
	ld_imm64(x, BPF_REG_1, BPF_PSEUDO_MAP_FD, (uint32_t)DBPF_MAP_PLACEHOLDER);
	emit(x, ALU_X(BPF_MOV, BPF_REG_2, BPF_REG_10));
	emit(x, ALU_K(BPF_ADD, BPF_REG_2, SLOT_KEY));
	emit(x, CALL(BPF_FUNC_map_lookup_elem));
	emit(x, mk(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, 0));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, ret));
	emit(x, EXIT());
	emit(x, ALU_X(BPF_MOV, BPF_REG_6, BPF_REG_0));
}

#define OFF(field)	((int16_t)offsetof(struct dbpf_stats, field))

/*   v->field += 1 */
static void bump(struct xl *x, int16_t off)
{
	emit(x, LDX64(BPF_REG_1, BPF_REG_6, off));
	emit(x, ALU_K(BPF_ADD, BPF_REG_1, 1));
	emit(x, STX64(BPF_REG_6, BPF_REG_1, off));
}

/*   v->dst = fp[slot] */
static void copy_slot(struct xl *x, int16_t slot, int16_t off)
{
	emit(x, LDX64(BPF_REG_1, BPF_REG_10, slot));
	emit(x, STX64(BPF_REG_6, BPF_REG_1, off));
}

/*
 * fault tail:  v = lookup; runs++; faults++; fault, pc, illval = slots;
 *              r0 = FAULT; exit
 */
static size_t fault_tail(struct xl *x)
{
	size_t at = x->n;

	lookup_state(x, DBPF_RET_FAULT);
	bump(x, OFF(ds_runs));
	bump(x, OFF(ds_faults));
	copy_slot(x, SLOT_FCODE, OFF(ds_fault));
	copy_slot(x, SLOT_FPC, OFF(ds_fault_pc));
	copy_slot(x, SLOT_FVAL, OFF(ds_illval));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, DBPF_RET_FAULT));
	emit(x, EXIT());
	return at;
}

/*
 * epilogue:  v = lookup; runs++; v->result = r1 = fp[RESULT];
 *            jeq r1, 0, +3; count++; r0 = OK; exit
 */
static size_t epilogue(struct xl *x)
{
	size_t at = x->n;

	lookup_state(x, DBPF_RET_OK);
	bump(x, OFF(ds_runs));
	copy_slot(x, SLOT_RESULT, OFF(ds_result));
	emit(x, mk(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 3, 0));
	bump(x, OFF(ds_count));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, DBPF_RET_OK));
	emit(x, EXIT());
	return at;
}

/*
 * Which DIF instructions can run: pc 0, the fall-through of anything but
 * ba/ret, and branch targets.  One forward pass suffices because DIF
 * branches only go forward.  The verifier refuses unreachable BPF, so
 * unreachable DIF is not translated at all.
 */
static bool *reachable(const struct dif_difo *dp)
{
	bool *r = calloc(dp->dtdo_len, sizeof(*r));

	if (r == NULL)
		return NULL;
	r[0] = true;
	for (uint32_t pc = 0; pc < dp->dtdo_len; pc++) {
		dif_instr_t in = dp->dtdo_buf[pc];
		unsigned op = DIF_INSTR_OP(in);

		if (!r[pc])
			continue;
		if (op >= DIF_OP_BA && op <= DIF_OP_BLEU &&
		    DIF_INSTR_LABEL(in) > pc && DIF_INSTR_LABEL(in) < dp->dtdo_len)
			r[DIF_INSTR_LABEL(in)] = true;
		if (op != DIF_OP_BA && op != DIF_OP_RET && pc + 1 < dp->dtdo_len)
			r[pc + 1] = true;
	}
	return r;
}

static bool needs(const struct xl *x, enum jtarget kind)
{
	for (size_t i = 0; i < x->nfix; i++)
		if (x->fix[i].kind == kind)
			return true;
	return false;
}

static int patch(struct xl *x, const size_t *start, size_t ftail, size_t epi)
{
	for (size_t i = 0; i < x->nfix; i++) {
		const struct fixup *f = &x->fix[i];
		size_t to = f->kind == J_FAULT ? ftail :
		    f->kind == J_EPILOGUE ? epi : start[f->difpc];
		long long off = (long long)to - (long long)f->at - 1;

		if (off < 0 || off > INT16_MAX)
			return fail(x, "pc %lld: jump of %lld BPF instructions is out "
			    "of range", (long long)x->pcmap[f->at], off);
		x->insn[f->at].off = (int16_t)off;
	}
	return 0;
}

int dbpf_prog__translate(const struct dif_difo *dp, const struct dbpf_opts *opts,
    struct dbpf_prog **out, char *err, size_t errlen)
{
	struct xl x = { .curpc = -1, .err = err, .errlen = errlen };
	size_t *start = NULL, ftail = 0, epi = 0;
	struct dbpf_prog *p;
	bool *live;
	int rc = 0;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (opts != NULL && opts->do_ctx != DBPF_CTX_RAW_TP &&
	    opts->do_ctx != DBPF_CTX_TRACEPOINT)
		return fail(&x, "unknown context kind %d", (int)opts->do_ctx);
	if (dp == NULL || dp->dtdo_buf == NULL || dp->dtdo_len == 0)
		return fail(&x, "difo: the program text is empty");
	start = calloc(dp->dtdo_len, sizeof(*start));
	live = start ? reachable(dp) : NULL;
	if (live == NULL) {
		free(start);
		return -ENOMEM;
	}
	prologue(&x);
	for (uint32_t pc = 0; pc < dp->dtdo_len && rc == 0; pc++) {
		x.curpc = pc;
		start[pc] = x.n;
		if (live[pc])
			rc = one(&x, dp, opts, dp->dtdo_buf[pc]);
	}
	/* Falling off the end would run into the tails. */
	if (rc == 0 && live[dp->dtdo_len - 1] &&
	    DIF_INSTR_OP(dp->dtdo_buf[dp->dtdo_len - 1]) != DIF_OP_RET)
		rc = fail(&x, "pc %u: the program does not end with ret",
		    dp->dtdo_len - 1);
	x.curpc = -1;
	if (rc == 0) {
		/* Only reachable tails: the verifier refuses dead code. */
		if (needs(&x, J_FAULT))
			ftail = fault_tail(&x);
		if (needs(&x, J_EPILOGUE))
			epi = epilogue(&x);
		rc = x.oom ? -ENOMEM : patch(&x, start, ftail, epi);
	}
	free(start);
	free(live);
	free(x.fix);
	if (rc == 0 && x.oom)
		rc = -ENOMEM;
	if (rc == 0 && (p = malloc(sizeof(*p))) == NULL)
		rc = -ENOMEM;
	if (rc != 0) {
		if (rc == -ENOMEM && errlen > 0)
			snprintf(err, errlen, "out of memory");
		free(x.insn);
		free(x.pcmap);
		return rc;
	}
	p->dp_insn = x.insn;
	p->dp_pcmap = x.pcmap;
	p->dp_len = x.n;
	p->dp_ctx = opts ? (int)opts->do_ctx : DBPF_CTX_RAW_TP;
	*out = p;
	return 0;
}

void dbpf_prog__free(struct dbpf_prog *p)
{
	if (p == NULL)
		return;
	free(p->dp_insn);
	free(p->dp_pcmap);
	free(p);
}

const struct bpf_insn *dbpf_prog__insns(const struct dbpf_prog *p, size_t *n)
{
	*n = p->dp_len;
	return p->dp_insn;
}

int64_t dbpf_prog__dif_pc(const struct dbpf_prog *p, size_t bpf_pc)
{
	return bpf_pc < p->dp_len ? p->dp_pcmap[bpf_pc] : -1;
}
