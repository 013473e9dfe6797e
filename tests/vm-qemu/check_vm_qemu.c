/*
 * check_vm_qemu.c — VM tracing against a REAL guest: the QEMU test guest
 * (guests/qemu) boots under TCG with its RAM in a shared file, builds its
 * own 4- or 5-level page tables and kernel structures and fires probes
 * through the hypercall ABI; this host side runs dvmm on every exit and
 * follows curthread->td_ucred->cr_ruid and friends through the page
 * tables the guest CPU really uses, with offsets from the guest's
 * typefile, and compares everything with the ground truth the guest
 * reports.  QEMU's own monitor is the oracle for CR3 (info registers) and
 * for translations (gva2gpa).
 *
 * Structure: main() boots the guest once per paging mode and collects a
 * struct run per boot (collect()); the Check cases then assert on those
 * results, one behaviour each.  Skips with 77 when qemu-system-x86_64 is
 * not installed.  Usage: check_vm_qemu GUEST.ELF TYPEFILE.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvmm.h"
#include "qemu_run.h"
#include "typ_typefile.h"

#define NRUNS		2	/* 4-level with 64 MiB, 5-level with 4 GiB */
#define MAX_CR3		16

struct offsets {
	uint64_t td_ucred, td_proc, td_tid;
	uint64_t p_comm, p_pid;
	uint64_t cr_ruid, cr_rgid, cr_uid;
};

struct run {
	const char *name;
	const char *cpu;
	unsigned want_levels;
	unsigned ram_mb;		/* 0: 64 MiB */
	const char *append;
	int started;
	char err[600];			/* first failure, for the report */
	/* exits */
	unsigned exits, rax_ok, rax_bad;
	unsigned cpl3_refused;		/* exits from CPL 3 refused as HC_CPL */
	unsigned events, chain_ok, chain_bad;
	unsigned hole_ok, noram_ok, fault_bad;
	unsigned straddle_ok;		/* cr_ruid split over discontiguous frames */
	unsigned high_ok;		/* credentials read from GPA >= 4 GiB */
	unsigned levels_bad;
	unsigned sizes_seen;		/* 1: 4 KiB, 2: 2 MiB, 4: 1 GiB */
	uint64_t cr3s[MAX_CR3];
	unsigned ncr3;
	uint64_t last_cr3;
	uint32_t last_mode;
	uint64_t last_thread, last_proc, last_ucred;
	/* end of run */
	int done;
	uint32_t guest_fired, guest_bad_rax;
	uint64_t qmp_cr3;
	int qmp_cr3_ok;
	unsigned oracle_ok, oracle_bad;
	int perm[8];			/* permission walks, see perm_cases */
	int exit_code;
	int fault_vector;
};

static const char *guest_path, *typefile_path, *qemu_path;
static struct offsets off;
static struct run runs[NRUNS] = {
	{ .name = "4-level", .cpu = "qemu64,+pdpe1gb", .want_levels = 4 },
	{ .name = "5-level, 4 GiB", .cpu = "qemu64,+pdpe1gb,+la57",
	  .want_levels = 5, .ram_mb = 4096, .append = "highmem" },
};

static void note(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
}

/* ---- typefile ------------------------------------------------------ */

static int member(struct typ_file *tf, const char *type, const char *path,
    uint64_t *out)
{
	struct typ_access acc;
	struct typ_err err;
	int64_t id = typ_file__lookup(tf, type, &err);

	if (id < 0 || typ_file__member_path(tf, (typ_id_t)id, path, &acc, &err) < 0) {
		fprintf(stderr, "check_vm_qemu: %s.%s: %s\n", type, path, err.msg);
		return -1;
	}
	*out = acc.bit_offset / 8;
	return 0;
}

static int load_offsets(const char *path)
{
	struct typ_file *tf;
	struct typ_err err;
	int bad = 0;

	if (typ_file__open(path, &tf, &err) < 0) {
		fprintf(stderr, "check_vm_qemu: %s: %s\n", path, err.msg);
		return -1;
	}
	bad |= member(tf, "struct thread", "td_ucred", &off.td_ucred);
	bad |= member(tf, "struct thread", "td_proc", &off.td_proc);
	bad |= member(tf, "struct thread", "td_tid", &off.td_tid);
	bad |= member(tf, "struct proc", "p_comm", &off.p_comm);
	bad |= member(tf, "struct proc", "p_pid", &off.p_pid);
	bad |= member(tf, "struct ucred", "cr_ruid", &off.cr_ruid);
	bad |= member(tf, "struct ucred", "cr_rgid", &off.cr_rgid);
	bad |= member(tf, "struct ucred", "cr_uid", &off.cr_uid);
	typ_file__free(tf);
	return bad ? -1 : 0;
}

/* ---- following the guest's pointers ---------------------------------- */

struct view {
	struct dvmm_vm *vm;
	uint64_t cr3;
	uint32_t mode;
	struct dvmm_fault fault;
};

static int gread(struct view *v, uint64_t gva, void *buf, size_t len,
    uint32_t access)
{
	return dvmm_vm__read(v->vm, v->cr3, v->mode, gva, buf, len, access,
	    &v->fault);
}

static uint64_t gread_u(struct view *v, uint64_t gva, size_t len, int *rc)
{
	uint64_t x = 0;

	if (*rc == 0)
		*rc = gread(v, gva, &x, len, 0);
	return x;			/* little-endian host, as the guest */
}

static void note_size(struct run *r, struct view *v, uint64_t gva)
{
	struct dvmm_xlate x;
	struct dvmm_fault f;

	if (dvmm_vm__walk(v->vm, v->cr3, v->mode, gva, 0, &x, &f) == 0)
		r->sizes_seen |= x.page_size == 0x1000 ? 1 :
		    x.page_size == 0x200000 ? 2 : x.page_size == 0x40000000 ? 4 : 0;
}

/* A value read correctly although its two pages are not adjacent in
 * guest-physical memory: each page was translated on its own. */
static void note_straddle(struct run *r, struct view *v, uint64_t gva, size_t len)
{
	struct dvmm_xlate a, b;
	struct dvmm_fault f;
	uint64_t next = (gva | 0xfff) + 1;

	if (gva + len <= next)
		return;
	if (dvmm_vm__walk(v->vm, v->cr3, v->mode, gva, 0, &a, &f) == 0 &&
	    dvmm_vm__walk(v->vm, v->cr3, v->mode, next, 0, &b, &f) == 0 &&
	    b.gpa != (a.gpa | 0xfff) + 1)
		r->straddle_ok++;
}

static void note_high(struct run *r, struct view *v, uint64_t gva)
{
	struct dvmm_xlate x;
	struct dvmm_fault f;

	if (dvmm_vm__walk(v->vm, v->cr3, v->mode, gva, 0, &x, &f) == 0 &&
	    x.gpa >= QR_4G)
		r->high_ok++;
}

/* curthread->td_ucred->{cr_ruid,cr_rgid,cr_uid}, ->td_proc->p_comm, ... */
static void check_event(struct run *r, struct view *v,
    const struct dvmm_ctx *ctx, const struct qr_record *t)
{
	char comm[QG_COMM_LEN + 1] = { 0 }, uarg[QG_UARG_LEN + 1] = { 0 };
	uint64_t ucred, proc, tid;
	uint32_t ruid = 0, rgid = 0, uid = 0, pid;
	int rc = 0, crc = 0;

	ucred = gread_u(v, ctx->curthread + off.td_ucred, 8, &rc);
	proc = gread_u(v, ctx->curthread + off.td_proc, 8, &rc);
	tid = gread_u(v, ctx->curthread + off.td_tid, 8, &rc);
	pid = (uint32_t)gread_u(v, proc + off.p_pid, 4, &rc);
	if (rc == 0)
		rc = gread(v, proc + off.p_comm, comm, QG_COMM_LEN, 0);
	if (rc == 0)
		rc = gread(v, ctx->args[1], uarg, QG_UARG_LEN, DVMM_ACC_USER);
	if (rc != 0) {
		r->chain_bad++;
		note(r, "seq %u: thread/proc read failed: %s at 0x%" PRIx64,
		    t->seq, dvmm_err__name(rc), v->fault.gva);
		return;
	}
	ruid = (uint32_t)gread_u(v, ucred + off.cr_ruid, 4, &crc);
	rgid = (uint32_t)gread_u(v, ucred + off.cr_rgid, 4, &crc);
	uid = (uint32_t)gread_u(v, ucred + off.cr_uid, 4, &crc);

	if (t->expect == QG_EXPECT_NOT_PRESENT || t->expect == QG_EXPECT_NO_SLOT) {
		int want = t->expect == QG_EXPECT_NOT_PRESENT ?
		    DVMM_E_NOT_PRESENT : DVMM_E_NO_SLOT;

		if (crc == want && ucred == t->ucred)
			(t->expect == QG_EXPECT_NOT_PRESENT ? r->hole_ok++ : r->noram_ok++);
		else {
			r->fault_bad++;
			note(r, "seq %u: td_ucred 0x%" PRIx64 " gave %s, want %s",
			    t->seq, ucred, dvmm_err__name(crc), dvmm_err__name(want));
		}
		return;
	}
	if (crc == 0 && ucred == t->ucred && ruid == t->ruid && rgid == t->rgid &&
	    uid == t->uid && tid == t->tid && tid == ctx->tid && pid == t->pid &&
	    pid == ctx->pid && strcmp(comm, t->comm) == 0 &&
	    strcmp(comm, ctx->execname) == 0 && strcmp(uarg, t->uarg) == 0) {
		r->chain_ok++;
		note_straddle(r, v, ucred + off.cr_ruid, 4);
		note_high(r, v, ucred);
	} else {
		r->chain_bad++;
		note(r, "seq %u: read ruid %u rgid %u uid %u tid %" PRIu64
		    " pid %u comm '%s' uarg '%s' (%s); truth %u %u %u %" PRIu64
		    " %u '%s' '%s'", t->seq, ruid, rgid, uid, tid, pid, comm, uarg,
		    dvmm_err__name(crc), t->ruid, t->rgid, t->uid, t->tid, t->pid,
		    t->comm, t->uarg);
	}
	note_size(r, v, ctx->curthread);
	note_size(r, v, proc);
	note_size(r, v, ucred);
	note_size(r, v, ctx->args[1]);
	r->last_thread = ctx->curthread;
	r->last_proc = proc;
	r->last_ucred = ucred;
}

static void note_cr3(struct run *r, uint64_t cr3)
{
	for (unsigned i = 0; i < r->ncr3; i++)
		if (r->cr3s[i] == cr3)
			return;
	if (r->ncr3 < MAX_CR3)
		r->cr3s[r->ncr3++] = cr3;
}

/* One VMCALL exit: what a VMM does between VM exit and VM entry. */
static int handle_exit(struct run *r, struct qr_qemu *q, struct dvmm_vm *vm,
    const struct qr_record *x, const struct qr_record *t)
{
	static uint8_t scratch[HT_GC_MAX_SIZE];
	struct dvmm_vcpu vcpu = {
		.cpl = x->cpl, .cr3 = x->cr3,
		.mode = qr_mode(x->cr0, x->cr4, x->efer),
	};
	struct view v = { .vm = vm, .cr3 = x->cr3, .mode = vcpu.mode };
	struct dvmm_ctx ctx;
	int err = 0;
	int64_t ret;
	uint8_t le[8];

	r->exits++;
	dvmm_vm__flush(vm);
	ret = dvmm_vm__hypercall(vm, &vcpu, x->rax, x->rbx, x->rcx, scratch,
	    &ctx, &err);
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)((uint64_t)ret >> (8 * i));
	if (qr_qemu__reply(q, le, sizeof(le)) < 0)
		return -1;
	if (x->cpl == 3 && err == DVMM_E_HC_CPL && ret == HT_HC_R_EPERM)
		r->cpl3_refused++;
	if (ret == t->want_rax)
		r->rax_ok++;
	else {
		r->rax_bad++;
		note(r, "seq %u: RAX %" PRId64 " (%s), guest expects %" PRId64,
		    x->seq, ret, dvmm_err__name(err), t->want_rax);
	}
	r->last_cr3 = x->cr3;
	r->last_mode = vcpu.mode;
	note_cr3(r, x->cr3 & ~UINT64_C(0xfff));
	if (x->rax != HT_HC_PROBE || ret != HT_HC_R_OK)
		return 0;
	r->events++;
	if (ctx.mode != r->want_levels)
		r->levels_bad++;
	check_event(r, &v, &ctx, t);
	return 0;
}

/* "gpa: 0x1234" from HMP gva2gpa, compared with our own walk. */
static void oracle(struct run *r, struct qr_qemu *q, struct dvmm_vm *vm,
    uint64_t gva)
{
	char cmd[64], out[256];
	struct dvmm_xlate x;
	struct dvmm_fault f;
	const char *p;
	int rc;

	snprintf(cmd, sizeof(cmd), "gva2gpa 0x%" PRIx64, gva);
	if (qr_qemu__hmp(q, cmd, out, sizeof(out)) < 0) {
		r->oracle_bad++;
		note(r, "%s", q->err);
		return;
	}
	rc = dvmm_vm__walk(vm, r->last_cr3, r->last_mode, gva, 0, &x, &f);
	p = strstr(out, "gpa: 0x");
	if ((p && rc == 0 && strtoull(p + 7, NULL, 16) == x.gpa) ||
	    (!p && strstr(out, "Unmapped") && rc == DVMM_E_NOT_PRESENT))
		r->oracle_ok++;
	else {
		r->oracle_bad++;
		note(r, "gva2gpa 0x%" PRIx64 ": QEMU '%s', walker %s 0x%" PRIx64,
		    gva, out, dvmm_err__name(rc), rc ? 0 : x.gpa);
	}
}

/* Rights as the guest's own tables give them, in the last exit's address
 * space (a process root: its user pages plus the shared kernel half). */
static const struct {
	const char *what;
	uint64_t gva;
	uint32_t access;
	int want4, want5;		/* 4-level / 5-level result */
} perm_cases[8] = {
	{ "user read of a kernel thread", 0, DVMM_ACC_USER,
	  DVMM_E_USER, DVMM_E_USER },
	{ "user write to the user data page", QG_UARG_GVA,
	  DVMM_ACC_USER | DVMM_ACC_WRITE, 0, 0 },
	{ "user write to the read-only user code page", QG_UCODE_GVA,
	  DVMM_ACC_USER | DVMM_ACC_WRITE, DVMM_E_WRITE, DVMM_E_WRITE },
	{ "user fetch from the NX user data page", QG_UARG_GVA,
	  DVMM_ACC_USER | DVMM_ACC_FETCH, DVMM_E_NX, DVMM_E_NX },
	{ "user fetch from the user code page", QG_UCODE_GVA,
	  DVMM_ACC_USER | DVMM_ACC_FETCH, 0, 0 },
	{ "kernel fetch from the NX direct map", QG_DMAP_GVA, DVMM_ACC_FETCH,
	  DVMM_E_NX, DVMM_E_NX },
	{ "kernel write to the direct map", QG_DMAP_GVA + 0x1000000,
	  DVMM_ACC_WRITE, 0, 0 },
	{ "0x0000800000000000: non-canonical with 4 levels only",
	  UINT64_C(0x0000800000000000), 0, DVMM_E_NONCANONICAL, DVMM_E_NOT_PRESENT },
};

static void permissions(struct run *r, struct dvmm_vm *vm)
{
	for (unsigned i = 0; i < 8; i++) {
		struct dvmm_xlate x;
		struct dvmm_fault f;
		uint64_t gva = perm_cases[i].gva ? perm_cases[i].gva : r->last_thread;

		r->perm[i] = dvmm_vm__walk(vm, r->last_cr3, r->last_mode, gva,
		    perm_cases[i].access, &x, &f);
	}
}

static void end_of_run(struct run *r, struct qr_qemu *q, struct dvmm_vm *vm)
{
	static char regs[16384];
	const char *p;
	uint8_t go = QG_GO;

	if (qr_qemu__hmp(q, "info registers", regs, sizeof(regs)) == 0 &&
	    (p = strstr(regs, "CR3=")) != NULL) {
		r->qmp_cr3 = strtoull(p + 4, NULL, 16);
		r->qmp_cr3_ok = 1;
	} else {
		note(r, "info registers: %s", q->err);
	}
	oracle(r, q, vm, r->last_thread);
	oracle(r, q, vm, r->last_proc);
	oracle(r, q, vm, r->last_ucred);
	oracle(r, q, vm, QG_UARG_GVA);
	oracle(r, q, vm, UINT64_C(0xffff888040000000));	/* past the direct map */
	permissions(r, vm);
	if (qr_qemu__reply(q, &go, 1) < 0)
		note(r, "%s", q->err);
}

static void collect(struct run *r)
{
	static struct dvmm_vm vm;
	struct dvmm_vm_config cfg = {
		.nprobes = QG_NPROBES, .maxphyaddr = 40, .gbpages = true,
	};
	struct qr_record rec, truth = { 0 };
	struct qr_qemu q;
	int have_truth = 0;

	r->exit_code = -2;
	r->fault_vector = -1;
	struct qr_range ranges[QR_MAX_RANGES];
	unsigned nranges;

	if (qr_qemu__start(&q, qemu_path, guest_path, r->cpu, r->ram_mb,
	    r->append) < 0) {
		note(r, "start: %s", q.err);
		qr_qemu__stop(&q);
		return;
	}
	r->started = 1;
	/* QEMU's pc layout: the 640 KiB-1 MiB hole is backed in the file but
	 * is VGA/ROM to the guest; RAM past lowmem sits at 4 GiB. */
	nranges = qr_qemu__ram_ranges(&q, ranges);
	if (dvmm_vm__init(&vm, &cfg) < 0) {
		note(r, "dvmm setup failed");
		qr_qemu__stop(&q);
		return;
	}
	for (unsigned i = 0; i < nranges; i++)
		if (dvmm_vm__add_slot(&vm, ranges[i].gpa, ranges[i].size,
		    q.ram + ranges[i].offset) < 0) {
			note(r, "slot %u refused", i);
			qr_qemu__stop(&q);
			return;
		}
	for (;;) {
		if (qr_qemu__read_record(&q, &rec, 10000) < 0) {
			note(r, "%s", q.err);
			break;
		}
		if (rec.type == QG_REC_TRUTH) {
			truth = rec;
			have_truth = 1;
		} else if (rec.type == QG_REC_EXIT) {
			if (!have_truth) {
				note(r, "seq %u: exit without ground truth", rec.seq);
				break;
			}
			if (handle_exit(r, &q, &vm, &rec, &truth) < 0) {
				note(r, "%s", q.err);
				break;
			}
			have_truth = 0;
		} else if (rec.type == QG_REC_FAULT) {
			r->fault_vector = (int)rec.vector;
			note(r, "guest exception %u at rip 0x%" PRIx64 " cr2 0x%" PRIx64
			    " error 0x%" PRIx64, rec.vector, rec.fault_rip, rec.cr2,
			    rec.error);
			break;
		} else if (rec.type == QG_REC_DONE) {
			r->done = 1;
			r->guest_fired = rec.fired;
			r->guest_bad_rax = rec.bad_rax;
			end_of_run(r, &q, &vm);
			break;
		}
	}
	if (qr_qemu__wait(&q, 5000, &r->exit_code) < 0)
		note(r, "%s", q.err);
	qr_qemu__stop(&q);
}

/* ---- the checks ------------------------------------------------------- */

/* Expected firings (kernel.c): 3 rounds, thread i fires i+1 entry/return
 * pairs, threads 0..4; then one firing into a hole and one beyond RAM. */
#define GOOD_EVENTS	(3 * 15 * 2)
#define ALL_EVENTS	(GOOD_EVENTS + 2)
#define REJECTED	8		/* fire_rejected(), the last from CPL 3 */

/* ASSERTION: the guest boots, fires everything and exits through isa-debug-exit with the success code. */
START_TEST(test_boot_and_exit)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->started, "%s: %s", r->name, r->err);
	ck_assert_msg(r->fault_vector < 0, "%s: %s", r->name, r->err);
	ck_assert_msg(r->done, "%s: no done record: %s", r->name, r->err);
	ck_assert_int_eq(r->exit_code, 2 * QG_EXIT_OK + 1);
}
END_TEST

/* ASSERTION: every hypercall's RAX is the one the guest expected, as the guest itself confirms; the VMCALL from guest user mode (CPL 3) is refused with EPERM. */
START_TEST(test_hypercall_results)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->rax_bad == 0, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->rax_ok, ALL_EVENTS + REJECTED + 1);
	ck_assert_uint_eq(r->guest_bad_rax, 0);
	ck_assert_uint_eq(r->guest_fired, ALL_EVENTS + REJECTED - 1);
	ck_assert_uint_eq(r->events, ALL_EVENTS);
	ck_assert_uint_eq(r->levels_bad, 0);
	ck_assert_uint_eq(r->cpl3_refused, 1);
}
END_TEST

/* ASSERTION: curthread->td_ucred->cr_ruid/cr_rgid/cr_uid, td_proc->p_comm/p_pid, td_tid and the user argument read through the guest's page tables equal the guest's ground truth. */
START_TEST(test_chain_matches_truth)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->chain_bad == 0, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->chain_ok, GOOD_EVENTS);
}
END_TEST

/* ASSERTION: a cr_ruid split across two pages whose frames are swapped reads correctly (thread 4: 5 pairs per round, 3 rounds). */
START_TEST(test_split_page_read)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->chain_bad == 0, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->straddle_ok, 3 * 5 * 2);
}
END_TEST

/* ASSERTION: a td_ucred into an unmapped hole faults NOT_PRESENT, one mapped beyond RAM faults NO_SLOT. */
START_TEST(test_bad_pointers_fault)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->fault_bad == 0, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->hole_ok, 1);
	ck_assert_uint_eq(r->noram_ok, 1);
}
END_TEST

/* ASSERTION: the chain crosses 4 KiB, 2 MiB and 1 GiB leaves; exits come from the kernel's root and from one address space per process. */
START_TEST(test_page_sizes_and_spaces)
{
	struct run *r = &runs[_i];

	ck_assert_uint_eq(r->sizes_seen, 7);
	ck_assert_uint_eq(r->ncr3, 1 + 4);	/* kernel_root + NPROC */
}
END_TEST

/* ASSERTION: the CR3 the exits report is the CR3 QEMU's CPU really holds (QMP info registers). */
START_TEST(test_cr3_is_real)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->qmp_cr3_ok, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->qmp_cr3, r->last_cr3);
}
END_TEST

/* ASSERTION: the walker's translations agree with QEMU's gva2gpa, mapped and unmapped. */
START_TEST(test_walker_matches_qemu)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->oracle_bad == 0, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->oracle_ok, 5);
}
END_TEST

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ASSERTION: the record decoder takes any bytes the guest may send: random records, every single-byte change of a valid one, every length; it accepts only known types and never reads past the record (ASan build). */
START_TEST(test_record_decoder_garbage)
{
	uint8_t valid[QG_REC_SIZE] = { 0 }, *buf;
	struct qr_record r;
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned accepted = 0;

	valid[0] = 0x51; valid[1] = 0x47; valid[2] = 0x58; valid[3] = 0x31;
	valid[QG_OFF_TYPE] = QG_REC_TRUTH;
	ck_assert_int_eq(qr_record__decode(valid, sizeof(valid), &r), 0);
	for (size_t len = 0; len <= QG_REC_SIZE + 1; len++) {
		buf = malloc(len ? len : 1);	/* exact size: ASan sees overruns */
		memcpy(buf, valid, len < QG_REC_SIZE ? len : QG_REC_SIZE);
		ck_assert_int_eq(qr_record__decode(buf, len, &r) == 0,
		    len == QG_REC_SIZE);
		free(buf);
	}
	buf = malloc(QG_REC_SIZE);
	for (unsigned i = 0; i < QG_REC_SIZE; i++)
		for (unsigned v = 0; v < 256; v += 17) {
			memcpy(buf, valid, QG_REC_SIZE);
			buf[i] = (uint8_t)v;
			if (qr_record__decode(buf, QG_REC_SIZE, &r) == 0) {
				ck_assert(r.type == QG_REC_EXIT || r.type == QG_REC_TRUTH ||
				    r.type == QG_REC_DONE || r.type == QG_REC_FAULT);
				ck_assert_uint_le(strlen(r.comm), QG_COMM_LEN);
				ck_assert_uint_le(strlen(r.uarg), QG_UARG_LEN);
				accepted++;
			}
		}
	for (unsigned n = 0; n < 20000; n++) {
		for (unsigned i = 0; i < QG_REC_SIZE; i++)
			buf[i] = (uint8_t)xorshift(&seed);
		if (n & 1)
			memcpy(buf, valid, 5);	/* good magic, random type */
		buf[QG_OFF_TYPE] = n & 2 ? buf[QG_OFF_TYPE] :
		    "XTDF"[xorshift(&seed) & 3];
		if (qr_record__decode(buf, QG_REC_SIZE, &r) == 0) {
			ck_assert(r.type == QG_REC_EXIT || r.type == QG_REC_TRUTH ||
			    r.type == QG_REC_DONE || r.type == QG_REC_FAULT);
			ck_assert(r.type != QG_REC_TRUTH || r.expect <= QG_EXPECT_NO_EVENT);
			accepted++;
		}
	}
	free(buf);
	ck_assert_uint_gt(accepted, 0);
}
END_TEST

/* ASSERTION: the guest's own tables grant exactly the rights it set: U/S, R/W, XD at every level, NX with EFER.NXE, WP; the canonical check depends on the paging mode. */
START_TEST(test_permissions)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->done, "%s: %s", r->name, r->err);
	for (unsigned i = 0; i < 8; i++) {
		int want = r->want_levels == 5 ? perm_cases[i].want5 : perm_cases[i].want4;

		ck_assert_msg(r->perm[i] == want, "%s: %s: %s, want %s", r->name,
		    perm_cases[i].what, dvmm_err__name(r->perm[i]),
		    dvmm_err__name(want));
	}
}
END_TEST

/* ASSERTION: with 4 GiB of RAM QEMU puts the top GiB at GPA 4 GiB (file offset 3 GiB); the credential the guest placed there reads correctly through a third memory slot (make: 3 pairs per round, 3 rounds). */
START_TEST(test_high_memory)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->chain_bad == 0 && r->done, "%s: %s", r->name, r->err);
	ck_assert_uint_eq(r->high_ok, 3 * 3 * 2);
}
END_TEST

static Suite *vm_qemu_suite(void)
{
	Suite *s = suite_create("vm-qemu");
	struct {
		const char *name;
		const TTest *fn;
	} cases[] = {
		{ "boot_and_exit", test_boot_and_exit },
		{ "hypercall_results", test_hypercall_results },
		{ "chain_matches_truth", test_chain_matches_truth },
		{ "split_page_read", test_split_page_read },
		{ "bad_pointers_fault", test_bad_pointers_fault },
		{ "page_sizes_and_spaces", test_page_sizes_and_spaces },
		{ "cr3_is_real", test_cr3_is_real },
		{ "walker_matches_qemu", test_walker_matches_qemu },
		{ "permissions", test_permissions },
	};

	TCase *tc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tc = tcase_create(cases[i].name);
		tcase_add_loop_test(tc, cases[i].fn, 0, NRUNS);
		suite_add_tcase(s, tc);
	}
	tc = tcase_create("high_memory");
	tcase_add_loop_test(tc, test_high_memory, 1, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("record_decoder_garbage");
	tcase_add_test(tc, test_record_decoder_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc != 3) {
		fprintf(stderr, "usage: check_vm_qemu GUEST.ELF TYPEFILE\n");
		return 2;
	}
	guest_path = argv[1];
	typefile_path = argv[2];
	qemu_path = qr_qemu__find();
	if (!qemu_path) {
		printf("SKIP: qemu-system-x86_64 not found (Debian package "
		    "qemu-system-x86; scripts/setup.sh installs it)\n");
		return 77;
	}
	if (load_offsets(typefile_path) < 0)
		return 1;
	for (int i = 0; i < NRUNS; i++) {
		collect(&runs[i]);
		printf("%s: %u exits, %u events, %u chains ok, exit status %d%s%s\n",
		    runs[i].name, runs[i].exits, runs[i].events, runs[i].chain_ok,
		    runs[i].exit_code, runs[i].err[0] ? "; first problem: " : "",
		    runs[i].err);
	}
	sr = srunner_create(vm_qemu_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
