/*
 * lnk.h — liblnk, the DIF linker behind `dld`, `dtrace -y` and the dtraced
 * minion.
 *
 * Theory.  dtc compiles D without knowing the target's types and leaves
 * every type-dependent value as a relocatable pseudo-instruction (usetx,
 * uload, uuload, typecast; include/dif/dif_reloc.h).  Linking turns one or
 * more such relocatable objects into one program for one target:
 *
 *   0. the typer (typer/typ_infer.h) types each input against the target:
 *      type errors are link errors, and each DIFO's return type is taken
 *      from the inferred type of what it returns;
 *   1. inputs are concatenated in order (clauses, actions, DIFOs, formats);
 *   2. variables and aggregations are merged by name and renumbered, since
 *      every object numbers its own from 0x500 / 1;
 *   0b. (first of all) kernel-symbol and args[N] relocation roots are
 *      bound (lnk_bind.c): symbol addresses become constants from the
 *      symbol source, args[N] becomes the probe function's BTF type;
 *   3. clauses whose probe `target` does not match this machine are dropped
 *      (resolvers), and the decision is recorded in the output's meta;
 *   4. every relocation is resolved against the target's typefile, and one
 *      rewriting pass replaces each pseudo-instruction by real DIF (possibly
 *      a sequence), fixing branches and line tables and dropping nops;
 *   5. every DIFO is re-validated as a linked program; the result is an
 *      ET_EXEC object whose srcidents are the inputs' idents.
 *
 * docs/linker.md describes the relocation semantics in full.  Nothing here
 * prints or exits: errors go to a diagnostics sink, one line each, in the
 * form "file:line:col: error: message".
 */
#ifndef LNK_H
#define LNK_H

#include <stddef.h>

#include "ht/dobj.h"

struct typ_file;

/* Resolver flags (-x resolvers=hostname,version). */
#define LNK_RESOLVE_HOSTNAME	0x1u	/* probe target globbed against the target name */
#define LNK_RESOLVE_VERSION	0x2u	/* ... or against the target version */

struct lnk_opts {
	unsigned	resolvers;	/* LNK_RESOLVE_*; 0 keeps every clause */
	const char	*target_name;	/* NULL: this machine's uname nodename */
	const char	*target_version; /* NULL: uname sysname "-" release */
	unsigned	flags;		/* LNK_F_* */
	const char	*symbols;	/* kernel symbol source (kallsyms or nm
					 * format); NULL: LNK_DEFAULT_SYMBOLS */
};

/* Type errors found by the typer are reported as warnings, not errors. */
#define LNK_F_TYPE_WARN		0x1u

/*
 * A diagnostics sink.  `report` gets each complete line (no newline); when
 * it is NULL messages are only counted.  `nerrors` counts errors.
 */
struct lnk_diag {
	void		(*report)(void *ctx, const char *line);
	void		*ctx;
	unsigned	nerrors;
	unsigned	nwarnings;	/* lines reported with "warning:" */
};

/* At most this many errors are reported for one link; then it stops. */
#define LNK_MAX_ERRORS	50

/*
 * Link `n` relocatable objects (names are used in messages and may be NULL)
 * against the typefile `tf`.  On success *out is a new linked object (not
 * yet written; its ident is computed by dobj__write_*).  Returns 0, -EINVAL
 * when the inputs cannot be linked (every reason reported to diag), -ENOMEM.
 * The inputs are not modified, except that an input whose ident is unset
 * (all zero: made in memory, never written) gets it computed, since the
 * output lists its inputs' idents.  tf may gain synthetic types (lookups).
 */
int lnk_link__objects(struct dobj *const *inputs, const char *const *names,
    size_t n, struct typ_file *tf, const struct lnk_opts *opts,
    struct lnk_diag *diag, struct dobj **out);

/*
 * The same from files: read each input, open the typefile, link, and when
 * `output` is not NULL write the result atomically.  *out (may be NULL)
 * receives the linked object.  Read errors are reported to diag too.
 */
int lnk_link__files(const char *const *paths, size_t n, const char *typefile,
    const struct lnk_opts *opts, struct lnk_diag *diag, const char *output,
    struct dobj **out);

/*
 * Parse a resolver list "hostname,version" (also "none", "") into
 * LNK_RESOLVE_* flags.  0 or -EINVAL.
 */
int lnk_opts__parse_resolvers(const char *s, unsigned *flags);

/* The typefile dld uses when none is given (may not exist). */
#define LNK_DEFAULT_TYPEFILE	"/sys/kernel/btf/vmlinux"
/* The symbol source when none is given: the running kernel's. */
#define LNK_DEFAULT_SYMBOLS	"/proc/kallsyms"

#endif /* LNK_H */
