/*
 * bench_dobj.c — how fast objects are written and read (not a test: no
 * timing is asserted).  Builds a relocatable program of N clauses, each
 * with a 64-instruction DIFO holding constants, strings, variables, line
 * entries and two relocations, then times dobj__write_mem and
 * dobj__read_mem (which includes every check and the SHA-256).
 *
 *   bench_dobj [N]      default N = 20000
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ht/dobj.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_clause(struct dobj *obj, uint32_t i)
{
	dif_instr_t text[64];
	uint64_t ints[8];
	static const char strs[] = "\0name\0value";
	struct dif_var var = { 1, DIF_VAR_OTHER_UBASE + i % 100, DIFV_KIND_SCALAR,
	    DIFV_SCOPE_GLOBAL, DIFV_F_REF, { DIF_TYPE_CTF, DIF_CTF_K_INTEGER, 0, 0, 8 } };
	struct dobj_line lines[4];
	struct dif_reloc rel[2] = {
		{ 10, DIF_RELOC_MEMBER_OFFSET, 0, dobj__intern(obj, "struct thread"),
		  dobj__intern(obj, "td_proc") },
		{ 20, DIF_RELOC_LOAD, 0, dobj__intern(obj, "struct proc"),
		  dobj__intern(obj, "p_pid") },
	};
	char fn[32];
	int p = dobj__add_probe(obj), d = dobj__add_difo(obj), a = dobj__add_action(obj);
	int c = dobj__add_clause(obj);

	if (p < 0 || d < 0 || a < 0 || c < 0)
		return -1;
	for (int j = 0; j < 64; j++)
		text[j] = DIF_INSTR_FMT(DIF_OP_ADD, 1, 2, 3);
	text[10] = DIF_INSTR_IMM16(DIF_OP_USETX, 0, 2);
	text[20] = DIF_INSTR_FMT(DIF_OP_ULOAD, 1, 0, 1);
	text[63] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1);
	for (int j = 0; j < 8; j++)
		ints[j] = (uint64_t)i * 8 + (uint64_t)j;
	for (uint32_t j = 0; j < 4; j++)
		lines[j] = (struct dobj_line){ j * 16, { dobj__intern(obj, "bench.d"), i + 1, j + 1 } };
	snprintf(fn, sizeof(fn), "func_%u", i);
	obj->probes[p].provider = dobj__intern(obj, "fbt");
	obj->probes[p].function = dobj__intern(obj, fn);
	obj->probes[p].name = dobj__intern(obj, "entry");
	if (dobj_difo__set_text(&obj->difos[d], text, 64) ||
	    dobj_difo__set_inttab(&obj->difos[d], ints, 8) ||
	    dobj_difo__set_strtab(&obj->difos[d], strs, sizeof(strs)) ||
	    dobj_difo__set_vartab(&obj->difos[d], &var, 1) ||
	    dobj_difo__set_lines(&obj->difos[d], lines, 4) ||
	    dobj_difo__set_reltab(&obj->difos[d], rel, 2))
		return -1;
	obj->actions[a] = (struct dobj_action){ DIF_ACT_DIFEXPR, 0, 0, 0, d, -1, 0, { 0, 0, 0 } };
	obj->clauses[c] = (struct dobj_clause){ (uint32_t)p, 1, -1, (uint32_t)a, 1, { 0, 0, 0 } };
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 20000;
	struct dobj *obj = dobj__new(DOBJ_RELOCATABLE), *back = NULL;
	struct dobj_err err;
	void *buf;
	size_t len;
	double t0, t1, t2;

	if (obj == NULL || n == 0)
		return 2;
	for (uint32_t i = 0; i < n; i++)
		if (add_clause(obj, i) != 0)
			return 1;
	t0 = now();
	if (dobj__write_mem(obj, &buf, &len) != 0)
		return 1;
	t1 = now();
	if (dobj__read_mem(buf, len, &back, &err) != 0) {
		fprintf(stderr, "read: %s @%llu: %s\n", err.section,
		    (unsigned long long)err.offset, err.msg);
		return 1;
	}
	t2 = now();
	printf("%u clauses, %zu bytes (%.1f bytes/clause)\n", n, len, (double)len / n);
	printf("write: %.1f ms (%.1f MB/s)\n", (t1 - t0) * 1e3, len / (t1 - t0) / 1e6);
	printf("read:  %.1f ms (%.1f MB/s)\n", (t2 - t1) * 1e3, len / (t2 - t1) / 1e6);
	free(buf);
	dobj__free(obj);
	dobj__free(back);
	return 0;
}
