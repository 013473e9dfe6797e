/*
 * guest-c.c — kernel layout of model guest C (runs with 5-level paging):
 * large headers before the interesting fields, a short uid type, odd
 * sized label.  Typefile: gcc -gbtf -c guest-c.c.
 */
struct ucred {
	unsigned short cr_flags;
	unsigned int cr_ruid;
	char cr_label[13];
	unsigned int cr_rgid;
	unsigned int cr_uid;
};

struct proc {
	int p_pid;
	int p_ppid;
	char p_comm[16];
	struct ucred *p_ucred;
	long p_pad[5];
	struct proc *p_pptr;
};

struct thread {
	long td_pad[7];
	struct ucred *td_ucred;
	struct proc *td_proc;
	long td_tid;
};

#ifndef GM_LAYOUT_ONLY
struct thread guest_thread0;
struct proc guest_proc0;
struct ucred guest_ucred0;
#endif
