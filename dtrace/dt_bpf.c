/*
 * dt_bpf.c — run a program's kernel ECBs through the BPF backend.
 *
 * Theory.  dt_program.c built the ECBs exactly as for the user-space
 * engine; here the ones on kernel probes are handed to runtime-bpf's
 * clause API (dbpf_clause.h) instead of being fired in this process:
 *
 *   1. Set-up: RLIMIT_MEMLOCK and a bpf() probe (dbpf_attach__setup); the
 *      provider catalog with BTF offsets (dbpf_prov.h).
 *   2. Grouping: one BPF program per kernel probe, running its ECBs in
 *      EPID order.  Probes that share a hook (every syscall entry shares
 *      raw sys_enter) are told apart by the catalog's filter, which is
 *      prepended to each clause's predicate as DIF: the filter value is
 *      exposed as a spare argument (arg8/arg9) in the attach table and
 *      compared with the probe's constant.  When every probe of a hook is
 *      enabled with the same clauses, and nothing in them needs the
 *      probe's own id (id, epid, or a non-quiet record header), one
 *      unfiltered program serves them all, probefunc coming from the
 *      syscall number by a binary search compiled into the DIF:
 *      `syscall:::entry { @[probefunc] = count(); }` is one program, not
 *      360 (each of which would run on every syscall).
 *   3. A probe "about" another task (sched:::on-cpu, which fires in the
 *      outgoing thread) reads pid, tid and curthread from that task: the
 *      catalog's task recipe goes into spare arguments and the clause's
 *      `ldgs pid/tid/curthread` become `ldgs arg9/arg8/arg7`, `execname`
 *      becomes the address of that task's comm (task_execname); `self->`
 *      is keyed by that task too (dbpf_attach.at_self_*).
 *   4. tick-N and profile-N in a kernel program are perf software clocks
 *      (profile-N on every online CPU, tick-N on CPU 0) running
 *      PERF_EVENT programs of the same set.  BEGIN and END run in the
 *      kernel set too, through BPF_PROG_TEST_RUN in this process's context
 *      (as in DTrace), and so does ERROR, which the consumer
 *      fires with the error record's arguments when it reads one: every
 *      clause of the program sees the same variables.  When one of the
 *      BEGIN/END/ERROR clauses cannot be translated, all three run in the
 *      user-space engine instead (their variables are then their own).
 *   5. Consuming: ring-buffer records are copied into the engine's
 *      principal buffer, so dt_consume prints them like any other; an
 *      exit() record ends tracing.  Aggregations are folded from the BPF
 *      maps into the consumer's store before each round: the maps hold
 *      running totals, so the fold merges the difference since the last
 *      fold (min/max merge the value itself, which is idempotent).
 *
 * Ownership: everything allocated here lives in struct run and is freed
 * by run_free.  Read next: runtime-bpf/dbpf_clause.h, docs/providers.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dbpf_attach.h"
#include "dbpf_clause.h"
#include "dbpf_prov.h"
#include "dbpf_say.h"
#include "dt_bpf.h"

/* ---- One run's state ------------------------------------------------------------ */

struct aggshadow {		/* running totals seen at the last fold */
	uint32_t	aggid, keylen, nwords;
	uint64_t	gen;		/* fold that last saw it */
	uint8_t		*key;
	int64_t		*prev, *cur;
	struct aggshadow *next;
};

struct run {
	struct dt_state		*st;
	struct dbpf_catalog	*cat;
	struct dbpf_set		*set;
	struct dbpf_attachment	**atts;
	uint32_t		natts;
	void			**owned;	/* rewritten DIF, clause arrays */
	uint32_t		nowned;
	struct aggshadow	*shadow;
	uint64_t		gen;
	int			rc;		/* first consumer error */
	/* BEGIN, END, ERROR clauses as kernel programs run by test-run (-1:
	 * none; all -1 with user_special: they run in the user-space engine) */
	int			begin_idx, end_idx, error_idx;
	bool			user_special;
	uint64_t		errq[64][DBPF_MAXARGS];	/* ERROR firings to run */
	uint32_t		nerrq;
};

static void *own(struct run *r, void *p)
{
	void **n;

	if (p == NULL)
		return NULL;
	if ((n = realloc(r->owned, (r->nowned + 1) * sizeof(*n))) == NULL) {
		free(p);
		return NULL;
	}
	r->owned = n;
	r->owned[r->nowned++] = p;
	return p;
}

static void *zalloc(struct run *r, size_t n)
{
	return own(r, calloc(1, n ? n : 1));
}

static void run_free(struct run *r)
{
	for (uint32_t i = 0; i < r->natts; i++)
		dbpf_attach__free(r->atts[i]);
	free(r->atts);
	dbpf_set__free(r->set);
	dbpf_catalog__free(r->cat);
	for (uint32_t i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
	while (r->shadow != NULL) {
		struct aggshadow *n = r->shadow->next;

		free(r->shadow->key);
		free(r->shadow->prev);
		free(r->shadow->cur);
		free(r->shadow);
		r->shadow = n;
	}
}

/* ---- DIF rewriting ------------------------------------------------------------------ */

static bool is_branch(uint8_t op)
{
	return op >= DIF_OP_BA && op <= DIF_OP_BLEU;
}

/* Does any DIFO of the ECB read a variable in ids[]? */
static bool difo_reads(const struct dif_difo *d, const uint16_t *ids, size_t n)
{
	for (uint32_t pc = 0; d != NULL && d->dtdo_buf != NULL && pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];

		if (DIF_INSTR_OP(in) != DIF_OP_LDGS)
			continue;
		for (size_t i = 0; i < n; i++)
			if (DIF_INSTR_VAR(in) == ids[i])
				return true;
	}
	return false;
}

static bool ecb_reads(const struct dvm_ecb *e, const uint16_t *ids, size_t n)
{
	if (e->has_pred && difo_reads(&e->pred, ids, n))
		return true;
	for (uint32_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].has_difo && difo_reads(&e->steps[i].difo, ids, n))
			return true;
	return false;
}

/* A copy of d with `ldgs from[i]` replaced by `ldgs to[i]`. */
static const struct dif_difo *retarget(struct run *r, const struct dif_difo *d,
    const uint16_t *from, const uint16_t *to, size_t n)
{
	struct dif_difo *nd = zalloc(r, sizeof(*nd));
	dif_instr_t *buf = zalloc(r, d->dtdo_len * sizeof(*buf));

	if (nd == NULL || buf == NULL)
		return NULL;
	*nd = *d;
	for (uint32_t pc = 0; pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];

		buf[pc] = in;
		if (DIF_INSTR_OP(in) != DIF_OP_LDGS)
			continue;
		for (size_t i = 0; i < n; i++)
			if (DIF_INSTR_VAR(in) == from[i])
				buf[pc] = DIF_INSTR_IMM16(DIF_OP_LDGS, to[i], DIF_INSTR_RD(in));
	}
	nd->dtdo_buf = buf;
	return nd;
}

/*
 * The filter in front of a predicate (pred may be NULL: always true):
 *     ldgs arg9, %r1
 *     setx <const>, %r2        (or ldgs arg8, %r2)
 *     cmp  %r1, %r2
 *     be   5                   (bne for a != filter)
 *     ret  %r0                 not this probe
 *  5: <pred, branch labels + 5>   or   setx <1>, %r1; ret %r1
 */
static const struct dif_difo *filtered(struct run *r, const struct dif_difo *pred,
    const struct dif_difo *proto, enum dbpf_cmp cmp, bool b_const, uint64_t b)
{
	const uint32_t pre = 5;
	uint32_t len = pred ? pred->dtdo_len : 2, nint = pred ? pred->dtdo_intlen : 0;
	struct dif_difo *nd = zalloc(r, sizeof(*nd));
	dif_instr_t *buf = zalloc(r, (pre + len) * sizeof(*buf));
	uint64_t *ints = zalloc(r, (nint + 2) * sizeof(*ints));

	if (nd == NULL || buf == NULL || ints == NULL)
		return NULL;
	*nd = pred ? *pred : *proto;
	if (pred == NULL) {
		memset(nd, 0, sizeof(*nd));
		nd->dtdo_rtype.dtdt_size = 8;
	} else if (nint > 0) {
		memcpy(ints, pred->dtdo_inttab, nint * sizeof(*ints));
	}
	ints[nint] = b;
	ints[nint + 1] = 1;
	buf[0] = DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG9, 1);
	buf[1] = b_const ? DIF_INSTR_IMM16(DIF_OP_SETX, nint, 2) :
	    DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG8, 2);
	buf[2] = DIF_INSTR_FMT(DIF_OP_CMP, 1, 2, 0);
	buf[3] = DIF_INSTR_BRANCH(cmp == DBPF_CMP_EQ ? DIF_OP_BE : DIF_OP_BNE, pre);
	buf[4] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 0);
	if (pred == NULL) {
		buf[5] = DIF_INSTR_IMM16(DIF_OP_SETX, nint + 1, 1);
		buf[6] = DIF_INSTR_FMT(DIF_OP_RET, 0, 0, 1);
	} else {
		for (uint32_t pc = 0; pc < len; pc++) {
			dif_instr_t in = pred->dtdo_buf[pc];

			if (is_branch((uint8_t)DIF_INSTR_OP(in)))
				in = DIF_INSTR_BRANCH(DIF_INSTR_OP(in), DIF_INSTR_LABEL(in) + pre);
			buf[pre + pc] = in;
		}
	}
	nd->dtdo_buf = buf;
	nd->dtdo_len = pre + len;
	nd->dtdo_inttab = ints;
	nd->dtdo_intlen = nint + 2;
	return nd;
}

/* ---- Argument tables ------------------------------------------------------------------ */

static struct dbpf_argsrc argsrc_of(const struct dbpf_karg *k)
{
	struct dbpf_argsrc a;

	memset(&a, 0, sizeof(a));
	a.as_size = k->size ? k->size : 8;
	a.as_signed = k->sign;
	a.as_off = (uint16_t)(8 * k->word);
	switch (k->op) {
	case DBPF_KARG_ZERO:
		a.as_kind = DBPF_ARG_CONST;
		a.as_value = k->off;
		a.as_off = 0;
		break;
	case DBPF_KARG_CTX:
		a.as_kind = DBPF_ARG_CTX;
		break;
	case DBPF_KARG_CTX_LOAD:
		a.as_kind = DBPF_ARG_CTX_DEREF;
		a.as_deref = (int32_t)k->off;
		a.as_zero_on_fault = true;	/* an argument, not the program's load */
		break;
	case DBPF_KARG_CTX_LOAD2:
		a.as_kind = DBPF_ARG_CTX_DEREF2;
		a.as_deref = (int32_t)k->off;
		a.as_deref2 = (int32_t)k->off2;
		a.as_zero_on_fault = true;
		break;
	case DBPF_KARG_PC_KERNEL:
	case DBPF_KARG_PC_USER:		/* perf ctx: regs.ip, regs.cs */
		a.as_kind = k->op == DBPF_KARG_PC_KERNEL ? DBPF_ARG_PC_KERNEL :
		    DBPF_ARG_PC_USER;
		a.as_off = (uint16_t)k->off;
		a.as_deref = (int32_t)k->off2;
		a.as_size = 8;
		break;
	case DBPF_KARG_EXIT_REASON:
		a.as_kind = DBPF_ARG_EXIT_REASON;
		a.as_deref = (int32_t)k->off;
		a.as_zero_on_fault = true;
		break;
	default:
		a.as_kind = DBPF_ARG_ZERO;
		break;
	}
	return a;
}

/* ---- Clauses ----------------------------------------------------------------------------- */

struct probe_plan {
	const struct dif_difo	*(*fix)(struct run *, const struct dif_difo *, void *);
	void			*fixarg;
};

struct fixctx {
	bool			filter, task;
	bool			family;		/* one program for the whole family:
						   probefunc from the syscall number */
	enum dbpf_cmp		cmp;
	bool			b_const;
	uint64_t		b;
};

static const uint16_t task_from[3] = { DIF_VAR_PID, DIF_VAR_TID, DIF_VAR_CURTHREAD };
static const uint16_t task_to[3] = { DIF_VAR_ARG9, DIF_VAR_ARG8, DIF_VAR_ARG7 };

static const uint8_t op_form[256] = {
#define OP_FORM_(num, name, mn, form, sem) [num] = form,
	DIF_OPCODES(OP_FORM_)
#undef OP_FORM_
};

/* Registers %r1..%r7 any instruction of d names, as a bit mask. */
static unsigned regs_used(const struct dif_difo *d)
{
	unsigned m = 0;

	for (uint32_t pc = 0; pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];

		switch (op_form[DIF_INSTR_OP(in)]) {
		case DIF_FORM_R3: case DIF_FORM_CMP:
			m |= 1u << DIF_INSTR_R2(in);
			/* FALLTHROUGH */
		case DIF_FORM_R2: case DIF_FORM_LOAD: case DIF_FORM_STORE:
		case DIF_FORM_TST:
			m |= 1u << DIF_INSTR_R1(in) | 1u << DIF_INSTR_RD(in);
			break;
		case DIF_FORM_LDA: case DIF_FORM_PUSH:
			m |= 1u << DIF_INSTR_R2(in) | 1u << DIF_INSTR_RD(in);
			break;
		case DIF_FORM_BRANCH: case DIF_FORM_NONE:
			break;
		default:
			m |= 1u << DIF_INSTR_RD(in);
			break;
		}
	}
	return m;
}

/* The lowest of %r1..%r7 no instruction of d names, or 0 when all are. */
static unsigned spare_reg(const struct dif_difo *d)
{
	unsigned used = regs_used(d);

	for (unsigned i = 1; i < 8; i++)
		if (!(used & (1u << i)))
			return i;
	return 0;
}

/* How many `ldgs var, %rd` d holds. */
static uint32_t count_ldgs(const struct dif_difo *d, unsigned var)
{
	uint32_t n = 0;

	for (uint32_t pc = 0; pc < d->dtdo_len; pc++)
		n += DIF_INSTR_OP(d->dtdo_buf[pc]) == DIF_OP_LDGS &&
		    DIF_INSTR_VAR(d->dtdo_buf[pc]) == var;
	return n;
}

/*
 * execname of the probe's task (a copy of d): each `ldgs execname, %rd`
 * becomes the task's comm, with a register d never names as a temporary:
 *     ldgs arg7, %rd           the task (see enable)
 *     setx <comm offset>, %rt
 *     add  %rd, %rt, %rd
 * Branch labels move with the instructions.  d itself when d reads no
 * execname or has no free register (execname then stays the current one).
 */
static const struct dif_difo *task_execname(struct run *r, const struct dif_difo *d)
{
	static const uint16_t ex[1] = { DIF_VAR_EXECNAME };
	unsigned n, rt;
	uint32_t *newpc, len = 0;
	struct dif_difo *nd;
	dif_instr_t *buf;
	uint64_t *ints;

	if (!difo_reads(d, ex, 1))
		return d;
	if ((rt = spare_reg(d)) == 0)
		return d;
	n = count_ldgs(d, DIF_VAR_EXECNAME);
	nd = zalloc(r, sizeof(*nd));
	buf = zalloc(r, (d->dtdo_len + 2 * n) * sizeof(*buf));
	newpc = zalloc(r, (d->dtdo_len + 1) * sizeof(*newpc));
	ints = zalloc(r, (d->dtdo_intlen + 1) * sizeof(*ints));
	if (nd == NULL || buf == NULL || newpc == NULL || ints == NULL)
		return NULL;
	for (uint32_t pc = 0; pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];

		newpc[pc] = len;
		len += DIF_INSTR_OP(in) == DIF_OP_LDGS &&
		    DIF_INSTR_VAR(in) == DIF_VAR_EXECNAME ? 3 : 1;
	}
	newpc[d->dtdo_len] = len;
	if (d->dtdo_intlen > 0)
		memcpy(ints, d->dtdo_inttab, d->dtdo_intlen * sizeof(*ints));
	ints[d->dtdo_intlen] = dbpf_catalog__task_off(r->cat)->comm;
	for (uint32_t pc = 0, o = 0; pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];
		unsigned rd = DIF_INSTR_RD(in);

		if (DIF_INSTR_OP(in) == DIF_OP_LDGS && DIF_INSTR_VAR(in) == DIF_VAR_EXECNAME) {
			buf[o++] = DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG7, rd);
			buf[o++] = DIF_INSTR_IMM16(DIF_OP_SETX, d->dtdo_intlen, rt);
			buf[o++] = DIF_INSTR_FMT(DIF_OP_ADD, rd, rt, rd);
			continue;
		}
		if (is_branch((uint8_t)DIF_INSTR_OP(in)) && DIF_INSTR_LABEL(in) <= d->dtdo_len)
			in = DIF_INSTR_BRANCH(DIF_INSTR_OP(in), newpc[DIF_INSTR_LABEL(in)]);
		buf[o++] = in;
	}
	*nd = *d;
	nd->dtdo_buf = buf;
	nd->dtdo_len = len;
	nd->dtdo_inttab = ints;
	nd->dtdo_intlen = d->dtdo_intlen + 1;
	return nd;
}

/* ---- probefunc of a family program -------------------------------------- */

struct tree {
	dif_instr_t	*buf;
	uint32_t	n;
	uint32_t	*fix;		/* branches to END (bit 31: to MISS) */
	uint32_t	nfix;
	uint32_t	int0, str0;	/* first new inttab index / strtab offset */
	const uint32_t	*stroff;	/* name offsets, by systab index */
	unsigned	rd, rt;
};

/*
 * The syscall name of the number in %rt into %rd, by binary search over
 * the (sorted) syscall table, every branch forward:
 *   node:  setx nr[mid], %rd; cmp %rt, %rd; bl LEFT; <right half>; LEFT: <left half>
 *   leaf:  setx nr[i], %rd; cmp %rt, %rd; bne MISS; sets name[i], %rd; ba END
 * then  MISS: sets "", %rd   END:
 */
static void tree_emit(struct tree *t, unsigned lo, unsigned hi)
{
	if (hi - lo == 1) {
		t->buf[t->n++] = DIF_INSTR_IMM16(DIF_OP_SETX, t->int0 + lo, t->rd);
		t->buf[t->n++] = DIF_INSTR_FMT(DIF_OP_CMP, t->rt, t->rd, 0);
		t->fix[t->nfix++] = t->n | 0x80000000u;
		t->buf[t->n++] = DIF_INSTR_BRANCH(DIF_OP_BNE, 0);
		t->buf[t->n++] = DIF_INSTR_IMM16(DIF_OP_SETS, t->stroff[lo], t->rd);
		t->fix[t->nfix++] = t->n;
		t->buf[t->n++] = DIF_INSTR_BRANCH(DIF_OP_BA, 0);
		return;
	}
	unsigned mid = (lo + hi) / 2;
	uint32_t bl;

	t->buf[t->n++] = DIF_INSTR_IMM16(DIF_OP_SETX, t->int0 + mid, t->rd);
	t->buf[t->n++] = DIF_INSTR_FMT(DIF_OP_CMP, t->rt, t->rd, 0);
	bl = t->n++;
	tree_emit(t, mid, hi);
	t->buf[bl] = DIF_INSTR_BRANCH(DIF_OP_BL, t->n);
	tree_emit(t, lo, mid);
}

/* Instructions one probefunc lookup takes. */
static uint32_t tree_len(void)
{
	return 5 * dbpf_nsys + 4 * (dbpf_nsys - 1) + 1;
}

/*
 * A copy of d where each `ldgs probefunc, %rd` is the lookup above, with
 * %rt (a register d never names) = arg9, the syscall number the family
 * program exposes there.  NULL when out of memory; d when d has no
 * probefunc; (void *)-1 when no register is free.
 */
static const struct dif_difo *family_probefunc(struct run *r, const struct dif_difo *d)
{
	static const uint16_t pf[1] = { DIF_VAR_PROBEFUNC };
	unsigned rt, n;
	uint32_t *newpc, len = 0, slen, tl = tree_len();
	struct dif_difo *nd;
	dif_instr_t *buf;
	uint64_t *ints;
	uint32_t *stroff;
	char *str;
	struct tree t;

	if (!difo_reads(d, pf, 1))
		return d;
	if ((rt = spare_reg(d)) == 0)
		return (const struct dif_difo *)(uintptr_t)-1;
	n = count_ldgs(d, DIF_VAR_PROBEFUNC);
	slen = d->dtdo_strlen + 1;
	for (unsigned i = 0; i < dbpf_nsys; i++)
		slen += (uint32_t)strlen(dbpf_systab[i].name) + 1;
	if (slen > 0xffff || d->dtdo_intlen + dbpf_nsys > 0xffff)
		return (const struct dif_difo *)(uintptr_t)-1;
	nd = zalloc(r, sizeof(*nd));
	buf = zalloc(r, (d->dtdo_len + n * (tl + 1)) * sizeof(*buf));
	newpc = zalloc(r, (d->dtdo_len + 1) * sizeof(*newpc));
	ints = zalloc(r, (d->dtdo_intlen + dbpf_nsys) * sizeof(*ints));
	str = zalloc(r, slen);
	stroff = zalloc(r, dbpf_nsys * sizeof(*stroff));
	t.fix = zalloc(r, 2 * dbpf_nsys * sizeof(*t.fix));
	if (!nd || !buf || !newpc || !ints || !str || !stroff || !t.fix)
		return NULL;
	if (d->dtdo_intlen > 0)
		memcpy(ints, d->dtdo_inttab, d->dtdo_intlen * sizeof(*ints));
	if (d->dtdo_strlen > 0)
		memcpy(str, d->dtdo_strtab, d->dtdo_strlen);
	uint32_t so = d->dtdo_strlen, empty = so++;	/* "" */

	for (unsigned i = 0; i < dbpf_nsys; i++) {
		ints[d->dtdo_intlen + i] = (uint64_t)dbpf_systab[i].nr;
		stroff[i] = so;
		memcpy(str + so, dbpf_systab[i].name, strlen(dbpf_systab[i].name) + 1);
		so += (uint32_t)strlen(dbpf_systab[i].name) + 1;
	}
	for (uint32_t pc = 0; pc < d->dtdo_len; pc++) {
		newpc[pc] = len;
		len += DIF_INSTR_OP(d->dtdo_buf[pc]) == DIF_OP_LDGS &&
		    DIF_INSTR_VAR(d->dtdo_buf[pc]) == DIF_VAR_PROBEFUNC ? 1 + tl : 1;
	}
	newpc[d->dtdo_len] = len;
	t.buf = buf;
	t.n = 0;
	t.int0 = d->dtdo_intlen;
	t.stroff = stroff;
	t.rt = rt;
	for (uint32_t pc = 0; pc < d->dtdo_len; pc++) {
		dif_instr_t in = d->dtdo_buf[pc];

		if (DIF_INSTR_OP(in) == DIF_OP_LDGS && DIF_INSTR_VAR(in) == DIF_VAR_PROBEFUNC) {
			uint32_t miss, end;

			t.rd = DIF_INSTR_RD(in);
			t.nfix = 0;
			buf[t.n++] = DIF_INSTR_IMM16(DIF_OP_LDGS, DIF_VAR_ARG9, rt);
			tree_emit(&t, 0, dbpf_nsys);
			miss = t.n;
			buf[t.n++] = DIF_INSTR_IMM16(DIF_OP_SETS, empty, t.rd);
			end = t.n;
			for (uint32_t i = 0; i < t.nfix; i++)
				buf[t.fix[i] & 0x7fffffffu] = DIF_INSTR_BRANCH(
				    DIF_INSTR_OP(buf[t.fix[i] & 0x7fffffffu]),
				    (t.fix[i] & 0x80000000u) ? miss : end);
			continue;
		}
		if (is_branch((uint8_t)DIF_INSTR_OP(in)) && DIF_INSTR_LABEL(in) <= d->dtdo_len)
			in = DIF_INSTR_BRANCH(DIF_INSTR_OP(in), newpc[DIF_INSTR_LABEL(in)]);
		buf[t.n++] = in;
	}
	*nd = *d;
	nd->dtdo_buf = buf;
	nd->dtdo_len = t.n;
	nd->dtdo_inttab = ints;
	nd->dtdo_intlen = d->dtdo_intlen + dbpf_nsys;
	nd->dtdo_strtab = str;
	nd->dtdo_strlen = slen;
	return nd;
}

/* Can every DIFO of e take the family rewrite (a free register each)? */
static bool family_ok(struct run *r, const struct dvm_ecb *e)
{
	if (e->has_pred && family_probefunc(r, &e->pred) == (void *)(uintptr_t)-1)
		return false;
	for (uint32_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].has_difo &&
		    family_probefunc(r, &e->steps[i].difo) == (void *)(uintptr_t)-1)
			return false;
	return true;
}

static const struct dif_difo *fix_difo(struct run *r, const struct dif_difo *d,
    const struct fixctx *fx)
{
	if (d != NULL && fx->family) {
		d = family_probefunc(r, d);
		if (d == (void *)(uintptr_t)-1)
			return NULL;
	}
	if (d == NULL || !fx->task)
		return d;
	if ((d = task_execname(r, d)) == NULL)
		return NULL;
	return retarget(r, d, task_from, task_to, 3);
}

/* One clause description from an ECB. */
static int clause_of(struct run *r, const struct dvm_ecb *e, const struct fixctx *fx,
    struct dbpf_clause *c, const char *what)
{
	struct dbpf_step *steps = zalloc(r, e->nsteps * sizeof(*steps));
	uint32_t n = 0;

	if (steps == NULL)
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	c->epid = e->epid;
	c->what = what;
	c->pred = e->has_pred ? fix_difo(r, &e->pred, fx) : NULL;
	if (fx->filter)
		c->pred = filtered(r, c->pred, &e->pred, fx->cmp, fx->b_const, fx->b);
	if ((e->has_pred || fx->filter) && c->pred == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < e->nsteps; i++) {
		const struct dvm_step *s = &e->steps[i];
		struct dbpf_step *d = &steps[n];
		const struct dif_difo *dp = s->has_difo ? fix_difo(r, &s->difo, fx) : NULL;

		if (s->has_difo && dp == NULL)
			return -ENOMEM;
		d->actndx = s->actndx;
		d->difo = dp;
		switch (s->kind) {
		case DVM_STEP_TUPLE:
			continue;
		case DVM_STEP_RECORD: case DVM_STEP_EXIT:
			d->kind = s->kind == DVM_STEP_EXIT ? DBPF_STEP_EXIT : DBPF_STEP_RECORD;
			d->off = e->recs[s->rec].off;
			d->size = e->recs[s->rec].size;
			d->byref = s->byref && s->actkind != DIF_ACT_PRINTA &&
			    s->actkind != DIF_ACT_TRACEMEM_DYNSIZE;
			d->string = s->string;
			break;
		case DVM_STEP_VOID:
			d->kind = DBPF_STEP_VOID;
			break;
		case DVM_STEP_AGG: {
			uint32_t nkeys = s->ntuple - 1 - (s->has_incr ? 1 : 0);
			struct dbpf_key *keys = zalloc(r, nkeys * sizeof(*keys));

			if (keys == NULL)
				return -ENOMEM;
			if (s->aggid == 0)
				return -ENOTSUP;
			for (uint32_t k = 0; k < nkeys; k++) {
				const struct dvm_step *ks = &e->steps[s->tuple_first + 1 + k];

				if ((keys[k].difo = fix_difo(r, &ks->difo, fx)) == NULL)
					return -ENOMEM;
				keys[k].actndx = ks->actndx;
				keys[k].string = ks->string;
			}
			d->kind = DBPF_STEP_AGG;
			d->aggid = s->aggid;
			d->aggfunc = s->actkind;
			d->aggarg = s->arg;
			d->keys = keys;
			d->nkeys = nkeys;
			if (s->has_incr) {
				const struct dvm_step *is = &e->steps[s->tuple_first + s->ntuple - 1];

				if ((d->incr = fix_difo(r, &is->difo, fx)) == NULL)
					return -ENOMEM;
				d->incr_actndx = is->actndx;
			}
			break;
		}
		case DVM_STEP_SPECULATE: d->kind = DBPF_STEP_SPECULATE; break;
		case DVM_STEP_COMMIT: d->kind = DBPF_STEP_COMMIT; break;
		default: d->kind = DBPF_STEP_DISCARD; break;
		}
		n++;
	}
	c->steps = steps;
	c->nsteps = n;
	c->datasize = e->datasize;
	c->records = e->records;
	return 0;
}

/* The catalog's description of a dtrace kernel or timer probe. */
static int describe(struct run *r, const struct dvm_probe *p, struct dbpf_kprobe *k,
    char *err, size_t errlen)
{
	if (p->kind == DT_PROBE_TICK || p->kind == DT_PROBE_PROFILE)
		return dbpf_catalog__profile(r->cat, p->name, p->period_ns,
		    p->kind == DT_PROBE_TICK, k);
	if (strcmp(p->prov, "tracepoint") == 0)
		return dbpf_catalog__tracepoint(r->cat, p->mod, p->name, k, err, errlen);
	for (size_t i = 0; i < dbpf_catalog__count(r->cat); i++) {
		const struct dbpf_kprobe *c = dbpf_catalog__probe(r->cat, i);

		if (strcmp(c->prov, p->prov) == 0 && strcmp(c->func, p->func) == 0 &&
		    strcmp(c->name, p->name) == 0) {
			*k = *c;
			return 0;
		}
	}
	return dbpf_say(err, errlen, -ENOENT, "probe %s:%s:%s:%s is not in the kernel catalog",
	    p->prov, p->mod, p->func, p->name);
}

/* What a program for probe p in context ctx knows of it: its id and
 * names; everything else zero for the caller to fill. */
static void attach_init(struct dbpf_attach *at, const struct dvm_probe *p,
    enum dbpf_ctx ctx)
{
	memset(at, 0, sizeof(*at));
	at->at_ctx = ctx;
	at->at_probe_id = p->id;
	at->at_prov = p->prov;
	at->at_mod = p->mod;
	at->at_func = p->func;
	at->at_name = p->name;
}

static void probe_desc(const struct dvm_probe *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s:%s:%s", p->prov, p->mod, p->func, p->name);
}

/* Load one program for clauses ecbs[0..n) of probe p; attach or time it. */
static int enable(struct run *r, const struct dvm_probe *p, const struct dvm_ecb **ecbs,
    uint32_t n, bool use_filter, char *err, size_t errlen)
{
	struct dbpf_kprobe k;
	struct dbpf_attach at;
	struct fixctx fx;
	struct dbpf_clause *cl = zalloc(r, n * sizeof(*cl));
	char *what = zalloc(r, 256);
	int rc, idx;

	if (cl == NULL || what == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	probe_desc(p, what, 256);
	if ((rc = describe(r, p, &k, err, errlen)) != 0)
		return rc;
	attach_init(&at, p, k.hook.kind == DBPF_HOOK_PERF_CLOCK ? DBPF_CTX_PERF_EVENT :
	    DBPF_CTX_RAW_TP);
	memset(&fx, 0, sizeof(fx));
	at.at_off_real_parent = dbpf_catalog__task_off(r->cat)->real_parent;
	at.at_off_tgid = dbpf_catalog__task_off(r->cat)->tgid;
	if (strcmp(p->prov, "syscall") == 0 && strcmp(p->name, "return") == 0)
		at.at_errno = argsrc_of(&k.args[0]);	/* the return value */
	for (int i = 0; i < DBPF_MAXARGS; i++)
		at.at_args[i].as_kind = DBPF_ARG_ZERO;
	for (uint32_t i = 0; i < k.nargs && i < DBPF_MAXARGS; i++)
		at.at_args[i] = argsrc_of(&k.args[i]);
	if (!use_filter && k.cmp != DBPF_CMP_NONE) {	/* a family program */
		fx.family = true;
		at.at_args[9] = argsrc_of(&k.filt_a);	/* the syscall number */
		at.at_func = "";
	}
	if (use_filter && k.cmp != DBPF_CMP_NONE) {
		fx.filter = true;
		fx.cmp = (enum dbpf_cmp)k.cmp;
		at.at_args[9] = argsrc_of(&k.filt_a);
		fx.b_const = k.filt_b.op == DBPF_KARG_ZERO;
		fx.b = k.filt_b.off;
		if (!fx.b_const)
			at.at_args[8] = argsrc_of(&k.filt_b);
	}
	if (k.task.op != DBPF_KARG_ZERO) {
		const struct dbpf_task_off *to = dbpf_catalog__task_off(r->cat);
		struct dbpf_karg tgid = { DBPF_KARG_CTX_LOAD, k.task.word, 4, 1, to->tgid, 0 };
		struct dbpf_karg tid = { DBPF_KARG_CTX_LOAD, k.task.word, 4, 1, to->pid, 0 };

		fx.task = true;
		at.at_args[9] = argsrc_of(&tgid);
		at.at_args[8] = argsrc_of(&tid);
		at.at_args[7] = argsrc_of(&k.task);
		at.at_self_tgid = at.at_args[9];	/* self-> is the task's too */
		at.at_self_tid = at.at_args[8];
	}
	for (uint32_t i = 0; i < n; i++)
		if ((rc = clause_of(r, ecbs[i], &fx, &cl[i], what)) != 0)
			return dbpf_say(err, errlen, rc, "%s: %s", what, rc == -ENOTSUP ?
			    "an aggregation whose id is computed is not supported in the kernel" :
			    "out of memory");
	if ((rc = dbpf_set__add_probe(r->set, &at, cl, n, &idx, err, errlen)) != 0)
		return rc;
	struct dbpf_attachment *a, **na = realloc(r->atts, (r->natts + 1) * sizeof(*na));

	if (na == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	r->atts = na;
	if ((rc = dbpf_attach__hook(&k.hook, dbpf_set__prog_fd(r->set, idx), &a,
	    err, errlen)) != 0)
		return rc;
	r->atts[r->natts++] = a;
	return 0;
}

/* Same clauses (by DIF identity) in the same order? */
static bool same_clauses(const struct dvm_probe *a, const struct dvm_probe *b)
{
	const struct dvm_ecb *x = a->ecbs, *y = b->ecbs;

	for (; x != NULL && y != NULL; x = x->next, y = y->next) {
		if (x->nsteps != y->nsteps || x->has_pred != y->has_pred ||
		    (x->has_pred && x->pred.dtdo_buf != y->pred.dtdo_buf))
			return false;
		for (uint32_t i = 0; i < x->nsteps; i++)
			if (x->steps[i].difo.dtdo_buf != y->steps[i].difo.dtdo_buf)
				return false;
	}
	return x == NULL && y == NULL;
}

/* What a family program cannot give per probe (probefunc it can). */
static const uint16_t identity_vars[] = { DIF_VAR_ID, DIF_VAR_EPID };

/*
 * Can one unfiltered program serve every probe on p's hook?  Every catalog
 * probe of the hook is enabled, all with p's clauses, and the clauses
 * cannot tell the probes apart.
 */
static bool whole_family(struct run *r, const struct dvm_probe *p,
    const struct dbpf_kprobe *k)
{
	const struct dt_state *st = r->st;
	size_t family = 0, enabled = 0;

	if (k->cmp == DBPF_CMP_NONE || k->task.op != DBPF_KARG_ZERO ||
	    strcmp(p->prov, "syscall") != 0)
		return false;
	for (const struct dvm_ecb *e = p->ecbs; e != NULL; e = e->next)
		if (ecb_reads(e, identity_vars, sizeof(identity_vars) / 2) ||
		    (e->records && !st->dctx.opts.quiet) || !family_ok(r, e))
			return false;
	for (size_t i = 0; i < dbpf_catalog__count(r->cat); i++) {
		const struct dbpf_kprobe *c = dbpf_catalog__probe(r->cat, i);

		if (strcmp(c->hook.name, k->hook.name) == 0 && strcmp(c->prov, p->prov) == 0)
			family++;
	}
	for (uint32_t i = 0; i < st->nprobes; i++) {
		const struct dvm_probe *q = st->probes[i];

		if (q->kind != DT_PROBE_KERNEL || strcmp(q->prov, p->prov) != 0 ||
		    strcmp(q->name, p->name) != 0 || q->ecbs == NULL)
			continue;
		if (!same_clauses(p, q))
			return false;
		enabled++;
	}
	return enabled == family;
}

/* BEGIN/END/ERROR: a kernel program with args[i] = ctx word i (test-run). */
static int enable_special(struct run *r, const struct dvm_probe *p, int *idx,
    char *err, size_t errlen)
{
	const struct dvm_ecb *ecbs[256];
	struct dbpf_clause *cl;
	struct dbpf_attach at;
	struct fixctx fx;
	uint32_t n = 0;
	char *what = zalloc(r, 256);

	*idx = -1;
	for (const struct dvm_ecb *e = p->ecbs; e != NULL && n < 256; e = e->next)
		ecbs[n++] = e;
	if (n == 0)
		return 0;
	if ((cl = zalloc(r, n * sizeof(*cl))) == NULL || what == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	probe_desc(p, what, 256);
	attach_init(&at, p, DBPF_CTX_RAW_TP);
	memset(&fx, 0, sizeof(fx));
	for (int i = 0; i < DBPF_MAXARGS; i++)
		at.at_args[i] = (struct dbpf_argsrc){ .as_kind = DBPF_ARG_CTX,
		    .as_size = 8, .as_off = (uint16_t)(8 * i) };
	for (uint32_t i = 0; i < n; i++)
		if (clause_of(r, ecbs[i], &fx, &cl[i], what) != 0)
			return -EINVAL;
	return dbpf_set__add_probe(r->set, &at, cl, n, idx, err, errlen);
}

static void enable_specials(struct run *r)
{
	struct dt_state *st = r->st;
	char err[512];

	if (enable_special(r, st->probes[0], &r->begin_idx, err, sizeof(err)) != 0 ||
	    enable_special(r, st->probes[1], &r->end_idx, err, sizeof(err)) != 0 ||
	    enable_special(r, st->probes[2], &r->error_idx, err, sizeof(err)) != 0) {
		r->user_special = true;
		r->begin_idx = r->end_idx = r->error_idx = -1;
	}
}

/* Fire BEGIN (0) or END (1): in the kernel set, or the user-space engine. */
static void fire_special(struct run *r, int which)
{
	static const uint64_t zero[DBPF_MAXARGS];
	int idx = which == 0 ? r->begin_idx : r->end_idx;
	uint32_t ret;

	if (r->user_special)
		dt_fire(r->st, r->st->probes[which], NULL);
	else if (idx >= 0)
		dbpf_set__test_run(r->set, idx, zero, DBPF_MAXARGS, &ret);
}

static int enable_all(struct run *r, char *err, size_t errlen)
{
	struct dt_state *st = r->st;
	char done_family[2][16] = { "", "" };
	int rc;

	for (uint32_t i = 0; i < st->nprobes; i++) {
		struct dvm_probe *p = st->probes[i];
		const struct dvm_ecb *ecbs[256];
		uint32_t n = 0;
		bool timer = p->kind == DT_PROBE_TICK || p->kind == DT_PROBE_PROFILE;
		bool filter = true;
		struct dbpf_kprobe k;

		if (p->ecbs == NULL || (!timer && p->kind != DT_PROBE_KERNEL))
			continue;
		for (const struct dvm_ecb *e = p->ecbs; e != NULL && n < 256; e = e->next)
			ecbs[n++] = e;
		if (p->kind == DT_PROBE_KERNEL && describe(r, p, &k, err, errlen) == 0 &&
		    whole_family(r, p, &k)) {
			int f = strcmp(p->name, "entry") == 0 ? 0 : 1;

			if (strcmp(done_family[f], p->name) == 0)
				continue;	/* served by the family's program */
			snprintf(done_family[f], sizeof(done_family[f]), "%s", p->name);
			filter = false;
		}
		if ((rc = enable(r, p, ecbs, n, filter, err, errlen)) != 0)
			return rc;
	}
	return 0;
}

/* ---- Consuming ------------------------------------------------------------------------------- */

static int on_one(struct run *r, const void *rec, size_t size);

/* A sample: one record, or a committed speculation's records back to back. */
static int on_record(void *arg, const void *rec, size_t size)
{
	const uint8_t *p = rec;

	while (size >= sizeof(struct dvm_rechdr)) {
		struct dvm_rechdr h;
		size_t n;

		memcpy(&h, p, sizeof(h));
		n = sizeof(h) + h.size;
		if (n > size)
			break;
		on_one(arg, p, n);
		p += n;
		size -= n;
	}
	return 0;
}

static int on_one(struct run *r, const void *rec, size_t size)
{
	struct dt_state *st = r->st;
	struct dvm_rechdr h;
	uint8_t *p;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, rec, sizeof(h));
	if (dvm_buf__reserve(&st->eng, &st->eng.pbuf, (uint32_t)size, &p) != 0)
		return 0;	/* counted as a drop */
	memcpy(p, rec, size);
	if (h.epid == st->eng.error_epid && size >= sizeof(h) + 5 * 8) {
		uint64_t w[5];

		memcpy(w, (const uint8_t *)rec + sizeof(h), sizeof(w));
		/* ERROR clauses run for faults elsewhere, never for their own */
		if (w[0] >= 1 && w[0] <= st->necbs &&
		    st->ecbs[w[0] - 1].probe != st->probes[2] && r->nerrq < 64) {
			uint64_t *a = r->errq[r->nerrq++];

			memset(a, 0, DBPF_MAXARGS * sizeof(*a));
			memcpy(a + 1, w, sizeof(w));
		}
		return 0;
	}
	if (h.epid == 0 || h.epid > st->necbs)
		return 0;
	const struct dvm_ecb *e = &st->ecbs[h.epid - 1];

	for (uint32_t i = 0; i < e->nsteps; i++) {
		const struct dvm_step *s = &e->steps[i];
		int32_t v;

		if (s->kind != DVM_STEP_EXIT || st->eng.exiting)
			continue;
		memcpy(&v, (const uint8_t *)rec + sizeof(h) + e->recs[s->rec].off, 4);
		st->eng.exiting = true;
		st->eng.exit_status = v;
	}
	return 0;
}

static struct aggshadow *shadow_of(struct run *r, uint32_t aggid, const uint8_t *key,
    uint32_t keylen, uint32_t nwords)
{
	struct aggshadow *s;

	for (s = r->shadow; s != NULL; s = s->next)
		if (s->aggid == aggid && s->keylen == keylen && s->nwords == nwords &&
		    memcmp(s->key, key, keylen) == 0)
			return s;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->key = malloc(keylen ? keylen : 1);
	s->prev = calloc(nwords, sizeof(int64_t));
	s->cur = calloc(nwords, sizeof(int64_t));
	if (s->key == NULL || s->prev == NULL || s->cur == NULL) {
		free(s->key);
		free(s->prev);
		free(s->cur);
		free(s);
		return NULL;
	}
	memcpy(s->key, key, keylen);
	s->aggid = aggid;
	s->keylen = keylen;
	s->nwords = nwords;
	s->next = r->shadow;
	r->shadow = s;
	return s;
}

static void add128(int64_t *w, const int64_t *v)
{
	unsigned __int128 a = ((unsigned __int128)(uint64_t)w[1] << 64) | (uint64_t)w[0];
	unsigned __int128 b = ((unsigned __int128)(uint64_t)v[1] << 64) | (uint64_t)v[0];

	a += b;
	w[0] = (int64_t)(uint64_t)a;
	w[1] = (int64_t)(uint64_t)(a >> 64);
}

/* Combine one CPU's words into the current totals. */
static void combine(uint16_t func, int64_t *cur, const int64_t *w, uint32_t n, bool first)
{
	if (first) {
		memcpy(cur, w, n * sizeof(*w));
		return;
	}
	switch (func) {
	case DIF_ACT_MIN: if (w[0] < cur[0]) cur[0] = w[0]; return;
	case DIF_ACT_MAX: if (w[0] > cur[0]) cur[0] = w[0]; return;
	case DIF_ACT_STDDEV:
		cur[0] += w[0];
		cur[1] = (int64_t)((uint64_t)cur[1] + (uint64_t)w[1]);
		add128(cur + 2, w + 2);
		return;
	default:
		for (uint32_t i = (func == DIF_ACT_LQUANTIZE || func == DIF_ACT_LLQUANTIZE);
		    i < n; i++)
			cur[i] = (int64_t)((uint64_t)cur[i] + (uint64_t)w[i]);
		return;
	}
}

static int on_agg(void *arg, uint32_t aggid, const struct dbpf_aggkey *keys,
    uint32_t nkeys, const int64_t *words, uint32_t nwords)
{
	struct run *r = arg;
	uint8_t kb[DVM_AGG_MAXKEYS * 1040];
	uint32_t len = 0;
	struct aggshadow *s;

	if (aggid == 0 || aggid > r->st->eng.naggvars)
		return 0;
	for (uint32_t i = 0; i < nkeys && i < DVM_AGG_MAXKEYS; i++) {
		uint32_t n = keys[i].size;

		if (len + n + 8 > sizeof(kb))
			return -E2BIG;
		memcpy(kb + len, &n, 4);
		memcpy(kb + len + 4, keys[i].data, n);
		kb[len + 4 + n] = keys[i].string;
		len += n + 5;
	}
	if ((s = shadow_of(r, aggid, kb, len, nwords)) == NULL)
		return -ENOMEM;
	combine(r->st->eng.aggvars[aggid - 1].func, s->cur, words, nwords, s->gen != r->gen);
	s->gen = r->gen;
	return 0;
}

/* Merge what changed since the last fold into the consumer's store. */
static int fold_aggs(struct run *r)
{
	struct dt_state *st = r->st;
	int rc;

	r->gen++;
	if ((rc = dbpf_set__agg_walk(r->set, on_agg, r)) != 0)
		return rc;
	for (struct aggshadow *s = r->shadow; s != NULL; s = s->next) {
		const struct dvm_aggvar *av = &st->eng.aggvars[s->aggid - 1];
		struct dcons_rec keys[DVM_AGG_MAXKEYS];
		int64_t delta[512];
		const uint8_t *k = s->key;
		bool encoded = av->func == DIF_ACT_LQUANTIZE || av->func == DIF_ACT_LLQUANTIZE;

		if (s->gen != r->gen || s->nwords > 512)
			continue;
		for (uint32_t i = 0; i < av->nkeys && k < s->key + s->keylen; i++) {
			uint32_t n;

			memcpy(&n, k, 4);
			if (k[4 + n]) {
				keys[i] = (struct dcons_rec){ DIF_ACT_DIFEXPR, DCONS_REC_STRING,
				    (uint32_t)strnlen((const char *)k + 4, n) + 1, k + 4, 0 };
			} else {
				keys[i] = (struct dcons_rec){ DIF_ACT_DIFEXPR, av->keys[i].flags,
				    av->keys[i].size, k + 4, 0 };
			}
			k += n + 5;
		}
		if (av->func == DIF_ACT_MIN || av->func == DIF_ACT_MAX) {
			memcpy(delta, s->cur, s->nwords * sizeof(int64_t));
		} else if (av->func == DIF_ACT_STDDEV) {
			int64_t neg[2];
			unsigned __int128 p = ((unsigned __int128)(uint64_t)s->prev[3] << 64) |
			    (uint64_t)s->prev[2];

			p = ~p + 1;	/* two's complement: subtract with borrow */
			neg[0] = (int64_t)(uint64_t)p;
			neg[1] = (int64_t)(uint64_t)(p >> 64);
			delta[0] = s->cur[0] - s->prev[0];
			delta[1] = (int64_t)((uint64_t)s->cur[1] - (uint64_t)s->prev[1]);
			delta[2] = s->cur[2];
			delta[3] = s->cur[3];
			add128(delta + 2, neg);
		} else {
			for (uint32_t i = 0; i < s->nwords; i++)
				delta[i] = (int64_t)((uint64_t)s->cur[i] - (uint64_t)s->prev[i]);
			if (encoded)
				delta[0] = s->cur[0];
		}
		if ((rc = dcons_aggstore__merge(st->aggs, s->aggid, keys, av->nkeys,
		    delta, s->nwords)) != 0)
			return rc;
		memcpy(s->prev, s->cur, s->nwords * sizeof(int64_t));
	}
	return 0;
}

/* ---- The session ---------------------------------------------------------------------------------- */

/* Run the ERROR clauses for the faults read so far (args: 0, epid,
 * action, DIF offset, fault, address), kernel or user space. */
static void fire_errors(struct run *r)
{
	uint32_t ret;

	for (uint32_t i = 0; i < r->nerrq; i++) {
		if (r->user_special)
			dt_fire(r->st, r->st->probes[2], r->errq[i]);
		else if (r->error_idx >= 0)
			dbpf_set__test_run(r->set, r->error_idx, r->errq[i], DBPF_MAXARGS, &ret);
	}
	r->nerrq = 0;
}

static int round_done(struct run *r)
{
	int rc;

	if (dbpf_set__poll(r->set, 0, on_record, r) < 0)
		return -EIO;
	if (r->nerrq > 0) {
		fire_errors(r);
		if (dbpf_set__poll(r->set, 0, on_record, r) < 0)
			return -EIO;
		r->nerrq = 0;	/* faults in ERROR clauses are not re-fired */
	}
	if ((rc = fold_aggs(r)) != 0)
		return rc;
	return dt_consume(r->st);
}

static bool stop_signal(const sigset_t *sigs)
{
	struct timespec zero = { 0, 0 };
	int sig = sigtimedwait(sigs, NULL, &zero);

	return sig == SIGINT || sig == SIGTERM;
}

/* The kernel's drop counters join the engine's, which dt_finish reports. */
static void add_counts(struct run *r)
{
	struct dvm_engine *eng = &r->st->eng;
	struct dbpf_counts c;

	if (dbpf_set__counts(r->set, &c) != 0)
		return;
	eng->pbuf.drops += c.dc_bufdrops;
	eng->aggdrops += c.dc_aggdrops;
	eng->vs.dvs_drops += c.dc_dyndrops;
	eng->specdrops += c.dc_specdrops;
	eng->specbusy += c.dc_specbusy;
}

static int trace_loop(struct run *r, struct dt_bpf_target *t, const sigset_t *sigs,
    volatile int *stop)
{
	struct dt_state *st = r->st;
	int rc, status;

	while (!st->eng.exiting && !*stop) {
		if (dbpf_set__poll(r->set, 50, on_record, r) < 0)
			return -EIO;
		if (dbpf_set__exited(r->set, &status) == 1 && !st->eng.exiting) {
			st->eng.exiting = true;		/* records may have been dropped */
			st->eng.exit_status = status;
		}
		if (stop_signal(sigs))
			*stop = 1;
		if (t != NULL && t->pid != 0 && dt_bpf_target__done(t)) {
			if ((rc = round_done(r)) != 0)
				return rc;
			fflush(st->outfp);
			fprintf(stderr, "dtrace: pid %d has exited\n", (int)t->pid);
			break;
		}
		if ((rc = round_done(r)) != 0)
			return rc;
	}
	return 0;
}

int dt_bpf_run(struct dt_state *st, struct dt_bpf_target *t, const sigset_t *sigs,
    volatile int *stop)
{
	struct run r;
	struct dbpf_set_opts so;
	char err[1024];
	int rc;

	memset(&r, 0, sizeof(r));
	r.st = st;
	r.begin_idx = r.end_idx = r.error_idx = -1;
	memset(&so, 0, sizeof(so));
	so.so_strsize = (uint32_t)st->opts.strsize;
	so.so_error_epid = st->eng.error_epid;
	so.so_nspec = st->opts.nspec < 16 ? st->opts.nspec : 16;
	so.so_specsize = st->opts.specsize < (1u << 20) ? (uint32_t)st->opts.specsize : 1u << 20;
	if ((rc = dbpf_attach__setup(err, sizeof(err))) != 0 ||
	    (rc = dbpf_catalog__new(NULL, &r.cat, err, sizeof(err))) != 0 ||
	    (rc = dbpf_set__new(&so, &r.set, err, sizeof(err))) != 0 ||
	    (rc = enable_all(&r, err, sizeof(err))) != 0) {
		fprintf(stderr, "dtrace: could not enable tracing: %s\n", err);
		if (t != NULL)
			dt_bpf_target__abandon(t);
		run_free(&r);
		return -ECANCELED;	/* reported */
	}
	enable_specials(&r);
	fire_special(&r, 0);				/* BEGIN */
	if ((rc = round_done(&r)) == 0 && !st->eng.exiting) {
		if (t != NULL && dt_bpf_target__go(t, err, sizeof(err)) != 0) {
			fprintf(stderr, "dtrace: %s\n", err);
			rc = -ECANCELED;	/* reported */
		} else {
			rc = trace_loop(&r, t, sigs, stop);
		}
	}
	if (rc == -ECANCELED) {
		run_free(&r);
		return rc;
	}
	for (uint32_t i = 0; i < r.natts; i++)	/* stop new firings, then drain */
		dbpf_attach__free(r.atts[i]);
	r.natts = 0;
	if (rc == 0)
		rc = round_done(&r);
	fire_special(&r, 1);				/* END */
	if (rc == 0)
		rc = round_done(&r);
	add_counts(&r);
	if (rc == 0)
		rc = dt_finish(st);
	if (t != NULL)
		dt_bpf_target__abandon(t);
	run_free(&r);
	return rc;
}
