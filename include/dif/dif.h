/*
 * dif.h — the DIF instruction set: the contract between every stage of the
 * toolchain and the probe-context VM.
 *
 * Theory.  DIF is the register machine DTrace runs in probe context: eight
 * 64-bit integer registers (%r0 is hard-wired to zero), a tuple stack of eight
 * {value, size} slots, condition codes n/z/v/c, and straight-line code whose
 * branches only go forward, so every program terminates.  An instruction is
 * one 32-bit word; its layout depends on the opcode's *form* (below).  The
 * opcode numbers, field layouts, variable ids, subroutine ids, action kinds
 * and fault codes are those of illumos/FreeBSD DTrace, so a DIFO we emit is a
 * DIFO FreeBSD's dtrace.ko accepts (minus our pseudo-instructions).
 *
 * HyperTrace adds six opcodes after xlarg (79):
 *   - hypercall: a guest hands its probe firing to the host;
 *   - usetx, uload, uuload, typecast, ustore: *relocatable pseudo-instructions*
 *     emitted by a compiler that does not know the target's types.  Each one
 *     has exactly one relocation record (include/dif/dif_reloc.h) naming the
 *     target type and member path; the linker (dld) rewrites it into real
 *     DIF.  A linked program never contains them (the validator checks).
 *
 * The table DIF_OPCODES is the single source of truth: the assembler,
 * disassembler, validator, emulator and typer are all driven by it.  Each row
 * is X(number, NAME, "mnemonic", FORM, "semantics") — one line of semantics in
 * the style of Lua's lopcodes.h.  Notation: R[x] register x, T tuple stack,
 * cc condition codes, [a] memory at a.
 *
 * This header is freestanding: only <stdint.h>-style fixed-width types.
 */
#ifndef DIF_DIF_H
#define DIF_DIF_H

#include <stdint.h>

typedef uint32_t dif_instr_t;

#define DIF_VERSION_1		1
#define DIF_VERSION_2		2
#define DIF_VERSION		DIF_VERSION_2

#define DIF_DIR_NREGS		8	/* integer registers %r0..%r7 */
#define DIF_DTR_NREGS		8	/* tuple stack slots */

#define DIF_INTOFF_MAX		0xffffu
#define DIF_STROFF_MAX		0xffffu
#define DIF_REGISTER_MAX	0xffu
#define DIF_VARIABLE_MAX	0xffffu
#define DIF_SUBROUTINE_MAX	0xffffu
#define DIF_LABEL_MAX		0xffffffu

/*
 * Instruction forms.  The comment shows the assembler syntax; fields are
 * (bits 31..24 | 23..16 | 15..8 | 7..0).
 */
enum dif_form {
	DIF_FORM_NONE,	 /* op                  (op | 0 | 0 | 0)              */
	DIF_FORM_R3,	 /* op %r1, %r2, %rd    (op | r1 | r2 | rd)           */
	DIF_FORM_R2,	 /* op %r1, %rd         (op | r1 | 0 | rd)            */
	DIF_FORM_LOAD,	 /* op [%r1], %rd       (op | r1 | 0 | rd)            */
	DIF_FORM_STORE,	 /* op %r1, [%rd]       (op | r1 | 0 | rd)            */
	DIF_FORM_CMP,	 /* op %r1, %r2         (op | r1 | r2 | 0)            */
	DIF_FORM_TST,	 /* op %r1              (op | r1 | 0 | 0)             */
	DIF_FORM_BRANCH, /* op label            (op | label24)                */
	DIF_FORM_RET,	 /* op %rd              (op | 0 | 0 | rd)             */
	DIF_FORM_SETX,	 /* op intidx, %rd      (op | idx16 | rd)             */
	DIF_FORM_SETS,	 /* op stroff, %rd      (op | off16 | rd)             */
	DIF_FORM_CALL,	 /* op subr, %rd        (op | subr16 | rd)            */
	DIF_FORM_LDV,	 /* op var, %rd         (op | var16 | rd)             */
	DIF_FORM_STV,	 /* op var, %rs         (op | var16 | rs)             */
	DIF_FORM_LDA,	 /* op arr, %ri, %rd    (op | arr8 | ri | rd)         */
	DIF_FORM_PUSH,	 /* op type, %r2, %rs   (op | type8 | r2 | rs)        */
	DIF_FORM_XLATE,	 /* op xlref, %rd       (op | xlref16 | rd)           */
	DIF_FORM_RELOC,	 /* op rel, %rd         (op | rel16 | rd)  usetx/typecast */
	DIF_FORM_COUNT
};

/*
 * X(num, NAME, mnemonic, form, semantics)
 */
#define DIF_OPCODES(X)							\
X( 1, OR,      "or",      DIF_FORM_R3,    "R[rd] = R[r1] | R[r2]")			\
X( 2, XOR,     "xor",     DIF_FORM_R3,    "R[rd] = R[r1] ^ R[r2]")			\
X( 3, AND,     "and",     DIF_FORM_R3,    "R[rd] = R[r1] & R[r2]")			\
X( 4, SLL,     "sll",     DIF_FORM_R3,    "R[rd] = R[r1] << R[r2]")			\
X( 5, SRL,     "srl",     DIF_FORM_R3,    "R[rd] = R[r1] >> R[r2] (logical)")	\
X( 6, SUB,     "sub",     DIF_FORM_R3,    "R[rd] = R[r1] - R[r2] (wraps)")		\
X( 7, ADD,     "add",     DIF_FORM_R3,    "R[rd] = R[r1] + R[r2] (wraps)")		\
X( 8, MUL,     "mul",     DIF_FORM_R3,    "R[rd] = low 64 bits of R[r1] * R[r2]")	\
X( 9, SDIV,    "sdiv",    DIF_FORM_R3,    "R[rd] = (s64)R[r1] / (s64)R[r2]; 0 => DIVZERO")	\
X(10, UDIV,    "udiv",    DIF_FORM_R3,    "R[rd] = R[r1] / R[r2]; 0 => DIVZERO")	\
X(11, SREM,    "srem",    DIF_FORM_R3,    "R[rd] = (s64)R[r1] % (s64)R[r2]; 0 => DIVZERO")	\
X(12, UREM,    "urem",    DIF_FORM_R3,    "R[rd] = R[r1] % R[r2]; 0 => DIVZERO")	\
X(13, NOT,     "not",     DIF_FORM_R2,    "R[rd] = ~R[r1]")				\
X(14, MOV,     "mov",     DIF_FORM_R2,    "R[rd] = R[r1]")				\
X(15, CMP,     "cmp",     DIF_FORM_CMP,   "cc = compare(R[r1], R[r2]); c = R[r1] <u R[r2]")	\
X(16, TST,     "tst",     DIF_FORM_TST,   "z = (R[r1] == 0); n = v = c = 0")		\
X(17, BA,      "ba",      DIF_FORM_BRANCH,"pc = label")				\
X(18, BE,      "be",      DIF_FORM_BRANCH,"if z then pc = label")			\
X(19, BNE,     "bne",     DIF_FORM_BRANCH,"if !z then pc = label")			\
X(20, BG,      "bg",      DIF_FORM_BRANCH,"if !(z | (n ^ v)) then pc = label")	\
X(21, BGU,     "bgu",     DIF_FORM_BRANCH,"if !(c | z) then pc = label")		\
X(22, BGE,     "bge",     DIF_FORM_BRANCH,"if !(n ^ v) then pc = label")		\
X(23, BGEU,    "bgeu",    DIF_FORM_BRANCH,"if !c then pc = label")			\
X(24, BL,      "bl",      DIF_FORM_BRANCH,"if n ^ v then pc = label")		\
X(25, BLU,     "blu",     DIF_FORM_BRANCH,"if c then pc = label")			\
X(26, BLE,     "ble",     DIF_FORM_BRANCH,"if z | (n ^ v) then pc = label")	\
X(27, BLEU,    "bleu",    DIF_FORM_BRANCH,"if c | z then pc = label")		\
X(28, LDSB,    "ldsb",    DIF_FORM_LOAD,  "R[rd] = sext8([R[r1]]), kernel, unchecked")	\
X(29, LDSH,    "ldsh",    DIF_FORM_LOAD,  "R[rd] = sext16([R[r1]]), kernel, unchecked")	\
X(30, LDSW,    "ldsw",    DIF_FORM_LOAD,  "R[rd] = sext32([R[r1]]), kernel, unchecked")	\
X(31, LDUB,    "ldub",    DIF_FORM_LOAD,  "R[rd] = zext8([R[r1]]), kernel, unchecked")	\
X(32, LDUH,    "lduh",    DIF_FORM_LOAD,  "R[rd] = zext16([R[r1]]), kernel, unchecked")	\
X(33, LDUW,    "lduw",    DIF_FORM_LOAD,  "R[rd] = zext32([R[r1]]), kernel, unchecked")	\
X(34, LDX,     "ldx",     DIF_FORM_LOAD,  "R[rd] = [R[r1]] (64 bits), kernel, unchecked")	\
X(35, RET,     "ret",     DIF_FORM_RET,   "result = R[rd]; stop")			\
X(36, NOP,     "nop",     DIF_FORM_NONE,  "nothing")					\
X(37, SETX,    "setx",    DIF_FORM_SETX,  "R[rd] = inttab[idx]")			\
X(38, SETS,    "sets",    DIF_FORM_SETS,  "R[rd] = address of strtab + off")		\
X(39, SCMP,    "scmp",    DIF_FORM_CMP,   "cc = strcmp(R[r1], R[r2]) bounded by strsize")	\
X(40, LDGA,    "ldga",    DIF_FORM_LDA,   "R[rd] = builtin array arr[R[ri]] (args, uregs)")	\
X(41, LDGS,    "ldgs",    DIF_FORM_LDV,   "R[rd] = global scalar var (builtin or user)")	\
X(42, STGS,    "stgs",    DIF_FORM_STV,   "global scalar var = R[rs]")		\
X(43, LDTA,    "ldta",    DIF_FORM_LDA,   "reserved thread-local builtin array: ILLOP")	\
X(44, LDTS,    "ldts",    DIF_FORM_LDV,   "R[rd] = self->var (0 if absent)")		\
X(45, STTS,    "stts",    DIF_FORM_STV,   "self->var = R[rs]; 0 deletes")		\
X(46, SRA,     "sra",     DIF_FORM_R3,    "R[rd] = (s64)R[r1] >> R[r2] (arithmetic)")	\
X(47, CALL,    "call",    DIF_FORM_CALL,  "R[rd] = subr(T[0..ttop))")			\
X(48, PUSHTR,  "pushtr",  DIF_FORM_PUSH,  "push {R[rs], size R[r2] or strlen+1} by ref")	\
X(49, PUSHTV,  "pushtv",  DIF_FORM_PUSH,  "push {R[rs], 0} by value")		\
X(50, POPTS,   "popts",   DIF_FORM_NONE,  "if ttop > 0 then ttop--")		\
X(51, FLUSHTS, "flushts", DIF_FORM_NONE,  "ttop = 0")				\
X(52, LDGAA,   "ldgaa",   DIF_FORM_LDV,   "R[rd] = var[T] global assoc (0 if absent)")	\
X(53, LDTAA,   "ldtaa",   DIF_FORM_LDV,   "R[rd] = self->var[T] (0 if absent)")	\
X(54, STGAA,   "stgaa",   DIF_FORM_STV,   "var[T] = R[rs]; 0 deletes")		\
X(55, STTAA,   "sttaa",   DIF_FORM_STV,   "self->var[T] = R[rs]; 0 deletes")	\
X(56, LDLS,    "ldls",    DIF_FORM_LDV,   "R[rd] = this->var")			\
X(57, STLS,    "stls",    DIF_FORM_STV,   "this->var = R[rs]")			\
X(58, ALLOCS,  "allocs",  DIF_FORM_R2,    "R[rd] = zeroed scratch of R[r1] bytes; fail => NOSCRATCH")	\
X(59, COPYS,   "copys",   DIF_FORM_R3,    "copy R[r2] bytes from [R[r1]] to [R[rd]]")	\
X(60, STB,     "stb",     DIF_FORM_STORE, "[R[rd]] = 8 bits of R[r1] (storable)")	\
X(61, STH,     "sth",     DIF_FORM_STORE, "[R[rd]] = 16 bits of R[r1] (storable, aligned)")	\
X(62, STW,     "stw",     DIF_FORM_STORE, "[R[rd]] = 32 bits of R[r1] (storable, aligned)")	\
X(63, STX,     "stx",     DIF_FORM_STORE, "[R[rd]] = R[r1] (storable, aligned)")	\
X(64, ULDSB,   "uldsb",   DIF_FORM_LOAD,  "R[rd] = sext8 user [R[r1]], fault-tolerant")	\
X(65, ULDSH,   "uldsh",   DIF_FORM_LOAD,  "R[rd] = sext16 user [R[r1]]")		\
X(66, ULDSW,   "uldsw",   DIF_FORM_LOAD,  "R[rd] = sext32 user [R[r1]]")		\
X(67, ULDUB,   "uldub",   DIF_FORM_LOAD,  "R[rd] = zext8 user [R[r1]]")		\
X(68, ULDUH,   "ulduh",   DIF_FORM_LOAD,  "R[rd] = zext16 user [R[r1]]")		\
X(69, ULDUW,   "ulduw",   DIF_FORM_LOAD,  "R[rd] = zext32 user [R[r1]]")		\
X(70, ULDX,    "uldx",    DIF_FORM_LOAD,  "R[rd] = user [R[r1]] (64 bits)")		\
X(71, RLDSB,   "rldsb",   DIF_FORM_LOAD,  "R[rd] = sext8([R[r1]]) if loadable else fault")	\
X(72, RLDSH,   "rldsh",   DIF_FORM_LOAD,  "R[rd] = sext16([R[r1]]) checked")		\
X(73, RLDSW,   "rldsw",   DIF_FORM_LOAD,  "R[rd] = sext32([R[r1]]) checked")		\
X(74, RLDUB,   "rldub",   DIF_FORM_LOAD,  "R[rd] = zext8([R[r1]]) checked")		\
X(75, RLDUH,   "rlduh",   DIF_FORM_LOAD,  "R[rd] = zext16([R[r1]]) checked")		\
X(76, RLDUW,   "rlduw",   DIF_FORM_LOAD,  "R[rd] = zext32([R[r1]]) checked")		\
X(77, RLDX,    "rldx",    DIF_FORM_LOAD,  "R[rd] = [R[r1]] (64 bits) checked")		\
X(78, XLATE,   "xlate",   DIF_FORM_XLATE, "user level only: translate R[rd] by xlref")	\
X(79, XLARG,   "xlarg",   DIF_FORM_XLATE, "user level only: translator argument by xlref")	\
X(80, HYPERCALL,"hypercall",DIF_FORM_NONE,"guest: hand this probe firing to the host")	\
X(81, USETX,   "usetx",   DIF_FORM_RELOC, "R[rd] = target constant of relocation rel (offset/size)")	\
X(82, ULOAD,   "uload",   DIF_FORM_LOAD,  "R[rd] = kernel load sized/signed by the target type")	\
X(83, UULOAD,  "uuload",  DIF_FORM_LOAD,  "R[rd] = user load sized/signed by the target type")	\
X(84, TYPECAST,"typecast",DIF_FORM_RELOC, "R[rd] = R[rd] converted to the target type of rel")	\
X(85, USTORE,  "ustore",  DIF_FORM_STORE, "[R[rd]] = R[r1] sized by the target member type")

enum dif_op {
#define DIF_OP_ENUM_(num, name, mn, form, sem) DIF_OP_##name = num,
	DIF_OPCODES(DIF_OP_ENUM_)
#undef DIF_OP_ENUM_
	DIF_OP_MAX = 85		/* highest opcode number */
};

/* ld* + DIF_OP_RLD_DELTA = rld*;  ld* + DIF_OP_ULD_DELTA = uld* */
#define DIF_OP_RLD_DELTA	(DIF_OP_RLDSB - DIF_OP_LDSB)
#define DIF_OP_ULD_DELTA	(DIF_OP_ULDSB - DIF_OP_LDSB)

/* True for the pseudo-instructions that only a relocatable object may hold. */
#define DIF_OP_IS_RELOCATABLE(op) \
	((op) == DIF_OP_USETX || (op) == DIF_OP_ULOAD || \
	 (op) == DIF_OP_UULOAD || (op) == DIF_OP_TYPECAST || \
	 (op) == DIF_OP_USTORE)

/* Field extractors. */
#define DIF_INSTR_OP(i)		(((i) >> 24) & 0xffu)
#define DIF_INSTR_R1(i)		(((i) >> 16) & 0xffu)
#define DIF_INSTR_R2(i)		(((i) >>  8) & 0xffu)
#define DIF_INSTR_RD(i)		((i) & 0xffu)
#define DIF_INSTR_RS(i)		((i) & 0xffu)
#define DIF_INSTR_LABEL(i)	((i) & 0xffffffu)
#define DIF_INSTR_VAR(i)	(((i) >> 8) & 0xffffu)
#define DIF_INSTR_INTEGER(i)	(((i) >> 8) & 0xffffu)
#define DIF_INSTR_STRING(i)	(((i) >> 8) & 0xffffu)
#define DIF_INSTR_SUBR(i)	(((i) >> 8) & 0xffffu)
#define DIF_INSTR_XLREF(i)	(((i) >> 8) & 0xffffu)
#define DIF_INSTR_RELOC(i)	(((i) >> 8) & 0xffffu)
#define DIF_INSTR_TYPE(i)	(((i) >> 16) & 0xffu)

/* Encoders, one per form family. */
#define DIF_INSTR_FMT(op, r1, r2, d) \
	((dif_instr_t)(((uint32_t)(op) << 24) | ((uint32_t)(r1) << 16) | \
	((uint32_t)(r2) << 8) | (uint32_t)(d)))
#define DIF_INSTR_IMM16(op, idx, d) \
	((dif_instr_t)(((uint32_t)(op) << 24) | (((uint32_t)(idx) & 0xffffu) << 8) | \
	(uint32_t)(d)))
#define DIF_INSTR_BRANCH(op, label) \
	((dif_instr_t)(((uint32_t)(op) << 24) | ((uint32_t)(label) & 0xffffffu)))
#define DIF_INSTR_NOP		DIF_INSTR_FMT(DIF_OP_NOP, 0, 0, 0)

/* Tuple-stack type codes (pushtr/pushtv type field) and DIF type kinds. */
#define DIF_TYPE_CTF		0
#define DIF_TYPE_STRING		1

/* dif_type.dtdt_flags */
#define DIF_TF_BYREF		0x1	/* value is a kernel/scratch address */
#define DIF_TF_BYUREF		0x2	/* value is a user-space address */

/* Variable id ranges. */
#define DIF_VAR_ARRAY_MIN	0x0000
#define DIF_VAR_ARRAY_UBASE	0x0080
#define DIF_VAR_ARRAY_MAX	0x00ff
#define DIF_VAR_SCALAR_MIN	0x0100
#define DIF_VAR_OTHER_MIN	0x0100
#define DIF_VAR_OTHER_UBASE	0x0500	/* first user variable id */
#define DIF_VAR_OTHER_MAX	0xffff

/* Variable scope and kind (dif_var). */
#define DIFV_KIND_ARRAY		0
#define DIFV_KIND_SCALAR	1
#define DIFV_SCOPE_GLOBAL	0
#define DIFV_SCOPE_THREAD	1
#define DIFV_SCOPE_LOCAL	2
#define DIFV_F_REF		0x1	/* read by this DIFO */
#define DIFV_F_MOD		0x2	/* written by this DIFO */

/*
 * Built-in variables: X(id, NAME, "d-name").  Ids and names are DTrace's;
 * VMNAME is HyperTrace's (the guest a probe fired in; "" on the host).
 * Apple DTrace's, with HyperTrace's meaning:
 *   vmregs[f]       the VMCS field with Intel encoding f (VMX_* constants)
 *                   of the guest vCPU the probe fired for; a fault elsewhere;
 *   machtimestamp   monotonic nanoseconds (mach time is ns on HyperTrace);
 *   machctimestamp  monotonic ns that keep counting across suspend;
 *   cpucycles, cpuinstrs  this CPU's cycle / retired-instruction counters
 *                   (0 where the platform has none);
 *   vcycles, vinstrs      the same, counted for the current thread only.
 */
#define DIF_BUILTIN_VARS(X)		\
X(0x0000, ARGS,          "args")		\
X(0x0001, REGS,          "regs")		\
X(0x0002, UREGS,         "uregs")		\
X(0x0003, VMREGS,        "vmregs")		\
X(0x0100, CURTHREAD,     "curthread")	\
X(0x0101, TIMESTAMP,     "timestamp")	\
X(0x0102, VTIMESTAMP,    "vtimestamp")	\
X(0x0103, IPL,           "ipl")		\
X(0x0104, EPID,          "epid")		\
X(0x0105, ID,            "id")		\
X(0x0106, ARG0,          "arg0")		\
X(0x0107, ARG1,          "arg1")		\
X(0x0108, ARG2,          "arg2")		\
X(0x0109, ARG3,          "arg3")		\
X(0x010a, ARG4,          "arg4")		\
X(0x010b, ARG5,          "arg5")		\
X(0x010c, ARG6,          "arg6")		\
X(0x010d, ARG7,          "arg7")		\
X(0x010e, ARG8,          "arg8")		\
X(0x010f, ARG9,          "arg9")		\
X(0x0110, STACKDEPTH,    "stackdepth")	\
X(0x0111, CALLER,        "caller")		\
X(0x0112, PROBEPROV,     "probeprov")	\
X(0x0113, PROBEMOD,      "probemod")	\
X(0x0114, PROBEFUNC,     "probefunc")	\
X(0x0115, PROBENAME,     "probename")	\
X(0x0116, PID,           "pid")		\
X(0x0117, TID,           "tid")		\
X(0x0118, EXECNAME,      "execname")	\
X(0x0119, ZONENAME,      "zonename")	\
X(0x011a, WALLTIMESTAMP, "walltimestamp")	\
X(0x011b, USTACKDEPTH,   "ustackdepth")	\
X(0x011c, UCALLER,       "ucaller")		\
X(0x011d, PPID,          "ppid")		\
X(0x011e, UID,           "uid")		\
X(0x011f, GID,           "gid")		\
X(0x0120, ERRNO,         "errno")		\
X(0x0121, EXECARGS,      "execargs")	\
X(0x0122, JID,           "jid")		\
X(0x0123, JAILNAME,      "jailname")	\
X(0x0124, VMNAME,        "vmname")		\
X(0x0130, MACHTIMESTAMP, "machtimestamp")	\
X(0x0131, MACHCTIMESTAMP,"machctimestamp")	\
X(0x0132, CPUCYCLES,     "cpucycles")	\
X(0x0133, CPUINSTRS,     "cpuinstrs")	\
X(0x0134, VCYCLES,       "vcycles")		\
X(0x0135, VINSTRS,       "vinstrs")		\
X(0x0200, CPU,           "cpu")

enum dif_var_id {
#define DIF_VAR_ENUM_(id, name, dn) DIF_VAR_##name = id,
	DIF_BUILTIN_VARS(DIF_VAR_ENUM_)
#undef DIF_VAR_ENUM_
};

/*
 * Subroutines: X(id, NAME, "d-name").  FreeBSD numbering to 53; then
 * Apple's machine subroutines:
 *   vm_kernel_addrperm(a) the address plus a random odd secret drawn once
 *                   per dtrace process (0 stays 0), so kernel addresses
 *                   can be compared and shown without being revealed;
 *   mtons(t)        mach time to ns: the identity here;
 *   kvtophys(va)    kernel VA to physical (the page walker for guests, a
 *                   fault where the platform cannot translate);
 *   physmem_read(pa, size), physmem_write(pa, value, size)  1/2/4/8-byte
 *                   physical accesses (write is destructive).
 */
#define DIF_SUBRS(X)				\
X( 0, RAND,                "rand")			\
X( 1, MUTEX_OWNED,         "mutex_owned")		\
X( 2, MUTEX_OWNER,         "mutex_owner")		\
X( 3, MUTEX_TYPE_ADAPTIVE, "mutex_type_adaptive")	\
X( 4, MUTEX_TYPE_SPIN,     "mutex_type_spin")		\
X( 5, RW_READ_HELD,        "rw_read_held")		\
X( 6, RW_WRITE_HELD,       "rw_write_held")		\
X( 7, RW_ISWRITER,         "rw_iswriter")		\
X( 8, COPYIN,              "copyin")			\
X( 9, COPYINSTR,           "copyinstr")		\
X(10, SPECULATION,         "speculation")		\
X(11, PROGENYOF,           "progenyof")		\
X(12, STRLEN,              "strlen")			\
X(13, COPYOUT,             "copyout")			\
X(14, COPYOUTSTR,          "copyoutstr")		\
X(15, ALLOCA,              "alloca")			\
X(16, BCOPY,               "bcopy")			\
X(17, COPYINTO,            "copyinto")		\
X(18, MSGDSIZE,            "msgdsize")		\
X(19, MSGSIZE,             "msgsize")			\
X(20, GETMAJOR,            "getmajor")		\
X(21, GETMINOR,            "getminor")		\
X(22, DDI_PATHNAME,        "ddi_pathname")		\
X(23, STRJOIN,             "strjoin")			\
X(24, LLTOSTR,             "lltostr")			\
X(25, BASENAME,            "basename")		\
X(26, DIRNAME,             "dirname")			\
X(27, CLEANPATH,           "cleanpath")		\
X(28, STRCHR,              "strchr")			\
X(29, STRRCHR,             "strrchr")			\
X(30, STRSTR,              "strstr")			\
X(31, STRTOK,              "strtok")			\
X(32, SUBSTR,              "substr")			\
X(33, INDEX,               "index")			\
X(34, RINDEX,              "rindex")			\
X(35, HTONS,               "htons")			\
X(36, HTONL,               "htonl")			\
X(37, HTONLL,              "htonll")			\
X(38, NTOHS,               "ntohs")			\
X(39, NTOHL,               "ntohl")			\
X(40, NTOHLL,              "ntohll")			\
X(41, INET_NTOP,           "inet_ntop")		\
X(42, INET_NTOA,           "inet_ntoa")		\
X(43, INET_NTOA6,          "inet_ntoa6")		\
X(44, TOUPPER,             "toupper")			\
X(45, TOLOWER,             "tolower")			\
X(46, MEMREF,              "memref")			\
X(47, SX_SHARED_HELD,      "sx_shared_held")		\
X(48, SX_EXCLUSIVE_HELD,   "sx_exclusive_held")	\
X(49, SX_ISEXCLUSIVE,      "sx_isexclusive")		\
X(50, MEMSTR,              "memstr")			\
X(51, GETF,                "getf")			\
X(52, JSON,                "json")			\
X(53, STRTOLL,             "strtoll")			\
X(54, VM_KERNEL_ADDRPERM,  "vm_kernel_addrperm")	\
X(55, MTONS,               "mtons")			\
X(56, KVTOPHYS,            "kvtophys")		\
X(57, PHYSMEM_READ,        "physmem_read")		\
X(58, PHYSMEM_WRITE,       "physmem_write")

enum dif_subr_id {
#define DIF_SUBR_ENUM_(id, name, dn) DIF_SUBR_##name = id,
	DIF_SUBRS(DIF_SUBR_ENUM_)
#undef DIF_SUBR_ENUM_
	DIF_SUBR_MAX = 58
};

/*
 * Fault codes recorded by the VM (DTRACEFLT_*); the VM stores the code and
 * the faulting pc, never prints.
 */
#define DIF_FAULTS(X)			\
X(0, UNKNOWN,  "unknown fault")		\
X(1, BADADDR,  "invalid address")		\
X(2, BADALIGN, "invalid alignment")	\
X(3, ILLOP,    "illegal operation")	\
X(4, DIVZERO,  "divide-by-zero")		\
X(5, NOSCRATCH,"out of scratch space")	\
X(6, KPRIV,    "invalid kernel access")	\
X(7, UPRIV,    "invalid user access")	\
X(8, TUPOFLOW, "tuple stack overflow")	\
X(9, BADSTACK, "bad stack")

enum dif_fault {
#define DIF_FAULT_ENUM_(n, name, msg) DIF_FAULT_##name = n,
	DIF_FAULTS(DIF_FAULT_ENUM_)
#undef DIF_FAULT_ENUM_
	DIF_FAULT_LIBRARY = 1000	/* >= this: library-level faults */
};

/*
 * Action kinds (dtrace_actkind_t values; class = high byte) and the
 * aggregating functions (class 0x0700).  X(value, NAME, "name")
 */
#define DIF_ACTIONS(X)				\
X(0x0000, NONE,        "none")			\
X(0x0001, DIFEXPR,     "difexpr")		\
X(0x0002, EXIT,        "exit")			\
X(0x0003, PRINTF,      "printf")		\
X(0x0004, PRINTA,      "printa")		\
X(0x0005, LIBACT,      "libact")		\
X(0x0006, TRACEMEM,    "tracemem")		\
X(0x0007, TRACEMEM_DYNSIZE, "tracemem_dynsize")	\
X(0x0008, PRINTM,      "printm")		\
X(0x0101, USTACK,      "ustack")		\
X(0x0102, JSTACK,      "jstack")		\
X(0x0103, USYM,        "usym")			\
X(0x0104, UMOD,        "umod")			\
X(0x0105, UADDR,       "uaddr")			\
X(0x0201, STOP,        "stop")			\
X(0x0202, RAISE,       "raise")			\
X(0x0203, SYSTEM,      "system")		\
X(0x0204, FREOPEN,     "freopen")		\
X(0x0401, STACK,       "stack")			\
X(0x0402, SYM,         "sym")			\
X(0x0403, MOD,         "mod")			\
X(0x0501, BREAKPOINT,  "breakpoint")		\
X(0x0502, PANIC,       "panic")			\
X(0x0503, CHILL,       "chill")			\
X(0x0601, SPECULATE,   "speculate")		\
X(0x0602, COMMIT,      "commit")		\
X(0x0603, DISCARD,     "discard")		\
X(0x0701, COUNT,       "count")			\
X(0x0702, MIN,         "min")			\
X(0x0703, MAX,         "max")			\
X(0x0704, AVG,         "avg")			\
X(0x0705, SUM,         "sum")			\
X(0x0706, STDDEV,      "stddev")		\
X(0x0707, QUANTIZE,    "quantize")		\
X(0x0708, LQUANTIZE,   "lquantize")		\
X(0x0709, LLQUANTIZE,  "llquantize")

enum dif_action {
#define DIF_ACT_ENUM_(v, name, s) DIF_ACT_##name = v,
	DIF_ACTIONS(DIF_ACT_ENUM_)
#undef DIF_ACT_ENUM_
};

#define DIF_ACT_CLASS(k)		((k) & 0xff00)
#define DIF_ACT_CLASS_PROC		0x0100
#define DIF_ACT_CLASS_PROC_DESTRUCTIVE	0x0200
#define DIF_ACT_CLASS_KERNEL		0x0400
#define DIF_ACT_CLASS_KERNEL_DESTRUCTIVE 0x0500
#define DIF_ACT_CLASS_SPECULATIVE	0x0600
#define DIF_ACT_CLASS_AGGREGATION	0x0700
#define DIF_ACT_IS_AGG(k)	(DIF_ACT_CLASS(k) == DIF_ACT_CLASS_AGGREGATION)

/*
 * Library actions (dtad_arg of a LIBACT): DT_ACT(n) = DIF_SUBR_MAX + 1 + n.
 * The base follows DIF_SUBR_MAX, so objects name library actions through
 * these constants (the assembler by name), never by number.  livedump
 * (Apple's) asks for a live kernel dump: destructive.
 */
#define DIF_LIBACT_BASE		(DIF_SUBR_MAX + 1)
#define DIF_LIBACTS(X)			\
X( 0, PRINTF,      "printf")		\
X( 1, TRACE,       "trace")		\
X( 2, TRACEMEM,    "tracemem")		\
X( 3, STACK,       "stack")		\
X( 4, STOP,        "stop")		\
X( 5, BREAKPOINT,  "breakpoint")		\
X( 6, PANIC,       "panic")		\
X( 7, SPECULATE,   "speculate")		\
X( 8, COMMIT,      "commit")		\
X( 9, DISCARD,     "discard")		\
X(10, CHILL,       "chill")		\
X(11, EXIT,        "exit")		\
X(12, USTACK,      "ustack")		\
X(13, PRINTA,      "printa")		\
X(14, RAISE,       "raise")		\
X(15, CLEAR,       "clear")		\
X(16, NORMALIZE,   "normalize")		\
X(17, DENORMALIZE, "denormalize")		\
X(18, TRUNC,       "trunc")		\
X(19, SYSTEM,      "system")		\
X(20, JSTACK,      "jstack")		\
X(21, FTRUNCATE,   "ftruncate")		\
X(22, FREOPEN,     "freopen")		\
X(23, SYM,         "sym")		\
X(24, MOD,         "mod")		\
X(25, USYM,        "usym")		\
X(26, UMOD,        "umod")		\
X(27, UADDR,       "uaddr")		\
X(28, SETOPT,      "setopt")		\
X(29, PRINT,       "print")		\
X(30, PRINTM,      "printm")		\
X(31, LIVEDUMP,    "livedump")

enum dif_libact {
#define DIF_LIBACT_ENUM_(n, name, s) DIF_LIBACT_##name = DIF_LIBACT_BASE + n,
	DIF_LIBACTS(DIF_LIBACT_ENUM_)
#undef DIF_LIBACT_ENUM_
};

/*
 * A DIF type (dtrace_diftype_t): kind CTF/STRING, the CTF kind of the type,
 * flags (DIF_TF_*), and size in bytes (0 = void).
 */
struct dif_type {
	uint8_t		dtdt_kind;
	uint8_t		dtdt_ckind;
	uint8_t		dtdt_flags;
	uint8_t		dtdt_pad;
	uint32_t	dtdt_size;
};

/* CTF kinds used in dtdt_ckind (values of the CTF format). */
#define DIF_CTF_K_UNKNOWN	0
#define DIF_CTF_K_INTEGER	1
#define DIF_CTF_K_FLOAT		2
#define DIF_CTF_K_POINTER	3
#define DIF_CTF_K_ARRAY		4
#define DIF_CTF_K_FUNCTION	5
#define DIF_CTF_K_STRUCT	6
#define DIF_CTF_K_UNION		7
#define DIF_CTF_K_ENUM		8
#define DIF_CTF_K_FORWARD	9
#define DIF_CTF_K_TYPEDEF	10

/* A variable-table entry (dtrace_difv_t); dtdv_name is a strtab offset. */
struct dif_var {
	uint32_t	dtdv_name;
	uint32_t	dtdv_id;
	uint8_t		dtdv_kind;
	uint8_t		dtdv_scope;
	uint16_t	dtdv_flags;
	struct dif_type	dtdv_type;
};

/*
 * An in-memory DIF object as the VM, validator and typer see it: borrowed
 * arrays, never owned.  Relocations (only in relocatable objects) point at
 * instructions by index; see include/dif/dif_reloc.h for their kinds.
 */
struct dif_reloc;
struct dif_difo {
	const dif_instr_t	*dtdo_buf;
	uint32_t		dtdo_len;
	uint32_t		dtdo_intlen;
	const uint64_t		*dtdo_inttab;
	const char		*dtdo_strtab;
	uint32_t		dtdo_strlen;
	uint32_t		dtdo_varlen;
	const struct dif_var	*dtdo_vartab;
	const struct dif_reloc	*dtdo_reltab;
	uint32_t		dtdo_rellen;
	struct dif_type		dtdo_rtype;
	uint8_t			dtdo_destructive;
};

/* Default tunables that bound compiled programs. */
#define DIF_DEFAULT_STRSIZE	256
#define DIF_MAX_STATIC_VARSIZE	(16 * 1024)
#define DIF_MAX_DIFO_SIZE	(256 * 1024)

#endif /* DIF_DIF_H */
