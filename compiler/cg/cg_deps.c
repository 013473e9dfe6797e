/*
 * cg_deps.c -- make-style dependency rules for dtc -M / -MF.
 *
 * A build system that caches objects needs to know every file an object
 * was made from: the D sources, and with -C every header cpp pulled in.
 * The headers are read from cpp's own line markers, which stay in each
 * source's preprocessed buffer (`# 12 "/usr/include/x.h" 1`); the marker
 * that names cpp's private temporary copy of a source stands for the
 * source itself, and pseudo-files ("<built-in>", "<command-line>") are not
 * files.  Names are listed once each, in order of first appearance, so the
 * rule is deterministic:
 *
 *   target.o: a.d hdr/one.h \
 *    /usr/include/two.h
 *
 * Spaces and '#' are escaped with a backslash and '$' doubled, as make
 * reads them.  dc_cg__write_deps writes atomically (temporary file in the
 * same directory, fsync, rename), like the object itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_cg.h"
#include "impl.h"

struct sbuf {
	char *b;
	size_t n, cap;
	bool oom;
};

static void put(struct sbuf *s, const char *p, size_t n)
{
	if (s->oom)
		return;
	if (s->n + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		while (cap < s->n + n + 1)
			cap *= 2;
		char *nb = realloc(s->b, cap);
		if (nb == NULL) {
			s->oom = true;
			return;
		}
		s->b = nb;
		s->cap = cap;
	}
	memcpy(s->b + s->n, p, n);
	s->n += n;
	s->b[s->n] = '\0';
}

/* A file name as make reads it. */
static void put_name(struct sbuf *s, const char *name)
{
	for (const char *p = name; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '#')
			put(s, "\\", 1);
		if (*p == '$')
			put(s, "$", 1);
		put(s, p, 1);
	}
}

struct names {
	char **v;
	size_t n, cap;
	bool oom;
};

static void add_name(struct names *ns, const char *name, size_t len)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strlen(ns->v[i]) == len && memcmp(ns->v[i], name, len) == 0)
			return;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		char **nv = realloc(ns->v, cap * sizeof(*nv));
		if (nv == NULL) {
			ns->oom = true;
			return;
		}
		ns->v = nv;
		ns->cap = cap;
	}
	if ((ns->v[ns->n] = strndup(name, len)) == NULL)
		ns->oom = true;
	else
		ns->n++;
}

/*
 * marker := '#' [ "line" ] digits '"' name '"' flags
 * Writes the unescaped name into buf; false when the line is no marker.
 */
static bool line_marker(const char *p, const char *end, char *buf, size_t size, size_t *len)
{
	if (p >= end || *p != '#')
		return false;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 4 && strncmp(p, "line", 4) == 0)
		p += 4;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '"')
		return false;
	size_t n = 0;
	for (p++; p < end && *p != '"' && *p != '\n'; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		if (n + 1 < size)
			buf[n++] = *p;
	}
	if (p >= end || *p != '"')
		return false;
	buf[n] = '\0';
	*len = n;
	return true;
}

static void scan_source(struct names *ns, const struct dc_src *s)
{
	const char *p = s->buf, *end = s->buf + s->len;
	char name[4096];
	size_t len;

	if (s->name[0] != '<')		/* "<command line>" (-n) is no file */
		add_name(ns, s->name, strlen(s->name));
	if (s->cpp_tmp == NULL)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (line_marker(p, le, name, sizeof(name), &len) && name[0] != '<' &&
		    strcmp(name, s->cpp_tmp) != 0)
			add_name(ns, name, len);
		p = nl ? nl + 1 : end;
	}
}

int dc_cg__deps(const struct dc_program *prog, const char *target, char **out, size_t *len)
{
	struct names ns = { 0 };
	struct sbuf s = { 0 };

	*out = NULL;
	for (size_t i = 0; i < prog->nsrcs; i++)
		scan_source(&ns, &prog->srcs[i]);
	put_name(&s, target);
	put(&s, ":", 1);
	for (size_t i = 0; i < ns.n; i++) {
		put(&s, i == 0 ? " " : " \\\n ", i == 0 ? 1 : 4);
		put_name(&s, ns.v[i]);
	}
	put(&s, "\n", 1);
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	if (s.oom || ns.oom) {
		free(s.b);
		return -ENOMEM;
	}
	*out = s.b;
	*len = s.n;
	return 0;
}

static int write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int dc_cg__write_deps(const struct dc_program *prog, const char *target, const char *path)
{
	char *text, tmp[4096];
	size_t len;
	int rc = dc_cg__deps(prog, target, &text, &len);

	if (rc != 0)
		return rc;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		free(text);
		return -ENAMETOOLONG;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(text);
		return rc;
	}
	rc = write_all(fd, text, len);
	mode_t mask = umask(0);
	umask(mask);
	if (rc == 0 && fchmod(fd, 0666 & ~mask) != 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	free(text);
	return rc;
}
