/*
 * guest-a.c — kernel layout of model guest A (a FreeBSD-like ordering).
 * Its typefile is made with `gcc -gbtf -c guest-a.c`; the guest model
 * (guests/model/htguest) lays its structures out with the same source.
 */
struct ucred {
	unsigned int cr_ref;
	unsigned int cr_uid;
	unsigned int cr_ruid;
	unsigned int cr_svuid;
	int cr_ngroups;
	unsigned int cr_rgid;
	unsigned int cr_svgid;
};

struct proc {
	struct proc *p_pptr;
	int p_flag;
	int p_pid;
	struct ucred *p_ucred;
	char p_comm[20];
};

struct thread {
	struct proc *td_proc;
	long td_tid;
	int td_flags;
	struct ucred *td_ucred;
	char td_name[20];
};

#ifndef GM_LAYOUT_ONLY
struct thread guest_thread0;
struct proc guest_proc0;
struct ucred guest_ucred0;
#endif
