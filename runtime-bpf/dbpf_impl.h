/*
 * dbpf_impl.h — what dbpf_xlate.c and dbpf_load.c share: the translated
 * program's layout and the placeholder the loader replaces with the state
 * map's fd.
 */
#ifndef DBPF_IMPL_H
#define DBPF_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* imm of every ld_imm64 BPF_PSEUDO_MAP_FD naming the state map. */
#define DBPF_MAP_PLACEHOLDER	0x7fffffff

struct dbpf_prog {
	struct bpf_insn	*dp_insn;
	int64_t		*dp_pcmap;	/* per BPF insn: DIF pc or -1 */
	size_t		dp_len;
	int		dp_ctx;		/* enum dbpf_ctx */
};

#endif /* DBPF_IMPL_H */
