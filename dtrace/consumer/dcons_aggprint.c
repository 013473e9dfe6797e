/*
 * dcons_aggprint.c — sorting and printing aggregations: the default
 * layout, printa() formats, and the quantize/lquantize/llquantize
 * histograms.
 *
 * Theory.  printa(@a, @b, ...) joins its variables on the key tuple: one row
 * per distinct key, a missing value counting as zero.  Rows are sorted by
 * the value of the variable at aggsortpos, then by the keys starting at key
 * aggsortkeypos (aggsortkey: keys first, then value); aggsortrev reverses
 * the whole order.  Integer keys of 1/2/4/8 bytes compare as unsigned
 * numbers, other keys byte by byte.  Values compare per function: count,
 * sum, min, max as signed numbers, avg by its truncated average, stddev by
 * its result, quantizations by the sum of bucket value x count and then by
 * the count of the bucket holding 0.
 *
 * The default layout is one line per row: each key (" %8d" for 4-byte
 * integers, " %16lld" for 8-byte, "  %-50s" for strings, stacks as
 * indented frames) then the value (" %16lld", or a histogram), then "\n".
 * A histogram shows the rows between the first and last non-zero buckets,
 * widened by one bucket each side; bars are 40 columns of '@' scaled to the
 * sum of |counts| (aggzoom: the largest reaches 95% of them), split in two halves of 20 when
 * counts of both signs are present.  Under agghist a keyed count() or
 * sum() is drawn the same way, one bar per key; under aggpack a quantize()
 * or lquantize() row is one line of glyphs, one per bucket.  Read
 * docs/output-format.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcons_agg.h"

/* ------------------------------------------------------------ histograms */

static const char ats[] = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
static const char spaces[] = "                                        ";

struct hist {
	long double	total;
	bool		pos, neg;
	bool		utf8;		/* eighth-block bars (encoding=utf8) */
	uint64_t	normal;
};

static long double absl_(int64_t v)
{
	return v < 0 ? -(long double)v : (long double)v;
}

static void hist_scan(const struct dcons_ctx *ctx, const int64_t *b, int first,
	int last, uint64_t normal, struct hist *h)
{
	h->total = 0;
	h->pos = h->neg = false;
	h->utf8 = ctx->opts.utf8;
	h->normal = normal ? normal : 1;
	for (int i = first; i <= last; i++) {
		h->pos |= b[i] > 0;
		h->neg |= b[i] < 0;
		if (ctx->opts.aggzoom) {
			/* zoomed, the largest bar reaches 95% of the width */
			long double z = absl_(b[i]) * (long double)(1 / 0.95);

			if (z > h->total)
				h->total = z;
		} else {
			h->total += absl_(b[i]);
		}
	}
}

static unsigned depth_of(int64_t v, unsigned len, long double total)
{
	long double f;

	if (total == 0)
		return 0;
	f = (absl_(v) * len) / total;
	return (unsigned)(f + 0.5);
}

/*
 * A positive bar in eighths of a column (UTF-8 block elements): the
 * whole blocks, then the partial one, then spaces to len columns.
 */
static int utf8_bar(int64_t v, unsigned len, long double total, struct dcons_buf *out)
{
	static const char *const part[8] = { "", "\u258f", "\u258e", "\u258d",
	    "\u258c", "\u258b", "\u258a", "\u2589" };
	unsigned eighths = total == 0 ? 0 :
	    (unsigned)((absl_(v) * len * 8) / total), cols = 0;
	int rc = 0;

	if (eighths > len * 8)
		eighths = len * 8;
	for (; rc == 0 && eighths >= 8; eighths -= 8, cols++)
		rc = dcons_buf__append(out, "\u2588", strlen("\u2588"));
	if (rc == 0 && eighths > 0) {
		rc = dcons_buf__append(out, part[eighths], strlen(part[eighths]));
		cols++;
	}
	return rc != 0 ? rc : dcons_buf__printf(out, "%*s", (int)(len - cols), "");
}

/* The bar and count of one bucket, after its "%16s " label. */
static int quantline(const struct hist *h, int64_t v, struct dcons_buf *out)
{
	unsigned len = 40, d;
	/* DTrace divides the count by the (unsigned) normalization factor */
	long long shown = (long long)((uint64_t)v / h->normal);
	int rc;

	if (!h->neg && h->utf8) {
		if ((rc = dcons_buf__append(out, "|", 1)) != 0 ||
		    (rc = utf8_bar(h->pos ? v : 0, len, h->total, out)) != 0)
			return rc;
		return dcons_buf__printf(out, " %-9lld\n", shown);
	}
	if (!h->neg) {
		d = h->pos ? depth_of(v, len, h->total) : 0;
		return dcons_buf__printf(out, "|%s%s %-9lld\n", ats + len - d,
			spaces + d, shown);
	}
	if (!h->pos) {
		d = depth_of(v, len, h->total);
		return dcons_buf__printf(out, "%s%s| %-9lld\n", spaces + d,
			ats + len - d, shown);
	}
	len /= 2;
	d = depth_of(v, len, h->total);
	if (v <= 0)
		return dcons_buf__printf(out, "%s%s|%*s %-9lld\n",
			spaces + 20 + d, ats + 20 + len - d, (int)len, "", shown);
	return dcons_buf__printf(out, "%*s|%s%s %-9lld\n", (int)len, "",
		ats + 20 + len - d, spaces + 20 + d, shown);
}

static int hist_header(struct dcons_buf *out)
{
	return dcons_buf__printf(out, "\n%16s %41s %-9s\n", "value",
		"------------- Distribution -------------", "count");
}

/* first..last non-zero, widened by one; nothing non-zero: dflt_lo..dflt_hi */
static void hist_range(const int64_t *b, int n, int dflt_lo, int dflt_hi,
	int *first, int *last)
{
	int f = 0, l = n - 1;

	while (f < n && b[f] == 0)
		f++;
	if (f == n) {
		*first = dflt_lo;
		*last = dflt_hi;
		return;
	}
	while (l > 0 && b[l] == 0)
		l--;
	*first = f > 0 ? f - 1 : 0;
	*last = l < n - 1 ? l + 1 : n - 1;
}

int dcons_print__quantize(const struct dcons_ctx *ctx, const int64_t *b,
	uint64_t normal, struct dcons_buf *out)
{
	int first, last, rc;
	struct hist h;

	hist_range(b, DCONS_QUANTIZE_NBUCKETS, DCONS_QUANTIZE_ZEROBUCKET - 1,
		DCONS_QUANTIZE_ZEROBUCKET + 1, &first, &last);
	hist_scan(ctx, b, first, last, normal, &h);
	rc = hist_header(out);
	for (int i = first; rc == 0 && i <= last; i++) {
		rc = dcons_buf__printf(out, "%16lld ",
			(long long)dcons_quantize__value(i));
		if (rc == 0)
			rc = quantline(&h, b[i], out);
	}
	return rc;
}

int dcons_print__lquantize(const struct dcons_ctx *ctx, uint64_t arg,
	const int64_t *b, uint64_t normal, struct dcons_buf *out)
{
	int32_t base = (int32_t)(uint32_t)arg;
	int step = (uint16_t)(arg >> 48);
	int levels = (int)((arg >> 32) & 0xffff);
	int first, last, rc;
	struct hist h;

	if (levels == 0 || step == 0)
		return -EINVAL;
	hist_range(b, levels + 2, 0, 2 > levels + 1 ? levels + 1 : 2,
		&first, &last);
	hist_scan(ctx, b, first, last, normal, &h);
	rc = hist_header(out);
	for (int i = first; rc == 0 && i <= last; i++) {
		char c[32];

		if (i == 0)	/* DTrace shows the base divided by normal, unsigned */
			snprintf(c, sizeof(c), "< %d",
				(int)((uint32_t)base / (uint32_t)h.normal));
		else if (i == levels + 1)
			snprintf(c, sizeof(c), ">= %lld",
				(long long)base + (long long)levels * step);
		else
			snprintf(c, sizeof(c), "%lld",
				(long long)base + (long long)(i - 1) * step);
		rc = dcons_buf__printf(out, "%16s ", c);
		if (rc == 0)
			rc = quantline(&h, b[i], out);
	}
	return rc;
}

int dcons_print__llquantize(const struct dcons_ctx *ctx, uint64_t arg,
	const int64_t *b, uint32_t nbuckets, uint64_t normal,
	struct dcons_buf *out)
{
	uint16_t factor = (uint16_t)(arg >> 48), low = (uint16_t)(arg >> 32);
	uint16_t high = (uint16_t)(arg >> 16), nsteps = (uint16_t)arg;
	int64_t value = 1, next, step;
	int n = dcons_llquantize__nbuckets(arg), first, last, bin = 1, rc;
	unsigned order;
	struct hist h;

	if (n < 0 || (uint32_t)n != nbuckets)
		return -EINVAL;
	hist_range(b, n, 0, 1, &first, &last);
	hist_scan(ctx, b, first, last, normal, &h);
	rc = hist_header(out);
	for (order = 0; order < low; order++)
		value *= factor;
	next = value * factor;
	step = next > nsteps ? next / nsteps : 1;
	if (rc == 0 && first == 0) {
		char c[32];

		snprintf(c, sizeof(c), "< %lld", (long long)value);
		rc = dcons_buf__printf(out, "%16s ", c);
		if (rc == 0)
			rc = quantline(&h, b[0], out);
	}
	while (rc == 0 && order <= high) {
		if (bin >= first && bin <= last) {
			rc = dcons_buf__printf(out, "%16lld ", (long long)value);
			if (rc == 0)
				rc = quantline(&h, b[bin], out);
		}
		bin++;
		if ((value += step) != next)
			continue;
		next = value * factor;
		step = next > nsteps ? next / nsteps : 1;
		order++;
	}
	if (rc == 0 && last >= bin) {
		char c[32];

		snprintf(c, sizeof(c), ">= %lld", (long long)value);
		rc = dcons_buf__printf(out, "%16s ", c);
		if (rc == 0)
			rc = quantline(&h, b[bin], out);
	}
	return rc;
}

/* ------------------------------------------------------------ comparison */

static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmpld(long double a, long double b)
{
	return a < b ? -1 : a > b;
}

static long double quant_sum(const int64_t *b)
{
	long double s = 0;

	for (int i = 0; i < DCONS_QUANTIZE_NBUCKETS; i++)
		s += (long double)b[i] * (long double)dcons_quantize__value(i);
	return s;
}

static long double lquant_sum(uint64_t arg, const int64_t *b)
{
	int64_t base = (int32_t)(uint32_t)arg;
	int step = (uint16_t)(arg >> 48), levels = (int)((arg >> 32) & 0xffff);
	long double s = (long double)b[0] * (long double)(base - 1);

	for (int i = 0; i < levels; i++, base += step)
		s += (long double)b[i + 1] * (long double)base;
	return s + (long double)b[levels + 1] * (long double)(base + 1);
}

static int64_t lquant_zero(uint64_t arg, const int64_t *b)
{
	int64_t base = (int32_t)(uint32_t)arg;
	int step = (uint16_t)(arg >> 48), levels = (int)((arg >> 32) & 0xffff);

	if (base - 1 == 0)
		return b[0];
	for (int i = 0; i < levels; i++, base += step)
		if (base == 0)
			return b[i + 1];
	if (base + 1 == 0)
		return b[levels + 1];
	return 0;
}

static long double llquant_sum(uint64_t arg, const int64_t *b, uint32_t n)
{
	uint16_t factor = (uint16_t)(arg >> 48), low = (uint16_t)(arg >> 32);
	uint16_t nsteps = (uint16_t)arg;
	int64_t value = 1, next, step;
	long double s;

	for (unsigned o = 0; o < low; o++)
		value *= factor;
	s = (long double)b[0] * (long double)(value - 1);
	next = value * factor;
	step = next > nsteps ? next / nsteps : 1;
	for (uint32_t i = 1; i < n; i++) {
		s += (long double)b[i] * (long double)value;
		if (i + 1 < n && (value += step) == next) {
			next = value * factor;
			step = next > nsteps ? next / nsteps : 1;
		}
	}
	return s;
}

static int valcmp(const struct dcons_aggvar *v, const int64_t *a, const int64_t *b)
{
	int r;

	switch (v->d.func) {
	case DIF_ACT_AVG:
		return cmp64(a[0] ? a[1] / a[0] : 0, b[0] ? b[1] / b[0] : 0);
	case DIF_ACT_STDDEV: {
		uint64_t x = dcons_agg__stddev(a, 1), y = dcons_agg__stddev(b, 1);

		return x < y ? -1 : x > y;
	}
	case DIF_ACT_QUANTIZE:
		r = cmpld(quant_sum(a), quant_sum(b));
		return r ? r : cmp64(a[DCONS_QUANTIZE_ZEROBUCKET],
			b[DCONS_QUANTIZE_ZEROBUCKET]);
	case DIF_ACT_LQUANTIZE:
		r = cmpld(lquant_sum(v->d.arg, a), lquant_sum(v->d.arg, b));
		return r ? r : cmp64(lquant_zero(v->d.arg, a),
			lquant_zero(v->d.arg, b));
	case DIF_ACT_LLQUANTIZE:
		return cmpld(llquant_sum(v->d.arg, a, v->nwords),
			llquant_sum(v->d.arg, b, v->nwords));
	default:
		return cmp64(a[0], b[0]);
	}
}

static bool int_key(const struct dcons_keydesc *k)
{
	return !(k->flags & DCONS_REC_STRING) &&
		(k->size == 1 || k->size == 2 || k->size == 4 || k->size == 8);
}

static int keycmp(const struct dcons_aggvar *v, const uint8_t *a,
	const uint8_t *b, uint32_t keypos)
{
	uint32_t n = v->d.nkeys;
	size_t off[DCONS_AGG_MAXKEYS], o = 0;

	for (uint32_t i = 0; i < n; i++) {
		off[i] = o;
		o += v->d.keys[i].size;
	}
	if (keypos >= n)
		keypos = 0;
	for (uint32_t j = 0; j < n; j++) {
		uint32_t i = (j + keypos) % n;
		const struct dcons_keydesc *k = &v->d.keys[i];
		int r;

		if (int_key(k)) {
			struct dcons_rec ra = { DIF_ACT_DIFEXPR, 0, k->size, a + off[i], 0 };
			struct dcons_rec rb = { DIF_ACT_DIFEXPR, 0, k->size, b + off[i], 0 };
			uint64_t x, y;

			dcons_read_int(&ra, false, &x);
			dcons_read_int(&rb, false, &y);
			r = x < y ? -1 : x > y;
		} else {
			r = memcmp(a + off[i], b + off[i], k->size);
			r = r < 0 ? -1 : r > 0;
		}
		if (r != 0)
			return r;
	}
	return 0;
}

/* A printa row: a key and one value per joined variable. */
#define MAXJOIN	16

struct row {
	const uint8_t	*key;
	const int64_t	*vals[MAXJOIN];
	size_t		idx;
};

struct sortctx {
	const struct dcons_aggvar	**vars;
	uint32_t			nvars;
	struct dcons_opts		opts;
};

static int rowcmp(const void *pa, const void *pb, void *arg)
{
	const struct row *a = pa, *b = pb;
	const struct sortctx *sc = arg;
	uint32_t pos = sc->opts.aggsortpos < sc->nvars ? sc->opts.aggsortpos : 0;
	const struct dcons_aggvar *v = sc->vars[pos];
	int r;

	if (sc->opts.aggsortkey) {
		r = keycmp(sc->vars[0], a->key, b->key, sc->opts.aggsortkeypos);
		if (r == 0)
			r = valcmp(v, a->vals[pos], b->vals[pos]);
	} else {
		/* ties: the other values, continuing round from aggsortpos */
		r = valcmp(v, a->vals[pos], b->vals[pos]);
		for (uint32_t k = 1; r == 0 && k < sc->nvars; k++) {
			uint32_t i = (pos + k) % sc->nvars;

			r = valcmp(sc->vars[i], a->vals[i], b->vals[i]);
		}
		if (r == 0)
			r = keycmp(sc->vars[0], a->key, b->key,
				sc->opts.aggsortkeypos);
	}
	return sc->opts.aggsortrev ? -r : r;
}

void dcons_agg_sort_entries(const struct dcons_aggvar *v, size_t *order)
{
	struct row *rows = malloc((v->n + 1) * sizeof(*rows));
	struct sortctx sc;

	if (rows == NULL) {
		for (size_t i = 0; i < v->n; i++)
			order[i] = i;
		return;
	}
	memset(&sc, 0, sizeof(sc));
	sc.vars = &v;
	sc.nvars = 1;
	for (size_t i = 0; i < v->n; i++) {
		rows[i].key = v->ents[i].key;
		rows[i].vals[0] = v->ents[i].words;
		rows[i].idx = i;
	}
	qsort_r(rows, v->n, sizeof(*rows), rowcmp, &sc);
	for (size_t i = 0; i < v->n; i++)
		order[i] = rows[i].idx;
	free(rows);
}

/* ------------------------------------------------------------ printing */

static const struct dcons_aggent *find_ent(const struct dcons_aggvar *v,
	const uint8_t *key)
{
	size_t b;

	if (v->nbuckets == 0)
		return NULL;
	b = 1469598103934665603ULL;
	for (size_t i = 0; i < v->keylen; i++)
		b = (b ^ key[i]) * 1099511628211ULL;
	b &= v->nbuckets - 1;
	for (uint32_t i = v->hash[b]; i != UINT32_MAX; i = v->ents[i].next)
		if (memcmp(v->ents[i].key, key, v->keylen) == 0)
			return &v->ents[i];
	return NULL;
}

/* Same key signature (sizes and kinds) for a join. */
static bool same_keys(const struct dcons_aggvar *a, const struct dcons_aggvar *b)
{
	if (a->d.nkeys != b->d.nkeys)
		return false;
	for (uint32_t i = 0; i < a->d.nkeys; i++)
		if (a->d.keys[i].size != b->d.keys[i].size ||
		    a->d.keys[i].action != b->d.keys[i].action ||
		    (a->d.keys[i].flags & DCONS_REC_STRING) !=
		    (b->d.keys[i].flags & DCONS_REC_STRING))
			return false;
	return true;
}

/* Build the joined rows of vars[0..n); zero stands for a missing value. */
static int join_rows(const struct dcons_aggvar **vars, uint32_t n,
	const int64_t *zero, struct row **rowsp, size_t *nrows)
{
	size_t total = 0, r = 0;
	struct row *rows;

	for (uint32_t j = 0; j < n; j++)
		total += vars[j]->n;
	rows = malloc((total + 1) * sizeof(*rows));
	if (rows == NULL)
		return -ENOMEM;
	for (uint32_t j = 0; j < n; j++) {
		for (size_t e = 0; e < vars[j]->n; e++) {
			const uint8_t *key = vars[j]->ents[e].key;
			bool seen = false;

			for (uint32_t k = 0; k < j && !seen; k++)
				seen = find_ent(vars[k], key) != NULL;
			if (seen)
				continue;
			rows[r].key = key;
			rows[r].idx = r;
			for (uint32_t k = 0; k < n; k++) {
				const struct dcons_aggent *x = k == j ?
					&vars[j]->ents[e] : find_ent(vars[k], key);

				rows[r].vals[k] = x ? x->words : zero;
			}
			r++;
		}
	}
	*rowsp = rows;
	*nrows = r;
	return 0;
}

/* The key members of a row as records (borrowing the key bytes). */
static void key_recs(const struct dcons_aggvar *v, const uint8_t *key,
	struct dcons_rec *recs)
{
	size_t off = 0;

	for (uint32_t i = 0; i < v->d.nkeys; i++) {
		const struct dcons_keydesc *k = &v->d.keys[i];

		recs[i].action = k->action;
		recs[i].flags = k->flags;
		recs[i].size = k->size;
		recs[i].data = key + off;
		off += k->size;
	}
}

static void aggval_of(const struct dcons_aggvar *v, const int64_t *w,
	struct dcons_aggval *av)
{
	av->func = v->d.func;
	av->arg = v->d.arg;
	av->words = w;
	av->nwords = v->nwords;
	av->normal = v->normal;
}

int dcons_print_key(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	uint64_t x;

	if (r->action != DIF_ACT_DIFEXPR && r->action != DIF_ACT_NONE)
		return dcons_print__action(ctx, r, out);
	if (r->flags & DCONS_REC_STRING)
		return dcons_print_bytes(ctx, r->data, r->size, -50, false, false, out);
	switch (r->size) {
	case 8:
		dcons_read_int(r, true, &x);
		return dcons_buf__printf(out, " %16lld", (long long)x);
	case 4:
		dcons_read_int(r, true, &x);
		return dcons_buf__printf(out, " %8d", (int)x);
	case 2:
		dcons_read_int(r, false, &x);
		return dcons_buf__printf(out, " %5u", (unsigned)x);
	case 1:
		dcons_read_int(r, false, &x);
		return dcons_buf__printf(out, " %3u", (unsigned)x);
	default:
		return dcons_print_bytes(ctx, r->data, r->size, -50, false, false, out);
	}
}

int dcons_print_aggval(const struct dcons_ctx *ctx, const struct dcons_aggval *v,
	struct dcons_buf *out)
{
	uint64_t normal = v->normal ? v->normal : 1;

	switch (v->func) {
	case DIF_ACT_QUANTIZE:
		return dcons_print__quantize(ctx, v->words, normal, out);
	case DIF_ACT_LQUANTIZE:
		return dcons_print__lquantize(ctx, v->arg, v->words, normal, out);
	case DIF_ACT_LLQUANTIZE:
		return dcons_print__llquantize(ctx, v->arg, v->words, v->nwords,
			normal, out);
	case DIF_ACT_AVG:
		return dcons_buf__printf(out, " %16lld",
			(long long)dcons_agg__avg(v->words, normal));
	case DIF_ACT_STDDEV:
		return dcons_buf__printf(out, " %16llu",
			(unsigned long long)dcons_agg__stddev(v->words, normal));
	default:
		/* an unsigned division, as DTrace does it */
		return dcons_buf__printf(out, " %16lld",
			(long long)((uint64_t)v->words[0] / normal));
	}
}

static int print_row(const struct dcons_fmt *fmt, const struct dcons_aggvar **vars,
	uint32_t n, const struct row *row, const struct dcons_ctx *ctx,
	struct dcons_buf *out)
{
	struct dcons_rec keys[DCONS_AGG_MAXKEYS];
	struct dcons_aggval av[MAXJOIN];
	int rc = 0;

	key_recs(vars[0], row->key, keys);
	for (uint32_t k = 0; k < n; k++)
		aggval_of(vars[k], row->vals[k], &av[k]);
	if (fmt != NULL)
		return dcons_format_ex(fmt, keys, vars[0]->d.nkeys, av, n, ctx, out);
	for (uint32_t i = 0; rc == 0 && i < vars[0]->d.nkeys; i++)
		rc = dcons_print_key(ctx, &keys[i], out);
	for (uint32_t k = 0; rc == 0 && k < n; k++)
		rc = dcons_print_aggval(ctx, &av[k], out);
	if (rc == 0)
		rc = dcons_buf__append(out, "\n", 1);
	return rc;
}

/* ------------------------------------------------------------ agghist */

/* agghist applies to keyed count() and sum() whose keys pack in columns. */
static bool hist_layout(const struct dcons_aggvar *v, const struct dcons_ctx *ctx)
{
	if (!ctx->opts.agghist || v->d.nkeys == 0 ||
	    (v->d.func != DIF_ACT_COUNT && v->d.func != DIF_ACT_SUM))
		return false;
	for (uint32_t i = 0; i < v->d.nkeys; i++) {
		const struct dcons_keydesc *k = &v->d.keys[i];

		if (!dcons_action_is_plain(k->action))
			return false;
		if (!(k->flags & DCONS_REC_STRING) && !int_key(k))
			return false;
	}
	return true;
}

/* Packed key column: strings " %16s", integers " %3d" " %5d" " %8d" " %16lld". */
static int packed_key(const struct dcons_rec *r, struct dcons_buf *out, int *width)
{
	uint64_t x;

	if (r->flags & DCONS_REC_STRING) {
		char *t = strndup(r->data, r->size);
		int rc;

		if (t == NULL)
			return -ENOMEM;
		*width = 17;
		rc = out ? dcons_buf__printf(out, " %16s", t) : 0;
		free(t);
		return rc;
	}
	dcons_read_int(r, true, &x);
	switch (r->size) {
	case 1: *width = 4; return out ? dcons_buf__printf(out, " %3d", (int)x) : 0;
	case 2: *width = 6; return out ? dcons_buf__printf(out, " %5d", (int)x) : 0;
	case 4: *width = 9; return out ? dcons_buf__printf(out, " %8d", (int)x) : 0;
	default:
		*width = 17;
		return out ? dcons_buf__printf(out, " %16lld", (long long)x) : 0;
	}
}

/*
 * agghist: one bar per key, scaled to the sum of |values| of all rows, under
 * a "key" header as wide as the packed key columns.
 */
static int print_hist_rows(const struct dcons_aggvar *v, const struct row *rows,
	size_t nrows, const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	struct dcons_rec keys[DCONS_AGG_MAXKEYS];
	struct hist h = { .total = 0, .normal = v->normal };
	int64_t total = 0;
	int width = 0, w, rc;

	/*
	 * The scale is the sum of |raw values|; zoomed, the largest |value|
	 * divided by 0.95 and truncated to an integer (so small values may
	 * fill the whole width, as in DTrace).
	 */
	for (size_t i = 0; i < nrows; i++) {
		int64_t x = rows[i].vals[0][0];

		h.pos |= x > 0;
		h.neg |= x < 0;
		x = x < 0 ? (int64_t)(0 - (uint64_t)x) : x;
		if (ctx->opts.aggzoom) {
			x = (int64_t)((long double)x * (1 / 0.95));
			if (x > total)
				total = x;
		} else {
			total = (int64_t)((uint64_t)total + (uint64_t)x);
		}
	}
	h.total = (long double)total;
	key_recs(v, rows[0].key, keys);
	for (uint32_t i = 0; i < v->d.nkeys; i++) {
		packed_key(&keys[i], NULL, &w);
		width += w;
	}
	rc = dcons_buf__printf(out, "\n%*s %41s %-9s\n", width, "key",
		"------------- Distribution -------------", "count");
	for (size_t i = 0; rc == 0 && i < nrows; i++) {
		key_recs(v, rows[i].key, keys);
		for (uint32_t k = 0; rc == 0 && k < v->d.nkeys; k++)
			rc = packed_key(&keys[k], out, &w);
		if (rc == 0)
			rc = dcons_buf__append(out, " ", 1);
		if (rc == 0)
			rc = quantline(&h, rows[i].vals[0][0], out);
	}
	return rc;
}

/* ------------------------------------------------------------ aggpack */

/* Digits of v as DTrace counts them for packed columns (at least 4). */
static int ndigits(long long v)
{
	int n = 1;
	long long cmp = 10;

	if (v < 0) {
		v = v == INT64_MIN ? INT64_MAX : -v;
		n++;
	}
	while (v > cmp && cmp > 0) {
		n++;
		cmp *= 10;
	}
	return n < 4 ? 4 : n;
}

/* aggpack applies to quantize() and lquantize() with packable keys. */
static bool pack_layout(const struct dcons_aggvar *v, const struct dcons_ctx *ctx)
{
	if (!ctx->opts.aggpack ||
	    (v->d.func != DIF_ACT_QUANTIZE && v->d.func != DIF_ACT_LQUANTIZE))
		return false;
	for (uint32_t i = 0; i < v->d.nkeys; i++) {
		const struct dcons_keydesc *k = &v->d.keys[i];

		if (!dcons_action_is_plain(k->action) ||
		    (!(k->flags & DCONS_REC_STRING) && !int_key(k)))
			return false;
	}
	return true;
}

/*
 * The bucket range every row of a packed aggregation shows: quantize from
 * one below the lowest non-zero bucket of any row (not below 0 or the zero
 * bucket) to one above the highest; lquantize always its whole range.
 */
static void pack_range(const struct dcons_aggvar *v, const struct row *rows,
	size_t nrows, int *minp, int *maxp)
{
	int lo = -1, hi = -1;

	if (v->d.func == DIF_ACT_LQUANTIZE) {
		*minp = 0;
		*maxp = (int)v->nwords - 1;
		return;
	}
	for (size_t r = 0; r < nrows; r++) {
		int f = -1, l = -1;

		for (int i = 0; i < DCONS_QUANTIZE_NBUCKETS; i++)
			if (rows[r].vals[0][i] != 0) {
				if (f < 0)
					f = i;
				l = i;
			}
		if (f < 0)
			f = l = DCONS_QUANTIZE_ZEROBUCKET;
		if (lo < 0 || f < lo)
			lo = f;
		if (l > hi)
			hi = l;
	}
	if (lo != 0 && lo != DCONS_QUANTIZE_ZEROBUCKET)
		lo--;
	if (hi < DCONS_QUANTIZE_NBUCKETS - 1)
		hi++;
	*minp = lo;
	*maxp = hi;
}

/* One bucket's glyph: ' ' for 0, "__xxxxXX" by height, "vvvvVV" if negative. */
static int pack_glyph(const struct dcons_ctx *ctx, int64_t v, long double total,
	struct dcons_buf *out)
{
	static const char pos[] = "__xxxxXX", neg[] = "vvvvVV";
	long double x;
	char c;

	if (v == 0)
		return dcons_buf__append(out, " ", 1);
	if (v < 0) {
		x = absl_(v) * (long double)(sizeof(neg) - 2) / total;
		c = neg[(unsigned)(x + 0.5)];
		return dcons_buf__append(out, &c, 1);
	}
	x = (long double)v * (long double)(sizeof(pos) - 2) / total;
	if (ctx->opts.utf8 || (!ctx->opts.encoding_set && ctx->opts.locale_utf8)) {
		/* U+2581 .. U+2588: eight block heights */
		unsigned cp = 0x2581 + (unsigned)(x + 0.5);
		char u[3] = { (char)(0xe0 | (cp >> 12)),
			(char)(0x80 | ((cp >> 6) & 0x3f)), (char)(0x80 | (cp & 0x3f)) };

		return dcons_buf__append(out, u, 3);
	}
	c = pos[(unsigned)(x + 0.5)];
	return dcons_buf__append(out, &c, 1);
}

static int pack_header(const struct dcons_aggvar *v, int width, int lo, int hi,
	struct dcons_buf *out)
{
	int minw, maxw, rc;

	if (v->d.func == DIF_ACT_QUANTIZE) {
		minw = ndigits(dcons_quantize__value(lo));
		maxw = ndigits(dcons_quantize__value(hi));
	} else {
		maxw = 8;
		minw = 7;
	}
	rc = dcons_buf__printf(out, "\n%*s %*s .", width, width > 0 ? "key" : "",
		minw, "min");
	for (int i = lo; rc == 0 && i <= hi; i++)
		rc = dcons_buf__append(out, "-", 1);
	if (rc == 0)
		rc = dcons_buf__printf(out, ". %*s | count\n", -maxw, "max");
	return rc;
}

static int pack_row(const struct dcons_ctx *ctx, const struct dcons_aggvar *v,
	const int64_t *b, int lo, int hi, struct dcons_buf *out)
{
	int32_t base = (int32_t)(uint32_t)v->d.arg;
	long long limit = (long long)base + (long long)((v->d.arg >> 32) & 0xffff) *
		(long long)(v->d.arg >> 48);
	long double total = 0, count = 0;
	char c[32];
	int rc;

	if (v->d.func == DIF_ACT_QUANTIZE) {
		long long minval = dcons_quantize__value(lo);

		rc = dcons_buf__printf(out, " %*lld :", ndigits(minval), minval);
	} else {
		snprintf(c, sizeof(c), "< %d", base);
		rc = dcons_buf__printf(out, "%8s :", c);
	}
	for (int i = lo; i <= hi; i++) {
		if (ctx->opts.aggzoom) {
			long double z = absl_(b[i]) * (long double)(1 / 0.95);

			total = z > total ? z : total;
		} else {
			total += absl_(b[i]);
		}
		count += (long double)b[i];
	}
	for (int i = lo; rc == 0 && i <= hi; i++)
		rc = pack_glyph(ctx, b[i], total, out);
	if (rc != 0)
		return rc;
	if (v->d.func == DIF_ACT_QUANTIZE) {
		long long maxval = dcons_quantize__value(hi);

		return dcons_buf__printf(out, ": %*lld | %lld\n", -ndigits(maxval),
			maxval, (long long)count);
	}
	snprintf(c, sizeof(c), ">= %lld", limit);
	return dcons_buf__printf(out, ": %-8s | %lld\n", c, (long long)count);
}

/* aggpack: a "key min .---. max | count" header, then one packed line per key. */
static int print_pack_rows(const struct dcons_aggvar *v, const struct row *rows,
	size_t nrows, const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	struct dcons_rec keys[DCONS_AGG_MAXKEYS];
	int width = 0, w, lo, hi, rc;

	pack_range(v, rows, nrows, &lo, &hi);
	key_recs(v, rows[0].key, keys);
	for (uint32_t i = 0; i < v->d.nkeys; i++) {
		packed_key(&keys[i], NULL, &w);
		width += w;
	}
	rc = pack_header(v, width, lo, hi, out);
	for (size_t r = 0; rc == 0 && r < nrows; r++) {
		key_recs(v, rows[r].key, keys);
		for (uint32_t k = 0; rc == 0 && k < v->d.nkeys; k++)
			rc = packed_key(&keys[k], out, &w);
		if (rc == 0)
			rc = pack_row(ctx, v, rows[r].vals[0], lo, hi, out);
	}
	return rc;
}

static int print_vars(const struct dcons_fmt *fmt, const struct dcons_aggvar **vars,
	uint32_t n, const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	uint32_t maxw = 1;
	int64_t *zero;
	struct row *rows;
	size_t nrows;
	struct sortctx sc;
	int rc;

	for (uint32_t k = 0; k < n; k++)
		if (vars[k]->nwords > maxw)
			maxw = vars[k]->nwords;
	zero = calloc(maxw, sizeof(*zero));
	if (zero == NULL)
		return -ENOMEM;
	rc = join_rows(vars, n, zero, &rows, &nrows);
	if (rc < 0) {
		free(zero);
		return rc;
	}
	sc.vars = vars;
	sc.nvars = n;
	sc.opts = ctx->opts;
	qsort_r(rows, nrows, sizeof(*rows), rowcmp, &sc);
	if (fmt == NULL && n == 1 && pack_layout(vars[0], ctx)) {
		if (nrows > 0)
			rc = print_pack_rows(vars[0], rows, nrows, ctx, out);
	} else if (fmt == NULL && n == 1 && hist_layout(vars[0], ctx)) {
		if (nrows > 0)
			rc = print_hist_rows(vars[0], rows, nrows, ctx, out);
	} else {
		for (size_t i = 0; rc == 0 && i < nrows; i++)
			rc = print_row(fmt, vars, n, &rows[i], ctx, out);
	}
	free(rows);
	free(zero);
	return rc;
}

int dcons_aggstore__printa(struct dcons_aggstore *s, const struct dcons_fmt *fmt,
	const uint32_t *ids, uint32_t n, const struct dcons_ctx *ctx,
	struct dcons_buf *out)
{
	const struct dcons_aggvar *vars[MAXJOIN];
	int rc;

	if (n == 0 || n > MAXJOIN || (fmt != NULL && !fmt->printa))
		return -EINVAL;
	for (uint32_t k = 0; k < n; k++) {
		vars[k] = dcons_aggstore_find(s, ids[k]);
		if (vars[k] == NULL)
			return -ENOENT;
		if (k > 0 && !same_keys(vars[0], vars[k]))
			return -EINVAL;
	}
	if (fmt == NULL && (rc = dcons_buf__append(out, "\n", 1)) < 0)
		return rc;
	rc = print_vars(fmt, vars, n, ctx, out);
	for (uint32_t k = 0; k < n; k++)
		((struct dcons_aggvar *)vars[k])->printed = true;
	return rc;
}

static int idcmp(const void *a, const void *b)
{
	const struct dcons_aggvar *x = *(const struct dcons_aggvar *const *)a;
	const struct dcons_aggvar *y = *(const struct dcons_aggvar *const *)b;

	return x->d.id < y->d.id ? -1 : x->d.id > y->d.id;
}

int dcons_aggstore__print_unprinted(struct dcons_aggstore *s,
	const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	const struct dcons_aggvar **vars = malloc((s->n + 1) * sizeof(*vars));
	int rc = 0;

	if (vars == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		vars[i] = &s->vars[i];
	qsort(vars, s->n, sizeof(*vars), idcmp);
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		if (vars[i]->printed)
			continue;
		rc = print_vars(NULL, &vars[i], 1, ctx, out);
		((struct dcons_aggvar *)vars[i])->printed = true;
	}
	free(vars);
	return rc;
}
