/*
 * fuzz_dbpf.c — fuzz entry point for the DIF -> BPF clause translator.
 *
 * The claim under test: whatever DIF arrives, dbpf_set__add_probe either
 * refuses it (the validator, then the translator, with a message) or
 * produces a program — never a crash, never an out-of-bounds access, and
 * nothing unvalidated goes further.  The set runs with so_no_kernel, so
 * nothing is loaded and no privilege is needed.
 *
 * Input layout (a short input just ends the tables early):
 *   byte 0     bits 0-2 step kind (record, void, agg, exit, string record,
 *              by-reference record, agg with a string key, speculate),
 *              bit 3 a predicate (the same DIFO), bit 4 a second clause
 *   byte 1     aggregating function index (count .. llquantize, mod 9)
 *   byte 2     intlen (& 7)        byte 3  strlen (& 63)
 *   then       intlen little-endian u64, strlen string bytes (the last one
 *              forced to NUL so it can be a table), 8 bytes lquantize /
 *              llquantize argument
 *   rest       instruction words, little-endian (at most 256)
 * Every table lives in a heap block of exactly its size, so a sanitizer
 * catches a read past a length.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbpf_clause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cursor {
	const uint8_t	*p;
	size_t		n;
};

static uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		if (c->n > 0) {
			v |= (uint64_t)c->p[0] << (8 * i);
			c->p++;
			c->n--;
		}
	}
	return v;
}

static const uint16_t funcs[9] = { DIF_ACT_COUNT, DIF_ACT_SUM, DIF_ACT_MIN,
	DIF_ACT_MAX, DIF_ACT_AVG, DIF_ACT_STDDEV, DIF_ACT_QUANTIZE,
	DIF_ACT_LQUANTIZE, DIF_ACT_LLQUANTIZE };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	unsigned flags = (unsigned)take(&c, 1), fn = (unsigned)take(&c, 1) % 9;
	unsigned nint = (unsigned)take(&c, 1) & 7, nstr = (unsigned)take(&c, 1) & 63;
	uint64_t *ints = nint ? malloc(nint * sizeof(*ints)) : NULL;
	char *strs = nstr ? malloc(nstr) : NULL;
	dif_instr_t *text;
	size_t ntext;
	uint64_t arg;
	struct dbpf_set_opts so = { .so_strsize = 32, .so_no_kernel = true };
	struct dbpf_set *set = NULL;
	struct dif_difo d;
	struct dbpf_key key;
	struct dbpf_step st;
	struct dbpf_clause cl[2];
	struct dbpf_attach at;
	char err[512];
	int idx;

	for (unsigned i = 0; i < nint; i++)
		ints[i] = take(&c, 8);
	for (unsigned i = 0; i < nstr; i++)
		strs[i] = (char)take(&c, 1);
	if (nstr)
		strs[nstr - 1] = '\0';
	arg = take(&c, 8);
	ntext = c.n / 4 > 256 ? 256 : c.n / 4;
	text = malloc((ntext ? ntext : 1) * sizeof(*text));
	for (size_t i = 0; i < ntext; i++)
		text[i] = (dif_instr_t)take(&c, 4);

	memset(&d, 0, sizeof(d));
	d.dtdo_buf = ntext ? text : NULL;
	d.dtdo_len = (uint32_t)ntext;
	d.dtdo_inttab = ints;
	d.dtdo_intlen = nint;
	d.dtdo_strtab = strs;
	d.dtdo_strlen = nstr;
	d.dtdo_rtype.dtdt_size = 8;

	memset(&key, 0, sizeof(key));
	key.difo = &d;
	key.actndx = 1;
	key.string = (flags & 7) == 6;
	memset(&st, 0, sizeof(st));
	st.actndx = 1;
	st.difo = &d;
	st.size = 8;
	switch (flags & 7) {
	case 0: st.kind = DBPF_STEP_RECORD; break;
	case 1: st.kind = DBPF_STEP_VOID; break;
	case 3: st.kind = DBPF_STEP_EXIT; break;
	case 4: st.kind = DBPF_STEP_RECORD; st.byref = st.string = true; st.size = 32; break;
	case 5: st.kind = DBPF_STEP_RECORD; st.byref = true; st.size = 24; break;
	case 7: st.kind = DBPF_STEP_SPECULATE; break;
	default:
		st.kind = DBPF_STEP_AGG;
		st.aggid = 1;
		st.aggfunc = funcs[fn];
		st.aggarg = arg;
		st.keys = &key;
		st.nkeys = 1;
		break;
	}
	memset(cl, 0, sizeof(cl));
	for (int i = 0; i < 2; i++) {
		cl[i].epid = (uint32_t)i + 1;
		cl[i].what = "fuzz:::probe";
		cl[i].pred = (flags & 8) ? &d : NULL;
		cl[i].steps = &st;
		cl[i].nsteps = 1;
		cl[i].datasize = 32;
		cl[i].records = st.kind != DBPF_STEP_AGG;
	}
	memset(&at, 0, sizeof(at));
	at.at_ctx = DBPF_CTX_RAW_TP;
	at.at_args[0] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX, .as_size = 8 };
	at.at_args[1] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX_DEREF, .as_size = 8,
	    .as_off = 8, .as_deref = 112 };
	at.at_prov = "fuzz";
	at.at_name = "probe";
	if (dbpf_set__new(&so, &set, err, sizeof(err)) == 0) {
		(void)dbpf_set__add_probe(set, &at, cl, (flags & 16) ? 2 : 1, &idx,
		    err, sizeof(err));
		dbpf_set__free(set);
	}
	free(text);
	free(ints);
	free(strs);
	return 0;
}
