/*
 * fuzz_dfront.c -- fuzz entry point for the D front end: the input bytes are
 * compiled as a program string (dtc -n semantics) with errtags on and two
 * macro arguments, diagnostics discarded.  Any crash, hang or sanitizer
 * report is a bug; compile errors are the expected outcome for most inputs.
 */
#include <stddef.h>
#include <stdint.h>

#include "dc.h"

static void quiet_sink(void *ctx, const struct dc_diag *d)
{
	(void)ctx;
	(void)d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const xo[] = { "errtags" };
	static const char *const args[] = { "42", "foo" };
	struct dc_source src = { .name = "<command line>", .text = (const char *)data,
				 .len = size };
	struct dc_options o = { .xopts = xo, .nxopts = 1, .macro_args = args,
				.nmacro_args = 2, .sink = quiet_sink, .max_errors = 50 };
	struct dc_program *p = dc_compile(&src, 1, &o);

	dc_program__free(p);
	return 0;
}
