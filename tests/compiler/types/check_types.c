/*
 * check_types.c -- Check suite for the D type system (compiler/types).
 *
 * Layout tests declare every struct twice: once as C, compiled by the host
 * compiler, and once as D text given to dc_typesys__parse; sizes, member
 * offsets and bit-field positions must agree.  Host bit-field positions
 * are measured, not assumed: set the field to all ones in a zeroed object
 * and find the lowest set bit (the host is little-endian LP64).
 */
#include <check.h>
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dc_types.h"
#include "dif/dif.h"

static struct dc_typesys *ts;
static const char *corpus_dir;	/* argv[1]: the D test corpus */

static void
setup(void)
{
	ts = dc_typesys__new(NULL);
	ck_assert_ptr_nonnull(ts);
}

static void
teardown(void)
{
	dc_typesys__free(ts);
	ts = NULL;
}

static const struct dc_type *
P(const char *text)
{
	struct dc_terr err = { 0 };
	const struct dc_type *t = dc_typesys__parse(ts, text, strlen(text), &err);

	ck_assert_msg(t != NULL, "parse '%s': %s %s", text, err.tag, err.msg);
	return t;
}

/* The tag a parse of `text` fails with. */
static const char *
perr(const char *text)
{
	static struct dc_terr err;

	memset(&err, 0, sizeof(err));
	if (dc_typesys__parse(ts, text, strlen(text), &err) != NULL)
		return "(parsed)";
	return err.tag ? err.tag : "(none)";
}

static const char *
name_of(const struct dc_type *t)
{
	static char buf[256];

	dc_type__name(t, buf, sizeof(buf));
	return buf;
}

/* ---- layouts ------------------------------------------------------------ */

static uint64_t
lowest_bit(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			if (b[i] & (1u << k))
				return i * 8 + (uint64_t)k;
	return UINT64_MAX;
}

#define BF_POS(T, m) __extension__ ({			\
	T v_;						\
	memset(&v_, 0, sizeof(v_));			\
	v_.m = -1;					\
	lowest_bit(&v_, sizeof(v_)); })

#define LAYOUT(tag, ...) \
	struct tag __VA_ARGS__; \
	static const char tag##_d[] = "struct " #tag " " #__VA_ARGS__;

LAYOUT(l1, { char a; int b; short c; long d; char e; })
LAYOUT(l2, { int a : 1; int b : 3; int c : 12; char d; unsigned e : 20;
	     unsigned f : 20; long g : 40; char h : 3; })
LAYOUT(l3, { char a; struct { int x; char y; }; union { long l; char q[3]; } u;
	     short tail; })
LAYOUT(l5, { char a; long double ld; char b; })
LAYOUT(l6, { short s : 5; char c : 2; int i : 20; long long ll : 33;
	     unsigned char uc; })
LAYOUT(l7, { char a[3]; int b[2][3]; char *p; void *v; unsigned long u; })
LAYOUT(l8, { char a; int : 4; char b; unsigned : 7; int c : 2; })
LAYOUT(l9, { _Bool b; enum e9 { X9, Y9 } e; char c; _Bool f : 1; })
LAYOUT(l10, { struct l1 inner; struct l10 *next; char z; })
LAYOUT(l11, { char c; unsigned long long x : 7; unsigned long long y : 60;
	      short s; })
LAYOUT(l12, { char c; union { char a; int : 5; short h; }; char d[5]; })
union l4 { char c; int i; long l; char buf[13]; };
static const char l4_d[] = "union l4 { char c; int i; long l; char buf[13]; }";

static void
check_member(const struct dc_type *t, const char *m, uint64_t bits,
	     uint32_t width)
{
	struct dc_memref mr;
	struct dc_terr err = { 0 };

	ck_assert_msg(dc_type__member(ts, t, m, false, &mr, &err) == 0,
	    "member %s: %s", m, err.msg);
	ck_assert_msg(mr.offset_bits == bits,
	    "%s.%s at bit %llu, host says %llu", name_of(t), m,
	    (unsigned long long)mr.offset_bits, (unsigned long long)bits);
	ck_assert_uint_eq(mr.bit_width, width);
}

static void
check_size(const struct dc_type *t, size_t host_size, size_t host_align)
{
	uint64_t sz;

	ck_assert_int_eq(dc_type__sizeof(ts, t, &sz, NULL), 0);
	ck_assert_msg(sz == host_size, "sizeof %s = %llu, host says %zu",
	    name_of(t), (unsigned long long)sz, host_size);
	ck_assert_uint_eq(dc_type__alignof(ts, t), host_align);
}

#define M(T, m)		check_member(t, #m, offsetof(T, m) * 8, 0)
#define BF(T, m, w)	check_member(t, #m, BF_POS(T, m), w)
#define SZ(T)		check_size(t, sizeof(T), _Alignof(T))

/* ASSERTION: plain members are aligned and padded as the host C compiler does. */
START_TEST(layout_plain)
{
	const struct dc_type *t = P(l1_d);

	SZ(struct l1);
	M(struct l1, a); M(struct l1, b); M(struct l1, c); M(struct l1, d);
	M(struct l1, e);
	t = P(l5_d);
	SZ(struct l5);
	M(struct l5, a); M(struct l5, ld); M(struct l5, b);
	t = P(l7_d);
	SZ(struct l7);
	M(struct l7, a); M(struct l7, b); M(struct l7, p); M(struct l7, v);
	M(struct l7, u);
}
END_TEST

/* ASSERTION: bit-fields are packed into storage units of their type as the host does. */
START_TEST(layout_bitfields)
{
	const struct dc_type *t = P(l2_d);

	SZ(struct l2);
	BF(struct l2, a, 1); BF(struct l2, b, 3); BF(struct l2, c, 12);
	M(struct l2, d); BF(struct l2, e, 20); BF(struct l2, f, 20);
	BF(struct l2, g, 40); BF(struct l2, h, 3);
	t = P(l6_d);
	SZ(struct l6);
	BF(struct l6, s, 5); BF(struct l6, c, 2); BF(struct l6, i, 20);
	BF(struct l6, ll, 33); M(struct l6, uc);
	t = P(l11_d);
	SZ(struct l11);
	M(struct l11, c); BF(struct l11, x, 7); BF(struct l11, y, 60);
	M(struct l11, s);
}
END_TEST

/* ASSERTION: unnamed bit-fields take space but do not raise the alignment. */
START_TEST(layout_unnamed_bitfields)
{
	const struct dc_type *t = P(l8_d);

	SZ(struct l8);
	M(struct l8, a); M(struct l8, b); BF(struct l8, c, 2);
	t = P(l12_d);
	SZ(struct l12);
	M(struct l12, c); M(struct l12, a); M(struct l12, h); M(struct l12, d);
}
END_TEST

/* ASSERTION: anonymous struct/union members are laid out and searched like C11. */
START_TEST(layout_anonymous)
{
	const struct dc_type *t = P(l3_d);

	SZ(struct l3);
	M(struct l3, a); M(struct l3, x); M(struct l3, y); M(struct l3, u);
	M(struct l3, tail);
	struct dc_memref mr;

	ck_assert_int_eq(dc_type__member(ts, t, "u", false, &mr, NULL), 0);
	t = mr.type;
	M(union { long l; char q[3]; }, l);
}
END_TEST

/* ASSERTION: unions, enums, _Bool and nested structs match the host. */
START_TEST(layout_union_enum_nested)
{
	const struct dc_type *t = P(l4_d);

	SZ(union l4);
	M(union l4, c); M(union l4, i); M(union l4, l); M(union l4, buf);
	t = P(l9_d);
	SZ(struct l9);
	M(struct l9, b); M(struct l9, e); M(struct l9, c); BF(struct l9, f, 1);
	P(l1_d);
	t = P(l10_d);
	SZ(struct l10);
	M(struct l10, inner); M(struct l10, next); M(struct l10, z);
}
END_TEST

/* ASSERTION: the C intrinsics and D typedefs have LP64 sizes. */
START_TEST(intrinsic_sizes)
{
	static const struct { const char *n; size_t size; } rows[] = {
		{ "char", 1 }, { "short", 2 }, { "int", 4 }, { "long", 8 },
		{ "long long", 8 }, { "_Bool", 1 }, { "float", 4 },
		{ "double", 8 }, { "long double", 16 }, { "int8_t", 1 },
		{ "uint16_t", 2 }, { "int32_t", 4 }, { "uint64_t", 8 },
		{ "size_t", 8 }, { "uintptr_t", 8 }, { "pid_t", 4 },
		{ "caddr_t", 8 }, { "void *", 8 }, { "string", 256 },
		{ "u_longlong_t", 8 }, { "zoneid_t", 4 }, { "major_t", 4 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t sz;

		ck_assert_int_eq(dc_type__sizeof(ts, P(rows[i].n), &sz, NULL), 0);
		ck_assert_msg(sz == rows[i].size, "%s", rows[i].n);
	}
	ck_assert(dc_type__is_signed(P("char")));
	ck_assert(!dc_type__is_signed(P("uint_t")));
	dc_typesys__set_strsize(ts, 1024);
	uint64_t sz;

	ck_assert_int_eq(dc_type__sizeof(ts, P("string"), &sz, NULL), 0);
	ck_assert_uint_eq(sz, 1024);
}
END_TEST

/* ---- conversions --------------------------------------------------------- */

static const char *
conv(const char *a, const char *b)
{
	return name_of(dc_type__arith_conv(ts, P(a), P(b)));
}

/* ASSERTION: usual arithmetic conversions pick the higher rank, with no promotion to int. */
START_TEST(arith_conversions)
{
	ck_assert_str_eq(conv("char", "char"), "char");
	ck_assert_str_eq(conv("char", "short"), "short");
	ck_assert_str_eq(conv("short", "unsigned char"), "short");
	ck_assert_str_eq(conv("int", "unsigned int"), "unsigned int");
	ck_assert_str_eq(conv("long", "unsigned int"), "long");
	ck_assert_str_eq(conv("long", "long long"), "long long");
	ck_assert_str_eq(conv("long long", "long"), "long long");
	ck_assert_str_eq(conv("unsigned long", "long long"), "unsigned long");
	ck_assert_str_eq(conv("uint64_t", "int"), "uint64_t");
	ck_assert_str_eq(conv("const int", "char"), "int");
	P("enum ce { CE0 }");
	ck_assert_str_eq(conv("enum ce", "char"), "int");
	ck_assert_ptr_null(dc_type__arith_conv(ts, P("int"), P("int *")));
	ck_assert_ptr_null(dc_type__arith_conv(ts, P("string"), P("int")));
	ck_assert_int_lt(dc_type__rank(P("int")), dc_type__rank(P("unsigned int")));
	ck_assert_int_lt(dc_type__rank(P("unsigned short")), dc_type__rank(P("int")));
}
END_TEST

/* ASSERTION: casts follow D's rules: scalars among themselves, anything to void, string from scalars and char arrays. */
START_TEST(cast_legality)
{
	static const struct { const char *to, *from; bool ok; } rows[] = {
		{ "int", "int *", true }, { "int *", "long", true },
		{ "char *", "int *", true }, { "void", "struct cs", true },
		{ "string", "int", true }, { "string", "char [8]", true },
		{ "string", "char *", true }, { "char *", "string", true },
		{ "struct cs", "struct cs", true }, { "uint8_t", "uint64_t", true },
		{ "struct cs", "int", false }, { "int", "struct cs", false },
		{ "int", "float", false }, { "string", "struct cs", false },
		{ "int [4]", "int", false }, { "struct thread *", "long", true },
		{ "int", "int (*)(int)", true }, { "_symaddr", "int", false },
		{ "uintptr_t", "_symaddr", true },
	};

	P("struct cs { int a; }");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dc_terr err = { 0 };
		int rc = dc_type__cast_check(P(rows[i].to), P(rows[i].from), &err);

		ck_assert_msg((rc == 0) == rows[i].ok, "(%s)%s", rows[i].to,
		    rows[i].from);
		if (!rows[i].ok)
			ck_assert_str_eq(err.tag, "D_CAST_INVAL");
	}
}
END_TEST

static bool
cmp(const char *a, const char *b, bool bnull)
{
	struct dc_operand x = { P(a), false }, y = { P(b), bnull };

	return dc_type__comparable(&x, &y);
}

static bool
asg(const char *dst, const char *src, bool null)
{
	struct dc_operand s = { P(src), null };

	return dc_type__assignable(P(dst), &s);
}

/* ASSERTION: comparison compatibility: integers, string-compatible pairs with a string, compatible pointers, pointer and 0. */
START_TEST(comparison_compat)
{
	ck_assert(cmp("int", "unsigned char", false));
	ck_assert(cmp("string", "char *", false));
	ck_assert(cmp("char [4]", "string", false));
	ck_assert(cmp("int *", "int *", false));
	ck_assert(cmp("int *", "void *", false));
	ck_assert(cmp("int *", "int", true));
	ck_assert(!cmp("int *", "int", false));
	ck_assert(!cmp("int *", "char *", false));
	ck_assert(!cmp("string", "int", false));
	ck_assert(cmp("stack", "stack", false));
	ck_assert(!cmp("stack", "int", false));
}
END_TEST

/* ASSERTION: assignment compatibility: ints with ints, strings with string-compatibles, pointers by pointee, D kinds with themselves. */
START_TEST(assignment_compat)
{
	ck_assert(asg("char", "long long", false));
	ck_assert(asg("string", "char [4]", false));
	ck_assert(asg("string", "char *", false));
	ck_assert(asg("const char *", "string", false));
	ck_assert(!asg("int", "string", false));
	ck_assert(asg("void *", "int *", false));
	ck_assert(asg("int *", "void *", false));
	ck_assert(!asg("int *", "char *", false));
	ck_assert(asg("int *", "int", true));
	ck_assert(!asg("int *", "int", false));
	ck_assert(asg("_symaddr", "_symaddr", false));
	ck_assert(!asg("_symaddr", "uintptr_t", false));
	ck_assert(!asg("int [4]", "int [4]", false));
	P("struct as1 { int a; }");
	P("struct as2 { int a; }");
	ck_assert(asg("struct as1", "struct as1", false));
	ck_assert(!asg("struct as1", "struct as2", false));
	ck_assert(asg("struct thread *", "struct thread *", false));
}
END_TEST

/* ASSERTION: pointer arithmetic scales by the pointee size and rejects void and function pointers. */
START_TEST(pointer_arith)
{
	uint64_t sc;
	struct dc_terr err = { 0 };

	ck_assert_int_eq(dc_type__ptr_scale(ts, P("int *"), &sc, &err), 0);
	ck_assert_uint_eq(sc, 4);
	ck_assert_int_eq(dc_type__ptr_scale(ts, P("struct pa { char c[12]; } *"),
	    &sc, &err), 0);
	ck_assert_uint_eq(sc, 12);
	ck_assert_int_eq(dc_type__ptr_scale(ts, P("string"), &sc, &err), 0);
	ck_assert_uint_eq(sc, 1);
	ck_assert_int_eq(dc_type__ptr_scale(ts, P("void *"), &sc, &err), -1);
	ck_assert_str_eq(err.tag, "D_OP_VFPTR");
	ck_assert_int_eq(dc_type__ptr_scale(ts, P("int (*)(int)"), &sc, &err), -1);
	ck_assert_str_eq(err.tag, "D_OP_VFPTR");
	ck_assert_int_eq(dc_type__ptr_scale(ts, P("struct thread *"), &sc, &err),
	    DC_SYMBOLIC);
	ck_assert_int_eq(dc_type__ptr_scale(ts, P("int"), &sc, &err), -1);
	ck_assert_str_eq(err.tag, "D_OP_PTR");
	ck_assert_str_eq(name_of(dc_type__ptr_diff(ts, P("int *"), P("int *"),
	    &err)), "ptrdiff_t");
	ck_assert_ptr_null(dc_type__ptr_diff(ts, P("int *"), P("char *"), &err));
	ck_assert_str_eq(err.tag, "D_OP_INCOMPAT");
}
END_TEST

/* ASSERTION: classification predicates look through typedefs and qualifiers. */
START_TEST(classification)
{
	P("struct cl { int a; }");
	P("enum cle { CL0 }");
	ck_assert(dc_type__is_byref(P("struct cl")));
	ck_assert(dc_type__is_byref(P("string")));
	ck_assert(dc_type__is_byref(P("char [4]")));
	ck_assert(dc_type__is_byref(P("long double")));
	ck_assert(!dc_type__is_byref(P("double")));
	ck_assert(!dc_type__is_byref(P("int *")));
	ck_assert(dc_type__is_integer(P("enum cle")));
	ck_assert(dc_type__is_integer(P("const uint32_t")));
	ck_assert(!dc_type__is_integer(P("float")));
	ck_assert(dc_type__is_arith(P("float")));
	ck_assert(dc_type__is_scalar(P("char *")));
	ck_assert(!dc_type__is_scalar(P("struct cl")));
	ck_assert(dc_type__is_string_compat(P("char [4]")));
	ck_assert(dc_type__is_string_compat(P("const char *")));
	ck_assert(!dc_type__is_string_compat(P("int *")));
	ck_assert(dc_type__is_string(P("string")));
	ck_assert_uint_eq(dc_type__quals(P("userland const int")),
	    DC_Q_USERLAND | DC_Q_CONST);
	ck_assert(dc_type__is_dyn(dc_typesys__wk(ts, DC_WK_DYN)));
	ck_assert(dc_type__is_sou(P("union clu { int a; }")));
}
END_TEST

/* ASSERTION: stringof accepts scalars, pointers and strings only. */
START_TEST(stringof_rules)
{
	struct dc_terr err = { 0 };

	ck_assert_int_eq(dc_type__stringof_check(P("int"), &err), 0);
	ck_assert_int_eq(dc_type__stringof_check(P("char [4]"), &err), 0);
	ck_assert_int_eq(dc_type__stringof_check(P("void *"), &err), 0);
	ck_assert_int_eq(dc_type__stringof_check(P("string"), &err), 0);
	ck_assert_int_eq(dc_type__stringof_check(P("struct so { int a; }"), &err),
	    -1);
	ck_assert_str_eq(err.tag, "D_STRINGOF_TYPE");
	ck_assert_int_eq(dc_type__stringof_check(P("int [4]"), &err), -1);
}
END_TEST

/* ASSERTION: DIF type records carry kind, CTF kind, by-ref flags and size. */
START_TEST(dif_type_records)
{
	struct dif_type d;

	dc_type__dif_type(ts, P("string"), &d);
	ck_assert_uint_eq(d.dtdt_kind, DIF_TYPE_STRING);
	ck_assert_uint_eq(d.dtdt_flags, DIF_TF_BYREF);
	ck_assert_uint_eq(d.dtdt_size, 256);
	dc_type__dif_type(ts, P("uint16_t"), &d);
	ck_assert_uint_eq(d.dtdt_kind, DIF_TYPE_CTF);
	ck_assert_uint_eq(d.dtdt_ckind, DIF_CTF_K_INTEGER);
	ck_assert_uint_eq(d.dtdt_flags, 0);
	ck_assert_uint_eq(d.dtdt_size, 2);
	dc_type__dif_type(ts, P("struct dt { int a; char b; }"), &d);
	ck_assert_uint_eq(d.dtdt_ckind, DIF_CTF_K_STRUCT);
	ck_assert_uint_eq(d.dtdt_flags, DIF_TF_BYREF);
	ck_assert_uint_eq(d.dtdt_size, 8);
	dc_type__dif_type(ts, P("userland char [6]"), &d);
	ck_assert_uint_eq(d.dtdt_flags, DIF_TF_BYUREF);
	ck_assert_uint_eq(d.dtdt_size, 6);
	dc_type__dif_type(ts, P("struct thread *"), &d);
	ck_assert_uint_eq(d.dtdt_ckind, DIF_CTF_K_POINTER);
	ck_assert_uint_eq(d.dtdt_size, 8);
	dc_type__dif_type(ts, P("struct thread"), &d);
	ck_assert_uint_eq(d.dtdt_ckind, DIF_CTF_K_FORWARD);
	ck_assert_uint_eq(d.dtdt_size, 0);
	dc_type__dif_type(ts, P("void"), &d);
	ck_assert_uint_eq(d.dtdt_size, 0);
}
END_TEST

/* ---- names ---------------------------------------------------------------- */

/* ASSERTION: type names print in C declarator syntax and parse back to the same text. */
START_TEST(name_roundtrip)
{
	static const char *const names[] = {
		"int", "unsigned long long", "struct foo *", "char [16]",
		"int (*)(int, char *)", "kernel`struct proc *",
		"genunix`kthread_t *", "int [string, int]", "const char *const",
		"userland int *", "int *(*[4])(void)", "long double", "string",
		"uint64_t [3][4]", "int (*)(const char *, ...)", "int (*)[4]",
		"signed char", "_Bool", "void *", "stack", "_symaddr",
		"enum rte", "union rtu **",
	};

	P("enum rte { RT0 }");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct dc_type *t = P(names[i]);
		char again[256];

		ck_assert_str_eq(name_of(t), names[i]);
		dc_type__name(P(name_of(t)), again, sizeof(again));
		ck_assert_str_eq(again, names[i]);
	}
	ck_assert_str_eq(name_of(P("unsigned")), "unsigned int");
	ck_assert_str_eq(name_of(P("long int")), "long");
	ck_assert_str_eq(name_of(P("`kernel`struct proc")), "kernel`struct proc");
	ck_assert_ptr_eq(P("int *"), P("int*"));
	ck_assert_str_eq(perr("int )"), "D_SYNTAX");
	ck_assert_str_eq(perr("nosuchtype"), "D_TYPE_ERR");
	ck_assert_str_eq(perr(""), "D_SYNTAX");
	char small[4];

	ck_assert_uint_eq(dc_type__name(P("unsigned int"), small, sizeof(small)),
	    12);
	ck_assert_str_eq(small, "uns");
}
END_TEST

/* ASSERTION: lookups find intrinsics, D typedefs, program types and module-scoped names. */
START_TEST(lookups)
{
	struct dc_terr err = { 0 };
	const struct dc_type *t;
	int64_t v;

	ck_assert(dc_typesys__is_typename(ts, "uint64_t"));
	ck_assert(dc_typesys__is_typename(ts, "string"));
	ck_assert(!dc_typesys__is_typename(ts, "long long"));
	ck_assert(!dc_typesys__is_typename(ts, "myint_t"));
	ck_assert_ptr_nonnull(dc_typesys__typedef(ts, "myint_t", P("int"), &err));
	ck_assert(dc_typesys__is_typename(ts, "myint_t"));
	ck_assert_str_eq(name_of(dc_type__resolve(dc_typesys__lookup(ts,
	    "myint_t"))), "int");
	ck_assert_ptr_null(dc_typesys__lookup(ts, "nosuch_t"));
	t = dc_typesys__lookup(ts, "genunix`kthread_t");
	ck_assert(dc_type__is_symbolic(t));
	ck_assert_str_eq(t->module, "genunix");
	t = dc_typesys__lookup(ts, "`kernel`struct proc");
	ck_assert(dc_type__is_symbolic(t));
	ck_assert_str_eq(t->name, "struct proc");
	ck_assert_int_eq(t->ext_kind, DC_EXT_STRUCT);
	ck_assert_ptr_eq(t, dc_typesys__lookup(ts, "kernel`struct proc"));
	P("enum lk { LK0 = 7, LK1 }");
	ck_assert(dc_typesys__enumerator(ts, "LK1", &t, &v));
	ck_assert_int_eq(v, 8);
	ck_assert_str_eq(name_of(t), "enum lk");
	ck_assert(dc_typesys__ident_taken(ts, "LK0"));
	ck_assert(!dc_typesys__ident_taken(ts, "LK2"));
	ck_assert_ptr_nonnull(dc_typesys__declare_extern(ts, "vnode_t"));
	ck_assert(dc_typesys__is_typename(ts, "vnode_t"));
	ck_assert(dc_type__is_symbolic(P("vnode_t *")->ref));
}
END_TEST

/* ---- sizeof / offsetof / members ------------------------------------------- */

/* ASSERTION: offsetof walks member paths and rejects bit-fields and non-structs. */
START_TEST(offsetof_rules)
{
	struct dc_terr err = { 0 };
	uint64_t off;
	const struct dc_type *t = P("struct of { char a; struct { short s; "
	    "int bf : 3; } in; }");

	/* The named int bit-field gives `in` 4-byte alignment. */
	ck_assert_int_eq(dc_type__offsetof(ts, t, "in.s", &off, &err), 0);
	ck_assert_uint_eq(off, 4);
	ck_assert_int_eq(dc_type__offsetof(ts, t, "a", &off, &err), 0);
	ck_assert_uint_eq(off, 0);
	ck_assert_int_eq(dc_type__offsetof(ts, t, "in.bf", &off, &err), -1);
	ck_assert_str_eq(err.tag, "D_OFFSETOF_BITFIELD");
	ck_assert_int_eq(dc_type__offsetof(ts, P("int"), "a", &off, &err), -1);
	ck_assert_str_eq(err.tag, "D_OFFSETOF_TYPE");
	ck_assert_int_eq(dc_type__offsetof(ts, t, "nope", &off, &err), -1);
	ck_assert_str_eq(err.tag, "D_TYPE_MEMBER");
	ck_assert_int_eq(dc_type__offsetof(ts, t, "a.b", &off, &err), -1);
	ck_assert_str_eq(err.tag, "D_OFFSETOF_TYPE");
}
END_TEST

/* ASSERTION: sizeof rejects void, functions, associative arrays and D-only kinds. */
START_TEST(sizeof_rules)
{
	struct dc_terr err = { 0 };
	uint64_t sz;
	static const char *const bad[] = { "void", "int (void)",
	    "int [string]", "stack" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(dc_type__sizeof(ts, P(bad[i]), &sz, &err), -1);
		ck_assert_str_eq(err.tag, "D_SIZEOF_TYPE");
	}
	ck_assert_int_eq(dc_type__sizeof(ts, dc_typesys__wk(ts, DC_WK_DYN), &sz,
	    &err), -1);
	ck_assert_int_eq(dc_type__sizeof(ts, P("_symaddr"), &sz, &err), 0);
	ck_assert_uint_eq(sz, 8);
}
END_TEST

/* ASSERTION: symbolic target types have symbolic sizes and yield symbolic members with a path. */
START_TEST(symbolic_types)
{
	struct dc_terr err = { 0 };
	struct dc_memref mr, mr2;
	uint64_t v;
	const struct dc_type *thr = P("struct thread");

	ck_assert(dc_type__is_symbolic(thr));
	ck_assert_int_eq(dc_type__sizeof(ts, thr, &v, &err), DC_SYMBOLIC);
	ck_assert_int_eq(dc_type__offsetof(ts, thr, "td_tid", &v, &err),
	    DC_SYMBOLIC);
	ck_assert_int_eq(dc_type__member(ts, thr, "td_proc", true, &mr, &err), 0);
	ck_assert(mr.symbolic);
	ck_assert_int_eq(mr.type->kind, DC_TK_EXTMEMBER);
	ck_assert_ptr_eq(mr.type->ext_root, thr);
	ck_assert_str_eq(mr.type->ext_path, "td_proc");
	ck_assert_int_eq(dc_type__member(ts, mr.type, "p_pid", true, &mr2, &err),
	    0);
	ck_assert_str_eq(mr2.type->ext_path, "td_proc->p_pid");
	ck_assert(dc_type__is_integer(mr2.type));
	ck_assert_str_eq(name_of(dc_type__arith_conv(ts, mr2.type, P("int"))),
	    "int64_t");
	ck_assert_str_eq(dc_type__deref(ts, mr.type, &err)->ext_path,
	    "td_proc[]");
	struct dc_operand o = { mr2.type, false }, i = { P("int"), false };

	ck_assert(dc_type__comparable(&o, &i));
	ck_assert_int_eq(dc_type__check_object(thr, &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_INCOMPLETE");
	ck_assert_int_eq(dc_type__check_object(P("struct thread *"), &err), 0);
	/* A program definition completes the tag in place. */
	const struct dc_type *later = P("struct later *");

	ck_assert(dc_type__is_symbolic(later->ref));
	P("struct later { int x; }");
	ck_assert(!dc_type__is_symbolic(later->ref));
	ck_assert_int_eq(dc_type__sizeof(ts, later->ref, &v, &err), 0);
	ck_assert_uint_eq(v, 4);
}
END_TEST

/* ASSERTION: dereference rules: pointee, array element, string char; void and function pointers rejected. */
START_TEST(deref_rules)
{
	struct dc_terr err = { 0 };

	ck_assert_str_eq(name_of(dc_type__deref(ts, P("int **"), &err)), "int *");
	ck_assert_str_eq(name_of(dc_type__deref(ts, P("char [3]"), &err)), "char");
	ck_assert_str_eq(name_of(dc_type__deref(ts, P("string"), &err)), "char");
	ck_assert_ptr_null(dc_type__deref(ts, P("void *"), &err));
	ck_assert_str_eq(err.tag, "D_DEREF_VOID");
	ck_assert_ptr_null(dc_type__deref(ts, P("int (*)(void)"), &err));
	ck_assert_str_eq(err.tag, "D_DEREF_FUNC");
	ck_assert_ptr_null(dc_type__deref(ts, P("int"), &err));
	ck_assert_str_eq(err.tag, "D_DEREF_NONPTR");
}
END_TEST

/* ASSERTION: member lookup errors name the right tag. */
START_TEST(member_errors)
{
	struct dc_terr err = { 0 };
	struct dc_memref mr;

	ck_assert_int_eq(dc_type__member(ts, P("int"), "x", false, &mr, &err), -1);
	ck_assert_str_eq(err.tag, "D_OP_SOU");
	ck_assert_int_eq(dc_type__member(ts, P("struct me { int a; }"), "b",
	    false, &mr, &err), -1);
	ck_assert_str_eq(err.tag, "D_TYPE_MEMBER");
}
END_TEST

/* ---- D_DECL tags --------------------------------------------------------- */

/* ASSERTION: bad specifier combinations produce the D_DECL tags DTrace uses. */
START_TEST(decl_specifier_tags)
{
	ck_assert_str_eq(perr("char long"), "D_DECL_CHARATTR");
	ck_assert_str_eq(perr("long char"), "D_DECL_CHARATTR");
	ck_assert_str_eq(perr("short char"), "D_DECL_CHARATTR");
	ck_assert_str_eq(perr("void int"), "D_DECL_VOIDATTR");
	ck_assert_str_eq(perr("unsigned void"), "D_DECL_VOIDATTR");
	ck_assert_str_eq(perr("unsigned double"), "D_DECL_SIGNINT");
	ck_assert_str_eq(perr("float signed"), "D_DECL_SIGNINT");
	ck_assert_str_eq(perr("signed struct x"), "D_DECL_SIGNINT");
	ck_assert_str_eq(perr("long float"), "D_DECL_LONGINT");
	ck_assert_str_eq(perr("long struct x"), "D_DECL_LONGINT");
	ck_assert_str_eq(perr("long long double"), "D_DECL_LONGINT");
	ck_assert_str_eq(perr("long double long"), "D_DECL_LONGINT");
	ck_assert_str_eq(perr("char int"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("double double"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("unsigned unsigned int"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("unsigned short short int"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("long long long"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("int uint64_t"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("string int"), "D_DECL_COMBO");
	ck_assert_str_eq(perr("long short"), "D_UNKNOWN");
	ck_assert_str_eq(perr("const"), "D_DECL_USELESS");
	ck_assert_str_eq(name_of(P("long double")), "long double");
	ck_assert_str_eq(name_of(P("unsigned long long int")),
	    "unsigned long long");

	struct dc_declspec ds = { 0 };
	struct dc_terr err = { 0 };

	ck_assert_int_eq(dc_declspec__add_storage(&ds, DC_TSC_SELF, &err), 0);
	ck_assert_int_eq(dc_declspec__add_storage(&ds, DC_TSC_EXTERN, &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_CLASS");
}
END_TEST

/* ASSERTION: array declarators check the dimension (D_DECL_ARRSUB, D_DECL_ARRBIG, D_DECL_ARRNULL) and element type. */
START_TEST(decl_array_tags)
{
	struct dc_terr err = { 0 };
	struct dc_cval nc = { .is_const = false };

	ck_assert_str_eq(perr("int [0]"), "D_DECL_ARRSUB");
	ck_assert_str_eq(perr("int [4294967296]"), "D_DECL_ARRBIG");
	ck_assert_str_eq(perr("long [1073741824]"), "D_DECL_ARRBIG");
	ck_assert_str_eq(perr("int []"), "D_DECL_ARRNULL");
	ck_assert_str_eq(perr("void [3]"), "D_DECL_VOIDOBJ");
	ck_assert_str_eq(perr("struct never [3]"), "D_DECL_INCOMPLETE");
	ck_assert_ptr_null(dc_type__array(ts, P("int"), &nc, &err));
	ck_assert_str_eq(err.tag, "D_DECL_ARRSUB");
	struct dc_cval neg = { .is_const = true, .value = -2 };

	ck_assert_ptr_null(dc_type__array(ts, P("int"), &neg, &err));
	ck_assert_str_eq(err.tag, "D_DECL_ARRSUB");
	const struct dc_type *keys[1] = { P("void") };

	ck_assert_ptr_null(dc_type__assoc(ts, P("int"), keys, 1, &err));
	ck_assert_str_eq(err.tag, "D_DECL_VOIDOBJ");
	ck_assert_int_eq(dc_type__check_object(P("void"), &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_VOIDOBJ");
	ck_assert_int_eq(dc_type__check_object(dc_typesys__wk(ts, DC_WK_DYN),
	    &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_DYNOBJ");
}
END_TEST

/* ASSERTION: bit-field declarations check width constness, size and base type. */
START_TEST(decl_bitfield_tags)
{
	ck_assert_str_eq(perr("struct b1 { int a : 1; int b : -3; }"),
	    "D_DECL_BFCONST");
	ck_assert_str_eq(perr("struct b2 { int a : 1; int b : 0; }"),
	    "D_DECL_BFCONST");
	ck_assert_str_eq(perr("struct b3 { char a : 10; }"), "D_DECL_BFSIZE");
	ck_assert_str_eq(perr("struct b4 { short a : 33; }"), "D_DECL_BFSIZE");
	ck_assert_str_eq(perr("struct b5 { long long a : 65; }"),
	    "D_DECL_BFSIZE");
	ck_assert_str_eq(perr("struct b6 { int a : 65; }"), "D_DECL_BFSIZE");
	ck_assert_str_eq(perr("struct b7 { float : 1; }"), "D_DECL_BFTYPE");
	ck_assert_str_eq(perr("struct b8 { char *p : 1; }"), "D_DECL_BFTYPE");

	struct dc_terr err = { 0 };
	struct dc_type *s = dc_sou__begin(ts, DC_TK_STRUCT, "b9", &err);
	struct dc_cval nc = { .is_const = false };

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(dc_sou__add_member(ts, s, "x", P("int"), &nc, &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_BFCONST");
}
END_TEST

/* ASSERTION: struct/union member declarations check names, completeness and duplicates. */
START_TEST(decl_member_tags)
{
	ck_assert_str_eq(perr("struct m1 { int; }"), "D_DECL_MNAME");
	ck_assert_str_eq(perr("struct m2 { struct pirate p; int x; }"),
	    "D_DECL_INCOMPLETE");
	ck_assert_str_eq(perr("struct m3 { struct m3 r; }"), "D_DECL_INCOMPLETE");
	ck_assert_str_eq(perr("union m4 { void v; }"), "D_DECL_VOIDOBJ");
	ck_assert_str_eq(perr("struct m5 { int x; char x; }"), "D_UNKNOWN");
	ck_assert_str_eq(perr("struct m6 { int x; struct { char x; }; }"),
	    "D_UNKNOWN");
	P("struct m7 { int a; }");
	ck_assert_str_eq(perr("struct m7 { int b; }"), "D_DECL_TYPERED");
	ck_assert_str_eq(name_of(P("union m7 { int a; }")), "union m7");
	ck_assert_str_eq(name_of(P("struct m8 { struct m8 *next; } *")),
	    "struct m8 *");
}
END_TEST

/* ASSERTION: enum declarations check constness, range and redeclared names. */
START_TEST(decl_enum_tags)
{
	struct dc_terr err = { 0 };
	int64_t v;

	ck_assert_str_eq(perr("enum e1 { TAG = \"not an int\" }"),
	    "D_DECL_ENCONST");
	ck_assert_str_eq(perr("enum e2 { toobig = 2147483648 }"),
	    "D_DECL_ENOFLOW");
	ck_assert_str_eq(perr("enum e3 { toosmall = -2147483649 }"),
	    "D_DECL_ENOFLOW");
	ck_assert_str_eq(perr("enum e4 { MAXV = 2147483647, OVER }"),
	    "D_DECL_ENOFLOW");
	P("enum colors { RED, GREEN, BLUE }");
	ck_assert_str_eq(perr("enum shades { WHITE, GREEN }"), "D_DECL_IDRED");
	ck_assert_str_eq(perr("enum e5 { X5 = 3, X5 = 4 }"), "D_UNKNOWN");
	ck_assert_str_eq(name_of(P("enum e6 { A6 = -5, B6, C6 = B6 }")),
	    "enum e6");
	ck_assert(dc_typesys__enumerator(ts, "C6", NULL, &v));
	ck_assert_int_eq(v, -4);
	ck_assert_ptr_null(dc_typesys__typedef(ts, "RED", P("int"), &err));
	ck_assert_str_eq(err.tag, "D_DECL_IDRED");
}
END_TEST

/* ASSERTION: enumerator values, bit-field widths and dimensions accept integer constant expressions and comments. */
START_TEST(constant_expressions)
{
	static const struct { const char *n; int64_t v; } want[] = {
		{ "CRED", 0 }, { "CORANGE", 10 }, { "CYELLOW", 2 },
		{ "CGREEN", 3 }, { "CBLUE", 13 }, { "CPINK", 1 },
		{ "CINDIGO", -2 }, { "CVIOLET", -1 }, { "CSHIFT", 40 },
		{ "CMASK", 5 }, { "CNOT", -8 },
	};
	int64_t v;
	uint64_t sz;

	P("enum cx { CRED, CORANGE = 5 + 5, CYELLOW = 2, CGREEN, "
	    "CBLUE = CGREEN + CORANGE, CPINK = 5/4, /* note */ CINDIGO = -2, "
	    "CVIOLET, CSHIFT = (1 + 4) << 3, CMASK = 0x0f & ~10 | 1, "
	    "CNOT = ~7 }");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert(dc_typesys__enumerator(ts, want[i].n, NULL, &v));
		ck_assert_msg(v == want[i].v, "%s = %lld", want[i].n, (long long)v);
	}
	ck_assert_int_eq(dc_type__sizeof(ts, P("char [2 * CBLUE]"), &sz, NULL), 0);
	ck_assert_uint_eq(sz, 26);
	ck_assert_str_eq(perr("enum cy { CY = 1 / 0 }"), "D_DECL_ENCONST");
	ck_assert_str_eq(perr("struct cz { int a : 4 - 5; }"), "D_DECL_BFCONST");
	ck_assert_str_eq(perr("enum cw { CW = NOPE }"), "D_IDENT_UNDEF");
	ck_assert_str_eq(perr("int [3 +]"), "D_SYNTAX");
}
END_TEST

/* ASSERTION: typedefs reject redeclaration and scoped names. */
START_TEST(decl_typedef_tags)
{
	struct dc_terr err = { 0 };

	ck_assert_ptr_nonnull(dc_typesys__typedef(ts, "new_int", P("int"), &err));
	ck_assert_ptr_null(dc_typesys__typedef(ts, "new_int", P("char"), &err));
	ck_assert_str_eq(err.tag, "D_DECL_IDRED");
	ck_assert_ptr_null(dc_typesys__typedef(ts, "uint64_t", P("char"), &err));
	ck_assert_str_eq(err.tag, "D_DECL_IDRED");
	ck_assert_ptr_null(dc_typesys__typedef(ts, "`xyz", P("int"), &err));
	ck_assert_str_eq(err.tag, "D_DECL_SCOPE");
	ck_assert_ptr_null(dc_typesys__typedef(ts, "dyn_t",
	    dc_typesys__wk(ts, DC_WK_DYN), &err));
	ck_assert_str_eq(err.tag, "D_DECL_DYNOBJ");
}
END_TEST

/* ASSERTION: prototypes check void parameters, names, varargs, storage classes and D-only types. */
START_TEST(decl_proto_tags)
{
	struct dc_terr err = { 0 };
	struct dc_tparam two[2] = { { NULL, P("int"), 0 }, { NULL, P("void"), 0 } };
	struct dc_tparam named_void = { "v", P("void"), 0 };
	struct dc_tparam unnamed = { NULL, P("int"), 0 };
	struct dc_tparam cls = { "x", P("int"), DC_TSC_REGISTER };
	struct dc_tparam stk = { "s", P("stack"), 0 };
	const struct dc_type *f;

	ck_assert_str_eq(perr("int (int, void)"), "D_DECL_PROTO_VOID");
	ck_assert_ptr_null(dc_type__function(ts, P("int"), two, 2, false, 0, &err));
	ck_assert_str_eq(err.tag, "D_DECL_PROTO_VOID");
	ck_assert_ptr_null(dc_type__function(ts, P("int"), &named_void, 1, false,
	    0, &err));
	ck_assert_str_eq(err.tag, "D_DECL_PROTO_NAME");
	ck_assert_ptr_null(dc_type__function(ts, P("int"), &unnamed, 1, false,
	    DC_PROTO_NEED_NAMES, &err));
	ck_assert_str_eq(err.tag, "D_DECL_PROTO_FORM");
	ck_assert_ptr_null(dc_type__function(ts, P("int"), &unnamed, 1, true,
	    DC_PROTO_NO_VARARGS, &err));
	ck_assert_str_eq(err.tag, "D_DECL_PROTO_VARARGS");
	ck_assert_ptr_null(dc_type__function(ts, P("int"), &cls, 1, false, 0,
	    &err));
	ck_assert_str_eq(err.tag, "D_DECL_PARMCLASS");
	ck_assert_ptr_null(dc_type__function(ts, P("void"), &stk, 1, false,
	    DC_PROTO_NO_DYN, &err));
	ck_assert_str_eq(err.tag, "D_DECL_PROTO_TYPE");
	f = dc_type__function(ts, P("int"), &unnamed, 1, true, 0, &err);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(name_of(f), "int (int, ...)");
}
END_TEST

/* ASSERTION: the declarator step list builds the C type for int *a[4] and int (*a)[4]. */
START_TEST(derive_steps)
{
	struct dc_terr err = { 0 };
	struct dc_cval four = { .is_const = true, .value = 4 };
	struct dc_deriv ptr_then_arr[2] = {
		{ .kind = DC_DERIV_POINTER }, { .kind = DC_DERIV_ARRAY, .dim = &four },
	};
	struct dc_deriv arr_then_ptr[2] = {
		{ .kind = DC_DERIV_ARRAY, .dim = &four }, { .kind = DC_DERIV_POINTER },
	};

	ck_assert_str_eq(name_of(dc_type__derive(ts, P("int"), ptr_then_arr, 2,
	    &err)), "int *[4]");
	ck_assert_str_eq(name_of(dc_type__derive(ts, P("int"), arr_then_ptr, 2,
	    &err)), "int (*)[4]");
}
END_TEST

/* ASSERTION: variable declarations check storage class, scoping, clause-local arrays and name clashes. */
START_TEST(decl_var_tags)
{
	struct dc_terr err = { 0 };
	struct dc_declspec ds = { 0 };
	const struct dc_type *keys[1] = { P("int") };
	const struct dc_type *assoc = dc_type__assoc(ts, P("int"), keys, 1, &err);

	ds.storage = DC_TSC_REGISTER;
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "x", P("int"), &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_BADCLASS");
	ds.storage = DC_TSC_NONE;
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "`xyz", P("int"), &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_SCOPE");
	ds.storage = DC_TSC_THIS;
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "a", assoc, &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_LOCASSC");
	ds.storage = DC_TSC_SELF;
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "a", assoc, &err), 0);
	ds.storage = DC_TSC_NONE;
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "v", P("void"), &err), -1);
	ck_assert_str_eq(err.tag, "D_DECL_VOIDOBJ");
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "uint64_t", P("int"), &err),
	    -1);
	ck_assert_str_eq(err.tag, "D_DECL_IDRED");
	ck_assert_int_eq(dc_decl__check_var(ts, &ds, "ok", P("int"), &err), 0);
}
END_TEST

static const char *
lit(uint64_t v, bool dec, bool u, int l)
{
	struct dc_terr err = { 0 };
	const struct dc_type *t = dc_typesys__int_literal(ts, v, dec, u, l, &err);

	return t != NULL ? name_of(t) : err.tag;
}

/* ASSERTION: integer literals take the first C99 type that holds them. */
START_TEST(int_literal_types)
{
	ck_assert_str_eq(lit(1, true, false, 0), "int");
	ck_assert_str_eq(lit(2147483648u, true, false, 0), "long");
	ck_assert_str_eq(lit(2147483648u, false, false, 0), "unsigned int");
	ck_assert_str_eq(lit(0xffffffffffffffffull, false, false, 0),
	    "unsigned long");
	ck_assert_str_eq(lit(0xffffffffffffffffull, true, false, 0), "D_INT_OFLOW");
	ck_assert_str_eq(lit(0xffffffffffffffffull, true, true, 0),
	    "unsigned long");
	ck_assert_str_eq(lit(5, true, true, 0), "unsigned int");
	ck_assert_str_eq(lit(5, true, false, 1), "long");
	ck_assert_str_eq(lit(5, true, false, 2), "long long");
	ck_assert_str_eq(lit(5, false, true, 2), "unsigned long long");
}
END_TEST

/* ---- built-ins ------------------------------------------------------------ */

/* ASSERTION: built-in variables have their D types and DIF ids; curthread is symbolic per target. */
START_TEST(builtin_vars)
{
	const struct dc_builtin_var *v;

	v = dc_typesys__builtin_var(ts, "timestamp");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->id, DIF_VAR_TIMESTAMP);
	ck_assert_str_eq(name_of(v->type), "uint64_t");
	ck_assert_str_eq(name_of(dc_typesys__builtin_var(ts, "execname")->type),
	    "string");
	ck_assert_str_eq(name_of(dc_typesys__builtin_var(ts, "pid")->type),
	    "pid_t");
	ck_assert_str_eq(name_of(dc_typesys__builtin_var(ts, "arg3")->type),
	    "int64_t");
	ck_assert_uint_eq(dc_typesys__builtin_var(ts, "arg3")->id, DIF_VAR_ARG3);
	v = dc_typesys__builtin_var(ts, "curthread");
	ck_assert_str_eq(name_of(v->type), "struct thread *");
	ck_assert(dc_type__is_symbolic(v->type->ref));
	v = dc_typesys__builtin_var(ts, "args");
	ck_assert(v->flags & DC_BV_ARRAY);
	ck_assert(dc_type__is_symbolic(v->type));
	ck_assert_ptr_null(dc_typesys__builtin_var(ts, "regs"));
	ck_assert_ptr_null(dc_typesys__builtin_var(ts, "nosuch"));
	ck_assert_ptr_nonnull(dc_typesys__builtin_var(ts, "uregs"));

	struct dc_types_opts o = { .os = DC_OS_ILLUMOS };
	struct dc_typesys *ill = dc_typesys__new(&o);

	ck_assert_ptr_nonnull(ill);
	v = dc_typesys__builtin_var(ill, "curthread");
	ck_assert_str_eq(name_of(v->type), "kthread_t *");
	ck_assert(dc_type__is_symbolic(v->type->ref));
	ck_assert(dc_typesys__is_typename(ill, "kthread_t"));
	dc_typesys__free(ill);
}
END_TEST

/* ASSERTION: subroutines, actions and aggregating functions have their ids and prototypes. */
START_TEST(builtin_funcs)
{
	const struct dc_func *f;

	f = dc_typesys__builtin_func(ts, "strlen");
	ck_assert_int_eq(f->cls, DC_FN_SUBR);
	ck_assert_uint_eq(f->id, DIF_SUBR_STRLEN);
	ck_assert_str_eq(name_of(f->ret), "size_t");
	f = dc_typesys__builtin_func(ts, "substr");
	ck_assert_uint_eq(f->nreq, 2);
	ck_assert_uint_eq(f->nargs, 3);
	f = dc_typesys__builtin_func(ts, "printf");
	ck_assert_int_eq(f->cls, DC_FN_ACTION);
	ck_assert_uint_eq(f->id, DIF_LIBACT_PRINTF);
	ck_assert(f->varargs);
	ck_assert_uint_eq(dc_typesys__builtin_func(ts, "func")->id, DIF_LIBACT_SYM);
	ck_assert_str_eq(name_of(dc_typesys__builtin_func(ts, "ufunc")->ret),
	    "_usymaddr");
	ck_assert_str_eq(name_of(dc_typesys__builtin_func(ts, "stack")->ret),
	    "stack");
	f = dc_typesys__builtin_func(ts, "lquantize");
	ck_assert_int_eq(f->cls, DC_FN_AGG);
	ck_assert_uint_eq(f->id, DIF_ACT_LQUANTIZE);
	ck_assert_uint_eq(f->nreq, 3);
	ck_assert_uint_eq(f->nargs, 5);
	ck_assert_str_eq(name_of(dc_typesys__builtin_func(ts, "mutex_owner")->ret),
	    "struct thread *");
	ck_assert_ptr_null(dc_typesys__builtin_func(ts, "nosuch"));
	/* Every subroutine of dif.h is present with its id. */
#define CHECK_SUBR(num, NAME, dn) \
	ck_assert_uint_eq(dc_typesys__builtin_func(ts, dn)->id, num);
	DIF_SUBRS(CHECK_SUBR)
#undef CHECK_SUBR
#define CHECK_ACT(n, NAME, dn) \
	ck_assert_uint_eq(dc_typesys__builtin_func(ts, dn)->id, DIF_LIBACT_##NAME);
	DIF_LIBACTS(CHECK_ACT)
#undef CHECK_ACT
}
END_TEST

static const char *
call(const char *fn, const struct dc_arg *args, size_t n, int *argno)
{
	static struct dc_terr err;
	const struct dc_func *f = dc_typesys__builtin_func(ts, fn);

	memset(&err, 0, sizeof(err));
	ck_assert_ptr_nonnull(f);
	if (dc_func__check_args(f, args, n, &err) == 0)
		return "ok";
	if (argno != NULL)
		*argno = err.argno;
	return err.tag;
}

/* ASSERTION: argument checks report D_PROTO_LEN for counts and D_PROTO_ARG with the argument number. */
START_TEST(builtin_arg_checks)
{
	struct dc_arg s = { .type = P("string") };
	struct dc_arg cp = { .type = P("char *") };
	struct dc_arg i = { .type = P("int") };
	struct dc_arg i64 = { .type = P("int64_t") };
	struct dc_arg k = { .type = P("int"), .is_const = true, .value = 10 };
	struct dc_arg agg = { .type = dc_typesys__wk(ts, DC_WK_AGG), .is_agg = true };
	struct dc_arg fmt = { .type = P("string"), .is_strconst = true };
	struct dc_arg thr = { .type = P("struct thread *") };
	struct dc_arg v = { .type = P("void") };
	int argno = 0;

	ck_assert_str_eq(call("strlen", NULL, 0, NULL), "D_PROTO_LEN");
	ck_assert_str_eq(call("strlen", &s, 1, NULL), "ok");
	ck_assert_str_eq(call("strlen", &cp, 1, NULL), "ok");
	ck_assert_str_eq(call("strlen", &i, 1, &argno), "D_PROTO_ARG");
	ck_assert_int_eq(argno, 1);
	ck_assert_str_eq(call("copyinstr", (struct dc_arg[]){ i64 }, 1, NULL), "ok");
	ck_assert_str_eq(call("copyinstr", (struct dc_arg[]){ i64, k }, 2, NULL),
	    "ok");
	ck_assert_str_eq(call("copyinstr", (struct dc_arg[]){ i64, k, k }, 3,
	    NULL), "D_PROTO_LEN");
	ck_assert_str_eq(call("substr", (struct dc_arg[]){ s, s }, 2, &argno),
	    "D_PROTO_ARG");
	ck_assert_int_eq(argno, 2);
	ck_assert_str_eq(call("mutex_owned", &i, 1, NULL), "D_PROTO_ARG");
	ck_assert_str_eq(call("exit", &s, 1, NULL), "D_PROTO_ARG");
	ck_assert_str_eq(call("exit", &k, 1, NULL), "ok");
	ck_assert_str_eq(call("clear", &agg, 1, NULL), "ok");
	ck_assert_str_eq(call("clear", &k, 1, NULL), "D_PROTO_ARG");
	ck_assert_str_eq(call("printf", NULL, 0, NULL), "D_PROTO_LEN");
	ck_assert_str_eq(call("printf", &s, 1, NULL), "D_PROTO_ARG");
	ck_assert_str_eq(call("printf", (struct dc_arg[]){ fmt, i, s, thr }, 4,
	    NULL), "ok");
	ck_assert_str_eq(call("trace", &v, 1, NULL), "D_PROTO_ARG");
	ck_assert_str_eq(call("count", &i, 1, NULL), "D_PROTO_LEN");
	ck_assert_str_eq(call("lquantize", (struct dc_arg[]){ i, k, k }, 3, NULL),
	    "ok");
	ck_assert_str_eq(call("lquantize", (struct dc_arg[]){ i, i, k }, 3,
	    &argno), "D_PROTO_ARG");
	ck_assert_int_eq(argno, 2);
	ck_assert_str_eq(call("stack", &k, 1, NULL), "ok");
	ck_assert_str_eq(call("ustack", (struct dc_arg[]){ k, k, k }, 3, NULL),
	    "D_PROTO_LEN");
	ck_assert_str_eq(call("inet_ntop", (struct dc_arg[]){ k, thr }, 2, NULL),
	    "ok");
}
END_TEST

/* ---- corpus ---------------------------------------------------------- */

/* Top-level struct/union/enum definitions of a D source: text from a
   line-initial keyword to its closing brace.  Comments, strings and
   character literals are skipped while counting braces.  Returns the
   number found (at most max), each a malloc'd string. */
static size_t
extract_decls(const char *src, char **out, size_t max)
{
	size_t n = 0;
	int depth = 0;
	const char *p = src;

	while (*p != '\0') {
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		if (*p == '"' || *p == '\'') {
			char q = *p++;

			while (*p != '\0' && *p != q && *p != '\n')
				p += (p[0] == '\\' && p[1] != '\0') ? 2 : 1;
			if (*p != '\0')
				p++;
			continue;
		}
		if (depth == 0 && (p == src || p[-1] == '\n') &&
		    (strncmp(p, "struct", 6) == 0 || strncmp(p, "union", 5) == 0 ||
		    strncmp(p, "enum", 4) == 0)) {
			const char *brace = strpbrk(p, "{;");

			if (brace != NULL && *brace == '{') {
				const char *e = brace;
				int d = 0;

				do {
					if (*e == '{')
						d++;
					else if (*e == '}')
						d--;
					e++;
				} while (*e != '\0' && d > 0);
				if (d == 0 && n < max)
					out[n++] = strndup(p, (size_t)(e - p));
				p = e;
				continue;
			}
		}
		if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		p++;
	}
	return n;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1)) != NULL) {
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/*
 * Corpus files whose declarations need the target's types, which this
 * library represents only symbolically (docs/d-types.md): they embed
 * kernel structs by value or name illumos-only typedefs.
 */
static const char *const needs_target_types[] = {
	"tst.complex.d",	/* struct vnode, union sigval by value */
	"tst.selfarray2.d",	/* illumos thread_t */
};

static bool
excluded(const char *name)
{
	for (size_t i = 0; i < sizeof(needs_target_types) /
	    sizeof(needs_target_types[0]); i++)
		if (strcmp(name, needs_target_types[i]) == 0)
			return true;
	return false;
}

/* Run one corpus file's declarations; 1 if it was a verified case. */
static int
corpus_file(const char *dir, const char *name, char *report, size_t rlen)
{
	char path[2048], *decls[32], expect[64] = "";
	size_t nd;
	char *src;
	const char *failed_tag = NULL;
	int verified = 0;

	if (excluded(name))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	src = slurp(path);
	if (src == NULL)
		return 0;
	nd = extract_decls(src, decls, 32);
	free(src);
	if (strncmp(name, "err.", 4) == 0)
		sscanf(name + 4, "%63[^.]", expect);
	struct dc_typesys *fts = dc_typesys__new(NULL);

	for (size_t i = 0; i < nd; i++) {
		struct dc_terr err = { 0 };

		if (failed_tag == NULL && dc_typesys__parse(fts, decls[i],
		    strlen(decls[i]), &err) == NULL)
			failed_tag = err.tag;
		free(decls[i]);
	}
	dc_typesys__free(fts);
	if (nd == 0)
		return 0;
	if (expect[0] == '\0' && strncmp(name, "tst.", 4) == 0) {
		if (failed_tag != NULL)
			snprintf(report + strlen(report), rlen - strlen(report),
			    " %s:%s", name, failed_tag);
		verified = 1;
	} else if (expect[0] != '\0' && failed_tag != NULL) {
		if (strcmp(failed_tag, expect) != 0)
			snprintf(report + strlen(report), rlen - strlen(report),
			    " %s:%s", name, failed_tag);
		verified = 1;
	}
	return verified;
}

/* ASSERTION: the struct/union/enum definitions of the Sun corpus parse, or fail with the tag the test file names. */
START_TEST(corpus_declarations)
{
	char base[1024], report[4096] = "";
	DIR *top;
	struct dirent *de;
	int verified = 0;

	if (corpus_dir == NULL)
		return;
	snprintf(base, sizeof(base), "%s/sun/tst/common", corpus_dir);
	top = opendir(base);
	if (top == NULL) {
		fprintf(stderr, "corpus %s not found: corpus case skipped\n", base);
		return;
	}
	while ((de = readdir(top)) != NULL) {
		char sub[1536];
		DIR *d;
		struct dirent *fe;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", base, de->d_name);
		d = opendir(sub);
		if (d == NULL)
			continue;
		while ((fe = readdir(d)) != NULL) {
			size_t l = strlen(fe->d_name);

			if (l > 2 && strcmp(fe->d_name + l - 2, ".d") == 0)
				verified += corpus_file(sub, fe->d_name, report,
				    sizeof(report));
		}
		closedir(d);
	}
	closedir(top);
	ck_assert_msg(report[0] == '\0', "mismatches:%s", report);
	ck_assert_msg(verified >= 40, "only %d corpus files verified", verified);
	fprintf(stderr, "corpus declarations: %d files verified\n", verified);
}
END_TEST

static Suite *
types_suite(void)
{
	Suite *s = suite_create("compiler-types");
	struct { const char *name; const TTest *fn; } cases[] = {
		{ "layout_plain", layout_plain },
		{ "layout_bitfields", layout_bitfields },
		{ "layout_unnamed_bitfields", layout_unnamed_bitfields },
		{ "layout_anonymous", layout_anonymous },
		{ "layout_union_enum_nested", layout_union_enum_nested },
		{ "intrinsic_sizes", intrinsic_sizes },
		{ "arith_conversions", arith_conversions },
		{ "cast_legality", cast_legality },
		{ "comparison_compat", comparison_compat },
		{ "assignment_compat", assignment_compat },
		{ "pointer_arith", pointer_arith },
		{ "classification", classification },
		{ "stringof_rules", stringof_rules },
		{ "dif_type_records", dif_type_records },
		{ "name_roundtrip", name_roundtrip },
		{ "lookups", lookups },
		{ "offsetof_rules", offsetof_rules },
		{ "sizeof_rules", sizeof_rules },
		{ "symbolic_types", symbolic_types },
		{ "deref_rules", deref_rules },
		{ "member_errors", member_errors },
		{ "decl_specifier_tags", decl_specifier_tags },
		{ "decl_array_tags", decl_array_tags },
		{ "decl_bitfield_tags", decl_bitfield_tags },
		{ "decl_member_tags", decl_member_tags },
		{ "decl_enum_tags", decl_enum_tags },
		{ "decl_typedef_tags", decl_typedef_tags },
		{ "constant_expressions", constant_expressions },
		{ "decl_proto_tags", decl_proto_tags },
		{ "derive_steps", derive_steps },
		{ "decl_var_tags", decl_var_tags },
		{ "int_literal_types", int_literal_types },
		{ "builtin_vars", builtin_vars },
		{ "builtin_funcs", builtin_funcs },
		{ "builtin_arg_checks", builtin_arg_checks },
		{ "corpus_declarations", corpus_declarations },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, cases[i].fn);
		suite_add_tcase(s, tc);
	}
	return s;
}

int
main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	corpus_dir = argc > 1 ? argv[1] : NULL;
	sr = srunner_create(types_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
