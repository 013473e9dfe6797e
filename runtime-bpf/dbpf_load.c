/*
 * dbpf_load.c — load a translated program into the kernel, attach it, run
 * it, read its state map.
 *
 * Theory.  One probe = one BPF_MAP_TYPE_PERCPU_ARRAY state map (one
 * struct dbpf_stats per CPU, key 0) + one BPF_PROG_TYPE_RAW_TRACEPOINT
 * program + at most one raw-tracepoint attachment.  The program text from
 * dbpf_xlate.c names the map by a placeholder; we copy the text and patch
 * the map's fd in.  Loading first goes without a verifier log (fast path);
 * on rejection it is retried with a log, and the last instruction the log
 * mentions is mapped back to its DIF pc through the translator's pc map,
 * so the user learns which DIF instruction the verifier refused.
 *
 * Ownership: the probe owns its fds and closes them in dbpf_probe__free.
 * Read next: dbpf_xlate.c for the program shape, docs/bpf.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dbpf.h"
#include "dbpf_impl.h"
#include "dbpf_say.h"

#define VLOG_SIZE	(1u << 20)

struct dbpf_probe {
	int	pr_ctx;		/* enum dbpf_ctx */
	int	pr_map;
	int	pr_prog;
	int	pr_link;
	int	pr_ncpu;
};

int dbpf_available(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/*
 * The last "N: (xx) ..." line of a verifier log is the instruction being
 * checked when it gave up.  Returns N, or -1.
 */
long dbpf_vlog_last_insn(const char *log)
{
	long found = -1;

	for (const char *l = log; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end;
		long n = strtol(l, &end, 10);

		if (end != l && end[0] == ':' && end[1] == ' ' && end[2] == '(')
			found = n;
	}
	return found;
}

/*
 * The verifier's reason: the last log line that is not one of its closing
 * statistics ("processed N insns ...", "verification time ...", ...).
 */
void dbpf_vlog_reason(const char *log, char *out, size_t size)
{
	static const char *const stats[] = { "processed ", "verification time",
	    "stack depth", "mark_read", "" };
	const char *best = NULL;
	size_t bestlen = 0;

	for (const char *l = log; *l; ) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		int skip = 0;

		for (unsigned i = 0; stats[i][0] != '\0'; i++)
			if (strncmp(l, stats[i], strlen(stats[i])) == 0)
				skip = 1;
		if (len > 0 && !skip) {
			best = l;
			bestlen = len;
		}
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	if (best == NULL)
		snprintf(out, size, "(empty verifier log)");
	else
		snprintf(out, size, "%.*s", (int)bestlen, best);
}

int dbpf_load_logged(enum bpf_prog_type type, const char *name,
    const struct bpf_insn *insn, size_t len, const int *vlog_errnos,
    size_t logsize, struct dbpf_vreject *rej, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	char *log;
	int fd, e;
	bool verifier = false;

	rej->e = 0;
	fd = bpf_prog_load(type, name, "GPL", insn, len, &o);
	if (fd >= 0)
		return fd;
	e = errno;
	for (const int *v = vlog_errnos; *v != 0; v++)
		verifier = verifier || e == *v;
	if (!verifier)
		return dbpf_say(err, errlen, -e, "cannot load BPF program: %s", strerror(e));
	log = calloc(1, logsize);
	if (log == NULL)
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	o.log_buf = log;
	o.log_size = (uint32_t)logsize;
	o.log_level = 1;
	fd = bpf_prog_load(type, name, "GPL", insn, len, &o);
	if (fd >= 0) {	/* accepted on retry: keep it */
		free(log);
		return fd;
	}
	rej->e = errno;
	rej->bad = dbpf_vlog_last_insn(log);
	dbpf_vlog_reason(log, rej->why, sizeof(rej->why));
	free(log);
	return -rej->e;
}

static int load_prog(const struct dbpf_prog *p, struct bpf_insn *text,
    char *err, size_t errlen)
{
	static const int vlog_errnos[] = { EACCES, EINVAL, 0 };
	enum bpf_prog_type type = p->dp_ctx == DBPF_CTX_TRACEPOINT ?
	    BPF_PROG_TYPE_TRACEPOINT : BPF_PROG_TYPE_RAW_TRACEPOINT;
	struct dbpf_vreject r;
	int fd = dbpf_load_logged(type, "dif", text, p->dp_len, vlog_errnos,
	    VLOG_SIZE, &r, err, errlen);

	if (fd >= 0 || r.e == 0)
		return fd;
	if (r.bad >= 0 && (size_t)r.bad < p->dp_len && p->dp_pcmap[r.bad] >= 0)
		dbpf_say(err, errlen, 0, "verifier rejected BPF insn %ld (from DIF pc %lld): %s",
		    r.bad, (long long)p->dp_pcmap[r.bad], r.why);
	else if (r.bad >= 0)
		dbpf_say(err, errlen, 0, "verifier rejected BPF insn %ld (prologue/epilogue): %s",
		    r.bad, r.why);
	else
		dbpf_say(err, errlen, 0, "verifier rejected the program: %s", r.why);
	return -r.e;
}

int dbpf_probe__load(const struct dbpf_prog *p, struct dbpf_probe **out,
    char *err, size_t errlen)
{
	struct dbpf_probe *pr;
	struct bpf_insn *text;
	int ncpu = libbpf_num_possible_cpus();

	*out = NULL;
	if (ncpu <= 0)
		return dbpf_say(err, errlen, ncpu ? ncpu : -EINVAL, "cannot count CPUs");
	pr = calloc(1, sizeof(*pr));
	text = malloc(p->dp_len * sizeof(*text));
	if (pr == NULL || text == NULL) {
		free(pr);
		free(text);
		return dbpf_say(err, errlen, -ENOMEM, "out of memory");
	}
	pr->pr_ncpu = ncpu;
	pr->pr_ctx = p->dp_ctx;
	pr->pr_link = -1;
	pr->pr_prog = -1;
	pr->pr_map = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "dif_state",
	    sizeof(uint32_t), sizeof(struct dbpf_stats), 1, NULL);
	if (pr->pr_map < 0) {
		int e = errno;

		free(text);
		free(pr);
		return dbpf_say(err, errlen, -e, "cannot create BPF map: %s", strerror(e));
	}
	memcpy(text, p->dp_insn, p->dp_len * sizeof(*text));
	for (size_t i = 0; i < p->dp_len; i++)
		if (text[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    text[i].src_reg == BPF_PSEUDO_MAP_FD &&
		    text[i].imm == DBPF_MAP_PLACEHOLDER)
			text[i].imm = pr->pr_map;
	pr->pr_prog = load_prog(p, text, err, errlen);
	free(text);
	if (pr->pr_prog < 0) {
		int rc = pr->pr_prog;

		pr->pr_prog = -1;
		dbpf_probe__free(pr);
		return rc;
	}
	*out = pr;
	return 0;
}

void dbpf_probe__free(struct dbpf_probe *pr)
{
	if (pr == NULL)
		return;
	if (pr->pr_link >= 0)
		close(pr->pr_link);
	if (pr->pr_prog >= 0)
		close(pr->pr_prog);
	if (pr->pr_map >= 0)
		close(pr->pr_map);
	free(pr);
}

int dbpf_probe__attach_raw_tp(struct dbpf_probe *pr, const char *tp,
    char *err, size_t errlen)
{
	int fd;

	if (pr->pr_link >= 0)
		return dbpf_say(err, errlen, -EBUSY, "probe is already attached");
	if (pr->pr_ctx != DBPF_CTX_RAW_TP)
		return dbpf_say(err, errlen, -EINVAL, "not a raw-tracepoint program");
	if ((fd = dbpf_open_raw_tp(tp, pr->pr_prog, err, errlen)) < 0)
		return fd;
	pr->pr_link = fd;
	return 0;
}

#define TRACEFS	"/sys/kernel/tracing"

/* The tracepoint's numeric id from tracefs, mounting tracefs if needed. */
int dbpf_tracepoint_id(const char *group, const char *name, char *err,
    size_t errlen)
{
	char path[512];
	struct stat st;
	FILE *f;
	int id = -1;

	if (strchr(group, '/') || strchr(name, '/') || strstr(group, "..") ||
	    strstr(name, ".."))
		return dbpf_say(err, errlen, -EINVAL, "bad tracepoint name '%s:%s'",
		    group, name);
	if (stat(TRACEFS "/events", &st) != 0 &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL) != 0) {
		int e = errno;

		return dbpf_say(err, errlen, -e, "tracefs is not mounted on " TRACEFS
		    " and mounting it failed: %s (mount -t tracefs nodev " TRACEFS ")",
		    strerror(e));
	}
	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/id", group, name);
	f = fopen(path, "r");
	if (f == NULL) {
		int e = errno;

		return dbpf_say(err, errlen, -e, "no tracepoint %s:%s (%s: %s)", group,
		    name, path, strerror(e));
	}
	if (fscanf(f, "%d", &id) != 1 || id < 0)
		id = dbpf_say(err, errlen, -EINVAL, "%s does not hold a number", path);
	fclose(f);
	return id;
}

int dbpf_open_raw_tp(const char *tp, int prog_fd, char *err, size_t errlen)
{
	int fd = bpf_raw_tracepoint_open(tp, prog_fd);

	if (fd < 0) {
		int e = errno;

		return dbpf_say(err, errlen, -e, "cannot attach to raw tracepoint '%s': %s",
		    tp, strerror(e));
	}
	return fd;
}

int dbpf_open_tracepoint(const char *group, const char *name, int prog_fd,
    char *err, size_t errlen)
{
	struct perf_event_attr a;
	int id, fd;

	if ((id = dbpf_tracepoint_id(group, name, err, errlen)) < 0)
		return id;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (uint64_t)id;
	a.sample_period = 1;
	a.wakeup_events = 1;
	/* One event on CPU 0 suffices: the program runs wherever it fires. */
	fd = (int)syscall(SYS_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		return dbpf_say(err, errlen, -e, "perf_event_open(%s:%s): %s", group,
		    name, strerror(e));
	}
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd) != 0 ||
	    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
		int e = errno;

		close(fd);
		return dbpf_say(err, errlen, -e, "cannot attach to %s:%s: %s", group,
		    name, strerror(e));
	}
	return fd;
}

int dbpf_probe__attach_tracepoint(struct dbpf_probe *pr, const char *group,
    const char *name, char *err, size_t errlen)
{
	int fd;

	if (pr->pr_link >= 0)
		return dbpf_say(err, errlen, -EBUSY, "probe is already attached");
	if (pr->pr_ctx != DBPF_CTX_TRACEPOINT)
		return dbpf_say(err, errlen, -EINVAL, "not a tracepoint program");
	if ((fd = dbpf_open_tracepoint(group, name, pr->pr_prog, err, errlen)) < 0)
		return fd;
	pr->pr_link = fd;
	return 0;
}

int dbpf_probe__reset(struct dbpf_probe *pr)
{
	struct dbpf_stats *v = calloc((size_t)pr->pr_ncpu, sizeof(*v));
	uint32_t key = 0;
	int rc;

	if (v == NULL)
		return -ENOMEM;
	rc = bpf_map_update_elem(pr->pr_map, &key, v, BPF_ANY) ? -errno : 0;
	free(v);
	return rc;
}

int dbpf_probe__stats(const struct dbpf_probe *pr, struct dbpf_stats *sum)
{
	struct dbpf_stats *v = calloc((size_t)pr->pr_ncpu, sizeof(*v));
	uint32_t key = 0;

	memset(sum, 0, sizeof(*sum));
	if (v == NULL)
		return -ENOMEM;
	if (bpf_map_lookup_elem(pr->pr_map, &key, v)) {
		int e = errno;

		free(v);
		return -e;
	}
	for (int c = 0; c < pr->pr_ncpu; c++) {
		if (v[c].ds_runs > v[c].ds_faults)
			sum->ds_result = v[c].ds_result;
		if (v[c].ds_faults) {
			sum->ds_fault = v[c].ds_fault;
			sum->ds_fault_pc = v[c].ds_fault_pc;
			sum->ds_illval = v[c].ds_illval;
		}
		sum->ds_runs += v[c].ds_runs;
		sum->ds_count += v[c].ds_count;
		sum->ds_faults += v[c].ds_faults;
	}
	free(v);
	return 0;
}

int dbpf_probe__test_run(struct dbpf_probe *pr, const uint64_t *args,
    unsigned nargs, uint32_t *retval)
{
	uint64_t ctx[12] = { 0 };	/* MAX_BPF_FUNC_ARGS: what the verifier allows */
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));

	if (pr->pr_ctx != DBPF_CTX_RAW_TP)
		return -EOPNOTSUPP;
	if (nargs > 12)
		return -EINVAL;
	if (nargs > 0)
		memcpy(ctx, args, nargs * sizeof(*args));
	if (bpf_prog_test_run_opts(pr->pr_prog, &o))
		return -errno;
	*retval = o.retval;
	return 0;
}
