/* ctl.h — dtracedctl's commands (ctl.c); main.c only parses options. */
#ifndef HT_DTRACEDCTL_CTL_H
#define HT_DTRACEDCTL_CTL_H

struct ctl_opts {
	const char	*sockpath;
	int		json;
	int		timeout_ms;
	const char	*outdir;	/* submit: write linked objects here */
	const char	*targets[256];
	unsigned	ntargets;
};

/* Each returns the process exit status (0 ok, 1 failure). */
int ctl_status(const struct ctl_opts *o, int guests_only);
int ctl_submit(const struct ctl_opts *o, const char *file);
int ctl_cancel(const struct ctl_opts *o, const char *ident);
int ctl_cleanup(const struct ctl_opts *o, const char *guest);

#endif
