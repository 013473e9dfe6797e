/*
 * dt_program.c — enable a linked program: options, ECBs, storage.
 *
 * Theory.  Everything a firing needs is decided and allocated here, once:
 * the probes each clause matches (one ECB per clause and probe, EPIDs in
 * clause order, as DTrace numbers them), each ECB's steps (one per action;
 * the actions forming an aggregation's tuple become TUPLE steps run by
 * their aggregating action), the record layout of each ECB (8-byte aligned
 * values after a 16-byte header), the variable storage the VM indexes by id
 * (static slots and the dynamic-variable arena, sized from every DIFO's
 * variable table and the dynvarsize/strsize options), the principal and
 * speculation buffers, the aggregation arena and the scratch area.  Every
 * DIFO is validated (linked rules) before anything runs.  After
 * dt_state_open returns, firing a probe allocates nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dt_guest.h"
#include "dt_bpf.h"
#include "dt_impl.h"
#include "dvm_validate.h"

static int fail(char *err, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- Options --------------------------------------------------------------- */

void dt_opts_default(struct dt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->bufsize = 4 << 20;
	o->aggsize = 4 << 20;
	o->dynvarsize = 1 << 20;
	o->specsize = 1 << 20;
	o->strsize = DIF_DEFAULT_STRSIZE;
	o->scratchsize = 256 << 10;
	o->nspec = 1;
	o->bufpolicy = DVM_BUF_SWITCH;
}

static int parse_size(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n;
	uint64_t mul = 1;

	if (v == NULL || *v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	default: break;
	}
	if (*end != '\0' || (n != 0 && mul > UINT64_MAX / n))
		return -EINVAL;
	*out = n * mul;
	return 0;
}

/* Options accepted and without effect at run time. */
static const char *const inert_opts[] = {
	"cleanrate",
	"cpu", "grabanon", "flowindent", "stackframes", "ustackframes",
	"jstackframes", "jstackstrsize", "temporal", "zone",
	/* compile-time options the compiler records in the object */
	"aggpercpu", "amin", "argref", "core", "cpp", "cpphdrs", "cpppath",
	"ctypes", "defaultargs", "dtypes", "debug", "define", "droptags",
	"empty", "errtags", "evaltime", "incdir", "iregs", "kdefs",
	"knodefs", "late", "lazyload", "ldpath", "libdir", "linkmode",
	"linktype", "nolibs", "pgmax", "pspec", "setenv", "stdc", "strip",
	"syslibdir", "tree", "tregs", "udefs", "undef", "unodefs", "unsetenv",
	"verbose", "version", "zdefs",
};

int dt_opts_set(struct dt_opts *o, const char *name, const char *value,
    char *err, size_t errlen)
{
	struct { const char *n; uint64_t *p; } sizes[] = {
		{ "bufsize", &o->bufsize }, { "aggsize", &o->aggsize },
		{ "dynvarsize", &o->dynvarsize }, { "specsize", &o->specsize },
		{ "strsize", &o->strsize }, { "scratchsize", &o->scratchsize },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (strcmp(name, sizes[i].n) != 0)
			continue;
		if (parse_size(value, &v) != 0 || v == 0)
			return fail(err, errlen, -EINVAL,
			    "invalid value for option %s: %s", name,
			    value ? value : "(none)");
		*sizes[i].p = v;
		return 0;
	}
	if (strcmp(name, "switchrate") == 0 || strcmp(name, "aggrate") == 0) {
		uint64_t *rate = name[0] == 's' ? &o->switchrate : &o->aggrate;

		if (value == NULL || dt_parse_rate(value, true, rate) != 0)
			return fail(err, errlen, -EINVAL, "invalid value for option %s: %s",
			    name, value ? value : "(none)");
		return 0;
	}
	if (strcmp(name, "statusrate") == 0) {
		if (value == NULL || dt_parse_rate(value, true, &o->statusrate) != 0)
			return fail(err, errlen, -EINVAL,
			    "invalid value for option statusrate: %s",
			    value ? value : "(none)");
		return 0;
	}
	if (strcmp(name, "bufresize") == 0) {
		if (value != NULL && (strcmp(value, "auto") == 0 ||
		    strcmp(value, "manual") == 0)) {
			o->bufresize_manual = strcmp(value, "manual") == 0;
			return 0;
		}
		return fail(err, errlen, -EINVAL, "invalid value for option bufresize: %s",
		    value ? value : "(none)");
	}
	if (strcmp(name, "vmdir") == 0)		/* guests (dt_guest.c) */
		return dt_guest_setopt(name, value) == 0 ? 0 :
		    fail(err, errlen, -EINVAL, "invalid value for option vmdir");
	if (strcmp(name, "nspec") == 0) {
		if (parse_size(value, &v) != 0 || v == 0 || v > 4096)
			return fail(err, errlen, -EINVAL, "invalid value for option nspec");
		o->nspec = (uint32_t)v;
		return 0;
	}
	if (strcmp(name, "bufpolicy") == 0) {
		if (value != NULL && strcmp(value, "switch") == 0)
			o->bufpolicy = DVM_BUF_SWITCH;
		else if (value != NULL && strcmp(value, "fill") == 0)
			o->bufpolicy = DVM_BUF_FILL;
		else if (value != NULL && strcmp(value, "ring") == 0)
			o->bufpolicy = DVM_BUF_RING;
		else
			return fail(err, errlen, -EINVAL,
			    "invalid value for option bufpolicy: %s",
			    value ? value : "(none)");
		return 0;
	}
	if (strcmp(name, "quiet") == 0) {
		o->quiet = true;
		return 0;
	}
	if (strcmp(name, "destructive") == 0) {
		o->destructive = true;
		return 0;
	}
	/*
	 * noerror: dtrace(1) leaves out its own ERROR enabling, the one that
	 * reports every fault on stderr.  Faults still abort their clause,
	 * count, and fire the program's own ERROR clauses.
	 */
	if (strcmp(name, "noerror") == 0) {
		o->noerror = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(inert_opts) / sizeof(inert_opts[0]); i++)
		if (strcmp(name, inert_opts[i]) == 0)
			return 0;
	return 1;	/* not a runtime option: maybe a printing option */
}

/* ---- Variables ------------------------------------------------------------- */

static uint32_t var_size(const struct dif_var *v)
{
	return (v->dtdv_type.dtdt_flags & DIF_TF_BYREF) ? v->dtdv_type.dtdt_size : 8;
}

static bool var_byref(const struct dif_var *v)
{
	return (v->dtdv_type.dtdt_flags & DIF_TF_BYREF) != 0;
}

static bool var_string(const struct dif_var *v)
{
	return v->dtdv_type.dtdt_kind == DIF_TYPE_STRING;
}

/* Highest id - UBASE + 1 of one scope/kind over every DIFO. */
static uint32_t var_count(const struct dobj *obj, int scope, int kind)
{
	uint32_t n = 0;

	for (uint32_t d = 0; d < obj->ndifos; d++)
		for (uint32_t i = 0; i < obj->difos[d].varlen; i++) {
			const struct dif_var *v = &obj->difos[d].vartab[i];

			if (v->dtdv_scope == scope && (kind < 0 || v->dtdv_kind == kind) &&
			    v->dtdv_id >= DIF_VAR_OTHER_UBASE &&
			    v->dtdv_id - DIF_VAR_OTHER_UBASE + 1 > n)
				n = v->dtdv_id - DIF_VAR_OTHER_UBASE + 1;
		}
	return n;
}

static int layout_vars(struct dt_state *st, char *err, size_t errlen)
{
	const struct dobj *obj = st->obj;
	struct dvm_vstate *vs = &st->eng.vs;
	uint32_t ng = var_count(obj, DIFV_SCOPE_GLOBAL, -1);
	uint32_t nl = var_count(obj, DIFV_SCOPE_LOCAL, -1);
	uint32_t nt = var_count(obj, DIFV_SCOPE_THREAD, -1);
	uint64_t soff = 0, valmax = 8;

	st->gslots = calloc(ng + 1, sizeof(*st->gslots));
	st->lslots = calloc(nl + 1, sizeof(*st->lslots));
	st->gshapes = calloc(ng + 1, sizeof(*st->gshapes));
	st->tshapes = calloc(nt + 1, sizeof(*st->tshapes));
	if (!st->gslots || !st->lslots || !st->gshapes || !st->tshapes)
		return fail(err, errlen, -ENOMEM, "out of memory");
	for (uint32_t d = 0; d < obj->ndifos; d++) {
		for (uint32_t i = 0; i < obj->difos[d].varlen; i++) {
			const struct dif_var *v = &obj->difos[d].vartab[i];
			uint32_t ix = v->dtdv_id - DIF_VAR_OTHER_UBASE;
			uint32_t size = var_size(v);

			if (v->dtdv_id < DIF_VAR_OTHER_UBASE)
				continue;
			if (v->dtdv_scope == DIFV_SCOPE_THREAD ||
			    v->dtdv_kind == DIFV_KIND_ARRAY) {
				struct dvm_dshape *sh = v->dtdv_scope == DIFV_SCOPE_THREAD ?
				    &st->tshapes[ix] : &st->gshapes[ix];

				if (size > sh->dvd_size)
					sh->dvd_size = size;
				sh->dvd_byref = var_byref(v);
				sh->dvd_string = var_string(v);
				if (size > valmax)
					valmax = size;
				continue;
			}
			struct dvm_vslot *s = v->dtdv_scope == DIFV_SCOPE_LOCAL ?
			    &st->lslots[ix] : &st->gslots[ix];

			if (s->dvv_used && s->dvv_size >= size)
				continue;
			s->dvv_used = 1;
			s->dvv_size = size;
			s->dvv_byref = var_byref(v);
			s->dvv_string = var_string(v);
			s->dvv_off = (uint32_t)soff;
			soff += (s->dvv_byref ? 8 : 0) + ((size + 7) & ~7u);
		}
	}
	vs->dvs_static = calloc(1, soff + 8);
	st->eng.static_size = soff + 8;
	vs->dvs_global = st->gslots;
	vs->dvs_nglobal = ng;
	vs->dvs_local = st->lslots;
	vs->dvs_nlocal = nl;
	vs->dvs_gshape = st->gshapes;
	vs->dvs_ngshape = ng;
	vs->dvs_tshape = st->tshapes;
	vs->dvs_ntshape = nt;
	vs->dvs_keymax = (uint32_t)(16 + 4 * (4 + st->opts.strsize));
	if (vs->dvs_keymax > 2048)
		vs->dvs_keymax = 2048;
	vs->dvs_chunksize = (uint32_t)(sizeof(struct dvm_dchunk) +
	    ((vs->dvs_keymax + 7) & ~7u) + ((valmax + 7) & ~7u));
	vs->dvs_nchunks = (uint32_t)(st->opts.dynvarsize / vs->dvs_chunksize);
	if (vs->dvs_nchunks < 2)
		vs->dvs_nchunks = 2;
	vs->dvs_nbuckets = 1;
	while (vs->dvs_nbuckets < vs->dvs_nchunks)
		vs->dvs_nbuckets <<= 1;
	vs->dvs_chunks = calloc(vs->dvs_nchunks, vs->dvs_chunksize);
	vs->dvs_buckets = calloc(vs->dvs_nbuckets, sizeof(uint32_t));
	if (!vs->dvs_static || !vs->dvs_chunks || !vs->dvs_buckets)
		return fail(err, errlen, -ENOMEM, "out of memory for variables");
	dvm_vstate__reset(vs);
	return 0;
}

/* ---- ECBs ------------------------------------------------------------------ */

static int check_difo(const struct dobj *obj, uint32_t d, char *err, size_t errlen)
{
	struct dif_difo view;
	struct dvm_verr e;
	char msg[256];

	dobj_difo__view(&obj->difos[d], &view);
	if (dvm_difo__validate(&view, NULL, &e, 1) == 0)
		return 0;
	dvm_verr__format(&e, msg, sizeof(msg));
	return fail(err, errlen, -EINVAL, "DIFO %" PRIu32 " fails validation: %s",
	    d, msg);
}

static bool is_recording(uint16_t k)
{
	switch (k) {
	case DIF_ACT_DIFEXPR: case DIF_ACT_PRINTF: case DIF_ACT_PRINTA:
	case DIF_ACT_LIBACT: case DIF_ACT_TRACEMEM: case DIF_ACT_TRACEMEM_DYNSIZE:
	case DIF_ACT_EXIT: case DIF_ACT_FREOPEN: case DIF_ACT_SYSTEM:
	case DIF_ACT_STACK: case DIF_ACT_USTACK:
	case DIF_ACT_JSTACK: case DIF_ACT_SYM: case DIF_ACT_MOD:
	case DIF_ACT_USYM: case DIF_ACT_UMOD: case DIF_ACT_UADDR:
		return true;
	default:
		return false;
	}
}

/*
 * As DTrace counts them: the process- and kernel-destructive action
 * classes (stop, raise, system, freopen, breakpoint, panic, chill) and any
 * DIFO that calls copyout() or copyoutstr().
 */
static bool is_destructive(const struct dobj *obj, const struct dobj_action *a)
{
	struct dif_difo d;

	if (DIF_ACT_CLASS(a->kind) == DIF_ACT_CLASS_PROC_DESTRUCTIVE ||
	    DIF_ACT_CLASS(a->kind) == DIF_ACT_CLASS_KERNEL_DESTRUCTIVE)
		return true;
	if (a->difo < 0)
		return false;
	dobj_difo__view(&obj->difos[a->difo], &d);
	return d.dtdo_destructive != 0;
}

/* DTrace's default frame counts (the stackframes, ustackframes options). */
#define DT_STACKFRAMES	20
#define DT_USTACKFRAMES	100

/*
 * Record bytes of the actions whose size is not their DIFO's: stacks are
 * pcs (a user stack has the pid first), usym/umod/uaddr the pid and the
 * address; 0 for the others.
 */
static uint32_t action_record_size(const struct dobj_action *a)
{
	uint64_t n;

	switch (a->kind) {
	case DIF_ACT_STACK:
		n = a->arg != 0 && a->arg <= 4096 ? a->arg : DT_STACKFRAMES;
		return (uint32_t)n * 8;
	case DIF_ACT_USTACK: case DIF_ACT_JSTACK:
		n = (uint32_t)a->arg;
		n = n != 0 && n <= 4096 ? n : DT_USTACKFRAMES;
		return (uint32_t)(n + 1) * 8;
	case DIF_ACT_SYM: case DIF_ACT_MOD:
		return 8;
	case DIF_ACT_USYM: case DIF_ACT_UMOD: case DIF_ACT_UADDR:
		return 16;
	default:
		return 0;
	}
}

static const char *act_name(uint16_t k)
{
#define ACT_NAME_(v, name, s) if (k == v) return s;
	DIF_ACTIONS(ACT_NAME_)
#undef ACT_NAME_
	return "unknown";
}

/* Run a tuple's first DIFO (`setx id; ret`) to learn the aggregation id. */
static int agg_id_of(const struct dif_difo *dp, uint64_t *id)
{
	static const struct dvm_platform none;
	struct dvm_mstate ms;

	dvm_mstate__init(&ms, &none, NULL);
	if (dvm_difo__emulate(dp, &ms) != 0)
		return -EINVAL;
	*id = ms.dms_result;
	return 0;
}

static const struct dobj_agg *find_agg(const struct dobj *obj, uint64_t id)
{
	for (uint32_t i = 0; i < obj->naggs; i++)
		if (obj->aggs[i].id == id)
			return &obj->aggs[i];
	return NULL;
}

static int declare_agg(struct dt_state *st, struct dvm_ecb *e, struct dvm_step *s,
    char *err, size_t errlen)
{
	uint64_t id;
	struct dvm_aggvar *av;
	uint32_t nkeys = s->ntuple - 1 - (s->has_incr ? 1 : 0);
	const struct dobj_agg *ag;

	if (!e->steps[s->tuple_first].has_difo ||
	    agg_id_of(&e->steps[s->tuple_first].difo, &id) != 0 || id == 0 ||
	    id > st->eng.naggvars)
		return fail(err, errlen, -EINVAL,
		    "aggregation action #%" PRIu32 ": bad aggregation id", s->actndx);
	if (nkeys > DVM_AGG_MAXKEYS || nkeys > DCONS_AGG_MAXKEYS)
		return fail(err, errlen, -EINVAL, "too many aggregation keys");
	const struct dif_difo *idp = &e->steps[s->tuple_first].difo;

	if (idp->dtdo_len == 2 && DIF_INSTR_OP(idp->dtdo_buf[0]) == DIF_OP_SETX &&
	    DIF_INSTR_OP(idp->dtdo_buf[1]) == DIF_OP_RET)
		s->aggid = (uint32_t)id;	/* constant: no need to run it */
	av = &st->eng.aggvars[id - 1];
	if (av->declared) {
		if (av->func != s->actkind || av->arg != s->arg || av->nkeys != nkeys)
			return fail(err, errlen, -EINVAL,
			    "aggregation %" PRIu64 " used with different functions or keys", id);
		return 0;
	}
	av->id = (uint32_t)id;
	av->func = s->actkind;
	av->arg = s->arg;
	av->nkeys = nkeys;
	for (uint32_t k = 0; k < nkeys; k++) {
		const struct dvm_step *ks = &e->steps[s->tuple_first + 1 + k];

		av->keys[k].flags = ks->string ? DCONS_REC_STRING : DCONS_REC_SIGNED;
		av->keys[k].action = DIF_ACT_DIFEXPR;
		switch (ks->actkind) {
		case DIF_ACT_SYM: case DIF_ACT_MOD:
			av->keys[k].action = ks->actkind;
			break;
		case DIF_ACT_USYM: case DIF_ACT_UMOD: case DIF_ACT_UADDR:
			av->keys[k].action = ks->actkind;
			break;
		default:
			break;
		}
		av->keys[k].size = ks->string ? (uint32_t)st->opts.strsize + 1 :
		    (ks->byref ? ks->size : (ks->size ? ks->size : 8));
		if (ks->byref && !ks->string)
			return fail(err, errlen, -EINVAL,
			    "aggregation key of by-reference type is not supported");
		if (!ks->has_difo)
			return fail(err, errlen, -ENOTSUP, "aggregation keys of stack(), "
			    "ustack() and jstack() are not supported by this runtime yet");
	}
	int nw = dcons_agg__nwords(av->func, av->arg);

	if (nw < 0)
		return fail(err, errlen, -EINVAL, "bad %s argument", act_name(av->func));
	av->nwords = (uint32_t)nw + (av->func == DIF_ACT_LQUANTIZE ||
	    av->func == DIF_ACT_LLQUANTIZE);
	struct dcons_aggdesc d = { .id = av->id, .func = av->func, .arg = av->arg,
	    .nkeys = nkeys };

	ag = find_agg(st->obj, id);
	d.name = ag ? dobj__str(st->obj, ag->name) : "_";
	for (uint32_t k = 0; k < nkeys; k++)
		d.keys[k] = (struct dcons_keydesc){ .action = av->keys[k].action,
		    .flags = av->keys[k].flags, .size = av->keys[k].size };
	if (dcons_aggstore__declare(st->aggs, &d) != 0)
		return fail(err, errlen, -EINVAL, "cannot declare aggregation %s", d.name);
	av->declared = true;
	return 0;
}

/*
 * The room DTrace's kernel takes for this ECB's record, which decides how
 * many records a buffer of a given size holds: a 12-byte header (EPID and
 * timestamp), then each value at its natural alignment (the largest power
 * of two up to 8 dividing its size), the whole rounded up to 4; the
 * record itself is aligned to its most-aligned value.
 */
static void dtrace_size(struct dvm_ecb *e)
{
	uint32_t off = 12, maxalign = 4;

	for (uint32_t i = 0; i < e->nrecs; i++) {
		uint32_t size = e->recs[i].size, align = 1;

		for (uint32_t a = 8; a > 1; a >>= 1)
			if (size != 0 && size % a == 0) {
				align = a;
				break;
			}
		if (align > maxalign)
			maxalign = align;
		off = (off + align - 1) & ~(align - 1);
		off += size;
	}
	e->dsize = (off + 3) & ~3u;
	e->dalign = maxalign;
}

static int build_steps(struct dt_state *st, struct dvm_ecb *e,
    const struct dobj_clause *c, char *err, size_t errlen)
{
	const struct dobj *obj = st->obj;
	uint32_t off = 0;

	e->nsteps = c->action_count;
	e->steps = calloc(c->action_count + 1, sizeof(*e->steps));
	e->recs = calloc(c->action_count + 1, sizeof(*e->recs));
	if (e->steps == NULL || e->recs == NULL)
		return fail(err, errlen, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < c->action_count; i++) {
		const struct dobj_action *a = &obj->actions[c->action_first + i];
		struct dvm_step *s = &e->steps[i];

		if (!st->opts.destructive && is_destructive(obj, a))
			return fail(err, errlen, -EPERM,
			    "could not enable tracing: Destructive actions not allowed");
		s->actkind = a->kind;
		s->actndx = i + 1;
		s->arg = a->arg;
		s->rec = -1;
		if (a->difo >= 0) {
			dobj_difo__view(&obj->difos[a->difo], &s->difo);
			s->has_difo = true;
			s->byref = (s->difo.dtdo_rtype.dtdt_flags & DIF_TF_BYREF) != 0;
			s->string = s->difo.dtdo_rtype.dtdt_kind == DIF_TYPE_STRING;
			s->size = s->difo.dtdo_rtype.dtdt_size;
			if (s->string && s->size > st->opts.strsize)
				s->size = (uint32_t)st->opts.strsize;
		}
		if (DIF_ACT_IS_AGG(a->kind)) {
			if (a->ntuple == 0 || a->ntuple > i)
				return fail(err, errlen, -EINVAL,
				    "aggregation action #%" PRIu32 " has a bad tuple", i + 1);
			s->kind = DVM_STEP_AGG;
			s->tuple_first = i - a->ntuple;
			s->ntuple = a->ntuple;
			for (uint32_t t = s->tuple_first; t < i; t++) {
				struct dvm_step *ts = &e->steps[t];

				if (ts->rec >= 0) {	/* undo its record */
					e->nrecs--;
					off = e->recs[e->nrecs].off;
				}
				ts->kind = DVM_STEP_TUPLE;
				ts->rec = -1;
			}
			s->has_incr = a->ntuple >= 2 && e->steps[i - 1].has_difo &&
			    e->steps[i - 1].size == 0;
			if (declare_agg(st, e, s, err, errlen) != 0)
				return -EINVAL;
			continue;
		}
		switch (a->kind) {
		case DIF_ACT_SPECULATE: s->kind = DVM_STEP_SPECULATE; continue;
		case DIF_ACT_COMMIT:	s->kind = DVM_STEP_COMMIT; continue;
		case DIF_ACT_DISCARD:	s->kind = DVM_STEP_DISCARD; continue;
		case DIF_ACT_RAISE: case DIF_ACT_STOP: case DIF_ACT_CHILL:
			/* the engine's host acts; BPF programs have no such step */
			if (e->probe->kind == DT_PROBE_KERNEL)
				return fail(err, errlen, -ENOTSUP, "action '%s' on "
				    "kernel probes is not supported by this runtime",
				    act_name(a->kind));
			s->kind = DVM_STEP_HOSTACT;
			continue;
		case DIF_ACT_BREAKPOINT: case DIF_ACT_PANIC:
			return fail(err, errlen, -ENOTSUP, "action '%s' has no kernel "
			    "to act on in this user-space runtime", act_name(a->kind));
		default: break;
		}
		if (a->kind == DIF_ACT_LIBACT && a->arg == DIF_LIBACT_LIVEDUMP)
			return fail(err, errlen, -ENOTSUP, "action 'livedump' has no kernel "
			    "to dump in this user-space runtime");
		if (!is_recording(a->kind))
			return fail(err, errlen, -ENOTSUP,
			    "action '%s' is not supported by this runtime yet", act_name(a->kind));
		if (!s->has_difo && a->kind != DIF_ACT_PRINTA &&
		    a->kind != DIF_ACT_STACK && a->kind != DIF_ACT_USTACK &&
		    a->kind != DIF_ACT_JSTACK)
			return fail(err, errlen, -EINVAL, "action #%" PRIu32 " has no DIFO", i + 1);
		if (a->kind == DIF_ACT_DIFEXPR && s->size == 0) {
			s->kind = DVM_STEP_VOID;
			continue;
		}
		s->kind = a->kind == DIF_ACT_EXIT ? DVM_STEP_EXIT : DVM_STEP_RECORD;
		if (a->kind == DIF_ACT_EXIT || a->kind == DIF_ACT_PRINTA ||
		    a->kind == DIF_ACT_TRACEMEM_DYNSIZE)
			s->size = a->kind == DIF_ACT_EXIT ? 4 : 8;
		if (action_record_size(a) != 0) {
			s->size = action_record_size(a);
			s->byref = false;
			s->string = false;
		} else if (!s->byref && s->size != 0 && s->size != 1 && s->size != 2 &&
		    s->size != 4 && s->size != 8)
			return fail(err, errlen, -EINVAL, "action #%" PRIu32 ": bad size", i + 1);
		struct dvm_rec *r = &e->recs[e->nrecs];

		s->rec = (int32_t)e->nrecs++;
		r->off = off;
		r->size = s->size;
		r->action = a->kind == DIF_ACT_LIBACT ? (uint16_t)a->arg : a->kind;
		r->flags = (uint8_t)((s->string ? DCONS_REC_STRING : 0) |
		    (a->flags & (DCONS_REC_SIGNED | DCONS_REC_FLOAT)));
		r->fmtid = a->format >= 0 ? (uint32_t)a->format + 1 : 0;
		/* the compiler marks a printa() statement's later aggregations */
		if (a->kind == DIF_ACT_PRINTA)
			r->flags |= (uint8_t)(a->flags & DCONS_REC_MORE);
		off += (s->size + 7) & ~7u;
	}
	e->datasize = off;
	/* As DTrace sizes ECBs: a clause without actions records its EPID
	 * (the probe line); one whose actions record nothing (aggregations,
	 * assignments) writes no record at all. */
	e->records = e->nrecs > 0 || c->action_count == 0;
	dtrace_size(e);
	return 0;
}

static int make_ecbs(struct dt_state *st, char *err, size_t errlen)
{
	const struct dobj *obj = st->obj;
	uint32_t cap = 16;
	struct dvm_probe **m = NULL;

	st->ecbs = NULL;
	st->necbs = 0;
	for (uint32_t ci = 0; ci < obj->nclauses; ci++) {
		const struct dobj_clause *c = &obj->clauses[ci];

		for (uint32_t pi = 0; pi < c->probe_count; pi++) {
			const struct dobj_probe *pd = &obj->probes[c->probe_first + pi];
			const char *f[5] = { dobj__str(obj, pd->target),
			    dobj__str(obj, pd->provider), dobj__str(obj, pd->module),
			    dobj__str(obj, pd->function), dobj__str(obj, pd->name) };
			int n;

			for (;;) {
				struct dvm_probe **nm = realloc(m, cap * sizeof(*m));

				if (nm == NULL) {
					free(m);
					return fail(err, errlen, -ENOMEM, "out of memory");
				}
				m = nm;
				n = *f[0] != '\0' ? dt_guest_match(st, f, m, cap) :	/* guests */
				    dt_probe_match(st, f[1], f[2], f[3], f[4], m, cap);
				if (n < 0 || (uint32_t)n <= cap)
					break;
				cap = (uint32_t)n;
			}
			if (n <= 0) {
				free(m);
				return fail(err, errlen, -ENOENT,
				    "probe description %s:%s:%s:%s does not match any probes",
				    f[1], f[2], f[3], f[4]);
			}
			for (int k = 0; k < n; k++) {
				struct dvm_ecb *ne = realloc(st->ecbs,
				    (st->necbs + 1) * sizeof(*ne));

				if (ne == NULL) {
					free(m);
					return fail(err, errlen, -ENOMEM, "out of memory");
				}
				st->ecbs = ne;
				struct dvm_ecb *e = &st->ecbs[st->necbs];

				memset(e, 0, sizeof(*e));
				e->epid = st->necbs + 1;
				e->probe = m[k];
				st->necbs++;
				if (c->pred >= 0) {
					dobj_difo__view(&obj->difos[c->pred], &e->pred);
					e->has_pred = true;
				}
				if (build_steps(st, e, c, err, errlen) != 0) {
					free(m);
					return -EINVAL;
				}
			}
		}
	}
	free(m);
	/* Chain ECBs on their probes now that the array no longer moves. */
	for (uint32_t i = 0; i < st->necbs; i++) {
		struct dvm_ecb *e = &st->ecbs[i];

		*e->probe->tail = e;
		e->probe->tail = &e->next;
	}
	st->error_ecb.epid = st->necbs + 1;
	st->error_ecb.internal_error = true;
	st->error_ecb.datasize = 8 * DVM_ERROR_WORDS;
	st->eng.error_epid = st->error_ecb.epid;
	st->eng.error_probe = st->probes[DT_PROBE_ERROR - 1];
	return 0;
}

/* ---- Open / close ------------------------------------------------------------ */

/*
 * Buffer sizes as DTrace's kernel takes them: rounded down to 8 bytes; a
 * buffer the enabling needs that is left with nothing fails the enabling;
 * a size beyond what this process will allocate is halved until it fits
 * (bufresize=auto) or fails (manual).  Under fill, END's records keep
 * their room (the reserve) and must fit in the buffer.
 */
#define DT_BUF_MAX	(64ULL << 20)

static int size_buffers(struct dt_state *st, char *err, size_t errlen)
{
	uint64_t *sizes[] = { &st->opts.bufsize, &st->opts.aggsize,
	    &st->opts.specsize };
	bool records = false, speculates = false;
	uint64_t reserve = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (*sizes[i] > DT_BUF_MAX && st->opts.bufresize_manual)
			return fail(err, errlen, -ENOMEM,
			    "could not enable tracing: Not enough space");
		while (*sizes[i] > DT_BUF_MAX)
			*sizes[i] /= 2;
		*sizes[i] &= ~7ULL;
	}
	for (uint32_t i = 0; i < st->necbs; i++) {
		const struct dvm_ecb *e = &st->ecbs[i];

		records |= e->records;
		for (uint32_t k = 0; k < e->nsteps; k++)
			speculates |= e->steps[k].kind == DVM_STEP_SPECULATE;
		if (e->records && e->probe->kind == DT_PROBE_END)
			reserve += e->dsize + e->dalign;
	}
	if ((records && st->opts.bufsize < 8) || (speculates && st->opts.specsize < 8))
		return fail(err, errlen, -ENOSPC,
		    "could not enable tracing: Enabling exceeds size of buffer");
	if (st->opts.bufpolicy == DVM_BUF_FILL) {
		if (reserve > st->opts.bufsize)
			return fail(err, errlen, -E2BIG, "could not enable tracing: "
			    "END enabling exceeds size of principal buffer");
		st->eng.reserve = reserve;
	}
	if (st->opts.aggsize < 64)
		st->opts.aggsize = 64;
	return 0;
}

/*
 * Real bytes per DTrace byte, at most, over this program's records (and
 * error records): buffers get that many times their option's size, so a
 * buffer full by DTrace's count always has the real room.
 */
static uint64_t real_ratio(const struct dt_state *st)
{
	uint64_t r = (sizeof(struct dvm_rechdr) + 8 * DVM_ERROR_WORDS +
	    12 + 8 * DVM_ERROR_WORDS - 1) / (12 + 8 * DVM_ERROR_WORDS);

	for (uint32_t i = 0; i < st->necbs; i++) {
		const struct dvm_ecb *e = &st->ecbs[i];
		uint64_t real = sizeof(struct dvm_rechdr) + e->datasize;

		if (e->records && e->dsize != 0 && (real + e->dsize - 1) / e->dsize > r)
			r = (real + e->dsize - 1) / e->dsize;
	}
	return r + 1;	/* and alignment padding */
}

static int alloc_buffers(struct dt_state *st, char *err, size_t errlen)
{
	int rc;

	if ((rc = size_buffers(st, err, errlen)) != 0)
		return rc;
	uint64_t ratio = real_ratio(st);

	st->eng.pbuf.limit = st->opts.bufsize;
	st->eng.pbuf.size = st->opts.bufsize *
	    (st->opts.bufpolicy == DVM_BUF_RING ? 1 : ratio);
	st->eng.pbuf.mem = malloc(st->eng.pbuf.size);
	st->eng.scratch = malloc(st->opts.scratchsize);
	st->eng.aggsize = st->opts.aggsize;
	st->eng.aggmem = calloc(1, st->eng.aggsize);
	st->eng.naggbuckets = 1;
	while (st->eng.naggbuckets < st->eng.aggsize / 512)
		st->eng.naggbuckets <<= 1;
	st->eng.aggbuckets = calloc(st->eng.naggbuckets, sizeof(uint32_t));
	st->eng.aggused = 8;	/* offset 0 means "none" */
	st->eng.specs = calloc(st->opts.nspec, sizeof(*st->eng.specs));
	uint32_t maxdata = 5 * 8;

	for (uint32_t i = 0; i < st->necbs; i++)
		if (st->ecbs[i].datasize > maxdata)
			maxdata = st->ecbs[i].datasize;
	st->eng.stage = malloc(sizeof(struct dvm_rechdr) + maxdata);
	st->eng.keybuf = malloc(DVM_AGG_MAXKEYS * (st->opts.strsize + 9));
	if (!st->eng.pbuf.mem || !st->eng.scratch || !st->eng.aggmem || !st->eng.aggbuckets ||
	    !st->eng.specs || !st->eng.stage || !st->eng.keybuf)
		return fail(err, errlen, -ENOMEM, "out of memory for buffers");
	for (uint32_t i = 0; i < st->opts.nspec; i++) {
		st->eng.specs[i].buf.limit = st->opts.specsize;
		st->eng.specs[i].buf.size = st->opts.specsize * ratio;
		if ((st->eng.specs[i].buf.mem = malloc(st->eng.specs[i].buf.size)) == NULL)
			return fail(err, errlen, -ENOMEM, "out of memory for speculations");
	}
	return 0;
}

/* What the program may load besides engine memory: names, string tables. */
static int ro_regions(struct dt_state *st, char *err, size_t errlen)
{
	const struct dobj *obj = st->obj;
	uint32_t n = 0;

	st->ro = calloc(obj->ndifos + 1, sizeof(*st->ro));
	if (st->ro == NULL)
		return fail(err, errlen, -ENOMEM, "out of memory");
	st->ro[n++] = (struct dvm_region){ (uintptr_t)st->strarena, st->strarena_size };
	for (uint32_t d = 0; d < obj->ndifos; d++)
		if (obj->difos[d].strtab != NULL && obj->difos[d].strlen != 0)
			st->ro[n++] = (struct dvm_region){
			    (uintptr_t)obj->difos[d].strtab, obj->difos[d].strlen };
	st->eng.ro = st->ro;
	st->eng.nro = n;
	return 0;
}

/* The locale's character set is UTF-8 (LC_ALL, else LC_CTYPE, else LANG). */
static bool locale_is_utf8(void)
{
	const char *names[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		if (v != NULL && *v != '\0')
			return strcasestr(v, "utf-8") != NULL || strcasestr(v, "utf8") != NULL;
	}
	return false;
}

static char *read_comm(void)
{
	char buf[64] = "dtrace";
	FILE *fp = fopen("/proc/self/comm", "r");

	if (fp != NULL) {
		if (fgets(buf, sizeof(buf), fp) == NULL)
			strcpy(buf, "dtrace");
		fclose(fp);
		buf[strcspn(buf, "\n")] = '\0';
	}
	return strdup(buf);
}

int dt_state_open(struct dt_state *st, struct dobj *obj, const struct dt_opts *o,
    char *err, size_t errlen)
{
	int rc;

	st->obj = obj;
	st->opts = *o;
	if (st->opts.dynvarsize > DT_BUF_MAX && st->opts.bufresize_manual)
		return fail(err, errlen, -ENOMEM, "could not enable tracing: Not enough space");
	while (st->opts.dynvarsize > DT_BUF_MAX)
		st->opts.dynvarsize /= 2;
	st->eng.host = &dt_host;
	st->eng.hostctx = st;
	st->eng.strsize = o->strsize;
	st->eng.scratchsize = o->scratchsize;
	st->eng.nspec = o->nspec;
	st->eng.bufpolicy = o->bufpolicy;
	st->strarena_size = 1 << 16;
	st->strarena = calloc(1, st->strarena_size);
	st->fmts = dcons_fmttab__new();
	st->aggs = dcons_aggstore__new();
	st->eng.naggvars = 0;
	for (uint32_t i = 0; i < obj->naggs; i++)
		if (obj->aggs[i].id > st->eng.naggvars)
			st->eng.naggvars = obj->aggs[i].id;
	st->eng.naggvars += 16;	/* ids the object does not declare */
	st->eng.aggvars = calloc(st->eng.naggvars, sizeof(*st->eng.aggvars));
	if (!st->strarena || !st->fmts || !st->aggs || !st->eng.aggvars)
		return fail(err, errlen, -ENOMEM, "out of memory");
	dcons_buf__init(&st->out);
	dcons_ctx__init(&st->dctx);
	st->dctx.lookup = dt_host_lookup;
	st->dctx.runopt = dt_runopt;
	st->dctx.runopt_arg = st;
	st->dctx.opts.locale_utf8 = locale_is_utf8();	/* aggpack's default glyphs */
	dt_host_prime();
	st->dctx.opts.quiet = st->opts.quiet;
	for (uint32_t d = 0; d < obj->ndifos; d++)
		if ((rc = check_difo(obj, d, err, errlen)) != 0)
			return rc;
	for (uint32_t i = 0; i < obj->nformats; i++) {
		struct dcons_err fe;

		if (dcons_fmttab__add(st->fmts, i + 1, dobj__str(obj, obj->formats[i].str),
		    obj->formats[i].kind == DIF_ACT_PRINTA, &fe) != 0)
			return fail(err, errlen, -EINVAL, "format %" PRIu32 ": %s", i, fe.msg);
	}
	char *comm = read_comm();

	if (comm == NULL)
		return fail(err, errlen, -ENOMEM, "out of memory");
	st->execname = dt_arena_str(st, comm);
	free(comm);
	st->zonename = dt_arena_str(st, "global");
	st->vmname = dt_arena_str(st, "");
	st->pid = (int)getpid();
	st->tid = (int)gettid();

	if ((rc = dt_probe_provide_all(st)) != 0)
		return fail(err, errlen, rc, "cannot create probes: %s", strerror(-rc));
	if ((rc = layout_vars(st, err, errlen)) != 0 ||
	    (rc = make_ecbs(st, err, errlen)) != 0 ||
	    (rc = alloc_buffers(st, err, errlen)) != 0)
		return rc;
	if ((rc = ro_regions(st, err, errlen)) != 0)
		return rc;
	dvm_engine__init(&st->eng);
	return 0;
}

void dt_state_close(struct dt_state *st)
{
	for (uint32_t i = 0; i < st->necbs; i++) {
		free(st->ecbs[i].steps);
		free(st->ecbs[i].recs);
	}
	free(st->ecbs);
	for (uint32_t i = 0; i < st->nprobes; i++)
		free(st->probes[i]);
	free(st->probes);
	free(st->strarena);
	free(st->gslots);
	free(st->lslots);
	free(st->gshapes);
	free(st->tshapes);
	free(st->eng.vs.dvs_static);
	free(st->eng.vs.dvs_chunks);
	free(st->eng.vs.dvs_buckets);
	free(st->eng.scratch);
	free(st->eng.pbuf.mem);
	if (st->eng.specs != NULL)
		for (uint32_t i = 0; i < st->opts.nspec; i++)
			free(st->eng.specs[i].buf.mem);
	free(st->eng.specs);
	free(st->eng.aggmem);
	free(st->eng.aggbuckets);
	free(st->eng.aggvars);
	free(st->eng.stage);
	free(st->eng.keybuf);
	free(st->ro);
	free(st->consrecs);
	if (st->redirect != NULL)
		fclose(st->redirect);
	dcons_fmttab__free(st->fmts);
	dcons_aggstore__free(st->aggs);
	dcons_buf__free(&st->out);
}
