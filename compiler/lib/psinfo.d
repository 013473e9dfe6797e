/*
 * psinfo.d -- process and thread views (part of dtc's bundled system library).
 *
 * psinfo_t describes the process, lwpsinfo_t the thread, of the probe that
 * fires; the member names are the ones D programs have always used.  dtc
 * knows no kernel, so each view has one translator per kernel family: from
 * Linux's struct task_struct and from FreeBSD's struct proc / struct
 * thread.  The inlines curpsinfo, curlwpsinfo and curproc pick the family
 * when the object is linked: __ht_by_type("type", arm, ...) is a form only
 * this library may write; dtc compiles it to "does the target have this
 * type?" tests (TYPE_EXISTS relocations) in front of each arm, and every
 * relocation inside an arm is GUARDED, so the linker makes the arms of the
 * other kernel inert.  When no listed type exists the use faults at run time.
 *
 * A member a translator leaves out is one that kernel does not keep in a
 * form a probe can read (sizes, nice value, CPU usage, Linux's wait
 * channel and system call number, FreeBSD's argument and environment
 * addresses).  A member no translator defines is a compile error
 * (D_XLATE_NOCONV); one only the other kernel's translator defines faults
 * at run time on this one.  Notes per member:
 *   pr_fname, pr_psargs  the kernel's command name (neither kernel keeps the
 *                        argument string in memory a probe may read); both
 *                        are 16 bytes, no more than either kernel's array
 *                        (Linux comm[16], FreeBSD p_comm[20]), because dtc
 *                        copies a library array member's full size;
 *   pr_addr              the kernel address of the process / thread object;
 *   pr_dmodel            Linux: a 32-bit process's address space ends
 *                        below 4 GiB (mm->task_size; the flag bit that says
 *                        so has moved between kernel versions), a kernel
 *                        thread is native; FreeBSD: SV_ILP32 (0x100) in the
 *                        ABI's sv_flags;
 *   pr_argv, pr_envp     user addresses of the argument / environment strings
 *                        (Linux: mm->arg_start / env_start; 0 for a kernel
 *                        thread, which has no mm);
 *   pr_pri               larger is more urgent, as D programs expect
 *                        (Linux 139 - prio, FreeBSD 255 - td_priority);
 *   pr_state, pr_sname   SSLEEP 1 'S', SRUN 2 'R', SZOMB 3 'Z', SSTOP 4 'T',
 *                        SIDL 5 'I', SONPROC 6 'O'.
 */
inline char PR_MODEL_UNKNOWN = 0;
inline char PR_MODEL_ILP32 = 1;
inline char PR_MODEL_LP64 = 2;
inline char PR_MODEL_NATIVE = 2;

typedef struct psinfo {
	int	pr_nlwp;		/* threads in the process */
	pid_t	pr_pid;
	pid_t	pr_ppid;
	pid_t	pr_pgid;
	pid_t	pr_sid;
	uid_t	pr_uid;
	uid_t	pr_euid;
	gid_t	pr_gid;
	gid_t	pr_egid;
	uintptr_t pr_addr;
	size_t	pr_size;		/* never translated */
	size_t	pr_rssize;		/* never translated */
	char	pr_fname[16];
	char	pr_psargs[16];
	int	pr_argc;		/* never translated */
	uintptr_t pr_argv;
	uintptr_t pr_envp;
	char	pr_dmodel;
} psinfo_t;

typedef struct lwpsinfo {
	int	pr_flag;		/* the kernel's own thread flag word */
	id_t	pr_lwpid;
	uintptr_t pr_addr;
	uintptr_t pr_wchan;
	char	pr_state;
	char	pr_sname;
	char	pr_nice;		/* never translated */
	short	pr_syscall;
	char	pr_cpu;			/* never translated */
	int	pr_pri;
} lwpsinfo_t;

translator psinfo_t < struct task_struct *T > {
	pr_nlwp = T->signal->nr_threads;
	pr_pid = T->tgid;
	pr_ppid = T->real_parent->tgid;
	pr_pgid = T->signal->pids[2]->numbers[0].nr;
	pr_sid = T->signal->pids[3]->numbers[0].nr;
	pr_uid = T->real_cred->uid.val;
	pr_euid = T->real_cred->euid.val;
	pr_gid = T->real_cred->gid.val;
	pr_egid = T->real_cred->egid.val;
	pr_addr = (uintptr_t)T->group_leader;
	pr_fname = T->group_leader->comm;
	pr_psargs = T->group_leader->comm;
	pr_argv = T->mm != NULL ? T->mm->arg_start : 0;
	pr_envp = T->mm != NULL ? T->mm->env_start : 0;
	pr_dmodel = T->mm == NULL ? PR_MODEL_NATIVE :
	    T->mm->task_size <= 0xffffffff ? PR_MODEL_ILP32 : PR_MODEL_LP64;
};

translator psinfo_t < struct proc *P > {
	pr_nlwp = P->p_numthreads;
	pr_pid = P->p_pid;
	pr_ppid = P->p_pptr->p_pid;
	pr_pgid = P->p_pgrp->pg_id;
	pr_sid = P->p_pgrp->pg_session->s_sid;
	pr_uid = P->p_ucred->cr_ruid;
	pr_euid = P->p_ucred->cr_uid;
	pr_gid = P->p_ucred->cr_rgid;
	pr_egid = P->p_ucred->cr_gid;
	pr_addr = (uintptr_t)P;
	pr_fname = P->p_comm;
	pr_psargs = P->p_comm;
	pr_dmodel = (P->p_sysent->sv_flags & 0x100) != 0 ?
	    PR_MODEL_ILP32 : PR_MODEL_LP64;
};

translator lwpsinfo_t < struct task_struct *T > {
	pr_flag = T->flags;
	pr_lwpid = T->pid;
	pr_addr = (uintptr_t)T;
	pr_state = T->exit_state != 0 ? 3 : T->__state == 0 ?
	    (T->on_cpu != 0 ? 6 : 2) : (T->__state & 3) != 0 ? 1 :
	    (T->__state & 12) != 0 ? 4 : 5;
	pr_sname = T->exit_state != 0 ? 'Z' : T->__state == 0 ?
	    (T->on_cpu != 0 ? 'O' : 'R') : (T->__state & 3) != 0 ? 'S' :
	    (T->__state & 12) != 0 ? 'T' : 'I';
	pr_pri = 139 - T->prio;
};

translator lwpsinfo_t < struct thread *T > {
	pr_flag = T->td_flags;
	pr_lwpid = T->td_tid;
	pr_addr = (uintptr_t)T;
	pr_wchan = (uintptr_t)T->td_wchan;
	pr_state = T->td_state == 4 ? 6 : T->td_state == 1 ? 1 :
	    T->td_state == 0 ? 5 : 2;
	pr_sname = T->td_state == 4 ? 'O' : T->td_state == 1 ? 'S' :
	    T->td_state == 0 ? 'I' : 'R';
	pr_syscall = T->td_sa.code;
	pr_pri = 255 - T->td_priority;
};

inline psinfo_t *curpsinfo = __ht_by_type(
    "struct task_struct", xlate <psinfo_t *> ((struct task_struct *)curthread),
    "struct thread",
    xlate <psinfo_t *> ((struct proc *)((struct thread *)curthread)->td_proc));

inline lwpsinfo_t *curlwpsinfo = __ht_by_type(
    "struct task_struct", xlate <lwpsinfo_t *> ((struct task_struct *)curthread),
    "struct thread", xlate <lwpsinfo_t *> ((struct thread *)curthread));

inline struct proc *curproc = __ht_by_type(
    "struct task_struct", ((struct task_struct *)curthread)->group_leader,
    "struct thread", (struct proc *)((struct thread *)curthread)->td_proc);

/*
 * thread_t: the kernel thread handle D programs store and compare (what
 * curthread is); a pointer, so programs can keep one in their own structs.
 * It names FreeBSD's struct thread, so it adds no translator of its own.
 */
typedef struct thread *thread_t;
