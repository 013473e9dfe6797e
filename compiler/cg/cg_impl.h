/*
 * cg_impl.h -- private state of the dtc back end, shared by cg_difo.c (the
 * DIFO builder), cg_expr.c (expressions) and cg_prog.c (clauses, actions,
 * aggregations, symbols).
 *
 * One struct cg is one program being generated; one struct cg_difo is the
 * DIFO under construction (text, tables, labels, registers).  Variables get
 * ids per scope (global, thread, local) from DIF_VAR_OTHER_UBASE in order of
 * first appearance in the program, so ids are deterministic.
 */
#ifndef DC_CG_IMPL_H
#define DC_CG_IMPL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "dc_ast.h"
#include "dc_cg.h"

#define CG_MAX_TEXT	65536
/*
 * vm_kernel_addrperm(addr): Apple's subroutine id 54 (the address plus a
 * per-run secret, 0 stays 0); include/dif/dif.h's name table leaves it out.
 */
#define CG_SUBR_VM_KERNEL_ADDRPERM	54

/* A user variable known to the program (symbols, vartab entries). */
struct cg_var {
	const char *name;
	int scope;			/* DIFV_SCOPE_* */
	int kind;			/* DIFV_KIND_* */
	uint32_t id;
	const struct dc_ty *type;	/* value type (NULL: unknown, 8 bytes) */
	const struct dc_param *keys;
	int nkeys;
	const char *copy_type;		/* this->x holding a scratch copy of this target
					 * struct/union ("" when two types were stored) */
};

struct cg_label {
	uint32_t pc;			/* UINT32_MAX until placed */
};

struct cg_difo {
	dif_instr_t *text;
	uint32_t len, cap;
	uint64_t *ints;
	uint32_t nints, cints;
	char *strs;
	uint32_t nstrs, cstrs;
	struct dif_var *vars;
	uint32_t nvars, cvars;
	struct dif_reloc *rels;
	uint32_t nrels, crels;
	struct dobj_line *lines;
	uint32_t nlines, clines;
	struct cg_label *labels;
	uint32_t nlabels, clabels;
	uint32_t *fix;			/* pcs of branches (label index in the field) */
	uint32_t nfix, cfix;
	unsigned regs;			/* bit r set: %r<r> in use */
	bool destructive;
	struct dif_type rtype;
};

struct cg {
	const struct dc_program *prog;
	struct dobj *obj;
	dc_diag_sink_fn sink;
	void *sink_ctx;
	unsigned nerrors;
	uint32_t strsize;
	const char *curthread_type;	/* pointee of curthread (relocations):
					 * cg_curthread_root unless the options
					 * name a type */
	struct cg_var *vars;
	uint32_t nvars, cvars;
	uint32_t next_id[3];		/* per DIFV_SCOPE_* */
	struct cg_difo *d;		/* the DIFO being built */
	const struct dc_loc *loc;	/* current statement (line table) */
	jmp_buf fail;			/* unwinds out of one DIFO on error */
	bool failing;
	uint32_t nguards;		/* if/else guard variables */
	unsigned reloc_guard;		/* DIF_RELOC_F_GUARDED inside a system
					 * library arm (cg_expr.c by_type) */
	struct cg_bind {		/* translator / inline parameters in scope */
		const char *name;
		const struct dc_node *value;
		uint32_t depth;		/* bindings visible while evaluating value */
	} binds[32];
	uint32_t nbinds;
	struct cg_symptr {		/* variables only ever assigned &`sym */
		int scope;		/* DIFV_SCOPE_* */
		const char *name;
		const struct dc_node *sym;	/* NULL: assigned something else too */
	} *symptrs;
	uint32_t nsymptrs, csymptrs;
	struct cg_tptr {		/* assignments of pointers only the target types */
		int scope;		/* DIFV_SCOPE_* of the variable */
		const char *name;
		const struct dc_node *src;	/* the value assigned */
		const void *clause;	/* the clause it is assigned in */
		uint32_t next;		/* the variable's next one, UINT32_MAX: none */
	} *tptrs;
	uint32_t ntptrs, ctptrs;
	struct cg_tvar {		/* per variable, indexed once the scan ends */
		int scope;
		const char *name;
		uint32_t head;		/* its first assignment (tptrs index) */
		int state;		/* 0 unsettled, 1 settling, 2 settled */
		bool is_arg;		/* settled to an args[N] root: valid only... */
		const void *ctx;	/* ...in this clause */
		const struct cg_tptr *origin;
	} *tvars;			/* mutable through a const struct cg: a cache */
	uint32_t ntvars;
	uint32_t *thash;		/* tvars index + 1 by scope and name; 0 empty */
	uint32_t nthash;		/* a power of two */
	const void *clause;		/* the clause being scanned or generated */
};

/* cg_difo.c */
void cg_difo_init(struct cg_difo *d);
void cg_difo_fini(struct cg_difo *d);
void cg_emit(struct cg *g, dif_instr_t ins);
int cg_reg(struct cg *g);
void cg_free(struct cg *g, int r);
uint32_t cg_label(struct cg *g);
void cg_branch(struct cg *g, int op, uint32_t label);
void cg_place(struct cg *g, uint32_t label);
void cg_setx(struct cg *g, uint64_t v, int rd);
void cg_sets(struct cg *g, const char *s, size_t len, int rd);
uint32_t cg_dstr(struct cg *g, const char *s, size_t len);
void cg_reloc(struct cg *g, int op, int kind, const char *type, const char *member,
	      int r1, int rd);
void cg_reloc_root(struct cg *g, int op, int kind, unsigned flags, const char *type,
		   const char *member, int r1, int rd);
/* The relocation root of curthread's pointee when dtc is not told the type:
 * a relocation naming this very string gets DIF_RELOC_F_BUILTIN. */
extern const char cg_curthread_root[];
void cg_use_var(struct cg *g, const struct cg_var *v, unsigned flag);
int cg_difo_finish(struct cg *g, int32_t *index);
void cg_line(struct cg *g, const struct dc_loc *loc);
void cg_line_expr(struct cg *g, const struct dc_loc *loc);
void cg_error(struct cg *g, const struct dc_loc *loc, enum dc_errtag tag,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cg_fail(struct cg *g, const struct dc_loc *loc, enum dc_errtag tag,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5), noreturn));
void *cg_grow(struct cg *g, void *arr, uint32_t *cap, uint32_t need, size_t elsz);

/* cg_types.c */
struct dif_type cg_diftype(const struct cg *g, const struct dc_ty *t);
bool cg_byref(const struct dc_ty *t);
const struct dc_ty *cg_resolve(const struct dc_ty *t);
uint64_t cg_size(const struct cg *g, const struct dc_ty *t);
uint32_t cg_align(const struct dc_ty *t);
bool cg_member_bits(const struct dc_ty *sou, const char *name, uint64_t *bitoff,
		    const struct dc_member **mp);
bool cg_member_offset(const struct dc_ty *sou, const char *name, uint64_t *off,
		      const struct dc_member **mp);
int cg_tyname(const struct dc_ty *t, char *buf, size_t size);
struct cg_var *cg_var_get(struct cg *g, int scope, const char *name, int kind,
			  const struct dc_ty *type);

/* cg_expr.c */
void cg_symptr_scan(struct cg *g, const struct dc_program *prog);
int cg_expr(struct cg *g, const struct dc_node *n);
void cg_tuple(struct cg *g, const struct dc_node *args);

#endif /* DC_CG_IMPL_H */
