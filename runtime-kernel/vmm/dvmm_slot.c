/*
 * dvmm_slot.c — the per-VM state and its memory-slot table: the only map
 * from guest-physical addresses to host memory.
 *
 * Theory.  Guest RAM is a few host buffers, each backing one
 * guest-physical range (like KVM memslots).  The table is a bounded array
 * (DVMM_MAX_SLOTS) kept sorted by base and disjoint, so a lookup is one
 * binary search and never touches host memory.  Invariants checked at
 * insert: base and size are 4 KiB multiples (a 4 KiB guest page is then
 * always contiguous on the host, which the translation cache relies on),
 * size > 0, no wrap, the range lies below 2^MAXPHYADDR, the host pointer
 * is non-NULL and 8-byte aligned (page-table entries are read with one
 * aligned load), and no two slots overlap.  Any change to the table
 * flushes the translation cache (cached host pointers may be stale).
 *
 * The caller owns the host buffers and must keep them mapped while they
 * are in the table.  Read next: dvmm_walk.c.
 */
#include "dvmm.h"

static const struct {
	int code;
	const char *name;
	const char *msg;
} err_table[] = {
	{ DVMM_OK, "OK", "no error" },
#define DVMM_ERR_ROW_(n, name, msg) { -(n), #name, msg },
	DVMM_ERRORS(DVMM_ERR_ROW_)
#undef DVMM_ERR_ROW_
};

const char *dvmm_err__name(int err)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == err)
			return err_table[i].name;
	return "?";
}

const char *dvmm_err__message(int err)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == err)
			return err_table[i].msg;
	return "unknown error";
}

int dvmm_vm__init(struct dvmm_vm *vm, const struct dvmm_vm_config *cfg)
{
	uint8_t m = cfg->maxphyaddr ? cfg->maxphyaddr : 52;

	if (m < 32 || m > 52)
		return DVMM_E_CONFIG;
	/* Field by field: no libc memset, and every byte gets a defined value. */
	vm->cfg = *cfg;
	vm->cfg.maxphyaddr = m;
	vm->addr_mask = ((UINT64_C(1) << m) - 1) & ~UINT64_C(0xfff);
	vm->rsvd_mask = ((UINT64_C(1) << 52) - 1) & ~((UINT64_C(1) << m) - 1);
	vm->nslots = 0;
	for (size_t i = 0; i < DVMM_MAX_SLOTS; i++) {
		vm->slots[i].gpa = 0;
		vm->slots[i].size = 0;
		vm->slots[i].hva = NULL;
	}
	for (size_t i = 0; i < DVMM_TLB_SIZE; i++) {
		vm->tlb[i].vpn = 0;
		vm->tlb[i].root = 0;
		vm->tlb[i].hpage = NULL;
		vm->tlb[i].gpa = 0;
		vm->tlb[i].epoch = 0;
		vm->tlb[i].mode = 0;
		vm->tlb[i].rights = 0;
		vm->tlb[i].ok = 0;
	}
	vm->epoch = 1;
	vm->last_root = 0;
	vm->last_cr3 = 0;
	vm->last_mode = 0;
	vm->stats.hits = 0;
	vm->stats.walks = 0;
	vm->stats.flushes = 0;
	return 0;
}

/* Index of the first slot whose base is > gpa (0..nslots). */
static uint32_t upper_bound(const struct dvmm_vm *vm, uint64_t gpa)
{
	uint32_t lo = 0, hi = vm->nslots;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (vm->slots[mid].gpa <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int dvmm_vm__add_slot(struct dvmm_vm *vm, uint64_t gpa, uint64_t size,
    const void *hva)
{
	uint64_t limit = UINT64_C(1) << vm->cfg.maxphyaddr;
	uint32_t at;

	if (size == 0 || (gpa | size) & 0xfff || hva == NULL ||
	    ((uintptr_t)hva & 7) != 0 || gpa >= limit || size > limit - gpa)
		return DVMM_E_SLOT_BAD;
	at = upper_bound(vm, gpa);
	if (at > 0) {
		const struct dvmm_slot *prev = &vm->slots[at - 1];

		if (gpa - prev->gpa < prev->size)
			return DVMM_E_SLOT_OVERLAP;
	}
	if (at < vm->nslots && vm->slots[at].gpa - gpa < size)
		return DVMM_E_SLOT_OVERLAP;
	if (vm->nslots == DVMM_MAX_SLOTS)
		return DVMM_E_SLOT_FULL;
	for (uint32_t i = vm->nslots; i > at; i--)
		vm->slots[i] = vm->slots[i - 1];
	vm->slots[at].gpa = gpa;
	vm->slots[at].size = size;
	vm->slots[at].hva = hva;
	vm->nslots++;
	dvmm_vm__flush(vm);
	return 0;
}

int dvmm_vm__remove_slot(struct dvmm_vm *vm, uint64_t gpa)
{
	uint32_t at = upper_bound(vm, gpa);

	if (at == 0 || vm->slots[at - 1].gpa != gpa)
		return DVMM_E_SLOT_MISSING;
	for (uint32_t i = at - 1; i + 1 < vm->nslots; i++)
		vm->slots[i] = vm->slots[i + 1];
	vm->nslots--;
	dvmm_vm__flush(vm);
	return 0;
}

const uint8_t *dvmm_vm__gpa_to_host(const struct dvmm_vm *vm, uint64_t gpa,
    uint64_t len)
{
	uint32_t at = upper_bound(vm, gpa);
	const struct dvmm_slot *s;
	uint64_t off;

	if (at == 0)
		return NULL;
	s = &vm->slots[at - 1];
	off = gpa - s->gpa;
	if (off >= s->size || len > s->size - off)
		return NULL;
	return s->hva + off;
}
