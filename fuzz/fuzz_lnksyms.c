/*
 * fuzz_lnksyms.c — fuzz dld's kernel symbol source parser (lnk_bind.c):
 * the input bytes are a symbol file (kallsyms, nm or nm -S lines, or
 * anything else).  Parsing must never crash or overflow; every lookup
 * answers found, not found, or ambiguous, and a found symbol's address is
 * the same when looked up again.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lnk_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"real_ncpus", "kfile", "dup", "ext4`modvar", "vmlinux`real_ncpus", "", "`", "a`",
	};
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;

	if (size && f == NULL)
		return 0;
	struct lnk_syms *s = lnk_syms_read(f, "fuzz");
	if (f != NULL)
		fclose(f);
	if (s == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t a = 0, z = 0, a2 = 0, z2 = 0;
		int rc = lnk_syms_lookup(s, names[i], &a, &z);
		if (rc != 0 && rc != -ENOENT && rc != -EEXIST && size != 0)
			abort();
		if (rc == 0 && (lnk_syms_lookup(s, names[i], &a2, &z2) != 0 || a2 != a || z2 != z))
			abort();
	}
	lnk_syms_free(s);
	return 0;
}
