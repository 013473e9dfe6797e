/*
 * pagewalk_bench.c — what an 8-byte guest-memory read costs through dvmm.
 *
 * Three loops over the same call shape (a function pointer taking a
 * context, an address, a buffer, a length and a fault record, as the DIF
 * engine's load path will):
 *   host   the baseline: a bounds-checked copy from a host buffer;
 *   warm   dvmm_vm__read of a guest-virtual address whose translation is
 *          in the cache (16 pages, 4-level tables);
 *   cold   the same read after a flush each time: a full 4-level walk.
 * Rounds alternate host/warm/cold; each prints the median ns per read and
 * the warm/host ratio (issue target: warm < 2x host).
 *   pagewalk_bench [iterations] [rounds]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dvmm.h"

#define RAM_SIZE	(1u << 20)
#define NPAGES		16
#define KTEXT		UINT64_C(0xffffffff80000000)

struct env {
	struct dvmm_vm vm;
	uint8_t *ram;
	uint64_t root;
	int flush;
};

typedef int (*read_fn)(struct env *, uint64_t, void *, size_t,
    struct dvmm_fault *);

static __attribute__((noinline)) int host_read(struct env *e, uint64_t addr,
    void *buf, size_t len, struct dvmm_fault *f)
{
	f->code = 0;
	if (addr >= RAM_SIZE || len > RAM_SIZE - addr) {
		f->code = DVMM_E_NO_SLOT;
		f->gva = addr;
		return f->code;
	}
	memcpy(buf, e->ram + addr, len);
	return 0;
}

static __attribute__((noinline)) int guest_read(struct env *e, uint64_t addr,
    void *buf, size_t len, struct dvmm_fault *f)
{
	if (e->flush)
		dvmm_vm__flush(&e->vm);
	return dvmm_vm__read(&e->vm, e->root, DVMM_MODE_4LEVEL | DVMM_MODE_NXE,
	    addr, buf, len, 0, f);
}

static void put(uint8_t *ram, uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, 8);
}

/* 4-level tables at 0x1000.. mapping KTEXT + i*4K -> 0x10000 + i*4K. */
static void build(struct env *e)
{
	struct dvmm_vm_config cfg = { .nprobes = 1, .maxphyaddr = 46 };

	e->ram = aligned_alloc(4096, RAM_SIZE);
	memset(e->ram, 0, RAM_SIZE);
	e->root = 0x1000;
	put(e->ram, 0x1000 + 8 * 511, 0x2000 | 3);
	put(e->ram, 0x2000 + 8 * 510, 0x3000 | 3);
	put(e->ram, 0x3000 + 8 * 0, 0x4000 | 3);
	for (unsigned i = 0; i < NPAGES; i++)
		put(e->ram, 0x4000 + 8 * i, (0x10000 + 4096u * i) | 3);
	for (unsigned i = 0; i < NPAGES * 512; i++)
		put(e->ram, 0x10000 + 8u * i, i);
	if (dvmm_vm__init(&e->vm, &cfg) != 0 ||
	    dvmm_vm__add_slot(&e->vm, 0, RAM_SIZE, e->ram) != 0) {
		fprintf(stderr, "pagewalk_bench: setup failed\n");
		exit(1);
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per read; the sum check keeps the reads from being optimised away. */
static double run(read_fn fn, struct env *e, uint64_t base, long n)
{
	volatile read_fn call = fn;
	struct dvmm_fault f;
	uint64_t v, sum = 0, want = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		unsigned slot = (unsigned)(i * 67) % (NPAGES * 512);

		if (call(e, base + 8u * slot, &v, 8, &f) != 0) {
			fprintf(stderr, "pagewalk_bench: read faulted: %s\n",
			    dvmm_err__name(f.code));
			exit(1);
		}
		sum += v;
		want += slot;
	}
	if (sum != want) {
		fprintf(stderr, "pagewalk_bench: wrong data\n");
		exit(1);
	}
	return (now_ns() - t0) / (double)n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 11;
	double host[64], warm[64], cold[64];
	static struct env e;

	if (n <= 0 || rounds <= 0 || rounds > 64) {
		fprintf(stderr, "usage: pagewalk_bench [iterations] [rounds<=64]\n");
		return 2;
	}
	build(&e);
	for (int r = 0; r < rounds; r++) {
		e.flush = 0;
		host[r] = run(host_read, &e, 0x10000, n);
		warm[r] = run(guest_read, &e, KTEXT, n);
		e.flush = 1;
		cold[r] = run(guest_read, &e, KTEXT, n / 10 + 1);
	}
	qsort(host, (size_t)rounds, sizeof(double), cmp);
	qsort(warm, (size_t)rounds, sizeof(double), cmp);
	qsort(cold, (size_t)rounds, sizeof(double), cmp);
	printf("8-byte read, median of %d rounds x %ld reads over %d pages\n",
	    rounds, n, NPAGES);
	printf("  host read (baseline)      %6.2f ns\n", host[rounds / 2]);
	printf("  guest read, warm cache    %6.2f ns\n", warm[rounds / 2]);
	printf("  guest read, 4-level walk  %6.2f ns\n", cold[rounds / 2]);
	printf("  warm / host ratio         %6.2fx (target < 2x)\n",
	    warm[rounds / 2] / host[rounds / 2]);
	printf("  cache hits %llu, walks %llu\n",
	    (unsigned long long)e.vm.stats.hits,
	    (unsigned long long)e.vm.stats.walks);
	return 0;
}
