/*
 * lex.c -- the D lexer: tokens, literals, macro variables, control lines.
 *
 * The parser drives the lexer's start state.  At the outer level (between
 * externals; DTrace's S2) the parser asks dc_lex_skip_outer() to skip
 * blanks, comments and control lines, then looks at the word at point to
 * choose between a declaration and a probe description, which
 * dc_lex_pspec() reads as one raw token.  Everything else (declarations,
 * predicates, clause bodies) is lexed by dc_lex_next() in expression state
 * (S0).  Control lines (`#pragma`, `# N "file"`, `#line`, `#error`) are
 * recognised at the start of any line in either state.
 *
 * Invariants: the lexer never reads past buf[len] (buf is NUL-terminated
 * and NUL bytes inside the source are reported, not followed); every token
 * carries the location of its first byte; literal values are checked here
 * (D_INT_OFLOW, D_INT_DIGIT, D_STR_NL, D_CHR_*), so a token handed to the
 * parser is always well formed.  Lexical errors are reported and the lexer
 * continues after the bad token, returning T_EOF only at the real end.
 *
 * Read next: parse.c (the grammar), sem.c (pragmas and options).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "impl.h"

static const char *const keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "counter",
	"default", "do", "double", "else", "enum", "extern", "float", "for",
	"goto", "if", "import", "inline", "int", "long", "offsetof", "probe",
	"provider", "register", "restrict", "return", "self", "short", "signed",
	"sizeof", "static", "string", "stringof", "struct", "switch", "this",
	"translator", "typedef", "union", "unsigned", "userland", "void",
	"volatile", "while", "xlate", "_Bool",
};

static const char *const punct_names[] = {
	[T_EOF] = "end of input", [T_IDENT] = "identifier", [T_TNAME] = "type name",
	[T_INT] = "integer constant", [T_STR] = "string constant",
	[T_AGG] = "aggregation", [T_PSPEC] = "probe description",
	[T_LPAR] = "(", [T_RPAR] = ")", [T_LBRACK] = "[", [T_RBRACK] = "]",
	[T_LBRACE] = "{", [T_RBRACE] = "}", [T_COMMA] = ",", [T_SEMI] = ";",
	[T_COLON] = ":", [T_QUESTION] = "?", [T_DOT] = ".", [T_ARROW] = "->",
	[T_ELLIPSIS] = "...", [T_PLUS] = "+", [T_MINUS] = "-", [T_STAR] = "*",
	[T_SLASH] = "/", [T_EPRED] = "/", [T_PERCENT] = "%", [T_AMP] = "&",
	[T_BOR] = "|", [T_XOR] = "^", [T_TILDE] = "~", [T_NOT] = "!",
	[T_LT] = "<", [T_GT] = ">", [T_LE] = "<=", [T_GE] = ">=", [T_EQ] = "==",
	[T_NE] = "!=", [T_LAND] = "&&", [T_LOR] = "||", [T_LXOR] = "^^",
	[T_SHL] = "<<", [T_SHR] = ">>", [T_INC] = "++", [T_DEC] = "--",
	[T_ASSIGN] = "=", [T_ADD_EQ] = "+=", [T_SUB_EQ] = "-=", [T_MUL_EQ] = "*=",
	[T_DIV_EQ] = "/=", [T_MOD_EQ] = "%=", [T_AND_EQ] = "&=", [T_XOR_EQ] = "^=",
	[T_OR_EQ] = "|=", [T_SHL_EQ] = "<<=", [T_SHR_EQ] = ">>=",
};

const char *dc_tok_str(enum dc_tok k)
{
	if (k >= T_KW_FIRST && k < T_KW_LAST)
		return keywords[k - T_KW_FIRST];
	if ((size_t)k < sizeof(punct_names) / sizeof(punct_names[0]) && punct_names[k])
		return punct_names[k];
	return "?";
}

static enum dc_tok keyword(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i]) == n && memcmp(keywords[i], s, n) == 0)
			return (enum dc_tok)(T_KW_FIRST + i);
	return T_EOF;
}

void dc_lex_init(struct dc_lexer *L, struct dc_program *p, uint32_t src)
{
	memset(L, 0, sizeof(*L));
	L->p = p;
	L->src = src;
	L->buf = p->srcs[src].buf;
	L->len = p->srcs[src].len;
	L->file = p->srcs[src].name;
	L->line = 1;
}

static int cur(struct dc_lexer *L)
{
	return L->pos < L->len ? (unsigned char)L->buf[L->pos] : -1;
}

static int at(struct dc_lexer *L, size_t k)
{
	return L->pos + k < L->len ? (unsigned char)L->buf[L->pos + k] : -1;
}

/* A literal quoted in a message is cut at 40 bytes ("..." follows). */
enum { LIT_QUOTE_MAX = 40 };

static int lit_width(const struct dc_lexer *L, size_t start)
{
	size_t n = L->pos - start;
	return (int)(n > LIT_QUOTE_MAX ? LIT_QUOTE_MAX : n);
}

static const char *lit_more(const struct dc_lexer *L, size_t start)
{
	return L->pos - start > LIT_QUOTE_MAX ? "..." : "";
}

/*
 * The code point of the UTF-8 sequence at s, its length in *n; UINT32_MAX
 * (with *n = 1) for a byte that does not start a well-formed sequence
 * (overlong forms, surrogates and values above U+10FFFF included).
 */
static uint32_t utf8_decode(const char *s, size_t avail, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };

	*n = 1;
	if (len == 0 || u[0] > 0xf4 || len > avail)
		return UINT32_MAX;
	uint32_t cp = u[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return UINT32_MAX;
		cp = cp << 6 | (u[i] & 0x3fu);
	}
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return UINT32_MAX;
	*n = len;
	return cp;
}

static void newline(struct dc_lexer *L)
{
	L->line++;
	L->line_off = L->pos;
}

static struct dc_loc here(struct dc_lexer *L)
{
	struct dc_loc l = {
		.file = L->file, .line = L->line,
		.col = (int)(L->pos - L->line_off) + 1,
		.src = L->src, .off = (uint32_t)L->line_off,
	};
	return l;
}

/* ---- control lines ------------------------------------------------------ */

static bool at_line_start(struct dc_lexer *L)
{
	for (size_t i = L->pos; i > L->line_off; i--)
		if (L->buf[i - 1] != ' ' && L->buf[i - 1] != '\t')
			return false;
	return true;
}

/* # N "file" / #line N "file": the next line is line N of file. */
static void line_marker(struct dc_lexer *L, const char *args, const struct dc_loc *loc)
{
	char *end;
	long n = strtol(args, &end, 10);

	if (end == args || n < 0 || n > 100000000) {
		dc_error(L->p, loc, D_PRAGMA_MALFORM, "malformed line directive");
		return;
	}
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end == '"') {
		const char *q = strchr(end + 1, '"');
		const struct dc_src *s = &L->p->srcs[L->src];
		if (q != NULL) {
			L->file = dc_arena_strndup(&L->p->arena, end + 1, (size_t)(q - end - 1));
			if (s->cpp_tmp != NULL && strcmp(L->file, s->cpp_tmp) == 0)
				L->file = s->name;
		}
	}
	L->line = (int)n - 1;   /* newline() at the end of the directive adds one */
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool word_is(const char **s, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*s, w, n) != 0 || isalnum((unsigned char)(*s)[n]) || (*s)[n] == '_')
		return false;
	*s = skip_blank(*s + n);
	return true;
}

/* The directive words shared by `#word`, `#pragma word` and `#pragma D word`. */
static bool common_directive(struct dc_lexer *L, const char *s, const struct dc_loc *loc)
{
	if (word_is(&s, "error")) {
		dc_error(L->p, loc, D_PRAGERR, "#pragma error: %s", s);
		return true;
	}
	if (word_is(&s, "ident"))
		return true;
	if (word_is(&s, "line")) {
		line_marker(L, s, loc);
		return true;
	}
	return false;
}

static void control_line(struct dc_lexer *L, char *text, const struct dc_loc *loc)
{
	const char *s = skip_blank(text + 1);

	if (isdigit((unsigned char)*s)) {
		line_marker(L, s, loc);
		return;
	}
	if (*s == '\0')
		return;
	if (word_is(&s, "pragma")) {
		if (word_is(&s, "D")) {
			if (common_directive(L, s, loc))
				return;
			if (L->in_decl) {
				dc_error(L->p, loc, D_PRAGMA_INVAL, "#pragma D is not allowed "
					 "inside a declaration");
				return;
			}
			dc_sem_pragma(L->p, loc, (char *)s);
			return;
		}
		common_directive(L, s, loc);  /* unknown plain #pragma: ignored */
		return;
	}
	if (common_directive(L, s, loc))
		return;
	const char *e = s;
	while (isalnum((unsigned char)*e) || *e == '_')
		e++;
	dc_error(L->p, loc, D_PRAGCTL_INVAL, "invalid control directive: #%.*s",
		 (int)(e - s), s);
}

/* At a '#' that starts a line: consume the directive through its newline. */
static void directive(struct dc_lexer *L)
{
	struct dc_loc loc = here(L);
	size_t start = L->pos;

	if (L->line == 1 && at(L, 1) == '!' && L->line_off == 0) {
		while (cur(L) != -1 && cur(L) != '\n')
			L->pos++;
		return;
	}
	while (cur(L) != -1 && cur(L) != '\n') {
		if (cur(L) == '\\' && at(L, 1) == '\n') {
			L->pos += 2;
			newline(L);
			continue;
		}
		L->pos++;
	}
	char *text = dc_arena_strndup(&L->p->arena, L->buf + start, L->pos - start);
	for (char *c = text; *c; c++)
		if (*c == '\\' && c[1] == '\n')
			c[0] = c[1] = ' ';
	/* a comment after the directive ends it */
	char *cm = strstr(text, "/*");
	if (cm != NULL)
		*cm = '\0';
	control_line(L, text, &loc);
}

/* ---- blanks and comments ---------------------------------------------- */

/* Skip blanks, comments, backslash-newlines and control lines.  Returns
 * false after reporting an unterminated comment. */
static bool skip_space(struct dc_lexer *L)
{
	for (;;) {
		int c = cur(L);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			L->pos++;
		} else if (c == '\n') {
			L->pos++;
			newline(L);
		} else if (c == '\\' && at(L, 1) == '\n') {
			L->pos += 2;
			newline(L);
		} else if (c == '#' && at_line_start(L)) {
			directive(L);
		} else if (c == '/' && at(L, 1) == '*') {
			struct dc_loc loc = here(L);
			L->pos += 2;
			for (;;) {
				if (cur(L) == -1) {
					dc_error(L->p, &loc, D_SYNTAX,
						 "end-of-file encountered before matching */");
					return false;
				}
				if (cur(L) == '*' && at(L, 1) == '/') {
					L->pos += 2;
					break;
				}
				if (cur(L) == '/' && at(L, 1) == '*') {
					struct dc_loc l2 = here(L);
					dc_error(L->p, &l2, D_SYNTAX, "/* encountered inside a comment");
				}
				if (cur(L) == '\n') {
					L->pos++;
					newline(L);
				} else {
					L->pos++;
				}
			}
		} else {
			return true;
		}
	}
}

void dc_lex_skip_outer(struct dc_lexer *L)
{
	skip_space(L);
}

static bool is_ident_start(int c)
{
	return isalpha(c) || c == '_' || c == '`';
}

static bool is_ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '`';
}

static bool is_pspec_start(int c)
{
	return c > 0 && (isalpha(c) || strchr("-$:_.?*\\[]!", c) != NULL);
}

static bool is_pspec_char(int c)
{
	/* ()<>&~+ appear in demangled C++ function names (pid probes) */
	return c > 0 && (is_pspec_start(c) || isdigit(c) || strchr("`()<>&~+", c) != NULL);
}

size_t dc_lex_word_len(struct dc_lexer *L)
{
	size_t n = 0;

	while (L->pos + n < L->len && is_ident_char((unsigned char)L->buf[L->pos + n]))
		n++;
	return n;
}

/* ---- macro variables ------------------------------------------------- */

/*
 * $pid, $ppid, $uid, $gid, $euid, $egid, $pgid, $sid: the ids of the process
 * running the compiler (dtrace compiles in the process that traces);
 * $projid and $taskid are Solaris ids, 0 here; $target is 0 unless the
 * driver substituted a -c/-p process before compiling.
 */
static bool process_macro(const char *name, long *id)
{
	static const char *const zero[] = { "projid", "taskid", "target" };

	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (strcmp(name, zero[i]) == 0) {
			*id = 0;
			return true;
		}
	if (strcmp(name, "pid") == 0) *id = (long)getpid();
	else if (strcmp(name, "ppid") == 0) *id = (long)getppid();
	else if (strcmp(name, "uid") == 0) *id = (long)getuid();
	else if (strcmp(name, "gid") == 0) *id = (long)getgid();
	else if (strcmp(name, "euid") == 0) *id = (long)geteuid();
	else if (strcmp(name, "egid") == 0) *id = (long)getegid();
	else if (strcmp(name, "pgid") == 0) *id = (long)getpgid(0);
	else if (strcmp(name, "sid") == 0) *id = (long)getsid(0);
	else return false;
	return true;
}

const char *dc_macro_value(struct dc_program *p, const char *name, bool *is_str)
{
	const struct dc_options *o = p->opts;

	*is_str = false;
	if (isdigit((unsigned char)name[0])) {
		char *end;
		unsigned long n = strtoul(name, &end, 10);
		if (*end != '\0')
			return NULL;
		if (n == 0)
			return o->progname ? o->progname : "dtc";
		if (n > o->nmacro_args) {
			const char *d = dc_program__option(p, "defaultargs");
			if (d != NULL) {
				*is_str = true;
				return "";
			}
			return NULL;
		}
		p->macro_used[n - 1] = true;
		return o->macro_args[n - 1];
	}
	long id;
	if (!process_macro(name, &id))
		return NULL;
	return dc_arena_printf(&p->arena, "%ld", id);
}

/* Parse an integer literal text with C rules; false if not a clean integer. */
static bool parse_int_text(const char *s, uint64_t *v)
{
	char *end;

	if (*s == '-' || *s == '+' || *s == '\0')
		return false;
	unsigned long long r = strtoull(s, &end, 0);
	if (*end != '\0')
		return false;
	*v = r;
	return true;
}

/* $name, $N, $$N: substitute a token for the macro. */
static void macro_token(struct dc_lexer *L, struct dc_token *t)
{
	struct dc_loc loc = here(L);
	bool dollar2 = at(L, 1) == '$';
	size_t start = L->pos + (dollar2 ? 2 : 1), n = 0;

	while (start + n < L->len && is_ident_char((unsigned char)L->buf[start + n]) &&
	       L->buf[start + n] != '`')
		n++;
	L->pos = start + n;
	t->loc = loc;
	if (n == 0) {
		dc_error(L->p, &loc, D_SYNTAX, "syntax error near \"$\"");
		t->kind = T_INT;
		return;
	}
	char *name = dc_arena_strndup(&L->p->arena, L->buf + start, n);
	bool is_str;
	const char *v = dc_macro_value(L->p, name, &is_str);
	if (v == NULL) {
		dc_error(L->p, &loc, D_MACRO_UNDEF, "macro argument %s%s is not defined",
			 dollar2 ? "$$" : "$", name);
		t->kind = T_INT;
		return;
	}
	if (dollar2 || is_str) {
		t->kind = T_STR;
		t->str = v;
		t->slen = strlen(v);
		return;
	}
	uint64_t iv;
	if (parse_int_text(v, &iv)) {
		t->kind = T_INT;
		t->ival = iv;
		t->itype = iv > INT32_MAX ? (iv > INT64_MAX ? DC_IT_ULLONG : DC_IT_LLONG)
					 : DC_IT_INT;
		return;
	}
	if (is_ident_start((unsigned char)v[0])) {
		size_t k = 0;
		while (is_ident_char((unsigned char)v[k]))
			k++;
		if (v[k] == '\0') {
			t->kind = T_IDENT;
			t->text = v;
			return;
		}
	}
	t->kind = T_STR;
	t->str = v;
	t->slen = strlen(v);
}

/* ---- literals ---------------------------------------------------------- */

static void int_literal(struct dc_lexer *L, struct dc_token *t)
{
	size_t start = L->pos;
	int base = 10;
	uint64_t v = 0;
	bool oflow = false, baddigit = false;

	if (cur(L) == '0' && (at(L, 1) == 'x' || at(L, 1) == 'X')) {
		base = 16;
		L->pos += 2;
	} else if (cur(L) == '0') {
		base = 8;
	}
	size_t digits = L->pos;
	while (isxdigit(cur(L))) {
		int c = cur(L), d;
		if (isdigit(c))
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (d >= base)
			baddigit = true;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			oflow = true;
		v = v * (uint64_t)base + (uint64_t)d;
		L->pos++;
	}
	if (cur(L) == '.' || ((cur(L) == 'e' || cur(L) == 'E') && base == 10)) {
		while (isalnum(cur(L)) || cur(L) == '.')
			L->pos++;
		dc_error(L->p, &t->loc, D_SYNTAX,
			 "floating-point constants are not permitted: %.*s%s",
			 lit_width(L, start), L->buf + start, lit_more(L, start));
		t->kind = T_INT;
		return;
	}
	/* suffixes: u, l, ll in any case and order; other letters end the token */
	int nu = 0, nl = 0;
	for (;;) {
		int c = tolower(cur(L));
		if (c == 'u' && nu == 0) {
			nu++;
			L->pos++;
		} else if (c == 'l' && nl == 0) {
			nl++;
			if (at(L, 1) == cur(L)) {
				nl++;
				L->pos++;
			}
			L->pos++;
		} else {
			break;
		}
	}
	t->kind = T_INT;
	t->ival = v;
	if (baddigit || (base == 16 && L->pos == digits)) {
		dc_error(L->p, &t->loc, D_INT_DIGIT, "invalid digit in integer constant %.*s%s",
			 lit_width(L, start), L->buf + start, lit_more(L, start));
		return;
	}
	if (oflow) {
		dc_error(L->p, &t->loc, D_INT_OFLOW, "integer constant %.*s%s is too large",
			 lit_width(L, start), L->buf + start, lit_more(L, start));
		return;
	}
	/* C99 type selection; D uses LP64: int 32, long and long long 64 */
	bool dec = base == 10;
	enum dc_int_type ty;
	if (nu) {
		ty = nl ? (nl == 2 ? DC_IT_ULLONG : DC_IT_ULONG)
			: (v <= UINT32_MAX ? DC_IT_UINT : DC_IT_ULONG);
	} else if (nl) {
		ty = nl == 2 ? DC_IT_LLONG : DC_IT_LONG;
		if (v > INT64_MAX) {
			if (dec) {
				dc_error(L->p, &t->loc, D_INT_OFLOW,
					 "integer constant %.*s%s is too large",
					 lit_width(L, start), L->buf + start,
					 lit_more(L, start));
				return;
			}
			ty = nl == 2 ? DC_IT_ULLONG : DC_IT_ULONG;
		}
	} else if (v <= INT32_MAX) {
		ty = DC_IT_INT;
	} else if (!dec && v <= UINT32_MAX) {
		ty = DC_IT_UINT;
	} else if (v <= INT64_MAX) {
		ty = DC_IT_LONG;
	} else if (!dec) {
		ty = DC_IT_ULONG;
	} else {
		dc_error(L->p, &t->loc, D_INT_OFLOW, "integer constant %.*s%s is too large",
			 lit_width(L, start), L->buf + start, lit_more(L, start));
		return;
	}
	t->itype = ty;
}

/* One escape sequence after the backslash; returns the byte value. */
static int escape(struct dc_lexer *L)
{
	int c = cur(L);

	L->pos++;
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'v': return '\v';
	case 'b': return '\b';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'a': return '\a';
	case 'x': {
		int v = 0, n = 0;
		while (isxdigit(cur(L))) {
			int d = cur(L);
			v = (v * 16 + (isdigit(d) ? d - '0' : tolower(d) - 'a' + 10)) & 0xff;
			L->pos++;
			n++;
		}
		return n ? v : 'x';
	}
	default:
		if (c >= '0' && c <= '7') {
			int v = c - '0';
			for (int i = 0; i < 2 && cur(L) >= '0' && cur(L) <= '7'; i++) {
				v = v * 8 + (cur(L) - '0');
				L->pos++;
			}
			return v & 0xff;
		}
		return c;
	}
}

static void string_literal(struct dc_lexer *L, struct dc_token *t)
{
	size_t cap = 64, n = 0;
	char *buf = malloc(cap);

	L->pos++;
	for (;;) {
		int c = cur(L);
		if (c == -1) {
			dc_error(L->p, &t->loc, D_SYNTAX, "unterminated string literal");
			break;
		}
		if (c == '\n') {
			dc_error(L->p, &t->loc, D_STR_NL, "newline encountered in string literal");
			break;
		}
		L->pos++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (cur(L) == '\n') {
				L->pos++;
				newline(L);
				continue;
			}
			if (cur(L) == -1)
				continue;
			c = escape(L);
		}
		if (n + 1 >= cap) {
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (nb == NULL) {	/* the lexer runs inside dc_compile: */
				free(buf);	/* unwind to its D_NOMEM report */
				longjmp(*L->p->arena.oom, 1);
			}
			buf = nb;
		}
		buf[n++] = (char)c;
	}
	t->kind = T_STR;
	t->str = dc_arena_strndup(&L->p->arena, buf, n);
	t->slen = n;
	free(buf);
}

static void char_literal(struct dc_lexer *L, struct dc_token *t)
{
	uint64_t v = 0;
	int n = 0;

	L->pos++;
	t->kind = T_INT;
	t->itype = DC_IT_INT;
	for (;;) {
		int c = cur(L);
		if (c == -1) {
			dc_error(L->p, &t->loc, D_SYNTAX, "unterminated character constant");
			return;
		}
		if (c == '\n') {
			dc_error(L->p, &t->loc, D_CHR_NL,
				 "newline encountered in character constant");
			return;
		}
		L->pos++;
		if (c == '\'')
			break;
		if (c == '\\')
			c = escape(L);
		v = (v << 8) | (uint64_t)(c & 0xff);
		n++;
	}
	if (n == 0) {
		dc_error(L->p, &t->loc, D_CHR_NULL, "empty character constant");
		return;
	}
	if (n > 8) {
		dc_error(L->p, &t->loc, D_CHR_OFLOW, "character constant is too long");
		return;
	}
	t->ival = n == 1 ? (uint64_t)(int64_t)(int8_t)v : v;
	if (n > 4)
		t->itype = DC_IT_LONG;
}

/* ---- identifiers -------------------------------------------------------- */

/* Next non-blank characters after the current position (same line or not). */
static const char *peek_nonblank(struct dc_lexer *L)
{
	size_t i = L->pos;

	while (i < L->len && isspace((unsigned char)L->buf[i]))
		i++;
	return L->buf + i;
}

static void identifier(struct dc_lexer *L, struct dc_token *t)
{
	size_t start = L->pos;

	while (is_ident_char(cur(L)))
		L->pos++;
	size_t n = L->pos - start;
	const char *s = L->buf + start;
	const char *bq = memchr(s, '`', n);

	if (bq == NULL) {
		enum dc_tok k = keyword(s, n);
		if (k != T_EOF) {
			t->kind = k;
			return;
		}
	}
	t->text = dc_arena_strndup(&L->p->arena, s, n);
	t->kind = T_IDENT;
	if (bq != NULL) {
		const char *last = strrchr(t->text, '`');
		t->mod = dc_arena_strndup(&L->p->arena, t->text, (size_t)(last - t->text));
		t->text = last + 1;
		if (*t->text == '\0') {
			dc_error(L->p, &t->loc, D_SYNTAX, "invalid scoped name %s", t->mod);
			t->text = "?";
		}
	}
	if (dc_is_typedef_name(L->p, t->text) && t->mod == NULL) {
		const char *nx = peek_nonblank(L);
		bool var = L->in_clause &&
			   ((nx[0] == '+' && nx[1] == '+') || (nx[0] == '-' && nx[1] == '-') ||
			    nx[0] == '[' || (nx[0] == '=' && nx[1] != '='));
		if (!var)
			t->kind = T_TNAME;
	} else if (t->mod != NULL && dc_is_typedef_name(L->p, t->text) &&
		   !L->in_clause) {
		t->kind = T_TNAME;
	}
}

/* ---- operators -------------------------------------------------------- */

struct op { const char *s; enum dc_tok k; };

static const struct op ops[] = {
	{ "<<=", T_SHL_EQ }, { ">>=", T_SHR_EQ }, { "...", T_ELLIPSIS },
	{ "->", T_ARROW }, { "++", T_INC }, { "--", T_DEC }, { "<<", T_SHL },
	{ ">>", T_SHR }, { "<=", T_LE }, { ">=", T_GE }, { "==", T_EQ },
	{ "!=", T_NE }, { "&&", T_LAND }, { "||", T_LOR }, { "^^", T_LXOR },
	{ "+=", T_ADD_EQ }, { "-=", T_SUB_EQ }, { "*=", T_MUL_EQ },
	{ "/=", T_DIV_EQ }, { "%=", T_MOD_EQ }, { "&=", T_AND_EQ },
	{ "^=", T_XOR_EQ }, { "|=", T_OR_EQ },
	{ "(", T_LPAR }, { ")", T_RPAR }, { "[", T_LBRACK }, { "]", T_RBRACK },
	{ "{", T_LBRACE }, { "}", T_RBRACE }, { ",", T_COMMA }, { ";", T_SEMI },
	{ ":", T_COLON }, { "?", T_QUESTION }, { ".", T_DOT }, { "+", T_PLUS },
	{ "-", T_MINUS }, { "*", T_STAR }, { "%", T_PERCENT }, { "&", T_AMP },
	{ "|", T_BOR }, { "^", T_XOR }, { "~", T_TILDE }, { "!", T_NOT },
	{ "<", T_LT }, { ">", T_GT }, { "=", T_ASSIGN },
};

/* `/` closes a predicate when what follows is end of input, ';', '{' or '/'. */
static bool slash_ends_predicate(struct dc_lexer *L)
{
	size_t i = L->pos + 1;

	for (;;) {
		while (i < L->len && isspace((unsigned char)L->buf[i]))
			i++;
		if (i + 1 < L->len && L->buf[i] == '/' && L->buf[i + 1] == '*') {
			const char *e = strstr(L->buf + i + 2, "*/");
			if (e == NULL)
				return true;
			i = (size_t)(e - L->buf) + 2;
			continue;
		}
		break;
	}
	return i >= L->len || L->buf[i] == ';' || L->buf[i] == '{' || L->buf[i] == '/';
}

void dc_lex_next(struct dc_lexer *L, struct dc_token *t)
{
	memset(t, 0, sizeof(*t));
again:
	{
		size_t before = L->pos;
		skip_space(L);
		t->space_before = L->pos != before;
	}
	t->loc = here(L);
	int c = cur(L);
	if (c == -1) {
		t->kind = T_EOF;
		return;
	}
	if (c == '\0' && L->pos < L->len) {
		dc_error(L->p, &t->loc, D_SYNTAX, "invalid character: NUL byte");
		L->pos++;
		goto again;
	}
	if (isdigit(c)) {
		int_literal(L, t);
		return;
	}
	if (is_ident_start(c)) {
		identifier(L, t);
		return;
	}
	if (c == '"') {
		string_literal(L, t);
		return;
	}
	if (c == '\'') {
		char_literal(L, t);
		return;
	}
	if (c == '$') {
		macro_token(L, t);
		return;
	}
	if (c == '@') {
		size_t start = ++L->pos;
		while (isalnum(cur(L)) || cur(L) == '_')
			L->pos++;
		t->kind = T_AGG;
		t->text = L->pos == start ? "_"
			: dc_arena_strndup(&L->p->arena, L->buf + start, L->pos - start);
		return;
	}
	if (c == '/' && at(L, 1) != '=' && slash_ends_predicate(L)) {
		L->pos++;
		t->kind = T_EPRED;
		return;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);
		if (L->pos + n <= L->len && memcmp(L->buf + L->pos, ops[i].s, n) == 0) {
			L->pos += n;
			t->kind = ops[i].k;
			return;
		}
	}
	if (c == '/') {
		L->pos++;
		t->kind = T_SLASH;
		return;
	}
	if (c >= 0x80) {
		size_t n = 1;
		uint32_t cp = utf8_decode(L->buf + L->pos, L->len - L->pos, &n);
		if (cp != UINT32_MAX)
			dc_error(L->p, &t->loc, D_SYNTAX, "invalid character U+%04X: D source is "
				 "ASCII outside string literals and comments", (unsigned)cp);
		else
			dc_error(L->p, &t->loc, D_SYNTAX, "invalid UTF-8 byte 0x%02x", c);
		L->pos += n;
		goto again;
	} else if (isprint(c))
		dc_error(L->p, &t->loc, D_SYNTAX, "invalid character '%c'", c);
	else
		dc_error(L->p, &t->loc, D_SYNTAX, "invalid character 0x%02x", c);
	L->pos++;
	goto again;
}

/* ---- probe descriptions ------------------------------------------------- */

/* Expand $macros inside a probe description word. */
static const char *expand_pspec(struct dc_lexer *L, const char *w, const struct dc_loc *loc)
{
	if (strchr(w, '$') == NULL)
		return w;
	size_t cap = strlen(w) + 64, n = 0;
	char *out = dc_arena_alloc(&L->p->arena, cap);
	for (const char *s = w; *s;) {
		if (*s != '$') {
			if (n + 2 >= cap) {
				char *nb = dc_arena_alloc(&L->p->arena, cap * 2);
				memcpy(nb, out, n);
				out = nb;
				cap *= 2;
			}
			out[n++] = *s++;
			continue;
		}
		const char *q = s + 1;
		if (*q == '$')
			q++;
		const char *b = q;
		if (isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q))
				q++;
		} else {
			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
		}
		char *name = dc_arena_strndup(&L->p->arena, b, (size_t)(q - b));
		bool is_str;
		const char *v = *name ? dc_macro_value(L->p, name, &is_str) : NULL;
		if (v == NULL) {
			dc_error(L->p, loc, D_MACRO_UNDEF, "macro argument $%s is not defined",
				 name);
			v = "";
		}
		size_t vl = strlen(v);
		if (n + vl + 2 >= cap) {
			size_t nc = (n + vl) * 2 + 16;
			char *nb = dc_arena_alloc(&L->p->arena, nc);
			memcpy(nb, out, n);
			out = nb;
			cap = nc;
		}
		memcpy(out + n, v, vl);
		n += vl;
		s = q;
	}
	out[n] = '\0';
	return out;
}

bool dc_lex_pspec(struct dc_lexer *L, struct dc_token *t)
{
	memset(t, 0, sizeof(*t));
	skip_space(L);
	t->loc = here(L);
	int c = cur(L);
	if (c == -1)
		return false;
	size_t start = L->pos;
	if (isdigit(c)) {
		while (isdigit(cur(L)))
			L->pos++;
	} else if (is_pspec_start(c)) {
		while (is_pspec_char(cur(L)))
			L->pos++;
	} else {
		return false;
	}
	t->kind = T_PSPEC;
	t->text = expand_pspec(L, dc_arena_strndup(&L->p->arena, L->buf + start,
						   L->pos - start), &t->loc);
	return true;
}
