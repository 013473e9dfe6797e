/*
 * htguest.c — the guest model: a "VM" whose kernel fires syscall probes
 * through the HyperTrace hypercall ABI, for testing the host end to end.
 *
 * Theory.  One htguest process is one VM.  It builds guest RAM and page
 * tables (gm_mem.c), lays out its kernel's threads, processes and
 * credentials with one of the bundled layouts (gm_layout.c), announces
 * itself on DIR/<name>.sock and waits until a host attaches.  Then each
 * vCPU is a separate process (fork) that runs the workload: pick a thread
 * and a syscall with a seeded PRNG, fill the vCPU's context block in guest
 * RAM, VMCALL for the entry probe and again for the return probe.  Every
 * call the host answered HT_HC_R_OK is counted; the counts are the
 * ground truth, written (atomically) before the guest reports itself done.
 * Thread ids and pids are the same in every guest (tid 100001..., pid
 * 500...), so a host that mixes guests up shows it.  Same options, same
 * seed: same firings, same truth file.
 *
 * main() only parses options; see run().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gm.h"
#include "ht_version.h"

#define MAX_PROCS	16
#define MAX_THREADS	256

static const char *const syscalls[] = { "read", "write", "openat", "close",
	"mmap", "ioctl", "getpid", "futex" };
#define NSYS (sizeof(syscalls) / sizeof(syscalls[0]))
static const char *const comms[] = { "sh", "cat", "make", "sshd", "cron",
	"nginx", "postgres", "vi" };
#define NCOMMS (sizeof(comms) / sizeof(comms[0]))

struct opts {
	const char *name, *layout, *typefile, *vmdir, *hostname, *osrel, *truth, *times;
	unsigned levels, vcpus, threads, procs, timeout;
	uint64_t events, seed;
	bool gbpages, stats;
};

struct kproc {
	uint32_t pid, ruid, rgid;
	const char *comm;
	uint64_t gva;
};

struct kthread {
	uint64_t tid, gva;
	unsigned proc;
};

/* Per-vCPU counters, in memory shared with the vCPU processes. */
struct counts {
	uint64_t entry_by_proc[MAX_PROCS];
	uint64_t entry_by_sys[NSYS];
	uint64_t returns, failed;
	uint64_t first_ns, last_ns;	/* CLOCK_MONOTONIC around the vCPU's calls */
};

static struct kproc procs[MAX_PROCS];
static struct kthread threads[MAX_THREADS];

static const struct gm_layout *layout_of(const char *n)
{
	if (!strcmp(n, "a")) return &gm_layout_a;
	if (!strcmp(n, "b")) return &gm_layout_b;
	if (!strcmp(n, "c")) return &gm_layout_c;
	return NULL;
}

/* Kernel objects: creds on 2 MiB pages, procs on the 1 GiB page, threads on 4 KiB pages. */
static int build_kernel(struct gm_mem *m, const struct gm_layout *L, const struct opts *o)
{
	uint64_t creds[MAX_PROCS];
	uint8_t *h;

	for (unsigned i = 0; i < o->procs; i++) {
		struct kproc *p = &procs[i];
		struct gm_cred_v cv;

		p->pid = 500 + i;
		p->comm = comms[(o->seed + i) % NCOMMS];
		p->ruid = 1000 + (uint32_t)((o->seed + i) % 3);
		p->rgid = 100 + (uint32_t)((o->seed * 3 + i) % 2);
		cv = (struct gm_cred_v){ .uid = p->ruid, .ruid = p->ruid, .rgid = p->rgid };
		if ((creds[i] = gm_kalloc(m, GM_ZONE_DMAP_HIGH, L->cred_size, &h)) == 0)
			return -ENOMEM;
		L->put_cred(h, &cv);
	}
	for (unsigned i = 0; i < o->procs; i++) {
		struct gm_proc_v pv = { .pid = procs[i].pid, .cred_gva = creds[i],
			.parent_gva = i ? procs[0].gva : 0, .comm = procs[i].comm };

		if ((procs[i].gva = gm_kalloc(m, GM_ZONE_DMAP_LOW, L->proc_size, &h)) == 0)
			return -ENOMEM;
		L->put_proc(h, &pv);
	}
	for (unsigned i = 0; i < o->threads; i++) {
		struct kthread *t = &threads[i];
		struct gm_thread_v tv;

		t->tid = 100001 + i;
		t->proc = i % o->procs;
		tv = (struct gm_thread_v){ .tid = t->tid, .proc_gva = procs[t->proc].gva,
			.cred_gva = creds[t->proc], .name = procs[t->proc].comm };
		if ((t->gva = gm_kalloc(m, GM_ZONE_VMALLOC, L->thread_size, &h)) == 0)
			return -ENOMEM;
		L->put_thread(h, &tv);
	}
	return 0;
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Fill vCPU v's context block for `probe` fired by thread t. */
static uint64_t fill_ctx(struct gm_vm *vm, unsigned v, uint32_t probe,
    const struct kthread *t, uint64_t a0, uint64_t a1)
{
	uint64_t gpa = GM_CTX_GPA + (uint64_t)v * 4096;
	struct ht_guest_ctx *c = (struct ht_guest_ctx *)(void *)gm_gpa(&vm->mem, gpa);
	const struct kproc *p = &procs[t->proc];

	memset(c, 0, sizeof(*c));
	c->magic = HT_GC_MAGIC;
	c->version = HT_GC_VERSION;
	c->size = HT_GC_SIZE_V1;
	c->probe_id = probe;
	c->paging = (uint8_t)vm->mem.levels;
	c->nargs = 2;
	c->args[0] = a0;
	c->args[1] = a1;
	c->cr3 = vm->mem.root;
	c->curthread = t->gva;
	c->tid = t->tid;
	c->pid = p->pid;
	c->ppid = t->proc ? procs[0].pid : 1;
	c->uid = p->ruid;
	c->gid = p->rgid;
	c->cpu = v;
	strncpy(c->execname, p->comm, sizeof(c->execname) - 1);
	return gpa;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void vcpu_run(struct gm_vm *vm, unsigned v, const struct opts *o, struct counts *c)
{
	uint64_t rng = o->seed * 1000003u + v + 1;

	c->first_ns = mono_ns();

	for (uint64_t e = 0; e < o->events; e++) {
		const struct kthread *t = &threads[next_rand(&rng) % o->threads];
		unsigned s = (unsigned)(next_rand(&rng) % NSYS);
		uint64_t gpa = fill_ctx(vm, v, 2 * s, t, s, e);

		if (gm_vmcall(vm, v, HT_HC_PROBE, gpa, HT_GC_SIZE_V1, 0) == HT_HC_R_OK) {
			c->entry_by_proc[t->proc]++;
			c->entry_by_sys[s]++;
		} else {
			c->failed++;
		}
		gpa = fill_ctx(vm, v, 2 * s + 1, t, s, e);
		if (gm_vmcall(vm, v, HT_HC_PROBE, gpa, HT_GC_SIZE_V1, 0) == HT_HC_R_OK)
			c->returns++;
		else
			c->failed++;
	}
	c->last_ns = mono_ns();
}

/*
 * --times FILE: the guest's own CLOCK_MONOTONIC before its first and after
 * its last call.  Host and model share the clock, so every host timestamp
 * of a firing must lie in between.  Kept out of the truth file, which
 * must not change from run to run.
 */
static int write_times(const struct opts *o, const struct counts *cs)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	FILE *fp = fopen(o->times, "w");

	if (fp == NULL)
		return -errno;
	for (unsigned v = 0; v < o->vcpus; v++) {
		if (cs[v].first_ns < lo)
			lo = cs[v].first_ns;
		if (cs[v].last_ns > hi)
			hi = cs[v].last_ns;
	}
	fprintf(fp, "times %s %" PRIu64 " %" PRIu64 "\n", o->name, lo, hi);
	return fclose(fp) == 0 ? 0 : -EIO;
}

static int write_truth(const struct opts *o, const struct counts *sum)
{
	char tmp[4096];
	FILE *fp;
	uint64_t total = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", o->truth, (int)getpid());
	if ((fp = fopen(tmp, "w")) == NULL)
		return -errno;
	for (unsigned s = 0; s < NSYS; s++)
		total += sum->entry_by_sys[s];
	fprintf(fp, "vm %s\nentries %" PRIu64 "\nreturns %" PRIu64 "\nfailed %" PRIu64 "\n",
	    o->name, total, sum->returns, sum->failed);
	/* by execname and by (ruid, rgid): procs may share either */
	for (unsigned i = 0; i < o->procs; i++) {
		uint64_t n = 0;
		bool first = true;

		for (unsigned j = 0; j < o->procs; j++) {
			if (strcmp(procs[j].comm, procs[i].comm) == 0) {
				first = first && j >= i;
				n += sum->entry_by_proc[j];
			}
		}
		if (first && n > 0)
			fprintf(fp, "execname %s %s %" PRIu64 "\n", o->name, procs[i].comm, n);
	}
	for (unsigned i = 0; i < o->procs; i++) {
		uint64_t n = 0;
		bool first = true;

		for (unsigned j = 0; j < o->procs; j++) {
			if (procs[j].ruid == procs[i].ruid && procs[j].rgid == procs[i].rgid) {
				first = first && j >= i;
				n += sum->entry_by_proc[j];
			}
		}
		if (first && n > 0)
			fprintf(fp, "cred %" PRIu32 " %" PRIu32 " %" PRIu64 "\n",
			    procs[i].ruid, procs[i].rgid, n);
	}
	for (unsigned s = 0; s < NSYS; s++)
		if (sum->entry_by_sys[s] > 0)
			fprintf(fp, "func %s %s %" PRIu64 "\n", o->name, syscalls[s],
			    sum->entry_by_sys[s]);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		fclose(fp);
		unlink(tmp);
		return -EIO;
	}
	fclose(fp);
	return rename(tmp, o->truth) == 0 ? 0 : -errno;
}

static int run(const struct opts *o)
{
	static struct gm_probe probes[2 * NSYS];
	const struct gm_layout *L = layout_of(o->layout);
	struct gm_vm vm = { .name = o->name, .hostname = o->hostname, .osrel = o->osrel,
		.typefile = o->typefile, .nvcpus = o->vcpus, .probes = probes,
		.nprobes = 2 * NSYS, .listenfd = -1, .hostfd = -1 };
	struct counts *cs, sum;
	char err[512];
	struct timespec t0, t1;
	int rc, status;

	for (unsigned s = 0; s < NSYS; s++) {
		probes[2 * s] = (struct gm_probe){ "syscall", "", syscalls[s], "entry" };
		probes[2 * s + 1] = (struct gm_probe){ "syscall", "", syscalls[s], "return" };
	}
	if ((rc = gm_mem_init(&vm.mem, o->levels, o->gbpages)) != 0 ||
	    (rc = build_kernel(&vm.mem, L, o)) != 0 || (rc = gm_ring_init(&vm)) != 0) {
		fprintf(stderr, "htguest: cannot build the guest: %s\n", strerror(-rc));
		return 1;
	}
	if ((rc = gm_listen(&vm, o->vmdir)) != 0) {
		fprintf(stderr, "htguest: %s/%s%s: %s\n", o->vmdir, o->name,
		    HTVM_SOCK_SUFFIX, strerror(-rc));
		return 1;
	}
	if ((rc = gm_attach(&vm, (int)o->timeout * 1000, err, sizeof(err))) != 0) {
		fprintf(stderr, "htguest: %s: %s\n", o->name, err);
		gm_close(&vm);
		return 1;
	}
	cs = mmap(NULL, sizeof(*cs) * o->vcpus, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cs == MAP_FAILED)
		return 1;
	memset(cs, 0, sizeof(*cs) * o->vcpus);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned v = 0; v < o->vcpus; v++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			vcpu_run(&vm, v, o, &cs[v]);
			_exit(0);
		}
	}
	rc = 0;
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	memset(&sum, 0, sizeof(sum));
	for (unsigned v = 0; v < o->vcpus; v++) {
		for (unsigned i = 0; i < MAX_PROCS; i++)
			sum.entry_by_proc[i] += cs[v].entry_by_proc[i];
		for (unsigned s = 0; s < NSYS; s++)
			sum.entry_by_sys[s] += cs[v].entry_by_sys[s];
		sum.returns += cs[v].returns;
		sum.failed += cs[v].failed;
	}
	if (o->stats)	/* timing goes to stderr, never into the truth file */
		fprintf(stderr, "htguest: %s: %" PRIu64 " exits in %" PRIu64 " ns\n", o->name,
		    2 * o->events * o->vcpus, (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
		    (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec);
	if (o->times != NULL && write_times(o, cs) != 0) {
		fprintf(stderr, "htguest: %s: cannot write\n", o->times);
		rc = 1;
	}
	if (write_truth(o, &sum) != 0) {
		fprintf(stderr, "htguest: %s: cannot write\n", o->truth);
		rc = 1;
	}
	__atomic_store_n((uint32_t *)(void *)(vm.ring + HTVM_RING_OFF_GUEST),
	    HTVM_GUEST_DONE, __ATOMIC_RELEASE);
	__atomic_add_fetch((uint32_t *)(void *)(vm.ring + HTVM_RING_OFF_DOORBELL), 1,
	    __ATOMIC_SEQ_CST);
	/* Stay until the host has seen "done" and hung up (bounded). */
	struct pollfd p = { vm.hostfd, POLLRDHUP, 0 };
	(void)poll(&p, 1, (int)o->timeout * 1000);
	gm_close(&vm);
	return rc;
}

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: htguest --name NAME --layout a|b|c --typefile FILE --truth FILE\n"
	    "               [--vmdir DIR] [--hostname H] [--osrel R] [--levels 4|5]\n"
	    "               [--no-gbpages] [--vcpus N] [--threads N] [--procs N]\n"
	    "               [--events N] [--seed N] [--timeout SEC] [--stats]\n"
	    "               [--times FILE]\n"
	    "A model VM: announces itself on DIR/NAME.sock (default %s), waits\n"
	    "for a HyperTrace host, fires syscall entry/return probes from N vCPU\n"
	    "processes (N events each) and writes what it fired to the truth file.\n",
	    HTVM_DEFAULT_DIR);
}

static bool num(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *s < '0' || *s > '9' || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "name", 1, 0, 'n' }, { "layout", 1, 0, 'l' }, { "typefile", 1, 0, 'T' },
		{ "truth", 1, 0, 'o' }, { "vmdir", 1, 0, 'd' }, { "hostname", 1, 0, 'H' },
		{ "osrel", 1, 0, 'R' }, { "levels", 1, 0, 'L' }, { "no-gbpages", 0, 0, 'G' },
		{ "vcpus", 1, 0, 'c' }, { "threads", 1, 0, 't' }, { "procs", 1, 0, 'p' },
		{ "events", 1, 0, 'e' }, { "seed", 1, 0, 's' }, { "timeout", 1, 0, 'w' },
		{ "stats", 0, 0, 'S' }, { "times", 1, 0, 'M' }, { "help", 0, 0, 'h' }, { "version", 0, 0, 'V' }, { 0, 0, 0, 0 } };
	struct opts o = { .vmdir = HTVM_DEFAULT_DIR, .osrel = "ModelOS 1.0", .levels = 4,
		.vcpus = 2, .threads = 8, .procs = 4, .timeout = 30, .events = 1000,
		.seed = 1, .gbpages = true };
	static char host[96];
	uint64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': o.name = optarg; break;
		case 'l': o.layout = optarg; break;
		case 'T': o.typefile = optarg; break;
		case 'o': o.truth = optarg; break;
		case 'd': o.vmdir = optarg; break;
		case 'H': o.hostname = optarg; break;
		case 'R': o.osrel = optarg; break;
		case 'G': o.gbpages = false; break;
		case 'S': o.stats = true; break;
		case 'M': o.times = optarg; break;
		case 'L': if (!num(optarg, 4, 5, &v)) goto bad; o.levels = (unsigned)v; break;
		case 'c': if (!num(optarg, 1, HTVM_MAX_VCPUS, &v)) goto bad; o.vcpus = (unsigned)v; break;
		case 't': if (!num(optarg, 1, MAX_THREADS, &v)) goto bad; o.threads = (unsigned)v; break;
		case 'p': if (!num(optarg, 1, MAX_PROCS, &v)) goto bad; o.procs = (unsigned)v; break;
		case 'e': if (!num(optarg, 0, UINT64_MAX / 4, &v)) goto bad; o.events = v; break;
		case 's': if (!num(optarg, 0, UINT32_MAX, &v)) goto bad; o.seed = v; break;
		case 'w': if (!num(optarg, 1, 3600, &v)) goto bad; o.timeout = (unsigned)v; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("htguest (HyperTrace) %s\n", HT_VERSION); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || !o.name || !o.layout || !o.typefile || !o.truth ||
	    !layout_of(o.layout) || strlen(o.name) >= HTVM_NAME_LEN ||
	    strspn(o.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
	    != strlen(o.name) || !*o.name)
		goto bad;
	if (o.hostname == NULL) {
		snprintf(host, sizeof(host), "%s.model", o.name);
		o.hostname = host;
	}
	signal(SIGPIPE, SIG_IGN);
	return run(&o);
bad:
	usage(stderr);
	return 2;
}
