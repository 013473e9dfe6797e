/*
 * fuzz_htvm.c — everything a guest sends when it attaches and afterwards:
 * the ANNOUNCE message and the exit ring (include/dif/htvm.h).
 *
 * Input: byte 0 picks the target.  Even: the rest is an announce message,
 * decoded from an exact-size heap copy (ASan sees any over-read) with
 * nfds taken from byte 0's upper bits; an accepted one must keep the
 * decoder's promises and is turned into a guest (dvmm_guest__init).  Odd:
 * the rest is the 4 KiB exit ring (zero padded); every vCPU slot is taken
 * and pushed through a registered guest's exit path, exactly as dtrace
 * does, with guest RAM that holds the input too.  Nothing may crash, and
 * no RAM byte may change.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dvmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool name_ok(const char *s, size_t cap, bool nonempty)
{
	size_t n = 0;

	while (n < cap && s[n] != 0)
		n++;
	return n < cap && (!nonempty || n > 0);
}

static void announce(const uint8_t *data, size_t size, unsigned nfds)
{
	static struct dvmm_guest g;
	struct dvmm_announce a;
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	if (dvmm_ann__decode(copy, size, nfds, &a) == 0) {
		if (a.nprobes > HTVM_MAX_PROBES || a.nslots > HTVM_MAX_SLOTS ||
		    a.nvcpus > HTVM_MAX_VCPUS || !name_ok(a.name, sizeof(a.name), true) ||
		    size != HTVM_MSG_HDR_SIZE + HTVM_ANN_SIZE(a.nprobes))
			abort();
		if (dvmm_guest__init(&g, &a, copy) != 0)
			abort();
		for (uint32_t i = 0; i < g.nprobes; i++)
			if (!name_ok(g.probes[i].n.provider, HTVM_PRB_PROVIDER_LEN, true) ||
			    !name_ok(g.probes[i].n.name, HTVM_PRB_NAME_LEN, true))
				abort();
	}
	free(copy);
}

static void ring_exits(const uint8_t *data, size_t size)
{
	static struct dvmm_guest g;
	static struct dvmm_registry reg;
	static uint8_t ring[HTVM_RING_SIZE] __attribute__((aligned(64)));
	static uint8_t ram[4 * 4096] __attribute__((aligned(4096)));
	static uint8_t shadow[sizeof(ram)];
	static uint8_t scratch[HT_GC_MAX_SIZE];
	struct dvmm_vm_config cfg = { .nprobes = 4, .maxphyaddr = 40 };
	struct dvmm_guest *in;

	memset(ring, 0, sizeof(ring));
	memcpy(ring, data, size < sizeof(ring) ? size : sizeof(ring));
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data, size < sizeof(ram) ? size : sizeof(ram));
	memcpy(shadow, ram, sizeof(ram));
	memset(&g, 0, sizeof(g));
	strcpy(g.name, "fuzz");
	g.nprobes = 4;
	g.nvcpus = HTVM_MAX_VCPUS;
	if (dvmm_vm__init(&g.vm, &cfg) != 0 ||
	    dvmm_vm__add_slot(&g.vm, 0, sizeof(ram), ram) != 0)
		abort();
	dvmm_guest__enable(&g, 1, &g);
	dvmm_reg__init(&reg);
	if (dvmm_reg__add(&reg, &g) != 0)
		abort();
	(void)dvmm_ring__check(ring, g.nvcpus);
	for (uint32_t v = 0; v < g.nvcpus; v++) {
		struct dvmm_exit x;
		struct dvmm_ctx ctx;
		struct dvmm_gprobe *fire = NULL;
		int err = 0, rc;
		int64_t ret = HT_HC_R_EINVAL;

		if ((in = dvmm_reg__enter(&reg, g.vmid)) != &g)
			abort();
		rc = dvmm_ring__take(ring, v, &x);
		if (rc == 1)
			ret = dvmm_guest__exit(in, &x, scratch, &ctx, &fire, &err);
		if (fire != NULL) {
			uint8_t buf[64];
			struct dvmm_fault f;

			if (fire->cookie != &g || ctx.probe_id != 1)
				abort();
			(void)dvmm_vm__read(&in->vm, ctx.cr3, ctx.mode, ctx.curthread,
			    buf, sizeof(buf), 0, &f);
		}
		if (rc != 0)
			dvmm_ring__resume(ring, v, ret);
		dvmm_reg__leave(&reg, g.vmid);
	}
	if (memcmp(ram, shadow, sizeof(ram)) != 0)
		abort();
	if (dvmm_reg__remove(&reg, &g) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0)
		announce(data + 1, size - 1, data[0] >> 1);
	else
		ring_exits(data + 1, size - 1);
	return 0;
}
