/*
 * dbpf_say.h — the one way runtime-bpf reports an error in words.
 *
 * Every fallible runtime-bpf call takes a caller's (err, errlen) buffer
 * and returns 0 or -errno; dbpf_say formats the message into the buffer
 * (when there is one) and hands back the code, so a failure is one
 * `return dbpf_say(err, errlen, -e, "...", ...)`.  It is a static inline
 * because both libraries (dbpf and dbpf_prov) use it and neither links
 * the other.
 */
#ifndef DBPF_SAY_H
#define DBPF_SAY_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline int dbpf_say(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline int dbpf_say(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

#endif
