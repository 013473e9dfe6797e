/*
 * check_lnk.c — Check suite for liblnk (dld's library).
 *
 * Inputs are written in DIF assembly and assembled with libdasm; the target
 * typefiles are the ones tests/typer generates from C headers with
 * `gcc -gbtf`, and the expected numbers come from the C compiler: offsetof/
 * sizeof tables (tests/typer/layout_rows.c) and memory images built by
 * fixture.c from the same headers.  Linked DIFOs are run in the DIF
 * emulator over those images, so a load is checked by the value it yields,
 * not by the opcode we expect it to be.  Every output goes through the
 * object writer and reader (link_ok) and was re-validated by the linker.
 */
#define _GNU_SOURCE
#include <bpf/btf.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dasm.h"
#include "dvm_emul.h"
#include "dvm_validate.h"
#include "fixture.h"
#include "layout.h"
#include "lnk.h"
#include "typ_typefile.h"

/* --- Helpers ---------------------------------------------------------------- */

static char diag_buf[8192];

static void diag_line(void *ctx, const char *line)
{
	(void)ctx;
	size_t n = strlen(diag_buf);
	snprintf(diag_buf + n, sizeof(diag_buf) - n, "%s\n", line);
}

static struct typ_file *tf_open(const char *name)
{
	char path[1024];
	struct typ_file *tf = NULL;
	struct typ_err e;

	snprintf(path, sizeof(path), "%s/tf_%s.o", TYPEFILE_DIR, name);
	ck_assert_msg(typ_file__open(path, &tf, &e) == 0, "%s", e.msg);
	return tf;
}

static void asm_report(void *ctx, const char *file, unsigned line, unsigned col, const char *m)
{
	(void)ctx;
	fprintf(stderr, "%s:%u:%u: %s\n", file, line, col, m);
}

static struct dobj *assemble(const char *text)
{
	struct dasm_sink sink = { asm_report, NULL, NULL, 0, 0 };
	struct dobj *o = NULL;

	ck_assert_int_eq(dasm__assemble(text, strlen(text), "t.s", &o, &sink), 0);
	return o;
}

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&s, f, ap), 0);
	va_end(ap);
	return s;
}

/* Link; on failure return the rc with the messages in diag_buf. */
static int link_n(struct typ_file *tf, struct dobj **in, size_t n, const struct lnk_opts *o,
    struct dobj **out)
{
	struct lnk_diag d = { diag_line, NULL, 0, 0 };
	const char *names[4] = { "a.o", "b.o", "c.o", "d.o" };

	diag_buf[0] = '\0';
	*out = NULL;
	int rc = lnk_link__objects(in, names, n, tf, o, &d, out);
	ck_assert_int_eq(rc == 0, d.nerrors == 0);
	return rc;
}

/* Link, expect success, round-trip through the writer and reader. */
static struct dobj *link_ok(struct typ_file *tf, struct dobj **in, size_t n,
    const struct lnk_opts *o)
{
	struct dobj *out, *back;
	struct dobj_err e;
	void *buf;
	size_t len;

	ck_assert_msg(link_n(tf, in, n, o, &out) == 0, "link failed:\n%s", diag_buf);
	ck_assert_int_eq(out->kind, DOBJ_LINKED);
	ck_assert_int_eq(dobj__write_mem(out, &buf, &len), 0);
	ck_assert_int_eq(dobj__read_mem(buf, len, &back, &e), 0);
	ck_assert(dasm__equal(out, back));
	for (uint32_t i = 0; i < back->ndifos; i++) {
		struct dif_difo v;
		dobj_difo__view(&back->difos[i], &v);
		ck_assert_uint_eq(dvm_difo__validate(&v, NULL, NULL, 0), 0);
		ck_assert_uint_eq(back->difos[i].rellen, 0);
		for (uint32_t pc = 0; pc < back->difos[i].len; pc++)
			ck_assert(!DIF_OP_IS_RELOCATABLE(DIF_INSTR_OP(back->difos[i].text[pc])));
	}
	dobj__free(back);
	free(buf);
	return out;
}

/* The emulator's memory: this process (the fixtures are static objects);
 * like every real host, the page at address 0 is not mapped. */
static int t_load(void *ctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	(void)ctx;
	(void)space;
	*val = 0;
	if (addr < 4096)
		return DIF_FAULT_BADADDR;
	memcpy(val, (const void *)(uintptr_t)addr, size);
	return 0;
}

static int t_store(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	(void)ctx; (void)addr; (void)size; (void)val;
	return DIF_FAULT_BADADDR;
}

static uint64_t t_scratch(void *ctx, uint64_t size)
{
	(void)ctx; (void)size;
	return 0;
}

static const struct dvm_platform plat = {
	.dp_load = t_load, .dp_store = t_store, .dp_scratch = t_scratch,
};

static uint64_t run(const struct dobj *o, uint32_t difo)
{
	struct dif_difo v;
	struct dvm_mstate ms;

	ck_assert_uint_lt(difo, o->ndifos);
	dobj_difo__view(&o->difos[difo], &v);
	dvm_mstate__init(&ms, &plat, NULL);
	ck_assert_msg(dvm_difo__emulate(&v, &ms) == 0, "fault %u at pc %u", ms.dms_fault,
	    ms.dms_fault_pc);
	return ms.dms_result;
}

/* Run DIFO difo expecting a fault: its code, *pc where it happened. */
static unsigned run_fault(const struct dobj *o, uint32_t difo, uint32_t *pc)
{
	struct dif_difo v;
	struct dvm_mstate ms;

	ck_assert_uint_lt(difo, o->ndifos);
	dobj_difo__view(&o->difos[difo], &v);
	dvm_mstate__init(&ms, &plat, NULL);
	ck_assert_msg(dvm_difo__emulate(&v, &ms) != 0, "no fault (result 0x%llx)",
	    (unsigned long long)ms.dms_result);
	*pc = ms.dms_fault_pc;
	return ms.dms_fault;
}

/* Append to a growing text. */
static void cat(char **s, const char *piece)
{
	size_t a = *s ? strlen(*s) : 0, b = strlen(piece);
	*s = realloc(*s, a + b + 1);
	ck_assert_ptr_nonnull(*s);
	memcpy(*s + a, piece, b + 1);
}

static void catf(char **s, const char *f, ...)
{
	va_list ap;
	char *p = NULL;

	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&p, f, ap), 0);
	va_end(ap);
	cat(s, p);
	free(p);
}

/* A DIFO named dN that computes the value of one relocation and returns it. */
static void usetx_difo(char **s, int n, const char *kind, const char *type, const char *path)
{
	catf(s, ".difo d%d rtype=ctf:integer:8\n", n);
	if (path)
		catf(s, "\tusetx %s(\"%s\", \"%s\"), %%r1\n", kind, type, path);
	else
		catf(s, "\tusetx %s(\"%s\"), %%r1\n", kind, type);
	cat(s, "\tret %r1\n.end\n");
}

/* Clauses: one per DIFO d0..d(n-1), each a difexpr action. */
static void clauses(char **s, int n)
{
	for (int i = 0; i < n; i++)
		catf(s, ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d%d\n.end\n", i);
}

/*
 * The DIF of a fixture row: setx root; then for each hop
 * usetx member_offset; add; uload (pointer hops load the pointer).
 */
static void load_difo(char **s, int n, const struct fixture *f, int row, const char *load)
{
	char path[256], type[128];
	snprintf(path, sizeof(path), "%s", f->rows[row].path);
	snprintf(type, sizeof(type), "%s", f->rows[row].type);
	catf(s, ".difo d%d rtype=ctf:integer:8\n\tsetx 0x%llx, %%r1\n", n,
	    (unsigned long long)(uintptr_t)f->root);
	char *p = path;
	for (;;) {
		char *gt = strchr(p, '>');
		if (gt)
			*gt = '\0';
		catf(s, "\tusetx member_offset(\"%s\", \"%s\"), %%r2\n\tadd %%r1, %%r2, %%r1\n"
		    "\t%s [%%r1], %%r1, %s(\"%s\", \"%s\")\n", type, p, load,
		    strcmp(load, "uload") == 0 ? "load" : "uload", type, p);
		if (!gt)
			break;
		char *t = gt + 1, *gt2 = strchr(t, '>');
		ck_assert_ptr_nonnull(gt2);
		*gt2 = '\0';
		snprintf(type, sizeof(type), "%s", t);
		p = gt2 + 1;
	}
	cat(s, "\tret %r1\n.end\n");
}

static const struct {
	const char *tf;
	const struct layout_row *rows;
	const size_t *count;
} layouts[] = {
	{ "freebsd_a", layout_freebsd_a, &layout_freebsd_a_count },
	{ "freebsd_b", layout_freebsd_b, &layout_freebsd_b_count },
	{ "linux", layout_linux, &layout_linux_count },
	{ "features", layout_features, &layout_features_count },
};

/* --- Relocations against each layout --------------------------------------- */

/* ASSERTION: member_offset, member_size and type_size resolve to the C compiler's offsetof/sizeof in every layout (nested, anonymous, array members). */
START_TEST(test_offsets_sizes)
{
	struct typ_file *tf = tf_open(layouts[_i].tf);
	const struct layout_row *rows = layouts[_i].rows;
	size_t n = *layouts[_i].count;
	char *s = NULL;

	for (size_t r = 0; r < n; r++) {
		usetx_difo(&s, (int)(3 * r), "member_offset", rows[r].type, rows[r].path);
		usetx_difo(&s, (int)(3 * r + 1), "member_size", rows[r].type, rows[r].path);
		usetx_difo(&s, (int)(3 * r + 2), "type_size", rows[r].type, NULL);
	}
	clauses(&s, (int)(3 * n));
	struct dobj *in = assemble(s);
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	ck_assert_uint_eq(out->ndifos, 3 * n);
	for (size_t r = 0; r < n; r++) {
		ck_assert_msg(run(out, (uint32_t)(3 * r)) == rows[r].bit_offset / 8,
		    "%s offsetof(%s, %s)", layouts[_i].tf, rows[r].type, rows[r].path);
		ck_assert_msg(run(out, (uint32_t)(3 * r + 1)) == rows[r].member_size,
		    "%s sizeof %s.%s", layouts[_i].tf, rows[r].type, rows[r].path);
		ck_assert_uint_eq(run(out, (uint32_t)(3 * r + 2)), rows[r].type_size);
	}
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST

static const struct {
	const char *tf;
	const struct fixture *(*fix)(void);
} fixtures[] = {
	{ "freebsd_a", fix_freebsd_a },
	{ "freebsd_b", fix_freebsd_b },
	{ "linux", fix_linux },
	{ "features", fix_features },
};

/* ASSERTION: uload chains read exactly what C reads (width, sign, pointers, bit-fields); array/struct members yield their address. */
START_TEST(test_loads_match_c)
{
	struct typ_file *tf = tf_open(fixtures[_i].tf);
	const struct fixture *f = fixtures[_i].fix();
	char *s = NULL;

	/* The typer calls a by-value load of an array/struct an error; the
	 * linker's answer (the address) is checked with type errors as warnings. */
	struct lnk_opts o = { .flags = LNK_F_TYPE_WARN };
	for (int r = 0; r < f->n; r++)
		load_difo(&s, r, f, r, "uload");
	clauses(&s, f->n);
	struct dobj *in = assemble(s);
	struct dobj *out = link_ok(tf, &in, 1, &o);
	for (int r = 0; r < f->n; r++) {
		uint64_t got = run(out, (uint32_t)r);
		ck_assert_msg(got == f->rows[r].value, "%s %s.%s: got 0x%llx, C reads 0x%llx",
		    fixtures[_i].tf, f->rows[r].type, f->rows[r].path, (unsigned long long)got,
		    (unsigned long long)f->rows[r].value);
	}
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: the same object linked against layouts A and B gets each layout's offsets. */
START_TEST(test_same_object_two_layouts)
{
	struct typ_file *a = tf_open("freebsd_a"), *b = tf_open("freebsd_b");
	char *s = NULL;

	usetx_difo(&s, 0, "member_offset", "struct thread", "td_ucred");
	clauses(&s, 1);
	struct dobj *in = assemble(s);
	struct dobj *oa = link_ok(a, &in, 1, NULL), *ob = link_ok(b, &in, 1, NULL);
	for (size_t r = 0; r < layout_freebsd_a_count; r++) {
		if (strcmp(layout_freebsd_a[r].path, "td_ucred") != 0)
			continue;
		ck_assert_uint_eq(run(oa, 0), layout_freebsd_a[r].bit_offset / 8);
		ck_assert_uint_eq(run(ob, 0), layout_freebsd_b[r].bit_offset / 8);
		ck_assert_uint_ne(run(oa, 0), run(ob, 0));
	}
	dobj__free(oa);
	dobj__free(ob);
	dobj__free(in);
	free(s);
	typ_file__free(a);
	typ_file__free(b);
}
END_TEST

/* ASSERTION: user loads (uuload) become uld* of the same width and sign. */
START_TEST(test_user_loads)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tldgs arg0, %r1\n"
	    "\tuuload [%r1], %r2, uload(\"struct thread\", \"td_errno\")\n"
	    "\tuuload [%r1], %r3, uload(\"struct thread\", \"td_pri_class\")\n"
	    "\tuuload [%r1], %r4, uload(\"struct thread\", \"td_proc\")\n"
	    "\tret %r2\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	const dif_instr_t *t = out->difos[0].text;
	ck_assert_uint_eq(DIF_INSTR_OP(t[1]), DIF_OP_ULDSW);
	ck_assert_uint_eq(DIF_INSTR_OP(t[2]), DIF_OP_ULDUB);
	ck_assert_uint_eq(DIF_INSTR_OP(t[3]), DIF_OP_ULDX);
	ck_assert_uint_eq(DIF_INSTR_RD(t[3]), 4);
	dobj__free(out);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: casts sign- or zero-extend by the target width, _Bool normalises, 64-bit casts vanish. */
START_TEST(test_casts)
{
	static const struct { const char *type; uint64_t in, want; } rows[] = {
		{ "char", 0x1ff, 0xffffffffffffffffull },
		{ "unsigned char", 0x1ff, 0xff },
		{ "short", 0x18000, 0xffffffffffff8000ull },
		{ "unsigned short", 0x18000, 0x8000 },
		{ "int", 0x180000000ull, 0xffffffff80000000ull },
		{ "unsigned int", 0x180000000ull, 0x80000000ull },
		{ "_Bool", 0x100, 1 },
		{ "_Bool", 0, 0 },
		{ "long", 0x8000000000000001ull, 0x8000000000000001ull },
		{ "struct feat_misc *", 0x1234, 0x1234 },
	};
	struct typ_file *tf = tf_open("features");
	size_t n = sizeof(rows) / sizeof(rows[0]);
	char *s = NULL;

	for (size_t i = 0; i < n; i++)
		catf(&s, ".difo d%zu rtype=ctf:integer:8\n\tsetx 0x%llx, %%r1\n"
		    "\ttypecast cast(\"%s\"), %%r1\n\tret %%r1\n.end\n", i,
		    (unsigned long long)rows[i].in, rows[i].type);
	clauses(&s, (int)n);
	struct dobj *in = assemble(s);
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(run(out, (uint32_t)i) == rows[i].want, "cast to %s", rows[i].type);
	/* a 64-bit cast leaves no instruction behind */
	ck_assert_uint_eq(out->difos[n - 2].len, 2);
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST

/* The last store the emulator made (store_plat): where, how wide, what. */
static struct { uint64_t addr, val; unsigned size, n; } stored;

static int rec_store(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	(void)ctx;
	stored.addr = addr;
	stored.size = size;
	stored.val = val;
	stored.n++;
	return 0;
}

static const struct dvm_platform store_plat = {
	.dp_load = t_load, .dp_store = rec_store, .dp_scratch = t_scratch,
};

/*
 * setx 0x1000, %r1; usetx member_offset(T, path), %r2; add; setx 0x5a, %r3;
 * ustore %r3, [%r1], store(T, path); ret %r3
 */
static struct dobj *store_obj(const char *type, const char *path)
{
	char *s = NULL;

	catf(&s, ".difo d0 rtype=ctf:integer:8\n\tsetx 0x1000, %%r1\n"
	    "\tusetx member_offset(\"%s\", \"%s\"), %%r2\n\tadd %%r1, %%r2, %%r1\n"
	    "\tsetx 0x5a, %%r3\n\tustore %%r3, [%%r1], store(\"%s\", \"%s\")\n"
	    "\tret %%r3\n.end\n", type, path, type, path);
	clauses(&s, 1);
	struct dobj *in = assemble(s);
	free(s);
	return in;
}

/* ASSERTION: ustore of every member of layouts A and B writes exactly the member's bytes (C's offsetof and sizeof) or is refused naming the member (arrays, structs). */
START_TEST(test_stores_match_c)
{
	struct typ_file *tf = tf_open(layouts[_i].tf);
	const struct layout_row *rows = layouts[_i].rows;
	size_t n = *layouts[_i].count;
	struct lnk_opts o = { .flags = LNK_F_TYPE_WARN };
	unsigned linked = 0, refused = 0;

	for (size_t r = 0; r < n; r++) {
		struct dobj *in = store_obj(rows[r].type, rows[r].path), *out = NULL;
		diag_buf[0] = '\0';
		if (link_n(tf, &in, 1, &o, &out) != 0) {
			ck_assert_msg(strstr(diag_buf, "cannot be stored as a whole") != NULL &&
			    strstr(diag_buf, rows[r].path) != NULL, "%s %s.%s: %s",
			    layouts[_i].tf, rows[r].type, rows[r].path, diag_buf);
			refused++;
			dobj__free(in);
			continue;
		}
		struct dif_difo v;
		struct dvm_mstate ms;
		dobj_difo__view(&out->difos[0], &v);
		dvm_mstate__init(&ms, &store_plat, NULL);
		memset(&stored, 0, sizeof(stored));
		ck_assert_int_eq(dvm_difo__emulate(&v, &ms), 0);
		ck_assert_msg(stored.n == 1 && stored.addr == 0x1000 + rows[r].bit_offset / 8 &&
		    stored.size == rows[r].member_size && stored.val == 0x5a,
		    "%s %s.%s: stored %u bytes at +%llu, C has %zu at +%zu", layouts[_i].tf,
		    rows[r].type, rows[r].path, stored.size,
		    (unsigned long long)(stored.addr - 0x1000), rows[r].member_size,
		    rows[r].bit_offset / 8);
		linked++;
		dobj__free(out);
		dobj__free(in);
	}
	ck_assert_uint_gt(linked, 0);
	ck_assert_uint_gt(refused, 0);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a bit-field store and a member-less store through a struct pointee are refused naming the member or type; a member-less store of a scalar pointee is sized by it. */
START_TEST(test_store_misuse)
{
	struct typ_file *tf = tf_open("features");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tsetx 0x1000, %r1\n\tsetx 1, %r2\n"
	    "\tustore %r2, [%r1], store(\"struct feat_bits\", \"mid\")\n"
	    "\tret %r2\n.end\n"
	    ".difo d1 rtype=ctf:integer:8\n"
	    "\tsetx 0x1000, %r1\n\tsetx 1, %r2\n"
	    "\tustore %r2, [%r1], store(\"struct feat_anon\")\n"
	    "\tret %r2\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n"
	    "\t.action difexpr difo=d1\n.end\n");
	struct dobj *out;
	struct lnk_opts o = { .flags = LNK_F_TYPE_WARN };
	ck_assert_int_eq(link_n(tf, &in, 1, &o, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "storing into a bit-field member is not supported") &&
	    strstr(diag_buf, "'mid'"), "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "cannot be stored as a whole") &&
	    strstr(diag_buf, "struct feat_anon"), "%s", diag_buf);
	dobj__free(in);
	in = assemble(".difo d0 rtype=ctf:integer:8\n"
	    "\tsetx 0x1000, %r1\n\tsetx 1, %r2\n"
	    "\tustore %r2, [%r1], store(\"short\")\n"
	    "\tret %r2\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	out = link_ok(tf, &in, 1, &o);
	ck_assert_uint_eq(DIF_INSTR_OP(out->difos[0].text[2]), DIF_OP_STH);
	dobj__free(out);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: casts to pointer types link to no code, even when the pointee is not in the typefile. */
START_TEST(test_pointer_casts_vanish)
{
	static const char *const types[] = { "char *", "struct proc **", "void *", "d_only_t *" };
	struct typ_file *tf = tf_open("freebsd_a");
	char *s = NULL;

	for (int i = 0; i < 4; i++)
		catf(&s, ".difo d%d rtype=ctf:integer:8\n\tsetx 0x1234, %%r1\n"
		    "\ttypecast cast(\"%s\"), %%r1\n\tret %%r1\n.end\n", i, types[i]);
	clauses(&s, 4);
	struct dobj *in = assemble(s);
	struct lnk_opts o = { .flags = LNK_F_TYPE_WARN };
	struct dobj *out = link_ok(tf, &in, 1, &o);
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert_msg(out->difos[i].len == 2, "cast to %s left code", types[i]);
		ck_assert_uint_eq(run(out, i), 0x1234);
	}
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST

/* --- The rewriting pass ------------------------------------------------------ */

/* ASSERTION: expanding a bit-field load and dropping nops keeps branch targets and line entries on the right instructions. */
START_TEST(test_rewrite_branches_lines)
{
	struct typ_file *tf = tf_open("features");
	const struct fixture *f = fix_features();
	char *s = fmt(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\t.line \"r.d\":1:1\n"
	    "\tsetx 0x%llx, %%r1\n"
	    "\ttst %%r1\n"
	    "\tbe zero\n"
	    "\tnop\n"
	    "\t.line \"r.d\":2:5\n"
	    "\tusetx member_offset(\"struct feat_bits\", \"neg\", bitfield), %%r2\n"
	    "\tadd %%r1, %%r2, %%r1\n"
	    "\tuload [%%r1], %%r1, load(\"struct feat_bits\", \"neg\")\n"
	    "\tnop\n"
	    "\tba done\n"
	    "\t.line \"r.d\":3:1\n"
	    "\tnop\n"
	    "\t.line \"r.d\":4:1\n"
	    "zero:\tsetx 7, %%r1\n"
	    "done:\tret %%r1\n"
	    ".end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n",
	    (unsigned long long)(uintptr_t)f->root);
	struct dobj *in = assemble(s);
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	const struct dobj_difo *d = &out->difos[0];
	ck_assert_uint_eq(run(out, 0), (uint64_t)-9);
	for (uint32_t pc = 0; pc < d->len; pc++)
		ck_assert_uint_ne(DIF_INSTR_OP(d->text[pc]), DIF_OP_NOP);
	/* be -> "zero: setx 7", ba -> "done: ret" */
	ck_assert_uint_eq(DIF_INSTR_OP(d->text[2]), DIF_OP_BE);
	uint32_t zero = DIF_INSTR_LABEL(d->text[2]);
	ck_assert_uint_eq(DIF_INSTR_OP(d->text[zero]), DIF_OP_SETX);
	ck_assert_uint_eq(d->inttab[DIF_INSTR_INTEGER(d->text[zero])], 7);
	ck_assert_uint_eq(DIF_INSTR_OP(d->text[zero - 1]), DIF_OP_BA);
	ck_assert_uint_eq(DIF_INSTR_LABEL(d->text[zero - 1]), d->len - 1);
	/* line 3's only instruction was a nop: its entry is gone; 4 starts at zero */
	ck_assert_uint_eq(d->nlines, 3);
	ck_assert_uint_eq(d->lines[1].pc, 3);
	ck_assert_uint_eq(d->lines[1].pos.line, 2);
	ck_assert_uint_eq(d->lines[2].pc, zero);
	ck_assert_uint_eq(d->lines[2].pos.line, 4);
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST


/* --- type_exists and guarded relocations ---------------------------------- */

/* ASSERTION: type_exists is 1 for a type (and member path) the typefile has, 0 otherwise, and never an error. */
START_TEST(test_type_exists)
{
	static const struct {
		const char *type, *path;
		uint64_t freebsd, linux_;
	} rows[] = {
		{ "struct thread", NULL, 1, 0 },
		{ "struct task_struct", NULL, 0, 1 },
		{ "struct thread", "td_tid", 1, 0 },
		{ "struct thread", "td_proc->p_pid", 1, 0 },
		{ "struct thread", "td_no_such_member", 0, 0 },
		{ "struct task_struct", "pid", 0, 1 },
		{ "struct task_struct", "td_tid", 0, 0 },
		{ "int", NULL, 1, 1 },
		{ "struct no_such_type", NULL, 0, 0 },
		{ "not a type name (", NULL, 0, 0 },
	};
	const size_t n = sizeof(rows) / sizeof(rows[0]);
	struct typ_file *fb = tf_open("freebsd_a"), *lx = tf_open("linux");
	char *s = NULL;

	for (size_t i = 0; i < n; i++)
		usetx_difo(&s, (int)i, "type_exists", rows[i].type, rows[i].path);
	clauses(&s, (int)n);
	struct dobj *in = assemble(s);
	struct dobj *ofb = link_ok(fb, &in, 1, NULL), *olx = link_ok(lx, &in, 1, NULL);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(run(ofb, (uint32_t)i) == rows[i].freebsd, "freebsd: %s %s",
		    rows[i].type, rows[i].path ? rows[i].path : "");
		ck_assert_msg(run(olx, (uint32_t)i) == rows[i].linux_, "linux: %s %s",
		    rows[i].type, rows[i].path ? rows[i].path : "");
	}
	dobj__free(ofb);
	dobj__free(olx);
	dobj__free(in);
	free(s);
	typ_file__free(fb);
	typ_file__free(lx);
}
END_TEST

/*
 * One DIFO, two arms: the Linux arm when struct task_struct exists, else
 * the FreeBSD arm; every relocation in an arm is guarded.  root is the
 * address of the target's thread image.
 */
static char *two_arm_program(const void *root)
{
	return fmt(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tsetx 0x%llx, %%r3\n"
	    "\tusetx type_exists(\"struct task_struct\"), %%r1\n"
	    "\ttst %%r1\n"
	    "\tbe bsd\n"
	    "\tusetx member_offset(\"struct task_struct\", \"pid\", guarded), %%r2\n"
	    "\tadd %%r3, %%r2, %%r2\n"
	    "\tuload [%%r2], %%r1, load(\"struct task_struct\", \"pid\", guarded)\n"
	    "\tret %%r1\n"
	    "bsd:\tusetx member_offset(\"struct thread\", \"td_proc\", guarded), %%r2\n"
	    "\tadd %%r3, %%r2, %%r2\n"
	    "\tuload [%%r2], %%r2, load(\"struct thread\", \"td_proc\", guarded)\n"
	    "\tusetx member_offset(\"struct proc\", \"p_pid\", guarded), %%r1\n"
	    "\tadd %%r2, %%r1, %%r2\n"
	    "\tuload [%%r2], %%r1, load(\"struct proc\", \"p_pid\", guarded)\n"
	    "\tret %%r1\n"
	    ".end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n",
	    (unsigned long long)(uintptr_t)root);
}

/* How many instructions of d are poisoned loads (ldx/uldx through %r0). */
static unsigned poisoned_loads(const struct dobj_difo *d)
{
	unsigned n = 0;

	for (uint32_t pc = 0; pc < d->len; pc++) {
		uint8_t op = DIF_INSTR_OP(d->text[pc]);
		n += (op == DIF_OP_LDX || op == DIF_OP_ULDX) && DIF_INSTR_R1(d->text[pc]) == 0;
	}
	return n;
}

/* ASSERTION: one object with guarded per-OS arms links for FreeBSD and Linux, runs the live arm, and poisons the dead one. */
START_TEST(test_guarded_arms)
{
	static const struct { const char *tf; const struct fixture *(*fix)(void);
	    uint64_t want; unsigned poison; } t[] = {
		{ "freebsd_a", fix_freebsd_a, 4242, 1 },
		{ "freebsd_b", fix_freebsd_b, 4242, 1 },
		{ "linux", fix_linux, 77, 2 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct typ_file *tf = tf_open(t[i].tf);
		char *s = two_arm_program(t[i].fix()->root);
		struct dobj *in = assemble(s);
		struct dobj *out = link_ok(tf, &in, 1, NULL);
		ck_assert_msg(run(out, 0) == t[i].want, "%s: got %llu", t[i].tf,
		    (unsigned long long)run(out, 0));
		ck_assert_uint_eq(poisoned_loads(&out->difos[0]), t[i].poison);
		dobj__free(out);
		dobj__free(in);
		free(s);
		typ_file__free(tf);
	}
}
END_TEST

/* ASSERTION: a poisoned instruction that does run faults BADADDR (uload, uuload, ustore); a poisoned usetx is 0 and a poisoned typecast leaves the value alone. */
START_TEST(test_poison_runs)
{
	struct typ_file *tf = tf_open("freebsd_a");
	const struct fixture *f = fix_linux();
	char *s = fmt(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tsetx 0x%llx, %%r1\n"
	    "\tuload [%%r1], %%r1, load(\"struct task_struct\", \"pid\", guarded)\n"
	    "\tret %%r1\n.end\n"
	    ".difo d1 rtype=ctf:integer:8\n"
	    "\tsetx 0x%llx, %%r1\n"
	    "\tuuload [%%r1], %%r1, uload(\"struct task_struct\", \"pid\", guarded)\n"
	    "\tret %%r1\n.end\n"
	    ".difo d2 rtype=ctf:integer:8\n"
	    "\tsetx 5, %%r1\n"
	    "\tsetx 0x%llx, %%r2\n"
	    "\tustore %%r1, [%%r2], store(\"struct task_struct\", \"pid\", guarded)\n"
	    "\tret %%r1\n.end\n"
	    ".difo d3 rtype=ctf:integer:8\n"
	    "\tusetx member_offset(\"struct task_struct\", \"pid\", guarded), %%r1\n"
	    "\tusetx type_size(\"struct task_struct\", guarded), %%r2\n"
	    "\tadd %%r1, %%r2, %%r1\n"
	    "\tret %%r1\n.end\n"
	    ".difo d4 rtype=ctf:integer:8\n"
	    "\tsetx 0x1ffff, %%r1\n"
	    "\ttypecast cast(\"no_such_t\", guarded), %%r1\n"
	    "\tret %%r1\n.end\n",
	    (unsigned long long)(uintptr_t)f->root, (unsigned long long)(uintptr_t)f->root,
	    (unsigned long long)(uintptr_t)f->root);
	clauses(&s, 5);
	struct dobj *in = assemble(s);
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	uint32_t pc;
	for (uint32_t d = 0; d < 3; d++) {
		ck_assert_uint_eq(run_fault(out, d, &pc), DIF_FAULT_BADADDR);
		ck_assert_uint_eq(pc, 1 + (d == 2));
	}
	ck_assert_uint_eq(run(out, 3), 0);
	ck_assert_uint_eq(run(out, 4), 0x1ffff);
	ck_assert_uint_eq(out->difos[4].len, 2);	/* setx; ret: the cast vanished */
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a guarded relocation whose root is present resolves as an unguarded one: a missing member is the usual error; an unguarded absent root is still an error. */
START_TEST(test_guarded_present_root)
{
	struct typ_file *fb = tf_open("freebsd_a"), *lx = tf_open("linux");
	struct dobj *out;
	char *s = NULL;

	usetx_difo(&s, 0, "member_offset", "struct thread", "td_tid");
	clauses(&s, 1);
	struct dobj *plain = assemble(s);
	struct dobj *guarded = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tusetx member_offset(\"struct thread\", \"td_tid\", guarded), %r1\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *a = link_ok(fb, &plain, 1, NULL), *b = link_ok(fb, &guarded, 1, NULL);
	ck_assert_uint_eq(run(a, 0), run(b, 0));
	dobj__free(a);
	dobj__free(b);

	struct dobj *bad = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\t.line \"g.d\":4:9\n"
	    "\tsetx 0x1000, %r2\n"
	    "\tuload [%r2], %r1, load(\"struct thread\", \"td_no_such\", guarded)\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	ck_assert_int_eq(link_n(fb, &bad, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "g.d:4:9: error:") != NULL, "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "td_no_such") != NULL, "%s", diag_buf);

	/* built-in root: curthread is struct task_struct on Linux, so a FreeBSD
	 * member there is a missing member, guarded or not */
	struct dobj *bi = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tusetx member_offset(\"curthread\", \"td_proc\", builtin, guarded), %r1\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	ck_assert_int_eq(link_n(lx, &bi, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "td_proc") != NULL, "%s", diag_buf);

	/* unguarded, absent root: the usual error */
	struct dobj *ug = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tusetx member_offset(\"struct task_struct\", \"pid\"), %r1\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	ck_assert_int_eq(link_n(fb, &ug, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "task_struct") != NULL, "%s", diag_buf);
	dobj__free(plain);
	dobj__free(guarded);
	dobj__free(bad);
	dobj__free(bi);
	dobj__free(ug);
	free(s);
	typ_file__free(fb);
	typ_file__free(lx);
}
END_TEST

/* ASSERTION: guarded roots the target lacks are poisoned, not refused: a built-in with no target profile, a kernel symbol in no source, an fbt argument without a prototype. */
START_TEST(test_guarded_absent_roots)
{
	struct typ_file *feat = tf_open("features");
	char sym[64];
	snprintf(sym, sizeof(sym), "/tmp/ht-lnk-syms-%ld", (long)getpid());
	int fd = open(sym, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(write(fd, "ffffffff81000000 T present_sym\n", 32), 0);
	close(fd);
	struct lnk_opts o = { .symbols = sym };
	struct dobj *out;
	static const char *const rel[] = {
	    "load(\"curthread\", \"td_tid\", builtin, guarded)",
	    "load(\"absent_sym\", symbol, guarded)",
	    "load(\"*absent_sym\", \"x\", symbol, guarded)",
	    "load(\"args[0]\", \"x\", arg, guarded)",
	};

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *s = fmt(".difo d0 rtype=ctf:integer:8\n"
		    "\tsetx 0x1000, %%r2\n"
		    "\tuload [%%r2], %%r1, %s\n"
		    "\tret %%r1\n.end\n"
		    ".clause\n\t.probe fbt::no_such_function:entry\n"
		    "\t.action difexpr difo=d0\n.end\n", rel[i]);
		struct dobj *in = assemble(s);
		out = link_ok(feat, &in, 1, &o);
		ck_assert_uint_eq(poisoned_loads(&out->difos[0]), 1);
		uint32_t pc;
		ck_assert_uint_eq(run_fault(out, 0, &pc), DIF_FAULT_BADADDR);
		dobj__free(out);
		/* the same without the guard is a link error */
		char *g = strstr(s, ", guarded)");
		ck_assert_ptr_nonnull(g);
		memmove(g, g + 9, strlen(g + 9) + 1);
		dobj__free(in);
		in = assemble(s);
		ck_assert_msg(link_n(feat, &in, 1, &o, &out) == -EINVAL, "unguarded %s linked",
		    rel[i]);
		dobj__free(in);
		free(s);
	}
	unlink(sym);
	typ_file__free(feat);
}
END_TEST

/* ASSERTION: the int table is deduplicated (one entry per distinct constant). */
START_TEST(test_inttab_dedup)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\t.int 8\n\t.int 8\n\t.int 99\n"
	    "\tsetx DT_INTEGER[1], %r1\n"
	    "\tusetx member_offset(\"struct thread\", \"td_proc\"), %r2\n"
	    "\tadd %r1, %r2, %r1\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	ck_assert_uint_eq(out->difos[0].intlen, 1);	/* td_proc is at 8 in layout A */
	ck_assert_uint_eq(run(out, 0), 16);
	dobj__free(out);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* --- Errors ----------------------------------------------------------------- */

/* ASSERTION: a missing member names file:line:col, the clause, the path and a near name. */
START_TEST(test_missing_member)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\t.line \"x.d\":3:17\n"
	    "\tldgs curthread, %r1\n"
	    "\tusetx member_offset(\"struct thread\", \"td_ucrd\"), %r2\n"
	    "\tret %r2\n.end\n"
	    ".clause @\"x.d\":3:1\n\t.probe fbt::vm_fault:entry\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *out;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(diag_buf, "x.d:3:17: error: clause 1 (fbt::vm_fault:entry)") != NULL,
	    "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "did you mean 'td_ucred'?") != NULL, "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "member path 'td_ucrd'") != NULL, "%s", diag_buf);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: an unknown type and a nested unknown member are reported with suggestions. */
START_TEST(test_missing_type_nested)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tusetx type_size(\"struct thred\"), %r2\n"
	    "\tusetx member_offset(\"struct thread\", \"td_sigstk.ss_flag\"), %r1\n"
	    "\tret %r2\n.end\n"
	    ".clause @\"y.d\":1:1\n\t.probe dtrace:::BEGIN @\"y.d\":1:1\n"
	    "\t.action difexpr difo=d0 @\"y.d\":2:4\n.end\n");
	struct dobj *out;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "y.d:2:4: error:") != NULL, "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "'struct thread'?") != NULL, "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "'ss_flags'?") != NULL, "%s", diag_buf);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: relocations that make no sense for the member or type are refused with a reason: sizeof a bit-field, a cast to a struct, a shift with no free register. */
START_TEST(test_reloc_misuse)
{
	struct typ_file *tf = tf_open("features");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tusetx member_size(\"struct feat_bits\", \"mid\"), %r1\n"
	    "\tret %r1\n.end\n"
	    ".difo d1 rtype=ctf:integer:8\n"
	    "\tsetx 1, %r1\n"
	    "\ttypecast cast(\"struct feat_anon\"), %r1\n"
	    "\tret %r1\n.end\n"
	    ".difo d2 rtype=ctf:integer:8\n"
	    "\tsetx 1, %r1\n\tmov %r1, %r2\n\tmov %r1, %r3\n\tmov %r1, %r4\n"
	    "\tmov %r1, %r5\n\tmov %r1, %r6\n\tmov %r1, %r7\n"
	    "\ttypecast cast(\"short\"), %r1\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n"
	    "\t.action difexpr difo=d1\n\t.action difexpr difo=d2\n.end\n");
	struct dobj *out;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "a bit-field member has no size in bytes") != NULL, "%s",
	    diag_buf);
	ck_assert_msg(strstr(diag_buf, "cannot be cast to a struct") != NULL, "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "uses all of %r1..%r7") != NULL, "%s", diag_buf);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a user-memory bit-field and a member-less load of a pointee type link to user/kernel loads of the right width. */
START_TEST(test_uuload_bitfield_and_pointee)
{
	struct typ_file *tf = tf_open("features");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\tldgs arg0, %r1\n"
	    "\tusetx member_offset(\"struct feat_bits\", \"mid\", bitfield), %r2\n"
	    "\tadd %r1, %r2, %r1\n"
	    "\tuuload [%r1], %r1, uload(\"struct feat_bits\", \"mid\")\n"
	    "\tldgs arg1, %r3\n"
	    "\tuload [%r3], %r3, load(\"short\")\n"
	    "\tadd %r1, %r3, %r1\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	const struct dobj_difo *d = &out->difos[0];
	bool user_unit = false, short_load = false;
	for (uint32_t pc = 0; pc < d->len; pc++) {
		uint8_t op = DIF_INSTR_OP(d->text[pc]);
		user_unit |= op == DIF_OP_ULDUW;	/* mid's unit: the unsigned int */
		short_load |= op == DIF_OP_LDSH;
		ck_assert(op < DIF_OP_LDSB || op > DIF_OP_LDX || op == DIF_OP_LDSH);
	}
	ck_assert(user_unit);
	ck_assert(short_load);
	dobj__free(out);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* A typefile with two disagreeing 'struct dup', two agreeing 'struct same'. */
static struct typ_file *dup_typefile(void)
{
	struct btf *b = btf__new_empty();
	struct typ_file *tf = NULL;
	uint32_t sz;

	ck_assert_ptr_nonnull(b);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int i64 = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	btf__add_struct(b, "dup", 8);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "b", i32, 32, 0);
	btf__add_struct(b, "dup", 16);
	btf__add_field(b, "x", i64, 0, 0);
	btf__add_field(b, "b", i32, 64, 0);
	btf__add_field(b, "a", i32, 96, 0);
	for (int k = 0; k < 2; k++) {
		btf__add_struct(b, "same", 8);
		btf__add_field(b, "u", i32, 0, 0);
		btf__add_field(b, "v", i32, 32, 0);
	}
	const void *raw = btf__raw_data(b, &sz);
	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(typ_file__open_mem(raw, sz, "dup.btf", &tf, NULL), 0);
	btf__free(b);
	return tf;
}

/* ASSERTION: a member two definitions of one struct place differently is refused as ambiguous; agreeing duplicates and members only one definition has link. */
START_TEST(test_ambiguous_type)
{
	struct typ_file *tf = dup_typefile();
	char *s = NULL;

	usetx_difo(&s, 0, "member_offset", "struct dup", "b");
	clauses(&s, 1);
	struct dobj *in = assemble(s), *out;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "ambiguous: the typefile defines 'struct dup' 2 times") != NULL,
	    "%s", diag_buf);
	dobj__free(in);
	free(s);
	s = NULL;
	usetx_difo(&s, 0, "member_offset", "struct same", "v");
	usetx_difo(&s, 1, "member_offset", "struct dup", "x");
	clauses(&s, 2);
	in = assemble(s);
	/* The typer looks at the first definition only: x is a type warning there. */
	struct lnk_opts o = { .flags = LNK_F_TYPE_WARN };
	out = link_ok(tf, &in, 1, &o);
	ck_assert_uint_eq(run(out, 0), 4);
	ck_assert_uint_eq(run(out, 1), 0);
	dobj__free(out);
	dobj__free(in);
	free(s);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a linked object and an invalid DIFO are refused as inputs with a reason. */
START_TEST(test_bad_inputs)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(".object linked\n.difo d0\n\tret %r0\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *out;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "a.o: error: is already linked") != NULL, "%s", diag_buf);
	dobj__free(in);
	/* a DIFO whose text does not end in ret */
	in = assemble(".difo d0\n\tret %r0\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	in->difos[0].text[0] = DIF_INSTR_NOP;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "DIFO 0 is not valid DIF") != NULL, "%s", diag_buf);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: unreadable objects and typefiles fail lnk_link__files with a message naming the file. */
START_TEST(test_bad_files)
{
	char obj[] = "/tmp/lnk_badXXXXXX";
	int fd = mkstemp(obj);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\177ELF garbage", 12), 12);
	close(fd);
	struct lnk_diag d = { diag_line, NULL, 0, 0 };
	const char *paths[1] = { obj };
	char tfp[1024];
	snprintf(tfp, sizeof(tfp), "%s/tf_freebsd_a.o", TYPEFILE_DIR);

	diag_buf[0] = '\0';
	ck_assert_int_eq(lnk_link__files(paths, 1, tfp, NULL, &d, NULL, NULL), -EINVAL);
	ck_assert_msg(strstr(diag_buf, obj) != NULL, "%s", diag_buf);
	/* a valid object with a garbage typefile */
	struct dobj *in = assemble(".difo d0\n\tret %r0\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	char good[] = "/tmp/lnk_goodXXXXXX";
	fd = mkstemp(good);
	close(fd);
	ck_assert_int_eq(dobj__write_file(in, good), 0);
	paths[0] = good;
	diag_buf[0] = '\0';
	ck_assert_int_eq(lnk_link__files(paths, 1, obj, NULL, &d, NULL, NULL), -EINVAL);
	ck_assert_msg(strstr(diag_buf, obj) != NULL, "%s", diag_buf);
	unlink(obj);
	unlink(good);
	dobj__free(in);
}
END_TEST

/* ASSERTION: the typer runs first: its type errors fail the link (warnings with LNK_F_TYPE_WARN); return types the compiler could not know (CTF kind unknown) are patched from the inferred types, those it spelled are kept. */
START_TEST(test_typer_integration)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".difo d0 rtype=ctf:unknown:8\n"
	    "\tldgs curthread, %r1\n"
	    "\tusetx member_offset(\"struct thread\", \"td_errno\"), %r2\n"
	    "\tadd %r1, %r2, %r1\n"
	    "\tuload [%r1], %r1, load(\"struct thread\", \"td_errno\")\n"
	    "\tret %r1\n.end\n"
	    ".difo d1 rtype=ctf:integer:8\n"
	    "\tldgs curthread, %r1\n"
	    "\tuload [%r1], %r1, load(\"struct thread\", \"td_tid\")\n"
	    "\tret %r1\n.end\n"
	    ".difo d2 rtype=ctf:integer:1\n"
	    "\tldgs curthread, %r1\n"
	    "\tusetx member_offset(\"struct thread\", \"td_errno\"), %r2\n"
	    "\tadd %r1, %r2, %r1\n"
	    "\tuload [%r1], %r1, load(\"struct thread\", \"td_errno\")\n"
	    "\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n"
	    "\t.action difexpr difo=d1\n\t.action difexpr difo=d2\n.end\n");
	struct dobj *out;
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "a.o:0:0: error: clause 1 (dtrace:::BEGIN): type error at pc 1 "
	    "(uload") && strstr(diag_buf, "td_tid"), "%s", diag_buf);
	struct lnk_opts o = { .flags = LNK_F_TYPE_WARN };
	struct lnk_diag d = { diag_line, NULL, 0, 0 };
	const char *name = "a.o";
	diag_buf[0] = '\0';
	ck_assert_int_eq(lnk_link__objects(&in, &name, 1, tf, &o, &d, &out), 0);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_ge(d.nwarnings, 1);
	ck_assert_msg(strstr(diag_buf, "warning:") != NULL, "%s", diag_buf);
	/* td_errno is an int: the unknown 8-byte result becomes 4 bytes */
	ck_assert_uint_eq(out->difos[0].rtype.dtdt_size, 4);
	ck_assert_uint_eq(out->difos[0].rtype.dtdt_ckind, DIF_CTF_K_INTEGER);
	/* a type the compiler spelled ((char) cast) is kept */
	ck_assert_uint_eq(out->difos[2].rtype.dtdt_size, 1);
	dobj__free(out);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* --- Several objects ------------------------------------------------------- */

static const char obj_a[] =
    ".symbol x kind=global id=0x500 ctype=\"int\"\n"
    ".symbol y kind=global id=0x501 ctype=\"uint64_t\"\n"
    ".symbol lat kind=agg id=1 ctype=\"uint64_t\"\n"
    ".agg lat id=1 func=count nkeys=0\n"
    ".difo set rtype=ctf:integer:8\n"
    "\t.var x id=0x500\n\t.var y id=0x501\n"
    "\tsetx 5, %r1\n\tstgs %r1, x\n\tstgs %r1, y\n\tret %r1\n.end\n"
    ".difo lat_id rtype=ctf:integer:8\n\tsetx 1, %r1\n\tret %r1\n.end\n"
    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=set\n"
    "\t.action difexpr difo=lat_id\n\t.action count ntuple=1\n.end\n";

static const char obj_b[] =
    ".symbol y kind=global id=0x500 ctype=\"uint64_t\"\n"
    ".symbol z kind=global id=0x501 ctype=\"int\"\n"
    ".symbol t kind=thread id=0x500 ctype=\"int\"\n"
    ".symbol calls kind=agg id=1 ctype=\"uint64_t\"\n"
    ".symbol lat kind=agg id=2 ctype=\"uint64_t\"\n"
    ".agg calls id=1 func=sum nkeys=0\n"
    ".agg lat id=2 func=count nkeys=0\n"
    ".difo get rtype=ctf:integer:8\n"
    "\t.var y id=0x500\n\t.var z id=0x501\n\t.var t id=0x500 scope=thread\n"
    "\tldgs y, %r1\n\tstgs %r1, z\n\tstts %r1, t\n\tret %r1\n.end\n"
    ".difo calls_id rtype=ctf:integer:8\n\tsetx 1, %r1\n\tret %r1\n.end\n"
    ".difo lat_id rtype=ctf:integer:8\n\tsetx 2, %r1\n\tret %r1\n.end\n"
    ".clause\n\t.probe dtrace:::END\n\t.action difexpr difo=get\n"
    "\t.action difexpr difo=calls_id\n\t.action sum difo=get ntuple=1\n"
    "\t.action difexpr difo=lat_id\n\t.action count ntuple=1\n"
    "\t.action printa difo=lat_id\n.end\n";

static uint32_t var_of(const dif_instr_t ins) { return DIF_INSTR_VAR(ins); }

/* ASSERTION: variables are merged by name and renumbered in text and var tables; aggregation ids in id DIFOs too. */
START_TEST(test_merge_two_objects)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in[2] = { assemble(obj_a), assemble(obj_b) };
	struct dobj *out = link_ok(tf, in, 2, NULL);

	ck_assert_uint_eq(out->nclauses, 2);
	ck_assert_uint_eq(out->nsrcidents, 2);
	/* b's DIFO "get" is output DIFO 2: y -> 0x501, z -> 0x502, self->t -> 0x500 */
	const struct dobj_difo *g = &out->difos[2];
	ck_assert_uint_eq(var_of(g->text[0]), 0x501);
	ck_assert_uint_eq(var_of(g->text[1]), 0x502);
	ck_assert_uint_eq(var_of(g->text[2]), 0x500);
	ck_assert_uint_eq(g->vartab[0].dtdv_id, 0x501);
	ck_assert_uint_eq(g->vartab[1].dtdv_id, 0x502);
	/* @lat keeps id 1 (from a), @calls gets 2: b's id DIFOs say so */
	ck_assert_uint_eq(out->naggs, 2);
	ck_assert_uint_eq(run(out, 3), 2);	/* calls_id */
	ck_assert_uint_eq(run(out, 4), 1);	/* b's lat_id */
	ck_assert_uint_eq(run(out, 1), 1);	/* a's lat_id */
	ck_assert_uint_eq(out->nsymbols, 6);	/* x y @lat z self->t @calls */
	dobj__free(out);
	dobj__free(in[0]);
	dobj__free(in[1]);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a variable only a variable table names is merged by name, and text and table agree on its new id. */
START_TEST(test_vartab_only_variable)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".symbol u kind=thread id=0x501 ctype=\"int\"\n"
	    ".difo d0 rtype=ctf:integer:8\n"
	    "\t.var t id=0x500 scope=thread\n\t.var u id=0x501 scope=thread\n"
	    "\tsetx 3, %r1\n\tstts %r1, t\n\tstts %r1, u\n\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *out = link_ok(tf, &in, 1, NULL);
	const struct dobj_difo *d = &out->difos[0];
	/* u (a symbol) is merged first: 0x500; t then gets 0x501 */
	ck_assert_uint_eq(var_of(d->text[1]), 0x501);
	ck_assert_uint_eq(var_of(d->text[2]), 0x500);
	ck_assert_uint_eq(d->vartab[0].dtdv_id, 0x501);
	ck_assert_uint_eq(d->vartab[1].dtdv_id, 0x500);
	dobj__free(out);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: two objects disagreeing on a variable's type or an aggregation's function is an error naming it. */
START_TEST(test_merge_conflicts)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *a = assemble(obj_a);
	struct dobj *b = assemble(
	    ".symbol y kind=global id=0x500 ctype=\"string\" type=string:unknown:byref:256\n"
	    ".agg lat id=1 func=sum nkeys=0\n"
	    ".difo d0\n\tret %r0\n.end\n"
	    ".clause\n\t.probe dtrace:::END\n\t.action difexpr difo=d0\n.end\n");
	struct dobj *in[2] = { a, b }, *out;
	ck_assert_int_eq(link_n(tf, in, 2, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "b.o: error: variable 'y' is declared as string") != NULL,
	    "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "aggregation '@lat'") != NULL, "%s", diag_buf);
	ck_assert_msg(strstr(diag_buf, "in a.o") != NULL, "%s", diag_buf);
	dobj__free(a);
	dobj__free(b);
	typ_file__free(tf);
}
END_TEST

/* --- Resolvers and determinism --------------------------------------------- */

static const char obj_targets[] =
    ".difo d0 rtype=ctf:integer:8\n\tsetx 1, %r1\n\tret %r1\n.end\n"
    ".clause\n\t.probe \"host1\", \"dtrace\", \"\", \"\", \"BEGIN\"\n"
    "\t.action difexpr difo=d0\n.end\n"
    ".clause\n\t.probe \"web*\", \"dtrace\", \"\", \"\", \"BEGIN\"\n"
    "\t.action difexpr difo=d0\n.end\n"
    ".clause\n\t.probe \"FreeBSD-14.*\", \"dtrace\", \"\", \"\", \"END\"\n"
    "\t.action difexpr difo=d0\n.end\n"
    ".clause\n\t.probe dtrace:::END\n\t.action difexpr difo=d0\n.end\n";

static const char *meta_value(const struct dobj *o, const char *key, int nth)
{
	for (uint32_t i = 0; i < o->nmeta; i++)
		if (strcmp(dobj__str(o, o->meta[i].key), key) == 0 && nth-- == 0)
			return dobj__str(o, o->meta[i].value);
	return NULL;
}

/* ASSERTION: resolvers drop clauses whose target glob does not match and record it; no resolvers keeps all. */
START_TEST(test_resolvers)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(obj_targets);
	struct lnk_opts o = { .resolvers = LNK_RESOLVE_HOSTNAME, .target_name = "web3",
		.target_version = "FreeBSD-14.1-RELEASE" };
	struct dobj *out = link_ok(tf, &in, 1, &o);

	ck_assert_uint_eq(out->nclauses, 2);	/* web* and the untargeted one */
	ck_assert_str_eq(dobj__str(out, out->probes[0].target), "web*");
	ck_assert_str_eq(meta_value(out, "lnk.resolvers", 0), "hostname");
	ck_assert_str_eq(meta_value(out, "lnk.target-name", 0), "web3");
	ck_assert_ptr_nonnull(strstr(meta_value(out, "lnk.dropped", 0), "clause 1 (host1:dtrace"));
	ck_assert_ptr_nonnull(strstr(meta_value(out, "lnk.dropped", 1), "clause 3"));
	dobj__free(out);
	o.resolvers = LNK_RESOLVE_HOSTNAME | LNK_RESOLVE_VERSION;
	out = link_ok(tf, &in, 1, &o);
	ck_assert_uint_eq(out->nclauses, 3);
	ck_assert_str_eq(meta_value(out, "lnk.resolvers", 0), "hostname,version");
	dobj__free(out);
	out = link_ok(tf, &in, 1, NULL);
	ck_assert_uint_eq(out->nclauses, 4);
	ck_assert_ptr_null(meta_value(out, "lnk.dropped", 0));
	dobj__free(out);
	unsigned f;
	ck_assert_int_eq(lnk_opts__parse_resolvers("version,hostname", &f), 0);
	ck_assert_uint_eq(f, 3);
	ck_assert_int_eq(lnk_opts__parse_resolvers("none", &f), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(lnk_opts__parse_resolvers("hostnam", &f), -EINVAL);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: a clause for another target that the resolvers drop is neither relocated nor typed: its unknown types do not fail the link. */
START_TEST(test_resolvers_skip_foreign_types)
{
	struct typ_file *tf = tf_open("freebsd_a");
	struct dobj *in = assemble(
	    ".difo lx rtype=ctf:integer:4\n"
	    "\tldgs curthread, %r1\n"
	    "\tusetx member_offset(\"struct task_struct\", \"pid\"), %r2\n"
	    "\tadd %r1, %r2, %r1\n"
	    "\tuload [%r1], %r1, load(\"struct task_struct\", \"pid\")\n"
	    "\tret %r1\n.end\n"
	    ".difo d1 rtype=ctf:integer:8\n\tsetx 1, %r1\n\tret %r1\n.end\n"
	    ".clause\n\t.probe \"linux*\", \"dtrace\", \"\", \"\", \"BEGIN\"\n"
	    "\t.action difexpr difo=lx\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action difexpr difo=d1\n.end\n");
	struct lnk_opts o = { .resolvers = LNK_RESOLVE_HOSTNAME, .target_name = "bsd1" };
	struct dobj *out = link_ok(tf, &in, 1, &o);
	ck_assert_uint_eq(out->nclauses, 1);
	ck_assert_uint_eq(out->ndifos, 1);
	dobj__free(out);
	ck_assert_int_eq(link_n(tf, &in, 1, NULL, &out), -EINVAL);
	ck_assert_msg(strstr(diag_buf, "task_struct") != NULL, "%s", diag_buf);
	dobj__free(in);
	typ_file__free(tf);
}
END_TEST

/* ASSERTION: linking the same inputs twice gives the same bytes; the output lists the inputs' idents. */
START_TEST(test_deterministic)
{
	struct typ_file *tf = tf_open("freebsd_b");
	struct dobj *in[2] = { assemble(obj_a), assemble(obj_b) };
	void *b1, *b2;
	size_t l1, l2;

	struct dobj *o1 = link_ok(tf, in, 2, NULL), *o2 = link_ok(tf, in, 2, NULL);
	ck_assert_int_eq(dobj__write_mem(o1, &b1, &l1), 0);
	ck_assert_int_eq(dobj__write_mem(o2, &b2, &l2), 0);
	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(b1, b2, l1) == 0);
	ck_assert(memcmp(o1->srcidents[0], in[0]->ident, DOBJ_IDENT_LEN) == 0);
	ck_assert(memcmp(o1->srcidents[1], in[1]->ident, DOBJ_IDENT_LEN) == 0);
	ck_assert(memcmp(o1->ident, in[0]->ident, DOBJ_IDENT_LEN) != 0);
	free(b1);
	free(b2);
	dobj__free(o1);
	dobj__free(o2);
	dobj__free(in[0]);
	dobj__free(in[1]);
	typ_file__free(tf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lnk");
	TCase *tc;

	tc = tcase_create("layouts");
	tcase_add_loop_test(tc, test_offsets_sizes, 0, 4);
	tcase_add_loop_test(tc, test_loads_match_c, 0, 4);
	tcase_add_loop_test(tc, test_stores_match_c, 0, 2);
	tcase_add_test(tc, test_store_misuse);
	tcase_add_test(tc, test_pointer_casts_vanish);
	tcase_add_test(tc, test_same_object_two_layouts);
	tcase_add_test(tc, test_user_loads);
	tcase_add_test(tc, test_casts);
	tcase_add_test(tc, test_uuload_bitfield_and_pointee);
	suite_add_tcase(s, tc);
	tc = tcase_create("guarded");
	tcase_add_test(tc, test_type_exists);
	tcase_add_test(tc, test_guarded_arms);
	tcase_add_test(tc, test_poison_runs);
	tcase_add_test(tc, test_guarded_present_root);
	tcase_add_test(tc, test_guarded_absent_roots);
	suite_add_tcase(s, tc);
	tc = tcase_create("rewrite");
	tcase_add_test(tc, test_rewrite_branches_lines);
	tcase_add_test(tc, test_inttab_dedup);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_missing_member);
	tcase_add_test(tc, test_missing_type_nested);
	tcase_add_test(tc, test_bad_inputs);
	tcase_add_test(tc, test_bad_files);
	tcase_add_test(tc, test_reloc_misuse);
	tcase_add_test(tc, test_ambiguous_type);
	tcase_add_test(tc, test_typer_integration);
	suite_add_tcase(s, tc);
	tc = tcase_create("merge");
	tcase_add_test(tc, test_merge_two_objects);
	tcase_add_test(tc, test_merge_conflicts);
	tcase_add_test(tc, test_vartab_only_variable);
	suite_add_tcase(s, tc);
	tc = tcase_create("resolvers");
	tcase_add_test(tc, test_resolvers);
	tcase_add_test(tc, test_resolvers_skip_foreign_types);
	tcase_add_test(tc, test_deterministic);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
