/*
 * check_dbpf_e2e.c — a DIF predicate running on a real kernel event.
 *
 * The predicate `pid == <child> && arg1 == __NR_getppid` is translated,
 * loaded and attached to the raw tracepoint sys_enter (arg0 = regs,
 * arg1 = syscall number); a child calls getppid() N times; the state map's
 * count must be exactly N.  The same again on the raw_syscalls:sys_enter
 * tracepoint attached by name.  Exits 77 when BPF or the tracepoint is
 * unavailable.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

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
