/*
 * dc.h -- public interface of the D compiler front end (library "dfront").
 *
 * A compilation takes one or more D sources (files or -n program strings),
 * optionally runs them through the system C preprocessor, lexes and parses
 * them into an arena-allocated AST, and checks the AST (identifiers, operand
 * types, lvalues, actions, aggregations, printf formats, probe descriptions,
 * pragmas).  Every problem is reported once through the caller's sink as a
 * struct dc_diag carrying a D_* tag; the library itself never prints.
 *
 * Ownership: dc_compile() returns a struct dc_program that owns every node,
 * type and string of the compilation (one arena); dc_program__free() releases
 * all of it.  The AST layout is in dc_ast.h, which a code generator includes.
 */
#ifndef DC_H
#define DC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dc_errtags.h"

enum dc_errtag {
#define DC_ERRTAG_ENUM(name, desc) name,
	DC_ERRTAG_TABLE(DC_ERRTAG_ENUM)
#undef DC_ERRTAG_ENUM
	DC_ERRTAG_COUNT
};

/* Name ("D_SYNTAX") and one-line description of a tag; NULL if out of range. */
const char *dc_errtag__name(enum dc_errtag tag);
const char *dc_errtag__desc(enum dc_errtag tag);

enum dc_severity { DC_SEV_ERROR, DC_SEV_WARNING };

/* One diagnostic.  All pointers are valid only during the sink call. */
struct dc_diag {
	enum dc_severity sev;
	enum dc_errtag tag;
	const char *file;       /* source name ("<command line>" for -n) */
	int line, col;          /* 1-based; 0 when unknown */
	const char *msg;        /* message without the tag */
	const char *src_line;   /* text of the offending line, or NULL */
	size_t src_line_len;
};

typedef void (*dc_diag_sink_fn)(void *ctx, const struct dc_diag *d);

/* One input: a file path, or an in-memory program (-n). */
struct dc_source {
	const char *name;       /* path, or a display name for strings */
	const char *text;       /* NULL: read the file `name` */
	size_t len;
};

struct dc_options {
	bool cpp;                       /* -C: run the system C preprocessor */
	const char *cpp_path;           /* default "cpp" */
	const char *const *cpp_args;    /* -I/-D/-U already formatted, in order */
	size_t ncpp_args;
	const char *const *macro_args;  /* $1..$n (macro_args[0] is $1) */
	size_t nmacro_args;
	const char *progname;           /* value of $0 */
	const char *const *xopts;       /* -x name[=value], in order */
	size_t nxopts;
	const char *typefile;           /* -T: recorded, not yet used */
	unsigned max_errors;            /* stop after this many (0: 20) */
	size_t max_memory;              /* arena bytes for the compilation (0: no
					 * limit); beyond it, as when malloc fails:
					 * D_NOMEM and dc_compile returns NULL */
	dc_diag_sink_fn sink;
	void *sink_ctx;
};

struct dc_program;

/*
 * Compile and check the sources.  Returns the program (also when it has
 * errors; see dc_program__nerrors) or NULL with errno set on a system
 * failure: ENOMEM when memory ran out (malloc, or opts->max_memory), after
 * one D_NOMEM diagnostic.  Diagnostics go to opts->sink.
 */
struct dc_program *dc_compile(const struct dc_source *srcs, size_t nsrcs,
			      const struct dc_options *opts);
size_t dc_program__nerrors(const struct dc_program *p);
/* Value of an option set by -x or #pragma D option, or NULL if unset. */
const char *dc_program__option(const struct dc_program *p, const char *name);
void dc_program__free(struct dc_program *p);

/* Print an AST dump of the program (stable text, used by golden tests). */
int dc_program__dump(const struct dc_program *p, void *file /* FILE * */);

#endif /* DC_H */
