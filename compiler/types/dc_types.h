/*
 * dc_types.h -- the D type system of the compiler front end (library
 * "dctypes", meson dependency `dctypes_dep`).
 *
 * Theory.  One `struct dc_typesys` (a "type system") lives for one
 * compilation.  It owns an arena: every type node, member table and string
 * it hands out stays valid until dc_typesys__free().  There are no globals;
 * two compilations may run in two threads.
 *
 * A type is a `struct dc_type` node.  Nodes are immutable once returned,
 * with one exception: a struct/union/enum created by a forward reference is
 * completed in place when its definition arrives (so pointers taken earlier
 * see the layout).  Qualifiers (const/volatile/restrict/userland) and
 * typedefs are wrapper nodes (kind DC_TK_QUAL / DC_TK_TYPEDEF) whose `ref`
 * is the wrapped type; every operation looks through them with
 * dc_type__resolve().
 *
 * Scopes ("containers"): C intrinsics, D typedefs (int8_t .. zoneid_t),
 * program declarations, and module scopes named with a backquote
 * (`kernel`struct proc, genunix`kthread_t).  See docs/d-types.md.
 *
 * Symbolic target types.  A type whose layout only the target knows (an
 * incomplete struct/union/enum tag, a module-scoped name, a target typedef
 * name such as kthread_t) is *symbolic*: dc_type__is_symbolic() is true,
 * sizeof/offsetof answer DC_SYMBOLIC (the code generator emits a usetx
 * relocation naming the type and member path), and member access yields a
 * DC_TK_EXTMEMBER node (root type + member path) that the front end treats
 * as a 64-bit signed integer that may also be dereferenced, followed with
 * `->`/`.`, subscripted, compared with pointers and passed to stringof.
 *
 * Errors.  Functions that can reject their input take a `struct dc_terr *`
 * and fill it with a D_* tag name ("D_DECL_BFSIZE", the names of
 * compiler/dc_errtags.h) and a message; they return -1 (or NULL).  The
 * library never prints.  Out of memory is reported as tag "D_NOMEM" with
 * errno ENOMEM.
 *
 * Read next: dc_types.c (nodes, scopes), dc_decl.c (declarations builder),
 * dc_layout.c (struct layout), dc_tyops.c (conversions), dc_tyname.c (type
 * names to and from text), dc_builtins.c (built-in identifiers).
 */
#ifndef DC_TYPES_H
#define DC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Type nodes                                                          */

enum dc_tkind {
	DC_TK_VOID = 1,
	DC_TK_INT,	/* char..long long, _Bool, signed/unsigned */
	DC_TK_FLOAT,	/* float, double, long double: declarable only */
	DC_TK_ENUM,
	DC_TK_POINTER,
	DC_TK_ARRAY,	/* sized (nelems), or associative (nkeys > 0) */
	DC_TK_STRUCT,
	DC_TK_UNION,
	DC_TK_FUNCTION,
	DC_TK_TYPEDEF,	/* name -> ref */
	DC_TK_QUAL,	/* quals applied to ref */
	DC_TK_STRING,	/* D string: by-ref char[strsize] */
	DC_TK_DYN,	/* <DYN>: self, this, translated results */
	DC_TK_STACK,	/* result of stack()/ustack()/jstack() */
	DC_TK_SYMADDR,	/* _symaddr: sym()/func()/mod() */
	DC_TK_USYMADDR,	/* _usymaddr: usym()/ufunc()/umod()/uaddr() */
	DC_TK_AGG,	/* an aggregation (@name) */
	DC_TK_EXTERN,	/* symbolic target type known only by name */
	DC_TK_EXTMEMBER	/* member of a symbolic type: ext_root + ext_path */
};

/* Qualifier bits (DC_TK_QUAL.quals and dc_type__quals()). */
#define DC_Q_CONST	0x1u
#define DC_Q_VOLATILE	0x2u
#define DC_Q_RESTRICT	0x4u
#define DC_Q_USERLAND	0x8u	/* loads through it use uld* */

/* dc_type.flags */
#define DC_TF_SIGNED	0x01u	/* DC_TK_INT / DC_TK_ENUM */
#define DC_TF_COMPLETE	0x02u	/* struct/union/enum has its definition */
#define DC_TF_VARARGS	0x04u	/* DC_TK_FUNCTION ends with "..." */
#define DC_TF_BOOL	0x08u	/* DC_TK_INT: _Bool */
#define DC_TF_CHAR	0x10u	/* DC_TK_INT: plain/signed/unsigned char */
#define DC_TF_PROGRAM	0x20u	/* declared by the D program */

/* What a DC_TK_EXTERN names (from the spelling of its name). */
enum dc_extkind {
	DC_EXT_TYPEDEF = 1,	/* "kthread_t" */
	DC_EXT_STRUCT,		/* "struct thread" */
	DC_EXT_UNION,
	DC_EXT_ENUM
};

struct dc_type;

/* A struct/union member.  Anonymous struct/union members have name NULL. */
struct dc_tmember {
	const char		*name;
	const struct dc_type	*type;
	uint64_t		offset_bits;	/* from the start of the parent */
	uint32_t		bit_width;	/* 0: not a bit-field */
};

struct dc_tenum {
	const char	*name;
	int64_t		value;
};

struct dc_type {
	enum dc_tkind		kind;
	uint32_t		id;	/* creation order, unique per typesys */
	uint32_t		flags;	/* DC_TF_* */
	unsigned		quals;	/* DC_TK_QUAL: DC_Q_* */
	const char		*name;	/* intrinsic, tag, typedef or extern name;
					   NULL for anonymous/derived types */
	const char		*module;/* backquote scope, NULL = none */
	uint64_t		size;	/* bytes; 0 when unknown (see sizeof) */
	uint32_t		align;	/* bytes */
	uint32_t		bits;	/* DC_TK_INT/ENUM/FLOAT: width in bits */
	const struct dc_type	*ref;	/* pointee, element, typedef target,
					   qualified type, function return */
	/* DC_TK_ARRAY */
	uint64_t		nelems;
	uint32_t		nkeys;	/* > 0: associative array */
	const struct dc_type	**keys;
	/* DC_TK_STRUCT / DC_TK_UNION */
	uint32_t		nmembers;
	struct dc_tmember	*members;
	/* DC_TK_ENUM */
	uint32_t		nenums;
	struct dc_tenum	*enums;
	/* DC_TK_FUNCTION */
	uint32_t		nparams;
	const struct dc_type	**params;
	/* DC_TK_EXTERN: ext_kind; DC_TK_EXTMEMBER: root type and path, the
	   path written "a.b", "a->b", "a[]" as it was followed. */
	enum dc_extkind		ext_kind;
	const struct dc_type	*ext_root;
	const char		*ext_path;
};

/* ------------------------------------------------------------------ */
/* The type system                                                     */

enum dc_target_os {
	DC_OS_FREEBSD = 0,	/* curthread is struct thread * */
	DC_OS_ILLUMOS,		/* curthread is kthread_t * */
	DC_OS_LINUX		/* curthread is struct task_struct * */
};

struct dc_types_opts {
	uint32_t		strsize;	/* bytes of `string`; 0 = 256 */
	enum dc_target_os	os;
};

/* Error out-parameter: tag name of compiler/dc_errtags.h and message. */
struct dc_terr {
	const char	*tag;		/* "D_DECL_BFSIZE"; NULL = no error */
	char		msg[256];
	int		argno;		/* argument checks: 1-based, 0 = none */
};

struct dc_typesys;

/* opts may be NULL (defaults).  NULL + errno on allocation failure. */
struct dc_typesys *dc_typesys__new(const struct dc_types_opts *opts);
void dc_typesys__free(struct dc_typesys *ts);
/* Change the `string` size (option strsize); affects later sizeof. */
void dc_typesys__set_strsize(struct dc_typesys *ts, uint32_t strsize);
uint32_t dc_typesys__strsize(const struct dc_typesys *ts);
/* Arena allocation for callers that want their nodes in the same arena. */
void *dc_typesys__alloc(struct dc_typesys *ts, size_t n);
const char *dc_typesys__strdup(struct dc_typesys *ts, const char *s);

/* Well-known types, always available. */
enum dc_wk {
	DC_WK_VOID, DC_WK_CHAR, DC_WK_SCHAR, DC_WK_UCHAR, DC_WK_SHORT,
	DC_WK_USHORT, DC_WK_INT, DC_WK_UINT, DC_WK_LONG, DC_WK_ULONG,
	DC_WK_LLONG, DC_WK_ULLONG, DC_WK_BOOL, DC_WK_FLOAT, DC_WK_DOUBLE,
	DC_WK_LDOUBLE,
	DC_WK_INT8, DC_WK_INT16, DC_WK_INT32, DC_WK_INT64, DC_WK_UINT8,
	DC_WK_UINT16, DC_WK_UINT32, DC_WK_UINT64, DC_WK_SIZE_T,
	DC_WK_SSIZE_T, DC_WK_PTRDIFF_T, DC_WK_INTPTR_T, DC_WK_UINTPTR_T,
	DC_WK_VOIDPTR, DC_WK_CHARPTR, DC_WK_STRING, DC_WK_DYN, DC_WK_STACK,
	DC_WK_SYMADDR, DC_WK_USYMADDR, DC_WK_AGG,
	DC_WK_COUNT
};
const struct dc_type *dc_typesys__wk(const struct dc_typesys *ts,
				     enum dc_wk which);

/* ------------------------------------------------------------------ */
/* Scopes and lookup                                                   */

/*
 * Look a type up by its name as written in D: "int", "unsigned long",
 * "struct foo", "union u", "enum e", "foo_t", "string",
 * "`kernel`struct thread", "genunix`kthread_t".  A module-scoped name
 * always resolves (to a symbolic type).  An undefined struct/union/enum
 * tag resolves to a symbolic incomplete tag type.  NULL: not a type.
 */
const struct dc_type *dc_typesys__lookup(struct dc_typesys *ts,
					 const char *name);
/* Is `ident` a type name (typedef or D/C name) -- the lexer's TNAME rule. */
bool dc_typesys__is_typename(const struct dc_typesys *ts, const char *ident);
/* A struct/union/enum tag reference (kind DC_TK_STRUCT/UNION/ENUM): the
   existing tag, or a new incomplete (symbolic) one.  D_DECL_TYPERED if the
   tag exists with another kind.  module may be NULL. */
struct dc_type *dc_typesys__tag_ref(struct dc_typesys *ts, enum dc_tkind kind,
				    const char *module, const char *tag,
				    struct dc_terr *err);
/* Find an enumerator in any enum of the program or the D scope. */
bool dc_typesys__enumerator(const struct dc_typesys *ts, const char *name,
			    const struct dc_type **enum_type, int64_t *value);
/* Declare a symbolic target typedef name (e.g. from a -T typefile's list);
   it then answers dc_typesys__is_typename().  Idempotent. */
const struct dc_type *dc_typesys__declare_extern(struct dc_typesys *ts,
						 const char *name);
/* Is `ident` already used by a typedef or enumerator (for D_DECL_IDRED
   checks of variables the parser declares)? */
bool dc_typesys__ident_taken(const struct dc_typesys *ts, const char *ident);

/* ------------------------------------------------------------------ */
/* Declarations builder (the parser calls these)                        */

enum dc_spec {
	DC_SPEC_VOID = 1, DC_SPEC_CHAR, DC_SPEC_SHORT, DC_SPEC_INT,
	DC_SPEC_LONG, DC_SPEC_FLOAT, DC_SPEC_DOUBLE, DC_SPEC_SIGNED,
	DC_SPEC_UNSIGNED, DC_SPEC_BOOL, DC_SPEC_STRING,
	DC_SPEC_CONST, DC_SPEC_VOLATILE, DC_SPEC_RESTRICT, DC_SPEC_USERLAND
};

enum dc_tstorage {
	DC_TSC_NONE = 0, DC_TSC_EXTERN, DC_TSC_TYPEDEF, DC_TSC_SELF, DC_TSC_THIS,
	DC_TSC_AUTO, DC_TSC_REGISTER, DC_TSC_STATIC
};

/* Accumulated declaration specifiers.  Zero-initialise, then add. */
struct dc_declspec {
	enum dc_tstorage		storage;
	unsigned		quals;		/* DC_Q_* */
	uint8_t			n_void, n_char, n_short, n_int, n_long,
				n_float, n_double, n_signed, n_unsigned,
				n_bool, n_string;
	const struct dc_type	*named;		/* TNAME / struct / union / enum */
};

/* Add a keyword specifier or qualifier: D_DECL_COMBO, D_DECL_CHARATTR,
   D_DECL_VOIDATTR, D_DECL_SIGNINT, D_DECL_LONGINT, D_UNKNOWN. */
int dc_declspec__add(struct dc_declspec *ds, enum dc_spec spec,
		     struct dc_terr *err);
/* Add a named type (TNAME, struct/union/enum specifier): D_DECL_COMBO. */
int dc_declspec__add_type(struct dc_declspec *ds, const struct dc_type *t,
			  struct dc_terr *err);
/* Storage class: D_DECL_CLASS (two classes). */
int dc_declspec__add_storage(struct dc_declspec *ds, enum dc_tstorage sc,
			     struct dc_terr *err);
/* The base type the specifiers name ("unsigned" alone = unsigned int). */
const struct dc_type *dc_declspec__type(struct dc_typesys *ts,
					const struct dc_declspec *ds,
					struct dc_terr *err);

/* A constant the parser evaluated for an array size, bit-field width or
   enumerator value. */
struct dc_cval {
	bool	is_const;	/* an integer constant expression */
	bool	is_unsigned;	/* its type is unsigned (value is uint64) */
	int64_t	value;
};

/* Derived types.  All return NULL with err filled on a D_* error. */
const struct dc_type *dc_type__pointer(struct dc_typesys *ts,
				       const struct dc_type *to);
const struct dc_type *dc_type__qualify(struct dc_typesys *ts,
				       const struct dc_type *t, unsigned quals);
/* elem[dim]: D_DECL_ARRSUB, D_DECL_ARRBIG, D_DECL_VOIDOBJ,
   D_DECL_INCOMPLETE.  dim NULL: "[]" (D_DECL_ARRNULL). */
const struct dc_type *dc_type__array(struct dc_typesys *ts,
				     const struct dc_type *elem,
				     const struct dc_cval *dim,
				     struct dc_terr *err);
/* elem[k1, ..., kn]: associative array type (D_DECL_VOIDOBJ on void keys). */
const struct dc_type *dc_type__assoc(struct dc_typesys *ts,
				     const struct dc_type *elem,
				     const struct dc_type *const *keys,
				     size_t nkeys, struct dc_terr *err);

/* A parameter of a prototype. */
struct dc_tparam {
	const char		*name;	/* NULL: unnamed */
	const struct dc_type	*type;
	enum dc_tstorage		storage;
};
#define DC_PROTO_NEED_NAMES	0x1u	/* D_DECL_PROTO_FORM if unnamed */
#define DC_PROTO_NO_VARARGS	0x2u	/* D_DECL_PROTO_VARARGS on "..." */
#define DC_PROTO_NO_DYN		0x4u	/* D_DECL_PROTO_TYPE on D-only types */
/* ret(params[, ...]).  "(void)" is one unnamed void parameter. Errors:
   D_DECL_PROTO_VOID, D_DECL_PROTO_NAME, D_DECL_PROTO_VARARGS,
   D_DECL_PROTO_FORM, D_DECL_PROTO_TYPE, D_DECL_PARMCLASS. */
const struct dc_type *dc_type__function(struct dc_typesys *ts,
					const struct dc_type *ret,
					const struct dc_tparam *params,
					size_t nparams, bool varargs,
					unsigned proto_flags,
					struct dc_terr *err);

/* One step of a declarator, applied innermost-last: for `int *a[4]` the
   parser passes {ARRAY 4}, {POINTER} ... in the order C applies them to
   the base type: POINTER first, then ARRAY. */
enum dc_deriv_kind { DC_DERIV_POINTER = 1, DC_DERIV_ARRAY, DC_DERIV_ASSOC,
		     DC_DERIV_FUNCTION };
struct dc_deriv {
	enum dc_deriv_kind	kind;
	unsigned		quals;		/* POINTER: qualifiers after '*' */
	const struct dc_cval	*dim;		/* ARRAY: NULL = "[]" */
	const struct dc_type *const *keys;	/* ASSOC */
	size_t			nkeys;
	const struct dc_tparam	*params;	/* FUNCTION */
	size_t			nparams;
	bool			varargs;
	unsigned		proto_flags;
};
const struct dc_type *dc_type__derive(struct dc_typesys *ts,
				      const struct dc_type *base,
				      const struct dc_deriv *d, size_t n,
				      struct dc_terr *err);

/* typedef name = type: D_DECL_IDRED if the name is already a typedef,
   enumerator or intrinsic.  D_DECL_SCOPE for a backquoted name. */
const struct dc_type *dc_typesys__typedef(struct dc_typesys *ts,
					  const char *name,
					  const struct dc_type *type,
					  struct dc_terr *err);
/* Check an object (variable/member) type: D_DECL_VOIDOBJ, D_DECL_DYNOBJ,
   D_DECL_INCOMPLETE (incomplete or symbolic by-value struct/union,
   array of those). */
int dc_type__check_object(const struct dc_type *t, struct dc_terr *err);

/* Checks for one declared variable `name` of type t with specifiers ds:
   D_DECL_BADCLASS (auto/register/static), D_DECL_SCOPE (backquoted name),
   D_DECL_LOCASSC (`this` associative array), then dc_type__check_object
   (D_DECL_VOIDOBJ, D_DECL_DYNOBJ, D_DECL_INCOMPLETE).  A D_DECL_IDRED
   check against typedef and enumerator names comes last. */
int dc_decl__check_var(const struct dc_typesys *ts, const struct dc_declspec *ds,
		       const char *name, const struct dc_type *t,
		       struct dc_terr *err);

/* The type of an integer literal (C99 rules of the D lexer): unsuffixed
   decimal int/long/long long; octal or hex also the unsigned variants;
   'u' only unsigned; nlong = 1 for 'l', 2 for 'll'.  D_INT_OFLOW when
   nothing fits. */
const struct dc_type *dc_typesys__int_literal(const struct dc_typesys *ts,
					      uint64_t value, bool decimal,
					      bool unsigned_suffix, int nlong,
					      struct dc_terr *err);

/* struct/union definition: begin (D_DECL_TYPERED when the tag is already
   defined), members, end (computes the layout).  tag NULL: anonymous. */
struct dc_type *dc_sou__begin(struct dc_typesys *ts, enum dc_tkind kind,
			      const char *tag, struct dc_terr *err);
/* Member; bitwidth NULL = not a bit-field.  Errors: D_DECL_MNAME (unnamed
   non-struct/union, non-bit-field), D_DECL_VOIDOBJ, D_DECL_INCOMPLETE,
   D_DECL_BFCONST (not constant or <= 0), D_DECL_BFSIZE (wider than the
   base type), D_DECL_BFTYPE (not an integer/enum), D_UNKNOWN (duplicate
   member name). */
int dc_sou__add_member(struct dc_typesys *ts, struct dc_type *sou,
		       const char *name, const struct dc_type *type,
		       const struct dc_cval *bitwidth, struct dc_terr *err);
int dc_sou__end(struct dc_typesys *ts, struct dc_type *sou,
		struct dc_terr *err);

/* enum definition.  Enumerators without a value follow the previous + 1.
   D_DECL_ENCONST, D_DECL_ENOFLOW (outside INT_MIN..INT_MAX), D_DECL_IDRED
   (name used by another enum/typedef), D_UNKNOWN (repeated in this enum). */
struct dc_type *dc_enum__begin(struct dc_typesys *ts, const char *tag,
			       struct dc_terr *err);
int dc_enum__add(struct dc_typesys *ts, struct dc_type *e, const char *name,
		 const struct dc_cval *value, struct dc_terr *err);
int dc_enum__end(struct dc_typesys *ts, struct dc_type *e,
		 struct dc_terr *err);

/* ------------------------------------------------------------------ */
/* Type operations                                                     */

/* Strip typedefs and qualifiers. */
const struct dc_type *dc_type__resolve(const struct dc_type *t);
/* Union of qualifiers seen while stripping typedefs/qualifiers. */
unsigned dc_type__quals(const struct dc_type *t);

#define DC_SYMBOLIC	1	/* return value: resolved at link time */

/* sizeof: 0 and *size, DC_SYMBOLIC (symbolic type), or -1 with
   D_SIZEOF_TYPE (void, function, incomplete program type, assoc, dyn...). */
int dc_type__sizeof(const struct dc_typesys *ts, const struct dc_type *t,
		    uint64_t *size, struct dc_terr *err);
/* Alignment in bytes (1 for symbolic and D-special types). */
uint32_t dc_type__alignof(const struct dc_typesys *ts, const struct dc_type *t);

/* Result of a member lookup. */
struct dc_memref {
	const struct dc_type	*type;	/* DC_TK_EXTMEMBER when symbolic */
	uint64_t		offset_bits;
	uint32_t		bit_width;	/* 0: not a bit-field */
	bool			symbolic;
};
/* Member `name` of struct/union t (looks into anonymous members).  For
   `p->m` pass t = dc_type__deref(p's type), except when p's type is a
   DC_TK_EXTMEMBER: then pass that type itself; `arrow` only chooses the
   "->" or "." step recorded in the path of symbolic members.  Errors:
   D_OP_SOU (not a struct/union), D_TYPE_MEMBER (no such member),
   D_OP_INCOMPLETE (incomplete program type). */
int dc_type__member(struct dc_typesys *ts, const struct dc_type *t,
		    const char *name, bool arrow, struct dc_memref *out,
		    struct dc_terr *err);
/* The type `*e` has when e has type t: pointee of a pointer, element of
   an array, char of a string; a symbolic member gets path "p[]".  Errors:
   D_DEREF_NONPTR, D_DEREF_VOID, D_DEREF_FUNC. */
const struct dc_type *dc_type__deref(struct dc_typesys *ts,
				     const struct dc_type *t,
				     struct dc_terr *err);
/* offsetof(t, "a.b.c") in bytes: 0, DC_SYMBOLIC, or -1 with
   D_OFFSETOF_TYPE, D_OFFSETOF_BITFIELD, D_TYPE_MEMBER. */
int dc_type__offsetof(struct dc_typesys *ts, const struct dc_type *t,
		      const char *path, uint64_t *offset, struct dc_terr *err);

/* Classification (all look through typedefs and qualifiers). */
bool dc_type__is_void(const struct dc_type *t);
bool dc_type__is_integer(const struct dc_type *t);	/* int, enum, extmember */
bool dc_type__is_arith(const struct dc_type *t);	/* integer or float */
bool dc_type__is_pointer(const struct dc_type *t);
bool dc_type__is_scalar(const struct dc_type *t);	/* arith or pointer */
bool dc_type__is_string(const struct dc_type *t);	/* D string */
bool dc_type__is_string_compat(const struct dc_type *t);/* string, char *,
							   char[n] */
bool dc_type__is_sou(const struct dc_type *t);
bool dc_type__is_array(const struct dc_type *t);
bool dc_type__is_function(const struct dc_type *t);
bool dc_type__is_byref(const struct dc_type *t);
bool dc_type__is_dyn(const struct dc_type *t);
bool dc_type__is_symbolic(const struct dc_type *t);
bool dc_type__is_signed(const struct dc_type *t);
bool dc_type__is_complete(const struct dc_type *t);

/* Integer rank: bits * 2 + (unsigned ? 1 : 0); 0 for non-integers. */
int dc_type__rank(const struct dc_type *t);
/* Usual arithmetic conversions (no promotion to int). */
const struct dc_type *dc_type__arith_conv(const struct dc_typesys *ts,
					  const struct dc_type *a,
					  const struct dc_type *b);

/* Operand facts the checks need besides the type. */
struct dc_operand {
	const struct dc_type	*type;
	bool			is_null_const;	/* integer constant 0 */
};
/* May a and b be compared with == != < ...? */
bool dc_type__comparable(const struct dc_operand *a,
			 const struct dc_operand *b);
/* May src be assigned to an object of type dst (or passed for it)? */
bool dc_type__assignable(const struct dc_type *dst,
			 const struct dc_operand *src);
/* Are two types compatible (same after typedefs; structural for
   pointers/arrays/functions; symbolic types match by name)? */
bool dc_type__compatible(const struct dc_type *a, const struct dc_type *b);
/* Is the cast (to)from legal?  0 or -1 with D_CAST_INVAL. */
int dc_type__cast_check(const struct dc_type *to, const struct dc_type *from,
			struct dc_terr *err);
/* Pointer arithmetic ptr +/- int: scale (pointee size; 1 for string);
   0, DC_SYMBOLIC (pointee symbolic: scale is a link-time sizeof), or -1
   with D_OP_VFPTR (void/function pointer) / D_OP_PTR (not a pointer). */
int dc_type__ptr_scale(const struct dc_typesys *ts, const struct dc_type *ptr,
		       uint64_t *scale, struct dc_terr *err);
/* The D type of a pointer difference (ptrdiff_t) or NULL + D_OP_INCOMPAT. */
const struct dc_type *dc_type__ptr_diff(const struct dc_typesys *ts,
					const struct dc_type *a,
					const struct dc_type *b,
					struct dc_terr *err);

/* stringof e: 0 for scalars, pointers and string-compatible types (and
   symbolic members), else -1 with D_STRINGOF_TYPE. */
int dc_type__stringof_check(const struct dc_type *t, struct dc_terr *err);

/* The DIF type record (struct dif_type of include/dif/dif.h) the code
   generator stores for a value of type t: kind CTF or STRING, the CTF
   kind, DIF_TF_BYREF / DIF_TF_BYUREF (userland by-ref), and the size
   (0 for void; 8 for pointers and symbolic members, whose register value
   is 8 bytes; a symbolic by-ref type has size 0 = resolved at link). */
struct dif_type;
void dc_type__dif_type(const struct dc_typesys *ts, const struct dc_type *t,
		       struct dif_type *out);

/* Type to text: "int", "struct foo *", "char [16]", "int (*)(int)".
   Returns the length it needs (like snprintf). */
size_t dc_type__name(const struct dc_type *t, char *buf, size_t n);
/* Parse a type name ("unsigned long *", "struct foo [4]",
   "`kernel`struct proc *", "int (*)(int, char *)").  NULL with
   D_TYPE_ERR / D_SYNTAX / D_DECL_* on error. */
const struct dc_type *dc_typesys__parse(struct dc_typesys *ts,
					const char *text, size_t len,
					struct dc_terr *err);

/* ------------------------------------------------------------------ */
/* Built-in identifiers                                                */

#define DC_BV_ARRAY	0x1u	/* indexed: args[], uregs[] */
#define DC_BV_FREEBSD	0x2u	/* only on FreeBSD-like targets */
#define DC_BV_ILLUMOS	0x4u
#define DC_BV_NOD	0x8u	/* no D name (regs): not found by lookup */

struct dc_builtin_var {
	const char		*name;
	uint16_t		id;	/* DIF_VAR_* */
	uint32_t		flags;	/* DC_BV_* */
	const struct dc_type	*type;	/* element type for arrays */
};
/* Built-in variable by D name (NULL if none).  `self`/`this` are not
   variables; macro variables ($pid...) are the parser's. */
const struct dc_builtin_var *dc_typesys__builtin_var(struct dc_typesys *ts,
						     const char *name);

enum dc_func_class { DC_FN_SUBR = 1, DC_FN_ACTION, DC_FN_AGG };

/* How an argument of a built-in function is checked. */
enum dc_farg_kind {
	DC_FA_TYPE = 1,	/* assignable to `type` */
	DC_FA_ANY,	/* "@": any non-void value */
	DC_FA_SCALAR,	/* integer or pointer */
	DC_FA_INT,	/* any integer */
	DC_FA_PTR,	/* any pointer or integer (an address) */
	DC_FA_STRCONST,	/* a string constant (printf formats) */
	DC_FA_AGG,	/* an aggregation (@a) */
	DC_FA_INTCONST	/* an integer constant */
};
struct dc_farg {
	enum dc_farg_kind	kind;
	const struct dc_type	*type;	/* DC_FA_TYPE */
	const char		*name;	/* for messages */
};
struct dc_func {
	const char		*name;
	enum dc_func_class	cls;
	uint16_t		id;	/* DIF_SUBR_*, DIF_LIBACT_*, or the
					   aggregating DIF_ACT_* kind */
	const struct dc_type	*ret;	/* void for actions and aggregations */
	uint8_t			nreq;	/* required arguments */
	uint8_t			nargs;	/* listed arguments (required+optional) */
	bool			varargs;/* more after the listed ones */
	uint32_t		flags;	/* DC_BV_FREEBSD / DC_BV_ILLUMOS */
	const struct dc_farg	*args;
};
/* Subroutine, action or aggregating function by name ("func" and "ufunc"
   are the sym/usym actions).  NULL if none. */
const struct dc_func *dc_typesys__builtin_func(struct dc_typesys *ts,
					       const char *name);

/* One actual argument. */
struct dc_arg {
	const struct dc_type	*type;
	bool			is_const;	/* integer constant expression */
	int64_t			value;		/* when is_const */
	bool			is_strconst;	/* string literal */
	bool			is_agg;		/* @aggregation */
};
/* Check a call: 0, or -1 with D_PROTO_LEN (count) or D_PROTO_ARG (err->argno
   is the 1-based offending argument). */
int dc_func__check_args(const struct dc_func *fn, const struct dc_arg *args,
			size_t nargs, struct dc_terr *err);

#endif /* DC_TYPES_H */
