/*
 * check_dbpf_e2e.c — a DIF predicate running on a real kernel event.
 *
 * The predicate `pid == <child> && arg1 == __NR_getppid` is translated,
 * loaded and attached to the raw tracepoint sys_enter (arg0 = regs,
 * arg1 = syscall number); a child calls getppid() N times; the state map's
 * count must be exactly N.  The same again on the raw_syscalls:sys_enter
 * tracepoint attached by name.  Then whole clauses (dbpf_clause.h) on raw
 * sys_enter: `@ = count()` under the same predicate must be exactly N, and
 * a record of copyinstr(path) for the child's openat must hold the path it
 * opened.  Exits 77 when BPF or the tracepoint is unavailable.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <asm/ptrace.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include "common.h"
#include "dbpf_clause.h"

#define N_CALLS	1000

/*
 * The predicate: 11 DIF instructions.  The syscall number is arg1 on raw
 * sys_enter (arg0 = regs) and arg0 on the raw_syscalls:sys_enter
 * tracepoint (the record's first field after the common header).
 */
static struct dbpf_prog *predicate(pid_t child, uint64_t *ints, enum dbpf_ctx kind)
{
	dif_instr_t buf[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_PID, 1),
		DIF_INSTR_IMM16(DIF_OP_SETX, 0, 2),
		DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0),
		DIF_INSTR_BRANCH(DIF_OP_BNE, 10),
		DIF_INSTR_IMM16(DIF_OP_LDGS, kind == DBPF_CTX_RAW_TP ?
		    DIF_VAR_ARG1 : DIF_VAR_ARG0, 3),
		DIF_INSTR_IMM16(DIF_OP_SETX, 1, 4),
		DIF_INSTR_FMT(DIF_OP_CMP, 3, 4, 0),
		DIF_INSTR_BRANCH(DIF_OP_BNE, 10),
		DIF_INSTR_IMM16(DIF_OP_SETX, 2, 5),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 5),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0),
	};
	struct dbpf_opts opts = { .do_ctx = kind, .do_nargs = 2 };
	struct dif_difo d;
	struct dbpf_prog *p;
	char err[256];

	ints[0] = (uint64_t)child;
	ints[1] = SYS_getppid;
	ints[2] = 1;
	d = difo_of(buf, 11, ints, 3);
	ck_assert_msg(dbpf_prog__translate(&d, &opts, &p, err, sizeof(err)) == 0, "%s", err);
	return p;
}

/* Fork a child that waits for a byte on a pipe, then makes N getppid(). */
static pid_t spawn(int go[2])
{
	pid_t child;
	char c;

	ck_assert_int_eq(pipe(go), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		for (int i = 0; i < N_CALLS; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	close(go[0]);
	return child;
}

static void skip(pid_t child, const char *why)
{
	int status;

	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	printf("SKIP: %s\n", why);
	exit(77);
}

/* Release the child, wait for it, and check the count is exactly N. */
static void run_and_count(pid_t child, int go[2], struct dbpf_probe *pr)
{
	struct dbpf_stats st;
	char c = 'x';
	int status;

	ck_assert_int_eq(write(go[1], &c, 1), 1);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(dbpf_probe__stats(pr, &st), 0);
	ck_assert_uint_eq(st.ds_faults, 0);
	ck_assert_uint_eq(st.ds_count, N_CALLS);
	ck_assert_uint_ge(st.ds_runs, N_CALLS);
	close(go[1]);
}

/* ASSERTION: the predicate on raw sys_enter counts exactly the child's N getppid() calls. */
START_TEST(count_getppid_raw_tp)
{
	int go[2], rc;
	pid_t child = spawn(go);
	uint64_t ints[3];
	struct dbpf_prog *p = predicate(child, ints, DBPF_CTX_RAW_TP);
	struct dbpf_probe *pr;
	char err[512];

	ck_assert_msg(dbpf_probe__load(p, &pr, err, sizeof(err)) == 0, "%s", err);
	rc = dbpf_probe__attach_raw_tp(pr, "sys_enter", err, sizeof(err));
	if (rc == -ENOENT || rc == -EOPNOTSUPP)
		skip(child, err);
	ck_assert_msg(rc == 0, "%s", err);
	run_and_count(child, go, pr);
	dbpf_probe__free(pr);
	dbpf_prog__free(p);
}
END_TEST

/* ASSERTION: the same predicate on the raw_syscalls:sys_enter tracepoint (by name, perf event) counts exactly N, and cannot be test-run. */
START_TEST(count_getppid_tracepoint)
{
	int go[2], rc;
	pid_t child = spawn(go);
	uint64_t ints[3];
	struct dbpf_prog *p = predicate(child, ints, DBPF_CTX_TRACEPOINT);
	struct dbpf_probe *pr;
	char err[512];
	uint32_t ret;

	ck_assert_msg(dbpf_probe__load(p, &pr, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(dbpf_probe__test_run(pr, NULL, 0, &ret), -EOPNOTSUPP);
	ck_assert_int_eq(dbpf_probe__attach_raw_tp(pr, "sys_enter", err, sizeof(err)), -EINVAL);
	rc = dbpf_probe__attach_tracepoint(pr, "raw_syscalls", "sys_enter", err, sizeof(err));
	if (rc == -ENOENT || rc == -EPERM || rc == -ENODEV)
		skip(child, err);
	ck_assert_msg(rc == 0, "%s", err);
	run_and_count(child, go, pr);
	dbpf_probe__free(pr);
	dbpf_prog__free(p);
}
END_TEST

/* ASSERTION: attaching to a tracepoint that does not exist is -ENOENT naming it. */
START_TEST(missing_tracepoint)
{
	dif_instr_t buf[] = { DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0) };
	struct dif_difo d = difo_of(buf, 1, NULL, 0);
	struct dbpf_opts opts = { .do_ctx = DBPF_CTX_TRACEPOINT };
	struct dbpf_prog *p;
	struct dbpf_probe *pr;
	char err[512];

	ck_assert_int_eq(dbpf_prog__translate(&d, &opts, &p, err, sizeof(err)), 0);
	ck_assert_msg(dbpf_probe__load(p, &pr, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(dbpf_probe__attach_tracepoint(pr, "no_such_group", "nope",
	    err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "no tracepoint no_such_group:nope") != NULL, "%s", err);
	dbpf_probe__free(pr);
	dbpf_prog__free(p);
}
END_TEST

/* pid == ints[0] && arg1 == ints[1] (raw sys_enter: arg1 = syscall number) */
static const dif_instr_t pid_and_nr[] = {
	DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_PID, 1),
	DIF_INSTR_IMM16(DIF_OP_SETX, 0, 2),
	DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0),
	DIF_INSTR_BRANCH(DIF_OP_BNE, 10),
	DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG1, 3),
	DIF_INSTR_IMM16(DIF_OP_SETX, 1, 4),
	DIF_INSTR_FMT(DIF_OP_CMP, 3, 4, 0),
	DIF_INSTR_BRANCH(DIF_OP_BNE, 10),
	DIF_INSTR_IMM16(DIF_OP_SETX, 2, 5),
	DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 5),
	DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0),
};

struct got {
	char	path[64];
	int	n;
	int64_t	count;
};

static int on_rec(void *arg, const void *p, size_t n)
{
	struct got *g = arg;
	const uint32_t *h = p;

	if (h[0] == 2 && n >= 16 + 64) {
		memcpy(g->path, (const char *)p + 16, 64);
		g->path[63] = 0;
		g->n++;
	}
	return 0;
}

static int on_agg(void *arg, uint32_t aggid, const struct dbpf_aggkey *keys,
    uint32_t nkeys, const int64_t *words, uint32_t nwords)
{
	struct got *g = arg;

	(void)keys;
	if (aggid == 1 && nkeys == 0 && nwords == 1)
		g->count += words[0];
	return 0;
}

/* ASSERTION: clauses on raw sys_enter count exactly N getppid() and copyinstr the openat path. */
START_TEST(clauses_on_sys_enter)
{
	int go[2], idx, rc, status;
	pid_t child;
	char c = 'x', path[64], err[512];
	uint64_t i1[3], i2[3];
	struct dif_difo p1 = difo_of(pid_and_nr, 11, i1, 3), p2 = difo_of(pid_and_nr, 11, i2, 3);
	static const dif_instr_t cin[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG2, 1),
		DIF_INSTR_FMT(DIF_OP_PUSHTV, 0, 0, 1),
		DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_COPYINSTR, 2),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 2),
	};
	struct dif_difo cd = difo_of(cin, 4, NULL, 0);
	struct dbpf_step count = { .kind = DBPF_STEP_AGG, .actndx = 1, .aggid = 1,
	    .aggfunc = DIF_ACT_COUNT };
	struct dbpf_step rec = { .kind = DBPF_STEP_RECORD, .actndx = 1, .difo = &cd,
	    .size = 64, .byref = true, .string = true };
	struct dbpf_clause cl[2] = {
		{ .epid = 1, .what = "syscall::getppid:entry", .pred = &p1, .steps = &count,
		  .nsteps = 1 },
		{ .epid = 2, .what = "syscall::openat:entry", .pred = &p2, .steps = &rec,
		  .nsteps = 1, .datasize = 64, .records = true },
	};
	struct dbpf_attach at = { .at_ctx = DBPF_CTX_RAW_TP, .at_prov = "syscall",
	    .at_mod = "", .at_func = "", .at_name = "entry" };
	struct dbpf_set *set;
	struct got g = { .n = 0 };

	ck_assert_int_eq(pipe(go), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		snprintf(path, sizeof(path), "/tmp/dbpf-e2e-%d", (int)getpid());
		syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
		for (int i = 0; i < N_CALLS; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	close(go[0]);
	i1[0] = i2[0] = (uint64_t)child;
	i1[1] = SYS_getppid;
	i2[1] = SYS_openat;
	i1[2] = i2[2] = 1;
	at.at_args[0] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8 };
	at.at_args[1] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8,
	    .as_off = 8 };
	at.at_args[2] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX_DEREF, .as_size = 8,
	    .as_off = 0, .as_deref = (int32_t)offsetof(struct pt_regs, rsi) };
	ck_assert_msg(dbpf_set__new(NULL, &set, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(dbpf_set__add_probe(set, &at, cl, 2, &idx, err, sizeof(err)) == 0,
	    "%s", err);
	rc = dbpf_set__attach_raw_tp(set, idx, "sys_enter", err, sizeof(err));
	if (rc == -ENOENT || rc == -EOPNOTSUPP)
		skip(child, err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_int_eq(write(go[1], &c, 1), 1);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_ge(dbpf_set__poll(set, 0, on_rec, &g), 1);
	ck_assert_int_eq(g.n, 1);
	snprintf(path, sizeof(path), "/tmp/dbpf-e2e-%d", (int)child);
	ck_assert_str_eq(g.path, path);
	ck_assert_int_eq(dbpf_set__agg_walk(set, on_agg, &g), 0);
	ck_assert_int_eq(g.count, N_CALLS);
	close(go[1]);
	dbpf_set__free(set);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dbpf_e2e");
	TCase *tc;
	SRunner *sr;
	int nf;

	skip_without_bpf();
	tc = tcase_create("raw_sys_enter");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, count_getppid_raw_tp);
	suite_add_tcase(s, tc);
	tc = tcase_create("tracepoint_sys_enter");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, count_getppid_tracepoint);
	suite_add_tcase(s, tc);
	tc = tcase_create("clauses_on_sys_enter");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, clauses_on_sys_enter);
	suite_add_tcase(s, tc);
	tc = tcase_create("missing_tracepoint");
	tcase_add_test(tc, missing_tracepoint);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
