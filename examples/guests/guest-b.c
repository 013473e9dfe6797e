/*
 * guest-b.c — kernel layout of model guest B: names first, 32-bit thread
 * ids, credentials behind three words of padding.  Typefile: gcc -gbtf -c.
 */
struct ucred {
	long cr_pad[3];
	unsigned int cr_rgid;
	unsigned int cr_ruid;
	unsigned int cr_uid;
};

struct proc {
	char p_comm[24];
	int p_pid;
	struct ucred *p_ucred;
	struct proc *p_pptr;
};

struct thread {
	char td_name[32];
	struct ucred *td_ucred;
	int td_tid;
	struct proc *td_proc;
};

#ifndef GM_LAYOUT_ONLY
struct thread guest_thread0;
struct proc guest_proc0;
struct ucred guest_ucred0;
#endif
