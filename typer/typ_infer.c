/*
 * typ_infer.c — the driver of DIF type inference: basic blocks and the
 * CFG of each DIFO, the forward data flow over it, program-wide variables
 * and their fixed point, diagnostics, and the public API (typ_infer.h).
 *
 * CFG.  Leaders are pc 0, every branch target and every instruction after
 * a branch or ret.  DIF branches only go forward, so the CFG is a DAG whose
 * pc order is a topological order: walking the instructions once in pc
 * order, joining the running state into a successor leader's entry state
 * at each edge (typ_flow_to) and taking a leader's entry state when the
 * walk reaches it, computes for every instruction the join over all paths
 * — the reaching definitions of every register, summarised by the lattice
 * — without enumerating paths.  Each edge is one join of a fixed-size
 * state, so a DIFO costs O(instructions + edges) = O(instructions).
 *
 * Variables.  Clauses may run in any order, so a variable's type is the
 * join of every store anywhere in the program; a load reads that join
 * (NULL while nothing is stored: an unset variable reads as 0).  Passes
 * over all DIFOs repeat until no variable (or key tuple) grows; types only
 * grow and the lattice is shallow, so this takes a handful of passes (at
 * most MAX_PASSES; typically two).  Instruction errors are kept only from
 * the last pass, the one in which nothing grew, so they saw the final
 * variable types; a variable's own conflict is recorded once, at the store
 * that caused it.
 *
 * Ownership: struct typ_infer owns its arrays and diagnostics; the object
 * and the typefile are borrowed and must outlive it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm.h"
#include "typ_infer_impl.h"

#define MAX_PASSES		64
#define DEFAULT_MAX_ERRORS	100

/* --- diagnostics ------------------------------------------------------------- */

static void locate(struct typ_infer *inf, int32_t difo, uint32_t pc, struct typ_diag *dg)
{
	const struct dobj *obj = inf->obj;
	const struct dobj_srcpos *pos = NULL;
	uint32_t best = 0;

	if (difo >= 0) {
		const struct dobj_difo *d = &obj->difos[difo];
		const struct difo_info *di = &inf->di[difo];
		for (uint32_t i = 0; i < d->nlines; i++)
			if (d->lines[i].pc <= pc && (pos == NULL || d->lines[i].pc >= best)) {
				pos = &d->lines[i].pos;
				best = d->lines[i].pc;
			}
		if (pos == NULL && di->action >= 0)
			pos = &obj->actions[di->action].pos;
		if (pos == NULL && di->clause >= 0)
			pos = &obj->clauses[di->clause].pos;
	}
	dg->file = pos ? dobj__str(obj, pos->file) : "";
	dg->line = pos ? pos->line : 0;
	dg->col = pos ? pos->col : 0;
}

static void insn_text(struct typ_infer *inf, uint32_t pc, char *buf, size_t len)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp;
	bool ok = false;

	buf[0] = '\0';
	if (pc >= inf->d->len)
		return;
	if ((fp = open_memstream(&s, &n)) != NULL) {
		ok = dasm__instr(fp, inf->obj, inf->d, pc);
		fclose(fp);
	}
	if (ok && s != NULL) {
		/* the operand text only: drop the "   ! comment" column */
		char *bang = strstr(s, " !");
		size_t n2;
		if (bang != NULL)
			*bang = '\0';
		n2 = strlen(s);
		while (n2 > 0 && s[n2 - 1] == ' ')
			s[--n2] = '\0';
		snprintf(buf, len, "%s", s);
	} else
		snprintf(buf, len, ".word 0x%08x", (unsigned)inf->d->text[pc]);
	free(s);
}

static struct typ_diag *diag_slot(struct typ_infer *inf, bool var)
{
	struct typ_diag **list = var ? &inf->vdiags : &inf->diags;
	size_t *n = var ? &inf->nvdiags : &inf->ndiags;
	size_t *cap = var ? &inf->capvdiags : &inf->capdiags;

	if (inf->ndiags + inf->nvdiags >= inf->max_errors)
		return NULL;
	if (*n >= *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct typ_diag *nl = realloc(*list, nc * sizeof(*nl));
		if (nl == NULL) {
			inf->oom = true;
			return NULL;
		}
		*list = nl;
		*cap = nc;
	}
	return &(*list)[(*n)++];
}

static void diag_add(struct typ_infer *inf, bool var, uint32_t pc, const char *fmt,
    va_list ap)
{
	struct typ_diag *dg = diag_slot(inf, var);

	if (dg == NULL)
		return;
	memset(dg, 0, sizeof(*dg));
	dg->difo = (int32_t)inf->cur;
	dg->clause = inf->di[inf->cur].clause;
	dg->pc = pc;
	locate(inf, dg->difo, pc, dg);
	insn_text(inf, pc, dg->insn, sizeof(dg->insn));
	vsnprintf(dg->msg, sizeof(dg->msg), fmt, ap);
}

/*
 * Instruction errors: every pass records them and the next pass starts a
 * fresh list, so the list that survives is the one of the last pass — the
 * one that saw the final variable types.
 */
void typ_error(struct typ_infer *inf, uint32_t pc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(inf, false, pc, fmt, ap);
	va_end(ap);
}

/* Variable errors are recorded once, in whichever pass finds them. */
static void var_error(struct typ_infer *inf, uint32_t pc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void var_error(struct typ_infer *inf, uint32_t pc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(inf, true, pc, fmt, ap);
	va_end(ap);
}

int typ_diag__format(const struct typ_diag *d, char *buf, size_t len)
{
	char where[64] = "";

	if (d == NULL || buf == NULL)
		return -EINVAL;
	if (d->clause >= 0)
		snprintf(where, sizeof(where), "clause %d, ", d->clause);
	return snprintf(buf, len, "%s:%u:%u: error: %sDIFO %d, pc %u (%s): %s",
	    d->file && *d->file ? d->file : "<object>", d->line, d->col, where,
	    d->difo, d->pc, d->insn, d->msg);
}

/* --- variables --------------------------------------------------------------- */

static const char *var_name(const struct typ_infer *inf, uint8_t scope, uint8_t kind,
    uint32_t id)
{
	const struct dobj_difo *d = inf->d;

	if (d->strlen == 0 || d->strtab[d->strlen - 1] != '\0')
		return "";
	for (uint32_t i = 0; i < d->varlen; i++) {
		const struct dif_var *v = &d->vartab[i];
		if (v->dtdv_id == id && v->dtdv_scope == scope && v->dtdv_kind == kind &&
		    v->dtdv_name < d->strlen)
			return d->strtab + v->dtdv_name;
	}
	return "";
}

static uint32_t *var_slot(const struct typ_infer *inf, uint32_t key)
{
	uint32_t i = (key * 2654435761u) & (inf->varcap - 1);

	while (inf->varmap[i] != 0 && inf->varkeys[i] != key)
		i = (i + 1) & (inf->varcap - 1);
	return &inf->varmap[i];
}

static bool grow_vars(struct typ_infer *inf)
{
	uint32_t ncap = inf->varcap ? inf->varcap * 2 : 64;
	uint32_t *om = inf->varmap, *ok = inf->varkeys, ocap = inf->varcap;
	uint32_t *nm = calloc(ncap, sizeof(*nm)), *nk = calloc(ncap, sizeof(*nk));

	if (nm == NULL || nk == NULL) {
		free(nm);
		free(nk);
		return false;
	}
	inf->varmap = nm;
	inf->varkeys = nk;
	inf->varcap = ncap;
	for (uint32_t i = 0; i < ocap; i++) {
		if (om[i] != 0) {
			uint32_t *s = var_slot(inf, ok[i]);
			*s = om[i];
			nk[s - nm] = ok[i];
		}
	}
	free(om);
	free(ok);
	return true;
}

struct ivar *typ_var_get(struct typ_infer *inf, uint8_t scope, uint8_t kind, uint32_t id)
{
	uint32_t key = ((uint32_t)scope * 2u + kind) * 65536u + (id & 0xffffu);
	uint32_t *slot;
	struct ivar *v;

	if (inf->varcap != 0 && *(slot = var_slot(inf, key)) != 0) {
		v = &inf->vars[*slot - 1];
		if (*v->pub.name == '\0')
			v->pub.name = var_name(inf, scope, kind, id);
		return v;
	}
	if ((inf->nvars + 1) * 2 > inf->varcap && !grow_vars(inf)) {
		inf->oom = true;
		return NULL;
	}
	if (inf->nvars >= inf->capvars) {
		size_t nc = inf->capvars ? inf->capvars * 2 : 16;
		struct ivar *n = realloc(inf->vars, nc * sizeof(*n));
		if (n == NULL) {
			inf->oom = true;
			return NULL;
		}
		inf->vars = n;
		inf->capvars = nc;
	}
	v = &inf->vars[inf->nvars++];
	memset(v, 0, sizeof(*v));
	v->pub.id = id;
	v->pub.scope = scope;
	v->pub.kind = kind;
	v->pub.name = var_name(inf, scope, kind, id);
	v->first_difo = -1;
	slot = var_slot(inf, key);
	*slot = (uint32_t)inf->nvars;
	inf->varkeys[slot - inf->varmap] = key;
	inf->changed = true;
	return v;
}

static const char *scope_prefix(uint8_t scope)
{
	return scope == DIFV_SCOPE_THREAD ? "self->" :
	    scope == DIFV_SCOPE_LOCAL ? "this->" : "";
}

void typ_var_store(struct typ_infer *inf, uint32_t pc, struct ivar *v, struct typ_type t)
{
	struct typ_type old = v->pub.type;
	struct typ_type j = typ_type__join(inf, old, t);
	char x[160], y[160];

	if (v->first_difo < 0) {
		v->first_difo = (int32_t)inf->cur;
		v->first_pc = pc;
	}
	if (j.kind == TYP_T_TOP && old.kind != TYP_T_TOP && !v->type_error) {
		typ_t_str(inf, old, x, sizeof(x));
		typ_t_str(inf, t, y, sizeof(y));
		var_error(inf, pc, "conflicting types for variable %s%s: %s "
		    "(first stored in DIFO %d, pc %u) and %s", scope_prefix(v->pub.scope),
		    *v->pub.name ? v->pub.name : "?", x, v->first_difo, v->first_pc, y);
		v->type_error = true;
	}
	if (!typ_t_equal(j, old)) {
		v->pub.type = j;
		inf->changed = true;
	}
}

void typ_var_keys(struct typ_infer *inf, uint32_t pc, struct ivar *v)
{
	const struct astate *st = &inf->st;
	char x[160], y[160];

	if (!v->keys_seen) {
		v->keys_seen = true;
		v->pub.nkeys = st->depth;
		memcpy(v->pub.keys, st->stk, sizeof(v->pub.keys));
		inf->changed = true;
		return;
	}
	if (v->key_error)
		return;
	if (st->depth != v->pub.nkeys) {
		var_error(inf, pc, "key tuple mismatch for %s%s[]: %u key%s here, %u "
		    "elsewhere", scope_prefix(v->pub.scope), *v->pub.name ?
		    v->pub.name : "?", st->depth, st->depth == 1 ? "" : "s",
		    v->pub.nkeys);
		v->key_error = true;
		return;
	}
	for (unsigned k = 0; k < st->depth; k++) {
		struct typ_type j = typ_type__join(inf, v->pub.keys[k], st->stk[k]);
		if (j.kind == TYP_T_TOP && v->pub.keys[k].kind != TYP_T_TOP) {
			typ_t_str(inf, v->pub.keys[k], x, sizeof(x));
			typ_t_str(inf, st->stk[k], y, sizeof(y));
			var_error(inf, pc, "key %u of %s%s[] has conflicting types: "
			    "%s and %s", k + 1, scope_prefix(v->pub.scope),
			    *v->pub.name ? v->pub.name : "?", x, y);
			v->key_error = true;
		}
		if (!typ_t_equal(j, v->pub.keys[k])) {
			v->pub.keys[k] = j;
			inf->changed = true;
		}
	}
}

/* --- data flow ----------------------------------------------------------------- */

static void join_aval(struct typ_infer *inf, struct aval *dst, const struct aval *src,
    uint32_t at)
{
	struct typ_type j = typ_type__join(inf, dst->t, src->t);

	if (j.kind == TYP_T_TOP && dst->t.kind != TYP_T_TOP && src->t.kind != TYP_T_TOP) {
		dst->has_why = true;
		dst->why[0] = dst->t;
		dst->why[1] = src->t;
		dst->why_pc = at;
		dst->reported = false;
	} else if (src->t.kind == TYP_T_TOP && dst->t.kind != TYP_T_TOP) {
		dst->has_why = src->has_why;
		memcpy(dst->why, src->why, sizeof(dst->why));
		dst->why_pc = src->why_pc;
		dst->reported = src->reported;
	} else if (src->t.kind == TYP_T_TOP) {
		dst->reported = dst->reported && src->reported;
	}
	if (dst->rel != src->rel)
		dst->rel = 0;
	if (!src->is_const || dst->cval != src->cval)
		dst->is_const = false;
	dst->t = j;
}

static void join_state(struct typ_infer *inf, struct astate *dst, uint32_t at)
{
	const struct astate *src = &inf->st;

	if (!dst->reached) {
		*dst = *src;
		return;
	}
	for (unsigned r = 0; r < NREGS; r++)
		join_aval(inf, &dst->r[r], &src->r[r], at);
	if (dst->depth != src->depth) {
		if (!dst->depth_bad && !src->depth_bad)
			typ_error(inf, at, "tuple stack depths differ where paths "
			    "meet: %u and %u", dst->depth, src->depth);
		dst->depth_bad = true;
		if (src->depth < dst->depth)
			dst->depth = src->depth;
	}
	dst->depth_bad |= src->depth_bad;
	if (!src->cc_known || dst->cc_z != src->cc_z)
		dst->cc_known = false;
	for (unsigned k = 0; k < dst->depth; k++)
		dst->stk[k] = typ_type__join(inf, dst->stk[k], src->stk[k]);
}

void typ_flow_to(struct typ_infer *inf, uint32_t from_pc, uint32_t to_pc)
{
	struct difo_info *di = &inf->di[inf->cur];

	(void)from_pc;
	if (to_pc < inf->d->len && di->slot[to_pc] != NO_SLOT)
		join_state(inf, &di->states[di->slot[to_pc]], to_pc);
}

const struct dif_reloc *typ_reloc_at(const struct typ_infer *inf, uint32_t pc)
{
	uint32_t r = inf->di[inf->cur].relat[pc];

	return r ? &inf->d->reltab[r - 1] : NULL;
}

const struct relinfo *typ_rel_resolve(struct typ_infer *inf, const struct dif_reloc *rel)
{
	struct relinfo *ri = &inf->di[inf->cur].rels[rel - inf->d->reltab];
	const char *tname = dobj__str(inf->obj, rel->dtr_type);
	const char *path = dobj__str(inf->obj, rel->dtr_member);
	char buf[300];

	if (ri->done)
		return ri;
	ri->done = true;
	ri->root = -1;
	ri->member_rc = -EINVAL;
	snprintf(buf, sizeof(buf), *path ? "typeof(%s.%s)" : "%s", tname, path);
	ri->loose = typ_intern(inf, buf);
	if (inf->tf == NULL)
		return ri;
	ri->root = typ_file__lookup(inf->tf, tname, NULL);
	if (ri->root >= 0 && *path)
		ri->member_rc = typ_file__member_path(inf->tf, (typ_id_t)ri->root, path,
		    &ri->acc, NULL);
	return ri;
}

static bool is_branch(unsigned op)
{
	return op >= DIF_OP_BA && op <= DIF_OP_BLEU;
}

/* Leaders, slots and relocation index of one DIFO (once per inference). */
static int prepare_difo(struct typ_infer *inf, uint32_t i)
{
	const struct dobj_difo *d = &inf->obj->difos[i];
	struct difo_info *di = &inf->di[i];
	uint32_t n = d->len, nl = 0;

	di->slot = malloc((n ? n : 1) * sizeof(*di->slot));
	di->relat = calloc(n ? n : 1, sizeof(*di->relat));
	di->def = calloc(n ? n : 1, sizeof(*di->def));
	di->rels = calloc(d->rellen ? d->rellen : 1, sizeof(*di->rels));
	if (di->slot == NULL || di->relat == NULL || di->def == NULL || di->rels == NULL)
		return -ENOMEM;
	for (uint32_t pc = 0; pc < n; pc++)
		di->slot[pc] = NO_SLOT;
	for (uint32_t pc = 0; pc < n; pc++) {
		unsigned op = DIF_INSTR_OP(d->text[pc]);
		uint32_t t = DIF_INSTR_LABEL(d->text[pc]);
		if (pc == 0)
			di->slot[pc] = 0;
		if (is_branch(op) && t > pc && t < n)
			di->slot[t] = 0;
		if ((is_branch(op) || op == DIF_OP_RET) && pc + 1 < n)
			di->slot[pc + 1] = 0;
	}
	for (uint32_t pc = 0; pc < n; pc++)
		if (di->slot[pc] != NO_SLOT)
			di->slot[pc] = nl++;
	di->nleaders = nl;
	di->states = calloc(nl ? nl : 1, sizeof(*di->states));
	if (di->states == NULL)
		return -ENOMEM;
	for (uint32_t r = d->rellen; r-- > 0;)
		if (d->reltab[r].dtr_pc < n)
			di->relat[d->reltab[r].dtr_pc] = r + 1;	/* first wins */
	return 0;
}

static void run_difo(struct typ_infer *inf, uint32_t i)
{
	struct difo_info *di = &inf->di[i];

	inf->cur = i;
	inf->d = &inf->obj->difos[i];
	memset(di->states, 0, di->nleaders * sizeof(*di->states));
	memset(di->def, 0, inf->d->len * sizeof(*di->def));
	di->rtype = typ_t_make(TYP_T_BOTTOM);
	di->has_ret = false;
	memset(&inf->st, 0, sizeof(inf->st));
	if (inf->d->len > 0)
		di->states[0].reached = true;
	for (uint32_t pc = 0; pc < inf->d->len; pc++) {
		if (di->slot[pc] != NO_SLOT) {
			struct astate *s = &di->states[di->slot[pc]];
			if (inf->st.reached)
				join_state(inf, s, pc);
			inf->st = *s;
		}
		if (inf->st.reached)
			typ_step(inf, pc);
	}
	if (inf->st.reached)
		typ_error(inf, inf->d->len ? inf->d->len - 1 : 0,
		    "control reaches the end of the DIFO without a ret");
}

static void map_clauses(struct typ_infer *inf)
{
	const struct dobj *obj = inf->obj;

	for (uint32_t i = 0; i < obj->ndifos; i++) {
		inf->di[i].clause = -1;
		inf->di[i].action = -1;
	}
	for (uint32_t c = 0; c < obj->nclauses; c++) {
		const struct dobj_clause *cl = &obj->clauses[c];
		if (cl->pred >= 0 && (uint32_t)cl->pred < obj->ndifos &&
		    inf->di[cl->pred].clause < 0)
			inf->di[cl->pred].clause = (int32_t)c;
		for (uint32_t a = cl->action_first; a - cl->action_first < cl->action_count &&
		    a < obj->nactions; a++) {
			int32_t d = obj->actions[a].difo;
			if (d >= 0 && (uint32_t)d < obj->ndifos && inf->di[d].clause < 0) {
				inf->di[d].clause = (int32_t)c;
				inf->di[d].action = (int32_t)a;
			}
		}
	}
}

static int cmp_diag(const void *a, const void *b)
{
	const struct typ_diag *x = a, *y = b;

	if (x->difo != y->difo)
		return x->difo < y->difo ? -1 : 1;
	if (x->pc != y->pc)
		return x->pc < y->pc ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

static int cmp_id(const void *a, const void *b)
{
	typ_id_t x = *(const typ_id_t *)a, y = *(const typ_id_t *)b;

	return x < y ? -1 : x > y;
}

static void finish_ids(struct typ_infer *inf)
{
	size_t k = 0;

	if (inf->nids == 0)
		return;
	qsort(inf->ids, inf->nids, sizeof(*inf->ids), cmp_id);
	for (size_t i = 0; i < inf->nids; i++)
		if (k == 0 || inf->ids[k - 1] != inf->ids[i])
			inf->ids[k++] = inf->ids[i];
	inf->nids = k;
}

static void run_all(struct typ_infer *inf)
{
	for (uint32_t i = 0; i < inf->obj->ndifos && !inf->oom; i++)
		run_difo(inf, i);
}

/* --- API ------------------------------------------------------------------------ */

int typ_infer__new(const struct dobj *obj, const struct typ_infer_opts *opts,
    struct typ_infer **out)
{
	struct typ_infer *inf;
	int pass;

	if (obj == NULL || out == NULL)
		return -EINVAL;
	*out = NULL;
	if ((inf = calloc(1, sizeof(*inf))) == NULL)
		return -ENOMEM;
	inf->obj = obj;
	inf->tf = opts ? opts->tf : NULL;
	inf->profile = opts ? opts->profile : NULL;
	if (inf->profile == NULL && inf->tf != NULL)
		inf->profile = typ_profile__get(typ_profile__detect(inf->tf));
	inf->max_errors = opts && opts->max_errors ? opts->max_errors : DEFAULT_MAX_ERRORS;
	inf->di = calloc(obj->ndifos ? obj->ndifos : 1, sizeof(*inf->di));
	if (inf->di == NULL)
		goto oom;
	for (uint32_t i = 0; i < obj->ndifos; i++)
		if (prepare_difo(inf, i) != 0)
			goto oom;
	map_clauses(inf);
	inf->emit = true;
	for (pass = 0; pass < MAX_PASSES; pass++) {
		inf->changed = false;
		inf->ndiags = 0;
		inf->nids = 0;
		run_all(inf);
		if (!inf->changed || inf->oom)
			break;
	}
	if (inf->oom)
		goto oom;
	finish_ids(inf);
	for (size_t i = 0, nv = inf->nvdiags; i < nv; i++) {
		struct typ_diag *dg;
		inf->nvdiags = 0;	/* the variable errors move to the one list */
		dg = diag_slot(inf, false);
		if (dg == NULL)
			break;
		*dg = inf->vdiags[i];
	}
	if (inf->oom)
		goto oom;
	/* stable, deterministic order: by DIFO and pc */
	if (inf->ndiags > 1)
		qsort(inf->diags, inf->ndiags, sizeof(*inf->diags), cmp_diag);
	*out = inf;
	return 0;
oom:
	typ_infer__free(inf);
	return -ENOMEM;
}

void typ_infer__free(struct typ_infer *inf)
{
	if (inf == NULL)
		return;
	for (uint32_t i = 0; inf->di != NULL && i < inf->obj->ndifos; i++) {
		free(inf->di[i].slot);
		free(inf->di[i].relat);
		free(inf->di[i].states);
		free(inf->di[i].def);
		free(inf->di[i].rels);
	}
	free(inf->di);
	free(inf->varmap);
	free(inf->varkeys);
	free(inf->vars);
	for (uint32_t n = 1; n < inf->nnames; n++)
		free(inf->names[n]);
	free(inf->names);
	free(inf->nhash);
	free(inf->ids);
	free(inf->diags);
	free(inf->vdiags);
	free(inf);
}

size_t typ_infer__nerrors(const struct typ_infer *inf)
{
	return inf ? inf->ndiags : 0;
}

const struct typ_diag *typ_infer__error(const struct typ_infer *inf, size_t i)
{
	return inf && i < inf->ndiags ? &inf->diags[i] : NULL;
}

int typ_infer__rtype(const struct typ_infer *inf, uint32_t difo, struct typ_type *out)
{
	if (inf == NULL || out == NULL || difo >= inf->obj->ndifos)
		return -EINVAL;
	*out = inf->di[difo].rtype;
	return 0;
}

/* The CTF kind of a by-reference typefile type (struct when unknown). */
static uint8_t ctf_kind(const struct typ_infer *inf, typ_id_t id)
{
	struct typ_info info;
	int64_t r = inf->tf ? typ_file__resolve(inf->tf, id) : -1;

	if (r < 0 || typ_file__info(inf->tf, (typ_id_t)r, &info) != 0)
		return DIF_CTF_K_STRUCT;
	switch (info.kind) {
	case TYP_ARRAY: return DIF_CTF_K_ARRAY;
	case TYP_UNION: return DIF_CTF_K_UNION;
	case TYP_FLOAT: return DIF_CTF_K_FLOAT;
	default: return DIF_CTF_K_STRUCT;
	}
}

int typ_infer__rtype_dif(const struct typ_infer *inf, uint32_t difo, struct dif_type *out)
{
	struct typ_type t;
	int64_t sz;

	if (typ_infer__rtype(inf, difo, &t) != 0 || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->dtdt_kind = DIF_TYPE_CTF;
	switch (t.kind) {
	case TYP_T_STRING:
		out->dtdt_kind = DIF_TYPE_STRING;
		out->dtdt_flags = DIF_TF_BYREF;
		out->dtdt_size = DIF_DEFAULT_STRSIZE;
		break;
	case TYP_T_INT:
	case TYP_T_NULL:
		out->dtdt_ckind = DIF_CTF_K_INTEGER;
		out->dtdt_size = t.kind == TYP_T_INT ? t.size : 8;
		break;
	case TYP_T_PTR:
		out->dtdt_ckind = DIF_CTF_K_POINTER;
		out->dtdt_flags = t.flags & TYP_TF_USER ? DIF_TF_BYUREF : 0;
		out->dtdt_size = 8;
		break;
	case TYP_T_CTF:
		sz = inf->tf ? typ_file__size(inf->tf, t.id) : -1;
		out->dtdt_ckind = ctf_kind(inf, t.id);
		out->dtdt_flags = t.flags & TYP_TF_USER ? DIF_TF_BYUREF : DIF_TF_BYREF;
		out->dtdt_size = sz > 0 && sz <= UINT32_MAX ? (uint32_t)sz : 0;
		break;
	case TYP_T_TARGET:
		out->dtdt_size = 8;
		break;
	default:
		break;	/* bottom (no ret reached) or conflict: void */
	}
	return 0;
}

int typ_infer__def_type(const struct typ_infer *inf, uint32_t difo, uint32_t pc,
    struct typ_type *out)
{
	if (inf == NULL || out == NULL || difo >= inf->obj->ndifos ||
	    pc >= inf->obj->difos[difo].len)
		return -EINVAL;
	*out = inf->di[difo].def[pc];
	return out->kind == TYP_T_BOTTOM ? -ENOENT : 0;
}

size_t typ_infer__nvars(const struct typ_infer *inf)
{
	return inf ? inf->nvars : 0;
}

const struct typ_var *typ_infer__var(const struct typ_infer *inf, size_t i)
{
	return inf && i < inf->nvars ? &inf->vars[i].pub : NULL;
}

size_t typ_infer__used_ids(const struct typ_infer *inf, const typ_id_t **ids)
{
	if (ids != NULL)
		*ids = inf ? inf->ids : NULL;
	return inf ? inf->nids : 0;
}
