/*
 * check_infer.c — Check suite for DIF type inference (typer/typ_infer.h).
 *
 * Each test assembles a small program in DIF assembly (inline below, or a
 * file of examples/ or tests/typer/cases/), types it loosely or against one
 * of the test typefiles generated in this directory's build (tf_freebsd_a,
 * tf_freebsd_b, tf_linux: the same names at different offsets), and checks
 * the inferred types or the errors.  One TCase per behaviour.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dasm.h"
#include "typ_infer.h"

static struct dobj *g_obj;
static struct typ_file *g_tf;
static struct typ_infer *g_inf;

static void teardown(void)
{
	typ_infer__free(g_inf);
	typ_file__free(g_tf);
	dobj__free(g_obj);
	g_inf = NULL;
	g_tf = NULL;
	g_obj = NULL;
}

static void report(void *ctx, const char *file, unsigned line, unsigned col,
    const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s:%u:%u: %s\n", file, line, col, msg);
}

/* Assemble text and type it; tf is a test typefile name or NULL. */
static void type_text(const char *text, const char *tf)
{
	struct dasm_sink sink = { report, NULL, NULL, DASM_F_INVALID_OK, 0 };
	struct typ_infer_opts o = { 0 };
	char path[512];
	struct typ_err err;

	teardown();
	ck_assert_int_eq(dasm__assemble(text, strlen(text), "t.s", &g_obj, &sink), 0);
	if (tf != NULL) {
		snprintf(path, sizeof(path), "%s/tf_%s.o", TYPEFILE_DIR, tf);
		ck_assert_msg(typ_file__open(path, &g_tf, &err) == 0, "%s", err.msg);
		o.tf = g_tf;
	}
	ck_assert_int_eq(typ_infer__new(g_obj, &o, &g_inf), 0);
}

static void type_file(const char *path, const char *tf)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	type_text(buf, tf);
	free(buf);
}

static const char *rtype(uint32_t difo)
{
	static char buf[200];
	struct typ_type t;

	ck_assert_int_eq(typ_infer__rtype(g_inf, difo, &t), 0);
	typ_type__to_string(g_inf, &t, buf, sizeof(buf));
	return buf;
}

static const char *def(uint32_t difo, uint32_t pc)
{
	static char buf[200];
	struct typ_type t;

	if (typ_infer__def_type(g_inf, difo, pc, &t) != 0)
		return "(none)";
	typ_type__to_string(g_inf, &t, buf, sizeof(buf));
	return buf;
}

/* All errors, one per line, formatted as dtype prints them. */
static const char *errors(void)
{
	static char all[8192];
	char line[1024];
	size_t off = 0;

	all[0] = '\0';
	for (size_t i = 0; i < typ_infer__nerrors(g_inf); i++) {
		typ_diag__format(typ_infer__error(g_inf, i), line, sizeof(line));
		off += (size_t)snprintf(all + off, sizeof(all) - off, "%s\n", line);
		if (off >= sizeof(all))
			break;
	}
	return all;
}

#define ck_no_errors() ck_assert_msg(typ_infer__nerrors(g_inf) == 0, "%s", errors())
#define ck_error_has(s) ck_assert_msg(strstr(errors(), (s)) != NULL, \
	"expected \"%s\" in:\n%s", (s), errors())

/* A DIFO named d returning %r1 after BODY, in one clause. */
#define PROG1(body) \
	".difo d\n" body "\tret %r1\n.end\n" \
	".clause @\"t.d\":1:1\n\t.probe a:b:c:d\n\t.action difexpr difo=d\n.end\n"

/* ASSERTION: setx gives int32_t (int64_t when wide), setx 0 gives NULL, sets gives string. */
START_TEST(constants)
{
	type_text(".difo d\n\tsetx 42, %r1\n\tsetx 0x100000000, %r2\n\tsetx 0, %r3\n"
	    "\tsets \"s\", %r4\n\tret %r1\n.end\n", NULL);
	ck_no_errors();
	ck_assert_str_eq(def(0, 0), "int32_t");
	ck_assert_str_eq(def(0, 1), "int64_t");
	ck_assert_str_eq(def(0, 2), "NULL");
	ck_assert_str_eq(def(0, 3), "string");
	ck_assert_str_eq(rtype(0), "int32_t");
	ck_assert_str_eq(def(0, 4), "(none)");
}
END_TEST

/* ASSERTION: integer ALU results widen by size and sign; narrow ints promote to int. */
START_TEST(alu_widening)
{
	type_text(PROG1("\tldgs uid, %r2\n\tldgs pid, %r3\n\tadd %r2, %r3, %r1\n"
	    "\tldgs timestamp, %r4\n\tmul %r1, %r4, %r5\n\tsll %r2, %r3, %r6\n"), NULL);
	ck_no_errors();
	ck_assert_str_eq(def(0, 2), "int64_t");		/* u32 + s32 */
	ck_assert_str_eq(def(0, 4), "int64_t");		/* s64 * u64 (signed wins) */
	ck_assert_str_eq(def(0, 5), "uint32_t");	/* shift keeps the left type */
}
END_TEST

/* ASSERTION: pointer + integer is a pointer, pointer - pointer is int64_t. */
START_TEST(pointer_arith)
{
	type_text(PROG1("\tldgs curthread, %r2\n\tsetx 8, %r3\n\tadd %r2, %r3, %r4\n"
	    "\tsub %r4, %r2, %r1\n"), "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(def(0, 0), "struct thread *");
	ck_assert_str_eq(def(0, 2), "struct thread *");
	ck_assert_str_eq(def(0, 3), "int64_t");
}
END_TEST

/* ASSERTION: adding two pointers and multiplying a pointer are errors naming the types. */
START_TEST(pointer_misuse)
{
	type_text(PROG1("\tldgs curthread, %r2\n\tadd %r2, %r2, %r1\n"
	    "\tmul %r2, %r2, %r3\n"), "freebsd_a");
	ck_error_has("cannot add two pointers: struct thread * and struct thread *");
	ck_error_has("mul of a struct thread *: integer operands required");
	ck_assert_uint_eq(typ_infer__nerrors(g_inf), 2);
}
END_TEST

/* ASSERTION: at an if/else merge, int32_t and int64_t join to int64_t without error. */
START_TEST(join_widen_at_merge)
{
	type_text(PROG1("\tldgs pid, %r2\n\ttst %r2\n\tbe other\n\tsetx 1, %r1\n"
	    "\tba done\nother:\n\tldgs arg0, %r1\ndone:\n\tmov %r1, %r1\n"), NULL);
	ck_no_errors();
	ck_assert_str_eq(def(0, 6), "int64_t");
	ck_assert_str_eq(rtype(0), "int64_t");
}
END_TEST

/* ASSERTION: at a merge, NULL on one path and a pointer on the other give the pointer. */
START_TEST(join_null_pointer)
{
	type_text(PROG1("\tldgs pid, %r2\n\ttst %r2\n\tbe other\n\tsetx 0, %r1\n"
	    "\tba done\nother:\n\tldgs curthread, %r1\ndone:\n"), "freebsd_b");
	ck_no_errors();
	ck_assert_str_eq(rtype(0), "struct thread *");
}
END_TEST

/* ASSERTION: a register that is an int on one path and a string on the other is an error at its use, naming both. */
START_TEST(join_conflict)
{
	type_text(PROG1("\tldgs pid, %r2\n\ttst %r2\n\tbe other\n\tsetx 1, %r1\n"
	    "\tba done\nother:\n\tsets \"x\", %r1\ndone:\n\tadd %r1, %r2, %r3\n"), NULL);
	ck_assert_uint_eq(typ_infer__nerrors(g_inf), 1);
	ck_error_has("%r1 has conflicting types where paths meet at pc 6: int32_t and string");
	ck_error_has("pc 6 (add %r1, %r2, %r3)");
}
END_TEST

/* ASSERTION: void * joins with struct thread * to void *, and a char * with string to string. */
START_TEST(join_void_and_char)
{
	struct typ_type a, b, j;
	char s[100];
	int64_t id;

	type_text(PROG1("\tsetx 1, %r1\n"), "freebsd_a");
	id = typ_file__lookup(g_tf, "struct thread *", NULL);
	ck_assert_int_gt(id, 0);
	memset(&a, 0, sizeof(a));
	a.kind = TYP_T_PTR;
	a.id = (typ_id_t)id;
	b = a;
	b.id = 0;
	j = typ_type__join(g_inf, a, b);
	typ_type__to_string(g_inf, &j, s, sizeof(s));
	ck_assert_str_eq(s, "void *");
	id = typ_file__lookup(g_tf, "char *", NULL);
	a.id = (typ_id_t)id;
	memset(&b, 0, sizeof(b));
	b.kind = TYP_T_STRING;
	j = typ_type__join(g_inf, a, b);
	ck_assert_int_eq(j.kind, TYP_T_STRING);
	id = typ_file__lookup(g_tf, "struct proc *", NULL);
	b = a;
	b.id = (typ_id_t)id;
	ck_assert_int_eq(typ_type__join(g_inf, a, b).kind, TYP_T_TOP);
}
END_TEST

/* ASSERTION: different tuple-stack depths at a merge are an error. */
START_TEST(stack_depth_merge)
{
	type_text(PROG1("\tldgs pid, %r2\n\ttst %r2\n\tbe other\n"
	    "\tpushtv ctf, %r0, %r2\nother:\n\tsetx 1, %r1\n"), NULL);
	ck_error_has("tuple stack depths differ where paths meet: 0 and 1");
	ck_error_has("pc 4 (setx DT_INTEGER[0], %r1)");
}
END_TEST

static const char two_clauses[] =
	".difo first\n\t.var x\n\t%s\n\tstgs %%r1, x\n\tret %%r1\n.end\n"
	".difo second\n\t.var x\n\t%s\n\tstgs %%r1, x\n\tret %%r1\n.end\n"
	".difo reader\n\t.var x\n\tldgs x, %%r1\n\tret %%r1\n.end\n"
	".clause\n\t.probe a:b:c:d\n\t.action difexpr difo=first\n.end\n"
	".clause\n\t.probe a:b:c:e\n\t.action difexpr difo=second\n.end\n"
	".clause\n\t.probe a:b:c:f\n\t.action difexpr difo=reader\n.end\n";

static void type_two(const char *a, const char *b)
{
	char text[2048];

	snprintf(text, sizeof(text), two_clauses, a, b);
	type_text(text, NULL);
}

/* ASSERTION: a global stored a string in one clause and an int in another is a conflict, in either order. */
START_TEST(cross_clause_conflict)
{
	type_two("sets \"s\", %r1", "setx 5, %r1");
	ck_error_has("conflicting types for variable x: string (first stored in DIFO 0, pc 1) and int32_t");
	type_two("setx 5, %r1", "sets \"s\", %r1");
	ck_error_has("conflicting types for variable x: int32_t (first stored in DIFO 0, pc 1) and string");
}
END_TEST

/* ASSERTION: a variable's type is the join of all stores, seen by a load in any clause (before or after). */
START_TEST(cross_clause_join)
{
	type_text(".difo reader\n\t.var x scope=thread\n\tldts x, %r1\n\tret %r1\n.end\n"
	    ".difo w1\n\t.var x scope=thread\n\tldgs pid, %r1\n\tstts %r1, x\n\tret %r1\n.end\n"
	    ".difo w2\n\t.var x scope=thread\n\tldgs uid, %r1\n\tstts %r1, x\n\tret %r1\n.end\n",
	    NULL);
	ck_no_errors();
	ck_assert_str_eq(rtype(0), "int64_t");
	ck_assert_uint_eq(typ_infer__nvars(g_inf), 1);
	ck_assert_str_eq(typ_infer__var(g_inf, 0)->name, "x");
	ck_assert_int_eq(typ_infer__var(g_inf, 0)->scope, DIFV_SCOPE_THREAD);
}
END_TEST

/* ASSERTION: an associative array used with 1 key and with 2 keys is a key tuple mismatch. */
START_TEST(key_count_mismatch)
{
	type_text(".difo a\n\t.var m kind=array\n\tsetx 1, %r1\n\tpushtv ctf, %r0, %r1\n"
	    "\tstgaa %r1, m\n\tret %r1\n.end\n"
	    ".difo b\n\t.var m kind=array\n\tsetx 1, %r1\n\tpushtv ctf, %r0, %r1\n"
	    "\tpushtv ctf, %r0, %r1\n\tldgaa m, %r2\n\tret %r2\n.end\n", NULL);
	ck_error_has("key tuple mismatch for m[]: 2 keys here, 1 elsewhere");
}
END_TEST

/* ASSERTION: an associative array keyed by a string in one use and an int in another is an error. */
START_TEST(key_type_mismatch)
{
	type_text(".difo a\n\t.var m kind=array scope=thread\n\tsets \"k\", %r1\n"
	    "\tpushtr string, %r0, %r1\n\tsttaa %r1, m\n\tret %r1\n.end\n"
	    ".difo b\n\t.var m kind=array scope=thread\n\tsetx 1, %r1\n"
	    "\tpushtv ctf, %r0, %r1\n\tldtaa m, %r2\n\tret %r2\n.end\n", NULL);
	ck_error_has("key 1 of self->m[] has conflicting types: string and int32_t");
}
END_TEST

/*
 * Per-OS arms as dtc compiles the system library (compiler/lib/psinfo.d):
 * a Linux arm and a FreeBSD arm, each behind a type_exists test, whose
 * values differ in type (char [16] and char [20]), and a last arm for
 * neither.
 */
#define TWO_ARMS(tst_op_linux) PROG1( \
	"\tusetx type_exists(\"struct task_struct\"), %r2\n\ttst %r2\n" \
	"\t" tst_op_linux " bsd\n" \
	"\tldgs curthread, %r2\n" \
	"\tusetx member_offset(\"struct task_struct\", \"comm\", guarded), %r3\n" \
	"\tadd %r2, %r3, %r2\n" \
	"\tuload [%r2], %r1, load(\"struct task_struct\", \"comm\", guarded)\n" \
	"\tba done\n" \
	"bsd:\n\tusetx type_exists(\"struct thread\"), %r2\n\ttst %r2\n\tbe none\n" \
	"\tldgs curthread, %r2\n" \
	"\tusetx member_offset(\"struct thread\", \"td_proc\", guarded), %r3\n" \
	"\tadd %r2, %r3, %r2\n" \
	"\tuload [%r2], %r2, load(\"struct thread\", \"td_proc\", guarded)\n" \
	"\tusetx member_offset(\"struct proc\", \"p_comm\", guarded), %r3\n" \
	"\tadd %r2, %r3, %r2\n" \
	"\tuload [%r2], %r1, load(\"struct proc\", \"p_comm\", guarded)\n" \
	"\tba done\n" \
	"none:\n\tsetx 0, %r2\n\tldx [%r2], %r2\n\tsetx 0, %r1\n" \
	"done:\n")

/* ASSERTION: with a typefile, a type_exists test settles its branch: only the live arm's value reaches the join, so arms of different types are no conflict, on either OS. */
START_TEST(settled_arms)
{
	type_text(TWO_ARMS("be"), "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(rtype(0), "char [20]");
	ck_assert_str_eq(def(0, 6), "(none)");		/* the Linux arm is dead */
	ck_assert_str_eq(def(0, 17), "char [20]");
	ck_assert_str_eq(def(0, 19), "(none)");		/* so is the last arm */
	type_text(TWO_ARMS("be"), "linux");
	ck_no_errors();
	ck_assert_str_eq(rtype(0), "char [16]");
	ck_assert_str_eq(def(0, 6), "char [16]");
	ck_assert_str_eq(def(0, 8), "(none)");		/* the FreeBSD arms are dead */
	ck_assert_str_eq(def(0, 15), "(none)");
	/* the inverse test (bne) follows the other edge: on FreeBSD the
	 * (poisoned) Linux arm runs and the FreeBSD arms are dead */
	type_text(TWO_ARMS("bne"), "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(def(0, 6), "target(typeof(struct task_struct.comm))");
	ck_assert_str_eq(def(0, 8), "(none)");
	ck_assert_str_eq(def(0, 17), "(none)");
}
END_TEST

/* ASSERTION: a branch not settled by a link-time constant (a tst of a run-time value, a cmp after the tst, no typefile) still joins both arms and reports their conflict. */
START_TEST(unsettled_arms)
{
	type_text(PROG1("\tusetx type_exists(\"struct thread\"), %r2\n\ttst %r2\n"
	    "\tldgs pid, %r4\n\tcmp %r4, %r0\n\tbe other\n\tsetx 1, %r1\n"
	    "\tba done\nother:\n\tsets \"x\", %r1\ndone:\n\tadd %r1, %r2, %r3\n"),
	    "freebsd_a");
	ck_error_has("%r1 has conflicting types where paths meet at pc 8: int32_t and string");
	type_text(PROG1("\tusetx type_exists(\"struct thread\"), %r2\n\tnot %r2, %r2\n"
	    "\ttst %r2\n\tbe other\n\tsetx 1, %r1\n"
	    "\tba done\nother:\n\tsets \"x\", %r1\ndone:\n\tadd %r1, %r2, %r3\n"),
	    "freebsd_a");
	ck_error_has("%r1 has conflicting types where paths meet at pc 7: int32_t and string");
	type_text(TWO_ARMS("be"), NULL);
	ck_assert_str_eq(def(0, 6), "target(typeof(struct task_struct.comm))");
	ck_assert_str_eq(def(0, 17), "target(typeof(struct proc.p_comm))");
}
END_TEST

/* ASSERTION: a member load resolves through relocations against both FreeBSD layouts to pid_t. */
START_TEST(member_both_layouts)
{
	static const char *const tfs[] = { "freebsd_a", "freebsd_b" };

	for (int i = 0; i < 2; i++) {
		type_file(EXAMPLES_DIR "/member-load.s", tfs[i]);
		ck_no_errors();
		ck_assert_str_eq(def(0, 0), "struct thread *");
		ck_assert_str_eq(def(0, 2), "struct proc **");
		ck_assert_str_eq(def(0, 3), "struct proc *");
		ck_assert_str_eq(def(0, 5), "pid_t *");
		ck_assert_str_eq(rtype(0), "pid_t");
	}
}
END_TEST

/* ASSERTION: without a typefile a member load stays symbolic (target type named by the relocation). */
START_TEST(member_loose)
{
	type_file(EXAMPLES_DIR "/member-load.s", NULL);
	ck_no_errors();
	ck_assert_str_eq(rtype(0), "target(typeof(struct proc.p_pid))");
}
END_TEST

/* ASSERTION: a member the typefile lacks is a bad-member error with a suggestion. */
START_TEST(bad_member)
{
	type_text(PROG1("\tldgs curthread, %r2\n"
	    "\tusetx member_offset(\"struct thread\", \"td_prok\"), %r3\n"
	    "\tadd %r2, %r3, %r2\n\tuload [%r2], %r1, load(\"struct thread\", \"td_prok\")\n"),
	    "freebsd_a");
	ck_error_has("bad member: struct thread has no member 'td_prok' (did you mean 'td_proc'?)");
	ck_error_has("pc 1 (usetx member_offset(\"struct thread\", \"td_prok\"), %r3)");
	ck_error_has("pc 3 (uload");
}
END_TEST

/* ASSERTION: a type missing from the target (struct thread on Linux) is reported. */
START_TEST(unknown_type)
{
	type_file(EXAMPLES_DIR "/member-load.s", "linux");
	ck_error_has("unknown type 'struct thread'");
}
END_TEST

/* curthread->td_proc, a struct proc *, in %r2 (pcs 0..3). */
#define P_PROC \
	"\tldgs curthread, %r2\n" \
	"\tusetx member_offset(\"struct thread\", \"td_proc\"), %r3\n\tadd %r2, %r3, %r2\n" \
	"\tuload [%r2], %r2, load(\"struct thread\", \"td_proc\")\n"

/* ASSERTION: a uload of a whole struct yields it by reference: copys takes it, a member offset of the same struct makes a member pointer, and the DIFO returns it by reference with the struct's size. */
START_TEST(struct_load_by_ref)
{
	static const char *const tfs[] = { "freebsd_a", "freebsd_b" };
	struct dif_type dt;

	for (int i = 0; i < 2; i++) {
		type_text(PROG1(P_PROC "\tuload [%r2], %r1, load(\"struct proc\")\n"
		    "\tusetx type_size(\"struct proc\"), %r3\n\tallocs %r3, %r4\n"
		    "\tcopys %r1, %r3, %r4\n"
		    "\tusetx member_offset(\"struct proc\", \"p_pid\"), %r5\n"
		    "\tadd %r1, %r5, %r6\n"
		    "\tuload [%r6], %r6, load(\"struct proc\", \"p_pid\")\n"), tfs[i]);
		ck_no_errors();
		ck_assert_str_eq(def(0, 4), "struct proc");
		ck_assert_str_eq(def(0, 9), "pid_t *");
		ck_assert_str_eq(def(0, 10), "pid_t");
		ck_assert_str_eq(rtype(0), "struct proc");
		ck_assert_int_eq(typ_infer__rtype_dif(g_inf, 0, &dt), 0);
		ck_assert_int_eq(dt.dtdt_kind, DIF_TYPE_CTF);
		ck_assert_int_eq(dt.dtdt_ckind, DIF_CTF_K_STRUCT);
		ck_assert_int_eq(dt.dtdt_flags, DIF_TF_BYREF);
		ck_assert_int_eq(dt.dtdt_size,
		    typ_file__size(g_tf, (typ_id_t)typ_file__lookup(g_tf, "struct proc", NULL)));
	}
}
END_TEST

/* ASSERTION: a uload of an array or struct member yields it by reference; a char array is a string to a DIFO declared to return one. */
START_TEST(member_aggregate_by_ref)
{
	struct dif_type dt;

	type_text(".difo d rtype=string:unknown:byref:256\n" P_PROC
	    "\tusetx member_offset(\"struct proc\", \"p_comm\"), %r3\n\tadd %r2, %r3, %r3\n"
	    "\tuload [%r3], %r1, load(\"struct proc\", \"p_comm\")\n"
	    "\tusetx member_offset(\"struct proc\", \"p_list\"), %r4\n\tadd %r2, %r4, %r4\n"
	    "\tuload [%r4], %r5, load(\"struct proc\", \"p_list\")\n"
	    "\tret %r1\n.end\n", "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(def(0, 6), "char [20]");
	ck_assert_str_eq(def(0, 9), "struct (anon)");
	ck_assert_int_eq(typ_infer__rtype_dif(g_inf, 0, &dt), 0);
	ck_assert_int_eq(dt.dtdt_kind, DIF_TYPE_CTF);
	ck_assert_int_eq(dt.dtdt_ckind, DIF_CTF_K_ARRAY);
	ck_assert_int_eq(dt.dtdt_flags, DIF_TF_BYREF);
	ck_assert_int_eq(dt.dtdt_size, 20);
}
END_TEST

/* ASSERTION: a struct loaded by reference keeps its type: another struct's member offset, a load through the wrong pointer, a store or a cast of it are errors. */
START_TEST(struct_by_ref_misuse)
{
	type_text(PROG1(P_PROC "\tuload [%r2], %r1, load(\"struct proc\")\n"
	    "\tusetx member_offset(\"struct thread\", \"td_tid\"), %r3\n"
	    "\tadd %r1, %r3, %r4\n"), "freebsd_a");
	ck_error_has("offset of member 'td_tid' of struct thread added to a struct proc");
	type_text(PROG1("\tldgs curthread, %r2\n"
	    "\tuload [%r2], %r1, load(\"struct proc\")\n"), "freebsd_a");
	ck_error_has("load of struct proc (struct proc) through a struct thread *");
	type_text(PROG1(P_PROC "\tuload [%r2], %r1, load(\"struct proc\")\n"
	    "\tsetx 8, %r3\n\tallocs %r3, %r3\n\tstx %r1, [%r3]\n\ttypecast cast(\"int\"), %r1\n"),
	    "freebsd_a");
	ck_error_has("stx of a struct proc");
	ck_error_has("cannot cast a struct proc to int");
}
END_TEST

/* ASSERTION: a uuload of a whole struct is a user-space struct by reference (BYUREF result). */
START_TEST(uuload_struct_user)
{
	struct dif_type dt;

	type_text(PROG1(P_PROC "\tuuload [%r2], %r1, uload(\"struct proc\")\n"), "freebsd_b");
	ck_no_errors();
	ck_assert_str_eq(def(0, 4), "struct proc (user)");
	ck_assert_int_eq(typ_infer__rtype_dif(g_inf, 0, &dt), 0);
	ck_assert_int_eq(dt.dtdt_flags, DIF_TF_BYUREF);
}
END_TEST

/* ASSERTION: a member offset of struct proc added to a struct thread * is an error. */
START_TEST(member_wrong_struct)
{
	type_text(PROG1("\tldgs curthread, %r2\n"
	    "\tusetx member_offset(\"struct proc\", \"p_pid\"), %r3\n\tadd %r2, %r3, %r1\n"),
	    "freebsd_b");
	ck_error_has("offset of member 'p_pid' of struct proc added to a struct thread *");
}
END_TEST

/* ASSERTION: a uload through a pointer to another member type is an error. */
START_TEST(uload_wrong_pointer)
{
	type_text(PROG1("\tldgs curthread, %r2\n"
	    "\tuload [%r2], %r1, load(\"struct proc\", \"p_pid\")\n"), "freebsd_a");
	ck_error_has("load of struct proc.p_pid (pid_t) through a struct thread *");
}
END_TEST

/* ASSERTION: cmp of a string and an integer, scmp of integers and stores of strings are errors. */
START_TEST(compare_and_store)
{
	type_text(PROG1("\tsets \"a\", %r1\n\tsetx 3, %r2\n\tcmp %r1, %r2\n"
	    "\tscmp %r2, %r2\n\tallocs %r2, %r3\n\tstx %r1, [%r3]\n"), NULL);
	ck_error_has("types cannot be compared: string and int32_t");
	ck_error_has("scmp compares strings, not int32_t and int32_t");
	ck_error_has("stx of a string");
}
END_TEST

/* ASSERTION: subroutine arguments come from the tuple stack: count and kinds checked, result typed. */
START_TEST(call_rules)
{
	type_text(PROG1("\tsets \"a\", %r2\n\tpushtr string, %r0, %r2\n"
	    "\tpushtr string, %r0, %r2\n\tcall strjoin, %r1\n\tflushts\n"
	    "\tsetx 3, %r3\n\tpushtv ctf, %r0, %r3\n\tcall strlen, %r4\n\tflushts\n"
	    "\tcall strjoin, %r5\n"), NULL);
	ck_assert_str_eq(def(0, 3), "string");
	ck_error_has("strlen() argument 1: expected a string, found int32_t");
	ck_error_has("strjoin() takes 2 arguments on the tuple stack, found 0");
	ck_assert_uint_eq(typ_infer__nerrors(g_inf), 2);
}
END_TEST

/* ASSERTION: built-ins take the profile's types: tid is id_t on FreeBSD, jid does not exist on Linux. */
START_TEST(builtins)
{
	type_text(PROG1("\tldgs tid, %r1\n\tldgs execname, %r2\n\tldga args, %r0, %r3\n"),
	    "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(def(0, 0), "id_t");
	ck_assert_str_eq(def(0, 1), "string");
	ck_assert_str_eq(def(0, 2), "int64_t");
	type_text(PROG1("\tldgs jid, %r1\n"), "linux");
	ck_error_has("built-in 'jid' is not available on linux");
	type_text(PROG1("\tldgs timestamp, %r1\n\tstgs %r1, timestamp\n"), NULL);
	ck_error_has("store to built-in variable timestamp");
}
END_TEST

/* The address of curthread->td_proc->p_pid in %r2 (pcs 0..5). */
#define P_PID_ADDR \
	"\tldgs curthread, %r2\n" \
	"\tusetx member_offset(\"struct thread\", \"td_proc\"), %r3\n\tadd %r2, %r3, %r2\n" \
	"\tuload [%r2], %r2, load(\"struct thread\", \"td_proc\")\n" \
	"\tusetx member_offset(\"struct proc\", \"p_pid\"), %r3\n\tadd %r2, %r3, %r2\n"

/* ASSERTION: ustore takes the member type from its relocation: integers fit an integer member; strings, pointers into an int, and struct/array members are errors; it defines no register. */
START_TEST(ustore_rule)
{
	static const char *const tfs[] = { "freebsd_a", "freebsd_b" };

	for (int i = 0; i < 2; i++) {
		type_text(PROG1(P_PID_ADDR "\tsetx 5, %r1\n"
		    "\tustore %r1, [%r2], store(\"struct proc\", \"p_pid\")\n"), tfs[i]);
		ck_no_errors();
		ck_assert_str_eq(def(0, 5), "pid_t *");
		ck_assert_str_eq(def(0, 7), "(none)");
	}
	type_text(PROG1(P_PID_ADDR "\tsets \"x\", %r1\n"
	    "\tustore %r1, [%r2], store(\"struct proc\", \"p_pid\")\n"), "freebsd_a");
	ck_error_has("ustore of a string into a pid_t member");
	type_text(PROG1(P_PID_ADDR "\tldgs curthread, %r1\n"
	    "\tustore %r1, [%r2], store(\"struct proc\", \"p_pid\")\n"), "freebsd_a");
	ck_error_has("ustore of a struct thread * into a pid_t member: the pointer does not fit");
	type_text(PROG1("\tldgs curthread, %r2\n\tsetx 1, %r1\n"
	    "\tustore %r1, [%r2], store(\"struct proc\", \"p_comm\")\n"), "freebsd_a");
	ck_error_has("store into struct proc.p_comm by value");
	type_text(PROG1("\tsetx 1, %r1\n\tsetx 64, %r2\n"
	    "\tustore %r1, [%r2], store(\"struct proc\", \"p_pid\")\n"), NULL);
	ck_no_errors();
}
END_TEST

/* ASSERTION: typecast gives the relocation's type (D intrinsic names even when the typefile lacks them). */
START_TEST(typecast_rule)
{
	type_text(PROG1("\tsetx 300, %r1\n\ttypecast cast(\"int8_t\"), %r1\n"
	    "\tsetx 0, %r2\n\ttypecast cast(\"struct proc *\"), %r2\n"), "freebsd_b");
	ck_no_errors();
	ck_assert_str_eq(def(0, 1), "int8_t");
	ck_assert_str_eq(def(0, 3), "struct proc *");
	type_text(PROG1("\tsetx 1, %r1\n\ttypecast cast(\"struct nosuch\"), %r1\n"), "freebsd_b");
	ck_error_has("unknown type 'struct nosuch'");
}
END_TEST

/* ASSERTION: an integer cast to a pointer (typecast to "char *") is a string argument; a pointer to a type the target lacks is still a pointer. */
START_TEST(typecast_pointer)
{
	type_text(PROG1("\tcall rand, %r2\n\ttypecast cast(\"char *\"), %r2\n"
	    "\tflushts\n\tpushtv ctf, %r0, %r2\n\tcall basename, %r1\n\tflushts\n"
	    "\tsetx 8, %r3\n\ttypecast cast(\"d_only_t *\"), %r3\n"), "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(def(0, 1), "char *");
	ck_assert_str_eq(def(0, 4), "string");
	ck_assert_str_eq(def(0, 7), "d_only_t *");
	type_text(PROG1("\tcall rand, %r2\n"
	    "\tflushts\n\tpushtv ctf, %r0, %r2\n\tcall basename, %r1\n\tflushts\n"),
	    "freebsd_a");
	ck_error_has("basename() argument 1: expected a string");
}
END_TEST

/* ASSERTION: a DIFO declared to return a string that returns an int is an error; rtype_dif reports the inferred type. */
START_TEST(rtype_rule)
{
	struct dif_type dt;

	type_text(".difo d rtype=string:unknown:byref:256\n\tsetx 1, %r1\n\tret %r1\n.end\n",
	    NULL);
	ck_error_has("DIFO is declared to return a string but returns int32_t");
	ck_assert_int_eq(typ_infer__rtype_dif(g_inf, 0, &dt), 0);
	ck_assert_int_eq(dt.dtdt_kind, DIF_TYPE_CTF);
	ck_assert_int_eq(dt.dtdt_ckind, DIF_CTF_K_INTEGER);
	ck_assert_int_eq(dt.dtdt_size, 4);
	type_text(".difo d\n\tsets \"x\", %r1\n\tret %r1\n.end\n", NULL);
	ck_assert_int_eq(typ_infer__rtype_dif(g_inf, 0, &dt), 0);
	ck_assert_int_eq(dt.dtdt_kind, DIF_TYPE_STRING);
}
END_TEST

/* ASSERTION: ldta is reported (it faults at run time), never aborts. */
START_TEST(ldta_rule)
{
	type_text(PROG1("\tldta DT_VAR(0), %r0, %r1\n"), NULL);
	ck_error_has("ldta: thread-local built-in arrays do not exist");
}
END_TEST

/* ASSERTION: errors carry the source position of the DIFO line table and print as file:line:col. */
START_TEST(error_position)
{
	type_text(".difo d\n\t.line \"p.d\":7:3\n\tsets \"a\", %r2\n\t.line \"p.d\":8:5\n"
	    "\tmul %r2, %r2, %r1\n\tret %r1\n.end\n"
	    ".clause @\"p.d\":6:1\n\t.probe a:b:c:d\n\t.predicate d\n.end\n", NULL);
	ck_assert_uint_eq(typ_infer__nerrors(g_inf), 1);
	ck_assert_str_eq(errors(), "p.d:8:5: error: clause 0, DIFO 0, pc 1 "
	    "(mul %r2, %r2, %r1): mul of a string: integer operands required\n");
}
END_TEST

/* ASSERTION: every opcode of examples/every-opcode.s is typed without abort, loosely and against each typefile. */
START_TEST(every_opcode)
{
	static const char *const tfs[] = { NULL, "freebsd_a", "freebsd_b", "linux" };

	for (int i = 0; i < 4; i++) {
		type_file(EXAMPLES_DIR "/every-opcode.s", tfs[i]);
		ck_assert_uint_lt(typ_infer__nerrors(g_inf), 20);
	}
}
END_TEST

/* ASSERTION: the used type ids feed typ_file__min_btf, and the minimal typefile types the program the same. */
START_TEST(min_typefile)
{
	const typ_id_t *ids;
	size_t n;
	void *data = NULL;
	size_t size = 0;
	struct typ_err err;
	struct typ_min_opts mo = { .follow_pointers = false };
	struct typ_file *small = NULL;
	struct typ_infer *inf2 = NULL;
	struct typ_infer_opts o = { 0 };
	struct typ_type t;
	char s[100];

	type_file(EXAMPLES_DIR "/member-load.s", "freebsd_a");
	n = typ_infer__used_ids(g_inf, &ids);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_lt(ids[i - 1], ids[i]);
	ck_assert_int_eq(typ_file__min_btf(g_tf, ids, n, &mo, &data, &size, &err), 0);
	ck_assert_int_eq(typ_file__open_mem(data, size, "min", &small, &err), 0);
	o.tf = small;
	ck_assert_int_eq(typ_infer__new(g_obj, &o, &inf2), 0);
	ck_assert_uint_eq(typ_infer__nerrors(inf2), 0);
	typ_infer__rtype(inf2, 0, &t);
	typ_type__to_string(inf2, &t, s, sizeof(s));
	ck_assert_str_eq(s, "pid_t");
	typ_infer__free(inf2);
	typ_file__free(small);
	free(data);
}
END_TEST

/* ASSERTION: a linked object (plain loads, no relocations) is typed too: loads are sized integers. */
START_TEST(linked_object)
{
	type_text(".object linked\n.difo d\n\tldgs curthread, %r1\n\tsetx 8, %r2\n"
	    "\tadd %r1, %r2, %r1\n\tldx [%r1], %r1\n\tldsw [%r1], %r3\n\tret %r3\n.end\n"
	    ".clause\n\t.probe a:b:c:d\n\t.action difexpr difo=d\n.end\n", "freebsd_a");
	ck_no_errors();
	ck_assert_str_eq(def(0, 2), "struct thread *");
	ck_assert_str_eq(def(0, 3), "uint64_t");
	ck_assert_str_eq(rtype(0), "int32_t");
}
END_TEST

/* ASSERTION: random instruction words and tables never crash or hang the inference. */
START_TEST(random_difos)
{
	uint32_t seed = 12345;
	dif_instr_t text[64];
	uint64_t ints[4] = { 0, 1, 0xffffffffffffffffull, 1ull << 40 };
	struct dif_reloc rels[4];
	struct typ_infer *inf;

	teardown();
	for (int iter = 0; iter < 3000; iter++) {
		struct dobj *obj = dobj__new(DOBJ_RELOCATABLE);
		int d = dobj__add_difo(obj);
		uint32_t len = 1 + iter % 64;
		for (uint32_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = (seed >> 1) ^ (seed << 17);
			/* mostly valid opcodes, registers and small operands */
			if (iter % 3 != 0)
				text[i] = ((1 + (seed >> 24) % DIF_OP_MAX) << 24) |
				    (text[i] & 0x0707ff07u);
		}
		for (int r = 0; r < 4; r++) {
			rels[r].dtr_pc = (uint32_t)r * 3;
			rels[r].dtr_kind = (uint16_t)(1 + r);
			rels[r].dtr_flags = 0;
			rels[r].dtr_type = dobj__intern(obj, r & 1 ? "struct thread" : "int");
			rels[r].dtr_member = dobj__intern(obj, r & 2 ? "td_proc" : "");
		}
		ck_assert_int_ge(d, 0);
		dobj_difo__set_text(&obj->difos[d], text, len);
		dobj_difo__set_inttab(&obj->difos[d], ints, 4);
		dobj_difo__set_reltab(&obj->difos[d], rels, 4);
		ck_assert_int_eq(typ_infer__new(obj, NULL, &inf), 0);
		for (size_t e = 0; e < typ_infer__nerrors(inf); e++) {
			char buf[1024];
			typ_diag__format(typ_infer__error(inf, e), buf, sizeof(buf));
		}
		typ_infer__free(inf);
		dobj__free(obj);
	}
}
END_TEST

static Suite *infer_suite(void)
{
	Suite *s = suite_create("typer-infer");
	struct {
		const char *name;
		const TTest *test;
	} tests[] = {
		{ "constants", constants },
		{ "alu_widening", alu_widening },
		{ "pointer_arith", pointer_arith },
		{ "pointer_misuse", pointer_misuse },
		{ "join_widen_at_merge", join_widen_at_merge },
		{ "join_null_pointer", join_null_pointer },
		{ "join_conflict", join_conflict },
		{ "join_void_and_char", join_void_and_char },
		{ "stack_depth_merge", stack_depth_merge },
		{ "cross_clause_conflict", cross_clause_conflict },
		{ "cross_clause_join", cross_clause_join },
		{ "key_count_mismatch", key_count_mismatch },
		{ "key_type_mismatch", key_type_mismatch },
		{ "settled_arms", settled_arms },
		{ "unsettled_arms", unsettled_arms },
		{ "member_both_layouts", member_both_layouts },
		{ "member_loose", member_loose },
		{ "bad_member", bad_member },
		{ "unknown_type", unknown_type },
		{ "struct_load_by_ref", struct_load_by_ref },
		{ "member_aggregate_by_ref", member_aggregate_by_ref },
		{ "struct_by_ref_misuse", struct_by_ref_misuse },
		{ "uuload_struct_user", uuload_struct_user },
		{ "member_wrong_struct", member_wrong_struct },
		{ "uload_wrong_pointer", uload_wrong_pointer },
		{ "compare_and_store", compare_and_store },
		{ "call_rules", call_rules },
		{ "builtins", builtins },
		{ "typecast_rule", typecast_rule },
		{ "ustore_rule", ustore_rule },
		{ "typecast_pointer", typecast_pointer },
		{ "rtype_rule", rtype_rule },
		{ "ldta_rule", ldta_rule },
		{ "error_position", error_position },
		{ "every_opcode", every_opcode },
		{ "min_typefile", min_typefile },
		{ "linked_object", linked_object },
		{ "random_difos", random_difos },
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		TCase *tc = tcase_create(tests[i].name);
		tcase_add_checked_fixture(tc, NULL, teardown);
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, tests[i].test);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(infer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
