/*
 * fuzz_pagewalk.c — the read-only guest page walker over hostile page
 * tables.
 *
 * Input layout (little-endian): u64 cr3; u8 mode bits (bit 0: 5-level,
 * bit 1: EFER.NXE, bit 2: CR0.WP, bit 3: 1 GiB pages, bits 7:4: MAXPHYADDR
 * = 36 + value); u8 access bits (low 3 used, the rest passed through so
 * rejection is exercised too); u8 number of addresses n (mod 16); then n
 * u64 guest-virtual addresses; everything after is guest RAM, copied into
 * an exact-size buffer at GPA 0 (rounded up to 4 KiB, at most 64 KiB) and
 * mapped a second time at GPA 0x100000 so tables can hop between slots.
 *
 * Each address is walked and read (length from its low bits, so reads
 * cross pages).  The walker must never crash, never touch host memory
 * outside the RAM buffer (ASan) and never change guest RAM (checked).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dvmm.h"

#define MAX_RAM	(64u * 1024)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dvmm_vm vm;
	static uint8_t out[256];
	struct dvmm_vm_config cfg = { .nprobes = 1 };
	uint64_t cr3, gvas[16];
	uint32_t mode;
	uint8_t bits, access, n;
	size_t ramlen, raw;
	uint8_t *ram, *copy;

	if (size < 11)
		return 0;
	cr3 = le64(data);
	bits = data[8];
	access = data[9];
	n = data[10] % 16;
	data += 11;
	size -= 11;
	if (size < 8u * n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		gvas[i] = le64(data + 8 * i);
	data += 8u * n;
	size -= 8u * n;
	raw = size < MAX_RAM ? size : MAX_RAM;
	ramlen = (raw + 4095) & ~(size_t)4095;
	if (ramlen == 0)
		ramlen = 4096;
	ram = aligned_alloc(4096, ramlen);
	copy = malloc(ramlen);
	if (ram == NULL || copy == NULL)
		abort();
	memset(ram, 0, ramlen);
	memcpy(ram, data, raw);
	memcpy(copy, ram, ramlen);

	cfg.maxphyaddr = (uint8_t)(36 + (bits >> 4));
	cfg.gbpages = (bits & 8) != 0;
	if (dvmm_vm__init(&vm, &cfg) != 0 ||
	    dvmm_vm__add_slot(&vm, 0, ramlen, ram) != 0 ||
	    dvmm_vm__add_slot(&vm, 0x100000, ramlen, ram) != 0)
		abort();
	mode = (bits & 1) ? DVMM_MODE_5LEVEL : DVMM_MODE_4LEVEL;
	if (bits & 2)
		mode |= DVMM_MODE_NXE;
	if (bits & 4)
		mode |= DVMM_MODE_WP;
	for (unsigned i = 0; i < n; i++) {
		struct dvmm_xlate x;
		struct dvmm_fault f;
		size_t len = (size_t)(gvas[i] >> 3) % sizeof(out);
		int rc = dvmm_vm__walk(&vm, cr3, mode, gvas[i], access, &x, &f);

		if (rc != 0 && rc != f.code)
			abort();
		if (rc == 0 && (x.levels < 1 || x.levels > 5))
			abort();
		rc = dvmm_vm__read(&vm, cr3, mode, gvas[i], out, len, access, &f);
		if (rc != f.code)
			abort();
		/* Twice: the second read may come from the cache and must agree. */
		if (dvmm_vm__read(&vm, cr3, mode, gvas[i], out, len, access, &f) != rc)
			abort();
	}
	if (memcmp(ram, copy, ramlen) != 0)
		abort();
	free(ram);
	free(copy);
	return 0;
}
