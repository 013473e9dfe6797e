/*
 * dvm_fastpred.c — decide which predicates skip the emulator (enable time).
 *
 * Theory.  A predicate qualifies when every instruction is one whose
 * emulator semantics cannot fault given what is known before the first
 * firing: ldgs of a built-in (the host may still refuse it at run time; the
 * evaluator then hands the firing back to the emulator) or of a declared
 * by-value global scalar; setx with an index inside the integer table; mov,
 * sub, cmp, tst; a branch whose target lies strictly ahead; nop; ret.
 * Registers are masked as the emulator masks them.  Everything else (loads
 * through pointers, strings, thread-locals, subroutines, by-reference
 * globals, backward branches) stays with the emulator.  The decoded form
 * lives inside the ECB; nothing is allocated.  The evaluator is in
 * dvm_fastpred.h; the differential test is tests/runtime/check_fastpred.c.
 */
#include "dvm_fastpred.h"

#define REG(x)		((x) & (DIF_DIR_NREGS - 1))
#define STEP_BUDGET	4096	/* instructions walked over all paths */

/* What a register holds while the DIFO is walked: a constant or a load. */
struct sym {
	bool		loaded;
	uint8_t		slot;
	uint64_t	c;
};

struct flags {
	bool		n, z, c;
};

struct builder {
	struct dvm_fastpred		*fp;
	const struct dif_difo		*dp;
	const struct dvm_vstate		*vs;
	uint32_t			steps;
};

static bool is_branch(uint8_t op)
{
	switch (op) {
	case DIF_OP_BA: case DIF_OP_BE: case DIF_OP_BNE: case DIF_OP_BG:
	case DIF_OP_BGU: case DIF_OP_BGE: case DIF_OP_BGEU: case DIF_OP_BL:
	case DIF_OP_BLU: case DIF_OP_BLE: case DIF_OP_BLEU:
		return true;
	default:
		return false;
	}
}

/* As dvm_emul.c decides a branch; V is never set by cmp or tst. */
static bool taken(struct flags f, uint8_t op)
{
	switch (op) {
	case DIF_OP_BA:		return true;
	case DIF_OP_BE:		return f.z;
	case DIF_OP_BNE:	return !f.z;
	case DIF_OP_BG:		return !(f.z | f.n);
	case DIF_OP_BGU:	return !(f.c | f.z);
	case DIF_OP_BGE:	return !f.n;
	case DIF_OP_BGEU:	return !f.c;
	case DIF_OP_BL:		return f.n;
	case DIF_OP_BLU:	return f.c;
	case DIF_OP_BLE:	return f.z | f.n;
	default:		return f.c | f.z;	/* bleu */
	}
}

static struct flags compare(uint64_t a, uint64_t b)
{
	struct flags f = { (int64_t)(a - b) < 0, a == b, a < b };

	return f;
}

/* A global scalar's arena offset, if it is declared and held by value. */
static bool global_offset(const struct dvm_vstate *vs, uint32_t id,
    uint64_t *off)
{
	uint32_t ix = id - DIF_VAR_OTHER_UBASE;
	const struct dvm_vslot *s;

	if (ix >= vs->dvs_nglobal || vs->dvs_global == 0 || vs->dvs_static == 0)
		return false;
	s = &vs->dvs_global[ix];
	if (!s->dvv_used || s->dvv_byref)
		return false;
	*off = s->dvv_off;
	return true;
}

static bool same_node(const struct dvm_fastnode *x, const struct dvm_fastnode *y)
{
	if (x->kind != y->kind || x->slot != y->slot || x->swapped != y->swapped ||
	    x->k != y->k)
		return false;
	for (int i = 0; i < 8; i++)
		if (x->next[i] != y->next[i])
			return false;
	return true;
}

/* The index of a node equal to *n, appended if new; -1 when full. */
static int intern(struct builder *b, const struct dvm_fastnode *n)
{
	struct dvm_fastpred *fp = b->fp;

	for (int i = 0; i < fp->nnodes; i++)
		if (same_node(&fp->node[i], n))
			return i;
	if (fp->nnodes >= DVM_FASTPRED_NODES)
		return -1;
	fp->node[fp->nnodes] = *n;
	return fp->nnodes++;
}

static int walk(struct builder *b, uint32_t pc, struct sym *r, struct flags f,
    uint8_t nslots);

/* Fork on the condition codes of a comparison of a load with a constant. */
static int fork_flags(struct builder *b, uint32_t pc, const struct sym *r,
    struct dvm_fastnode *n, uint8_t nslots)
{
	bool tst = n->kind == DVM_FN_TST;
	int first = -1;

	for (unsigned ix = 0; ix < 8; ix++) {
		struct flags f = { ix & 1, (ix >> 1) & 1, (ix >> 2) & 1 };
		struct sym copy[DIF_DIR_NREGS];
		int child;

		if ((f.z && (f.n || f.c)) || (tst && (f.n || f.c)))
			continue;	/* cannot happen */
		for (int i = 0; i < DIF_DIR_NREGS; i++)
			copy[i] = r[i];
		child = walk(b, pc + 1, copy, f, nslots);
		if (child < 0)
			return -1;
		if (first < 0) {
			first = child;
			for (int i = 0; i < 8; i++)
				n->next[i] = (uint8_t)child;
		}
		n->next[ix] = (uint8_t)child;
	}
	for (int i = 0; i < 8; i++)
		if (n->next[i] != first)
			return intern(b, n);
	return first;		/* every outcome leads to the same place */
}

/* Walk the DIFO from pc with registers r and flags f; the node to run. */
static int walk(struct builder *b, uint32_t pc, struct sym *r, struct flags f,
    uint8_t nslots)
{
	const struct dif_difo *dp = b->dp;

	for (;;) {
		struct dvm_fastnode n = { 0 };
		dif_instr_t in;
		uint8_t op;
		struct sym x, y;
		int child;

		if (pc >= dp->dtdo_len || ++b->steps > STEP_BUDGET)
			return -1;
		in = dp->dtdo_buf[pc];
		op = (uint8_t)DIF_INSTR_OP(in);
		x = r[REG(DIF_INSTR_R1(in))];
		y = r[REG(DIF_INSTR_R2(in))];
		if (is_branch(op)) {
			if (DIF_INSTR_LABEL(in) <= pc)
				return -1;	/* the emulator faults */
			pc = taken(f, op) ? DIF_INSTR_LABEL(in) : pc + 1;
			continue;
		}
		switch (op) {
		case DIF_OP_NOP:
			break;
		case DIF_OP_SETX:
			if (dp->dtdo_inttab == 0 || DIF_INSTR_INTEGER(in) >= dp->dtdo_intlen)
				return -1;
			r[REG(DIF_INSTR_RD(in))] = (struct sym){ false, 0,
			    dp->dtdo_inttab[DIF_INSTR_INTEGER(in)] };
			break;
		case DIF_OP_MOV:
			r[REG(DIF_INSTR_RD(in))] = x;
			break;
		case DIF_OP_SUB:
			if (x.loaded || y.loaded)
				return -1;
			r[REG(DIF_INSTR_RD(in))] = (struct sym){ false, 0, x.c - y.c };
			break;
		case DIF_OP_CMP:
			if (!x.loaded && !y.loaded) {
				f = compare(x.c, y.c);
				break;
			}
			if (x.loaded && y.loaded)
				return -1;
			n.kind = DVM_FN_CMP;
			n.swapped = y.loaded;
			n.slot = x.loaded ? x.slot : y.slot;
			n.k = x.loaded ? y.c : x.c;
			return fork_flags(b, pc, r, &n, nslots);
		case DIF_OP_TST:
			if (!x.loaded) {
				f = (struct flags){ false, x.c == 0, false };
				break;
			}
			n.kind = DVM_FN_TST;
			n.slot = x.slot;
			return fork_flags(b, pc, r, &n, nslots);
		case DIF_OP_RET:
			x = r[REG(DIF_INSTR_RD(in))];
			n.kind = x.loaded ? DVM_FN_RETSLOT : DVM_FN_RETK;
			n.slot = x.slot;
			n.k = x.c;
			return intern(b, &n);
		case DIF_OP_LDGS:
			if (nslots >= DVM_FASTPRED_SLOTS)
				return -1;
			if (DIF_INSTR_VAR(in) < DIF_VAR_OTHER_UBASE) {
				n.kind = DVM_FN_LOAD_BUILTIN;
				n.k = DIF_INSTR_VAR(in);
			} else {
				n.kind = DVM_FN_LOAD_GLOBAL;
				if (!global_offset(b->vs, DIF_INSTR_VAR(in), &n.k))
					return -1;
			}
			n.slot = nslots;
			r[REG(DIF_INSTR_RD(in))] = (struct sym){ true, nslots, 0 };
			r[0] = (struct sym){ false, 0, 0 };
			child = walk(b, pc + 1, r, f, nslots + 1);
			if (child < 0)
				return -1;
			n.next[0] = (uint8_t)child;
			return intern(b, &n);	/* a load always runs: it may fault */
		default:
			return -1;
		}
		r[0] = (struct sym){ false, 0, 0 };	/* %r0 stays 0 */
		pc++;
	}
}

bool dvm_fastpred__eval_tree(const struct dvm_fastpred *fp,
    const uint8_t *arena, dvm_fastpred_builtin_fn builtin, void *ctx,
    uint64_t *out)
{
	uint64_t s[DVM_FASTPRED_SLOTS];
	const struct dvm_fastnode *nd = &fp->node[fp->root];

	for (;;) {
		uint64_t a, b;
		unsigned ix;

		switch (nd->kind) {
		case DVM_FN_LOAD_BUILTIN:
			if (builtin(ctx, (uint32_t)nd->k, 0, &s[nd->slot]) != 0)
				return false;
			nd = &fp->node[nd->next[0]];
			break;
		case DVM_FN_LOAD_GLOBAL:
			__builtin_memcpy(&s[nd->slot], arena + nd->k, 8);
			nd = &fp->node[nd->next[0]];
			break;
		case DVM_FN_CMP:
			a = nd->swapped ? nd->k : s[nd->slot];
			b = nd->swapped ? s[nd->slot] : nd->k;
			ix = (unsigned)((int64_t)(a - b) < 0) | (unsigned)(a == b) << 1 |
			    (unsigned)(a < b) << 2;
			nd = &fp->node[nd->next[ix]];
			break;
		case DVM_FN_TST:
			nd = &fp->node[nd->next[(unsigned)(s[nd->slot] == 0) << 1]];
			break;
		case DVM_FN_RETK:
			*out = nd->k;
			return true;
		default:
			*out = s[nd->slot];
			return true;
		}
	}
}

/* Fill fp->one when the tree is load, one test of it, constant results. */
static void flatten(struct dvm_fastpred *fp)
{
	const struct dvm_fastnode *ld = &fp->node[fp->root], *t;
	struct dvm_fastone *o = &fp->one;

	o->on = 0;
	if (ld->kind != DVM_FN_LOAD_BUILTIN && ld->kind != DVM_FN_LOAD_GLOBAL)
		return;
	t = &fp->node[ld->next[0]];
	if ((t->kind != DVM_FN_CMP && t->kind != DVM_FN_TST) || t->slot != ld->slot)
		return;
	for (int i = 0; i < 8; i++) {
		if (fp->node[t->next[i]].kind != DVM_FN_RETK)
			return;
		o->res[i] = fp->node[t->next[i]].k;
	}
	o->kind = ld->kind;
	o->src = ld->k;
	o->test = t->kind;
	o->swapped = t->swapped;
	o->k = t->k;
	o->on = 1;
}

void dvm_fastpred__prepare(struct dvm_fastpred *fp, const struct dif_difo *dp,
    const struct dvm_vstate *vs)
{
	struct builder b = { fp, dp, vs, 0 };
	struct sym r[DIF_DIR_NREGS] = { { false, 0, 0 } };
	int root;

	fp->state = DVM_FASTPRED_OFF;
	fp->nnodes = 0;
	fp->one.on = 0;
	if (dp == 0 || dp->dtdo_buf == 0 || vs == 0 || dp->dtdo_len == 0 ||
	    dp->dtdo_len > DVM_FASTPRED_MAXLEN)
		return;
	root = walk(&b, 0, r, (struct flags){ false, false, false }, 0);
	if (root < 0)
		return;
	fp->root = (uint8_t)root;
	fp->state = DVM_FASTPRED_ON;
	flatten(fp);
}
