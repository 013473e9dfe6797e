/*
 * FreeBSD-style kernel structures, layout A (close to a FreeBSD 14 amd64
 * kernel's order).  Layout B (freebsd_b.h) has the same names in another
 * order with other sizes; the typer must find each member in both.
 */
#include "freebsd_common.h"

struct prison {
	int pr_id;
	int pr_ref;
	char pr_name[256];
	struct prison *pr_parent;
};

struct ucred {
	u_int cr_ref;
	uid_t cr_uid;
	uid_t cr_ruid;
	uid_t cr_svuid;
	int cr_ngroups;
	gid_t cr_rgid;
	gid_t cr_svgid;
	struct prison *cr_prison;
	gid_t *cr_groups;
	gid_t cr_gid;			/* appended for the system library */
};

struct session {
	u_int s_count;
	struct proc *s_leader;
	pid_t s_sid;
};

struct pgrp {
	pid_t pg_id;
	struct proc *pg_leader;
	struct session *pg_session;	/* appended for the system library */
};

/* The ABI of a process (the system library reads SV_LP64 in sv_flags). */
struct sysentvec {
	int sv_size;
	const char *sv_name;
	u_int sv_flags;
};

struct syscall_args {
	u_int code;
	u_int original_code;
	uint64_t args[8];
};

struct vmspace {
	uint64_t vm_tsize;
	uint64_t vm_dsize;
	uint64_t vm_ssize;
};

struct proc {
	struct {
		struct proc *le_next;
		struct proc **le_prev;
	} p_list;
	struct ucred *p_ucred;
	int p_flag;
	pid_t p_pid;
	struct proc *p_pptr;
	struct pgrp *p_pgrp;
	struct vmspace *p_vmspace;
	int p_numthreads;
	char p_comm[20];
	struct thread *p_singlethread;
	int p_xexit;
	struct sysentvec *p_sysent;	/* appended for the system library */
};

struct thread {
	void *td_lock;
	struct proc *td_proc;
	int td_flags;
	lwpid_t td_tid;
	struct ucred *td_realucred;
	struct ucred *td_ucred;
	u_char td_pri_class;
	u_char td_base_pri;
	int td_errno;
	char td_name[20];
	sbintime_t td_sleeptimo;
	struct {
		void *ss_sp;
		unsigned long ss_size;
		int ss_flags;
	} td_sigstk;
	uint64_t td_runtime;
	/* appended for the system library */
	void *td_wchan;
	int td_state;			/* enum td_states in the kernel */
	u_char td_priority;
	struct syscall_args td_sa;
};
