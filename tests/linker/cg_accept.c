/*
 * cg_accept.c -- the dtc acceptance sweep: compile, link trivially, check.
 *
 *   cg_accept CORPUS TYPEFILE SYMBOLS OUTDIR
 *
 * For every *.d under CORPUS (sorted walk) that the front end accepts:
 *   1. code generation must produce an object or a clear "not built" /
 *      D_SYM_NOTYPES-style error (an "internal error" is a failure);
 *   2. the object must pass dobj__check and be byte-identical when the
 *      program is compiled a second time;
 *   3. it is linked alone against TYPEFILE with kernel symbols from SYMBOLS
 *      (type errors as warnings: a trivial link).  When it links, every
 *      linked DIFO must pass the validator as linked DIF and the output
 *      dobj__check; when it does not, every reason must be a resolution
 *      error (a type, member or symbol the bundled typefile lacks), never
 *      "internal linker error";
 *   4. both objects are written to OUTDIR (NNNN.o, NNNN.lnk.o) so that the
 *      independent reader (tests/obj/llvm_objcheck) can check each file.
 *
 * Prints the counts and the median relocatable object bytes per clause.
 * Exit 0 when nothing failed, 1 otherwise, 77 (skipped) without a corpus.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dc.h"
#include "dc_cg.h"
#include "dvm_validate.h"
#include "lnk.h"
#include "typ_typefile.h"

struct run {
	struct typ_file *tf;
	const char *symbols, *outdir;
	unsigned files, accepted, produced, unbuilt, linked, unresolved, failed;
	double *ratio;
	size_t nratio, cratio;
};

struct cgsink {
	unsigned n, internal;
};

static void cg_sink(void *ctx, const struct dc_diag *d)
{
	struct cgsink *s = ctx;

	s->n++;
	if (d->tag == D_UNKNOWN && strstr(d->msg, "internal error") != NULL)
		s->internal++;
}

/* 0 object, 1 front-end errors, 2 back-end error, 3 back-end internal error. */
static int compile(const char *path, struct dobj **out)
{
	struct dc_source src = { .name = path };
	struct cgsink sc = { 0, 0 };
	struct dc_options o = { .sink = cg_sink, .sink_ctx = &sc };
	struct dc_program *p = dc_compile(&src, 1, &o);
	int rc;

	*out = NULL;
	if (p == NULL || dc_program__nerrors(p) != 0) {
		dc_program__free(p);
		return 1;
	}
	rc = dc_cg__program(p, NULL, out, cg_sink, &sc);
	dc_program__free(p);
	return rc == 0 ? 0 : sc.internal ? 3 : 2;
}

struct lsink {
	char first[512];
	bool internal;
};

static void link_report(void *ctx, const char *line)
{
	struct lsink *s = ctx;

	if (s->first[0] == '\0')
		snprintf(s->first, sizeof(s->first), "%s", line);
	if (strstr(line, "internal") != NULL || strstr(line, "bug") != NULL)
		s->internal = true;
}

static bool linked_valid(const struct dobj *o)
{
	struct dobj_err e;

	if (dobj__check(o, &e) != 0)
		return false;
	for (uint32_t i = 0; i < o->ndifos; i++) {
		struct dif_difo v;
		struct dvm_validate_opts vo = { 0, 0 };
		struct dvm_verr err[1];
		dobj_difo__view(&o->difos[i], &v);
		if (dvm_difo__validate(&v, &vo, err, 1) != 0)
			return false;
	}
	return true;
}

static int write_to(struct run *r, struct dobj *o, const char *suffix)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%04u%s", r->outdir, r->produced, suffix);
	return dobj__write_file(o, path);
}

static void one(struct run *r, const char *path)
{
	struct dobj *o = NULL, *o2 = NULL, *lo = NULL;
	void *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	struct dobj_err e;

	r->files++;
	int rc = compile(path, &o);
	if (rc == 1)
		return;
	r->accepted++;
	if (rc == 2 || rc == 3) {
		if (rc == 3) {
			fprintf(stderr, "%s: internal error in code generation\n", path);
			r->failed++;
		} else {
			r->unbuilt++;
		}
		return;
	}
	r->produced++;
	if (dobj__check(o, &e) != 0 || dobj__write_mem(o, &b1, &l1) != 0 ||
	    compile(path, &o2) != 0 || dobj__write_mem(o2, &b2, &l2) != 0 || l1 != l2 ||
	    memcmp(b1, b2, l1) != 0 || write_to(r, o, ".o") != 0) {
		fprintf(stderr, "%s: object check, second compilation or write failed\n", path);
		r->failed++;
		goto out;
	}
	if (o->nclauses > 0) {
		if (r->nratio == r->cratio) {
			r->cratio = r->cratio ? r->cratio * 2 : 256;
			if ((r->ratio = realloc(r->ratio, r->cratio * sizeof(double))) == NULL)
				abort();
		}
		r->ratio[r->nratio++] = (double)l1 / o->nclauses;
	}
	struct lsink ls = { "", false };
	struct lnk_diag diag = { link_report, &ls, 0, 0 };
	struct lnk_opts lo_opts = { 0, NULL, NULL, LNK_F_TYPE_WARN, r->symbols };
	struct dobj *in[1] = { o };
	const char *names[1] = { path };
	rc = lnk_link__objects(in, names, 1, r->tf, &lo_opts, &diag, &lo);
	if (rc == -ENOMEM)
		abort();
	if (rc != 0) {
		if (ls.internal || diag.nerrors == 0) {
			fprintf(stderr, "%s: link failed: %s\n", path, ls.first);
			r->failed++;
		} else {
			r->unresolved++;
			if (getenv("CG_VERBOSE"))
				fprintf(stderr, "unresolved: %s\n", ls.first);
		}
		goto out;
	}
	if (!linked_valid(lo) || write_to(r, lo, ".lnk.o") != 0) {
		fprintf(stderr, "%s: linked object invalid or not written\n", path);
		r->failed++;
		goto out;
	}
	r->linked++;
out:
	dobj__free(o);
	dobj__free(o2);
	dobj__free(lo);
	free(b1);
	free(b2);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct run *r, const char *dir)
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
			if ((names = realloc(names, c * sizeof(*names))) == NULL)
				abort();
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmpstr);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(r, path);
			continue;
		}
		size_t len = strlen(path);
		if (len > 2 && strcmp(path + len - 2, ".d") == 0)
			one(r, path);
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
	struct run r = { 0 };
	struct typ_err te = { "" };
	struct stat st;

	if (argc != 5) {
		fprintf(stderr, "usage: cg_accept CORPUS TYPEFILE SYMBOLS OUTDIR\n");
		return 2;
	}
	if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("corpus %s not found: skipped\n", argv[1]);
		return 77;
	}
	if (typ_file__open(argv[2], &r.tf, &te) != 0) {
		fprintf(stderr, "%s\n", te.msg);
		return 1;
	}
	r.symbols = argv[3];
	r.outdir = argv[4];
	mkdir(r.outdir, 0755);
	walk(&r, argv[1]);
	qsort(r.ratio, r.nratio, sizeof(double), cmpd);
	printf("files %u, accepted by the front end %u, objects produced %u, not built %u; "
	    "linked against the bundled typefile %u, unresolved there %u; failed %u; "
	    "median bytes/clause %.0f\n", r.files, r.accepted, r.produced, r.unbuilt,
	    r.linked, r.unresolved, r.failed, r.nratio ? r.ratio[r.nratio / 2] : 0.0);
	free(r.ratio);
	typ_file__free(r.tf);
	return r.failed != 0 || r.produced == 0;
}
