/*
 * parse.c -- recursive-descent parser for D: externals, declarations,
 * clauses, statements and expressions.
 *
 * Each function reads one grammar symbol; its rule is written above it.
 * Tokens are lexed lazily (peek()/take()) because the lexer's state depends
 * on where the parser is: probe descriptions are only lexed at the outer
 * level, so after the closing '}' of a clause nothing is read ahead.
 *
 * Syntax errors are reported once and abandon the rest of that source
 * (longjmp back to dc_parse_source), like a yacc parser would: the first
 * syntax error is the useful one.  Declarations take effect as soon as they
 * are parsed (typedef names change how the lexer classifies identifiers);
 * each finished external is appended to the program and checked by sem.c
 * immediately, so later externals see the variables earlier ones created.
 *
 * Nesting of expressions and declarators is bounded by DC_MAX_NEST so that
 * hostile input cannot overflow the stack.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "sem.h"

struct parser {
	struct dc_program *p;
	struct dc_lexer L;
	struct dc_token tk[3];
	int ntk;                /* lexed, not yet taken */
	jmp_buf fail;
	int depth;
	bool extern_decl;       /* `extern T a[];` is allowed */
};

/* ---- token plumbing ---------------------------------------------------- */

static struct dc_token *peek(struct parser *P)
{
	if (P->ntk == 0) {
		dc_lex_next(&P->L, &P->tk[0]);
		P->ntk = 1;
	}
	return &P->tk[0];
}

static struct dc_token *peek2(struct parser *P)
{
	peek(P);
	if (P->ntk == 1) {
		dc_lex_next(&P->L, &P->tk[1]);
		P->ntk = 2;
	}
	return &P->tk[1];
}

static struct dc_token *peek3(struct parser *P)
{
	peek2(P);
	if (P->ntk == 2) {
		dc_lex_next(&P->L, &P->tk[2]);
		P->ntk = 3;
	}
	return &P->tk[2];
}

static struct dc_token take(struct parser *P)
{
	struct dc_token t = *peek(P);

	P->tk[0] = P->tk[1];
	P->tk[1] = P->tk[2];
	P->ntk--;
	return t;
}

static bool is(struct parser *P, enum dc_tok k)
{
	return peek(P)->kind == k;
}

static bool accept(struct parser *P, enum dc_tok k)
{
	if (!is(P, k))
		return false;
	take(P);
	return true;
}

static const char *tok_text(struct parser *P, const struct dc_token *t)
{
	switch (t->kind) {
	case T_IDENT: case T_TNAME: case T_PSPEC:
		return t->text;
	case T_AGG:
		return dc_arena_printf(&P->p->arena, "@%s", strcmp(t->text, "_") ? t->text : "");
	case T_INT:
		return dc_arena_printf(&P->p->arena, "%llu", (unsigned long long)t->ival);
	case T_STR:
		return dc_arena_printf(&P->p->arena, "\"%s\"", t->str);
	default:
		return dc_tok_str(t->kind);
	}
}

static _Noreturn void syntax(struct parser *P, const struct dc_token *t)
{
	if (t->kind == T_EOF)
		dc_error(P->p, &t->loc, D_SYNTAX, "syntax error near end of input");
	else
		dc_error(P->p, &t->loc, D_SYNTAX, "syntax error near \"%s\"", tok_text(P, t));
	longjmp(P->fail, 1);
}

static _Noreturn void fail_at(struct parser *P, const struct dc_loc *loc,
			      enum dc_errtag tag, const char *msg)
{
	dc_error(P->p, loc, tag, "%s", msg);
	longjmp(P->fail, 1);
}

static struct dc_token expect(struct parser *P, enum dc_tok k)
{
	if (!is(P, k))
		syntax(P, peek(P));
	return take(P);
}

static void enter(struct parser *P, const struct dc_loc *loc)
{
	if (++P->depth > DC_MAX_NEST)
		fail_at(P, loc, D_SYNTAX, "expression or declaration nested too deeply");
}

static struct dc_node *node(struct parser *P, enum dc_node_kind k, const struct dc_loc *loc)
{
	struct dc_node *n = dc_arena_alloc(&P->p->arena, sizeof(*n));

	n->kind = k;
	n->loc = *loc;
	return n;
}

/*
 * pointers := { '*' { type-qualifier } }
 * At most DC_MAX_PTR levels: type names grow with each level, so an
 * unbounded run of stars would cost quadratic time and memory.
 */
enum { DC_MAX_PTR = 64 };

static struct dc_ty *pointers(struct parser *P, struct dc_ty *base)
{
	for (int n = 1; is(P, T_STAR); n++) {
		struct dc_loc loc = take(P).loc;
		if (n > DC_MAX_PTR)
			fail_at(P, &loc, D_SYNTAX, "too many levels of pointer indirection");
		base = dc_ty_ptr(P->p, base);
		while (is(P, K_CONST) || is(P, K_VOLATILE) || is(P, K_RESTRICT))
			take(P);
	}
	return base;
}

/* ---- declarations ------------------------------------------------------ */

static struct dc_node *expr(struct parser *P);
static struct dc_node *assign(struct parser *P);
static struct dc_node *cond_expr(struct parser *P);
static struct dc_ty *declarator(struct parser *P, struct dc_ty *base, const char **name,
				struct dc_param **keys, bool *is_assoc, struct dc_loc *nloc);

static bool starts_type(struct parser *P, const struct dc_token *t)
{
	switch (t->kind) {
	case K_CHAR: case K_SHORT: case K_INT: case K_LONG: case K_SIGNED:
	case K_UNSIGNED: case K_FLOAT: case K_DOUBLE: case K_VOID: case K_STRING:
	case K_STRUCT: case K_UNION: case K_ENUM: case K_CONST: case K_VOLATILE:
	case K_RESTRICT: case K_USERLAND: case K_BOOL: case T_TNAME:
		return true;
	default:
		return false;
	}
}

static bool starts_decl(struct parser *P, const struct dc_token *t)
{
	switch (t->kind) {
	case K_EXTERN: case K_TYPEDEF: case K_SELF: case K_THIS: case K_STATIC:
	case K_AUTO: case K_REGISTER:
		return true;
	default:
		return starts_type(P, t);
	}
}

struct specs {
	struct dc_loc loc;
	enum dc_storage sc;
	bool sc_err;
	int nshort, nlong, nsigned, nunsigned;
	enum dc_tok base;       /* K_INT, K_CHAR, ... T_TNAME, K_STRUCT...; T_EOF none */
	struct dc_ty *type;     /* for struct/union/enum/TNAME */
	bool is_const, is_userland;
	bool defined_body;      /* struct/union/enum with a body */
};

/* struct-declaration := specifiers declarator [':' const-expr] {',' ...} ';' */
static void sou_body(struct parser *P, struct dc_ty *t);
static void enum_body(struct parser *P, struct dc_ty *t);

/*
 * sou-specifier := ("struct"|"union") [ident] ['{' struct-declaration* '}']
 * enum-specifier := "enum" [ident] ['{' enumerator {',' enumerator} [','] '}']
 */
static struct dc_ty *tagged_spec(struct parser *P, struct specs *s, enum dc_tok kw)
{
	struct dc_loc loc = peek(P)->loc;
	const char *tag = NULL;
	enum dc_ty_kind k = kw == K_STRUCT ? DC_TY_STRUCT : kw == K_UNION ? DC_TY_UNION
									  : DC_TY_ENUM;
	const char *kwname = dc_tok_str(kw);

	if (is(P, T_IDENT) || is(P, T_TNAME)) {
		struct dc_token t = take(P);
		tag = t.text;
	}
	if (tag == NULL && !is(P, T_LBRACE))
		syntax(P, peek(P));
	struct dc_ty *t = NULL;
	char *full = tag ? dc_arena_printf(&P->p->arena, "%s %s", kwname, tag) : NULL;
	if (tag != NULL)
		t = dc_ty_lookup_tag(P->p, full);
	if (is(P, T_LBRACE)) {
		take(P);
		if (t != NULL && (t->is_complete || t->kind != k)) {
			dc_error(P->p, &loc, D_DECL_TYPERED, "type redeclared: %s", full);
			longjmp(P->fail, 1);
		}
		if (t == NULL) {
			t = dc_ty_new(P->p, k, full ? full : dc_arena_printf(&P->p->arena,
					"%s <anon>", kwname));
			if (full != NULL)
				dc_ty_add_tag(P->p, full, t);
		}
		enter(P, &loc);         /* struct bodies nest like expressions */
		if (k == DC_TY_ENUM)
			enum_body(P, t);
		else
			sou_body(P, t);
		P->depth--;
		s->defined_body = true;
		return t;
	}
	if (t != NULL && t->kind != k) {
		dc_error(P->p, &loc, D_DECL_TYPERED, "%s redeclared as a different kind", full);
		longjmp(P->fail, 1);
	}
	if (t == NULL) {
		/* forward reference: incomplete until defined (maybe a target type) */
		t = dc_ty_new(P->p, k, full);
		dc_ty_add_tag(P->p, full, t);
	}
	return t;
}

static void add_base(struct parser *P, struct specs *s, enum dc_tok k, const struct dc_loc *loc)
{
	if (s->base != T_EOF) {
		dc_error(P->p, loc, D_DECL_COMBO, "invalid type combination");
		longjmp(P->fail, 1);
	}
	s->base = k;
}

/*
 * specifiers := { storage | qualifier | type-specifier }
 * storage := extern | typedef | self | this | static | auto | register
 * qualifier := const | volatile | restrict | userland
 */
static void specifiers(struct parser *P, struct specs *s)
{
	memset(s, 0, sizeof(*s));
	s->base = T_EOF;
	s->loc = peek(P)->loc;
	for (;;) {
		struct dc_token *t = peek(P);
		struct dc_loc loc = t->loc;
		enum dc_storage sc = DC_SC_NONE;

		switch (t->kind) {
		case K_EXTERN: sc = DC_SC_EXTERN; break;
		case K_TYPEDEF: sc = DC_SC_TYPEDEF; break;
		case K_SELF: sc = DC_SC_SELF; break;
		case K_THIS: sc = DC_SC_THIS; break;
		case K_STATIC: sc = DC_SC_STATIC; break;
		case K_AUTO: sc = DC_SC_AUTO; break;
		case K_REGISTER: sc = DC_SC_REGISTER; break;
		default: break;
		}
		if (sc != DC_SC_NONE) {
			take(P);
			if (s->sc != DC_SC_NONE) {
				dc_error(P->p, &loc, D_DECL_CLASS,
					 "more than one storage class specified");
				longjmp(P->fail, 1);
			}
			s->sc = sc;
			continue;
		}
		switch (t->kind) {
		case K_CONST: take(P); s->is_const = true; continue;
		case K_VOLATILE: case K_RESTRICT: take(P); continue;
		case K_USERLAND: take(P); s->is_userland = true; continue;
		case K_SHORT:
			take(P);
			if (s->nshort++ || s->nlong)
				goto combo;
			continue;
		case K_LONG:
			take(P);
			if (++s->nlong > 2 || s->nshort)
				goto combo;
			continue;
		case K_SIGNED:
			take(P);
			if (s->nsigned++ || s->nunsigned)
				goto combo;
			continue;
		case K_UNSIGNED:
			take(P);
			if (s->nunsigned++ || s->nsigned)
				goto combo;
			continue;
		case K_CHAR: case K_INT: case K_FLOAT: case K_DOUBLE: case K_VOID:
		case K_STRING: case K_BOOL:
			add_base(P, s, take(P).kind, &loc);
			continue;
		case K_STRUCT: case K_UNION: case K_ENUM: {
			enum dc_tok kw = take(P).kind;
			add_base(P, s, kw, &loc);
			s->type = tagged_spec(P, s, kw);
			continue;
		}
		case T_TNAME:
			if (s->base != T_EOF || s->nshort || s->nlong || s->nsigned ||
			    s->nunsigned) {
				/* `int foo` where foo is a type: foo is the declared name */
				t->kind = T_IDENT;
				return;
			}
			s->type = dc_ty_lookup(P->p, take(P).text);
			s->base = T_TNAME;
			continue;
		default:
			return;
		}
combo:
		if (s->nshort && s->nlong)
			dc_error(P->p, &loc, D_UNKNOWN, "short and long may not be combined");
		else
			dc_error(P->p, &loc, D_DECL_COMBO, "invalid type combination");
		longjmp(P->fail, 1);
	}
}

/* Turn collected specifiers into a type (C rules, D sizes: LP64). */
static struct dc_ty *spec_type(struct parser *P, struct specs *s)
{
	struct dc_program *p = P->p;
	bool attrs = s->nshort || s->nlong || s->nsigned || s->nunsigned;
	bool sign = s->nsigned || s->nunsigned;
	struct dc_ty *t;

	switch (s->base) {
	case K_CHAR:
		if (s->nshort || s->nlong)
			fail_at(P, &s->loc, D_DECL_CHARATTR, "invalid type modifier for char");
		t = dc_ty_int(p, s->nunsigned ? "unsigned char" : s->nsigned ? "signed char"
						   : "char", 1, !s->nunsigned);
		t->is_char = true;
		break;
	case K_VOID:
		if (attrs)
			fail_at(P, &s->loc, D_DECL_VOIDATTR, "invalid type modifier for void");
		t = p->t_void;
		break;
	case K_FLOAT: case K_DOUBLE:
		if (sign)
			fail_at(P, &s->loc, D_DECL_SIGNINT,
				"signed/unsigned used with a non-integer type");
		if (s->nshort || (s->nlong && s->base == K_FLOAT))
			fail_at(P, &s->loc, D_DECL_LONGINT,
				"long/short used with a non-arithmetic type");
		t = dc_ty_new(p, DC_TY_FLOAT, s->base == K_FLOAT ? "float"
				     : s->nlong ? "long double" : "double");
		t->size = s->base == K_FLOAT ? 4 : s->nlong ? 16 : 8;
		break;
	case K_BOOL:
		if (attrs)
			fail_at(P, &s->loc, D_DECL_COMBO, "invalid type combination");
		t = dc_ty_int(p, "_Bool", 1, false);
		break;
	case K_STRING: case K_STRUCT: case K_UNION: case K_ENUM: case T_TNAME:
		if (sign && !(s->base == T_TNAME && dc_ty_is_integer(s->type)))
			fail_at(P, &s->loc, D_DECL_SIGNINT,
				"signed/unsigned used with a non-integer type");
		if ((s->nshort || s->nlong) && !(s->base == T_TNAME &&
						  dc_ty_is_integer(s->type)))
			fail_at(P, &s->loc, D_DECL_LONGINT,
				"long/short used with a non-arithmetic type");
		t = s->base == K_STRING ? p->t_string : s->type;
		break;
	default: {
		/* int, only modifiers, or only a storage class (implicit int) */
		if (s->base == T_EOF && !attrs && s->sc == DC_SC_NONE)
			return NULL;
		int size = s->nshort ? 2 : s->nlong ? 8 : 4;
		const char *nm = s->nshort ? "short" : s->nlong == 2 ? "long long"
			: s->nlong ? "long" : "int";
		if (s->nunsigned)
			nm = dc_arena_printf(&p->arena, "unsigned %s", nm);
		t = dc_ty_int(p, nm, size, !s->nunsigned);
		break;
	}
	}
	if (s->is_const || s->is_userland) {
		struct dc_ty *c = dc_arena_alloc(&p->arena, sizeof(*c));
		*c = *t;
		c->is_const = s->is_const || t->is_const;
		c->is_userland = s->is_userland || t->is_userland;
		t = c;
	}
	return t;
}

/* parameter := specifiers [declarator] | "..." */
static struct dc_param *param_list(struct parser *P, bool *varargs, bool keys_ok)
{
	struct dc_param *head = NULL, **tail = &head;
	int n = 0;
	bool saw_void = false;

	*varargs = false;
	if (is(P, T_RPAR) || is(P, T_RBRACK))
		return NULL;
	do {
		struct dc_loc loc = peek(P)->loc;
		if (accept(P, T_ELLIPSIS)) {
			*varargs = true;
			if (keys_ok)
				fail_at(P, &loc, D_DECL_PROTO_VARARGS,
					"... is not allowed in an array key list");
			break;
		}
		if (!starts_decl(P, peek(P)))
			syntax(P, peek(P));
		struct specs s;
		specifiers(P, &s);
		if (s.sc != DC_SC_NONE)
			fail_at(P, &loc, D_DECL_PARMCLASS,
				"storage class not allowed for a parameter");
		struct dc_ty *bt = spec_type(P, &s);
		if (bt == NULL)
			syntax(P, peek(P));
		const char *name = NULL;
		struct dc_param *ks = NULL;
		bool assoc = false;
		struct dc_loc nloc;
		struct dc_ty *t = declarator(P, bt, &name, &ks, &assoc, &nloc);
		if (assoc)
			fail_at(P, &loc, D_DECL_PROTO_TYPE,
				"associative array type not allowed in a prototype");
		if (t->kind == DC_TY_VOID) {
			if (name != NULL)
				fail_at(P, &loc, D_DECL_PROTO_NAME,
					"void parameter may not have a name");
			if (keys_ok)
				fail_at(P, &loc, D_DECL_PROTO_TYPE,
					"void is not allowed as an array key type");
			saw_void = true;
		} else if (saw_void) {
			fail_at(P, &loc, D_DECL_PROTO_VOID,
				"void must be the sole parameter");
		}
		struct dc_param *pm = dc_arena_alloc(&P->p->arena, sizeof(*pm));
		pm->name = name;
		pm->type = t;
		*tail = pm;
		tail = &pm->next;
		n++;
	} while (accept(P, T_COMMA));
	if (saw_void && n > 1)
		fail_at(P, &peek(P)->loc, D_DECL_PROTO_VOID,
			"void must be the sole parameter");
	if (saw_void && n == 1 && !keys_ok)
		return NULL;
	return head;
}

/*
 * declarator := { '*' {qualifier} } direct-declarator
 * direct-declarator := [ident | '(' declarator ')'] { '[' subscript ']' | '(' params ')' }
 * subscript := [const-expr | type {',' type}]
 */
static struct dc_ty *declarator(struct parser *P, struct dc_ty *base, const char **name,
				struct dc_param **keys, bool *is_assoc, struct dc_loc *nloc)
{
	struct dc_loc loc = peek(P)->loc;

	enter(P, &loc);
	*nloc = loc;
	base = pointers(P, base);
	/* nested declarator: (*name)(...) -- parse inner with a placeholder */
	struct dc_ty hole = { .kind = DC_TY_VOID };
	struct dc_ty *inner = NULL;
	if (is(P, T_LPAR) && (peek2(P)->kind == T_STAR || peek2(P)->kind == T_LPAR ||
			      peek2(P)->kind == T_IDENT)) {
		take(P);
		inner = declarator(P, &hole, name, keys, is_assoc, nloc);
		expect(P, T_RPAR);
	} else if (is(P, T_IDENT)) {
		struct dc_token t = take(P);
		*name = t.text;
		*nloc = t.loc;
		if (t.mod != NULL)
			dc_error(P->p, &t.loc, D_DECL_SCOPE,
				 "scoped name %s`%s not allowed in a declaration", t.mod, t.text);
	}
	/* suffixes apply right to left: collect then build */
	struct { int kind; uint64_t n; struct dc_param *params; bool varargs; } suf[32];
	int nsuf = 0;
	for (;;) {
		struct dc_loc sloc = peek(P)->loc;
		if (accept(P, T_LBRACK)) {
			if (nsuf == 32)
				fail_at(P, &sloc, D_SYNTAX, "too many declarator suffixes");
			if (is(P, T_RBRACK) && P->extern_decl) {
				take(P);
				suf[nsuf].kind = 0;
				suf[nsuf++].n = 0;
				continue;
			}
			if (is(P, T_RBRACK)) {
				take(P);
				fail_at(P, &sloc, D_DECL_ARRNULL,
					"array declaration requires a size or key list");
			}
			if (starts_decl(P, peek(P)) || is(P, T_ELLIPSIS)) {
				bool va;
				struct dc_param *ks = param_list(P, &va, true);
				expect(P, T_RBRACK);
				*keys = ks;
				*is_assoc = true;
				continue;
			}
			struct dc_node *e = cond_expr(P);
			expect(P, T_RBRACK);
			int64_t v;
			if (!dc_sem_const(P->p, e, &v) || v <= 0)
				fail_at(P, &sloc, D_DECL_ARRSUB,
					"array size must be a positive integer constant");
			if ((uint64_t)v > UINT32_MAX)
				fail_at(P, &sloc, D_DECL_ARRBIG, "array size is too large");
			suf[nsuf].kind = 0;
			suf[nsuf++].n = (uint64_t)v;
		} else if (accept(P, T_LPAR)) {
			if (nsuf == 32)
				fail_at(P, &sloc, D_SYNTAX, "too many declarator suffixes");
			bool va;
			struct dc_param *ps = param_list(P, &va, false);
			expect(P, T_RPAR);
			suf[nsuf].kind = 1;
			suf[nsuf].params = ps;
			suf[nsuf++].varargs = va;
		} else {
			break;
		}
	}
	for (int i = nsuf - 1; i >= 0; i--) {
		if (suf[i].kind == 0) {
			base = dc_ty_array(P->p, base, suf[i].n);
		} else {
			struct dc_ty *f = dc_ty_new(P->p, DC_TY_FUNC, "function");
			f->base = base;
			f->params = suf[i].params;
			f->varargs = suf[i].varargs;
			base = f;
		}
	}
	P->depth--;
	if (inner != NULL) {
		/* substitute base for the placeholder at the bottom of inner */
		struct dc_ty **slot = &inner;
		while (*slot != &hole && *slot != NULL)
			slot = &(*slot)->base;
		if (*slot == &hole)
			*slot = base;
		return inner;
	}
	return base;
}

/* type-name := specifiers abstract-declarator */
static struct dc_ty *type_name(struct parser *P)
{
	struct specs s;
	struct dc_loc loc = peek(P)->loc;

	specifiers(P, &s);
	struct dc_ty *bt = spec_type(P, &s);
	if (bt == NULL)
		syntax(P, peek(P));
	if (s.sc != DC_SC_NONE)
		fail_at(P, &loc, D_DECL_BADCLASS, "storage class not allowed in a type name");
	const char *name = NULL;
	struct dc_param *keys = NULL;
	bool assoc = false;
	struct dc_loc nloc;
	struct dc_ty *t = declarator(P, bt, &name, &keys, &assoc, &nloc);
	if (name != NULL)
		syntax(P, peek(P));
	return t;
}

static void sou_body(struct parser *P, struct dc_ty *t)
{
	struct dc_member **tail = &t->members;
	int nmembers = 0;

	while (!accept(P, T_RBRACE)) {
		struct dc_loc loc = peek(P)->loc;
		struct specs s;
		if (!starts_type(P, peek(P)))
			syntax(P, peek(P));
		specifiers(P, &s);
		struct dc_ty *bt = spec_type(P, &s);
		if (bt == NULL)
			syntax(P, peek(P));
		do {
			const char *name = NULL;
			struct dc_param *keys = NULL;
			bool assoc = false;
			struct dc_loc nloc = peek(P)->loc;
			struct dc_ty *mt = bt;
			int bits = 0;
			if (!is(P, T_COLON))
				mt = declarator(P, bt, &name, &keys, &assoc, &nloc);
			if (accept(P, T_COLON)) {
				struct dc_node *e = cond_expr(P);
				int64_t v;
				struct dc_ty *r = dc_ty_resolve(mt);
				if (!dc_ty_is_integer(r))
					fail_at(P, &nloc, D_DECL_BFTYPE,
						"bit-field must have an integer type");
				if (!dc_sem_const(P->p, e, &v) || v <= 0)
					fail_at(P, &e->loc, D_DECL_BFCONST,
						"bit-field width must be a positive integer constant");
				if (v > 64 || (uint64_t)v > dc_ty_size(r) * 8)
					fail_at(P, &e->loc, D_DECL_BFSIZE,
						"bit-field width exceeds its base type");
				bits = (int)v;
			}
			struct dc_ty *r = dc_ty_resolve(mt);
			if (r->kind == DC_TY_FUNC || r->kind == DC_TY_VOID)
				fail_at(P, &nloc, D_DECL_VOIDOBJ,
					"member may not have void or function type");
			if ((r->kind == DC_TY_STRUCT || r->kind == DC_TY_UNION ||
			     r->kind == DC_TY_ENUM) && !r->is_complete)
				dc_sem_pending_incomplete(P->p, &nloc, r);
			if (name == NULL && bits == 0 && r->kind != DC_TY_STRUCT &&
			    r->kind != DC_TY_UNION)
				fail_at(P, &nloc, D_DECL_MNAME, "member requires a name");
			if (name != NULL && dc_ty_member(t, name) != NULL)
				fail_at(P, &nloc, D_UNKNOWN, "duplicate member name");
			if (++nmembers > DC_MAX_VLEN)
				fail_at(P, &nloc, D_UNKNOWN, "too many members: a struct or "
					"union holds at most 1023, as in CTF");
			struct dc_member *m = dc_arena_alloc(&P->p->arena, sizeof(*m));
			m->name = name;
			m->type = mt;
			m->bits = bits;
			*tail = m;
			tail = &m->next;
		} while (accept(P, T_COMMA));
		(void)loc;
		expect(P, T_SEMI);
	}
	/* a member that used this type before now is an error; check before
	 * the layout, which must not recurse into the type itself */
	if (!dc_sem_type_completed(P->p, t))
		longjmp(P->fail, 1);
	dc_ty_layout(P->p, t);
	t->is_complete = true;
}

static void enum_body(struct parser *P, struct dc_ty *t)
{
	struct dc_enumerator **tail = &t->enums;
	int64_t next = 0;
	int count = 0;

	t->size = 4;
	t->is_signed = true;
	do {
		if (is(P, T_RBRACE))
			break;
		struct dc_token id = expect(P, T_IDENT);
		int64_t v = next;
		if (accept(P, T_ASSIGN)) {
			struct dc_node *e = cond_expr(P);
			if (!dc_sem_const(P->p, e, &v))
				fail_at(P, &e->loc, D_DECL_ENCONST,
					"enumerator value must be an integer constant");
			if (v > INT32_MAX || v < INT32_MIN)
				fail_at(P, &e->loc, D_DECL_ENOFLOW,
					"enumerator value overflows int");
		}
		if (v > INT32_MAX)
			fail_at(P, &id.loc, D_DECL_ENOFLOW, "enumerator value overflows int");
		for (struct dc_enumerator *e = t->enums; e; e = e->next)
			if (strcmp(e->name, id.text) == 0)
				fail_at(P, &id.loc, D_UNKNOWN, "duplicate enumerator name");
		if (++count > DC_MAX_VLEN)
			fail_at(P, &id.loc, D_UNKNOWN, "too many enumerators: an enum holds "
				"at most 1023, as in CTF");
		if (!dc_sem_declare_enum(P->p, &id.loc, id.text, t, v))
			longjmp(P->fail, 1);
		struct dc_enumerator *e = dc_arena_alloc(&P->p->arena, sizeof(*e));
		e->name = id.text;
		e->value = v;
		*tail = e;
		tail = &e->next;
		next = v + 1;
	} while (accept(P, T_COMMA));
	expect(P, T_RBRACE);
	t->is_complete = true;
	if (!dc_sem_type_completed(P->p, t))
		longjmp(P->fail, 1);
}

static void add_ext(struct dc_program *p, struct dc_ext *x)
{
	*p->ext_tail = x;
	p->ext_tail = &x->next;
}

/* declaration := specifiers [declarator {',' declarator}] ';' */
static void declaration(struct parser *P)
{
	struct specs s;
	struct dc_loc loc = peek(P)->loc;

	specifiers(P, &s);
	if (s.sc == DC_SC_AUTO || s.sc == DC_SC_REGISTER || s.sc == DC_SC_STATIC)
		fail_at(P, &loc, D_DECL_BADCLASS, "storage class not supported in D");
	struct dc_ty *bt = spec_type(P, &s);
	if (bt == NULL)
		syntax(P, peek(P));
	P->extern_decl = s.sc == DC_SC_EXTERN;
	if (accept(P, T_SEMI)) {
		if (!s.defined_body && !(s.base == K_STRUCT || s.base == K_UNION ||
					 s.base == K_ENUM))
			fail_at(P, &loc, D_DECL_USELESS, "declaration declares nothing");
		return;
	}
	do {
		const char *name = NULL;
		struct dc_param *keys = NULL;
		bool assoc = false;
		struct dc_loc nloc;
		struct dc_ty *t = declarator(P, bt, &name, &keys, &assoc, &nloc);
		if (name == NULL)
			syntax(P, peek(P));
		struct dc_decl *d = dc_arena_alloc(&P->p->arena, sizeof(*d));
		d->loc = nloc;
		d->sc = s.sc;
		d->name = name;
		d->type = t;
		d->keys = keys;
		d->is_assoc = assoc;
		if (s.sc == DC_SC_TYPEDEF) {
			struct dc_ty *old = dc_ty_lookup(P->p, name);
			if (old != NULL && old->kind != DC_TY_SYM)
				fail_at(P, &nloc, D_DECL_IDRED, "typedef redeclared");
			dc_ty_add_typedef(P->p, name, t);
		} else if (!dc_sem_declare(P->p, d)) {
			longjmp(P->fail, 1);
		}
		struct dc_ext *x = dc_arena_alloc(&P->p->arena, sizeof(*x));
		x->kind = DC_X_DECL;
		x->loc = nloc;
		x->u.decl = d;
		add_ext(P->p, x);
	} while (accept(P, T_COMMA));
	P->extern_decl = false;
	expect(P, T_SEMI);
}

/* inline := "inline" specifiers declarator '=' assignment-expr ';' */
static void inline_def(struct parser *P)
{
	struct specs s;
	struct dc_loc loc = take(P).loc;

	P->L.in_decl = true;    /* no #pragma D inside the definition */
	specifiers(P, &s);
	struct dc_ty *bt = spec_type(P, &s);
	if (bt == NULL)
		syntax(P, peek(P));
	const char *name = NULL;
	struct dc_param *keys = NULL;
	bool assoc = false;
	struct dc_loc nloc;
	struct dc_ty *t = declarator(P, bt, &name, &keys, &assoc, &nloc);
	if (name == NULL)
		syntax(P, peek(P));
	expect(P, T_ASSIGN);
	P->L.in_decl = false;
	P->L.in_clause = true;
	struct dc_node *e = assign(P);
	P->L.in_clause = false;
	expect(P, T_SEMI);
	struct dc_decl *d = dc_arena_alloc(&P->p->arena, sizeof(*d));
	d->loc = nloc;
	d->name = name;
	d->type = t;
	d->keys = keys;
	d->is_assoc = assoc;
	struct dc_ext *x = dc_arena_alloc(&P->p->arena, sizeof(*x));
	x->kind = DC_X_INLINE;
	x->loc = loc;
	x->u.decl = d;
	x->inline_expr = e;
	add_ext(P->p, x);
	dc_sem_inline(P->p, x);
}

/*
 * translator := "translator" type-name '<' type-name ident '>'
 *               '{' { ident '=' assignment-expr ';' } '}' ';'
 */
static void translator(struct parser *P)
{
	struct dc_loc loc = take(P).loc;
	struct dc_xlator *xl = dc_arena_alloc(&P->p->arena, sizeof(*xl));

	xl->out = type_name(P);
	expect(P, T_LT);
	struct specs s;
	specifiers(P, &s);
	struct dc_ty *bt = spec_type(P, &s);
	if (bt == NULL)
		syntax(P, peek(P));
	const char *name = NULL;
	struct dc_param *keys = NULL;
	bool assoc = false;
	struct dc_loc nloc;
	xl->in = declarator(P, bt, &name, &keys, &assoc, &nloc);
	if (name == NULL)
		syntax(P, peek(P));
	xl->arg = name;
	expect(P, T_GT);
	expect(P, T_LBRACE);
	struct dc_xlmember **tail = &xl->members;
	P->L.in_clause = true;
	while (!accept(P, T_RBRACE)) {
		struct dc_token id = take(P);
		if (id.kind != T_IDENT && id.kind != T_TNAME)
			syntax(P, &id);
		expect(P, T_ASSIGN);
		struct dc_xlmember *m = dc_arena_alloc(&P->p->arena, sizeof(*m));
		m->loc = id.loc;
		m->name = id.text;
		m->expr = assign(P);
		expect(P, T_SEMI);
		*tail = m;
		tail = &m->next;
	}
	P->L.in_clause = false;
	expect(P, T_SEMI);
	struct dc_ext *x = dc_arena_alloc(&P->p->arena, sizeof(*x));
	x->kind = DC_X_XLATOR;
	x->loc = loc;
	x->u.xlator = xl;
	add_ext(P->p, x);
	dc_sem_xlator(P->p, x);
}

/*
 * provider := "provider" ident '{' { "probe" ident '(' params ')'
 *             [':' '(' params ')'] ';' } '}' ';'
 */
static void provider(struct parser *P)
{
	struct dc_loc loc = take(P).loc;
	struct dc_token id = take(P);
	if (id.kind != T_IDENT && id.kind != T_TNAME)
		syntax(P, &id);
	struct dc_provider *pv = dc_arena_alloc(&P->p->arena, sizeof(*pv));
	pv->name = id.text;
	expect(P, T_LBRACE);
	struct dc_probe_decl **tail = &pv->probes;
	while (!accept(P, T_RBRACE)) {
		expect(P, K_PROBE);
		struct dc_token pn = take(P);
		if (pn.kind != T_IDENT && pn.kind != T_TNAME)
			syntax(P, &pn);
		struct dc_probe_decl *pd = dc_arena_alloc(&P->p->arena, sizeof(*pd));
		pd->loc = pn.loc;
		pd->name = pn.text;
		bool va;
		expect(P, T_LPAR);
		pd->args = param_list(P, &va, false);
		expect(P, T_RPAR);
		if (accept(P, T_COLON)) {
			expect(P, T_LPAR);
			pd->xargs = param_list(P, &va, false);
			expect(P, T_RPAR);
		}
		expect(P, T_SEMI);
		*tail = pd;
		tail = &pd->next;
	}
	expect(P, T_SEMI);
	struct dc_ext *x = dc_arena_alloc(&P->p->arena, sizeof(*x));
	x->kind = DC_X_PROVIDER;
	x->loc = loc;
	x->u.provider = pv;
	add_ext(P->p, x);
	dc_sem_provider(P->p, x);
}

/* ---- expressions ------------------------------------------------------ */

/* arguments := [assignment-expr {',' assignment-expr}] */
static struct dc_node *arguments(struct parser *P, enum dc_tok close)
{
	struct dc_node *head = NULL, **tail = &head;

	if (is(P, close))
		return NULL;
	do {
		struct dc_node *a = assign(P);
		*tail = a;
		tail = &a->next;
	} while (accept(P, T_COMMA));
	return head;
}

static struct dc_node *unary(struct parser *P);
static struct dc_node *cast_expr(struct parser *P);

static bool looks_like_symbolic_cast(struct parser *P)
{
	/* ( ident * ... ) where ident is an unknown _t or scoped name */
	struct dc_token *a = peek2(P);
	if (a->kind != T_IDENT)
		return false;
	size_t n = strlen(a->text);
	bool typeish = a->mod != NULL || (n > 2 && strcmp(a->text + n - 2, "_t") == 0 &&
					  !dc_sem_is_variable(P->p, a->text));
	if (!typeish)
		return false;
	enum dc_tok k = peek3(P)->kind;
	return k == T_STAR || (k == T_RPAR && a->mod == NULL);
}

/*
 * primary := ident | int | string | '(' expr ')' | aggregation ['[' args ']']
 *          | "self" '->' ident | "this" '->' ident
 *          | "offsetof" '(' type-name ',' ident ')'
 *          | "xlate" '<' type-name '>' '(' expr ')'
 */
static struct dc_node *primary(struct parser *P)
{
	struct dc_token t = take(P);
	struct dc_node *n;

	switch (t.kind) {
	case T_INT:
		n = node(P, DC_N_INT, &t.loc);
		n->ival = t.ival;
		n->op = (int)t.itype;
		return n;
	case T_STR:
		n = node(P, DC_N_STR, &t.loc);
		n->str = t.str;
		n->slen = t.slen;
		return n;
	case T_IDENT:
		n = node(P, DC_N_VAR, &t.loc);
		n->name = t.text;
		n->mod = t.mod;
		return n;
	case T_AGG:
		n = node(P, DC_N_AGG, &t.loc);
		n->name = t.text;
		if (accept(P, T_LBRACK)) {
			n->args = arguments(P, T_RBRACK);
			expect(P, T_RBRACK);
		}
		return n;
	case K_SELF: case K_THIS: {
		expect(P, T_ARROW);
		struct dc_token id = take(P);
		if (id.kind != T_IDENT && id.kind != T_TNAME && !(id.kind >= T_KW_FIRST &&
								  id.kind < T_KW_LAST))
			syntax(P, &id);
		n = node(P, DC_N_VAR, &t.loc);
		n->name = id.kind == T_IDENT || id.kind == T_TNAME ? id.text
								  : dc_tok_str(id.kind);
		n->scope = t.kind == K_SELF ? DC_VS_SELF : DC_VS_THIS;
		return n;
	}
	case T_LPAR:
		n = expr(P);
		expect(P, T_RPAR);
		n->is_paren = true;
		return n;
	case K_OFFSETOF:
		n = node(P, DC_N_OFFSETOF, &t.loc);
		expect(P, T_LPAR);
		n->ctype = type_name(P);
		expect(P, T_COMMA);
		{
			struct dc_token m = take(P);
			if (m.kind != T_IDENT && m.kind != T_TNAME)
				fail_at(P, &m.loc, D_UNKNOWN,
					"offsetof requires a member name");
			n->name = m.text;
		}
		expect(P, T_RPAR);
		return n;
	case K_XLATE:
		n = node(P, DC_N_XLATE, &t.loc);
		expect(P, T_LT);
		n->ctype = type_name(P);
		expect(P, T_GT);
		expect(P, T_LPAR);
		n->l = expr(P);
		expect(P, T_RPAR);
		return n;
	default:
		syntax(P, &t);
	}
}

/*
 * postfix := primary { '[' args ']' | '(' args ')' | '.' ident | '->' ident
 *                      | '++' | '--' }
 */
static struct dc_node *postfix(struct parser *P)
{
	struct dc_node *n = primary(P);
	int depth = P->depth;

	for (;;) {
		struct dc_loc loc = peek(P)->loc;
		if (is(P, T_LBRACK) || is(P, T_LPAR) || is(P, T_DOT) || is(P, T_ARROW) ||
		    is(P, T_INC) || is(P, T_DEC))
			enter(P, &loc);         /* a chain nests like parentheses */
		if (accept(P, T_LBRACK)) {
			struct dc_node *x = node(P, DC_N_INDEX, &loc);
			x->l = n;
			x->args = arguments(P, T_RBRACK);
			expect(P, T_RBRACK);
			n = x;
		} else if (accept(P, T_LPAR)) {
			if (n->kind != DC_N_VAR || n->scope != DC_VS_NONE || n->mod != NULL)
				fail_at(P, &n->loc, D_FUNC_IDENT,
					"function designator is not of function type");
			struct dc_node *x = node(P, DC_N_CALL, &n->loc);
			x->l = n;
			x->args = arguments(P, T_RPAR);
			expect(P, T_RPAR);
			n = x;
		} else if (is(P, T_DOT) || is(P, T_ARROW)) {
			bool arrow = take(P).kind == T_ARROW;
			struct dc_token id = take(P);
			struct dc_node *x = node(P, DC_N_MEMBER, &loc);
			if (id.kind == T_IDENT || id.kind == T_TNAME)
				x->name = id.text;
			else if (id.kind >= T_KW_FIRST && id.kind < T_KW_LAST)
				x->name = dc_tok_str(id.kind);
			else
				fail_at(P, &id.loc, id.kind == T_EOF || id.kind == T_SEMI ?
					D_SYNTAX : D_OP_IDENT,
					dc_arena_printf(&P->p->arena,
						"%s must be followed by a member name",
						arrow ? "->" : "."));
			x->l = n;
			x->is_arrow = arrow;
			n = x;
		} else if (is(P, T_INC) || is(P, T_DEC)) {
			struct dc_node *x = node(P, DC_N_POSTFIX, &loc);
			x->op = take(P).kind;
			x->l = n;
			n = x;
		} else {
			P->depth = depth;
			return n;
		}
	}
}

/*
 * unary := ('++'|'--') unary | ('*'|'&'|'+'|'-'|'~'|'!') cast
 *        | "sizeof" unary | "sizeof" '(' type-name ')' | "stringof" unary
 *        | postfix
 */
static struct dc_node *unary(struct parser *P)
{
	struct dc_token *t = peek(P);
	struct dc_loc loc = t->loc;
	struct dc_node *n;

	enter(P, &loc);
	switch (t->kind) {
	case T_INC: case T_DEC:
		n = node(P, DC_N_UNARY, &loc);
		n->op = take(P).kind;
		n->l = unary(P);
		break;
	case T_STAR: case T_AMP: case T_PLUS: case T_MINUS: case T_TILDE: case T_NOT:
		n = node(P, DC_N_UNARY, &loc);
		n->op = take(P).kind;
		n->l = cast_expr(P);
		break;
	case K_SIZEOF:
		take(P);
		if (is(P, T_LPAR) && (starts_type(P, peek2(P)) ||
				      (peek2(P)->kind == T_IDENT && looks_like_symbolic_cast(P)))) {
			take(P);
			n = node(P, DC_N_SIZEOF_TYPE, &loc);
			if (peek(P)->kind == T_IDENT) {
				struct dc_token id = take(P);
				n->ctype = pointers(P, dc_ty_new(P->p, DC_TY_SYM, id.text));
			} else {
				n->ctype = type_name(P);
			}
			expect(P, T_RPAR);
		} else {
			n = node(P, DC_N_SIZEOF_EXPR, &loc);
			n->l = unary(P);
		}
		break;
	case K_STRINGOF:
		take(P);
		n = node(P, DC_N_STRINGOF, &loc);
		n->l = unary(P);
		break;
	default:
		n = postfix(P);
		break;
	}
	P->depth--;
	return n;
}

/* cast := '(' type-name ')' cast | unary */
static struct dc_node *cast_expr(struct parser *P)
{
	if (is(P, T_LPAR) && (starts_type(P, peek2(P)) || looks_like_symbolic_cast(P))) {
		struct dc_loc loc = take(P).loc;
		struct dc_node *n = node(P, DC_N_CAST, &loc);
		if (peek(P)->kind == T_IDENT) {
			struct dc_token id = take(P);
			n->ctype = dc_ty_new(P->p, DC_TY_SYM, id.text);
			n->ctype->size = 0;
			n->ctype = pointers(P, n->ctype);
		} else {
			n->ctype = type_name(P);
		}
		expect(P, T_RPAR);
		enter(P, &loc);
		n->l = cast_expr(P);
		P->depth--;
		return n;
	}
	return unary(P);
}

static int binary_prec(enum dc_tok k)
{
	switch (k) {
	case T_STAR: case T_SLASH: case T_PERCENT: return 10;
	case T_PLUS: case T_MINUS: return 9;
	case T_SHL: case T_SHR: return 8;
	case T_LT: case T_LE: case T_GT: case T_GE: return 7;
	case T_EQ: case T_NE: return 6;
	case T_AMP: return 5;
	case T_XOR: return 4;
	case T_BOR: return 3;
	case T_LAND: return 2;
	case T_LXOR: return 1;
	case T_LOR: return 0;
	default: return -1;
	}
}

/*
 * binary(prec) := cast { op binary(prec(op)+1) }   -- left associative;
 * levels: * / %  >  + -  >  << >>  >  < <= > >=  >  == !=  >  &  >  ^  >  |
 *         >  &&  >  ^^  >  ||
 */
static struct dc_node *binary(struct parser *P, int min)
{
	struct dc_node *l = cast_expr(P);
	int depth = P->depth;

	for (;;) {
		struct dc_token *t = peek(P);
		int prec = binary_prec(t->kind);
		if (prec < min) {
			P->depth = depth;
			return l;
		}
		struct dc_loc loc = t->loc;
		enum dc_tok op = take(P).kind;
		/* each operator of a chain deepens the (left-leaning) tree: count
		 * it, so no later recursive pass meets a tree deeper than the limit */
		enter(P, &loc);
		struct dc_node *r = binary(P, prec + 1);
		struct dc_node *n = node(P, op == T_LAND || op == T_LOR || op == T_LXOR
					 ? DC_N_LOGICAL : DC_N_BINARY, &loc);
		n->op = op;
		n->l = l;
		n->r = r;
		l = n;
	}
}

/* conditional := binary ['?' expr ':' conditional] */
static struct dc_node *cond_expr(struct parser *P)
{
	struct dc_node *c = binary(P, 0);

	if (!is(P, T_QUESTION))
		return c;
	struct dc_loc loc = take(P).loc;
	enter(P, &loc);
	struct dc_node *n = node(P, DC_N_TERNARY, &loc);
	n->l = c;
	n->r = expr(P);
	expect(P, T_COLON);
	n->x = cond_expr(P);
	P->depth--;
	return n;
}

static bool is_assign_op(enum dc_tok k)
{
	return k == T_ASSIGN || (k >= T_ADD_EQ && k <= T_SHR_EQ);
}

/* assignment := conditional [assign-op assignment] */
static struct dc_node *assign(struct parser *P)
{
	struct dc_node *l = cond_expr(P);

	if (!is_assign_op(peek(P)->kind))
		return l;
	struct dc_loc loc = peek(P)->loc;
	struct dc_node *n = node(P, DC_N_ASSIGN, &loc);
	n->op = take(P).kind;
	enter(P, &loc);
	n->l = l;
	n->r = assign(P);
	P->depth--;
	return n;
}

/* expr := assignment {',' assignment} */
static struct dc_node *expr(struct parser *P)
{
	struct dc_node *l = assign(P);
	int depth = P->depth;

	while (is(P, T_COMMA)) {
		struct dc_loc loc = take(P).loc;
		enter(P, &loc);
		struct dc_node *n = node(P, DC_N_COMMA, &loc);
		n->l = l;
		n->r = assign(P);
		l = n;
	}
	P->depth = depth;
	return l;
}

/* ---- statements and clauses ------------------------------------------- */

static struct dc_stmt *statements(struct parser *P);

/* body := statement | '{' statements '}' */
static struct dc_stmt *body(struct parser *P);

/*
 * statement := ';' | expr [';'] | "if" '(' expr ')' body ["else" body]
 *              (the ';' may be omitted before '}')
 */
static struct dc_stmt *statement(struct parser *P)
{
	struct dc_stmt *s = dc_arena_alloc(&P->p->arena, sizeof(*s));
	struct dc_token *t = peek(P);

	s->loc = t->loc;
	if (t->kind == T_SEMI) {
		take(P);
		s->kind = DC_S_EMPTY;
		return s;
	}
	if (t->kind == K_IF) {
		take(P);
		enter(P, &s->loc);
		s->kind = DC_S_IF;
		expect(P, T_LPAR);
		s->expr = expr(P);
		expect(P, T_RPAR);
		s->then = body(P);
		if (accept(P, K_ELSE))
			s->els = body(P);
		P->depth--;
		return s;
	}
	if (starts_decl(P, t) && t->kind != K_SELF && t->kind != K_THIS)
		syntax(P, t);
	if ((t->kind == K_SELF || t->kind == K_THIS) && peek2(P)->kind != T_ARROW)
		syntax(P, peek2(P));
	s->kind = DC_S_EXPR;
	s->expr = expr(P);
	if (!accept(P, T_SEMI) && !is(P, T_RBRACE))
		syntax(P, peek(P));
	return s;
}

static struct dc_stmt *body(struct parser *P)
{
	if (accept(P, T_LBRACE)) {
		struct dc_stmt *s = statements(P);
		expect(P, T_RBRACE);
		accept(P, T_SEMI);
		return s;
	}
	return statement(P);
}

/* statements := { statement } */
static struct dc_stmt *statements(struct parser *P)
{
	struct dc_stmt *head = NULL, **tail = &head;

	while (!is(P, T_RBRACE)) {
		if (is(P, T_EOF))
			syntax(P, peek(P));
		struct dc_stmt *s = statement(P);
		*tail = s;
		tail = &s->next;
	}
	return head;
}

/* Split "target:prov:mod:func:name" (right to left) into fields. */
static void split_pdesc(struct parser *P, struct dc_pdesc *d)
{
	const char *f[5] = { "", "", "", "", "" };
	int n = 0;
	const char *s = d->text, *e = s + strlen(s);

	bool digits = *s != '\0';
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			digits = false;
	if (digits) {
		d->is_id = true;
		d->prov = d->mod = d->func = d->name = "";
		return;
	}
	bool leftover = false;
	while (n < 5) {
		const char *c = e;
		while (c > s && c[-1] != ':')
			c--;
		f[n++] = dc_arena_strndup(&P->p->arena, c, (size_t)(e - c));
		if (c == s)
			break;
		e = c - 1;
		if (n == 5)
			leftover = true;
	}
	if (leftover || (n == 5 && *f[3] == '\0'))
		dc_error(P->p, &d->loc, D_PDESC_INVAL, "invalid probe description \"%s\": "
			 "too many fields", d->text);
	d->name = f[0];
	d->func = f[1];
	d->mod = f[2];
	d->prov = f[3];
	d->target = n == 5 ? f[4] : NULL;
}

/*
 * clause := pspec {',' pspec} ['/' expr '/'] '{' statements '}'
 *         | pspec {',' pspec}                (program strings only)
 */
static void clause(struct parser *P, bool from_string)
{
	struct dc_clause *c = dc_arena_alloc(&P->p->arena, sizeof(*c));
	struct dc_pdesc **tail = &c->pdescs;
	struct dc_lexer *L = &P->L;

	for (;;) {
		struct dc_token t;
		if (!dc_lex_pspec(L, &t)) {
			struct dc_token bad;
			dc_lex_next(L, &bad);
			syntax(P, &bad);
		}
		struct dc_pdesc *d = dc_arena_alloc(&P->p->arena, sizeof(*d));
		d->loc = t.loc;
		d->text = t.text;
		split_pdesc(P, d);
		*tail = d;
		tail = &d->next;
		if (c->pdescs == d)
			c->loc = t.loc;
		dc_lex_skip_outer(L);
		if (L->pos < L->len && L->buf[L->pos] == ',') {
			L->pos++;
			continue;
		}
		break;
	}
	dc_lex_skip_outer(L);
	int ch = L->pos < L->len ? (unsigned char)L->buf[L->pos] : -1;
	if (ch == '/') {
		L->pos++;
		L->in_clause = true;
		c->pred = expr(P);
		expect(P, T_EPRED);
		ch = '{';
		if (!is(P, T_LBRACE)) {
			if (is(P, T_EOF) && from_string)
				goto done;
			syntax(P, peek(P));
		}
	}
	if (ch == '{') {
		L->in_clause = true;
		expect(P, T_LBRACE);
		c->has_body = true;
		c->stmts = statements(P);
		expect(P, T_RBRACE);
	} else if (!(ch == -1 && from_string)) {
		struct dc_token bad;
		dc_lex_next(L, &bad);
		syntax(P, &bad);
	}
done:
	L->in_clause = false;
	struct dc_ext *x = dc_arena_alloc(&P->p->arena, sizeof(*x));
	x->kind = DC_X_CLAUSE;
	x->loc = c->loc;
	x->u.clause = c;
	add_ext(P->p, x);
	dc_sem_clause(P->p, x);
}

static bool word_starts_decl(struct parser *P, const char *w, size_t n)
{
	static const char *const words[] = { "struct", "union", "enum", "typedef",
		"extern", "inline", "translator", "provider", "self", "this", "const",
		"volatile", "restrict", "signed", "unsigned", "char", "short", "int",
		"long", "float", "double", "void", "string", "userland", "static",
		"auto", "register", "_Bool" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return true;
	char *s = dc_arena_strndup(&P->p->arena, w, n);
	return memchr(w, '`', n) == NULL && dc_is_typedef_name(P->p, s);
}

/* program := { external }; external := clause | declaration | inline
 *            | translator | provider */
void dc_parse_source(struct dc_program *p, uint32_t src)
{
	struct parser *P = calloc(1, sizeof(*P));
	bool from_string = p->opts != NULL && src < p->nsrcs &&
			   strcmp(p->srcs[src].name, "<command line>") == 0;

	if (P == NULL)
		return;
	P->p = p;
	dc_lex_init(&P->L, p, src);
	if (setjmp(P->fail) == 0) {
		for (;;) {
			P->ntk = 0;
			P->depth = 0;
			P->L.in_clause = false;
			P->L.in_decl = false;
			dc_lex_skip_outer(&P->L);
			if (P->L.pos >= P->L.len || dc_too_many_errors(p))
				break;
			size_t n = dc_lex_word_len(&P->L);
			const char *w = P->L.buf + P->L.pos;
			char after = P->L.pos + n < P->L.len ? P->L.buf[P->L.pos + n] : 0;
			if (n > 0 && after != ':' && word_starts_decl(P, w, n)) {
				if (n == 6 && memcmp(w, "inline", 6) == 0)
					inline_def(P);
				else if (n == 10 && memcmp(w, "translator", 10) == 0)
					translator(P);
				else if (n == 8 && memcmp(w, "provider", 8) == 0)
					provider(P);
				else
					declaration(P);
			} else {
				clause(P, from_string);
			}
		}
	}
	free(P);
}
