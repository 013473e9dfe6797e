/*
 * dasm_hash.h — a small open-addressing index over an external array.
 *
 * The assembler looks names and values up while it appends them to growing
 * arrays (labels, integer and string tables, variable ids, DIFO names).
 * The index stores element indexes, not pointers, so the arrays may be
 * reallocated freely; callers supply the hash of an element and the
 * equality test against a key.  Keeps every lookup O(1) so that hostile
 * inputs with 10^5 labels or constants stay linear.
 */
#ifndef DASM_HASH_H
#define DASM_HASH_H

#include <stdbool.h>
#include <stdint.h>

struct dasm_hidx {
	uint32_t	*slots;		/* element index + 1; 0 = empty */
	uint32_t	cap;		/* power of two, or 0 */
	uint32_t	n;
};

typedef uint64_t (*dasm_hash_fn)(const void *ctx, uint32_t idx);
typedef bool (*dasm_eq_fn)(const void *ctx, uint32_t idx, const void *key);

/* The index of the element equal to key, or -1. */
long dasm_hidx_find(const struct dasm_hidx *h, uint64_t hash, dasm_eq_fn eq,
    const void *ctx, const void *key);
/* Index element idx (with this hash); 0 or -ENOMEM.  rehash hashes old ones. */
int dasm_hidx_add(struct dasm_hidx *h, uint64_t hash, uint32_t idx,
    dasm_hash_fn rehash, const void *ctx);
void dasm_hidx_free(struct dasm_hidx *h);

uint64_t dasm_hash_str(const char *s);
uint64_t dasm_hash_u64(uint64_t v);

#endif /* DASM_HASH_H */
