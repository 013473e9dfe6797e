/*
 * dcons_impl.h — internals shared by the files of libdcons (not installed).
 */
#ifndef DCONS_IMPL_H
#define DCONS_IMPL_H

#include "dcons.h"

/* An aggregation value as %@ sees it. */
struct dcons_aggval {
	uint16_t	func;		/* DIF_ACT_COUNT .. */
	uint64_t	arg;		/* lquantize/llquantize encoding */
	const int64_t	*words;		/* value words (quantizations: buckets only) */
	uint32_t	nwords;
	uint64_t	normal;
};

int dcons_format_ex(const struct dcons_fmt *f, const struct dcons_rec *args,
	size_t nargs, const struct dcons_aggval *aggs, size_t naggs,
	const struct dcons_ctx *ctx, struct dcons_buf *out);

/* A record whose bytes are just a value (trace, printf arguments). */
bool dcons_action_is_plain(uint16_t action);

/* Integer value of a 1/2/4/8-byte record, sign-extended when is_signed. */
int dcons_read_int(const struct dcons_rec *r, bool is_signed, uint64_t *v);

/* Symbolic form of an address: mod`func+0xoff, mod`func, mod`0x.., 0x.. */
void dcons_addr2str(const struct dcons_ctx *ctx, uint32_t pid, uint64_t addr,
	char *buf, size_t len);

/* Stack frames; fmt is "%s"-like spec used for each frame. */
int dcons_print_stack(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	const char *spec, struct dcons_buf *out);

/* Escape one byte the way %C and %S print it; returns length written. */
size_t dcons_escape_char(unsigned char c, char out[5]);

/* One aggregation value in the default layout (" %16lld", histograms...). */
int dcons_print_aggval(const struct dcons_ctx *ctx, const struct dcons_aggval *v,
	struct dcons_buf *out);
/* One key member in the default layout (" %8d", "  %-50s", stacks ...). */
int dcons_print_key(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out);

/* trace()-style bytes: string if printable, else hex dump. */
int dcons_print_bytes(const struct dcons_ctx *ctx, const void *data, size_t n,
	int width, bool quiet, bool forceraw, struct dcons_buf *out);

#endif /* DCONS_IMPL_H */
