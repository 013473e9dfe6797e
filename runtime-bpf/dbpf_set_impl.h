/*
 * dbpf_set_impl.h — what the clause translator (dbpf_clause.c) and the set
 * (dbpf_set.c) share: map placeholders, aggregation shapes, the
 * log-linear bucket plan, and the translated clause program.
 */
#ifndef DBPF_SET_IMPL_H
#define DBPF_SET_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "dbpf_clause.h"

/*
 * ld_imm64 BPF_PSEUDO_MAP_FD immediates naming the set's maps; the loader
 * replaces each with the map's fd.
 */
#define DBPF_REF_BASE		0x7ff00000
#define DBPF_REF(r)		((uint32_t)(DBPF_REF_BASE | (r)))
#define DBPF_REF_SCRATCH	0	/* this program's per-CPU scratch */
#define DBPF_REF_RINGBUF	1
#define DBPF_REF_GVARS		2
#define DBPF_REF_TVARS		3
#define DBPF_REF_SPEC		4	/* ARRAY[nspec] of struct dbpf_specbuf */
#define DBPF_REF_STATE		5	/* ARRAY[1] of struct dbpf_state */

/* Set-wide state outside the ring buffer, so it cannot be dropped. */
struct dbpf_state {
	uint64_t	exited;		/* exit() ran */
	int64_t		status;		/* its argument (the first one) */
};
#define DBPF_REF_AGG0		16	/* + index in the set's aggregations */
#define DBPF_REF_VAR0		0x80000	/* + index in the set's variable maps */
#define DBPF_REF_MAX		0xfffff

#define DBPF_NGVARS		4096	/* global scalars: ids UBASE .. UBASE+4095 */
#define DBPF_MAXKEYS		16
#define DBPF_QUANTIZE_NBUCKETS	127
#define DBPF_QUANTIZE_ZEROBUCKET 63
#define DBPF_LLQ_MAXORDERS	64

/* A speculation buffer (value of the spec map; data is specsize bytes). */
#define DBPF_SPEC_INACTIVE	0
#define DBPF_SPEC_ACTIVE	1
#define DBPF_SPEC_MAX		16
struct dbpf_specbuf {
	uint64_t	state;
	uint64_t	head;		/* bytes reserved (may exceed specsize) */
	uint64_t	full;		/* where the first record that did not fit
					   began: data past it is not valid */
	/* uint8_t data[specsize]; */
};

/* One aggregation's map layout. */
struct dbpf_aggshape {
	uint32_t	id;
	uint16_t	func;
	uint64_t	arg;
	uint32_t	nkeys;
	uint32_t	keyw[DBPF_MAXKEYS];	/* bytes each key takes in the map key */
	bool		keystr[DBPF_MAXKEYS];
	uint32_t	keysize;		/* sum of keyw (8 when no keys) */
	uint32_t	nwords;			/* function words (kernel layout) */
	bool		hits;			/* a hidden update count precedes them */
	uint32_t	valsize;		/* 8 * (nwords + hits) */
};

/* A variable kept in its own map: a string, or an associative array. */
struct dbpf_varshape {
	uint32_t	id;
	uint8_t		scope;		/* DIFV_SCOPE_GLOBAL / _THREAD */
	bool		assoc;
	bool		string;		/* value: strsize + 1 bytes, else u64 */
	uint32_t	keysize;	/* 4: the global string's ARRAY index */
	uint32_t	valsize;
};

/* llquantize's buckets as constants: v < first -> 0, then per order. */
struct dbpf_llq {
	int64_t		first;
	struct {
		int64_t	this, last, div, base;
	}		order[DBPF_LLQ_MAXORDERS];
	uint32_t	norders;
	uint32_t	nbuckets;
};

int dbpf_llq_plan(uint64_t arg, struct dbpf_llq *q);
int dbpf_agg_shape(const struct dbpf_step *s, uint32_t strsize,
    struct dbpf_aggshape *sh, char *err, size_t errlen);

/* A translated clause program. */
struct dbpf_cprog {
	struct bpf_insn	*insn;
	int64_t		*pcmap;		/* DBPF_TAG(clause, step) | pc, or -1 */
	size_t		len;
	uint8_t		*image;		/* initial scratch value */
	uint32_t	image_size;	/* the scratch value's size */
};

int dbpf_clauses_translate(struct dbpf_set *set, const struct dbpf_attach *at,
    const struct dbpf_clause *cls, uint32_t n, struct dbpf_cprog *out,
    char *err, size_t errlen);

/* The set's side (dbpf_set.c). */
uint32_t dbpf_set_strsize(const struct dbpf_set *s);
uint32_t dbpf_set_error_epid(const struct dbpf_set *s);
uint32_t dbpf_set_nspec(const struct dbpf_set *s);
uint32_t dbpf_set_specsize(const struct dbpf_set *s);
/* The BTF id of kernel function `name` (a kfunc such as bpf_strstr), 0
 * without a kernel; -ENOTSUP + err when this kernel lacks it. */
int dbpf_set_kfunc(struct dbpf_set *s, const char *name, int32_t *id,
    char *err, size_t errlen);
/* CLOCK_REALTIME - CLOCK_MONOTONIC in ns when the set was made. */
uint64_t dbpf_set_wall_offset(const struct dbpf_set *s);
/*
 * The placeholder index (DBPF_REF_AGG0 + i) of aggregation sh->id, creating
 * its map on first use; -EINVAL when an earlier clause gave the same id
 * another shape.
 */
int dbpf_set_agg_ref(struct dbpf_set *s, const struct dbpf_aggshape *sh,
    char *err, size_t errlen);

/*
 * The placeholder index (DBPF_REF_VAR0 + i) of a variable's own map,
 * created on first use; -EINVAL when the same variable is used with
 * another key or value shape.
 */
int dbpf_set_var_ref(struct dbpf_set *s, const struct dbpf_varshape *vs,
    char *err, size_t errlen);

#endif /* DBPF_SET_IMPL_H */
