/*
 * typ_typefile.h — typefiles: the target type model that the typer and the
 * linker resolve D programs against.
 *
 * A typefile is BTF describing one guest kernel: a raw BTF blob (what
 * /sys/kernel/btf/vmlinux holds, or `pahole --btf_encode_detached`
 * writes), or an ELF file with a .BTF section (`gcc -gbtf -c`,
 * `pahole -J`).  typ_file__open() maps or reads it once, checks the header
 * and every type record's fixed part (names and the ids it names directly),
 * and builds a name index in the same pass; the variable-length lists of a
 * type (members, enumerators, parameters) are checked the first time that
 * type is used, and a bad list makes its accessors return -EBADMSG.  Every
 * query after open is a hash lookup or a walk over one type's members.
 * See docs/typefiles.md.
 *
 * Type ids: 0 is void; 1 .. typ_file__type_count()-1 are the file's own
 * BTF ids; ids above that are "synthetic" derived types (pointer to T,
 * array of T, const T) that a lookup needed but the file lacked.  They
 * behave like any other id and are written out by typ_file__write_min().
 *
 * Errors: functions return 0 (or an id / size >= 0) or -errno, and fill
 * the caller's struct typ_err (may be NULL) with a one-line message.
 * Nothing here prints or exits.  A struct typ_file is not thread-safe
 * while synthetic types are being added; reads are otherwise pure.
 */
#ifndef TYP_TYPEFILE_H
#define TYP_TYPEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;
struct typ_file;

typedef uint32_t typ_id_t;

#define TYP_ERR_MAX 512
struct typ_err {
	char msg[TYP_ERR_MAX];
};

enum typ_kind {
	TYP_VOID,
	TYP_INT,		/* incl. char and _Bool */
	TYP_FLOAT,
	TYP_PTR,
	TYP_ARRAY,
	TYP_STRUCT,
	TYP_UNION,
	TYP_ENUM,		/* 32- or 64-bit values */
	TYP_FWD,		/* struct or union declared, not defined */
	TYP_TYPEDEF,
	TYP_CONST,
	TYP_VOLATILE,
	TYP_RESTRICT,
	TYP_FUNC,		/* a named function; ref is its prototype */
	TYP_FUNC_PROTO,
	TYP_VAR,		/* a global variable; ref is its type */
	TYP_OTHER,		/* datasec, decl/type tags: kept, not modelled */
};

/* One type, decoded.  Strings point into the typefile and live as long as it. */
struct typ_info {
	enum typ_kind kind;
	const char *name;	/* "" when anonymous */
	typ_id_t ref;		/* pointee, element, target, return type, 0 else */
	uint32_t vlen;		/* members, enumerators, parameters */
	uint64_t size;		/* bytes for int/float/struct/union/enum, else 0 */
	uint32_t nelems;	/* arrays */
	uint16_t int_bits;	/* ints: value bits (a bit-field int may be < 8*size) */
	uint8_t int_bit_offset;
	bool is_signed;		/* ints and enums */
	bool is_char;		/* int named char / signed char / unsigned char */
	bool is_bool;
	bool fwd_is_union;
	bool is_synthetic;	/* derived type added by a lookup */
};

struct typ_member {
	const char *name;	/* "" for an anonymous struct/union member */
	typ_id_t type;
	uint64_t bit_offset;	/* from the start of the enclosing struct */
	uint32_t bitfield_size;	/* 0 when not a bit-field */
};

struct typ_enumerator {
	const char *name;
	int64_t value;		/* as signed; reinterpret for unsigned enums */
};

struct typ_param {
	const char *name;	/* "" when unnamed; a type of 0 with name "" is "..." */
	typ_id_t type;
};

/* How a value of a type is fetched into a 64-bit register. */
enum typ_load_kind {
	TYP_LOAD_NONE,		/* void, function, incomplete: no value */
	TYP_LOAD_U8, TYP_LOAD_S8,
	TYP_LOAD_U16, TYP_LOAD_S16,
	TYP_LOAD_U32, TYP_LOAD_S32,
	TYP_LOAD_U64, TYP_LOAD_S64,
	TYP_LOAD_BYREF,		/* array, struct, union, float > 8: an address */
};

struct typ_load {
	enum typ_load_kind kind;
	uint8_t size;		/* bytes for scalar loads, 0 otherwise */
	bool is_signed;
};

/* Result of walking a member path "a.b[2].c" from a struct or union. */
struct typ_access {
	typ_id_t root;		/* the struct/union bit_offset counts from (resolved): the
				 * path's start, or the pointee of its last "->" */
	typ_id_t type;		/* declared type of the last member */
	uint64_t bit_offset;	/* from the start of root */
	uint32_t bitfield_size;	/* 0 unless the last member is a bit-field */
	struct typ_load load;	/* for a bit-field: the declared int's load */
	uint64_t size;		/* bytes of the member (0 for bit-fields) */
};

enum typ_ns {			/* name spaces of the index */
	TYP_NS_ORDINARY,	/* typedefs, base types */
	TYP_NS_STRUCT,
	TYP_NS_UNION,
	TYP_NS_ENUM,
	TYP_NS_FWD,		/* forward declarations (struct or union) */
	TYP_NS_FUNC,
	TYP_NS_VAR,
	TYP_NS_COUNT,
};

/* --- Opening --------------------------------------------------------- */

/* Open raw BTF, an ELF file with .BTF, or /sys/kernel/btf/vmlinux. */
int typ_file__open(const char *path, struct typ_file **out, struct typ_err *err);
/* The same from bytes in memory; name is used in messages only. */
int typ_file__open_mem(const void *data, size_t size, const char *name,
		       struct typ_file **out, struct typ_err *err);
void typ_file__free(struct typ_file *tf);

const char *typ_file__path(const struct typ_file *tf);
/* Number of BTF ids (void included); synthetic ids start here. */
uint32_t typ_file__type_count(const struct typ_file *tf);
/*
 * The underlying libbpf object, for readers that need raw BTF (read-only).
 * Built on the first call (not thread-safe then); NULL if libbpf fails.
 */
const struct btf *typ_file__btf(const struct typ_file *tf);

/* --- One type -------------------------------------------------------- */

int typ_file__info(const struct typ_file *tf, typ_id_t id, struct typ_info *out);
int typ_file__member(const struct typ_file *tf, typ_id_t id, uint32_t i,
		     struct typ_member *out);
int typ_file__enumerator(const struct typ_file *tf, typ_id_t id, uint32_t i,
			 struct typ_enumerator *out);
int typ_file__param(const struct typ_file *tf, typ_id_t id, uint32_t i,
		    struct typ_param *out);

/* Strip typedefs and qualifiers; returns the id (>= 0) or -errno. */
int64_t typ_file__resolve(const struct typ_file *tf, typ_id_t id);
/* Size in bytes, or -EINVAL for void/functions/forward declarations. */
int64_t typ_file__size(const struct typ_file *tf, typ_id_t id);
int64_t typ_file__align(const struct typ_file *tf, typ_id_t id);
int typ_file__load_kind(const struct typ_file *tf, typ_id_t id, struct typ_load *out);

/* C spelling: "struct proc *", "char [16]", "int (*)(void *)". */
int typ_file__to_string(const struct typ_file *tf, typ_id_t id, char *buf, size_t len);

/* --- Lookups --------------------------------------------------------- */

/* All ids with this (name space, name), in id order.  Returns how many
 * exist (may exceed cap; only cap are stored). */
int typ_file__find(const struct typ_file *tf, enum typ_ns ns, const char *name,
		   typ_id_t *ids, int cap);
/* A C type name: "struct thread", "unsigned int", "pid_t", "struct proc *",
 * "const char *", "char [16]".  May add synthetic derived types. */
int64_t typ_file__lookup(struct typ_file *tf, const char *cname, struct typ_err *err);
/* What `type_exists(cname, path)` is on this target (docs/linker.md §2.0):
 * 1 when the type is found and, with a non-empty path, some definition of
 * the struct/union tag has that member path; else 0.  Never an error. */
int typ_file__type_exists(struct typ_file *tf, const char *cname, const char *path);
/* Derived types, found in the file or synthesised. */
int64_t typ_file__pointer_to(struct typ_file *tf, typ_id_t id);
int64_t typ_file__array_of(struct typ_file *tf, typ_id_t id, uint32_t nelems);

/* Walk "a.b.c" (also "a[3].b", and "a->b" through a pointer member) from id
 * (typedefs/qualifiers followed), through anonymous struct/union members. */
int typ_file__member_path(const struct typ_file *tf, typ_id_t id, const char *path,
			  struct typ_access *out, struct typ_err *err);

/* The closest name by edit distance (NULL when nothing is close). */
const char *typ_file__near_member(const struct typ_file *tf, typ_id_t id, const char *name);
const char *typ_file__near_name(const struct typ_file *tf, enum typ_ns ns, const char *name);

/* --- Minimisation ---------------------------------------------------- */

struct typ_min_opts {
	/* false: a struct/union reached only through a pointer is written as
	 * a forward declaration; true: its full definition is kept. */
	bool follow_pointers;
};

/* Raw BTF holding ids and their dependencies; *data is malloc'd. */
int typ_file__min_btf(struct typ_file *tf, const typ_id_t *ids, size_t n,
		      const struct typ_min_opts *opts, void **data, size_t *size,
		      struct typ_err *err);
/* The same, written atomically to path. */
int typ_file__write_min(struct typ_file *tf, const typ_id_t *ids, size_t n,
			const struct typ_min_opts *opts, const char *path,
			struct typ_err *err);

/* --- Target profile -------------------------------------------------- */

enum typ_os { TYP_OS_UNKNOWN, TYP_OS_FREEBSD, TYP_OS_LINUX };

enum typ_builtin_class {
	TYP_BUILTIN_CTYPE,	/* a C type of the typefile (ctype below) */
	TYP_BUILTIN_STRING,	/* a D string */
	TYP_BUILTIN_ARGS,	/* typed probe arguments (per probe) */
	TYP_BUILTIN_NONE,	/* not available on this target */
};

struct typ_builtin {
	const char *name;	/* D name: "curthread" */
	uint32_t var_id;	/* DIF_VAR_* */
	enum typ_builtin_class cls;
	const char *ctype;	/* "struct thread *" */
	const char *fallback;	/* used when ctype is missing ("int"), or NULL */
};

struct typ_profile {
	enum typ_os os;
	const char *name;	/* "freebsd", "linux" */
	const struct typ_builtin *builtins;
	size_t nbuiltins;
};

/* Guess the guest OS from the types present (struct thread vs task_struct). */
enum typ_os typ_profile__detect(const struct typ_file *tf);
const struct typ_profile *typ_profile__get(enum typ_os os);
/* "freebsd" / "linux" / "auto" (the last needs tf). */
int typ_profile__parse(const char *name, const struct typ_file *tf,
		       const struct typ_profile **out, struct typ_err *err);
const struct typ_builtin *typ_profile__builtin(const struct typ_profile *p, const char *name);
/* The type id of a TYP_BUILTIN_CTYPE variable in tf. */
int64_t typ_profile__builtin_type(const struct typ_profile *p, struct typ_file *tf,
				  const char *name, struct typ_err *err);

#endif /* TYP_TYPEFILE_H */
