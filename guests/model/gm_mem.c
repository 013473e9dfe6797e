/*
 * gm_mem.c — the model guest's RAM and its kernel's page tables.
 *
 * Theory.  RAM is one memfd of 1 GiB + 16 MiB, sealed so nobody can
 * shrink or grow it (the host maps it read-only and relies on its size).
 * It backs two guest-physical ranges, as QEMU splits RAM around the PCI
 * hole: GPA [0, 1 GiB) and [4 GiB, 4 GiB + 16 MiB).  The kernel builds
 * x86-64 page tables in low RAM (a bump allocator from 1 MiB), 4- or
 * 5-level, with large pages wherever a range allows them, as Linux does:
 *   - the direct map (GM_DMAP + GPA) of low RAM: one 1 GiB page (or 512
 *     2 MiB pages without 1 GiB support); of high RAM: 2 MiB pages;
 *   - a vmalloc area (GM_VMALLOC) of 4 KiB pages whose backing frames are
 *     deliberately scattered over [2 MiB, 4 MiB).
 * Entries are supervisor-only, writable and, as with EFER.NXE on, XD.
 * Kernel objects come from three bump zones, one per mapping kind, so a
 * pointer chain in the workload crosses all three page sizes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gm.h"

#define PTE_P	UINT64_C(0x1)
#define PTE_RW	UINT64_C(0x2)
#define PTE_PS	UINT64_C(0x80)
#define PTE_XD	(UINT64_C(1) << 63)
#define KB4	UINT64_C(0x1000)
#define MB2	UINT64_C(0x200000)
#define GB1	UINT64_C(0x40000000)

#define TABLES_GPA	UINT64_C(0x100000)	/* [1 MiB, 2 MiB) */
#define VMALLOC_GPA	UINT64_C(0x200000)	/* [2 MiB, 4 MiB) */
#define VMALLOC_PAGES	512u
#define LOW_OBJ_GPA	UINT64_C(0x800000)	/* [8 MiB, 64 MiB) */
#define LOW_OBJ_END	UINT64_C(0x4000000)

uint8_t *gm_gpa(struct gm_mem *m, uint64_t gpa)
{
	if (gpa < GM_LOW_SIZE)
		return m->ram + gpa;
	return m->ram + GM_LOW_SIZE + (gpa - GM_HIGH_GPA);
}

static uint64_t new_table(struct gm_mem *m)
{
	uint64_t gpa = m->next_table;

	m->next_table += KB4;
	memset(gm_gpa(m, gpa), 0, KB4);
	return gpa;
}

/* Map [va, va + size) to gpa with one leaf of `size` (4 KiB, 2 MiB, 1 GiB). */
static void map(struct gm_mem *m, uint64_t va, uint64_t gpa, uint64_t size)
{
	unsigned leaf = size == GB1 ? 3 : size == MB2 ? 2 : 1;
	uint64_t table = m->root;

	for (unsigned level = m->levels; level > leaf; level--) {
		uint64_t *e = (uint64_t *)(void *)gm_gpa(m,
		    table + 8 * ((va >> (12 + 9 * (level - 1))) & 511));

		if ((*e & PTE_P) == 0)
			*e = new_table(m) | PTE_P | PTE_RW;
		table = *e & UINT64_C(0x000ffffffffff000);
	}
	*(uint64_t *)(void *)gm_gpa(m, table + 8 * ((va >> (12 + 9 * (leaf - 1))) & 511)) =
	    gpa | PTE_P | PTE_RW | PTE_XD | (leaf > 1 ? PTE_PS : 0);
}

int gm_mem_init(struct gm_mem *m, unsigned levels, bool gbpages)
{
	memset(m, 0, sizeof(*m));
	m->levels = levels;
	m->gbpages = gbpages;
	m->fd = memfd_create("htguest-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m->fd < 0)
		return -errno;
	if (ftruncate(m->fd, (off_t)GM_RAM_SIZE) != 0 ||
	    fcntl(m->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		return -errno;
	m->ram = mmap(NULL, GM_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->ram == MAP_FAILED)
		return -errno;
	m->next_table = TABLES_GPA;
	m->root = new_table(m);
	if (gbpages)
		map(m, GM_DMAP, 0, GB1);
	else
		for (uint64_t off = 0; off < GM_LOW_SIZE; off += MB2)
			map(m, GM_DMAP + off, off, MB2);
	for (uint64_t off = 0; off < GM_HIGH_SIZE; off += MB2)
		map(m, GM_DMAP + GM_HIGH_GPA + off, GM_HIGH_GPA + off, MB2);
	for (unsigned i = 0; i < VMALLOC_PAGES; i++)
		map(m, GM_VMALLOC + i * KB4, VMALLOC_GPA + ((i * 7u) % VMALLOC_PAGES) * KB4, KB4);
	m->next_vmalloc = GM_VMALLOC;
	m->next_low = LOW_OBJ_GPA;
	m->next_high = GM_HIGH_GPA;
	return 0;
}

/* Host view of the GVA of a vmalloc object (the model's own translation). */
static uint64_t vmalloc_gpa(uint64_t gva)
{
	uint64_t i = (gva - GM_VMALLOC) / KB4;

	return VMALLOC_GPA + ((i * 7u) % VMALLOC_PAGES) * KB4 + (gva & (KB4 - 1));
}

uint64_t gm_kalloc(struct gm_mem *m, enum gm_zone zone, size_t size, uint8_t **hva)
{
	uint64_t n = (size + 15) & ~UINT64_C(15), gva;

	switch (zone) {
	case GM_ZONE_VMALLOC:
		/* Objects never straddle a page here: each page has its own frame. */
		if ((m->next_vmalloc & (KB4 - 1)) + n > KB4)
			m->next_vmalloc = (m->next_vmalloc + KB4 - 1) & ~(KB4 - 1);
		if (n > KB4 || m->next_vmalloc + n > GM_VMALLOC + VMALLOC_PAGES * KB4)
			return 0;
		gva = m->next_vmalloc;
		m->next_vmalloc += n;
		*hva = gm_gpa(m, vmalloc_gpa(gva));
		return gva;
	case GM_ZONE_DMAP_LOW:
		if (m->next_low + n > LOW_OBJ_END)
			return 0;
		gva = GM_DMAP + m->next_low;
		*hva = gm_gpa(m, m->next_low);
		m->next_low += n;
		return gva;
	case GM_ZONE_DMAP_HIGH:
		if (m->next_high + n > GM_HIGH_GPA + GM_HIGH_SIZE)
			return 0;
		gva = GM_DMAP + m->next_high;
		*hva = gm_gpa(m, m->next_high);
		m->next_high += n;
		return gva;
	}
	return 0;
}
