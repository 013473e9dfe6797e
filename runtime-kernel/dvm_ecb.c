/*
 * dvm_ecb.c — fire a probe through its ECBs (probe context).
 *
 * Theory.  dvm_engine__fire() runs every ECB enabled on a probe, in EPID
 * order.  For each ECB the scratch area is reset, the predicate runs (a
 * predicate of simple shape, such as pid == 1 && cpu != 0, without the
 * emulator: dvm_fastpred.h decides at the ECB's first firing), and
 * then each step: a recording step runs its DIFO and writes the value into
 * the staging record (one, sized at enable time for the largest ECB); an
 * aggregating step runs its tuple's DIFOs and updates the aggregation
 * arena (dvm_agg.c); speculate redirects the staged record to a
 * speculation buffer; commit/discard move or drop a speculation's data.
 * Only when every step succeeded is the staged record copied into its
 * buffer (dvm_buf.c), so a fault drops the whole ECB's data, as DTrace
 * does.  A fault fires dtrace:::ERROR with DTrace's arguments (arg1 EPID,
 * arg2 action index, 0 = predicate, arg3 DIF byte offset, arg4 fault, arg5
 * address) and writes an error record (dvm_engine.h) the consumer turns
 * into "dtrace: error on enabled probe ID ...".  A fault inside an ERROR
 * clause is counted, never re-fired.
 *
 * DTrace takes an ECB's record room before its predicate; a fast predicate
 * here runs first and the room check after it, to the same effect
 * (fire_known says why).  A predicate of one value against a constant
 * also has a guard (struct dvm_guard): when it is false and the room
 * certificate (room_cert) covers the record, DTrace would leave nothing
 * behind, and the ECB is "quiet" —
 * dvm_engine__fire skips it without even setting up the firing, which
 * fire_from does from the first ECB that is not quiet.
 *
 * The engine is the emulator's platform (dvm_platform.h): loads and stores
 * land in the memory it owns — scratch, the static variable arena, the
 * dynamic-variable chunks — or, read-only, in the regions the driver
 * registered (probe names, string tables).  Anything else goes to the
 * host (dh_load), which knows what user, kernel or guest memory means.
 * Nothing here allocates, prints or calls libc.  Freestanding.
 */
#include "dvm_engine.h"

/* ---- Platform ---------------------------------------------------------------- */

static bool within(uint64_t base, uint64_t len, uint64_t addr, uint64_t size,
    uint64_t *room)
{
	if (base == 0 || addr < base || addr - base >= len || size > len - (addr - base))
		return false;
	if (room != 0)
		*room = len - (addr - base);
	return true;
}

/* Host pointer for [addr, addr + size) if the engine owns it all. */
static void *resolve(const struct dvm_engine *eng, uint64_t addr, uint64_t size,
    bool store, uint64_t *room)
{
	const struct dvm_vstate *vs = &eng->vs;

	if (within((uintptr_t)eng->scratch, eng->scratchsize, addr, size, room) ||
	    within((uintptr_t)vs->dvs_static, eng->static_size, addr, size, room) ||
	    within((uintptr_t)vs->dvs_chunks,
	    (uint64_t)vs->dvs_nchunks * vs->dvs_chunksize, addr, size, room))
		return (void *)(uintptr_t)addr;
	for (uint32_t i = 0; !store && i < eng->nro; i++)
		if (within(eng->ro[i].base, eng->ro[i].size, addr, size, room))
			return (void *)(uintptr_t)addr;
	return 0;
}

static int p_load(void *ctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	struct dvm_engine *eng = ctx;
	uint64_t v = 0;
	void *p;

	if (space != DVM_SPACE_USER && (p = resolve(eng, addr, size, false, 0)) != 0) {
		__builtin_memcpy(&v, p, size);
		*val = v;
		return 0;
	}
	if (eng->host->dh_load == 0)
		return DIF_FAULT_BADADDR;
	return eng->host->dh_load(eng->hostctx, space, addr, size, val);
}

static int p_store(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	void *p = resolve(ctx, addr, size, true, 0);

	if (p == 0)
		return DIF_FAULT_BADADDR;
	__builtin_memcpy(p, &val, size);
	return 0;
}

static uint64_t p_scratch(void *ctx, uint64_t size)
{
	struct dvm_engine *eng = ctx;
	uint64_t room = eng->scratchsize - eng->scratch_used;
	uint8_t *p;

	if (size > room || ((size + 7) & ~7ULL) > room)
		return 0;
	p = eng->scratch + eng->scratch_used;
	eng->scratch_used += (size + 7) & ~7ULL;
	__builtin_memset(p, 0, size);
	return (uint64_t)(uintptr_t)p;
}

static uint64_t now(struct dvm_engine *eng, enum dvm_clock clk)
{
	return eng->host->dh_time != 0 ? eng->host->dh_time(eng->hostctx, clk) : 0;
}

static uint64_t firing_time(struct dvm_engine *eng)
{
	if (eng->timestamp == 0)	/* read once per firing, when asked */
		eng->timestamp = now(eng, DVM_CLOCK_MONOTONIC);
	return eng->timestamp;
}

static int p_builtin(void *ctx, uint32_t id, uint64_t ndx, uint64_t *val)
{
	struct dvm_engine *eng = ctx;
	const struct dvm_probe *p = eng->cur_probe;

	switch (id) {
	case DIF_VAR_ARGS:
		if (ndx >= 10)
			return DIF_FAULT_ILLOP;
		*val = eng->args[ndx];
		return 0;
	case DIF_VAR_ARG0: case DIF_VAR_ARG1: case DIF_VAR_ARG2: case DIF_VAR_ARG3:
	case DIF_VAR_ARG4: case DIF_VAR_ARG5: case DIF_VAR_ARG6: case DIF_VAR_ARG7:
	case DIF_VAR_ARG8: case DIF_VAR_ARG9:
		*val = eng->args[id - DIF_VAR_ARG0];
		return 0;
	case DIF_VAR_TIMESTAMP:	*val = firing_time(eng); return 0;
	case DIF_VAR_VTIMESTAMP: *val = now(eng, DVM_CLOCK_THREAD); return 0;
	case DIF_VAR_WALLTIMESTAMP: *val = now(eng, DVM_CLOCK_REALTIME); return 0;
	case DIF_VAR_EPID:	*val = eng->cur_ecb ? eng->cur_ecb->epid : 0; return 0;
	case DIF_VAR_ID:	*val = p->id; return 0;
	case DIF_VAR_PROBEPROV:	*val = (uintptr_t)p->prov; return 0;
	case DIF_VAR_PROBEMOD:	*val = (uintptr_t)p->mod; return 0;
	case DIF_VAR_PROBEFUNC:	*val = (uintptr_t)p->func; return 0;
	case DIF_VAR_PROBENAME:	*val = (uintptr_t)p->name; return 0;
	default:
		if (eng->host->dh_builtin == 0)
			return DIF_FAULT_ILLOP;
		return eng->host->dh_builtin(eng->hostctx, id, ndx, val);
	}
}

static uint64_t p_speculation(void *ctx)
{
	struct dvm_engine *eng = ctx;

	for (uint32_t i = 0; i < eng->nspec; i++) {
		if (eng->specs[i].state == DVM_SPEC_INACTIVE) {
			eng->specs[i].state = DVM_SPEC_ACTIVE;
			eng->specs[i].buf.head = 0;
			eng->specs[i].buf.acct = 0;
			return i + 1;
		}
	}
	eng->specunavail++;
	return 0;
}

static int p_subr(void *ctx, uint32_t subr, const uint64_t *args,
    uint32_t nargs, uint64_t *val)
{
	struct dvm_engine *eng = ctx;

	if (eng->host->dh_subr == 0)
		return DIF_FAULT_ILLOP;
	return eng->host->dh_subr(eng->hostctx, subr, args, nargs, val);
}

static const struct dvm_platform engine_platform = {
	p_load, p_store, p_scratch, p_builtin, p_speculation, p_subr
};

void dvm_engine__init(struct dvm_engine *eng)
{
	dvm_mstate__init(&eng->ms, &engine_platform, eng);
	eng->ms.dms_vars = &eng->vs;
	eng->ms.dms_strsize = eng->strsize;
	dvm_vstate__reset(&eng->vs);
	dvm_agg__reset(eng);
	eng->room_cert = 0;
}

/* ---- Values -------------------------------------------------------------- */

static const uint8_t *find_nul(const uint8_t *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (s[i] == 0)
			return s + i;
	return 0;
}

/* Where a by-reference value lives: the DIFO's strings or engine memory. */
static const uint8_t *ref_source(const struct dvm_engine *eng,
    const struct dif_difo *dp, uint64_t addr, uint64_t *room)
{
	if (within((uintptr_t)dp->dtdo_strtab, dp->dtdo_strlen, addr, 1, room))
		return (const uint8_t *)(uintptr_t)addr;
	return resolve(eng, addr, 1, false, room);
}

/*
 * Copy a by-reference value into dst[size]: strings up to their NUL (then
 * NUL-padded), other data exactly size bytes.  0 or a fault code.
 */
static int copy_ref(const struct dvm_engine *eng, const struct dif_difo *dp,
    uint64_t addr, uint8_t *dst, uint32_t size, bool string)
{
	uint64_t room = 0;
	const uint8_t *src = ref_source(eng, dp, addr, &room);

	if (src == 0)
		return DIF_FAULT_BADADDR;
	if (string) {
		uint64_t n = room < size ? room : size;
		const uint8_t *z = find_nul(src, n);
		uint64_t len = z ? (uint64_t)(z - src) : n;

		__builtin_memcpy(dst, src, len);
		__builtin_memset(dst + len, 0, size - len);
		return 0;
	}
	if (room < size)
		return DIF_FAULT_BADADDR;
	__builtin_memcpy(dst, src, size);
	return 0;
}

/* A string key: its bytes (at most max) and a NUL, no padding; *len bytes. */
static int copy_key_string(const struct dvm_engine *eng,
    const struct dif_difo *dp, uint64_t addr, uint8_t *dst, uint32_t max,
    uint32_t *len)
{
	uint64_t room = 0, n;
	const uint8_t *src = ref_source(eng, dp, addr, &room), *z;

	if (src == 0)
		return DIF_FAULT_BADADDR;
	n = room < max ? room : max;
	z = find_nul(src, n);
	n = z ? (uint64_t)(z - src) : n;
	__builtin_memcpy(dst, src, n);
	dst[n] = 0;
	*len = (uint32_t)n;
	return 0;
}

/* ---- Firing ---------------------------------------------------------------- */

static void fire_ecb(struct dvm_engine *eng, struct dvm_ecb *e);
static uint64_t current_pid(struct dvm_engine *eng);
static bool is_user_sym_action(uint16_t k);

static void write_error_record(struct dvm_engine *eng, const uint64_t *w)
{
	struct dvm_rechdr h;
	uint8_t *p;

	if (dvm_buf__reserve_acct(eng, &eng->pbuf, sizeof(h) + 8 * DVM_ERROR_WORDS,
	    12 + 8 * DVM_ERROR_WORDS, 8, &p) != 0)
		return;
	h = (struct dvm_rechdr){ eng->error_epid, 8 * DVM_ERROR_WORDS,
	    now(eng, DVM_CLOCK_MONOTONIC) };
	__builtin_memcpy(p, &h, sizeof(h));
	__builtin_memcpy(p + sizeof(h), w, 8 * DVM_ERROR_WORDS);
}

static void report_error(struct dvm_engine *eng, struct dvm_ecb *e,
    uint32_t actndx, const struct dvm_mstate *ms, int fault, uint64_t illval)
{
	uint64_t errargs[10] = { 0 }, w[DVM_ERROR_WORDS];
	const uint64_t *saved = eng->args;
	struct dvm_probe *sp = eng->cur_probe;
	struct dvm_ecb *se = eng->cur_ecb;
	uint64_t off = ms != 0 ? (uint64_t)ms->dms_fault_pc * 4 : (uint64_t)-1;

	eng->errors++;
	if (eng->in_error)
		return;
	eng->in_error = true;
	errargs[1] = e->epid;
	errargs[2] = actndx;
	errargs[3] = off;
	errargs[4] = (uint64_t)fault;
	errargs[5] = illval;
	if (eng->error_probe != 0) {
		eng->args = errargs;
		eng->cur_probe = eng->error_probe;
		for (struct dvm_ecb *x = eng->error_probe->ecbs; x != 0; x = x->next)
			fire_ecb(eng, x);
	}
	w[0] = e->epid;
	w[1] = actndx;
	w[2] = off;
	w[3] = (uint64_t)fault;
	w[4] = illval;
	write_error_record(eng, w);
	eng->args = saved;
	eng->cur_probe = sp;
	eng->cur_ecb = se;
	eng->in_error = false;
}

static bool run(struct dvm_engine *eng, struct dvm_ecb *e,
    const struct dif_difo *dp, uint32_t actndx, uint64_t *out)
{
	if (dvm_difo__emulate(dp, &eng->ms) == 0) {
		*out = eng->ms.dms_result;
		return true;
	}
	report_error(eng, e, actndx, &eng->ms, eng->ms.dms_fault, eng->ms.dms_illval);
	return false;
}

/* Serialise an aggregation key: strings with their NUL, integers as 8 bytes. */
static bool agg_key(struct dvm_engine *eng, struct dvm_ecb *e,
    const struct dvm_step *s, uint32_t *keylen, int64_t *incr)
{
	uint32_t n = 0, nkeys = s->ntuple - 1 - (s->has_incr ? 1 : 0);
	uint8_t *key = eng->keybuf;
	uint64_t v;

	for (uint32_t k = 0; k < nkeys; k++) {
		const struct dvm_step *ks = &e->steps[s->tuple_first + 1 + k];

		if (!run(eng, e, &ks->difo, ks->actndx, &v))
			return false;
		if (ks->string) {
			uint32_t len;
			int f = copy_key_string(eng, &ks->difo, v, key + n,
			    (uint32_t)eng->strsize, &len);

			if (f != 0) {
				report_error(eng, e, ks->actndx, 0, f, v);
				return false;
			}
			n += len + 1;
		} else if (is_user_sym_action(ks->actkind)) {
			uint64_t w[2] = { current_pid(eng), v };

			__builtin_memcpy(key + n, w, 16);
			n += 16;
		} else {
			__builtin_memcpy(key + n, &v, 8);
			n += 8;
		}
	}
	*incr = 1;
	if (s->has_incr) {
		const struct dvm_step *is = &e->steps[s->tuple_first + s->ntuple - 1];

		if (!run(eng, e, &is->difo, is->actndx, &v))
			return false;
		*incr = (int64_t)v;
	}
	*keylen = n;
	return true;
}

static bool do_agg(struct dvm_engine *eng, struct dvm_ecb *e,
    const struct dvm_step *s)
{
	uint32_t keylen;
	uint64_t id, v = 0;
	int64_t incr;
	const struct dvm_aggvar *av;

	if (s->aggid != 0)
		id = s->aggid;
	else if (!run(eng, e, &e->steps[s->tuple_first].difo, s->tuple_first + 1, &id))
		return false;
	if (id == 0 || id > eng->naggvars || !eng->aggvars[id - 1].declared) {
		report_error(eng, e, s->actndx, 0, DIF_FAULT_ILLOP, id);
		return false;
	}
	av = &eng->aggvars[id - 1];
	if (!agg_key(eng, e, s, &keylen, &incr))
		return false;
	if (s->has_difo && !run(eng, e, &s->difo, s->actndx, &v))
		return false;
	dvm_agg__apply(eng, av, eng->keybuf, keylen, (int64_t)v, incr);
	return true;
}

static struct dvm_spec *spec_of(struct dvm_engine *eng, uint64_t id)
{
	return id >= 1 && id <= eng->nspec ? &eng->specs[id - 1] : 0;
}

static void commit_spec(struct dvm_engine *eng, struct dvm_spec *sp)
{
	uint8_t *p;

	if (sp->buf.head > 0 && dvm_buf__reserve_acct(eng, &eng->pbuf,
	    (uint32_t)sp->buf.head, (uint32_t)sp->buf.acct, 8, &p) == 0)
		__builtin_memcpy(p, sp->buf.mem, sp->buf.head);
	sp->buf.head = 0;
	sp->buf.acct = 0;
	sp->state = DVM_SPEC_INACTIVE;
}

/*
 * speculate/commit/discard; false when the clause must stop.  As in
 * DTrace, a speculate() that gets no buffer (id 0, not active) or whose
 * buffer cannot take this ECB's record stops the clause: the actions after
 * it do not run and nothing is recorded.
 */
static bool spec_step(struct dvm_engine *eng, struct dvm_ecb *e,
    const struct dvm_step *s, struct dvm_buf **target)
{
	struct dvm_spec *sp;
	uint64_t v;

	if (!run(eng, e, &s->difo, s->actndx, &v))
		return false;
	sp = spec_of(eng, v);
	if (s->kind == DVM_STEP_SPECULATE) {
		if (sp == 0 || sp->state != DVM_SPEC_ACTIVE) {
			if (v != 0)
				eng->specbusy++;
			return false;
		}
		if (e->records && !dvm_buf__fits(eng, &sp->buf,
		    sizeof(struct dvm_rechdr) + e->datasize, e->dsize, e->dalign)) {
			sp->buf.drops--;	/* counted as a speculative drop */
			eng->specdrops++;
			return false;
		}
		*target = &sp->buf;
		return true;
	}
	if (sp != 0 && sp->state == DVM_SPEC_ACTIVE) {
		if (s->kind == DVM_STEP_COMMIT) {
			sp->state = DVM_SPEC_COMMIT;
		} else {
			sp->buf.head = 0;
			sp->buf.acct = 0;
			sp->state = DVM_SPEC_INACTIVE;
		}
	}
	return true;
}

static uint64_t current_pid(struct dvm_engine *eng)
{
	uint64_t pid = 0;

	if (eng->host->dh_builtin == 0 ||
	    eng->host->dh_builtin(eng->hostctx, DIF_VAR_PID, 0, &pid) != 0)
		return 0;
	return pid;
}

/*
 * stack(), ustack(), jstack(): the record is size / 8 words of pcs,
 * zero-padded; a user stack puts the pid first (the consumer's layout).
 */
static void stack_record(struct dvm_engine *eng, const struct dvm_step *s,
    uint8_t *dst, uint32_t size)
{
	uint64_t *w = (uint64_t *)(void *)dst;
	uint32_t nw = size / 8, first = 0;
	int user = s->actkind != DIF_ACT_STACK;

	__builtin_memset(dst, 0, size);
	if (user && nw > 0) {
		w[0] = current_pid(eng);
		first = 1;
	}
	if (eng->host->dh_stack != 0 && nw > first)
		eng->host->dh_stack(eng->hostctx, user, w + first, nw - first);
}

static bool is_stack_action(uint16_t k)
{
	return k == DIF_ACT_STACK || k == DIF_ACT_USTACK || k == DIF_ACT_JSTACK;
}

/* usym(), umod(), uaddr() record the pid, then the address. */
static bool is_user_sym_action(uint16_t k)
{
	return k == DIF_ACT_USYM || k == DIF_ACT_UMOD || k == DIF_ACT_UADDR;
}

/* A recording step: its value into the staged record. */
static bool record_step(struct dvm_engine *eng, struct dvm_ecb *e,
    const struct dvm_step *s, uint8_t *data)
{
	const struct dvm_rec *r = &e->recs[s->rec];
	uint64_t v = 0;

	if (is_stack_action(s->actkind)) {
		stack_record(eng, s, data + r->off, r->size);
		return true;
	}
	if (s->has_difo && !run(eng, e, &s->difo, s->actndx, &v))
		return false;
	if (is_user_sym_action(s->actkind) && r->size == 16) {
		uint64_t w[2] = { current_pid(eng), v };

		__builtin_memcpy(data + r->off, w, 16);
		return true;
	}
	if (s->byref && s->actkind != DIF_ACT_PRINTA &&
	    s->actkind != DIF_ACT_TRACEMEM_DYNSIZE) {
		int f = copy_ref(eng, &s->difo, v, data + r->off, r->size, s->string);

		if (f != 0) {
			report_error(eng, e, s->actndx, 0, f, v);
			return false;
		}
	} else {
		__builtin_memset(data + r->off, 0, (r->size + 7) & ~7u);
		__builtin_memcpy(data + r->off, &v, r->size);
	}
	if (s->kind == DVM_STEP_EXIT) {
		/* Once per session before END; END may set a new status. */
		if (eng->activity == DVM_ACTIVITY_DRAINING)
			return false;
		if (eng->activity != DVM_ACTIVITY_COOLDOWN) {
			eng->activity = DVM_ACTIVITY_DRAINING;
			eng->exiting = true;
		}
		eng->exit_pending = true;
		eng->exit_value = (int)(int32_t)v;
	}
	return true;
}

static void commit_record(struct dvm_engine *eng, struct dvm_ecb *e,
    struct dvm_buf *target)
{
	struct dvm_rechdr h = { e->epid, e->datasize, firing_time(eng) };
	uint32_t n = (uint32_t)sizeof(h) + e->datasize;
	uint8_t *p;

	__builtin_memcpy(eng->stage, &h, sizeof(h));
	if (dvm_buf__reserve_acct(eng, target, n, e->dsize, e->dalign, &p) == 0) {
		__builtin_memcpy(p, eng->stage, n);
		if (eng->exit_pending) {	/* the status is the record's */
			eng->have_status = true;
			eng->exit_status = eng->exit_value;
		}
	} else if (target != &eng->pbuf) {
		target->drops--;	/* a speculative drop, counted as such */
		eng->specdrops++;
	}
}

/* Room to spare for e's record in a switch buffer, even after alignment:
 * certainly fits, and asking dvm_buf__fits would change nothing. */
static inline bool room_for_fast(const struct dvm_engine *eng,
    const struct dvm_ecb *e)
{
	const struct dvm_buf *b = &eng->pbuf;
	uint32_t n = sizeof(struct dvm_rechdr) + e->datasize;

	return eng->bufpolicy == DVM_BUF_SWITCH && b->limit != 0 &&
	    b->size - b->head >= n && b->acct <= b->limit &&
	    b->limit - b->acct >= (uint64_t)e->dsize + 8;
}

/*
 * The principal buffer's room for e's record; the common case inline.
 * Room to spare also becomes the engine's room certificate: the most any
 * record may need (max of real and DTrace bytes, the guard's need) and
 * still certainly fit, which lets quiet() skip this check.
 */
static inline bool room_for(struct dvm_engine *eng, const struct dvm_ecb *e)
{
	const struct dvm_buf *b = &eng->pbuf;

	if (room_for_fast(eng, e)) {	/* so limit - acct >= 8 */
		uint64_t real = b->size - b->head, acct = b->limit - b->acct - 8;

		eng->room_cert = real < acct ? real : acct;
		return true;
	}
	return dvm_buf__fits(eng, &eng->pbuf,
	    sizeof(struct dvm_rechdr) + e->datasize, e->dsize, e->dalign);
}

/* raise(), stop(), chill(): the host acts; a refusal is a fault. */
static bool host_action(struct dvm_engine *eng, struct dvm_ecb *e,
    const struct dvm_step *s)
{
	uint64_t v = 0;
	int f;

	if (s->has_difo && !run(eng, e, &s->difo, s->actndx, &v))
		return false;
	f = eng->host != 0 && eng->host->dh_action != 0 ?
	    eng->host->dh_action(eng->hostctx, s->actkind, v) : DIF_FAULT_ILLOP;
	if (f != 0) {
		report_error(eng, e, s->actndx, 0, f, 0);
		return false;
	}
	return true;
}

/* p_builtin with the per-thread ids first: the fast predicate's common
 * loads (pid, tid) come from the firing's fields when the host set them,
 * else straight from the host, skipping the engine's own switch. */
static inline int fast_builtin(void *ctx, uint32_t id, uint64_t ndx,
    uint64_t *val)
{
	struct dvm_engine *eng = ctx;

	if (eng->has_ids && (id == DIF_VAR_PID || id == DIF_VAR_TID)) {
		*val = id == DIF_VAR_PID ? eng->fire_pid : eng->fire_tid;
		return 0;
	}
	if ((id == DIF_VAR_PID || id == DIF_VAR_TID) && eng->host->dh_builtin != 0)
		return eng->host->dh_builtin(eng->hostctx, id, ndx, val);
	return p_builtin(ctx, id, ndx, val);
}

/* Does the flattened test say "true iff equal" (1), "true iff not" (0),
 * or something else (-1)?  Results by the flags index n | z << 1 | c << 2:
 * equality is index 2; every other index cmp or tst can give is unequal. */
static int equality_sense(const struct dvm_fastone *o)
{
	static const uint8_t cmp_ne[] = { 0, 1, 4, 5 }, tst_ne[] = { 0 };
	const uint8_t *ne = o->test == DVM_FN_TST ? tst_ne : cmp_ne;
	unsigned nne = o->test == DVM_FN_TST ? 1 : 4;
	bool eq = o->res[2] != 0;

	for (unsigned i = 0; i < nne; i++)
		if ((o->res[ne[i]] != 0) == eq)
			return -1;
	return eq;
}

/* The quiet guard of an ECB whose fast predicate is one test of pid, tid,
 * an argument or a global against a constant (struct dvm_guard). */
static void build_guard(struct dvm_ecb *e)
{
	const struct dvm_fastone *o = &e->fastpred.one;
	struct dvm_guard g = { 0 };
	int sense;
	uint32_t n = sizeof(struct dvm_rechdr) + e->datasize;

	if (e->fastpred.state != DVM_FASTPRED_ON || !o->on)
		return;
	if (o->kind == DVM_FN_LOAD_GLOBAL) {
		g.src = DVM_GUARD_GLOBAL;
		g.off = o->src;
	} else if (o->src == DIF_VAR_PID || o->src == DIF_VAR_TID) {
		g.src = o->src == DIF_VAR_PID ? DVM_GUARD_PID : DVM_GUARD_TID;
	} else if (o->src >= DIF_VAR_ARG0 && o->src <= DIF_VAR_ARG9) {
		g.src = DVM_GUARD_ARG;
		g.off = o->src - DIF_VAR_ARG0;
	} else {
		return;
	}
	g.k = o->test == DVM_FN_TST ? 0 : o->k;
	if ((sense = equality_sense(o)) >= 0) {
		g.test = sense ? DVM_GUARD_EQ : DVM_GUARD_NE;
	} else {
		g.test = DVM_GUARD_FLAGS;
		g.tst = o->test == DVM_FN_TST;
		g.swapped = o->swapped;
		for (unsigned ix = 0; ix < 8; ix++)
			g.truemask |= (uint8_t)((o->res[ix] != 0) << ix);
	}
	g.need = !e->records ? 0 : n > e->dsize ? n : e->dsize;
	e->guard = g;
}

/* The predicate through the emulator (deciding the fast path first). */
static __attribute__((noinline)) bool slow_predicate(struct dvm_engine *eng,
    struct dvm_ecb *e)
{
	uint64_t v;

	if (e->fastpred.state == DVM_FASTPRED_UNKNOWN) {
		dvm_fastpred__prepare(&e->fastpred, &e->pred, &eng->vs);
		build_guard(e);
		if (e->fastpred.state == DVM_FASTPRED_ON &&
		    dvm_fastpred_eval(&e->fastpred, eng->vs.dvs_static,
		    fast_builtin, eng, &v))
			return v != 0;
	}
	return run(eng, e, &e->pred, 0, &v) && v != 0;
}

/* The predicate's truth; simple shapes skip the emulator (dvm_fastpred.h). */
static inline bool predicate(struct dvm_engine *eng, struct dvm_ecb *e)
{
	uint64_t v;

	if (__builtin_expect(e->fastpred.state == DVM_FASTPRED_ON, 1) &&
	    dvm_fastpred_eval(&e->fastpred, eng->vs.dvs_static, fast_builtin, eng, &v))
		return v != 0;
	return slow_predicate(eng, e);
}

static void run_steps(struct dvm_engine *eng, struct dvm_ecb *e);

/* What every clause that runs starts from: its own scratch and exit state,
 * the firing thread's key.  One machine state per engine: a fault in this
 * ECB fires ERROR clauses that reuse it, after which this ECB stops. */
static inline void begin_clause(struct dvm_engine *eng, struct dvm_ecb *e)
{
	eng->cur_ecb = e;
	eng->scratch_used = 0;
	eng->exit_pending = false;
	eng->ms.dms_tkey = eng->tkey;
}

static inline void fire_ecb(struct dvm_engine *eng, struct dvm_ecb *e)
{
	/* As DTrace does, the record's room is taken before the predicate:
	 * an ECB that cannot record is skipped whole, side effects too. */
	if (e->records && !room_for(eng, e))
		return;
	begin_clause(eng, e);
	if (e->has_pred && !predicate(eng, e))
		return;
	run_steps(eng, e);
}

/*
 * An ECB whose predicate is fast (dvm_fastpred.h) and whose fast run
 * answered: its truth is known before the room check, and the two are
 * independent — the fast form only reads built-ins and globals, which the
 * room check does not touch, and the room check (dvm_buf__fits) only
 * reads the buffer and, when there is no room, counts the drop, which the
 * predicate does not touch.  So checking after the predicate, in both
 * outcomes, leaves exactly what DTrace's order leaves: a true predicate
 * with no room skips the clause and counts a drop; a false one runs
 * nothing and still counts the drop a full buffer takes.
 */
static inline void fire_known(struct dvm_engine *eng, struct dvm_ecb *e,
    bool truth)
{
	if (e->records && !room_for(eng, e))
		return;
	if (!truth)
		return;
	begin_clause(eng, e);
	run_steps(eng, e);
}

/* The host refused a built-in the fast form loads: DTrace's order, the
 * predicate in the emulator, which faults the way it always did. */
static __attribute__((noinline)) void fire_refused(struct dvm_engine *eng,
    struct dvm_ecb *e)
{
	uint64_t v;

	if (e->records && !room_for(eng, e))
		return;
	begin_clause(eng, e);
	if (run(eng, e, &e->pred, 0, &v) && v != 0)
		run_steps(eng, e);
}

/* The flags index (n | z << 1 | c << 2) the guard's cmp or tst gives v,
 * as dvm_fastpred_eval computes it. */
static inline unsigned guard_flags(const struct dvm_guard *g, uint64_t v)
{
	uint64_t a = g->swapped ? g->k : v, b = g->swapped ? v : g->k;

	if (g->tst)
		return (unsigned)(v == 0) << 1;
	return (unsigned)((int64_t)(a - b) < 0) | (unsigned)(a == b) << 1 |
	    (unsigned)(a < b) << 2;
}

/*
 * Would DTrace's kernel do nothing observable for e in this firing?  True
 * when e's guard (struct dvm_guard) says its predicate is false and the
 * room certificate covers its record: the room check would pass without a
 * drop and the predicate would stop the clause.  Such an ECB needs none of
 * the firing's state, not even the exit() check (it would run nothing
 * while draining either).  False means "not known": the full path runs.
 */
static inline bool quiet(const struct dvm_engine *eng, const struct dvm_ecb *e,
    const uint64_t *args)
{
	const struct dvm_guard *g = &e->guard;
	uint64_t v;

	if (g->src == DVM_GUARD_PID && eng->has_ids) {	/* the commonest */
		v = eng->fire_pid;
		goto test;
	}
	if (g->src == DVM_GUARD_NONE)
		return false;
	switch (g->src) {
	case DVM_GUARD_TID:
		if (!eng->has_ids)
			return false;
		v = eng->fire_tid;
		break;
	case DVM_GUARD_ARG:
		v = args[g->off];
		break;
	case DVM_GUARD_GLOBAL:
		__builtin_memcpy(&v, eng->vs.dvs_static + g->off, 8);
		break;
	default:	/* none, or pid without the host's ids */
		return false;
	}
test:
	if (g->need > eng->room_cert)
		return false;
	if (g->test == DVM_GUARD_EQ)
		return v != g->k;
	if (g->test == DVM_GUARD_NE)
		return v == g->k;
	return !((g->truemask >> guard_flags(g, v)) & 1);
}

/* The clause's actions, once its predicate held; out of line so that a
 * false predicate pays for none of this frame. */
static __attribute__((noinline)) void run_steps(struct dvm_engine *eng,
    struct dvm_ecb *e)
{
	uint8_t *data = eng->stage + sizeof(struct dvm_rechdr);
	struct dvm_buf *target = &eng->pbuf;
	uint64_t v;

	for (uint32_t i = 0; i < e->nsteps; i++) {
		const struct dvm_step *s = &e->steps[i];
		bool ok;

		switch (s->kind) {
		case DVM_STEP_TUPLE:
			continue;
		case DVM_STEP_AGG:
			ok = do_agg(eng, e, s);
			break;
		case DVM_STEP_VOID:
			ok = run(eng, e, &s->difo, s->actndx, &v);
			break;
		case DVM_STEP_SPECULATE: case DVM_STEP_COMMIT: case DVM_STEP_DISCARD:
			ok = spec_step(eng, e, s, &target);
			break;
		case DVM_STEP_HOSTACT:
			ok = host_action(eng, e, s);
			break;
		default:	/* RECORD, EXIT */
			ok = record_step(eng, e, s, data);
			break;
		}
		if (!ok)
			return;
	}
	if (e->records)
		commit_record(eng, e, target);
	for (uint32_t i = 0; i < eng->nspec; i++)
		if (eng->specs[i].state == DVM_SPEC_COMMIT)
			commit_spec(eng, &eng->specs[i]);
}

/* One ECB that quiet() could not dismiss. */
static inline void fire_one(struct dvm_engine *eng, struct dvm_ecb *e)
{
	uint64_t v;

	/* A fast predicate runs first (fire_known says why that is DTrace's
	 * order in effect); epid reads cur_ecb. */
	if (e->fastpred.state == DVM_FASTPRED_ON) {
		eng->cur_ecb = e;
		if (dvm_fastpred_eval(&e->fastpred, eng->vs.dvs_static,
		    fast_builtin, eng, &v))
			fire_known(eng, e, v != 0);
		else
			fire_refused(eng, e);
		return;
	}
	fire_ecb(eng, e);
}

/* The firing from e, its first ECB that is not quiet, on. */
static __attribute__((noinline)) void fire_from(struct dvm_engine *eng,
    struct dvm_probe *p, const uint64_t *args, struct dvm_ecb *e)
{
	eng->cur_probe = p;
	eng->args = args;
	eng->timestamp = 0;
	eng->ms.dms_strtok = 0;		/* strtok(NULL) goes on across clauses */
	do {
		if (eng->activity == DVM_ACTIVITY_DRAINING)
			break;		/* exit() ran: nothing more until END */
		fire_one(eng, e);
		do
			e = e->next;
		while (e != 0 && quiet(eng, e, args));
	} while (e != 0);
	eng->cur_ecb = 0;
}

/*
 * The ECBs DTrace's kernel would leave untouched (quiet()) cost a guard
 * test each and nothing else; the firing's state is set up only when one
 * may do something.
 */
void dvm_engine__fire(struct dvm_engine *eng, struct dvm_probe *p,
    const uint64_t *args)
{
	static const uint64_t none[10];
	const uint64_t *a = args != 0 ? args : none;
	struct dvm_ecb *e = p->ecbs;

	while (e != 0 && quiet(eng, e, a))
		e = e->next;
	if (e != 0)
		fire_from(eng, p, a, e);
}
