/*
 * check_dasm.c — Check suite for libdasm: the DIF assembler/disassembler.
 *
 * Behaviours: exact round trips of every bundled example (text and ELF
 * bytes), every opcode form, labels, symbolic operands, explicit modes of
 * the disassembler for objects it did not write, the dtrace -S listing,
 * validator integration, and one test per assembler error, each checking
 * file:line:col and that nothing crashes.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm.h"
#include "sample.h"	/* tests/obj: objects built by another author */

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR must name the examples/ directory"
#endif

/* A sink that keeps the first error and counts warnings. */
struct capture {
	unsigned	line, col;
	char		msg[512];
	unsigned	nerr, nwarn;
	char		file[64];
};

static void cap_error(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	struct capture *c = ctx;

	if (c->nerr++ == 0) {
		c->line = line;
		c->col = col;
		snprintf(c->msg, sizeof(c->msg), "%s", msg);
		snprintf(c->file, sizeof(c->file), "%s", file);
	}
}

static void cap_warn(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	struct capture *c = ctx;

	c->nwarn++;
}

static int assemble_flags(const char *text, struct dobj **out, struct capture *c, unsigned flags)
{
	struct dasm_sink sink = { cap_error, cap_warn, c, flags, 0 };

	memset(c, 0, sizeof(*c));
	return dasm__assemble(text, strlen(text), "t.s", out, &sink);
}

static int assemble(const char *text, struct dobj **out, struct capture *c)
{
	return assemble_flags(text, out, c, 0);
}

static char *read_example(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* text -> obj1 -> t2 -> obj2 -> t3: t2 == t3, obj1 == obj2, bytes equal. */
static void round_trip_text(const char *name, char *src, size_t len)
{
	size_t n2, n3;
	struct capture c;
	struct dasm_sink sink = { cap_error, cap_warn, &c, DASM_F_INVALID_OK, 0 };
	struct dobj *o1, *o2, *o3;
	char *t2, *t3;
	void *b1, *b2;
	size_t l1, l2;
	struct dobj_err err;

	memset(&c, 0, sizeof(c));
	ck_assert_msg(dasm__assemble(src, len, name, &o1, &sink) == 0, "%s:%u:%u: %s",
	    name, c.line, c.col, c.msg);
	t2 = dasm__disassemble_str(o1, &n2);
	ck_assert_ptr_nonnull(t2);
	ck_assert_int_eq(dasm__assemble(t2, n2, "t2.s", &o2, &sink), 0);
	ck_assert(dasm__equal(o1, o2));
	t3 = dasm__disassemble_str(o2, &n3);
	ck_assert_ptr_nonnull(t3);
	ck_assert_str_eq(t2, t3);
	/* ELF bytes: obj -> bytes -> obj -> text -> obj -> bytes */
	ck_assert_int_eq(dobj__write_mem(o1, &b1, &l1), 0);
	ck_assert_int_eq(dobj__read_mem(b1, l1, &o3, &err), 0);
	free(t3);
	t3 = dasm__disassemble_str(o3, &n3);
	ck_assert_str_eq(t2, t3);
	dobj__free(o2);
	ck_assert_int_eq(dasm__assemble(t3, n3, "t3.s", &o2, &sink), 0);
	ck_assert_int_eq(dobj__write_mem(o2, &b2, &l2), 0);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(b1, b2, l1);
	ck_assert_uint_eq(c.nerr, 0);
	free(b1);
	free(b2);
	free(t2);
	free(t3);
	free(src);
	dobj__free(o1);
	dobj__free(o2);
	dobj__free(o3);
}

static void check_round_trip(const char *name)
{
	size_t len;
	char *src = read_example(name, &len);

	round_trip_text(name, src, len);
}

/* ASSERTION: type_exists tests and guarded relocations (with roots, bit-fields, raw flags) round-trip exactly. */
START_TEST(roundtrip_guarded)
{
	static const char text[] =
	    ".difo d rtype=ctf:integer:8\n"
	    "\tusetx type_exists(\"struct task_struct\"), %r1\n"
	    "\tusetx type_exists(\"struct thread\", \"td_proc->p_pid\"), %r2\n"
	    "\tusetx member_offset(\"struct task_struct\", \"pid\", guarded), %r3\n"
	    "\tuload [%r3], %r2, load(\"curthread\", \"td_tid\", builtin, guarded)\n"
	    "\tuuload [%r3], %r2, uload(\"struct s\", \"b\", guarded, bitfield)\n"
	    "\tustore %r2, [%r3], store(\"struct proc\", \"p_flag\", 0x10)\n"
	    "\ttypecast cast(\"pid_t\", guarded), %r2\n"
	    "\tret %r1\n"
	    ".end\n";
	struct capture c;
	struct dobj *o;
	char *src = strdup(text), *t;
	size_t n;

	ck_assert_ptr_nonnull(src);
	round_trip_text("guarded.s", src, strlen(text));
	ck_assert_int_eq(assemble(text, &o, &c), 0);
	t = dasm__disassemble_str(o, &n);
	ck_assert_ptr_nonnull(strstr(t, "usetx type_exists(\"struct task_struct\"), %r1\n"));
	ck_assert_ptr_nonnull(strstr(t, "uload(\"struct s\", \"b\", bitfield, guarded)"));
	ck_assert_ptr_nonnull(strstr(t, "store(\"struct proc\", \"p_flag\", guarded)"));
	ck_assert_uint_eq(o->difos[0].reltab[1].dtr_kind, DIF_RELOC_TYPE_EXISTS);
	ck_assert_uint_eq(o->difos[0].reltab[3].dtr_flags,
	    DIF_RELOC_F_BUILTIN | DIF_RELOC_F_GUARDED);
	free(t);
	dobj__free(o);
}
END_TEST

/* ASSERTION: hello.s round-trips exactly (text and ELF bytes). */
START_TEST(roundtrip_hello) { check_round_trip("hello.s"); }
END_TEST

/* ASSERTION: every-opcode.s round-trips exactly (text and ELF bytes). */
START_TEST(roundtrip_every_opcode) { check_round_trip("every-opcode.s"); }
END_TEST

/* ASSERTION: syscall-latency.s round-trips exactly. */
START_TEST(roundtrip_latency) { check_round_trip("syscall-latency.s"); }
END_TEST

/* ASSERTION: member-load.s round-trips exactly. */
START_TEST(roundtrip_member_load) { check_round_trip("member-load.s"); }
END_TEST

/* ASSERTION: count-by-probe.s round-trips exactly. */
START_TEST(roundtrip_count) { check_round_trip("count-by-probe.s"); }
END_TEST

/* ASSERTION: the realistic examples pass the DIF validator (no warnings). */
START_TEST(examples_validate)
{
	static const char *const names[] = { "hello.s", "syscall-latency.s",
	    "member-load.s", "count-by-probe.s" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len;
		char *src = read_example(names[i], &len);
		struct dobj *o;
		struct capture c;

		ck_assert_msg(assemble(src, &o, &c) == 0, "%s: %u:%u %s", names[i], c.line,
		    c.col, c.msg);
		ck_assert_uint_eq(c.nwarn, 0);
		dobj__free(o);
		free(src);
	}
}
END_TEST

/* ASSERTION: every-opcode.s uses every opcode of DIF_OPCODES. */
START_TEST(every_opcode_covers_isa)
{
	size_t len;
	char *src = read_example("every-opcode.s", &len);
	struct dobj *o;
	struct capture c;
	unsigned char seen[256] = { 0 };

	ck_assert_int_eq(assemble_flags(src, &o, &c, DASM_F_INVALID_OK), 0);
	for (uint32_t i = 0; i < o->ndifos; i++)
		for (uint32_t pc = 0; pc < o->difos[i].len; pc++)
			seen[DIF_INSTR_OP(o->difos[i].text[pc])] = 1;
#define SEEN_(num, nm, mn, form, sem) ck_assert_msg(seen[num], "opcode %s unused", mn);
	DIF_OPCODES(SEEN_)
#undef SEEN_
	/* every relocation kind */
	unsigned rk = 0;
	for (uint32_t i = 0; i < o->ndifos; i++)
		for (uint32_t r = 0; r < o->difos[i].rellen; r++)
			rk |= 1u << o->difos[i].reltab[r].dtr_kind;
	ck_assert_uint_eq(rk, 0xfe);
	/* every action class */
	unsigned classes = 0;
	for (uint32_t i = 0; i < o->nactions; i++)
		classes |= 1u << (DIF_ACT_CLASS(o->actions[i].kind) >> 8);
	ck_assert_uint_eq(classes, 0xf7);	/* 0,1,2,4,5,6,7 */
	ck_assert_uint_gt(o->naggs, 0);
	ck_assert_uint_gt(o->nformats, 0);
	ck_assert_uint_gt(o->noptions, 0);
	ck_assert_uint_gt(o->nsymbols, 0);
	ck_assert_uint_gt(o->nmeta, 0);
	ck_assert_uint_gt(o->nsrcidents, 0);
	dobj__free(o);
	free(src);
}
END_TEST

/* Assemble one instruction in a DIFO with tables; return its word. */
static dif_instr_t one_instr(const char *ins, struct dobj **keep)
{
	char text[512];
	struct capture c;
	struct dobj *o;

	snprintf(text, sizeof(text),
	    ".difo d rtype=ctf:integer:8\n"
	    "\t.int 5\n\t.string \"s\"\n\t.var v id=0x500 scope=global\n"
	    "\t%s\n\tret %%r1\n.end\n", ins);
	ck_assert_msg(assemble_flags(text, &o, &c, DASM_F_NO_VALIDATE) == 0,
	    "%s: %u:%u: %s", ins, c.line, c.col, c.msg);
	dif_instr_t w = o->difos[0].text[0];
	if (keep != NULL)
		*keep = o;
	else
		dobj__free(o);
	return w;
}

/* ASSERTION: each opcode form parses to the documented encoding. */
START_TEST(forms_encode)
{
	ck_assert_uint_eq(one_instr("nop", NULL), DIF_INSTR_NOP);
	ck_assert_uint_eq(one_instr("add %r1, %r2, %r3", NULL), DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 3));
	ck_assert_uint_eq(one_instr("mov %r4, %r5", NULL), DIF_INSTR_FMT(DIF_OP_MOV, 4, 0, 5));
	ck_assert_uint_eq(one_instr("ldx [%r2], %r3", NULL), DIF_INSTR_FMT(DIF_OP_LDX, 2, 0, 3));
	ck_assert_uint_eq(one_instr("stw %r3, [%r2]", NULL), DIF_INSTR_FMT(DIF_OP_STW, 3, 0, 2));
	ck_assert_uint_eq(one_instr("cmp %r6, %r7", NULL), DIF_INSTR_FMT(DIF_OP_CMP, 6, 7, 0));
	ck_assert_uint_eq(one_instr("tst %r6", NULL), DIF_INSTR_FMT(DIF_OP_TST, 6, 0, 0));
	ck_assert_uint_eq(one_instr("ba 1", NULL), DIF_INSTR_BRANCH(DIF_OP_BA, 1));
	ck_assert_uint_eq(one_instr("ret %r2", NULL), DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 2));
	ck_assert_uint_eq(one_instr("setx DT_INTEGER[0], %r1", NULL),
	    DIF_INSTR_IMM16(DIF_OP_SETX, 0, 1));
	ck_assert_uint_eq(one_instr("sets DT_STRING[0], %r1", NULL),
	    DIF_INSTR_IMM16(DIF_OP_SETS, 0, 1));
	ck_assert_uint_eq(one_instr("call DIF_SUBR(23), %r1", NULL),
	    DIF_INSTR_IMM16(DIF_OP_CALL, 23, 1));
	ck_assert_uint_eq(one_instr("ldgs DT_VAR(1280), %r1", NULL),
	    DIF_INSTR_IMM16(DIF_OP_LDGS, 0x500, 1));
	ck_assert_uint_eq(one_instr("stgs %r2, DT_VAR(1280)", NULL),
	    DIF_INSTR_IMM16(DIF_OP_STGS, 0x500, 2));
	ck_assert_uint_eq(one_instr("ldga DT_VAR(0), %r2, %r3", NULL),
	    DIF_INSTR_FMT(DIF_OP_LDGA, 0, 2, 3));
	ck_assert_uint_eq(one_instr("pushtr DT_TYPE(1), %r2, %r3", NULL),
	    DIF_INSTR_FMT(DIF_OP_PUSHTR, 1, 2, 3));
	ck_assert_uint_eq(one_instr("xlate DT_XLREF[4], %r3", NULL),
	    DIF_INSTR_IMM16(DIF_OP_XLATE, 4, 3));
	ck_assert_uint_eq(one_instr("usetx type_size(\"struct s\"), %r3", NULL),
	    DIF_INSTR_IMM16(DIF_OP_USETX, 0, 3));
	ck_assert_uint_eq(one_instr(".word 0x24000000", NULL), DIF_INSTR_NOP);
}
END_TEST

/* ASSERTION: every opcode prints its mnemonic and re-assembles to the same word. */
START_TEST(forms_print)
{
	static const struct { const char *src, *printed; } cases[] = {
		{ "add %r1, %r2, %r3", "add %r1, %r2, %r3" },
		{ "not %r1, %r2", "not %r1, %r2" },
		{ "ldub [%r1], %r2", "ldub [%r1], %r2" },
		{ "stb %r1, [%r2]", "stb %r1, [%r2]" },
		{ "scmp %r1, %r2", "scmp %r1, %r2" },
		{ "setx 5, %r1", "setx DT_INTEGER[0], %r1        ! 0x5" },
		{ "sets \"s\", %r1", "sets DT_STRING[0], %r1         ! \"s\"" },
		{ "call strjoin, %r1", "call DIF_SUBR(23), %r1         ! strjoin" },
		{ "ldgs v, %r1", "ldgs DT_VAR(1280), %r1         ! DT_VAR(1280) = \"v\"" },
		{ "ldgs timestamp, %r1", "ldgs DT_VAR(257), %r1          ! DT_VAR(257) = \"timestamp\"" },
		{ "stgs %r1, v", "stgs %r1, DT_VAR(1280)         ! DT_VAR(1280) = \"v\"" },
		{ "ldga args, %r2, %r3", "ldga DT_VAR(0), %r2, %r3       ! DT_VAR(0) = \"args\"" },
		{ "pushtv ctf, %r2, %r3", "pushtv DT_TYPE(0), %r2, %r3    ! DT_TYPE(0) = D type" },
		{ "popts", "popts" },
		{ "usetx member_size(\"struct s\", \"m\"), %r1",
		    "usetx member_size(\"struct s\", \"m\"), %r1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dobj *o;
		char *t;

		one_instr(cases[i].src, &o);
		t = dasm__disassemble_str(o, NULL);
		ck_assert_ptr_nonnull(t);
		ck_assert_msg(strstr(t, cases[i].printed) != NULL, "%s printed as:\n%s",
		    cases[i].src, t);
		free(t);
		dobj__free(o);
	}
	/* every mnemonic is accepted: table-driven from DIF_OPCODES */
#define MN_(num, nm, mn, form, sem) \
	{ const char *ops = form == DIF_FORM_NONE ? "" : \
	    form == DIF_FORM_R3 ? " %r1, %r2, %r3" : form == DIF_FORM_R2 ? " %r1, %r2" : \
	    form == DIF_FORM_LOAD ? " [%r1], %r2" : form == DIF_FORM_STORE ? " %r1, [%r2]" : \
	    form == DIF_FORM_CMP ? " %r1, %r2" : form == DIF_FORM_TST ? " %r1" : \
	    form == DIF_FORM_BRANCH ? " 1" : form == DIF_FORM_RET ? " %r1" : \
	    form == DIF_FORM_SETX ? " 9, %r1" : form == DIF_FORM_SETS ? " \"x\", %r1" : \
	    form == DIF_FORM_CALL ? " rand, %r1" : form == DIF_FORM_LDV ? " DT_VAR(1280), %r1" : \
	    form == DIF_FORM_STV ? " %r1, DT_VAR(1280)" : form == DIF_FORM_LDA ? " args, %r1, %r2" : \
	    form == DIF_FORM_PUSH ? " string, %r1, %r2" : form == DIF_FORM_XLATE ? " 0, %r1" : \
	    num == DIF_OP_USETX ? " type_size(\"int\"), %r1" : " cast(\"int\"), %r1"; \
	  char ins[128]; snprintf(ins, sizeof(ins), "%s%s%s", mn, ops, \
	    num == DIF_OP_ULOAD ? ", load(\"int\")" : num == DIF_OP_UULOAD ? ", uload(\"int\")" : \
	    num == DIF_OP_USTORE ? ", store(\"int\")" : ""); \
	  ck_assert_uint_eq(DIF_INSTR_OP(one_instr(ins, NULL)), num); }
	DIF_OPCODES(MN_)
#undef MN_
}
END_TEST

/* ASSERTION: labels resolve forward, may share a line with an instruction. */
START_TEST(labels)
{
	struct dobj *o;
	struct capture c;

	ck_assert_int_eq(assemble(".difo d rtype=ctf:integer:8\n"
	    "\ttst %r1\n\tbe out\n\tba out2\nout:\tnop\nout2:\n\tret %r1\n.end\n", &o, &c), 0);
	ck_assert_uint_eq(o->difos[0].text[1], DIF_INSTR_BRANCH(DIF_OP_BE, 3));
	ck_assert_uint_eq(o->difos[0].text[2], DIF_INSTR_BRANCH(DIF_OP_BA, 4));
	dobj__free(o);
}
END_TEST

/* ASSERTION: symbolic operands intern into the tables and resolve names. */
START_TEST(symbolic_operands)
{
	struct dobj *o;
	struct capture c;
	const struct dobj_difo *d;

	ck_assert_int_eq(assemble(
	    ".difo d rtype=ctf:integer:8\n"
	    "\t.var x scope=thread\n"
	    "\tsetx 42, %r1\n\tsetx -1, %r2\n\tsetx 42, %r3\n"
	    "\tsets \"foo\", %r1\n\tsets \"foo\", %r2\n"
	    "\tldts x, %r1\n\tstts %r1, x\n\tldgs timestamp, %r2\n"
	    "\tcall strjoin, %r3\n\tret %r1\n.end\n"
	    ".clause\n\t.probe dtrace:::BEGIN\n\t.action exit difo=d\n"
	    "\t.action lquantize difo=0 ntuple=1 arg=lquantize(0, 100, 10)\n.end\n", &o, &c), 0);
	d = &o->difos[0];
	ck_assert_uint_eq(d->intlen, 2);
	ck_assert_uint_eq(d->inttab[0], 42);
	ck_assert_uint_eq(d->inttab[1], UINT64_MAX);
	ck_assert_uint_eq(d->text[2], DIF_INSTR_IMM16(DIF_OP_SETX, 0, 3));
	/* "" at offset 0, then "x" (the .var) then "foo" */
	ck_assert_uint_eq(d->strlen, 7);
	ck_assert_uint_eq(d->text[3], DIF_INSTR_IMM16(DIF_OP_SETS, 3, 1));
	ck_assert_uint_eq(d->text[4], DIF_INSTR_IMM16(DIF_OP_SETS, 3, 2));
	ck_assert_uint_eq(d->vartab[0].dtdv_id, DIF_VAR_OTHER_UBASE);
	ck_assert_uint_eq(d->vartab[0].dtdv_flags, DIFV_F_REF | DIFV_F_MOD);
	ck_assert_uint_eq(d->text[5], DIF_INSTR_IMM16(DIF_OP_LDTS, 0x500, 1));
	ck_assert_uint_eq(d->text[7], DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_TIMESTAMP, 2));
	ck_assert_uint_eq(d->text[8], DIF_INSTR_IMM16(DIF_OP_CALL, DIF_SUBR_STRJOIN, 3));
	ck_assert_uint_eq(o->actions[0].kind, DIF_ACT_EXIT);
	ck_assert_uint_eq(o->actions[1].kind, DIF_ACT_LQUANTIZE);
	ck_assert_uint_eq(o->actions[1].arg, (10ull << 48) | (10ull << 32));
	ck_assert_int_eq(o->clauses[0].probe_count, 1);
	ck_assert_str_eq(dobj__str(o, o->probes[0].provider), "dtrace");
	ck_assert_str_eq(dobj__str(o, o->probes[0].name), "BEGIN");
	dobj__free(o);
}
END_TEST

/* ASSERTION: aggregation and stack encodings print as the helpers that made them. */
START_TEST(encodings_print_decoded)
{
	struct dobj *o, *o2;
	struct capture c;
	char *t;

	ck_assert_int_eq(assemble(".agg a func=lquantize arg=lquantize(-50, 50, 5)\n"
	    ".agg b func=llquantize arg=llquantize(10, 0, 6, 20)\n"
	    ".clause\n\t.action ustack arg=ustack(20, 512)\n"
	    "\t.action libact arg=normalize\n\t.action lquantize arg=0xffff000000000000\n.end\n",
	    &o, &c), 0);
	ck_assert_uint_eq(o->aggs[0].arg, (5ull << 48) | (20ull << 32) | 0xffffffceull);
	t = dasm__disassemble_str(o, NULL);
	ck_assert_ptr_nonnull(strstr(t, "arg=lquantize(-50, 50, 5)"));
	ck_assert_ptr_nonnull(strstr(t, "arg=llquantize(10, 0, 6, 20)"));
	ck_assert_ptr_nonnull(strstr(t, "arg=ustack(20, 512)"));
	ck_assert_ptr_nonnull(strstr(t, "arg=normalize"));
	ck_assert_ptr_nonnull(strstr(t, "arg=0xffff000000000000"));	/* 0 levels: not an lquantize */
	ck_assert_int_eq(assemble(t, &o2, &c), 0);
	ck_assert(dasm__equal(o, o2));
	free(t);
	dobj__free(o);
	dobj__free(o2);
}
END_TEST

/* ASSERTION: a dtrace -S listing row pastes back: offset/hex columns and ! comments skip. */
START_TEST(listing_pastes_back)
{
	struct dobj *o, *o2;
	struct capture c;
	char *buf = NULL, *text;
	size_t len = 0;
	FILE *fp;

	ck_assert_int_eq(assemble(".difo d rtype=ctf:integer:8\n\tsetx 42, %r1\n"
	    "\tusetx member_offset(\"struct s\", \"a.b\"), %r2\n\tret %r1\n.end\n", &o, &c), 0);
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(dasm__difo_listing(o, 0, fp), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "OFF OPCODE      INSTRUCTION\n"));
	ck_assert_ptr_nonnull(strstr(buf, "00: 25000001    setx DT_INTEGER[0], %r1        ! 0x2a\n"));
	ck_assert_ptr_nonnull(strstr(buf, "02: 23000001    ret %r1\n"));
	ck_assert_int_eq(dasm__difo_listing(o, 1, stdout), -EINVAL);
	/* the instruction rows (and the header row) assemble inside a .difo */
	char *rows = strstr(buf, "OFF");
	*strstr(rows, "\n\n") = '\0';	/* rows only: not the REL table */
	ck_assert_int_ge(asprintf(&text, ".difo d rtype=ctf:integer:8\n\t.int 42\n%s\n.end\n", rows), 0);
	ck_assert_msg(assemble(text, &o2, &c) == 0, "%u:%u: %s", c.line, c.col, c.msg);
	ck_assert(dasm__equal(o, o2));
	free(text);
	free(buf);
	dobj__free(o);
	dobj__free(o2);
}
END_TEST

/* ASSERTION: the whole-program listing names each clause's probes and DIFOs. */
START_TEST(program_listing)
{
	size_t len;
	char *src = read_example("count-by-probe.s", &len), *buf = NULL;
	struct dobj *o;
	struct capture c;
	FILE *fp;

	ck_assert_int_eq(assemble(src, &o, &c), 0);
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(dasm__listing(o, fp), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "Disassembly of syscall:::entry\n"));
	ck_assert_ptr_nonnull(strstr(buf, "for the predicate\n"));
	ck_assert_ptr_nonnull(strstr(buf, "Action, without DIFO, count()"));
	ck_assert_ptr_nonnull(strstr(buf, "format string \"%-16s %-16s %@8d\n\""));
	free(buf);
	free(src);
	dobj__free(o);
}
END_TEST

/* ASSERTION: objects not in canonical layout print explicitly and still round-trip. */
START_TEST(explicit_modes)
{
	struct dobj *o = dobj__new(DOBJ_RELOCATABLE), *o2;
	struct capture c;
	dif_instr_t text[] = { DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1) };
	char *t;
	size_t n;
	int d, a, p;

	/* strings interned in an order the printer would not produce */
	dobj__intern(o, "zzz-unused");
	dobj__intern(o, "late");
	d = dobj__add_difo(o);
	ck_assert_int_eq(dobj_difo__set_text(&o->difos[d], text, 1), 0);
	o->difos[d].rtype = (struct dif_type){ DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 8 };
	p = dobj__add_probe(o);
	o->probes[p].provider = dobj__intern(o, "dtrace");
	o->probes[p].name = dobj__intern(o, "BEGIN");
	a = dobj__add_action(o);
	o->actions[a].kind = DIF_ACT_DIFEXPR;
	o->actions[a].difo = d;
	o->actions[a].format = -1;
	o->actions[a].str = dobj__intern(o, "late");
	/* two clauses sharing one probe and one action: not a tiling */
	for (int i = 0; i < 2; i++) {
		int k = dobj__add_clause(o);
		o->clauses[k].probe_count = 1;
		o->clauses[k].action_count = 1;
	}
	t = dasm__disassemble_str(o, &n);
	ck_assert_ptr_nonnull(strstr(t, ".strtab \"zzz-unused\""));
	ck_assert_ptr_nonnull(strstr(t, ".clause probes=0:1 actions=0:1"));
	ck_assert_int_eq(assemble(t, &o2, &c), 0);
	ck_assert(dasm__equal(o, o2));
	free(t);
	dobj__free(o);
	dobj__free(o2);
}
END_TEST

/* text of obj must assemble back to an object with the same ELF bytes */
static void check_foreign(struct dobj *o)
{
	struct dobj *o2, *o3;
	struct dobj_err err;
	struct capture c;
	void *b1, *b2;
	size_t l1, l2, n;
	char *t, *t2;

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(dobj__write_mem(o, &b1, &l1), 0);
	ck_assert_int_eq(dobj__read_mem(b1, l1, &o2, &err), 0);
	t = dasm__disassemble_str(o2, &n);
	ck_assert_ptr_nonnull(t);
	ck_assert_msg(assemble_flags(t, &o3, &c, DASM_F_INVALID_OK) == 0, "%u:%u: %s\n%s",
	    c.line, c.col, c.msg, t);
	ck_assert(dasm__equal(o2, o3));
	ck_assert_int_eq(dobj__write_mem(o3, &b2, &l2), 0);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(b1, b2, l1);
	t2 = dasm__disassemble_str(o3, NULL);
	ck_assert_str_eq(t, t2);
	free(t);
	free(t2);
	free(b1);
	free(b2);
	dobj__free(o);
	dobj__free(o2);
	dobj__free(o3);
}

/* ASSERTION: objects written by libdobj's own samples round-trip byte-exact. */
START_TEST(foreign_objects)
{
	check_foreign(sample_full(DOBJ_RELOCATABLE));
	check_foreign(sample_full(DOBJ_LINKED));
	check_foreign(sample_empty(DOBJ_RELOCATABLE));
	check_foreign(sample_empty(DOBJ_LINKED));
	check_foreign(sample_minimal());
}
END_TEST

/* ASSERTION: reserved bits, unknown opcodes and branches the assembler refuses print as .word and round-trip. */
START_TEST(raw_words)
{
	struct dobj *o, *o2;
	struct capture c;
	char *t;

	ck_assert_int_eq(assemble_flags(".difo d rtype=ctf:integer:8\n\t.word 0x24010203\n"
	    "\t.word 0xff000000\n\tret %r1\n.end\n", &o, &c, DASM_F_NO_VALIDATE), 0);
	t = dasm__disassemble_str(o, NULL);
	ck_assert_ptr_nonnull(strstr(t, ".word 0x24010203"));
	ck_assert_ptr_nonnull(strstr(t, ".word 0xff000000"));
	ck_assert_int_eq(assemble_flags(t, &o2, &c, DASM_F_NO_VALIDATE), 0);
	ck_assert(dasm__equal(o, o2));
	free(t);
	dobj__free(o);
	dobj__free(o2);
	/* branches the assembler would refuse (past the text, backward) stay words */
	ck_assert_int_eq(assemble_flags(".difo d rtype=ctf:integer:8\n\t.word 0x11900000\n"
	    "\t.word 0x11000000\n\tret %r1\n.end\n", &o, &c, DASM_F_NO_VALIDATE), 0);
	t = dasm__disassemble_str(o, NULL);
	ck_assert_ptr_nonnull(strstr(t, ".word 0x11900000"));
	ck_assert_ptr_nonnull(strstr(t, ".word 0x11000000"));
	ck_assert_int_eq(assemble_flags(t, &o2, &c, DASM_F_NO_VALIDATE), 0);
	ck_assert(dasm__equal(o, o2));
	free(t);
	dobj__free(o);
	dobj__free(o2);
}
END_TEST

/* ASSERTION: validator findings are errors at the instruction's line, warnings on request. */
START_TEST(validator_findings)
{
	static const char text[] = ".difo d rtype=ctf:integer:8\n\tnop\n\tmov %r1, %r0\n"
	    "\tret %r1\n.end\n";
	struct dobj *o;
	struct capture c;

	ck_assert_int_eq(assemble(text, &o, &c), -EINVAL);
	ck_assert_uint_eq(c.line, 3);
	ck_assert_uint_eq(c.col, 2);
	ck_assert_ptr_nonnull(strstr(c.msg, "fails validation"));
	ck_assert_ptr_nonnull(strstr(c.msg, "%r0"));
	ck_assert_int_eq(assemble_flags(text, &o, &c, DASM_F_INVALID_OK), 0);
	ck_assert_uint_eq(c.nwarn, 1);
	dobj__free(o);
}
END_TEST

/* ASSERTION: an object that breaks a format rule is an error, not a bad object. */
START_TEST(object_rules)
{
	struct dobj *o = NULL;
	struct capture c;

	ck_assert_int_eq(assemble(".symbol x\n.symbol x\n", &o, &c), -EINVAL);
	ck_assert_ptr_null(o);
	ck_assert_ptr_nonnull(strstr(c.msg, "twice"));
}
END_TEST

struct err_case {
	const char	*text;
	unsigned	line, col;
	const char	*msg;
};

static const struct err_case err_cases[] = {
	{ ".difo d\n\tfrob %r1\n.end\n", 2, 2, "unknown opcode 'frob'" },
	{ ".difo d\n\tmov %x1, %r2\n.end\n", 2, 6, "bad register" },
	{ ".difo d\n\tmov %r1, %r8\n.end\n", 2, 11, "register %r8 out of range" },
	{ ".difo d\n\tba nowhere\n\tret %r1\n.end\n", 2, 5, "undefined label 'nowhere'" },
	{ ".difo d\nback:\tnop\n\tba back\n\tret %r1\n.end\n", 3, 5, "backward branch" },
	{ ".difo d\n\tnop\n\tba 1\n\tret %r1\n.end\n", 3, 5, "backward branch" },
	{ ".difo d\n\tba 9\n\tret %r1\n.end\n", 2, 5, "past the last instruction" },
	{ ".difo d\n\tsetx DT_INTEGER[3], %r1\n\tret %r1\n.end\n", 2, 7, "bad table index" },
	{ ".difo d\n\tsets DT_STRING[3], %r1\n\tret %r1\n.end\n", 2, 7, "bad table index" },
	{ ".difo d\n\tusetx DT_RELOC[0], %r1\n\tret %r1\n.end\n", 2, 8, "bad table index" },
	{ ".frobnicate\n", 1, 1, "unknown directive '.frobnicate'" },
	{ ".difo d\n\tsets \"abc, %r1\n.end\n", 2, 7, "unterminated string" },
	{ ".difo d\n\tsetx member_offset(\"struct s\", \"m\"), %r1\n.end\n", 2, 7,
	    "relocation on a non-pseudo instruction" },
	{ ".difo d\n\tldx [%r1], %r2, load(\"int\")\n.end\n", 2, 18,
	    "relocation on a non-pseudo instruction" },
	{ ".difo d\n\tldgs nosuch, %r1\n\tret %r1\n.end\n", 2, 7, "unknown variable 'nosuch'" },
	{ "\tnop\n", 1, 2, "outside a .difo block" },
	{ ".int 5\n", 1, 1, ".int is valid only inside a .difo block" },
	{ ".difo d\n\tnop\n", 1, 1, "is not closed" },
	{ ".clause\n\t.predicate nope\n.end\n", 2, 13, "undefined DIFO 'nope'" },
	{ ".clause\n\t.action frob\n.end\n", 2, 10, "unknown action kind 'frob'" },
	{ ".probe a:b\n", 1, 8, "4 or 5" },
	{ ".difo d\n\tsetx 99999999999999999999, %r1\n.end\n", 2, 7, "64 bits" },
	{ ".difo d\n\tsets \"a\\q\", %r1\n.end\n", 2, 9, "unknown escape" },
	{ ".difo d\n\tsets \"a\\x00\", %r1\n.end\n", 2, 9, "NUL" },
	{ ".clause\n\t.action lquantize arg=lquantize(5, 1)\n.end\n", 2, 24, "lquantize" },
	{ ".difo d\nx:\tnop\nx:\tret %r1\n.end\n", 3, 1, "already defined" },
	{ ".difo d rtype=ctf:bogus:8\n.end\n", 1, 19, "unknown CTF kind 'bogus'" },
	{ ".srcident 12\n", 1, 11, "64 lower-case hex" },
	{ ".difo d\n\tadd %r1, %r2\n.end\n", 2, 14, "expected ','" },
	{ ".end\n", 1, 1, "valid only to close" },
	{ ".difo d\n\tldts self->ts, %r1\n.end\n", 2, 11, "'->' is D, not assembly" },
	{ ".object linked\n.object linked\n", 2, 9, "only once" },
	/* a line that fails after its variable operand leaves no fixup behind */
	{ ".difo d\n\tldgs x\n\tret %r1\n.end\n", 2, 8, "expected ','" },
	{ ".difo d\n\tusetx type_size(\"int\")\n\tret %r1\n.end\n", 2, 24, "expected ','" },
	{ ".difo d\n\tret %r1\n.end\n.difo d\n\tret %r1\n.end\n", 4, 7, "already defined" },
	{ ".difo d\n\tuload [%r1], %r2\n\tret %r1\n.end\n", 2, 2, "needs a relocation" },
	{ ".difo d\n\tusetx load(\"int\"), %r2\n\tret %r1\n.end\n", 2, 1,
	    "relocation kind 'load' belongs on 'uload'" },
	{ ".difo d\n\tusetx member_offset(\"struct s\"), %r2\n\tret %r1\n.end\n", 2, 1,
	    "needs a member path" },
	{ ".difo d\n\tusetx type_size(\"\"), %r2\n\tret %r1\n.end\n", 2, 1, "needs a type name" },
	{ ".difo d\n\tusetx type_exists(\"int\", guarded), %r2\n\tret %r1\n.end\n", 2, 1,
	    "'type_exists' takes no flags" },
	{ ".difo d\n\tuload [%r1], %r2, type_exists(\"int\")\n\tret %r1\n.end\n", 2, 1,
	    "relocation kind 'type_exists' belongs on 'usetx'" },
	{ ".difo d\n\tnop\n\tret %r1\n\t.reloc 0 cast(\"int\")\n.end\n", 4, 1, "belongs on 'typecast'" },
	{ ".difo d\n\tret %r1\n\t.line \"f.d\":1:1\n.end\n", 3, 1, "past the last instruction" },
	{ ".object linked\n.difo d\n\tusetx type_size(\"int\"), %r1\n\tret %r1\n.end\n", 3, 2,
	    "linked object cannot hold" },
};

/* ASSERTION: each assembler error reports file:line:col and its message, no object. */
START_TEST(assembler_errors)
{
	const struct err_case *e = &err_cases[_i];
	struct dobj *o = (struct dobj *)1;
	struct capture c;

	ck_assert_int_eq(assemble(e->text, &o, &c), -EINVAL);
	ck_assert_ptr_null(o);
	ck_assert_str_eq(c.file, "t.s");
	ck_assert_msg(strstr(c.msg, e->msg) != NULL, "case %d: got \"%s\"", _i, c.msg);
	ck_assert_msg(c.line == e->line && c.col == e->col, "case %d (%s): at %u:%u, want %u:%u",
	    _i, c.msg, c.line, c.col, e->line, e->col);
}
END_TEST

/* ASSERTION: hostile inputs never crash: binary bytes, huge lines, deep junk. */
START_TEST(hostile_inputs)
{
	static const char bin[] = "\x00\x01\xff.difo\x00\n\t\x80\x81";
	char *big = malloc(1 << 20);
	struct dobj *o;
	struct dasm_sink sink = { 0 };

	ck_assert_int_eq(dasm__assemble(bin, sizeof(bin), "b", &o, &sink), -EINVAL);
	memset(big, '%', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	ck_assert_int_eq(dasm__assemble(big, strlen(big), "b", &o, NULL), -EINVAL);
	for (size_t i = 0; i < (1 << 20) - 1; i++)
		big[i] = (i % 7 == 6) ? '\n' : "ba x,"[i % 5];
	ck_assert_int_eq(dasm__assemble(big, strlen(big), "b", &o, &sink), -EINVAL);
	ck_assert_int_eq(dasm__assemble("", 0, "e", &o, NULL), 0);
	ck_assert_uint_eq(o->ndifos, 0);
	dobj__free(o);
	free(big);
}
END_TEST

static Suite *dasm_suite(void)
{
	Suite *s = suite_create("dasm");
	TCase *tc;

	tc = tcase_create("roundtrip");
	tcase_add_test(tc, roundtrip_hello);
	tcase_add_test(tc, roundtrip_every_opcode);
	tcase_add_test(tc, roundtrip_latency);
	tcase_add_test(tc, roundtrip_member_load);
	tcase_add_test(tc, roundtrip_guarded);
	tcase_add_test(tc, roundtrip_count);
	suite_add_tcase(s, tc);
	tc = tcase_create("examples");
	tcase_add_test(tc, examples_validate);
	tcase_add_test(tc, every_opcode_covers_isa);
	suite_add_tcase(s, tc);
	tc = tcase_create("forms");
	tcase_add_test(tc, forms_encode);
	tcase_add_test(tc, forms_print);
	suite_add_tcase(s, tc);
	tc = tcase_create("labels");
	tcase_add_test(tc, labels);
	suite_add_tcase(s, tc);
	tc = tcase_create("symbolic");
	tcase_add_test(tc, symbolic_operands);
	tcase_add_test(tc, encodings_print_decoded);
	suite_add_tcase(s, tc);
	tc = tcase_create("listing");
	tcase_add_test(tc, listing_pastes_back);
	tcase_add_test(tc, program_listing);
	suite_add_tcase(s, tc);
	tc = tcase_create("explicit");
	tcase_add_test(tc, explicit_modes);
	tcase_add_test(tc, foreign_objects);
	tcase_add_test(tc, raw_words);
	suite_add_tcase(s, tc);
	tc = tcase_create("validation");
	tcase_add_test(tc, validator_findings);
	tcase_add_test(tc, object_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, assembler_errors, 0,
	    (int)(sizeof(err_cases) / sizeof(err_cases[0])));
	tcase_add_test(tc, hostile_inputs);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dasm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
