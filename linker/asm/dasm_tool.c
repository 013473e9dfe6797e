/*
 * dasm_tool.c — the `dasm` command: assemble a file to an object, or print
 * an object as assembly or as a `dtrace -S` listing.
 *
 * Diagnostics are "file:line:col: error: message", then the source line and
 * a caret under the column.  The object is written atomically by
 * dobj__write_file (temp file, rename), so a failed run never leaves
 * a half-written output.  Exit status: 0 ok, 1 error in the input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm.h"
#include "dasm_tool.h"

struct source {
	const char	*text;
	size_t		len;
};

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *b = NULL;

	if (f == NULL)
		return -errno;
	for (;;) {
		if (n == cap) {
			char *nb = realloc(b, cap ? cap * 2 : 65536);
			if (nb == NULL) {
				free(b);
				fclose(f);
				return -ENOMEM;
			}
			b = nb;
			cap = cap ? cap * 2 : 65536;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(b);
		return -EIO;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Print source line `line` and a caret under column `col`. */
static void show_line(const struct source *src, unsigned line, unsigned col)
{
	const char *p = src->text, *end = src->text + src->len;

	for (unsigned l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return;
		p = nl + 1;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (n > 200)
		n = 200;
	fprintf(stderr, "  %.*s\n  ", (int)n, p);
	for (unsigned i = 1; i < col && i <= n; i++)
		fputc(p[i - 1] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

static void diag(const struct source *src, const char *sev, const char *file,
    unsigned line, unsigned col, const char *msg)
{
	if (line == 0) {
		fprintf(stderr, "%s: %s: %s\n", file, sev, msg);
		return;
	}
	fprintf(stderr, "%s:%u:%u: %s: %s\n", file, line, col, sev, msg);
	show_line(src, line, col);
}

static void on_error(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	diag(ctx, "error", file, line, col, msg);
}

static void on_warning(void *ctx, const char *file, unsigned line, unsigned col,
    const char *msg)
{
	diag(ctx, "warning", file, line, col, msg);
}

static char *default_output(const char *input)
{
	size_t n = strlen(input);
	char *out = malloc(n + 3);

	if (out == NULL)
		return NULL;
	memcpy(out, input, n + 1);
	if (n > 2 && strcmp(input + n - 2, ".s") == 0)
		out[n - 1] = 'o';
	else
		strcat(out, ".o");
	return out;
}

static int assemble(const struct dasm_tool_opts *o)
{
	struct source src;
	char *text = NULL;
	struct dobj *obj;
	int rc;

	if ((rc = read_all(o->input, &text, &src.len)) != 0) {
		fprintf(stderr, "dasm: %s: %s\n", o->input, strerror(-rc));
		return 1;
	}
	src.text = text;
	struct dasm_sink sink = { on_error, on_warning, &src,
	    o->allow_invalid ? DASM_F_INVALID_OK : 0, 0 };
	rc = dasm__assemble(text, src.len, o->input, &obj, &sink);
	if (rc != 0) {
		if (rc == -ENOMEM)
			fprintf(stderr, "dasm: %s: out of memory\n", o->input);
		else if (sink.nerrors > DASM_MAX_ERRORS)
			fprintf(stderr, "dasm: %s: %u errors (first %d shown)\n", o->input,
			    sink.nerrors, DASM_MAX_ERRORS);
		free(text);
		return 1;
	}
	free(text);
	if (o->mode == DASM_MODE_CHECK) {
		dobj__free(obj);
		return 0;
	}
	char *out = o->output ? strdup(o->output) : default_output(o->input);
	if (out == NULL) {
		dobj__free(obj);
		fprintf(stderr, "dasm: out of memory\n");
		return 1;
	}
	rc = dobj__write_file(obj, out);
	if (rc != 0)
		fprintf(stderr, "dasm: %s: cannot write: %s\n", out, strerror(-rc));
	free(out);
	dobj__free(obj);
	return rc != 0;
}

static int print_object(const struct dasm_tool_opts *o)
{
	struct dobj *obj;
	struct dobj_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = dobj__read_file(o->input, &obj, &err);
	if (rc != 0) {
		if (err.msg[0] != '\0')
			fprintf(stderr, "dasm: %s: section %s, offset %llu: %s\n", o->input,
			    err.section, (unsigned long long)err.offset, err.msg);
		else
			fprintf(stderr, "dasm: %s: %s\n", o->input, strerror(-rc));
		return 1;
	}
	if (o->mode == DASM_MODE_LISTING)
		rc = dasm__listing(obj, stdout);
	else
		rc = dasm__disassemble(obj, stdout);
	dobj__free(obj);
	if (rc == 0 && fflush(stdout) != 0)
		rc = -EIO;
	if (rc != 0) {
		fprintf(stderr, "dasm: %s: %s\n", o->input, strerror(-rc));
		return 1;
	}
	return 0;
}

int dasm_tool_run(const struct dasm_tool_opts *o)
{
	if (o->mode == DASM_MODE_ASSEMBLE || o->mode == DASM_MODE_CHECK)
		return assemble(o);
	return print_object(o);
}
