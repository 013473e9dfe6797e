/*
 * dc_layout.c -- struct and union layout by the C rules of the LP64 host
 * model (System V x86-64 / AArch64 LP64, as gcc and clang lay them out).
 *
 * Rules implemented:
 *   - a member that is not a bit-field starts at the next multiple of its
 *     alignment; a struct's alignment is the largest member alignment and
 *     its size is rounded up to it;
 *   - a bit-field of declared type T and width w is placed at the current
 *     bit position unless the bits would straddle a boundary of a T-sized,
 *     T-aligned storage unit, in which case it starts at the next such
 *     boundary; named bit-fields contribute alignof(T) to the struct,
 *     unnamed ones do not;
 *   - union members all start at offset 0; size = largest member rounded
 *     up to the union's alignment;
 *   - anonymous struct/union members are laid out as ordinary members;
 *     lookups descend into them (dc_tys_find_member in dc_tyops.c).
 * Offsets are kept in bits (dc_member.offset_bits) because bit-fields
 * need them; byte offsets are offset_bits / 8 for non-bit-fields.
 *
 * Symbolic members cannot occur here: dc_sou__add_member rejects
 * incomplete and symbolic by-value members first (D_DECL_INCOMPLETE).
 */
#include "dc_types_impl.h"

static uint64_t
member_size(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL ? r->size : 0;
}

static uint32_t
member_align(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return 1;
	if (r->kind == DC_TK_ARRAY)
		return member_align(r->ref);
	return r->align ? r->align : 1;
}

void
dc_tys_layout(struct dc_type *sou)
{
	uint64_t pos = 0, maxbits = 0;
	uint32_t align = 1;
	bool is_union = sou->kind == DC_TK_UNION;

	for (uint32_t i = 0; i < sou->nmembers; i++) {
		struct dc_tmember *m = &sou->members[i];
		uint64_t size = member_size(m->type);
		uint32_t a = member_align(m->type);
		uint64_t abits = (uint64_t)a * 8, at;

		if (m->bit_width != 0) {
			uint64_t unit = size * 8;

			at = is_union ? 0 : pos;
			if (unit != 0 &&
			    at / unit != (at + m->bit_width - 1) / unit)
				at = DC_ALIGN_UP(at, abits);
			if (m->name != NULL && a > align)
				align = a;
			m->offset_bits = at;
			at += m->bit_width;
		} else {
			at = is_union ? 0 : DC_ALIGN_UP(pos, abits);
			if (a > align)
				align = a;
			m->offset_bits = at;
			at += size * 8;
		}
		if (!is_union)
			pos = at;
		if (at > maxbits)
			maxbits = at;
	}
	sou->align = align;
	sou->size = DC_ALIGN_UP(DC_ALIGN_UP(maxbits, 8) / 8, align);
}
