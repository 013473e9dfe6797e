/*
 * fuzz_dasm.c — fuzz entry for the DIF assembler and disassembler.
 *
 * Property: any text either fails to assemble with diagnostics, or it
 * assembles; then its disassembly must assemble again to an equal object
 * whose disassembly is the same text, and whose ELF bytes are the same.
 * A violation aborts (a finding); a crash or sanitizer report is one too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dasm_sink sink = { .flags = DASM_F_INVALID_OK };
	struct dobj *a = NULL, *b = NULL;
	char *t1 = NULL, *t2 = NULL;
	size_t n1 = 0, n2 = 0;
	void *e1 = NULL, *e2 = NULL;
	size_t l1 = 0, l2 = 0;

	if (dasm__assemble((const char *)data, size, "fuzz.s", &a, &sink) != 0)
		return 0;
	if ((t1 = dasm__disassemble_str(a, &n1)) == NULL)
		abort();
	if (dasm__assemble(t1, n1, "fuzz-dis.s", &b, &sink) != 0)
		abort();
	if (!dasm__equal(a, b))
		abort();
	if ((t2 = dasm__disassemble_str(b, &n2)) == NULL || n1 != n2 || memcmp(t1, t2, n1) != 0)
		abort();
	if (dobj__write_mem(a, &e1, &l1) != 0 || dobj__write_mem(b, &e2, &l2) != 0 ||
	    l1 != l2 || memcmp(e1, e2, l1) != 0)
		abort();
	free(e1);
	free(e2);
	free(t1);
	free(t2);
	dobj__free(a);
	dobj__free(b);
	return 0;
}
