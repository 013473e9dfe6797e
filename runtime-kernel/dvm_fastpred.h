/*
 * dvm_fastpred.h — predicates evaluated without the DIF emulator.
 *
 * Most predicates are a few built-in or global scalars compared with
 * constants, joined by && and ||: loads, setx, cmp/tst, mov, sub and
 * forward branches.  dvm_fastpred__prepare() checks, once per ECB, that a
 * predicate DIFO uses only those instructions in forms that cannot fault,
 * and pre-decodes it (constants resolved, global slots resolved to arena
 * offsets).  dvm_fastpred_eval() then runs that form with the same register,
 * condition-code and branch semantics as dvm_emul.c, minus the emulator's
 * per-run state reset and generic dispatch.  Anything else — or a built-in
 * the host refuses — goes back to the emulator, which then produces the
 * same result or fault it always did.  Freestanding: no libc, no allocation.
 * tests/runtime/check_fastpred.c runs both paths side by side.
 */
#ifndef DVM_FASTPRED_H
#define DVM_FASTPRED_H

#include <stdbool.h>
#include <stdint.h>

#include "dif/dif.h"
#include "dvm_var.h"

#define DVM_FASTPRED_MAXLEN	64	/* DIF instructions; longer: emulator */
#define DVM_FASTPRED_NODES	48	/* decision nodes */
#define DVM_FASTPRED_SLOTS	8	/* loads on one path */

enum dvm_fastkind {
	DVM_FN_LOAD_BUILTIN,	/* slot = built-in k; then next */
	DVM_FN_LOAD_GLOBAL,	/* slot = 8 bytes at arena + k; then next */
	DVM_FN_CMP,		/* flags of cmp slot, k (or k, slot) -> child */
	DVM_FN_TST,		/* flags of tst slot -> child */
	DVM_FN_RETK,		/* result k */
	DVM_FN_RETSLOT		/* result slot */
};

/*
 * One decision node.  Comparison nodes pick a child by the condition codes
 * the emulator would set, indexed n | z << 1 | c << 2 (V is always clear).
 */
struct dvm_fastnode {
	uint8_t		kind;		/* enum dvm_fastkind */
	uint8_t		slot;
	uint8_t		swapped;	/* cmp k, slot rather than cmp slot, k */
	uint8_t		next[8];	/* LOAD: next[0]; CMP/TST: by flags */
	uint64_t	k;
};

enum { DVM_FASTPRED_UNKNOWN, DVM_FASTPRED_ON, DVM_FASTPRED_OFF };

/*
 * The commonest tree, one load compared with a constant and constant
 * results, flattened: load, then res[flags].
 */
struct dvm_fastone {
	uint8_t		on;
	uint8_t		kind;		/* DVM_FN_LOAD_BUILTIN or _GLOBAL */
	uint8_t		test;		/* DVM_FN_CMP or DVM_FN_TST */
	uint8_t		swapped;
	uint64_t	src;		/* built-in id or arena offset */
	uint64_t	k;
	uint64_t	res[8];
};

struct dvm_fastpred {
	uint8_t			state;	/* DVM_FASTPRED_*; zero: not yet looked at */
	uint8_t			root;
	uint8_t			nnodes;
	struct dvm_fastone	one;
	struct dvm_fastnode	node[DVM_FASTPRED_NODES];
};

/* Decide and build; sets fp->state to ON or OFF.  vs may be NULL. */
void dvm_fastpred__prepare(struct dvm_fastpred *fp, const struct dif_difo *dp,
    const struct dvm_vstate *vs);

typedef int (*dvm_fastpred_builtin_fn)(void *ctx, uint32_t id, uint64_t ndx,
    uint64_t *val);

/*
 * Evaluate a prepared (ON) predicate.  Returns true with *out set exactly as
 * dvm_difo__emulate would set dms_result; false when the emulator must run
 * instead (the host refused a built-in: the emulator then faults the same
 * way).  Inline so that the engine's built-in callback is a direct call.
 */
/* The general tree (dvm_fastpred.c); dvm_fastpred_eval's slow half. */
bool dvm_fastpred__eval_tree(const struct dvm_fastpred *fp,
    const uint8_t *arena, dvm_fastpred_builtin_fn builtin, void *ctx,
    uint64_t *out);

static inline bool dvm_fastpred_eval(const struct dvm_fastpred *fp,
    const uint8_t *arena, dvm_fastpred_builtin_fn builtin, void *ctx,
    uint64_t *out)
{
	if (fp->one.on) {
		const struct dvm_fastone *o = &fp->one;
		uint64_t a, b;
		unsigned ix;

		if (o->kind == DVM_FN_LOAD_GLOBAL)
			__builtin_memcpy(&a, arena + o->src, 8);
		else if (builtin(ctx, (uint32_t)o->src, 0, &a) != 0)
			return false;
		if (o->test == DVM_FN_TST) {
			ix = (unsigned)(a == 0) << 1;
		} else {
			b = o->k;
			if (o->swapped) {
				b = a;
				a = o->k;
			}
			ix = (unsigned)((int64_t)(a - b) < 0) | (unsigned)(a == b) << 1 |
			    (unsigned)(a < b) << 2;
		}
		*out = o->res[ix];
		return true;
	}
	return dvm_fastpred__eval_tree(fp, arena, builtin, ctx, out);
}

#endif
