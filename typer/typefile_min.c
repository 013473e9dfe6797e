/*
 * typefile_min.c — write a minimal typefile: the types a program uses and
 * what their layout depends on (the library half of `dtype --min`).
 *
 * Closure rules (state per id: none < declared < full):
 *  - a requested id is kept in full;
 *  - a full struct/union keeps every member's type in full (layout needs it);
 *    arrays keep element and index types; typedefs, qualifiers, functions and
 *    variables keep their target in full;
 *  - a pointer's pointee, and a prototype's return and parameter types, are
 *    only "needed by name": a struct/union there becomes a forward
 *    declaration (unless opts->follow_pointers), typedef/qualifier chains are
 *    kept and followed the same way, anything else is kept in full.
 * Output ids are assigned in ascending input-id order (synthetic ids last),
 * so the same input and id set always gives the same bytes.  Types are
 * written with libbpf's btf__new_empty/btf__add_*; ids are remapped first so
 * forward references are fine.  Int-encoded bit-fields (old BTF) are written
 * as kind_flag members.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "typefile_impl.h"

/* What is kept of one id; states only rise. */
enum { KEEP_NONE, KEEP_DECL, KEEP_NAMED, KEEP_FULL };

struct closure {
	struct typ_file *tf;
	uint8_t *state;
	typ_id_t *stack;
	size_t nstack, cstack;
	bool follow_pointers;
	typ_id_t bad;		/* a kept id whose lists are out of bounds */
};

static int push(struct closure *c, typ_id_t id, uint8_t want)
{
	if (id == 0 || c->state[id] >= want)
		return 0;
	c->state[id] = want;
	if (c->nstack == c->cstack) {
		size_t cap = c->cstack ? c->cstack * 2 : 256;
		typ_id_t *ns = realloc(c->stack, cap * sizeof(*ns));
		if (ns == NULL)
			return -ENOMEM;
		c->stack = ns;
		c->cstack = cap;
	}
	c->stack[c->nstack++] = id;
	return 0;
}

/* A type needed by name only (behind a pointer, in a prototype). */
static int push_named(struct closure *c, typ_id_t id)
{
	struct typ_info ti;

	if (c->follow_pointers)
		return push(c, id, KEEP_FULL);
	typ_file__info(c->tf, id, &ti);
	if ((ti.kind == TYP_STRUCT || ti.kind == TYP_UNION) && ti.name[0] != '\0')
		return push(c, id, KEEP_DECL);
	if (ti.kind == TYP_TYPEDEF || ti.kind == TYP_CONST || ti.kind == TYP_VOLATILE ||
	    ti.kind == TYP_RESTRICT)
		return push(c, id, KEEP_NAMED);
	return push(c, id, KEEP_FULL);
}

static int expand(struct closure *c, typ_id_t id)
{
	struct typ_file *tf = c->tf;
	struct typ_info ti;
	int rc = 0;

	if (c->state[id] == KEEP_DECL)
		return 0;
	if (!typ_record_ok(tf, id)) {	/* lists are checked on first use */
		c->bad = id;
		return -EBADMSG;
	}
	typ_file__info(tf, id, &ti);
	if (c->state[id] == KEEP_NAMED)	/* an alias only needed by name */
		return push_named(c, ti.ref);
	const struct btf_type *t = typ_btf_type(tf, id);
	switch (ti.kind) {
	case TYP_STRUCT: case TYP_UNION: {
		struct typ_member m;
		for (uint32_t i = 0; rc == 0 && typ_file__member(tf, id, i, &m) == 0; i++)
			rc = push(c, m.type, KEEP_FULL);
		return rc;
	}
	case TYP_ARRAY:
		rc = push(c, ti.ref, KEEP_FULL);
		if (rc == 0 && t != NULL)
			rc = push(c, btf_array(t)->index_type, KEEP_FULL);
		return rc;
	case TYP_PTR:
		return push_named(c, ti.ref);
	case TYP_TYPEDEF: case TYP_CONST: case TYP_VOLATILE: case TYP_RESTRICT:
		return push(c, ti.ref, KEEP_FULL);
	case TYP_FUNC: case TYP_VAR:
		return push(c, ti.ref, KEEP_FULL);
	case TYP_FUNC_PROTO: {
		struct typ_param p;
		rc = push_named(c, ti.ref);
		for (uint32_t i = 0; rc == 0 && typ_file__param(tf, id, i, &p) == 0; i++)
			rc = push_named(c, p.type);
		return rc;
	}
	case TYP_OTHER:
		if (t != NULL && btf_is_datasec(t)) {
			const struct btf_var_secinfo *v = btf_var_secinfos(t);
			for (uint16_t i = 0; rc == 0 && i < btf_vlen(t); i++)
				rc = push(c, v[i].type, KEEP_FULL);
			return rc;
		}
		return t != NULL ? push(c, t->type, KEEP_FULL) : 0;
	default:
		return 0;
	}
}

static int add_members(struct btf *out, struct typ_file *tf, typ_id_t id, const typ_id_t *map)
{
	struct typ_member m;
	for (uint32_t i = 0; typ_file__member(tf, id, i, &m) == 0; i++) {
		int rc = btf__add_field(out, m.name, (int)map[m.type], (uint32_t)m.bit_offset,
					m.bitfield_size);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int add_enum(struct btf *out, struct typ_file *tf, typ_id_t id,
		    const struct btf_type *t)
{
	const char *name = typ_str(tf, t->name_off);
	struct typ_enumerator e;
	int rc = btf_is_enum64(t) ? btf__add_enum64(out, name, t->size, btf_kflag(t))
				  : btf__add_enum(out, name, t->size);
	for (uint32_t i = 0; rc >= 0 && typ_file__enumerator(tf, id, i, &e) == 0; i++)
		rc = btf_is_enum64(t) ? btf__add_enum64_value(out, e.name, (uint64_t)e.value)
				      : btf__add_enum_value(out, e.name, e.value);
	return rc < 0 ? rc : 0;
}

static int add_proto(struct btf *out, struct typ_file *tf, typ_id_t id, typ_id_t ret,
		     const typ_id_t *map)
{
	struct typ_param p;
	int rc = btf__add_func_proto(out, (int)map[ret]);
	for (uint32_t i = 0; rc >= 0 && typ_file__param(tf, id, i, &p) == 0; i++)
		rc = btf__add_func_param(out, p.name, (int)map[p.type]);
	return rc < 0 ? rc : 0;
}

static int add_synthetic(struct btf *out, const struct typ_syn *s, const typ_id_t *map)
{
	switch (s->kind) {
	case TYP_INT:
		return btf__add_int(out, s->name, s->size, s->is_signed ? BTF_INT_SIGNED : 0);
	case TYP_PTR: return btf__add_ptr(out, (int)map[s->ref]);
	case TYP_ARRAY: return btf__add_array(out, 0, (int)map[s->ref], s->nelems);
	case TYP_CONST: return btf__add_const(out, (int)map[s->ref]);
	case TYP_VOLATILE: return btf__add_volatile(out, (int)map[s->ref]);
	case TYP_RESTRICT: return btf__add_restrict(out, (int)map[s->ref]);
	default: return -EINVAL;
	}
}

static int add_full(struct btf *out, struct typ_file *tf, typ_id_t id, const typ_id_t *map)
{
	if (id >= tf->n)
		return add_synthetic(out, &tf->syn[id - tf->n], map);
	const struct btf_type *t = typ_btf_type(tf, id);
	const char *name = typ_str(tf, t->name_off);
	int rc;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return btf__add_int(out, name, t->size, btf_int_encoding(t));
	case BTF_KIND_FLOAT: return btf__add_float(out, name, t->size);
	case BTF_KIND_PTR: return btf__add_ptr(out, (int)map[t->type]);
	case BTF_KIND_TYPEDEF: return btf__add_typedef(out, name, (int)map[t->type]);
	case BTF_KIND_CONST: return btf__add_const(out, (int)map[t->type]);
	case BTF_KIND_VOLATILE: return btf__add_volatile(out, (int)map[t->type]);
	case BTF_KIND_RESTRICT: return btf__add_restrict(out, (int)map[t->type]);
	case BTF_KIND_TYPE_TAG: return btf__add_type_tag(out, name, (int)map[t->type]);
	case BTF_KIND_ARRAY:
		return btf__add_array(out, (int)map[btf_array(t)->index_type],
				      (int)map[btf_array(t)->type], btf_array(t)->nelems);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		rc = btf_is_struct(t) ? btf__add_struct(out, name, t->size)
				      : btf__add_union(out, name, t->size);
		return rc < 0 ? rc : add_members(out, tf, id, map);
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		return add_enum(out, tf, id, t);
	case BTF_KIND_FWD:
		return btf__add_fwd(out, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	case BTF_KIND_FUNC_PROTO:
		return add_proto(out, tf, id, t->type, map);
	case BTF_KIND_FUNC:
		return btf__add_func(out, name, (enum btf_func_linkage)btf_vlen(t),
				     (int)map[t->type]);
	case BTF_KIND_VAR:
		return btf__add_var(out, name, (int)btf_var(t)->linkage, (int)map[t->type]);
	case BTF_KIND_DECL_TAG:
		return btf__add_decl_tag(out, name, (int)map[t->type],
					 btf_decl_tag(t)->component_idx);
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_var_secinfos(t);
		rc = btf__add_datasec(out, name, t->size);
		for (uint16_t i = 0; rc >= 0 && i < btf_vlen(t); i++)
			rc = btf__add_datasec_var_info(out, (int)map[v[i].type], v[i].offset,
						       v[i].size);
		return rc < 0 ? rc : 0;
	}
	default:
		return -EINVAL;
	}
}

static int add_decl(struct btf *out, struct typ_file *tf, typ_id_t id)
{
	struct typ_info ti;
	typ_file__info(tf, id, &ti);
	return btf__add_fwd(out, ti.name, ti.kind == TYP_UNION ? BTF_FWD_UNION : BTF_FWD_STRUCT);
}

static int emit(struct typ_file *tf, struct closure *c, void **data, size_t *size,
		struct typ_err *err)
{
	uint32_t total = tf->n + tf->nsyn;
	typ_id_t *map = calloc(total, sizeof(*map));
	struct btf *out = btf__new_empty();
	int rc = 0;

	if (map == NULL || out == NULL) {
		rc = -ENOMEM;
		goto done;
	}
	typ_id_t next = 1;
	for (typ_id_t id = 1; id < total; id++)
		if (c->state[id] != KEEP_NONE)
			map[id] = next++;
	for (typ_id_t id = 1; id < total && rc >= 0; id++) {
		if (c->state[id] == KEEP_NONE)
			continue;
		rc = c->state[id] == KEEP_DECL ? add_decl(out, tf, id) : add_full(out, tf, id, map);
		if (rc < 0) {
			char tn[256];
			typ_file__to_string(tf, id, tn, sizeof(tn));
			typ_errf(err, "%s: cannot write type id %u (%s) to the minimal typefile: %s",
				 tf->path, id, tn, strerror(-rc));
		}
	}
	if (rc >= 0) {
		uint32_t sz;
		const void *raw = btf__raw_data(out, &sz);
		*data = raw ? malloc(sz) : NULL;
		if (*data == NULL) {
			rc = -ENOMEM;
		} else {
			memcpy(*data, raw, sz);
			*size = sz;
			rc = 0;
		}
	}
done:
	if (rc == -ENOMEM)
		typ_errf(err, "%s: out of memory writing a minimal typefile", tf->path);
	btf__free(out);
	free(map);
	return rc;
}

int typ_file__min_btf(struct typ_file *tf, const typ_id_t *ids, size_t n,
		      const struct typ_min_opts *opts, void **data, size_t *size,
		      struct typ_err *err)
{
	struct closure c = { .tf = tf, .follow_pointers = opts && opts->follow_pointers };
	int rc = 0;

	*data = NULL;
	*size = 0;
	c.state = calloc(tf->n + tf->nsyn, 1);
	if (c.state == NULL) {
		typ_errf(err, "%s: out of memory", tf->path);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!typ_valid_id(tf, ids[i])) {
			typ_errf(err, "%s: type id %u does not exist", tf->path, ids[i]);
			rc = -ENOENT;
			break;
		}
		rc = push(&c, ids[i], KEEP_FULL);
	}
	while (rc == 0 && c.nstack > 0)
		rc = expand(&c, c.stack[--c.nstack]);
	if (rc == 0)
		rc = emit(tf, &c, data, size, err);
	else if (rc == -ENOMEM)
		typ_errf(err, "%s: out of memory", tf->path);
	else if (rc == -EBADMSG)
		typ_errf(err, "%s: type id %u has a member, enumerator or parameter that refers "
			 "to a type id or name outside the file", tf->path, c.bad);
	free(c.stack);
	free(c.state);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int typ_file__write_min(struct typ_file *tf, const typ_id_t *ids, size_t n,
			const struct typ_min_opts *opts, const char *path,
			struct typ_err *err)
{
	void *data;
	size_t size;
	int rc = typ_file__min_btf(tf, ids, n, opts, &data, &size, err);
	if (rc < 0)
		return rc;

	size_t len = strlen(path);
	char *tmp = malloc(len + 16);
	if (tmp == NULL) {
		free(data);
		typ_errf(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		typ_errf(err, "%s: cannot create a temporary file: %s", path, strerror(-rc));
		goto out;
	}
	rc = write_all(fd, data, size);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc < 0) {
		typ_errf(err, "%s: cannot write: %s", path, strerror(-rc));
		unlink(tmp);
	}
out:
	free(tmp);
	free(data);
	return rc;
}
