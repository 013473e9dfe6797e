/*
 * dc_ast.h -- the checked program a D compilation produces.
 *
 * Everything here lives in the compilation's arena and is read-only for a
 * code generator.  A program is a list of externals (clauses, declarations,
 * inlines, translators, providers, pragmas) in source order.  Expressions are
 * struct dc_node trees; after checking every expression node has `type` set
 * (never NULL) and the flags below describe it.  Types the program does not
 * define (kernel structs, `curthread`) are DC_TY_SYM types: symbolic names a
 * linker resolves later against the target's BTF.
 */
#ifndef DC_AST_H
#define DC_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "dc.h"

struct dc_loc {
	const char *file;
	int line, col;
	uint32_t src;           /* index of the source buffer */
	uint32_t off;           /* byte offset of the line start in it */
};

enum dc_ty_kind {
	DC_TY_VOID, DC_TY_INT, DC_TY_FLOAT, DC_TY_PTR, DC_TY_ARRAY,
	DC_TY_STRUCT, DC_TY_UNION, DC_TY_ENUM, DC_TY_FUNC, DC_TY_STRING,
	DC_TY_DYN,              /* self->/this-> before definition, translated */
	DC_TY_STACK, DC_TY_SYMADDR, DC_TY_USYMADDR,
	DC_TY_SYM,              /* symbolic: target type, resolved at link time */
	DC_TY_AGG,              /* an aggregation (only as action argument) */
};

struct dc_member {
	const char *name;
	struct dc_ty *type;
	int bits;               /* bit-field width, 0 if not a bit-field */
	struct dc_member *next;
};

struct dc_enumerator {
	const char *name;
	int64_t value;
	struct dc_enumerator *next;
};

struct dc_ty {
	enum dc_ty_kind kind;
	const char *name;       /* spelled name: "int", "struct foo", typedef */
	uint32_t size;          /* bytes; 0 unknown/incomplete */
	uint32_t align;         /* struct/union alignment once laid out */
	bool is_signed;
	bool is_complete;       /* struct/union/enum defined */
	bool is_const, is_userland;
	bool is_char;           /* char-sized integer spelled char */
	struct dc_ty *base;     /* pointee, element, function return */
	uint64_t nelem;         /* array elements (0 unknown) */
	struct dc_member *members;
	struct dc_enumerator *enums;
	struct dc_param *params; /* function parameters */
	bool varargs;
};

enum dc_node_kind {
	DC_N_INT, DC_N_STR,
	DC_N_VAR,               /* identifier: variable, builtin, symbol, enum */
	DC_N_AGG,               /* @name[keys] */
	DC_N_UNARY, DC_N_POSTFIX, DC_N_BINARY, DC_N_LOGICAL, DC_N_TERNARY,
	DC_N_ASSIGN, DC_N_CALL, DC_N_INDEX, DC_N_MEMBER, DC_N_CAST,
	DC_N_SIZEOF_TYPE, DC_N_SIZEOF_EXPR, DC_N_OFFSETOF, DC_N_STRINGOF,
	DC_N_XLATE, DC_N_COMMA, DC_N_TYPE, /* DC_N_TYPE: a type as an argument */
};

enum dc_var_scope {
	DC_VS_NONE, DC_VS_GLOBAL, DC_VS_SELF, DC_VS_THIS, DC_VS_BUILTIN,
	DC_VS_SYMBOL, DC_VS_ENUM, DC_VS_INLINE, DC_VS_MACRO,
};

struct dc_node {
	enum dc_node_kind kind;
	int op;                 /* token kind of the operator (enum dc_tok) */
	struct dc_loc loc;
	struct dc_ty *type;     /* set by the checker */
	struct dc_node *l, *r, *x; /* operands; x: ternary else / third */
	struct dc_node *args;   /* call arguments, subscripts (list by next) */
	struct dc_node *next;
	const char *name;       /* identifier, function, member, aggregation */
	const char *mod;        /* backquote scope of a symbol */
	uint64_t ival;          /* integer value (DC_N_INT) */
	const char *str;        /* string literal (NUL-terminated) */
	size_t slen;
	struct dc_ty *ctype;    /* cast/sizeof/offsetof/xlate target type */
	enum dc_var_scope scope;
	struct dc_var *var;     /* resolved variable, if any */
	bool is_arrow;          /* -> rather than . */
	bool is_lvalue, is_writable, is_const, is_bitfield, is_action;
	bool is_paren;          /* written inside parentheses */
};

enum dc_stmt_kind { DC_S_EXPR, DC_S_IF, DC_S_DECL, DC_S_EMPTY };

struct dc_stmt {
	enum dc_stmt_kind kind;
	struct dc_loc loc;
	struct dc_node *expr;           /* expression or if-condition */
	struct dc_stmt *then, *els;     /* if bodies (lists) */
	struct dc_decl *decl;
	struct dc_stmt *next;
};

struct dc_pdesc {
	struct dc_loc loc;
	const char *text;       /* as written, after macro expansion */
	const char *target;     /* optional leading HyperTrace target field */
	const char *prov, *mod, *func, *name; /* "" = wildcard field */
	bool is_id;             /* a numeric probe id */
	struct dc_pdesc *next;
};

struct dc_param {
	const char *name;
	struct dc_ty *type;
	struct dc_param *next;
};

enum dc_storage { DC_SC_NONE, DC_SC_EXTERN, DC_SC_TYPEDEF, DC_SC_SELF, DC_SC_THIS,
	DC_SC_STATIC, DC_SC_AUTO, DC_SC_REGISTER };

struct dc_decl {
	struct dc_loc loc;
	enum dc_storage sc;
	const char *name;       /* NULL for a pure struct/enum definition */
	const char *mod;        /* backquote scope (extern `sym) */
	struct dc_ty *type;
	struct dc_param *keys;  /* associative array key types */
	bool is_assoc;
	struct dc_decl *next;
};

struct dc_var {
	const char *name;
	enum dc_var_scope scope;
	struct dc_ty *type;
	struct dc_param *keys;  /* associative arrays */
	int nkeys;              /* -1: scalar, >= 0 assoc (0 until known) */
	bool is_assoc;
	uint32_t id;            /* builtin DIF variable id; else sequence */
	struct dc_node *inline_expr;
	struct dc_param *inline_params;
	/* aggregations */
	int aggfn;              /* aggregating function (enum dcf_aggfn), -1 none */
	int64_t qargs[4];
	bool has_qargs;
	struct dc_var *next;
	struct dc_var *hnext;   /* hash chain (private to the checker) */
};

struct dc_clause {
	struct dc_loc loc;
	struct dc_pdesc *pdescs;
	struct dc_node *pred;   /* NULL: none */
	struct dc_stmt *stmts;
	bool has_body;
};

struct dc_xlmember {
	struct dc_loc loc;
	const char *name;
	struct dc_node *expr;
	struct dc_xlmember *next;
};

struct dc_xlator {
	struct dc_ty *out, *in;
	const char *arg;
	struct dc_xlmember *members;
};

struct dc_probe_decl {
	struct dc_loc loc;
	const char *name;
	struct dc_param *args, *xargs;
	struct dc_probe_decl *next;
};

struct dc_provider {
	const char *name;
	struct dc_probe_decl *probes;
};

/* #pragma D option name[=value] | attributes attr name | binding "ver" name |
 * depends_on class name: kind, name and value (option value, attributes,
 * version, or dependency class) as written. */
struct dc_pragma {
	const char *kind;       /* "option", "attributes", "binding", "depends_on" */
	const char *name, *value;
};

enum dc_ext_kind { DC_X_CLAUSE, DC_X_DECL, DC_X_INLINE, DC_X_XLATOR, DC_X_PROVIDER,
	DC_X_PRAGMA };

struct dc_ext {
	enum dc_ext_kind kind;
	struct dc_loc loc;
	union {
		struct dc_clause *clause;
		struct dc_decl *decl;       /* DC_X_DECL and DC_X_INLINE */
		struct dc_xlator *xlator;
		struct dc_provider *provider;
		struct dc_pragma *pragma;
	} u;
	struct dc_node *inline_expr;   /* DC_X_INLINE */
	bool is_library;               /* from the bundled system library */
	struct dc_ext *next;
};

/* The checked program (walk exts in order). */
const struct dc_ext *dc_program__exts(const struct dc_program *p);

#endif /* DC_AST_H */
