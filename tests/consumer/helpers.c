/*
 * helpers.c — see helpers.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

char *corpus_expected(const char *rel)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/sun/tst/common/%s", CORPUS_DIR, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

void golden_compare(const char *rel, const struct dcons_buf *out)
{
	char *want = corpus_expected(rel);
	const char *got = out->data ? out->data : "";

	if (want == NULL) {
		fprintf(stderr, "skip: corpus file %s not found\n", rel);
		return;
	}
	if (strcmp(want, got) != 0) {
		size_t i = 0;

		while (want[i] && want[i] == got[i])
			i++;
		fprintf(stderr, "%s: first difference at byte %zu\n--- want:\n%s"
			"--- got:\n%s---\n", rel, i, want + (i > 80 ? i - 80 : 0),
			got + (i > 80 ? i - 80 : 0));
	}
	ck_assert_msg(strcmp(want, got) == 0, "%s differs", rel);
	free(want);
}

void decl(struct dcons_aggstore *s, uint32_t id, const char *name,
	uint16_t func, uint64_t arg, uint32_t nkeys, ...)
{
	struct dcons_aggdesc d;
	va_list ap;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.name = name;
	d.func = func;
	d.arg = arg;
	d.nkeys = nkeys;
	va_start(ap, nkeys);
	for (uint32_t i = 0; i < nkeys; i++) {
		d.keys[i].action = (uint16_t)va_arg(ap, int);
		d.keys[i].flags = (uint8_t)va_arg(ap, int);
		d.keys[i].size = (uint32_t)va_arg(ap, int);
	}
	va_end(ap);
	ck_assert_int_eq(dcons_aggstore__declare(s, &d), 0);
}

uint64_t lq_arg(int32_t base, int32_t limit, uint16_t step)
{
	uint64_t levels = (uint64_t)((limit - base) / step);

	return ((uint64_t)step << 48) | (levels << 32) | (uint32_t)base;
}

uint64_t llq_arg(uint16_t factor, uint16_t low, uint16_t high, uint16_t nsteps)
{
	return ((uint64_t)factor << 48) | ((uint64_t)low << 32) |
		((uint64_t)high << 16) | nsteps;
}

struct dcons_rec r_i32(const int32_t *v)
{
	return dcons_rec__int(v, 4, true);
}

struct dcons_rec r_i64(const int64_t *v)
{
	return dcons_rec__int(v, 8, true);
}

struct dcons_rec r_str(const char *s)
{
	return dcons_rec__str(s, (uint32_t)strlen(s) + 1);
}
