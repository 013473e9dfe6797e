/*
 * dcons_buf.c — the growable output buffer every printer appends to.
 *
 * Theory.  Printers never write to a stream: they append to a dcons_buf,
 * which the caller flushes wherever it wants (stdout, a freopen()ed file, a
 * test's expected-output comparison).  The buffer is always NUL-terminated
 * so tests can compare it as a string; len excludes the NUL.  On allocation
 * failure an append returns -ENOMEM and leaves the buffer as it was.
 * Read next: dcons_printf.c (the format engine that fills it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcons.h"

void dcons_buf__init(struct dcons_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void dcons_buf__free(struct dcons_buf *b)
{
	free(b->data);
	dcons_buf__init(b);
}

void dcons_buf__reset(struct dcons_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the NUL. */
static int reserve(struct dcons_buf *b, size_t n)
{
	size_t need = b->len + n + 1;
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (need < b->len)
		return -ENOMEM;
	if (need <= b->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int dcons_buf__append(struct dcons_buf *b, const char *s, size_t n)
{
	int rc = reserve(b, n);

	if (rc < 0)
		return rc;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Format straight into the free space; grow and format again if it did not fit. */
int dcons_buf__printf(struct dcons_buf *b, const char *fmt, ...)
{
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	rc = reserve(b, (size_t)n);
	if (rc < 0) {
		if (b->data != NULL)
			b->data[b->len] = '\0';
		return rc;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
