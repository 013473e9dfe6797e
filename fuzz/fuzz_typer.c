/*
 * fuzz_typer.c — fuzz entry point for DIF type inference (typ_infer.h).
 *
 * The bytes are one DIFO of a one-clause program, typed loosely (no
 * typefile) and then printed (every diagnostic formatted, every defined
 * register's and variable's type rendered):
 *   byte 0      intlen (& 7)     byte 1  rellen (& 7)    byte 2  varlen (& 7)
 *   byte 3      return type kind (0 ctf, 1 string)
 *   then        intlen * 8-byte integers (little-endian),
 *               rellen * 4 bytes: pc, kind (its top bit sets F_GUARDED),
 *               type-name index, member index (indexes into a fixed list
 *               of names),
 *               varlen * 2 bytes: id low bits, scope/kind bits
 *   rest        instruction words, little-endian (at most 4096)
 * Inference must never crash, hang or leak on any of them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht/dobj.h"
#include "typ_infer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"", "struct thread", "td_proc", "struct proc", "p_pid", "int",
	"string", "char *", "p_comm", "uint8_t", "struct proc *", "a.b[2].c",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

struct cursor {
	const uint8_t	*p;
	size_t		n;
};

static uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && c->n > 0; i++, c->p++, c->n--)
		v |= (uint64_t)c->p[0] << (8 * i);
	return v;
}

static void exercise(const struct dobj *obj, const struct typ_infer *inf)
{
	char buf[1024];
	struct typ_type t;
	struct dif_type dt;

	for (size_t i = 0; i < typ_infer__nerrors(inf); i++)
		typ_diag__format(typ_infer__error(inf, i), buf, sizeof(buf));
	for (uint32_t pc = 0; pc < obj->difos[0].len; pc++)
		if (typ_infer__def_type(inf, 0, pc, &t) == 0)
			typ_type__to_string(inf, &t, buf, sizeof(buf));
	for (size_t i = 0; i < typ_infer__nvars(inf); i++)
		typ_type__to_string(inf, &typ_infer__var(inf, i)->type, buf, sizeof(buf));
	typ_infer__rtype_dif(inf, 0, &dt);
}

static int build(struct cursor *c, struct dobj *obj)
{
	static const char strtab[] = "\0x\0y\0abc";
	uint32_t nints = take(c, 1) & 7, nrels = take(c, 1) & 7, nvars = take(c, 1) & 7;
	uint64_t ints[8];
	struct dif_reloc rels[8];
	struct dif_var vars[8];
	dif_instr_t *text;
	uint32_t len;
	struct dobj_difo *d;
	int di, ci;

	if ((di = dobj__add_difo(obj)) < 0 || (ci = dobj__add_clause(obj)) < 0)
		return -1;
	d = &obj->difos[di];
	d->rtype.dtdt_kind = take(c, 1) & 1;
	obj->clauses[ci].pred = di;
	for (uint32_t i = 0; i < nints; i++)
		ints[i] = take(c, 8);
	memset(rels, 0, sizeof(rels));
	for (uint32_t i = 0; i < nrels; i++) {
		rels[i].dtr_pc = (uint32_t)take(c, 1);
		uint8_t kb = (uint8_t)take(c, 1);
		rels[i].dtr_kind = (uint16_t)((kb & 0x7f) % (DIF_RELOC_KIND_MAX + 1));
		rels[i].dtr_flags = kb & 0x80 ? DIF_RELOC_F_GUARDED : 0;
		rels[i].dtr_type = dobj__intern(obj, names[take(c, 1) % NNAMES]);
		rels[i].dtr_member = dobj__intern(obj, names[take(c, 1) % NNAMES]);
	}
	memset(vars, 0, sizeof(vars));
	for (uint32_t i = 0; i < nvars; i++) {
		uint32_t b = (uint32_t)take(c, 2);
		vars[i].dtdv_id = DIF_VAR_OTHER_UBASE + (b & 3);
		vars[i].dtdv_scope = (uint8_t)((b >> 8) % 3);
		vars[i].dtdv_kind = (uint8_t)((b >> 10) & 1);
		vars[i].dtdv_name = (b >> 11) & 1 ? 1 : 3;
	}
	len = (uint32_t)(c->n / 4 > 4096 ? 4096 : c->n / 4);
	if ((text = malloc((len ? len : 1) * sizeof(*text))) == NULL)
		return -1;
	for (uint32_t i = 0; i < len; i++)
		text[i] = (dif_instr_t)take(c, 4);
	if (dobj_difo__set_text(d, text, len) != 0 ||
	    dobj_difo__set_inttab(d, ints, nints) != 0 ||
	    dobj_difo__set_strtab(d, strtab, sizeof(strtab)) != 0 ||
	    dobj_difo__set_vartab(d, vars, nvars) != 0 ||
	    dobj_difo__set_reltab(d, rels, nrels) != 0) {
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct dobj *obj = dobj__new(DOBJ_RELOCATABLE);
	struct typ_infer *inf = NULL;

	if (obj == NULL)
		return 0;
	if (build(&c, obj) == 0 && typ_infer__new(obj, NULL, &inf) == 0) {
		exercise(obj, inf);
		typ_infer__free(inf);
	}
	dobj__free(obj);
	return 0;
}
