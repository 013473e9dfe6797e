/*
 * dasm_hash.c — see dasm_hash.h.  Linear probing, kept at most half full.
 */
#include <errno.h>
#include <stdlib.h>

#include "dasm_hash.h"

uint64_t dasm_hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ull;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

uint64_t dasm_hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return v;
}

long dasm_hidx_find(const struct dasm_hidx *h, uint64_t hash, dasm_eq_fn eq,
    const void *ctx, const void *key)
{
	if (h->cap == 0)
		return -1;
	for (uint32_t i = (uint32_t)hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		uint32_t s = h->slots[i];

		if (s == 0)
			return -1;
		if (eq(ctx, s - 1, key))
			return (long)(s - 1);
	}
}

static void place(uint32_t *slots, uint32_t cap, uint64_t hash, uint32_t idx)
{
	uint32_t i = (uint32_t)hash & (cap - 1);

	while (slots[i] != 0)
		i = (i + 1) & (cap - 1);
	slots[i] = idx + 1;
}

int dasm_hidx_add(struct dasm_hidx *h, uint64_t hash, uint32_t idx,
    dasm_hash_fn rehash, const void *ctx)
{
	if ((h->n + 1) * 2 > h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 64;
		uint32_t *slots;

		if (cap == 0 || (slots = calloc(cap, sizeof(*slots))) == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i < h->cap; i++)
			if (h->slots[i] != 0)
				place(slots, cap, rehash(ctx, h->slots[i] - 1), h->slots[i] - 1);
		free(h->slots);
		h->slots = slots;
		h->cap = cap;
	}
	place(h->slots, h->cap, hash, idx);
	h->n++;
	return 0;
}

void dasm_hidx_free(struct dasm_hidx *h)
{
	free(h->slots);
	h->slots = NULL;
	h->cap = h->n = 0;
}
