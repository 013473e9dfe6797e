/*
 * dt_impl.h — the dtrace(1) driver's internal interfaces.
 *
 * The driver has four parts (read in this order):
 *   dt_probe.c    providers and their probes (dtrace: BEGIN/END/ERROR,
 *                 profile: tick-N/profile-N); docs/providers.md
 *   dt_program.c  load a linked object, build ECBs (enabled probes), size
 *                 and allocate every buffer (enable time)
 *   dt_engine.c   fire a probe: run predicates and actions through the
 *                 kernel VM (runtime-kernel/), write records to the
 *                 principal or speculation buffer, update aggregations;
 *                 nothing allocates here
 *   dt_consume.c  walk buffers and hand records to libdcons for output
 * main.c only parses options.
 */
#ifndef DT_IMPL_H
#define DT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "dcons.h"
#include "dvm_emul.h"
#include "dvm_var.h"
#include "ht/dobj.h"

struct dt_state;

/* ---- Providers and probes (dt_probe.c) ----------------------------------- */

enum dt_probe_kind { DT_PROBE_BEGIN = 1, DT_PROBE_END, DT_PROBE_ERROR,
	DT_PROBE_TICK, DT_PROBE_PROFILE };

struct dt_ecb;

struct dt_probe {
	uint32_t	id;
	const char	*prov, *mod, *func, *name;	/* in the string arena */
	enum dt_probe_kind kind;
	uint64_t	period_ns;		/* tick/profile */
	uint64_t	next_ns;		/* next firing (monotonic) */
	struct dt_ecb	*ecbs;			/* enabled on this probe, in order */
	struct dt_ecb	**tail;
};

/*
 * A provider: names its probes and creates on demand the ones a
 * description asks for (profile:::tick-5ms).  provide() returns 0 or -errno.
 */
struct dt_provider {
	const char	*name;
	int		(*provide)(struct dt_state *st, const char *name);
};

int dt_probe_provide_all(struct dt_state *st);
/* Copy a string into the arena the VM may load from; NULL when full. */
const char *dt_arena_str(struct dt_state *st, const char *s);
int dt_probe_match(struct dt_state *st, const char *prov, const char *mod,
    const char *func, const char *name, struct dt_probe **out, uint32_t max);
struct dt_probe *dt_probe_add(struct dt_state *st, const char *prov,
    const char *mod, const char *func, const char *name, enum dt_probe_kind k);
int dt_probe_list(struct dt_state *st, FILE *fp);
/* Parse "10ms", "97", "1s", "100hz"; frequency (hz) without a unit for profile-N. */
int dt_parse_rate(const char *s, bool hz_default, uint64_t *period_ns);

/* ---- ECBs ---------------------------------------------------------------- */

enum dt_step_kind {
	DT_STEP_RECORD,		/* run the DIFO, store its value in a record */
	DT_STEP_VOID,		/* run the DIFO, record nothing (void difexpr, chill) */
	DT_STEP_AGG,		/* aggregate over the preceding tuple steps */
	DT_STEP_TUPLE,		/* part of an aggregation's tuple (run by AGG) */
	DT_STEP_SPECULATE,
	DT_STEP_COMMIT,
	DT_STEP_DISCARD,
	DT_STEP_EXIT		/* a record too; also stops tracing */
};

struct dt_rec {
	uint32_t	off, size;
	uint16_t	action;		/* DIF_ACT_* or DIF_LIBACT_* */
	uint8_t		flags;		/* DCONS_REC_* */
	uint32_t	fmtid;
};

struct dt_step {
	uint8_t			kind;		/* enum dt_step_kind */
	uint16_t		actkind;
	uint32_t		actndx;		/* 1-based, for ERROR */
	struct dif_difo		difo;		/* dtdo_buf NULL: none */
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

struct dt_ecb {
	uint32_t		epid;
	struct dt_probe		*probe;
	struct dt_ecb		*next;		/* on the probe */
	struct dif_difo		pred;
	bool			has_pred;
	struct dt_step		*steps;
	uint32_t		nsteps;
	struct dt_rec		*recs;
	uint32_t		nrecs;
	uint32_t		datasize;	/* bytes after the record header */
	bool			records;	/* writes a record when it fires */
	bool			internal_error;	/* the consumer's ERROR reporter */
};

/* Record header in a buffer. */
struct dt_rechdr {
	uint32_t	epid;
	uint32_t	size;		/* data bytes that follow (multiple of 8) */
	uint64_t	timestamp;
};

/* ---- Buffers ------------------------------------------------------------- */

enum dt_bufpolicy { DT_BUF_SWITCH, DT_BUF_FILL, DT_BUF_RING };

struct dt_buf {
	uint8_t		*mem;
	uint64_t	size;
	uint64_t	head;		/* bytes written (ring: write offset) */
	uint64_t	tail;		/* ring: oldest record */
	bool		wrapped;
	bool		full;		/* fill: stopped */
	uint64_t	end;		/* ring: end of valid data after a wrap */
	uint64_t	drops;
};

/* A speculation: its buffer and state. */
enum dt_spec_state { DT_SPEC_INACTIVE, DT_SPEC_ACTIVE, DT_SPEC_COMMIT };
struct dt_spec {
	struct dt_buf	buf;
	uint8_t		state;
};

/* Aggregation buffer: entries in an arena, hashed. */
struct dt_aggent {
	uint32_t	next;		/* arena offset of the next in the bucket, 0 end */
	uint32_t	id;
	uint32_t	keylen;		/* serialised key bytes (padded to 8 after) */
	uint32_t	nwords;
	uint64_t	hash;
};

struct dt_aggvar {
	uint32_t		id;
	uint16_t		func;
	uint64_t		arg;
	uint32_t		nkeys;
	uint32_t		nwords;		/* incl. the encoded arg word */
	struct dcons_keydesc	keys[DCONS_AGG_MAXKEYS];
	bool			declared;
};

/* ---- State ----------------------------------------------------------------- */

struct dt_opts {
	bool		quiet;
	uint64_t	bufsize, aggsize, dynvarsize, specsize, strsize, scratchsize;
	uint32_t	nspec;
	enum dt_bufpolicy bufpolicy;
	bool		destructive;
};

struct dt_state {
	struct dobj		*obj;
	struct dt_opts		opts;

	struct dt_probe		**probes;
	uint32_t		nprobes, capprobes;
	char			*strarena;	/* probe names and builtin strings */
	uint64_t		strarena_size, strarena_used;

	struct dt_ecb		*ecbs;
	uint32_t		necbs;
	struct dt_ecb		error_ecb;

	struct dt_aggvar	*aggvars;
	uint32_t		naggvars;	/* index = id - 1 */

	/* enable-time allocations */
	struct dvm_vstate	vs;
	struct dvm_vslot	*gslots, *lslots;
	struct dvm_dshape	*gshapes, *tshapes;
	uint8_t			*scratch;
	uint64_t		scratch_used;
	struct dt_buf		pbuf;
	struct dt_spec		*specs;
	uint8_t			*aggmem;
	uint64_t		aggsize, aggused;
	uint32_t		*aggbuckets, naggbuckets;
	uint64_t		aggdrops, specdrops, specbusy, specunavail, errors;
	struct dvm_mstate	ms;		/* the VM state every firing reuses */
	uint8_t			*stage;		/* one ECB's record being built */
	uint8_t			*keybuf;	/* one aggregation key being built */
	uint64_t		static_size;
	int			pid, tid;
	uint64_t		tkey;
	const char		*zonename, *vmname;

	/* per firing */
	struct dt_probe		*cur_probe;
	struct dt_ecb		*cur_ecb;
	const uint64_t		*args;		/* arg0..arg9 of this firing */
	uint64_t		timestamp;
	const char		*execname;
	bool			in_error;

	/* lifecycle */
	bool			exiting;
	int			exit_status;
	bool			have_exit;

	/* output */
	struct dcons_ctx	dctx;
	struct dcons_fmttab	*fmts;
	struct dcons_aggstore	*aggs;
	struct dcons_buf	out;
	struct dcons_rec	*consrecs;	/* one firing's records, grown */
	uint32_t		nconsrecs;
	FILE			*outfp;
	bool			header_printed;
	int			consume_error;
};

/* dt_program.c */
int dt_state_open(struct dt_state *st, struct dobj *obj, const struct dt_opts *o,
    char *err, size_t errlen);
void dt_state_close(struct dt_state *st);
int dt_opts_set(struct dt_opts *o, const char *name, const char *value,
    char *err, size_t errlen);
void dt_opts_default(struct dt_opts *o);

/* dt_engine.c */
void dt_fire(struct dt_state *st, struct dt_probe *p, const uint64_t *args);
int dt_buf_reserve(struct dt_state *st, struct dt_buf *b, uint32_t n, uint8_t **out);
int64_t *dt_aggent_words(struct dt_aggent *a);
extern const struct dvm_platform dt_platform;

/* dt_consume.c */
int dt_consume(struct dt_state *st);
int dt_drain_aggs(struct dt_state *st);
int dt_finish(struct dt_state *st);

/* Run the whole session: BEGIN, timers until exit/END/signal, END, output. */
int dt_run(struct dt_state *st, const sigset_t *sigs, volatile int *stop);

#endif /* DT_IMPL_H */
