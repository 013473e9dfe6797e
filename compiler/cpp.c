/*
 * cpp.c -- run the system C preprocessor for -C.
 *
 * The source is written to a private temporary file in $TMPDIR (so cpp's line markers
 * name a real file, which lex.c maps back to the source's own name), cpp is
 * started as a child process with the -I/-D/-U arguments in command-line
 * order, and its standard output is collected.  A cpp failure (exit status,
 * signal) is a compile error in the source, reported once; cpp's own
 * messages go to the caller's stderr unchanged.  A leading `#!` line is
 * blanked first because it is not a preprocessing directive.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "impl.h"

extern char **environ;

static bool write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

char *dc_cpp_run(struct dc_program *p, const char *name, const char *text, size_t len,
		 size_t *outlen)
{
	struct dc_loc loc = { .file = name };
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];

	if (dir == NULL || *dir == '\0' || strlen(dir) > sizeof(tmpl) - 32)
		dir = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/dtc-cpp-XXXXXX", dir);
	int fd = mkstemp(tmpl);
	char *out = NULL;

	if (fd < 0) {
		dc_error(p, &loc, D_UNKNOWN, "cannot create temporary file for cpp: %s",
			 strerror(errno));
		return NULL;
	}
	size_t skip = 0;
	if (len >= 2 && text[0] == '#' && text[1] == '!') {
		while (skip < len && text[skip] != '\n')
			skip++;
	}
	bool ok = write_all(fd, text + skip, len - skip);
	close(fd);
	if (!ok) {
		dc_error(p, &loc, D_UNKNOWN, "cannot write temporary file for cpp");
		unlink(tmpl);
		return NULL;
	}
	const struct dc_options *o = p->opts;
	const char **argv = calloc(o->ncpp_args + 4, sizeof(*argv));
	int pfd[2] = { -1, -1 };
	if (argv == NULL || pipe(pfd) != 0) {
		free(argv);
		unlink(tmpl);
		dc_error(p, &loc, D_UNKNOWN, "cannot run cpp: %s", strerror(errno));
		return NULL;
	}
	size_t k = 0;
	argv[k++] = o->cpp_path ? o->cpp_path : "cpp";
	for (size_t i = 0; i < o->ncpp_args; i++)
		argv[k++] = o->cpp_args[i];
	argv[k++] = tmpl;
	argv[k] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	free(argv);
	if (rc != 0) {
		close(pfd[0]);
		unlink(tmpl);
		dc_error(p, &loc, D_UNKNOWN, "cannot run cpp: %s", strerror(rc));
		return NULL;
	}
	size_t cap = len + 4096, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (buf == NULL)
			break;
		if (n == cap) {
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		ssize_t r = read(pfd[0], buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	unlink(tmpl);
	if (buf == NULL) {
		dc_error(p, &loc, D_UNKNOWN, "out of memory reading cpp output");
		return NULL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		dc_error(p, &loc, D_UNKNOWN, "preprocessor failed (cpp exit status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		free(buf);
		return NULL;
	}
	out = dc_arena_strndup(&p->arena, buf, n);
	free(buf);
	*outlen = n;
	p->srcs[p->nsrcs].cpp_tmp = dc_arena_strdup(&p->arena, tmpl);
	return out;
}
