/*
 * dobj_check.c — the rules every object obeys, in one place.
 *
 * Theory.  The writer refuses to encode, and the reader refuses to return,
 * an object that breaks any rule below; both call dobj_check_at() (the
 * reader after it has done the byte-level checks only it can do: ELF
 * headers, section geometry, record counts, relocation placement).  So
 * "an object the library hands out" and "an object the library writes"
 * mean the same thing, and downstream stages (dld, the validator, the
 * loader) may index any array with any index they find in it.
 *
 * Rules (docs/object-format.md, "Reader rules", is the full list):
 *   - the object string table starts and ends with NUL, holds each string
 *     once, and every reference points at the start of a string;
 *   - every index is -1 (where allowed) or below its count, every range
 *     [first, first + count) lies inside its array;
 *   - every DIFO's own string table ends with NUL, variable names lie
 *     inside it, line entries are ascending and inside the text;
 *   - relocations exist only in relocatable objects, sit on the
 *     pseudo-instruction their kind belongs to, one per pseudo-instruction,
 *     ascending by pc, and name a type (and a member where the kind needs one);
 *   - symbols are unique per (kind, name).
 *
 * Complaints name the section the offending field is stored in and its
 * byte offset: inside the section for in-memory objects, in the file when
 * the reader passes the section offsets.  This file also holds the section
 * table and the string index, shared by reader and writer.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dobj_format.h"

const struct dobj_secspec dobj_secspecs[SEC_COUNT] = {
	[SEC_NULL]	= { "",			SHT_NULL,	0, 0, 0 },
	[SEC_HEADER]	= { ".ht.header",	SHT_PROGBITS,	0, HDR_SIZE, 8 },
	[SEC_STRTAB]	= { ".ht.strtab",	SHT_STRTAB,	0, 0, 1 },
	[SEC_PROBES]	= { ".ht.probes",	SHT_PROGBITS,	0, PROBE_SIZE, 4 },
	[SEC_CLAUSES]	= { ".ht.clauses",	SHT_PROGBITS,	0, CLAUSE_SIZE, 4 },
	[SEC_ACTIONS]	= { ".ht.actions",	SHT_PROGBITS,	0, ACTION_SIZE, 8 },
	[SEC_DIFOS]	= { ".ht.difos",	SHT_PROGBITS,	0, DIFO_SIZE, 4 },
	[SEC_TEXT]	= { ".ht.text",		SHT_PROGBITS,	0, TEXT_SIZE, 4 },
	[SEC_INTS]	= { ".ht.ints",		SHT_PROGBITS,	0, INT_SIZE, 8 },
	[SEC_STRS]	= { ".ht.strs",		SHT_PROGBITS,	0, 0, 1 },
	[SEC_VARS]	= { ".ht.vars",		SHT_PROGBITS,	0, VAR_SIZE, 4 },
	[SEC_LINES]	= { ".ht.lines",	SHT_PROGBITS,	0, LINE_SIZE, 4 },
	[SEC_FORMATS]	= { ".ht.formats",	SHT_PROGBITS,	0, FORMAT_SIZE, 4 },
	[SEC_AGGS]	= { ".ht.aggs",		SHT_PROGBITS,	0, AGG_SIZE, 8 },
	[SEC_OPTIONS]	= { ".ht.options",	SHT_PROGBITS,	0, OPTION_SIZE, 4 },
	[SEC_SYMBOLS]	= { ".ht.symbols",	SHT_PROGBITS,	0, SYMBOL_SIZE, 4 },
	[SEC_META]	= { ".ht.meta",		SHT_PROGBITS,	0, META_SIZE, 4 },
	[SEC_SRCIDENTS]	= { ".ht.srcidents",	SHT_PROGBITS,	0, SRCIDENT_SIZE, 1 },
	[SEC_SYMTAB]	= { ".symtab",		SHT_SYMTAB,	0, SYM_SIZE, 8 },
	[SEC_SYMSTR]	= { ".strtab",		SHT_STRTAB,	0, 0, 1 },
	[SEC_SHSTRTAB]	= { ".shstrtab",	SHT_STRTAB,	0, 0, 1 },
	[SEC_RELA]	= { ".rela.ht.text",	SHT_RELA,	SHF_INFO_LINK, RELA_SIZE, 8 },
};

int dobj_fail(struct dobj_err *err, int sec, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -EINVAL;
	snprintf(err->section, sizeof(err->section), "%s",
	    sec > SEC_NULL && sec < SEC_COUNT ? dobj_secspecs[sec].name : "ELF header");
	err->offset = off;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int dobj_err__format(const struct dobj_err *err, char *buf, size_t size)
{
	return snprintf(buf, size, "section %s, offset 0x%llx: %s", err->section,
	    (unsigned long long)err->offset, err->msg);
}

const char *dobj_sym_prefix(uint16_t kind)
{
	switch (kind) {
	case DOBJ_SYM_THREAD:	return "self->";
	case DOBJ_SYM_AGG:	return "@";
	default:		return "";
	}
}

/* --- string index ------------------------------------------------------ */

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

int dobj_strindex_build(struct dobj_strindex *ix, const char *tab, uint32_t len,
    uint32_t *dup)
{
	uint32_t n = 0, nslots = 16;

	for (uint32_t i = 1; i < len; i++)
		n += tab[i] == '\0';
	while (nslots < 2 * (uint64_t)n + 2)
		nslots *= 2;
	ix->slots = calloc(nslots, sizeof(*ix->slots));
	ix->nslots = nslots;
	if (ix->slots == NULL)
		return -ENOMEM;
	for (uint32_t off = 1; off < len; off += (uint32_t)strlen(tab + off) + 1) {
		uint32_t j = fnv1a(tab + off) & (nslots - 1);

		while (ix->slots[j] != 0) {
			if (strcmp(tab + ix->slots[j] - 1, tab + off) == 0) {
				*dup = off;
				return -EEXIST;
			}
			j = (j + 1) & (nslots - 1);
		}
		ix->slots[j] = off + 1;
	}
	return 0;
}

uint32_t dobj_strindex_find(const struct dobj_strindex *ix, const char *tab,
    const char *s)
{
	uint32_t j;

	if (ix->nslots == 0 || *s == '\0')
		return 0;
	j = fnv1a(s) & (ix->nslots - 1);
	while (ix->slots[j] != 0) {
		if (strcmp(tab + ix->slots[j] - 1, s) == 0)
			return ix->slots[j] - 1;
		j = (j + 1) & (ix->nslots - 1);
	}
	return 0;
}

void dobj_strindex_free(struct dobj_strindex *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->nslots = 0;
}

/* --- the checker ------------------------------------------------------- */

struct ck {
	const struct dobj	*obj;
	const uint64_t		*secoff;
	struct dobj_err		*err;
};

static uint64_t at(const struct ck *ck, int sec, uint64_t off)
{
	return (ck->secoff != NULL ? ck->secoff[sec] : 0) + off;
}

#define FAIL(ck, sec, off, ...) \
	dobj_fail((ck)->err, (sec), at((ck), (sec), (off)), __VA_ARGS__)

/* A reference into the object string table: "" or the start of a string. */
static int str_ok(const struct dobj *obj, uint32_t off)
{
	return off == 0 || (off < obj->strlen && obj->strtab[off - 1] == '\0');
}

#define STR(ck, sec, off, v, what) do { \
	if (!str_ok((ck)->obj, (v))) \
		return FAIL(ck, sec, off, "%s: string offset %u is not the start " \
		    "of a string in .ht.strtab (%u bytes)", (what), (v), (ck)->obj->strlen); \
	} while (0)

#define NAME(ck, sec, off, v, what) do { \
	STR(ck, sec, off, v, what); \
	if ((v) == 0) \
		return FAIL(ck, sec, off, "%s: empty name", (what)); \
	} while (0)

/* Index -1 (when allowed) or below n. */
#define INDEX(ck, sec, off, v, n, what) do { \
	if ((v) < -1 || ((v) >= 0 && (uint32_t)(v) >= (n))) \
		return FAIL(ck, sec, off, "%s index %d out of range (%u)", (what), (v), (n)); \
	} while (0)

#define RANGE(ck, sec, off, first, count, n, what) do { \
	if ((uint64_t)(first) + (count) > (n)) \
		return FAIL(ck, sec, off, "%s range %u+%u exceeds %u", (what), \
		    (first), (count), (n)); \
	} while (0)

static int check_strtab(const struct ck *ck)
{
	const struct dobj *obj = ck->obj;
	struct dobj_strindex ix = { 0 };
	uint32_t dup = 0;
	int rc;

	if (obj->strtab == NULL || obj->strlen == 0 || obj->strtab[0] != '\0')
		return FAIL(ck, SEC_STRTAB, 0, "string table must start with an empty string");
	if (obj->strtab[obj->strlen - 1] != '\0')
		return FAIL(ck, SEC_STRTAB, obj->strlen - 1, "string table is not NUL-terminated");
	/* Only offset 0 may hold "": an empty string elsewhere would let a
	 * name look present to the reader and vanish when re-interned. */
	for (uint32_t i = 1; i < obj->strlen; i++)
		if (obj->strtab[i] == '\0' && obj->strtab[i - 1] == '\0')
			return FAIL(ck, SEC_STRTAB, i, "empty string at offset %u "
			    "(only offset 0 may be empty)", i);
	rc = dobj_strindex_build(&ix, obj->strtab, obj->strlen, &dup);
	dobj_strindex_free(&ix);
	if (rc == -EEXIST)
		return FAIL(ck, SEC_STRTAB, dup, "string \"%.40s\" appears twice",
		    obj->strtab + dup);
	return rc;
}

static int check_pos(const struct ck *ck, int sec, uint64_t off, const struct dobj_srcpos *p)
{
	STR(ck, sec, off, p->file, "source file");
	return 0;
}

static int check_probes(const struct ck *ck)
{
	for (uint32_t i = 0; i < ck->obj->nprobes; i++) {
		const struct dobj_probe *p = &ck->obj->probes[i];
		uint64_t o = (uint64_t)i * PROBE_SIZE;

		STR(ck, SEC_PROBES, o + 0, p->target, "probe target");
		STR(ck, SEC_PROBES, o + 4, p->provider, "probe provider");
		STR(ck, SEC_PROBES, o + 8, p->module, "probe module");
		STR(ck, SEC_PROBES, o + 12, p->function, "probe function");
		STR(ck, SEC_PROBES, o + 16, p->name, "probe name");
		if (check_pos(ck, SEC_PROBES, o + 20, &p->pos) != 0)
			return -EINVAL;
	}
	return 0;
}

static int check_clauses(const struct ck *ck)
{
	const struct dobj *obj = ck->obj;

	for (uint32_t i = 0; i < obj->nclauses; i++) {
		const struct dobj_clause *c = &obj->clauses[i];
		uint64_t o = (uint64_t)i * CLAUSE_SIZE;

		RANGE(ck, SEC_CLAUSES, o + 0, c->probe_first, c->probe_count,
		    obj->nprobes, "probe");
		INDEX(ck, SEC_CLAUSES, o + 8, c->pred, obj->ndifos, "predicate difo");
		RANGE(ck, SEC_CLAUSES, o + 12, c->action_first, c->action_count,
		    obj->nactions, "action");
		if (check_pos(ck, SEC_CLAUSES, o + 20, &c->pos) != 0)
			return -EINVAL;
	}
	return 0;
}

static int action_known(uint16_t kind)
{
#define KNOWN_(v, name, s) case v:
	switch (kind) {
	DIF_ACTIONS(KNOWN_)
		return 1;
	default:
		return 0;
	}
#undef KNOWN_
}

static int check_actions(const struct ck *ck)
{
	const struct dobj *obj = ck->obj;

	for (uint32_t i = 0; i < obj->nactions; i++) {
		const struct dobj_action *a = &obj->actions[i];
		uint64_t o = (uint64_t)i * ACTION_SIZE;

		if (!action_known(a->kind))
			return FAIL(ck, SEC_ACTIONS, o, "unknown action kind 0x%x", a->kind);
		INDEX(ck, SEC_ACTIONS, o + 16, a->difo, obj->ndifos, "action difo");
		INDEX(ck, SEC_ACTIONS, o + 20, a->format, obj->nformats, "action format");
		STR(ck, SEC_ACTIONS, o + 24, a->str, "action string");
		if (check_pos(ck, SEC_ACTIONS, o + 28, &a->pos) != 0)
			return -EINVAL;
	}
	return 0;
}

/* Running positions of one DIFO's tables inside the shared sections. */
struct difo_base {
	uint64_t	text, ints, strs, vars, lines, rels;
};

static int check_type(const struct ck *ck, int sec, uint64_t off, const struct dif_type *t)
{
	if (t->dtdt_kind > DIF_TYPE_STRING)
		return FAIL(ck, sec, off, "DIF type kind %u is neither CTF nor string",
		    t->dtdt_kind);
	if (t->dtdt_flags & ~(DIF_TF_BYREF | DIF_TF_BYUREF))
		return FAIL(ck, sec, off, "unknown DIF type flags 0x%x", t->dtdt_flags);
	if (t->dtdt_pad != 0)
		return FAIL(ck, sec, off, "DIF type padding must be zero");
	return 0;
}

static int check_vars(const struct ck *ck, const struct dobj_difo *d, const struct difo_base *b)
{
	for (uint32_t j = 0; j < d->varlen; j++) {
		const struct dif_var *v = &d->vartab[j];
		uint64_t o = (b->vars + j) * VAR_SIZE;

		if (v->dtdv_name >= d->strlen)
			return FAIL(ck, SEC_VARS, o, "variable name offset %u outside the "
			    "DIFO string table (%u bytes)", v->dtdv_name, d->strlen);
		if (v->dtdv_kind > DIFV_KIND_SCALAR)
			return FAIL(ck, SEC_VARS, o + 8, "variable kind %u is invalid",
			    v->dtdv_kind);
		if (v->dtdv_scope > DIFV_SCOPE_LOCAL)
			return FAIL(ck, SEC_VARS, o + 9, "variable scope %u is invalid",
			    v->dtdv_scope);
		if (check_type(ck, SEC_VARS, o + 12, &v->dtdv_type) != 0)
			return -EINVAL;
	}
	return 0;
}

static int check_lines(const struct ck *ck, const struct dobj_difo *d, const struct difo_base *b)
{
	for (uint32_t j = 0; j < d->nlines; j++) {
		const struct dobj_line *l = &d->lines[j];
		uint64_t o = (b->lines + j) * LINE_SIZE;

		if (l->pc >= d->len)
			return FAIL(ck, SEC_LINES, o, "line entry pc %u outside the DIFO "
			    "(%u instructions)", l->pc, d->len);
		if (j > 0 && l->pc <= d->lines[j - 1].pc)
			return FAIL(ck, SEC_LINES, o, "line entries not in ascending pc order");
		if (check_pos(ck, SEC_LINES, o + 4, &l->pos) != 0)
			return -EINVAL;
	}
	return 0;
}

/* The pseudo-instruction a relocation kind belongs to. */
static uint8_t reloc_opcode(uint16_t kind)
{
	switch (kind) {
	case DIF_RELOC_MEMBER_OFFSET:
	case DIF_RELOC_TYPE_SIZE:
	case DIF_RELOC_MEMBER_SIZE:
	case DIF_RELOC_TYPE_EXISTS:	return DIF_OP_USETX;
	case DIF_RELOC_LOAD:		return DIF_OP_ULOAD;
	case DIF_RELOC_ULOAD:		return DIF_OP_UULOAD;
	case DIF_RELOC_CAST:		return DIF_OP_TYPECAST;
	case DIF_RELOC_STORE:		return DIF_OP_USTORE;
	default:			return 0;
	}
}

/* "args[N]", N a decimal argument index below 64. */
static bool is_arg_root(const char *s)
{
	unsigned n = 0;
	const char *p;

	if (strncmp(s, "args[", 5) != 0)
		return false;
	for (p = s + 5; *p >= '0' && *p <= '9' && p < s + 7; p++)
		n = n * 10 + (unsigned)(*p - '0');
	return p > s + 5 && p[0] == ']' && p[1] == '\0' && n < 64;
}

/*
 * The root flags (dif_reloc.h): a symbol root on member_offset (its
 * address), type_size, load, uload and store ("*sym", what it points to:
 * also member_size); an args[N] root on the member
 * kinds, load, uload and store; a built-in root ("curthread") on any kind
 * but cast; one root at most, a symbol root never with a bit-field flag.
 * GUARDED adds to any of these; a type_exists test takes no flag at all
 * (it names a type and never fails, so nothing can root or guard it).
 */
static int check_root(const struct ck *ck, const struct dif_reloc *r, uint64_t o)
{
	uint16_t f = r->dtr_flags & (uint16_t)~DIF_RELOC_F_GUARDED, k = r->dtr_kind;

	if (k == DIF_RELOC_TYPE_EXISTS && r->dtr_flags != 0)
		return FAIL(ck, SEC_RELA, o + 8, "a type_exists relocation takes no flags "
		    "(0x%x)", r->dtr_flags);

	if ((f & DIF_RELOC_F_BUILTIN) && (f & (DIF_RELOC_F_SYMBOL | DIF_RELOC_F_ARG)))
		return FAIL(ck, SEC_RELA, o + 8, "a relocation has one root flag at most "
		    "(0x%x)", f);
	if ((f & DIF_RELOC_F_BUILTIN) && k == DIF_RELOC_CAST)
		return FAIL(ck, SEC_RELA, o + 8, "a cast relocation cannot have a built-in root");
	if ((f & DIF_RELOC_F_BUILTIN) && strcmp(dobj__str(ck->obj, r->dtr_type), "curthread") != 0)
		return FAIL(ck, SEC_RELA, o + 12, "a built-in relocation root must name "
		    "curthread");

	if ((f & DIF_RELOC_F_SYMBOL) && (f & (DIF_RELOC_F_ARG | DIF_RELOC_F_BITFIELD)))
		return FAIL(ck, SEC_RELA, o + 8, "a symbol-rooted relocation takes no other "
		    "flags (0x%x)", f);
	bool deref = (f & DIF_RELOC_F_SYMBOL) && dobj__str(ck->obj, r->dtr_type)[0] == '*';
	if ((f & DIF_RELOC_F_SYMBOL) && k != DIF_RELOC_MEMBER_OFFSET &&
	    k != DIF_RELOC_TYPE_SIZE && k != DIF_RELOC_LOAD && k != DIF_RELOC_ULOAD &&
	    k != DIF_RELOC_STORE && !(deref && k == DIF_RELOC_MEMBER_SIZE))
		return FAIL(ck, SEC_RELA, o + 8, "relocation kind %u cannot have a symbol root", k);
	if (deref && k == DIF_RELOC_MEMBER_OFFSET && r->dtr_member == 0)
		return FAIL(ck, SEC_RELA, o + 16, "a *symbol-rooted member_offset needs a member");
	if ((f & DIF_RELOC_F_ARG) && (k == DIF_RELOC_TYPE_SIZE || k == DIF_RELOC_CAST))
		return FAIL(ck, SEC_RELA, o + 8, "relocation kind %u cannot have an args[] root",
		    k);
	if ((f & DIF_RELOC_F_ARG) && !is_arg_root(dobj__str(ck->obj, r->dtr_type)))
		return FAIL(ck, SEC_RELA, o + 12, "an args[] relocation root must read "
		    "args[N] (N < 64)");
	return 0;
}

static int check_relocs(const struct ck *ck, const struct dobj_difo *d, const struct difo_base *b)
{
	uint32_t npseudo = 0;

	for (uint32_t pc = 0; pc < d->len; pc++)
		npseudo += DIF_OP_IS_RELOCATABLE(DIF_INSTR_OP(d->text[pc]));
	if (ck->obj->kind == DOBJ_LINKED) {
		if (d->rellen != 0)
			return FAIL(ck, SEC_RELA, b->rels * RELA_SIZE,
			    "a linked object cannot hold relocations");
		if (npseudo != 0)
			return FAIL(ck, SEC_TEXT, b->text * TEXT_SIZE, "a linked object "
			    "cannot hold relocatable pseudo-instructions");
		return 0;
	}
	for (uint32_t j = 0; j < d->rellen; j++) {
		const struct dif_reloc *r = &d->reltab[j];
		uint64_t o = (b->rels + j) * RELA_SIZE;
		uint8_t op = reloc_opcode(r->dtr_kind);

		if (op == 0)
			return FAIL(ck, SEC_RELA, o + 8, "unknown relocation kind %u", r->dtr_kind);
		if (r->dtr_flags & ~DIF_RELOC_F_ALL)
			return FAIL(ck, SEC_RELA, o + 8, "unknown relocation flags 0x%x",
			    r->dtr_flags);
		if (r->dtr_pc >= d->len)
			return FAIL(ck, SEC_RELA, o, "relocation pc %u outside the DIFO "
			    "(%u instructions)", r->dtr_pc, d->len);
		if (j > 0 && r->dtr_pc <= d->reltab[j - 1].dtr_pc)
			return FAIL(ck, SEC_RELA, o, "relocations not in ascending pc order");
		if (DIF_INSTR_OP(d->text[r->dtr_pc]) != op)
			return FAIL(ck, SEC_RELA, o, "relocation kind %u at pc %u does not "
			    "sit on its pseudo-instruction (opcode %u found)", r->dtr_kind,
			    r->dtr_pc, DIF_INSTR_OP(d->text[r->dtr_pc]));
		if ((op == DIF_OP_USETX || op == DIF_OP_TYPECAST) &&
		    DIF_INSTR_RELOC(d->text[r->dtr_pc]) != j)
			return FAIL(ck, SEC_TEXT, (b->text + r->dtr_pc) * TEXT_SIZE, "%s at pc %u "
			    "names relocation %u, its relocation is %u", op == DIF_OP_USETX ?
			    "usetx" : "typecast", r->dtr_pc, DIF_INSTR_RELOC(d->text[r->dtr_pc]), j);
		NAME(ck, SEC_RELA, o + 8, r->dtr_type, "relocation type");
		STR(ck, SEC_RELA, o + 16, r->dtr_member, "relocation member");
		if (check_root(ck, r, o) != 0)
			return -EINVAL;
		if ((r->dtr_kind == DIF_RELOC_MEMBER_SIZE || (r->dtr_kind ==
		    DIF_RELOC_MEMBER_OFFSET && !(r->dtr_flags & DIF_RELOC_F_SYMBOL))) &&
		    r->dtr_member == 0)
			return FAIL(ck, SEC_RELA, o + 16, "relocation kind %u needs a member",
			    r->dtr_kind);
		if (r->dtr_kind == DIF_RELOC_TYPE_SIZE && r->dtr_member != 0)
			return FAIL(ck, SEC_RELA, o + 16, "a type-size relocation has no member");
	}
	if (npseudo != d->rellen)
		return FAIL(ck, SEC_TEXT, b->text * TEXT_SIZE, "%u pseudo-instructions but "
		    "%u relocations: each needs exactly one", npseudo, d->rellen);
	return 0;
}

static int check_difo(const struct ck *ck, uint32_t i, const struct difo_base *b)
{
	const struct dobj_difo *d = &ck->obj->difos[i];
	uint64_t o = (uint64_t)i * DIFO_SIZE;

	if ((d->len && !d->text) || (d->intlen && !d->inttab) || (d->strlen && !d->strtab) ||
	    (d->varlen && !d->vartab) || (d->rellen && !d->reltab) || (d->nlines && !d->lines))
		return FAIL(ck, SEC_DIFOS, o, "difo %u: a table has a length but no data", i);
	if (d->flags & ~DOBJ_DIFO_F_DESTRUCTIVE)
		return FAIL(ck, SEC_DIFOS, o + 44, "difo %u: unknown flags 0x%x", i, d->flags);
	if (check_type(ck, SEC_DIFOS, o + 48, &d->rtype) != 0)
		return -EINVAL;
	if (d->strlen > 0 && d->strtab[d->strlen - 1] != '\0')
		return FAIL(ck, SEC_STRS, b->strs + d->strlen - 1,
		    "difo %u: DIF string table is not NUL-terminated", i);
	if (check_vars(ck, d, b) != 0 || check_lines(ck, d, b) != 0)
		return -EINVAL;
	return check_relocs(ck, d, b);
}

static int check_difos(const struct ck *ck)
{
	struct difo_base b = { 0 };

	for (uint32_t i = 0; i < ck->obj->ndifos; i++) {
		const struct dobj_difo *d = &ck->obj->difos[i];

		if (check_difo(ck, i, &b) != 0)
			return -EINVAL;
		b.text += d->len;
		b.ints += d->intlen;
		b.strs += d->strlen;
		b.vars += d->varlen;
		b.lines += d->nlines;
		b.rels += d->rellen;
		if (b.text > UINT32_MAX / TEXT_SIZE || b.ints > UINT32_MAX ||
		    b.strs > UINT32_MAX || b.vars > UINT32_MAX || b.lines > UINT32_MAX ||
		    b.rels > UINT32_MAX)
			return FAIL(ck, SEC_DIFOS, (uint64_t)i * DIFO_SIZE,
			    "difo %u: tables exceed the 32-bit format limits", i);
	}
	return 0;
}

static int check_formats(const struct ck *ck)
{
	for (uint32_t i = 0; i < ck->obj->nformats; i++) {
		const struct dobj_format *f = &ck->obj->formats[i];
		uint64_t o = (uint64_t)i * FORMAT_SIZE;

		STR(ck, SEC_FORMATS, o, f->str, "format string");
		if (!action_known(f->kind))
			return FAIL(ck, SEC_FORMATS, o + 4, "unknown action kind 0x%x", f->kind);
		if (f->pad != 0)
			return FAIL(ck, SEC_FORMATS, o + 6, "format padding must be zero");
	}
	return 0;
}

static int check_aggs(const struct ck *ck)
{
	for (uint32_t i = 0; i < ck->obj->naggs; i++) {
		const struct dobj_agg *a = &ck->obj->aggs[i];
		uint64_t o = (uint64_t)i * AGG_SIZE;

		NAME(ck, SEC_AGGS, o, a->name, "aggregation name");
		if (a->func < DIF_ACT_COUNT || a->func > DIF_ACT_LLQUANTIZE)
			return FAIL(ck, SEC_AGGS, o + 8, "aggregation function 0x%x is not "
			    "an aggregating action", a->func);
		STR(ck, SEC_AGGS, o + 12, a->keytypes, "aggregation key types");
		STR(ck, SEC_AGGS, o + 24, a->valtype, "aggregation value type");
	}
	return 0;
}

/* Options and metadata: a non-empty name and an optional value. */
static int check_pair(const struct ck *ck, int sec, uint32_t i, uint32_t name, uint32_t value,
    const char *what)
{
	uint64_t o = (uint64_t)i * 8;

	NAME(ck, sec, o, name, what);
	STR(ck, sec, o + 4, value, what);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int check_symbols(const struct ck *ck)
{
	const struct dobj *obj = ck->obj;
	uint64_t *keys;

	for (uint32_t i = 0; i < obj->nsymbols; i++) {
		const struct dobj_symbol *s = &obj->symbols[i];
		uint64_t o = (uint64_t)i * SYMBOL_SIZE;

		NAME(ck, SEC_SYMBOLS, o, s->name, "symbol name");
		if (s->kind < DOBJ_SYM_GLOBAL || s->kind > DOBJ_SYM_AGG)
			return FAIL(ck, SEC_SYMBOLS, o + 4, "symbol kind %u is invalid", s->kind);
		if (s->varkind > DIFV_KIND_SCALAR)
			return FAIL(ck, SEC_SYMBOLS, o + 6, "symbol variable kind %u is invalid",
			    s->varkind);
		STR(ck, SEC_SYMBOLS, o + 12, s->ctype, "symbol type");
		STR(ck, SEC_SYMBOLS, o + 16, s->keytypes, "symbol key types");
		if (check_type(ck, SEC_SYMBOLS, o + 20, &s->type) != 0)
			return -EINVAL;
	}
	if (obj->nsymbols < 2)
		return 0;
	keys = malloc(obj->nsymbols * sizeof(*keys));
	if (keys == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < obj->nsymbols; i++)
		keys[i] = (uint64_t)obj->symbols[i].kind << 32 | obj->symbols[i].name;
	qsort(keys, obj->nsymbols, sizeof(*keys), cmp_u64);
	for (uint32_t i = 1; i < obj->nsymbols; i++) {
		if (keys[i] == keys[i - 1]) {
			uint32_t name = (uint32_t)keys[i];
			uint16_t kind = (uint16_t)(keys[i] >> 32);
			free(keys);
			return FAIL(ck, SEC_SYMBOLS, 0, "symbol %s%s defined twice",
			    dobj_sym_prefix(kind), obj->strtab + name);
		}
	}
	free(keys);
	return 0;
}

int dobj_check_at(const struct dobj *obj, const uint64_t *secoff, struct dobj_err *err)
{
	struct ck ck = { obj, secoff, err };
	int rc;

	if (obj->kind != DOBJ_RELOCATABLE && obj->kind != DOBJ_LINKED)
		return FAIL(&ck, SEC_HEADER, HDR_OFF_KIND, "object kind %d is invalid",
		    (int)obj->kind);
	if (obj->nsrcidents > 0 && obj->srcidents == NULL)
		return FAIL(&ck, SEC_SRCIDENTS, 0, "source identities missing");
	if ((rc = check_strtab(&ck)) != 0 || (rc = check_probes(&ck)) != 0 ||
	    (rc = check_clauses(&ck)) != 0 || (rc = check_actions(&ck)) != 0 ||
	    (rc = check_difos(&ck)) != 0 || (rc = check_formats(&ck)) != 0 ||
	    (rc = check_aggs(&ck)) != 0)
		return rc;
	for (uint32_t i = 0; i < obj->noptions; i++)
		if ((rc = check_pair(&ck, SEC_OPTIONS, i, obj->options[i].name,
		    obj->options[i].value, "option")) != 0)
			return rc;
	for (uint32_t i = 0; i < obj->nmeta; i++)
		if ((rc = check_pair(&ck, SEC_META, i, obj->meta[i].key,
		    obj->meta[i].value, "meta")) != 0)
			return rc;
	return check_symbols(&ck);
}

int dobj__check(const struct dobj *obj, struct dobj_err *err)
{
	if (obj == NULL)
		return -EINVAL;
	return dobj_check_at(obj, NULL, err);
}
