/*
 * compile.c -- dc_compile(): the driver of one compilation, and the AST dump.
 *
 * Order: set up the program (arena, built-in types, -x options), then for
 * each source read it, optionally preprocess it, and parse it; the parser
 * hands each external to the checker as it completes.  Whole-program checks
 * (D_EMPTY, unused macro arguments) run last.  The program owns everything;
 * dc_program__free() releases it in one step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "builtins.h"
#include "sem.h"

static char *read_file(struct dc_program *p, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct dc_loc loc = { .file = path };

	if (f == NULL) {
		dc_error(p, &loc, D_UNKNOWN, "failed to open %s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap + 1);
	while (buf != NULL) {
		if (n == cap) {
			char *nb = cap > ((size_t)1 << 30) ? NULL : realloc(buf, cap * 2 + 1);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	bool bad = ferror(f);
	fclose(f);
	if (buf == NULL || bad) {
		free(buf);
		dc_error(p, &loc, D_UNKNOWN, "failed to read %s", path);
		return NULL;
	}
	char *r = dc_arena_strndup(&p->arena, buf, n);
	free(buf);
	*len = n;
	return r;
}

static void apply_xopts(struct dc_program *p)
{
	struct dc_loc loc = { .file = "<command line>" };

	for (size_t i = 0; i < p->opts->nxopts; i++) {
		char *o = dc_arena_strdup(&p->arena, p->opts->xopts[i]);
		char *eq = strchr(o, '=');
		if (eq != NULL)
			*eq++ = '\0';
		dc_set_option(p, &loc, o, eq, false);
	}
}

/* D_EMPTY: pragmas alone do not make a program (nor the system library) */
static bool has_content(const struct dc_program *p)
{
	for (const struct dc_ext *x = p->exts; x; x = x->next)
		if (x->kind != DC_X_PRAGMA && !x->is_library)
			return true;
	return false;
}

/*
 * The bundled system library (compiler/lib/NAME.d): parsed first, like
 * DTrace's /usr/lib/dtrace, so its types, translators and inlines exist for
 * the user's program.  Its externals are marked is_library: they make no
 * program content (D_EMPTY), are not dumped, and emit code only through a
 * use.  An error in it is a bug of dtc and is reported at <system>/file.
 */
static void parse_library(struct dc_program *p)
{
	p->in_library = true;
	for (size_t i = 0; i < dc_nlibfiles && !p->stopped; i++) {
		struct dc_src *s = &p->srcs[p->nsrcs];
		s->name = dc_libfiles[i].name;
		s->buf = dc_libfiles[i].text;
		s->len = dc_libfiles[i].len;
		p->nsrcs++;
		dc_parse_source(p, p->nsrcs - 1);
	}
	for (struct dc_ext *x = p->exts; x; x = x->next)
		x->is_library = true;
	p->in_library = false;
}

static void compile_sources(struct dc_program *p, const struct dc_source *srcs,
			    size_t nsrcs, const struct dc_options *opts)
{
	p->ext_tail = &p->exts;
	p->version = DC_VERS_LATEST;
	p->srcs = dc_arena_alloc(&p->arena, (nsrcs + dc_nlibfiles + 1) * sizeof(*p->srcs));
	p->macro_used = dc_arena_alloc(&p->arena, (opts->nmacro_args + 1) * sizeof(bool));
	dc_ty_init_builtins(p);
	parse_library(p);
	apply_xopts(p);
	for (size_t i = 0; i < nsrcs && !p->stopped; i++) {
		size_t len = srcs[i].len;
		const char *text = srcs[i].text;
		if (text == NULL)
			text = read_file(p, srcs[i].name, &len);
		if (text == NULL)
			continue;
		struct dc_src *s = &p->srcs[p->nsrcs];
		s->name = srcs[i].name;
		if (opts->cpp) {
			size_t olen;
			char *out = dc_cpp_run(p, srcs[i].name, text, len, &olen);
			if (out == NULL)
				continue;
			text = out;
			len = olen;
		} else if (srcs[i].text != NULL) {
			text = dc_arena_strndup(&p->arena, text, len);
		}
		s->buf = text;
		s->len = len;
		p->nsrcs++;
		dc_parse_source(p, p->nsrcs - 1);
	}
	if (p->nerrors == 0 && !has_content(p) && dc_program__option(p, "empty") == NULL) {
		struct dc_loc loc = { .file = nsrcs ? srcs[0].name : "<input>" };
		dc_error(p, &loc, D_EMPTY, "program contains no probe descriptions or "
			 "declarations");
	}
	if (p->nerrors == 0 && dc_program__option(p, "defaultargs") == NULL) {
		for (size_t i = 0; i < opts->nmacro_args; i++)
			if (!p->macro_used[i]) {
				struct dc_loc loc = { .file = "<command line>" };
				dc_error(p, &loc, D_MACRO_UNUSED, "macro argument $%zu is not "
					 "referenced by the program", i + 1);
				break;
			}
	}
}

/* compile_sources with out-of-memory unwinding here (arena.c); -ENOMEM then. */
static int compile_guarded(struct dc_program *p, const struct dc_source *srcs,
			   size_t nsrcs, const struct dc_options *opts)
{
	jmp_buf oom;

	if (setjmp(oom) != 0)
		return -ENOMEM;
	p->arena.oom = &oom;
	compile_sources(p, srcs, nsrcs, opts);
	p->arena.oom = NULL;
	return 0;
}

struct dc_program *dc_compile(const struct dc_source *srcs, size_t nsrcs,
			      const struct dc_options *opts)
{
	struct dc_program *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	p->opts = opts;
	p->arena.limit = opts->max_memory;
	if (compile_guarded(p, srcs, nsrcs, opts) != 0) {
		struct dc_loc loc = { .file = nsrcs ? srcs[0].name : "<input>" };
		p->arena.oom = NULL;
		p->stopped = false;
		p->nsrcs = 0;		/* no source line to quote */
		dc_error(p, &loc, D_NOMEM, "out of memory");
		dc_program__free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

size_t dc_program__nerrors(const struct dc_program *p)
{
	return p->nerrors;
}

const char *dc_program__option(const struct dc_program *p, const char *name)
{
	for (const struct dc_option_val *o = p->options; o; o = o->next)
		if (strcmp(o->name, name) == 0)
			return o->value;
	return NULL;
}

const struct dc_ext *dc_program__exts(const struct dc_program *p)
{
	return p->exts;
}

void dc_program__free(struct dc_program *p)
{
	if (p == NULL)
		return;
	dc_arena_free(&p->arena);
	free(p);
}

/* ---- AST dump (stable text for golden tests) -------------------------- */

static void dump_node(FILE *f, const struct dc_program *p, const struct dc_node *n);

static void dump_list(FILE *f, const struct dc_program *p, const struct dc_node *n)
{
	for (; n; n = n->next) {
		fputc(' ', f);
		dump_node(f, p, n);
	}
}

static void dump_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void dump_node(FILE *f, const struct dc_program *p, const struct dc_node *n)
{
	struct dc_program *mp = (struct dc_program *)p;

	switch (n->kind) {
	case DC_N_INT:
		fprintf(f, "%llu", (unsigned long long)n->ival);
		return;
	case DC_N_STR:
		dump_str(f, n->str, n->slen);
		return;
	case DC_N_VAR:
		fprintf(f, "%s%s%s%s", n->scope == DC_VS_SELF ? "self->" :
			n->scope == DC_VS_THIS ? "this->" : "", n->mod ? n->mod : "",
			n->mod ? "`" : "", n->name);
		return;
	case DC_N_AGG:
		fprintf(f, "(@%s", n->name);
		dump_list(f, p, n->args);
		fputc(')', f);
		return;
	case DC_N_UNARY:
		fprintf(f, "(%s ", dc_tok_str((enum dc_tok)n->op));
		dump_node(f, p, n->l);
		fputc(')', f);
		return;
	case DC_N_POSTFIX:
		fputc('(', f);
		dump_node(f, p, n->l);
		fprintf(f, " post%s)", dc_tok_str((enum dc_tok)n->op));
		return;
	case DC_N_BINARY: case DC_N_LOGICAL: case DC_N_ASSIGN:
		fprintf(f, "(%s ", dc_tok_str((enum dc_tok)n->op));
		dump_node(f, p, n->l);
		fputc(' ', f);
		dump_node(f, p, n->r);
		fputc(')', f);
		return;
	case DC_N_TERNARY:
		fputs("(?: ", f);
		dump_node(f, p, n->l);
		fputc(' ', f);
		dump_node(f, p, n->r);
		fputc(' ', f);
		dump_node(f, p, n->x);
		fputc(')', f);
		return;
	case DC_N_CALL:
		fputs("(call ", f);
		dump_node(f, p, n->l);
		dump_list(f, p, n->args);
		fputc(')', f);
		return;
	case DC_N_INDEX:
		fputs("([] ", f);
		dump_node(f, p, n->l);
		dump_list(f, p, n->args);
		fputc(')', f);
		return;
	case DC_N_MEMBER:
		fprintf(f, "(%s ", n->is_arrow ? "->" : ".");
		dump_node(f, p, n->l);
		fprintf(f, " %s)", n->name);
		return;
	case DC_N_CAST:
		fprintf(f, "(cast <%s> ", dc_ty_name(mp, n->ctype));
		dump_node(f, p, n->l);
		fputc(')', f);
		return;
	case DC_N_SIZEOF_TYPE:
		fprintf(f, "(sizeof <%s>)", dc_ty_name(mp, n->ctype));
		return;
	case DC_N_SIZEOF_EXPR:
		fputs("(sizeof ", f);
		dump_node(f, p, n->l);
		fputc(')', f);
		return;
	case DC_N_OFFSETOF:
		fprintf(f, "(offsetof <%s> %s)", dc_ty_name(mp, n->ctype), n->name);
		return;
	case DC_N_STRINGOF:
		fputs("(stringof ", f);
		dump_node(f, p, n->l);
		fputc(')', f);
		return;
	case DC_N_XLATE:
		fprintf(f, "(xlate <%s> ", dc_ty_name(mp, n->ctype));
		dump_node(f, p, n->l);
		fputc(')', f);
		return;
	case DC_N_COMMA:
		fputs("(, ", f);
		dump_node(f, p, n->l);
		fputc(' ', f);
		dump_node(f, p, n->r);
		fputc(')', f);
		return;
	case DC_N_TYPE:
		fprintf(f, "<%s>", dc_ty_name(mp, n->ctype));
		return;
	}
}

static void dump_stmts(FILE *f, const struct dc_program *p, const struct dc_stmt *s,
		       int ind)
{
	for (; s; s = s->next) {
		fprintf(f, "%*s", ind, "");
		switch (s->kind) {
		case DC_S_EMPTY: case DC_S_DECL:
			fputs(";\n", f);
			break;
		case DC_S_EXPR:
			dump_node(f, p, s->expr);
			fputc('\n', f);
			break;
		case DC_S_IF:
			fputs("if ", f);
			dump_node(f, p, s->expr);
			fputc('\n', f);
			dump_stmts(f, p, s->then, ind + 2);
			if (s->els != NULL) {
				fprintf(f, "%*selse\n", ind, "");
				dump_stmts(f, p, s->els, ind + 2);
			}
			break;
		}
	}
}

int dc_program__dump(const struct dc_program *p, void *file)
{
	FILE *f = file;
	struct dc_program *mp = (struct dc_program *)p;

	for (const struct dc_ext *x = p->exts; x; x = x->next) {
		if (x->is_library)
			continue;
		switch (x->kind) {
		case DC_X_CLAUSE: {
			const struct dc_clause *c = x->u.clause;
			fputs("clause", f);
			for (const struct dc_pdesc *d = c->pdescs; d; d = d->next) {
				if (d->is_id)
					fprintf(f, " id:%s", d->text);
				else
					fprintf(f, " %s%s%s%s:%s:%s", d->target ? "[" : "",
						d->target ? d->target : "",
						d->target ? "]" : "", d->prov, d->mod,
						d->func);
				if (!d->is_id)
					fprintf(f, ":%s", d->name);
			}
			fputc('\n', f);
			if (c->pred != NULL) {
				fputs("  pred ", f);
				dump_node(f, p, c->pred);
				fputc('\n', f);
			}
			dump_stmts(f, p, c->stmts, 2);
			break;
		}
		case DC_X_DECL: case DC_X_INLINE: {
			const struct dc_decl *d = x->u.decl;
			fprintf(f, "%s %s <%s>", x->kind == DC_X_INLINE ? "inline" : "decl",
				d->name, dc_ty_name(mp, d->type));
			if (d->is_assoc) {
				fputs(" [", f);
				for (const struct dc_param *k = d->keys; k; k = k->next)
					fprintf(f, "%s%s", dc_ty_name(mp, k->type),
						k->next ? ", " : "");
				fputc(']', f);
			}
			if (x->inline_expr != NULL) {
				fputs(" = ", f);
				dump_node(f, p, x->inline_expr);
			}
			fputc('\n', f);
			break;
		}
		case DC_X_XLATOR: {
			const struct dc_xlator *t = x->u.xlator;
			fprintf(f, "translator <%s> < <%s> %s >\n", dc_ty_name(mp, t->out),
				dc_ty_name(mp, t->in), t->arg);
			for (const struct dc_xlmember *m = t->members; m; m = m->next) {
				fprintf(f, "  %s = ", m->name);
				dump_node(f, p, m->expr);
				fputc('\n', f);
			}
			break;
		}
		case DC_X_PROVIDER:
			fprintf(f, "provider %s\n", x->u.provider->name);
			for (const struct dc_probe_decl *d = x->u.provider->probes; d;
			     d = d->next)
				fprintf(f, "  probe %s\n", d->name);
			break;
		case DC_X_PRAGMA:
			fprintf(f, "pragma %s %s%s%s\n", x->u.pragma->kind, x->u.pragma->name,
				x->u.pragma->value ? " = " : "",
				x->u.pragma->value ? x->u.pragma->value : "");
			break;
		}
	}
	return ferror(f) ? -EIO : 0;
}
