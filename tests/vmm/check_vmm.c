/*
 * check_vmm.c — the VM-tracing host side (runtime-kernel/vmm): memory
 * slots, the read-only page walker in every paging mode and page size,
 * its faults, the translation cache, guest-context validation and the
 * hypercall entry.
 *
 * The test guest is a 4 MiB RAM buffer at GPA 0 whose page tables are
 * built exactly as a kernel would build them (map_page below): data pages
 * live in [0, 2 MiB), page tables are bump-allocated from 2 MiB upwards.
 * Every test that walks ends by checking that guest RAM is byte-for-byte
 * what the test itself wrote (the walker never writes, not even A/D bits).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dvmm.h"

#define RAM_SIZE	(4u << 20)
#define TABLES_BASE	(2u << 20)
#define KB4		UINT64_C(0x1000)
#define MB2		UINT64_C(0x200000)
#define GB1		UINT64_C(0x40000000)

#define P	UINT64_C(0x1)
#define RW	UINT64_C(0x2)
#define US	UINT64_C(0x4)
#define PS	UINT64_C(0x80)
#define XD	(UINT64_C(1) << 63)

#define KTEXT	UINT64_C(0xffffffff80000000)

struct guest {
	uint8_t *ram;
	uint8_t *shadow;		/* what RAM must hold: the walker never writes */
	uint64_t next_table;
	uint64_t root;
	unsigned levels;
};

static struct guest g;
static struct dvmm_vm vm;

static uint64_t *entry_at(uint64_t gpa)
{
	ck_assert_uint_lt(gpa, RAM_SIZE);
	return (uint64_t *)(void *)(g.ram + gpa);
}

static uint64_t new_table(void)
{
	uint64_t gpa = g.next_table;

	ck_assert_uint_lt(gpa, RAM_SIZE);
	g.next_table += KB4;
	memset(g.ram + gpa, 0, KB4);
	return gpa;
}

static void guest_open(unsigned levels, uint8_t maxphyaddr, bool gbpages)
{
	struct dvmm_vm_config cfg = { .nprobes = 4, .maxphyaddr = maxphyaddr,
	    .gbpages = gbpages };

	g.ram = aligned_alloc(4096, RAM_SIZE);
	g.shadow = malloc(RAM_SIZE);
	ck_assert_ptr_nonnull(g.ram);
	ck_assert_ptr_nonnull(g.shadow);
	memset(g.ram, 0, RAM_SIZE);
	g.next_table = TABLES_BASE;
	g.levels = levels;
	g.root = new_table();
	ck_assert_int_eq(dvmm_vm__init(&vm, &cfg), 0);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0, RAM_SIZE, g.ram), 0);
}

/* Snapshot RAM after the test built it; guest_close compares. */
static void guest_seal(void)
{
	memcpy(g.shadow, g.ram, RAM_SIZE);
}

static void guest_close(void)
{
	ck_assert_msg(memcmp(g.shadow, g.ram, RAM_SIZE) == 0,
	    "the walker wrote guest memory");
	free(g.ram);
	free(g.shadow);
}

static unsigned idx(uint64_t gva, unsigned level)
{
	return (unsigned)(gva >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* GPA of the entry for gva at `level`, creating tables above it. */
static uint64_t entry_gpa(uint64_t gva, unsigned level)
{
	uint64_t table = g.root;

	for (unsigned l = g.levels; l > level; l--) {
		uint64_t *e = entry_at(table + 8 * idx(gva, l));

		if (!(*e & P))
			*e = new_table() | P | RW | US;
		table = *e & UINT64_C(0x000ffffffffff000);
	}
	return table + 8 * idx(gva, level);
}

/* Map one page of `size` (4 KiB, 2 MiB, 1 GiB) the way a kernel would. */
static void map_page(uint64_t gva, uint64_t gpa, uint64_t size, uint64_t flags)
{
	unsigned level = size == KB4 ? 1 : size == MB2 ? 2 : 3;

	*entry_at(entry_gpa(gva, level)) = gpa | flags | (level > 1 ? PS : 0);
}

static uint64_t mode(void)
{
	return g.levels == 5 ? DVMM_MODE_5LEVEL : DVMM_MODE_4LEVEL;
}

static void poke64(uint64_t gpa, uint64_t v)
{
	memcpy(g.ram + gpa, &v, 8);
}

static int rd64(uint64_t gva, uint32_t access, uint64_t *v,
    struct dvmm_fault *f)
{
	return dvmm_vm__read(&vm, g.root, (uint32_t)mode(), gva, v, 8, access, f);
}

/* ---- memory slots ---- */

static uint8_t slot_mem[8 * 4096] __attribute__((aligned(4096)));

static void slots_open(void)
{
	struct dvmm_vm_config cfg = { .nprobes = 1 };

	ck_assert_int_eq(dvmm_vm__init(&vm, &cfg), 0);
}

/* ASSERTION: a slot overlapping an existing one in any way is rejected; adjacent slots are fine. */
START_TEST(slot_overlap)
{
	slots_open();
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x10000, 0x4000, slot_mem), 0);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x10000, 0x4000, slot_mem), DVMM_E_SLOT_OVERLAP);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0xf000, 0x2000, slot_mem), DVMM_E_SLOT_OVERLAP);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x13000, 0x2000, slot_mem), DVMM_E_SLOT_OVERLAP);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x11000, 0x1000, slot_mem), DVMM_E_SLOT_OVERLAP);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x0, 0x100000, slot_mem), DVMM_E_SLOT_OVERLAP);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0xc000, 0x4000, slot_mem), 0);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x14000, 0x1000, slot_mem), 0);
	ck_assert_uint_eq(vm.nslots, 3);
}
END_TEST

/* ASSERTION: misaligned, empty, wrapping, NULL, unaligned-host and above-MAXPHYADDR slots are rejected. */
START_TEST(slot_bad)
{
	struct dvmm_vm_config cfg = { .nprobes = 1, .maxphyaddr = 40 };

	ck_assert_int_eq(dvmm_vm__init(&vm, &cfg), 0);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x10, 0x1000, slot_mem), DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x1000, 0x10, slot_mem), DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x1000, 0, slot_mem), DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x1000, 0x1000, NULL), DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x1000, 0x1000, slot_mem + 1), DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, UINT64_C(0xfffffffffffff000), 0x2000, slot_mem),
	    DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, UINT64_C(1) << 40, 0x1000, slot_mem), DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, (UINT64_C(1) << 40) - 0x1000, 0x2000, slot_mem),
	    DVMM_E_SLOT_BAD);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, (UINT64_C(1) << 40) - 0x1000, 0x1000, slot_mem), 0);
	cfg.maxphyaddr = 31;
	ck_assert_int_eq(dvmm_vm__init(&vm, &cfg), DVMM_E_CONFIG);
	cfg.maxphyaddr = 53;
	ck_assert_int_eq(dvmm_vm__init(&vm, &cfg), DVMM_E_CONFIG);
}
END_TEST

/* ASSERTION: the table holds DVMM_MAX_SLOTS slots, lookups find every one by binary search, and removal works. */
START_TEST(slot_table)
{
	slots_open();
	/* Insert in a scrambled order; the table stays sorted. */
	for (unsigned i = 0; i < DVMM_MAX_SLOTS; i++) {
		unsigned k = (i * 7) % DVMM_MAX_SLOTS;

		ck_assert_int_eq(dvmm_vm__add_slot(&vm, (uint64_t)k * 0x10000, 0x1000,
		    slot_mem + 8 * k), 0);
	}
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x1000000, 0x1000, slot_mem), DVMM_E_SLOT_FULL);
	for (unsigned k = 0; k < DVMM_MAX_SLOTS; k++) {
		uint64_t base = (uint64_t)k * 0x10000;

		ck_assert_ptr_eq(dvmm_vm__gpa_to_host(&vm, base, 1), slot_mem + 8 * k);
		ck_assert_ptr_eq(dvmm_vm__gpa_to_host(&vm, base + 0xff8, 8), slot_mem + 8 * k + 0xff8);
		ck_assert_ptr_null(dvmm_vm__gpa_to_host(&vm, base + 0xff9, 8));
		ck_assert_ptr_null(dvmm_vm__gpa_to_host(&vm, base + 0x1000, 1));
		ck_assert_ptr_null(dvmm_vm__gpa_to_host(&vm, base + 0x8000, 1));
	}
	ck_assert_ptr_null(dvmm_vm__gpa_to_host(&vm, 0, UINT64_MAX));
	ck_assert_int_eq(dvmm_vm__remove_slot(&vm, 0x50000), 0);
	ck_assert_int_eq(dvmm_vm__remove_slot(&vm, 0x50000), DVMM_E_SLOT_MISSING);
	ck_assert_int_eq(dvmm_vm__remove_slot(&vm, 0x50010), DVMM_E_SLOT_MISSING);
	ck_assert_ptr_null(dvmm_vm__gpa_to_host(&vm, 0x50000, 1));
	ck_assert_ptr_eq(dvmm_vm__gpa_to_host(&vm, 0x60000, 1), slot_mem + 8 * 6);
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x50000, 0x1000, slot_mem), 0);
}
END_TEST

/* ---- walks ---- */

struct size_case {
	unsigned levels;
	uint64_t size;
	uint64_t gva;
	uint64_t frame;
};

static const struct size_case size_cases[] = {
	{ 4, KB4, KTEXT + 0x1000, 0x5000 },
	{ 4, MB2, KTEXT + MB2, 0 },
	{ 4, GB1, UINT64_C(0xffff888000000000), 0 },
	{ 5, KB4, KTEXT + 0x1000, 0x5000 },
	{ 5, MB2, KTEXT + MB2, MB2 },
	{ 5, GB1, UINT64_C(0xff11000000000000), 0 },
	{ 4, KB4, UINT64_C(0x00007ffffffff000), 0x7000 },
	{ 5, KB4, UINT64_C(0x00fffffffffff000), 0x7000 },
	{ 5, KB4, UINT64_C(0x0000800000000000), 0x7000 },
};

/* ASSERTION: every paging mode and page size translates to the expected GPA and reads the bytes there. */
START_TEST(walk_sizes)
{
	const struct size_case *c = &size_cases[_i];
	uint64_t off = c->size == KB4 ? 0x18 : 0x12348;
	struct dvmm_xlate x;
	struct dvmm_fault f;
	uint64_t v = 0;

	guest_open(c->levels, 0, true);
	map_page(c->gva, c->frame, c->size, P | RW);
	poke64(c->frame + off, UINT64_C(0x1122334455667788));
	guest_seal();
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, (uint32_t)mode(), c->gva + off, 0, &x, &f), 0);
	ck_assert_uint_eq(x.gpa, c->frame + off);
	ck_assert_uint_eq(x.page_size, c->size);
	ck_assert_uint_eq(x.levels, c->levels - (c->size == MB2 ? 1 : c->size == GB1 ? 2 : 0));
	ck_assert_uint_eq(x.rights, DVMM_R_WRITE);
	ck_assert_int_eq(rd64(c->gva + off, 0, &v, &f), 0);
	ck_assert_uint_eq(v, UINT64_C(0x1122334455667788));
	guest_close();
}
END_TEST

/* ASSERTION: P=0 at each level is NOT_PRESENT at that level, whatever garbage the other bits hold. */
START_TEST(walk_not_present)
{
	unsigned levels = _i < 4 ? 4 : 5;
	unsigned level = _i < 4 ? (unsigned)_i + 1 : (unsigned)_i - 3;
	uint64_t gva = KTEXT + 0x3000;
	struct dvmm_fault f;
	uint64_t v;

	guest_open(levels, 40, true);
	map_page(gva, 0x9000, KB4, P | RW);
	/* Address outside RAM, reserved bits, PS: all ignored when P=0. */
	*entry_at(entry_gpa(gva, level)) = UINT64_C(0x7ff0000123456086);
	guest_seal();
	ck_assert_int_eq(rd64(gva, 0, &v, &f), DVMM_E_NOT_PRESENT);
	ck_assert_int_eq(f.code, DVMM_E_NOT_PRESENT);
	ck_assert_uint_eq(f.level, level);
	ck_assert_uint_eq(f.gva, gva);
	ck_assert_uint_eq(f.gpa, entry_gpa(gva, level));
	guest_close();
}
END_TEST

/* ASSERTION: U/S=0 at any level denies user access and allows supervisor access. */
START_TEST(walk_user_supervisor)
{
	unsigned level = (unsigned)_i + 1;
	uint64_t gva = UINT64_C(0x400000) + 0x1000;
	struct dvmm_fault f;
	uint64_t v;

	guest_open(4, 0, false);
	map_page(gva, 0x9000, KB4, P | RW | US);
	ck_assert_int_eq(rd64(gva, DVMM_ACC_USER, &v, &f), 0);
	*entry_at(entry_gpa(gva, level)) &= ~US;
	guest_seal();
	dvmm_vm__flush(&vm);
	ck_assert_int_eq(rd64(gva, DVMM_ACC_USER, &v, &f), DVMM_E_USER);
	ck_assert_uint_eq(f.gva, gva);
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);
	/* The cached supervisor translation must not serve a user access. */
	ck_assert_int_eq(rd64(gva, DVMM_ACC_USER, &v, &f), DVMM_E_USER);
	guest_close();
}
END_TEST

/* ASSERTION: R/W=0 at any level faults user writes and supervisor writes under CR0.WP only; reads pass. */
START_TEST(walk_write)
{
	unsigned level = (unsigned)_i + 1;
	uint64_t gva = UINT64_C(0x400000) + 0x2000;
	uint32_t m = DVMM_MODE_4LEVEL;
	struct dvmm_xlate x;
	struct dvmm_fault f;

	guest_open(4, 0, false);
	map_page(gva, 0x9000, KB4, P | RW | US);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m | DVMM_MODE_WP, gva,
	    DVMM_ACC_WRITE | DVMM_ACC_USER, &x, &f), 0);
	*entry_at(entry_gpa(gva, level)) &= ~RW;
	guest_seal();
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m, gva, DVMM_ACC_WRITE | DVMM_ACC_USER, &x, &f),
	    DVMM_E_WRITE);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m | DVMM_MODE_WP, gva, DVMM_ACC_WRITE, &x, &f),
	    DVMM_E_WRITE);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m, gva, DVMM_ACC_WRITE, &x, &f), 0);
	ck_assert_uint_eq(x.rights, DVMM_R_USER);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m | DVMM_MODE_WP, gva, DVMM_ACC_USER, &x, &f), 0);
	guest_close();
}
END_TEST

/* ASSERTION: XD at any level with EFER.NXE faults fetches only; without NXE the bit is reserved. */
START_TEST(walk_nx)
{
	unsigned level = (unsigned)_i + 1;
	uint64_t gva = KTEXT + 0x4000;
	uint32_t m = DVMM_MODE_4LEVEL;
	struct dvmm_xlate x;
	struct dvmm_fault f;

	guest_open(4, 0, false);
	map_page(gva, 0x9000, KB4, P | RW);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m | DVMM_MODE_NXE, gva, DVMM_ACC_FETCH, &x, &f), 0);
	*entry_at(entry_gpa(gva, level)) |= XD;
	guest_seal();
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m | DVMM_MODE_NXE, gva, DVMM_ACC_FETCH, &x, &f),
	    DVMM_E_NX);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m | DVMM_MODE_NXE, gva, 0, &x, &f), 0);
	ck_assert_uint_eq(x.rights, DVMM_R_WRITE | DVMM_R_NX);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, m, gva, 0, &x, &f), DVMM_E_RESERVED_BIT);
	ck_assert_uint_eq(f.level, level);
	guest_close();
}
END_TEST

/* ASSERTION: bits 51:M, PS in PML5E/PML4E, 1 GiB PS without support and low bits of large frames are reserved. */
START_TEST(walk_reserved)
{
	uint64_t gva = KTEXT + 0x5000, big = KTEXT + 0x400000;
	struct dvmm_fault f;
	uint64_t v;

	/* Bit 51 with M = 40: reserved at each level. */
	for (unsigned level = 1; level <= 5; level++) {
		guest_open(5, 40, false);
		map_page(gva, 0x9000, KB4, P | RW);
		*entry_at(entry_gpa(gva, level)) |= UINT64_C(1) << 51;
		guest_seal();
		ck_assert_int_eq(rd64(gva, 0, &v, &f), DVMM_E_RESERVED_BIT);
		ck_assert_uint_eq(f.level, level);
		guest_close();
	}
	/* With M = 52 bit 51 is an address bit: the frame is outside RAM. */
	guest_open(4, 52, false);
	map_page(gva, 0x9000 | (UINT64_C(1) << 51), KB4, P | RW);
	guest_seal();
	ck_assert_int_eq(rd64(gva, 0, &v, &f), DVMM_E_NO_SLOT);
	ck_assert_uint_eq(f.gpa, (UINT64_C(1) << 51) | 0x9000);
	guest_close();
	/* PS in the top two levels. */
	for (unsigned level = 4; level <= 5; level++) {
		guest_open(5, 0, true);
		map_page(gva, 0x9000, KB4, P | RW);
		*entry_at(entry_gpa(gva, level)) |= PS;
		guest_seal();
		ck_assert_int_eq(rd64(gva, 0, &v, &f), DVMM_E_RESERVED_BIT);
		ck_assert_uint_eq(f.level, level);
		guest_close();
	}
	/* 1 GiB page without CPU support. */
	guest_open(4, 0, false);
	map_page(UINT64_C(0xffff888000000000), 0, GB1, P | RW);
	guest_seal();
	ck_assert_int_eq(rd64(UINT64_C(0xffff888000000000), 0, &v, &f), DVMM_E_RESERVED_BIT);
	ck_assert_uint_eq(f.level, 3);
	guest_close();
	/* Bits 20:13 of a 2 MiB leaf and 29:13 of a 1 GiB leaf; bit 12 (PAT) is fine. */
	guest_open(4, 0, true);
	map_page(big, 0, MB2, P | RW | (UINT64_C(1) << 12));
	ck_assert_int_eq(rd64(big, 0, &v, &f), 0);
	*entry_at(entry_gpa(big, 2)) |= UINT64_C(1) << 13;
	map_page(UINT64_C(0xffff888000000000), 0, GB1, P | RW | (UINT64_C(1) << 20));
	guest_seal();
	dvmm_vm__flush(&vm);
	ck_assert_int_eq(rd64(big, 0, &v, &f), DVMM_E_RESERVED_BIT);
	ck_assert_uint_eq(f.level, 2);
	ck_assert_int_eq(rd64(UINT64_C(0xffff888000000000), 0, &v, &f), DVMM_E_RESERVED_BIT);
	ck_assert_uint_eq(f.level, 3);
	guest_close();
}
END_TEST

/* ASSERTION: non-canonical addresses fault before any table is read, per paging mode. */
START_TEST(walk_noncanonical)
{
	struct dvmm_fault f;
	uint64_t v;

	guest_open(4, 0, false);
	guest_seal();
	ck_assert_int_eq(rd64(UINT64_C(0x0000800000000000), 0, &v, &f), DVMM_E_NONCANONICAL);
	ck_assert_uint_eq(f.level, 0);
	ck_assert_int_eq(rd64(UINT64_C(0xffff7fffffffffff), 0, &v, &f), DVMM_E_NONCANONICAL);
	ck_assert_int_eq(rd64(UINT64_C(0x0000800000000000), 0, &v, &f), DVMM_E_NONCANONICAL);
	ck_assert(dvmm_gva__is_canonical(UINT64_C(0x00007fffffffffff), 4));
	ck_assert(dvmm_gva__is_canonical(UINT64_C(0xffff800000000000), 4));
	ck_assert(dvmm_gva__is_canonical(UINT64_C(0x0000800000000000), 5));
	ck_assert(!dvmm_gva__is_canonical(UINT64_C(0x0100000000000000), 5));
	ck_assert(dvmm_gva__is_canonical(UINT64_C(0xff00000000000000), 5));
	ck_assert(!dvmm_gva__is_canonical(UINT64_C(0xfe00000000000000), 5));
	/* A user read running off the user half at its top end. */
	map_page(UINT64_C(0x00007ffffffff000), 0x9000, KB4, P | RW | US);
	guest_seal();
	{
		uint8_t buf[16];

		ck_assert_int_eq(dvmm_vm__read(&vm, g.root, DVMM_MODE_4LEVEL,
		    UINT64_C(0x00007ffffffffff8), buf, 16, DVMM_ACC_USER, &f), DVMM_E_NONCANONICAL);
		ck_assert_uint_eq(f.gva, UINT64_C(0x0000800000000000));
	}
	guest_close();
	guest_open(5, 0, false);
	guest_seal();
	ck_assert_int_eq(rd64(UINT64_C(0x0100000000000000), 0, &v, &f), DVMM_E_NONCANONICAL);
	ck_assert_int_eq(rd64(UINT64_C(0x0000800000000000), 0, &v, &f), DVMM_E_NOT_PRESENT);
	ck_assert_uint_eq(f.level, 5);
	guest_close();
}
END_TEST

/* ASSERTION: a read crossing a page boundary translates each page; a hole in the second page faults at its first byte. */
START_TEST(read_crossing)
{
	uint64_t gva = KTEXT + 0x10000;
	uint8_t buf[32], want[32];
	struct dvmm_fault f;

	guest_open(_i ? 5 : 4, 0, false);
	map_page(gva, 0x3000, KB4, P | RW);
	map_page(gva + KB4, 0x1000, KB4, P | RW);	/* physically before the first */
	for (unsigned i = 0; i < 32; i++) {
		g.ram[0x3000 + 0xff0 + i % 16] = (uint8_t)i;
		g.ram[0x1000 + i % 16] = (uint8_t)(0x80 + i);
	}
	for (unsigned i = 0; i < 16; i++)
		want[i] = g.ram[0x3ff0 + i];
	for (unsigned i = 0; i < 16; i++)
		want[16 + i] = g.ram[0x1000 + i];
	guest_seal();
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, (uint32_t)mode(), gva + 0xff0, buf, 32, 0, &f), 0);
	ck_assert_mem_eq(buf, want, 32);
	/* A read of several pages, crossing two boundaries. */
	map_page(gva + 2 * KB4, 0x2000, KB4, P | RW);
	guest_seal();
	{
		static uint8_t big[2 * 4096 + 8];

		ck_assert_int_eq(dvmm_vm__read(&vm, g.root, (uint32_t)mode(), gva + 0xff8,
		    big, sizeof(big), 0, &f), 0);
		ck_assert_mem_eq(big, g.ram + 0x3ff8, 8);
		ck_assert_mem_eq(big + 8, g.ram + 0x1000, 4096);
		ck_assert_mem_eq(big + 8 + 4096, g.ram + 0x2000, 4096);
	}
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, (uint32_t)mode(), gva + 2 * KB4 + 0xff8,
	    buf, 16, 0, &f), DVMM_E_NOT_PRESENT);
	ck_assert_uint_eq(f.gva, gva + 3 * KB4);
	ck_assert_uint_eq(f.level, 1);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, (uint32_t)mode(), UINT64_C(0xfffffffffffffff8),
	    buf, 16, 0, &f), DVMM_E_RANGE);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, (uint32_t)mode(), 0, buf, 0, 0, &f), 0);
	guest_close();
}
END_TEST

/* ASSERTION: CR3, a table pointer or a data frame outside every slot is NO_SLOT with the GPA, never a host access. */
START_TEST(walk_outside_ram)
{
	uint64_t gva = KTEXT + 0x6000;
	struct dvmm_fault f;
	uint64_t v;

	guest_open(4, 0, false);
	map_page(gva, RAM_SIZE + 0x1000, KB4, P | RW);	/* frame just past RAM */
	guest_seal();
	ck_assert_int_eq(rd64(gva, 0, &v, &f), DVMM_E_NO_SLOT);
	ck_assert_uint_eq(f.level, 0);
	ck_assert_uint_eq(f.gpa, RAM_SIZE + 0x1000);
	for (unsigned level = 2; level <= 4; level++) {
		*entry_at(entry_gpa(gva, level)) = UINT64_C(0x40000000) | P | RW;
		guest_seal();
		dvmm_vm__flush(&vm);
		ck_assert_int_eq(rd64(gva, 0, &v, &f), DVMM_E_NO_SLOT);
		ck_assert_uint_eq(f.level, level - 1);
		ck_assert_uint_eq(f.gpa, UINT64_C(0x40000000) + 8 * idx(gva, level - 1));
		guest_close();
		guest_open(4, 0, false);
		map_page(gva, 0x9000, KB4, P | RW);
	}
	guest_seal();
	ck_assert_int_eq(dvmm_vm__read(&vm, UINT64_C(0x80000000), DVMM_MODE_4LEVEL, gva, &v, 8, 0, &f),
	    DVMM_E_NO_SLOT);
	ck_assert_uint_eq(f.level, 4);
	guest_close();
}
END_TEST

/* ASSERTION: tables that point to themselves (recursive mapping, loops) end after a fixed number of reads. */
START_TEST(walk_self_reference)
{
	unsigned levels = _i ? 5 : 4;
	struct dvmm_xlate x;
	struct dvmm_fault f;
	uint64_t gva;

	guest_open(levels, 0, false);
	/* Every entry of the root points back at the root. */
	for (unsigned i = 0; i < 512; i++)
		*entry_at(g.root + 8 * i) = g.root | P | RW;
	guest_seal();
	gva = levels == 5 ? UINT64_C(0x00fffffffffff123) : UINT64_C(0x00007ffffffff123);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, (uint32_t)mode(), gva, 0, &x, &f), 0);
	ck_assert_uint_eq(x.gpa, g.root | 0x123);
	ck_assert_uint_eq(x.levels, levels);
	ck_assert_uint_eq(vm.stats.walks, 1);
	/* Two tables pointing at each other. */
	{
		uint64_t other = new_table();

		for (unsigned i = 0; i < 512; i++) {
			*entry_at(g.root + 8 * i) = other | P;
			*entry_at(other + 8 * i) = g.root | P;
		}
	}
	guest_seal();
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, (uint32_t)mode(), 0x5000, 0, &x, &f), 0);
	ck_assert_uint_eq(x.gpa & ~UINT64_C(0xfff), levels == 4 ? g.root : g.root + KB4);
	ck_assert_uint_eq(x.rights, 0);
	guest_close();
}
END_TEST

/* ASSERTION: the cache serves repeat reads, goes stale only until flush, and flushes on CR3, mode or slot change. */
START_TEST(cache)
{
	uint64_t gva = KTEXT + 0x7000, v = 0;
	uint64_t other_root;
	struct dvmm_fault f;

	guest_open(4, 0, false);
	map_page(gva, 0x9000, KB4, P | RW);
	poke64(0x9000, 1);
	poke64(0xa000, 2);
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(vm.stats.walks, 1);
	ck_assert_int_eq(rd64(gva + 8, 0, &v, &f), 0);
	ck_assert_uint_eq(vm.stats.walks, 1);
	ck_assert_uint_eq(vm.stats.hits, 1);
	/* The guest remaps the page: the cache (like a TLB) is stale until flushed. */
	map_page(gva, 0xa000, KB4, P | RW);
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);
	ck_assert_uint_eq(v, 1);
	dvmm_vm__flush(&vm);
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_uint_eq(vm.stats.walks, 2);
	/* Another address space: a CR3 change flushes. */
	other_root = new_table();
	memcpy(g.ram + other_root, g.ram + g.root, KB4);
	ck_assert_int_eq(dvmm_vm__read(&vm, other_root, DVMM_MODE_4LEVEL, gva, &v, 8, 0, &f), 0);
	ck_assert_uint_eq(vm.stats.walks, 3);
	map_page(gva, 0x9000, KB4, P | RW);	/* changes tables shared by both roots */
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(vm.stats.walks, 4);
	/* Mode flags change: flush. */
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, DVMM_MODE_4LEVEL | DVMM_MODE_NXE, gva, &v, 8, 0,
	    &f), 0);
	ck_assert_uint_eq(vm.stats.walks, 5);
	/* Slot change: flush. */
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, UINT64_C(0x10000000), 0x1000, g.ram), 0);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, DVMM_MODE_4LEVEL | DVMM_MODE_NXE, gva, &v, 8, 0,
	    &f), 0);
	ck_assert_uint_eq(vm.stats.walks, 6);
	/* PCID bits in CR3 name the same root: served from the cache. */
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root | 0x5, DVMM_MODE_4LEVEL | DVMM_MODE_NXE, gva,
	    &v, 8, 0, &f), 0);
	ck_assert_uint_eq(vm.stats.walks, 6);
	/* Failures are not cached. */
	ck_assert_int_eq(rd64(KTEXT + 0x100000, 0, &v, &f), DVMM_E_NOT_PRESENT);
	ck_assert_int_eq(rd64(KTEXT + 0x100000, 0, &v, &f), DVMM_E_NOT_PRESENT);
	ck_assert_uint_eq(vm.stats.walks, 8);
	guest_seal();
	guest_close();
}
END_TEST

/* ASSERTION: the epoch wrapping to zero clears the cache instead of reviving old entries. */
START_TEST(cache_epoch_wrap)
{
	uint64_t gva = KTEXT + 0x7000, v = 0;
	struct dvmm_fault f;

	guest_open(4, 0, false);
	map_page(gva, 0x9000, KB4, P | RW);
	guest_seal();
	vm.epoch = UINT32_MAX - 2;
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);	/* new root: flush */
	ck_assert_uint_eq(vm.epoch, UINT32_MAX - 1);
	dvmm_vm__flush(&vm);		/* epoch -> UINT32_MAX */
	dvmm_vm__flush(&vm);		/* wraps: entries cleared, epoch 1 */
	ck_assert_uint_eq(vm.epoch, 1);
	for (unsigned i = 0; i < DVMM_TLB_SIZE; i++)
		ck_assert_uint_eq(vm.tlb[i].epoch, 0);
	ck_assert_int_eq(rd64(gva, 0, &v, &f), 0);
	ck_assert_uint_eq(vm.stats.hits, 0);
	guest_close();
}
END_TEST

/* ASSERTION: bad mode words, access bits and CR3 reserved bits are rejected; CR3 low (PCID) bits are ignored. */
START_TEST(walk_args)
{
	uint64_t gva = KTEXT + 0x7000, v;
	struct dvmm_fault f;
	struct dvmm_xlate x;

	guest_open(4, 40, false);
	map_page(gva, 0x9000, KB4, P | RW);
	guest_seal();
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, 3, gva, 0, &x, &f), DVMM_E_MODE);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, 0x404, gva, 0, &x, &f), DVMM_E_MODE);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, 6, gva, &v, 8, 0, &f), DVMM_E_MODE);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, 4, gva, 8, &x, &f), DVMM_E_ACCESS);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, 4, gva, &v, 8, 8, &f), DVMM_E_ACCESS);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root | (UINT64_C(1) << 40), 4, gva, 0, &x, &f),
	    DVMM_E_CR3);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root | (UINT64_C(1) << 63), 4, gva, &v, 8, 0, &f),
	    DVMM_E_CR3);
	ck_assert_int_eq(dvmm_vm__walk(&vm, g.root | 0xfff, 4, gva, 0, &x, &f), 0);
	ck_assert_uint_eq(x.gpa, 0x9000);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root | 0x801, 4, gva, &v, 8, 0, NULL), 0);
	ck_assert_int_eq(dvmm_vm__read(&vm, g.root, 4, KTEXT, &v, 8, 0, NULL), DVMM_E_NOT_PRESENT);
	guest_close();
}
END_TEST

static uint64_t lcg_state;

static uint64_t rnd(void)
{
	lcg_state = lcg_state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return lcg_state >> 17;
}

static uint64_t sign_extend(uint64_t va, unsigned levels)
{
	unsigned width = levels == 5 ? 57 : 48;

	return (uint64_t)((int64_t)(va << (64 - width)) >> (64 - width));
}

/* ASSERTION: random mixes of 4K/2M/1G mappings with random rights all translate as mapped; holes are not present. */
START_TEST(walk_random_mappings)
{
	unsigned levels = _i % 2 ? 5 : 4;
	struct {
		uint64_t gva, gpa, size, flags;
	} m[48];

	lcg_state = (uint64_t)_i + 1;
	guest_open(levels, 46, true);
	for (unsigned i = 0; i < 512; i++)
		poke64(8u * i * 512, UINT64_C(0xabcd000000000000) | i);
	for (unsigned i = 0; i < 48; i++) {
		uint64_t sizes[3] = { KB4, MB2, GB1 };
		uint64_t size = sizes[rnd() % 3];
		/* A distinct (top, PML4/PDPT) region per mapping: no collisions. */
		uint64_t va = ((uint64_t)(i % 4) << 39) | ((uint64_t)(i / 4 + 1) << 30);
		uint64_t flags = P | (rnd() % 2 ? RW : 0) | (rnd() % 2 ? US : 0) |
		    (rnd() % 2 ? XD : 0);

		if (levels == 5)
			va |= (rnd() % 512) << 48;
		else if (rnd() % 2)
			va |= (uint64_t)256 << 39;
		if (size != GB1)
			va += (rnd() % 512) * size;
		m[i].gva = sign_extend(va, levels);
		m[i].size = size;
		m[i].gpa = size == KB4 ? (rnd() % 512) * KB4 : 0;
		m[i].flags = flags;
		map_page(m[i].gva, m[i].gpa, size, flags);
	}
	guest_seal();
	for (unsigned i = 0; i < 48; i++) {
		uint64_t off = (rnd() % 256) * 8 % (m[i].size < MB2 ? m[i].size : MB2);
		uint32_t md = (uint32_t)mode() | DVMM_MODE_NXE | DVMM_MODE_WP;
		uint8_t rights = (uint8_t)((m[i].flags & RW ? DVMM_R_WRITE : 0) |
		    (m[i].flags & US ? DVMM_R_USER : 0) | (m[i].flags & XD ? DVMM_R_NX : 0));
		struct dvmm_xlate x;
		struct dvmm_fault f;
		uint64_t v, want;

		ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, md, m[i].gva + off, 0, &x, &f), 0);
		ck_assert_uint_eq(x.gpa, m[i].gpa + off);
		ck_assert_uint_eq(x.page_size, m[i].size);
		ck_assert_uint_eq(x.rights, rights);
		ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, md, m[i].gva + off, DVMM_ACC_USER, &x, &f),
		    m[i].flags & US ? 0 : DVMM_E_USER);
		ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, md, m[i].gva + off, DVMM_ACC_WRITE, &x, &f),
		    m[i].flags & RW ? 0 : DVMM_E_WRITE);
		ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, md, m[i].gva + off, DVMM_ACC_FETCH, &x, &f),
		    m[i].flags & XD ? DVMM_E_NX : 0);
		ck_assert_int_eq(dvmm_vm__read(&vm, g.root, md, m[i].gva + off, &v, 8, 0, &f), 0);
		memcpy(&want, g.ram + m[i].gpa + off, 8);
		ck_assert_uint_eq(v, want);
		if (m[i].size == KB4) {
			ck_assert_int_eq(dvmm_vm__walk(&vm, g.root, md, m[i].gva ^ 0x200000, 0, &x, &f),
			    DVMM_E_NOT_PRESENT);
			ck_assert_uint_eq(f.level, 2);
		}
	}
	guest_close();
}
END_TEST

/* ---- guest context ---- */

static uint8_t blk[HT_GC_SIZE_V1 + 16];

static void put(size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		blk[off + i] = (uint8_t)(v >> (8 * i));
}

static void good_block(void)
{
	memset(blk, 0, sizeof(blk));
	put(HT_GC_OFF_MAGIC, HT_GC_MAGIC, 4);
	put(HT_GC_OFF_VERSION, HT_GC_VERSION, 2);
	put(HT_GC_OFF_SIZE, HT_GC_SIZE_V1, 2);
	put(HT_GC_OFF_PROBE, 3, 4);
	blk[HT_GC_OFF_PAGING] = HT_GC_PAGING_4LEVEL;
	blk[HT_GC_OFF_NARGS] = 2;
	put(HT_GC_OFF_ARGS, UINT64_C(0xffffffff80001000), 8);
	put(HT_GC_OFF_ARGS + 8, 24, 8);
	put(HT_GC_OFF_CR3, 0x102000, 8);
	put(HT_GC_OFF_CURTHREAD, UINT64_C(0xffff888000123400), 8);
	put(HT_GC_OFF_TID, 100042, 8);
	put(HT_GC_OFF_PID, 42, 4);
	put(HT_GC_OFF_PPID, 1, 4);
	put(HT_GC_OFF_UID, 1000, 4);
	put(HT_GC_OFF_GID, 100, 4);
	put(HT_GC_OFF_CPU, 3, 4);
	memcpy(blk + HT_GC_OFF_EXECNAME, "sshd", 4);
}

static void ctx_vm(void)
{
	struct dvmm_vm_config cfg = { .nprobes = 4, .maxphyaddr = 40 };

	ck_assert_int_eq(dvmm_vm__init(&vm, &cfg), 0);
}

/* ASSERTION: a well-formed block decodes into every host field, little-endian. */
START_TEST(ctx_valid)
{
	struct dvmm_ctx c;

	ctx_vm();
	good_block();
	ck_assert_int_eq(dvmm_ctx__decode(&vm, blk, HT_GC_SIZE_V1, &c), 0);
	ck_assert_uint_eq(c.probe_id, 3);
	ck_assert_uint_eq(c.mode, DVMM_MODE_4LEVEL);
	ck_assert_uint_eq(c.nargs, 2);
	ck_assert_uint_eq(c.args[0], UINT64_C(0xffffffff80001000));
	ck_assert_uint_eq(c.args[1], 24);
	ck_assert_uint_eq(c.args[9], 0);
	ck_assert_uint_eq(c.cr3, 0x102000);
	ck_assert_uint_eq(c.curthread, UINT64_C(0xffff888000123400));
	ck_assert_uint_eq(c.tid, 100042);
	ck_assert_uint_eq(c.pid, 42);
	ck_assert_uint_eq(c.ppid, 1);
	ck_assert_uint_eq(c.uid, 1000);
	ck_assert_uint_eq(c.gid, 100);
	ck_assert_uint_eq(c.cpu, 3);
	ck_assert_str_eq(c.execname, "sshd");
	/* 5-level: a pointer only canonical with 57 bits; curthread 0 is allowed. */
	blk[HT_GC_OFF_PAGING] = HT_GC_PAGING_5LEVEL;
	put(HT_GC_OFF_CURTHREAD, UINT64_C(0x0000800000000000), 8);
	ck_assert_int_eq(dvmm_ctx__decode(&vm, blk, HT_GC_SIZE_V1, &c), 0);
	ck_assert_uint_eq(c.mode, DVMM_MODE_5LEVEL);
	put(HT_GC_OFF_CURTHREAD, 0, 8);
	blk[HT_GC_OFF_NARGS] = 10;
	put(HT_GC_OFF_ARGS + 72, 7, 8);
	memset(blk + HT_GC_OFF_EXECNAME, 'x', HT_GC_EXECNAME_LEN - 1);
	ck_assert_int_eq(dvmm_ctx__decode(&vm, blk, HT_GC_SIZE_V1, &c), 0);
	ck_assert_uint_eq(c.args[9], 7);
	ck_assert_uint_eq(strlen(c.execname), HT_GC_EXECNAME_LEN - 1);
	ck_assert_int_eq(dvmm_ctx__decode(&vm, NULL, 0, &c), DVMM_E_CTX_SHORT);
}
END_TEST

struct ctx_case {
	size_t off;
	uint64_t val;
	unsigned n;
	size_t len;
	int err;
};

static const struct ctx_case ctx_cases[] = {
	{ 0, 0, 0, 1, DVMM_E_CTX_SHORT },
	{ 0, 0, 0, 7, DVMM_E_CTX_SHORT },
	{ 0, 0, 0, 100, DVMM_E_CTX_SHORT },
	{ 0, 0, 0, HT_GC_SIZE_V1 - 1, DVMM_E_CTX_SHORT },
	{ 0, 0, 0, HT_GC_SIZE_V1 + 8, DVMM_E_CTX_SIZE },
	{ 0, 0, 0, HT_GC_MAX_SIZE + 1, DVMM_E_CTX_TOOBIG },
	{ HT_GC_OFF_MAGIC, 0x43475449, 4, 0, DVMM_E_CTX_MAGIC },
	{ HT_GC_OFF_VERSION, 0, 2, 0, DVMM_E_CTX_VERSION },
	{ HT_GC_OFF_VERSION, 2, 2, 0, DVMM_E_CTX_VERSION },
	{ HT_GC_OFF_SIZE, HT_GC_SIZE_V1 + 8, 2, 0, DVMM_E_CTX_SIZE },
	{ HT_GC_OFF_SIZE, 8, 2, 0, DVMM_E_CTX_SIZE },
	{ HT_GC_OFF_PROBE, 4, 4, 0, DVMM_E_CTX_PROBE },
	{ HT_GC_OFF_PROBE, 0xffffffff, 4, 0, DVMM_E_CTX_PROBE },
	{ HT_GC_OFF_PAGING, 3, 1, 0, DVMM_E_CTX_PAGING },
	{ HT_GC_OFF_PAGING, 0, 1, 0, DVMM_E_CTX_PAGING },
	{ HT_GC_OFF_NARGS, 11, 1, 0, DVMM_E_CTX_NARGS },
	{ HT_GC_OFF_FLAGS, 1, 2, 0, DVMM_E_CTX_RESERVED },
	{ HT_GC_OFF_RESERVED, 0x100, 4, 0, DVMM_E_CTX_RESERVED },
	{ HT_GC_OFF_ARGS + 16, 1, 8, 0, DVMM_E_CTX_RESERVED },
	{ HT_GC_OFF_ARGS + 72, UINT64_C(1) << 63, 8, 0, DVMM_E_CTX_RESERVED },
	{ HT_GC_OFF_CR3, 0x102008, 8, 0, DVMM_E_CTX_CR3 },
	{ HT_GC_OFF_CR3, 0x102000 | (UINT64_C(1) << 40), 8, 0, DVMM_E_CTX_CR3 },
	{ HT_GC_OFF_CR3, 0x102000 | (UINT64_C(1) << 63), 8, 0, DVMM_E_CTX_CR3 },
	{ HT_GC_OFF_CURTHREAD, UINT64_C(0x0000800000000000), 8, 0, DVMM_E_CTX_POINTER },
	{ HT_GC_OFF_CURTHREAD, UINT64_C(0x8000000000000000), 8, 0, DVMM_E_CTX_POINTER },
	{ HT_GC_OFF_EXECNAME, 0x0a, 1, 0, DVMM_E_CTX_EXECNAME_CHAR },
	{ HT_GC_OFF_EXECNAME + 2, 0x80, 1, 0, DVMM_E_CTX_EXECNAME_CHAR },
	{ HT_GC_OFF_EXECNAME + 3, 0x7f, 1, 0, DVMM_E_CTX_EXECNAME_CHAR },
	{ HT_GC_OFF_EXECNAME + 6, 'x', 1, 0, DVMM_E_CTX_EXECNAME_PAD },
	{ HT_GC_OFF_EXECNAME + 31, 1, 1, 0, DVMM_E_CTX_EXECNAME_PAD },
};

/* ASSERTION: each malformed field is rejected with its own code and the buffer is never read past len. */
START_TEST(ctx_reject)
{
	const struct ctx_case *c = &ctx_cases[_i];
	size_t len = c->len ? c->len : HT_GC_SIZE_V1;
	struct dvmm_ctx out;
	uint8_t *copy;

	ctx_vm();
	good_block();
	if (c->n)
		put(c->off, c->val, c->n);
	/* An exact-size heap copy lets ASan catch any read past len. */
	copy = malloc(len ? len : 1);
	memcpy(copy, blk, len < sizeof(blk) ? len : sizeof(blk));
	ck_assert_int_eq(dvmm_ctx__decode(&vm, copy, len, &out), c->err);
	free(copy);
}
END_TEST

/* ASSERTION: an execname filling all 32 bytes with no NUL is rejected. */
START_TEST(ctx_execname_unterminated)
{
	struct dvmm_ctx out;

	ctx_vm();
	good_block();
	memset(blk + HT_GC_OFF_EXECNAME, 'a', HT_GC_EXECNAME_LEN);
	ck_assert_int_eq(dvmm_ctx__decode(&vm, blk, HT_GC_SIZE_V1, &out), DVMM_E_CTX_EXECNAME_NUL);
}
END_TEST

/* ASSERTION: the hypercall entry maps CPL, call number, RCX, slot bounds, probe id and vCPU mismatch to HT_HC_R_* codes. */
START_TEST(hypercall)
{
	static uint8_t ram[0x4000] __attribute__((aligned(4096)));
	static uint8_t scratch[HT_GC_MAX_SIZE];
	struct dvmm_vcpu vcpu = { .cpl = 0, .cr3 = 0x102000 | 0x5, .mode = DVMM_MODE_4LEVEL };
	struct dvmm_ctx out;
	int err;

	ctx_vm();
	ck_assert_int_eq(dvmm_vm__add_slot(&vm, 0x100000, sizeof(ram), ram), 0);
	good_block();
	memcpy(ram + 0x100, blk, HT_GC_SIZE_V1);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_OK);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(out.probe_id, 3);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_VERSION, 0, 0, scratch, &out, &err),
	    HT_GC_VERSION);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, 99, 0, 0, scratch, &out, &err),
	    HT_HC_R_ENOSYS);
	ck_assert_int_eq(err, DVMM_E_HC_CALL);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_MAX_SIZE + 1,
	    scratch, &out, &err), HT_HC_R_E2BIG);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x200000, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_EFAULT);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100000 + sizeof(ram) - 8,
	    HT_GC_SIZE_V1, scratch, &out, &err), HT_HC_R_EFAULT);
	ck_assert_int_eq(err, DVMM_E_NO_SLOT);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1 - 1,
	    scratch, &out, &err), HT_HC_R_EINVAL);
	ck_assert_int_eq(err, DVMM_E_CTX_SHORT);
	vcpu.cpl = 3;
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_EPERM);
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_VERSION, 0, 0, scratch, &out, &err),
	    HT_HC_R_EPERM);
	vcpu.cpl = 0;
	vcpu.cr3 = 0x103000;
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_EINVAL);
	ck_assert_int_eq(err, DVMM_E_CTX_MISMATCH);
	vcpu.cr3 = 0x102000;
	vcpu.mode = DVMM_MODE_5LEVEL;
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_EINVAL);
	ck_assert_int_eq(err, DVMM_E_CTX_MISMATCH);
	vcpu.mode = DVMM_MODE_4LEVEL;
	ram[0x100 + HT_GC_OFF_PROBE] = 9;
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_ENOENT);
	ram[0x100 + HT_GC_OFF_PROBE] = 3;
	ram[0x100 + HT_GC_OFF_MAGIC] = 0;
	ck_assert_int_eq(dvmm_vm__hypercall(&vm, &vcpu, HT_HC_PROBE, 0x100100, HT_GC_SIZE_V1,
	    scratch, &out, &err), HT_HC_R_EINVAL);
	ck_assert_int_eq(err, DVMM_E_CTX_MAGIC);
}
END_TEST

/* ASSERTION: every error code has a unique name and a message; unknown codes say so. */
START_TEST(error_names)
{
	static const int codes[] = {
#define CODE_(n, name, msg) DVMM_E_##name,
		DVMM_ERRORS(CODE_)
#undef CODE_
	};
	size_t n = sizeof(codes) / sizeof(codes[0]);

	for (size_t i = 0; i < n; i++) {
		ck_assert_str_ne(dvmm_err__name(codes[i]), "?");
		ck_assert_str_ne(dvmm_err__message(codes[i]), "unknown error");
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(dvmm_err__name(codes[i]), dvmm_err__name(codes[j]));
	}
	ck_assert_str_eq(dvmm_err__name(0), "OK");
	ck_assert_str_eq(dvmm_err__name(-9999), "?");
	ck_assert_str_eq(dvmm_err__name(DVMM_E_NOT_PRESENT), "NOT_PRESENT");
}
END_TEST

static void add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

static void add_loop(Suite *s, const char *name, const TTest *t, int n)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, n);
	suite_add_tcase(s, tc);
}

int main(void)
{
	Suite *s = suite_create("vmm");
	SRunner *sr;
	int failed;

	add(s, "slot_overlap", slot_overlap);
	add(s, "slot_bad", slot_bad);
	add(s, "slot_table", slot_table);
	add_loop(s, "walk_sizes", walk_sizes, (int)(sizeof(size_cases) / sizeof(size_cases[0])));
	add_loop(s, "walk_not_present", walk_not_present, 9);
	add_loop(s, "walk_user_supervisor", walk_user_supervisor, 4);
	add_loop(s, "walk_write", walk_write, 4);
	add_loop(s, "walk_nx", walk_nx, 4);
	add(s, "walk_reserved", walk_reserved);
	add(s, "walk_noncanonical", walk_noncanonical);
	add_loop(s, "walk_random_mappings", walk_random_mappings, 16);
	add_loop(s, "read_crossing", read_crossing, 2);
	add(s, "walk_outside_ram", walk_outside_ram);
	add_loop(s, "walk_self_reference", walk_self_reference, 2);
	add(s, "cache", cache);
	add(s, "cache_epoch_wrap", cache_epoch_wrap);
	add(s, "walk_args", walk_args);
	add(s, "ctx_valid", ctx_valid);
	add_loop(s, "ctx_reject", ctx_reject, (int)(sizeof(ctx_cases) / sizeof(ctx_cases[0])));
	add(s, "ctx_execname_unterminated", ctx_execname_unterminated);
	add(s, "hypercall", hypercall);
	add(s, "error_names", error_names);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
