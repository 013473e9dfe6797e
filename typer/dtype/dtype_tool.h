/*
 * dtype_tool.h — the work of the `dtype` tool (main.c only parses options).
 */
#ifndef DTYPE_TOOL_H
#define DTYPE_TOOL_H

#include <stdbool.h>

struct dtype_opts {
	const char *input;	/* the object */
	const char *typefile;	/* -T, or NULL: loose typing */
	const char *profile;	/* -P freebsd|linux|auto, or NULL */
	const char *output;	/* -o with --min */
	bool listing;		/* -S */
	bool min;		/* --min */
};

/* Returns the exit status: 0 ok, 1 error in the input. */
int dtype_tool_run(const struct dtype_opts *o);

#endif /* DTYPE_TOOL_H */
