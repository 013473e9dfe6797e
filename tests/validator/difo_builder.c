/*
 * difo_builder.c — see difo_builder.h.  Test-only; bounds are asserted with
 * abort() because a builder overflow is a bug in the test, not a result.
 */
#include <stdlib.h>
#include <string.h>

#include "difo_builder.h"

static const int8_t forms[256] = {
#define TB_FORM_(num, name, mn, form, sem) [num] = (int8_t)((form) + 1),
	DIF_OPCODES(TB_FORM_)
#undef TB_FORM_
};

int tb_form(unsigned op)
{
	return op < 256 ? forms[op] - 1 : -1;
}

static void sync(struct tdifo *t)
{
	t->d.dtdo_buf = t->text;
	t->d.dtdo_inttab = t->ints;
	t->d.dtdo_strtab = t->strs;
	t->d.dtdo_vartab = t->vars;
	t->d.dtdo_reltab = t->rels;
}

void tb_clear_vars(struct tdifo *t)
{
	t->d.dtdo_varlen = 0;
}

void tb_init(struct tdifo *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->strs, "\0v", 3);
	t->d.dtdo_strlen = 3;
	t->d.dtdo_rtype.dtdt_kind = DIF_TYPE_CTF;
	t->d.dtdo_rtype.dtdt_ckind = DIF_CTF_K_INTEGER;
	t->d.dtdo_rtype.dtdt_size = 8;
	tb_var(t, 0x500, DIFV_SCOPE_GLOBAL, DIFV_KIND_SCALAR);
	tb_var(t, 0x501, DIFV_SCOPE_GLOBAL, DIFV_KIND_ARRAY);
	tb_var(t, 0x500, DIFV_SCOPE_THREAD, DIFV_KIND_SCALAR);
	tb_var(t, 0x501, DIFV_SCOPE_THREAD, DIFV_KIND_ARRAY);
	tb_var(t, 0x500, DIFV_SCOPE_LOCAL, DIFV_KIND_SCALAR);
	sync(t);
}

uint32_t tb_emit(struct tdifo *t, dif_instr_t in)
{
	if (t->d.dtdo_len >= TB_MAX_TEXT)
		abort();
	t->text[t->d.dtdo_len] = in;
	sync(t);
	return t->d.dtdo_len++;
}

uint32_t tb_ret(struct tdifo *t)
{
	return tb_emit(t, DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1));
}

uint32_t tb_int(struct tdifo *t, uint64_t v)
{
	if (t->d.dtdo_intlen >= TB_MAX_INTS)
		abort();
	t->ints[t->d.dtdo_intlen] = v;
	return t->d.dtdo_intlen++;
}

uint32_t tb_var(struct tdifo *t, uint32_t id, uint8_t scope, uint8_t kind)
{
	struct dif_var *v;

	if (t->d.dtdo_varlen >= TB_MAX_VARS)
		abort();
	v = &t->vars[t->d.dtdo_varlen];
	memset(v, 0, sizeof(*v));
	v->dtdv_name = TB_NAME_V;
	v->dtdv_id = id;
	v->dtdv_scope = scope;
	v->dtdv_kind = kind;
	v->dtdv_flags = DIFV_F_REF | DIFV_F_MOD;
	v->dtdv_type.dtdt_kind = DIF_TYPE_CTF;
	v->dtdv_type.dtdt_ckind = DIF_CTF_K_INTEGER;
	v->dtdv_type.dtdt_size = 8;
	return t->d.dtdo_varlen++;
}

uint32_t tb_rel(struct tdifo *t, uint32_t pc, uint16_t kind)
{
	struct dif_reloc *r;

	if (t->d.dtdo_rellen >= TB_MAX_RELS)
		abort();
	r = &t->rels[t->d.dtdo_rellen];
	memset(r, 0, sizeof(*r));
	r->dtr_pc = pc;
	r->dtr_kind = kind;
	sync(t);
	return t->d.dtdo_rellen++;
}

uint16_t tb_reloc_kind(unsigned op)
{
	switch (op) {
	case DIF_OP_USETX:	return DIF_RELOC_MEMBER_OFFSET;
	case DIF_OP_ULOAD:	return DIF_RELOC_LOAD;
	case DIF_OP_UULOAD:	return DIF_RELOC_ULOAD;
	case DIF_OP_TYPECAST:	return DIF_RELOC_CAST;
	case DIF_OP_USTORE:	return DIF_RELOC_STORE;
	default:		return 0;
	}
}

/* The standard variable id for a variable opcode (see the header). */
static uint32_t std_var(unsigned op)
{
	switch (op) {
	case DIF_OP_LDGAA: case DIF_OP_STGAA:
	case DIF_OP_LDTAA: case DIF_OP_STTAA:
		return 0x501;
	default:
		return 0x500;
	}
}

dif_instr_t tb_valid_instr(struct tdifo *t, unsigned op, uint32_t pc, uint32_t rel)
{
	switch (tb_form(op)) {
	case DIF_FORM_NONE:	return DIF_INSTR_FMT(op, 0, 0, 0);
	case DIF_FORM_R3:	return DIF_INSTR_FMT(op, 1, 2, 3);
	case DIF_FORM_R2:
	case DIF_FORM_LOAD:
	case DIF_FORM_STORE:	return DIF_INSTR_FMT(op, 1, 0, 2);
	case DIF_FORM_CMP:	return DIF_INSTR_FMT(op, 1, 2, 0);
	case DIF_FORM_TST:	return DIF_INSTR_FMT(op, 1, 0, 0);
	case DIF_FORM_BRANCH:	return DIF_INSTR_BRANCH(op, pc + 1);
	case DIF_FORM_RET:	return DIF_INSTR_FMT(op, 0, 0, 1);
	case DIF_FORM_SETX:
		if (t->d.dtdo_intlen == 0)
			tb_int(t, 42);
		return DIF_INSTR_IMM16(op, 0, 1);
	case DIF_FORM_SETS:	return DIF_INSTR_IMM16(op, TB_NAME_V, 1);
	case DIF_FORM_CALL:	return DIF_INSTR_IMM16(op, DIF_SUBR_RAND, 1);
	case DIF_FORM_LDV:
	case DIF_FORM_STV:	return DIF_INSTR_IMM16(op, std_var(op), 1);
	case DIF_FORM_LDA:	return DIF_INSTR_FMT(op, DIF_VAR_ARGS, 1, 2);
	case DIF_FORM_PUSH:	return DIF_INSTR_FMT(op, DIF_TYPE_CTF, 1, 2);
	case DIF_FORM_XLATE:	return DIF_INSTR_IMM16(op, 0, 1);
	case DIF_FORM_RELOC:	return DIF_INSTR_IMM16(op, rel, 1);
	default:		return DIF_INSTR_FMT(op, 0, 0, 0);
	}
}
