/*
 * dd_net.c — transport addresses: UNIX, TCP and AF_VSOCK sockets.
 *
 * Theory.  An address is text with a scheme: "unix:/path", "tcp:host:port"
 * (host may be a bracketed IPv6 literal) or "vsock:cid:port" (cid "any" when
 * listening).  Every socket returned is non-blocking and close-on-exec; a
 * connect may still be in progress (the caller waits for POLLOUT and reads
 * SO_ERROR), so one slow peer never stalls the event loop.
 *
 * Read next: dd_daemon.c (peer connections and their backoff).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "dd.h"

struct parsed {
	int	family;
	char	host[256];
	char	port[32];
	char	path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned cid, vport;
};

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* host:port, host may be "[v6]"; splits at the last colon. */
static int split_host_port(const char *s, struct parsed *p)
{
	const char *colon = strrchr(s, ':');
	size_t hl;
	unsigned port;

	if (colon == NULL || colon == s)
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(p->host) || strlen(colon + 1) >= sizeof(p->port))
		return -EINVAL;
	memcpy(p->host, s, hl);
	p->host[hl] = '\0';
	strcpy(p->port, colon + 1);
	return parse_uint(p->port, 65535, &port);
}

static int parse_addr(const char *addr, struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	if (strncmp(addr, "unix:", 5) == 0) {
		if (addr[5] == '\0' || strlen(addr + 5) >= sizeof(p->path))
			return -ENAMETOOLONG;
		p->family = AF_UNIX;
		strcpy(p->path, addr + 5);
		return 0;
	}
	if (strncmp(addr, "tcp:", 4) == 0) {
		p->family = AF_INET;
		return split_host_port(addr + 4, p);
	}
	if (strncmp(addr, "vsock:", 6) == 0) {
		char cid[32];
		const char *colon = strrchr(addr + 6, ':');
		size_t cl = colon != NULL ? (size_t)(colon - addr - 6) : 0;

		p->family = AF_VSOCK;
		if (colon == NULL || cl == 0 || cl >= sizeof(cid))
			return -EINVAL;
		memcpy(cid, addr + 6, cl);
		cid[cl] = '\0';
		if (strcmp(cid, "any") == 0)
			p->cid = VMADDR_CID_ANY;
		else if (parse_uint(cid, 0xffffffffu, &p->cid) != 0)
			return -EINVAL;
		return parse_uint(colon + 1, 0xffffffffu, &p->vport);
	}
	return -EINVAL;
}

int dd_net__addr_valid(const char *addr)
{
	struct parsed p;

	return parse_addr(addr, &p) == 0;
}

static int new_socket(int family, char *why, size_t whylen)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		snprintf(why, whylen, "socket: %s", strerror(errno));
	return fd;
}

/* Resolve and run fn (bind+listen or connect) on the first address that works. */
static int inet_do(const struct parsed *p, int listening, char *why, size_t whylen)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = listening ? AI_PASSIVE : 0;
	rc = getaddrinfo(p->host, p->port, &hints, &res);
	if (rc != 0) {
		snprintf(why, whylen, "%s: %s", p->host, gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = new_socket(ai->ai_family, why, whylen);
		if (fd < 0)
			continue;
		if (listening) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
				break;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			break;
		}
		snprintf(why, whylen, "%s:%s: %s", p->host, p->port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int unix_do(const struct parsed *p, int listening, char *why, size_t whylen)
{
	struct sockaddr_un sun;
	int fd = new_socket(AF_UNIX, why, whylen);

	if (fd < 0)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, p->path);
	if (listening) {
		unlink(p->path);	/* stale socket; the state lock says we own it */
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 && listen(fd, 128) == 0)
			return fd;
	} else if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
	    errno == EINPROGRESS || errno == EAGAIN) {
		return fd;
	}
	snprintf(why, whylen, "%s: %s", p->path, strerror(errno));
	close(fd);
	return -1;
}

static int vsock_do(const struct parsed *p, int listening, char *why, size_t whylen)
{
	struct sockaddr_vm svm;
	int fd = new_socket(AF_VSOCK, why, whylen);

	if (fd < 0)
		return -1;
	memset(&svm, 0, sizeof(svm));
	svm.svm_family = AF_VSOCK;
	svm.svm_cid = p->cid;
	svm.svm_port = p->vport;
	if (listening) {
		if (bind(fd, (struct sockaddr *)&svm, sizeof(svm)) == 0 && listen(fd, 128) == 0)
			return fd;
	} else if (connect(fd, (struct sockaddr *)&svm, sizeof(svm)) == 0 ||
	    errno == EINPROGRESS) {
		return fd;
	}
	snprintf(why, whylen, "vsock %u:%u: %s", p->cid, p->vport, strerror(errno));
	close(fd);
	return -1;
}

static int net_do(const char *addr, int listening, char *why, size_t whylen)
{
	struct parsed p;

	if (parse_addr(addr, &p) != 0) {
		snprintf(why, whylen, "bad address '%s' (want unix:PATH, tcp:HOST:PORT "
		    "or vsock:CID:PORT)", addr);
		return -1;
	}
	switch (p.family) {
	case AF_UNIX:
		return unix_do(&p, listening, why, whylen);
	case AF_VSOCK:
		return vsock_do(&p, listening, why, whylen);
	default:
		return inet_do(&p, listening, why, whylen);
	}
}

int dd_net__listen(const char *addr, char *why, size_t whylen)
{
	return net_do(addr, 1, why, whylen);
}

int dd_net__connect(const char *addr, char *why, size_t whylen)
{
	return net_do(addr, 0, why, whylen);
}
