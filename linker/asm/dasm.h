/*
 * dasm.h — the DIF assembler and disassembler (libdasm).
 *
 * Theory.  One textual language (docs/dif-assembly.md) describes a whole
 * program object (include/ht/dobj.h): clauses, probes, predicates, actions,
 * DIFOs with their tables, relocations, line tables, formats, aggregations,
 * options, symbols, meta and source idents.  The disassembler prints exactly
 * that language, so its output assembles back to an identical object; a
 * DIFO's instruction rows use the `dtrace -S` layout
 * ("NN: XXXXXXXX    setx DT_INTEGER[0], %r1   ! 0x2a"), whose offset and
 * hex columns and `!` comments the assembler skips.
 *
 * Errors go to a diagnostics sink as "file:line:col: error: message"; the
 * library never prints or exits on its own.
 */
#ifndef DASM_H
#define DASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ht/dobj.h"

/*
 * A diagnostics sink.  `report` receives every error, already located;
 * when it is NULL the messages are only counted.  `nerrors` counts them.
 */
struct dasm_sink {
	void	(*report)(void *ctx, const char *file, unsigned line,
		    unsigned col, const char *msg);
	/* Validator findings under DASM_F_INVALID_OK (may be NULL). */
	void	(*warn)(void *ctx, const char *file, unsigned line,
		    unsigned col, const char *msg);
	void	*ctx;
	unsigned flags;		/* DASM_F_* */
	unsigned nerrors;
};

/* Validator findings are warnings, not errors (to write invalid DIF on purpose). */
#define DASM_F_INVALID_OK	0x1
/* Do not run the validator at all. */
#define DASM_F_NO_VALIDATE	0x2

/* At most this many errors are reported for one input; then it stops. */
#define DASM_MAX_ERRORS	50

/*
 * Assemble `len` bytes of `text` (need not be NUL-terminated) named
 * `filename` in diagnostics.  On success *out is a new object (free it with
 * dobj__free) and 0 is returned; on errors in the text -EINVAL (each error
 * reported to sink, which may be NULL); -ENOMEM on allocation failure.
 * Every DIFO is checked by the DIF validator when it is built in.
 */
int dasm__assemble(const char *text, size_t len, const char *filename,
    struct dobj **out, struct dasm_sink *sink);

/*
 * Print the object in the assembly language.  The text re-assembles to an
 * object equal to obj (dasm__equal); it is deterministic.  0 or -errno.
 */
int dasm__disassemble(const struct dobj *obj, FILE *fp);

/* The same into a malloc'd NUL-terminated string; NULL with errno set. */
char *dasm__disassemble_str(const struct dobj *obj, size_t *lenp);

/*
 * `dtrace -S` style listing of DIFO `difo` of obj: the header line
 * "DIFO <n> returns <type>", the "OFF OPCODE      INSTRUCTION" rows, then
 * the variable table (NAME ID KND SCP FLAG TYPE) and the relocations.
 * 0, or -EINVAL when the index is out of range.
 */
int dasm__difo_listing(const struct dobj *obj, uint32_t difo, FILE *fp);

/*
 * One instruction of a DIFO as assembly text, written to fp: mnemonic,
 * operands, and (after "  ! ") the resolved table value as in a listing.
 * Relocations are printed inline.  Returns false if pc is out of range or
 * the word does not decode (the caller then prints it as .word).
 */
bool dasm__instr(FILE *fp, const struct dobj *obj, const struct dobj_difo *d, uint32_t pc);

/*
 * `dtrace -S` style listing of a whole program: for every clause
 * "Disassembly of <probe>" and the listing of its predicate and action
 * DIFOs.  0 or -errno.
 */
int dasm__listing(const struct dobj *obj, FILE *fp);

/* Deep equality of two in-memory objects (every array and table). */
int dasm__equal(const struct dobj *a, const struct dobj *b);

#endif /* DASM_H */
