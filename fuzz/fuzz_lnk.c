/*
 * fuzz_lnk.c — fuzz the link path: the input bytes are one relocatable
 * object (read with the ident check off, so mutations get past the hash),
 * linked against a small fixed typefile built once from DIF-independent
 * BTF (assembled below with libbpf).  Every output must pass dobj__check
 * and re-read cleanly; the linker itself re-validates each DIFO.
 */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lnk.h"
#include "typ_typefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * struct proc { int p_flag; int p_pid; unsigned int p_bits:3; int p_neg:5; char p_comm[20]; };
 * struct thread { void *td_lock; struct proc *td_proc; long td_tid; };
 */
static struct typ_file *fixed_typefile(void)
{
	struct btf *b = btf__new_empty();
	struct typ_file *tf = NULL;

	if (b == NULL)
		return NULL;
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int lng = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	int arr = btf__add_array(b, u32, chr, 20);
	int proc = btf__add_struct(b, "proc", 32);
	btf__add_field(b, "p_flag", i32, 0, 0);
	btf__add_field(b, "p_pid", i32, 32, 0);
	btf__add_field(b, "p_bits", u32, 64, 3);
	btf__add_field(b, "p_neg", i32, 67, 5);
	btf__add_field(b, "p_comm", arr, 96, 0);
	int pproc = btf__add_ptr(b, proc);
	int pvoid = btf__add_ptr(b, 0);
	btf__add_struct(b, "thread", 24);
	btf__add_field(b, "td_lock", pvoid, 0, 0);
	btf__add_field(b, "td_proc", pproc, 64, 0);
	btf__add_field(b, "td_tid", lng, 128, 0);
	(void)i32;
	uint32_t sz;
	const void *raw = btf__raw_data(b, &sz);
	if (raw != NULL)
		typ_file__open_mem(raw, sz, "fuzz.btf", &tf, NULL);
	btf__free(b);
	return tf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct typ_file *tf;
	struct dobj *in = NULL, *out = NULL;
	struct dobj_err err;

	if (tf == NULL && (tf = fixed_typefile()) == NULL)
		abort();
	if (dobj__read_mem_flags(data, size, DOBJ_READ_NO_IDENT, &in, &err) != 0)
		return 0;
	/* an empty symbol source: symbol roots fail to bind, never read /proc */
	struct lnk_opts o = { LNK_RESOLVE_HOSTNAME, "fuzzhost", "Fuzz-1.0", LNK_F_TYPE_WARN,
		"/dev/null" };
	struct lnk_diag diag = { NULL, NULL, 0, 0 };
	const char *name = "fuzz.o";
	if (lnk_link__objects(&in, &name, 1, tf, &o, &diag, &out) == 0) {
		void *buf;
		size_t len;
		struct dobj *again = NULL;
		if (dobj__check(out, &err) != 0)
			abort();
		if (dobj__write_mem(out, &buf, &len) == 0) {
			if (dobj__read_mem(buf, len, &again, &err) != 0)
				abort();
			dobj__free(again);
			free(buf);
		}
		dobj__free(out);
	} else if (diag.nerrors == 0) {
		abort();	/* a failure must say why (unless out of memory) */
	}
	dobj__free(in);
	return 0;
}
