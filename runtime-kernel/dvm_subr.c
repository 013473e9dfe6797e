/*
 * dvm_subr.c — the `call` instruction: DTrace's subroutines that make sense
 * outside one specific kernel.
 *
 * Theory.  Arguments are the tuple stack T[0..ttop); the result goes to
 * R[rd].  Strings are read through the platform (checked loads, bounded by
 * strsize) and string results are built in this firing's scratch space
 * (strsize + 1 bytes), written through the platform's store, so the code is
 * the same in a kernel, a hypervisor and a test.  A subroutine that reads a
 * particular kernel's structures (mutex_owned, getf, ...) faults ILLOP with
 * reason KERNEL_SUBR; copyout/copyoutstr fault DESTRUCTIVE (the consumer
 * does not grant it).  Each
 * fault names the subroutine id as the illegal value.
 *
 * Byte order: htons and friends swap on a little-endian host.
 * Freestanding: no libc, no allocation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dvm_impl.h"

struct call {
	const struct dif_difo	*dp;
	struct dvm_mstate	*ms;
	uint32_t		pc;
	uint32_t		subr;
};

static uint64_t arg(const struct call *c, unsigned i)
{
	return i < c->ms->dms_ttop ? c->ms->dms_tuple[i].dtt_value : 0;
}

static unsigned nargs(const struct call *c)
{
	return c->ms->dms_ttop;
}

static bool byte_at(const struct call *c, uint64_t addr, uint8_t *b)
{
	uint64_t v;

	if (!dvm_load(c->dp, c->ms, c->pc, DVM_SPACE_CHECKED, addr, 1, &v))
		return false;
	*b = (uint8_t)v;
	return true;
}

static bool put_byte(const struct call *c, uint64_t addr, uint8_t b)
{
	return dvm_store(c->ms, c->pc, addr, 1, b);
}

/* Length of s bounded by strsize; NULL is "". */
static bool slen(const struct call *c, uint64_t s, uint64_t *len)
{
	if (s == 0) {
		*len = 0;
		return true;
	}
	return dvm_strlen(c->dp, c->ms, c->pc, s, c->ms->dms_strsize, len);
}

/* A fresh strsize + 1 byte string buffer, or 0 after a NOSCRATCH fault. */
static uint64_t strbuf(const struct call *c)
{
	uint64_t p = c->ms->dms_plat->dp_scratch(c->ms->dms_ctx,
	    c->ms->dms_strsize + 1);

	if (p == 0)
		dvm_fault(c->ms, c->pc, DIF_FAULT_NOSCRATCH, c->ms->dms_strsize + 1,
		    DVM_REASON_NONE);
	return p;
}

/* Copy n bytes of src (n <= strsize) to a new string; 0 after a fault. */
static uint64_t new_string(const struct call *c, uint64_t src, uint64_t n)
{
	uint64_t d = strbuf(c);
	uint8_t b;

	if (d == 0)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		if (!byte_at(c, src + i, &b) || !put_byte(c, d + i, b))
			return 0;
	return put_byte(c, d + n, 0) ? d : 0;
}

static void illop(const struct call *c, enum dvm_reason why)
{
	dvm_fault(c->ms, c->pc, DIF_FAULT_ILLOP, c->subr, why);
}

/* ---- Strings ------------------------------------------------------------- */

static bool s_strjoin(const struct call *c, uint64_t *out)
{
	uint64_t a = arg(c, 0), b = arg(c, 1), la, lb, d, n = 0;
	uint8_t ch;

	if (!slen(c, a, &la) || !slen(c, b, &lb) || (d = strbuf(c)) == 0)
		return false;
	for (uint64_t i = 0; i < la && n < c->ms->dms_strsize; i++, n++)
		if (!byte_at(c, a + i, &ch) || !put_byte(c, d + n, ch))
			return false;
	for (uint64_t i = 0; i < lb && n < c->ms->dms_strsize; i++, n++)
		if (!byte_at(c, b + i, &ch) || !put_byte(c, d + n, ch))
			return false;
	*out = d;
	return put_byte(c, d + n, 0);
}

/*
 * substr(s, index [, len]): a negative index counts from the end (clamped
 * to the start, shortening the length); a negative len leaves that many
 * bytes off the end; out of range gives "".
 */
static bool s_substr(const struct call *c, uint64_t *out)
{
	int64_t index = (int64_t)arg(c, 1), len, rem;
	int64_t size = (int64_t)c->ms->dms_strsize;
	uint64_t l;

	if (!slen(c, arg(c, 0), &l))
		return false;
	len = (int64_t)l;
	rem = nargs(c) > 2 ? (int64_t)arg(c, 2) : size;
	if (index < 0) {
		index += len;
		if (index < 0 && index + rem > 0) {
			rem += index;
			index = 0;
		}
	}
	if (index >= len || index < 0)
		rem = 0;
	else if (rem < 0 && (rem += len - index) < 0)
		rem = 0;
	else if (index + rem > len)
		rem = len - index;
	*out = new_string(c, arg(c, 0) + (uint64_t)index, (uint64_t)rem);
	return *out != 0;
}

static bool s_strchr(const struct call *c, bool last, uint64_t *out)
{
	uint64_t s = arg(c, 0), l, hit = 0;
	uint8_t want = (uint8_t)arg(c, 1), b;

	if (!slen(c, s, &l))
		return false;
	for (uint64_t i = 0; i <= l; i++) {
		if (!byte_at(c, s + i, &b))
			return false;
		if (i == l)
			b = 0;
		if (b == want) {
			hit = s + i;
			if (!last)
				break;
		}
	}
	*out = hit;
	return true;
}

/* Does t (length lt) occur in s at i? */
static bool match_at(const struct call *c, uint64_t s, uint64_t i, uint64_t t,
    uint64_t lt, bool *hit)
{
	uint8_t a, b;

	*hit = false;
	for (uint64_t j = 0; j < lt; j++) {
		if (!byte_at(c, s + i + j, &a) || !byte_at(c, t + j, &b))
			return false;
		if (a != b)
			return true;
	}
	*hit = true;
	return true;
}

/*
 * strstr, index and rindex share one search, with DTrace's (Perl's)
 * position rules: two empty strings give 0; index() clamps a negative
 * start to 0 and, from the end of the string on, finds only "" (at the
 * length); rindex() starts at the end (or at a start clamped to it) and
 * with a negative start finds only "" (at 0).  A match must lie wholly in
 * the string, except "" which matches at any position scanned.
 */
static bool search(const struct call *c, uint64_t s, uint64_t t, bool has_start,
    int64_t start, bool backward, int64_t *pos)
{
	uint64_t ls, lt;
	int64_t from, to, step, len;
	bool hit;

	*pos = -1;
	if (!slen(c, s, &ls) || !slen(c, t, &lt))
		return false;
	len = (int64_t)ls;
	if (ls == 0 && lt == 0) {
		*pos = 0;
		return true;
	}
	from = backward ? len : 0;
	if (has_start && backward) {
		if (start < 0) {
			*pos = lt == 0 ? 0 : -1;
			return true;
		}
		from = start > len ? len : start;
	} else if (has_start) {
		from = start < 0 ? 0 : start;
		if (from >= len) {
			*pos = lt == 0 ? len : -1;
			return true;
		}
	}
	to = backward ? -1 : len;
	step = backward ? -1 : 1;
	for (int64_t i = from; i != to; i += step) {
		if ((uint64_t)i + lt > ls)
			continue;
		if (!match_at(c, s, (uint64_t)i, t, lt, &hit))
			return false;
		if (hit) {
			*pos = i;
			return true;
		}
	}
	return true;
}

static bool s_case(const struct call *c, bool upper, uint64_t *out)
{
	uint64_t s = arg(c, 0), l, d;
	uint8_t b;

	if (!slen(c, s, &l) || (d = strbuf(c)) == 0)
		return false;
	for (uint64_t i = 0; i < l; i++) {
		if (!byte_at(c, s + i, &b))
			return false;
		if (upper && b >= 'a' && b <= 'z')
			b = (uint8_t)(b - 'a' + 'A');
		else if (!upper && b >= 'A' && b <= 'Z')
			b = (uint8_t)(b - 'A' + 'a');
		if (!put_byte(c, d + i, b))
			return false;
	}
	*out = d;
	return put_byte(c, d + l, 0);
}

/* Write the bytes tmp[0..n) as a new string. */
static bool emit_local(const struct call *c, const char *tmp, uint64_t n,
    uint64_t *out)
{
	uint64_t d = strbuf(c);

	if (d == 0)
		return false;
	if (n > c->ms->dms_strsize)
		n = c->ms->dms_strsize;
	for (uint64_t i = 0; i < n; i++)
		if (!put_byte(c, d + i, (uint8_t)tmp[i]))
			return false;
	*out = d;
	return put_byte(c, d + n, 0);
}

/* lltostr(v [, base]): base 10 is signed, other bases print the bits. */
static bool s_lltostr(const struct call *c, uint64_t *out)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	uint64_t base = nargs(c) > 1 ? arg(c, 1) : 10, v = arg(c, 0);
	char tmp[72];
	int n = 0, i = 72;
	bool neg = base == 10 && (int64_t)v < 0;

	if (base < 2 || base > 36) {
		illop(c, DVM_REASON_SUBR_BASE);
		return false;
	}
	if (neg)
		v = 0 - v;
	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (base == 8 && arg(c, 0) != 0)	/* as DTrace: octal "0", hex "0x" */
		tmp[--i] = '0';
	if (base == 16) {
		tmp[--i] = 'x';
		tmp[--i] = '0';
	}
	if (neg)
		tmp[--i] = '-';
	n = 72 - i;
	return emit_local(c, tmp + i, (uint64_t)n, out);
}

static int digit_value(uint8_t b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'z')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'Z')
		return b - 'A' + 10;
	return 99;
}

/* strtoll(s [, base]): optional space, sign, 0x for base 16; stops at junk. */
static bool s_strtoll(const struct call *c, uint64_t *out)
{
	uint64_t s = arg(c, 0), base = nargs(c) > 1 ? arg(c, 1) : 10, l, i = 0, v = 0;
	uint8_t b = 0;
	bool neg = false;

	if (base < 2 || base > 36) {
		illop(c, DVM_REASON_SUBR_BASE);
		return false;
	}
	if (!slen(c, s, &l))
		return false;
	while (i < l && byte_at(c, s + i, &b) && (b == ' ' || b == '\t'))
		i++;
	if (c->ms->dms_faulted)
		return false;
	if (i < l && (b == '-' || b == '+')) {
		neg = b == '-';
		i++;
	}
	if (base == 16 && i + 1 < l) {
		uint8_t x, y;

		if (!byte_at(c, s + i, &x) || !byte_at(c, s + i + 1, &y))
			return false;
		if (x == '0' && (y == 'x' || y == 'X'))
			i += 2;
	}
	for (; i < l; i++) {
		int d;

		if (!byte_at(c, s + i, &b))
			return false;
		if ((d = digit_value(b)) >= (int)base)
			break;
		v = v * base + (uint64_t)d;
	}
	*out = neg ? 0 - v : v;
	return true;
}

/* basename / dirname as the shell utilities define them. */
static bool s_path(const struct call *c, bool dir, uint64_t *out)
{
	uint64_t s = arg(c, 0), l;
	int64_t end, start;
	uint8_t b;
	char tmp[2];

	if (!slen(c, s, &l))
		return false;
	end = (int64_t)l - 1;
	/* Strip trailing slashes. */
	while (end > 0 && byte_at(c, s + (uint64_t)end, &b) && b == '/')
		end--;
	if (c->ms->dms_faulted)
		return false;
	if (l == 0) {
		tmp[0] = '.';
		return emit_local(c, tmp, 1, out);
	}
	if (end == 0 && byte_at(c, s, &b) && b == '/') {
		tmp[0] = '/';
		return emit_local(c, tmp, 1, out);
	}
	if (c->ms->dms_faulted)
		return false;
	start = end;
	while (start >= 0 && byte_at(c, s + (uint64_t)start, &b) && b != '/')
		start--;
	if (c->ms->dms_faulted)
		return false;
	if (!dir)	/* basename: (start, end] */
		return (*out = new_string(c, s + (uint64_t)(start + 1),
		    (uint64_t)(end - start))) != 0;
	if (start < 0) {
		tmp[0] = '.';
		return emit_local(c, tmp, 1, out);
	}
	/* dirname: strip the slashes before the last component. */
	while (start > 0 && byte_at(c, s + (uint64_t)start, &b) && b == '/')
		start--;
	if (c->ms->dms_faulted)
		return false;
	return (*out = new_string(c, s, (uint64_t)start + 1)) != 0;
}


/* Byte at s + i of a string of length l (0 past the end). */
static bool peek(const struct call *c, uint64_t s, uint64_t l, uint64_t i, uint8_t *b)
{
	if (i >= l) {
		*b = 0;
		return true;
	}
	return byte_at(c, s + i, b);
}

/*
 * cleanpath(s): "//" becomes "/", "/./" is dropped, "/x/../" goes back to
 * before x; everything else is copied.
 */
static bool s_cleanpath(const struct call *c, uint64_t *out)
{
	uint64_t s = arg(c, 0), l, d, i = 0, j = 0;
	uint8_t ch, n1, n2, n3;

	if (!slen(c, s, &l) || (d = strbuf(c)) == 0)
		return false;
	while (i < l) {
		if (!peek(c, s, l, i, &ch) || !peek(c, s, l, i + 1, &n1) ||
		    !peek(c, s, l, i + 2, &n2) || !peek(c, s, l, i + 3, &n3))
			return false;
		if (ch == '/' && n1 == '/') {
			i++;
			continue;
		}
		if (ch == '/' && n1 == '.' && n2 == '/') {	/* a final "/." stays */
			i += 2;
			continue;
		}
		if (ch == '/' && n1 == '.' && n2 == '.' && (n3 == '/' || n3 == 0)) {
			i += 3;
			while (j > 0) {	/* back to the previous '/' */
				uint8_t b;

				if (!byte_at(c, d + --j, &b))
					return false;
				if (b == '/')
					break;
			}
			continue;
		}
		if (!put_byte(c, d + j++, ch))
			return false;
		i++;
	}
	*out = d;
	return put_byte(c, d + j, 0);
}

static bool is_delim(const struct call *c, uint64_t delims, uint64_t ld,
    uint8_t ch, bool *hit)
{
	uint8_t b;

	*hit = false;
	for (uint64_t k = 0; k < ld; k++) {
		if (!byte_at(c, delims + k, &b))
			return false;
		if (b == ch) {
			*hit = true;
			break;
		}
	}
	return true;
}

/*
 * strtok(s, delims): s NULL continues where the previous call of this
 * clause stopped (ms->dms_strtok, 0 = no more tokens).
 */
static bool s_strtok(const struct call *c, uint64_t *out)
{
	uint64_t s = arg(c, 0) != 0 ? arg(c, 0) : c->ms->dms_strtok;
	uint64_t delims = arg(c, 1), l, ld, i = 0, start, d;
	uint8_t ch = 0;
	bool hit = true;

	*out = 0;
	if (s == 0)
		return true;
	if (!slen(c, s, &l) || !slen(c, delims, &ld))
		return false;
	while (i < l && hit) {	/* skip leading delimiters */
		if (!byte_at(c, s + i, &ch) || !is_delim(c, delims, ld, ch, &hit))
			return false;
		if (hit)
			i++;
	}
	if (i >= l) {
		c->ms->dms_strtok = 0;
		return true;
	}
	start = i;
	for (hit = false; i < l; i++) {
		if (!byte_at(c, s + i, &ch) || !is_delim(c, delims, ld, ch, &hit))
			return false;
		if (hit)
			break;
	}
	if ((d = new_string(c, s + start, i - start)) == 0)
		return false;
	c->ms->dms_strtok = i < l ? s + i + 1 : 0;
	*out = d;
	return true;
}


/* memstr(addr, sep, len): len bytes (at most strsize) with NULs as sep. */
static bool s_memstr(const struct call *c, uint64_t *out)
{
	uint64_t src = arg(c, 0), n = arg(c, 2), d;
	uint8_t sep = (uint8_t)arg(c, 1), b;

	if (n > c->ms->dms_strsize)
		n = c->ms->dms_strsize;
	if ((d = strbuf(c)) == 0)
		return false;
	for (uint64_t i = 0; i < n; i++) {
		if (!byte_at(c, src + i, &b) || !put_byte(c, d + i, b == 0 ? sep : b))
			return false;
	}
	*out = d;
	return put_byte(c, d + n, 0);
}

/* memref(addr, len): a scratch pair {addr, len} for printm. */
static bool s_memref(const struct call *c, uint64_t *out)
{
	uint64_t p = c->ms->dms_plat->dp_scratch(c->ms->dms_ctx, 16);

	if (p == 0) {
		dvm_fault(c->ms, c->pc, DIF_FAULT_NOSCRATCH, 16, DVM_REASON_NONE);
		return false;
	}
	if (!dvm_store(c->ms, c->pc, p, 8, arg(c, 0)) ||
	    !dvm_store(c->ms, c->pc, p + 8, 8, arg(c, 1)))
		return false;
	*out = p;
	return true;
}


/*
 * json(text, selector): the value at a path like "a.b[2].c" in a JSON
 * document of at most strsize bytes.  Strings come back without quotes
 * (escapes \" \\ \/ \b \f \n \r \t decoded, \uXXXX kept as written),
 * numbers, true, false and null as written, objects and arrays as their
 * JSON text.  A path that does not exist, or malformed JSON, gives NULL.
 * The scanner is iterative (a depth counter), so nesting cannot overflow
 * a stack.
 */
struct jdoc {
	const struct call	*c;
	uint64_t		s, len;
};

static int jch(const struct jdoc *j, uint64_t i)	/* -1 fault, 0 at end */
{
	uint8_t b;

	if (i >= j->len)
		return 0;
	return byte_at(j->c, j->s + i, &b) ? b : -1;
}

static uint64_t jws(const struct jdoc *j, uint64_t i)
{
	int ch;

	while ((ch = jch(j, i)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
		i++;
	return i;
}

/* End of the string starting at the quote i (index after the closing quote). */
static bool jstr_end(const struct jdoc *j, uint64_t i, uint64_t *end)
{
	int ch;

	for (i++;; i++) {
		if ((ch = jch(j, i)) <= 0)
			return false;
		if (ch == '\\')
			i++;
		else if (ch == '"')
			break;
	}
	*end = i + 1;
	return true;
}

/* Skip one value at i; *end = first index after it. */
static bool jskip(const struct jdoc *j, uint64_t i, uint64_t *end)
{
	uint64_t depth = 0;
	int ch;

	i = jws(j, i);
	do {
		if ((ch = jch(j, i)) <= 0)
			return false;
		if (ch == '"') {
			if (!jstr_end(j, i, &i))
				return false;
			continue;
		}
		if (ch == '{' || ch == '[')
			depth++;
		else if (ch == '}' || ch == ']') {
			if (depth == 0)
				return false;
			depth--;
		} else if (depth == 0 && (ch == ',' || ch == ':'))
			return false;
		i++;
		if (depth == 0 && ch != '}' && ch != ']') {	/* a scalar */
			while ((ch = jch(j, i)) > 0 && ch != ',' && ch != '}' &&
			    ch != ']' && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
				i++;
			if (ch < 0)
				return false;
		}
	} while (depth > 0);
	*end = i;
	return true;
}

/* Does the key string at quote i equal sel[a, b)? */
static bool jkey_is(const struct jdoc *j, const struct jdoc *sel, uint64_t i,
    uint64_t a, uint64_t b, bool *eq)
{
	uint64_t end;

	*eq = false;
	if (!jstr_end(j, i, &end))
		return false;
	if (end - i - 2 != b - a)
		return true;
	for (uint64_t k = 0; k < b - a; k++) {
		int x = jch(j, i + 1 + k), y = jch(sel, a + k);

		if (x < 0 || y < 0)
			return false;
		if (x != y)
			return true;
	}
	*eq = true;
	return true;
}

/* Move from the object at *pos to the value of key sel[a, b). */
static bool jmember(const struct jdoc *j, const struct jdoc *sel, uint64_t *pos,
    uint64_t a, uint64_t b)
{
	uint64_t i = jws(j, *pos);
	bool eq;

	if (jch(j, i) != '{')
		return false;
	for (i = jws(j, i + 1); jch(j, i) == '"';) {
		if (!jkey_is(j, sel, i, a, b, &eq) || !jstr_end(j, i, &i))
			return false;
		i = jws(j, i);
		if (jch(j, i) != ':')
			return false;
		if (eq) {
			*pos = jws(j, i + 1);
			return true;
		}
		if (!jskip(j, i + 1, &i))
			return false;
		i = jws(j, i);
		if (jch(j, i) != ',')
			return false;
		i = jws(j, i + 1);
	}
	return false;
}

static bool jelement(const struct jdoc *j, uint64_t *pos, uint64_t n)
{
	uint64_t i = jws(j, *pos);

	if (jch(j, i) != '[')
		return false;
	i = jws(j, i + 1);
	for (uint64_t k = 0;; k++) {
		if (jch(j, i) == ']' || jch(j, i) <= 0)
			return false;
		if (k == n) {
			*pos = i;
			return true;
		}
		if (!jskip(j, i, &i))
			return false;
		i = jws(j, i);
		if (jch(j, i) != ',')
			return false;
		i = jws(j, i + 1);
	}
}

/* Copy the value at pos out as the result string. */
static bool jresult(const struct jdoc *j, uint64_t pos, uint64_t *out)
{
	uint64_t end, d, n = 0;
	int ch;

	if (!jskip(j, pos, &end))
		return false;
	ch = jch(j, pos);
	/* A number or literal is complete only once something follows it
	 * (a document cut at strsize ends inside it: NULL, as DTrace). */
	if (ch != '"' && ch != '{' && ch != '[' && jch(j, end) == 0)
		return false;
	if ((d = strbuf(j->c)) == 0)
		return false;
	if (jch(j, pos) != '"') {
		for (uint64_t i = pos; i < end; i++)
			if ((ch = jch(j, i)) < 0 || !put_byte(j->c, d + n++, (uint8_t)ch))
				return false;
	} else {
		for (uint64_t i = pos + 1; i + 1 < end; i++) {
			if ((ch = jch(j, i)) < 0)
				return false;
			if (ch == '\\') {
				int e = jch(j, ++i);
				const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";

				ch = '\\';
				for (int k = 0; from[k]; k++)
					if (e == from[k])
						ch = to[k];
				if (ch == '\\' && e != '\\')
					i--;	/* \uXXXX and unknown escapes stay as written */
			}
			if (!put_byte(j->c, d + n++, (uint8_t)ch))
				return false;
		}
	}
	*out = d;
	return put_byte(j->c, d + n, 0);
}

static bool s_json(const struct call *c, uint64_t *out)
{
	struct jdoc j = { c, arg(c, 0), 0 }, sel = { c, arg(c, 1), 0 };
	uint64_t pos = 0, i = 0;

	*out = 0;
	if (j.s == 0 || sel.s == 0)
		return true;
	if (!slen(c, j.s, &j.len) || !slen(c, sel.s, &sel.len))
		return false;
	while (i < sel.len) {
		int ch = jch(&sel, i);
		uint64_t a = i, n = 0;

		if (ch < 0)
			return false;
		if (ch == '[') {
			for (i++; (ch = jch(&sel, i)) >= '0' && ch <= '9'; i++)
				n = n * 10 + (uint64_t)(ch - '0');
			if (ch != ']' || i == a + 1)
				return !c->ms->dms_faulted;
			i++;
			if (!jelement(&j, &pos, n))
				return !c->ms->dms_faulted;
		} else {
			if (ch == '.')
				a = ++i;
			while ((ch = jch(&sel, i)) > 0 && ch != '.' && ch != '[')
				i++;
			if (ch < 0 || !jmember(&j, &sel, &pos, a, i))
				return !c->ms->dms_faulted;
		}
	}
	if (!jresult(&j, pos, out)) {
		*out = 0;
		return !c->ms->dms_faulted;
	}
	return true;
}

/* ---- Addresses ------------------------------------------------------------- */

static int fmt_dec(char *p, unsigned v)
{
	char t[4];
	int n = 0, k = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		p[k++] = t[--n];
	return k;
}

static bool inet4(const struct call *c, uint64_t a, uint64_t *out)
{
	char tmp[16];
	int n = 0;
	uint8_t b;

	for (int i = 0; i < 4; i++) {
		if (!byte_at(c, a + (uint64_t)i, &b))
			return false;
		n += fmt_dec(tmp + n, b);
		if (i < 3)
			tmp[n++] = '.';
	}
	return emit_local(c, tmp, (uint64_t)n, out);
}

/*
 * IPv6 text: the longest run (>= 2) of zero groups becomes "::", hex groups
 * without leading zeros, and ::ffff:a.b.c.d for mapped IPv4.
 */
static bool inet6(const struct call *c, uint64_t a, uint64_t *out)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t g[8];
	int best = -1, bestlen = 0, n = 0;
	char tmp[48];
	uint8_t hi, lo;

	for (int i = 0; i < 8; i++) {
		if (!byte_at(c, a + 2u * (unsigned)i, &hi) ||
		    !byte_at(c, a + 2u * (unsigned)i + 1, &lo))
			return false;
		g[i] = (uint16_t)(hi << 8 | lo);
	}
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j == i ? i + 1 : j;
	}
	bool mapped = best == 0 && bestlen == 5 && g[5] == 0xffff;

	for (int i = 0; i < (mapped ? 6 : 8); i++) {
		if (i == best) {
			tmp[n++] = ':';
			if (i == 0)
				tmp[n++] = ':';
			i += bestlen - 1;
			continue;
		}
		bool lead = false;

		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (g[i] >> sh) & 0xf;

			if (d != 0 || lead || sh == 0) {
				tmp[n++] = hex[d];
				lead = true;
			}
		}
		if (i < 7)
			tmp[n++] = ':';
	}
	if (mapped) {
		for (int i = 12; i < 16; i++) {
			if (!byte_at(c, a + (uint64_t)i, &hi))
				return false;
			n += fmt_dec(tmp + n, hi);
			if (i < 15)
				tmp[n++] = '.';
		}
	}
	return emit_local(c, tmp, (uint64_t)n, out);
}

/* ---- Memory ---------------------------------------------------------------- */

static uint64_t scratch(const struct call *c, uint64_t n)
{
	uint64_t p = c->ms->dms_plat->dp_scratch(c->ms->dms_ctx, n);

	if (p == 0)
		dvm_fault(c->ms, c->pc, DIF_FAULT_NOSCRATCH, n, DVM_REASON_NONE);
	return p;
}

/* Copy n bytes from src (in space) to dst (must be storable). */
static bool copy(const struct call *c, enum dvm_space space, uint64_t src,
    uint64_t dst, uint64_t n)
{
	uint64_t v;

	for (uint64_t i = 0; i < n; i++) {
		if (!dvm_load(c->dp, c->ms, c->pc, space, src + i, 1, &v) ||
		    !put_byte(c, dst + i, (uint8_t)v))
			return false;
	}
	return true;
}

static bool s_copyinstr(const struct call *c, uint64_t *out)
{
	uint64_t max = c->ms->dms_strsize, d, v, i;

	if (nargs(c) > 1 && arg(c, 1) < max)
		max = arg(c, 1);
	if ((d = strbuf(c)) == 0)
		return false;
	for (i = 0; i < max; i++) {
		if (!dvm_load(c->dp, c->ms, c->pc, DVM_SPACE_USER, arg(c, 0) + i, 1, &v) ||
		    !put_byte(c, d + i, (uint8_t)v))
			return false;
		if (v == 0)
			break;
	}
	*out = d;
	return i < max || put_byte(c, d + max, 0);
}

static uint64_t rand_next(struct dvm_mstate *ms)
{
	uint64_t s1 = ms->dms_rand[0], s0 = ms->dms_rand[1];

	ms->dms_rand[0] = s0;
	s1 ^= s1 << 23;
	ms->dms_rand[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return ms->dms_rand[1] + s0;
}

static uint64_t bswap(uint64_t v, unsigned size)
{
	uint64_t r = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	(void)size;
	return v;
#endif
	for (unsigned i = 0; i < size; i++)
		r |= ((v >> (8 * i)) & 0xff) << (8 * (size - 1 - i));
	return r;
}

/* ---- Dispatch -------------------------------------------------------------- */

static bool strings(const struct call *c, uint64_t *r)
{
	int64_t pos;

	switch (c->subr) {
	case DIF_SUBR_STRLEN:	return slen(c, arg(c, 0), r);
	case DIF_SUBR_STRJOIN:	return s_strjoin(c, r);
	case DIF_SUBR_SUBSTR:	return s_substr(c, r);
	case DIF_SUBR_STRCHR:	return s_strchr(c, false, r);
	case DIF_SUBR_STRRCHR:	return s_strchr(c, true, r);
	case DIF_SUBR_TOUPPER:	return s_case(c, true, r);
	case DIF_SUBR_TOLOWER:	return s_case(c, false, r);
	case DIF_SUBR_LLTOSTR:	return s_lltostr(c, r);
	case DIF_SUBR_STRTOLL:	return s_strtoll(c, r);
	case DIF_SUBR_BASENAME:	return s_path(c, false, r);
	case DIF_SUBR_DIRNAME:	return s_path(c, true, r);
	case DIF_SUBR_STRSTR:
		if (!search(c, arg(c, 0), arg(c, 1), false, 0, false, &pos))
			return false;
		*r = pos < 0 ? 0 : arg(c, 0) + (uint64_t)pos;
		return true;
	case DIF_SUBR_INDEX:
		if (!search(c, arg(c, 0), arg(c, 1), nargs(c) > 2,
		    nargs(c) > 2 ? (int64_t)arg(c, 2) : 0, false, &pos))
			return false;
		*r = (uint64_t)pos;
		return true;
	default:	/* rindex */
		if (!search(c, arg(c, 0), arg(c, 1), nargs(c) > 2,
		    nargs(c) > 2 ? (int64_t)arg(c, 2) : 0, true, &pos))
			return false;
		*r = (uint64_t)pos;
		return true;
	}
}

/* A subroutine only the machine can answer, through dp_subr. */
static bool machine_subr(const struct call *c, uint64_t *r)
{
	uint64_t args[DIF_DTR_NREGS];
	unsigned n = nargs(c);
	int f;

	if (c->ms->dms_plat->dp_subr == NULL) {
		illop(c, DVM_REASON_KERNEL_SUBR);
		return false;
	}
	for (unsigned i = 0; i < n && i < DIF_DTR_NREGS; i++)
		args[i] = arg(c, i);
	f = c->ms->dms_plat->dp_subr(c->ms->dms_ctx, c->subr, args, n, r);
	if (f == DIF_FAULT_ILLOP) {
		illop(c, DVM_REASON_KERNEL_SUBR);
		return false;
	}
	if (f != 0) {
		dvm_fault(c->ms, c->pc, (enum dif_fault)f, c->subr, DVM_REASON_NONE);
		return false;
	}
	return true;
}

static bool is_string_subr(uint32_t s)
{
	switch (s) {
	case DIF_SUBR_STRLEN: case DIF_SUBR_STRJOIN: case DIF_SUBR_SUBSTR:
	case DIF_SUBR_STRCHR: case DIF_SUBR_STRRCHR: case DIF_SUBR_TOUPPER:
	case DIF_SUBR_TOLOWER: case DIF_SUBR_LLTOSTR: case DIF_SUBR_STRTOLL:
	case DIF_SUBR_BASENAME: case DIF_SUBR_DIRNAME: case DIF_SUBR_STRSTR:
	case DIF_SUBR_INDEX: case DIF_SUBR_RINDEX:
		return true;
	default:
		return false;
	}
}

/* Minimum argument counts; calls with fewer fault SUBR_ARGS. */
static unsigned min_args(uint32_t s)
{
	switch (s) {
	case DIF_SUBR_RAND: case DIF_SUBR_SPECULATION:
		return 0;
	case DIF_SUBR_STRJOIN: case DIF_SUBR_SUBSTR: case DIF_SUBR_STRCHR:
	case DIF_SUBR_STRRCHR: case DIF_SUBR_STRSTR: case DIF_SUBR_INDEX:
	case DIF_SUBR_RINDEX: case DIF_SUBR_COPYIN: case DIF_SUBR_INET_NTOP:
	case DIF_SUBR_STRTOK: case DIF_SUBR_MEMREF: case DIF_SUBR_JSON:
		return 2;
	case DIF_SUBR_PHYSMEM_READ:
		return 2;
	case DIF_SUBR_BCOPY: case DIF_SUBR_COPYINTO: case DIF_SUBR_MEMSTR:
	case DIF_SUBR_PHYSMEM_WRITE:
		return 3;
	default:
		return 1;
	}
}

static bool dispatch(const struct call *c, uint64_t *r)
{
	uint64_t p;

	if (is_string_subr(c->subr))
		return strings(c, r);
	switch (c->subr) {
	case DIF_SUBR_RAND:
		*r = rand_next(c->ms) & 0xffffffffu;	/* an int */
		return true;
	case DIF_SUBR_SPECULATION:
		*r = c->ms->dms_plat->dp_speculation == NULL ? 0 :
		    c->ms->dms_plat->dp_speculation(c->ms->dms_ctx);
		return true;
	case DIF_SUBR_HTONS: case DIF_SUBR_NTOHS:
		*r = bswap(arg(c, 0), 2);
		return true;
	case DIF_SUBR_HTONL: case DIF_SUBR_NTOHL:
		*r = bswap(arg(c, 0), 4);
		return true;
	case DIF_SUBR_HTONLL: case DIF_SUBR_NTOHLL:
		*r = bswap(arg(c, 0), 8);
		return true;
	case DIF_SUBR_ALLOCA:
		return (*r = scratch(c, arg(c, 0))) != 0;
	case DIF_SUBR_BCOPY:
		*r = 0;
		return copy(c, DVM_SPACE_CHECKED, arg(c, 0), arg(c, 1), arg(c, 2));
	case DIF_SUBR_COPYIN:
		if ((p = scratch(c, arg(c, 1))) == 0)
			return false;
		*r = p;
		return copy(c, DVM_SPACE_USER, arg(c, 0), p, arg(c, 1));
	case DIF_SUBR_COPYINTO:
		*r = 0;
		return copy(c, DVM_SPACE_USER, arg(c, 0), arg(c, 2), arg(c, 1));
	case DIF_SUBR_COPYINSTR:
		return s_copyinstr(c, r);
	case DIF_SUBR_INET_NTOA:
		return inet4(c, arg(c, 0), r);
	case DIF_SUBR_INET_NTOA6:
		return inet6(c, arg(c, 0), r);
	case DIF_SUBR_INET_NTOP:
		if (arg(c, 0) == 2)
			return inet4(c, arg(c, 1), r);
		if (arg(c, 0) == 10 || arg(c, 0) == 28)	/* Linux, FreeBSD */
			return inet6(c, arg(c, 1), r);
		illop(c, DVM_REASON_SUBR_AF);
		return false;
	case DIF_SUBR_COPYOUT: case DIF_SUBR_COPYOUTSTR:
		illop(c, DVM_REASON_DESTRUCTIVE);
		return false;
	case DIF_SUBR_CLEANPATH:
		return s_cleanpath(c, r);
	case DIF_SUBR_STRTOK:
		return s_strtok(c, r);
	case DIF_SUBR_MEMSTR:
		return s_memstr(c, r);
	case DIF_SUBR_MEMREF:
		return s_memref(c, r);
	case DIF_SUBR_JSON:
		return s_json(c, r);
	case DIF_SUBR_MTONS:	/* mach time is nanoseconds here */
		*r = arg(c, 0);
		return true;
	default:	/* locks, STREAMS, devices, getf, progenyof, kvtophys */
		return machine_subr(c, r);
	}
}

void dvm_subr_call(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, dif_instr_t in)
{
	struct call c = { dp, ms, pc, DIF_INSTR_SUBR(in) };
	uint64_t r = 0;

	if (ms->dms_vars == NULL) {
		dvm_fault(ms, pc, DIF_FAULT_ILLOP, c.subr, DVM_REASON_SUBROUTINE);
		return;
	}
	if (c.subr > DIF_SUBR_MAX) {
		illop(&c, DVM_REASON_BAD_OPERAND);
		return;
	}
	if (nargs(&c) < min_args(c.subr)) {
		illop(&c, DVM_REASON_SUBR_ARGS);
		return;
	}
	if (dispatch(&c, &r))
		dvm_put(ms, DIF_INSTR_RD(in), r);
}
