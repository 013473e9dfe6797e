/*
 * check_dbpf_prov.c — the kernel provider catalog and hook attachment
 * (runtime-bpf/dbpf_prov.c, dbpf_attach.c).
 *
 * The catalog cases need only the kernel's BTF (skip 77 without it); the
 * attachment cases load tiny hand-written BPF programs and need bpf()
 * (skip 77 without it).  Ground truth comes from the C library's
 * <sys/syscall.h> and from counting firings in a map.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "dbpf_attach.h"
#include "dbpf_prov.h"

static struct dbpf_catalog *cat;
static char err[512];

static void open_catalog(void)
{
	ck_assert_msg(dbpf_catalog__new(NULL, &cat, err, sizeof(err)) == 0, "%s", err);
}

static void close_catalog(void)
{
	dbpf_catalog__free(cat);
	cat = NULL;
}

static const struct dbpf_kprobe *find(const char *prov, const char *func,
    const char *name)
{
	for (size_t i = 0; i < dbpf_catalog__count(cat); i++) {
		const struct dbpf_kprobe *p = dbpf_catalog__probe(cat, i);

		if (strcmp(p->prov, prov) == 0 && strcmp(p->func, func) == 0 &&
		    strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

/* ASSERTION: the generated syscall table agrees with the C library's numbers. */
START_TEST(systab_matches_libc)
{
	ck_assert_uint_gt(dbpf_nsys, 300);
	ck_assert_int_eq(dbpf_syscall__nr("getppid"), SYS_getppid);
	ck_assert_int_eq(dbpf_syscall__nr("openat"), SYS_openat);
	ck_assert_int_eq(dbpf_syscall__nr("read"), SYS_read);
	ck_assert_int_eq(dbpf_syscall__nr("no_such_call"), -1);
	for (unsigned i = 1; i < dbpf_nsys; i++)
		ck_assert_int_lt(dbpf_systab[i - 1].nr, dbpf_systab[i].nr);
}
END_TEST

/* ASSERTION: syscall entry probes filter raw sys_enter on the number and read args from pt_regs. */
START_TEST(syscall_entry_probe)
{
	const struct dbpf_kprobe *p = find("syscall", "getppid", "entry");

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->hook.kind, DBPF_HOOK_RAW_TP);
	ck_assert_str_eq(p->hook.name, "sys_enter");
	ck_assert_int_eq(p->cmp, DBPF_CMP_EQ);
	ck_assert_int_eq(p->filt_a.op, DBPF_KARG_CTX);
	ck_assert_int_eq(p->filt_a.word, 1);
	ck_assert_int_eq(p->filt_b.off, SYS_getppid);
	ck_assert_uint_eq(p->nargs, 6);
	/* x86-64: di is arg0, r10 arg3 (offsets of struct pt_regs). */
	ck_assert_int_eq(p->args[0].op, DBPF_KARG_CTX_LOAD);
	ck_assert_uint_eq(p->args[0].off, 112);
	ck_assert_uint_eq(p->args[3].off, 56);
}
END_TEST

/* ASSERTION: syscall return probes filter sys_exit on regs->orig_ax and give the return value as arg0 and arg1. */
START_TEST(syscall_return_probe)
{
	const struct dbpf_kprobe *p = find("syscall", "openat", "return");

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->hook.name, "sys_exit");
	ck_assert_int_eq(p->filt_a.op, DBPF_KARG_CTX_LOAD);
	ck_assert_uint_eq(p->filt_a.off, 120);
	ck_assert_uint_eq(p->filt_b.off, SYS_openat);
	ck_assert_uint_eq(p->nargs, 2);
	ck_assert_int_eq(p->args[0].op, DBPF_KARG_CTX);
	ck_assert_int_eq(p->args[0].word, 1);
}
END_TEST

/* ASSERTION: proc and sched probes exist on the sched tracepoints; on-cpu reports on the incoming task. */
START_TEST(proc_sched_probes)
{
	const struct dbpf_kprobe *p;

	ck_assert_ptr_nonnull(p = find("proc", "", "exec-success"));
	ck_assert_str_eq(p->hook.name, "sched_process_exec");
	ck_assert_ptr_nonnull(p = find("proc", "", "create"));
	ck_assert_int_eq(p->cmp, DBPF_CMP_EQ);
	ck_assert_ptr_nonnull(find("proc", "", "exit"));
	ck_assert_ptr_nonnull(find("proc", "", "exec"));
	ck_assert_ptr_nonnull(p = find("sched", "", "on-cpu"));
	ck_assert_str_eq(p->hook.name, "sched_switch");
	ck_assert_int_eq(p->task.op, DBPF_KARG_CTX);
	ck_assert_int_eq(p->task.word, 2);
	ck_assert_ptr_nonnull(p = find("sched", "", "off-cpu"));
	ck_assert_int_eq(p->task.op, DBPF_KARG_ZERO);
	ck_assert_ptr_nonnull(find("sched", "", "wakeup"));
	ck_assert_ptr_null(find("sched", "", "enqueue"));	/* no hook here */
}
END_TEST

/* ASSERTION: a tracepoint by name gets its argument count from BTF; a missing one is -ENOENT with its name. */
START_TEST(tracepoint_by_name)
{
	struct dbpf_kprobe p;

	ck_assert_int_eq(dbpf_catalog__tracepoint(cat, "sched", "sched_switch", &p,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(p.nargs, 4);
	ck_assert_str_eq(p.hook.name, "sched_switch");
	ck_assert_int_eq(dbpf_catalog__tracepoint(cat, "nope", "no_such_event", &p,
	    err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "nope:no_such_event"));
}
END_TEST

/* ASSERTION: profile-N is a perf clock on every CPU, tick-N on one. */
START_TEST(profile_hooks)
{
	struct dbpf_kprobe p;

	ck_assert_int_eq(dbpf_catalog__profile(cat, "profile-97", 10309278, false, &p), 0);
	ck_assert_int_eq(p.hook.kind, DBPF_HOOK_PERF_CLOCK);
	ck_assert(p.hook.all_cpus);
	ck_assert_int_eq(dbpf_catalog__profile(cat, "tick-1s", 1000000000, true, &p), 0);
	ck_assert(!p.hook.all_cpus);
	ck_assert_int_eq(dbpf_catalog__profile(cat, "tick-0", 0, true, &p), -EINVAL);
}
END_TEST

/* ---- Attaching --------------------------------------------------------------- */

static int count_map;

/* map[0]++ via a lookup; return 0.  Program type chosen by the caller. */
static int load_counter(enum bpf_prog_type type)
{
	struct bpf_insn prog[] = {
		{ BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0 },		/* *(u32 *)(fp-4) = 0 */
		{ BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, count_map },
		{ 0, 0, 0, 0, 0 },
		{ BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0 },
		{ BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4 },
		{ BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem },
		{ BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 3, 0 },
		{ BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1 },
		{ BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD },
		{ BPF_JMP | BPF_JA, 0, 0, 0, 0 },
		{ BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0 },
		{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 },
	};

	return bpf_prog_load(type, NULL, "GPL", prog, sizeof(prog) / sizeof(prog[0]), NULL);
}

static uint64_t counted(void)
{
	uint32_t k = 0;
	uint64_t v = 0;

	bpf_map_lookup_elem(count_map, &k, &v);
	return v;
}

static void need_bpf(void)
{
	if (dbpf_attach__setup(err, sizeof(err)) != 0) {
		printf("SKIP: %s\n", err);
		exit(77);
	}
	count_map = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	ck_assert_int_ge(count_map, 0);
}

/* ASSERTION: a program attached to the getppid entry hook sees at least the calls made. */
START_TEST(attach_raw_tp)
{
	const struct dbpf_kprobe *p;
	struct dbpf_attachment *a;
	int fd;

	need_bpf();
	p = find("syscall", "getppid", "entry");
	ck_assert_int_ge(fd = load_counter(BPF_PROG_TYPE_RAW_TRACEPOINT), 0);
	ck_assert_msg(dbpf_attach__hook(&p->hook, fd, &a, err, sizeof(err)) == 0, "%s", err);
	for (int i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	dbpf_attach__free(a);
	ck_assert_uint_ge(counted(), 1000);
	close(fd);
}
END_TEST

/* ASSERTION: a 1 ms perf clock hook fires about every ms on its CPU. */
START_TEST(attach_perf_clock)
{
	struct dbpf_kprobe p;
	struct dbpf_attachment *a;
	struct timespec ts = { 0, 100 * 1000000 };
	int fd;

	need_bpf();
	ck_assert_int_eq(dbpf_catalog__profile(cat, "tick-1000", 1000000, true, &p), 0);
	ck_assert_int_ge(fd = load_counter(BPF_PROG_TYPE_PERF_EVENT), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_msg(dbpf_attach__hook(&p.hook, fd, &a, err, sizeof(err)) == 0, "%s", err);
	nanosleep(&ts, NULL);
	dbpf_attach__free(a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Under load the sleep overruns: bound by the time the hook was really attached. */
	uint64_t ms = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000 +
		      (uint64_t)(t1.tv_nsec / 1000000) - (uint64_t)(t0.tv_nsec / 1000000);
	ck_assert_uint_ge(counted(), 20);	/* 100 expected; generous under load */
	ck_assert_uint_le(counted(), 2 * ms + 10);
	close(fd);
}
END_TEST

/* ASSERTION: attaching to a tracepoint that does not exist is -ENOENT naming it. */
START_TEST(attach_missing)
{
	struct dbpf_hook h = { .kind = DBPF_HOOK_RAW_TP, .name = "no_such_tp", .group = "x" };
	struct dbpf_attachment *a = NULL;
	int fd;

	need_bpf();
	ck_assert_int_ge(fd = load_counter(BPF_PROG_TYPE_RAW_TRACEPOINT), 0);
	ck_assert_int_lt(dbpf_attach__hook(&h, fd, &a, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "x:no_such_tp"));
	close(fd);
}
END_TEST

/* ASSERTION: the online CPU list parses and is not empty. */
START_TEST(online_cpus)
{
	int cpus[64];
	int n = dbpf_attach__online_cpus(cpus, 64);

	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(cpus[0], 0);
}
END_TEST

/* ASSERTION: tracefs is found (or mounted) and lists the sched events. */
START_TEST(tracefs_events)
{
	char path[256];

	if (dbpf_attach__tracefs(path, sizeof(path), err, sizeof(err)) != 0) {
		printf("SKIP tracefs: %s\n", err);
		return;
	}
	ck_assert_ptr_nonnull(strstr(path, "tracing"));
}
END_TEST

static TCase *tc(const char *name, const TTest *t, bool cat_fixture)
{
	TCase *c = tcase_create(name);

	if (cat_fixture)
		tcase_add_checked_fixture(c, open_catalog, close_catalog);
	tcase_set_timeout(c, 60);
	tcase_add_test(c, t);
	return c;
}

int main(void)
{
	Suite *s = suite_create("dbpf_prov");
	SRunner *sr;
	int nf;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		printf("SKIP: no /sys/kernel/btf/vmlinux\n");
		return 77;
	}
	suite_add_tcase(s, tc("systab", systab_matches_libc, false));
	suite_add_tcase(s, tc("syscall_entry", syscall_entry_probe, true));
	suite_add_tcase(s, tc("syscall_return", syscall_return_probe, true));
	suite_add_tcase(s, tc("proc_sched", proc_sched_probes, true));
	suite_add_tcase(s, tc("tracepoint", tracepoint_by_name, true));
	suite_add_tcase(s, tc("profile", profile_hooks, true));
	suite_add_tcase(s, tc("attach_raw_tp", attach_raw_tp, true));
	suite_add_tcase(s, tc("attach_perf_clock", attach_perf_clock, true));
	suite_add_tcase(s, tc("attach_missing", attach_missing, true));
	suite_add_tcase(s, tc("online_cpus", online_cpus, false));
	suite_add_tcase(s, tc("tracefs", tracefs_events, false));
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
