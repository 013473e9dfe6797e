/* guest-b.c — the same structures laid out differently (another guest). */
struct ucred { long cr_ref; int cr_rgid; int cr_ruid; int cr_uid; };
struct proc { char p_comm[24]; long p_x; int p_pid; };
struct thread { int td_a, td_b, td_c; struct ucred *td_ucred; struct proc *td_proc; };
struct thread t; struct proc p; struct ucred c;
