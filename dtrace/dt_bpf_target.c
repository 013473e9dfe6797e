/*
 * dt_bpf_target.c — the process a tracing session is about (-c, -p).
 *
 * Theory.  -c forks the command at once, so its pid is known while the
 * program is compiled ($target) and enabled, but the child waits on a
 * pipe and only execs when dt_bpf_target__go() writes to it: probes such
 * as proc:::exec-success see its exec, and nothing it does before tracing
 * starts is missed.  If enabling fails, closing the pipe makes the child
 * exit without running anything.  -p names a running process.  The
 * session polls dt_bpf_target__done() and ends when the process is gone:
 * a child is reaped with waitpid; another process is watched through a
 * pidfd (readable once it exits), or kill(pid, 0) when pidfds are absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dbpf_say.h"
#include "dt_bpf.h"

static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

int dt_bpf_target__create(const char *command, struct dt_bpf_target *t,
    char *err, size_t errlen)
{
	char *copy = strdup(command), *argv[256], *save = NULL;
	int n = 0, gate[2], e;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->gate = t->pidfd = t->execfd[0] = t->execfd[1] = -1;

	if (copy == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	for (char *w = strtok_r(copy, " \t\n", &save); w != NULL && n < 255;
	    w = strtok_r(NULL, " \t\n", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (n == 0) {
		free(copy);
		return dbpf_say(err, errlen, -EINVAL, "empty command for -c");
	}
	if (pipe2(gate, O_CLOEXEC) != 0) {
		free(copy);
		return dbpf_say(err, errlen, -errno, "pipe: %s", strerror(errno));
	}
	if (pipe2(t->execfd, O_CLOEXEC) != 0) {
		free(copy);
		close(gate[0]);
		close(gate[1]);
		return dbpf_say(err, errlen, -errno, "pipe: %s", strerror(errno));
	}
	if ((pid = fork()) < 0) {
		free(copy);
		return dbpf_say(err, errlen, -errno, "fork: %s", strerror(errno));
	}
	if (pid == 0) {		/* child: wait until tracing is enabled */
		char c;
		sigset_t none;

		close(gate[1]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;	/* tell the parent why, through the exec pipe */
		if (write(t->execfd[1], &e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(127);
		_exit(127);
	}
	close(gate[0]);
	close(t->execfd[1]);
	snprintf(t->name, sizeof(t->name), "%s", argv[0]);
	free(copy);
	t->pid = pid;
	t->created = true;
	t->gate = gate[1];
	t->pidfd = pidfd_of(pid);
	return 0;
}

int dt_bpf_target__grab(const char *spec, struct dt_bpf_target *t, char *err,
    size_t errlen)
{
	char *end;
	long pid = strtol(spec, &end, 10);

	if (*spec == '\0' || *end != '\0' || pid <= 0)
		return dbpf_say(err, errlen, -EINVAL, "invalid process id: %s", spec);
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return dbpf_say(err, errlen, -ESRCH, "failed to grab pid %ld: no such process", pid);
	memset(t, 0, sizeof(*t));
	t->pid = (pid_t)pid;
	t->gate = t->execfd[0] = t->execfd[1] = -1;
	t->pidfd = pidfd_of((pid_t)pid);
	return 0;
}

int dt_bpf_target__go(struct dt_bpf_target *t, char *err, size_t errlen)
{
	int e = 0;
	ssize_t n;

	if (!t->created || t->gate < 0)
		return 0;
	n = write(t->gate, "g", 1);
	close(t->gate);
	t->gate = -1;
	if (n != 1)
		return dbpf_say(err, errlen, -EIO, "cannot start %s", t->name);
	/* EOF: the exec succeeded (the pipe closed on exec); else its errno. */
	while ((n = read(t->execfd[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(t->execfd[0]);
	t->execfd[0] = -1;
	if (n == (ssize_t)sizeof(e))
		return dbpf_say(err, errlen, -e, "failed to execute %s: %s", t->name, strerror(e));
	return 0;
}

bool dt_bpf_target__done(struct dt_bpf_target *t)
{
	if (t->pid == 0 || t->exited)
		return t->exited;
	if (t->created) {
		if (waitpid(t->pid, &t->status, WNOHANG) == t->pid)
			t->exited = true;
	} else if (t->pidfd >= 0) {
		struct pollfd p = { t->pidfd, POLLIN, 0 };

		t->exited = poll(&p, 1, 0) == 1;
	} else {
		t->exited = kill(t->pid, 0) != 0 && errno == ESRCH;
	}
	return t->exited;
}

void dt_bpf_target__abandon(struct dt_bpf_target *t)
{
	if (t->created && !t->exited) {
		if (t->gate >= 0)
			close(t->gate);	/* the child's read fails: it exits */
		t->gate = -1;
		waitpid(t->pid, &t->status, 0);
		t->exited = true;
	}
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->execfd[0] >= 0)
		close(t->execfd[0]);
	t->pidfd = t->execfd[0] = -1;
}

static char *subst(const char *text, pid_t pid)
{
	static const char key[] = "$target";
	char num[24];
	size_t n = 0, klen = sizeof(key) - 1, nlen;
	const char *p;
	char *out, *o;

	nlen = (size_t)snprintf(num, sizeof(num), "%d", (int)pid);
	for (p = text; (p = strstr(p, key)) != NULL; p += klen)
		n++;
	if ((out = malloc(strlen(text) + n * nlen + 1)) == NULL)
		return NULL;
	for (o = out, p = text; *p != '\0'; ) {
		if (strncmp(p, key, klen) == 0 &&
		    !(p[klen] == '_' || (p[klen] >= 'a' && p[klen] <= 'z') ||
		    (p[klen] >= 'A' && p[klen] <= 'Z') || (p[klen] >= '0' && p[klen] <= '9'))) {
			memcpy(o, num, nlen);
			o += nlen;
			p += klen;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}


char *dt_bpf_subst_target(const char *path, const char *text, pid_t pid)
{
	char *buf = NULL, *out;
	size_t len = 0;
	FILE *fp;

	if (text != NULL)
		return subst(text, pid);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	for (;;) {
		char *nb = realloc(buf, len + 65536 + 1);
		size_t n;

		if (nb == NULL) {
			free(buf);
			fclose(fp);
			return NULL;
		}
		buf = nb;
		n = fread(buf + len, 1, 65536, fp);
		len += n;
		if (n < 65536)
			break;
	}
	fclose(fp);
	buf[len] = '\0';
	out = subst(buf, pid);
	free(buf);
	return out;
}
