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
#include <stdlib.h>
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

/*
 * One -l description into its four fields.  kind 'n': a probe description
 * "a:b:c:d" (fewer fields fill from the right: "getppid:entry" is
 * function:name), cut at the first blank, '/' or '{' so `-n 'desc { ... }'`
 * lists what desc matches; 'P', 'm', 'f': that one field.
 */
static void split_desc(char kind, const char *d, char f[4][128])
{
	char buf[512];
	char *parts[4];
	int n = 0;

	memset(f, 0, 4 * 128);
	if (kind != 'n') {
		int i = kind == 'P' ? 0 : kind == 'm' ? 1 : 2;

		snprintf(f[i], 128, "%s", d);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", d);
	buf[strcspn(buf, " \t\n/{")] = '\0';
	for (char *p = buf; n < 4; ) {
		parts[n++] = p;
		if ((p = strchr(p, ':')) == NULL)
			break;
		*p++ = '\0';
	}
	for (int i = 0; i < n; i++)
		snprintf(f[4 - n + i], 128, "%s", parts[i]);
}

int dt_bpf_list(struct dt_state *st, const char *const *descs, const char *kinds,
    size_t n, FILE *fp)
{
	bool *hit;
	int rc = 0;

	for (size_t i = 0; i < n && rc >= 0; i++) {
		char f[4][128];

		split_desc(kinds[i], descs[i], f);
		rc = dt_probe_match(st, f[0], f[1], f[2], f[3], NULL, 0);
	}
	if (rc < 0)
		return rc;
	if ((hit = calloc(st->nprobes + 1, sizeof(*hit))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char f[4][128];

		split_desc(kinds[i], descs[i], f);
		for (uint32_t k = 0; k < st->nprobes; k++) {
			const struct dvm_probe *p = st->probes[k];

			if ((f[0][0] == '\0' || fnmatch(f[0], p->prov, 0) == 0) &&
			    (f[1][0] == '\0' || fnmatch(f[1], p->mod, 0) == 0) &&
			    (f[2][0] == '\0' || fnmatch(f[2], p->func, 0) == 0) &&
			    (f[3][0] == '\0' || fnmatch(f[3], p->name, 0) == 0))
				hit[k] = true;
		}
	}
	fprintf(fp, "%5s %10s %17s %33s %s\n", "ID", "PROVIDER", "MODULE",
	    "FUNCTION", "NAME");
	for (uint32_t k = 0; k < st->nprobes; k++) {
		const struct dvm_probe *p = st->probes[k];

		if (hit[k])
			fprintf(fp, "%5u %10s %17s %33s %s\n", p->id, p->prov, p->mod,
			    p->func, p->name);
	}
	free(hit);
	return 0;
}
