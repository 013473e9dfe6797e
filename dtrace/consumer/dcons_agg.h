/*
 * dcons_agg.h — the aggregation store's internal layout, shared by
 * dcons_agg.c (data) and dcons_aggprint.c (sorting and printing).
 */
#ifndef DCONS_AGG_H
#define DCONS_AGG_H

#include "dcons_impl.h"

struct dcons_aggent {
	uint8_t		*key;		/* v->keylen bytes, members NUL-padded */
	int64_t		*words;		/* v->nwords value words */
	uint32_t	next;		/* hash chain (index), UINT32_MAX ends */
};

struct dcons_aggvar {
	struct dcons_aggdesc	d;
	char			*name;
	size_t			keylen;
	uint32_t		nwords;	/* buckets only for quantizations */
	uint64_t		normal;
	bool			printed;
	struct dcons_aggent	*ents;
	size_t			n, cap;
	uint32_t		*hash;
	size_t			nbuckets;
};

struct dcons_aggstore {
	struct dcons_aggvar	*vars;
	size_t			n, cap;
	dcons_symlookup_fn	*lookup;
	void			*cookie;
};

struct dcons_aggvar *dcons_aggstore_find(const struct dcons_aggstore *s,
	uint32_t id);

/* Entry indexes of v in ascending (value, key) order, into order[v->n]. */
void dcons_agg_sort_entries(const struct dcons_aggvar *v, size_t *order);

#endif /* DCONS_AGG_H */
