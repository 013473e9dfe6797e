/*
 * impl.h -- private declarations shared by the front-end files.
 *
 * Sections name the file that implements them.  One struct dc_program is the
 * whole state of a compilation: the arena, the sources, the diagnostics
 * counter, the symbol tables and the AST.
 */
#ifndef DC_IMPL_H
#define DC_IMPL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dc.h"
#include "dc_ast.h"

/* ---- arena.c ---------------------------------------------------------- */

struct dc_arena {
	struct dc_chunk *head;
	size_t total, limit;    /* bytes of chunks; limit 0: none */
	jmp_buf *oom;           /* set while dc_compile runs: where OOM unwinds */
};

/* Zeroed.  Out of memory: longjmp to a->oom when set, else NULL (ENOMEM). */
void *dc_arena_alloc(struct dc_arena *a, size_t n);
char *dc_arena_strndup(struct dc_arena *a, const char *s, size_t n);
char *dc_arena_strdup(struct dc_arena *a, const char *s);
char *dc_arena_printf(struct dc_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dc_arena_free(struct dc_arena *a);

/* ---- lex.c ------------------------------------------------------------ */

enum dc_tok {
	T_EOF, T_IDENT, T_TNAME, T_INT, T_STR, T_AGG, T_PSPEC,
	/* punctuators */
	T_LPAR, T_RPAR, T_LBRACK, T_RBRACK, T_LBRACE, T_RBRACE, T_COMMA,
	T_SEMI, T_COLON, T_QUESTION, T_DOT, T_ARROW, T_ELLIPSIS,
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_EPRED, T_PERCENT,
	T_AMP, T_BOR, T_XOR, T_TILDE, T_NOT,
	T_LT, T_GT, T_LE, T_GE, T_EQ, T_NE,
	T_LAND, T_LOR, T_LXOR, T_SHL, T_SHR, T_INC, T_DEC,
	T_ASSIGN, T_ADD_EQ, T_SUB_EQ, T_MUL_EQ, T_DIV_EQ, T_MOD_EQ,
	T_AND_EQ, T_XOR_EQ, T_OR_EQ, T_SHL_EQ, T_SHR_EQ,
	/* keywords */
	T_KW_FIRST,
	K_AUTO = T_KW_FIRST, K_BREAK, K_CASE, K_CHAR, K_CONST, K_CONTINUE,
	K_COUNTER, K_DEFAULT, K_DO, K_DOUBLE, K_ELSE, K_ENUM, K_EXTERN, K_FLOAT,
	K_FOR, K_GOTO, K_IF, K_IMPORT, K_INLINE, K_INT, K_LONG, K_OFFSETOF,
	K_PROBE, K_PROVIDER, K_REGISTER, K_RESTRICT, K_RETURN, K_SELF, K_SHORT,
	K_SIGNED, K_SIZEOF, K_STATIC, K_STRING, K_STRINGOF, K_STRUCT, K_SWITCH,
	K_THIS, K_TRANSLATOR, K_TYPEDEF, K_UNION, K_UNSIGNED, K_USERLAND,
	K_VOID, K_VOLATILE, K_WHILE, K_XLATE, K_BOOL,
	T_KW_LAST,
};

enum dc_int_type { DC_IT_INT, DC_IT_UINT, DC_IT_LONG, DC_IT_ULONG,
	DC_IT_LLONG, DC_IT_ULLONG };

struct dc_token {
	enum dc_tok kind;
	struct dc_loc loc;
	const char *text;       /* identifier/pspec/aggregation name */
	const char *mod;        /* backquote scope: "mod" of mod`sym */
	uint64_t ival;
	enum dc_int_type itype;
	const char *str;        /* string literal bytes */
	size_t slen;
	bool space_before;
};

struct dc_src {
	const char *name;
	const char *cpp_tmp;    /* temp file name cpp saw (mapped back to name) */
	const char *buf;        /* NUL-terminated */
	size_t len;
};

/* One file of the bundled system library (compiler/lib/NAME.d, embedded by
 * lib/embed.py): name "<system>/psinfo.d", NUL-terminated text. */
struct dc_libfile {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct dc_libfile dc_libfiles[];
/* The system library's per-target choice (see sem's check_by_type). */
#define DC_BY_TYPE "__ht_by_type"
extern const size_t dc_nlibfiles;

struct dc_lexer {
	struct dc_program *p;
	uint32_t src;
	const char *buf;
	size_t pos, len;
	const char *file;       /* current name (line markers change it) */
	int line;
	size_t line_off;        /* offset of the current line's first byte */
	bool in_clause;         /* inside { } of a clause */
	bool in_decl;           /* inside a declaration: no control lines */
	int depth;              /* ( and [ nesting */
};

void dc_lex_init(struct dc_lexer *L, struct dc_program *p, uint32_t src);
/* Lex one token in expression state (S0). */
void dc_lex_next(struct dc_lexer *L, struct dc_token *t);
/* At the outer level: skip blanks, comments and control lines. */
void dc_lex_skip_outer(struct dc_lexer *L);
/* At the outer level: length of the probe-description-like word at point. */
size_t dc_lex_word_len(struct dc_lexer *L);
/* Read one probe specifier at point (outer state). */
bool dc_lex_pspec(struct dc_lexer *L, struct dc_token *t);
const char *dc_tok_str(enum dc_tok k);
/* Expand a macro variable name ("1", "pid", "$1" for $$1); NULL if undefined. */
const char *dc_macro_value(struct dc_program *p, const char *name, bool *is_str);

/* ---- diag.c ------------------------------------------------------------ */

void dc_error(struct dc_program *p, const struct dc_loc *loc, enum dc_errtag tag,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void dc_warn(struct dc_program *p, const struct dc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool dc_too_many_errors(const struct dc_program *p);

/* ---- cpp.c ------------------------------------------------------------- */

/* Run the C preprocessor on text; returns the output (arena) or NULL. */
char *dc_cpp_run(struct dc_program *p, const char *name, const char *text,
		 size_t len, size_t *outlen);

/* ---- parse.c ----------------------------------------------------------- */

void dc_parse_source(struct dc_program *p, uint32_t src);
bool dc_is_typedef_name(struct dc_program *p, const char *name);

/* ---- types.c ------------------------------------------------------------ */

struct dc_tydef {                       /* typedef or tag in a scope */
	const char *name;
	struct dc_ty *type;
	bool is_tag;
	struct dc_tydef *next;
	struct dc_tydef *hnext; /* hash chain */
};

struct dc_ty *dc_ty_new(struct dc_program *p, enum dc_ty_kind k, const char *name);
struct dc_ty *dc_ty_int(struct dc_program *p, const char *name, int size, bool sgn);
struct dc_ty *dc_ty_ptr(struct dc_program *p, struct dc_ty *to);
struct dc_ty *dc_ty_array(struct dc_program *p, struct dc_ty *elem, uint64_t n);
struct dc_ty *dc_ty_resolve(struct dc_ty *t);
struct dc_ty *dc_ty_lookup(struct dc_program *p, const char *name);
struct dc_ty *dc_ty_lookup_tag(struct dc_program *p, const char *tag);
void dc_ty_add_typedef(struct dc_program *p, const char *name, struct dc_ty *t);
void dc_ty_add_tag(struct dc_program *p, const char *tag, struct dc_ty *t);
void dc_ty_init_builtins(struct dc_program *p);
bool dc_ty_is_integer(const struct dc_ty *t);
bool dc_ty_is_arith(const struct dc_ty *t);
bool dc_ty_is_scalar(const struct dc_ty *t);
bool dc_ty_is_pointer(const struct dc_ty *t);
bool dc_ty_is_string(const struct dc_ty *t);
bool dc_ty_is_strlike(const struct dc_ty *t);
bool dc_ty_is_sou(const struct dc_ty *t);
bool dc_ty_is_loose(const struct dc_ty *t);   /* SYM or DYN: anything goes */
uint64_t dc_ty_size(const struct dc_ty *t);
const char *dc_ty_name(struct dc_program *p, const struct dc_ty *t);
bool dc_ty_compatible(const struct dc_ty *a, const struct dc_ty *b);
struct dc_member *dc_ty_member(const struct dc_ty *sou, const char *name);

/* ---- sem.c -------------------------------------------------------------- */

void dc_sem_check(struct dc_program *p);
void dc_sem_pragma(struct dc_program *p, const struct dc_loc *loc, char *text);
bool dc_set_option(struct dc_program *p, const struct dc_loc *loc,
		   const char *name, const char *value, bool from_pragma);
/* The last value set for option name (-x or pragma), or NULL. */
const char *dc_option_value(const struct dc_program *p, const char *name);

/* ---- compile.c ---------------------------------------------------------- */

struct dc_option_val {
	const char *name, *value;
	struct dc_option_val *next;
};

struct dc_program {
	struct dc_arena arena;
	const struct dc_options *opts;
	struct dc_src *srcs;
	uint32_t nsrcs;
	size_t nerrors;
	bool stopped;           /* error limit reached */
	bool errtags;
	bool *macro_used;       /* per macro argument */
	struct dc_ext *exts, **ext_tail;
	struct dc_tydef *types; /* typedefs and tags, newest first */
	struct dc_tydef *thash[512]; /* (name, is_tag) hash, newest first */
	struct dc_var *vars;    /* globals, self, this, aggregations, inlines */
	struct dc_var **vhash;  /* (scope, name) hash of vars, chained by hnext */
	size_t vhash_cap, nvars;
	struct dc_xlator **xlators;
	size_t nxlators, cxlators;
	struct dc_provider **providers;
	size_t nproviders, cproviders;
	struct dc_option_val *options;
	uint32_t version;       /* D version the program is written for */
	int nest;               /* current expression nesting depth */
	struct dc_ty *t_int, *t_uint, *t_long, *t_ulong, *t_llong, *t_ullong,
		*t_char, *t_void, *t_string, *t_dyn, *t_sym, *t_stack, *t_symaddr,
		*t_usymaddr, *t_agg, *t_voidp, *t_charp, *t_uint64, *t_int64,
		*t_size, *t_uintptr, *t_uint32, *t_uint16, *t_ptrdiff;
	uint32_t next_var_id;
	struct dc_pending *pending;     /* members of then-incomplete types */
	bool in_library;        /* parsing the bundled system library */
};

#define DC_MAX_VLEN 1023        /* members of a struct/union/enum (CTF's vlen) */
#define DC_MAX_NEST 1000        /* expression/declarator nesting limit */

#endif /* DC_IMPL_H */
