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

struct dc_tys_chunk;

struct dc_tys_arena {
	struct dc_tys_chunk	*head;
	size_t			used, cap;
};

/* An open-addressing string -> pointer map. */
struct dc_tys_ment {
	const char	*key;
	void		*val;
};
struct dc_tys_map {
	struct dc_tys_ment	*ents;
	size_t			cap, len;
};

/* An enumerator as the scope stores it. */
struct dc_tys_enumref {
	const struct dc_type	*type;
	int64_t			value;
};

struct dc_typesys {
	struct dc_tys_arena		arena;
	uint32_t		strsize;
	enum dc_target_os	os;
	uint32_t		next_id;
	bool			oom;
	const struct dc_type	*wk[DC_WK_COUNT];
	struct dc_tys_map		strings;	/* interned strings */
	struct dc_tys_map		typenames;	/* intrinsic + D + program typedefs */
	struct dc_tys_map		intrinsics;	/* names that are C/D built-ins */
	struct dc_tys_map		tags;		/* "struct x", "union x", "enum x" */
	struct dc_tys_map		enumerators;	/* name -> dc_enumref */
	struct dc_tys_map		modscoped;	/* "mod`name" -> symbolic type */
	struct dc_tys_map		derived;	/* cache of pointer/qual nodes */
	struct dc_tys_map		builtins;	/* name -> dc_builtin_var */
	struct dc_tys_map		funcs;		/* name -> dc_func */
	bool			builtins_ready;
};

void *dc_tys_alloc_raw(struct dc_tys_arena *a, size_t n);
void dc_tys_arena_free(struct dc_tys_arena *a);

void *dc_tys_map_get(const struct dc_tys_map *m, const char *key);
/* 0, or -1 on allocation failure.  Replaces an existing value. */
int dc_tys_map_put(struct dc_typesys *ts, struct dc_tys_map *m, const char *key,
		void *val);

/* Interned copy of s (or of s[0..len)). */
const char *dc_tys_intern(struct dc_typesys *ts, const char *s);
const char *dc_tys_intern_n(struct dc_typesys *ts, const char *s, size_t len);
/* Interned concatenation of up to three strings (NULLs skipped). */
const char *dc_tys_intern3(struct dc_typesys *ts, const char *a, const char *b,
		       const char *c);

/* A fresh zeroed node with the next id (NULL on OOM; ts->oom set). */
struct dc_type *dc_tys_node(struct dc_typesys *ts, enum dc_tkind kind);

/* Fill an error and return -1. */
int dc_tys_err(struct dc_terr *err, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Install the built-in variable and function tables (dc_builtins.c). */
int dc_tys_builtins_init(struct dc_typesys *ts);

/* Lay out a completed struct/union (dc_layout.c). */
void dc_tys_layout(struct dc_type *sou);

/* Symbolic member node: root + path (dc_tyops.c). */
const struct dc_type *dc_tys_extmember(struct dc_typesys *ts,
				   const struct dc_type *root,
				   const char *path);

/* dc_type.flags bit private to the library: definition in progress. */
#define DC_TF_DEFINING	0x8000u

/* Find member `name` of a struct/union, descending into anonymous members;
   offset_bits accumulates.  false if absent. */
bool dc_tys_find_member(const struct dc_type *sou, const char *name,
		    uint64_t *offset_bits, const struct dc_tmember **m);

/* Single word or module-scoped name lookup (dc_types.c). */
const struct dc_type *dc_tys_lookup_word(struct dc_typesys *ts, const char *word);

#define DC_ALIGN_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

#endif /* DC_TYPES_IMPL_H */
