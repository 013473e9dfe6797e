/*
 * dt_engine.c — probe context: fire a probe through its ECBs.
 *
 * Theory.  dt_fire() runs every ECB enabled on a probe, in EPID order.  For
 * each ECB the scratch area is reset, the predicate runs, and then each
 * step: a recording step runs its DIFO and writes the value into a staging
 * record (one per ECB, sized at enable time); an aggregating step runs its
 * tuple's DIFOs and updates the aggregation arena; speculate redirects the
 * staged record to a speculation buffer; commit/discard move or drop a
 * speculation's data.  Only when every step succeeded is the staged record
 * copied into its buffer, so a fault drops the whole ECB's data, as DTrace
 * does.  A fault fires dtrace:::ERROR with DTrace's arguments (arg1 EPID,
 * arg2 action index, 0 = predicate, arg3 DIF byte offset, arg4 fault, arg5
 * address) and records an error record for the consumer, which prints
 * "dtrace: error on enabled probe ID ...".  Faults inside ERROR clauses are
 * counted, never re-fired.
 *
 * Nothing here allocates: buffers, arenas and the staging area were sized
 * by dt_program.c.  Full buffers and arenas are drops (counted), never
 * errors.  The platform layer (dt_platform) gives the VM its memory rules:
 * loads and stores only inside the areas this process allocated for the
 * program, user loads through process_vm_readv (fault-tolerant), scratch
 * from a bump area, built-in variables from the firing's state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dt_impl.h"



static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- Platform ---------------------------------------------------------------- */

struct region {
	uintptr_t	base;
	size_t		size;
	bool		store;
};

static int regions(const struct dt_state *st, struct region *r)
{
	int n = 0;

	r[n++] = (struct region){ (uintptr_t)st->scratch, st->opts.scratchsize, true };
	r[n++] = (struct region){ (uintptr_t)st->vs.dvs_static, 8, true };
	r[n++] = (struct region){ (uintptr_t)st->vs.dvs_chunks,
	    (size_t)st->vs.dvs_nchunks * st->vs.dvs_chunksize, true };
	r[n++] = (struct region){ (uintptr_t)st->strarena, st->strarena_used, false };
	return n;
}

/* Host pointer for [addr, addr + size) if it lies in one region. */
static void *resolve(const struct dt_state *st, uint64_t addr, uint64_t size,
    bool store, uint64_t *room)
{
	struct region r[5];
	int n = regions(st, r);

	/* The static arena's true size is known to dt_program only via slots. */
	r[1].size = st->static_size;
	for (int i = 0; i < n; i++) {
		if (addr >= r[i].base && addr - r[i].base < r[i].size &&
		    size <= r[i].size - (addr - r[i].base)) {
			if (store && !r[i].store)
				return NULL;
			if (room != NULL)
				*room = r[i].size - (addr - r[i].base);
			return (void *)(uintptr_t)addr;
		}
	}
	/* Any DIFO's string table is read-only program data (strtok(NULL)
	 * continues in a constant another DIFO produced). */
	for (uint32_t d = 0; !store && d < st->obj->ndifos; d++) {
		uintptr_t b = (uintptr_t)st->obj->difos[d].strtab;
		uint64_t len = st->obj->difos[d].strlen;

		if (b != 0 && addr >= b && addr - b < len && size <= len - (addr - b)) {
			if (room != NULL)
				*room = len - (addr - b);
			return (void *)(uintptr_t)addr;
		}
	}
	return NULL;
}

static int p_load(void *ctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	struct dt_state *st = ctx;
	uint64_t v = 0;
	void *p;

	if (space == DVM_SPACE_USER) {
		struct iovec l = { &v, size }, rv = { (void *)(uintptr_t)addr, size };

		if (process_vm_readv(getpid(), &l, 1, &rv, 1, 0) != (ssize_t)size)
			return DIF_FAULT_BADADDR;
		*val = v;
		return 0;
	}
	if ((p = resolve(st, addr, size, false, NULL)) == NULL)
		return DIF_FAULT_BADADDR;
	memcpy(&v, p, size);
	*val = v;
	return 0;
}

static int p_store(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	void *p = resolve(ctx, addr, size, true, NULL);

	if (p == NULL)
		return DIF_FAULT_BADADDR;
	memcpy(p, &val, size);
	return 0;
}

static uint64_t p_scratch(void *ctx, uint64_t size)
{
	struct dt_state *st = ctx;
	uint64_t room = st->opts.scratchsize - st->scratch_used;
	uint8_t *p;

	if (size > room || ((size + 7) & ~7ULL) > room)
		return 0;
	p = st->scratch + st->scratch_used;
	st->scratch_used += (size + 7) & ~7ULL;
	memset(p, 0, size);
	return (uint64_t)(uintptr_t)p;
}

static int p_builtin(void *ctx, uint32_t id, uint64_t ndx, uint64_t *val)
{
	struct dt_state *st = ctx;
	const struct dt_probe *p = st->cur_probe;

	switch (id) {
	case DIF_VAR_ARGS:
		if (ndx >= 10)
			return DIF_FAULT_ILLOP;
		*val = st->args[ndx];
		return 0;
	case DIF_VAR_ARG0: case DIF_VAR_ARG1: case DIF_VAR_ARG2: case DIF_VAR_ARG3:
	case DIF_VAR_ARG4: case DIF_VAR_ARG5: case DIF_VAR_ARG6: case DIF_VAR_ARG7:
	case DIF_VAR_ARG8: case DIF_VAR_ARG9:
		*val = st->args[id - DIF_VAR_ARG0];
		return 0;
	case DIF_VAR_TIMESTAMP:
		if (st->timestamp == 0)	/* read once per firing, when asked */
			st->timestamp = now_ns(CLOCK_MONOTONIC);
		*val = st->timestamp;
		return 0;
	case DIF_VAR_VTIMESTAMP: *val = now_ns(CLOCK_THREAD_CPUTIME_ID); return 0;
	case DIF_VAR_WALLTIMESTAMP: *val = now_ns(CLOCK_REALTIME); return 0;
	case DIF_VAR_EPID:	*val = st->cur_ecb ? st->cur_ecb->epid : 0; return 0;
	case DIF_VAR_ID:	*val = p->id; return 0;
	case DIF_VAR_PROBEPROV:	*val = (uintptr_t)p->prov; return 0;
	case DIF_VAR_PROBEMOD:	*val = (uintptr_t)p->mod; return 0;
	case DIF_VAR_PROBEFUNC:	*val = (uintptr_t)p->func; return 0;
	case DIF_VAR_PROBENAME:	*val = (uintptr_t)p->name; return 0;
	case DIF_VAR_PID:	*val = (uint64_t)st->pid; return 0;
	case DIF_VAR_PPID:	*val = (uint64_t)getppid(); return 0;
	case DIF_VAR_TID:	*val = (uint64_t)st->tid; return 0;
	case DIF_VAR_UID:	*val = (uint64_t)getuid(); return 0;
	case DIF_VAR_GID:	*val = (uint64_t)getgid(); return 0;
	case DIF_VAR_EXECNAME:	*val = (uintptr_t)st->execname; return 0;
	case DIF_VAR_ZONENAME:	*val = (uintptr_t)st->zonename; return 0;
	case DIF_VAR_VMNAME:	*val = (uintptr_t)st->vmname; return 0;
	case DIF_VAR_CPU: case DIF_VAR_IPL: case DIF_VAR_ERRNO:
		*val = 0;
		return 0;
	default:	/* kernel stacks, curthread, jails: no kernel here */
		return DIF_FAULT_ILLOP;
	}
}

static uint64_t p_speculation(void *ctx)
{
	struct dt_state *st = ctx;

	for (uint32_t i = 0; i < st->opts.nspec; i++) {
		if (st->specs[i].state == DT_SPEC_INACTIVE) {
			st->specs[i].state = DT_SPEC_ACTIVE;
			st->specs[i].buf.head = 0;
			return i + 1;
		}
	}
	st->specunavail++;
	return 0;
}

const struct dvm_platform dt_platform = {
	p_load, p_store, p_scratch, p_builtin, p_speculation
};

/* ---- Buffers ------------------------------------------------------------- */

/*
 * Reserve n bytes (a multiple of 8).  switch: a full buffer drops until the
 * consumer empties it; fill: the first record that does not fit stops the
 * buffer for good (END's data still goes into the space kept for it);
 * ring: wrap and overwrite the oldest records.
 */
int dt_buf_reserve(struct dt_state *st, struct dt_buf *b, uint32_t n, uint8_t **out)
{
	if (b == &st->pbuf && st->opts.bufpolicy == DT_BUF_RING) {
		if (n > b->size)
			goto drop;
		for (;;) {
			if (!b->wrapped) {
				if (n <= b->size - b->head)
					break;
				b->wrapped = true;	/* older data: [tail, end) */
				b->end = b->head;
				b->head = 0;
				b->tail = 0;
			}
			/* Overwrite the oldest records until n bytes are free. */
			while (b->tail < b->end && b->head + n > b->tail) {
				const struct dt_rechdr *h =
				    (const struct dt_rechdr *)(b->mem + b->tail);

				b->tail += sizeof(*h) + h->size;
			}
			if (b->tail < b->end)
				break;
			b->wrapped = false;	/* the older segment is gone: */
			b->tail = 0;		/* what is left is [0, head) */
		}
		*out = b->mem + b->head;
		b->head += n;
		return 0;
	}
	if (b->full)
		goto drop;
	if (n > b->size - b->head) {
		if (b == &st->pbuf && st->opts.bufpolicy == DT_BUF_FILL)
			b->full = true;
		goto drop;
	}
	*out = b->mem + b->head;
	b->head += n;
	return 0;
drop:
	b->drops++;
	return -ENOSPC;
}

/* ---- Aggregations ---------------------------------------------------------- */

static struct dt_aggent *agg_at(const struct dt_state *st, uint32_t off)
{
	return (struct dt_aggent *)(st->aggmem + off);
}

int64_t *dt_aggent_words(struct dt_aggent *a)
{
	return (int64_t *)((uint8_t *)(a + 1) + ((a->keylen + 7) & ~7u));
}

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

static void agg_apply(struct dt_state *st, const struct dt_aggvar *av,
    const uint8_t *key, uint32_t keylen, int64_t v, int64_t incr)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ av->id;
	uint32_t *link, off;
	struct dt_aggent *a = NULL;
	int64_t *w;

	for (uint32_t i = 0; i < keylen; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	link = &st->aggbuckets[h & (st->naggbuckets - 1)];
	for (off = *link; off != 0; off = a->next) {
		a = agg_at(st, off);
		if (a->hash == h && a->id == av->id && a->keylen == keylen &&
		    memcmp(a + 1, key, keylen) == 0)
			break;
	}
	if (off == 0) {
		uint64_t need = sizeof(*a) + ((keylen + 7) & ~7u) + 8ULL * av->nwords;

		if (need > st->aggsize - st->aggused) {
			st->aggdrops++;
			return;
		}
		off = (uint32_t)st->aggused;
		st->aggused += need;
		a = agg_at(st, off);
		a->id = av->id;
		a->keylen = keylen;
		a->nwords = av->nwords;
		a->hash = h;
		memcpy(a + 1, key, keylen);
		w = dt_aggent_words(a);
		memset(w, 0, 8ULL * av->nwords);
		if (av->func == DIF_ACT_MIN)
			w[0] = INT64_MAX;
		else if (av->func == DIF_ACT_MAX)
			w[0] = INT64_MIN;
		else if (av->func == DIF_ACT_LQUANTIZE || av->func == DIF_ACT_LLQUANTIZE)
			w[0] = (int64_t)av->arg;
		a->next = *link;
		*link = off;
	}
	w = dt_aggent_words(a);
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
		unsigned __int128 sq = (unsigned __int128)mag * mag, cur;

		w[0]++;
		w[1] = (int64_t)((uint64_t)w[1] + (uint64_t)v);
		cur = ((unsigned __int128)(uint64_t)w[3] << 64) | (uint64_t)w[2];
		cur += sq;
		w[2] = (int64_t)(uint64_t)cur;
		w[3] = (int64_t)(uint64_t)(cur >> 64);
		break;
	}
	case DIF_ACT_QUANTIZE:
		w[dcons_quantize__bucket(v)] += incr;
		break;
	case DIF_ACT_LQUANTIZE:
		w[1 + lq_index(av->arg, v)] += incr;
		break;
	default:	/* llquantize */
		w[1 + dcons_llquantize__bucket(av->arg, v)] += incr;
		break;
	}
}

/* ---- Values -------------------------------------------------------------- */

/* The DIFO's own string table is readable (values of `sets`). */
static const void *strtab_ptr(const struct dif_difo *dp, uint64_t addr,
    uint64_t *room)
{
	uintptr_t base = (uintptr_t)dp->dtdo_strtab;

	if (dp->dtdo_strtab == NULL || addr < base || addr - base >= dp->dtdo_strlen)
		return NULL;
	*room = dp->dtdo_strlen - (addr - base);
	return (const void *)(uintptr_t)addr;
}

/*
 * Copy a by-reference value into dst[size]: strings up to their NUL (then
 * NUL-padded), other data exactly size bytes.  0 or a fault code.
 */
static int copy_ref(struct dt_state *st, const struct dif_difo *dp, uint64_t addr,
    uint8_t *dst, uint32_t size, bool string)
{
	uint64_t room = 0;
	const uint8_t *src = strtab_ptr(dp, addr, &room);

	if (src == NULL)
		src = resolve(st, addr, 1, false, &room);
	if (src == NULL)
		return DIF_FAULT_BADADDR;
	if (string) {
		uint64_t n = room < size ? room : size;
		const uint8_t *z = memchr(src, 0, n);
		uint64_t len = z ? (uint64_t)(z - src) : n;

		if (len >= size)
			len = size - 1;
		memcpy(dst, src, len);
		memset(dst + len, 0, size - len);
		return 0;
	}
	if (room < size)
		return DIF_FAULT_BADADDR;
	memcpy(dst, src, size);
	return 0;
}

/* A string key: its bytes (at most max) and a NUL, no padding; *len bytes. */
static int copy_key_string(struct dt_state *st, const struct dif_difo *dp,
    uint64_t addr, uint8_t *dst, uint32_t max, uint32_t *len)
{
	uint64_t room = 0;
	const uint8_t *src = strtab_ptr(dp, addr, &room), *z;
	uint64_t n;

	if (src == NULL)
		src = resolve(st, addr, 1, false, &room);
	if (src == NULL)
		return DIF_FAULT_BADADDR;
	n = room < max ? room : max;
	z = memchr(src, 0, n);
	n = z ? (uint64_t)(z - src) : n;
	memcpy(dst, src, n);
	dst[n] = 0;
	*len = (uint32_t)n;
	return 0;
}

/* ---- Firing ---------------------------------------------------------------- */

static void fire_ecb(struct dt_state *st, struct dt_ecb *e);

static void report_error(struct dt_state *st, struct dt_ecb *e, uint32_t actndx,
    const struct dvm_mstate *ms, int fault, uint64_t illval)
{
	uint64_t errargs[10] = { 0 }, rec[5];
	const uint64_t *saved = st->args;
	struct dt_probe *sp = st->cur_probe;
	struct dt_ecb *se = st->cur_ecb;
	uint8_t *p;
	struct dt_probe *errp = st->probes[2];	/* dtrace:::ERROR */
	uint64_t off = ms != NULL ? (uint64_t)ms->dms_fault_pc * 4 : (uint64_t)-1;

	st->errors++;
	if (st->in_error)
		return;
	st->in_error = true;
	errargs[1] = e->epid;
	errargs[2] = actndx;
	errargs[3] = off;
	errargs[4] = (uint64_t)fault;
	errargs[5] = illval;
	st->args = errargs;
	st->cur_probe = errp;
	for (struct dt_ecb *x = errp->ecbs; x != NULL; x = x->next)
		fire_ecb(st, x);
	rec[0] = e->epid;
	rec[1] = actndx;
	rec[2] = off;
	rec[3] = (uint64_t)fault;
	rec[4] = illval;
	if (dt_buf_reserve(st, &st->pbuf, sizeof(struct dt_rechdr) + sizeof(rec), &p) == 0) {
		struct dt_rechdr h = { st->error_ecb.epid, sizeof(rec), now_ns(CLOCK_MONOTONIC) };

		memcpy(p, &h, sizeof(h));
		memcpy(p + sizeof(h), rec, sizeof(rec));
	}
	st->args = saved;
	st->cur_probe = sp;
	st->cur_ecb = se;
	st->in_error = false;
}

static bool run(struct dt_state *st, struct dt_ecb *e, const struct dif_difo *dp,
    uint32_t actndx, struct dvm_mstate *ms, uint64_t *out)
{
	if (dvm_difo__emulate(dp, ms) == 0) {
		*out = ms->dms_result;
		return true;
	}
	report_error(st, e, actndx, ms, ms->dms_fault, ms->dms_illval);
	return false;
}

/* Serialise an aggregation key: strings with their NUL, integers as 8 bytes. */
static bool agg_key(struct dt_state *st, struct dt_ecb *e, const struct dt_step *s,
    struct dvm_mstate *ms, uint8_t *key, uint32_t *keylen, int64_t *incr)
{
	uint32_t n = 0, nkeys = s->ntuple - 1 - (s->has_incr ? 1 : 0);
	uint64_t v;

	for (uint32_t k = 0; k < nkeys; k++) {
		const struct dt_step *ks = &e->steps[s->tuple_first + 1 + k];

		if (!run(st, e, &ks->difo, ks->actndx, ms, &v))
			return false;
		if (ks->string) {
			uint32_t len;
			int f = copy_key_string(st, &ks->difo, v, key + n,
			    (uint32_t)st->opts.strsize, &len);

			if (f != 0) {
				report_error(st, e, ks->actndx, NULL, f, v);
				return false;
			}
			n += len + 1;
		} else {
			memcpy(key + n, &v, 8);
			n += 8;
		}
	}
	*incr = 1;
	if (s->has_incr) {
		const struct dt_step *is = &e->steps[s->tuple_first + s->ntuple - 1];

		if (!run(st, e, &is->difo, is->actndx, ms, &v))
			return false;
		*incr = (int64_t)v;
	}
	*keylen = n;
	return true;
}

static bool do_agg(struct dt_state *st, struct dt_ecb *e, const struct dt_step *s,
    struct dvm_mstate *ms)
{
	uint32_t keylen;
	uint64_t id, v = 0;
	int64_t incr;
	const struct dt_aggvar *av;

	if (s->aggid != 0)
		id = s->aggid;
	else if (!run(st, e, &e->steps[s->tuple_first].difo, s->tuple_first + 1, ms, &id))
		return false;
	if (id == 0 || id > st->naggvars || !st->aggvars[id - 1].declared) {
		report_error(st, e, s->actndx, NULL, DIF_FAULT_ILLOP, id);
		return false;
	}
	av = &st->aggvars[id - 1];
	if (!agg_key(st, e, s, ms, st->keybuf, &keylen, &incr))
		return false;
	if (s->has_difo && !run(st, e, &s->difo, s->actndx, ms, &v))
		return false;
	agg_apply(st, av, st->keybuf, keylen, (int64_t)v, incr);
	return true;
}

static struct dt_spec *spec_of(struct dt_state *st, uint64_t id)
{
	return id >= 1 && id <= st->opts.nspec ? &st->specs[id - 1] : NULL;
}

static void commit_spec(struct dt_state *st, struct dt_spec *sp)
{
	uint8_t *p;

	if (sp->buf.head > 0) {
		if (dt_buf_reserve(st, &st->pbuf, (uint32_t)sp->buf.head, &p) == 0)
			memcpy(p, sp->buf.mem, sp->buf.head);
	}
	sp->buf.head = 0;
	sp->state = DT_SPEC_INACTIVE;
}

static void fire_ecb(struct dt_state *st, struct dt_ecb *e)
{
	/* One machine state per state, set up at enable (dt_state_open); a
	 * fault in this ECB fires ERROR clauses that reuse it, after which
	 * this ECB stops, so sharing it is safe. */
	struct dvm_mstate *msp = &st->ms;
	uint64_t v;
	uint8_t *data = st->stage + sizeof(struct dt_rechdr);
	struct dt_buf *target = &st->pbuf;
	bool record = true;

	st->cur_ecb = e;
	st->scratch_used = 0;
	msp->dms_tkey = st->tkey;
	msp->dms_strtok = 0;
#define ms (*msp)
	if (e->has_pred && (!run(st, e, &e->pred, 0, &ms, &v) || v == 0))
		return;
	for (uint32_t i = 0; i < e->nsteps; i++) {
		struct dt_step *s = &e->steps[i];
		struct dt_spec *sp;

		switch (s->kind) {
		case DT_STEP_TUPLE:
			continue;
		case DT_STEP_AGG:
			if (!do_agg(st, e, s, &ms))
				return;
			continue;
		case DT_STEP_VOID:
			if (!run(st, e, &s->difo, s->actndx, &ms, &v))
				return;
			continue;
		case DT_STEP_SPECULATE:
			if (!run(st, e, &s->difo, s->actndx, &ms, &v))
				return;
			sp = spec_of(st, v);
			if (sp == NULL || sp->state != DT_SPEC_ACTIVE) {
				if (v != 0)
					st->specbusy++;
				record = false;
			} else {
				target = &sp->buf;
			}
			continue;
		case DT_STEP_COMMIT: case DT_STEP_DISCARD:
			if (!run(st, e, &s->difo, s->actndx, &ms, &v))
				return;
			if ((sp = spec_of(st, v)) != NULL && sp->state == DT_SPEC_ACTIVE) {
				if (s->kind == DT_STEP_COMMIT)
					sp->state = DT_SPEC_COMMIT;
				else {
					sp->buf.head = 0;
					sp->state = DT_SPEC_INACTIVE;
				}
			}
			continue;
		default:
			break;
		}
		/* RECORD / EXIT */
		if (s->has_difo && !run(st, e, &s->difo, s->actndx, &ms, &v))
			return;
		if (!s->has_difo)
			v = 0;
		const struct dt_rec *r = &e->recs[s->rec];

		if (s->byref && s->actkind != DIF_ACT_PRINTA &&
		    s->actkind != DIF_ACT_TRACEMEM_DYNSIZE) {
			int f = copy_ref(st, &s->difo, v, data + r->off, r->size, s->string);

			if (f != 0) {
				report_error(st, e, s->actndx, NULL, f, v);
				return;
			}
		} else {
			memset(data + r->off, 0, (r->size + 7) & ~7u);
			memcpy(data + r->off, &v, r->size);
		}
		if (s->kind == DT_STEP_EXIT && !st->exiting) {
			st->exiting = true;
			st->exit_status = (int)(int32_t)v;
		}
	}
	if (record && e->records) {
		struct dt_rechdr h;
		uint8_t *p;

		if (st->timestamp == 0)
			st->timestamp = now_ns(CLOCK_MONOTONIC);
		h = (struct dt_rechdr){ e->epid, e->datasize, st->timestamp };
		memcpy(st->stage, &h, sizeof(h));
		if (target != &st->pbuf && target->size - target->head < sizeof(h) + e->datasize)
			st->specdrops++;
		if (dt_buf_reserve(st, target, (uint32_t)sizeof(h) + e->datasize, &p) == 0)
			memcpy(p, st->stage, sizeof(h) + e->datasize);
		else if (target != &st->pbuf)
			target->drops--;	/* counted as a speculative drop above */
	}
#undef ms
	for (uint32_t i = 0; i < st->opts.nspec; i++)
		if (st->specs[i].state == DT_SPEC_COMMIT)
			commit_spec(st, &st->specs[i]);
}

void dt_fire(struct dt_state *st, struct dt_probe *p, const uint64_t *args)
{

	st->cur_probe = p;
	static const uint64_t none[10];

	st->args = args != NULL ? args : none;
	st->timestamp = 0;
	for (struct dt_ecb *e = p->ecbs; e != NULL; e = e->next)
		fire_ecb(st, e);
	st->cur_ecb = NULL;
}
