/*
 * typefile_lookup.c — find types by C name, walk member paths, suggest
 * near names, and synthesise derived types a file lacks.
 *
 * Derived types: a D program may name "struct proc *" or "char [32]" although
 * the guest's BTF never spelled that exact type.  typ_file__pointer_to /
 * typ_file__array_of first look in the derived index (kind, ref, nelems) ->
 * id, built on first use from every pointer/array/qualifier of the file;
 * when absent they append a synthetic type (id >= n).  Synthetic base ints
 * ("unsigned long long" in a file that never used it) get LP64 sizes.
 * Synthetic ids are stable for the life of the typ_file and are written
 * out by typefile_min.c like any other type.
 *
 * Member paths follow C's rules for anonymous members: a name not found
 * directly is searched in anonymous struct/union members, depth first in
 * member order, offsets accumulating.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typefile_impl.h"

/* --- derived index and synthetic types ------------------------------- */

static uint32_t derived_hash(enum typ_kind kind, typ_id_t ref, uint32_t nelems)
{
	uint64_t x = ((uint64_t)kind << 56) ^ ((uint64_t)ref << 20) ^ nelems;
	x *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x >> 32) | 1;
}

static void derived_key(const struct typ_file *tf, typ_id_t id, enum typ_kind *kind,
			typ_id_t *ref, uint32_t *nelems)
{
	struct typ_info ti;
	typ_file__info(tf, id, &ti);
	*kind = ti.kind;
	*ref = ti.ref;
	*nelems = ti.kind == TYP_ARRAY ? ti.nelems : 0;
}

static bool is_derived_kind(enum typ_kind k)
{
	return k == TYP_PTR || k == TYP_ARRAY || k == TYP_CONST || k == TYP_VOLATILE ||
	       k == TYP_RESTRICT;
}

static int derived_put(struct typ_file *tf, typ_id_t id)
{
	struct typ_table *tab = &tf->derived;
	if ((tab->used + 1) * 2 > tab->mask + 1) {
		uint32_t cap = (tab->mask + 1) * 2;
		struct typ_slot *ns = calloc(cap, sizeof(*ns));
		if (ns == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i <= tab->mask; i++) {
			if (tab->slots[i].hash == 0)
				continue;
			uint32_t j = tab->slots[i].hash & (cap - 1);
			while (ns[j].hash != 0)
				j = (j + 1) & (cap - 1);
			ns[j] = tab->slots[i];
		}
		free(tab->slots);
		tab->slots = ns;
		tab->mask = cap - 1;
	}
	enum typ_kind k;
	typ_id_t ref;
	uint32_t ne;
	derived_key(tf, id, &k, &ref, &ne);
	uint32_t h = derived_hash(k, ref, ne);
	uint32_t i = h & tab->mask;
	while (tab->slots[i].hash != 0)
		i = (i + 1) & tab->mask;
	tab->slots[i].hash = h;
	tab->slots[i].id = id;
	tab->used++;
	return 0;
}

int typ_build_derived(struct typ_file *tf)
{
	if (tf->derived_built)
		return 0;
	tf->derived.slots = calloc(1024, sizeof(*tf->derived.slots));
	if (tf->derived.slots == NULL)
		return -ENOMEM;
	tf->derived.mask = 1023;
	for (typ_id_t id = 1; id < tf->n + tf->nsyn; id++) {
		if (!is_derived_kind(typ_kind_of(tf, id)))
			continue;
		int rc = derived_put(tf, id);
		if (rc < 0)
			return rc;
	}
	tf->derived_built = true;
	return 0;
}

static int64_t add_syn(struct typ_file *tf, const struct typ_syn *s)
{
	if (tf->nsyn == tf->csyn) {
		uint32_t cap = tf->csyn ? tf->csyn * 2 : 16;
		struct typ_syn *ns = realloc(tf->syn, cap * sizeof(*ns));
		if (ns == NULL)
			return -ENOMEM;
		tf->syn = ns;
		tf->csyn = cap;
	}
	if ((uint64_t)tf->n + tf->nsyn >= UINT32_MAX)
		return -EOVERFLOW;
	tf->syn[tf->nsyn++] = *s;
	return tf->n + tf->nsyn - 1;
}

static int64_t derived(struct typ_file *tf, enum typ_kind kind, typ_id_t ref, uint32_t nelems)
{
	if (!typ_valid_id(tf, ref))
		return -ENOENT;
	int rc = typ_build_derived(tf);
	if (rc < 0)
		return rc;
	uint32_t h = derived_hash(kind, ref, nelems);
	const struct typ_table *tab = &tf->derived;
	for (uint32_t i = h & tab->mask; tab->slots[i].hash != 0; i = (i + 1) & tab->mask) {
		enum typ_kind k;
		typ_id_t r;
		uint32_t ne;
		if (tab->slots[i].hash != h)
			continue;
		derived_key(tf, tab->slots[i].id, &k, &r, &ne);
		if (k == kind && r == ref && ne == nelems)
			return tab->slots[i].id;
	}
	struct typ_syn s = { .kind = kind, .ref = ref, .nelems = nelems };
	int64_t id = add_syn(tf, &s);
	if (id < 0)
		return id;
	rc = derived_put(tf, (typ_id_t)id);
	return rc < 0 ? rc : id;
}

int64_t typ_file__pointer_to(struct typ_file *tf, typ_id_t id)
{
	return derived(tf, TYP_PTR, id, 0);
}

int64_t typ_file__array_of(struct typ_file *tf, typ_id_t id, uint32_t nelems)
{
	return derived(tf, TYP_ARRAY, id, nelems);
}

/* An int of the file with this canonical name, else a synthetic one. */
static int64_t base_int(struct typ_file *tf, const char *canon, uint8_t size, bool is_signed)
{
	typ_id_t ids[4];
	int n = typ_file__find(tf, TYP_NS_ORDINARY, canon, ids, 4);
	for (int i = 0; i < n && i < 4; i++)
		if (typ_kind_of(tf, ids[i]) == TYP_INT)
			return ids[i];
	for (uint32_t i = 0; i < tf->nsyn; i++)
		if (tf->syn[i].kind == TYP_INT && strcmp(tf->syn[i].name, canon) == 0)
			return tf->n + i;
	static const char *const names[] = {
		"_Bool", "char", "signed char", "unsigned char", "short", "unsigned short",
		"int", "unsigned int", "long", "unsigned long", "long long",
		"unsigned long long", "__int128", "unsigned __int128",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i], canon) != 0)
			continue;
		struct typ_syn s = { .kind = TYP_INT, .name = names[i], .size = size,
				     .is_signed = is_signed };
		return add_syn(tf, &s);
	}
	return -ENOENT;
}

/* --- edit distance and suggestions ----------------------------------- */

#define NEAR_MAX_LEN 128

/* Optimal-string-alignment distance (adjacent swaps count 1). */
static int edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	int rows[3][NEAR_MAX_LEN + 1];
	int *pp = rows[0], *prev = rows[1], *cur = rows[2];

	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
		int *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

struct near {
	const char *want;
	size_t want_len;
	int limit;		/* accept distance <= limit */
	int best;
	const char *best_name;
	int steps;		/* budget, see TYP_MAX_STEPS */
};

static void near_init(struct near *nr, const char *want)
{
	nr->want = want;
	nr->want_len = strlen(want);
	nr->limit = nr->want_len < 3 ? 1 : (int)(nr->want_len / 3);
	if (nr->limit > 3)
		nr->limit = 3;
	nr->best = nr->limit + 1;
	nr->best_name = NULL;
	nr->steps = TYP_MAX_STEPS;
}

static void near_try(struct near *nr, const char *cand)
{
	size_t lc = strlen(cand);
	size_t diff = lc > nr->want_len ? lc - nr->want_len : nr->want_len - lc;
	if (lc == 0 || lc > NEAR_MAX_LEN || nr->want_len > NEAR_MAX_LEN ||
	    diff >= (size_t)nr->best || strcmp(cand, nr->want) == 0)
		return;
	int d = edit_distance(nr->want, nr->want_len, cand, lc);
	if (d < nr->best) {
		nr->best = d;
		nr->best_name = cand;
	}
}

static void near_members(const struct typ_file *tf, typ_id_t id, struct near *nr, int depth)
{
	struct typ_member m;

	if (depth > TYP_MAX_DEPTH || --nr->steps < 0)
		return;
	for (uint32_t i = 0; typ_file__member(tf, id, i, &m) == 0; i++) {
		if (m.name[0] != '\0') {
			near_try(nr, m.name);
			continue;
		}
		int64_t r = typ_file__resolve(tf, m.type);
		if (r > 0)
			near_members(tf, (typ_id_t)r, nr, depth + 1);
	}
}

const char *typ_file__near_member(const struct typ_file *tf, typ_id_t id, const char *name)
{
	struct near nr;
	int64_t r = typ_file__resolve(tf, id);

	if (r <= 0)
		return NULL;
	near_init(&nr, name);
	near_members(tf, (typ_id_t)r, &nr, 0);
	return nr.best_name;
}

const char *typ_file__near_name(const struct typ_file *tf, enum typ_ns ns, const char *name)
{
	struct near nr;
	char canon[32];

	near_init(&nr, name);
	for (typ_id_t id = 1; id < tf->n; id++) {
		const char *n;
		if (typ_ns_of(tf, id, &n, canon, sizeof(canon)) == (int)ns && n != canon)
			near_try(&nr, n);
	}
	return nr.best_name;
}

/* --- C type names ---------------------------------------------------- */

struct lexer {
	const char *p;
	char tok[128];
	enum { T_END, T_IDENT, T_NUM, T_PUNCT, T_BAD } kind;
};

static void lex(struct lexer *lx)
{
	while (isspace((unsigned char)*lx->p))
		lx->p++;
	const char *s = lx->p;
	if (*s == '\0') {
		lx->kind = T_END;
		lx->tok[0] = '\0';
		return;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		while (isalnum((unsigned char)*lx->p) || *lx->p == '_')
			lx->p++;
		lx->kind = T_IDENT;
	} else if (isdigit((unsigned char)*s)) {
		while (isalnum((unsigned char)*lx->p))
			lx->p++;
		lx->kind = T_NUM;
	} else {
		lx->p++;
		lx->kind = (*s == '*' || *s == '[' || *s == ']') ? T_PUNCT : T_BAD;
	}
	size_t n = (size_t)(lx->p - s);
	if (n >= sizeof(lx->tok)) {
		lx->kind = T_BAD;
		n = sizeof(lx->tok) - 1;
	}
	memcpy(lx->tok, s, n);
	lx->tok[n] = '\0';
}

static bool is_int_word(const char *w)
{
	static const char *const words[] = { "signed", "unsigned", "char", "short", "int",
					     "long", "_Bool", "__int128" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

static enum typ_kind qualifier_kind(const char *w)
{
	if (strcmp(w, "const") == 0)
		return TYP_CONST;
	if (strcmp(w, "volatile") == 0)
		return TYP_VOLATILE;
	if (strcmp(w, "restrict") == 0)
		return TYP_RESTRICT;
	return TYP_VOID;
}

struct spec {
	char tag[8];		/* "struct", "union", "enum" or "" */
	char name[128];		/* tag or typedef name */
	char words[128];	/* int/float words, space separated */
	enum typ_kind quals[4];
	int nquals;
	int bases;		/* how many base-type forms were seen */
};

static int64_t name_error(struct typ_file *tf, const char *what, const char *name,
			  enum typ_ns ns, const char *prefix, struct typ_err *err)
{
	const char *near = typ_file__near_name(tf, ns, name);
	if (near == NULL && ns == TYP_NS_STRUCT)
		near = typ_file__near_name(tf, TYP_NS_UNION, name);
	typ_errf(err, "%s: unknown %s '%s%s'%s%s%s%s", tf->path, what, prefix, name,
		 near ? "; did you mean '" : "", near ? prefix : "", near ? near : "",
		 near ? "'?" : "");
	return -ENOENT;
}

static int64_t find_tagged(struct typ_file *tf, const struct spec *sp, struct typ_err *err)
{
	typ_id_t ids[8];
	char prefix[16];
	enum typ_ns ns = sp->tag[0] == 's' ? TYP_NS_STRUCT :
			 sp->tag[0] == 'u' ? TYP_NS_UNION : TYP_NS_ENUM;

	if (typ_file__find(tf, ns, sp->name, ids, 1) > 0)
		return ids[0];
	if (ns != TYP_NS_ENUM) {
		int n = typ_file__find(tf, TYP_NS_FWD, sp->name, ids, 8);
		for (int i = 0; i < n && i < 8; i++) {
			struct typ_info ti;
			typ_file__info(tf, ids[i], &ti);
			if (ti.fwd_is_union == (ns == TYP_NS_UNION))
				return ids[i];
		}
	}
	snprintf(prefix, sizeof(prefix), "%s ", sp->tag);
	return name_error(tf, "type", sp->name, ns, prefix, err);
}

static int64_t find_base(struct typ_file *tf, const struct spec *sp, struct typ_err *err)
{
	typ_id_t ids[8];
	char canon[32];
	uint8_t size;
	bool is_signed;

	if (sp->tag[0] != '\0')
		return find_tagged(tf, sp, err);
	if (strcmp(sp->words, "void") == 0)
		return 0;
	if (strcmp(sp->words, "float") == 0 || strcmp(sp->words, "double") == 0 ||
	    strcmp(sp->words, "long double") == 0) {
		if (typ_file__find(tf, TYP_NS_ORDINARY, sp->words, ids, 1) > 0)
			return ids[0];
		typ_errf(err, "%s: the typefile has no floating type '%s'", tf->path, sp->words);
		return -ENOENT;
	}
	if (sp->words[0] != '\0') {
		if (!typ_canon_int(sp->words, canon, sizeof(canon), &size, &is_signed)) {
			typ_errf(err, "%s: '%s' is not a valid C type", tf->path, sp->words);
			return -EINVAL;
		}
		return base_int(tf, canon, size, is_signed);
	}
	int n = typ_file__find(tf, TYP_NS_ORDINARY, sp->name, ids, 8);
	for (int i = 0; i < n && i < 8; i++)
		if (typ_kind_of(tf, ids[i]) == TYP_TYPEDEF)
			return ids[i];
	return name_error(tf, "type", sp->name, TYP_NS_ORDINARY, "", err);
}

static int add_word(char *words, size_t cap, const char *w)
{
	size_t len = strlen(words);
	if (len + strlen(w) + 2 > cap)
		return -EINVAL;
	if (len)
		strcat(words, " ");
	strcat(words, w);
	return 0;
}

/* spec := qualifier | ("struct"|"union"|"enum") ident | int/float word | "void" | typedef-ident */
static int parse_specs(struct lexer *lx, struct spec *sp)
{
	bool in_words = false;

	memset(sp, 0, sizeof(*sp));
	while (lx->kind == T_IDENT) {
		enum typ_kind q = qualifier_kind(lx->tok);
		if (q != TYP_VOID) {
			if (sp->nquals == 4)
				return -EINVAL;
			sp->quals[sp->nquals++] = q;
		} else if (!strcmp(lx->tok, "struct") || !strcmp(lx->tok, "union") ||
			   !strcmp(lx->tok, "enum")) {
			snprintf(sp->tag, sizeof(sp->tag), "%.7s", lx->tok);
			lex(lx);
			if (lx->kind != T_IDENT)
				return -EINVAL;
			snprintf(sp->name, sizeof(sp->name), "%s", lx->tok);
			sp->bases++;
		} else if (is_int_word(lx->tok) || !strcmp(lx->tok, "float") ||
			   !strcmp(lx->tok, "double") || !strcmp(lx->tok, "void")) {
			if (add_word(sp->words, sizeof(sp->words), lx->tok) < 0)
				return -EINVAL;
			sp->bases += !in_words;
			in_words = true;
		} else if (sp->bases == 0) {
			snprintf(sp->name, sizeof(sp->name), "%s", lx->tok);
			sp->bases++;
		} else {
			return -EINVAL;
		}
		lex(lx);
	}
	return sp->bases == 1 ? 0 : -EINVAL;
}

static int64_t qualify(struct typ_file *tf, int64_t id, enum typ_kind q)
{
	return id < 0 ? id : derived(tf, q, (typ_id_t)id, 0);
}

/*
 * type-name := spec+ ("*" qualifier*)* ("[" number? "]")*
 * e.g. "const struct proc *const", "unsigned long long", "char [16]".
 */
int64_t typ_file__lookup(struct typ_file *tf, const char *cname, struct typ_err *err)
{
	struct lexer lx = { .p = cname };
	struct spec sp;
	uint32_t dims[8];
	int ndims = 0;

	lex(&lx);
	if (parse_specs(&lx, &sp) < 0) {
		typ_errf(err, "%s: cannot parse type name '%s'", tf->path, cname);
		return -EINVAL;
	}
	int64_t id = find_base(tf, &sp, err);
	for (int i = 0; i < sp.nquals && id >= 0; i++)
		id = qualify(tf, id, sp.quals[i]);
	while (id >= 0 && lx.kind == T_PUNCT && lx.tok[0] == '*') {
		id = typ_file__pointer_to(tf, (typ_id_t)id);
		lex(&lx);
		while (id >= 0 && lx.kind == T_IDENT && qualifier_kind(lx.tok) != TYP_VOID) {
			id = qualify(tf, id, qualifier_kind(lx.tok));
			lex(&lx);
		}
	}
	while (id >= 0 && lx.kind == T_PUNCT && lx.tok[0] == '[') {
		char *end;
		lex(&lx);
		uint32_t n = 0;
		if (lx.kind == T_NUM) {
			unsigned long v = strtoul(lx.tok, &end, 0);
			if (*end != '\0' || v > UINT32_MAX || ndims == 8)
				goto syntax;
			n = (uint32_t)v;
			lex(&lx);
		}
		if (lx.kind != T_PUNCT || lx.tok[0] != ']' || ndims == 8)
			goto syntax;
		dims[ndims++] = n;
		lex(&lx);
	}
	if (id < 0)
		return id;
	if (lx.kind != T_END)
		goto syntax;
	/* "int [2][3]" is an array of 2 arrays of 3 ints: build inside out. */
	while (ndims > 0 && id >= 0)
		id = typ_file__array_of(tf, (typ_id_t)id, dims[--ndims]);
	if (id < 0)
		typ_errf(err, "%s: cannot make type '%s': %s", tf->path, cname, strerror((int)-id));
	return id;
syntax:
	typ_errf(err, "%s: cannot parse type name '%s' near '%s'", tf->path, cname, lx.tok);
	return -EINVAL;
}

/* --- member paths ---------------------------------------------------- */

/* Find name in composite id (through anonymous members); offsets add up. */
static bool find_member(const struct typ_file *tf, typ_id_t id, const char *name,
			uint64_t base, struct typ_member *out, int depth, int *steps)
{
	struct typ_member m;

	if (depth > TYP_MAX_DEPTH || --*steps < 0)
		return false;
	for (uint32_t i = 0; typ_file__member(tf, id, i, &m) == 0; i++) {
		if (strcmp(m.name, name) == 0) {
			*out = m;
			out->bit_offset += base;
			return true;
		}
		if (m.name[0] != '\0')
			continue;
		int64_t r = typ_file__resolve(tf, m.type);
		if (r > 0 && find_member(tf, (typ_id_t)r, name, base + m.bit_offset, out, depth + 1,
					   steps))
			return true;
	}
	return false;
}

static bool is_composite(const struct typ_file *tf, int64_t id)
{
	enum typ_kind k = id > 0 ? typ_kind_of(tf, (typ_id_t)id) : TYP_VOID;
	return k == TYP_STRUCT || k == TYP_UNION;
}

static int not_composite(const struct typ_file *tf, typ_id_t id, const char *before,
			 struct typ_err *err)
{
	char tn[256];
	typ_file__to_string(tf, id, tn, sizeof(tn));
	if (typ_kind_of(tf, id) == TYP_FWD)
		typ_errf(err, "%s: %s is only declared, not defined, in this typefile",
			 tf->path, tn);
	else if (before[0])
		typ_errf(err, "%s: member '%s' has type %s, not a struct or union%s", tf->path,
			 before, tn, typ_kind_of(tf, id) == TYP_PTR ?
			 " (use '->' to go through a pointer)" : "");
	else
		typ_errf(err, "%s: %s is not a struct or union", tf->path, tn);
	return -EINVAL;
}

static int member_error(const struct typ_file *tf, typ_id_t id, const char *name,
			struct typ_err *err)
{
	char tn[256];
	typ_file__to_string(tf, id, tn, sizeof(tn));
	const char *near = typ_file__near_member(tf, id, name);
	typ_errf(err, "%s: %s has no member '%s'%s%s%s", tf->path, tn, name,
		 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
	return -ENOENT;
}

/* Member lists are checked on first use: this one is out of bounds. */
static int bad_record(const struct typ_file *tf, typ_id_t id, struct typ_err *err)
{
	char tn[256];
	typ_file__to_string(tf, id, tn, sizeof(tn));
	typ_errf(err, "%s: type id %u (%s) has a member that refers to a type id or name "
		 "outside the file", tf->path, id, tn);
	return -EINVAL;
}

/* An "[n]" step: into element n of the array type. */
static int index_step(const struct typ_file *tf, struct typ_access *acc, uint64_t idx,
		      const char *name, struct typ_err *err)
{
	int64_t r = typ_file__resolve(tf, acc->type);
	struct typ_info ti;

	if (r < 0 || typ_file__info(tf, (typ_id_t)r, &ti) < 0 || ti.kind != TYP_ARRAY) {
		typ_errf(err, "%s: member '%s' is not an array", tf->path, name);
		return -EINVAL;
	}
	if (ti.nelems != 0 && idx >= ti.nelems) {
		typ_errf(err, "%s: index %llu is out of bounds for '%s' (%u elements)", tf->path,
			 (unsigned long long)idx, name, ti.nelems);
		return -ERANGE;
	}
	int64_t es = typ_file__size(tf, ti.ref);
	if (es < 0 || (es > 0 && idx > (UINT64_MAX / 8) / (uint64_t)es)) {
		typ_errf(err, "%s: cannot index '%s'", tf->path, name);
		return -EINVAL;
	}
	acc->bit_offset += idx * (uint64_t)es * 8;
	acc->type = ti.ref;
	acc->bitfield_size = 0;
	return 0;
}

/*
 * A "->" step: the member just walked must be a pointer to a struct or
 * union; the walk continues in the pointee, whose offsets start again at 0
 * (the code loads the pointer and adds the rest of the path to it).  A
 * pointee the file only declares is looked up by its tag.
 */
static int64_t pointer_step(const struct typ_file *tf, typ_id_t member_type, const char *name,
			    struct typ_access *acc, struct typ_err *err)
{
	int64_t r = typ_file__resolve(tf, member_type);
	struct typ_info ti;
	char tn[256];

	if (r < 0 || typ_file__info(tf, (typ_id_t)r, &ti) < 0 || ti.kind != TYP_PTR) {
		if (r >= 0)
			typ_file__to_string(tf, (typ_id_t)r, tn, sizeof(tn));
		typ_errf(err, "%s: member '%s' has type %s, not a pointer: '->' needs a "
			 "pointer", tf->path, name, r >= 0 ? tn : "(unresolvable)");
		return -EINVAL;
	}
	int64_t pe = typ_file__resolve(tf, ti.ref);
	if (pe > 0 && typ_kind_of(tf, (typ_id_t)pe) == TYP_FWD &&
	    typ_file__info(tf, (typ_id_t)pe, &ti) == 0 && ti.name[0] != '\0') {
		typ_id_t def;
		if (typ_file__find(tf, ti.fwd_is_union ? TYP_NS_UNION : TYP_NS_STRUCT, ti.name,
				   &def, 1) > 0)
			pe = def;
	}
	if (pe <= 0 || !is_composite(tf, pe)) {
		if (pe > 0 && typ_kind_of(tf, (typ_id_t)pe) == TYP_FWD)
			return not_composite(tf, (typ_id_t)pe, "", err);
		if (pe > 0)
			typ_file__to_string(tf, (typ_id_t)pe, tn, sizeof(tn));
		typ_errf(err, "%s: member '%s' points to %s, not to a struct or union", tf->path,
			 name, pe > 0 ? tn : "void");
		return -EINVAL;
	}
	acc->root = (typ_id_t)pe;
	acc->bit_offset = 0;
	acc->bitfield_size = 0;
	return pe;
}

/*
 * path := component (("." | "->") component)*
 * component := ident ("[" number "]")*
 * The offset is the one inside the struct the last "->" points into (the
 * root's when there is none; out->root says which); the type is the last
 * component's.
 */
int typ_file__member_path(const struct typ_file *tf, typ_id_t id, const char *path,
			  struct typ_access *out, struct typ_err *err)
{
	char name[128];
	int64_t cur = typ_file__resolve(tf, id);

	memset(out, 0, sizeof(*out));
	if (cur < 0) {
		typ_errf(err, "%s: type id %u cannot be resolved (%s)", tf->path, id,
			 strerror((int)-cur));
		return (int)cur;
	}
	if (!is_composite(tf, cur))
		return not_composite(tf, (typ_id_t)cur, "", err);
	out->root = (typ_id_t)cur;
	const char *p = path;
	for (;;) {
		size_t n = strcspn(p, ".[-");
		if (n == 0 || n >= sizeof(name)) {
			typ_errf(err, "%s: malformed member path '%s'", tf->path, path);
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		if (!is_composite(tf, cur))
			return not_composite(tf, (typ_id_t)cur, "", err);
		if (!typ_record_ok(tf, (typ_id_t)cur))
			return bad_record(tf, (typ_id_t)cur, err);
		struct typ_member m;
		int steps = TYP_MAX_STEPS;
		if (!find_member(tf, (typ_id_t)cur, name, 0, &m, 0, &steps))
			return member_error(tf, (typ_id_t)cur, name, err);
		out->bit_offset += m.bit_offset;
		out->type = m.type;
		out->bitfield_size = m.bitfield_size;
		while (*p == '[') {
			char *end;
			unsigned long long idx = strtoull(p + 1, &end, 10);
			if (end == p + 1 || *end != ']') {
				typ_errf(err, "%s: malformed index in member path '%s'", tf->path, path);
				return -EINVAL;
			}
			int rc = index_step(tf, out, idx, name, err);
			if (rc < 0)
				return rc;
			p = end + 1;
		}
		if (p[0] == '-' && p[1] == '>') {
			cur = pointer_step(tf, out->type, name, out, err);
			if (cur < 0)
				return (int)cur;
			p += 2;
			continue;
		}
		cur = typ_file__resolve(tf, out->type);
		if (cur < 0) {
			typ_errf(err, "%s: member '%s' has an unresolvable type", tf->path, name);
			return (int)cur;
		}
		if (*p == '\0')
			break;
		if (*p != '.') {
			typ_errf(err, "%s: malformed member path '%s'", tf->path, path);
			return -EINVAL;
		}
		p++;
		if (!is_composite(tf, cur))
			return not_composite(tf, (typ_id_t)cur, name, err);
	}
	typ_file__load_kind(tf, out->type, &out->load);
	int64_t sz = out->bitfield_size ? 0 : typ_file__size(tf, out->type);
	out->size = sz > 0 ? (uint64_t)sz : 0;
	return 0;
}

/*
 * type_exists(cname, path): a typefile may define one tag several times
 * (BTF of several modules), so the member path is tried in the definition
 * the lookup picks and then in every other definition of the tag.
 */
int typ_file__type_exists(struct typ_file *tf, const char *cname, const char *path)
{
	int64_t id = tf && cname ? typ_file__lookup(tf, cname, NULL) : -EINVAL;
	struct typ_access acc;
	typ_id_t ids[16];
	int n = 0;

	if (id < 0)
		return 0;
	if (path == NULL || *path == '\0' ||
	    typ_file__member_path(tf, (typ_id_t)id, path, &acc, NULL) == 0)
		return 1;
	if (strncmp(cname, "struct ", 7) == 0)
		n = typ_file__find(tf, TYP_NS_STRUCT, cname + 7, ids, 16);
	else if (strncmp(cname, "union ", 6) == 0)
		n = typ_file__find(tf, TYP_NS_UNION, cname + 6, ids, 16);
	for (int i = 0; i < n && i < 16; i++)
		if (ids[i] != (typ_id_t)id &&
		    typ_file__member_path(tf, ids[i], path, &acc, NULL) == 0)
			return 1;
	return 0;
}
