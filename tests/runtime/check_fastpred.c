/*
 * check_fastpred.c — the predicate fast path against the emulator.
 *
 * Random DIFOs drawn from the instructions dvm_fastpred.c knows (plus a
 * few it must refuse), with random built-in and global values, run through
 * dvm_difo__emulate and, when dvm_fastpred__prepare accepts them, through
 * dvm_fastpred_eval: results must agree, and a run the emulator faults must
 * be handed back (eval false).  dtc-shaped predicates must be accepted;
 * near-misses must be refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dvm_emul.h"
#include "dvm_fastpred.h"
#include "dvm_var.h"

#define NGLOBAL	3	/* 0x500, 0x501 by value; 0x502 by reference */

static uint64_t bval[4];		/* pid, tid, cpu, arg0 */
static const uint32_t bid[4] = { DIF_VAR_PID, DIF_VAR_TID, DIF_VAR_CPU, DIF_VAR_ARG0 };
static uint8_t arena[64];
static struct dvm_vslot gslot[NGLOBAL];
static struct dvm_vstate vs;
static uint32_t seed = 12345;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static uint64_t interesting(void)
{
	static const uint64_t v[] = { 0, 1, 2, 7, UINT64_MAX, UINT64_MAX - 1,
	    INT64_MAX, (uint64_t)INT64_MIN, (uint64_t)INT64_MIN + 1, 0x80000000u };
	if (rnd() % 4 == 0)
		return ((uint64_t)rnd() << 40) ^ rnd();
	return v[rnd() % (sizeof(v) / sizeof(v[0]))];
}

static int t_builtin(void *ctx, uint32_t id, uint64_t ndx, uint64_t *val)
{
	(void)ctx; (void)ndx;
	for (int i = 0; i < 4; i++)
		if (bid[i] == id) {
			*val = bval[i];
			return 0;
		}
	return DIF_FAULT_ILLOP;
}

static int t_load(void *c, enum dvm_space s, uint64_t a, unsigned n, uint64_t *v)
{
	(void)c; (void)s; (void)a; (void)n; (void)v;
	return DIF_FAULT_BADADDR;
}

static int t_store(void *c, uint64_t a, unsigned n, uint64_t v)
{
	(void)c; (void)a; (void)n; (void)v;
	return DIF_FAULT_BADADDR;
}

static uint64_t t_scratch(void *c, uint64_t n)
{
	(void)c; (void)n;
	return 0;
}

static const struct dvm_platform plat = { t_load, t_store, t_scratch,
	t_builtin, NULL, NULL };

static void setup_vars(void)
{
	memset(&vs, 0, sizeof(vs));
	for (int i = 0; i < NGLOBAL; i++) {
		gslot[i].dvv_off = (uint32_t)(16 * i);
		gslot[i].dvv_size = 8;
		gslot[i].dvv_used = 1;
		gslot[i].dvv_byref = i == 2;
	}
	vs.dvs_static = arena;
	vs.dvs_global = gslot;
	vs.dvs_nglobal = NGLOBAL;
}

static void randomise_values(void)
{
	for (int i = 0; i < 4; i++)
		bval[i] = interesting();
	for (int i = 0; i < 2; i++) {
		uint64_t v = interesting();

		memcpy(arena + 16 * i, &v, 8);
	}
}

/* Outcome of both paths; returns whether the fast path was taken. */
static bool compare_paths(const struct dif_difo *dp, int round)
{
	static struct dvm_fastpred fp;
	struct dvm_mstate ms;
	uint64_t fast;
	int rc;

	dvm_fastpred__prepare(&fp, dp, &vs);
	if (fp.state != DVM_FASTPRED_ON)
		return false;
	for (int k = 0; k < 8; k++) {
		bool ok;

		randomise_values();
		dvm_mstate__init(&ms, &plat, NULL);
		ms.dms_vars = &vs;
		rc = dvm_difo__emulate(dp, &ms);
		ok = dvm_fastpred_eval(&fp, arena, t_builtin, NULL, &fast);
		if (rc == 0 && ok)
			ck_assert_msg(fast == ms.dms_result,
			    "round %d: fast %llu, emulator %llu", round,
			    (unsigned long long)fast, (unsigned long long)ms.dms_result);
		else
			ck_assert_msg(rc != 0 && !ok,
			    "round %d: emulator rc %d, fast path %d", round, rc, ok);
	}
	return true;
}

static const uint8_t branches[] = { DIF_OP_BA, DIF_OP_BE, DIF_OP_BNE, DIF_OP_BG,
	DIF_OP_BGU, DIF_OP_BGE, DIF_OP_BGEU, DIF_OP_BL, DIF_OP_BLU, DIF_OP_BLE,
	DIF_OP_BLEU };

static dif_instr_t random_instr(uint32_t pc, uint32_t len, uint32_t nint)
{
	uint32_t r1 = rnd() % 8, r2 = rnd() % 8, rd = 1 + rnd() % 7;

	switch (rnd() % 12) {
	case 0: case 1:
		return DIF_INSTR_IMM16(DIF_OP_LDGS, rnd() % 3 == 0 ?
		    0x500 + rnd() % (NGLOBAL + 1) : bid[rnd() % 4], rd);
	case 2: case 3:
		return DIF_INSTR_IMM16(DIF_OP_SETX, rnd() % 16 == 0 ? nint : rnd() % nint, rd);
	case 4:	return DIF_INSTR_FMT(DIF_OP_CMP, r1, r2, 0);
	case 5:	return DIF_INSTR_FMT(DIF_OP_TST, r1, 0, 0);
	case 6:	return DIF_INSTR_FMT(DIF_OP_MOV, r1, 0, rd);
	case 7:	return DIF_INSTR_FMT(DIF_OP_SUB, r1, r2, rd);
	case 8: case 9:
		return DIF_INSTR_BRANCH(branches[rnd() % 11], rnd() % 16 == 0 ?
		    pc : pc + 1 + rnd() % (len - pc));
	case 10:
		return DIF_INSTR_FMT(DIF_OP_RET, 0, 0, rnd() % 8);
	default:	/* never accepted */
		return rnd() % 2 ? DIF_INSTR_FMT(DIF_OP_ADD, r1, r2, rd) : DIF_INSTR_NOP;
	}
}

/* ASSERTION: random programs agree on both paths, and enough take the fast one. */
START_TEST(test_random_programs)
{
	dif_instr_t buf[24];
	uint64_t inttab[4];
	int accepted = 0;

	setup_vars();
	for (int round = 0; round < 40000; round++) {
		uint32_t len = 3 + rnd() % 20;
		struct dif_difo d = { 0 };

		for (int i = 0; i < 4; i++)
			inttab[i] = interesting();
		for (uint32_t pc = 0; pc < len; pc++)
			buf[pc] = random_instr(pc, len, 4);
		buf[len - 1] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, rnd() % 8);
		d.dtdo_buf = buf;
		d.dtdo_len = len;
		d.dtdo_inttab = inttab;
		d.dtdo_intlen = 4;
		accepted += compare_paths(&d, round);
	}
	ck_assert_int_gt(accepted, 1000);
}
END_TEST

/* Emit "var cond k" as dtc does, the result 0/1 in %r1 (or %r2). */
static uint32_t emit_term(dif_instr_t *b, uint32_t pc, uint32_t var,
    uint8_t br, uint32_t kidx, bool negate, uint32_t r)
{
	b[pc++] = DIF_INSTR_IMM16(DIF_OP_LDGS, var, r);
	b[pc++] = DIF_INSTR_IMM16(DIF_OP_SETX, kidx, r + 1);
	if (negate)
		b[pc++] = DIF_INSTR_FMT(DIF_OP_SUB, 0, r + 1, r + 1);
	b[pc++] = DIF_INSTR_FMT(DIF_OP_CMP, r, r + 1, 0);
	b[pc] = DIF_INSTR_BRANCH(br, pc + 3);
	pc++;
	b[pc++] = DIF_INSTR_FMT(DIF_OP_MOV, 0, 0, r);
	b[pc] = DIF_INSTR_BRANCH(DIF_OP_BA, pc + 2);
	pc++;
	b[pc++] = DIF_INSTR_IMM16(DIF_OP_SETX, 4, r);	/* inttab[4] == 1 */
	return pc;
}

/* ASSERTION: dtc-shaped predicates (a op k, joined by && / ||) are all accepted and agree. */
START_TEST(test_dtc_shapes)
{
	static const uint32_t vars[] = { DIF_VAR_PID, DIF_VAR_TID, DIF_VAR_CPU,
	    DIF_VAR_ARG0, 0x500, 0x501 };
	dif_instr_t b[64];
	uint64_t inttab[5];

	setup_vars();
	for (int round = 0; round < 20000; round++) {
		struct dif_difo d = { 0 };
		uint32_t pc = 0, nterms = 1 + rnd() % 3;

		for (int i = 0; i < 4; i++)
			inttab[i] = interesting();
		inttab[4] = 1;
		for (uint32_t t = 0; t < nterms; t++) {
			pc = emit_term(b, pc, vars[rnd() % 6], branches[1 + rnd() % 10],
			    rnd() % 4, rnd() % 3 == 0, t == 0 ? 1 : 2);
			if (t > 0) {	/* r1 = r1 && r2 or r1 || r2, as dtc folds */
				bool and = rnd() % 2;

				b[pc++] = DIF_INSTR_FMT(DIF_OP_TST, 1, 0, 0);
				b[pc] = DIF_INSTR_BRANCH(and ? DIF_OP_BE : DIF_OP_BNE, pc + 3);
				pc++;
				b[pc++] = DIF_INSTR_FMT(DIF_OP_TST, 2, 0, 0);
				b[pc++] = DIF_INSTR_FMT(DIF_OP_MOV, 2, 0, 1);
			}
		}
		b[pc++] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1);
		d.dtdo_buf = b;
		d.dtdo_len = pc;
		d.dtdo_inttab = inttab;
		d.dtdo_intlen = 5;
		ck_assert_msg(compare_paths(&d, round), "round %d not accepted", round);
	}
}
END_TEST

static bool accepted(const dif_instr_t *b, uint32_t len)
{
	static const uint64_t inttab[1] = { 1 };
	struct dif_difo d = { 0 };
	static struct dvm_fastpred fp;

	d.dtdo_buf = b;
	d.dtdo_len = len;
	d.dtdo_inttab = inttab;
	d.dtdo_intlen = 1;
	setup_vars();
	dvm_fastpred__prepare(&fp, &d, &vs);
	return fp.state == DVM_FASTPRED_ON;
}

/* ASSERTION: near-misses (two loads compared, add, by-reference or undeclared globals, thread-locals, backward branches, setx out of range, no ret) go to the emulator. */
START_TEST(test_near_misses)
{
	const dif_instr_t ok[] = { DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_PID, 1),
	    DIF_INSTR_IMM16(DIF_OP_SETX, 0, 2), DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0),
	    DIF_INSTR_BRANCH(DIF_OP_BE, 5), DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0),
	    DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 2) };
	dif_instr_t b[6];

	ck_assert(accepted(ok, 6));
	memcpy(b, ok, sizeof(ok));
	b[1] = DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_TID, 2);
	ck_assert(!accepted(b, 6));
	memcpy(b, ok, sizeof(ok));
	b[2] = DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 3);
	ck_assert(!accepted(b, 6));
	memcpy(b, ok, sizeof(ok));
	b[0] = DIF_INSTR_IMM16(DIF_OP_LDGS, 0x502, 1);
	ck_assert(!accepted(b, 6));
	b[0] = DIF_INSTR_IMM16(DIF_OP_LDGS, 0x503, 1);
	ck_assert(!accepted(b, 6));
	b[0] = DIF_INSTR_IMM16(DIF_OP_LDTS, 0x500, 1);
	ck_assert(!accepted(b, 6));
	memcpy(b, ok, sizeof(ok));
	b[3] = DIF_INSTR_BRANCH(DIF_OP_BE, 2);
	ck_assert(!accepted(b, 6));
	memcpy(b, ok, sizeof(ok));
	b[1] = DIF_INSTR_IMM16(DIF_OP_SETX, 1, 2);
	ck_assert(!accepted(b, 6));
	memcpy(b, ok, sizeof(ok));
	b[4] = DIF_INSTR_NOP;
	b[5] = DIF_INSTR_NOP;
	ck_assert(!accepted(b, 6));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fastpred");
	TCase *tc;
	SRunner *sr;
	int nf;

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_programs);
	suite_add_tcase(s, tc);
	tc = tcase_create("dtc-shapes");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_dtc_shapes);
	suite_add_tcase(s, tc);
	tc = tcase_create("near-misses");
	tcase_add_test(tc, test_near_misses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
