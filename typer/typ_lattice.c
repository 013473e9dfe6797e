/*
 * typ_lattice.c — the type lattice of the DIF typer: constructors, the
 * join (least upper bound), conversions from typefile ids and D type
 * names, and printing.
 *
 * Invariants.  bottom is the identity of join and top absorbs everything.
 * NULL (the constant 0) sits below every integer, pointer and string.
 * Integers join by widening: the larger size wins; signed meets unsigned of
 * the same size at the next size up (u32 ⊔ s32 = s64), u64 ⊔ s64 = s64.  A
 * pointer joins with an equal pointer to itself, with void * to void *,
 * and with a `char *` D string to string; pointers to different typefile
 * types conflict.  Loose (symbolic) pointers that differ join to void *:
 * without a typefile the typer cannot tell them apart, so it does not
 * claim a conflict.  TARGET (a value only the target knows) joins with any
 * concrete scalar to TARGET.  Every chain is short (at most ~12 steps), so
 * the program-wide fixed point in typ_infer.c terminates quickly.
 *
 * Loose names are interned once per inference (typ_intern); a name index
 * is stable for the life of the struct typ_infer.  Read typ_rules.c next.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typ_infer_impl.h"

struct typ_type typ_t_int(unsigned size, bool is_signed)
{
	struct typ_type t = typ_t_make(TYP_T_INT);

	t.size = (uint8_t)size;
	t.flags = is_signed ? TYP_TF_SIGNED : 0;
	return t;
}

bool typ_t_equal(struct typ_type a, struct typ_type b)
{
	return a.kind == b.kind && a.size == b.size && a.flags == b.flags &&
	    a.id == b.id && a.name == b.name;
}

bool typ_t_is_scalar(struct typ_type t)
{
	return t.kind == TYP_T_INT || t.kind == TYP_T_NULL ||
	    t.kind == TYP_T_TARGET;
}

/* --- interned names ---------------------------------------------------- */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static bool grow_hash(struct typ_infer *inf)
{
	uint32_t ncap = inf->nhcap ? inf->nhcap * 2 : 64;
	uint32_t *nh = calloc(ncap, sizeof(*nh));

	if (nh == NULL)
		return false;
	for (uint32_t n = 1; n < inf->nnames; n++) {
		uint32_t i = hash_str(inf->names[n]) & (ncap - 1);
		while (nh[i] != 0)
			i = (i + 1) & (ncap - 1);
		nh[i] = n;
	}
	free(inf->nhash);
	inf->nhash = nh;
	inf->nhcap = ncap;
	return true;
}

uint32_t typ_intern(struct typ_infer *inf, const char *s)
{
	uint32_t i;

	if (inf->nnames == 0)
		inf->nnames = 1;	/* index 0 means "no name" */
	if ((inf->nnames + 1) * 2 > inf->nhcap && !grow_hash(inf))
		goto oom;
	for (i = hash_str(s) & (inf->nhcap - 1); inf->nhash[i] != 0;
	    i = (i + 1) & (inf->nhcap - 1))
		if (strcmp(inf->names[inf->nhash[i]], s) == 0)
			return inf->nhash[i];
	if (inf->nnames >= inf->capnames) {
		uint32_t nc = inf->capnames ? inf->capnames * 2 : 32;
		char **nn = realloc(inf->names, nc * sizeof(*nn));
		if (nn == NULL)
			goto oom;
		inf->names = nn;
		inf->capnames = nc;
	}
	if ((inf->names[inf->nnames] = strdup(s)) == NULL)
		goto oom;
	inf->nhash[i] = inf->nnames;
	return inf->nnames++;
oom:
	inf->oom = true;
	return 0;
}

const char *typ_name(const struct typ_infer *inf, uint32_t n)
{
	return n != 0 && n < inf->nnames ? inf->names[n] : "";
}

struct typ_type typ_t_named(struct typ_infer *inf, uint8_t kind, const char *name)
{
	struct typ_type t = typ_t_make(kind);

	t.name = typ_intern(inf, name);
	return t;
}

/* Only the final pass records ids: it sees every type the result holds. */
void typ_note_id(struct typ_infer *inf, typ_id_t id)
{
	if (id == 0 || !inf->emit ||
	    (inf->nids > 0 && inf->ids[inf->nids - 1] == id))
		return;
	if (inf->nids >= inf->capids) {
		size_t nc = inf->capids ? inf->capids * 2 : 64;
		typ_id_t *n = realloc(inf->ids, nc * sizeof(*n));
		if (n == NULL) {
			inf->oom = true;
			return;
		}
		inf->ids = n;
		inf->capids = nc;
	}
	inf->ids[inf->nids++] = id;
}

/* --- typefile types ---------------------------------------------------- */

/* A typefile type as a lattice element; typedef names are kept in id. */
struct typ_type typ_t_from_tf(struct typ_infer *inf, typ_id_t id)
{
	struct typ_info info;
	int64_t r;
	struct typ_type t;

	if (inf->tf == NULL || (r = typ_file__resolve(inf->tf, id)) < 0 ||
	    typ_file__info(inf->tf, (typ_id_t)r, &info) != 0)
		return typ_t_make(TYP_T_TOP);
	typ_note_id(inf, id);
	switch (info.kind) {
	case TYP_INT:
	case TYP_ENUM:
		t = typ_t_int(info.size == 1 || info.size == 2 || info.size == 4 ?
		    (unsigned)info.size : 8, info.is_signed);
		break;
	case TYP_PTR:
		t = typ_t_make(TYP_T_PTR);
		break;
	default:
		t = typ_t_make(TYP_T_CTF);
		break;
	}
	t.id = id;
	return t;
}

struct typ_type typ_t_ptr_to(struct typ_infer *inf, typ_id_t pointee, bool user)
{
	int64_t p = inf->tf ? typ_file__pointer_to(inf->tf, pointee) : -EINVAL;
	struct typ_type t;

	if (p < 0)
		return typ_t_make(TYP_T_TOP);
	t = typ_t_from_tf(inf, (typ_id_t)p);
	if (user)
		t.flags |= TYP_TF_USER;
	return t;
}

/* The resolved pointee of a typefile pointer, 0 for void or loose, -1 else. */
int64_t typ_t_pointee(const struct typ_infer *inf, struct typ_type t)
{
	struct typ_info info;
	int64_t r;

	if (t.kind != TYP_T_PTR)
		return -1;
	if (t.id == 0 || inf->tf == NULL)
		return 0;
	if ((r = typ_file__resolve(inf->tf, t.id)) < 0 ||
	    typ_file__info(inf->tf, (typ_id_t)r, &info) != 0 || info.kind != TYP_PTR)
		return -1;
	if (info.ref == 0)
		return 0;
	r = typ_file__resolve(inf->tf, info.ref);
	return r < 0 ? -1 : r;
}

static bool tf_is_char(const struct typ_infer *inf, int64_t id)
{
	struct typ_info info;

	return id > 0 && typ_file__info(inf->tf, (typ_id_t)id, &info) == 0 &&
	    info.kind == TYP_INT && info.size == 1;
}

/* A D string, `char *`, or a char array: what string subroutines accept. */
bool typ_t_is_stringish(const struct typ_infer *inf, struct typ_type t)
{
	struct typ_info info;
	int64_t r;

	switch (t.kind) {
	case TYP_T_STRING:
	case TYP_T_NULL:
	case TYP_T_TARGET:
		return true;
	case TYP_T_PTR:
		return t.id == 0 || tf_is_char(inf, typ_t_pointee(inf, t));
	case TYP_T_CTF:
		if (inf->tf == NULL || (r = typ_file__resolve(inf->tf, t.id)) < 0 ||
		    typ_file__info(inf->tf, (typ_id_t)r, &info) != 0)
			return false;
		return info.kind == TYP_ARRAY &&
		    tf_is_char(inf, typ_file__resolve(inf->tf, info.ref));
	default:
		return false;
	}
}

/* --- D type names without a typefile ------------------------------------ */

static const struct {
	const char *name;
	uint8_t size;
	bool is_signed;
} dnames[] = {
	{ "char", 1, true }, { "signed char", 1, true }, { "unsigned char", 1, false },
	{ "short", 2, true }, { "unsigned short", 2, false },
	{ "int", 4, true }, { "unsigned int", 4, false }, { "unsigned", 4, false },
	{ "long", 8, true }, { "unsigned long", 8, false },
	{ "long long", 8, true }, { "unsigned long long", 8, false },
	{ "int8_t", 1, true }, { "uint8_t", 1, false },
	{ "int16_t", 2, true }, { "uint16_t", 2, false },
	{ "int32_t", 4, true }, { "uint32_t", 4, false },
	{ "int64_t", 8, true }, { "uint64_t", 8, false },
	{ "intptr_t", 8, true }, { "uintptr_t", 8, false },
	{ "size_t", 8, false }, { "ssize_t", 8, true }, { "off_t", 8, true },
	{ "uint_t", 4, false }, { "pid_t", 4, true }, { "id_t", 8, true },
	{ "uid_t", 4, false }, { "gid_t", 4, false },
	{ "_Bool", 1, false }, { "bool", 1, false },
};

/*
 * A C/D type name as a lattice element.  "string" is the D string; with a
 * typefile the name is looked up there (may synthesise "T *"); without
 * one, D's integer names are known, "T *" is a loose pointer to T and any
 * other name is a TARGET value.  *ok is false when a typefile lacks it.
 */
struct typ_type typ_t_parse(struct typ_infer *inf, const char *cname, bool *ok)
{
	size_t n = strlen(cname);
	int64_t id;

	*ok = true;
	if (strcmp(cname, "string") == 0)
		return typ_t_make(TYP_T_STRING);
	if (inf->tf != NULL && (id = typ_file__lookup(inf->tf, cname, NULL)) >= 0)
		return typ_t_from_tf(inf, (typ_id_t)id);
	/* D's intrinsic integer names exist on every target */
	for (size_t i = 0; i < sizeof(dnames) / sizeof(dnames[0]); i++)
		if (strcmp(cname, dnames[i].name) == 0)
			return typ_t_int(dnames[i].size, dnames[i].is_signed);
	if (inf->tf != NULL) {
		*ok = false;
		return typ_t_make(TYP_T_TOP);
	}
	if (n > 1 && cname[n - 1] == '*') {
		char base[256];
		size_t k = n - 1;
		while (k > 0 && cname[k - 1] == ' ')
			k--;
		if (k >= sizeof(base))
			k = sizeof(base) - 1;
		memcpy(base, cname, k);
		base[k] = '\0';
		if (strcmp(base, "void") == 0)
			return typ_t_make(TYP_T_PTR);
		return typ_t_named(inf, TYP_T_PTR, base);
	}
	return typ_t_named(inf, TYP_T_TARGET, cname);
}

/* --- join ---------------------------------------------------------------- */

static struct typ_type join_int(struct typ_type a, struct typ_type b)
{
	bool as = a.flags & TYP_TF_SIGNED, bs = b.flags & TYP_TF_SIGNED;
	unsigned size = a.size > b.size ? a.size : b.size;
	struct typ_type t;

	if (as != bs) {
		/* the unsigned side must fit: widen when it is the larger one */
		unsigned usize = as ? b.size : a.size;
		if (usize >= size && size < 8)
			size *= 2;
	}
	t = typ_t_int(size, as || bs);
	if (a.id == b.id && a.size == b.size && a.flags == b.flags)
		t.id = a.id;
	return t;
}

static struct typ_type join_ptr(const struct typ_infer *inf, struct typ_type a,
    struct typ_type b)
{
	int64_t pa, pb;
	struct typ_type v = typ_t_make(TYP_T_PTR);

	v.flags = (a.flags | b.flags) & TYP_TF_USER;
	if (a.id == 0 || b.id == 0) {
		/* void * or loose: equal names stay, anything else is void * */
		if (a.id == 0 && b.id == 0 && a.name == b.name)
			return a;
		return v;
	}
	pa = typ_t_pointee(inf, a);
	pb = typ_t_pointee(inf, b);
	if (pa == pb && pa >= 0) {
		v = a;
		v.flags |= b.flags & TYP_TF_USER;
		return v;
	}
	if (pa == 0 || pb == 0)
		return v;	/* void * ⊔ T * = void * */
	return typ_t_make(TYP_T_TOP);
}

struct typ_type typ_type__join(const struct typ_infer *inf, struct typ_type a,
    struct typ_type b)
{
	if (a.kind == TYP_T_BOTTOM || typ_t_equal(a, b))
		return b;
	if (b.kind == TYP_T_BOTTOM)
		return a;
	if (a.kind == TYP_T_TOP || b.kind == TYP_T_TOP)
		return typ_t_make(TYP_T_TOP);
	if (a.kind == TYP_T_NULL)
		return b;
	if (b.kind == TYP_T_NULL)
		return a;
	if (a.kind == TYP_T_TARGET || b.kind == TYP_T_TARGET) {
		struct typ_type o = a.kind == TYP_T_TARGET ? b : a;
		if (o.kind == TYP_T_CTF)
			return typ_t_make(TYP_T_TOP);
		return typ_t_make(TYP_T_TARGET);
	}
	if (a.kind == TYP_T_STRING || b.kind == TYP_T_STRING) {
		struct typ_type o = a.kind == TYP_T_STRING ? b : a;
		if (o.kind != TYP_T_STRING && typ_t_is_stringish(inf, o))
			return typ_t_make(TYP_T_STRING);
		return o.kind == TYP_T_STRING ? o : typ_t_make(TYP_T_TOP);
	}
	if (a.kind != b.kind)
		return typ_t_make(TYP_T_TOP);
	switch (a.kind) {
	case TYP_T_INT:
		return join_int(a, b);
	case TYP_T_PTR:
		return join_ptr(inf, a, b);
	case TYP_T_CTF:
		if (inf->tf != NULL && typ_file__resolve(inf->tf, a.id) ==
		    typ_file__resolve(inf->tf, b.id)) {
			a.flags |= b.flags & TYP_TF_USER;
			return a;
		}
		return typ_t_make(TYP_T_TOP);
	default:
		return typ_t_make(TYP_T_TOP);
	}
}

/* --- printing ------------------------------------------------------------ */

void typ_t_str(const struct typ_infer *inf, struct typ_type t, char *buf, size_t len)
{
	char tmp[200];

	if (len == 0)
		return;
	switch (t.kind) {
	case TYP_T_BOTTOM:
		snprintf(buf, len, "bottom");
		return;
	case TYP_T_TOP:
		snprintf(buf, len, "conflict");
		return;
	case TYP_T_NULL:
		snprintf(buf, len, "NULL");
		return;
	case TYP_T_STRING:
		snprintf(buf, len, "string");
		return;
	case TYP_T_TARGET:
		snprintf(buf, len, "target(%s)", t.name ? typ_name(inf, t.name) : "?");
		return;
	default:
		break;
	}
	if (t.id != 0 && inf->tf != NULL &&
	    typ_file__to_string(inf->tf, t.id, tmp, sizeof(tmp)) >= 0) {
		snprintf(buf, len, "%s%s", tmp,
		    t.flags & TYP_TF_USER ? " (user)" : "");
		return;
	}
	if (t.kind == TYP_T_INT)
		snprintf(buf, len, "%sint%u_t", t.flags & TYP_TF_SIGNED ? "" : "u",
		    8u * t.size);
	else if (t.kind == TYP_T_PTR)
		snprintf(buf, len, "%s *%s", t.name ? typ_name(inf, t.name) : "void",
		    t.flags & TYP_TF_USER ? " (user)" : "");
	else
		snprintf(buf, len, "type#%u", (unsigned)t.id);
}

int typ_type__to_string(const struct typ_infer *inf, const struct typ_type *t,
    char *buf, size_t len)
{
	if (inf == NULL || t == NULL || buf == NULL)
		return -EINVAL;
	typ_t_str(inf, *t, buf, len);
	return 0;
}
