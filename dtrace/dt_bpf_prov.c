/*
 * dt_bpf_prov.c — kernel providers as dtrace probes (listing, matching).
 *
 * Theory.  The kernel providers have ~750 static probes (two per syscall
 * of this system, plus proc and sched) and thousands of tracepoints, so
 * none of them is created when a state opens: that would cost every
 * user-space-only program time and shift the ids of probes made on
 * demand.  A provider's probes are created the first time a description
 * could match one of them: the provider field matches its name, or is
 * empty while the name field could be one of its probe names (a bare
 * `entry` could be syscall's; a bare `BEGIN` never is).  Tracepoints are
 * created one by one, for each tracefs event matching the description's
 * module (group) and name; they are never listed wholesale.  Only names
 * are needed here, so the catalog is opened without BTF.  Probe kinds are
 * DT_PROBE_KERNEL: the user-space engine never fires them; dt_bpf.c
 * enables them in the kernel.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "dbpf_prov.h"
#include "dt_bpf.h"

static const char *const kprovs[] = { "syscall", "proc", "sched" };

static struct dbpf_catalog *names_catalog(void)
{
	static struct dbpf_catalog *c;
	char err[256];

	if (c == NULL && dbpf_catalog__new("", &c, err, sizeof(err)) != 0)
		c = NULL;
	return c;
}

bool dt_bpf_is_kernel(const struct dvm_probe *p)
{
	return p->kind == DT_PROBE_KERNEL;
}

bool dt_bpf_wanted(const struct dt_state *st)
{
	for (uint32_t i = 0; i < st->necbs; i++)
		if (dt_bpf_is_kernel(st->ecbs[i].probe))
			return true;
	return false;
}

static bool have_provider(const struct dt_state *st, const char *prov)
{
	for (uint32_t i = 0; i < st->nprobes; i++)
		if (strcmp(st->probes[i]->prov, prov) == 0)
			return true;
	return false;
}

static int create_provider(struct dt_state *st, const char *prov)
{
	const struct dbpf_catalog *c = names_catalog();

	if (c == NULL)
		return -ENOMEM;
	if (have_provider(st, prov))
		return 0;
	for (size_t i = 0; i < dbpf_catalog__count(c); i++) {
		const struct dbpf_kprobe *k = dbpf_catalog__probe(c, i);

		if (strcmp(k->prov, prov) == 0 &&
		    dt_probe_add(st, k->prov, k->mod, k->func, k->name, DT_PROBE_KERNEL) == NULL)
			return -errno;
	}
	return 0;
}

/* Could a name pattern match one of provider prov's probes? */
static bool name_may_match(const char *prov, const char *name)
{
	const struct dbpf_catalog *c = names_catalog();

	if (name == NULL || *name == '\0' || c == NULL)
		return true;
	for (size_t i = 0; i < dbpf_catalog__count(c); i++) {
		const struct dbpf_kprobe *k = dbpf_catalog__probe(c, i);

		if (strcmp(k->prov, prov) == 0 && fnmatch(name, k->name, 0) == 0)
			return true;
	}
	return false;
}

struct tp_walk {
	struct dt_state	*st;
	const char	*mod, *name;
	int		made;
};

static bool exists(const struct dt_state *st, const char *mod, const char *name)
{
	for (uint32_t i = 0; i < st->nprobes; i++) {
		const struct dvm_probe *p = st->probes[i];

		if (strcmp(p->prov, "tracepoint") == 0 && strcmp(p->mod, mod) == 0 &&
		    strcmp(p->name, name) == 0)
			return true;
	}
	return false;
}

static int tp_one(const char *group, const char *event, void *arg)
{
	struct tp_walk *w = arg;

	if (fnmatch(w->mod, group, 0) != 0 || fnmatch(w->name, event, 0) != 0 ||
	    exists(w->st, group, event))
		return 0;
	if (dt_probe_add(w->st, "tracepoint", group, "", event, DT_PROBE_KERNEL) == NULL)
		return -errno;
	w->made++;
	return 0;
}

int dt_bpf_match_provide(struct dt_state *st, const char *prov, const char *mod,
    const char *name)
{
	bool anyprov = prov == NULL || *prov == '\0';
	int rc;

	for (size_t i = 0; i < sizeof(kprovs) / sizeof(kprovs[0]); i++) {
		if (anyprov ? !name_may_match(kprovs[i], name) :
		    fnmatch(prov, kprovs[i], 0) != 0)
			continue;
		if ((rc = create_provider(st, kprovs[i])) != 0)
			return rc;
	}
	/* Tracepoints: only when asked for by provider name, with a group. */
	if (!anyprov && fnmatch(prov, "tracepoint", 0) == 0 && mod != NULL &&
	    *mod != '\0' && name != NULL && *name != '\0') {
		struct tp_walk w = { st, mod, name, 0 };
		char err[256];

		if ((rc = dbpf_tracepoint__each(tp_one, &w, err, sizeof(err))) != 0 &&
		    rc != -ENOENT && rc != -EPERM && rc != -EACCES)
			return rc;
	}
	return 0;
}

int dt_bpf_provide_all(struct dt_state *st)
{
	int rc;

	for (size_t i = 0; i < sizeof(kprovs) / sizeof(kprovs[0]); i++)
		if ((rc = create_provider(st, kprovs[i])) != 0)
			return rc;
	return 0;
}
