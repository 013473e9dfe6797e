/*
 * cg_prog.c -- dc_cg__program(): clauses, actions, aggregations, symbols and
 * options of a checked program, in DTrace's descriptor layout.
 *
 *   clause       probes (target:provider:module:function:name), predicate
 *                DIFO, then one descriptor run per statement:
 *   expr;        DIFEXPR, void return type (records nothing)
 *   trace(e)     DIFEXPR returning e
 *   printf(f,a..) one PRINTF per argument (format f), or one `ret %r0`
 *   printa(f,@a) one PRINTA per aggregation: setx <agg id>; ret; every one
 *                after the statement's first has flag 0x10 (same statement)
 *   @a[k..] = f(v[, incr])
 *                DIFEXPR setx <agg id>; ret, one record per key, [void
 *                DIFEXPR incr], then the aggregating action (ntuple = 1 +
 *                keys (+1), arg = lquantize/llquantize encoding, DIFO = v)
 *   if/else      sub-clauses for the same probes: a first sub-clause without
 *                predicate zeroes the guards this->%gN and sets this->%g0 from
 *                the predicate; each block runs in sub-clauses whose predicate
 *                reads its guard; an if computes the guards of its branches
 *                (this->%gT = g && c, this->%gE = g && !c) in the enclosing
 *                block's sub-clause.
 *
 * Ids: aggregations and each variable scope count from 0x500 in order of
 * first appearance, so output is deterministic.  Errors inside one DIFO
 * unwind (longjmp) to gen_difo, which reports and goes on with the next
 * statement so every error is reported once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"
#include "builtins.h"
#include "impl.h"

int cg_subr_id(const char *name);

struct aggent {
	const char *name;
	uint32_t id;
	int32_t index;		/* into obj->aggs */
};

struct pstate {
	struct cg g;
	struct aggent *aggs;
	uint32_t naggs, caggs;
	char **names;		/* guard variable names (owned) */
	uint32_t nnames, cnames;
	const struct dc_clause *clause;
	int32_t cur;		/* clause being filled, -1 none */
	bool uses_error;	/* some clause was split: emit the ERROR clause */
	struct dc_loc last_loc;	/* position given to the ERROR clause */
	uint32_t cur_guard;	/* its guard, UINT32_MAX: none */
};

static struct cg_var *guard_var(struct pstate *S, uint32_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%%g%u", n);
	for (uint32_t i = 0; i < S->nnames; i++)
		if (strcmp(S->names[i], buf) == 0)
			return cg_var_get(&S->g, DIFV_SCOPE_LOCAL, S->names[i], DIFV_KIND_SCALAR,
					  S->g.prog->t_int);
	S->names = cg_grow(&S->g, S->names, &S->cnames, S->nnames + 1, sizeof(*S->names));
	char *s = strdup(buf);
	if (s == NULL)
		cg_fail(&S->g, NULL, D_UNKNOWN, "out of memory");
	S->names[S->nnames++] = s;
	return cg_var_get(&S->g, DIFV_SCOPE_LOCAL, s, DIFV_KIND_SCALAR, S->g.prog->t_int);
}

/* self->%error: set by the ERROR clause, stops the remaining sub-clauses. */
static struct cg_var *error_var(struct pstate *S)
{
	S->uses_error = true;
	return cg_var_get(&S->g, DIFV_SCOPE_THREAD, "%error", DIFV_KIND_SCALAR,
			  S->g.prog->t_int);
}

static struct dobj_srcpos srcpos(struct cg *g, const struct dc_loc *loc)
{
	struct dobj_srcpos p = { 0, 0, 0 };

	if (loc && loc->line > 0) {
		p.file = dobj__intern(g->obj, loc->file ? loc->file : "");
		p.line = (uint32_t)loc->line;
		p.col = loc->col > 0 ? (uint32_t)loc->col : 0;
	}
	return p;
}

/* ---- DIFOs -------------------------------------------------------------- */

enum body_kind { B_EXPR, B_VOID_EXPR, B_CONST, B_RET0, B_GUARD_PRED, B_GUARD_INIT,
	B_GUARD_IF, B_SET_ERROR };

struct body {
	enum body_kind kind;
	const struct dc_node *e;
	uint64_t k;
	const struct dc_ty *rtype;	/* NULL: from e */
	bool rtype_void;
	uint32_t guard, gt, ge;		/* guard ids for the guard bodies */
	uint32_t nguards;
	bool destructive;		/* the action it feeds is destructive */
};

static void emit_body(struct pstate *S, const struct body *b)
{
	struct cg *g = &S->g;
	int r = 0;

	switch (b->kind) {
	case B_EXPR: case B_VOID_EXPR:
		r = cg_expr(g, b->e);
		break;
	case B_CONST:
		r = cg_reg(g);
		cg_setx(g, b->k, r);
		break;
	case B_RET0:
		break;
	case B_GUARD_PRED: {
		/* ldls %gK, %r1; ldts %error, %r2; tst %r2; be E; mov %r0, %r1; E: */
		struct cg_var *v = guard_var(S, b->guard);
		r = cg_reg(g);
		cg_use_var(g, v, DIFV_F_REF);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_LDLS, v->id, r));
		struct cg_var *ev = error_var(S);
		int e = cg_reg(g);
		uint32_t ok = cg_label(g);
		cg_use_var(g, ev, DIFV_F_REF);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_LDTS, ev->id, e));
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, e, 0, 0));
		cg_branch(g, DIF_OP_BE, ok);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_MOV, 0, 0, r));
		cg_place(g, ok);
		cg_free(g, e);
		break;
	}
	case B_SET_ERROR: {
		/* setx 1, %r1; stts %error, %r1 */
		struct cg_var *ev = error_var(S);
		int e = cg_reg(g);
		cg_use_var(g, ev, DIFV_F_MOD);
		cg_setx(g, 1, e);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STTS, ev->id, e));
		cg_free(g, e);
		break;
	}
	case B_GUARD_INIT: {
		/* stts %error, %r0; stls %gN, %r0 for every guard; %g0 = predicate (or 1) */
		struct cg_var *ev = error_var(S);
		cg_use_var(g, ev, DIFV_F_MOD);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STTS, ev->id, 0));
		for (uint32_t i = 1; i < b->nguards; i++) {
			struct cg_var *v = guard_var(S, i);
			cg_use_var(g, v, DIFV_F_MOD);
			cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STLS, v->id, 0));
		}
		if (b->e)
			r = cg_expr(g, b->e);
		else {
			r = cg_reg(g);
			cg_setx(g, 1, r);
		}
		struct cg_var *v = guard_var(S, 0);
		cg_use_var(g, v, DIFV_F_MOD);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STLS, v->id, r));
		cg_free(g, r);
		r = 0;
		break;
	}
	case B_GUARD_IF: {
		/* tst c; be F; setx 1, %t; stls T; stls E, %r0; ba X; F: stls T, %r0;
		 * setx 1, %t; stls E; X:   (runs only when the enclosing guard holds) */
		int c = cg_expr(g, b->e);
		struct cg_var *vt = guard_var(S, b->gt);
		uint32_t idt = vt->id;
		cg_use_var(g, vt, DIFV_F_MOD);
		struct cg_var *ve = guard_var(S, b->ge);
		uint32_t ide = ve->id;
		cg_use_var(g, ve, DIFV_F_MOD);
		uint32_t f = cg_label(g), x = cg_label(g);
		cg_emit(g, DIF_INSTR_FMT(DIF_OP_TST, c, 0, 0));
		cg_branch(g, DIF_OP_BE, f);
		cg_setx(g, 1, c);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STLS, idt, c));
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STLS, ide, 0));
		cg_branch(g, DIF_OP_BA, x);
		cg_place(g, f);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STLS, idt, 0));
		cg_setx(g, 1, c);
		cg_emit(g, DIF_INSTR_IMM16(DIF_OP_STLS, ide, c));
		cg_place(g, x);
		cg_free(g, c);
		break;
	}
	}
	cg_emit(g, DIF_INSTR_FMT(DIF_OP_RET, 0, 0, r));
	cg_free(g, r);
	if (b->rtype_void || b->kind == B_GUARD_INIT || b->kind == B_GUARD_IF ||
	    b->kind == B_SET_ERROR)
		g->d->rtype = (struct dif_type){ .dtdt_kind = DIF_TYPE_CTF };
	else if (b->rtype)
		g->d->rtype = cg_diftype(g, b->rtype);
	else if (b->e)
		g->d->rtype = cg_diftype(g, b->e->type);
	else
		g->d->rtype = cg_diftype(g, g->prog->t_int);
}

/* One DIFO; its index, or -1 after a reported error. */
static int32_t gen_difo(struct pstate *S, const struct body *b, const struct dc_loc *loc)
{
	struct cg *g = &S->g;
	struct cg_difo d;
	int32_t idx = -1;

	cg_difo_init(&d);
	g->d = &d;
	g->loc = loc;
	if (setjmp(g->fail) == 0) {
		cg_line(g, loc ? loc : (b->e ? &b->e->loc : NULL));
		emit_body(S, b);
		if (b->destructive)
			d.destructive = true;
		cg_difo_finish(g, &idx);
	} else {
		idx = -1;
	}
	cg_difo_fini(&d);
	g->d = NULL;
	return idx;
}

/* ---- clauses and actions ------------------------------------------------ */

static void open_clause(struct pstate *S, uint32_t guard, const struct dc_node *pred)
{
	struct cg *g = &S->g;
	const struct dc_clause *c = S->clause;
	int ci = dobj__add_clause(g->obj);

	if (ci < 0)
		return;
	uint32_t pfirst = g->obj->nprobes, np = 0;
	for (const struct dc_pdesc *d = c->pdescs; d; d = d->next, np++) {
		int pi = dobj__add_probe(g->obj);
		if (pi < 0)
			return;
		struct dobj_probe *p = &g->obj->probes[pi];
		p->target = dobj__intern(g->obj, d->target ? d->target : "");
		if (d->is_id) {
			p->name = dobj__intern(g->obj, d->text ? d->text : "");
		} else {
			p->provider = dobj__intern(g->obj, d->prov ? d->prov : "");
			p->module = dobj__intern(g->obj, d->mod ? d->mod : "");
			p->function = dobj__intern(g->obj, d->func ? d->func : "");
			p->name = dobj__intern(g->obj, d->name ? d->name : "");
		}
		p->pos = srcpos(g, &d->loc);
	}
	int32_t pr = -1;
	if (guard != UINT32_MAX) {
		struct body b = { .kind = B_GUARD_PRED, .rtype = g->prog->t_int };
		b.guard = guard;
		pr = gen_difo(S, &b, &c->loc);
	} else if (pred) {
		struct body b = { .kind = B_EXPR, .e = pred };
		pr = gen_difo(S, &b, &pred->loc);
	}
	struct dobj_clause *cl = &g->obj->clauses[ci];
	cl->probe_first = pfirst;
	cl->probe_count = np;
	cl->pred = pr;
	cl->action_first = g->obj->nactions;
	cl->action_count = 0;
	cl->pos = srcpos(g, &c->loc);
	S->cur = ci;
	S->cur_guard = guard;
}

static void close_clause(struct pstate *S)
{
	S->cur = -1;
}

/* Append an action to the current clause. */
static struct dobj_action *add_action(struct pstate *S, uint16_t kind, int32_t difo,
				      const struct dc_loc *loc)
{
	struct cg *g = &S->g;
	int ai = dobj__add_action(g->obj);

	if (ai < 0) {
		cg_error(g, loc, D_UNKNOWN, "out of memory");
		return NULL;
	}
	struct dobj_action *a = &g->obj->actions[ai];
	a->kind = kind;
	a->difo = difo;
	a->format = -1;
	a->pos = srcpos(g, loc);
	g->obj->clauses[S->cur].action_count++;
	return a;
}

/*
 * Action flags describe the recorded value for the consumer (the same bits
 * as dcons' record flags): 0x1 a signed integer, 0x4 a floating-point value.
 */
#define CG_ACT_F_SIGNED	0x01
#define CG_ACT_F_FLOAT	0x04
/*
 * On a PRINTA action: this aggregation belongs to the same printa()
 * statement as the PRINTA action before it (printa(@a, @b) is two actions,
 * the second marked), so the consumer prints them together.
 */
#define CG_ACT_F_MORE	0x10

static void value_flags(struct dobj_action *a, const struct dc_ty *t)
{
	if (a == NULL || t == NULL)
		return;
	if ((t->kind == DC_TY_INT && t->is_signed) || t->kind == DC_TY_ENUM ||
	    t->kind == DC_TY_SYM || t->kind == DC_TY_DYN)
		a->flags |= CG_ACT_F_SIGNED;
	else if (t->kind == DC_TY_FLOAT)
		a->flags |= CG_ACT_F_FLOAT;
}

static int32_t expr_difo(struct pstate *S, const struct dc_node *e, const struct dc_ty *rt)
{
	struct body b = { .kind = B_EXPR, .e = e, .rtype = rt };
	return gen_difo(S, &b, &e->loc);
}

static int32_t const_difo(struct pstate *S, uint64_t k, const struct dc_ty *rt,
			  const struct dc_loc *loc)
{
	struct body b = { .kind = B_CONST, .k = k, .rtype = rt };
	return gen_difo(S, &b, loc);
}

/*
 * The DIFO of an action with no value (printf with only a format, ftruncate):
 * returns 0 as a 64-bit integer, so its record takes 8 bytes as DTrace's do;
 * a clause's record size decides whether it fits a small buffer.
 */
static int32_t ret0_difo(struct pstate *S, const struct dc_loc *loc, bool is_void)
{
	struct body b = { .kind = B_RET0, .rtype_void = is_void,
		.rtype = S->g.prog->t_uint64 };
	return gen_difo(S, &b, loc);
}

static bool const_value(const struct dc_node *n, int64_t *v)
{
	int64_t a, b;

	if (n == NULL)
		return false;
	switch (n->kind) {
	case DC_N_INT:
		*v = (int64_t)n->ival;
		return true;
	case DC_N_VAR:
		if (n->scope != DC_VS_ENUM || n->var == NULL)
			return false;
		*v = n->var->qargs[0];
		return true;
	case DC_N_CAST:
		return const_value(n->l, v);
	case DC_N_UNARY:
		if (!const_value(n->l, &a))
			return false;
		*v = n->op == T_MINUS ? (int64_t)(0 - (uint64_t)a) : n->op == T_TILDE ? ~a : a;
		return n->op == T_MINUS || n->op == T_TILDE || n->op == T_PLUS;
	case DC_N_BINARY:
		if (!const_value(n->l, &a) || !const_value(n->r, &b))
			return false;
		switch (n->op) {
		case T_PLUS: *v = (int64_t)((uint64_t)a + (uint64_t)b); return true;
		case T_MINUS: *v = (int64_t)((uint64_t)a - (uint64_t)b); return true;
		case T_STAR: *v = (int64_t)((uint64_t)a * (uint64_t)b); return true;
		case T_SLASH: if (b == 0 || (b == -1 && a == INT64_MIN)) return false;
			*v = a / b; return true;
		case T_SHL: *v = (int64_t)((uint64_t)a << (b & 63)); return true;
		default: return false;
		}
	default:
		return false;
	}
}

static const struct dc_node *nth(const struct dc_node *n, int i)
{
	while (n && i-- > 0)
		n = n->next;
	return n;
}

static int64_t const_arg(const struct dc_node *args, int i, int64_t dflt)
{
	int64_t v;
	const struct dc_node *a = nth(args, i);
	return a && const_value(a, &v) ? v : dflt;
}

/* Record actions usable as trace()/printf()/key arguments: stack(), func(x) ... */
static int record_kind(const struct dc_node *e, uint64_t *arg)
{
	if (e->kind != DC_N_CALL || e->l == NULL || e->l->kind != DC_N_VAR)
		return -1;
	const char *nm = e->l->name;
	*arg = 0;
	if (strcmp(nm, "stack") == 0) {
		*arg = (uint64_t)const_arg(e->args, 0, 0);
		return DIF_ACT_STACK;
	}
	if (strcmp(nm, "ustack") == 0 || strcmp(nm, "jstack") == 0) {
		uint64_t fr = (uint64_t)const_arg(e->args, 0, 0) & 0xffffffffu;
		uint64_t ss = (uint64_t)const_arg(e->args, 1, 0) & 0xffffffffu;
		*arg = ss << 32 | fr;
		return nm[0] == 'u' ? DIF_ACT_USTACK : DIF_ACT_JSTACK;
	}
	static const struct { const char *n; int k; } syms[] = {
		{ "sym", DIF_ACT_SYM }, { "func", DIF_ACT_SYM }, { "mod", DIF_ACT_MOD },
		{ "usym", DIF_ACT_USYM }, { "ufunc", DIF_ACT_USYM }, { "umod", DIF_ACT_UMOD },
		{ "uaddr", DIF_ACT_UADDR },
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (strcmp(nm, syms[i].n) == 0)
			return syms[i].k;
	return -1;
}

/* A record of value e: DIFEXPR, or the record action e names. */
static struct dobj_action *record(struct pstate *S, uint16_t kind, const struct dc_node *e)
{
	uint64_t arg;
	int rk = record_kind(e, &arg);

	if (rk < 0) {
		struct dobj_action *a = add_action(S, kind, expr_difo(S, e, NULL), &e->loc);
		value_flags(a, e->type);
		return a;
	}
	int32_t d = -1;
	if (rk != DIF_ACT_STACK && rk != DIF_ACT_USTACK && rk != DIF_ACT_JSTACK)
		d = expr_difo(S, e->args, S->g.prog->t_uint64);
	struct dobj_action *a = add_action(S, (uint16_t)rk, d, &e->loc);
	if (a)
		a->arg = arg;
	return a;
}

static int32_t add_format(struct pstate *S, const struct dc_node *f, uint16_t kind)
{
	int fi = dobj__add_format(S->g.obj);

	if (fi < 0)
		return -1;
	S->g.obj->formats[fi].str = dobj__intern(S->g.obj, f->str);
	S->g.obj->formats[fi].kind = kind;
	return fi;
}

/* printf/system/freopen: one action per argument, all with the format. */
static void printf_like(struct pstate *S, const struct dc_node *n, uint16_t kind)
{
	const struct dc_node *f = n->args;
	int32_t fi = add_format(S, f, kind);

	if (f->next == NULL) {
		struct dobj_action *a = add_action(S, kind, ret0_difo(S, &n->loc, false),
						   &n->loc);
		if (a)
			a->format = fi;
		return;
	}
	for (const struct dc_node *x = f->next; x; x = x->next) {
		uint64_t arg;
		struct dobj_action *a;
		if (record_kind(x, &arg) >= 0)
			a = record(S, kind, x);
		else {
			a = add_action(S, kind, expr_difo(S, x, NULL), &x->loc);
			value_flags(a, x->type);
		}
		if (a)
			a->format = fi;
	}
}

static const char *agg_name(const struct dc_node *a)
{
	return a->name && *a->name ? a->name : "_";
}

static struct aggent *agg_lookup(struct pstate *S, const char *name)
{
	for (uint32_t i = 0; i < S->naggs; i++)
		if (strcmp(S->aggs[i].name, name) == 0)
			return &S->aggs[i];
	return NULL;
}

/* The D spelling of a list of key types, comma separated ("int,string"). */
static uint32_t keytypes_str(struct cg *g, const struct dc_param *keys,
			     const struct dc_node *nodes)
{
	char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (; keys || nodes; ) {
		char one[256];
		cg_tyname(keys ? keys->type : nodes->type, one, sizeof(one));
		int w = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "," : "", one);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			break;
		len += (size_t)w;
		if (keys)
			keys = keys->next;
		else
			nodes = nodes->next;
	}
	return len ? dobj__intern(g->obj, buf) : 0;
}

static struct aggent *agg_get(struct pstate *S, const struct dc_node *an, int fn,
			      uint64_t enc, const struct dc_node *val)
{
	struct cg *g = &S->g;
	const char *nm = agg_name(an);
	struct aggent *e = agg_lookup(S, nm);

	if (e)
		return e;
	S->aggs = cg_grow(g, S->aggs, &S->caggs, S->naggs + 1, sizeof(*S->aggs));
	e = &S->aggs[S->naggs];
	e->name = nm;
	e->id = DIF_VAR_OTHER_UBASE + S->naggs;
	int ai = dobj__add_agg(g->obj);
	if (ai < 0)
		return NULL;
	S->naggs++;
	e->index = ai;
	struct dobj_agg *a = &g->obj->aggs[ai];
	a->name = dobj__intern(g->obj, nm);
	a->id = e->id;
	a->func = (uint16_t)(DIF_ACT_COUNT + fn - 1);
	int nk = 0;
	for (const struct dc_node *k = an->args; k; k = k->next)
		nk++;
	a->nkeys = (uint16_t)nk;
	a->arg = enc;
	a->keytypes = keytypes_str(g, an->var ? an->var->keys : NULL,
				   an->var && an->var->keys ? NULL : an->args);
	char vt[256];
	cg_tyname(val ? val->type : g->prog->t_int64, vt, sizeof(vt));
	a->valtype = dobj__intern(g->obj, val ? vt : "int64_t");
	return e;
}

static int aggfn_of(const char *nm)
{
	static const char *const names[] = { "", "count", "min", "max", "avg", "sum",
		"stddev", "quantize", "lquantize", "llquantize" };
	for (int i = 1; i < 10; i++)
		if (strcmp(nm, names[i]) == 0)
			return i;
	return -1;
}

/* @a[keys] = f(args): id, keys, [incr], the aggregating action. */
static void aggregation(struct pstate *S, const struct dc_node *e)
{
	const struct dc_node *an = e->l, *call = e->r;
	int fn = call->kind == DC_N_CALL && call->l ? aggfn_of(call->l->name) : -1;

	if (fn < 0) {
		cg_error(&S->g, &e->loc, D_AGG_FUNC, "invalid aggregating function");
		return;
	}
	const struct dc_node *args = call->args, *val = fn == DC_AGG_COUNT ? NULL : args;
	const struct dc_node *incr = NULL;
	uint64_t enc = 0;
	switch (fn) {
	case DC_AGG_QUANTIZE:
		incr = nth(args, 1);
		break;
	case DC_AGG_LQUANTIZE: {
		int64_t base = const_arg(args, 1, 0), lim = const_arg(args, 2, 0);
		int64_t step = const_arg(args, 3, 1);
		if (step <= 0)
			step = 1;
		uint64_t levels = (uint64_t)((lim - base) / step);
		enc = ((uint64_t)step & 0xffff) << 48 | (levels & 0xffff) << 32 |
		      ((uint64_t)base & 0xffffffffu);
		incr = nth(args, 4);
		break;
	}
	case DC_AGG_LLQUANTIZE:
		enc = ((uint64_t)const_arg(args, 1, 0) & 0xffff) << 48 |
		      ((uint64_t)const_arg(args, 2, 0) & 0xffff) << 32 |
		      ((uint64_t)const_arg(args, 3, 0) & 0xffff) << 16 |
		      ((uint64_t)const_arg(args, 4, 0) & 0xffff);
		incr = nth(args, 5);
		break;
	default:
		break;
	}
	struct aggent *ae = agg_get(S, an, fn, enc, val);
	if (ae == NULL)
		return;
	add_action(S, DIF_ACT_DIFEXPR, const_difo(S, ae->id, S->g.prog->t_uint32, &an->loc),
		   &an->loc);
	uint32_t nt = 1;
	for (const struct dc_node *k = an->args; k; k = k->next, nt++)
		record(S, DIF_ACT_DIFEXPR, k);
	if (incr) {
		struct body b = { .kind = B_VOID_EXPR, .e = incr, .rtype_void = true };
		add_action(S, DIF_ACT_DIFEXPR, gen_difo(S, &b, &incr->loc), &incr->loc);
		nt++;
	}
	struct dobj_action *a = add_action(S, (uint16_t)(DIF_ACT_COUNT + fn - 1),
					   val ? expr_difo(S, val, S->g.prog->t_int64)
					   : -1, &e->loc);
	if (a) {
		a->ntuple = nt;
		a->arg = enc;
	}
}

/* An aggregation argument of clear/normalize/printa...: setx <id>; ret. */
static int32_t aggid_difo(struct pstate *S, const struct dc_node *an)
{
	struct aggent *e = agg_lookup(S, agg_name(an));
	uint32_t id = e ? e->id : 0;

	if (e == NULL) {
		/* referenced before any statement defines it: reserve its id now */
		int fn = an->var && an->var->aggfn > 0 ? an->var->aggfn : DC_AGG_COUNT;
		e = agg_get(S, an, fn, 0, NULL);
		id = e ? e->id : 0;
	}
	return const_difo(S, id, S->g.prog->t_uint64, &an->loc);
}

static void libact(struct pstate *S, uint64_t act, int32_t difo, const struct dc_loc *loc)
{
	struct dobj_action *a = add_action(S, DIF_ACT_LIBACT, difo, loc);
	if (a)
		a->arg = act;
}

/*
 * livedump(reason): Apple's kernel-destructive action; one library action
 * recording the reason string, its DIFO marked destructive so a consumer
 * refuses it without -w (and, having no kernel to dump, at enable):
 *   DIFO: sets "reason", %r1; ret %r1      action: libact LIVEDUMP
 */
static void livedump(struct pstate *S, const struct dc_node *e, const struct dc_node *a0)
{
	struct body b = { .kind = B_EXPR, .e = a0, .destructive = true };

	if (a0 == NULL) {
		cg_error(&S->g, &e->loc, D_PROTO_LEN, "livedump( ) needs a reason string");
		return;
	}
	libact(S, DIF_LIBACT_LIVEDUMP, gen_difo(S, &b, &e->loc), &e->loc);
}

/* A call statement: an action, or a subroutine call recorded as void. */
static void action(struct pstate *S, const struct dc_node *e)
{
	const char *nm = e->l->name;
	const struct dc_node *a0 = e->args, *a1 = a0 ? a0->next : NULL;
	struct cg *g = &S->g;
	uint64_t arg;

	if (strcmp(nm, "trace") == 0) {
		record(S, DIF_ACT_DIFEXPR, a0);
	} else if (strcmp(nm, "print") == 0) {
		struct dobj_action *a = record(S, DIF_ACT_DIFEXPR, a0);
		char tn[256];
		cg_tyname(a0->type, tn, sizeof(tn));
		if (a)
			a->str = dobj__intern(g->obj, tn);
	} else if (strcmp(nm, "printf") == 0) {
		printf_like(S, e, DIF_ACT_PRINTF);
	} else if (strcmp(nm, "system") == 0) {
		printf_like(S, e, DIF_ACT_SYSTEM);
	} else if (strcmp(nm, "freopen") == 0) {
		printf_like(S, e, DIF_ACT_FREOPEN);
	} else if (strcmp(nm, "printa") == 0) {
		int32_t fi = -1;
		const struct dc_node *x = a0;
		if (x && x->kind == DC_N_STR) {
			fi = add_format(S, x, DIF_ACT_PRINTA);
			x = x->next;
		}
		for (const struct dc_node *first = x; x; x = x->next) {
			struct dobj_action *a = add_action(S, DIF_ACT_PRINTA, aggid_difo(S, x),
							   &x->loc);
			if (a) {
				a->format = fi;
				a->flags |= x != first ? CG_ACT_F_MORE : 0;
			}
		}
	} else if (strcmp(nm, "exit") == 0) {
		value_flags(add_action(S, DIF_ACT_EXIT, expr_difo(S, a0, g->prog->t_int),
				       &e->loc), g->prog->t_int);
	} else if (strcmp(nm, "tracemem") == 0) {
		int64_t sz = const_arg(e->args, 1, 1);
		const struct dc_node *dyn = nth(e->args, 2);
		if (dyn)
			add_action(S, DIF_ACT_TRACEMEM_DYNSIZE, expr_difo(S, dyn,
				   g->prog->t_uint64), &dyn->loc);
		struct dc_ty arr = { .kind = DC_TY_ARRAY, .base = g->prog->t_char,
			.nelem = (uint64_t)sz };
		struct dobj_action *a = add_action(S, DIF_ACT_TRACEMEM,
						   expr_difo(S, a0, &arr), &e->loc);
		if (a)
			a->arg = (uint64_t)sz;
	} else if (record_kind(e, &arg) >= 0) {
		record(S, DIF_ACT_DIFEXPR, e);
	} else if (strcmp(nm, "speculate") == 0 || strcmp(nm, "commit") == 0 ||
		   strcmp(nm, "discard") == 0 || strcmp(nm, "chill") == 0 ||
		   strcmp(nm, "raise") == 0) {
		uint16_t k = nm[0] == 's' ? DIF_ACT_SPECULATE : nm[0] == 'c' && nm[1] == 'o'
			? DIF_ACT_COMMIT : nm[0] == 'd' ? DIF_ACT_DISCARD : nm[0] == 'c'
			? DIF_ACT_CHILL : DIF_ACT_RAISE;
		add_action(S, k, expr_difo(S, a0, NULL), &e->loc);
	} else if (strcmp(nm, "stop") == 0 || strcmp(nm, "breakpoint") == 0 ||
		   strcmp(nm, "panic") == 0) {
		add_action(S, nm[0] == 's' ? DIF_ACT_STOP : nm[0] == 'b' ? DIF_ACT_BREAKPOINT
			   : DIF_ACT_PANIC, -1, &e->loc);
	} else if (strcmp(nm, "clear") == 0 || strcmp(nm, "denormalize") == 0) {
		libact(S, nm[0] == 'c' ? DIF_LIBACT_CLEAR : DIF_LIBACT_DENORMALIZE,
		       aggid_difo(S, a0), &e->loc);
	} else if (strcmp(nm, "normalize") == 0 || strcmp(nm, "trunc") == 0) {
		uint64_t act = nm[0] == 'n' ? DIF_LIBACT_NORMALIZE : DIF_LIBACT_TRUNC;
		libact(S, act, aggid_difo(S, a0), &e->loc);
		libact(S, act, a1 ? expr_difo(S, a1, g->prog->t_int64)
		       : const_difo(S, 0, g->prog->t_int64, &e->loc), &e->loc);
	} else if (strcmp(nm, "setopt") == 0) {
		libact(S, DIF_LIBACT_SETOPT, expr_difo(S, a0, NULL), &e->loc);
		if (a1)
			libact(S, DIF_LIBACT_SETOPT, expr_difo(S, a1, NULL), &e->loc);
		else {
			struct dc_node empty = { .kind = DC_N_STR, .str = "", .loc = e->loc,
				.type = g->prog->t_string };
			libact(S, DIF_LIBACT_SETOPT, expr_difo(S, &empty, NULL), &e->loc);
		}
	} else if (strcmp(nm, "livedump") == 0) {
		livedump(S, e, a0);
	} else if (strcmp(nm, "ftruncate") == 0) {
		libact(S, DIF_LIBACT_FTRUNCATE, ret0_difo(S, &e->loc, false), &e->loc);
	} else if (cg_subr_id(nm) >= 0) {
		struct body b = { .kind = B_VOID_EXPR, .e = e, .rtype_void = true };
		add_action(S, DIF_ACT_DIFEXPR, gen_difo(S, &b, &e->loc), &e->loc);
	} else {
		cg_error(g, &e->loc, D_UNKNOWN, "code generation for %s( ) is not built yet",
			 nm);
	}
}

static void statement_expr(struct pstate *S, const struct dc_node *e)
{
	if (e->kind == DC_N_ASSIGN && e->l->kind == DC_N_AGG) {
		aggregation(S, e);
		return;
	}
	if (e->kind == DC_N_CALL && e->l && e->l->kind == DC_N_VAR &&
	    (e->l->scope == DC_VS_NONE || e->l->scope == DC_VS_BUILTIN)) {
		action(S, e);
		return;
	}
	struct body b = { .kind = B_VOID_EXPR, .e = e, .rtype_void = true };
	add_action(S, DIF_ACT_DIFEXPR, gen_difo(S, &b, &e->loc), &e->loc);
}

static bool has_if(const struct dc_stmt *s)
{
	for (; s; s = s->next)
		if (s->kind == DC_S_IF)
			return true;
	return false;
}

static uint32_t count_ifs(const struct dc_stmt *s)
{
	uint32_t n = 0;

	for (; s; s = s->next)
		if (s->kind == DC_S_IF)
			n += 1 + count_ifs(s->then) + count_ifs(s->els);
	return n;
}

/* Statements of one block guarded by this->%g<guard> (UINT32_MAX: none). */
static void block(struct pstate *S, const struct dc_stmt *s, uint32_t guard,
		  const struct dc_node *pred)
{
	for (; s; s = s->next) {
		if (s->kind == DC_S_EMPTY || s->kind == DC_S_DECL)
			continue;
		if (S->cur < 0)
			open_clause(S, guard, pred);
		if (s->kind == DC_S_EXPR) {
			statement_expr(S, s->expr);
			continue;
		}
		uint32_t gt = ++S->g.nguards, ge = ++S->g.nguards;
		struct body b = { .kind = B_GUARD_IF, .e = s->expr, .gt = gt, .ge = ge };
		add_action(S, DIF_ACT_DIFEXPR, gen_difo(S, &b, &s->loc), &s->loc);
		close_clause(S);
		block(S, s->then, gt, NULL);
		close_clause(S);
		block(S, s->els, ge, NULL);
		close_clause(S);
	}
}

static void clause(struct pstate *S, const struct dc_clause *c)
{
	S->clause = c;
	S->g.clause = c;
	S->last_loc = c->loc;
	S->cur = -1;
	if (!has_if(c->stmts)) {
		open_clause(S, UINT32_MAX, c->pred);
		block(S, c->stmts, UINT32_MAX, c->pred);
		close_clause(S);
		return;
	}
	S->g.nguards = 0;
	uint32_t n = 1 + 2 * count_ifs(c->stmts);
	open_clause(S, UINT32_MAX, NULL);
	struct body b = { .kind = B_GUARD_INIT, .e = c->pred, .nguards = n };
	add_action(S, DIF_ACT_DIFEXPR, gen_difo(S, &b, &c->loc), &c->loc);
	close_clause(S);
	block(S, c->stmts, 0, NULL);
	close_clause(S);
}

/* dtrace:::ERROR { self->%error = 1; } -- after the program's own clauses. */
static void error_clause(struct pstate *S)
{
	struct dc_pdesc pd = { .loc = S->last_loc, .text = "dtrace:::ERROR", .prov = "dtrace",
		.mod = "", .func = "", .name = "ERROR" };
	struct dc_clause c = { .loc = S->last_loc, .pdescs = &pd, .has_body = true };

	S->clause = &c;
	open_clause(S, UINT32_MAX, NULL);
	struct body b = { .kind = B_SET_ERROR };
	add_action(S, DIF_ACT_DIFEXPR, gen_difo(S, &b, &c.loc), &c.loc);
	close_clause(S);
	S->clause = NULL;
}

/* ---- symbols, options --------------------------------------------------- */

static void declare(struct pstate *S, const struct dc_decl *d)
{
	if (d->name == NULL || (d->sc != DC_SC_NONE && d->sc != DC_SC_SELF) ||
	    d->type == NULL || d->type->kind == DC_TY_FUNC)
		return;
	struct cg_var *v = cg_var_get(&S->g, d->sc == DC_SC_SELF ? DIFV_SCOPE_THREAD
				      : DIFV_SCOPE_GLOBAL, d->name, d->is_assoc ?
				      DIFV_KIND_ARRAY : DIFV_KIND_SCALAR, d->type);
	if (d->is_assoc) {
		v->keys = d->keys;
		v->kind = DIFV_KIND_ARRAY;
	}
}

static void symbols(struct pstate *S)
{
	struct cg *g = &S->g;

	for (uint32_t i = 0; i < g->nvars; i++) {
		const struct cg_var *v = &g->vars[i];
		if (v->scope == DIFV_SCOPE_LOCAL)
			continue;
		int si = dobj__add_symbol(g->obj);
		if (si < 0)
			return;
		struct dobj_symbol *s = &g->obj->symbols[si];
		char tn[256];
		cg_tyname(v->type, tn, sizeof(tn));
		s->name = dobj__intern(g->obj, v->name);
		s->kind = v->scope == DIFV_SCOPE_THREAD ? DOBJ_SYM_THREAD : DOBJ_SYM_GLOBAL;
		s->varkind = (uint16_t)v->kind;
		s->id = v->id;
		s->ctype = dobj__intern(g->obj, tn);
		s->keytypes = v->kind == DIFV_KIND_ARRAY ? keytypes_str(g, v->keys, NULL) : 0;
		s->type = cg_diftype(g, v->type);
	}
	for (uint32_t i = 0; i < S->naggs; i++) {
		const struct dobj_agg *a = &g->obj->aggs[S->aggs[i].index];
		int si = dobj__add_symbol(g->obj);
		if (si < 0)
			return;
		struct dobj_symbol *s = &g->obj->symbols[si];
		s->name = a->name;
		s->kind = DOBJ_SYM_AGG;
		s->varkind = a->nkeys ? DIFV_KIND_ARRAY : DIFV_KIND_SCALAR;
		s->id = a->id;
		s->ctype = a->valtype;
		s->keytypes = a->keytypes;
		s->type = (struct dif_type){ .dtdt_kind = DIF_TYPE_CTF,
			.dtdt_ckind = DIF_CTF_K_INTEGER, .dtdt_size = 8 };
	}
}

static void option(struct cg *g, const char *name, const char *value, size_t nlen)
{
	int oi = dobj__add_option(g->obj);
	char buf[256];

	if (oi < 0)
		return;
	snprintf(buf, sizeof(buf), "%.*s", (int)nlen, name);
	g->obj->options[oi].name = dobj__intern(g->obj, buf);
	g->obj->options[oi].value = value ? dobj__intern(g->obj, value) : 0;
}

static uint32_t strsize_of(const struct dc_program *p, const struct dc_cg_opts *o)
{
	if (o && o->strsize)
		return o->strsize;
	const char *s = dc_program__option(p, "strsize");
	if (s) {
		char *end;
		unsigned long v = strtoul(s, &end, 0);
		if (end != s && v > 0 && v <= 65535) {
			if (*end == 'k' || *end == 'K')
				v *= 1024;
			if (v <= 65535)
				return (uint32_t)v;
		}
	}
	return DIF_DEFAULT_STRSIZE;
}

int dc_cg__program(const struct dc_program *prog, const struct dc_cg_opts *opts,
		   struct dobj **out, dc_diag_sink_fn sink, void *sink_ctx)
{
	struct pstate S;
	struct cg *g = &S.g;

	*out = NULL;
	memset(&S, 0, sizeof(S));
	S.cur = -1;
	g->prog = prog;
	g->sink = sink;
	g->sink_ctx = sink_ctx;
	g->strsize = strsize_of(prog, opts);
	g->curthread_type = opts && opts->curthread_type ? opts->curthread_type
		: cg_curthread_root;
	if (dc_program__nerrors(prog) != 0) {
		cg_error(g, NULL, D_UNKNOWN, "the program has errors; no code is generated");
		return -EINVAL;
	}
	g->obj = dobj__new(DOBJ_RELOCATABLE);
	if (g->obj == NULL)
		return -ENOMEM;
	if (setjmp(g->fail) != 0)
		goto done;	/* out of memory outside a DIFO */
	cg_symptr_scan(g, prog);
	for (const struct dc_ext *x = dc_program__exts(prog); x; x = x->next) {
		switch (x->kind) {
		case DC_X_CLAUSE:
			clause(&S, x->u.clause);
			break;
		case DC_X_DECL:
			declare(&S, x->u.decl);
			break;
		case DC_X_PRAGMA:
			if (strcmp(x->u.pragma->kind, "option") == 0)
				option(g, x->u.pragma->name, x->u.pragma->value,
				       strlen(x->u.pragma->name));
			break;
		default:
			break;
		}
	}
	if (S.uses_error)
		error_clause(&S);
	for (size_t i = 0; opts && i < opts->nxopts; i++) {
		const char *o = opts->xopts[i], *eq = strchr(o, '=');
		option(g, o, eq ? eq + 1 : NULL, eq ? (size_t)(eq - o) : strlen(o));
	}
	symbols(&S);
	if (g->nerrors == 0) {
		struct dobj_err err;
		if (dobj__check(g->obj, &err) != 0) {
			char buf[400];
			dobj_err__format(&err, buf, sizeof(buf));
			cg_error(g, NULL, D_UNKNOWN, "internal error: object check failed: %s", buf);
		}
	}
done:
	for (uint32_t i = 0; i < S.nnames; i++)
		free(S.names[i]);
	free(S.names);
	free(S.aggs);
	free(g->vars);
	free(g->symptrs);
	free(g->tptrs);
	free(g->tvars);
	free(g->thash);
	if (g->nerrors != 0) {
		dobj__free(g->obj);
		return -EINVAL;
	}
	*out = g->obj;
	return 0;
}
