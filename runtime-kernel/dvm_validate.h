/*
 * dvm_validate.h — the DIF validator: the kernel VM's safety gate.
 *
 * A DIFO is untrusted until dvm_difo__validate() has returned 0 for it.
 * The validator is report-only: it never rewrites the program, never
 * allocates, never prints; it fills an array of violation records, one per
 * broken rule at each pc, and returns how many there were (which may be more
 * than it had room to record).  The rules, numbered as in enum dvm_rule, are
 * listed with their rationale in docs/validator.md.
 *
 * This header and dvm_validate.c are freestanding (<stdint.h>, <stddef.h>,
 * <stdbool.h> only).  The user-space formatter dvm_verr__format() lives in
 * dvm_validate_fmt.c and is not part of a kernel build.
 */
#ifndef DVM_VALIDATE_H
#define DVM_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "dif/dif.h"
#include "dif/dif_reloc.h"

/*
 * Rule ids.  X(NAME, "message"): the message is one line; "{}" stands for
 * the record's detail value in decimal, "{x}" in hex, "{t}" the table named by
 * dve_index (enum dvm_table).  Numbers are stable:
 * append, never renumber (docs/validator.md uses the same numbers).
 */
#define DVM_RULES(X)								\
/* Per-instruction rules. */							\
X(BAD_OPCODE,      "opcode {} is not a DIF instruction")			\
X(XLATE,           "translator instructions run only at user level")		\
X(BAD_REG,         "register %r{} does not exist (8 registers)")		\
X(WRITES_R0,       "destination register is %r0, which is read-only")	\
X(STORE_R0,        "store address register is %r0 (always NULL)")		\
X(RESERVED,        "reserved bits {x} are not zero")				\
X(BRANCH_RANGE,    "branch target {} is past the end of the text")		\
X(BRANCH_BACKWARD, "branch target {} is not forward")			\
X(SETX_INDEX,      "integer table index {} is out of range")			\
X(SETS_OFFSET,     "string table offset {} is out of range")			\
X(SETS_UNTERMINATED, "string at offset {} is not NUL-terminated in the table") \
X(ARRAY_ID,        "array id {} is not a built-in array")			\
X(VAR_LOAD_RANGE,  "variable id {x} is below the scalar range (0x100)")	\
X(VAR_STORE_RANGE, "variable id {x} is not a user variable (< 0x500)")	\
X(VAR_NOT_BUILTIN, "variable id {x} is not a built-in variable")		\
X(VAR_BUILTIN_OP,  "built-in variable {x} is reachable only through ldgs")	\
X(VAR_UNDECLARED,  "user variable {x} has no variable-table entry of this scope") \
X(VAR_KIND,        "variable {x} is declared with the other kind (scalar/array)") \
X(SUBR_RANGE,      "subroutine id {} is out of range")			\
X(PUSH_TYPE,       "tuple type code {} is not allowed here")			\
X(PSEUDO_LINKED,   "relocatable pseudo-instruction in a linked program")	\
X(RELOC_MISSING,   "pseudo-instruction has no relocation")			\
X(RELOC_MULTIPLE,  "pseudo-instruction has {} relocations")			\
X(RELOC_KIND,      "relocation kind {} does not fit this instruction")	\
X(RELOC_INDEX,     "relocation index field {} does not name its relocation")	\
X(HYPERCALL,       "hypercall is allowed only in a guest program")		\
/* Whole-object rules. */							\
X(NULL_TABLE,      "{t} has length {} but no storage")			\
X(EMPTY_TEXT,      "the program text is empty")				\
X(NO_FINAL_RET,    "the last instruction is not ret")			\
X(TEXT_TOO_LONG,   "text of {} instructions exceeds the size limit")	\
X(INTTAB_TOO_LONG, "integer table of {} entries exceeds 65536")		\
X(STRTAB_TOO_LONG, "string table of {} bytes exceeds 65536")		\
X(DIFO_TOO_BIG,    "object of {} bytes exceeds the size limit")		\
X(RTYPE_SIZE,      "by-value return type has size {} (not 0, 1, 2, 4, 8)")	\
X(RTYPE_TYPE,      "return type kind/flags {x} are invalid")			\
X(DESTRUCTIVE,     "calls subroutine {} but is not marked destructive")	\
X(VAR_SCOPE,       "variable-table scope {} is invalid")			\
X(VAR_KIND_BAD,    "variable-table kind {} is invalid")			\
X(VAR_ID,          "variable-table id {x} is out of range")			\
X(VAR_TYPE,        "variable type kind/flags {x} are invalid")		\
X(VAR_BYREF_SIZE,  "by-reference variable has size 0")			\
X(VAR_TOO_BIG,     "by-reference variable of {} bytes exceeds 16 KiB")	\
X(VAR_VALUE_SIZE,  "by-value variable has size {} (not 0, 1, 2, 4, 8)")	\
X(VAR_NAME,        "variable name offset {} is not a string in the table")	\
X(VAR_DUPLICATE,   "variable {x} is listed twice in one scope")		\
X(RELOC_IN_LINKED, "linked program has {} relocations")			\
X(RELOC_ORPHAN,    "relocation points at pc {}, not at a pseudo-instruction") \
X(RELOC_FLAGS,     "relocation flags {x} are unknown or not allowed together")

enum dvm_rule {
	DVM_RULE_NONE = 0,
#define DVM_RULE_ENUM_(name, msg) DVM_RULE_##name,
	DVM_RULES(DVM_RULE_ENUM_)
#undef DVM_RULE_ENUM_
	DVM_RULE_COUNT
};

/* dve_pc / dve_index when the violation is not tied to a pc / table entry. */
#define DVM_PC_NONE	UINT32_MAX
#define DVM_INDEX_NONE	UINT32_MAX

/* Which table dve_index refers to. */
enum dvm_where {
	DVM_WHERE_TEXT = 0,	/* dve_pc is the instruction */
	DVM_WHERE_OBJECT,	/* the DIFO as a whole */
	DVM_WHERE_VARTAB,	/* dve_index is a dtdo_vartab entry */
	DVM_WHERE_RELTAB	/* dve_index is a dtdo_reltab entry */
};

/*
 * One violation.  dve_op is the opcode at dve_pc (0 when there is no pc);
 * dve_detail is the offending value named by the rule's message.
 */
struct dvm_verr {
	uint32_t	dve_pc;
	uint32_t	dve_index;
	uint16_t	dve_rule;	/* enum dvm_rule */
	uint8_t		dve_where;	/* enum dvm_where */
	uint8_t		dve_op;
	uint32_t	dve_pad;	/* always 0: no padding leaks out */
	uint64_t	dve_detail;
};

/* dve_index of a NULL_TABLE record: which table has no storage. */
enum dvm_table {
	DVM_TABLE_TEXT = 0,
	DVM_TABLE_INT,
	DVM_TABLE_STR,
	DVM_TABLE_VAR,
	DVM_TABLE_REL
};

/* dvo_flags */
#define DVM_VF_RELOCATABLE	0x1	/* allow usetx/uload/uuload/typecast + reltab */
#define DVM_VF_GUEST		0x2	/* a guest program: allow hypercall */

struct dvm_validate_opts {
	uint32_t	dvo_flags;	/* DVM_VF_* */
	uint32_t	dvo_max_size;	/* bytes of text+tables; 0 = DIF_MAX_DIFO_SIZE */
};

/*
 * Validate dp against every rule.  opts may be NULL (linked host program,
 * default limits).  Records the first maxerrs violations in errs (which may
 * be NULL when maxerrs is 0), in a deterministic order: object rules, then
 * instructions by pc, then variable-table and relocation-table entries.
 * Returns the total number of violations; 0 means dp is safe to execute.
 * Cost: O(len * (varlen + rellen) + varlen^2 + strlen), no allocation.
 */
unsigned dvm_difo__validate(const struct dif_difo *dp,
    const struct dvm_validate_opts *opts, struct dvm_verr *errs,
    unsigned maxerrs);

/* The message template of a rule ("{}"/"{x}" = detail); never NULL. */
const char *dvm_rule__message(unsigned rule);

/* The rule's enum name without prefix ("BRANCH_BACKWARD"); never NULL. */
const char *dvm_rule__name(unsigned rule);

/*
 * User space only (dvm_validate_fmt.c): format one record as
 *   "pc 12: branch target 3 is not forward (ba)"
 *   "vartab[2]: by-reference variable has size 0"
 *   "difo: the program text is empty"
 * into buf (always NUL-terminated when size > 0).  Returns the length the
 * full text needs, like snprintf.
 */
int dvm_verr__format(const struct dvm_verr *e, char *buf, size_t size);

#endif /* DVM_VALIDATE_H */
