/*
 * types.c -- the front end's view of D types.
 *
 * This is a small self-contained model (struct dc_ty in dc_ast.h) that is
 * enough to check programs without target type information: C integer and
 * pointer types with LP64 sizes, D's string, the special stack/symaddr/
 * dynamic kinds, and program-defined structs, unions, enums and typedefs.
 * Types the program names but does not define -- kernel typedefs such as
 * kthread_t, `struct proc` used only through pointers -- are DC_TY_SYM or
 * incomplete tagged types; the checker treats them permissively ("loose")
 * and a linker resolves them later against BTF.
 *
 * Scopes: one list per compilation (typedef names and tags, newest first);
 * D has no block scopes for types.
 */
#include <stdio.h>
#include <string.h>

#include "impl.h"
#include "sem.h"

struct dc_ty *dc_ty_new(struct dc_program *p, enum dc_ty_kind k, const char *name)
{
	struct dc_ty *t = dc_arena_alloc(&p->arena, sizeof(*t));

	t->kind = k;
	t->name = name;
	return t;
}

struct dc_ty *dc_ty_int(struct dc_program *p, const char *name, int size, bool sgn)
{
	struct dc_ty *t = dc_ty_new(p, DC_TY_INT, name);

	t->size = (uint32_t)size;
	t->is_signed = sgn;
	t->is_complete = true;
	return t;
}

struct dc_ty *dc_ty_ptr(struct dc_program *p, struct dc_ty *to)
{
	struct dc_ty *t = dc_ty_new(p, DC_TY_PTR, NULL);

	t->base = to;
	t->size = 8;
	t->is_userland = to != NULL && to->is_userland;
	return t;
}

struct dc_ty *dc_ty_array(struct dc_program *p, struct dc_ty *elem, uint64_t n)
{
	struct dc_ty *t = dc_ty_new(p, DC_TY_ARRAY, NULL);

	t->base = elem;
	t->nelem = n;
	t->size = (uint32_t)(dc_ty_size(elem) * n);
	return t;
}

struct dc_ty *dc_ty_resolve(struct dc_ty *t)
{
	return t;
}

static size_t ty_hash(const char *name, bool tag)
{
	size_t h = 2166136261u ^ (size_t)tag;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h & 511;
}

static struct dc_tydef *find(struct dc_program *p, const char *name, bool tag)
{
	for (struct dc_tydef *d = p->thash[ty_hash(name, tag)]; d; d = d->hnext)
		if (d->is_tag == tag && strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

struct dc_ty *dc_ty_lookup(struct dc_program *p, const char *name)
{
	struct dc_tydef *d = find(p, name, false);

	return d ? d->type : NULL;
}

struct dc_ty *dc_ty_lookup_tag(struct dc_program *p, const char *tag)
{
	struct dc_tydef *d = find(p, tag, true);

	return d ? d->type : NULL;
}

bool dc_is_typedef_name(struct dc_program *p, const char *name)
{
	return find(p, name, false) != NULL;
}

static void add(struct dc_program *p, const char *name, struct dc_ty *t, bool tag)
{
	struct dc_tydef *d = dc_arena_alloc(&p->arena, sizeof(*d));

	d->name = name;
	d->type = t;
	d->is_tag = tag;
	d->next = p->types;
	p->types = d;
	size_t h = ty_hash(name, tag);
	d->hnext = p->thash[h];
	p->thash[h] = d;
}

void dc_ty_add_typedef(struct dc_program *p, const char *name, struct dc_ty *t)
{
	add(p, name, t, false);
}

void dc_ty_add_tag(struct dc_program *p, const char *tag, struct dc_ty *t)
{
	add(p, tag, t, true);
}

/* D's own typedefs (the "D" container) with LP64 sizes. */
static const struct { const char *name; int size; bool sgn; } d_ints[] = {
	{ "int8_t", 1, true }, { "int16_t", 2, true }, { "int32_t", 4, true },
	{ "int64_t", 8, true }, { "uint8_t", 1, false }, { "uint16_t", 2, false },
	{ "uint32_t", 4, false }, { "uint64_t", 8, false },
	{ "intptr_t", 8, true }, { "uintptr_t", 8, false }, { "size_t", 8, false },
	{ "ssize_t", 8, true }, { "ptrdiff_t", 8, true }, { "uchar_t", 1, false },
	{ "ushort_t", 2, false }, { "uint_t", 4, false }, { "ulong_t", 8, false },
	{ "u_longlong_t", 8, false }, { "longlong_t", 8, true }, { "id_t", 4, true },
	{ "pid_t", 4, true }, { "uid_t", 4, false }, { "gid_t", 4, false },
	{ "zoneid_t", 4, true }, { "projid_t", 4, true }, { "taskid_t", 4, true },
	{ "processorid_t", 4, true }, { "psetid_t", 4, true }, { "chipid_t", 4, true },
	{ "lgrp_id_t", 4, true }, { "dev_t", 8, false }, { "major_t", 4, false },
	{ "minor_t", 4, false }, { "off_t", 8, true }, { "offset_t", 8, true },
	{ "u_offset_t", 8, false }, { "time_t", 8, true }, { "clock_t", 8, true },
	{ "hrtime_t", 8, true }, { "ino_t", 8, false }, { "mode_t", 4, false },
	{ "caddr_t", 8, false }, { "boolean_t", 4, true }, { "ipaddr_t", 4, false },
	{ "in_addr_t", 4, false }, { "u_int", 4, false }, { "u_long", 8, false },
	{ "u_char", 1, false }, { "u_short", 2, false }, { "register_t", 8, true },
	{ "int_t", 4, true }, { "pc_t", 8, false }, { "uint128_t", 16, false },
	{ "daddr_t", 8, true }, { "kmutex_t", 8, false }, { "errno_t", 4, true },
	{ "socklen_t", 4, false }, { "in_port_t", 2, false }, { "sa_family_t", 2, false },
	{ "blkcnt_t", 8, true }, { "nlink_t", 4, false }, { "useconds_t", 4, false },
};

/* Target typedefs D scripts commonly name; resolved by the linker later. */
static const char *const sym_types[] = {
	"kthread_t", "proc_t", "psinfo_t", "lwpsinfo_t", "cpuinfo_t", "devinfo_t",
	"bufinfo_t", "fileinfo_t", "vnode_t", "vfs_t", "cred_t", "klwp_t",
	"struct_t", "file_t", "cpu_t", "mblk_t", "dev_info_t", "buf_t", "uio_t",
	"zone_t", "task_t", "kproject_t", "sess_t", "user_t", "pid_t_", "caddr32_t",
	"ipinfo_t", "ifinfo_t", "csinfo_t", "tcpinfo_t", "tcpsinfo_t", "tcplsinfo_t",
	"udpinfo_t", "udpsinfo_t", "pktinfo_t", "ipv4info_t", "ipv6info_t",
	"conninfo_t", "kstat_t", "lgrp_t", "cpupart_t", "disp_t", "sobj_ops_t",
	"turnstile_t", "krwlock_t", "kcondvar_t", "ksema_t", "taskq_t", "vmem_t",
	"kmem_cache_t", "page_t", "as_t", "seg_t", "anon_t", "timespec_t",
	"timestruc_t", "stack_t", "siginfo_t", "k_siginfo_t", "sigset_t", "ucontext_t",
	"lwpid_t", "uthread_t", "task_t", "mach_port_t", "ipc_port_t",
	"xlate_t", "in6_addr_t", "sockaddr_t", "queue_t", "door_node_t",
	"memstat_t", "vm_offset_t", "vm_size_t", "user_addr_t", "user_size_t",
	"ipl_t", "callout_t", "cyclic_id_t", "nfs4_fname_t", "rnode_t",
};

static struct dc_ty *mk_special(struct dc_program *p, enum dc_ty_kind k, const char *n,
				uint32_t size)
{
	struct dc_ty *t = dc_ty_new(p, k, n);

	t->size = size;
	t->is_complete = true;
	return t;
}

void dc_ty_init_builtins(struct dc_program *p)
{
	p->t_int = dc_ty_int(p, "int", 4, true);
	p->t_uint = dc_ty_int(p, "unsigned int", 4, false);
	p->t_long = dc_ty_int(p, "long", 8, true);
	p->t_ulong = dc_ty_int(p, "unsigned long", 8, false);
	p->t_llong = dc_ty_int(p, "long long", 8, true);
	p->t_ullong = dc_ty_int(p, "unsigned long long", 8, false);
	p->t_char = dc_ty_int(p, "char", 1, true);
	p->t_char->is_char = true;
	p->t_void = mk_special(p, DC_TY_VOID, "void", 0);
	p->t_string = mk_special(p, DC_TY_STRING, "string", 256);
	p->t_dyn = mk_special(p, DC_TY_DYN, "<DYN>", 8);
	p->t_sym = mk_special(p, DC_TY_SYM, "<target type>", 0);
	p->t_stack = mk_special(p, DC_TY_STACK, "stack", 8);
	p->t_symaddr = mk_special(p, DC_TY_SYMADDR, "_symaddr", 8);
	p->t_usymaddr = mk_special(p, DC_TY_USYMADDR, "_usymaddr", 8);
	p->t_agg = mk_special(p, DC_TY_AGG, "aggregation", 0);
	p->t_voidp = dc_ty_ptr(p, p->t_void);
	p->t_charp = dc_ty_ptr(p, p->t_char);
	for (size_t i = 0; i < sizeof(d_ints) / sizeof(d_ints[0]); i++) {
		struct dc_ty *t = dc_ty_int(p, d_ints[i].name, d_ints[i].size, d_ints[i].sgn);
		dc_ty_add_typedef(p, d_ints[i].name, t);
	}
	p->t_uint64 = dc_ty_lookup(p, "uint64_t");
	p->t_int64 = dc_ty_lookup(p, "int64_t");
	p->t_size = dc_ty_lookup(p, "size_t");
	p->t_uintptr = dc_ty_lookup(p, "uintptr_t");
	p->t_uint32 = dc_ty_lookup(p, "uint32_t");
	p->t_uint16 = dc_ty_lookup(p, "uint16_t");
	p->t_ptrdiff = dc_ty_lookup(p, "ptrdiff_t");
	for (size_t i = 0; i < sizeof(sym_types) / sizeof(sym_types[0]); i++)
		dc_ty_add_typedef(p, sym_types[i], dc_ty_new(p, DC_TY_SYM, sym_types[i]));
}

bool dc_ty_is_loose(const struct dc_ty *t)
{
	return t == NULL || t->kind == DC_TY_SYM || t->kind == DC_TY_DYN;
}

bool dc_ty_is_integer(const struct dc_ty *t)
{
	return dc_ty_is_loose(t) || t->kind == DC_TY_INT || t->kind == DC_TY_ENUM;
}

bool dc_ty_is_arith(const struct dc_ty *t)
{
	return dc_ty_is_integer(t) || t->kind == DC_TY_FLOAT;
}

bool dc_ty_is_pointer(const struct dc_ty *t)
{
	return dc_ty_is_loose(t) || t->kind == DC_TY_PTR || t->kind == DC_TY_ARRAY ||
	       t->kind == DC_TY_STRING;
}

/* Integers, pointers and the stack/symbol kinds; not strings or arrays. */
bool dc_ty_is_scalar(const struct dc_ty *t)
{
	return dc_ty_is_arith(t) || t->kind == DC_TY_PTR || t->kind == DC_TY_STACK ||
	       t->kind == DC_TY_SYMADDR || t->kind == DC_TY_USYMADDR;
}

bool dc_ty_is_string(const struct dc_ty *t)
{
	return t != NULL && t->kind == DC_TY_STRING;
}

/* string, char * or char[]: usable where a string is expected */
bool dc_ty_is_strlike(const struct dc_ty *t)
{
	if (dc_ty_is_loose(t) || t->kind == DC_TY_STRING)
		return true;
	if ((t->kind == DC_TY_PTR || t->kind == DC_TY_ARRAY) && t->base != NULL)
		return dc_ty_is_loose(t->base) ||
		       (t->base->kind == DC_TY_INT && t->base->size == 1) ||
		       t->base->kind == DC_TY_VOID;
	return false;
}

bool dc_ty_is_sou(const struct dc_ty *t)
{
	return dc_ty_is_loose(t) || t->kind == DC_TY_STRUCT || t->kind == DC_TY_UNION;
}

uint64_t dc_ty_size(const struct dc_ty *t)
{
	int depth = 0;
	uint64_t mult = 1;

	while (t != NULL && t->kind == DC_TY_ARRAY && depth++ < 64) {
		mult *= t->nelem;
		t = t->base;
	}
	return t == NULL || t->kind == DC_TY_ARRAY ? 0 : t->size * mult;
}

const char *dc_ty_name(struct dc_program *p, const struct dc_ty *t)
{
	if (t == NULL)
		return "?";
	switch (t->kind) {
	case DC_TY_PTR:
		return dc_arena_printf(&p->arena, "%s *", dc_ty_name(p, t->base));
	case DC_TY_ARRAY:
		return dc_arena_printf(&p->arena, "%s [%llu]", dc_ty_name(p, t->base),
				       (unsigned long long)t->nelem);
	case DC_TY_FUNC:
		return dc_arena_printf(&p->arena, "%s ()", dc_ty_name(p, t->base));
	default:
		return t->name ? t->name : "?";
	}
}

bool dc_ty_compatible(const struct dc_ty *a, const struct dc_ty *b)
{
	if (a == b || dc_ty_is_loose(a) || dc_ty_is_loose(b))
		return true;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case DC_TY_INT:
		return a->size == b->size && a->is_signed == b->is_signed;
	case DC_TY_PTR: case DC_TY_ARRAY:
		if (a->base == NULL || b->base == NULL || a->base->kind == DC_TY_VOID ||
		    b->base->kind == DC_TY_VOID)
			return true;
		return dc_ty_compatible(a->base, b->base);
	case DC_TY_STRUCT: case DC_TY_UNION: case DC_TY_ENUM:
		return a->name != NULL && b->name != NULL && strcmp(a->name, b->name) == 0;
	default:
		return true;
	}
}

static struct dc_member *member_depth(const struct dc_ty *sou, const char *name, int depth)
{
	if (depth > 32)
		return NULL;
	for (struct dc_member *m = sou->members; m; m = m->next) {
		if (m->name != NULL && strcmp(m->name, name) == 0)
			return m;
		if (m->name == NULL && m->type != NULL && m->type != sou &&
		    (m->type->kind == DC_TY_STRUCT || m->type->kind == DC_TY_UNION)) {
			struct dc_member *in = member_depth(m->type, name, depth + 1);
			if (in != NULL)
				return in;
		}
	}
	return NULL;
}

struct dc_member *dc_ty_member(const struct dc_ty *sou, const char *name)
{
	return member_depth(sou, name, 0);
}

static uint64_t align_depth(const struct dc_ty *t, int depth)
{
	if (t == NULL || depth > 32)
		return 1;
	switch (t->kind) {
	case DC_TY_ARRAY: return align_depth(t->base, depth + 1);
	case DC_TY_STRUCT: case DC_TY_UNION: {
		uint64_t a = 1;
		if (t->align != 0)
			return t->align;        /* laid out already */
		for (struct dc_member *m = t->members; m; m = m->next) {
			uint64_t ma = align_depth(m->type, depth + 1);
			if (ma > a)
				a = ma;
		}
		return a;
	}
	case DC_TY_STRING: return 1;
	default: return t->size >= 8 ? 8 : t->size ? t->size : 1;
	}
}

static uint64_t align_of(const struct dc_ty *t)
{
	return align_depth(t, 0);
}

/*
 * Bytes a bit-field of `bits` occupies in a D-defined struct, as DTrace's
 * CTF builder sizes the integer type it makes for one: the whole bytes that
 * hold the bits, rounded up to a power of two (1, 2, 4 or 8).  That size is
 * also the bit-field's alignment.
 */
static uint32_t bitfield_bytes(int bits)
{
	uint32_t b = ((uint32_t)bits + 7) / 8, p = 1;

	while (p < b)
		p *= 2;
	return p;
}

/*
 * A bit-field member gets an integer type of its own, sized as above and
 * otherwise its declared type's, so that loads and read-modify-write stores
 * touch exactly the bytes the layout gives it.
 */
static void bitfield_type(struct dc_program *p, struct dc_member *m)
{
	struct dc_ty *r = dc_ty_resolve(m->type);
	struct dc_ty *t = dc_arena_alloc(&p->arena, sizeof(*t));

	*t = *r;
	t->size = bitfield_bytes(m->bits);
	m->type = t;
}

/*
 * D's layout of a program-defined struct.  Without bit-fields it is C's:
 * each member at the next multiple of its alignment, the size rounded up to
 * the struct's alignment, so that arrays of it keep their members aligned
 * for the VM's alignment checks.  With bit-fields it is DTrace's (its CTF
 * builder's): each member, bit-field or not, starts at the first whole byte
 * after the end of the previous one (a bit-field ends after its width),
 * rounded up to the member's alignment; a bit-field is a 1/2/4/8-byte
 * integer (bitfield_bytes) holding its value in the low bits; and there is
 * no padding at the end: the size is where the furthest member's bytes end
 * (`struct { int a : 1; int b : 3; }` is 2 bytes).  DTrace takes the last
 * member's end instead, which is smaller when a short member follows a
 * bit-field whose bytes reach further (`long long a : 33; char b;` would be
 * 6 bytes while a's 8 bytes are loaded); the furthest end keeps every load
 * inside the struct.  (DTrace leaves out the end padding of every struct;
 * dtc keeps C's where no bit-field forces DTrace's sizes.)  Union members
 * all start at 0; a union's size is its largest member's.  The alignment,
 * for arrays and enclosing structs, is the largest member alignment.
 * cg_member_bits (cg/cg_types.c) finds the same offsets.
 */
void dc_ty_layout(struct dc_program *p, struct dc_ty *t)
{
	uint64_t endbits = 0, size = 0, al = 1;
	bool has_bitfield = false;

	for (struct dc_member *m = t->members; m; m = m->next) {
		if (m->bits) {
			bitfield_type(p, m);
			has_bitfield = true;
		}
		uint64_t sz = dc_ty_size(m->type), mal = align_of(m->type);
		if (mal > al)
			al = mal;
		if (t->kind == DC_TY_UNION) {
			if (sz > size)
				size = sz;
			continue;
		}
		uint64_t off = (endbits + 7) / 8;
		off = (off + mal - 1) / mal * mal;
		endbits = off * 8 + (m->bits ? (uint64_t)m->bits : sz * 8);
		if (off + sz > size)
			size = off + sz;
	}
	if (!has_bitfield)
		size = (size + al - 1) / al * al;
	t->size = (uint32_t)size;
	t->align = (uint32_t)al;
}
