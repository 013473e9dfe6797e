/*
 * dvmm_reg.c — traced guests and the VM registry: who is attached, which
 * of a guest's probes are enabled, and how a firing reaches a guest
 * without a lock and without ever touching a freed guest.
 *
 * Theory.  The registry is a fixed array of DVMM_MAX_VMS guest pointers
 * plus, per index, an in-flight counter that lives as long as the
 * registry itself (never inside the guest, which may be freed).  A firing
 * enters by incrementing inflight[i] and only then loading vms[i]; a
 * remover first clears vms[i] and only then reads inflight[i].  Both use
 * sequentially consistent atomics, so for any firing either the firing
 * sees NULL (and leaves), or the remover sees the firing's increment (and
 * answers REG_BUSY until it leaves).  When remove returns 0, no firing is
 * inside the guest and none can enter: the caller may free it.  An index
 * whose removal has not completed stays reserved (dying[i]), so a new
 * guest never shares an in-flight counter with an old one.
 *
 * Bounds, against CADETS' flaws (hypertrace-internals.md §9.4): at most
 * DVMM_MAX_VMS guests and HTVM_MAX_PROBES probes each, all in arrays sized
 * at compile time; a probe id is an index checked against the guest's own
 * count; no table grows, so nothing is ever reallocated under a reader.
 * Enable and disable are single atomic stores the firing path reads.
 *
 * Read next: dvmm_ann.c (decoders), dtrace/dt_guest.c (the user of all this).
 */
#include "dvmm.h"

static void copy_str(char *dst, const char *src, size_t cap)
{
	size_t i = 0;

	for (; i + 1 < cap && src[i] != 0; i++)
		dst[i] = src[i];
	for (; i < cap; i++)
		dst[i] = 0;
}

static bool str_eq(const char *a, const char *b, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (a[i] != b[i])
			return false;
		if (a[i] == 0)
			return true;
	}
	return true;
}

int dvmm_guest__init(struct dvmm_guest *g, const struct dvmm_announce *a,
    const uint8_t *msg)
{
	struct dvmm_vm_config cfg = {
		.nprobes = a->nprobes,
		.maxphyaddr = a->maxphyaddr,
		.gbpages = (a->flags & HTVM_ANN_F_GBPAGES) != 0,
	};
	int rc;

	if ((rc = dvmm_vm__init(&g->vm, &cfg)) != 0)
		return rc;
	copy_str(g->name, a->name, sizeof(g->name));
	copy_str(g->hostname, a->hostname, sizeof(g->hostname));
	copy_str(g->osrel, a->osrel, sizeof(g->osrel));
	g->vmid = 0;
	g->nvcpus = a->nvcpus;
	g->nprobes = a->nprobes;
	g->state = DVMM_GUEST_FREE;
	for (uint32_t i = 0; i < HTVM_MAX_PROBES; i++) {
		struct dvmm_gprobe *p = &g->probes[i];

		if (i < a->nprobes)
			dvmm_ann__probe(msg, i, &p->n);
		else
			p->n.provider[0] = p->n.module[0] = p->n.function[0] = p->n.name[0] = 0;
		p->cookie = NULL;
		p->enabled = 0;
	}
	return 0;
}

struct dvmm_gprobe *dvmm_guest__probe(struct dvmm_guest *g, uint32_t id)
{
	if (id >= g->nprobes || id >= HTVM_MAX_PROBES)
		return NULL;
	if (__atomic_load_n(&g->probes[id].enabled, __ATOMIC_ACQUIRE) == 0)
		return NULL;
	return &g->probes[id];
}

int dvmm_guest__enable(struct dvmm_guest *g, uint32_t id, void *cookie)
{
	if (id >= g->nprobes || id >= HTVM_MAX_PROBES)
		return DVMM_E_CTX_PROBE;
	g->probes[id].cookie = cookie;
	__atomic_store_n(&g->probes[id].enabled, 1, __ATOMIC_RELEASE);
	return 0;
}

int dvmm_guest__disable(struct dvmm_guest *g, uint32_t id)
{
	if (id >= g->nprobes || id >= HTVM_MAX_PROBES)
		return DVMM_E_CTX_PROBE;
	__atomic_store_n(&g->probes[id].enabled, 0, __ATOMIC_RELEASE);
	return 0;
}

int64_t dvmm_guest__exit(struct dvmm_guest *g, const struct dvmm_exit *x,
    uint8_t *scratch, struct dvmm_ctx *ctx, struct dvmm_gprobe **fire,
    int *err)
{
	int64_t ret = dvmm_vm__hypercall(&g->vm, &x->vcpu, x->rax, x->rbx,
	    x->rcx, scratch, ctx, err);

	*fire = NULL;
	if (ret == HT_HC_R_OK && x->rax == HT_HC_PROBE)
		*fire = dvmm_guest__probe(g, ctx->probe_id);
	return ret;
}

/* ---- Registry ---------------------------------------------------------------- */

void dvmm_reg__init(struct dvmm_registry *reg)
{
	for (uint32_t i = 0; i < DVMM_MAX_VMS; i++) {
		reg->vms[i] = NULL;
		reg->inflight[i] = 0;
		reg->dying[i] = 0;
	}
}

int dvmm_reg__add(struct dvmm_registry *reg, struct dvmm_guest *g)
{
	uint32_t free_ix = DVMM_MAX_VMS;

	for (uint32_t i = 0; i < DVMM_MAX_VMS; i++) {
		struct dvmm_guest *o = __atomic_load_n(&reg->vms[i], __ATOMIC_SEQ_CST);

		if (o != NULL && str_eq(o->name, g->name, sizeof(g->name)))
			return DVMM_E_REG_DUP;
		if (o == NULL && reg->dying[i] == 0 && free_ix == DVMM_MAX_VMS)
			free_ix = i;
	}
	if (free_ix == DVMM_MAX_VMS)
		return DVMM_E_REG_FULL;
	g->vmid = free_ix + 1;
	g->state = DVMM_GUEST_LIVE;
	__atomic_store_n(&reg->vms[free_ix], g, __ATOMIC_SEQ_CST);
	return 0;
}

struct dvmm_guest *dvmm_reg__find(struct dvmm_registry *reg, const char *name)
{
	for (uint32_t i = 0; i < DVMM_MAX_VMS; i++) {
		struct dvmm_guest *o = __atomic_load_n(&reg->vms[i], __ATOMIC_SEQ_CST);

		if (o != NULL && str_eq(o->name, name, sizeof(o->name)))
			return o;
	}
	return NULL;
}

int dvmm_reg__remove(struct dvmm_registry *reg, struct dvmm_guest *g)
{
	uint32_t i;

	if (g->vmid < 1 || g->vmid > DVMM_MAX_VMS)
		return DVMM_E_REG_MISSING;
	i = g->vmid - 1;
	if (g->state == DVMM_GUEST_LIVE) {
		if (__atomic_load_n(&reg->vms[i], __ATOMIC_SEQ_CST) != g)
			return DVMM_E_REG_MISSING;
		g->state = DVMM_GUEST_DYING;
		reg->dying[i] = 1;
		__atomic_store_n(&reg->vms[i], NULL, __ATOMIC_SEQ_CST);
	} else if (g->state != DVMM_GUEST_DYING || reg->dying[i] == 0) {
		return DVMM_E_REG_MISSING;
	}
	if (__atomic_load_n(&reg->inflight[i], __ATOMIC_SEQ_CST) != 0)
		return DVMM_E_REG_BUSY;
	reg->dying[i] = 0;
	g->state = DVMM_GUEST_FREE;
	g->vmid = 0;
	return 0;
}

struct dvmm_guest *dvmm_reg__enter(struct dvmm_registry *reg, uint32_t vmid)
{
	struct dvmm_guest *g;

	if (vmid < 1 || vmid > DVMM_MAX_VMS)
		return NULL;
	__atomic_add_fetch(&reg->inflight[vmid - 1], 1, __ATOMIC_SEQ_CST);
	g = __atomic_load_n(&reg->vms[vmid - 1], __ATOMIC_SEQ_CST);
	if (g == NULL)
		__atomic_sub_fetch(&reg->inflight[vmid - 1], 1, __ATOMIC_SEQ_CST);
	return g;
}

void dvmm_reg__leave(struct dvmm_registry *reg, uint32_t vmid)
{
	if (vmid >= 1 && vmid <= DVMM_MAX_VMS)
		__atomic_sub_fetch(&reg->inflight[vmid - 1], 1, __ATOMIC_SEQ_CST);
}
