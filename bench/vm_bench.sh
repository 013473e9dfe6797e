#!/bin/sh
# vm_bench.sh [BUILDDIR] [EVENTS] — VM tracing, two numbers, each against a
# baseline measured in the same run.  A benchmark, not a test.
#
# 1. Dereference cost through the same engine.  One DIF program (16
#    chained `ldx` loads: each word holds the address of the next) runs in
#    the DIF emulator (runtime-kernel/dvm_emul) with two load back ends:
#      host   a bounds-checked read from a host buffer, as the engine's
#             own memory is read;
#      guest  dvmm_vm__read of guest-virtual addresses through 4-level
#             guest page tables, translation cache warm (flushed once per
#             firing, as dtrace does).
#    Printed: ns per load for both, and guest/host (target < 2x).
# 2. Probe firings per second from 4 model guests (htguest, 2 vCPU
#    processes each, entry+return probes) into one dtrace:
#      baseline  every probe enabled with a predicate that is false
#                (exit handling, context validation, no recording);
#      count     every probe enabled, @ = count().
#    Printed: exits/s for both (exits = hypercalls handled).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
events=${2:-20000}
for f in runtime-kernel/libdvm.a runtime-kernel/vmm/libdvmm.a guests/model/htguest \
    dtrace/dtrace compiler/dtc; do
	[ -e "$build/$f" ] || { echo "vm_bench.sh: $build/$f not built" >&2; exit 2; }
done
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT

cat >"$tmp/deref.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dvm_emul.h"
#include "dvmm.h"

#define CHAIN 16
#define RAM (1u << 20)
static uint8_t *ram;
static uint64_t host_words[CHAIN + 1];
static struct dvmm_vm vm;
static uint64_t root;

struct ctx { int guest; };

static int p_load(void *c, enum dvm_space sp, uint64_t a, unsigned sz, uint64_t *v)
{
	struct dvmm_fault f;
	uint64_t x = 0;
	(void)sp;
	if (((struct ctx *)c)->guest) {
		if (dvmm_vm__read(&vm, root, DVMM_MODE_4LEVEL, a, &x, sz, 0, &f) != 0)
			return DIF_FAULT_BADADDR;
	} else {
		uintptr_t b = (uintptr_t)host_words;
		if (a < b || a - b > sizeof(host_words) - sz)
			return DIF_FAULT_BADADDR;
		memcpy(&x, (void *)(uintptr_t)a, sz);
	}
	*v = x;
	return 0;
}
static int p_store(void *c, uint64_t a, unsigned s, uint64_t v) { (void)c; (void)a; (void)s; (void)v; return DIF_FAULT_BADADDR; }
static uint64_t p_scratch(void *c, uint64_t s) { (void)c; (void)s; return 0; }
static const struct dvm_platform plat = { p_load, p_store, p_scratch, NULL, NULL };

static uint64_t table(uint64_t *next) { uint64_t g = *next; *next += 4096; memset(ram + g, 0, 4096); return g; }
static void map(uint64_t va, uint64_t gpa, uint64_t *next)
{
	uint64_t t = root;
	for (int l = 4; l > 1; l--) {
		uint64_t *e = (uint64_t *)(void *)(ram + t + 8 * ((va >> (12 + 9 * (l - 1))) & 511));
		if (!(*e & 1)) *e = table(next) | 3;
		t = *e & 0xffffffffff000ull;
	}
	*(uint64_t *)(void *)(ram + t + 8 * ((va >> 12) & 511)) = gpa | 3;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	dif_instr_t code[CHAIN + 2];
	uint64_t ints[1], next = 0x80000, kva = 0xffffffff80000000ull;
	struct dvmm_vm_config cfg = { .nprobes = 1, .maxphyaddr = 46 };
	struct dif_difo d;
	double med[2][11];

	ram = aligned_alloc(4096, RAM);
	memset(ram, 0, RAM);
	root = table(&next);
	if (dvmm_vm__init(&vm, &cfg) || dvmm_vm__add_slot(&vm, 0, RAM, ram)) return 1;
	/* guest chain: word i at kva + i*8*33 (spreads over pages), holds word i+1's VA */
	for (int p = 0; p < 16; p++) map(kva + p * 4096ull, 0x10000 + p * 4096ull, &next);
	for (int i = 0; i < CHAIN; i++) {
		uint64_t va = kva + i * 264ull, nva = kva + (i + 1) * 264ull;
		memcpy(ram + 0x10000 + (va - kva), &nva, 8);
		host_words[i] = (uintptr_t)&host_words[i + 1];
	}
	code[0] = DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1);
	for (int i = 0; i < CHAIN; i++) code[1 + i] = DIF_INSTR_FMT(DIF_OP_LDX, 1, 0, 1);
	code[CHAIN + 1] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1);
	memset(&d, 0, sizeof(d));
	d.dtdo_buf = code; d.dtdo_len = CHAIN + 2; d.dtdo_inttab = ints; d.dtdo_intlen = 1;
	for (int r = 0; r < 11; r++) {
		for (int g = 0; g < 2; g++) {
			struct ctx c = { g };
			struct dvm_mstate ms;
			double t0;
			ints[0] = g ? kva : (uintptr_t)host_words;
			t0 = now();
			for (long i = 0; i < n; i++) {
				if (g) dvmm_vm__flush(&vm);	/* once per firing */
				dvm_mstate__init(&ms, &plat, &c);
				if (dvm_difo__emulate(&d, &ms) != 0) { fprintf(stderr, "fault %u\n", ms.dms_fault); return 1; }
			}
			med[g][r] = (now() - t0) / (double)n / CHAIN;
		}
	}
	qsort(med[0], 11, sizeof(double), cmp);
	qsort(med[1], 11, sizeof(double), cmp);
	printf("deref through the DIF emulator (median of 11 rounds, %d chained 8-byte loads per run):\n", CHAIN);
	printf("  host  %.2f ns/load\n  guest %.2f ns/load (warm cache, flushed per firing)\n  guest/host %.2fx (target < 2x)\n",
	    med[0][5], med[1][5], med[1][5] / med[0][5]);
	return 0;
}
EOF
${CC:-cc} -O2 -I"$here/runtime-kernel" -I"$here/runtime-kernel/vmm" -I"$here/include" \
	-o "$tmp/deref" "$tmp/deref.c" "$build/runtime-kernel/libdvm.a" \
	"$build/runtime-kernel/vmm/libdvmm.a"
"$tmp/deref" 200000

# ---- firings per second from 4 guests -------------------------------------
rate() {	# rate NAME SCRIPT
	printf '%s\n' "$2" >"$tmp/$1.d"
	"$build/compiler/dtc" -o "$tmp/$1.o" "$tmp/$1.d"
	rm -f "$tmp/$1.stats"
	rm -rf "$tmp/vms"; mkdir "$tmp/vms"
	pids=""
	for g in 1 2 3 4; do
		l=$(echo abc | cut -c$(( (g - 1) % 3 + 1 )))
		"$build/guests/model/htguest" --name bench-$g --layout $l \
		    --typefile "$build/guests/model/guest-model-$l.btf.o" \
		    --truth "$tmp/truth.$g" --vmdir "$tmp/vms" --seed $g --vcpus 2 \
		    --events "$events" --stats --timeout 120 2>>"$tmp/$1.stats" &
		pids="$pids $!"
	done
	i=0
	while [ "$(ls "$tmp/vms" | wc -l)" -lt 4 ]; do
		i=$((i + 1)); [ $i -lt 200 ] || { cat "$tmp/$1.stats" >&2; exit 1; }
		sleep 0.05
	done
	"$build/dtrace/dtrace" -q -x vmdir="$tmp/vms" -Y "$tmp/$1.o" >/dev/null
	for p in $pids; do wait $p; done
	pids=""
	awk -v name="$1" '/exits in/ { n += $3; if ($6 > t) t = $6 }
	    END { printf "  %-8s %d exits from 4 guests in %.3f s: %.0f exits/s\n", name, n, t / 1e9, n / (t / 1e9) }' \
	    "$tmp/$1.stats"
}
echo "probe firings from 4 guests x 2 vCPU processes ($events entry+return pairs per vCPU):"
echo "(rounds alternate; the machine's other load shows as spread)"
for r in 1 2 3; do
	rate baseline 'bench-*:syscall::: /0/ { }'
	rate count 'bench-*:syscall::: { @ = count(); }'
done
