/*
 * dvm_engine.h — the probe-context engine: fire a probe through its ECBs.
 *
 * The emulator (dvm_emul.h) runs one DIFO.  The engine runs what DTrace's
 * kernel runs when a probe fires: every enabled control block (ECB) on the
 * probe in EPID order — predicate, then each action — writing records into
 * the principal or a speculation buffer, updating aggregations, committing
 * and discarding speculations, firing dtrace:::ERROR on a fault, and
 * noting exit().  It is freestanding (no libc, no allocation, no printing):
 * a driver (dtrace/dt_program.c) sizes and allocates everything at enable
 * time and fills a struct dvm_engine; a consumer reads the buffers and the
 * counters afterwards.  Everything host-specific — clocks, user or guest
 * memory, who the current thread is — comes through struct dvm_host
 * (dvm_platform.h).  docs/runtime.md describes the engine, and
 * docs/providers.md how a provider feeds it probes.
 *
 * Record layout (shared with the BPF backend and the consumer): each
 * firing that records writes a struct dvm_rechdr {epid, size, timestamp}
 * followed by `size` data bytes (a multiple of 8); value i of the ECB sits
 * at dvm_rec.off within the data.  An error record has the engine's
 * error_epid and five 64-bit words: faulting EPID, action index (0 =
 * predicate), DIF byte offset (UINT64_MAX: none), fault code, address.
 *
 * Concurrency: one engine is one CPU's worth of state; the caller must not
 * fire two probes into the same engine at once.
 */
#ifndef DVM_ENGINE_H
#define DVM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dif/dif.h"
#include "dvm_emul.h"
#include "dvm_fastpred.h"
#include "dvm_platform.h"
#include "dvm_var.h"

#define DVM_AGG_MAXKEYS	16

/* ---- Probes ---------------------------------------------------------------- */

struct dvm_ecb;

/*
 * A probe as the engine and its providers see it.  The names must stay
 * loadable through the engine (they are handed to the program as
 * probeprov/probemod/probefunc/probename), so they live in a read-only
 * region registered in dvm_engine.ro.  kind, period_ns, next_ns and priv
 * belong to the provider that made the probe.
 */
struct dvm_probe {
	uint32_t	id;
	uint32_t	kind;			/* provider-defined */
	const char	*prov, *mod, *func, *name;
	uint64_t	period_ns;		/* timer providers */
	uint64_t	next_ns;		/* next firing (monotonic) */
	void		*priv;			/* provider-private */
	struct dvm_ecb	*ecbs;			/* enabled on this probe, in order */
	struct dvm_ecb	**tail;
};

/* ---- ECBs ------------------------------------------------------------------ */

enum dvm_step_kind {
	DVM_STEP_RECORD,	/* run the DIFO, store its value in a record */
	DVM_STEP_VOID,		/* run the DIFO, record nothing (void difexpr, chill) */
	DVM_STEP_AGG,		/* aggregate over the preceding tuple steps */
	DVM_STEP_TUPLE,		/* part of an aggregation's tuple (run by AGG) */
	DVM_STEP_SPECULATE,
	DVM_STEP_COMMIT,
	DVM_STEP_DISCARD,
	DVM_STEP_EXIT,		/* a record too; also stops tracing */
	DVM_STEP_HOSTACT	/* run the DIFO if any, hand its value to dh_action */
};

/* One value in an ECB's record. */
struct dvm_rec {
	uint32_t	off, size;
	uint16_t	action;		/* DIF_ACT_* or DIF_LIBACT_* */
	uint8_t		flags;		/* consumer's flags (DCONS_REC_*) */
	uint32_t	fmtid;
};

/* One action of an ECB. */
struct dvm_step {
	uint8_t			kind;		/* enum dvm_step_kind */
	uint16_t		actkind;	/* DIF_ACT_* */
	uint32_t		actndx;		/* 1-based, for ERROR */
	struct dif_difo		difo;		/* valid when has_difo */
	bool			has_difo;
	bool			byref, string;
	uint32_t		size;		/* value bytes */
	int32_t			rec;		/* record index, -1 none */
	/* aggregations */
	uint64_t		arg;
	uint32_t		tuple_first, ntuple;
	bool			has_incr;
	uint32_t		aggid;		/* != 0: the id DIFO is `setx id; ret` */
};

/*
 * A quiet guard (dvm_ecb.c, quiet()): for a predicate that is one value
 * compared with a constant — pid == 1, arg0 != 0, !flag, tid < 100 — the
 * test in its cheapest form, so that a firing whose predicate is false and
 * whose record room is certain touches nothing else.  Built with the fast
 * predicate at the ECB's first firing; src NONE: no guard.
 */
enum dvm_guard_src {
	DVM_GUARD_NONE = 0,
	DVM_GUARD_PID,		/* the firing's fire_pid (when has_ids) */
	DVM_GUARD_TID,		/* the firing's fire_tid (when has_ids) */
	DVM_GUARD_ARG,		/* args[off] */
	DVM_GUARD_GLOBAL	/* 8 bytes at vs.dvs_static + off */
};

enum dvm_guard_test {
	DVM_GUARD_NE = 0,	/* the predicate holds iff value != k */
	DVM_GUARD_EQ,		/* ... iff value == k */
	DVM_GUARD_FLAGS		/* ... iff bit ix of truemask, ix the flags
				   index of dvm_fastpred.h for the test */
};

struct dvm_guard {
	uint8_t		src;		/* enum dvm_guard_src */
	uint8_t		test;		/* enum dvm_guard_test */
	uint8_t		tst;		/* FLAGS: tst value, not cmp */
	uint8_t		swapped;	/* FLAGS: cmp k, value */
	uint8_t		truemask;	/* FLAGS */
	uint32_t	need;		/* record room the ECB takes (0: none),
					   compared with dvm_engine.room_cert */
	uint64_t	off;
	uint64_t	k;
};

/* An enabled control block: one clause on one probe. */
struct dvm_ecb {
	uint32_t		epid;
	struct dvm_probe	*probe;
	struct dvm_ecb		*next;		/* on the probe */
	struct dvm_guard	guard;		/* zero until the first firing */
	struct dif_difo		pred;
	bool			has_pred;
	struct dvm_fastpred	fastpred;	/* pred without the emulator;
						   decided at its first firing */
	struct dvm_step		*steps;
	uint32_t		nsteps;
	struct dvm_rec		*recs;
	uint32_t		nrecs;
	uint32_t		datasize;	/* bytes after the record header */
	uint32_t		dsize, dalign;	/* DTrace's size and alignment of
						   this record, for buffer room */
	bool			records;	/* writes a record when it fires */
	bool			internal_error;	/* the consumer's ERROR reporter */
};

/* Record header in a buffer. */
struct dvm_rechdr {
	uint32_t	epid;
	uint32_t	size;		/* data bytes that follow (multiple of 8) */
	uint64_t	timestamp;
};

#define DVM_ERROR_WORDS	5

/* ---- Buffers ------------------------------------------------------------- */

enum dvm_bufpolicy { DVM_BUF_SWITCH, DVM_BUF_FILL, DVM_BUF_RING };

/*
 * A buffer's room is counted twice: in real bytes (size, head) and, when
 * limit is set, in the bytes DTrace's own record layout would take (acct
 * against limit, the option's value), so that bufsize=128 holds as many
 * records as it does in DTrace.  The driver makes size large enough for
 * limit's worth of DTrace-sized records; a consumer that empties the
 * buffer zeroes head and acct.
 */
struct dvm_buf {
	uint8_t		*mem;
	uint64_t	size;
	uint64_t	limit;		/* DTrace bytes (0: count real bytes) */
	uint64_t	acct;		/* DTrace bytes used */
	uint64_t	head;		/* bytes written (ring: write offset) */
	uint64_t	tail;		/* ring: oldest record */
	bool		wrapped;
	bool		full;		/* fill: stopped */
	uint64_t	end;		/* ring: end of valid data after a wrap */
	uint64_t	drops;
};

enum dvm_spec_state { DVM_SPEC_INACTIVE, DVM_SPEC_ACTIVE, DVM_SPEC_COMMIT };

struct dvm_spec {
	struct dvm_buf	buf;
	uint8_t		state;
};

/* ---- Aggregations -------------------------------------------------------- */

/* Aggregation arena entry; key bytes (padded to 8) then nwords values. */
struct dvm_aggent {
	uint32_t	next;		/* arena offset of the next in the bucket, 0 end */
	uint32_t	id;
	uint32_t	keylen;		/* serialised key bytes */
	uint32_t	nwords;
	uint64_t	hash;
};

/* How a key is kept: strings with their NUL, integers as 8 bytes,
 * usym/umod/uaddr as the pid and the address (16 bytes). */
struct dvm_aggkey {
	uint32_t	size;		/* declared value size */
	uint8_t		flags;		/* consumer's flags (DCONS_REC_*) */
	uint16_t	action;		/* DIF_ACT_DIFEXPR, or sym/usym/... */
};

struct dvm_aggvar {
	uint32_t		id;
	uint16_t		func;		/* DIF_ACT_* aggregating action */
	uint64_t		arg;		/* lquantize/llquantize encoding */
	uint32_t		nkeys;
	uint32_t		nwords;		/* incl. the encoded arg word */
	struct dvm_aggkey	keys[DVM_AGG_MAXKEYS];
	bool			declared;
};

/* ---- The engine ------------------------------------------------------------ */

/*
 * Where the session is, as DTrace's kernel tracks it: BEGIN runs in
 * WARMUP; an exit() moves WARMUP or ACTIVE to DRAINING, after which
 * no ECB runs until the driver fires END in COOLDOWN, where exit() may
 * still set a new status.  A second exit() before END is a drop.
 */
enum dvm_activity {
	DVM_ACTIVITY_WARMUP = 0,
	DVM_ACTIVITY_ACTIVE,
	DVM_ACTIVITY_DRAINING,
	DVM_ACTIVITY_COOLDOWN
};

/* A read-only area the program may load from (names, string tables). */
struct dvm_region {
	uint64_t	base, size;
};

struct dvm_engine {
	/* Host services (dvm_platform.h) and their context. */
	const struct dvm_host	*host;
	void			*hostctx;

	/* Limits. */
	uint64_t		strsize, scratchsize;
	uint32_t		nspec;
	enum dvm_bufpolicy	bufpolicy;
	uint64_t		reserve;	/* fill: principal bytes kept for END */

	/* Storage, allocated and sized by the driver at enable time. */
	struct dvm_vstate	vs;		/* variables (dvm_var.h) */
	uint64_t		static_size;	/* bytes at vs.dvs_static */
	uint8_t			*scratch;	/* scratchsize bytes */
	uint64_t		scratch_used;
	struct dvm_buf		pbuf;		/* principal buffer */
	struct dvm_spec		*specs;		/* nspec speculations */
	uint8_t			*aggmem;	/* aggregation arena */
	uint64_t		aggsize, aggused;	/* aggused starts at 8 */
	uint32_t		*aggbuckets, naggbuckets;	/* power of two */
	struct dvm_aggvar	*aggvars;	/* by id - 1 */
	uint32_t		naggvars;
	uint8_t			*stage;		/* header + largest ECB datasize */
	uint8_t			*keybuf;	/* DVM_AGG_MAXKEYS * (strsize + 9) */
	const struct dvm_region	*ro;		/* read-only loadable regions */
	uint32_t		nro;
	struct dvm_probe	*error_probe;	/* dtrace:::ERROR */
	uint32_t		error_epid;	/* EPID of error records */
	struct dvm_mstate	ms;		/* set by dvm_engine__init */

	/* Set by the host before each firing. */
	uint64_t		tkey;		/* thread key (dvm_var.h) */
	/* The firing thread's pid and tid when the host knows them up front
	 * (has_ids); fast predicates read them without a host call.  false:
	 * every pid/tid goes through dh_builtin. */
	bool			has_ids;
	uint64_t		fire_pid, fire_tid;
	enum dvm_activity	activity;	/* the driver moves it on */

	/* Counters (read by the consumer). */
	uint64_t		aggdrops, specdrops, specbusy, specunavail, errors;

	/* Outcome. */
	bool			exiting;	/* exit() ran (activity DRAINING) */
	bool			have_status;	/* an exit record was written */
	int			exit_status;	/* of the last exit record written */

	/* Per firing (internal). */
	struct dvm_probe	*cur_probe;
	struct dvm_ecb		*cur_ecb;
	const uint64_t		*args;		/* arg0..arg9 */
	uint64_t		timestamp;	/* 0: not read yet */
	/* Bytes of the principal buffer certainly free, real and as DTrace
	 * counts them, with alignment to spare (switch policy only; 0:
	 * unknown).  Set when a room check finds room to spare, zeroed by
	 * every reservation in the principal buffer; a consumer emptying
	 * the buffer only makes it more conservative. */
	uint64_t		room_cert;
	bool			in_error;
	bool			exit_pending;	/* this ECB executed exit() */
	int			exit_value;
};

/*
 * Finish setting up an engine whose storage the driver has filled: the
 * machine state, the variable storage reset, the aggregation arena
 * emptied.  Call once after allocation, before the first firing.
 */
void dvm_engine__init(struct dvm_engine *eng);

/*
 * Fire probe p with arguments args[0..9] (NULL: all zero): every ECB on it,
 * in order.  Never fails: faults become ERROR firings and error records,
 * full buffers and arenas become counted drops.
 */
void dvm_engine__fire(struct dvm_engine *eng, struct dvm_probe *p,
    const uint64_t *args);

/*
 * Reserve n bytes (a multiple of 8) in b under the engine's policy (the
 * principal buffer follows bufpolicy, speculation buffers fill).  0 with
 * *out set, or -1 and a counted drop.
 */
int dvm_buf__reserve(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint8_t **out);

/*
 * Would n bytes fit in b now?  DTrace reserves an ECB's record before its
 * predicate runs and skips the whole ECB when it cannot: false means
 * exactly that, with the drop counted (and a fill buffer marked full).
 */
bool dvm_buf__fits(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint32_t acct, uint32_t align);

/* dvm_buf__reserve that also counts acct DTrace bytes aligned to align. */
int dvm_buf__reserve_acct(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint32_t acct, uint32_t align, uint8_t **out);

/* Apply one value to aggregation av under key[0..keylen) (dvm_agg.c). */
void dvm_agg__apply(struct dvm_engine *eng, const struct dvm_aggvar *av,
    const uint8_t *key, uint32_t keylen, int64_t v, int64_t incr);

/* The value words of an arena entry. */
int64_t *dvm_aggent__words(struct dvm_aggent *a);

/* Empty the aggregation arena (after the consumer drained it). */
void dvm_agg__reset(struct dvm_engine *eng);

/* quantize()'s bucket of v (0..126) and llquantize's under arg. */
int dvm_agg__quantize_bucket(int64_t v);

#endif /* DVM_ENGINE_H */
