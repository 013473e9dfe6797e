/*
 * dbpf_attach.c — kernel set-up and attaching programs to provider hooks.
 *
 * Theory.  Everything the kernel needs before a tracing program can run
 * is done here, once, with a message a user can act on when the kernel
 * says no: the locked-memory limit is raised (kernels before 5.11 charge
 * BPF maps to it; later ones ignore it, so failing to raise it is not an
 * error), bpf() is probed by creating a one-entry map, and tracefs is
 * mounted when the tracepoint list is needed and nothing provides it.
 * An attachment is a small list of fds: one raw-tracepoint link, or one
 * perf event per CPU for the clock hooks (profile-N on every online CPU,
 * tick-N on the first), each with the program set through
 * PERF_EVENT_IOC_SET_BPF.  Freeing the attachment closes them, which
 * detaches the program.
 *
 * Read next: dbpf_prov.c (the hooks), dtrace/dt_bpf.c (the caller).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <bpf/bpf.h>

#include "dbpf_attach.h"
#include "dbpf_say.h"

#define MAXCPUS	1024

struct dbpf_attachment {
	int	*fds;
	int	nfds;
};

int dbpf_attach__setup(char *err, size_t errlen)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	int fd, e;

	(void)setrlimit(RLIMIT_MEMLOCK, &r);	/* ignored by kernels >= 5.11 */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	e = errno;
	if (e == EPERM || e == EACCES)
		return dbpf_say(err, errlen, -EPERM, "the kernel refused BPF: %s (kernel "
		    "probes need root, or CAP_BPF and CAP_PERFMON)", strerror(e));
	if (e == ENOSYS)
		return dbpf_say(err, errlen, -ENOSYS,
		    "this kernel has no BPF support (bpf() is not implemented)");
	return dbpf_say(err, errlen, -e, "the kernel refused BPF: %s", strerror(e));
}

static int has_events(const char *dir)
{
	char p[256];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/available_events", dir);
	return stat(p, &sb) == 0;
}

int dbpf_attach__tracefs(char *path, size_t len, char *err, size_t errlen)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
	    "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (has_events(dirs[i])) {
			snprintf(path, len, "%s", dirs[i]);
			return 0;
		}
	if (mount("nodev", dirs[0], "tracefs", 0, NULL) != 0)
		return dbpf_say(err, errlen, -errno, "tracefs is not mounted and mounting "
		    "it on %s failed: %s", dirs[0], strerror(errno));
	if (!has_events(dirs[0]))
		return dbpf_say(err, errlen, -ENOENT, "tracefs on %s has no event list",
		    dirs[0]);
	snprintf(path, len, "%s", dirs[0]);
	return 0;
}

int dbpf_attach__online_cpus(int *cpus, int max)
{
	FILE *fp = fopen("/sys/devices/system/cpu/online", "r");
	char buf[4096], *p;
	int n = 0;

	if (fp == NULL)
		return -errno;
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		fclose(fp);
		return -EIO;
	}
	fclose(fp);
	/* "0-3,5,7-8" */
	for (p = buf; *p != '\0' && *p != '\n'; ) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return -EINVAL;
		}
		for (long c = a; c <= b && n < max; c++)
			cpus[n++] = (int)c;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

static int add_fd(struct dbpf_attachment *a, int fd)
{
	int *n = realloc(a->fds, (size_t)(a->nfds + 1) * sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	a->fds = n;
	a->fds[a->nfds++] = fd;
	return 0;
}

static int perf_clock(const struct dbpf_hook *h, int prog_fd,
    struct dbpf_attachment *a, char *err, size_t errlen)
{
	static int cpus[MAXCPUS];
	int n = dbpf_attach__online_cpus(cpus, MAXCPUS);

	if (n <= 0)
		return dbpf_say(err, errlen, n < 0 ? n : -ENOENT,
		    "cannot read the online CPUs for %s", h->name);
	if (!h->all_cpus)
		n = 1;
	for (int i = 0; i < n; i++) {
		struct perf_event_attr pa;
		int fd;

		memset(&pa, 0, sizeof(pa));
		pa.type = PERF_TYPE_SOFTWARE;
		pa.size = sizeof(pa);
		pa.config = PERF_COUNT_SW_CPU_CLOCK;
		pa.sample_period = h->period_ns;
		pa.disabled = 1;
		fd = (int)syscall(SYS_perf_event_open, &pa, -1, cpus[i], -1,
		    PERF_FLAG_FD_CLOEXEC);
		if (fd < 0)
			return dbpf_say(err, errlen, -errno, "perf_event_open for %s on CPU %d: %s",
			    h->name, cpus[i], strerror(errno));
		if (add_fd(a, fd) != 0) {
			close(fd);
			return dbpf_say(err, errlen, -ENOMEM, "out of memory");
		}
		if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd) != 0 ||
		    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0)
			return dbpf_say(err, errlen, -errno, "attaching %s on CPU %d: %s",
			    h->name, cpus[i], strerror(errno));
	}
	return 0;
}

int dbpf_attach__hook(const struct dbpf_hook *h, int prog_fd,
    struct dbpf_attachment **out, char *err, size_t errlen)
{
	struct dbpf_attachment *a = calloc(1, sizeof(*a));
	int rc = 0, fd;

	if (a == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	switch (h->kind) {
	case DBPF_HOOK_RAW_TP:
		fd = bpf_raw_tracepoint_open(h->name, prog_fd);
		if (fd < 0) {
			rc = -errno;
			dbpf_say(err, errlen, rc, "cannot attach to tracepoint %s:%s: %s",
			    h->group, h->name, strerror(errno));
		} else if ((rc = add_fd(a, fd)) != 0) {
			close(fd);
			dbpf_say(err, errlen, rc, "out of memory");
		}
		break;
	case DBPF_HOOK_PERF_CLOCK:
		rc = perf_clock(h, prog_fd, a, err, errlen);
		break;
	default:
		rc = dbpf_say(err, errlen, -EINVAL, "unknown hook kind %d", (int)h->kind);
		break;
	}
	if (rc != 0) {
		dbpf_attach__free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void dbpf_attach__free(struct dbpf_attachment *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < a->nfds; i++)
		close(a->fds[i]);
	free(a->fds);
	free(a);
}
