/*
 * builtins.h -- tables of D's built-in variables, subroutines, actions and
 * aggregating functions (builtins.c), as the checker needs them.
 */
#ifndef DC_BUILTINS_H
#define DC_BUILTINS_H

#include "impl.h"

/*
 * D language versions (`#pragma D option version=`): an identifier is
 * visible only to programs compiled for its version or a later one, so a
 * program written for 1.0 may use names that later became built-ins.
 */
#define DC_VERS(maj, min, mic)  (((uint32_t)(maj) << 16) | ((uint32_t)(min) << 8) | (mic))
#define DC_VERS_LATEST          DC_VERS(1, 13, 0)
#define DC_VERS_STRING          "HyperTrace D 1.13"
/* Parse "maj.min[.mic]" into *v; false when malformed. */
bool dc_vers_parse(const char *s, uint32_t *v);

struct dcf_bvar {
	const char *name;
	uint32_t id;            /* DIF variable id */
	const char *type;       /* D type name, "string", "sym" (target), "sym*" */
	bool is_array;          /* args[], uregs[] */
	uint32_t vers;          /* version it appeared in; 0 = 1.0 */
};

enum dcf_func_kind { DC_F_SUBR, DC_F_ACT, DC_F_AGG };

enum dcf_aggfn { DC_AGG_COUNT = 1, DC_AGG_MIN, DC_AGG_MAX, DC_AGG_AVG, DC_AGG_SUM,
	DC_AGG_STDDEV, DC_AGG_QUANTIZE, DC_AGG_LQUANTIZE, DC_AGG_LLQUANTIZE };

#define DC_FF_DESTRUCTIVE 0x1   /* needs -w; forbidden after speculate */
#define DC_FF_RECORDS     0x2   /* records data into the principal buffer */

struct dcf_func {
	const char *name;
	enum dcf_func_kind kind;
	int id;                 /* subroutine id, action number, or enum dcf_aggfn */
	/*
	 * Argument kinds, one char each; those after '[' are optional; a trailing
	 * '.' allows more: i integer, c char (integer), p pointer or integer,
	 * P pointer, integer or string, Q pointer or integer, s string-like,
	 * a any scalar, @ anything but void.  Loose (target) types always pass.
	 */
	const char *args;
	const char *ret;        /* "int", "string", "void", "void*", "sym*", ... */
	unsigned flags;
	uint32_t vers;          /* version it appeared in; 0 = 1.0 */
};

/* Lookups regardless of version, and as a program of version vers sees them. */
const struct dcf_bvar *dc_builtin_var(const char *name);
const struct dcf_bvar *dc_builtin_var_at(const char *name, uint32_t vers);
const struct dcf_func *dc_builtin_func_at(const char *name, uint32_t vers);
/* A named integer constant of D's system libraries (VMX_* VMCS encodings). */
bool dc_library_const(const char *name, int64_t *val);
struct dc_ty *dc_builtin_var_type(struct dc_program *p, const struct dcf_bvar *b);
bool dc_builtin_var_is_array(const struct dcf_bvar *b);
struct dc_ty *dc_builtin_var_elem(struct dc_program *p, const struct dcf_bvar *b);
const struct dcf_func *dc_builtin_func(const char *name);
struct dc_ty *dc_builtin_type(struct dc_program *p, const char *spec);
/* Names supplied by D's system libraries (curpsinfo, fds[], errno values...). */
bool dc_library_ident(const char *name);
/* Providers known to the checker: 1 known, 0 unknown. */
bool dc_known_provider(const char *name);

#endif /* DC_BUILTINS_H */
