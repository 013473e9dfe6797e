/*
 * check_dfront.c -- Check suite for the D front end: lexer literals,
 * operator precedence, declarations, probe descriptions (through the AST
 * dump), diagnostics and limits.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc.h"

struct sinkbuf {
	char tags[512];
	int n;
	char file[256];         /* of the first diagnostic */
	int line, col;
};

static void sink(void *ctx, const struct dc_diag *d)
{
	struct sinkbuf *s = ctx;
	size_t l = strlen(s->tags);

	if (l + 40 < sizeof(s->tags))
		snprintf(s->tags + l, sizeof(s->tags) - l, "%s%s", l ? " " : "",
			 dc_errtag__name(d->tag));
	if (s->n == 0 && d->file != NULL) {
		snprintf(s->file, sizeof(s->file), "%s", d->file);
		s->line = d->line;
		s->col = d->col;
	}
	s->n++;
}

/* Compile with options; return the AST dump (malloc'd), error tags in *sb. */
static char *compile_opts(const char *text, struct sinkbuf *sb, struct dc_options *o)
{
	struct dc_source src = { .name = "prog.d", .text = text, .len = strlen(text) };
	o->sink = sink;
	o->sink_ctx = sb;
	memset(sb, 0, sizeof(*sb));
	struct dc_program *p = dc_compile(&src, 1, o);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(p);
	dc_program__dump(p, f);
	fclose(f);
	dc_program__free(p);
	return buf;
}

/* Compile text; return the AST dump (malloc'd) and the error tags in *sb. */
static char *compile(const char *text, struct sinkbuf *sb)
{
	struct dc_source src = { .name = "<command line>", .text = text, .len = strlen(text) };
	struct dc_options o = { .sink = sink, .sink_ctx = sb };
	memset(sb, 0, sizeof(*sb));
	struct dc_program *p = dc_compile(&src, 1, &o);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(p);
	dc_program__dump(p, f);
	fclose(f);
	dc_program__free(p);
	return buf;
}

/* ASSERTION: multiplication binds tighter than addition, shifts looser. */
START_TEST(precedence_arith)
{
	struct sinkbuf sb;
	char *d = compile("BEGIN { x = 1 + 2 * 3 << 1; }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(= x (<< (+ 1 (* 2 3)) 1))"));
	free(d);
}
END_TEST

/* ASSERTION: ?: is right associative and ^^ sits between && and ||. */
START_TEST(precedence_logic)
{
	struct sinkbuf sb;
	char *d = compile("BEGIN { y = 1 || 2 ^^ 3 && 4; z = y ? 1 : y ? 2 : 3; }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(|| 1 (^^ 2 (&& 3 4)))"));
	ck_assert_ptr_nonnull(strstr(d, "(?: y 1 (?: y 2 3))"));
	free(d);
}
END_TEST

/* ASSERTION: probe descriptions split right to left; a fifth field is the target. */
START_TEST(pdesc_fields)
{
	struct sinkbuf sb;
	char *d = compile("host:fbt:kern:vn_open:entry, read:entry, BEGIN { }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "[host]fbt:kern:vn_open:entry"));
	ck_assert_ptr_nonnull(strstr(d, " :::BEGIN"));
	ck_assert_ptr_nonnull(strstr(d, " ::read:entry"));
	free(d);
}
END_TEST

/* ASSERTION: literals get C99 values; overflow and bad digits are tagged. */
START_TEST(literals)
{
	struct sinkbuf sb;
	char *d = compile("BEGIN { a = 0x10; b = 010; c = 'ab'; }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(= a 16)"));
	ck_assert_ptr_nonnull(strstr(d, "(= b 8)"));
	ck_assert_ptr_nonnull(strstr(d, "(= c 24930)"));
	free(d);
	free(compile("BEGIN { a = 99999999999999999999; }", &sb));
	ck_assert_str_eq(sb.tags, "D_INT_OFLOW");
	free(compile("BEGIN { a = 09; }", &sb));
	ck_assert_str_eq(sb.tags, "D_INT_DIGIT");
}
END_TEST

/* ASSERTION: declarations define typedefs, structs and associative arrays. */
START_TEST(declarations)
{
	struct sinkbuf sb;
	char *d = compile("typedef struct s { int a; char *b; } s_t;\n"
			  "int m[int, string];\ns_t v;\nBEGIN { m[1, \"x\"] = v.a; }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "decl m <int> [int, string]"));
	ck_assert_ptr_nonnull(strstr(d, "decl v <struct s>"));
	free(d);
}
END_TEST

/* ASSERTION: very deep nesting gives a clean D_SYNTAX error, not a crash. */
START_TEST(deep_nesting)
{
	struct sinkbuf sb;
	size_t n = 100000;
	char *t = malloc(2 * n + 32);
	strcpy(t, "BEGIN { x = ");
	size_t l = strlen(t);
	memset(t + l, '(', n);
	t[l + n] = '1';
	memset(t + l + n + 1, ')', n);
	strcpy(t + l + 2 * n + 1, "; }");
	free(compile(t, &sb));
	free(t);
	ck_assert_str_eq(sb.tags, "D_SYNTAX");
}
END_TEST

/* ASSERTION: unterminated strings and comments are reported, not followed. */
START_TEST(unterminated)
{
	struct sinkbuf sb;
	free(compile("BEGIN { x = \"abc", &sb));
	ck_assert_ptr_nonnull(strstr(sb.tags, "D_SYNTAX"));
	free(compile("BEGIN { } /* open", &sb));
	ck_assert_str_eq(sb.tags, "D_SYNTAX");
	free(compile("BEGIN { x = \xff; }", &sb));
	ck_assert_ptr_nonnull(strstr(sb.tags, "D_SYNTAX"));
}
END_TEST

/* ASSERTION: independent errors in different clauses are all reported. */
START_TEST(several_errors)
{
	struct sinkbuf sb;
	free(compile("BEGIN { trace(nope1); }\nEND { x = 1 / 0; }", &sb));
	ck_assert_str_eq(sb.tags, "D_IDENT_UNDEF D_DIV_ZERO");
}
END_TEST

/* ASSERTION: every tag has a name and a description. */
START_TEST(tag_table)
{
	for (int i = 0; i < DC_ERRTAG_COUNT; i++) {
		ck_assert_ptr_nonnull(dc_errtag__name((enum dc_errtag)i));
		ck_assert(strncmp(dc_errtag__name((enum dc_errtag)i), "D_", 2) == 0);
		ck_assert(strlen(dc_errtag__desc((enum dc_errtag)i)) > 0);
	}
	ck_assert_ptr_null(dc_errtag__name(DC_ERRTAG_COUNT));
}
END_TEST

/* ASSERTION: $1 is an integer token, $$2 a string; unused arguments are errors. */
START_TEST(macros)
{
	struct sinkbuf sb;
	const char *args[] = { "41", "foo", "9" };
	struct dc_options o = { .macro_args = args, .nmacro_args = 2 };
	char *d = compile_opts("BEGIN { x = $1 + 1; y = $$2; }", &sb, &o);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(= x (+ 41 1))"));
	ck_assert_ptr_nonnull(strstr(d, "(= y \"foo\")"));
	free(d);
	struct dc_options o2 = { .macro_args = args, .nmacro_args = 3 };
	free(compile_opts("BEGIN { x = $1; y = $$2; }", &sb, &o2));
	ck_assert_str_eq(sb.tags, "D_MACRO_UNUSED");
	struct dc_options o3 = { 0 };
	free(compile_opts("BEGIN { x = $1; }", &sb, &o3));
	ck_assert_str_eq(sb.tags, "D_MACRO_UNDEF");
	struct dc_options o4 = { .macro_args = args, .nmacro_args = 1 };
	d = compile_opts("syscall::read:entry /pid == $1/ { }", &sb, &o4);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(== pid 41)"));
	free(d);
}
END_TEST

/* ASSERTION: with cpp, macros expand and diagnostics name the source and line. */
START_TEST(preprocessor)
{
	struct sinkbuf sb;
	const char *cargs[] = { "-DLIMIT=7" };
	struct dc_options o = { .cpp = true, .cpp_args = cargs, .ncpp_args = 1 };
	char *d = compile_opts("#define V 5\nBEGIN { x = V + LIMIT; }\n", &sb, &o);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(= x (+ 5 7))"));
	free(d);
	free(compile_opts("#define V 5\n\nBEGIN { x = nosuch; }\n", &sb, &o));
	ck_assert_str_eq(sb.tags, "D_IDENT_UNDEF");
	ck_assert_str_eq(sb.file, "prog.d");
	ck_assert_int_eq(sb.line, 3);
}
END_TEST

/* ASSERTION: without cpp, #define is an invalid control line and # N "f" moves lines. */
START_TEST(control_lines)
{
	struct sinkbuf sb;
	free(compile("#define X 1\nBEGIN { }", &sb));
	ck_assert_str_eq(sb.tags, "D_PRAGCTL_INVAL");
	free(compile("# 40 \"other.d\"\nBEGIN { x = nosuch; }", &sb));
	ck_assert_str_eq(sb.file, "other.d");
	ck_assert_int_eq(sb.line, 40);
	free(compile("#pragma D option nosuchoption\nBEGIN { }", &sb));
	ck_assert_str_eq(sb.tags, "D_PRAGMA_OPTSET");
	free(compile("#pragma ident \"x\"\n#pragma weak foo\nBEGIN { }", &sb));
	ck_assert_int_eq(sb.n, 0);
	char *d = compile("#pragma D option bufsize=4m\n#pragma D option quiet\n"
			  "#pragma D depends_on provider syscall\nBEGIN { }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "pragma option bufsize = 4m\npragma option quiet\n"
				     "pragma depends_on syscall = provider\n"));
	free(d);
}
END_TEST

/* ASSERTION: '/' closes a predicate only before '{', ';', '/' or the end. */
START_TEST(predicate_slash)
{
	struct sinkbuf sb;
	char *d = compile("BEGIN { x = 4; }\nEND /x / 2 > 1/ { exit(0); }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "pred (> (/ x 2) 1)"));
	free(d);
}
END_TEST

/* ASSERTION: a type name followed by '=' inside a clause is a variable. */
START_TEST(tname_rule)
{
	struct sinkbuf sb;
	char *d = compile("typedef int foo;\nfoo bar;\nBEGIN { bar = (foo)1; foo = 2; }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_nonnull(strstr(d, "(= bar (cast <int> 1))"));
	ck_assert_ptr_nonnull(strstr(d, "(= foo 2)"));
	free(d);
}
END_TEST

/* ASSERTION: target types stay symbolic: members of curthread are accepted. */
START_TEST(symbolic_types)
{
	struct sinkbuf sb;
	free(compile("fbt::vfs_read:entry { trace(curthread->td_proc->p_pid); "
		     "x = (struct file *)arg0; trace(x->f_flag); "
		     "trace(((kthread_t *)arg1)->t_tid); }", &sb));
	ck_assert_int_eq(sb.n, 0);
}
END_TEST

/* A program of n copies of unit between head and tail (malloc'd). */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *t = malloc(hl + ul * n + tl + 1);
	ck_assert_ptr_nonnull(t);
	memcpy(t, head, hl);
	for (size_t i = 0; i < n; i++)
		memcpy(t + hl + i * ul, unit, ul);
	memcpy(t + hl + ul * n, tail, tl + 1);
	return t;
}

/* ASSERTION: long operator, member, comma and unary chains and nested struct
 * bodies are bounded like parentheses: D_SYNTAX, never a stack overflow. */
START_TEST(deep_chains)
{
	static const struct { const char *head, *unit, *tail; } shapes[] = {
		{ "BEGIN { x = 1", " + 1", "; }" },
		{ "BEGIN { x = a", "->b", "; }" },
		{ "BEGIN { x = a", "[1]", "; }" },
		{ "BEGIN { x = 1", ", 1", "; }" },
		{ "BEGIN { x = ", "-", "1; }" },
		{ "BEGIN { x = ", "!", "1; }" },
		{ "struct s { ", "struct { ", "int x; };" },
		{ "BEGIN { ", "if (1) { ", "x = 1; }" },
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct sinkbuf sb;
		char *t = repeat(shapes[i].head, shapes[i].unit, 200000, shapes[i].tail);
		free(compile(t, &sb));
		free(t);
		ck_assert_msg(strncmp(sb.tags, "D_SYNTAX", 8) == 0, "shape %zu: %s", i, sb.tags);
	}
	/* a chain of a few hundred terms (generated predicates) still compiles */
	struct sinkbuf sb;
	char *t = repeat("BEGIN /pid == 0", " || pid == 1", 400, "/ { }");
	free(compile(t, &sb));
	free(t);
	ck_assert_str_eq(sb.tags, "");
}
END_TEST

struct msgbuf {
	char msg[1200];
	int n;
};

static void msg_sink(void *ctx, const struct dc_diag *d)
{
	struct msgbuf *m = ctx;
	if (m->n++ == 0)
		snprintf(m->msg, sizeof(m->msg), "%s %s", dc_errtag__name(d->tag), d->msg);
}

static void first_msg(const char *text, struct msgbuf *m)
{
	struct dc_source src = { .name = "prog.d", .text = text, .len = strlen(text) };
	struct dc_options o = { .sink = msg_sink, .sink_ctx = m };
	memset(m, 0, sizeof(*m));
	dc_program__free(dc_compile(&src, 1, &o));
}

/* ASSERTION: a huge literal is named in a short message, not echoed whole. */
START_TEST(huge_literal)
{
	struct msgbuf m;
	char *t = repeat("BEGIN { x = ", "9", 100000, "; }");
	first_msg(t, &m);
	free(t);
	ck_assert_str_eq(m.msg, "D_INT_OFLOW integer constant "
			 "9999999999999999999999999999999999999999... is too large");
	t = repeat("BEGIN { x = \"", "a", 1000000, "\"; }");
	first_msg(t, &m);
	free(t);
	ck_assert_int_eq(m.n, 0);       /* long strings are fine */
}
END_TEST

/* ASSERTION: bytes outside ASCII are named: a code point for valid UTF-8,
 * the byte otherwise; inside strings and comments they are plain bytes. */
START_TEST(invalid_utf8)
{
	struct msgbuf m;
	first_msg("BEGIN { x\xc3\xa9 = 1; }", &m);
	ck_assert_str_eq(m.msg, "D_SYNTAX invalid character U+00E9: D source is ASCII "
			 "outside string literals and comments");
	first_msg("BEGIN { x\xc3\x28 = 1; }", &m);
	ck_assert_str_eq(m.msg, "D_SYNTAX invalid UTF-8 byte 0xc3");
	first_msg("BEGIN { x = \xed\xa0\x80; }", &m);   /* a UTF-16 surrogate */
	ck_assert_str_eq(m.msg, "D_SYNTAX invalid UTF-8 byte 0xed");
	first_msg("BEGIN { x = \xf8\x88\x80\x80\x80; }", &m);
	ck_assert_str_eq(m.msg, "D_SYNTAX invalid UTF-8 byte 0xf8");
	first_msg("BEGIN { x = \"\xff\xfe\"; } /* \xc3 */", &m);
	ck_assert_int_eq(m.n, 0);
}
END_TEST

/* ASSERTION: unterminated character constants and strings at end of input
 * are reported at their opening quote. */
START_TEST(unterminated_eof)
{
	struct sinkbuf sb;
	free(compile("BEGIN { x = 'a", &sb));
	ck_assert_msg(strncmp(sb.tags, "D_SYNTAX", 8) == 0, "%s", sb.tags);
	ck_assert_int_eq(sb.col, 13);
	free(compile("BEGIN { x = \"abc", &sb));
	ck_assert_int_eq(sb.col, 13);
	free(compile("/* never closed", &sb));
	ck_assert_str_eq(sb.tags, "D_SYNTAX");
	ck_assert_int_eq(sb.col, 1);
}
END_TEST

/* ASSERTION: #pragma D option version hides built-ins newer than the version. */
START_TEST(version_binding)
{
	struct sinkbuf sb;
	free(compile("#pragma D option version=1.0\nint strstr;\nBEGIN { x = ucaller; }", &sb));
	ck_assert_str_eq(sb.tags, "D_IDENT_UNDEF");     /* ucaller is 1.2 */
	free(compile("#pragma D option version=1.2\nBEGIN { x = ucaller; }", &sb));
	ck_assert_str_eq(sb.tags, "");
	free(compile("#pragma D option version=1.1\nint strstr;", &sb));
	ck_assert_str_eq(sb.tags, "D_DECL_IDRED");
	free(compile("#pragma D option version=1.x\nBEGIN { }", &sb));
	ck_assert_str_eq(sb.tags, "D_PRAGMA_OPTSET");
}
END_TEST

/* ASSERTION: declarations that would cost quadratic time are bounded: over
 * 1023 members or enumerators (CTF's limit) is D_UNKNOWN, over 64 pointer
 * levels D_SYNTAX; duplicate probes of a large provider are still found. */
START_TEST(size_limits)
{
	struct sinkbuf sb;
	/* distinct member names: m0 m1 ... */
	size_t cap = 2000 * 16 + 64, l = 0;
	char *t = malloc(cap);
	l += (size_t)sprintf(t + l, "struct s {");
	for (int i = 0; i < 1024; i++)
		l += (size_t)sprintf(t + l, " int m%d;", i);
	sprintf(t + l, " };");
	free(compile(t, &sb));
	ck_assert_str_eq(sb.tags, "D_UNKNOWN");
	l = (size_t)sprintf(t, "enum e {");
	for (int i = 0; i < 1024; i++)
		l += (size_t)sprintf(t + l, " E%d,", i);
	sprintf(t + l, " };");
	free(compile(t, &sb));
	ck_assert_str_eq(sb.tags, "D_UNKNOWN");
	l = (size_t)sprintf(t, "enum e {");
	for (int i = 0; i < 1023; i++)
		l += (size_t)sprintf(t + l, " E%d,", i);
	sprintf(t + l, " }; BEGIN { trace(E1022); }");
	free(compile(t, &sb));
	ck_assert_str_eq(sb.tags, "");
	free(t);
	t = repeat("int ", "*", 65, "x;");
	free(compile(t, &sb));
	free(t);
	ck_assert_str_eq(sb.tags, "D_SYNTAX");
	t = repeat("int ", "*", 64, "x; BEGIN { x = 0; }");
	free(compile(t, &sb));
	free(t);
	ck_assert_str_eq(sb.tags, "");
	t = malloc(20000 * 24 + 64);
	l = (size_t)sprintf(t, "provider p {");
	for (int i = 0; i < 20000; i++)
		l += (size_t)sprintf(t + l, " probe p%d();", i);
	sprintf(t + l, " probe p7(); };");
	free(compile(t, &sb));
	free(t);
	ck_assert_str_eq(sb.tags, "D_PROV_PRDUP");
	ck_assert_int_eq(sb.col, (int)l + 8);       /* the second p7 */
}
END_TEST

/* ASSERTION: running out of memory is one D_NOMEM diagnostic and NULL with ENOMEM, never a
 * print or an abort; a limit the program fits in changes nothing */
START_TEST(out_of_memory)
{
	const char *text = "BEGIN { x = 1; trace(x + 2); }";
	struct dc_source src = { .name = "prog.d", .text = text, .len = strlen(text) };
	struct sinkbuf sb;
	struct dc_options o = { .sink = sink, .sink_ctx = &sb, .max_memory = 1024 };

	memset(&sb, 0, sizeof(sb));
	errno = 0;
	ck_assert_ptr_null(dc_compile(&src, 1, &o));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_str_eq(sb.tags, "D_NOMEM");
	ck_assert_int_eq(sb.n, 1);
	memset(&sb, 0, sizeof(sb));
	o.max_memory = 64 << 20;
	struct dc_program *p = dc_compile(&src, 1, &o);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(dc_program__nerrors(p), 0);
	ck_assert_str_eq(sb.tags, "");
	dc_program__free(p);
}
END_TEST

/* ASSERTION: the bundled system library defines curpsinfo & co. with real types, is not
 * part of the program's dump, and its per-target choice is hidden from programs */
START_TEST(system_library)
{
	struct sinkbuf sb;
	char *dump = compile("BEGIN { trace(curpsinfo->pr_ppid + curlwpsinfo->pr_lwpid); "
			     "trace(uregs[R_SP]); x = PR_MODEL_LP64; }", &sb);
	ck_assert_int_eq(sb.n, 0);
	ck_assert_ptr_null(strstr(dump, "translator"));
	ck_assert_ptr_null(strstr(dump, "inline"));
	free(dump);
	free(compile("BEGIN { trace(curlwpsinfo->pr_nice); }", &sb));
	ck_assert_str_eq(sb.tags, "D_XLATE_NOCONV");
	ck_assert_str_eq(sb.file, "<command line>");
	free(compile("BEGIN { trace(__ht_by_type(\"struct thread\", 1)); }", &sb));
	ck_assert_str_eq(sb.tags, "D_FUNC_UNDEF");
	free(compile("BEGIN { @[curpsinfo] = count(); }", &sb));
	ck_assert_str_eq(sb.tags, "D_KEY_TYPE");
	free(compile("", &sb));
	ck_assert_str_eq(sb.tags, "D_EMPTY");	/* the library is no program content */
}
END_TEST

static Suite *dfront_suite(void)
{
	Suite *s = suite_create("dfront");
	struct { const char *name; const TTest *t; } cases[] = {
		{ "precedence_arith", precedence_arith }, { "precedence_logic", precedence_logic },
		{ "pdesc_fields", pdesc_fields }, { "literals", literals },
		{ "declarations", declarations }, { "deep_nesting", deep_nesting },
		{ "unterminated", unterminated }, { "several_errors", several_errors },
		{ "tag_table", tag_table }, { "macros", macros },
		{ "preprocessor", preprocessor }, { "control_lines", control_lines },
		{ "predicate_slash", predicate_slash }, { "tname_rule", tname_rule },
		{ "symbolic_types", symbolic_types }, { "deep_chains", deep_chains },
		{ "huge_literal", huge_literal }, { "invalid_utf8", invalid_utf8 },
		{ "unterminated_eof", unterminated_eof }, { "version_binding", version_binding },
		{ "size_limits", size_limits }, { "out_of_memory", out_of_memory },
		{ "system_library", system_library },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_add_test(tc, cases[i].t);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dfront_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
