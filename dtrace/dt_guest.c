/*
 * dt_guest.c — guest probes in dtrace(1): selecting guests, linking the
 * program per guest, the provider family, and firing guest probes.
 *
 * Theory.  A probe description with a target (the first of five fields,
 * `$TARGET:syscall:::entry`) names guests: the target is a glob matched
 * against each announced guest's vmname, hostname and OS version
 * (docs/vm-tracing.md §8).  When the program has such descriptions,
 * dtrace attaches to every guest in the VM directory a target selects
 * (dt_guest_attach.c does the transport) and links the relocatable
 * program once per guest against that guest's own typefile, so member
 * offsets and sizes are each guest's.  All those linked objects share one
 * structure (same clauses, actions, DIFO indices, variables,
 * aggregations: only relocated instructions and constants differ), so
 * the state is opened with the first guest's object and, after ECBs
 * exist, each ECB on a probe of guest G gets its DIFO views from G's
 * object (rebind).  Aggregations and variables are therefore shared by
 * all guests, as one enabling in DTrace would share them.
 *
 * Probes.  Guest G's probe i becomes the host probe
 * provider:module:function:name of kind DT_PROBE_GUEST, with G and i in
 * priv; vmname is G's.  Plain descriptions (no target) never match guest
 * probes, and target descriptions never match host probes.
 *
 * Firing.  dt_guest_wait polls every guest's exit ring; each posted exit
 * goes through dvmm (the registry's lock-free enter/leave, then
 * dvmm_guest__exit: CPL, call number, the block inside RAM, the block's
 * fields, CR3/mode against the vCPU's) and, if its probe is enabled, the
 * engine fires it with a guest host: loads of guest addresses walk G's
 * page tables with the firing's CR3 and paging mode (read-only, cache
 * flushed at each firing; a failed walk is a BADADDR fault, so ERROR
 * fires), pid/tid/execname/curthread/uid/gid/cpu come from the validated
 * context, timestamps are the host's, and thread-local variables are
 * keyed by (vmid, tid) so equal tids in different guests never collide
 * (the host's own keys have vmid 0).  Every exit is then resumed.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <sched.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dd.h"
#include "dt_guest.h"
#include "dvm_validate.h"
#include "lnk.h"

static struct {
	char			vmdir[1024];
	struct dvmm_registry	reg;
	struct dt_vm		*vms[DVMM_MAX_VMS];
	uint32_t		nvms;
	struct dt_gprobe	*gprobes;
	uint32_t		ngprobes;
	struct dvm_region	*ro;	/* the state's regions + guests' string tables */
	bool			active;
	/* dtrace -E: programs linked by the guests' minions, by guest name */
	bool			prelinked;
	char			**plnames;
	uint8_t			**plelf;
	size_t			*pllen, npl;
	uint8_t			scratch[HT_GC_MAX_SIZE];
} S = { .vmdir = HTVM_DEFAULT_DIR };

/* The firing in progress (the guest host's context). */
struct gfire {
	struct dt_state		*st;
	struct dt_vm		*vm;
	const struct dvmm_ctx	*ctx;
	uint32_t		mode;		/* the vCPU's paging-mode word */
};

int dt_guest_setopt(const char *name, const char *value)
{
	if (strcmp(name, "vmdir") != 0)
		return 1;
	if (value == NULL || *value == '\0' || strlen(value) >= sizeof(S.vmdir))
		return -EINVAL;
	strcpy(S.vmdir, value);
	return 0;
}

int dt_guest_xopts(const char *const *xopts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strncmp(xopts[i], "vmdir=", 6) != 0)
			continue;
		if (dt_guest_setopt("vmdir", xopts[i] + 6) != 0) {
			fprintf(stderr, "dtrace: failed to set -x %s: invalid value\n", xopts[i]);
			return -EINVAL;
		}
	}
	return 0;
}

size_t dt_guest_compiler_xopts(const char *const *xopts, size_t n, const char **out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (strncmp(xopts[i], "vmdir=", 6) != 0 && strcmp(xopts[i], "vmdir") != 0)
			out[k++] = xopts[i];
	return k;
}

bool dt_guest_has_targets(const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->nprobes; i++)
		if (*dobj__str(obj, obj->probes[i].target) != '\0')
			return true;
	return false;
}

bool dt_guest_active(void)
{
	return S.active;
}

static bool selects(const char *target, const struct dvmm_guest *g)
{
	return fnmatch(target, g->name, 0) == 0 || fnmatch(target, g->hostname, 0) == 0 ||
	    fnmatch(target, g->osrel, 0) == 0;
}

static bool selected(const struct dobj *obj, const struct dvmm_guest *g)
{
	for (uint32_t i = 0; i < obj->nprobes; i++) {
		const char *t = dobj__str(obj, obj->probes[i].target);

		if (*t != '\0' && selects(t, g))
			return true;
	}
	return false;
}

static void diag_line(void *ctx, const char *line)
{
	fprintf(stderr, "dtrace: guest %s: %s\n", (const char *)ctx, line);
}

int dt_guest_use_linked(const struct dd_submission *s)
{
	S.prelinked = true;
	S.plnames = calloc(s->nguests + 1, sizeof(*S.plnames));
	S.plelf = calloc(s->nguests + 1, sizeof(*S.plelf));
	S.pllen = calloc(s->nguests + 1, sizeof(*S.pllen));
	if (!S.plnames || !S.plelf || !S.pllen)
		return -ENOMEM;
	for (size_t i = 0; i < s->nguests; i++) {
		const struct dd_guest_outcome *g = &s->guests[i];

		if (g->status != DD_LINKED || g->linked == NULL)
			continue;
		S.plnames[S.npl] = strdup(g->guest);
		S.plelf[S.npl] = malloc(g->linkedlen ? g->linkedlen : 1);
		if (S.plnames[S.npl] == NULL || S.plelf[S.npl] == NULL)
			return -ENOMEM;
		memcpy(S.plelf[S.npl], g->linked, g->linkedlen);
		S.pllen[S.npl++] = g->linkedlen;
	}
	return 0;
}

/* dtrace -E: the object the guest's own dtraced linked, read and checked. */
static int linked_by_guest(struct dt_vm *vm)
{
	struct dobj_err e;
	char msg[512];

	for (size_t i = 0; i < S.npl; i++) {
		if (strcmp(S.plnames[i], vm->g->name) != 0)
			continue;
		if (dobj__read_mem(S.plelf[i], S.pllen[i], &vm->obj, &e) != 0) {
			dobj_err__format(&e, msg, sizeof(msg));
			fprintf(stderr, "dtrace: guest %s: its linked program: %s\n",
			    vm->g->name, msg);
			return -EINVAL;
		}
		vm->obj_owned = true;
		if (vm->obj->kind != DOBJ_LINKED) {
			fprintf(stderr, "dtrace: guest %s: dtraced answered with an "
			    "object that is not linked\n", vm->g->name);
			return -EINVAL;
		}
		return 0;
	}
	fprintf(stderr, "dtrace: guest %s: no program linked by its dtraced; not traced\n",
	    vm->g->name);
	return -ENOENT;
}

/* Link rel against vm's typefile (or take the guest's own link, -E); the
 * structure must match the first guest's. */
static int link_for(struct dt_vm *vm, struct dobj *rel, const char *name)
{
	struct lnk_opts lo = { 0 };
	struct lnk_diag d = { diag_line, vm->g->name, 0, 0 };
	const char *names[1] = { name };
	const struct dobj *first = S.nvms > 0 ? S.vms[0]->obj : NULL;

	if (S.prelinked) {
		if (linked_by_guest(vm) != 0)
			return -EINVAL;
	} else if (lnk_link__objects(&rel, names, 1, vm->tf, &lo, &d, &vm->obj) != 0) {
		return -EINVAL;
	}
	vm->obj_owned = true;
	if (first != NULL && (first->ndifos != vm->obj->ndifos ||
	    first->nclauses != vm->obj->nclauses || first->nactions != vm->obj->nactions)) {
		fprintf(stderr, "dtrace: guest %s: the program links to a different "
		    "structure than for guest %s\n", vm->g->name, S.vms[0]->g->name);
		return -EINVAL;
	}
	return 0;
}

static bool is_socket_name(const char *n)
{
	size_t len = strlen(n), sl = strlen(HTVM_SOCK_SUFFIX);

	return len > sl && strcmp(n + len - sl, HTVM_SOCK_SUFFIX) == 0 && n[0] != '.';
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Socket names in the VM directory, sorted (attach order is deterministic). */
static char **list_sockets(uint32_t *n)
{
	DIR *d = opendir(S.vmdir);
	struct dirent *e;
	char **v = NULL;
	uint32_t cap = 0;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL && *n < 4 * DVMM_MAX_VMS) {
		if (!is_socket_name(e->d_name))
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (nv == NULL)
				break;
			v = nv;
		}
		if ((v[*n] = strdup(e->d_name)) != NULL)
			(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_names);
	return v;
}

struct dobj *dt_guest_link(struct dobj *rel, const char *name)
{
	uint32_t n;
	char **socks = list_sockets(&n);
	char err[512];
	struct dobj *first = NULL;

	dvmm_reg__init(&S.reg);
	for (uint32_t i = 0; i < n; i++) {
		struct dt_vm *vm;
		int rc;

		if (dt_vm_open(S.vmdir, socks[i], &vm, err, sizeof(err)) != 0) {
			fprintf(stderr, "dtrace: %s\n", err);
			continue;
		}
		if (!selected(rel, vm->g)) {
			dt_vm_reject(vm);
			continue;
		}
		if ((rc = dvmm_reg__add(&S.reg, vm->g)) != 0) {
			fprintf(stderr, "dtrace: guest %s: %s\n", vm->g->name,
			    dvmm_err__message(rc));
			(void)dt_vm_send_attach(vm, rc == DVMM_E_REG_DUP ? -EEXIST : -ENOSPC);
			dt_vm_close(vm);
			continue;
		}
		if (link_for(vm, rel, name) != 0) {
			(void)dvmm_reg__remove(&S.reg, vm->g);
			(void)dt_vm_send_attach(vm, -EINVAL);
			dt_vm_close(vm);
			continue;
		}
		S.vms[S.nvms++] = vm;
	}
	for (uint32_t i = 0; i < n; i++)
		free(socks[i]);
	free(socks);
	dobj__free(rel);
	if (S.nvms == 0) {
		fprintf(stderr, "dtrace: no guest in %s matches the program's targets\n",
		    S.vmdir);
		return NULL;
	}
	/* The state owns the first object from now on. */
	first = S.vms[0]->obj;
	S.vms[0]->obj_owned = false;
	S.active = true;
	atexit(dt_guest_detach);
	return first;
}

/* ---- Provider ------------------------------------------------------------------ */

bool dt_guest_is_probe(const struct dvm_probe *p)
{
	return p->kind == DT_PROBE_GUEST;
}

int dt_guest_provide(struct dt_state *st, const char *name)
{
	uint32_t total = 0, k = 0;

	if (name != NULL || !S.active || S.gprobes != NULL)
		return 0;
	for (uint32_t v = 0; v < S.nvms; v++)
		total += S.vms[v]->g->nprobes;
	if ((S.gprobes = calloc(total ? total : 1, sizeof(*S.gprobes))) == NULL)
		return -ENOMEM;
	for (uint32_t v = 0; v < S.nvms; v++) {
		struct dt_vm *vm = S.vms[v];

		vm->vmname = dt_arena_str(st, vm->g->name);
		vm->execbuf = (char *)dt_arena_str(st, "                                ");
		if (vm->vmname == NULL || vm->execbuf == NULL)
			return -ENOSPC;
		for (uint32_t i = 0; i < vm->g->nprobes; i++) {
			const struct dvmm_gprobe_name *pn = &vm->g->probes[i].n;
			struct dvm_probe *p = dt_probe_add(st, pn->provider, pn->module,
			    pn->function, pn->name, (enum dt_probe_kind)DT_PROBE_GUEST);

			if (p == NULL)
				return -errno;
			S.gprobes[k] = (struct dt_gprobe){ vm, i };
			p->priv = &S.gprobes[k++];
		}
	}
	S.ngprobes = k;
	return 0;
}

static bool field_match(const char *pat, const char *s)
{
	return pat == NULL || *pat == '\0' || fnmatch(pat, s, 0) == 0;
}

int dt_guest_match(struct dt_state *st, const char *const f[5],
    struct dvm_probe **out, uint32_t max)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < st->nprobes; i++) {
		struct dvm_probe *p = st->probes[i];
		const struct dt_gprobe *gp = p->priv;

		if (!dt_guest_is_probe(p) || !selects(f[0], gp->vm->g))
			continue;
		if (field_match(f[1], p->prov) && field_match(f[2], p->mod) &&
		    field_match(f[3], p->func) && field_match(f[4], p->name)) {
			if (n < max)
				out[n] = p;
			n++;
		}
	}
	return (int)n;
}

/* ---- Enabling ------------------------------------------------------------------ */

/* Index of the DIFO whose view this is, in obj. */
static int difo_index(const struct dobj *obj, const struct dif_difo *view)
{
	for (uint32_t d = 0; d < obj->ndifos; d++) {
		struct dif_difo v;

		dobj_difo__view(&obj->difos[d], &v);
		if (v.dtdo_buf == view->dtdo_buf && v.dtdo_len == view->dtdo_len)
			return (int)d;
	}
	return -1;
}

static int rebind(const struct dobj *from, const struct dobj *to, struct dif_difo *view)
{
	int d = difo_index(from, view);

	if (d < 0)
		return -EINVAL;
	dobj_difo__view(&to->difos[d], view);
	return 0;
}

static int validate_obj(const struct dobj *obj, const char *vmname, char *err, size_t errlen)
{
	for (uint32_t d = 0; d < obj->ndifos; d++) {
		struct dif_difo view;
		struct dvm_verr e;
		char msg[256];

		dobj_difo__view(&obj->difos[d], &view);
		if (dvm_difo__validate(&view, NULL, &e, 1) != 0) {
			dvm_verr__format(&e, msg, sizeof(msg));
			snprintf(err, errlen, "guest %s: DIFO %" PRIu32 " fails validation: %s",
			    vmname, d, msg);
			return -EINVAL;
		}
	}
	return 0;
}

/* The engine's read-only regions plus every guest object's string tables. */
static int extend_ro(struct dt_state *st)
{
	uint32_t n = st->eng.nro, cap = n;

	for (uint32_t v = 1; v < S.nvms; v++)
		cap += S.vms[v]->obj->ndifos;
	if ((S.ro = calloc(cap ? cap : 1, sizeof(*S.ro))) == NULL)
		return -ENOMEM;
	memcpy(S.ro, st->eng.ro, n * sizeof(*S.ro));
	for (uint32_t v = 1; v < S.nvms; v++) {
		const struct dobj *o = S.vms[v]->obj;

		for (uint32_t d = 0; d < o->ndifos; d++)
			if (o->difos[d].strtab != NULL && o->difos[d].strlen != 0)
				S.ro[n++] = (struct dvm_region){ (uintptr_t)o->difos[d].strtab,
				    o->difos[d].strlen };
	}
	st->eng.ro = S.ro;
	st->eng.nro = n;
	return 0;
}

int dt_guest_enable(struct dt_state *st, char *err, size_t errlen)
{
	int rc;

	if (!S.active)
		return 0;
	for (uint32_t v = 1; v < S.nvms; v++)
		if ((rc = validate_obj(S.vms[v]->obj, S.vms[v]->g->name, err, errlen)) != 0)
			return rc;
	for (uint32_t i = 0; i < st->necbs; i++) {
		struct dvm_ecb *e = &st->ecbs[i];
		const struct dt_gprobe *gp;

		if (!dt_guest_is_probe(e->probe))
			continue;
		gp = e->probe->priv;
		if (gp->vm->obj != st->obj) {
			if (e->has_pred && rebind(st->obj, gp->vm->obj, &e->pred) != 0)
				goto bad;
			for (uint32_t s = 0; s < e->nsteps; s++)
				if (e->steps[s].has_difo &&
				    rebind(st->obj, gp->vm->obj, &e->steps[s].difo) != 0)
					goto bad;
		}
	}
	if ((rc = extend_ro(st)) != 0)
		return rc;
	for (uint32_t i = 0; i < st->nprobes; i++) {
		struct dvm_probe *p = st->probes[i];
		const struct dt_gprobe *gp = p->priv;

		if (!dt_guest_is_probe(p) || p->ecbs == NULL)
			continue;
		(void)dvmm_guest__enable(gp->vm->g, gp->id, p);
		dvmm_ring__set_enabled(gp->vm->ring, gp->id, true);
	}
	for (uint32_t v = 0; v < S.nvms; v++)
		if (dt_vm_send_attach(S.vms[v], 0) != 0)
			S.vms[v]->done = true;	/* it went away already */
	return 0;
bad:
	snprintf(err, errlen, "a DIFO of the program has no counterpart in a guest's link");
	return -EINVAL;
}

/* ---- Firing -------------------------------------------------------------------- */

static uint64_t g_time(void *hctx, enum dvm_clock clk)
{
	const struct gfire *f = hctx;

	return dt_host.dh_time(f->st, clk);	/* host clocks: host timestamps */
}

static int g_load(void *hctx, enum dvm_space space, uint64_t addr, unsigned size,
    uint64_t *val)
{
	const struct gfire *f = hctx;
	struct dvmm_fault fault;
	uint64_t v = 0;

	if (dvmm_vm__read(&f->vm->g->vm, f->ctx->cr3, f->mode, addr, &v, size,
	    space == DVM_SPACE_USER ? DVMM_ACC_USER : 0, &fault) != 0)
		return DIF_FAULT_BADADDR;
	*val = v;
	return 0;
}

static int g_builtin(void *hctx, uint32_t id, uint64_t ndx, uint64_t *val)
{
	const struct gfire *f = hctx;
	const struct dvmm_ctx *c = f->ctx;

	switch (id) {
	case DIF_VAR_PID:	*val = c->pid; return 0;
	case DIF_VAR_PPID:	*val = c->ppid; return 0;
	case DIF_VAR_TID:	*val = c->tid; return 0;
	case DIF_VAR_UID:	*val = c->uid; return 0;
	case DIF_VAR_GID:	*val = c->gid; return 0;
	case DIF_VAR_CPU:	*val = c->cpu; return 0;
	case DIF_VAR_CURTHREAD:	*val = c->curthread; return 0;
	case DIF_VAR_EXECNAME:	*val = (uintptr_t)f->vm->execbuf; return 0;
	case DIF_VAR_VMNAME:	*val = (uintptr_t)f->vm->vmname; return 0;
	case DIF_VAR_IPL: case DIF_VAR_ERRNO:
		*val = 0;
		return 0;
	default:
		return dt_host.dh_builtin(f->st, id, ndx, val);
	}
}

/*
 * No stacks and no machine subroutines in guest context yet: the host's
 * would walk this process and answer for host pids (progenyof), not for
 * the guest the probe fired in.  NULL makes stack() empty and the
 * subroutines an ILLOP fault.
 */
static const struct dvm_host guest_host = {
	.dh_time = g_time, .dh_load = g_load, .dh_builtin = g_builtin,
	.dh_stack = NULL, .dh_subr = NULL,
};

static void fire(struct dt_state *st, struct dt_vm *vm, struct dvmm_gprobe *gp,
    const struct dvmm_ctx *ctx, uint32_t mode)
{
	struct gfire f = { st, vm, ctx, mode };
	const struct dvm_host *host = st->eng.host;
	void *hostctx = st->eng.hostctx;

	dvmm_vm__flush(&vm->g->vm);
	memcpy(vm->execbuf, ctx->execname, HT_GC_EXECNAME_LEN);
	st->eng.host = &guest_host;
	st->eng.hostctx = &f;
	st->eng.tkey = ((uint64_t)vm->g->vmid << 48) | (ctx->tid & UINT64_C(0xffffffffffff));
	st->eng.has_ids = false;	/* the guest's ids come from g_builtin */
	dvm_engine__fire(&st->eng, gp->cookie, ctx->args);
	st->eng.host = host;
	st->eng.hostctx = hostctx;
	vm->fired++;
}

/* Handle every posted exit of vm; returns how many. */
static uint32_t service(struct dt_state *st, struct dt_vm *vm)
{
	uint32_t handled = 0;

	for (uint32_t v = 0; v < vm->g->nvcpus; v++) {
		struct dvmm_exit x;
		struct dvmm_ctx ctx;
		struct dvmm_gprobe *gp = NULL;
		struct dvmm_guest *g;
		int64_t ret = HT_HC_R_EINVAL;
		int err = 0, rc = dvmm_ring__take(vm->ring, v, &x);

		if (rc == 0)
			continue;
		if (rc == 1 && (g = dvmm_reg__enter(&S.reg, vm->g->vmid)) != NULL) {
			ret = dvmm_guest__exit(g, &x, S.scratch, &ctx, &gp, &err);
			if (gp != NULL && !st->eng.exiting)
				fire(st, vm, gp, &ctx, x.vcpu.mode);
			dvmm_reg__leave(&S.reg, vm->g->vmid);
		}
		dvmm_ring__resume(vm->ring, v, ret);
		dt_vm_wake(vm, v);
		vm->exits++;
		handled++;
	}
	return handled;
}

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool all_done(void)
{
	for (uint32_t v = 0; v < S.nvms; v++) {
		struct dt_vm *vm = S.vms[v];

		if (!vm->done && (dvmm_ring__guest_state(vm->ring) == HTVM_GUEST_DONE ||
		    dt_vm_hung_up(vm)))
			vm->done = true;
		if (!vm->done)
			return false;
	}
	return true;
}

void dt_guest_wait(struct dt_state *st, uint64_t until, const sigset_t *sigs,
    volatile int *stop)
{
	uint64_t start = mono(), idle = 0;
	uint32_t turn = 0;

	for (;;) {
		uint32_t handled = 0;
		struct timespec zero = { 0, 0 };
		uint64_t now;

		for (uint32_t v = 0; v < S.nvms; v++)
			handled += service(st, S.vms[v]);
		if (st->eng.exiting)
			return;
		now = mono();
		/* Signals are looked at when idle and at least every 50 ms of
		 * work, so a guest that never stops posting cannot make
		 * dtrace deaf to SIGINT. */
		if ((!handled || now - start > 50000000) &&
		    sigtimedwait(sigs, NULL, &zero) > 0) {
			*stop = 1;
			return;
		}
		if ((until != UINT64_MAX && now >= until) || (handled && now - start > 50000000))
			return;
		if (handled) {
			idle = 0;
			continue;
		}
		if (++idle % 64 == 0 && all_done()) {
			*stop = 1;
			return;
		}
		if (idle > 16) {
			/*
			 * Nothing posted lately: sleep on one guest's doorbell
			 * (read before the re-scan, so a post in between
			 * makes the wait return at once).  Guests take turns;
			 * the short timeout bounds how long another guest's
			 * post can wait.
			 */
			struct dt_vm *vm = S.vms[turn++ % S.nvms];
			uint32_t seen = dt_vm_doorbell(vm);

			if (service(st, vm) == 0)
				dt_vm_doorbell_wait(vm, seen, 200000);
			else
				idle = 0;
		} else if (idle > 4) {
			sched_yield();
		}
	}
}

void dt_guest_detach(void)
{
	for (uint32_t v = 0; v < S.nvms; v++) {
		struct dt_vm *vm = S.vms[v];

		for (uint32_t i = 0; i < vm->g->nprobes; i++) {
			(void)dvmm_guest__disable(vm->g, i);
			dvmm_ring__set_enabled(vm->ring, i, false);
		}
		while (dvmm_reg__remove(&S.reg, vm->g) == DVMM_E_REG_BUSY)
			;	/* single-threaded firing: never spins */
		dt_vm_close(vm);
		S.vms[v] = NULL;
	}
	S.nvms = 0;
	S.active = false;
	free(S.gprobes);
	S.gprobes = NULL;
	free(S.ro);
	S.ro = NULL;
	for (size_t i = 0; i < S.npl; i++) {
		free(S.plnames[i]);
		free(S.plelf[i]);
	}
	free(S.plnames);
	free(S.plelf);
	free(S.pllen);
	S.plnames = NULL;
	S.plelf = NULL;
	S.pllen = NULL;
	S.npl = 0;
}
