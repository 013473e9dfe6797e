/*
 * fuzz_dctypes_name.c -- fuzz entry point for the type-name parser of the
 * D type system (dc_typesys__parse), which reads untrusted text: type
 * names in object symbol tables, xlate<T> targets, casts in strings.
 *
 * Each input is parsed as one type name; when it parses, the type is
 * printed, the printed name parsed again (it must parse and print the same
 * text), and the size, alignment and classification queries are run on it
 * so the sanitizers see every path a parsed type can reach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dc_types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise(struct dc_typesys *ts, const struct dc_type *t)
{
	uint64_t sz;
	struct dc_terr err;
	struct dc_operand op = { t, false };

	(void)dc_type__sizeof(ts, t, &sz, &err);
	(void)dc_type__alignof(ts, t);
	(void)dc_type__is_byref(t);
	(void)dc_type__is_string_compat(t);
	(void)dc_type__assignable(t, &op);
	(void)dc_type__cast_check(t, t, &err);
	(void)dc_type__arith_conv(ts, t, t);
	(void)dc_type__ptr_scale(ts, t, &sz, &err);
	(void)dc_type__deref(ts, t, &err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_typesys *ts = dc_typesys__new(NULL);
	struct dc_terr err;
	const struct dc_type *t;

	if (ts == NULL)
		return 0;
	t = dc_typesys__parse(ts, (const char *)data, size, &err);
	if (t != NULL) {
		size_t n = dc_type__name(t, NULL, 0);
		char *a = malloc(n + 1), *b = malloc(n + 1);

		if (a != NULL && b != NULL) {
			dc_type__name(t, a, n + 1);
			exercise(ts, t);
			const struct dc_type *u = dc_typesys__parse(ts, a, n, &err);

			/* Symbolic members print in a non-D notation. */
			if (u != NULL) {
				size_t m = dc_type__name(u, NULL, 0);

				if (m != n)
					abort();
				dc_type__name(u, b, n + 1);
				if (memcmp(a, b, n) != 0)
					abort();
			}
		}
		free(a);
		free(b);
	}
	dc_typesys__free(ts);
	return 0;
}
