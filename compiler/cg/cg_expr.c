/*
 * cg_expr.c -- expressions into DIF.
 *
 * Every function returns the register that holds the value (the caller frees
 * it) and frees what it used.  Registers come from cg_reg (lowest free of
 * %r1..%r7, D_NOREG when none); integer constants from the de-duplicated
 * integer table (setx), string literals from the DIF string table (sets).
 * By-reference values (strings, structs, arrays) are addresses in registers.
 *
 * Anything whose layout belongs to the target (kernel structs, curthread,
 * named incomplete types) is emitted as relocatable pseudo-instructions with
 * one relocation each (dif_reloc.h): usetx MEMBER_OFFSET/TYPE_SIZE/
 * MEMBER_SIZE, uload/uuload LOAD/ULOAD, typecast CAST.  A target member that
 * is itself a pointer (curthread->td_ucred) is dereferenced by extending the
 * chain's member path with "->" ("td_ucred->cr_ruid"): one offset and one
 * load per hop, all against the chain's root type (target_member).  A
 * variable holding such a pointer (this->p = curthread->td_proc) continues
 * the path of the value assigned to it ("td_proc->p_pid"), its own value
 * being the hop; a scan before generation (tptr_note) keeps every
 * assignment, and all of a variable's must agree (tptr_origin).  An element
 * of a target member array keeps its index where it matters (p->q[i].m:
 * element_member).  Any other value whose target type has no name here
 * (arithmetic on such a pointer, *p of a whole target struct) cannot be
 * dereferenced: D_SYM_NOTYPES says so.  Read cg_prog.c next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"
#include "impl.h"
#include "builtins.h"

#define I3(op, a, b, d)	cg_emit(g, DIF_INSTR_FMT(DIF_OP_##op, a, b, d))

static __attribute__((noreturn)) void fail_unbuilt(struct cg *g, const struct dc_node *n,
						   const char *what)
{
	cg_fail(g, &n->loc, D_UNKNOWN, "code generation for %s is not built yet", what);
}

static void store_mem(struct cg *g, const struct dc_node *lv, int v, int a,
		      const struct dc_node *src);

static bool is_string(const struct dc_ty *t)
{
	return t && t->kind == DC_TY_STRING;
}

static bool is_signed_ty(const struct dc_ty *t)
{
	if (t == NULL)
		return true;
	switch (t->kind) {
	case DC_TY_INT: return t->is_signed;
	case DC_TY_ENUM: case DC_TY_SYM: case DC_TY_DYN: return true;
	default: return false;
	}
}

/* A type the compiler knows the layout of (not a target type). */
static bool known(const struct dc_ty *t)
{
	if (t == NULL || t->kind == DC_TY_SYM || t->kind == DC_TY_DYN)
		return false;
	if ((t->kind == DC_TY_STRUCT || t->kind == DC_TY_UNION) && !t->is_complete)
		return false;
	return true;
}

static bool has_name(const struct dc_ty *t)
{
	return t && t->name && t->name[0] && t->name[0] != '<';
}

/* op %r, amount: a shift by a constant. */
static void shift_by(struct cg *g, int op, int r, unsigned amount)
{
	int t = cg_reg(g);

	cg_setx(g, amount, t);
	cg_emit(g, DIF_INSTR_FMT(op, r, t, r));
	cg_free(g, t);
}

/*
 * Integer conversion of %r from `from` to `to` (dt_cg_typecast rules):
 *   narrowing, or same width and sign, to < 8 bytes:  sll 64-8*to; sra|srl
 *   same width, other sign; widening from unsigned:   nothing
 *   widening from signed:                             sll/sra by 64-8*from
 *                                                     (+ sll/srl to clear above an
 *                                                      unsigned destination)
 */
static void int_convert(struct cg *g, int r, const struct dc_ty *from, const struct dc_ty *to)
{
	uint64_t fs = from && known(from) ? cg_size(g, from) : 8, ts = cg_size(g, to);
	bool fsg = is_signed_ty(from), tsg = is_signed_ty(to);

	if (fs > 8 || ts > 8 || ts == 0)
		return;
	if (ts < fs || (ts == fs && fsg == tsg)) {
		if (ts >= 8)
			return;
		shift_by(g, DIF_OP_SLL, r, (unsigned)(64 - 8 * ts));
		shift_by(g, tsg ? DIF_OP_SRA : DIF_OP_SRL, r, (unsigned)(64 - 8 * ts));
		return;
	}
	if (ts == fs || !fsg)
		return;
	shift_by(g, DIF_OP_SLL, r, (unsigned)(64 - 8 * fs));
	shift_by(g, DIF_OP_SRA, r, (unsigned)(64 - 8 * fs));
	if (!tsg && ts < 8) {
		shift_by(g, DIF_OP_SLL, r, (unsigned)(64 - 8 * ts));
		shift_by(g, DIF_OP_SRL, r, (unsigned)(64 - 8 * ts));
	}
}

/* ld{s,u}{b,h,w}/ldx [%r], %r for a program-known scalar type (uld* for userland). */
static void load_known(struct cg *g, const struct dc_node *n, const struct dc_ty *t, int r,
		       bool user)
{
	if (cg_byref(t))
		return;
	uint64_t sz = cg_size(g, t);
	bool sg = is_signed_ty(t);
	int op;
	switch (sz) {
	case 1: op = sg ? DIF_OP_LDSB : DIF_OP_LDUB; break;
	case 2: op = sg ? DIF_OP_LDSH : DIF_OP_LDUH; break;
	case 4: op = sg ? DIF_OP_LDSW : DIF_OP_LDUW; break;
	case 8: op = DIF_OP_LDX; break;
	default: fail_unbuilt(g, n, "a load of this size");
	}
	if (user)
		op += DIF_OP_ULD_DELTA;
	cg_emit(g, DIF_INSTR_FMT(op, r, 0, r));
}

/* The name of the target struct a pointer-valued node points to, or NULL. */
static const char *pointee_name(const struct cg *g, const struct dc_node *n)
{
	if (n->kind == DC_N_VAR && n->scope == DC_VS_BUILTIN && strcmp(n->name, "curthread") == 0)
		return g->curthread_type;
	const struct dc_ty *t = n->kind == DC_N_CAST ? n->ctype : n->type;
	if (t && (t->kind == DC_TY_PTR || t->kind == DC_TY_ARRAY) && has_name(t->base))
		return t->base->name;
	return NULL;
}

static bool userland(const struct dc_node *n)
{
	const struct dc_ty *t = n->kind == DC_N_CAST ? n->ctype : n->type;
	return t && (t->is_userland || (t->base && t->base->is_userland));
}

/* A load of a target-typed value at %r: uuload from a userland pointer, else
 * uload; width and sign come from the relocation (dld). */
static void target_load(struct cg *g, const struct dc_node *root, unsigned fl,
			const char *tname, const char *path, int r)
{
	bool u = userland(root);
	cg_reloc_root(g, u ? DIF_OP_UULOAD : DIF_OP_ULOAD, u ? DIF_RELOC_ULOAD : DIF_RELOC_LOAD,
		      fl, tname, path, r, r);
}

static int builtin_id(const char *name)
{
#define BI_(i, nm, s) if (strcmp(name, s) == 0) return i;
	DIF_BUILTIN_VARS(BI_)
#undef BI_
	return -1;
}

int cg_subr_id(const char *name);
int cg_subr_id(const char *name)
{
#define SI_(i, nm, s) if (strcmp(name, s) == 0) return i;
	DIF_SUBRS(SI_)
#undef SI_
	/* Apple's id 54, which include/dif/dif.h's name table leaves out */
	if (strcmp(name, "vm_kernel_addrperm") == 0)
		return CG_SUBR_VM_KERNEL_ADDRPERM;
	return -1;
}

static int vscope(enum dc_var_scope s)
{
	return s == DC_VS_SELF ? DIFV_SCOPE_THREAD : s == DC_VS_THIS ? DIFV_SCOPE_LOCAL
		: DIFV_SCOPE_GLOBAL;
}

static const struct dc_ty *var_type(const struct dc_node *n, const struct dc_ty *fallback)
{
	if (n->var && n->var->type && n->var->type->kind != DC_TY_DYN)
		return n->var->type;
	return fallback;
}

/* Constants D's system libraries define: NULL and the DTRACEFLT_* fault codes. */
static bool library_const(const char *name, int64_t *v)
{
	if (strcmp(name, "NULL") == 0) {
		*v = 0;
		return true;
	}
#define LC_(num, nm, msg) if (strcmp(name, "DTRACEFLT_" #nm) == 0) { *v = num; return true; }
	DIF_FAULTS(LC_)
#undef LC_
	if (strcmp(name, "DTRACEFLT_LIBRARY") == 0) {
		*v = DIF_FAULT_LIBRARY;
		return true;
	}
	return false;
}

/* curpsinfo, curproc, ...: names DTrace's system library defines, not symbols. */
static bool library_ident(const struct dc_node *n)
{
	return n->kind == DC_N_VAR && n->scope == DC_VS_SYMBOL && n->mod == NULL &&
	       dc_library_ident(n->name);
}

static __attribute__((noreturn)) void fail_library(struct cg *g, const struct dc_node *n)
{
	fail_unbuilt(g, n, "DTrace's system library (its translators and inlines, such "
		     "as curpsinfo and curproc)");
}

/* ---- variables holding &`sym ------------------------------------------- */

/* &`sym (not a library name): the symbol node, else NULL. */
static const struct dc_node *symaddr_of(const struct dc_node *e)
{
	if (e != NULL && e->kind == DC_N_UNARY && e->op == T_AMP && e->l->kind == DC_N_VAR &&
	    e->l->scope == DC_VS_SYMBOL && !(e->l->mod == NULL && dc_library_ident(e->l->name)))
		return e->l;
	return NULL;
}

static bool is_assoc(const struct dc_node *n);

/* a["k"] of an associative array: its variable (every element has its type). */
static const struct dc_node *assoc_elem_var(const struct dc_node *n)
{
	return is_assoc(n) ? n->l : n;
}

static void symptr_note(struct cg *g, const struct dc_node *lv, const struct dc_node *sym)
{
	lv = assoc_elem_var(lv);
	if (lv->kind != DC_N_VAR || (lv->scope != DC_VS_GLOBAL && lv->scope != DC_VS_SELF &&
				     lv->scope != DC_VS_THIS))
		return;
	int sc = lv->scope == DC_VS_SELF ? DIFV_SCOPE_THREAD : lv->scope == DC_VS_THIS ?
		 DIFV_SCOPE_LOCAL : DIFV_SCOPE_GLOBAL;
	for (uint32_t i = 0; i < g->nsymptrs; i++) {
		struct cg_symptr *p = &g->symptrs[i];
		if (p->scope == sc && strcmp(p->name, lv->name) == 0) {
			if (p->sym && (sym == NULL || strcmp(p->sym->name, sym->name) != 0 ||
				       (p->sym->mod == NULL) != (sym->mod == NULL) ||
				       (sym->mod && strcmp(p->sym->mod, sym->mod) != 0)))
				p->sym = NULL;
			return;
		}
	}
	g->symptrs = cg_grow(g, g->symptrs, &g->csymptrs, g->nsymptrs + 1, sizeof(*g->symptrs));
	g->symptrs[g->nsymptrs++] = (struct cg_symptr){ sc, lv->name, sym };
}

static void tptr_note(struct cg *g, const struct dc_node *lv, const struct dc_node *src);
static void tptr_index(struct cg *g);
static bool is_clear(const struct dc_node *src);

static void symptr_walk(struct cg *g, const struct dc_node *n)
{
	if (n == NULL)
		return;
	/* ++, --, += and -= move the pointer, never change what it points to */
	if (n->kind == DC_N_ASSIGN && n->op != T_ADD_EQ && n->op != T_SUB_EQ &&
	    !(n->op == T_ASSIGN && is_clear(n->r)))	/* p = 0 clears, keeps the type */
		symptr_note(g, n->l, n->op == T_ASSIGN ? symaddr_of(n->r) : NULL);
	if (n->kind == DC_N_ASSIGN && n->op == T_ASSIGN)
		tptr_note(g, n->l, n->r);
	symptr_walk(g, n->l);
	symptr_walk(g, n->r);
	symptr_walk(g, n->x);
	for (const struct dc_node *a = n->args; a != NULL; a = a->next)
		symptr_walk(g, a);	/* argument and subscript lists */
}

static void symptr_stmts(struct cg *g, const struct dc_stmt *s)
{
	for (; s != NULL; s = s->next) {
		symptr_walk(g, s->expr);
		symptr_stmts(g, s->then);
		symptr_stmts(g, s->els);
	}
}

/*
 * Before generating: which variables are only ever assigned the address of
 * one kernel symbol (p = &`sym), in the whole program?  A dereference, store
 * or pointer arithmetic through such a variable is then rooted at that
 * symbol ("sym", F_SYMBOL), sized and signed by the symbol's type at link
 * time.  ++, --, +=, -= and clearing (p = 0) keep that; any other
 * assignment disqualifies the variable.
 */
void cg_symptr_scan(struct cg *g, const struct dc_program *prog)
{
	for (const struct dc_ext *x = dc_program__exts(prog); x; x = x->next) {
		if (x->kind != DC_X_CLAUSE)
			continue;
		g->clause = x->u.clause;
		symptr_walk(g, x->u.clause->pred);
		symptr_stmts(g, x->u.clause->stmts);
	}
	g->clause = NULL;
	tptr_index(g);
}

/* The symbol a variable expression is known to point to, or NULL. */
static const struct dc_node *symptr_of(const struct cg *g, const struct dc_node *n)
{
	n = assoc_elem_var(n);
	if (n->kind != DC_N_VAR || (n->scope != DC_VS_GLOBAL && n->scope != DC_VS_SELF &&
				    n->scope != DC_VS_THIS))
		return NULL;
	int sc = vscope(n->scope);
	for (uint32_t i = 0; i < g->nsymptrs; i++)
		if (g->symptrs[i].scope == sc && strcmp(g->symptrs[i].name, n->name) == 0)
			return g->symptrs[i].sym;
	return NULL;
}

/* "sym" or "mod`sym": the F_SYMBOL relocation root of a kernel symbol. */
static const char *symbol_name(const struct dc_node *n, char *buf, size_t size)
{
	if (n->mod == NULL || n->mod[0] == '\0')
		return n->name;
	snprintf(buf, size, "%s`%s", n->mod, n->name);
	return buf;
}

/*
 * &`sym:  usetx member_offset("sym", symbol), %r    (dld: the address)
 */
static int symbol_addr(struct cg *g, const struct dc_node *n)
{
	char buf[256];
	int r = cg_reg(g);

	cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_OFFSET, DIF_RELOC_F_SYMBOL,
		      symbol_name(n, buf, sizeof(buf)), NULL, 0, r);
	return r;
}

/*
 * `sym:   usetx member_offset("sym", symbol), %r
 *         uload [%r], %r, load("sym", symbol)       (dld: sized by the symbol's type)
 */
static int symbol_value(struct cg *g, const struct dc_node *n)
{
	char buf[256];
	int r = symbol_addr(g, n);

	cg_reloc_root(g, DIF_OP_ULOAD, DIF_RELOC_LOAD, DIF_RELOC_F_SYMBOL,
		      symbol_name(n, buf, sizeof(buf)), NULL, r, r);
	return r;
}

/* Built-ins a DIFO reads are listed in its vartab too (global scope, read). */
static void use_builtin(struct cg *g, const char *name, uint32_t id, int kind,
			const struct dc_ty *t)
{
	struct cg_var v = { .name = name, .scope = DIFV_SCOPE_GLOBAL, .kind = kind,
		.id = id, .type = t };

	cg_use_var(g, &v, DIFV_F_REF);
}

/* ---- translator and inline parameters ---------------------------------- */

static void bind(struct cg *g, const struct dc_node *at, const char *name,
		 const struct dc_node *value)
{
	if (g->nbinds == sizeof(g->binds) / sizeof(g->binds[0]))
		cg_fail(g, &at->loc, D_UNKNOWN, "translators or inlines nest too deeply");
	g->binds[g->nbinds] = (struct cg_bind){ name, value, g->nbinds };
	g->nbinds++;
}

/* A parameter's value: its argument, evaluated where the argument was written. */
static int bound_value(struct cg *g, const struct dc_node *n)
{
	for (uint32_t i = g->nbinds; i-- > 0;)
		if (strcmp(g->binds[i].name, n->name) == 0) {
			uint32_t saved = g->nbinds;
			g->nbinds = g->binds[i].depth;
			int r = cg_expr(g, g->binds[i].value);
			g->nbinds = saved;
			return r;
		}
	cg_fail(g, &n->loc, D_UNKNOWN, "code generation for parameter %s outside its "
		"translator or inline is not built yet", n->name);
}

static bool same_type(const struct dc_ty *a, const struct dc_ty *b)
{
	if (a == b)
		return true;
	if (a == NULL || b == NULL)
		return false;
	if (a->kind == DC_TY_PTR && b->kind == DC_TY_PTR)
		return same_type(a->base, b->base);
	return a->name && b->name && a->name[0] != '<' && strcmp(a->name, b->name) == 0;
}

/* The translator to `out` for an input of type `in` (exact input match preferred). */
static const struct dc_xlator *find_xlator(struct cg *g, const struct dc_ty *out,
					   const struct dc_ty *in)
{
	const struct dc_xlator *any = NULL;

	for (const struct dc_ext *x = dc_program__exts(g->prog); x; x = x->next) {
		if (x->kind != DC_X_XLATOR || !same_type(x->u.xlator->out, out))
			continue;
		if (same_type(x->u.xlator->in, in))
			return x->u.xlator;
		if (any == NULL)
			any = x->u.xlator;
	}
	return any;
}

static const struct dc_xlator *xlator_of(struct cg *g, const struct dc_node *xn)
{
	const struct dc_ty *out = xn->ctype;
	if (out && out->kind == DC_TY_PTR)
		out = out->base;
	const struct dc_xlator *xl = find_xlator(g, out, xn->l->type);
	if (xl == NULL)
		cg_fail(g, &xn->loc, D_XLATE_NONE, "no translator to %s is defined in this "
			"program", out && out->name ? out->name : "this type");
	return xl;
}

static int xlate_convert(struct cg *g, const struct dc_ty *out, const struct dc_xlmember *m,
			 int r);

/* xlate<T>(e).m, xlate<T *>(e)->m: the member's expression with the argument bound to e. */
static int xlate_member(struct cg *g, const struct dc_node *n)
{
	const struct dc_node *xn = n->l;
	const struct dc_xlator *xl = xlator_of(g, xn);

	for (const struct dc_xlmember *m = xl->members; m; m = m->next)
		if (strcmp(m->name, n->name) == 0) {
			uint32_t saved = g->nbinds;
			bind(g, n, xl->arg, xn->l);
			int r = cg_expr(g, m->expr);
			g->nbinds = saved;
			return xlate_convert(g, xl->out, m, r);
		}
	cg_fail(g, &n->loc, D_XLATE_MEMB, "translator to %s does not define member %s",
		xl->out && xl->out->name ? xl->out->name : "this type", n->name);
}

static bool is_target_member(const struct dc_node *n);
static bool target_member(const struct cg *g, const struct dc_node *n,
			  const struct dc_node **root, const char **tname, char *path,
			  size_t size, char *argbuf, size_t argsize, unsigned *flags,
			  const struct dc_node **hop);

/*
 * A by-reference translator member taken from a target member (pr_fname =
 * T->comm): copy no more than either side holds, so a short kernel array
 * is not read past its end (the scratch is zeroed, the rest stays 0).  Each
 * copys has its size set by the instruction just before it (what the BPF
 * translator needs).  Inside a system library arm just setx dsize; copys.
 *   usetx MEMBER_SIZE(T, path), %s; setx dsize, %d; cmp %s, %d; bleu Lsrc
 *   setx dsize, %d; copys %v, %d, %a; ba Ldone
 *   Lsrc: usetx MEMBER_SIZE(T, path), %s; copys %v, %s, %a
 *   Ldone:
 */
static void copy_target_member(struct cg *g, const struct dc_node *src, uint64_t dsize,
			       int v, int a)
{
	const struct dc_node *root, *hop;
	const char *tname;
	char path[512], arg[280];
	unsigned fl;

	if (!target_member(g, src, &root, &tname, path, sizeof(path), arg, sizeof(arg),
			   &fl, &hop))
		cg_fail(g, &src->loc, D_SYM_NOTYPES, "member %s of an expression whose "
			"target type is not known to dtc", src->name);
	int sz = cg_reg(g), d = cg_reg(g);
	uint32_t smaller = cg_label(g), done = cg_label(g);
	if (g->reloc_guard & DIF_RELOC_F_GUARDED) {
		/* in a system library arm: the library sizes its arrays to fit every
		 * kernel's source (psinfo.d), and a poisoned MEMBER_SIZE would be a
		 * copys of 0 bytes the BPF translator refuses even in a dead arm */
		cg_setx(g, dsize, d);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_COPYS, v, d, a));
		cg_free(g, d);
		cg_free(g, sz);
		return;
	}
	cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_SIZE, fl, tname, path, 0, sz);
	cg_setx(g, dsize, d);
	I3(CMP, sz, d, 0);
	cg_branch(g, DIF_OP_BLEU, smaller);
	cg_setx(g, dsize, d);
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_COPYS, v, d, a));
	cg_branch(g, DIF_OP_BA, done);
	cg_place(g, smaller);
	cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_SIZE, fl, tname, path, 0, sz);
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_COPYS, v, sz, a));
	cg_place(g, done);
	cg_free(g, d);
	cg_free(g, sz);
}

/*
 * A translated member's value in the output member's own type, so that it
 * is the same whichever translator produced it: an integer converted to the
 * member's width and sign; an array or struct copied into scratch of the
 * member's size (from a target member, no more than that member holds):
 *   setx size, %a; allocs %a, %a; <copy %r to [%a]>
 */
static int xlate_convert(struct cg *g, const struct dc_ty *out, const struct dc_xlmember *m,
			 int r)
{
	uint64_t bits;
	const struct dc_member *om;

	if (out == NULL || !known(out) || !cg_member_bits(out, m->name, &bits, &om) ||
	    om->bits != 0 || !known(om->type))
		return r;
	if (!cg_byref(om->type)) {
		const struct dc_ty *from = m->expr->type;
		bool same = from && known(from) && dc_ty_is_integer(from) &&
			    cg_size(g, from) == cg_size(g, om->type) &&
			    is_signed_ty(from) == is_signed_ty(om->type);
		if (dc_ty_is_integer(om->type) && !same)
			int_convert(g, r, from, om->type);
		return r;
	}
	int a = cg_reg(g);
	cg_setx(g, cg_size(g, om->type), a);
	I3(ALLOCS, a, 0, a);
	if (is_target_member(m->expr)) {
		copy_target_member(g, m->expr, cg_size(g, om->type), r, a);
	} else {
		struct dc_node lv = { .kind = DC_N_MEMBER, .loc = m->loc, .type = om->type };
		store_mem(g, &lv, r, a, m->expr);
	}
	cg_free(g, r);
	return a;
}

/*
 * xlate<T>(e) as a whole: scratch for T, every member stored at its offset.
 *   setx sizeof(T), %a; allocs %a, %a; <m>; setx off, %t; add %a, %t, %t; st* %m, [%t] ...
 */
static int xlate_struct(struct cg *g, const struct dc_node *xn)
{
	const struct dc_ty *out = xn->ctype;

	if (out == NULL || out->kind == DC_TY_PTR)
		cg_fail(g, &xn->loc, D_CG_DYN, "a translated pointer can only be dereferenced "
			"with ->");
	if (!known(out) || (out->kind != DC_TY_STRUCT && out->kind != DC_TY_UNION))
		fail_unbuilt(g, xn, "translation to a target-defined type");
	const struct dc_xlator *xl = xlator_of(g, xn);
	int a = cg_reg(g);
	cg_setx(g, cg_size(g, out), a);
	I3(ALLOCS, a, 0, a);
	for (const struct dc_xlmember *m = xl->members; m; m = m->next) {
		uint64_t bits;
		const struct dc_member *om;
		if (!cg_member_bits(out, m->name, &bits, &om) || om->bits != 0)
			fail_unbuilt(g, xn, "translation into bit-field members");
		uint32_t saved = g->nbinds;
		bind(g, xn, xl->arg, xn->l);
		int v = cg_expr(g, m->expr);
		g->nbinds = saved;
		int t = cg_reg(g);
		cg_setx(g, bits / 8, t);
		I3(ADD, a, t, t);
		struct dc_node lv = { .kind = DC_N_MEMBER, .loc = m->loc, .type = om->type };
		if (cg_byref(om->type) && is_target_member(m->expr))
			copy_target_member(g, m->expr, cg_size(g, om->type), v, t);
		else
			store_mem(g, &lv, v, t, m->expr);
		cg_free(g, t);
		cg_free(g, v);
	}
	return a;
}

/* ---- variables ---------------------------------------------------------- */

/*   ldgs|ldts|ldls id, %r   (built-ins: ldgs <builtin id>) */
static int load_var(struct cg *g, const struct dc_node *n)
{
	int r;

	if (n->scope == DC_VS_MACRO || (n->var && n->var->scope == DC_VS_MACRO))
		return bound_value(g, n);

	switch (n->scope) {
	case DC_VS_ENUM:
		r = cg_reg(g);
		cg_setx(g, (uint64_t)n->var->qargs[0], r);
		return r;
	case DC_VS_INLINE:
		if (n->var->inline_params != NULL)
			fail_unbuilt(g, n, "array-form inline");
		r = cg_expr(g, n->var->inline_expr);
		if (dc_ty_is_integer(n->var->type) && !cg_byref(n->var->type))
			int_convert(g, r, n->var->inline_expr->type, n->var->type);
		return r;
	case DC_VS_BUILTIN: {
		int id = builtin_id(n->name);
		if (id < 0)		/* known to the front end, not to the DIF VM yet */
			cg_fail(g, &n->loc, D_UNKNOWN, "code generation for the built-in "
				"variable %s is not built yet (no runtime support)", n->name);
		if (id < DIF_VAR_SCALAR_MIN)
			cg_fail(g, &n->loc, D_VAR_UNSUP, "%s must be subscripted", n->name);
		r = cg_reg(g);
		use_builtin(g, n->name, (uint32_t)id, DIFV_KIND_SCALAR, n->type);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_LDGS, id, r));
		return r;
	}
	case DC_VS_GLOBAL: case DC_VS_SELF: case DC_VS_THIS: {
		int sc = vscope(n->scope);
		struct cg_var *v = cg_var_get(g, sc, n->name, DIFV_KIND_SCALAR,
					      var_type(n, n->type));
		static const int ops[] = { DIF_OP_LDGS, DIF_OP_LDTS, DIF_OP_LDLS };
		r = cg_reg(g);
		cg_use_var(g, v, DIFV_F_REF);
		cg_emit(g, DIF_INSTR_IMM16(ops[sc], v->id, r));
		return r;
	}
	case DC_VS_SYMBOL: {
		int64_t k;
		if (n->mod == NULL && library_const(n->name, &k)) {
			r = cg_reg(g);
			cg_setx(g, (uint64_t)k, r);
			return r;
		}
		if (library_ident(n))
			fail_library(g, n);
		return symbol_value(g, n);
	}
	default:
		fail_unbuilt(g, n, "this identifier");
	}
}

/*
 * Tuple: evaluate every argument, then
 *   flushts
 *   pushtv 0, %r0, %ra               by value
 *   setx size, %rs; pushtr T, %rs, %ra   by reference (T: 1 string, 0 other)
 * The consumer of the tuple (call, ld?aa, st?aa) is followed by a flushts, so
 * the tuple stack is empty again wherever control-flow paths meet (the typer
 * and linker require equal depths at joins).
 */
void cg_tuple(struct cg *g, const struct dc_node *args)
{
	int regs[DIF_DTR_NREGS];
	int n = 0;

	for (const struct dc_node *a = args; a; a = a->next) {
		if (n == DIF_DTR_NREGS)
			cg_fail(g, &a->loc, D_NOREG, "too many tuple elements (at most %d)",
				DIF_DTR_NREGS);
		regs[n++] = cg_expr(g, a);
	}
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0));
	int i = 0;
	for (const struct dc_node *a = args; a; a = a->next, i++) {
		if (cg_byref(a->type)) {
			int s = cg_reg(g);
			cg_setx(g, cg_size(g, a->type), s);
			cg_emit(g, DIF_INSTR_FMT(DIF_OP_PUSHTR, is_string(a->type) ?
				DIF_TYPE_STRING : DIF_TYPE_CTF, s, regs[i]));
			cg_free(g, s);
		} else {
			cg_emit(g, DIF_INSTR_FMT(DIF_OP_PUSHTV, DIF_TYPE_CTF, 0, regs[i]));
		}
	}
	for (i = 0; i < n; i++)
		cg_free(g, regs[i]);
}

static struct cg_var *assoc_var(struct cg *g, const struct dc_node *n)
{
	const struct dc_node *b = n->l;
	const struct dc_var *dv = n->var ? n->var : b->var;
	int sc = vscope(dv ? dv->scope : b->scope);
	struct cg_var *v = cg_var_get(g, sc, b->name, DIFV_KIND_ARRAY,
				      dv && dv->type && dv->type->kind != DC_TY_DYN ? dv->type
				      : n->type);
	v->keys = dv ? dv->keys : NULL;
	v->nkeys = dv ? dv->nkeys : 0;
	return v;
}

static bool is_assoc(const struct dc_node *n)
{
	return n->kind == DC_N_INDEX && n->l->kind == DC_N_VAR &&
	       ((n->var && n->var->is_assoc) || (n->l->var && n->l->var->is_assoc));
}

/*
 * ldgaa|ldtaa id, %r after the tuple; a struct/union value is faulted in so
 * that it has storage:  tst %r; bne L; setx size, %t; allocs %t, %r;
 *                       st?aa id, %r; ld?aa id, %r; L:
 */
static int load_assoc(struct cg *g, const struct dc_node *n)
{
	cg_tuple(g, n->args);
	struct cg_var *v = assoc_var(g, n);
	int ld = v->scope == DIFV_SCOPE_THREAD ? DIF_OP_LDTAA : DIF_OP_LDGAA;
	int st = v->scope == DIFV_SCOPE_THREAD ? DIF_OP_STTAA : DIF_OP_STGAA;
	uint32_t id = v->id;
	int r = cg_reg(g);
	cg_use_var(g, v, DIFV_F_REF);
	cg_emit(g, DIF_INSTR_IMM16(ld, id, r));
	if (n->type && (n->type->kind == DC_TY_STRUCT || n->type->kind == DC_TY_UNION) &&
	    n->type->is_complete) {
		uint32_t l = cg_label(g);
		int t = cg_reg(g);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, r, 0, 0));
		cg_branch(g, DIF_OP_BNE, l);
		cg_setx(g, cg_size(g, n->type), t);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_ALLOCS, t, 0, r));
		cg_use_var(g, v, DIFV_F_MOD);
		cg_emit(g, DIF_INSTR_IMM16(st, id, r));
		cg_emit(g, DIF_INSTR_IMM16(ld, id, r));
		cg_place(g, l);
		cg_free(g, t);
	}
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0));
	return r;
}

/* ---- addresses and memory ----------------------------------------------- */

/* Scale %r by the size of what pointer type pt points to. */
/*
 * The symbol a binary operand points to: spelled &`sym (or &mod`sym), or a
 * variable only ever assigned &`sym (also the variable p += i, ++p... move);
 * else NULL.
 */
static const struct dc_node *symaddr_operand(const struct cg *g, const struct dc_node *n)
{
	if (n->kind == DC_N_ASSIGN || n->kind == DC_N_POSTFIX || n->kind == DC_N_UNARY)
		return symptr_of(g, n->l);	/* p += i, p -= i, ++p, p-- */
	if (n->kind != DC_N_BINARY)
		return NULL;
	for (const struct dc_node *e = n->l; e != NULL; e = e == n->l ? n->r : NULL) {
		if (e->kind == DC_N_UNARY && e->op == T_AMP && e->l->kind == DC_N_VAR &&
		    e->l->scope == DC_VS_SYMBOL)
			return e->l;
		if (symptr_of(g, e) != NULL)
			return symptr_of(g, e);
	}
	return NULL;
}

static void scale(struct cg *g, const struct dc_node *n, const struct dc_ty *pt, int r)
{
	const struct dc_ty *b = pt->kind == DC_TY_STRING ? NULL : pt->base;
	if (pt->kind == DC_TY_STRING)
		return;		/* char */
	int t = cg_reg(g);
	if (b && known(b)) {
		uint64_t sz = cg_size(g, b);
		if (sz == 1 || b->kind == DC_TY_VOID) {
			cg_free(g, t);
			return;
		}
		cg_setx(g, sz, t);
	} else if (has_name(b)) {
		cg_reloc(g, DIF_OP_USETX, DIF_RELOC_TYPE_SIZE, b->name, NULL, 0, t);
	} else if (symaddr_operand(g, n) != NULL) {	/* &`sym + i: sized by the symbol */
		char buf[256];
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_TYPE_SIZE, DIF_RELOC_F_SYMBOL,
			      symbol_name(symaddr_operand(g, n), buf, sizeof(buf)), NULL, 0, t);
	} else {
		cg_fail(g, &n->loc, D_SYM_NOTYPES, "pointer arithmetic on a pointer to an "
			"unknown target type: cast it to a named pointer type first");
	}
	I3(MUL, r, t, r);
	cg_free(g, t);
}

/*
 * Bit-field of width w at bit `shift` of a little-endian unit of u bytes:
 *   ldu{b,h,w}|ldx [%r], %r; sll %r, 64-shift-w; sra|srl %r, 64-w
 */
static void bitfield_load(struct cg *g, const struct dc_node *n, const struct dc_member *m,
			  uint32_t unit, uint32_t shift, int r, bool user)
{
	struct dc_ty ut = { .kind = DC_TY_INT, .size = unit, .is_signed = false };

	load_known(g, n, &ut, r, user);
	if (64 - shift - (uint32_t)m->bits != 0)
		shift_by(g, DIF_OP_SLL, r, 64 - shift - (uint32_t)m->bits);
	shift_by(g, m->type->is_signed ? DIF_OP_SRA : DIF_OP_SRL, r, 64 - (uint32_t)m->bits);
}

/*
 * Store %v into a bit-field (read-modify-write of its unit at %a):
 *   ldu [%a], %o; setx mask<<shift, %m; not %m, %t; and %o, %t, %o;
 *   sll %v by shift into %t; and %t, %m, %t; or %o, %t, %o; st [%a], %o
 */
static void bitfield_store(struct cg *g, const struct dc_node *lv, int v, int a)
{
	const struct dc_ty *st = lv->is_arrow ? lv->l->type->base : lv->l->type;
	uint64_t bits;
	const struct dc_member *m;

	if (!cg_member_bits(st, lv->name, &bits, &m))
		fail_unbuilt(g, lv, "this member");
	uint32_t unit = m->type->size;
	uint64_t off = bits / (8ull * unit) * unit;
	uint32_t shift = (uint32_t)(bits - off * 8);
	uint64_t mask = ((uint64_t)m->bits >= 64 ? ~0ull : ((1ull << m->bits) - 1)) << shift;
	struct dc_ty ut = { .kind = DC_TY_INT, .size = unit, .is_signed = false };
	int o = cg_reg(g), mk = cg_reg(g), t = cg_reg(g);

	I3(MOV, a, 0, o);
	load_known(g, lv, &ut, o, false);
	cg_setx(g, mask, mk);
	I3(NOT, mk, 0, t);
	I3(AND, o, t, o);
	I3(MOV, v, 0, t);
	if (shift != 0)
		shift_by(g, DIF_OP_SLL, t, shift);
	I3(AND, t, mk, t);
	I3(OR, o, t, o);
	cg_free(g, mk);
	cg_free(g, t);
	struct dc_node unode = *lv;
	unode.type = &ut;
	store_mem(g, &unode, o, a, NULL);
	cg_free(g, o);
}

static bool is_bitfield(const struct dc_node *lv)
{
	if (lv->kind != DC_N_MEMBER)
		return false;
	const struct dc_ty *st = lv->is_arrow ? (lv->l->type ? lv->l->type->base : NULL)
		: lv->l->type;
	uint64_t bits;
	const struct dc_member *m;
	return st && known(st) && (st->kind == DC_TY_STRUCT || st->kind == DC_TY_UNION) &&
	       cg_member_bits(st, lv->name, &bits, &m) && m->bits != 0;
}

/*
 * args[N] with a constant N whose type dtc does not know (the probe's, known
 * at link time): writes "args[N]" to buf for an F_ARG relocation root.
 */
static bool arg_root(const struct dc_node *n, char *buf, size_t size)
{
	if (n->kind != DC_N_INDEX || n->l->kind != DC_N_VAR || n->l->scope != DC_VS_BUILTIN ||
	    strcmp(n->l->name, "args") != 0 || n->args == NULL || n->args->kind != DC_N_INT ||
	    n->args->next != NULL || n->args->ival >= 64 || known(n->type))
		return false;
	snprintf(buf, size, "args[%u]", (unsigned)n->args->ival);
	return true;
}

/* The relocation root of a pointer expression: its pointee's name, else
 * "args[N]" (F_ARG) for an untyped probe argument; NULL when neither. */
static const char *reloc_root(const struct cg *g, const struct dc_node *ptr, char *argbuf,
			      size_t size, unsigned *flags)
{
	const char *nm = pointee_name(g, ptr);

	*flags = 0;
	if (nm == NULL && arg_root(ptr, argbuf, size)) {
		*flags = DIF_RELOC_F_ARG;
		return argbuf;
	}
	if (nm == NULL && ptr->kind == DC_N_VAR && ptr->scope == DC_VS_SYMBOL &&
	    !library_ident(ptr)) {		/* `sym->m, *`sym: what sym points to */
		char sym[256];
		snprintf(argbuf, size, "*%s", symbol_name(ptr, sym, sizeof(sym)));
		*flags = DIF_RELOC_F_SYMBOL;
		return argbuf;
	}
	return nm;
}

/* The target struct/union a clause-local variable holds a scratch copy of. */
static const char *copy_type_of(const struct cg *g, const struct dc_node *n)
{
	if (n->kind != DC_N_VAR || n->scope != DC_VS_THIS)
		return NULL;
	for (uint32_t i = 0; i < g->nvars; i++)
		if (g->vars[i].scope == DIFV_SCOPE_LOCAL && strcmp(g->vars[i].name, n->name) == 0)
			return g->vars[i].copy_type && g->vars[i].copy_type[0] ?
			       g->vars[i].copy_type : NULL;
	return NULL;
}

/* A member of a struct or union only the target knows (not a translator's). */
static bool is_target_member(const struct dc_node *n)
{
	if (n->kind != DC_N_MEMBER || n->l->kind == DC_N_XLATE)
		return false;
	const struct dc_ty *lt = n->l->type;
	const struct dc_ty *st = n->is_arrow ? (lt ? lt->base : NULL) : lt;
	return !(st && known(st) && (st->kind == DC_TY_STRUCT || st->kind == DC_TY_UNION));
}

/* a[i] of a target member array (p->arr[i]): the element's relocations use "arr[0]". */
static bool is_target_element(const struct dc_node *n)
{
	return n->kind == DC_N_INDEX && !is_assoc(n) && n->args != NULL &&
	       is_target_member(n->l) && !known(n->type);
}

/* The constant subscript 0 (p->q[0].m: a plain member path, nothing to scale). */
static bool is_index_zero(const struct dc_node *e)
{
	return e->kind == DC_N_INDEX && e->args != NULL && e->args->kind == DC_N_INT &&
	       e->args->ival == 0;
}

/* ---- variables holding pointers only the target types ------------------ */

static bool target_member(const struct cg *g, const struct dc_node *n,
			  const struct dc_node **root, const char **tname, char *path,
			  size_t size, char *argbuf, size_t argsize, unsigned *flags,
			  const struct dc_node **hop);

static bool is_user_var(const struct dc_node *n)
{
	return n->kind == DC_N_VAR && (n->scope == DC_VS_GLOBAL || n->scope == DC_VS_SELF ||
				       n->scope == DC_VS_THIS);
}

/*
 * Scan (with the &`sym scan): every plain assignment to a variable (or to an
 * element of an associative array, whose elements share one type) is kept;
 * the uses below decide which of them carry a target pointer.
 */
static void tptr_note(struct cg *g, const struct dc_node *lv, const struct dc_node *src)
{
	lv = assoc_elem_var(lv);
	if (!is_user_var(lv) || src == NULL)
		return;
	g->tptrs = cg_grow(g, g->tptrs, &g->ctptrs, g->ntptrs + 1, sizeof(*g->tptrs));
	g->tptrs[g->ntptrs++] = (struct cg_tptr){ vscope(lv->scope), lv->name, src, g->clause,
						  UINT32_MAX };
}

static uint32_t tvar_hash(int scope, const char *name)
{
	uint32_t h = 2166136261u ^ (uint32_t)scope;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

static struct cg_tvar *tvar_find(const struct cg *g, int scope, const char *name)
{
	if (g->nthash == 0)
		return NULL;
	for (uint32_t h = tvar_hash(scope, name) & (g->nthash - 1);; h = (h + 1) & (g->nthash - 1)) {
		uint32_t k = g->thash[h];
		if (k == 0)
			return NULL;
		struct cg_tvar *v = &g->tvars[k - 1];
		if (v->scope == scope && strcmp(v->name, name) == 0)
			return v;
	}
}

/* After the scan: one entry per variable listing its assignments, hashed. */
static void tptr_index(struct cg *g)
{
	uint32_t n = 1;

	while (n < 2 * g->ntptrs + 2)
		n *= 2;
	uint32_t cap = 0;
	g->thash = cg_grow(g, NULL, &cap, n, sizeof(*g->thash));
	memset(g->thash, 0, n * sizeof(*g->thash));
	g->nthash = n;
	cap = 0;
	g->tvars = cg_grow(g, NULL, &cap, g->ntptrs + 1, sizeof(*g->tvars));
	for (uint32_t i = g->ntptrs; i-- > 0;) {	/* lists in program order */
		struct cg_tptr *t = &g->tptrs[i];
		struct cg_tvar *v = tvar_find(g, t->scope, t->name);
		if (v == NULL) {
			uint32_t h = tvar_hash(t->scope, t->name) & (n - 1);
			while (g->thash[h] != 0)
				h = (h + 1) & (n - 1);
			v = &g->tvars[g->ntvars];
			*v = (struct cg_tvar){ .scope = t->scope, .name = t->name,
					       .head = UINT32_MAX };
			g->thash[h] = ++g->ntvars;
		}
		t->next = v->head;
		v->head = i;
	}
}

static const struct cg_tptr *tptr_origin(const struct cg *g, const struct dc_node *n);

/*
 * What a target pointer expression points into, as text: root flags, root
 * and member path ("8|curthread|td_proc"), so that two assignments can be
 * compared; false when src is no target pointer dtc can follow.
 */
static bool tptr_sig(const struct cg *g, const struct dc_node *src, char *buf, size_t size)
{
	char arg[280], path[512];
	unsigned fl;
	const char *tn;
	const struct dc_node *root, *hop;

	if ((tn = reloc_root(g, src, arg, sizeof(arg), &fl)) != NULL) {
		snprintf(buf, size, "%u|%s|", fl, tn);
		return true;
	}
	if (is_target_member(src) &&
	    target_member(g, src, &root, &tn, path, sizeof(path), arg, sizeof(arg), &fl, &hop)) {
		snprintf(buf, size, "%u|%s|%s", fl, tn, path);
		return true;
	}
	if (is_target_element(src) &&
	    target_member(g, src->l, &root, &tn, path, sizeof(path), arg, sizeof(arg), &fl,
			  &hop)) {
		snprintf(buf, size, "%u|%s|%s[0]", fl, tn, path);
		return true;
	}
	const struct cg_tptr *o = is_user_var(assoc_elem_var(src)) ? tptr_origin(g, src) : NULL;
	return o != NULL && tptr_sig(g, o->src, buf, size);
}

/* A constant stored to clear a pointer variable (p = 0, p = NULL). */
static bool is_clear(const struct dc_node *src)
{
	return src->kind == DC_N_INT || (src->kind == DC_N_VAR && src->scope == DC_VS_SYMBOL &&
					 src->mod == NULL && strcmp(src->name, "NULL") == 0);
}

/*
 * The assignment a variable holding a target pointer got its pointee from:
 * every non-constant value assigned to it anywhere in the program must point
 * into the same place (same root and member path), and a root of args[N]
 * must come from the clause using it (another clause has another probe).
 * NULL when any of that fails.  Settled once per variable (per clause for
 * an args[N] root); a variable met again while settling is a cycle: NULL.
 */
static const struct cg_tptr *tptr_origin(const struct cg *g, const struct dc_node *n)
{
	const struct cg_tptr *first = NULL;
	char want[800], sig[800];
	unsigned fl = 0;

	n = assoc_elem_var(n);
	struct cg_tvar *v = is_user_var(n) ? tvar_find(g, vscope(n->scope), n->name) : NULL;
	if (v == NULL || v->state == 1)
		return NULL;
	if (v->state == 2 && (!v->is_arg || v->ctx == g->clause))
		return v->origin;
	v->state = 1;
	for (uint32_t i = v->head; i != UINT32_MAX; i = g->tptrs[i].next) {
		const struct cg_tptr *t = &g->tptrs[i];
		if (is_clear(t->src))
			continue;
		if (!tptr_sig(g, t->src, sig, sizeof(sig)) ||
		    (first != NULL && strcmp(want, sig) != 0)) {
			first = NULL;
			break;
		}
		if (first == NULL) {
			first = t;
			memcpy(want, sig, sizeof(want));
		}
		fl |= (unsigned)strtoul(sig, NULL, 10);
		if ((fl & DIF_RELOC_F_ARG) && t->clause != g->clause) {
			first = NULL;
			break;
		}
	}
	v->origin = first;
	v->is_arg = (fl & DIF_RELOC_F_ARG) != 0;
	v->ctx = g->clause;
	v->state = 2;
	return first;
}

/*
 * A member chain through a variable whose target pointee dtc could not
 * settle: say why (the generic message would only say "not known").
 */
static void tptr_fail(struct cg *g, const struct dc_node *n)
{
	const struct dc_node *m = n;

	while (m->kind == DC_N_MEMBER || (m->kind == DC_N_UNARY && m->op == T_STAR) ||
	       (m->kind == DC_N_INDEX && !is_assoc(m)))
		m = m->l;
	m = assoc_elem_var(m);
	if (!is_user_var(m))
		return;
	for (uint32_t i = 0; i < g->ntptrs; i++)
		if (g->tptrs[i].scope == vscope(m->scope) && strcmp(g->tptrs[i].name, m->name) == 0 &&
		    !is_clear(g->tptrs[i].src))
			cg_fail(g, &n->loc, D_SYM_NOTYPES, "member %s through %s%s, whose target "
				"type dtc cannot tell: every pointer assigned to it must come from "
				"the same member path (one from args[N] only in the clause that assigns "
				"it); "
				"cast it to a named pointer type first", n->name,
				m->scope == DC_VS_SELF ? "self->" : m->scope == DC_VS_THIS ?
				"this->" : "", m->name);
}

/*
 * A target member chain: root pointer expression, type name and member
 * path; *flags is DIF_RELOC_F_ARG when the root is an untyped args[N]
 * (tname is then "args[N]", written to argbuf).  The path crosses a
 * pointer whose pointee dtc cannot name with "->" (p->q->r: "q->r";
 * p->arr[i]->r: "arr[0]->r", the index does not matter past the hop):
 * *hop is then the outermost such pointer expression, whose value the
 * code computes first (NULL: the base is the root's value or address).
 *
 *   chain  := member | element "->" ident | member "[0]." ident
 *   member := base ("->" | ".") ident | "(*" base ")." ident
 */
static bool target_member(const struct cg *g, const struct dc_node *n,
			  const struct dc_node **root, const char **tname, char *path,
			  size_t size, char *argbuf, size_t argsize, unsigned *flags,
			  const struct dc_node **hop)
{
	struct { const char *name, *sep; } seg[32];
	int k = 0;
	const struct dc_node *m = n;

	*flags = 0;
	*hop = NULL;
	*tname = NULL;
	for (;;) {
		const struct dc_node *ptr;
		if (k == 32)
			return false;
		seg[k].name = m->name;
		if (m->is_arrow) {
			ptr = m->l;
		} else if (m->l->kind == DC_N_UNARY && m->l->op == T_STAR) {
			ptr = m->l->l;
		} else if (m->l->kind == DC_N_MEMBER && m->l->type != NULL &&
			   !known(m->l->type)) {
			seg[k++].sep = ".";
			m = m->l;
			continue;
		} else if (copy_type_of(g, m->l) != NULL) {	/* this->x = *p: the copy */
			*root = m->l;
			*tname = copy_type_of(g, m->l);
			seg[k++].sep = "";
			break;
		} else if (m->l->kind == DC_N_VAR && m->l->scope == DC_VS_SYMBOL &&
			   !library_ident(m->l)) {	/* `sym.a: the symbol's own memory */
			*root = m->l;
			*tname = symbol_name(m->l, argbuf, argsize);
			*flags = DIF_RELOC_F_SYMBOL;
			seg[k++].sep = "";
			break;
		} else if ((*hop != NULL || is_index_zero(m->l)) && is_target_element(m->l)) {
			seg[k++].sep = "[0].";	/* p->q[i].r->s: the index is the hop's */
			m = m->l->l;
			continue;
		} else {
			return false;
		}
		const char *nm = reloc_root(g, ptr, argbuf, argsize, flags);
		if (nm != NULL) {
			*root = ptr;
			*tname = nm;
			seg[k++].sep = "";
			break;
		}
		if (*hop == NULL)
			*hop = ptr;
		const struct cg_tptr *o;
		while (!is_target_member(ptr) && !is_target_element(ptr) &&
		       (o = tptr_origin(g, ptr)) != NULL) {
			ptr = o->src;	/* p = q->r; p->m: the path of q->r->m */
			nm = reloc_root(g, ptr, argbuf, argsize, flags);
			if (nm != NULL)
				break;
		}
		if (nm != NULL) {	/* p = curthread; p->m */
			*root = ptr;
			*tname = nm;
			seg[k++].sep = "";
			break;
		}
		if (is_target_member(ptr)) {
			seg[k++].sep = "->";
			m = ptr;
		} else if (is_target_element(ptr)) {
			seg[k++].sep = "[0]->";
			m = ptr->l;
		} else {
			return false;
		}
	}
	size_t len = 0;
	path[0] = '\0';
	for (int i = k - 1; i >= 0; i--) {
		int w = snprintf(path + len, size - len, "%s%s", seg[i].name,
				 i > 0 ? seg[i - 1].sep : "");
		if (w < 0 || (size_t)w >= size - len)
			return false;
		len += (size_t)w;
	}
	return true;
}

static int expr_addr(struct cg *g, const struct dc_node *n);

/* q[i].m of a target member array q (p->q[i].m): where the index matters. */
static bool is_element_member(const struct dc_node *n)
{
	return n->kind == DC_N_MEMBER && !n->is_arrow && is_target_element(n->l) &&
	       !is_index_zero(n->l);
}

/*
 * The relocations of p->q[i].m: the chain of p->q (root, hop), the path
 * "q[0].m" of the member in element 0 and "q[0]", whose size steps i.
 */
static bool element_path(const struct cg *g, const struct dc_node *n,
			 const struct dc_node **root, const char **tname, char *path,
			 size_t size, char *elem, size_t esize, char *arg, size_t argsize,
			 unsigned *fl, const struct dc_node **hop)
{
	if (!is_element_member(n) ||
	    !target_member(g, n->l->l, root, tname, elem, esize, arg, argsize, fl, hop))
		return false;
	size_t len = strlen(elem);
	if (len + 4 > esize)
		return false;
	memcpy(elem + len, "[0]", 4);
	int w = snprintf(path, size, "%s.%s", elem, n->name);
	return w > 0 && (size_t)w < size;
}

/*
 * p->q[i].m:  <p>; usetx MEMBER_OFFSET(T, "q[0].m"), %t; add %r, %t, %r
 *             <i>; usetx MEMBER_SIZE(T, "q[0]"), %t; mul %i, %t, %i; add %r, %i, %r
 *             (load: uload LOAD(T, "q[0].m"), %r)
 */
static int element_member(struct cg *g, const struct dc_node *n, bool load)
{
	const struct dc_node *root, *hop;
	const char *tname;
	char path[600], elem[520], arg[280];
	unsigned fl;
	int r, t;

	if (!element_path(g, n, &root, &tname, path, sizeof(path), elem, sizeof(elem), arg,
			  sizeof(arg), &fl, &hop))
		cg_fail(g, &n->loc, D_SYM_NOTYPES, "member %s of an array element whose target "
			"type is not known to dtc: cast it to a named pointer type first",
			n->name);
	if (hop == NULL && (fl & DIF_RELOC_F_SYMBOL) && tname[0] != '*') {
		r = cg_reg(g);		/* `sym.q[i].m: dld makes it the address */
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_OFFSET, fl, tname, path, 0, r);
	} else {
		r = cg_expr(g, hop != NULL ? hop : root);
		t = cg_reg(g);
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_OFFSET, fl, tname, path, 0, t);
		I3(ADD, r, t, r);
		cg_free(g, t);
	}
	int i = cg_expr(g, n->l->args);
	t = cg_reg(g);
	cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_SIZE, fl, tname, elem, 0, t);
	I3(MUL, i, t, i);
	cg_free(g, t);
	I3(ADD, r, i, r);
	cg_free(g, i);
	if (load)
		target_load(g, root, fl, tname, path, r);
	return r;
}

/*
 * Program-known member:  <base address>; setx off, %t; add %r, %t, %r
 * Target member:         <root pointer>; usetx MEMBER_OFFSET(T, path), %t; add
 * Kernel symbol member:  usetx MEMBER_OFFSET("sym", path, symbol), %r (the address)
 * (*load: then ld*, or uload/uuload LOAD(T, path)).
 * Through a pointer dtc cannot name (p->q->r), each hop loads the pointer
 * with its own path prefix and offsets the next member by the full path:
 *   <p>; usetx MEMBER_OFFSET(T, "q"), %t; add; uload LOAD(T, "q")
 *   usetx MEMBER_OFFSET(T, "q->r"), %t; add; uload LOAD(T, "q->r")
 */
static int member(struct cg *g, const struct dc_node *n, bool load)
{
	const struct dc_ty *lt = n->l->type;

	if (n->l->kind == DC_N_XLATE) {
		if (!load)
			cg_fail(g, &n->loc, D_ADDROF_LVAL, "a translated member is not an lvalue");
		return xlate_member(g, n);
	}
	const struct dc_ty *st = n->is_arrow ? (lt ? lt->base : NULL) : lt;

	if (st && known(st) && (st->kind == DC_TY_STRUCT || st->kind == DC_TY_UNION)) {
		uint64_t bits, off;
		const struct dc_member *m;
		if (!cg_member_bits(st, n->name, &bits, &m))
			fail_unbuilt(g, n, "this member");
		if (!known(m->type) && m->type->kind != DC_TY_STRUCT &&
		    m->type->kind != DC_TY_UNION)
			cg_fail(g, &n->loc, D_SYM_NOTYPES, "member %s of %s has type %s, which only "
				"the target defines: dtc lays out the program's own structs and "
				"unions, so their members need types it knows (a pointer such as "
				"struct thread * would do)", n->name, has_name(st) ? st->name :
				"this struct", has_name(m->type) ? m->type->name : "(unknown)");
		uint32_t shift = 0, unit = 0;
		if (m->bits != 0) {
			unit = m->type->size;
			if (unit != 1 && unit != 2 && unit != 4 && unit != 8)
				fail_unbuilt(g, n, "a bit-field of this type");
			off = bits / (8ull * unit) * unit;
			shift = (uint32_t)(bits - off * 8);
		} else {
			off = bits / 8;
		}
		int r = n->is_arrow ? cg_expr(g, n->l) : expr_addr(g, n->l);
		if (off != 0) {
			int t = cg_reg(g);
			cg_setx(g, off, t);
			I3(ADD, r, t, r);
			cg_free(g, t);
		}
		if (load && m->bits != 0)
			bitfield_load(g, n, m, unit, shift, r, userland(n->l));
		else if (load)
			load_known(g, n, m->type, r, userland(n->l));
		return r;
	}
	if (is_element_member(n))
		return element_member(g, n, load);
	const struct dc_node *root;
	const char *tname;
	char path[512], arg[280];
	const struct dc_node *hop;
	unsigned fl;
	bool ok = target_member(g, n, &root, &tname, path, sizeof(path), arg, sizeof(arg),
				&fl, &hop);
	if (!ok && library_ident(n->l))
		fail_library(g, n);
	if (!ok)
		tptr_fail(g, n);
	if (!ok)
		cg_fail(g, &n->loc, D_SYM_NOTYPES, "member %s of an expression whose target "
			"type is not known to dtc: cast it to a named pointer type "
			"(e.g. (struct proc *)) first", n->name);
	int r;
	if (hop == NULL && (fl & DIF_RELOC_F_SYMBOL) && tname[0] != '*') {
		r = cg_reg(g);		/* `sym.a: dld makes it the address itself */
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_OFFSET, fl, tname, path, 0, r);
	} else {
		r = cg_expr(g, hop != NULL ? hop : root);
		int t = cg_reg(g);
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_OFFSET, fl, tname, path, 0, t);
		I3(ADD, r, t, r);
		cg_free(g, t);
	}
	if (load)
		target_load(g, root, fl, tname, path, r);
	return r;
}

/*
 * The relocation of element 0 of a target member array (p->q->arr[i]):
 * "q->arr[0]", which sizes and loads every element alike.
 */
static void target_element(struct cg *g, const struct dc_node *n, const struct dc_node **root,
			   const char **tname, char *path, size_t size, char *arg, size_t argsize,
			   unsigned *fl)
{
	const struct dc_node *hop;
	size_t len;

	if (!target_member(g, n->l, root, tname, path, size, arg, argsize, fl, &hop) ||
	    (len = strlen(path)) + 4 > size)
		cg_fail(g, &n->loc, D_SYM_NOTYPES, "index into a member whose target type is "
			"not known to dtc: cast it to a named pointer type first");
	memcpy(path + len, "[0]", 4);
}

/*
 * p[i] / a[i]: address of the element.  A target member array scales by
 * its element's size:  <p->arr>; <i>; usetx MEMBER_SIZE(T, "arr[0]"), %t;
 * mul %i, %t, %i; add %r, %i, %r
 */
static int index_addr(struct cg *g, const struct dc_node *n)
{
	const struct dc_ty *bt = n->l->type;
	int r = cg_expr(g, n->l);
	int i = cg_expr(g, n->args);
	if (is_target_element(n)) {
		const struct dc_node *root;
		const char *tname;
		char path[520], arg[280];
		unsigned fl;
		target_element(g, n, &root, &tname, path, sizeof(path), arg, sizeof(arg), &fl);
		int t = cg_reg(g);
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_SIZE, fl, tname, path, 0, t);
		I3(MUL, i, t, i);
		cg_free(g, t);
	} else if (bt && bt->kind == DC_TY_ARRAY) {
		struct dc_ty pt = *bt;
		pt.kind = DC_TY_PTR;
		scale(g, n, &pt, i);
	} else if (bt) {
		scale(g, n, bt, i);
	}
	I3(ADD, r, i, r);
	cg_free(g, i);
	return r;
}

/* The address of an lvalue in memory. */
static int expr_addr(struct cg *g, const struct dc_node *n)
{
	switch (n->kind) {
	case DC_N_UNARY:
		if (n->op == T_STAR)
			return cg_expr(g, n->l);
		break;
	case DC_N_MEMBER:
		return member(g, n, false);
	case DC_N_INDEX:
		if (is_assoc(n) && cg_byref(n->type))
			return load_assoc(g, n);	/* faulted-in element storage */
		if (!is_assoc(n) && n->l->kind != DC_N_VAR)
			return index_addr(g, n);
		if (!is_assoc(n) && n->l->scope != DC_VS_BUILTIN)
			return index_addr(g, n);
		break;
	case DC_N_VAR:
		if (n->scope == DC_VS_SYMBOL)
			return symbol_addr(g, n);
		if (cg_byref(n->type))
			return cg_expr(g, n);
		break;
	default:
		if (cg_byref(n->type))
			return cg_expr(g, n);	/* by-ref values are addresses */
		break;
	}
	cg_fail(g, &n->loc, D_ADDROF_LVAL, "cannot take the address of this expression");
}

static int load_through(struct cg *g, const struct dc_node *n, const struct dc_ty *t, int r,
			const struct dc_node *ptr)
{
	if (t && known(t)) {
		load_known(g, n, t, r, userland(ptr));
		return r;
	}
	char arg[280];
	unsigned fl;
	const char *nm = reloc_root(g, ptr, arg, sizeof(arg), &fl);
	if (nm == NULL && symptr_of(g, ptr) != NULL) {	/* p = &`sym; *p */
		nm = symbol_name(symptr_of(g, ptr), arg, sizeof(arg));
		fl = DIF_RELOC_F_SYMBOL;
	}
	if (nm == NULL && library_ident(ptr))
		fail_library(g, n);
	if (nm == NULL)
		cg_fail(g, &n->loc, D_SYM_NOTYPES, "dereference of a pointer whose target type "
			"is not known to dtc: cast it to a named pointer type first");
	target_load(g, ptr, fl, nm, NULL, r);
	return r;
}

/*
 * inline T name[T1 k1, ...] = e;  name[a1, ...]:  e with each ki bound to
 * ai (evaluated where ai was written), converted to T like a scalar inline.
 */
static int array_inline(struct cg *g, const struct dc_node *n, const struct dc_var *iv)
{
	uint32_t saved = g->nbinds;
	const struct dc_node *a = n->args;

	for (const struct dc_param *k = iv->keys; k; k = k->next, a = a ? a->next : NULL) {
		if (a == NULL || k->name == NULL)
			cg_fail(g, &n->loc, D_PROTO_LEN, "inline %s[ ] needs %d subscripts",
				iv->name, iv->nkeys);
		bind(g, n, k->name, a);
	}
	int r = cg_expr(g, iv->inline_expr);
	g->nbinds = saved;
	if (dc_ty_is_integer(iv->type) && !cg_byref(iv->type))
		int_convert(g, r, iv->inline_expr->type, iv->type);
	return r;
}

static int index_expr(struct cg *g, const struct dc_node *n)
{
	const struct dc_node *b = n->l;

	if (b->kind == DC_N_VAR && b->scope == DC_VS_BUILTIN) {
		int id = builtin_id(b->name);
		if (id < 0 && dc_builtin_var(b->name) != NULL)
			cg_fail(g, &n->loc, D_UNKNOWN, "code generation for the built-in array "
				"%s[] is not built yet (no runtime support)", b->name);
		if (id < 0 || id > DIF_VAR_ARRAY_MAX)
			cg_fail(g, &n->loc, D_ARR_BADREF, "%s is not an array", b->name);
		int r = cg_expr(g, n->args);
		use_builtin(g, b->name, (uint32_t)id, DIFV_KIND_ARRAY, n->type);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_LDGA, id, r, r));
		return r;
	}
	const struct dc_var *iv = b->kind == DC_N_VAR ? (b->var ? b->var : n->var) : NULL;
	if (iv && iv->scope == DC_VS_INLINE)
		return array_inline(g, n, iv);
	if (is_assoc(n))
		return load_assoc(g, n);
	int r = index_addr(g, n);
	if (is_target_element(n)) {	/* uload LOAD(T, "arr[0]") */
		const struct dc_node *root;
		const char *tname;
		char path[520], arg[280];
		unsigned fl;
		target_element(g, n, &root, &tname, path, sizeof(path), arg, sizeof(arg), &fl);
		target_load(g, root, fl, tname, path, r);
		return r;
	}
	return load_through(g, n, n->type, r, b);
}

/* ---- operators ---------------------------------------------------------- */

static int branch_for(int op, bool sg)
{
	switch (op) {
	case T_LT: return sg ? DIF_OP_BL : DIF_OP_BLU;
	case T_GT: return sg ? DIF_OP_BG : DIF_OP_BGU;
	case T_LE: return sg ? DIF_OP_BLE : DIF_OP_BLEU;
	case T_GE: return sg ? DIF_OP_BGE : DIF_OP_BGEU;
	case T_EQ: return DIF_OP_BE;
	default: return DIF_OP_BNE;
	}
}

/*  b<cond> T; mov %r0, %r; ba E; T: setx 1, %r; E:   (after cmp/tst) */
static void set_bool(struct cg *g, int bop, int r)
{
	uint32_t t = cg_label(g), e = cg_label(g);

	cg_branch(g, bop, t);
	I3(MOV, 0, 0, r);
	cg_branch(g, DIF_OP_BA, e);
	cg_place(g, t);
	cg_setx(g, 1, r);
	cg_place(g, e);
}

/* Comparison signedness: strings and signed promoted types compare signed. */
static bool cmp_signed(const struct dc_ty *a, const struct dc_ty *b)
{
	if (a == NULL || b == NULL)
		return true;
	if (a->kind == DC_TY_PTR || b->kind == DC_TY_PTR)
		return false;
	uint64_t sa = a->size ? a->size : 8, sb = b->size ? b->size : 8;
	if (a->kind == DC_TY_SYM || a->kind == DC_TY_DYN)
		return is_signed_ty(b) || sb < 8;
	if (b->kind == DC_TY_SYM || b->kind == DC_TY_DYN)
		return is_signed_ty(a) || sa < 8;
	if (sa != sb)
		return sa > sb ? is_signed_ty(a) : is_signed_ty(b);
	return is_signed_ty(a) && is_signed_ty(b);
}

static bool is_ptrish(const struct dc_ty *t)
{
	return t && (t->kind == DC_TY_PTR || t->kind == DC_TY_ARRAY);
}

/* op %rl, %rr, %rl  for the arithmetic/bitwise token tok */
static void arith(struct cg *g, const struct dc_node *n, int tok, int l, int r,
		  const struct dc_ty *lt, const struct dc_ty *rt)
{
	bool sg = is_signed_ty(n->type);

	switch (tok) {
	case T_PLUS: case T_ADD_EQ: case T_INC:
		if (is_ptrish(lt) && !is_ptrish(rt))
			scale(g, n, lt, r);
		else if (is_ptrish(rt) && !is_ptrish(lt))
			scale(g, n, rt, l);
		I3(ADD, l, r, l);
		return;
	case T_MINUS: case T_SUB_EQ: case T_DEC:
		if (is_ptrish(lt) && !is_ptrish(rt))
			scale(g, n, lt, r);
		I3(SUB, l, r, l);
		if (is_ptrish(lt) && is_ptrish(rt) && lt->base && known(lt->base) &&
		    cg_size(g, lt->base) > 1) {
			cg_setx(g, cg_size(g, lt->base), r);
			I3(SDIV, l, r, l);
		}
		return;
	case T_STAR: case T_MUL_EQ: I3(MUL, l, r, l); return;
	case T_SLASH: case T_DIV_EQ:
		cg_emit(g, DIF_INSTR_FMT(sg ? DIF_OP_SDIV : DIF_OP_UDIV, l, r, l));
		return;
	case T_PERCENT: case T_MOD_EQ:
		cg_emit(g, DIF_INSTR_FMT(sg ? DIF_OP_SREM : DIF_OP_UREM, l, r, l));
		return;
	case T_AMP: case T_AND_EQ: I3(AND, l, r, l); return;
	case T_BOR: case T_OR_EQ: I3(OR, l, r, l); return;
	case T_XOR: case T_XOR_EQ: I3(XOR, l, r, l); return;
	case T_SHL: case T_SHL_EQ: I3(SLL, l, r, l); return;
	case T_SHR: case T_SHR_EQ:
		cg_emit(g, DIF_INSTR_FMT(sg ? DIF_OP_SRA : DIF_OP_SRL, l, r, l));
		return;
	default:
		fail_unbuilt(g, n, "this operator");
	}
}

static int binary(struct cg *g, const struct dc_node *n)
{
	int l = cg_expr(g, n->l);
	int r = cg_expr(g, n->r);

	switch (n->op) {
	case T_LT: case T_GT: case T_LE: case T_GE: case T_EQ: case T_NE: {
		bool str = is_string(n->l->type) || is_string(n->r->type);
		cg_emit(g, DIF_INSTR_FMT(str ? DIF_OP_SCMP : DIF_OP_CMP, l, r, 0));
		set_bool(g, branch_for(n->op, str || cmp_signed(n->l->type, n->r->type)), l);
		break;
	}
	default:
		arith(g, n, n->op, l, r, n->l->type, n->r->type);
		break;
	}
	cg_free(g, r);
	return l;
}

/*
 * &&: tst l; be F; tst r; be F; setx 1; ba E; F: mov %r0; E:
 * ||: tst l; bne T; tst r; be F; T: setx 1; ba E; F: mov %r0; E:
 * ^^: both normalised to 0/1 (tst; be Z; setx 1; Z:), then xor
 */
static int logical(struct cg *g, const struct dc_node *n)
{
	int l = cg_expr(g, n->l);
	uint32_t f = cg_label(g), t = cg_label(g), e = cg_label(g);

	if (n->op == T_LXOR) {
		int r = cg_expr(g, n->r);
		int regs[2] = { l, r };
		for (int i = 0; i < 2; i++) {
			uint32_t z = cg_label(g);
			cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, regs[i], 0, 0));
			cg_branch(g, DIF_OP_BE, z);
			cg_setx(g, 1, regs[i]);
			cg_place(g, z);
		}
		I3(XOR, l, r, l);
		cg_free(g, r);
		return l;
	}
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, l, 0, 0));
	cg_branch(g, n->op == T_LAND ? DIF_OP_BE : DIF_OP_BNE, n->op == T_LAND ? f : t);
	int r = cg_expr(g, n->r);
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, r, 0, 0));
	cg_free(g, r);
	cg_branch(g, DIF_OP_BE, f);
	cg_place(g, t);
	cg_setx(g, 1, l);
	cg_branch(g, DIF_OP_BA, e);
	cg_place(g, f);
	I3(MOV, 0, 0, l);
	cg_place(g, e);
	return l;
}

/* tst c; be F; <a>; mov a, out; ba E; F: <b>; mov b, out; E: */
static int ternary(struct cg *g, const struct dc_node *n)
{
	int c = cg_expr(g, n->l);
	uint32_t f = cg_label(g), e = cg_label(g);

	cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, c, 0, 0));
	cg_free(g, c);
	int out = cg_reg(g);
	cg_branch(g, DIF_OP_BE, f);
	int a = cg_expr(g, n->r);
	I3(MOV, a, 0, out);
	cg_free(g, a);
	cg_branch(g, DIF_OP_BA, e);
	cg_place(g, f);
	int b = cg_expr(g, n->x);
	I3(MOV, b, 0, out);
	cg_free(g, b);
	cg_place(g, e);
	return out;
}

/* ---- stores ------------------------------------------------------------- */


/*
 * stb|sth|stw|stx %v, [%a]   or   setx size, %t; copys %v, %t, %a  (by-ref;
 * a string literal copies only its own bytes and NUL, never past its table)
 */
static void store_mem(struct cg *g, const struct dc_node *lv, int v, int a,
		      const struct dc_node *src)
{
	const struct dc_ty *t = lv->type;

	if (!known(t))
		cg_fail(g, &lv->loc, D_SYM_NOTYPES, "store into memory whose target type is "
			"not known to dtc: cast the pointer to a named pointer type first");
	if (cg_byref(t)) {
		int s = cg_reg(g);
		uint64_t size = cg_size(g, t);
		if (src && src->kind == DC_N_STR && strnlen(src->str, src->slen) + 1 < size)
			size = strnlen(src->str, src->slen) + 1;
		cg_setx(g, size, s);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_COPYS, v, s, a));
		cg_free(g, s);
		return;
	}
	static const int ops[9] = { 0, DIF_OP_STB, DIF_OP_STH, 0, DIF_OP_STW, 0, 0, 0, DIF_OP_STX };
	uint64_t sz = cg_size(g, t);
	if (sz > 8 || ops[sz] == 0)
		fail_unbuilt(g, lv, "a store of this size");
	cg_emit(g, DIF_INSTR_FMT(ops[sz], v, 0, a));
}

/*
 * Is lv memory laid out by the target's types?  Then *tname / path name the
 * relocation that sizes the store: a member of a target struct or union
 * (the same path the load would use), or the pointee of *p / p[i].
 */
static bool target_lvalue(const struct cg *g, const struct dc_node *lv, const char **tname,
			  char *path, size_t size, char *arg, size_t argsize, unsigned *fl)
{
	const struct dc_node *root, *hop;

	path[0] = '\0';
	*fl = 0;
	if (lv->kind == DC_N_MEMBER) {
		const struct dc_ty *lt = lv->l->type;
		const struct dc_ty *st = lv->is_arrow ? (lt ? lt->base : NULL) : lt;
		if (lv->l->kind == DC_N_XLATE ||
		    (st && known(st) && (st->kind == DC_TY_STRUCT || st->kind == DC_TY_UNION)))
			return false;
		if (is_element_member(lv)) {	/* p->q[i].m = v */
			char elem[520];
			return element_path(g, lv, &root, tname, path, size, elem, sizeof(elem),
					    arg, argsize, fl, &hop);
		}
		return target_member(g, lv, &root, tname, path, size, arg, argsize, fl, &hop);
	}
	if ((lv->kind == DC_N_UNARY && lv->op == T_STAR) ||
	    (lv->kind == DC_N_INDEX && !is_assoc(lv) &&
	     !(lv->l->kind == DC_N_VAR && lv->l->scope == DC_VS_BUILTIN))) {
		if (known(lv->type))
			return false;
		*tname = pointee_name(g, lv->l);
		if (*tname == NULL && lv->kind == DC_N_UNARY && symptr_of(g, lv->l) != NULL) {
			*tname = symbol_name(symptr_of(g, lv->l), arg, argsize);
			*fl = DIF_RELOC_F_SYMBOL;	/* p = &`sym; *p = v */
		}
		return *tname != NULL;
	}
	return false;
}

/*
 * The name of the target struct or union a whole value src is (by
 * reference: its address in a register), or NULL: `*p` with p a pointer to
 * a named target struct/union, or an expression of such a type.
 */
static const char *target_aggregate(const struct cg *g, const struct dc_node *src)
{
	const struct dc_ty *t = src->type;

	if (t && (t->kind == DC_TY_STRUCT || t->kind == DC_TY_UNION) && !known(t) && has_name(t))
		return t->name;
	if (src->kind == DC_N_UNARY && src->op == T_STAR && !known(t)) {
		const char *nm = pointee_name(g, src->l);
		if (nm && (nm == cg_curthread_root || strncmp(nm, "struct ", 7) == 0 ||
			   strncmp(nm, "union ", 6) == 0))	/* curthread: a struct */
			return nm;
	}
	return NULL;
}

/*
 * A whole target struct/union copied into scratch, so that the variable
 * holds the value, not the live kernel memory:
 *   usetx type_size(T), %s; allocs %s, %d; copys %v, %s, %d; mov %d, %v
 */
static void scratch_copy(struct cg *g, const char *tname, int v)
{
	int s = cg_reg(g), d = cg_reg(g);

	cg_reloc(g, DIF_OP_USETX, DIF_RELOC_TYPE_SIZE, tname, NULL, 0, s);
	I3(ALLOCS, s, 0, d);
	I3(COPYS, v, s, d);
	I3(MOV, d, 0, v);
	cg_free(g, d);
	cg_free(g, s);
}

/* Whole target structs go only into clause-local variables, as scratch copies. */
static void store_aggregate(struct cg *g, const struct dc_node *lv, int v,
			    const struct dc_node *src)
{
	const char *tname = src ? target_aggregate(g, src) : NULL;

	if (tname == NULL)
		return;
	if (lv->kind != DC_N_VAR || lv->scope != DC_VS_THIS)
		cg_fail(g, &lv->loc, D_SYM_NOTYPES, "a whole %s, whose size only the target "
			"knows, can only be copied into a clause-local variable (this->); "
			"store a pointer to it instead", tname);
	scratch_copy(g, tname, v);
	struct cg_var *var = cg_var_get(g, DIFV_SCOPE_LOCAL, lv->name, DIFV_KIND_SCALAR, NULL);
	if (var->copy_type == NULL)
		var->copy_type = tname;
	else if (var->copy_type[0] && strcmp(var->copy_type, tname) != 0)
		var->copy_type = "";
}

/*
 * A value stored into a D variable takes the variable's integer type, as C's
 * assignment conversion does: a uint16_t global keeps 16 bits.  Registers
 * hold values sign- or zero-extended to 64 bits, so only a change that can
 * alter bits within 64 needs int_convert's shifts: a narrower destination
 * (below 8 bytes) that is narrower than the source, or of the other sign.
 * Same width and sign need nothing (the register may hold a wider
 * intermediate, which DTrace stores as it is); op= and ++/-- store their
 * 64-bit result unconverted, as DTrace does (aggs/tst.negquant.d).
 */
static void var_convert(struct cg *g, int v, const struct dc_ty *from, const struct dc_ty *to)
{
	const struct dc_ty *f = cg_resolve(from), *t = cg_resolve(to);

	if (f == NULL || t == NULL || !known(f) || !known(t) ||
	    (f->kind != DC_TY_INT && f->kind != DC_TY_ENUM) ||
	    (t->kind != DC_TY_INT && t->kind != DC_TY_ENUM))
		return;
	uint64_t fs = cg_size(g, f), ts = cg_size(g, t);
	if (ts >= 8 || (fs == ts && is_signed_ty(f) == is_signed_ty(t)) ||
	    (ts > fs && (!is_signed_ty(f) || is_signed_ty(t))))
		return;
	int_convert(g, v, f, t);
}

/* Store %v into lvalue lv (variables: st?s; arrays: tuple + st?aa; memory). */
static void store(struct cg *g, const struct dc_node *lv, int v, const struct dc_ty *vt,
		  const struct dc_node *src)
{
	if ((lv->kind == DC_N_VAR && (lv->scope == DC_VS_GLOBAL || lv->scope == DC_VS_SELF ||
				      lv->scope == DC_VS_THIS)) || is_assoc(lv))
		store_aggregate(g, lv, v, src);
	if (lv->kind == DC_N_VAR && (lv->scope == DC_VS_GLOBAL || lv->scope == DC_VS_SELF ||
				     lv->scope == DC_VS_THIS)) {
		int sc = vscope(lv->scope);
		struct cg_var *var = cg_var_get(g, sc, lv->name, DIFV_KIND_SCALAR,
						var_type(lv, vt));
		static const int ops[] = { DIF_OP_STGS, DIF_OP_STTS, DIF_OP_STLS };
		var_convert(g, v, vt, var->type);
		cg_use_var(g, var, DIFV_F_MOD);
		cg_emit(g, DIF_INSTR_IMM16(ops[sc], var->id, v));
		return;
	}
	if (is_assoc(lv)) {
		cg_tuple(g, lv->args);
		struct cg_var *var = assoc_var(g, lv);
		if (var->type == NULL)
			var->type = vt;
		var_convert(g, v, vt, var->type);
		cg_use_var(g, var, DIFV_F_MOD);
		cg_emit(g, DIF_INSTR_IMM16(var->scope == DIFV_SCOPE_THREAD ? DIF_OP_STTAA
					   : DIF_OP_STGAA, var->id, v));
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0));
		return;
	}
	const char *tname;
	char path[512], arg[280];
	unsigned fl;
	if (target_lvalue(g, lv, &tname, path, sizeof(path), arg, sizeof(arg), &fl)) {
		/* <address as for a load>; ustore %v, [%a], STORE(T, path) */
		if (lv->type && (lv->type->kind == DC_TY_STRUCT || lv->type->kind == DC_TY_UNION))
			cg_fail(g, &lv->loc, D_SYM_NOTYPES, "assignment of a whole %s whose "
				"layout only the target knows is not supported; assign its "
				"members", lv->type->kind == DC_TY_STRUCT ? "struct" : "union");
		int a = expr_addr(g, lv);
		cg_reloc_root(g, DIF_OP_USTORE, DIF_RELOC_STORE, fl, tname, path, v, a);
		cg_free(g, a);
		return;
	}
	int a = expr_addr(g, lv);
	if (is_bitfield(lv))
		bitfield_store(g, lv, v, a);
	else
		store_mem(g, lv, v, a, src);
	cg_free(g, a);
}

static int assign(struct cg *g, const struct dc_node *n)
{
	if (n->l->kind == DC_N_AGG)
		cg_fail(g, &n->loc, D_CG_EXPR, "aggregation used inside an expression");
	if (n->op == T_ASSIGN) {
		int v = cg_expr(g, n->r);
		store(g, n->l, v, n->r->type, n->r);
		return v;
	}
	int l = cg_expr(g, n->l);
	int r = cg_expr(g, n->r);
	arith(g, n, n->op, l, r, n->l->type, n->r->type);
	cg_free(g, r);
	store(g, n->l, l, n->l->type, NULL);
	return l;
}

/* ++/--: load; add/sub 1 (scaled for pointers); store; the old or new value. */
static int incdec(struct cg *g, const struct dc_node *n, bool post)
{
	int old = cg_expr(g, n->l);
	int nv = cg_reg(g);
	int one = cg_reg(g);

	cg_setx(g, 1, one);
	I3(MOV, old, 0, nv);
	arith(g, n, n->op, nv, one, n->l->type, NULL);
	cg_free(g, one);
	store(g, n->l, nv, n->l->type, NULL);
	if (post) {
		cg_free(g, nv);
		return old;
	}
	cg_free(g, old);
	return nv;
}

/* ---- unary, casts, sizes, calls ----------------------------------------- */

static int unary(struct cg *g, const struct dc_node *n)
{
	int r;

	switch (n->op) {
	case T_INC: case T_DEC:
		return incdec(g, n, false);
	case T_AMP:
		return expr_addr(g, n->l);
	case T_STAR:
		if (n->l->kind == DC_N_XLATE && n->l->ctype != NULL &&
		    n->l->ctype->kind == DC_TY_PTR) {	/* *xlate<T *>(e) is xlate<T>(e) */
			struct dc_node x = *n->l;
			x.ctype = x.type = n->type;
			return xlate_struct(g, &x);
		}
		r = cg_expr(g, n->l);
		return load_through(g, n, n->type, r, n->l);
	default:
		break;
	}
	r = cg_expr(g, n->l);
	switch (n->op) {
	case T_MINUS:
		I3(SUB, 0, r, r);
		break;
	case T_TILDE:
		I3(NOT, r, 0, r);
		break;
	case T_NOT:
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, r, 0, 0));
		set_bool(g, DIF_OP_BE, r);
		break;
	default:
		break;
	}
	return r;
}

/*
 * The C spelling of a pointer type ("char *", "struct proc **") when its
 * pointee has a name the target could know; false otherwise (function or
 * array pointees, anonymous or program-defined structs, unions, enums).
 */
static bool pointer_spelling(const struct dc_ty *t, char *buf, size_t size)
{
	unsigned levels = 0;

	while (t && t->kind == DC_TY_PTR && levels < 8) {
		t = t->base;
		levels++;
	}
	if (t == NULL || levels == 0 || levels == 8 || t->kind == DC_TY_PTR ||
	    t->kind == DC_TY_FUNC || t->kind == DC_TY_ARRAY || !has_name(t))
		return false;
	if ((t->kind == DC_TY_STRUCT || t->kind == DC_TY_UNION || t->kind == DC_TY_ENUM) &&
	    known(t))
		return false;
	int k = snprintf(buf, size, "%s %.*s", t->name, (int)levels, "********");
	return k > 0 && (size_t)k < size;
}

/*
 * Integer casts: program types by the rules above; target types: typecast
 * CAST.  A cast of an integer to a pointer needs no code, but the typer
 * would still see an integer (basename((char *)rand())), so it is written
 * down: typecast CAST("char *"), which dld removes.
 */
static int cast(struct cg *g, const struct dc_node *n)
{
	int r = cg_expr(g, n->l);
	const struct dc_ty *to = n->ctype;
	const struct dc_ty *from = n->l->type;
	char spelled[256];

	if (to && to->kind == DC_TY_PTR && from &&
	    (from->kind == DC_TY_INT || from->kind == DC_TY_ENUM) &&
	    pointer_spelling(to, spelled, sizeof(spelled))) {
		cg_reloc(g, DIF_OP_TYPECAST, DIF_RELOC_CAST, spelled, NULL, 0, r);
		return r;
	}
	if (to == NULL || to->kind == DC_TY_VOID || cg_byref(to) || to->kind == DC_TY_PTR)
		return r;
	if (to->kind == DC_TY_INT || to->kind == DC_TY_ENUM) {
		int_convert(g, r, n->l->type, to);
		return r;
	}
	if (!known(to) && has_name(to))
		cg_reloc(g, DIF_OP_TYPECAST, DIF_RELOC_CAST, to->name, NULL, 0, r);
	return r;
}

/*
 * setx size  (program type)  |  usetx TYPE_SIZE(T) / MEMBER_SIZE(T, path)
 * sizeof (`sym): usetx TYPE_SIZE("sym", symbol) (the symbol's size at link time)
 */
static int size_of(struct cg *g, const struct dc_node *n, const struct dc_ty *t,
		   const struct dc_node *e)
{
	int r = cg_reg(g);

	if (e && e->kind == DC_N_STR) {		/* a string constant: its bytes + NUL */
		cg_setx(g, strnlen(e->str, e->slen) + 1, r);
		return r;
	}
	if (e && e->kind == DC_N_VAR && e->scope == DC_VS_SYMBOL && e->mod == NULL &&
	    strcmp(e->name, "NULL") == 0) {	/* D's NULL is an int-sized 0 */
		cg_setx(g, cg_size(g, g->prog->t_int), r);
		return r;
	}
	if (known(t)) {
		cg_setx(g, cg_size(g, t), r);
		return r;
	}
	const struct dc_node *root, *hop;
	const char *tname;
	char path[512], arg[280];
	unsigned fl;
	if (e && e->kind == DC_N_MEMBER && target_member(g, e, &root, &tname, path, sizeof(path),
							 arg, sizeof(arg), &fl, &hop)) {
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_MEMBER_SIZE, fl, tname, path, 0, r);
		return r;
	}
	if (e && e->kind == DC_N_UNARY && e->op == T_STAR && pointee_name(g, e->l)) {
		cg_reloc(g, DIF_OP_USETX, DIF_RELOC_TYPE_SIZE, pointee_name(g, e->l), NULL, 0, r);
		return r;
	}
	if (e && e->kind == DC_N_VAR && e->scope == DC_VS_SYMBOL && !library_ident(e) &&
	    !has_name(t)) {	/* sizeof (`sym): usetx TYPE_SIZE("sym", symbol) */
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_TYPE_SIZE, DIF_RELOC_F_SYMBOL,
			      symbol_name(e, arg, sizeof(arg)), NULL, 0, r);
		return r;
	}
	if (!has_name(t))
		cg_fail(g, &n->loc, D_SYM_NOTYPES, "sizeof of an expression whose target type "
			"is not known to dtc");
	cg_reloc(g, DIF_OP_USETX, DIF_RELOC_TYPE_SIZE, t->name, NULL, 0, r);
	return r;
}

static int offset_of(struct cg *g, const struct dc_node *n)
{
	const struct dc_ty *t = n->ctype;
	int r = cg_reg(g);
	uint64_t off;
	const struct dc_member *m;

	if (known(t) && cg_member_offset(t, n->name, &off, &m)) {
		cg_setx(g, off, r);
		return r;
	}
	if (known(t) || !has_name(t))
		fail_unbuilt(g, n, "offsetof of this member");
	cg_reloc(g, DIF_OP_USETX, DIF_RELOC_MEMBER_OFFSET, t->name, n->name, 0, r);
	return r;
}

/* Tuple of the arguments; call subr, %rd. */
static int call(struct cg *g, const struct dc_node *n)
{
	const char *name = n->l && n->l->kind == DC_N_VAR ? n->l->name : NULL;
	int id = name ? cg_subr_id(name) : -1;

	const struct dcf_func *f = name ? dc_builtin_func(name) : NULL;
	if (id < 0 && f != NULL && f->kind == DC_F_SUBR)	/* no DIF subroutine yet */
		cg_fail(g, &n->loc, D_UNKNOWN, "code generation for the subroutine %s( ) is "
			"not built yet (no runtime support)", name);
	if (id < 0)
		cg_fail(g, &n->loc, D_CG_EXPR, "%s( ) is an action and may not be used "
			"inside an expression", name ? name : "function");
	if (id == DIF_SUBR_COPYOUT || id == DIF_SUBR_COPYOUTSTR || id == DIF_SUBR_PHYSMEM_WRITE)
		g->d->destructive = true;
	cg_tuple(g, n->args);
	int r = cg_reg(g);
	cg_emit(g, DIF_INSTR_IMM16(DIF_OP_CALL, id, r));
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_FLUSHTS, 0, 0, 0));
	return r;
}

/* ---- the system library's per-target arms ------------------------------ */

static bool is_by_type(const struct dc_node *n)
{
	return n->kind == DC_N_CALL && n->l != NULL && n->l->kind == DC_N_VAR &&
	       strcmp(n->l->name, DC_BY_TYPE) == 0;
}

static bool plain_inline(const struct dc_node *n)
{
	return n->kind == DC_N_VAR && n->scope == DC_VS_INLINE && n->var != NULL &&
	       n->var->inline_params == NULL && n->var->inline_expr != NULL;
}

/* An inline that stands for xlate<T *>(e) (after other plain inlines). */
static bool xlate_inline(const struct dc_node *n)
{
	for (int depth = 0; plain_inline(n) && depth < 64; depth++) {
		n = n->var->inline_expr;
		if (n->kind == DC_N_XLATE)
			return true;
	}
	return false;
}

/*
 * Where an expression's spine must be rewritten, else NULL: the
 * __ht_by_type choice it reaches, or (*inl set) a plain inline standing for
 * xlate<T *>(e) below the top (inline T *p = xlate<T *>(e); p->m).  The
 * spine is what needs the translation's or arm's own type: members (->, .),
 * *, xlate<>( ), array elements, and plain inlines standing for their
 * expression.
 */
static const struct dc_node *spine_choice(const struct dc_node *n, bool *inl)
{
	*inl = false;
	for (int depth = 0; n != NULL && depth < 64; depth++) {
		if (is_by_type(n))
			return n;
		if (depth > 0 && xlate_inline(n)) {
			*inl = true;
			return n;
		}
		if (plain_inline(n))
			n = n->var->inline_expr;
		else if (n->kind == DC_N_MEMBER || n->kind == DC_N_XLATE ||
			 (n->kind == DC_N_UNARY && n->op == T_STAR) ||
			 (n->kind == DC_N_INDEX && !is_assoc(n)))
			n = n->l;
		else
			return NULL;
	}
	return NULL;
}

struct arm_copy {
	struct dc_node nodes[32];
	int n;
	bool lacks;		/* the arm's translator has no such member */
};

/*
 * n with the node at on its spine replaced by arm (copies of the spine nodes
 * in c; the rest of the tree is shared).  *xlate<T *>(e) becomes
 * xlate<T>(e); an integer inline keeps its conversion as a cast.
 */
static const struct dc_node *with_arm(struct cg *g, const struct dc_node *n,
				      const struct dc_node *at, const struct dc_node *arm,
				      struct arm_copy *c)
{
	if (n == at)
		return arm;
	if (c->n >= 30)
		cg_fail(g, &n->loc, D_UNKNOWN, "expression too deep around a system library name");
	if (plain_inline(n)) {
		const struct dc_node *e = with_arm(g, n->var->inline_expr, at, arm, c);
		if (!dc_ty_is_integer(n->var->type) || cg_byref(n->var->type))
			return e;
		struct dc_node *k = &c->nodes[c->n++];
		*k = (struct dc_node){ .kind = DC_N_CAST, .loc = n->loc, .l = (struct dc_node *)e,
				       .ctype = n->var->type, .type = n->var->type };
		return k;
	}
	const struct dc_node *l = with_arm(g, n->l, at, arm, c);
	struct dc_node *k = &c->nodes[c->n++];
	*k = *n;
	k->l = (struct dc_node *)l;
	if (n->kind == DC_N_UNARY && l->kind == DC_N_XLATE && l->ctype != NULL &&
	    l->ctype->kind == DC_TY_PTR) {
		*k = *l;		/* *xlate<T *>(e): xlate<T>(e) */
		k->ctype = k->type = n->type;
	}
	if (n->kind == DC_N_MEMBER && l->kind == DC_N_XLATE) {
		const struct dc_xlator *xl = xlator_of(g, l);
		const struct dc_xlmember *m = xl->members;
		while (m != NULL && strcmp(m->name, n->name) != 0)
			m = m->next;
		c->lacks |= m == NULL;
	}
	return k;
}

/*
 * A use of curpsinfo & co. (an expression whose spine reaches the library's
 * __ht_by_type choice), pushed into each arm:
 *
 *     usetx type_exists("T1"), %t; tst %t; be L2
 *     <the use with arm 1; every relocation GUARDED>; mov %a, %r; ba Ldone
 * L2: usetx type_exists("T2"), %t; tst %t; be Lnone
 *     <the use with arm 2, GUARDED>; mov %a, %r; ba Ldone
 * Lnone: setx 0, %z; ldx [%z], %z        no arm fits: a BADADDR fault at 0
 *     setx 0, %r
 * Ldone:
 *
 * An arm whose translator lacks the member used compiles to that fault too
 * (the front end rejects a member no arm defines: D_XLATE_NOCONV).
 */
static int by_type(struct cg *g, const struct dc_node *n, const struct dc_node *choice)
{
	uint32_t done = cg_label(g), none = cg_label(g);
	int r = cg_reg(g);
	unsigned saved = g->reloc_guard;

	for (const struct dc_node *a = choice->args; a && a->next; a = a->next->next) {
		uint32_t next = a->next->next ? cg_label(g) : none;
		int t = cg_reg(g);
		g->reloc_guard = 0;
		cg_reloc_root(g, DIF_OP_USETX, DIF_RELOC_TYPE_EXISTS, 0, a->str, NULL, 0, t);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, t, 0, 0));
		cg_free(g, t);
		cg_branch(g, DIF_OP_BE, next);
		struct arm_copy c = { .n = 0 };
		const struct dc_node *use = with_arm(g, n, choice, a->next, &c);
		if (!c.lacks) {
			g->reloc_guard = saved | DIF_RELOC_F_GUARDED;
			int v = cg_expr(g, use);
			I3(MOV, v, 0, r);
			cg_free(g, v);
			cg_branch(g, DIF_OP_BA, done);
		} else {
			cg_branch(g, DIF_OP_BA, none);
		}
		g->reloc_guard = saved;
		if (next != none)
			cg_place(g, next);
	}
	cg_place(g, none);
	int z = cg_reg(g);
	cg_setx(g, 0, z);
	I3(LDX, z, 0, z);
	cg_free(g, z);
	cg_setx(g, 0, r);	/* never reached: keeps %r's type to the arms' */
	cg_place(g, done);
	return r;
}

int cg_expr(struct cg *g, const struct dc_node *n)
{
	int r;

	cg_line_expr(g, &n->loc);
	bool inl;
	const struct dc_node *at = spine_choice(n, &inl);
	if (at != NULL && inl) {	/* p->m for inline T *p = xlate<T *>(e) */
		struct arm_copy c = { .n = 0 };
		return cg_expr(g, with_arm(g, n, at, at->var->inline_expr, &c));
	}
	if (at != NULL)
		return by_type(g, n, at);
	switch (n->kind) {
	case DC_N_INT:
		r = cg_reg(g);
		cg_setx(g, n->ival, r);
		return r;
	case DC_N_STR:
		r = cg_reg(g);
		cg_sets(g, n->str, n->slen, r);
		return r;
	case DC_N_VAR:
		return load_var(g, n);
	case DC_N_UNARY:
		return unary(g, n);
	case DC_N_POSTFIX:
		return incdec(g, n, true);
	case DC_N_BINARY:
		return binary(g, n);
	case DC_N_LOGICAL:
		return logical(g, n);
	case DC_N_TERNARY:
		return ternary(g, n);
	case DC_N_ASSIGN:
		return assign(g, n);
	case DC_N_CALL:
		return call(g, n);
	case DC_N_INDEX:
		return index_expr(g, n);
	case DC_N_MEMBER:
		return member(g, n, true);
	case DC_N_CAST:
		return cast(g, n);
	case DC_N_SIZEOF_TYPE:
		return size_of(g, n, n->ctype, NULL);
	case DC_N_SIZEOF_EXPR:
		return size_of(g, n, n->l->type, n->l);
	case DC_N_OFFSETOF:
		return offset_of(g, n);
	case DC_N_STRINGOF:
		return cg_expr(g, n->l);
	case DC_N_COMMA:
		cg_free(g, cg_expr(g, n->l));
		return cg_expr(g, n->r);
	case DC_N_AGG:
		cg_fail(g, &n->loc, D_CG_EXPR, "aggregation @%s used inside an expression",
			n->name);
	case DC_N_XLATE:
		return xlate_struct(g, n);
	default:
		fail_unbuilt(g, n, "this expression");
	}
}
