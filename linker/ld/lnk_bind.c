/*
 * lnk_bind.c — binding relocation roots: kernel symbols and probe
 * arguments, before anything else looks at an input.
 *
 * Theory.  Three relocation flags (include/dif/dif_reloc.h) say that a
 * relocation's root is not a type name: DIF_RELOC_F_SYMBOL (a kernel symbol
 * "sym" or "mod`sym"), DIF_RELOC_F_ARG ("args[N]", what argument N of the
 * clause's probe points to) and DIF_RELOC_F_BUILTIN ("curthread", what the
 * built-in points to on the target).  Binding turns every such relocation into
 * ordinary relocatable DIF on a private copy of the input, so that the
 * validator, the typer and lnk_reloc.c see only plain relocations:
 *
 *   member_offset("sym", symbol)        usetx -> setx <address>    (reloc dropped)
 *   member_offset("sym", "m", symbol)   setx <address + offset of m in the symbol's type>
 *   load("sym", symbol)                 BTF VAR sym: load("<its type>")
 *                                       else a symbol size 1/2/4/8: ld{u}{b,h,w}/ldx
 *   store("sym", symbol)                likewise: store("<its type>") or st{b,h,w,x}
 *   type_size("sym", symbol)            BTF VAR: type_size("<its type>"), else setx size
 *   K("*sym", path, symbol)             K("<what sym's BTF type points to>", path)
 *   K("args[N]", path, arg)             K("<pointee of arg N>", path)
 *   K("curthread", path, builtin)       K("<pointee of the profile's curthread>", path)
 *
 * Symbols come from a symbol source read once per link and only when an
 * input needs one: lnk_opts.symbols, else /proc/kallsyms (linking for the
 * running host).  Two formats, told apart per line: kallsyms / `nm`
 * ("ADDR T name [module]") and `nm -S` ("ADDR SIZE T name").  A name
 * defined at several addresses is ambiguous unless qualified by module.
 *
 * Probe arguments are bound for fbt-style probes (provider fbt, a named
 * function): args[N] of :entry is parameter N of the function's BTF
 * prototype, args[1] of :return its return type.  Every probe of the
 * clause must give the same type.  Anything else is a link error naming
 * the probe.
 *
 * Built-in roots follow the typefile's target profile, detected from the
 * types it defines (typ_profile__detect: struct task_struct is Linux,
 * struct thread with struct proc is FreeBSD); curthread's pointee is what
 * typ_profile__builtin_type gives, so one object links for either OS.
 *
 * A guarded relocation (F_GUARDED: code only a type_exists test lets run)
 * whose root this target lacks is left as it is, root flag and all, with no
 * error: a built-in the profile cannot type, a kernel symbol neither the
 * typefile nor a readable symbol source knows, a "*sym" without a BTF
 * variable, an args[N] of an fbt function the typefile has no prototype
 * for.  lnk_reloc.c poisons what still carries a root flag.  Any other
 * failure (an unreadable symbol source, a non-fbt probe, a missing member
 * of a root that is there) is reported as for an unguarded relocation.
 * Read lnk_link.c (the caller) next.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnk_impl.h"
#include "typ_typefile.h"

/* --- The symbol source ---------------------------------------------------- */

struct lnk_sym {
	char		*name;
	char		*module;	/* "" for the core kernel */
	uint64_t	addr;
	uint64_t	size;		/* 0 when unknown */
};

struct lnk_syms {
	char		*path;
	struct lnk_sym	*v;
	size_t		n, cap;
	int		err;		/* open failure (-errno), 0 */
	bool		all_zero;	/* every address 0: hidden (kptr_restrict) */
};

void lnk_syms_free(struct lnk_syms *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].module);
	}
	free(s->v);
	free(s->path);
	free(s);
}

static bool hex(const char *t, uint64_t *v)
{
	char *end;

	if (t == NULL || *t == '\0')
		return false;
	errno = 0;
	*v = strtoull(t, &end, 16);
	return errno == 0 && *end == '\0';
}

/* One line: "ADDR T name [mod]" or "ADDR SIZE T name"; 0, 1 skipped, -ENOMEM. */
static int parse_line(struct lnk_syms *s, char *line)
{
	char *tok[5] = { 0 };
	int n = 0;
	uint64_t addr, size = 0;

	for (char *p = strtok(line, " \t\n"); p && n < 5; p = strtok(NULL, " \t\n"))
		tok[n++] = p;
	if (n < 3 || !hex(tok[0], &addr))
		return 1;
	const char *name = tok[2], *mod = n > 3 ? tok[3] : "";
	if (n == 4 && strlen(tok[2]) == 1 && hex(tok[1], &size)) {
		name = tok[3];		/* nm -S: ADDR SIZE TYPE NAME */
		mod = "";
	} else if (strlen(tok[1]) != 1) {
		return 1;
	}
	if (mod[0] == '[') {
		mod++;
		size_t l = strlen(mod);
		if (l && mod[l - 1] == ']')
			((char *)mod)[l - 1] = '\0';
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		void *nv = realloc(s->v, cap * sizeof(*s->v));
		if (nv == NULL)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	struct lnk_sym *e = &s->v[s->n];
	e->name = strdup(name);
	e->module = strdup(mod);
	if (e->name == NULL || e->module == NULL) {
		free(e->name);
		free(e->module);
		return -ENOMEM;
	}
	e->addr = addr;
	e->size = size;
	s->n++;
	if (addr != 0)
		s->all_zero = false;
	return 0;
}

/*
 * Read a symbol source from f (NULL: record errno as the open failure);
 * `name` is used in messages.  NULL only when out of memory.  A line longer
 * than the buffer is read in pieces; each piece is parsed on its own, so
 * hostile input can only add unusable names, never overflow.
 */
struct lnk_syms *lnk_syms_read(FILE *f, const char *name)
{
	struct lnk_syms *s = calloc(1, sizeof(*s));
	char line[1024];

	if (s == NULL || (s->path = strdup(name)) == NULL) {
		free(s);
		return NULL;
	}
	s->all_zero = true;
	if (f == NULL) {
		s->err = errno ? -errno : -EIO;
		return s;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (parse_line(s, line) == -ENOMEM) {
			lnk_syms_free(s);
			return NULL;
		}
	}
	return s;
}

static struct lnk_syms *syms_load(const char *path)
{
	FILE *f = fopen(path, "r");
	struct lnk_syms *s = lnk_syms_read(f, path);

	if (f != NULL)
		fclose(f);
	return s;
}

/*
 * Find "sym" or "mod`sym".  0 and *out, -ENOENT, or -EEXIST (several
 * addresses; *out is the first, *count how many).
 */
static int syms_find(const struct lnk_syms *s, const char *qname, const struct lnk_sym **out,
    unsigned *count)
{
	const char *bq = strchr(qname, '`');
	size_t ml = bq ? (size_t)(bq - qname) : 0;
	const char *name = bq ? bq + 1 : qname;
	const struct lnk_sym *first = NULL;
	unsigned n = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct lnk_sym *e = &s->v[i];
		if (strcmp(e->name, name) != 0)
			continue;
		if (bq && !(strlen(e->module) == ml && strncmp(e->module, qname, ml) == 0) &&
		    !(e->module[0] == '\0' && ml == 7 && strncmp(qname, "vmlinux", 7) == 0))
			continue;
		if (first != NULL && e->addr == first->addr)
			continue;
		if (first == NULL)
			first = e;
		n++;
	}
	*out = first;
	*count = n;
	return n == 0 ? -ENOENT : n > 1 ? -EEXIST : 0;
}

int lnk_syms_lookup(const struct lnk_syms *s, const char *qname, uint64_t *addr,
    uint64_t *size)
{
	const struct lnk_sym *e;
	unsigned count;
	int rc = s->err ? s->err : syms_find(s, qname, &e, &count);

	if (rc == 0) {
		*addr = e->addr;
		*size = e->size;
	}
	return rc;
}

/* --- One input ------------------------------------------------------------ */

struct bind {
	struct lnk_ctx		*cx;
	struct dobj		*obj;		/* the private copy being bound */
	const char		*inname;
	const char		*symfile;
	struct lnk_syms		**syms;
	int32_t			*clause_of;	/* DIFO -> first clause using it, -1 */
};

static void probe_text(const struct dobj *o, const struct dobj_probe *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%s:%s:%s", dobj__str(o, p->provider), dobj__str(o, p->module),
	    dobj__str(o, p->function), dobj__str(o, p->name));
}

/* Report at the relocation's source position, naming its clause. */
static int bind_error(struct bind *b, uint32_t difo, uint32_t pc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bind_error(struct bind *b, uint32_t difo, uint32_t pc, const char *fmt, ...)
{
	const struct dobj_difo *d = &b->obj->difos[difo];
	int32_t c = b->clause_of[difo];
	char probe[512] = "?", msg[700];
	struct lnk_where w = { b->obj, b->inname, c >= 0 ? (uint32_t)c + 1 : 0, probe, { 0 } };
	va_list ap;

	if (c >= 0) {
		const struct dobj_clause *cl = &b->obj->clauses[c];
		w.pos = cl->pos;
		if (cl->probe_count > 0)
			probe_text(b->obj, &b->obj->probes[cl->probe_first], probe, sizeof(probe));
	}
	for (uint32_t i = 0; i < d->nlines && d->lines[i].pc <= pc; i++)
		w.pos = d->lines[i].pos;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lnk_error(b->cx, &w, &w.pos, "%s", msg);
	return -EINVAL;
}

static int need_syms(struct bind *b)
{
	if (*b->syms == NULL && (*b->syms = syms_load(b->symfile)) == NULL)
		return -ENOMEM;
	return 0;
}

/* The symbol's BTF variable type (typedefs kept), or -ENOENT. */
static int64_t var_type(struct bind *b, const char *qname)
{
	const char *bq = strchr(qname, '`');
	typ_id_t id;
	struct typ_info info;

	if (b->cx->tf == NULL ||
	    typ_file__find(b->cx->tf, TYP_NS_VAR, bq ? bq + 1 : qname, &id, 1) < 1 ||
	    typ_file__info(b->cx->tf, id, &info) < 0)
		return -ENOENT;
	return info.ref;
}

static int type_name(struct bind *b, typ_id_t id, char *buf, size_t n)
{
	if (typ_file__to_string(b->cx->tf, id, buf, n) < 0 || buf[0] == '\0')
		return -ENOENT;
	return 0;
}

/* The symbol's entry in the symbol source, or a reported error. */
static int symbol(struct bind *b, uint32_t difo, uint32_t pc, const char *qname,
    const struct lnk_sym **out)
{
	unsigned count;
	int rc;

	if ((rc = need_syms(b)) != 0)
		return rc;
	const struct lnk_syms *s = *b->syms;
	if (s->err != 0)
		return bind_error(b, difo, pc, "kernel symbol `%s: cannot read the symbol source "
		    "%s: %s (give one with --symbols FILE)", qname, s->path, strerror(-s->err));
	rc = syms_find(s, qname, out, &count);
	if (rc == -ENOENT)
		return bind_error(b, difo, pc, "unresolved kernel symbol `%s: not in %s",
		    qname, s->path);
	if (rc == -EEXIST)
		return bind_error(b, difo, pc, "kernel symbol `%s is ambiguous: %u addresses in "
		    "%s (qualify it with its module, mod`%s)", qname, count, s->path,
		    strchr(qname, '`') ? strchr(qname, '`') + 1 : qname);
	if (s->all_zero)
		return bind_error(b, difo, pc, "kernel symbol `%s: every address in %s is 0 "
		    "(hidden by kptr_restrict? read it as root or give --symbols FILE)", qname,
		    s->path);
	return 0;
}

/* Argument N's pointee type for one probe, or a reported error. */
static int arg_pointee(struct bind *b, uint32_t difo, uint32_t pc, const struct dobj_probe *p,
    unsigned argn, char *buf, size_t n)
{
	struct typ_file *tf = b->cx->tf;
	const char *prov = dobj__str(b->obj, p->provider), *fn = dobj__str(b->obj, p->function);
	const char *name = dobj__str(b->obj, p->name);
	char pt[512];
	typ_id_t fid;
	struct typ_info info;
	struct typ_param par;
	int64_t t;

	probe_text(b->obj, p, pt, sizeof(pt));
	if (strcmp(prov, "fbt") != 0 || fn[0] == '\0' || strpbrk(fn, "*?[") != NULL ||
	    (strcmp(name, "entry") != 0 && strcmp(name, "return") != 0))
		return bind_error(b, difo, pc, "the type of args[%u] of probe %s is not known to "
		    "the linker (only fbt entry/return probes of a named function have typed "
		    "arguments): cast it, e.g. ((struct T *)args[%u])", argn, pt, argn);
	if (tf == NULL || typ_file__find(tf, TYP_NS_FUNC, fn, &fid, 1) < 1 ||
	    typ_file__info(tf, fid, &info) < 0 || typ_file__info(tf, info.ref, &info) < 0 ||
	    info.kind != TYP_FUNC_PROTO)
		return bind_error(b, difo, pc, "args[%u] of probe %s: the typefile has no "
		    "prototype of function %s", argn, pt, fn);
	typ_file__info(tf, fid, &info);
	typ_id_t proto = info.ref;
	typ_file__info(tf, proto, &info);
	if (strcmp(name, "return") == 0) {
		if (argn != 1)
			return bind_error(b, difo, pc, "args[%u] of return probe %s is not a "
			    "pointer (args[1] is the return value)", argn, pt);
		t = info.ref;
	} else {
		if (argn >= info.vlen || typ_file__param(tf, proto, argn, &par) < 0 ||
		    par.type == 0)
			return bind_error(b, difo, pc, "probe %s has no args[%u] (%s takes %u "
			    "arguments)", pt, argn, fn, info.vlen);
		t = par.type;
	}
	if ((t = typ_file__resolve(tf, (typ_id_t)t)) < 0 ||
	    typ_file__info(tf, (typ_id_t)t, &info) < 0 || info.kind != TYP_PTR)
		return bind_error(b, difo, pc, "args[%u] of probe %s is not a pointer", argn, pt);
	typ_id_t pe = info.ref;
	while (typ_file__info(tf, pe, &info) == 0 && (info.kind == TYP_CONST ||
	    info.kind == TYP_VOLATILE || info.kind == TYP_RESTRICT))
		pe = info.ref;
	if (type_name(b, pe, buf, n) != 0)
		return bind_error(b, difo, pc, "args[%u] of probe %s points to a type without a "
		    "name", argn, pt);
	return 0;
}

/* One "args[N]" root: the same pointee name for every probe of the clause. */
static int bind_arg(struct bind *b, uint32_t difo, struct dif_reloc *r)
{
	unsigned argn = (unsigned)strtoul(dobj__str(b->obj, r->dtr_type) + 5, NULL, 10);
	int32_t c = b->clause_of[difo];
	char name[512], other[512];
	int rc;

	if (c < 0)
		return bind_error(b, difo, r->dtr_pc, "args[%u] in a DIFO no clause uses", argn);
	const struct dobj_clause *cl = &b->obj->clauses[c];
	for (uint32_t i = 0; i < cl->probe_count; i++) {
		const struct dobj_probe *p = &b->obj->probes[cl->probe_first + i];
		if ((rc = arg_pointee(b, difo, r->dtr_pc, p, argn, i ? other : name,
		    sizeof(name))) != 0)
			return rc;
		if (i > 0 && strcmp(name, other) != 0) {
			char pt[512];
			probe_text(b->obj, p, pt, sizeof(pt));
			return bind_error(b, difo, r->dtr_pc, "args[%u] is a %s * in one probe "
			    "of the clause and a %s * in %s: cast it", argn, name, other, pt);
		}
	}
	if (cl->probe_count == 0)
		return bind_error(b, difo, r->dtr_pc, "args[%u] in a clause without probes", argn);
	r->dtr_type = dobj__intern(b->obj, name);
	r->dtr_flags &= (uint16_t)~DIF_RELOC_F_ARG;
	return r->dtr_type ? 0 : -ENOMEM;
}

static int add_int(struct dobj_difo *d, uint64_t v, uint32_t *idx)
{
	for (uint32_t i = 0; i < d->intlen; i++)
		if (d->inttab[i] == v) {
			*idx = i;
			return 0;
		}
	if (d->intlen >= 0xffff)
		return -E2BIG;
	uint64_t *t = malloc((d->intlen + 1) * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	if (d->intlen)
		memcpy(t, d->inttab, d->intlen * sizeof(*t));
	t[d->intlen] = v;
	*idx = d->intlen;
	int rc = dobj_difo__set_inttab(d, t, d->intlen + 1);
	free(t);
	return rc;
}

static uint8_t load_op(unsigned size)
{
	switch (size) {
	case 1:  return DIF_OP_LDUB;
	case 2:  return DIF_OP_LDUH;
	case 4:  return DIF_OP_LDUW;
	default: return DIF_OP_LDX;
	}
}

/*
 * A "*sym" root (`sym->m, *`sym): the type sym's BTF variable type points
 * to (or, for an array, its element), as a plain type-named relocation.
 */
static int bind_pointee(struct bind *b, uint32_t difo, struct dif_reloc *r)
{
	const char *qname = dobj__str(b->obj, r->dtr_type) + 1;
	int64_t vt = var_type(b, qname);
	struct typ_info info;
	char tname[512];

	if (vt < 0)
		return bind_error(b, difo, r->dtr_pc, "*`%s: the typefile has no type for kernel "
		    "symbol `%s (no BTF variable): cast it, e.g. *(struct T **)&`%s", qname,
		    qname, qname);
	int64_t t = typ_file__resolve(b->cx->tf, (typ_id_t)vt);
	if (t < 0 || typ_file__info(b->cx->tf, (typ_id_t)t, &info) < 0 ||
	    (info.kind != TYP_PTR && info.kind != TYP_ARRAY))
		return bind_error(b, difo, r->dtr_pc, "*`%s: kernel symbol `%s is not a pointer "
		    "or an array", qname, qname);
	typ_id_t pe = info.ref;
	while (typ_file__info(b->cx->tf, pe, &info) == 0 && (info.kind == TYP_CONST ||
	    info.kind == TYP_VOLATILE || info.kind == TYP_RESTRICT))
		pe = info.ref;
	if (type_name(b, pe, tname, sizeof(tname)) != 0)
		return bind_error(b, difo, r->dtr_pc, "*`%s: kernel symbol `%s points to a type "
		    "without a name", qname, qname);
	r->dtr_type = dobj__intern(b->obj, tname);
	r->dtr_flags &= (uint16_t)~DIF_RELOC_F_SYMBOL;
	return r->dtr_type ? 0 : -ENOMEM;
}

/*
 * A built-in root: the type the variable points to under the typefile's
 * target profile (curthread: struct thread on FreeBSD, struct task_struct
 * on Linux), as a plain type-named relocation.
 */
static int bind_builtin(struct bind *b, uint32_t difo, struct dif_reloc *r)
{
	const char *var = dobj__str(b->obj, r->dtr_type);
	struct typ_file *tf = b->cx->tf;
	const struct typ_profile *p = tf ? typ_profile__get(typ_profile__detect(tf)) : NULL;
	struct typ_err e = { "" };
	struct typ_info info;
	char tname[512];

	if (tf == NULL)
		return bind_error(b, difo, r->dtr_pc, "%s: its type comes from the target and "
		    "no typefile is given", var);
	if (p == NULL)
		return bind_error(b, difo, r->dtr_pc, "%s: cannot tell the target OS from the "
		    "typefile %s: it defines neither struct task_struct (linux) nor struct "
		    "thread and struct proc (freebsd)", var, typ_file__path(tf));
	const struct typ_builtin *bi = typ_profile__builtin(p, var);
	int64_t t = typ_profile__builtin_type(p, tf, var, &e);
	if (t >= 0)
		t = typ_file__resolve(tf, (typ_id_t)t);
	if (t < 0 || typ_file__info(tf, (typ_id_t)t, &info) < 0 || info.kind != TYP_PTR)
		return bind_error(b, difo, r->dtr_pc, "%s: the typefile %s has no %s (the %s "
		    "target's type of %s)", var, typ_file__path(tf), bi && bi->ctype ?
		    bi->ctype : "pointer type", p->name, var);
	typ_id_t pe = info.ref;
	while (typ_file__info(tf, pe, &info) == 0 && (info.kind == TYP_CONST ||
	    info.kind == TYP_VOLATILE || info.kind == TYP_RESTRICT))
		pe = info.ref;
	if (type_name(b, pe, tname, sizeof(tname)) != 0)
		return bind_error(b, difo, r->dtr_pc, "%s points to a type without a name in "
		    "the typefile %s", var, typ_file__path(tf));
	r->dtr_type = dobj__intern(b->obj, tname);
	r->dtr_flags &= (uint16_t)~DIF_RELOC_F_BUILTIN;
	return r->dtr_type ? 0 : -ENOMEM;
}

/*
 * One symbol root.  Returns 0 and *drop when the instruction was rewritten
 * to plain DIF (the relocation goes), 0 when it became a plain relocation.
 */
static int bind_symbol(struct bind *b, uint32_t difo, struct dif_reloc *r, bool *drop)
{
	struct dobj_difo *d = &b->obj->difos[difo];
	const char *qname = dobj__str(b->obj, r->dtr_type);
	const char *member = r->dtr_member ? dobj__str(b->obj, r->dtr_member) : "";
	dif_instr_t *ins = &d->text[r->dtr_pc];
	int64_t vt = var_type(b, qname);
	const struct lnk_sym *s = NULL;
	char tname[512];
	uint32_t k;
	int rc;

	*drop = false;
	if (qname[0] == '*')
		return bind_pointee(b, difo, r);
	if (vt >= 0 && type_name(b, (typ_id_t)vt, tname, sizeof(tname)) != 0)
		vt = -ENOENT;
	/* `sym.a->b: an offset inside what a points to, not an address: a
	 * plain relocation on the symbol's type (code added the loaded a). */
	if (r->dtr_kind == DIF_RELOC_MEMBER_OFFSET && strstr(member, "->") != NULL) {
		if (vt < 0)
			return bind_error(b, difo, r->dtr_pc, "`%s.%s: the typefile has no "
			    "type for kernel symbol `%s", qname, member, qname);
		r->dtr_type = dobj__intern(b->obj, tname);
		r->dtr_flags &= (uint16_t)~DIF_RELOC_F_SYMBOL;
		return r->dtr_type ? 0 : -ENOMEM;
	}
	switch (r->dtr_kind) {
	case DIF_RELOC_MEMBER_OFFSET: {
		if ((rc = symbol(b, difo, r->dtr_pc, qname, &s)) != 0)
			return rc;
		uint64_t addr = s->addr;
		if (member[0] != '\0') {
			struct typ_access a;
			struct typ_err e = { "" };
			if (vt < 0)
				return bind_error(b, difo, r->dtr_pc, "`%s.%s: the typefile has no "
				    "type for kernel symbol `%s", qname, member, qname);
			if (typ_file__member_path(b->cx->tf, (typ_id_t)vt, member, &a, &e) < 0 ||
			    a.bit_offset % 8 != 0)
				return bind_error(b, difo, r->dtr_pc, "`%s.%s: no such member in %s",
				    qname, member, tname);
			addr += a.bit_offset / 8;
		}
		if ((rc = add_int(d, addr, &k)) != 0)
			return rc == -E2BIG ? bind_error(b, difo, r->dtr_pc, "too many integer "
			    "constants in one DIFO") : rc;
		*ins = DIF_INSTR_IMM16(DIF_OP_SETX, k, DIF_INSTR_RD(*ins));
		*drop = true;
		return 0;
	}
	case DIF_RELOC_LOAD:
	case DIF_RELOC_ULOAD:
	case DIF_RELOC_STORE:
	case DIF_RELOC_TYPE_SIZE:
		break;
	default:
		return bind_error(b, difo, r->dtr_pc, "kernel symbol `%s: relocation kind %u "
		    "cannot have a symbol root", qname, r->dtr_kind);
	}
	if (vt >= 0) {		/* the target knows the variable's type */
		r->dtr_type = dobj__intern(b->obj, tname);
		r->dtr_flags &= (uint16_t)~DIF_RELOC_F_SYMBOL;
		return r->dtr_type ? 0 : -ENOMEM;
	}
	if ((rc = symbol(b, difo, r->dtr_pc, qname, &s)) != 0)
		return rc;
	if (s->size == 0 || (r->dtr_kind != DIF_RELOC_TYPE_SIZE && s->size != 1 &&
	    s->size != 2 && s->size != 4 && s->size != 8))
		return bind_error(b, difo, r->dtr_pc, "the type of kernel symbol `%s is unknown "
		    "(no BTF variable in the typefile, %s in %s): cast its address, e.g. "
		    "*(int *)&`%s", qname, s->size ? "a size that is no scalar's" : "no size",
		    (*b->syms)->path, qname);
	if (r->dtr_kind == DIF_RELOC_TYPE_SIZE) {
		if ((rc = add_int(d, s->size, &k)) != 0)
			return rc == -E2BIG ? bind_error(b, difo, r->dtr_pc, "too many integer "
			    "constants in one DIFO") : rc;
		*ins = DIF_INSTR_IMM16(DIF_OP_SETX, k, DIF_INSTR_RD(*ins));
	} else if (r->dtr_kind == DIF_RELOC_STORE) {
		static const uint8_t st[9] = { 0, DIF_OP_STB, DIF_OP_STH, 0, DIF_OP_STW,
			0, 0, 0, DIF_OP_STX };
		*ins = DIF_INSTR_FMT(st[s->size], DIF_INSTR_R1(*ins), 0, DIF_INSTR_RD(*ins));
	} else {
		uint8_t op = load_op((unsigned)s->size);
		if (r->dtr_kind == DIF_RELOC_ULOAD)
			op = (uint8_t)(op + DIF_OP_ULD_DELTA);
		*ins = DIF_INSTR_FMT(op, DIF_INSTR_R1(*ins), 0, DIF_INSTR_RD(*ins));
	}
	*drop = true;
	return 0;
}

/* Is every probe's fbt function of the clause without a prototype here? */
static bool arg_root_absent(struct bind *b, uint32_t difo)
{
	int32_t c = b->clause_of[difo];
	typ_id_t fid;

	if (c < 0 || b->obj->clauses[c].probe_count == 0)
		return false;
	const struct dobj_clause *cl = &b->obj->clauses[c];
	for (uint32_t i = 0; i < cl->probe_count; i++) {
		const struct dobj_probe *p = &b->obj->probes[cl->probe_first + i];
		const char *fn = dobj__str(b->obj, p->function);
		if (strcmp(dobj__str(b->obj, p->provider), "fbt") != 0 || fn[0] == '\0' ||
		    typ_file__find(b->cx->tf, TYP_NS_FUNC, fn, &fid, 1) >= 1)
			return false;
	}
	return true;
}

/*
 * A guarded relocation whose root the target lacks (see the theory
 * comment); -ENOMEM when reading the symbol source ran out of memory.
 */
static int guarded_absent(struct bind *b, uint32_t difo, const struct dif_reloc *r)
{
	struct typ_file *tf = b->cx->tf;
	const char *name = dobj__str(b->obj, r->dtr_type);
	uint64_t addr, size;

	if (!(r->dtr_flags & DIF_RELOC_F_GUARDED) || tf == NULL)
		return 0;
	if (r->dtr_flags & DIF_RELOC_F_BUILTIN) {
		const struct typ_profile *p = typ_profile__get(typ_profile__detect(tf));
		struct typ_err e = { "" };
		return p == NULL || typ_profile__builtin_type(p, tf, name, &e) < 0;
	}
	if (r->dtr_flags & DIF_RELOC_F_ARG)
		return arg_root_absent(b, difo);
	if (!(r->dtr_flags & DIF_RELOC_F_SYMBOL))
		return 0;
	if (name[0] == '*')
		return var_type(b, name + 1) < 0;
	if (var_type(b, name) >= 0)
		return 0;
	if (need_syms(b) != 0)
		return -ENOMEM;
	return (*b->syms)->err == 0 && lnk_syms_lookup(*b->syms, name, &addr, &size) == -ENOENT;
}

/* Bind every rooted relocation of one DIFO, then drop those rewritten away. */
static int bind_difo(struct bind *b, uint32_t difo)
{
	struct dobj_difo *d = &b->obj->difos[difo];
	uint32_t *newidx = malloc((d->rellen + 1) * sizeof(*newidx));
	struct dif_reloc *keep = malloc((d->rellen + 1) * sizeof(*keep));
	uint32_t nkeep = 0;
	int rc = 0, bad = 0;

	if (newidx == NULL || keep == NULL) {
		free(newidx);
		free(keep);
		return -ENOMEM;
	}
	uint32_t failed = 0;	/* root that failed: said once per DIFO */
	for (uint32_t j = 0; j < d->rellen; j++) {
		struct dif_reloc r = d->reltab[j];
		bool drop = false;
		int absent = (r.dtr_flags & DIF_RELOC_F_ROOTS) ? guarded_absent(b, difo, &r) : 0;
		if (absent < 0)
			rc = absent;
		else if (absent)
			rc = 0;		/* left rooted: lnk_reloc.c poisons it */
		else if ((r.dtr_flags & DIF_RELOC_F_ROOTS) && r.dtr_type == failed)
			rc = -EINVAL;
		else if (r.dtr_flags & DIF_RELOC_F_ARG)
			rc = bind_arg(b, difo, &r);
		else if (r.dtr_flags & DIF_RELOC_F_BUILTIN)
			rc = bind_builtin(b, difo, &r);
		else if (r.dtr_flags & DIF_RELOC_F_SYMBOL)
			rc = bind_symbol(b, difo, &r, &drop);
		else
			rc = 0;
		if (rc == -ENOMEM)
			break;
		if (rc != 0)
			failed = r.dtr_type;
		bad |= rc != 0;
		rc = 0;
		newidx[j] = nkeep;
		if (!drop)
			keep[nkeep++] = r;
	}
	for (uint32_t pc = 0; rc == 0 && pc < d->len; pc++) {
		uint8_t op = DIF_INSTR_OP(d->text[pc]);
		if (op != DIF_OP_USETX && op != DIF_OP_TYPECAST)
			continue;
		uint32_t old = DIF_INSTR_RELOC(d->text[pc]);
		if (old < d->rellen)
			d->text[pc] = DIF_INSTR_IMM16(op, newidx[old], DIF_INSTR_RD(d->text[pc]));
	}
	if (rc == 0 && !bad)
		rc = dobj_difo__set_reltab(d, keep, nkeep);
	free(newidx);
	free(keep);
	return rc ? rc : bad ? -EINVAL : 0;
}

static bool has_roots(const struct dobj *o)
{
	for (uint32_t i = 0; i < o->ndifos; i++)
		for (uint32_t j = 0; j < o->difos[i].rellen; j++)
			if (o->difos[i].reltab[j].dtr_flags & DIF_RELOC_F_ROOTS)
				return true;
	return false;
}

static int copy_object(struct dobj *in, struct dobj **out)
{
	void *buf = NULL;
	size_t len = 0;
	struct dobj_err e;
	int rc = dobj__write_mem(in, &buf, &len);

	if (rc == 0)
		rc = dobj__read_mem(buf, len, out, &e);
	free(buf);
	if (rc == 0)
		memcpy((*out)->ident, in->ident, DOBJ_IDENT_LEN);
	return rc == -ENOMEM ? rc : rc ? -EIO : 0;
}

int lnk_bind_input(struct lnk_ctx *cx, const char *inname, struct dobj *in,
    const char *symfile, struct lnk_syms **syms, struct dobj **out)
{
	struct bind b = { cx, NULL, inname, symfile ? symfile : LNK_DEFAULT_SYMBOLS, syms, NULL };
	int rc, bad = 0;

	*out = NULL;
	if (!has_roots(in))
		return 0;
	if ((rc = copy_object(in, &b.obj)) != 0) {
		if (rc != -ENOMEM)
			lnk_error_plain(cx, inname, "cannot copy the object to bind its relocations");
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if ((b.clause_of = malloc((b.obj->ndifos + 1) * sizeof(int32_t))) == NULL) {
		dobj__free(b.obj);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < b.obj->ndifos; i++)
		b.clause_of[i] = -1;
	for (uint32_t c = b.obj->nclauses; c-- > 0;) {
		const struct dobj_clause *cl = &b.obj->clauses[c];
		if (cl->pred >= 0 && (uint32_t)cl->pred < b.obj->ndifos)
			b.clause_of[cl->pred] = (int32_t)c;
		for (uint32_t a = 0; a < cl->action_count; a++) {
			int32_t di = b.obj->actions[cl->action_first + a].difo;
			if (di >= 0 && (uint32_t)di < b.obj->ndifos)
				b.clause_of[di] = (int32_t)c;
		}
	}
	for (uint32_t i = 0; i < b.obj->ndifos; i++) {
		if ((rc = bind_difo(&b, i)) == -ENOMEM)
			break;
		bad |= rc != 0;
		rc = 0;
	}
	free(b.clause_of);
	if (rc != 0 || bad) {
		dobj__free(b.obj);
		return rc ? rc : -EINVAL;
	}
	*out = b.obj;
	return 0;
}
