/*
 * layout.h — the QEMU test guest's kernel structures.
 *
 * The guest kernel (kernel.c) writes its threads, processes and
 * credentials with these definitions, and types.c compiles the same
 * definitions with `gcc -gbtf` into the typefile the host resolves D
 * programs against.  One header, two consumers: the typefile cannot drift
 * from what the guest really lays out.  The layout is deliberately unlike
 * examples/guest-a.c and guest-b.c (leading pointers, a reference count
 * before the ids, a group list) so offsets differ from the other guests.
 */
#ifndef QG_LAYOUT_H
#define QG_LAYOUT_H

typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef int pid_t;

struct ucred {
	unsigned int cr_ref;
	uid_t cr_uid;
	uid_t cr_ruid;
	uid_t cr_svuid;
	int cr_ngroups;
	gid_t cr_rgid;
	gid_t cr_svgid;
	gid_t cr_groups[4];
};

struct proc {
	struct proc *p_pptr;
	struct ucred *p_ucred;
	unsigned long p_cr3;		/* root of this process's address space */
	int p_flag;
	pid_t p_pid;
	char p_comm[20];
};

struct thread {
	struct thread *td_next;
	unsigned long td_flags;
	struct ucred *td_ucred;
	long td_tid;
	struct proc *td_proc;
	int td_cpu;
	char td_name[20];
};

#endif /* QG_LAYOUT_H */
