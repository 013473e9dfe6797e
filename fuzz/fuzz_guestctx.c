/*
 * fuzz_guestctx.c — guest-context block decoding and the hypercall entry.
 *
 * Input: the raw block bytes.  They are decoded directly (from an
 * exact-size copy, so ASan sees any read past the length) and also placed
 * in guest RAM and fed through dvmm_vm__hypercall as a HT_HC_PROBE with
 * RCX = the input length.  A block that validates must give a host
 * context that keeps the promises the decoder makes (terminated printable
 * execname, nargs <= 10, registered probe id, canonical curthread).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dvmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ctx(const struct dvmm_vm *vm, const struct dvmm_ctx *c)
{
	size_t n = 0;

	if (c->nargs > HT_GC_NARGS || c->probe_id >= vm->cfg.nprobes ||
	    !dvmm_gva__is_canonical(c->curthread, c->mode & DVMM_MODE_LEVELS))
		abort();
	while (n < HT_GC_EXECNAME_LEN && c->execname[n] != 0) {
		if (c->execname[n] < 0x20 || c->execname[n] > 0x7e)
			abort();
		n++;
	}
	if (n == HT_GC_EXECNAME_LEN)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dvmm_vm vm;
	static uint8_t scratch[HT_GC_MAX_SIZE];
	static uint8_t ram[2 * 4096] __attribute__((aligned(4096)));
	struct dvmm_vm_config cfg = { .nprobes = 16, .maxphyaddr = 46 };
	struct dvmm_vcpu vcpu = { .cpl = 0, .mode = DVMM_MODE_4LEVEL };
	struct dvmm_ctx c;
	uint8_t *copy = malloc(size ? size : 1);
	int err;

	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	if (dvmm_vm__init(&vm, &cfg) != 0 ||
	    dvmm_vm__add_slot(&vm, 0x10000, sizeof(ram), ram) != 0)
		abort();
	if (dvmm_ctx__decode(&vm, copy, size, &c) == 0) {
		check_ctx(&vm, &c);
		vcpu.cr3 = c.cr3;
		vcpu.mode = c.mode;
	}
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data, size < sizeof(ram) ? size : sizeof(ram));
	if (dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x10000, size, scratch, &c,
	    &err) == HT_HC_R_OK)
		check_ctx(&vm, &c);
	free(copy);
	return 0;
}
