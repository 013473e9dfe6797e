/*
 * dasm_lex.h — the line tokenizer of the DIF assembly language.
 *
 * The language is line-oriented: every directive and instruction fits on
 * one line, so the lexer works on one NUL-terminated line at a time and
 * keeps every token's column for diagnostics.  Identifier and string token
 * texts are NUL-terminated copies in a per-line scratch buffer that lives
 * as long as the line.
 */
#ifndef DASM_LEX_H
#define DASM_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dasm_tok_kind {
	TK_END,		/* end of line (or comment) */
	TK_IDENT,	/* [A-Za-z_.][A-Za-z0-9_.]* */
	TK_NUM,		/* 123, 0x7b, -5 */
	TK_STR,		/* "text" with C escapes, decoded */
	TK_REG,		/* %rN */
	TK_PUNCT	/* , [ ] ( ) : = @ */
};

struct dasm_tok {
	enum dasm_tok_kind kind;
	unsigned	col;	/* 1-based */
	const char	*text;	/* IDENT, STR: decoded, NUL-terminated; others: raw */
	size_t		len;	/* bytes of text */
	uint64_t	num;	/* NUM: two's complement value; REG: number */
	bool		neg;	/* NUM: written with a minus sign */
	char		punct;
};

struct dasm_line {
	struct dasm_tok	*toks;
	unsigned	ntoks, cap;
	char		*scratch;	/* decoded texts */
	size_t		scrlen, scrcap;
	unsigned	err_col;	/* lexer error: column and message */
	char		err[128];
};

/*
 * Tokenize `s` (NUL-terminated; `col0` is the column of s[0]) and append
 * to line->toks, ending with a TK_END token.  Returns 0, -EINVAL with
 * err/err_col set on a lexical error, or -ENOMEM.
 */
int dasm_lex(struct dasm_line *line, const char *s, unsigned col0);
void dasm_line_reset(struct dasm_line *line);
void dasm_line_free(struct dasm_line *line);

#endif /* DASM_LEX_H */
