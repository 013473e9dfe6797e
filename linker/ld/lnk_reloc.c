/*
 * lnk_reloc.c — resolving relocations against the target typefile, and the
 * one rewriting pass that turns a relocatable DIFO into linked DIF.
 *
 * Theory.  Every pseudo-instruction has exactly one relocation (the input
 * validator guarantees it).  resolve() turns a relocation into a plan: a
 * constant (usetx), a concrete load, a bit-field extraction or a conversion.
 * rewrite() then walks the old text once, emitting for each old pc a
 * sequence of zero or more new instructions:
 *
 *   nop                 -> nothing (nops are collapsed)
 *   usetx rel, %rd      -> setx <value>, %rd
 *   uload [%rs], %rd    -> ld{s,u}{b,h,w}|ldx [%rs], %rd     scalar member
 *                       -> mov %rs, %rd  (or nothing)         array/struct: the address
 *                       -> ldu<unit> [%rs], %rd; shift left; shift right   bit-field
 *   uuload              -> the same with uld*
 *   typecast rel, %rd   -> sll/sra|srl by 64 - width, (x|-x)>>63 for _Bool, or nothing
 *                          (nothing for pointer types: the cast only informs the typer)
 *   ustore %rs, [%rd]   -> stb|sth|stw|stx %rs, [%rd]        scalar or pointer member;
 *                          bit-field, struct, union and array members are refused
 *   usetx type_exists   -> setx 1 or setx 0 (the type, and its member path, in the
 *                          typefile or not; never an error)
 *
 * A guarded relocation (F_GUARDED) whose root the typefile lacks -- its
 * root flag left in place by lnk_bind.c, or a type name the lookup does
 * not find -- is poisoned rather than refused, because the compiler put it
 * in an arm that a type_exists test of that root keeps from running:
 *
 *   usetx               -> setx 0
 *   uload / uuload      -> ldx [%r0], %rd / uldx [%r0], %rd: address 0 is
 *                          never mapped, so running it faults BADADDR
 *   ustore %rs, [%rd]   -> ldx [%r0], %rd: the same fault (a store through
 *                          %r0 is invalid DIF, and the fault comes first)
 *   typecast            -> nothing
 *
 * With the root present a guarded relocation resolves like any other, so a
 * missing member is still the usual error.
 *
 * new_pc[old] is the index of the first new instruction emitted for old
 * (or of the next one when the sequence is empty), with new_pc[len] = new
 * length.  Because every sequence is straight-line and branches only go
 * forward, remapping each branch label and line-table pc through new_pc
 * keeps the program's meaning; line entries whose range became empty are
 * dropped.  Shifts need their amount in a register: the linker uses the
 * highest register the DIFO never mentions ("scratch"), so no live value
 * can be clobbered; a DIFO that uses all seven gets a clear error.
 *
 * Bit-fields (little-endian targets, as BTF bit offsets are): the member is
 * read through its "unit", an aligned word of the declared integer's size
 * that contains all its bits (8 bytes when the declared size does not).  A
 * member_offset relocation of a bit-field resolves to the unit's byte
 * offset and its load relocation to the unit load plus the shifts, so the
 * compiler's `usetx; add; uload` pattern works unchanged.
 *
 * After rewriting, int and string tables are rebuilt in order of first use
 * (deduplicated, unused entries dropped), relocations are removed and the
 * DIFO is re-validated as linked DIF; a failure there is a linker bug and
 * is reported as such.  Read lnk_link.c for where DIFOs come from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvm_validate.h"
#include "lnk_impl.h"
#include "typ_typefile.h"

static const uint8_t op_form[256] = {
#define FORM_ROW_(num, name, mn, form, sem) [num] = form,
	DIF_OPCODES(FORM_ROW_)
#undef FORM_ROW_
};

enum plan_kind {
	PLAN_CONST,	/* setx value */
	PLAN_LOAD,	/* one load op */
	PLAN_ADDR,	/* by reference: the address itself */
	PLAN_BITFIELD,	/* unit load + shifts */
	PLAN_EXTEND,	/* sign/zero extension from width bits */
	PLAN_BOOL,	/* (x | -x) >> 63 */
	PLAN_NONE,	/* nothing to do */
	PLAN_STORE,	/* one store op */
	PLAN_POISON,	/* guarded, root absent: fault if ever run */
};

struct plan {
	enum plan_kind	kind;
	uint64_t	value;		/* PLAN_CONST */
	uint8_t		op;		/* PLAN_LOAD, PLAN_STORE / unit load of PLAN_BITFIELD */
	uint32_t	width;		/* PLAN_EXTEND: bits; PLAN_BITFIELD: bits */
	uint32_t	shift;		/* PLAN_BITFIELD: bit position in the unit */
	uint32_t	unit;		/* PLAN_BITFIELD: unit bytes */
	bool		is_signed;
};

/* What a resolution needs to say where it failed. */
struct rctx {
	struct lnk_ctx		*cx;
	const struct lnk_where	*w;
	struct dobj_srcpos	pos;
	const char		*tname;
	const char		*member;
	const char		*kname;
};

static const char *const kind_names[] = {
	"none", "member_offset", "type_size", "member_size", "load", "uload", "cast", "store",
	"type_exists",
};

/* The typefile's message without its "path: " prefix (we name the position). */
static const char *tf_msg(const struct typ_file *tf, const struct typ_err *e)
{
	const char *p = typ_file__path(tf);
	size_t n = p ? strlen(p) : 0;

	if (n && strncmp(e->msg, p, n) == 0 && strncmp(e->msg + n, ": ", 2) == 0)
		return e->msg + n + 2;
	return e->msg;
}

static int fail(const struct rctx *rc, const char *what)
{
	if (rc->member)
		lnk_error(rc->cx, rc->w, &rc->pos, "%s (relocation %s of '%s', member path '%s')",
		    what, rc->kname, rc->tname, rc->member);
	else
		lnk_error(rc->cx, rc->w, &rc->pos, "%s (relocation %s of '%s')",
		    what, rc->kname, rc->tname);
	return -EINVAL;
}

static uint8_t load_op(unsigned size, bool is_signed, bool user)
{
	uint8_t op;

	switch (size) {
	case 1:  op = is_signed ? DIF_OP_LDSB : DIF_OP_LDUB; break;
	case 2:  op = is_signed ? DIF_OP_LDSH : DIF_OP_LDUH; break;
	case 4:  op = is_signed ? DIF_OP_LDSW : DIF_OP_LDUW; break;
	default: op = DIF_OP_LDX; break;
	}
	return user ? (uint8_t)(op + DIF_OP_ULD_DELTA) : op;
}

/*
 * The unit of a bit-field: the aligned word of the declared size holding
 * all its bits, else the aligned 8-byte word, else none (-EINVAL).
 */
static int bitfield_unit(const struct typ_access *a, uint32_t *unit, uint64_t *start,
    uint32_t *shift)
{
	uint32_t sizes[2] = { a->load.size, 8 };

	for (int i = 0; i < 2; i++) {
		uint32_t u = sizes[i];
		if (u != 1 && u != 2 && u != 4 && u != 8)
			continue;
		uint64_t s = (a->bit_offset / 8) & ~(uint64_t)(u - 1);
		uint64_t sh = a->bit_offset - s * 8;
		if (sh + a->bitfield_size <= (uint64_t)u * 8) {
			*unit = u;
			*start = s;
			*shift = (uint32_t)sh;
			return 0;
		}
	}
	return -EINVAL;
}

static int plan_value_load(const struct rctx *rc, const struct typ_load *ld, bool user,
    struct plan *p)
{
	switch (ld->kind) {
	case TYP_LOAD_NONE:
		return fail(rc, "the member has no value to load (void, function or incomplete type)");
	case TYP_LOAD_BYREF:
		p->kind = PLAN_ADDR;
		return 0;
	default:
		p->kind = PLAN_LOAD;
		p->op = load_op(ld->size, ld->is_signed, user);
		return 0;
	}
}

/* stb/sth/stw/stx for a scalar or pointer of ld's width; others are refused. */
static int plan_store(const struct rctx *rc, const struct typ_load *ld, struct plan *p)
{
	switch (ld->kind) {
	case TYP_LOAD_NONE:
		return fail(rc, "the member has no value to store into (void, function or "
		    "incomplete type)");
	case TYP_LOAD_BYREF:
		return fail(rc, "a struct, union or array cannot be stored as a whole");
	default:
		break;
	}
	p->kind = PLAN_STORE;
	switch (ld->size) {
	case 1:  p->op = DIF_OP_STB; break;
	case 2:  p->op = DIF_OP_STH; break;
	case 4:  p->op = DIF_OP_STW; break;
	default: p->op = DIF_OP_STX; break;
	}
	return 0;
}

static int plan_member(const struct rctx *rc, uint16_t kind, const struct typ_access *a,
    struct plan *p)
{
	uint32_t unit, shift;
	uint64_t start;
	bool bf = a->bitfield_size != 0;

	if (bf && bitfield_unit(a, &unit, &start, &shift) < 0)
		return fail(rc, "the bit-field does not fit in one aligned word");
	switch (kind) {
	case DIF_RELOC_MEMBER_OFFSET:
		if (!bf && a->bit_offset % 8 != 0)
			return fail(rc, "the member does not start on a byte boundary");
		p->kind = PLAN_CONST;
		p->value = bf ? start : a->bit_offset / 8;
		return 0;
	case DIF_RELOC_MEMBER_SIZE:
		if (bf)
			return fail(rc, "a bit-field member has no size in bytes");
		p->kind = PLAN_CONST;
		p->value = a->size;
		return 0;
	case DIF_RELOC_STORE:
		if (bf)
			return fail(rc, "storing into a bit-field member is not supported");
		return plan_store(rc, &a->load, p);
	default:
		if (!bf)
			return plan_value_load(rc, &a->load, kind == DIF_RELOC_ULOAD, p);
		p->kind = PLAN_BITFIELD;
		p->op = load_op(unit, false, kind == DIF_RELOC_ULOAD);
		p->unit = unit;
		p->shift = shift;
		p->width = a->bitfield_size;
		p->is_signed = a->load.is_signed;
		return 0;
	}
}

static int plan_cast(const struct rctx *rc, struct typ_file *tf, typ_id_t id, struct plan *p)
{
	int64_t r = typ_file__resolve(tf, id);
	struct typ_info info;
	struct typ_load ld;

	if (r < 0 || typ_file__info(tf, (typ_id_t)r, &info) < 0 ||
	    typ_file__load_kind(tf, (typ_id_t)r, &ld) < 0)
		return fail(rc, "the cast's target type cannot be resolved");
	if (info.kind == TYP_INT && info.is_bool) {
		p->kind = PLAN_BOOL;
		return 0;
	}
	if (info.kind == TYP_PTR) {	/* the value is already an address */
		p->kind = PLAN_NONE;
		return 0;
	}
	switch (ld.kind) {
	case TYP_LOAD_NONE:
	case TYP_LOAD_BYREF:
		if (info.kind == TYP_VOID) {
			p->kind = PLAN_NONE;
			return 0;
		}
		return fail(rc, "a value cannot be cast to a struct, union or array type");
	case TYP_LOAD_U64:
	case TYP_LOAD_S64:
		p->kind = PLAN_NONE;
		return 0;
	default:
		p->kind = PLAN_EXTEND;
		p->width = ld.size * 8u;
		p->is_signed = ld.is_signed;
		return 0;
	}
}

/*
 * A typefile may define one struct or union tag several times (vmlinux
 * with module types, or two layouts of one name).  Like CO-RE candidate
 * matching, definitions where the member path does not exist are ignored;
 * if those where it does disagree on where it is or how it loads, the
 * relocation is ambiguous and refused rather than guessed.
 */
static int definitions(const struct rctx *rc, const struct typ_file *tf, typ_id_t ids[16])
{
	if (strncmp(rc->tname, "struct ", 7) == 0)
		return typ_file__find(tf, TYP_NS_STRUCT, rc->tname + 7, ids, 16);
	if (strncmp(rc->tname, "union ", 6) == 0)
		return typ_file__find(tf, TYP_NS_UNION, rc->tname + 6, ids, 16);
	return 0;
}

/* The first other definition of the tag that has the member path, or -ENOENT. */
static int64_t other_definition(const struct rctx *rc, const struct typ_file *tf,
    typ_id_t tried, struct typ_access *a)
{
	typ_id_t ids[16];
	int n = definitions(rc, tf, ids);

	for (int i = 0; i < n && i < 16; i++)
		if (ids[i] != tried && typ_file__member_path(tf, ids[i], rc->member, a, NULL) == 0)
			return ids[i];
	return -ENOENT;
}

static int ambiguous(const struct rctx *rc, const struct typ_file *tf, typ_id_t chosen,
    const struct typ_access *a)
{
	typ_id_t ids[16];
	int n = definitions(rc, tf, ids);
	for (int i = 0; i < n && i < 16; i++) {
		struct typ_access b;
		if (ids[i] == chosen || typ_file__member_path(tf, ids[i], rc->member, &b, NULL) < 0)
			continue;
		if (b.bit_offset != a->bit_offset || b.bitfield_size != a->bitfield_size ||
		    b.size != a->size || b.load.kind != a->load.kind) {
			char msg[200];
			snprintf(msg, sizeof(msg), "ambiguous: the typefile defines '%s' %d times and "
			    "they disagree on this member (bit offset %llu vs %llu, %llu vs %llu bytes)",
			    rc->tname, n, (unsigned long long)a->bit_offset,
			    (unsigned long long)b.bit_offset, (unsigned long long)a->size,
			    (unsigned long long)b.size);
			return fail(rc, msg);
		}
	}
	return 0;
}

/* type_exists: 1 when the type (and its member path, in any definition) is there. */
static void plan_exists(const struct rctx *rc, struct typ_file *tf, struct plan *p)
{
	int64_t id = typ_file__lookup(tf, rc->tname, NULL);
	struct typ_access a;

	p->kind = PLAN_CONST;
	p->value = id >= 0 && (!rc->member ||
	    typ_file__member_path(tf, (typ_id_t)id, rc->member, &a, NULL) == 0 ||
	    other_definition(rc, tf, (typ_id_t)id, &a) >= 0);
}

/* Turn one relocation into a plan. */
static int resolve(struct lnk_ctx *cx, const struct lnk_where *w, const struct dif_reloc *r,
    const struct dobj_srcpos *pos, struct plan *p)
{
	struct rctx rc = { cx, w, *pos, dobj__str(w->in, r->dtr_type),
	    r->dtr_member ? dobj__str(w->in, r->dtr_member) : NULL,
	    r->dtr_kind <= DIF_RELOC_KIND_MAX ? kind_names[r->dtr_kind] : "?" };
	struct typ_err err = { "" };
	struct typ_access a;

	if (rc.member && rc.member[0] == '\0')
		rc.member = NULL;
	memset(p, 0, sizeof(*p));
	/* A cast to a pointer type only tells the typer what the register
	 * holds; the pointee need not exist in this target's typefile. */
	size_t tl = strlen(rc.tname);
	if (r->dtr_kind == DIF_RELOC_CAST && !rc.member && tl > 1 && rc.tname[tl - 1] == '*') {
		p->kind = PLAN_NONE;
		return 0;
	}
	if (r->dtr_kind == DIF_RELOC_TYPE_EXISTS) {
		plan_exists(&rc, cx->tf, p);
		return 0;
	}
	int64_t id = (r->dtr_flags & DIF_RELOC_F_ROOTS) ? -ENOENT :
	    typ_file__lookup(cx->tf, rc.tname, &err);
	if (id < 0 && (r->dtr_flags & DIF_RELOC_F_GUARDED)) {
		p->kind = PLAN_POISON;
		return 0;
	}
	if (id < 0)
		return fail(&rc, tf_msg(cx->tf, &err));
	switch (r->dtr_kind) {
	case DIF_RELOC_TYPE_SIZE: {
		if (rc.member)
			return fail(&rc, "type_size takes no member path");
		int64_t sz = typ_file__size(cx->tf, (typ_id_t)id);
		if (sz < 0)
			return fail(&rc, "the type has no size (void, function or incomplete)");
		p->kind = PLAN_CONST;
		p->value = (uint64_t)sz;
		return 0;
	}
	case DIF_RELOC_CAST:
		if (rc.member)
			return fail(&rc, "cast takes no member path");
		return plan_cast(&rc, cx->tf, (typ_id_t)id, p);
	case DIF_RELOC_MEMBER_OFFSET:
	case DIF_RELOC_MEMBER_SIZE:
		if (!rc.member)
			return fail(&rc, "the relocation needs a member path");
		break;
	case DIF_RELOC_LOAD:
	case DIF_RELOC_ULOAD:
		if (!rc.member) {
			struct typ_load ld;
			if (typ_file__load_kind(cx->tf, (typ_id_t)id, &ld) < 0)
				return fail(&rc, "the type cannot be resolved");
			return plan_value_load(&rc, &ld, r->dtr_kind == DIF_RELOC_ULOAD, p);
		}
		break;
	case DIF_RELOC_STORE:
		if (!rc.member) {
			struct typ_load ld;
			if (typ_file__load_kind(cx->tf, (typ_id_t)id, &ld) < 0)
				return fail(&rc, "the type cannot be resolved");
			return plan_store(&rc, &ld, p);
		}
		break;
	default:
		return fail(&rc, "unknown relocation kind");
	}
	if (typ_file__member_path(cx->tf, (typ_id_t)id, rc.member, &a, &err) < 0 &&
	    (id = other_definition(&rc, cx->tf, (typ_id_t)id, &a)) < 0)
		return fail(&rc, tf_msg(cx->tf, &err));
	if (ambiguous(&rc, cx->tf, (typ_id_t)id, &a) != 0)
		return -EINVAL;
	return plan_member(&rc, r->dtr_kind, &a, p);
}

/* --- Growing arrays ------------------------------------------------------ */

struct words {
	dif_instr_t	*v;
	uint32_t	n, cap;
};

static int push(struct words *t, dif_instr_t ins)
{
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		void *nv = realloc(t->v, cap * sizeof(*t->v));
		if (nv == NULL)
			return -ENOMEM;
		t->v = nv;
		t->cap = cap;
	}
	t->v[t->n++] = ins;
	return 0;
}

/*
 * An integer table with a hash index (value -> first index), so hostile
 * DIFOs with tens of thousands of constants stay linear.  Slots hold
 * index + 1; 0 is empty.  Entries may repeat (an input's own table); the
 * index keeps the first.
 */
struct ints {
	uint64_t	*v;
	uint32_t	n, cap;
	uint32_t	*slot;
	uint32_t	nslot;		/* power of two, > 2n */
	uint32_t	indexed;	/* entries [0, indexed) are in the index */
};

static uint32_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* Slot of value: where it is, or the empty slot where it would go. */
static uint32_t *int_slot(const struct ints *t, uint64_t value)
{
	uint32_t mask = t->nslot - 1, i = hash64(value) & mask;

	while (t->slot[i] != 0 && t->v[t->slot[i] - 1] != value)
		i = (i + 1) & mask;
	return &t->slot[i];
}

/* Index entries [indexed, n), growing the slot array first when needed. */
static int int_reindex(struct ints *t)
{
	if ((uint64_t)t->n * 2 + 2 > t->nslot) {
		uint32_t ns = t->nslot ? t->nslot : 64;
		while ((uint64_t)t->n * 2 + 2 > ns)
			ns *= 2;
		uint32_t *sl = calloc(ns, sizeof(*sl));
		if (sl == NULL)
			return -ENOMEM;
		free(t->slot);
		t->slot = sl;
		t->nslot = ns;
		t->indexed = 0;
	}
	for (; t->indexed < t->n; t->indexed++) {
		uint32_t *sl = int_slot(t, t->v[t->indexed]);
		if (*sl == 0)
			*sl = t->indexed + 1;
	}
	return 0;
}

/* Index of value in the table, appended when absent; -ENOMEM / -E2BIG. */
static int64_t int_index(struct ints *t, uint64_t value)
{
	int rc = int_reindex(t);

	if (rc)
		return rc;
	uint32_t *sl = int_slot(t, value);
	if (*sl != 0)
		return *sl - 1;
	if (t->n > DIF_INTOFF_MAX)
		return -E2BIG;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 16;
		void *nv = realloc(t->v, cap * sizeof(*t->v));
		if (nv == NULL)
			return -ENOMEM;
		t->v = nv;
		t->cap = cap;
	}
	t->v[t->n] = value;
	*sl = t->n + 1;
	t->indexed = t->n + 1;
	return t->n++;
}

static void ints_free(struct ints *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* --- The rewriting pass --------------------------------------------------- */

struct rw {
	struct lnk_ctx		*cx;
	const struct lnk_where	*w;
	struct dobj_difo	*d;
	struct words		text;
	struct ints		ints;	/* old table + new constants (indexes kept) */
	uint32_t		*new_pc;
	int32_t			*rel_at;
	unsigned		used;	/* registers the DIFO mentions */
	int			scratch;
};

static unsigned regs_of(dif_instr_t ins)
{
	uint8_t f = op_form[DIF_INSTR_OP(ins)];
	unsigned m = 0;
	uint32_t fields[3] = { DIF_INSTR_R1(ins), DIF_INSTR_R2(ins), DIF_INSTR_RD(ins) };

	switch (f) {
	case DIF_FORM_NONE:
	case DIF_FORM_BRANCH:
		return 0;
	case DIF_FORM_SETX: case DIF_FORM_SETS: case DIF_FORM_CALL: case DIF_FORM_LDV:
	case DIF_FORM_STV: case DIF_FORM_XLATE: case DIF_FORM_RELOC:
		return fields[2] < DIF_DIR_NREGS ? 1u << fields[2] : 0;
	default:
		for (int i = 0; i < 3; i++)
			if (fields[i] < DIF_DIR_NREGS)
				m |= 1u << fields[i];
		return m;
	}
}

static int scratch_reg(struct rw *rw, const struct dobj_srcpos *pos)
{
	if (rw->scratch > 0)
		return rw->scratch;
	for (int r = DIF_DIR_NREGS - 1; r > 0; r--) {
		if (!(rw->used & (1u << r))) {
			rw->scratch = r;
			return r;
		}
	}
	lnk_error(rw->cx, rw->w, pos, "this expression needs a free register for a shift, "
	    "but the DIFO uses all of %%r1..%%r7");
	return -EINVAL;
}

static int emit_setx(struct rw *rw, uint64_t value, unsigned rd)
{
	int64_t idx = int_index(&rw->ints, value);

	if (idx == -E2BIG) {
		lnk_error_plain(rw->cx, rw->w->inname, "integer table of a DIFO is full (65536)");
		return -EINVAL;
	}
	if (idx < 0)
		return (int)idx;
	return push(&rw->text, DIF_INSTR_IMM16(DIF_OP_SETX, idx, rd));
}

/* Shift rd by amount (held in the scratch register) with op. */
static int emit_shift(struct rw *rw, uint8_t op, uint32_t amount, unsigned rd, unsigned s)
{
	int rc = emit_setx(rw, amount, s);

	return rc ? rc : push(&rw->text, DIF_INSTR_FMT(op, rd, s, rd));
}

/*
 *   [unit load]  ldu<unit> [%rs], %rd
 *   left = 64 - shift - bits:  setx left, %rS;  sll %rd, %rS, %rd   (if left > 0)
 *   setx 64 - bits, %rS;  sra|srl %rd, %rS, %rd
 */
static int emit_bitfield(struct rw *rw, const struct plan *p, unsigned rs, unsigned rd,
    const struct dobj_srcpos *pos)
{
	int s = scratch_reg(rw, pos);
	int rc;

	if (s < 0)
		return s;
	if ((rc = push(&rw->text, DIF_INSTR_FMT(p->op, rs, 0, rd))) != 0)
		return rc;
	uint32_t left = 64 - p->shift - p->width;
	if (left > 0 && (rc = emit_shift(rw, DIF_OP_SLL, left, rd, (unsigned)s)) != 0)
		return rc;
	if (p->width == 64)
		return 0;
	return emit_shift(rw, p->is_signed ? DIF_OP_SRA : DIF_OP_SRL, 64 - p->width, rd,
	    (unsigned)s);
}

/* A guarded relocation's poison form (see the theory comment). */
static int emit_poison(struct rw *rw, dif_instr_t ins)
{
	unsigned rd = DIF_INSTR_RD(ins);

	switch (DIF_INSTR_OP(ins)) {
	case DIF_OP_USETX:
		return emit_setx(rw, 0, rd);
	case DIF_OP_UULOAD:
		return push(&rw->text, DIF_INSTR_FMT(DIF_OP_ULDX, 0, 0, rd));
	case DIF_OP_ULOAD:
	case DIF_OP_USTORE:
		return push(&rw->text, DIF_INSTR_FMT(DIF_OP_LDX, 0, 0, rd));
	default:	/* typecast */
		return 0;
	}
}

/* Emit the instructions a plan stands for at one pseudo-instruction. */
static int emit_plan(struct rw *rw, const struct plan *p, dif_instr_t ins,
    const struct dobj_srcpos *pos)
{
	unsigned rs = DIF_INSTR_R1(ins), rd = DIF_INSTR_RD(ins);
	int s, rc;

	switch (p->kind) {
	case PLAN_CONST:
		return emit_setx(rw, p->value, rd);
	case PLAN_LOAD:
		return push(&rw->text, DIF_INSTR_FMT(p->op, rs, 0, rd));
	case PLAN_ADDR:
		return rs == rd ? 0 : push(&rw->text, DIF_INSTR_FMT(DIF_OP_MOV, rs, 0, rd));
	case PLAN_BITFIELD:
		return emit_bitfield(rw, p, rs, rd, pos);
	case PLAN_EXTEND:
		if ((s = scratch_reg(rw, pos)) < 0)
			return s;
		if ((rc = emit_shift(rw, DIF_OP_SLL, 64 - p->width, rd, (unsigned)s)) != 0)
			return rc;
		return emit_shift(rw, p->is_signed ? DIF_OP_SRA : DIF_OP_SRL, 64 - p->width,
		    rd, (unsigned)s);
	case PLAN_BOOL:
		/* sub %r0, %rd, %rS; or %rd, %rS, %rd; setx 63, %rS; srl %rd, %rS, %rd */
		if ((s = scratch_reg(rw, pos)) < 0)
			return s;
		if ((rc = push(&rw->text, DIF_INSTR_FMT(DIF_OP_SUB, 0, rd, s))) != 0 ||
		    (rc = push(&rw->text, DIF_INSTR_FMT(DIF_OP_OR, rd, s, rd))) != 0)
			return rc;
		return emit_shift(rw, DIF_OP_SRL, 63, rd, (unsigned)s);
	case PLAN_STORE:
		return push(&rw->text, DIF_INSTR_FMT(p->op, rs, 0, rd));
	case PLAN_NONE:
		return 0;
	case PLAN_POISON:
		return emit_poison(rw, ins);
	}
	return -EINVAL;
}

/* The source position of pc: the last line entry at or before it. */
static struct dobj_srcpos pos_of(const struct rw *rw, uint32_t pc)
{
	struct dobj_srcpos pos = rw->w->pos;

	for (uint32_t i = 0; i < rw->d->nlines && rw->d->lines[i].pc <= pc; i++)
		pos = rw->d->lines[i].pos;
	return pos;
}

static int rewrite_one(struct rw *rw, uint32_t pc)
{
	dif_instr_t ins = rw->d->text[pc];
	uint8_t op = DIF_INSTR_OP(ins);

	if (op == DIF_OP_NOP)
		return 0;
	if (!DIF_OP_IS_RELOCATABLE(op))
		return push(&rw->text, ins);
	struct dobj_srcpos pos = pos_of(rw, pc);
	if (rw->rel_at[pc] < 0) {
		lnk_error(rw->cx, rw->w, &pos, "pseudo-instruction at pc %u has no relocation", pc);
		return -EINVAL;
	}
	struct plan p;
	int rc = resolve(rw->cx, rw->w, &rw->d->reltab[rw->rel_at[pc]], &pos, &p);
	if (rc == 0)
		rc = emit_plan(rw, &p, ins, &pos);
	return rc;
}

/* Remap branch labels and line pcs through new_pc. */
static int fix_references(struct rw *rw)
{
	uint32_t len = rw->d->len;

	for (uint32_t i = 0; i < rw->text.n; i++) {
		dif_instr_t ins = rw->text.v[i];
		if (op_form[DIF_INSTR_OP(ins)] != DIF_FORM_BRANCH)
			continue;
		uint32_t label = DIF_INSTR_LABEL(ins);
		if (label > len) {
			lnk_error_plain(rw->cx, rw->w->inname, "branch target %u is past the text", label);
			return -EINVAL;
		}
		rw->text.v[i] = DIF_INSTR_BRANCH(DIF_INSTR_OP(ins), rw->new_pc[label]);
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < rw->d->nlines; i++) {
		struct dobj_line l = rw->d->lines[i];
		uint32_t next = i + 1 < rw->d->nlines ? rw->d->lines[i + 1].pc : len;
		if (l.pc >= len || next > len)
			continue;
		l.pc = rw->new_pc[l.pc];
		if (l.pc == rw->new_pc[next] || (n > 0 && l.pc <= rw->d->lines[n - 1].pc))
			continue;	/* its instructions all vanished */
		rw->d->lines[n++] = l;
	}
	rw->d->nlines = n;
	return 0;
}

/* Rebuild the int table in order of first use by setx. */
static int compact_ints(struct rw *rw)
{
	struct ints t = { NULL, 0, 0, NULL, 0, 0 };

	for (uint32_t i = 0; i < rw->text.n; i++) {
		dif_instr_t ins = rw->text.v[i];
		if (DIF_INSTR_OP(ins) != DIF_OP_SETX)
			continue;
		int64_t idx = int_index(&t, rw->ints.v[DIF_INSTR_INTEGER(ins)]);
		if (idx < 0) {
			ints_free(&t);
			return idx == -E2BIG ? -EINVAL : (int)idx;
		}
		rw->text.v[i] = DIF_INSTR_IMM16(DIF_OP_SETX, idx, DIF_INSTR_RD(ins));
	}
	int rc = dobj_difo__set_inttab(rw->d, t.v, t.n);
	ints_free(&t);
	return rc;
}

/* A string table under construction, with a hash index (string -> offset + 1). */
struct strs {
	char		*buf;
	uint32_t	len, cap;
	uint32_t	*slot;
	uint32_t	nslot, count;
};

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static uint32_t *str_slot(const struct strs *t, const char *s)
{
	uint32_t mask = t->nslot - 1, i = hash_str(s) & mask;

	while (t->slot[i] != 0 && strcmp(t->buf + t->slot[i] - 1, s) != 0)
		i = (i + 1) & mask;
	return &t->slot[i];
}

static int str_grow_index(struct strs *t)
{
	uint32_t ns = t->nslot ? t->nslot * 2 : 64;
	uint32_t *old = t->slot, on = t->nslot;

	if ((t->slot = calloc(ns, sizeof(*t->slot))) == NULL) {
		t->slot = old;
		return -ENOMEM;
	}
	t->nslot = ns;
	for (uint32_t i = 0; i < on; i++)
		if (old[i] != 0)
			*str_slot(t, t->buf + old[i] - 1) = old[i];
	free(old);
	return 0;
}

/* Offset of s in the new table (appended when not yet there). */
static int64_t str_index(struct strs *t, const char *s)
{
	size_t n = strlen(s) + 1;
	int rc;

	if ((uint64_t)t->count * 2 + 2 > t->nslot && (rc = str_grow_index(t)) != 0)
		return rc;
	uint32_t *sl = str_slot(t, s);
	if (*sl != 0)
		return *sl - 1;
	if (t->len + n > DIF_STROFF_MAX + 1)
		return -E2BIG;
	if (t->len + n > t->cap) {
		uint32_t c = (uint32_t)((t->len + n) * 2);
		char *nb = realloc(t->buf, c);
		if (nb == NULL)
			return -ENOMEM;
		t->buf = nb;
		t->cap = c;
	}
	memcpy(t->buf + t->len, s, n);
	*sl = t->len + 1;
	t->count++;
	t->len += (uint32_t)n;
	return (int64_t)t->len - (int64_t)n;
}

/* Rebuild the string table from what sets and the variable names use. */
static int compact_strs(struct rw *rw)
{
	struct dobj_difo *d = rw->d;
	struct strs t = { NULL, 0, 0, NULL, 0, 0 };
	int64_t off = 0;

	if (d->strlen == 0)
		return 0;
	off = str_index(&t, "");
	for (uint32_t i = 0; off >= 0 && i < rw->text.n; i++) {
		dif_instr_t ins = rw->text.v[i];
		if (DIF_INSTR_OP(ins) != DIF_OP_SETS)
			continue;
		off = str_index(&t, d->strtab + DIF_INSTR_STRING(ins));
		if (off >= 0)
			rw->text.v[i] = DIF_INSTR_IMM16(DIF_OP_SETS, off, DIF_INSTR_RD(ins));
	}
	for (uint32_t i = 0; off >= 0 && i < d->varlen; i++) {
		off = str_index(&t, d->strtab + d->vartab[i].dtdv_name);
		if (off >= 0)
			d->vartab[i].dtdv_name = (uint32_t)off;
	}
	int rc = off < 0 ? (off == -E2BIG ? -EINVAL : (int)off) :
	    dobj_difo__set_strtab(d, t.buf, t.len);
	free(t.buf);
	free(t.slot);
	return rc;
}

static int validate_linked(struct rw *rw)
{
	struct dif_difo view;
	struct dvm_verr errs[4];
	struct dvm_validate_opts o = { 0, 0 };

	for (uint32_t i = 0; i < rw->d->len; i++)
		if (DIF_INSTR_OP(rw->d->text[i]) == DIF_OP_HYPERCALL)
			o.dvo_flags |= DVM_VF_GUEST;
	dobj_difo__view(rw->d, &view);
	unsigned n = dvm_difo__validate(&view, &o, errs, 4);
	for (unsigned i = 0; i < n && i < 4; i++) {
		char msg[160];
		dvm_verr__format(&errs[i], msg, sizeof(msg));
		lnk_error(rw->cx, rw->w, &rw->w->pos,
		    "internal linker error: the linked DIFO fails validation: %s", msg);
	}
	return n ? -EINVAL : 0;
}

static int rewrite_all(struct rw *rw)
{
	struct dobj_difo *d = rw->d;
	int rc = 0;

	for (uint32_t i = 0; i < d->len; i++) {
		rw->used |= regs_of(d->text[i]);
		rw->rel_at[i] = -1;
	}
	for (uint32_t i = 0; i < d->rellen; i++)
		if (d->reltab[i].dtr_pc < d->len)
			rw->rel_at[d->reltab[i].dtr_pc] = (int32_t)i;
	/* The old table as is, so old setx indexes stay valid while rewriting. */
	if (d->intlen)
		memcpy(rw->ints.v, d->inttab, (size_t)d->intlen * sizeof(*d->inttab));
	rw->ints.n = d->intlen;
	int bad = 0;
	for (uint32_t pc = 0; pc < d->len; pc++) {
		rw->new_pc[pc] = rw->text.n;
		rc = rewrite_one(rw, pc);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0)
			bad = rc;
	}
	rw->new_pc[d->len] = rw->text.n;
	if (bad)
		return bad;
	if ((rc = fix_references(rw)) != 0 || (rc = compact_ints(rw)) != 0 ||
	    (rc = compact_strs(rw)) != 0)
		return rc;
	if ((rc = dobj_difo__set_text(d, rw->text.v, rw->text.n)) != 0)
		return rc;
	free(d->reltab);
	d->reltab = NULL;
	d->rellen = 0;
	return validate_linked(rw);
}

int lnk_relocate_difo(struct lnk_ctx *cx, const struct lnk_where *w, struct dobj_difo *d)
{
	struct rw rw = { .cx = cx, .w = w, .d = d, .scratch = -1 };
	int rc = -ENOMEM;

	rw.new_pc = calloc((size_t)d->len + 1, sizeof(*rw.new_pc));
	rw.rel_at = calloc((size_t)d->len + 1, sizeof(*rw.rel_at));
	rw.ints.cap = d->intlen + 16;
	rw.ints.v = calloc(rw.ints.cap, sizeof(*rw.ints.v));
	if (rw.new_pc && rw.rel_at && rw.ints.v)
		rc = rewrite_all(&rw);
	free(rw.new_pc);
	free(rw.rel_at);
	ints_free(&rw.ints);
	free(rw.text.v);
	return rc;
}
