/*
 * dtc -- the D compiler tool.  Parses options, runs dc_compile() and prints
 * diagnostics as `file:line:col: error: [D_TAG] message`, the source line
 * and a caret.  With -o a program that checks clean goes through the code
 * generator (compiler/cg) and is written atomically as a relocatable
 * object; -S prints its DIF listing, dtrace -S style.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht_version.h"
#include "dc.h"
#include "dc_cg.h"
#include "dasm.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dtc [-C] [-I dir] [-D name[=value]] [-U name] [-T typefile]\n"
		"           [-x errtags] [-x option[=value]] [-n 'program'] [-o out.o] [-S]\n"
		"           [-M] [-MF depfile] [file.d ...] [-- macro-args ...]\n"
		"  -C          run the C preprocessor (cpp) on the sources\n"
		"  -I/-D/-U    passed to the preprocessor\n"
		"  -T file     typefile of the target (recorded)\n"
		"  -x opt      set an option; -x errtags prefixes messages with [D_TAG]\n"
		"  -n prog     compile a program given on the command line\n"
		"  -o out.o    write the relocatable object\n"
		"  -S          print the DIF listing of every clause (like dtrace -S)\n"
		"  -M          print a make rule: the object depends on the sources and\n"
		"              every header -C pulled in\n"
		"  -MF file    write that rule to file (atomically) once the object is written\n"
		"  --version   print the version; --help this text\n");
}

struct sink_ctx {
	bool errtags;
};

/*
 * The offending source line and a caret under column col.  A long line
 * (generated or hostile input) is cut to a window around the column so one
 * diagnostic stays one screenful.
 */
static void print_excerpt(const char *line, size_t len, int col)
{
	enum { WIDTH = 120 };
	size_t at = col > 0 ? (size_t)col - 1 : 0, from = 0, to = len;

	if (at > len)
		at = len;
	if (len > WIDTH) {
		from = at > WIDTH / 2 ? at - WIDTH / 2 : 0;
		to = from + WIDTH < len ? from + WIDTH : len;
	}
	fprintf(stderr, "  %s%.*s%s\n  ", from ? "..." : "", (int)(to - from), line + from,
		to < len ? "..." : "");
	if (from)
		fputs("   ", stderr);
	for (size_t i = from; i < at; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

static void sink(void *vctx, const struct dc_diag *d)
{
	struct sink_ctx *c = vctx;

	if (d->file != NULL && d->line > 0)
		fprintf(stderr, "%s:%d:%d: ", d->file, d->line, d->col);
	else if (d->file != NULL)
		fprintf(stderr, "%s: ", d->file);
	else
		fputs("dtc: ", stderr);
	fputs(d->sev == DC_SEV_ERROR ? "error: " : "warning: ", stderr);
	if (c->errtags && d->sev == DC_SEV_ERROR)
		fprintf(stderr, "[%s] ", dc_errtag__name(d->tag));
	fprintf(stderr, "%s\n", d->msg);
	if (d->src_line != NULL)
		print_excerpt(d->src_line, d->src_line_len, d->col);
}

/* The argument of -X: "-Xvalue" or "-X value"; NULL (usage error) if missing. */
static const char *need_arg(int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (a[2] != '\0')
		return a + 2;
	if (*i + 1 >= argc) {
		fprintf(stderr, "dtc: option %s requires an argument\n", a);
		usage(stderr);
		return NULL;
	}
	return argv[++*i];
}

/*
 * -M / -MF: the make rule for the object (dc_cg__deps).  The target is the
 * -o name, else the first source with its suffix replaced by ".o".
 */
static int write_deps(const struct dc_program *p, const char *out,
		      const struct dc_source *srcs, bool to_stdout, const char *depfile)
{
	char target[4096];
	int rc;

	if (out != NULL) {
		snprintf(target, sizeof(target), "%s", out);
	} else {
		const char *src = srcs[0].text == NULL ? srcs[0].name : "a";
		const char *dot = strrchr(src, '.'), *slash = strrchr(src, '/');
		int stem = dot && (!slash || dot > slash) ? (int)(dot - src) : (int)strlen(src);
		snprintf(target, sizeof(target), "%.*s.o", stem, src);
	}
	if (to_stdout) {
		char *text;
		size_t len;
		if ((rc = dc_cg__deps(p, target, &text, &len)) == 0) {
			fwrite(text, 1, len, stdout);
			free(text);
		}
	} else {
		rc = dc_cg__write_deps(p, target, depfile);
	}
	if (rc != 0) {
		fprintf(stderr, "dtc: %s: %s\n", depfile ? depfile : "-M", strerror(-rc));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char **cpp = calloc((size_t)argc + 1, sizeof(char *));
	const char **xo = calloc((size_t)argc + 1, sizeof(char *));
	const char **macros = calloc((size_t)argc + 1, sizeof(char *));
	struct dc_source *srcs = calloc((size_t)argc + 1, sizeof(*srcs));
	size_t ncpp = 0, nxo = 0, nmac = 0, nsrc = 0;
	struct dc_options o = { 0 };
	struct sink_ctx sc = { 0 };
	const char *out = NULL, *depfile = NULL;
	bool asm_out = false, deps_out = false;

	int rc = 0;
	const char *v;

	if (!cpp || !xo || !macros || !srcs) {
		fprintf(stderr, "dtc: out of memory\n");
		rc = 1;
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0) {
			printf("dtc (HyperTrace) %s\n", HT_VERSION);
			goto out;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			goto out;
		}
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				macros[nmac++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (strcmp(a, "-") == 0) {
				fprintf(stderr, "dtc: reading from stdin is not supported\n");
				rc = 2;
				goto out;
			}
			srcs[nsrc++].name = a;
			continue;
		}
		switch (a[1]) {
		case 'M':
			if (strcmp(a, "-M") == 0) {
				deps_out = true;
				break;
			}
			if (strncmp(a, "-MF", 3) != 0) {
				fprintf(stderr, "dtc: unknown option %s\n", a);
				usage(stderr);
				goto usage_err;
			}
			if (a[3] != '\0')
				depfile = a + 3;
			else if (i + 1 < argc)
				depfile = argv[++i];
			else {
				fprintf(stderr, "dtc: option -MF requires an argument\n");
				usage(stderr);
				goto usage_err;
			}
			break;
		case 'C': o.cpp = true; break;
		case 'S': asm_out = true; break;
		case 'I': case 'D': case 'U': {
			if ((v = need_arg(argc, argv, &i)) == NULL)
				goto usage_err;
			size_t l = strlen(v) + 3;
			char *s = malloc(l);
			if (s == NULL) {
				rc = 1;
				goto out;
			}
			snprintf(s, l, "-%c%s", a[1], v);
			cpp[ncpp++] = s;
			break;
		}
		case 'T':
			if ((o.typefile = need_arg(argc, argv, &i)) == NULL)
				goto usage_err;
			break;
		case 'x': {
			if ((v = need_arg(argc, argv, &i)) == NULL)
				goto usage_err;
			if (strcmp(v, "errtags") == 0)
				sc.errtags = true;
			xo[nxo++] = v;
			break;
		}
		case 'n':
			srcs[nsrc].name = "<command line>";
			if ((srcs[nsrc].text = need_arg(argc, argv, &i)) == NULL)
				goto usage_err;
			srcs[nsrc].len = strlen(srcs[nsrc].text);
			nsrc++;
			break;
		case 'o':
			if ((out = need_arg(argc, argv, &i)) == NULL)
				goto usage_err;
			break;
		default:
			fprintf(stderr, "dtc: unknown option %s\n", a);
			usage(stderr);
			goto usage_err;
		}
	}
	if (nsrc == 0) {
		fprintf(stderr, "dtc: no input: give a file or -n 'program'\n");
		usage(stderr);
		goto usage_err;
	}
	o.cpp_args = cpp;
	o.ncpp_args = ncpp;
	o.xopts = xo;
	o.nxopts = nxo;
	o.macro_args = macros;
	o.nmacro_args = nmac;
	o.progname = nsrc && srcs[0].text == NULL ? srcs[0].name : "dtc";
	o.sink = sink;
	o.sink_ctx = &sc;
	struct dc_program *p = dc_compile(srcs, nsrc, &o);
	if (p == NULL) {
		perror("dtc");
		rc = 1;
		goto out;
	}
	rc = dc_program__nerrors(p) ? 1 : 0;
	if (rc == 0 && (out != NULL || asm_out)) {
		struct dc_cg_opts cgo = { .xopts = xo, .nxopts = nxo };
		struct dobj *obj = NULL;
		int cr = dc_cg__program(p, &cgo, &obj, sink, &sc);

		if (cr == -ENOMEM) {
			perror("dtc");
			rc = 1;
		} else if (cr != 0) {
			rc = 1;
		} else {
			if (asm_out && dasm__listing(obj, stdout) != 0)
				rc = 1;
			if (out != NULL && (cr = dobj__write_file(obj, out)) != 0) {
				fprintf(stderr, "dtc: %s: %s\n", out, strerror(-cr));
				rc = 1;
			}
			dobj__free(obj);
		}
	}
	if (rc == 0 && (deps_out || depfile != NULL))
		rc = write_deps(p, out, srcs, deps_out, depfile);
	dc_program__free(p);
	goto out;
usage_err:
	rc = 2;
out:
	for (size_t i = 0; i < ncpp; i++)
		free((void *)cpp[i]);
	free(cpp);
	free(xo);
	free(macros);
	free(srcs);
	return rc;
}
