/*
 * qemu_run.c — start the QEMU test guest and exchange records with it.
 *
 * Ownership: struct qr_qemu owns the temporary directory, the RAM file and
 * its read-only mapping, the sockets and the QEMU process; qr_qemu__stop()
 * releases all of them and is safe to call twice or after a failed start.
 * QEMU connects to our listening sockets (chardev socket clients), so no
 * byte can be sent before we are there to read it.  The records are
 * untrusted bytes from the guest: qr_record__decode() (guests/qemu/
 * qg_record.c, fuzzed by fuzz/fuzz_qgrec.c) reads them field by field at
 * fixed offsets.  Read qg_proto.h for the records and check_vm_qemu.c for
 * what the test does with them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu_run.h"

extern char **environ;

static const char *const sock_names[3] = { "dbg.sock", "ser.sock", "qmp.sock" };

static int fail(struct qr_qemu *q, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->err, sizeof(q->err), fmt, ap);
	va_end(ap);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *qr_qemu__find(void)
{
	static char buf[4096];
	const char *env = getenv("QEMU");
	const char *path = getenv("PATH");

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);

		if (n > 0 && n < sizeof(buf) - 32) {
			snprintf(buf, sizeof(buf), "%.*s/qemu-system-x86_64", (int)n, path);
			if (access(buf, X_OK) == 0)
				return buf;
		}
		path = end ? end + 1 : NULL;
	}
	return NULL;
}

static int listen_at(struct qr_qemu *q, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", q->dir,
	    name) >= sizeof(sa.sun_path))
		return fail(q, -ENAMETOOLONG, "socket path too long in %s", q->dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(q, -errno, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		int e = errno;

		close(fd);
		return fail(q, -e, "%s: %s", sa.sun_path, strerror(e));
	}
	return fd;
}

/* The first line of QEMU's own messages, for error reports. */
static const char *log_head(struct qr_qemu *q)
{
	static char line[256];
	FILE *f = fopen(q->log_path, "r");

	line[0] = 0;
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	line[strcspn(line, "\n")] = 0;
	return line[0] ? line : "(no message)";
}

static int accept_within(struct qr_qemu *q, int lfd, int timeout_ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int64_t deadline = now_ms() + timeout_ms;
	int fd;

	/* Short slices, so a QEMU that dies at start is noticed at once. */
	while (poll(&p, 1, 50) <= 0) {
		if (q->pid > 0 && waitpid(q->pid, &q->status, WNOHANG) == q->pid)
			q->pid = 0;
		if (q->pid == 0 || now_ms() >= deadline)
			return fail(q, -ETIMEDOUT, "QEMU %s before connecting: %s",
			    q->pid == 0 ? "exited" : "timed out", log_head(q));
	}
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return fail(q, -errno, "accept: %s", strerror(errno));
	return fd;
}

static int make_files(struct qr_qemu *q)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	int fd;

	snprintf(q->dir, sizeof(q->dir), "%s/ht-qemu-XXXXXX", base);
	if (!mkdtemp(q->dir)) {
		q->dir[0] = 0;
		return fail(q, -errno, "mkdtemp in %s: %s", base, strerror(errno));
	}
	snprintf(q->ram_path, sizeof(q->ram_path), "%s/ram", q->dir);
	snprintf(q->log_path, sizeof(q->log_path), "%s/qemu.log", q->dir);
	fd = open(q->ram_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(q, -errno, "%s: %s", q->ram_path, strerror(errno));
	if (ftruncate(fd, (off_t)q->ram_size) < 0) {
		int e = errno;

		close(fd);
		return fail(q, -e, "ftruncate %s: %s", q->ram_path, strerror(e));
	}
	close(fd);
	/* The host's own view is read-only from the first byte. */
	q->ram_fd = open(q->ram_path, O_RDONLY | O_CLOEXEC);
	if (q->ram_fd < 0)
		return fail(q, -errno, "%s: %s", q->ram_path, strerror(errno));
	q->ram = mmap(NULL, q->ram_size, PROT_READ, MAP_SHARED, q->ram_fd, 0);
	if (q->ram == MAP_FAILED) {
		q->ram = NULL;
		return fail(q, -errno, "mmap %s: %s", q->ram_path, strerror(errno));
	}
	return 0;
}

static int spawn_qemu(struct qr_qemu *q, const char *qemu, const char *kernel,
    const char *cpu, const char *append)
{
	char mem[400], dbg[320], ser[320], qmp[320], msize[32];
	posix_spawn_file_actions_t fa;
	int rc;

	snprintf(msize, sizeof(msize), "%lluM", (unsigned long long)(q->ram_size >> 20));
	snprintf(mem, sizeof(mem),
	    "memory-backend-file,id=ram,size=%s,mem-path=%s,share=on", msize,
	    q->ram_path);
	snprintf(dbg, sizeof(dbg), "socket,id=dbg,path=%s/%s", q->dir, sock_names[0]);
	snprintf(ser, sizeof(ser), "socket,id=ser,path=%s/%s", q->dir, sock_names[1]);
	snprintf(qmp, sizeof(qmp), "socket,id=qmp,path=%s/%s", q->dir, sock_names[2]);
	char *argv[] = {
		(char *)qemu, "-accel", "tcg", "-cpu", (char *)cpu, "-m", msize,
		"-object", mem, "-machine", "pc,memory-backend=ram",
		"-kernel", (char *)kernel,
		"-display", "none", "-nodefaults", "-no-user-config", "-no-reboot",
		"-chardev", dbg, "-device", "isa-debugcon,iobase=0xe9,chardev=dbg",
		"-chardev", ser, "-serial", "chardev:ser",
		"-chardev", qmp, "-mon", "chardev=qmp,mode=control",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=1",
		append ? "-append" : NULL, (char *)append,
		NULL,
	};

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, q->log_path,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&q->pid, qemu, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		q->pid = 0;
		return fail(q, -rc, "cannot start %s: %s", qemu, strerror(rc));
	}
	return 0;
}

int qr_qemu__start(struct qr_qemu *q, const char *qemu, const char *kernel,
    const char *cpu, unsigned ram_mb, const char *append)
{
	char line[4096];
	int rc, *fds[3];

	memset(q, 0, sizeof(*q));
	q->ram_size = ram_mb ? (uint64_t)ram_mb << 20 : QR_RAM_SIZE;
	q->lfd[0] = q->lfd[1] = q->lfd[2] = -1;
	q->dbg_fd = q->ser_fd = q->qmp_fd = q->ram_fd = -1;
	fds[0] = &q->dbg_fd;
	fds[1] = &q->ser_fd;
	fds[2] = &q->qmp_fd;
	if ((rc = make_files(q)) < 0)
		return rc;
	for (int i = 0; i < 3; i++)
		if ((q->lfd[i] = listen_at(q, sock_names[i])) < 0)
			return q->lfd[i];
	if ((rc = spawn_qemu(q, qemu, kernel, cpu, append)) < 0)
		return rc;
	for (int i = 0; i < 3; i++)
		if ((*fds[i] = accept_within(q, q->lfd[i], 10000)) < 0)
			return *fds[i];
	/* QMP: greeting, then leave capabilities negotiation.  QEMU opens
	 * its chardevs before it loads the kernel, so a bad image shows up
	 * here as a closed monitor: report QEMU's own words then. */
	if ((rc = qr_qemu__hmp(q, NULL, line, sizeof(line))) < 0) {
		int code;

		if (qr_qemu__wait(q, 2000, &code) == 0)
			return fail(q, rc, "QEMU exited with status %d: %s", code,
			    log_head(q));
		return rc;
	}
	return 0;
}

static int read_full(struct qr_qemu *q, int fd, void *buf, size_t n,
    int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) == 0)
			return fail(q, -ETIMEDOUT, "guest sent nothing for %d ms",
			    timeout_ms);
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(q, -errno, "read: %s", strerror(errno));
		if (r == 0)
			return fail(q, -EPIPE, "guest channel closed after %zu bytes",
			    got);
		got += (size_t)r;
	}
	return 0;
}

int qr_qemu__read_record(struct qr_qemu *q, struct qr_record *rec,
    int timeout_ms)
{
	uint8_t buf[QG_REC_SIZE];
	int rc;

	if ((rc = read_full(q, q->dbg_fd, buf, sizeof(buf), timeout_ms)) < 0)
		return rc;
	if (qr_record__decode(buf, sizeof(buf), rec) < 0)
		return fail(q, -EBADMSG, "malformed guest record (type 0x%02x)",
		    buf[QG_OFF_TYPE]);
	return 0;
}

int qr_qemu__reply(struct qr_qemu *q, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(q->ser_fd, (const char *)buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return fail(q, -errno, "write to COM1: %s", strerror(errno));
		done += (size_t)w;
	}
	return 0;
}

/* One QMP reply line that is not an event; the text stays in line. */
static int qmp_reply(struct qr_qemu *q, char *line, size_t cap)
{
	for (;;) {
		size_t n = 0;

		for (;;) {
			char c;
			int rc;

			if ((rc = read_full(q, q->qmp_fd, &c, 1, 10000)) < 0)
				return rc;
			if (c == '\n')
				break;
			if (n + 1 < cap)
				line[n++] = c;
		}
		line[n] = 0;
		if (!strstr(line, "\"event\""))
			return 0;
	}
}

static int qmp_send(struct qr_qemu *q, const char *json)
{
	size_t n = strlen(json), done = 0;

	while (done < n) {
		ssize_t w = write(q->qmp_fd, json + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return fail(q, -errno, "write to QMP: %s", strerror(errno));
		done += (size_t)w;
	}
	return 0;
}

/* Undo JSON string escapes of the "return" value into out. */
static void json_return_text(const char *line, char *out, size_t cap)
{
	const char *p = strstr(line, "\"return\"");
	size_t n = 0;

	out[0] = 0;
	if (!p || !(p = strchr(p + 8, '"')))
		return;
	for (p++; *p && *p != '"' && n + 1 < cap; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			out[n++] = *p == 'n' ? '\n' : *p == 'r' ? '\r' :
			    *p == 't' ? '\t' : *p;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = 0;
}

/* cmd == NULL: read the greeting and negotiate capabilities. */
int qr_qemu__hmp(struct qr_qemu *q, const char *cmd, char *out, size_t cap)
{
	char line[16384], json[512];
	int rc;

	if (cmd == NULL) {
		if ((rc = qmp_reply(q, line, sizeof(line))) < 0 ||
		    (rc = qmp_send(q, "{\"execute\":\"qmp_capabilities\"}\n")) < 0 ||
		    (rc = qmp_reply(q, line, sizeof(line))) < 0)
			return rc;
		return strstr(line, "\"return\"") ? 0 :
		    fail(q, -EPROTO, "QMP: %s", line);
	}
	if (strpbrk(cmd, "\"\\"))
		return fail(q, -EINVAL, "HMP command must not need escaping");
	snprintf(json, sizeof(json), "{\"execute\":\"human-monitor-command\","
	    "\"arguments\":{\"command-line\":\"%s\"}}\n", cmd);
	if ((rc = qmp_send(q, json)) < 0 ||
	    (rc = qmp_reply(q, line, sizeof(line))) < 0)
		return rc;
	if (!strstr(line, "\"return\""))
		return fail(q, -EPROTO, "QMP %s: %s", cmd, line);
	json_return_text(line, out, cap);
	return 0;
}

int qr_qemu__wait(struct qr_qemu *q, int timeout_ms, int *code)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (q->pid > 0) {
		pid_t r = waitpid(q->pid, &q->status, WNOHANG);

		if (r == q->pid) {
			q->pid = 0;
			break;
		}
		if (r < 0)
			return fail(q, -errno, "waitpid: %s", strerror(errno));
		if (now_ms() >= deadline)
			return fail(q, -ETIMEDOUT, "QEMU still running after %d ms",
			    timeout_ms);
		usleep(2000);
	}
	*code = WIFEXITED(q->status) ? WEXITSTATUS(q->status) : -1;
	return 0;
}

void qr_qemu__stop(struct qr_qemu *q)
{
	int *fds[] = { &q->dbg_fd, &q->ser_fd, &q->qmp_fd, &q->ram_fd,
		&q->lfd[0], &q->lfd[1], &q->lfd[2] };
	char path[320];

	if (q->pid > 0) {
		kill(q->pid, SIGKILL);
		waitpid(q->pid, &q->status, 0);
		q->pid = 0;
	}
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	if (q->ram) {
		munmap((void *)q->ram, q->ram_size);
		q->ram = NULL;
	}
	if (q->dir[0]) {
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", q->dir, sock_names[i]);
			unlink(path);
		}
		unlink(q->ram_path);
		if (!getenv("QR_KEEP_LOG"))
			unlink(q->log_path);
		rmdir(q->dir);
		q->dir[0] = 0;
	}
}

unsigned qr_qemu__ram_ranges(const struct qr_qemu *q,
    struct qr_range out[QR_MAX_RANGES])
{
	uint64_t lowmem = q->ram_size >= 0xe0000000ull ? 0xc0000000ull : q->ram_size;
	unsigned n = 0;

	out[n++] = (struct qr_range){ 0, QR_LOWMEM_HOLE, 0 };
	out[n++] = (struct qr_range){ QR_HOLE_END, lowmem - QR_HOLE_END, QR_HOLE_END };
	if (q->ram_size > lowmem)
		out[n++] = (struct qr_range){ QR_4G, q->ram_size - lowmem, lowmem };
	return n;
}
