/*
 * dc_tyname.c -- type names to text and back.
 *
 * Printing follows C's declarator syntax, the way DTrace shows types:
 * "int", "unsigned long", "struct foo *", "char [16]", "int (*)(int)",
 * "const char *", "int *const", "int [string, int]" (associative),
 * "kernel`struct thread" (module-scoped), "string", "<DYN>".  A symbolic
 * member prints as "<root>.path" with "->" and "[]" steps kept.
 *
 * Parsing reads one type name (specifiers + abstract declarator) from
 * untrusted text (object symbol tables, xlate<T>, casts in strings); it
 * builds through the same declarations builder as the parser, so the same
 * D_DECL_* checks apply.  Recursion depth and lengths are bounded.
 *
 *   type-name   := specifier+ abstract-declarator
 *   specifier   := keyword | "struct"|"union"|"enum" ident | typedef-name
 *                | mod`name | `mod`struct ident
 *   abstract    := { "*" qualifier* } [ "(" abstract ")" ] suffix*
 *   suffix      := "[" [constant | type-name {"," type-name}] "]"
 *                | "(" [ param {"," param} ["," "..."] | "..." ] ")"
 *   param       := specifier+ abstract-with-optional-name
 *   A struct/union/enum specifier may carry a body ("struct s { int a :
 *   3; }"), which defines the tag as a D declaration would (used by the
 *   tests and by tools that rebuild program types from text).
 *
 * Read next: dc_builtins.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_types_impl.h"

/* ---- printing --------------------------------------------------------- */

struct sbuf {
	char	*buf;
	size_t	cap, len;	/* len counts what would have been written */
};

static void
sb_puts(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++, sb->len++)
		if (sb->len + 1 < sb->cap)
			sb->buf[sb->len] = *s;
}

static void
sb_term(struct sbuf *sb)
{
	if (sb->cap != 0)
		sb->buf[sb->len < sb->cap ? sb->len : sb->cap - 1] = '\0';
}

static void print_type(struct sbuf *sb, const struct dc_type *t, const char *inner);

static void
print_quals(struct sbuf *sb, unsigned q)
{
	if (q & DC_Q_USERLAND)
		sb_puts(sb, "userland ");
	if (q & DC_Q_CONST)
		sb_puts(sb, "const ");
	if (q & DC_Q_VOLATILE)
		sb_puts(sb, "volatile ");
	if (q & DC_Q_RESTRICT)
		sb_puts(sb, "restrict ");
}

/* A heap string of t printed with no declarator name (for nesting). */
static char *
type_string(const struct dc_type *t, const char *inner)
{
	struct sbuf probe = { NULL, 0, 0 };
	char *s;

	print_type(&probe, t, inner);
	s = malloc(probe.len + 1);
	if (s != NULL) {
		struct sbuf sb = { s, probe.len + 1, 0 };

		print_type(&sb, t, inner);
		sb_term(&sb);
	}
	return s;
}

static void
print_base(struct sbuf *sb, const struct dc_type *t, const char *inner)
{
	switch (t->kind) {
	case DC_TK_STRUCT:
		sb_puts(sb, "struct ");
		sb_puts(sb, t->name ? t->name : "(anon)");
		break;
	case DC_TK_UNION:
		sb_puts(sb, "union ");
		sb_puts(sb, t->name ? t->name : "(anon)");
		break;
	case DC_TK_ENUM:
		sb_puts(sb, "enum ");
		sb_puts(sb, t->name ? t->name : "(anon)");
		break;
	case DC_TK_EXTERN:
		if (t->module != NULL) {
			sb_puts(sb, t->module);
			sb_puts(sb, "`");
		}
		sb_puts(sb, t->name);
		break;
	case DC_TK_EXTMEMBER:
		sb_puts(sb, "<");
		if (t->ext_root != NULL) {
			char *root = type_string(t->ext_root, "");

			sb_puts(sb, root ? root : "?");
			free(root);
		}
		sb_puts(sb, ".");
		sb_puts(sb, t->ext_path);
		sb_puts(sb, ">");
		break;
	default:
		sb_puts(sb, t->name ? t->name : "?");
		break;
	}
	if (*inner != '\0') {
		sb_puts(sb, " ");
		sb_puts(sb, inner);
	}
}

static void
print_type(struct sbuf *sb, const struct dc_type *t, const char *inner)
{
	char *ni = NULL, num[32];
	size_t il = strlen(inner);

	if (t == NULL) {
		sb_puts(sb, "?");
		return;
	}
	switch (t->kind) {
	case DC_TK_QUAL:
		if (t->ref != NULL && t->ref->kind == DC_TK_POINTER) {
			/* "int *const": qualifiers bind to the pointer. */
			struct sbuf q = { NULL, 0, 0 };

			print_quals(&q, t->quals);
			ni = malloc(q.len + il + 1);
			if (ni == NULL)
				return;
			struct sbuf qs = { ni, q.len + 1, 0 };

			print_quals(&qs, t->quals);
			sb_term(&qs);
			if (il == 0 && q.len > 0)
				ni[q.len - 1] = '\0';
			else
				strcat(ni, inner);
			print_type(sb, t->ref, ni);
			free(ni);
			return;
		}
		print_quals(sb, t->quals);
		print_type(sb, t->ref, inner);
		return;
	case DC_TK_POINTER: {
		const struct dc_type *to = t->ref;
		bool paren = to != NULL && (to->kind == DC_TK_ARRAY ||
		    to->kind == DC_TK_FUNCTION);

		ni = malloc(il + 4);
		if (ni == NULL)
			return;
		snprintf(ni, il + 4, paren ? "(*%s)" : "*%s", inner);
		print_type(sb, to, ni);
		free(ni);
		return;
	}
	case DC_TK_ARRAY: {
		struct sbuf keys = { NULL, 0, 0 };
		char **ks = NULL;
		size_t need;

		if (t->nkeys != 0) {
			ks = calloc(t->nkeys, sizeof(*ks));
			if (ks == NULL)
				return;
			for (uint32_t i = 0; i < t->nkeys; i++) {
				ks[i] = type_string(t->keys[i], "");
				if (i != 0)
					sb_puts(&keys, ", ");
				sb_puts(&keys, ks[i] ? ks[i] : "?");
			}
		} else {
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)t->nelems);
			sb_puts(&keys, num);
		}
		need = il + keys.len + 3;
		ni = malloc(need);
		if (ni != NULL) {
			struct sbuf s2 = { ni, need, 0 };

			sb_puts(&s2, inner);
			sb_puts(&s2, "[");
			if (t->nkeys != 0) {
				for (uint32_t i = 0; i < t->nkeys; i++) {
					if (i != 0)
						sb_puts(&s2, ", ");
					sb_puts(&s2, ks[i] ? ks[i] : "?");
				}
			} else {
				sb_puts(&s2, num);
			}
			sb_puts(&s2, "]");
			sb_term(&s2);
			print_type(sb, t->ref, ni);
		}
		for (uint32_t i = 0; ks != NULL && i < t->nkeys; i++)
			free(ks[i]);
		free(ks);
		free(ni);
		return;
	}
	case DC_TK_FUNCTION: {
		struct sbuf ps = { NULL, 0, 0 };
		char **pv = calloc(t->nparams + 1, sizeof(*pv));
		size_t need;

		if (pv == NULL)
			return;
		for (uint32_t i = 0; i < t->nparams; i++)
			pv[i] = type_string(t->params[i], "");
		for (int pass = 0; pass < 2; pass++) {
			struct sbuf *o = &ps;
			struct sbuf real;

			if (pass == 1) {
				need = il + ps.len + 3;
				ni = malloc(need);
				if (ni == NULL)
					break;
				real = (struct sbuf){ ni, need, 0 };
				o = &real;
			}
			sb_puts(o, inner);
			sb_puts(o, "(");
			for (uint32_t i = 0; i < t->nparams; i++) {
				if (i != 0)
					sb_puts(o, ", ");
				sb_puts(o, pv[i] ? pv[i] : "?");
			}
			if (t->flags & DC_TF_VARARGS)
				sb_puts(o, t->nparams ? ", ..." : "...");
			else if (t->nparams == 0)
				sb_puts(o, "void");
			sb_puts(o, ")");
			if (pass == 1)
				sb_term(o);
		}
		if (ni != NULL)
			print_type(sb, t->ref, ni);
		for (uint32_t i = 0; i < t->nparams; i++)
			free(pv[i]);
		free(pv);
		free(ni);
		return;
	}
	default:
		print_base(sb, t, inner);
		return;
	}
}

size_t
dc_type__name(const struct dc_type *t, char *buf, size_t n)
{
	struct sbuf sb = { buf, n, 0 };

	print_type(&sb, t, "");
	sb_term(&sb);
	return sb.len;
}

/* ---- parsing ---------------------------------------------------------- */

#define MAX_DEPTH	32
#define MAX_IDENT	256
#define MAX_STEPS	64
#define MAX_PARAMS	64

enum tok { T_EOF, T_IDENT, T_NUM, T_STAR, T_LBRACK, T_RBRACK, T_LPAREN,
	   T_RPAREN, T_COMMA, T_ELLIPSIS, T_LBRACE, T_RBRACE, T_SEMI, T_COLON,
	   T_EQ, T_MINUS, T_STRING, T_PLUS, T_SLASH, T_PERCENT, T_SHL, T_SHR,
	   T_AMP, T_PIPE, T_CARET, T_TILDE, T_BAD };

struct tparser {
	struct dc_typesys	*ts;
	const char		*p, *end;
	struct dc_terr		*err;
	enum tok		tok;
	char			ident[MAX_IDENT];
	uint64_t		num;
	bool			num_ovf;
	int			depth;
	bool			failed;
};

static bool
is_ident_start(int c)
{
	return isalpha(c) || c == '_' || c == '`';
}

/* Skip white space and comments; an unterminated comment ends the text. */
static void
skip_blank(struct tparser *tp)
{
	for (;;) {
		while (tp->p < tp->end && isspace((unsigned char)*tp->p))
			tp->p++;
		if (tp->end - tp->p < 2 || tp->p[0] != '/' || tp->p[1] != '*')
			return;
		tp->p += 2;
		while (tp->p < tp->end &&
		    !(tp->end - tp->p >= 2 && tp->p[0] == '*' && tp->p[1] == '/'))
			tp->p++;
		tp->p = tp->p < tp->end ? tp->p + 2 : tp->end;
	}
}

static void
next(struct tparser *tp)
{
	skip_blank(tp);
	if (tp->p >= tp->end) {
		tp->tok = T_EOF;
		return;
	}
	unsigned char c = (unsigned char)*tp->p;

	if (is_ident_start(c)) {
		size_t n = 0;

		while (tp->p < tp->end && (is_ident_start((unsigned char)*tp->p) ||
		    isdigit((unsigned char)*tp->p))) {
			if (n + 1 < sizeof(tp->ident))
				tp->ident[n++] = *tp->p;
			else
				tp->num_ovf = true;
			tp->p++;
		}
		tp->ident[n] = '\0';
		tp->tok = n + 1 < sizeof(tp->ident) ? T_IDENT : T_BAD;
		return;
	}
	if (isdigit(c)) {
		uint64_t v = 0;
		unsigned base = 10;

		tp->num_ovf = false;
		if (c == '0' && tp->p + 1 < tp->end &&
		    (tp->p[1] == 'x' || tp->p[1] == 'X')) {
			base = 16;
			tp->p += 2;
		} else if (c == '0') {
			base = 8;
		}
		while (tp->p < tp->end && isxdigit((unsigned char)*tp->p)) {
			int d = isdigit((unsigned char)*tp->p) ? *tp->p - '0' :
			    tolower((unsigned char)*tp->p) - 'a' + 10;

			if ((unsigned)d >= base)
				break;
			if (v > (UINT64_MAX - (unsigned)d) / base)
				tp->num_ovf = true;
			v = v * base + (unsigned)d;
			tp->p++;
		}
		while (tp->p < tp->end && strchr("uUlL", *tp->p) != NULL)
			tp->p++;
		tp->num = v;
		tp->tok = T_NUM;
		return;
	}
	tp->p++;
	switch (c) {
	case '*': tp->tok = T_STAR; return;
	case '[': tp->tok = T_LBRACK; return;
	case ']': tp->tok = T_RBRACK; return;
	case '(': tp->tok = T_LPAREN; return;
	case ')': tp->tok = T_RPAREN; return;
	case ',': tp->tok = T_COMMA; return;
	case '{': tp->tok = T_LBRACE; return;
	case '}': tp->tok = T_RBRACE; return;
	case ';': tp->tok = T_SEMI; return;
	case ':': tp->tok = T_COLON; return;
	case '=': tp->tok = T_EQ; return;
	case '-': tp->tok = T_MINUS; return;
	case '+': tp->tok = T_PLUS; return;
	case '/': tp->tok = T_SLASH; return;
	case '%': tp->tok = T_PERCENT; return;
	case '&': tp->tok = T_AMP; return;
	case '|': tp->tok = T_PIPE; return;
	case '^': tp->tok = T_CARET; return;
	case '~': tp->tok = T_TILDE; return;
	case '<':
	case '>':
		if (tp->p < tp->end && (unsigned char)*tp->p == c) {
			tp->p++;
			tp->tok = c == '<' ? T_SHL : T_SHR;
			return;
		}
		break;
	case '"':
		while (tp->p < tp->end && *tp->p != '"')
			tp->p += (*tp->p == '\\' && tp->p + 1 < tp->end) ? 2 : 1;
		if (tp->p >= tp->end)
			break;
		tp->p++;
		tp->tok = T_STRING;
		return;
	case '.':
		if (tp->end - tp->p >= 2 && tp->p[0] == '.' && tp->p[1] == '.') {
			tp->p += 2;
			tp->tok = T_ELLIPSIS;
			return;
		}
		break;
	default:
		break;
	}
	tp->tok = T_BAD;
}

static void
fail(struct tparser *tp, const char *tag, const char *msg)
{
	if (!tp->failed) {
		tp->failed = true;
		dc_tys_err(tp->err, tag, "%s", msg);
	}
}

static const struct {
	const char	*kw;
	enum dc_spec	spec;
} spec_kws[] = {
	{ "void", DC_SPEC_VOID }, { "char", DC_SPEC_CHAR },
	{ "short", DC_SPEC_SHORT }, { "int", DC_SPEC_INT },
	{ "long", DC_SPEC_LONG }, { "float", DC_SPEC_FLOAT },
	{ "double", DC_SPEC_DOUBLE }, { "signed", DC_SPEC_SIGNED },
	{ "unsigned", DC_SPEC_UNSIGNED }, { "_Bool", DC_SPEC_BOOL },
	{ "string", DC_SPEC_STRING }, { "const", DC_SPEC_CONST },
	{ "volatile", DC_SPEC_VOLATILE }, { "restrict", DC_SPEC_RESTRICT },
	{ "userland", DC_SPEC_USERLAND },
};

static int
spec_of(const char *w)
{
	for (size_t i = 0; i < sizeof(spec_kws) / sizeof(spec_kws[0]); i++)
		if (strcmp(spec_kws[i].kw, w) == 0)
			return (int)spec_kws[i].spec;
	return 0;
}

static enum dc_tkind
tag_kind(const char *w)
{
	return strcmp(w, "struct") == 0 ? DC_TK_STRUCT :
	    strcmp(w, "union") == 0 ? DC_TK_UNION :
	    strcmp(w, "enum") == 0 ? DC_TK_ENUM : (enum dc_tkind)0;
}

/* "`mod`struct" or "mod`struct": split into module and tag keyword. */
static enum dc_tkind
modtag_kind(const char *w, char *module, size_t msize)
{
	const char *s = w[0] == '`' ? w + 1 : w;
	const char *bq = strrchr(s, '`');
	enum dc_tkind k;

	if (bq == NULL || bq == s || (size_t)(bq - s) >= msize ||
	    memchr(s, '`', (size_t)(bq - s)) != NULL)
		return 0;	/* module names hold no backquote */
	k = tag_kind(bq + 1);
	if (k != 0) {
		memcpy(module, s, (size_t)(bq - s));
		module[bq - s] = '\0';
	}
	return k;
}

static bool parse_const(struct tparser *tp, struct dc_cval *cv);
static const struct dc_type *parse_body(struct tparser *tp, enum dc_tkind kind,
				       const char *tag);

/* specifier+ ; returns the base type or NULL. */
static const struct dc_type *
parse_specs(struct tparser *tp)
{
	struct dc_declspec ds;
	char module[MAX_IDENT];
	bool any = false;

	memset(&ds, 0, sizeof(ds));
	while (tp->tok == T_IDENT && !tp->failed) {
		int spec = spec_of(tp->ident);
		enum dc_tkind tk = tag_kind(tp->ident);
		const char *mod = NULL;

		if (tk == 0 && strchr(tp->ident, '`') != NULL) {
			tk = modtag_kind(tp->ident, module, sizeof(module));
			if (tk != 0)
				mod = module;
		}
		if (spec != 0) {
			if (dc_declspec__add(&ds, (enum dc_spec)spec, tp->err) != 0)
				tp->failed = true;
			next(tp);
		} else if (tk != 0) {
			const struct dc_type *t;
			char tag[MAX_IDENT];

			next(tp);
			if (tp->tok == T_LBRACE && mod == NULL) {
				t = parse_body(tp, tk, NULL);
			} else if (tp->tok != T_IDENT ||
			    strchr(tp->ident, '`') != NULL) {
				fail(tp, "D_SYNTAX", "tag name expected");
				return NULL;
			} else {
				snprintf(tag, sizeof(tag), "%s", tp->ident);
				next(tp);
				if (tp->tok == T_LBRACE && mod == NULL)
					t = parse_body(tp, tk, tag);
				else
					t = dc_typesys__tag_ref(tp->ts, tk, mod,
					    tag, tp->err);
			}
			if (t == NULL ||
			    dc_declspec__add_type(&ds, t, tp->err) != 0)
				tp->failed = true;
		} else {
			const struct dc_type *t;

			t = dc_tys_lookup_word(tp->ts, tp->ident);
			if (t == NULL) {
				if (any)
					break;	/* a declarator name */
				fail(tp, "D_TYPE_ERR", "unknown type name");
				return NULL;
			}
			if (dc_declspec__add_type(&ds, t, tp->err) != 0)
				tp->failed = true;
			next(tp);
		}
		any = true;
	}
	if (tp->failed)
		return NULL;
	if (!any) {
		fail(tp, "D_SYNTAX", "type name expected");
		return NULL;
	}
	const struct dc_type *t = dc_declspec__type(tp->ts, &ds, tp->err);

	if (t == NULL)
		tp->failed = true;
	return t;
}

struct steps {
	struct dc_deriv	d[MAX_STEPS];
	struct dc_cval	dims[MAX_STEPS];
	size_t		n;
};

static const struct dc_type *parse_type_name(struct tparser *tp, bool allow_name,
					     const char **name);

static bool
push_step(struct tparser *tp, struct steps *s, const struct dc_deriv *d)
{
	if (s->n >= MAX_STEPS) {
		fail(tp, "D_SYNTAX", "type name too complex");
		return false;
	}
	s->d[s->n] = *d;
	if (d->dim != NULL) {
		s->dims[s->n] = *d->dim;
		s->d[s->n].dim = &s->dims[s->n];
	}
	s->n++;
	return true;
}

/* One suffix: "[...]" or "(...)"; filled into *d (arena-owned arrays). */
static bool
parse_suffix(struct tparser *tp, struct dc_deriv *d, struct dc_cval *dim)
{
	memset(d, 0, sizeof(*d));
	if (tp->tok == T_LBRACK) {
		next(tp);
		if (tp->tok != T_RBRACK && (tp->tok != T_IDENT ||
		    dc_typesys__enumerator(tp->ts, tp->ident, NULL, NULL))) {
			if (!parse_const(tp, dim))
				return false;
			d->kind = DC_DERIV_ARRAY;
			d->dim = dim;
		} else if (tp->tok == T_RBRACK) {
			d->kind = DC_DERIV_ARRAY;
			d->dim = NULL;
		} else {
			const struct dc_type *keys[MAX_PARAMS];
			size_t nk = 0;

			for (;;) {
				if (nk == MAX_PARAMS) {
					fail(tp, "D_SYNTAX", "too many keys");
					return false;
				}
				keys[nk] = parse_type_name(tp, false, NULL);
				if (keys[nk] == NULL)
					return false;
				nk++;
				if (tp->tok != T_COMMA)
					break;
				next(tp);
			}
			d->kind = DC_DERIV_ASSOC;
			d->keys = dc_typesys__alloc(tp->ts, nk * sizeof(*keys));
			if (d->keys == NULL) {
				fail(tp, "D_NOMEM", "out of memory");
				return false;
			}
			memcpy((void *)d->keys, keys, nk * sizeof(*keys));
			d->nkeys = nk;
		}
		if (tp->tok != T_RBRACK) {
			fail(tp, "D_SYNTAX", "']' expected");
			return false;
		}
		next(tp);
		return true;
	}
	/* "(" params ")" */
	struct dc_tparam ps[MAX_PARAMS];
	size_t np = 0;

	next(tp);
	d->kind = DC_DERIV_FUNCTION;
	if (tp->tok != T_RPAREN) {
		for (;;) {
			if (tp->tok == T_ELLIPSIS) {
				d->varargs = true;
				next(tp);
				break;
			}
			if (np == MAX_PARAMS) {
				fail(tp, "D_SYNTAX", "too many parameters");
				return false;
			}
			memset(&ps[np], 0, sizeof(ps[np]));
			ps[np].type = parse_type_name(tp, true, &ps[np].name);
			if (ps[np].type == NULL)
				return false;
			np++;
			if (tp->tok != T_COMMA)
				break;
			next(tp);
		}
	}
	if (tp->tok != T_RPAREN) {
		fail(tp, "D_SYNTAX", "')' expected");
		return false;
	}
	next(tp);
	if (np != 0) {
		struct dc_tparam *copy = dc_typesys__alloc(tp->ts, np * sizeof(*copy));

		if (copy == NULL) {
			fail(tp, "D_NOMEM", "out of memory");
			return false;
		}
		memcpy(copy, ps, np * sizeof(*copy));
		d->params = copy;
	}
	d->nparams = np;
	return true;
}

/* abstract := {"*" qual*} ["(" abstract ")"] suffix*  -> steps in
   application order: pointers, suffixes right to left, inner. */
static bool
parse_abstract(struct tparser *tp, struct steps *out, bool allow_name,
	       const char **name)
{
	struct steps inner = { .n = 0 };
	struct dc_deriv sfx[MAX_STEPS];
	struct dc_cval sdim[MAX_STEPS];
	size_t nsfx = 0;

	if (++tp->depth > MAX_DEPTH) {
		fail(tp, "D_SYNTAX", "type name nested too deeply");
		return false;
	}
	while (tp->tok == T_STAR) {
		struct dc_deriv d = { .kind = DC_DERIV_POINTER };

		next(tp);
		while (tp->tok == T_IDENT) {
			int s = spec_of(tp->ident);

			if (s == DC_SPEC_CONST)
				d.quals |= DC_Q_CONST;
			else if (s == DC_SPEC_VOLATILE)
				d.quals |= DC_Q_VOLATILE;
			else if (s == DC_SPEC_RESTRICT)
				d.quals |= DC_Q_RESTRICT;
			else
				break;
			next(tp);
		}
		if (!push_step(tp, out, &d))
			return false;
	}
	if (tp->tok == T_LPAREN) {
		/* Grouping if a declarator follows, else a parameter list. */
		const char *save = tp->p;
		struct tparser peek = *tp;

		next(&peek);
		if (peek.tok == T_STAR || peek.tok == T_LPAREN ||
		    peek.tok == T_LBRACK) {
			(void)save;
			next(tp);
			if (!parse_abstract(tp, &inner, allow_name, name))
				return false;
			if (tp->tok != T_RPAREN) {
				fail(tp, "D_SYNTAX", "')' expected");
				return false;
			}
			next(tp);
		}
	} else if (tp->tok == T_IDENT && allow_name && name != NULL &&
	    *name == NULL) {
		*name = dc_tys_intern(tp->ts, tp->ident);
		next(tp);
	}
	while ((tp->tok == T_LBRACK || tp->tok == T_LPAREN) && !tp->failed) {
		if (nsfx == MAX_STEPS) {
			fail(tp, "D_SYNTAX", "type name too complex");
			return false;
		}
		if (!parse_suffix(tp, &sfx[nsfx], &sdim[nsfx]))
			return false;
		nsfx++;
	}
	while (nsfx > 0) {
		nsfx--;
		if (!push_step(tp, out, &sfx[nsfx]))
			return false;
	}
	for (size_t i = 0; i < inner.n; i++)
		if (!push_step(tp, out, &inner.d[i]))
			return false;
	tp->depth--;
	return !tp->failed;
}

static const struct dc_type *
parse_type_name(struct tparser *tp, bool allow_name, const char **name)
{
	const struct dc_type *base;
	struct steps st = { .n = 0 };

	if (++tp->depth > MAX_DEPTH) {
		fail(tp, "D_SYNTAX", "type name nested too deeply");
		return NULL;
	}
	base = parse_specs(tp);
	if (base == NULL)
		return NULL;
	if (!parse_abstract(tp, &st, allow_name, name))
		return NULL;
	tp->depth--;
	const struct dc_type *t = dc_type__derive(tp->ts, base, st.d, st.n,
	    tp->err);

	if (t == NULL)
		tp->failed = true;
	return t;
}

/*
 * Integer constant expressions (enumerator values, bit-field widths, array
 * dimensions), evaluated in 64 bits:
 *   cexpr   := xor { "|" xor }        xor := and { "^" and }
 *   and     := shift { "&" shift }    shift := add { ("<<"|">>") add }
 *   add     := mul { ("+"|"-") mul }  mul := unary { ("*"|"/"|"%") unary }
 *   unary   := ("-"|"+"|"~") unary | integer | enumerator | "(" cexpr ")"
 *            | string  (parses, but is not an integer constant)
 * Division by zero makes the result non-constant.
 */
static bool cexpr(struct tparser *tp, struct dc_cval *cv);

static void
combine(struct dc_cval *a, const struct dc_cval *b, enum tok op)
{
	uint64_t x = (uint64_t)a->value, y = (uint64_t)b->value;
	bool u = a->is_unsigned || b->is_unsigned;

	a->is_const = a->is_const && b->is_const;
	a->is_unsigned = u;
	switch (op) {
	case T_PIPE: x |= y; break;
	case T_CARET: x ^= y; break;
	case T_AMP: x &= y; break;
	case T_SHL: x = y < 64 ? x << y : 0; break;
	case T_SHR:
		if (y >= 64)
			x = u || a->value >= 0 ? 0 : UINT64_MAX;
		else
			x = u ? x >> y : (uint64_t)(a->value >> y);
		break;
	case T_PLUS: x += y; break;
	case T_MINUS: x -= y; break;
	case T_STAR: x *= y; break;
	case T_SLASH:
	case T_PERCENT:
		if (y == 0 || (!u && a->value == INT64_MIN && b->value == -1)) {
			a->is_const = false;
			x = 0;
		} else if (u) {
			x = op == T_SLASH ? x / y : x % y;
		} else {
			x = (uint64_t)(op == T_SLASH ? a->value / b->value :
			    a->value % b->value);
		}
		break;
	default:
		break;
	}
	a->value = (int64_t)x;
}

static bool
cunary(struct tparser *tp, struct dc_cval *cv)
{
	memset(cv, 0, sizeof(*cv));
	if (++tp->depth > MAX_DEPTH) {
		fail(tp, "D_SYNTAX", "constant expression nested too deeply");
		return false;
	}
	if (tp->tok == T_MINUS || tp->tok == T_PLUS || tp->tok == T_TILDE) {
		enum tok op = tp->tok;

		next(tp);
		if (!cunary(tp, cv))
			return false;
		if (op == T_MINUS)
			cv->value = (int64_t)(0 - (uint64_t)cv->value);
		else if (op == T_TILDE)
			cv->value = ~cv->value;
		if (op == T_MINUS && cv->is_unsigned &&
		    (uint64_t)-(uint64_t)cv->value <= (uint64_t)INT64_MAX + 1)
			cv->is_unsigned = false;
	} else if (tp->tok == T_LPAREN) {
		next(tp);
		if (!cexpr(tp, cv))
			return false;
		if (tp->tok != T_RPAREN) {
			fail(tp, "D_SYNTAX", "')' expected in constant");
			return false;
		}
		next(tp);
	} else if (tp->tok == T_STRING) {
		next(tp);	/* is_const stays false */
	} else if (tp->tok == T_IDENT) {
		const struct dc_type *et;
		int64_t v;

		if (!dc_typesys__enumerator(tp->ts, tp->ident, &et, &v)) {
			fail(tp, "D_IDENT_UNDEF", "undefined identifier in "
			    "constant");
			return false;
		}
		next(tp);
		cv->is_const = true;
		cv->value = v;
	} else if (tp->tok == T_NUM) {
		cv->is_const = !tp->num_ovf;
		cv->value = (int64_t)tp->num;
		cv->is_unsigned = tp->num > (uint64_t)INT64_MAX;
		next(tp);
	} else {
		fail(tp, "D_SYNTAX", "constant expected");
		return false;
	}
	tp->depth--;
	return true;
}

static const enum tok cprec[][3] = {
	{ T_PIPE, T_EOF, T_EOF }, { T_CARET, T_EOF, T_EOF },
	{ T_AMP, T_EOF, T_EOF }, { T_SHL, T_SHR, T_EOF },
	{ T_PLUS, T_MINUS, T_EOF }, { T_STAR, T_SLASH, T_PERCENT },
};

static bool
cbinary(struct tparser *tp, struct dc_cval *cv, size_t level)
{
	if (level == sizeof(cprec) / sizeof(cprec[0]))
		return cunary(tp, cv);
	if (!cbinary(tp, cv, level + 1))
		return false;
	for (;;) {
		enum tok op = tp->tok;
		struct dc_cval rhs;

		if (op == T_EOF || (op != cprec[level][0] &&
		    op != cprec[level][1] && op != cprec[level][2]))
			return true;
		next(tp);
		if (!cbinary(tp, &rhs, level + 1))
			return false;
		combine(cv, &rhs, op);
	}
}

static bool
cexpr(struct tparser *tp, struct dc_cval *cv)
{
	return cbinary(tp, cv, 0);
}

static bool
parse_const(struct tparser *tp, struct dc_cval *cv)
{
	return cexpr(tp, cv);
}

/* enum-body := "{" ident ["=" constant] {"," ident ["=" constant]} [","] "}" */
static const struct dc_type *
parse_enum_body(struct tparser *tp, const char *tag)
{
	struct dc_type *e = dc_enum__begin(tp->ts, tag, tp->err);

	if (e == NULL) {
		tp->failed = true;
		return NULL;
	}
	next(tp);
	while (tp->tok == T_IDENT && !tp->failed) {
		char name[MAX_IDENT];
		struct dc_cval cv;
		bool has = false;

		snprintf(name, sizeof(name), "%s", tp->ident);
		next(tp);
		if (tp->tok == T_EQ) {
			next(tp);
			if (!parse_const(tp, &cv))
				return NULL;
			has = true;
		}
		if (dc_enum__add(tp->ts, e, name, has ? &cv : NULL, tp->err) != 0) {
			tp->failed = true;
			return NULL;
		}
		if (tp->tok != T_COMMA)
			break;
		next(tp);
	}
	if (tp->tok != T_RBRACE) {
		fail(tp, "D_SYNTAX", "'}' expected in enum");
		return NULL;
	}
	next(tp);
	if (dc_enum__end(tp->ts, e, tp->err) != 0)
		tp->failed = true;
	return tp->failed ? NULL : e;
}

/* sou-body := "{" { specifier+ [member {"," member}] ";" } "}"
   member   := abstract-with-name [":" constant] | ":" constant */
static const struct dc_type *
parse_body(struct tparser *tp, enum dc_tkind kind, const char *tag)
{
	struct dc_type *sou;

	if (++tp->depth > MAX_DEPTH) {
		fail(tp, "D_SYNTAX", "type name nested too deeply");
		return NULL;
	}
	if (kind == DC_TK_ENUM) {
		const struct dc_type *e = parse_enum_body(tp, tag);

		tp->depth--;
		return e;
	}
	sou = dc_sou__begin(tp->ts, kind, tag, tp->err);
	if (sou == NULL) {
		tp->failed = true;
		return NULL;
	}
	next(tp);
	while (tp->tok != T_RBRACE && !tp->failed) {
		const struct dc_type *base = parse_specs(tp);

		if (base == NULL)
			return NULL;
		if (tp->tok == T_SEMI) {	/* anonymous member */
			if (dc_sou__add_member(tp->ts, sou, NULL, base, NULL,
			    tp->err) != 0) {
				tp->failed = true;
				return NULL;
			}
			next(tp);
			continue;
		}
		for (;;) {
			struct steps st = { .n = 0 };
			const char *name = NULL;
			const struct dc_type *mt = base;
			struct dc_cval width;
			bool bf = false;

			if (tp->tok != T_COLON) {
				if (!parse_abstract(tp, &st, true, &name))
					return NULL;
				mt = dc_type__derive(tp->ts, base, st.d, st.n,
				    tp->err);
				if (mt == NULL) {
					tp->failed = true;
					return NULL;
				}
			}
			if (tp->tok == T_COLON) {
				next(tp);
				if (!parse_const(tp, &width))
					return NULL;
				bf = true;
			}
			if (dc_sou__add_member(tp->ts, sou, name, mt,
			    bf ? &width : NULL, tp->err) != 0) {
				tp->failed = true;
				return NULL;
			}
			if (tp->tok != T_COMMA)
				break;
			next(tp);
		}
		if (tp->tok != T_SEMI) {
			fail(tp, "D_SYNTAX", "';' expected after member");
			return NULL;
		}
		next(tp);
	}
	if (tp->failed)
		return NULL;
	next(tp);
	if (dc_sou__end(tp->ts, sou, tp->err) != 0) {
		tp->failed = true;
		return NULL;
	}
	tp->depth--;
	return sou;
}

const struct dc_type *
dc_typesys__parse(struct dc_typesys *ts, const char *text, size_t len,
		  struct dc_terr *err)
{
	struct tparser tp;
	struct dc_terr local;
	const struct dc_type *t;

	memset(&tp, 0, sizeof(tp));
	if (err == NULL)
		err = &local;
	err->tag = NULL;
	err->msg[0] = '\0';
	tp.ts = ts;
	tp.p = text;
	tp.end = text + len;
	tp.err = err;
	next(&tp);
	t = parse_type_name(&tp, false, NULL);
	if (t != NULL && tp.tok != T_EOF) {
		fail(&tp, "D_SYNTAX", "unexpected text after type name");
		return NULL;
	}
	if (t == NULL && err->tag == NULL)
		dc_tys_err(err, ts->oom ? "D_NOMEM" : "D_SYNTAX",
		    "invalid type name");
	return tp.failed ? NULL : t;
}
