/*
 * fuzz_dcons_printf.c — fuzz entry point for libdcons's format parser and
 * formatter (formats come from program objects: untrusted bytes).
 *
 * Input: byte 0 selects printf (even) or printa (odd) parsing; the rest is
 * the format.  A format that parses is then run over synthetic records of
 * every kind the conversions want, so the formatter sees whatever shapes
 * the parser accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dcons_rec rec_for(enum dcons_want w, const void *storage)
{
	struct dcons_rec r = { DIF_ACT_DIFEXPR, DCONS_REC_SIGNED, 8, storage, 0 };

	switch (w) {
	case DCONS_WANT_STRING:
		r.flags = DCONS_REC_STRING;
		r.size = 16;
		break;
	case DCONS_WANT_WSTRING:
		r.flags = DCONS_REC_WIDE;
		r.size = 16;
		break;
	case DCONS_WANT_FLOAT:
		r.flags = DCONS_REC_FLOAT;
		break;
	case DCONS_WANT_STACK:
		r.action = DIF_ACT_STACK;
		r.size = 16;
		break;
	case DCONS_WANT_IPADDR:
		r.flags = DCONS_REC_STRING;
		r.size = 16;
		break;
	case DCONS_WANT_WIDTH:
		r.size = 4;
		break;
	default:
		break;
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char storage[32] = "fuzz\0\0\0\0\0\0\0\0\0\0\0\0"
		"\x10\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
	struct dcons_rec args[64];
	struct dcons_fmt *f;
	struct dcons_ctx ctx;
	struct dcons_buf out;
	bool printa;

	if (size == 0)
		return 0;
	printa = data[0] & 1;
	f = dcons_fmt__parse((const char *)data + 1, size - 1, printa, NULL);
	if (f == NULL)
		return 0;
	dcons_ctx__init(&ctx);
	dcons_buf__init(&out);
	if (!printa && f->nargs <= 64) {
		for (uint32_t i = 0; i < f->nargs; i++) {
			enum dcons_want w;
			uint32_t sz;

			if (dcons_fmt__arg_want(f, i, &w, &sz) < 0)
				abort();
			args[i] = rec_for(w, storage);
			if (sz != 0 && w == DCONS_WANT_INT)
				args[i].size = sz;
		}
		(void)dcons_fmt__format(f, args, f->nargs, &ctx, &out);
	}
	dcons_buf__free(&out);
	dcons_fmt__free(f);
	return 0;
}
