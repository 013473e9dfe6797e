/*
 * check_dbpf_clause.c — whole clauses translated to one BPF program per
 * probe, run through BPF_PROG_TEST_RUN on a raw-tracepoint program, with
 * the records read back from the ring buffer and the aggregations from
 * their maps.  Every expected value is computed here independently (the
 * engine's record layout, DTrace's bucket rules).  Exits 77 without BPF.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <asm/ptrace.h>
#include <linux/perf_event.h>
#include <bpf/btf.h>

#include "common.h"
#include "dbpf_clause.h"

#define ERROR_EPID	99
#define MAXRECS		256

struct rec {
	uint32_t	epid, size;
	uint64_t	ts;
	uint8_t		data[1024];
};

static struct rec recs[MAXRECS];
static int nrecs;
static struct dbpf_set *set;
static char err[512];

/* One ring-buffer sample: one record, or a committed speculation's records. */
static int collect(void *arg, const void *p, size_t n)
{
	const uint8_t *b = p;

	(void)arg;
	ck_assert_uint_ge(n, 16);
	while (n > 0) {
		size_t len;

		ck_assert_int_lt(nrecs, MAXRECS);
		ck_assert_uint_ge(n, 16);
		memset(&recs[nrecs], 0, sizeof(recs[nrecs]));
		memcpy(&recs[nrecs], b, 16);
		len = 16 + recs[nrecs].size;
		ck_assert_uint_le(len, n);
		memcpy(&recs[nrecs], b, len < sizeof(struct rec) ? len : sizeof(struct rec));
		nrecs++;
		b += len;
		n -= len;
	}
	return 0;
}

static void setup(void)
{
	struct dbpf_set_opts o = { .so_strsize = 64, .so_error_epid = ERROR_EPID };

	ck_assert_msg(dbpf_set__new(&o, &set, err, sizeof(err)) == 0, "%s", err);
	nrecs = 0;
	prctl(PR_SET_NAME, "dbpf-test", 0, 0, 0);
}

static void teardown(void)
{
	dbpf_set__free(set);
	set = NULL;
}

/* arg0, arg1 = ctx u64 0 and 1; arg2 = the signed 32-bit low half of ctx 2;
 * arg3 = 77; arg4 = ctx u64 2; errno from ctx u64 1 as a syscall return. */
static struct dbpf_attach attach(void)
{
	struct dbpf_attach at;

	memset(&at, 0, sizeof(at));
	at.at_ctx = DBPF_CTX_RAW_TP;
	at.at_args[0] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8, .as_off = 0 };
	at.at_args[1] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8, .as_off = 8 };
	at.at_args[2] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 4,
	    .as_signed = true, .as_off = 16 };
	at.at_args[3] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CONST, .as_value = 77 };
	at.at_args[4] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8, .as_off = 16 };
	at.at_errno = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8, .as_off = 8 };
	at.at_probe_id = 4242;
	at.at_prov = "test";
	at.at_mod = "";
	at.at_func = "fn";
	at.at_name = "fire";
	return at;
}

static int add(const struct dbpf_clause *cls, uint32_t n)
{
	struct dbpf_attach at = attach();
	int idx = -1;

	ck_assert_msg(dbpf_set__add_probe(set, &at, cls, n, &idx, err, sizeof(err)) == 0,
	    "%s", err);
	return idx;
}

static void fire(int idx, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[3] = { a0, a1, a2 };
	uint32_t ret = 99;

	ck_assert_int_eq(dbpf_set__test_run(set, idx, args, 3, &ret), 0);
	ck_assert_uint_eq(ret, 0);
}

static void drain(void)
{
	nrecs = 0;
	ck_assert_int_ge(dbpf_set__poll(set, 0, collect, NULL), 0);
}

static uint64_t u64_at(const struct rec *r, uint32_t off)
{
	uint64_t v;

	memcpy(&v, r->data + off, 8);
	return v;
}

/* A DIFO over static arrays. */
static struct dif_difo difo(const dif_instr_t *buf, uint32_t len, const uint64_t *ints,
    uint32_t nints, const char *str, uint32_t strlen_, const struct dif_var *vars,
    uint32_t nvars)
{
	struct dif_difo d = difo_of(buf, len, ints, nints);

	d.dtdo_strtab = str;
	d.dtdo_strlen = strlen_;
	d.dtdo_vartab = vars;
	d.dtdo_varlen = nvars;
	return d;
}

#define LEN(a)	((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define RET(r)		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, r)
#define SETX(i, r)	DIF_INSTR_IMM16(DIF_OP_SETX, i, r)
#define LDGS(v, r)	DIF_INSTR_IMM16(DIF_OP_LDGS, v, r)
#define SETS(o, r)	DIF_INSTR_IMM16(DIF_OP_SETS, o, r)

static const uint64_t K[] = { 42, 0, 1, 2, 3, 0x500, 0x501 };
static const dif_instr_t ret42[] = { SETX(0, 1), RET(1) };
static const dif_instr_t ret0[] = { RET(0) };
static const dif_instr_t retarg0[] = { LDGS(DIF_VAR_ARG0, 1), RET(1) };
static const dif_instr_t retarg1[] = { LDGS(DIF_VAR_ARG1, 1), RET(1) };
static const dif_instr_t retarg2[] = { LDGS(DIF_VAR_ARG2, 1), RET(1) };
static const dif_instr_t retexec[] = { LDGS(DIF_VAR_EXECNAME, 1), RET(1) };
/* arg0 / arg1: divides by zero when arg1 is 0 */
static const dif_instr_t divide[] = {
	LDGS(DIF_VAR_ARG0, 1), LDGS(DIF_VAR_ARG1, 2),
	DIF_INSTR_FMT(DIF_OP_UDIV, 1, 2, 3), RET(3)
};

/* ASSERTION: a recorded value lands at its offset in the engine's layout. */
START_TEST(record_by_value)
{
	struct dif_difo a = difo(ret42, 2, K, LEN(K), NULL, 0, NULL, 0);
	struct dif_difo b = difo(retarg2, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo c = difo(retarg1, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &b, .off = 8, .size = 4 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &c, .off = 16, .size = 2 },
	};
	struct dbpf_clause cl = { .epid = 7, .what = "test:::fire", .steps = st,
	    .nsteps = 3, .datasize = 24, .records = true };
	int idx = add(&cl, 1);

	fire(idx, 0, 0xabcdef, 0xfffffffe);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].epid, 7);
	ck_assert_uint_eq(recs[0].size, 24);
	ck_assert_uint_ne(recs[0].ts, 0);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 42);
	/* arg2 is signed 32-bit -2; recorded in 4 bytes, padding zero */
	ck_assert_uint_eq(u64_at(&recs[0], 8), 0xfffffffeu);
	ck_assert_uint_eq(u64_at(&recs[0], 16), 0xcdef);
}
END_TEST

/* ASSERTION: exit() is recorded and also kept in the set's state (first status wins). */
START_TEST(exit_state)
{
	struct dif_difo a = difo(retarg0, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_EXIT, .actndx = 1, .difo = &a, .size = 4 };
	struct dbpf_clause cl = { .epid = 3, .what = "e", .steps = &st, .nsteps = 1,
	    .datasize = 8, .records = true };
	int idx = add(&cl, 1), status = 99;

	ck_assert_int_eq(dbpf_set__exited(set, &status), 0);
	fire(idx, (uint64_t)-2, 0, 0);
	fire(idx, 5, 0, 0);
	ck_assert_int_eq(dbpf_set__exited(set, &status), 1);
	ck_assert_int_eq(status, -2);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 0xfffffffeu);
}
END_TEST

/* ASSERTION: predicates select clauses, which run in order with one timestamp. */
START_TEST(predicates_and_order)
{
	struct dif_difo p = difo(retarg0, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo v = difo(retarg1, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &v,
	    .size = 8 };
	struct dbpf_clause cl[3] = {
		{ .epid = 1, .what = "a", .pred = &p, .steps = &st, .nsteps = 1,
		  .datasize = 8, .records = true },
		{ .epid = 2, .what = "b", .steps = &st, .nsteps = 1, .datasize = 8,
		  .records = true },
		{ .epid = 3, .what = "c", .steps = NULL, .nsteps = 0, .datasize = 0,
		  .records = true },
	};
	int idx = add(cl, 3);

	fire(idx, 0, 5, 0);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].epid, 2);
	ck_assert_uint_eq(recs[1].epid, 3);
	ck_assert_uint_eq(recs[1].size, 0);
	fire(idx, 1, 6, 0);
	drain();
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(recs[0].epid, 1);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 6);
	ck_assert_uint_eq(recs[1].epid, 2);
	ck_assert_uint_eq(recs[0].ts, recs[1].ts);
	ck_assert_uint_eq(recs[1].ts, recs[2].ts);
}
END_TEST

/* ASSERTION: a fault aborts its clause with DTrace's ERROR record; later clauses run. */
START_TEST(fault_error_record)
{
	struct dif_difo a = difo(ret42, 2, K, LEN(K), NULL, 0, NULL, 0);
	struct dif_difo d = difo(divide, 4, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &d, .off = 8, .size = 8 },
	};
	struct dbpf_clause cl[2] = {
		{ .epid = 5, .what = "f", .steps = st, .nsteps = 2, .datasize = 16,
		  .records = true },
		{ .epid = 6, .what = "g", .steps = st, .nsteps = 1, .datasize = 8,
		  .records = true },
	};
	struct dbpf_counts cnt;
	int idx = add(cl, 2);

	fire(idx, 10, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].epid, ERROR_EPID);
	ck_assert_uint_eq(recs[0].size, 40);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 5);
	ck_assert_uint_eq(u64_at(&recs[0], 8), 2);
	ck_assert_uint_eq(u64_at(&recs[0], 16), 2 * 4);
	ck_assert_uint_eq(u64_at(&recs[0], 24), DIF_FAULT_DIVZERO);
	ck_assert_uint_eq(u64_at(&recs[0], 32), 0);
	ck_assert_uint_eq(recs[1].epid, 6);
	fire(idx, 10, 5, 0);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].epid, 5);
	ck_assert_uint_eq(u64_at(&recs[0], 8), 2);
	ck_assert_int_eq(dbpf_set__counts(set, &cnt), 0);
	ck_assert_uint_eq(cnt.dc_firings, 2);
	ck_assert_uint_eq(cnt.dc_errors, 1);
	ck_assert_uint_eq(cnt.dc_bufdrops, 0);
}
END_TEST

static const char strs[] = "hello\0abc\0abd\0x\0";

/* ASSERTION: strings are recorded NUL-padded: constants, execname, probe names. */
START_TEST(record_strings)
{
	static const dif_instr_t hello[] = { SETS(0, 1), RET(1) };
	static const dif_instr_t pname[] = { LDGS(DIF_VAR_PROBENAME, 1), RET(1) };
	struct dif_difo h = difo(hello, 2, NULL, 0, strs, sizeof(strs), NULL, 0);
	struct dif_difo e = difo(retexec, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo n = difo(pname, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &h, .off = 0, .size = 64,
		  .byref = true, .string = true },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &e, .off = 64, .size = 64,
		  .byref = true, .string = true },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &n, .off = 128, .size = 64,
		  .byref = true, .string = true },
	};
	struct dbpf_clause cl = { .epid = 1, .what = "s", .steps = st, .nsteps = 3,
	    .datasize = 192, .records = true };
	static const uint8_t zero[64];
	int idx = add(&cl, 1);

	fire(idx, 0, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_str_eq((char *)recs[0].data, "hello");
	ck_assert_int_eq(memcmp(recs[0].data + 6, zero, 58), 0);
	ck_assert_str_eq((char *)recs[0].data + 64, "dbpf-test");
	ck_assert_int_eq(memcmp(recs[0].data + 64 + 10, zero, 54), 0);
	ck_assert_str_eq((char *)recs[0].data + 128, "fire");
}
END_TEST

/* ASSERTION: recording a string from a bad address gives ERROR with offset -1. */
START_TEST(record_bad_string)
{
	struct dif_difo a = difo(retarg0, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a,
	    .size = 32, .byref = true, .string = true };
	struct dbpf_clause cl = { .epid = 3, .what = "b", .steps = &st, .nsteps = 1,
	    .datasize = 32, .records = true };
	int idx = add(&cl, 1);

	fire(idx, 8, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].epid, ERROR_EPID);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 3);
	ck_assert_uint_eq(u64_at(&recs[0], 8), 1);
	ck_assert_uint_eq(u64_at(&recs[0], 16), UINT64_MAX);
	ck_assert_uint_eq(u64_at(&recs[0], 24), DIF_FAULT_BADADDR);
	ck_assert_uint_eq(u64_at(&recs[0], 32), 8);
}
END_TEST

/* ASSERTION: scmp, strlen and copyinstr agree with C on the same strings. */
START_TEST(string_subroutines)
{
	/* r1 = "abc" cmp "abd" -> bl taken -> 1; plus "x" == "x" */
	static const dif_instr_t lt[] = {
		SETS(6, 1), SETS(10, 2), DIF_INSTR_FMT(DIF_OP_SCMP, 1, 2, 0),
		DIF_INSTR_BRANCH(DIF_OP_BL, 5), RET(0), SETX(2, 3), RET(3)
	};
	static const dif_instr_t eq[] = {
		SETS(14, 1), LDGS(DIF_VAR_EXECNAME, 2), DIF_INSTR_FMT(DIF_OP_SCMP, 2, 1, 0),
		DIF_INSTR_BRANCH(DIF_OP_BG, 5), RET(0), SETX(2, 3), RET(3)
	};
	static const dif_instr_t len[] = {
		SETS(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_STRLEN, 2), RET(2)
	};
	static const dif_instr_t cin[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_COPYINSTR, 2), RET(2)
	};
	struct dif_difo a = difo(lt, LEN(lt), K, LEN(K), strs, sizeof(strs), NULL, 0);
	struct dif_difo b = difo(eq, LEN(eq), K, LEN(K), strs, sizeof(strs), NULL, 0);
	struct dif_difo c = difo(len, LEN(len), K, LEN(K), strs, sizeof(strs), NULL, 0);
	struct dif_difo d = difo(cin, LEN(cin), NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &b, .off = 8, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &c, .off = 16, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 4, .difo = &d, .off = 24, .size = 64,
		  .byref = true, .string = true },
	};
	struct dbpf_clause cl = { .epid = 1, .what = "s", .steps = st, .nsteps = 4,
	    .datasize = 88, .records = true };
	static const char path[] = "/tmp/some/path";
	int idx = add(&cl, 1);

	fire(idx, (uint64_t)(uintptr_t)path, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 1);	/* "abc" < "abd" */
	ck_assert_uint_eq(u64_at(&recs[0], 8), 0);	/* "dbpf-test" < "x": bg not taken */
	ck_assert_uint_eq(u64_at(&recs[0], 16), 5);
	ck_assert_str_eq((char *)recs[0].data + 24, path);
}
END_TEST

/* ASSERTION: vm_kernel_addrperm keeps 0, adds the process's odd secret to any other address. */
START_TEST(addrperm)
{
	/* vm_kernel_addrperm(arg0) */
	static const dif_instr_t ap[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_CALL, DBPF_SUBR_VM_KERNEL_ADDRPERM, 3), RET(3)
	};
	struct dif_difo a = difo(ap, LEN(ap), NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a,
	    .off = 0, .size = 8 };
	struct dbpf_clause cl = { .epid = 1, .what = "a", .steps = &st, .nsteps = 1,
	    .datasize = 8, .records = true };
	uint64_t key = dbpf_addrperm_key();
	int idx = add(&cl, 1);

	ck_assert_uint_eq(key & 1, 1);
	ck_assert_uint_eq(dbpf_addrperm_key(), key);	/* once per process */
	fire(idx, 0, 0, 0);
	fire(idx, 10, 0, 0);
	fire(idx, 0xffffffff81000000ull, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 0);
	ck_assert_uint_eq(u64_at(&recs[1], 0), 10 + key);
	ck_assert_uint_eq(u64_at(&recs[2], 0), 0xffffffff81000000ull + key);
}
END_TEST

/* ASSERTION: strjoin, lltostr (bases, sign), hton*, copyin give the emulator's results. */
START_TEST(more_subroutines)
{
	/* strjoin("abc", execname) */
	static const dif_instr_t join[] = {
		SETS(6, 1), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 1),
		LDGS(DIF_VAR_EXECNAME, 2), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 2),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_STRJOIN, 3), RET(3)
	};
	/* lltostr(arg0, arg1) */
	static const dif_instr_t l2s[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		LDGS(DIF_VAR_ARG1, 2), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 2),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_LLTOSTR, 3), RET(3)
	};
	/* htons(arg0) */
	static const dif_instr_t hs[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_HTONS, 3), RET(3)
	};
	/* copyin(arg4, 8) */
	static const dif_instr_t cin[] = {
		LDGS(DIF_VAR_ARG4, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		SETX(0, 2), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 2),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_COPYIN, 3), RET(3)
	};
	static const uint64_t eight[] = { 8 };
	struct dif_difo a = difo(join, LEN(join), NULL, 0, strs, sizeof(strs), NULL, 0);
	struct dif_difo b = difo(l2s, LEN(l2s), NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo h = difo(hs, LEN(hs), NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo d = difo(cin, LEN(cin), eight, 1, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a, .off = 0, .size = 64,
		  .byref = true, .string = true },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &b, .off = 64, .size = 64,
		  .byref = true, .string = true },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &h, .off = 128, .size = 8 },
	};
	struct dbpf_step st2 = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &d,
	    .off = 0, .size = 8, .byref = true };
	struct dbpf_clause cl[2] = {
		{ .epid = 1, .what = "s", .steps = st, .nsteps = 3, .datasize = 136,
		  .records = true },
		{ .epid = 2, .what = "c", .steps = &st2, .nsteps = 1, .datasize = 8,
		  .records = true },
	};
	static const uint64_t user = 0x1122334455667788ull;
	int idx = add(cl, 2);

	fire(idx, (uint64_t)-1234, 10, (uint64_t)(uintptr_t)&user);
	fire(idx, 0x1234, 16, (uint64_t)(uintptr_t)&user);
	fire(idx, 0, 2, 0);
	fire(idx, 5, 40, 0);
	drain();
	ck_assert_int_eq(nrecs, 8);
	ck_assert_str_eq((char *)recs[0].data, "abcdbpf-test");
	ck_assert_str_eq((char *)recs[0].data + 64, "-1234");
	ck_assert_uint_eq(u64_at(&recs[0], 128), 0x2efb);	/* htons(0xfb2e): low 16 bits of -1234 */
	ck_assert_msg(u64_at(&recs[1], 0) == user, "epid %u off %lld fault %llu val %llx", recs[1].epid, (long long)u64_at(&recs[1], 16), (unsigned long long)u64_at(&recs[1], 24), (unsigned long long)u64_at(&recs[1], 32));
	ck_assert_str_eq((char *)recs[2].data + 64, "0x1234");	/* the engine's prefix */
	ck_assert_uint_eq(u64_at(&recs[2], 128), 0x3412);
	ck_assert_str_eq((char *)recs[4].data + 64, "0");
	ck_assert_uint_eq(recs[5].epid, ERROR_EPID);	/* copyin(NULL, 8) */
	ck_assert_uint_eq(u64_at(&recs[5], 24), DIF_FAULT_BADADDR);
	ck_assert_uint_eq(recs[6].epid, ERROR_EPID);	/* base 40 */
	ck_assert_uint_eq(u64_at(&recs[6], 24), DIF_FAULT_ILLOP);
	ck_assert_uint_eq(u64_at(&recs[6], 32), DIF_SUBR_LLTOSTR);	/* as the engine */
}
END_TEST

/* ASSERTION: toupper, tolower, strchr, strrchr and substr follow the emulator's rules. */
START_TEST(string_functions)
{
	/* "Hello/World" */
	static const char hs[] = "Hello/World\0";
	static const uint64_t k[] = { '/', 'o', (uint64_t)-5, 3, 2, 100, (uint64_t)-2, 'z' };
#define S1(subr) { SETS(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 1), \
	DIF_INSTR_IMM16(DIF_OP_CALL, subr, 2), RET(2) }
#define S2(subr, a) { SETS(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 1), \
	SETX(a, 3), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 3), \
	DIF_INSTR_IMM16(DIF_OP_CALL, subr, 2), RET(2) }
#define S3(subr, a, b) { SETS(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 1), \
	SETX(a, 3), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 3), \
	SETX(b, 4), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 4), \
	DIF_INSTR_IMM16(DIF_OP_CALL, subr, 2), RET(2) }
	/* strchr results as offsets: ret r2 - r1 */
#define C2(subr, a) { SETS(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 1), \
	SETX(a, 3), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 3), \
	DIF_INSTR_IMM16(DIF_OP_CALL, subr, 2), DIF_INSTR_FMT(DIF_OP_SUB, 2, 1, 2), RET(2) }
	static const dif_instr_t up[] = S1(DIF_SUBR_TOUPPER), low[] = S1(DIF_SUBR_TOLOWER);
	static const dif_instr_t ch[] = C2(DIF_SUBR_STRCHR, 1), rch[] = C2(DIF_SUBR_STRRCHR, 1);
	static const dif_instr_t nch[] = S2(DIF_SUBR_STRCHR, 7);
	static const dif_instr_t sb1[] = S2(DIF_SUBR_SUBSTR, 2);	/* substr(s, -5) */
	static const dif_instr_t sb2[] = S3(DIF_SUBR_SUBSTR, 3, 4);	/* substr(s, 3, 2) */
	static const dif_instr_t sb3[] = S3(DIF_SUBR_SUBSTR, 3, 6);	/* substr(s, 3, -2) */
	static const dif_instr_t sb4[] = S2(DIF_SUBR_SUBSTR, 5);	/* substr(s, 100) */
	const dif_instr_t *progs[] = { up, low, sb1, sb2, sb3, sb4 };
	uint32_t lens[] = { LEN(up), LEN(low), LEN(sb1), LEN(sb2), LEN(sb3), LEN(sb4) };
	struct dif_difo d[9];
	struct dbpf_step st[9];
	struct dbpf_clause cl;
	int idx;

	memset(st, 0, sizeof(st));
	for (int i = 0; i < 6; i++) {
		d[i] = difo(progs[i], lens[i], k, LEN(k), hs, sizeof(hs), NULL, 0);
		st[i] = (struct dbpf_step){ .kind = DBPF_STEP_RECORD, .actndx = (uint32_t)i + 1,
		    .difo = &d[i], .off = 32 * (uint32_t)i, .size = 32, .byref = true,
		    .string = true };
	}
	d[6] = difo(ch, LEN(ch), k, LEN(k), hs, sizeof(hs), NULL, 0);
	d[7] = difo(rch, LEN(rch), k, LEN(k), hs, sizeof(hs), NULL, 0);
	d[8] = difo(nch, LEN(nch), k, LEN(k), hs, sizeof(hs), NULL, 0);
	for (int i = 6; i < 9; i++)
		st[i] = (struct dbpf_step){ .kind = DBPF_STEP_RECORD, .actndx = (uint32_t)i + 1,
		    .difo = &d[i], .off = 192 + 8 * (uint32_t)(i - 6), .size = 8 };
	cl = (struct dbpf_clause){ .epid = 1, .what = "s", .steps = st, .nsteps = 9,
	    .datasize = 216, .records = true };
	idx = add(&cl, 1);
	fire(idx, 0, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_str_eq((char *)recs[0].data + 0, "HELLO/WORLD");
	ck_assert_str_eq((char *)recs[0].data + 32, "hello/world");
	ck_assert_str_eq((char *)recs[0].data + 64, "World");
	ck_assert_str_eq((char *)recs[0].data + 96, "lo");
	ck_assert_str_eq((char *)recs[0].data + 128, "lo/Wor");
	ck_assert_str_eq((char *)recs[0].data + 160, "");
	ck_assert_uint_eq(u64_at(&recs[0], 192), 4);	/* first 'o' */
	ck_assert_uint_eq(u64_at(&recs[0], 200), 7);	/* last 'o' */
	ck_assert_uint_eq(u64_at(&recs[0], 208), 0);	/* no 'z' */
}
END_TEST

/* Expected buckets, written from DTrace's rules independently of the translator. */
static int q_bucket(int64_t v)
{
	int b = 0;
	uint64_t m;

	if (v == 0)
		return 63;
	m = v > 0 ? (uint64_t)v : 0 - (uint64_t)v;
	while (m >> (b + 1))
		b++;
	if (v > 0)
		return 64 + b;
	return 62 - b < 0 ? 0 : 62 - b;
}

struct seen {
	int		n;
	uint32_t	id[16];
	int64_t		w[16][130];
	uint32_t	nw[16];
	char		key[16][80];
	int64_t		ikey[16];
};

static int walker(void *arg, uint32_t aggid, const struct dbpf_aggkey *keys,
    uint32_t nkeys, const int64_t *words, uint32_t nwords)
{
	struct seen *s = arg;
	int i = s->n++;

	ck_assert_int_lt(i, 16);
	ck_assert_uint_le(nwords, 130);
	s->id[i] = aggid;
	s->nw[i] = nwords;
	memcpy(s->w[i], words, nwords * 8);
	for (uint32_t k = 0; k < nkeys; k++) {
		if (keys[k].string) {
			ck_assert_uint_eq(keys[k].size, 64);
			snprintf(s->key[i], sizeof(s->key[i]), "%s", (const char *)keys[k].data);
		} else {
			memcpy(&s->ikey[i], keys[k].data, 8);
		}
	}
	return 0;
}

static int find(const struct seen *s, uint32_t id)
{
	for (int i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return i;
	ck_abort_msg("aggregation %u not seen", id);
	return -1;
}

/* ASSERTION: every aggregating function keeps DTrace's words for a run of values. */
START_TEST(aggregations)
{
	static const int64_t vals[] = { 5, -3, 10, 0, 1000000, -70000 };
	struct dif_difo v = difo(retarg0, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo e = difo(retexec, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo i1 = difo(retarg1, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_key kexec = { .difo = &e, .actndx = 1, .string = true };
	struct dbpf_key kint = { .difo = &i1, .actndx = 1 };
	/* lquantize(v, -10, 10, 5): base -10, levels 4, step 5 */
	uint64_t lq = (uint64_t)(uint32_t)-10 | (uint64_t)4 << 32 | (uint64_t)5 << 48;
	/* llquantize(v, 10, 0, 6, 20) */
	uint64_t llq = (uint64_t)10 << 48 | (uint64_t)0 << 32 | (uint64_t)6 << 16 | 20;
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_AGG, .actndx = 1, .aggid = 1, .aggfunc = DIF_ACT_COUNT,
		  .keys = &kexec, .nkeys = 1 },
		{ .kind = DBPF_STEP_AGG, .actndx = 2, .difo = &v, .aggid = 2, .aggfunc = DIF_ACT_SUM },
		{ .kind = DBPF_STEP_AGG, .actndx = 3, .difo = &v, .aggid = 3, .aggfunc = DIF_ACT_MIN },
		{ .kind = DBPF_STEP_AGG, .actndx = 4, .difo = &v, .aggid = 4, .aggfunc = DIF_ACT_MAX },
		{ .kind = DBPF_STEP_AGG, .actndx = 5, .difo = &v, .aggid = 5, .aggfunc = DIF_ACT_AVG },
		{ .kind = DBPF_STEP_AGG, .actndx = 6, .difo = &v, .aggid = 6, .aggfunc = DIF_ACT_STDDEV },
		{ .kind = DBPF_STEP_AGG, .actndx = 7, .difo = &v, .aggid = 7,
		  .aggfunc = DIF_ACT_QUANTIZE },
		{ .kind = DBPF_STEP_AGG, .actndx = 8, .difo = &v, .aggid = 8,
		  .aggfunc = DIF_ACT_LQUANTIZE, .aggarg = lq },
		{ .kind = DBPF_STEP_AGG, .actndx = 9, .difo = &v, .aggid = 9,
		  .aggfunc = DIF_ACT_LLQUANTIZE, .aggarg = llq },
		{ .kind = DBPF_STEP_AGG, .actndx = 10, .aggid = 10, .aggfunc = DIF_ACT_COUNT,
		  .keys = &kint, .nkeys = 1 },
	};
	struct dbpf_clause cl = { .epid = 1, .what = "agg", .steps = st,
	    .nsteps = LEN(st) };
	int64_t sum = 0, mn = INT64_MAX, mx = INT64_MIN;
	unsigned __int128 sq = 0;
	int64_t qb[127] = { 0 }, lqb[7] = { 0 };
	struct seen s = { 0 };
	int idx = add(&cl, 1), i;

	for (i = 0; i < (int)LEN(vals); i++) {
		int64_t x = vals[i];
		uint64_t m = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;

		fire(idx, (uint64_t)x, 7, 0);
		sum += x;
		mn = x < mn ? x : mn;
		mx = x > mx ? x : mx;
		sq += (unsigned __int128)m * m;
		qb[q_bucket(x)]++;
		lqb[x < -10 ? 0 : x >= 10 ? 5 : 1 + (x + 10) / 5]++;
	}
	ck_assert_int_eq(dbpf_set__agg_walk(set, walker, &s), 0);
	ck_assert_int_eq(s.n, 10);
	i = find(&s, 1);
	ck_assert_str_eq(s.key[i], "dbpf-test");
	ck_assert_int_eq(s.w[i][0], LEN(vals));
	ck_assert_int_eq(s.w[find(&s, 2)][0], sum);
	ck_assert_int_eq(s.w[find(&s, 3)][0], mn);
	ck_assert_int_eq(s.w[find(&s, 4)][0], mx);
	i = find(&s, 5);
	ck_assert_int_eq(s.w[i][0], LEN(vals));
	ck_assert_int_eq(s.w[i][1], sum);
	i = find(&s, 6);
	ck_assert_int_eq(s.w[i][2], (int64_t)(uint64_t)sq);
	ck_assert_int_eq(s.w[i][3], (int64_t)(uint64_t)(sq >> 64));
	i = find(&s, 7);
	ck_assert_uint_eq(s.nw[i], 127);
	ck_assert_int_eq(memcmp(s.w[i], qb, sizeof(qb)), 0);
	i = find(&s, 8);
	ck_assert_uint_eq(s.nw[i], 7);
	ck_assert_int_eq(s.w[i][0], (int64_t)lq);
	ck_assert_int_eq(memcmp(s.w[i] + 1, lqb, 6 * 8), 0);
	i = find(&s, 9);
	ck_assert_int_eq(s.w[i][0], (int64_t)llq);
	/* below 10^0 = 1: -3, 0, -70000 in bucket 0; 5 in bucket 1 + 5/1 - 1 ... */
	ck_assert_int_eq(s.w[i][1], 3);
	i = find(&s, 10);
	ck_assert_int_eq(s.ikey[i], 7);
	ck_assert_int_eq(s.w[i][0], LEN(vals));
	ck_assert_int_eq(dbpf_set__agg_clear(set, 10), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(dbpf_set__agg_walk(set, walker, &s), 0);
	ck_assert_int_eq(s.n, 9);
}
END_TEST

/* ASSERTION: stack()/ustack() records and stack aggregation keys hold pcs (ustack: the pid first); ucaller is the second user pc. */
START_TEST(stacks)
{
	static const dif_instr_t uc[] = { LDGS(DIF_VAR_UCALLER, 1), RET(1) };
	struct dif_difo u = difo(uc, LEN(uc), NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_key ks = { .actndx = 1, .stack = DBPF_KEY_STACK, .size = 64 };
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_STACK, .actndx = 1, .off = 0, .size = 64 },
		{ .kind = DBPF_STEP_USTACK, .actndx = 2, .off = 64, .size = 64 },
		{ .kind = DBPF_STEP_AGG, .actndx = 3, .aggid = 1, .aggfunc = DIF_ACT_COUNT,
		  .keys = &ks, .nkeys = 1 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 4, .difo = &u, .off = 128, .size = 8 },
	};
	struct dbpf_clause cl = { .epid = 1, .what = "s", .steps = st, .nsteps = 4,
	    .datasize = 136, .records = true };
	struct seen s = { 0 };
	int idx = add(&cl, 1), total = 0;

	fire(idx, 0, 0, 0);
	fire(idx, 0, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_ne(u64_at(&recs[0], 0), 0);		/* a kernel pc */
	ck_assert_uint_ge(u64_at(&recs[0], 0), 0xffff800000000000ull);
	ck_assert_uint_eq(u64_at(&recs[0], 64), (uint64_t)getpid());
	ck_assert_uint_ne(u64_at(&recs[0], 72), 0);		/* a user pc */
	ck_assert_uint_lt(u64_at(&recs[0], 72), 0x0000800000000000ull);
	/* ucaller is the user stack's second pc, as ustack() recorded it */
	ck_assert_uint_eq(u64_at(&recs[0], 128), u64_at(&recs[0], 80));
	ck_assert_int_eq(dbpf_set__agg_walk(set, walker, &s), 0);
	ck_assert_int_ge(s.n, 1);
	for (int i = 0; i < s.n; i++)
		total += (int)s.w[i][0];
	ck_assert_int_eq(total, 2);
}
END_TEST

static const char vnames[] = "g\0t\0";
static const struct dif_var gvar[] = {
	{ .dtdv_name = 0, .dtdv_id = 0x500, .dtdv_kind = DIFV_KIND_SCALAR,
	  .dtdv_scope = DIFV_SCOPE_GLOBAL, .dtdv_type = { .dtdt_size = 8 } },
	{ .dtdv_name = 2, .dtdv_id = 0x501, .dtdv_kind = DIFV_KIND_SCALAR,
	  .dtdv_scope = DIFV_SCOPE_THREAD, .dtdv_type = { .dtdt_size = 8 } },
	{ .dtdv_name = 0, .dtdv_id = 0x500, .dtdv_kind = DIFV_KIND_SCALAR,
	  .dtdv_scope = DIFV_SCOPE_LOCAL, .dtdv_type = { .dtdt_size = 8 } },
};

/* ASSERTION: globals, thread-locals (0 deletes) and clause-locals keep their values. */
START_TEST(variables)
{
	/* g = arg0; self->t = arg1; this->l = arg0 + 1; ret g + self->t + this->l */
	static const dif_instr_t store[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_IMM16(DIF_OP_STGS, 0x500, 1),
		LDGS(DIF_VAR_ARG1, 2), DIF_INSTR_IMM16(DIF_OP_STTS, 0x501, 2),
		SETX(2, 3), DIF_INSTR_FMT(DIF_OP_ADD, 1, 3, 3),
		DIF_INSTR_IMM16(DIF_OP_STLS, 0x500, 3), RET(0)
	};
	static const dif_instr_t load[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, 0x500, 1), DIF_INSTR_IMM16(DIF_OP_LDTS, 0x501, 2),
		DIF_INSTR_IMM16(DIF_OP_LDLS, 0x500, 3),
		DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 1), DIF_INSTR_FMT(DIF_OP_ADD, 1, 3, 1), RET(1)
	};
	struct dif_difo a = difo(store, LEN(store), K, LEN(K), vnames, sizeof(vnames), gvar, 3);
	struct dif_difo b = difo(load, LEN(load), K, LEN(K), vnames, sizeof(vnames), gvar, 3);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_VOID, .actndx = 1, .difo = &a },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &b, .off = 0, .size = 8 },
	};
	struct dbpf_step st2 = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &b,
	    .off = 0, .size = 8 };
	struct dbpf_clause cl[2] = {
		{ .epid = 1, .what = "v", .steps = st, .nsteps = 2, .datasize = 8,
		  .records = true },
		{ .epid = 2, .what = "w", .steps = &st2, .nsteps = 1, .datasize = 8,
		  .records = true },
	};
	int idx = add(cl, 2);

	fire(idx, 100, 20, 0);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 100 + 20 + 101);
	/* the next clause sees g and self->t but a fresh this->l */
	ck_assert_uint_eq(u64_at(&recs[1], 0), 100 + 20);
	fire(idx, 0, 0, 0);	/* stores 0: self->t deleted */
	drain();
	ck_assert_uint_eq(u64_at(&recs[0], 0), 1);
	ck_assert_uint_eq(u64_at(&recs[1], 0), 0);
}
END_TEST

static const char anames[] = "a\0b\0s\0gs\0abc\0";
#define STRTYPE { .dtdt_kind = DIF_TYPE_STRING, .dtdt_flags = DIF_TF_BYREF, .dtdt_size = 64 }
static const struct dif_var avars[] = {
	{ .dtdv_name = 0, .dtdv_id = 0x502, .dtdv_kind = DIFV_KIND_ARRAY,
	  .dtdv_scope = DIFV_SCOPE_GLOBAL, .dtdv_type = { .dtdt_size = 8 } },
	{ .dtdv_name = 2, .dtdv_id = 0x503, .dtdv_kind = DIFV_KIND_ARRAY,
	  .dtdv_scope = DIFV_SCOPE_THREAD, .dtdv_type = { .dtdt_size = 8 } },
	{ .dtdv_name = 4, .dtdv_id = 0x504, .dtdv_kind = DIFV_KIND_SCALAR,
	  .dtdv_scope = DIFV_SCOPE_THREAD, .dtdv_type = STRTYPE },
	{ .dtdv_name = 6, .dtdv_id = 0x505, .dtdv_kind = DIFV_KIND_SCALAR,
	  .dtdv_scope = DIFV_SCOPE_GLOBAL, .dtdv_type = STRTYPE },
};

/* ASSERTION: associative arrays (int and string tuples) and string variables keep values; 0 deletes. */
START_TEST(assoc_and_string_vars)
{
	/* a[arg0] = arg1; self->b["abc", arg0] = arg1; self->s = execname; gs = "abc" */
	static const dif_instr_t store[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		LDGS(DIF_VAR_ARG1, 2), DIF_INSTR_IMM16(DIF_OP_STGAA, 0x502, 2),
		DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0),
		SETS(9, 3), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 3),
		DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_STTAA, 0x503, 2),
		DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0),
		LDGS(DIF_VAR_EXECNAME, 4), DIF_INSTR_IMM16(DIF_OP_STTS, 0x504, 4),
		DIF_INSTR_IMM16(DIF_OP_STGS, 0x505, 3),
		RET(0)
	};
	/* a[arg0] + self->b["abc", arg0] */
	static const dif_instr_t sum[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_LDGAA, 0x502, 2),
		DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0),
		SETS(9, 3), DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, 3),
		DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_LDTAA, 0x503, 4),
		DIF_INSTR_FMT(DIF_OP_ADD, 2, 4, 2), RET(2)
	};
	static const dif_instr_t tls[] = { DIF_INSTR_IMM16(DIF_OP_LDTS, 0x504, 1), RET(1) };
	static const dif_instr_t gls[] = { DIF_INSTR_IMM16(DIF_OP_LDGS, 0x505, 1), RET(1) };
	struct dif_difo a = difo(store, LEN(store), NULL, 0, anames, sizeof(anames), avars, 4);
	struct dif_difo b = difo(sum, LEN(sum), NULL, 0, anames, sizeof(anames), avars, 4);
	struct dif_difo t = difo(tls, LEN(tls), NULL, 0, anames, sizeof(anames), avars, 4);
	struct dif_difo g = difo(gls, LEN(gls), NULL, 0, anames, sizeof(anames), avars, 4);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_VOID, .actndx = 1, .difo = &a },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &b, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &t, .off = 8, .size = 64,
		  .byref = true, .string = true },
		{ .kind = DBPF_STEP_RECORD, .actndx = 4, .difo = &g, .off = 72, .size = 64,
		  .byref = true, .string = true },
	};
	struct dbpf_step st2 = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &b,
	    .off = 0, .size = 8 };
	struct dbpf_clause cl[2] = {
		{ .epid = 1, .what = "v", .steps = st, .nsteps = 4, .datasize = 136,
		  .records = true },
		{ .epid = 2, .what = "w", .steps = &st2, .nsteps = 1, .datasize = 8,
		  .records = true },
	};
	int idx = add(cl, 2);

	fire(idx, 3, 20, 0);
	fire(idx, 4, 7, 0);
	drain();
	ck_assert_int_eq(nrecs, 4);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 40);
	ck_assert_str_eq((char *)recs[0].data + 8, "dbpf-test");
	ck_assert_str_eq((char *)recs[0].data + 72, "abc");
	ck_assert_uint_eq(u64_at(&recs[2], 0), 14);
	/* the other key still holds its value; storing 0 deletes */
	fire(idx, 4, 0, 0);
	drain();
	ck_assert_uint_eq(u64_at(&recs[0], 0), 0);
	ck_assert_str_eq((char *)recs[0].data + 8, "dbpf-test");
}
END_TEST

/* ASSERTION: globals are shared with user space both ways; self-> follows the probe's thread; stackdepth counts frames. */
START_TEST(shared_state)
{
	static const dif_instr_t rd[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, 0x500, 1), RET(1)
	};
	static const dif_instr_t wr[] = {
		LDGS(DIF_VAR_ARG0, 1), DIF_INSTR_IMM16(DIF_OP_STGS, 0x500, 1),
		SETS(9, 2), DIF_INSTR_IMM16(DIF_OP_STGS, 0x505, 2), RET(0)
	};
	static const dif_instr_t rds[] = { DIF_INSTR_IMM16(DIF_OP_LDGS, 0x505, 1), RET(1) };
	static const dif_instr_t tset[] = {
		LDGS(DIF_VAR_ARG1, 1), DIF_INSTR_IMM16(DIF_OP_STTS, 0x501, 1), RET(0)
	};
	static const dif_instr_t tget[] = { DIF_INSTR_IMM16(DIF_OP_LDTS, 0x501, 1), RET(1) };
	static const dif_instr_t depth[] = { LDGS(DIF_VAR_STACKDEPTH, 1), RET(1) };
	static const struct dif_var vars[] = {
		{ .dtdv_name = 0, .dtdv_id = 0x500, .dtdv_kind = DIFV_KIND_SCALAR,
		  .dtdv_scope = DIFV_SCOPE_GLOBAL, .dtdv_type = { .dtdt_size = 8 } },
		{ .dtdv_name = 2, .dtdv_id = 0x501, .dtdv_kind = DIFV_KIND_SCALAR,
		  .dtdv_scope = DIFV_SCOPE_THREAD, .dtdv_type = { .dtdt_size = 8 } },
		{ .dtdv_name = 6, .dtdv_id = 0x505, .dtdv_kind = DIFV_KIND_SCALAR,
		  .dtdv_scope = DIFV_SCOPE_GLOBAL, .dtdv_type = STRTYPE },
	};
	struct dif_difo r = difo(rd, LEN(rd), NULL, 0, anames, sizeof(anames), vars, 3);
	struct dif_difo w = difo(wr, LEN(wr), NULL, 0, anames, sizeof(anames), vars, 3);
	struct dif_difo rs = difo(rds, LEN(rds), NULL, 0, anames, sizeof(anames), vars, 3);
	struct dif_difo ts = difo(tset, LEN(tset), NULL, 0, anames, sizeof(anames), vars, 3);
	struct dif_difo tg = difo(tget, LEN(tget), NULL, 0, anames, sizeof(anames), vars, 3);
	struct dif_difo dd = difo(depth, LEN(depth), NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step rec[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &r, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &rs, .off = 8, .size = 64,
		  .byref = true, .string = true },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &tg, .off = 72, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 4, .difo = &dd, .off = 80, .size = 8 },
	};
	struct dbpf_step set1[] = {
		{ .kind = DBPF_STEP_VOID, .actndx = 1, .difo = &w },
		{ .kind = DBPF_STEP_VOID, .actndx = 2, .difo = &ts },
	};
	struct dbpf_clause reader = { .epid = 1, .what = "r", .steps = rec, .nsteps = 4,
	    .datasize = 88, .records = true };
	struct dbpf_clause writer = { .epid = 2, .what = "w", .steps = set1, .nsteps = 2 };
	struct dbpf_attach other = attach();
	uint64_t v = 41;
	char str[65] = "";
	int r0, r1, w1;

	other.at_self_tgid = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CONST, .as_value = 7 };
	other.at_self_tid = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CONST, .as_value = 9 };
	r0 = add(&reader, 1);
	ck_assert_msg(dbpf_set__add_probe(set, &other, &reader, 1, &r1, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_msg(dbpf_set__add_probe(set, &other, &writer, 1, &w1, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(dbpf_set__global_set(set, 0x500, &v, 8), 0);
	ck_assert_int_eq(dbpf_set__global_set(set, 0x505, "from user", 9), 0);
	fire(r0, 0, 0, 0);
	fire(w1, 99, 5, 0);	/* g = 99; gs = "abc"; self->t = 5 for thread 7/9 */
	fire(r0, 0, 0, 0);
	fire(r1, 0, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 41);
	ck_assert_str_eq((char *)recs[0].data + 8, "from user");
	ck_assert_uint_eq(u64_at(&recs[1], 0), 99);
	ck_assert_str_eq((char *)recs[1].data + 8, "abc");
	ck_assert_uint_eq(u64_at(&recs[1], 72), 0);	/* this thread has no self->t */
	ck_assert_uint_eq(u64_at(&recs[2], 72), 5);	/* thread 7/9 has */
	ck_assert_uint_gt(u64_at(&recs[0], 80), 0);	/* stackdepth */
	ck_assert_int_eq(dbpf_set__global_get(set, 0x500, &v, 8), 0);
	ck_assert_uint_eq(v, 99);
	ck_assert_int_eq(dbpf_set__global_get(set, 0x505, str, 64), 0);
	ck_assert_str_eq(str, "abc");
	ck_assert_int_eq(dbpf_set__global_get(set, 0x400, &v, 8), -ENOENT);
}
END_TEST

/* ASSERTION: args[i], probe id, epid, errno and constant arguments read their sources. */
START_TEST(builtins_and_args)
{
	static const dif_instr_t ldga[] = {
		LDGS(DIF_VAR_ARG1, 1), DIF_INSTR_FMT(DIF_OP_LDGA, DIF_VAR_ARGS, 1, 2), RET(2)
	};
	static const dif_instr_t ids[] = {
		LDGS(DIF_VAR_ID, 1), LDGS(DIF_VAR_EPID, 2), LDGS(DIF_VAR_ARG3, 3),
		DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 1), DIF_INSTR_FMT(DIF_OP_ADD, 1, 3, 1), RET(1)
	};
	struct dif_difo a = difo(ldga, LEN(ldga), NULL, 0, NULL, 0, NULL, 0);
	static const dif_instr_t eno[] = { LDGS(DIF_VAR_ERRNO, 1), RET(1) };
	struct dif_difo b = difo(ids, LEN(ids), NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo e = difo(eno, LEN(eno), NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &a, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &b, .off = 8, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &e, .off = 16, .size = 8 },
	};
	struct dbpf_clause cl = { .epid = 9, .what = "b", .steps = st, .nsteps = 3,
	    .datasize = 24, .records = true };
	int idx = add(&cl, 1);

	fire(idx, 555, 0, 0);	/* args[arg1 = 0] = arg0 */
	fire(idx, 555, 2, (uint64_t)-5);	/* args[2] = -5 (signed 32-bit) */
	fire(idx, 555, 9, 0);	/* args[9]: no source, 0 */
	fire(idx, 555, (uint64_t)-13, 0);	/* errno 13 */
	fire(idx, 555, (uint64_t)-5000, 0);	/* not an errno */
	drain();
	ck_assert_int_eq(nrecs, 5);
	ck_assert_uint_eq(u64_at(&recs[0], 16), 0);
	ck_assert_uint_eq(u64_at(&recs[3], 16), 13);
	ck_assert_uint_eq(u64_at(&recs[4], 16), 0);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 555);
	ck_assert_uint_eq(u64_at(&recs[1], 0), (uint64_t)-5);
	ck_assert_uint_eq(u64_at(&recs[2], 0), 0);
	ck_assert_uint_eq(u64_at(&recs[0], 8), 4242 + 9 + 77);
}
END_TEST

/* task_struct member offsets from the kernel's BTF (0 when unavailable). */
static uint32_t member_off(const struct btf *btf, const char *type, const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	if (id < 0)
		return 0;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (unsigned i = 0; i < btf_vlen(t); i++)
		if (strcmp(btf__name_by_offset(btf, m[i].name_off), member) == 0)
			return btf_member_bit_offset(t, i) / 8;
	return 0;
}

/* ASSERTION: ppid, walltimestamp, pc-by-mode, exit reasons and zero-on-fault reads work. */
START_TEST(task_clock_and_arg_kinds)
{
	static const dif_instr_t ppid[] = { LDGS(DIF_VAR_PPID, 1), RET(1) };
	static const dif_instr_t wall[] = { LDGS(DIF_VAR_WALLTIMESTAMP, 1), RET(1) };
	static const dif_instr_t a5[] = { LDGS(DIF_VAR_ARG5, 1), RET(1) };
	static const dif_instr_t a6[] = { LDGS(DIF_VAR_ARG6, 1), RET(1) };
	static const dif_instr_t a7[] = { LDGS(DIF_VAR_ARG7, 1), RET(1) };
	static const dif_instr_t a8[] = { LDGS(DIF_VAR_ARG8, 1), RET(1) };
	struct dif_difo p = difo(ppid, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo w = difo(wall, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo d5 = difo(a5, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo d6 = difo(a6, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo d7 = difo(a7, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo d8 = difo(a8, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &p, .off = 0, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &w, .off = 8, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &d5, .off = 16, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 4, .difo = &d6, .off = 24, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 5, .difo = &d7, .off = 32, .size = 8 },
		{ .kind = DBPF_STEP_RECORD, .actndx = 6, .difo = &d8, .off = 40, .size = 8 },
	};
	struct dbpf_clause cl = { .epid = 1, .what = "t", .steps = st, .nsteps = 6,
	    .datasize = 48, .records = true };
	struct dbpf_attach at = attach();
	struct btf *btf = btf__load_vmlinux_btf();
	struct timespec now;
	uint64_t ns;
	int idx;

	if (btf == NULL)
		return;	/* no BTF here: nothing to take offsets from */
	at.at_off_real_parent = member_off(btf, "task_struct", "real_parent");
	at.at_off_tgid = member_off(btf, "task_struct", "tgid");
	btf__free(btf);
	ck_assert_uint_ne(at.at_off_tgid, 0);
	/* arg5: ip = ctx[0] when cs = ctx[1] is kernel mode; arg6: the same for user */
	at.at_args[5] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_PC_KERNEL, .as_off = 0,
	    .as_deref = 8 };
	at.at_args[6] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_PC_USER, .as_off = 0,
	    .as_deref = 8 };
	/* arg7: a two-level read through a bad pointer, 0 on fault */
	at.at_args[7] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX_DEREF2, .as_size = 4,
	    .as_off = 16, .as_deref = 8, .as_deref2 = 4, .as_zero_on_fault = true };
	/* arg8: exit reason of a bad task pointer read as 0: CLD_EXITED */
	at.at_args[8] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_EXIT_REASON, .as_size = 4,
	    .as_off = 16, .as_zero_on_fault = true };
	ck_assert_msg(dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)) == 0,
	    "%s", err);
	fire(idx, 0x1234, 3, 8);
	fire(idx, 0x5678, 0x10, 8);
	clock_gettime(CLOCK_REALTIME, &now);
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(u64_at(&recs[0], 0), (uint64_t)getppid());
	ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	ck_assert_uint_le(u64_at(&recs[0], 8), ns);
	ck_assert_uint_ge(u64_at(&recs[0], 8), ns - 5000000000ull);
	ck_assert_uint_eq(u64_at(&recs[0], 16), 0);		/* cs 3: user */
	ck_assert_uint_eq(u64_at(&recs[0], 24), 0x1234);
	ck_assert_uint_eq(u64_at(&recs[1], 16), 0x5678);	/* cs 0x10: kernel */
	ck_assert_uint_eq(u64_at(&recs[1], 24), 0);
	ck_assert_uint_eq(u64_at(&recs[0], 32), 0);
	ck_assert_uint_eq(u64_at(&recs[0], 40), 1);
}
END_TEST

/* ASSERTION: a perf-event clause program samples this process with user-mode PCs. */
START_TEST(perf_event_program)
{
	struct dif_difo u = difo((const dif_instr_t[]){ LDGS(DIF_VAR_ARG0, 1), RET(1) }, 2,
	    NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &u,
	    .size = 8 };
	struct dbpf_clause cl = { .epid = 1, .what = "profile:::profile-1000",
	    .steps = &st, .nsteps = 1, .datasize = 8, .records = true };
	struct dbpf_attach at;
	struct perf_event_attr pa;
	struct dbpf_counts cnt;
	struct timespec t0, t1;
	volatile uint64_t spin = 0;
	int idx, fd;

	memset(&at, 0, sizeof(at));
	at.at_ctx = DBPF_CTX_PERF_EVENT;
	/* bpf_perf_event_data starts with pt_regs: ip at 128, cs at 136 (x86-64) */
	at.at_args[0] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_PC_USER,
	    .as_off = (uint16_t)offsetof(struct pt_regs, rip),
	    .as_deref = (int32_t)offsetof(struct pt_regs, cs) };
	ck_assert_msg(dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)) == 0,
	    "%s", err);
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_SOFTWARE;
	pa.size = sizeof(pa);
	pa.config = PERF_COUNT_SW_TASK_CLOCK;
	pa.sample_period = 1000000;	/* 1 ms of this task's CPU time */
	fd = (int)syscall(SYS_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, PERF_EVENT_IOC_SET_BPF, dbpf_set__prog_fd(set, idx)), 0);
	ck_assert_int_eq(dbpf_set__adopt_fd(set, fd), 0);
	ck_assert_int_eq(ioctl(fd, PERF_EVENT_IOC_ENABLE, 0), 0);
	/* 100 ms of this thread's CPU time (a loaded machine gives it less per
	 * wall-clock second), at most 10 s of waiting */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (int guard = 0; guard < 100000; guard++) {
		for (int i = 0; i < 100000; i++)
			spin += (uint64_t)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		if ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) >=
		    100000000L)
			break;
	}
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	ck_assert_int_eq(dbpf_set__counts(set, &cnt), 0);
	ck_assert_uint_ge(cnt.dc_firings, 10);
	drain();
	ck_assert_int_ge(nrecs, 10);
	{
		int user = 0;

		for (int i = 0; i < nrecs; i++)
			user += u64_at(&recs[i], 0) != 0;
		/* the spin loop runs in user mode; on a loaded machine many samples
		 * land in the kernel (preemption, interrupts), so a quarter will do */
		ck_assert_int_ge(user, nrecs / 4);
	}
}
END_TEST

/* ASSERTION: allocs gives zeroed scratch; stores and copys land there; stores elsewhere fault. */
START_TEST(scratch_memory)
{
	/* p = alloca(16); p[0..8) = arg0 (stx); copys 8 bytes of "hello" to p + 8;
	 * ret p (recorded by reference, 16 bytes) */
	static const uint64_t ints[] = { 16, 8, 6 };
	static const dif_instr_t mem[] = {
		SETX(0, 1), DIF_INSTR_FMT(DIF_OP_ALLOCS, 1, 0, 2),
		LDGS(DIF_VAR_ARG0, 3), DIF_INSTR_FMT(DIF_OP_STX, 3, 0, 2),
		SETX(1, 4), DIF_INSTR_FMT(DIF_OP_ADD, 2, 4, 5),
		SETS(0, 6), SETX(2, 7), DIF_INSTR_FMT(DIF_OP_COPYS, 6, 7, 5),
		RET(2)
	};
	/* a store through arg1 (not scratch) */
	static const dif_instr_t bad[] = {
		LDGS(DIF_VAR_ARG1, 1), DIF_INSTR_FMT(DIF_OP_STB, 1, 0, 1), RET(0)
	};
	struct dif_difo m = difo(mem, LEN(mem), ints, 3, strs, sizeof(strs), NULL, 0);
	struct dif_difo b = difo(bad, LEN(bad), NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st[] = {
		{ .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &m, .off = 0, .size = 16,
		  .byref = true },
		{ .kind = DBPF_STEP_VOID, .actndx = 2, .difo = &b },
	};
	struct dbpf_clause cl = { .epid = 1, .what = "m", .steps = st, .nsteps = 2,
	    .datasize = 16, .records = true };
	int idx = add(&cl, 1);

	fire(idx, 0x0123456789abcdefull, 0x1000, 0);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].epid, ERROR_EPID);	/* the bad store */
	ck_assert_uint_eq(u64_at(&recs[0], 8), 2);
	ck_assert_uint_eq(u64_at(&recs[0], 16), 4);
	ck_assert_uint_eq(u64_at(&recs[0], 24), DIF_FAULT_BADADDR);
	ck_assert_uint_eq(u64_at(&recs[0], 32), 0x1000);
	st[1].kind = DBPF_STEP_RECORD;	/* now just the memory record */
	cl.nsteps = 1;
	idx = add(&cl, 1);
	fire(idx, 0x0123456789abcdefull, 0, 0);
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 0x0123456789abcdefull);
	ck_assert_str_eq((char *)recs[0].data + 8, "hello");
}
END_TEST

/* ASSERTION: alloca gives scratch that bcopy fills; too big or outside scratch faults. */
START_TEST(alloca_bcopy)
{
	/* p = alloca(16); bcopy(arg4, p, 8); ret p */
	static const uint64_t k[] = { 16, 8, 5000 };
	static const dif_instr_t prog[] = {
		SETX(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_ALLOCA, 2),
		DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0),
		LDGS(DIF_VAR_ARG0, 3), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 3),
		DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 2),
		LDGS(DIF_VAR_ARG1, 4), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 4),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_BCOPY, 5),
		RET(2)
	};
	struct dif_difo d = difo(prog, LEN(prog), k, LEN(k), NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &d,
	    .size = 8, .byref = true };
	struct dbpf_clause cl = { .epid = 1, .what = "a", .steps = &st, .nsteps = 1,
	    .datasize = 8, .records = true };
	static const uint64_t src = 0x0807060504030201ull;
	int idx = add(&cl, 1);

	/* copying from user memory through bcopy (a kernel read) faults */
	fire(idx, (uint64_t)(uintptr_t)&src, 8, 0);
	fire(idx, 0, 5000, 0);	/* too big */
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].epid, ERROR_EPID);
	ck_assert_uint_eq(u64_at(&recs[0], 24), DIF_FAULT_BADADDR);
	ck_assert_uint_eq(u64_at(&recs[0], 32), (uint64_t)(uintptr_t)&src);
	ck_assert_uint_eq(recs[1].epid, ERROR_EPID);
	ck_assert_uint_eq(u64_at(&recs[1], 24), DIF_FAULT_NOSCRATCH);
	ck_assert_uint_eq(u64_at(&recs[1], 32), 5000);
	/* from kernel memory (a constant string in scratch) it copies */
	{
		static const dif_instr_t cp[] = {
			SETX(0, 1), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
			DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_ALLOCA, 2),
			DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0),
			SETS(0, 3), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 3),
			DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 2),
			SETX(1, 4), DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 4),
			DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_BCOPY, 5),
			RET(2)
		};
		struct dif_difo e = difo(cp, LEN(cp), k, LEN(k), strs, sizeof(strs), NULL, 0);

		st.difo = &e;
		idx = add(&cl, 1);
		fire(idx, 0, 0, 0);
		drain();
		ck_assert_int_eq(nrecs, 1);
		ck_assert_int_eq(memcmp(recs[0].data, "hello\0ab", 8), 0);
	}
}
END_TEST

/* ASSERTION: speculation() hands out buffers; speculative records appear only on commit, never after discard. */
START_TEST(speculations)
{
	static const dif_instr_t spec[] = {
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_SPECULATION, 1),
		DIF_INSTR_IMM16(DIF_OP_STGS, 0x500, 1), RET(1)
	};
	static const dif_instr_t gid[] = { DIF_INSTR_IMM16(DIF_OP_LDGS, 0x500, 1), RET(1) };
	static const struct dif_var vars[] = {
		{ .dtdv_name = 0, .dtdv_id = 0x500, .dtdv_kind = DIFV_KIND_SCALAR,
		  .dtdv_scope = DIFV_SCOPE_GLOBAL, .dtdv_type = { .dtdt_size = 8 } },
	};
	struct dif_difo sp = difo(spec, LEN(spec), NULL, 0, vnames, sizeof(vnames), vars, 1);
	struct dif_difo g = difo(gid, LEN(gid), NULL, 0, vnames, sizeof(vnames), vars, 1);
	struct dif_difo v = difo(retarg1, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo p0 = difo(retarg0, 2, NULL, 0, NULL, 0, NULL, 0);
	/* arg0 == 1: g = speculation(); 2: speculate(g) + record arg1;
	 * 3: commit(g); 4: discard(g) */
	static const uint64_t n[] = { 1, 2, 3, 4 };
	static const dif_instr_t is[4][7] = {	/* arg0 == n[k] */
#define IS(k) { LDGS(DIF_VAR_ARG0, 1), SETX(k, 2), DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0), \
	DIF_INSTR_BRANCH(DIF_OP_BNE, 6), SETX(0, 3), RET(3), RET(0) }
		IS(0), IS(1), IS(2), IS(3)
	};
	struct dif_difo pred[4];
	struct dbpf_step s1 = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &sp, .size = 8 };
	struct dbpf_step s2[] = {
		{ .kind = DBPF_STEP_SPECULATE, .actndx = 1, .difo = &g },
		{ .kind = DBPF_STEP_RECORD, .actndx = 2, .difo = &v, .size = 8 },
	};
	struct dbpf_step s3 = { .kind = DBPF_STEP_COMMIT, .actndx = 1, .difo = &g };
	struct dbpf_step s4 = { .kind = DBPF_STEP_DISCARD, .actndx = 1, .difo = &g };
	struct dbpf_clause cl[4];
	struct dbpf_counts cnt;
	int idx;

	(void)p0;
	for (int i = 0; i < 4; i++)
		pred[i] = difo(is[i], 7, n, 4, NULL, 0, NULL, 0);
	memset(cl, 0, sizeof(cl));
	cl[0] = (struct dbpf_clause){ .epid = 1, .what = "a", .pred = &pred[0], .steps = &s1,
	    .nsteps = 1, .datasize = 8, .records = true };
	cl[1] = (struct dbpf_clause){ .epid = 2, .what = "b", .pred = &pred[1], .steps = s2,
	    .nsteps = 2, .datasize = 8, .records = true };
	cl[2] = (struct dbpf_clause){ .epid = 3, .what = "c", .pred = &pred[2], .steps = &s3,
	    .nsteps = 1 };
	cl[3] = (struct dbpf_clause){ .epid = 4, .what = "d", .pred = &pred[3], .steps = &s4,
	    .nsteps = 1 };
	idx = add(cl, 4);
	fire(idx, 1, 0, 0);	/* speculation() = 1 */
	fire(idx, 1, 0, 0);	/* none left (nspec 1): 0, specbusy */
	fire(idx, 2, 11, 0);	/* g is 0 now: record dropped, not counted */
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 1);
	ck_assert_uint_eq(u64_at(&recs[1], 0), 0);
	ck_assert_int_eq(dbpf_set__global_set(set, 0x500, &(uint64_t){ 1 }, 8), 0);
	fire(idx, 2, 11, 0);
	fire(idx, 2, 12, 0);
	drain();
	ck_assert_int_eq(nrecs, 0);	/* held back */
	fire(idx, 3, 0, 0);	/* commit: both appear, in order */
	drain();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].epid, 2);
	ck_assert_uint_eq(u64_at(&recs[0], 0), 11);
	ck_assert_uint_eq(u64_at(&recs[1], 0), 12);
	fire(idx, 2, 13, 0);	/* inactive again: counted busy */
	fire(idx, 1, 0, 0);	/* reallocated: 1 */
	fire(idx, 2, 14, 0);
	fire(idx, 4, 0, 0);	/* discard */
	fire(idx, 3, 0, 0);	/* commit of an inactive buffer: nothing */
	drain();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].epid, 1);
	ck_assert_int_eq(dbpf_set__counts(set, &cnt), 0);
	ck_assert_uint_eq(cnt.dc_specbusy, 2);
	ck_assert_uint_eq(cnt.dc_specdrops, 0);
}
END_TEST

/* ASSERTION: invalid DIF, untranslatable DIF and verifier rejections fail with the clause named. */
START_TEST(errors_name_the_clause)
{
	static const dif_instr_t backward[] = { DIF_INSTR_BRANCH(DIF_OP_BA, 0), RET(0) };
	static const dif_instr_t rnd[] = { DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_CLEANPATH, 1), RET(1) };
	struct dif_difo a = difo(backward, 2, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo b = difo(rnd, 2, NULL, 0, NULL, 0, NULL, 0);
	static const dif_instr_t ctx[] = { DIF_INSTR_NOP, LDGS(DIF_VAR_ARG5, 1), RET(1) };
	struct dif_difo c = difo(ret0, 1, NULL, 0, NULL, 0, NULL, 0);
	struct dif_difo d = difo(ctx, 3, NULL, 0, NULL, 0, NULL, 0);
	struct dbpf_step st = { .kind = DBPF_STEP_RECORD, .actndx = 3, .difo = &a, .size = 8 };
	struct dbpf_clause cl = { .epid = 12, .what = "test:::bad", .steps = &st,
	    .nsteps = 1, .datasize = 8, .records = true };
	struct dbpf_attach at = attach();
	int idx;

	ck_assert_int_eq(dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)),
	    -EINVAL);
	ck_assert_msg(strstr(err, "epid 12 (test:::bad) action 3: invalid DIF") != NULL,
	    "%s", err);
	st.difo = &b;
	ck_assert_int_eq(dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)),
	    -EINVAL);
	ck_assert_msg(strstr(err, "epid 12 (test:::bad): pc 0: subroutine 27 is not "
	    "translated") != NULL, "%s", err);
	/* a context read the verifier refuses: the message names the DIF pc */
	st.difo = &d;
	st.actndx = 4;
	at.at_args[5] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8,
	    .as_off = 4000 };
	ck_assert_int_eq(dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)),
	    -EACCES);
	ck_assert_msg(strstr(err, "epid 12 (test:::bad) action 4 DIF pc 1: verifier "
	    "rejected BPF insn") != NULL, "%s", err);
	(void)c;
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dbpf_clause");
	SRunner *sr;
	int nf;

	skip_without_bpf();
#define T(fn) do { TCase *tc = tcase_create(#fn); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, 60); \
	tcase_add_test(tc, fn); suite_add_tcase(s, tc); } while (0)
	T(record_by_value);
	T(exit_state);
	T(predicates_and_order);
	T(fault_error_record);
	T(record_strings);
	T(record_bad_string);
	T(string_subroutines);
	T(more_subroutines);
	T(addrperm);
	T(string_functions);
	T(aggregations);
	T(stacks);
	T(variables);
	T(assoc_and_string_vars);
	T(shared_state);
	T(builtins_and_args);
	T(task_clock_and_arg_kinds);
	T(perf_event_program);
	T(scratch_memory);
	T(alloca_bcopy);
	T(speculations);
	T(errors_name_the_clause);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
