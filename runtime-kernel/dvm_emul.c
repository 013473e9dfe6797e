/*
 * dvm_emul.c — the probe-context DIF emulator core.
 *
 * Theory.  A validated DIFO is straight-line code whose branches only go
 * forward, so a run is at most dtdo_len steps plus the bounded work of the
 * string and copy instructions.  The emulator is one flat switch over the
 * opcode, in the order of dif.h's table; each case does what that table's
 * semantics column says and nothing else.  Faults stop the run: the code,
 * the pc, the offending value and (for ILLOP) a reason go into the machine
 * state, the result is 0, and the caller decides what a fault means
 * (DTrace fires dtrace:::ERROR).
 *
 * Invariants the validator provides and this file relies on: registers and
 * tuple types in range, %r0 never written, branch targets forward and in
 * range, setx/sets operands inside their tables, the text ends in ret.  To
 * keep memory safety even for a program that skipped validation (a bug, or a
 * fuzzer), the few checks that guard array indexes and termination are
 * repeated here cheaply and fail as ILLOP / BAD_OPERAND; they never fire for
 * a validated program.
 *
 * Semantics chosen where C or DTrace leave a gap (docs/validator.md has the
 * list): shift counts are taken modulo 64 (what amd64 and arm64 hardware do,
 * hence what DTrace does there); INT64_MIN / -1 is INT64_MIN and
 * INT64_MIN % -1 is 0 (the hardware would trap); all registers start at 0.
 *
 * Memory: every access goes through the platform (dvm_platform.h), except
 * reads of the DIFO's own string table, which the validator proved
 * NUL-terminated and the emulator reads directly.  Stores are checked for
 * natural alignment here, for permission by the platform.
 *
 * Variables live in dvm_var.c and subroutines in dvm_subr.c; both need
 * the engine's variable storage (dms_vars) and fault ILLOP with reason
 * VARIABLE / SUBROUTINE when a bare emulator runs without it.  hypercall
 * is ILLOP.  Freestanding: no libc, no allocation, no printing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dvm_impl.h"

static const char *const reason_msg[DVM_REASON_COUNT] = {
#define REASON_MSG_(name, msg) [DVM_REASON_##name] = msg,
	DVM_REASONS(REASON_MSG_)
#undef REASON_MSG_
};

const char *dvm_reason__message(unsigned reason)
{
	return reason < DVM_REASON_COUNT ? reason_msg[reason] : "unknown reason";
}

void dvm_mstate__init(struct dvm_mstate *ms, const struct dvm_platform *plat,
    void *ctx)
{
	uint8_t *p = (uint8_t *)ms;

	for (size_t i = 0; i < sizeof(*ms); i++)
		p[i] = 0;
	ms->dms_plat = plat;
	ms->dms_ctx = ctx;
	ms->dms_strsize = DIF_DEFAULT_STRSIZE;
	ms->dms_rand[0] = UINT64_C(0x9e3779b97f4a7c15);
	ms->dms_rand[1] = UINT64_C(0xbf58476d1ce4e5b9);
}

/* ---- Faults and registers ----------------------------------------------- */

void dvm_fault(struct dvm_mstate *ms, uint32_t pc, enum dif_fault code,
    uint64_t illval, enum dvm_reason why)
{
	ms->dms_faulted = true;
	ms->dms_fault = (uint16_t)code;
	ms->dms_reason = (uint16_t)why;
	ms->dms_fault_pc = pc;
	ms->dms_illval = illval;
}

static void illop(struct dvm_mstate *ms, uint32_t pc, enum dvm_reason why,
    uint64_t illval)
{
	dvm_fault(ms, pc, DIF_FAULT_ILLOP, illval, why);
}

/* %r0 stays 0 even if an unvalidated program names it as destination. */
void dvm_put(struct dvm_mstate *ms, uint32_t rd, uint64_t v)
{
	ms->dms_regs[rd & (DIF_DIR_NREGS - 1)] = v;
	ms->dms_regs[0] = 0;
}

#define R(i)	(ms->dms_regs[(i) & (DIF_DIR_NREGS - 1)])

/* ---- Memory ---------------------------------------------------------------- */

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

/* Is [addr, addr + size) inside the DIFO's string table? */
static bool in_strtab(const struct dif_difo *dp, uint64_t addr, unsigned size)
{
	uint64_t base = (uint64_t)(uintptr_t)dp->dtdo_strtab;

	return dp->dtdo_strtab != NULL && addr >= base &&
	    addr - base < dp->dtdo_strlen && size <= dp->dtdo_strlen - (addr - base);
}

/* Host-order read of size bytes from the string table. */
static uint64_t strtab_read(const struct dif_difo *dp, uint64_t addr, unsigned size)
{
	const uint8_t *p = (const uint8_t *)dp->dtdo_strtab +
	    (addr - (uint64_t)(uintptr_t)dp->dtdo_strtab);
	union {
		uint8_t		b[8];
		uint8_t		u8;
		uint16_t	u16;
		uint32_t	u32;
		uint64_t	u64;
	} u = { .u64 = 0 };

	for (unsigned i = 0; i < size; i++)
		u.b[i] = p[i];
	switch (size) {
	case 1:	 return u.u8;
	case 2:	 return u.u16;
	case 4:	 return u.u32;
	default: return u.u64;
	}
}

/* Load through the platform (or the string table); false after a fault. */
bool dvm_load(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    enum dvm_space space, uint64_t addr, unsigned size, uint64_t *val)
{
	uint64_t v = 0;
	int rc;

	if (space != DVM_SPACE_USER && in_strtab(dp, addr, size)) {
		*val = strtab_read(dp, addr, size);
		return true;
	}
	rc = ms->dms_plat->dp_load(ms->dms_ctx, space, addr, size, &v);
	if (rc != 0) {
		dvm_fault(ms, pc, (enum dif_fault)rc, addr, DVM_REASON_NONE);
		return false;
	}
	*val = v & size_mask(size);
	return true;
}

bool dvm_store(struct dvm_mstate *ms, uint32_t pc, uint64_t addr,
    unsigned size, uint64_t val)
{
	int rc;

	if ((addr & (size - 1)) != 0) {
		dvm_fault(ms, pc, DIF_FAULT_BADALIGN, addr, DVM_REASON_NONE);
		return false;
	}
	rc = ms->dms_plat->dp_store(ms->dms_ctx, addr, size, val & size_mask(size));
	if (rc != 0) {
		dvm_fault(ms, pc, (enum dif_fault)rc, addr, DVM_REASON_NONE);
		return false;
	}
	return true;
}

static uint64_t sext(uint64_t v, unsigned size)
{
	switch (size) {
	case 1:	 return (uint64_t)(int64_t)(int8_t)v;
	case 2:	 return (uint64_t)(int64_t)(int16_t)v;
	case 4:	 return (uint64_t)(int64_t)(int32_t)v;
	default: return v;
	}
}

/*
 * ld*, uld*, rld*: the seven members of each family, in dif.h order, are
 * sb sh sw ub uh uw x.
 */
static void load_op(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, dif_instr_t in, enum dvm_space space, unsigned member)
{
	static const uint8_t sizes[7] = { 1, 2, 4, 1, 2, 4, 8 };
	uint64_t v;

	if (dvm_load(dp, ms, pc, space, R(DIF_INSTR_R1(in)), sizes[member], &v))
		dvm_put(ms, DIF_INSTR_RD(in), member < 3 ? sext(v, sizes[member]) : v);
}

/* ---- Strings ------------------------------------------------------------- */

/* Length of the string at s, at most lim; false after a fault. */
bool dvm_strlen(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, uint64_t s, uint64_t lim, uint64_t *len)
{
	uint64_t i, c;

	for (i = 0; i < lim; i++) {
		if (!dvm_load(dp, ms, pc, DVM_SPACE_CHECKED, s + i, 1, &c))
			return false;
		if (c == 0)
			break;
	}
	*len = i;
	return true;
}

/*
 * scmp: byte-wise unsigned comparison of at most strsize bytes; a NULL
 * pointer compares as "".  Sets n and z; v and c are cleared.
 */
static void scmp(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    uint64_t s1, uint64_t s2)
{
	int cmp = 0;

	if (s1 != s2) {
		for (uint64_t i = 0; i < ms->dms_strsize; i++) {
			uint64_t a = 0, b = 0;

			if (s1 != 0 && !dvm_load(dp, ms, pc, DVM_SPACE_CHECKED, s1 + i, 1, &a))
				return;
			if (s2 != 0 && !dvm_load(dp, ms, pc, DVM_SPACE_CHECKED, s2 + i, 1, &b))
				return;
			if (a != b) {
				cmp = a < b ? -1 : 1;
				break;
			}
			if (a == 0)
				break;
		}
	}
	ms->dms_cc_n = cmp < 0;
	ms->dms_cc_z = cmp == 0;
	ms->dms_cc_v = 0;
	ms->dms_cc_c = 0;
}

/* ---- Tuple stack ----------------------------------------------------------- */

static void push(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    dif_instr_t in, bool byref)
{
	uint64_t value = R(DIF_INSTR_RS(in)), size = 0;

	if (ms->dms_ttop >= DIF_DTR_NREGS) {
		dvm_fault(ms, pc, DIF_FAULT_TUPOFLOW, 0, DVM_REASON_NONE);
		return;
	}
	if (byref && DIF_INSTR_TYPE(in) == DIF_TYPE_STRING) {
		uint64_t lim = R(DIF_INSTR_R2(in)) ? R(DIF_INSTR_R2(in)) : ms->dms_strsize;

		if (!dvm_strlen(dp, ms, pc, value, lim, &size))
			return;
		size++;
	} else if (byref) {
		size = R(DIF_INSTR_R2(in));
		if (size > INT64_MAX) {
			illop(ms, pc, DVM_REASON_TUPLE_SIZE, size);
			return;
		}
	}
	ms->dms_tuple[ms->dms_ttop].dtt_value = value;
	ms->dms_tuple[ms->dms_ttop].dtt_size = size;
	ms->dms_ttop++;
}

/* ---- Arithmetic ---------------------------------------------------------- */

/* sdiv/udiv/srem/urem; false (DIVZERO) when the divisor is 0. */
static bool divide(struct dvm_mstate *ms, uint32_t pc, uint8_t op,
    uint64_t a, uint64_t b, uint64_t *out)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

	if (b == 0) {
		dvm_fault(ms, pc, DIF_FAULT_DIVZERO, 0, DVM_REASON_NONE);
		return false;
	}
	switch (op) {
	case DIF_OP_SDIV:
		*out = (sa == INT64_MIN && sb == -1) ? a : (uint64_t)(sa / sb);
		break;
	case DIF_OP_SREM:
		*out = (sb == -1) ? 0 : (uint64_t)(sa % sb);
		break;
	case DIF_OP_UDIV:
		*out = a / b;
		break;
	default:
		*out = a % b;
		break;
	}
	return true;
}

static void compare(struct dvm_mstate *ms, uint64_t a, uint64_t b)
{
	int64_t d = (int64_t)(a - b);

	ms->dms_cc_n = d < 0;
	ms->dms_cc_z = d == 0;
	ms->dms_cc_v = 0;
	ms->dms_cc_c = a < b;
}

static bool taken(const struct dvm_mstate *ms, uint8_t op)
{
	bool n = ms->dms_cc_n, z = ms->dms_cc_z, v = ms->dms_cc_v, c = ms->dms_cc_c;

	switch (op) {
	case DIF_OP_BA:		return true;
	case DIF_OP_BE:		return z;
	case DIF_OP_BNE:	return !z;
	case DIF_OP_BG:		return !(z | (n ^ v));
	case DIF_OP_BGU:	return !(c | z);
	case DIF_OP_BGE:	return !(n ^ v);
	case DIF_OP_BGEU:	return !c;
	case DIF_OP_BL:		return n ^ v;
	case DIF_OP_BLU:	return c;
	case DIF_OP_BLE:	return z | (n ^ v);
	default:		return c | z;	/* bleu */
	}
}

/* copys: copy R[r2] bytes from [R[r1]] (checked load) to [R[rd]]. */
static void copys(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    dif_instr_t in)
{
	uint64_t src = R(DIF_INSTR_R1(in)), n = R(DIF_INSTR_R2(in));
	uint64_t dst = R(DIF_INSTR_RD(in)), b;

	for (uint64_t i = 0; i < n; i++) {
		if (!dvm_load(dp, ms, pc, DVM_SPACE_CHECKED, src + i, 1, &b) ||
		    !dvm_store(ms, pc, dst + i, 1, b))
			return;
	}
}

/* ---- The loop -------------------------------------------------------------- */

/* Executes the instruction at pc; returns the next pc, or UINT32_MAX on ret. */
static uint32_t step(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc)
{
	dif_instr_t in = dp->dtdo_buf[pc];
	uint8_t op = (uint8_t)DIF_INSTR_OP(in);
	uint64_t a = R(DIF_INSTR_R1(in)), b = R(DIF_INSTR_R2(in)), v;
	uint32_t rd = DIF_INSTR_RD(in);

	switch (op) {
	case DIF_OP_OR:		dvm_put(ms, rd, a | b); break;
	case DIF_OP_XOR:	dvm_put(ms, rd, a ^ b); break;
	case DIF_OP_AND:	dvm_put(ms, rd, a & b); break;
	case DIF_OP_SLL:	dvm_put(ms, rd, a << (b & 63)); break;
	case DIF_OP_SRL:	dvm_put(ms, rd, a >> (b & 63)); break;
	case DIF_OP_SUB:	dvm_put(ms, rd, a - b); break;
	case DIF_OP_ADD:	dvm_put(ms, rd, a + b); break;
	case DIF_OP_MUL:	dvm_put(ms, rd, a * b); break;
	case DIF_OP_SDIV: case DIF_OP_UDIV: case DIF_OP_SREM: case DIF_OP_UREM:
		if (divide(ms, pc, op, a, b, &v))
			dvm_put(ms, rd, v);
		break;
	case DIF_OP_NOT:	dvm_put(ms, rd, ~a); break;
	case DIF_OP_MOV:	dvm_put(ms, rd, a); break;
	case DIF_OP_CMP:	compare(ms, a, b); break;
	case DIF_OP_TST:
		ms->dms_cc_n = ms->dms_cc_v = ms->dms_cc_c = 0;
		ms->dms_cc_z = a == 0;
		break;
	case DIF_OP_BA: case DIF_OP_BE: case DIF_OP_BNE: case DIF_OP_BG:
	case DIF_OP_BGU: case DIF_OP_BGE: case DIF_OP_BGEU: case DIF_OP_BL:
	case DIF_OP_BLU: case DIF_OP_BLE: case DIF_OP_BLEU:
		if (DIF_INSTR_LABEL(in) <= pc) {	/* validated code never */
			illop(ms, pc, DVM_REASON_BAD_OPERAND, DIF_INSTR_LABEL(in));
			break;
		}
		if (taken(ms, op))
			return DIF_INSTR_LABEL(in);
		break;
	case DIF_OP_LDSB: case DIF_OP_LDSH: case DIF_OP_LDSW: case DIF_OP_LDUB:
	case DIF_OP_LDUH: case DIF_OP_LDUW: case DIF_OP_LDX:
		load_op(dp, ms, pc, in, DVM_SPACE_KERNEL, op - DIF_OP_LDSB);
		break;
	case DIF_OP_RET:
		ms->dms_result = R(rd);
		return UINT32_MAX;
	case DIF_OP_NOP:
		break;
	case DIF_OP_SETX:
		if (DIF_INSTR_INTEGER(in) >= dp->dtdo_intlen || dp->dtdo_inttab == NULL)
			illop(ms, pc, DVM_REASON_BAD_OPERAND, DIF_INSTR_INTEGER(in));
		else
			dvm_put(ms, rd, dp->dtdo_inttab[DIF_INSTR_INTEGER(in)]);
		break;
	case DIF_OP_SETS:
		if (DIF_INSTR_STRING(in) >= dp->dtdo_strlen || dp->dtdo_strtab == NULL)
			illop(ms, pc, DVM_REASON_BAD_OPERAND, DIF_INSTR_STRING(in));
		else
			dvm_put(ms, rd, (uint64_t)(uintptr_t)(dp->dtdo_strtab +
			    DIF_INSTR_STRING(in)));
		break;
	case DIF_OP_SCMP:
		scmp(dp, ms, pc, a, b);
		break;
	case DIF_OP_LDGA: case DIF_OP_LDGS: case DIF_OP_STGS: case DIF_OP_LDTS:
	case DIF_OP_STTS: case DIF_OP_LDGAA: case DIF_OP_LDTAA: case DIF_OP_STGAA:
	case DIF_OP_STTAA: case DIF_OP_LDLS: case DIF_OP_STLS:
		dvm_var_op(dp, ms, pc, in);
		break;
	case DIF_OP_LDTA:
		illop(ms, pc, DVM_REASON_THREAD_ARRAY, DIF_INSTR_R1(in));
		break;
	case DIF_OP_SRA:
		dvm_put(ms, rd, (uint64_t)((int64_t)a >> (b & 63)));
		break;
	case DIF_OP_CALL:
		dvm_subr_call(dp, ms, pc, in);
		break;
	case DIF_OP_PUSHTR:
		push(dp, ms, pc, in, true);
		break;
	case DIF_OP_PUSHTV:
		push(dp, ms, pc, in, false);
		break;
	case DIF_OP_POPTS:
		if (ms->dms_ttop > 0)
			ms->dms_ttop--;
		break;
	case DIF_OP_FLUSHTS:
		ms->dms_ttop = 0;
		break;
	case DIF_OP_ALLOCS:
		v = ms->dms_plat->dp_scratch(ms->dms_ctx, a);
		if (v == 0)
			dvm_fault(ms, pc, DIF_FAULT_NOSCRATCH, a, DVM_REASON_NONE);
		dvm_put(ms, rd, v);
		break;
	case DIF_OP_COPYS:
		copys(dp, ms, pc, in);
		break;
	case DIF_OP_STB:	dvm_store(ms, pc, R(rd), 1, a); break;
	case DIF_OP_STH:	dvm_store(ms, pc, R(rd), 2, a); break;
	case DIF_OP_STW:	dvm_store(ms, pc, R(rd), 4, a); break;
	case DIF_OP_STX:	dvm_store(ms, pc, R(rd), 8, a); break;
	case DIF_OP_ULDSB: case DIF_OP_ULDSH: case DIF_OP_ULDSW: case DIF_OP_ULDUB:
	case DIF_OP_ULDUH: case DIF_OP_ULDUW: case DIF_OP_ULDX:
		load_op(dp, ms, pc, in, DVM_SPACE_USER, op - DIF_OP_ULDSB);
		break;
	case DIF_OP_RLDSB: case DIF_OP_RLDSH: case DIF_OP_RLDSW: case DIF_OP_RLDUB:
	case DIF_OP_RLDUH: case DIF_OP_RLDUW: case DIF_OP_RLDX:
		load_op(dp, ms, pc, in, DVM_SPACE_CHECKED, op - DIF_OP_RLDSB);
		break;
	case DIF_OP_XLATE: case DIF_OP_XLARG:
		illop(ms, pc, DVM_REASON_XLATE, DIF_INSTR_XLREF(in));
		break;
	case DIF_OP_HYPERCALL:
		illop(ms, pc, DVM_REASON_HYPERCALL, 0);
		break;
	case DIF_OP_USETX: case DIF_OP_ULOAD: case DIF_OP_UULOAD: case DIF_OP_TYPECAST:
	case DIF_OP_USTORE:
		illop(ms, pc, DVM_REASON_PSEUDO, op);
		break;
	default:
		illop(ms, pc, DVM_REASON_BAD_OPCODE, op);
		break;
	}
	return pc + 1;
}

int dvm_difo__emulate(const struct dif_difo *dp, struct dvm_mstate *ms)
{
	uint32_t pc = 0, last = 0;

	for (unsigned i = 0; i < DIF_DIR_NREGS; i++)
		ms->dms_regs[i] = 0;
	ms->dms_ttop = 0;
	ms->dms_cc_n = ms->dms_cc_z = ms->dms_cc_v = ms->dms_cc_c = 0;
	ms->dms_faulted = false;
	ms->dms_fault = 0;
	ms->dms_reason = DVM_REASON_NONE;
	ms->dms_fault_pc = 0;
	ms->dms_illval = 0;
	ms->dms_result = 0;

	while (!ms->dms_faulted) {
		if (dp->dtdo_buf == NULL || pc >= dp->dtdo_len) {
			illop(ms, last, DVM_REASON_NO_RET, pc);	/* at the jump out */
			break;
		}
		last = pc;
		pc = step(dp, ms, pc);
		if (pc == UINT32_MAX && !ms->dms_faulted)
			return 0;
	}
	ms->dms_result = 0;
	return -1;
}
