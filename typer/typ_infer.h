/*
 * typ_infer.h — type inference and checking over the DIF of a whole program
 * object (docs/typer.md).
 *
 * Theory.  Every register value, tuple-stack slot, variable and DIFO result
 * gets an element of a small lattice (struct typ_type): bottom (nothing
 * known yet) < concrete types (D integers of a size and sign, the NULL
 * constant, D strings, pointers, by-value typefile types, target-dependent
 * values) < top (conflict).  Joins are least upper bounds.  Each DIFO is a
 * DAG (DIF branches only go forward), so one pass in pc order computes the
 * forward data flow; variables are shared by all clauses, so the program is
 * re-run until no variable type changes (bounded: the lattice is shallow).
 *
 * With a typefile (opts.tf) relocations are resolved against its BTF and
 * types carry typefile ids; without one the program is typed "loosely":
 * target-dependent values stay symbolic (struct typ_type.kind ==
 * TYP_T_TARGET, named by the relocation).
 *
 * Errors never abort: each is a struct typ_diag (clause, DIFO, pc, source
 * position, the instruction's text, the message naming both types) in a
 * list the caller reads.  Nothing here prints or exits.
 */
#ifndef TYP_INFER_H
#define TYP_INFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ht/dobj.h"
#include "typ_typefile.h"

/* Lattice elements. */
enum typ_tkind {
	TYP_T_BOTTOM = 0,	/* no value reaches here (yet) */
	TYP_T_NULL,		/* the constant 0: joins with any pointer, integer, string */
	TYP_T_INT,		/* integer: size 1/2/4/8, signed or not; id = typefile type or 0 */
	TYP_T_STRING,		/* D string (by reference) */
	TYP_T_PTR,		/* pointer: id = the pointer type in the typefile, 0 = void * */
	TYP_T_CTF,		/* a typefile type by value/ref (struct, union, array, float) */
	TYP_T_TARGET,		/* loose: a scalar only the target knows (name = its origin) */
	TYP_T_TOP,		/* conflict */
};

#define TYP_TF_SIGNED	0x1	/* TYP_T_INT: signed */
#define TYP_TF_USER	0x2	/* TYP_T_PTR, TYP_T_CTF: in user space (uuload path) */

struct typ_type {
	uint8_t		kind;	/* enum typ_tkind */
	uint8_t		size;	/* TYP_T_INT: 1, 2, 4, 8 */
	uint8_t		flags;	/* TYP_TF_* */
	uint8_t		pad;
	typ_id_t	id;	/* typefile id (0: none / void) */
	uint32_t	name;	/* loose types: index into the inference's name table, 0 = none */
};

/* One error. */
#define TYP_DIAG_MSG_MAX	320
#define TYP_DIAG_INSN_MAX	96
struct typ_diag {
	int32_t		clause;		/* clause index, -1 if no clause uses the DIFO */
	int32_t		difo;		/* -1: a program-level error (variables) */
	uint32_t	pc;
	const char	*file;		/* source file ("" when unknown); lives with the object */
	uint32_t	line, col;	/* 0 when unknown */
	char		insn[TYP_DIAG_INSN_MAX];	/* "add %r1, %r2, %r3" */
	char		msg[TYP_DIAG_MSG_MAX];		/* "cannot join struct proc * and string" */
};

/* A program variable (user variables only; built-ins are not listed). */
#define TYP_MAX_KEYS	8
struct typ_var {
	const char	*name;		/* from a DIFO variable table, "" when none names it */
	uint32_t	id;
	uint8_t		scope;		/* DIFV_SCOPE_* */
	uint8_t		kind;		/* DIFV_KIND_* */
	uint8_t		nkeys;		/* associative arrays: key count (0: none seen) */
	struct typ_type	type;
	struct typ_type	keys[TYP_MAX_KEYS];
};

struct typ_infer_opts {
	struct typ_file			*tf;		/* NULL: loose typing */
	const struct typ_profile	*profile;	/* NULL: detected from tf, or none */
	uint32_t			max_errors;	/* 0: 100 */
};

struct typ_infer;

/*
 * Type every DIFO of obj.  Returns 0 when inference ran (type errors, if
 * any, are in the list: check typ_infer__nerrors), -ENOMEM, or -EINVAL for
 * bad arguments.  *out must be freed with typ_infer__free.  obj and opts->tf
 * must outlive *out.  opts may be NULL.
 */
int typ_infer__new(const struct dobj *obj, const struct typ_infer_opts *opts,
		   struct typ_infer **out);
void typ_infer__free(struct typ_infer *inf);

size_t typ_infer__nerrors(const struct typ_infer *inf);
const struct typ_diag *typ_infer__error(const struct typ_infer *inf, size_t i);
/* "file:line:col: error: clause 2, DIFO 3, pc 5 (add %r1, %r2, %r3): msg" */
int typ_diag__format(const struct typ_diag *d, char *buf, size_t len);

/* The inferred result type of DIFO difo (what its ret instructions return). */
int typ_infer__rtype(const struct typ_infer *inf, uint32_t difo, struct typ_type *out);
/* The same as a dif_type for patching dtdo_rtype / dobj_difo.rtype. */
int typ_infer__rtype_dif(const struct typ_infer *inf, uint32_t difo, struct dif_type *out);
/* Type of the register the instruction at pc defines; -ENOENT if it
 * defines none (or is unreachable), -EINVAL if out of range. */
int typ_infer__def_type(const struct typ_infer *inf, uint32_t difo, uint32_t pc,
			struct typ_type *out);

size_t typ_infer__nvars(const struct typ_infer *inf);
const struct typ_var *typ_infer__var(const struct typ_infer *inf, size_t i);

/* "int32_t", "string", "struct proc *", "target(struct thread.td_proc)". */
int typ_type__to_string(const struct typ_infer *inf, const struct typ_type *t,
			char *buf, size_t len);
/* Join of two types (least upper bound); TYP_T_TOP on conflict. */
struct typ_type typ_type__join(const struct typ_infer *inf, struct typ_type a,
			       struct typ_type b);

/* The typefile ids the program's types touched (sorted, unique), for
 * typ_file__write_min.  Empty without a typefile. */
size_t typ_infer__used_ids(const struct typ_infer *inf, const typ_id_t **ids);

#endif /* TYP_INFER_H */
