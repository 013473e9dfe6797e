/*
 * probe_bench.c — cost of one probe firing through the engine, against the
 * same work written directly in C, measured in the same run.
 *
 * Each case is a program in DIF assembly, enabled on profile:::tick-1000
 * (never armed: the bench calls dt_fire itself, so no timer runs), fired N
 * times in a loop (five rounds of N / 5; the fastest round's thread CPU
 * time per firing is the row's number, on both sides); the principal
 * buffer is emptied without formatting every 4096 firings, as a consumer
 * would switch it.
 *
 * The C baseline does the same work the way a hand-written probe handler
 * would: the probe site fills a firing context (probe id, arguments, the
 * firing thread's pid and tid, probe name) and calls the handler through a
 * function pointer it reads from memory at every firing, as a patched
 * probe site does; the handler (never inlined) compares the context's pid,
 * counts under a string key in a hash table, keeps a thread-local
 * timestamp and a power-of-two histogram, or appends three values to a
 * buffer.  The compiler can neither hoist the compare out of the loop nor
 * see through the call.  The older baseline (the work called directly from
 * the loop, where the compiler may keep a false predicate's load and
 * compare in registers) is printed too, so that a ratio that moved can be
 * traced to the engine or to the ruler.  Prints one row per case: engine
 * ns, C ns, ratio, old-style C ns.  Usage: probe_bench [iterations]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dasm.h"
#include "dt_impl.h"

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The ruler: thread CPU time (time this thread was off the CPU is not
 * counted), and the fastest of ROUNDS equal rounds, so that a shared,
 * loaded machine disturbs the numbers as little as it can.  Both sides of
 * every row are timed the same way.
 */
#define ROUNDS	5

static uint64_t cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double best(double cur, uint64_t t0, long n)
{
	double ns = (double)(cpu_now() - t0) / (double)n;

	return cur < 0 || ns < cur ? ns : cur;
}

static const char *const cases[][2] = {
	{ "false predicate /pid == 1/",
	  ".object linked\n"
	  ".difo pred rtype=ctf:integer:4\n"
	  "	ldgs pid, %r1\n	setx 1, %r2\n	cmp %r1, %r2\n	be yes\n	ret %r0\n"
	  "yes:	setx 1, %r1\n	ret %r1\n.end\n"
	  ".difo one rtype=ctf:integer:8\n	setx 1, %r1\n	ret %r1\n.end\n"
	  ".clause\n	.probe profile:::tick-1000\n	.predicate pred\n"
	  "	.action difexpr difo=one\n.end\n" },
	{ "@[probefunc] = count()",
	  ".object linked\n.agg _ id=1 func=count nkeys=1 keys=\"string\"\n"
	  ".difo id rtype=ctf:integer:8\n	setx 1, %r1\n	ret %r1\n.end\n"
	  ".difo key rtype=string:unknown:byref:256\n	ldgs probename, %r1\n	ret %r1\n.end\n"
	  ".clause\n	.probe profile:::tick-1000\n	.action difexpr difo=id\n"
	  "	.action difexpr difo=key\n	.action count ntuple=2\n.end\n" },
	{ "@ = quantize(timestamp - self->ts); self->ts = timestamp",
	  ".object linked\n.agg _ id=1 func=quantize\n"
	  ".difo id rtype=ctf:integer:8\n	setx 1, %r1\n	ret %r1\n.end\n"
	  ".difo delta rtype=ctf:integer:8\n	.var ts scope=thread type=ctf:integer:8\n"
	  "	ldgs timestamp, %r1\n	ldts ts, %r2\n	sub %r1, %r2, %r1\n	ret %r1\n.end\n"
	  ".difo store rtype=ctf:unknown:0\n	.var ts scope=thread type=ctf:integer:8\n"
	  "	ldgs timestamp, %r1\n	stts %r1, ts\n	ret %r0\n.end\n"
	  ".clause\n	.probe profile:::tick-1000\n	.action difexpr difo=id\n"
	  "	.action quantize difo=delta ntuple=1\n	.action difexpr difo=store\n.end\n" },
	{ "printf(\"%d %d %d\\n\", arg0, arg1, arg2)",
	  ".object linked\n.format f printf \"%d %d %d\\n\"\n"
	  ".difo a0 rtype=ctf:integer:8\n	ldgs arg0, %r1\n	ret %r1\n.end\n"
	  ".difo a1 rtype=ctf:integer:8\n	ldgs arg1, %r1\n	ret %r1\n.end\n"
	  ".difo a2 rtype=ctf:integer:8\n	ldgs arg2, %r1\n	ret %r1\n.end\n"
	  ".clause\n	.probe profile:::tick-1000\n	.action printf difo=a0 format=f\n"
	  "	.action printf difo=a1 format=f\n	.action printf difo=a2 format=f\n.end\n" },
};

/* ---- C baselines ---------------------------------------------------------- */

static volatile int sink_pid;
static volatile uint64_t sink;

static void c_pred(int i)
{
	(void)i;
	if (sink_pid == 1)
		sink++;
}

struct centry {
	char		key[256];
	uint64_t	count;
	int		used;
};
static struct centry ctab[64];

static void c_count(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	for (unsigned i = h & 63;; i = (i + 1) & 63) {
		if (!ctab[i].used) {
			strcpy(ctab[i].key, key);
			ctab[i].used = 1;
		}
		if (strcmp(ctab[i].key, key) == 0) {
			ctab[i].count++;
			return;
		}
	}
}

static __thread uint64_t c_ts;
static int64_t c_hist[128];

static void c_quantize(void)
{
	uint64_t t = now();
	int64_t d = (int64_t)(t - c_ts);

	c_hist[dcons_quantize__bucket(d)]++;
	c_ts = t;
}

static uint8_t c_buf[1 << 20];
static size_t c_head;

static void c_printf(const uint64_t *args)
{
	struct dvm_rechdr h = { 1, 24, 0 };

	if (c_head + sizeof(h) + 24 > sizeof(c_buf))
		c_head = 0;
	h.timestamp = now();
	memcpy(c_buf + c_head, &h, sizeof(h));
	memcpy(c_buf + c_head + sizeof(h), args, 24);
	c_head += sizeof(h) + 24;
}

/* The old ruler: each piece of work called directly from the loop. */
static double c_run_direct(int which, long n)
{
	uint64_t args[10] = { 1, 2, 3 };
	double ns = -1;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = cpu_now();

		for (long i = 0; i < n; i++) {
			switch (which) {
			case 0: c_pred((int)i); break;
			case 1: c_count("tick-1000"); break;
			case 2: c_quantize(); break;
			default: args[0] = (uint64_t)i; c_printf(args); break;
			}
		}
		ns = best(ns, t0, n);
	}
	return ns;
}

/* What a probe site hands its handler: the firing's context. */
struct cfire {
	uint32_t	id;
	const uint64_t	*args;
	uint64_t	pid, tid;
	const char	*name;
};

typedef void (*chandler_fn)(const struct cfire *);

static __attribute__((noinline)) void h_pred(const struct cfire *f)
{
	if (f->pid == 1)
		sink++;
}

static __attribute__((noinline)) void h_count(const struct cfire *f)
{
	c_count(f->name);
}

static __attribute__((noinline)) void h_quantize(const struct cfire *f)
{
	(void)f;
	c_quantize();
}

static __attribute__((noinline)) void h_printf(const struct cfire *f)
{
	c_printf(f->args);
}

static chandler_fn const handlers[] = { h_pred, h_count, h_quantize, h_printf };

/* The probe site's handler slot: read at every firing, as a patched site
 * reads its target. */
static chandler_fn volatile site_handler;
static volatile uint64_t site_pid, site_tid;

static double c_run(int which, long n)
{
	uint64_t args[10] = { 1, 2, 3 };
	struct cfire f = { 1, args, 0, 0, "tick-1000" };
	double ns = -1;

	site_handler = handlers[which];
	site_pid = (uint64_t)getpid();
	site_tid = site_pid;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = cpu_now();

		for (long i = 0; i < n; i++) {
			args[0] = (uint64_t)i;
			f.pid = site_pid;
			f.tid = site_tid;
			site_handler(&f);
		}
		ns = best(ns, t0, n);
	}
	return ns;
}

static double engine_run(const char *text, long n)
{
	struct dobj *obj = NULL;
	struct dt_state st;
	struct dt_opts o;
	char err[256];
	uint64_t args[10] = { 1, 2, 3 };
	struct dvm_probe *p = NULL;
	uint64_t t0;
	double ns = -1;

	if (dasm__assemble(text, strlen(text), "bench", &obj, NULL) != 0) {
		fprintf(stderr, "probe_bench: cannot assemble a case\n");
		exit(1);
	}
	dt_opts_default(&o);
	memset(&st, 0, sizeof(st));
	if (dt_state_open(&st, obj, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "probe_bench: %s\n", err);
		exit(1);
	}
	for (uint32_t i = 0; i < st.nprobes; i++)
		if (strcmp(st.probes[i]->name, "tick-1000") == 0)
			p = st.probes[i];
	for (int r = 0; r < ROUNDS; r++) {
		t0 = cpu_now();
		for (long i = 0; i < n; i++) {
			args[0] = (uint64_t)i;
			dt_fire(&st, p, args);
			if ((i & 4095) == 4095)	/* a switch without formatting */
				st.eng.pbuf.head = st.eng.pbuf.acct = 0;
		}
		ns = best(ns, t0, n);
	}

	if (st.eng.errors != 0 || st.eng.pbuf.drops != 0 || st.eng.aggdrops != 0) {
		fprintf(stderr, "probe_bench: unexpected errors or drops\n");
		exit(1);
	}
	dt_state_close(&st);
	dobj__free(obj);
	return ns;
}

int main(int argc, char **argv)
{
	long n = (argc > 1 ? atol(argv[1]) : 2000000) / ROUNDS;

	if (n < 1)
		n = 1;

	sink_pid = (int)getpid();
	printf("%-58s %10s %10s %7s %10s\n", "clause (profile:::tick-1000, fired directly)",
	    "engine ns", "C ns", "ratio", "C-old ns");
	const char *only = getenv("PROBE_BENCH_CASE");	/* for profiling one case */

	for (int i = 0; i < 4; i++) {
		if (only != NULL && atoi(only) != i)
			continue;
		double e = engine_run(cases[i][1], n), c = c_run(i, n);
		double d = c_run_direct(i, n);

		printf("%-58s %10.1f %10.1f %7.1f %10.1f\n", cases[i][0], e, c,
		    c > 0 ? e / c : 0, d);
	}
	return 0;
}
