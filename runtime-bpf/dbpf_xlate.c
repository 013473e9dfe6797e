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
 *     offending value in stack slots and jump to a fault label.  `ret`
 *     stores the result and jumps to a `done` label.  For the single-DIFO
 *     program (dbpf_prog__translate) those labels are the fault tail, which
 *     records them in the state map and returns DBPF_RET_FAULT, and the
 *     epilogue, which records the result and the count; the clause
 *     translator (dbpf_clause.c) reuses the same body translator with its
 *     own labels and a hook for variables, strings and subroutines.
 * Every DIF branch goes forward, and the tails come after the body, so all
 * BPF jumps go forward too: they are emitted against labels and patched
 * once every label's position is known (dbpf_xl_finish).
 *
 * Ownership: struct dbpf_prog owns its instruction and pc-map arrays.
 * The state map's fd is not known here: the ld_imm64 that names it carries
 * BPF_PSEUDO_MAP_FD with imm DBPF_MAP_PLACEHOLDER, patched by dbpf_load.c.
 * Read next: dbpf_load.c, dbpf_clause.c, docs/bpf.md.
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

/* ---- Emitter ------------------------------------------------------------- */

void dbpf_emit(struct dbpf_xl *x, struct bpf_insn in)
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
	x->pcmap[x->n] = x->curpc < 0 ? -1 : x->tag | x->curpc;
	x->n++;
}

void dbpf_ld_imm64(struct dbpf_xl *x, uint8_t dst, uint8_t src, uint64_t v)
{
	dbpf_emit(x, dbpf_mk(BPF_LD | BPF_DW | BPF_IMM, dst, src, 0,
	    (int32_t)(uint32_t)v));
	dbpf_emit(x, dbpf_mk(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32)));
}

void dbpf_fp_addr(struct dbpf_xl *x, uint8_t dst, int16_t off)
{
	dbpf_emit(x, ALU_X(BPF_MOV, dst, BPF_REG_10));
	dbpf_emit(x, ALU_K(BPF_ADD, dst, off));
}

uint32_t dbpf_label_new(struct dbpf_xl *x)
{
	if (x->nlabels == x->caplabels) {
		uint32_t cap = x->caplabels ? x->caplabels * 2 : 64;
		size_t *nl = realloc(x->labels, cap * sizeof(*nl));

		if (nl == NULL) {
			x->oom = 1;
			return 0;
		}
		x->labels = nl;
		x->caplabels = cap;
	}
	x->labels[x->nlabels] = SIZE_MAX;
	return x->nlabels++;
}

void dbpf_label_bind(struct dbpf_xl *x, uint32_t label)
{
	if (label < x->nlabels)
		x->labels[label] = x->n;
}

void dbpf_jump(struct dbpf_xl *x, struct bpf_insn in, uint32_t label)
{
	if (x->nfix == x->capfix) {
		size_t cap = x->capfix ? x->capfix * 2 : 64;
		struct dbpf_fix *nf = realloc(x->fix, cap * sizeof(*nf));

		if (nf == NULL) {
			x->oom = 1;
			return;
		}
		x->fix = nf;
		x->capfix = cap;
	}
	x->fix[x->nfix++] = (struct dbpf_fix){ x->n, label };
	dbpf_emit(x, in);
}

int dbpf_fail(struct dbpf_xl *x, const char *fmt, ...)
{
	va_list ap;

	if (x->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *dbpf_mnemonic(unsigned op)
{
	switch (op) {
#define MN_(num, name, mn, form, sem) case num: return mn;
	DIF_OPCODES(MN_)
#undef MN_
	default: return "(unknown)";
	}
}

int dbpf_xl_finish(struct dbpf_xl *x)
{
	if (x->oom)
		return -ENOMEM;
	for (size_t i = 0; i < x->nfix; i++) {
		const struct dbpf_fix *f = &x->fix[i];
		size_t to = f->label < x->nlabels ? x->labels[f->label] : SIZE_MAX;
		long long off = (long long)to - (long long)f->at - 1;

		if (to == SIZE_MAX)
			return dbpf_fail(x, "internal error: jump to an unbound label");
		if (off < INT16_MIN || off > INT16_MAX)
			return dbpf_fail(x, "pc %lld: jump of %lld BPF instructions is "
			    "out of range", (long long)DBPF_TAG_PC(x->pcmap[f->at]), off);
		x->insn[f->at].off = (int16_t)off;
	}
	return 0;
}

void dbpf_xl_release(struct dbpf_xl *x)
{
	free(x->labels);
	free(x->fix);
	x->labels = NULL;
	x->fix = NULL;
}

/* ---- DIF instructions ---------------------------------------------------- */

#define emit		dbpf_emit
#define mk		dbpf_mk
#define fail		dbpf_fail

void dbpf_get(struct dbpf_xl *x, uint8_t bpfreg, unsigned difreg)
{
	if (difreg == 0)
		emit(x, ALU_K(BPF_MOV, bpfreg, 0));
	else
		emit(x, LDX64(bpfreg, BPF_REG_10, SLOT_REG(difreg)));
}

void dbpf_put(struct dbpf_xl *x, unsigned difreg)
{
	if (difreg != 0)
		emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_REG(difreg)));
}

/*
 *   fp[FVAL] = r<valreg>; fp[FCODE] = code; fp[FPC] = pc; ja fault_label
 */
void dbpf_fault(struct dbpf_xl *x, unsigned code, uint8_t valreg)
{
	emit(x, STX64(BPF_REG_10, valreg, SLOT_FVAL));
	emit(x, ST64(BPF_REG_10, SLOT_FCODE, (int32_t)code));
	emit(x, ST64(BPF_REG_10, SLOT_FPC, (int32_t)x->curpc));
	dbpf_jump(x, JA(), x->fault_label);
}

static bool reg_ok(unsigned r)
{
	return r < DIF_DIR_NREGS;
}

/*
 *   r0 = %a; r2 = %b; [jne r2, 0, +ok; fault DIVZERO]; r0 <op>= r2; %d = r0
 * Shift counts are masked with 63 first, like the emulator.
 */
static int alu(struct dbpf_xl *x, unsigned op, dif_instr_t in)
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
	dbpf_get(x, BPF_REG_0, a);
	dbpf_get(x, BPF_REG_2, b);
	if (op == DIF_OP_SLL || op == DIF_OP_SRL || op == DIF_OP_SRA)
		emit(x, ALU_K(BPF_AND, BPF_REG_2, 63));
	if (bop == BPF_DIV || bop == BPF_MOD) {
		/* jne r2, 0, +4 skips the 4-insn fault sequence */
		emit(x, mk(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 4, 0));
		dbpf_fault(x, DIF_FAULT_DIVZERO, BPF_REG_2);
	}
	/* cpu v4 SDIV/SMOD: off = 1 (kernel >= 6.6); INT64_MIN / -1 = INT64_MIN, % -1 = 0 */
	emit(x, mk(BPF_ALU64 | bop | BPF_X, BPF_REG_0, BPF_REG_2, signed_off, 0));
	dbpf_put(x, d);
	return 0;
}

/*
 *   r1 = %a; r2 = %b; r0 = 0
 *   jne r1, r2, +1; r0 |= Z
 *   r3 = r1 - r2; jsge r3, 0, +1; r0 |= N
 *   jge r1, r2, +1; r0 |= C
 *   fp[FLAGS] = r0
 */
static void cmp(struct dbpf_xl *x, dif_instr_t in)
{
	dbpf_get(x, BPF_REG_1, DIF_INSTR_R1(in));
	dbpf_get(x, BPF_REG_2, DIF_INSTR_R2(in));
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
static void tst(struct dbpf_xl *x, dif_instr_t in)
{
	dbpf_get(x, BPF_REG_1, DIF_INSTR_R1(in));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, 0));
	emit(x, mk(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 1, 0));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, CC_Z));
	emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_FLAGS));
}

/*
 * Taken when any of `set` is 1:   r1 = fp[FLAGS]; jset r1, set, label
 * Taken when all of `clr` are 0:  r1 = fp[FLAGS]; r1 &= clr; jeq r1, 0, label
 */
static int branch(struct dbpf_xl *x, unsigned op, dif_instr_t in, uint32_t len)
{
	uint32_t label = DIF_INSTR_LABEL(in);
	int set = 0, clr = 0;

	if (label <= (uint32_t)x->curpc || label >= len)
		return fail(x, "pc %lld: branch target %u is not a later instruction",
		    (long long)x->curpc, label);
	switch (op) {
	case DIF_OP_BA:
		dbpf_jump(x, JA(), x->pcbase + label);
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
		dbpf_jump(x, JK(BPF_JSET, BPF_REG_1, set), x->pcbase + label);
	} else {
		emit(x, ALU_K(BPF_AND, BPF_REG_1, clr));
		dbpf_jump(x, JK(BPF_JEQ, BPF_REG_1, 0), x->pcbase + label);
	}
	return 0;
}

/*
 *   r3 = %a; r1 = fp + TMP; r2 = w; call probe_read_{kernel,user}
 *   jeq r0, 0, +5; r3 = fp[FVAL]; fault BADADDR(r3)
 *   r0 = *(u<w> *)(fp + TMP); [r0 <<= 64-8w; r0 s>>= 64-8w]; %d = r0
 * The address is kept in fp[FVAL] across the call (r3 is clobbered).
 */
static void load(struct dbpf_xl *x, dif_instr_t in, unsigned kind, bool user)
{
	static const uint8_t width[] = { 1, 2, 4, 1, 2, 4, 8 };
	static const uint8_t bsz[] = { BPF_B, BPF_H, BPF_W, BPF_B, BPF_H, BPF_W, BPF_DW };
	unsigned w = width[kind];

	dbpf_get(x, BPF_REG_3, DIF_INSTR_R1(in));
	emit(x, STX64(BPF_REG_10, BPF_REG_3, SLOT_FVAL));
	emit(x, ST64(BPF_REG_10, SLOT_TMP, 0));
	dbpf_fp_addr(x, BPF_REG_1, SLOT_TMP);
	emit(x, ALU_K(BPF_MOV, BPF_REG_2, (int32_t)w));
	emit(x, CALL(user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel));
	emit(x, mk(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 5, 0));
	emit(x, LDX64(BPF_REG_3, BPF_REG_10, SLOT_FVAL));
	dbpf_fault(x, DIF_FAULT_BADADDR, BPF_REG_3);
	emit(x, LDXSZ(bsz[kind], BPF_REG_0, BPF_REG_10, SLOT_TMP));
	if (kind < 3) {
		emit(x, ALU_K(BPF_LSH, BPF_REG_0, (int32_t)(64 - 8 * w)));
		emit(x, ALU_K(BPF_ARSH, BPF_REG_0, (int32_t)(64 - 8 * w)));
	}
	dbpf_put(x, DIF_INSTR_RD(in));
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
static int ldgs(struct dbpf_xl *x, dif_instr_t in)
{
	const struct dbpf_opts *opts = x->opts;
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
		dbpf_fp_addr(x, BPF_REG_1, SLOT_COMM);
		emit(x, ALU_K(BPF_MOV, BPF_REG_2, 16));
		emit(x, CALL(BPF_FUNC_get_current_comm));
		dbpf_fp_addr(x, BPF_REG_0, SLOT_COMM);
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
	dbpf_put(x, DIF_INSTR_RD(in));
	return 0;
}

static int one(struct dbpf_xl *x, const struct dif_difo *dp, dif_instr_t in,
    uint32_t done)
{
	unsigned op = DIF_INSTR_OP(in);
	unsigned r1 = DIF_INSTR_R1(in), r2 = DIF_INSTR_R2(in), rd = DIF_INSTR_RD(in);
	long long pc = (long long)x->curpc;

	if (x->hook != NULL) {
		int rc = x->hook(x, dp, in, x->harg);

		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
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
		dbpf_get(x, BPF_REG_0, r1);
		if (op == DIF_OP_NOT)
			emit(x, ALU_K(BPF_XOR, BPF_REG_0, -1));
		dbpf_put(x, rd);
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
		/* r0 = %rd; fp[RESULT] = r0; ja done */
		if (!reg_ok(rd))
			break;
		dbpf_get(x, BPF_REG_0, rd);
		emit(x, STX64(BPF_REG_10, BPF_REG_0, SLOT_RESULT));
		dbpf_jump(x, JA(), done);
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
		dbpf_ld_imm64(x, BPF_REG_0, 0, dp->dtdo_inttab[idx]);
		dbpf_put(x, rd);
		return 0;
	}
	case DIF_OP_LDGS:
		if (!reg_ok(rd))
			break;
		return ldgs(x, in);
	default:
		return fail(x, "pc %lld: opcode '%s' (%u) is not translated to BPF",
		    pc, dbpf_mnemonic(op), op);
	}
	return fail(x, "pc %lld: register operand out of range in '%s'", pc,
	    dbpf_mnemonic(op));
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

/*
 *   fp[-8..-56] = 0 (%r1..%r7); fp[FLAGS] = 0; <body>
 */
int dbpf_xl_difo(struct dbpf_xl *x, const struct dif_difo *dp, uint32_t done)
{
	bool *live;
	int rc = 0;

	if (dp == NULL || dp->dtdo_buf == NULL || dp->dtdo_len == 0)
		return fail(x, "difo: the program text is empty");
	live = reachable(dp);
	if (live == NULL)
		return -ENOMEM;
	x->pcbase = x->nlabels;
	for (uint32_t pc = 0; pc < dp->dtdo_len; pc++)
		(void)dbpf_label_new(x);
	for (unsigned i = 1; i < DIF_DIR_NREGS; i++)
		emit(x, ST64(BPF_REG_10, SLOT_REG(i), 0));
	emit(x, ST64(BPF_REG_10, SLOT_FLAGS, 0));
	for (uint32_t pc = 0; pc < dp->dtdo_len && rc == 0 && !x->oom; pc++) {
		x->curpc = pc;
		dbpf_label_bind(x, x->pcbase + pc);
		if (live[pc])
			rc = one(x, dp, dp->dtdo_buf[pc], done);
	}
	/* Falling off the end would run into whatever follows. */
	if (rc == 0 && live[dp->dtdo_len - 1] &&
	    DIF_INSTR_OP(dp->dtdo_buf[dp->dtdo_len - 1]) != DIF_OP_RET)
		rc = fail(x, "pc %u: the program does not end with ret",
		    dp->dtdo_len - 1);
	x->curpc = -1;
	free(live);
	if (rc == 0 && x->oom)
		rc = -ENOMEM;
	return rc;
}

/* ---- The single-DIFO program --------------------------------------------- */

/*
 *   fp[KEY] = 0 (u32); r1 = &state map; r2 = fp + KEY; call map_lookup_elem
 *   jne r0, 0, +2; r0 = <ret>; exit
 *   r6 = r0
 */
static void lookup_state(struct dbpf_xl *x, int32_t ret)
{
	emit(x, mk(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, SLOT_KEY, 0));
	dbpf_ld_imm64(x, BPF_REG_1, BPF_PSEUDO_MAP_FD, (uint32_t)DBPF_MAP_PLACEHOLDER);
	dbpf_fp_addr(x, BPF_REG_2, SLOT_KEY);
	emit(x, CALL(BPF_FUNC_map_lookup_elem));
	emit(x, mk(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, 0));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, ret));
	emit(x, EXIT());
	emit(x, ALU_X(BPF_MOV, BPF_REG_6, BPF_REG_0));
}

#define OFF(field)	((int16_t)offsetof(struct dbpf_stats, field))

/*   v->field += 1 */
static void bump(struct dbpf_xl *x, int16_t off)
{
	emit(x, LDX64(BPF_REG_1, BPF_REG_6, off));
	emit(x, ALU_K(BPF_ADD, BPF_REG_1, 1));
	emit(x, STX64(BPF_REG_6, BPF_REG_1, off));
}

/*   v->dst = fp[slot] */
static void copy_slot(struct dbpf_xl *x, int16_t slot, int16_t off)
{
	emit(x, LDX64(BPF_REG_1, BPF_REG_10, slot));
	emit(x, STX64(BPF_REG_6, BPF_REG_1, off));
}

/*
 * fault tail:  v = lookup; runs++; faults++; fault, pc, illval = slots;
 *              r0 = FAULT; exit
 */
static void fault_tail(struct dbpf_xl *x)
{
	lookup_state(x, DBPF_RET_FAULT);
	bump(x, OFF(ds_runs));
	bump(x, OFF(ds_faults));
	copy_slot(x, SLOT_FCODE, OFF(ds_fault));
	copy_slot(x, SLOT_FPC, OFF(ds_fault_pc));
	copy_slot(x, SLOT_FVAL, OFF(ds_illval));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, DBPF_RET_FAULT));
	emit(x, EXIT());
}

/*
 * epilogue:  v = lookup; runs++; v->result = r1 = fp[RESULT];
 *            jeq r1, 0, +3; count++; r0 = OK; exit
 */
static void epilogue(struct dbpf_xl *x)
{
	lookup_state(x, DBPF_RET_OK);
	bump(x, OFF(ds_runs));
	copy_slot(x, SLOT_RESULT, OFF(ds_result));
	emit(x, mk(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 3, 0));
	bump(x, OFF(ds_count));
	emit(x, ALU_K(BPF_MOV, BPF_REG_0, DBPF_RET_OK));
	emit(x, EXIT());
}

static bool used(const struct dbpf_xl *x, uint32_t label)
{
	for (size_t i = 0; i < x->nfix; i++)
		if (x->fix[i].label == label)
			return true;
	return false;
}

/*
 *   r9 = r1 (ctx); <body>; [fault tail]; [epilogue]
 * Only reachable tails are emitted: the verifier refuses dead code.
 */
int dbpf_prog__translate(const struct dif_difo *dp, const struct dbpf_opts *opts,
    struct dbpf_prog **out, char *err, size_t errlen)
{
	struct dbpf_xl x = { .curpc = -1, .err = err, .errlen = errlen, .opts = opts };
	uint32_t done, flt;
	struct dbpf_prog *p = NULL;
	int rc;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (opts != NULL && opts->do_ctx != DBPF_CTX_RAW_TP &&
	    opts->do_ctx != DBPF_CTX_TRACEPOINT)
		return fail(&x, "unknown context kind %d", (int)opts->do_ctx);
	if (dp == NULL || dp->dtdo_buf == NULL || dp->dtdo_len == 0)
		return fail(&x, "difo: the program text is empty");
	done = dbpf_label_new(&x);
	flt = dbpf_label_new(&x);
	x.fault_label = flt;
	emit(&x, ALU_X(BPF_MOV, BPF_REG_9, BPF_REG_1));
	rc = dbpf_xl_difo(&x, dp, done);
	if (rc == 0) {
		if (used(&x, flt)) {
			dbpf_label_bind(&x, flt);
			fault_tail(&x);
		}
		if (used(&x, done)) {
			dbpf_label_bind(&x, done);
			epilogue(&x);
		}
		rc = dbpf_xl_finish(&x);
	}
	dbpf_xl_release(&x);
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
