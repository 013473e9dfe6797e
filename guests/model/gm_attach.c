/*
 * gm_attach.c — the model's side of docs/vm-tracing.md §7: the exit ring,
 * the listening socket, and the ANNOUNCE / ATTACH exchange.
 *
 * Theory.  The guest listens on DIR/<vmname>.sock and serves one host at
 * a time.  The announce message is built byte by byte at the offsets of
 * include/dif/htvm.h and sent in one sendmsg whose first byte carries the
 * fds: the ring, the typefile, the RAM memfd.  The ring is a sealed
 * 4 KiB memfd the guest initialises before announcing; afterwards the
 * guest writes only its own fields (doorbell, guest state, its vCPUs'
 * registers and state words).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gm.h"

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

int gm_ring_init(struct gm_vm *vm)
{
	vm->ringfd = memfd_create("htguest-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (vm->ringfd < 0)
		return -errno;
	if (ftruncate(vm->ringfd, HTVM_RING_SIZE) != 0 ||
	    fcntl(vm->ringfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		return -errno;
	vm->ring = mmap(NULL, HTVM_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    vm->ringfd, 0);
	if (vm->ring == MAP_FAILED)
		return -errno;
	put(vm->ring + HTVM_RING_OFF_MAGIC, HTVM_RING_MAGIC, 4);
	put(vm->ring + HTVM_RING_OFF_VERSION, HTVM_RING_VERSION, 2);
	put(vm->ring + HTVM_RING_OFF_NVCPUS, vm->nvcpus, 2);
	return 0;
}

int gm_listen(struct gm_vm *vm, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = snprintf(vm->sockpath, sizeof(vm->sockpath), "%s/%s%s", dir,
	    vm->name, HTVM_SOCK_SUFFIX);

	if (n < 0 || (size_t)n >= sizeof(vm->sockpath) || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, vm->sockpath, (size_t)n + 1);
	vm->listenfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (vm->listenfd < 0)
		return -errno;
	(void)unlink(vm->sockpath);
	if (bind(vm->listenfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(vm->listenfd, 4) != 0)
		return -errno;
	vm->hostfd = -1;
	return 0;
}

static void put_str(uint8_t *p, const char *s, size_t cap)
{
	size_t n = strlen(s);

	memcpy(p, s, n < cap - 1 ? n : cap - 1);
}

static uint8_t *build_announce(const struct gm_vm *vm, uint32_t typelen, size_t *len)
{
	size_t plen = HTVM_ANN_SIZE(vm->nprobes);
	uint8_t *m = calloc(1, HTVM_MSG_HDR_SIZE + plen), *p, *s;

	if (m == NULL)
		return NULL;
	put(m + HTVM_MSG_OFF_MAGIC, HTVM_MSG_MAGIC, 4);
	put(m + HTVM_MSG_OFF_TYPE, HTVM_MSG_ANNOUNCE, 2);
	put(m + HTVM_MSG_OFF_VERSION, HTVM_MSG_VERSION, 2);
	put(m + HTVM_MSG_OFF_LENGTH, plen, 4);
	p = m + HTVM_MSG_HDR_SIZE;
	put_str(p + HTVM_ANN_OFF_NAME, vm->name, HTVM_NAME_LEN);
	put_str(p + HTVM_ANN_OFF_HOSTNAME, vm->hostname, HTVM_HOSTNAME_LEN);
	put_str(p + HTVM_ANN_OFF_OSREL, vm->osrel, HTVM_OSREL_LEN);
	p[HTVM_ANN_OFF_MAXPHY] = 46;
	p[HTVM_ANN_OFF_FLAGS] = (vm->mem.gbpages ? HTVM_ANN_F_GBPAGES : 0) |
	    (vm->mem.levels == 5 ? HTVM_ANN_F_LA57 : 0);
	p[HTVM_ANN_OFF_NSLOTS] = 2;
	p[HTVM_ANN_OFF_NRAMFDS] = 1;
	put(p + HTVM_ANN_OFF_NVCPUS, vm->nvcpus, 4);
	put(p + HTVM_ANN_OFF_NPROBES, vm->nprobes, 4);
	put(p + HTVM_ANN_OFF_TYPELEN, typelen, 4);
	s = p + HTVM_ANN_OFF_SLOTS;
	put(s + HTVM_SLOT_OFF_GPA, 0, 8);
	put(s + HTVM_SLOT_OFF_SIZE, GM_LOW_SIZE, 8);
	put(s + HTVM_SLOT_OFF_OFFSET, 0, 8);
	s += HTVM_ANN_SLOT_SIZE;
	put(s + HTVM_SLOT_OFF_GPA, GM_HIGH_GPA, 8);
	put(s + HTVM_SLOT_OFF_SIZE, GM_HIGH_SIZE, 8);
	put(s + HTVM_SLOT_OFF_OFFSET, GM_LOW_SIZE, 8);
	for (uint32_t i = 0; i < vm->nprobes; i++) {
		uint8_t *r = p + HTVM_ANN_OFF_PROBES + (size_t)i * HTVM_ANN_PROBE_SIZE;

		put_str(r + HTVM_PRB_OFF_PROVIDER, vm->probes[i].provider, HTVM_PRB_PROVIDER_LEN);
		put_str(r + HTVM_PRB_OFF_MODULE, vm->probes[i].module, HTVM_PRB_MODULE_LEN);
		put_str(r + HTVM_PRB_OFF_FUNCTION, vm->probes[i].function, HTVM_PRB_FUNCTION_LEN);
		put_str(r + HTVM_PRB_OFF_NAME, vm->probes[i].name, HTVM_PRB_NAME_LEN);
	}
	*len = HTVM_MSG_HDR_SIZE + plen;
	return m;
}

static int send_fds(int sock, const uint8_t *buf, size_t len, const int *fds, unsigned nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * HTVM_MAX_FDS)];
	struct iovec iov = { (void *)buf, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(sizeof(int) * nfds) };
	struct cmsghdr *c;
	size_t off = 1;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != 1)
		return -errno;
	while (off < len) {
		ssize_t n = send(sock, buf + off, len - off, MSG_NOSIGNAL);

		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		off += (size_t)n;
	}
	return 0;
}

static int recv_all(int fd, uint8_t *buf, size_t len, int timeout_ms)
{
	size_t off = 0;

	while (off < len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf + off, len - off, 0);
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		off += (size_t)n;
	}
	return 0;
}

/* One host connection: announce, then its answer.  1: not selected. */
static int attach_once(struct gm_vm *vm, int timeout_ms, char *err, size_t errlen)
{
	struct pollfd pfd = { vm->listenfd, POLLIN, 0 };
	uint8_t att[HTVM_MSG_HDR_SIZE + HTVM_ATT_SIZE] = { 0 }, *msg;
	int fds[3], tfd, rc;
	struct stat sb;
	size_t len;
	int32_t status;

	if (poll(&pfd, 1, timeout_ms) <= 0) {
		snprintf(err, errlen, "no host connected to %s", vm->sockpath);
		return -ETIMEDOUT;
	}
	vm->hostfd = accept4(vm->listenfd, NULL, NULL, SOCK_CLOEXEC);
	if (vm->hostfd < 0)
		return -errno;
	if ((tfd = open(vm->typefile, O_RDONLY | O_CLOEXEC)) < 0 || fstat(tfd, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", vm->typefile, strerror(errno));
		return -errno;
	}
	if ((msg = build_announce(vm, (uint32_t)sb.st_size, &len)) == NULL)
		return -ENOMEM;
	fds[0] = vm->ringfd;
	fds[1] = tfd;
	fds[2] = vm->mem.fd;
	rc = send_fds(vm->hostfd, msg, len, fds, 3);
	free(msg);
	close(tfd);
	if (rc == 0)
		rc = recv_all(vm->hostfd, att, HTVM_MSG_HDR_SIZE, timeout_ms);
	if (rc == 0 && get(att + HTVM_MSG_OFF_TYPE, 2) == HTVM_MSG_ATTACH)
		rc = recv_all(vm->hostfd, att + HTVM_MSG_HDR_SIZE, HTVM_ATT_SIZE, timeout_ms);
	if (rc == -ECONNRESET || rc == -EPIPE) {
		close(vm->hostfd);	/* host left before answering (dtrace -l): */
		vm->hostfd = -1;	/* wait for the next one */
		return 1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "announce: %s", strerror(-rc));
		return rc;
	}
	if (get(att, 4) == HTVM_MSG_MAGIC && get(att + HTVM_MSG_OFF_TYPE, 2) == HTVM_MSG_DETACH) {
		close(vm->hostfd);	/* that host does not want this guest */
		vm->hostfd = -1;
		return 1;
	}
	if (get(att, 4) != HTVM_MSG_MAGIC || get(att + HTVM_MSG_OFF_TYPE, 2) != HTVM_MSG_ATTACH ||
	    get(att + HTVM_MSG_OFF_LENGTH, 4) != HTVM_ATT_SIZE) {
		snprintf(err, errlen, "host answered with something other than ATTACH");
		return -EPROTO;
	}
	status = (int32_t)get(att + HTVM_MSG_HDR_SIZE, 4);
	if (status != 0) {
		snprintf(err, errlen, "host refused the guest: %s", strerror(-status));
		return status;
	}
	return 0;
}

int gm_attach(struct gm_vm *vm, int timeout_ms, char *err, size_t errlen)
{
	int rc;

	while ((rc = attach_once(vm, timeout_ms, err, errlen)) == 1)
		;
	return rc;
}

void gm_close(struct gm_vm *vm)
{
	if (vm->hostfd >= 0)
		close(vm->hostfd);
	if (vm->listenfd >= 0)
		close(vm->listenfd);
	(void)unlink(vm->sockpath);
}
