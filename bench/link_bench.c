/*
 * link_bench.c — time a whole link (read the object, open the typefile,
 * resolve, rewrite, validate, write) against libbpf's btf__parse of the
 * same typefile, in one process, alternating, N rounds; then the same link
 * against a minimal typefile holding only the types the script uses
 * (written with typ_file__write_min from the big one).  The full link is
 * also timed without writing the output, since the atomic write's fsync
 * depends on the file system, not on the linker.
 *
 * usage: link_bench [-n rounds] object.o [typefile]   (default /sys/kernel/btf/vmlinux)
 * The baseline is what any libbpf user pays just to get the types; dld
 * must also check them, index them and link.  Not a test.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lnk.h"
#include "typ_typefile.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void say(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

static double time_link(const char *obj, const char *tf, const char *out)
{
	struct lnk_diag d = { say, NULL, 0, 0 };
	double t0 = now_ms();
	if (lnk_link__files(&obj, 1, tf, NULL, &d, out, NULL) != 0) {
		fprintf(stderr, "link_bench: link against %s failed\n", tf);
		exit(1);
	}
	return now_ms() - t0;
}

/* Link only: the object read and the typefile opened beforehand. */
static double time_link_open(struct dobj *in, struct typ_file *tf)
{
	struct lnk_diag d = { say, NULL, 0, 0 };
	struct dobj *out = NULL;
	const char *name = "script.o";
	double t0 = now_ms();
	if (lnk_link__objects(&in, &name, 1, tf, NULL, &d, &out) != 0)
		exit(1);
	double t = now_ms() - t0;
	dobj__free(out);
	return t;
}

/* Write the types the script names (and what they need) to path. */
static void write_min(const char *big, const char *path)
{
	static const char *const names[] = { "struct task_struct", "struct cred", "int" };
	struct typ_file *tf;
	struct typ_err e;
	typ_id_t ids[3];

	if (typ_file__open(big, &tf, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		exit(1);
	}
	for (int i = 0; i < 3; i++) {
		int64_t id = typ_file__lookup(tf, names[i], &e);
		if (id < 0) {
			fprintf(stderr, "%s\n", e.msg);
			exit(1);
		}
		ids[i] = (typ_id_t)id;
	}
	struct typ_min_opts o = { false };
	if (typ_file__write_min(tf, ids, 3, &o, path, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		exit(1);
	}
	typ_file__free(tf);
}

int main(int argc, char **argv)
{
	int rounds = 11, c;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c == 'n')
			rounds = atoi(optarg);
	if (optind >= argc || rounds < 1) {
		fprintf(stderr, "usage: link_bench [-n rounds] object.o [typefile]\n");
		return 2;
	}
	const char *obj = argv[optind];
	const char *big = optind + 1 < argc ? argv[optind + 1] : "/sys/kernel/btf/vmlinux";
	char dir[] = "/tmp/link_benchXXXXXX";
	if (mkdtemp(dir) == NULL)
		return 1;
	char out[300], min[300];
	snprintf(out, sizeof(out), "%s/out.o", dir);
	snprintf(min, sizeof(min), "%s/min.btf", dir);
	libbpf_set_print(NULL);

	double *tl = calloc((size_t)rounds, sizeof(double));
	double *tb = calloc((size_t)rounds, sizeof(double));
	double *tm = calloc((size_t)rounds, sizeof(double));
	double *tn = calloc((size_t)rounds, sizeof(double));
	double *tmn = calloc((size_t)rounds, sizeof(double));
	double *to = calloc((size_t)rounds, sizeof(double));
	struct dobj *in = NULL;
	struct dobj_err de;
	struct typ_file *open_tf = NULL;
	struct typ_err te;
	if (dobj__read_file(obj, &in, &de) != 0 || typ_file__open(big, &open_tf, &te) != 0) {
		fprintf(stderr, "link_bench: cannot read %s or open %s\n", obj, big);
		return 1;
	}
	write_min(big, min);
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();
		struct btf *b = btf__parse(big, NULL);
		tb[i] = now_ms() - t0;
		if (b == NULL) {
			fprintf(stderr, "link_bench: libbpf cannot parse %s\n", big);
			return 1;
		}
		btf__free(b);
		tl[i] = time_link(obj, big, out);
		tm[i] = time_link(obj, min, out);
		tn[i] = time_link(obj, big, NULL);
		tmn[i] = time_link(obj, min, NULL);
		to[i] = time_link_open(in, open_tf);
	}
	double ml = median(tl, rounds), mb = median(tb, rounds), mm = median(tm, rounds);
	double mn = median(tn, rounds), mmn = median(tmn, rounds), mo = median(to, rounds);
	printf("typefile %s, %d rounds (median / min)\n", big, rounds);
	printf("  libbpf btf__parse:          %8.3f / %8.3f ms\n", mb, tb[0]);
	printf("  dld link (full typefile):   %8.3f / %8.3f ms   ratio %.2fx (min %.2fx)  [target <= 1.5x]\n",
	    ml, tl[0], ml / mb, tl[0] / tb[0]);
	printf("  ... without writing (fsync): %8.3f / %8.3f ms   ratio %.2fx (min %.2fx)\n",
	    mn, tn[0], mn / mb, tn[0] / tb[0]);
	printf("  dld link (minimal typefile):%8.3f / %8.3f ms   [target < 5 ms]\n", mm, tm[0]);
	printf("  ... without writing (fsync): %8.3f / %8.3f ms\n", mmn, tmn[0]);
	printf("  link only (vmlinux already open): %6.3f / %8.3f ms\n", mo, to[0]);
	unlink(out);
	unlink(min);
	rmdir(dir);
	free(tl);
	free(tb);
	free(tm);
	free(tn);
	free(tmn);
	free(to);
	dobj__free(in);
	typ_file__free(open_tf);
	return 0;
}
