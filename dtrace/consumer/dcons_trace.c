/*
 * dcons_trace.c — the default output of records: probe header, trace(),
 * tracemem(), stacks and symbol records.
 *
 * Theory.  Without -q each firing prints "CPU ID FUNCTION:NAME" columns and
 * then each record, and ends the line; with -q only the records print, and
 * with no padding.  Integers print by record size (8 and 4 bytes signed, 2
 * and 1 unsigned, as DTrace reads them).  A byte array prints as a string
 * when its bytes are printable up to a NUL (not the first byte) and only
 * NULs follow; otherwise (or with rawbytes, or for tracemem) as a 16-column
 * hex dump.  Stacks print one frame per line, indented by
 * stackindent.  Read next: dcons_agg.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcons_impl.h"

int dcons_print__header(const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	if (ctx->opts.quiet)
		return 0;
	return dcons_buf__printf(out, "%3s %6s %32s\n", "CPU", "ID",
		"FUNCTION:NAME");
}

int dcons_print__probe(const struct dcons_ctx *ctx, int cpu, uint32_t id,
	const char *func, const char *name, struct dcons_buf *out)
{
	char *fn;
	int rc;

	if (ctx->opts.quiet)
		return 0;
	if (asprintf(&fn, "%s:%s", func ? func : "", name ? name : "") < 0)
		return -ENOMEM;
	rc = dcons_buf__printf(out, "%3d %6u %32s ", cpu, id, fn);
	free(fn);
	return rc;
}

int dcons_print__probe_end(const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	return ctx->opts.quiet ? 0 : dcons_buf__append(out, "\n", 1);
}

int dcons_print__exit(const struct dcons_ctx *ctx, struct dcons_buf *out)
{
	return dcons_buf__append(out, "\n", 1);
}

/* The 16-column dump: header of hex digits, then offset: bytes  chars. */
static int hexdump(const unsigned char *c, size_t n, struct dcons_buf *out)
{
	const int margin = 5;
	int rc = dcons_buf__printf(out, "\n%*s      ", margin, "");

	for (int i = 0; rc == 0 && i < 16; i++)
		rc = dcons_buf__printf(out, "  %c", "0123456789abcdef"[i]);
	if (rc == 0)
		rc = dcons_buf__printf(out, "  0123456789abcdef\n");
	for (size_t i = 0; rc == 0 && i < n; i += 16) {
		size_t j;

		rc = dcons_buf__printf(out, "%*s%5zx:", margin, "", i);
		for (j = i; rc == 0 && j < i + 16 && j < n; j++)
			rc = dcons_buf__printf(out, " %02x", c[j]);
		for (; rc == 0 && j % 16 != 0; j++)
			rc = dcons_buf__append(out, "   ", 3);
		if (rc == 0)
			rc = dcons_buf__append(out, "  ", 2);
		for (j = i; rc == 0 && j < i + 16 && j < n; j++) {
			char ch = (c[j] < ' ' || c[j] > '~') ? '.' : (char)c[j];

			rc = dcons_buf__append(out, &ch, 1);
		}
		if (rc == 0)
			rc = dcons_buf__append(out, "\n", 1);
	}
	return rc;
}

/* Printable for DTrace: isprint, isspace, and the two terminal controls \b \a. */
static bool printable(unsigned char c)
{
	return isprint(c) || isspace(c) || c == '\b' || c == '\a';
}

/* A NUL-terminated copy of n bytes printed through fmt with width. */
static int print_copy(const char *fmt, int width, const char *s, size_t n,
	struct dcons_buf *out)
{
	char *t = malloc(n + 1);
	int rc;

	if (t == NULL)
		return -ENOMEM;
	memcpy(t, s, n);
	t[n] = '\0';
	rc = dcons_buf__printf(out, fmt, width, t);
	free(t);
	return rc;
}

/*
 * Text is printable bytes ending in a NUL (not the first byte) followed only
 * by NULs: "%s" when quiet, else " " + (" " if left-justified) + "%*s".
 * Printable bytes without any NUL print "  %-*s" (quiet or not).  Anything
 * else is hex-dumped.
 */
int dcons_print_bytes(const struct dcons_ctx *ctx, const void *data, size_t n,
	int width, bool quiet, bool forceraw, struct dcons_buf *out)
{
	const unsigned char *c = data;
	size_t i;

	if (n == 0)
		return 0;
	if (forceraw || ctx->opts.rawbytes)
		return hexdump(c, n, out);
	for (i = 0; i < n && printable(c[i]); i++)
		continue;
	if (i == n)
		return print_copy("  %-*s", width, data, n, out);
	if (c[i] != '\0' || i == 0)
		return hexdump(c, n, out);
	for (size_t j = i + 1; j < n; j++)
		if (c[j] != '\0')
			return hexdump(c, n, out);
	if (quiet)
		return dcons_buf__append(out, data, i);
	return print_copy(width < 0 ? "  %*s" : " %*s", width, data, i, out);
}

int dcons_print_stack(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	const char *spec, struct dcons_buf *out)
{
	bool user = r->action != DIF_ACT_STACK;
	const unsigned char *p = r->data;
	size_t nwords = r->size / 8, i = 0;
	uint64_t pid = 0;
	int rc = dcons_buf__append(out, "\n", 1);

	if (user && nwords > 0) {
		memcpy(&pid, p, 8);
		i = 1;
	}
	for (; rc == 0 && i < nwords; i++) {
		char s[512];
		uint64_t pc;

		memcpy(&pc, p + 8 * i, 8);
		if (pc == 0)
			break;
		dcons_addr2str(ctx, user ? (uint32_t)pid : 0, pc, s, sizeof(s));
		rc = dcons_buf__printf(out, "%*s", (int)ctx->opts.stackindent, "");
		if (rc == 0)
			rc = dcons_buf__printf(out, spec, s);
		if (rc == 0)
			rc = dcons_buf__append(out, "\n", 1);
	}
	return rc;
}

/* sym/mod/usym/umod/uaddr: "  %-50s" of the symbolic form. */
static int print_symrec(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	struct dcons_sym sym;
	uint64_t pid = 0, addr;
	char s[512];
	bool found;

	if (r->size != 8 && r->size != 16)
		return -EINVAL;
	if (r->size == 16)
		memcpy(&pid, r->data, 8);
	memcpy(&addr, (const char *)r->data + r->size - 8, 8);
	memset(&sym, 0, sizeof(sym));
	found = ctx->lookup != NULL &&
		ctx->lookup(ctx->cookie, (uint32_t)pid, addr, &sym) == 0;
	sym.mod[sizeof(sym.mod) - 1] = '\0';
	sym.func[sizeof(sym.func) - 1] = '\0';
	if (!found)
		snprintf(s, sizeof(s), "0x%llx", (unsigned long long)addr);
	else if (r->action == DIF_ACT_MOD || r->action == DIF_ACT_UMOD)
		snprintf(s, sizeof(s), "%s", sym.mod);
	else if (r->action == DIF_ACT_UADDR)
		dcons_addr2str(ctx, (uint32_t)pid, addr, s, sizeof(s));
	else if (sym.func[0] == '\0')
		snprintf(s, sizeof(s), "%s`0x%llx", sym.mod, (unsigned long long)addr);
	else
		snprintf(s, sizeof(s), "%s`%s", sym.mod, sym.func);
	return dcons_buf__printf(out, "  %-50s", s);
}

int dcons_print__action(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	switch (r->action) {
	case DIF_ACT_STACK:
	case DIF_ACT_USTACK:
	case DIF_ACT_JSTACK:
		return dcons_print_stack(ctx, r, "%s", out);
	case DIF_ACT_SYM:
	case DIF_ACT_MOD:
	case DIF_ACT_USYM:
	case DIF_ACT_UMOD:
	case DIF_ACT_UADDR:
		return print_symrec(ctx, r, out);
	default:
		return dcons_print__trace(ctx, r, out);
	}
}

int dcons_print__trace(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	bool q = ctx->opts.quiet;
	uint64_t v;

	if (r->action != DIF_ACT_DIFEXPR && r->action != DIF_ACT_NONE)
		return dcons_print__action(ctx, r, out);
	if (r->size != 0 && r->data == NULL)
		return -EINVAL;
	if (r->flags & DCONS_REC_STRING)
		return dcons_print_bytes(ctx, r->data, r->size, -33, q, false, out);
	switch (r->size) {
	case 8:
		dcons_read_int(r, true, &v);
		return dcons_buf__printf(out, q ? "%lld" : " %16lld", (long long)v);
	case 4:
		dcons_read_int(r, true, &v);
		return dcons_buf__printf(out, q ? "%d" : " %8d", (int)v);
	case 2:
		dcons_read_int(r, false, &v);
		return dcons_buf__printf(out, q ? "%d" : " %5d", (int)v);
	case 1:
		dcons_read_int(r, false, &v);
		return dcons_buf__printf(out, q ? "%d" : " %3d", (int)v);
	default:
		return dcons_print_bytes(ctx, r->data, r->size, -33, q, false, out);
	}
}

int dcons_print__tracemem(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out)
{
	if (r->size != 0 && r->data == NULL)
		return -EINVAL;
	return dcons_print_bytes(ctx, r->data, r->size, -33, ctx->opts.quiet, true,
		out);
}
