/*
 * dasm_lex.c — tokens of one assembly line.
 *
 * Theory.  A line is lexed whole before it is parsed, so the parser can
 * look ahead freely and every error names a column.  `!` and `#` start a
 * comment outside strings.  Numbers are unsigned 64-bit with an optional
 * leading minus (stored two's complement, `neg` set) so `setx -1, %r1`
 * works; overflow is an error, never a silent wrap.  Strings decode
 * \n \t \r \\ \" \xNN; a NUL byte cannot be written (object strings are
 * C strings).  The scratch buffer is sized up front for the whole line, so
 * token pointers into it stay valid while the line is parsed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm_lex.h"

void dasm_line_reset(struct dasm_line *line)
{
	line->ntoks = 0;
	line->scrlen = 0;
	line->err[0] = '\0';
	line->err_col = 0;
}

void dasm_line_free(struct dasm_line *line)
{
	free(line->toks);
	free(line->scratch);
	memset(line, 0, sizeof(*line));
}

static struct dasm_tok *push_tok(struct dasm_line *line, enum dasm_tok_kind kind,
    unsigned col)
{
	if (line->ntoks == line->cap) {
		unsigned cap = line->cap ? line->cap * 2 : 16;
		struct dasm_tok *nt = realloc(line->toks, cap * sizeof(*nt));

		if (nt == NULL)
			return NULL;
		line->toks = nt;
		line->cap = cap;
	}
	struct dasm_tok *t = &line->toks[line->ntoks++];

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->col = col;
	return t;
}

static int lex_error(struct dasm_line *line, unsigned col, const char *msg)
{
	line->err_col = col;
	snprintf(line->err, sizeof(line->err), "%s", msg);
	return -EINVAL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* NUM := ['-'] ( '0x' HEX+ | DEC+ ), not followed by an identifier char. */
static int lex_number(struct dasm_line *line, const char *s, size_t *ip, unsigned col0,
    struct dasm_tok *t)
{
	size_t i = *ip, start = i;
	uint64_t v = 0;
	unsigned base = 10;

	if (s[i] == '-') {
		t->neg = true;
		i++;
	}
	if (s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	size_t digits = i;
	for (;; i++) {
		int d = base == 16 ? hexval(s[i]) : (isdigit((unsigned char)s[i]) ? s[i] - '0' : -1);

		if (d < 0)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return lex_error(line, col0 + (unsigned)start, "number does not fit in 64 bits");
		v = v * base + (uint64_t)d;
	}
	if (i == digits || isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.')
		return lex_error(line, col0 + (unsigned)start, "malformed number");
	t->num = t->neg ? (uint64_t)0 - v : v;
	t->text = s + start;
	t->len = i - start;
	*ip = i;
	return 0;
}

static int lex_string(struct dasm_line *line, const char *s, size_t *ip, unsigned col0,
    struct dasm_tok *t)
{
	size_t i = *ip + 1;
	char *out = line->scratch + line->scrlen;
	size_t n = 0;

	for (;;) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return lex_error(line, col0 + (unsigned)*ip, "unterminated string");
		if (c == '"')
			break;
		if (c != '\\') {
			out[n++] = (char)c;
			i++;
			continue;
		}
		c = (unsigned char)s[i + 1];
		i += 2;
		switch (c) {
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case '\\': out[n++] = '\\'; break;
		case '"': out[n++] = '"'; break;
		case 'x': {
			int h = hexval(s[i]), l = h < 0 ? -1 : hexval(s[i + 1]);

			if (h < 0 || l < 0)
				return lex_error(line, col0 + (unsigned)i - 2,
				    "\\x needs two hex digits");
			if (h == 0 && l == 0)
				return lex_error(line, col0 + (unsigned)i - 2,
				    "a string cannot contain a NUL byte");
			out[n++] = (char)(h * 16 + l);
			i += 2;
			break;
		}
		default:
			return lex_error(line, col0 + (unsigned)i - 2, "unknown escape sequence");
		}
	}
	out[n] = '\0';
	t->text = out;
	t->len = n;
	line->scrlen += n + 1;
	*ip = i + 1;
	return 0;
}

int dasm_lex(struct dasm_line *line, const char *s, unsigned col0)
{
	size_t slen = strlen(s), i = 0;
	size_t need = line->scrlen + slen * 2 + 2;

	if (need > line->scrcap) {
		char *ns = realloc(line->scratch, need);

		if (ns == NULL)
			return -ENOMEM;
		line->scratch = ns;
		line->scrcap = need;
	}
	for (;;) {
		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v')
			i++;
		unsigned col = col0 + (unsigned)i;
		char c = s[i];
		struct dasm_tok *t;

		if (c == '\0' || c == '!' || c == '#')
			return push_tok(line, TK_END, col) ? 0 : -ENOMEM;
		if (isalpha((unsigned char)c) || c == '_' || c == '.') {
			size_t st = i;

			while (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.')
				i++;
			if ((t = push_tok(line, TK_IDENT, col)) == NULL)
				return -ENOMEM;
			t->text = line->scratch + line->scrlen;
			t->len = i - st;
			memcpy(line->scratch + line->scrlen, s + st, i - st);
			line->scratch[line->scrlen + t->len] = '\0';
			line->scrlen += t->len + 1;
		} else if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)s[i + 1]))) {
			if ((t = push_tok(line, TK_NUM, col)) == NULL)
				return -ENOMEM;
			int rc = lex_number(line, s, &i, col0, t);
			if (rc != 0)
				return rc;
		} else if (c == '"') {
			if ((t = push_tok(line, TK_STR, col)) == NULL)
				return -ENOMEM;
			int rc = lex_string(line, s, &i, col0, t);
			if (rc != 0)
				return rc;
		} else if (c == '%') {
			if (s[i + 1] != 'r' || !isdigit((unsigned char)s[i + 2]))
				return lex_error(line, col, "bad register (registers are %r0 .. %r7)");
			uint64_t v = 0;
			size_t st = i;
			for (i += 2; isdigit((unsigned char)s[i]); i++)
				if ((v = v * 10 + (uint64_t)(s[i] - '0')) > 1000)
					v = 1000;
			if (isalpha((unsigned char)s[i]) || s[i] == '_')
				return lex_error(line, col, "bad register (registers are %r0 .. %r7)");
			if ((t = push_tok(line, TK_REG, col)) == NULL)
				return -ENOMEM;
			t->num = v;
			t->text = s + st;
			t->len = i - st;
		} else if (strchr(",[]():=@", c) != NULL) {
			if ((t = push_tok(line, TK_PUNCT, col)) == NULL)
				return -ENOMEM;
			t->punct = c;
			t->text = s + i;
			t->len = 1;
			i++;
		} else if (c == '-' && s[i + 1] == '>') {
			return lex_error(line, col, "'->' is D, not assembly: name the variable "
			    "(declared with .var NAME scope=thread or scope=local)");
		} else {
			char msg[64];

			if (isprint((unsigned char)c))
				snprintf(msg, sizeof(msg), "unexpected character '%c'", c);
			else
				snprintf(msg, sizeof(msg), "unexpected byte 0x%02x",
				    (unsigned)(unsigned char)c);
			return lex_error(line, col, msg);
		}
	}
}
