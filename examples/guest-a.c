/* guest-a.c — one guest kernel's layout (typefile: gcc -gbtf -c guest-a.c). */
struct ucred { int cr_uid; int cr_ruid; int cr_rgid; };
struct proc { int p_flag; int p_pid; char p_comm[20]; };
struct thread { long td_tid; struct proc *td_proc; struct ucred *td_ucred; };
struct thread t; struct proc p; struct ucred c;
