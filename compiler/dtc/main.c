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
		"           [file.d ...] [-- macro-args ...]\n"
		"  -C          run the C preprocessor (cpp) on the sources\n"
		"  -I/-D/-U    passed to the preprocessor\n"
		"  -T file     typefile of the target (recorded)\n"
		"  -x opt      set an option; -x errtags prefixes messages with [D_TAG]\n"
		"  -n prog     compile a program given on the command line\n"
		"  -o out.o    write the relocatable object\n"
		"  -S          print the DIF listing of every clause (like dtrace -S)\n"
		"  --version   print the version; --help this text\n");
}

struct sink_ctx {
	bool errtags;
};

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
	if (d->src_line != NULL) {
		fprintf(stderr, "  %.*s\n  ", (int)d->src_line_len, d->src_line);
		for (int i = 1; i < d->col && (size_t)i <= d->src_line_len; i++)
			fputc(d->src_line[i - 1] == '\t' ? '\t' : ' ', stderr);
		fputs("^\n", stderr);
	}
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

int main(int argc, char **argv)
{
	const char **cpp = calloc((size_t)argc + 1, sizeof(char *));
	const char **xo = calloc((size_t)argc + 1, sizeof(char *));
	const char **macros = calloc((size_t)argc + 1, sizeof(char *));
	struct dc_source *srcs = calloc((size_t)argc + 1, sizeof(*srcs));
	size_t ncpp = 0, nxo = 0, nmac = 0, nsrc = 0;
	struct dc_options o = { 0 };
	struct sink_ctx sc = { 0 };
	const char *out = NULL;
	bool asm_out = false;

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
