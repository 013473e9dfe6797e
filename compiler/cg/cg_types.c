/*
 * cg_types.c -- what the back end needs to know about D types: the DIF type
 * record of a value (by value or by reference, size), sizes and alignments
 * of program-defined types, member offsets of program-defined structs and
 * unions (dc_ty_layout's: C's without bit-fields, DTrace's with them; union
 * members at 0), the D spelling of a type for symbols, and the program's user
 * variables with their per-scope ids.
 *
 * Target types (DC_TY_SYM, incomplete structs) have no layout here: code that
 * touches them uses relocations (cg_expr.c).  Read cg_expr.c next.
 */
#include <stdio.h>
#include <string.h>

#include "cg_impl.h"

const struct dc_ty *cg_resolve(const struct dc_ty *t)
{
	return t;
}

/* struct/union/array/string/function values live in memory: registers hold addresses. */
bool cg_byref(const struct dc_ty *t)
{
	if (t == NULL)
		return false;
	switch (t->kind) {
	case DC_TY_STRUCT: case DC_TY_UNION:
		return t->is_complete;
	case DC_TY_ARRAY: case DC_TY_STRING: case DC_TY_FUNC:
		return true;
	default:
		return false;
	}
}

uint32_t cg_align(const struct dc_ty *t)
{
	switch (t->kind) {
	case DC_TY_ARRAY:
		return t->base ? cg_align(t->base) : 1;
	case DC_TY_STRUCT: case DC_TY_UNION:
		return t->align ? t->align : 1;
	case DC_TY_STRING:
		return 1;
	case DC_TY_ENUM:
		return 4;
	default:
		return t->size >= 1 && t->size <= 8 ? t->size : 8;
	}
}

uint64_t cg_size(const struct cg *g, const struct dc_ty *t)
{
	if (t == NULL)
		return 8;
	switch (t->kind) {
	case DC_TY_VOID:
		return 0;
	case DC_TY_STRING:
		return g->strsize;
	case DC_TY_PTR: case DC_TY_SYM: case DC_TY_DYN: case DC_TY_SYMADDR:
	case DC_TY_USYMADDR: case DC_TY_FUNC:
		return 8;
	case DC_TY_ENUM:
		return t->size ? t->size : 4;
	case DC_TY_ARRAY:
		return t->nelem * (t->base ? cg_size(g, t->base) : 0);
	default:
		return t->size;
	}
}

static uint8_t ctf_kind(const struct dc_ty *t)
{
	switch (t->kind) {
	case DC_TY_INT: return DIF_CTF_K_INTEGER;
	case DC_TY_FLOAT: return DIF_CTF_K_FLOAT;
	case DC_TY_PTR: return DIF_CTF_K_POINTER;
	case DC_TY_ARRAY: return DIF_CTF_K_ARRAY;
	case DC_TY_STRUCT: return t->is_complete ? DIF_CTF_K_STRUCT : DIF_CTF_K_UNKNOWN;
	case DC_TY_UNION: return t->is_complete ? DIF_CTF_K_UNION : DIF_CTF_K_UNKNOWN;
	case DC_TY_ENUM: return DIF_CTF_K_ENUM;
	case DC_TY_FUNC: return DIF_CTF_K_FUNCTION;
	case DC_TY_SYMADDR: case DC_TY_USYMADDR: case DC_TY_STACK: return DIF_CTF_K_INTEGER;
	default: return DIF_CTF_K_UNKNOWN;
	}
}

/*
 * The DIF type of a value of type t.  By-value sizes are 1, 2, 4 or 8;
 * target types whose size the compiler cannot know travel as 8 bytes.
 */
struct dif_type cg_diftype(const struct cg *g, const struct dc_ty *t)
{
	struct dif_type r = { .dtdt_kind = DIF_TYPE_CTF, .dtdt_size = 8 };

	if (t == NULL)
		return r;
	if (t->kind == DC_TY_STRING) {
		r.dtdt_kind = DIF_TYPE_STRING;
		r.dtdt_flags = DIF_TF_BYREF;
		r.dtdt_size = g->strsize;
		return r;
	}
	r.dtdt_ckind = ctf_kind(t);
	if (t->kind == DC_TY_VOID) {
		r.dtdt_size = 0;
		return r;
	}
	if (cg_byref(t)) {
		uint64_t sz = cg_size(g, t);
		r.dtdt_flags = t->is_userland ? DIF_TF_BYUREF : DIF_TF_BYREF;
		r.dtdt_size = sz == 0 || sz > UINT32_MAX ? 1 : (uint32_t)sz;
		return r;
	}
	uint64_t sz = cg_size(g, t);
	r.dtdt_size = sz == 1 || sz == 2 || sz == 4 ? (uint32_t)sz : 8;
	return r;
}

/*
 * Bit offset of member `name` (anonymous members searched too) in D's
 * layout of a program-defined struct (dc_ty_layout in ../types.c): each
 * member starts at the first whole byte after the previous member's end --
 * its offset plus its width in bits for a bit-field, plus its size otherwise
 * -- rounded up to its alignment.  A laid-out bit-field's type is already
 * the 1/2/4/8-byte integer that holds it, aligned to its size, and its value
 * is in the low bits of it.  Union members are all at 0.
 */
bool cg_member_bits(const struct dc_ty *sou, const char *name, uint64_t *bitoff,
		    const struct dc_member **mp)
{
	uint64_t endbits = 0;
	bool is_union = sou->kind == DC_TY_UNION;

	for (const struct dc_member *m = sou->members; m; m = m->next) {
		uint64_t sz = m->type->kind == DC_TY_ARRAY
			? m->type->nelem * (m->type->base ? m->type->base->size : 0)
			: m->type->size;
		uint64_t a = m->bits != 0 ? m->type->size : cg_align(m->type), at = 0;
		if (!is_union)
			at = ((endbits + 7) / 8 + a - 1) / a * a * 8;
		if (m->name && strcmp(m->name, name) == 0) {
			*bitoff = at;
			*mp = m;
			return true;
		}
		if (m->name == NULL && m->bits == 0 && (m->type->kind == DC_TY_STRUCT ||
							 m->type->kind == DC_TY_UNION)) {
			uint64_t inner;
			if (cg_member_bits(m->type, name, &inner, mp)) {
				*bitoff = at + inner;
				return true;
			}
		}
		endbits = at + (m->bits != 0 ? (uint64_t)m->bits : 8 * sz);
	}
	return false;
}

/* Byte offset of a (non-bit-field) member. */
bool cg_member_offset(const struct dc_ty *sou, const char *name, uint64_t *off,
		      const struct dc_member **mp)
{
	uint64_t bits;

	if (!cg_member_bits(sou, name, &bits, mp) || (*mp)->bits != 0)
		return false;
	*off = bits / 8;
	return true;
}

/* The D spelling of a type ("int", "string", "struct foo *", "char [16]"). */
int cg_tyname(const struct dc_ty *t, char *buf, size_t size)
{
	if (t == NULL)
		return snprintf(buf, size, "int64_t");
	switch (t->kind) {
	case DC_TY_PTR:
		if (t->name && *t->name && t->name[0] != '<')
			return snprintf(buf, size, "%s", t->name);
		if (t->base == NULL || t->base->kind == DC_TY_SYM)
			return snprintf(buf, size, "void *");
		{
			char in[200];
			cg_tyname(t->base, in, sizeof(in));
			return snprintf(buf, size, "%s *", in);
		}
	case DC_TY_ARRAY:
		if (t->name && *t->name && t->name[0] != '<')
			return snprintf(buf, size, "%s", t->name);
		{
			char in[200];
			cg_tyname(t->base, in, sizeof(in));
			return snprintf(buf, size, "%s [%llu]", in, (unsigned long long)t->nelem);
		}
	case DC_TY_STRING:
		return snprintf(buf, size, "string");
	case DC_TY_SYM: case DC_TY_DYN:
		return snprintf(buf, size, "int64_t");
	case DC_TY_STACK:
		return snprintf(buf, size, "stack");
	case DC_TY_SYMADDR:
		return snprintf(buf, size, "_symaddr");
	case DC_TY_USYMADDR:
		return snprintf(buf, size, "_usymaddr");
	default:
		return snprintf(buf, size, "%s", t->name && *t->name ? t->name : "int");
	}
}

/* The program's variable (scope, name); created with the next id of its scope. */
struct cg_var *cg_var_get(struct cg *g, int scope, const char *name, int kind,
			  const struct dc_ty *type)
{
	for (uint32_t i = 0; i < g->nvars; i++)
		if (g->vars[i].scope == scope && strcmp(g->vars[i].name, name) == 0) {
			if (g->vars[i].type == NULL || g->vars[i].type->kind == DC_TY_DYN)
				g->vars[i].type = type;
			return &g->vars[i];
		}
	g->vars = cg_grow(g, g->vars, &g->cvars, g->nvars + 1, sizeof(*g->vars));
	struct cg_var *v = &g->vars[g->nvars++];
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->scope = scope;
	v->kind = kind;
	v->id = DIF_VAR_OTHER_UBASE + g->next_id[scope]++;
	v->type = type;
	return v;
}
