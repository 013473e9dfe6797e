/*
 * dasm_dis.c — the disassembler (object -> assembly text), the `dtrace -S`
 * style listings, and deep equality of objects.
 *
 * Theory.  The disassembly must re-assemble to an equal object, and should
 * read like hand-written assembly.  These pull apart in a few places: the
 * order of the object string table, clauses whose probe/action ranges do
 * not tile the arrays in order, relocations and line entries that are not
 * one-per-instruction in pc order.  So the printer has modes:
 *
 *   pretty     probes/actions inside their clause, relocations written on
 *              their instruction, line entries between instructions;
 *   +STRTAB    a leading `.strtab` fixes the object string-table order;
 *   +EXPLICIT  top-level probes and actions with clause ranges, `.reloc`
 *              and `.line` with explicit pcs — expresses any object.
 *
 * dasm__disassemble renders the pretty form, assembles it back and compares
 * (dasm__equal); on a difference it adds STRTAB, then EXPLICIT.  The choice
 * depends only on the object, so the output is deterministic and a second
 * round trip prints the same text.  Instruction words whose reserved bits
 * are set, whose opcode is unknown, or branches the assembler would refuse
 * (not forward to a pc inside the text) are printed as `.word`.
 *
 * DIFO tables are always written out (`.int`, `.string`) and instructions
 * name table slots (DT_INTEGER[i], DT_STRING[off], DT_VAR(id)) with the
 * resolved value in a `!` comment, as `dtrace -S` does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dasm_impl.h"

#define INSTR_COLUMN	30	/* where a `!` comment starts */

const struct dif_reloc *dasm_reloc_at(const struct dobj_difo *d, uint32_t pc)
{
	for (uint32_t i = 0; i < d->rellen; i++)
		if (d->reltab[i].dtr_pc == pc)
			return &d->reltab[i];
	return NULL;
}

void dasm_print_reloc_expr(FILE *fp, const struct dobj *obj, const struct dif_reloc *r)
{
	const char *k = dasm_name_of(DASM_T_RELOC, r->dtr_kind);
	const char *type = dobj__str(obj, r->dtr_type);

	if (k != NULL)
		fputs(k, fp);
	else
		fprintf(fp, "%u", r->dtr_kind);
	fputc('(', fp);
	dasm_print_string(fp, type, strlen(type));
	if (r->dtr_member != 0) {
		const char *m = dobj__str(obj, r->dtr_member);

		fputs(", ", fp);
		dasm_print_string(fp, m, strlen(m));
	}
	static const struct { uint16_t f; const char *name; } named[] = {
		{ DIF_RELOC_F_BITFIELD, "bitfield" },
		{ DIF_RELOC_F_SYMBOL, "symbol" },
		{ DIF_RELOC_F_ARG, "arg" },
		{ DIF_RELOC_F_BUILTIN, "builtin" },
		{ DIF_RELOC_F_GUARDED, "guarded" },
	};
	uint16_t rest = r->dtr_flags;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (rest & named[i].f) {
			fprintf(fp, ", %s", named[i].name);
			rest &= (uint16_t)~named[i].f;
		}
	}
	if (rest != 0)
		fprintf(fp, ", 0x%x", rest);
	fputc(')', fp);
}

/* The name of variable (id, scope) in d's table, or NULL. */
static const char *difo_var_name(const struct dobj_difo *d, uint32_t id, int scope)
{
	for (uint32_t i = 0; i < d->varlen; i++) {
		const struct dif_var *v = &d->vartab[i];

		if (v->dtdv_id != id || v->dtdv_scope != scope)
			continue;
		if (v->dtdv_name < d->strlen &&
		    memchr(d->strtab + v->dtdv_name, '\0', d->strlen - v->dtdv_name) != NULL)
			return d->strtab + v->dtdv_name;
		return NULL;
	}
	if (scope == DIFV_SCOPE_GLOBAL && id < DIF_VAR_OTHER_UBASE)
		return dasm_name_of(DASM_T_VAR, id);
	return NULL;
}

/* The string at a DIF string-table offset, bounded by the table. */
static void print_difo_str(FILE *fp, const struct dobj_difo *d, uint32_t off)
{
	const char *s = d->strtab + off;
	const char *nul = memchr(s, '\0', d->strlen - off);

	dasm_print_string(fp, s, nul ? (size_t)(nul - s) : d->strlen - off);
}

/* Does re-encoding the decoded fields give back w?  (reserved bits zero) */
static bool encodes_back(const struct dasm_op *op, dif_instr_t w)
{
	unsigned r1 = DIF_INSTR_R1(w), r2 = DIF_INSTR_R2(w), rd = DIF_INSTR_RD(w);
	dif_instr_t e;

	switch (op->form) {
	case DIF_FORM_NONE: e = DIF_INSTR_FMT(op->num, 0, 0, 0); break;
	case DIF_FORM_R2: case DIF_FORM_LOAD: case DIF_FORM_STORE:
		e = DIF_INSTR_FMT(op->num, r1, 0, rd); break;
	case DIF_FORM_CMP: e = DIF_INSTR_FMT(op->num, r1, r2, 0); break;
	case DIF_FORM_TST: e = DIF_INSTR_FMT(op->num, r1, 0, 0); break;
	case DIF_FORM_RET: e = DIF_INSTR_FMT(op->num, 0, 0, rd); break;
	default: return true;	/* every bit is a field */
	}
	return e == w;
}

static bool regs_ok(const struct dasm_op *op, dif_instr_t w)
{
	unsigned r1 = DIF_INSTR_R1(w), r2 = DIF_INSTR_R2(w), rd = DIF_INSTR_RD(w);
	unsigned n = DIF_DIR_NREGS;

	switch (op->form) {
	case DIF_FORM_R3: return r1 < n && r2 < n && rd < n;
	case DIF_FORM_R2: case DIF_FORM_LOAD: case DIF_FORM_STORE: return r1 < n && rd < n;
	case DIF_FORM_CMP: return r1 < n && r2 < n;
	case DIF_FORM_TST: return r1 < n;
	case DIF_FORM_LDA: case DIF_FORM_PUSH: return r2 < n && rd < n;
	case DIF_FORM_BRANCH: return true;
	case DIF_FORM_NONE: return true;
	default: return rd < n;
	}
}

bool dasm_print_instr(FILE *out, const struct dobj *obj, const struct dobj_difo *d,
    uint32_t pc, bool inline_reloc)
{
	dif_instr_t w = d->text[pc];
	const struct dasm_op *op = dasm_op_by_num(DIF_INSTR_OP(w));
	unsigned r1 = DIF_INSTR_R1(w), r2 = DIF_INSTR_R2(w), rd = DIF_INSTR_RD(w);
	uint32_t idx = DIF_INSTR_VAR(w);
	char *ibuf = NULL, *cbuf = NULL;
	size_t ilen = 0, clen = 0;
	FILE *fp, *cp;
	const char *name;
	const struct dif_reloc *rel;

	if (op == NULL || !encodes_back(op, w) || !regs_ok(op, w))
		return false;
	/* the assembler refuses a branch that is not forward inside the text */
	if (op->form == DIF_FORM_BRANCH && (DIF_INSTR_LABEL(w) <= pc ||
	    DIF_INSTR_LABEL(w) >= d->len))
		return false;
	fp = open_memstream(&ibuf, &ilen);
	cp = open_memstream(&cbuf, &clen);
	if (fp == NULL || cp == NULL) {
		if (fp != NULL)
			fclose(fp);
		free(ibuf);
		return false;
	}
	fprintf(fp, "%s", op->name);
	switch (op->form) {
	case DIF_FORM_NONE:
		break;
	case DIF_FORM_R3:
		fprintf(fp, " %%r%u, %%r%u, %%r%u", r1, r2, rd);
		break;
	case DIF_FORM_R2:
		fprintf(fp, " %%r%u, %%r%u", r1, rd);
		break;
	case DIF_FORM_LOAD:
		fprintf(fp, " [%%r%u], %%r%u", r1, rd);
		if (inline_reloc && DIF_OP_IS_RELOCATABLE(op->num) &&
		    (rel = dasm_reloc_at(d, pc)) != NULL) {
			fputs(", ", fp);
			dasm_print_reloc_expr(fp, obj, rel);
		}
		break;
	case DIF_FORM_STORE:
		fprintf(fp, " %%r%u, [%%r%u]", r1, rd);
		if (inline_reloc && DIF_OP_IS_RELOCATABLE(op->num) &&
		    (rel = dasm_reloc_at(d, pc)) != NULL) {
			fputs(", ", fp);
			dasm_print_reloc_expr(fp, obj, rel);
		}
		break;
	case DIF_FORM_CMP:
		fprintf(fp, " %%r%u, %%r%u", r1, r2);
		break;
	case DIF_FORM_TST:
		fprintf(fp, " %%r%u", r1);
		break;
	case DIF_FORM_BRANCH:
		fprintf(fp, " %u", DIF_INSTR_LABEL(w));
		break;
	case DIF_FORM_RET:
		fprintf(fp, " %%r%u", rd);
		break;
	case DIF_FORM_SETX:
		fprintf(fp, " DT_INTEGER[%u], %%r%u", idx, rd);
		if (idx < d->intlen)
			fprintf(cp, "0x%llx", (unsigned long long)d->inttab[idx]);
		break;
	case DIF_FORM_SETS:
		fprintf(fp, " DT_STRING[%u], %%r%u", idx, rd);
		if (idx < d->strlen)
			print_difo_str(cp, d, idx);
		break;
	case DIF_FORM_CALL:
		fprintf(fp, " DIF_SUBR(%u), %%r%u", idx, rd);
		if ((name = dasm_name_of(DASM_T_SUBR, idx)) != NULL)
			fputs(name, cp);
		break;
	case DIF_FORM_LDV:
	case DIF_FORM_STV:
		if (op->form == DIF_FORM_LDV)
			fprintf(fp, " DT_VAR(%u), %%r%u", idx, rd);
		else
			fprintf(fp, " %%r%u, DT_VAR(%u)", rd, idx);
		if ((name = difo_var_name(d, idx, dasm_op_scope(op->num))) != NULL) {
			fprintf(cp, "DT_VAR(%u) = ", idx);
			dasm_print_string(cp, name, strlen(name));
		}
		break;
	case DIF_FORM_LDA:
		fprintf(fp, " DT_VAR(%u), %%r%u, %%r%u", r1, r2, rd);
		if ((name = difo_var_name(d, r1, dasm_op_scope(op->num))) != NULL) {
			fprintf(cp, "DT_VAR(%u) = ", r1);
			dasm_print_string(cp, name, strlen(name));
		}
		break;
	case DIF_FORM_PUSH:
		fprintf(fp, " DT_TYPE(%u), %%r%u, %%r%u", r1, r2, rd);
		if (r1 == DIF_TYPE_CTF)
			fprintf(cp, "DT_TYPE(%u) = D type", r1);
		else if (r1 == DIF_TYPE_STRING)
			fprintf(cp, "DT_TYPE(%u) = string", r1);
		break;
	case DIF_FORM_XLATE:
		fprintf(fp, " DT_XLREF[%u], %%r%u", idx, rd);
		break;
	case DIF_FORM_RELOC:
		rel = dasm_reloc_at(d, pc);
		if (inline_reloc && rel != NULL && (uint32_t)(rel - d->reltab) == idx) {
			fputc(' ', fp);
			dasm_print_reloc_expr(fp, obj, rel);
			fprintf(fp, ", %%r%u", rd);
		} else {
			fprintf(fp, " DT_RELOC[%u], %%r%u", idx, rd);
			/* the relocation that sits on this pc is the one dld applies */
			if (rel != NULL)
				dasm_print_reloc_expr(cp, obj, rel);
			else if (idx < d->rellen)
				dasm_print_reloc_expr(cp, obj, &d->reltab[idx]);
			if (rel != NULL && (uint32_t)(rel - d->reltab) != idx)
				fprintf(cp, " (reloc %u; the index field says %u)",
				    (unsigned)(rel - d->reltab), idx);
		}
		break;
	default:
		break;
	}
	fclose(fp);
	fclose(cp);
	if (clen > 0)
		fprintf(out, "%-*s ! %s", INSTR_COLUMN, ibuf, cbuf);
	else
		fputs(ibuf, out);
	free(ibuf);
	free(cbuf);
	return true;
}

/* ------------------------------------------------------------------ */
/* Assembly text                                                      */

static void print_pos(FILE *fp, const struct dobj *obj, const struct dobj_srcpos *p)
{
	const char *f = dobj__str(obj, p->file);

	dasm_print_string(fp, f, strlen(f));
	fprintf(fp, ":%u:%u", p->line, p->col);
}

static bool pos_set(const struct dobj_srcpos *p)
{
	return p->file != 0 || p->line != 0 || p->col != 0;
}

static void print_opt_pos(FILE *fp, const struct dobj *obj, const struct dobj_srcpos *p)
{
	if (!pos_set(p))
		return;
	fputs(" @", fp);
	print_pos(fp, obj, p);
}

static void print_ostr(FILE *fp, const struct dobj *obj, uint32_t off)
{
	const char *s = dobj__str(obj, off);

	dasm_print_string(fp, s, strlen(s));
}

static void print_oname(FILE *fp, const struct dobj *obj, uint32_t off)
{
	dasm_print_name(fp, dobj__str(obj, off));
}

static void print_named_num(FILE *fp, enum dasm_table t, long v)
{
	const char *n = dasm_name_of(t, v);

	if (n != NULL)
		fputs(n, fp);
	else
		fprintf(fp, "%ld", v);
}

static void print_u64(FILE *fp, uint64_t v)
{
	if (v < 0x10000)
		fprintf(fp, "%llu", (unsigned long long)v);
	else
		fprintf(fp, "0x%llx", (unsigned long long)v);
}

/* Offset the assembler's `.var NAME` lookup would give (first piece). */
static long first_piece(const struct dobj_difo *d, const char *s)
{
	uint32_t off = 0;

	while (off < d->strlen) {
		const char *p = d->strtab + off;
		const char *nul = memchr(p, '\0', d->strlen - off);

		if (nul == NULL)
			return -1;
		if (strcmp(p, s) == 0)
			return off;
		off += (uint32_t)(nul - p) + 1;
	}
	return -1;
}

static void print_var(FILE *fp, const struct dobj_difo *d, const struct dif_var *v)
{
	fputs("\t.var ", fp);
	if (v->dtdv_name < d->strlen && memchr(d->strtab + v->dtdv_name, '\0',
	    d->strlen - v->dtdv_name) != NULL &&
	    first_piece(d, d->strtab + v->dtdv_name) == (long)v->dtdv_name)
		dasm_print_name(fp, d->strtab + v->dtdv_name);
	else
		fprintf(fp, "DT_STRING[%u]", v->dtdv_name);
	fprintf(fp, " id=0x%x kind=", v->dtdv_id);
	print_named_num(fp, DASM_T_VKIND, v->dtdv_kind);
	fputs(" scope=", fp);
	print_named_num(fp, DASM_T_SCOPE, v->dtdv_scope);
	switch (v->dtdv_flags) {
	case 0: fputs(" flags=none", fp); break;
	case DIFV_F_REF: fputs(" flags=r", fp); break;
	case DIFV_F_MOD: fputs(" flags=w", fp); break;
	case DIFV_F_REF | DIFV_F_MOD: fputs(" flags=rw", fp); break;
	default: fprintf(fp, " flags=0x%x", v->dtdv_flags); break;
	}
	fputs(" type=", fp);
	dasm_print_type(fp, &v->dtdv_type);
	fputc('\n', fp);
}

static bool lines_sorted(const struct dobj_difo *d)
{
	for (uint32_t i = 0; i < d->nlines; i++)
		if (d->lines[i].pc > d->len || (i > 0 && d->lines[i].pc < d->lines[i - 1].pc))
			return false;
	return true;
}

static void print_difo(FILE *fp, const struct dobj *obj, uint32_t di, unsigned mode)
{
	const struct dobj_difo *d = &obj->difos[di];
	bool explicit = (mode & DASM_DIS_EXPLICIT) != 0;
	bool inline_lines = !explicit && lines_sorted(d);
	uint32_t li = 0, off = 0;

	fprintf(fp, "\n.difo d%u rtype=", di);
	dasm_print_type(fp, &d->rtype);
	if (d->flags & DOBJ_DIFO_F_DESTRUCTIVE)
		fputs(" destructive", fp);
	if (d->flags & ~(uint32_t)DOBJ_DIFO_F_DESTRUCTIVE)
		fprintf(fp, " flags=0x%x", d->flags & ~(uint32_t)DOBJ_DIFO_F_DESTRUCTIVE);
	fputc('\n', fp);
	for (uint32_t i = 0; i < d->intlen; i++)
		fprintf(fp, "\t.int 0x%-*llx ! DT_INTEGER[%u]\n", INSTR_COLUMN - 7,
		    (unsigned long long)d->inttab[i], i);
	while (off < d->strlen) {
		const char *p = d->strtab + off;
		const char *nul = memchr(p, '\0', d->strlen - off);
		size_t n = nul ? (size_t)(nul - p) : d->strlen - off;

		char *sb = NULL;
		size_t sl = 0;
		FILE *sp = open_memstream(&sb, &sl);

		if (sp != NULL) {
			fputs(nul ? ".string " : ".strraw ", sp);
			dasm_print_string(sp, p, n);
			fclose(sp);
		}
		fprintf(fp, "\t%-*s ! DT_STRING[%u]\n", INSTR_COLUMN, sb ? sb : "", off);
		free(sb);
		off += (uint32_t)n + (nul ? 1 : 0);
	}
	for (uint32_t i = 0; i < d->varlen; i++)
		print_var(fp, d, &d->vartab[i]);
	if (explicit) {
		for (uint32_t i = 0; i < d->rellen; i++) {
			fprintf(fp, "\t.reloc %u ", d->reltab[i].dtr_pc);
			dasm_print_reloc_expr(fp, obj, &d->reltab[i]);
			fputc('\n', fp);
		}
	}
	if (!inline_lines) {
		for (uint32_t i = 0; i < d->nlines; i++) {
			fprintf(fp, "\t.line %u ", d->lines[i].pc);
			print_pos(fp, obj, &d->lines[i].pos);
			fputc('\n', fp);
		}
	}
	for (uint32_t pc = 0; pc <= d->len; pc++) {
		while (inline_lines && li < d->nlines && d->lines[li].pc == pc) {
			fputs("\t.line ", fp);
			print_pos(fp, obj, &d->lines[li++].pos);
			fputc('\n', fp);
		}
		if (pc == d->len)
			break;
		fprintf(fp, "\t%02u: %08x    ", pc, d->text[pc]);
		if (!dasm_print_instr(fp, obj, d, pc, !explicit))
			fprintf(fp, ".word 0x%08x", d->text[pc]);
		fputc('\n', fp);
	}
	fputs(".end\n", fp);
}

/*
 * An action or aggregation argument, decoded into the assembler's encoding
 * helpers where that is exact: lquantize(base, limit, step),
 * llquantize(factor, low, high, nsteps), ustack(nframes, strsize).
 */
static void print_arg(FILE *fp, unsigned kind, uint64_t arg)
{
	const char *la = kind == DIF_ACT_LIBACT && arg <= 0xffff ?
	    dasm_name_of(DASM_T_LIBACT, (long)arg) : NULL;

	if (la != NULL) {
		fputs(la, fp);
	} else if (kind == DIF_ACT_LQUANTIZE) {
		int64_t step = (int64_t)(arg >> 48), levels = (int64_t)((arg >> 32) & 0xffff);
		int64_t base = (int32_t)(uint32_t)arg, limit = base + levels * step;

		if (step > 0 && levels > 0 && limit <= INT32_MAX)
			fprintf(fp, "lquantize(%lld, %lld, %lld)", (long long)base,
			    (long long)limit, (long long)step);
		else
			print_u64(fp, arg);
	} else if (kind == DIF_ACT_LLQUANTIZE) {
		fprintf(fp, "llquantize(%u, %u, %u, %u)", (unsigned)(arg >> 48),
		    (unsigned)(arg >> 32) & 0xffff, (unsigned)(arg >> 16) & 0xffff,
		    (unsigned)arg & 0xffff);
	} else if (kind == DIF_ACT_USTACK || kind == DIF_ACT_JSTACK) {
		fprintf(fp, "ustack(%u, %u)", (unsigned)arg, (unsigned)(arg >> 32));
	} else {
		print_u64(fp, arg);
	}
}

static void print_ref(FILE *fp, const char *key, char prefix, int32_t idx, uint32_t n)
{
	if (idx == -1)
		return;
	if (idx >= 0 && (uint32_t)idx < n)
		fprintf(fp, " %s=%c%d", key, prefix, idx);
	else
		fprintf(fp, " %s=%d", key, idx);
}

static void print_action(FILE *fp, const struct dobj *obj, const struct dobj_action *a,
    const char *indent)
{
	fprintf(fp, "%s.action ", indent);
	print_named_num(fp, DASM_T_ACTION, a->kind);
	print_ref(fp, "difo", 'd', a->difo, obj->ndifos);
	print_ref(fp, "format", 'f', a->format, obj->nformats);
	if (a->ntuple != 0)
		fprintf(fp, " ntuple=%u", a->ntuple);
	if (a->arg != 0) {
		fputs(" arg=", fp);
		print_arg(fp, a->kind, a->arg);
	}
	if (a->flags != 0)
		fprintf(fp, " flags=0x%x", a->flags);
	if (a->str != 0) {
		fputs(" str=", fp);
		print_ostr(fp, obj, a->str);
	}
	print_opt_pos(fp, obj, &a->pos);
	fputc('\n', fp);
}

static bool probe_field_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s > ' ' && *s < 0x7f && *s != '!' && *s != '#' && *s != '"' &&
		    *s != '@' && *s != ',' && *s != ':'))
			return false;
	return true;
}

static void print_probe(FILE *fp, const struct dobj *obj, const struct dobj_probe *p,
    const char *indent)
{
	const uint32_t f[5] = { p->target, p->provider, p->module, p->function, p->name };
	bool raw = true, any = false;

	for (int i = 0; i < 5; i++) {
		raw = raw && probe_field_safe(dobj__str(obj, f[i]));
		any = any || f[i] != 0;
	}
	fprintf(fp, "%s.probe ", indent);
	if (raw && any) {
		for (int i = p->target ? 0 : 1; i < 5; i++)
			fprintf(fp, "%s%s", i > (p->target ? 0 : 1) ? ":" : "", dobj__str(obj, f[i]));
	} else {
		for (int i = 0; i < 5; i++) {
			if (i > 0)
				fputs(", ", fp);
			print_ostr(fp, obj, f[i]);
		}
	}
	print_opt_pos(fp, obj, &p->pos);
	fputc('\n', fp);
}

static void print_header(FILE *fp, const struct dobj *obj, unsigned mode)
{
	fprintf(fp, ".object %s\n", obj->kind == DOBJ_LINKED ? "linked" : "relocatable");
	if (mode & DASM_DIS_STRTAB) {
		uint32_t off = 1;

		while (off < obj->strlen) {
			const char *s = obj->strtab + off;
			const char *nul = memchr(s, '\0', obj->strlen - off);

			if (nul == NULL)
				break;
			if (nul != s) {
				fputs(".strtab ", fp);
				dasm_print_string(fp, s, (size_t)(nul - s));
				fputc('\n', fp);
			}
			off += (uint32_t)(nul - s) + 1;
		}
	}
	for (uint32_t i = 0; i < obj->nsrcidents; i++) {
		fputs(".srcident ", fp);
		for (int k = 0; k < DOBJ_IDENT_LEN; k++)
			fprintf(fp, "%02x", obj->srcidents[i][k]);
		fputc('\n', fp);
	}
	for (uint32_t i = 0; i < obj->noptions; i++) {
		fputs(".option ", fp);
		print_oname(fp, obj, obj->options[i].name);
		if (obj->options[i].value != 0) {
			fputc(' ', fp);
			print_ostr(fp, obj, obj->options[i].value);
		}
		fputc('\n', fp);
	}
	for (uint32_t i = 0; i < obj->nmeta; i++) {
		fputs(".meta ", fp);
		print_ostr(fp, obj, obj->meta[i].key);
		fputc(' ', fp);
		print_ostr(fp, obj, obj->meta[i].value);
		fputc('\n', fp);
	}
	for (uint32_t i = 0; i < obj->nsymbols; i++) {
		const struct dobj_symbol *s = &obj->symbols[i];
		static const struct dif_type zero;

		fputs(".symbol ", fp);
		print_oname(fp, obj, s->name);
		fputs(" kind=", fp);
		print_named_num(fp, DASM_T_SYMKIND, s->kind);
		fputs(" varkind=", fp);
		print_named_num(fp, DASM_T_VKIND, s->varkind);
		fprintf(fp, " id=0x%x", s->id);
		if (s->ctype != 0) {
			fputs(" ctype=", fp);
			print_ostr(fp, obj, s->ctype);
		}
		if (s->keytypes != 0) {
			fputs(" keys=", fp);
			print_ostr(fp, obj, s->keytypes);
		}
		if (memcmp(&s->type, &zero, sizeof(zero)) != 0) {
			fputs(" type=", fp);
			dasm_print_type(fp, &s->type);
		}
		fputc('\n', fp);
	}
	for (uint32_t i = 0; i < obj->naggs; i++) {
		const struct dobj_agg *a = &obj->aggs[i];

		fputs(".agg ", fp);
		print_oname(fp, obj, a->name);
		fprintf(fp, " id=%u func=", a->id);
		print_named_num(fp, DASM_T_ACTION, a->func);
		if (a->nkeys != 0)
			fprintf(fp, " nkeys=%u", a->nkeys);
		if (a->arg != 0) {
			fputs(" arg=", fp);
			print_arg(fp, a->func, a->arg);
		}
		if (a->keytypes != 0) {
			fputs(" keys=", fp);
			print_ostr(fp, obj, a->keytypes);
		}
		if (a->valtype != 0) {
			fputs(" value=", fp);
			print_ostr(fp, obj, a->valtype);
		}
		fputc('\n', fp);
	}
	for (uint32_t i = 0; i < obj->nformats; i++) {
		fprintf(fp, ".format f%u ", i);
		print_named_num(fp, DASM_T_ACTION, obj->formats[i].kind);
		fputc(' ', fp);
		print_ostr(fp, obj, obj->formats[i].str);
		if (obj->formats[i].pad != 0)
			fprintf(fp, " pad=%u", obj->formats[i].pad);
		fputc('\n', fp);
	}
}

static void print_clauses(FILE *fp, const struct dobj *obj, unsigned mode)
{
	bool explicit = (mode & DASM_DIS_EXPLICIT) != 0;

	if (explicit) {
		if (obj->nprobes > 0 || obj->nactions > 0)
			fputc('\n', fp);
		for (uint32_t i = 0; i < obj->nprobes; i++)
			print_probe(fp, obj, &obj->probes[i], "");
		for (uint32_t i = 0; i < obj->nactions; i++)
			print_action(fp, obj, &obj->actions[i], "");
	}
	for (uint32_t i = 0; i < obj->nclauses; i++) {
		const struct dobj_clause *c = &obj->clauses[i];

		fputs("\n.clause", fp);
		if (explicit)
			fprintf(fp, " probes=%u:%u actions=%u:%u", c->probe_first,
			    c->probe_count, c->action_first, c->action_count);
		print_opt_pos(fp, obj, &c->pos);
		fputc('\n', fp);
		if (!explicit) {
			for (uint32_t k = 0; k < c->probe_count &&
			    (uint64_t)c->probe_first + k < obj->nprobes; k++)
				print_probe(fp, obj, &obj->probes[c->probe_first + k], "\t");
		}
		if (c->pred != -1) {
			if (c->pred >= 0 && (uint32_t)c->pred < obj->ndifos)
				fprintf(fp, "\t.predicate d%d\n", c->pred);
			else
				fprintf(fp, "\t.predicate %d\n", c->pred);
		}
		if (!explicit) {
			for (uint32_t k = 0; k < c->action_count &&
			    (uint64_t)c->action_first + k < obj->nactions; k++)
				print_action(fp, obj, &obj->actions[c->action_first + k], "\t");
		}
		fputs(".end\n", fp);
	}
}

int dasm_disassemble_mode(const struct dobj *obj, FILE *fp, unsigned mode)
{
	print_header(fp, obj, mode);
	for (uint32_t i = 0; i < obj->ndifos; i++)
		print_difo(fp, obj, i, mode);
	print_clauses(fp, obj, mode);
	return ferror(fp) ? -EIO : 0;
}

static char *render(const struct dobj *obj, unsigned mode, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	int rc = dasm_disassemble_mode(obj, fp, mode);
	if (fclose(fp) != 0 || rc != 0) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	*lenp = len;
	return buf;
}

/* Does `text` assemble back to an object equal to obj? */
static bool round_trips(const struct dobj *obj, const char *text, size_t len)
{
	struct dasm_sink quiet = { .flags = DASM_F_NO_VALIDATE };
	struct dobj *back = NULL;
	bool same;

	if (dasm__assemble(text, len, "<disassembly>", &back, &quiet) != 0)
		return false;
	same = dasm__equal(obj, back);
	dobj__free(back);
	return same;
}

char *dasm__disassemble_str(const struct dobj *obj, size_t *lenp)
{
	static const unsigned modes[] = { 0, DASM_DIS_STRTAB,
	    DASM_DIS_STRTAB | DASM_DIS_EXPLICIT };
	size_t len = 0;
	char *text = NULL;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		free(text);
		if ((text = render(obj, modes[i], &len)) == NULL)
			return NULL;
		if (i + 1 == sizeof(modes) / sizeof(modes[0]) || round_trips(obj, text, len))
			break;
	}
	if (lenp != NULL)
		*lenp = len;
	return text;
}

int dasm__disassemble(const struct dobj *obj, FILE *fp)
{
	size_t len;
	char *text = dasm__disassemble_str(obj, &len);

	if (text == NULL)
		return -errno;
	size_t n = fwrite(text, 1, len, fp);
	free(text);
	return n == len ? 0 : -EIO;
}

/* ------------------------------------------------------------------ */
/* dtrace -S listings                                                 */

static void listing_type(FILE *fp, const struct dif_type *t)
{
	const char *ck = dasm_name_of(DASM_T_CKIND, t->dtdt_ckind);

	if (t->dtdt_kind == DIF_TYPE_CTF)
		fputs("D type", fp);
	else if (t->dtdt_kind == DIF_TYPE_STRING)
		fputs("string", fp);
	else
		fprintf(fp, "0x%x", t->dtdt_kind);
	if (ck != NULL)
		fprintf(fp, " (%s)", ck);
	else
		fprintf(fp, " (0x%x)", t->dtdt_ckind);
	if (t->dtdt_flags & DIF_TF_BYREF)
		fputs(" by ref", fp);
	if (t->dtdt_flags & DIF_TF_BYUREF)
		fputs(" by user ref", fp);
	fprintf(fp, " (size %u)", t->dtdt_size);
}

static void listing_body(FILE *fp, const struct dobj *obj, const struct dobj_difo *d)
{
	fprintf(fp, "%-3s %-8s    %s\n", "OFF", "OPCODE", "INSTRUCTION");
	for (uint32_t pc = 0; pc < d->len; pc++) {
		fprintf(fp, "%02u: %08x    ", pc, d->text[pc]);
		if (!dasm_print_instr(fp, obj, d, pc, true))
			fprintf(fp, ".word 0x%08x", d->text[pc]);
		fputc('\n', fp);
	}
	if (d->varlen != 0)
		fprintf(fp, "\n%-16s %-4s %-3s %-3s %-4s %s\n",
		    "NAME", "ID", "KND", "SCP", "FLAG", "TYPE");
	for (uint32_t i = 0; i < d->varlen; i++) {
		const struct dif_var *v = &d->vartab[i];
		const char *name = "";
		char kind[8], scope[8], flags[16];

		if (v->dtdv_name < d->strlen &&
		    memchr(d->strtab + v->dtdv_name, '\0', d->strlen - v->dtdv_name) != NULL)
			name = d->strtab + v->dtdv_name;
		if (v->dtdv_kind == DIFV_KIND_ARRAY)
			strcpy(kind, "arr");
		else if (v->dtdv_kind == DIFV_KIND_SCALAR)
			strcpy(kind, "scl");
		else
			snprintf(kind, sizeof(kind), "%u", v->dtdv_kind);
		if (v->dtdv_scope == DIFV_SCOPE_GLOBAL)
			strcpy(scope, "glb");
		else if (v->dtdv_scope == DIFV_SCOPE_THREAD)
			strcpy(scope, "tls");
		else if (v->dtdv_scope == DIFV_SCOPE_LOCAL)
			strcpy(scope, "loc");
		else
			snprintf(scope, sizeof(scope), "%u", v->dtdv_scope);
		snprintf(flags, sizeof(flags), "%s%s%s",
		    (v->dtdv_flags & DIFV_F_REF) ? "r" : "",
		    (v->dtdv_flags & DIFV_F_REF) && (v->dtdv_flags & DIFV_F_MOD) ? "/" : "",
		    (v->dtdv_flags & DIFV_F_MOD) ? "w" : "");
		fprintf(fp, "%-16s %-4x %-3s %-3s %-4s ", name, v->dtdv_id, kind, scope, flags);
		listing_type(fp, &v->dtdv_type);
		fputc('\n', fp);
	}
	if (d->rellen != 0)
		fprintf(fp, "\n%-4s %-4s %s\n", "REL", "PC", "TARGET");
	for (uint32_t i = 0; i < d->rellen; i++) {
		fprintf(fp, "%-4u %-4u ", i, d->reltab[i].dtr_pc);
		dasm_print_reloc_expr(fp, obj, &d->reltab[i]);
		fputc('\n', fp);
	}
}

int dasm__difo_listing(const struct dobj *obj, uint32_t difo, FILE *fp)
{
	if (difo >= obj->ndifos)
		return -EINVAL;
	fprintf(fp, "DIFO %u returns ", difo);
	listing_type(fp, &obj->difos[difo].rtype);
	fputc('\n', fp);
	listing_body(fp, obj, &obj->difos[difo]);
	return ferror(fp) ? -EIO : 0;
}

static void listing_difo_for(FILE *fp, const struct dobj *obj, int32_t di, const char *what)
{
	if (di < 0 || (uint32_t)di >= obj->ndifos)
		return;
	fprintf(fp, "\nDIFO %d returning ", di);
	listing_type(fp, &obj->difos[di].rtype);
	fprintf(fp, " for %s\n", what);
	listing_body(fp, obj, &obj->difos[di]);
}

int dasm__listing(const struct dobj *obj, FILE *fp)
{
	for (uint32_t i = 0; i < obj->nclauses; i++) {
		const struct dobj_clause *c = &obj->clauses[i];

		fputs("\nDisassembly of ", fp);
		for (uint32_t k = 0; k < c->probe_count &&
		    (uint64_t)c->probe_first + k < obj->nprobes; k++) {
			const struct dobj_probe *p = &obj->probes[c->probe_first + k];

			if (k > 0)
				fputs(", ", fp);
			if (p->target != 0)
				fprintf(fp, "%s:", dobj__str(obj, p->target));
			fprintf(fp, "%s:%s:%s:%s", dobj__str(obj, p->provider),
			    dobj__str(obj, p->module), dobj__str(obj, p->function),
			    dobj__str(obj, p->name));
		}
		fputc('\n', fp);
		listing_difo_for(fp, obj, c->pred, "the predicate");
		for (uint32_t k = 0; k < c->action_count &&
		    (uint64_t)c->action_first + k < obj->nactions; k++) {
			const struct dobj_action *a = &obj->actions[c->action_first + k];
			const char *kn = dasm_name_of(DASM_T_ACTION, a->kind);
			char act[512], what[600];

			if (a->format >= 0 && (uint32_t)a->format < obj->nformats)
				snprintf(act, sizeof(act), "%s(), format string \"%s\"",
				    kn ? kn : "?", dobj__str(obj, obj->formats[a->format].str));
			else
				snprintf(act, sizeof(act), "%s()", kn ? kn : "?");
			snprintf(what, sizeof(what), "action %s", act);
			if (a->difo < 0 || (uint32_t)a->difo >= obj->ndifos)
				fprintf(fp, "\nAction, without DIFO, %s\n", act);
			else
				listing_difo_for(fp, obj, a->difo, what);
		}
	}
	return ferror(fp) ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* Equality                                                           */

#define ARR_EQ(a, b, field, n) \
	((a)->n == (b)->n && ((a)->n == 0 || \
	memcmp((a)->field, (b)->field, (size_t)(a)->n * sizeof(*(a)->field)) == 0))

static bool difo_equal(const struct dobj_difo *a, const struct dobj_difo *b)
{
	return ARR_EQ(a, b, text, len) && ARR_EQ(a, b, inttab, intlen) &&
	    ARR_EQ(a, b, strtab, strlen) && ARR_EQ(a, b, vartab, varlen) &&
	    ARR_EQ(a, b, reltab, rellen) && ARR_EQ(a, b, lines, nlines) &&
	    memcmp(&a->rtype, &b->rtype, sizeof(a->rtype)) == 0 && a->flags == b->flags;
}

static bool agg_equal(const struct dobj_agg *a, const struct dobj_agg *b)
{
	return a->name == b->name && a->id == b->id && a->func == b->func &&
	    a->nkeys == b->nkeys && a->arg == b->arg && a->keytypes == b->keytypes &&
	    a->valtype == b->valtype;
}

int dasm__equal(const struct dobj *a, const struct dobj *b)
{
	if (a->kind != b->kind || !ARR_EQ(a, b, strtab, strlen) ||
	    !ARR_EQ(a, b, srcidents, nsrcidents) || !ARR_EQ(a, b, probes, nprobes) ||
	    !ARR_EQ(a, b, clauses, nclauses) || !ARR_EQ(a, b, actions, nactions) ||
	    !ARR_EQ(a, b, formats, nformats) || !ARR_EQ(a, b, options, noptions) ||
	    !ARR_EQ(a, b, symbols, nsymbols) || !ARR_EQ(a, b, meta, nmeta) ||
	    a->ndifos != b->ndifos || a->naggs != b->naggs)
		return 0;
	for (uint32_t i = 0; i < a->ndifos; i++)
		if (!difo_equal(&a->difos[i], &b->difos[i]))
			return 0;
	for (uint32_t i = 0; i < a->naggs; i++)
		if (!agg_equal(&a->aggs[i], &b->aggs[i]))
			return 0;
	return 1;
}

bool dasm__instr(FILE *fp, const struct dobj *obj, const struct dobj_difo *d, uint32_t pc)
{
	if (pc >= d->len)
		return false;
	return dasm_print_instr(fp, obj, d, pc, true);
}
