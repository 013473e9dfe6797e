/*
 * check_vm_bridge.c — the QEMU guest attached through the host interface
 * every guest uses (include/dif/htvm.h): qg_bridge boots the guest and
 * offers it on DIR/<name>.sock; this test is the host.  It takes the
 * ANNOUNCE with dvmm's own decoder, maps the RAM file read-only and the
 * exit ring read-write, registers the guest (dvmm_guest), enables its
 * probes, and then serves exits from the ring as dtrace does: dvmm_ring__take,
 * dvmm_guest__exit, read guest memory with the typefile the guest sent,
 * dvmm_ring__resume and a futex wake.  What it aggregates is what the
 * issue's three scripts aggregate:
 *
 *   @[vmname, execname] = count()                  on syscall:::entry
 *   @[td_ucred->cr_ruid, td_ucred->cr_rgid] = count()  (faults excluded)
 *   @[vmname, probefunc] = count()                 (entry-to-entry pairs)
 *
 * and it must equal the ground truth the bridge wrote from the guest's
 * own records.  Usage: check_vm_bridge QG_BRIDGE GUEST.ELF TYPEFILE;
 * skips with 77 without qemu-system-x86_64.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dvmm.h"
#include "qemu_run.h"
#include "typ_typefile.h"

extern char **environ;

#define NRUNS		2
#define MAX_KEYS	32

struct agg {
	unsigned n;
	char key[MAX_KEYS][160];
	unsigned count[MAX_KEYS];
};

struct run {
	const char *cpu;
	const char *name;
	int bridge_status;
	char err[600];
	struct dvmm_announce ann;
	char probes[QG_NPROBES][200];
	unsigned exits, fired, faults_np, faults_noslot, deref_other;
	struct agg by_exec, by_cred, by_func;		/* from the host side */
	struct agg t_exec, t_cred, t_func;		/* from the truth file */
	unsigned t_faults;
};

static const char *bridge_path, *guest_path, *typefile_path;
static struct run runs[NRUNS] = {
	{ .cpu = "qemu64,+pdpe1gb", .name = "qemu4" },
	{ .cpu = "qemu64,+pdpe1gb,+la57", .name = "qemu5" },
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

static void agg_add(struct agg *a, const char *key)
{
	for (unsigned i = 0; i < a->n; i++)
		if (strcmp(a->key[i], key) == 0) {
			a->count[i]++;
			return;
		}
	if (a->n < MAX_KEYS) {
		snprintf(a->key[a->n], sizeof(a->key[0]), "%s", key);
		a->count[a->n++] = 1;
	}
}

/* Same keys with the same counts, in any order. */
static int agg_equal(const struct agg *a, const struct agg *b)
{
	if (a->n != b->n)
		return 0;
	for (unsigned i = 0; i < a->n; i++) {
		unsigned j;

		for (j = 0; j < b->n; j++)
			if (strcmp(a->key[i], b->key[j]) == 0)
				break;
		if (j == b->n || a->count[i] != b->count[j])
			return 0;
	}
	return 1;
}

static unsigned agg_total(const struct agg *a)
{
	unsigned t = 0;

	for (unsigned i = 0; i < a->n; i++)
		t += a->count[i];
	return t;
}

/* ---- the host side -------------------------------------------------- */

struct host {
	int fd;
	uint8_t msg[HTVM_MSG_HDR_SIZE + HTVM_ANN_SIZE(HTVM_MAX_PROBES)];
	size_t len;
	int fds[HTVM_MAX_FDS];
	unsigned nfds;
	uint8_t *ring;
	const uint8_t *ram[HTVM_MAX_RAMFDS];
	size_t ram_size[HTVM_MAX_RAMFDS];
	void *types;
	size_t types_len;
	struct dvmm_guest *g;
	uint64_t off_ucred, off_ruid, off_rgid;
};

static int connect_to(struct run *r, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		note(r, "socket path too long: %s", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (int i = 0; i < 400; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		usleep(25000);
	}
	note(r, "cannot connect to %s", path);
	return -1;
}

static int recv_announce(struct run *r, struct host *h)
{
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(int) * HTVM_MAX_FDS)];
	} cb;
	struct iovec iov = { h->msg, HTVM_MSG_HDR_SIZE };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cb.buf, .msg_controllen = sizeof(cb.buf) };
	uint16_t type;
	uint32_t plen;
	ssize_t n;

	n = recvmsg(h->fd, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);
	if (n != HTVM_MSG_HDR_SIZE) {
		note(r, "announce header: %zd bytes", n);
		return -1;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			h->nfds = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(h->fds, CMSG_DATA(c), h->nfds * sizeof(int));
		}
	if (dvmm_msg__check(h->msg, &type, &plen) != 0 || type != HTVM_MSG_ANNOUNCE ||
	    plen > sizeof(h->msg) - HTVM_MSG_HDR_SIZE) {
		note(r, "bad announce header");
		return -1;
	}
	n = recv(h->fd, h->msg + HTVM_MSG_HDR_SIZE, plen, MSG_WAITALL);
	if (n != (ssize_t)plen) {
		note(r, "announce payload: %zd of %u bytes", n, plen);
		return -1;
	}
	h->len = HTVM_MSG_HDR_SIZE + plen;
	return 0;
}

static int offsets_from(struct run *r, struct host *h)
{
	struct typ_file *tf;
	struct typ_access acc;
	struct typ_err err;
	int64_t th, uc;
	int rc = -1;

	if (typ_file__open_mem(h->types, h->types_len, "announced typefile",
	    &tf, &err) < 0) {
		note(r, "typefile: %s", err.msg);
		return -1;
	}
	th = typ_file__lookup(tf, "struct thread", &err);
	uc = typ_file__lookup(tf, "struct ucred", &err);
	if (th >= 0 && uc >= 0 &&
	    typ_file__member_path(tf, (typ_id_t)th, "td_ucred", &acc, &err) == 0) {
		h->off_ucred = acc.bit_offset / 8;
		if (typ_file__member_path(tf, (typ_id_t)uc, "cr_ruid", &acc, &err) == 0) {
			h->off_ruid = acc.bit_offset / 8;
			if (typ_file__member_path(tf, (typ_id_t)uc, "cr_rgid", &acc,
			    &err) == 0) {
				h->off_rgid = acc.bit_offset / 8;
				rc = 0;
			}
		}
	}
	if (rc)
		note(r, "typefile: %s", err.msg);
	typ_file__free(tf);
	return rc;
}

/* Validate, map and register what the guest announced; then ATTACH. */
static int attach(struct run *r, struct host *h)
{
	struct dvmm_announce *a = &r->ann;
	uint8_t att[HTVM_MSG_HDR_SIZE + HTVM_ATT_SIZE] = { 0 };
	struct stat st;
	int rc;

	if ((rc = dvmm_ann__decode(h->msg, h->len, h->nfds, a)) != 0) {
		note(r, "announce rejected: %s", dvmm_err__name(rc));
		return -1;
	}
	h->ring = mmap(NULL, HTVM_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    h->fds[0], 0);
	h->types_len = a->typefile_len;
	h->types = mmap(NULL, h->types_len, PROT_READ, MAP_PRIVATE, h->fds[1], 0);
	if (h->ring == MAP_FAILED || h->types == MAP_FAILED ||
	    dvmm_ring__check(h->ring, a->nvcpus) != 0) {
		note(r, "ring or typefile unusable");
		return -1;
	}
	for (unsigned i = 0; i < a->nramfds; i++) {
		if (fstat(h->fds[2 + i], &st) < 0) {
			note(r, "RAM fd: %s", strerror(errno));
			return -1;
		}
		h->ram_size[i] = (size_t)st.st_size;
		h->ram[i] = mmap(NULL, h->ram_size[i], PROT_READ, MAP_SHARED,
		    h->fds[2 + i], 0);
		if (h->ram[i] == MAP_FAILED) {
			h->ram[i] = NULL;
			note(r, "RAM mmap: %s", strerror(errno));
			return -1;
		}
	}
	h->g = calloc(1, sizeof(*h->g));
	if (!h->g || dvmm_guest__init(h->g, a, h->msg) != 0)
		return -1;
	for (unsigned i = 0; i < a->nslots; i++) {
		const struct dvmm_ann_slot *s = &a->slots[i];

		if (s->offset + s->size > h->ram_size[s->fd] ||
		    dvmm_vm__add_slot(&h->g->vm, s->gpa, s->size,
		    h->ram[s->fd] + s->offset) != 0) {
			note(r, "slot %u refused", i);
			return -1;
		}
	}
	for (uint32_t i = 0; i < a->nprobes; i++) {
		struct dvmm_gprobe_name n;

		dvmm_ann__probe(h->msg, i, &n);
		if (i < QG_NPROBES)
			snprintf(r->probes[i], sizeof(r->probes[i]), "%s:%s:%s:%s",
			    n.provider, n.module, n.function, n.name);
		dvmm_guest__enable(h->g, i, &r->probes[i % QG_NPROBES]);
		dvmm_ring__set_enabled(h->ring, i, true);
	}
	if (offsets_from(r, h) < 0)
		return -1;
	dvmm_ring__set_host(h->ring, HTVM_HOST_ATTACHED);
	dvmm_msg__header(att, HTVM_MSG_ATTACH, HTVM_ATT_SIZE);
	return write(h->fd, att, sizeof(att)) == (ssize_t)sizeof(att) ? 0 : -1;
}

/* One firing: what the three scripts record. */
static void fire(struct run *r, struct host *h, const struct dvmm_exit *x,
    const struct dvmm_ctx *ctx, const char *probe)
{
	char key[160];
	const char *func, *name;
	uint64_t ucred = 0;
	uint32_t ruid = 0, rgid = 0;
	struct dvmm_fault f;
	int rc;

	r->fired++;
	name = strrchr(probe, ':') + 1;
	if (strcmp(name, "entry") != 0)
		return;
	func = strchr(strchr(probe, ':') + 1, ':') + 1;
	snprintf(key, sizeof(key), "%s %s", r->ann.name, ctx->execname);
	agg_add(&r->by_exec, key);
	snprintf(key, sizeof(key), "%s %.*s", r->ann.name,
	    (int)(strchr(func, ':') - func), func);
	agg_add(&r->by_func, key);
	rc = dvmm_vm__read(&h->g->vm, x->vcpu.cr3, x->vcpu.mode,
	    ctx->curthread + h->off_ucred, &ucred, 8, 0, &f);
	if (rc == 0)
		rc = dvmm_vm__read(&h->g->vm, x->vcpu.cr3, x->vcpu.mode,
		    ucred + h->off_ruid, &ruid, 4, 0, &f);
	if (rc == 0)
		rc = dvmm_vm__read(&h->g->vm, x->vcpu.cr3, x->vcpu.mode,
		    ucred + h->off_rgid, &rgid, 4, 0, &f);
	if (rc == DVMM_E_NOT_PRESENT)
		r->faults_np++;
	else if (rc == DVMM_E_NO_SLOT)
		r->faults_noslot++;
	else if (rc != 0)
		r->deref_other++;
	if (rc != 0)
		return;
	snprintf(key, sizeof(key), "%u %u", ruid, rgid);
	agg_add(&r->by_cred, key);
}

static void serve(struct run *r, struct host *h)
{
	static uint8_t scratch[HT_GC_MAX_SIZE];
	_Atomic uint32_t *bell = (_Atomic uint32_t *)(void *)(h->ring +
	    HTVM_RING_OFF_DOORBELL);
	time_t start = time(NULL);

	while (time(NULL) - start < 20) {
		uint32_t seen = atomic_load(bell);
		struct dvmm_exit x;
		struct dvmm_ctx ctx;
		struct dvmm_gprobe *p;
		struct timespec ts = { 0, 100 * 1000000L };
		int err, rc;
		int64_t ret;

		rc = dvmm_ring__take(h->ring, 0, &x);
		if (rc == 0) {
			if (dvmm_ring__guest_state(h->ring) == HTVM_GUEST_DONE)
				return;
			syscall(SYS_futex, (uint32_t *)bell, FUTEX_WAIT, seen, &ts,
			    NULL, 0);
			continue;
		}
		r->exits++;
		if (rc < 0) {
			ret = HT_HC_R_EINVAL;
		} else {
			dvmm_vm__flush(&h->g->vm);
			ret = dvmm_guest__exit(h->g, &x, scratch, &ctx, &p, &err);
			if (p)
				fire(r, h, &x, &ctx, p->cookie);
		}
		dvmm_ring__resume(h->ring, 0, ret);
		syscall(SYS_futex, dvmm_ring__state(h->ring, 0), FUTEX_WAKE, INT_MAX,
		    NULL, NULL, 0);
	}
	note(r, "guest not done after 20 s (%u exits)", r->exits);
}

static void detach(struct host *h)
{
	if (h->ring && h->ring != MAP_FAILED) {
		dvmm_ring__set_host(h->ring, HTVM_HOST_DETACHED);
		munmap(h->ring, HTVM_RING_SIZE);
	}
	if (h->types && h->types != MAP_FAILED)
		munmap(h->types, h->types_len);
	for (unsigned i = 0; i < HTVM_MAX_RAMFDS; i++)
		if (h->ram[i])
			munmap((void *)h->ram[i], h->ram_size[i]);
	for (unsigned i = 0; i < h->nfds; i++)
		close(h->fds[i]);
	if (h->fd >= 0)
		close(h->fd);
	free(h->g);
}

/* ---- the truth the bridge wrote --------------------------------------- */

static void read_truth(struct run *r, const char *path)
{
	char line[512], vm[64], probe[96], exec[64], deref[16], key[160];
	unsigned long long tid;
	unsigned pid, ruid, rgid, uid;
	FILE *f = fopen(path, "r");

	if (!f) {
		note(r, "%s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *func, *name;

		if (sscanf(line, "%63s %95s tid=%llu pid=%u execname=%63s deref=%15s "
		    "ruid=%u rgid=%u uid=%u", vm, probe, &tid, &pid, exec, deref,
		    &ruid, &rgid, &uid) != 9) {
			note(r, "truth line: %s", line);
			continue;
		}
		name = strrchr(probe, ':') + 1;
		if (strcmp(name, "entry") != 0)
			continue;
		func = strchr(strchr(probe, ':') + 1, ':') + 1;
		snprintf(key, sizeof(key), "%s %s", vm, exec);
		agg_add(&r->t_exec, key);
		snprintf(key, sizeof(key), "%s %.*s", vm, (int)(strrchr(func, ':') - func),
		    func);
		agg_add(&r->t_func, key);
		if (strcmp(deref, "ok") == 0) {
			snprintf(key, sizeof(key), "%u %u", ruid, rgid);
			agg_add(&r->t_cred, key);
		} else {
			r->t_faults++;
		}
	}
	fclose(f);
}

static void collect(struct run *r)
{
	char dir[] = "/tmp/ht-vmdir-XXXXXX", sock[108], truth[128];
	struct host h = { .fd = -1 };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	r->bridge_status = -1;
	if (!mkdtemp(dir)) {
		note(r, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(sock, sizeof(sock), "%s/%s.sock", dir, r->name);
	snprintf(truth, sizeof(truth), "%s/truth", dir);
	char *argv[] = { (char *)bridge_path, "--vmdir", dir, "--guest",
		(char *)guest_path, "--typefile", (char *)typefile_path, "--name",
		(char *)r->name, "--cpu", (char *)r->cpu, "--truth", truth, NULL };

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (posix_spawn(&pid, bridge_path, &fa, NULL, argv, environ) != 0) {
		note(r, "cannot start %s", bridge_path);
		posix_spawn_file_actions_destroy(&fa);
		rmdir(dir);
		return;
	}
	posix_spawn_file_actions_destroy(&fa);
	if ((h.fd = connect_to(r, sock)) >= 0 && recv_announce(r, &h) == 0 &&
	    attach(r, &h) == 0)
		serve(r, &h);
	detach(&h);
	for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(20000);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		note(r, "bridge did not exit");
	}
	r->bridge_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	read_truth(r, truth);
	unlink(truth);
	rmdir(dir);
}

/* ---- checks ------------------------------------------------------------- */

/* ASSERTION: the bridge's ANNOUNCE passes the host's decoder and describes the guest: name, hostname, 2 RAM slots around the VGA hole, 1 GiB pages, LA57 when the CPU has it, six syscall probes. */
START_TEST(test_announce)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->ann.nprobes == QG_NPROBES, "%s: %s", r->cpu, r->err);
	ck_assert_str_eq(r->ann.name, r->name);
	ck_assert_str_eq(r->ann.hostname, "qg.test");
	ck_assert_uint_eq(r->ann.nslots, 2);
	ck_assert_uint_eq(r->ann.slots[0].size, QR_LOWMEM_HOLE);
	ck_assert_uint_eq(r->ann.slots[1].gpa, QR_HOLE_END);
	ck_assert_uint_eq(r->ann.flags & HTVM_ANN_F_GBPAGES, HTVM_ANN_F_GBPAGES);
	ck_assert_uint_eq(!!(r->ann.flags & HTVM_ANN_F_LA57), _i == 1);
	ck_assert_str_eq(r->probes[0], "syscall::read:entry");
	ck_assert_str_eq(r->probes[5], "syscall::open:return");
}
END_TEST

/* ASSERTION: every exit goes through the ring and the guest and bridge finish cleanly (bridge exit 0: guest exit code 33, every RAX as the guest expected). */
START_TEST(test_bridge_clean)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->bridge_status == 0, "%s: status %d: %s", r->cpu,
	    r->bridge_status, r->err);
	ck_assert_uint_eq(r->exits, 101);
	ck_assert_uint_eq(r->fired, 92);
}
END_TEST

/* ASSERTION: @[vmname, execname] = count() on syscall:::entry equals the guest's ground truth. */
START_TEST(test_script_execname)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->t_exec.n > 0, "%s: %s", r->cpu, r->err);
	ck_assert(agg_equal(&r->by_exec, &r->t_exec));
	ck_assert_uint_eq(agg_total(&r->by_exec), 47);
}
END_TEST

/* ASSERTION: @[curthread->td_ucred->cr_ruid, ->cr_rgid] = count() equals the ground truth; the two bad td_ucred pointers fault (NOT_PRESENT, NO_SLOT) instead. */
START_TEST(test_script_creds)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->t_cred.n > 0, "%s: %s", r->cpu, r->err);
	ck_assert(agg_equal(&r->by_cred, &r->t_cred));
	ck_assert_uint_eq(r->by_cred.n, 3);	/* (0,0) (0,22) (1001,100) */
	ck_assert_uint_eq(r->t_faults, 2);
	ck_assert_uint_eq(r->faults_np, 1);
	ck_assert_uint_eq(r->faults_noslot, 1);
	ck_assert_uint_eq(r->deref_other, 0);
}
END_TEST

/* ASSERTION: @[vmname, probefunc] counts of entry firings equal the ground truth. */
START_TEST(test_script_probefunc)
{
	struct run *r = &runs[_i];

	ck_assert_msg(r->t_func.n > 0, "%s: %s", r->cpu, r->err);
	ck_assert(agg_equal(&r->by_func, &r->t_func));
	ck_assert_uint_eq(r->by_func.n, QG_NSYSCALLS);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	SRunner *sr;
	int failed;
	const TTest *cases[] = { test_announce, test_bridge_clean,
		test_script_execname, test_script_creds, test_script_probefunc };
	const char *names[] = { "announce", "bridge_clean", "script_execname",
		"script_creds", "script_probefunc" };

	if (argc != 4) {
		fprintf(stderr, "usage: check_vm_bridge QG_BRIDGE GUEST.ELF TYPEFILE\n");
		return 2;
	}
	bridge_path = argv[1];
	guest_path = argv[2];
	typefile_path = argv[3];
	if (!qr_qemu__find()) {
		printf("SKIP: qemu-system-x86_64 not found (Debian package "
		    "qemu-system-x86; scripts/setup.sh installs it)\n");
		return 77;
	}
	for (int i = 0; i < NRUNS; i++) {
		collect(&runs[i]);
		printf("%s (%s): %u exits, %u firings, bridge status %d%s%s\n",
		    runs[i].name, runs[i].cpu, runs[i].exits, runs[i].fired,
		    runs[i].bridge_status, runs[i].err[0] ? "; " : "", runs[i].err);
	}
	s = suite_create("vm-bridge");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(names[i]);

		tcase_add_loop_test(tc, cases[i], 0, NRUNS);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
