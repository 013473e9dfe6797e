/*
 * arena.c -- per-compilation bump allocator.
 *
 * Every node, type and string of one compilation is carved out of large
 * chunks linked from struct dc_arena; nothing is freed individually and
 * dc_arena_free() drops the whole lot.  Allocation failure (malloc, or the
 * compilation's memory limit) is fatal for the compilation only: while
 * dc_compile runs, a->oom is set and the failure unwinds there, which
 * reports D_NOMEM through the diagnostics sink and returns NULL with errno
 * ENOMEM; outside it callers get NULL.  The library never prints or
 * aborts.  Allocations are zero-filled and 16-byte aligned.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"

#define CHUNK_MIN (64 * 1024)

struct dc_chunk {
	struct dc_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *dc_arena_alloc(struct dc_arena *a, size_t n)
{
	struct dc_chunk *c = a->head;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;

		c = (a->limit != 0 && cap > a->limit - a->total) || n > SIZE_MAX / 2 ? NULL
			: malloc(sizeof(*c) + cap);
		if (c == NULL) {
			if (a->oom != NULL)
				longjmp(*a->oom, 1);
			errno = ENOMEM;
			return NULL;
		}
		a->total += cap;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *r = c->data + c->used;
	c->used += n;
	memset(r, 0, n);
	return r;
}

char *dc_arena_strndup(struct dc_arena *a, const char *s, size_t n)
{
	char *r = dc_arena_alloc(a, n + 1);

	if (r == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *dc_arena_strdup(struct dc_arena *a, const char *s)
{
	return dc_arena_strndup(a, s, strlen(s));
}

char *dc_arena_printf(struct dc_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	if (fmt == NULL)
		return dc_arena_strdup(a, "");
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return dc_arena_strdup(a, "");
	char *r = dc_arena_alloc(a, (size_t)n + 1);
	if (r == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(r, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return r;
}

void dc_arena_free(struct dc_arena *a)
{
	struct dc_chunk *c = a->head;

	while (c != NULL) {
		struct dc_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->total = 0;
}
