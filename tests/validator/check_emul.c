/*
 * check_emul.c — Check suite for the probe-context DIF emulator
 * (runtime-kernel/dvm_emul.c).
 *
 * Programs are built with difo_builder.c, must pass the validator first
 * (prog_run asserts it), and run over a test platform with three regions:
 *   kmem     loadable by ld* only (rld* gets KPRIV, uld* gets BADADDR)
 *   umem     loadable by uld* only
 *   scratch  loadable by ld* and rld*, storable, and handed out by allocs
 * Anything else faults BADADDR.  The platform counts its calls so tests can
 * see that string-table reads bypass it.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "difo_builder.h"
#include "dvm_emul.h"
#include "dvm_validate.h"

static uint8_t kmem[64] __attribute__((aligned(8)));
static uint8_t umem[64] __attribute__((aligned(8)));
static uint8_t scratch[256] __attribute__((aligned(8)));
static size_t scratch_used;
static unsigned plat_calls;

static bool inside(const uint8_t *base, size_t len, uint64_t addr, unsigned size)
{
	uint64_t b = (uint64_t)(uintptr_t)base;

	return addr >= b && addr - b <= len && size <= len - (addr - b);
}

static int t_load(void *ctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	(void)ctx;
	plat_calls++;
	if (space == DVM_SPACE_USER) {
		if (!inside(umem, sizeof(umem), addr, size))
			return DIF_FAULT_BADADDR;
	} else if (inside(kmem, sizeof(kmem), addr, size)) {
		if (space == DVM_SPACE_CHECKED)
			return DIF_FAULT_KPRIV;
	} else if (!inside(scratch, sizeof(scratch), addr, size)) {
		return DIF_FAULT_BADADDR;
	}
	*val = 0;
	memcpy(val, (const void *)(uintptr_t)addr, size);	/* little-endian host */
	*val |= 0xdead000000000000ull & (size < 8 ? ~0ull << (8 * size) : 0);	/* junk above */
	return 0;
}

static int t_store(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	(void)ctx;
	plat_calls++;
	if (!inside(scratch, sizeof(scratch), addr, size))
		return DIF_FAULT_BADADDR;
	memcpy((void *)(uintptr_t)addr, &val, size);
	return 0;
}

static uint64_t t_scratch(void *ctx, uint64_t size)
{
	(void)ctx;
	plat_calls++;
	if (size > sizeof(scratch) - scratch_used)	/* before rounding: no wrap */
		return 0;
	size = (size + 7) & ~7ull;
	if (size > sizeof(scratch) - scratch_used)
		return 0;
	uint8_t *p = scratch + scratch_used;
	scratch_used += size;
	memset(p, 0, size);
	return (uint64_t)(uintptr_t)p;
}

static const struct dvm_platform plat = {
	.dp_load = t_load, .dp_store = t_store, .dp_scratch = t_scratch
};

static struct tdifo prog;
static struct dvm_mstate ms;

static void prog_init(void)
{
	tb_init(&prog);
	memset(scratch, 0x77, sizeof(scratch));
	scratch_used = 0;
	plat_calls = 0;
}

static uint64_t addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* setx of a constant into rd. */
static void li(uint32_t rd, uint64_t v)
{
	tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_SETX, tb_int(&prog, v), rd));
}

static void op3(unsigned op, uint32_t r1, uint32_t r2, uint32_t rd)
{
	tb_emit(&prog, DIF_INSTR_FMT(op, r1, r2, rd));
}

/* Append a string to the program's string table; returns its offset. */
static uint32_t str(const char *s)
{
	uint32_t off = prog.d.dtdo_strlen;
	size_t n = strlen(s) + 1;

	memcpy(prog.strs + off, s, n);
	prog.d.dtdo_strlen += (uint32_t)n;
	return off;
}

/* ret %rd, validate (must pass under flags), run; returns emulate's value. */
static int prog_run_flags(uint32_t rd, uint32_t flags)
{
	struct dvm_validate_opts o = { .dvo_flags = flags };
	struct dvm_verr e[4];

	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_RET, 0, 0, rd));
	unsigned n = dvm_difo__validate(&prog.d, &o, e, 4);
	if (n != 0) {
		char line[160];
		dvm_verr__format(&e[0], line, sizeof(line));
		ck_abort_msg("test program is invalid: %s", line);
	}
	dvm_mstate__init(&ms, &plat, NULL);
	return dvm_difo__emulate(&prog.d, &ms);
}

static int prog_run(uint32_t rd)
{
	return prog_run_flags(rd, 0);
}

static void expect_result(uint32_t rd, uint64_t want, const char *what)
{
	int rc = prog_run(rd);

	ck_assert_msg(rc == 0 && !ms.dms_faulted, "%s: faulted %u at pc %u", what,
	    ms.dms_fault, ms.dms_fault_pc);
	ck_assert_msg(ms.dms_result == want, "%s: got 0x%llx want 0x%llx", what,
	    (unsigned long long)ms.dms_result, (unsigned long long)want);
}

static void expect_fault(uint32_t rd, uint32_t flags, enum dif_fault f, uint32_t pc,
    const char *what)
{
	int rc = prog_run_flags(rd, flags);

	ck_assert_msg(rc == -1 && ms.dms_faulted && ms.dms_fault == f && ms.dms_fault_pc == pc,
	    "%s: rc %d fault %u at pc %u, want fault %u at pc %u", what, rc,
	    ms.dms_fault, ms.dms_fault_pc, f, pc);
	ck_assert_uint_eq(ms.dms_result, 0);
}

/* ---- Arithmetic ---------------------------------------------------------- */

#define M1	UINT64_MAX
#define SMIN	((uint64_t)INT64_MIN)

/* ASSERTION: each ALU opcode computes its dif.h semantics. */
START_TEST(test_alu)
{
	static const struct { unsigned op; uint64_t a, b, want; } cases[] = {
		{ DIF_OP_OR, 0xf0, 0x0f, 0xff },
		{ DIF_OP_XOR, 0xff, 0x0f, 0xf0 },
		{ DIF_OP_AND, 0xff, 0x3c, 0x3c },
		{ DIF_OP_SLL, 1, 63, SMIN },
		{ DIF_OP_SRL, SMIN, 63, 1 },
		{ DIF_OP_SRA, SMIN, 63, M1 },
		{ DIF_OP_SUB, 0, 1, M1 },
		{ DIF_OP_ADD, M1, 2, 1 },
		{ DIF_OP_MUL, 0x100000000ull, 0x100000001ull, 0x100000000ull },
		{ DIF_OP_SDIV, (uint64_t)-7, 2, (uint64_t)-3 },
		{ DIF_OP_UDIV, (uint64_t)-7, 2, 0x7ffffffffffffffcull },
		{ DIF_OP_SREM, (uint64_t)-7, 2, (uint64_t)-1 },
		{ DIF_OP_UREM, 7, 4, 3 },
		{ DIF_OP_SDIV, SMIN, M1, SMIN },	/* would trap in hardware */
		{ DIF_OP_SREM, SMIN, M1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prog_init();
		li(1, cases[i].a);
		li(2, cases[i].b);
		op3(cases[i].op, 1, 2, 3);
		expect_result(3, cases[i].want, "alu");
	}
}
END_TEST

/* ASSERTION: not and mov are one-operand ALU ops. */
START_TEST(test_not_mov)
{
	prog_init();
	li(1, 0x0f);
	op3(DIF_OP_NOT, 1, 0, 2);
	expect_result(2, ~0x0full, "not");
	prog_init();
	li(1, 1234);
	op3(DIF_OP_MOV, 1, 0, 2);
	expect_result(2, 1234, "mov");
}
END_TEST

/* ASSERTION: division and remainder by zero fault DIVZERO at their pc. */
START_TEST(test_divzero)
{
	static const unsigned ops[] = { DIF_OP_SDIV, DIF_OP_UDIV, DIF_OP_SREM, DIF_OP_UREM };

	for (int i = 0; i < 4; i++) {
		prog_init();
		li(1, 10);
		op3(ops[i], 1, 0, 3);
		expect_fault(3, 0, DIF_FAULT_DIVZERO, 1, "divzero");
	}
}
END_TEST

/* ASSERTION: shift counts >= 64 are taken modulo 64 (amd64/arm64 behaviour). */
START_TEST(test_shift_ge_64)
{
	static const struct { unsigned op; uint64_t a, b, want; } cases[] = {
		{ DIF_OP_SLL, 3, 64, 3 },
		{ DIF_OP_SLL, 3, 65, 6 },
		{ DIF_OP_SRL, 0x80, 68, 0x8 },
		{ DIF_OP_SRA, (uint64_t)-64, 70, (uint64_t)-1 },
		{ DIF_OP_SRA, (uint64_t)-64, 64 + 3, (uint64_t)-8 },
		{ DIF_OP_SLL, 1, M1, SMIN },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prog_init();
		li(1, cases[i].a);
		li(2, cases[i].b);
		op3(cases[i].op, 1, 2, 3);
		expect_result(3, cases[i].want, "shift");
	}
}
END_TEST

/* ---- Compare and branch -------------------------------------------------- */

/*
 *   0 setx a, %r1;  1 setx b, %r2;  2 cmp/tst;  3 bXX 6;
 *   4 setx 0, %r3;  5 ba 7;  6 setx 1, %r3;  7 ret %r3
 */
static uint64_t branch_taken(unsigned bop, bool tst, uint64_t a, uint64_t b)
{
	prog_init();
	li(1, a);
	li(2, b);
	op3(tst ? DIF_OP_TST : DIF_OP_CMP, 1, tst ? 0 : 2, 0);
	tb_emit(&prog, DIF_INSTR_BRANCH(bop, 6));
	li(3, 0);
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BA, 7));
	li(3, 1);
	ck_assert_int_eq(prog_run(3), 0);
	return ms.dms_result;
}

/* ASSERTION: after cmp, every branch agrees with the C comparison it stands for. */
START_TEST(test_cmp_branches)
{
	static const int64_t vals[] = { -5, -1, 0, 1, 5, 1000 };

	for (int i = 0; i < 6; i++) {
		for (int j = 0; j < 6; j++) {
			int64_t sa = vals[i], sb = vals[j];
			uint64_t a = (uint64_t)sa, b = (uint64_t)sb;
			struct { unsigned op; bool want; } br[] = {
				{ DIF_OP_BA, true }, { DIF_OP_BE, a == b }, { DIF_OP_BNE, a != b },
				{ DIF_OP_BG, sa > sb }, { DIF_OP_BGU, a > b },
				{ DIF_OP_BGE, sa >= sb }, { DIF_OP_BGEU, a >= b },
				{ DIF_OP_BL, sa < sb }, { DIF_OP_BLU, a < b },
				{ DIF_OP_BLE, sa <= sb }, { DIF_OP_BLEU, a <= b },
			};
			for (int k = 0; k < 11; k++) {
				ck_assert_msg(branch_taken(br[k].op, false, a, b) == br[k].want,
				    "op %u a %lld b %lld", br[k].op, (long long)sa, (long long)sb);
			}
		}
	}
}
END_TEST

/* ASSERTION: cmp's signed flags come from the wrapped difference (v is always 0). */
START_TEST(test_cmp_wraps)
{
	/* INT64_MAX - (-1) wraps negative: DTrace's bl is taken though a > b. */
	ck_assert_uint_eq(branch_taken(DIF_OP_BL, false, INT64_MAX, M1), 1);
	ck_assert_uint_eq(branch_taken(DIF_OP_BGU, false, INT64_MAX, M1), 0);
}
END_TEST

/* ASSERTION: tst sets z from the register and clears n, v, c. */
START_TEST(test_tst)
{
	ck_assert_uint_eq(branch_taken(DIF_OP_BE, true, 0, 0), 1);
	ck_assert_uint_eq(branch_taken(DIF_OP_BE, true, 5, 0), 0);
	ck_assert_uint_eq(branch_taken(DIF_OP_BL, true, M1, 0), 0);	/* n cleared */
	ck_assert_uint_eq(branch_taken(DIF_OP_BLU, true, M1, 0), 0);	/* c cleared */
}
END_TEST

/* ---- Constants and strings ----------------------------------------------- */

/* ASSERTION: setx loads 64-bit constants; sets yields the string's address. */
START_TEST(test_setx_sets)
{
	prog_init();
	li(1, 0x123456789abcdef0ull);
	expect_result(1, 0x123456789abcdef0ull, "setx");
	prog_init();
	uint32_t off = str("hello");
	tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_SETS, off, 1));
	expect_result(1, addr_of(prog.strs + off), "sets");
}
END_TEST

/* scmp of two strtab strings (NULL when off < 0); returns 1 if lt, 2 if eq, 0 if gt. */
static uint64_t scmp_strs(const char *s1, const char *s2)
{
	prog_init();
	uint32_t o1 = s1 ? str(s1) : 0, o2 = s2 ? str(s2) : 0;
	if (s1) tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_SETS, o1, 1));
	if (s2) tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_SETS, o2, 2));
	op3(DIF_OP_SCMP, 1, 2, 0);
	uint32_t pc = prog.d.dtdo_len;
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BL, pc + 4));
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BE, pc + 6));
	li(3, 0);
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BA, pc + 7));
	li(3, 1);
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BA, pc + 7));
	li(3, 2);
	ck_assert_int_eq(prog_run(3), 0);
	return ms.dms_result;
}

/* ASSERTION: scmp compares bytes unsigned, NULL as "", prefixes as shorter. */
START_TEST(test_scmp)
{
	ck_assert_uint_eq(scmp_strs("abc", "abd"), 1);
	ck_assert_uint_eq(scmp_strs("abd", "abc"), 0);
	ck_assert_uint_eq(scmp_strs("abc", "abc"), 2);
	ck_assert_uint_eq(scmp_strs("ab", "abc"), 1);
	ck_assert_uint_eq(scmp_strs("\xff", "a"), 0);	/* unsigned */
	ck_assert_uint_eq(scmp_strs(NULL, ""), 2);
	ck_assert_uint_eq(scmp_strs(NULL, "a"), 1);
	ck_assert_uint_eq(plat_calls, 0);	/* strtab is read directly */
}
END_TEST

/* ASSERTION: scmp stops after strsize bytes, and reads other memory via the platform. */
START_TEST(test_scmp_bounded_and_platform)
{
	prog_init();
	memcpy(scratch, "abX", 4);
	memcpy(scratch + 8, "abY", 4);
	li(1, addr_of(scratch));
	li(2, addr_of(scratch + 8));
	op3(DIF_OP_SCMP, 1, 2, 0);
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BE, 6));
	li(3, 0);
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BA, 7));
	li(3, 1);
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3));
	ck_assert_uint_eq(dvm_difo__validate(&prog.d, NULL, NULL, 0), 0);
	dvm_mstate__init(&ms, &plat, NULL);
	ck_assert_int_eq(dvm_difo__emulate(&prog.d, &ms), 0);
	ck_assert_uint_eq(ms.dms_result, 0);	/* differ at byte 2 */
	ck_assert_uint_gt(plat_calls, 0);
	dvm_mstate__init(&ms, &plat, NULL);
	ms.dms_strsize = 2;
	ck_assert_int_eq(dvm_difo__emulate(&prog.d, &ms), 0);
	ck_assert_uint_eq(ms.dms_result, 1);	/* equal in the first 2 */
}
END_TEST

/* ASSERTION: scmp of an unloadable address faults with that address. */
START_TEST(test_scmp_fault)
{
	prog_init();
	li(1, addr_of(kmem));	/* kernel memory: KPRIV for checked loads */
	op3(DIF_OP_SCMP, 1, 0, 0);
	expect_fault(0, 0, DIF_FAULT_KPRIV, 1, "scmp kmem");
	ck_assert_uint_eq(ms.dms_illval, addr_of(kmem));
}
END_TEST

/* ---- Loads and stores ---------------------------------------------------- */

/* ASSERTION: each load family sign- or zero-extends by its width. */
START_TEST(test_load_extension)
{
	static const struct { unsigned member; uint64_t want; } m[7] = {
		{ 0, 0xffffffffffffff80ull }, { 1, 0xffffffffffff8180ull },
		{ 2, 0xffffffff83828180ull }, { 3, 0x80 }, { 4, 0x8180 },
		{ 5, 0x83828180ull }, { 6, 0x8786858483828180ull },
	};
	struct { unsigned base; uint8_t *mem; } fam[] = {
		{ DIF_OP_LDSB, kmem }, { DIF_OP_ULDSB, umem }, { DIF_OP_RLDSB, scratch },
	};
	for (int f = 0; f < 3; f++) {
		for (int i = 0; i < 7; i++) {
			prog_init();
			for (int k = 0; k < 8; k++)
				fam[f].mem[k] = (uint8_t)(0x80 + k);
			li(1, addr_of(fam[f].mem));
			op3(fam[f].base + m[i].member, 1, 0, 2);
			expect_result(2, m[i].want, "load");
		}
	}
}
END_TEST

/* ASSERTION: loads outside their space fault with the platform's code and address. */
START_TEST(test_load_faults)
{
	struct { unsigned op; const void *addr; enum dif_fault f; } cases[] = {
		{ DIF_OP_LDX, umem, DIF_FAULT_BADADDR },
		{ DIF_OP_RLDX, kmem, DIF_FAULT_KPRIV },
		{ DIF_OP_ULDX, kmem, DIF_FAULT_BADADDR },
		{ DIF_OP_LDUB, NULL, DIF_FAULT_BADADDR },
	};
	for (int i = 0; i < 4; i++) {
		prog_init();
		li(1, addr_of(cases[i].addr));
		op3(cases[i].op, 1, 0, 2);
		expect_fault(2, 0, cases[i].f, 1, "load fault");
		ck_assert_uint_eq(ms.dms_illval, addr_of(cases[i].addr));
	}
}
END_TEST

/* ASSERTION: stores write their width into scratch and read back. */
START_TEST(test_stores)
{
	static const struct { unsigned op; uint64_t want; } c[] = {
		{ DIF_OP_STB, 0x7777777777777788ull }, { DIF_OP_STH, 0x7777777777778788ull },
		{ DIF_OP_STW, 0x7777777785868788ull }, { DIF_OP_STX, 0x8182838485868788ull },
	};
	for (int i = 0; i < 4; i++) {
		prog_init();
		li(1, 0x8182838485868788ull);
		li(2, addr_of(scratch + 16));
		op3(c[i].op, 1, 0, 2);
		op3(DIF_OP_RLDX, 2, 0, 3);
		expect_result(3, c[i].want, "store");
	}
}
END_TEST

/* ASSERTION: misaligned sth/stw/stx fault BADALIGN; stores outside scratch BADADDR. */
START_TEST(test_store_faults)
{
	for (unsigned op = DIF_OP_STH; op <= DIF_OP_STX; op++) {
		prog_init();
		li(2, addr_of(scratch + 1));
		op3(op, 1, 0, 2);
		expect_fault(0, 0, DIF_FAULT_BADALIGN, 1, "misaligned");
		ck_assert_uint_eq(ms.dms_illval, addr_of(scratch + 1));
	}
	prog_init();
	li(2, addr_of(scratch + 1));
	op3(DIF_OP_STB, 1, 0, 2);	/* bytes have no alignment */
	expect_result(0, 0, "stb odd");
	prog_init();
	li(2, addr_of(kmem));
	op3(DIF_OP_STX, 1, 0, 2);
	expect_fault(0, 0, DIF_FAULT_BADADDR, 1, "store to kmem");
}
END_TEST

/* ASSERTION: allocs returns zeroed 8-aligned scratch, and NOSCRATCH when exhausted. */
START_TEST(test_allocs)
{
	prog_init();
	li(1, 5);
	op3(DIF_OP_ALLOCS, 1, 0, 2);
	op3(DIF_OP_ALLOCS, 1, 0, 3);
	op3(DIF_OP_SUB, 3, 2, 4);
	expect_result(4, 8, "two allocs 8 apart");
	ck_assert_uint_eq(*(uint64_t *)scratch, 0);
	prog_init();
	li(1, 1000);
	op3(DIF_OP_ALLOCS, 1, 0, 2);
	expect_fault(2, 0, DIF_FAULT_NOSCRATCH, 1, "too big");
	ck_assert_uint_eq(ms.dms_illval, 1000);
	prog_init();
	li(1, M1);	/* rounding up would wrap to 0 */
	op3(DIF_OP_ALLOCS, 1, 0, 2);
	expect_fault(2, 0, DIF_FAULT_NOSCRATCH, 1, "-1 bytes");
}
END_TEST

/* ASSERTION: copys copies bytes from a loadable source into storable memory. */
START_TEST(test_copys)
{
	prog_init();
	uint32_t off = str("abcdefg");
	tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_SETS, off, 1));
	li(2, 8);
	li(3, addr_of(scratch));
	op3(DIF_OP_COPYS, 1, 2, 3);
	op3(DIF_OP_RLDX, 3, 0, 4);
	uint64_t want;
	memcpy(&want, "abcdefg", 8);
	expect_result(4, want, "copys");

	prog_init();
	li(1, addr_of(kmem));
	li(2, 4);
	li(3, addr_of(scratch));
	op3(DIF_OP_COPYS, 1, 2, 3);
	expect_fault(0, 0, DIF_FAULT_KPRIV, 3, "copys from kmem");
}
END_TEST

/* ---- Tuple stack ----------------------------------------------------------- */

/* ASSERTION: pushtv/pushtr push {value, size}; popts and flushts pop. */
START_TEST(test_tuples)
{
	prog_init();
	uint32_t off = str("hello");
	li(1, 42);
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_PUSHTV, DIF_TYPE_CTF, 0, 1));
	tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_SETS, off, 2));
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 2));
	li(3, 3);
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 3, 2));	/* limit 3 */
	li(4, 24);
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_CTF, 4, 1));
	expect_result(0, 0, "pushes");
	ck_assert_uint_eq(ms.dms_ttop, 4);
	ck_assert_uint_eq(ms.dms_tuple[0].dtt_value, 42);
	ck_assert_uint_eq(ms.dms_tuple[0].dtt_size, 0);
	ck_assert_uint_eq(ms.dms_tuple[1].dtt_value, addr_of(prog.strs + off));
	ck_assert_uint_eq(ms.dms_tuple[1].dtt_size, 6);
	ck_assert_uint_eq(ms.dms_tuple[2].dtt_size, 4);
	ck_assert_uint_eq(ms.dms_tuple[3].dtt_size, 24);

	prog.d.dtdo_len--;	/* drop ret, pop twice */
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_POPTS, 0, 0, 0));
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_POPTS, 0, 0, 0));
	expect_result(0, 0, "popts");
	ck_assert_uint_eq(ms.dms_ttop, 2);
	prog.d.dtdo_len--;
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0));
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_POPTS, 0, 0, 0));	/* pop of empty: no-op */
	expect_result(0, 0, "flushts");
	ck_assert_uint_eq(ms.dms_ttop, 0);
}
END_TEST

/* ASSERTION: a ninth push faults TUPOFLOW; a by-ref size > INT64_MAX is ILLOP. */
START_TEST(test_tuple_faults)
{
	prog_init();
	for (int i = 0; i < DIF_DTR_NREGS + 1; i++)
		tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_PUSHTV, DIF_TYPE_CTF, 0, 0));
	expect_fault(0, 0, DIF_FAULT_TUPOFLOW, DIF_DTR_NREGS, "overflow");
	prog_init();
	li(1, SMIN);
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_CTF, 1, 0));
	expect_fault(0, 0, DIF_FAULT_ILLOP, 1, "huge size");
	ck_assert_uint_eq(ms.dms_reason, DVM_REASON_TUPLE_SIZE);
}
END_TEST

/* ---- Not yet supported --------------------------------------------------- */

/* ASSERTION: variables, calls, hypercall, ldta and pseudo-ops fault ILLOP with a reason. */
START_TEST(test_unsupported)
{
	static const struct { unsigned op; uint32_t flags; enum dvm_reason why; } c[] = {
		{ DIF_OP_LDGS, 0, DVM_REASON_VARIABLE },
		{ DIF_OP_STTS, 0, DVM_REASON_VARIABLE },
		{ DIF_OP_LDGAA, 0, DVM_REASON_VARIABLE },
		{ DIF_OP_STLS, 0, DVM_REASON_VARIABLE },
		{ DIF_OP_LDGA, 0, DVM_REASON_VARIABLE },
		{ DIF_OP_LDTA, 0, DVM_REASON_THREAD_ARRAY },
		{ DIF_OP_CALL, 0, DVM_REASON_SUBROUTINE },
		{ DIF_OP_HYPERCALL, DVM_VF_GUEST, DVM_REASON_HYPERCALL },
		{ DIF_OP_ULOAD, DVM_VF_RELOCATABLE, DVM_REASON_PSEUDO },
		{ DIF_OP_USETX, DVM_VF_RELOCATABLE, DVM_REASON_PSEUDO },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		prog_init();
		tb_emit(&prog, DIF_INSTR_NOP);
		tb_emit(&prog, tb_valid_instr(&prog, c[i].op, 1, 0));
		if (DIF_OP_IS_RELOCATABLE(c[i].op))
			tb_rel(&prog, 1, tb_reloc_kind(c[i].op));
		expect_fault(1, c[i].flags, DIF_FAULT_ILLOP, 1, "unsupported");
		ck_assert_uint_eq(ms.dms_reason, c[i].why);
		ck_assert_str_ne(dvm_reason__message(ms.dms_reason), "unknown reason");
	}
}
END_TEST

/* ASSERTION: the machine starts clean: registers, flags and tuples zero on every run. */
START_TEST(test_clean_start)
{
	prog_init();
	op3(DIF_OP_ADD, 1, 2, 3);
	op3(DIF_OP_OR, 3, 7, 3);
	tb_emit(&prog, DIF_INSTR_BRANCH(DIF_OP_BE, 4));	/* z = 0 at entry */
	li(3, 9);
	expect_result(3, 9, "fresh");
	ms.dms_regs[7] = 5;
	ms.dms_ttop = 3;
	ck_assert_int_eq(dvm_difo__emulate(&prog.d, &ms), 0);
	ck_assert_uint_eq(ms.dms_result, 9);
	ck_assert_uint_eq(ms.dms_ttop, 0);
}
END_TEST

/* ASSERTION: every opcode of dif.h is handled: it runs, or faults for a stated reason. */
START_TEST(test_every_opcode_handled)
{
	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		uint32_t flags = DIF_OP_IS_RELOCATABLE(op) ? DVM_VF_RELOCATABLE :
		    op == DIF_OP_HYPERCALL ? DVM_VF_GUEST : 0;
		int form = tb_form(op);

		if (form < 0 || form == DIF_FORM_XLATE)
			continue;
		prog_init();
		prog.d.dtdo_destructive = 1;
		tb_emit(&prog, tb_valid_instr(&prog, op, 0, 0));
		if (flags & DVM_VF_RELOCATABLE)
			tb_rel(&prog, 0, tb_reloc_kind(op));
		int rc = prog_run_flags(1, flags);
		if (op == DIF_OP_USTORE) {
			/* a pseudo-instruction never runs: ILLOP, reason PSEUDO */
			ck_assert(rc != 0 && ms.dms_fault == DIF_FAULT_ILLOP &&
			    ms.dms_reason == DVM_REASON_PSEUDO);
			continue;
		}
		ck_assert_msg(rc == 0 || (ms.dms_reason != DVM_REASON_BAD_OPCODE &&
		    ms.dms_reason != DVM_REASON_BAD_OPERAND && ms.dms_reason != DVM_REASON_NO_RET),
		    "op %u: reason %u", op, ms.dms_reason);
		ck_assert(rc == 0 || ms.dms_fault != DIF_FAULT_ILLOP ||
		    ms.dms_reason != DVM_REASON_NONE);
	}
	/* xlate/xlarg never validate; run anyway, they are ILLOP XLATE. */
	prog_init();
	tb_emit(&prog, DIF_INSTR_IMM16(DIF_OP_XLATE, 0, 1));
	tb_emit(&prog, DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1));
	dvm_mstate__init(&ms, &plat, NULL);
	ck_assert_int_eq(dvm_difo__emulate(&prog.d, &ms), -1);
	ck_assert_uint_eq(ms.dms_reason, DVM_REASON_XLATE);
}
END_TEST

/* ---- Robustness ------------------------------------------------------------ */

static uint64_t rs = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* ASSERTION: random words, validated or not, never crash and always stop. */
START_TEST(test_random_words)
{
	static dif_instr_t text[64];
	static uint64_t ints[4] = { 0, 1, 0x8000, (uint64_t)(uintptr_t)scratch };
	unsigned valid = 0;

	for (int iter = 0; iter < 50000; iter++) {
		struct dif_difo d = { 0 };
		uint32_t len = 1 + (uint32_t)(rnd() % 64);

		for (uint32_t i = 0; i < len; i++) {
			unsigned op = 1 + (unsigned)(rnd() % (DIF_OP_MAX + 2));
			text[i] = (op << 24) | (uint32_t)(rnd() & 0x00070707u);
			if (rnd() % 8 == 0)
				text[i] = (op << 24) | (uint32_t)((i + 1 + rnd() % 4) & 0xffffff);
			if (rnd() % 32 == 0)
				text[i] = (dif_instr_t)rnd();
		}
		if (rnd() % 2)
			text[len - 1] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, rnd() % 8);
		d.dtdo_buf = text;
		d.dtdo_len = len;
		d.dtdo_inttab = ints;
		d.dtdo_intlen = 4;
		d.dtdo_strtab = "\0ab\0";
		d.dtdo_strlen = 5;
		d.dtdo_destructive = 1;
		scratch_used = 0;
		dvm_mstate__init(&ms, &plat, NULL);
		int rc = dvm_difo__emulate(&d, &ms);
		ck_assert(rc == 0 || rc == -1);
		ck_assert(rc == 0 || ms.dms_faulted);
		ck_assert(!ms.dms_faulted || ms.dms_fault_pc < len);
		ck_assert_uint_eq(ms.dms_regs[0], 0);
		if (dvm_difo__validate(&d, NULL, NULL, 0) == 0) {
			valid++;
			/* validated code never hits the emulator's own guards */
			ck_assert(!ms.dms_faulted || (ms.dms_reason != DVM_REASON_BAD_OPCODE &&
			    ms.dms_reason != DVM_REASON_BAD_OPERAND &&
			    ms.dms_reason != DVM_REASON_NO_RET));
		}
	}
	ck_assert_uint_gt(valid, 100);
}
END_TEST

static Suite *emul_suite(void)
{
	Suite *s = suite_create("emulator");
	struct { const char *name; const TTest *tests[8]; } cases[] = {
		{ "alu", { test_alu, test_not_mov, test_divzero, test_shift_ge_64 } },
		{ "branches", { test_cmp_branches, test_cmp_wraps, test_tst } },
		{ "constants", { test_setx_sets, test_scmp, test_scmp_bounded_and_platform,
		    test_scmp_fault } },
		{ "memory", { test_load_extension, test_load_faults, test_stores,
		    test_store_faults, test_allocs, test_copys } },
		{ "tuples", { test_tuples, test_tuple_faults } },
		{ "unsupported", { test_unsupported, test_clean_start,
		    test_every_opcode_handled } },
		{ "robustness", { test_random_words } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_set_timeout(tc, 240);
		for (size_t j = 0; j < 8 && cases[i].tests[j] != NULL; j++)
			tcase_add_test(tc, cases[i].tests[j]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(emul_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
