/*
 * check_validate.c — Check suite for the DIF validator (runtime-kernel/
 * dvm_validate.c).
 *
 * Each rule has a test that builds a minimal DIFO breaking exactly that rule
 * and expects exactly one record: that rule at that pc (or table entry).
 * Most per-instruction tests are driven by dif.h's form column: every
 * opcode gets a valid instance (difo_builder.c) which must pass, and then
 * each of its register / reserved / destination fields is mutated alone.
 * Randomised tests (fixed seeds) check that arbitrary words never crash or
 * hang the validator and that whatever it accepts satisfies an independent
 * restatement of the safety properties the VM relies on.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "difo_builder.h"
#include "dvm_validate.h"

#define MAXERRS 64

static struct dvm_verr errs[MAXERRS];
static struct tdifo tdifo;

static unsigned run_opts(struct tdifo *t, uint32_t flags, uint32_t max_size)
{
	struct dvm_validate_opts o = { .dvo_flags = flags, .dvo_max_size = max_size };

	memset(errs, 0xa5, sizeof(errs));
	return dvm_difo__validate(&t->d, &o, errs, MAXERRS);
}

static unsigned run(struct tdifo *t, uint32_t flags)
{
	return run_opts(t, flags, 0);
}

/* "pc 3: ... (add); pc 4: ..." for failure messages. */
static const char *describe(unsigned n)
{
	static char text[2048];
	size_t len = 0;

	text[0] = '\0';
	for (unsigned i = 0; i < n && i < MAXERRS && len < sizeof(text) - 200; i++) {
		char line[160];

		dvm_verr__format(&errs[i], line, sizeof(line));
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s[%s] %s",
		    i ? "; " : "", dvm_rule__name(errs[i].dve_rule), line);
	}
	return n ? text : "no violations";
}

#define expect_none(t, flags) do {						\
	unsigned n_ = run((t), (flags));					\
	ck_assert_msg(n_ == 0, "expected no violations, got %u: %s", n_, describe(n_)); \
} while (0)

/* Exactly one record: rule at (where, pc, index). */
static void expect_one_at(struct tdifo *t, uint32_t flags, enum dvm_rule rule,
    enum dvm_where where, uint32_t pc, uint32_t index, const char *what)
{
	unsigned n = run(t, flags);

	ck_assert_msg(n == 1 && errs[0].dve_rule == rule && errs[0].dve_where == where &&
	    errs[0].dve_pc == pc && (index == DVM_INDEX_NONE || errs[0].dve_index == index),
	    "%s: expected only %s at pc %u, got %u: %s", what, dvm_rule__name(rule),
	    (unsigned)pc, n, describe(n));
}

static void expect_one(struct tdifo *t, uint32_t flags, enum dvm_rule rule,
    uint32_t pc, const char *what)
{
	expect_one_at(t, flags, rule, DVM_WHERE_TEXT, pc, DVM_INDEX_NONE, what);
}

static void expect_obj(struct tdifo *t, enum dvm_rule rule, const char *what)
{
	expect_one_at(t, 0, rule, DVM_WHERE_OBJECT, DVM_PC_NONE, DVM_INDEX_NONE, what);
}

static void expect_var(struct tdifo *t, enum dvm_rule rule, uint32_t index, const char *what)
{
	expect_one_at(t, 0, rule, DVM_WHERE_VARTAB, DVM_PC_NONE, index, what);
}

static bool is_opcode(unsigned op)
{
	return tb_form(op) >= 0;
}

static bool runs_in_kernel(unsigned op)
{
	return is_opcode(op) && tb_form(op) != DIF_FORM_XLATE;
}

/* The options under which op is legal. */
static uint32_t flags_for(unsigned op)
{
	if (DIF_OP_IS_RELOCATABLE(op))
		return DVM_VF_RELOCATABLE;
	if (op == DIF_OP_HYPERCALL)
		return DVM_VF_GUEST;
	return 0;
}

/* A program "op; ret %r1" with op's valid instance; returns that word. */
static dif_instr_t single_valid(struct tdifo *t, unsigned op)
{
	dif_instr_t in;

	tb_init(t);
	in = tb_valid_instr(t, op, 0, 0);
	tb_emit(t, in);
	if (DIF_OP_IS_RELOCATABLE(op))
		tb_rel(t, 0, tb_reloc_kind(op));
	tb_ret(t);
	return in;
}

/* Replace the word at pc 0 of a single_valid program. */
static void set0(struct tdifo *t, dif_instr_t in)
{
	t->text[0] = in;
}

static const char *mn(unsigned op)
{
	static const char *const names[256] = {
#define MN_(num, name, m, form, sem) [num] = m,
		DIF_OPCODES(MN_)
#undef MN_
	};
	return names[op & 0xff] ? names[op & 0xff] : "?";
}

/* Field shifts of the register operands of each form. */
enum { SH_R1 = 16, SH_R2 = 8, SH_RD = 0 };

static int reg_fields(int form, int sh[3])
{
	switch (form) {
	case DIF_FORM_R3:	sh[0] = SH_R1; sh[1] = SH_R2; sh[2] = SH_RD; return 3;
	case DIF_FORM_R2:
	case DIF_FORM_LOAD:
	case DIF_FORM_STORE:	sh[0] = SH_R1; sh[1] = SH_RD; return 2;
	case DIF_FORM_CMP:	sh[0] = SH_R1; sh[1] = SH_R2; return 2;
	case DIF_FORM_TST:	sh[0] = SH_R1; return 1;
	case DIF_FORM_RET:
	case DIF_FORM_SETX:
	case DIF_FORM_SETS:
	case DIF_FORM_CALL:
	case DIF_FORM_LDV:
	case DIF_FORM_STV:
	case DIF_FORM_RELOC:	sh[0] = SH_RD; return 1;
	case DIF_FORM_LDA:
	case DIF_FORM_PUSH:	sh[0] = SH_R2; sh[1] = SH_RD; return 2;
	default:		return 0;
	}
}

static int reserved_fields(int form, int sh[3])
{
	switch (form) {
	case DIF_FORM_NONE:	sh[0] = SH_R1; sh[1] = SH_R2; sh[2] = SH_RD; return 3;
	case DIF_FORM_R2:
	case DIF_FORM_LOAD:
	case DIF_FORM_STORE:	sh[0] = SH_R2; return 1;
	case DIF_FORM_CMP:	sh[0] = SH_RD; return 1;
	case DIF_FORM_TST:	sh[0] = SH_R2; sh[1] = SH_RD; return 2;
	case DIF_FORM_RET:	sh[0] = SH_R1; sh[1] = SH_R2; return 2;
	default:		return 0;
	}
}

/* Forms whose rd field is written (copys' rd is its destination address). */
static bool has_dest(int form)
{
	return form == DIF_FORM_R3 || form == DIF_FORM_R2 || form == DIF_FORM_LOAD ||
	    form == DIF_FORM_SETX || form == DIF_FORM_SETS || form == DIF_FORM_CALL ||
	    form == DIF_FORM_LDV || form == DIF_FORM_LDA || form == DIF_FORM_RELOC;
}

static dif_instr_t with_field(dif_instr_t in, int sh, uint32_t v)
{
	return (in & ~(0xffu << sh)) | (v << sh);
}

/* ---- Valid programs ------------------------------------------------------ */

/* ASSERTION: every kernel opcode's canonical instance passes alone. */
START_TEST(test_each_opcode_valid)
{
	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		if (!runs_in_kernel(op))
			continue;
		single_valid(&tdifo, op);
		unsigned n = run(&tdifo, flags_for(op));
		ck_assert_msg(n == 0, "%s: %s", mn(op), describe(n));
	}
}
END_TEST

/* ASSERTION: one guest program holding every linked kernel opcode passes. */
START_TEST(test_all_opcodes_one_program)
{
	struct tdifo *t = &tdifo;
	unsigned count = 0;

	tb_init(t);
	t->d.dtdo_destructive = 1;
	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		if (!runs_in_kernel(op) || DIF_OP_IS_RELOCATABLE(op))
			continue;
		uint32_t pc = t->d.dtdo_len;
		tb_emit(t, tb_valid_instr(t, op, pc, 0));
		count++;
	}
	tb_ret(t);
	ck_assert_uint_ge(count, 75);
	expect_none(t, DVM_VF_GUEST);
}
END_TEST

/* ASSERTION: a relocatable program with every pseudo-op and reloc kind passes. */
START_TEST(test_relocatable_program_valid)
{
	struct tdifo *t = &tdifo;
	static const uint16_t usetx_kinds[] = {
		DIF_RELOC_MEMBER_OFFSET, DIF_RELOC_TYPE_SIZE, DIF_RELOC_MEMBER_SIZE,
	};

	tb_init(t);
	for (unsigned i = 0; i < 3; i++) {
		uint32_t pc = tb_emit(t, 0);
		t->text[pc] = DIF_INSTR_IMM16(DIF_OP_USETX, tb_rel(t, pc, usetx_kinds[i]), 1);
	}
	uint32_t pc = tb_emit(t, DIF_INSTR_FMT(DIF_OP_ULOAD, 1, 0, 2));
	tb_rel(t, pc, DIF_RELOC_LOAD);
	pc = tb_emit(t, DIF_INSTR_FMT(DIF_OP_UULOAD, 2, 0, 3));
	tb_rel(t, pc, DIF_RELOC_ULOAD);
	pc = tb_emit(t, 0);
	t->text[pc] = DIF_INSTR_IMM16(DIF_OP_TYPECAST, tb_rel(t, pc, DIF_RELOC_CAST), 3);
	tb_rel(t, 4, DIF_RELOC_ULOAD);	/* rels out of pc order are fine ... */
	t->rels[6] = t->rels[4];	/* ... but the copy below must go */
	t->d.dtdo_rellen = 6;
	t->rels[4].dtr_flags = DIF_RELOC_F_BITFIELD;
	tb_ret(t);
	expect_none(t, DVM_VF_RELOCATABLE);
}
END_TEST

/* ASSERTION: reading %r0 is allowed everywhere a register is read. */
START_TEST(test_reading_r0_allowed)
{
	struct tdifo *t = &tdifo;

	tb_init(t);
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_ADD, 0, 0, 1));
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_STX, 0, 0, 1));
	tb_emit(t, DIF_INSTR_IMM16(DIF_OP_STGS, 0x500, 0));
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_PUSHTV, DIF_TYPE_CTF, 0, 0));
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_CMP, 0, 0, 0));
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0));
	expect_none(t, 0);
}
END_TEST

/* ASSERTION: every built-in scalar variable may be read with ldgs. */
START_TEST(test_builtin_vars_valid)
{
	static const uint32_t ids[] = {
#define ID_(id, name, dn) id,
		DIF_BUILTIN_VARS(ID_)
#undef ID_
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (ids[i] < DIF_VAR_SCALAR_MIN)
			continue;
		single_valid(&tdifo, DIF_OP_LDGS);
		set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_LDGS, ids[i], 1));
		expect_none(&tdifo, 0);
	}
}
END_TEST

/* ASSERTION: every subroutine id 0..DIF_SUBR_MAX is accepted by call. */
START_TEST(test_all_subrs_valid)
{
	for (unsigned s = 0; s <= DIF_SUBR_MAX; s++) {
		single_valid(&tdifo, DIF_OP_CALL);
		tdifo.d.dtdo_destructive = 1;
		set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_CALL, s, 1));
		expect_none(&tdifo, 0);
	}
}
END_TEST

/* ---- Rule 1, 2: opcodes -------------------------------------------------- */

/* ASSERTION: opcode 0 and numbers above the table are rejected at their pc. */
START_TEST(test_bad_opcode)
{
	static const unsigned bad[] = { 0, DIF_OP_MAX + 1, 0x7f, 0xff };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tb_init(&tdifo);
		tb_emit(&tdifo, DIF_INSTR_NOP);
		tb_emit(&tdifo, DIF_INSTR_FMT(bad[i], 9, 9, 9));
		tb_ret(&tdifo);
		expect_one(&tdifo, 0, DVM_RULE_BAD_OPCODE, 1, "bad opcode");
		ck_assert_uint_eq(errs[0].dve_detail, bad[i]);
	}
}
END_TEST

/* ASSERTION: xlate and xlarg are rejected (user level only), once each. */
START_TEST(test_xlate)
{
	single_valid(&tdifo, DIF_OP_XLATE);
	expect_one(&tdifo, 0, DVM_RULE_XLATE, 0, "xlate");
	single_valid(&tdifo, DIF_OP_XLARG);
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_XLARG, 7, 0));
	expect_one(&tdifo, 0, DVM_RULE_XLATE, 0, "xlarg");
}
END_TEST

/* ---- Rules 3-6: registers and reserved fields --------------------------- */

/* ASSERTION: each register field of each opcode >= 8 is BAD_REG, alone. */
START_TEST(test_bad_reg_every_field)
{
	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		int sh[3], n = runs_in_kernel(op) ? reg_fields(tb_form(op), sh) : 0;

		for (int f = 0; f < n; f++) {
			static const uint32_t bad[] = { 8, 0xff };
			for (int b = 0; b < 2; b++) {
				dif_instr_t in = single_valid(&tdifo, op);
				set0(&tdifo, with_field(in, sh[f], bad[b]));
				expect_one(&tdifo, flags_for(op), DVM_RULE_BAD_REG, 0, mn(op));
				ck_assert_uint_eq(errs[0].dve_detail, bad[b]);
				ck_assert_uint_eq(errs[0].dve_op, op);
			}
		}
	}
}
END_TEST

/* ASSERTION: every opcode that writes rd rejects rd == %r0. */
START_TEST(test_writes_r0)
{
	unsigned tested = 0;

	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		if (!runs_in_kernel(op) || !has_dest(tb_form(op)))
			continue;
		dif_instr_t in = single_valid(&tdifo, op);
		set0(&tdifo, with_field(in, SH_RD, 0));
		expect_one(&tdifo, flags_for(op), DVM_RULE_WRITES_R0, 0, mn(op));
		tested++;
	}
	ck_assert_uint_ge(tested, 50);
}
END_TEST

/* ASSERTION: stores through %r0 are rejected. */
START_TEST(test_store_r0)
{
	for (unsigned op = DIF_OP_STB; op <= DIF_OP_STX; op++) {
		dif_instr_t in = single_valid(&tdifo, op);
		set0(&tdifo, with_field(in, SH_RD, 0));
		expect_one(&tdifo, 0, DVM_RULE_STORE_R0, 0, mn(op));
	}
}
END_TEST

/* ASSERTION: every field a form does not use must be zero. */
START_TEST(test_reserved_every_field)
{
	unsigned tested = 0;

	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		int sh[3], n = runs_in_kernel(op) ? reserved_fields(tb_form(op), sh) : 0;

		for (int f = 0; f < n; f++) {
			dif_instr_t in = single_valid(&tdifo, op);
			set0(&tdifo, with_field(in, sh[f], 1));
			expect_one(&tdifo, flags_for(op), DVM_RULE_RESERVED, 0, mn(op));
			ck_assert_uint_eq(errs[0].dve_detail, 1u << sh[f]);
			tested++;
		}
	}
	ck_assert_uint_ge(tested, 40);
}
END_TEST

/* ---- Rules 7, 8: branches ------------------------------------------------ */

/* ASSERTION: a branch past the end of the text is BRANCH_RANGE. */
START_TEST(test_branch_range)
{
	for (unsigned op = DIF_OP_BA; op <= DIF_OP_BLEU; op++) {
		static const uint32_t labels[] = { 3, 4, 0xffffff };
		for (int i = 0; i < 3; i++) {
			tb_init(&tdifo);
			tb_emit(&tdifo, DIF_INSTR_NOP);
			tb_emit(&tdifo, DIF_INSTR_BRANCH(op, labels[i]));
			tb_emit(&tdifo, DIF_INSTR_NOP);
			tb_ret(&tdifo);
			/* 3 is the ret: legal; 4 and above are past the end. */
			if (i == 0) {
				expect_none(&tdifo, 0);
				continue;
			}
			expect_one(&tdifo, 0, DVM_RULE_BRANCH_RANGE, 1, mn(op));
			ck_assert_uint_eq(errs[0].dve_detail, labels[i]);
		}
	}
}
END_TEST

/* ASSERTION: a branch to itself or backwards is BRANCH_BACKWARD. */
START_TEST(test_branch_backward)
{
	for (unsigned op = DIF_OP_BA; op <= DIF_OP_BLEU; op++) {
		for (uint32_t label = 0; label <= 2; label++) {
			tb_init(&tdifo);
			tb_emit(&tdifo, DIF_INSTR_NOP);
			tb_emit(&tdifo, DIF_INSTR_NOP);
			tb_emit(&tdifo, DIF_INSTR_BRANCH(op, label));
			tb_ret(&tdifo);
			expect_one(&tdifo, 0, DVM_RULE_BRANCH_BACKWARD, 2, mn(op));
			ck_assert_uint_eq(errs[0].dve_detail, label);
		}
	}
}
END_TEST

/* ---- Rules 9-11: constant tables ----------------------------------------- */

/* ASSERTION: setx with index == intlen is SETX_INDEX; index < intlen passes. */
START_TEST(test_setx_index)
{
	single_valid(&tdifo, DIF_OP_SETX);
	tb_int(&tdifo, 7);
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETX, 1, 1));
	expect_none(&tdifo, 0);
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETX, 2, 1));
	expect_one(&tdifo, 0, DVM_RULE_SETX_INDEX, 0, "setx 2");
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETX, 0xffff, 1));
	expect_one(&tdifo, 0, DVM_RULE_SETX_INDEX, 0, "setx 0xffff");
	tdifo.d.dtdo_intlen = 0;
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1));
	expect_one(&tdifo, 0, DVM_RULE_SETX_INDEX, 0, "setx, empty table");
}
END_TEST

/* ASSERTION: sets with offset >= strlen is SETS_OFFSET. */
START_TEST(test_sets_offset)
{
	single_valid(&tdifo, DIF_OP_SETS);
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETS, 3, 1));	/* strlen is 3 */
	expect_one(&tdifo, 0, DVM_RULE_SETS_OFFSET, 0, "sets 3");
	ck_assert_uint_eq(errs[0].dve_detail, 3);
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETS, 2, 1));	/* the final NUL: "" */
	expect_none(&tdifo, 0);
}
END_TEST

/* ASSERTION: sets naming a string with no NUL before the table end is rejected. */
START_TEST(test_sets_unterminated)
{
	single_valid(&tdifo, DIF_OP_SETS);
	memcpy(tdifo.strs, "\0v\0abc", 6);
	tdifo.d.dtdo_strlen = 6;
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETS, 3, 1));
	expect_one(&tdifo, 0, DVM_RULE_SETS_UNTERMINATED, 0, "sets abc");
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETS, 5, 1));
	expect_one(&tdifo, 0, DVM_RULE_SETS_UNTERMINATED, 0, "sets c");
	set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_SETS, 1, 1));
	expect_none(&tdifo, 0);
}
END_TEST

/* ---- Rules 12-18: arrays and variables ----------------------------------- */

/* ASSERTION: ldga/ldta accept args/regs/uregs/vmregs and reject other array ids. */
START_TEST(test_array_id)
{
	static const unsigned ops[] = { DIF_OP_LDGA, DIF_OP_LDTA };

	for (int i = 0; i < 2; i++) {
		for (unsigned arr = 0; arr <= 0xff; arr++) {
			single_valid(&tdifo, ops[i]);
			set0(&tdifo, DIF_INSTR_FMT(ops[i], arr, 1, 2));
			if (arr <= DIF_VAR_VMREGS) {
				expect_none(&tdifo, 0);
				continue;
			}
			expect_one(&tdifo, 0, DVM_RULE_ARRAY_ID, 0, mn(ops[i]));
			ck_assert_uint_eq(errs[0].dve_detail, arr);
		}
	}
}
END_TEST

/* ASSERTION: variable loads of ids below 0x100 are VAR_LOAD_RANGE. */
START_TEST(test_var_load_range)
{
	static const unsigned ops[] = {
		DIF_OP_LDGS, DIF_OP_LDTS, DIF_OP_LDLS, DIF_OP_LDGAA, DIF_OP_LDTAA,
	};
	for (int i = 0; i < 5; i++) {
		static const uint32_t ids[] = { 0, 2, 0xff };
		for (int j = 0; j < 3; j++) {
			single_valid(&tdifo, ops[i]);
			set0(&tdifo, DIF_INSTR_IMM16(ops[i], ids[j], 1));
			expect_one(&tdifo, 0, DVM_RULE_VAR_LOAD_RANGE, 0, mn(ops[i]));
		}
	}
}
END_TEST

/* ASSERTION: variable stores of ids below 0x500 are VAR_STORE_RANGE. */
START_TEST(test_var_store_range)
{
	static const unsigned ops[] = {
		DIF_OP_STGS, DIF_OP_STTS, DIF_OP_STLS, DIF_OP_STGAA, DIF_OP_STTAA,
	};
	for (int i = 0; i < 5; i++) {
		static const uint32_t ids[] = { 0, 0x101, 0x4ff };
		for (int j = 0; j < 3; j++) {
			single_valid(&tdifo, ops[i]);
			set0(&tdifo, DIF_INSTR_IMM16(ops[i], ids[j], 1));
			expect_one(&tdifo, 0, DVM_RULE_VAR_STORE_RANGE, 0, mn(ops[i]));
		}
	}
}
END_TEST

/* ASSERTION: ldgs of an undefined id in the built-in range is VAR_NOT_BUILTIN. */
START_TEST(test_var_not_builtin)
{
	static const uint32_t ids[] = { DIF_VAR_VMNAME + 1, 0x1ff, 0x201, 0x4ff };

	for (int i = 0; i < 4; i++) {
		single_valid(&tdifo, DIF_OP_LDGS);
		set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_LDGS, ids[i], 1));
		expect_one(&tdifo, 0, DVM_RULE_VAR_NOT_BUILTIN, 0, "ldgs");
	}
}
END_TEST

/* ASSERTION: a built-in named by any load but ldgs is VAR_BUILTIN_OP. */
START_TEST(test_var_builtin_op)
{
	static const unsigned ops[] = { DIF_OP_LDTS, DIF_OP_LDLS, DIF_OP_LDGAA, DIF_OP_LDTAA };

	for (int i = 0; i < 4; i++) {
		single_valid(&tdifo, ops[i]);
		set0(&tdifo, DIF_INSTR_IMM16(ops[i], DIF_VAR_PID, 1));
		expect_one(&tdifo, 0, DVM_RULE_VAR_BUILTIN_OP, 0, mn(ops[i]));
	}
}
END_TEST

/* ASSERTION: every variable op names a declared variable of its own scope. */
START_TEST(test_var_undeclared)
{
	static const unsigned ops[] = {
		DIF_OP_LDGS, DIF_OP_LDTS, DIF_OP_LDLS, DIF_OP_LDGAA, DIF_OP_LDTAA,
		DIF_OP_STGS, DIF_OP_STTS, DIF_OP_STLS, DIF_OP_STGAA, DIF_OP_STTAA,
	};
	for (int i = 0; i < 10; i++) {
		single_valid(&tdifo, ops[i]);
		tb_clear_vars(&tdifo);
		expect_one(&tdifo, 0, DVM_RULE_VAR_UNDECLARED, 0, mn(ops[i]));
		single_valid(&tdifo, ops[i]);
		set0(&tdifo, DIF_INSTR_IMM16(ops[i], 0x502, 1));
		expect_one(&tdifo, 0, DVM_RULE_VAR_UNDECLARED, 0, mn(ops[i]));
	}
	/* Declared in another scope only. */
	single_valid(&tdifo, DIF_OP_LDLS);
	tb_clear_vars(&tdifo);
	tb_var(&tdifo, 0x500, DIFV_SCOPE_GLOBAL, DIFV_KIND_SCALAR);
	tb_var(&tdifo, 0x500, DIFV_SCOPE_THREAD, DIFV_KIND_SCALAR);
	expect_one(&tdifo, 0, DVM_RULE_VAR_UNDECLARED, 0, "ldls, other scopes");
}
END_TEST

/* ASSERTION: scalar ops on array variables and vice versa are VAR_KIND. */
START_TEST(test_var_kind)
{
	static const unsigned scalar_ops[] = {
		DIF_OP_LDGS, DIF_OP_STGS, DIF_OP_LDTS, DIF_OP_STTS,
	};
	static const unsigned array_ops[] = {
		DIF_OP_LDGAA, DIF_OP_STGAA, DIF_OP_LDTAA, DIF_OP_STTAA,
	};
	for (int i = 0; i < 4; i++) {
		single_valid(&tdifo, scalar_ops[i]);
		set0(&tdifo, DIF_INSTR_IMM16(scalar_ops[i], 0x501, 1));
		expect_one(&tdifo, 0, DVM_RULE_VAR_KIND, 0, mn(scalar_ops[i]));
		single_valid(&tdifo, array_ops[i]);
		set0(&tdifo, DIF_INSTR_IMM16(array_ops[i], 0x500, 1));
		expect_one(&tdifo, 0, DVM_RULE_VAR_KIND, 0, mn(array_ops[i]));
	}
}
END_TEST

/* ---- Rules 19, 20, 36: call and push ------------------------------------- */

/* ASSERTION: subroutine ids above DIF_SUBR_MAX are SUBR_RANGE. */
START_TEST(test_subr_range)
{
	static const uint32_t ids[] = { DIF_SUBR_MAX + 1, 0x100, 0xffff };

	for (int i = 0; i < 3; i++) {
		single_valid(&tdifo, DIF_OP_CALL);
		set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_CALL, ids[i], 1));
		expect_one(&tdifo, 0, DVM_RULE_SUBR_RANGE, 0, "call");
		ck_assert_uint_eq(errs[0].dve_detail, ids[i]);
	}
}
END_TEST

/* ASSERTION: copyout/copyoutstr/physmem_write need a DIFO marked destructive. */
START_TEST(test_destructive)
{
	static const uint32_t ids[] = { DIF_SUBR_COPYOUT, DIF_SUBR_COPYOUTSTR,
	    DIF_SUBR_PHYSMEM_WRITE };

	for (int i = 0; i < 3; i++) {
		single_valid(&tdifo, DIF_OP_CALL);
		set0(&tdifo, DIF_INSTR_IMM16(DIF_OP_CALL, ids[i], 1));
		expect_one(&tdifo, 0, DVM_RULE_DESTRUCTIVE, 0, "copyout");
		tdifo.d.dtdo_destructive = 1;
		expect_none(&tdifo, 0);
	}
}
END_TEST

/* ASSERTION: pushtv takes only CTF, pushtr only CTF or STRING. */
START_TEST(test_push_type)
{
	for (unsigned type = 0; type <= 0xff; type++) {
		single_valid(&tdifo, DIF_OP_PUSHTR);
		set0(&tdifo, DIF_INSTR_FMT(DIF_OP_PUSHTR, type, 1, 2));
		if (type <= DIF_TYPE_STRING)
			expect_none(&tdifo, 0);
		else
			expect_one(&tdifo, 0, DVM_RULE_PUSH_TYPE, 0, "pushtr");
		single_valid(&tdifo, DIF_OP_PUSHTV);
		set0(&tdifo, DIF_INSTR_FMT(DIF_OP_PUSHTV, type, 1, 2));
		if (type == DIF_TYPE_CTF)
			expect_none(&tdifo, 0);
		else
			expect_one(&tdifo, 0, DVM_RULE_PUSH_TYPE, 0, "pushtv");
	}
}
END_TEST

/* ---- Rules 21-26, 46-48: pseudo-instructions, relocations, hypercall ----- */

/* ASSERTION: a linked program holding a pseudo-op is PSEUDO_LINKED. */
START_TEST(test_pseudo_linked)
{
	for (unsigned op = DIF_OP_USETX; op <= DIF_OP_TYPECAST; op++) {
		single_valid(&tdifo, op);
		tdifo.d.dtdo_rellen = 0;
		expect_one(&tdifo, 0, DVM_RULE_PSEUDO_LINKED, 0, mn(op));
	}
}
END_TEST

/* ASSERTION: a pseudo-op without a relocation is RELOC_MISSING. */
START_TEST(test_reloc_missing)
{
	for (unsigned op = DIF_OP_USETX; op <= DIF_OP_TYPECAST; op++) {
		single_valid(&tdifo, op);
		tdifo.d.dtdo_rellen = 0;
		expect_one(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_MISSING, 0, mn(op));
	}
}
END_TEST

/* ASSERTION: a pseudo-op with two relocations is RELOC_MULTIPLE. */
START_TEST(test_reloc_multiple)
{
	for (unsigned op = DIF_OP_USETX; op <= DIF_OP_TYPECAST; op++) {
		single_valid(&tdifo, op);
		tb_rel(&tdifo, 0, tb_reloc_kind(op));
		expect_one(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_MULTIPLE, 0, mn(op));
		ck_assert_uint_eq(errs[0].dve_detail, 2);
	}
}
END_TEST

/* ASSERTION: a relocation of a kind that does not fit its op is RELOC_KIND. */
START_TEST(test_reloc_kind)
{
	for (unsigned op = DIF_OP_USETX; op <= DIF_OP_TYPECAST; op++) {
		for (unsigned kind = 0; kind <= DIF_RELOC_KIND_MAX + 1; kind++) {
			bool fits = op == DIF_OP_USETX ?
			    (kind >= DIF_RELOC_MEMBER_OFFSET && kind <= DIF_RELOC_MEMBER_SIZE) ||
			    kind == DIF_RELOC_TYPE_EXISTS :
			    kind == tb_reloc_kind(op);
			single_valid(&tdifo, op);
			tdifo.rels[0].dtr_kind = (uint16_t)kind;
			if (fits) {
				expect_none(&tdifo, DVM_VF_RELOCATABLE);
				continue;
			}
			expect_one(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_KIND, 0, mn(op));
			ck_assert_uint_eq(errs[0].dve_detail, kind);
			ck_assert_uint_eq(errs[0].dve_index, 0);
		}
	}
}
END_TEST

/* ASSERTION: usetx/typecast whose field is not its relocation's index is RELOC_INDEX. */
START_TEST(test_reloc_index)
{
	static const unsigned ops[] = { DIF_OP_USETX, DIF_OP_TYPECAST };

	for (int i = 0; i < 2; i++) {
		single_valid(&tdifo, ops[i]);
		set0(&tdifo, DIF_INSTR_IMM16(ops[i], 1, 1));
		expect_one(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_INDEX, 0, mn(ops[i]));
		ck_assert_uint_eq(errs[0].dve_detail, 1);
	}
}
END_TEST

/* ASSERTION: a linked program with a relocation table is RELOC_IN_LINKED. */
START_TEST(test_reloc_in_linked)
{
	single_valid(&tdifo, DIF_OP_ADD);
	tb_rel(&tdifo, 0, DIF_RELOC_LOAD);
	expect_obj(&tdifo, DVM_RULE_RELOC_IN_LINKED, "reltab in linked");
}
END_TEST

/* ASSERTION: a relocation not pointing at a pseudo-op is RELOC_ORPHAN. */
START_TEST(test_reloc_orphan)
{
	static const uint32_t pcs[] = { 1, 2, 0xffffffff };	/* ret, past end */

	for (int i = 0; i < 3; i++) {
		single_valid(&tdifo, DIF_OP_ULOAD);
		tb_rel(&tdifo, pcs[i], DIF_RELOC_LOAD);
		expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_ORPHAN,
		    DVM_WHERE_RELTAB, DVM_PC_NONE, 1, "orphan");
		ck_assert_uint_eq(errs[0].dve_detail, pcs[i]);
	}
}
END_TEST

/* ASSERTION: unknown relocation flags are RELOC_FLAGS. */
START_TEST(test_reloc_flags)
{
	single_valid(&tdifo, DIF_OP_ULOAD);
	tdifo.rels[0].dtr_flags = 0x8000;
	expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
	    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "flags");
}
END_TEST

/* ASSERTION: one root flag (symbol, argument or built-in) is valid; two at once are RELOC_FLAGS. */
START_TEST(test_reloc_root_flags)
{
	single_valid(&tdifo, DIF_OP_ULOAD);
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_SYMBOL;
	expect_none(&tdifo, DVM_VF_RELOCATABLE);
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_ARG;
	expect_none(&tdifo, DVM_VF_RELOCATABLE);
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_SYMBOL | DIF_RELOC_F_ARG;
	expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
	    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "both roots");
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_BUILTIN;
	expect_none(&tdifo, DVM_VF_RELOCATABLE);
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_BUILTIN | DIF_RELOC_F_BITFIELD;
	expect_none(&tdifo, DVM_VF_RELOCATABLE);
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_BUILTIN | DIF_RELOC_F_ARG;
	expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
	    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "built-in and argument roots");
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_BUILTIN | DIF_RELOC_F_SYMBOL;
	expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
	    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "built-in and symbol roots");
	tdifo.rels[0].dtr_flags = 0x20;
	expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
	    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "unknown flag");
}
END_TEST

/* ASSERTION: GUARDED adds to one root flag and to BITFIELD, never makes two roots valid. */
START_TEST(test_reloc_guarded_flags)
{
	static const uint16_t ok[] = { DIF_RELOC_F_GUARDED,
	    DIF_RELOC_F_GUARDED | DIF_RELOC_F_BUILTIN,
	    DIF_RELOC_F_GUARDED | DIF_RELOC_F_SYMBOL,
	    DIF_RELOC_F_GUARDED | DIF_RELOC_F_ARG | DIF_RELOC_F_BITFIELD };

	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		single_valid(&tdifo, DIF_OP_ULOAD);
		tdifo.rels[0].dtr_flags = ok[i];
		expect_none(&tdifo, DVM_VF_RELOCATABLE);
	}
	single_valid(&tdifo, DIF_OP_ULOAD);
	tdifo.rels[0].dtr_flags = DIF_RELOC_F_GUARDED | DIF_RELOC_F_ARG | DIF_RELOC_F_SYMBOL;
	expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
	    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "guarded, two roots");
}
END_TEST

/* ASSERTION: type_exists fits only usetx and carries no flag (RELOC_KIND, RELOC_FLAGS). */
START_TEST(test_reloc_type_exists)
{
	single_valid(&tdifo, DIF_OP_USETX);
	tdifo.rels[0].dtr_kind = DIF_RELOC_TYPE_EXISTS;
	expect_none(&tdifo, DVM_VF_RELOCATABLE);
	tdifo.rels[0].dtr_member = 0;
	expect_none(&tdifo, DVM_VF_RELOCATABLE);
	static const uint16_t bad[] = { DIF_RELOC_F_GUARDED, DIF_RELOC_F_BITFIELD,
	    DIF_RELOC_F_BUILTIN };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tdifo.rels[0].dtr_flags = bad[i];
		expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_FLAGS,
		    DVM_WHERE_RELTAB, DVM_PC_NONE, 0, "type_exists with a flag");
	}
	single_valid(&tdifo, DIF_OP_ULOAD);
	tdifo.rels[0].dtr_kind = DIF_RELOC_TYPE_EXISTS;
	expect_one(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_KIND, 0, "uload");
}
END_TEST

/* ASSERTION: ustore needs one STORE relocation, is refused linked, and never stores to %r0. */
START_TEST(test_ustore_rules)
{
	struct tdifo *t = &tdifo;

	tb_init(t);
	tb_rel(t, tb_emit(t, DIF_INSTR_FMT(DIF_OP_USTORE, 1, 0, 2)), DIF_RELOC_STORE);
	tb_ret(t);
	expect_none(t, DVM_VF_RELOCATABLE);
	t->rels[0].dtr_kind = DIF_RELOC_LOAD;
	expect_one(t, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_KIND, 0, "ustore with load");
	t->d.dtdo_rellen = 0;
	expect_one(t, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_MISSING, 0, "ustore bare");
	expect_one(t, 0, DVM_RULE_PSEUDO_LINKED, 0, "ustore linked");

	tb_init(t);
	tb_rel(t, tb_emit(t, DIF_INSTR_FMT(DIF_OP_USTORE, 1, 0, 0)), DIF_RELOC_STORE);
	tb_ret(t);
	expect_one(t, DVM_VF_RELOCATABLE, DVM_RULE_STORE_R0, 0, "ustore to %r0");

	tb_init(t);
	tb_rel(t, tb_emit(t, DIF_INSTR_FMT(DIF_OP_ULOAD, 1, 0, 2)), DIF_RELOC_STORE);
	tb_ret(t);
	expect_one(t, DVM_VF_RELOCATABLE, DVM_RULE_RELOC_KIND, 0, "uload with store");
}
END_TEST

/* ASSERTION: hypercall is rejected on the host and accepted in a guest program. */
START_TEST(test_hypercall)
{
	single_valid(&tdifo, DIF_OP_HYPERCALL);
	expect_one(&tdifo, 0, DVM_RULE_HYPERCALL, 0, "host");
	expect_one(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_HYPERCALL, 0, "relocatable host");
	expect_none(&tdifo, DVM_VF_GUEST);
}
END_TEST

/* ---- Rules 27-35: the object --------------------------------------------- */

/* ASSERTION: each table with a length and a NULL pointer is NULL_TABLE. */
START_TEST(test_null_table)
{
	for (int tab = DVM_TABLE_TEXT; tab <= DVM_TABLE_REL; tab++) {
		single_valid(&tdifo, DIF_OP_NOP);
		switch (tab) {
		case DVM_TABLE_TEXT: tdifo.d.dtdo_buf = NULL; break;
		case DVM_TABLE_INT: tdifo.d.dtdo_intlen = 1; tdifo.d.dtdo_inttab = NULL; break;
		case DVM_TABLE_STR:	/* the names would be unresolvable too */
			tdifo.d.dtdo_strtab = NULL;
			tb_clear_vars(&tdifo);
			break;
		case DVM_TABLE_VAR: tdifo.d.dtdo_vartab = NULL; break;
		default: tdifo.d.dtdo_rellen = 1; tdifo.d.dtdo_reltab = NULL; break;
		}
		expect_one_at(&tdifo, DVM_VF_RELOCATABLE, DVM_RULE_NULL_TABLE,
		    DVM_WHERE_OBJECT, DVM_PC_NONE, (uint32_t)tab, "null table");
	}
	ck_assert_uint_eq(dvm_difo__validate(NULL, NULL, errs, MAXERRS), 1);
	ck_assert_uint_eq(errs[0].dve_rule, DVM_RULE_NULL_TABLE);
}
END_TEST

/* ASSERTION: an empty text is EMPTY_TEXT. */
START_TEST(test_empty_text)
{
	tb_init(&tdifo);
	expect_obj(&tdifo, DVM_RULE_EMPTY_TEXT, "empty");
}
END_TEST

/* ASSERTION: a text not ending in ret is NO_FINAL_RET at the last pc. */
START_TEST(test_no_final_ret)
{
	tb_init(&tdifo);
	tb_ret(&tdifo);
	tb_emit(&tdifo, DIF_INSTR_NOP);
	expect_one(&tdifo, 0, DVM_RULE_NO_FINAL_RET, 1, "ret; nop");
	ck_assert_uint_eq(errs[0].dve_op, DIF_OP_NOP);
}
END_TEST

/* ASSERTION: text larger than the size limit is TEXT_TOO_LONG. */
START_TEST(test_text_too_long)
{
	tb_init(&tdifo);
	for (int i = 0; i < 4; i++)
		tb_emit(&tdifo, DIF_INSTR_NOP);
	tb_ret(&tdifo);
	struct dvm_validate_opts o = { .dvo_max_size = 16 };
	unsigned n = dvm_difo__validate(&tdifo.d, &o, errs, MAXERRS);
	ck_assert_msg(n == 1 && errs[0].dve_rule == DVM_RULE_TEXT_TOO_LONG, "%s", describe(n));
	ck_assert_uint_eq(errs[0].dve_detail, 5);
	ck_assert_uint_eq(run_opts(&tdifo, 0, 1024), 0);
}
END_TEST

/* ASSERTION: an integer table over 65536 entries is INTTAB_TOO_LONG. */
START_TEST(test_inttab_too_long)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.d.dtdo_intlen = DIF_INTOFF_MAX + 2;	/* never read: size check first */
	unsigned n = run_opts(&tdifo, 0, 0xffffffffu);
	ck_assert_msg(n == 1 && errs[0].dve_rule == DVM_RULE_INTTAB_TOO_LONG, "%s", describe(n));
}
END_TEST

/* ASSERTION: a string table over 65536 bytes is STRTAB_TOO_LONG. */
START_TEST(test_strtab_too_long)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.d.dtdo_strlen = DIF_STROFF_MAX + 2;	/* never read: size check first */
	unsigned n = run_opts(&tdifo, 0, 0xffffffffu);
	ck_assert_msg(n == 1 && errs[0].dve_rule == DVM_RULE_STRTAB_TOO_LONG, "%s", describe(n));
}
END_TEST

/* ASSERTION: text + tables over the size limit is DIFO_TOO_BIG. */
START_TEST(test_difo_too_big)
{
	single_valid(&tdifo, DIF_OP_NOP);	/* 8 + 3 + 5 * 20 = 111 bytes */
	ck_assert_uint_eq(run_opts(&tdifo, 0, 111), 0);
	unsigned n = run_opts(&tdifo, 0, 110);
	ck_assert_msg(n == 1 && errs[0].dve_rule == DVM_RULE_DIFO_TOO_BIG, "%s", describe(n));
	ck_assert_uint_eq(errs[0].dve_detail, 111);
}
END_TEST

/* ASSERTION: a by-value return type of size 3 or 16 is RTYPE_SIZE; by-ref is free. */
START_TEST(test_rtype_size)
{
	static const uint32_t sizes[] = { 3, 5, 16, 0xffffffff };

	for (int i = 0; i < 4; i++) {
		single_valid(&tdifo, DIF_OP_NOP);
		tdifo.d.dtdo_rtype.dtdt_size = sizes[i];
		expect_obj(&tdifo, DVM_RULE_RTYPE_SIZE, "rtype");
		tdifo.d.dtdo_rtype.dtdt_flags = DIF_TF_BYREF;
		expect_none(&tdifo, 0);
	}
	for (uint32_t s = 0; s <= 8; s <<= 1, s += !s) {
		single_valid(&tdifo, DIF_OP_NOP);
		tdifo.d.dtdo_rtype.dtdt_size = s;
		expect_none(&tdifo, 0);
		if (s == 8)
			break;
	}
}
END_TEST

/* ASSERTION: a return type of unknown kind or flags is RTYPE_TYPE. */
START_TEST(test_rtype_type)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.d.dtdo_rtype.dtdt_kind = 2;
	expect_obj(&tdifo, DVM_RULE_RTYPE_TYPE, "kind");
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.d.dtdo_rtype.dtdt_flags = 0x4;
	expect_obj(&tdifo, DVM_RULE_RTYPE_TYPE, "flags");
}
END_TEST

/* ---- Rules 37-45: the variable table ------------------------------------- */

/* ASSERTION: a vartab scope other than global/thread/local is VAR_SCOPE. */
START_TEST(test_vartab_scope)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[2].dtdv_scope = 3;
	expect_var(&tdifo, DVM_RULE_VAR_SCOPE, 2, "scope");
}
END_TEST

/* ASSERTION: a vartab kind other than array/scalar is VAR_KIND_BAD. */
START_TEST(test_vartab_kind)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[1].dtdv_kind = 2;
	expect_var(&tdifo, DVM_RULE_VAR_KIND_BAD, 1, "kind");
}
END_TEST

/* ASSERTION: a vartab id above 0xffff is VAR_ID. */
START_TEST(test_vartab_id)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[4].dtdv_id = 0x10000;
	expect_var(&tdifo, DVM_RULE_VAR_ID, 4, "id");
}
END_TEST

/* ASSERTION: a vartab type with unknown kind or flags is VAR_TYPE. */
START_TEST(test_vartab_type)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[0].dtdv_type.dtdt_kind = 9;
	expect_var(&tdifo, DVM_RULE_VAR_TYPE, 0, "type kind");
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[0].dtdv_type.dtdt_flags = 0x80;
	expect_var(&tdifo, DVM_RULE_VAR_TYPE, 0, "type flags");
}
END_TEST

/* ASSERTION: a by-ref user variable of size 0 is VAR_BYREF_SIZE. */
START_TEST(test_vartab_byref_size)
{
	static const uint8_t flags[] = { DIF_TF_BYREF, DIF_TF_BYUREF };

	for (int i = 0; i < 2; i++) {
		single_valid(&tdifo, DIF_OP_NOP);
		tdifo.vars[3].dtdv_type.dtdt_flags = flags[i];
		tdifo.vars[3].dtdv_type.dtdt_size = 0;
		expect_var(&tdifo, DVM_RULE_VAR_BYREF_SIZE, 3, "byref 0");
	}
	/* Built-in ids (< 0x500) are not checked. */
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[3].dtdv_id = DIF_VAR_EXECNAME;
	tdifo.vars[3].dtdv_type.dtdt_flags = DIF_TF_BYREF;
	tdifo.vars[3].dtdv_type.dtdt_size = 0;
	expect_none(&tdifo, 0);
}
END_TEST

/* ASSERTION: a global/local by-ref variable over 16 KiB is VAR_TOO_BIG; thread is exempt. */
START_TEST(test_vartab_too_big)
{
	static const int idx[] = { 0, 4, 2 };	/* global, local, thread */

	for (int i = 0; i < 3; i++) {
		single_valid(&tdifo, DIF_OP_NOP);
		tdifo.vars[idx[i]].dtdv_type.dtdt_flags = DIF_TF_BYREF;
		tdifo.vars[idx[i]].dtdv_type.dtdt_size = DIF_MAX_STATIC_VARSIZE;
		expect_none(&tdifo, 0);
		tdifo.vars[idx[i]].dtdv_type.dtdt_size = DIF_MAX_STATIC_VARSIZE + 1;
		if (i == 2)
			expect_none(&tdifo, 0);
		else
			expect_var(&tdifo, DVM_RULE_VAR_TOO_BIG, (uint32_t)idx[i], "too big");
	}
}
END_TEST

/* ASSERTION: a by-value user variable of size 3 is VAR_VALUE_SIZE. */
START_TEST(test_vartab_value_size)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[1].dtdv_type.dtdt_size = 3;
	expect_var(&tdifo, DVM_RULE_VAR_VALUE_SIZE, 1, "size 3");
}
END_TEST

/* ASSERTION: a name offset outside strtab or in an unterminated tail is VAR_NAME. */
START_TEST(test_vartab_name)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tdifo.vars[2].dtdv_name = 3;
	expect_var(&tdifo, DVM_RULE_VAR_NAME, 2, "past end");
	tdifo.vars[2].dtdv_name = 0xffffffff;
	expect_var(&tdifo, DVM_RULE_VAR_NAME, 2, "far past end");
	single_valid(&tdifo, DIF_OP_NOP);
	memcpy(tdifo.strs, "\0v\0ab", 5);
	tdifo.d.dtdo_strlen = 5;
	tdifo.vars[2].dtdv_name = 3;
	expect_var(&tdifo, DVM_RULE_VAR_NAME, 2, "unterminated");
}
END_TEST

/* ASSERTION: the same (scope, id) listed twice is VAR_DUPLICATE at the second. */
START_TEST(test_vartab_duplicate)
{
	single_valid(&tdifo, DIF_OP_NOP);
	tb_var(&tdifo, 0x501, DIFV_SCOPE_THREAD, DIFV_KIND_ARRAY);
	expect_var(&tdifo, DVM_RULE_VAR_DUPLICATE, 5, "dup");
	/* Same id in another scope is not a duplicate. */
	single_valid(&tdifo, DIF_OP_NOP);
	tb_var(&tdifo, 0x501, DIFV_SCOPE_LOCAL, DIFV_KIND_SCALAR);
	expect_none(&tdifo, 0);
}
END_TEST

/* ---- Reporting ----------------------------------------------------------- */

/* ASSERTION: several violations are all reported, in pc order, with their pcs. */
START_TEST(test_many_violations)
{
	struct tdifo *t = &tdifo;

	tb_init(t);
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_ADD, 9, 1, 0));		/* 0: r1 9, rd 0 */
	tb_emit(t, DIF_INSTR_BRANCH(DIF_OP_BA, 0));		/* 1: backward */
	tb_emit(t, DIF_INSTR_FMT(0, 0, 0, 0));			/* 2: opcode 0 */
	tb_emit(t, DIF_INSTR_IMM16(DIF_OP_SETX, 4, 1));	/* 3: index */
	tb_emit(t, DIF_INSTR_FMT(DIF_OP_XLATE, 0, 0, 1));	/* 4: xlate */
	tb_emit(t, DIF_INSTR_NOP);				/* 5: last, not ret */
	t->vars[0].dtdv_scope = 7;
	t->d.dtdo_rtype.dtdt_size = 6;

	static const struct { uint16_t rule; uint32_t pc; } want[] = {
		{ DVM_RULE_NO_FINAL_RET, 5 },
		{ DVM_RULE_RTYPE_SIZE, DVM_PC_NONE },
		{ DVM_RULE_BAD_REG, 0 },
		{ DVM_RULE_WRITES_R0, 0 },
		{ DVM_RULE_BRANCH_BACKWARD, 1 },
		{ DVM_RULE_BAD_OPCODE, 2 },
		{ DVM_RULE_SETX_INDEX, 3 },
		{ DVM_RULE_XLATE, 4 },
		{ DVM_RULE_VAR_SCOPE, DVM_PC_NONE },
	};
	unsigned n = run(t, 0);
	ck_assert_msg(n == 9, "got %u: %s", n, describe(n));
	for (unsigned i = 0; i < 9; i++) {
		ck_assert_msg(errs[i].dve_rule == want[i].rule && errs[i].dve_pc == want[i].pc,
		    "record %u: %s", i, describe(n));
	}

	/* Room for 3: the count is still 9, and only 3 records are written. */
	struct dvm_verr few[4];
	memset(few, 0x5a, sizeof(few));
	ck_assert_uint_eq(dvm_difo__validate(&t->d, NULL, few, 3), 9);
	ck_assert_uint_eq(few[2].dve_rule, DVM_RULE_BAD_REG);
	ck_assert_uint_eq(few[3].dve_pc, 0x5a5a5a5a);
	ck_assert_uint_eq(dvm_difo__validate(&t->d, NULL, NULL, 100), 9);
}
END_TEST

/* ASSERTION: records format as "pc N: message (mnemonic)" and friends. */
START_TEST(test_format)
{
	char line[128];

	tb_init(&tdifo);
	for (int i = 0; i < 12; i++)
		tb_emit(&tdifo, DIF_INSTR_NOP);
	tb_emit(&tdifo, DIF_INSTR_BRANCH(DIF_OP_BA, 3));
	tb_ret(&tdifo);
	ck_assert_uint_eq(run(&tdifo, 0), 1);
	dvm_verr__format(&errs[0], line, sizeof(line));
	ck_assert_str_eq(line, "pc 12: branch target 3 is not forward (ba)");

	tdifo.text[12] = DIF_INSTR_FMT(0xee, 0, 0, 0);
	ck_assert_uint_eq(run(&tdifo, 0), 1);
	dvm_verr__format(&errs[0], line, sizeof(line));
	ck_assert_str_eq(line, "pc 12: opcode 238 is not a DIF instruction");

	tdifo.text[12] = DIF_INSTR_NOP;
	tdifo.vars[1].dtdv_type.dtdt_flags = DIF_TF_BYREF;
	tdifo.vars[1].dtdv_type.dtdt_size = 0;
	ck_assert_uint_eq(run(&tdifo, 0), 1);
	dvm_verr__format(&errs[0], line, sizeof(line));
	ck_assert_str_eq(line, "vartab[1]: by-reference variable has size 0");

	tdifo.vars[1].dtdv_type.dtdt_size = 8;
	tdifo.d.dtdo_strtab = NULL;
	ck_assert_uint_eq(run(&tdifo, 0), 6);	/* + every var name is now invalid */
	dvm_verr__format(&errs[0], line, sizeof(line));
	ck_assert_str_eq(line, "difo: string table has length 3 but no storage");

	tdifo.d.dtdo_strtab = tdifo.strs;
	tdifo.text[5] = DIF_INSTR_IMM16(DIF_OP_LDTS, 0x777, 1);
	ck_assert_uint_eq(run(&tdifo, 0), 1);
	dvm_verr__format(&errs[0], line, sizeof(line));
	ck_assert_str_eq(line,
	    "pc 5: user variable 0x777 has no variable-table entry of this scope (ldts)");

	/* Truncation: like snprintf, returns the full length, NUL-terminates. */
	int full = dvm_verr__format(&errs[0], line, 8);
	ck_assert_int_eq(full, (int)strlen(
	    "pc 5: user variable 0x777 has no variable-table entry of this scope (ldts)"));
	ck_assert_str_eq(line, "pc 5: u");
}
END_TEST

/* ASSERTION: every rule has a distinct name and message, and the numbering matches docs. */
START_TEST(test_rule_table)
{
	for (unsigned r = 1; r < DVM_RULE_COUNT; r++) {
		ck_assert_ptr_nonnull(dvm_rule__message(r));
		ck_assert_str_ne(dvm_rule__name(r), "UNKNOWN");
		for (unsigned s = 1; s < r; s++)
			ck_assert_str_ne(dvm_rule__message(r), dvm_rule__message(s));
	}
	ck_assert_str_eq(dvm_rule__name(DVM_RULE_COUNT), "UNKNOWN");
	/* Spot checks against docs/validator.md's numbered list. */
	ck_assert_int_eq(DVM_RULE_BAD_OPCODE, 1);
	ck_assert_int_eq(DVM_RULE_BRANCH_BACKWARD, 8);
	ck_assert_int_eq(DVM_RULE_HYPERCALL, 26);
	ck_assert_int_eq(DVM_RULE_NULL_TABLE, 27);
	ck_assert_int_eq(DVM_RULE_DESTRUCTIVE, 36);
	ck_assert_int_eq(DVM_RULE_VAR_DUPLICATE, 45);
	ck_assert_int_eq(DVM_RULE_RELOC_FLAGS, 48);
	ck_assert_int_eq(DVM_RULE_COUNT, 49);
}
END_TEST

static const char *docs_path;	/* docs/validator.md, from argv[1] */

/* ASSERTION: docs/validator.md lists every rule as "| N | NAME |" with the enum's number. */
START_TEST(test_docs_numbering)
{
	static char text[64 * 1024];
	FILE *f;
	size_t n;

	ck_assert_msg(docs_path != NULL, "pass docs/validator.md as argv[1]");
	f = fopen(docs_path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", docs_path);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (unsigned r = 1; r < DVM_RULE_COUNT; r++) {
		char row[80];

		snprintf(row, sizeof(row), "\n| %u | %s |", r, dvm_rule__name(r));
		ck_assert_msg(strstr(text, row) != NULL, "docs lack row \"%s\"", row + 1);
	}
}
END_TEST

/* ---- Randomised ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t pick(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

/* A field value: mostly plausible, sometimes anything. */
static uint32_t field8(void)
{
	return pick(8) ? pick(9) : pick(256);
}

static uint32_t imm16(void)
{
	switch (pick(5)) {
	case 0:	 return pick(4);
	case 1:	 return 0x500 + pick(3);
	case 2:	 return 0x100 + pick(0x30);
	case 3:	 return pick(DIF_SUBR_MAX + 3);
	default: return pick(0x10000);
	}
}

static dif_instr_t random_word(uint32_t pc, uint32_t len)
{
	unsigned op = pick(10) ? 1 + pick(DIF_OP_MAX) : pick(256);

	if (pick(16) == 0)
		return (dif_instr_t)rng();
	switch (tb_form(op)) {
	case DIF_FORM_BRANCH:
		return DIF_INSTR_BRANCH(op, pick(4) ? pc + 1 + pick(len + 2 - pc) : pick(len + 2));
	case DIF_FORM_SETX: case DIF_FORM_SETS: case DIF_FORM_CALL: case DIF_FORM_LDV:
	case DIF_FORM_STV: case DIF_FORM_XLATE: case DIF_FORM_RELOC:
		return DIF_INSTR_IMM16(op, imm16(), field8());
	default:
		return DIF_INSTR_FMT(op, pick(3) ? pick(4) : field8(),
		    pick(3) ? 0 : field8(), pick(4) ? 1 + pick(7) : field8());
	}
}

struct rdifo {
	struct tdifo	t;
	uint32_t	flags;
};

static void random_difo(struct rdifo *r)
{
	struct tdifo *t = &r->t;
	uint32_t len = pick(4) ? 1 + pick(24) : pick(TB_MAX_TEXT + 1);

	tb_init(t);
	r->flags = (uint32_t)pick(4);
	t->d.dtdo_destructive = (uint8_t)pick(2);
	t->d.dtdo_len = len;
	for (uint32_t pc = 0; pc < len; pc++)
		t->text[pc] = random_word(pc, len);
	if (len > 0 && pick(4))
		t->text[len - 1] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, pick(8));
	t->d.dtdo_intlen = pick(4);
	t->d.dtdo_strlen = pick(12);
	for (uint32_t i = 0; i < t->d.dtdo_strlen; i++)
		t->strs[i] = pick(3) ? 0 : (char)('a' + pick(3));
	if (pick(3) == 0) {
		t->d.dtdo_varlen = pick(TB_MAX_VARS);
		for (uint32_t i = 0; i < t->d.dtdo_varlen; i++) {
			struct dif_var *v = &t->vars[i];
			v->dtdv_id = 0x4ff + pick(4);
			v->dtdv_scope = (uint8_t)pick(4);
			v->dtdv_kind = (uint8_t)pick(3);
			v->dtdv_name = pick(14);
			v->dtdv_type.dtdt_kind = (uint8_t)pick(3);
			v->dtdv_type.dtdt_flags = (uint8_t)pick(4);
			v->dtdv_type.dtdt_size = pick(3) ? pick(9) : (uint32_t)rng();
		}
	}
	t->d.dtdo_rellen = pick(4);
	for (uint32_t i = 0; i < t->d.dtdo_rellen; i++) {
		t->rels[i].dtr_pc = pick(len + 2);
		t->rels[i].dtr_kind = (uint16_t)pick(8);
		t->rels[i].dtr_flags = (uint16_t)(pick(8) ? 0 : pick(4));
	}
	t->d.dtdo_rtype.dtdt_size = pick(4) ? 8 : pick(17);
}

/*
 * An independent statement of what the VM relies on: if the validator
 * accepted d, all of these hold.
 */
static void oracle(const struct dif_difo *d, uint32_t flags)
{
	ck_assert_uint_gt(d->dtdo_len, 0);
	ck_assert_uint_eq(DIF_INSTR_OP(d->dtdo_buf[d->dtdo_len - 1]), DIF_OP_RET);
	for (uint32_t pc = 0; pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];
		unsigned op = DIF_INSTR_OP(in);
		int form = tb_form(op), sh[3], n;

		ck_assert_int_ge(form, 0);
		ck_assert_int_ne(form, DIF_FORM_XLATE);
		ck_assert(!DIF_OP_IS_RELOCATABLE(op) || (flags & DVM_VF_RELOCATABLE));
		ck_assert(op != DIF_OP_HYPERCALL || (flags & DVM_VF_GUEST));
		n = reg_fields(form, sh);
		for (int f = 0; f < n; f++)
			ck_assert_uint_lt((in >> sh[f]) & 0xff, DIF_DIR_NREGS);
		if (has_dest(form))
			ck_assert_uint_ne(DIF_INSTR_RD(in), 0);
		if (form == DIF_FORM_BRANCH) {
			ck_assert_uint_gt(DIF_INSTR_LABEL(in), pc);
			ck_assert_uint_lt(DIF_INSTR_LABEL(in), d->dtdo_len);
		}
		if (form == DIF_FORM_SETX)
			ck_assert_uint_lt(DIF_INSTR_INTEGER(in), d->dtdo_intlen);
		if (form == DIF_FORM_SETS) {
			uint32_t off = DIF_INSTR_STRING(in);
			ck_assert_uint_lt(off, d->dtdo_strlen);
			ck_assert_ptr_nonnull(memchr(d->dtdo_strtab + off, 0, d->dtdo_strlen - off));
		}
		if (form == DIF_FORM_CALL)
			ck_assert_uint_le(DIF_INSTR_SUBR(in), DIF_SUBR_MAX);
	}
}

static void check_records(const struct dif_difo *d, unsigned n)
{
	for (unsigned i = 0; i < n && i < MAXERRS; i++) {
		char line[200];

		ck_assert_uint_gt(errs[i].dve_rule, 0);
		ck_assert_uint_lt(errs[i].dve_rule, DVM_RULE_COUNT);
		ck_assert(errs[i].dve_pc == DVM_PC_NONE || errs[i].dve_pc < d->dtdo_len);
		ck_assert(errs[i].dve_where <= DVM_WHERE_RELTAB);
		ck_assert_int_gt(dvm_verr__format(&errs[i], line, sizeof(line)), 0);
	}
}

/* ASSERTION: random programs never crash, are judged deterministically, and
 * whatever is accepted satisfies the oracle. */
START_TEST(test_random_programs)
{
	static struct rdifo r;
	static struct dvm_verr again[MAXERRS];
	unsigned accepted = 0, rejected = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int iter = 0; iter < 10000; iter++) {
		random_difo(&r);
		unsigned n = run(&r.t, r.flags);
		check_records(&r.t.d, n);
		struct dvm_validate_opts o = { .dvo_flags = r.flags };
		ck_assert_uint_eq(dvm_difo__validate(&r.t.d, &o, again, MAXERRS), n);
		ck_assert_int_eq(memcmp(again, errs, sizeof(errs[0]) * (n < MAXERRS ? n : MAXERRS)), 0);
		if (n == 0) {
			oracle(&r.t.d, r.flags);
			accepted++;
		} else {
			rejected++;
		}
	}
	ck_assert_uint_gt(rejected, 500);
	ck_assert_uint_gt(accepted, 10);	/* the generator does reach valid programs */
}
END_TEST

/* ASSERTION: single-bit flips of a valid all-opcode program never escape the oracle. */
START_TEST(test_random_mutations)
{
	static struct tdifo base;
	unsigned accepted = 0;

	tb_init(&base);
	base.d.dtdo_destructive = 1;
	for (unsigned op = 1; op <= DIF_OP_MAX; op++) {
		if (runs_in_kernel(op) && !DIF_OP_IS_RELOCATABLE(op))
			tb_emit(&base, tb_valid_instr(&base, op, base.d.dtdo_len, 0));
	}
	tb_ret(&base);
	rng_state = 12345;
	for (int iter = 0; iter < 10000; iter++) {
		tdifo = base;
		tdifo.d.dtdo_buf = tdifo.text;
		tdifo.d.dtdo_inttab = tdifo.ints;
		tdifo.d.dtdo_strtab = tdifo.strs;
		tdifo.d.dtdo_vartab = tdifo.vars;
		tdifo.d.dtdo_reltab = tdifo.rels;
		for (int k = 1 + pick(3); k > 0; k--)
			tdifo.text[pick(tdifo.d.dtdo_len)] ^= 1u << pick(32);
		unsigned n = run(&tdifo, DVM_VF_GUEST);
		check_records(&tdifo.d, n);
		if (n == 0) {
			oracle(&tdifo.d, DVM_VF_GUEST);
			accepted++;
		}
	}
	ck_assert_uint_gt(accepted, 0);
}
END_TEST

/* ASSERTION: a long all-garbage text terminates and counts past maxerrs. */
START_TEST(test_long_garbage_terminates)
{
	static dif_instr_t text[65536];
	struct dif_difo d = { 0 };

	rng_state = 777;
	for (size_t i = 0; i < 65536; i++)
		text[i] = DIF_INSTR_FMT(0, 0, 0, 0) | (uint32_t)(rng() & 0x00ffffff);
	d.dtdo_buf = text;
	d.dtdo_len = 65536;
	unsigned n = dvm_difo__validate(&d, NULL, errs, MAXERRS);
	ck_assert_uint_eq(n, 65536 + 1);	/* each word + no final ret */
	check_records(&d, n);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validator");
	struct { const char *name; const TTest *tests[16]; } cases[] = {
		{ "valid", { test_each_opcode_valid, test_all_opcodes_one_program,
		    test_relocatable_program_valid, test_reading_r0_allowed,
		    test_builtin_vars_valid, test_all_subrs_valid } },
		{ "opcodes", { test_bad_opcode, test_xlate } },
		{ "fields", { test_bad_reg_every_field, test_writes_r0, test_store_r0,
		    test_reserved_every_field } },
		{ "branches", { test_branch_range, test_branch_backward } },
		{ "constants", { test_setx_index, test_sets_offset, test_sets_unterminated } },
		{ "variables", { test_array_id, test_var_load_range, test_var_store_range,
		    test_var_not_builtin, test_var_builtin_op, test_var_undeclared,
		    test_var_kind } },
		{ "calls", { test_subr_range, test_destructive, test_push_type } },
		{ "relocations", { test_pseudo_linked, test_reloc_missing, test_reloc_multiple,
		    test_reloc_kind, test_reloc_index, test_reloc_in_linked, test_reloc_orphan,
		    test_reloc_flags, test_reloc_root_flags, test_reloc_guarded_flags,
		    test_reloc_type_exists, test_ustore_rules, test_hypercall } },
		{ "object", { test_null_table, test_empty_text, test_no_final_ret,
		    test_text_too_long, test_inttab_too_long, test_strtab_too_long,
		    test_difo_too_big, test_rtype_size, test_rtype_type } },
		{ "vartab", { test_vartab_scope, test_vartab_kind, test_vartab_id,
		    test_vartab_type, test_vartab_byref_size, test_vartab_too_big,
		    test_vartab_value_size, test_vartab_name, test_vartab_duplicate } },
		{ "reporting", { test_many_violations, test_format, test_rule_table,
		    test_docs_numbering } },
		{ "random", { test_random_programs, test_random_mutations,
		    test_long_garbage_terminates } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_set_timeout(tc, 240);
		for (size_t j = 0; j < 16 && cases[i].tests[j] != NULL; j++)
			tcase_add_test(tc, cases[i].tests[j]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(int argc, char **argv)
{
	docs_path = argc > 1 ? argv[1] : NULL;
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
