/*
 * dc_tyops.c -- operations on types: sizes, members, classification,
 * integer rank and the usual arithmetic conversions, compatibility for
 * comparison/assignment, cast legality and pointer-arithmetic scaling.
 *
 * Every operation first looks through typedefs and qualifiers
 * (dc_type__resolve).  The D rules differ from C in two places that matter
 * here: there is no promotion to int (char + char is char), and `string`
 * is a by-reference type that mixes with char pointers and char arrays
 * ("string-compatible").  Symbolic target types follow the rule of
 * docs/d-types.md: a symbolic member value behaves as int64_t for
 * arithmetic and may be compared with integers and pointers.
 *
 * Read next: dc_tyname.c.
 */
#include <string.h>

#include "dif/dif.h"
#include "dc_types_impl.h"

const struct dc_type *
dc_type__resolve(const struct dc_type *t)
{
	while (t != NULL && (t->kind == DC_TK_TYPEDEF || t->kind == DC_TK_QUAL))
		t = t->ref;
	return t;
}

unsigned
dc_type__quals(const struct dc_type *t)
{
	unsigned q = 0;

	while (t != NULL && (t->kind == DC_TK_TYPEDEF || t->kind == DC_TK_QUAL)) {
		if (t->kind == DC_TK_QUAL)
			q |= t->quals;
		t = t->ref;
	}
	return q;
}

static bool
is_kind(const struct dc_type *t, enum dc_tkind k)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL && r->kind == k;
}

bool dc_type__is_void(const struct dc_type *t) { return is_kind(t, DC_TK_VOID); }
bool dc_type__is_string(const struct dc_type *t) { return is_kind(t, DC_TK_STRING); }
bool dc_type__is_function(const struct dc_type *t) { return is_kind(t, DC_TK_FUNCTION); }
bool dc_type__is_dyn(const struct dc_type *t) { return is_kind(t, DC_TK_DYN); }
bool dc_type__is_pointer(const struct dc_type *t) { return is_kind(t, DC_TK_POINTER); }
bool dc_type__is_array(const struct dc_type *t) { return is_kind(t, DC_TK_ARRAY); }

bool
dc_type__is_integer(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL && (r->kind == DC_TK_INT || r->kind == DC_TK_ENUM ||
	    r->kind == DC_TK_EXTMEMBER ||
	    (r->kind == DC_TK_EXTERN && (r->ext_kind == DC_EXT_ENUM)));
}

bool
dc_type__is_arith(const struct dc_type *t)
{
	return dc_type__is_integer(t) || is_kind(t, DC_TK_FLOAT);
}

bool
dc_type__is_scalar(const struct dc_type *t)
{
	return dc_type__is_integer(t) || dc_type__is_pointer(t);
}

bool
dc_type__is_sou(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL && (r->kind == DC_TK_STRUCT || r->kind == DC_TK_UNION ||
	    (r->kind == DC_TK_EXTERN && (r->ext_kind == DC_EXT_STRUCT ||
	    r->ext_kind == DC_EXT_UNION)));
}

static bool
is_char(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL && r->kind == DC_TK_INT && (r->flags & DC_TF_CHAR);
}

bool
dc_type__is_string_compat(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return false;
	if (r->kind == DC_TK_STRING)
		return true;
	if ((r->kind == DC_TK_POINTER || (r->kind == DC_TK_ARRAY &&
	    r->nkeys == 0)) && is_char(r->ref))
		return true;
	return false;
}

bool
dc_type__is_byref(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return false;
	switch (r->kind) {
	case DC_TK_STRUCT:
	case DC_TK_UNION:
	case DC_TK_ARRAY:
	case DC_TK_FUNCTION:
	case DC_TK_STRING:
		return true;
	case DC_TK_FLOAT:
		return r->size > 8;
	case DC_TK_EXTERN:
		return r->ext_kind == DC_EXT_STRUCT || r->ext_kind == DC_EXT_UNION;
	default:
		return false;
	}
}

bool
dc_type__is_symbolic(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return false;
	switch (r->kind) {
	case DC_TK_EXTERN:
	case DC_TK_EXTMEMBER:
		return true;
	case DC_TK_STRUCT:
	case DC_TK_UNION:
	case DC_TK_ENUM:
		return !(r->flags & (DC_TF_COMPLETE | DC_TF_DEFINING));
	case DC_TK_ARRAY:
		return dc_type__is_symbolic(r->ref);
	default:
		return false;
	}
}

bool
dc_type__is_complete(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return false;
	switch (r->kind) {
	case DC_TK_STRUCT:
	case DC_TK_UNION:
	case DC_TK_ENUM:
		return (r->flags & DC_TF_COMPLETE) != 0;
	case DC_TK_ARRAY:
		return dc_type__is_complete(r->ref);
	case DC_TK_EXTERN:
	case DC_TK_EXTMEMBER:
		return false;
	default:
		return true;
	}
}

bool
dc_type__is_signed(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return false;
	if (r->kind == DC_TK_EXTMEMBER || r->kind == DC_TK_EXTERN)
		return true;
	return (r->kind == DC_TK_INT || r->kind == DC_TK_ENUM ||
	    r->kind == DC_TK_FLOAT) && (r->flags & DC_TF_SIGNED);
}

/* ---- sizes ----------------------------------------------------------- */

int
dc_type__sizeof(const struct dc_typesys *ts, const struct dc_type *t,
		uint64_t *size, struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(t);
	uint64_t esize;
	int rc;

	*size = 0;
	if (r == NULL)
		return dc_tys_err(err, "D_SIZEOF_TYPE", "no type");
	if (dc_type__is_symbolic(r))
		return DC_SYMBOLIC;
	switch (r->kind) {
	case DC_TK_INT:
	case DC_TK_FLOAT:
	case DC_TK_ENUM:
	case DC_TK_POINTER:
	case DC_TK_SYMADDR:
	case DC_TK_USYMADDR:
		*size = r->size;
		return 0;
	case DC_TK_STRING:
		*size = ts->strsize;
		return 0;
	case DC_TK_STRUCT:
	case DC_TK_UNION:
		if (r->flags & DC_TF_DEFINING)
			return dc_tys_err(err, "D_SIZEOF_TYPE",
			    "cannot apply sizeof to an incomplete type");
		*size = r->size;
		return 0;
	case DC_TK_ARRAY:
		if (r->nkeys != 0)
			return dc_tys_err(err, "D_SIZEOF_TYPE",
			    "cannot apply sizeof to an associative array");
		rc = dc_type__sizeof(ts, r->ref, &esize, err);
		if (rc != 0)
			return rc;
		*size = esize * r->nelems;
		return 0;
	default:
		return dc_tys_err(err, "D_SIZEOF_TYPE",
		    "cannot apply sizeof to %s type",
		    r->kind == DC_TK_VOID ? "void" :
		    r->kind == DC_TK_FUNCTION ? "a function" :
		    r->kind == DC_TK_DYN ? "a dynamic" :
		    r->kind == DC_TK_AGG ? "an aggregation" :
		    r->kind == DC_TK_STACK ? "a stack" : "this");
	}
}

uint32_t
dc_type__alignof(const struct dc_typesys *ts, const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL || dc_type__is_symbolic(r))
		return 1;
	if (r->kind == DC_TK_ARRAY)
		return dc_type__alignof(ts, r->ref);
	return r->align ? r->align : 1;
}

/* ---- members --------------------------------------------------------- */

bool
dc_tys_find_member(const struct dc_type *sou, const char *name,
	       uint64_t *offset_bits, const struct dc_tmember **mp)
{
	for (uint32_t i = 0; i < sou->nmembers; i++) {
		const struct dc_tmember *m = &sou->members[i];

		if (m->name != NULL) {
			if (strcmp(m->name, name) != 0)
				continue;
			if (offset_bits != NULL)
				*offset_bits += m->offset_bits;
			if (mp != NULL)
				*mp = m;
			return true;
		}
		const struct dc_type *r = dc_type__resolve(m->type);
		uint64_t inner = 0;

		if (r != NULL && m->bit_width == 0 &&
		    (r->kind == DC_TK_STRUCT || r->kind == DC_TK_UNION) &&
		    dc_tys_find_member(r, name, &inner, mp)) {
			if (offset_bits != NULL)
				*offset_bits += m->offset_bits + inner;
			return true;
		}
	}
	return false;
}

const struct dc_type *
dc_tys_extmember(struct dc_typesys *ts, const struct dc_type *root,
	     const char *path)
{
	struct dc_type *t = dc_tys_node(ts, DC_TK_EXTMEMBER);

	if (t == NULL)
		return NULL;
	t->ext_root = root;
	t->ext_path = dc_tys_intern(ts, path);
	t->size = 8;
	t->align = 8;
	t->bits = 64;
	t->flags = DC_TF_SIGNED;
	return t->ext_path != NULL ? t : NULL;
}

int
dc_type__member(struct dc_typesys *ts, const struct dc_type *t,
		const char *name, bool arrow, struct dc_memref *out,
		struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(t);
	const struct dc_tmember *m = NULL;
	uint64_t off = 0;

	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return dc_tys_err(err, "D_OP_SOU", "no type");
	if (r->kind == DC_TK_EXTMEMBER) {
		const char *p = dc_tys_intern3(ts, r->ext_path, arrow ? "->" : ".",
		    name);

		out->type = p ? dc_tys_extmember(ts, r->ext_root, p) : NULL;
		out->symbolic = true;
		return out->type ? 0 : dc_tys_err(err, "D_NOMEM", "out of memory");
	}
	if (!dc_type__is_sou(r) && !(dc_type__is_symbolic(r) &&
	    r->kind != DC_TK_ENUM && r->ext_kind != DC_EXT_ENUM))
		return dc_tys_err(err, "D_OP_SOU",
		    "operator %s must be applied to a %s", arrow ? "->" : ".",
		    arrow ? "pointer to a struct or union" : "struct or union");
	if (dc_type__is_symbolic(r)) {
		out->type = dc_tys_extmember(ts, r, name);
		out->symbolic = true;
		return out->type ? 0 : dc_tys_err(err, "D_NOMEM", "out of memory");
	}
	if (r->flags & DC_TF_DEFINING && !(r->flags & DC_TF_COMPLETE))
		return dc_tys_err(err, "D_OP_INCOMPLETE",
		    "%s is incomplete", r->name ? r->name : "(anon)");
	if (!dc_tys_find_member(r, name, &off, &m))
		return dc_tys_err(err, "D_TYPE_MEMBER",
		    "%s %s has no member named %s",
		    r->kind == DC_TK_STRUCT ? "struct" : "union",
		    r->name ? r->name : "(anon)", name);
	out->type = m->type;
	out->offset_bits = off;
	out->bit_width = m->bit_width;
	return 0;
}

const struct dc_type *
dc_type__deref(struct dc_typesys *ts, const struct dc_type *t,
	       struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(t), *to;

	if (r == NULL) {
		dc_tys_err(err, "D_DEREF_NONPTR", "no type");
		return NULL;
	}
	switch (r->kind) {
	case DC_TK_STRING:
		return ts->wk[DC_WK_CHAR];
	case DC_TK_EXTMEMBER: {
		const char *p = dc_tys_intern3(ts, r->ext_path, "[]", NULL);

		return p ? dc_tys_extmember(ts, r->ext_root, p) : NULL;
	}
	case DC_TK_ARRAY:
		if (r->nkeys == 0)
			return r->ref;
		break;
	case DC_TK_POINTER:
		to = dc_type__resolve(r->ref);
		if (to != NULL && to->kind == DC_TK_VOID) {
			dc_tys_err(err, "D_DEREF_VOID",
			    "cannot dereference a pointer to void");
			return NULL;
		}
		if (to != NULL && to->kind == DC_TK_FUNCTION) {
			dc_tys_err(err, "D_DEREF_FUNC",
			    "cannot dereference a function pointer");
			return NULL;
		}
		return r->ref;
	default:
		break;
	}
	dc_tys_err(err, "D_DEREF_NONPTR",
	    "cannot dereference a non-pointer type");
	return NULL;
}

int
dc_type__offsetof(struct dc_typesys *ts, const struct dc_type *t,
		  const char *path, uint64_t *offset, struct dc_terr *err)
{
	const struct dc_type *cur = t;
	uint64_t bits = 0;
	char name[256];

	*offset = 0;
	if (dc_type__is_symbolic(t) && dc_type__is_sou(t))
		return DC_SYMBOLIC;
	if (!dc_type__is_sou(t) || dc_type__is_symbolic(t))
		return dc_tys_err(err, "D_OFFSETOF_TYPE",
		    "offsetof operand must be a struct or union type");
	while (*path != '\0') {
		size_t n = strcspn(path, ".");
		struct dc_memref mr;

		if (n == 0 || n >= sizeof(name))
			return dc_tys_err(err, "D_TYPE_MEMBER",
			    "malformed member path");
		memcpy(name, path, n);
		name[n] = '\0';
		if (dc_type__is_symbolic(cur))
			return DC_SYMBOLIC;
		if (!dc_type__is_sou(cur))
			return dc_tys_err(err, "D_OFFSETOF_TYPE",
			    "offsetof path %s crosses a non-struct member", name);
		if (dc_type__member(ts, cur, name, false, &mr, err) != 0) {
			if (err != NULL && strcmp(err->tag, "D_OP_SOU") == 0)
				err->tag = "D_OFFSETOF_TYPE";
			return -1;
		}
		if (mr.bit_width != 0)
			return dc_tys_err(err, "D_OFFSETOF_BITFIELD",
			    "cannot take offset of a bit-field: %s", name);
		bits += mr.offset_bits;
		cur = mr.type;
		path += n;
		if (*path == '.')
			path++;
	}
	*offset = bits / 8;
	return 0;
}

/* ---- conversions ----------------------------------------------------- */

/* The integer type an operand acts as: enums as int, symbolic values as
   int64_t; NULL for non-integers. */
static const struct dc_type *
int_view(const struct dc_typesys *ts, const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return NULL;
	if (r->kind == DC_TK_ENUM)
		return ts->wk[DC_WK_INT];
	if (r->kind == DC_TK_EXTMEMBER || (r->kind == DC_TK_EXTERN &&
	    r->ext_kind == DC_EXT_ENUM))
		return ts->wk[DC_WK_INT64];
	return r->kind == DC_TK_INT ? t : NULL;
}

int
dc_type__rank(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return 0;
	if (r->kind == DC_TK_ENUM)
		return 32 * 2;
	if (r->kind == DC_TK_EXTMEMBER)
		return 64 * 2;
	if (r->kind != DC_TK_INT)
		return 0;
	return (int)r->bits * 2 + ((r->flags & DC_TF_SIGNED) ? 0 : 1);
}

static const struct dc_type *
strip_quals(const struct dc_type *t)
{
	while (t != NULL && t->kind == DC_TK_QUAL)
		t = t->ref;
	return t;
}

const struct dc_type *
dc_type__arith_conv(const struct dc_typesys *ts, const struct dc_type *a,
		    const struct dc_type *b)
{
	const struct dc_type *ia = int_view(ts, a), *ib = int_view(ts, b);
	int ra, rb;

	if (ia == NULL || ib == NULL)
		return NULL;
	ia = strip_quals(ia);
	ib = strip_quals(ib);
	ra = dc_type__rank(ia);
	rb = dc_type__rank(ib);
	if (ra != rb)
		return ra > rb ? ia : ib;
	/* Same rank: the type created later wins (long long over long). */
	return dc_type__resolve(ia)->id >= dc_type__resolve(ib)->id ? ia : ib;
}

static bool
same_symbolic(const struct dc_type *a, const struct dc_type *b)
{
	if (a->kind == DC_TK_EXTMEMBER || b->kind == DC_TK_EXTMEMBER)
		return true;
	if (a->name == NULL || b->name == NULL)
		return false;
	return strcmp(a->name, b->name) == 0;
}

bool
dc_type__compatible(const struct dc_type *a, const struct dc_type *b)
{
	const struct dc_type *ra = dc_type__resolve(a), *rb = dc_type__resolve(b);

	if (ra == NULL || rb == NULL)
		return false;
	if (ra == rb)
		return true;
	if (dc_type__is_symbolic(ra) || dc_type__is_symbolic(rb)) {
		if (!dc_type__is_symbolic(ra) || !dc_type__is_symbolic(rb))
			return false;
		return same_symbolic(ra, rb);
	}
	if (ra->kind != rb->kind)
		return false;
	switch (ra->kind) {
	case DC_TK_INT:
	case DC_TK_FLOAT:
		return ra->bits == rb->bits &&
		    (ra->flags & (DC_TF_SIGNED | DC_TF_BOOL)) ==
		    (rb->flags & (DC_TF_SIGNED | DC_TF_BOOL));
	case DC_TK_POINTER:
		return dc_type__compatible(ra->ref, rb->ref);
	case DC_TK_ARRAY:
		return ra->nelems == rb->nelems && ra->nkeys == rb->nkeys &&
		    dc_type__compatible(ra->ref, rb->ref);
	case DC_TK_FUNCTION:
		if (ra->nparams != rb->nparams ||
		    (ra->flags & DC_TF_VARARGS) != (rb->flags & DC_TF_VARARGS) ||
		    !dc_type__compatible(ra->ref, rb->ref))
			return false;
		for (uint32_t i = 0; i < ra->nparams; i++)
			if (!dc_type__compatible(ra->params[i], rb->params[i]))
				return false;
		return true;
	case DC_TK_STRUCT:
	case DC_TK_UNION:
	case DC_TK_ENUM:
		return false;	/* distinct definitions */
	default:
		return true;	/* the singleton D types */
	}
}

/* Pointer-compatible: same pointee, either is void *, or a symbolic
   pointee (matched at link time). */
static bool
ptr_compat(const struct dc_type *a, const struct dc_type *b)
{
	const struct dc_type *pa = dc_type__resolve(dc_type__resolve(a)->ref);
	const struct dc_type *pb = dc_type__resolve(dc_type__resolve(b)->ref);

	if (pa == NULL || pb == NULL)
		return false;
	if (pa->kind == DC_TK_VOID || pb->kind == DC_TK_VOID)
		return true;
	if (dc_type__is_symbolic(pa) || dc_type__is_symbolic(pb))
		return true;
	return dc_type__compatible(pa, pb);
}

static bool
is_ptrlike(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL && (r->kind == DC_TK_POINTER ||
	    (r->kind == DC_TK_ARRAY && r->nkeys == 0));
}

bool
dc_type__comparable(const struct dc_operand *a, const struct dc_operand *b)
{
	const struct dc_type *ra = dc_type__resolve(a->type);
	const struct dc_type *rb = dc_type__resolve(b->type);

	if (ra == NULL || rb == NULL)
		return false;
	if (ra->kind == DC_TK_EXTMEMBER || rb->kind == DC_TK_EXTMEMBER)
		return dc_type__is_scalar(ra) || dc_type__is_scalar(rb) ||
		    dc_type__is_string_compat(ra) ||
		    dc_type__is_string_compat(rb);
	if (dc_type__is_integer(ra) && dc_type__is_integer(rb))
		return true;
	if (dc_type__is_string_compat(ra) && dc_type__is_string_compat(rb) &&
	    (ra->kind == DC_TK_STRING || rb->kind == DC_TK_STRING))
		return true;
	if (is_ptrlike(ra) && is_ptrlike(rb))
		return ptr_compat(ra, rb);
	if ((is_ptrlike(ra) || ra->kind == DC_TK_STRING) && b->is_null_const)
		return true;
	if ((is_ptrlike(rb) || rb->kind == DC_TK_STRING) && a->is_null_const)
		return true;
	if (ra->kind == rb->kind && (ra->kind == DC_TK_STACK ||
	    ra->kind == DC_TK_SYMADDR || ra->kind == DC_TK_USYMADDR))
		return true;
	return dc_type__compatible(ra, rb);
}

bool
dc_type__assignable(const struct dc_type *dst, const struct dc_operand *src)
{
	const struct dc_type *rd = dc_type__resolve(dst);
	const struct dc_type *rs = dc_type__resolve(src->type);

	if (rd == NULL || rs == NULL)
		return false;
	if (rd->kind == DC_TK_DYN || rs->kind == DC_TK_DYN)
		return true;
	if (rd->kind == DC_TK_EXTMEMBER)
		return dc_type__is_scalar(rs) || rs->kind == DC_TK_EXTMEMBER ||
		    dc_type__is_string_compat(rs);
	if (rs->kind == DC_TK_EXTMEMBER)
		return dc_type__is_scalar(rd) || dc_type__is_string_compat(rd);
	if (dc_type__is_integer(rd) && dc_type__is_integer(rs))
		return true;
	if (dc_type__is_string_compat(rd) && dc_type__is_string_compat(rs) &&
	    (rd->kind == DC_TK_STRING || rs->kind == DC_TK_STRING))
		return true;
	if (rd->kind == DC_TK_POINTER) {
		if (src->is_null_const)
			return true;
		if (is_ptrlike(rs))
			return ptr_compat(rd, rs);
		if (rs->kind == DC_TK_STRING)
			return is_char(rd->ref) || dc_type__is_void(rd->ref);
		if (rs->kind == DC_TK_FUNCTION)
			return dc_type__compatible(rd->ref, rs);
		return false;
	}
	switch (rd->kind) {
	case DC_TK_STACK:
	case DC_TK_SYMADDR:
	case DC_TK_USYMADDR:
		return rs->kind == rd->kind;
	case DC_TK_STRUCT:
	case DC_TK_UNION:
	case DC_TK_FUNCTION:
	case DC_TK_EXTERN:
	case DC_TK_FLOAT:
		return dc_type__compatible(rd, rs);
	default:
		return false;
	}
}

int
dc_type__cast_check(const struct dc_type *to, const struct dc_type *from,
		    struct dc_terr *err)
{
	const struct dc_type *rt = dc_type__resolve(to);
	const struct dc_type *rf = dc_type__resolve(from);

	if (rt == NULL || rf == NULL)
		return dc_tys_err(err, "D_CAST_INVAL", "invalid cast");
	if (rt->kind == DC_TK_VOID)
		return 0;
	if (dc_type__compatible(rt, rf))
		return 0;
	if (rf->kind == DC_TK_DYN || rf->kind == DC_TK_EXTMEMBER) {
		if (dc_type__is_scalar(rt) || rt->kind == DC_TK_STRING ||
		    dc_type__is_symbolic(rt))
			return 0;
	}
	if (dc_type__is_scalar(rt) &&
	    (dc_type__is_scalar(rf) || rf->kind == DC_TK_FUNCTION ||
	    (rf->kind == DC_TK_ARRAY && rf->nkeys == 0) ||
	    rf->kind == DC_TK_SYMADDR || rf->kind == DC_TK_USYMADDR))
		return 0;
	if (rt->kind == DC_TK_POINTER && rf->kind == DC_TK_STRING)
		return 0;
	if (rt->kind == DC_TK_STRING &&
	    (dc_type__is_scalar(rf) || dc_type__is_string_compat(rf)))
		return 0;
	return dc_tys_err(err, "D_CAST_INVAL", "invalid cast expression");
}

int
dc_type__ptr_scale(const struct dc_typesys *ts, const struct dc_type *ptr,
		   uint64_t *scale, struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(ptr), *to;
	int rc;

	*scale = 0;
	if (r == NULL)
		return dc_tys_err(err, "D_OP_PTR", "no type");
	if (r->kind == DC_TK_STRING) {
		*scale = 1;
		return 0;
	}
	if (r->kind == DC_TK_EXTMEMBER)
		return DC_SYMBOLIC;
	if (r->kind != DC_TK_POINTER && !(r->kind == DC_TK_ARRAY && r->nkeys == 0))
		return dc_tys_err(err, "D_OP_PTR", "pointer operand required");
	to = dc_type__resolve(r->ref);
	if (to == NULL || to->kind == DC_TK_VOID || to->kind == DC_TK_FUNCTION)
		return dc_tys_err(err, "D_OP_VFPTR",
		    "operator requires pointer to a sized object, not to %s",
		    to != NULL && to->kind == DC_TK_FUNCTION ? "a function" :
		    "void");
	rc = dc_type__sizeof(ts, to, scale, NULL);
	if (rc == DC_SYMBOLIC)
		return DC_SYMBOLIC;
	if (rc != 0 || *scale == 0)
		return dc_tys_err(err, "D_OP_INCOMPLETE",
		    "pointer arithmetic on an incomplete type");
	return 0;
}

const struct dc_type *
dc_type__ptr_diff(const struct dc_typesys *ts, const struct dc_type *a,
		  const struct dc_type *b, struct dc_terr *err)
{
	const struct dc_type *ra = dc_type__resolve(a), *rb = dc_type__resolve(b);
	uint64_t sc;

	if (ra == NULL || rb == NULL || !is_ptrlike(ra) || !is_ptrlike(rb) ||
	    !dc_type__compatible(dc_type__resolve(ra->ref),
	    dc_type__resolve(rb->ref))) {
		dc_tys_err(err, "D_OP_INCOMPAT",
		    "operands of pointer subtraction have incompatible types");
		return NULL;
	}
	if (dc_type__ptr_scale(ts, ra, &sc, err) < 0)
		return NULL;
	return ts->wk[DC_WK_PTRDIFF_T];
}

int
dc_type__stringof_check(const struct dc_type *t, struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r != NULL && (dc_type__is_scalar(r) || dc_type__is_string_compat(r) ||
	    r->kind == DC_TK_SYMADDR || r->kind == DC_TK_USYMADDR))
		return 0;
	return dc_tys_err(err, "D_STRINGOF_TYPE",
	    "stringof operand must have a scalar, pointer or string type");
}

static uint8_t
ctf_kind(const struct dc_type *r)
{
	switch (r->kind) {
	case DC_TK_INT:
	case DC_TK_EXTMEMBER:
	case DC_TK_SYMADDR:
	case DC_TK_USYMADDR:
		return DIF_CTF_K_INTEGER;
	case DC_TK_FLOAT:
		return DIF_CTF_K_FLOAT;
	case DC_TK_POINTER:
		return DIF_CTF_K_POINTER;
	case DC_TK_ARRAY:
		return DIF_CTF_K_ARRAY;
	case DC_TK_FUNCTION:
		return DIF_CTF_K_FUNCTION;
	case DC_TK_STRUCT:
		return (r->flags & DC_TF_COMPLETE) ? DIF_CTF_K_STRUCT :
		    DIF_CTF_K_FORWARD;
	case DC_TK_UNION:
		return (r->flags & DC_TF_COMPLETE) ? DIF_CTF_K_UNION :
		    DIF_CTF_K_FORWARD;
	case DC_TK_ENUM:
		return DIF_CTF_K_ENUM;
	case DC_TK_EXTERN:
		return r->ext_kind == DC_EXT_STRUCT ? DIF_CTF_K_STRUCT :
		    r->ext_kind == DC_EXT_UNION ? DIF_CTF_K_UNION :
		    r->ext_kind == DC_EXT_ENUM ? DIF_CTF_K_ENUM :
		    DIF_CTF_K_TYPEDEF;
	default:
		return DIF_CTF_K_UNKNOWN;
	}
}

/* userland applies to an array through its elements, as C qualifiers do. */
static bool
is_userland(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (dc_type__quals(t) & DC_Q_USERLAND)
		return true;
	return r != NULL && r->kind == DC_TK_ARRAY && is_userland(r->ref);
}

void
dc_type__dif_type(const struct dc_typesys *ts, const struct dc_type *t,
		  struct dif_type *out)
{
	const struct dc_type *r = dc_type__resolve(t);
	uint64_t size = 0;

	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return;
	if (r->kind == DC_TK_STRING) {
		out->dtdt_kind = DIF_TYPE_STRING;
		out->dtdt_flags = DIF_TF_BYREF;
		out->dtdt_size = ts->strsize;
		return;
	}
	out->dtdt_kind = DIF_TYPE_CTF;
	out->dtdt_ckind = ctf_kind(r);
	if (r->kind == DC_TK_EXTMEMBER)
		size = 8;
	else if (dc_type__sizeof(ts, r, &size, NULL) != 0)
		size = 0;
	out->dtdt_size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	if (dc_type__is_byref(r))
		out->dtdt_flags = is_userland(t) ?
		    DIF_TF_BYUREF : DIF_TF_BYREF;
}
