/*
 * dc_types.c -- the type system object: arena, scopes, intrinsic and D
 * typedef containers, lookups by name, typedefs and symbolic names.
 *
 * Invariants: every node and string handed out lives in ts->arena and is
 * valid until dc_typesys__free(); node ids increase in creation order (the
 * arithmetic conversions break rank ties with them, so the order in which
 * the intrinsics are created below is part of the semantics: "long long"
 * after "long").  A name is in at most one of: typenames (typedefs and
 * intrinsics), enumerators.  Tags live in their own namespace, keyed by
 * "struct x" / "union x" / "enum x".
 *
 * Read next: dc_decl.c (specifiers, derived types, struct/enum builders).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_types_impl.h"

/* ---- arena -------------------------------------------------------- */

struct dc_tys_chunk {
	struct dc_tys_chunk	*next;
	max_align_t		data[];
};

#define ARENA_CHUNK	(64u * 1024u)

void *
dc_tys_alloc_raw(struct dc_tys_arena *a, size_t n)
{
	n = DC_ALIGN_UP(n ? n : 1, sizeof(max_align_t));
	if (a->head == NULL || a->cap - a->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		struct dc_tys_chunk *c = malloc(sizeof(*c) + cap);

		if (c == NULL)
			return NULL;
		c->next = a->head;
		a->head = c;
		a->used = 0;
		a->cap = cap;
	}
	void *p = (char *)a->head->data + a->used;

	a->used += n;
	memset(p, 0, n);
	return p;
}

void
dc_tys_arena_free(struct dc_tys_arena *a)
{
	struct dc_tys_chunk *c = a->head;

	while (c != NULL) {
		struct dc_tys_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
}

void *
dc_typesys__alloc(struct dc_typesys *ts, size_t n)
{
	void *p = dc_tys_alloc_raw(&ts->arena, n);

	if (p == NULL) {
		ts->oom = true;
		errno = ENOMEM;
	}
	return p;
}

/* ---- hash maps ----------------------------------------------------- */

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void *
dc_tys_map_get(const struct dc_tys_map *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->ents[i].key == NULL)
			return NULL;
		if (strcmp(m->ents[i].key, key) == 0)
			return m->ents[i].val;
	}
}

static void
hmap_insert(struct dc_tys_map *m, const char *key, void *val)
{
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->ents[i].key == NULL) {
			m->ents[i].key = key;
			m->ents[i].val = val;
			m->len++;
			return;
		}
		if (strcmp(m->ents[i].key, key) == 0) {
			m->ents[i].val = val;
			return;
		}
	}
}

int
dc_tys_map_put(struct dc_typesys *ts, struct dc_tys_map *m, const char *key, void *val)
{
	if ((m->len + 1) * 4 >= m->cap * 3) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct dc_tys_ment *old = m->ents;
		size_t ocap = m->cap;

		m->ents = dc_typesys__alloc(ts, ncap * sizeof(*m->ents));
		if (m->ents == NULL) {
			m->ents = old;
			return -1;
		}
		m->cap = ncap;
		m->len = 0;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].key != NULL)
				hmap_insert(m, old[i].key, old[i].val);
	}
	hmap_insert(m, key, val);
	return 0;
}

/* ---- strings ------------------------------------------------------- */

const char *
dc_tys_intern_n(struct dc_typesys *ts, const char *s, size_t len)
{
	char stackbuf[256];
	char *tmp = len < sizeof(stackbuf) ? stackbuf : malloc(len + 1);

	if (tmp == NULL) {
		ts->oom = true;
		return NULL;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	const char *found = dc_tys_map_get(&ts->strings, tmp);

	if (found == NULL) {
		char *copy = dc_typesys__alloc(ts, len + 1);

		if (copy != NULL) {
			memcpy(copy, tmp, len + 1);
			if (dc_tys_map_put(ts, &ts->strings, copy, copy) == 0)
				found = copy;
		}
	}
	if (tmp != stackbuf)
		free(tmp);
	return found;
}

const char *
dc_tys_intern(struct dc_typesys *ts, const char *s)
{
	return dc_tys_intern_n(ts, s, strlen(s));
}

const char *
dc_typesys__strdup(struct dc_typesys *ts, const char *s)
{
	return dc_tys_intern(ts, s);
}

const char *
dc_tys_intern3(struct dc_typesys *ts, const char *a, const char *b, const char *c)
{
	size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0;
	size_t lc = c ? strlen(c) : 0;
	char *tmp = malloc(la + lb + lc + 1);
	const char *r;

	if (tmp == NULL) {
		ts->oom = true;
		return NULL;
	}
	memcpy(tmp, a ? a : "", la);
	memcpy(tmp + la, b ? b : "", lb);
	memcpy(tmp + la + lb, c ? c : "", lc);
	r = dc_tys_intern_n(ts, tmp, la + lb + lc);
	free(tmp);
	return r;
}

int
dc_tys_err(struct dc_terr *err, const char *tag, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->tag = tag;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- nodes --------------------------------------------------------- */

struct dc_type *
dc_tys_node(struct dc_typesys *ts, enum dc_tkind kind)
{
	struct dc_type *t = dc_typesys__alloc(ts, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->kind = kind;
	t->id = ++ts->next_id;
	t->align = 1;
	return t;
}

static struct dc_type *
new_int(struct dc_typesys *ts, const char *name, uint32_t bytes, bool is_signed,
	uint32_t extra)
{
	struct dc_type *t = dc_tys_node(ts, DC_TK_INT);

	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->size = bytes;
	t->align = bytes;
	t->bits = bytes * 8;
	t->flags = (is_signed ? DC_TF_SIGNED : 0) | DC_TF_COMPLETE | extra;
	return t;
}

static struct dc_type *
new_float(struct dc_typesys *ts, const char *name, uint32_t bytes)
{
	struct dc_type *t = dc_tys_node(ts, DC_TK_FLOAT);

	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->size = bytes;
	t->align = bytes;
	t->bits = bytes * 8;
	t->flags = DC_TF_SIGNED | DC_TF_COMPLETE;
	return t;
}

static struct dc_type *
new_special(struct dc_typesys *ts, enum dc_tkind kind, const char *name,
	    uint64_t size)
{
	struct dc_type *t = dc_tys_node(ts, kind);

	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->size = size;
	t->align = size >= 8 ? 8 : 1;
	t->flags = DC_TF_COMPLETE;
	return t;
}

static int
add_name(struct dc_typesys *ts, const char *name, const struct dc_type *t)
{
	const char *k = dc_tys_intern(ts, name);

	if (k == NULL || dc_tys_map_put(ts, &ts->typenames, k, (void *)t) != 0 ||
	    dc_tys_map_put(ts, &ts->intrinsics, k, (void *)t) != 0)
		return -1;
	return 0;
}

static const struct dc_type *
d_typedef(struct dc_typesys *ts, const char *name, const struct dc_type *to)
{
	struct dc_type *t = dc_tys_node(ts, DC_TK_TYPEDEF);

	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->ref = to;
	t->size = to->size;
	t->align = to->align;
	t->flags = DC_TF_COMPLETE;
	if (add_name(ts, name, t) != 0)
		return NULL;
	return t;
}

/* The C intrinsics, in rank-tie order (see the theory comment). */
static void
init_intrinsics(struct dc_typesys *ts)
{
	const struct dc_type **wk = ts->wk;

	wk[DC_WK_VOID] = new_special(ts, DC_TK_VOID, "void", 0);
	wk[DC_WK_BOOL] = new_int(ts, "_Bool", 1, false, DC_TF_BOOL);
	wk[DC_WK_CHAR] = new_int(ts, "char", 1, true, DC_TF_CHAR);
	wk[DC_WK_SCHAR] = new_int(ts, "signed char", 1, true, DC_TF_CHAR);
	wk[DC_WK_UCHAR] = new_int(ts, "unsigned char", 1, false, DC_TF_CHAR);
	wk[DC_WK_SHORT] = new_int(ts, "short", 2, true, 0);
	wk[DC_WK_USHORT] = new_int(ts, "unsigned short", 2, false, 0);
	wk[DC_WK_INT] = new_int(ts, "int", 4, true, 0);
	wk[DC_WK_UINT] = new_int(ts, "unsigned int", 4, false, 0);
	wk[DC_WK_LONG] = new_int(ts, "long", 8, true, 0);
	wk[DC_WK_ULONG] = new_int(ts, "unsigned long", 8, false, 0);
	wk[DC_WK_LLONG] = new_int(ts, "long long", 8, true, 0);
	wk[DC_WK_ULLONG] = new_int(ts, "unsigned long long", 8, false, 0);
	wk[DC_WK_FLOAT] = new_float(ts, "float", 4);
	wk[DC_WK_DOUBLE] = new_float(ts, "double", 8);
	wk[DC_WK_LDOUBLE] = new_float(ts, "long double", 16);
	wk[DC_WK_STRING] = new_special(ts, DC_TK_STRING, "string", 0);
	wk[DC_WK_DYN] = new_special(ts, DC_TK_DYN, "<DYN>", 0);
	wk[DC_WK_STACK] = new_special(ts, DC_TK_STACK, "stack", 0);
	wk[DC_WK_SYMADDR] = new_special(ts, DC_TK_SYMADDR, "_symaddr", 8);
	wk[DC_WK_USYMADDR] = new_special(ts, DC_TK_USYMADDR, "_usymaddr", 8);
	wk[DC_WK_AGG] = new_special(ts, DC_TK_AGG, "<AGG>", 0);
	for (int i = DC_WK_VOID; i <= DC_WK_LDOUBLE; i++)
		if (wk[i] != NULL)
			add_name(ts, wk[i]->name, wk[i]);
	add_name(ts, "string", wk[DC_WK_STRING]);
	add_name(ts, "stack", wk[DC_WK_STACK]);
	add_name(ts, "_symaddr", wk[DC_WK_SYMADDR]);
	add_name(ts, "_usymaddr", wk[DC_WK_USYMADDR]);
}

/* The D container: fixed-width and system typedefs (LP64). */
static void
init_d_typedefs(struct dc_typesys *ts)
{
	const struct dc_type **wk = ts->wk;
	static const struct { const char *name; enum dc_wk to; } tds[] = {
		{ "int8_t", DC_WK_CHAR }, { "int16_t", DC_WK_SHORT },
		{ "int32_t", DC_WK_INT }, { "int64_t", DC_WK_LONG },
		{ "uint8_t", DC_WK_UCHAR }, { "uint16_t", DC_WK_USHORT },
		{ "uint32_t", DC_WK_UINT }, { "uint64_t", DC_WK_ULONG },
		{ "intptr_t", DC_WK_LONG }, { "uintptr_t", DC_WK_ULONG },
		{ "intmax_t", DC_WK_LONG }, { "uintmax_t", DC_WK_ULONG },
		{ "size_t", DC_WK_ULONG }, { "ssize_t", DC_WK_LONG },
		{ "ptrdiff_t", DC_WK_LONG }, { "off_t", DC_WK_LONG },
		{ "offset_t", DC_WK_LLONG }, { "diskaddr_t", DC_WK_ULLONG },
		{ "uchar_t", DC_WK_UCHAR }, { "ushort_t", DC_WK_USHORT },
		{ "uint_t", DC_WK_UINT }, { "ulong_t", DC_WK_ULONG },
		{ "longlong_t", DC_WK_LLONG }, { "u_longlong_t", DC_WK_ULLONG },
		{ "u_char", DC_WK_UCHAR }, { "u_short", DC_WK_USHORT },
		{ "u_int", DC_WK_UINT }, { "u_long", DC_WK_ULONG },
		{ "hrtime_t", DC_WK_LLONG }, { "time_t", DC_WK_LONG },
		{ "clock_t", DC_WK_LONG }, { "daddr_t", DC_WK_LONG },
		{ "id_t", DC_WK_INT }, { "pid_t", DC_WK_INT },
		{ "uid_t", DC_WK_UINT }, { "gid_t", DC_WK_UINT },
		{ "dev_t", DC_WK_ULONG }, { "major_t", DC_WK_UINT },
		{ "minor_t", DC_WK_UINT }, { "zoneid_t", DC_WK_INT },
		{ "taskid_t", DC_WK_INT }, { "projid_t", DC_WK_INT },
		{ "poolid_t", DC_WK_INT }, { "psetid_t", DC_WK_INT },
		{ "processorid_t", DC_WK_INT }, { "chipid_t", DC_WK_INT },
		{ "lgrp_id_t", DC_WK_INT }, { "ctid_t", DC_WK_INT },
		{ "mode_t", DC_WK_UINT }, { "nlink_t", DC_WK_UINT },
		{ "key_t", DC_WK_INT }, { "ino_t", DC_WK_ULONG },
		{ "blkcnt_t", DC_WK_LONG }, { "blksize_t", DC_WK_INT },
		{ "socklen_t", DC_WK_UINT }, { "ipaddr_t", DC_WK_UINT },
		{ "in_addr_t", DC_WK_UINT }, { "in_port_t", DC_WK_USHORT },
		{ "sa_family_t", DC_WK_USHORT }, { "boolean_t", DC_WK_INT },
	};
	const struct dc_type *t;

	for (size_t i = 0; i < sizeof(tds) / sizeof(tds[0]); i++) {
		t = d_typedef(ts, tds[i].name, wk[tds[i].to]);
		if (strcmp(tds[i].name, "int8_t") == 0) wk[DC_WK_INT8] = t;
		else if (strcmp(tds[i].name, "int16_t") == 0) wk[DC_WK_INT16] = t;
		else if (strcmp(tds[i].name, "int32_t") == 0) wk[DC_WK_INT32] = t;
		else if (strcmp(tds[i].name, "int64_t") == 0) wk[DC_WK_INT64] = t;
		else if (strcmp(tds[i].name, "uint8_t") == 0) wk[DC_WK_UINT8] = t;
		else if (strcmp(tds[i].name, "uint16_t") == 0) wk[DC_WK_UINT16] = t;
		else if (strcmp(tds[i].name, "uint32_t") == 0) wk[DC_WK_UINT32] = t;
		else if (strcmp(tds[i].name, "uint64_t") == 0) wk[DC_WK_UINT64] = t;
		else if (strcmp(tds[i].name, "size_t") == 0) wk[DC_WK_SIZE_T] = t;
		else if (strcmp(tds[i].name, "ssize_t") == 0) wk[DC_WK_SSIZE_T] = t;
		else if (strcmp(tds[i].name, "ptrdiff_t") == 0) wk[DC_WK_PTRDIFF_T] = t;
		else if (strcmp(tds[i].name, "intptr_t") == 0) wk[DC_WK_INTPTR_T] = t;
		else if (strcmp(tds[i].name, "uintptr_t") == 0) wk[DC_WK_UINTPTR_T] = t;
	}
	wk[DC_WK_VOIDPTR] = dc_type__pointer(ts, wk[DC_WK_VOID]);
	wk[DC_WK_CHARPTR] = dc_type__pointer(ts, wk[DC_WK_CHAR]);
	t = d_typedef(ts, "caddr_t", wk[DC_WK_CHARPTR]);
	(void)t;
}

/* Symbolic typedef names every target flavour's D library uses. */
static void
init_target_names(struct dc_typesys *ts)
{
	static const char *const illumos[] = {
		"kthread_t", "proc_t", "kmutex_t", "krwlock_t", "mblk_t",
		"file_t", "vnode_t", "cred_t", "cpu_t", "in6_addr_t",
		"klwp_t", "dev_info_t", "zone_t", "uio_t", "buf_t",
	};

	if (ts->os != DC_OS_ILLUMOS)
		return;
	for (size_t i = 0; i < sizeof(illumos) / sizeof(illumos[0]); i++)
		dc_typesys__declare_extern(ts, illumos[i]);
}

struct dc_typesys *
dc_typesys__new(const struct dc_types_opts *opts)
{
	struct dc_typesys *ts = calloc(1, sizeof(*ts));

	if (ts == NULL)
		return NULL;
	ts->strsize = opts != NULL && opts->strsize != 0 ? opts->strsize : 256;
	ts->os = opts != NULL ? opts->os : DC_OS_FREEBSD;
	init_intrinsics(ts);
	if (!ts->oom)
		dc_typesys__set_strsize(ts, ts->strsize);
	init_d_typedefs(ts);
	init_target_names(ts);
	if (!ts->oom && dc_tys_builtins_init(ts) != 0)
		ts->oom = true;
	if (ts->oom) {
		dc_typesys__free(ts);
		errno = ENOMEM;
		return NULL;
	}
	return ts;
}

void
dc_typesys__free(struct dc_typesys *ts)
{
	if (ts == NULL)
		return;
	dc_tys_arena_free(&ts->arena);
	free(ts);
}

void
dc_typesys__set_strsize(struct dc_typesys *ts, uint32_t strsize)
{
	ts->strsize = strsize != 0 ? strsize : 256;
	/* The string node is ours; struct members of type string take this
	   size when their struct is laid out. */
	((struct dc_type *)ts->wk[DC_WK_STRING])->size = ts->strsize;
}

uint32_t
dc_typesys__strsize(const struct dc_typesys *ts)
{
	return ts->strsize;
}

const struct dc_type *
dc_typesys__wk(const struct dc_typesys *ts, enum dc_wk which)
{
	return (unsigned)which < DC_WK_COUNT ? ts->wk[which] : NULL;
}

/* ---- scopes -------------------------------------------------------- */

bool
dc_typesys__is_typename(const struct dc_typesys *ts, const char *ident)
{
	const struct dc_type *t = dc_tys_map_get(&ts->typenames, ident);

	/* Only single-word names: "long long" is not an identifier. */
	return t != NULL && strchr(ident, ' ') == NULL;
}

bool
dc_typesys__ident_taken(const struct dc_typesys *ts, const char *ident)
{
	return dc_typesys__is_typename(ts, ident) ||
	    dc_tys_map_get(&ts->enumerators, ident) != NULL;
}

bool
dc_typesys__enumerator(const struct dc_typesys *ts, const char *name,
		       const struct dc_type **enum_type, int64_t *value)
{
	const struct dc_tys_enumref *e = dc_tys_map_get(&ts->enumerators, name);

	if (e == NULL)
		return false;
	if (enum_type != NULL)
		*enum_type = e->type;
	if (value != NULL)
		*value = e->value;
	return true;
}

static const char *
tag_kw(enum dc_tkind kind)
{
	return kind == DC_TK_STRUCT ? "struct " :
	    kind == DC_TK_UNION ? "union " : "enum ";
}

static enum dc_extkind
ext_kind_of(enum dc_tkind kind)
{
	return kind == DC_TK_STRUCT ? DC_EXT_STRUCT :
	    kind == DC_TK_UNION ? DC_EXT_UNION : DC_EXT_ENUM;
}

/* A module-scoped (backquoted) symbolic type, one node per spelling. */
static const struct dc_type *
modscoped(struct dc_typesys *ts, const char *module, const char *name,
	  enum dc_extkind ek)
{
	const char *key = dc_tys_intern3(ts, module, "`", name);
	struct dc_type *t;

	if (key == NULL)
		return NULL;
	t = dc_tys_map_get(&ts->modscoped, key);
	if (t != NULL)
		return t;
	t = dc_tys_node(ts, DC_TK_EXTERN);
	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->module = dc_tys_intern(ts, module);
	t->ext_kind = ek;
	if (dc_tys_map_put(ts, &ts->modscoped, key, t) != 0)
		return NULL;
	return t;
}

struct dc_type *
dc_typesys__tag_ref(struct dc_typesys *ts, enum dc_tkind kind,
		    const char *module, const char *tag, struct dc_terr *err)
{
	const char *key;
	struct dc_type *t;

	if (kind != DC_TK_STRUCT && kind != DC_TK_UNION && kind != DC_TK_ENUM) {
		dc_tys_err(err, "D_UNKNOWN", "tag reference of a non-tag kind");
		return NULL;
	}
	if (module != NULL) {
		const char *full = dc_tys_intern3(ts, tag_kw(kind), tag, NULL);

		return full ? (struct dc_type *)modscoped(ts, module, full,
		    ext_kind_of(kind)) : NULL;
	}
	key = dc_tys_intern3(ts, tag_kw(kind), tag, NULL);
	if (key == NULL)
		return NULL;
	t = dc_tys_map_get(&ts->tags, key);
	if (t != NULL)
		return t;
	t = dc_tys_node(ts, kind);
	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, tag);
	t->flags = DC_TF_PROGRAM;
	if (kind == DC_TK_ENUM) {
		t->flags |= DC_TF_SIGNED;
		t->bits = 32;
	}
	if (dc_tys_map_put(ts, &ts->tags, key, t) != 0)
		return NULL;
	return t;
}

const struct dc_type *
dc_typesys__declare_extern(struct dc_typesys *ts, const char *name)
{
	struct dc_type *t = dc_tys_map_get(&ts->typenames, name);

	if (t != NULL)
		return t;
	t = dc_tys_node(ts, DC_TK_EXTERN);
	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->ext_kind = DC_EXT_TYPEDEF;
	if (t->name == NULL || dc_tys_map_put(ts, &ts->typenames, t->name, t) != 0)
		return NULL;
	return t;
}

const struct dc_type *
dc_typesys__typedef(struct dc_typesys *ts, const char *name,
		    const struct dc_type *type, struct dc_terr *err)
{
	struct dc_type *t;

	if (strchr(name, '`') != NULL) {
		dc_tys_err(err, "D_DECL_SCOPE",
		    "typedef name '%s' may not use a scoping operator", name);
		return NULL;
	}
	if (dc_typesys__ident_taken(ts, name)) {
		dc_tys_err(err, "D_DECL_IDRED",
		    "identifier redeclared: %s", name);
		return NULL;
	}
	if (dc_type__is_dyn(type)) {
		dc_tys_err(err, "D_DECL_DYNOBJ",
		    "typedef '%s' of a dynamic type", name);
		return NULL;
	}
	t = dc_tys_node(ts, DC_TK_TYPEDEF);
	if (t == NULL)
		return NULL;
	t->name = dc_tys_intern(ts, name);
	t->ref = type;
	t->flags = DC_TF_PROGRAM | DC_TF_COMPLETE;
	if (t->name == NULL || dc_tys_map_put(ts, &ts->typenames, t->name, t) != 0)
		return NULL;
	return t;
}

/* Lookup of a single word or a module-scoped name used by the name
   parser (dc_tyname.c) before it tries specifiers. */
const struct dc_type *
dc_tys_lookup_word(struct dc_typesys *ts, const char *word)
{
	const char *bq;

	if (word[0] == '`')
		word++;
	bq = strchr(word, '`');
	if (bq == word)
		return NULL;	/* empty module name */
	if (bq != NULL) {
		const char *module = dc_tys_intern_n(ts, word, (size_t)(bq - word));
		const char *name = bq + 1;

		if (module == NULL || *name == '\0' || strchr(name, '`') != NULL)
			return NULL;
		return modscoped(ts, module, name, DC_EXT_TYPEDEF);
	}
	return dc_tys_map_get(&ts->typenames, word);
}

const struct dc_type *
dc_typesys__lookup(struct dc_typesys *ts, const char *name)
{
	struct dc_terr err;

	return dc_typesys__parse(ts, name, strlen(name), &err);
}
