/*
 * dvm_var.c — the variable instructions: built-ins (ldgs/ldga of ids below
 * 0x500), globals and clause-locals in static slots, thread-locals and
 * associative arrays in the dynamic-variable arena (dvm_var.h).
 *
 * Theory.  Every storage area was sized and allocated by the consumer when
 * the program was enabled; this file only indexes into it.  A dynamic
 * variable is found by hashing its serialised key:
 *
 *   u32 id | u32 scope, [u64 thread key], then per tuple element
 *   u32 length, bytes (by value: 8 bytes; by reference: the referenced
 *   bytes, strings up to and without their NUL)
 *
 * Keys longer than dvs_keymax and stores that find no free chunk are drops
 * (dvs_drops++), as DTrace counts dynamic-variable drops; a load of a key
 * that is not there yields 0.  Storing 0 deletes and returns the chunk to
 * the free list.  By-reference values (strings, structs) are copied into
 * the chunk and loads yield the chunk's value address, which the platform
 * must accept for loads and stores (the consumer registers the arena).
 *
 * Freestanding: no libc, no allocation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dvm_impl.h"

#define KEYBUF	2048	/* serialisation buffer on the stack; keymax <= this */

void dvm_vstate__reset(struct dvm_vstate *vs)
{
	for (uint32_t b = 0; b < vs->dvs_nbuckets; b++)
		vs->dvs_buckets[b] = 0;
	vs->dvs_free = 0;
	for (uint32_t i = vs->dvs_nchunks; i-- > 1;) {
		struct dvm_dchunk *c = (struct dvm_dchunk *)(vs->dvs_chunks +
		    (uint64_t)i * vs->dvs_chunksize);

		c->dvc_next = vs->dvs_free;
		c->dvc_keylen = 0;
		vs->dvs_free = i;
	}
}

uint32_t dvm_vstate__used(const struct dvm_vstate *vs)
{
	uint32_t n = 0;

	for (uint32_t b = 0; b < vs->dvs_nbuckets; b++) {
		for (uint32_t i = vs->dvs_buckets[b]; i != 0;) {
			const struct dvm_dchunk *c = (const struct dvm_dchunk *)
			    (vs->dvs_chunks + (uint64_t)i * vs->dvs_chunksize);
			n++;
			i = c->dvc_next;
		}
	}
	return n;
}

static struct dvm_dchunk *chunk(const struct dvm_vstate *vs, uint32_t i)
{
	return (struct dvm_dchunk *)(vs->dvs_chunks + (uint64_t)i * vs->dvs_chunksize);
}

static uint8_t *chunk_key(struct dvm_dchunk *c)
{
	return (uint8_t *)(c + 1);
}

static uint8_t *chunk_val(const struct dvm_vstate *vs, struct dvm_dchunk *c)
{
	return (uint8_t *)(c + 1) + ((vs->dvs_keymax + 7u) & ~7u);
}

static uint32_t chunk_valmax(const struct dvm_vstate *vs)
{
	return vs->dvs_chunksize - (uint32_t)sizeof(struct dvm_dchunk) -
	    ((vs->dvs_keymax + 7u) & ~7u);
}

/* ---- Keys ------------------------------------------------------------------ */

struct keybuf {
	uint8_t		b[KEYBUF];
	uint32_t	len;
	bool		overflow;
};

static void key_put(struct keybuf *k, const void *p, uint32_t n)
{
	const uint8_t *s = p;

	if (k->overflow || n > sizeof(k->b) - k->len) {
		k->overflow = true;
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		k->b[k->len + i] = s[i];
	k->len += n;
}

/* Serialise id, scope, thread key and (for arrays) the tuple; false on fault. */
static bool key_build(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, uint32_t id, uint32_t scope, bool tuple, struct keybuf *k)
{
	k->len = 0;
	k->overflow = false;
	key_put(k, &id, 4);
	key_put(k, &scope, 4);
	if (scope == DVM_DSCOPE_THREAD)
		key_put(k, &ms->dms_tkey, 8);
	if (!tuple)
		return true;
	for (uint32_t t = 0; t < ms->dms_ttop && t < DIF_DTR_NREGS; t++) {
		const struct dvm_tuple *e = &ms->dms_tuple[t];
		uint32_t n = e->dtt_size == 0 ? 8 : (uint32_t)(e->dtt_size >
		    KEYBUF ? KEYBUF + 1 : e->dtt_size);

		if (e->dtt_size == 0) {
			key_put(k, &n, 4);
			key_put(k, &e->dtt_value, 8);
			continue;
		}
		/* By reference: bytes up to the size, a string stops at NUL. */
		uint32_t lenpos = k->len, got = 0;

		key_put(k, &got, 4);
		for (uint32_t i = 0; i < n && !k->overflow; i++) {
			uint64_t c;

			if (!dvm_load(dp, ms, pc, DVM_SPACE_CHECKED,
			    e->dtt_value + i, 1, &c))
				return false;
			if (c == 0 && i + 1 == n)
				break;	/* a string's terminator is not key */
			uint8_t b = (uint8_t)c;
			key_put(k, &b, 1);
			got++;
		}
		if (!k->overflow)
			for (int j = 0; j < 4; j++)
				k->b[lenpos + j] = ((uint8_t *)&got)[j];
	}
	return true;
}

static uint64_t key_hash(const struct keybuf *k)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (uint32_t i = 0; i < k->len; i++)
		h = (h ^ k->b[i]) * UINT64_C(0x100000001b3);
	return h;
}

static bool key_equal(struct dvm_dchunk *c, const struct keybuf *k, uint64_t h)
{
	const uint8_t *p = chunk_key(c);

	if (c->dvc_hash != h || c->dvc_keylen != k->len)
		return false;
	for (uint32_t i = 0; i < k->len; i++)
		if (p[i] != k->b[i])
			return false;
	return true;
}

/*
 * Find the chunk of key k; with `remove`, unlink it and return it to the
 * free list (returns NULL then).  *prevp receives nothing useful to callers.
 */
static struct dvm_dchunk *lookup(struct dvm_vstate *vs, const struct keybuf *k,
    uint64_t h, bool remove)
{
	uint32_t *link = &vs->dvs_buckets[h & (vs->dvs_nbuckets - 1)];

	while (*link != 0) {
		uint32_t i = *link;
		struct dvm_dchunk *c = chunk(vs, i);

		if (key_equal(c, k, h)) {
			if (!remove)
				return c;
			*link = c->dvc_next;
			c->dvc_next = vs->dvs_free;
			c->dvc_keylen = 0;
			vs->dvs_free = i;
			return NULL;
		}
		link = &c->dvc_next;
	}
	return NULL;
}

static struct dvm_dchunk *insert(struct dvm_vstate *vs, const struct keybuf *k,
    uint64_t h)
{
	uint32_t i = vs->dvs_free, *head;
	struct dvm_dchunk *c;
	uint8_t *v;

	if (i == 0) {
		vs->dvs_drops++;
		return NULL;
	}
	c = chunk(vs, i);
	vs->dvs_free = c->dvc_next;
	head = &vs->dvs_buckets[h & (vs->dvs_nbuckets - 1)];
	c->dvc_next = *head;
	*head = i;
	c->dvc_hash = h;
	c->dvc_keylen = k->len;
	for (uint32_t j = 0; j < k->len; j++)
		chunk_key(c)[j] = k->b[j];
	v = chunk_val(vs, c);
	for (uint32_t j = 0, n = chunk_valmax(vs); j < n; j++)
		v[j] = 0;
	return c;
}

/* ---- Values -------------------------------------------------------------- */

/* Copy a by-reference value of at most size bytes into dst; false on fault.
 * A string that fills all size bytes keeps no NUL (DTrace: strsize chars). */
static bool copy_in(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, uint8_t *dst, uint64_t src, uint32_t size, bool string)
{
	uint32_t i = 0;

	for (; i < size; i++) {
		uint64_t c;

		if (!dvm_load(dp, ms, pc, DVM_SPACE_CHECKED, src + i, 1, &c))
			return false;
		dst[i] = (uint8_t)c;
		if (string && c == 0)
			break;
	}
	for (; i < size; i++)
		dst[i] = 0;
	return true;
}

static const struct dvm_dshape *dshape(const struct dvm_vstate *vs, uint32_t id,
    uint32_t scope)
{
	uint32_t ix = id - DIF_VAR_OTHER_UBASE;

	if (id < DIF_VAR_OTHER_UBASE)
		return NULL;
	if (scope == DVM_DSCOPE_THREAD)
		return ix < vs->dvs_ntshape ? &vs->dvs_tshape[ix] : NULL;
	return ix < vs->dvs_ngshape ? &vs->dvs_gshape[ix] : NULL;
}

static void dyn_load(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, uint32_t id, uint32_t scope, bool tuple, uint32_t rd)
{
	struct dvm_vstate *vs = ms->dms_vars;
	const struct dvm_dshape *sh = dshape(vs, id, scope);
	struct keybuf k;
	struct dvm_dchunk *c;

	if (sh == NULL) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP, id, DVM_REASON_BAD_OPERAND);
		return;
	}
	if (!key_build(dp, ms, pc, id, scope, tuple, &k))
		return;
	c = k.overflow ? NULL : lookup(vs, &k, key_hash(&k), false);
	if (c == NULL) {
		dvm_put(ms, rd, 0);
		return;
	}
	if (sh->dvd_byref) {
		dvm_put(ms, rd, (uint64_t)(uintptr_t)chunk_val(vs, c));
	} else {
		uint64_t v;
		uint8_t *p = chunk_val(vs, c);

		for (int j = 0; j < 8; j++)
			((uint8_t *)&v)[j] = p[j];
		dvm_put(ms, rd, v);
	}
}

static void dyn_store(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, uint32_t id, uint32_t scope, bool tuple, uint64_t val)
{
	struct dvm_vstate *vs = ms->dms_vars;
	const struct dvm_dshape *sh = dshape(vs, id, scope);
	struct keybuf k;
	struct dvm_dchunk *c;
	uint64_t h;

	if (sh == NULL || (sh->dvd_byref && sh->dvd_size > chunk_valmax(vs))) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP, id, DVM_REASON_BAD_OPERAND);
		return;
	}
	if (!key_build(dp, ms, pc, id, scope, tuple, &k))
		return;
	if (k.overflow || k.len > vs->dvs_keymax) {
		if (val != 0)
			vs->dvs_drops++;
		return;
	}
	h = key_hash(&k);
	if (val == 0) {
		lookup(vs, &k, h, true);
		return;
	}
	c = lookup(vs, &k, h, false);
	if (c == NULL && (c = insert(vs, &k, h)) == NULL)
		return;
	if (sh->dvd_byref) {
		if (!copy_in(dp, ms, pc, chunk_val(vs, c), val, sh->dvd_size,
		    sh->dvd_string))
			lookup(vs, &k, h, true);	/* no half-written value */
	} else {
		uint8_t *p = chunk_val(vs, c);

		for (int j = 0; j < 8; j++)
			p[j] = ((uint8_t *)&val)[j];
	}
}

/* ---- Static slots -------------------------------------------------------- */

static struct dvm_vslot *slot(struct dvm_vstate *vs, uint32_t id, bool local)
{
	uint32_t ix = id - DIF_VAR_OTHER_UBASE;
	struct dvm_vslot *s;

	if (id < DIF_VAR_OTHER_UBASE)
		return NULL;
	if (local)
		s = ix < vs->dvs_nlocal ? &vs->dvs_local[ix] : NULL;
	else
		s = ix < vs->dvs_nglobal ? &vs->dvs_global[ix] : NULL;
	return (s != NULL && s->dvv_used) ? s : NULL;
}

static void static_load(struct dvm_mstate *ms, uint32_t pc, uint32_t id,
    bool local, uint32_t rd)
{
	struct dvm_vslot *s = slot(ms->dms_vars, id, local);
	uint8_t *p;
	uint64_t v = 0;

	if (s == NULL) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP, id, DVM_REASON_BAD_OPERAND);
		return;
	}
	p = ms->dms_vars->dvs_static + s->dvv_off;
	if (s->dvv_byref) {
		dvm_put(ms, rd, p[0] ? 0 : (uint64_t)(uintptr_t)(p + 8));
		return;
	}
	for (int j = 0; j < 8; j++)
		((uint8_t *)&v)[j] = p[j];
	dvm_put(ms, rd, v);
}

static void static_store(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, uint32_t id, bool local, uint64_t val)
{
	struct dvm_vslot *s = slot(ms->dms_vars, id, local);
	uint8_t *p;

	if (s == NULL) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP, id, DVM_REASON_BAD_OPERAND);
		return;
	}
	p = ms->dms_vars->dvs_static + s->dvv_off;
	if (!s->dvv_byref) {
		for (int j = 0; j < 8; j++)
			p[j] = ((uint8_t *)&val)[j];
		return;
	}
	if (val == 0) {
		p[0] = 1;
		return;
	}
	if (val == (uint64_t)(uintptr_t)(p + 8)) {
		p[0] = 0;
		return;
	}
	if (copy_in(dp, ms, pc, p + 8, val, s->dvv_size, s->dvv_string))
		p[0] = 0;
}

/* ---- Built-ins ------------------------------------------------------------- */

static void builtin(struct dvm_mstate *ms, uint32_t pc, uint32_t id,
    uint64_t ndx, uint32_t rd)
{
	uint64_t v = 0;
	int rc;

	if (ms->dms_plat->dp_builtin == NULL) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP, id, DVM_REASON_BUILTIN);
		return;
	}
	rc = ms->dms_plat->dp_builtin(ms->dms_ctx, id, ndx, &v);
	if (rc != 0) {
		dvm_fault(ms, pc, (enum dif_fault)rc, id,
		    rc == DIF_FAULT_ILLOP ? DVM_REASON_BUILTIN : DVM_REASON_NONE);
		return;
	}
	dvm_put(ms, rd, v);
}

void dvm_var_op(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    dif_instr_t in)
{
	uint8_t op = (uint8_t)DIF_INSTR_OP(in);
	uint32_t var = DIF_INSTR_VAR(in), rd = DIF_INSTR_RD(in);
	uint64_t val = ms->dms_regs[DIF_INSTR_RS(in) & (DIF_DIR_NREGS - 1)];

	if (ms->dms_vars == NULL) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP,
		    op == DIF_OP_LDGA ? DIF_INSTR_R1(in) : var, DVM_REASON_VARIABLE);
		return;
	}
	switch (op) {
	case DIF_OP_LDGA:
		builtin(ms, pc, DIF_INSTR_R1(in),
		    ms->dms_regs[DIF_INSTR_R2(in) & (DIF_DIR_NREGS - 1)], rd);
		break;
	case DIF_OP_LDGS:
		if (var < DIF_VAR_OTHER_UBASE)
			builtin(ms, pc, var, 0, rd);
		else
			static_load(ms, pc, var, false, rd);
		break;
	case DIF_OP_STGS:
		static_store(dp, ms, pc, var, false, val);
		break;
	case DIF_OP_LDLS:
		static_load(ms, pc, var, true, rd);
		break;
	case DIF_OP_STLS:
		static_store(dp, ms, pc, var, true, val);
		break;
	case DIF_OP_LDTS:
		dyn_load(dp, ms, pc, var, DVM_DSCOPE_THREAD, false, rd);
		break;
	case DIF_OP_STTS:
		dyn_store(dp, ms, pc, var, DVM_DSCOPE_THREAD, false, val);
		break;
	case DIF_OP_LDGAA:
		dyn_load(dp, ms, pc, var, DVM_DSCOPE_GLOBAL, true, rd);
		break;
	case DIF_OP_LDTAA:
		dyn_load(dp, ms, pc, var, DVM_DSCOPE_THREAD, true, rd);
		break;
	case DIF_OP_STGAA:
		dyn_store(dp, ms, pc, var, DVM_DSCOPE_GLOBAL, true, val);
		break;
	default:	/* sttaa */
		dyn_store(dp, ms, pc, var, DVM_DSCOPE_THREAD, true, val);
		break;
	}
}
