/*
 * dbpf_clause.h — whole D clauses in the Linux kernel through BPF.
 *
 * The clause-level API.  A caller (the dtrace driver's BPF backend)
 * describes every enabled clause with the neutral structs below — never
 * the driver's own ECB structs — groups the clauses by the probe
 * attachment they fire on, and hands each group to a `dbpf_set`:
 *
 *   dbpf_set__new         the maps shared by every program of one D
 *                         program: ring buffer, globals, thread-locals and
 *                         associative arrays, aggregations, string table,
 *                         per-CPU scratch and counters
 *   dbpf_set__add_probe   validate (dvm) and translate every clause of one
 *                         attachment into ONE BPF program that runs them in
 *                         order, and load it (verifier log mapped back to
 *                         the clause's EPID and DIF pc on rejection)
 *   dbpf_set__attach_*    attach it (or take dbpf_set__prog_fd and attach
 *                         it yourself: perf events, kprobes, ...)
 *   dbpf_set__poll        consume trace records from the ring buffer
 *   dbpf_set__agg_walk    read the aggregations, one call per entry per CPU
 *
 * Records.  A clause that records writes ONE ring-buffer record laid out
 * exactly like the user-space engine's (dtrace/dt_impl.h):
 *   struct { uint32_t epid; uint32_t size; uint64_t timestamp; } header,
 *   then `datasize` bytes with each step's value at its record offset
 *   (integers: `size` bytes, little-endian, the rest of their 8-byte slot
 *   zero; by-reference strings: up to size-1 bytes then NUL padding;
 *   by-reference non-strings: exactly `size` bytes).  The timestamp is
 *   CLOCK_MONOTONIC ns, the same for every clause of one firing.
 * A DTrace fault aborts the clause and writes an ERROR record instead:
 *   header { error_epid, 40, timestamp } + five u64:
 *   { epid, action index, DIF byte offset (pc * 4), fault code, address },
 * the engine's ERROR record; the clause's later steps do not run.
 *
 * Aggregations live in a per-CPU hash keyed by (aggregation id, tuple
 * bytes); the value is a hidden per-CPU update count followed by the
 * function's words in dcons_aggstore__merge's "kernel layout"
 * (count/sum/min/max 1, avg 2, stddev 4, quantize 127, lquantize
 * levels+2 with the encoded arg in word 0, llquantize likewise).
 *
 * Libraries' rules apply: 0 or -errno, one-line messages into the
 * caller's buffer, nothing prints or exits.  Read next: docs/bpf.md.
 */
#ifndef DBPF_CLAUSE_H
#define DBPF_CLAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dbpf.h"
#include "dif/dif.h"

/* ---- Clause description ------------------------------------------------- */

enum dbpf_step_kind {
	DBPF_STEP_RECORD = 1,	/* run difo; store its value at off/size */
	DBPF_STEP_VOID,		/* run difo; record nothing */
	DBPF_STEP_AGG,		/* aggregate (keys, value, incr) */
	DBPF_STEP_EXIT,		/* a RECORD whose value is the exit status */
	DBPF_STEP_SPECULATE,	/* difo = the speculation id: this clause's
				   record goes to that speculative buffer */
	DBPF_STEP_COMMIT,	/* difo = id: its buffer goes to the ring
				   buffer (one sample holding its records) */
	DBPF_STEP_DISCARD,	/* difo = id: its buffer is dropped */
	DBPF_STEP_STACK,	/* stack(): size / 8 kernel pcs at off, 0-padded */
	DBPF_STEP_USTACK	/* ustack(): the pid, then size / 8 - 1 user pcs */
};

/* dbpf_key.stack */
#define DBPF_KEY_STACK	1	/* the key is stack(): size bytes as above */
#define DBPF_KEY_USTACK	2	/* ustack() */

/* One member of an aggregation's tuple. */
struct dbpf_key {
	const struct dif_difo	*difo;
	uint32_t		actndx;	/* reported in ERROR for a fault here */
	bool			string;	/* a string key (strsize bytes) */
	uint8_t			stack;	/* DBPF_KEY_(U)STACK: no difo; size bytes */
	uint32_t		size;	/* stack keys: bytes (8 * frames [+ 8]) */
};

struct dbpf_step {
	uint8_t			kind;	/* enum dbpf_step_kind */
	uint32_t		actndx;	/* 1-based action index for ERROR */
	const struct dif_difo	*difo;	/* NULL: the value is 0 */
	/* RECORD / EXIT */
	uint32_t		off;	/* offset in the record data */
	uint32_t		size;	/* bytes recorded */
	bool			byref;	/* difo yields an address to copy from */
	bool			string;	/* ... of a NUL-terminated string */
	/* AGG: difo is the value (NULL for count) */
	uint32_t		aggid;	/* 1-based aggregation id */
	uint16_t		aggfunc;	/* DIF_ACT_COUNT .. DIF_ACT_LLQUANTIZE */
	uint64_t		aggarg;	/* lquantize/llquantize encoding */
	const struct dbpf_key	*keys;
	uint32_t		nkeys;
	const struct dif_difo	*incr;	/* quantize weight; NULL: 1 */
	uint32_t		incr_actndx;
};

struct dbpf_clause {
	uint32_t		epid;
	const char		*what;	/* "syscall::getppid:entry" (messages) */
	const struct dif_difo	*pred;	/* NULL: always */
	const struct dbpf_step	*steps;
	uint32_t		nsteps;
	uint32_t		datasize;	/* record data bytes (multiple of 8) */
	bool			records;	/* writes a record when it fires */
};

/* ---- Where argN comes from at one attach point -------------------------- */

enum dbpf_arg_kind {
	DBPF_ARG_NONE = 0,	/* not provided: reading it is a translation error */
	DBPF_ARG_ZERO,		/* always 0 */
	DBPF_ARG_CONST,		/* as_value */
	DBPF_ARG_CTX,		/* the as_size-byte field at ctx + as_off */
	DBPF_ARG_CTX_DEREF,	/* u64 at ctx + as_off is a kernel pointer p; the
				   value is the as_size-byte field at p + as_deref
				   (read with probe_read_kernel; e.g. pt_regs->di) */
	DBPF_ARG_CTX_DEREF2,	/* p as above; q = *(u64 *)(p + as_deref); the
				   value is the as_size-byte field at q + as_deref2 */
	DBPF_ARG_PC_KERNEL,	/* u64 at ctx + as_off (an ip) when the u64 at
				   ctx + as_deref (its cs) has (cs & 3) == 0, else 0 */
	DBPF_ARG_PC_USER,	/* ... when (cs & 3) != 0, else 0 */
	DBPF_ARG_EXIT_REASON	/* v = the CTX_DEREF field (a task's exit_code):
				   1 (CLD_EXITED) when v & 0x7f == 0, 3 (CLD_DUMPED)
				   when v & 0x80, else 2 (CLD_KILLED) */
};

struct dbpf_argsrc {
	uint8_t		as_kind;	/* enum dbpf_arg_kind */
	uint8_t		as_size;	/* 1, 2, 4 or 8 */
	bool		as_signed;	/* sign-extend a narrower field */
	uint16_t	as_off;
	int32_t		as_deref;
	uint64_t	as_value;
	int32_t		as_deref2;	/* CTX_DEREF2 */
	bool		as_zero_on_fault;	/* a failed read gives 0, not BADADDR */
};

#define DBPF_MAXARGS	10

struct dbpf_attach {
	enum dbpf_ctx		at_ctx;		/* program type (DBPF_CTX_*) */
	struct dbpf_argsrc	at_args[DBPF_MAXARGS];	/* arg0..arg9 and args[] */
	uint32_t		at_probe_id;	/* `id` */
	const char		*at_prov, *at_mod, *at_func, *at_name;	/* probe* */
	/* task_struct offsets (from BTF) for `ppid`; 0: ppid is refused */
	uint32_t		at_off_real_parent, at_off_tgid;
	/*
	 * The thread `self->` belongs to, when it is not the current one
	 * (sched:::on-cpu runs in the outgoing thread but is about the
	 * incoming one): thread-local keys become (tgid << 32 | tid) from
	 * these sources.  DBPF_ARG_NONE (0): the current thread.
	 */
	struct dbpf_argsrc	at_self_tgid, at_self_tid;
	/*
	 * `errno`: a syscall return value read from this source becomes -v
	 * when it is in [-4095, -1], else 0.  DBPF_ARG_NONE: errno is 0.
	 */
	struct dbpf_argsrc	at_errno;
};

/* ---- Sets ---------------------------------------------------------------- */

struct dbpf_set_opts {
	uint32_t	so_strsize;	/* 0: DIF_DEFAULT_STRSIZE */
	uint32_t	so_bufsize;	/* ring buffer bytes; 0: 4 MiB (rounded to 2^n) */
	uint32_t	so_aggentries;	/* aggregation entries; 0: 16384 */
	uint32_t	so_dynentries;	/* thread-local + assoc entries; 0: 65536 */
	uint32_t	so_error_epid;	/* EPID of ERROR records (the consumer's) */
	uint32_t	so_nspec;	/* speculation buffers; 0: 1 (at most 16) */
	uint32_t	so_specsize;	/* bytes each; 0: 16384 */
	bool		so_no_kernel;	/* create no maps and load nothing:
					   add_probe only validates and translates
					   (fuzzing, checks without privileges);
					   *idx is then -1 */
};

struct dbpf_set;

int dbpf_set__new(const struct dbpf_set_opts *opts, struct dbpf_set **out,
    char *err, size_t errlen);
void dbpf_set__free(struct dbpf_set *s);	/* detaches and closes everything */

/*
 * Validate every DIFO with dvm_difo__validate, translate the clauses (run
 * in the given order on every firing), load the program.  *idx receives
 * the probe index for the calls below.  Errors (err names the clause by
 * EPID and `what`, the step, and the DIF pc):
 *   -EINVAL   invalid DIF, or a construct not translated to BPF
 *   -EACCES   the verifier refused the program
 *             ("epid 3 (syscall::read:entry) action 2 DIF pc 5: verifier
 *              rejected BPF insn 88: <reason>")
 *   -EPERM/-ENOSYS  BPF unavailable
 */
int dbpf_set__add_probe(struct dbpf_set *s, const struct dbpf_attach *at,
    const struct dbpf_clause *clauses, uint32_t nclauses, int *idx,
    char *err, size_t errlen);

/* The loaded program's fd (owned by the set) for attaching it yourself. */
int dbpf_set__prog_fd(const struct dbpf_set *s, int idx);
/* Let the set close fd (an attachment made with the prog fd) on free. */
int dbpf_set__adopt_fd(struct dbpf_set *s, int fd);
int dbpf_set__attach_raw_tp(struct dbpf_set *s, int idx, const char *tp,
    char *err, size_t errlen);
int dbpf_set__attach_tracepoint(struct dbpf_set *s, int idx, const char *group,
    const char *name, char *err, size_t errlen);
/*
 * Run a DBPF_CTX_RAW_TP program once with ctx u64 args[0..nargs) through
 * BPF_PROG_TEST_RUN (tests).  Records go to the ring buffer as usual.
 */
int dbpf_set__test_run(struct dbpf_set *s, int idx, const uint64_t *args,
    unsigned nargs, uint32_t *retval);

/*
 * Consume ring-buffer samples: fn gets each in order — one record (header
 * + data, as the engine's buffers hold it), or, for a committed
 * speculation, that speculation's records back to back in the same layout.
 * A nonzero return from fn stops and is returned.  One call consumes at
 * most one ring's worth (bufsize / 16 samples), so a busy producer cannot
 * keep it from returning; call again for more.  Waits at most timeout_ms
 * (0: do not wait) for the first.  Returns the number of samples consumed
 * or -errno.
 */
typedef int dbpf_rec_fn(void *arg, const void *rec, size_t size);
int dbpf_set__poll(struct dbpf_set *s, int timeout_ms, dbpf_rec_fn *fn, void *arg);

/*
 * Aggregations: fn is called once per (entry, CPU that updated it), keys
 * in the clause's order (integers: 8 bytes; strings: strsize bytes,
 * NUL-padded), words in the kernel layout described above — feed them to
 * dcons_aggstore__merge.  Stack keys come as their size bytes (the pid
 * first for ustack).  A nonzero return from fn stops the walk.
 */
struct dbpf_aggkey {
	const void	*data;
	uint32_t	size;
	bool		string;
};
typedef int dbpf_agg_fn(void *arg, uint32_t aggid, const struct dbpf_aggkey *keys,
    uint32_t nkeys, const int64_t *words, uint32_t nwords);
int dbpf_set__agg_walk(struct dbpf_set *s, dbpf_agg_fn *fn, void *arg);
/* Delete every entry of aggregation aggid (clear/trunc); 0 or -errno. */
int dbpf_set__agg_clear(struct dbpf_set *s, uint32_t aggid);

/*
 * Global variables shared with the user-space engine (BEGIN/END clauses
 * run there): read or write variable id's value — 8 bytes for a scalar,
 * up to strsize + 1 bytes for a string global (only once a translated
 * clause uses it; -ENOENT before).  size is the caller's buffer.
 */
int dbpf_set__global_get(const struct dbpf_set *s, uint32_t id, void *buf,
    size_t size);
int dbpf_set__global_set(struct dbpf_set *s, uint32_t id, const void *buf,
    size_t size);

/*
 * 1 (and *status) once an exit() step has run in any program of the set,
 * else 0.  Kept outside the ring buffer, so a full buffer cannot hide it.
 */
int dbpf_set__exited(const struct dbpf_set *s, int *status);

/* Counters summed over CPUs. */
struct dbpf_counts {
	uint64_t	dc_firings;	/* program runs */
	uint64_t	dc_bufdrops;	/* records the ring buffer had no room for */
	uint64_t	dc_aggdrops;	/* aggregation entries that did not fit */
	uint64_t	dc_dyndrops;	/* variable entries that did not fit */
	uint64_t	dc_errors;	/* faults (ERROR records written or dropped) */
	uint64_t	dc_specdrops;	/* speculative records that did not fit */
	uint64_t	dc_specbusy;	/* speculation() with no free buffer, or a
					   record for an inactive speculation */
};
int dbpf_set__counts(const struct dbpf_set *s, struct dbpf_counts *c);

#endif /* DBPF_CLAUSE_H */
