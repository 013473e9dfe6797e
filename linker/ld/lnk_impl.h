/*
 * lnk_impl.h — liblnk internals shared by lnk_link.c (merging, resolvers,
 * output) and lnk_reloc.c (relocations and the rewriting pass).
 */
#ifndef LNK_IMPL_H
#define LNK_IMPL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "lnk.h"

struct typ_file;

/* One link in progress. */
struct lnk_ctx {
	struct lnk_diag		*diag;
	struct typ_file		*tf;
	struct dobj		*out;
	int			rc;		/* first failure: -EINVAL or -ENOMEM */
	unsigned		nerr;		/* errors so far (also without a sink) */
};

/* Where a DIFO came from, for messages. */
struct lnk_where {
	const struct dobj	*in;		/* input object (its strtab names relocs) */
	const char		*inname;	/* input file name */
	uint32_t		clause;		/* 1-based clause number in the input */
	const char		*probe;		/* first probe description, text */
	struct dobj_srcpos	pos;		/* fallback position (action/clause) */
};

/*
 * Report an error at `pos` (file offset in `in`'s string table, or the
 * input name when unknown): "file:line:col: error: <fmt>".
 */
void lnk_error(struct lnk_ctx *cx, const struct lnk_where *w,
    const struct dobj_srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A line already formatted (the typer's): an error / a warning. */
void lnk_report(struct lnk_ctx *cx, const char *line);
void lnk_warning(struct lnk_ctx *cx, const char *line);
/* An error without a source position: "dld: error: <fmt>" or "name: error:". */
void lnk_error_plain(struct lnk_ctx *cx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Resolve every relocation of `d` (a copy owned by the output object whose
 * relocation names still index w->in's string table), rewrite its text,
 * deduplicate its int and string tables, drop its relocations and
 * re-validate it as linked DIF.  0, -EINVAL (reported) or -ENOMEM.
 */
int lnk_relocate_difo(struct lnk_ctx *cx, const struct lnk_where *w,
    struct dobj_difo *d);

/*
 * Bind the symbol and args[] roots of `in` (lnk_bind.c): when it has any,
 * *out is a private copy whose relocations are all plain (see
 * dif_reloc.h) but for guarded ones whose root the target lacks, which
 * keep their root flag for lnk_relocate_difo to poison; else *out is NULL.  The symbol source is read into *syms
 * on first need (freed with lnk_syms_free).  0, -EINVAL (reported), -ENOMEM.
 */
struct lnk_syms;
int lnk_bind_input(struct lnk_ctx *cx, const char *inname, struct dobj *in,
    const char *symfile, struct lnk_syms **syms, struct dobj **out);
void lnk_syms_free(struct lnk_syms *s);
/* The symbol-source parser on its own (fuzz entry, tests): read from f
 * (NULL: errno names why it could not be opened), NULL only on ENOMEM. */
struct lnk_syms *lnk_syms_read(FILE *f, const char *name);
/* Address and size (0 unknown) of "sym" / "mod`sym": 0, -ENOENT, -EEXIST
 * (several addresses), or the read error. */
int lnk_syms_lookup(const struct lnk_syms *s, const char *qname, uint64_t *addr,
    uint64_t *size);

#endif /* LNK_IMPL_H */
