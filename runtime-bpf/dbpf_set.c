/*
 * dbpf_set.c — the maps one D program shares across its BPF programs, and
 * loading, attaching and reading them (API in dbpf_clause.h).
 *
 * Theory.  A set owns:
 *   ringbuf   BPF_MAP_TYPE_RINGBUF: every trace and ERROR record
 *   gvars     ARRAY of u64, index = variable id - DIF_VAR_OTHER_UBASE
 *   tvars     HASH {u64 pid_tgid; u32 id; u32 0} -> u64 (thread-locals)
 *   spec      ARRAY[nspec] speculation buffers {state, head, full, data}
 *   state     ARRAY[1] {exited, status}: exit() outside the ring buffer
 *   vars      one map per string variable or associative array, created
 *             when the first clause using it is translated
 *   aggs      one PERCPU_HASH per aggregation id, created when the first
 *             clause using it is translated: key = the tuple laid out by
 *             struct dbpf_aggshape, value = [hits] + the function's words
 *   progs     per probe: the program, its PERCPU_ARRAY scratch map (one
 *             value per CPU, initialised from the translator's image so
 *             the read-only strings and aggregation initial values are in
 *             place)
 *   fds       attachments (raw tracepoints, perf events) closed on free
 * Nothing is shared between programs except through these maps, so the
 * order of add_probe calls does not matter.
 *
 * Every DIFO is validated (dvm_difo__validate) before it is translated:
 * fuzzed or corrupt DIF never reaches the translator or the kernel.
 * Read next: dbpf_clause.c (the program), docs/bpf.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "dbpf_clause.h"
#include "dbpf_impl.h"
#include "dbpf_set_impl.h"
#include "dvm_validate.h"
#include "dbpf_say.h"

#define VLOG_SIZE	(16u << 20)

struct agg {
	struct dbpf_aggshape	sh;
	int			fd;
};

struct var {
	struct dbpf_varshape	vs;
	int			fd;
};

struct prog {
	int		fd;
	int		scratch;
	uint32_t	scratch_size;
	int		ctx;
};

struct dbpf_set {
	struct dbpf_set_opts	o;
	int			ncpu;
	uint64_t		wall_offset;
	int			ringbuf, gvars, tvars, spec, state;
	struct ring_buffer	*rb;
	dbpf_rec_fn		*fn;
	void			*fnarg;
	int			fnrc;
	long			nrecs;
	bool			capped;		/* this poll stopped at its cap */
	struct agg		*aggs;
	uint32_t		naggs;
	struct var		*vars;
	uint32_t		nvars;
	struct prog		*progs;
	uint32_t		nprogs;
	int			*fds;
	uint32_t		nfds;
	struct btf		*vmlinux;	/* kernel BTF, read on the first kfunc */
};

uint32_t dbpf_set_strsize(const struct dbpf_set *s)
{
	return s->o.so_strsize;
}

uint32_t dbpf_set_error_epid(const struct dbpf_set *s)
{
	return s->o.so_error_epid;
}

uint32_t dbpf_set_nspec(const struct dbpf_set *s)
{
	return s->o.so_nspec;
}

uint32_t dbpf_set_specsize(const struct dbpf_set *s)
{
	return s->o.so_specsize;
}

uint64_t dbpf_set_wall_offset(const struct dbpf_set *s)
{
	return s->wall_offset;
}

/*
 * Kernel functions callable from BPF (kfuncs) are named by their BTF id in
 * the running kernel's BTF, read once per set.  Without a kernel
 * (so_no_kernel) the id is a placeholder that is never loaded.
 */
int dbpf_set_kfunc(struct dbpf_set *s, const char *name, int32_t *id,
    char *err, size_t errlen)
{
	int rc;

	*id = 0;
	if (s->o.so_no_kernel)
		return 0;
	if (s->vmlinux == NULL) {
		s->vmlinux = btf__load_vmlinux_btf();
		if (s->vmlinux == NULL) {
			rc = errno != 0 ? -errno : -ENOENT;
			snprintf(err, errlen, "%s needs the kernel's BTF "
			    "(/sys/kernel/btf/vmlinux), which cannot be read: %s",
			    name, strerror(-rc));
			return rc;
		}
	}
	rc = btf__find_by_name_kind(s->vmlinux, name, BTF_KIND_FUNC);
	if (rc <= 0) {
		snprintf(err, errlen, "this kernel has no kfunc %s (the string "
		    "kfuncs came in Linux 6.17)", name);
		return -ENOTSUP;
	}
	*id = rc;
	return 0;
}

static uint64_t ns_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t pow2_at_least(uint32_t n, uint32_t min)
{
	uint32_t p = min;

	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

static int mkmap(enum bpf_map_type type, const char *name, uint32_t ksize,
    uint32_t vsize, uint32_t n, char *err, size_t errlen)
{
	int fd = bpf_map_create(type, name, ksize, vsize, n, NULL);

	if (fd < 0) {
		int e = errno;

		return dbpf_say(err, errlen, -e, "cannot create BPF map %s (%u entries of "
		    "%u bytes): %s", name, n, vsize, strerror(e));
	}
	return fd;
}

int dbpf_set__new(const struct dbpf_set_opts *opts, struct dbpf_set **out,
    char *err, size_t errlen)
{
	struct dbpf_set *s;
	long page = sysconf(_SC_PAGESIZE);
	int ncpu = libbpf_num_possible_cpus();

	*out = NULL;
	if (ncpu <= 0)
		return dbpf_say(err, errlen, ncpu ? ncpu : -EINVAL, "cannot count CPUs");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	if (opts != NULL)
		s->o = *opts;
	if (s->o.so_strsize == 0)
		s->o.so_strsize = DIF_DEFAULT_STRSIZE;
	if (s->o.so_strsize > 4096) {
		free(s);
		return dbpf_say(err, errlen, -EINVAL, "strsize %u is larger than BPF "
		    "programs allow (4096)", opts->so_strsize);
	}
	s->o.so_bufsize = pow2_at_least(s->o.so_bufsize ? s->o.so_bufsize : 4u << 20,
	    page > 0 ? (uint32_t)page : 4096);
	if (s->o.so_aggentries == 0)
		s->o.so_aggentries = 16384;
	if (s->o.so_dynentries == 0)
		s->o.so_dynentries = 65536;
	if (s->o.so_nspec == 0)
		s->o.so_nspec = 1;
	if (s->o.so_specsize == 0)
		s->o.so_specsize = 16384;
	s->o.so_specsize = (s->o.so_specsize + 7) & ~7u;
	if (s->o.so_nspec > DBPF_SPEC_MAX || s->o.so_specsize > (1u << 24)) {
		free(s);
		return dbpf_say(err, errlen, -EINVAL, "nspec %u / specsize %u: BPF programs "
		    "allow at most %u buffers of 16 MiB", opts->so_nspec, opts->so_specsize,
		    DBPF_SPEC_MAX);
	}
	s->ncpu = ncpu;
	if (s->o.so_no_kernel) {
		s->ringbuf = s->gvars = s->tvars = s->spec = s->state = -1;
		*out = s;
		return 0;
	}
	s->wall_offset = ns_of(CLOCK_REALTIME) - ns_of(CLOCK_MONOTONIC);
	s->ringbuf = s->gvars = s->tvars = s->spec = s->state = -1;
	s->ringbuf = mkmap(BPF_MAP_TYPE_RINGBUF, "dt_ring", 0, 0, s->o.so_bufsize,
	    err, errlen);
	if (s->ringbuf >= 0)
		s->gvars = mkmap(BPF_MAP_TYPE_ARRAY, "dt_gvars", 4, 8, DBPF_NGVARS,
		    err, errlen);
	if (s->gvars >= 0)
		s->tvars = mkmap(BPF_MAP_TYPE_HASH, "dt_tvars", 16, 8,
		    s->o.so_dynentries, err, errlen);
	if (s->tvars >= 0)
		s->spec = mkmap(BPF_MAP_TYPE_ARRAY, "dt_spec", 4,
		    (uint32_t)sizeof(struct dbpf_specbuf) + s->o.so_specsize, s->o.so_nspec,
		    err, errlen);
	if (s->spec >= 0)
		s->state = mkmap(BPF_MAP_TYPE_ARRAY, "dt_state", 4,
		    (uint32_t)sizeof(struct dbpf_state), 1, err, errlen);
	if (s->state < 0) {
		int rc = s->ringbuf < 0 ? s->ringbuf : s->gvars < 0 ? s->gvars :
		    s->tvars < 0 ? s->tvars : s->spec < 0 ? s->spec : s->state;

		dbpf_set__free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void dbpf_set__free(struct dbpf_set *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	for (uint32_t i = 0; i < s->nprogs; i++) {
		struct prog *p = &s->progs[i];

		close(p->fd);
		close(p->scratch);
	}
	for (uint32_t i = 0; i < s->naggs; i++)
		if (s->aggs[i].fd >= 0)
			close(s->aggs[i].fd);
	for (uint32_t i = 0; i < s->nvars; i++)
		if (s->vars[i].fd >= 0)
			close(s->vars[i].fd);
	free(s->vars);
	btf__free(s->vmlinux);
	if (s->rb)
		ring_buffer__free(s->rb);
	if (s->ringbuf >= 0)
		close(s->ringbuf);
	if (s->gvars >= 0)
		close(s->gvars);
	if (s->tvars >= 0)
		close(s->tvars);
	if (s->spec >= 0)
		close(s->spec);
	if (s->state >= 0)
		close(s->state);
	free(s->fds);
	free(s->progs);
	free(s->aggs);
	free(s);
}

static bool same_shape(const struct dbpf_aggshape *a, const struct dbpf_aggshape *b)
{
	if (a->func != b->func || a->arg != b->arg || a->nkeys != b->nkeys)
		return false;
	for (uint32_t k = 0; k < a->nkeys; k++)
		if (a->keyw[k] != b->keyw[k] || a->keystr[k] != b->keystr[k])
			return false;
	return true;
}

int dbpf_set_agg_ref(struct dbpf_set *s, const struct dbpf_aggshape *sh,
    char *err, size_t errlen)
{
	struct agg *na;
	char name[16];
	int fd;

	for (uint32_t i = 0; i < s->naggs; i++) {
		if (s->aggs[i].sh.id != sh->id)
			continue;
		if (!same_shape(&s->aggs[i].sh, sh))
			return dbpf_say(err, errlen, -EINVAL, "aggregation %u is used with "
			    "two different key or function shapes", sh->id);
		return (int)(DBPF_REF_AGG0 + i);
	}
	if (DBPF_REF_AGG0 + s->naggs >= DBPF_REF_MAX)
		return dbpf_say(err, errlen, -E2BIG, "too many aggregations");
	na = realloc(s->aggs, (s->naggs + 1) * sizeof(*na));
	if (na == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	s->aggs = na;
	snprintf(name, sizeof(name), "dt_agg%u", sh->id);
	fd = s->o.so_no_kernel ? -1 : mkmap(BPF_MAP_TYPE_PERCPU_HASH, name, sh->keysize, sh->valsize,
	    s->o.so_aggentries, err, errlen);
	if (fd < 0 && !s->o.so_no_kernel)
		return fd;
	s->aggs[s->naggs].sh = *sh;
	s->aggs[s->naggs].fd = fd;
	return (int)(DBPF_REF_AGG0 + s->naggs++);
}

int dbpf_set_var_ref(struct dbpf_set *s, const struct dbpf_varshape *vs,
    char *err, size_t errlen)
{
	struct var *nv;
	char name[16];
	int fd;

	for (uint32_t i = 0; i < s->nvars; i++) {
		const struct dbpf_varshape *o = &s->vars[i].vs;

		if (o->id != vs->id || o->scope != vs->scope || o->assoc != vs->assoc)
			continue;
		if (o->keysize != vs->keysize || o->valsize != vs->valsize)
			return dbpf_say(err, errlen, -EINVAL, "variable 0x%x is used with two "
			    "different key or value shapes", vs->id);
		return (int)(DBPF_REF_VAR0 + i);
	}
	if (DBPF_REF_VAR0 + s->nvars >= DBPF_REF_MAX)
		return dbpf_say(err, errlen, -E2BIG, "too many variables");
	nv = realloc(s->vars, (s->nvars + 1) * sizeof(*nv));
	if (nv == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	s->vars = nv;
	snprintf(name, sizeof(name), "dt_var%x", vs->id);
	if (s->o.so_no_kernel)
		fd = -1;
	else if (vs->keysize == 4 && !vs->assoc && vs->scope == DIFV_SCOPE_GLOBAL)
		fd = mkmap(BPF_MAP_TYPE_ARRAY, name, 4, vs->valsize, 1, err, errlen);
	else
		fd = mkmap(BPF_MAP_TYPE_HASH, name, vs->keysize, vs->valsize,
		    s->o.so_dynentries, err, errlen);
	if (fd < 0 && !s->o.so_no_kernel)
		return fd;
	s->vars[s->nvars].vs = *vs;
	s->vars[s->nvars].fd = fd;
	return (int)(DBPF_REF_VAR0 + s->nvars++);
}

/* ---- add_probe ----------------------------------------------------------- */

static int check_difo(const struct dif_difo *dp, const struct dbpf_clause *cl,
    uint32_t actndx, char *err, size_t errlen)
{
	struct dvm_verr e;
	char msg[256];

	if (dp == NULL)
		return 0;
	if (dvm_difo__validate(dp, NULL, &e, 1) == 0)
		return 0;
	dvm_verr__format(&e, msg, sizeof(msg));
	return dbpf_say(err, errlen, -EINVAL, "epid %u (%s) %s %u: invalid DIF: %s",
	    cl->epid, cl->what ? cl->what : "?", actndx ? "action" : "predicate",
	    actndx, msg);
}

static int validate(const struct dbpf_clause *cls, uint32_t n, char *err,
    size_t errlen)
{
	int rc;

	for (uint32_t k = 0; k < n; k++) {
		const struct dbpf_clause *cl = &cls[k];

		if ((rc = check_difo(cl->pred, cl, 0, err, errlen)) != 0)
			return rc;
		for (uint32_t i = 0; i < cl->nsteps && cl->steps; i++) {
			const struct dbpf_step *st = &cl->steps[i];

			if ((rc = check_difo(st->difo, cl, st->actndx, err, errlen)) != 0 ||
			    (rc = check_difo(st->incr, cl, st->incr_actndx, err, errlen)) != 0)
				return rc;
			for (uint32_t j = 0; j < st->nkeys && st->keys; j++)
				if ((rc = check_difo(st->keys[j].difo, cl,
				    st->keys[j].actndx, err, errlen)) != 0)
					return rc;
		}
	}
	return 0;
}

/* Write the initial image into every CPU's scratch value. */
static int make_scratch(struct dbpf_set *s, const struct dbpf_cprog *cp,
    char *err, size_t errlen)
{
	size_t stride = (cp->image_size + 7) & ~(size_t)7;
	uint8_t *all = calloc((size_t)s->ncpu, stride);
	uint32_t key = 0;
	int fd;

	if (all == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	fd = mkmap(BPF_MAP_TYPE_PERCPU_ARRAY, "dt_scratch", 4, cp->image_size, 1,
	    err, errlen);
	if (fd >= 0) {
		for (int c = 0; c < s->ncpu; c++)
			memcpy(all + (size_t)c * stride, cp->image, cp->image_size);
		if (bpf_map_update_elem(fd, &key, all, BPF_ANY) != 0) {
			int e = errno;

			close(fd);
			fd = dbpf_say(err, errlen, -e, "cannot initialise the scratch map: %s",
			    strerror(e));
		}
	}
	free(all);
	return fd;
}

static int ref_fd(const struct dbpf_set *s, int scratch, uint32_t ref)
{
	switch (ref) {
	case DBPF_REF_SCRATCH: return scratch;
	case DBPF_REF_RINGBUF: return s->ringbuf;
	case DBPF_REF_GVARS:   return s->gvars;
	case DBPF_REF_TVARS:   return s->tvars;
	case DBPF_REF_SPEC:    return s->spec;
	case DBPF_REF_STATE:   return s->state;
	default:
		if (ref >= DBPF_REF_VAR0 && ref - DBPF_REF_VAR0 < s->nvars)
			return s->vars[ref - DBPF_REF_VAR0].fd;
		if (ref >= DBPF_REF_AGG0 && ref - DBPF_REF_AGG0 < s->naggs)
			return s->aggs[ref - DBPF_REF_AGG0].fd;
		return -1;
	}
}

static void describe(const struct dbpf_clause *cls, uint32_t n, int64_t tag,
    char *out, size_t size)
{
	uint32_t k = DBPF_TAG_CLAUSE(tag), st = DBPF_TAG_STEP(tag);
	const struct dbpf_clause *cl;

	if (tag < 0 || k >= n) {
		snprintf(out, size, "probe prologue");
		return;
	}
	cl = &cls[k];
	if (st == 0)
		snprintf(out, size, "epid %u (%s) predicate DIF pc %u", cl->epid,
		    cl->what ? cl->what : "?", DBPF_TAG_PC(tag));
	else
		snprintf(out, size, "epid %u (%s) action %u DIF pc %u", cl->epid,
		    cl->what ? cl->what : "?",
		    st - 1 < cl->nsteps ? cl->steps[st - 1].actndx : 0, DBPF_TAG_PC(tag));
}

static int load(const struct dbpf_attach *at, const struct dbpf_cprog *cp,
    const struct dbpf_clause *cls, uint32_t n, char *err, size_t errlen)
{
	/* A program too big or too complex for the verifier fails with
	 * ENOSPC or E2BIG; its log says where. */
	static const int vlog_errnos[] = { EACCES, EINVAL, ENOSPC, E2BIG, 0 };
	enum bpf_prog_type type = at->at_ctx == DBPF_CTX_TRACEPOINT ?
	    BPF_PROG_TYPE_TRACEPOINT : at->at_ctx == DBPF_CTX_PERF_EVENT ?
	    BPF_PROG_TYPE_PERF_EVENT : BPF_PROG_TYPE_RAW_TRACEPOINT;
	struct dbpf_vreject r;
	char where[256];
	int fd = dbpf_load_logged(type, "dt_clauses", cp->insn, cp->len, vlog_errnos,
	    VLOG_SIZE, &r, err, errlen);

	if (fd >= 0 || r.e == 0)
		return fd;
	if (r.bad >= 0 && (size_t)r.bad < cp->len) {
		describe(cls, n, cp->pcmap[r.bad], where, sizeof(where));
		return dbpf_say(err, errlen, -EACCES, "%s: verifier rejected BPF insn %ld: %s",
		    where, r.bad, r.why);
	}
	return dbpf_say(err, errlen, -EACCES, "verifier rejected the program: %s (%s)",
	    r.why, strerror(r.e));
}

int dbpf_set__add_probe(struct dbpf_set *s, const struct dbpf_attach *at,
    const struct dbpf_clause *clauses, uint32_t nclauses, int *idx,
    char *err, size_t errlen)
{
	struct dbpf_cprog cp;
	struct prog *np, p = { .fd = -1, .scratch = -1 };
	int rc;

	*idx = -1;
	if (errlen > 0)
		err[0] = '\0';
	if (at == NULL || (nclauses > 0 && clauses == NULL))
		return dbpf_say(err, errlen, -EINVAL, "no attach point or clauses");
	if (at->at_ctx != DBPF_CTX_RAW_TP && at->at_ctx != DBPF_CTX_TRACEPOINT &&
	    at->at_ctx != DBPF_CTX_PERF_EVENT)
		return dbpf_say(err, errlen, -EINVAL, "unknown context kind %d", (int)at->at_ctx);
	if ((rc = validate(clauses, nclauses, err, errlen)) != 0)
		return rc;
	if ((rc = dbpf_clauses_translate(s, at, clauses, nclauses, &cp, err, errlen)) != 0)
		return rc;
	if (s->o.so_no_kernel) {
		free(cp.insn);
		free(cp.pcmap);
		free(cp.image);
		return 0;
	}
	p.ctx = at->at_ctx;
	p.scratch_size = cp.image_size;
	p.scratch = make_scratch(s, &cp, err, errlen);
	rc = p.scratch < 0 ? p.scratch : 0;
	for (size_t i = 0; rc == 0 && i < cp.len; i++) {
		struct bpf_insn *in = &cp.insn[i];

		if (in->code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    in->src_reg == BPF_PSEUDO_MAP_FD &&
		    ((uint32_t)in->imm & ~(uint32_t)DBPF_REF_MAX) == DBPF_REF_BASE) {
			int fd = ref_fd(s, p.scratch, (uint32_t)in->imm & DBPF_REF_MAX);

			if (fd < 0)
				rc = dbpf_say(err, errlen, -EINVAL, "internal error: unknown map "
				    "reference %#x", (unsigned)in->imm);
			in->imm = fd;
		}
	}
	if (rc == 0) {
		p.fd = load(at, &cp, clauses, nclauses, err, errlen);
		rc = p.fd < 0 ? p.fd : 0;
	}
	if (rc == 0) {
		np = realloc(s->progs, (s->nprogs + 1) * sizeof(*np));
		if (np == NULL)
			rc = -ENOMEM;
		else {
			s->progs = np;
			s->progs[s->nprogs] = p;
			*idx = (int)s->nprogs++;
		}
	}
	free(cp.insn);
	free(cp.pcmap);
	free(cp.image);
	if (rc != 0) {
		if (p.fd >= 0)
			close(p.fd);
		if (p.scratch >= 0)
			close(p.scratch);
		if (rc == -ENOMEM)
			dbpf_say(err, errlen, rc, "out of memory");
	}
	return rc;
}

/* ---- Attaching ------------------------------------------------------------- */

static const struct prog *prog_at(const struct dbpf_set *s, int idx)
{
	return idx >= 0 && (uint32_t)idx < s->nprogs ? &s->progs[idx] : NULL;
}

int dbpf_set__prog_fd(const struct dbpf_set *s, int idx)
{
	const struct prog *p = prog_at(s, idx);

	return p ? p->fd : -EINVAL;
}

int dbpf_set__adopt_fd(struct dbpf_set *s, int fd)
{
	int *nf = realloc(s->fds, (s->nfds + 1) * sizeof(*nf));

	if (nf == NULL)
		return -ENOMEM;
	s->fds = nf;
	s->fds[s->nfds++] = fd;
	return 0;
}

int dbpf_set__attach_raw_tp(struct dbpf_set *s, int idx, const char *tp,
    char *err, size_t errlen)
{
	const struct prog *p = prog_at(s, idx);
	int fd;

	if (p == NULL || p->ctx != DBPF_CTX_RAW_TP)
		return dbpf_say(err, errlen, -EINVAL, "probe %d is not a raw-tracepoint "
		    "program", idx);
	if ((fd = dbpf_open_raw_tp(tp, p->fd, err, errlen)) < 0)
		return fd;
	if (dbpf_set__adopt_fd(s, fd) != 0) {
		close(fd);
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

int dbpf_set__attach_tracepoint(struct dbpf_set *s, int idx, const char *group,
    const char *name, char *err, size_t errlen)
{
	const struct prog *p = prog_at(s, idx);
	int fd;

	if (p == NULL || p->ctx != DBPF_CTX_TRACEPOINT)
		return dbpf_say(err, errlen, -EINVAL, "probe %d is not a tracepoint program",
		    idx);
	if ((fd = dbpf_open_tracepoint(group, name, p->fd, err, errlen)) < 0)
		return fd;
	if (dbpf_set__adopt_fd(s, fd) != 0) {
		int e = errno;

		close(fd);
		return dbpf_say(err, errlen, -e, "cannot attach to %s:%s: %s", group,
		    name, strerror(e));
	}
	return 0;
}

int dbpf_set__test_run(struct dbpf_set *s, int idx, const uint64_t *args,
    unsigned nargs, uint32_t *retval)
{
	const struct prog *p = prog_at(s, idx);
	uint64_t ctx[12] = { 0 };	/* MAX_BPF_FUNC_ARGS */
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));

	if (p == NULL)
		return -EINVAL;
	if (p->ctx != DBPF_CTX_RAW_TP)
		return -EOPNOTSUPP;
	if (nargs > 12)
		return -EINVAL;
	if (nargs > 0)
		memcpy(ctx, args, nargs * sizeof(*args));
	if (bpf_prog_test_run_opts(p->fd, &o))
		return -errno;
	*retval = o.retval;
	return 0;
}

/* ---- Reading --------------------------------------------------------------- */

/*
 * One sample.  A walk stops after one ring's worth of samples, so a
 * producer faster than the consumer cannot keep poll from returning (libbpf
 * keeps consuming while new data arrives).
 */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct dbpf_set *s = ctx;
	int rc = s->fn(s->fnarg, data, size);

	s->nrecs++;
	if (rc != 0) {
		s->fnrc = rc;
		return -1;	/* stops the ring-buffer walk */
	}
	if ((uint64_t)s->nrecs >= s->o.so_bufsize / 16) {
		s->capped = true;
		return -1;
	}
	return 0;
}

int dbpf_set__poll(struct dbpf_set *s, int timeout_ms, dbpf_rec_fn *fn, void *arg)
{
	int rc;

	if (s->rb == NULL) {
		s->rb = ring_buffer__new(s->ringbuf, on_sample, s, NULL);
		if (s->rb == NULL)
			return -errno;
	}
	s->fn = fn;
	s->fnarg = arg;
	s->fnrc = 0;
	s->nrecs = 0;
	s->capped = false;
	rc = timeout_ms == 0 ? ring_buffer__consume(s->rb) :
	    ring_buffer__poll(s->rb, timeout_ms);
	if (s->fnrc != 0)
		return s->fnrc;
	if (rc < 0 && rc != -EINTR && !s->capped)
		return rc;
	return (int)s->nrecs;
}

/*
 * One entry on one CPU: rebuild the keys (strings NUL-padded to strsize)
 * and hand the words over.
 */
static int walk_entry(struct dbpf_set *s, const struct agg *a, const uint8_t *key,
    const int64_t *val, char *strbuf, dbpf_agg_fn *fn, void *arg)
{
	struct dbpf_aggkey keys[DBPF_MAXKEYS];
	uint32_t off = 0, ss = s->o.so_strsize;
	uint64_t hits = (uint64_t)val[0];

	if (hits == 0)
		return 0;	/* this CPU never updated the entry */
	for (uint32_t k = 0; k < a->sh.nkeys; k++) {
		if (a->sh.keystr[k]) {
			char *dst = strbuf + (size_t)k * (ss + 1);
			uint32_t n = a->sh.keyw[k] < ss ? a->sh.keyw[k] : ss;

			memset(dst, 0, ss + 1);
			memcpy(dst, key + off, n);
			keys[k] = (struct dbpf_aggkey){ dst, ss, true };
		} else {
			keys[k] = (struct dbpf_aggkey){ key + off, a->sh.keyw[k], false };
		}
		off += a->sh.keyw[k];
	}
	return fn(arg, a->sh.id, keys, a->sh.nkeys, val + (a->sh.hits ? 1 : 0),
	    a->sh.nwords);
}

static int walk_agg(struct dbpf_set *s, const struct agg *a, dbpf_agg_fn *fn,
    void *arg)
{
	size_t stride = (a->sh.valsize + 7) & ~(size_t)7;
	uint8_t *key = calloc(2, a->sh.keysize), *next = key + a->sh.keysize;
	uint8_t *vals = calloc((size_t)s->ncpu, stride);
	char *strbuf = calloc(DBPF_MAXKEYS, (size_t)s->o.so_strsize + 1);
	bool first = true;
	int rc = 0;

	if (key == NULL || vals == NULL || strbuf == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	while (bpf_map_get_next_key(a->fd, first ? NULL : key, next) == 0) {
		first = false;
		memcpy(key, next, a->sh.keysize);
		if (bpf_map_lookup_elem(a->fd, key, vals) != 0)
			continue;	/* deleted meanwhile */
		for (int c = 0; c < s->ncpu && rc == 0; c++)
			rc = walk_entry(s, a, key, (const int64_t *)(vals + (size_t)c * stride),
			    strbuf, fn, arg);
		if (rc != 0)
			break;
	}
out:
	free(key);
	free(vals);
	free(strbuf);
	return rc;
}

int dbpf_set__agg_walk(struct dbpf_set *s, dbpf_agg_fn *fn, void *arg)
{
	int rc = 0;

	for (uint32_t i = 0; i < s->naggs && rc == 0; i++)
		rc = walk_agg(s, &s->aggs[i], fn, arg);
	return rc;
}

int dbpf_set__agg_clear(struct dbpf_set *s, uint32_t aggid)
{
	for (uint32_t i = 0; i < s->naggs; i++) {
		const struct agg *a = &s->aggs[i];
		uint8_t *key;

		if (a->sh.id != aggid)
			continue;
		key = malloc(a->sh.keysize);
		if (key == NULL)
			return -ENOMEM;
		while (bpf_map_get_next_key(a->fd, NULL, key) == 0)
			if (bpf_map_delete_elem(a->fd, key) != 0)
				break;
		free(key);
		return 0;
	}
	return -ENOENT;
}

/* The string global's own map, or NULL. */
static const struct var *string_global(const struct dbpf_set *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->nvars; i++)
		if (s->vars[i].vs.id == id && s->vars[i].vs.scope == DIFV_SCOPE_GLOBAL &&
		    !s->vars[i].vs.assoc && s->vars[i].vs.string)
			return &s->vars[i];
	return NULL;
}

int dbpf_set__global_get(const struct dbpf_set *s, uint32_t id, void *buf,
    size_t size)
{
	const struct var *v = string_global(s, id);
	uint32_t key = 0;
	uint8_t *tmp;
	uint64_t val;

	if (s->o.so_no_kernel)
		return -ENODEV;
	if (v != NULL) {
		if ((tmp = calloc(1, v->vs.valsize)) == NULL)
			return -ENOMEM;
		if (bpf_map_lookup_elem(v->fd, &key, tmp) != 0) {
			int e = errno;

			free(tmp);
			return -e;
		}
		memcpy(buf, tmp, size < v->vs.valsize ? size : v->vs.valsize);
		free(tmp);
		return 0;
	}
	if (id < DIF_VAR_OTHER_UBASE || id - DIF_VAR_OTHER_UBASE >= DBPF_NGVARS)
		return -ENOENT;
	key = id - DIF_VAR_OTHER_UBASE;
	if (bpf_map_lookup_elem(s->gvars, &key, &val) != 0)
		return -errno;
	memcpy(buf, &val, size < 8 ? size : 8);
	return 0;
}

int dbpf_set__global_set(struct dbpf_set *s, uint32_t id, const void *buf,
    size_t size)
{
	const struct var *v = string_global(s, id);
	uint32_t key = 0;
	uint8_t *tmp;
	uint64_t val = 0;
	int rc = 0;

	if (s->o.so_no_kernel)
		return -ENODEV;
	if (v != NULL) {
		if ((tmp = calloc(1, v->vs.valsize)) == NULL)
			return -ENOMEM;
		memcpy(tmp, buf, size < v->vs.valsize - 1 ? size : v->vs.valsize - 1);
		if (bpf_map_update_elem(v->fd, &key, tmp, BPF_ANY) != 0)
			rc = -errno;
		free(tmp);
		return rc;
	}
	if (id < DIF_VAR_OTHER_UBASE || id - DIF_VAR_OTHER_UBASE >= DBPF_NGVARS)
		return -ENOENT;
	key = id - DIF_VAR_OTHER_UBASE;
	memcpy(&val, buf, size < 8 ? size : 8);
	return bpf_map_update_elem(s->gvars, &key, &val, BPF_ANY) != 0 ? -errno : 0;
}

int dbpf_set__exited(const struct dbpf_set *s, int *status)
{
	struct dbpf_state st;
	uint32_t key = 0;

	if (s->state < 0)
		return 0;
	if (bpf_map_lookup_elem(s->state, &key, &st) != 0)
		return -errno;
	if (st.exited == 0)
		return 0;
	if (status != NULL)
		*status = (int)st.status;
	return 1;
}

int dbpf_set__counts(const struct dbpf_set *s, struct dbpf_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; i < s->nprogs; i++) {
		const struct prog *p = &s->progs[i];
		size_t stride = (p->scratch_size + 7) & ~(size_t)7;
		uint8_t *v = calloc((size_t)s->ncpu, stride);
		uint32_t key = 0;

		if (v == NULL)
			return -ENOMEM;
		if (bpf_map_lookup_elem(p->scratch, &key, v) != 0) {
			int e = errno;

			free(v);
			return -e;
		}
		for (int cpu = 0; cpu < s->ncpu; cpu++) {
			const uint64_t *w = (const uint64_t *)(v + (size_t)cpu * stride);

			c->dc_firings += w[0];
			c->dc_bufdrops += w[1];
			c->dc_aggdrops += w[2];
			c->dc_dyndrops += w[3];
			c->dc_errors += w[4];
			c->dc_specdrops += w[5];
			c->dc_specbusy += w[6];
		}
		free(v);
	}
	return 0;
}
