/*
 * fuzz_typefile.c — typefile reader fuzz entry point.
 *
 * The input is opened as a typefile from memory: the reader sniffs raw BTF
 * or ELF itself, so one entry covers both paths (seeds hold both kinds).
 * When it opens, a few queries run over it: every type's size, alignment,
 * load kind and spelling, member paths and C-name lookups of the names the
 * tests use, a suggestion, and a minimisation of the first types.  Errors
 * are expected; crashes, hangs and sanitizer reports are the bugs.
 */
#include <stdint.h>
#include <stdlib.h>

#include "typ_typefile.h"

static void query_types(struct typ_file *tf)
{
	uint32_t n = typ_file__type_count(tf);
	char buf[256];
	struct typ_load load;

	for (typ_id_t id = 0; id < n && id < 4096; id++) {
		typ_file__size(tf, id);
		typ_file__align(tf, id);
		typ_file__load_kind(tf, id, &load);
		typ_file__to_string(tf, id, buf, sizeof(buf));
	}
}

static void query_names(struct typ_file *tf)
{
	static const char *const names[] = {
		"struct thread", "struct task_struct", "unsigned long", "pid_t",
		"struct proc *", "char [16]", "const char *const", "int [2][3]",
	};
	static const char *const paths[] = { "td_proc", "td_name[3]", "comm", "a.b.c" };
	struct typ_err err;
	struct typ_access acc;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int64_t id = typ_file__lookup(tf, names[i], &err);
		if (id < 0)
			continue;
		for (size_t j = 0; j < sizeof(paths) / sizeof(paths[0]); j++)
			typ_file__member_path(tf, (typ_id_t)id, paths[j], &acc, &err);
		typ_file__near_member(tf, (typ_id_t)id, "td_nmae");
	}
	typ_file__near_name(tf, TYP_NS_STRUCT, "thred");
}

static void minimise(struct typ_file *tf)
{
	typ_id_t ids[8];
	size_t n = 0;
	void *data;
	size_t size;
	struct typ_err err;

	for (typ_id_t id = 1; id < typ_file__type_count(tf) && n < 8; id++)
		ids[n++] = id;
	if (typ_file__min_btf(tf, ids, n, NULL, &data, &size, &err) == 0)
		free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct typ_file *tf;
	struct typ_err err;

	if (typ_file__open_mem(data, size, "fuzz", &tf, &err) != 0)
		return 0;
	query_types(tf);
	query_names(tf);
	minimise(tf);
	typ_file__free(tf);
	return 0;
}
