/*
 * llvm_objcheck.c — conformance of our objects with an independent ELF
 * reader, LLVM's libObject (through its C API).
 *
 * For each object file: our reader decodes it; from the decoded program
 * this tool derives, by the rules of docs/object-format.md, the sections
 * (name, size), ELF symbols (name, value) and relocations (offset, type,
 * symbol name) the file must contain.  LLVM then lists what it actually
 * sees.  The two lists must be identical, line for line; on a mismatch
 * both are printed as a diff ("-" ours, "+" LLVM).
 *
 *   llvm_objcheck FILE...      prints "N passed, N failed"; exit 1 on failure
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/Object.h>

#include "ht/dobj.h"

/* A list of text lines. */
struct lines {
	char	**v;
	size_t	n, cap;
};

static void add(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			abort();
	}
	l->v[l->n++] = s;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Section names in file order (the "Sections" table of the spec). */
static const char *const secnames[] = {
	".ht.header", ".ht.strtab", ".ht.probes", ".ht.clauses", ".ht.actions",
	".ht.difos", ".ht.text", ".ht.ints", ".ht.strs", ".ht.vars", ".ht.lines",
	".ht.formats", ".ht.aggs", ".ht.options", ".ht.symbols", ".ht.meta",
	".ht.srcidents", ".symtab", ".strtab", ".shstrtab", ".rela.ht.text",
};

static const char *prefix(uint16_t kind)
{
	return kind == DOBJ_SYM_THREAD ? "self->" : kind == DOBJ_SYM_AGG ? "@" : "";
}

/* What the file must hold, derived from the decoded object. */
static void expected(const struct dobj *o, struct lines *out)
{
	uint64_t text = 0, ints = 0, strs = 0, vars = 0, nlines = 0, nrel = 0;
	uint64_t symstr = 1, shstr = 1;
	uint32_t *types = calloc(o->strlen + 1, sizeof(*types)), ntypes = 0;
	size_t nsec = o->kind == DOBJ_RELOCATABLE ? 21 : 20;
	struct lines syms = { 0 }, rels = { 0 };

	if (types == NULL)
		abort();
	for (uint32_t i = 0; i < o->nsymbols; i++) {
		const struct dobj_symbol *s = &o->symbols[i];
		add(&syms, "symbol %s%s value %u", prefix(s->kind), dobj__str(o, s->name), i);
		symstr += strlen(prefix(s->kind)) + strlen(dobj__str(o, s->name)) + 1;
	}
	for (uint32_t i = 0; i < o->ndifos; i++) {
		const struct dobj_difo *d = &o->difos[i];
		for (uint32_t j = 0; j < d->rellen; j++) {
			const struct dif_reloc *r = &d->reltab[j];
			const char *tn = dobj__str(o, r->dtr_type);
			if (types[r->dtr_type] == 0) {
				types[r->dtr_type] = ++ntypes;
				add(&syms, "symbol %s value 0", tn);
				symstr += strlen(tn) + 1;
			}
			add(&rels, "reloc offset %llu type %u symbol %s",
			    (unsigned long long)(text + r->dtr_pc) * 4,
			    (unsigned)r->dtr_kind | (unsigned)r->dtr_flags << 8, tn);
			nrel++;
		}
		text += d->len;
		ints += d->intlen;
		strs += d->strlen;
		vars += d->varlen;
		nlines += d->nlines;
	}
	for (size_t i = 0; i < nsec; i++)
		shstr += strlen(secnames[i]) + 1;
	const uint64_t sizes[] = {
		128, o->strlen, 32ull * o->nprobes, 32ull * o->nclauses, 40ull * o->nactions,
		56ull * o->ndifos, 4 * text, 8 * ints, strs, 20 * vars, 16 * nlines,
		8ull * o->nformats, 32ull * o->naggs, 8ull * o->noptions, 32ull * o->nsymbols,
		8ull * o->nmeta, 32ull * o->nsrcidents, 24ull * (1 + o->nsymbols + ntypes),
		symstr, shstr, 24 * nrel,
	};
	for (size_t i = 0; i < nsec; i++)
		add(out, "section %s size %llu", secnames[i], (unsigned long long)sizes[i]);
	for (size_t i = 0; i < syms.n; i++)
		add(out, "%s", syms.v[i]);
	for (size_t i = 0; i < rels.n; i++)
		add(out, "%s", rels.v[i]);
	lines_free(&syms);
	lines_free(&rels);
	free(types);
}

/* What LLVM sees. */
static int llvm_view(const char *path, struct lines *out)
{
	LLVMMemoryBufferRef mb;
	LLVMBinaryRef bin;
	LLVMContextRef ctx = LLVMContextCreate();
	char *msg = NULL;
	struct lines rels = { 0 };

	if (LLVMCreateMemoryBufferWithContentsOfFile(path, &mb, &msg)) {
		fprintf(stderr, "%s: %s\n", path, msg);
		LLVMDisposeMessage(msg);
		LLVMContextDispose(ctx);
		return -1;
	}
	bin = LLVMCreateBinary(mb, ctx, &msg);
	if (bin == NULL) {
		fprintf(stderr, "%s: LLVM rejects the file: %s\n", path, msg);
		LLVMDisposeMessage(msg);
		LLVMDisposeMemoryBuffer(mb);
		LLVMContextDispose(ctx);
		return -1;
	}
	/* the C API returns NULL iterators for empty lists */
	LLVMSectionIteratorRef sec = LLVMObjectFileCopySectionIterator(bin);
	for (int first = 1; sec && !LLVMObjectFileIsSectionIteratorAtEnd(bin, sec);
	    LLVMMoveToNextSection(sec), first = 0) {
		const char *name = LLVMGetSectionName(sec);
		if (first && (name == NULL || *name == '\0'))
			continue;	/* the null section */
		add(out, "section %s size %llu", name ? name : "?",
		    (unsigned long long)LLVMGetSectionSize(sec));
		LLVMRelocationIteratorRef ri = LLVMGetRelocations(sec);
		for (; !LLVMIsRelocationIteratorAtEnd(sec, ri); LLVMMoveToNextRelocation(ri)) {
			LLVMSymbolIteratorRef rs = LLVMGetRelocationSymbol(ri);
			add(&rels, "reloc offset %llu type %llu symbol %s",
			    (unsigned long long)LLVMGetRelocationOffset(ri),
			    (unsigned long long)LLVMGetRelocationType(ri),
			    rs ? LLVMGetSymbolName(rs) : "(none)");
			if (rs)
				LLVMDisposeSymbolIterator(rs);
		}
		LLVMDisposeRelocationIterator(ri);
	}
	if (sec)
		LLVMDisposeSectionIterator(sec);
	LLVMSymbolIteratorRef sym = LLVMObjectFileCopySymbolIterator(bin);
	for (int first = 1; sym && !LLVMObjectFileIsSymbolIteratorAtEnd(bin, sym);
	    LLVMMoveToNextSymbol(sym), first = 0) {
		const char *name = LLVMGetSymbolName(sym);
		if (first && (name == NULL || *name == '\0'))
			continue;	/* the null symbol */
		add(out, "symbol %s value %llu", name, (unsigned long long)LLVMGetSymbolAddress(sym));
	}
	if (sym)
		LLVMDisposeSymbolIterator(sym);
	for (size_t i = 0; i < rels.n; i++)
		add(out, "%s", rels.v[i]);
	lines_free(&rels);
	LLVMDisposeBinary(bin);
	LLVMDisposeMemoryBuffer(mb);
	LLVMContextDispose(ctx);
	return 0;
}

static int check_file(const char *path)
{
	struct dobj *obj = NULL;
	struct dobj_err err;
	struct lines ours = { 0 }, theirs = { 0 };
	int rc = dobj__read_file(path, &obj, &err), same;

	if (rc != 0) {
		fprintf(stderr, "%s: our reader rejects it: %s @%llu: %s\n", path, err.section,
		    (unsigned long long)err.offset, err.msg);
		return -1;
	}
	expected(obj, &ours);
	dobj__free(obj);
	if (llvm_view(path, &theirs) != 0) {
		lines_free(&ours);
		return -1;
	}
	same = ours.n == theirs.n;
	for (size_t i = 0; same && i < ours.n; i++)
		same = strcmp(ours.v[i], theirs.v[i]) == 0;
	if (!same) {
		fprintf(stderr, "%s: our reader and LLVM disagree (- ours, + LLVM):\n", path);
		for (size_t i = 0; i < ours.n || i < theirs.n; i++) {
			const char *a = i < ours.n ? ours.v[i] : NULL;
			const char *b = i < theirs.n ? theirs.v[i] : NULL;
			if (a && b && strcmp(a, b) == 0) {
				fprintf(stderr, "  %s\n", a);
				continue;
			}
			if (a)
				fprintf(stderr, "- %s\n", a);
			if (b)
				fprintf(stderr, "+ %s\n", b);
		}
	} else {
		printf("%s: %zu sections, symbols and relocations agree\n", path, ours.n);
	}
	lines_free(&ours);
	lines_free(&theirs);
	return same ? 0 : -1;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: llvm_objcheck FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (check_file(argv[i]) == 0)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
