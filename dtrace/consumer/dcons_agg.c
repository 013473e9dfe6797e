/*
 * dcons_agg.c — the consumer-side aggregation store.
 *
 * Theory.  Each aggregation variable (@name) is declared once with its
 * function, its lquantize/llquantize encoding and the shape of its keys.
 * Entries are (key bytes, value words): the key is the concatenation of the
 * key members, each padded with NULs to its declared size, so two tuples are
 * equal exactly when their bytes are; the value words follow the kernel's
 * layout (include/dif/dif.h §aggregations) except that a quantization keeps
 * only its buckets (the encoding lives in the declaration).  Entries are
 * found through a per-variable chained hash of key bytes and kept in
 * insertion order; printing sorts a copy (dcons_aggprint.c).
 *
 * Data arrives two ways: dcons_aggstore__apply() runs the aggregating
 * function on one value (what a probe does), __merge() folds in a per-CPU
 * snapshot of an entry (what the consumer does at each aggrate).  normalize,
 * denormalize, trunc and clear act on a variable as the D actions do.
 * Ownership: the store owns every byte it holds; records passed in are
 * copied.  Read next: dcons_aggprint.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dcons_agg.h"

int dcons_quantize__bucket(int64_t v)
{
	int b;

	if (v == 0)
		return DCONS_QUANTIZE_ZEROBUCKET;
	if (v > 0) {
		/* the last bucket whose value (2^(b-64)) is <= v */
		for (b = 62; b >= 0; b--)
			if ((uint64_t)v >= (1ULL << b))
				return 64 + b;
		return DCONS_QUANTIZE_ZEROBUCKET;
	}
	/* the first bucket whose value -2^(62-b) is >= v */
	for (b = 0; b < 63; b++) {
		uint64_t mag = 1ULL << (62 - b);

		if ((uint64_t)0 - (uint64_t)v >= mag)
			return b;
	}
	return DCONS_QUANTIZE_ZEROBUCKET - 1;
}

int64_t dcons_quantize__value(int b)
{
	if (b < DCONS_QUANTIZE_ZEROBUCKET)
		return -(int64_t)(1ULL << (62 - b));
	if (b == DCONS_QUANTIZE_ZEROBUCKET)
		return 0;
	return (int64_t)(1ULL << (b - 64));
}

static void llq_decode(uint64_t arg, uint16_t *factor, uint16_t *low,
	uint16_t *high, uint16_t *nsteps)
{
	*factor = (uint16_t)(arg >> 48);
	*low = (uint16_t)(arg >> 32);
	*high = (uint16_t)(arg >> 16);
	*nsteps = (uint16_t)arg;
}

/* Reject encodings whose bucket walk would not terminate or overflow. */
static bool llq_valid(uint64_t arg)
{
	uint16_t factor, low, high, nsteps;
	uint64_t p = 1;

	llq_decode(arg, &factor, &low, &high, &nsteps);
	if (factor < 2 || nsteps < factor || nsteps % factor != 0 || low > high)
		return false;
	for (uint32_t i = 0; i <= (uint32_t)high; i++) {
		if (p > (uint64_t)INT64_MAX / factor)
			return false;
		p *= factor;
	}
	return true;
}

/*
 * The kernel's log-linear placement: below factor^low is bucket 0; each
 * order of magnitude o (factor^o .. factor^(o+1)) has min(factor^(o+1),
 * nsteps) steps minus those already below it; at or above factor^(high+1)
 * is the last bucket.
 */
int dcons_llquantize__bucket(uint64_t arg, int64_t v)
{
	uint16_t factor, low, high, nsteps;
	int64_t this = 1, last, next;
	int base = 1, order;

	llq_decode(arg, &factor, &low, &high, &nsteps);
	for (order = 0; order < low; order++)
		this *= factor;
	if (v < (last = this))
		return 0;
	for (this *= factor; order <= high; order++) {
		int nbuckets = this > nsteps ? nsteps : (int)this;

		if ((next = this * factor) < this)
			next = INT64_MAX;
		if (v < this)
			return base + (int)((v - last) / (this / nbuckets));
		base += nbuckets - (nbuckets / factor);
		last = this;
		this = next;
	}
	return base;
}

int dcons_llquantize__nbuckets(uint64_t arg)
{
	if (!llq_valid(arg))
		return -EINVAL;
	return dcons_llquantize__bucket(arg, INT64_MAX) + 1;
}

static int lq_levels(uint64_t arg)
{
	return (int)((arg >> 32) & 0xffff);
}

int dcons_agg__nwords(uint16_t func, uint64_t arg)
{
	switch (func) {
	case DIF_ACT_COUNT: case DIF_ACT_SUM: case DIF_ACT_MIN: case DIF_ACT_MAX:
		return 1;
	case DIF_ACT_AVG:
		return 2;
	case DIF_ACT_STDDEV:
		return 4;
	case DIF_ACT_QUANTIZE:
		return DCONS_QUANTIZE_NBUCKETS;
	case DIF_ACT_LQUANTIZE:
		if (lq_levels(arg) == 0 || (uint16_t)(arg >> 48) == 0)
			return -EINVAL;
		return lq_levels(arg) + 2;
	case DIF_ACT_LLQUANTIZE:
		return dcons_llquantize__nbuckets(arg);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------ 128-bit */

static void add128(int64_t *w, unsigned __int128 x)
{
	unsigned __int128 cur = ((unsigned __int128)(uint64_t)w[3] << 64) |
		(uint64_t)w[2];

	cur += x;
	w[2] = (int64_t)(uint64_t)cur;
	w[3] = (int64_t)(uint64_t)(cur >> 64);
}

int64_t dcons_agg__avg(const int64_t *w, uint64_t normal)
{
	if (w[0] == 0)
		return 0;
	if (normal == 0)
		normal = 1;
	return w[1] / (int64_t)normal / w[0];
}

/* floor(sqrt(x)) by bits, as DTrace's 128-bit square root. */
static uint64_t isqrt128(unsigned __int128 x)
{
	unsigned __int128 r = 0, bit = (unsigned __int128)1 << 126;

	while (bit > x)
		bit >>= 2;
	while (bit != 0) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return (uint64_t)r;
}

/*
 * sqrt(avg(x^2) - avg(x)^2) in unsigned 128-bit integers: the sum of
 * squares divided by normal twice and by the count, the average divided by
 * normal and the count (truncating, made non-negative) and squared.
 */
uint64_t dcons_agg__stddev(const int64_t *w, uint64_t normal)
{
	unsigned __int128 sq, avgsq, diff;
	int64_t avg;

	if (w[0] == 0)
		return 0;
	if (normal == 0)
		normal = 1;
	sq = ((unsigned __int128)(uint64_t)w[3] << 64) | (uint64_t)w[2];
	sq = sq / normal / normal / (uint64_t)w[0];
	avg = w[1] / (int64_t)normal / w[0];
	if (avg < 0)
		avg = -avg;
	avgsq = (unsigned __int128)(uint64_t)avg * (uint64_t)avg;
	diff = sq - avgsq;	/* wraps like DTrace's when rounding makes it negative */
	return isqrt128(diff);
}

/* ------------------------------------------------------------ store */

struct dcons_aggstore *dcons_aggstore__new(void)
{
	return calloc(1, sizeof(struct dcons_aggstore));
}

static void var_free(struct dcons_aggvar *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->ents[i].key);
		free(v->ents[i].words);
	}
	free(v->ents);
	free(v->hash);
	free(v->name);
}

void dcons_aggstore__free(struct dcons_aggstore *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		var_free(&s->vars[i]);
	free(s->vars);
	free(s);
}

struct dcons_aggvar *dcons_aggstore_find(const struct dcons_aggstore *s,
	uint32_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->vars[i].d.id == id)
			return &s->vars[i];
	return NULL;
}

static bool keydesc_ok(const struct dcons_keydesc *k)
{
	if (k->size == 0 || k->size > (1u << 20))
		return false;
	switch (k->action) {
	case DIF_ACT_NONE: case DIF_ACT_DIFEXPR:
		return true;
	case DIF_ACT_STACK: case DIF_ACT_USTACK: case DIF_ACT_JSTACK:
		return k->size % 8 == 0;
	case DIF_ACT_SYM: case DIF_ACT_MOD:
		return k->size == 8;
	case DIF_ACT_USYM: case DIF_ACT_UMOD: case DIF_ACT_UADDR:
		return k->size == 16;
	default:
		return false;
	}
}

int dcons_aggstore__declare(struct dcons_aggstore *s, const struct dcons_aggdesc *d)
{
	struct dcons_aggvar *v;
	size_t keylen = 0;
	int nw;

	if (d->nkeys > DCONS_AGG_MAXKEYS)
		return -EINVAL;
	nw = dcons_agg__nwords(d->func, d->arg);
	if (nw < 0)
		return nw;
	for (uint32_t i = 0; i < d->nkeys; i++) {
		if (!keydesc_ok(&d->keys[i]))
			return -EINVAL;
		keylen += d->keys[i].size;
	}
	if (dcons_aggstore_find(s, d->id) != NULL)
		return -EEXIST;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct dcons_aggvar *nv = realloc(s->vars, cap * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		s->vars = nv;
		s->cap = cap;
	}
	v = &s->vars[s->n];
	memset(v, 0, sizeof(*v));
	v->d = *d;
	v->name = strdup(d->name ? d->name : "_");
	if (v->name == NULL)
		return -ENOMEM;
	v->d.name = v->name;
	v->keylen = keylen;
	v->nwords = (uint32_t)nw;
	v->normal = 1;
	s->n++;
	return 0;
}

int dcons_aggstore__count(const struct dcons_aggstore *s, uint32_t id)
{
	const struct dcons_aggvar *v = dcons_aggstore_find(s, id);

	return v ? (int)v->n : -ENOENT;
}

/* FNV-1a over the key bytes. */
static uint64_t hash_key(const uint8_t *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	return h;
}

static int rehash(struct dcons_aggvar *v, size_t nbuckets)
{
	uint32_t *h = malloc(nbuckets * sizeof(*h));

	if (h == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < nbuckets; i++)
		h[i] = UINT32_MAX;
	for (size_t i = 0; i < v->n; i++) {
		size_t b = hash_key(v->ents[i].key, v->keylen) & (nbuckets - 1);

		v->ents[i].next = h[b];
		h[b] = (uint32_t)i;
	}
	free(v->hash);
	v->hash = h;
	v->nbuckets = nbuckets;
	return 0;
}

void dcons_aggstore__set_lookup(struct dcons_aggstore *s, dcons_symlookup_fn *fn,
	void *cookie)
{
	s->lookup = fn;
	s->cookie = cookie;
}

/* sym()/mod() keys: replace the address by its symbol's or module's start. */
static void fold_symbol(const struct dcons_aggstore *s, uint16_t action,
	uint8_t *k, uint32_t size)
{
	struct dcons_sym sym;
	uint64_t pid = 0, addr;

	if (s->lookup == NULL || (size != 8 && size != 16))
		return;
	if (size == 16)
		memcpy(&pid, k, 8);
	memcpy(&addr, k + size - 8, 8);
	memset(&sym, 0, sizeof(sym));
	if (s->lookup(s->cookie, (uint32_t)pid, addr, &sym) != 0)
		return;
	if (action == DIF_ACT_SYM || action == DIF_ACT_USYM) {
		if (sym.func[0] != '\0')
			addr = sym.addr;
	} else {
		addr = sym.modaddr;
	}
	memcpy(k + size - 8, &addr, 8);
}

/* Pack key records into the variable's key layout. */
static int pack_key(const struct dcons_aggstore *s, const struct dcons_aggvar *v,
	const struct dcons_rec *keys, uint32_t nkeys, uint8_t *out)
{
	size_t off = 0;

	if (nkeys != v->d.nkeys)
		return -EINVAL;
	memset(out, 0, v->keylen);
	for (uint32_t i = 0; i < nkeys; i++) {
		const struct dcons_keydesc *kd = &v->d.keys[i];
		uint32_t n = keys[i].size;

		if (keys[i].size != 0 && keys[i].data == NULL)
			return -EINVAL;
		if (kd->flags & DCONS_REC_STRING)
			n = (uint32_t)strnlen(keys[i].data ? keys[i].data : "",
				keys[i].size);
		if (n > kd->size)
			return -EINVAL;
		if (n)
			memcpy(out + off, keys[i].data, n);
		if (kd->action == DIF_ACT_SYM || kd->action == DIF_ACT_MOD ||
		    kd->action == DIF_ACT_USYM || kd->action == DIF_ACT_UMOD)
			fold_symbol(s, kd->action, out + off, kd->size);
		off += kd->size;
	}
	return 0;
}

static void init_words(const struct dcons_aggvar *v, int64_t *w)
{
	memset(w, 0, v->nwords * sizeof(*w));
	if (v->d.func == DIF_ACT_MIN)
		w[0] = INT64_MAX;
	else if (v->d.func == DIF_ACT_MAX)
		w[0] = INT64_MIN;
}

/* Find or create the entry for packed key k. */
static struct dcons_aggent *lookup(struct dcons_aggvar *v, const uint8_t *k)
{
	struct dcons_aggent *e;
	size_t b;
	int rc;

	if (v->nbuckets != 0) {
		b = hash_key(k, v->keylen) & (v->nbuckets - 1);
		for (uint32_t i = v->hash[b]; i != UINT32_MAX; i = v->ents[i].next)
			if (memcmp(v->ents[i].key, k, v->keylen) == 0)
				return &v->ents[i];
	}
	if (v->n >= UINT32_MAX - 1)
		return NULL;
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		struct dcons_aggent *ne = realloc(v->ents, cap * sizeof(*ne));

		if (ne == NULL)
			return NULL;
		v->ents = ne;
		v->cap = cap;
	}
	e = &v->ents[v->n];
	e->key = malloc(v->keylen ? v->keylen : 1);
	e->words = malloc(v->nwords * sizeof(int64_t));
	if (e->key == NULL || e->words == NULL) {
		free(e->key);
		free(e->words);
		return NULL;
	}
	memcpy(e->key, k, v->keylen);
	init_words(v, e->words);
	v->n++;
	if (v->n * 2 > v->nbuckets)
		rc = rehash(v, v->nbuckets ? v->nbuckets * 2 : 64);
	else {
		b = hash_key(k, v->keylen) & (v->nbuckets - 1);
		e->next = v->hash[b];
		v->hash[b] = (uint32_t)(v->n - 1);
		rc = 0;
	}
	if (rc < 0) {
		v->n--;
		free(e->key);
		free(e->words);
		return NULL;
	}
	return &v->ents[v->n - 1];
}

static struct dcons_aggent *entry_for(const struct dcons_aggstore *s,
	struct dcons_aggvar *v,
	const struct dcons_rec *keys, uint32_t nkeys, int *rc)
{
	uint8_t stackkey[256];
	uint8_t *k = v->keylen <= sizeof(stackkey) ? stackkey : malloc(v->keylen);
	struct dcons_aggent *e = NULL;

	if (k == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	*rc = pack_key(s, v, keys, nkeys, k);
	if (*rc == 0) {
		e = lookup(v, k);
		if (e == NULL)
			*rc = -ENOMEM;
	}
	if (k != stackkey)
		free(k);
	return e;
}

static int lq_bucket(uint64_t arg, int64_t v)
{
	int32_t base = (int32_t)(uint32_t)arg;
	uint16_t step = (uint16_t)(arg >> 48);
	int levels = lq_levels(arg);
	int64_t idx;

	if (v < base)
		return 0;
	idx = (v - base) / step;
	if (idx >= levels)
		return levels + 1;
	return (int)idx + 1;
}

int dcons_aggstore__apply(struct dcons_aggstore *s, uint32_t id,
	const struct dcons_rec *keys, uint32_t nkeys, int64_t value, int64_t incr)
{
	struct dcons_aggvar *v = dcons_aggstore_find(s, id);
	struct dcons_aggent *e;
	int64_t *w;
	int rc;

	if (v == NULL)
		return -ENOENT;
	e = entry_for(s, v, keys, nkeys, &rc);
	if (e == NULL)
		return rc;
	w = e->words;
	switch (v->d.func) {
	case DIF_ACT_COUNT:
		w[0]++;
		break;
	case DIF_ACT_SUM:
		w[0] = (int64_t)((uint64_t)w[0] + (uint64_t)value);
		break;
	case DIF_ACT_MIN:
		if (value < w[0])
			w[0] = value;
		break;
	case DIF_ACT_MAX:
		if (value > w[0])
			w[0] = value;
		break;
	case DIF_ACT_AVG:
		w[0]++;
		w[1] = (int64_t)((uint64_t)w[1] + (uint64_t)value);
		break;
	case DIF_ACT_STDDEV: {
		uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value :
			(uint64_t)value;

		w[0]++;
		w[1] = (int64_t)((uint64_t)w[1] + (uint64_t)value);
		add128(w, (unsigned __int128)mag * mag);
		break;
	}
	case DIF_ACT_QUANTIZE:
		w += dcons_quantize__bucket(value);
		*w = (int64_t)((uint64_t)*w + (uint64_t)incr);
		break;
	case DIF_ACT_LQUANTIZE:
		w += lq_bucket(v->d.arg, value);
		*w = (int64_t)((uint64_t)*w + (uint64_t)incr);
		break;
	case DIF_ACT_LLQUANTIZE:
		w += dcons_llquantize__bucket(v->d.arg, value);
		*w = (int64_t)((uint64_t)*w + (uint64_t)incr);
		break;
	}
	return 0;
}

int dcons_aggstore__merge(struct dcons_aggstore *s, uint32_t id,
	const struct dcons_rec *keys, uint32_t nkeys, const int64_t *words,
	uint32_t nwords)
{
	struct dcons_aggvar *v = dcons_aggstore_find(s, id);
	bool encoded;
	struct dcons_aggent *e;
	int rc;

	if (v == NULL)
		return -ENOENT;
	encoded = v->d.func == DIF_ACT_LQUANTIZE || v->d.func == DIF_ACT_LLQUANTIZE;
	if (nwords != v->nwords + encoded)
		return -EINVAL;
	if (encoded) {
		if ((uint64_t)words[0] != v->d.arg)
			return -EINVAL;
		words++;
	}
	e = entry_for(s, v, keys, nkeys, &rc);
	if (e == NULL)
		return rc;
	switch (v->d.func) {
	case DIF_ACT_MIN:
		if (words[0] < e->words[0])
			e->words[0] = words[0];
		break;
	case DIF_ACT_MAX:
		if (words[0] > e->words[0])
			e->words[0] = words[0];
		break;
	case DIF_ACT_STDDEV:
		e->words[0] += words[0];
		e->words[1] = (int64_t)((uint64_t)e->words[1] + (uint64_t)words[1]);
		add128(e->words, ((unsigned __int128)(uint64_t)words[3] << 64) |
			(uint64_t)words[2]);
		break;
	default:
		for (uint32_t i = 0; i < v->nwords; i++)
			e->words[i] = (int64_t)((uint64_t)e->words[i] +
				(uint64_t)words[i]);
		break;
	}
	return 0;
}

int dcons_aggstore__normalize(struct dcons_aggstore *s, uint32_t id, uint64_t n)
{
	struct dcons_aggvar *v = dcons_aggstore_find(s, id);

	if (v == NULL)
		return -ENOENT;
	if (n == 0 || n > INT64_MAX)
		return -EINVAL;
	v->normal = n;
	return 0;
}

int dcons_aggstore__denormalize(struct dcons_aggstore *s, uint32_t id)
{
	struct dcons_aggvar *v = dcons_aggstore_find(s, id);

	if (v == NULL)
		return -ENOENT;
	v->normal = 1;
	return 0;
}

int dcons_aggstore__clear(struct dcons_aggstore *s, uint32_t id)
{
	struct dcons_aggvar *v = dcons_aggstore_find(s, id);

	if (v == NULL)
		return -ENOENT;
	for (size_t i = 0; i < v->n; i++)
		memset(v->ents[i].words, 0, v->nwords * sizeof(int64_t));
	return 0;
}

int dcons_aggstore__trunc(struct dcons_aggstore *s, uint32_t id, int64_t n,
	bool all)
{
	struct dcons_aggvar *v = dcons_aggstore_find(s, id);
	size_t keep, *order, lo, hi;
	bool *drop;
	size_t w = 0;

	if (v == NULL)
		return -ENOENT;
	keep = all ? 0 : (size_t)(n < 0 ? -(uint64_t)n : (uint64_t)n);
	if (!all && keep >= v->n)
		return 0;
	order = malloc((v->n + 1) * sizeof(*order));
	drop = calloc(v->n + 1, sizeof(*drop));
	if (order == NULL || drop == NULL) {
		free(order);
		free(drop);
		return -ENOMEM;
	}
	/* ascending by value then key: keep the top (n > 0) or bottom (n < 0) */
	dcons_agg_sort_entries(v, order);
	lo = n < 0 ? keep : 0;
	hi = n < 0 ? v->n : v->n - keep;
	for (size_t i = lo; i < hi; i++)
		drop[order[i]] = true;
	for (size_t i = 0; i < v->n; i++) {
		if (drop[i]) {
			free(v->ents[i].key);
			free(v->ents[i].words);
			continue;
		}
		v->ents[w++] = v->ents[i];
	}
	v->n = w;
	free(order);
	free(drop);
	return v->nbuckets ? rehash(v, v->nbuckets) : 0;
}
