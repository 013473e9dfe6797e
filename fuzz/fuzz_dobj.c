/*
 * fuzz_dobj.c — fuzz entry point for the object reader (linker/obj).
 *
 * The bytes are read with the ident check off (a fuzzer cannot forge a
 * SHA-256, and every structural check runs before it anyway).  When the
 * reader accepts, the object is written again: that must succeed, give
 * the input bytes back (the reader only accepts canonical encodings; the
 * ident field aside, and the version word of an older format version,
 * which the writer restamps), and read back with the ident check on.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ht/dobj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The format version word: .ht.header follows the 64-byte ELF header. */
#define VERSION_AT	(64 + 8)

/*
 * Bytes equal apart from the ident field and the version word: `b` is the
 * writer's output, so its ident field holds `ident`; everything else must
 * match `a`.
 */
static int same_but_ident(const uint8_t *a, const uint8_t *b, size_t n, const uint8_t *ident)
{
	const uint8_t *at = n >= DOBJ_IDENT_LEN ? memmem(b, n, ident, DOBJ_IDENT_LEN) : NULL;
	size_t k = at != NULL ? (size_t)(at - b) : n;

	if (at == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((i >= k && i < k + DOBJ_IDENT_LEN) || (i >= VERSION_AT && i < VERSION_AT + 4))
			continue;
		if (a[i] != b[i])
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
