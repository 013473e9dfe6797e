/*
 * fuzz_validator.c — fuzz entry point for the DIF validator.
 *
 * Input layout (every field optional; a short input just ends the tables
 * early):
 *   byte 0      option bits: 0x1 relocatable, 0x2 guest, 0x4 destructive,
 *               0x8 NULL text pointer, 0x10 tiny size limit
 *   byte 1      intlen (& 0x3f)        byte 2  strlen
 *   byte 3      varlen (& 0x0f)        byte 4  rellen (& 0x0f)
 *   bytes 5-12  return type (kind, ckind, flags, pad, size le32)
 *   then        strlen string bytes, varlen * 20-byte dif_var records,
 *               rellen * 16-byte dif_reloc records (little-endian fields),
 *   rest        instruction words, little-endian
 * Each table is copied into a heap block of exactly its size so a sanitizer
 * catches any read past a length.  Every record is formatted, too.  The
 * program is then run by the emulator (dvm_emul.c) over a 64-byte memory
 * window, validated or not: the emulator must stay memory-safe and stop
 * either way, and a validated program must never trip its guards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dvm_emul.h"
#include "dvm_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cursor {
	const uint8_t	*p;
	size_t		n;
};

static uint32_t take(struct cursor *c, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		if (c->n > 0) {
			v |= (uint32_t)c->p[0] << (8 * i);
			c->p++;
			c->n--;
		}
	}
	return v;
}

static void read_type(struct cursor *c, struct dif_type *t)
{
	t->dtdt_kind = (uint8_t)take(c, 1);
	t->dtdt_ckind = (uint8_t)take(c, 1);
	t->dtdt_flags = (uint8_t)take(c, 1);
	t->dtdt_pad = (uint8_t)take(c, 1);
	t->dtdt_size = take(c, 4);
}

/* The emulator's whole world: 64 loadable and storable bytes. */
static uint8_t window[64] __attribute__((aligned(8)));
static unsigned window_used;

static int f_load(void *ctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	uint64_t base = (uint64_t)(uintptr_t)window;

	(void)ctx;
	(void)space;
	if (addr < base || addr - base > sizeof(window) ||
	    size > sizeof(window) - (addr - base))
		return DIF_FAULT_BADADDR;
	*val = 0;
	memcpy(val, window + (addr - base), size);
	return 0;
}

static int f_store(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	uint64_t base = (uint64_t)(uintptr_t)window;

	(void)ctx;
	if (addr < base || addr - base > sizeof(window) ||
	    size > sizeof(window) - (addr - base))
		return DIF_FAULT_BADADDR;
	memcpy(window + (addr - base), &val, size);
	return 0;
}

static uint64_t f_scratch(void *ctx, uint64_t size)
{
	(void)ctx;
	if (size > sizeof(window) - window_used)	/* before rounding: no wrap */
		return 0;
	size = (size + 7) & ~(uint64_t)7;
	if (size > sizeof(window) - window_used)
		return 0;
	window_used += (unsigned)size;
	return (uint64_t)(uintptr_t)(window + window_used - size);
}

static const struct dvm_platform fuzz_plat = {
	.dp_load = f_load, .dp_store = f_store, .dp_scratch = f_scratch
};

static void run(const struct dif_difo *dp, uint32_t flags, uint32_t max_size)
{
	struct dvm_validate_opts opts = { .dvo_flags = flags, .dvo_max_size = max_size };
	struct dvm_verr errs[16];
	struct dvm_mstate ms;
	char line[160];
	unsigned n = dvm_difo__validate(dp, &opts, errs, 16);

	for (unsigned i = 0; i < n && i < 16; i++)
		dvm_verr__format(&errs[i], line, sizeof(line));
	(void)dvm_difo__validate(dp, &opts, NULL, 0);

	memset(window, 0, sizeof(window));
	window_used = 0;
	dvm_mstate__init(&ms, &fuzz_plat, NULL);
	if (dvm_difo__emulate(dp, &ms) != 0 && n == 0 &&
	    (ms.dms_reason == DVM_REASON_BAD_OPCODE ||
	    ms.dms_reason == DVM_REASON_BAD_OPERAND || ms.dms_reason == DVM_REASON_NO_RET))
		__builtin_trap();	/* a validated program tripped a guard */
}

/* A zeroed block of exactly n elements (1 byte when n is 0). */
static void *exact(uint32_t n, size_t size)
{
	return calloc(1, n != 0 ? n * size : 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct dif_difo d;
	uint32_t opt = take(&c, 1);

	memset(&d, 0, sizeof(d));
	d.dtdo_intlen = take(&c, 1) & 0x3f;
	d.dtdo_strlen = take(&c, 1);
	d.dtdo_varlen = take(&c, 1) & 0x0f;
	d.dtdo_rellen = take(&c, 1) & 0x0f;
	read_type(&c, &d.dtdo_rtype);
	d.dtdo_destructive = (opt & 0x4) != 0;

	uint64_t *ints = exact(d.dtdo_intlen, sizeof(*ints));
	char *strs = exact(d.dtdo_strlen, 1);
	struct dif_var *vars = exact(d.dtdo_varlen, sizeof(*vars));
	struct dif_reloc *rels = exact(d.dtdo_rellen, sizeof(*rels));
	if (ints == NULL || strs == NULL || vars == NULL || rels == NULL)
		goto out;
	for (uint32_t i = 0; i < d.dtdo_strlen; i++)
		strs[i] = (char)take(&c, 1);
	for (uint32_t i = 0; i < d.dtdo_varlen; i++) {
		vars[i].dtdv_name = take(&c, 4);
		vars[i].dtdv_id = take(&c, 4);
		vars[i].dtdv_kind = (uint8_t)take(&c, 1);
		vars[i].dtdv_scope = (uint8_t)take(&c, 1);
		vars[i].dtdv_flags = (uint16_t)take(&c, 2);
		read_type(&c, &vars[i].dtdv_type);
	}
	for (uint32_t i = 0; i < d.dtdo_rellen; i++) {
		rels[i].dtr_pc = take(&c, 4);
		rels[i].dtr_kind = (uint16_t)take(&c, 2);
		rels[i].dtr_flags = (uint16_t)take(&c, 2);
		rels[i].dtr_type = take(&c, 4);
		rels[i].dtr_member = take(&c, 4);
	}
	d.dtdo_len = (uint32_t)(c.n / 4);
	dif_instr_t *text = exact(d.dtdo_len, sizeof(*text));
	if (text == NULL)
		goto out;
	for (uint32_t i = 0; i < d.dtdo_len; i++)
		text[i] = take(&c, 4);

	d.dtdo_buf = (opt & 0x8) ? NULL : text;
	d.dtdo_inttab = d.dtdo_intlen ? ints : NULL;
	d.dtdo_strtab = strs;
	d.dtdo_vartab = vars;
	d.dtdo_reltab = rels;
	run(&d, opt & (DVM_VF_RELOCATABLE | DVM_VF_GUEST), (opt & 0x10) ? 64 : 0);
	free(text);
out:
	free(ints);
	free(strs);
	free(vars);
	free(rels);
	return 0;
}
