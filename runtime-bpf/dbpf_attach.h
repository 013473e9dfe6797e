/*
 * dbpf_attach.h — kernel set-up for BPF tracing and attaching loaded
 * programs to the hooks of the provider catalog (dbpf_prov.h).
 *
 *   dbpf_attach__setup     raise RLIMIT_MEMLOCK, check that bpf() works;
 *                          a clear message when the kernel refuses
 *   dbpf_attach__tracefs   where tracefs is (mounted if absent)
 *   dbpf_attach__hook      attach a loaded program's fd to a hook: a raw
 *                          tracepoint, or a perf software clock on one CPU
 *                          or on every online CPU
 *
 * Libraries' rules: 0 or -errno, one-line message; nothing prints.
 */
#ifndef DBPF_ATTACH_H
#define DBPF_ATTACH_H

#include <stddef.h>

#include "dbpf_prov.h"

/*
 * Prepare the process for BPF: RLIMIT_MEMLOCK raised to unlimited (older
 * kernels charge maps to it), then one map created and closed to see
 * that bpf() works.  -EPERM: not privileged ("needs root, or CAP_BPF and
 * CAP_PERFMON"); -ENOSYS: no BPF in this kernel.
 */
int dbpf_attach__setup(char *err, size_t errlen);

/*
 * The tracefs directory (/sys/kernel/tracing, or the debugfs one) into
 * path; mounts tracefs on /sys/kernel/tracing when neither is there.
 */
int dbpf_attach__tracefs(char *path, size_t len, char *err, size_t errlen);

struct dbpf_attachment;	/* the fds of one attached hook */

/*
 * Attach prog_fd (a program of the type the hook wants: RAW_TRACEPOINT
 * for DBPF_HOOK_RAW_TP, PERF_EVENT for DBPF_HOOK_PERF_CLOCK).  -ENOENT
 * when the tracepoint does not exist; the message names the hook.
 */
int dbpf_attach__hook(const struct dbpf_hook *h, int prog_fd,
    struct dbpf_attachment **out, char *err, size_t errlen);
/* Detach and close. */
void dbpf_attach__free(struct dbpf_attachment *a);

/* Online CPU numbers into cpus[0..max); returns how many, or -errno. */
int dbpf_attach__online_cpus(int *cpus, int max);

#endif /* DBPF_ATTACH_H */
