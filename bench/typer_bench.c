/*
 * typer_bench.c — driver for typer_bench.sh: time DIF type inference
 * (typ_infer__new) over one object, loosely and against a typefile, and
 * the DIF validator over the same DIFOs as a same-run baseline (another
 * linear pass over every instruction).  Median of N rounds, wall clock
 * (CPU time, CLOCK_PROCESS_CPUTIME_ID).  Not a test.
 *   typer_bench [-n rounds] file.o [typefile]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dvm_validate.h"
#include "typ_infer.h"

/* CPU time of this process: on a loaded machine wall time also counts
 * waiting for a CPU, which says nothing about the typer. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

static double time_infer(const struct dobj *obj, struct typ_file *tf, int rounds,
    size_t *nerr)
{
	double *v = calloc((size_t)rounds, sizeof(*v));
	struct typ_infer_opts o = { .tf = tf };
	double m;

	for (int r = 0; r < rounds; r++) {
		struct typ_infer *inf;
		double t0 = now_ms();
		if (typ_infer__new(obj, &o, &inf) != 0) {
			fprintf(stderr, "typer_bench: inference failed\n");
			exit(1);
		}
		v[r] = now_ms() - t0;
		*nerr = typ_infer__nerrors(inf);
		typ_infer__free(inf);
	}
	m = median(v, rounds);
	free(v);
	return m;
}

static double time_validate(const struct dobj *obj, int rounds)
{
	double *v = calloc((size_t)rounds, sizeof(*v));
	struct dvm_validate_opts vo = { DVM_VF_RELOCATABLE, 0 };
	unsigned bad = 0;
	double m;

	for (int r = 0; r < rounds; r++) {
		double t0 = now_ms();
		for (uint32_t i = 0; i < obj->ndifos; i++) {
			struct dif_difo d;
			dobj_difo__view(&obj->difos[i], &d);
			bad += dvm_difo__validate(&d, &vo, NULL, 0);
		}
		v[r] = now_ms() - t0;
	}
	m = median(v, rounds);
	free(v);
	if (bad)
		fprintf(stderr, "typer_bench: %u validator findings\n", bad);
	return m;
}

int main(int argc, char **argv)
{
	int rounds = 11, c;
	struct dobj *obj;
	struct dobj_err oerr;
	struct typ_file *tf = NULL;
	struct typ_err terr;
	uint64_t ninstr = 0;
	size_t nerr = 0;
	double t;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c == 'n')
			rounds = atoi(optarg) > 0 ? atoi(optarg) : 1;
	if (optind >= argc) {
		fprintf(stderr, "usage: typer_bench [-n rounds] file.o [typefile]\n");
		return 2;
	}
	if (dobj__read_file(argv[optind], &obj, &oerr) != 0) {
		fprintf(stderr, "typer_bench: %s: %s\n", argv[optind], oerr.msg);
		return 1;
	}
	for (uint32_t i = 0; i < obj->ndifos; i++)
		ninstr += obj->difos[i].len;
	printf("program: %u DIFOs, %llu instructions, median of %d rounds\n",
	    obj->ndifos, (unsigned long long)ninstr, rounds);
	t = time_validate(obj, rounds);
	printf("baseline validator:      %8.2f ms  (%.1f ns/instruction)\n", t,
	    t * 1e6 / (double)ninstr);
	t = time_infer(obj, NULL, rounds, &nerr);
	printf("inference, loose:        %8.2f ms  (%.1f ns/instruction, %zu errors)\n",
	    t, t * 1e6 / (double)ninstr, nerr);
	if (optind + 1 < argc) {
		if (typ_file__open(argv[optind + 1], &tf, &terr) != 0) {
			fprintf(stderr, "typer_bench: %s\n", terr.msg);
			return 1;
		}
		t = time_infer(obj, tf, rounds, &nerr);
		printf("inference, typefile:     %8.2f ms  (%.1f ns/instruction, %zu errors)\n",
		    t, t * 1e6 / (double)ninstr, nerr);
		typ_file__free(tf);
	}
	dobj__free(obj);
	return 0;
}
