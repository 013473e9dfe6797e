/*
 * dobj_model.c — building and owning the in-memory program object.
 *
 * Theory.  A `struct dobj` (include/ht/dobj.h) is a handful of flat arrays
 * and one string table.  This file owns their growth and release; it knows
 * nothing about ELF (dobj_write.c / dobj_read.c do).
 *
 * Arrays grow geometrically; each dobj__add_* appends one zeroed element and
 * returns its index, so callers fill elements in place and keep indexes (not
 * pointers) across further additions.  The string table is de-duplicated
 * through an open-addressing hash of offsets kept in obj->priv; offset 0 is
 * always the empty string, which doubles as "no string".
 *
 * Capacities are not stored in the public struct: a small side table in
 * `struct dobj_priv` records them, so readers that build an object get the
 * same growth behaviour as writers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ht/dobj.h"

enum { VEC_PROBE, VEC_CLAUSE, VEC_ACTION, VEC_DIFO, VEC_FORMAT, VEC_AGG,
	VEC_OPTION, VEC_SYMBOL, VEC_META, VEC_SRCIDENT, VEC_COUNT };

struct dobj_priv {
	uint32_t	cap[VEC_COUNT];
	uint32_t	strcap;		/* bytes allocated for obj->strtab */
	uint32_t	*slots;		/* hash slots: offset + 1, 0 = empty */
	uint32_t	nslots;		/* power of two */
	uint32_t	nstrings;
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct dobj *dobj__new(enum dobj_kind kind)
{
	struct dobj *obj = calloc(1, sizeof(*obj));
	struct dobj_priv *p = calloc(1, sizeof(*p));

	if (obj == NULL || p == NULL)
		goto fail;
	obj->kind = kind;
	obj->priv = p;
	obj->strtab = calloc(1, 64);
	if (obj->strtab == NULL)
		goto fail;
	p->strcap = 64;
	obj->strlen = 1;		/* the empty string at offset 0 */
	return obj;
fail:
	free(p);
	free(obj);
	errno = ENOMEM;
	return NULL;
}

static void difo_release(struct dobj_difo *d)
{
	free(d->text);
	free(d->inttab);
	free(d->strtab);
	free(d->vartab);
	free(d->reltab);
	free(d->lines);
}

void dobj__free(struct dobj *obj)
{
	struct dobj_priv *p;

	if (obj == NULL)
		return;
	for (uint32_t i = 0; i < obj->ndifos; i++)
		difo_release(&obj->difos[i]);
	p = obj->priv;
	if (p != NULL)
		free(p->slots);
	free(p);
	free(obj->srcidents);
	free(obj->strtab);
	free(obj->probes);
	free(obj->clauses);
	free(obj->actions);
	free(obj->difos);
	free(obj->formats);
	free(obj->aggs);
	free(obj->options);
	free(obj->symbols);
	free(obj->meta);
	free(obj);
}

/* Grow the string hash so that it stays at most half full. */
static int strhash_grow(struct dobj *obj)
{
	struct dobj_priv *p = obj->priv;
	uint32_t n = p->nslots ? p->nslots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->nslots; i++) {
		uint32_t v = p->slots[i];
		if (v == 0)
			continue;
		uint32_t j = str_hash(obj->strtab + v - 1) & (n - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = v;
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = n;
	return 0;
}

/*
 * Index every string already in the table (a reader loads the table whole,
 * then interns more strings while linking).
 */
static int strhash_rebuild(struct dobj *obj)
{
	struct dobj_priv *p = obj->priv;
	uint32_t off = 1;

	p->nstrings = 0;
	free(p->slots);
	p->slots = NULL;
	p->nslots = 0;
	if (strhash_grow(obj) != 0)
		return -ENOMEM;
	while (off < obj->strlen) {
		const char *s = obj->strtab + off;
		size_t len = strnlen(s, obj->strlen - off);

		if ((p->nstrings + 1) * 2 > p->nslots && strhash_grow(obj) != 0)
			return -ENOMEM;
		uint32_t j = str_hash(s) & (p->nslots - 1);
		while (p->slots[j] != 0 && strcmp(obj->strtab + p->slots[j] - 1, s) != 0)
			j = (j + 1) & (p->nslots - 1);
		if (p->slots[j] == 0) {
			p->slots[j] = off + 1;
			p->nstrings++;
		}
		off += (uint32_t)len + 1;
	}
	return 0;
}

uint32_t dobj__intern(struct dobj *obj, const char *s)
{
	struct dobj_priv *p = obj->priv;
	size_t len;
	uint32_t j;

	if (s == NULL || *s == '\0')
		return 0;
	if (p->nslots == 0 && strhash_rebuild(obj) != 0)
		return 0;
	j = str_hash(s) & (p->nslots - 1);
	while (p->slots[j] != 0) {
		if (strcmp(obj->strtab + p->slots[j] - 1, s) == 0)
			return p->slots[j] - 1;
		j = (j + 1) & (p->nslots - 1);
	}
	len = strlen(s) + 1;
	if ((uint64_t)obj->strlen + len > UINT32_MAX / 2)
		return 0;
	if (obj->strlen + len > p->strcap) {
		uint32_t cap = p->strcap;
		while (obj->strlen + len > cap)
			cap *= 2;
		char *nt = realloc(obj->strtab, cap);
		if (nt == NULL)
			return 0;
		obj->strtab = nt;
		p->strcap = cap;
	}
	uint32_t off = obj->strlen;
	memcpy(obj->strtab + off, s, len);
	obj->strlen += (uint32_t)len;
	if ((p->nstrings + 1) * 2 > p->nslots) {
		if (strhash_grow(obj) != 0)
			return off;	/* still correct, just not indexed */
		j = str_hash(s) & (p->nslots - 1);
		while (p->slots[j] != 0)
			j = (j + 1) & (p->nslots - 1);
	}
	p->slots[j] = off + 1;
	p->nstrings++;
	return off;
}

const char *dobj__str(const struct dobj *obj, uint32_t off)
{
	if (off >= obj->strlen)
		return "";
	return obj->strtab + off;
}

/* Replace the whole string table (used by the reader); 0 or -errno. */
int dobj_set_strtab(struct dobj *obj, const char *s, uint32_t len);
int dobj_set_strtab(struct dobj *obj, const char *s, uint32_t len)
{
	struct dobj_priv *p = obj->priv;
	char *nt;

	if (len == 0 || s[0] != '\0' || s[len - 1] != '\0')
		return -EINVAL;
	nt = malloc(len);
	if (nt == NULL)
		return -ENOMEM;
	memcpy(nt, s, len);
	free(obj->strtab);
	obj->strtab = nt;
	obj->strlen = len;
	p->strcap = len;
	free(p->slots);
	p->slots = NULL;
	p->nslots = 0;		/* rebuilt lazily by the next intern */
	return 0;
}

/* Append one zeroed element of size `elem` to *arr; return its index. */
static int vec_add(struct dobj *obj, int which, void **arr, uint32_t *count, size_t elem)
{
	struct dobj_priv *p = obj->priv;

	if (*count >= (1u << 30))
		return -E2BIG;
	if (*count == p->cap[which]) {
		uint32_t cap = p->cap[which] ? p->cap[which] * 2 : 8;
		void *na = realloc(*arr, (size_t)cap * elem);
		if (na == NULL)
			return -ENOMEM;
		*arr = na;
		p->cap[which] = cap;
	}
	memset((char *)*arr + (size_t)*count * elem, 0, elem);
	return (int)(*count)++;
}

#define VEC_ADD(obj, which, field, n) \
	vec_add((obj), (which), (void **)&(obj)->field, &(obj)->n, sizeof(*(obj)->field))

int dobj__add_probe(struct dobj *obj)  { return VEC_ADD(obj, VEC_PROBE, probes, nprobes); }
int dobj__add_action(struct dobj *obj) { return VEC_ADD(obj, VEC_ACTION, actions, nactions); }
int dobj__add_format(struct dobj *obj) { return VEC_ADD(obj, VEC_FORMAT, formats, nformats); }
int dobj__add_agg(struct dobj *obj)    { return VEC_ADD(obj, VEC_AGG, aggs, naggs); }
int dobj__add_option(struct dobj *obj) { return VEC_ADD(obj, VEC_OPTION, options, noptions); }
int dobj__add_symbol(struct dobj *obj) { return VEC_ADD(obj, VEC_SYMBOL, symbols, nsymbols); }
int dobj__add_meta(struct dobj *obj)   { return VEC_ADD(obj, VEC_META, meta, nmeta); }
int dobj__add_difo(struct dobj *obj)   { return VEC_ADD(obj, VEC_DIFO, difos, ndifos); }

int dobj__add_clause(struct dobj *obj)
{
	int i = VEC_ADD(obj, VEC_CLAUSE, clauses, nclauses);

	if (i >= 0)
		obj->clauses[i].pred = -1;
	return i;
}

int dobj__add_srcident(struct dobj *obj, const uint8_t ident[DOBJ_IDENT_LEN])
{
	int i = vec_add(obj, VEC_SRCIDENT, (void **)&obj->srcidents, &obj->nsrcidents,
	    sizeof(*obj->srcidents));

	if (i >= 0)
		memcpy(obj->srcidents[i], ident, DOBJ_IDENT_LEN);
	return i;
}

/* Copy n elements of size elem into a fresh array that replaces *dst. */
static int copy_array(void **dst, const void *src, uint32_t n, size_t elem)
{
	void *na = NULL;

	if (n > 0) {
		if (src == NULL)
			return -EINVAL;
		na = malloc((size_t)n * elem);
		if (na == NULL)
			return -ENOMEM;
		memcpy(na, src, (size_t)n * elem);
	}
	free(*dst);
	*dst = na;
	return 0;
}

#define DIFO_SET(d, field, count, src, n) ({ \
	int rc_ = copy_array((void **)&(d)->field, (src), (n), sizeof(*(d)->field)); \
	if (rc_ == 0) \
		(d)->count = (n); \
	rc_; })

int dobj_difo__set_text(struct dobj_difo *d, const dif_instr_t *t, uint32_t n)
{ return DIFO_SET(d, text, len, t, n); }
int dobj_difo__set_inttab(struct dobj_difo *d, const uint64_t *v, uint32_t n)
{ return DIFO_SET(d, inttab, intlen, v, n); }
int dobj_difo__set_strtab(struct dobj_difo *d, const char *s, uint32_t n)
{ return DIFO_SET(d, strtab, strlen, s, n); }
int dobj_difo__set_vartab(struct dobj_difo *d, const struct dif_var *v, uint32_t n)
{ return DIFO_SET(d, vartab, varlen, v, n); }
int dobj_difo__set_reltab(struct dobj_difo *d, const struct dif_reloc *r, uint32_t n)
{ return DIFO_SET(d, reltab, rellen, r, n); }
int dobj_difo__set_lines(struct dobj_difo *d, const struct dobj_line *l, uint32_t n)
{ return DIFO_SET(d, lines, nlines, l, n); }

void dobj_difo__view(const struct dobj_difo *d, struct dif_difo *out)
{
	memset(out, 0, sizeof(*out));
	out->dtdo_buf = d->text;
	out->dtdo_len = d->len;
	out->dtdo_inttab = d->inttab;
	out->dtdo_intlen = d->intlen;
	out->dtdo_strtab = d->strtab;
	out->dtdo_strlen = d->strlen;
	out->dtdo_vartab = d->vartab;
	out->dtdo_varlen = d->varlen;
	out->dtdo_reltab = d->reltab;
	out->dtdo_rellen = d->rellen;
	out->dtdo_rtype = d->rtype;
	out->dtdo_destructive = (d->flags & DOBJ_DIFO_F_DESTRUCTIVE) != 0;
}
