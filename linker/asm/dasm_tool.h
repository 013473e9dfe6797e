/*
 * dasm_tool.h — what the `dasm` command does, given parsed options.
 * main.c parses the command line and calls dasm_tool_run().
 */
#ifndef DASM_TOOL_H
#define DASM_TOOL_H

enum dasm_tool_mode {
	DASM_MODE_ASSEMBLE,	/* file.s -> object */
	DASM_MODE_CHECK,	/* file.s -> nothing (errors only) */
	DASM_MODE_DISASSEMBLE,	/* object -> assembly on stdout */
	DASM_MODE_LISTING	/* object -> dtrace -S listing on stdout */
};

struct dasm_tool_opts {
	enum dasm_tool_mode	mode;
	const char		*input;
	const char		*output;	/* NULL: input with .s -> .o */
	int			allow_invalid;	/* validator findings are warnings */
};

/* Returns the exit status: 0 ok, 1 error in the input. */
int dasm_tool_run(const struct dasm_tool_opts *o);

#endif /* DASM_TOOL_H */
