/*
 * difo_builder.h — a tiny test-only DIFO builder for the validator tests.
 *
 * A struct tdifo holds fixed-size arrays for the text and every table, and a
 * struct dif_difo view of them (tb_difo).  tb_init gives the canonical
 * minimum: an empty text, a string table holding "" and "v", a by-value
 * 8-byte return type, and the standard variable table below, so that any
 * opcode has a valid instance (tb_valid_instr) to mutate one field of.
 *
 *   standard vartab   id      scope    kind
 *                     0x500   global   scalar
 *                     0x501   global   array
 *                     0x500   thread   scalar
 *                     0x501   thread   array
 *                     0x500   local    scalar
 */
#ifndef TESTS_VALIDATOR_DIFO_BUILDER_H
#define TESTS_VALIDATOR_DIFO_BUILDER_H

#include <stdint.h>

#include "dif/dif.h"
#include "dif/dif_reloc.h"

#define TB_MAX_TEXT	512
#define TB_MAX_INTS	16
#define TB_MAX_STRS	512
#define TB_MAX_VARS	16
#define TB_MAX_RELS	16

#define TB_NAME_V	1	/* strtab offset of "v" */

struct tdifo {
	dif_instr_t	text[TB_MAX_TEXT];
	uint64_t	ints[TB_MAX_INTS];
	char		strs[TB_MAX_STRS];
	struct dif_var	vars[TB_MAX_VARS];
	struct dif_reloc rels[TB_MAX_RELS];
	struct dif_difo	d;
};

void tb_init(struct tdifo *t);			/* standard tables, empty text */
uint32_t tb_emit(struct tdifo *t, dif_instr_t in);	/* returns its pc */
uint32_t tb_ret(struct tdifo *t);		/* emits ret %r1 */
uint32_t tb_int(struct tdifo *t, uint64_t v);	/* returns its index */
uint32_t tb_var(struct tdifo *t, uint32_t id, uint8_t scope, uint8_t kind);
uint32_t tb_rel(struct tdifo *t, uint32_t pc, uint16_t kind);
void tb_clear_vars(struct tdifo *t);

/* Form of an opcode per dif.h, or -1 if op is not an opcode. */
int tb_form(unsigned op);

/*
 * A valid encoding of op for a program where it sits at pc and pc + 1 is
 * ret: registers 1..3, branch to pc + 1, setx 0, sets 0, call rand, the
 * standard variable of the op's scope and kind, array args, type CTF, and
 * for a RELOC-form op the index rel.  Adds the int constant when needed.
 */
dif_instr_t tb_valid_instr(struct tdifo *t, unsigned op, uint32_t pc, uint32_t rel);

/* The relocation kind that fits a pseudo-op (0 for other ops). */
uint16_t tb_reloc_kind(unsigned op);

#endif
