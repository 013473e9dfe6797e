/*
 * dt_cmd.h — what main.c asks the dtrace driver to do.
 */
#ifndef DT_CMD_H
#define DT_CMD_H

#include <stdbool.h>
#include <stddef.h>

#define DT_CMD_MAXOPTS	64

struct dt_cmd {
	const char	*program;	/* -Y file */
	const char	*dprogram;	/* -n 'D program' */
	const char	*script;	/* -s file.d */
	const char	*link_input;	/* -y file */
	const char	*output;	/* -o file */
	const char	*typefile;	/* -T file; NULL: default */
	bool		quiet;		/* -q */
	bool		compile_only;	/* -e */
	bool		listing;	/* -S */
	bool		list;		/* -l */
	bool		submit;		/* -E: hand the program to dtraced */
	const char	*ddtracedir;	/* -x ddtracedir=DIR (-E) */
	int		ddtimeout;	/* -x ddtimeout=SECS (-E) */
	const char	*xopts[DT_CMD_MAXOPTS];	/* -x name[=value] */
	size_t		nxopts;
	const char	*command;	/* -c: run this and trace until it exits */
	const char	*grab;		/* -p: trace until this pid exits */
	int		target_pid;	/* $target (set by dt_cmd_run) */
	const char	*ldesc[DT_CMD_MAXOPTS];	/* -l: -n/-P/-m/-f descriptions */
	char		ldkind[DT_CMD_MAXOPTS];	/* 'n' 'P' 'm' 'f' */
	size_t		nldesc;
	char *const	*macro_args;	/* after the program */
	size_t		nmacro_args;
};

/* Each returns the process exit status (0, 1 input/runtime error). */
int dt_cmd_run(const struct dt_cmd *c);
int dt_cmd_link(const struct dt_cmd *c);
int dt_cmd_list(const struct dt_cmd *c);
int dt_cmd_submit(const struct dt_cmd *c);	/* dt_submit.c */

/* Compile -n/-s into a relocatable object (diagnostics on stderr), or NULL. */
struct dobj *dt_cmd_compile(const struct dt_cmd *c);

#endif /* DT_CMD_H */
