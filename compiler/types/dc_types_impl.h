/*
 * dc_types_impl.h -- internals shared by the dctypes sources (not public).
 *
 * The type system owns one arena (a list of chunks, freed together) and a
 * handful of string-keyed hash maps (the scopes).  Map keys and values live
 * in the arena; maps only grow.  Iteration order is never used for output,
 * so output stays deterministic.
 */
#ifndef DC_TYPES_IMPL_H
#define DC_TYPES_IMPL_H

#include "dc_types.h"

struct dc_arena_chunk;

struct dc_arena {
	struct dc_arena_chunk	*head;
	size_t			used, cap;
};

/* An open-addressing string -> pointer map. */
struct dc_hmap_ent {
	const char	*key;
	void		*val;
};
struct dc_hmap {
	struct dc_hmap_ent	*ents;
	size_t			cap, len;
};

/* An enumerator as the scope stores it. */
struct dc_enumref {
	const struct dc_type	*type;
	int64_t			value;
};

struct dc_typesys {
	struct dc_arena		arena;
	uint32_t		strsize;
	enum dc_target_os	os;
	uint32_t		next_id;
	bool			oom;
	const struct dc_type	*wk[DC_WK_COUNT];
	struct dc_hmap		strings;	/* interned strings */
	struct dc_hmap		typenames;	/* intrinsic + D + program typedefs */
	struct dc_hmap		intrinsics;	/* names that are C/D built-ins */
	struct dc_hmap		tags;		/* "struct x", "union x", "enum x" */
	struct dc_hmap		enumerators;	/* name -> dc_enumref */
	struct dc_hmap		modscoped;	/* "mod`name" -> symbolic type */
	struct dc_hmap		derived;	/* cache of pointer/qual nodes */
	struct dc_hmap		builtins;	/* name -> dc_builtin_var */
	struct dc_hmap		funcs;		/* name -> dc_func */
	bool			builtins_ready;
};

void *dc_arena_alloc(struct dc_arena *a, size_t n);
void dc_arena_free(struct dc_arena *a);

void *dc_hmap_get(const struct dc_hmap *m, const char *key);
/* 0, or -1 on allocation failure.  Replaces an existing value. */
int dc_hmap_put(struct dc_typesys *ts, struct dc_hmap *m, const char *key,
		void *val);

/* Interned copy of s (or of s[0..len)). */
const char *dc_intern(struct dc_typesys *ts, const char *s);
const char *dc_intern_n(struct dc_typesys *ts, const char *s, size_t len);
/* Interned concatenation of up to three strings (NULLs skipped). */
const char *dc_intern3(struct dc_typesys *ts, const char *a, const char *b,
		       const char *c);

/* A fresh zeroed node with the next id (NULL on OOM; ts->oom set). */
struct dc_type *dc_type_new(struct dc_typesys *ts, enum dc_tkind kind);

/* Fill an error and return -1. */
int dc_terr_set(struct dc_terr *err, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Install the built-in variable and function tables (dc_builtins.c). */
int dc_builtins_init(struct dc_typesys *ts);

/* Lay out a completed struct/union (dc_layout.c). */
void dc_layout_sou(struct dc_type *sou);

/* Symbolic member node: root + path (dc_tyops.c). */
const struct dc_type *dc_extmember(struct dc_typesys *ts,
				   const struct dc_type *root,
				   const char *path);

/* dc_type.flags bit private to the library: definition in progress. */
#define DC_TF_DEFINING	0x8000u

/* Find member `name` of a struct/union, descending into anonymous members;
   offset_bits accumulates.  false if absent. */
bool dc_find_member(const struct dc_type *sou, const char *name,
		    uint64_t *offset_bits, const struct dc_member **m);

/* Single word or module-scoped name lookup (dc_types.c). */
const struct dc_type *dc_lookup_word(struct dc_typesys *ts, const char *word);

#define DC_ALIGN_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

#endif /* DC_TYPES_IMPL_H */
