/*
 * dasm_asm.c — the DIF assembler: text in, `struct dobj` out.
 *
 * Theory.  The input is a sequence of lines (docs/dif-assembly.md).  Each
 * line is lexed whole (dasm_lex.c), then parsed by the handler of its first
 * word: a directive (`.difo`, `.clause`, `.action`, ...), a label (`name:`),
 * or an instruction mnemonic looked up in DIF_OPCODES.  A line of a
 * `dtrace -S` listing is accepted as is: its "NN:" offset and 8-digit hex
 * word columns are skipped before lexing, and `!` comments are ignored.
 *
 * State.  Object-level elements are appended to the object as they are
 * read, so indexes follow text order — which is what makes the
 * disassembler's output re-assemble to identical arrays.  A DIFO is built
 * in a `struct difo_b` and copied into the object at its `.end`, when the
 * things that may be written before they are defined are resolved: branch
 * labels, variable names, table indexes, default variable flags.  Names of
 * DIFOs and formats used by clauses and actions are resolved at the end of
 * the input.
 *
 * Errors.  Every error is reported as file:line:col through the sink and
 * abandons the rest of its line; assembly goes on to find more errors (up to
 * DASM_MAX_ERRORS) but produces no object.  Nothing here exits or prints.
 *
 * Validation.  Each finished DIFO is checked by the DIF validator
 * (runtime-kernel/dvm_validate.h) — relocatable rules for a relocatable object,
 * linked rules otherwise — and each violation is reported at the line of
 * the instruction, variable or relocation it concerns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm_hash.h"
#include "dasm_impl.h"
#include "dasm_lex.h"

#include "dvm_validate.h"

/* A name used before (or without) its definition, resolved later. */
enum fix_kind {
	FIX_BRANCH,	/* branch to a label */
	FIX_VAR,	/* variable operand by name */
	FIX_INTIDX,	/* setx DT_INTEGER[n]: n < intlen */
	FIX_STROFF,	/* sets DT_STRING[n]: n < strlen */
	FIX_RELIDX,	/* usetx DT_RELOC[n]: n < rellen */
	FIX_BRANCH_PC	/* numeric branch target: < len */
};

struct fixup {
	enum fix_kind	kind;
	uint32_t	pc;
	char		*name;
	uint32_t	value;
	unsigned	line, col;
};

struct label {
	char		*name;
	uint32_t	pc;
	unsigned	line;
};

/* A DIFO under construction. */
struct difo_b {
	bool		open;
	bool		dup;		/* its name was already taken (reported) */
	char		*name;
	unsigned	line;
	dif_instr_t	*text;	uint32_t len, textcap;
	unsigned	*text_line;	uint32_t tlcap;	/* source line of each instruction */
	unsigned	*text_col;	uint32_t tccap;	/* ... and column of its mnemonic */
	uint64_t	*ints;	uint32_t nints, intcap;
	char		*str;	uint32_t strlen, strcap;
	uint32_t	*starts; uint32_t nstarts, startcap;	/* terminated pieces */
	struct dif_var	*vars;	uint32_t nvars, varcap;
	unsigned	*var_line;	uint32_t vlcap;
	bool		*var_flags_given; uint32_t vfcap;
	struct dif_reloc *rels; uint32_t nrels, relcap;
	unsigned	*rel_line;	uint32_t rlcap;
	struct dobj_line *lines; uint32_t nlines, linecap;
	unsigned	*line_line;	uint32_t llcap;	/* source line of each .line */
	struct label	*labels; uint32_t nlabels, labelcap;
	struct dasm_hidx label_idx, int_idx, str_idx;	/* first of each name/value */
	struct dasm_hidx var_idx;	/* (name, scope) -> first .var, built at .end */
	struct fixup	*fix;	uint32_t nfix, fixcap;
	struct dif_type	rtype;
	uint32_t	flags;
};

/* A named DIFO or format. */
struct named {
	char		*name;
	uint32_t	index;
};

/* A reference from an action or clause to a DIFO or format by name/index. */
enum ref_kind { REF_ACTION_DIFO, REF_ACTION_FORMAT, REF_CLAUSE_PRED };
struct ref {
	enum ref_kind	kind;
	uint32_t	owner;
	char		*name;		/* NULL: numeric */
	uint32_t	num;
	unsigned	line, col;
};

/* Object-wide user variable ids by (name, scope). */
struct varid {
	char		*name;
	uint8_t		scope;
	uint32_t	id;
};

struct clause_b {
	bool		open;
	int		index;
	unsigned	line;
	uint32_t	nprobes0, nactions0;	/* counts when the block opened */
	bool		explicit_probes, explicit_actions;
	unsigned	explicit_line, explicit_col;
};

struct asm_state {
	const char	*file;
	struct dasm_sink *sink;
	struct dobj	*obj;
	unsigned	lineno;
	bool		line_failed;
	bool		enomem;
	bool		kind_given;
	struct dasm_line lx;
	unsigned	pos;		/* parser: index of the next token */
	unsigned	instr_col;	/* column of the current line's mnemonic */

	struct difo_b	d;
	struct clause_b	c;
	struct named	*difos;	uint32_t ndifos, difocap;
	struct named	*fmts;	uint32_t nfmts, fmtcap;
	struct ref	*refs;	uint32_t nrefs, refcap;
	struct varid	*ids;	uint32_t nids, idcap;
	struct dasm_hidx id_idx, difo_idx, fmt_idx;
	uint32_t	next_id[256];	/* per scope: above every id seen, 0 = 0x500 */
	/* explicit clause ranges, checked at the end: */
	struct { uint32_t clause; unsigned line, col; } *ranges;
	uint32_t	nranges, rangecap;
};

/* ------------------------------------------------------------------ */
/* Diagnostics and memory                                             */

static void report(struct asm_state *st, unsigned line, unsigned col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(struct asm_state *st, unsigned line, unsigned col,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	st->line_failed = true;
	if (st->sink == NULL)
		return;
	st->sink->nerrors++;
	if (st->sink->report == NULL || st->sink->nerrors > DASM_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->sink->report(st->sink->ctx, st->file, line, col, msg);
}

#define ERR(st, col, ...)	report((st), (st)->lineno, (col), __VA_ARGS__)

/* Make room for `need` elements of size elem in *arr (capacity *cap). */
static bool grow(struct asm_state *st, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	uint32_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > (1u << 28)) {
			st->enomem = true;
			return false;
		}
		ncap *= 2;
	}
	void *na = realloc(*arr, (size_t)ncap * elem);
	if (na == NULL) {
		st->enomem = true;
		return false;
	}
	*arr = na;
	*cap = ncap;
	return true;
}

#define GROW(st, arr, cap, need) \
	grow((st), (void **)&(arr), &(cap), (need), sizeof(*(arr)))

static char *xstrdup(struct asm_state *st, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		st->enomem = true;
	return p;
}

static uint32_t intern(struct asm_state *st, const char *s)
{
	uint32_t off = dobj__intern(st->obj, s);

	if (off == 0 && *s != '\0')
		st->enomem = true;
	return off;
}

/* ------------------------------------------------------------------ */
/* Token access                                                       */

static const struct dasm_tok *peek(struct asm_state *st)
{
	return &st->lx.toks[st->pos];
}

static const struct dasm_tok *next(struct asm_state *st)
{
	const struct dasm_tok *t = &st->lx.toks[st->pos];

	if (t->kind != TK_END)
		st->pos++;
	return t;
}

static bool is_punct(const struct dasm_tok *t, char c)
{
	return t->kind == TK_PUNCT && t->punct == c;
}

static bool is_ident(const struct dasm_tok *t, const char *s)
{
	return t->kind == TK_IDENT && strcmp(t->text, s) == 0;
}

static const char *describe(const struct dasm_tok *t)
{
	switch (t->kind) {
	case TK_END: return "end of line";
	case TK_IDENT: return "a name";
	case TK_NUM: return "a number";
	case TK_STR: return "a string";
	case TK_REG: return "a register";
	default: return "punctuation";
	}
}

static bool expect_punct(struct asm_state *st, char c)
{
	const struct dasm_tok *t = peek(st);

	if (is_punct(t, c)) {
		next(st);
		return true;
	}
	if (t->kind == TK_PUNCT)
		ERR(st, t->col, "expected '%c', found '%c'", c, t->punct);
	else
		ERR(st, t->col, "expected '%c', found %s", c, describe(t));
	return false;
}

static bool expect_end(struct asm_state *st)
{
	const struct dasm_tok *t = peek(st);

	if (t->kind == TK_END)
		return true;
	ERR(st, t->col, "unexpected %s at the end of the line", describe(t));
	return false;
}

/* NUM within [0, max]; negative numbers are accepted only if allow_neg. */
static bool get_num(struct asm_state *st, uint64_t max, bool allow_neg, uint64_t *out)
{
	const struct dasm_tok *t = next(st);

	if (t->kind != TK_NUM) {
		ERR(st, t->col, "expected a number, found %s", describe(t));
		return false;
	}
	if (t->neg && !allow_neg) {
		ERR(st, t->col, "a negative number is not allowed here");
		return false;
	}
	if (!t->neg && t->num > max) {
		ERR(st, t->col, "%llu is out of range (at most %llu)",
		    (unsigned long long)t->num, (unsigned long long)max);
		return false;
	}
	*out = t->num;
	return true;
}

static bool get_u32(struct asm_state *st, uint64_t max, uint32_t *out)
{
	uint64_t v;

	if (!get_num(st, max, false, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A name: identifier or string.  Returns the text (valid for this line). */
static const char *get_name(struct asm_state *st, const char *what)
{
	const struct dasm_tok *t = next(st);

	if (t->kind == TK_IDENT || t->kind == TK_STR)
		return t->text;
	ERR(st, t->col, "expected %s, found %s", what, describe(t));
	return NULL;
}

static const char *get_string(struct asm_state *st)
{
	const struct dasm_tok *t = next(st);

	if (t->kind == TK_STR)
		return t->text;
	ERR(st, t->col, "expected a string, found %s", describe(t));
	return NULL;
}

/* A register %r0..%r7. */
static bool get_reg(struct asm_state *st, uint8_t *r)
{
	const struct dasm_tok *t = next(st);

	if (t->kind != TK_REG) {
		ERR(st, t->col, "expected a register, found %s", describe(t));
		return false;
	}
	if (t->num >= DIF_DIR_NREGS) {
		ERR(st, t->col, "register %%r%llu out of range (registers are %%r0 .. %%r7)",
		    (unsigned long long)t->num);
		return false;
	}
	*r = (uint8_t)t->num;
	return true;
}

/* A name from one of the dasm_names tables, or a number up to max. */
static bool get_named(struct asm_state *st, enum dasm_table tab, const char *what,
    uint64_t max, uint64_t *out)
{
	const struct dasm_tok *t = peek(st);

	if (t->kind == TK_NUM)
		return get_num(st, max, false, out);
	if (t->kind == TK_IDENT) {
		long v = dasm_name_lookup(tab, t->text);

		if (v < 0 || (uint64_t)v > max) {
			ERR(st, t->col, "unknown %s '%s'", what, t->text);
			return false;
		}
		next(st);
		*out = (uint64_t)v;
		return true;
	}
	ERR(st, t->col, "expected %s, found %s", what, describe(t));
	next(st);
	return false;
}

/* POS := STRING ':' NUM ':' NUM */
static bool get_pos(struct asm_state *st, struct dobj_srcpos *pos)
{
	const char *file = get_string(st);

	if (file == NULL || !expect_punct(st, ':') ||
	    !get_u32(st, UINT32_MAX, &pos->line) || !expect_punct(st, ':') ||
	    !get_u32(st, UINT32_MAX, &pos->col))
		return false;
	pos->file = intern(st, file);
	return true;
}

/*
 * TYPE := KIND ':' CKIND { ':' FLAG } ':' SIZE
 * KIND := ctf | string | NUM;  CKIND := unknown | integer | ... | NUM
 * FLAG := byref | byuref | flags '=' NUM | pad '=' NUM
 */
static bool get_type(struct asm_state *st, struct dif_type *ty)
{
	uint64_t v;

	memset(ty, 0, sizeof(*ty));
	if (!get_named(st, DASM_T_TKIND, "type kind", 0xff, &v))
		return false;
	ty->dtdt_kind = (uint8_t)v;
	if (!expect_punct(st, ':') || !get_named(st, DASM_T_CKIND, "CTF kind", 0xff, &v))
		return false;
	ty->dtdt_ckind = (uint8_t)v;
	for (;;) {
		if (!expect_punct(st, ':'))
			return false;
		const struct dasm_tok *t = peek(st);

		if (t->kind == TK_NUM)
			break;
		if (is_ident(t, "byref")) {
			ty->dtdt_flags |= DIF_TF_BYREF;
			next(st);
		} else if (is_ident(t, "byuref")) {
			ty->dtdt_flags |= DIF_TF_BYUREF;
			next(st);
		} else if (is_ident(t, "flags") || is_ident(t, "pad")) {
			bool pad = is_ident(t, "pad");

			next(st);
			if (!expect_punct(st, '=') || !get_num(st, 0xff, false, &v))
				return false;
			if (pad)
				ty->dtdt_pad = (uint8_t)v;
			else
				ty->dtdt_flags |= (uint8_t)v;
		} else {
			ERR(st, t->col, "expected a type flag (byref, byuref) or the size");
			return false;
		}
	}
	return get_u32(st, UINT32_MAX, &ty->dtdt_size);
}

/* ------------------------------------------------------------------ */
/* Object-wide variable ids                                           */

struct varkey {
	const char	*name;
	unsigned	scope;
};

static uint64_t varid_hash(const void *ctx, uint32_t i)
{
	const struct asm_state *st = ctx;

	return dasm_hash_str(st->ids[i].name) ^ st->ids[i].scope;
}

static bool varid_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct asm_state *st = ctx;
	const struct varkey *k = key;

	return st->ids[i].scope == k->scope && strcmp(st->ids[i].name, k->name) == 0;
}

static struct varid *varid_find(struct asm_state *st, const char *name, unsigned scope)
{
	struct varkey k = { name, scope };
	long i = dasm_hidx_find(&st->id_idx, dasm_hash_str(name) ^ scope, varid_eq, st, &k);

	return i < 0 ? NULL : &st->ids[i];
}

static void varid_note(struct asm_state *st, const char *name, unsigned scope, uint32_t id)
{
	if (varid_find(st, name, scope) != NULL || !GROW(st, st->ids, st->idcap, st->nids + 1))
		return;
	char *n = xstrdup(st, name);
	if (n == NULL)
		return;
	st->ids[st->nids] = (struct varid){ n, (uint8_t)scope, id };
	if (dasm_hidx_add(&st->id_idx, dasm_hash_str(name) ^ scope, st->nids, varid_hash, st) != 0) {
		free(n);
		st->enomem = true;
		return;
	}
	st->nids++;
	if (id >= DIF_VAR_OTHER_UBASE && id < 0xffff && id + 1 > st->next_id[scope & 0xff])
		st->next_id[scope & 0xff] = id + 1;
}

/* The id of user variable (name, scope): known, or one above every id seen. */
static uint32_t varid_get(struct asm_state *st, const char *name, unsigned scope)
{
	struct varid *v = varid_find(st, name, scope);
	uint32_t id = st->next_id[scope & 0xff];

	if (v != NULL)
		return v->id;
	if (id == 0)
		id = DIF_VAR_OTHER_UBASE;
	varid_note(st, name, scope, id);
	return id;
}

/* ------------------------------------------------------------------ */
/* DIFO building                                                      */

static void difo_reset(struct difo_b *d)
{
	free(d->name);
	free(d->text);
	free(d->text_line);
	free(d->text_col);
	free(d->ints);
	free(d->str);
	free(d->starts);
	free(d->vars);
	free(d->var_line);
	free(d->var_flags_given);
	free(d->rels);
	free(d->rel_line);
	free(d->lines);
	free(d->line_line);
	for (uint32_t i = 0; i < d->nlabels; i++)
		free(d->labels[i].name);
	free(d->labels);
	dasm_hidx_free(&d->label_idx);
	dasm_hidx_free(&d->int_idx);
	dasm_hidx_free(&d->str_idx);
	dasm_hidx_free(&d->var_idx);
	for (uint32_t i = 0; i < d->nfix; i++)
		free(d->fix[i].name);
	free(d->fix);
	memset(d, 0, sizeof(*d));
}

static uint64_t str_hash(const void *ctx, uint32_t i)
{
	const struct difo_b *d = ctx;

	return dasm_hash_str(d->str + d->starts[i]);
}

static bool str_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct difo_b *d = ctx;

	return strcmp(d->str + d->starts[i], key) == 0;
}

/* Append bytes (and a NUL when terminated) to the DIFO string table. */
static long difo_str_append(struct asm_state *st, const char *s, size_t n, bool terminated)
{
	struct difo_b *d = &st->d;
	uint64_t need = (uint64_t)d->strlen + n + (terminated ? 1 : 0);

	if (need > (1u << 24)) {
		ERR(st, 1, "DIFO string table is too large");
		return -1;
	}
	if (need == d->strlen)
		return d->strlen;	/* an empty .strraw: nothing to add */
	if (!GROW(st, d->str, d->strcap, (uint32_t)need))
		return -1;
	uint32_t off = d->strlen;
	memcpy(d->str + off, s, n);
	if (terminated) {
		d->str[off + n] = '\0';
		if (!GROW(st, d->starts, d->startcap, d->nstarts + 1))
			return -1;
		d->starts[d->nstarts] = off;
		/* index the first copy of each string only: lookups find the first */
		if (dasm_hidx_find(&d->str_idx, dasm_hash_str(d->str + off), str_eq, d,
		    d->str + off) < 0 &&
		    dasm_hidx_add(&d->str_idx, dasm_hash_str(d->str + off), d->nstarts,
		    str_hash, d) != 0) {
			st->enomem = true;
			return -1;
		}
		d->nstarts++;
	}
	d->strlen = (uint32_t)need;
	return off;
}

/* The first terminated piece equal to s, else append it ("" first). */
static long difo_str_intern(struct asm_state *st, const char *s)
{
	struct difo_b *d = &st->d;

	long i = dasm_hidx_find(&d->str_idx, dasm_hash_str(s), str_eq, d, s);

	if (i >= 0)
		return d->starts[i];
	if (d->strlen == 0 && *s != '\0' && difo_str_append(st, "", 0, true) < 0)
		return -1;
	return difo_str_append(st, s, strlen(s), true);
}

static uint64_t int_hash(const void *ctx, uint32_t i)
{
	const struct difo_b *d = ctx;

	return dasm_hash_u64(d->ints[i]);
}

static bool int_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct difo_b *d = ctx;

	return d->ints[i] == *(const uint64_t *)key;
}

/* Append v to the integer table (indexing its first occurrence). */
static long difo_int_append(struct asm_state *st, uint64_t v)
{
	struct difo_b *d = &st->d;

	if (!GROW(st, d->ints, d->intcap, d->nints + 1))
		return -1;
	d->ints[d->nints] = v;
	if (dasm_hidx_find(&d->int_idx, dasm_hash_u64(v), int_eq, d, &v) < 0 &&
	    dasm_hidx_add(&d->int_idx, dasm_hash_u64(v), d->nints, int_hash, d) != 0) {
		st->enomem = true;
		return -1;
	}
	return d->nints++;
}

/* The first integer-table entry equal to v, else a new one. */
static long difo_int_intern(struct asm_state *st, uint64_t v)
{
	struct difo_b *d = &st->d;
	long i = dasm_hidx_find(&d->int_idx, dasm_hash_u64(v), int_eq, d, &v);

	return i >= 0 ? i : difo_int_append(st, v);
}

static bool add_fixup(struct asm_state *st, enum fix_kind kind, const char *name,
    uint32_t value, unsigned col)
{
	struct difo_b *d = &st->d;

	if (!GROW(st, d->fix, d->fixcap, d->nfix + 1))
		return false;
	struct fixup *f = &d->fix[d->nfix];
	f->kind = kind;
	f->pc = d->len;
	f->value = value;
	f->line = st->lineno;
	f->col = col;
	f->name = NULL;
	if (name != NULL && (f->name = xstrdup(st, name)) == NULL)
		return false;
	d->nfix++;
	return true;
}

static bool emit(struct asm_state *st, dif_instr_t w)
{
	struct difo_b *d = &st->d;

	if (d->len >= (1u << 24)) {
		ERR(st, 1, "DIFO text is too long");
		return false;
	}
	if (!GROW(st, d->text, d->textcap, d->len + 1) ||
	    !GROW(st, d->text_line, d->tlcap, d->len + 1) ||
	    !GROW(st, d->text_col, d->tccap, d->len + 1))
		return false;
	d->text_col[d->len] = st->instr_col;
	d->text[d->len] = w;
	d->text_line[d->len] = st->lineno;
	d->len++;
	return true;
}

static bool add_reloc(struct asm_state *st, uint32_t pc, const struct dif_reloc *r)
{
	struct difo_b *d = &st->d;

	if (d->nrels > 0xffff) {
		ERR(st, 1, "too many relocations in one DIFO");
		return false;
	}
	if (!GROW(st, d->rels, d->relcap, d->nrels + 1) ||
	    !GROW(st, d->rel_line, d->rlcap, d->nrels + 1))
		return false;
	d->rels[d->nrels] = *r;
	d->rels[d->nrels].dtr_pc = pc;
	d->rel_line[d->nrels] = st->lineno;
	d->nrels++;
	return true;
}

/*
 * RELOC := KIND '(' STRING [ ',' STRING ] [ ',' RFLAGS ] ')'
 * KIND   := member_offset | type_size | member_size | load | uload | cast | store
 *         | type_exists | NUM
 * RFLAGS := bitfield | symbol | arg | builtin | guarded | NUM
 */
static bool get_reloc(struct asm_state *st, struct dif_reloc *r)
{
	uint64_t v;

	memset(r, 0, sizeof(*r));
	if (!get_named(st, DASM_T_RELOC, "relocation kind", 0xffff, &v))
		return false;
	r->dtr_kind = (uint16_t)v;
	if (!expect_punct(st, '('))
		return false;
	const char *type = get_string(st);
	if (type == NULL)
		return false;
	r->dtr_type = intern(st, type);
	while (is_punct(peek(st), ',')) {
		next(st);
		const struct dasm_tok *t = peek(st);

		if (t->kind == TK_STR) {
			r->dtr_member = intern(st, t->text);
			next(st);
		} else if (is_ident(t, "bitfield")) {
			r->dtr_flags |= DIF_RELOC_F_BITFIELD;
			next(st);
		} else if (is_ident(t, "symbol")) {
			r->dtr_flags |= DIF_RELOC_F_SYMBOL;
			next(st);
		} else if (is_ident(t, "arg")) {
			r->dtr_flags |= DIF_RELOC_F_ARG;
			next(st);
		} else if (is_ident(t, "builtin")) {
			r->dtr_flags |= DIF_RELOC_F_BUILTIN;
			next(st);
		} else if (is_ident(t, "guarded")) {
			r->dtr_flags |= DIF_RELOC_F_GUARDED;
			next(st);
		} else if (t->kind == TK_NUM) {
			if (!get_num(st, 0xffff, false, &v))
				return false;
			r->dtr_flags |= (uint16_t)v;
		} else {
			ERR(st, t->col, "expected a member path string or relocation flags");
			return false;
		}
	}
	return expect_punct(st, ')');
}

static bool at_reloc_expr(struct asm_state *st)
{
	const struct dasm_tok *t = peek(st);

	return t->kind == TK_IDENT && dasm_name_lookup(DASM_T_RELOC, t->text) >= 0 &&
	    is_punct(&st->lx.toks[st->pos + 1], '(');
}

/* INDEXED := NAME '[' NUM ']' | NAME '(' NUM ')' — e.g. DT_INTEGER[3] */
static bool get_indexed(struct asm_state *st, char open, uint64_t max, uint64_t *out)
{
	next(st);
	if (!expect_punct(st, open) || !get_num(st, max, false, out))
		return false;
	return expect_punct(st, open == '[' ? ']' : ')');
}

/* Variable operand: DT_VAR(n) | NUM | name (resolved at the DIFO's end). */
static bool get_var(struct asm_state *st, uint64_t max, uint32_t *id)
{
	const struct dasm_tok *t = peek(st);
	uint64_t v;

	if (is_ident(t, "DT_VAR")) {
		if (!get_indexed(st, '(', max, &v))
			return false;
		*id = (uint32_t)v;
		return true;
	}
	if (t->kind == TK_NUM) {
		if (!get_num(st, max, false, &v))
			return false;
		*id = (uint32_t)v;
		return true;
	}
	if (t->kind == TK_IDENT || t->kind == TK_STR) {
		*id = 0;
		next(st);
		return add_fixup(st, FIX_VAR, t->text, 0, t->col);
	}
	ERR(st, t->col, "expected a variable, found %s", describe(t));
	return false;
}

static bool reject_reloc(struct asm_state *st, const struct dasm_op *op)
{
	if (!at_reloc_expr(st))
		return true;
	ERR(st, peek(st)->col, "relocation on a non-pseudo instruction '%s' "
	    "(only usetx, uload, uuload, typecast and ustore take one)", op->name);
	return false;
}

/* The operands of one instruction, by form.  See enum dif_form in dif.h. */
static bool parse_instr(struct asm_state *st, const struct dasm_op *op)
{
	uint8_t r1 = 0, r2 = 0, rd = 0;
	uint64_t v;
	uint32_t idx = 0;
	const struct dasm_tok *t;
	struct dif_reloc rel;
	uint32_t pc = st->d.len;

	switch (op->form) {
	case DIF_FORM_NONE:
		break;
	case DIF_FORM_R3:
		if (!get_reg(st, &r1) || !expect_punct(st, ',') || !get_reg(st, &r2) ||
		    !expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		break;
	case DIF_FORM_R2:
		if (!get_reg(st, &r1) || !expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		break;
	case DIF_FORM_LOAD:
		if (!expect_punct(st, '[') || !get_reg(st, &r1) || !expect_punct(st, ']') ||
		    !expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		if (is_punct(peek(st), ',')) {
			const struct dasm_tok *c = next(st);

			if (!DIF_OP_IS_RELOCATABLE(op->num)) {
				if (reject_reloc(st, op))
					ERR(st, c->col, "unexpected ',' after the destination register");
				return false;
			}
			if (!get_reloc(st, &rel) || !add_reloc(st, pc, &rel))
				return false;
		}
		break;
	case DIF_FORM_STORE:
		if (!get_reg(st, &r1) || !expect_punct(st, ',') || !expect_punct(st, '[') ||
		    !get_reg(st, &rd) || !expect_punct(st, ']'))
			return false;
		if (is_punct(peek(st), ',')) {
			const struct dasm_tok *c = next(st);

			if (!DIF_OP_IS_RELOCATABLE(op->num)) {
				if (reject_reloc(st, op))
					ERR(st, c->col, "unexpected ',' after the address operand");
				return false;
			}
			if (!get_reloc(st, &rel) || !add_reloc(st, pc, &rel))
				return false;
		}
		break;
	case DIF_FORM_CMP:
		if (!get_reg(st, &r1) || !expect_punct(st, ',') || !get_reg(st, &r2))
			return false;
		break;
	case DIF_FORM_TST:
		if (!get_reg(st, &r1))
			return false;
		break;
	case DIF_FORM_RET:
		if (!get_reg(st, &rd))
			return false;
		break;
	case DIF_FORM_BRANCH:
		t = peek(st);
		if (t->kind == TK_NUM) {
			if (!get_num(st, DIF_LABEL_MAX, false, &v))
				return false;
			if (v <= pc) {
				ERR(st, t->col, "backward branch to pc %llu (DIF branches only go forward)",
				    (unsigned long long)v);
				return false;
			}
			idx = (uint32_t)v;
			if (!add_fixup(st, FIX_BRANCH_PC, NULL, idx, t->col))
				return false;
		} else if (t->kind == TK_IDENT) {
			next(st);
			if (!add_fixup(st, FIX_BRANCH, t->text, 0, t->col))
				return false;
		} else {
			ERR(st, t->col, "expected a label or a target pc, found %s", describe(t));
			return false;
		}
		return expect_end(st) && emit(st, DIF_INSTR_BRANCH(op->num, idx));
	case DIF_FORM_SETX:
		t = peek(st);
		if (!reject_reloc(st, op))
			return false;
		if (is_ident(t, "DT_INTEGER")) {
			if (!get_indexed(st, '[', 0xffff, &v) ||
			    !add_fixup(st, FIX_INTIDX, NULL, (uint32_t)v, t->col))
				return false;
			idx = (uint32_t)v;
		} else {
			long i;

			if (!get_num(st, UINT64_MAX, true, &v) || (i = difo_int_intern(st, v)) < 0)
				return false;
			if (i > 0xffff) {
				ERR(st, t->col, "integer table is full (65536 entries)");
				return false;
			}
			idx = (uint32_t)i;
		}
		if (!expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, idx, rd));
	case DIF_FORM_SETS:
		t = peek(st);
		if (is_ident(t, "DT_STRING")) {
			if (!get_indexed(st, '[', 0xffff, &v) ||
			    !add_fixup(st, FIX_STROFF, NULL, (uint32_t)v, t->col))
				return false;
			idx = (uint32_t)v;
		} else if (t->kind == TK_STR) {
			long off;

			next(st);
			if ((off = difo_str_intern(st, t->text)) < 0)
				return false;
			if (off > 0xffff) {
				ERR(st, t->col, "string table offset %ld is out of range (at most 65535)", off);
				return false;
			}
			idx = (uint32_t)off;
		} else {
			ERR(st, t->col, "expected a string or DT_STRING[offset], found %s", describe(t));
			return false;
		}
		if (!expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, idx, rd));
	case DIF_FORM_CALL:
		t = peek(st);
		if (is_ident(t, "DIF_SUBR")) {
			if (!get_indexed(st, '(', 0xffff, &v))
				return false;
		} else if (!get_named(st, DASM_T_SUBR, "subroutine", 0xffff, &v)) {
			return false;
		}
		if (!expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, v, rd));
	case DIF_FORM_LDV:
		if (!get_var(st, 0xffff, &idx) || !expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, idx, rd));
	case DIF_FORM_STV:
		if (!get_reg(st, &rd) || !expect_punct(st, ',') || !get_var(st, 0xffff, &idx))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, idx, rd));
	case DIF_FORM_LDA:
		if (!get_var(st, 0xff, &idx) || !expect_punct(st, ',') || !get_reg(st, &r2) ||
		    !expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		r1 = (uint8_t)idx;
		break;
	case DIF_FORM_PUSH:
		t = peek(st);
		if (is_ident(t, "DT_TYPE")) {
			if (!get_indexed(st, '(', 0xff, &v))
				return false;
		} else if (is_ident(t, "ctf")) {
			next(st);
			v = DIF_TYPE_CTF;
		} else if (is_ident(t, "string")) {
			next(st);
			v = DIF_TYPE_STRING;
		} else if (!get_num(st, 0xff, false, &v)) {
			return false;
		}
		r1 = (uint8_t)v;
		if (!expect_punct(st, ',') || !get_reg(st, &r2) || !expect_punct(st, ',') ||
		    !get_reg(st, &rd))
			return false;
		break;
	case DIF_FORM_XLATE:
		t = peek(st);
		if (is_ident(t, "DT_XLREF")) {
			if (!get_indexed(st, '[', 0xffff, &v))
				return false;
		} else if (!get_num(st, 0xffff, false, &v)) {
			return false;
		}
		if (!expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, v, rd));
	case DIF_FORM_RELOC:
		t = peek(st);
		if (is_ident(t, "DT_RELOC")) {
			if (!get_indexed(st, '[', 0xffff, &v) ||
			    !add_fixup(st, FIX_RELIDX, NULL, (uint32_t)v, t->col))
				return false;
			idx = (uint32_t)v;
		} else if (at_reloc_expr(st)) {
			idx = st->d.nrels;
			if (!get_reloc(st, &rel) || !add_reloc(st, pc, &rel))
				return false;
		} else {
			ERR(st, t->col, "expected a relocation such as member_offset(\"struct s\", \"m\")");
			return false;
		}
		if (!expect_punct(st, ',') || !get_reg(st, &rd))
			return false;
		return expect_end(st) && emit(st, DIF_INSTR_IMM16(op->num, idx, rd));
	default:
		ERR(st, 1, "opcode '%s' has an unknown form", op->name);
		return false;
	}
	if (!reject_reloc(st, op) || !expect_end(st))
		return false;
	return emit(st, DIF_INSTR_FMT(op->num, r1, r2, rd));
}

/* ------------------------------------------------------------------ */
/* DIFO directives                                                    */

/* .int NUM */
static void dir_int(struct asm_state *st)
{
	uint64_t v;

	if (!get_num(st, UINT64_MAX, true, &v) || !expect_end(st))
		return;
	difo_int_append(st, v);
}

/* .string STRING  |  .strraw STRING (no terminating NUL) */
static void dir_string(struct asm_state *st, bool terminated)
{
	const struct dasm_tok *t = next(st);

	if (t->kind != TK_STR) {
		ERR(st, t->col, "expected a string, found %s", describe(t));
		return;
	}
	if (!expect_end(st))
		return;
	difo_str_append(st, t->text, t->len, terminated);
}

/*
 * .var NAME [id=NUM] [kind=scalar|array] [scope=global|thread|local]
 *      [flags=r|w|rw|none|NUM] [type=TYPE]
 * NAME := ident | STRING | DT_STRING[off]
 */
static void dir_var(struct asm_state *st)
{
	struct difo_b *d = &st->d;
	struct dif_var v = { 0 };
	const struct dasm_tok *nt = peek(st);
	const char *name = NULL;
	bool id_given = false, flags_given = false;
	uint64_t n;

	v.dtdv_kind = DIFV_KIND_SCALAR;
	v.dtdv_scope = DIFV_SCOPE_GLOBAL;
	v.dtdv_type = (struct dif_type){ DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 8 };
	if (is_ident(nt, "DT_STRING")) {
		if (!get_indexed(st, '[', UINT32_MAX, &n))
			return;
		v.dtdv_name = (uint32_t)n;
	} else if ((name = get_name(st, "a variable name")) == NULL) {
		return;
	}
	while (peek(st)->kind != TK_END) {
		const struct dasm_tok *k = next(st);

		if (k->kind != TK_IDENT || !expect_punct(st, '=')) {
			if (k->kind != TK_IDENT)
				ERR(st, k->col, "expected key=value, found %s", describe(k));
			return;
		}
		if (strcmp(k->text, "id") == 0) {
			if (!get_u32(st, UINT32_MAX, &v.dtdv_id))
				return;
			id_given = true;
		} else if (strcmp(k->text, "kind") == 0) {
			if (!get_named(st, DASM_T_VKIND, "variable kind", 0xff, &n))
				return;
			v.dtdv_kind = (uint8_t)n;
		} else if (strcmp(k->text, "scope") == 0) {
			if (!get_named(st, DASM_T_SCOPE, "variable scope", 0xff, &n))
				return;
			v.dtdv_scope = (uint8_t)n;
		} else if (strcmp(k->text, "flags") == 0) {
			const struct dasm_tok *f = peek(st);

			if (f->kind == TK_NUM) {
				if (!get_num(st, 0xffff, false, &n))
					return;
				v.dtdv_flags = (uint16_t)n;
			} else if (f->kind == TK_IDENT && (strcmp(f->text, "r") == 0 ||
			    strcmp(f->text, "w") == 0 || strcmp(f->text, "rw") == 0 ||
			    strcmp(f->text, "none") == 0)) {
				next(st);
				v.dtdv_flags = (uint16_t)((strchr(f->text, 'r') ? DIFV_F_REF : 0) |
				    (strchr(f->text, 'w') ? DIFV_F_MOD : 0));
				if (strcmp(f->text, "none") == 0)
					v.dtdv_flags = 0;
			} else {
				ERR(st, f->col, "expected flags r, w, rw, none or a number");
				return;
			}
			flags_given = true;
		} else if (strcmp(k->text, "type") == 0) {
			if (!get_type(st, &v.dtdv_type))
				return;
		} else {
			ERR(st, k->col, "unknown .var key '%s'", k->text);
			return;
		}
	}
	if (name != NULL) {
		long off = difo_str_intern(st, name);

		if (off < 0)
			return;
		v.dtdv_name = (uint32_t)off;
		if (!id_given && v.dtdv_id == 0)
			v.dtdv_id = varid_get(st, name, v.dtdv_scope);
		else
			varid_note(st, name, v.dtdv_scope, v.dtdv_id);
	}
	if (!GROW(st, d->vars, d->varcap, d->nvars + 1) ||
	    !GROW(st, d->var_line, d->vlcap, d->nvars + 1) ||
	    !GROW(st, d->var_flags_given, d->vfcap, d->nvars + 1))
		return;
	d->vars[d->nvars] = v;
	d->var_line[d->nvars] = st->lineno;
	d->var_flags_given[d->nvars] = flags_given;
	d->nvars++;
}

/* .reloc PC RELOC */
static void dir_reloc(struct asm_state *st)
{
	uint32_t pc;
	struct dif_reloc r;

	if (!get_u32(st, UINT32_MAX, &pc) || !get_reloc(st, &r) || !expect_end(st))
		return;
	add_reloc(st, pc, &r);
}

/* .line [PC] POS — a line-table entry, at the next instruction by default. */
static void dir_line(struct asm_state *st)
{
	struct difo_b *d = &st->d;
	struct dobj_line l = { .pc = d->len };

	if (peek(st)->kind == TK_NUM && !get_u32(st, UINT32_MAX, &l.pc))
		return;
	if (!get_pos(st, &l.pos) || !expect_end(st))
		return;
	if (!GROW(st, d->lines, d->linecap, d->nlines + 1) ||
	    !GROW(st, d->line_line, d->llcap, d->nlines + 1))
		return;
	d->line_line[d->nlines] = st->lineno;
	d->lines[d->nlines++] = l;
}

/* .word NUM — a raw instruction word, emitted as is. */
static void dir_word(struct asm_state *st)
{
	uint64_t v;

	if (!get_num(st, UINT32_MAX, false, &v) || !expect_end(st))
		return;
	emit(st, (dif_instr_t)v);
}

/* A table of names (DIFOs or formats) with its index. */
struct names {
	struct named	**arr;
	uint32_t	*n, *cap;
	struct dasm_hidx *idx;
};

static uint64_t named_hash(const void *ctx, uint32_t i)
{
	const struct names *t = ctx;

	return dasm_hash_str((*t->arr)[i].name);
}

static bool named_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct names *t = ctx;

	return strcmp((*t->arr)[i].name, key) == 0;
}

static struct names difo_names(struct asm_state *st)
{
	return (struct names){ &st->difos, &st->ndifos, &st->difocap, &st->difo_idx };
}

static struct names fmt_names(struct asm_state *st)
{
	return (struct names){ &st->fmts, &st->nfmts, &st->fmtcap, &st->fmt_idx };
}

static long named_find(const struct names *t, const char *name)
{
	long i = dasm_hidx_find(t->idx, dasm_hash_str(name), named_eq, t, name);

	return i < 0 ? -1 : (long)(*t->arr)[i].index;
}

static bool named_add(struct asm_state *st, struct names t, const char *name, uint32_t index,
    unsigned col, const char *what)
{
	if (named_find(&t, name) >= 0) {
		ERR(st, col, "%s '%s' is already defined", what, name);
		return false;
	}
	if (!grow(st, (void **)t.arr, t.cap, *t.n + 1, sizeof(**t.arr)))
		return false;
	char *nm = xstrdup(st, name);
	if (nm == NULL)
		return false;
	(*t.arr)[*t.n] = (struct named){ nm, index };
	if (dasm_hidx_add(t.idx, dasm_hash_str(nm), *t.n, named_hash, &t) != 0) {
		free(nm);
		st->enomem = true;
		return false;
	}
	(*t.n)++;
	return true;
}

/* .difo NAME [rtype=TYPE] [destructive] [flags=NUM] */
static void dir_difo(struct asm_state *st)
{
	const struct dasm_tok *nt = peek(st);
	const char *name;
	struct difo_b *d = &st->d;

	if (d->open) {
		ERR(st, nt->col, "nested .difo (close the DIFO opened at line %u with .end)", d->line);
		return;
	}
	if (st->c.open) {
		ERR(st, nt->col, ".difo inside a .clause block (define DIFOs at the top level)");
		return;
	}
	if ((name = get_name(st, "a DIFO name")) == NULL)
		return;
	struct names dn = difo_names(st);
	bool dup = named_find(&dn, name) >= 0;
	if (dup)	/* still open the block, so its body does not cascade errors */
		ERR(st, nt->col, "DIFO '%s' is already defined", name);
	difo_reset(d);
	d->dup = dup;
	d->open = true;
	d->line = st->lineno;
	if ((d->name = xstrdup(st, name)) == NULL)
		return;
	while (peek(st)->kind != TK_END) {
		const struct dasm_tok *k = next(st);
		uint64_t v;

		if (is_ident(k, "destructive")) {
			d->flags |= DOBJ_DIFO_F_DESTRUCTIVE;
			continue;
		}
		if (k->kind != TK_IDENT || !expect_punct(st, '=')) {
			if (k->kind != TK_IDENT)
				ERR(st, k->col, "expected key=value, found %s", describe(k));
			return;
		}
		if (strcmp(k->text, "rtype") == 0) {
			if (!get_type(st, &d->rtype))
				return;
		} else if (strcmp(k->text, "flags") == 0) {
			if (!get_num(st, UINT32_MAX, false, &v))
				return;
			d->flags |= (uint32_t)v;
		} else {
			ERR(st, k->col, "unknown .difo key '%s'", k->text);
			return;
		}
	}
}

static uint64_t label_hash(const void *ctx, uint32_t i)
{
	const struct difo_b *d = ctx;

	return dasm_hash_str(d->labels[i].name);
}

static bool label_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct difo_b *d = ctx;

	return strcmp(d->labels[i].name, key) == 0;
}

static struct label *find_label(struct difo_b *d, const char *name)
{
	long i = dasm_hidx_find(&d->label_idx, dasm_hash_str(name), label_eq, d, name);

	return i < 0 ? NULL : &d->labels[i];
}

/* A variable's name in the DIFO string table, or NULL when invalid. */
static const char *var_name(const struct difo_b *d, const struct dif_var *v)
{
	if (v->dtdv_name >= d->strlen || memchr(d->str + v->dtdv_name, '\0',
	    d->strlen - v->dtdv_name) == NULL)
		return NULL;
	return d->str + v->dtdv_name;
}

static uint64_t var_hash(const void *ctx, uint32_t i)
{
	const struct difo_b *d = ctx;

	return dasm_hash_str(var_name(d, &d->vars[i])) ^ d->vars[i].dtdv_scope;
}

static bool var_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct difo_b *d = ctx;
	const struct varkey *k = key;

	return d->vars[i].dtdv_scope == k->scope && strcmp(var_name(d, &d->vars[i]), k->name) == 0;
}

/* Index this DIFO's variables by (name, scope), first entry first. */
static void index_vars(struct asm_state *st)
{
	struct difo_b *d = &st->d;

	for (uint32_t i = 0; i < d->nvars; i++) {
		const char *n = var_name(d, &d->vars[i]);
		struct varkey k = { n, d->vars[i].dtdv_scope };

		if (n == NULL || dasm_hidx_find(&d->var_idx, var_hash(d, i), var_eq, d, &k) >= 0)
			continue;
		if (dasm_hidx_add(&d->var_idx, var_hash(d, i), i, var_hash, d) != 0) {
			st->enomem = true;
			return;
		}
	}
}

/* Resolve a named variable operand: this DIFO's table first, then built-ins. */
static void fix_var(struct asm_state *st, struct fixup *f)
{
	struct difo_b *d = &st->d;
	dif_instr_t w = d->text[f->pc];
	unsigned op = DIF_INSTR_OP(w);
	int scope = dasm_op_scope(op);
	struct varkey k = { f->name, (unsigned)scope };
	long id = -1, i;

	if (d->var_idx.cap == 0 && d->nvars > 0)
		index_vars(st);
	i = dasm_hidx_find(&d->var_idx, dasm_hash_str(f->name) ^ (unsigned)scope, var_eq, d, &k);
	if (i >= 0)
		id = d->vars[i].dtdv_id;
	if (id < 0)
		id = dasm_name_lookup(DASM_T_VAR, f->name);
	if (id < 0) {
		report(st, f->line, f->col, "unknown variable '%s' (declare it with .var)", f->name);
		return;
	}
	if (op == DIF_OP_LDGA || op == DIF_OP_LDTA) {
		if (id > 0xff) {
			report(st, f->line, f->col, "'%s' is not an array variable (id 0x%lx)",
			    f->name, id);
			return;
		}
		d->text[f->pc] = DIF_INSTR_FMT(op, id, DIF_INSTR_R2(w), DIF_INSTR_RD(w));
	} else {
		d->text[f->pc] = DIF_INSTR_IMM16(op, id, DIF_INSTR_RD(w));
	}
}

static void run_fixups(struct asm_state *st)
{
	struct difo_b *d = &st->d;

	for (uint32_t i = 0; i < d->nfix; i++) {
		struct fixup *f = &d->fix[i];
		struct label *l;

		if (f->pc >= d->len)
			continue;	/* its instruction was not emitted (already an error) */

		switch (f->kind) {
		case FIX_BRANCH:
			if ((l = find_label(d, f->name)) == NULL) {
				report(st, f->line, f->col, "undefined label '%s'", f->name);
			} else if (l->pc <= f->pc) {
				report(st, f->line, f->col, "backward branch to '%s' (DIF branches "
				    "only go forward)", f->name);
			} else if (l->pc >= d->len) {
				report(st, f->line, f->col, "label '%s' is past the last instruction",
				    f->name);
			} else {
				d->text[f->pc] = DIF_INSTR_BRANCH(DIF_INSTR_OP(d->text[f->pc]), l->pc);
			}
			break;
		case FIX_BRANCH_PC:
			if (f->value >= d->len)
				report(st, f->line, f->col, "branch target %u is past the last "
				    "instruction (%u)", f->value, d->len ? d->len - 1 : 0);
			break;
		case FIX_VAR:
			fix_var(st, f);
			break;
		case FIX_INTIDX:
			if (f->value >= d->nints)
				report(st, f->line, f->col, "bad table index: DT_INTEGER[%u] but the "
				    "integer table has %u entries", f->value, d->nints);
			break;
		case FIX_STROFF:
			if (f->value >= d->strlen)
				report(st, f->line, f->col, "bad table index: DT_STRING[%u] but the "
				    "string table has %u bytes", f->value, d->strlen);
			break;
		case FIX_RELIDX:
			if (f->value >= d->nrels)
				report(st, f->line, f->col, "bad table index: DT_RELOC[%u] but the "
				    "DIFO has %u relocations", f->value, d->nrels);
			break;
		}
	}
}

/* Variables declared without flags= get r/w from the instructions using them. */
/* How the text uses one variable: (scope, id) -> r/w. */
struct var_use {
	uint32_t	id;
	uint32_t	scope;
	uint16_t	flags;
};

static uint64_t use_hash(const void *ctx, uint32_t i)
{
	const struct var_use *u = &((const struct var_use *)ctx)[i];

	return dasm_hash_u64((uint64_t)u->scope << 32 | u->id);
}

static bool use_eq(const void *ctx, uint32_t i, const void *key)
{
	const struct var_use *u = &((const struct var_use *)ctx)[i], *k = key;

	return u->id == k->id && u->scope == k->scope;
}

/* Variables declared without flags= get r/w from the instructions using them. */
static void default_var_flags(struct asm_state *st)
{
	struct difo_b *d = &st->d;
	struct var_use *uses = NULL;
	uint32_t nuses = 0, cap = 0;
	struct dasm_hidx idx = { 0 };

	for (uint32_t pc = 0; pc < d->len && !st->enomem; pc++) {
		unsigned op = DIF_INSTR_OP(d->text[pc]);
		const struct dasm_op *o = dasm_op_by_num(op);
		int scope = dasm_op_scope(op);
		struct var_use k;
		long i;

		if (o == NULL || scope < 0)
			continue;
		k.id = o->form == DIF_FORM_LDA ? DIF_INSTR_R1(d->text[pc]) : DIF_INSTR_VAR(d->text[pc]);
		k.scope = (uint32_t)scope;
		k.flags = o->form == DIF_FORM_STV ? DIFV_F_MOD : DIFV_F_REF;
		if ((i = dasm_hidx_find(&idx, use_hash(&k, 0), use_eq, uses, &k)) >= 0) {
			uses[i].flags |= k.flags;
			continue;
		}
		if (!GROW(st, uses, cap, nuses + 1))
			break;
		uses[nuses] = k;
		if (dasm_hidx_add(&idx, use_hash(&k, 0), nuses, use_hash, uses) != 0)
			st->enomem = true;
		nuses++;
	}
	for (uint32_t i = 0; i < d->nvars && !st->enomem; i++) {
		struct var_use k = { d->vars[i].dtdv_id, d->vars[i].dtdv_scope, 0 };
		long u;

		if (!d->var_flags_given[i] &&
		    (u = dasm_hidx_find(&idx, use_hash(&k, 0), use_eq, uses, &k)) >= 0)
			d->vars[i].dtdv_flags |= uses[u].flags;
	}
	dasm_hidx_free(&idx);
	free(uses);
}

static void validate_difo(struct asm_state *st, const struct dobj_difo *od)
{
	struct difo_b *d = &st->d;
	struct dif_difo view;
	struct dvm_validate_opts opts = { 0 };
	struct dvm_verr errs[DASM_MAX_ERRORS];
	unsigned n, shown;

	if (st->sink != NULL && (st->sink->flags & DASM_F_NO_VALIDATE))
		return;
	dobj_difo__view(od, &view);
	if (st->obj->kind == DOBJ_RELOCATABLE)
		opts.dvo_flags |= DVM_VF_RELOCATABLE;
	n = dvm_difo__validate(&view, &opts, errs, DASM_MAX_ERRORS);
	shown = n < DASM_MAX_ERRORS ? n : DASM_MAX_ERRORS;
	for (unsigned i = 0; i < shown; i++) {
		char msg[256];
		unsigned line = d->line, col = 1;

		if (errs[i].dve_where == DVM_WHERE_TEXT && errs[i].dve_pc < d->len) {
			line = d->text_line[errs[i].dve_pc];
			col = d->text_col[errs[i].dve_pc];
		}
		else if (errs[i].dve_where == DVM_WHERE_VARTAB && errs[i].dve_index < d->nvars)
			line = d->var_line[errs[i].dve_index];
		else if (errs[i].dve_where == DVM_WHERE_RELTAB && errs[i].dve_index < d->nrels)
			line = d->rel_line[errs[i].dve_index];
		dvm_verr__format(&errs[i], msg, sizeof(msg));
		if (st->sink != NULL && (st->sink->flags & DASM_F_INVALID_OK)) {
			if (st->sink->warn != NULL)
				st->sink->warn(st->sink->ctx, st->file, line, col, msg);
			continue;
		}
		report(st, line, col, "DIFO '%s' fails validation: %s", d->name, msg);
	}
}

/* The pseudo-instruction a relocation kind belongs to (dif_reloc.h). */
static unsigned reloc_op(unsigned kind)
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

/*
 * The object-format rules on relocations and line entries, checked here
 * so that a violation is reported at its source line (dobj__check would
 * only name a section offset).
 */
static void check_tables(struct asm_state *st)
{
	struct difo_b *d = &st->d;
	uint32_t r = 0;

	for (uint32_t i = 0; i < d->nrels; i++) {
		const struct dif_reloc *rel = &d->rels[i];
		const char *kn = dasm_name_of(DASM_T_RELOC, rel->dtr_kind);
		unsigned want = reloc_op(rel->dtr_kind);

		if (want == 0)
			report(st, d->rel_line[i], 1, "unknown relocation kind %u", rel->dtr_kind);
		else if (rel->dtr_pc >= d->len)
			report(st, d->rel_line[i], 1, "relocation pc %u is past the last "
			    "instruction", rel->dtr_pc);
		else if (i > 0 && rel->dtr_pc <= d->rels[i - 1].dtr_pc)
			report(st, d->rel_line[i], 1, "relocations must be in ascending pc "
			    "order, one per instruction");
		else if (DIF_INSTR_OP(d->text[rel->dtr_pc]) != want)
			report(st, d->rel_line[i], 1, "relocation kind '%s' belongs on '%s'",
			    kn, dasm_op_by_num(want)->name);
		else if ((rel->dtr_kind == DIF_RELOC_MEMBER_SIZE ||
		    (rel->dtr_kind == DIF_RELOC_MEMBER_OFFSET &&
		    !(rel->dtr_flags & DIF_RELOC_F_SYMBOL))) && rel->dtr_member == 0)
			report(st, d->rel_line[i], 1, "relocation '%s' needs a member path", kn);
		else if (rel->dtr_kind == DIF_RELOC_TYPE_SIZE && rel->dtr_member != 0)
			report(st, d->rel_line[i], 1, "relocation 'type_size' takes no member path");
		else if (rel->dtr_kind == DIF_RELOC_TYPE_EXISTS && rel->dtr_flags != 0)
			report(st, d->rel_line[i], 1, "relocation 'type_exists' takes no flags: "
			    "it never fails, so nothing roots or guards it");
		else if (rel->dtr_type == 0)
			report(st, d->rel_line[i], 1, "relocation '%s' needs a type name", kn);
	}
	for (uint32_t pc = 0; pc < d->len; pc++) {
		const struct dasm_op *op = dasm_op_by_num(DIF_INSTR_OP(d->text[pc]));

		while (r < d->nrels && d->rels[r].dtr_pc < pc)
			r++;
		if (op == NULL || !DIF_OP_IS_RELOCATABLE(op->num))
			continue;
		if (st->obj->kind == DOBJ_LINKED)
			report(st, d->text_line[pc], d->text_col[pc], "'%s' is a relocatable "
			    "pseudo-instruction; a linked object cannot hold it", op->name);
		else if (r >= d->nrels || d->rels[r].dtr_pc != pc)
			report(st, d->text_line[pc], d->text_col[pc], "'%s' needs a relocation, e.g. %s",
			    op->name,
			    op->form == DIF_FORM_RELOC ? "usetx member_offset(\"struct s\", \"m\"), %r1" :
			    op->form == DIF_FORM_STORE ? "ustore %r1, [%r2], store(\"struct s\", \"m\")" :
			    "uload [%r1], %r2, load(\"struct s\", \"m\")");
	}
	for (uint32_t i = 0; i < d->nlines; i++) {
		if (d->lines[i].pc >= d->len)
			report(st, d->line_line[i], 1, ".line at pc %u is past the last instruction",
			    d->lines[i].pc);
		else if (i > 0 && d->lines[i].pc < d->lines[i - 1].pc)
			report(st, d->line_line[i], 1, ".line entries must be in ascending pc order");
	}
}

/* .end of a DIFO: resolve, then copy into the object. */
static void end_difo(struct asm_state *st)
{
	struct difo_b *d = &st->d;
	int idx;

	d->open = false;
	run_fixups(st);
	check_tables(st);
	default_var_flags(st);
	if (st->enomem)
		return;
	if ((idx = dobj__add_difo(st->obj)) < 0) {
		st->enomem = true;
		return;
	}
	struct dobj_difo *od = &st->obj->difos[idx];
	if (dobj_difo__set_text(od, d->text, d->len) != 0 ||
	    dobj_difo__set_inttab(od, d->ints, d->nints) != 0 ||
	    dobj_difo__set_strtab(od, d->str, d->strlen) != 0 ||
	    dobj_difo__set_vartab(od, d->vars, d->nvars) != 0 ||
	    dobj_difo__set_reltab(od, d->rels, d->nrels) != 0 ||
	    dobj_difo__set_lines(od, d->lines, d->nlines) != 0) {
		st->enomem = true;
		return;
	}
	od->rtype = d->rtype;
	od->flags = d->flags;
	if (!d->dup)
		named_add(st, difo_names(st), d->name, (uint32_t)idx, 1, "DIFO");
	if (!st->line_failed)
		validate_difo(st, od);
}

/* ------------------------------------------------------------------ */
/* Object directives                                                  */

static void add_ref(struct asm_state *st, enum ref_kind kind, uint32_t owner)
{
	const struct dasm_tok *t = peek(st);
	struct ref r = { kind, owner, NULL, 0, st->lineno, t->col };
	uint64_t v;

	if (t->kind == TK_NUM) {
		if (!get_num(st, INT32_MAX, false, &v))
			return;
		r.num = (uint32_t)v;
	} else if (t->kind == TK_IDENT || t->kind == TK_STR) {
		next(st);
		if ((r.name = xstrdup(st, t->text)) == NULL)
			return;
	} else {
		ERR(st, t->col, "expected a name or an index, found %s", describe(t));
		return;
	}
	if (!GROW(st, st->refs, st->refcap, st->nrefs + 1)) {
		free(r.name);
		return;
	}
	st->refs[st->nrefs++] = r;
}

/*
 * ARG := NUM | LIBACT-NAME | lquantize(base, limit[, step])
 *      | llquantize(factor, low, high, nsteps) | ustack(nframes[, strsize])
 */
static bool get_arg(struct asm_state *st, uint64_t *out)
{
	const struct dasm_tok *t = peek(st);
	uint64_t a[4] = { 0, 0, 1, 0 };
	int n = 0;

	if (t->kind == TK_NUM)
		return get_num(st, UINT64_MAX, true, out);
	if (t->kind != TK_IDENT) {
		ERR(st, t->col, "expected a number or an encoding, found %s", describe(t));
		return false;
	}
	if (!is_punct(&st->lx.toks[st->pos + 1], '(')) {
		long v = dasm_name_lookup(DASM_T_LIBACT, t->text);

		if (v < 0) {
			ERR(st, t->col, "unknown library action '%s'", t->text);
			return false;
		}
		next(st);
		*out = (uint64_t)v;
		return true;
	}
	next(st);
	next(st);
	do {
		if (n == 4) {
			ERR(st, peek(st)->col, "too many arguments");
			return false;
		}
		if (!get_num(st, UINT64_MAX, true, &a[n++]))
			return false;
	} while (is_punct(peek(st), ',') && next(st));
	if (!expect_punct(st, ')'))
		return false;
	if (strcmp(t->text, "lquantize") == 0 && (n == 2 || n == 3)) {
		int64_t base = (int64_t)a[0], limit = (int64_t)a[1], step = (int64_t)a[2];

		if (base < INT32_MIN || base > INT32_MAX || limit < INT32_MIN || limit > INT32_MAX ||
		    step <= 0 || step > 0xffff || limit <= base ||
		    (limit - base) / step < 1 || (limit - base) / step > 0xffff) {
			ERR(st, t->col, "lquantize(base, limit, step) needs int32 base < limit "
			    "and 1..65535 levels");
			return false;
		}
		*out = (uint64_t)step << 48 | (uint64_t)((limit - base) / step) << 32 |
		    ((uint64_t)base & 0xffffffffu);
	} else if (strcmp(t->text, "llquantize") == 0 && n == 4) {
		for (int i = 0; i < 4; i++) {
			if (a[i] > 0xffff) {
				ERR(st, t->col, "llquantize arguments are 16-bit");
				return false;
			}
		}
		*out = a[0] << 48 | a[1] << 32 | a[2] << 16 | a[3];
	} else if (strcmp(t->text, "ustack") == 0 && (n == 1 || n == 2)) {
		if (a[0] > UINT32_MAX || (n == 2 && a[1] > UINT32_MAX)) {
			ERR(st, t->col, "ustack arguments are 32-bit");
			return false;
		}
		*out = (n == 2 ? a[1] << 32 : 0) | a[0];
	} else {
		ERR(st, t->col, "unknown encoding '%s' with %d arguments", t->text, n);
		return false;
	}
	return true;
}

/*
 * .action KIND [difo=REF] [format=REF] [ntuple=NUM] [arg=ARG] [flags=NUM]
 *         [str=STRING] [@POS]
 */
static void dir_action(struct asm_state *st)
{
	uint64_t v;
	int idx;

	if (!get_named(st, DASM_T_ACTION, "action kind", 0xffff, &v))
		return;
	if ((idx = dobj__add_action(st->obj)) < 0) {
		st->enomem = true;
		return;
	}
	struct dobj_action *a = &st->obj->actions[idx];
	a->kind = (uint16_t)v;
	a->difo = -1;
	a->format = -1;
	while (peek(st)->kind != TK_END) {
		const struct dasm_tok *k = next(st);

		a = &st->obj->actions[idx];
		if (is_punct(k, '@')) {
			if (!get_pos(st, &a->pos))
				return;
			continue;
		}
		if (k->kind != TK_IDENT || !expect_punct(st, '=')) {
			if (k->kind != TK_IDENT)
				ERR(st, k->col, "expected key=value, found %s", describe(k));
			return;
		}
		if (strcmp(k->text, "difo") == 0) {
			add_ref(st, REF_ACTION_DIFO, (uint32_t)idx);
		} else if (strcmp(k->text, "format") == 0) {
			add_ref(st, REF_ACTION_FORMAT, (uint32_t)idx);
		} else if (strcmp(k->text, "ntuple") == 0) {
			if (!get_u32(st, UINT32_MAX, &a->ntuple))
				return;
		} else if (strcmp(k->text, "arg") == 0) {
			if (!get_arg(st, &v))
				return;
			st->obj->actions[idx].arg = v;
		} else if (strcmp(k->text, "flags") == 0) {
			if (!get_num(st, 0xffff, false, &v))
				return;
			a->flags = (uint16_t)v;
		} else if (strcmp(k->text, "str") == 0) {
			const char *s = get_string(st);

			if (s == NULL)
				return;
			uint32_t off = intern(st, s);
			st->obj->actions[idx].str = off;
		} else {
			ERR(st, k->col, "unknown .action key '%s'", k->text);
			return;
		}
		if (st->line_failed)
			return;
	}
}

static bool probe_safe_char(char c)
{
	return c > ' ' && c < 0x7f && c != '!' && c != '#' && c != '"' && c != '@' && c != ',';
}

/*
 * .probe [TARGET:]PROVIDER:MODULE:FUNCTION:NAME [@POS]
 * .probe STRING, STRING, STRING, STRING, STRING [@POS]   (target first)
 * `rest` is the text after ".probe"; `col0` its column.
 */
static void dir_probe(struct asm_state *st, const char *rest, unsigned col0)
{
	size_t i = 0, n;
	const char *f[5] = { "", "", "", "", "" };
	char *spec = NULL;
	unsigned nf = 0;
	int idx;
	struct dobj_srcpos pos = { 0 };

	while (rest[i] == ' ' || rest[i] == '\t')
		i++;
	if (rest[i] != '"') {
		for (n = i; probe_safe_char(rest[n]); n++)
			;
		if (n == i) {
			ERR(st, col0 + (unsigned)i, "expected a probe description "
			    "provider:module:function:name");
			return;
		}
		if ((spec = strndup(rest + i, n - i)) == NULL) {
			st->enomem = true;
			return;
		}
		const char *parts[6];
		char *p = spec;
		parts[nf++] = p;
		for (; *p != '\0'; p++) {
			if (*p != ':')
				continue;
			*p = '\0';
			if (nf == 5) {
				nf = 6;
				break;
			}
			parts[nf++] = p + 1;
		}
		if (nf < 4 || nf > 5) {
			ERR(st, col0 + (unsigned)i, "a probe description has 4 or 5 ':'-separated "
			    "fields ([target:]provider:module:function:name)");
			free(spec);
			return;
		}
		for (unsigned k = 0; k < nf; k++)
			f[k + 5 - nf] = parts[k];
		if (dasm_lex(&st->lx, rest + n, col0 + (unsigned)n) != 0) {
			ERR(st, st->lx.err_col, "%s", st->lx.err);
			free(spec);
			return;
		}
	} else {
		if (dasm_lex(&st->lx, rest + i, col0 + (unsigned)i) != 0) {
			ERR(st, st->lx.err_col, "%s", st->lx.err);
			return;
		}
		for (unsigned k = 0; k < 5; k++) {
			if (k > 0 && !expect_punct(st, ','))
				return;
			if ((f[k] = get_string(st)) == NULL)
				return;
		}
	}
	if (is_punct(peek(st), '@')) {
		next(st);
		if (!get_pos(st, &pos))
			goto out;
	}
	if (!expect_end(st))
		goto out;
	if ((idx = dobj__add_probe(st->obj)) < 0) {
		st->enomem = true;
		goto out;
	}
	uint32_t offs[5];
	for (unsigned k = 0; k < 5; k++)
		offs[k] = intern(st, f[k]);
	struct dobj_probe *pr = &st->obj->probes[idx];
	pr->target = offs[0];
	pr->provider = offs[1];
	pr->module = offs[2];
	pr->function = offs[3];
	pr->name = offs[4];
	pr->pos = pos;
out:
	free(spec);
}

/* RANGE := NUM ':' NUM  (first:count) */
static bool get_range(struct asm_state *st, uint32_t *first, uint32_t *count)
{
	return get_u32(st, INT32_MAX, first) && expect_punct(st, ':') &&
	    get_u32(st, INT32_MAX, count);
}

/* .clause [probes=FIRST:COUNT] [actions=FIRST:COUNT] [@POS] */
static void dir_clause(struct asm_state *st)
{
	int idx;

	if (st->c.open || st->d.open) {
		ERR(st, 1, "nested block (close the open block with .end first)");
		return;
	}
	if ((idx = dobj__add_clause(st->obj)) < 0) {
		st->enomem = true;
		return;
	}
	memset(&st->c, 0, sizeof(st->c));
	st->c.open = true;
	st->c.index = idx;
	st->c.line = st->lineno;
	st->c.nprobes0 = st->obj->nprobes;
	st->c.nactions0 = st->obj->nactions;
	struct dobj_clause *c = &st->obj->clauses[idx];
	c->probe_first = st->obj->nprobes;
	c->action_first = st->obj->nactions;
	while (peek(st)->kind != TK_END) {
		const struct dasm_tok *k = next(st);

		if (is_punct(k, '@')) {
			if (!get_pos(st, &c->pos))
				return;
			continue;
		}
		if (k->kind != TK_IDENT || !expect_punct(st, '=')) {
			if (k->kind != TK_IDENT)
				ERR(st, k->col, "expected key=value, found %s", describe(k));
			return;
		}
		if (strcmp(k->text, "probes") == 0) {
			if (!get_range(st, &c->probe_first, &c->probe_count))
				return;
			st->c.explicit_probes = true;
		} else if (strcmp(k->text, "actions") == 0) {
			if (!get_range(st, &c->action_first, &c->action_count))
				return;
			st->c.explicit_actions = true;
		} else {
			ERR(st, k->col, "unknown .clause key '%s'", k->text);
			return;
		}
		st->c.explicit_line = st->lineno;
		st->c.explicit_col = k->col;
	}
	if (st->c.explicit_probes || st->c.explicit_actions) {
		if (!GROW(st, st->ranges, st->rangecap, st->nranges + 1))
			return;
		st->ranges[st->nranges].clause = (uint32_t)idx;
		st->ranges[st->nranges].line = st->lineno;
		st->ranges[st->nranges].col = st->c.explicit_col;
		st->nranges++;
	}
}

static void end_clause(struct asm_state *st)
{
	struct dobj_clause *c = &st->obj->clauses[st->c.index];
	uint32_t np = st->obj->nprobes, na = st->obj->nactions;

	st->c.open = false;
	if (!st->c.explicit_probes)
		c->probe_count = np - c->probe_first;
	else if (np != st->c.nprobes0)
		ERR(st, 1, "clause has both probes= and .probe lines");
	if (!st->c.explicit_actions)
		c->action_count = na - c->action_first;
	else if (na != st->c.nactions0)
		ERR(st, 1, "clause has both actions= and .action lines");
}

/* .predicate REF */
static void dir_predicate(struct asm_state *st)
{
	add_ref(st, REF_CLAUSE_PRED, (uint32_t)st->c.index);
	expect_end(st);
}

/* .format NAME KIND STRING [pad=NUM] */
static void dir_format(struct asm_state *st)
{
	const struct dasm_tok *nt = peek(st);
	const char *name = get_name(st, "a format name"), *s;
	uint64_t kind, pad = 0;
	int idx;

	if (name == NULL || !get_named(st, DASM_T_ACTION, "action kind", 0xffff, &kind) ||
	    (s = get_string(st)) == NULL)
		return;
	if (is_ident(peek(st), "pad")) {
		next(st);
		if (!expect_punct(st, '=') || !get_num(st, 0xffff, false, &pad))
			return;
	}
	if (!expect_end(st))
		return;
	if ((idx = dobj__add_format(st->obj)) < 0) {
		st->enomem = true;
		return;
	}
	uint32_t off = intern(st, s);
	st->obj->formats[idx].str = off;
	st->obj->formats[idx].kind = (uint16_t)kind;
	st->obj->formats[idx].pad = (uint16_t)pad;
	named_add(st, fmt_names(st), name, (uint32_t)idx, nt->col, "format");
}

/* .agg NAME [id=NUM] [func=KIND] [nkeys=NUM] [arg=ARG] [keys=STRING] [value=STRING] */
static void dir_agg(struct asm_state *st)
{
	const char *name;
	uint64_t v;
	int idx;

	if (is_punct(peek(st), '@'))
		next(st);
	if ((name = get_name(st, "an aggregation name")) == NULL)
		return;
	if ((idx = dobj__add_agg(st->obj)) < 0) {
		st->enomem = true;
		return;
	}
	uint32_t off = intern(st, name);
	struct dobj_agg *a = &st->obj->aggs[idx];
	a->name = off;
	a->id = (uint32_t)idx + 1;
	a->func = DIF_ACT_COUNT;
	while (peek(st)->kind != TK_END) {
		const struct dasm_tok *k = next(st);

		a = &st->obj->aggs[idx];
		if (k->kind != TK_IDENT || !expect_punct(st, '=')) {
			if (k->kind != TK_IDENT)
				ERR(st, k->col, "expected key=value, found %s", describe(k));
			return;
		}
		if (strcmp(k->text, "id") == 0) {
			if (!get_u32(st, UINT32_MAX, &a->id))
				return;
		} else if (strcmp(k->text, "func") == 0) {
			if (!get_named(st, DASM_T_ACTION, "aggregating function", 0xffff, &v))
				return;
			a->func = (uint16_t)v;
		} else if (strcmp(k->text, "nkeys") == 0) {
			if (!get_num(st, 0xffff, false, &v))
				return;
			a->nkeys = (uint16_t)v;
		} else if (strcmp(k->text, "arg") == 0) {
			if (!get_arg(st, &v))
				return;
			a->arg = v;
		} else if (strcmp(k->text, "keys") == 0 || strcmp(k->text, "value") == 0) {
			const char *s = get_string(st);

			if (s == NULL)
				return;
			off = intern(st, s);
			if (k->text[0] == 'k')
				st->obj->aggs[idx].keytypes = off;
			else
				st->obj->aggs[idx].valtype = off;
		} else {
			ERR(st, k->col, "unknown .agg key '%s'", k->text);
			return;
		}
	}
}

/*
 * .symbol NAME [kind=global|thread|agg] [varkind=scalar|array] [id=NUM]
 *         [ctype=STRING] [keys=STRING] [type=TYPE]
 */
static void dir_symbol(struct asm_state *st)
{
	const char *name = get_name(st, "a symbol name");
	struct dobj_symbol s = { 0 };
	bool id_given = false;
	uint64_t v;
	int idx;

	if (name == NULL)
		return;
	s.kind = DOBJ_SYM_GLOBAL;
	s.varkind = DIFV_KIND_SCALAR;
	while (peek(st)->kind != TK_END) {
		const struct dasm_tok *k = next(st);

		if (k->kind != TK_IDENT || !expect_punct(st, '=')) {
			if (k->kind != TK_IDENT)
				ERR(st, k->col, "expected key=value, found %s", describe(k));
			return;
		}
		if (strcmp(k->text, "kind") == 0) {
			if (!get_named(st, DASM_T_SYMKIND, "symbol kind", 0xffff, &v))
				return;
			s.kind = (uint16_t)v;
		} else if (strcmp(k->text, "varkind") == 0) {
			if (!get_named(st, DASM_T_VKIND, "variable kind", 0xffff, &v))
				return;
			s.varkind = (uint16_t)v;
		} else if (strcmp(k->text, "id") == 0) {
			if (!get_u32(st, UINT32_MAX, &s.id))
				return;
			id_given = true;
		} else if (strcmp(k->text, "ctype") == 0 || strcmp(k->text, "keys") == 0) {
			const char *str = get_string(st);

			if (str == NULL)
				return;
			if (k->text[0] == 'c')
				s.ctype = intern(st, str);
			else
				s.keytypes = intern(st, str);
		} else if (strcmp(k->text, "type") == 0) {
			if (!get_type(st, &s.type))
				return;
		} else {
			ERR(st, k->col, "unknown .symbol key '%s'", k->text);
			return;
		}
	}
	s.name = intern(st, name);
	if (s.kind == DOBJ_SYM_GLOBAL || s.kind == DOBJ_SYM_THREAD) {
		unsigned scope = s.kind == DOBJ_SYM_GLOBAL ? DIFV_SCOPE_GLOBAL : DIFV_SCOPE_THREAD;

		if (id_given)
			varid_note(st, name, scope, s.id);
		else
			s.id = varid_get(st, name, scope);
	}
	if ((idx = dobj__add_symbol(st->obj)) < 0) {
		st->enomem = true;
		return;
	}
	st->obj->symbols[idx] = s;
}

/* .option NAME [VALUE] */
static void dir_option(struct asm_state *st)
{
	const char *name = get_name(st, "an option name");
	const struct dasm_tok *t;
	char *value = NULL;
	int idx;

	if (name == NULL)
		return;
	t = peek(st);
	if (t->kind == TK_IDENT || t->kind == TK_STR || t->kind == TK_NUM) {
		next(st);
		if ((value = strndup(t->text, t->len)) == NULL) {
			st->enomem = true;
			return;
		}
	}
	if (expect_end(st)) {
		uint32_t n = intern(st, name), v = value ? intern(st, value) : 0;

		if ((idx = dobj__add_option(st->obj)) < 0)
			st->enomem = true;
		else
			st->obj->options[idx] = (struct dobj_option){ n, v };
	}
	free(value);
}

/* .meta KEY VALUE */
static void dir_meta(struct asm_state *st)
{
	const char *k = get_name(st, "a meta key"), *v;
	int idx;

	if (k == NULL || (v = get_name(st, "a meta value")) == NULL || !expect_end(st))
		return;
	uint32_t ko = intern(st, k), vo = intern(st, v);
	if ((idx = dobj__add_meta(st->obj)) < 0)
		st->enomem = true;
	else
		st->obj->meta[idx] = (struct dobj_meta){ ko, vo };
}

/* .strtab STRING { ',' STRING } — strings interned in this order. */
static void dir_strtab(struct asm_state *st)
{
	do {
		const char *s = get_string(st);

		if (s == NULL)
			return;
		intern(st, s);
	} while (is_punct(peek(st), ',') && next(st));
	expect_end(st);
}

/* .object relocatable | linked */
static void dir_object(struct asm_state *st)
{
	const struct dasm_tok *t = next(st);

	if (st->kind_given) {
		ERR(st, t->col, ".object may be given only once");
		return;
	}
	if (st->obj->ndifos > 0 || st->d.open) {
		ERR(st, t->col, ".object must come before the first .difo");
		return;
	}
	if (is_ident(t, "relocatable"))
		st->obj->kind = DOBJ_RELOCATABLE;
	else if (is_ident(t, "linked"))
		st->obj->kind = DOBJ_LINKED;
	else {
		ERR(st, t->col, "expected 'relocatable' or 'linked'");
		return;
	}
	st->kind_given = true;
	expect_end(st);
}

/* .srcident HEX64 (raw: 64 hex digits) */
static void dir_srcident(struct asm_state *st, const char *rest, unsigned col0)
{
	uint8_t id[DOBJ_IDENT_LEN];
	size_t i = 0;

	while (rest[i] == ' ' || rest[i] == '\t')
		i++;
	unsigned col = col0 + (unsigned)i;
	for (unsigned k = 0; k < DOBJ_IDENT_LEN; k++) {
		int h = -1, l = -1;
		char c0 = rest[i], c1 = c0 ? rest[i + 1] : '\0';

		if (c0 >= '0' && c0 <= '9') h = c0 - '0';
		else if (c0 >= 'a' && c0 <= 'f') h = c0 - 'a' + 10;
		if (c1 >= '0' && c1 <= '9') l = c1 - '0';
		else if (c1 >= 'a' && c1 <= 'f') l = c1 - 'a' + 10;
		if (h < 0 || l < 0) {
			ERR(st, col, "a source ident is 64 lower-case hex digits");
			return;
		}
		id[k] = (uint8_t)(h * 16 + l);
		i += 2;
	}
	if (dasm_lex(&st->lx, rest + i, col0 + (unsigned)i) != 0) {
		ERR(st, st->lx.err_col, "%s", st->lx.err);
		return;
	}
	if (!expect_end(st))
		return;
	if (dobj__add_srcident(st->obj, id) < 0)
		st->enomem = true;
}

/* ------------------------------------------------------------------ */
/* Lines                                                              */

enum level { L_TOP = 1, L_DIFO = 2, L_CLAUSE = 4, L_ANY = 7 };

struct directive {
	const char	*name;
	unsigned	where;
	void		(*fn)(struct asm_state *);
};

static void dir_end(struct asm_state *st)
{
	if (!expect_end(st))
		return;
	if (st->d.open)
		end_difo(st);
	else if (st->c.open)
		end_clause(st);
}

static const struct directive directives[] = {
	{ ".object", L_TOP, dir_object },
	{ ".strtab", L_TOP, dir_strtab },
	{ ".option", L_TOP, dir_option },
	{ ".meta", L_TOP, dir_meta },
	{ ".symbol", L_TOP, dir_symbol },
	{ ".agg", L_TOP, dir_agg },
	{ ".format", L_TOP, dir_format },
	{ ".difo", L_ANY, dir_difo },
	{ ".clause", L_ANY, dir_clause },
	{ ".end", L_DIFO | L_CLAUSE, dir_end },
	{ ".int", L_DIFO, dir_int },
	{ ".var", L_DIFO, dir_var },
	{ ".reloc", L_DIFO, dir_reloc },
	{ ".line", L_DIFO, dir_line },
	{ ".word", L_DIFO, dir_word },
	{ ".predicate", L_CLAUSE, dir_predicate },
	{ ".action", L_TOP | L_CLAUSE, dir_action },
};

static const char *level_name(unsigned where)
{
	if (where == L_DIFO)
		return "inside a .difo block";
	if (where == L_CLAUSE)
		return "inside a .clause block";
	if (where == (L_TOP | L_CLAUSE))
		return "at the top level or inside a .clause block";
	if (where == (L_DIFO | L_CLAUSE))
		return "to close a .difo or .clause block";
	return "at the top level";
}

static void do_directive(struct asm_state *st, const struct dasm_tok *t)
{
	unsigned level = st->d.open ? L_DIFO : st->c.open ? L_CLAUSE : L_TOP;

	if (strcmp(t->text, ".string") == 0 || strcmp(t->text, ".strraw") == 0) {
		if (level != L_DIFO) {
			ERR(st, t->col, "%s is valid only inside a .difo block", t->text);
			return;
		}
		dir_string(st, t->text[4] == 'i');
		return;
	}
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		if (strcmp(directives[i].name, t->text) != 0)
			continue;
		if (!(directives[i].where & level)) {
			ERR(st, t->col, "%s is valid only %s", t->text, level_name(directives[i].where));
			return;
		}
		directives[i].fn(st);
		return;
	}
	ERR(st, t->col, "unknown directive '%s'", t->text);
}

/* Skip a `dtrace -S` listing's "NN:" offset and 8-hex-digit word columns. */
static size_t skip_listing_columns(const char *s)
{
	size_t i = 0, j;

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	for (j = i; s[j] >= '0' && s[j] <= '9'; j++)
		;
	if (j == i || s[j] != ':')
		return 0;
	i = j + 1;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	for (j = 0; j < 8; j++) {
		char c = s[i + j];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return i;
	}
	if (s[i + 8] == ' ' || s[i + 8] == '\t' || s[i + 8] == '\0')
		return i + 8;
	return i;
}

/* Is the raw line a directive handled before lexing (.probe, .srcident)? */
static bool raw_directive(const char *s, size_t *at, const char *name)
{
	size_t i = 0, n = strlen(name);

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (strncmp(s + i, name, n) != 0 || (s[i + n] != ' ' && s[i + n] != '\t' &&
	    s[i + n] != '\0'))
		return false;
	*at = i;
	return true;
}

static void do_line(struct asm_state *st, const char *s)
{
	size_t skip, at;
	const struct dasm_tok *t;

	st->line_failed = false;
	st->pos = 0;
	dasm_line_reset(&st->lx);
	if (raw_directive(s, &at, ".probe")) {
		if (st->d.open) {
			ERR(st, (unsigned)at + 1, ".probe is valid only at the top level or "
			    "inside a .clause block");
			return;
		}
		dir_probe(st, s + at + 6, (unsigned)at + 7);
		return;
	}
	if (raw_directive(s, &at, ".srcident")) {
		if (st->d.open || st->c.open) {
			ERR(st, (unsigned)at + 1, ".srcident is valid only at the top level");
			return;
		}
		dir_srcident(st, s + at + 9, (unsigned)at + 10);
		return;
	}
	skip = skip_listing_columns(s);
	if (dasm_lex(&st->lx, s + skip, (unsigned)skip + 1) != 0) {
		if (!st->enomem)
			ERR(st, st->lx.err_col, "%s", st->lx.err);
		return;
	}
	t = peek(st);
	if (t->kind == TK_END)
		return;
	if (is_ident(t, "OFF") && is_ident(&st->lx.toks[1], "OPCODE"))
		return;		/* a listing's column header */
	if (t->kind != TK_IDENT) {
		ERR(st, t->col, "expected a directive, label or instruction, found %s", describe(t));
		return;
	}
	if (t->text[0] == '.' && !is_punct(&st->lx.toks[1], ':')) {
		st->instr_col = t->col;		/* for .word */
		next(st);
		do_directive(st, t);
		return;
	}
	if (is_punct(&st->lx.toks[1], ':')) {
		struct difo_b *d = &st->d;

		if (!d->open) {
			ERR(st, t->col, "label '%s' outside a .difo block", t->text);
			return;
		}
		if (find_label(d, t->text) != NULL) {
			ERR(st, t->col, "label '%s' is already defined", t->text);
			return;
		}
		if (!GROW(st, d->labels, d->labelcap, d->nlabels + 1))
			return;
		char *nm = xstrdup(st, t->text);
		if (nm == NULL)
			return;
		d->labels[d->nlabels] = (struct label){ nm, d->len, st->lineno };
		if (dasm_hidx_add(&d->label_idx, dasm_hash_str(nm), d->nlabels, label_hash, d) != 0) {
			free(nm);
			st->enomem = true;
			return;
		}
		d->nlabels++;
		st->pos = 2;
		t = peek(st);
		if (t->kind == TK_END)
			return;
		if (t->kind != TK_IDENT) {
			ERR(st, t->col, "expected an instruction after the label");
			return;
		}
	}
	const struct dasm_op *op = dasm_op_by_name(t->text);
	if (op == NULL) {
		ERR(st, t->col, "unknown opcode '%s'", t->text);
		return;
	}
	if (!st->d.open) {
		ERR(st, t->col, "instruction '%s' outside a .difo block", t->text);
		return;
	}
	st->instr_col = t->col;
	next(st);
	/* A failed line leaves no half-instruction behind: drop its fixups and relocations. */
	uint32_t nfix = st->d.nfix, nrels = st->d.nrels;
	if (!parse_instr(st, op) || st->line_failed) {
		while (st->d.nfix > nfix)
			free(st->d.fix[--st->d.nfix].name);
		st->d.nrels = nrels;
	}
}

/* Resolve DIFO/format references and check explicit clause ranges. */
static void resolve_refs(struct asm_state *st)
{
	struct dobj *obj = st->obj;

	for (uint32_t i = 0; i < st->nrefs; i++) {
		struct ref *r = &st->refs[i];
		bool difo = r->kind != REF_ACTION_FORMAT;
		struct names tab = difo ? difo_names(st) : fmt_names(st);
		uint32_t count = difo ? obj->ndifos : obj->nformats;
		long idx = -1;

		if (r->name != NULL) {
			idx = named_find(&tab, r->name);
			if (idx < 0) {
				report(st, r->line, r->col, "undefined %s '%s'",
				    difo ? "DIFO" : "format", r->name);
				continue;
			}
		} else {
			if (r->num >= count) {
				report(st, r->line, r->col, "%s index %u is out of range (%u defined)",
				    difo ? "DIFO" : "format", r->num, count);
				continue;
			}
			idx = r->num;
		}
		if (r->kind == REF_ACTION_DIFO)
			obj->actions[r->owner].difo = (int32_t)idx;
		else if (r->kind == REF_ACTION_FORMAT)
			obj->actions[r->owner].format = (int32_t)idx;
		else
			obj->clauses[r->owner].pred = (int32_t)idx;
	}
	for (uint32_t i = 0; i < st->nranges; i++) {
		const struct dobj_clause *c = &obj->clauses[st->ranges[i].clause];

		if ((uint64_t)c->probe_first + c->probe_count > obj->nprobes ||
		    (uint64_t)c->action_first + c->action_count > obj->nactions)
			report(st, st->ranges[i].line, st->ranges[i].col,
			    "clause range is outside the %u probes / %u actions defined",
			    obj->nprobes, obj->nactions);
	}
}

static void state_free(struct asm_state *st)
{
	difo_reset(&st->d);
	dasm_line_free(&st->lx);
	for (uint32_t i = 0; i < st->ndifos; i++)
		free(st->difos[i].name);
	for (uint32_t i = 0; i < st->nfmts; i++)
		free(st->fmts[i].name);
	for (uint32_t i = 0; i < st->nrefs; i++)
		free(st->refs[i].name);
	for (uint32_t i = 0; i < st->nids; i++)
		free(st->ids[i].name);
	free(st->difos);
	free(st->fmts);
	dasm_hidx_free(&st->id_idx);
	dasm_hidx_free(&st->difo_idx);
	dasm_hidx_free(&st->fmt_idx);
	free(st->refs);
	free(st->ids);
	free(st->ranges);
}

int dasm__assemble(const char *text, size_t len, const char *filename,
    struct dobj **out, struct dasm_sink *sink)
{
	struct dasm_sink local = { 0 };
	struct asm_state st = { 0 };
	char *buf = NULL;
	size_t bufcap = 0, i = 0;
	int rc = 0;

	*out = NULL;
	st.file = filename != NULL ? filename : "<input>";
	st.sink = sink != NULL ? sink : &local;
	unsigned errors0 = st.sink->nerrors;
	if ((st.obj = dobj__new(DOBJ_RELOCATABLE)) == NULL)
		return -ENOMEM;
	while (i < len && !st.enomem && st.sink->nerrors - errors0 < DASM_MAX_ERRORS) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl != NULL ? (size_t)(nl - (text + i)) : len - i;

		st.lineno++;
		if (n + 1 > bufcap) {
			char *nb = realloc(buf, n + 1);
			if (nb == NULL) {
				st.enomem = true;
				break;
			}
			buf = nb;
			bufcap = n + 1;
		}
		memcpy(buf, text + i, n);
		buf[n] = '\0';
		i += n + 1;
		if (memchr(text + i - n - 1, '\0', n) != NULL) {
			ERR(&st, (unsigned)strlen(buf) + 1, "NUL byte in the input");
			continue;
		}
		do_line(&st, buf);
	}
	free(buf);
	if (!st.enomem && st.d.open) {
		report(&st, st.d.line, 1, ".difo '%s' is not closed with .end",
		    st.d.name ? st.d.name : "");
	}
	if (!st.enomem && st.c.open)
		report(&st, st.c.line, 1, ".clause is not closed with .end");
	if (!st.enomem)
		resolve_refs(&st);
	if (!st.enomem && st.sink->nerrors == errors0) {
		struct dobj_err oe;

		if (dobj__check(st.obj, &oe) != 0)
			report(&st, 0, 0, "the object breaks a format rule: %s at offset %llu: %s",
			    oe.section, (unsigned long long)oe.offset, oe.msg);
	}
	if (st.enomem)
		rc = -ENOMEM;
	else if (st.sink->nerrors != errors0)
		rc = -EINVAL;
	state_free(&st);
	if (rc != 0) {
		dobj__free(st.obj);
		return rc;
	}
	*out = st.obj;
	return 0;
}
