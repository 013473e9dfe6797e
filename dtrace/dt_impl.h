/*
 * dt_impl.h — the dtrace(1) driver's internal interfaces.
 *
 * The driver has four parts (read in this order):
 *   dt_probe.c    providers and their probes (dtrace: BEGIN/END/ERROR,
 *                 profile: tick-N/profile-N); docs/providers.md
 *   dt_program.c  load a linked object, build ECBs (enabled probes), size
 *                 and allocate every buffer (enable time)
 *   dt_engine.c   the engine's host in this process (clocks, user
 *                 memory, pid/tid/execname) and dt_fire; the firing
 *                 path itself is runtime-kernel/dvm_engine.h
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
#include "dvm_engine.h"
#include "dvm_var.h"
#include "ht/dobj.h"

struct dt_state;

/* ---- Providers and probes (dt_probe.c) ----------------------------------- */

enum dt_probe_kind { DT_PROBE_BEGIN = 1, DT_PROBE_END, DT_PROBE_ERROR,
	DT_PROBE_TICK, DT_PROBE_PROFILE };

/*
 * Probes, ECBs, records, buffers and aggregations are the engine's
 * (runtime-kernel/dvm_engine.h): struct dvm_probe (kind is an enum
 * dt_probe_kind here), dvm_ecb, dvm_step, dvm_rec, dvm_rechdr, dvm_buf,
 * dvm_spec, dvm_aggent, dvm_aggvar.
 *
 * A provider: names its probes and creates on demand the ones a
 * description asks for (profile:::tick-5ms).  provide() returns 0 or
 * -errno.  HOOK: a new provider (kernel probes through BPF, guest probes)
 * adds one entry to the providers[] table in dt_probe.c; its probes are
 * made with dt_probe_add and fire with dt_fire.
 */
struct dt_provider {
	const char	*name;
	int		(*provide)(struct dt_state *st, const char *name);
};

int dt_probe_provide_all(struct dt_state *st);
/* Copy a string into the arena the VM may load from; NULL when full. */
const char *dt_arena_str(struct dt_state *st, const char *s);
int dt_probe_match(struct dt_state *st, const char *prov, const char *mod,
    const char *func, const char *name, struct dvm_probe **out, uint32_t max);
struct dvm_probe *dt_probe_add(struct dt_state *st, const char *prov,
    const char *mod, const char *func, const char *name, enum dt_probe_kind k);
int dt_probe_list(struct dt_state *st, FILE *fp);
/* Parse "10ms", "97", "1s", "100hz"; frequency (hz) without a unit for profile-N. */
int dt_parse_rate(const char *s, bool hz_default, uint64_t *period_ns);

/* ---- State ----------------------------------------------------------------- */

struct dt_opts {
	bool		quiet;
	uint64_t	bufsize, aggsize, dynvarsize, specsize, strsize, scratchsize;
	uint32_t	nspec;
	enum dvm_bufpolicy bufpolicy;
	bool		destructive;
	uint64_t	statusrate;	/* ns; 0: notice exit() at once */
	bool		bufresize_manual;
	bool		noerror;	/* no "error on enabled probe" reports */
	/* ns between buffer reads / aggregation snapshots; 0 (unset): every
	 * round.  Dynamic: a setopt() in the trace changes them. */
	uint64_t	switchrate, aggrate;
};

struct dt_state {
	struct dobj		*obj;
	struct dt_opts		opts;

	struct dvm_probe	**probes;
	uint32_t		nprobes, capprobes;
	char			*strarena;	/* probe names and builtin strings */
	uint64_t		strarena_size, strarena_used;

	struct dvm_ecb		*ecbs;
	uint32_t		necbs;
	struct dvm_ecb		error_ecb;

	/* The probe-context engine and what the driver allocated for it. */
	struct dvm_engine	eng;
	struct dvm_vslot	*gslots, *lslots;
	struct dvm_dshape	*gshapes, *tshapes;
	struct dvm_region	*ro;		/* engine's read-only regions */

	/* Host answers (dt_engine.c). */
	int			pid, tid;
	const char		*zonename, *vmname;
	const char		*execname;

	/* lifecycle */
	bool			have_exit;

	/* output */
	struct dcons_ctx	dctx;
	struct dcons_fmttab	*fmts;
	struct dcons_aggstore	*aggs;
	struct dcons_buf	out;
	struct dcons_rec	*consrecs;	/* one firing's records, grown */
	uint32_t		nconsrecs;
	FILE			*outfp;
	FILE			*redirect;	/* freopen()'s file, or NULL */
	bool			header_printed;
	int			consume_error;
	uint64_t		lastswitch, lastagg;	/* dt_work's clocks; 0: never */
};

/* dt_program.c */
int dt_state_open(struct dt_state *st, struct dobj *obj, const struct dt_opts *o,
    char *err, size_t errlen);
void dt_state_close(struct dt_state *st);
int dt_opts_set(struct dt_opts *o, const char *name, const char *value,
    char *err, size_t errlen);
void dt_opts_default(struct dt_opts *o);

/* dt_engine.c: the engine's host in this process, and firing. */
extern const struct dvm_host dt_host;
/* Load what the host needs before probes fire; name pcs of this process. */
void dt_host_prime(void);
int dt_host_lookup(void *cookie, uint32_t pid, uint64_t addr, struct dcons_sym *out);
/* Fire p on the calling (host) thread.  HOOK: other hosts set
 * st->eng.tkey (and their dvm_host answers) before dvm_engine__fire. */
void dt_fire(struct dt_state *st, struct dvm_probe *p, const uint64_t *args);

/* dt_consume.c */
int dt_consume(struct dt_state *st);
/* One round's consumer work at monotonic time now (ns): an aggregation
 * snapshot when aggrate is due, a buffer read when switchrate is due. */
int dt_work(struct dt_state *st, uint64_t now);
/* The next time (ns) dt_work has something due, or UINT64_MAX. */
uint64_t dt_work_due(const struct dt_state *st);
/* A setopt() of a run-time option from the trace (dcons_runopt_fn). */
int dt_runopt(void *arg, const char *name, const char *value);
int dt_drain_aggs(struct dt_state *st);
int dt_finish(struct dt_state *st);

/* Run the whole session: BEGIN, timers until exit/END/signal, END, output. */
int dt_run(struct dt_state *st, const sigset_t *sigs, volatile int *stop);

#endif /* DT_IMPL_H */
