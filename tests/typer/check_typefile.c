/*
 * check_typefile.c — Check suite for typer/typefile*.c.
 *
 * The typefiles under test are built from headers/ by meson (ELF objects
 * with .BTF and raw BTF dumps); the truth they are compared with is what
 * gcc computes from the same headers (layout_rows.c tables, and for
 * bit-fields a runtime scan of features.h's struct feat_bits).  Malformed
 * inputs are made in a temporary directory from the good files.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "typ_typefile.h"
#include "layout.h"
#include "headers/features.h"

static const char *tf_path(const char *name, const char *ext)
{
	static char buf[8][1024];
	static int next;
	char *b = buf[next++ % 8];
	snprintf(b, sizeof(buf[0]), "%s/tf_%s%s", TYPEFILE_DIR, name, ext);
	return b;
}

static struct typ_file *open_ok(const char *name, const char *ext)
{
	struct typ_file *tf = NULL;
	struct typ_err err = { "" };
	int rc = typ_file__open(tf_path(name, ext), &tf, &err);
	ck_assert_msg(rc == 0, "open %s%s: %d %s", name, ext, rc, err.msg);
	return tf;
}

static typ_id_t lookup_ok(struct typ_file *tf, const char *cname)
{
	struct typ_err err = { "" };
	int64_t id = typ_file__lookup(tf, cname, &err);
	ck_assert_msg(id >= 0, "lookup '%s': %s", cname, err.msg);
	return (typ_id_t)id;
}

static const char *spelled(struct typ_file *tf, typ_id_t id)
{
	static char buf[4][256];
	static int next;
	char *b = buf[next++ % 4];
	ck_assert_int_eq(typ_file__to_string(tf, id, b, sizeof(buf[0])), 0);
	return b;
}

/* --- layouts against the compiler ------------------------------------ */

struct layout_case {
	const char *name;
	const char *ext;
	const struct layout_row *rows;
	const size_t *count;
};

static const struct layout_case layout_cases[] = {
	{ "freebsd_a", ".o", layout_freebsd_a, &layout_freebsd_a_count },
	{ "freebsd_a", ".btf", layout_freebsd_a, &layout_freebsd_a_count },
	{ "freebsd_b", ".o", layout_freebsd_b, &layout_freebsd_b_count },
	{ "freebsd_b", ".btf", layout_freebsd_b, &layout_freebsd_b_count },
	{ "linux", ".o", layout_linux, &layout_linux_count },
	{ "linux", ".btf", layout_linux, &layout_linux_count },
	{ "features", ".o", layout_features, &layout_features_count },
	{ "features", ".btf", layout_features, &layout_features_count },
};

/* ASSERTION: every member offset, member size, type size and alignment matches gcc's. */
START_TEST(test_layout_matches_compiler)
{
	const struct layout_case *lc = &layout_cases[_i];
	struct typ_file *tf = open_ok(lc->name, lc->ext);
	struct typ_err err = { "" };

	ck_assert_uint_gt(*lc->count, 10);
	for (size_t i = 0; i < *lc->count; i++) {
		const struct layout_row *r = &lc->rows[i];
		typ_id_t id = lookup_ok(tf, r->type);
		struct typ_access acc;
		int rc = typ_file__member_path(tf, id, r->path, &acc, &err);
		ck_assert_msg(rc == 0, "%s %s.%s: %s", lc->name, r->type, r->path, err.msg);
		ck_assert_msg(acc.bit_offset == r->bit_offset, "%s %s.%s: bit offset %llu, gcc %zu",
			      lc->name, r->type, r->path, (unsigned long long)acc.bit_offset,
			      r->bit_offset);
		ck_assert_msg(acc.size == r->member_size, "%s %s.%s: size %llu, gcc %zu", lc->name,
			      r->type, r->path, (unsigned long long)acc.size, r->member_size);
		ck_assert_int_eq(acc.bitfield_size, 0);
		ck_assert_int_eq(typ_file__size(tf, id), (int64_t)r->type_size);
		ck_assert_msg(typ_file__align(tf, id) == (int64_t)r->type_align, "%s %s: align %lld, gcc %zu",
			      lc->name, r->type, (long long)typ_file__align(tf, id), r->type_align);
	}
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: the two FreeBSD layouts really differ, so one table cannot pass both. */
START_TEST(test_layouts_differ)
{
	struct typ_file *a = open_ok("freebsd_a", ".o"), *b = open_ok("freebsd_b", ".o");
	struct typ_access xa, xb;

	ck_assert_int_eq(typ_file__member_path(a, lookup_ok(a, "struct thread"), "td_tid", &xa, NULL), 0);
	ck_assert_int_eq(typ_file__member_path(b, lookup_ok(b, "struct thread"), "td_tid", &xb, NULL), 0);
	ck_assert_uint_ne(xa.bit_offset, xb.bit_offset);
	ck_assert_int_ne(typ_file__size(a, lookup_ok(a, "struct proc")),
			 typ_file__size(b, lookup_ok(b, "struct proc")));
	typ_file__free(a);
	typ_file__free(b);
}
END_TEST

/* --- bit-fields ------------------------------------------------------ */

/* Where gcc put a bit-field: set it to all ones in a zeroed struct, scan. */
static void bits_of(const unsigned char *p, size_t n, unsigned *first, unsigned *count)
{
	*first = 0;
	*count = 0;
	for (unsigned bit = 0; bit < n * 8; bit++) {
		if (p[bit / 8] & (1u << (bit % 8))) {
			if (*count == 0)
				*first = bit;
			(*count)++;
		}
	}
}

#define BITFIELD_TRUTH(field, ones, first, count) do { \
	struct feat_bits fb_; \
	memset(&fb_, 0, sizeof(fb_)); \
	fb_.field = (ones); \
	bits_of((const unsigned char *)&fb_, sizeof(fb_), (first), (count)); \
} while (0)

static void check_bitfield(struct typ_file *tf, const char *member, unsigned first,
			   unsigned count, bool is_signed, uint8_t load_size)
{
	struct typ_access acc;
	struct typ_err err = { "" };
	typ_id_t id = lookup_ok(tf, "struct feat_bits");

	ck_assert_msg(typ_file__member_path(tf, id, member, &acc, &err) == 0, "%s", err.msg);
	ck_assert_msg(acc.bit_offset == first, "%s: bit %llu, gcc %u", member,
		      (unsigned long long)acc.bit_offset, first);
	ck_assert_msg(acc.bitfield_size == count, "%s: %u bits, gcc %u", member,
		      acc.bitfield_size, count);
	ck_assert_int_eq(acc.load.is_signed, is_signed);
	ck_assert_int_eq(acc.load.size, load_size);
	ck_assert_int_eq(acc.size, 0);
}

/* ASSERTION: bit-field offsets and widths match gcc, with the declared type's signedness. */
START_TEST(test_bitfields)
{
	struct typ_file *tf = open_ok("features", _i ? ".btf" : ".o");
	unsigned first, count;

	BITFIELD_TRUTH(low, 7, &first, &count);
	check_bitfield(tf, "low", first, count, false, 4);
	BITFIELD_TRUTH(mid, 0x1ff, &first, &count);
	check_bitfield(tf, "mid", first, count, false, 4);
	BITFIELD_TRUTH(neg, -1, &first, &count);
	check_bitfield(tf, "neg", first, count, true, 4);
	BITFIELD_TRUTH(wide, 0xffffffffffULL, &first, &count);
	check_bitfield(tf, "wide", first, count, false, 8);
	BITFIELD_TRUTH(flag, 1, &first, &count);
	check_bitfield(tf, "flag", first, count, false, 1);
	ck_assert_int_eq(count, 1);
	typ_file__free(tf);
}
END_TEST

/* --- anonymous members, typedefs, enums, arrays, forwards ------------- */

/* ASSERTION: anonymous members are listed with an empty name and searched through. */
START_TEST(test_anonymous_members)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t id = lookup_ok(tf, "struct feat_anon");
	struct typ_member m;
	struct typ_info ti;
	int anon = 0;

	for (uint32_t i = 0; typ_file__member(tf, id, i, &m) == 0; i++)
		anon += m.name[0] == '\0';
	ck_assert_int_eq(anon, 2);
	ck_assert_int_eq(typ_file__member(tf, id, 1, &m), 0);
	ck_assert_int_eq(typ_file__info(tf, m.type, &ti), 0);
	ck_assert_int_eq(ti.kind, TYP_UNION);
	ck_assert_str_eq(ti.name, "");
	ck_assert_int_eq(typ_file__member(tf, id, 99, &m), -ENOENT);
	struct typ_access acc;
	ck_assert_int_eq(typ_file__member_path(tf, id, "hi_half", &acc, NULL), 0);
	ck_assert_uint_eq(acc.bit_offset, offsetof(struct feat_anon, hi_half) * 8);
	ck_assert_int_eq(acc.load.kind, TYP_LOAD_S16);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a typedef -> typedef -> const -> typedef chain resolves to unsigned int. */
START_TEST(test_typedef_chain)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t id = lookup_ok(tf, "feat_chain");
	struct typ_info ti;
	int64_t r = typ_file__resolve(tf, id);

	ck_assert_int_gt(r, 0);
	ck_assert_int_eq(typ_file__info(tf, (typ_id_t)r, &ti), 0);
	ck_assert_int_eq(ti.kind, TYP_INT);
	ck_assert_str_eq(ti.name, "unsigned int");
	ck_assert(!ti.is_signed);
	ck_assert_int_eq(typ_file__size(tf, id), 4);
	ck_assert_str_eq(spelled(tf, id), "feat_chain");
	ck_assert_int_eq(typ_file__info(tf, id, &ti), 0);
	ck_assert_int_eq(ti.kind, TYP_TYPEDEF);
	ck_assert_str_eq(spelled(tf, ti.ref), "feat_level2");
	typ_file__info(tf, ti.ref, &ti);
	ck_assert_str_eq(spelled(tf, ti.ref), "const feat_level1");
	struct typ_load load;
	ck_assert_int_eq(typ_file__load_kind(tf, id, &load), 0);
	ck_assert_int_eq(load.kind, TYP_LOAD_U32);
	typ_file__free(tf);
}
END_TEST

static int64_t enumerator_value(struct typ_file *tf, typ_id_t id, const char *name)
{
	struct typ_enumerator e;
	for (uint32_t i = 0; typ_file__enumerator(tf, id, i, &e) == 0; i++)
		if (strcmp(e.name, name) == 0)
			return e.value;
	ck_abort_msg("no enumerator %s", name);
	return 0;
}

/* ASSERTION: enumerators, enum sizes and signedness come out as the compiler declared them. */
START_TEST(test_enums)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t color = lookup_ok(tf, "enum feat_color");
	typ_id_t neg = lookup_ok(tf, "enum feat_neg");
	typ_id_t wide = lookup_ok(tf, "enum feat_wide");

	ck_assert_int_eq(enumerator_value(tf, color, "FEAT_RED"), FEAT_RED);
	ck_assert_int_eq(enumerator_value(tf, color, "FEAT_GREEN"), FEAT_GREEN);
	ck_assert_int_eq(enumerator_value(tf, color, "FEAT_BLUE"), FEAT_BLUE);
	ck_assert_int_eq(enumerator_value(tf, neg, "FEAT_MINUS"), FEAT_MINUS);
	ck_assert_int_eq(typ_file__size(tf, color), sizeof(enum feat_color));
	ck_assert_int_eq(typ_file__size(tf, wide), sizeof(enum feat_wide));
	/* gcc 12 drops enumerators wider than 32 bits from BTF; see test_enum64. */
	struct typ_info ti;
	typ_file__info(tf, neg, &ti);
	ck_assert(ti.is_signed);
	typ_file__info(tf, color, &ti);
	ck_assert(!ti.is_signed);
	struct typ_load load;
	ck_assert_int_eq(typ_file__load_kind(tf, wide, &load), 0);
	ck_assert_int_eq(load.size, 8);
	ck_assert_str_eq(spelled(tf, color), "enum feat_color");
	struct typ_enumerator e;
	ck_assert_int_eq(typ_file__enumerator(tf, lookup_ok(tf, "struct feat_bits"), 0, &e), -EINVAL);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: arrays have element counts and sizes; missing array types are synthesised once. */
START_TEST(test_arrays)
{
	struct typ_file *tf = open_ok("freebsd_a", ".o");
	uint32_t n = typ_file__type_count(tf);
	typ_id_t existing = lookup_ok(tf, "char [20]");
	struct typ_info ti;

	ck_assert_uint_lt(existing, n);	/* td_name's type, not a new one */
	ck_assert_int_eq(typ_file__info(tf, existing, &ti), 0);
	ck_assert_int_eq(ti.kind, TYP_ARRAY);
	ck_assert_int_eq(ti.nelems, 20);
	typ_id_t grid = lookup_ok(tf, "int [2][3]");
	ck_assert_uint_ge(grid, n);
	ck_assert_int_eq(typ_file__size(tf, grid), sizeof(int[2][3]));
	ck_assert_str_eq(spelled(tf, grid), "int [2][3]");
	ck_assert_uint_eq(lookup_ok(tf, "int [2][3]"), grid);
	ck_assert_int_eq(typ_file__info(tf, grid, &ti), 0);
	ck_assert(ti.is_synthetic);
	struct typ_load load;
	ck_assert_int_eq(typ_file__load_kind(tf, grid, &load), 0);
	ck_assert_int_eq(load.kind, TYP_LOAD_BYREF);
	struct typ_access acc;
	struct typ_err err = { "" };
	typ_id_t th = lookup_ok(tf, "struct thread");
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_name[20]", &acc, &err), -ERANGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "out of bounds"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_tid[0]", &acc, &err), -EINVAL);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a forward declaration is found by name, has no size, and cannot be walked. */
START_TEST(test_forward_declarations)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t fwd = lookup_ok(tf, "struct feat_opaque");
	typ_id_t ufwd = lookup_ok(tf, "union feat_undef");
	struct typ_info ti;
	struct typ_access acc;
	struct typ_err err = { "" };

	ck_assert_int_eq(typ_file__info(tf, fwd, &ti), 0);
	ck_assert_int_eq(ti.kind, TYP_FWD);
	ck_assert(!ti.fwd_is_union);
	typ_file__info(tf, ufwd, &ti);
	ck_assert(ti.fwd_is_union);
	ck_assert_int_eq(typ_file__size(tf, fwd), -EINVAL);
	ck_assert_int_eq(typ_file__member_path(tf, fwd, "x", &acc, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "only declared"));
	ck_assert_str_eq(spelled(tf, fwd), "struct feat_opaque");
	struct typ_load load;
	typ_file__load_kind(tf, fwd, &load);
	ck_assert_int_eq(load.kind, TYP_LOAD_NONE);
	typ_file__free(tf);
}
END_TEST

/* --- names and spelling ---------------------------------------------- */

/* ASSERTION: C type names in any standard spelling find the file's types. */
START_TEST(test_c_names)
{
	struct typ_file *tf = open_ok("freebsd_a", ".o");
	struct typ_info ti;

	typ_id_t ui = lookup_ok(tf, "unsigned int");
	ck_assert_uint_eq(lookup_ok(tf, "unsigned"), ui);
	ck_assert_uint_eq(lookup_ok(tf, "int unsigned"), ui);
	ck_assert_uint_lt(ui, typ_file__type_count(tf));
	ck_assert_uint_eq(lookup_ok(tf, "long unsigned int"), lookup_ok(tf, "unsigned long"));
	typ_id_t pid = lookup_ok(tf, "pid_t");
	typ_file__info(tf, pid, &ti);
	ck_assert_int_eq(ti.kind, TYP_TYPEDEF);
	typ_id_t pp = lookup_ok(tf, "struct proc *");
	ck_assert_uint_lt(pp, typ_file__type_count(tf));	/* td_proc's pointer type */
	ck_assert_str_eq(spelled(tf, pp), "struct proc *");
	ck_assert_uint_eq(lookup_ok(tf, "  struct   proc*"), pp);
	typ_id_t ppp = lookup_ok(tf, "struct proc **");
	ck_assert_str_eq(spelled(tf, ppp), "struct proc **");
	ck_assert_str_eq(spelled(tf, lookup_ok(tf, "const char *")), "const char *");
	ck_assert_str_eq(spelled(tf, lookup_ok(tf, "char *const")), "char *const");
	ck_assert_str_eq(spelled(tf, lookup_ok(tf, "long long unsigned int")), "unsigned long long");
	ck_assert_str_eq(spelled(tf, lookup_ok(tf, "char")), "char");
	ck_assert_int_eq(typ_file__size(tf, lookup_ok(tf, "unsigned long long")), 8);
	ck_assert_int_eq(typ_file__size(tf, lookup_ok(tf, "short")), 2);
	ck_assert_uint_eq(lookup_ok(tf, "void"), 0);
	ck_assert_str_eq(spelled(tf, lookup_ok(tf, "void *")), "void *");
	typ_id_t ids[4];
	ck_assert_int_eq(typ_file__find(tf, TYP_NS_STRUCT, "thread", ids, 4), 1);
	ck_assert_int_eq(typ_file__find(tf, TYP_NS_UNION, "thread", ids, 4), 0);
	struct typ_err err = { "" };
	ck_assert_int_eq(typ_file__lookup(tf, "struct", &err), -EINVAL);
	ck_assert_int_eq(typ_file__lookup(tf, "int int", &err), -EINVAL);
	ck_assert_int_eq(typ_file__lookup(tf, "unsigned signed", &err), -EINVAL);
	ck_assert_int_eq(typ_file__lookup(tf, "char [x]", &err), -EINVAL);
	ck_assert_int_eq(typ_file__lookup(tf, "pid_t pid_t", &err), -EINVAL);
	ck_assert_int_eq(typ_file__lookup(tf, "int (*)(void)", &err), -EINVAL);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: derived types spell as C declarations, including function pointers. */
START_TEST(test_to_string)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t misc = lookup_ok(tf, "struct feat_misc");
	static const char *const expect[][2] = {
		{ "callback", "int (*)(int, const char *, ...)" },
		{ "table", "void (*[4])(void)" },
		{ "const_ptr", "char *const" },
		{ "ptr_to_const", "const char *" },
		{ "cv", "volatile const int" },	/* gcc emits volatile(const(int)) */
		{ "self", "struct feat_misc *" },
		{ "ld", "long double" },
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		struct typ_access acc;
		ck_assert_int_eq(typ_file__member_path(tf, misc, expect[i][0], &acc, NULL), 0);
		ck_assert_str_eq(spelled(tf, acc.type), expect[i][1]);
	}
	char small[4];
	ck_assert_int_eq(typ_file__to_string(tf, misc, small, sizeof(small)), -ENOSPC);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: global variables are found by name and spell as declarations. */
START_TEST(test_variables)
{
	struct typ_file *tf = open_ok("freebsd_a", ".o");
	typ_id_t ids[2];
	struct typ_info ti;

	ck_assert_int_eq(typ_file__find(tf, TYP_NS_VAR, "tf_thread", ids, 2), 1);
	ck_assert_int_eq(typ_file__info(tf, ids[0], &ti), 0);
	ck_assert_int_eq(ti.kind, TYP_VAR);
	ck_assert_uint_eq(ti.ref, lookup_ok(tf, "struct thread"));
	ck_assert_str_eq(spelled(tf, ids[0]), "struct thread tf_thread");
	ck_assert_int_eq(typ_file__size(tf, ids[0]), typ_file__size(tf, ti.ref));
	ck_assert_int_eq(typ_file__find(tf, TYP_NS_VAR, "no_such_var", ids, 2), 0);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: load kinds follow size and signedness; aggregates load by reference. */
START_TEST(test_load_kinds)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t misc = lookup_ok(tf, "struct feat_misc");
	static const struct { const char *m; enum typ_load_kind k; } expect[] = {
		{ "b", TYP_LOAD_U8 }, { "c", TYP_LOAD_S8 }, { "sc", TYP_LOAD_S8 },
		{ "uc", TYP_LOAD_U8 }, { "s", TYP_LOAD_S16 }, { "us", TYP_LOAD_U16 },
		{ "l", TYP_LOAD_S64 }, { "ul", TYP_LOAD_U64 }, { "ll", TYP_LOAD_S64 },
		{ "ull", TYP_LOAD_U64 }, { "self", TYP_LOAD_U64 }, { "callback", TYP_LOAD_U64 },
		{ "table", TYP_LOAD_BYREF }, { "ld", TYP_LOAD_BYREF }, { "d", TYP_LOAD_U64 },
		{ "chained", TYP_LOAD_U32 }, { "cv", TYP_LOAD_S32 },
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		struct typ_access acc;
		ck_assert_int_eq(typ_file__member_path(tf, misc, expect[i].m, &acc, NULL), 0);
		ck_assert_msg(acc.load.kind == expect[i].k, "%s: load %d, want %d", expect[i].m,
			      acc.load.kind, expect[i].k);
	}
	struct typ_load load;
	ck_assert_int_eq(typ_file__load_kind(tf, misc, &load), 0);
	ck_assert_int_eq(load.kind, TYP_LOAD_BYREF);
	ck_assert_int_eq(typ_file__load_kind(tf, 0, &load), 0);
	ck_assert_int_eq(load.kind, TYP_LOAD_NONE);
	typ_file__free(tf);
}
END_TEST

/* --- missing names --------------------------------------------------- */

/* ASSERTION: unknown types and members fail with the file named and a near-name suggestion. */
START_TEST(test_missing_names_suggest)
{
	struct typ_file *tf = open_ok("freebsd_b", ".o");
	struct typ_err err = { "" };
	struct typ_access acc;

	ck_assert_int_eq(typ_file__lookup(tf, "struct thred", &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "did you mean 'struct thread'"));
	ck_assert_ptr_nonnull(strstr(err.msg, tf_path("freebsd_b", ".o")));
	ck_assert_int_eq(typ_file__lookup(tf, "pdi_t", &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "did you mean 'pid_t'"));
	ck_assert_int_eq(typ_file__lookup(tf, "struct zzzzzzzzzz", &err), -ENOENT);
	ck_assert_ptr_null(strstr(err.msg, "did you mean"));
	typ_id_t th = lookup_ok(tf, "struct thread");
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_nmae", &acc, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "struct thread has no member 'td_nmae'; did you mean 'td_name'?"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_sigstk.ss_szie", &acc, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "'ss_size'"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_proc.p_pid", &acc, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "use '->' to go through a pointer"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_name..x", &acc, &err), -EINVAL);
	ck_assert_int_eq(typ_file__member_path(tf, th, "", &acc, &err), -EINVAL);
	ck_assert_str_eq(typ_file__near_member(tf, th, "td_uncred"), "td_ucred");
	ck_assert_ptr_null(typ_file__near_member(tf, th, "completely_else"));
	ck_assert_int_eq(typ_file__member_path(tf, lookup_ok(tf, "pid_t"), "x", &acc, &err), -EINVAL);
	typ_file__free(tf);
}
END_TEST

/* --- malformed files ------------------------------------------------- */

static char tmpdir[64];

static void setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_typefile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown_tmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*len ? *len : 1);
	ck_assert_uint_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static const char *spill(const char *name, const void *data, size_t len)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static void expect_reject(const char *path, int rc_want, const char *needle)
{
	struct typ_file *tf = (struct typ_file *)1;
	struct typ_err err = { "" };
	int rc = typ_file__open(path, &tf, &err);
	ck_assert_msg(rc == rc_want, "%s: rc %d, want %d (%s)", path, rc, rc_want, err.msg);
	ck_assert_ptr_null(tf);
	ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
	ck_assert_msg(strstr(err.msg, path) != NULL, "message '%s' does not name the file", err.msg);
}

/* ASSERTION: garbage, empty and missing files are refused with a message naming the file. */
START_TEST(test_reject_garbage)
{
	expect_reject(spill("garbage", "hello, world", 12), -EINVAL, "not a typefile");
	expect_reject(spill("empty", "", 0), -EINVAL, "empty");
	char missing[300];
	snprintf(missing, sizeof(missing), "%s/does-not-exist", tmpdir);
	expect_reject(missing, -ENOENT, "cannot open");
}
END_TEST

/* ASSERTION: truncated raw BTF (in the header, in the types) is refused. */
START_TEST(test_reject_truncated)
{
	size_t len;
	unsigned char *raw = slurp(tf_path("freebsd_a", ".btf"), &len);
	ck_assert_uint_gt(len, 100);
	expect_reject(spill("trunc10", raw, 10), -EINVAL, "truncated BTF");
	expect_reject(spill("trunc_half", raw, len / 2), -EINVAL, "invalid BTF");
	expect_reject(spill("trunc_last", raw, len - 1), -EINVAL, "invalid BTF");
	free(raw);
}
END_TEST

/* ASSERTION: an ELF file without .BTF is refused and the message says what is missing. */
START_TEST(test_reject_elf_without_btf)
{
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	expect_reject(exe, -ENOENT, "no .BTF section");
	size_t len;
	unsigned char *elf = slurp(tf_path("linux", ".o"), &len);
	expect_reject(spill("elf_trunc", elf, 64), -EINVAL, "ELF");
	free(elf);
}
END_TEST

/* Open BTF built with libbpf's writer (cases gcc 12 cannot produce). */
static struct typ_file *open_built(struct btf *b, int rc_want, struct typ_err *err)
{
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	struct typ_file *tf = NULL;
	ck_assert_ptr_nonnull(raw);
	int rc = typ_file__open_mem(raw, size, "built", &tf, err);
	ck_assert_msg(rc == rc_want, "rc %d, want %d: %s", rc, rc_want, err->msg);
	btf__free(b);
	return tf;
}

/* ASSERTION: a type record pointing past the last type id is refused at open. */
START_TEST(test_reject_bad_type_ref)
{
	struct btf *b = btf__new_empty();
	struct typ_err err = { "" };
	ck_assert_int_gt(btf__add_int(b, "int", 4, BTF_INT_SIGNED), 0);
	ck_assert_int_gt(btf__add_ptr(b, 60000), 0);
	ck_assert_ptr_null(open_built(b, -EINVAL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "built: type id 2 refers to a target type id 60000"));
}
END_TEST

/* ASSERTION: cyclic typedefs and self-containing structs fail with -ELOOP, not a hang. */
START_TEST(test_cycles_bounded)
{
	struct btf *b = btf__new_empty();
	struct typ_err err = { "" };
	ck_assert_int_eq(btf__add_typedef(b, "loop_a", 2), 1);
	ck_assert_int_eq(btf__add_typedef(b, "loop_b", 1), 2);
	ck_assert_int_eq(btf__add_struct(b, "selfish", 8), 3);
	ck_assert_int_eq(btf__add_field(b, "me", 3, 0, 0), 0);
	struct typ_file *tf = open_built(b, 0, &err);
	ck_assert_ptr_nonnull(tf);
	ck_assert_int_eq(typ_file__resolve(tf, 1), -ELOOP);
	ck_assert_int_eq(typ_file__size(tf, 2), -ELOOP);
	ck_assert_int_eq(typ_file__align(tf, 3), -ELOOP);
	struct typ_load load;
	ck_assert_int_eq(typ_file__load_kind(tf, 1, &load), -ELOOP);
	struct typ_access acc;
	ck_assert_int_eq(typ_file__member_path(tf, 1, "x", &acc, &err), -ELOOP);
	ck_assert_int_eq(typ_file__member_path(tf, 3, "me.me.me", &acc, &err), 0);
	ck_assert_str_eq(spelled(tf, 1), "loop_a");
	typ_id_t ids[] = { 1, 3 };
	void *data;
	size_t size;
	ck_assert_int_eq(typ_file__min_btf(tf, ids, 2, NULL, &data, &size, &err), 0);
	free(data);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: walks that branch (anonymous members, alignment, spelling) stay bounded. */
START_TEST(test_branching_bounded)
{
	struct btf *b = btf__new_empty();
	struct typ_err err = { "" };
	/* Level k (ids 1..40) holds two anonymous members of level k+1; id 41 is int. */
	for (int k = 1; k <= 40; k++) {
		ck_assert_int_eq(btf__add_struct(b, k == 1 ? "top" : "", 8), k);
		ck_assert_int_eq(btf__add_field(b, "", k + 1, 0, 0), 0);
		ck_assert_int_eq(btf__add_field(b, "", k + 1, 0, 0), 0);
	}
	ck_assert_int_eq(btf__add_int(b, "int", 4, BTF_INT_SIGNED), 41);
	/* A prototype whose 3 parameters point back to itself. */
	ck_assert_int_eq(btf__add_ptr(b, 43), 42);
	ck_assert_int_eq(btf__add_func_proto(b, 42), 43);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(btf__add_func_param(b, "", 42), 0);
	struct typ_file *tf = open_built(b, 0, &err);
	struct typ_access acc;
	ck_assert_int_eq(typ_file__member_path(tf, 1, "nosuch", &acc, &err), -ENOENT);
	ck_assert_int_lt(typ_file__align(tf, 1), 0);
	char buf[256];
	ck_assert_int_lt(typ_file__to_string(tf, 42, buf, sizeof(buf)), 0);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: 64-bit enums keep their values and signedness. */
START_TEST(test_enum64)
{
	struct btf *b = btf__new_empty();
	struct typ_err err = { "" };
	ck_assert_int_eq(btf__add_enum64(b, "big", 8, false), 1);
	ck_assert_int_eq(btf__add_enum64_value(b, "BIG_HUGE", 0x1234567890ULL), 0);
	ck_assert_int_eq(btf__add_enum64_value(b, "BIG_TOP", 0xffffffffffffffffULL), 0);
	ck_assert_int_eq(btf__add_enum64(b, "sbig", 8, true), 2);
	ck_assert_int_eq(btf__add_enum64_value(b, "SBIG_NEG", (uint64_t)-5LL), 0);
	struct typ_file *tf = open_built(b, 0, &err);
	typ_id_t big = lookup_ok(tf, "enum big"), sbig = lookup_ok(tf, "enum sbig");
	ck_assert_int_eq(enumerator_value(tf, big, "BIG_HUGE"), 0x1234567890LL);
	ck_assert_uint_eq((uint64_t)enumerator_value(tf, big, "BIG_TOP"), 0xffffffffffffffffULL);
	ck_assert_int_eq(enumerator_value(tf, sbig, "SBIG_NEG"), -5);
	struct typ_load load;
	typ_file__load_kind(tf, big, &load);
	ck_assert_int_eq(load.kind, TYP_LOAD_U64);
	typ_file__load_kind(tf, sbig, &load);
	ck_assert_int_eq(load.kind, TYP_LOAD_S64);
	void *data;
	size_t size;
	typ_id_t ids[] = { big, sbig };
	ck_assert_int_eq(typ_file__min_btf(tf, ids, 2, NULL, &data, &size, &err), 0);
	struct typ_file *min = NULL;
	ck_assert_int_eq(typ_file__open_mem(data, size, "min", &min, &err), 0);
	ck_assert_int_eq(enumerator_value(min, lookup_ok(min, "enum big"), "BIG_HUGE"),
			 0x1234567890LL);
	typ_file__load_kind(min, lookup_ok(min, "enum sbig"), &load);
	ck_assert_int_eq(load.kind, TYP_LOAD_S64);
	typ_file__free(min);
	free(data);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: open_mem accepts the same bytes as open, and tags messages with the given name. */
START_TEST(test_open_mem)
{
	size_t len;
	unsigned char *raw = slurp(tf_path("linux", ".o"), &len);
	struct typ_file *tf = NULL;
	struct typ_err err = { "" };
	ck_assert_int_eq(typ_file__open_mem(raw, len, "mem-linux", &tf, &err), 0);
	ck_assert_str_eq(typ_file__path(tf), "mem-linux");
	lookup_ok(tf, "struct task_struct");
	ck_assert_ptr_nonnull(typ_file__btf(tf));
	typ_file__free(tf);
	ck_assert_int_eq(typ_file__open_mem(raw, 3, "mem-short", &tf, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "mem-short"));
	free(raw);
}
END_TEST

/* --- the running kernel's BTF ---------------------------------------- */

/* ASSERTION: /sys/kernel/btf/vmlinux opens and task_struct's members resolve (skipped if absent). */
START_TEST(test_vmlinux)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "test_vmlinux: %s not readable, skipped\n", path);
		return;
	}
	struct typ_file *tf = NULL;
	struct typ_err err = { "" };
	ck_assert_msg(typ_file__open(path, &tf, &err) == 0, "%s", err.msg);
	ck_assert_uint_gt(typ_file__type_count(tf), 10000);
	typ_id_t task = lookup_ok(tf, "struct task_struct");
	struct typ_access acc;
	ck_assert_msg(typ_file__member_path(tf, task, "pid", &acc, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(acc.load.kind, TYP_LOAD_S32);
	ck_assert_int_eq(typ_file__member_path(tf, task, "comm", &acc, &err), 0);
	ck_assert_str_eq(spelled(tf, acc.type), "char [16]");
	ck_assert_int_eq(typ_file__member_path(tf, task, "real_parent", &acc, &err), 0);
	ck_assert_str_eq(spelled(tf, acc.type), "struct task_struct *");
	ck_assert_int_eq(typ_profile__detect(tf), TYP_OS_LINUX);
	ck_assert_int_eq(typ_file__lookup(tf, "struct task_strct", &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "'struct task_struct'"));
	typ_file__free(tf);
}
END_TEST

/* --- target profiles ------------------------------------------------- */

/* ASSERTION: the target OS is detected from the types and built-ins get that OS's types. */
START_TEST(test_profiles)
{
	struct typ_file *fa = open_ok("freebsd_a", ".o"), *lx = open_ok("linux", ".btf");
	struct typ_file *ft = open_ok("features", ".o");
	const struct typ_profile *p;
	struct typ_err err = { "" };

	ck_assert_int_eq(typ_profile__detect(fa), TYP_OS_FREEBSD);
	ck_assert_int_eq(typ_profile__detect(lx), TYP_OS_LINUX);
	ck_assert_int_eq(typ_profile__detect(ft), TYP_OS_UNKNOWN);
	ck_assert_int_eq(typ_profile__parse("auto", fa, &p, &err), 0);
	ck_assert_str_eq(p->name, "freebsd");
	ck_assert_str_eq(spelled(fa, (typ_id_t)typ_profile__builtin_type(p, fa, "curthread", &err)),
			 "struct thread *");
	ck_assert_str_eq(spelled(fa, (typ_id_t)typ_profile__builtin_type(p, fa, "pid", &err)), "pid_t");
	ck_assert_str_eq(spelled(fa, (typ_id_t)typ_profile__builtin_type(p, fa, "uid", &err)), "uid_t");
	ck_assert_int_eq(typ_profile__builtin(p, "execname")->cls, TYP_BUILTIN_STRING);
	ck_assert_int_eq(typ_profile__builtin(p, "jailname")->var_id, 0x0123);
	ck_assert_int_eq(typ_profile__parse("auto", lx, &p, &err), 0);
	ck_assert_str_eq(p->name, "linux");
	ck_assert_str_eq(spelled(lx, (typ_id_t)typ_profile__builtin_type(p, lx, "curthread", &err)),
			 "struct task_struct *");
	/* tid is a pid_t on Linux. */
	ck_assert_str_eq(spelled(lx, (typ_id_t)typ_profile__builtin_type(p, lx, "tid", &err)), "pid_t");
	/* uint_t is not in linux.h: the fallback is used. */
	ck_assert_str_eq(spelled(lx, (typ_id_t)typ_profile__builtin_type(p, lx, "ipl", &err)),
			 "unsigned int");
	ck_assert_int_eq(typ_profile__builtin_type(p, lx, "jid", &err), -ENOTSUP);
	ck_assert_int_eq(typ_profile__builtin_type(p, lx, "nosuch", &err), -ENOENT);
	ck_assert_int_eq(typ_profile__parse("auto", ft, &p, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "name the target"));
	ck_assert_int_eq(typ_profile__parse("solaris", NULL, &p, &err), -EINVAL);
	ck_assert_int_eq(typ_profile__parse("linux", NULL, &p, &err), 0);
	/* The Linux profile on a FreeBSD file: curthread's struct is missing. */
	ck_assert_int_eq(typ_profile__builtin_type(p, fa, "curthread", &err), -ENOENT);
	typ_file__free(fa);
	typ_file__free(lx);
	typ_file__free(ft);
}
END_TEST

/* --- minimisation ---------------------------------------------------- */

static struct typ_file *reopen_min(struct typ_file *tf, const typ_id_t *ids, size_t n,
				   bool follow, void **data, size_t *size)
{
	struct typ_min_opts opts = { .follow_pointers = follow };
	struct typ_err err = { "" };
	struct typ_file *out = NULL;
	ck_assert_msg(typ_file__min_btf(tf, ids, n, &opts, data, size, &err) == 0, "%s", err.msg);
	ck_assert_msg(typ_file__open_mem(*data, *size, "min", &out, &err) == 0, "%s", err.msg);
	return out;
}

/* ASSERTION: a minimal typefile keeps the requested types' layouts and only declares pointees. */
START_TEST(test_min_keeps_layout)
{
	struct typ_file *tf = open_ok("freebsd_b", ".o");
	typ_id_t ids[] = { lookup_ok(tf, "struct thread"), lookup_ok(tf, "char [99]") };
	void *data;
	size_t size;
	struct typ_file *min = reopen_min(tf, ids, 2, false, &data, &size);

	ck_assert_uint_lt(typ_file__type_count(min), typ_file__type_count(tf));
	for (size_t i = 0; i < layout_freebsd_b_count; i++) {
		const struct layout_row *r = &layout_freebsd_b[i];
		if (strcmp(r->type, "struct thread") != 0)
			continue;
		struct typ_access acc;
		typ_id_t id = lookup_ok(min, "struct thread");
		ck_assert_int_eq(typ_file__member_path(min, id, r->path, &acc, NULL), 0);
		ck_assert_uint_eq(acc.bit_offset, r->bit_offset);
		ck_assert_uint_eq(acc.size, r->member_size);
		ck_assert_int_eq(typ_file__size(min, id), (int64_t)r->type_size);
	}
	struct typ_info ti;
	typ_file__info(min, lookup_ok(min, "struct proc"), &ti);
	ck_assert_int_eq(ti.kind, TYP_FWD);
	ck_assert_uint_lt(lookup_ok(min, "char [99]"), typ_file__type_count(min));
	ck_assert_uint_lt(lookup_ok(min, "lwpid_t"), typ_file__type_count(min));
	struct typ_err err = { "" };
	ck_assert_int_eq(typ_file__lookup(min, "struct vmspace", &err), -ENOENT);
	typ_file__free(min);
	free(data);

	min = reopen_min(tf, ids, 1, true, &data, &size);
	typ_file__info(min, lookup_ok(min, "struct proc"), &ti);
	ck_assert_int_eq(ti.kind, TYP_STRUCT);
	lookup_ok(min, "struct vmspace");
	typ_file__free(min);
	free(data);
	typ_file__free(tf);
}
END_TEST

static size_t expected_offset(const struct layout_row *rows, size_t n, const char *type,
			      const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].type, type) == 0 && strcmp(rows[i].path, path) == 0)
			return rows[i].bit_offset;
	ck_abort_msg("no layout row %s.%s", type, path);
	return 0;
}

/* ASSERTION: minimisation is deterministic and write_min writes the same bytes atomically. */
START_TEST(test_min_deterministic_and_written)
{
	struct typ_file *tf = open_ok("linux", ".o");
	typ_id_t ids[] = { lookup_ok(tf, "struct task_struct"), lookup_ok(tf, "struct cred") };
	void *d1, *d2;
	size_t s1, s2;
	struct typ_err err = { "" };

	ck_assert_int_eq(typ_file__min_btf(tf, ids, 2, NULL, &d1, &s1, &err), 0);
	ck_assert_int_eq(typ_file__min_btf(tf, ids, 2, NULL, &d2, &s2, &err), 0);
	ck_assert_uint_eq(s1, s2);
	ck_assert_int_eq(memcmp(d1, d2, s1), 0);
	char path[300];
	snprintf(path, sizeof(path), "%s/min.btf", tmpdir);
	ck_assert_msg(typ_file__write_min(tf, ids, 2, NULL, path, &err) == 0, "%s", err.msg);
	size_t len;
	unsigned char *back = slurp(path, &len);
	ck_assert_uint_eq(len, s1);
	ck_assert_int_eq(memcmp(back, d1, len), 0);
	struct typ_file *min = NULL;
	ck_assert_int_eq(typ_file__open(path, &min, &err), 0);
	struct typ_access acc;
	ck_assert_int_eq(typ_file__member_path(min, lookup_ok(min, "struct cred"), "euid.val", &acc, NULL), 0);
	ck_assert_uint_eq(acc.bit_offset, expected_offset(layout_linux, layout_linux_count,
							 "struct cred", "euid.val"));
	typ_id_t bad = 999999;
	free(d2);
	ck_assert_int_eq(typ_file__min_btf(tf, &bad, 1, NULL, &d2, &s2, &err), -ENOENT);
	ck_assert_ptr_null(d2);
	snprintf(path, sizeof(path), "%s/no/such/dir/min.btf", tmpdir);
	ck_assert_int_lt(typ_file__write_min(tf, ids, 1, NULL, path, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "no/such/dir"));
	typ_file__free(min);
	free(back);
	free(d1);
	free(d2);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: bit-fields and enums survive minimisation unchanged. */
START_TEST(test_min_bitfields)
{
	struct typ_file *tf = open_ok("features", ".o");
	typ_id_t ids[] = { lookup_ok(tf, "struct feat_bits"), lookup_ok(tf, "struct feat_misc") };
	void *data;
	size_t size;
	struct typ_file *min = reopen_min(tf, ids, 2, false, &data, &size);
	const char *members[] = { "low", "mid", "neg", "wide", "flag", "color", "after" };

	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		struct typ_access a, b;
		ck_assert_int_eq(typ_file__member_path(tf, ids[0], members[i], &a, NULL), 0);
		ck_assert_int_eq(typ_file__member_path(min, lookup_ok(min, "struct feat_bits"),
						       members[i], &b, NULL), 0);
		ck_assert_uint_eq(a.bit_offset, b.bit_offset);
		ck_assert_uint_eq(a.bitfield_size, b.bitfield_size);
		ck_assert_int_eq(a.load.kind, b.load.kind);
	}
	ck_assert_int_eq(enumerator_value(min, lookup_ok(min, "enum feat_neg"), "FEAT_MINUS"),
			 FEAT_MINUS);
	ck_assert_str_eq(spelled(min, lookup_ok(min, "struct feat_misc")), "struct feat_misc");
	typ_file__free(min);
	free(data);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: "->" in a member path crosses a pointer: the offset, type and load are the
 * pointee's member's; a non-pointer hop, a missing member, a dangling "->" are errors. */
START_TEST(test_pointer_hops)
{
	struct typ_file *tf = open_ok("freebsd_b", ".o");
	struct typ_err err = { "" };
	struct typ_access hop, direct;
	typ_id_t th = lookup_ok(tf, "struct thread");
	typ_id_t cr = lookup_ok(tf, "struct ucred");
	typ_id_t pr = lookup_ok(tf, "struct proc");

	ck_assert_int_eq(typ_file__member_path(tf, th, "td_ucred->cr_ruid", &hop, &err), 0);
	ck_assert_int_eq(typ_file__member_path(tf, cr, "cr_ruid", &direct, &err), 0);
	ck_assert_uint_eq(hop.bit_offset, direct.bit_offset);
	ck_assert_uint_ne(hop.bit_offset, 0);
	ck_assert_uint_eq(hop.type, direct.type);
	ck_assert_uint_eq(hop.size, direct.size);
	ck_assert_int_eq(hop.load.kind, direct.load.kind);
	ck_assert_uint_eq(hop.root, cr);
	ck_assert_uint_eq(direct.root, cr);
	/* two hops, then the pointer at the end loads as a pointer */
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_proc->p_ucred->cr_rgid", &hop, &err), 0);
	ck_assert_int_eq(typ_file__member_path(tf, cr, "cr_rgid", &direct, &err), 0);
	ck_assert_uint_eq(hop.bit_offset, direct.bit_offset);
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_proc->p_ucred", &hop, &err), 0);
	ck_assert_int_eq(typ_file__member_path(tf, pr, "p_ucred", &direct, &err), 0);
	ck_assert_uint_eq(hop.bit_offset, direct.bit_offset);
	ck_assert_uint_eq(hop.size, 8);
	/* the pointee must be a struct or union */
	ck_assert_int_eq(typ_file__member_path(tf, cr, "cr_groups->x", &hop, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "member 'cr_groups' points to"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_tid->x", &hop, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "member 'td_tid' has type"));
	ck_assert_ptr_nonnull(strstr(err.msg, "not a pointer"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_ucred->cr_nope", &hop, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "struct ucred has no member 'cr_nope'"));
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_ucred->", &hop, &err), -EINVAL);
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_ucred-cr_ruid", &hop, &err), -EINVAL);
	ck_assert_int_eq(typ_file__member_path(tf, th, "td_ucred->->cr_ruid", &hop, &err), -EINVAL);
	typ_file__free(tf);
}
END_TEST

static Suite *typefile_suite(void)
{
	Suite *s = suite_create("typefile");
	TCase *tc;

	tc = tcase_create("layout");
	tcase_add_loop_test(tc, test_layout_matches_compiler, 0,
			    (int)(sizeof(layout_cases) / sizeof(layout_cases[0])));
	tcase_add_test(tc, test_layouts_differ);
	suite_add_tcase(s, tc);

	tc = tcase_create("bitfields");
	tcase_add_loop_test(tc, test_bitfields, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("anonymous");
	tcase_add_test(tc, test_anonymous_members);
	suite_add_tcase(s, tc);

	tc = tcase_create("typedefs");
	tcase_add_test(tc, test_typedef_chain);
	suite_add_tcase(s, tc);

	tc = tcase_create("enums");
	tcase_add_test(tc, test_enums);
	tcase_add_test(tc, test_enum64);
	suite_add_tcase(s, tc);

	tc = tcase_create("arrays");
	tcase_add_test(tc, test_arrays);
	suite_add_tcase(s, tc);

	tc = tcase_create("forward");
	tcase_add_test(tc, test_forward_declarations);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_c_names);
	tcase_add_test(tc, test_to_string);
	tcase_add_test(tc, test_variables);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, test_load_kinds);
	suite_add_tcase(s, tc);

	tc = tcase_create("missing");
	tcase_add_test(tc, test_missing_names_suggest);
	suite_add_tcase(s, tc);

	tc = tcase_create("pointer hops");
	tcase_add_test(tc, test_pointer_hops);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_reject_garbage);
	tcase_add_test(tc, test_reject_truncated);
	tcase_add_test(tc, test_reject_elf_without_btf);
	tcase_add_test(tc, test_reject_bad_type_ref);
	tcase_add_test(tc, test_cycles_bounded);
	tcase_add_test(tc, test_branching_bounded);
	tcase_add_test(tc, test_open_mem);
	suite_add_tcase(s, tc);

	tc = tcase_create("vmlinux");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_vmlinux);
	suite_add_tcase(s, tc);

	tc = tcase_create("profile");
	tcase_add_test(tc, test_profiles);
	suite_add_tcase(s, tc);

	tc = tcase_create("minimise");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_min_keeps_layout);
	tcase_add_test(tc, test_min_deterministic_and_written);
	tcase_add_test(tc, test_min_bitfields);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(typefile_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
