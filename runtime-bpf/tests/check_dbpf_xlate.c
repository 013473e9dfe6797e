/*
 * check_dbpf_xlate.c — the DIF -> BPF translation, checked against the
 * user-space emulator (runtime-kernel/dvm_emul.h), the reference
 * semantics.  Every case builds a small linked DIFO, validates it, runs it
 * through dvm_difo__emulate and through the kernel (BPF_PROG_TEST_RUN on
 * the translated raw-tracepoint program) and compares result or fault
 * (code and DIF pc).  Exits 77 when BPF is unavailable.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "common.h"
#include "dvm_emul.h"
#include "dvm_validate.h"

/* The emulator's platform: no readable memory, no scratch. */
static int no_load(void *ctx, enum dvm_space s, uint64_t a, unsigned n, uint64_t *v)
{
	return DIF_FAULT_BADADDR;
}

static int no_store(void *ctx, uint64_t a, unsigned n, uint64_t v)
{
	return DIF_FAULT_BADADDR;
}

static uint64_t no_scratch(void *ctx, uint64_t n)
{
	return 0;
}

static const struct dvm_platform plat = { .dp_load = no_load, .dp_store = no_store,
	.dp_scratch = no_scratch };

struct outcome {
	bool		faulted;
	uint64_t	result;		/* when !faulted */
	uint64_t	fault, pc;	/* when faulted */
};

static struct outcome emulate(const struct dif_difo *d)
{
	struct dvm_mstate ms;
	struct outcome o = { 0 };

	ck_assert_uint_eq(dvm_difo__validate(d, NULL, NULL, 0), 0);
	dvm_mstate__init(&ms, &plat, NULL);
	if (dvm_difo__emulate(d, &ms) == 0) {
		o.result = ms.dms_result;
	} else {
		o.faulted = true;
		o.fault = ms.dms_fault;
		o.pc = ms.dms_fault_pc;
	}
	return o;
}

static struct outcome in_kernel(const struct dif_difo *d, const uint64_t *args,
    unsigned nargs)
{
	struct dbpf_opts opts = { .do_nargs = 12 };
	struct dbpf_prog *p;
	struct dbpf_probe *pr;
	struct dbpf_stats st;
	struct outcome o = { 0 };
	char err[512];
	uint32_t ret;

	ck_assert_msg(dbpf_prog__translate(d, &opts, &p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(dbpf_probe__load(p, &pr, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(dbpf_probe__test_run(pr, args, nargs, &ret), 0);
	ck_assert_int_eq(dbpf_probe__stats(pr, &st), 0);
	ck_assert_uint_eq(st.ds_runs, 1);
	if (ret == DBPF_RET_FAULT) {
		ck_assert_uint_eq(st.ds_faults, 1);
		o.faulted = true;
		o.fault = st.ds_fault;
		o.pc = st.ds_fault_pc;
	} else {
		ck_assert_uint_eq(ret, DBPF_RET_OK);
		ck_assert_uint_eq(st.ds_faults, 0);
		ck_assert_uint_eq(st.ds_count, st.ds_result != 0);
		o.result = st.ds_result;
	}
	dbpf_probe__free(pr);
	dbpf_prog__free(p);
	return o;
}

static void same(const struct dif_difo *d, const char *what)
{
	struct outcome e = emulate(d), k = in_kernel(d, NULL, 0);

	ck_assert_msg(e.faulted == k.faulted, "%s: emulator %s, BPF %s", what,
	    e.faulted ? "faulted" : "returned", k.faulted ? "faulted" : "returned");
	if (e.faulted) {
		ck_assert_msg(e.fault == k.fault && e.pc == k.pc,
		    "%s: fault %llu@%llu vs %llu@%llu", what,
		    (unsigned long long)e.fault, (unsigned long long)e.pc,
		    (unsigned long long)k.fault, (unsigned long long)k.pc);
	} else {
		ck_assert_msg(e.result == k.result, "%s: emulator 0x%llx, BPF 0x%llx",
		    what, (unsigned long long)e.result, (unsigned long long)k.result);
	}
}

static const uint64_t vals[] = {
	0, 1, 2, 7, 63, 64, 65, (uint64_t)-1, (uint64_t)-7,
	0x8000000000000000ull, 0x7fffffffffffffffull, 0x0123456789abcdefull,
};
#define NVALS	(sizeof(vals) / sizeof(vals[0]))

static const uint8_t alu_ops[] = {
	DIF_OP_OR, DIF_OP_XOR, DIF_OP_AND, DIF_OP_SLL, DIF_OP_SRL, DIF_OP_SRA,
	DIF_OP_SUB, DIF_OP_ADD, DIF_OP_MUL, DIF_OP_SDIV, DIF_OP_UDIV,
	DIF_OP_SREM, DIF_OP_UREM,
};

/* ASSERTION: every ALU opcode gives the emulator's result (or DIVZERO fault at its pc) for 144 operand pairs. */
START_TEST(alu_matches_emulator)
{
	uint8_t op = alu_ops[_i];

	for (unsigned i = 0; i < NVALS; i++) {
		for (unsigned j = 0; j < NVALS; j++) {
			uint64_t ints[] = { vals[i], vals[j] };
			dif_instr_t buf[] = {
				DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1),
				DIF_INSTR_IMM16(DIF_OP_SETX, 1, 2),
				DIF_INSTR_FMT(op, 1, 2, 3),
				DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3),
			};
			struct dif_difo d = difo_of(buf, 4, ints, 2);
			char what[96];

			snprintf(what, sizeof(what), "op %u (0x%llx, 0x%llx)", op,
			    (unsigned long long)vals[i], (unsigned long long)vals[j]);
			same(&d, what);
		}
	}
}
END_TEST

static const uint8_t br_ops[] = {
	DIF_OP_BA, DIF_OP_BE, DIF_OP_BNE, DIF_OP_BG, DIF_OP_BGU, DIF_OP_BGE,
	DIF_OP_BGEU, DIF_OP_BL, DIF_OP_BLU, DIF_OP_BLE, DIF_OP_BLEU,
};

/* ASSERTION: every branch after cmp and after tst takes the same path as the emulator for 144 operand pairs. */
START_TEST(branch_matches_emulator)
{
	uint8_t op = br_ops[_i];

	for (unsigned t = 0; t < 2; t++) {
		for (unsigned i = 0; i < NVALS; i++) {
			for (unsigned j = 0; j < NVALS; j++) {
				uint64_t ints[] = { vals[i], vals[j], 5, 9 };
				dif_instr_t buf[] = {
					DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1),
					DIF_INSTR_IMM16(DIF_OP_SETX, 1, 2),
					t ? DIF_INSTR_FMT(DIF_OP_TST, 1, 0, 0)
					  : DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0),
					DIF_INSTR_BRANCH(op, 6),
					DIF_INSTR_IMM16(DIF_OP_SETX, 2, 3),
					DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3),
					DIF_INSTR_IMM16(DIF_OP_SETX, 3, 3),
					DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3),
				};
				struct dif_difo d = difo_of(buf, 8, ints, 4);
				char what[96];

				snprintf(what, sizeof(what), "%s + op %u (0x%llx, 0x%llx)",
				    t ? "tst" : "cmp", op, (unsigned long long)vals[i],
				    (unsigned long long)vals[j]);
				same(&d, what);
			}
		}
	}
}
END_TEST

/* ASSERTION: condition codes set before a not-taken branch still steer a later branch in another block, and an unset cc reads as all-clear. */
START_TEST(flags_cross_blocks)
{
	uint64_t ints[] = { 3, 8, 1, 2 };
	dif_instr_t buf[] = {
		DIF_INSTR_BRANCH(DIF_OP_BE, 2),	/* cc all clear: not taken */
		DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_SETX, 1, 2),
		DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0),
		DIF_INSTR_BRANCH(DIF_OP_BG, 9),	/* 3 > 8: no */
		DIF_INSTR_FMT(DIF_OP_NOT, 1, 0, 4),
		DIF_INSTR_FMT(DIF_OP_MOV, 4, 0, 5),
		DIF_INSTR_BRANCH(DIF_OP_BL, 10),	/* 3 < 8: yes */
		DIF_INSTR_NOP,
		DIF_INSTR_IMM16(DIF_OP_SETX, 2, 5),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 5),
	};
	struct dif_difo d = difo_of(buf, 11, ints, 4);

	same(&d, "flags across blocks");
	ck_assert_uint_eq(in_kernel(&d, NULL, 0).result, ~3ull);
}
END_TEST

/* ASSERTION: a load from an unmapped kernel address is a BADADDR fault at its DIF pc for every load width, never a verifier failure. */
START_TEST(bad_load_faults)
{
	static const uint8_t ops[] = { DIF_OP_LDSB, DIF_OP_LDUH, DIF_OP_LDSW,
	    DIF_OP_LDX, DIF_OP_RLDUB, DIF_OP_ULDX };

	for (unsigned i = 0; i < sizeof(ops); i++) {
		uint64_t ints[] = { 8 };
		dif_instr_t buf[] = {
			DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1),
			DIF_INSTR_FMT(ops[i], 1, 0, 2),
			DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 2),
		};
		struct dif_difo d = difo_of(buf, 3, ints, 1);
		struct outcome k;

		same(&d, "bad load");
		k = in_kernel(&d, NULL, 0);
		ck_assert(k.faulted);
		ck_assert_uint_eq(k.fault, DIF_FAULT_BADADDR);
		ck_assert_uint_eq(k.pc, 1);
	}
}
END_TEST

/* ASSERTION: built-ins pid, tid, uid, gid and arg0/arg1 read the running task and the context. */
START_TEST(builtins)
{
	static const struct { unsigned var; uint64_t want; } cases[] = {
		{ DIF_VAR_ARG0, 0x1111 }, { DIF_VAR_ARG1, 0x2222 },
	};
	uint64_t args[] = { 0x1111, 0x2222 };
	uint64_t want[4] = { (uint64_t)getpid(), (uint64_t)getpid(),
	    (uint64_t)getuid(), (uint64_t)getgid() };
	unsigned vars[4] = { DIF_VAR_PID, DIF_VAR_TID, DIF_VAR_UID, DIF_VAR_GID };

	for (unsigned i = 0; i < 4 + 2; i++) {
		unsigned var = i < 4 ? vars[i] : cases[i - 4].var;
		uint64_t w = i < 4 ? want[i] : cases[i - 4].want;
		dif_instr_t buf[] = {
			DIF_INSTR_IMM16(DIF_OP_LDGS, var, 3),
			DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3),
		};
		struct dif_difo d = difo_of(buf, 2, NULL, 0);
		struct outcome k = in_kernel(&d, args, 2);

		ck_assert(!k.faulted);
		ck_assert_msg(k.result == w, "var 0x%x: 0x%llx != 0x%llx", var,
		    (unsigned long long)k.result, (unsigned long long)w);
	}
}
END_TEST

/* ASSERTION: timestamp is monotonic across two reads, cpu is a valid CPU, curthread is nonzero. */
START_TEST(helper_builtins)
{
	uint64_t ints[] = { 4096 };
	dif_instr_t ts[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_TIMESTAMP, 1),
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_TIMESTAMP, 2),
		DIF_INSTR_FMT(DIF_OP_SUB, 2, 1, 3),	/* >= 0 */
		DIF_INSTR_FMT(DIF_OP_CMP, 2, 1, 0),
		DIF_INSTR_BRANCH(DIF_OP_BLU, 7),
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_CURTHREAD, 4),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 4),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0),
	};
	dif_instr_t cpu[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_CPU, 1),
		DIF_INSTR_IMM16(DIF_OP_SETX, 0, 2),
		DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 3),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3),
	};
	struct dif_difo d1 = difo_of(ts, 8, NULL, 0), d2 = difo_of(cpu, 4, ints, 1);
	struct outcome k1 = in_kernel(&d1, NULL, 0), k2 = in_kernel(&d2, NULL, 0);
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	ck_assert(!k1.faulted && k1.result != 0);
	ck_assert(!k2.faulted);
	ck_assert_uint_ge(k2.result, 4096);
	ck_assert_uint_lt(k2.result, 4096 + (uint64_t)ncpu);
}
END_TEST

/* ASSERTION: execname yields a kernel buffer whose bytes, read with ldub, spell this process's comm. */
START_TEST(execname_bytes)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(comm, sizeof(comm), f));
	fclose(f);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t ints[] = { i };
		dif_instr_t buf[] = {
			DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_EXECNAME, 1),
			DIF_INSTR_IMM16(DIF_OP_SETX, 0, 2),
			DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 1),
			DIF_INSTR_FMT(DIF_OP_LDUB, 1, 0, 3),
			DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 3),
		};
		struct dif_difo d = difo_of(buf, 5, ints, 1);
		struct outcome k = in_kernel(&d, NULL, 0);

		ck_assert(!k.faulted);
		ck_assert_uint_eq(k.result, (unsigned char)comm[i]);
	}
}
END_TEST

/* A fixed-seed xorshift generator: the same programs on every run. */
static uint64_t rnd(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

/*
 * A random straight-line-with-forward-branches program of 24 instructions:
 * setx, ALU (all 13 ops, any registers incl. %r0), not/mov, cmp/tst,
 * every branch kind with a random later target, nop, and ret at the end
 * plus occasional early rets.
 */
static uint32_t random_program(uint64_t *st, dif_instr_t *buf, uint64_t *ints)
{
	const uint32_t len = 24;

	for (unsigned i = 0; i < 8; i++)
		ints[i] = rnd(st) % 3 ? vals[rnd(st) % NVALS] : rnd(st);
	for (uint32_t pc = 0; pc < len - 1; pc++) {
		unsigned r1 = rnd(st) % 8, r2 = rnd(st) % 8, rd = 1 + rnd(st) % 7;

		switch (rnd(st) % 8) {
		case 0: case 1:
			buf[pc] = DIF_INSTR_IMM16(DIF_OP_SETX, rnd(st) % 8, rd);
			break;
		case 2: case 3:
			buf[pc] = DIF_INSTR_FMT(alu_ops[rnd(st) % sizeof(alu_ops)], r1, r2, rd);
			break;
		case 4:
			buf[pc] = DIF_INSTR_FMT(rnd(st) % 2 ? DIF_OP_NOT : DIF_OP_MOV, r1, 0, rd);
			break;
		case 5:
			buf[pc] = rnd(st) % 3 ? DIF_INSTR_FMT(DIF_OP_CMP, r1, r2, 0)
			    : DIF_INSTR_FMT(DIF_OP_TST, r1, 0, 0);
			break;
		case 6:
			buf[pc] = DIF_INSTR_BRANCH(br_ops[rnd(st) % sizeof(br_ops)],
			    pc + 1 + rnd(st) % (len - 1 - pc));
			break;
		default:
			buf[pc] = rnd(st) % 4 ? DIF_INSTR_NOP : DIF_INSTR_FMT(DIF_OP_RET, 0, 0, rd);
			break;
		}
	}
	buf[len - 1] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1 + rnd(st) % 7);
	return len;
}

/* ASSERTION: 400 random multi-block programs (ALU, flags, branches across blocks, divide faults) agree with the emulator. */
START_TEST(random_programs)
{
	uint64_t st = 0x9e3779b97f4a7c15ull + (uint64_t)_i;

	for (unsigned k = 0; k < 100; k++) {
		dif_instr_t buf[24];
		uint64_t ints[8];
		uint32_t len = random_program(&st, buf, ints);
		struct dif_difo d = difo_of(buf, len, ints, 8);
		char what[64];

		snprintf(what, sizeof(what), "random program %u/%u", (unsigned)_i, k);
		same(&d, what);
	}
}
END_TEST

/* ASSERTION: an opcode that is not translated is an error naming it and its pc. */
START_TEST(untranslated_opcode)
{
	dif_instr_t buf[] = {
		DIF_INSTR_NOP,
		DIF_INSTR_IMM16(DIF_OP_SETS, 0, 1),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1),
	};
	struct dif_difo d = difo_of(buf, 3, NULL, 0);
	struct dbpf_prog *p = NULL;
	char err[256];

	ck_assert_int_eq(dbpf_prog__translate(&d, NULL, &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err, "pc 1: opcode 'sets' (38) is not translated to BPF");
}
END_TEST

/* ASSERTION: argN beyond the attach point's arguments and unknown built-ins are translation errors. */
START_TEST(untranslated_variables)
{
	struct dbpf_opts opts = { .do_nargs = 2 };
	dif_instr_t a2[] = { DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG2, 1),
	    DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1) };
	dif_instr_t pp[] = { DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_PPID, 1),
	    DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1) };
	struct dif_difo d1 = difo_of(a2, 2, NULL, 0), d2 = difo_of(pp, 2, NULL, 0);
	struct dbpf_prog *p;
	char err[256];

	ck_assert_int_eq(dbpf_prog__translate(&d1, &opts, &p, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "pc 0: arg2 is not provided by this attach point (2 arguments)");
	ck_assert_int_eq(dbpf_prog__translate(&d2, &opts, &p, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "pc 0: ldgs of variable 0x11d is not translated to BPF");
}
END_TEST

/* ASSERTION: a verifier rejection names the DIF pc its BPF instruction came from. */
START_TEST(verifier_error_names_dif_pc)
{
	dif_instr_t buf[] = {
		DIF_INSTR_NOP,
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_EXECNAME, 1),
		DIF_INSTR_FMT(DIF_OP_MUL, 1, 1, 2),	/* pointer * pointer */
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 2),
	};
	struct dif_difo d = difo_of(buf, 4, NULL, 0);
	struct dbpf_prog *p;
	struct dbpf_probe *pr = NULL;
	char err[512];

	ck_assert_int_eq(dbpf_prog__translate(&d, NULL, &p, err, sizeof(err)), 0);
	ck_assert_int_lt(dbpf_probe__load(p, &pr, err, sizeof(err)), 0);
	ck_assert_ptr_null(pr);
	ck_assert_msg(strstr(err, "(from DIF pc 2)") != NULL, "%s", err);
	dbpf_prog__free(p);
}
END_TEST

/* ASSERTION: a program that can fall off its end is refused. */
START_TEST(no_final_ret)
{
	dif_instr_t buf[] = { DIF_INSTR_NOP };
	struct dif_difo d = difo_of(buf, 1, NULL, 0);
	struct dbpf_prog *p;
	char err[256];

	ck_assert_int_eq(dbpf_prog__translate(&d, NULL, &p, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "pc 0: the program does not end with ret");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dbpf_xlate");
	TCase *tc;
	SRunner *sr;
	int nf;

	skip_without_bpf();
#define ADD(name, fn) tc = tcase_create(name); tcase_set_timeout(tc, 120); \
	tcase_add_test(tc, fn); suite_add_tcase(s, tc)
#define ADDLOOP(name, fn, n) tc = tcase_create(name); tcase_set_timeout(tc, 120); \
	tcase_add_loop_test(tc, fn, 0, n); suite_add_tcase(s, tc)
	ADDLOOP("alu", alu_matches_emulator, (int)sizeof(alu_ops));
	ADDLOOP("branch", branch_matches_emulator, (int)sizeof(br_ops));
	ADD("flags", flags_cross_blocks);
	ADDLOOP("random", random_programs, 4);
	ADD("load_fault", bad_load_faults);
	ADD("builtins", builtins);
	ADD("helper_builtins", helper_builtins);
	ADD("execname", execname_bytes);
	ADD("untranslated_opcode", untranslated_opcode);
	ADD("untranslated_variables", untranslated_variables);
	ADD("verifier_error", verifier_error_names_dif_pc);
	ADD("no_final_ret", no_final_ret);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
