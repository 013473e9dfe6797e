/*
 * lnk_link.c — the link driver: merge relocatable objects into one linked
 * program for one target.
 *
 * Theory.  The output object is built from scratch, input by input, in
 * command-line order.  For each input:
 *
 *   - its DIFOs are checked by the validator in relocatable mode first, so
 *     everything after may trust indexes, pcs and table offsets;
 *   - its global and thread-local variables are merged by (scope, name)
 *     into one id space per scope starting at 0x500, in order of first
 *     appearance; its aggregations by name into ids 1, 2, ...; two inputs
 *     that disagree on a variable's type or kind, or on an aggregation's
 *     function or keys, are an error naming both files;
 *   - each clause is kept or dropped by the resolvers (probe `target`
 *     globbed against the target name / version; "" matches everywhere),
 *     and a dropped clause costs nothing: its DIFOs are not copied;
 *   - each DIFO a kept clause uses is copied once (inputs may share a DIFO
 *     between actions), its variable ids renumbered in the text and the
 *     variable table, aggregation ids renumbered in the id DIFOs, and then
 *     handed to lnk_relocate_difo() (lnk_reloc.c).
 *
 * Aggregation ids travel as constants: the `difexpr` action that starts an
 * aggregation's tuple (ntuple actions before the aggregating action), and
 * the DIFOs of printa and of the clear/normalize/denormalize/trunc library
 * actions return the id with `setx`.  Those DIFOs' integer constants that
 * are ids of the input's aggregations are rewritten through the map.
 *
 * Ownership: the output object owns everything it holds; inputs are only
 * read.  Errors are counted in the sink; linking continues after a
 * relocation error to report more, up to LNK_MAX_ERRORS.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "dvm_validate.h"
#include "lnk_impl.h"
#include "typ_infer.h"
#include "typ_typefile.h"

/* --- Diagnostics ---------------------------------------------------------- */

static void emit(struct lnk_ctx *cx, const char *line)
{
	if (cx->rc == 0)
		cx->rc = -EINVAL;
	cx->nerr++;
	if (cx->diag == NULL)
		return;
	if (cx->diag->nerrors++ < LNK_MAX_ERRORS && cx->diag->report)
		cx->diag->report(cx->diag->ctx, line);
}

void lnk_report(struct lnk_ctx *cx, const char *line)
{
	emit(cx, line);
}

void lnk_warning(struct lnk_ctx *cx, const char *line)
{
	if (cx->diag == NULL)
		return;
	if (cx->diag->nwarnings++ < LNK_MAX_ERRORS && cx->diag->report)
		cx->diag->report(cx->diag->ctx, line);
}

void lnk_error(struct lnk_ctx *cx, const struct lnk_where *w, const struct dobj_srcpos *pos,
    const char *fmt, ...)
{
	char msg[768], line[1024];
	va_list ap;
	const char *file = pos->file ? dobj__str(w->in, pos->file) : "";

	if (file[0] == '\0')
		file = w->inname ? w->inname : "<input>";
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%u:%u: error: clause %u (%s): %s", file, pos->line,
	    pos->col, w->clause, w->probe ? w->probe : "?", msg);
	emit(cx, line);
}

void lnk_error_plain(struct lnk_ctx *cx, const char *name, const char *fmt, ...)
{
	char msg[768], line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: error: %s", name ? name : "dld", msg);
	emit(cx, line);
}

/* --- Per-input maps -------------------------------------------------------- */

struct idmap {
	uint32_t	*old, *new;
	uint32_t	n;
};

static int map_add(struct idmap *m, uint32_t old, uint32_t nw)
{
	uint32_t *o = realloc(m->old, (m->n + 1) * sizeof(*o));
	if (o == NULL)
		return -ENOMEM;
	m->old = o;
	uint32_t *n = realloc(m->new, (m->n + 1) * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	m->new = n;
	m->old[m->n] = old;
	m->new[m->n++] = nw;
	return 0;
}

static bool map_get(const struct idmap *m, uint32_t old, uint32_t *nw)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (m->old[i] == old) {
			*nw = m->new[i];
			return true;
		}
	return false;
}

static void map_free(struct idmap *m)
{
	free(m->old);
	free(m->new);
	memset(m, 0, sizeof(*m));
}

/* Merged variable names of one scope across all inputs. */
struct names {
	char		**name;
	const char	**from;		/* input that introduced it */
	uint32_t	n;
};

struct link {
	struct lnk_ctx		cx;
	const struct lnk_opts	*opts;
	char			tname[256], tversion[256];
	struct names		vars[2];	/* global, thread */
	const char		**agg_from;	/* per output agg: input name */
	/* per input */
	const struct dobj	*in;
	const char		*inname;
	struct dobj		*bound;		/* in, with its roots bound (lnk_bind.c) */
	struct lnk_syms		*syms;		/* symbol source, read on first need */
	struct idmap		varmap[2], aggmap, difomap, fmtmap;
	bool			*aggid_difo;	/* input DIFO carries an agg id */
	struct typ_infer	*inf;		/* the typer's view of the input */
	uint32_t		ndropped;
};

static int scope_index(uint8_t scope)
{
	return scope == DIFV_SCOPE_GLOBAL ? 0 : scope == DIFV_SCOPE_THREAD ? 1 : -1;
}

/* New id for (scope, name), added when new. */
static int var_id(struct link *lk, int sc, const char *name, uint32_t *id)
{
	struct names *nm = &lk->vars[sc];

	for (uint32_t i = 0; i < nm->n; i++)
		if (strcmp(nm->name[i], name) == 0) {
			*id = DIF_VAR_OTHER_UBASE + i;
			return 0;
		}
	if (DIF_VAR_OTHER_UBASE + nm->n > DIF_VAR_OTHER_MAX) {
		lnk_error_plain(&lk->cx, lk->inname, "too many variables");
		return -EINVAL;
	}
	char **nn = realloc(nm->name, (nm->n + 1) * sizeof(*nn));
	if (nn == NULL)
		return -ENOMEM;
	nm->name = nn;
	const char **nf = realloc(nm->from, (nm->n + 1) * sizeof(*nf));
	if (nf == NULL)
		return -ENOMEM;
	nm->from = nf;
	if ((nm->name[nm->n] = strdup(name)) == NULL)
		return -ENOMEM;
	nm->from[nm->n] = lk->inname;
	*id = DIF_VAR_OTHER_UBASE + nm->n++;
	return 0;
}

static const char *symkind_name(uint16_t k)
{
	return k == DOBJ_SYM_THREAD ? "thread-local variable" :
	    k == DOBJ_SYM_AGG ? "aggregation" : "variable";
}

static struct dobj_symbol *find_symbol(struct dobj *o, uint16_t kind, const char *name)
{
	for (uint32_t i = 0; i < o->nsymbols; i++)
		if (o->symbols[i].kind == kind && strcmp(dobj__str(o, o->symbols[i].name), name) == 0)
			return &o->symbols[i];
	return NULL;
}

/* Copy a symbol into the output, or check it against the one there. */
static int merge_symbol(struct link *lk, const struct dobj_symbol *s, uint32_t newid)
{
	struct dobj *out = lk->cx.out;
	const char *name = dobj__str(lk->in, s->name);
	const char *ctype = dobj__str(lk->in, s->ctype);
	const char *keys = dobj__str(lk->in, s->keytypes);
	struct dobj_symbol *o = find_symbol(out, s->kind, name);

	if (o != NULL) {
		const char *octype = dobj__str(out, o->ctype), *okeys = dobj__str(out, o->keytypes);
		if (o->varkind != s->varkind || strcmp(octype, ctype) != 0 ||
		    strcmp(okeys, keys) != 0 || memcmp(&o->type, &s->type, sizeof(o->type)) != 0) {
			lnk_error_plain(&lk->cx, lk->inname, "%s '%s%s' is declared as %s%s%s%s here "
			    "but as %s%s%s%s in an earlier input", symkind_name(s->kind),
			    s->kind == DOBJ_SYM_THREAD ? "self->" : s->kind == DOBJ_SYM_AGG ? "@" : "",
			    name, ctype, keys[0] ? " [" : "", keys, keys[0] ? "]" : "",
			    octype, okeys[0] ? " [" : "", okeys, okeys[0] ? "]" : "");
			return -EINVAL;
		}
		return 0;
	}
	int i = dobj__add_symbol(out);
	if (i < 0)
		return i;
	o = &out->symbols[i];
	o->kind = s->kind;
	o->varkind = s->varkind;
	o->id = newid;
	o->type = s->type;
	o->name = dobj__intern(out, name);
	o->ctype = dobj__intern(out, ctype);
	o->keytypes = s->keytypes ? dobj__intern(out, keys) : 0;
	return 0;
}

static int merge_aggs(struct link *lk)
{
	struct dobj *out = lk->cx.out;
	int rc;

	for (uint32_t i = 0; i < lk->in->naggs; i++) {
		const struct dobj_agg *a = &lk->in->aggs[i];
		const char *name = dobj__str(lk->in, a->name);
		const char *keys = dobj__str(lk->in, a->keytypes);
		uint32_t j;
		for (j = 0; j < out->naggs; j++)
			if (strcmp(dobj__str(out, out->aggs[j].name), name) == 0)
				break;
		if (j < out->naggs) {
			const struct dobj_agg *o = &out->aggs[j];
			if (o->func != a->func || o->arg != a->arg || o->nkeys != a->nkeys ||
			    strcmp(dobj__str(out, o->keytypes), keys) != 0) {
				lnk_error_plain(&lk->cx, lk->inname, "aggregation '@%s' is used with "
				    "function 0x%x and %u key(s) [%s] here but with 0x%x and %u key(s) "
				    "[%s] in %s", name, a->func, a->nkeys, keys, o->func, o->nkeys,
				    dobj__str(out, o->keytypes), lk->agg_from[j]);
				continue;
			}
		} else {
			int k = dobj__add_agg(out);
			if (k < 0)
				return k;
			const char **nf = realloc(lk->agg_from, out->naggs * sizeof(*nf));
			if (nf == NULL)
				return -ENOMEM;
			lk->agg_from = nf;
			lk->agg_from[k] = lk->inname;
			struct dobj_agg *o = &out->aggs[k];
			*o = *a;
			o->id = (uint32_t)k + 1;
			o->name = dobj__intern(out, name);
			o->keytypes = a->keytypes ? dobj__intern(out, keys) : 0;
			o->valtype = a->valtype ? dobj__intern(out, dobj__str(lk->in, a->valtype)) : 0;
			j = (uint32_t)k;
		}
		if ((rc = map_add(&lk->aggmap, a->id, out->aggs[j].id)) != 0)
			return rc;
	}
	return 0;
}

static int merge_symbols(struct link *lk)
{
	int rc;

	if ((rc = merge_aggs(lk)) != 0)
		return rc;
	for (uint32_t i = 0; i < lk->in->nsymbols; i++) {
		const struct dobj_symbol *s = &lk->in->symbols[i];
		uint32_t nid;
		if (s->kind == DOBJ_SYM_AGG) {
			if (!map_get(&lk->aggmap, s->id, &nid))
				nid = s->id;
		} else {
			int sc = s->kind == DOBJ_SYM_THREAD ? 1 : 0;
			if ((rc = var_id(lk, sc, dobj__str(lk->in, s->name), &nid)) != 0)
				return rc;
			if ((rc = map_add(&lk->varmap[sc], s->id, nid)) != 0)
				return rc;
		}
		rc = merge_symbol(lk, s, nid);
		if (rc == -ENOMEM)
			return rc;
	}
	return 0;
}

/* --- Resolvers ------------------------------------------------------------- */

static bool target_matches(const struct link *lk, const char *target)
{
	unsigned f = lk->opts ? lk->opts->resolvers : 0;

	if (f == 0 || target[0] == '\0')
		return true;
	if ((f & LNK_RESOLVE_HOSTNAME) && fnmatch(target, lk->tname, 0) == 0)
		return true;
	if ((f & LNK_RESOLVE_VERSION) && fnmatch(target, lk->tversion, 0) == 0)
		return true;
	return false;
}

static int record_meta(struct dobj *out, const char *key, const char *value)
{
	int i = dobj__add_meta(out);

	if (i < 0)
		return i;
	out->meta[i].key = dobj__intern(out, key);
	out->meta[i].value = dobj__intern(out, value);
	return 0;
}

/* --- Copying ---------------------------------------------------------------- */

static void probe_text(const struct dobj *in, const struct dobj_probe *p, char *buf, size_t n)
{
	const char *t = dobj__str(in, p->target);

	snprintf(buf, n, "%s%s%s:%s:%s:%s", t, t[0] ? ":" : "", dobj__str(in, p->provider),
	    dobj__str(in, p->module), dobj__str(in, p->function), dobj__str(in, p->name));
}

static void renumber_text(struct link *lk, struct dobj_difo *d)
{
	for (uint32_t i = 0; i < d->len; i++) {
		dif_instr_t ins = d->text[i];
		int sc;
		switch (DIF_INSTR_OP(ins)) {
		case DIF_OP_LDGS: case DIF_OP_STGS: case DIF_OP_LDGAA: case DIF_OP_STGAA:
			sc = 0; break;
		case DIF_OP_LDTS: case DIF_OP_STTS: case DIF_OP_LDTAA: case DIF_OP_STTAA:
			sc = 1; break;
		default:
			continue;
		}
		uint32_t id = DIF_INSTR_VAR(ins), nid;
		if (id >= DIF_VAR_OTHER_UBASE && map_get(&lk->varmap[sc], id, &nid))
			d->text[i] = DIF_INSTR_IMM16(DIF_INSTR_OP(ins), nid, DIF_INSTR_RD(ins));
	}
}

/* Renumber the variable table (merging names the symbol table lacks). */
static int renumber_vars(struct link *lk, struct dobj_difo *d)
{
	int rc;

	for (uint32_t i = 0; i < d->varlen; i++) {
		struct dif_var *v = &d->vartab[i];
		int sc = scope_index(v->dtdv_scope);
		uint32_t nid;
		if (sc < 0 || v->dtdv_id < DIF_VAR_OTHER_UBASE)
			continue;
		if (!map_get(&lk->varmap[sc], v->dtdv_id, &nid)) {
			if ((rc = var_id(lk, sc, d->strtab + v->dtdv_name, &nid)) != 0 ||
			    (rc = map_add(&lk->varmap[sc], v->dtdv_id, nid)) != 0)
				return rc;
		}
		v->dtdv_id = nid;
	}
	return 0;
}

static void renumber_aggids(struct link *lk, struct dobj_difo *d)
{
	for (uint32_t i = 0; i < d->intlen; i++) {
		uint32_t nid;
		if (d->inttab[i] <= UINT32_MAX && map_get(&lk->aggmap, (uint32_t)d->inttab[i], &nid))
			d->inttab[i] = nid;
	}
}

static int copy_difo_tables(struct dobj_difo *d, const struct dobj_difo *s)
{
	int rc;

	if ((rc = dobj_difo__set_text(d, s->text, s->len)) != 0 ||
	    (rc = dobj_difo__set_inttab(d, s->inttab, s->intlen)) != 0 ||
	    (rc = dobj_difo__set_strtab(d, s->strtab, s->strlen)) != 0 ||
	    (rc = dobj_difo__set_vartab(d, s->vartab, s->varlen)) != 0 ||
	    (rc = dobj_difo__set_reltab(d, s->reltab, s->rellen)) != 0 ||
	    (rc = dobj_difo__set_lines(d, s->lines, s->nlines)) != 0)
		return rc;
	d->rtype = s->rtype;
	d->flags = s->flags;
	return 0;
}

/*
 * The return type the typer inferred, except where the compiler knows
 * better: a string keeps its declared size (the strsize option), and a
 * DIFO whose result the typer could not type (void) keeps its own.
 */
/*
 * The compiler knows every result type but those of target types it could
 * not see (CTF kind unknown, e.g. a member loaded through a relocation);
 * only those take the typer's inferred type.  A void result (size 0: the
 * action records nothing) and every type the compiler spelled stay as they
 * are, so `x = 5;` still records nothing and `(char)x` still records 1 byte.
 */
static void patch_rtype(struct link *lk, uint32_t idx, struct dobj_difo *d)
{
	struct dif_type t;

	if (d->rtype.dtdt_kind != DIF_TYPE_CTF || d->rtype.dtdt_size == 0 ||
	    d->rtype.dtdt_ckind != DIF_CTF_K_UNKNOWN)
		return;
	if (lk->inf == NULL || typ_infer__rtype_dif(lk->inf, idx, &t) != 0)
		return;
	if (t.dtdt_kind == DIF_TYPE_CTF && t.dtdt_size == 0 && t.dtdt_ckind == 0)
		return;
	d->rtype = t;
}

/* The output index of input DIFO `idx`, copying and linking it on first use. */
static uint32_t restr(struct link *lk, uint32_t off);

static int use_difo(struct link *lk, int32_t idx, const struct lnk_where *w, int32_t *out_idx)
{
	uint32_t nid;
	int rc;

	if (idx < 0) {
		*out_idx = -1;
		return 0;
	}
	if (map_get(&lk->difomap, (uint32_t)idx, &nid)) {
		*out_idx = (int32_t)nid;
		return 0;
	}
	int k = dobj__add_difo(lk->cx.out);
	if (k < 0)
		return k;
	struct dobj_difo *d = &lk->cx.out->difos[k];
	if ((rc = copy_difo_tables(d, &lk->in->difos[idx])) != 0)
		return rc;
	patch_rtype(lk, (uint32_t)idx, d);
	/* The variable table first: it may add names the symbol table lacks. */
	if ((rc = renumber_vars(lk, d)) != 0)
		return rc;
	renumber_text(lk, d);
	if (lk->aggid_difo[idx])
		renumber_aggids(lk, d);
	if ((rc = map_add(&lk->difomap, (uint32_t)idx, (uint32_t)k)) != 0)
		return rc;
	*out_idx = k;
	rc = lnk_relocate_difo(&lk->cx, w, d);
	/* Line positions name files in the input's string table until now. */
	for (uint32_t i = 0; i < d->nlines; i++)
		d->lines[i].pos.file = restr(lk, d->lines[i].pos.file);
	return rc == -ENOMEM ? rc : 0;
}

static int use_format(struct link *lk, int32_t idx, int32_t *out_idx)
{
	struct dobj *out = lk->cx.out;
	uint32_t nid;

	if (idx < 0) {
		*out_idx = -1;
		return 0;
	}
	if (map_get(&lk->fmtmap, (uint32_t)idx, &nid)) {
		*out_idx = (int32_t)nid;
		return 0;
	}
	const struct dobj_format *f = &lk->in->formats[idx];
	uint32_t str = dobj__intern(out, dobj__str(lk->in, f->str));
	uint32_t j;
	for (j = 0; j < out->nformats; j++)
		if (out->formats[j].str == str && out->formats[j].kind == f->kind)
			break;
	if (j == out->nformats) {
		int k = dobj__add_format(out);
		if (k < 0)
			return k;
		out->formats[k].str = str;
		out->formats[k].kind = f->kind;
	}
	*out_idx = (int32_t)j;
	return map_add(&lk->fmtmap, (uint32_t)idx, j);
}

static uint32_t restr(struct link *lk, uint32_t off)
{
	return off ? dobj__intern(lk->cx.out, dobj__str(lk->in, off)) : 0;
}

static struct dobj_srcpos repos(struct link *lk, struct dobj_srcpos p)
{
	p.file = restr(lk, p.file);
	return p;
}

/* Which input DIFOs return an aggregation id (see the theory comment). */
static void mark_aggid_difos(struct link *lk)
{
	const struct dobj *in = lk->in;

	for (uint32_t c = 0; c < in->nclauses; c++) {
		const struct dobj_clause *cl = &in->clauses[c];
		for (uint32_t i = 0; i < cl->action_count; i++) {
			const struct dobj_action *a = &in->actions[cl->action_first + i];
			int32_t difo = -1;
			if (DIF_ACT_IS_AGG(a->kind) && a->ntuple > 0 && a->ntuple <= i)
				difo = in->actions[cl->action_first + i - a->ntuple].difo;
			else if (a->kind == DIF_ACT_PRINTA)
				difo = a->difo;
			else if (a->kind == DIF_ACT_LIBACT &&
			    (a->arg == DIF_LIBACT_CLEAR || a->arg == DIF_LIBACT_NORMALIZE ||
			     a->arg == DIF_LIBACT_DENORMALIZE || a->arg == DIF_LIBACT_TRUNC))
				difo = a->difo;
			if (difo >= 0)
				lk->aggid_difo[difo] = true;
		}
	}
}

static int copy_clause(struct link *lk, uint32_t c)
{
	struct dobj *out = lk->cx.out;
	const struct dobj_clause *cl = &lk->in->clauses[c];
	char probe[512] = "";
	char dropped[640];
	uint32_t nkept = 0;
	int rc;

	for (uint32_t i = 0; i < cl->probe_count; i++) {
		const struct dobj_probe *p = &lk->in->probes[cl->probe_first + i];
		if (target_matches(lk, dobj__str(lk->in, p->target)))
			nkept++;
		if (i == 0)
			probe_text(lk->in, p, probe, sizeof(probe));
	}
	if (nkept == 0 && cl->probe_count > 0) {
		snprintf(dropped, sizeof(dropped), "%s: clause %u (%s)", lk->inname, c + 1, probe);
		lk->ndropped++;
		return record_meta(out, "lnk.dropped", dropped);
	}
	int k = dobj__add_clause(out);
	if (k < 0)
		return k;
	out->clauses[k].pos = repos(lk, cl->pos);
	out->clauses[k].probe_first = out->nprobes;
	out->clauses[k].action_first = out->nactions;
	for (uint32_t i = 0; i < cl->probe_count; i++) {
		const struct dobj_probe *p = &lk->in->probes[cl->probe_first + i];
		if (!target_matches(lk, dobj__str(lk->in, p->target)))
			continue;
		int j = dobj__add_probe(out);
		if (j < 0)
			return j;
		struct dobj_probe *o = &out->probes[j];
		o->target = restr(lk, p->target);
		o->provider = restr(lk, p->provider);
		o->module = restr(lk, p->module);
		o->function = restr(lk, p->function);
		o->name = restr(lk, p->name);
		o->pos = repos(lk, p->pos);
	}
	out->clauses[k].probe_count = out->nprobes - out->clauses[k].probe_first;
	struct lnk_where w = { lk->in, lk->inname, c + 1, probe, cl->pos };
	int32_t pred;
	if ((rc = use_difo(lk, cl->pred, &w, &pred)) != 0)
		return rc;
	out->clauses[k].pred = pred;
	for (uint32_t i = 0; i < cl->action_count; i++) {
		const struct dobj_action *a = &lk->in->actions[cl->action_first + i];
		int32_t difo, fmt;
		w.pos = a->pos;
		if ((rc = use_difo(lk, a->difo, &w, &difo)) != 0 ||
		    (rc = use_format(lk, a->format, &fmt)) != 0)
			return rc;
		int j = dobj__add_action(out);
		if (j < 0)
			return j;
		struct dobj_action *o = &out->actions[j];
		*o = *a;
		o->difo = difo;
		o->format = fmt;
		o->str = restr(lk, a->str);
		o->pos = repos(lk, a->pos);
	}
	out->clauses[k].action_count = out->nactions - out->clauses[k].action_first;
	return 0;
}

/* Options and meta: copied once each (identical pairs deduplicated). */
static int copy_pairs(struct link *lk)
{
	struct dobj *out = lk->cx.out;

	for (uint32_t i = 0; i < lk->in->noptions; i++) {
		uint32_t n = restr(lk, lk->in->options[i].name), v = restr(lk, lk->in->options[i].value);
		uint32_t j;
		for (j = 0; j < out->noptions; j++)
			if (out->options[j].name == n && out->options[j].value == v)
				break;
		if (j < out->noptions)
			continue;
		int k = dobj__add_option(out);
		if (k < 0)
			return k;
		out->options[k].name = n;
		out->options[k].value = v;
	}
	for (uint32_t i = 0; i < lk->in->nmeta; i++) {
		const char *key = dobj__str(lk->in, lk->in->meta[i].key);
		if (strncmp(key, "lnk.", 4) == 0)
			continue;	/* ours: describes a link, not a program */
		int rc = record_meta(out, key, dobj__str(lk->in, lk->in->meta[i].value));
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Names the output must not hold empty.  (A reader that accepts an empty
 * string at a non-zero offset would otherwise let one through to an output
 * that dobj__check refuses.)
 */
static int check_names(struct link *lk)
{
	const struct dobj *in = lk->in;
	const char *what = NULL;
	uint32_t at = 0;

#define EMPTY_NAME_(arr, n, field, label)					\
	for (uint32_t i = 0; !what && i < in->n; i++)				\
		if (dobj__str(in, in->arr[i].field)[0] == '\0')		\
			what = label, at = i;
	EMPTY_NAME_(options, noptions, name, "option")
	EMPTY_NAME_(meta, nmeta, key, "meta key")
	EMPTY_NAME_(aggs, naggs, name, "aggregation")
	EMPTY_NAME_(symbols, nsymbols, name, "symbol")
#undef EMPTY_NAME_
	if (what == NULL)
		return 0;
	lnk_error_plain(&lk->cx, lk->inname, "inconsistent object: %s %u has an empty name",
	    what, at);
	return -EINVAL;
}

/* Validate every input DIFO as relocatable DIF before trusting it. */
static int validate_input(struct link *lk)
{
	struct dvm_validate_opts o = { DVM_VF_RELOCATABLE | DVM_VF_GUEST, 0 };
	int bad = 0;

	for (uint32_t i = 0; i < lk->in->ndifos; i++) {
		struct dif_difo view;
		struct dvm_verr e[2];
		dobj_difo__view(&lk->in->difos[i], &view);
		unsigned n = dvm_difo__validate(&view, &o, e, 2);
		for (unsigned j = 0; j < n && j < 2; j++) {
			char msg[160];
			dvm_verr__format(&e[j], msg, sizeof(msg));
			lnk_error_plain(&lk->cx, lk->inname, "DIFO %u is not valid DIF: %s", i, msg);
		}
		bad |= n != 0;
	}
	return bad ? -EINVAL : 0;
}

/* Type the input against the target (errors are reported by typer_verdict). */
static int run_typer(struct link *lk)
{
	struct typ_infer_opts io = { lk->cx.tf, NULL, LNK_MAX_ERRORS };
	int rc = typ_infer__new(lk->in, &io, &lk->inf);

	if (rc == -ENOMEM)
		return rc;
	if (rc != 0) {
		lk->inf = NULL;
		lnk_error_plain(&lk->cx, lk->inname, "the typer cannot type this object (%s)",
		    strerror(-rc));
		return -EINVAL;
	}
	return 0;
}

/* A typer finding in the linker's own form (input name, 1-based clause, probe). */
static void format_type_diag(struct link *lk, const struct typ_diag *d, bool warn,
    char *buf, size_t len)
{
	const char *file = d->file && d->file[0] ? d->file : lk->inname;
	char where[600] = "";

	if (d->clause >= 0 && (uint32_t)d->clause < lk->in->nclauses) {
		const struct dobj_clause *cl = &lk->in->clauses[d->clause];
		char probe[512] = "";
		if (cl->probe_count > 0)
			probe_text(lk->in, &lk->in->probes[cl->probe_first], probe, sizeof(probe));
		snprintf(where, sizeof(where), "clause %d (%s): ", d->clause + 1, probe);
	}
	snprintf(buf, len, "%s:%u:%u: %s: %stype error at pc %u (%s): %s", file, d->line, d->col,
	    warn ? "warning" : "error", where, d->pc, d->insn, d->msg);
}

/*
 * The typer's errors are link errors (warnings with LNK_F_TYPE_WARN).  They
 * are reported only when relocation found nothing wrong in this input: a
 * missing member is then said once, by the linker, with the clause, probe
 * and member path.
 */
static int typer_verdict(struct link *lk, bool quiet)
{
	bool warn = lk->opts && (lk->opts->flags & LNK_F_TYPE_WARN);
	size_t n = lk->inf ? typ_infer__nerrors(lk->inf) : 0, counted = 0;

	for (size_t i = 0; i < n; i++) {
		const struct typ_diag *d = typ_infer__error(lk->inf, i);
		uint32_t unused;
		char line[1024];
		if (d->difo >= 0 && !map_get(&lk->difomap, (uint32_t)d->difo, &unused))
			continue;	/* in a clause the resolvers dropped */
		counted++;
		if (quiet)
			continue;
		format_type_diag(lk, d, warn, line, sizeof(line));
		if (warn)
			lnk_warning(&lk->cx, line);
		else
			lnk_report(&lk->cx, line);
	}
	return counted && !warn ? -EINVAL : 0;
}

static int link_input(struct link *lk)
{
	int rc;

	if (lk->in->kind != DOBJ_RELOCATABLE) {
		lnk_error_plain(&lk->cx, lk->inname, "is already linked (only relocatable objects "
		    "can be linked)");
		return -EINVAL;
	}
	struct dobj_err e;
	if (dobj__check(lk->in, &e) != 0) {
		char m[400];
		dobj_err__format(&e, m, sizeof(m));
		lnk_error_plain(&lk->cx, lk->inname, "inconsistent object: %s", m);
		return -EINVAL;
	}
	static const uint8_t zero[DOBJ_IDENT_LEN];
	if (memcmp(lk->in->ident, zero, DOBJ_IDENT_LEN) == 0 &&
	    (rc = dobj__compute_ident((struct dobj *)lk->in)) != 0)
		return rc;
	if ((rc = lnk_bind_input(&lk->cx, lk->inname, (struct dobj *)lk->in,
	    lk->opts ? lk->opts->symbols : NULL, &lk->syms, &lk->bound)) != 0)
		return rc;
	if (lk->bound != NULL)
		lk->in = lk->bound;
	if ((rc = check_names(lk)) != 0 || (rc = validate_input(lk)) != 0)
		return rc;
	if ((lk->aggid_difo = calloc(lk->in->ndifos + 1, sizeof(bool))) == NULL)
		return -ENOMEM;
	mark_aggid_difos(lk);
	if ((rc = run_typer(lk)) != 0)
		return rc;
	if ((rc = merge_symbols(lk)) != 0 || (rc = copy_pairs(lk)) != 0)
		return rc;
	unsigned before = lk->cx.nerr;
	for (uint32_t c = 0; c < lk->in->nclauses; c++)
		if ((rc = copy_clause(lk, c)) == -ENOMEM)
			return rc;
	if ((rc = typer_verdict(lk, lk->cx.nerr != before)) != 0)
		return rc;
	rc = dobj__add_srcident(lk->cx.out, lk->in->ident);
	return rc < 0 ? rc : 0;
}

static void input_reset(struct link *lk)
{
	map_free(&lk->varmap[0]);
	map_free(&lk->varmap[1]);
	map_free(&lk->aggmap);
	map_free(&lk->difomap);
	map_free(&lk->fmtmap);
	free(lk->aggid_difo);
	lk->aggid_difo = NULL;
	typ_infer__free(lk->inf);
	lk->inf = NULL;
	dobj__free(lk->bound);
	lk->bound = NULL;
}

static void link_free(struct link *lk)
{
	input_reset(lk);
	for (int s = 0; s < 2; s++) {
		for (uint32_t i = 0; i < lk->vars[s].n; i++)
			free(lk->vars[s].name[i]);
		free(lk->vars[s].name);
		free(lk->vars[s].from);
	}
	free(lk->agg_from);
	lnk_syms_free(lk->syms);
}

static void target_defaults(struct link *lk)
{
	struct utsname u;
	bool have = uname(&u) == 0;

	if (lk->opts && lk->opts->target_name)
		snprintf(lk->tname, sizeof(lk->tname), "%s", lk->opts->target_name);
	else
		snprintf(lk->tname, sizeof(lk->tname), "%s", have ? u.nodename : "");
	if (lk->opts && lk->opts->target_version)
		snprintf(lk->tversion, sizeof(lk->tversion), "%s", lk->opts->target_version);
	else if (have)
		snprintf(lk->tversion, sizeof(lk->tversion), "%s-%s", u.sysname, u.release);
}

static int record_link_meta(struct link *lk)
{
	unsigned f = lk->opts ? lk->opts->resolvers : 0;
	char buf[64];
	int rc;

	if (f == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s%s%s", (f & LNK_RESOLVE_HOSTNAME) ? "hostname" : "",
	    f == (LNK_RESOLVE_HOSTNAME | LNK_RESOLVE_VERSION) ? "," : "",
	    (f & LNK_RESOLVE_VERSION) ? "version" : "");
	if ((rc = record_meta(lk->cx.out, "lnk.resolvers", buf)) != 0)
		return rc;
	if ((f & LNK_RESOLVE_HOSTNAME) &&
	    (rc = record_meta(lk->cx.out, "lnk.target-name", lk->tname)) != 0)
		return rc;
	if ((f & LNK_RESOLVE_VERSION) &&
	    (rc = record_meta(lk->cx.out, "lnk.target-version", lk->tversion)) != 0)
		return rc;
	return 0;
}

int lnk_link__objects(struct dobj *const *inputs, const char *const *names, size_t n,
    struct typ_file *tf, const struct lnk_opts *opts, struct lnk_diag *diag, struct dobj **out)
{
	struct link lk;
	int rc = 0;

	*out = NULL;
	memset(&lk, 0, sizeof(lk));
	lk.opts = opts;
	lk.cx.diag = diag;
	lk.cx.tf = tf;
	if ((lk.cx.out = dobj__new(DOBJ_LINKED)) == NULL)
		return -ENOMEM;
	target_defaults(&lk);
	rc = record_link_meta(&lk);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		lk.in = inputs[i];
		lk.inname = names && names[i] ? names[i] : "<input>";
		rc = link_input(&lk);
		input_reset(&lk);
		if (rc == -EINVAL)
			rc = 0;	/* reported; keep looking for more errors */
	}
	if (rc == 0)
		rc = lk.cx.rc;
	if (rc == 0) {
		struct dobj_err e;
		if (dobj__check(lk.cx.out, &e) != 0) {
			char m[400];
			dobj_err__format(&e, m, sizeof(m));
			lnk_error_plain(&lk.cx, "dld", "internal linker error: output object is "
			    "inconsistent: %s", m);
			rc = -EINVAL;
		}
	}
	link_free(&lk);
	if (rc != 0) {
		dobj__free(lk.cx.out);
		return rc;
	}
	*out = lk.cx.out;
	return 0;
}

int lnk_opts__parse_resolvers(const char *s, unsigned *flags)
{
	unsigned f = 0;

	while (s && *s) {
		size_t n = strcspn(s, ",");
		if (n == 8 && strncmp(s, "hostname", n) == 0)
			f |= LNK_RESOLVE_HOSTNAME;
		else if (n == 7 && strncmp(s, "version", n) == 0)
			f |= LNK_RESOLVE_VERSION;
		else if (!(n == 4 && strncmp(s, "none", n) == 0) && n != 0)
			return -EINVAL;
		s += n;
		if (*s == ',')
			s++;
	}
	*flags = f;
	return 0;
}

int lnk_link__files(const char *const *paths, size_t n, const char *typefile,
    const struct lnk_opts *opts, struct lnk_diag *diag, const char *output, struct dobj **out)
{
	struct lnk_ctx cx = { diag, NULL, NULL, 0, 0 };
	struct dobj **objs = calloc(n ? n : 1, sizeof(*objs));
	struct typ_file *tf = NULL;
	struct typ_err te = { "" };
	struct dobj *res = NULL;
	int rc = 0;

	if (out)
		*out = NULL;
	if (objs == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct dobj_err e;
		int r = dobj__read_file(paths[i], &objs[i], &e);
		if (r == -ENOMEM) {
			rc = r;
			break;
		}
		if (r != 0) {
			char m[400];
			if (e.msg[0])
				dobj_err__format(&e, m, sizeof(m));
			else
				snprintf(m, sizeof(m), "%s", strerror(-r));
			lnk_error_plain(&cx, paths[i], "%s", m);
			rc = -EINVAL;
		}
	}
	if (rc == 0 && typ_file__open(typefile, &tf, &te) != 0) {
		size_t k = strlen(typefile);
		const char *m = strncmp(te.msg, typefile, k) == 0 && strncmp(te.msg + k, ": ", 2) == 0 ?
		    te.msg + k + 2 : te.msg;
		lnk_error_plain(&cx, typefile, "%s", m);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = lnk_link__objects(objs, paths, n, tf, opts, diag, &res);
	if (rc == 0 && output) {
		int w = dobj__write_file(res, output);
		if (w != 0) {
			lnk_error_plain(&cx, output, "cannot write: %s", strerror(-w));
			rc = w == -ENOMEM ? w : -EINVAL;
		}
	}
	for (size_t i = 0; i < n; i++)
		dobj__free(objs[i]);
	free(objs);
	typ_file__free(tf);
	if (rc == 0 && out)
		*out = res;
	else
		dobj__free(res);
	return rc;
}
