/*
 * dt_probe.c — providers and probes of the dtrace driver.
 *
 * Theory.  A probe is a four-part name with an id; ids are given in order
 * of creation, starting with dtrace:::BEGIN (1), END (2) and ERROR (3) as
 * in DTrace.  A provider publishes the probes it always has and creates
 * others on demand: the profile provider lists the classic tick-N and
 * profile-N probes and makes profile:::tick-250ms when a description names
 * it.  Descriptions match by glob (fnmatch) on each field; an empty field
 * matches everything.  Probe names live in the state's string arena so the
 * VM can load probeprov/probefunc/... through the platform layer.  How to
 * add a provider: docs/providers.md.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dt_bpf.h"
#include "dt_guest.h"
#include "dt_impl.h"

const char *dt_arena_str(struct dt_state *st, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (st->strarena_used + n > st->strarena_size)
		return NULL;
	p = st->strarena + st->strarena_used;
	memcpy(p, s, n);
	st->strarena_used += n;
	return p;
}

struct dvm_probe *dt_probe_add(struct dt_state *st, const char *prov,
    const char *mod, const char *func, const char *name, enum dt_probe_kind k)
{
	struct dvm_probe *p;

	if (st->nprobes == st->capprobes) {
		uint32_t n = st->capprobes ? 2 * st->capprobes : 32;
		struct dvm_probe **np = realloc(st->probes, n * sizeof(*np));

		if (np == NULL)
			return NULL;
		st->probes = np;
		st->capprobes = n;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->prov = dt_arena_str(st, prov);
	p->mod = dt_arena_str(st, mod);
	p->func = dt_arena_str(st, func);
	p->name = dt_arena_str(st, name);
	if (p->prov == NULL || p->mod == NULL || p->func == NULL || p->name == NULL) {
		free(p);
		errno = ENOSPC;
		return NULL;
	}
	p->kind = k;
	p->id = st->nprobes + 1;
	p->tail = &p->ecbs;
	st->probes[st->nprobes++] = p;
	return p;
}

/* ---- dtrace provider ------------------------------------------------------- */

static int dtrace_provide(struct dt_state *st, const char *name)
{
	(void)name;
	if (st->nprobes > 0)
		return 0;
	if (dt_probe_add(st, "dtrace", "", "", "BEGIN", DT_PROBE_BEGIN) == NULL ||
	    dt_probe_add(st, "dtrace", "", "", "END", DT_PROBE_END) == NULL ||
	    dt_probe_add(st, "dtrace", "", "", "ERROR", DT_PROBE_ERROR) == NULL)
		return -errno;
	return 0;
}

/* ---- profile provider -------------------------------------------------------- */

int dt_parse_rate(const char *s, bool hz_default, uint64_t *period_ns)
{
	static const struct { const char *sfx; uint64_t ns; bool hz; } units[] = {
		{ "ns", 1, false }, { "nsec", 1, false }, { "us", 1000, false },
		{ "usec", 1000, false }, { "ms", 1000000, false },
		{ "msec", 1000000, false }, { "s", 1000000000, false },
		{ "sec", 1000000000, false }, { "m", 60000000000ULL, false },
		{ "min", 60000000000ULL, false }, { "h", 3600000000000ULL, false },
		{ "hour", 3600000000000ULL, false },
		{ "d", 86400000000000ULL, false }, { "day", 86400000000000ULL, false },
		{ "hz", 0, true }, { "", 0, false },
	};
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || v == 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].sfx) != 0)
			continue;
		if (units[i].hz || (*end == '\0' && hz_default)) {
			*period_ns = 1000000000ULL / v;
			return *period_ns == 0 ? -EINVAL : 0;
		}
		if (*end == '\0')	/* tick-N without unit: hz too */
			*period_ns = 1000000000ULL / v;
		else
			*period_ns = v * units[i].ns;
		return *period_ns == 0 || (v > UINT64_MAX / (units[i].ns ? units[i].ns : 1))
		    ? -EINVAL : 0;
	}
	return -EINVAL;
}

/* DTrace's profile provider makes no probe firing more often than this. */
#define DT_PROFILE_MIN_NS	200000ULL

/* The probes profile lists without being asked (as DTrace does). */
static const char *const profile_std[] = {
	"profile-97", "profile-199", "profile-499", "profile-997",
	"profile-1999", "profile-4001", "profile-4999", "tick-1", "tick-10",
	"tick-100", "tick-500", "tick-1000", "tick-5000",
};

static struct dvm_probe *find(struct dt_state *st, const char *prov,
    const char *name)
{
	for (uint32_t i = 0; i < st->nprobes; i++)
		if (strcmp(st->probes[i]->prov, prov) == 0 &&
		    strcmp(st->probes[i]->name, name) == 0)
			return st->probes[i];
	return NULL;
}

static int profile_make(struct dt_state *st, const char *name)
{
	bool tick = strncmp(name, "tick-", 5) == 0;
	bool prof = strncmp(name, "profile-", 8) == 0;
	uint64_t period;
	struct dvm_probe *p;

	if (!tick && !prof)
		return 0;
	if (find(st, "profile", name) != NULL)
		return 0;
	if (dt_parse_rate(name + (tick ? 5 : 8), true, &period) != 0)
		return 0;	/* not a probe this provider can make */
	if (period < DT_PROFILE_MIN_NS)
		return 0;	/* as DTrace: faster than 200 us is no probe */
	p = dt_probe_add(st, "profile", "", "", name,
	    tick ? DT_PROBE_TICK : DT_PROBE_PROFILE);
	if (p == NULL)
		return -errno;
	p->period_ns = period;
	return 0;
}

static int profile_provide(struct dt_state *st, const char *name)
{
	int rc;

	if (name != NULL)
		return profile_make(st, name);
	for (size_t i = 0; i < sizeof(profile_std) / sizeof(profile_std[0]); i++)
		if ((rc = profile_make(st, profile_std[i])) != 0)
			return rc;
	return 0;
}

static const struct dt_provider providers[] = {
	{ "dtrace", dtrace_provide },
	{ "profile", profile_provide },
	{ "guest", dt_guest_provide },		/* attached guests' probes */
};

int dt_probe_provide_all(struct dt_state *st)
{
	int rc;

	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if ((rc = providers[i].provide(st, NULL)) != 0)
			return rc;
	return 0;
}

static bool field_match(const char *pat, const char *s)
{
	return pat == NULL || *pat == '\0' || fnmatch(pat, s, 0) == 0;
}

/*
 * Match a description; a literal name a provider can create (tick-5ms) is
 * created first.  Fills out[0..max) and returns the number of matches.
 */
int dt_probe_match(struct dt_state *st, const char *prov, const char *mod,
    const char *func, const char *name, struct dvm_probe **out, uint32_t max)
{
	uint32_t n = 0;
	int rc;

	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
		if (!field_match(prov, providers[i].name) || name == NULL ||
		    strpbrk(name, "*?[") != NULL || *name == '\0')
			continue;
		if ((rc = providers[i].provide(st, name)) != 0)
			return rc;
	}
	/* Kernel providers create their probes lazily (dt_bpf_prov.c). */
	if ((rc = dt_bpf_match_provide(st, prov, mod, name)) != 0)
		return rc;
	for (uint32_t i = 0; i < st->nprobes; i++) {
		struct dvm_probe *p = st->probes[i];

		if (dt_guest_is_probe(p))	/* only target descriptions match them */
			continue;
		if (field_match(prov, p->prov) && field_match(mod, p->mod) &&
		    field_match(func, p->func) && field_match(name, p->name)) {
			if (n < max)
				out[n] = p;
			n++;
		}
	}
	return (int)n;
}

int dt_probe_list(struct dt_state *st, FILE *fp)
{
	fprintf(fp, "%5s %10s %17s %33s %s\n", "ID", "PROVIDER", "MODULE",
	    "FUNCTION", "NAME");
	for (uint32_t i = 0; i < st->nprobes; i++) {
		const struct dvm_probe *p = st->probes[i];

		fprintf(fp, "%5" PRIu32 " %10s %17s %33s %s\n", p->id, p->prov,
		    p->mod, p->func, p->name);
	}
	return 0;
}
