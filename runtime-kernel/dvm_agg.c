/*
 * dvm_agg.c — aggregations in probe context.
 *
 * Theory.  The aggregation arena is one byte array sized at enable time
 * (aggsize).  An entry is a struct dvm_aggent, the serialised key (padded
 * to 8 bytes) and the function's value words; entries are chained in a
 * power-of-two bucket table by an FNV-1a hash of (id, key).  Offset 0 of
 * the arena is never an entry, so 0 ends a chain.  A new key that does not
 * fit is a counted drop (aggdrops), never a fault.  The consumer drains
 * the arena into its own store and calls dvm_agg__reset, the way DTrace's
 * consumer snapshots and clears the kernel's aggregation buffers.
 *
 * Value words per function: count/sum/min/max one word; avg count and
 * sum; stddev count, sum and a 128-bit sum of squares; quantize 127
 * power-of-two buckets (63 is zero); lquantize and llquantize the encoded
 * argument word then their buckets.  The consumer (dcons) agrees on this.
 * Freestanding.
 */
#include "dvm_engine.h"

#define ZEROBUCKET	63

static struct dvm_aggent *agg_at(const struct dvm_engine *eng, uint32_t off)
{
	return (struct dvm_aggent *)(eng->aggmem + off);
}

int64_t *dvm_aggent__words(struct dvm_aggent *a)
{
	return (int64_t *)((uint8_t *)(a + 1) + ((a->keylen + 7) & ~7u));
}

void dvm_agg__reset(struct dvm_engine *eng)
{
	eng->aggused = 8;
	__builtin_memset(eng->aggbuckets, 0, eng->naggbuckets * sizeof(uint32_t));
}

/* Positive v: 64 + floor(log2 v); negative: 62 - floor(log2 |v|). */
int dvm_agg__quantize_bucket(int64_t v)
{
	uint64_t mag;

	if (v == 0)
		return ZEROBUCKET;
	if (v > 0)
		return 64 + (63 - __builtin_clzll((uint64_t)v));
	mag = (uint64_t)0 - (uint64_t)v;
	if (mag >> 62)			/* -2^62 and below share bucket 0 */
		return 0;
	return 62 - (63 - __builtin_clzll(mag));
}

/* lquantize: bucket 0 below base, levels+1 at or above the top. */
static int lq_index(uint64_t arg, int64_t v)
{
	int32_t base = (int32_t)(uint32_t)arg;
	uint16_t levels = (uint16_t)(arg >> 32), step = (uint16_t)(arg >> 48);

	if (v < base)
		return 0;
	if (v >= (int64_t)base + (int64_t)levels * step)
		return levels + 1;
	return 1 + (int)((v - base) / step);
}

/*
 * llquantize (arg: factor<<48 | low<<32 | high<<16 | nsteps, validated at
 * enable): below factor^low is bucket 0; the magnitude factor^o ..
 * factor^(o+1) has min(factor^(o+1), nsteps) linear steps, less the ones
 * the previous magnitude already covers; the rest is the last bucket.
 */
static int llq_index(uint64_t arg, int64_t v)
{
	uint16_t factor = (uint16_t)(arg >> 48), low = (uint16_t)(arg >> 32);
	uint16_t high = (uint16_t)(arg >> 16), nsteps = (uint16_t)arg;
	int64_t lo = 1, hi;
	int bucket = 1;

	for (uint32_t o = 0; o < low; o++)
		lo *= factor;
	if (v < lo)
		return 0;
	for (uint32_t o = low; o <= high; o++) {
		int64_t n;

		hi = lo > INT64_MAX / factor ? INT64_MAX : lo * factor;
		n = hi > nsteps ? nsteps : hi;
		if (v < hi)
			return bucket + (int)((v - lo) / (hi / n));
		bucket += (int)(n - n / factor);
		lo = hi;
	}
	return bucket;
}

static struct dvm_aggent *lookup(struct dvm_engine *eng,
    const struct dvm_aggvar *av, const uint8_t *key, uint32_t keylen)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ av->id;
	uint32_t *link, off;
	struct dvm_aggent *a = 0;
	int64_t *w;
	uint64_t need;

	for (uint32_t i = 0; i < keylen; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	link = &eng->aggbuckets[h & (eng->naggbuckets - 1)];
	for (off = *link; off != 0; off = a->next) {
		a = agg_at(eng, off);
		if (a->hash == h && a->id == av->id && a->keylen == keylen &&
		    __builtin_memcmp(a + 1, key, keylen) == 0)
			return a;
	}
	need = sizeof(*a) + ((keylen + 7) & ~7u) + 8ULL * av->nwords;
	if (need > eng->aggsize - eng->aggused) {
		eng->aggdrops++;
		return 0;
	}
	off = (uint32_t)eng->aggused;
	eng->aggused += need;
	a = agg_at(eng, off);
	a->id = av->id;
	a->keylen = keylen;
	a->nwords = av->nwords;
	a->hash = h;
	__builtin_memcpy(a + 1, key, keylen);
	w = dvm_aggent__words(a);
	__builtin_memset(w, 0, 8ULL * av->nwords);
	if (av->func == DIF_ACT_MIN)
		w[0] = INT64_MAX;
	else if (av->func == DIF_ACT_MAX)
		w[0] = INT64_MIN;
	else if (av->func == DIF_ACT_LQUANTIZE || av->func == DIF_ACT_LLQUANTIZE)
		w[0] = (int64_t)av->arg;
	a->next = *link;
	*link = off;
	return a;
}

void dvm_agg__apply(struct dvm_engine *eng, const struct dvm_aggvar *av,
    const uint8_t *key, uint32_t keylen, int64_t v, int64_t incr)
{
	struct dvm_aggent *a = lookup(eng, av, key, keylen);
	int64_t *w;

	if (a == 0)
		return;
	w = dvm_aggent__words(a);
	switch (av->func) {
	case DIF_ACT_COUNT:	w[0]++; break;
	case DIF_ACT_SUM:	w[0] = (int64_t)((uint64_t)w[0] + (uint64_t)v); break;
	case DIF_ACT_MIN:	if (v < w[0]) w[0] = v; break;
	case DIF_ACT_MAX:	if (v > w[0]) w[0] = v; break;
	case DIF_ACT_AVG:
		w[0]++;
		w[1] = (int64_t)((uint64_t)w[1] + (uint64_t)v);
		break;
	case DIF_ACT_STDDEV: {
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		unsigned __int128 cur;

		w[0]++;
		w[1] = (int64_t)((uint64_t)w[1] + (uint64_t)v);
		cur = ((unsigned __int128)(uint64_t)w[3] << 64) | (uint64_t)w[2];
		cur += (unsigned __int128)mag * mag;
		w[2] = (int64_t)(uint64_t)cur;
		w[3] = (int64_t)(uint64_t)(cur >> 64);
		break;
	}
	case DIF_ACT_QUANTIZE:
		w[dvm_agg__quantize_bucket(v)] += incr;
		break;
	case DIF_ACT_LQUANTIZE:
		w[1 + lq_index(av->arg, v)] += incr;
		break;
	default:	/* llquantize */
		w[1 + llq_index(av->arg, v)] += incr;
		break;
	}
}
