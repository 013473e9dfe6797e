/*
 * sample.c — program objects used by the obj tests, the conformance
 * checkers and the fuzz seeds.
 *
 * sample_full() uses every table and every field the format carries:
 * every action kind, every relocation kind (with and without the
 * bit-field flag), aggregations, formats, options, symbols of each kind,
 * metadata, line tables, source identities, a clause without actions and
 * a clause without a predicate.  A linked sample has the same shape with
 * the pseudo-instructions resolved (no relocations).
 */
#include <stdlib.h>
#include <string.h>

#include "sample.h"

#define S(obj, s) dobj__intern((obj), (s))

static struct dobj_srcpos pos(struct dobj *obj, uint32_t line, uint32_t col)
{
	struct dobj_srcpos p = { S(obj, "full.d"), line, col };

	return p;
}

static int add_probe(struct dobj *obj, const char *t, const char *p, const char *m,
    const char *f, const char *n)
{
	int i = dobj__add_probe(obj);

	if (i < 0)
		return i;
	obj->probes[i] = (struct dobj_probe){ S(obj, t), S(obj, p), S(obj, m), S(obj, f),
	    S(obj, n), pos(obj, (uint32_t)i + 1, 1) };
	return i;
}

/* A predicate: self->ts != 0 (ldts, tst, ...). */
static int add_pred(struct dobj *obj)
{
	static const char strs[] = "\0ts";
	const dif_instr_t text[] = {
		DIF_INSTR_IMM16(DIF_OP_LDTS, DIF_VAR_OTHER_UBASE, 1),
		DIF_INSTR_FMT(DIF_OP_TST, 1, 0, 0),
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1),
	};
	const struct dif_var var = { 1, DIF_VAR_OTHER_UBASE, DIFV_KIND_SCALAR,
	    DIFV_SCOPE_THREAD, DIFV_F_REF, { DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 8 } };
	const struct dobj_line lines[] = { { 0, pos(obj, 2, 5) }, { 2, pos(obj, 2, 9) } };
	int i = dobj__add_difo(obj);
	struct dobj_difo *d;

	if (i < 0)
		return i;
	d = &obj->difos[i];
	d->rtype = (struct dif_type){ DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 4 };
	if (dobj_difo__set_text(d, text, 3) || dobj_difo__set_strtab(d, strs, sizeof(strs)) ||
	    dobj_difo__set_vartab(d, &var, 1) || dobj_difo__set_lines(d, lines, 2))
		return -1;
	return i;
}

/*
 * The relocation-heavy DIFO: curthread->td_proc->p_pid style accesses.
 * Relocatable: usetx/uload/uuload/typecast/ustore with one relocation each; the
 * index field of usetx and typecast names its relocation in the reltab.
 * Linked: the same program with the pseudo-instructions resolved.
 */
static int add_reloc_difo(struct dobj *obj)
{
	dif_instr_t text[] = {
		DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_CURTHREAD, 1),
		DIF_INSTR_IMM16(DIF_OP_USETX, 0, 2),		/* offsetof td_proc */
		DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 1),
		DIF_INSTR_FMT(DIF_OP_ULOAD, 1, 0, 1),		/* load td_proc */
		DIF_INSTR_IMM16(DIF_OP_USETX, 2, 3),		/* sizeof(struct proc) */
		DIF_INSTR_IMM16(DIF_OP_USETX, 3, 4),		/* sizeof p_flag */
		DIF_INSTR_FMT(DIF_OP_UULOAD, 1, 0, 5),		/* user load */
		DIF_INSTR_IMM16(DIF_OP_TYPECAST, 5, 5),		/* (pid_t) */
		DIF_INSTR_FMT(DIF_OP_USTORE, 5, 0, 1),		/* store p_pid */
		DIF_INSTR_IMM16(DIF_OP_SETS, 1, 7),
		DIF_INSTR_FMT(DIF_OP_ULOAD, 1, 0, 2),		/* bit-field load */
		DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 5),
	};
	static const char strs[] = "\0hello\0x";
	const uint64_t ints[] = { 0x0123456789abcdefull, 42, UINT64_MAX };
	const struct dif_var vars[] = {
		{ 7, DIF_VAR_OTHER_UBASE + 1, DIFV_KIND_SCALAR, DIFV_SCOPE_GLOBAL,
		  DIFV_F_REF | DIFV_F_MOD, { DIF_TYPE_STRING, 0, DIF_TF_BYREF, 0, 256 } },
		{ 1, DIF_VAR_OTHER_UBASE + 2, DIFV_KIND_ARRAY, DIFV_SCOPE_LOCAL,
		  DIFV_F_MOD, { DIF_TYPE_CTF, DIF_CTF_K_POINTER, DIF_TF_BYUREF, 0, 8 } },
	};
	const struct dobj_line lines[] = {
		{ 0, pos(obj, 4, 3) }, { 3, pos(obj, 4, 20) }, { 8, pos(obj, 5, 1) },
	};
	int i = dobj__add_difo(obj);
	struct dobj_difo *d;

	if (i < 0)
		return i;
	if (obj->kind == DOBJ_LINKED) {
		text[1] = DIF_INSTR_IMM16(DIF_OP_SETX, 1, 2);
		text[3] = DIF_INSTR_FMT(DIF_OP_LDX, 1, 0, 1);
		text[4] = DIF_INSTR_IMM16(DIF_OP_SETX, 1, 3);
		text[5] = DIF_INSTR_IMM16(DIF_OP_SETX, 1, 4);
		text[6] = DIF_INSTR_FMT(DIF_OP_ULDSW, 1, 0, 5);
		text[7] = DIF_INSTR_NOP;
		text[8] = DIF_INSTR_FMT(DIF_OP_STW, 5, 0, 1);
		text[10] = DIF_INSTR_FMT(DIF_OP_LDUW, 1, 0, 2);
	}
	d = &obj->difos[i];
	d->rtype = (struct dif_type){ DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 4 };
	d->flags = DOBJ_DIFO_F_DESTRUCTIVE;
	if (dobj_difo__set_text(d, text, 12) || dobj_difo__set_inttab(d, ints, 3) ||
	    dobj_difo__set_strtab(d, strs, sizeof(strs)) || dobj_difo__set_vartab(d, vars, 2) ||
	    dobj_difo__set_lines(d, lines, 3))
		return -1;
	if (obj->kind == DOBJ_RELOCATABLE) {
		const struct dif_reloc rel[] = {
			{ 1, DIF_RELOC_MEMBER_OFFSET, 0, S(obj, "struct thread"), S(obj, "td_proc") },
			{ 3, DIF_RELOC_LOAD, 0, S(obj, "struct thread"), S(obj, "td_proc") },
			{ 4, DIF_RELOC_TYPE_SIZE, 0, S(obj, "struct proc"), 0 },
			{ 5, DIF_RELOC_MEMBER_SIZE, 0, S(obj, "struct proc"), S(obj, "p_flag") },
			{ 6, DIF_RELOC_ULOAD, 0, S(obj, "struct user_args"), S(obj, "a.b.c") },
			{ 7, DIF_RELOC_CAST, 0, S(obj, "pid_t"), 0 },
			{ 8, DIF_RELOC_STORE, 0, S(obj, "struct proc"), S(obj, "p_pid") },
			{ 10, DIF_RELOC_LOAD, DIF_RELOC_F_BITFIELD, S(obj, "struct proc"),
			  S(obj, "p_flag") },
		};
		if (dobj_difo__set_reltab(d, rel, 8))
			return -1;
	}
	return i;
}

/* A one-instruction DIFO returning %r0 (void expressions, printa ids, ...). */
static int add_tiny(struct dobj *obj, uint32_t size)
{
	const dif_instr_t text[] = { DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0) };
	int i = dobj__add_difo(obj);

	if (i < 0)
		return i;
	obj->difos[i].rtype = (struct dif_type){ DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, size };
	return dobj_difo__set_text(&obj->difos[i], text, 1) ? -1 : i;
}

static const uint16_t all_kinds[] = {
#define KIND_(v, name, s) v,
	DIF_ACTIONS(KIND_)
#undef KIND_
};

static int add_formats(struct dobj *obj)
{
	static const struct { const char *s; uint16_t kind; } f[] = {
		{ "%d %s\n", DIF_ACT_PRINTF }, { "%@d\n", DIF_ACT_PRINTA },
		{ "echo %d", DIF_ACT_SYSTEM }, { "/tmp/out.%d", DIF_ACT_FREOPEN },
		{ "", DIF_ACT_PRINTF },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int k = dobj__add_format(obj);
		if (k < 0)
			return -1;
		obj->formats[k].str = S(obj, f[i].s);
		obj->formats[k].kind = f[i].kind;
	}
	return 0;
}

static int format_for(uint16_t kind)
{
	switch (kind) {
	case DIF_ACT_PRINTF:	return 0;
	case DIF_ACT_PRINTA:	return 1;
	case DIF_ACT_SYSTEM:	return 2;
	case DIF_ACT_FREOPEN:	return 3;
	default:		return -1;
	}
}

/* One action of every kind; every third has no DIFO. */
static int add_actions(struct dobj *obj, int difo)
{
	for (size_t i = 0; i < sizeof(all_kinds) / sizeof(all_kinds[0]); i++) {
		int k = dobj__add_action(obj);
		struct dobj_action *a;

		if (k < 0)
			return -1;
		a = &obj->actions[k];
		a->kind = all_kinds[i];
		a->flags = (uint16_t)i;
		a->ntuple = DIF_ACT_IS_AGG(a->kind) ? 3 : 0;
		a->arg = a->kind == DIF_ACT_LQUANTIZE ? (1ull << 48 | 10ull << 32 | 0xfffffff6u) :
		    a->kind == DIF_ACT_LIBACT ? DIF_LIBACT_PRINT : (uint64_t)i * 0x100000001ull;
		a->difo = i % 3 == 2 ? -1 : difo;
		a->format = format_for(a->kind);
		a->str = a->kind == DIF_ACT_LIBACT ? S(obj, "kernel`struct thread *") : 0;
		a->pos = pos(obj, 10 + (uint32_t)i, 2);
	}
	return 0;
}

static int add_aggs(struct dobj *obj)
{
	int i = dobj__add_agg(obj), j;

	if (i < 0)
		return -1;
	obj->aggs[i] = (struct dobj_agg){ S(obj, "_"), 1, DIF_ACT_COUNT, 0, 0, 0,
	    S(obj, "uint64_t") };
	j = dobj__add_agg(obj);
	if (j < 0)
		return -1;
	obj->aggs[j] = (struct dobj_agg){ S(obj, "lat"), 2, DIF_ACT_LLQUANTIZE, 2,
	    10ull << 48 | 0ull << 32 | 6ull << 16 | 20, S(obj, "string,int"), S(obj, "int64_t") };
	return 0;
}

static int add_symbols(struct dobj *obj)
{
	static const struct { const char *n; uint16_t kind, vk; const char *ct, *kt; } s[] = {
		{ "counter", DOBJ_SYM_GLOBAL, DIFV_KIND_SCALAR, "uint64_t", NULL },
		{ "names", DOBJ_SYM_GLOBAL, DIFV_KIND_ARRAY, "string", "int,string" },
		{ "ts", DOBJ_SYM_THREAD, DIFV_KIND_SCALAR, "uint64_t", NULL },
		{ "counter", DOBJ_SYM_THREAD, DIFV_KIND_SCALAR, "int", NULL },
		{ "lat", DOBJ_SYM_AGG, DIFV_KIND_ARRAY, "int64_t", "string,int" },
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		int k = dobj__add_symbol(obj);
		if (k < 0)
			return -1;
		obj->symbols[k] = (struct dobj_symbol){ S(obj, s[i].n), s[i].kind, s[i].vk,
		    DIF_VAR_OTHER_UBASE + (uint32_t)i, S(obj, s[i].ct),
		    s[i].kt ? S(obj, s[i].kt) : 0,
		    { DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 8 } };
	}
	return 0;
}

static int add_pairs(struct dobj *obj)
{
	static const char *opt[][2] = { { "bufsize", "4m" }, { "quiet", NULL },
	    { "destructive", NULL } };
	static const char *meta[][2] = { { "resolver", "host" },
	    { "typefile", "freebsd-14.btf" } };

	for (int i = 0; i < 3; i++) {
		int k = dobj__add_option(obj);
		if (k < 0)
			return -1;
		obj->options[k].name = S(obj, opt[i][0]);
		obj->options[k].value = opt[i][1] ? S(obj, opt[i][1]) : 0;
	}
	for (int i = 0; i < 2; i++) {
		int k = dobj__add_meta(obj);
		if (k < 0)
			return -1;
		obj->meta[k].key = S(obj, meta[i][0]);
		obj->meta[k].value = S(obj, meta[i][1]);
	}
	return 0;
}

static int add_clauses(struct dobj *obj, int pred, int nactions)
{
	int c;

	/* clause 0: two probes, predicate, the first half of the actions */
	if ((c = dobj__add_clause(obj)) < 0)
		return -1;
	obj->clauses[c] = (struct dobj_clause){ 0, 2, pred, 0, (uint32_t)nactions / 2,
	    pos(obj, 1, 1) };
	/* clause 1: no actions at all (must round-trip) */
	if ((c = dobj__add_clause(obj)) < 0)
		return -1;
	obj->clauses[c] = (struct dobj_clause){ 2, 1, -1, (uint32_t)nactions / 2, 0,
	    pos(obj, 7, 1) };
	/* clause 2: the other half, no predicate */
	if ((c = dobj__add_clause(obj)) < 0)
		return -1;
	obj->clauses[c] = (struct dobj_clause){ 2, 1, -1, (uint32_t)nactions / 2,
	    (uint32_t)(nactions - nactions / 2), pos(obj, 9, 1) };
	return 0;
}

struct dobj *sample_full(enum dobj_kind kind)
{
	struct dobj *obj = dobj__new(kind);
	uint8_t id[DOBJ_IDENT_LEN];
	int pred, rd, n = (int)(sizeof(all_kinds) / sizeof(all_kinds[0]));

	if (obj == NULL)
		return NULL;
	if (add_probe(obj, "", "syscall", "", "read", "entry") < 0 ||
	    add_probe(obj, "guest0", "fbt", "kernel", "vm_*", "return") < 0 ||
	    add_probe(obj, "", "dtrace", "", "", "END") < 0)
		goto fail;
	pred = add_pred(obj);
	rd = add_reloc_difo(obj);
	if (pred < 0 || rd < 0 || add_tiny(obj, 0) < 0 || add_tiny(obj, 8) < 0 ||
	    add_formats(obj) || add_actions(obj, rd) || add_aggs(obj) ||
	    add_symbols(obj) || add_pairs(obj) || add_clauses(obj, pred, n))
		goto fail;
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < DOBJ_IDENT_LEN; j++)
			id[j] = (uint8_t)(i * 101 + j * 7);
		if (dobj__add_srcident(obj, id) < 0)
			goto fail;
	}
	return obj;
fail:
	dobj__free(obj);
	return NULL;
}

struct dobj *sample_empty(enum dobj_kind kind)
{
	return dobj__new(kind);
}

struct dobj *sample_minimal(void)
{
	struct dobj *obj = dobj__new(DOBJ_RELOCATABLE);
	int p, c, a, d;

	if (obj == NULL)
		return NULL;
	p = add_probe(obj, "", "dtrace", "", "", "BEGIN");
	d = add_tiny(obj, 4);
	a = dobj__add_action(obj);
	c = dobj__add_clause(obj);
	if (p < 0 || d < 0 || a < 0 || c < 0) {
		dobj__free(obj);
		return NULL;
	}
	obj->actions[a].kind = DIF_ACT_EXIT;
	obj->actions[a].difo = d;
	obj->actions[a].format = -1;
	obj->clauses[c] = (struct dobj_clause){ 0, 1, -1, 0, 1, { 0, 0, 0 } };
	return obj;
}
