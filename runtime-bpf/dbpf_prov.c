/*
 * dbpf_prov.c — the kernel providers' catalog (see dbpf_prov.h).
 *
 * Theory.  The catalog is built once per process from two sources: the
 * syscall table generated at build time (dbpf_prov_systab.c) and the
 * kernel's BTF, which gives every structure offset a recipe needs
 * (pt_regs registers for syscall arguments, task_struct fields for
 * curthread-relative values, linux_binprm.filename for proc:::exec).  A
 * probe is plain data: hook + filter + argument recipes; nothing here
 * touches the kernel's BPF interface, so the catalog can be listed and
 * tested without privileges.  Probes that need a hook this machine lacks
 * (no tracepoint for sched:::enqueue) are simply not in the catalog, so
 * a description naming them matches nothing, as in DTrace.
 *
 * Ownership: the catalog owns its probe array and the BTF object.
 * Read next: dbpf_attach.c (attaching hooks), docs/providers.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "dbpf_attach.h"
#include "dbpf_prov.h"
#include "dbpf_say.h"

#define DEFAULT_BTF	"/sys/kernel/btf/vmlinux"

struct regs_off {
	uint32_t	arg[6];		/* di si dx r10 r8 r9 */
	uint32_t	orig_ax, ip, cs;
};

struct dbpf_catalog {
	struct btf		*btf;
	struct dbpf_kprobe	*probes;
	size_t			nprobes, cap;
	struct regs_off		regs;
	struct dbpf_task_off	task;
	uint32_t		binprm_filename;
};

/* ---- BTF offsets --------------------------------------------------------------- */

/*
 * Byte offset of member `name` in the struct/union type id, looking
 * through anonymous members (pt_regs.cs sits in an anonymous union).
 * -1 when absent or a bitfield.
 */
static long member_off(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t != NULL && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (t == NULL || !btf_is_composite(t))
		return -1;
	const struct btf_member *m = btf_members(t);

	for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t bits = btf_member_bit_offset(t, i);

		if (btf_member_bitfield_size(t, i) != 0 || bits % 8 != 0)
			continue;
		if (mn != NULL && strcmp(mn, name) == 0)
			return bits / 8;
		if (mn == NULL || *mn == '\0') {
			long inner = member_off(btf, (int)m->type, name);

			if (inner >= 0)
				return bits / 8 + inner;
		}
	}
	return -1;
}

static int struct_member(const struct btf *btf, const char *sname,
    const char *mname, uint32_t *out, char *err, size_t errlen)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	long off = id > 0 ? member_off(btf, id, mname) : -1;

	if (off < 0)
		return dbpf_say(err, errlen, -ENOENT,
		    "kernel BTF has no member %s in struct %s", mname, sname);
	*out = (uint32_t)off;
	return 0;
}

static int read_offsets(struct dbpf_catalog *c, char *err, size_t errlen)
{
	static const char *const argreg[6] = { "di", "si", "dx", "r10", "r8", "r9" };
	struct { const char *s, *m; uint32_t *dst; } tab[] = {
		{ "pt_regs", "orig_ax", &c->regs.orig_ax },
		{ "pt_regs", "ip", &c->regs.ip },
		{ "pt_regs", "cs", &c->regs.cs },
		{ "task_struct", "pid", &c->task.pid },
		{ "task_struct", "tgid", &c->task.tgid },
		{ "task_struct", "comm", &c->task.comm },
		{ "task_struct", "real_parent", &c->task.real_parent },
		{ "task_struct", "cred", &c->task.cred },
		{ "task_struct", "exit_code", &c->task.exit_code },
		{ "cred", "uid", &c->task.cred_uid },
		{ "cred", "gid", &c->task.cred_gid },
		{ "linux_binprm", "filename", &c->binprm_filename },
	};
	int rc;

	for (int i = 0; i < 6; i++)
		if ((rc = struct_member(c->btf, "pt_regs", argreg[i], &c->regs.arg[i],
		    err, errlen)) != 0)
			return rc;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if ((rc = struct_member(c->btf, tab[i].s, tab[i].m, tab[i].dst,
		    err, errlen)) != 0)
			return rc;
	return 0;
}

/* ---- Building probes -------------------------------------------------------------- */

static struct dbpf_kprobe *add(struct dbpf_catalog *c, const char *prov,
    const char *func, const char *name)
{
	struct dbpf_kprobe *p;

	if (c->nprobes == c->cap) {
		size_t n = c->cap ? 2 * c->cap : 1024;
		struct dbpf_kprobe *np = realloc(c->probes, n * sizeof(*np));

		if (np == NULL)
			return NULL;
		c->probes = np;
		c->cap = n;
	}
	p = &c->probes[c->nprobes++];
	memset(p, 0, sizeof(*p));
	snprintf(p->prov, sizeof(p->prov), "%s", prov);
	snprintf(p->func, sizeof(p->func), "%s", func);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static void raw_tp(struct dbpf_kprobe *p, const char *group, const char *tp,
    uint32_t nctx)
{
	p->hook.kind = DBPF_HOOK_RAW_TP;
	snprintf(p->hook.name, sizeof(p->hook.name), "%s", tp);
	snprintf(p->hook.group, sizeof(p->hook.group), "%s", group);
	p->hook.nctx = nctx;
}

static struct dbpf_karg ctxw(unsigned w)
{
	return (struct dbpf_karg){ .op = DBPF_KARG_CTX, .word = (uint8_t)w, .size = 8 };
}

static struct dbpf_karg load(unsigned w, uint32_t off, unsigned size, bool sign)
{
	return (struct dbpf_karg){ .op = DBPF_KARG_CTX_LOAD, .word = (uint8_t)w,
	    .size = (uint8_t)size, .sign = sign, .off = off };
}

static struct dbpf_karg constant(uint32_t v)
{
	return (struct dbpf_karg){ .op = DBPF_KARG_ZERO, .size = 8, .off = v };
}

static void arg(struct dbpf_kprobe *p, struct dbpf_karg a, const char *type)
{
	p->args[p->nargs] = a;
	p->argtype[p->nargs++] = type;
}

static void filter(struct dbpf_kprobe *p, enum dbpf_cmp cmp, struct dbpf_karg a,
    struct dbpf_karg b)
{
	p->cmp = (uint8_t)cmp;
	p->filt_a = a;
	p->filt_b = b;
}

/* syscall::<name>:entry on raw sys_enter(regs, id); :return on sys_exit(regs, ret). */
static int add_syscalls(struct dbpf_catalog *c)
{
	for (unsigned i = 0; i < dbpf_nsys; i++) {
		const struct dbpf_sysent *s = &dbpf_systab[i];
		struct dbpf_kprobe *p = add(c, "syscall", s->name, "entry");

		if (p == NULL)
			return -ENOMEM;
		raw_tp(p, "raw_syscalls", "sys_enter", 2);
		filter(p, DBPF_CMP_EQ, ctxw(1), constant((uint32_t)s->nr));
		for (int a = 0; a < 6; a++)
			arg(p, load(0, c->regs.arg[a], 8, false), "uint64_t");
		if ((p = add(c, "syscall", s->name, "return")) == NULL)
			return -ENOMEM;
		raw_tp(p, "raw_syscalls", "sys_exit", 2);
		filter(p, DBPF_CMP_EQ, load(0, c->regs.orig_ax, 8, false),
		    constant((uint32_t)s->nr));
		arg(p, ctxw(1), "int64_t");
		arg(p, ctxw(1), "int64_t");
	}
	return 0;
}

static int add_proc(struct dbpf_catalog *c)
{
	const struct dbpf_task_off *t = &c->task;
	struct dbpf_kprobe *p;

	/* exec: the new image is being loaded; args[0] its path. */
	if ((p = add(c, "proc", "", "exec")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_prepare_exec", 2);
	arg(p, load(1, c->binprm_filename, 8, false), "char *");
	/* exec-success: the new image runs (in the exec'ing thread). */
	if ((p = add(c, "proc", "", "exec-success")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_process_exec", 3);
	/* exit: the last thread of a process exits (group_dead != 0). */
	if ((p = add(c, "proc", "", "exit")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_process_exit", 2);
	filter(p, DBPF_CMP_NE, ctxw(1), constant(0));
	arg(p, (struct dbpf_karg){ .op = DBPF_KARG_EXIT_REASON, .word = 0,
	    .size = 4, .off = t->exit_code }, "int");
	/* lwp-exit: any thread exits. */
	if ((p = add(c, "proc", "", "lwp-exit")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_process_exit", 2);
	/* create: a new process (child pid == child tgid), in the parent. */
	if ((p = add(c, "proc", "", "create")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_process_fork", 2);
	filter(p, DBPF_CMP_EQ, load(1, t->pid, 4, true), load(1, t->tgid, 4, true));
	arg(p, ctxw(1), "struct task_struct *");
	/* lwp-create: a new thread in an existing process. */
	if ((p = add(c, "proc", "", "lwp-create")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_process_fork", 2);
	filter(p, DBPF_CMP_NE, load(1, t->pid, 4, true), load(1, t->tgid, 4, true));
	arg(p, ctxw(1), "struct task_struct *");
	arg(p, ctxw(1), "struct task_struct *");
	/* signal-send: signal_generate(sig, info, task, group, result). */
	if ((p = add(c, "proc", "", "signal-send")) == NULL)
		return -ENOMEM;
	raw_tp(p, "signal", "signal_generate", 5);
	arg(p, ctxw(2), "struct task_struct *");
	arg(p, ctxw(2), "struct task_struct *");
	arg(p, ctxw(0), "int");
	/* signal-handle: signal_deliver(sig, info, ka), in the receiver. */
	if ((p = add(c, "proc", "", "signal-handle")) == NULL)
		return -ENOMEM;
	raw_tp(p, "signal", "signal_deliver", 3);
	arg(p, ctxw(0), "int");
	arg(p, ctxw(1), "struct kernel_siginfo *");
	arg(p, ctxw(2), "struct k_sigaction *");
	return 0;
}

/* sched_switch(preempt, prev, next, prev_state) runs in prev's context. */
static int add_sched(struct dbpf_catalog *c)
{
	struct dbpf_kprobe *p;

	if ((p = add(c, "sched", "", "on-cpu")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_switch", 4);
	p->task = ctxw(2);		/* about the incoming thread */
	if ((p = add(c, "sched", "", "off-cpu")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_switch", 4);
	arg(p, ctxw(2), "struct task_struct *");
	arg(p, ctxw(2), "struct task_struct *");
	if ((p = add(c, "sched", "", "sleep")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_switch", 4);
	filter(p, DBPF_CMP_NE, ctxw(3), constant(0));
	if ((p = add(c, "sched", "", "preempt")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_switch", 4);
	filter(p, DBPF_CMP_NE, ctxw(0), constant(0));
	if ((p = add(c, "sched", "", "wakeup")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_wakeup", 1);
	arg(p, ctxw(0), "struct task_struct *");
	arg(p, ctxw(0), "struct task_struct *");
	if ((p = add(c, "sched", "", "wakeup-new")) == NULL)
		return -ENOMEM;
	raw_tp(p, "sched", "sched_wakeup_new", 1);
	arg(p, ctxw(0), "struct task_struct *");
	arg(p, ctxw(0), "struct task_struct *");
	return 0;
}

int dbpf_catalog__new(const char *btf_path, struct dbpf_catalog **out,
    char *err, size_t errlen)
{
	struct dbpf_catalog *c = calloc(1, sizeof(*c));
	const char *path = btf_path ? btf_path : DEFAULT_BTF;
	int rc;

	if (c == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	if (btf_path != NULL && *btf_path == '\0') {	/* names only */
		if ((rc = add_syscalls(c)) != 0 || (rc = add_proc(c)) != 0 ||
		    (rc = add_sched(c)) != 0) {
			dbpf_catalog__free(c);
			return dbpf_say(err, errlen, rc, "out of memory");
		}
		*out = c;
		return 0;
	}
	c->btf = btf__parse(path, NULL);
	if (c->btf == NULL) {
		rc = errno ? -errno : -ENOENT;
		free(c);
		return dbpf_say(err, errlen, rc, "cannot read kernel BTF %s: %s", path,
		    strerror(-rc));
	}
	if ((rc = read_offsets(c, err, errlen)) != 0 ||
	    (rc = add_syscalls(c)) != 0 || (rc = add_proc(c)) != 0 ||
	    (rc = add_sched(c)) != 0) {
		if (rc == -ENOMEM)
			dbpf_say(err, errlen, rc, "out of memory");
		dbpf_catalog__free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void dbpf_catalog__free(struct dbpf_catalog *c)
{
	if (c == NULL)
		return;
	btf__free(c->btf);
	free(c->probes);
	free(c);
}

size_t dbpf_catalog__count(const struct dbpf_catalog *c)
{
	return c->nprobes;
}

const struct dbpf_kprobe *dbpf_catalog__probe(const struct dbpf_catalog *c, size_t i)
{
	return i < c->nprobes ? &c->probes[i] : NULL;
}

const struct dbpf_task_off *dbpf_catalog__task_off(const struct dbpf_catalog *c)
{
	return &c->task;
}

int dbpf_catalog__profile(const struct dbpf_catalog *c, const char *name,
    uint64_t period_ns, bool tick, struct dbpf_kprobe *out)
{
	if (period_ns == 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	snprintf(out->prov, sizeof(out->prov), "profile");
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->hook.kind = DBPF_HOOK_PERF_CLOCK;
	snprintf(out->hook.name, sizeof(out->hook.name), "%s", name);
	snprintf(out->hook.group, sizeof(out->hook.group), "perf");
	out->hook.period_ns = period_ns;
	out->hook.all_cpus = !tick;
	out->nargs = 2;
	out->args[0] = (struct dbpf_karg){ .op = DBPF_KARG_PC_KERNEL, .size = 8,
	    .off = c->regs.ip, .off2 = c->regs.cs };
	out->args[1] = out->args[0];
	out->args[1].op = DBPF_KARG_PC_USER;
	out->argtype[0] = out->argtype[1] = "uint64_t";
	return 0;
}

/* The BTF type of tracepoint `event`'s prototype: btf_trace_<event> is a
 * pointer to a function (void *data, args...).  Number of args, or -1. */
static int tp_nargs(const struct btf *btf, const char *event)
{
	char tname[160];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", event);
	if ((id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF)) < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	if (t == NULL || (t = btf__type_by_id(btf, t->type)) == NULL || !btf_is_ptr(t) ||
	    (t = btf__type_by_id(btf, t->type)) == NULL || !btf_is_func_proto(t) ||
	    btf_vlen(t) < 1)
		return -1;
	return btf_vlen(t) - 1;
}

int dbpf_catalog__tracepoint(const struct dbpf_catalog *c, const char *group,
    const char *event, struct dbpf_kprobe *out, char *err, size_t errlen)
{
	int n = c->btf != NULL ? tp_nargs(c->btf, event) : -1;

	if (n < 0)
		return dbpf_say(err, errlen, -ENOENT,
		    "tracepoint %s:%s has no raw tracepoint type in the kernel's BTF",
		    group, event);
	memset(out, 0, sizeof(*out));
	snprintf(out->prov, sizeof(out->prov), "tracepoint");
	snprintf(out->mod, sizeof(out->mod), "%s", group);
	snprintf(out->name, sizeof(out->name), "%s", event);
	raw_tp(out, group, event, (uint32_t)n);
	for (int i = 0; i < n && i < DBPF_KMAXARGS; i++)
		arg(out, ctxw((unsigned)i), "uint64_t");
	return 0;
}

int dbpf_tracepoint__each(int (*fn)(const char *group, const char *event, void *arg),
    void *arg, char *err, size_t errlen)
{
	char path[256], line[512];
	FILE *fp;
	int rc = 0;

	if ((rc = dbpf_attach__tracefs(path, sizeof(path), err, errlen)) != 0)
		return rc;
	if (strlen(path) + sizeof("/available_events") > sizeof(path))
		return dbpf_say(err, errlen, -ENAMETOOLONG, "tracefs path too long");
	strcat(path, "/available_events");
	if ((fp = fopen(path, "r")) == NULL)
		return dbpf_say(err, errlen, -errno, "cannot read %s: %s", path, strerror(errno));
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		char *colon = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		if (colon == NULL)
			continue;
		*colon = '\0';
		rc = fn(line, colon + 1, arg);
	}
	fclose(fp);
	return rc;
}

long dbpf_syscall__nr(const char *name)
{
	for (unsigned i = 0; i < dbpf_nsys; i++)
		if (strcmp(dbpf_systab[i].name, name) == 0)
			return dbpf_systab[i].nr;
	return -1;
}
