/*
 * qg_bridge.c — puts the QEMU test guest in front of a HyperTrace host
 * exactly like a model guest (include/dif/htvm.h, docs/vm-tracing.md §7).
 *
 * The bridge is the "VMM" half of the guest: it starts QEMU (qemu_run.c),
 * listens on DIR/<name>.sock, and when a host connects sends one ANNOUNCE
 * with the exit ring (a 4 KiB memfd), the guest's typefile and the RAM
 * file QEMU runs on (read-only fd), described as two slots around QEMU's
 * 640 KiB-1 MiB hole.  Each exit record the guest sends over debugcon is
 * posted into vCPU 0's ring slot; the bridge waits on the slot's futex
 * until the host resumes it and hands RAX back to the guest on COM1.  The
 * guest stays blocked in its exit meanwhile, as a vCPU does.  When the
 * guest says it is done the bridge marks the ring done, lets the guest
 * exit, and waits for the host to go away.
 *
 * With --truth FILE it writes one line per probe firing the host should
 * see: the guest's ground truth, for tests to compare against.
 *
 * Exit status: 0 the guest ran to the end and every RAX was the one it
 * expected; 1 anything else (message on stderr); 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dif/htvm.h"
#include "dif/hypercall.h"
#include "ht_version.h"
#include "qemu_run.h"

struct bridge {
	const char *vmdir, *name, *guest, *typefile, *cpu;
	const char *hostname, *osrel, *truth_path;
	int attach_timeout_s;
	int la57;
	unsigned ram_mb;
	struct qr_qemu q;
	int lfd, hfd;			/* listening socket, the host */
	int ring_fd, type_fd;
	uint8_t *ring;
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	FILE *truth;
	char truth_tmp[PATH_MAX];
	unsigned bad_rax;
};

static const char *const syscalls[QG_NSYSCALLS] = QG_SYSCALL_NAMES;

static int die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "qg_bridge: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return -1;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static _Atomic uint32_t *ring_u32(struct bridge *b, unsigned off)
{
	return (_Atomic uint32_t *)(void *)(b->ring + off);
}

static long futex(_Atomic uint32_t *w, int op, uint32_t val, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	return syscall(SYS_futex, (uint32_t *)w, op, val,
	    op == FUTEX_WAIT ? &ts : NULL, NULL, 0);
}

/* ---- set-up ------------------------------------------------------------ */

static int make_ring(struct bridge *b)
{
	b->ring_fd = memfd_create("htvm-ring", MFD_CLOEXEC);
	if (b->ring_fd < 0 || ftruncate(b->ring_fd, HTVM_RING_SIZE) < 0)
		return die("exit ring: %s%s", strerror(errno), "");
	b->ring = mmap(NULL, HTVM_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    b->ring_fd, 0);
	if (b->ring == MAP_FAILED) {
		b->ring = NULL;
		return die("exit ring: %s%s", strerror(errno), "");
	}
	put_le(b->ring + HTVM_RING_OFF_MAGIC, HTVM_RING_MAGIC, 4);
	put_le(b->ring + HTVM_RING_OFF_VERSION, HTVM_RING_VERSION, 2);
	put_le(b->ring + HTVM_RING_OFF_NVCPUS, 1, 2);
	return 0;
}

static int listen_sock(struct bridge *b)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if ((size_t)snprintf(b->sock_path, sizeof(b->sock_path), "%s/%s%s",
	    b->vmdir, b->name, HTVM_SOCK_SUFFIX) >= sizeof(b->sock_path))
		return die("socket path too long in %s%s", b->vmdir, "");
	memcpy(sa.sun_path, b->sock_path, sizeof(sa.sun_path));
	b->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(b->sock_path);
	if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(b->lfd, 1) < 0) {
		b->sock_path[0] = 0;
		return die("%s: %s", sa.sun_path, strerror(errno));
	}
	return 0;
}

static void put_name(uint8_t *dst, const char *s, size_t cap)
{
	memset(dst, 0, cap);
	for (size_t i = 0; i + 1 < cap && s[i]; i++)
		dst[i] = (uint8_t)s[i];
}

/* The ANNOUNCE message: header, fixed part, slots, probe records. */
static size_t build_announce(struct bridge *b, uint8_t *m, uint32_t typelen)
{
	uint8_t *p = m + HTVM_MSG_HDR_SIZE;
	size_t plen = HTVM_ANN_SIZE(QG_NPROBES);
	struct qr_range r[QR_MAX_RANGES];
	unsigned nr = qr_qemu__ram_ranges(&b->q, r);

	memset(m, 0, HTVM_MSG_HDR_SIZE + plen);
	put_le(m + HTVM_MSG_OFF_MAGIC, HTVM_MSG_MAGIC, 4);
	put_le(m + HTVM_MSG_OFF_TYPE, HTVM_MSG_ANNOUNCE, 2);
	put_le(m + HTVM_MSG_OFF_VERSION, HTVM_MSG_VERSION, 2);
	put_le(m + HTVM_MSG_OFF_LENGTH, plen, 4);
	put_name(p + HTVM_ANN_OFF_NAME, b->name, HTVM_NAME_LEN);
	put_name(p + HTVM_ANN_OFF_HOSTNAME, b->hostname, HTVM_HOSTNAME_LEN);
	put_name(p + HTVM_ANN_OFF_OSREL, b->osrel, HTVM_OSREL_LEN);
	p[HTVM_ANN_OFF_MAXPHY] = 40;		/* TCG's default phys-bits */
	p[HTVM_ANN_OFF_FLAGS] = HTVM_ANN_F_GBPAGES | (b->la57 ? HTVM_ANN_F_LA57 : 0);
	p[HTVM_ANN_OFF_NSLOTS] = (uint8_t)nr;
	p[HTVM_ANN_OFF_NRAMFDS] = 1;
	put_le(p + HTVM_ANN_OFF_NVCPUS, 1, 4);
	put_le(p + HTVM_ANN_OFF_NPROBES, QG_NPROBES, 4);
	put_le(p + HTVM_ANN_OFF_TYPELEN, typelen, 4);
	for (unsigned i = 0; i < nr; i++) {
		uint8_t *s = p + HTVM_ANN_OFF_SLOTS + i * HTVM_ANN_SLOT_SIZE;

		put_le(s + HTVM_SLOT_OFF_GPA, r[i].gpa, 8);
		put_le(s + HTVM_SLOT_OFF_SIZE, r[i].size, 8);
		put_le(s + HTVM_SLOT_OFF_OFFSET, r[i].offset, 8);
		put_le(s + HTVM_SLOT_OFF_FD, 0, 4);
	}
	for (unsigned i = 0; i < QG_NPROBES; i++) {
		uint8_t *pr = p + HTVM_ANN_OFF_PROBES + i * HTVM_ANN_PROBE_SIZE;

		put_name(pr + HTVM_PRB_OFF_PROVIDER, "syscall", HTVM_PRB_PROVIDER_LEN);
		put_name(pr + HTVM_PRB_OFF_FUNCTION, syscalls[i / 2],
		    HTVM_PRB_FUNCTION_LEN);
		put_name(pr + HTVM_PRB_OFF_NAME, i % 2 ? "return" : "entry",
		    HTVM_PRB_NAME_LEN);
	}
	return HTVM_MSG_HDR_SIZE + plen;
}

static int send_announce(struct bridge *b)
{
	static uint8_t m[HTVM_MSG_HDR_SIZE + HTVM_ANN_SIZE(QG_NPROBES)];
	int fds[3] = { b->ring_fd, b->type_fd, b->q.ram_fd };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(fds))];
	} c;
	struct stat st;
	struct iovec iov;
	struct msghdr mh = { 0 };
	size_t len, done;
	ssize_t w;

	if (fstat(b->type_fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size > HTVM_MAX_TYPEFILE)
		return die("%s: unusable typefile%s", b->typefile, "");
	len = build_announce(b, m, (uint32_t)st.st_size);
	memset(&c, 0, sizeof(c));
	iov.iov_base = m;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = c.buf;
	mh.msg_controllen = sizeof(c.buf);
	c.h.cmsg_level = SOL_SOCKET;
	c.h.cmsg_type = SCM_RIGHTS;
	c.h.cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(&c.h), fds, sizeof(fds));
	if ((w = sendmsg(b->hfd, &mh, MSG_NOSIGNAL)) < 0)
		return die("announce: %s%s", strerror(errno), "");
	for (done = (size_t)w; done < len; done += (size_t)w)
		if ((w = send(b->hfd, m + done, len - done, MSG_NOSIGNAL)) <= 0)
			return die("announce: %s%s", strerror(errno), "");
	return 0;
}

static int recv_attach(struct bridge *b)
{
	uint8_t m[HTVM_MSG_HDR_SIZE + HTVM_ATT_SIZE];
	size_t got = 0;
	int32_t status;

	while (got < sizeof(m)) {
		struct pollfd p = { .fd = b->hfd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			return die("host sent no ATTACH%s%s", "", "");
		r = read(b->hfd, m + got, sizeof(m) - got);
		if (r <= 0)
			return die("host closed before ATTACH%s%s", "", "");
		got += (size_t)r;
	}
	if (get_le(m + HTVM_MSG_OFF_MAGIC, 4) != HTVM_MSG_MAGIC ||
	    get_le(m + HTVM_MSG_OFF_TYPE, 2) != HTVM_MSG_ATTACH ||
	    get_le(m + HTVM_MSG_OFF_LENGTH, 4) != HTVM_ATT_SIZE)
		return die("malformed ATTACH from the host%s%s", "", "");
	status = (int32_t)get_le(m + HTVM_MSG_HDR_SIZE, 4);
	if (status != 0)
		return die("host refused the guest: %s%s", strerror(-status), "");
	return 0;
}

static int wait_host(struct bridge *b)
{
	struct pollfd p = { .fd = b->lfd, .events = POLLIN };

	if (poll(&p, 1, b->attach_timeout_s * 1000) <= 0)
		return die("no host connected to %s within the timeout%s",
		    b->sock_path, "");
	b->hfd = accept4(b->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (b->hfd < 0)
		return die("accept: %s%s", strerror(errno), "");
	if (send_announce(b) < 0 || recv_attach(b) < 0)
		return -1;
	return 0;
}

/* ---- exits --------------------------------------------------------------- */

static int host_gone(struct bridge *b)
{
	struct pollfd p = { .fd = b->hfd, .events = 0 };

	return atomic_load(ring_u32(b, HTVM_RING_OFF_HOST)) == HTVM_HOST_DETACHED ||
	    (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)));
}

/* Post one exit into vCPU 0's slot, wait to be resumed; the guest's RAX. */
static int64_t vmcall_exit(struct bridge *b, const struct qr_record *x)
{
	uint8_t *slot = b->ring + HTVM_RING_OFF_SLOTS;
	_Atomic uint32_t *state = ring_u32(b, HTVM_RING_OFF_SLOTS + HTVM_SLOT_OFF_STATE);
	struct timespec t0, t1;
	int64_t ret;

	if (atomic_load(ring_u32(b, HTVM_RING_OFF_HOST)) != HTVM_HOST_ATTACHED)
		return HT_HC_R_ENOSYS;		/* no host: VMCALL is #UD */
	put_le(slot + HTVM_SLOT_OFF_CPL, x->cpl, 4);
	put_le(slot + HTVM_SLOT_OFF_RAX, x->rax, 8);
	put_le(slot + HTVM_SLOT_OFF_RBX, x->rbx, 8);
	put_le(slot + HTVM_SLOT_OFF_RCX, x->rcx, 8);
	put_le(slot + HTVM_SLOT_OFF_CR3, x->cr3, 8);
	put_le(slot + HTVM_SLOT_OFF_MODE, qr_mode(x->cr0, x->cr4, x->efer), 4);
	put_le(slot + HTVM_SLOT_OFF_PAD, 0, 4);
	atomic_store_explicit(state, HTVM_EXIT_POSTED, memory_order_release);
	atomic_fetch_add(ring_u32(b, HTVM_RING_OFF_DOORBELL), 1);
	futex(ring_u32(b, HTVM_RING_OFF_DOORBELL), FUTEX_WAKE, INT_MAX, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load_explicit(state, memory_order_acquire) == HTVM_EXIT_POSTED) {
		futex(state, FUTEX_WAIT, HTVM_EXIT_POSTED, 100);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (atomic_load_explicit(state, memory_order_acquire) != HTVM_EXIT_POSTED)
			break;
		if (host_gone(b) || t1.tv_sec - t0.tv_sec > 10) {
			atomic_store(state, HTVM_EXIT_IDLE);
			return HT_HC_R_ENOSYS;
		}
	}
	ret = (int64_t)get_le(slot + HTVM_SLOT_OFF_RET, 8);
	atomic_store_explicit(state, HTVM_EXIT_IDLE, memory_order_release);
	return ret;
}

static void write_truth(struct bridge *b, const struct qr_record *t)
{
	if (!b->truth || t->expect == QG_EXPECT_NO_EVENT || t->probe >= QG_NPROBES)
		return;
	fprintf(b->truth, "%s syscall::%s:%s tid=%llu pid=%u execname=%s "
	    "deref=%s ruid=%u rgid=%u uid=%u\n", b->name, syscalls[t->probe / 2],
	    t->probe % 2 ? "return" : "entry", (unsigned long long)t->tid, t->pid,
	    t->comm, t->expect == QG_EXPECT_OK ? "ok" : "fault", t->ruid, t->rgid,
	    t->uid);
}

static int run_guest(struct bridge *b)
{
	struct qr_record rec, truth = { 0 };
	uint8_t go = QG_GO, le[8];
	int code;

	for (;;) {
		if (qr_qemu__read_record(&b->q, &rec, 15000) < 0)
			return die("guest: %s%s", b->q.err, "");
		if (rec.type == QG_REC_TRUTH) {
			truth = rec;
		} else if (rec.type == QG_REC_EXIT) {
			int64_t ret = vmcall_exit(b, &rec);

			if (ret != truth.want_rax)
				b->bad_rax++;
			if (ret == HT_HC_R_OK && rec.rax == HT_HC_PROBE)
				write_truth(b, &truth);
			put_le(le, (uint64_t)ret, 8);
			if (qr_qemu__reply(&b->q, le, sizeof(le)) < 0)
				return die("guest: %s%s", b->q.err, "");
		} else if (rec.type == QG_REC_FAULT) {
			char v[16];

			snprintf(v, sizeof(v), "%u", rec.vector);
			return die("guest took exception %s%s", v, "");
		} else if (rec.type == QG_REC_DONE) {
			break;
		}
	}
	atomic_store(ring_u32(b, HTVM_RING_OFF_GUEST), HTVM_GUEST_DONE);
	atomic_fetch_add(ring_u32(b, HTVM_RING_OFF_DOORBELL), 1);
	futex(ring_u32(b, HTVM_RING_OFF_DOORBELL), FUTEX_WAKE, INT_MAX, 0);
	if (qr_qemu__reply(&b->q, &go, 1) < 0 ||
	    qr_qemu__wait(&b->q, 5000, &code) < 0)
		return die("guest: %s%s", b->q.err, "");
	if (code != 2 * QG_EXIT_OK + 1 || b->bad_rax) {
		char s[64];

		snprintf(s, sizeof(s), "%d, %u unexpected RAX values", code, b->bad_rax);
		return die("guest exit status %s%s", s, "");
	}
	return 0;
}

/* After the guest is done, give the host time to notice and detach. */
static void wait_detach(struct bridge *b)
{
	for (int i = 0; i < 200 && !host_gone(b); i++)
		usleep(50000);
}

static void cleanup(struct bridge *b)
{
	qr_qemu__stop(&b->q);
	if (b->hfd >= 0)
		close(b->hfd);
	if (b->lfd >= 0)
		close(b->lfd);
	if (b->sock_path[0])
		unlink(b->sock_path);
	if (b->ring)
		munmap(b->ring, HTVM_RING_SIZE);
	if (b->ring_fd >= 0)
		close(b->ring_fd);
	if (b->type_fd >= 0)
		close(b->type_fd);
	if (b->truth)
		fclose(b->truth);
}

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: qg_bridge --vmdir DIR --guest GUEST.ELF --typefile FILE\n"
	    "                 [--name NAME] [--cpu MODEL] [--hostname H] [--osrel R]\n"
	    "                 [--truth FILE] [--attach-timeout SECONDS] [--ram-mb N]\n"
	    "       qg_bridge --help | --version\n"
	    "Boots the QEMU test guest and offers it to a HyperTrace host as\n"
	    "DIR/NAME.sock (docs/vm-tracing.md).  With --ram-mb 4096 or more the\n"
	    "guest puts a credential above 4 GiB (QEMU maps RAM past 3 GiB there).\n");
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vmdir", required_argument, NULL, 'd' },
		{ "guest", required_argument, NULL, 'g' },
		{ "typefile", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "osrel", required_argument, NULL, 'R' },
		{ "truth", required_argument, NULL, 'T' },
		{ "attach-timeout", required_argument, NULL, 'a' },
		{ "ram-mb", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct bridge b = {
		.name = "qemu0", .cpu = "qemu64,+pdpe1gb",
		.hostname = "qg.test", .osrel = "HyperTrace QEMU test guest 1",
		.attach_timeout_s = 20, .lfd = -1, .hfd = -1, .ring_fd = -1,
		.type_fd = -1,
	};
	const char *qemu;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': b.vmdir = optarg; break;
		case 'g': b.guest = optarg; break;
		case 't': b.typefile = optarg; break;
		case 'n': b.name = optarg; break;
		case 'c': b.cpu = optarg; break;
		case 'H': b.hostname = optarg; break;
		case 'R': b.osrel = optarg; break;
		case 'T': b.truth_path = optarg; break;
		case 'a': b.attach_timeout_s = atoi(optarg); break;
		case 'm': b.ram_mb = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': return usage(stdout, 0);
		case 'V':
			printf("qg_bridge (HyperTrace) " HT_VERSION "\n");
			return 0;
		default: return usage(stderr, 2);
		}
	}
	if (!b.vmdir || !b.guest || !b.typefile || optind != argc ||
	    b.attach_timeout_s <= 0 || strlen(b.name) >= HTVM_NAME_LEN ||
	    (b.ram_mb != 0 && (b.ram_mb < 64 || b.ram_mb > 65536)))
		return usage(stderr, 2);
	b.la57 = strstr(b.cpu, "la57") != NULL || strcmp(b.cpu, "max") == 0;
	if (!(qemu = qr_qemu__find())) {
		fprintf(stderr, "qg_bridge: qemu-system-x86_64 not found\n");
		return 1;
	}
	b.q.pid = 0;
	b.q.dir[0] = 0;
	b.q.dbg_fd = b.q.ser_fd = b.q.qmp_fd = b.q.ram_fd = -1;
	b.q.lfd[0] = b.q.lfd[1] = b.q.lfd[2] = -1;
	rc = -1;
	if ((b.type_fd = open(b.typefile, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s: %s", b.typefile, strerror(errno));
	else if (b.truth_path && (snprintf(b.truth_tmp, sizeof(b.truth_tmp),
	    "%s.tmp", b.truth_path) >= (int)sizeof(b.truth_tmp) ||
	    !(b.truth = fopen(b.truth_tmp, "w"))))
		die("%s: %s", b.truth_path, strerror(errno));
	else if (make_ring(&b) == 0) {
		/* QEMU first: the socket appears only once the guest is up,
		 * so a host that finds it gets its ANNOUNCE at once. */
		if (qr_qemu__start(&b.q, qemu, b.guest, b.cpu, b.ram_mb,
		    b.ram_mb >= 4096 ? "highmem" : NULL) < 0)
			die("%s%s", b.q.err, "");
		else if (listen_sock(&b) == 0 && wait_host(&b) == 0 &&
		    (rc = run_guest(&b)) == 0)
			wait_detach(&b);
	}
	/* The truth file appears complete or not at all. */
	if (b.truth && (fflush(b.truth) != 0 || fsync(fileno(b.truth)) != 0))
		rc = -1;
	cleanup(&b);
	if (b.truth_path && b.truth_tmp[0]) {
		if (rc == 0 && rename(b.truth_tmp, b.truth_path) != 0)
			rc = die("%s: %s", b.truth_path, strerror(errno));
		if (rc != 0)
			unlink(b.truth_tmp);
	}
	return rc == 0 ? 0 : 1;
}
