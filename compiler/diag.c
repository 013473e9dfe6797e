/*
 * diag.c -- diagnostics: tag names and the path from a checker's complaint
 * to the caller's sink.
 *
 * The library never prints.  dc_error() formats the message into a stack
 * buffer, finds the text of the offending source line and hands a struct
 * dc_diag to the sink given in dc_options.  After max_errors errors the
 * compilation is marked stopped and later errors are dropped, so a bad
 * input cannot produce unbounded output.
 */
#include <stdio.h>
#include <string.h>

#include "impl.h"

static const char *const tag_names[] = {
#define NAME(n, d) #n,
	DC_ERRTAG_TABLE(NAME)
#undef NAME
};

static const char *const tag_descs[] = {
#define DESC(n, d) d,
	DC_ERRTAG_TABLE(DESC)
#undef DESC
};

const char *dc_errtag__name(enum dc_errtag tag)
{
	if ((unsigned)tag >= DC_ERRTAG_COUNT)
		return NULL;
	return tag_names[tag];
}

const char *dc_errtag__desc(enum dc_errtag tag)
{
	if ((unsigned)tag >= DC_ERRTAG_COUNT)
		return NULL;
	return tag_descs[tag];
}

static void emit(struct dc_program *p, const struct dc_loc *loc, enum dc_severity sev,
		 enum dc_errtag tag, const char *fmt, va_list ap)
{
	char msg[1024];
	struct dc_diag d = { .sev = sev, .tag = tag };

	vsnprintf(msg, sizeof(msg), fmt, ap);
	d.msg = msg;
	if (loc != NULL) {
		d.file = loc->file;
		d.line = loc->line;
		d.col = loc->col;
		if (loc->src < p->nsrcs && loc->line > 0) {
			const struct dc_src *s = &p->srcs[loc->src];
			if (loc->off <= s->len) {
				const char *b = s->buf + loc->off;
				const char *e = memchr(b, '\n', s->len - loc->off);
				d.src_line = b;
				d.src_line_len = e ? (size_t)(e - b) : s->len - loc->off;
			}
		}
	}
	if (p->opts->sink != NULL)
		p->opts->sink(p->opts->sink_ctx, &d);
}

void dc_error(struct dc_program *p, const struct dc_loc *loc, enum dc_errtag tag,
	      const char *fmt, ...)
{
	va_list ap;
	unsigned max = p->opts->max_errors ? p->opts->max_errors : 20;

	if (p->stopped)
		return;
	va_start(ap, fmt);
	emit(p, loc, DC_SEV_ERROR, tag, fmt, ap);
	va_end(ap);
	if (++p->nerrors >= max)
		p->stopped = true;
}

void dc_warn(struct dc_program *p, const struct dc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	if (p->stopped)
		return;
	va_start(ap, fmt);
	emit(p, loc, DC_SEV_WARNING, D_UNKNOWN, fmt, ap);
	va_end(ap);
}

bool dc_too_many_errors(const struct dc_program *p)
{
	return p->stopped;
}
