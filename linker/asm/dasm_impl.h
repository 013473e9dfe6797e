/*
 * dasm_impl.h — internals shared by the assembler (dasm_asm.c), the
 * disassembler (dasm_dis.c) and the name tables (dasm_names.c).
 *
 * Every name the language knows (opcodes, built-in variables, subroutines,
 * actions, library actions, relocation kinds, CTF kinds) comes from the
 * X-macro tables of include/dif/; dasm_names.c only indexes them, so there
 * is no second opcode list.
 */
#ifndef DASM_IMPL_H
#define DASM_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dasm.h"

/* One row of DIF_OPCODES. */
struct dasm_op {
	uint8_t		num;
	uint8_t		form;	/* enum dif_form */
	const char	*name;
};

const struct dasm_op *dasm_op_by_num(unsigned num);
const struct dasm_op *dasm_op_by_name(const char *name);

/* Name <-> number tables; lookups return -1 / NULL when unknown. */
enum dasm_table {
	DASM_T_VAR,		/* built-in variables */
	DASM_T_SUBR,		/* subroutines */
	DASM_T_ACTION,		/* action kinds incl. aggregating functions */
	DASM_T_LIBACT,		/* library actions (LIBACT arg) */
	DASM_T_RELOC,		/* relocation kinds */
	DASM_T_CKIND,		/* CTF kinds of a dif_type */
	DASM_T_TKIND,		/* dif_type kinds: ctf, string */
	DASM_T_VKIND,		/* variable kinds: array, scalar */
	DASM_T_SCOPE,		/* variable scopes */
	DASM_T_SYMKIND,		/* symbol kinds */
	DASM_T_COUNT
};
long dasm_name_lookup(enum dasm_table t, const char *name);
const char *dasm_name_of(enum dasm_table t, long value);

/* Variable scope an opcode addresses (ldgs: global, ldts: thread ...), or -1. */
int dasm_op_scope(unsigned op);

/* Printing helpers shared by the disassembler and the listing. */
void dasm_print_string(FILE *fp, const char *s, size_t n);
void dasm_print_type(FILE *fp, const struct dif_type *t);
bool dasm_is_ident(const char *s);
void dasm_print_name(FILE *fp, const char *s);	/* ident, or quoted */

/*
 * Print one instruction of DIFO d: the canonical operand text (no offset
 * column), then "   ! comment" when there is something to resolve.  With
 * inline_reloc, a pseudo-instruction shows its relocation expression
 * instead of a DT_RELOC index.  Returns false when the word cannot be
 * expressed by its mnemonic (unknown opcode, reserved bits set): the caller
 * prints `.word` instead.
 */
bool dasm_print_instr(FILE *fp, const struct dobj *obj, const struct dobj_difo *d,
    uint32_t pc, bool inline_reloc);

/* The relocation of pseudo-instruction pc (first match), or NULL. */
const struct dif_reloc *dasm_reloc_at(const struct dobj_difo *d, uint32_t pc);
void dasm_print_reloc_expr(FILE *fp, const struct dobj *obj, const struct dif_reloc *r);

/* Disassembly modes (see dasm_dis.c): pretty, or fully explicit. */
#define DASM_DIS_EXPLICIT	0x1
#define DASM_DIS_STRTAB		0x2
int dasm_disassemble_mode(const struct dobj *obj, FILE *fp, unsigned mode);

#endif /* DASM_IMPL_H */
