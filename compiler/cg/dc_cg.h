/*
 * dc_cg.h -- the dtc back end (library "dcg"): DIF code generation from a
 * checked D program (compiler/dc_ast.h) into a relocatable program object
 * (include/ht/dobj.h).
 *
 * One call turns the whole program into one object: every clause becomes one
 * or more clauses of probe descriptions, a predicate DIFO and action
 * descriptors laid out as DTrace lays them out (printf: one PRINTF per
 * argument; aggregations: id, keys, [increment], function).  Every DIFO is
 * validated (DVM_VF_RELOCATABLE) and the object passes dobj__check before it
 * is returned.  Output is deterministic: same program, same bytes.
 *
 * Errors go through the front end's diagnostics sink (struct dc_diag), one
 * per problem, with a D_* tag; the library never prints.  docs/codegen.md
 * describes the DIF each construct becomes.
 */
#ifndef DC_CG_H
#define DC_CG_H

#include <stddef.h>

#include "dc.h"
#include "ht/dobj.h"

struct dc_program;

struct dc_cg_opts {
	const char *const *xopts;	/* -x name[=value], in order (recorded as options) */
	size_t nxopts;
	unsigned strsize;		/* string size for by-ref types; 0: option or 256 */
	/*
	 * What curthread points to, when the caller insists on one target
	 * ("struct task_struct"): the object is then bound to it.  NULL (the
	 * portable default): curthread's relocations are rooted at the
	 * built-in (DIF_RELOC_F_BUILTIN "curthread") and dld picks the
	 * pointee from the typefile's target profile.
	 */
	const char *curthread_type;
};

/*
 * Generate the object for a checked program (dc_program__nerrors() == 0).
 * opts may be NULL; sink may be NULL (diagnostics are then only counted).
 * Returns 0 with *out set (caller frees with dobj__free), -EINVAL after one
 * or more diagnostics, -ENOMEM.
 */
int dc_cg__program(const struct dc_program *prog, const struct dc_cg_opts *opts,
		   struct dobj **out, dc_diag_sink_fn sink, void *sink_ctx);

/*
 * The make-style dependency rule of a compiled program (dtc -M / -MF):
 * "target: source.d header.h ...", every D source and every file cpp's line
 * markers name (with -C), once each, in order of first appearance.
 * dc_cg__deps returns it in *out (malloc'd, NUL-terminated; caller frees);
 * dc_cg__write_deps writes it to path atomically.  0 or -errno.
 */
int dc_cg__deps(const struct dc_program *prog, const char *target, char **out, size_t *len);
int dc_cg__write_deps(const struct dc_program *prog, const char *target, const char *path);

#endif /* DC_CG_H */
