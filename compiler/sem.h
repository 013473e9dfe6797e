/*
 * sem.h -- the checker's entry points used by the parser (sem.c).
 *
 * The parser hands every finished external to sem.c at once, so checking
 * follows source order exactly as DTrace's does: a variable exists from its
 * first assignment or declaration onwards.
 */
#ifndef DC_SEM_H
#define DC_SEM_H

#include "impl.h"

/* Fold an integer constant expression; false if it is not one. */
bool dc_sem_const(struct dc_program *p, struct dc_node *n, int64_t *v);
/* Declare a variable (global, self, this, extern); false after an error. */
bool dc_sem_declare(struct dc_program *p, struct dc_decl *d);
bool dc_sem_declare_enum(struct dc_program *p, const struct dc_loc *loc, const char *name,
			 struct dc_ty *t, int64_t v);
bool dc_sem_is_variable(struct dc_program *p, const char *name);
void dc_sem_inline(struct dc_program *p, struct dc_ext *x);
void dc_sem_xlator(struct dc_program *p, struct dc_ext *x);
void dc_sem_provider(struct dc_program *p, struct dc_ext *x);
void dc_sem_clause(struct dc_program *p, struct dc_ext *x);
/*
 * A member of a type that is incomplete now: if the program completes the
 * type later it was used too early (D_DECL_INCOMPLETE, reported at the end);
 * if it never does, the type belongs to the target and stays symbolic.
 */
void dc_sem_pending_incomplete(struct dc_program *p, const struct dc_loc *loc,
			       struct dc_ty *t);
/* A tag was just defined: members that used it earlier are errors. */
bool dc_sem_type_completed(struct dc_program *p, struct dc_ty *t);
/* Compute member layout (sizes) of a struct or union. */
void dc_ty_layout(struct dc_program *p, struct dc_ty *t);

#endif /* DC_SEM_H */
