/*
 * dt_guest_attach.c — attaching a guest: the host end of the announce
 * protocol and of the exit ring (include/dif/htvm.h, docs/vm-tracing.md §7).
 *
 * Theory.  Everything here comes from a process we do not trust.  The
 * announce is read with a bounded size (header first, then exactly the
 * length it declares, at most the size of 1024 probe records), with a
 * timeout, and with room for at most HTVM_MAX_FDS descriptors; truncated
 * control data or a wrong count rejects the guest, and every received fd
 * is closed on every path.  dvmm_ann__decode checks the fields; here we
 * check what only the fds can tell: each RAM object is at least as large
 * as the slots on it and, if it can be sealed (a memfd), is sealed
 * against shrinking, so a mapped page can never vanish under a read (a
 * read beyond EOF of a shared mapping is SIGBUS).  RAM is mapped
 * PROT_READ only: the host has no writable view of guest memory.  The
 * ring is mapped read-write (the host writes return values and states).
 * The typefile is copied out of its fd and opened from memory.
 *
 * Read next: dt_guest.c.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
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

#include "dt_guest.h"

#define ANNOUNCE_TIMEOUT_MS	5000

static int fail(char *err, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return rc;
}

static int recv_exact(int fd, uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, ANNOUNCE_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf + off, len - off, 0);
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		off += (size_t)n;
	}
	return 0;
}

/* The header (with the fds riding on its first byte), then the payload. */
static int recv_announce(int sock, uint8_t **msg, size_t *len, int *fds,
    unsigned *nfds)
{
	union { char b[CMSG_SPACE(sizeof(int) * HTVM_MAX_FDS)]; struct cmsghdr a; } cbuf;
	uint8_t hdr[HTVM_MSG_HDR_SIZE];
	struct iovec iov = { hdr, sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b) };
	struct pollfd p = { sock, POLLIN, 0 };
	uint16_t type;
	uint32_t plen;
	ssize_t n;
	int rc;

	*nfds = 0;
	if (poll(&p, 1, ANNOUNCE_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n < 0 ? -errno : -ECONNRESET;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*nfds < HTVM_MAX_FDS)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	if (mh.msg_flags & MSG_CTRUNC)
		return -E2BIG;
	if ((size_t)n < sizeof(hdr) &&
	    (rc = recv_exact(sock, hdr + n, sizeof(hdr) - (size_t)n)) != 0)
		return rc;
	if ((rc = dvmm_msg__check(hdr, &type, &plen)) != 0 || type != HTVM_MSG_ANNOUNCE)
		return -EPROTO;
	if (plen > HTVM_ANN_SIZE(HTVM_MAX_PROBES) || plen < HTVM_ANN_OFF_PROBES)
		return -EMSGSIZE;
	*len = HTVM_MSG_HDR_SIZE + (size_t)plen;
	if ((*msg = malloc(*len)) == NULL)
		return -ENOMEM;
	memcpy(*msg, hdr, sizeof(hdr));
	return recv_exact(sock, *msg + sizeof(hdr), plen);
}

static int send_msg(int sock, uint16_t type, const void *payload, uint32_t len)
{
	uint8_t buf[HTVM_MSG_HDR_SIZE + 8];

	dvmm_msg__header(buf, type, len);
	if (len > 0)
		memcpy(buf + HTVM_MSG_HDR_SIZE, payload, len);
	return send(sock, buf, HTVM_MSG_HDR_SIZE + len, MSG_NOSIGNAL | MSG_DONTWAIT) ==
	    (ssize_t)(HTVM_MSG_HDR_SIZE + len) ? 0 : -EPIPE;
}

/* A RAM or ring object must hold `need` bytes and stay that large. */
static int check_object(int fd, uint64_t need, const char *what, char *err, size_t errlen)
{
	struct stat sb;
	int seals;

	if (fstat(fd, &sb) != 0 || (!S_ISREG(sb.st_mode)))
		return fail(err, errlen, -EINVAL, "%s is not a regular file or memfd", what);
	if ((uint64_t)sb.st_size < need)
		return fail(err, errlen, -EINVAL, "%s is %lld bytes, slots need %llu",
		    what, (long long)sb.st_size, (unsigned long long)need);
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_SEAL) == 0 && (seals & F_SEAL_SHRINK) == 0)
		return fail(err, errlen, -EINVAL, "%s is a memfd not sealed against shrinking",
		    what);
	return 0;
}

static int map_slots(struct dt_vm *vm, const struct dvmm_announce *a, const int *ramfds,
    char *err, size_t errlen)
{
	uint64_t need[HTVM_MAX_RAMFDS] = { 0 };
	int rc;

	for (unsigned i = 0; i < a->nslots; i++)
		if (a->slots[i].offset + a->slots[i].size > need[a->slots[i].fd])
			need[a->slots[i].fd] = a->slots[i].offset + a->slots[i].size;
	for (unsigned f = 0; f < a->nramfds; f++)
		if ((rc = check_object(ramfds[f], need[f], "RAM object", err, errlen)) != 0)
			return rc;
	for (unsigned i = 0; i < a->nslots; i++) {
		const struct dvmm_ann_slot *s = &a->slots[i];
		void *p;

		if (s->size > SIZE_MAX || s->offset > (uint64_t)LLONG_MAX)
			return fail(err, errlen, -EINVAL, "slot %u too large", i);
		p = mmap(NULL, (size_t)s->size, PROT_READ, MAP_SHARED, ramfds[s->fd],
		    (off_t)s->offset);
		if (p == MAP_FAILED)
			return fail(err, errlen, -errno, "cannot map slot %u: %s", i,
			    strerror(errno));
		vm->map[i] = p;
		vm->maplen[i] = (size_t)s->size;
		if ((rc = dvmm_vm__add_slot(&vm->g->vm, s->gpa, s->size, p)) != 0)
			return fail(err, errlen, -EINVAL, "slot %u: %s", i, dvmm_err__message(rc));
	}
	return 0;
}

/* The ring must not be one of the RAM objects: the host writes the ring,
 * and it never writes guest memory. */
static bool same_object(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino;
}

static int map_ring(struct dt_vm *vm, int fd, const int *ramfds, unsigned nram,
    char *err, size_t errlen)
{
	int rc;

	for (unsigned i = 0; i < nram; i++)
		if (same_object(fd, ramfds[i]))
			return fail(err, errlen, -EINVAL, "the exit ring is a RAM object");
	if ((rc = check_object(fd, HTVM_RING_SIZE, "exit ring", err, errlen)) != 0)
		return rc;
	vm->ring = mmap(NULL, HTVM_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (vm->ring == MAP_FAILED) {
		vm->ring = NULL;
		return fail(err, errlen, -errno, "cannot map the exit ring: %s", strerror(errno));
	}
	if (dvmm_ring__check(vm->ring, vm->g->nvcpus) != 0)
		return fail(err, errlen, -EINVAL, "exit ring header invalid");
	return 0;
}

static int read_typefile(struct dt_vm *vm, int fd, uint32_t len, char *err, size_t errlen)
{
	struct typ_err te;
	struct stat sb;
	size_t off = 0;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size < len)
		return fail(err, errlen, -EINVAL, "typefile fd shorter than %u bytes", len);
	if ((vm->typebytes = malloc(len)) == NULL)
		return -ENOMEM;
	while (off < len) {
		ssize_t n = pread(fd, vm->typebytes + off, len - off, (off_t)off);

		if (n <= 0)
			return fail(err, errlen, -EIO, "cannot read the typefile");
		off += (size_t)n;
	}
	vm->typelen = len;
	if (typ_file__open_mem(vm->typebytes, len, vm->g->name, &vm->tf, &te) != 0)
		return fail(err, errlen, -EINVAL, "typefile: %s", te.msg);
	return 0;
}

static int connect_to(const char *dir, const char *sockname, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, sockname);
	int s;

	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return fail(err, errlen, -ENAMETOOLONG, "%s/%s: path too long", dir, sockname);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		n = -errno;
		close(s);
		return fail(err, errlen, n, "cannot connect to %s: %s", sa.sun_path,
		    strerror(-n));
	}
	return s;
}

int dt_vm_open(const char *dir, const char *sockname, struct dt_vm **out,
    char *err, size_t errlen)
{
	struct dt_vm *vm = calloc(1, sizeof(*vm));
	struct dvmm_announce a;
	char why[256] = "invalid guest";
	int fds[HTVM_MAX_FDS];
	unsigned nfds = 0;
	uint8_t *msg = NULL;
	size_t len = 0;
	int rc;

	if (vm == NULL || (vm->g = calloc(1, sizeof(*vm->g))) == NULL) {
		free(vm);
		return -ENOMEM;
	}
	vm->sock = -1;
	if ((rc = connect_to(dir, sockname, err, errlen)) < 0)
		goto out;
	vm->sock = rc;
	if ((rc = recv_announce(vm->sock, &msg, &len, fds, &nfds)) != 0) {
		fail(err, errlen, rc, "%s: no valid announce: %s", sockname, strerror(-rc));
		goto out;
	}
	if ((rc = dvmm_ann__decode(msg, len, nfds, &a)) != 0) {
		rc = fail(err, errlen, -EINVAL, "%s: announce rejected: %s", sockname,
		    dvmm_err__message(rc));
		goto out;
	}
	if ((rc = dvmm_guest__init(vm->g, &a, msg)) != 0 ||
	    (rc = map_slots(vm, &a, fds + 2, why, sizeof(why))) != 0 ||
	    (rc = map_ring(vm, fds[0], fds + 2, a.nramfds, why, sizeof(why))) != 0 ||
	    (rc = read_typefile(vm, fds[1], a.typefile_len, why, sizeof(why))) != 0)
		fail(err, errlen, rc, "%s: guest %s refused: %s", sockname, a.name, why);
out:
	for (unsigned i = 0; i < nfds; i++)
		close(fds[i]);
	free(msg);
	if (rc != 0) {
		if (vm->sock >= 0)
			(void)send_msg(vm->sock, HTVM_MSG_ATTACH, &(int32_t){ -EINVAL }, 4);
		vm->attached = false;
		dt_vm_close(vm);
		return rc < 0 ? rc : -EINVAL;
	}
	*out = vm;
	return 0;
}

int dt_vm_send_attach(struct dt_vm *vm, int32_t status)
{
	uint8_t p[4];

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)((uint32_t)status >> (8 * i));
	if (status == 0)
		dvmm_ring__set_host(vm->ring, HTVM_HOST_ATTACHED);
	vm->attached = status == 0;
	return send_msg(vm->sock, HTVM_MSG_ATTACH, p, 4);
}

void dt_vm_reject(struct dt_vm *vm)
{
	(void)send_msg(vm->sock, HTVM_MSG_DETACH, NULL, 0);
	vm->attached = false;
	dt_vm_close(vm);
}

static long futex(uint32_t *w, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

void dt_vm_wake(struct dt_vm *vm, uint32_t v)
{
	(void)futex(dvmm_ring__state(vm->ring, v), FUTEX_WAKE, 1, NULL);
}

uint32_t dt_vm_doorbell(const struct dt_vm *vm)
{
	return __atomic_load_n((const uint32_t *)(const void *)(vm->ring + HTVM_RING_OFF_DOORBELL),
	    __ATOMIC_ACQUIRE);
}

void dt_vm_doorbell_wait(struct dt_vm *vm, uint32_t seen, uint64_t timeout_ns)
{
	struct timespec ts = { (time_t)(timeout_ns / 1000000000u),
		(long)(timeout_ns % 1000000000u) };

	(void)futex((uint32_t *)(void *)(vm->ring + HTVM_RING_OFF_DOORBELL), FUTEX_WAIT,
	    seen, &ts);
}

bool dt_vm_hung_up(const struct dt_vm *vm)
{
	struct pollfd p = { vm->sock, POLLRDHUP, 0 };

	return vm->sock < 0 || (poll(&p, 1, 0) == 1 &&
	    (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0);
}

void dt_vm_close(struct dt_vm *vm)
{
	if (vm == NULL)
		return;
	if (vm->ring != NULL) {
		struct dvmm_exit x;

		dvmm_ring__set_host(vm->ring, HTVM_HOST_DETACHED);
		for (uint32_t v = 0; v < vm->g->nvcpus; v++) {
			if (dvmm_ring__take(vm->ring, v, &x) != 0) {
				dvmm_ring__resume(vm->ring, v, HT_HC_R_ENOSYS);
				dt_vm_wake(vm, v);
			}
		}
		munmap(vm->ring, HTVM_RING_SIZE);
	}
	if (vm->sock >= 0) {
		if (vm->attached)
			(void)send_msg(vm->sock, HTVM_MSG_DETACH, NULL, 0);
		close(vm->sock);
	}
	for (unsigned i = 0; i < HTVM_MAX_SLOTS; i++)
		if (vm->map[i] != NULL)
			munmap(vm->map[i], vm->maplen[i]);
	if (vm->tf != NULL)
		typ_file__free(vm->tf);
	free(vm->typebytes);
	if (vm->obj_owned)
		dobj__free(vm->obj);
	free(vm->g);
	free(vm);
}
