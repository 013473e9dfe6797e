/*
 * dvmm_reg.h — host-side per-VM state for VM tracing: the announce
 * decoder, the exit-slot decoder, traced guests and the VM registry.
 * Included by dvmm.h; read that first.
 *
 * Ownership.  The caller allocates every struct dvmm_guest (they are big:
 * one probe map of HTVM_MAX_PROBES entries) and the one struct
 * dvmm_registry.  The registry only holds pointers.  A guest may be freed
 * once dvmm_reg__remove() returned 0 for it: from then on no firing can
 * reach it (see dvmm_reg.c for the argument).
 *
 * Firing path, lock-free and allocation-free:
 *
 *	g = dvmm_reg__enter(reg, vmid);      NULL: gone or dying
 *	p = dvmm_guest__probe(g, id);        NULL: unknown or disabled
 *	... run the probe, read guest memory through g->vm ...
 *	dvmm_reg__leave(reg, vmid);
 */
#ifndef DVMM_REG_H
#define DVMM_REG_H

#include "dif/htvm.h"

#define DVMM_MAX_VMS		64

/* ---- Announce (dvmm_ann.c) --------------------------------------------- */

struct dvmm_ann_slot {
	uint64_t gpa, size, offset;
	uint32_t fd;			/* index into the RAM fds */
};

/* A validated announce, without its probe records (read those with
 * dvmm_ann__probe from the same buffer). */
struct dvmm_announce {
	char name[HTVM_NAME_LEN];
	char hostname[HTVM_HOSTNAME_LEN];
	char osrel[HTVM_OSREL_LEN];
	uint8_t maxphyaddr;
	uint8_t flags;			/* HTVM_ANN_F_* */
	uint8_t nslots, nramfds;
	uint32_t nvcpus, nprobes, typefile_len;
	struct dvmm_ann_slot slots[HTVM_MAX_SLOTS];
};

struct dvmm_gprobe_name {
	char provider[HTVM_PRB_PROVIDER_LEN];
	char module[HTVM_PRB_MODULE_LEN];
	char function[HTVM_PRB_FUNCTION_LEN];
	char name[HTVM_PRB_NAME_LEN];
};

/*
 * Validate a whole ANNOUNCE message (header included) of len bytes that
 * arrived with nfds descriptors.  Returns 0 and fills *out, or a
 * DVMM_E_ANN_* code.  Reads nothing past len.
 */
int dvmm_ann__decode(const uint8_t *msg, size_t len, unsigned nfds,
    struct dvmm_announce *out);
/* Probe record i (< out->nprobes) of a message dvmm_ann__decode accepted. */
void dvmm_ann__probe(const uint8_t *msg, uint32_t i, struct dvmm_gprobe_name *out);
/* Encode a message header (16 bytes) with the given type and payload length. */
void dvmm_msg__header(uint8_t *hdr, uint16_t type, uint32_t length);
/* Check a received header; 0 and *type, *length, or a DVMM_E_ANN_* code. */
int dvmm_msg__check(const uint8_t *hdr, uint16_t *type, uint32_t *length);

/* ---- Exit ring (dvmm_ann.c) --------------------------------------------- */

/* What the host reads from one exit slot (its snapshot of the "VMCS"). */
struct dvmm_exit {
	uint64_t rax, rbx, rcx;
	struct dvmm_vcpu vcpu;
};

/* Check the ring header a guest initialised: magic, version, nvcpus. */
int dvmm_ring__check(const uint8_t *ring, uint32_t nvcpus);
/*
 * If vCPU v's slot is posted, snapshot it into *out and return 1; 0 if
 * it is not posted; DVMM_E_EXIT_BAD if the registers are unusable (the
 * caller still resumes it, with HT_HC_R_EINVAL).
 */
int dvmm_ring__take(const uint8_t *ring, uint32_t v, struct dvmm_exit *out);
/* Resume vCPU v with ret in RAX (the caller then wakes the state word). */
void dvmm_ring__resume(uint8_t *ring, uint32_t v, int64_t ret);
/* Address of vCPU v's state word (the guest's futex). */
uint32_t *dvmm_ring__state(uint8_t *ring, uint32_t v);
void dvmm_ring__set_enabled(uint8_t *ring, uint32_t probe, bool on);
void dvmm_ring__set_host(uint8_t *ring, uint32_t state);
uint32_t dvmm_ring__guest_state(const uint8_t *ring);

/* ---- Guests and the registry (dvmm_reg.c) -------------------------------- */

struct dvmm_gprobe {
	struct dvmm_gprobe_name n;
	void *cookie;			/* the host's probe; set before enabling */
	uint32_t enabled;		/* read atomically in the firing path */
};

enum dvmm_guest_state { DVMM_GUEST_FREE = 0, DVMM_GUEST_LIVE, DVMM_GUEST_DYING };

struct dvmm_guest {
	struct dvmm_vm vm;		/* memory slots, walker, cache */
	char name[HTVM_NAME_LEN];
	char hostname[HTVM_HOSTNAME_LEN];
	char osrel[HTVM_OSREL_LEN];
	uint32_t vmid;			/* 1..DVMM_MAX_VMS while registered; 0 = host */
	uint32_t nvcpus;
	uint32_t nprobes;
	uint32_t state;			/* enum dvmm_guest_state */
	struct dvmm_gprobe probes[HTVM_MAX_PROBES];
};

struct dvmm_registry {
	struct dvmm_guest *vms[DVMM_MAX_VMS];	/* index = vmid - 1 */
	uint32_t inflight[DVMM_MAX_VMS];	/* firings inside vms[i] */
	uint32_t dying[DVMM_MAX_VMS];		/* removal of index i not finished */
};

/*
 * Set up g from a validated announce: names, the VM config (MAXPHYADDR,
 * 1 GiB pages, probe count), every probe record from msg (disabled, no
 * cookie).  Memory slots are added afterwards by the caller, who mapped
 * them (dvmm_vm__add_slot on &g->vm).
 */
int dvmm_guest__init(struct dvmm_guest *g, const struct dvmm_announce *a,
    const uint8_t *msg);
/* The enabled probe `id` of g, or NULL (unknown id or disabled). */
struct dvmm_gprobe *dvmm_guest__probe(struct dvmm_guest *g, uint32_t id);
int dvmm_guest__enable(struct dvmm_guest *g, uint32_t id, void *cookie);
int dvmm_guest__disable(struct dvmm_guest *g, uint32_t id);
/*
 * Handle one exit of g: the hypercall checks (dvmm_vm__hypercall) and the
 * probe lookup.  Returns the guest's RAX.  *fire is the probe to fire (its
 * context in *ctx) or NULL: a disabled probe still returns HT_HC_R_OK.
 */
int64_t dvmm_guest__exit(struct dvmm_guest *g, const struct dvmm_exit *x,
    uint8_t *scratch, struct dvmm_ctx *ctx, struct dvmm_gprobe **fire,
    int *err);

void dvmm_reg__init(struct dvmm_registry *reg);
/* Publish a LIVE guest; assigns g->vmid.  REG_DUP, REG_FULL. */
int dvmm_reg__add(struct dvmm_registry *reg, struct dvmm_guest *g);
/* Control path: the registered guest named `name`, or NULL. */
struct dvmm_guest *dvmm_reg__find(struct dvmm_registry *reg, const char *name);
/*
 * Unpublish g.  Returns 0 when no firing can still be inside g (it may be
 * freed), or REG_BUSY: call again later (g is already unreachable for new
 * firings).  REG_MISSING if g is not registered.
 */
int dvmm_reg__remove(struct dvmm_registry *reg, struct dvmm_guest *g);
/* Firing path. */
struct dvmm_guest *dvmm_reg__enter(struct dvmm_registry *reg, uint32_t vmid);
void dvmm_reg__leave(struct dvmm_registry *reg, uint32_t vmid);

#endif /* DVMM_REG_H */
