/*
 * check_dbpf_strings.c — the string subroutines that run in BPF through
 * kernel string kfuncs or bounded loops (strstr, index, rindex, strtok,
 * basename, dirname, inet_ntoa), checked differentially: every input runs
 * through the DIF emulator (runtime-kernel/dvm_subr.c, the engine's
 * semantics) and through the translated clause in the kernel
 * (BPF_PROG_TEST_RUN), and the two results must be equal.  The same
 * programs are loaded with strsize 256 and 1024 to show that the verifier
 * accepts them at those sizes.  Exits 77 without BPF.
 *
 * Each program reads its strings from this process with copyinstr(arg0),
 * copyinstr(arg1), so both sides search the same bytes; an optional start
 * position is arg2.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>

#include "common.h"
#include "dbpf_clause.h"
#include "dbpf_impl.h"
#include "dbpf_set_impl.h"
#include "dvm_emul.h"
#include "dvm_validate.h"
#include "dvm_var.h"

#define ERROR_EPID	99
#define LEN(a)		((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define RET(r)		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, r)
#define SETX(i, r)	DIF_INSTR_IMM16(DIF_OP_SETX, i, r)
#define SETS(o, r)	DIF_INSTR_IMM16(DIF_OP_SETS, o, r)
#define LDGS(v, r)	DIF_INSTR_IMM16(DIF_OP_LDGS, v, r)
#define FLUSH		DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0)
#define PUSHS(r)	DIF_INSTR_FMT(DIF_OP_PUSHTR, DIF_TYPE_STRING, 0, r)
#define PUSHV(r)	DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, r)
#define SUBR(s, r)	DIF_INSTR_IMM16(DIF_OP_CALL, s, r)
/* %r<r> = copyinstr(arg<n>) */
#define CINSTR(n, r)	LDGS(DIF_VAR_ARG0 + (n), r), FLUSH, PUSHV(r), \
			SUBR(DIF_SUBR_COPYINSTR, r)

static const char nulls[] = "<null>";	/* string table: a NULL result */

/* ---- The emulator's side -------------------------------------------------- */

static uint8_t arena[1 << 16] __attribute__((aligned(8)));
static size_t arena_used;

static int em_load(void *ctx, enum dvm_space sp, uint64_t a, unsigned n, uint64_t *v)
{
	(void)ctx; (void)sp;
	*v = 0;
	if (a < 4096)
		return DIF_FAULT_BADADDR;
	memcpy(v, (const void *)(uintptr_t)a, n);
	return 0;
}

static int em_store(void *ctx, uint64_t a, unsigned n, uint64_t v)
{
	(void)ctx;
	if (a < (uintptr_t)arena || a + n > (uintptr_t)arena + sizeof(arena))
		return DIF_FAULT_BADADDR;
	memcpy((void *)(uintptr_t)a, &v, n);
	return 0;
}

static uint64_t em_scratch(void *ctx, uint64_t n)
{
	uint64_t need = (n + 7) & ~7ull;

	(void)ctx;
	if (n > sizeof(arena) || arena_used + need > sizeof(arena))
		return 0;
	memset(arena + arena_used, 0, need);
	arena_used += need;
	return (uint64_t)(uintptr_t)(arena + arena_used - need);
}

static uint64_t em_args[3];

static int em_builtin(void *ctx, uint32_t id, uint64_t ndx, uint64_t *v)
{
	(void)ctx; (void)ndx;
	if (id >= DIF_VAR_ARG0 && id <= DIF_VAR_ARG0 + 2) {
		*v = em_args[id - DIF_VAR_ARG0];
		return 0;
	}
	return DIF_FAULT_ILLOP;
}

static const struct dvm_platform em_plat = { .dp_load = em_load,
	.dp_store = em_store, .dp_scratch = em_scratch, .dp_builtin = em_builtin };

/* What one step gave: a string (or "<null>"), or an integer. */
struct out {
	bool	faulted;
	char	str[1100];
	int64_t	val;
	uint64_t fault, pc4, addr;	/* a fault: code, DIF pc * 4, address */
};

/* Run the DIFOs of one clause in order over one state (strtok goes on). */
static void emulate(const struct dif_difo *d, uint32_t n, bool str, uint32_t strsize,
    struct out *o)
{
	struct dvm_vstate vs;
	struct dvm_mstate ms;

	memset(&vs, 0, sizeof(vs));
	arena_used = 0;
	dvm_mstate__init(&ms, &em_plat, NULL);
	ms.dms_vars = &vs;
	ms.dms_strsize = strsize;
	for (uint32_t i = 0; i < n; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		ck_assert_int_eq(dvm_difo__validate(&d[i], NULL, NULL, 0), 0);
		if (dvm_difo__emulate(&d[i], &ms) != 0) {
			o[i].faulted = true;
			o[i].fault = ms.dms_fault;
			o[i].pc4 = (uint64_t)ms.dms_fault_pc * 4;
			o[i].addr = ms.dms_illval;
			continue;
		}
		if (str)
			snprintf(o[i].str, sizeof(o[i].str), "%s",
			    (const char *)(uintptr_t)ms.dms_result);
		else
			o[i].val = (int64_t)ms.dms_result;
	}
}

/* ---- The kernel's side ----------------------------------------------------- */

static struct dbpf_set *set;
static bool raw_args;	/* the arguments are bytes, not strings */
static char err[512];
static struct out got[8];
static int ngot;
static uint32_t cur_strsize;
static uint32_t cur_nsteps;
static bool cur_str;

static int collect(void *arg, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t epid, size;

	(void)arg;
	ck_assert_uint_ge(n, 16);
	memcpy(&epid, b, 4);
	memcpy(&size, b + 4, 4);
	ck_assert_int_lt(ngot, 8);
	memset(&got[ngot], 0, sizeof(got[ngot]));
	if (epid == ERROR_EPID) {
		ck_assert_uint_ge(n, 16 + 40);
		got[ngot].faulted = true;
		memcpy(&got[ngot].pc4, b + 16 + 16, 8);
		memcpy(&got[ngot].fault, b + 16 + 24, 8);
		memcpy(&got[ngot].addr, b + 16 + 32, 8);
		ngot++;
		return 0;
	}
	ck_assert_uint_eq(epid, 1);
	for (uint32_t i = 0; i < cur_nsteps; i++) {
		struct out *o = &got[ngot + i];

		memset(o, 0, sizeof(*o));
		if (cur_str)
			snprintf(o->str, sizeof(o->str), "%.*s", (int)cur_strsize,
			    (const char *)b + 16 + i * (cur_strsize + 8));
		else
			memcpy(&o->val, b + 16 + i * 8, 8);
	}
	ngot += (int)cur_nsteps;
	return 0;
}

static void open_set(uint32_t strsize)
{
	struct dbpf_set_opts o = { .so_strsize = strsize, .so_error_epid = ERROR_EPID };

	ck_assert_msg(dbpf_set__new(&o, &set, err, sizeof(err)) == 0, "%s", err);
	cur_strsize = strsize;
}

static void setup(void)
{
	raw_args = false;
	prctl(PR_SET_NAME, "dbpf-strings", 0, 0, 0);
}

static void teardown(void)
{
	dbpf_set__free(set);
	set = NULL;
}

static struct dbpf_attach attach(void)
{
	struct dbpf_attach at;

	memset(&at, 0, sizeof(at));
	at.at_ctx = DBPF_CTX_RAW_TP;
	for (int i = 0; i < 3; i++)
		at.at_args[i] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX,
		    .as_size = 8, .as_off = (uint32_t)(8 * i) };
	at.at_probe_id = 1;
	at.at_prov = "test";
	at.at_mod = "";
	at.at_func = "fn";
	at.at_name = "fire";
	return at;
}

/* One clause recording the result of each DIFO; the program's index. */
static int load(struct dif_difo *d, uint32_t n, bool str)
{
	static struct dbpf_step st[8];
	struct dbpf_clause cl;
	struct dbpf_attach at = attach();
	uint32_t w = str ? cur_strsize + 8 : 8;
	int idx = -1;

	for (uint32_t i = 0; i < n; i++)
		st[i] = (struct dbpf_step){ .kind = DBPF_STEP_RECORD,
		    .actndx = i + 1, .difo = &d[i], .off = i * w,
		    .size = str ? cur_strsize + 1 : 8, .byref = str, .string = str };
	cl = (struct dbpf_clause){ .epid = 1, .what = "strings", .steps = st,
	    .nsteps = n, .datasize = n * w, .records = true };
	ck_assert_msg(dbpf_set__add_probe(set, &at, &cl, 1, &idx, err, sizeof(err)) == 0,
	    "%s", err);
	cur_nsteps = n;
	cur_str = str;
	return idx;
}

/* An argument for a message: a short quoted string, or a number. */
static void show(const char *p, char *buf)
{
	if ((uintptr_t)p < 4096 || raw_args)
		snprintf(buf, 48, "%#lx", (unsigned long)(uintptr_t)p);
	else
		snprintf(buf, 48, "\"%.40s\"", p);
}

/* Run one input through both and compare every step. */
static void both(int idx, struct dif_difo *d, uint32_t n, const char *what,
    const char *s, const char *t, int64_t start)
{
	struct out want[8];
	uint64_t args[3] = { (uint64_t)(uintptr_t)s, (uint64_t)(uintptr_t)t,
		(uint64_t)start };
	uint32_t ret = 99;
	char ss[48], ts[48];

	show(s, ss);
	show(t, ts);
	memcpy(em_args, args, sizeof(args));
	emulate(d, n, cur_str, cur_strsize, want);
	ngot = 0;
	ck_assert_int_eq(dbpf_set__test_run(set, idx, args, 3, &ret), 0);
	ck_assert_int_ge(dbpf_set__poll(set, 0, collect, NULL), 0);
	if (want[0].faulted) {
		ck_assert_msg(ngot == 1 && got[0].faulted, "%s(%s, %s, %lld): "
		    "the emulator faults, BPF does not", what, ss, ts, (long long)start);
		ck_assert_msg(got[0].fault == want[0].fault && got[0].pc4 == want[0].pc4 &&
		    got[0].addr == want[0].addr, "%s: emulator fault %llu at %llu addr "
		    "%#llx, BPF fault %llu at %llu addr %#llx", what,
		    (unsigned long long)want[0].fault, (unsigned long long)want[0].pc4,
		    (unsigned long long)want[0].addr, (unsigned long long)got[0].fault,
		    (unsigned long long)got[0].pc4, (unsigned long long)got[0].addr);
		return;
	}
	ck_assert_msg(ngot == (int)n && !got[0].faulted, "%s(%s, %s, %lld): "
	    "%d records, fault %d", what, ss, ts, (long long)start, ngot, got[0].faulted);
	for (uint32_t i = 0; i < n; i++) {
		if (cur_str)
			ck_assert_msg(strcmp(want[i].str, got[i].str) == 0,
			    "%s(%s, %s, %lld) step %u: emulator \"%s\", BPF \"%s\"",
			    what, ss, ts, (long long)start, i, want[i].str, got[i].str);
		else
			ck_assert_msg(want[i].val == got[i].val,
			    "%s(%s, %s, %lld): emulator %lld, BPF %lld", what, ss,
			    ts, (long long)start, (long long)want[i].val,
			    (long long)got[i].val);
	}
}

static struct dif_difo difo(const dif_instr_t *buf, uint32_t len)
{
	struct dif_difo d = difo_of(buf, len, NULL, 0);

	d.dtdo_strtab = nulls;
	d.dtdo_strlen = sizeof(nulls);
	return d;
}

/* ---- Inputs ------------------------------------------------------------------ */

static char longs[1100], longt[40];

static const char *strs[] = {
	"", "a", "abc", "abcabc", "hello world", "mississippi", "aaaa", "/usr/lib/libc.so",
	"/", "//", "///a//b//", "a/", "a//b", "foo/bar/", "..", "/x", "x/", "a,b,,c", ",,,",
	" x  y ", ",lead", "trail,", longs,
};
static const char *pats[] = {
	"", "a", "b", "abc", "ss", "issi", "/", ",", "zz", "aa", ", ", "ssi", "c", longt,
};
static const int64_t starts[] = { -100, -5, -1, 0, 1, 2, 3, 5, 10, 11, 12, 100 };

static void fill_long(void)
{
	for (size_t i = 0; i < sizeof(longs) - 1; i++)
		longs[i] = "ab/c,"[i % 5];
	longs[sizeof(longs) - 1] = 0;
	memcpy(longt, longs + 1030, sizeof(longt) - 1);	/* beyond strsize 1024 */
	longt[sizeof(longt) - 1] = 0;
}

/* ---- Programs ---------------------------------------------------------------- */

/* strstr(s, t) as an offset into s, or -1 */
static const dif_instr_t p_strstr[] = {
	CINSTR(0, 1), CINSTR(1, 2), FLUSH, PUSHS(1), PUSHS(2),
	SUBR(DIF_SUBR_STRSTR, 3),
	DIF_INSTR_FMT(DIF_OP_TST, 3, 0, 0), DIF_INSTR_BRANCH(DIF_OP_BNE, 16),
	SETX(0, 4), RET(4),
	DIF_INSTR_FMT(DIF_OP_SUB, 3, 1, 4), RET(4)
};
static const uint64_t minus1[] = { (uint64_t)-1 };
#define SEARCH2(subr) { CINSTR(0, 1), CINSTR(1, 2), FLUSH, PUSHS(1), PUSHS(2), \
	SUBR(subr, 3), RET(3) }
#define SEARCH3(subr) { CINSTR(0, 1), CINSTR(1, 2), LDGS(DIF_VAR_ARG2, 5), FLUSH, \
	PUSHS(1), PUSHS(2), PUSHV(5), SUBR(subr, 3), RET(3) }
static const dif_instr_t p_index2[] = SEARCH2(DIF_SUBR_INDEX);
static const dif_instr_t p_index3[] = SEARCH3(DIF_SUBR_INDEX);
static const dif_instr_t p_rindex2[] = SEARCH2(DIF_SUBR_RINDEX);
static const dif_instr_t p_rindex3[] = SEARCH3(DIF_SUBR_RINDEX);
#define PATH(subr) { CINSTR(0, 1), FLUSH, PUSHS(1), SUBR(subr, 2), RET(2) }
static const dif_instr_t p_basename[] = PATH(DIF_SUBR_BASENAME);
static const dif_instr_t p_dirname[] = PATH(DIF_SUBR_DIRNAME);
/* strtok(copyinstr(arg0), delims), then strtok(NULL, delims) x3; NULL -> "<null>" */
static const dif_instr_t p_tok1[] = {
	CINSTR(0, 1), CINSTR(1, 2), FLUSH, PUSHS(1), PUSHS(2),
	SUBR(DIF_SUBR_STRTOK, 3),
	DIF_INSTR_FMT(DIF_OP_TST, 3, 0, 0), DIF_INSTR_BRANCH(DIF_OP_BNE, 15),
	SETS(0, 3), RET(3)
};
static const dif_instr_t p_tokn[] = {
	CINSTR(1, 2), FLUSH, PUSHV(0), PUSHS(2),
	SUBR(DIF_SUBR_STRTOK, 3),
	DIF_INSTR_FMT(DIF_OP_TST, 3, 0, 0), DIF_INSTR_BRANCH(DIF_OP_BNE, 11),
	SETS(0, 3), RET(3)
};
/* inet_ntoa(copyin(arg0, 4)) */
static const uint64_t four[] = { 4 };
static const dif_instr_t p_ntoa[] = {
	LDGS(DIF_VAR_ARG0, 1), SETX(0, 2), FLUSH, PUSHV(1), PUSHV(2),
	SUBR(DIF_SUBR_COPYIN, 3), FLUSH, PUSHV(3), SUBR(DIF_SUBR_INET_NTOA, 4), RET(4)
};

/* subr(arg0, arg1 [, arg2]) with no copyinstr: the addresses as given */
#define RAW2(subr) { LDGS(DIF_VAR_ARG0, 1), LDGS(DIF_VAR_ARG1, 2), FLUSH, PUSHS(1), \
	PUSHS(2), SUBR(subr, 3), RET(3) }
#define RAW1(subr) { LDGS(DIF_VAR_ARG0, 1), FLUSH, PUSHS(1), SUBR(subr, 3), RET(3) }
static const dif_instr_t f_strstr[] = RAW2(DIF_SUBR_STRSTR);
static const dif_instr_t f_index[] = RAW2(DIF_SUBR_INDEX);
static const dif_instr_t f_rindex[] = RAW2(DIF_SUBR_RINDEX);
static const dif_instr_t f_strtok[] = RAW2(DIF_SUBR_STRTOK);
static const dif_instr_t f_basename[] = RAW1(DIF_SUBR_BASENAME);
static const dif_instr_t f_dirname[] = RAW1(DIF_SUBR_DIRNAME);
static const dif_instr_t f_ntoa[] = RAW1(DIF_SUBR_INET_NTOA);
static const dif_instr_t f_ntoa6[] = RAW1(DIF_SUBR_INET_NTOA6);

/* inet_ntoa6(copyin(arg0, 16)), inet_ntop(arg1, copyin(arg0, 16)) */
static const uint64_t sixteen[] = { 16 };
static const dif_instr_t p_ntoa6[] = {
	LDGS(DIF_VAR_ARG0, 1), SETX(0, 2), FLUSH, PUSHV(1), PUSHV(2),
	SUBR(DIF_SUBR_COPYIN, 3), FLUSH, PUSHV(3), SUBR(DIF_SUBR_INET_NTOA6, 4), RET(4)
};
static const dif_instr_t p_ntop[] = {
	LDGS(DIF_VAR_ARG0, 1), SETX(0, 2), FLUSH, PUSHV(1), PUSHV(2),
	SUBR(DIF_SUBR_COPYIN, 3), LDGS(DIF_VAR_ARG1, 5), FLUSH, PUSHV(5), PUSHV(3),
	SUBR(DIF_SUBR_INET_NTOP, 4), RET(4)
};
static const uint8_t v6[][16] = {
	{ 0 },
	{ [15] = 1 },
	{ 0, 1 },
	{ 0, 1, [15] = 1 },
	{ [10] = 0xff, 0xff, 1, 2, 3, 4 },
	{ [10] = 0xff, 0xff },
	{ [10] = 0xff, 0xfe, 1, 2, 3, 4 },
	{ [9] = 0xff, [10] = 0xff, 0xff, 1, 2, 3, 4 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{ 0xfe, 0x80, [9] = 1, 0, 2, 0, 3, 0, 4 },
	{ 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4 },
	{ 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 },
	{ 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 },
	{ 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xff, 0xff, 0x10, 0x00,
	  0x01, 0x00, 0x00, 0x10 },
	{ [12] = 0xff, 0xff, 0xff, 0xff },
	{ 0, 1, [14] = 0, 0 },
};

/* The older string subroutines, for the strsize check: strrchr(s, arg2)
 * as an offset, substr(s, arg2), toupper(s), strjoin(s, t) */
static const dif_instr_t p_strrchr[] = {
	CINSTR(0, 1), LDGS(DIF_VAR_ARG2, 5), FLUSH, PUSHS(1), PUSHV(5),
	SUBR(DIF_SUBR_STRRCHR, 3), DIF_INSTR_FMT(DIF_OP_SUB, 3, 1, 4), RET(4)
};
static const dif_instr_t p_substr[] = {
	CINSTR(0, 1), LDGS(DIF_VAR_ARG2, 5), FLUSH, PUSHS(1), PUSHV(5),
	SUBR(DIF_SUBR_SUBSTR, 3), RET(3)
};
static const dif_instr_t p_toupper[] = PATH(DIF_SUBR_TOUPPER);
static const dif_instr_t p_strjoin[] = SEARCH2(DIF_SUBR_STRJOIN);

/* lltostr(arg2, arg1) */
static const dif_instr_t p_lltostr[] = {
	LDGS(DIF_VAR_ARG2, 1), LDGS(DIF_VAR_ARG1, 2), FLUSH, PUSHV(1), PUSHV(2),
	SUBR(DIF_SUBR_LLTOSTR, 3), RET(3)
};

/* strtoll(s), strtoll(s, arg2) */
static const dif_instr_t p_strtoll1[] = {
	CINSTR(0, 1), FLUSH, PUSHS(1), SUBR(DIF_SUBR_STRTOLL, 3), RET(3)
};
static const dif_instr_t p_strtoll2[] = {
	CINSTR(0, 1), LDGS(DIF_VAR_ARG2, 5), FLUSH, PUSHS(1), PUSHV(5),
	SUBR(DIF_SUBR_STRTOLL, 3), RET(3)
};

/* r2 = alloca(16); copyinto(arg0, arg1, r2); ret *(u64 *)r2 */
static const uint64_t sixteen_eight[] = { 16, 8 };
static const dif_instr_t p_copyinto[] = {
	SETX(0, 1), FLUSH, PUSHV(1), SUBR(DIF_SUBR_ALLOCA, 2),
	LDGS(DIF_VAR_ARG0, 3), LDGS(DIF_VAR_ARG1, 4), FLUSH, PUSHV(3), PUSHV(4), PUSHV(2),
	SUBR(DIF_SUBR_COPYINTO, 5), DIF_INSTR_FMT(DIF_OP_LDX, 2, 0, 6), RET(6)
};

/* memstr(copyin(arg0, 16), arg1, arg2) */
static const dif_instr_t p_memstr[] = {
	LDGS(DIF_VAR_ARG0, 1), SETX(0, 2), FLUSH, PUSHV(1), PUSHV(2),
	SUBR(DIF_SUBR_COPYIN, 3), LDGS(DIF_VAR_ARG1, 4), LDGS(DIF_VAR_ARG2, 5), FLUSH,
	PUSHV(3), PUSHV(4), PUSHV(5), SUBR(DIF_SUBR_MEMSTR, 6), RET(6)
};

static void run_search(const dif_instr_t *p, uint32_t len, const char *what, bool with_start)
{
	struct dif_difo d = difo(p, len);
	int idx;

	d.dtdo_inttab = minus1;
	d.dtdo_intlen = 1;
	idx = load(&d, 1, false);
	for (uint32_t i = 0; i < LEN(strs); i++)
		for (uint32_t j = 0; j < LEN(pats); j++) {
			if (!with_start) {
				both(idx, &d, 1, what, strs[i], pats[j], 0);
				continue;
			}
			for (uint32_t k = 0; k < LEN(starts); k++)
				both(idx, &d, 1, what, strs[i], pats[j], starts[k]);
		}
}

/* ASSERTION: strstr gives the emulator's match offset (or none) for every string pair. */
START_TEST(strstr_matches_engine)
{
	fill_long();
	open_set(64);
	run_search(p_strstr, LEN(p_strstr), "strstr", false);
}
END_TEST

/* ASSERTION: index(s, t) and index(s, t, start) give the emulator's positions, including negative and past-the-end starts. */
START_TEST(index_matches_engine)
{
	fill_long();
	open_set(64);
	run_search(p_index2, LEN(p_index2), "index", false);
	run_search(p_index3, LEN(p_index3), "index", true);
}
END_TEST

/* ASSERTION: rindex(s, t) and rindex(s, t, start) give the emulator's positions, including negative and past-the-end starts. */
START_TEST(rindex_matches_engine)
{
	fill_long();
	open_set(64);
	run_search(p_rindex2, LEN(p_rindex2), "rindex", false);
	run_search(p_rindex3, LEN(p_rindex3), "rindex", true);
}
END_TEST

/* ASSERTION: basename and dirname give the emulator's strings for plain, rooted, slash-only and trailing-slash paths. */
START_TEST(paths_match_engine)
{
	struct dif_difo b = difo(p_basename, LEN(p_basename));
	struct dif_difo d = difo(p_dirname, LEN(p_dirname));
	int ib, id;

	fill_long();
	open_set(64);
	ib = load(&b, 1, true);
	for (uint32_t i = 0; i < LEN(strs); i++)
		both(ib, &b, 1, "basename", strs[i], "", 0);
	id = load(&d, 1, true);
	for (uint32_t i = 0; i < LEN(strs); i++)
		both(id, &d, 1, "dirname", strs[i], "", 0);
}
END_TEST

/* ASSERTION: strtok and three strtok(NULL) calls in one clause give the emulator's tokens. */
START_TEST(strtok_matches_engine)
{
	struct dif_difo d[4];
	int idx;

	fill_long();
	open_set(64);
	d[0] = difo(p_tok1, LEN(p_tok1));
	for (int i = 1; i < 4; i++)
		d[i] = difo(p_tokn, LEN(p_tokn));
	idx = load(d, 4, true);
	for (uint32_t i = 0; i < LEN(strs); i++)
		for (uint32_t j = 0; j < LEN(pats); j++)
			both(idx, d, 4, "strtok", strs[i], pats[j], 0);
}
END_TEST

/* ASSERTION: inet_ntoa gives the emulator's dotted quad for edge bytes, and faults on a bad address. */
START_TEST(inet_ntoa_matches_engine)
{
	static const uint8_t addrs[][4] = {
		{ 0, 0, 0, 0 }, { 127, 0, 0, 1 }, { 255, 255, 255, 255 }, { 10, 9, 99, 100 },
		{ 192, 168, 1, 254 }, { 1, 20, 200, 0 },
	};
	struct dif_difo d = difo(p_ntoa, LEN(p_ntoa));
	int idx;

	raw_args = true;
	d.dtdo_inttab = four;
	d.dtdo_intlen = 1;
	for (uint32_t z = 0; z < 2; z++) {
		open_set(z == 0 ? 64 : 8);	/* 8: truncated like the engine */
		idx = load(&d, 1, true);
		for (uint32_t i = 0; i < LEN(addrs); i++)
			both(idx, &d, 1, "inet_ntoa", (const char *)addrs[i], "", 0);
		dbpf_set__free(set);
		set = NULL;
	}
}
END_TEST

/* ASSERTION: inet_ntoa6 and inet_ntop (AF_INET, both AF_INET6 values, and a bad family) give the emulator's text or fault. */
START_TEST(inet6_matches_engine)
{
	static const uint32_t sizes[] = { 64, 20 };	/* 20: truncated like the engine */
	static const int64_t afs[] = { 2, 10, 28, 3 };
	struct dif_difo a = difo(p_ntoa6, LEN(p_ntoa6));
	struct dif_difo p = difo(p_ntop, LEN(p_ntop));
	int ia, ip;

	raw_args = true;
	a.dtdo_inttab = p.dtdo_inttab = sixteen;
	a.dtdo_intlen = p.dtdo_intlen = 1;
	for (uint32_t z = 0; z < LEN(sizes); z++) {
		open_set(sizes[z]);
		ia = load(&a, 1, true);
		for (uint32_t i = 0; i < LEN(v6); i++) {
			static const char *known[LEN(v6)] = { "::", "::1", "1::", "1::1",
				"::ffff:1.2.3.4", [8] = "2001:db8::1", [11] = "1::2:0:0:3:4" };

			both(ia, &a, 1, "inet_ntoa6", (const char *)v6[i], "", 0);
			if (sizes[z] == 64 && known[i] != NULL)
				ck_assert_str_eq(got[0].str, known[i]);
		}
		ip = load(&p, 1, true);
		for (uint32_t i = 0; i < LEN(v6); i++)
			for (uint32_t f = 0; f < LEN(afs); f++)
				both(ip, &p, 1, "inet_ntop", (const char *)v6[i],
				    (const char *)(uintptr_t)afs[f], 0);
		dbpf_set__free(set);
		set = NULL;
	}
}
END_TEST

/* ASSERTION: lltostr gives the engine's text (sign in base 10, 0 and 0x prefixes, cut at strsize) and its ILLOP for a bad base. */
START_TEST(lltostr_matches_engine)
{
	static const int64_t vals[] = { 0, 1, -1, 7, 8, 255, -1234, 0x1234,
		INT64_MAX, INT64_MIN, 1000000007 };
	static const uint64_t bases[] = { 10, 2, 8, 16, 36, 3, 1, 37, 0 };
	static const uint32_t sizes[] = { 64, 8 };
	struct dif_difo d = difo(p_lltostr, LEN(p_lltostr));
	int idx;

	for (uint32_t z = 0; z < LEN(sizes); z++) {
		open_set(sizes[z]);
		idx = load(&d, 1, true);
		for (uint32_t i = 0; i < LEN(vals); i++)
			for (uint32_t b = 0; b < LEN(bases); b++)
				both(idx, &d, 1, "lltostr", "", (const char *)(uintptr_t)bases[b],
				    vals[i]);
		dbpf_set__free(set);
		set = NULL;
	}
}
END_TEST

/* ASSERTION: strtoll gives the engine's value (blanks, sign, 0x, junk, overflow wrap) in every base, and its ILLOP for a bad base. */
START_TEST(strtoll_matches_engine)
{
	static const char *in[] = { "123", "  -42", "\t+7", "0x1f", "0X1F", "1f", "zz",
		"-", "", "  ", "9223372036854775807", "99999999999999999999", "12abc",
		"+-3", "0x", "-0x10", "777", "  0x  ", "1010", "Zz9", " \t -8", "0x0x1" };
	static const int64_t bases[] = { 10, 16, 8, 2, 36, 1, 37 };
	struct dif_difo d1 = difo(p_strtoll1, LEN(p_strtoll1));
	struct dif_difo d2 = difo(p_strtoll2, LEN(p_strtoll2));
	int i1, i2;

	open_set(64);
	i1 = load(&d1, 1, false);
	i2 = load(&d2, 1, false);
	for (uint32_t i = 0; i < LEN(in); i++) {
		both(i1, &d1, 1, "strtoll", in[i], "", 0);
		for (uint32_t b = 0; b < LEN(bases); b++)
			both(i2, &d2, 1, "strtoll", in[i], "", bases[b]);
	}
}
END_TEST

/* ASSERTION: copyinto copies user bytes into alloca() memory as the engine does, and faults on a bad source. */
START_TEST(copyinto_matches_engine)
{
	static const uint64_t word = 0x1122334455667788ull;
	static const uint64_t sizes[] = { 8, 4, 1, 0 };
	struct dif_difo d = difo(p_copyinto, LEN(p_copyinto));
	int idx;

	raw_args = true;
	d.dtdo_inttab = sixteen_eight;
	d.dtdo_intlen = 2;
	open_set(64);
	idx = load(&d, 1, false);
	for (uint32_t i = 0; i < LEN(sizes); i++)
		both(idx, &d, 1, "copyinto", (const char *)&word,
		    (const char *)(uintptr_t)sizes[i], 0);
	ck_assert_int_eq(got[0].val, 0);	/* size 0: nothing copied */
	both(idx, &d, 1, "copyinto", (const char *)0x10, (const char *)8, 0);
	ck_assert(got[0].faulted);
}
END_TEST

/* ASSERTION: memstr gives the engine's string (NULs as the separator, cut at len and at strsize). */
START_TEST(memstr_matches_engine)
{
	static const char buf[16] = "ab\0cd\0\0e\0fghijkl";
	static const int64_t lens[] = { 0, 1, 3, 8, 9, 16 };
	static const uint32_t sizes[] = { 64, 6 };
	struct dif_difo d = difo(p_memstr, LEN(p_memstr));
	int idx;

	raw_args = true;
	d.dtdo_inttab = sixteen;
	d.dtdo_intlen = 1;
	for (uint32_t z = 0; z < LEN(sizes); z++) {
		open_set(sizes[z]);
		idx = load(&d, 1, true);
		for (uint32_t i = 0; i < LEN(lens); i++) {
			both(idx, &d, 1, "memstr", buf, (const char *)',', lens[i]);
			if (z == 0 && lens[i] == 9)
				ck_assert_str_eq(got[0].str, "ab,cd,,e,");
		}
		dbpf_set__free(set);
		set = NULL;
	}
}
END_TEST

/* ASSERTION: a bad string address faults BADADDR at the call's DIF pc with the emulator's address, in every new subroutine. */
START_TEST(bad_addresses_fault_like_engine)
{
	static const struct { const dif_instr_t *p; uint32_t len; const char *what; int two; } f[] = {
		{ f_strstr, LEN(f_strstr), "strstr", 1 }, { f_index, LEN(f_index), "index", 1 },
		{ f_rindex, LEN(f_rindex), "rindex", 1 }, { f_strtok, LEN(f_strtok), "strtok", 1 },
		{ f_basename, LEN(f_basename), "basename", 0 },
		{ f_dirname, LEN(f_dirname), "dirname", 0 },
		{ f_ntoa, LEN(f_ntoa), "inet_ntoa", 0 },
		{ f_ntoa6, LEN(f_ntoa6), "inet_ntoa6", 0 },
	};

	open_set(64);
	for (uint32_t i = 0; i < LEN(f); i++) {
		struct dif_difo d = difo(f[i].p, f[i].len);
		int idx = load(&d, 1, false);

		both(idx, &d, 1, f[i].what, (const char *)0x10, (const char *)0x20, 0);
		if (f[i].two)	/* s NULL (""), then a bad second string */
			both(idx, &d, 1, f[i].what, (const char *)0, (const char *)0x28, 0);
	}
}
END_TEST

/* ASSERTION: a kfunc the kernel lacks is refused with its name; the string kfuncs resolve to BTF ids. */
START_TEST(kfunc_lookup)
{
	int32_t id = -1;

	open_set(64);
	ck_assert_int_eq(dbpf_set_kfunc(set, "bpf_no_such_kfunc", &id, err, sizeof(err)),
	    -ENOTSUP);
	ck_assert_msg(strstr(err, "no kfunc bpf_no_such_kfunc") != NULL, "%s", err);
	ck_assert_int_eq(dbpf_set_kfunc(set, "bpf_strstr", &id, err, sizeof(err)), 0);
	ck_assert_int_gt(id, 0);
}
END_TEST

/* ASSERTION: every new subroutine's program passes the verifier with strsize 256 and 1024. */
START_TEST(verifier_accepts_large_strsize)
{
	static const uint32_t sizes[] = { 256, 1024 };
	struct dif_difo d[4];

	fill_long();
	for (uint32_t z = 0; z < LEN(sizes); z++) {
		struct dif_difo s = difo(p_strstr, LEN(p_strstr));
		struct dif_difo i3 = difo(p_index3, LEN(p_index3));
		struct dif_difo r3 = difo(p_rindex3, LEN(p_rindex3));
		struct dif_difo b = difo(p_basename, LEN(p_basename));
		struct dif_difo dn = difo(p_dirname, LEN(p_dirname));
		struct dif_difo nt = difo(p_ntoa, LEN(p_ntoa));
		struct dif_difo n6 = difo(p_ntop, LEN(p_ntop));
		struct dif_difo ms = difo(p_memstr, LEN(p_memstr));
		struct dif_difo o[5] = { difo(p_strrchr, LEN(p_strrchr)),
			difo(p_substr, LEN(p_substr)), difo(p_toupper, LEN(p_toupper)),
			difo(p_strjoin, LEN(p_strjoin)), difo(p_strtoll2, LEN(p_strtoll2)) };
		int idx;

		s.dtdo_inttab = minus1;
		s.dtdo_intlen = 1;
		nt.dtdo_inttab = four;
		nt.dtdo_intlen = 1;
		n6.dtdo_inttab = sixteen;
		n6.dtdo_intlen = 1;
		ms.dtdo_inttab = sixteen;
		ms.dtdo_intlen = 1;
		open_set(sizes[z]);
		idx = load(&s, 1, false);
		both(idx, &s, 1, "strstr", longs, longt, 0);
		idx = load(&i3, 1, false);
		both(idx, &i3, 1, "index", longs, "c,a", 7);
		idx = load(&r3, 1, false);
		both(idx, &r3, 1, "rindex", longs, "c,a", 1000);
		idx = load(&b, 1, true);
		both(idx, &b, 1, "basename", longs, "", 0);
		idx = load(&dn, 1, true);
		both(idx, &dn, 1, "dirname", longs, "", 0);
		d[0] = difo(p_tok1, LEN(p_tok1));
		for (int i = 1; i < 4; i++)
			d[i] = difo(p_tokn, LEN(p_tokn));
		idx = load(d, 4, true);
		both(idx, d, 4, "strtok", longs, "/", 0);
		idx = load(&nt, 1, true);
		both(idx, &nt, 1, "inet_ntoa", "\x01\x02\x03\x04", "", 0);
		idx = load(&n6, 1, true);
		both(idx, &n6, 1, "inet_ntop", (const char *)v6[4], (const char *)10, 0);
		idx = load(&ms, 1, true);
		both(idx, &ms, 1, "memstr", "a\0b\0c\0d\0e\0f\0g\0h\0", (const char *)'-', 16);
		idx = load(&o[4], 1, false);
		both(idx, &o[4], 1, "strtoll", "   -0x7fffffff", "", 16);
		idx = load(&o[0], 1, false);
		both(idx, &o[0], 1, "strrchr", longs, "", '/');
		idx = load(&o[1], 1, true);
		both(idx, &o[1], 1, "substr", longs, "", 100);
		idx = load(&o[2], 1, true);
		both(idx, &o[2], 1, "toupper", longs, "", 0);
		idx = load(&o[3], 1, true);
		both(idx, &o[3], 1, "strjoin", longs, longt, 0);
		dbpf_set__free(set);
		set = NULL;
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dbpf_strings");
	SRunner *sr;
	int nf;

	skip_without_bpf();
#define T(fn) do { TCase *tc = tcase_create(#fn); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, 120); \
	tcase_add_test(tc, fn); suite_add_tcase(s, tc); } while (0)
	T(strstr_matches_engine);
	T(index_matches_engine);
	T(rindex_matches_engine);
	T(paths_match_engine);
	T(strtok_matches_engine);
	T(inet_ntoa_matches_engine);
	T(inet6_matches_engine);
	T(lltostr_matches_engine);
	T(strtoll_matches_engine);
	T(copyinto_matches_engine);
	T(memstr_matches_engine);
	T(bad_addresses_fault_like_engine);
	T(kfunc_lookup);
	T(verifier_accepts_large_strsize);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
