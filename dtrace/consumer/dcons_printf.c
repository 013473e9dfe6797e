/*
 * dcons_printf.c — D's printf: parse a format once, format records with it.
 *
 * Theory.  A D format is parsed once (by the compiler to check it against
 * the argument types, by the consumer to print) into a list of conversions,
 * each holding the literal text in front of it ("%%" already folded into one
 * '%'), its flags, width, precision (a '*' consumes an int argument), length
 * modifier and conversion character, plus what kind of argument it wants.
 * Formatting walks that list and takes one record per consumed argument.
 *
 * DTrace behaviours kept on purpose (docs/output-format.md):
 *  - integers are read at the *record's* size; %d/%i print signed only when
 *    the D type is signed (the record's DCONS_REC_SIGNED), else unsigned;
 *    %u %o %x %X never sign-extend; %p is hex without "0x" unless '#';
 *  - a precision of 0 (".0", or '*' giving 0 or less) means "no precision",
 *    so "%.0s" prints the whole string;
 *  - %a %A %k print symbols through the context's lookup callback and fall
 *    back to "0x%llx" when an address is unknown; %k indents its frames by
 *    a left-justified width ("%-8k") and by nothing otherwise;
 *  - %I prints its string argument and %P its 16-bit number (DTrace would
 *    substitute a resolved host or service name; we stay deterministic);
 *  - %Y is "YYYY Mon DD HH:MM:SS", %T is RFC-822 "Thu, 01 Jan 1970 00:00:00
 *    UTC"; both in UTC so output is deterministic;
 *  - in printa formats %@ is the aggregation's value (%@d %@u %@x ... and
 *    %@T %@Y for times), other conversions take the keys in order.
 * Read next: dcons_trace.c (trace, tracemem, stacks), dcons_agg.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dcons_impl.h"

/* ------------------------------------------------------------ parsing */

static const char conv_chars[] = "aAcCdeEfgGiIkopPsSTuxXY";

static void set_err(struct dcons_err *err, size_t off, const char *msg, char c)
{
	if (err == NULL)
		return;
	err->offset = off;
	if (c != 0)
		snprintf(err->msg, sizeof(err->msg), "%s '%c'", msg, c);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static enum dcons_want want_of(char conv, uint8_t lenmod)
{
	switch (conv) {
	case 'a': case 'A': case 'p':
		return DCONS_WANT_ADDR;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
		return DCONS_WANT_FLOAT;
	case 's':
		return (lenmod == DCONS_LEN_L || lenmod == DCONS_LEN_W) ?
			DCONS_WANT_WSTRING : DCONS_WANT_STRING;
	case 'S':
		return DCONS_WANT_STRING;
	case 'k':
		return DCONS_WANT_STACK;
	case 'T': case 'Y':
		return DCONS_WANT_TIME;
	case 'I':
		return DCONS_WANT_IPADDR;	/* the address as text */
	case 'P':
		return DCONS_WANT_PORT;
	case '@':
		return DCONS_WANT_AGG;
	default:
		return DCONS_WANT_INT;
	}
}

/* Size an integer length modifier imposes on %d-like conversions. */
static uint32_t lensize_of(char conv, uint8_t lenmod)
{
	if (strchr("diouxX", conv) == NULL)
		return 0;
	switch (lenmod) {
	case DCONS_LEN_HH: return 1;
	case DCONS_LEN_H: return 2;
	case DCONS_LEN_L: case DCONS_LEN_LL: return 8;
	default: return 0;
	}
}

/*
 * Whether a length modifier exists with a conversion: DTrace knows hd hi ho
 * hu hx hX, lc ld li lo lu ls lx lX, lld lli llo llu llx llX, Le LE Lf Lg
 * LG, wc ws -- and nothing else (no hh, no %F).
 */
static bool lenmod_ok(char conv, uint8_t lenmod)
{
	switch (lenmod) {
	case DCONS_LEN_NONE:
		return true;
	case DCONS_LEN_BIGL:
		return strchr("eEfgG", conv) != NULL;
	case DCONS_LEN_W:
		return conv == 's' || conv == 'c';
	case DCONS_LEN_L:
		return strchr("cdiousxX", conv) != NULL;
	case DCONS_LEN_LL:
	case DCONS_LEN_H:
		return strchr("diouxX", conv) != NULL;
	default:
		return false;
	}
}

/* digits := [0-9]+ ; returns -1 on overflow past INT32_MAX */
static int32_t parse_digits(const char *s, size_t len, size_t *i)
{
	int64_t v = 0;

	while (*i < len && isdigit((unsigned char)s[*i])) {
		v = v * 10 + (s[*i] - '0');
		if (v > INT32_MAX)
			return -1;
		(*i)++;
	}
	return (int32_t)v;
}

/*
 * flag := '-' | '+' | ' ' | '#' | '0' | '\'' | '?' | '@' (printa only)
 * As in DTrace, '-' and '0' cancel each other (the later one wins) and '?'
 * sets the width of a pointer (16).
 */
static bool parse_flags(const char *s, size_t len, size_t *i, struct dcons_conv *c,
	bool *agg)
{
	for (; *i < len; (*i)++) {
		switch (s[*i]) {
		case '-':
			c->flags = (uint8_t)((c->flags | DCONS_FL_MINUS) & ~DCONS_FL_ZERO);
			break;
		case '0':
			c->flags = (uint8_t)((c->flags | DCONS_FL_ZERO) & ~DCONS_FL_MINUS);
			break;
		case '+': c->flags |= DCONS_FL_PLUS; break;
		case ' ': c->flags |= DCONS_FL_SPACE; break;
		case '#': c->flags |= DCONS_FL_HASH; break;
		case '\'': c->flags |= DCONS_FL_QUOTE; break;
		case '?': c->width = 16; break;
		case '@': *agg = true; break;
		default: return true;
		}
	}
	return true;
}

/* lenmod := 'hh' | 'h' | 'll' | 'l' | 'L' | 'w' */
static uint8_t parse_lenmod(const char *s, size_t len, size_t *i)
{
	if (*i >= len)
		return DCONS_LEN_NONE;
	switch (s[*i]) {
	case 'h':
		(*i)++;
		if (*i < len && s[*i] == 'h') {
			(*i)++;
			return DCONS_LEN_HH;	/* refused by lenmod_ok */
		}
		return DCONS_LEN_H;
	case 'l':
		(*i)++;
		if (*i < len && s[*i] == 'l') {
			(*i)++;
			return DCONS_LEN_LL;
		}
		return DCONS_LEN_L;
	case 'L':
		(*i)++;
		return DCONS_LEN_BIGL;
	case 'w':
		(*i)++;
		return DCONS_LEN_W;
	default:
		return DCONS_LEN_NONE;
	}
}

/*
 * conversion := '%' flag* [ digits | '*' ] ['@'] [ '.' ( digits | '*' ) ]
 *               ['@'] lenmod? convchar
 * Parses from s[*i] (just past the '%'); fills c.
 */
static int parse_conv(const char *s, size_t len, size_t *i, bool printa,
	struct dcons_conv *c, struct dcons_err *err)
{
	size_t start = *i - 1;
	bool agg = false;

	parse_flags(s, len, i, c, &agg);
	if (*i < len && s[*i] == '*') {
		c->width_star = true;
		(*i)++;
	} else if (*i < len && isdigit((unsigned char)s[*i]) &&
	    (c->width = parse_digits(s, len, i)) < 0) {
		set_err(err, start, "field width is too large", 0);
		return -EINVAL;
	}
	parse_flags(s, len, i, c, &agg);
	if (*i < len && s[*i] == '.') {
		(*i)++;
		c->has_prec = true;
		if (*i < len && s[*i] == '*') {
			c->prec_star = true;
			(*i)++;
		} else if ((c->prec = parse_digits(s, len, i)) < 0) {
			set_err(err, start, "precision is too large", 0);
			return -EINVAL;
		}
	}
	parse_flags(s, len, i, c, &agg);
	c->lenmod = parse_lenmod(s, len, i);
	if (*i >= len) {
		set_err(err, start, "format ends in the middle of a conversion", 0);
		return -EINVAL;
	}
	c->conv = s[*i];
	(*i)++;
	if (c->conv == '\0' || strchr(conv_chars, c->conv) == NULL) {
		set_err(err, *i - 1, "invalid conversion", c->conv ? c->conv : '?');
		return -EINVAL;
	}
	if (!lenmod_ok(c->conv, c->lenmod)) {
		set_err(err, start, "length modifier is invalid with conversion", c->conv);
		return -EINVAL;
	}
	if (agg) {
		if (!printa) {
			set_err(err, start, "%@ is only valid in a printa() format", 0);
			return -EINVAL;
		}
		if (strchr("diouxXpaATY", c->conv) == NULL) {
			set_err(err, start, "invalid aggregation conversion", c->conv);
			return -EINVAL;
		}
		c->aggconv = c->conv;
		c->conv = '@';
	}
	c->want = (uint8_t)want_of(c->conv, c->lenmod);
	c->lensize = lensize_of(c->conv, c->lenmod);
	return 0;
}

static int push_text(char *text, uint32_t *tlen, const char *s, size_t n)
{
	memcpy(text + *tlen, s, n);
	*tlen += (uint32_t)n;
	return 0;
}

struct dcons_fmt *dcons_fmt__parse(const char *s, size_t len, bool printa,
	struct dcons_err *err)
{
	struct dcons_fmt *f;
	uint32_t tlen = 0, pstart = 0, cap = 8;
	size_t i = 0;

	if (len > UINT32_MAX / 2) {
		set_err(err, 0, "format is too long", 0);
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->printa = printa;
	f->text = malloc(len + 1);
	f->conv = calloc(cap, sizeof(*f->conv));
	if (f->text == NULL || f->conv == NULL)
		goto nomem;
	while (i < len) {
		struct dcons_conv *c;

		if (s[i] != '%') {
			push_text(f->text, &tlen, s + i, 1);
			i++;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '%') {
			push_text(f->text, &tlen, "%", 1);
			i += 2;
			continue;
		}
		if (f->nconv == cap) {
			struct dcons_conv *n = realloc(f->conv, 2 * cap * sizeof(*n));

			if (n == NULL)
				goto nomem;
			f->conv = n;
			cap *= 2;
		}
		c = &f->conv[f->nconv];
		memset(c, 0, sizeof(*c));
		c->src_off = (uint32_t)i;
		c->prefix_off = pstart;
		c->prefix_len = tlen - pstart;
		i++;
		if (parse_conv(s, len, &i, printa, c, err) < 0) {
			dcons_fmt__free(f);
			errno = EINVAL;
			return NULL;
		}
		f->nconv++;
		f->nargs += (uint32_t)c->width_star + (uint32_t)c->prec_star +
			(c->conv != '@');
		f->naggs += (c->conv == '@');
		pstart = tlen;
	}
	f->tail_off = pstart;
	f->tail_len = tlen - pstart;
	f->text[tlen] = '\0';
	return f;
nomem:
	dcons_fmt__free(f);
	errno = ENOMEM;
	return NULL;
}

void dcons_fmt__free(struct dcons_fmt *f)
{
	if (f == NULL)
		return;
	free(f->text);
	free(f->conv);
	free(f);
}

int dcons_fmt__arg_want(const struct dcons_fmt *f, uint32_t idx,
	enum dcons_want *want, uint32_t *size)
{
	uint32_t n = 0;

	for (uint32_t k = 0; k < f->nconv; k++) {
		const struct dcons_conv *c = &f->conv[k];
		enum dcons_want w[3];
		uint32_t sz[3] = { 4, 4, c->lensize };
		int m = 0;

		if (c->width_star)
			w[m++] = DCONS_WANT_WIDTH;
		if (c->prec_star)
			w[m++] = DCONS_WANT_WIDTH;
		if (c->conv != '@') {
			sz[m] = c->lensize;
			w[m++] = (enum dcons_want)c->want;
		}
		if (idx < n + (uint32_t)m) {
			*want = w[idx - n];
			*size = w[idx - n] == DCONS_WANT_WIDTH ? 0 : sz[idx - n];
			return 0;
		}
		n += (uint32_t)m;
	}
	return -EINVAL;
}

static bool is_int_size(uint32_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

bool dcons_want__accepts(enum dcons_want want, uint16_t action, uint8_t flags,
	uint32_t size)
{
	bool plain = dcons_action_is_plain(action);
	bool integer = plain && !(flags & (DCONS_REC_STRING | DCONS_REC_FLOAT |
		DCONS_REC_WIDE)) && is_int_size(size);

	switch (want) {
	case DCONS_WANT_INT:
	case DCONS_WANT_WIDTH:
	case DCONS_WANT_TIME:
	case DCONS_WANT_PORT:
		return integer;
	case DCONS_WANT_ADDR:
		return integer || action == DIF_ACT_SYM || action == DIF_ACT_MOD ||
			action == DIF_ACT_USYM || action == DIF_ACT_UMOD ||
			action == DIF_ACT_UADDR;
	case DCONS_WANT_FLOAT:
		return plain && (flags & DCONS_REC_FLOAT) &&
			(size == 4 || size == 8 || size == 16);
	case DCONS_WANT_STRING:
		/* the compiler has checked that a by-ref %s value is a char
		 * array, so its bytes are a string bounded by the size */
		return plain && (flags & (DCONS_REC_STRING | DCONS_REC_BYREF));
	case DCONS_WANT_WSTRING:
		return plain && (flags & DCONS_REC_WIDE);
	case DCONS_WANT_STACK:
		return action == DIF_ACT_STACK || action == DIF_ACT_USTACK ||
			action == DIF_ACT_JSTACK;
	case DCONS_WANT_IPADDR:
		return plain && (flags & DCONS_REC_STRING);
	case DCONS_WANT_AGG:
		return DIF_ACT_IS_AGG(action);
	}
	return false;
}

/* ------------------------------------------------------------ formatting */

bool dcons_action_is_plain(uint16_t action)
{
	switch (action) {
	case DIF_ACT_NONE: case DIF_ACT_DIFEXPR: case DIF_ACT_PRINTF:
	case DIF_ACT_SYSTEM: case DIF_ACT_FREOPEN:
		return true;
	default:
		return false;
	}
}

int dcons_read_int(const struct dcons_rec *r, bool is_signed, uint64_t *v)
{
	switch (r->size) {
	case 1: {
		uint8_t x;

		memcpy(&x, r->data, 1);
		*v = is_signed ? (uint64_t)(int64_t)(int8_t)x : x;
		return 0;
	}
	case 2: {
		uint16_t x;

		memcpy(&x, r->data, 2);
		*v = is_signed ? (uint64_t)(int64_t)(int16_t)x : x;
		return 0;
	}
	case 4: {
		uint32_t x;

		memcpy(&x, r->data, 4);
		*v = is_signed ? (uint64_t)(int64_t)(int32_t)x : x;
		return 0;
	}
	case 8:
		memcpy(v, r->data, 8);
		return 0;
	default:
		return -EINVAL;
	}
}

/* A conversion with its '*' arguments resolved. */
struct spec {
	uint8_t		flags;
	int32_t		width;		/* 0 = none */
	int32_t		prec;		/* 0 = none (DTrace treats 0 as unset) */
};

/* Build "%<flags><width>.<prec><len><conv>" for snprintf. */
static void build_spec(char *buf, size_t len, const struct spec *sp,
	const char *lenstr, char conv)
{
	char fl[8];
	size_t n = 0;

	if (sp->flags & DCONS_FL_MINUS) fl[n++] = '-';
	if (sp->flags & DCONS_FL_PLUS) fl[n++] = '+';
	if (sp->flags & DCONS_FL_SPACE) fl[n++] = ' ';
	if (sp->flags & DCONS_FL_HASH) fl[n++] = '#';
	if (sp->flags & DCONS_FL_ZERO) fl[n++] = '0';
	if (sp->flags & DCONS_FL_QUOTE) fl[n++] = '\'';
	fl[n] = '\0';
	if (sp->prec > 0)
		snprintf(buf, len, "%%%s%.0d.%d%s%c", fl, sp->width, sp->prec,
			lenstr, conv);
	else
		snprintf(buf, len, "%%%s%.0d%s%c", fl, sp->width, lenstr, conv);
}

/* Print s through the conversion's flags/width/precision as "%s". */
static int emit_str(struct dcons_buf *out, const struct spec *sp, const char *s)
{
	char spec[48];
	struct spec t = *sp;

	t.flags &= DCONS_FL_MINUS;
	build_spec(spec, sizeof(spec), &t, "", 's');
	return dcons_buf__printf(out, spec, s);
}

size_t dcons_escape_char(unsigned char c, char out[5])
{
	static const char from[] = "\a\b\f\n\r\t\v\"\\";
	static const char to[] = "abfnrtv\"\\";
	const char *p = c ? strchr(from, c) : NULL;

	if (p != NULL) {
		out[0] = '\\';
		out[1] = to[p - from];
		out[2] = '\0';
		return 2;
	}
	if (isprint(c)) {
		out[0] = (char)c;
		out[1] = '\0';
		return 1;
	}
	snprintf(out, 5, "\\%03o", c);
	return 4;
}

/* A NUL-terminated copy of a string record (at most size bytes). */
static char *rec_strdup(const struct dcons_rec *r)
{
	size_t n = r->data ? strnlen(r->data, r->size) : 0;
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	if (n)
		memcpy(s, r->data, n);
	s[n] = '\0';
	return s;
}

static int fmt_int(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_rec *r, struct dcons_buf *out)
{
	bool is_signed = (r->flags & DCONS_REC_SIGNED) != 0;
	struct dcons_rec t = *r;
	char spec[48];
	uint64_t v;
	char conv = c->conv;

	if (!dcons_want__accepts(DCONS_WANT_INT, r->action, r->flags, r->size) &&
	    !(conv == 'p' && dcons_want__accepts(DCONS_WANT_ADDR, r->action,
	    r->flags, r->size)))
		return -EINVAL;
	if (!dcons_action_is_plain(r->action)) {
		/* usym/uaddr-style records: the address is the last word */
		t.size = 8;
		t.data = (const char *)r->data + r->size - 8;
	}
	if (c->lensize && c->lensize < t.size)
		t.size = c->lensize;	/* little-endian: the low bytes come first */
	/*
	 * %d is signed when the type is; %i always sign-extends the record;
	 * every other conversion sees the record's bytes unsigned.
	 */
	if (conv == 'i')
		is_signed = true;
	else if (conv != 'd')
		is_signed = false;
	if (dcons_read_int(&t, is_signed, &v) < 0)
		return -EINVAL;
	switch (conv) {
	case 'c':
		build_spec(spec, sizeof(spec), sp, "", 'c');
		return dcons_buf__printf(out, spec, (int)(unsigned char)v);
	case 'C': {
		char esc[5];

		dcons_escape_char((unsigned char)v, esc);
		return emit_str(out, sp, esc);
	}
	case 'd': case 'i':
		if (is_signed) {
			build_spec(spec, sizeof(spec), sp, "ll", 'd');
			return dcons_buf__printf(out, spec, (long long)v);
		}
		conv = 'u';
		break;
	case 'p':
		conv = 'x';
		break;
	default:
		break;
	}
	build_spec(spec, sizeof(spec), sp, "ll", conv);
	return dcons_buf__printf(out, spec, (unsigned long long)v);
}

static int fmt_float(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_rec *r, struct dcons_buf *out)
{
	char spec[48];

	if (!dcons_want__accepts(DCONS_WANT_FLOAT, r->action, r->flags, r->size))
		return -EINVAL;
	if (r->size == 16 && sizeof(long double) == 16) {
		long double x;

		memcpy(&x, r->data, sizeof(x));
		build_spec(spec, sizeof(spec), sp, "L", c->conv);
		return dcons_buf__printf(out, spec, x);
	}
	build_spec(spec, sizeof(spec), sp, "", c->conv);
	if (r->size == 4) {
		float x;

		memcpy(&x, r->data, 4);
		return dcons_buf__printf(out, spec, (double)x);
	}
	if (r->size == 8) {
		double x;

		memcpy(&x, r->data, 8);
		return dcons_buf__printf(out, spec, x);
	}
	return -EINVAL;
}

static int fmt_string(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_rec *r, struct dcons_buf *out)
{
	char spec[48];
	char *s;
	int rc;

	if (!dcons_want__accepts(DCONS_WANT_STRING, r->action, r->flags, r->size))
		return -EINVAL;
	s = rec_strdup(r);
	if (s == NULL)
		return -ENOMEM;
	if (c->conv == 'S') {
		struct dcons_buf esc;

		dcons_buf__init(&esc);
		rc = dcons_buf__append(&esc, "", 0);
		for (char *p = s; rc == 0 && *p; p++) {
			char e[5];
			size_t n = dcons_escape_char((unsigned char)*p, e);

			rc = dcons_buf__append(&esc, e, n);
		}
		free(s);
		if (rc < 0) {
			dcons_buf__free(&esc);
			return rc;
		}
		s = esc.data;
	}
	build_spec(spec, sizeof(spec), sp, "", 's');
	rc = dcons_buf__printf(out, spec, s);
	free(s);
	return rc;
}

static int fmt_wstring(const struct spec *sp, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	size_t n = r->size / sizeof(wchar_t);
	wchar_t *w;
	char spec[48];
	int rc;

	if (!dcons_want__accepts(DCONS_WANT_WSTRING, r->action, r->flags, r->size))
		return -EINVAL;
	w = calloc(n + 1, sizeof(wchar_t));
	if (w == NULL)
		return -ENOMEM;
	memcpy(w, r->data, n * sizeof(wchar_t));
	build_spec(spec, sizeof(spec), sp, "l", 's');
	rc = dcons_buf__printf(out, spec, w);
	free(w);
	return rc;
}

void dcons_addr2str(const struct dcons_ctx *ctx, uint32_t pid, uint64_t addr,
	char *buf, size_t len)
{
	struct dcons_sym sym;

	memset(&sym, 0, sizeof(sym));
	if (ctx->lookup == NULL || ctx->lookup(ctx->cookie, pid, addr, &sym) != 0) {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return;
	}
	sym.mod[sizeof(sym.mod) - 1] = '\0';
	sym.func[sizeof(sym.func) - 1] = '\0';
	if (sym.func[0] == '\0')
		snprintf(buf, len, "%s`0x%llx", sym.mod, (unsigned long long)addr);
	else if (addr > sym.addr)
		snprintf(buf, len, "%s`%s+0x%llx", sym.mod, sym.func,
			(unsigned long long)(addr - sym.addr));
	else
		snprintf(buf, len, "%s`%s", sym.mod, sym.func);
}

static int fmt_addr(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_rec *r, const struct dcons_ctx *ctx,
	struct dcons_buf *out)
{
	char s[512];
	uint64_t v, pid = c->conv == 'A' ? DCONS_PID_CURRENT : 0;

	if (!dcons_want__accepts(DCONS_WANT_ADDR, r->action, r->flags, r->size))
		return -EINVAL;
	if (r->size == 16) {
		memcpy(&pid, r->data, 8);
		memcpy(&v, (const char *)r->data + 8, 8);
	} else if (dcons_read_int(r, false, &v) < 0) {
		return -EINVAL;
	}
	dcons_addr2str(ctx, (uint32_t)pid, v, s, sizeof(s));
	return emit_str(out, sp, s);
}

/* %Y: "YYYY Mon DD HH:MM:SS" (day space-padded); %T: RFC-822 in UTC. */
static int fmt_time(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_rec *r, struct dcons_buf *out)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat" };
	char s[96];
	uint64_t ns;
	time_t sec;
	struct tm tm;

	if (!dcons_want__accepts(DCONS_WANT_TIME, r->action, r->flags, r->size) ||
	    dcons_read_int(r, false, &ns) < 0)
		return -EINVAL;
	sec = (time_t)(ns / 1000000000ULL);
	if (gmtime_r(&sec, &tm) == NULL)
		return -EINVAL;
	if (c->conv == 'Y')
		snprintf(s, sizeof(s), "%d %s %2d %02d:%02d:%02d",
			tm.tm_year + 1900, mon[tm.tm_mon], tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(s, sizeof(s), "%s, %02d %s %d %02d:%02d:%02d UTC",
			wday[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
			tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return emit_str(out, sp, s);
}

/* %I: the address text (DTrace would print a host name if one resolves). */
static int fmt_inet(const struct spec *sp, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	char *s;
	int rc;

	if (!dcons_want__accepts(DCONS_WANT_IPADDR, r->action, r->flags, r->size))
		return -EINVAL;
	s = rec_strdup(r);
	if (s == NULL)
		return -ENOMEM;
	rc = emit_str(out, sp, s);
	free(s);
	return rc;
}

static int fmt_port(const struct spec *sp, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	char s[16];
	uint64_t v;

	if (!dcons_want__accepts(DCONS_WANT_PORT, r->action, r->flags, r->size) ||
	    dcons_read_int(r, false, &v) < 0)
		return -EINVAL;
	/* the number as recorded (DTrace would print a service name if known) */
	snprintf(s, sizeof(s), "%u", (unsigned)(uint16_t)v);
	return emit_str(out, sp, s);
}

static int fmt_agg(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_aggval *v, const struct dcons_ctx *ctx,
	struct dcons_buf *out)
{
	char spec[48];
	int64_t x;
	uint64_t normal = v->normal ? v->normal : 1;

	switch (v->func) {
	case DIF_ACT_QUANTIZE:
		return dcons_print__quantize(ctx, v->words, normal, out);
	case DIF_ACT_LQUANTIZE:
		return dcons_print__lquantize(ctx, v->arg, v->words, normal, out);
	case DIF_ACT_LLQUANTIZE:
		return dcons_print__llquantize(ctx, v->arg, v->words, v->nwords,
			normal, out);
	case DIF_ACT_AVG:
		/* printa's %@ averages in unsigned arithmetic, as DTrace does */
		x = v->words[0] == 0 ? 0 : (int64_t)((uint64_t)v->words[1] /
			normal / (uint64_t)v->words[0]);
		break;
	case DIF_ACT_STDDEV:
		x = (int64_t)dcons_agg__stddev(v->words, normal);
		break;
	default:
		/* signed division for a signed %@d/%@i of a signed result */
		if ((c->aggconv == 'd' || c->aggconv == 'i') &&
		    v->func != DIF_ACT_COUNT)
			x = v->words[0] / (int64_t)normal;
		else
			x = (int64_t)((uint64_t)v->words[0] / normal);
		break;
	}
	if (strchr("TYaA", c->aggconv) != NULL) {
		struct dcons_conv tc = *c;
		struct dcons_rec r = { DIF_ACT_DIFEXPR, 0, 8, &x, 0 };

		tc.conv = c->aggconv;
		if (c->aggconv == 'a' || c->aggconv == 'A')
			return fmt_addr(&tc, sp, &r, ctx, out);
		return fmt_time(&tc, sp, &r, out);
	}
	if (c->aggconv == 'p') {
		build_spec(spec, sizeof(spec), sp, "ll", 'x');
		return dcons_buf__printf(out, spec, (unsigned long long)x);
	}
	if (c->aggconv == 'd' || c->aggconv == 'i') {
		build_spec(spec, sizeof(spec), sp, "ll", 'd');
		return dcons_buf__printf(out, spec, (long long)x);
	}
	build_spec(spec, sizeof(spec), sp, "ll", c->aggconv);
	return dcons_buf__printf(out, spec, (unsigned long long)x);
}

/* Take the int a '*' consumes. */
static int star_arg(const struct dcons_rec *args, size_t nargs, size_t *ai,
	int32_t *v)
{
	uint64_t x;

	if (*ai >= nargs)
		return -EINVAL;
	if (!dcons_want__accepts(DCONS_WANT_WIDTH, args[*ai].action,
	    args[*ai].flags, args[*ai].size) ||
	    dcons_read_int(&args[*ai], true, &x) < 0)
		return -EINVAL;
	(*ai)++;
	if ((int64_t)x > INT32_MAX / 2 || (int64_t)x < -(INT32_MAX / 2))
		return -EINVAL;
	*v = (int32_t)(int64_t)x;
	return 0;
}

static int resolve_spec(const struct dcons_conv *c, const struct dcons_rec *args,
	size_t nargs, size_t *ai, struct spec *sp)
{
	int rc;

	sp->flags = c->flags;
	sp->width = c->width;
	sp->prec = c->has_prec ? c->prec : 0;
	if (c->width_star && (rc = star_arg(args, nargs, ai, &sp->width)) < 0)
		return rc;
	if (sp->width < 0) {
		sp->flags |= DCONS_FL_MINUS;
		sp->width = -sp->width;
	}
	if (c->prec_star && (rc = star_arg(args, nargs, ai, &sp->prec)) < 0)
		return rc;
	if (sp->prec < 0)
		sp->prec = 0;
	if (sp->width > 65536 || sp->prec > 65536)
		return -EINVAL;
	return 0;
}

static int format_one(const struct dcons_conv *c, const struct spec *sp,
	const struct dcons_rec *r, const struct dcons_ctx *ctx,
	struct dcons_buf *out)
{
	switch (c->want) {
	case DCONS_WANT_INT:
		return fmt_int(c, sp, r, out);
	case DCONS_WANT_ADDR:
		if (c->conv == 'p')
			return fmt_int(c, sp, r, out);
		return fmt_addr(c, sp, r, ctx, out);
	case DCONS_WANT_FLOAT:
		return fmt_float(c, sp, r, out);
	case DCONS_WANT_STRING:
		return fmt_string(c, sp, r, out);
	case DCONS_WANT_WSTRING:
		return fmt_wstring(sp, r, out);
	case DCONS_WANT_STACK: {
		/*
		 * %k: a left-justified width is the frames' indent (and is not
		 * applied to each frame); otherwise frames are not indented and
		 * each is printed with the width.
		 */
		struct dcons_ctx kctx = *ctx;
		struct spec t = *sp;
		char spec[48];

		if (!dcons_want__accepts(DCONS_WANT_STACK, r->action, r->flags,
		    r->size))
			return -EINVAL;
		kctx.opts.stackindent = (t.flags & DCONS_FL_MINUS) ?
			(uint32_t)t.width : 0;
		if (t.flags & DCONS_FL_MINUS)
			t.width = 0;
		t.flags &= DCONS_FL_MINUS;
		build_spec(spec, sizeof(spec), &t, "", 's');
		return dcons_print_stack(&kctx, r, spec, out);
	}
	case DCONS_WANT_TIME:
		return fmt_time(c, sp, r, out);
	case DCONS_WANT_IPADDR:
		return fmt_inet(sp, r, out);
	case DCONS_WANT_PORT:
		return fmt_port(sp, r, out);
	default:
		return -EINVAL;
	}
}

int dcons_format_ex(const struct dcons_fmt *f, const struct dcons_rec *args,
	size_t nargs, const struct dcons_aggval *aggs, size_t naggs,
	const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	size_t ai = 0, gi = 0;
	int rc;

	for (uint32_t k = 0; k < f->nconv; k++) {
		const struct dcons_conv *c = &f->conv[k];
		struct spec sp;

		rc = dcons_buf__append(out, f->text + c->prefix_off, c->prefix_len);
		if (rc < 0)
			return rc;
		rc = resolve_spec(c, args, nargs, &ai, &sp);
		if (rc < 0)
			return rc;
		if (c->conv == '@') {
			if (naggs == 0)
				return -EINVAL;
			rc = fmt_agg(c, &sp, &aggs[gi], ctx, out);
			if (gi + 1 < naggs)
				gi++;
		} else {
			if (ai >= nargs)
				return -EINVAL;
			rc = format_one(c, &sp, &args[ai++], ctx, out);
		}
		if (rc < 0)
			return rc;
	}
	return dcons_buf__append(out, f->text + f->tail_off, f->tail_len);
}

int dcons_fmt__format(const struct dcons_fmt *f, const struct dcons_rec *args,
	size_t nargs, const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	if (f->naggs != 0)
		return -EINVAL;
	if (nargs != f->nargs)
		return -EINVAL;
	return dcons_format_ex(f, args, nargs, NULL, 0, ctx, out);
}

struct dcons_rec dcons_rec__int(const void *data, uint32_t size, bool is_signed)
{
	struct dcons_rec r = { DIF_ACT_DIFEXPR,
		is_signed ? DCONS_REC_SIGNED : 0, size, data, 0 };

	return r;
}

struct dcons_rec dcons_rec__str(const char *s, uint32_t size)
{
	struct dcons_rec r = { DIF_ACT_DIFEXPR, DCONS_REC_STRING, size, s, 0 };

	return r;
}

void dcons_ctx__init(struct dcons_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->opts.stackindent = 14;
}
