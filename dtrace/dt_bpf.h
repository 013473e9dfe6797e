/*
 * dt_bpf.h — the dtrace driver's kernel-probe backend (BPF).
 *
 *   dt_bpf_prov.c  the kernel providers (syscall, proc, sched, tracepoint)
 *                  as dtrace probes: created when a description may match
 *                  them, listed by -l; runtime-bpf/dbpf_prov.c has the
 *                  catalog behind them
 *   dt_bpf.c       running a program whose probes are kernel probes:
 *                  ECBs to clause descriptions, load, attach, poll the
 *                  ring buffer into the consumer, fold aggregations
 *   dt_bpf_target.c  -c / -p target processes and $target
 *
 * Hooks: dt_probe_match() calls dt_bpf_match_provide(); dt_cmd_list()
 * calls dt_bpf_provide_all(); dt_cmd_run() calls dt_bpf_wanted() and then
 * dt_bpf_run() instead of dt_run().
 */
#ifndef DT_BPF_H
#define DT_BPF_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "dt_impl.h"

/* Kernel probes are created with this kind: no user-space engine fires them. */
#define DT_PROBE_KERNEL	((enum dt_probe_kind)100)

/* Create the kernel probes a description (prov, mod, name patterns) may match. */
int dt_bpf_match_provide(struct dt_state *st, const char *prov, const char *mod,
    const char *name);
/* Create every kernel probe (not the tracepoints: thousands) for -l. */
int dt_bpf_provide_all(struct dt_state *st);
bool dt_bpf_is_kernel(const struct dvm_probe *p);
/*
 * -l with descriptions: print the probes matching any of descs[i], each
 * of kind kinds[i] ('n' probe description, 'P' provider, 'm' module, 'f'
 * function), creating on-demand probes first.  0 or -errno.
 */
int dt_bpf_list(struct dt_state *st, const char *const *descs, const char *kinds,
    size_t n, FILE *fp);
/* True when some ECB is enabled on a kernel probe. */
bool dt_bpf_wanted(const struct dt_state *st);

/* The process traced by -c or -p ($target). */
struct dt_bpf_target {
	pid_t	pid;		/* 0: none */
	bool	created;	/* -c: our child, started by dt_bpf_target__go */
	int	gate;		/* -c: write end of the pipe the child waits on */
	int	pidfd;		/* readable when the process exits; -1 unknown */
	int	execfd[2];	/* -c: the child's exec errno, EOF on success */
	char	name[256];	/* -c: the program run */
	bool	exited;
	int	status;		/* wait status of a child */
};

/* -c: fork `command` (split on blanks, run with execvp) held before exec. */
int dt_bpf_target__create(const char *command, struct dt_bpf_target *t,
    char *err, size_t errlen);
/* -p: trace an existing process. */
int dt_bpf_target__grab(const char *pid, struct dt_bpf_target *t, char *err,
    size_t errlen);
/* Let a created child exec (after the probes are enabled); -errno and a
 * message when the exec failed. */
int dt_bpf_target__go(struct dt_bpf_target *t, char *err, size_t errlen);
/* Whether the process has exited (reaps a child); non-blocking. */
bool dt_bpf_target__done(struct dt_bpf_target *t);
/* Kill and reap a created child that never ran (setup failed). */
void dt_bpf_target__abandon(struct dt_bpf_target *t);

/*
 * The D text (text, or the file at path when text is NULL) with every
 * `$target` replaced by the pid, since the compiler's macro table has no
 * target: malloc'd, or NULL when the file cannot be read or memory is out.
 */
char *dt_bpf_subst_target(const char *path, const char *text, pid_t pid);

/*
 * Trace with the BPF backend: enable the kernel ECBs, fire BEGIN, poll
 * records until exit(), a stop signal or the target's exit, fire END,
 * print.  Returns 0, -ECANCELED after printing why it could not trace
 * (dtrace: could not enable tracing: ...), or -errno from the consumer.
 */
int dt_bpf_run(struct dt_state *st, struct dt_bpf_target *t,
    const sigset_t *sigs, volatile int *stop);

#endif /* DT_BPF_H */
