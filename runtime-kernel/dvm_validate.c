/*
 * dvm_validate.c — the DIF validator, the gate every DIFO passes before the
 * probe-context VM may run it.
 *
 * Theory.  The VM executes a DIFO without checking what the validator has
 * already proven, so this file states, once, everything that must hold of
 * the bytes.  It is a single pass over the text driven by the form column
 * of DIF_OPCODES (include/dif/dif.h), plus passes over the object header,
 * the variable table and the relocation table.  Rules (numbers are enum
 * dvm_rule values; docs/validator.md gives the reasons):
 *
 *   Per instruction
 *    1 BAD_OPCODE       the opcode is one of dif.h's table (0 and > 84 are not)
 *    2 XLATE            xlate/xlarg are user-level only
 *    3 BAD_REG          every register field the form uses is < 8
 *    4 WRITES_R0        no instruction writes %r0
 *    5 STORE_R0         no store goes through %r0 (a NULL address)
 *    6 RESERVED         fields the form does not use are zero
 *    7 BRANCH_RANGE     branch targets are < len
 *    8 BRANCH_BACKWARD  branch targets are > pc (no loops: termination)
 *    9 SETX_INDEX       setx index < intlen
 *   10 SETS_OFFSET      sets offset < strlen
 *   11 SETS_UNTERMINATED  ... and a NUL follows it inside the table
 *   12 ARRAY_ID         ldga/ldta name a built-in array (args, regs, uregs)
 *   13 VAR_LOAD_RANGE   loads name ids >= 0x100
 *   14 VAR_STORE_RANGE  stores name ids >= 0x500 (user variables)
 *   15 VAR_NOT_BUILTIN  an ldgs id in 0x100..0x4ff is a defined built-in
 *   16 VAR_BUILTIN_OP   only ldgs may name a built-in
 *   17 VAR_UNDECLARED   a user variable has a vartab entry of the op's scope
 *   18 VAR_KIND         ... of the op's kind (scalar for *s, array for *aa)
 *   19 SUBR_RANGE       call ids <= DIF_SUBR_MAX
 *   20 PUSH_TYPE        pushtr type is CTF or STRING, pushtv type is CTF
 *   21 PSEUDO_LINKED    linked programs hold no usetx/uload/uuload/typecast/ustore
 *   22 RELOC_MISSING    relocatable: each pseudo-instruction has a relocation
 *   23 RELOC_MULTIPLE   ... exactly one
 *   24 RELOC_KIND       ... of a kind that fits the opcode (usetx: member_offset,
 *                       type_size, member_size, type_exists)
 *   25 RELOC_INDEX      usetx/typecast's 16-bit field is that relocation's index
 *   26 HYPERCALL        hypercall only in a guest program (DVM_VF_GUEST)
 *   Whole object
 *   27 NULL_TABLE       a table with a nonzero length has storage
 *   28 EMPTY_TEXT       the text is not empty
 *   29 NO_FINAL_RET     the last instruction is ret
 *   30 TEXT_TOO_LONG    4 * len <= size limit
 *   31 INTTAB_TOO_LONG  intlen <= 65536 (16-bit index)
 *   32 STRTAB_TOO_LONG  strlen <= 65536 (16-bit offset)
 *   33 DIFO_TOO_BIG     text + tables <= size limit
 *   34 RTYPE_SIZE       a by-value return type has size 0, 1, 2, 4 or 8
 *   35 RTYPE_TYPE       return type kind is CTF/STRING, flags known
 *   36 DESTRUCTIVE      copyout/copyoutstr/physmem_write only in a DIFO
 *                       marked destructive
 *   Variable table (user variables are those with id >= 0x500)
 *   37 VAR_SCOPE        scope is global, thread or local
 *   38 VAR_KIND_BAD     kind is array or scalar
 *   39 VAR_ID           id <= 0xffff
 *   40 VAR_TYPE         type kind is CTF/STRING, flags known
 *   41 VAR_BYREF_SIZE   a by-reference user variable has size > 0
 *   42 VAR_TOO_BIG      ... and, global or local, size <= 16 KiB
 *   43 VAR_VALUE_SIZE   a by-value user variable has size 0, 1, 2, 4 or 8
 *   44 VAR_NAME         the name is a NUL-terminated string in strtab
 *   45 VAR_DUPLICATE    no (scope, id) is listed twice
 *   Relocation table
 *   46 RELOC_IN_LINKED  a linked program has no relocations
 *   47 RELOC_ORPHAN     each relocation's pc is a pseudo-instruction
 *   48 RELOC_FLAGS      relocation flags are known: one root flag at most, plus
 *                       BITFIELD and GUARDED; none on a type_exists test
 *
 * Every violation is reported with its pc (or table index), not just the
 * first: a compiler bug shows up whole.  One instruction may break several
 * rules; an unknown or user-level-only opcode is reported once and its
 * fields are not interpreted.  When a table pointer is NULL its length is
 * treated as 0 after reporting, so the walk never reads through it.
 *
 * What is stricter than illumos/FreeBSD and why: docs/validator.md.  The
 * validator never rewrites the program (DTrace turns ld* into rld* here for
 * unprivileged consumers; HyperTrace's loader does that, if ever needed, as
 * a separate step once the program is valid).
 *
 * Freestanding: no libc, no allocation, no printing.  The caller owns dp and
 * errs; nothing is retained after return.  Read next: dvm_validate_fmt.c
 * (messages for humans), tests/validator/check_validate.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dvm_validate.h"

#define F_R1	0x00ff0000u
#define F_R2	0x0000ff00u
#define F_RD	0x000000ffu

#define MAX_STRTAB	(DIF_STROFF_MAX + 1u)
#define MAX_INTTAB	(DIF_INTOFF_MAX + 1u)

/* Form of each opcode, plus one; 0 = not an opcode. */
static const uint8_t op_form[256] = {
#define OP_FORM_(num, name, mn, form, sem) [num] = (form) + 1,
	DIF_OPCODES(OP_FORM_)
#undef OP_FORM_
};

static const char *const rule_msg[DVM_RULE_COUNT] = {
	[DVM_RULE_NONE] = "no violation",
#define RULE_MSG_(name, msg) [DVM_RULE_##name] = msg,
	DVM_RULES(RULE_MSG_)
#undef RULE_MSG_
};

static const char *const rule_name[DVM_RULE_COUNT] = {
	[DVM_RULE_NONE] = "NONE",
#define RULE_NAME_(name, msg) [DVM_RULE_##name] = #name,
	DVM_RULES(RULE_NAME_)
#undef RULE_NAME_
};

/* Validation state: the DIFO with lengths made safe to walk, and the sink. */
struct vctx {
	const struct dif_difo	*dp;
	uint32_t		flags;
	uint32_t		max_size;
	uint32_t		len, intlen, strlen, varlen, rellen;
	int64_t			lastnul;	/* last NUL in strtab, -1: none */
	struct dvm_verr		*errs;
	unsigned		maxerrs;
	unsigned		nerr;
};

const char *dvm_rule__message(unsigned rule)
{
	return rule < DVM_RULE_COUNT ? rule_msg[rule] : "unknown rule";
}

const char *dvm_rule__name(unsigned rule)
{
	return rule < DVM_RULE_COUNT ? rule_name[rule] : "UNKNOWN";
}

static void report(struct vctx *c, enum dvm_where where, uint32_t pc,
    uint32_t index, enum dvm_rule rule, uint64_t detail)
{
	if (c->nerr < c->maxerrs) {
		struct dvm_verr *e = &c->errs[c->nerr];

		e->dve_pc = pc;
		e->dve_index = index;
		e->dve_rule = (uint16_t)rule;
		e->dve_where = (uint8_t)where;
		e->dve_op = pc < c->len ? (uint8_t)DIF_INSTR_OP(c->dp->dtdo_buf[pc]) : 0;
		e->dve_pad = 0;
		e->dve_detail = detail;
	}
	if (c->nerr < UINT32_MAX)
		c->nerr++;
}

static void at_pc(struct vctx *c, uint32_t pc, enum dvm_rule rule, uint64_t detail)
{
	report(c, DVM_WHERE_TEXT, pc, DVM_INDEX_NONE, rule, detail);
}

static void at_obj(struct vctx *c, enum dvm_rule rule, uint64_t detail)
{
	report(c, DVM_WHERE_OBJECT, DVM_PC_NONE, DVM_INDEX_NONE, rule, detail);
}

static bool is_value_size(uint32_t size)
{
	return size == 0 || size == 1 || size == 2 || size == 4 || size == 8;
}

static bool is_byref(const struct dif_type *t)
{
	return (t->dtdt_flags & (DIF_TF_BYREF | DIF_TF_BYUREF)) != 0;
}

static bool type_ok(const struct dif_type *t)
{
	return (t->dtdt_kind == DIF_TYPE_CTF || t->dtdt_kind == DIF_TYPE_STRING) &&
	    (t->dtdt_flags & ~(DIF_TF_BYREF | DIF_TF_BYUREF)) == 0;
}

static uint64_t type_bits(const struct dif_type *t)
{
	return ((uint64_t)t->dtdt_kind << 8) | t->dtdt_flags;
}

/* True if the NUL-terminated string at off lies inside strtab. */
static bool str_ok(const struct vctx *c, uint64_t off)
{
	return off < c->strlen && (int64_t)off <= c->lastnul;
}

/* ---- Register and field checks ----------------------------------------- */

static bool reg(struct vctx *c, uint32_t pc, uint32_t r)
{
	if (r < DIF_DIR_NREGS)
		return true;
	at_pc(c, pc, DVM_RULE_BAD_REG, r);
	return false;
}

static void dest(struct vctx *c, uint32_t pc, uint32_t r)
{
	if (reg(c, pc, r) && r == 0)
		at_pc(c, pc, DVM_RULE_WRITES_R0, r);
}

static void zero(struct vctx *c, uint32_t pc, dif_instr_t in, uint32_t mask)
{
	if ((in & mask) != 0)
		at_pc(c, pc, DVM_RULE_RESERVED, in & mask);
}

/* ---- Variables ----------------------------------------------------------- */

static bool is_builtin(uint32_t id)
{
	switch (id) {
#define BUILTIN_CASE_(vid, name, dn) case vid:
	DIF_BUILTIN_VARS(BUILTIN_CASE_)
#undef BUILTIN_CASE_
		return true;
	default:
		return false;
	}
}

/* Scope and kind a variable instruction addresses. */
static void var_op_class(uint8_t op, uint8_t *scope, uint8_t *kind)
{
	switch (op) {
	case DIF_OP_LDGS: case DIF_OP_STGS:
		*scope = DIFV_SCOPE_GLOBAL, *kind = DIFV_KIND_SCALAR;
		break;
	case DIF_OP_LDGAA: case DIF_OP_STGAA:
		*scope = DIFV_SCOPE_GLOBAL, *kind = DIFV_KIND_ARRAY;
		break;
	case DIF_OP_LDTS: case DIF_OP_STTS:
		*scope = DIFV_SCOPE_THREAD, *kind = DIFV_KIND_SCALAR;
		break;
	case DIF_OP_LDTAA: case DIF_OP_STTAA:
		*scope = DIFV_SCOPE_THREAD, *kind = DIFV_KIND_ARRAY;
		break;
	default:	/* ldls, stls */
		*scope = DIFV_SCOPE_LOCAL, *kind = DIFV_KIND_SCALAR;
		break;
	}
}

/* A user variable must be declared in the vartab with the op's scope/kind. */
static void user_var(struct vctx *c, uint32_t pc, uint8_t op, uint32_t id)
{
	const struct dif_var *v = c->dp->dtdo_vartab;
	uint8_t scope, kind;

	var_op_class(op, &scope, &kind);
	for (uint32_t i = 0; i < c->varlen; i++) {
		if (v[i].dtdv_id != id || v[i].dtdv_scope != scope)
			continue;
		if (v[i].dtdv_kind != kind)
			at_pc(c, pc, DVM_RULE_VAR_KIND, id);
		return;
	}
	at_pc(c, pc, DVM_RULE_VAR_UNDECLARED, id);
}

static void var_load(struct vctx *c, uint32_t pc, uint8_t op, uint32_t id)
{
	if (id < DIF_VAR_SCALAR_MIN)
		at_pc(c, pc, DVM_RULE_VAR_LOAD_RANGE, id);
	else if (id >= DIF_VAR_OTHER_UBASE)
		user_var(c, pc, op, id);
	else if (op != DIF_OP_LDGS)
		at_pc(c, pc, DVM_RULE_VAR_BUILTIN_OP, id);
	else if (!is_builtin(id))
		at_pc(c, pc, DVM_RULE_VAR_NOT_BUILTIN, id);
}

static void var_store(struct vctx *c, uint32_t pc, uint8_t op, uint32_t id)
{
	if (id < DIF_VAR_OTHER_UBASE)
		at_pc(c, pc, DVM_RULE_VAR_STORE_RANGE, id);
	else
		user_var(c, pc, op, id);
}

/* ---- Relocatable pseudo-instructions ------------------------------------ */

static bool reloc_fits(uint8_t op, uint16_t kind)
{
	switch (op) {
	case DIF_OP_USETX:
		return kind == DIF_RELOC_MEMBER_OFFSET || kind == DIF_RELOC_TYPE_SIZE ||
		    kind == DIF_RELOC_MEMBER_SIZE || kind == DIF_RELOC_TYPE_EXISTS;
	case DIF_OP_ULOAD:
		return kind == DIF_RELOC_LOAD;
	case DIF_OP_UULOAD:
		return kind == DIF_RELOC_ULOAD;
	case DIF_OP_TYPECAST:
		return kind == DIF_RELOC_CAST;
	case DIF_OP_USTORE:
		return kind == DIF_RELOC_STORE;
	default:
		return false;
	}
}

/*
 * usetx/uload/uuload/typecast/ustore: linked programs must not hold them; in a
 * relocatable one each has exactly one relocation, of a fitting kind, and
 * the RELOC form's 16-bit field is that relocation's index.
 */
static void pseudo(struct vctx *c, uint32_t pc, uint8_t op, dif_instr_t in)
{
	const struct dif_reloc *r = c->dp->dtdo_reltab;
	uint32_t n = 0, first = 0;

	if (!(c->flags & DVM_VF_RELOCATABLE)) {
		at_pc(c, pc, DVM_RULE_PSEUDO_LINKED, op);
		return;
	}
	for (uint32_t i = 0; i < c->rellen; i++) {
		if (r[i].dtr_pc == pc && n++ == 0)
			first = i;
	}
	if (n == 0) {
		at_pc(c, pc, DVM_RULE_RELOC_MISSING, 0);
		return;
	}
	if (n > 1) {
		at_pc(c, pc, DVM_RULE_RELOC_MULTIPLE, n);
		return;
	}
	if (!reloc_fits(op, r[first].dtr_kind))
		report(c, DVM_WHERE_TEXT, pc, first, DVM_RULE_RELOC_KIND, r[first].dtr_kind);
	if (op_form[op] == DIF_FORM_RELOC + 1 && DIF_INSTR_RELOC(in) != first)
		report(c, DVM_WHERE_TEXT, pc, first, DVM_RULE_RELOC_INDEX,
		    DIF_INSTR_RELOC(in));
}

/* ---- One instruction ----------------------------------------------------- */

static void branch(struct vctx *c, uint32_t pc, dif_instr_t in)
{
	uint32_t label = DIF_INSTR_LABEL(in);

	if (label >= c->len)
		at_pc(c, pc, DVM_RULE_BRANCH_RANGE, label);
	else if (label <= pc)
		at_pc(c, pc, DVM_RULE_BRANCH_BACKWARD, label);
}

static void call(struct vctx *c, uint32_t pc, dif_instr_t in)
{
	uint32_t subr = DIF_INSTR_SUBR(in);

	dest(c, pc, DIF_INSTR_RD(in));
	if (subr > DIF_SUBR_MAX)
		at_pc(c, pc, DVM_RULE_SUBR_RANGE, subr);
	else if ((subr == DIF_SUBR_COPYOUT || subr == DIF_SUBR_COPYOUTSTR ||
	    subr == DIF_SUBR_PHYSMEM_WRITE) && !c->dp->dtdo_destructive)
		at_pc(c, pc, DVM_RULE_DESTRUCTIVE, subr);
}

static void sets(struct vctx *c, uint32_t pc, dif_instr_t in)
{
	uint32_t off = DIF_INSTR_STRING(in);

	dest(c, pc, DIF_INSTR_RD(in));
	if (off >= c->strlen)
		at_pc(c, pc, DVM_RULE_SETS_OFFSET, off);
	else if (!str_ok(c, off))
		at_pc(c, pc, DVM_RULE_SETS_UNTERMINATED, off);
}

static void load_array(struct vctx *c, uint32_t pc, dif_instr_t in)
{
	uint32_t arr = DIF_INSTR_R1(in);

	if (arr >= DIF_VAR_SCALAR_MIN || !is_builtin(arr))
		at_pc(c, pc, DVM_RULE_ARRAY_ID, arr);
	reg(c, pc, DIF_INSTR_R2(in));
	dest(c, pc, DIF_INSTR_RD(in));
}

static void push(struct vctx *c, uint32_t pc, uint8_t op, dif_instr_t in)
{
	uint32_t type = DIF_INSTR_TYPE(in);

	if (type != DIF_TYPE_CTF && (op == DIF_OP_PUSHTV || type != DIF_TYPE_STRING))
		at_pc(c, pc, DVM_RULE_PUSH_TYPE, type);
	reg(c, pc, DIF_INSTR_R2(in));
	reg(c, pc, DIF_INSTR_RS(in));
}

static void instr(struct vctx *c, uint32_t pc)
{
	dif_instr_t in = c->dp->dtdo_buf[pc];
	uint8_t op = (uint8_t)DIF_INSTR_OP(in);

	if (op_form[op] == 0) {
		at_pc(c, pc, DVM_RULE_BAD_OPCODE, op);
		return;
	}
	switch ((enum dif_form)(op_form[op] - 1)) {
	case DIF_FORM_NONE:
		zero(c, pc, in, F_R1 | F_R2 | F_RD);
		if (op == DIF_OP_HYPERCALL && !(c->flags & DVM_VF_GUEST))
			at_pc(c, pc, DVM_RULE_HYPERCALL, op);
		break;
	case DIF_FORM_R3:
		reg(c, pc, DIF_INSTR_R1(in));
		reg(c, pc, DIF_INSTR_R2(in));
		dest(c, pc, DIF_INSTR_RD(in));
		break;
	case DIF_FORM_R2:
	case DIF_FORM_LOAD:
		reg(c, pc, DIF_INSTR_R1(in));
		zero(c, pc, in, F_R2);
		dest(c, pc, DIF_INSTR_RD(in));
		if (DIF_OP_IS_RELOCATABLE(op))
			pseudo(c, pc, op, in);
		break;
	case DIF_FORM_STORE:
		reg(c, pc, DIF_INSTR_R1(in));
		zero(c, pc, in, F_R2);
		if (reg(c, pc, DIF_INSTR_RD(in)) && DIF_INSTR_RD(in) == 0)
			at_pc(c, pc, DVM_RULE_STORE_R0, 0);
		if (DIF_OP_IS_RELOCATABLE(op))
			pseudo(c, pc, op, in);
		break;
	case DIF_FORM_CMP:
		reg(c, pc, DIF_INSTR_R1(in));
		reg(c, pc, DIF_INSTR_R2(in));
		zero(c, pc, in, F_RD);
		break;
	case DIF_FORM_TST:
		reg(c, pc, DIF_INSTR_R1(in));
		zero(c, pc, in, F_R2 | F_RD);
		break;
	case DIF_FORM_BRANCH:
		branch(c, pc, in);
		break;
	case DIF_FORM_RET:
		zero(c, pc, in, F_R1 | F_R2);
		reg(c, pc, DIF_INSTR_RD(in));
		break;
	case DIF_FORM_SETX:
		dest(c, pc, DIF_INSTR_RD(in));
		if (DIF_INSTR_INTEGER(in) >= c->intlen)
			at_pc(c, pc, DVM_RULE_SETX_INDEX, DIF_INSTR_INTEGER(in));
		break;
	case DIF_FORM_SETS:
		sets(c, pc, in);
		break;
	case DIF_FORM_CALL:
		call(c, pc, in);
		break;
	case DIF_FORM_LDV:
		dest(c, pc, DIF_INSTR_RD(in));
		var_load(c, pc, op, DIF_INSTR_VAR(in));
		break;
	case DIF_FORM_STV:
		reg(c, pc, DIF_INSTR_RS(in));
		var_store(c, pc, op, DIF_INSTR_VAR(in));
		break;
	case DIF_FORM_LDA:
		load_array(c, pc, in);
		break;
	case DIF_FORM_PUSH:
		push(c, pc, op, in);
		break;
	case DIF_FORM_XLATE:
		at_pc(c, pc, DVM_RULE_XLATE, op);
		break;
	case DIF_FORM_RELOC:
		dest(c, pc, DIF_INSTR_RD(in));
		pseudo(c, pc, op, in);
		break;
	case DIF_FORM_COUNT:
		at_pc(c, pc, DVM_RULE_BAD_OPCODE, op);	/* table corrupt */
		break;
	}
}

/* ---- Whole object -------------------------------------------------------- */

/* A nonzero length without storage is reported and treated as empty. */
static uint32_t table_len(struct vctx *c, const void *p, uint32_t len,
    enum dvm_table tab)
{
	if (len != 0 && p == NULL) {
		report(c, DVM_WHERE_OBJECT, DVM_PC_NONE, tab, DVM_RULE_NULL_TABLE, len);
		return 0;
	}
	return len;
}

static void tables(struct vctx *c)
{
	const struct dif_difo *dp = c->dp;

	c->len = table_len(c, dp->dtdo_buf, dp->dtdo_len, DVM_TABLE_TEXT);
	c->intlen = table_len(c, dp->dtdo_inttab, dp->dtdo_intlen, DVM_TABLE_INT);
	c->strlen = table_len(c, dp->dtdo_strtab, dp->dtdo_strlen, DVM_TABLE_STR);
	c->varlen = table_len(c, dp->dtdo_vartab, dp->dtdo_varlen, DVM_TABLE_VAR);
	c->rellen = table_len(c, dp->dtdo_reltab, dp->dtdo_rellen, DVM_TABLE_REL);
}

/*
 * A string at offset off is terminated inside the table iff some NUL sits at
 * or after off, i.e. iff off <= the last NUL: one backward scan answers
 * every sets and every variable name.
 */
static void find_last_nul(struct vctx *c)
{
	c->lastnul = -1;
	for (uint32_t i = c->strlen; i-- > 0;) {
		if (c->dp->dtdo_strtab[i] == '\0') {
			c->lastnul = i;
			break;
		}
	}
}

/* Returns false when the object is too large to walk in bounded time. */
static bool sizes(struct vctx *c)
{
	const struct dif_difo *dp = c->dp;
	uint64_t text = (uint64_t)dp->dtdo_len * sizeof(dif_instr_t);
	uint64_t total = text + (uint64_t)dp->dtdo_intlen * sizeof(uint64_t) +
	    dp->dtdo_strlen + (uint64_t)dp->dtdo_varlen * sizeof(struct dif_var) +
	    (uint64_t)dp->dtdo_rellen * sizeof(struct dif_reloc);
	bool ok = true;

	if (text > c->max_size) {
		at_obj(c, DVM_RULE_TEXT_TOO_LONG, dp->dtdo_len);
		ok = false;
	}
	if (dp->dtdo_intlen > MAX_INTTAB) {
		at_obj(c, DVM_RULE_INTTAB_TOO_LONG, dp->dtdo_intlen);
		ok = false;
	}
	if (dp->dtdo_strlen > MAX_STRTAB) {
		at_obj(c, DVM_RULE_STRTAB_TOO_LONG, dp->dtdo_strlen);
		ok = false;
	}
	if (ok && total > c->max_size) {
		at_obj(c, DVM_RULE_DIFO_TOO_BIG, total);
		ok = false;
	}
	return ok;
}

static void header(struct vctx *c)
{
	const struct dif_difo *dp = c->dp;
	const struct dif_type *rt = &dp->dtdo_rtype;

	if (dp->dtdo_len == 0)
		at_obj(c, DVM_RULE_EMPTY_TEXT, 0);
	else if (c->len != 0 &&
	    DIF_INSTR_OP(dp->dtdo_buf[c->len - 1]) != DIF_OP_RET)
		report(c, DVM_WHERE_TEXT, c->len - 1, DVM_INDEX_NONE,
		    DVM_RULE_NO_FINAL_RET, DIF_INSTR_OP(dp->dtdo_buf[c->len - 1]));
	if (!type_ok(rt))
		at_obj(c, DVM_RULE_RTYPE_TYPE, type_bits(rt));
	else if (!is_byref(rt) && !is_value_size(rt->dtdt_size))
		at_obj(c, DVM_RULE_RTYPE_SIZE, rt->dtdt_size);
}

static void var_entry(struct vctx *c, uint32_t i)
{
	const struct dif_var *v = &c->dp->dtdo_vartab[i];
	const struct dif_type *t = &v->dtdv_type;
	bool scope_ok = v->dtdv_scope <= DIFV_SCOPE_LOCAL;

#define AT_VAR_(rule, detail) \
	report(c, DVM_WHERE_VARTAB, DVM_PC_NONE, i, (rule), (detail))
	if (!scope_ok)
		AT_VAR_(DVM_RULE_VAR_SCOPE, v->dtdv_scope);
	if (v->dtdv_kind > DIFV_KIND_SCALAR)
		AT_VAR_(DVM_RULE_VAR_KIND_BAD, v->dtdv_kind);
	if (v->dtdv_id > DIF_VAR_OTHER_MAX)
		AT_VAR_(DVM_RULE_VAR_ID, v->dtdv_id);
	if (!type_ok(t)) {
		AT_VAR_(DVM_RULE_VAR_TYPE, type_bits(t));
	} else if (v->dtdv_id >= DIF_VAR_OTHER_UBASE) {
		if (is_byref(t) && t->dtdt_size == 0)
			AT_VAR_(DVM_RULE_VAR_BYREF_SIZE, 0);
		else if (is_byref(t) && v->dtdv_scope != DIFV_SCOPE_THREAD &&
		    t->dtdt_size > DIF_MAX_STATIC_VARSIZE)
			AT_VAR_(DVM_RULE_VAR_TOO_BIG, t->dtdt_size);
		else if (!is_byref(t) && !is_value_size(t->dtdt_size))
			AT_VAR_(DVM_RULE_VAR_VALUE_SIZE, t->dtdt_size);
	}
	if (!str_ok(c, v->dtdv_name))
		AT_VAR_(DVM_RULE_VAR_NAME, v->dtdv_name);
	for (uint32_t j = 0; scope_ok && j < i; j++) {
		const struct dif_var *w = &c->dp->dtdo_vartab[j];

		if (w->dtdv_id == v->dtdv_id && w->dtdv_scope == v->dtdv_scope) {
			AT_VAR_(DVM_RULE_VAR_DUPLICATE, v->dtdv_id);
			break;
		}
	}
#undef AT_VAR_
}

static void reloc_entry(struct vctx *c, uint32_t i)
{
	const struct dif_reloc *r = &c->dp->dtdo_reltab[i];

	if (r->dtr_pc >= c->len ||
	    !DIF_OP_IS_RELOCATABLE(DIF_INSTR_OP(c->dp->dtdo_buf[r->dtr_pc])))
		report(c, DVM_WHERE_RELTAB, DVM_PC_NONE, i, DVM_RULE_RELOC_ORPHAN, r->dtr_pc);
	/* a root is a symbol, an argument or a built-in: one at most, GUARDED
	 * besides; a type_exists test carries no flag (dif_reloc.h) */
	const uint16_t root = r->dtr_flags & DIF_RELOC_F_ROOTS;
	if ((r->dtr_flags & ~(DIF_RELOC_F_BITFIELD | DIF_RELOC_F_ROOTS |
	    DIF_RELOC_F_GUARDED)) != 0 || (root & (root - 1)) != 0 ||
	    (r->dtr_kind == DIF_RELOC_TYPE_EXISTS && r->dtr_flags != 0))
		report(c, DVM_WHERE_RELTAB, DVM_PC_NONE, i, DVM_RULE_RELOC_FLAGS,
		    r->dtr_flags);
}

unsigned dvm_difo__validate(const struct dif_difo *dp,
    const struct dvm_validate_opts *opts, struct dvm_verr *errs,
    unsigned maxerrs)
{
	struct vctx c = {
		.dp = dp,
		.flags = opts != NULL ? opts->dvo_flags : 0,
		.max_size = opts != NULL && opts->dvo_max_size != 0 ?
		    opts->dvo_max_size : DIF_MAX_DIFO_SIZE,
		.errs = errs,
		.maxerrs = errs != NULL ? maxerrs : 0,
	};

	if (dp == NULL) {
		at_obj(&c, DVM_RULE_NULL_TABLE, 0);
		return c.nerr;
	}
	tables(&c);
	if (!sizes(&c))
		return c.nerr;
	find_last_nul(&c);
	header(&c);
	for (uint32_t pc = 0; pc < c.len; pc++)
		instr(&c, pc);
	for (uint32_t i = 0; i < c.varlen; i++)
		var_entry(&c, i);
	if (!(c.flags & DVM_VF_RELOCATABLE) && c.rellen != 0)
		at_obj(&c, DVM_RULE_RELOC_IN_LINKED, c.rellen);
	else
		for (uint32_t i = 0; i < c.rellen; i++)
			reloc_entry(&c, i);
	return c.nerr;
}
