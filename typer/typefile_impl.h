/*
 * typefile_impl.h — the inside of struct typ_file, shared by typer/typefile*.c.
 * Not installed, not for other components: they use typ_typefile.h.
 */
#ifndef TYPEFILE_IMPL_H
#define TYPEFILE_IMPL_H

#include <stdarg.h>

#include <bpf/btf.h>

#include "typ_typefile.h"

/* Longest chain of typedefs/qualifiers/arrays/anonymous members we follow;
 * deeper means a malformed (cyclic) file. */
#define TYP_MAX_DEPTH 64
/* Most types one recursive query may visit: a hostile file can make a
 * depth-bounded walk branch exponentially (a struct with many anonymous
 * members of one type that does the same, 64 levels deep). */
#define TYP_MAX_STEPS 100000

/* A derived type a lookup needed but the file did not have. */
struct typ_syn {
	enum typ_kind kind;	/* TYP_INT, TYP_PTR, TYP_ARRAY, TYP_CONST, ... */
	typ_id_t ref;
	uint32_t nelems;
	const char *name;	/* TYP_INT only: static canonical name */
	uint8_t size;		/* TYP_INT only */
	bool is_signed;
};

/* Open-addressing slot: hash 0 marks an empty slot (hashes are forced odd). */
struct typ_slot {
	uint32_t hash;
	typ_id_t id;
};

struct typ_table {
	struct typ_slot *slots;
	uint32_t mask;		/* capacity - 1; capacity is a power of two */
	uint32_t used;
};

/*
 * The name index: entries grouped by the top `bits` bits of their hash
 * (bucket b holds ent[start[b] .. start[b+1]-1], in id order).  Built with
 * one counting pass and one scatter, which touches far less memory at
 * random than inserting into an open-addressing table.
 */
struct typ_index {
	uint32_t *start;	/* (1 << bits) + 1 offsets */
	struct typ_slot *ent;
	uint32_t bits;
};

struct typ_file {
	char *path;
	uint32_t n;			/* BTF ids 0 .. n-1 */
	uint8_t ptr_size;
	const uint8_t *types;		/* type section, native byte order, id order */
	uint32_t *offs;			/* offs[id]: byte offset of record id in types */
	const char *strs;		/* string section (starts and ends with NUL) */
	uint32_t str_len;
	uint8_t *rec_state;		/* per id: REC_* (lazy check of member lists) */
	struct typ_index names;		/* (ns, name) -> ids, built at open */
	struct typ_table derived;	/* (kind, ref, nelems) -> id, built lazily */
	bool derived_built;
	struct typ_syn *syn;		/* ids n .. n+nsyn-1 */
	uint32_t nsyn, csyn;
	/* The bytes: the whole BTF blob (raw .. raw+raw_len), held either as a
	 * kept read-only mapping (sysfs) or a malloc'd copy. */
	const uint8_t *raw;
	uint32_t raw_len;
	void *map;
	size_t map_len;
	uint8_t *own;
	uint8_t *own_types;		/* aligned copy of a misaligned type section */
	/* libbpf's object: made at open for a foreign-endian file (libbpf
	 * swaps it), otherwise on the first typ_file__btf(). */
	struct btf *btf;
};

/* rec_state values: a record's member/enumerator/parameter/section list is
 * checked (every id < n, every name offset inside the strings) on first use. */
enum { REC_UNCHECKED, REC_GOOD, REC_BAD };

/* A name by string offset; "" when out of range (never, once checked). */
static inline const char *typ_str(const struct typ_file *tf, uint32_t off)
{
	return off < tf->str_len ? tf->strs + off : "";
}

/* typefile.c */
void typ_errf(struct typ_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct btf_type *typ_btf_type(const struct typ_file *tf, typ_id_t id);
/* True when id's list entries (members, enumerators, parameters, section
 * variables) are all in bounds; checked once per id, then remembered. */
bool typ_record_ok(const struct typ_file *tf, typ_id_t id);
bool typ_valid_id(const struct typ_file *tf, typ_id_t id);
enum typ_kind typ_kind_of(const struct typ_file *tf, typ_id_t id);
uint32_t typ_hash_name(enum typ_ns ns, const char *name);
int typ_ns_of(const struct typ_file *tf, typ_id_t id, const char **name, char *canon,
	      size_t canon_len);
int typ_ns_of_type(const struct typ_file *tf, const struct btf_type *t, const char **name,
		   char *canon, size_t canon_len);
/* "long unsigned int" -> "unsigned long"; returns false if not C int words. */
bool typ_canon_int(const char *words, char *out, size_t len, uint8_t *size, bool *is_signed);

/* typefile_lookup.c */
int typ_build_derived(struct typ_file *tf);

#endif /* TYPEFILE_IMPL_H */
