/*
 * sem.c -- semantic checks: identifiers, operand types, lvalues, actions,
 * aggregations and probe descriptions, with DTrace's D_* tags.
 *
 * The parser calls dc_sem_clause() (and friends) as soon as an external is
 * complete, so variables come into existence in source order: a global is
 * created by its first assignment or declaration, `self->x`/`this->x` the
 * same way, an aggregation by its first `@a[...] = f(...)`.
 *
 * Checking one clause stops at its first error (later diagnostics in the
 * same clause would mostly be consequences); the next clause is checked
 * normally, so one run reports independent errors.  Every checked
 * expression node gets a type; types the program does not define are
 * "loose" (DC_TY_SYM / DC_TY_DYN) and pass every operand check, because
 * only the target's BTF can decide them (the linker's job).
 *
 * Tables of built-in variables and functions are in builtins.c; printf
 * format checking is in printf.c.  Read dc_ast.h for the node flags this
 * file sets (is_lvalue, is_writable, is_action...).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dif/dif.h"
#include "impl.h"
#include "sem.h"
#include "builtins.h"

struct ctx {
	struct dc_program *p;
	jmp_buf fail;
	/* action ordering state for the clause */
	bool spec, commit, drec, agg;
	bool in_pred;
	const char **assigned;          /* pre-pass: names first assigned by '=' */
	int nassigned, cassigned;       /* (arena storage, grows by doubling) */
};

static _Noreturn void err(struct ctx *C, const struct dc_loc *loc, enum dc_errtag tag,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void err_v(struct ctx *C, const struct dc_loc *loc, enum dc_errtag tag,
		  const char *msg)
{
	dc_error(C->p, loc, tag, "%s", msg);
}

static _Noreturn void err(struct ctx *C, const struct dc_loc *loc, enum dc_errtag tag,
			  const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_v(C, loc, tag, buf);
	longjmp(C->fail, 1);
}

/* ---- variables ---------------------------------------------------------- */

static size_t var_hash(const char *name, enum dc_var_scope sc)
{
	size_t h = 2166136261u ^ (size_t)sc;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static struct dc_var *var_find(struct dc_program *p, const char *name, enum dc_var_scope sc)
{
	if (p->vhash == NULL)
		return NULL;
	for (struct dc_var *v = p->vhash[var_hash(name, sc) & (p->vhash_cap - 1)]; v;
	     v = v->hnext)
		if (v->scope == sc && strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* Any identifier-space entry (global, inline, enum) with this name. */
static struct dc_var *ident_find(struct dc_program *p, const char *name)
{
	struct dc_var *v = var_find(p, name, DC_VS_GLOBAL);

	if (v == NULL)
		v = var_find(p, name, DC_VS_INLINE);
	if (v == NULL)
		v = var_find(p, name, DC_VS_ENUM);
	return v;
}

static void var_insert(struct dc_program *p, struct dc_var *v)
{
	if (p->nvars * 2 >= p->vhash_cap) {
		size_t nc = p->vhash_cap ? p->vhash_cap * 2 : 256;
		struct dc_var **nh = dc_arena_alloc(&p->arena, nc * sizeof(*nh));
		for (struct dc_var *x = p->vars; x; x = x->next) {
			if (x == v)
				continue;
			size_t b = var_hash(x->name, x->scope) & (nc - 1);
			x->hnext = nh[b];
			nh[b] = x;
		}
		p->vhash = nh;
		p->vhash_cap = nc;
	}
	size_t b = var_hash(v->name, v->scope) & (p->vhash_cap - 1);
	v->hnext = p->vhash[b];
	p->vhash[b] = v;
	p->nvars++;
}

/* Change a variable's scope (keeps the hash consistent). */
static void var_rescope(struct dc_program *p, struct dc_var *v, enum dc_var_scope sc)
{
	struct dc_var **pp = &p->vhash[var_hash(v->name, v->scope) & (p->vhash_cap - 1)];

	while (*pp != v)
		pp = &(*pp)->hnext;
	*pp = v->hnext;
	p->nvars--;
	v->scope = sc;
	var_insert(p, v);
}

static struct dc_var *var_new(struct dc_program *p, const char *name, enum dc_var_scope sc,
			      struct dc_ty *t)
{
	struct dc_var *v = dc_arena_alloc(&p->arena, sizeof(*v));

	v->name = name;
	v->scope = sc;
	v->type = t;
	v->nkeys = -1;
	v->aggfn = -1;
	v->id = p->next_var_id++;
	v->next = p->vars;
	p->vars = v;
	var_insert(p, v);
	return v;
}

/* Built-ins as a program of p->version sees them (pragma D option version). */
static const struct dcf_bvar *bvar(const struct dc_program *p, const char *name)
{
	return dc_builtin_var_at(name, p->version);
}

static const struct dcf_func *bfunc(const struct dc_program *p, const char *name)
{
	return dc_builtin_func_at(name, p->version);
}

bool dc_sem_is_variable(struct dc_program *p, const char *name)
{
	return ident_find(p, name) != NULL || bvar(p, name) != NULL;
}

static bool is_reserved_name(const struct dc_program *p, const char *name)
{
	return bvar(p, name) != NULL || bfunc(p, name) != NULL;
}

bool dc_sem_declare(struct dc_program *p, struct dc_decl *d)
{
	enum dc_var_scope sc = d->sc == DC_SC_SELF ? DC_VS_SELF
		: d->sc == DC_SC_THIS ? DC_VS_THIS : DC_VS_GLOBAL;
	struct dc_ty *t = d->type;

	if (t->kind == DC_TY_VOID) {
		dc_error(p, &d->loc, D_DECL_VOIDOBJ, "cannot declare %s of type void", d->name);
		return false;
	}
	if (d->is_assoc && sc == DC_VS_THIS) {
		dc_error(p, &d->loc, D_DECL_LOCASSC,
			 "associative arrays may not be declared as clause-local (this)");
		return false;
	}
	if ((t->kind == DC_TY_STRUCT || t->kind == DC_TY_UNION) && !t->is_complete &&
	    d->sc != DC_SC_EXTERN) {
		dc_error(p, &d->loc, D_DECL_INCOMPLETE, "%s has incomplete type %s", d->name,
			 t->name);
		return false;
	}
	if (d->is_assoc) {
		for (struct dc_param *k = d->keys; k; k = k->next)
			if (k->type->kind == DC_TY_VOID || k->type->kind == DC_TY_FUNC) {
				dc_error(p, &d->loc, D_DECL_PROTO_TYPE,
					 "invalid key type for associative array");
				return false;
			}
	}
	struct dc_var *old = sc == DC_VS_GLOBAL ? ident_find(p, d->name) : var_find(p, d->name, sc);
	if (old != NULL || (sc == DC_VS_GLOBAL && t->kind != DC_TY_FUNC &&
			    is_reserved_name(p, d->name))) {
		bool same = old != NULL && old->scope == sc && old->type != NULL &&
			    dc_ty_compatible(old->type, t) && old->type->kind == t->kind &&
			    old->is_assoc == d->is_assoc;
		if (!same) {
			dc_error(p, &d->loc, D_DECL_IDRED, "identifier redeclared: %s", d->name);
			return false;
		}
		return true;
	}
	struct dc_var *v = var_new(p, d->name, sc, t);
	if (d->sc == DC_SC_EXTERN)
		var_rescope(p, v, DC_VS_SYMBOL);
	v->is_assoc = d->is_assoc;
	v->keys = d->keys;
	if (d->is_assoc) {
		int n = 0;
		for (struct dc_param *k = d->keys; k; k = k->next)
			n++;
		v->nkeys = n;
	}
	return true;
}

bool dc_sem_declare_enum(struct dc_program *p, const struct dc_loc *loc, const char *name,
			 struct dc_ty *t, int64_t val)
{
	if (ident_find(p, name) != NULL || is_reserved_name(p, name)) {
		dc_error(p, loc, D_DECL_IDRED, "identifier redeclared: %s", name);
		return false;
	}
	struct dc_var *v = var_new(p, name, DC_VS_ENUM, t);
	v->qargs[0] = val;
	return true;
}

/* ---- constant folding -------------------------------------------------- */

static struct dc_ty *int_type(struct dc_program *p, enum dc_int_type it)
{
	switch (it) {
	case DC_IT_INT: return p->t_int;
	case DC_IT_UINT: return p->t_uint;
	case DC_IT_LONG: return p->t_long;
	case DC_IT_ULONG: return p->t_ulong;
	case DC_IT_LLONG: return p->t_llong;
	default: return p->t_ullong;
	}
}

bool dc_sem_const(struct dc_program *p, struct dc_node *n, int64_t *v)
{
	int64_t a, b;

	if (n == NULL)
		return false;
	switch (n->kind) {
	case DC_N_INT:
		*v = (int64_t)n->ival;
		return true;
	case DC_N_VAR: {
		if (n->scope != DC_VS_NONE)
			return false;
		struct dc_var *e = ident_find(p, n->name);
		if (e == NULL || e->scope != DC_VS_ENUM)
			return false;
		*v = e->qargs[0];
		return true;
	}
	case DC_N_UNARY:
		if (!dc_sem_const(p, n->l, &a))
			return false;
		switch (n->op) {
		case T_MINUS: *v = (int64_t)(0 - (uint64_t)a); return true;
		case T_PLUS: *v = a; return true;
		case T_TILDE: *v = ~a; return true;
		case T_NOT: *v = !a; return true;
		default: return false;
		}
	case DC_N_CAST:
		if (n->ctype == NULL || n->ctype->kind != DC_TY_INT)
			return false;
		if (!dc_sem_const(p, n->l, &a))
			return false;
		if (n->ctype->size < 8) {
			int sh = 64 - 8 * (int)n->ctype->size;
			a = n->ctype->is_signed ? (int64_t)((uint64_t)a << sh) >> sh
						: (int64_t)(((uint64_t)a << sh) >> sh);
		}
		*v = a;
		return true;
	case DC_N_SIZEOF_TYPE:
		if (n->ctype == NULL || dc_ty_size(n->ctype) == 0)
			return false;
		*v = (int64_t)dc_ty_size(n->ctype);
		return true;
	case DC_N_BINARY:
	case DC_N_LOGICAL:
		if (!dc_sem_const(p, n->l, &a) || !dc_sem_const(p, n->r, &b))
			return false;
		switch (n->op) {
		case T_PLUS: *v = (int64_t)((uint64_t)a + (uint64_t)b); return true;
		case T_MINUS: *v = (int64_t)((uint64_t)a - (uint64_t)b); return true;
		case T_STAR: *v = (int64_t)((uint64_t)a * (uint64_t)b); return true;
		case T_SLASH:
			if (b == 0 || (a == INT64_MIN && b == -1))
				return false;
			*v = a / b;
			return true;
		case T_PERCENT:
			if (b == 0 || (a == INT64_MIN && b == -1))
				return false;
			*v = a % b;
			return true;
		case T_SHL: *v = (int64_t)((uint64_t)a << (b & 63)); return true;
		case T_SHR: *v = a >> (b & 63); return true;
		case T_AMP: *v = a & b; return true;
		case T_BOR: *v = a | b; return true;
		case T_XOR: *v = a ^ b; return true;
		case T_LT: *v = a < b; return true;
		case T_LE: *v = a <= b; return true;
		case T_GT: *v = a > b; return true;
		case T_GE: *v = a >= b; return true;
		case T_EQ: *v = a == b; return true;
		case T_NE: *v = a != b; return true;
		case T_LAND: *v = a && b; return true;
		case T_LOR: *v = a || b; return true;
		case T_LXOR: *v = !a != !b; return true;
		default: return false;
		}
	case DC_N_TERNARY:
		if (!dc_sem_const(p, n->l, &a))
			return false;
		return dc_sem_const(p, a ? n->r : n->x, v);
	default:
		return false;
	}
}

/* ---- expression checks ------------------------------------------------- */

static struct dc_ty *check(struct ctx *C, struct dc_node *n);
static struct dc_ty *check_ident(struct ctx *C, struct dc_node *n, bool creating);

static bool is_agg_value(const struct dc_node *n)
{
	return n->type != NULL && n->type->kind == DC_TY_AGG;
}

static void no_action(struct ctx *C, struct dc_node *n)
{
	if (n->is_action)
		err(C, &n->loc, D_OP_ACT, "action %s() may not be used as an operand",
		    n->l && n->l->name ? n->l->name : "?");
}

static struct dc_ty *operand(struct ctx *C, struct dc_node *n)
{
	struct dc_ty *t = check(C, n);

	if (n->is_action && t->kind != DC_TY_STACK && t->kind != DC_TY_SYMADDR &&
	    t->kind != DC_TY_USYMADDR)
		t = n->type = C->p->t_void;
	if (is_agg_value(n))
		err(C, &n->loc, D_OP_INCOMPAT /* aggregations are not values */,
		    "aggregation @%s may not be used as an operand", n->name);
	return t;
}

/* Usual arithmetic conversions (no promotion to int; rank by width). */
static struct dc_ty *arith_result(struct ctx *C, struct dc_ty *a, struct dc_ty *b)
{
	if (dc_ty_is_loose(a))
		return a;
	if (dc_ty_is_loose(b))
		return b;
	if (a->kind == DC_TY_ENUM)
		a = C->p->t_int;
	if (b->kind == DC_TY_ENUM)
		b = C->p->t_int;
	if (a->kind == DC_TY_FLOAT)
		return a;
	if (b->kind == DC_TY_FLOAT)
		return b;
	int ra = (int)a->size * 2 + !a->is_signed, rb = (int)b->size * 2 + !b->is_signed;
	return ra >= rb ? a : b;
}

static bool is_void_ptr(const struct dc_ty *t)
{
	return t->kind == DC_TY_PTR && t->base != NULL && t->base->kind == DC_TY_VOID;
}

static bool is_zero_const(struct ctx *C, struct dc_node *n)
{
	int64_t v;
	return dc_sem_const(C->p, n, &v) && v == 0;
}

/* Can a value of type b be compared with / assigned to type a? */
static bool comparable(struct ctx *C, struct dc_ty *a, struct dc_ty *b, struct dc_node *rn)
{
	if (dc_ty_is_loose(a) || dc_ty_is_loose(b))
		return true;
	if (dc_ty_is_integer(a) && dc_ty_is_integer(b))
		return true;
	if (dc_ty_is_arith(a) && dc_ty_is_arith(b))
		return true;
	if ((a->kind == DC_TY_STRING || b->kind == DC_TY_STRING) &&
	    dc_ty_is_strlike(a) && dc_ty_is_strlike(b))
		return true;
	bool pa = a->kind == DC_TY_PTR || a->kind == DC_TY_ARRAY;
	bool pb = b->kind == DC_TY_PTR || b->kind == DC_TY_ARRAY;
	if (pa && pb)
		return is_void_ptr(a) || is_void_ptr(b) || a->base == NULL || b->base == NULL ||
		       dc_ty_compatible(a->base, b->base);
	if (pa && dc_ty_is_integer(b) && rn != NULL && is_zero_const(C, rn))
		return true;
	if (pb && dc_ty_is_integer(a))
		return true;
	if (pa && dc_ty_is_integer(b))
		return true;
	if (a->kind == b->kind && (a->kind == DC_TY_STACK || a->kind == DC_TY_SYMADDR ||
				   a->kind == DC_TY_USYMADDR))
		return true;
	if ((a->kind == DC_TY_STRUCT || a->kind == DC_TY_UNION) && a->kind == b->kind)
		return dc_ty_compatible(a, b);
	return false;
}

static struct dc_ty *check_binary(struct ctx *C, struct dc_node *n)
{
	struct dc_program *p = C->p;
	struct dc_ty *a = operand(C, n->l), *b = operand(C, n->r);

	switch (n->op) {
	case T_STAR: case T_SLASH:
		if (!dc_ty_is_arith(a) || !dc_ty_is_arith(b))
			err(C, &n->loc, D_OP_ARITH, "operator %s requires operands of "
			    "arithmetic type", dc_tok_str(n->op));
		break;
	case T_PERCENT: case T_AMP: case T_BOR: case T_XOR: case T_SHL: case T_SHR:
		if (!dc_ty_is_integer(a) || !dc_ty_is_integer(b))
			err(C, &n->loc, D_OP_INT, "operator %s requires operands of "
			    "integral type", dc_tok_str(n->op));
		break;
	default:
		break;
	}
	if (n->op == T_SLASH || n->op == T_PERCENT) {
		int64_t v;
		if (dc_sem_const(p, n->r, &v) && v == 0)
			err(C, &n->loc, D_DIV_ZERO, "expression contains division by zero");
	}
	switch (n->op) {
	case T_STAR: case T_SLASH: case T_PERCENT: case T_AMP: case T_BOR: case T_XOR:
		return arith_result(C, a, b);
	case T_SHL: case T_SHR:
		return dc_ty_is_loose(a) ? a : a->kind == DC_TY_ENUM ? p->t_int : a;
	case T_PLUS: case T_MINUS: {
		bool pa = !dc_ty_is_loose(a) && (a->kind == DC_TY_PTR || a->kind == DC_TY_ARRAY ||
						 a->kind == DC_TY_STRING);
		bool pb = !dc_ty_is_loose(b) && (b->kind == DC_TY_PTR || b->kind == DC_TY_ARRAY ||
						 b->kind == DC_TY_STRING);
		if (!pa && !pb) {
			if (!dc_ty_is_arith(a) || !dc_ty_is_arith(b))
				err(C, &n->loc, D_OP_ARITH, "operator %s requires operands of "
				    "arithmetic type", dc_tok_str(n->op));
			return arith_result(C, a, b);
		}
		struct dc_ty *pt = pa ? a : b;
		if (pa && pb) {
			if (n->op == T_PLUS)
				err(C, &n->loc, D_OP_INCOMPAT,
				    "operator + may not be applied to two pointers");
			if (!comparable(C, a, b, NULL))
				err(C, &n->loc, D_OP_INCOMPAT,
				    "operator - requires compatible pointer operands");
			return p->t_ptrdiff;
		}
		if (pb && n->op == T_MINUS)
			err(C, &n->loc, D_OP_INCOMPAT, "integer - pointer is not allowed");
		struct dc_ty *other = pa ? b : a;
		if (!dc_ty_is_integer(other))
			err(C, &n->loc, D_OP_INCOMPAT, "pointer arithmetic requires an integer");
		if (pt->kind == DC_TY_PTR && pt->base != NULL && pt->base->kind == DC_TY_VOID)
			err(C, &n->loc, D_OP_INCOMPAT, "operator %s may not be applied to a "
			    "void pointer", dc_tok_str(n->op));
		if (pt->kind == DC_TY_PTR && pt->base != NULL && pt->base->kind == DC_TY_FUNC)
			err(C, &n->loc, D_OP_VFPTR, "operator %s may not be applied to a "
			    "function pointer", dc_tok_str(n->op));
		if (pt->kind == DC_TY_ARRAY)
			return dc_ty_ptr(p, pt->base);
		return pt->kind == DC_TY_STRING ? p->t_charp : pt;
	}
	default:        /* relational and equality */
		if (!(dc_ty_is_scalar(a) || dc_ty_is_strlike(a) || a->kind == DC_TY_ARRAY) ||
		    !(dc_ty_is_scalar(b) || dc_ty_is_strlike(b) || b->kind == DC_TY_ARRAY) ||
		    !comparable(C, a, b, n->r)) {
			if (a->kind == DC_TY_ENUM && n->r->kind == DC_N_VAR)
				return p->t_int;
			err(C, &n->loc, D_OP_INCOMPAT, "operands have incompatible types: "
			    "\"%s\" %s \"%s\"", dc_ty_name(p, a), dc_tok_str(n->op),
			    dc_ty_name(p, b));
		}
		return p->t_int;
	}
}

static bool is_d_variable(const struct dc_node *n)
{
	return n->kind == DC_N_VAR && (n->scope == DC_VS_GLOBAL || n->scope == DC_VS_SELF ||
				       n->scope == DC_VS_THIS);
}

static void need_lvalue(struct ctx *C, struct dc_node *n, const char *op)
{
	if (!n->is_lvalue)
		err(C, &n->loc, D_OP_LVAL, "operator %s requires a modifiable lvalue as an "
		    "operand", op);
	if (!n->is_writable)
		err(C, &n->loc, D_OP_WRITE, "operator %s can only be applied to a writable "
		    "variable", op);
}

static struct dc_ty *check_unary(struct ctx *C, struct dc_node *n)
{
	struct dc_program *p = C->p;

	if (n->op == T_INC || n->op == T_DEC) {
		struct dc_node *l = n->l;
		if (l->kind == DC_N_VAR && l->mod == NULL && l->scope == DC_VS_NONE &&
		    check_ident(C, l, true) == NULL) {
			/* ++/-- creates the variable, as an int64_t (DTrace's rule) */
			l->var = var_new(p, l->name, DC_VS_GLOBAL, p->t_int64);
			l->scope = DC_VS_GLOBAL;
			l->type = p->t_int64;
			l->is_lvalue = l->is_writable = true;
		}
		struct dc_ty *t = check(C, n->l);
		no_action(C, n->l);
		if (!dc_ty_is_scalar(t) || t->kind == DC_TY_STRING)
			err(C, &n->loc, D_OP_SCALAR, "operator %s requires an operand of "
			    "scalar type", dc_tok_str(n->op));
		need_lvalue(C, n->l, dc_tok_str(n->op));
		return t;
	}
	if (n->op == T_AMP && n->l->kind == DC_N_AGG)
		err(C, &n->loc, D_ADDROF_VAR, "cannot take address of aggregation");
	struct dc_ty *t = operand(C, n->l);
	switch (n->op) {
	case T_STAR:
		if (dc_ty_is_loose(t))
			break;
		if (t->kind != DC_TY_PTR && t->kind != DC_TY_ARRAY && t->kind != DC_TY_STRING)
			err(C, &n->loc, D_DEREF_NONPTR, "cannot dereference non-pointer type");
		if (t->kind == DC_TY_PTR && t->base->kind == DC_TY_VOID)
			err(C, &n->loc, D_DEREF_VOID, "cannot dereference pointer to void");
		if (t->kind == DC_TY_PTR && t->base->kind == DC_TY_FUNC)
			err(C, &n->loc, D_DEREF_FUNC, "cannot dereference function pointer");
		n->is_lvalue = n->is_writable = true;
		return t->kind == DC_TY_STRING ? p->t_char : t->base;
	case T_AMP:
		if (is_d_variable(n->l))
			err(C, &n->loc, D_ADDROF_VAR, "cannot take address of dynamic variable");
		if (n->l->is_bitfield)
			err(C, &n->loc, D_ADDROF_BITFIELD, "cannot take address of bit-field");
		if (!n->l->is_lvalue && !(n->l->type && n->l->type->kind == DC_TY_FUNC))
			err(C, &n->loc, D_ADDROF_LVAL, "unary & requires an lvalue as operand");
		return dc_ty_ptr(p, t);
	case T_PLUS: case T_MINUS:
		if (!dc_ty_is_arith(t))
			err(C, &n->loc, D_OP_ARITH, "operator %s requires an operand of "
			    "arithmetic type", dc_tok_str(n->op));
		return t;
	case T_TILDE:
		if (!dc_ty_is_integer(t))
			err(C, &n->loc, D_OP_INT, "operator ~ requires an operand of integral type");
		return t;
	case T_NOT:
		if (!dc_ty_is_scalar(t))
			err(C, &n->loc, D_OP_SCALAR, "operator ! requires an operand of "
			    "scalar type");
		return p->t_int;
	default:
		break;
	}
	return p->t_sym;
}

/* Resolve a plain identifier (not self->/this->). */
static struct dc_ty *check_ident(struct ctx *C, struct dc_node *n, bool creating)
{
	struct dc_program *p = C->p;

	if (n->mod != NULL) {           /* mod`sym or `sym: a target symbol */
		n->scope = DC_VS_SYMBOL;
		n->is_lvalue = true;
		return p->t_sym;
	}
	struct dc_var *v = ident_find(p, n->name);
	if (v != NULL) {
		n->var = v;
		n->scope = v->scope;
		if (v->scope == DC_VS_ENUM) {
			n->is_const = true;
			return v->type;
		}
		if (v->scope == DC_VS_INLINE)
			return v->type;
		n->is_lvalue = n->is_writable = true;
		return v->type;
	}
	struct dc_var *s = var_find(p, n->name, DC_VS_SYMBOL);
	if (s != NULL) {
		n->var = s;
		n->scope = DC_VS_SYMBOL;
		n->is_lvalue = true;
		return s->type;
	}
	const struct dcf_bvar *b = bvar(C->p, n->name);
	if (b != NULL) {
		n->scope = DC_VS_BUILTIN;
		n->is_lvalue = true;
		n->is_writable = false;
		return dc_builtin_var_type(p, b);
	}
	if (bfunc(C->p, n->name) != NULL)
		err(C, &n->loc, D_IDENT_BADREF, "%s is a function and may not be used as "
		    "a variable", n->name);
	if (dc_library_ident(n->name)) {
		n->scope = DC_VS_SYMBOL;
		n->is_lvalue = true;
		return p->t_sym;
	}
	int64_t cval;
	if (dc_library_const(n->name, &cval)) {
		/* a library constant becomes an enumerator on first use */
		struct dc_var *ev = var_new(p, n->name, DC_VS_ENUM, p->t_int);
		ev->qargs[0] = cval;
		n->var = ev;
		n->scope = DC_VS_ENUM;
		n->is_const = true;
		return p->t_int;
	}
	if (creating)
		return NULL;
	err(C, &n->loc, D_IDENT_UNDEF, "failed to resolve %s: Unknown variable name",
	    n->name);
}

static struct dc_ty *check_scoped(struct ctx *C, struct dc_node *n)
{
	struct dc_var *v = var_find(C->p, n->name, n->scope);

	n->is_lvalue = n->is_writable = true;
	if (v == NULL)
		return C->p->t_dyn;
	n->var = v;
	return v->type;
}

/*
 * The translations an expression stands for: itself when it is xlate<>( ),
 * the arms of the system library's __ht_by_type choice, looking through
 * plain inlines (curpsinfo).  Returns how many were stored in xs.
 */
static int xlate_arms(const struct dc_node *n, const struct dc_node **xs, int max)
{
	for (int depth = 0; n != NULL && depth < 64; depth++) {
		if (n->kind == DC_N_VAR && n->scope == DC_VS_INLINE && n->var != NULL &&
		    n->var->inline_params == NULL && n->var->inline_expr != NULL) {
			n = n->var->inline_expr;
			continue;
		}
		if (n->kind == DC_N_XLATE) {
			xs[0] = n;
			return 1;
		}
		if (n->kind != DC_N_CALL || n->l == NULL || n->l->kind != DC_N_VAR ||
		    strcmp(n->l->name, DC_BY_TYPE) != 0)
			return 0;
		int k = 0;
		for (const struct dc_node *a = n->args; a && a->next && k < max;
		     a = a->next->next)
			if (a->next->kind == DC_N_XLATE)
				xs[k++] = a->next;
		return k;
	}
	return 0;
}

static void check_key_types(struct ctx *C, struct dc_node *keys)
{
	const struct dc_node *xs[8];

	for (struct dc_node *k = keys; k; k = k->next) {
		struct dc_ty *t = check(C, k);
		no_action(C, k);
		if (t->kind == DC_TY_VOID || t->kind == DC_TY_AGG || t->kind == DC_TY_FUNC)
			err(C, &k->loc, D_KEY_TYPE, "invalid key type %s", dc_ty_name(C->p, t));
		if (t->kind == DC_TY_PTR && xlate_arms(k, xs, 8) > 0)
			err(C, &k->loc, D_KEY_TYPE, "invalid key type %s: a translated pointer "
			    "is not a value", dc_ty_name(C->p, t));
	}
}

static int count_nodes(const struct dc_node *n)
{
	int c = 0;
	for (; n; n = n->next)
		c++;
	return c;
}

static bool key_compatible(const struct dc_ty *a, const struct dc_ty *b)
{
	if (dc_ty_is_loose(a) || dc_ty_is_loose(b))
		return true;
	if (dc_ty_is_integer(a) && dc_ty_is_integer(b))
		return true;
	if (dc_ty_is_strlike(a) && dc_ty_is_strlike(b) &&
	    (a->kind == DC_TY_STRING || b->kind == DC_TY_STRING))
		return true;
	if (a->kind != b->kind)
		return false;
	return dc_ty_compatible(a, b);
}

/* Compare subscripts with the variable's key signature, or record it. */
static void match_keys(struct ctx *C, struct dc_var *v, struct dc_node *keys,
		       const struct dc_loc *loc)
{
	int n = count_nodes(keys);

	if (v->keys == NULL && v->nkeys <= 0) {
		struct dc_param **tail = &v->keys;
		for (struct dc_node *k = keys; k; k = k->next) {
			struct dc_param *pm = dc_arena_alloc(&C->p->arena, sizeof(*pm));
			pm->type = k->type;
			*tail = pm;
			tail = &pm->next;
		}
		v->nkeys = n;
		return;
	}
	if (n != v->nkeys)
		err(C, loc, D_PROTO_LEN, "%s%s[ ] prototype mismatch: %d args passed, "
		    "%d expected", v->scope == DC_VS_SELF ? "self->" : "", v->name, n,
		    v->nkeys);
	int i = 1;
	struct dc_param *pm = v->keys;
	for (struct dc_node *k = keys; k && pm; k = k->next, pm = pm->next, i++)
		if (!key_compatible(pm->type, k->type))
			err(C, &k->loc, D_PROTO_ARG, "%s[ ] key #%d is incompatible with "
			    "prototype: %s vs %s", v->name, i, dc_ty_name(C->p, k->type),
			    dc_ty_name(C->p, pm->type));
}

static struct dc_ty *check_index(struct ctx *C, struct dc_node *n, bool creating,
				 struct dc_ty *value)
{
	struct dc_program *p = C->p;
	struct dc_node *b = n->l;

	if (b->kind == DC_N_AGG)
		err(C, &n->loc, D_AGG_MDIM, "aggregation @%s may not be indexed more than "
		    "once", b->name);
	check_key_types(C, n->args);
	if (b->kind == DC_N_VAR && b->mod == NULL) {
		struct dc_var *v = b->scope == DC_VS_NONE ? ident_find(p, b->name)
			: var_find(p, b->name, b->scope);
		if (b->scope == DC_VS_THIS)
			err(C, &n->loc, D_ARR_LOCAL, "this->%s may not be used as an "
			    "associative array", b->name);
		const struct dcf_bvar *bv = b->scope == DC_VS_NONE && v == NULL
			? bvar(C->p, b->name) : NULL;
		if (bv != NULL) {
			check(C, b);
			if (!dc_builtin_var_is_array(bv))
				err(C, &n->loc, D_ARR_BADREF, "%s is not an array", b->name);
			n->is_lvalue = true;
			return dc_builtin_var_elem(p, bv);
		}
		if (v == NULL && b->scope == DC_VS_NONE && dc_library_ident(b->name)) {
			check(C, b);
			n->is_lvalue = true;
			return p->t_sym;
		}
		if (v == NULL && b->scope == DC_VS_NONE && bfunc(C->p, b->name) != NULL)
			err(C, &b->loc, D_IDENT_BADREF, "%s is a function", b->name);
		if (v == NULL) {
			if (!creating)
				err(C, &b->loc, D_IDENT_UNDEF, "failed to resolve %s: Unknown "
				    "variable name", b->name);
			v = var_new(p, b->name, b->scope == DC_VS_SELF ? DC_VS_SELF
				    : DC_VS_GLOBAL, value);
			v->is_assoc = true;
			v->nkeys = 0;
		}
		if (v->is_assoc) {
			b->var = v;
			b->type = v->type;
			if (b->scope == DC_VS_NONE)
				b->scope = v->scope;
			match_keys(C, v, n->args, &n->loc);
			n->is_lvalue = n->is_writable = true;
			n->var = v;
			return v->type;
		}
		if (v->scope == DC_VS_ENUM || v->scope == DC_VS_INLINE) {
			/* fall through to ordinary subscript */
		} else if (v->type->kind != DC_TY_ARRAY && v->type->kind != DC_TY_PTR &&
			   !dc_ty_is_loose(v->type)) {
			err(C, &n->loc, D_ARR_BADREF, "%s is not an array", b->name);
		}
	}
	struct dc_ty *t = operand(C, b);
	int nk = count_nodes(n->args);
	if (nk != 1)
		err(C, &n->loc, nk == 0 ? D_SYNTAX : D_ARR_BADREF,
		    "subscript requires exactly one index");
	if (!dc_ty_is_integer(n->args->type))
		err(C, &n->loc, D_OP_INT, "subscript must be of integral type");
	n->is_lvalue = n->is_writable = true;
	if (dc_ty_is_loose(t))
		return p->t_sym;
	if (t->kind == DC_TY_STRING)
		return p->t_char;
	if (t->kind != DC_TY_ARRAY && t->kind != DC_TY_PTR)
		err(C, &n->loc, D_OP_PTR, "[ ] may only be applied to an array or pointer");
	if (t->kind == DC_TY_PTR && t->base->kind == DC_TY_VOID)
		err(C, &n->loc, D_DEREF_VOID, "cannot dereference pointer to void");
	return t->base;
}

static struct dc_xlator *find_xlator(struct dc_program *p, struct dc_ty *out,
				     struct dc_ty *in);

/*
 * Does some translation base stands for define member name?  (True when
 * base is no translation.)  A translator chosen per target may lack a
 * member the other kernel's has: that arm faults at run time (cg_expr.c).
 */
static bool translates_member(struct dc_program *p, const struct dc_node *base,
			      const char *name)
{
	const struct dc_node *xs[8];
	int nx = xlate_arms(base, xs, 8);

	for (int i = 0; i < nx; i++) {
		struct dc_ty *out = xs[i]->ctype;
		if (out != NULL && out->kind == DC_TY_PTR)
			out = out->base;
		struct dc_ty *in = xs[i]->l->type;
		struct dc_xlator *xl = NULL;
		for (size_t j = 0; out && in && j < p->nxlators && xl == NULL; j++)
			if (dc_ty_compatible(p->xlators[j]->out, out) &&
			    p->xlators[j]->in->kind == in->kind &&
			    dc_ty_compatible(p->xlators[j]->in, in))
				xl = p->xlators[j];	/* the arm's own input type */
		if (xl == NULL && out != NULL)
			xl = find_xlator(p, out, in);
		if (xl == NULL)
			return true;	/* D_XLATE_NONE is reported where it is */
		for (const struct dc_xlmember *m = xl->members; m; m = m->next)
			if (strcmp(m->name, name) == 0)
				return true;
	}
	return nx == 0;
}

static struct dc_ty *check_member(struct ctx *C, struct dc_node *n)
{
	struct dc_program *p = C->p;
	struct dc_ty *t = operand(C, n->l);

	n->is_lvalue = true;
	n->is_writable = n->is_arrow || n->l->is_writable;
	if (dc_ty_is_loose(t))
		return p->t_sym;
	if (n->is_arrow) {
		if (t->kind != DC_TY_PTR && t->kind != DC_TY_ARRAY)
			err(C, &n->loc, D_OP_PTR, "operator -> must be applied to a pointer");
		t = t->base;
		if (dc_ty_is_loose(t))
			return p->t_sym;
	}
	if (t->kind != DC_TY_STRUCT && t->kind != DC_TY_UNION)
		err(C, &n->loc, n->is_arrow ? D_OP_SOU : D_OP_SOU, "operator %s must be "
		    "applied to a struct or union", n->is_arrow ? "->" : ".");
	if (!t->is_complete)
		return p->t_sym;        /* target-defined: resolved by the linker */
	struct dc_member *m = dc_ty_member(t, n->name);
	if (m == NULL)
		err(C, &n->loc, D_TYPE_MEMBER, "%s is not a member of %s", n->name, t->name);
	if (!translates_member(p, n->l, n->name))
		err(C, &n->loc, D_XLATE_NOCONV, "translator does not define conversion for "
		    "member: %s", n->name);
	n->is_bitfield = m->bits != 0;
	return m->type;
}

static bool cast_ok(struct dc_ty *to, struct dc_ty *from)
{
	if (dc_ty_is_loose(to) || dc_ty_is_loose(from) || to->kind == DC_TY_VOID)
		return true;
	if (dc_ty_compatible(to, from) && to->kind == from->kind)
		return true;
	bool sfrom = dc_ty_is_scalar(from) || from->kind == DC_TY_FUNC;
	if (to->kind == DC_TY_STRING)
		return sfrom || from->kind == DC_TY_ARRAY;
	if (dc_ty_is_scalar(to) && to->kind != DC_TY_STACK && sfrom &&
	    from->kind != DC_TY_STRING)
		return true;
	if (to->kind == DC_TY_PTR && from->kind == DC_TY_STRING)
		return true;
	if (dc_ty_is_integer(to) && from->kind == DC_TY_STRING)
		return true;
	return false;
}

static struct dc_ty *check_call(struct ctx *C, struct dc_node *n, bool top);

static struct dc_ty *check_assign(struct ctx *C, struct dc_node *n)
{
	struct dc_program *p = C->p;
	struct dc_node *l = n->l;

	if (l->kind == DC_N_AGG)
		err(C, &n->loc, D_AGG_FUNC, "@%s must be assigned the result of an "
		    "aggregating function", l->name);
	if (n->op != T_ASSIGN) {
		/* compound: the variable must exist */
		if (l->kind == DC_N_VAR && l->scope == DC_VS_NONE && l->mod == NULL &&
		    ident_find(p, l->name) == NULL && bvar(p, l->name) == NULL &&
		    !dc_library_ident(l->name))
			err(C, &l->loc, D_VAR_UNDEF, "variable %s is used before it is "
			    "defined", l->name);
	}
	struct dc_ty *rt = check(C, n->r);
	no_action(C, n->r);
	if (is_agg_value(n->r))
		err(C, &n->r->loc, D_OP_INCOMPAT, "aggregation may not be assigned");
	if (rt->kind == DC_TY_VOID)
		err(C, &n->r->loc, D_OP_INCOMPAT, "cannot assign an expression of type void");
	/* creation of new variables by plain assignment */
	if (n->op == T_ASSIGN && l->kind == DC_N_VAR && l->mod == NULL) {
		if (l->scope == DC_VS_NONE) {
			struct dc_ty *t = check_ident(C, l, true);
			if (t == NULL) {
				struct dc_var *v = var_new(p, l->name, DC_VS_GLOBAL, rt);
				l->var = v;
				l->scope = DC_VS_GLOBAL;
				l->type = rt;
				l->is_lvalue = l->is_writable = true;
				return rt;
			}
			l->type = t;
		} else if (l->scope == DC_VS_SELF || l->scope == DC_VS_THIS) {
			struct dc_var *v = var_find(p, l->name, l->scope);
			if (v == NULL) {
				v = var_new(p, l->name, l->scope, rt);
				l->var = v;
				l->type = rt;
				l->is_lvalue = l->is_writable = true;
				return rt;
			}
			if (v->is_assoc)
				err(C, &l->loc, D_ARR_BADREF, "%s is an associative array",
				    l->name);
			l->var = v;
			l->type = v->type;
			l->is_lvalue = l->is_writable = true;
			if (v->type->kind == DC_TY_DYN) {
				v->type = rt;
				return rt;
			}
		} else {
			check(C, l);
		}
	} else if (n->op == T_ASSIGN && l->kind == DC_N_INDEX) {
		l->type = check_index(C, l, true, rt);
		if (l->var != NULL && l->var->type == NULL)
			l->var->type = rt;
	} else {
		check(C, l);
	}
	struct dc_ty *lt = l->type;
	if (l->var != NULL && l->var->is_assoc && l->kind == DC_N_VAR)
		err(C, &l->loc, D_ARR_BADREF, "%s is an associative array", l->name);
	need_lvalue(C, l, dc_tok_str(n->op));
	if (lt->kind == DC_TY_ARRAY && lt->base && !(lt->base->kind == DC_TY_INT &&
						     lt->base->size == 1))
		err(C, &n->loc, D_OP_ARRFUN, "array may not be assigned");
	if (lt->kind == DC_TY_FUNC)
		err(C, &n->loc, D_OP_ARRFUN, "function may not be assigned");
	switch (n->op) {
	case T_ASSIGN:
		if (!comparable(C, lt, rt, n->r) && !(dc_ty_is_integer(lt) &&
						     dc_ty_is_integer(rt)))
			err(C, &n->loc, D_OP_INCOMPAT, "operands have incompatible types: "
			    "\"%s\" = \"%s\"", dc_ty_name(p, lt), dc_ty_name(p, rt));
		if ((lt->kind == DC_TY_STRUCT || lt->kind == DC_TY_UNION) &&
		    !dc_ty_compatible(lt, rt))
			err(C, &n->loc, D_OP_INCOMPAT, "operands have incompatible types");
		break;
	case T_MUL_EQ: case T_DIV_EQ:
		if (!dc_ty_is_arith(lt) || !dc_ty_is_arith(rt))
			err(C, &n->loc, D_OP_ARITH, "operator %s requires operands of "
			    "arithmetic type", dc_tok_str(n->op));
		break;
	case T_ADD_EQ: case T_SUB_EQ:
		if (!dc_ty_is_loose(rt) && rt->kind == DC_TY_PTR && rt->base != NULL &&
		    (rt->base->kind == DC_TY_VOID || rt->base->kind == DC_TY_FUNC))
			err(C, &n->loc, D_OP_VFPTR, "operator %s may not be applied to a "
			    "void or function pointer", dc_tok_str(n->op));
		if (dc_ty_is_integer(lt) && !dc_ty_is_loose(rt) &&
		    (rt->kind == DC_TY_PTR || rt->kind == DC_TY_STRING || rt->kind == DC_TY_ARRAY))
			err(C, &n->loc, D_OP_INCOMPAT, "operands have incompatible types: "
			    "\"%s\" %s \"%s\"", dc_ty_name(p, lt), dc_tok_str(n->op),
			    dc_ty_name(p, rt));
		if (!(dc_ty_is_arith(lt) && dc_ty_is_arith(rt)) &&
		    !((lt->kind == DC_TY_PTR) && dc_ty_is_integer(rt)))
			err(C, &n->loc, D_OP_ARITH, "operator %s requires operands of "
			    "arithmetic type", dc_tok_str(n->op));
		break;
	default:
		if (!dc_ty_is_integer(lt) || !dc_ty_is_integer(rt))
			err(C, &n->loc, D_OP_INT, "operator %s requires operands of "
			    "integral type", dc_tok_str(n->op));
		break;
	}
	if ((n->op == T_DIV_EQ || n->op == T_MOD_EQ) && is_zero_const(C, n->r))
		err(C, &n->loc, D_DIV_ZERO, "expression contains division by zero");
	return lt;
}

static struct dc_xlator *find_xlator(struct dc_program *p, struct dc_ty *out,
				     struct dc_ty *in)
{
	for (size_t i = 0; i < p->nxlators; i++) {
		struct dc_xlator *x = p->xlators[i];
		if (!dc_ty_compatible(x->out, out))
			continue;
		if (in == NULL || dc_ty_is_loose(in) || dc_ty_is_loose(x->in) ||
		    (x->in->kind == in->kind && dc_ty_compatible(x->in, in)) ||
		    (dc_ty_is_integer(x->in) && dc_ty_is_integer(in)) ||
		    (x->in->kind == DC_TY_PTR && in->kind == DC_TY_PTR))
			return x;
	}
	return NULL;
}

static struct dc_ty *check(struct ctx *C, struct dc_node *n)
{
	struct dc_program *p = C->p;
	struct dc_ty *t = NULL;

	if (n->type != NULL)
		return n->type;
	if (++p->nest > DC_MAX_NEST)
		err(C, &n->loc, D_SYNTAX, "expression nested too deeply");
	switch (n->kind) {
	case DC_N_INT:
		t = int_type(p, (enum dc_int_type)n->op);
		n->is_const = true;
		break;
	case DC_N_STR:
		t = p->t_string;
		n->is_const = true;
		break;
	case DC_N_VAR:
		if (n->scope == DC_VS_SELF || n->scope == DC_VS_THIS) {
			t = check_scoped(C, n);
			if (n->scope == DC_VS_THIS && n->var == NULL && !C->in_pred) {
				/* clause-local never assigned anywhere before */
			}
		} else {
			t = check_ident(C, n, false);
		}
		if (n->var != NULL && n->var->is_assoc)
			err(C, &n->loc, D_IDENT_BADREF, "%s is an associative array and "
			    "must be subscripted", n->name);
		break;
	case DC_N_AGG: {
		struct dc_var *v = var_find(p, n->name, DC_VS_NONE);
		if (v == NULL)
			err(C, &n->loc, D_IDENT_UNDEF, "failed to resolve @%s: aggregation "
			    "is not defined", n->name);
		n->var = v;
		t = p->t_agg;
		break;
	}
	case DC_N_UNARY:
		t = check_unary(C, n);
		break;
	case DC_N_POSTFIX: {
		struct dc_node tmp = *n;
		tmp.kind = DC_N_UNARY;
		t = check_unary(C, &tmp);
		break;
	}
	case DC_N_BINARY:
		t = check_binary(C, n);
		break;
	case DC_N_LOGICAL: {
		struct dc_ty *a = operand(C, n->l), *b = operand(C, n->r);
		if (!dc_ty_is_scalar(a) || !dc_ty_is_scalar(b))
			err(C, &n->loc, D_OP_SCALAR, "operator %s requires operands of "
			    "scalar type", dc_tok_str(n->op));
		t = p->t_int;
		break;
	}
	case DC_N_TERNARY: {
		check(C, n->r);
		check(C, n->x);
		no_action(C, n->r);
		no_action(C, n->x);
		struct dc_ty *c = operand(C, n->l);
		if (!dc_ty_is_scalar(c))
			err(C, &n->loc, D_OP_SCALAR, "?: condition must be of scalar type");
		struct dc_ty *a = operand(C, n->r), *b = operand(C, n->x);
		if (!comparable(C, a, b, n->x) && !comparable(C, b, a, n->r))
			err(C, &n->loc, D_OP_INCOMPAT, "operands of ?: have incompatible "
			    "types: \"%s\" and \"%s\"", dc_ty_name(p, a), dc_ty_name(p, b));
		if (a->kind == DC_TY_VOID || b->kind == DC_TY_VOID)
			err(C, &n->loc, D_OP_INCOMPAT, "?: operands may not be void");
		t = dc_ty_is_arith(a) && dc_ty_is_arith(b) ? arith_result(C, a, b) : a;
		break;
	}
	case DC_N_ASSIGN:
		t = check_assign(C, n);
		break;
	case DC_N_CALL:
		t = check_call(C, n, false);
		break;
	case DC_N_INDEX:
		t = check_index(C, n, false, NULL);
		break;
	case DC_N_MEMBER:
		t = check_member(C, n);
		break;
	case DC_N_CAST: {
		struct dc_ty *f = operand(C, n->l);
		if (!cast_ok(n->ctype, f))
			err(C, &n->loc, D_CAST_INVAL, "invalid cast expression: \"%s\" to "
			    "\"%s\"", dc_ty_name(p, f), dc_ty_name(p, n->ctype));
		t = n->ctype;
		if (t->kind == DC_TY_PTR)
			n->is_writable = true;
		break;
	}
	case DC_N_SIZEOF_TYPE: {
		struct dc_ty *s = n->ctype;
		if (s->kind == DC_TY_VOID || s->kind == DC_TY_FUNC ||
		    ((s->kind == DC_TY_STRUCT || s->kind == DC_TY_UNION) && !s->is_complete &&
		     s->members == NULL && false))
			err(C, &n->loc, D_SIZEOF_TYPE, "cannot apply sizeof to type %s",
			    dc_ty_name(p, s));
		t = p->t_size;
		break;
	}
	case DC_N_SIZEOF_EXPR: {
		struct dc_node *e = n->l;
		if (e->kind == DC_N_VAR && e->scope == DC_VS_NONE && e->mod == NULL) {
			struct dc_var *v = ident_find(p, e->name);
			if (v != NULL && v->is_assoc)
				err(C, &n->loc, D_IDENT_BADREF, "sizeof cannot be applied to "
				    "associative array %s", e->name);
		}
		struct dc_ty *s = operand(C, e);
		if (e->is_bitfield)
			err(C, &n->loc, D_SIZEOF_BITFIELD, "cannot apply sizeof to a bit-field");
		if (s->kind == DC_TY_VOID || s->kind == DC_TY_FUNC)
			err(C, &n->loc, D_SIZEOF_TYPE, "cannot apply sizeof to type %s",
			    dc_ty_name(p, s));
		t = p->t_size;
		break;
	}
	case DC_N_OFFSETOF: {
		struct dc_ty *s = n->ctype;
		if (!dc_ty_is_sou(s))
			err(C, &n->loc, D_OFFSETOF_TYPE, "offsetof requires a struct or union "
			    "type");
		if (!dc_ty_is_loose(s) && s->is_complete) {
			struct dc_member *m = dc_ty_member(s, n->name);
			if (m == NULL)
				err(C, &n->loc, D_UNKNOWN, "offsetof: %s is not a member of %s",
				    n->name, s->name);
			if (m->bits)
				err(C, &n->loc, D_OFFSETOF_BITFIELD, "offsetof cannot be "
				    "applied to bit-field %s", n->name);
		}
		t = p->t_size;
		break;
	}
	case DC_N_STRINGOF: {
		struct dc_ty *s = operand(C, n->l);
		if (!dc_ty_is_scalar(s) && !dc_ty_is_strlike(s))
			err(C, &n->loc, D_STRINGOF_TYPE, "stringof requires a scalar, pointer "
			    "or string operand");
		t = p->t_string;
		break;
	}
	case DC_N_XLATE: {
		struct dc_ty *in = operand(C, n->l);
		struct dc_ty *out = n->ctype;
		struct dc_ty *ob = out->kind == DC_TY_PTR ? out->base : out;
		if (!dc_ty_is_loose(ob) && ob->is_complete && find_xlator(p, ob, in) == NULL)
			err(C, &n->loc, D_XLATE_NONE, "translator does not exist: %s -> %s",
			    dc_ty_name(p, in), dc_ty_name(p, out));
		t = out;
		break;
	}
	case DC_N_COMMA:
		operand(C, n->l);
		t = operand(C, n->r);
		break;
	case DC_N_TYPE:
		t = n->ctype;
		break;
	}
	p->nest--;
	n->type = t ? t : p->t_sym;
	return n->type;
}

/* ---- functions and actions --------------------------------------------- */

#include "actions.inc"

/* ---- clauses ----------------------------------------------------------- */

static void check_stmts(struct ctx *C, struct dc_stmt *s);

static void check_stmt(struct ctx *C, struct dc_stmt *s)
{
	switch (s->kind) {
	case DC_S_EMPTY: case DC_S_DECL:
		return;
	case DC_S_IF: {
		struct dc_ty *t = operand(C, s->expr);
		if (!dc_ty_is_scalar(t))
			err(C, &s->expr->loc, D_OP_SCALAR, "if condition must be of scalar type");
		check_stmts(C, s->then);
		check_stmts(C, s->els);
		return;
	}
	case DC_S_EXPR:
		check_statement_expr(C, s->expr);
		return;
	}
}

static void check_stmts(struct ctx *C, struct dc_stmt *s)
{
	for (; s; s = s->next)
		check_stmt(C, s);
}

static bool pre_assigned(struct ctx *C, const char *name)
{
	for (int i = 0; i < C->nassigned; i++)
		if (strcmp(C->assigned[i], name) == 0)
			return true;
	return false;
}

static void note_assigned(struct ctx *C, const char *name)
{
	if (C->nassigned == C->cassigned) {
		int cap = C->cassigned ? 2 * C->cassigned : 16;
		const char **a = dc_arena_alloc(&C->p->arena, (size_t)cap * sizeof(*a));
		if (C->nassigned)
			memcpy(a, C->assigned, (size_t)C->nassigned * sizeof(*a));
		C->assigned = a;
		C->cassigned = cap;
	}
	C->assigned[C->nassigned++] = name;
}

static void create_incdec_node(struct ctx *C, struct dc_node *n)
{
	for (; n != NULL; n = n->next) {
		if (n->kind == DC_N_ASSIGN && n->op == T_ASSIGN && n->l->kind == DC_N_VAR &&
		    n->l->scope == DC_VS_NONE && n->l->mod == NULL &&
		    ident_find(C->p, n->l->name) == NULL) {
			create_incdec_node(C, n->r);
			note_assigned(C, n->l->name);
			continue;
		}
		if ((n->kind == DC_N_UNARY || n->kind == DC_N_POSTFIX) &&
		    (n->op == T_INC || n->op == T_DEC) && n->l->kind == DC_N_VAR &&
		    n->l->scope == DC_VS_NONE && n->l->mod == NULL &&
		    ident_find(C->p, n->l->name) == NULL &&
		    var_find(C->p, n->l->name, DC_VS_SYMBOL) == NULL &&
		    bvar(C->p, n->l->name) == NULL && bfunc(C->p, n->l->name) == NULL &&
		    !dc_library_ident(n->l->name) && !pre_assigned(C, n->l->name))
			var_new(C->p, n->l->name, DC_VS_GLOBAL, C->p->t_int64);
		if (n->l)
			create_incdec_node(C, n->l);
		if (n->r)
			create_incdec_node(C, n->r);
		if (n->x)
			create_incdec_node(C, n->x);
		if (n->args)
			create_incdec_node(C, n->args);
	}
}

static void create_incdec_stmts(struct ctx *C, struct dc_stmt *s)
{
	for (; s; s = s->next) {
		if (s->expr)
			create_incdec_node(C, s->expr);
		create_incdec_stmts(C, s->then);
		create_incdec_stmts(C, s->els);
	}
}

void dc_sem_clause(struct dc_program *p, struct dc_ext *x)
{
	struct ctx *C = calloc(1, sizeof(*C));
	struct dc_clause *cl = x->u.clause;

	if (C == NULL)
		return;
	C->p = p;
	if (setjmp(C->fail) == 0) {
		for (struct dc_pdesc *d = cl->pdescs; d; d = d->next)
			check_pdesc(C, d);
		/*
		 * x++ and x-- create x (an int) for the whole clause, predicate
		 * included, as in DTrace, which declares them while parsing.
		 */
		if (cl->pred != NULL)
			create_incdec_node(C, cl->pred);
		create_incdec_stmts(C, cl->stmts);
		if (cl->pred != NULL) {
			C->in_pred = true;
			struct dc_ty *t = check(C, cl->pred);
			if (cl->pred->is_action)
				err(C, &cl->pred->loc, D_OP_ACT, "actions may not be used in "
				    "a predicate");
			if (!dc_ty_is_scalar(t))
				err(C, &cl->pred->loc, D_PRED_SCALAR, "predicate result must be "
				    "of scalar type");
			C->in_pred = false;
		}
		check_stmts(C, cl->stmts);
	}
	p->nest = 0;
	free(C);
}

void dc_sem_inline(struct dc_program *p, struct dc_ext *x)
{
	struct ctx *C = calloc(1, sizeof(*C));
	struct dc_decl *d = x->u.decl;

	if (C == NULL)
		return;
	C->p = p;
	if (setjmp(C->fail) == 0) {
		if (ident_find(p, d->name) != NULL || is_reserved_name(p, d->name))
			err(C, &d->loc, D_DECL_IDRED, "identifier redeclared: %s", d->name);
		struct dc_var *params[16];
		int np = 0;
		for (struct dc_param *k = d->keys; k && np < 16; k = k->next)
			if (k->name != NULL)
				params[np++] = var_new(p, k->name, DC_VS_GLOBAL, k->type);
		struct dc_ty *t = operand(C, x->inline_expr);
		for (int i = 0; i < np; i++)
			var_rescope(p, params[i], DC_VS_MACRO);
		if (!comparable(C, d->type, t, x->inline_expr) &&
		    !(dc_ty_is_integer(d->type) && dc_ty_is_integer(t)) &&
		    !dc_ty_compatible(d->type, t))
			err(C, &x->inline_expr->loc, D_OP_INCOMPAT, "inline %s definition "
			    "uses incompatible types: \"%s\" = \"%s\"", d->name,
			    dc_ty_name(p, d->type), dc_ty_name(p, t));
		struct dc_var *v = var_new(p, d->name, DC_VS_INLINE, d->type);
		v->inline_expr = x->inline_expr;
		if (d->is_assoc) {
			v->is_assoc = true;
			v->keys = d->keys;
			v->nkeys = 0;
			for (struct dc_param *k = d->keys; k; k = k->next)
				v->nkeys++;
		}
	}
	p->nest = 0;
	free(C);
}

void dc_sem_xlator(struct dc_program *p, struct dc_ext *x)
{
	struct ctx *C = calloc(1, sizeof(*C));
	struct dc_xlator *xl = x->u.xlator;

	if (C == NULL)
		return;
	C->p = p;
	if (setjmp(C->fail) == 0) {
		struct dc_ty *out = xl->out;
		if (!dc_ty_is_sou(out))
			err(C, &x->loc, D_XLATE_SOU, "translator output type must be a struct "
			    "or union");
		if (!dc_ty_is_loose(out) && !out->is_complete)
			err(C, &x->loc, D_XLATE_SOU, "translator output type %s is not defined",
			    out->name);
		for (size_t i = 0; i < p->nxlators; i++)
			if (dc_ty_compatible(p->xlators[i]->out, out) &&
			    p->xlators[i]->in->kind == xl->in->kind &&
			    dc_ty_compatible(p->xlators[i]->in, xl->in) &&
			    !dc_ty_is_loose(out))
				err(C, &x->loc, D_XLATE_REDECL, "translator from %s to %s has "
				    "already been declared", dc_ty_name(p, xl->in),
				    dc_ty_name(p, out));
		/* the input argument is visible as a variable while checking members */
		struct dc_var *arg = var_new(p, xl->arg, DC_VS_GLOBAL, xl->in);
		for (struct dc_xlmember *m = xl->members; m; m = m->next) {
			struct dc_member *om = dc_ty_is_loose(out) ? NULL
				: dc_ty_member(out, m->name);
			if (!dc_ty_is_loose(out) && om == NULL)
				err(C, &m->loc, D_XLATE_MEMB, "translator member %s is not a "
				    "member of %s", m->name, out->name);
			struct dc_ty *t = operand(C, m->expr);
			if (om != NULL && om->type->kind == DC_TY_PTR && dc_ty_is_integer(t) &&
			    !dc_ty_is_loose(t) && !is_zero_const(C, m->expr))
				err(C, &m->loc, D_XLATE_INCOMPAT, "translator member %s "
				    "definition uses incompatible types: \"%s\" = \"%s\"",
				    m->name, dc_ty_name(p, om->type), dc_ty_name(p, t));
			if (om != NULL && !comparable(C, om->type, t, m->expr) &&
			    !(dc_ty_is_strlike(om->type) && dc_ty_is_strlike(t)))
				err(C, &m->loc, D_XLATE_INCOMPAT, "translator member %s "
				    "definition uses incompatible types", m->name);
		}
		var_rescope(p, arg, DC_VS_MACRO);    /* out of scope again */
		if (p->nxlators == p->cxlators) {
			size_t nc = p->cxlators ? p->cxlators * 2 : 8;
			struct dc_xlator **nx = dc_arena_alloc(&p->arena, nc * sizeof(*nx));
			if (p->nxlators)
				memcpy(nx, p->xlators, p->nxlators * sizeof(*nx));
			p->xlators = nx;
			p->cxlators = nc;
		}
		p->xlators[p->nxlators++] = xl;
	}
	p->nest = 0;
	free(C);
}

struct dc_pending {
	struct dc_loc loc;
	struct dc_ty *type;
	struct dc_pending *next;
};

void dc_sem_pending_incomplete(struct dc_program *p, const struct dc_loc *loc,
			       struct dc_ty *t)
{
	struct dc_pending *pd = dc_arena_alloc(&p->arena, sizeof(*pd));

	pd->loc = *loc;
	pd->type = t;
	pd->next = p->pending;
	p->pending = pd;
}

bool dc_sem_type_completed(struct dc_program *p, struct dc_ty *t)
{
	struct dc_pending *first = NULL;

	for (struct dc_pending *pd = p->pending; pd; pd = pd->next)
		if (pd->type == t)
			first = pd;     /* list is newest first: keep the earliest */
	if (first == NULL)
		return true;
	dc_error(p, &first->loc, D_DECL_INCOMPLETE, "member has incomplete type %s "
		 "(it is defined only later)", t->name);
	return false;
}

struct probe_at {
	const struct dc_probe_decl *d;
	size_t i;               /* position in the declaration */
};

static int probe_at_cmp(const void *a, const void *b)
{
	const struct probe_at *x = a, *y = b;
	int c = strcmp(x->d->name, y->d->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * The earliest-declared probe whose name was declared before it in the
 * same provider, or NULL.  Sorted by (name, position): n log n, so a
 * provider of many probes costs no quadratic time.
 */
static struct dc_probe_decl *first_duplicate_probe(struct dc_program *p,
						   const struct dc_provider *pv)
{
	size_t n = 0;
	for (const struct dc_probe_decl *a = pv->probes; a; a = a->next)
		n++;
	if (n < 2)
		return NULL;
	struct probe_at *v = dc_arena_alloc(&p->arena, n * sizeof(*v));
	size_t i = 0;
	for (const struct dc_probe_decl *a = pv->probes; a; a = a->next, i++)
		v[i] = (struct probe_at){ a, i };
	qsort(v, n, sizeof(*v), probe_at_cmp);
	const struct probe_at *best = NULL;
	for (i = 1; i < n; i++)
		if (strcmp(v[i - 1].d->name, v[i].d->name) == 0 &&
		    (best == NULL || v[i].i < best->i))
			best = &v[i];
	return best ? (struct dc_probe_decl *)best->d : NULL;
}

void dc_sem_provider(struct dc_program *p, struct dc_ext *x)
{
	struct dc_provider *pv = x->u.provider;
	struct dc_probe_decl *dup = first_duplicate_probe(p, pv);

	if (dup != NULL) {
		dc_error(p, &dup->loc, D_PROV_PRDUP, "probe %s is declared twice", dup->name);
		return;
	}
	if (p->nproviders == p->cproviders) {
		size_t nc = p->cproviders ? p->cproviders * 2 : 4;
		struct dc_provider **np = dc_arena_alloc(&p->arena, nc * sizeof(*np));
		if (p->nproviders)
			memcpy(np, p->providers, p->nproviders * sizeof(*np));
		p->providers = np;
		p->cproviders = nc;
	}
	p->providers[p->nproviders++] = pv;
}
