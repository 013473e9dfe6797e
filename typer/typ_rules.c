/*
 * typ_rules.c — one transfer rule per DIF opcode: given the running
 * abstract state before instruction pc (registers, tuple stack), check the
 * operands and compute the state after it.
 *
 * The dispatch is driven by DIF_OPCODES: the form of an opcode says which
 * fields are registers, so reads of out-of-range registers are caught in
 * one place, and every opcode number the table lists has a case below (the
 * default case covers words that are not opcodes at all).  Rules never
 * stop the pass: an error is recorded (typ_error, which only keeps errors
 * in the final pass) and the result becomes "conflict, already reported",
 * so one mistake does not cascade.  The rules table in docs/typer.md lists
 * the same rules in prose.
 *
 * Read typ_infer.c for the driver that calls typ_step in pc order.
 */
#include <stdio.h>
#include <string.h>

#include "typ_infer_impl.h"

/* --- helpers --------------------------------------------------------------- */

static const char *form_of_name(unsigned op)
{
	switch (op) {
#define NAME_(num, name, mn, form, sem) case num: return mn;
	DIF_OPCODES(NAME_)
#undef NAME_
	default:
		return "?";
	}
}

static enum dif_form form_of(unsigned op)
{
	switch (op) {
#define FORM_(num, name, mn, form, sem) case num: return form;
	DIF_OPCODES(FORM_)
#undef FORM_
	default:
		return DIF_FORM_COUNT;
	}
}

static void tstr(const struct typ_infer *inf, struct typ_type t, char *b, size_t n)
{
	typ_t_str(inf, t, b, n);
}

static struct aval av_of(struct typ_type t)
{
	struct aval a;

	memset(&a, 0, sizeof(a));
	a.t = t;
	return a;
}

static struct aval av_reported(void)
{
	struct aval a = av_of(typ_t_make(TYP_T_TOP));

	a.reported = true;
	return a;
}

/*
 * Read register r as an operand.  %r0 is the constant 0.  A conflict that
 * has not been reported yet is reported here, at its first use, naming the
 * two types that met.
 */
static struct aval rd_reg(struct typ_infer *inf, uint32_t pc, unsigned r)
{
	struct aval *a;
	char x[160], y[160];

	if (r >= NREGS) {
		typ_error(inf, pc, "register %%r%u out of range", r);
		return av_reported();
	}
	if (r == 0)
		return av_of(typ_t_make(TYP_T_NULL));
	a = &inf->st.r[r];
	if (a->t.kind == TYP_T_TOP && !a->reported) {
		if (a->has_why) {
			tstr(inf, a->why[0], x, sizeof(x));
			tstr(inf, a->why[1], y, sizeof(y));
			typ_error(inf, pc, "%%r%u has conflicting types where paths "
			    "meet at pc %u: %s and %s", r, a->why_pc, x, y);
		} else {
			typ_error(inf, pc, "%%r%u has a conflicting type", r);
		}
		a->reported = true;
	}
	return *a;
}

static void wr_reg(struct typ_infer *inf, uint32_t pc, unsigned r, struct aval v)
{
	if (r >= NREGS) {
		typ_error(inf, pc, "register %%r%u out of range", r);
		return;
	}
	if (r == 0) {
		typ_error(inf, pc, "destination %%r0 is read-only");
		return;
	}
	inf->st.r[r] = v;
	inf->di[inf->cur].def[pc] = v.t;
}

static bool is_bad(struct aval a)
{
	return a.t.kind == TYP_T_TOP || a.t.kind == TYP_T_BOTTOM;
}

static bool is_ptrlike(struct typ_type t)
{
	return t.kind == TYP_T_PTR || t.kind == TYP_T_STRING;
}

/*
 * The typefile type an address operand points at: a pointer's pointee, or
 * the type itself for a by-reference value (a struct or union whose register
 * holds its address); an array by reference points at its first element, as
 * arrays decay in C (p->arr[i]).  0 for void or loose, -1 for neither.
 */
static int64_t addr_pointee(const struct typ_infer *inf, struct typ_type t)
{
	struct typ_info ti;
	int64_t id;

	if (t.kind != TYP_T_CTF)
		return typ_t_pointee(inf, t);
	if (inf->tf == NULL)
		return 0;
	id = typ_file__resolve(inf->tf, t.id);
	if (id > 0 && typ_file__info(inf->tf, (typ_id_t)id, &ti) == 0 && ti.kind == TYP_ARRAY)
		return typ_file__resolve(inf->tf, ti.ref);
	return id;
}

/* The element type of an array held by reference, or -1. */
static int64_t array_by_ref(const struct typ_infer *inf, struct typ_type t)
{
	struct typ_info ti;
	int64_t id;

	if (t.kind != TYP_T_CTF || inf->tf == NULL)
		return -1;
	id = typ_file__resolve(inf->tf, t.id);
	if (id <= 0 || typ_file__info(inf->tf, (typ_id_t)id, &ti) != 0 || ti.kind != TYP_ARRAY)
		return -1;
	return (int64_t)ti.ref;
}

/*
 * An address operand: a pointer, an integer, NULL, a target value, or a
 * by-reference value (its register holds the address).
 */
static bool check_addr(struct typ_infer *inf, uint32_t pc, struct aval a,
    const char *what)
{
	char x[160];

	if (is_bad(a) || typ_t_is_scalar(a.t) || a.t.kind == TYP_T_PTR ||
	    a.t.kind == TYP_T_STRING || a.t.kind == TYP_T_CTF)
		return true;
	tstr(inf, a.t, x, sizeof(x));
	typ_error(inf, pc, "%s: address is a %s, not a pointer or integer", what, x);
	return false;
}

static bool check_int(struct typ_infer *inf, uint32_t pc, struct aval a,
    const char *what)
{
	char x[160];

	if (is_bad(a) || typ_t_is_scalar(a.t))
		return true;
	tstr(inf, a.t, x, sizeof(x));
	typ_error(inf, pc, "%s must be an integer, not %s", what, x);
	return false;
}

/* --- ALU ------------------------------------------------------------------- */

static struct typ_type promote(struct typ_type t)
{
	/* C's integer promotion: narrower than int becomes int */
	if (t.kind == TYP_T_NULL)
		return typ_t_int(4, true);
	if (t.kind == TYP_T_INT && t.size < 4)
		return typ_t_int(4, true);
	return t;
}

static struct aval arith_ints(const struct typ_infer *inf, struct aval a, struct aval b)
{
	struct typ_type t;

	if (a.t.kind == TYP_T_TARGET || b.t.kind == TYP_T_TARGET)
		return av_of(typ_t_make(TYP_T_TARGET));
	t = typ_type__join(inf, promote(a.t), promote(b.t));
	t.id = 0;
	return av_of(t);
}

/*
 * ptr + member_offset(T, path): a pointer to the member.  The pointer must
 * point at T (when both are known), or for a path through pointers
 * ("a->b"), at the struct the last "->" points into.  A struct value loaded
 * by reference (`(*p).m`, `this->copy.m`) is its own address, so it counts
 * as a pointer to its type.
 */
static struct aval member_ptr(struct typ_infer *inf, uint32_t pc, struct aval p,
    const struct dif_reloc *rel)
{
	const struct relinfo *ri = typ_rel_resolve(inf, rel);
	int64_t pe;
	char x[160];
	bool user = p.t.flags & TYP_TF_USER;

	if (inf->tf == NULL) {
		struct typ_type t = typ_t_make(TYP_T_PTR);
		t.name = ri->loose;
		t.flags = user ? TYP_TF_USER : 0;
		return av_of(t);
	}
	if (ri->root < 0 || ri->member_rc != 0)
		return av_reported();	/* reported at the usetx */
	pe = addr_pointee(inf, p.t);
	if (pe > 0 && pe != (int64_t)ri->acc.root) {	/* a "->" path: the last pointee */
		tstr(inf, p.t, x, sizeof(x));
		typ_error(inf, pc, "offset of member '%s' of %s added to a %s",
		    dobj__str(inf->obj, rel->dtr_member),
		    dobj__str(inf->obj, rel->dtr_type), x);
		return av_reported();
	}
	typ_note_id(inf, (typ_id_t)ri->root);
	return av_of(typ_t_ptr_to(inf, ri->acc.type, user));
}

static struct aval rule_add(struct typ_infer *inf, uint32_t pc, struct aval a,
    struct aval b)
{
	char x[160], y[160];
	struct aval p, i;

	if (a.rel && !b.rel && !typ_t_is_scalar(b.t) && b.t.kind != TYP_T_STRING) {
		p = b;
		i = a;
	} else {
		p = a;
		i = b;
	}
	if (i.rel && (p.t.kind == TYP_T_PTR || p.t.kind == TYP_T_NULL ||
	    p.t.kind == TYP_T_TARGET || p.t.kind == TYP_T_CTF ||
	    (p.t.kind == TYP_T_INT && p.t.size == 8))) {
		const struct dif_reloc *rel = &inf->d->reltab[i.rel - 1];
		return member_ptr(inf, pc, p, rel);
	}
	if (!i.rel && array_by_ref(inf, p.t) > 0)	/* p->arr[i]: arrays decay, as in C */
		return check_int(inf, pc, i, "array index") ?
		    av_of(typ_t_ptr_to(inf, (typ_id_t)array_by_ref(inf, p.t),
		    p.t.flags & TYP_TF_USER)) : av_reported();
	if (is_ptrlike(a.t) && is_ptrlike(b.t)) {
		tstr(inf, a.t, x, sizeof(x));
		tstr(inf, b.t, y, sizeof(y));
		typ_error(inf, pc, "cannot add two pointers: %s and %s", x, y);
		return av_reported();
	}
	if (is_ptrlike(a.t))
		return check_int(inf, pc, b, "pointer offset") ? av_of(a.t) : av_reported();
	if (is_ptrlike(b.t))
		return check_int(inf, pc, a, "pointer offset") ? av_of(b.t) : av_reported();
	return arith_ints(inf, a, b);
}

static struct aval rule_sub(struct typ_infer *inf, uint32_t pc, struct aval a,
    struct aval b)
{
	char x[160], y[160];

	if (is_ptrlike(a.t) && is_ptrlike(b.t)) {
		if (typ_type__join(inf, a.t, b.t).kind == TYP_T_TOP) {
			tstr(inf, a.t, x, sizeof(x));
			tstr(inf, b.t, y, sizeof(y));
			typ_error(inf, pc, "cannot subtract pointers of different "
			    "types: %s and %s", x, y);
			return av_reported();
		}
		return av_of(typ_t_int(8, true));	/* ptrdiff_t */
	}
	if (is_ptrlike(a.t))
		return check_int(inf, pc, b, "pointer offset") ? av_of(a.t) : av_reported();
	if (is_ptrlike(b.t)) {
		tstr(inf, b.t, x, sizeof(x));
		typ_error(inf, pc, "cannot subtract a pointer (%s) from an integer", x);
		return av_reported();
	}
	return arith_ints(inf, a, b);
}

/* and/or/xor on pointers give an integer (alignment masks); mul/div/rem refuse. */
static struct aval rule_alu(struct typ_infer *inf, uint32_t pc, unsigned op,
    struct aval a, struct aval b)
{
	char x[160];
	bool bitwise = op == DIF_OP_AND || op == DIF_OP_OR || op == DIF_OP_XOR;
	bool shift = op == DIF_OP_SLL || op == DIF_OP_SRL || op == DIF_OP_SRA;
	struct aval bad = typ_t_is_scalar(a.t) ? b : a;

	if ((typ_t_is_scalar(a.t) && typ_t_is_scalar(b.t)) ||
	    ((bitwise || shift) && a.t.kind != TYP_T_CTF && b.t.kind != TYP_T_CTF &&
	    a.t.kind != TYP_T_STRING && b.t.kind != TYP_T_STRING)) {
		if (!typ_t_is_scalar(a.t) || !typ_t_is_scalar(b.t))
			return av_of(typ_t_int(8, false));
		if (shift)
			return av_of(promote(a.t));
		return arith_ints(inf, a, b);
	}
	tstr(inf, bad.t, x, sizeof(x));
	typ_error(inf, pc, "%s of a %s: integer operands required",
	    form_of_name(op), x);
	return av_reported();
}

/* --- loads ---------------------------------------------------------------- */

/* ld{s,u}{b,h,w}, ldx and their user (uld) and checked (rld) forms. */
static struct aval rule_load(struct typ_infer *inf, uint32_t pc, unsigned op,
    struct aval a)
{
	unsigned base = op, size;
	bool is_signed, user = false;
	struct typ_type t;
	int64_t pe;
	struct typ_load ld;

	if (op >= DIF_OP_ULDSB && op <= DIF_OP_ULDX) {
		base = op - DIF_OP_ULD_DELTA;
		user = true;
	} else if (op >= DIF_OP_RLDSB && op <= DIF_OP_RLDX) {
		base = op - DIF_OP_RLD_DELTA;
	}
	switch (base) {
	case DIF_OP_LDSB: size = 1; is_signed = true; break;
	case DIF_OP_LDSH: size = 2; is_signed = true; break;
	case DIF_OP_LDSW: size = 4; is_signed = true; break;
	case DIF_OP_LDUB: size = 1; is_signed = false; break;
	case DIF_OP_LDUH: size = 2; is_signed = false; break;
	case DIF_OP_LDUW: size = 4; is_signed = false; break;
	default: size = 8; is_signed = false; break;
	}
	(void)user;
	if (!check_addr(inf, pc, a, form_of_name(op)))
		return av_reported();
	t = typ_t_int(size, is_signed);
	/* through a typed pointer of the same width: keep the pointee type */
	if ((pe = typ_t_pointee(inf, a.t)) > 0 &&
	    typ_file__load_kind(inf->tf, (typ_id_t)pe, &ld) == 0 &&
	    ld.size == size && ld.kind != TYP_LOAD_BYREF &&
	    (size == 8 || ld.is_signed == is_signed))
		t = typ_t_from_tf(inf, (typ_id_t)pe);
	return av_of(t);
}

/*
 * A guarded relocation (dif_reloc.h F_GUARDED) whose root this target
 * lacks: it sits in an arm for another kernel, which a type_exists test
 * keeps from running, and the linker poisons it.  Its value is what only
 * that other target could type (TYP_T_TARGET, as without a typefile), and
 * nothing about it is an error.  A root flag still set after binding means
 * the binder found that root absent (lnk_bind.c).
 */
static bool guarded_absent(struct typ_infer *inf, const struct dif_reloc *rel)
{
	if (!(rel->dtr_flags & DIF_RELOC_F_GUARDED) || inf->tf == NULL)
		return false;
	return (rel->dtr_flags & DIF_RELOC_F_ROOTS) || typ_rel_resolve(inf, rel)->root < 0;
}

static struct aval poisoned(struct typ_infer *inf, const struct dif_reloc *rel)
{
	struct typ_type t = typ_t_make(TYP_T_TARGET);

	t.name = typ_rel_resolve(inf, rel)->loose;
	return av_of(t);
}

/*
 * uload / uuload: the member type named by the relocation.  A struct, union
 * or array has no register value: the linker turns its load into the
 * address itself (a whole-struct copy `this->x = *p`, `trace(*p)`,
 * `trace(p->name)`), so the result is that type by reference — what copys,
 * a later member offset and the DIFO's by-reference result type expect.
 * ustore resolves the same way (the type of the memory it writes) before
 * rule_ustore checks the value; storing a whole aggregate stays an error.
 */
static struct aval rule_uload(struct typ_infer *inf, uint32_t pc, unsigned op,
    struct aval a)
{
	const struct dif_reloc *rel = typ_reloc_at(inf, pc);
	const char *tname, *path;
	struct typ_access acc;
	struct typ_err err;
	const struct relinfo *ri;
	int64_t root, pe;
	char x[160], y[160];

	if (rel == NULL) {
		typ_error(inf, pc, "%s without a relocation", form_of_name(op));
		return av_reported();
	}
	if (!check_addr(inf, pc, a, form_of_name(op)))
		return av_reported();
	if (guarded_absent(inf, rel))
		return poisoned(inf, rel);
	tname = dobj__str(inf->obj, rel->dtr_type);
	path = dobj__str(inf->obj, rel->dtr_member);
	ri = typ_rel_resolve(inf, rel);
	if (inf->tf == NULL) {
		struct typ_type t = typ_t_make(TYP_T_TARGET);
		t.name = ri->loose;
		return av_of(t);
	}
	if (ri->root >= 0 && *path && ri->member_rc == 0) {
		acc = ri->acc;
		root = ri->root;
		goto resolved;
	}
	err.msg[0] = '\0';
	if ((root = typ_file__lookup(inf->tf, tname, &err)) < 0) {
		typ_error(inf, pc, "unknown type '%s'", tname);
		return av_reported();
	}
	if ((*path ? typ_file__member_path(inf->tf, (typ_id_t)root, path, &acc, &err)
	    : typ_file__load_kind(inf->tf, (typ_id_t)root, &acc.load)) != 0) {
		const char *near = *path ? typ_file__near_member(inf->tf,
		    (typ_id_t)root, path) : NULL;
		if (near != NULL)
			typ_error(inf, pc, "bad member: %s has no member '%s' "
			    "(did you mean '%s'?)", tname, path, near);
		else
			typ_error(inf, pc, "bad member: %s", err.msg[0] ? err.msg : tname);
		return av_reported();
	}
	if (*path == '\0')
		acc.type = (typ_id_t)root;
resolved:
	if (acc.load.kind == TYP_LOAD_NONE ||
	    (acc.load.kind == TYP_LOAD_BYREF && op == DIF_OP_USTORE)) {
		typ_t_str(inf, typ_t_from_tf(inf, acc.type), x, sizeof(x));
		typ_error(inf, pc, "%s %s%s%s by value: a %s has no register value",
		    op == DIF_OP_USTORE ? "store into" : "load of",
		    tname, *path ? "." : "", path, x);
		return av_reported();
	}
	pe = addr_pointee(inf, a.t);
	if (pe > 0 && pe != typ_file__resolve(inf->tf, acc.type)) {
		tstr(inf, a.t, x, sizeof(x));
		typ_t_str(inf, typ_t_from_tf(inf, acc.type), y, sizeof(y));
		typ_error(inf, pc, "%s %s%s%s (%s) through a %s",
		    op == DIF_OP_USTORE ? "store into" : "load of", tname,
		    *path ? "." : "", path, y, x);
		return av_reported();
	}
	typ_note_id(inf, (typ_id_t)root);
	{
		struct typ_type t = typ_t_from_tf(inf, acc.type);
		if (op == DIF_OP_UULOAD && (t.kind == TYP_T_PTR || t.kind == TYP_T_CTF))
			t.flags |= TYP_TF_USER;
		return av_of(t);
	}
}

/* --- relocations: usetx, typecast ------------------------------------------ */

static struct aval rule_usetx(struct typ_infer *inf, uint32_t pc)
{
	const struct dif_reloc *rel = typ_reloc_at(inf, pc);
	const char *tname, *path;
	struct typ_access acc;
	struct typ_err err;
	struct aval v = av_of(typ_t_int(8, false));
	const struct relinfo *ri;
	int64_t root;
	const char *near;

	if (rel == NULL) {
		typ_error(inf, pc, "usetx without a relocation");
		return av_reported();
	}
	tname = dobj__str(inf->obj, rel->dtr_type);
	path = dobj__str(inf->obj, rel->dtr_member);
	/* type_exists is 0 or 1 on every target, known once there is a
	 * typefile (the linker writes the same setx); a poisoned usetx is
	 * setx 0 */
	if (rel->dtr_kind == DIF_RELOC_TYPE_EXISTS && inf->tf != NULL) {
		v.is_const = true;
		v.cval = (uint64_t)typ_file__type_exists(inf->tf, tname, path);
		return v;
	}
	if (rel->dtr_kind == DIF_RELOC_TYPE_EXISTS || guarded_absent(inf, rel))
		return v;
	if (rel->dtr_kind == DIF_RELOC_MEMBER_OFFSET)
		v.rel = (uint32_t)(rel - inf->d->reltab) + 1;
	if (inf->tf == NULL)
		return v;
	ri = typ_rel_resolve(inf, rel);
	if (ri->root >= 0 && (rel->dtr_kind == DIF_RELOC_TYPE_SIZE ?
	    typ_file__size(inf->tf, (typ_id_t)ri->root) >= 0 : ri->member_rc == 0)) {
		typ_note_id(inf, (typ_id_t)ri->root);
		return v;
	}
	err.msg[0] = '\0';
	if ((root = typ_file__lookup(inf->tf, tname, &err)) < 0) {
		typ_error(inf, pc, "unknown type '%s'", tname);
		return av_reported();
	}
	typ_note_id(inf, (typ_id_t)root);
	if (rel->dtr_kind == DIF_RELOC_TYPE_SIZE) {
		if (typ_file__size(inf->tf, (typ_id_t)root) < 0) {
			typ_error(inf, pc, "sizeof(%s): the type has no size", tname);
			return av_reported();
		}
		return v;
	}
	if (typ_file__member_path(inf->tf, (typ_id_t)root, path, &acc, &err) != 0) {
		near = typ_file__near_member(inf->tf, (typ_id_t)root, path);
		if (near != NULL)
			typ_error(inf, pc, "bad member: %s has no member '%s' "
			    "(did you mean '%s'?)", tname, path, near);
		else
			typ_error(inf, pc, "bad member: %s", err.msg);
		return av_reported();
	}
	return v;
}

static struct aval rule_typecast(struct typ_infer *inf, uint32_t pc, struct aval a)
{
	const struct dif_reloc *rel = typ_reloc_at(inf, pc);
	const char *tname;
	struct typ_type t;
	bool ok;
	char x[160];

	if (rel == NULL) {
		typ_error(inf, pc, "typecast without a relocation");
		return av_reported();
	}
	if (guarded_absent(inf, rel))
		return poisoned(inf, rel);
	tname = dobj__str(inf->obj, rel->dtr_type);
	t = typ_t_parse(inf, tname, &ok);
	if (!ok && tname[0] != '\0' && tname[strlen(tname) - 1] == '*') {
		/* a pointer to a type this target lacks (a D-only typedef):
		 * still a pointer, as the linker treats it */
		char base[256];
		size_t k = strlen(tname) - 1;
		while (k > 0 && tname[k - 1] == ' ')
			k--;
		snprintf(base, sizeof(base), "%.*s", (int)k, tname);
		t = typ_t_named(inf, TYP_T_PTR, base);
		ok = true;
	}
	if (!ok) {
		typ_error(inf, pc, "unknown type '%s'", tname);
		return av_reported();
	}
	if (t.kind == TYP_T_CTF) {
		typ_error(inf, pc, "cast to %s: not a scalar type", tname);
		return av_reported();
	}
	if (a.t.kind == TYP_T_CTF || (a.t.kind == TYP_T_STRING &&
	    t.kind == TYP_T_INT)) {
		tstr(inf, a.t, x, sizeof(x));
		typ_error(inf, pc, "cannot cast a %s to %s", x, tname);
		return av_reported();
	}
	return av_of(t);
}

/* --- variables --------------------------------------------------------------- */

static const char *builtin_name(uint32_t id)
{
	switch (id) {
#define BN_(i, n, dn) case i: return dn;
	DIF_BUILTIN_VARS(BN_)
#undef BN_
	default:
		return NULL;
	}
}

/* Built-in variable types: the profile's C types, or D's without a typefile. */
static void builtin_compute(struct typ_infer *inf, uint32_t pc, uint32_t var,
    struct aval *out)
{
	const char *name = builtin_name(var);
	const struct typ_profile *p = inf->profile;
	const struct typ_builtin *b;
	struct typ_err err;
	int64_t id;
	bool ok;

	if (name == NULL) {
		typ_error(inf, pc, "unknown built-in variable id %u", var);
		*out = av_reported();
		return;
	}
	if (p == NULL)
		p = typ_profile__get(TYP_OS_FREEBSD);	/* common D types */
	b = p ? typ_profile__builtin(p, name) : NULL;
	if (b == NULL || b->cls == TYP_BUILTIN_ARGS) {
		*out = av_of(typ_t_int(8, var != DIF_VAR_UREGS && var != DIF_VAR_REGS ?
		    true : false));
		return;
	}
	if (b->cls == TYP_BUILTIN_STRING) {
		*out = av_of(typ_t_make(TYP_T_STRING));
		return;
	}
	if (b->cls == TYP_BUILTIN_NONE) {
		typ_error(inf, pc, "built-in '%s' is not available on %s", name, p->name);
		*out = av_reported();
		return;
	}
	if (inf->tf != NULL) {
		if ((id = typ_profile__builtin_type(p, inf->tf, name, &err)) < 0) {
			typ_error(inf, pc, "built-in '%s': %s", name, err.msg);
			*out = av_reported();
			return;
		}
		*out = av_of(typ_t_from_tf(inf, (typ_id_t)id));
		return;
	}
	if (var == DIF_VAR_CURTHREAD && inf->profile == NULL) {
		*out = av_of(typ_t_make(TYP_T_PTR));	/* OS unknown: void * */
		return;
	}
	*out = av_of(typ_t_parse(inf, b->ctype, &ok));
}

/* Cached: a built-in's type is the same at every load (errors are not cached). */
void typ_builtin_type(struct typ_infer *inf, uint32_t pc, uint32_t var, struct aval *out)
{
	if (var < 0x300 && inf->builtin_done[var]) {
		*out = av_of(inf->builtin[var]);
		typ_note_id(inf, out->t.id);
		return;
	}
	builtin_compute(inf, pc, var, out);
	if (var < 0x300 && !out->reported) {
		inf->builtin[var] = out->t;
		inf->builtin_done[var] = true;
	}
}

static uint8_t scope_of(unsigned op)
{
	switch (op) {
	case DIF_OP_LDTS: case DIF_OP_STTS: case DIF_OP_LDTAA: case DIF_OP_STTAA:
		return DIFV_SCOPE_THREAD;
	case DIF_OP_LDLS: case DIF_OP_STLS:
		return DIFV_SCOPE_LOCAL;
	default:
		return DIFV_SCOPE_GLOBAL;
	}
}

static bool is_assoc(unsigned op)
{
	return op == DIF_OP_LDGAA || op == DIF_OP_LDTAA || op == DIF_OP_STGAA ||
	    op == DIF_OP_STTAA;
}

static struct aval rule_ldv(struct typ_infer *inf, uint32_t pc, unsigned op, uint32_t id)
{
	struct ivar *v;
	struct aval a;

	if (id < DIF_VAR_OTHER_UBASE) {
		if (op != DIF_OP_LDGS) {
			typ_error(inf, pc, "%s of built-in variable id %u",
			    form_of_name(op), id);
			return av_reported();
		}
		typ_builtin_type(inf, pc, id, &a);
		return a;
	}
	v = typ_var_get(inf, scope_of(op), is_assoc(op) ? DIFV_KIND_ARRAY :
	    DIFV_KIND_SCALAR, id);
	if (v == NULL)
		return av_reported();
	if (is_assoc(op))
		typ_var_keys(inf, pc, v);
	if (v->pub.type.kind == TYP_T_BOTTOM)
		return av_of(typ_t_make(TYP_T_NULL));	/* never stored: reads 0 */
	a = av_of(v->pub.type);
	a.reported = v->type_error;
	return a;
}

static void rule_stv(struct typ_infer *inf, uint32_t pc, unsigned op, uint32_t id,
    struct aval val)
{
	struct ivar *v;

	if (id < DIF_VAR_OTHER_UBASE) {
		const char *n = builtin_name(id);
		typ_error(inf, pc, "store to built-in variable %s", n ? n : "(unknown)");
		return;
	}
	v = typ_var_get(inf, scope_of(op), is_assoc(op) ? DIFV_KIND_ARRAY :
	    DIFV_KIND_SCALAR, id);
	if (v == NULL)
		return;
	if (is_assoc(op))
		typ_var_keys(inf, pc, v);
	if (val.t.kind == TYP_T_TOP && val.reported)
		return;
	typ_var_store(inf, pc, v, val.t);
}

static struct aval rule_ldga(struct typ_infer *inf, uint32_t pc, unsigned op,
    uint32_t arr, struct aval idx)
{
	check_int(inf, pc, idx, "array index");
	if (op == DIF_OP_LDTA) {
		typ_error(inf, pc, "ldta: thread-local built-in arrays do not exist "
		    "(the VM faults with ILLOP)");
		return av_reported();
	}
	if (arr == DIF_VAR_ARGS)
		return av_of(typ_t_int(8, true));
	if (arr == DIF_VAR_REGS || arr == DIF_VAR_UREGS || arr == DIF_VAR_VMREGS)
		return av_of(typ_t_int(8, false));
	typ_error(inf, pc, "ldga of unknown built-in array %u", arr);
	return av_reported();
}

/* --- tuple stack and subroutines --------------------------------------------- */

static void rule_push(struct typ_infer *inf, uint32_t pc, unsigned op, dif_instr_t w)
{
	struct aval v = rd_reg(inf, pc, DIF_INSTR_RS(w));
	struct aval sz = rd_reg(inf, pc, DIF_INSTR_R2(w));
	unsigned ty = DIF_INSTR_TYPE(w);
	struct typ_type t = v.t;
	char x[160];

	if (op == DIF_OP_PUSHTR)
		check_int(inf, pc, sz, "pushed size");
	if (ty == DIF_TYPE_STRING) {
		if (!is_bad(v) && !typ_t_is_stringish(inf, v.t)) {
			tstr(inf, v.t, x, sizeof(x));
			typ_error(inf, pc, "pushed as a string but is a %s", x);
		}
		t = typ_t_make(TYP_T_STRING);
	} else if (ty != DIF_TYPE_CTF) {
		typ_error(inf, pc, "unknown tuple type code %u", ty);
	}
	if (inf->st.depth >= NSTACK) {
		typ_error(inf, pc, "tuple stack overflow: more than %d entries", NSTACK);
		return;
	}
	if (t.kind == TYP_T_BOTTOM)
		t = typ_t_make(TYP_T_NULL);
	inf->st.stk[inf->st.depth++] = t;
}

/*
 * Subroutine signatures: result, then arguments.  Codes: i integer,
 * s string (or char pointer/array), p address (pointer or integer),
 * a anything, v no result; upper-case arguments are optional.
 * Results: i int64, u uint64, w int32, s string, p void *.
 */
static const char *const subr_sig[DIF_SUBR_MAX + 1] = {
	[DIF_SUBR_RAND] = "w:",
	[DIF_SUBR_MUTEX_OWNED] = "w:p",
	[DIF_SUBR_MUTEX_OWNER] = "p:p",
	[DIF_SUBR_MUTEX_TYPE_ADAPTIVE] = "w:p",
	[DIF_SUBR_MUTEX_TYPE_SPIN] = "w:p",
	[DIF_SUBR_RW_READ_HELD] = "w:p",
	[DIF_SUBR_RW_WRITE_HELD] = "w:p",
	[DIF_SUBR_RW_ISWRITER] = "w:p",
	[DIF_SUBR_COPYIN] = "p:pi",
	[DIF_SUBR_COPYINSTR] = "s:pI",
	[DIF_SUBR_SPECULATION] = "w:",
	[DIF_SUBR_PROGENYOF] = "w:i",
	[DIF_SUBR_STRLEN] = "u:s",
	[DIF_SUBR_COPYOUT] = "v:ppi",
	[DIF_SUBR_COPYOUTSTR] = "v:spi",
	[DIF_SUBR_ALLOCA] = "p:i",
	[DIF_SUBR_BCOPY] = "v:ppi",
	[DIF_SUBR_COPYINTO] = "v:pip",
	[DIF_SUBR_MSGDSIZE] = "u:p",
	[DIF_SUBR_MSGSIZE] = "u:p",
	[DIF_SUBR_GETMAJOR] = "u:i",
	[DIF_SUBR_GETMINOR] = "u:i",
	[DIF_SUBR_DDI_PATHNAME] = "s:pi",
	[DIF_SUBR_STRJOIN] = "s:ss",
	[DIF_SUBR_LLTOSTR] = "s:iI",
	[DIF_SUBR_BASENAME] = "s:s",
	[DIF_SUBR_DIRNAME] = "s:s",
	[DIF_SUBR_CLEANPATH] = "s:s",
	[DIF_SUBR_STRCHR] = "s:si",
	[DIF_SUBR_STRRCHR] = "s:si",
	[DIF_SUBR_STRSTR] = "s:ss",
	[DIF_SUBR_STRTOK] = "s:ss",
	[DIF_SUBR_SUBSTR] = "s:siI",
	[DIF_SUBR_INDEX] = "i:ssI",
	[DIF_SUBR_RINDEX] = "i:ssI",
	[DIF_SUBR_HTONS] = "u:i",
	[DIF_SUBR_HTONL] = "u:i",
	[DIF_SUBR_HTONLL] = "u:i",
	[DIF_SUBR_NTOHS] = "u:i",
	[DIF_SUBR_NTOHL] = "u:i",
	[DIF_SUBR_NTOHLL] = "u:i",
	[DIF_SUBR_INET_NTOP] = "s:ip",
	[DIF_SUBR_INET_NTOA] = "s:p",
	[DIF_SUBR_INET_NTOA6] = "s:p",
	[DIF_SUBR_TOUPPER] = "s:s",
	[DIF_SUBR_TOLOWER] = "s:s",
	[DIF_SUBR_MEMREF] = "p:pi",
	[DIF_SUBR_SX_SHARED_HELD] = "w:p",
	[DIF_SUBR_SX_EXCLUSIVE_HELD] = "w:p",
	[DIF_SUBR_SX_ISEXCLUSIVE] = "w:p",
	[DIF_SUBR_MEMSTR] = "s:pii",
	[DIF_SUBR_GETF] = "p:i",
	[DIF_SUBR_JSON] = "s:ss",
	[DIF_SUBR_STRTOLL] = "i:sI",
	[DIF_SUBR_VM_KERNEL_ADDRPERM] = "u:p",
	[DIF_SUBR_MTONS] = "u:i",
	[DIF_SUBR_KVTOPHYS] = "u:p",
	[DIF_SUBR_PHYSMEM_READ] = "u:ii",
	[DIF_SUBR_PHYSMEM_WRITE] = "v:iii",
};

static const char *subr_name(unsigned id)
{
	switch (id) {
#define SN_(i, n, dn) case i: return dn;
	DIF_SUBRS(SN_)
#undef SN_
	default:
		return "?";
	}
}

static bool arg_ok(const struct typ_infer *inf, char code, struct typ_type t)
{
	if (t.kind == TYP_T_TOP || t.kind == TYP_T_BOTTOM)
		return true;
	switch (code | 0x20) {	/* lower case */
	case 'i': return typ_t_is_scalar(t);
	case 's': return typ_t_is_stringish(inf, t);
	case 'p': return typ_t_is_scalar(t) || t.kind == TYP_T_PTR ||
	    t.kind == TYP_T_STRING || t.kind == TYP_T_CTF;
	default: return true;
	}
}

static struct aval rule_call(struct typ_infer *inf, uint32_t pc, unsigned id)
{
	const char *sig = id <= DIF_SUBR_MAX ? subr_sig[id] : NULL;
	const char *args;
	unsigned need = 0, max = 0, n = inf->st.depth;
	char x[160];

	if (sig == NULL) {
		typ_error(inf, pc, "call of unknown subroutine %u", id);
		return av_reported();
	}
	args = sig + 2;
	for (const char *c = args; *c; c++) {
		max++;
		if (*c >= 'a' && *c <= 'z')
			need = max;
	}
	if (n < need || n > max) {
		typ_error(inf, pc, "%s() takes %u%s argument%s on the tuple stack, "
		    "found %u", subr_name(id), need, max > need ? " or more" : "",
		    max == 1 ? "" : "s", n);
	} else {
		for (unsigned k = 0; k < n; k++) {
			if (arg_ok(inf, args[k], inf->st.stk[k]))
				continue;
			tstr(inf, inf->st.stk[k], x, sizeof(x));
			typ_error(inf, pc, "%s() argument %u: expected %s, found %s",
			    subr_name(id), k + 1, (args[k] | 0x20) == 's' ? "a string" :
			    (args[k] | 0x20) == 'i' ? "an integer" : "an address", x);
		}
	}
	switch (sig[0]) {
	case 'w': return av_of(typ_t_int(4, true));
	case 'u': return av_of(typ_t_int(8, false));
	case 's': return av_of(typ_t_make(TYP_T_STRING));
	case 'p': return av_of(typ_t_make(TYP_T_PTR));
	default: return av_of(typ_t_int(8, true));
	}
}

/* --- compare, store, ret ------------------------------------------------------- */

static void rule_cmp(struct typ_infer *inf, uint32_t pc, unsigned op,
    struct aval a, struct aval b)
{
	char x[160], y[160];

	if (is_bad(a) || is_bad(b))
		return;
	tstr(inf, a.t, x, sizeof(x));
	tstr(inf, b.t, y, sizeof(y));
	if (op == DIF_OP_SCMP) {
		if (!typ_t_is_stringish(inf, a.t) || !typ_t_is_stringish(inf, b.t))
			typ_error(inf, pc, "scmp compares strings, not %s and %s", x, y);
		return;
	}
	if (a.t.kind == TYP_T_CTF || b.t.kind == TYP_T_CTF ||
	    typ_type__join(inf, a.t, b.t).kind == TYP_T_TOP) {
		/* pointers and integers may meet (p == 0, p < limit) */
		if ((typ_t_is_scalar(a.t) && b.t.kind == TYP_T_PTR) ||
		    (typ_t_is_scalar(b.t) && a.t.kind == TYP_T_PTR))
			return;
		typ_error(inf, pc, "types cannot be compared: %s and %s", x, y);
	}
}

static void rule_store(struct typ_infer *inf, uint32_t pc, unsigned op,
    struct aval val, struct aval addr)
{
	char x[160];

	check_addr(inf, pc, addr, form_of_name(op));
	if (!is_bad(val) && (val.t.kind == TYP_T_STRING || val.t.kind == TYP_T_CTF)) {
		tstr(inf, val.t, x, sizeof(x));
		typ_error(inf, pc, "%s of a %s: only integers and pointers fit a "
		    "%s store", form_of_name(op), x, form_of_name(op));
	}
}

/*
 * ustore %v, [%a]: the memory's type comes from the STORE relocation (as
 * for uload); the value must fit it — an integer or pointer into an integer
 * or pointer member, a pointer only into a member as wide as a pointer.
 * A store has no result register.
 */
static void rule_ustore(struct typ_infer *inf, uint32_t pc, unsigned op,
    struct aval val, struct aval addr)
{
	struct aval m = rule_uload(inf, pc, op, addr);
	char x[160], y[160];

	if (is_bad(m) || is_bad(val) || m.t.kind == TYP_T_TARGET)
		return;
	tstr(inf, val.t, x, sizeof(x));
	tstr(inf, m.t, y, sizeof(y));
	if (val.t.kind == TYP_T_STRING || val.t.kind == TYP_T_CTF ||
	    (m.t.kind != TYP_T_INT && m.t.kind != TYP_T_PTR))
		typ_error(inf, pc, "ustore of a %s into a %s member: only integers and "
		    "pointers can be stored", x, y);
	else if (is_ptrlike(val.t) && val.t.kind != TYP_T_NULL && m.t.kind == TYP_T_INT &&
	    m.t.size < 8)
		typ_error(inf, pc, "ustore of a %s into a %s member: the pointer does not fit",
		    x, y);
}

static void rule_ret(struct typ_infer *inf, uint32_t pc, struct aval v)
{
	struct difo_info *di = &inf->di[inf->cur];
	const struct dif_type *dt = &inf->d->rtype;
	char x[160];

	di->rtype = typ_type__join(inf, di->rtype, v.t);
	di->has_ret = true;
	if (is_bad(v) || v.t.kind == TYP_T_NULL || v.t.kind == TYP_T_TARGET)
		return;
	tstr(inf, v.t, x, sizeof(x));
	if (dt->dtdt_kind == DIF_TYPE_STRING && !typ_t_is_stringish(inf, v.t))
		typ_error(inf, pc, "DIFO is declared to return a string but "
		    "returns %s", x);
	else if (dt->dtdt_kind == DIF_TYPE_CTF && dt->dtdt_size != 0 &&
	    v.t.kind == TYP_T_STRING)
		typ_error(inf, pc, "DIFO is declared to return a %u-byte C type "
		    "but returns string", (unsigned)dt->dtdt_size);
}

/* --- dispatch ------------------------------------------------------------------ */

/*
 * Whether a conditional branch is taken when the condition codes are those
 * of `tst` (z known, n = v = c = 0): the dif.h semantics with n ^ v and c
 * false.
 */
static bool taken_after_tst(unsigned op, bool z)
{
	switch (op) {
	case DIF_OP_BE: case DIF_OP_BLE: case DIF_OP_BLEU:
		return z;
	case DIF_OP_BNE: case DIF_OP_BG: case DIF_OP_BGU:
		return !z;
	case DIF_OP_BGE: case DIF_OP_BGEU:
		return true;
	default:		/* bl, blu: n ^ v, c */
		return false;
	}
}

/*
 * A branch joins the running state into its target.  On a condition a
 * link-time constant settled (typ_infer_impl.h), only the edge the linked
 * program takes is followed: a not-taken target gets nothing from here,
 * and a taken branch does not fall through.
 */
static void branch(struct typ_infer *inf, uint32_t pc, dif_instr_t w, unsigned op)
{
	uint32_t target = DIF_INSTR_LABEL(w);
	bool settled = op != DIF_OP_BA && inf->st.cc_known;
	bool taken = op == DIF_OP_BA || (settled && taken_after_tst(op, inf->st.cc_z));

	if (target <= pc || target >= inf->d->len) {
		typ_error(inf, pc, "branch target %u is not a later instruction", target);
		return;
	}
	if (settled && !taken)
		return;
	typ_flow_to(inf, pc, target);
	if (taken)
		inf->st.reached = false;	/* nothing falls through */
}

void typ_step(struct typ_infer *inf, uint32_t pc)
{
	dif_instr_t w = inf->d->text[pc];
	unsigned op = DIF_INSTR_OP(w);
	unsigned r1 = DIF_INSTR_R1(w), r2 = DIF_INSTR_R2(w), rd = DIF_INSTR_RD(w);
	enum dif_form f = form_of(op);
	struct aval a, b;

	switch (f) {
	case DIF_FORM_R3:
		a = rd_reg(inf, pc, r1);
		b = rd_reg(inf, pc, r2);
		if (op == DIF_OP_COPYS) {
			check_addr(inf, pc, a, "copys source");
			check_int(inf, pc, b, "copys size");
			check_addr(inf, pc, rd_reg(inf, pc, rd), "copys destination");
			return;
		}
		if (is_bad(a) || is_bad(b)) {
			wr_reg(inf, pc, rd, a.t.kind == TYP_T_BOTTOM &&
			    b.t.kind == TYP_T_BOTTOM ? a : av_reported());
			return;
		}
		wr_reg(inf, pc, rd, op == DIF_OP_ADD ? rule_add(inf, pc, a, b) :
		    op == DIF_OP_SUB ? rule_sub(inf, pc, a, b) :
		    rule_alu(inf, pc, op, a, b));
		return;
	case DIF_FORM_R2:
		a = rd_reg(inf, pc, r1);
		if (op == DIF_OP_ALLOCS) {
			check_int(inf, pc, a, "allocs size");
			wr_reg(inf, pc, rd, av_of(typ_t_make(TYP_T_PTR)));
		} else if (op == DIF_OP_NOT && !is_bad(a) && !typ_t_is_scalar(a.t)) {
			wr_reg(inf, pc, rd, rule_alu(inf, pc, op, a, a));
		} else {
			if (op == DIF_OP_NOT && a.t.kind != TYP_T_TARGET && !is_bad(a))
				a.t = promote(a.t);
			a.rel = op == DIF_OP_MOV ? a.rel : 0;
			a.is_const = op == DIF_OP_MOV && a.is_const;
			wr_reg(inf, pc, rd, a);
		}
		return;
	case DIF_FORM_LOAD:
		a = rd_reg(inf, pc, r1);
		wr_reg(inf, pc, rd, DIF_OP_IS_RELOCATABLE(op) ? rule_uload(inf, pc, op, a) :
		    rule_load(inf, pc, op, a));
		return;
	case DIF_FORM_STORE:
		if (op == DIF_OP_USTORE)
			rule_ustore(inf, pc, op, rd_reg(inf, pc, r1), rd_reg(inf, pc, rd));
		else
			rule_store(inf, pc, op, rd_reg(inf, pc, r1), rd_reg(inf, pc, rd));
		return;
	case DIF_FORM_CMP:
		rule_cmp(inf, pc, op, rd_reg(inf, pc, r1), rd_reg(inf, pc, r2));
		inf->st.cc_known = false;
		return;
	case DIF_FORM_TST:
		a = rd_reg(inf, pc, r1);
		inf->st.cc_known = a.is_const;
		inf->st.cc_z = a.is_const && a.cval == 0;
		return;
	case DIF_FORM_BRANCH:
		branch(inf, pc, w, op);
		return;
	case DIF_FORM_RET:
		rule_ret(inf, pc, rd_reg(inf, pc, rd));
		inf->st.reached = false;
		return;
	case DIF_FORM_SETX: {
		uint32_t idx = DIF_INSTR_INTEGER(w);
		int64_t v;
		if (idx >= inf->d->intlen) {
			typ_error(inf, pc, "integer table index %u out of range", idx);
			wr_reg(inf, pc, rd, av_reported());
			return;
		}
		v = (int64_t)inf->d->inttab[idx];
		wr_reg(inf, pc, rd, av_of(v == 0 ? typ_t_make(TYP_T_NULL) :
		    typ_t_int(v >= INT32_MIN && v <= INT32_MAX ? 4 : 8, true)));
		return;
	}
	case DIF_FORM_SETS:
		if (DIF_INSTR_STRING(w) >= inf->d->strlen)
			typ_error(inf, pc, "string table offset %u out of range",
			    DIF_INSTR_STRING(w));
		wr_reg(inf, pc, rd, av_of(typ_t_make(TYP_T_STRING)));
		return;
	case DIF_FORM_CALL:
		wr_reg(inf, pc, rd, rule_call(inf, pc, DIF_INSTR_SUBR(w)));
		return;
	case DIF_FORM_LDV:
		wr_reg(inf, pc, rd, rule_ldv(inf, pc, op, DIF_INSTR_VAR(w)));
		return;
	case DIF_FORM_STV:
		rule_stv(inf, pc, op, DIF_INSTR_VAR(w), rd_reg(inf, pc, DIF_INSTR_RS(w)));
		return;
	case DIF_FORM_LDA:
		wr_reg(inf, pc, rd, rule_ldga(inf, pc, op, r1, rd_reg(inf, pc, r2)));
		return;
	case DIF_FORM_PUSH:
		rule_push(inf, pc, op, w);
		return;
	case DIF_FORM_XLATE:
		/* translators run in user level only; the value is the target's */
		wr_reg(inf, pc, rd, av_of(typ_t_named(inf, TYP_T_TARGET,
		    op == DIF_OP_XLATE ? "xlate" : "xlarg")));
		return;
	case DIF_FORM_RELOC:
		if (op == DIF_OP_USETX)
			wr_reg(inf, pc, rd, rule_usetx(inf, pc));
		else
			wr_reg(inf, pc, rd, rule_typecast(inf, pc, rd_reg(inf, pc, rd)));
		return;
	case DIF_FORM_NONE:
		if (op == DIF_OP_POPTS && inf->st.depth > 0)
			inf->st.depth--;
		else if (op == DIF_OP_FLUSHTS)
			inf->st.depth = 0;
		return;		/* nop, hypercall: no types involved */
	default:
		typ_error(inf, pc, "unknown opcode %u", op);
		return;
	}
}
