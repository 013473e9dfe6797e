/*
 * dif_reloc.h — relocations of HyperTrace's target-type-dependent
 * pseudo-instructions.
 *
 * Theory.  `dtc` compiles without knowing the target machine's types, so
 * every value that depends on them is left symbolic: each usetx, uload,
 * uuload, typecast and ustore instruction has exactly one relocation that names a
 * target type and (optionally) a member path inside it.  The linker resolves
 * the relocation against the target's typefile (BTF) and rewrites the
 * instruction(s).  The validator only needs pc and kind, so this header is
 * freestanding; the names live in the object's string table (see
 * include/ht/dobj.h and docs/object-format.md).
 *
 *   kind            instruction   resolved to
 *   MEMBER_OFFSET   usetx         byte offset of member path in the type
 *   TYPE_SIZE       usetx         sizeof(type)
 *   MEMBER_SIZE     usetx         sizeof(type.member path)
 *   LOAD            uload         ld{s,u}{b,h,w}/ldx sized and signed by the member type
 *   ULOAD           uuload        uld{s,u}{b,h,w}/uldx likewise, from user memory
 *   CAST            typecast      conversion of the register to the type
 *                                  (sign/zero extension by the type's width);
 *                                  a pointer type needs no code (nop)
 *   STORE           ustore        stb/sth/stw/stx sized by the member type
 *   TYPE_EXISTS     usetx         1 when the target typefile has the type
 *                                  (and, with dtr_member set, that member
 *                                  path inside it), else 0; never an error
 *
 * TYPE_EXISTS is how one object carries code for several kernels: the
 * compiler tests each candidate root type (a constant once linked) and
 * branches to the arm written for it.  The arms for the other kernels are
 * still linked, so their relocations carry a fourth flag:
 *
 *   F_GUARDED  this relocation only runs behind a TYPE_EXISTS test of its
 *              root type that came out true.  When the root (after the root
 *              flags are bound) is absent from the typefile, the linker does
 *              not fail: it poisons the instruction instead --
 *                usetx            -> setx of 0
 *                uload / uuload   -> ldx / uldx from [%r0] (always 0): the
 *                                    VM faults BADADDR if it ever runs
 *                ustore           -> ldx [%r0] into its address register: the
 *                                    same fault, before anything is written
 *                                    (a store through %r0 is invalid DIF)
 *                typecast         -> nothing (the value is left alone)
 *              When the root is present, the relocation resolves exactly as
 *              an unguarded one: a missing member is still a link error, so
 *              `curproc->p_comm` against a Linux typefile fails as it should.
 *              Combines with one root flag and with BITFIELD; never on
 *              TYPE_EXISTS itself.
 *
 * Three flags change what the relocation's root is (dtr_type), not what it
 * resolves to; the linker binds them first (linker/ld/lnk_bind.c), turning
 * them into plain relocations or constants, so later stages see them only
 * on a guarded relocation whose root the target lacks (F_GUARDED above):
 *
 *   F_SYMBOL   dtr_type is a kernel symbol ("sym" or "mod`sym"), not a type.
 *              MEMBER_OFFSET: the symbol's address (plus the member path's
 *              offset in the symbol's type when dtr_member is set);
 *              LOAD/ULOAD/STORE: a load (store) of the symbol's type (BTF VAR, else the
 *              symbol's size from the symbol source); TYPE_SIZE: its size.
 *              "*sym" (any kind but CAST): the type sym's type points to,
 *              like a type name (`sym->m, *`sym).
 *   F_ARG      dtr_type is "args[N]": the root type is what argument N of
 *              the clause's probe points to (dld reads the probe function's
 *              BTF prototype).  Valid on MEMBER_OFFSET, MEMBER_SIZE, LOAD,
 *              ULOAD and STORE.
 *   F_BUILTIN  dtr_type names a built-in variable ("curthread"): the root
 *              type is what that variable points to on the target, known
 *              only from the typefile dld links against (struct thread on
 *              FreeBSD, struct task_struct on Linux).  Valid on every kind
 *              but CAST.
 *
 * All three are flags on existing kinds: the root changes where the linker looks
 * a name up, never the kind/instruction pairing the validator checks (a
 * symbol address is a usetx constant like any other).  The validator accepts
 * one root flag per relocation (rule RELOC_FLAGS).
 */
#ifndef DIF_DIF_RELOC_H
#define DIF_DIF_RELOC_H

#include <stdint.h>

enum dif_reloc_kind {
	DIF_RELOC_NONE		= 0,
	DIF_RELOC_MEMBER_OFFSET	= 1,
	DIF_RELOC_TYPE_SIZE	= 2,
	DIF_RELOC_MEMBER_SIZE	= 3,
	DIF_RELOC_LOAD		= 4,
	DIF_RELOC_ULOAD		= 5,
	DIF_RELOC_CAST		= 6,
	DIF_RELOC_STORE		= 7,
	DIF_RELOC_TYPE_EXISTS	= 8,
	DIF_RELOC_KIND_MAX	= 8
};

/* dtr_flags */
#define DIF_RELOC_F_BITFIELD	0x1	/* member is a bit-field (width set by the linker) */
#define DIF_RELOC_F_SYMBOL	0x2	/* root is a kernel symbol (see above) */
#define DIF_RELOC_F_ARG		0x4	/* root is the pointee of a probe argument */
#define DIF_RELOC_F_BUILTIN	0x8	/* root is what a built-in variable points to */
#define DIF_RELOC_F_GUARDED	0x10	/* absent root poisons instead of failing */
#define DIF_RELOC_F_ROOTS	(DIF_RELOC_F_SYMBOL | DIF_RELOC_F_ARG | DIF_RELOC_F_BUILTIN)
#define DIF_RELOC_F_ALL		0x1f

struct dif_reloc {
	uint32_t	dtr_pc;		/* index of the pseudo-instruction */
	uint16_t	dtr_kind;	/* enum dif_reloc_kind */
	uint16_t	dtr_flags;	/* DIF_RELOC_F_* */
	uint32_t	dtr_type;	/* object strtab: type name, e.g. "struct thread" */
	uint32_t	dtr_member;	/* object strtab: member path "a.b.c", 0 = none */
};

#endif /* DIF_DIF_RELOC_H */
