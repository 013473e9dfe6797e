/*
 * dc_decl.c -- the declarations builder: declaration specifiers, derived
 * types (pointer, array, associative array, function, qualifiers), and the
 * struct/union/enum definition builders, with the D_DECL_* checks.
 *
 * The parser feeds specifiers one at a time (dc_declspec__add*), so each
 * check sees the specifiers that came before: "char long" fails on `long`
 * with D_DECL_CHARATTR just as "long char" fails on `char`.  Derived types
 * are cached (pointer-to and qualified-by) so the same spelling yields the
 * same node; arrays and functions are created fresh and compared
 * structurally by dc_type__compatible().
 *
 * Struct/union definitions complete the tag node in place (see dc_types.h);
 * the layout itself is computed by dc_layout.c at dc_sou__end().
 *
 * Read next: dc_layout.c.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dc_types_impl.h"

/* ---- declaration specifiers ---------------------------------------- */

static unsigned
n_keywords(const struct dc_declspec *ds)
{
	return ds->n_void + ds->n_char + ds->n_short + ds->n_int + ds->n_long +
	    ds->n_float + ds->n_double + ds->n_signed + ds->n_unsigned +
	    ds->n_bool + ds->n_string;
}

static int
combo(struct dc_terr *err, const char *what)
{
	return dc_tys_err(err, "D_DECL_COMBO",
	    "invalid type combination: '%s' with earlier specifiers", what);
}

/* Specifiers that only make sense alone. */
static int
add_lone(struct dc_declspec *ds, uint8_t *counter, const char *what,
	 struct dc_terr *err)
{
	if (ds->named != NULL || n_keywords(ds) != 0) {
		if (counter == &ds->n_void)
			return dc_tys_err(err, "D_DECL_VOIDATTR",
			    "invalid attributes used with void");
		if (ds->n_void != 0)
			return dc_tys_err(err, "D_DECL_VOIDATTR",
			    "invalid attributes used with void");
		if ((ds->n_signed || ds->n_unsigned) && counter != &ds->n_void)
			return dc_tys_err(err, "D_DECL_SIGNINT",
			    "'signed' and 'unsigned' may only be used with "
			    "integer types");
		return combo(err, what);
	}
	(*counter)++;
	return 0;
}

int
dc_declspec__add(struct dc_declspec *ds, enum dc_spec spec, struct dc_terr *err)
{
	bool sign = ds->n_signed || ds->n_unsigned;

	switch (spec) {
	case DC_SPEC_CONST:
		ds->quals |= DC_Q_CONST;
		return 0;
	case DC_SPEC_VOLATILE:
		ds->quals |= DC_Q_VOLATILE;
		return 0;
	case DC_SPEC_RESTRICT:
		ds->quals |= DC_Q_RESTRICT;
		return 0;
	case DC_SPEC_USERLAND:
		ds->quals |= DC_Q_USERLAND;
		return 0;
	case DC_SPEC_VOID:
		return add_lone(ds, &ds->n_void, "void", err);
	case DC_SPEC_BOOL:
		return add_lone(ds, &ds->n_bool, "_Bool", err);
	case DC_SPEC_STRING:
		return add_lone(ds, &ds->n_string, "string", err);
	default:
		break;
	}
	if (ds->n_void)
		return dc_tys_err(err, "D_DECL_VOIDATTR",
		    "invalid attributes used with void");
	if (ds->n_bool || ds->n_string)
		return combo(err, ds->n_bool ? "_Bool" : "string");
	switch (spec) {
	case DC_SPEC_CHAR:
		if (ds->n_short || ds->n_long)
			return dc_tys_err(err, "D_DECL_CHARATTR",
			    "invalid attributes used with char");
		if (ds->n_char || ds->n_int || ds->n_float || ds->n_double ||
		    ds->named != NULL)
			return combo(err, "char");
		ds->n_char++;
		return 0;
	case DC_SPEC_SHORT:
		if (ds->n_char)
			return dc_tys_err(err, "D_DECL_CHARATTR",
			    "invalid attributes used with char");
		if (ds->n_long)
			return dc_tys_err(err, "D_UNKNOWN",
			    "'short' and 'long' may not be combined");
		if (ds->n_short || ds->n_float || ds->n_double || ds->named)
			return combo(err, "short");
		ds->n_short++;
		return 0;
	case DC_SPEC_LONG:
		if (ds->n_char)
			return dc_tys_err(err, "D_DECL_CHARATTR",
			    "invalid attributes used with char");
		if (ds->n_short)
			return dc_tys_err(err, "D_UNKNOWN",
			    "'short' and 'long' may not be combined");
		if (ds->n_float || ds->named != NULL)
			return dc_tys_err(err, "D_DECL_LONGINT",
			    "'long' may only be used with integer or "
			    "floating-point types");
		if (ds->n_double && ds->n_long >= 1)
			return dc_tys_err(err, "D_DECL_LONGINT",
			    "'long' may only be used once with double");
		if (ds->n_long >= 2)
			return combo(err, "long");
		ds->n_long++;
		return 0;
	case DC_SPEC_INT:
		if (ds->n_char)
			return combo(err, "int");
		if (ds->n_int || ds->n_float || ds->n_double || ds->named)
			return combo(err, "int");
		ds->n_int++;
		return 0;
	case DC_SPEC_FLOAT:
	case DC_SPEC_DOUBLE:
		if (sign)
			return dc_tys_err(err, "D_DECL_SIGNINT",
			    "'signed' and 'unsigned' may only be used with "
			    "integer types");
		if (ds->n_long && (spec == DC_SPEC_FLOAT || ds->n_long > 1))
			return dc_tys_err(err, "D_DECL_LONGINT",
			    "'long' may only be used with integer or "
			    "floating-point types");
		if (ds->n_char || ds->n_short || ds->n_int || ds->n_float ||
		    ds->n_double || ds->named)
			return combo(err, spec == DC_SPEC_FLOAT ? "float" :
			    "double");
		if (spec == DC_SPEC_FLOAT)
			ds->n_float++;
		else
			ds->n_double++;
		return 0;
	case DC_SPEC_SIGNED:
	case DC_SPEC_UNSIGNED:
		if (ds->n_float || ds->n_double || ds->named)
			return dc_tys_err(err, "D_DECL_SIGNINT",
			    "'signed' and 'unsigned' may only be used with "
			    "integer types");
		if (sign)
			return combo(err, spec == DC_SPEC_SIGNED ? "signed" :
			    "unsigned");
		if (spec == DC_SPEC_SIGNED)
			ds->n_signed++;
		else
			ds->n_unsigned++;
		return 0;
	default:
		return dc_tys_err(err, "D_UNKNOWN", "unknown specifier %d",
		    (int)spec);
	}
}

int
dc_declspec__add_type(struct dc_declspec *ds, const struct dc_type *t,
		      struct dc_terr *err)
{
	if (ds->n_void)
		return dc_tys_err(err, "D_DECL_VOIDATTR",
		    "invalid attributes used with void");
	if (ds->n_signed || ds->n_unsigned)
		return dc_tys_err(err, "D_DECL_SIGNINT",
		    "'signed' and 'unsigned' may only be used with integer "
		    "types");
	if (ds->n_long)
		return dc_tys_err(err, "D_DECL_LONGINT",
		    "'long' may only be used with integer or floating-point "
		    "types");
	if (ds->named != NULL || n_keywords(ds) != 0)
		return combo(err, t != NULL && t->name ? t->name : "type name");
	ds->named = t;
	return 0;
}

int
dc_declspec__add_storage(struct dc_declspec *ds, enum dc_tstorage sc,
			 struct dc_terr *err)
{
	if (ds->storage != DC_TSC_NONE)
		return dc_tys_err(err, "D_DECL_CLASS",
		    "only one storage class allowed in a declaration");
	ds->storage = sc;
	return 0;
}

static enum dc_wk
int_wk(const struct dc_declspec *ds)
{
	bool u = ds->n_unsigned != 0;

	if (ds->n_char)
		return u ? DC_WK_UCHAR : ds->n_signed ? DC_WK_SCHAR : DC_WK_CHAR;
	if (ds->n_short)
		return u ? DC_WK_USHORT : DC_WK_SHORT;
	if (ds->n_long == 1)
		return u ? DC_WK_ULONG : DC_WK_LONG;
	if (ds->n_long == 2)
		return u ? DC_WK_ULLONG : DC_WK_LLONG;
	return u ? DC_WK_UINT : DC_WK_INT;
}

const struct dc_type *
dc_declspec__type(struct dc_typesys *ts, const struct dc_declspec *ds,
		  struct dc_terr *err)
{
	const struct dc_type *t;

	if (ds->named != NULL)
		t = ds->named;
	else if (ds->n_void)
		t = ts->wk[DC_WK_VOID];
	else if (ds->n_bool)
		t = ts->wk[DC_WK_BOOL];
	else if (ds->n_string)
		t = ts->wk[DC_WK_STRING];
	else if (ds->n_float)
		t = ts->wk[DC_WK_FLOAT];
	else if (ds->n_double)
		t = ts->wk[ds->n_long ? DC_WK_LDOUBLE : DC_WK_DOUBLE];
	else if (n_keywords(ds) != 0)
		t = ts->wk[int_wk(ds)];
	else {
		dc_tys_err(err, "D_DECL_USELESS",
		    "declaration has qualifiers or a class but no type");
		return NULL;
	}
	if (ds->quals != 0)
		t = dc_type__qualify(ts, t, ds->quals);
	return t;
}

/* ---- derived types -------------------------------------------------- */

static const struct dc_type *
cached_derived(struct dc_typesys *ts, const char *op, const struct dc_type *to,
	       unsigned quals, const char **keyp)
{
	char key[64];

	snprintf(key, sizeof(key), "%s:%u:%u", op, to->id, quals);
	*keyp = dc_tys_intern(ts, key);
	return *keyp ? dc_tys_map_get(&ts->derived, *keyp) : NULL;
}

const struct dc_type *
dc_type__pointer(struct dc_typesys *ts, const struct dc_type *to)
{
	const char *key;
	const struct dc_type *c;
	struct dc_type *t;

	if (to == NULL)
		return NULL;
	c = cached_derived(ts, "p", to, 0, &key);
	if (c != NULL || key == NULL)
		return c;
	t = dc_tys_node(ts, DC_TK_POINTER);
	if (t == NULL)
		return NULL;
	t->ref = to;
	t->size = 8;
	t->align = 8;
	t->flags = DC_TF_COMPLETE;
	if (dc_tys_map_put(ts, &ts->derived, key, t) != 0)
		return NULL;
	return t;
}

const struct dc_type *
dc_type__qualify(struct dc_typesys *ts, const struct dc_type *t, unsigned quals)
{
	const char *key;
	const struct dc_type *c;
	struct dc_type *q;

	quals &= DC_Q_CONST | DC_Q_VOLATILE | DC_Q_RESTRICT | DC_Q_USERLAND;
	if (t == NULL || quals == 0)
		return t;
	if (t->kind == DC_TK_QUAL) {
		quals |= t->quals;
		t = t->ref;
	}
	c = cached_derived(ts, "q", t, quals, &key);
	if (c != NULL || key == NULL)
		return c;
	q = dc_tys_node(ts, DC_TK_QUAL);
	if (q == NULL)
		return NULL;
	q->ref = t;
	q->quals = quals;
	q->flags = DC_TF_COMPLETE;
	if (dc_tys_map_put(ts, &ts->derived, key, q) != 0)
		return NULL;
	return q;
}

int
dc_type__check_object(const struct dc_type *t, struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (r == NULL)
		return dc_tys_err(err, "D_UNKNOWN", "no type");
	switch (r->kind) {
	case DC_TK_VOID:
		return dc_tys_err(err, "D_DECL_VOIDOBJ",
		    "cannot have void object");
	case DC_TK_DYN:
		return dc_tys_err(err, "D_DECL_DYNOBJ",
		    "cannot have dynamic object");
	case DC_TK_STRUCT:
	case DC_TK_UNION:
	case DC_TK_ENUM:
		if (!(r->flags & DC_TF_COMPLETE))
			return dc_tys_err(err, "D_DECL_INCOMPLETE",
			    "declared object has incomplete type %s %s",
			    r->kind == DC_TK_STRUCT ? "struct" :
			    r->kind == DC_TK_UNION ? "union" : "enum",
			    r->name ? r->name : "(anon)");
		return 0;
	case DC_TK_EXTERN:
		if (r->ext_kind == DC_EXT_ENUM || r->ext_kind == DC_EXT_TYPEDEF)
			return 0;	/* a scalar whose width the target knows */
		return dc_tys_err(err, "D_DECL_INCOMPLETE",
		    "declared object has symbolic target type %s",
		    r->name);
	case DC_TK_ARRAY:
		if (r->nkeys != 0)
			return dc_type__check_object(r->ref, err);
		return dc_type__check_object(r->ref, err);
	default:
		return 0;
	}
}

#define DC_ARRAY_MAX	((uint64_t)INT32_MAX)

const struct dc_type *
dc_type__array(struct dc_typesys *ts, const struct dc_type *elem,
	       const struct dc_cval *dim, struct dc_terr *err)
{
	struct dc_type *t;
	uint64_t esize = 0;

	if (dim == NULL) {
		dc_tys_err(err, "D_DECL_ARRNULL",
		    "array declaration requires array dimension or tuple "
		    "signature");
		return NULL;
	}
	if (!dim->is_const) {
		dc_tys_err(err, "D_DECL_ARRSUB",
		    "positive integral constant expression required as "
		    "array size");
		return NULL;
	}
	if ((!dim->is_unsigned && dim->value <= 0) || dim->value == 0) {
		dc_tys_err(err, "D_DECL_ARRSUB",
		    "positive integral constant expression required as "
		    "array size");
		return NULL;
	}
	if (dc_type__check_object(elem, err) != 0)
		return NULL;
	if (dc_type__sizeof(ts, elem, &esize, NULL) == 0 &&
	    ((uint64_t)dim->value > DC_ARRAY_MAX ||
	    (esize != 0 && (uint64_t)dim->value > DC_ARRAY_MAX / esize))) {
		dc_tys_err(err, "D_DECL_ARRBIG",
		    "array dimension too large: %llu",
		    (unsigned long long)dim->value);
		return NULL;
	}
	if ((uint64_t)dim->value > DC_ARRAY_MAX) {
		dc_tys_err(err, "D_DECL_ARRBIG",
		    "array dimension too large: %llu",
		    (unsigned long long)dim->value);
		return NULL;
	}
	t = dc_tys_node(ts, DC_TK_ARRAY);
	if (t == NULL)
		return NULL;
	t->ref = elem;
	t->nelems = (uint64_t)dim->value;
	t->size = esize * t->nelems;
	t->align = dc_type__alignof(ts, elem);
	t->flags = DC_TF_COMPLETE;
	return t;
}

const struct dc_type *
dc_type__assoc(struct dc_typesys *ts, const struct dc_type *elem,
	       const struct dc_type *const *keys, size_t nkeys,
	       struct dc_terr *err)
{
	struct dc_type *t;

	if (nkeys == 0) {
		dc_tys_err(err, "D_DECL_ARRNULL",
		    "associative array requires a tuple signature");
		return NULL;
	}
	for (size_t i = 0; i < nkeys; i++) {
		const struct dc_type *k = dc_type__resolve(keys[i]);

		if (k == NULL || k->kind == DC_TK_VOID) {
			dc_tys_err(err, "D_DECL_VOIDOBJ",
			    "associative array key %zu may not be void", i + 1);
			return NULL;
		}
		if (k->kind == DC_TK_DYN || k->kind == DC_TK_AGG) {
			dc_tys_err(err, "D_KEY_TYPE",
			    "associative array key %zu has an invalid type",
			    i + 1);
			return NULL;
		}
	}
	if (dc_type__check_object(elem, err) != 0)
		return NULL;
	t = dc_tys_node(ts, DC_TK_ARRAY);
	if (t == NULL)
		return NULL;
	t->keys = dc_typesys__alloc(ts, nkeys * sizeof(*t->keys));
	if (t->keys == NULL)
		return NULL;
	memcpy(t->keys, keys, nkeys * sizeof(*t->keys));
	t->nkeys = (uint32_t)nkeys;
	t->ref = elem;
	t->align = dc_type__alignof(ts, elem);
	t->flags = DC_TF_COMPLETE;
	return t;
}

static bool
is_d_only(const struct dc_type *t)
{
	const struct dc_type *r = dc_type__resolve(t);

	return r != NULL && (r->kind == DC_TK_DYN || r->kind == DC_TK_STACK ||
	    r->kind == DC_TK_SYMADDR || r->kind == DC_TK_USYMADDR ||
	    r->kind == DC_TK_AGG);
}

const struct dc_type *
dc_type__function(struct dc_typesys *ts, const struct dc_type *ret,
		  const struct dc_tparam *params, size_t nparams, bool varargs,
		  unsigned proto_flags, struct dc_terr *err)
{
	struct dc_type *t;

	if (varargs && (proto_flags & DC_PROTO_NO_VARARGS)) {
		dc_tys_err(err, "D_DECL_PROTO_VARARGS",
		    "variable arguments are not permitted here");
		return NULL;
	}
	for (size_t i = 0; i < nparams; i++) {
		const struct dc_tparam *p = &params[i];

		if (p->storage != DC_TSC_NONE) {
			dc_tys_err(err, "D_DECL_PARMCLASS",
			    "inappropriate storage class for function "
			    "parameter %zu", i + 1);
			return NULL;
		}
		if (dc_type__is_void(p->type)) {
			if (nparams != 1 || varargs) {
				dc_tys_err(err, "D_DECL_PROTO_VOID",
				    "void must be sole parameter");
				return NULL;
			}
			if (p->name != NULL) {
				dc_tys_err(err, "D_DECL_PROTO_NAME",
				    "void parameter may not have a name: %s",
				    p->name);
				return NULL;
			}
			nparams = 0;
			break;
		}
		if (p->name == NULL && (proto_flags & DC_PROTO_NEED_NAMES)) {
			dc_tys_err(err, "D_DECL_PROTO_FORM",
			    "parameter %zu requires a name", i + 1);
			return NULL;
		}
		if ((proto_flags & DC_PROTO_NO_DYN) && is_d_only(p->type)) {
			dc_tys_err(err, "D_DECL_PROTO_TYPE",
			    "parameter %zu has a type not permitted in a "
			    "prototype", i + 1);
			return NULL;
		}
	}
	t = dc_tys_node(ts, DC_TK_FUNCTION);
	if (t == NULL)
		return NULL;
	t->ref = ret;
	t->flags = DC_TF_COMPLETE | (varargs ? DC_TF_VARARGS : 0);
	t->nparams = (uint32_t)nparams;
	if (nparams != 0) {
		t->params = dc_typesys__alloc(ts, nparams * sizeof(*t->params));
		if (t->params == NULL)
			return NULL;
		for (size_t i = 0; i < nparams; i++)
			t->params[i] = params[i].type;
	}
	return t;
}

const struct dc_type *
dc_type__derive(struct dc_typesys *ts, const struct dc_type *base,
		const struct dc_deriv *d, size_t n, struct dc_terr *err)
{
	const struct dc_type *t = base;

	for (size_t i = 0; i < n && t != NULL; i++) {
		switch (d[i].kind) {
		case DC_DERIV_POINTER:
			t = dc_type__qualify(ts, dc_type__pointer(ts, t),
			    d[i].quals);
			break;
		case DC_DERIV_ARRAY:
			t = dc_type__array(ts, t, d[i].dim, err);
			break;
		case DC_DERIV_ASSOC:
			t = dc_type__assoc(ts, t, d[i].keys, d[i].nkeys, err);
			break;
		case DC_DERIV_FUNCTION:
			t = dc_type__function(ts, t, d[i].params, d[i].nparams,
			    d[i].varargs, d[i].proto_flags, err);
			break;
		default:
			dc_tys_err(err, "D_UNKNOWN", "bad declarator step");
			return NULL;
		}
	}
	if (t == NULL && err != NULL && err->tag == NULL)
		dc_tys_err(err, "D_NOMEM", "out of memory");
	return t;
}

/* ---- struct / union ------------------------------------------------- */

struct dc_type *
dc_sou__begin(struct dc_typesys *ts, enum dc_tkind kind, const char *tag,
	      struct dc_terr *err)
{
	struct dc_type *t;

	if (kind != DC_TK_STRUCT && kind != DC_TK_UNION) {
		dc_tys_err(err, "D_UNKNOWN", "not a struct or union kind");
		return NULL;
	}
	if (tag == NULL) {
		t = dc_tys_node(ts, kind);
		if (t != NULL)
			t->flags = DC_TF_PROGRAM;
		return t;
	}
	t = dc_typesys__tag_ref(ts, kind, NULL, tag, err);
	if (t == NULL)
		return NULL;
	if (t->flags & (DC_TF_COMPLETE | DC_TF_DEFINING)) {
		dc_tys_err(err, "D_DECL_TYPERED",
		    "type redeclared: %s %s",
		    kind == DC_TK_STRUCT ? "struct" : "union", tag);
		return NULL;
	}
	t->flags |= DC_TF_DEFINING;
	return t;
}

static bool
bitfield_base_ok(const struct dc_type *r)
{
	return r != NULL && (r->kind == DC_TK_INT || r->kind == DC_TK_ENUM);
}

/* The first member name of anonymous `inner` (searched recursively) that
   `sou` already has, or NULL. */
static const char *
first_clash(const struct dc_type *sou, const struct dc_type *inner)
{
	for (uint32_t i = 0; i < inner->nmembers; i++) {
		const struct dc_tmember *m = &inner->members[i];
		const struct dc_type *r;
		const char *d;

		if (m->name != NULL) {
			if (dc_tys_find_member(sou, m->name, NULL, NULL))
				return m->name;
			continue;
		}
		r = dc_type__resolve(m->type);
		if (r != NULL && m->bit_width == 0 &&
		    (r->kind == DC_TK_STRUCT || r->kind == DC_TK_UNION) &&
		    (d = first_clash(sou, r)) != NULL)
			return d;
	}
	return NULL;
}

int
dc_sou__add_member(struct dc_typesys *ts, struct dc_type *sou,
		   const char *name, const struct dc_type *type,
		   const struct dc_cval *bitwidth, struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(type);
	uint32_t width = 0;
	struct dc_tmember *m;

	if (r == NULL)
		return dc_tys_err(err, "D_UNKNOWN", "member without a type");
	if (bitwidth != NULL) {
		if (!bitfield_base_ok(r))
			return dc_tys_err(err, "D_DECL_BFTYPE",
			    "invalid type for bit-field%s%s",
			    name ? ": " : "", name ? name : "");
		if (!bitwidth->is_const ||
		    (!bitwidth->is_unsigned && bitwidth->value <= 0) ||
		    bitwidth->value == 0)
			return dc_tys_err(err, "D_DECL_BFCONST",
			    "positive integral constant expression required "
			    "for bit-field size%s%s",
			    name ? ": " : "", name ? name : "");
		if ((uint64_t)bitwidth->value > r->bits ||
		    (uint64_t)bitwidth->value > 64)
			return dc_tys_err(err, "D_DECL_BFSIZE",
			    "bit-field size %llu exceeds the %u bits of its "
			    "type%s%s", (unsigned long long)bitwidth->value,
			    r->bits, name ? ": " : "", name ? name : "");
		width = (uint32_t)bitwidth->value;
	} else {
		if (name == NULL && r->kind != DC_TK_STRUCT &&
		    r->kind != DC_TK_UNION)
			return dc_tys_err(err, "D_DECL_MNAME",
			    "member declaration requires a name");
		if (r == sou)
			return dc_tys_err(err, "D_DECL_INCOMPLETE",
			    "member %s has the incomplete type being defined",
			    name ? name : "(anon)");
		if (dc_type__check_object(type, err) != 0)
			return -1;
		if (r->kind == DC_TK_FUNCTION)
			return dc_tys_err(err, "D_DECL_VOIDOBJ",
			    "member %s may not have a function type",
			    name ? name : "(anon)");
		if (r->kind == DC_TK_ARRAY && r->nkeys != 0)
			return dc_tys_err(err, "D_DECL_INCOMPLETE",
			    "member %s may not be an associative array",
			    name ? name : "(anon)");
	}
	if (name == NULL && width == 0) {
		const char *dup = first_clash(sou, r);

		if (dup != NULL)
			return dc_tys_err(err, "D_UNKNOWN",
			    "failed to define member '%s': member redeclared",
			    dup);
	}
	if (name != NULL) {
		if (dc_tys_find_member(sou, name, NULL, NULL))
			return dc_tys_err(err, "D_UNKNOWN",
			    "failed to define member '%s': member redeclared",
			    name);
	}
	m = dc_typesys__alloc(ts, (sou->nmembers + 1) * sizeof(*m));
	if (m == NULL)
		return dc_tys_err(err, "D_NOMEM", "out of memory");
	if (sou->nmembers != 0)
		memcpy(m, sou->members, sou->nmembers * sizeof(*m));
	m[sou->nmembers].name = name ? dc_tys_intern(ts, name) : NULL;
	m[sou->nmembers].type = type;
	m[sou->nmembers].bit_width = width;
	sou->members = m;
	sou->nmembers++;
	/* Keep offsets current so nested lookups during the definition see
	   the members already added. */
	dc_tys_layout(sou);
	return 0;
}

int
dc_sou__end(struct dc_typesys *ts, struct dc_type *sou, struct dc_terr *err)
{
	dc_tys_layout(sou);
	sou->flags = (sou->flags & ~DC_TF_DEFINING) | DC_TF_COMPLETE;
	return 0;
}

/* ---- enum ------------------------------------------------------------ */

struct dc_type *
dc_enum__begin(struct dc_typesys *ts, const char *tag, struct dc_terr *err)
{
	struct dc_type *t;

	if (tag == NULL) {
		t = dc_tys_node(ts, DC_TK_ENUM);
		if (t == NULL)
			return NULL;
		t->flags = DC_TF_PROGRAM | DC_TF_SIGNED;
		t->bits = 32;
	} else {
		t = dc_typesys__tag_ref(ts, DC_TK_ENUM, NULL, tag, err);
		if (t == NULL)
			return NULL;
		if (t->flags & (DC_TF_COMPLETE | DC_TF_DEFINING)) {
			dc_tys_err(err, "D_DECL_TYPERED",
			    "type redeclared: enum %s", tag);
			return NULL;
		}
	}
	t->size = 4;
	t->align = 4;
	t->flags |= DC_TF_DEFINING;
	return t;
}

int
dc_enum__add(struct dc_typesys *ts, struct dc_type *e, const char *name,
	     const struct dc_cval *value, struct dc_terr *err)
{
	int64_t v;
	struct dc_tenum *n;
	struct dc_tys_enumref *ref;

	if (value != NULL) {
		if (!value->is_const)
			return dc_tys_err(err, "D_DECL_ENCONST",
			    "enumerator '%s' must be assigned to an integral "
			    "constant expression", name);
		if ((value->is_unsigned && (uint64_t)value->value > INT_MAX) ||
		    (!value->is_unsigned && (value->value > INT_MAX ||
		    value->value < INT_MIN)))
			return dc_tys_err(err, "D_DECL_ENOFLOW",
			    "enumerator '%s' value overflows INT_MAX (%d)",
			    name, INT_MAX);
		v = value->value;
	} else if (e->nenums == 0) {
		v = 0;
	} else {
		v = e->enums[e->nenums - 1].value + 1;
		if (v > INT_MAX)
			return dc_tys_err(err, "D_DECL_ENOFLOW",
			    "enumerator '%s' value overflows INT_MAX (%d)",
			    name, INT_MAX);
	}
	for (uint32_t i = 0; i < e->nenums; i++)
		if (strcmp(e->enums[i].name, name) == 0)
			return dc_tys_err(err, "D_UNKNOWN",
			    "failed to add enumerator '%s': name repeated",
			    name);
	if (dc_typesys__ident_taken(ts, name))
		return dc_tys_err(err, "D_DECL_IDRED",
		    "identifier redeclared: %s", name);
	n = dc_typesys__alloc(ts, (e->nenums + 1) * sizeof(*n));
	ref = dc_typesys__alloc(ts, sizeof(*ref));
	if (n == NULL || ref == NULL)
		return dc_tys_err(err, "D_NOMEM", "out of memory");
	if (e->nenums != 0)
		memcpy(n, e->enums, e->nenums * sizeof(*n));
	n[e->nenums].name = dc_tys_intern(ts, name);
	n[e->nenums].value = v;
	e->enums = n;
	e->nenums++;
	ref->type = e;
	ref->value = v;
	if (n[e->nenums - 1].name == NULL ||
	    dc_tys_map_put(ts, &ts->enumerators, n[e->nenums - 1].name, ref) != 0)
		return dc_tys_err(err, "D_NOMEM", "out of memory");
	return 0;
}

int
dc_enum__end(struct dc_typesys *ts, struct dc_type *e, struct dc_terr *err)
{
	e->flags = (e->flags & ~DC_TF_DEFINING) | DC_TF_COMPLETE;
	return 0;
}

/* ---- whole declarations ----------------------------------------------- */

int
dc_decl__check_var(const struct dc_typesys *ts, const struct dc_declspec *ds,
		   const char *name, const struct dc_type *t,
		   struct dc_terr *err)
{
	const struct dc_type *r = dc_type__resolve(t);

	if (ds->storage == DC_TSC_AUTO || ds->storage == DC_TSC_REGISTER ||
	    ds->storage == DC_TSC_STATIC)
		return dc_tys_err(err, "D_DECL_BADCLASS",
		    "specified storage class not appropriate in D");
	if (name != NULL && strchr(name, '`') != NULL)
		return dc_tys_err(err, "D_DECL_SCOPE",
		    "D scoping operator may not be used in a declaration: %s",
		    name);
	if (ds->storage == DC_TSC_THIS && r != NULL &&
	    r->kind == DC_TK_ARRAY && r->nkeys != 0)
		return dc_tys_err(err, "D_DECL_LOCASSC",
		    "associative arrays may not be declared as clause-local "
		    "variables: %s", name ? name : "");
	if (dc_type__check_object(t, err) != 0)
		return -1;
	if (name != NULL && ds->storage != DC_TSC_SELF &&
	    ds->storage != DC_TSC_THIS && dc_typesys__ident_taken(ts, name))
		return dc_tys_err(err, "D_DECL_IDRED",
		    "identifier redeclared: %s", name);
	return 0;
}

const struct dc_type *
dc_typesys__int_literal(const struct dc_typesys *ts, uint64_t value,
			bool decimal, bool unsigned_suffix, int nlong,
			struct dc_terr *err)
{
	static const enum dc_wk order[] = { DC_WK_INT, DC_WK_UINT, DC_WK_LONG,
	    DC_WK_ULONG, DC_WK_LLONG, DC_WK_ULLONG };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct dc_type *t = ts->wk[order[i]];
		bool is_unsigned = !(t->flags & DC_TF_SIGNED);
		int rank = (int)i / 2;	/* 0 int, 1 long, 2 long long */
		uint64_t max;

		if (rank < nlong)
			continue;
		if (is_unsigned && !unsigned_suffix && decimal)
			continue;
		if (!is_unsigned && unsigned_suffix)
			continue;
		max = t->bits == 64 ? (is_unsigned ? UINT64_MAX : INT64_MAX) :
		    (is_unsigned ? UINT32_MAX : INT32_MAX);
		if (value <= max)
			return t;
	}
	dc_tys_err(err, "D_INT_OFLOW", "integer constant 0x%llx cannot be "
	    "represented in any built-in integral type",
	    (unsigned long long)value);
	return NULL;
}
