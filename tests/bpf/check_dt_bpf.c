/*
 * check_dt_bpf.c — the dtrace driver's kernel-probe helpers that need no
 * BPF: $target substitution, -c/-p target processes, the lazy creation of
 * kernel probes and -l filtering (dtrace/dt_bpf_target.c, dt_bpf_prov.c).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_bpf.h"

/* ASSERTION: $target becomes the pid, as a whole word only. */
START_TEST(subst_target)
{
	char *s = dt_bpf_subst_target(NULL, "pid == $target && $targetx && $target", 42);

	ck_assert_str_eq(s, "pid == 42 && $targetx && 42");
	free(s);
	s = dt_bpf_subst_target(NULL, "no macro", 7);
	ck_assert_str_eq(s, "no macro");
	free(s);
	ck_assert_ptr_null(dt_bpf_subst_target("/nonexistent/x.d", NULL, 7));
}
END_TEST

/* ASSERTION: a -c child waits until go, runs, and is seen to exit. */
START_TEST(target_create_go_done)
{
	struct dt_bpf_target t;
	char err[256];

	ck_assert_int_eq(dt_bpf_target__create("/bin/true", &t, err, sizeof(err)), 0);
	ck_assert_int_gt(t.pid, 0);
	usleep(100000);
	ck_assert(!dt_bpf_target__done(&t));	/* held before exec */
	ck_assert_int_eq(dt_bpf_target__go(&t, err, sizeof(err)), 0);
	for (int i = 0; i < 200 && !dt_bpf_target__done(&t); i++)
		usleep(10000);
	ck_assert(t.exited);
	dt_bpf_target__abandon(&t);
}
END_TEST

/* ASSERTION: a -c command that cannot be executed is reported at go, naming it. */
START_TEST(target_exec_fails)
{
	struct dt_bpf_target t;
	char err[256];

	ck_assert_int_eq(dt_bpf_target__create("/nonexistent/prog arg", &t, err, sizeof(err)), 0);
	ck_assert_int_eq(dt_bpf_target__go(&t, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "failed to execute /nonexistent/prog"));
	dt_bpf_target__abandon(&t);
}
END_TEST

/* ASSERTION: an abandoned child never runs its command and is reaped. */
START_TEST(target_abandon)
{
	struct dt_bpf_target t;
	char err[256];

	ck_assert_int_eq(dt_bpf_target__create("/bin/sh -c exit", &t, err, sizeof(err)), 0);
	dt_bpf_target__abandon(&t);
	ck_assert(t.exited);
	ck_assert(WIFEXITED(t.status) && WEXITSTATUS(t.status) == 127);
}
END_TEST

/* ASSERTION: -p rejects a malformed or missing pid with a message. */
START_TEST(target_grab)
{
	struct dt_bpf_target t;
	char err[256];

	ck_assert_int_eq(dt_bpf_target__grab("12x", &t, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(dt_bpf_target__grab("0", &t, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(dt_bpf_target__grab("999999999", &t, err, sizeof(err)), -ESRCH);
	ck_assert_int_eq(dt_bpf_target__grab("1", &t, err, sizeof(err)), 0);
	ck_assert(!dt_bpf_target__done(&t));
	dt_bpf_target__abandon(&t);
}
END_TEST

static struct dt_state *new_state(void)
{
	struct dt_state *st = calloc(1, sizeof(*st));

	st->strarena_size = 1 << 16;
	st->strarena = calloc(1, st->strarena_size);
	return st;
}

static void free_state(struct dt_state *st)
{
	for (uint32_t i = 0; i < st->nprobes; i++)
		free(st->probes[i]);
	free(st->probes);
	free(st->strarena);
	free(st);
}

/* ASSERTION: kernel probes are made only when a description can match them. */
START_TEST(lazy_provide)
{
	struct dt_state *st = new_state();
	struct dvm_probe *m[4];

	ck_assert_int_eq(dt_probe_provide_all(st), 0);
	uint32_t base = st->nprobes;

	ck_assert_int_eq(dt_probe_match(st, "", "", "", "BEGIN", m, 4), 1);
	ck_assert_uint_eq(st->nprobes, base);		/* BEGIN: nothing made */
	ck_assert_int_eq(dt_probe_match(st, "syscall", "", "getppid", "entry", m, 4), 1);
	ck_assert(dt_bpf_is_kernel(m[0]));
	ck_assert_uint_gt(st->nprobes, base + 600);
	ck_assert_int_eq(dt_probe_match(st, "", "", "", "exec-success", m, 4), 1);
	ck_assert_str_eq(m[0]->prov, "proc");
	free_state(st);
}
END_TEST

/* ASSERTION: -l with -n/-P/-f prints exactly the matching probes. */
START_TEST(list_filters)
{
	struct dt_state *st = new_state();
	const char *descs[2] = { "syscall::getppid:", "sched" };
	const char kinds[2] = { 'n', 'P' };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_int_eq(dt_probe_provide_all(st), 0);
	ck_assert_int_eq(dt_bpf_list(st, descs, kinds, 2, fp), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "getppid entry"));
	ck_assert_ptr_nonnull(strstr(buf, "getppid return"));
	ck_assert_ptr_nonnull(strstr(buf, "on-cpu"));
	ck_assert_ptr_null(strstr(buf, "getpid "));
	ck_assert_ptr_null(strstr(buf, "BEGIN"));
	free(buf);
	free_state(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dt_bpf");
	const struct { const char *name; const TTest *t; } cases[] = {
		{ "subst_target", subst_target },
		{ "target_create_go_done", target_create_go_done },
		{ "target_exec_fails", target_exec_fails },
		{ "target_abandon", target_abandon },
		{ "target_grab", target_grab },
		{ "lazy_provide", lazy_provide },
		{ "list_filters", list_filters },
	};
	SRunner *sr;
	int nf;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_test(tc, cases[i].t);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
