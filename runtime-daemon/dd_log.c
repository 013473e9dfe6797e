/*
 * dd_log.c — the daemon's diagnostics sink: stderr in the foreground,
 * syslog(3) once detached.
 *
 * Theory.  The rest of libdd never prints; it calls these functions, which
 * are the explicit sink the house rules allow.  Lines are prefixed with the
 * process role ("dtraced[engine]") so the supervisor's and the engine's
 * messages can be told apart on stderr.  Security refusals go to LOG_AUTH.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "dd.h"

static int log_foreground = 1;
static int log_verbose;
static char log_ident[64] = "dtraced";

void dd_log__open(const char *ident, int foreground, int verbose)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int prio, const char *tag, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		fprintf(stderr, "%s: %s%s\n", log_ident, tag, msg);
		fflush(stderr);
	} else {
		syslog(prio, "%s%s", tag, msg);
	}
}

void dd_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void dd_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void dd_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

void dd_log_security(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_AUTH | LOG_WARNING, "refused: ", fmt, ap);
	va_end(ap);
}
