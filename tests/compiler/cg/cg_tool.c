/*
 * cg_tool.c -- test driver for the dtc back end.
 *
 *   cg_tool file.d            compile, generate, print the dasm -S listing
 *   cg_tool -s file.d         the same as assembly text (dasm__disassemble:
 *                             every table, re-assembles to an equal object)
 *   cg_tool --sweep DIR       compile every *.d under DIR the front end
 *                             accepts; each generated object must pass
 *                             dobj__check, write/read back, validate every
 *                             DIFO (relocatable), and be byte-identical when
 *                             generated twice.  Prints the counts and the
 *                             median object bytes per clause.
 *
 * CG_CURTHREAD="struct task_struct" sets the target's thread type.
 * Exit: 0 ok, 1 a failure (listing: compile error), 2 usage, 77 no corpus.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dasm.h"
#include "dc.h"
#include "dc_cg.h"
#include "dvm_validate.h"

struct sinkctx {
	FILE *fp;
	unsigned n, internal;
};

static void sink(void *ctx, const struct dc_diag *d)
{
	struct sinkctx *s = ctx;

	s->n++;
	if (d->tag == D_UNKNOWN && strstr(d->msg, "internal error") != NULL)
		s->internal++;
	if (s->fp)
		fprintf(s->fp, "%s:%d:%d: error: [%s] %s\n", d->file, d->line, d->col,
			dc_errtag__name(d->tag), d->msg);
}

/* Front end + back end; 0 ok, 1 front-end errors, 2 back-end errors. */
static int build(const char *path, struct dobj **out, struct sinkctx *sc)
{
	struct dc_source src = { .name = path };
	struct dc_options o = { .sink = sink, .sink_ctx = sc };
	struct dc_program *p = dc_compile(&src, 1, &o);

	*out = NULL;
	if (p == NULL)
		return 1;
	if (dc_program__nerrors(p) != 0) {
		dc_program__free(p);
		return 1;
	}
	struct dc_cg_opts co = { .curthread_type = getenv("CG_CURTHREAD") };
	int rc = dc_cg__program(p, &co, out, sink, sc);
	dc_program__free(p);
	return rc == 0 ? 0 : 2;
}

static int listing(const char *path, bool assembly)
{
	struct sinkctx sc = { stderr, 0, 0 };
	struct dobj *o;

	if (build(path, &o, &sc) != 0)
		return 1;
	int rc = assembly ? dasm__disassemble(o, stdout) : dasm__listing(o, stdout);
	dobj__free(o);
	return rc == 0 ? 0 : 1;
}

struct sweep {
	unsigned files, accepted, produced, unbuilt, failed;
	double *ratio;
	size_t nratio, cratio;
};

static int check_obj(const char *path, struct dobj *o, size_t *bytes)
{
	void *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	struct dobj_err err;
	struct dobj *back = NULL, *o2 = NULL;
	struct sinkctx sc = { NULL, 0, 0 };
	int bad = 0;

	if (dobj__check(o, &err) != 0 || dobj__write_mem(o, &b1, &l1) != 0) {
		fprintf(stderr, "%s: object check failed\n", path);
		return 1;
	}
	if (dobj__read_mem(b1, l1, &back, &err) != 0) {
		char m[400];
		dobj_err__format(&err, m, sizeof(m));
		fprintf(stderr, "%s: read back failed: %s\n", path, m);
		bad = 1;
	}
	for (uint32_t i = 0; back && i < back->ndifos; i++) {
		struct dif_difo v;
		struct dvm_validate_opts vo = { .dvo_flags = DVM_VF_RELOCATABLE };
		struct dvm_verr e[1];
		dobj_difo__view(&back->difos[i], &v);
		unsigned nerr = dvm_difo__validate(&v, &vo, e, 1);
		if (nerr != 0) {
			fprintf(stderr, "%s: difo %u invalid\n", path, i);
			bad = 1;
		}
	}
	if (build(path, &o2, &sc) != 0 || dobj__write_mem(o2, &b2, &l2) != 0 || l1 != l2 ||
	    memcmp(b1, b2, l1) != 0) {
		fprintf(stderr, "%s: second compilation differs\n", path);
		bad = 1;
	}
	*bytes = l1;
	dobj__free(back);
	dobj__free(o2);
	free(b1);
	free(b2);
	return bad;
}

static void walk(const char *dir, struct sweep *s)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, c = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == c) {
			c = c ? c * 2 : 64;
			names = realloc(names, c * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, s);
			continue;
		}
		size_t len = strlen(path);
		if (len < 2 || strcmp(path + len - 2, ".d") != 0)
			continue;
		s->files++;
		struct sinkctx sc = { NULL, 0, 0 };
		struct dobj *o;
		int rc = build(path, &o, &sc);
		if (rc == 2 && getenv("CG_VERBOSE") != NULL) {
			struct sinkctx vc = { stderr, 0, 0 };
			(void)build(path, &o, &vc);
		}
		if (rc == 1)
			continue;
		s->accepted++;
		if (rc == 2) {
			if (sc.internal) {
				s->failed++;
				sc.fp = stderr;
				fprintf(stderr, "%s: internal error in code generation\n", path);
			} else {
				s->unbuilt++;
			}
			continue;
		}
		size_t bytes = 0;
		if (check_obj(path, o, &bytes) != 0)
			s->failed++;
		else
			s->produced++;
		if (o->nclauses > 0) {
			if (s->nratio == s->cratio) {
				s->cratio = s->cratio ? s->cratio * 2 : 256;
				s->ratio = realloc(s->ratio, s->cratio * sizeof(*s->ratio));
			}
			s->ratio[s->nratio++] = (double)bytes / o->nclauses;
		}
		dobj__free(o);
	}
	free(names);
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc == 2 && argv[1][0] != '-')
		return listing(argv[1], false);
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		return listing(argv[2], true);
	if (argc == 3 && strcmp(argv[1], "--sweep") == 0) {
		struct sweep s = { 0 };
		struct stat st;
		if (stat(argv[2], &st) != 0 || !S_ISDIR(st.st_mode)) {
			printf("corpus %s not found: skipped\n", argv[2]);
			return 77;	/* meson: skipped */
		}
		walk(argv[2], &s);
		qsort(s.ratio, s.nratio, sizeof(double), cmpd);
		printf("files %u, accepted by the front end %u, objects produced %u, "
		       "not built yet %u, failed %u, median bytes/clause %.0f\n", s.files,
		       s.accepted, s.produced, s.unbuilt, s.failed,
		       s.nratio ? s.ratio[s.nratio / 2] : 0.0);
		free(s.ratio);
		return s.failed != 0 || s.produced == 0;
	}
	fprintf(stderr, "usage: cg_tool [-s] file.d | cg_tool --sweep DIR\n");
	return 2;
}
