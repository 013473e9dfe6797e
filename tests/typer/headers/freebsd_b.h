/*
 * FreeBSD-style kernel structures, layout B: the names of layout A in a
 * different order, with different array sizes, padding and extra members.
 */
#include "freebsd_common.h"

struct prison {
	char pr_name[128];
	struct prison *pr_parent;
	long pr_flags;
	int pr_ref;
	int pr_id;
};

struct ucred {
	long cr_spare[3];
	gid_t *cr_groups;
	gid_t cr_svgid;
	short cr_pad;
	gid_t cr_rgid;
	uid_t cr_ruid;
	int cr_ngroups;
	uid_t cr_svuid;
	char cr_flag;
	uid_t cr_uid;
	struct prison *cr_prison;
	u_int cr_ref;
};

struct pgrp {
	struct proc *pg_leader;
	long pg_jobc;
	pid_t pg_id;
};

struct vmspace {
	char vm_map[72];
	uint64_t vm_ssize;
	uint64_t vm_tsize;
	uint64_t vm_dsize;
};

struct proc {
	char p_comm[24];
	int p_xexit;
	pid_t p_pid;
	struct vmspace *p_vmspace;
	u_char p_stat;
	struct ucred *p_ucred;
	struct pgrp *p_pgrp;
	struct {
		struct proc *le_next;
		struct proc **le_prev;
	} p_list;
	struct proc *p_pptr;
	int p_numthreads;
	struct thread *p_singlethread;
	short p_pad;
	int p_flag;
};

struct thread {
	char td_name[24];
	uint64_t td_runtime;
	u_char td_base_pri;
	lwpid_t td_tid;
	struct ucred *td_ucred;
	char td_pad0[3];
	u_char td_pri_class;
	struct {
		int ss_flags;
		void *ss_sp;
		unsigned long ss_size;
	} td_sigstk;
	int td_errno;
	struct proc *td_proc;
	sbintime_t td_sleeptimo;
	void *td_lock;
	struct ucred *td_realucred;
	int td_flags;
};
