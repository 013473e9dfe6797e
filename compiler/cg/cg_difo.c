/*
 * cg_difo.c -- building one DIFO: instruction text, forward labels, the
 * de-duplicated integer table, the DIF string table (offset 0 is ""), the
 * variable table, relocations and the line table; register allocation; and
 * the diagnostics of the back end.
 *
 * Invariants: %r0 is never allocated; cg_reg hands out the lowest free one of
 * %r1..%r7 and reports D_NOREG when none is left.  Labels are only placed
 * after the branches that use them (DIF branches are forward), and
 * cg_difo_finish patches every branch, checks the DIFO with the validator
 * (relocatable mode) and moves it into the object.  An error inside a DIFO
 * unwinds with longjmp to the statement that started it (cg_prog.c), after
 * which the DIFO is discarded; memory is owned by struct cg_difo and freed by
 * cg_difo_fini on both paths.  Read cg_expr.c next.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"
#include "dvm_validate.h"

static void report(struct cg *g, const struct dc_loc *loc, enum dc_errtag tag,
		   const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	g->nerrors++;
	if (g->sink == NULL)
		return;
	struct dc_diag d = { .sev = DC_SEV_ERROR, .tag = tag,
		.file = loc && loc->file ? loc->file : "<unknown>",
		.line = loc ? loc->line : 0, .col = loc ? loc->col : 0, .msg = msg };
	g->sink(g->sink_ctx, &d);
}

void cg_error(struct cg *g, const struct dc_loc *loc, enum dc_errtag tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(g, loc, tag, fmt, ap);
	va_end(ap);
}

void cg_fail(struct cg *g, const struct dc_loc *loc, enum dc_errtag tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(g, loc, tag, fmt, ap);
	va_end(ap);
	longjmp(g->fail, 1);
}

/* Grow an array to hold `need` elements; out of memory unwinds. */
void *cg_grow(struct cg *g, void *arr, uint32_t *cap, uint32_t need, size_t elsz)
{
	if (need <= *cap)
		return arr;
	uint32_t nc = *cap ? *cap * 2 : 16;
	while (nc < need)
		nc *= 2;
	void *na = realloc(arr, (size_t)nc * elsz);
	if (na == NULL)
		cg_fail(g, g->loc, D_UNKNOWN, "out of memory");
	*cap = nc;
	return na;
}

void cg_difo_init(struct cg_difo *d)
{
	memset(d, 0, sizeof(*d));
}

void cg_difo_fini(struct cg_difo *d)
{
	free(d->text);
	free(d->ints);
	free(d->strs);
	free(d->vars);
	free(d->rels);
	free(d->lines);
	free(d->labels);
	free(d->fix);
	memset(d, 0, sizeof(*d));
}

void cg_emit(struct cg *g, dif_instr_t ins)
{
	struct cg_difo *d = g->d;

	if (d->len >= CG_MAX_TEXT)
		cg_fail(g, g->loc, D_UNKNOWN, "DIF program is too long (%u instructions)",
			d->len);
	d->text = cg_grow(g, d->text, &d->cap, d->len + 1, sizeof(*d->text));
	d->text[d->len++] = ins;
}

/* Lowest free register of %r1..%r7. */
int cg_reg(struct cg *g)
{
	for (int r = 1; r < DIF_DIR_NREGS; r++)
		if (!(g->d->regs & (1u << r))) {
			g->d->regs |= 1u << r;
			return r;
		}
	cg_fail(g, g->loc, D_NOREG, "expression is too complex: it needs more than %d "
		"registers", DIF_DIR_NREGS - 1);
}

void cg_free(struct cg *g, int r)
{
	if (r > 0)
		g->d->regs &= ~(1u << r);
}

uint32_t cg_label(struct cg *g)
{
	struct cg_difo *d = g->d;

	d->labels = cg_grow(g, d->labels, &d->clabels, d->nlabels + 1, sizeof(*d->labels));
	d->labels[d->nlabels].pc = UINT32_MAX;
	return d->nlabels++;
}

/* op label: the label index is kept in the field until cg_difo_finish. */
void cg_branch(struct cg *g, int op, uint32_t label)
{
	struct cg_difo *d = g->d;

	d->fix = cg_grow(g, d->fix, &d->cfix, d->nfix + 1, sizeof(*d->fix));
	d->fix[d->nfix++] = d->len;
	cg_emit(g, DIF_INSTR_BRANCH(op, label));
}

void cg_place(struct cg *g, uint32_t label)
{
	g->d->labels[label].pc = g->d->len;
}

/* setx v, %rd  -- v from the de-duplicated integer table */
void cg_setx(struct cg *g, uint64_t v, int rd)
{
	struct cg_difo *d = g->d;
	uint32_t i;

	for (i = 0; i < d->nints; i++)
		if (d->ints[i] == v)
			break;
	if (i == d->nints) {
		if (d->nints > DIF_INTOFF_MAX)
			cg_fail(g, g->loc, D_UNKNOWN, "too many integer constants in one DIFO");
		d->ints = cg_grow(g, d->ints, &d->cints, d->nints + 1, sizeof(*d->ints));
		d->ints[d->nints++] = v;
	}
	cg_emit(g, DIF_INSTR_IMM16(DIF_OP_SETX, i, rd));
}

/* Offset of s (len bytes, no NUL inside) in the DIF string table. */
uint32_t cg_dstr(struct cg *g, const char *s, size_t len)
{
	struct cg_difo *d = g->d;

	if (d->nstrs == 0) {
		d->strs = cg_grow(g, d->strs, &d->cstrs, 1, 1);
		d->strs[0] = '\0';
		d->nstrs = 1;
	}
	for (uint32_t off = 0; off < d->nstrs; off += (uint32_t)strlen(d->strs + off) + 1)
		if (strlen(d->strs + off) == len && memcmp(d->strs + off, s, len) == 0)
			return off;
	if ((uint64_t)d->nstrs + len + 1 > DIF_STROFF_MAX)
		cg_fail(g, g->loc, D_UNKNOWN, "DIF string table exceeds 64 KiB");
	d->strs = cg_grow(g, d->strs, &d->cstrs, d->nstrs + (uint32_t)len + 1, 1);
	uint32_t off = d->nstrs;
	memcpy(d->strs + off, s, len);
	d->strs[off + len] = '\0';
	d->nstrs += (uint32_t)len + 1;
	return off;
}

/* sets off, %rd */
void cg_sets(struct cg *g, const char *s, size_t len, int rd)
{
	size_t n = strnlen(s, len);	/* a NUL inside the literal ends the string */

	cg_emit(g, DIF_INSTR_IMM16(DIF_OP_SETS, cg_dstr(g, s, n), rd));
}

/*
 * usetx rel, %rd / typecast rel, %rd / uload [%r1], %rd / uuload [%r1], %rd /
 * ustore %r1, [%rd] with its one relocation; type and member are object-string offsets.
 */
void cg_reloc(struct cg *g, int op, int kind, const char *type, const char *member,
	      int r1, int rd)
{
	cg_reloc_root(g, op, kind, 0, type, member, r1, rd);
}

const char cg_curthread_root[] = "curthread";

/* cg_reloc with root flags: DIF_RELOC_F_SYMBOL (type names a kernel
 * symbol) or DIF_RELOC_F_ARG (type is "args[N]").  A type that is
 * cg_curthread_root itself (compared by address, so no target type that
 * happens to be spelled "curthread" is caught) is rooted at the built-in:
 * every path that names curthread's pointee, however deep the member
 * chain or whatever the kind, gets DIF_RELOC_F_BUILTIN here. */
void cg_reloc_root(struct cg *g, int op, int kind, unsigned flags, const char *type,
		   const char *member, int r1, int rd)
{
	struct cg_difo *d = g->d;
	uint32_t idx = d->nrels;

	if (type == cg_curthread_root)
		flags |= DIF_RELOC_F_BUILTIN;
	flags |= g->reloc_guard;

	d->rels = cg_grow(g, d->rels, &d->crels, d->nrels + 1, sizeof(*d->rels));
	d->rels[idx] = (struct dif_reloc){ .dtr_pc = d->len, .dtr_kind = (uint16_t)kind,
		.dtr_flags = (uint16_t)flags, .dtr_type = dobj__intern(g->obj, type),
		.dtr_member = member && *member ? dobj__intern(g->obj, member) : 0 };
	d->nrels++;
	if (op == DIF_OP_USETX || op == DIF_OP_TYPECAST)
		cg_emit(g, DIF_INSTR_IMM16(op, idx, rd));
	else
		cg_emit(g, DIF_INSTR_FMT(op, r1, 0, rd));
}

/* Record a variable read (DIFV_F_REF) or write (DIFV_F_MOD) in the vartab. */
void cg_use_var(struct cg *g, const struct cg_var *v, unsigned flag)
{
	struct cg_difo *d = g->d;

	for (uint32_t i = 0; i < d->nvars; i++)
		if (d->vars[i].dtdv_id == v->id && d->vars[i].dtdv_scope == v->scope) {
			d->vars[i].dtdv_flags |= (uint16_t)flag;
			return;
		}
	d->vars = cg_grow(g, d->vars, &d->cvars, d->nvars + 1, sizeof(*d->vars));
	struct dif_var *e = &d->vars[d->nvars++];
	memset(e, 0, sizeof(*e));
	e->dtdv_name = cg_dstr(g, v->name, strlen(v->name));
	e->dtdv_id = v->id;
	e->dtdv_kind = (uint8_t)v->kind;
	e->dtdv_scope = (uint8_t)v->scope;
	e->dtdv_flags = (uint16_t)flag;
	e->dtdv_type = cg_diftype(g, v->type);
}

/* A line-table entry for the instructions that follow. */
void cg_line(struct cg *g, const struct dc_loc *loc)
{
	struct cg_difo *d = g->d;

	if (loc == NULL || loc->line <= 0)
		return;
	struct dobj_srcpos pos = { dobj__intern(g->obj, loc->file ? loc->file : ""),
		(uint32_t)loc->line, (uint32_t)(loc->col > 0 ? loc->col : 0) };
	if (d->nlines > 0) {
		struct dobj_line *last = &d->lines[d->nlines - 1];
		if (memcmp(&last->pos, &pos, sizeof(pos)) == 0)
			return;
		if (last->pc == d->len) {
			last->pos = pos;
			return;
		}
	}
	d->lines = cg_grow(g, d->lines, &d->clines, d->nlines + 1, sizeof(*d->lines));
	d->lines[d->nlines++] = (struct dobj_line){ d->len, pos };
}

/* A line entry when an expression starts on a new source line (multi-line statements). */
void cg_line_expr(struct cg *g, const struct dc_loc *loc)
{
	struct cg_difo *d = g->d;

	if (loc == NULL || loc->line <= 0 || d->nlines == 0)
		return;
	const struct dobj_line *last = &d->lines[d->nlines - 1];
	if (last->pos.line == (uint32_t)loc->line &&
	    strcmp(dobj__str(g->obj, last->pos.file), loc->file ? loc->file : "") == 0)
		return;
	cg_line(g, loc);
}

/* Patch branches, validate, and move the DIFO into the object. */
int cg_difo_finish(struct cg *g, int32_t *index)
{
	struct cg_difo *d = g->d;

	if (d->nstrs == 0)
		cg_dstr(g, "", 0);
	for (uint32_t i = 0; i < d->nfix; i++) {
		dif_instr_t *ins = &d->text[d->fix[i]];
		uint32_t pc = d->labels[DIF_INSTR_LABEL(*ins)].pc;
		*ins = DIF_INSTR_BRANCH(DIF_INSTR_OP(*ins), pc);
	}
	struct dif_difo view = { .dtdo_buf = d->text, .dtdo_len = d->len,
		.dtdo_intlen = d->nints, .dtdo_inttab = d->ints, .dtdo_strtab = d->strs,
		.dtdo_strlen = d->nstrs, .dtdo_varlen = d->nvars, .dtdo_vartab = d->vars,
		.dtdo_reltab = d->rels, .dtdo_rellen = d->nrels, .dtdo_rtype = d->rtype,
		.dtdo_destructive = d->destructive };
	struct dvm_validate_opts vo = { .dvo_flags = DVM_VF_RELOCATABLE };
	struct dvm_verr errs[4];
	unsigned n = dvm_difo__validate(&view, &vo, errs, 4);
	if (n != 0) {
		char line[160];
		dvm_verr__format(&errs[0], line, sizeof(line));
		cg_fail(g, g->loc, D_UNKNOWN, "internal error: generated DIF is invalid: %s",
			line);
	}
	int i = dobj__add_difo(g->obj);
	if (i < 0)
		cg_fail(g, g->loc, D_UNKNOWN, "out of memory");
	struct dobj_difo *o = &g->obj->difos[i];
	if (dobj_difo__set_text(o, d->text, d->len) < 0 ||
	    dobj_difo__set_inttab(o, d->ints, d->nints) < 0 ||
	    dobj_difo__set_strtab(o, d->strs, d->nstrs) < 0 ||
	    dobj_difo__set_vartab(o, d->vars, d->nvars) < 0 ||
	    dobj_difo__set_reltab(o, d->rels, d->nrels) < 0 ||
	    dobj_difo__set_lines(o, d->lines, d->nlines) < 0)
		cg_fail(g, g->loc, D_UNKNOWN, "out of memory");
	o->rtype = d->rtype;
	o->flags = d->destructive ? DOBJ_DIFO_F_DESTRUCTIVE : 0;
	*index = i;
	return 0;
}
