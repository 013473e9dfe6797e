/*
 * fuzz_dobj.c — fuzz entry point for the object reader (linker/obj).
 *
 * The bytes are read with the ident check off (a fuzzer cannot forge a
 * SHA-256, and every structural check runs before it anyway).  When the
 * reader accepts, the object is written again: that must succeed, give
 * the input bytes back (the reader only accepts canonical encodings; the
 * ident field aside), and read back with the ident check on.
 */
#include <stdlib.h>
#include <string.h>

#include "ht/dobj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes equal apart from the ident field, wherever it is. */
static int same_but_ident(const uint8_t *a, const uint8_t *b, size_t n, const uint8_t *ident)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] == b[i])
			continue;
		if (i + DOBJ_IDENT_LEN <= n && memcmp(b + i, ident, DOBJ_IDENT_LEN) == 0) {
			i += DOBJ_IDENT_LEN - 1;
			continue;
		}
		return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dobj *obj = NULL, *again = NULL;
	struct dobj_err err;
	void *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;

	if (dobj__read_mem_flags(data, size, DOBJ_READ_NO_IDENT, &obj, &err) != 0)
		return 0;
	if (dobj__write_mem(obj, &buf, &len) != 0)
		abort();
	if (len != size || !same_but_ident(data, buf, len, obj->ident))
		abort();
	if (dobj__read_mem(buf, len, &again, &err) != 0)
		abort();
	if (dobj__write_mem(again, &buf2, &len2) != 0 || len2 != len ||
	    memcmp(buf, buf2, len) != 0)
		abort();
	free(buf);
	free(buf2);
	dobj__free(obj);
	dobj__free(again);
	return 0;
}
