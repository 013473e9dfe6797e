/*
 * fuzz_dvm.c — random, valid-looking DIF through the validator and then
 * the emulator with a full engine behind it (variables of every scope in a
 * tiny dynamic arena, subroutines, built-ins, scratch).
 *
 * Input layout: byte 0 = number of variable-table entries (mod 8), then 8
 * bytes per entry (id low byte, scope, kind, by-ref flag, size byte, 3
 * spare), one length byte L (mod 64) and L bytes that become the string
 * at offset 16 of the string table (JSON documents, paths, selectors),
 * then instruction words (4 bytes each, host order).  Opcodes are
 * folded into the valid range and registers into %r0..%r7 so that most
 * inputs pass the validator and reach the emulator; the text gets a final
 * `ret`.  Each valid program runs three times over the same storage, so
 * stores, deletes and drops interact.  The platform allows loads and
 * stores only inside its own arrays: anything else must become a fault.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dvm_emul.h"
#include "dvm_validate.h"
#include "dvm_var.h"

#define NCHUNKS	6
#define CHUNK	(16 + 128 + 64)

static uint8_t scratch[4096];
static size_t scratch_used;
static uint8_t statics[8 * 64];
static uint8_t chunks[NCHUNKS * CHUNK] __attribute__((aligned(8)));
static uint32_t buckets[8];
static struct dvm_vslot gslots[8], lslots[8];
static struct dvm_dshape gshapes[8], tshapes[8];
static const char names[] = "\0probe\0";

static int inside(uint64_t a, uint64_t n, const void *base, size_t size)
{
	uintptr_t b = (uintptr_t)base;

	return a >= b && a - b < size && n <= size - (a - b);
}

static void *where(uint64_t a, uint64_t n, int store)
{
	if (inside(a, n, scratch, sizeof(scratch)) || inside(a, n, statics, sizeof(statics)) ||
	    inside(a, n, chunks, sizeof(chunks)) ||
	    (!store && inside(a, n, names, sizeof(names))))
		return (void *)(uintptr_t)a;
	return NULL;
}

static int f_load(void *ctx, enum dvm_space s, uint64_t a, unsigned n, uint64_t *v)
{
	void *p = where(a, n, 0);

	(void)ctx;
	(void)s;
	if (p == NULL)
		return DIF_FAULT_BADADDR;
	*v = 0;
	memcpy(v, p, n);
	return 0;
}

static int f_store(void *ctx, uint64_t a, unsigned n, uint64_t v)
{
	void *p = where(a, n, 1);

	(void)ctx;
	if (p == NULL)
		return DIF_FAULT_BADADDR;
	memcpy(p, &v, n);
	return 0;
}

static uint64_t f_scratch(void *ctx, uint64_t n)
{
	(void)ctx;
	if (n > sizeof(scratch) - scratch_used || ((n + 7) & ~7ULL) > sizeof(scratch) - scratch_used)
		return 0;
	scratch_used += (n + 7) & ~7ULL;
	memset(scratch + scratch_used - ((n + 7) & ~7ULL), 0, n);
	return (uint64_t)(uintptr_t)(scratch + scratch_used - ((n + 7) & ~7ULL));
}

static int f_builtin(void *ctx, uint32_t id, uint64_t ndx, uint64_t *v)
{
	(void)ctx;
	if (id == DIF_VAR_PROBENAME) {
		*v = (uintptr_t)(names + 1);
		return 0;
	}
	if (id == DIF_VAR_REGS)
		return DIF_FAULT_ILLOP;
	*v = id * 31 + ndx;
	return 0;
}

static uint64_t f_spec(void *ctx)
{
	(void)ctx;
	return 1;
}

static const struct dvm_platform plat = {
	.dp_load = f_load, .dp_store = f_store, .dp_scratch = f_scratch,
	.dp_builtin = f_builtin, .dp_speculation = f_spec,
};

static void setup(struct dvm_vstate *vs, const struct dif_var *vars, uint32_t nv)
{
	memset(vs, 0, sizeof(*vs));
	memset(statics, 0, sizeof(statics));
	memset(gslots, 0, sizeof(gslots));
	memset(lslots, 0, sizeof(lslots));
	memset(gshapes, 0, sizeof(gshapes));
	memset(tshapes, 0, sizeof(tshapes));
	for (uint32_t i = 0; i < nv; i++) {
		const struct dif_var *v = &vars[i];
		uint32_t ix = (v->dtdv_id - DIF_VAR_OTHER_UBASE) & 7;
		uint32_t size = (v->dtdv_type.dtdt_flags & DIF_TF_BYREF) ? v->dtdv_type.dtdt_size : 8;

		if (v->dtdv_scope == DIFV_SCOPE_THREAD || v->dtdv_kind == DIFV_KIND_ARRAY) {
			struct dvm_dshape *s = v->dtdv_scope == DIFV_SCOPE_THREAD ?
			    &tshapes[ix] : &gshapes[ix];

			s->dvd_size = size > 64 ? 64 : size;
			s->dvd_byref = (v->dtdv_type.dtdt_flags & DIF_TF_BYREF) != 0;
			s->dvd_string = v->dtdv_type.dtdt_kind == DIF_TYPE_STRING;
		} else {
			struct dvm_vslot *s = v->dtdv_scope == DIFV_SCOPE_LOCAL ?
			    &lslots[ix] : &gslots[ix];

			s->dvv_used = 1;
			s->dvv_size = size > 56 ? 56 : size;
			s->dvv_byref = (v->dtdv_type.dtdt_flags & DIF_TF_BYREF) != 0;
			s->dvv_string = v->dtdv_type.dtdt_kind == DIF_TYPE_STRING;
			s->dvv_off = ix * 64;
		}
	}
	vs->dvs_static = statics;
	vs->dvs_global = gslots;
	vs->dvs_nglobal = 8;
	vs->dvs_local = lslots;
	vs->dvs_nlocal = 8;
	vs->dvs_gshape = gshapes;
	vs->dvs_ngshape = 8;
	vs->dvs_tshape = tshapes;
	vs->dvs_ntshape = 8;
	vs->dvs_chunks = chunks;
	vs->dvs_chunksize = CHUNK;
	vs->dvs_nchunks = NCHUNKS;
	vs->dvs_keymax = 128;
	vs->dvs_buckets = buckets;
	vs->dvs_nbuckets = 8;
	dvm_vstate__reset(vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dif_instr_t text[256];
	static const uint64_t ints[4] = { 0, 1, 0x500, (uint64_t)-1 };
	static char strs[16 + 65] = "\0a\0hello/world\0";
	uint32_t slen;
	struct dif_var vars[8];
	uint32_t nv, len = 0;
	struct dif_difo dp;
	struct dvm_vstate vs;
	struct dvm_mstate ms;

	if (size < 1)
		return 0;
	nv = data[0] % 8;
	if (size < 1 + 8 * (size_t)nv)
		return 0;
	memset(vars, 0, sizeof(vars));
	for (uint32_t i = 0; i < nv; i++) {
		const uint8_t *e = data + 1 + 8 * i;

		vars[i].dtdv_name = 1;
		vars[i].dtdv_id = DIF_VAR_OTHER_UBASE + (e[0] & 7);
		vars[i].dtdv_scope = e[1] % 3;
		vars[i].dtdv_kind = e[2] & 1;
		if (e[3] & 1) {
			vars[i].dtdv_type.dtdt_kind = (e[3] & 2) ? DIF_TYPE_STRING : DIF_TYPE_CTF;
			vars[i].dtdv_type.dtdt_flags = DIF_TF_BYREF;
			vars[i].dtdv_type.dtdt_size = 1 + e[4] % 64;
		} else {
			vars[i].dtdv_type.dtdt_ckind = DIF_CTF_K_INTEGER;
			vars[i].dtdv_type.dtdt_size = 8;
		}
	}
	data += 1 + 8 * nv;
	size -= 1 + 8 * (size_t)nv;
	if (size < 1)
		return 0;
	slen = data[0] % 64;
	if (size < 1 + (size_t)slen)
		return 0;
	memset(strs + 16, 0, sizeof(strs) - 16);
	for (uint32_t i = 0; i < slen; i++)
		strs[16 + i] = data[1 + i] ? (char)data[1 + i] : ' ';
	data += 1 + slen;
	size -= 1 + (size_t)slen;
	for (; size >= 4 && len < 255; data += 4, size -= 4) {
		uint32_t w;

		memcpy(&w, data, 4);
		uint32_t op = 1 + (w >> 24) % 80;	/* through hypercall's predecessor */

		w = (op << 24) | (w & 0x00ffffffu);
		text[len++] = w;
	}
	text[len++] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1);
	memset(&dp, 0, sizeof(dp));
	dp.dtdo_buf = text;
	dp.dtdo_len = len;
	dp.dtdo_inttab = ints;
	dp.dtdo_intlen = 4;
	dp.dtdo_strtab = strs;
	dp.dtdo_strlen = sizeof(strs);
	dp.dtdo_vartab = vars;
	dp.dtdo_varlen = nv;
	if (dvm_difo__validate(&dp, NULL, NULL, 0) != 0)
		return 0;
	setup(&vs, vars, nv);
	for (int round = 0; round < 3; round++) {
		scratch_used = 0;
		dvm_mstate__init(&ms, &plat, NULL);
		ms.dms_vars = &vs;
		ms.dms_tkey = (uint64_t)round & 1;
		ms.dms_strsize = 32;
		(void)dvm_difo__emulate(&dp, &ms);
	}
	return 0;
}
