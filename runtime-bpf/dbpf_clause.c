/*
 * dbpf_clause.c — translate every clause enabled on one probe attachment
 * into one BPF program (the shape is in dbpf_clause.h and docs/bpf.md).
 *
 * Theory.  The program is a straight sequence of clauses:
 *
 *   prologue   r9 = ctx; r8 = this program's per-CPU scratch value; the
 *              scratch address as a plain number in fp[SBASE]; firings++
 *   clause k   predicate DIFO -> `done` tests fp[RESULT]; then each step's
 *              DIFOs and what the step does with their results; then the
 *              record goes to the ring buffer; `ja next_k`
 *   fault k    (only when something in clause k can fault) the ERROR
 *              record; errors++; falls into next_k
 *   epilogue   r0 = 0; exit
 *
 * Invariants the verifier relies on:
 *   - DIF registers hold plain numbers only, never BPF pointers: a string
 *     is the *address* of its bytes (scratch address + offset, computed
 *     from fp[SBASE]), and every access through a DIF value goes through a
 *     probe_read helper, which may fault (-> ERROR) but never upsets the
 *     verifier.  Pointers live in r8 (scratch) and r6 (a map value) only,
 *     always offset by constants or by explicitly bounded registers.
 *   - Every area of the scratch value is placed at translation time
 *     (struct layout): counters, the read-only strings (probe names and
 *     every DIFO's string table, written by the loader), the record being
 *     built, the ERROR record, aggregation keys and their initial values
 *     (also written by the loader), and one string buffer per
 *     string-producing instruction of a clause (reused by the next clause).
 *   - Maps are named by ld_imm64 placeholders (DBPF_REF_*) that the loader
 *     (dbpf_set.c) replaces with fds.
 *
 * Beyond records: aggregations (per-CPU hash per id, bucket arithmetic
 * planned at translation time), variables (maps of the set), strings and
 * subroutines (bounded copies and loops over scratch), speculations
 * (buffers claimed with cmpxchg, reserved with fetch_add, committed as one
 * ring-buffer sample), exit() (also in the set's state map), stacks
 * (bpf_get_stack), and stores/allocs/copys confined to the scratch string
 * and allocs areas by a bounds check patched once the size is known.
 *
 * Ownership: the translation (struct dbpf_cprog) owns its arrays; the set
 * owns the maps, aggregation shapes included (dbpf_set_agg_ref).
 * Read next: dbpf_set.c (maps, loading, reading), dbpf_xlate.c (the DIF
 * instruction core this builds on).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dbpf_clause.h"
#include "dbpf_impl.h"
#include "dbpf_set_impl.h"

#define emit	dbpf_emit
#define fail	dbpf_fail
#define R0	BPF_REG_0
#define R1	BPF_REG_1
#define R2	BPF_REG_2
#define R3	BPF_REG_3
#define R4	BPF_REG_4
#define R5	BPF_REG_5
#define R6	BPF_REG_6
#define R8	BPF_REG_8
#define R9	BPF_REG_9
#define FP	BPF_REG_10

#define MAX_SCRATCH	32768u	/* largest per-CPU map value the kernel allows */
#define MAX_COPYIN	1024u	/* copyin() sizes beyond this fault NOSCRATCH */
#define DBPF_MAXSTACK	(128u * 8)	/* stack records and keys: 127 frames + pid */
#define DIGITS		"0123456789abcdefghijklmnopqrstuvwxyz"	/* lltostr */

/* Counters at the start of the scratch value (summed by dbpf_set__counts). */
#define CNT_FIRINGS	0
#define CNT_BUFDROPS	8
#define CNT_AGGDROPS	16
#define CNT_DYNDROPS	24
#define CNT_ERRORS	32
#define CNT_SPECDROPS	40
#define CNT_SPECBUSY	48

struct layout {
	uint32_t	strtab;		/* read-only strings */
	uint32_t	err;		/* ERROR record: 16 + 40 bytes */
	uint32_t	rec;		/* record: 16 + max datasize + 8 */
	uint32_t	tmpa, tmpb;	/* two strsize + 8 temporaries */
	uint32_t	pass;		/* 8 bytes a loop's result goes through */
	uint32_t	key;		/* aggregation / assoc key */
	uint32_t	inits;		/* aggregation initial values */
	uint32_t	strs;		/* string buffers (grow per clause) */
};

struct local {
	uint32_t	id;
};

/* Everything the hook needs while one clause is translated. */
struct cx {
	struct dbpf_set		*set;
	const struct dbpf_attach *at;
	const struct dbpf_clause *cl;
	uint32_t		strsize;
	struct layout		lay;
	uint8_t			*image;		/* initial scratch contents */
	uint32_t		image_size;
	uint32_t		strtab_used;
	uint32_t		inits_used;
	uint32_t		strs_used, strs_max;	/* this clause / program */
	uint32_t		difo_strbase;	/* the current DIFO's strtab offset */
	uint32_t		probe_str[4];	/* probeprov..probename offsets */
	uint32_t		digits;		/* DIGITS in the read-only area */
	uint32_t		v6runs;		/* inet6's zero-run table, 0: none */
	uint32_t		digval;		/* strtoll's byte classes, 0: none */
	uint32_t		locals[DBPF_NLOCALS];
	uint32_t		nlocals;
	int			ttop;		/* tuple depth at this pc */
	bool			needs_sbase;	/* some string address is computed */
	bool			uses_strtok;	/* fp[STRTOK] is read: zero it first */
	bool			speculative;	/* this clause has a SPECULATE step */
	struct limfix {
		size_t		at;		/* a jgt whose imm is limit - width */
		uint32_t	width;
	}			*lims;
	uint32_t		nlims, caplims;
	bool			slack;		/* MAX_COPYIN spare bytes after the
						   scratch value (bcopy) */
	bool			tup_string[DIF_DTR_NREGS];
};

static int subr_speculation(struct dbpf_xl *x, struct cx *c, dif_instr_t in);
static int subr_alloca(struct dbpf_xl *x, struct cx *c, dif_instr_t in);
static int subr_bcopy(struct dbpf_xl *x, struct cx *c, dif_instr_t in);

/* ---- Small emission helpers ---------------------------------------------- */

/*   r<dst> = &map (a placeholder the loader patches) */
static void map_ref(struct dbpf_xl *x, uint8_t dst, uint32_t ref)
{
	dbpf_ld_imm64(x, dst, BPF_PSEUDO_MAP_FD, DBPF_REF(ref));
}

/*   r<dst> = r8 + off (a pointer into scratch) */
static void scratch_ptr(struct dbpf_xl *x, uint8_t dst, uint32_t off)
{
	emit(x, ALU_X(BPF_MOV, dst, R8));
	emit(x, ALU_K(BPF_ADD, dst, (int32_t)off));
}

/*   r0 = fp[SBASE] + off (the same place as a plain number) */
static void scratch_addr(struct dbpf_xl *x, uint32_t off)
{
	((struct cx *)x->harg)->needs_sbase = true;
	emit(x, LDX64(R0, FP, SLOT_SBASE));
	emit(x, ALU_K(BPF_ADD, R0, (int32_t)off));
}

/*   %rd = fp[SBASE] + off: a subroutine's string result in scratch */
static void put_scratch(struct dbpf_xl *x, uint32_t off, dif_instr_t in)
{
	scratch_addr(x, off);
	dbpf_put(x, DIF_INSTR_RD(in));
}

/*   ja loop (a bounded loop's back edge) */
static void loop_back(struct dbpf_xl *x, uint32_t loop)
{
	emit(x, dbpf_mk(BPF_JMP | BPF_JA, 0, 0, (int16_t)((long)loop - (long)x->n - 1), 0));
}

/*   *(u64 *)(r8 + off) += 1 */
static void count(struct dbpf_xl *x, int16_t off)
{
	emit(x, LDX64(R1, R8, off));
	emit(x, ALU_K(BPF_ADD, R1, 1));
	emit(x, STX64(R8, R1, off));
}

/*   *(u64 *)(r8 + off .. off + n) = 0 */
static void zero_scratch(struct dbpf_xl *x, uint32_t off, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 8)
		emit(x, ST64(R8, (int16_t)(off + i), 0));
}

/*
 * A fault whose value is in fp[slot]:  r3 = fp[slot]; fault code(r3)
 */
static void fault_slot(struct dbpf_xl *x, unsigned code, int16_t slot)
{
	emit(x, LDX64(R3, FP, slot));
	dbpf_fault(x, code, R3);
}

/*
 * After a helper that returns < 0 on failure:
 *   jsge r0, 0, +5; r3 = fp[slot]; fault BADADDR(r3)
 */
static void fault_if_negative(struct dbpf_xl *x, int16_t slot)
{
	emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_K, R0, 0, 5, 0));
	fault_slot(x, DIF_FAULT_BADADDR, slot);
}

static uint32_t round8(uint32_t n)
{
	return (n + 7) & ~7u;
}

/* A fresh string buffer of this clause: strsize + 1 bytes (NUL). */
static int new_area(struct dbpf_xl *x, struct cx *c, uint32_t size, uint32_t *off)
{
	uint32_t need = round8(size);

	if ((uint64_t)c->lay.strs + c->strs_used + need > MAX_SCRATCH)
		return fail(x, "pc %lld: the clause needs more than %u bytes of "
		    "per-CPU scratch for strings", (long long)x->curpc, MAX_SCRATCH);
	*off = c->lay.strs + c->strs_used;
	c->strs_used += need;
	if (c->strs_used > c->strs_max)
		c->strs_max = c->strs_used;
	return 0;
}

static int new_string(struct dbpf_xl *x, struct cx *c, uint32_t *off)
{
	return new_area(x, c, c->strsize + 1, off);
}

/*
 * A MAX_COPYIN-byte area whose wanted size is in fp[slot]; a larger size
 * faults before anything is written:
 *   reg = fp[slot]; jle reg, MAX_COPYIN, ok; fault NOSCRATCH(fp[slot]); ok:
 */
static int sized_area(struct dbpf_xl *x, struct cx *c, uint8_t reg, int16_t slot,
    uint32_t *off)
{
	uint32_t ok = dbpf_label_new(x);
	int rc;

	if ((rc = new_area(x, c, MAX_COPYIN, off)) != 0)
		return rc;
	emit(x, LDX64(reg, FP, slot));
	dbpf_jump(x, JK(BPF_JLE, reg, (int32_t)MAX_COPYIN), ok);
	fault_slot(x, DIF_FAULT_NOSCRATCH, slot);
	dbpf_label_bind(x, ok);
	return 0;
}

/*
 * A scalar variable's value from its map (r1 = map, r2 = key already set),
 * 0 when it has none:
 *   call map_lookup_elem; jeq r0, 0, +1; r0 = *(u64 *)r0; %rd = r0
 */
static int lookup_scalar(struct dbpf_xl *x, dif_instr_t in)
{
	emit(x, CALL(BPF_FUNC_map_lookup_elem));
	emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 1, 0));
	emit(x, LDX64(R0, R0, 0));
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * A dynamic variable's store (r1 = map, r2 = key, r3 = value already set);
 * a full map counts a dynamic-variable drop:
 *   r4 = ANY; call map_update_elem; jeq r0, 0, out; dyndrops++; ja out
 */
static void update_or_drop(struct dbpf_xl *x, uint32_t out)
{
	emit(x, ALU_K(BPF_MOV, R4, BPF_ANY));
	emit(x, CALL(BPF_FUNC_map_update_elem));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), out);
	count(x, CNT_DYNDROPS);
	dbpf_jump(x, JA(), out);
}

/*
 * The end of a subroutine whose result is in r0, or 0 from `none`:
 *   ja out; none: r0 = 0; out: %rd = r0
 */
static int result_or_zero(struct dbpf_xl *x, dif_instr_t in, uint32_t none, uint32_t out)
{
	dbpf_jump(x, JA(), out);
	dbpf_label_bind(x, none);
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_label_bind(x, out);
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * The end of a checked memory access whose address is in fp[FVAL]:
 *   bad: fault BADADDR(fp[FVAL]); out:
 */
static int end_badaddr(struct dbpf_xl *x, uint32_t bad, uint32_t out)
{
	dbpf_label_bind(x, bad);
	fault_slot(x, DIF_FAULT_BADADDR, SLOT_FVAL);
	dbpf_label_bind(x, out);
	return 1;
}

static const struct dif_var *find_var(const struct dif_difo *dp, unsigned id,
    unsigned scope)
{
	for (uint32_t i = 0; i < dp->dtdo_varlen && dp->dtdo_vartab; i++)
		if (dp->dtdo_vartab[i].dtdv_id == id &&
		    dp->dtdo_vartab[i].dtdv_scope == scope)
			return &dp->dtdo_vartab[i];
	return NULL;
}

static bool is_string_var(const struct dif_difo *dp, unsigned id, unsigned scope)
{
	const struct dif_var *v = find_var(dp, id, scope);

	return v != NULL && v->dtdv_type.dtdt_kind == DIF_TYPE_STRING;
}

/* ---- Built-in variables and arguments -------------------------------------- */

/*
 * argN from its source:
 *   CTX        r0 = *(u<size> *)(r9 + off) [sign-extended]
 *   CTX_DEREF  r3 = *(u64 *)(r9 + off) + deref; probe_read_kernel(fp+TMP,
 *              size, r3) or fault BADADDR; r0 = *(u<size> *)(fp + TMP)
 *   CONST/ZERO r0 = value
 */
static int load_src(struct dbpf_xl *x, const struct dbpf_argsrc *a, const char *what)
{
	static const uint8_t bsz[9] = { 0, BPF_B, BPF_H, 0, BPF_W, 0, 0, 0, BPF_DW };
	unsigned size = a->as_size;

	switch (a->as_kind) {
	case DBPF_ARG_ZERO:
		emit(x, ALU_K(BPF_MOV, R0, 0));
		return 0;
	case DBPF_ARG_CONST:
		dbpf_ld_imm64(x, R0, 0, a->as_value);
		return 0;
	case DBPF_ARG_PC_KERNEL: case DBPF_ARG_PC_USER:
		/* r1 = cs & 3; r0 = ip; j(eq|ne) r1, 0, +1; r0 = 0 */
		emit(x, LDX64(R1, R9, (int16_t)a->as_deref));
		emit(x, ALU_K(BPF_AND, R1, 3));
		emit(x, LDX64(R0, R9, (int16_t)a->as_off));
		emit(x, dbpf_mk(BPF_JMP | (a->as_kind == DBPF_ARG_PC_KERNEL ? BPF_JEQ : BPF_JNE) |
		    BPF_K, R1, 0, 1, 0));
		emit(x, ALU_K(BPF_MOV, R0, 0));
		return 0;
	case DBPF_ARG_CTX: case DBPF_ARG_CTX_DEREF: case DBPF_ARG_CTX_DEREF2:
	case DBPF_ARG_EXIT_REASON:
		break;
	default:
		return fail(x, "%s: unknown argument source kind %u", what, a->as_kind);
	}
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fail(x, "%s: field size %u is not 1, 2, 4 or 8", what, size);
	if (a->as_kind == DBPF_ARG_CTX) {
		emit(x, LDXSZ(bsz[size], R0, R9, (int16_t)a->as_off));
	} else {
		/*
		 *   r3 = *(u64 *)(r9 + off) + deref
		 *   [DEREF2: probe_read_kernel(fp+TMP, 8, r3); r3 = fp[TMP] + deref2]
		 *   probe_read_kernel(fp+TMP, size, r3); failure: fault BADADDR or 0
		 */
		uint32_t done = dbpf_label_new(x), bad = dbpf_label_new(x);
		int hops = a->as_kind == DBPF_ARG_CTX_DEREF2 ? 2 : 1;

		emit(x, LDX64(R3, R9, (int16_t)a->as_off));
		emit(x, ALU_K(BPF_ADD, R3, a->as_deref));
		for (int h = 0; h < hops; h++) {
			unsigned w = h + 1 < hops ? 8 : size;

			if (h > 0) {
				emit(x, LDX64(R3, FP, SLOT_TMP));
				emit(x, ALU_K(BPF_ADD, R3, a->as_deref2));
			}
			emit(x, STX64(FP, R3, SLOT_FVAL));
			emit(x, ST64(FP, SLOT_TMP, 0));
			dbpf_fp_addr(x, R1, SLOT_TMP);
			emit(x, ALU_K(BPF_MOV, R2, (int32_t)w));
			emit(x, CALL(BPF_FUNC_probe_read_kernel));
			dbpf_jump(x, JK(BPF_JNE, R0, 0), bad);
		}
		emit(x, LDXSZ(bsz[size], R0, FP, SLOT_TMP));
		dbpf_jump(x, JA(), done);
		dbpf_label_bind(x, bad);
		if (a->as_zero_on_fault)
			emit(x, ALU_K(BPF_MOV, R0, 0));
		else
			fault_slot(x, DIF_FAULT_BADADDR, SLOT_FVAL);
		dbpf_label_bind(x, done);
	}
	if (a->as_signed && size < 8) {
		emit(x, ALU_K(BPF_LSH, R0, (int32_t)(64 - 8 * size)));
		emit(x, ALU_K(BPF_ARSH, R0, (int32_t)(64 - 8 * size)));
	}
	if (a->as_kind == DBPF_ARG_EXIT_REASON) {
		/* r1 = v; r0 = 1; r1 & 0x7f == 0 -> out; r0 = 3; v & 0x80 -> out; r0 = 2 */
		emit(x, ALU_X(BPF_MOV, R1, R0));
		emit(x, ALU_K(BPF_MOV, R0, 1));
		emit(x, ALU_X(BPF_MOV, R2, R1));
		emit(x, ALU_K(BPF_AND, R2, 0x7f));
		emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R2, 0, 3, 0));
		emit(x, ALU_K(BPF_MOV, R0, 3));
		emit(x, dbpf_mk(BPF_JMP | BPF_JSET | BPF_K, R1, 0, 1, 0x80));
		emit(x, ALU_K(BPF_MOV, R0, 2));
	}
	return 0;
}

static int load_arg(struct dbpf_xl *x, struct cx *c, unsigned n)
{
	const struct dbpf_argsrc *a = n < DBPF_MAXARGS ? &c->at->at_args[n] : NULL;
	char what[16];

	if (a == NULL || a->as_kind == DBPF_ARG_NONE)
		return fail(x, "pc %lld: arg%u is not provided by this probe",
		    (long long)x->curpc, n);
	snprintf(what, sizeof(what), "arg%u", n);
	return load_src(x, a, what);
}

/*
 * ldga args[%ri]: a compare chain over the provided arguments:
 *   r0 = 0; r4 = %ri; jne r4, 0, +k; <arg0>; ja out; jne r4, 1, ...; out:
 * An index with no argument reads 0.
 */
static int ldga_args(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t out = dbpf_label_new(x);
	int rc;

	dbpf_get(x, R0, DIF_INSTR_R2(in));
	emit(x, STX64(FP, R0, SLOT_A));
	for (unsigned n = 0; n < DBPF_MAXARGS; n++) {
		uint32_t next;

		if (c->at->at_args[n].as_kind == DBPF_ARG_NONE)
			continue;
		next = dbpf_label_new(x);
		emit(x, LDX64(R4, FP, SLOT_A));
		dbpf_jump(x, JK(BPF_JNE, R4, (int32_t)n), next);
		if ((rc = load_arg(x, c, n)) != 0)
			return rc;
		dbpf_jump(x, JA(), out);
		dbpf_label_bind(x, next);
	}
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_label_bind(x, out);
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/* A constant string placed in the read-only area; its offset. */
static int add_const_string(struct dbpf_xl *x, struct cx *c, const char *s,
    uint32_t *off)
{
	size_t n = strlen(s ? s : "") + 1;

	if (c->strtab_used + n > c->lay.err - c->lay.strtab)
		return fail(x, "internal error: read-only string area is full");
	*off = c->lay.strtab + c->strtab_used;
	memcpy(c->image + *off, s ? s : "", n);
	c->strtab_used += (uint32_t)n;
	return 0;
}

/*
 * ldgs of built-ins that depend on the clause or the probe:
 *   execname   r1 = r8 + S; r2 = 16; call get_current_comm; r0 = SBASE + S
 *   probe*     r0 = SBASE + <offset of the constant string>
 *   id, epid   r0 = constant
 *   argN       load_arg
 * Others go to the core (timestamp, pid, tid, uid, gid, cpu, curthread).
 */
static int builtin_value(struct dbpf_xl *x, struct cx *c, unsigned var)
{
	uint32_t off = 0;
	int rc;

	switch (var) {
	case DIF_VAR_EXECNAME:
		if ((rc = new_string(x, c, &off)) != 0)
			return rc;
		scratch_ptr(x, R1, off);
		emit(x, ALU_K(BPF_MOV, R2, 16));
		emit(x, CALL(BPF_FUNC_get_current_comm));
		scratch_addr(x, off);
		return 1;
	case DIF_VAR_PROBEPROV: case DIF_VAR_PROBEMOD:
	case DIF_VAR_PROBEFUNC: case DIF_VAR_PROBENAME:
		scratch_addr(x, c->probe_str[var - DIF_VAR_PROBEPROV]);
		return 1;
	case DIF_VAR_ID:
		dbpf_ld_imm64(x, R0, 0, c->at->at_probe_id);
		return 1;
	case DIF_VAR_EPID:
		dbpf_ld_imm64(x, R0, 0, c->cl->epid);
		return 1;
	case DIF_VAR_STACKDEPTH: case DIF_VAR_USTACKDEPTH:
		/*
		 *   r1 = ctx; r2 = r8 + S; r3 = 127 * 8; r4 = flags; call get_stack
		 *   r0 = r0 < 0 ? 0 : r0 / 8
		 */
		if ((rc = new_area(x, c, 127 * 8, &off)) != 0)
			return rc;
		emit(x, ALU_X(BPF_MOV, R1, R9));
		scratch_ptr(x, R2, off);
		emit(x, ALU_K(BPF_MOV, R3, 127 * 8));
		emit(x, ALU_K(BPF_MOV, R4, var == DIF_VAR_USTACKDEPTH ? BPF_F_USER_STACK : 0));
		emit(x, CALL(BPF_FUNC_get_stack));
		emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_K, R0, 0, 1, 0));
		emit(x, ALU_K(BPF_MOV, R0, 0));
		emit(x, ALU_K(BPF_RSH, R0, 3));
		return 1;
	case DIF_VAR_ERRNO:
		/*   r0 = <source>; r0 = (r0 s< 0 && r0 s>= -4095) ? -r0 : 0 */
		if (c->at->at_errno.as_kind == DBPF_ARG_NONE) {
			emit(x, ALU_K(BPF_MOV, R0, 0));
			return 1;
		}
		if ((rc = load_src(x, &c->at->at_errno, "errno")) != 0)
			return rc;
		emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_K, R0, 0, 3, 0));
		emit(x, dbpf_mk(BPF_JMP | BPF_JSLT | BPF_K, R0, 0, 2, -4095));
		emit(x, ALU_K(BPF_NEG, R0, 0));
		emit(x, dbpf_mk(BPF_JMP | BPF_JA, 0, 0, 1, 0));
		emit(x, ALU_K(BPF_MOV, R0, 0));
		return 1;
	case DIF_VAR_WALLTIMESTAMP:
		/* CLOCK_MONOTONIC + (REALTIME - MONOTONIC when the set was made) */
		emit(x, CALL(BPF_FUNC_ktime_get_ns));
		dbpf_ld_imm64(x, R1, 0, dbpf_set_wall_offset(c->set));
		emit(x, ALU_X(BPF_ADD, R0, R1));
		return 1;
	case DIF_VAR_PPID:
		/*
		 *   call get_current_task; r3 = r0 + real_parent
		 *   probe_read_kernel(fp+TMP, 8, r3); r3 = fp[TMP] + tgid
		 *   probe_read_kernel(fp+TMP, 4, r3); r0 = (u32) fp[TMP]  (0 on failure)
		 */
		if (c->at->at_off_real_parent == 0 || c->at->at_off_tgid == 0)
			return fail(x, "pc %lld: ppid needs task_struct offsets this probe "
			    "does not give", (long long)x->curpc);
		emit(x, CALL(BPF_FUNC_get_current_task));
		emit(x, ALU_X(BPF_MOV, R3, R0));
		emit(x, ALU_K(BPF_ADD, R3, (int32_t)c->at->at_off_real_parent));
		emit(x, ST64(FP, SLOT_TMP, 0));
		dbpf_fp_addr(x, R1, SLOT_TMP);
		emit(x, ALU_K(BPF_MOV, R2, 8));
		emit(x, CALL(BPF_FUNC_probe_read_kernel));
		emit(x, LDX64(R3, FP, SLOT_TMP));
		emit(x, ALU_K(BPF_ADD, R3, (int32_t)c->at->at_off_tgid));
		emit(x, ST64(FP, SLOT_TMP, 0));
		dbpf_fp_addr(x, R1, SLOT_TMP);
		emit(x, ALU_K(BPF_MOV, R2, 4));
		emit(x, CALL(BPF_FUNC_probe_read_kernel));
		emit(x, LDXSZ(BPF_W, R0, FP, SLOT_TMP));
		return 1;
	case DIF_VAR_VTIMESTAMP:
		/* The thread's CPU time (task->se.sum_exec_runtime) is brought
		 * up to date only at scheduler events; in a probe it lags by up
		 * to a tick, and no helper reads the current value. */
		return fail(x, "pc %lld: vtimestamp is not available in BPF: the "
		    "kernel updates a thread's CPU time only at scheduler events, "
		    "and no BPF helper reads its current value", (long long)x->curpc);
	case DIF_VAR_CALLER:
		/* A probe's caller is a fixed number of frames up only for a
		 * given kernel and attach type (trampolines, tracepoint entry code). */
		return fail(x, "pc %lld: caller is not available in BPF: which frame "
		    "of the kernel stack is the probed function's caller depends on "
		    "the kernel and the attach type; use stack()", (long long)x->curpc);
	case DIF_VAR_UCALLER:
		/*
		 * The second pc of the user stack, as ustack() records it (the
		 * engine's rule: frame 1, or 0 without one):
		 *   r1 = ctx; r2 = r8 + S; r3 = 16; r4 = USER_STACK; call get_stack
		 *   r1 = r0; r0 = 0; jslt r1, 16, +1; r0 = *(u64 *)(r8 + S + 8)
		 */
		if ((rc = new_area(x, c, 16, &off)) != 0)
			return rc;
		emit(x, ALU_X(BPF_MOV, R1, R9));
		scratch_ptr(x, R2, off);
		emit(x, ALU_K(BPF_MOV, R3, 16));
		emit(x, ALU_K(BPF_MOV, R4, BPF_F_USER_STACK));
		emit(x, CALL(BPF_FUNC_get_stack));
		emit(x, ALU_X(BPF_MOV, R1, R0));
		emit(x, ALU_K(BPF_MOV, R0, 0));
		emit(x, dbpf_mk(BPF_JMP | BPF_JSLT | BPF_K, R1, 0, 1, 16));
		emit(x, LDX64(R0, R8, (int16_t)(off + 8)));
		return 1;
	default:
		if (var >= DIF_VAR_ARG0 && var <= DIF_VAR_ARG9) {
			rc = load_arg(x, c, var - DIF_VAR_ARG0);
			return rc < 0 ? rc : 1;
		}
		return 0;
	}
}

/*   r0 = <built-in>; %rd = r0 */
static int ldgs_builtin(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	int rc = builtin_value(x, c, DIF_INSTR_VAR(in));

	if (rc == 1)
		dbpf_put(x, DIF_INSTR_RD(in));
	return rc;
}

/* ---- Variables ----------------------------------------------------------- */

/*
 * r0 = the key of `self`: bpf_get_current_pid_tgid(), or, for a probe about
 * another thread, (tgid << 32) | tid from the attach point's sources
 * (fp[A] is used as a temporary).
 */
static int self_key(struct dbpf_xl *x, struct cx *c)
{
	int rc;

	if (c->at->at_self_tid.as_kind == DBPF_ARG_NONE) {
		emit(x, CALL(BPF_FUNC_get_current_pid_tgid));
		return 0;
	}
	if ((rc = load_src(x, &c->at->at_self_tgid, "self tgid")) != 0)
		return rc;
	emit(x, ALU_K(BPF_LSH, R0, 32));
	emit(x, STX64(FP, R0, SLOT_A));
	if ((rc = load_src(x, &c->at->at_self_tid, "self tid")) != 0)
		return rc;
	emit(x, ALU_K(BPF_LSH, R0, 32));
	emit(x, ALU_K(BPF_RSH, R0, 32));
	emit(x, LDX64(R1, FP, SLOT_A));
	emit(x, ALU_X(BPF_OR, R0, R1));
	return 0;
}

/*
 * Global scalar: an ARRAY map indexed by id - UBASE.
 *   ldgs: fp[KEY] = idx; r0 = lookup(gvars, fp+KEY); r0 = r0 ? *r0 : 0
 *   stgs: fp[KEY] = idx; fp[VVAL] = %rs; update(gvars, fp+KEY, fp+VVAL, ANY)
 */
static int global_var(struct dbpf_xl *x, const struct dif_difo *dp,
    dif_instr_t in, bool store)
{
	unsigned var = DIF_INSTR_VAR(in);
	uint32_t idx = var - DIF_VAR_OTHER_UBASE;

	if (idx >= DBPF_NGVARS)
		return fail(x, "pc %lld: global variable id 0x%x is beyond the %u "
		    "globals BPF programs have", (long long)x->curpc, var, DBPF_NGVARS);
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_W, FP, 0, SLOT_KEY, (int32_t)idx));
	map_ref(x, R1, DBPF_REF_GVARS);
	dbpf_fp_addr(x, R2, SLOT_KEY);
	if (store) {
		dbpf_get(x, R0, DIF_INSTR_RS(in));
		emit(x, STX64(FP, R0, SLOT_VVAL));
		dbpf_fp_addr(x, R3, SLOT_VVAL);
		emit(x, ALU_K(BPF_MOV, R4, BPF_ANY));
		emit(x, CALL(BPF_FUNC_map_update_elem));
		return 1;
	}
	return lookup_scalar(x, in);
}

/*
 * Thread-local scalar: a HASH map keyed by {pid_tgid, id}.
 *   call get_current_pid_tgid; fp[VKEY] = r0; fp[VKEY+8] = id
 *   ldts: r0 = lookup(tvars, fp+VKEY); r0 = r0 ? *r0 : 0
 *   stts: %rs == 0 ? delete(tvars, key)
 *                  : update(tvars, key, fp+VVAL, ANY) or dyndrops++
 */
static int thread_var(struct dbpf_xl *x, struct cx *c, const struct dif_difo *dp,
    dif_instr_t in, bool store)
{
	unsigned var = DIF_INSTR_VAR(in);
	uint32_t del = dbpf_label_new(x), out = dbpf_label_new(x);
	int rc;

	(void)dp;
	if ((rc = self_key(x, c)) != 0)
		return rc;
	emit(x, STX64(FP, R0, SLOT_VKEY));
	emit(x, ST64(FP, SLOT_VKEY + 8, (int32_t)var));
	map_ref(x, R1, DBPF_REF_TVARS);
	dbpf_fp_addr(x, R2, SLOT_VKEY);
	if (!store)
		return lookup_scalar(x, in);
	dbpf_get(x, R0, DIF_INSTR_RS(in));
	emit(x, STX64(FP, R0, SLOT_VVAL));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), del);
	dbpf_fp_addr(x, R3, SLOT_VVAL);
	update_or_drop(x, out);
	dbpf_label_bind(x, del);
	emit(x, CALL(BPF_FUNC_map_delete_elem));
	dbpf_label_bind(x, out);
	return 1;
}

/*
 * Clause-local: a stack slot per variable of the clause (zeroed when the
 * clause starts).   ldls: %rd = fp[LOCAL(i)]    stls: fp[LOCAL(i)] = %rs
 */
static int local_var(struct dbpf_xl *x, struct cx *c, dif_instr_t in, bool store)
{
	unsigned var = DIF_INSTR_VAR(in);
	uint32_t i;

	for (i = 0; i < c->nlocals && c->locals[i] != var; i++)
		;
	if (i == c->nlocals) {
		if (c->nlocals == DBPF_NLOCALS)
			return fail(x, "pc %lld: more than %u clause-local variables",
			    (long long)x->curpc, DBPF_NLOCALS);
		c->locals[c->nlocals++] = var;
	}
	if (store) {
		dbpf_get(x, R0, DIF_INSTR_RS(in));
		emit(x, STX64(FP, R0, SLOT_LOCAL(i)));
	} else {
		emit(x, LDX64(R0, FP, SLOT_LOCAL(i)));
		dbpf_put(x, DIF_INSTR_RD(in));
	}
	return 1;
}

/* ---- Tuple stack and strings ------------------------------------------------ */

/*
 *   fp[TUP(t)] = %rs; fp[TUPSZ(t)] = %r2 (pushtr) or 0 (pushtv)
 * A string pushtr reads the string's first byte, as the emulator (which
 * measures the string there) does, so a bad address faults at the push:
 *   probe_read_kernel(fp + TMP, 1, %rs) or fault BADADDR(%rs)
 */
static int push(struct dbpf_xl *x, struct cx *c, dif_instr_t in, bool byref)
{
	int t = c->ttop;

	if (t >= DIF_DTR_NREGS)
		return fail(x, "pc %lld: tuple stack overflow", (long long)x->curpc);
	dbpf_get(x, R0, DIF_INSTR_RS(in));
	emit(x, STX64(FP, R0, SLOT_TUP(t)));
	if (byref && DIF_INSTR_TYPE(in) == DIF_TYPE_STRING) {
		uint32_t ok = dbpf_label_new(x);

		dbpf_fp_addr(x, R1, SLOT_TMP);
		emit(x, ALU_K(BPF_MOV, R2, 1));
		emit(x, ALU_X(BPF_MOV, R3, R0));
		emit(x, CALL(BPF_FUNC_probe_read_kernel));
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), ok);
		fault_slot(x, DIF_FAULT_BADADDR, SLOT_TUP(t));
		dbpf_label_bind(x, ok);
	}
	if (byref)
		dbpf_get(x, R0, DIF_INSTR_R2(in));
	else
		emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, STX64(FP, R0, SLOT_TUPSZ(t)));
	c->tup_string[t] = byref && DIF_INSTR_TYPE(in) == DIF_TYPE_STRING;
	c->ttop++;
	return 1;
}

/*
 * Copy the string at the address in fp[slot] into r8 + off (at most
 * strsize bytes + NUL); a zero address gives "".
 *   r3 = fp[slot]; *(u8 *)(r8 + off) = 0; jeq r3, 0, out
 *   r1 = r8 + off; r2 = strsize + 1; call probe_read_kernel_str
 *   jsge r0, 0, out; fault BADADDR(fp[slot])
 */
static void copy_string(struct dbpf_xl *x, struct cx *c, int16_t slot, uint32_t off)
{
	uint32_t out = dbpf_label_new(x);

	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)off, 0));
	emit(x, LDX64(R3, FP, slot));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), out);
	scratch_ptr(x, R1, off);
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
	emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
	dbpf_jump(x, JK(BPF_JSGE, R0, 0), out);
	fault_slot(x, DIF_FAULT_BADADDR, slot);
	dbpf_label_bind(x, out);
}

/*
 * scmp %a, %b: both strings into the two temporaries, then a bounded loop
 *   r1 = 0
 * loop: r4 = tmpa[r1]; r5 = tmpb[r1]; jne r4, r5, diff; jeq r4, 0, same
 *       r1 += 1; jlt r1, strsize + 1, loop
 * same: r0 = Z; ja out
 * diff: r0 = 0; jgt r4, r5, out; r0 = N
 * out:  fp[FLAGS] = r0
 * Identical addresses compare equal without reading, like the emulator.
 */
static int scmp(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t same = dbpf_label_new(x), diff = dbpf_label_new(x);
	uint32_t out = dbpf_label_new(x);
	size_t loop;

	dbpf_get(x, R0, DIF_INSTR_R1(in));
	emit(x, STX64(FP, R0, SLOT_A));
	dbpf_get(x, R1, DIF_INSTR_R2(in));
	emit(x, STX64(FP, R1, SLOT_B));
	dbpf_jump(x, JX(BPF_JEQ, R0, R1), same);
	copy_string(x, c, SLOT_A, c->lay.tmpa);
	copy_string(x, c, SLOT_B, c->lay.tmpb);
	emit(x, ALU_K(BPF_MOV, R1, 0));
	loop = x->n;
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R4, R2, 0));
	scratch_ptr(x, R2, c->lay.tmpb);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R5, R2, 0));
	dbpf_jump(x, JX(BPF_JNE, R4, R5), diff);
	dbpf_jump(x, JK(BPF_JEQ, R4, 0), same);
	emit(x, ALU_K(BPF_ADD, R1, 1));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLT | BPF_K, R1, 0,
	    (int16_t)((long)loop - (long)x->n - 1), (int32_t)(c->strsize + 1)));
	dbpf_label_bind(x, same);
	emit(x, ALU_K(BPF_MOV, R0, CC_Z));
	dbpf_jump(x, JA(), out);
	dbpf_label_bind(x, diff);
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_jump(x, JX(BPF_JGT, R4, R5), out);
	emit(x, ALU_K(BPF_MOV, R0, CC_N));
	dbpf_label_bind(x, out);
	emit(x, STX64(FP, R0, SLOT_FLAGS));
	return 1;
}

/*
 * copyinstr(addr [, max]):  S = a fresh string buffer
 *   r2 = min(max, strsize) + 1 (or strsize + 1); r1 = r8 + S; r3 = addr
 *   call probe_read_user_str; jsge r0, 0, ok; fault BADADDR(addr)
 *   ok: r0 = SBASE + S
 */
static int subr_copyinstr(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t off = 0;
	int rc;

	if ((rc = new_string(x, c, &off)) != 0)
		return rc;
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
	if (c->ttop > 1) {
		uint32_t big = dbpf_label_new(x);

		emit(x, LDX64(R1, FP, SLOT_TUP(1)));
		dbpf_jump(x, JK(BPF_JGE, R1, (int32_t)c->strsize), big);
		emit(x, ALU_X(BPF_MOV, R2, R1));
		emit(x, ALU_K(BPF_ADD, R2, 1));
		dbpf_label_bind(x, big);
	}
	scratch_ptr(x, R1, off);
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	emit(x, CALL(BPF_FUNC_probe_read_user_str));
	fault_if_negative(x, SLOT_TUP(0));
	put_scratch(x, off, in);
	return 1;
}

/*
 * strlen(s):  r0 = 0; r3 = s; jeq r3, 0, out
 *   r1 = r8 + tmpa; r2 = strsize + 1; call probe_read_kernel_str
 *   jsge r0, 0, +5; fault BADADDR(s); r0 -= 1
 * out: %rd = r0
 */
static int subr_strlen(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t out = dbpf_label_new(x);

	emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), out);
	scratch_ptr(x, R1, c->lay.tmpa);
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
	emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
	fault_if_negative(x, SLOT_TUP(0));
	emit(x, ALU_K(BPF_SUB, R0, 1));
	dbpf_label_bind(x, out);
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * The string at the address in fp[slot] into r8 + off, and its length in
 * r0 (0 for a zero address).  The length comes from the helper's return
 * value, so the verifier sees one range [0, strsize] instead of one
 * constant per loop exit; loops indexed by it then converge in a few
 * iterations of verification:
 *   r0 = 0; *(u8 *)(r8 + off) = 0; r3 = fp[slot]; jeq r3, 0, out
 *   r1 = r8 + off; r2 = strsize + 1; call probe_read_kernel_str
 *   jsgt r0, 0, ok; fault BADADDR(fp[slot]); ok: r0 -= 1
 *   out: jle r0, strsize, +1; r0 = strsize
 */
static void copy_len(struct dbpf_xl *x, struct cx *c, int16_t slot, uint32_t off)
{
	uint32_t ok = dbpf_label_new(x), out = dbpf_label_new(x);

	emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)off, 0));
	emit(x, LDX64(R3, FP, slot));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), out);
	scratch_ptr(x, R1, off);
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
	emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
	dbpf_jump(x, JK(BPF_JSGT, R0, 0), ok);
	fault_slot(x, DIF_FAULT_BADADDR, slot);
	dbpf_label_bind(x, ok);
	emit(x, ALU_K(BPF_SUB, R0, 1));
	dbpf_label_bind(x, out);
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R0, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, R0, (int32_t)c->strsize));
}

/*
 * toupper(s) / tolower(s): tmpa = s; S[i] = tmpa[i] with the case mapped,
 * up to the NUL (a bounded loop); %rd = SBASE + S
 */
static int subr_case(struct dbpf_xl *x, struct cx *c, dif_instr_t in, bool upper)
{
	uint32_t s = 0, out = dbpf_label_new(x);
	int lo = upper ? 'a' : 'A', hi = upper ? 'z' : 'Z';
	size_t loop;
	int rc;

	if ((rc = new_string(x, c, &s)) != 0)
		return rc;
	copy_string(x, c, SLOT_TUP(0), c->lay.tmpa);
	emit(x, ALU_K(BPF_MOV, R1, 0));
	loop = x->n;
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R3, R2, 0));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLT | BPF_K, R3, 0, 2, lo));
	emit(x, dbpf_mk(BPF_JMP | BPF_JGT | BPF_K, R3, 0, 1, hi));
	emit(x, ALU_K(BPF_XOR, R3, 0x20));	/* flips the ASCII case bit */
	scratch_ptr(x, R2, s);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, STXSZ(BPF_B, R2, R3, 0));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), out);
	emit(x, ALU_K(BPF_ADD, R1, 1));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLT | BPF_K, R1, 0,
	    (int16_t)((long)loop - (long)x->n - 1), (int32_t)(c->strsize + 1)));
	dbpf_label_bind(x, out);
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)(s + c->strsize), 0));
	put_scratch(x, s, in);
	return 1;
}

/*
 * strchr(s, c) / strrchr(s, c): the first / last i <= strlen(s) with
 * s[i] == c (the NUL counts), as s + i, or 0.  Both loops stop at their
 * first hit (strrchr walks backwards from the NUL), which keeps the
 * verifier's work linear in strsize:
 *   strchr:  tmpa = s; r1 = 0
 *            loop: r3 = tmpa[r1]; jeq r3, c, hit; jeq r3, 0, none
 *                  r1 += 1; jlt r1, strsize + 1, loop; ja none
 *   strrchr: r1 = strlen(s) (tmpa = s, copy_len)
 *            loop: r3 = tmpa[r1]; jeq r3, c, hit; jeq r1, 0, none
 *                  r1 -= 1; ja loop (r1 only decreases from <= strsize)
 *   hit: pass = r1; found: r0 = s + pass      none: r0 = 0
 */
static int subr_strchr(struct dbpf_xl *x, struct cx *c, dif_instr_t in, bool last)
{
	uint32_t hit = dbpf_label_new(x), none = dbpf_label_new(x);
	uint32_t out = dbpf_label_new(x), found = dbpf_label_new(x);
	size_t loop;

	if (last) {
		copy_len(x, c, SLOT_TUP(0), c->lay.tmpa);
		emit(x, ALU_X(BPF_MOV, R1, R0));
	} else {
		copy_string(x, c, SLOT_TUP(0), c->lay.tmpa);
		emit(x, ALU_K(BPF_MOV, R1, 0));
	}
	emit(x, LDX64(R4, FP, SLOT_TUP(1)));
	emit(x, ALU_K(BPF_AND, R4, 0xff));
	loop = x->n;
	dbpf_jump(x, JK(BPF_JGT, R1, (int32_t)c->strsize), none);
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R3, R2, 0));
	dbpf_jump(x, JX(BPF_JEQ, R3, R4), hit);
	if (last) {
		dbpf_jump(x, JK(BPF_JEQ, R1, 0), none);
		emit(x, ALU_K(BPF_SUB, R1, 1));
		loop_back(x, loop);
	} else {
		dbpf_jump(x, JK(BPF_JEQ, R3, 0), none);
		emit(x, ALU_K(BPF_ADD, R1, 1));
		emit(x, dbpf_mk(BPF_JMP | BPF_JLT | BPF_K, R1, 0,
		    (int16_t)((long)loop - (long)x->n - 1), (int32_t)(c->strsize + 1)));
		dbpf_jump(x, JA(), none);
	}
	dbpf_label_bind(x, hit);
	emit(x, STX64(R8, R1, (int16_t)c->lay.pass));
	dbpf_jump(x, JA(), found);	/* see slash_loop: one state after the loop */
	dbpf_label_bind(x, found);
	emit(x, LDX64(R1, R8, (int16_t)c->lay.pass));
	emit(x, LDX64(R0, FP, SLOT_TUP(0)));
	emit(x, ALU_X(BPF_ADD, R0, R1));
	return result_or_zero(x, in, none, out);
}

/*
 * substr(s, index [, len]) with the emulator's rules (negative index counts
 * from the end, negative len leaves bytes off the end, out of range is ""):
 *   tmpa = s; l = strlen; i = index; r = len or strsize
 *   i < 0: i += l; [i < 0 && i + r > 0: r += i; i = 0]
 *   i >= l || i < 0: r = 0
 *   else r < 0: r += l - i, < 0 -> 0;  else i + r > l: r = l - i
 *   S = the r bytes at tmpa + i, then NUL
 * Registers: r6 = l, r4 = i, r5 = r (helpers clobber r1..r5: i and r are
 * kept in fp[A] / fp[B] across the copy).
 */
static int subr_substr(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t s = 0, zero = dbpf_label_new(x), ok = dbpf_label_new(x);
	uint32_t pos = dbpf_label_new(x), neg = dbpf_label_new(x), copy = dbpf_label_new(x);
	int rc;

	if ((rc = new_string(x, c, &s)) != 0)
		return rc;
	copy_len(x, c, SLOT_TUP(0), c->lay.tmpa);
	emit(x, ALU_X(BPF_MOV, R6, R0));
	emit(x, LDX64(R4, FP, SLOT_TUP(1)));
	if (c->ttop > 2)
		emit(x, LDX64(R5, FP, SLOT_TUP(2)));
	else
		emit(x, ALU_K(BPF_MOV, R5, (int32_t)c->strsize));
	dbpf_jump(x, JK(BPF_JSGE, R4, 0), pos);
	emit(x, ALU_X(BPF_ADD, R4, R6));
	dbpf_jump(x, JK(BPF_JSGE, R4, 0), pos);
	emit(x, ALU_X(BPF_MOV, R1, R4));
	emit(x, ALU_X(BPF_ADD, R1, R5));
	dbpf_jump(x, JK(BPF_JSLE, R1, 0), pos);
	emit(x, ALU_X(BPF_ADD, R5, R4));
	emit(x, ALU_K(BPF_MOV, R4, 0));
	dbpf_label_bind(x, pos);
	dbpf_jump(x, JX(BPF_JSGE, R4, R6), zero);
	dbpf_jump(x, JK(BPF_JSLT, R4, 0), zero);
	dbpf_jump(x, JK(BPF_JSLT, R5, 0), neg);
	emit(x, ALU_X(BPF_MOV, R1, R4));
	emit(x, ALU_X(BPF_ADD, R1, R5));
	dbpf_jump(x, JX(BPF_JSLE, R1, R6), ok);
	emit(x, ALU_X(BPF_MOV, R5, R6));
	emit(x, ALU_X(BPF_SUB, R5, R4));
	dbpf_jump(x, JA(), ok);
	dbpf_label_bind(x, neg);
	emit(x, ALU_X(BPF_ADD, R5, R6));
	emit(x, ALU_X(BPF_SUB, R5, R4));
	dbpf_jump(x, JK(BPF_JSGE, R5, 0), ok);
	dbpf_label_bind(x, zero);
	emit(x, ALU_K(BPF_MOV, R5, 0));
	emit(x, ALU_K(BPF_MOV, R4, 0));
	dbpf_label_bind(x, ok);
	/* bounds for the verifier: 0 <= i, r <= strsize */
	dbpf_jump(x, JK(BPF_JGT, R4, (int32_t)c->strsize), zero);
	dbpf_jump(x, JK(BPF_JGT, R5, (int32_t)c->strsize), zero);
	emit(x, STX64(FP, R5, SLOT_B));
	dbpf_jump(x, JK(BPF_JEQ, R5, 0), copy);
	scratch_ptr(x, R1, s);
	emit(x, ALU_X(BPF_MOV, R2, R5));
	scratch_ptr(x, R3, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R3, R4));
	emit(x, CALL(BPF_FUNC_probe_read_kernel));
	dbpf_label_bind(x, copy);
	emit(x, LDX64(R5, FP, SLOT_B));
	dbpf_jump(x, JK(BPF_JGT, R5, (int32_t)c->strsize), zero);
	scratch_ptr(x, R1, s);
	emit(x, ALU_X(BPF_ADD, R1, R5));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R1, 0, 0, 0));
	put_scratch(x, s, in);
	return 1;
}

/*
 * strjoin(a, b) into a buffer of 2 * (strsize + 1) bytes (so the second
 * copy's offset and size need no correlation for the verifier):
 *   A[0] = 0; [n = probe_read_kernel_str(A, strsize + 1, a) - 1]
 *   [probe_read_kernel_str(A + n, strsize + 1, b)]; A[strsize] = 0
 * A zero address joins as "".  Faults BADADDR.
 */
static int subr_strjoin(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t a = 0, skip = dbpf_label_new(x), done = dbpf_label_new(x);
	int rc;

	if ((rc = new_area(x, c, 2 * (c->strsize + 1), &a)) != 0)
		return rc;
	copy_string(x, c, SLOT_TUP(0), a);
	/* n = strlen(A): recount from the copy (0 when a was 0) */
	emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), skip);
	scratch_ptr(x, R1, a);
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
	emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
	emit(x, ALU_K(BPF_SUB, R0, 1));
	dbpf_label_bind(x, skip);
	emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_K, R0, 0, 1, 0));
	emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R0, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, R0, (int32_t)c->strsize));
	emit(x, LDX64(R3, FP, SLOT_TUP(1)));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), done);
	scratch_ptr(x, R1, a);
	emit(x, ALU_X(BPF_ADD, R1, R0));
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
	emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
	fault_if_negative(x, SLOT_TUP(1));
	dbpf_label_bind(x, done);
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)(a + c->strsize), 0));
	put_scratch(x, a, in);
	return 1;
}

#define BLANK	100	/* digval[' '] and digval['\t'] */

/*
 * strtoll's byte classes: a digit's value in any base up to 36 (letters
 * in either case), BLANK for ' ' and '\t', 99 for anything else.  A
 * table keeps the loops free of branches on the byte, so each loop has a
 * single path for the verifier to follow.
 */
static int digval_table(struct dbpf_xl *x, struct cx *c)
{
	uint8_t t[256];

	if (c->digval != 0)
		return 0;
	for (int b = 0; b < 256; b++)
		t[b] = b >= '0' && b <= '9' ? (uint8_t)(b - '0') :
		    b >= 'a' && b <= 'z' ? (uint8_t)(b - 'a' + 10) :
		    b >= 'A' && b <= 'Z' ? (uint8_t)(b - 'A' + 10) :
		    b == ' ' || b == '\t' ? BLANK : 99;
	if (c->strtab_used + sizeof(t) > c->lay.err - c->lay.strtab)
		return fail(x, "internal error: read-only string area is full");
	c->digval = c->lay.strtab + c->strtab_used;
	memcpy(c->image + c->digval, t, sizeof(t));
	c->strtab_used += sizeof(t);
	return 0;
}

/*   r3 = digval[tmpa[r1]]  (r1 within [0, strsize]) */
static void digval_at(struct dbpf_xl *x, struct cx *c)
{
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R3, R2, 0));
	emit(x, ALU_X(BPF_ADD, R3, R8));
	emit(x, ALU_K(BPF_ADD, R3, (int32_t)c->digval));
	emit(x, LDXSZ(BPF_B, R3, R3, 0));
}

/*
 * strtoll(s [, base]) (dvm_subr.c s_strtoll): base outside 2..36 faults
 * ILLOP with the subroutine's id; then, with tmpa = s (its NUL ends
 * every scan, so no loop compares against the length: such a comparison
 * would narrow the length differently on every path):
 *   i = 0; while digval[tmpa[i]] == BLANK: i++         (i leaves through pass)
 *   tmpa[i] is '-' or '+': fp[A] = (it is '-'); i++
 *   base 16, tmpa[i] == '0', tmpa[i + 1] is 'x' or 'X': i += 2
 *   r7 = 0; loop: d = digval[tmpa[i]] (99 at the NUL)
 *           d >= base: stop; r7 = r7 * base + d; i++
 *   %rd = fp[A] ? -r7 : r7
 */
static int subr_strtoll(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t bad = dbpf_label_new(x), ok = dbpf_label_new(x);
	uint32_t ex = dbpf_label_new(x);
	uint32_t out1 = dbpf_label_new(x), nosign = dbpf_label_new(x);
	uint32_t nohex = dbpf_label_new(x), done = dbpf_label_new(x);
	uint32_t pos = dbpf_label_new(x);
	uint8_t R7 = BPF_REG_7;
	size_t loop;
	int rc;

	if ((rc = digval_table(x, c)) != 0)
		return rc;

	emit(x, ALU_K(BPF_MOV, R2, 10));
	if (c->ttop > 1)
		emit(x, LDX64(R2, FP, SLOT_TUP(1)));
	emit(x, STX64(FP, R2, SLOT_B));
	dbpf_jump(x, JK(BPF_JLT, R2, 2), bad);
	dbpf_jump(x, JK(BPF_JGT, R2, 36), bad);
	dbpf_jump(x, JA(), ok);
	dbpf_label_bind(x, bad);
	emit(x, ALU_K(BPF_MOV, R3, DIF_SUBR_STRTOLL));
	dbpf_fault(x, DIF_FAULT_ILLOP, R3);
	dbpf_label_bind(x, ok);
	copy_string(x, c, SLOT_TUP(0), c->lay.tmpa);
	emit(x, ST64(FP, SLOT_A, 0));
	/* leading blanks */
	emit(x, ALU_K(BPF_MOV, R1, 0));
	loop = x->n;
	dbpf_jump(x, JK(BPF_JGT, R1, (int32_t)c->strsize), ex);
	digval_at(x, c);
	dbpf_jump(x, JK(BPF_JNE, R3, BLANK), ex);
	emit(x, ALU_K(BPF_ADD, R1, 1));
	loop_back(x, loop);
	dbpf_label_bind(x, ex);
	emit(x, STX64(R8, R1, (int16_t)c->lay.pass));
	dbpf_jump(x, JA(), out1);	/* see slash_loop */
	dbpf_label_bind(x, out1);
	emit(x, LDX64(R1, R8, (int16_t)c->lay.pass));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R1, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, R1, (int32_t)c->strsize));
	/* sign (at the NUL, tmpa[i] is neither) */
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R3, R2, 0));
	dbpf_jump(x, JK(BPF_JEQ, R3, '+'), pos);
	dbpf_jump(x, JK(BPF_JNE, R3, '-'), nosign);
	emit(x, ST64(FP, SLOT_A, 1));
	dbpf_label_bind(x, pos);
	emit(x, ALU_K(BPF_ADD, R1, 1));
	dbpf_label_bind(x, nosign);
	/* 0x for base 16 */
	emit(x, LDX64(R2, FP, SLOT_B));
	dbpf_jump(x, JK(BPF_JNE, R2, 16), nohex);
	dbpf_jump(x, JK(BPF_JGE, R1, (int32_t)c->strsize), nohex);
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R3, R2, 0));
	dbpf_jump(x, JK(BPF_JNE, R3, '0'), nohex);
	emit(x, LDXSZ(BPF_B, R3, R2, 1));
	emit(x, ALU_K(BPF_OR, R3, 0x20));	/* 'X' -> 'x' */
	dbpf_jump(x, JK(BPF_JNE, R3, 'x'), nohex);
	emit(x, ALU_K(BPF_ADD, R1, 2));
	dbpf_label_bind(x, nohex);
	/* digits */
	emit(x, LDX64(R4, FP, SLOT_B));
	emit(x, ALU_K(BPF_MOV, R7, 0));
	loop = x->n;
	dbpf_jump(x, JK(BPF_JGT, R1, (int32_t)c->strsize), done);
	digval_at(x, c);
	dbpf_jump(x, JX(BPF_JGE, R3, R4), done);
	emit(x, ALU_X(BPF_MUL, R7, R4));
	emit(x, ALU_X(BPF_ADD, R7, R3));
	emit(x, ALU_K(BPF_ADD, R1, 1));
	loop_back(x, loop);
	dbpf_label_bind(x, done);
	emit(x, ALU_X(BPF_MOV, R0, R7));
	emit(x, LDX64(R3, FP, SLOT_A));
	emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R3, 0, 1, 0));
	emit(x, ALU_K(BPF_NEG, R0, 0));
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*   A[--r4] = ch  (r4 stays within A: at most 66 characters are written) */
static void prepend(struct dbpf_xl *x, uint32_t a, int ch)
{
	emit(x, ALU_K(BPF_SUB, R4, 1));
	emit(x, ALU_X(BPF_MOV, R5, R8));
	emit(x, ALU_K(BPF_ADD, R5, (int32_t)a));
	emit(x, ALU_X(BPF_ADD, R5, R4));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R5, 0, 0, ch));
}

/*
 * lltostr(v [, base]) with the engine's text (dvm_subr.c s_lltostr):
 * digits written backwards into a 72-byte area A
 *   base outside 2..36 faults ILLOP with the subroutine's id, as the
 *   engine; negative only in base 10
 *   i = 71; A[71] = 0
 *   loop: i -= 1; d = v % base; v /= base; A[i] = DIGITS[d]; jne v, 0, loop
 *   base 8 and v != 0: A[--i] = '0'    base 16: "0x" in front
 *   negative: A[--i] = '-'
 *   [i + strsize < 71: A[i + strsize] = 0, the engine's cut]
 *   %rd = SBASE + A + i
 */
static int subr_lltostr(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t a = 0, pos = dbpf_label_new(x), end = dbpf_label_new(x);
	uint32_t bad = dbpf_label_new(x), ok = dbpf_label_new(x);
	uint32_t not8 = dbpf_label_new(x), not16 = dbpf_label_new(x);
	uint32_t nosign = dbpf_label_new(x);
	size_t loop;
	int rc;

	if ((rc = new_area(x, c, 72, &a)) != 0)
		return rc;
	emit(x, ALU_K(BPF_MOV, R2, 10));
	if (c->ttop > 1)
		emit(x, LDX64(R2, FP, SLOT_TUP(1)));
	emit(x, STX64(FP, R2, SLOT_B));
	dbpf_jump(x, JK(BPF_JLT, R2, 2), bad);
	dbpf_jump(x, JK(BPF_JGT, R2, 36), bad);
	dbpf_jump(x, JA(), ok);
	dbpf_label_bind(x, bad);
	emit(x, ALU_K(BPF_MOV, R3, DIF_SUBR_LLTOSTR));
	dbpf_fault(x, DIF_FAULT_ILLOP, R3);
	dbpf_label_bind(x, ok);
	emit(x, LDX64(R1, FP, SLOT_TUP(0)));
	emit(x, ST64(FP, SLOT_A, 0));
	dbpf_jump(x, JK(BPF_JNE, R2, 10), pos);
	dbpf_jump(x, JK(BPF_JSGE, R1, 0), pos);
	emit(x, ALU_K(BPF_NEG, R1, 0));
	emit(x, ST64(FP, SLOT_A, 1));
	dbpf_label_bind(x, pos);
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)(a + 71), 0));
	emit(x, ALU_K(BPF_MOV, R4, 71));
	loop = x->n;
	emit(x, ALU_K(BPF_SUB, R4, 1));
	emit(x, ALU_X(BPF_MOV, R3, R1));
	emit(x, ALU_X(BPF_MOD, R3, R2));
	emit(x, ALU_X(BPF_DIV, R1, R2));
	dbpf_jump(x, JK(BPF_JGT, R3, 35), end);
	emit(x, ALU_X(BPF_MOV, R5, R8));
	emit(x, ALU_K(BPF_ADD, R5, (int32_t)c->digits));
	emit(x, ALU_X(BPF_ADD, R5, R3));
	emit(x, LDXSZ(BPF_B, R3, R5, 0));
	emit(x, ALU_X(BPF_MOV, R5, R8));
	emit(x, ALU_K(BPF_ADD, R5, (int32_t)a));
	emit(x, ALU_X(BPF_ADD, R5, R4));
	emit(x, STXSZ(BPF_B, R5, R3, 0));
	dbpf_jump(x, JK(BPF_JEQ, R1, 0), end);
	emit(x, dbpf_mk(BPF_JMP | BPF_JGT | BPF_K, R4, 0,
	    (int16_t)((long)loop - (long)x->n - 1), 4));
	dbpf_label_bind(x, end);
	/* at most 64 digits were written, so r4 >= 7 here */
	dbpf_jump(x, JK(BPF_JLT, R4, 4), nosign);
	emit(x, LDX64(R2, FP, SLOT_B));
	dbpf_jump(x, JK(BPF_JNE, R2, 8), not8);
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), not8);
	prepend(x, a, '0');
	dbpf_label_bind(x, not8);
	dbpf_jump(x, JK(BPF_JNE, R2, 16), not16);
	prepend(x, a, 'x');
	prepend(x, a, '0');
	dbpf_label_bind(x, not16);
	emit(x, LDX64(R3, FP, SLOT_A));
	dbpf_jump(x, JK(BPF_JEQ, R3, 0), nosign);
	prepend(x, a, '-');
	dbpf_label_bind(x, nosign);
	if (c->strsize < 71) {
		emit(x, ALU_X(BPF_MOV, R5, R4));
		emit(x, ALU_K(BPF_ADD, R5, (int32_t)c->strsize));
		emit(x, dbpf_mk(BPF_JMP | BPF_JGE | BPF_K, R5, 0, 3, 71));
		emit(x, ALU_X(BPF_ADD, R5, R8));
		emit(x, ALU_K(BPF_ADD, R5, (int32_t)a));
		emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R5, 0, 0, 0));
	}
	emit(x, ALU_X(BPF_MOV, R1, R4));
	scratch_addr(x, a);
	emit(x, ALU_X(BPF_ADD, R0, R1));
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * copyin(addr, size): size > MAX_COPYIN faults NOSCRATCH; else
 *   probe_read_user(A, size, addr) or fault BADADDR; %rd = SBASE + A
 */
static int subr_copyin(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t a = 0;
	int rc;

	if ((rc = sized_area(x, c, R2, SLOT_TUP(1), &a)) != 0)
		return rc;
	scratch_ptr(x, R1, a);
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	emit(x, CALL(BPF_FUNC_probe_read_user));
	emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 5, 0));
	fault_slot(x, DIF_FAULT_BADADDR, SLOT_TUP(0));
	put_scratch(x, a, in);
	return 1;
}

/*
 * The per-run secret of vm_kernel_addrperm(): random, odd, drawn once per
 * process so the host engine (dtrace/dt_engine.c) and every BPF program
 * permute alike.  0 only when the kernel gives no randomness.
 */
uint64_t dbpf_addrperm_key(void)
{
	static uint64_t key;
	uint64_t k = __atomic_load_n(&key, __ATOMIC_ACQUIRE), zero = 0;

	if (k != 0)
		return k;
	if (getrandom(&k, sizeof(k), 0) != (ssize_t)sizeof(k))
		return 0;
	k |= 1;
	if (!__atomic_compare_exchange_n(&key, &zero, k, false, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE))
		k = zero;	/* another thread drew first: use its key */
	return k;
}

/*
 * vm_kernel_addrperm(T[0]): 0 stays 0, any other address gets the key added
 *   r0 = T[0]; if r0 == 0 goto out; r1 = key (ld_imm64); r0 += r1; out: %rd = r0
 */
static int subr_addrperm(struct dbpf_xl *x, dif_instr_t in)
{
	uint64_t key = dbpf_addrperm_key();

	if (key == 0)
		return fail(x, "pc %lld: vm_kernel_addrperm( ): no random secret is "
		    "available (getrandom failed)", (long long)x->curpc);
	emit(x, LDX64(R0, FP, SLOT_TUP(0)));
	emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 3, 0));
	dbpf_ld_imm64(x, R1, 0, key);
	emit(x, ALU_X(BPF_ADD, R0, R1));
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*   rand: call get_prandom_u32     hton*, ntoh*: r0 = to_be<bits>(T[0]) */
static int subr_simple(struct dbpf_xl *x, unsigned subr, dif_instr_t in)
{
	int bits = 0;

	switch (subr) {
	case DIF_SUBR_RAND:
		emit(x, CALL(BPF_FUNC_get_prandom_u32));
		dbpf_put(x, DIF_INSTR_RD(in));
		return 1;
	case DIF_SUBR_HTONS: case DIF_SUBR_NTOHS:   bits = 16; break;
	case DIF_SUBR_HTONL: case DIF_SUBR_NTOHL:   bits = 32; break;
	default:                                    bits = 64; break;
	}
	emit(x, LDX64(R0, FP, SLOT_TUP(0)));
	emit(x, dbpf_mk(BPF_ALU | BPF_END | BPF_TO_BE, R0, 0, 0, bits));
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * A kernel string function (kfunc) over two scratch strings, with the
 * int it returns sign-extended:
 *   r2 = SBASE + b; r1 = SBASE + a [+ fp[at]]; call kfunc name
 *   r0 <<= 32; r0 s>>= 32
 * The kfuncs take their strings as plain numbers (`__ign` arguments) and
 * read them with fault-tolerant loads; both are NUL-terminated copies in
 * scratch here, so a negative result only means "not found".
 */
static int kfunc2(struct dbpf_xl *x, struct cx *c, const char *name, uint32_t a,
    int16_t at, uint32_t b)
{
	char why[200];
	int32_t id = 0;

	if (dbpf_set_kfunc(c->set, name, &id, why, sizeof(why)) != 0)
		return fail(x, "pc %lld: %s", (long long)x->curpc, why);
	scratch_addr(x, b);
	emit(x, ALU_X(BPF_MOV, R2, R0));
	scratch_addr(x, a);
	if (at != 0) {
		emit(x, LDX64(R1, FP, at));
		emit(x, ALU_X(BPF_ADD, R0, R1));
	}
	emit(x, ALU_X(BPF_MOV, R1, R0));
	emit(x, dbpf_mk(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, id));
	emit(x, ALU_K(BPF_LSH, R0, 32));
	emit(x, ALU_K(BPF_ARSH, R0, 32));
	return 0;
}

/*
 * strstr(s, t), index(s, t [, start]), rindex(s, t [, start]) with the
 * emulator's position rules (dvm_subr.c search()).  s goes to tmpa (length
 * ls), t to tmpb; the kernel's bpf_strstr finds first occurrences, so the
 * substring search costs the verifier nothing quadratic:
 *   r6 = ls; r7 = tmpb[0] (0 iff t is ""); ls == 0 && t == "": pos 0
 *   forward:  from = start clamped to >= 0 (0 without start)
 *             from >= ls: pos = t == "" ? ls : -1
 *             else pos = strstr(tmpa + from, tmpb) + from, or -1
 *   backward: from = ls, or start (< 0: pos = t == "" ? 0 : -1), at most ls
 *             best = -1; q = 0; at most strsize + 2 times:
 *               p = strstr(tmpa + q, tmpb) + q; stop when none or p > from
 *               best = p; q = p + 1; stop when q > ls
 *             pos = best
 *   strstr:   %rd = pos < 0 ? 0 : s + pos     index, rindex: %rd = pos
 */
static int subr_search(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	unsigned subr = DIF_INSTR_SUBR(in);
	bool backward = subr == DIF_SUBR_RINDEX;
	bool has_start = subr != DIF_SUBR_STRSTR && c->ttop > 2;
	uint32_t go = dbpf_label_new(x), res = dbpf_label_new(x);
	uint32_t none = dbpf_label_new(x), done = dbpf_label_new(x);
	const char *kf = "bpf_strstr";
	size_t loop;
	int rc;

	copy_len(x, c, SLOT_TUP(0), c->lay.tmpa);
	emit(x, STX64(FP, R0, SLOT_A));
	copy_string(x, c, SLOT_TUP(1), c->lay.tmpb);
	emit(x, LDX64(R6, FP, SLOT_A));
	emit(x, LDXSZ(BPF_B, BPF_REG_7, R8, (int16_t)c->lay.tmpb));
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_jump(x, JK(BPF_JNE, R6, 0), go);
	dbpf_jump(x, JK(BPF_JEQ, BPF_REG_7, 0), res);
	dbpf_label_bind(x, go);
	if (!backward) {
		uint32_t fwd = dbpf_label_new(x);

		emit(x, ALU_K(BPF_MOV, R1, 0));
		if (has_start) {
			emit(x, LDX64(R1, FP, SLOT_TUP(2)));
			emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_K, R1, 0, 1, 0));
			emit(x, ALU_K(BPF_MOV, R1, 0));
			dbpf_jump(x, JX(BPF_JSLT, R1, R6), fwd);
			emit(x, ALU_K(BPF_MOV, R0, -1));
			dbpf_jump(x, JK(BPF_JNE, BPF_REG_7, 0), res);
			emit(x, ALU_X(BPF_MOV, R0, R6));
			dbpf_jump(x, JA(), res);
		}
		dbpf_label_bind(x, fwd);
		emit(x, STX64(FP, R1, SLOT_B));
		if ((rc = kfunc2(x, c, kf, c->lay.tmpa, SLOT_B, c->lay.tmpb)) != 0)
			return rc;
		dbpf_jump(x, JK(BPF_JSLT, R0, 0), none);
		emit(x, LDX64(R1, FP, SLOT_B));
		emit(x, ALU_X(BPF_ADD, R0, R1));
		dbpf_jump(x, JA(), res);
		dbpf_label_bind(x, none);
		emit(x, ALU_K(BPF_MOV, R0, -1));
		dbpf_jump(x, JA(), res);
	} else {
		uint32_t from = dbpf_label_new(x), nonneg = dbpf_label_new(x);

		emit(x, ALU_X(BPF_MOV, R1, R6));
		if (has_start) {
			emit(x, LDX64(R1, FP, SLOT_TUP(2)));
			dbpf_jump(x, JK(BPF_JSGE, R1, 0), nonneg);
			emit(x, ALU_K(BPF_MOV, R0, -1));
			dbpf_jump(x, JK(BPF_JNE, BPF_REG_7, 0), res);
			emit(x, ALU_K(BPF_MOV, R0, 0));
			dbpf_jump(x, JA(), res);
			dbpf_label_bind(x, nonneg);
			emit(x, dbpf_mk(BPF_JMP | BPF_JSLE | BPF_X, R1, R6, 1, 0));
			emit(x, ALU_X(BPF_MOV, R1, R6));
		}
		dbpf_label_bind(x, from);
		emit(x, STX64(FP, R1, SLOT_B));
		emit(x, ALU_K(BPF_MOV, BPF_REG_7, -1));
		emit(x, ST64(FP, SLOT_C, 0));
		emit(x, ST64(FP, SLOT_D, 0));
		loop = x->n;
		if ((rc = kfunc2(x, c, kf, c->lay.tmpa, SLOT_C, c->lay.tmpb)) != 0)
			return rc;
		dbpf_jump(x, JK(BPF_JSLT, R0, 0), done);
		emit(x, LDX64(R1, FP, SLOT_C));
		emit(x, ALU_X(BPF_ADD, R0, R1));
		emit(x, LDX64(R1, FP, SLOT_B));
		dbpf_jump(x, JX(BPF_JSGT, R0, R1), done);
		emit(x, ALU_X(BPF_MOV, BPF_REG_7, R0));
		emit(x, ALU_K(BPF_ADD, R0, 1));
		emit(x, STX64(FP, R0, SLOT_C));
		dbpf_jump(x, JX(BPF_JSGT, R0, R6), done);
		emit(x, LDX64(R1, FP, SLOT_D));
		emit(x, ALU_K(BPF_ADD, R1, 1));
		emit(x, STX64(FP, R1, SLOT_D));
		emit(x, dbpf_mk(BPF_JMP | BPF_JLT | BPF_K, R1, 0,
		    (int16_t)((long)loop - (long)x->n - 1), (int32_t)(c->strsize + 2)));
		dbpf_label_bind(x, done);
		emit(x, ALU_X(BPF_MOV, R0, BPF_REG_7));
	}
	dbpf_label_bind(x, res);
	if (subr == DIF_SUBR_STRSTR) {
		uint32_t zero = dbpf_label_new(x), out = dbpf_label_new(x);

		dbpf_jump(x, JK(BPF_JSLT, R0, 0), zero);
		emit(x, LDX64(R1, FP, SLOT_TUP(0)));
		emit(x, ALU_X(BPF_ADD, R0, R1));
		return result_or_zero(x, in, zero, out);
	}
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * S = the r5 bytes at tmpa + r4, then NUL; %rd = SBASE + S.  r4 and r5
 * are within [0, strsize] (checked again for the verifier):
 *   fp[B] = r5; jeq r5, 0, term; probe_read_kernel(r8 + S, r5, SBASE + tmpa + r4)
 *   term: r5 = fp[B]; S[r5] = 0
 */
static void piece(struct dbpf_xl *x, struct cx *c, uint32_t s, dif_instr_t in)
{
	uint32_t term = dbpf_label_new(x), clamp = dbpf_label_new(x);
	uint32_t fix = dbpf_label_new(x);

	dbpf_jump(x, JK(BPF_JGT, R4, (int32_t)c->strsize), clamp);
	dbpf_jump(x, JK(BPF_JLE, R5, (int32_t)c->strsize), fix);
	dbpf_label_bind(x, clamp);
	emit(x, ALU_K(BPF_MOV, R4, 0));
	emit(x, ALU_K(BPF_MOV, R5, 0));
	dbpf_label_bind(x, fix);
	emit(x, STX64(FP, R5, SLOT_B));
	dbpf_jump(x, JK(BPF_JEQ, R5, 0), term);
	scratch_ptr(x, R1, s);
	emit(x, ALU_X(BPF_MOV, R2, R5));
	emit(x, ALU_X(BPF_MOV, R3, R4));
	emit(x, STX64(FP, R3, SLOT_C));
	scratch_addr(x, c->lay.tmpa);
	emit(x, LDX64(R3, FP, SLOT_C));
	emit(x, ALU_X(BPF_ADD, R3, R0));
	emit(x, CALL(BPF_FUNC_probe_read_kernel));
	dbpf_label_bind(x, term);
	emit(x, LDX64(R5, FP, SLOT_B));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R5, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, R5, 0));
	scratch_ptr(x, R1, s);
	emit(x, ALU_X(BPF_ADD, R1, R5));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R1, 0, 0, 0));
	put_scratch(x, s, in);
}

/*   S = "<ch>"; ja out */
static void one_char(struct dbpf_xl *x, uint32_t s, int ch, uint32_t out)
{
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)s, ch));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)(s + 1), 0));
	dbpf_jump(x, JA(), out);
}

/*
 * r1 = the last index in [0, r1] whose byte in tmpa is not '/' (stops at
 * 0); with `find` it stops instead at the first '/' going down, as a
 * count r4 of bytes before it (0: none):
 *   skip:  loop: jsle r1, 0, ex; r3 = tmpa[r1]; jne r3, '/', ex; r1 -= 1; ja loop
 *   find:  loop: jeq r4, 0, ex; r3 = tmpa[r4 - 1]; jeq r3, '/', ex; r4 -= 1; ja loop
 *   ex:    *(u64 *)(r8 + pass) = r; ja out
 *   out:   r = *(u64 *)(r8 + pass), at most strsize
 * The verifier walks every iteration of a loop and keeps each exit as a
 * separate state, with its own range for the index.  Passing the index
 * through scratch memory makes it a fresh value at `out`, so every exit
 * after the first is pruned there and the code after the loop is checked
 * once, not once per iteration.
 */
static void slash_loop(struct dbpf_xl *x, struct cx *c, bool find)
{
	uint32_t ex = dbpf_label_new(x), out = dbpf_label_new(x);
	uint8_t r = find ? R4 : R1;
	size_t loop = x->n;

	if (find)
		dbpf_jump(x, JK(BPF_JEQ, R4, 0), ex);
	else
		dbpf_jump(x, JK(BPF_JSLE, R1, 0), ex);
	dbpf_jump(x, JK(BPF_JGT, r, (int32_t)c->strsize), ex);
	scratch_ptr(x, R2, c->lay.tmpa);
	emit(x, ALU_X(BPF_ADD, R2, r));
	emit(x, LDXSZ(BPF_B, R3, R2, find ? -1 : 0));
	dbpf_jump(x, JK(find ? BPF_JEQ : BPF_JNE, R3, '/'), ex);
	emit(x, ALU_K(BPF_SUB, r, 1));
	loop_back(x, loop);
	dbpf_label_bind(x, ex);
	emit(x, STX64(R8, r, (int16_t)c->lay.pass));
	dbpf_jump(x, JA(), out);	/* makes `out` a pruning point */
	dbpf_label_bind(x, out);
	emit(x, LDX64(r, R8, (int16_t)c->lay.pass));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, r, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, r, 0));
}

/*
 * basename(s) / dirname(s) as the shell utilities (dvm_subr.c s_path):
 *   tmpa = s, l; l == 0: "."
 *   end = l - 1, skipping trailing slashes down to 0
 *   end == 0 && s[0] == '/': "/"
 *   p = end + 1, down to just after the last '/' before it (0: none)
 *   basename: the bytes [p, end]
 *   dirname:  p == 0: "."; q = p - 1, skipping slashes down to 0; [0, q]
 */
static int subr_path(struct dbpf_xl *x, struct cx *c, dif_instr_t in, bool dir)
{
	uint32_t s = 0, dot = dbpf_label_new(x), slash = dbpf_label_new(x);
	uint32_t notroot = dbpf_label_new(x), out = dbpf_label_new(x);
	uint32_t fin = dbpf_label_new(x);
	int rc;

	if ((rc = new_string(x, c, &s)) != 0)
		return rc;
	copy_len(x, c, SLOT_TUP(0), c->lay.tmpa);
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), dot);
	emit(x, ALU_X(BPF_MOV, R1, R0));
	emit(x, ALU_K(BPF_SUB, R1, 1));
	slash_loop(x, c, false);
	dbpf_jump(x, JK(BPF_JNE, R1, 0), notroot);
	emit(x, LDXSZ(BPF_B, R3, R8, (int16_t)c->lay.tmpa));
	dbpf_jump(x, JK(BPF_JEQ, R3, '/'), slash);
	dbpf_label_bind(x, notroot);
	emit(x, ALU_X(BPF_MOV, R4, R1));
	emit(x, ALU_K(BPF_ADD, R4, 1));
	slash_loop(x, c, true);
	if (!dir) {
		emit(x, ALU_X(BPF_MOV, R5, R1));
		emit(x, ALU_K(BPF_ADD, R5, 1));
		emit(x, ALU_X(BPF_SUB, R5, R4));
	} else {
		dbpf_jump(x, JK(BPF_JEQ, R4, 0), dot);
		emit(x, ALU_X(BPF_MOV, R1, R4));
		emit(x, ALU_K(BPF_SUB, R1, 1));
		slash_loop(x, c, false);
		emit(x, ALU_X(BPF_MOV, R5, R1));
		emit(x, ALU_K(BPF_ADD, R5, 1));
		emit(x, ALU_K(BPF_MOV, R4, 0));
	}
	piece(x, c, s, in);
	dbpf_jump(x, JA(), out);
	dbpf_label_bind(x, dot);
	one_char(x, s, '.', fin);
	dbpf_label_bind(x, slash);
	one_char(x, s, '/', fin);
	dbpf_label_bind(x, fin);
	put_scratch(x, s, in);
	dbpf_label_bind(x, out);
	return 1;
}

/*
 * memstr(addr, sep, len) (dvm_subr.c s_memstr): the first min(len,
 * strsize) bytes at addr as a string, each NUL replaced by sep:
 *   n = min(len, strsize); pass = n; S[n] = 0
 *   [n != 0: probe_read_kernel(r8 + S, n, addr) or fault BADADDR(addr)]
 *   i = 0; loop: jge i, pass, done; S[i] == 0: S[i] = sep; i++
 * n is read back from scratch at every test, so the comparison never
 * narrows a value the code after the loop uses.  A read that fails part
 * way faults with addr, where the engine names the first bad byte.
 */
static int subr_memstr(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t s = 0, ok = dbpf_label_new(x), done = dbpf_label_new(x);
	uint32_t keep = dbpf_label_new(x);
	size_t loop;
	int rc;

	if ((rc = new_string(x, c, &s)) != 0)
		return rc;
	emit(x, LDX64(R2, FP, SLOT_TUP(2)));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R2, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)c->strsize));
	emit(x, STX64(R8, R2, (int16_t)c->lay.pass));
	scratch_ptr(x, R1, s);
	emit(x, ALU_X(BPF_ADD, R1, R2));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R1, 0, 0, 0));
	dbpf_jump(x, JK(BPF_JEQ, R2, 0), ok);
	scratch_ptr(x, R1, s);
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	emit(x, CALL(BPF_FUNC_probe_read_kernel));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), ok);
	fault_slot(x, DIF_FAULT_BADADDR, SLOT_TUP(0));
	dbpf_label_bind(x, ok);
	emit(x, LDX64(R4, FP, SLOT_TUP(1)));
	emit(x, ALU_K(BPF_MOV, R1, 0));
	loop = x->n;
	emit(x, LDX64(R2, R8, (int16_t)c->lay.pass));
	dbpf_jump(x, JX(BPF_JGE, R1, R2), done);
	dbpf_jump(x, JK(BPF_JGE, R1, (int32_t)c->strsize), done);
	scratch_ptr(x, R2, s);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, LDXSZ(BPF_B, R3, R2, 0));
	dbpf_jump(x, JK(BPF_JNE, R3, 0), keep);
	emit(x, STXSZ(BPF_B, R2, R4, 0));
	dbpf_label_bind(x, keep);
	emit(x, ALU_K(BPF_ADD, R1, 1));
	loop_back(x, loop);
	dbpf_label_bind(x, done);
	put_scratch(x, s, in);
	return 1;
}

/*
 * strtok(s, delims) (dvm_subr.c s_strtok): s == 0 goes on from
 * fp[STRTOK], the position the previous call of this firing left (zeroed
 * by the prologue).  The kernel's bpf_strspn / bpf_strcspn do the two
 * scans over the copies in tmpa / tmpb:
 *   fp[A] = s ?: fp[STRTOK]; jeq fp[A], 0, null
 *   tmpa = s (fp[B] = ls); tmpb = delims
 *   i = strspn(tmpa, tmpb); i >= ls: fp[STRTOK] = 0; null
 *   n = strcspn(tmpa + i, tmpb)
 *   fp[STRTOK] = i + n < ls ? s + i + n + 1 : 0
 *   S = the n bytes at tmpa + i, then NUL      null: %rd = 0
 */
static int subr_strtok(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t s = 0, have = dbpf_label_new(x), end = dbpf_label_new(x);
	uint32_t null = dbpf_label_new(x), out = dbpf_label_new(x);
	int rc;

	if ((rc = new_string(x, c, &s)) != 0)
		return rc;
	c->uses_strtok = true;
	emit(x, LDX64(R1, FP, SLOT_TUP(0)));
	dbpf_jump(x, JK(BPF_JNE, R1, 0), have);
	emit(x, LDX64(R1, FP, SLOT_STRTOK));
	dbpf_label_bind(x, have);
	emit(x, STX64(FP, R1, SLOT_A));
	dbpf_jump(x, JK(BPF_JEQ, R1, 0), null);
	copy_len(x, c, SLOT_A, c->lay.tmpa);
	emit(x, STX64(FP, R0, SLOT_B));
	copy_string(x, c, SLOT_TUP(1), c->lay.tmpb);
	if ((rc = kfunc2(x, c, "bpf_strspn", c->lay.tmpa, 0, c->lay.tmpb)) != 0)
		return rc;
	dbpf_jump(x, JK(BPF_JSLT, R0, 0), end);
	emit(x, LDX64(R1, FP, SLOT_B));
	dbpf_jump(x, JX(BPF_JSGE, R0, R1), end);
	emit(x, STX64(FP, R0, SLOT_C));
	if ((rc = kfunc2(x, c, "bpf_strcspn", c->lay.tmpa, SLOT_C, c->lay.tmpb)) != 0)
		return rc;
	dbpf_jump(x, JK(BPF_JSLT, R0, 0), end);
	emit(x, ALU_X(BPF_MOV, R5, R0));
	emit(x, LDX64(R4, FP, SLOT_C));
	/* the position after the delimiter that ended the token, or 0 */
	emit(x, ALU_X(BPF_MOV, R1, R4));
	emit(x, ALU_X(BPF_ADD, R1, R5));
	emit(x, LDX64(R2, FP, SLOT_B));
	emit(x, ALU_K(BPF_MOV, R3, 0));
	emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_X, R1, R2, 3, 0));
	emit(x, LDX64(R3, FP, SLOT_A));
	emit(x, ALU_X(BPF_ADD, R3, R1));
	emit(x, ALU_K(BPF_ADD, R3, 1));
	emit(x, STX64(FP, R3, SLOT_STRTOK));
	piece(x, c, s, in);
	dbpf_jump(x, JA(), out);
	dbpf_label_bind(x, end);
	emit(x, ST64(FP, SLOT_STRTOK, 0));
	dbpf_label_bind(x, null);
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_put(x, DIF_INSTR_RD(in));
	dbpf_label_bind(x, out);
	return 1;
}

/*
 * The 4 bytes at the address in fp[slot] in dotted decimal into S
 * (truncated at strsize, as the engine's emit_local):
 *   fp[TMP] = 0; probe_read_kernel(fp + TMP, 4, a) or fault BADADDR(a)
 *   r4 = r8 + S; per byte b:
 *     [b >= 100: *r4++ = '0' + b / 100]  [b >= 10: *r4++ = '0' + b / 10 % 10]
 *     *r4++ = '0' + b % 10; [*r4++ = '.']
 *   *r4 = 0; [S[strsize] = 0]
 */
static void inet4(struct dbpf_xl *x, struct cx *c, int16_t slot, uint32_t s)
{
	uint32_t ok = dbpf_label_new(x);

	emit(x, ST64(FP, SLOT_TMP, 0));
	dbpf_fp_addr(x, R1, SLOT_TMP);
	emit(x, ALU_K(BPF_MOV, R2, 4));
	emit(x, LDX64(R3, FP, slot));
	emit(x, CALL(BPF_FUNC_probe_read_kernel));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), ok);
	fault_slot(x, DIF_FAULT_BADADDR, slot);
	dbpf_label_bind(x, ok);
	scratch_ptr(x, R4, s);
	for (int i = 0; i < 4; i++) {
		uint32_t tens = dbpf_label_new(x), ones = dbpf_label_new(x);

		emit(x, LDXSZ(BPF_B, R3, FP, (int16_t)(SLOT_TMP + i)));
		dbpf_jump(x, JK(BPF_JLT, R3, 100), tens);
		emit(x, ALU_X(BPF_MOV, R5, R3));
		emit(x, ALU_K(BPF_DIV, R5, 100));
		emit(x, ALU_K(BPF_ADD, R5, '0'));
		emit(x, STXSZ(BPF_B, R4, R5, 0));
		emit(x, ALU_K(BPF_ADD, R4, 1));
		dbpf_label_bind(x, tens);
		dbpf_jump(x, JK(BPF_JLT, R3, 10), ones);
		emit(x, ALU_X(BPF_MOV, R5, R3));
		emit(x, ALU_K(BPF_DIV, R5, 10));
		emit(x, ALU_K(BPF_MOD, R5, 10));
		emit(x, ALU_K(BPF_ADD, R5, '0'));
		emit(x, STXSZ(BPF_B, R4, R5, 0));
		emit(x, ALU_K(BPF_ADD, R4, 1));
		dbpf_label_bind(x, ones);
		emit(x, ALU_X(BPF_MOV, R5, R3));
		emit(x, ALU_K(BPF_MOD, R5, 10));
		emit(x, ALU_K(BPF_ADD, R5, '0'));
		emit(x, STXSZ(BPF_B, R4, R5, 0));
		emit(x, ALU_K(BPF_ADD, R4, 1));
		if (i < 3) {
			emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R4, 0, 0, '.'));
			emit(x, ALU_K(BPF_ADD, R4, 1));
		}
	}
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R4, 0, 0, 0));
	if (c->strsize < 16)
		emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)(s + c->strsize), 0));
}

#define V6MAX	48	/* longest IPv6 text (45) + NUL, rounded */

/*
 * One character (r5, or the constant ch when ch >= 0) at S[pos], pos++.
 * pos lives in scratch (lay.pass), not in a register: to the verifier it
 * is a fresh value at every use, so the branches of the IPv6 formatter
 * join into one state instead of one per output length.
 *   r1 = *(u64 *)(r8 + pass); jge r1, V6MAX - 1, +5
 *   r2 = r8 + S; r2 += r1; *(u8 *)r2 = ch; r1 += 1; *(u64 *)(r8 + pass) = r1
 */
static void put_char(struct dbpf_xl *x, struct cx *c, uint32_t s, int ch)
{
	emit(x, LDX64(R1, R8, (int16_t)c->lay.pass));
	emit(x, dbpf_mk(BPF_JMP | BPF_JGE | BPF_K, R1, 0, 5, V6MAX - 1));
	scratch_ptr(x, R2, s);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	if (ch >= 0)
		emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R2, 0, 0, ch));
	else
		emit(x, STXSZ(BPF_B, R2, R5, 0));
	emit(x, ALU_K(BPF_ADD, R1, 1));
	emit(x, STX64(R8, R1, (int16_t)c->lay.pass));
}

/* r3 (0..255) in decimal without leading zeros, through put_char. */
static void put_dec(struct dbpf_xl *x, struct cx *c, uint32_t s)
{
	uint32_t tens = dbpf_label_new(x), ones = dbpf_label_new(x);

	dbpf_jump(x, JK(BPF_JLT, R3, 100), tens);
	emit(x, ALU_X(BPF_MOV, R5, R3));
	emit(x, ALU_K(BPF_DIV, R5, 100));
	emit(x, ALU_K(BPF_ADD, R5, '0'));
	put_char(x, c, s, -1);
	dbpf_label_bind(x, tens);
	dbpf_jump(x, JK(BPF_JLT, R3, 10), ones);
	emit(x, ALU_X(BPF_MOV, R5, R3));
	emit(x, ALU_K(BPF_DIV, R5, 10));
	emit(x, ALU_K(BPF_MOD, R5, 10));
	emit(x, ALU_K(BPF_ADD, R5, '0'));
	put_char(x, c, s, -1);
	dbpf_label_bind(x, ones);
	emit(x, ALU_X(BPF_MOV, R5, R3));
	emit(x, ALU_K(BPF_MOD, R5, 10));
	emit(x, ALU_K(BPF_ADD, R5, '0'));
	put_char(x, c, s, -1);
}

/* r3 = group i of the 16 bytes at fp + D - 8 (big-endian) */
static void group(struct dbpf_xl *x, int i)
{
	emit(x, LDXSZ(BPF_B, R3, FP, (int16_t)(SLOT_D - 8 + 2 * i)));
	emit(x, ALU_K(BPF_LSH, R3, 8));
	emit(x, LDXSZ(BPF_B, R4, FP, (int16_t)(SLOT_D - 8 + 2 * i + 1)));
	emit(x, ALU_X(BPF_OR, R3, R4));
}

/*
 * The first longest run (at least 2) of zero groups for each 8-bit mask of
 * zero groups: (length << 3) | start, 0 for none.  Built once per program
 * into the read-only area.
 */
static int v6_runs(struct dbpf_xl *x, struct cx *c)
{
	uint8_t t[256];

	if (c->v6runs != 0)
		return 0;
	for (int m = 0; m < 256; m++) {
		int best = -1, bestlen = 0;

		for (int i = 0; i < 8;) {
			int j = i;

			while (j < 8 && (m >> j & 1))
				j++;
			if (j - i > bestlen && j - i >= 2) {
				best = i;
				bestlen = j - i;
			}
			i = j == i ? i + 1 : j;
		}
		t[m] = best < 0 ? 0 : (uint8_t)(bestlen << 3 | best);
	}
	if (c->strtab_used + sizeof(t) > c->lay.err - c->lay.strtab)
		return fail(x, "internal error: read-only string area is full");
	c->v6runs = c->lay.strtab + c->strtab_used;
	memcpy(c->image + c->v6runs, t, sizeof(t));
	c->strtab_used += sizeof(t);
	return 0;
}

/*
 * The 16 bytes at the address in fp[slot] as IPv6 text into S (the
 * emulator's inet6: the first longest run of >= 2 zero groups becomes
 * "::", hex groups without leading zeros, ::ffff:a.b.c.d for a mapped
 * IPv4 address), truncated at strsize:
 *   probe_read_kernel(fp + D - 8, 16, a) or fault BADADDR(a); pos = 0
 *   mask = sum over groups of (g - 1) >> 63 << i     (1 where g == 0)
 *   fp[A] = runs[mask]; fp[B] = mapped (run 0/5 and g5 == 0xffff)
 *   per group i: in the run: [i == start: ':' [i == 0: ':']]
 *                else unless mapped && i >= 6: hex digits; [i < 7: ':']
 *   mapped: the last 4 bytes in decimal with dots
 *   S[min(pos, strsize)] = 0
 */
static int inet6(struct dbpf_xl *x, struct cx *c, int16_t slot, uint32_t s)
{
	uint32_t ok = dbpf_label_new(x), nomap = dbpf_label_new(x);
	uint32_t tail = dbpf_label_new(x);
	int rc;

	if ((rc = v6_runs(x, c)) != 0)
		return rc;
	dbpf_fp_addr(x, R1, (int16_t)(SLOT_D - 8));
	emit(x, ALU_K(BPF_MOV, R2, 16));
	emit(x, LDX64(R3, FP, slot));
	emit(x, CALL(BPF_FUNC_probe_read_kernel));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), ok);
	fault_slot(x, DIF_FAULT_BADADDR, slot);
	dbpf_label_bind(x, ok);
	emit(x, ST64(R8, (int16_t)c->lay.pass, 0));
	emit(x, ALU_K(BPF_MOV, R0, 0));
	for (int i = 0; i < 8; i++) {
		group(x, i);
		emit(x, ALU_K(BPF_SUB, R3, 1));
		emit(x, ALU_K(BPF_RSH, R3, 63));
		emit(x, ALU_K(BPF_LSH, R3, i));
		emit(x, ALU_X(BPF_OR, R0, R3));
	}
	emit(x, ALU_K(BPF_AND, R0, 0xff));
	emit(x, ALU_X(BPF_MOV, R1, R8));
	emit(x, ALU_K(BPF_ADD, R1, (int32_t)c->v6runs));
	emit(x, ALU_X(BPF_ADD, R1, R0));
	emit(x, LDXSZ(BPF_B, R1, R1, 0));
	emit(x, STX64(FP, R1, SLOT_A));
	emit(x, ST64(FP, SLOT_B, 0));
	dbpf_jump(x, JK(BPF_JNE, R1, 5 << 3), nomap);
	group(x, 5);
	dbpf_jump(x, JK(BPF_JNE, R3, 0xffff), nomap);
	emit(x, ST64(FP, SLOT_B, 1));
	dbpf_label_bind(x, nomap);
	for (int i = 0; i < 8; i++) {
		uint32_t normal = dbpf_label_new(x), next = dbpf_label_new(x);

		emit(x, LDX64(R1, FP, SLOT_A));
		emit(x, ALU_X(BPF_MOV, R2, R1));
		emit(x, ALU_K(BPF_AND, R2, 7));
		emit(x, ALU_K(BPF_RSH, R1, 3));
		dbpf_jump(x, JK(BPF_JEQ, R1, 0), normal);
		dbpf_jump(x, JK(BPF_JGT, R2, i), normal);
		emit(x, ALU_X(BPF_ADD, R1, R2));
		dbpf_jump(x, JK(BPF_JLE, R1, i), normal);
		dbpf_jump(x, JK(BPF_JNE, R2, i), next);
		put_char(x, c, s, ':');
		if (i == 0)
			put_char(x, c, s, ':');
		dbpf_jump(x, JA(), next);
		dbpf_label_bind(x, normal);
		if (i >= 6) {
			emit(x, LDX64(R1, FP, SLOT_B));
			dbpf_jump(x, JK(BPF_JNE, R1, 0), next);
		}
		group(x, i);
		for (int sh = 12; sh >= 0; sh -= 4) {
			uint32_t skip = dbpf_label_new(x);

			if (sh > 0)
				dbpf_jump(x, JK(BPF_JLT, R3, 1 << sh), skip);
			emit(x, ALU_X(BPF_MOV, R5, R3));
			emit(x, ALU_K(BPF_RSH, R5, sh));
			emit(x, ALU_K(BPF_AND, R5, 15));
			emit(x, ALU_X(BPF_MOV, R4, R8));
			emit(x, ALU_K(BPF_ADD, R4, (int32_t)c->digits));
			emit(x, ALU_X(BPF_ADD, R4, R5));
			emit(x, LDXSZ(BPF_B, R5, R4, 0));
			put_char(x, c, s, -1);
			dbpf_label_bind(x, skip);
		}
		if (i < 7)
			put_char(x, c, s, ':');
		dbpf_label_bind(x, next);
	}
	emit(x, LDX64(R1, FP, SLOT_B));
	dbpf_jump(x, JK(BPF_JEQ, R1, 0), tail);
	for (int i = 12; i < 16; i++) {
		emit(x, LDXSZ(BPF_B, R3, FP, (int16_t)(SLOT_D - 8 + i)));
		put_dec(x, c, s);
		if (i < 15)
			put_char(x, c, s, '.');
	}
	dbpf_label_bind(x, tail);
	emit(x, LDX64(R1, R8, (int16_t)c->lay.pass));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R1, 0, 1, (int32_t)c->strsize));
	emit(x, ALU_K(BPF_MOV, R1, (int32_t)c->strsize));
	emit(x, dbpf_mk(BPF_JMP | BPF_JLT | BPF_K, R1, 0, 1, V6MAX));
	emit(x, ALU_K(BPF_MOV, R1, V6MAX - 1));
	scratch_ptr(x, R2, s);
	emit(x, ALU_X(BPF_ADD, R2, R1));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R2, 0, 0, 0));
	return 0;
}

/*
 * inet_ntoa(a), inet_ntoa6(a), inet_ntop(af, a) into a fresh string of
 * max(strsize + 1, V6MAX) bytes.  inet_ntop takes AF_INET (2) and AF_INET6
 * (10 on Linux, 28 on FreeBSD) and faults ILLOP with the subroutine's id
 * for any other family, as the engine does:
 *   [r1 = af; jeq r1, 2, v4; jeq r1, 10, v6; jeq r1, 28, v6; fault ILLOP(41)]
 *   v4: inet4; ja out   v6: inet6   out: %rd = SBASE + S
 */
static int subr_inet(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	unsigned subr = DIF_INSTR_SUBR(in);
	uint32_t s = 0, v4 = dbpf_label_new(x), v6 = dbpf_label_new(x);
	uint32_t out = dbpf_label_new(x);
	int16_t slot = SLOT_TUP(subr == DIF_SUBR_INET_NTOP ? 1 : 0);
	int rc;

	if ((rc = new_area(x, c, c->strsize + 1 > V6MAX ? c->strsize + 1 : V6MAX, &s)) != 0)
		return rc;
	if (subr == DIF_SUBR_INET_NTOP) {
		emit(x, LDX64(R1, FP, SLOT_TUP(0)));
		dbpf_jump(x, JK(BPF_JEQ, R1, 2), v4);
		dbpf_jump(x, JK(BPF_JEQ, R1, 10), v6);
		dbpf_jump(x, JK(BPF_JEQ, R1, 28), v6);
		emit(x, ALU_K(BPF_MOV, R3, DIF_SUBR_INET_NTOP));
		dbpf_fault(x, DIF_FAULT_ILLOP, R3);
	}
	if (subr != DIF_SUBR_INET_NTOA6) {
		dbpf_label_bind(x, v4);
		inet4(x, c, slot, s);
		dbpf_jump(x, JA(), out);
	}
	if (subr != DIF_SUBR_INET_NTOA) {
		dbpf_label_bind(x, v6);
		if ((rc = inet6(x, c, slot, s)) != 0)
			return rc;
	}
	dbpf_label_bind(x, out);
	put_scratch(x, s, in);
	return 1;
}

static int call(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	unsigned subr = DIF_INSTR_SUBR(in);

	switch (subr) {
	case DIF_SUBR_COPYINSTR:
		if (c->ttop < 1)
			break;
		return subr_copyinstr(x, c, in);
	case DIF_SUBR_STRLEN:
		if (c->ttop < 1)
			break;
		return subr_strlen(x, c, in);
	case DIF_SUBR_STRJOIN:
		if (c->ttop < 2)
			break;
		return subr_strjoin(x, c, in);
	case DIF_SUBR_LLTOSTR:
		if (c->ttop < 1)
			break;
		return subr_lltostr(x, c, in);
	case DIF_SUBR_COPYIN:
		if (c->ttop < 2)
			break;
		return subr_copyin(x, c, in);
	case DIF_SUBR_TOUPPER: case DIF_SUBR_TOLOWER:
		if (c->ttop < 1)
			break;
		return subr_case(x, c, in, subr == DIF_SUBR_TOUPPER);
	case DIF_SUBR_STRCHR: case DIF_SUBR_STRRCHR:
		if (c->ttop < 2)
			break;
		return subr_strchr(x, c, in, subr == DIF_SUBR_STRRCHR);
	case DIF_SUBR_SUBSTR:
		if (c->ttop < 2)
			break;
		return subr_substr(x, c, in);
	case DIF_SUBR_ALLOCA:
		if (c->ttop < 1)
			break;
		return subr_alloca(x, c, in);
	case DIF_SUBR_BCOPY: case DIF_SUBR_COPYINTO:
		if (c->ttop < 3)
			break;
		return subr_bcopy(x, c, in);
	case DIF_SUBR_STRSTR: case DIF_SUBR_INDEX: case DIF_SUBR_RINDEX:
		if (c->ttop < 2)
			break;
		return subr_search(x, c, in);
	case DIF_SUBR_BASENAME: case DIF_SUBR_DIRNAME:
		if (c->ttop < 1)
			break;
		return subr_path(x, c, in, subr == DIF_SUBR_DIRNAME);
	case DIF_SUBR_STRTOK:
		if (c->ttop < 2)
			break;
		return subr_strtok(x, c, in);
	case DIF_SUBR_STRTOLL:
		if (c->ttop < 1)
			break;
		return subr_strtoll(x, c, in);
	case DIF_SUBR_MEMSTR:
		if (c->ttop < 3)
			break;
		return subr_memstr(x, c, in);
	case DIF_SUBR_INET_NTOA: case DIF_SUBR_INET_NTOA6:
		if (c->ttop < 1)
			break;
		return subr_inet(x, c, in);
	case DIF_SUBR_INET_NTOP:
		if (c->ttop < 2)
			break;
		return subr_inet(x, c, in);
	case DIF_SUBR_RAND:
		return subr_simple(x, subr, in);
	case DIF_SUBR_SPECULATION:
		return subr_speculation(x, c, in);
	case DIF_SUBR_HTONS: case DIF_SUBR_NTOHS: case DIF_SUBR_HTONL:
	case DIF_SUBR_NTOHL: case DIF_SUBR_HTONLL: case DIF_SUBR_NTOHLL:
		if (c->ttop < 1)
			break;
		return subr_simple(x, subr, in);
	case DBPF_SUBR_VM_KERNEL_ADDRPERM:
		if (c->ttop < 1)
			break;
		return subr_addrperm(x, in);
	default:
		return fail(x, "pc %lld: subroutine %u is not translated to BPF yet",
		    (long long)x->curpc, subr);
	}
	return fail(x, "pc %lld: subroutine %u called with too few arguments",
	    (long long)x->curpc, subr);
}

/*
 * String variables and associative arrays: one map per variable
 * (dbpf_set_var_ref), keyed by [pid_tgid (thread scope)] + the tuple
 * (integers 8 bytes, strings strsize + 1 bytes NUL-padded), valued by a u64
 * or a strsize + 1 byte string.  A global string scalar is a one-entry
 * ARRAY (key 0), so it always exists and starts as "".
 *
 * key:    K = a fresh area; zero it; [*(u64 *)K = pid_tgid]; per tuple
 *         member t: *(u64 *)(K + o) = fp[TUP(t)], or the string at
 *         fp[TUP(t)] copied with probe_read_kernel_str (fault BADADDR)
 * load:   r0 = lookup(map, K); jeq r0, 0, -> 0
 *         scalar: r0 = *r0      string: copy into a fresh buffer S with
 *         probe_read_kernel_str; r0 = SBASE + S
 * store:  value 0 (NULL for strings) deletes (not for the global ARRAY);
 *         scalar: fp[VVAL] = v; update(map, K, fp + VVAL, ANY)
 *         string: copy into S (fault BADADDR); update(map, K, r8 + S, ANY)
 *         a failed update counts a dynamic-variable drop
 */
static int dyn_var(struct dbpf_xl *x, struct cx *c, const struct dif_difo *dp,
    dif_instr_t in, unsigned scope, bool assoc, bool store)
{
	struct dbpf_varshape vs;
	unsigned var = DIF_INSTR_VAR(in);
	uint32_t key = 0, val = 0, o = 0, none = dbpf_label_new(x), out = dbpf_label_new(x);
	uint32_t sw = round8(c->strsize + 1);
	int ref, rc;

	memset(&vs, 0, sizeof(vs));
	vs.id = var;
	vs.scope = (uint8_t)scope;
	vs.assoc = assoc;
	vs.string = is_string_var(dp, var, scope);
	vs.valsize = vs.string ? sw : 8;
	vs.keysize = scope == DIFV_SCOPE_THREAD ? 8 : 0;
	if (assoc) {
		for (int t = 0; t < c->ttop; t++)
			vs.keysize += c->tup_string[t] ? sw : 8;
		if (c->ttop == 0)
			return fail(x, "pc %lld: associative array access with an empty "
			    "tuple", (long long)x->curpc);
	}
	if (vs.keysize == 0)
		vs.keysize = 4;	/* the global string's ARRAY index */
	ref = dbpf_set_var_ref(c->set, &vs, x->err, x->errlen);
	if (ref < 0)
		return ref;
	if ((rc = new_area(x, c, vs.keysize, &key)) != 0 ||
	    (vs.string && (rc = new_string(x, c, &val)) != 0))
		return rc;
	zero_scratch(x, key, round8(vs.keysize));
	if (scope == DIFV_SCOPE_THREAD) {
		if ((rc = self_key(x, c)) != 0)
			return rc;
		emit(x, STX64(R8, R0, (int16_t)key));
		o = 8;
	}
	for (int t = 0; assoc && t < c->ttop; t++) {
		if (!c->tup_string[t]) {
			emit(x, LDX64(R1, FP, SLOT_TUP(t)));
			emit(x, STX64(R8, R1, (int16_t)(key + o)));
			o += 8;
		} else {
			copy_string(x, c, SLOT_TUP(t), key + o);
			o += sw;
		}
	}
	if (!store) {
		map_ref(x, R1, (uint32_t)ref);
		scratch_ptr(x, R2, key);
		emit(x, CALL(BPF_FUNC_map_lookup_elem));
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), none);
		if (vs.string) {
			emit(x, ALU_X(BPF_MOV, R3, R0));
			scratch_ptr(x, R1, val);
			emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
			emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
			scratch_addr(x, val);
		} else {
			emit(x, LDX64(R0, R0, 0));
		}
		return result_or_zero(x, in, none, out);
	}
	dbpf_get(x, R0, DIF_INSTR_RS(in));
	emit(x, STX64(FP, R0, SLOT_VVAL));
	if (vs.keysize == 4 && !assoc && scope == DIFV_SCOPE_GLOBAL) {
		/* the global string: NULL stores "" */
		emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_B, R8, 0, (int16_t)val, 0));
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), none);
	} else {
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), none);
	}
	if (vs.string) {
		scratch_ptr(x, R1, val);
		emit(x, ALU_K(BPF_MOV, R2, (int32_t)(c->strsize + 1)));
		emit(x, LDX64(R3, FP, SLOT_VVAL));
		emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
		fault_if_negative(x, SLOT_VVAL);
	}
	if (vs.keysize == 4 && !assoc && scope == DIFV_SCOPE_GLOBAL)
		dbpf_label_bind(x, none);
	map_ref(x, R1, (uint32_t)ref);
	scratch_ptr(x, R2, key);
	if (vs.string)
		scratch_ptr(x, R3, val);
	else
		dbpf_fp_addr(x, R3, SLOT_VVAL);
	update_or_drop(x, out);
	if (!(vs.keysize == 4 && !assoc && scope == DIFV_SCOPE_GLOBAL)) {
		dbpf_label_bind(x, none);
		map_ref(x, R1, (uint32_t)ref);
		scratch_ptr(x, R2, key);
		emit(x, CALL(BPF_FUNC_map_delete_elem));
	}
	dbpf_label_bind(x, out);
	return 1;
}

/* ---- Scratch memory: allocs, copys, stores ------------------------------------ */

/*
 * The value of %reg at pc when the instruction before sets it with setx
 * and nothing branches to pc (how dtc emits allocs and copys sizes).
 */
static bool known_size(const struct dif_difo *dp, uint32_t pc, unsigned reg,
    uint64_t *v)
{
	dif_instr_t prev;

	if (pc == 0)
		return false;
	prev = dp->dtdo_buf[pc - 1];
	if (DIF_INSTR_OP(prev) != DIF_OP_SETX || DIF_INSTR_RD(prev) != reg ||
	    DIF_INSTR_INTEGER(prev) >= dp->dtdo_intlen || dp->dtdo_inttab == NULL)
		return false;
	for (uint32_t i = 0; i < dp->dtdo_len; i++) {
		unsigned op = DIF_INSTR_OP(dp->dtdo_buf[i]);

		if (op >= DIF_OP_BA && op <= DIF_OP_BLEU &&
		    DIF_INSTR_LABEL(dp->dtdo_buf[i]) == pc)
			return false;
	}
	*v = dp->dtdo_inttab[DIF_INSTR_INTEGER(prev)];
	return true;
}

/*
 * r1 = %addr - SBASE, checked to leave `width` bytes inside the scratch
 * value (the limit is patched in once the value's size is known):
 *   r1 = %addr; fp[FVAL] = r1; r2 = fp[SBASE]; r1 -= r2
 *   jlt r1, <string buffers>, bad; jgt r1, <size - width>, bad
 * Only the string buffers and allocs areas are storable: the counters,
 * constants and records before them are not.
 */
static int scratch_offset_slot(struct dbpf_xl *x, struct cx *c, int16_t slot,
    uint32_t width, uint32_t bad)
{
	struct limfix *nl;

	c->needs_sbase = true;
	emit(x, LDX64(R1, FP, slot));
	emit(x, STX64(FP, R1, SLOT_FVAL));
	emit(x, LDX64(R2, FP, SLOT_SBASE));
	emit(x, ALU_X(BPF_SUB, R1, R2));
	dbpf_jump(x, JK(BPF_JLT, R1, (int32_t)c->lay.strs), bad);
	if (c->nlims == c->caplims) {
		uint32_t cap = c->caplims ? 2 * c->caplims : 16;

		if ((nl = realloc(c->lims, cap * sizeof(*nl))) == NULL)
			return -ENOMEM;
		c->lims = nl;
		c->caplims = cap;
	}
	c->lims[c->nlims++] = (struct limfix){ x->n, width };
	dbpf_jump(x, JK(BPF_JGT, R1, 0), bad);
	return 0;
}

static int scratch_offset(struct dbpf_xl *x, struct cx *c, unsigned reg,
    uint32_t width, uint32_t bad)
{
	dbpf_get(x, R1, reg);
	emit(x, STX64(FP, R1, SLOT_B));
	return scratch_offset_slot(x, c, SLOT_B, width, bad);
}

/*
 * st{b,h,w,x} %v, [%a]: only scratch memory (allocs, strings) is storable
 *   scratch_offset(%a) -> bad; r2 = r8 + r1; r3 = %v; *(u<w> *)r2 = r3; ja out
 * bad: fault BADADDR(%a)
 */
static int store(struct dbpf_xl *x, struct cx *c, dif_instr_t in, unsigned w)
{
	static const uint8_t bsz[9] = { 0, BPF_B, BPF_H, 0, BPF_W, 0, 0, 0, BPF_DW };
	uint32_t bad = dbpf_label_new(x), out = dbpf_label_new(x);
	int rc;

	if ((rc = scratch_offset(x, c, DIF_INSTR_RD(in), w, bad)) != 0)
		return rc;
	emit(x, ALU_X(BPF_MOV, R2, R8));
	emit(x, ALU_X(BPF_ADD, R2, R1));
	dbpf_get(x, R3, DIF_INSTR_R1(in));
	emit(x, STXSZ(bsz[w], R2, R3, 0));
	dbpf_jump(x, JA(), out);
	return end_badaddr(x, bad, out);
}

/*
 * allocs %size, %rd with a size known at translation time: a zeroed area
 *   *(u64 *)(r8 + A + i) = 0 ...; %rd = SBASE + A
 */
static int allocs(struct dbpf_xl *x, struct cx *c, const struct dif_difo *dp,
    dif_instr_t in)
{
	uint64_t n = 0;
	uint32_t a = 0;
	int rc;

	if (!known_size(dp, (uint32_t)x->curpc, DIF_INSTR_R1(in), &n))
		return fail(x, "pc %lld: allocs of a size not set just before it is "
		    "not translated to BPF", (long long)x->curpc);
	if (n > MAX_COPYIN)
		return fail(x, "pc %lld: allocs of %llu bytes (BPF programs allow %u)",
		    (long long)x->curpc, (unsigned long long)n, MAX_COPYIN);
	if ((rc = new_area(x, c, n ? (uint32_t)n : 8, &a)) != 0)
		return rc;
	zero_scratch(x, a, round8((uint32_t)n));
	put_scratch(x, a, in);
	return 1;
}

/*
 * copys %src, %size, %dst with a known size: dst must be scratch
 *   scratch_offset(%dst) -> bad; r1 += r8; r2 = n; r3 = %src
 *   call probe_read_kernel; jeq r0, 0, out; fault BADADDR(%src)
 * bad: fault BADADDR(%dst)
 */
static int copys(struct dbpf_xl *x, struct cx *c, const struct dif_difo *dp,
    dif_instr_t in)
{
	uint32_t bad = dbpf_label_new(x), out = dbpf_label_new(x);
	uint64_t n = 0;
	int rc;

	if (!known_size(dp, (uint32_t)x->curpc, DIF_INSTR_R2(in), &n))
		return fail(x, "pc %lld: copys of a size not set just before it is "
		    "not translated to BPF", (long long)x->curpc);
	if (n == 0 || n > MAX_COPYIN)
		return fail(x, "pc %lld: copys of %llu bytes (BPF programs allow 1..%u)",
		    (long long)x->curpc, (unsigned long long)n, MAX_COPYIN);
	if ((rc = scratch_offset(x, c, DIF_INSTR_RD(in), (uint32_t)n, bad)) != 0)
		return rc;
	emit(x, ALU_X(BPF_ADD, R1, R8));
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)n));
	dbpf_get(x, R3, DIF_INSTR_R1(in));
	emit(x, STX64(FP, R3, SLOT_A));
	emit(x, CALL(BPF_FUNC_probe_read_kernel));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), out);
	fault_slot(x, DIF_FAULT_BADADDR, SLOT_A);
	return end_badaddr(x, bad, out);
}

/*
 * alloca(n): a MAX_COPYIN-byte area of the clause's scratch; n beyond it
 * faults NOSCRATCH.  Its first n bytes (rounded up to 8) are cleared, as
 * the engine's scratch is:
 *   r1 = T[0]; jle r1, MAX, +5; fault NOSCRATCH(T[0])
 *   r1 = 0; loop: jge r1, T[0], done; jge r1, MAX, done
 *         *(u64 *)(r8 + A + r1) = 0; r1 += 8; ja loop
 *   done: %rd = SBASE + A
 */
static int subr_alloca(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t a = 0, done = dbpf_label_new(x);
	size_t loop;
	int rc;

	if ((rc = sized_area(x, c, R1, SLOT_TUP(0), &a)) != 0)
		return rc;
	emit(x, ALU_K(BPF_MOV, R1, 0));
	loop = x->n;
	emit(x, LDX64(R2, FP, SLOT_TUP(0)));
	dbpf_jump(x, JX(BPF_JGE, R1, R2), done);
	dbpf_jump(x, JK(BPF_JGE, R1, (int32_t)MAX_COPYIN), done);
	scratch_ptr(x, R3, a);
	emit(x, ALU_X(BPF_ADD, R3, R1));
	emit(x, ST64(R3, 0, 0));
	emit(x, ALU_K(BPF_ADD, R1, 8));
	loop_back(x, loop);
	dbpf_label_bind(x, done);
	put_scratch(x, a, in);
	return 1;
}

/*
 * bcopy(src, dst, n) and copyinto(src, n, dst): dst must be scratch; n up
 * to MAX_COPYIN (the scratch value has that much slack after its end, so
 * offset and size need no correlation for the verifier); bcopy reads
 * kernel memory, copyinto user memory:
 *   r5 = n; jgt r5, MAX, toobig; scratch_offset(dst, 0) -> bad
 *   r1 += r8; r2 = n; r3 = src; call probe_read_{kernel,user}; jeq r0, 0, out
 *   fault BADADDR(src); bad: fault BADADDR(dst); toobig: fault NOSCRATCH(n)
 */
static int subr_bcopy(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	bool user = DIF_INSTR_SUBR(in) == DIF_SUBR_COPYINTO;
	int16_t nslot = SLOT_TUP(user ? 1 : 2), dslot = SLOT_TUP(user ? 2 : 1);
	uint32_t bad = dbpf_label_new(x), big = dbpf_label_new(x);
	uint32_t out = dbpf_label_new(x);
	int rc;

	c->slack = true;
	emit(x, LDX64(R5, FP, nslot));
	dbpf_jump(x, JK(BPF_JGT, R5, (int32_t)MAX_COPYIN), big);
	/* scratch_offset reads the address from a DIF register: use fp[B] */
	emit(x, LDX64(R1, FP, dslot));
	emit(x, STX64(FP, R1, SLOT_B));
	if ((rc = scratch_offset_slot(x, c, SLOT_B, 0, bad)) != 0)
		return rc;
	emit(x, ALU_X(BPF_ADD, R1, R8));
	emit(x, LDX64(R2, FP, nslot));
	dbpf_jump(x, JK(BPF_JGT, R2, (int32_t)MAX_COPYIN), big);
	emit(x, LDX64(R3, FP, SLOT_TUP(0)));
	emit(x, CALL(user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), out);
	fault_slot(x, DIF_FAULT_BADADDR, SLOT_TUP(0));
	dbpf_label_bind(x, bad);
	fault_slot(x, DIF_FAULT_BADADDR, SLOT_B);
	dbpf_label_bind(x, big);
	fault_slot(x, DIF_FAULT_NOSCRATCH, nslot);
	dbpf_label_bind(x, out);
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/* The hook: everything dbpf_xlate.c's core leaves to clause programs. */
static int hook(struct dbpf_xl *x, const struct dif_difo *dp, dif_instr_t in,
    void *arg)
{
	struct cx *c = arg;
	unsigned op = DIF_INSTR_OP(in);

	switch (op) {
	case DIF_OP_LDGS: case DIF_OP_STGS:
		if (DIF_INSTR_VAR(in) < DIF_VAR_OTHER_UBASE)
			return ldgs_builtin(x, c, in);
		if (is_string_var(dp, DIF_INSTR_VAR(in), DIFV_SCOPE_GLOBAL))
			return dyn_var(x, c, dp, in, DIFV_SCOPE_GLOBAL, false,
			    op == DIF_OP_STGS);
		return global_var(x, dp, in, op == DIF_OP_STGS);
	case DIF_OP_LDTS: case DIF_OP_STTS:
		if (is_string_var(dp, DIF_INSTR_VAR(in), DIFV_SCOPE_THREAD))
			return dyn_var(x, c, dp, in, DIFV_SCOPE_THREAD, false,
			    op == DIF_OP_STTS);
		return thread_var(x, c, dp, in, op == DIF_OP_STTS);
	case DIF_OP_LDGAA: case DIF_OP_STGAA:
		return dyn_var(x, c, dp, in, DIFV_SCOPE_GLOBAL, true, op == DIF_OP_STGAA);
	case DIF_OP_LDTAA: case DIF_OP_STTAA:
		return dyn_var(x, c, dp, in, DIFV_SCOPE_THREAD, true, op == DIF_OP_STTAA);
	case DIF_OP_LDLS:
		return local_var(x, c, in, false);
	case DIF_OP_STLS:
		return local_var(x, c, in, true);
	case DIF_OP_LDGA:
		if (DIF_INSTR_R1(in) != DIF_VAR_ARGS)
			return fail(x, "pc %lld: built-in array %u is not translated "
			    "to BPF", (long long)x->curpc, DIF_INSTR_R1(in));
		return ldga_args(x, c, in);
	case DIF_OP_SETS:
		if (dp->dtdo_strtab == NULL || DIF_INSTR_STRING(in) >= dp->dtdo_strlen)
			return fail(x, "pc %lld: string offset %u is outside the "
			    "string table", (long long)x->curpc, DIF_INSTR_STRING(in));
		scratch_addr(x, c->difo_strbase + DIF_INSTR_STRING(in));
		dbpf_put(x, DIF_INSTR_RD(in));
		return 1;
	case DIF_OP_SCMP:
		return scmp(x, c, in);
	case DIF_OP_PUSHTR: case DIF_OP_PUSHTV:
		return push(x, c, in, op == DIF_OP_PUSHTR);
	case DIF_OP_POPTS:
		if (c->ttop > 0)
			c->ttop--;
		return 1;
	case DIF_OP_FLUSHTS:
		c->ttop = 0;
		return 1;
	case DIF_OP_CALL:
		return call(x, c, in);
	case DIF_OP_STB: return store(x, c, in, 1);
	case DIF_OP_STH: return store(x, c, in, 2);
	case DIF_OP_STW: return store(x, c, in, 4);
	case DIF_OP_STX: return store(x, c, in, 8);
	case DIF_OP_ALLOCS:
		return allocs(x, c, dp, in);
	case DIF_OP_COPYS:
		return copys(x, c, dp, in);
	default:
		return 0;
	}
}

/* ---- Aggregations -------------------------------------------------------- */

/* The clause's key is exactly `ldgs execname; ret`: 16 bytes suffice. */
static bool is_execname(const struct dif_difo *dp)
{
	return dp != NULL && dp->dtdo_len == 2 &&
	    DIF_INSTR_OP(dp->dtdo_buf[0]) == DIF_OP_LDGS &&
	    DIF_INSTR_VAR(dp->dtdo_buf[0]) == DIF_VAR_EXECNAME &&
	    DIF_INSTR_OP(dp->dtdo_buf[1]) == DIF_OP_RET &&
	    DIF_INSTR_RD(dp->dtdo_buf[1]) == DIF_INSTR_RD(dp->dtdo_buf[0]);
}

int dbpf_agg_shape(const struct dbpf_step *s, uint32_t strsize,
    struct dbpf_aggshape *sh, char *err, size_t errlen)
{
	memset(sh, 0, sizeof(*sh));
	sh->id = s->aggid;
	sh->func = s->aggfunc;
	sh->arg = s->aggarg;
	sh->nkeys = s->nkeys;
	if (s->nkeys > DBPF_MAXKEYS || (s->nkeys > 0 && s->keys == NULL)) {
		snprintf(err, errlen, "aggregation %u: %u keys (at most %u)", s->aggid,
		    s->nkeys, DBPF_MAXKEYS);
		return -EINVAL;
	}
	for (uint32_t k = 0; k < s->nkeys; k++) {
		const struct dbpf_key *key = &s->keys[k];

		if (key->stack && (key->size == 0 || key->size % 8 != 0 ||
		    key->size > DBPF_MAXSTACK || (key->stack == DBPF_KEY_USTACK &&
		    key->size < 16))) {
			snprintf(err, errlen, "aggregation %u: a stack key of %u bytes",
			    s->aggid, key->size);
			return -EINVAL;
		}
		sh->keystr[k] = key->string && !key->stack;
		sh->keyw[k] = key->stack ? key->size : !key->string ? 8 :
		    is_execname(key->difo) ? 16 : round8(strsize);
		sh->keysize += sh->keyw[k];
	}
	if (sh->keysize == 0)
		sh->keysize = 8;	/* @ = f(): one all-zero key */
	switch (s->aggfunc) {
	case DIF_ACT_COUNT: case DIF_ACT_SUM: case DIF_ACT_MIN: case DIF_ACT_MAX:
		sh->nwords = 1;
		break;
	case DIF_ACT_AVG:
		sh->nwords = 2;
		break;
	case DIF_ACT_STDDEV:
		sh->nwords = 4;
		break;
	case DIF_ACT_QUANTIZE:
		sh->nwords = DBPF_QUANTIZE_NBUCKETS;
		break;
	case DIF_ACT_LQUANTIZE: {
		uint16_t levels = (uint16_t)(s->aggarg >> 32), step = (uint16_t)(s->aggarg >> 48);

		if (levels == 0 || step == 0)
			goto bad;
		sh->nwords = levels + 3u;
		break;
	}
	case DIF_ACT_LLQUANTIZE: {
		struct dbpf_llq q;

		if (dbpf_llq_plan(s->aggarg, &q) != 0)
			goto bad;
		sh->nwords = q.nbuckets + 1;
		break;
	}
	default:
		goto bad;
	}
	/* count keeps no separate hit word: its count is one */
	sh->hits = s->aggfunc != DIF_ACT_COUNT;
	sh->valsize = 8 * (sh->nwords + (sh->hits ? 1 : 0));
	return 0;
bad:
	snprintf(err, errlen, "aggregation %u: function 0x%x with argument 0x%llx "
	    "is not translated to BPF", s->aggid, s->aggfunc,
	    (unsigned long long)s->aggarg);
	return -EINVAL;
}

int dbpf_llq_plan(uint64_t arg, struct dbpf_llq *q)
{
	uint16_t factor = (uint16_t)(arg >> 48), low = (uint16_t)(arg >> 32);
	uint16_t high = (uint16_t)(arg >> 16), nsteps = (uint16_t)arg;
	int64_t this = 1, last;
	int64_t base = 1;
	uint64_t p = 1;

	memset(q, 0, sizeof(*q));
	if (factor < 2 || nsteps < factor || nsteps % factor != 0 || low > high ||
	    high - low + 1 > DBPF_LLQ_MAXORDERS)
		return -EINVAL;
	for (uint32_t i = 0; i <= high; i++) {
		if (p > (uint64_t)INT64_MAX / factor)
			return -EINVAL;
		p *= factor;
	}
	for (unsigned o = 0; o < low; o++)
		this *= factor;
	q->first = last = this;
	this *= factor;
	for (unsigned o = low; o <= high; o++) {
		int64_t nb = this > nsteps ? nsteps : this;
		int64_t next = (int64_t)((uint64_t)this * factor);

		if (next < this || next / factor != this)
			next = INT64_MAX;
		q->order[q->norders].this = this;
		q->order[q->norders].last = last;
		q->order[q->norders].div = this / nb;
		q->order[q->norders].base = base;
		q->norders++;
		base += nb - nb / factor;
		last = this;
		this = next;
	}
	q->nbuckets = (uint32_t)base + 1;
	return 0;
}

/*
 * floor(log2(r1)) of a nonzero r1 into r2 (r1, r3 clobbered):
 *   r2 = 0; for s in 32,16,8,4,2,1: r3 = r1 >> s; jeq r3, 0, +2; r2 += s; r1 = r3
 */
static void log2_r1(struct dbpf_xl *x)
{
	emit(x, ALU_K(BPF_MOV, R2, 0));
	for (int s = 32; s >= 1; s /= 2) {
		emit(x, ALU_X(BPF_MOV, R3, R1));
		emit(x, ALU_K(BPF_RSH, R3, s));
		emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R3, 0, 2, 0));
		emit(x, ALU_K(BPF_ADD, R2, s));
		emit(x, ALU_X(BPF_MOV, R1, R3));
	}
}

/*
 * Word index of v (fp[AGGV]) into r0, for the quantizations:
 * quantize    0 -> 63; v > 0 -> 64 + log2 v; v < 0 -> max(0, 62 - log2 -v)
 * lquantize   1 + (v < base ? 0 : v >= base + levels*step ? levels + 1 :
 *                 1 + (v - base) / step)
 * llquantize  1 + the log-linear bucket (a compare chain planned at
 *             translation time by dbpf_llq_plan)
 */
static void bucket(struct dbpf_xl *x, const struct dbpf_step *s)
{
	uint32_t out = dbpf_label_new(x);

	emit(x, LDX64(R1, FP, SLOT_AGGV));
	if (s->aggfunc == DIF_ACT_QUANTIZE) {
		uint32_t pos = dbpf_label_new(x);

		emit(x, ALU_K(BPF_MOV, R0, DBPF_QUANTIZE_ZEROBUCKET));
		dbpf_jump(x, JK(BPF_JEQ, R1, 0), out);
		dbpf_jump(x, JK(BPF_JSGT, R1, 0), pos);
		emit(x, ALU_K(BPF_NEG, R1, 0));
		log2_r1(x);
		emit(x, ALU_K(BPF_MOV, R0, 62));
		emit(x, ALU_X(BPF_SUB, R0, R2));
		dbpf_jump(x, JK(BPF_JSGE, R0, 0), out);
		emit(x, ALU_K(BPF_MOV, R0, 0));
		dbpf_jump(x, JA(), out);
		dbpf_label_bind(x, pos);
		log2_r1(x);
		emit(x, ALU_X(BPF_MOV, R0, R2));
		emit(x, ALU_K(BPF_ADD, R0, 64));
	} else if (s->aggfunc == DIF_ACT_LQUANTIZE) {
		int32_t base = (int32_t)(uint32_t)s->aggarg;
		uint16_t levels = (uint16_t)(s->aggarg >> 32), step = (uint16_t)(s->aggarg >> 48);

		emit(x, ALU_K(BPF_MOV, R0, 1));
		dbpf_ld_imm64(x, R2, 0, (uint64_t)(int64_t)base);
		dbpf_jump(x, JX(BPF_JSLT, R1, R2), out);
		emit(x, ALU_K(BPF_MOV, R0, levels + 2));
		dbpf_ld_imm64(x, R2, 0, (uint64_t)((int64_t)base + (int64_t)levels * step));
		dbpf_jump(x, JX(BPF_JSGE, R1, R2), out);
		dbpf_ld_imm64(x, R2, 0, (uint64_t)(int64_t)base);
		emit(x, ALU_X(BPF_SUB, R1, R2));
		emit(x, ALU_K(BPF_DIV, R1, step));
		emit(x, ALU_K(BPF_ADD, R1, 2));
		emit(x, ALU_X(BPF_MOV, R0, R1));
	} else {
		struct dbpf_llq q;

		(void)dbpf_llq_plan(s->aggarg, &q);	/* checked by dbpf_agg_shape */
		emit(x, ALU_K(BPF_MOV, R0, 1));
		dbpf_ld_imm64(x, R2, 0, (uint64_t)q.first);
		dbpf_jump(x, JX(BPF_JSLT, R1, R2), out);
		for (uint32_t o = 0; o < q.norders; o++) {
			uint32_t next = dbpf_label_new(x);

			dbpf_ld_imm64(x, R2, 0, (uint64_t)q.order[o].this);
			dbpf_jump(x, JX(BPF_JSGE, R1, R2), next);
			dbpf_ld_imm64(x, R2, 0, (uint64_t)q.order[o].last);
			emit(x, ALU_X(BPF_SUB, R1, R2));
			dbpf_ld_imm64(x, R2, 0, (uint64_t)q.order[o].div);
			emit(x, ALU_X(BPF_DIV, R1, R2));
			emit(x, ALU_K(BPF_ADD, R1, (int32_t)(q.order[o].base + 1)));
			emit(x, ALU_X(BPF_MOV, R0, R1));
			dbpf_jump(x, JA(), out);
			dbpf_label_bind(x, next);
		}
		emit(x, ALU_K(BPF_MOV, R0, (int32_t)q.nbuckets));
	}
	dbpf_label_bind(x, out);
}

/*
 * mag = |v|; add mag * mag (128 bits) to w[2] (low) and w[3] (high):
 *   a = mag >> 32, b = mag & 0xffffffff, m = a * b
 *   lo = b*b + (m << 33)            (carry c1)
 *   hi = a*a + (m >> 31) + c1
 *   w2 += lo (carry c2); w3 += hi + c2
 * Registers: r1 = mag, r2 = a, r3 = b, r4 = m, r5 = lo, r0 = hi.
 */
static void stddev_square(struct dbpf_xl *x, int16_t w)
{
	emit(x, LDX64(R1, FP, SLOT_AGGV));
	emit(x, dbpf_mk(BPF_JMP | BPF_JSGE | BPF_K, R1, 0, 1, 0));
	emit(x, ALU_K(BPF_NEG, R1, 0));
	emit(x, ALU_X(BPF_MOV, R2, R1));
	emit(x, ALU_K(BPF_RSH, R2, 32));
	emit(x, ALU_X(BPF_MOV, R3, R1));
	emit(x, ALU_K(BPF_LSH, R3, 32));
	emit(x, ALU_K(BPF_RSH, R3, 32));
	emit(x, ALU_X(BPF_MOV, R4, R2));
	emit(x, ALU_X(BPF_MUL, R4, R3));		/* m */
	emit(x, ALU_X(BPF_MOV, R5, R3));
	emit(x, ALU_X(BPF_MUL, R5, R3));		/* b*b */
	emit(x, ALU_X(BPF_MOV, R0, R2));
	emit(x, ALU_X(BPF_MUL, R0, R2));		/* a*a */
	emit(x, ALU_X(BPF_MOV, R1, R4));
	emit(x, ALU_K(BPF_RSH, R1, 31));
	emit(x, ALU_X(BPF_ADD, R0, R1));		/* hi += m >> 31 */
	emit(x, ALU_X(BPF_MOV, R1, R4));
	emit(x, ALU_K(BPF_LSH, R1, 33));
	emit(x, ALU_X(BPF_ADD, R5, R1));		/* lo += m << 33 */
	emit(x, dbpf_mk(BPF_JMP | BPF_JGE | BPF_X, R5, R1, 1, 0));
	emit(x, ALU_K(BPF_ADD, R0, 1));		/* carry */
	emit(x, LDX64(R1, R6, w + 16));
	emit(x, ALU_X(BPF_ADD, R1, R5));
	emit(x, STX64(R6, R1, w + 16));
	emit(x, dbpf_mk(BPF_JMP | BPF_JGE | BPF_X, R1, R5, 1, 0));
	emit(x, ALU_K(BPF_ADD, R0, 1));		/* carry */
	emit(x, LDX64(R1, R6, w + 24));
	emit(x, ALU_X(BPF_ADD, R1, R0));
	emit(x, STX64(R6, R1, w + 24));
}

/*   w[r0] += fp[INCR], r0 checked against the word count first */
static void add_bucket(struct dbpf_xl *x, const struct dbpf_aggshape *sh,
    int16_t w, uint32_t skip)
{
	dbpf_jump(x, JK(BPF_JGT, R0, (int32_t)(sh->nwords - 1)), skip);
	emit(x, ALU_K(BPF_LSH, R0, 3));
	emit(x, ALU_X(BPF_MOV, R1, R6));
	emit(x, ALU_X(BPF_ADD, R1, R0));
	emit(x, LDX64(R2, R1, w));
	emit(x, LDX64(R3, FP, SLOT_INCR));
	emit(x, ALU_X(BPF_ADD, R2, R3));
	emit(x, STX64(R1, R2, w));
}

/*
 * The function on the entry's words (r6 = the map value; w = first word):
 *   count   w0 += 1              sum  w0 += v
 *   min     if v < w0: w0 = v    max  if v > w0: w0 = v
 *   avg     w0 += 1; w1 += v     stddev  avg + the 128-bit square
 *   *quantize  w[bucket] += incr
 */
static void apply(struct dbpf_xl *x, const struct dbpf_step *s,
    const struct dbpf_aggshape *sh)
{
	int16_t w = sh->hits ? 8 : 0;
	uint32_t skip = dbpf_label_new(x);

	if (sh->hits) {
		emit(x, LDX64(R1, R6, 0));
		emit(x, ALU_K(BPF_ADD, R1, 1));
		emit(x, STX64(R6, R1, 0));
	}
	if (s->aggfunc != DIF_ACT_COUNT)
		emit(x, LDX64(R2, FP, SLOT_AGGV));
	switch (s->aggfunc) {
	case DIF_ACT_COUNT:
		emit(x, LDX64(R1, R6, w));
		emit(x, ALU_K(BPF_ADD, R1, 1));
		emit(x, STX64(R6, R1, w));
		break;
	case DIF_ACT_SUM:
		emit(x, LDX64(R1, R6, w));
		emit(x, ALU_X(BPF_ADD, R1, R2));
		emit(x, STX64(R6, R1, w));
		break;
	case DIF_ACT_MIN: case DIF_ACT_MAX:
		emit(x, LDX64(R1, R6, w));
		dbpf_jump(x, JX(s->aggfunc == DIF_ACT_MIN ? BPF_JSGE : BPF_JSLE, R2, R1),
		    skip);
		emit(x, STX64(R6, R2, w));
		break;
	case DIF_ACT_AVG: case DIF_ACT_STDDEV:
		emit(x, LDX64(R1, R6, w));
		emit(x, ALU_K(BPF_ADD, R1, 1));
		emit(x, STX64(R6, R1, w));
		emit(x, LDX64(R1, R6, w + 8));
		emit(x, ALU_X(BPF_ADD, R1, R2));
		emit(x, STX64(R6, R1, w + 8));
		if (s->aggfunc == DIF_ACT_STDDEV)
			stddev_square(x, w);
		break;
	default:
		bucket(x, s);
		add_bucket(x, sh, w, skip);
		break;
	}
	dbpf_label_bind(x, skip);
}

/* ---- Speculations ---------------------------------------------------------- */

#define SB_STATE	((int16_t)offsetof(struct dbpf_specbuf, state))
#define SB_HEAD		((int16_t)offsetof(struct dbpf_specbuf, head))
#define SB_FULL		((int16_t)offsetof(struct dbpf_specbuf, full))
#define SB_DATA		((int32_t)sizeof(struct dbpf_specbuf))

/*
 * r6 = the buffer of speculation id r1 (1-based), or a jump to `none` for
 * an id outside 1..nspec:
 *   jeq r1, 0, none; r1 -= 1; jge r1, nspec, none; *(u32 *)fp[KEY] = r1
 *   r0 = lookup(spec, fp + KEY); jeq r0, 0, none; r6 = r0
 */
static void spec_lookup(struct dbpf_xl *x, struct cx *c, uint32_t none)
{
	dbpf_jump(x, JK(BPF_JEQ, R1, 0), none);
	emit(x, ALU_K(BPF_SUB, R1, 1));
	dbpf_jump(x, JK(BPF_JGE, R1, (int32_t)dbpf_set_nspec(c->set)), none);
	emit(x, STXSZ(BPF_W, FP, R1, SLOT_KEY));
	map_ref(x, R1, DBPF_REF_SPEC);
	dbpf_fp_addr(x, R2, SLOT_KEY);
	emit(x, CALL(BPF_FUNC_map_lookup_elem));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), none);
	emit(x, ALU_X(BPF_MOV, R6, R0));
}

/*
 * speculation(): the first INACTIVE buffer, claimed with cmpxchg
 *   for i in 0..nspec-1:
 *     fp[KEY] = i; r0 = lookup(spec); jeq r0, 0, next; r6 = r0
 *     r0 = INACTIVE; r1 = ACTIVE; cmpxchg [r6 + state]; jne r0, 0, next
 *     [r6 + head] = 0; [r6 + full] = specsize; r0 = i + 1; ja done
 *   next: ...
 *   specbusy++; r0 = 0
 * done: %rd = r0
 */
static int subr_speculation(struct dbpf_xl *x, struct cx *c, dif_instr_t in)
{
	uint32_t done = dbpf_label_new(x);

	for (uint32_t i = 0; i < dbpf_set_nspec(c->set); i++) {
		uint32_t next = dbpf_label_new(x);

		emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_W, FP, 0, SLOT_KEY, (int32_t)i));
		map_ref(x, R1, DBPF_REF_SPEC);
		dbpf_fp_addr(x, R2, SLOT_KEY);
		emit(x, CALL(BPF_FUNC_map_lookup_elem));
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), next);
		emit(x, ALU_X(BPF_MOV, R6, R0));
		emit(x, ALU_K(BPF_MOV, R0, DBPF_SPEC_INACTIVE));
		emit(x, ALU_K(BPF_MOV, R1, DBPF_SPEC_ACTIVE));
		emit(x, dbpf_mk(BPF_STX | BPF_ATOMIC | BPF_DW, R6, R1, SB_STATE, BPF_CMPXCHG));
		dbpf_jump(x, JK(BPF_JNE, R0, DBPF_SPEC_INACTIVE), next);
		emit(x, ST64(R6, SB_HEAD, 0));
		emit(x, ST64(R6, SB_FULL, (int32_t)dbpf_set_specsize(c->set)));
		emit(x, ALU_K(BPF_MOV, R0, (int32_t)i + 1));
		dbpf_jump(x, JA(), done);
		dbpf_label_bind(x, next);
	}
	count(x, CNT_SPECBUSY);
	emit(x, ALU_K(BPF_MOV, R0, 0));
	dbpf_label_bind(x, done);
	dbpf_put(x, DIF_INSTR_RD(in));
	return 1;
}

/*
 * The clause's record into speculation fp[SPEC] (len = 16 + datasize):
 *   r1 = fp[SPEC]; spec_lookup -> busy; r1 = [r6 + state]; jne r1, ACTIVE, busy
 *   r1 = len; r1 = atomic_fetch_add([r6 + head], r1)
 *   jgt r1, specsize - len, full
 *   r1 += r6 + DATA; r2 = len; r3 = r8 + at; call probe_read_kernel; ja out
 * full: [r6 + full] = min([r6 + full], old head); specdrops++; ja out
 * busy: r1 = fp[SPEC]; jeq r1, 0, out; specbusy++
 * out:
 */
static void spec_output(struct dbpf_xl *x, struct cx *c, uint32_t at, uint32_t len)
{
	uint32_t busy = dbpf_label_new(x), full = dbpf_label_new(x);
	uint32_t out = dbpf_label_new(x);
	uint32_t size = dbpf_set_specsize(c->set);

	emit(x, LDX64(R1, FP, SLOT_SPEC));
	spec_lookup(x, c, busy);
	emit(x, LDX64(R1, R6, SB_STATE));
	dbpf_jump(x, JK(BPF_JNE, R1, DBPF_SPEC_ACTIVE), busy);
	if (len > size) {
		dbpf_jump(x, JA(), full);
	} else {
		emit(x, ALU_K(BPF_MOV, R1, (int32_t)len));
		emit(x, dbpf_mk(BPF_STX | BPF_ATOMIC | BPF_DW, R6, R1, SB_HEAD,
		    BPF_ADD | BPF_FETCH));
		emit(x, STX64(FP, R1, SLOT_B));
		dbpf_jump(x, JK(BPF_JGT, R1, (int32_t)(size - len)), full);
		emit(x, ALU_K(BPF_ADD, R1, SB_DATA));
		emit(x, ALU_X(BPF_ADD, R1, R6));
		emit(x, ALU_K(BPF_MOV, R2, (int32_t)len));
		scratch_ptr(x, R3, at);
		emit(x, CALL(BPF_FUNC_probe_read_kernel));
		dbpf_jump(x, JA(), out);
	}
	dbpf_label_bind(x, full);
	if (len <= size) {
		emit(x, LDX64(R1, FP, SLOT_B));
		emit(x, LDX64(R2, R6, SB_FULL));
		emit(x, dbpf_mk(BPF_JMP | BPF_JGE | BPF_X, R1, R2, 1, 0));
		emit(x, STX64(R6, R1, SB_FULL));
	}
	count(x, CNT_SPECDROPS);
	dbpf_jump(x, JA(), out);
	dbpf_label_bind(x, busy);
	emit(x, LDX64(R1, FP, SLOT_SPEC));
	dbpf_jump(x, JK(BPF_JEQ, R1, 0), out);
	count(x, CNT_SPECBUSY);
	dbpf_label_bind(x, out);
}

/*
 * commit(id) / discard(id), id in fp[RESULT]:
 *   r1 = id; spec_lookup -> out; r1 = [r6 + state]; jne r1, ACTIVE, out
 *   commit: r3 = min(head, full, specsize); jeq r3, 0, reset
 *           ringbuf_output(ringbuf, r6 + DATA, r3, 0) or bufdrops++
 *   reset:  [r6 + head] = 0; [r6 + state] = INACTIVE
 * out:
 */
static void spec_end(struct dbpf_xl *x, struct cx *c, bool commit)
{
	uint32_t out = dbpf_label_new(x), reset = dbpf_label_new(x);

	emit(x, LDX64(R1, FP, SLOT_RESULT));
	spec_lookup(x, c, out);
	emit(x, LDX64(R1, R6, SB_STATE));
	dbpf_jump(x, JK(BPF_JNE, R1, DBPF_SPEC_ACTIVE), out);
	if (commit) {
		emit(x, LDX64(R3, R6, SB_HEAD));
		emit(x, LDX64(R2, R6, SB_FULL));
		emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_X, R3, R2, 1, 0));
		emit(x, ALU_X(BPF_MOV, R3, R2));
		emit(x, dbpf_mk(BPF_JMP | BPF_JLE | BPF_K, R3, 0, 1,
		    (int32_t)dbpf_set_specsize(c->set)));
		emit(x, ALU_K(BPF_MOV, R3, (int32_t)dbpf_set_specsize(c->set)));
		dbpf_jump(x, JK(BPF_JEQ, R3, 0), reset);
		map_ref(x, R1, DBPF_REF_RINGBUF);
		emit(x, ALU_X(BPF_MOV, R2, R6));
		emit(x, ALU_K(BPF_ADD, R2, SB_DATA));
		emit(x, ALU_K(BPF_MOV, R4, 0));
		emit(x, CALL(BPF_FUNC_ringbuf_output));
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), reset);
		count(x, CNT_BUFDROPS);
	}
	dbpf_label_bind(x, reset);
	emit(x, ST64(R6, SB_HEAD, 0));
	emit(x, ST64(R6, SB_STATE, DBPF_SPEC_INACTIVE));
	dbpf_label_bind(x, out);
}

/* ---- Steps --------------------------------------------------------------- */

/*
 *   fp[ACT] = actndx; <difo>; done: (r0 = fp[RESULT] is the value)
 * A NULL difo gives fp[RESULT] = 0.
 */
static int run_difo(struct dbpf_xl *x, struct cx *c, const struct dif_difo *dp,
    uint32_t actndx)
{
	uint32_t done;
	uint32_t len;
	int rc;

	emit(x, ST64(FP, SLOT_ACT, (int32_t)actndx));
	if (dp == NULL) {
		emit(x, ST64(FP, SLOT_RESULT, 0));
		return 0;
	}
	len = dp->dtdo_strlen;
	if (dp->dtdo_strtab != NULL && len > 0) {
		if (c->strtab_used + len > c->lay.err - c->lay.strtab)
			return fail(x, "internal error: string table area is full");
		c->difo_strbase = c->lay.strtab + c->strtab_used;
		memcpy(c->image + c->difo_strbase, dp->dtdo_strtab, len);
		c->strtab_used += len;
	}
	c->ttop = 0;
	done = dbpf_label_new(x);
	rc = dbpf_xl_difo(x, dp, done);
	dbpf_label_bind(x, done);
	return rc;
}

/*
 * A stack into scratch at `at`, `size` bytes:
 *   kernel:  r1 = ctx; r2 = r8 + at; r3 = size; r4 = 0; call get_stack
 *   user:    *(u64 *)(r8 + at) = pid; then the same at at + 8 for size - 8
 *            bytes with BPF_F_USER_STACK
 * get_stack zero-fills what it does not use (all of it on failure).
 */
static void stack_into(struct dbpf_xl *x, uint32_t at, uint32_t size, bool user)
{
	if (user) {
		emit(x, CALL(BPF_FUNC_get_current_pid_tgid));
		emit(x, ALU_K(BPF_RSH, R0, 32));
		emit(x, STX64(R8, R0, (int16_t)at));
		at += 8;
		size -= 8;
	}
	emit(x, ALU_X(BPF_MOV, R1, R9));
	scratch_ptr(x, R2, at);
	emit(x, ALU_K(BPF_MOV, R3, (int32_t)size));
	emit(x, ALU_K(BPF_MOV, R4, user ? BPF_F_USER_STACK : 0));
	emit(x, CALL(BPF_FUNC_get_stack));
}

static int stack_record(struct dbpf_xl *x, struct cx *c, const struct dbpf_step *s)
{
	bool user = s->kind == DBPF_STEP_USTACK;

	if (s->size == 0 || s->size % 8 != 0 || s->size > DBPF_MAXSTACK ||
	    (user && s->size < 16))
		return fail(x, "a stack record of %u bytes", s->size);
	if ((uint64_t)s->off + s->size > c->cl->datasize)
		return fail(x, "record at %u of %u bytes is outside the %u-byte record",
		    s->off, s->size, c->cl->datasize);
	stack_into(x, c->lay.rec + 16 + s->off, s->size, user);
	return 0;
}

/*
 * RECORD / EXIT:  r1 = fp[RESULT]; then
 *   by value     *(u64 *)(rec + off) = 0; *(u<size> *)(rec + off) = r1
 *   string       zero size bytes; probe_read_kernel_str(rec + off, size, r1)
 *                or fault BADADDR
 *   other ref    probe_read_kernel(rec + off, size, r1) or fault BADADDR
 */
static int record(struct dbpf_xl *x, struct cx *c, const struct dbpf_step *s)
{
	static const uint8_t bsz[9] = { 0, BPF_B, BPF_H, 0, BPF_W, 0, 0, 0, BPF_DW };
	uint32_t at = c->lay.rec + 16 + s->off;

	if ((uint64_t)s->off + s->size > c->cl->datasize)
		return fail(x, "record at %u of %u bytes is outside the %u-byte record",
		    s->off, s->size, c->cl->datasize);
	if (!s->byref) {
		if (s->size != 0 && s->size != 1 && s->size != 2 && s->size != 4 &&
		    s->size != 8)
			return fail(x, "record of %u bytes by value", s->size);
		if (s->size == 0)
			return 0;
		emit(x, LDX64(R1, FP, SLOT_RESULT));
		if (s->size < 8)
			emit(x, ST64(R8, (int16_t)at, 0));
		emit(x, STXSZ(bsz[s->size], R8, R1, (int16_t)at));
		return 0;
	}
	if (s->size == 0 || s->size > 65535)
		return fail(x, "record of %u bytes by reference", s->size);
	if (s->string)
		zero_scratch(x, at, round8(s->size));
	scratch_ptr(x, R1, at);
	emit(x, ALU_K(BPF_MOV, R2, (int32_t)s->size));
	emit(x, LDX64(R3, FP, SLOT_RESULT));
	emit(x, CALL(s->string ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_kernel));
	/* outside any DIF instruction: the ERROR record's offset is -1 */
	fault_if_negative(x, SLOT_RESULT);
	return 0;
}

/*
 * AGG:
 *   key:   *(u64 *)key = 0 ...; for each member: <difo>; store 8 bytes or
 *          the string (zeroed, probe_read_kernel_str, fault BADADDR)
 *   incr:  <difo> -> fp[INCR] (or 1); value: <difo> -> fp[AGGV]
 *   r0 = lookup(agg, key); jne r0, 0, have
 *   update(agg, key, init, NOEXIST); r0 = lookup(agg, key); jne r0, 0, have
 *   aggdrops++; ja out
 *   have: r6 = r0; apply
 */
static int aggregate(struct dbpf_xl *x, struct cx *c, const struct dbpf_step *s)
{
	struct dbpf_aggshape sh;
	uint32_t have = dbpf_label_new(x), out = dbpf_label_new(x);
	uint32_t koff = c->lay.key, init;
	int ref, rc;

	if ((rc = dbpf_agg_shape(s, c->strsize, &sh, x->err, x->errlen)) != 0)
		return rc;
	ref = dbpf_set_agg_ref(c->set, &sh, x->err, x->errlen);
	if (ref < 0)
		return ref;
	zero_scratch(x, koff, sh.keysize);
	for (uint32_t k = 0; k < s->nkeys; k++) {
		if (s->keys[k].stack) {
			stack_into(x, koff, sh.keyw[k], s->keys[k].stack == DBPF_KEY_USTACK);
			koff += sh.keyw[k];
			continue;
		}
		if (sh.keystr[k] && sh.keyw[k] == 16) {
			/* `execname` straight into the key: no string copy */
			scratch_ptr(x, R1, koff);
			emit(x, ALU_K(BPF_MOV, R2, 16));
			emit(x, CALL(BPF_FUNC_get_current_comm));
			koff += 16;
			continue;
		}
		if ((rc = run_difo(x, c, s->keys[k].difo, s->keys[k].actndx)) != 0)
			return rc;
		if (!sh.keystr[k]) {
			emit(x, LDX64(R1, FP, SLOT_RESULT));
			emit(x, STX64(R8, R1, (int16_t)koff));
		} else {
			scratch_ptr(x, R1, koff);
			emit(x, ALU_K(BPF_MOV, R2, (int32_t)sh.keyw[k]));
			emit(x, LDX64(R3, FP, SLOT_RESULT));
			emit(x, CALL(BPF_FUNC_probe_read_kernel_str));
			fault_if_negative(x, SLOT_RESULT);
		}
		koff += sh.keyw[k];
	}
	if (s->incr != NULL) {
		if ((rc = run_difo(x, c, s->incr, s->incr_actndx)) != 0)
			return rc;
		emit(x, LDX64(R1, FP, SLOT_RESULT));
		emit(x, STX64(FP, R1, SLOT_INCR));
	} else {
		emit(x, ST64(FP, SLOT_INCR, 1));
	}
	if (s->difo != NULL || s->aggfunc != DIF_ACT_COUNT) {
		/* count() has no value: nothing to run or keep */
		if ((rc = run_difo(x, c, s->difo, s->actndx)) != 0)
			return rc;
		emit(x, LDX64(R1, FP, SLOT_RESULT));
		emit(x, STX64(FP, R1, SLOT_AGGV));
	}
	/* the initial value: zero words, min/max extremes, the encoded arg */
	init = c->lay.inits + c->inits_used;
	c->inits_used += sh.valsize;
	{
		int64_t *w = (int64_t *)(c->image + init + (sh.hits ? 8 : 0));

		if (s->aggfunc == DIF_ACT_MIN)
			w[0] = INT64_MAX;
		else if (s->aggfunc == DIF_ACT_MAX)
			w[0] = INT64_MIN;
		else if (s->aggfunc == DIF_ACT_LQUANTIZE || s->aggfunc == DIF_ACT_LLQUANTIZE)
			w[0] = (int64_t)s->aggarg;
	}
	for (int pass = 0; pass < 2; pass++) {
		map_ref(x, R1, (uint32_t)ref);
		scratch_ptr(x, R2, c->lay.key);
		emit(x, CALL(BPF_FUNC_map_lookup_elem));
		dbpf_jump(x, JK(BPF_JNE, R0, 0), have);
		if (pass == 1)
			break;
		map_ref(x, R1, (uint32_t)ref);
		scratch_ptr(x, R2, c->lay.key);
		scratch_ptr(x, R3, init);
		emit(x, ALU_K(BPF_MOV, R4, BPF_NOEXIST));
		emit(x, CALL(BPF_FUNC_map_update_elem));
	}
	count(x, CNT_AGGDROPS);
	dbpf_jump(x, JA(), out);
	dbpf_label_bind(x, have);
	emit(x, ALU_X(BPF_MOV, R6, R0));
	apply(x, s, &sh);
	dbpf_label_bind(x, out);
	return 0;
}

/*
 * exit(): the set's state, outside the ring buffer (first exit wins):
 *   fp[KEY] = 0; r0 = lookup(state); jeq r0, 0, out; r6 = r0
 *   r0 = 0; r1 = 1; cmpxchg [r6 + exited]; jne r0, 0, out
 *   [r6 + status] = (s32)fp[RESULT]
 */
static void exit_state(struct dbpf_xl *x)
{
	uint32_t out = dbpf_label_new(x);

	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_W, FP, 0, SLOT_KEY, 0));
	map_ref(x, R1, DBPF_REF_STATE);
	dbpf_fp_addr(x, R2, SLOT_KEY);
	emit(x, CALL(BPF_FUNC_map_lookup_elem));
	dbpf_jump(x, JK(BPF_JEQ, R0, 0), out);
	emit(x, ALU_X(BPF_MOV, R6, R0));
	emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, ALU_K(BPF_MOV, R1, 1));
	emit(x, dbpf_mk(BPF_STX | BPF_ATOMIC | BPF_DW, R6, R1,
	    (int16_t)offsetof(struct dbpf_state, exited), BPF_CMPXCHG));
	dbpf_jump(x, JK(BPF_JNE, R0, 0), out);
	emit(x, LDX64(R1, FP, SLOT_RESULT));
	emit(x, ALU_K(BPF_LSH, R1, 32));
	emit(x, ALU_K(BPF_ARSH, R1, 32));
	emit(x, STX64(R6, R1, (int16_t)offsetof(struct dbpf_state, status)));
	dbpf_label_bind(x, out);
}

static int step(struct dbpf_xl *x, struct cx *c, const struct dbpf_step *s)
{
	int rc;

	switch (s->kind) {
	case DBPF_STEP_RECORD:
		if ((rc = run_difo(x, c, s->difo, s->actndx)) != 0)
			return rc;
		return record(x, c, s);
	case DBPF_STEP_EXIT:
		if ((rc = run_difo(x, c, s->difo, s->actndx)) != 0 ||
		    (rc = record(x, c, s)) != 0)
			return rc;
		exit_state(x);
		return 0;
	case DBPF_STEP_VOID:
		return run_difo(x, c, s->difo, s->actndx);
	case DBPF_STEP_AGG:
		return aggregate(x, c, s);
	case DBPF_STEP_STACK: case DBPF_STEP_USTACK:
		return stack_record(x, c, s);
	case DBPF_STEP_SPECULATE:
		if ((rc = run_difo(x, c, s->difo, s->actndx)) != 0)
			return rc;
		emit(x, LDX64(R1, FP, SLOT_RESULT));
		emit(x, STX64(FP, R1, SLOT_SPEC));
		return 0;
	case DBPF_STEP_COMMIT: case DBPF_STEP_DISCARD:
		if ((rc = run_difo(x, c, s->difo, s->actndx)) != 0)
			return rc;
		spec_end(x, c, s->kind == DBPF_STEP_COMMIT);
		return 0;
	default:
		return fail(x, "unknown step kind %u", s->kind);
	}
}

/*
 * A record: header, then ring buffer.
 *   r1 = fp[TS]; jne r1, 0, +3; call ktime_get_ns; fp[TS] = r0; r1 = r0
 *   *(u64 *)(at + 8) = r1; *(u32 *)at = epid; *(u32 *)(at + 4) = size
 *   r1 = &ringbuf; r2 = r8 + at; r3 = 16 + size; r4 = 0; call ringbuf_output
 *   jeq r0, 0, +3; bufdrops++
 */
static void header(struct dbpf_xl *x, uint32_t at, uint32_t epid, uint32_t size)
{
	emit(x, LDX64(R1, FP, SLOT_TS));
	emit(x, dbpf_mk(BPF_JMP | BPF_JNE | BPF_K, R1, 0, 3, 0));
	emit(x, CALL(BPF_FUNC_ktime_get_ns));
	emit(x, STX64(FP, R0, SLOT_TS));
	emit(x, ALU_X(BPF_MOV, R1, R0));
	emit(x, STX64(R8, R1, (int16_t)(at + 8)));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_W, R8, 0, (int16_t)at, (int32_t)epid));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_W, R8, 0, (int16_t)(at + 4), (int32_t)size));
}

static void output(struct dbpf_xl *x, uint32_t at, uint32_t epid, uint32_t size)
{
	header(x, at, epid, size);
	map_ref(x, R1, DBPF_REF_RINGBUF);
	scratch_ptr(x, R2, at);
	emit(x, ALU_K(BPF_MOV, R3, (int32_t)(16 + size)));
	emit(x, ALU_K(BPF_MOV, R4, 0));
	emit(x, CALL(BPF_FUNC_ringbuf_output));
	emit(x, dbpf_mk(BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 3, 0));
	count(x, CNT_BUFDROPS);
}

/*
 * The ERROR record { epid, action, DIF offset, fault, address }:
 *   *(u64 *)(err + 16) = epid; (err + 24) = fp[ACT];
 *   (err + 32) = fp[FPC] * 4, or -1 for a fault outside DIF (record copies)
 *   (err + 40) = fp[FCODE]; (err + 48) = fp[FVAL]; output; errors++
 */
static void error_record(struct dbpf_xl *x, struct cx *c)
{
	uint32_t at = c->lay.err;

	emit(x, ST64(R8, (int16_t)(at + 16), (int32_t)c->cl->epid));
	emit(x, LDX64(R1, FP, SLOT_ACT));
	emit(x, STX64(R8, R1, (int16_t)(at + 24)));
	emit(x, LDX64(R1, FP, SLOT_FPC));
	emit(x, dbpf_mk(BPF_JMP | BPF_JSLT | BPF_K, R1, 0, 1, 0));
	emit(x, ALU_K(BPF_LSH, R1, 2));		/* pc -> byte offset; -1 stays */
	emit(x, STX64(R8, R1, (int16_t)(at + 32)));
	emit(x, LDX64(R1, FP, SLOT_FCODE));
	emit(x, STX64(R8, R1, (int16_t)(at + 40)));
	emit(x, LDX64(R1, FP, SLOT_FVAL));
	emit(x, STX64(R8, R1, (int16_t)(at + 48)));
	output(x, at, dbpf_set_error_epid(c->set), 40);
	count(x, CNT_ERRORS);
}

static bool label_used(const struct dbpf_xl *x, uint32_t label)
{
	for (size_t i = 0; i < x->nfix; i++)
		if (x->fix[i].label == label)
			return true;
	return false;
}

/* How many distinct clause-locals the clause's DIFOs name (their slots are
 * the only ones zeroed when it starts). */
static void note_locals(struct cx *c, const struct dif_difo *dp, uint32_t *ids,
    uint32_t *n)
{
	for (uint32_t pc = 0; dp != NULL && dp->dtdo_buf != NULL && pc < dp->dtdo_len; pc++) {
		unsigned op = DIF_INSTR_OP(dp->dtdo_buf[pc]), id;
		uint32_t i;

		if (op != DIF_OP_LDLS && op != DIF_OP_STLS)
			continue;
		id = DIF_INSTR_VAR(dp->dtdo_buf[pc]);
		for (i = 0; i < *n && ids[i] != id; i++)
			;
		if (i == *n && *n < DBPF_NLOCALS + 1)
			ids[(*n)++] = id;
	}
	(void)c;
}

static void count_locals(struct cx *c, const struct dbpf_clause *cl)
{
	uint32_t ids[DBPF_NLOCALS + 1], n = 0;

	note_locals(c, cl->pred, ids, &n);
	for (uint32_t i = 0; i < cl->nsteps; i++) {
		const struct dbpf_step *s = &cl->steps[i];

		note_locals(c, s->difo, ids, &n);
		note_locals(c, s->incr, ids, &n);
		for (uint32_t k = 0; k < s->nkeys; k++)
			note_locals(c, s->keys[k].difo, ids, &n);
	}
	c->nlocals = n;
}

/*
 * clause k:  fp[LOCAL(i)] = 0 for each clause-local it uses
 *            [<pred>; r0 = fp[RESULT]; jeq r0, 0, next]
 *            <steps>; [output]; ja next; [fault: error_record]; next:
 */
static int clause(struct dbpf_xl *x, struct cx *c, uint32_t k)
{
	const struct dbpf_clause *cl = c->cl;
	uint32_t next = dbpf_label_new(x), flt = dbpf_label_new(x);
	int rc;

	x->fault_label = flt;
	x->tag = DBPF_TAG(k, 0);
	c->strs_used = 0;
	c->speculative = false;
	for (uint32_t i = 0; i < cl->nsteps; i++)
		if (cl->steps[i].kind == DBPF_STEP_SPECULATE)
			c->speculative = true;
	if (c->speculative)
		emit(x, ST64(FP, SLOT_SPEC, 0));
	count_locals(c, cl);
	for (unsigned i = 0; i < c->nlocals && i < DBPF_NLOCALS; i++)
		emit(x, ST64(FP, SLOT_LOCAL(i), 0));
	c->nlocals = 0;
	if (cl->pred != NULL) {
		if ((rc = run_difo(x, c, cl->pred, 0)) != 0)
			return rc;
		emit(x, LDX64(R0, FP, SLOT_RESULT));
		dbpf_jump(x, JK(BPF_JEQ, R0, 0), next);
	}
	for (uint32_t i = 0; i < cl->nsteps; i++) {
		x->tag = DBPF_TAG(k, i + 1);
		if ((rc = step(x, c, &cl->steps[i])) != 0)
			return rc;
	}
	x->tag = DBPF_TAG(k, 0);
	if (cl->records && c->speculative) {
		header(x, c->lay.rec, cl->epid, cl->datasize);
		spec_output(x, c, c->lay.rec, 16 + cl->datasize);
	} else if (cl->records) {
		output(x, c->lay.rec, cl->epid, cl->datasize);
	}
	if (label_used(x, flt)) {
		dbpf_jump(x, JA(), next);
		dbpf_label_bind(x, flt);
		error_record(x, c);
	}
	dbpf_label_bind(x, next);
	return 0;
}

/*
 *   r9 = r1; fp[KEY] = 0; r0 = lookup(scratch, fp+KEY); jne r0, 0, +2;
 *   r0 = 0; exit; r8 = r0
 *   [fp[PTR] = r8; probe_read_kernel(fp + SBASE, 8, fp + PTR)]  (the
 *   scratch address as a number; only when a string address is used)
 *   fp[TS] = 0; [fp[STRTOK] = 0, only if strtok is called]; firings++
 * Emitted after the clauses (whose jumps are all relative) and placed in
 * front of them, so the string-address step costs nothing when unused.
 */
static void prologue(struct dbpf_xl *x, bool sbase, bool strtok)
{
	emit(x, ALU_X(BPF_MOV, R9, R1));
	emit(x, dbpf_mk(BPF_ST | BPF_MEM | BPF_W, FP, 0, SLOT_KEY, 0));
	map_ref(x, R1, DBPF_REF_SCRATCH);
	dbpf_fp_addr(x, R2, SLOT_KEY);
	emit(x, CALL(BPF_FUNC_map_lookup_elem));
	emit(x, dbpf_mk(BPF_JMP | BPF_JNE | BPF_K, R0, 0, 2, 0));
	emit(x, ALU_K(BPF_MOV, R0, 0));
	emit(x, EXIT());
	emit(x, ALU_X(BPF_MOV, R8, R0));
	if (sbase) {
		emit(x, STX64(FP, R8, SLOT_PTR));
		dbpf_fp_addr(x, R1, SLOT_SBASE);
		emit(x, ALU_K(BPF_MOV, R2, 8));
		dbpf_fp_addr(x, R3, SLOT_PTR);
		emit(x, CALL(BPF_FUNC_probe_read_kernel));
	}
	emit(x, ST64(FP, SLOT_TS, 0));
	if (strtok)
		emit(x, ST64(FP, SLOT_STRTOK, 0));
	count(x, CNT_FIRINGS);
}

/* head + body as one program (both relative-jump clean). */
static int join(struct dbpf_xl *head, struct dbpf_xl *body)
{
	size_t n = head->n + body->n;
	struct bpf_insn *in = malloc(n * sizeof(*in));
	int64_t *pm = malloc(n * sizeof(*pm));

	if (in == NULL || pm == NULL || head->oom) {
		free(in);
		free(pm);
		return -ENOMEM;
	}
	memcpy(in, head->insn, head->n * sizeof(*in));
	memcpy(in + head->n, body->insn, body->n * sizeof(*in));
	memcpy(pm, head->pcmap, head->n * sizeof(*pm));
	memcpy(pm + head->n, body->pcmap, body->n * sizeof(*pm));
	free(body->insn);
	free(body->pcmap);
	body->insn = in;
	body->pcmap = pm;
	body->n = n;
	return 0;
}

/* Bytes of read-only strings, records, keys and initial values needed. */
static int plan(struct cx *c, const struct dbpf_clause *cls, uint32_t n,
    char *err, size_t errlen)
{
	uint64_t strtab = 0, data = 0, key = 0, inits = 0;
	const struct dbpf_attach *at = c->at;
	const char *names[4] = { at->at_prov, at->at_mod, at->at_func, at->at_name };
	struct dbpf_aggshape sh;
	int rc;

	for (int i = 0; i < 4; i++)
		strtab += strlen(names[i] ? names[i] : "") + 1;
	strtab += sizeof(DIGITS) + 512;	/* + inet6's and strtoll's tables */
	for (uint32_t k = 0; k < n; k++) {
		const struct dbpf_clause *cl = &cls[k];

		if (cl->nsteps > 0 && cl->steps == NULL) {
			snprintf(err, errlen, "epid %u: steps missing", cl->epid);
			return -EINVAL;
		}
		if (cl->datasize > data)
			data = cl->datasize;
		if (cl->pred)
			strtab += cl->pred->dtdo_strlen;
		for (uint32_t i = 0; i < cl->nsteps; i++) {
			const struct dbpf_step *s = &cl->steps[i];

			if (s->difo)
				strtab += s->difo->dtdo_strlen;
			if (s->incr)
				strtab += s->incr->dtdo_strlen;
			if (s->kind != DBPF_STEP_AGG)
				continue;
			if ((rc = dbpf_agg_shape(s, c->strsize, &sh, err, errlen)) != 0)
				return rc;
			for (uint32_t j = 0; j < s->nkeys; j++)
				if (s->keys[j].difo)
					strtab += s->keys[j].difo->dtdo_strlen;
			if (sh.keysize > key)
				key = sh.keysize;
			inits += sh.valsize;
		}
	}
	c->lay.strtab = 64;
	c->lay.err = c->lay.strtab + round8((uint32_t)(strtab > MAX_SCRATCH ? MAX_SCRATCH : strtab));
	c->lay.rec = c->lay.err + 64;
	c->lay.tmpa = c->lay.rec + round8((uint32_t)(data > MAX_SCRATCH ? MAX_SCRATCH : data)) + 24;
	c->lay.tmpb = c->lay.tmpa + round8(c->strsize + 1);
	c->lay.pass = c->lay.tmpb + round8(c->strsize + 1);
	c->lay.key = c->lay.pass + 8;
	c->lay.inits = c->lay.key + round8((uint32_t)(key > MAX_SCRATCH ? MAX_SCRATCH : key));
	c->lay.strs = c->lay.inits + (uint32_t)(inits > MAX_SCRATCH ? MAX_SCRATCH : inits);
	if ((uint64_t)c->lay.strs > MAX_SCRATCH || strtab + data + key + inits > MAX_SCRATCH) {
		snprintf(err, errlen, "the clauses of this probe need more than %u bytes "
		    "of per-CPU scratch (records, strings, aggregation keys)", MAX_SCRATCH);
		return -E2BIG;
	}
	c->image_size = c->lay.strs;
	c->image = calloc(1, MAX_SCRATCH);
	if (c->image == NULL)
		return -ENOMEM;
	return 0;
}

int dbpf_clauses_translate(struct dbpf_set *set, const struct dbpf_attach *at,
    const struct dbpf_clause *cls, uint32_t n, struct dbpf_cprog *out,
    char *err, size_t errlen)
{
	struct dbpf_xl x = { .curpc = -1, .err = err, .errlen = errlen };
	struct dbpf_opts opts = { .do_ctx = at->at_ctx, .do_nargs = 0 };
	struct cx c = { .set = set, .at = at, .strsize = dbpf_set_strsize(set) };
	const char *names[4] = { at->at_prov, at->at_mod, at->at_func, at->at_name };
	uint32_t k = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	x.opts = &opts;
	x.hook = hook;
	x.harg = &c;
	if ((rc = plan(&c, cls, n, err, errlen)) != 0)
		return rc;
	for (int i = 0; i < 4; i++)
		(void)add_const_string(&x, &c, names[i], &c.probe_str[i]);
	(void)add_const_string(&x, &c, DIGITS, &c.digits);
	for (k = 0; k < n && rc == 0; k++) {
		c.cl = &cls[k];
		rc = clause(&x, &c, k);
	}
	x.curpc = -1;
	x.tag = 0;
	emit(&x, ALU_K(BPF_MOV, R0, 0));
	emit(&x, EXIT());
	if (rc == 0)
		rc = dbpf_xl_finish(&x);
	for (uint32_t i = 0; rc == 0 && i < c.nlims; i++) {
		uint32_t end = round8(c.lay.strs + c.strs_max);

		if (end < c.lay.strs + c.lims[i].width)
			rc = fail(&x, "a copy of %u bytes into scratch that has only %u "
			    "storable bytes", c.lims[i].width, end - c.lay.strs);
		else
			x.insn[c.lims[i].at].imm = (int32_t)(end - c.lims[i].width);
	}
	free(c.lims);
	if (rc == 0) {
		struct dbpf_xl head = { .curpc = -1, .err = err, .errlen = errlen,
		    .harg = &c };

		prologue(&head, c.needs_sbase, c.uses_strtok);
		rc = join(&head, &x);
		free(head.insn);
		free(head.pcmap);
		dbpf_xl_release(&head);
	}
	dbpf_xl_release(&x);
	if (rc != 0) {
		if (rc == -ENOMEM && errlen > 0)
			snprintf(err, errlen, "out of memory");
		else if (k > 0 && k <= n && errlen > 0) {
			char why[512];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "epid %u (%s): %s", cls[k - 1].epid,
			    cls[k - 1].what ? cls[k - 1].what : "?", why);
		}
		free(x.insn);
		free(x.pcmap);
		free(c.image);
		return rc;
	}
	out->insn = x.insn;
	out->pcmap = x.pcmap;
	out->len = x.n;
	out->image = c.image;
	out->image_size = round8(c.lay.strs + c.strs_max) + (c.slack ? MAX_COPYIN : 0);
	if (out->image_size > MAX_SCRATCH) {
		snprintf(err, errlen, "the clauses of this probe need more than %u bytes "
		    "of per-CPU scratch", MAX_SCRATCH);
		free(x.insn);
		free(x.pcmap);
		free(c.image);
		memset(out, 0, sizeof(*out));
		return -E2BIG;
	}
	return 0;
}
