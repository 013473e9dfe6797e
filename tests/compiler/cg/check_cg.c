/*
 * check_cg.c -- Check suite of the dtc back end (compiler/cg).
 *
 * Golden cases live in cases/<name>.d with the expected assembly text in
 * cases/<name>.dis (cg_tool -s, hand-checked); the suite runs with the cases
 * directory as working directory so source names are stable.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm.h"
#include "dc.h"
#include "dc_cg.h"
#include "dvm_emul.h"
#include "dvm_var.h"
#include "dvm_validate.h"

struct diags {
	unsigned n;
	enum dc_errtag last;
	char msg[512];
};

static void sink(void *ctx, const struct dc_diag *d)
{
	struct diags *s = ctx;

	s->n++;
	s->last = d->tag;
	snprintf(s->msg, sizeof(s->msg), "%s:%d:%d: [%s] %s", d->file, d->line, d->col,
		 dc_errtag__name(d->tag), d->msg);
}

/* Compile a program text; the object or NULL (diagnostics in *dg). */
static struct dobj *gen_src(const char *name, const char *text, struct diags *dg)
{
	struct dc_source src = { .name = name, .text = text, .len = text ? strlen(text) : 0 };
	struct dc_options o = { .sink = sink, .sink_ctx = dg };
	struct dc_program *p = dc_compile(&src, 1, &o);
	struct dobj *obj = NULL;

	ck_assert_ptr_nonnull(p);
	if (dc_program__nerrors(p) == 0)
		(void)dc_cg__program(p, NULL, &obj, sink, dg);
	dc_program__free(p);
	return obj;
}

static struct dobj *gen(const char *text)
{
	struct diags dg = { 0 };
	struct dobj *o = gen_src("t.d", text, &dg);

	ck_assert_msg(o != NULL, "no object: %s", dg.msg);
	return o;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		*len = (size_t)n;
	}
	return b;
}

/* ASSERTION: every golden case generates exactly its hand-checked assembly text */
START_TEST(test_golden)
{
	DIR *d = opendir(".");
	struct dirent *e;
	unsigned cases = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 3 || strcmp(e->d_name + n - 2, ".d") != 0)
			continue;
		char dis[512];
		size_t elen = 0, glen = 0;
		snprintf(dis, sizeof(dis), "%.*s.dis", (int)(n - 2), e->d_name);
		char *want = slurp(dis, &elen);
		ck_assert_msg(want != NULL, "missing %s", dis);
		struct diags dg = { 0 };
		struct dobj *o = gen_src(e->d_name, NULL, &dg);
		ck_assert_msg(o != NULL, "%s: %s", e->d_name, dg.msg);
		char *got = dasm__disassemble_str(o, &glen);
		ck_assert_ptr_nonnull(got);
		ck_assert_msg(glen == elen && memcmp(got, want, glen) == 0,
			      "%s: output differs from %s", e->d_name, dis);
		free(got);
		free(want);
		dobj__free(o);
		cases++;
	}
	closedir(d);
	ck_assert_uint_ge(cases, 20);
}
END_TEST

/* ASSERTION: the assembly text of a generated object re-assembles to an equal object */
START_TEST(test_reassemble)
{
	struct dobj *o = gen("BEGIN { @a[execname] = quantize(arg0); printf(\"%d\", pid); "
			     "self->x[1] = curthread->td_proc; }");
	size_t len;
	char *txt = dasm__disassemble_str(o, &len);
	struct dobj *back = NULL;
	ck_assert_ptr_nonnull(txt);
	ck_assert_int_eq(dasm__assemble(txt, len, "re.s", &back, NULL), 0);
	ck_assert_int_eq(dasm__equal(o, back), 1);
	free(txt);
	dobj__free(back);
	dobj__free(o);
}
END_TEST

/* ASSERTION: compiling the same program twice gives identical bytes */
START_TEST(test_deterministic)
{
	const char *prog = "syscall::read:entry /pid != 0/ { self->t = timestamp; "
		"@c[probefunc] = count(); } syscall::read:return /self->t/ { "
		"@l = lquantize(timestamp - self->t, 0, 1000, 10); self->t = 0; }";
	struct dobj *a = gen(prog), *b = gen(prog);
	void *ba, *bb;
	size_t la, lb;
	ck_assert_int_eq(dobj__write_mem(a, &ba, &la), 0);
	ck_assert_int_eq(dobj__write_mem(b, &bb, &lb), 0);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(ba, bb, la), 0);
	free(ba);
	free(bb);
	dobj__free(a);
	dobj__free(b);
}
END_TEST

/* ASSERTION: every DIFO of a generated object passes the validator in relocatable mode */
START_TEST(test_valid)
{
	struct dobj *o = gen("BEGIN { x = pid > 3 && tid < 4 || !(arg0 ^^ arg1) ? 1 : 2; "
			     "copyout(curthread, arg0, 4); trace(strjoin(execname, \"x\")); }");
	ck_assert_uint_gt(o->ndifos, 0);
	for (uint32_t i = 0; i < o->ndifos; i++) {
		struct dif_difo v;
		struct dvm_validate_opts vo = { .dvo_flags = DVM_VF_RELOCATABLE };
		struct dvm_verr e[1];
		dobj_difo__view(&o->difos[i], &v);
		ck_assert_uint_eq(dvm_difo__validate(&v, &vo, e, 1), 0);
	}
	dobj__free(o);
}
END_TEST

/* ASSERTION: a copyout call marks its DIFO destructive */
START_TEST(test_destructive)
{
	struct dobj *o = gen("BEGIN { copyoutstr(\"x\", arg0, 2); }");
	ck_assert_uint_eq(o->ndifos, 1);
	ck_assert_uint_eq(o->difos[0].flags & DOBJ_DIFO_F_DESTRUCTIVE, DOBJ_DIFO_F_DESTRUCTIVE);
	dobj__free(o);
}
END_TEST

/* ASSERTION: printf makes one PRINTF action per argument, all sharing the format */
START_TEST(test_printf_layout)
{
	struct dobj *o = gen("BEGIN { printf(\"%d %s %d\", 1, \"a\", 2); }");
	ck_assert_uint_eq(o->nactions, 3);
	for (uint32_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(o->actions[i].kind, DIF_ACT_PRINTF);
		ck_assert_int_eq(o->actions[i].format, 0);
	}
	ck_assert_str_eq(dobj__str(o, o->formats[0].str), "%d %s %d");
	dobj__free(o);
}
END_TEST

/* ASSERTION: an aggregation is id, keys, increment, function with ntuple and encoding */
START_TEST(test_agg_layout)
{
	struct dobj *o = gen("BEGIN { @l[pid, execname] = lquantize(arg0, -10, 90, 10, 3); }");
	ck_assert_uint_eq(o->nactions, 5);
	ck_assert_uint_eq(o->actions[0].kind, DIF_ACT_DIFEXPR);
	ck_assert_uint_eq(o->actions[3].kind, DIF_ACT_DIFEXPR);
	ck_assert_uint_eq(o->difos[o->actions[3].difo].rtype.dtdt_size, 0);
	const struct dobj_action *a = &o->actions[4];
	ck_assert_uint_eq(a->kind, DIF_ACT_LQUANTIZE);
	ck_assert_uint_eq(a->ntuple, 4);
	ck_assert_uint_eq(a->arg, (10ull << 48) | (10ull << 32) | 0xfffffff6ull);
	ck_assert_uint_eq(o->naggs, 1);
	ck_assert_uint_eq(o->aggs[0].nkeys, 2);
	dobj__free(o);
}
END_TEST

/* ASSERTION: global and thread-local variables and aggregations become symbols */
START_TEST(test_symbols)
{
	struct dobj *o = gen("int g; BEGIN { self->s = \"x\"; a[1] = 2; @c = count(); }");
	ck_assert_uint_eq(o->nsymbols, 4);
	ck_assert_str_eq(dobj__str(o, o->symbols[0].name), "g");
	ck_assert_str_eq(dobj__str(o, o->symbols[0].ctype), "int");
	ck_assert_uint_eq(o->symbols[1].kind, DOBJ_SYM_THREAD);
	ck_assert_uint_eq(o->symbols[2].varkind, DIFV_KIND_ARRAY);
	ck_assert_uint_eq(o->symbols[3].kind, DOBJ_SYM_AGG);
	dobj__free(o);
}
END_TEST

/* ASSERTION: options from #pragma D option are recorded in the object */
START_TEST(test_options)
{
	struct dobj *o = gen("#pragma D option quiet\n#pragma D option bufsize=4m\nBEGIN { }");
	ck_assert_uint_eq(o->noptions, 2);
	ck_assert_str_eq(dobj__str(o, o->options[1].name), "bufsize");
	ck_assert_str_eq(dobj__str(o, o->options[1].value), "4m");
	dobj__free(o);
}
END_TEST

/* ASSERTION: if/else becomes guarded sub-clauses for the same probes */
START_TEST(test_if_else)
{
	struct dobj *o = gen("BEGIN /pid/ { if (tid) trace(1); else trace(2); trace(3); }");
	ck_assert_uint_eq(o->nclauses, 6);	/* + dtrace:::ERROR */
	ck_assert_int_eq(o->clauses[0].pred, -1);
	for (uint32_t i = 1; i < 5; i++)	/* the guarded sub-clauses */
		ck_assert_int_ge(o->clauses[i].pred, 0);
	dobj__free(o);
}
END_TEST

/* ASSERTION: member access through a variable assigned target pointers from
 * two different member paths, or to a program struct's member of a target-only
 * type, is a D_SYM_NOTYPES error; a variable with one member path is not */
START_TEST(test_err_notypes)
{
	struct diags dg = { 0 };
	struct dobj *o = gen_src("t.d", "BEGIN { this->p = curthread->td_proc; "
				 "this->p = curthread->td_proc->p_pptr; "
				 "trace(this->p->p_pid); }", &dg);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(dg.last, D_SYM_NOTYPES);
	ck_assert_msg(strstr(dg.msg, "through this->p") != NULL, "%s", dg.msg);
	struct diags ok = { 0 };
	o = gen_src("t.d", "BEGIN { this->p = curthread->td_proc; "
		    "trace(this->p->p_pid); }", &ok);
	ck_assert_msg(o != NULL, "%s", ok.msg);
	dobj__free(o);
	/* a program struct's member of a type only the target defines */
	struct diags st = { 0 };
	o = gen_src("t.d", "struct bar { int a; kthread_t t; }; struct bar b; "
		    "BEGIN { b.t = curthread; }", &st);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(st.last, D_SYM_NOTYPES);
	ck_assert_msg(strstr(st.msg, "only the target defines") != NULL, "%s", st.msg);
}
END_TEST

/* ASSERTION: a subroutine call nesting deeper than the registers allow is D_NOREG */
START_TEST(test_err_noreg)
{
	struct diags dg = { 0 };
	struct dobj *o = gen_src("t.d", "BEGIN { trace(strjoin(\"a\", strjoin(\"b\", "
		"strjoin(\"c\", strjoin(\"d\", strjoin(\"e\", strjoin(\"f\", strjoin(\"g\", "
		"\"h\")))))))); }", &dg);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(dg.last, D_NOREG);
}
END_TEST

/* ASSERTION: -x strsize sets the size of strings in types and tuple pushes */
START_TEST(test_strsize)
{
	struct dobj *o = gen("#pragma D option strsize=64\nBEGIN { a[execname] = 1; }");
	ck_assert_uint_eq(o->ndifos, 1);
	int found = 0;
	for (uint32_t i = 0; i < o->difos[0].intlen; i++)
		found |= o->difos[0].inttab[i] == 64;
	ck_assert_int_eq(found, 1);
	dobj__free(o);
}
END_TEST

/* ASSERTION: a program with front-end errors gets no code and one diagnostic */
START_TEST(test_err_program)
{
	struct diags dg = { 0 };
	struct dc_source src = { .name = "t.d", .text = "BEGIN { x = ; }", .len = 15 };
	struct dc_options o = { 0 };
	struct dc_program *p = dc_compile(&src, 1, &o);
	struct dobj *obj = (struct dobj *)1;
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_gt(dc_program__nerrors(p), 0);
	ck_assert_int_eq(dc_cg__program(p, NULL, &obj, sink, &dg), -EINVAL);
	ck_assert_ptr_null(obj);
	ck_assert_uint_eq(dg.n, 1);
	dc_program__free(p);
}
END_TEST

/* ---- semantics: expression DIFOs run in the emulator ---- */

static int no_load(void *ctx, enum dvm_space sp, uint64_t a, unsigned n, uint64_t *v)
{
	(void)ctx; (void)sp; (void)a; (void)n; (void)v;
	return DIF_FAULT_BADADDR;
}

static int no_store(void *ctx, uint64_t a, unsigned n, uint64_t v)
{
	(void)ctx; (void)a; (void)n; (void)v;
	return DIF_FAULT_BADADDR;
}

static uint64_t no_scratch(void *ctx, uint64_t n)
{
	(void)ctx; (void)n;
	return 0;
}

/* arg0 = -5, arg1 = 7, pid = 42 */
static int builtins(void *ctx, uint32_t id, uint64_t ndx, uint64_t *v)
{
	(void)ctx; (void)ndx;
	switch (id) {
	case DIF_VAR_ARG0: *v = (uint64_t)-5; return 0;
	case DIF_VAR_ARG1: *v = 7; return 0;
	case DIF_VAR_PID: *v = 42; return 0;
	default: return DIF_FAULT_ILLOP;
	}
}

static uint64_t run_decl_expr(const char *decls, const char *expr);

/* The value trace(expr) computes. */
static uint64_t run_expr(const char *expr)
{
	return run_decl_expr("", expr);
}

/* The value trace(expr) computes after the declarations decls. */
static uint64_t run_decl_expr(const char *decls, const char *expr)
{
	char prog[1024];
	struct dvm_platform plat = { .dp_load = no_load, .dp_store = no_store,
		.dp_scratch = no_scratch, .dp_builtin = builtins };
	struct dvm_mstate ms;
	struct dif_difo v;

	snprintf(prog, sizeof(prog), "%s\nBEGIN { trace(%s); }", decls, expr);
	struct dobj *o = gen(prog);
	ck_assert_int_eq(o->actions[0].difo, 0);
	dobj_difo__view(&o->difos[0], &v);
	ck_assert_uint_eq(dvm_difo__validate(&v, NULL, NULL, 0), 0);
	struct dvm_vstate vs;
	memset(&vs, 0, sizeof(vs));	/* built-ins only: no variable storage */
	dvm_mstate__init(&ms, &plat, NULL);
	ms.dms_vars = &vs;
	ck_assert_msg(dvm_difo__emulate(&v, &ms) == 0, "%s: fault %u reason %u at pc %u",
		      expr, ms.dms_fault, ms.dms_reason, ms.dms_fault_pc);
	uint64_t r = ms.dms_result;
	dobj__free(o);
	return r;
}

/* ASSERTION: generated expression code computes D's values (run in the DIF emulator) */
START_TEST(test_semantics)
{
	static const struct { const char *e; uint64_t v; } cases[] = {
		{ "1 + 2 * 3 - 4", 3 }, { "-7 / 2", (uint64_t)-3 }, { "-7 % 3", (uint64_t)-1 },
		{ "7u / 2", 3 }, { "(uint64_t)-8 >> 1", 0x7ffffffffffffffcull },
		{ "(int64_t)-8 >> 1", (uint64_t)-4 }, { "1 << 10 | 3 ^ 1", 1026 },
		{ "~0 & 0xff", 0xff }, { "-arg0", 5 }, { "arg0 < 0", 1 },
		{ "(uint64_t)arg0 < 0", 0 }, { "arg1 >= 7", 1 }, { "arg1 != 7", 0 },
		{ "!arg1", 0 }, { "!0", 1 }, { "arg0 && arg1", 1 }, { "arg0 && 0", 0 },
		{ "0 || arg1", 1 }, { "0 || 0", 0 }, { "arg0 ^^ arg1", 0 }, { "arg0 ^^ 0", 1 },
		{ "arg1 > 3 ? 10 : 20", 10 }, { "arg1 > 9 ? 10 : 20", 20 },
		{ "(char)0x1ff", (uint64_t)-1 }, { "(uint8_t)0x1ff", 0xff },
		{ "(short)0x18000", (uint64_t)-32768 }, { "(uint32_t)(short)-1", 0xffffffffull },
		{ "(int64_t)(int)0xffffffff", (uint64_t)-1 }, { "(uint16_t)arg0", 0xfffb },
		{ "sizeof (int) + sizeof (long)", 12 }, { "sizeof (\"hi\")", 3 },
		{ "pid == 42", 1 }, { "\"abc\" == \"abc\"", 1 }, { "\"abc\" < \"abd\"", 1 },
		{ "(1, 2)", 2 }, { "DTRACEFLT_DIVZERO", DIF_FAULT_DIVZERO },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t got = run_expr(cases[i].e);
		ck_assert_msg(got == cases[i].v, "%s = %#llx, expected %#llx", cases[i].e,
			      (unsigned long long)got, (unsigned long long)cases[i].v);
	}
}
END_TEST

/* ASSERTION: the system library's constants and a program's inline standing for a
 * translated pointer (p->m, the translator's member converted to its type) compute D's values */
START_TEST(test_library_values)
{
	static const char decls[] =
		"struct out { int o; char c; };\n"
		"translator struct out < int i > { o = i * 2; c = i + 250; };\n"
		"inline struct out *myx = xlate<struct out *>(arg1);";
	ck_assert_uint_eq(run_expr("R_SP"), 20);
	ck_assert_uint_eq(run_expr("R_EAX == R_RAX"), 1);
	ck_assert_uint_eq(run_expr("PR_MODEL_LP64"), 2);
	ck_assert_uint_eq(run_decl_expr(decls, "myx->o"), 14);
	ck_assert_uint_eq(run_decl_expr(decls, "myx->c"), (uint64_t)(int64_t)(char)257);
	ck_assert_uint_eq(run_decl_expr(decls, "xlate<struct out>(arg1).o"), 14);
}
END_TEST

/* ASSERTION: a use of curpsinfo tests each kernel's type (TYPE_EXISTS, unguarded) and
 * guards every other relocation */
START_TEST(test_library_arms)
{
	struct dobj *o = gen("BEGIN { trace(curpsinfo->pr_ppid); trace(curlwpsinfo->pr_lwpid); }");
	unsigned exists = 0, guarded = 0;
	for (uint32_t i = 0; i < o->ndifos; i++)
		for (uint32_t j = 0; j < o->difos[i].rellen; j++) {
			const struct dif_reloc *r = &o->difos[i].reltab[j];
			if (r->dtr_kind == DIF_RELOC_TYPE_EXISTS) {
				exists++;
				ck_assert_uint_eq(r->dtr_flags, 0);
			} else {
				guarded++;
				ck_assert(r->dtr_flags & DIF_RELOC_F_GUARDED);
			}
		}
	ck_assert_uint_eq(exists, 4);	/* two kernels per use */
	ck_assert_uint_ge(guarded, 8);
	dobj__free(o);
}
END_TEST

/* ASSERTION: by default every curthread-rooted relocation (chains, sizes, stores) has the built-in root "curthread" */
START_TEST(test_curthread_builtin)
{
	struct dobj *o = gen("BEGIN { trace(curthread->td_proc->p_pid); "
			     "trace(sizeof (*curthread)); curthread->td_x = 1; }");
	unsigned n = 0;
	for (uint32_t i = 0; i < o->ndifos; i++) {
		const struct dobj_difo *d = &o->difos[i];
		for (uint32_t j = 0; j < d->rellen; j++, n++) {
			ck_assert_uint_eq(d->reltab[j].dtr_flags, DIF_RELOC_F_BUILTIN);
			ck_assert_str_eq(dobj__str(o, d->reltab[j].dtr_type), "curthread");
		}
	}
	ck_assert_uint_eq(n, 4 + 1 + 2);
	ck_assert_str_eq(dobj__str(o, o->difos[0].reltab[3].dtr_member), "td_proc->p_pid");
	struct dobj_err e;
	ck_assert_int_eq(dobj__check(o, &e), 0);
	dobj__free(o);
}
END_TEST

/* ASSERTION: an explicit dc_cg_opts.curthread_type binds curthread's relocations to that type, no root flag */
START_TEST(test_curthread_type)
{
	struct diags dg = { 0 };
	const char *text = "BEGIN { trace(curthread->pid); }";
	struct dc_source src = { .name = "t.d", .text = text, .len = strlen(text) };
	struct dc_options o = { .sink = sink, .sink_ctx = &dg };
	struct dc_program *p = dc_compile(&src, 1, &o);
	struct dc_cg_opts co = { .curthread_type = "struct task_struct" };
	struct dobj *obj = NULL;
	ck_assert_int_eq(dc_cg__program(p, &co, &obj, sink, &dg), 0);
	ck_assert_uint_eq(obj->difos[0].rellen, 2);
	ck_assert_str_eq(dobj__str(obj, obj->difos[0].reltab[0].dtr_type), "struct task_struct");
	ck_assert_uint_eq(obj->difos[0].reltab[0].dtr_flags, 0);
	ck_assert_str_eq(dobj__str(obj, obj->difos[0].reltab[0].dtr_member), "pid");
	dobj__free(obj);
	dc_program__free(p);
}
END_TEST

/* ASSERTION: an untyped args[N] member is relocated with an F_ARG "args[N]" root */
START_TEST(test_arg_root)
{
	struct dobj *o = gen("fbt::f:entry { trace(args[2]->a.b); }");
	const struct dobj_difo *d = &o->difos[0];
	ck_assert_uint_eq(d->rellen, 2);
	for (uint32_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(d->reltab[i].dtr_flags, DIF_RELOC_F_ARG);
		ck_assert_str_eq(dobj__str(o, d->reltab[i].dtr_type), "args[2]");
		ck_assert_str_eq(dobj__str(o, d->reltab[i].dtr_member), "a.b");
	}
	ck_assert_uint_eq(d->reltab[0].dtr_kind, DIF_RELOC_MEMBER_OFFSET);
	ck_assert_uint_eq(d->reltab[1].dtr_kind, DIF_RELOC_LOAD);
	dobj__free(o);
}
END_TEST

/* ASSERTION: &`sym is a symbol-rooted member_offset; `sym adds a symbol-rooted load */
START_TEST(test_symbol_root)
{
	struct dobj *o = gen("BEGIN { trace(&genunix`x); trace(`y); }");
	const struct dobj_difo *a = &o->difos[0], *b = &o->difos[1];
	ck_assert_uint_eq(a->rellen, 1);
	ck_assert_uint_eq(a->reltab[0].dtr_kind, DIF_RELOC_MEMBER_OFFSET);
	ck_assert_uint_eq(a->reltab[0].dtr_flags, DIF_RELOC_F_SYMBOL);
	ck_assert_uint_eq(a->reltab[0].dtr_member, 0);
	ck_assert_str_eq(dobj__str(o, a->reltab[0].dtr_type), "genunix`x");
	ck_assert_uint_eq(b->rellen, 2);
	ck_assert_uint_eq(b->reltab[1].dtr_kind, DIF_RELOC_LOAD);
	ck_assert_uint_eq(b->reltab[1].dtr_flags, DIF_RELOC_F_SYMBOL);
	ck_assert_str_eq(dobj__str(o, b->reltab[1].dtr_type), "y");
	struct dobj_err e;
	ck_assert_int_eq(dobj__check(o, &e), 0);
	dobj__free(o);
}
END_TEST

/* ASSERTION: a whole target struct stored in this-> is copied into scratch sized by type_size */
START_TEST(test_struct_copy)
{
	struct dobj *o = gen("BEGIN { this->t = *curthread; trace(this->t.td_tid); }");
	const struct dobj_difo *d = &o->difos[0], *m = &o->difos[1];
	ck_assert_uint_eq(d->rellen, 2);
	ck_assert_uint_eq(d->reltab[1].dtr_kind, DIF_RELOC_TYPE_SIZE);
	ck_assert_str_eq(dobj__str(o, d->reltab[1].dtr_type), "curthread");
	ck_assert_uint_eq(d->reltab[1].dtr_flags, DIF_RELOC_F_BUILTIN);
	ck_assert_uint_eq(DIF_INSTR_OP(d->text[d->reltab[1].dtr_pc + 1]), DIF_OP_ALLOCS);
	ck_assert_uint_eq(DIF_INSTR_OP(d->text[d->reltab[1].dtr_pc + 2]), DIF_OP_COPYS);
	/* the copy's members are read through the variable */
	ck_assert_uint_eq(m->rellen, 2);
	ck_assert_str_eq(dobj__str(o, m->reltab[0].dtr_type), "curthread");
	ck_assert_uint_eq(m->reltab[0].dtr_flags, DIF_RELOC_F_BUILTIN);
	ck_assert_str_eq(dobj__str(o, m->reltab[0].dtr_member), "td_tid");
	ck_assert_uint_eq(DIF_INSTR_OP(m->text[0]), DIF_OP_LDLS);
	dobj__free(o);
}
END_TEST

/* ASSERTION: a whole target struct stored in a global or thread-local is a D_SYM_NOTYPES error */
START_TEST(test_struct_copy_global)
{
	static const char *const progs[] = {
		"BEGIN { x = *curthread; }", "BEGIN { self->x = *curthread; }",
		"BEGIN { a[1] = *(struct file *)arg0; }",
	};
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct diags dg = { 0 };
		struct dobj *o = gen_src("t.d", progs[i], &dg);
		ck_assert_msg(o == NULL, "%s generated", progs[i]);
		ck_assert_int_eq(dg.last, D_SYM_NOTYPES);
		ck_assert_msg(strstr(dg.msg, "clause-local") != NULL, "%s", dg.msg);
	}
}
END_TEST

/* ASSERTION: *p, *p = v and p + 1 for a variable only ever assigned &`sym are rooted at sym */
START_TEST(test_symptr)
{
	struct dobj *o = gen("BEGIN { p = &`n; x = *p; *p = 3; q = p + 1; }");
	const struct dobj_difo *d = &o->difos[1], *st = &o->difos[2], *ar = &o->difos[3];
	ck_assert_uint_eq(d->rellen, 1);
	ck_assert_uint_eq(d->reltab[0].dtr_kind, DIF_RELOC_LOAD);
	ck_assert_uint_eq(d->reltab[0].dtr_flags, DIF_RELOC_F_SYMBOL);
	ck_assert_str_eq(dobj__str(o, d->reltab[0].dtr_type), "n");
	ck_assert_uint_eq(st->reltab[0].dtr_kind, DIF_RELOC_STORE);
	ck_assert_uint_eq(st->reltab[0].dtr_flags, DIF_RELOC_F_SYMBOL);
	ck_assert_uint_eq(ar->reltab[0].dtr_kind, DIF_RELOC_TYPE_SIZE);
	ck_assert_uint_eq(ar->reltab[0].dtr_flags, DIF_RELOC_F_SYMBOL);
	dobj__free(o);
	/* assigned anything else anywhere in the program: its target type is unknown */
	struct diags dg = { 0 };
	o = gen_src("t.d", "BEGIN { p = &`n; trace(*p); } END { p = arg0; }", &dg);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(dg.last, D_SYM_NOTYPES);
	/* moving (++, +=) or clearing it keeps what it points to */
	dg.n = 0;
	o = gen_src("t.d", "BEGIN { p = &`n; p++; p += 2; trace(*p); } END { p = 0; }", &dg);
	ck_assert_msg(o != NULL, "%s", dg.msg);
	d = &o->difos[1];
	ck_assert_uint_eq(d->reltab[0].dtr_kind, DIF_RELOC_TYPE_SIZE);
	ck_assert_uint_eq(d->reltab[0].dtr_flags, DIF_RELOC_F_SYMBOL);
	dobj__free(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("codegen");
	struct { const char *name; const TTest *t; } tests[] = {
		{ "golden", test_golden }, { "reassemble", test_reassemble },
		{ "deterministic", test_deterministic }, { "valid", test_valid },
		{ "destructive", test_destructive }, { "printf_layout", test_printf_layout },
		{ "agg_layout", test_agg_layout }, { "symbols", test_symbols },
		{ "options", test_options }, { "if_else", test_if_else },
		{ "err_notypes", test_err_notypes }, { "err_noreg", test_err_noreg },
		{ "strsize", test_strsize }, { "err_program", test_err_program },
		{ "semantics", test_semantics }, { "curthread_type", test_curthread_type },
		{ "curthread_builtin", test_curthread_builtin },
		{ "library_values", test_library_values }, { "library_arms", test_library_arms },
		{ "arg_root", test_arg_root }, { "symbol_root", test_symbol_root },
		{ "struct_copy", test_struct_copy }, { "struct_copy_global", test_struct_copy_global },
		{ "symptr", test_symptr },
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		TCase *tc = tcase_create(tests[i].name);
		tcase_add_test(tc, tests[i].t);
		suite_add_tcase(s, tc);
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
