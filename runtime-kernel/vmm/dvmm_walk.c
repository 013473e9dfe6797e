/*
 * dvmm_walk.c — read-only x86-64 guest page walker, translation cache and
 * guest-memory reads.
 *
 * Theory.  dvmm_vm__walk turns a guest-virtual address into a
 * guest-physical one the way the CPU would (4- or 5-level long-mode
 * paging; 4 KiB, 2 MiB, 1 GiB leaves), but it is a pure reader:
 *  - the walk has a fixed depth (levels 5..1, no recursion), so looping or
 *    self-referencing tables terminate;
 *  - every table entry is read with ONE aligned 8-byte load from a host
 *    address obtained through the slot table (dvmm_slot.c); an entry or
 *    a table outside every slot is a NO_SLOT fault, never a host access;
 *  - decisions are taken on that local copy only (no re-reads: a racing
 *    guest cannot make us see two values of one entry);
 *  - A and D bits are never written; nothing in guest memory is written;
 *  - P=0 stops the walk before any other bit is looked at (the OS owns
 *    them), reserved bits (51:M, XD without NXE, PS at PML5/PML4, PS at
 *    PDPT without 1 GiB support, 20:13 / 29:13 of large leaves) fault;
 *  - rights are the AND of R/W and U/S and the OR of XD over the levels;
 *    the requested access (user, write, fetch) is checked at the end.
 *
 * dvmm_vm__read splits an access at 4 KiB boundaries and translates each
 * page, first through a small direct-mapped cache keyed by (root, mode,
 * vpn), with a fast path for a one-page access under the same CR3 word
 * and mode as the previous call.  Entries are valid only while their
 * epoch equals vm->epoch;
 * dvmm_vm__flush bumps the epoch (O(1)), and so does any slot change and
 * any change of (root, mode) between calls.  Failures are never cached.
 * Callers serialise calls on one dvmm_vm (docs/vm-tracing.md: a lock-free,
 * per-CPU read path is later work).
 */
#include "dvmm.h"

#define PTE_P		(UINT64_C(1) << 0)
#define PTE_RW		(UINT64_C(1) << 1)
#define PTE_US		(UINT64_C(1) << 2)
#define PTE_PS		(UINT64_C(1) << 7)
#define PTE_XD		(UINT64_C(1) << 63)
#define PAGE_MASK	UINT64_C(0xfff)

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = *(const volatile uint64_t *)(const volatile void *)p;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

bool dvmm_gva__is_canonical(uint64_t gva, uint32_t levels)
{
	unsigned width = levels == 5 ? 57 : 48;
	int64_t sext = (int64_t)(gva << (64 - width)) >> (64 - width);

	return (uint64_t)sext == gva;
}

static int fail(struct dvmm_fault *f, int code, unsigned level, uint64_t gva,
    uint64_t gpa)
{
	if (f) {
		f->code = code;
		f->level = (uint8_t)level;
		f->gva = gva;
		f->gpa = gpa;
	}
	return code;
}

static bool mode_ok(uint32_t mode)
{
	uint32_t levels = mode & DVMM_MODE_LEVELS;

	return (levels == 4 || levels == 5) &&
	    (mode & ~(DVMM_MODE_LEVELS | DVMM_MODE_NXE | DVMM_MODE_WP)) == 0;
}

/* Reserved bits of a present entry at `level` (PS decides leaf masks). */
static uint64_t reserved_mask(const struct dvmm_vm *vm, uint32_t mode,
    unsigned level, uint64_t e)
{
	uint64_t m = vm->rsvd_mask;

	if (!(mode & DVMM_MODE_NXE))
		m |= PTE_XD;
	if (level >= 4)
		m |= PTE_PS;
	else if (level == 3 && (e & PTE_PS))
		m |= vm->cfg.gbpages ? UINT64_C(0x3fffe000) : PTE_PS;
	else if (level == 2 && (e & PTE_PS))
		m |= UINT64_C(0x1fe000);
	return m;
}

static int check_access(uint8_t rights, uint32_t mode, uint32_t access,
    uint64_t gva, uint64_t gpa, struct dvmm_fault *fault)
{
	if ((access & DVMM_ACC_USER) && !(rights & DVMM_R_USER))
		return fail(fault, DVMM_E_USER, 0, gva, gpa);
	if ((access & DVMM_ACC_WRITE) && !(rights & DVMM_R_WRITE) &&
	    ((access & DVMM_ACC_USER) || (mode & DVMM_MODE_WP)))
		return fail(fault, DVMM_E_WRITE, 0, gva, gpa);
	if ((access & DVMM_ACC_FETCH) && (rights & DVMM_R_NX))
		return fail(fault, DVMM_E_NX, 0, gva, gpa);
	return 0;
}

int dvmm_vm__walk(struct dvmm_vm *vm, uint64_t cr3, uint32_t mode,
    uint64_t gva, uint32_t access, struct dvmm_xlate *out,
    struct dvmm_fault *fault)
{
	unsigned levels = mode & DVMM_MODE_LEVELS;
	uint64_t table = cr3 & vm->addr_mask;
	uint8_t rights = DVMM_R_WRITE | DVMM_R_USER;

	if (!mode_ok(mode))
		return fail(fault, DVMM_E_MODE, 0, gva, 0);
	if (access & ~(DVMM_ACC_WRITE | DVMM_ACC_USER | DVMM_ACC_FETCH))
		return fail(fault, DVMM_E_ACCESS, 0, gva, 0);
	if ((cr3 & ~(vm->addr_mask | PAGE_MASK)) != 0)
		return fail(fault, DVMM_E_CR3, 0, gva, cr3);
	if (!dvmm_gva__is_canonical(gva, levels))
		return fail(fault, DVMM_E_NONCANONICAL, 0, gva, 0);
	vm->stats.walks++;
	for (unsigned level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t egpa = table + 8 * ((gva >> shift) & 0x1ff);
		const uint8_t *h = dvmm_vm__gpa_to_host(vm, egpa, 8);
		uint64_t e;

		if (h == NULL)
			return fail(fault, DVMM_E_NO_SLOT, level, gva, egpa);
		e = load_le64(h);
		if (!(e & PTE_P))
			return fail(fault, DVMM_E_NOT_PRESENT, level, gva, egpa);
		if (e & reserved_mask(vm, mode, level, e))
			return fail(fault, DVMM_E_RESERVED_BIT, level, gva, egpa);
		if (!(e & PTE_RW))
			rights &= (uint8_t)~DVMM_R_WRITE;
		if (!(e & PTE_US))
			rights &= (uint8_t)~DVMM_R_USER;
		if ((mode & DVMM_MODE_NXE) && (e & PTE_XD))
			rights |= DVMM_R_NX;
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			uint64_t size = UINT64_C(1) << shift;
			uint64_t gpa = (e & vm->addr_mask & ~(size - 1)) |
			    (gva & (size - 1));
			int rc = check_access(rights, mode, access, gva, gpa,
			    fault);

			if (rc != 0)
				return rc;
			if (out) {
				out->gpa = gpa;
				out->page_size = size;
				out->rights = rights;
				out->levels = (uint8_t)(levels - level + 1);
			}
			if (fault)
				fault->code = 0;
			return 0;
		}
		table = e & vm->addr_mask;
	}
	/* Not reached: level 1 always returns above. */
	return fail(fault, DVMM_E_MODE, 0, gva, 0);
}

void dvmm_vm__flush(struct dvmm_vm *vm)
{
	vm->stats.flushes++;
	if (++vm->epoch == 0) {
		/* Wrapped: old entries could match again, so clear them. */
		for (size_t i = 0; i < DVMM_TLB_SIZE; i++)
			vm->tlb[i].epoch = 0;
		vm->epoch = 1;
	}
}

static size_t tlb_index(uint64_t vpn)
{
	return (size_t)((vpn ^ (vpn >> 9)) & (DVMM_TLB_SIZE - 1));
}

/* Bitmap over the 8 access kinds: bit a set if access a is allowed. */
static uint8_t allowed_accesses(uint8_t rights, uint32_t mode)
{
	uint8_t ok = 0;

	for (uint32_t a = 0; a < 8; a++)
		if (check_access(rights, mode, a, 0, 0, NULL) == 0)
			ok |= (uint8_t)(1u << a);
	return ok;
}

/* Host address of the 4 KiB page holding gva (cache, else walk + fill). */
static const uint8_t *translate_page(struct dvmm_vm *vm, uint64_t root,
    uint32_t mode, uint64_t gva, uint32_t access, struct dvmm_fault *fault)
{
	uint64_t vpn = gva >> 12;
	struct dvmm_tlb_entry *e = &vm->tlb[tlb_index(vpn)];
	struct dvmm_xlate x;
	const uint8_t *h;

	if (e->epoch == vm->epoch && e->vpn == vpn && e->root == root &&
	    e->mode == mode && access < 8 && ((e->ok >> access) & 1)) {
		vm->stats.hits++;
		return e->hpage;
	}
	if (dvmm_vm__walk(vm, root, mode, gva, access, &x, fault) != 0)
		return NULL;
	h = dvmm_vm__gpa_to_host(vm, x.gpa & ~PAGE_MASK, DVMM_PAGE_SIZE);
	if (h == NULL) {
		fail(fault, DVMM_E_NO_SLOT, 0, gva, x.gpa);
		return NULL;
	}
	e->vpn = vpn;
	e->root = root;
	e->mode = mode;
	e->hpage = h;
	e->gpa = x.gpa & ~PAGE_MASK;
	e->rights = x.rights;
	e->ok = allowed_accesses(x.rights, mode);
	e->epoch = vm->epoch;
	return h;
}

static void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
	for (; n >= 8; n -= 8, d += 8, s += 8)
		__builtin_memcpy(d, s, 8);
	for (; n > 0; n--)
		*d++ = *s++;
}

int dvmm_vm__read(struct dvmm_vm *vm, uint64_t cr3, uint32_t mode,
    uint64_t gva, void *buf, size_t len, uint32_t access,
    struct dvmm_fault *fault)
{
	uint8_t *out = buf;
	struct dvmm_fault local;

	if (fault == NULL)
		fault = &local;
	fault->code = 0;
	/*
	 * Fast path: same CR3 word and mode as the cached entries (validated
	 * when they were stored), the access inside one page, a cache hit.
	 */
	if (cr3 == vm->last_cr3 && mode == vm->last_mode && access < 8 &&
	    len - 1 < DVMM_PAGE_SIZE - (gva & PAGE_MASK)) {
		uint64_t vpn = gva >> 12;
		const struct dvmm_tlb_entry *e = &vm->tlb[tlb_index(vpn)];

		if (e->epoch == vm->epoch && e->vpn == vpn &&
		    ((e->ok >> access) & 1)) {
			vm->stats.hits++;
			copy_bytes(out, e->hpage + (gva & PAGE_MASK), len);
			return 0;
		}
	}
	if (len == 0)
		return 0;
	if (len - 1 > UINT64_MAX - gva)
		return fail(fault, DVMM_E_RANGE, 0, gva, 0);
	if (!mode_ok(mode))
		return fail(fault, DVMM_E_MODE, 0, gva, 0);
	if ((cr3 & ~(vm->addr_mask | PAGE_MASK)) != 0)
		return fail(fault, DVMM_E_CR3, 0, gva, cr3);
	if ((cr3 & vm->addr_mask) != vm->last_root || mode != vm->last_mode) {
		dvmm_vm__flush(vm);
		vm->last_root = cr3 & vm->addr_mask;
		vm->last_mode = mode;
	}
	vm->last_cr3 = cr3;
	cr3 &= vm->addr_mask;
	while (len > 0) {
		size_t off = (size_t)(gva & PAGE_MASK);
		size_t n = DVMM_PAGE_SIZE - off;
		const uint8_t *h;

		if (n > len)
			n = len;
		h = translate_page(vm, cr3, mode, gva, access, fault);
		if (h == NULL)
			return fault->code;
		copy_bytes(out, h + off, n);
		out += n;
		len -= n;
		gva += n;
	}
	return 0;
}
